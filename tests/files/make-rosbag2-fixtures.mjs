// gst-rosbag
// Copyright (C) 2026 The gst-rosbag authors
//
// This library is free software; you can redistribute it and/or
// modify it under the terms of the GNU Library General Public
// License as published by the Free Software Foundation; either
// version 2.1 of the License, or (at your option) any later version.
//
// This library is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
// Library General Public License for more details.
//
// You should have received a copy of the GNU Library General Public
// License along with this library; if not, write to the
// Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
// Boston, MA 02110-1301, USA.

// Writes the rosbag2 recordings of tests/files/rosbag2 (see
// tests/files/README.md for what each holds): directories with a
// metadata.yaml and split storage files, as `ros2 bag record` leaves them.
//
//   node tests/files/make-rosbag2-fixtures.mjs --npm NPM_DIR \
//       [OUTDIR [NAME ...]]
//
// NPM_DIR is where tests/files/npm-install.sh installed the pinned packages
// (e.g. build/tests/check/npm); NODE_PATH=NPM_DIR/node_modules works too.
// OUTDIR defaults to tests/files/rosbag2; NAMEs (humble-images, split-mcap,
// missing-split, message-zstd, file-zstd) limit what is written. Each
// NAME's folder is removed and written again.
//
// Needs the `sqlite3` and `zstd` commands. Deterministic: fixed times from
// 1700000000 s, values from formulas; the same sqlite3 and zstd versions
// give the same bytes.
//
// - CDR payloads: @foxglove/rosmsg2-serialization's MessageWriter over the
//   definitions parsed by @foxglove/rosmsg (all strings ASCII), each read
//   back by its MessageReader.
// - MCAP: @mcap/core's McapWriter, profile ros2, ros2msg schemas (the
//   type's definition, then each dependency after 80 `=` and
//   `MSG: pkg/msg/Type`, as rosbag2 writes them; comments left out), cdr
//   messages, zstd (@foxglove/wasm-zstd) or lz4 (lz4js) chunks or none, a
//   summary; channel metadata offered_qos_profiles and topic_type_hash as
//   Jazzy writes them. Each file is read back with McapStreamReader (CRCs
//   checked) and its channel and schema ids are checked.
// - .db3: the `sqlite3` command fed SQL: Humble's tables (schema version 3,
//   ros_distro humble; metadata, topics with offered_qos_profiles,
//   messages, timestamp_idx; no message_definitions), WAL journal mode,
//   page size 4096; the metadata table holds the metadata at open and at
//   close, as rosbag2 does. Checked with `sqlite3` afterwards.
// - metadata.yaml: written by hand in yaml-cpp's layout (version 5 as
//   Humble writes it, version 9 as Jazzy does).
// - zstd: the `zstd` command: one frame per message (MESSAGE mode, level
//   1, no checksum, as rosbag2's compressor), one per file (FILE mode).

import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let npmDir = null;
const argv = process.argv.slice(2);
const at = argv.indexOf('--npm');
if (at >= 0) {
  npmDir = argv[at + 1];
  argv.splice(at, 2);
}
const require = npmDir ?
  createRequire(path.join(path.resolve(npmDir), 'package.json')) :
  createRequire(import.meta.url);
const { McapWriter, McapStreamReader, TempBuffer } = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const lz4d = require('@foxglove/wasm-lz4');
const lz4js = require('lz4js');
const { parse: parseMsgdef } = require('@foxglove/rosmsg');
const { MessageWriter, MessageReader } =
  require('@foxglove/rosmsg2-serialization');

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = argv[0] || path.join(here, 'rosbag2');
const only = argv.slice(1);

const SEC = 1000000000n;
const MS = 1000000n;
const BASE_NS = 1700000000n * SEC;
const INT64_MAX = 9223372036854775807n;
const LIBRARY = 'gst-rosbag make-rosbag2-fixtures.mjs';

function assert(cond, what) {
  if (!cond)
    throw new Error('fixture check failed: ' + what);
}

// ---- definitions (ROS 2 .msg, without the comments) --------------------------

const DEFS = {
  'builtin_interfaces/msg/Time': 'int32 sec\nuint32 nanosec\n',
  'std_msgs/msg/Header': 'builtin_interfaces/Time stamp\nstring frame_id\n',
  'std_msgs/msg/String': 'string data\n',
  'geometry_msgs/msg/Vector3': 'float64 x\nfloat64 y\nfloat64 z\n',
  'geometry_msgs/msg/Quaternion':
    'float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n',
  'geometry_msgs/msg/Transform':
    'Vector3 translation\nQuaternion rotation\n',
  'geometry_msgs/msg/TransformStamped':
    'std_msgs/Header header\nstring child_frame_id\nTransform transform\n',
  'tf2_msgs/msg/TFMessage': 'geometry_msgs/TransformStamped[] transforms\n',
  'sensor_msgs/msg/Image':
    'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\n' +
    'uint8 is_bigendian\nuint32 step\nuint8[] data\n',
  'sensor_msgs/msg/Imu':
    'std_msgs/Header header\ngeometry_msgs/Quaternion orientation\n' +
    'float64[9] orientation_covariance\n' +
    'geometry_msgs/Vector3 angular_velocity\n' +
    'float64[9] angular_velocity_covariance\n' +
    'geometry_msgs/Vector3 linear_acceleration\n' +
    'float64[9] linear_acceleration_covariance\n',
  'sensor_msgs/msg/JointState':
    'std_msgs/Header header\nstring[] name\nfloat64[] position\n' +
    'float64[] velocity\nfloat64[] effort\n',
};

// the types a definition uses: `pkg/Type` or, inside its package, `Type`
function deps(type) {
  const pkg = type.split('/')[0];
  const out = [];
  for (const line of DEFS[type].split('\n')) {
    const t = line.split(/\s+/)[0].replace(/\[.*$/, '');
    if (!/^[A-Za-z]/.test(t) || /^(u?int(8|16|32|64)|float(32|64)|string|bool|byte|char)$/.test(t))
      continue;
    const full = t.includes('/') ? t.replace('/', '/msg/') : pkg + '/msg/' + t;
    assert(DEFS[full] !== undefined, type + ': no definition of ' + full);
    out.push(full);
  }
  return out;
}

// the ros2msg schema text: the type, then its dependencies depth first
function schemaText(type) {
  const order = [];
  const visit = (t) => {
    for (const d of deps(t)) {
      if (!order.includes(d)) {
        order.push(d);
        visit(d);
      }
    }
  };
  visit(type);
  return [DEFS[type], ...order.map((d) => '='.repeat(80) + '\nMSG: ' + d +
    '\n' + DEFS[d])].join('');
}

const codecs = new Map();
function cdr(type, value) {
  let c = codecs.get(type);
  if (!c) {
    // @foxglove/rosmsg resolves `MSG: pkg/Type` headings only
    const defs = parseMsgdef(schemaText(type).replace(/^MSG: (\w+)\/msg\//gm,
      'MSG: $1/'), { ros2: true });
    c = { w: new MessageWriter(defs), r: new MessageReader(defs) };
    codecs.set(type, c);
  }
  const bytes = c.w.writeMessage(value);
  const back = c.r.readMessage(bytes);
  assert(JSON.stringify(back.header ?? back.transforms?.[0]?.header ??
    back.data) === JSON.stringify(value.header ??
    value.transforms?.[0]?.header ?? value.data), type + ': read back');
  return bytes;
}

// ---- message values ------------------------------------------------------------

// values with few significant digits, so that nothing depends on libm
const q = (x) => Math.round(x * 1e6) / 1e6;

function header(ns, frame) {
  return { stamp: { sec: Number(ns / SEC), nanosec: Number(ns % SEC) },
    frame_id: frame };
}

function quatZ(a) {
  const h = a / 2;
  return { x: 0, y: 0, z: q(h - h ** 3 / 6 + h ** 5 / 120),
    w: q(1 - h ** 2 / 2 + h ** 4 / 24) };
}

// a message: log time = the stamp + 2 ms
function msg(topic, type, stampNs, value) {
  return { topic, type, logTime: stampNs + 2n * MS, data: cdr(type, value) };
}

function rgb(k, stampNs) {
  const w = 16;
  const h = 12;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      data[p] = (x * 16 + k * 8) & 255;
      data[p + 1] = (y * 20 + k * 4) & 255;
      data[p + 2] = ((x >> 2) + (y >> 2) + k) & 1 ? 255 : 0;
    }
  }
  return { header: header(stampNs, 'camera_optical'), height: h, width: w,
    encoding: 'rgb8', is_bigendian: 0, step: w * 3, data };
}

function depth(k, stampNs) {
  const w = 8;
  const h = 6;
  const data = new Uint8Array(w * h * 2);
  for (let i = 0; i < w * h; i++) {
    const v = 1000 + 100 * Math.floor(i / w) + 10 * (i % w) + k;
    data[2 * i] = v & 255;
    data[2 * i + 1] = v >> 8;
  }
  return { header: header(stampNs, 'camera_depth_optical'), height: h,
    width: w, encoding: '16UC1', is_bigendian: 0, step: w * 2, data };
}

function imu(k, stampNs) {
  const diag = (v) => [v, 0, 0, 0, v, 0, 0, 0, v];
  return { header: header(stampNs, 'imu_link'), orientation: quatZ(k * 0.01),
    orientation_covariance: diag(0.0001),
    angular_velocity: { x: q(0.001 * (k % 7)), y: -0.002, z: 0.5 },
    angular_velocity_covariance: diag(0.0002),
    linear_acceleration: { x: q(0.01 * (k % 11)), y: 0.02, z: 9.81 },
    linear_acceleration_covariance: diag(0.003) };
}

function joints(k, stampNs) {
  const name = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'];
  return { header: header(stampNs, ''), name,
    position: name.map((_, i) => q(0.01 * (i + 1) * k)),
    velocity: name.map((_, i) => q(0.1 * (i + 1))),
    effort: k % 10 === 9 ? [] : name.map((_, i) => q(-0.5 * i)) };
}

function tf(k, stampNs) {
  const t = (parent, child, x) => ({ header: header(stampNs, parent),
    child_frame_id: child, transform: { translation: { x, y: 0, z: 0.1 },
      rotation: quatZ(k * 0.02) } });
  return { transforms: [t('map', 'odom', q(0.001 * k)),
    t('odom', 'base_link', q(0.01 * k))] };
}

// @n messages of @topic at @hz from @startNs (the stamps)
function series(n, hz, startNs, make) {
  const out = [];
  for (let k = 0; k < n; k++)
    out.push(make(k, startNs + BigInt(k) * SEC / BigInt(hz)));
  return out;
}

const byTime = (a, b) => (a.logTime < b.logTime ? -1 :
  a.logTime > b.logTime ? 1 : 0);

// ---- QoS and YAML as rosbag2 writes them -----------------------------------------

const INF = { sec: 9223372036, nsec: 854775807 };

// version < 9: the policies as numbers, the list serialized into a string
function qosString(profiles) {
  return profiles.map((p) => '- history: ' + p.history + '\n  depth: ' +
    p.depth + '\n  reliability: ' + p.reliability + '\n  durability: ' +
    p.durability + '\n  deadline:\n    sec: ' + INF.sec + '\n    nsec: ' +
    INF.nsec + '\n  lifespan:\n    sec: ' + INF.sec + '\n    nsec: ' +
    INF.nsec + '\n  liveliness: ' + p.liveliness +
    '\n  liveliness_lease_duration:\n    sec: ' + INF.sec + '\n    nsec: ' +
    INF.nsec + '\n  avoid_ros_namespace_conventions: false').join('\n');
}

// version 9: the policies by name, the list a YAML sequence
function qosList(profiles) {
  return profiles.map((p) => ({ history: p.history, depth: p.depth,
    reliability: p.reliability, durability: p.durability, deadline: INF,
    lifespan: INF, liveliness: p.liveliness, liveliness_lease_duration: INF,
    avoid_ros_namespace_conventions: false }));
}

const HUMBLE_QOS = { history: 3, depth: 0, reliability: 1, durability: 2,
  liveliness: 1 };
const HUMBLE_QOS_BEST_EFFORT = { ...HUMBLE_QOS, reliability: 2 };
const JAZZY_QOS = { history: 'unknown', depth: 0, reliability: 'reliable',
  durability: 'volatile', liveliness: 'automatic' };
const JAZZY_QOS_LATCHED = { ...JAZZY_QOS, durability: 'transient_local' };

function yamlScalar(v) {
  if (v === null)
    return '~';
  if (typeof v === 'number' || typeof v === 'bigint' ||
      typeof v === 'boolean')
    return String(v);
  if (v === '' || /[\n"\\:#]|^[\s\-?[\]{},&*!|>'%@`~]|\s$/.test(v) ||
      /^(true|false|null|yes|no|on|off|-?[0-9.]+)$/i.test(v))
    return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
      .replace(/\n/g, '\\n') + '"';
  return v;
}

// yaml-cpp's block layout: maps indented by 2, sequence items by 2 under
// their key, `[]` for an empty sequence
function yaml(value, indent = '') {
  const lines = [];
  const item = (k, v, pre, ind) => {
    if (Array.isArray(v) && v.length === 0)
      lines.push(pre + k + ':', ind + '  []');
    else if (Array.isArray(v) || (v && typeof v === 'object'))
      lines.push(pre + k + ':', ...yaml(v, ind + '  '));
    else
      lines.push(pre + k + ': ' + yamlScalar(v));
  };
  if (Array.isArray(value)) {
    for (const v of value) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        Object.entries(v).forEach(([k, x], i) => item(k, x,
          i === 0 ? indent + '- ' : indent + '  ', indent + '  '));
      } else {
        lines.push(indent + '- ' + yamlScalar(v));
      }
    }
  } else {
    for (const [k, v] of Object.entries(value))
      item(k, v, indent, indent);
  }
  return lines;
}

// ---- the bag's metadata ----------------------------------------------------------

// bag: {version, storage, distro, compression: [format, mode], topics:
// [{name, type, qos: [profiles]}], files: [{path, msgs}]}
function bagMetadata(bag, files = bag.files) {
  const all = files.flatMap((f) => f.msgs);
  const span = (msgs) => {
    if (msgs.length === 0)
      return [INT64_MAX, 0n];
    let lo = msgs[0].logTime;
    let hi = lo;
    for (const m of msgs) {
      lo = m.logTime < lo ? m.logTime : lo;
      hi = m.logTime > hi ? m.logTime : hi;
    }
    return [lo, hi - lo];
  };
  const [start, duration] = span(all);
  const v9 = bag.version >= 9;
  const md = {
    version: bag.version,
    storage_identifier: bag.storage,
    duration: { nanoseconds: duration },
    starting_time: { nanoseconds_since_epoch: start },
    message_count: all.length,
    topics_with_message_count: bag.topics.filter((t) => files.length ===
      bag.files.length || all.some((m) => m.topic === t.name)).map((t) => {
      const tm = { name: t.name, type: t.type, serialization_format: 'cdr',
        offered_qos_profiles: v9 ? qosList(t.qos) : qosString(t.qos) };
      if (bag.version >= 7)
        tm.type_description_hash = typeHash(t.type);
      return { topic_metadata: tm,
        message_count: all.filter((m) => m.topic === t.name).length };
    }),
    compression_format: bag.compression[0],
    compression_mode: bag.compression[1],
    relative_file_paths: files.map((f) => f.path),
    files: files.map((f) => {
      const [s, d] = span(f.msgs);
      return { path: f.path, starting_time: { nanoseconds_since_epoch: s },
        duration: { nanoseconds: d }, message_count: f.msgs.length };
    }),
  };
  if (bag.version >= 6)
    md.custom_data = null;
  if (bag.version >= 8)
    md.ros_distro = bag.distro;
  return md;
}

function metadataYaml(bag) {
  return ['rosbag2_bagfile_information:',
    ...yaml(bagMetadata(bag), '  ')].join('\n') + '\n';
}

// not the real RIHS01 hash of the type description: a stand-in of that
// form, derived from the definition
function typeHash(type) {
  return 'RIHS01_' + crypto.createHash('sha256').update(schemaText(type))
    .digest('hex');
}

// ---- writing ---------------------------------------------------------------------

function sh(cmd, args, input) {
  return execFileSync(cmd, args, { input, stdio: [input === undefined ?
    'ignore' : 'pipe', 'pipe', 'inherit'] });
}

const sqlStr = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const sqlBlob = (b) => "X'" + Buffer.from(b).toString('hex') + "'";

// one Humble .db3: topics in @order (their ids), messages in file order
function writeDb3(file, bag, index, order, blob = (m) => m.data) {
  const f = bag.files[index];
  const placeholder = bagMetadata(bag, [{ path: f.path, msgs: [] }]);
  placeholder.topics_with_message_count = [];
  const sql = [
    'PRAGMA page_size=4096;',
    'PRAGMA journal_mode=WAL;',
    'CREATE TABLE schema(schema_version INTEGER PRIMARY KEY,' +
      'ros_distro TEXT NOT NULL);',
    'CREATE TABLE metadata(id INTEGER PRIMARY KEY,' +
      'metadata_version INTEGER NOT NULL,metadata TEXT NOT NULL);',
    'CREATE TABLE topics(id INTEGER PRIMARY KEY,name TEXT NOT NULL,' +
      'type TEXT NOT NULL,serialization_format TEXT NOT NULL,' +
      'offered_qos_profiles TEXT NOT NULL);',
    'CREATE TABLE messages(id INTEGER PRIMARY KEY,' +
      'topic_id INTEGER NOT NULL,timestamp INTEGER NOT NULL, ' +
      'data BLOB NOT NULL);',
    'CREATE INDEX timestamp_idx ON messages (timestamp ASC);',
    "INSERT INTO schema (schema_version, ros_distro) VALUES (3, 'humble');",
    'INSERT INTO metadata (metadata_version, metadata) VALUES (' +
      bag.version + ', ' + sqlStr(yaml(placeholder).join('\n')) + ');',
    'BEGIN TRANSACTION;',
  ];
  const ids = new Map();
  for (const name of order) {
    const t = bag.topics.find((x) => x.name === name);
    ids.set(name, ids.size + 1);
    sql.push('INSERT INTO topics (name, type, serialization_format, ' +
      'offered_qos_profiles) VALUES (' + [t.name, t.type, 'cdr',
      qosString(t.qos)].map(sqlStr).join(', ') + ');');
  }
  for (const m of f.msgs) {
    assert(ids.has(m.topic), f.path + ': no topic ' + m.topic);
    sql.push('INSERT INTO messages (timestamp, topic_id, data) VALUES (' +
      m.logTime + ', ' + ids.get(m.topic) + ', ' + sqlBlob(blob(m)) + ');');
  }
  sql.push('COMMIT;',
    'INSERT INTO metadata (metadata_version, metadata) VALUES (' +
      bag.version + ', ' + sqlStr(yaml(bagMetadata(bag,
      bag.files.slice(0, index + 1))).join('\n')) + ');');
  fs.rmSync(file, { force: true });
  sh('sqlite3', ['-batch', file], sql.join('\n') + '\n');
  // check: what sqlite reads back
  const got = sh('sqlite3', ['-batch', file, 'PRAGMA journal_mode;',
    'SELECT count(*) FROM messages;',
    "SELECT group_concat(name, ',') FROM (SELECT name FROM topics " +
      'ORDER BY id);',
    "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master " +
      "WHERE type = 'table' ORDER BY name);"]).toString().split('\n');
  assert(got[0] === 'wal' && Number(got[1]) === f.msgs.length &&
    got[2] === order.join(',') && got[3] === 'messages,metadata,schema,topics',
    file + ': sqlite reads back ' + got.join(' | '));
  assert(!fs.existsSync(file + '-wal') && !fs.existsSync(file + '-shm'),
    file + ': WAL side files left');
}

const CHUNK = {
  zstd: (data) => ({ compression: 'zstd',
    compressedData: zstd.compress(data, 19) }),
  lz4: (data) => ({ compression: 'lz4', compressedData: lz4js.compress(data) }),
  none: undefined,
};

// one Jazzy MCAP file: channels registered in @order from channel id
// @startChannelId (schemas in the same order, ids from 1)
async function writeMcap(file, bag, index, order, startChannelId,
  compression) {
  const f = bag.files[index];
  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, chunkSize: 16384, startChannelId,
    compressChunk: CHUNK[compression] });
  await w.start({ profile: 'ros2', library: LIBRARY });
  const ids = new Map();
  const schemaIds = new Map();
  for (const name of order) {
    const t = bag.topics.find((x) => x.name === name);
    const sid = await w.registerSchema({ name: t.type, encoding: 'ros2msg',
      data: new TextEncoder().encode(schemaText(t.type)) });
    schemaIds.set(name, sid);
    ids.set(name, await w.registerChannel({ schemaId: sid, topic: t.name,
      messageEncoding: 'cdr', metadata: new Map([
        ['offered_qos_profiles', yaml(qosList(t.qos)).join('\n')],
        ['topic_type_hash', typeHash(t.type)]]) }));
  }
  const seq = new Map();
  for (const m of f.msgs) {
    const id = ids.get(m.topic);
    assert(id !== undefined, f.path + ': no channel for ' + m.topic);
    seq.set(id, (seq.get(id) || 0) + 1);
    await w.addMessage({ channelId: id, sequence: seq.get(id),
      logTime: m.logTime, publishTime: m.logTime, data: m.data });
  }
  await w.end();
  const bytes = buf.get();
  // read back, CRCs checked: every message, the ids asked for
  const r = new McapStreamReader({ validateCrcs: true, decompressHandlers: {
    zstd: (b, size) => zstd.decompress(b, Number(size)),
    lz4: (b, size) => lz4d(b, Number(size)) } });
  r.append(bytes);
  let n = 0;
  let chunks = 0;
  let footer;
  const seen = new Map();
  for (let rec; (rec = r.nextRecord());) {
    if (rec.type === 'Message')
      n++;
    if (rec.type === 'ChunkIndex') {
      chunks++;
      assert(rec.compression === (compression === 'none' ? '' : compression),
        file + ': chunk compression ' + rec.compression);
    }
    if (rec.type === 'Channel')
      seen.set(rec.topic, [rec.id, rec.schemaId]);
    if (rec.type === 'Footer')
      footer = rec;
  }
  assert(r.done() && n === f.msgs.length, file + ': read back ' + n + ' of ' +
    f.msgs.length + ' messages');
  assert(footer && footer.summaryStart !== 0n && chunks > 0,
    file + ': chunks and a summary');
  for (const name of order)
    assert(JSON.stringify(seen.get(name)) === JSON.stringify([ids.get(name),
      schemaIds.get(name)]), file + ': ids of ' + name);
  fs.writeFileSync(file, bytes);
}

// each blob as its own file, compressed by one zstd call
function zstdEach(blobs, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'make-rosbag2-'));
  try {
    const names = blobs.map((b, i) => {
      const p = path.join(dir, String(i));
      fs.writeFileSync(p, b);
      return p;
    });
    if (names.length)
      sh('zstd', ['-q', ...args, ...names]);
    return names.map((p) => {
      const z = fs.readFileSync(p + '.zst');
      assert(z.readUInt32LE(0) === 0xfd2fb528, p + ': a zstd frame');
      return z;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function freshDir(name) {
  const dir = path.join(outdir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// messages of @msgs with log times in [from, to) s after the base
const within = (msgs, from, to) => msgs.filter((m) =>
  m.logTime >= BASE_NS + BigInt(from * 1000) * MS &&
  m.logTime < BASE_NS + BigInt(to * 1000) * MS);

// ---- the recordings ----------------------------------------------------------------

// humble-images: one .db3 as Humble writes it
function fixtureHumbleImages() {
  const name = 'humble-images';
  const dir = freshDir(name);
  const cam = (k, ns) => msg('/camera/image_raw', 'sensor_msgs/msg/Image', ns,
    rgb(k, ns));
  const dep = (k, ns) => msg('/camera/depth', 'sensor_msgs/msg/Image', ns,
    depth(k, ns));
  const im = (k, ns) => msg('/imu', 'sensor_msgs/msg/Imu', ns, imu(k, ns));
  const js = (k, ns) => msg('/joint_states', 'sensor_msgs/msg/JointState', ns,
    joints(k, ns));
  // /joint_states first: at the times it shares with /imu its rows come
  // first, against the order of the topic ids
  const msgs = [...series(50, 50, BASE_NS, js), ...series(100, 100, BASE_NS,
    im), ...series(10, 10, BASE_NS + 5n * MS, cam),
  ...series(10, 10, BASE_NS + 6n * MS, dep)].sort(byTime);
  const bag = { version: 5, storage: 'sqlite3', compression: ['', ''],
    topics: [
      { name: '/camera/image_raw', type: 'sensor_msgs/msg/Image',
        qos: [HUMBLE_QOS_BEST_EFFORT] },
      { name: '/camera/depth', type: 'sensor_msgs/msg/Image',
        qos: [HUMBLE_QOS_BEST_EFFORT, HUMBLE_QOS] },
      { name: '/imu', type: 'sensor_msgs/msg/Imu', qos: [HUMBLE_QOS] },
      { name: '/joint_states', type: 'sensor_msgs/msg/JointState',
        qos: [HUMBLE_QOS] },
    ],
    files: [{ path: name + '_0.db3', msgs }] };
  writeDb3(path.join(dir, bag.files[0].path), bag, 0,
    ['/imu', '/camera/image_raw', '/joint_states', '/camera/depth']);
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), metadataYaml(bag));
}

// /imu at @imuHz, /tf at @tfHz for @seconds; /status 4 Hz from @statusFrom to
// @statusTo s
function jazzyMessages(seconds, imuHz, tfHz, statusFrom, statusTo) {
  const im = (k, ns) => msg('/imu', 'sensor_msgs/msg/Imu', ns, imu(k, ns));
  const t = (k, ns) => msg('/tf', 'tf2_msgs/msg/TFMessage', ns, tf(k, ns));
  const st = (k, ns) => msg('/status', 'std_msgs/msg/String', ns,
    { data: 'status ' + k + (k % 2 ? ': ok' : ': busy') });
  return [...series(seconds * imuHz, imuHz, BASE_NS, im),
    ...series(seconds * tfHz, tfHz, BASE_NS + 3n * MS, t),
    ...series((statusTo - statusFrom) * 4, 4, BASE_NS +
      BigInt(statusFrom * 1000) * MS + 125n * MS, st)].sort(byTime);
}

const JAZZY_TOPICS = [
  { name: '/imu', type: 'sensor_msgs/msg/Imu', qos: [JAZZY_QOS] },
  { name: '/tf', type: 'tf2_msgs/msg/TFMessage', qos: [JAZZY_QOS] },
  { name: '/status', type: 'std_msgs/msg/String', qos: [JAZZY_QOS_LATCHED] },
];

// a Jazzy recording of 3 MCAP files, one second each: @layout[i] = [topics
// in registration order, first channel id, chunk compression] or null for
// a file the metadata names but that is not written
async function jazzySplit(name, imuHz, tfHz, layout) {
  const dir = freshDir(name);
  const msgs = jazzyMessages(3, imuHz, tfHz, 1, 2);
  const bag = { version: 9, storage: 'mcap', distro: 'jazzy',
    compression: ['', ''], topics: JAZZY_TOPICS,
    files: [0, 1, 2].map((i) => ({ path: name + '_' + i + '.mcap',
      msgs: within(msgs, i, i + 1) })) };
  for (const [i, l] of layout.entries()) {
    if (l)
      await writeMcap(path.join(dir, bag.files[i].path), bag, i, ...l);
  }
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), metadataYaml(bag));
}

// split-mcap: channel (schema) ids: file 0 /imu 1 (1), /tf 2 (2); file 1
// /tf 1 (1), /status 2 (2), /imu 3 (3); file 2 /tf 6 (1), /imu 7 (2)
const fixtureSplitMcap = () => jazzySplit('split-mcap', 100, 50, [
  [['/imu', '/tf'], 1, 'zstd'], [['/tf', '/status', '/imu'], 1, 'lz4'],
  [['/tf', '/imu'], 6, 'zstd']]);

// missing-split: metadata names 3 files, the middle one is not there
const fixtureMissingSplit = () => jazzySplit('missing-split', 20, 10, [
  [['/imu', '/tf'], 1, 'zstd'], null, [['/tf', '/imu'], 3, 'zstd']]);

// message-zstd: 2 .db3 files, every message's data one zstd frame
function fixtureMessageZstd() {
  const name = 'message-zstd';
  const dir = freshDir(name);
  const words = ['hello', 'world', '', 'zstd frame per message',
    'x'.repeat(200), 'tab\tand\nnewline'];
  const ch = (k, ns) => msg('/chatter', 'std_msgs/msg/String', ns,
    { data: words[k % words.length] + ' ' + k });
  const im = (k, ns) => msg('/imu', 'sensor_msgs/msg/Imu', ns, imu(k, ns));
  const msgs = [...series(20, 10, BASE_NS, ch), ...series(100, 50,
    BASE_NS + 1n * MS, im)].sort(byTime);
  const bag = { version: 5, storage: 'sqlite3', compression: ['zstd',
    'MESSAGE'],
  topics: [
    { name: '/chatter', type: 'std_msgs/msg/String', qos: [HUMBLE_QOS] },
    { name: '/imu', type: 'sensor_msgs/msg/Imu', qos: [HUMBLE_QOS] }],
  files: [0, 1].map((i) => ({ path: name + '_' + i + '.db3',
    msgs: within(msgs, i, i + 1) })) };
  for (const i of [0, 1]) {
    const f = bag.files[i];
    const z = zstdEach(f.msgs.map((m) => m.data), ['-1', '--no-check']);
    const blobs = new Map(f.msgs.map((m, k) => [m, z[k]]));
    writeDb3(path.join(dir, f.path), bag, i, i === 0 ? ['/chatter', '/imu'] :
      ['/imu', '/chatter'], (m) => blobs.get(m));
  }
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), metadataYaml(bag));
}

// file-zstd: 2 MCAP files, each compressed whole (x_N.mcap.zstd)
async function fixtureFileZstd() {
  const name = 'file-zstd';
  const dir = freshDir(name);
  const js = (k, ns) => msg('/joint_states', 'sensor_msgs/msg/JointState', ns,
    joints(k, ns));
  const ch = (k, ns) => msg('/chatter', 'std_msgs/msg/String', ns,
    { data: 'chatter ' + k });
  const msgs = [...series(100, 50, BASE_NS, js), ...series(10, 5, BASE_NS +
    100n * MS, ch)].sort(byTime);
  const bag = { version: 9, storage: 'mcap', distro: 'jazzy',
    compression: ['zstd', 'FILE'],
    topics: [
      { name: '/joint_states', type: 'sensor_msgs/msg/JointState',
        qos: [JAZZY_QOS] },
      { name: '/chatter', type: 'std_msgs/msg/String', qos: [JAZZY_QOS] }],
    files: [0, 1].map((i) => ({ path: name + '_' + i + '.mcap.zstd',
      msgs: within(msgs, i, i + 1) })) };
  for (const i of [0, 1]) {
    const plain = path.join(dir, bag.files[i].path.replace(/\.zstd$/, ''));
    await writeMcap(plain, bag, i, i === 0 ? ['/joint_states', '/chatter'] :
      ['/chatter', '/joint_states'], 1, 'none');
    sh('zstd', ['-q', '--rm', '-3', plain, '-o', plain + '.zstd']);
    assert(!fs.existsSync(plain) && fs.readFileSync(plain + '.zstd')
      .readUInt32LE(0) === 0xfd2fb528, plain + '.zstd: a zstd frame');
  }
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), metadataYaml(bag));
}

// message-zstd-mcap: 1 MCAP file in MESSAGE mode (uncompressed chunks,
// every message's data one zstd frame), as rosbag2 writes it with
// --compression-mode message over the mcap storage
async function fixtureMessageZstdMcap() {
  const name = 'message-zstd-mcap';
  const dir = freshDir(name);
  const ch = (k, ns) => msg('/chatter', 'std_msgs/msg/String', ns,
    { data: 'message ' + k + ' ' + 'z'.repeat(k * 7) });
  const im = (k, ns) => msg('/imu', 'sensor_msgs/msg/Imu', ns, imu(k, ns));
  const plainMsgs = [...series(10, 10, BASE_NS, ch), ...series(50, 50,
    BASE_NS + 1n * MS, im)].sort(byTime);
  const z = zstdEach(plainMsgs.map((m) => m.data), ['-1', '--no-check']);
  const msgs = plainMsgs.map((m, k) => ({ ...m, data: z[k] }));
  const bag = { version: 9, storage: 'mcap', distro: 'jazzy',
    compression: ['zstd', 'MESSAGE'],
    topics: [
      { name: '/chatter', type: 'std_msgs/msg/String', qos: [JAZZY_QOS] },
      { name: '/imu', type: 'sensor_msgs/msg/Imu', qos: [JAZZY_QOS] }],
    files: [{ path: name + '_0.mcap', msgs }] };
  await writeMcap(path.join(dir, bag.files[0].path), bag, 0,
    ['/chatter', '/imu'], 1, 'none');
  fs.writeFileSync(path.join(dir, 'metadata.yaml'), metadataYaml(bag));
}

const FIXTURES = {
  'humble-images': fixtureHumbleImages,
  'split-mcap': fixtureSplitMcap,
  'missing-split': fixtureMissingSplit,
  'message-zstd': fixtureMessageZstd,
  'file-zstd': fixtureFileZstd,
  'message-zstd-mcap': fixtureMessageZstdMcap,
};

await zstd.isLoaded;
await lz4d.isLoaded;
for (const n of only)
  assert(FIXTURES[n], 'no fixture ' + n + ' (' + Object.keys(FIXTURES)
    .join(', ') + ')');
for (const [n, make] of Object.entries(FIXTURES)) {
  if (only.length && !only.includes(n))
    continue;
  await make();
  const dir = path.join(outdir, n);
  let size = 0;
  for (const f of fs.readdirSync(dir))
    size += fs.statSync(path.join(dir, f)).size;
  console.log('wrote ' + dir + ' (' + fs.readdirSync(dir).sort().join(', ') +
    '; ' + size + ' bytes)');
}
