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

// Writes the MCAP test fixtures with @mcap/core's McapWriter.
//
//   NODE_PATH=NPM_DIR/node_modules node tests/files/make-mcap-fixtures.mjs \
//       [OUTDIR [NAME ...]]
//
// NPM_DIR is where tests/files/npm-install.sh installed the pinned packages
// (a build tree's tests/check/npm, or any folder: `tests/files/npm-install.sh
// /tmp/npm /tmp/npm.stamp`). The modules are loaded with require(), which
// honours NODE_PATH. OUTDIR defaults to tests/files/mcap next to this script;
// NAMEs (e.g. zstd overlap) limit which files are written.
//
// Deterministic: fixed times from 1700000000 s, a seeded PRNG, no clock; a
// second run gives the same bytes. Each file is read back with
// McapStreamReader (CRCs checked) and its layout is asserted (chunk count,
// summary or not, chunk ranges of overlap.mcap, ...): a fixture that does
// not hold what tests/files/mcap/README.md says makes the script fail.
//
// CDR payloads are written by @foxglove/rosmsg2-serialization from the
// .msg text of the schema (parsed by @foxglove/rosmsg); ROS 1 payloads are
// written by hand below (little endian, no alignment).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { McapWriter, McapStreamReader, TempBuffer } = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const lz4decompress = require('@foxglove/wasm-lz4');
const lz4js = require('lz4js');
const { parse: parseMsgdef, md5: rosMd5 } = require('@foxglove/rosmsg');
const { MessageWriter } = require('@foxglove/rosmsg2-serialization');

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] || path.join(here, 'mcap');
const only = process.argv.slice(3);

const BASE_NS = 1700000000n * 1000000000n;
const MS = 1000000n;
const SEP = '='.repeat(80);
const LIBRARY = 'gst-rosbag make-mcap-fixtures.mjs';

// ---- message definitions (ROS 2 .msg text, as in ros2/common_interfaces) --

const MSG = {
  'builtin_interfaces/msg/Time':
    '# This message communicates ROS Time defined here:\n' +
    '# https://design.ros2.org/articles/clock_and_time.html\n\n' +
    '# The seconds component, valid over all int32 values.\nint32 sec\n\n' +
    '# The nanoseconds component, valid in the range [0, 10e9).\n' +
    'uint32 nanosec\n',
  'std_msgs/msg/Header':
    '# Standard metadata for higher-level stamped data types.\n' +
    '# This is generally used to communicate timestamped data\n' +
    '# in a particular coordinate frame.\n\n' +
    '# Two-integer timestamp that is expressed as seconds and nanoseconds.\n' +
    'builtin_interfaces/Time stamp\n\n' +
    '# Transform frame with which this data is associated.\n' +
    'string frame_id\n',
  'geometry_msgs/msg/Quaternion':
    '# This represents an orientation in free space in quaternion form.\n\n' +
    'float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n',
  'geometry_msgs/msg/Vector3':
    '# This represents a vector in free space.\n\n' +
    '# This is semantically different than a point.\n' +
    '# A vector is always anchored at the origin.\n' +
    'float64 x\nfloat64 y\nfloat64 z\n',
  'geometry_msgs/msg/Transform':
    '# This represents the transform between two coordinate frames in free' +
    ' space.\n\nVector3 translation\nQuaternion rotation\n',
  'geometry_msgs/msg/TransformStamped':
    '# This expresses a transform from coordinate frame header.frame_id\n' +
    '# to the coordinate frame child_frame_id at the time of header.stamp\n\n' +
    '# The frame id in the header is used as the reference frame of this' +
    ' transform.\nstd_msgs/Header header\n\n' +
    '# The frame id of the child frame to which this transform points.\n' +
    'string child_frame_id\n\n' +
    '# Translation and rotation in 3-dimensions of child_frame_id from' +
    ' header.frame_id.\nTransform transform\n',
  'tf2_msgs/msg/TFMessage':
    'geometry_msgs/TransformStamped[] transforms\n',
  'sensor_msgs/msg/Imu':
    '# This is a message to hold data from an IMU (Inertial Measurement' +
    ' Unit)\n#\n# Accelerations should be in m/s^2 (not in g\'s), and' +
    ' rotational velocity should be in rad/sec\n#\n' +
    '# If the covariance of the measurement is known, it should be filled' +
    ' in (if all you know is the\n# variance of each measurement, e.g. from' +
    ' the datasheet, just put those along the diagonal)\n' +
    '# A covariance matrix of all zeros will be interpreted as "covariance' +
    ' unknown", and to use the\n# data a covariance will have to be assumed' +
    ' or gotten from some other source\n#\n' +
    '# If you have no estimate for one of the data elements (e.g. your IMU' +
    ' doesn\'t produce an\n# orientation estimate), please set element 0 of' +
    ' the associated covariance matrix to -1\n' +
    '# If you are interpreting this message, please check for a value of -1' +
    ' in the first element of each\n# covariance matrix, and disregard the' +
    ' associated estimate.\n\n' +
    'std_msgs/Header header\n\ngeometry_msgs/Quaternion orientation\n' +
    'float64[9] orientation_covariance # Row major about x, y, z axes\n\n' +
    'geometry_msgs/Vector3 angular_velocity\n' +
    'float64[9] angular_velocity_covariance # Row major about x, y, z' +
    ' axes\n\n' +
    'geometry_msgs/Vector3 linear_acceleration\n' +
    'float64[9] linear_acceleration_covariance # Row major x, y z\n',
  'sensor_msgs/msg/JointState':
    '# This is a message that holds data to describe the state of a set of' +
    ' torque controlled joints.\n#\n' +
    '# The state of each joint (revolute or prismatic) is defined by:\n' +
    '#  * the position of the joint (rad or m),\n' +
    '#  * the velocity of the joint (rad/s or m/s) and\n' +
    '#  * the effort that is applied in the joint (Nm or N).\n\n' +
    'std_msgs/Header header\n\nstring[] name\nfloat64[] position\n' +
    'float64[] velocity\nfloat64[] effort\n',
  'sensor_msgs/msg/Image':
    '# This message contains an uncompressed image\n' +
    '# (0, 0) is at top-left corner of image\n\n' +
    'std_msgs/Header header # Header timestamp should be acquisition time' +
    ' of image\n\n' +
    'uint32 height                # image height, that is, number of rows\n' +
    'uint32 width                 # image width, that is, number of columns\n' +
    '\nstring encoding       # Encoding of pixels -- channel meaning,' +
    ' ordering, size\n\n' +
    'uint8 is_bigendian    # is this data bigendian?\n' +
    'uint32 step           # Full row length in bytes\n' +
    'uint8[] data          # actual matrix data, size is (step * rows)\n',
  'std_msgs/msg/String':
    '# This was originally provided as an example message.\n' +
    '# It is deprecated as of Foxy\n# It is recommended to create your own' +
    ' semantically meaningful message.\n' +
    '# However if you would like to continue using this please use the' +
    ' equivalent in example_msgs.\n\nstring data\n',
  'std_msgs/msg/Int32':
    '# This was originally provided as an example message.\n' +
    '# It is deprecated as of Foxy\n# It is recommended to create your own' +
    ' semantically meaningful message.\n' +
    '# However if you would like to continue using this please use the' +
    ' equivalent in example_msgs.\n\nint32 data\n',
  'std_msgs/msg/UInt32':
    '# This was originally provided as an example message.\n' +
    '# It is deprecated as of Foxy\n# It is recommended to create your own' +
    ' semantically meaningful message.\n' +
    '# However if you would like to continue using this please use the' +
    ' equivalent in example_msgs.\n\nuint32 data\n',
};

// dependencies in the order rosbag2 lists them (depth first, each once)
const DEPS = {
  'std_msgs/msg/Header': ['builtin_interfaces/msg/Time'],
  'geometry_msgs/msg/Transform': ['geometry_msgs/msg/Vector3',
    'geometry_msgs/msg/Quaternion'],
  'geometry_msgs/msg/TransformStamped': ['std_msgs/msg/Header',
    'geometry_msgs/msg/Transform'],
  'tf2_msgs/msg/TFMessage': ['geometry_msgs/msg/TransformStamped'],
  'sensor_msgs/msg/Imu': ['std_msgs/msg/Header',
    'geometry_msgs/msg/Quaternion', 'geometry_msgs/msg/Vector3'],
  'sensor_msgs/msg/JointState': ['std_msgs/msg/Header'],
  'sensor_msgs/msg/Image': ['std_msgs/msg/Header'],
};

function ros2msgSchema(type) {
  const order = [];
  const visit = (t) => {
    for (const d of DEPS[t] || []) {
      if (!order.includes(d)) {
        order.push(d);
        visit(d);
      }
    }
  };
  visit(type);
  let text = MSG[type];
  for (const d of order)
    text += SEP + '\nMSG: ' + d + '\n' + MSG[d];
  return text;
}

const writers = new Map();
function cdr(type, value) {
  let w = writers.get(type);
  if (!w) {
    // @foxglove/rosmsg resolves `MSG: pkg/Type` only; the schema keeps
    // the `pkg/msg/Type` form of current writers
    const text = ros2msgSchema(type).replace(/^MSG: (\w+)\/msg\//gm,
      'MSG: $1/');
    w = new MessageWriter(parseMsgdef(text, { ros2: true }));
    writers.set(type, w);
  }
  return w.writeMessage(value);
}

// ---- deterministic values --------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// values with few significant digits, so that nothing depends on libm
const q = (x) => Math.round(x * 1e6) / 1e6;

function stamp(ns) {
  return { sec: Number(ns / 1000000000n), nanosec: Number(ns % 1000000000n) };
}

function header(ns, frame) {
  return { stamp: stamp(ns), frame_id: frame };
}

function quatZ(angle) {
  // a rotation about z by @angle, from a short series (no libm)
  const h = angle / 2;
  const s = h - h ** 3 / 6 + h ** 5 / 120 - h ** 7 / 5040;
  const c = 1 - h ** 2 / 2 + h ** 4 / 24 - h ** 6 / 720;
  return { x: 0, y: 0, z: q(s), w: q(c) };
}

const CHATTER = [
  'hello world', '', 'grüße aus köln ✓', 'tab\tand\nnewline "quoted"',
  'x'.repeat(300), '日本語のテキスト',
];

// The ROS 2 recording of zstd/lz4/none/nosummary/noindex/unchunked.mcap:
// /imu 100 Hz, /joint_states 50 Hz, /tf 50 Hz, /chatter 5 Hz for @seconds.
// log_time = the header stamp + 1.5 ms; publish_time = the stamp. /imu,
// /joint_states and /tf share log times (every other /imu).
function ros2Recording(seconds) {
  const rnd = mulberry32(20231114);
  const topics = [
    { topic: '/imu', type: 'sensor_msgs/msg/Imu', hz: 100 },
    { topic: '/joint_states', type: 'sensor_msgs/msg/JointState', hz: 50 },
    { topic: '/tf', type: 'tf2_msgs/msg/TFMessage', hz: 50 },
    { topic: '/chatter', type: 'std_msgs/msg/String', hz: 5 },
  ];
  const msgs = [];
  const end = BigInt(seconds) * 1000000000n;
  // one event list, in time order, topics in the order above for ties
  for (let t = 0n; t < end; t += 10n * MS) {
    topics.forEach((tp, ti) => {
      const period = 1000000000n / BigInt(tp.hz);
      if (t % period !== 0n)
        return;
      const i = Number(t / period);
      const st = BASE_NS + t;
      let v;
      if (tp.topic === '/imu') {
        const cov = [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01];
        v = {
          header: header(st, 'imu_link'),
          orientation: quatZ(i * 0.01),
          orientation_covariance: cov,
          angular_velocity: { x: q(rnd() * 0.02 - 0.01),
            y: q(rnd() * 0.02 - 0.01), z: q(0.5 + rnd() * 0.02) },
          angular_velocity_covariance: cov,
          linear_acceleration: { x: q(rnd() * 0.2 - 0.1),
            y: q(rnd() * 0.2 - 0.1), z: q(9.81 + rnd() * 0.2 - 0.1) },
          linear_acceleration_covariance: [-1, 0, 0, 0, 0, 0, 0, 0, 0],
        };
      } else if (tp.topic === '/joint_states') {
        const n = 6;
        v = {
          header: header(st, ''),
          name: Array.from({ length: n }, (_, j) => 'joint' + (j + 1)),
          position: Array.from({ length: n }, (_, j) => q(j * 0.1 + i * 0.01)),
          velocity: Array.from({ length: n }, () => q(rnd())),
          effort: i % 10 === 0 ? [] : Array.from({ length: n },
            () => q(rnd() * 5)),
        };
      } else if (tp.topic === '/tf') {
        v = {
          transforms: [{
            header: header(st, 'odom'),
            child_frame_id: 'base_link',
            transform: { translation: { x: q(i * 0.02), y: q(i * 0.001),
              z: 0 }, rotation: quatZ(i * 0.005) },
          }, {
            header: header(st, 'base_link'),
            child_frame_id: 'imu_link',
            transform: { translation: { x: 0.1, y: 0, z: 0.25 },
              rotation: { x: 0, y: 0, z: 0, w: 1 } },
          }],
        };
      } else {
        const s = CHATTER[i % CHATTER.length];
        v = { data: s === 'hello world' ? s + ' ' + i : s };
      }
      msgs.push({ topic: tp.topic, logTime: st + 1500000n, publishTime: st,
        data: cdr(tp.type, v) });
    });
  }
  return { topics, msgs };
}

// ---- writing ---------------------------------------------------------------

let zstdReady = false;
async function compressors() {
  if (!zstdReady) {
    await zstd.isLoaded;
    await lz4decompress.isLoaded;
    zstdReady = true;
  }
}

const COMPRESS = {
  none: undefined,
  zstd: (data) => ({ compression: 'zstd',
    compressedData: zstd.compress(data, 19) }),
  lz4: (data) => ({ compression: 'lz4',
    compressedData: lz4js.compress(data) }),
};

function ros2Channel(type) {
  return { name: type, encoding: 'ros2msg',
    data: new TextEncoder().encode(ros2msgSchema(type)) };
}

// rosbag2's channel metadata (QoS as YAML, as rosbag2 writes it)
const QOS = '- history: 3\n  depth: 0\n  reliability: 1\n  durability: 2\n' +
  '  deadline:\n    sec: 9223372036\n    nsec: 854775807\n' +
  '  lifespan:\n    sec: 9223372036\n    nsec: 854775807\n' +
  '  liveliness: 1\n  liveliness_lease_duration:\n    sec: 9223372036\n' +
  '    nsec: 854775807\n  avoid_ros_namespace_conventions: false';

async function writeRos2(opts, recording, extra) {
  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, ...opts });
  await w.start({ profile: 'ros2', library: LIBRARY });
  const ids = new Map();
  const schemaIds = new Map();
  for (const tp of recording.topics) {
    if (!schemaIds.has(tp.type))
      schemaIds.set(tp.type, await w.registerSchema(ros2Channel(tp.type)));
    ids.set(tp.topic, await w.registerChannel({
      schemaId: schemaIds.get(tp.type), topic: tp.topic,
      messageEncoding: 'cdr',
      metadata: new Map([['offered_qos_profiles', QOS]]) }));
  }
  if (extra)
    await extra(w);
  const seq = new Map();
  for (const m of recording.msgs) {
    const id = ids.get(m.topic);
    const s = (seq.get(id) || 0) + 1;
    seq.set(id, s);
    await w.addMessage({ channelId: id, sequence: s, logTime: m.logTime,
      publishTime: m.publishTime, data: m.data });
  }
  await w.end();
  return buf.get();
}

// ---- reading back (checks of the layout) ----------------------------------

function readBack(bytes) {
  const r = new McapStreamReader({ includeChunks: true, validateCrcs: true,
    decompressHandlers: {
      zstd: (b, size) => zstd.decompress(b, Number(size)),
      lz4: (b, size) => lz4decompress(b, Number(size)),
    } });
  r.append(bytes);
  const out = { chunks: [], messages: 0, records: {}, footer: undefined };
  for (let rec; (rec = r.nextRecord());) {
    out.records[rec.type] = (out.records[rec.type] || 0) + 1;
    if (rec.type === 'Chunk')
      out.chunks.push(rec);
    else if (rec.type === 'Message')
      out.messages++;
    else if (rec.type === 'Footer')
      out.footer = rec;
  }
  out.done = r.done();
  return out;
}

function assert(cond, what) {
  if (!cond)
    throw new Error('fixture check failed: ' + what);
}

// the top-level records: [opcode, offset, total length]
function topLevel(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const recs = [];
  let off = 8;
  while (off + 9 <= bytes.length) {
    const op = bytes[off];
    const len = Number(dv.getBigUint64(off + 1, true));
    recs.push([op, off, 9 + len]);
    off += 9 + len;
    if (op === 0x02)
      break;
  }
  return recs;
}

// ---- the fixtures ----------------------------------------------------------

const STD_SECONDS = 2;
const STD_CHUNK = 4096;

const fixtures = {};

for (const comp of ['zstd', 'lz4', 'none']) {
  fixtures[comp] = async () => {
    const rec = ros2Recording(STD_SECONDS);
    const bytes = await writeRos2({ chunkSize: STD_CHUNK, startChannelId: 1,
      compressChunk: COMPRESS[comp] }, rec);
    const rb = readBack(bytes);
    assert(rb.done && rb.messages === rec.msgs.length, comp + ' messages');
    assert(rb.chunks.length >= 10, comp + ' has many chunks');
    assert(rb.chunks.every((c) => c.compression === (comp === 'none' ? ''
      : comp)), comp + ' chunk compression');
    assert(rb.footer.summaryStart !== 0n && rb.records.ChunkIndex ===
      rb.chunks.length && rb.records.MessageIndex > 0, comp + ' indexes');
    return bytes;
  };
}

fixtures.nosummary = async () => {
  const rec = ros2Recording(STD_SECONDS);
  const bytes = await writeRos2({ chunkSize: STD_CHUNK, startChannelId: 1,
    compressChunk: COMPRESS.zstd, useStatistics: false,
    useSummaryOffsets: false, repeatSchemas: false, repeatChannels: false,
    useAttachmentIndex: false, useMetadataIndex: false,
    useChunkIndex: false }, rec);
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === rec.msgs.length, 'nosummary messages');
  assert(rb.footer.summaryStart === 0n && rb.footer.summaryOffsetStart === 0n,
    'nosummary: footer without summary');
  assert(!rb.records.ChunkIndex && !rb.records.Statistics &&
    rb.records.MessageIndex > 0, 'nosummary: only message indexes');
  return bytes;
};

fixtures.noindex = async () => {
  const rec = ros2Recording(STD_SECONDS);
  const bytes = await writeRos2({ chunkSize: STD_CHUNK, startChannelId: 1,
    compressChunk: COMPRESS.lz4, useMessageIndex: false,
    useChunkIndex: false }, rec);
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === rec.msgs.length, 'noindex messages');
  assert(rb.footer.summaryStart !== 0n && !rb.records.ChunkIndex &&
    !rb.records.MessageIndex && rb.records.Statistics === 1,
    'noindex: a summary without chunk or message indexes');
  return bytes;
};

fixtures.nomsgindex = async () => {
  const rec = ros2Recording(STD_SECONDS);
  const bytes = await writeRos2({ chunkSize: STD_CHUNK, startChannelId: 1,
    compressChunk: COMPRESS.zstd, useMessageIndex: false }, rec);
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === rec.msgs.length, 'nomsgindex messages');
  assert(rb.records.ChunkIndex === rb.chunks.length &&
    !rb.records.MessageIndex, 'nomsgindex: chunk indexes only');
  return bytes;
};

fixtures.unchunked = async () => {
  const rec = ros2Recording(1);
  const bytes = await writeRos2({ useChunks: false, startChannelId: 1 }, rec);
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === rec.msgs.length, 'unchunked messages');
  assert(rb.chunks.length === 0 && rb.footer.summaryStart !== 0n &&
    rb.records.Statistics === 1, 'unchunked: no chunks, a summary');
  return bytes;
};

// chunks of /a (std_msgs/msg/Int32) and /b (std_msgs/msg/UInt32), each
// chunk its own time range (s from the base): out of file order, one range
// inside another, equal log times in different chunks
const OVERLAP_CHUNKS = [
  [3.0, 3.9], [0.5, 1.4], [2.0, 2.9], [0.0, 0.9],
  [1.5, 2.4], [2.5, 2.7], [1.0, 1.9], [0.2, 0.3],
];
const OVERLAP_N = 24;

fixtures.overlap = async () => {
  // every message record has the same size (8 bytes of CDR); a chunk is
  // closed by the message that takes it past chunkSize, so with
  // chunkSize = N * R - 1 every chunk holds N messages, except the first,
  // which also holds the schema and channel records (k1 messages)
  const { McapRecordBuilder } = require('@mcap/core');
  const types = ['std_msgs/msg/Int32', 'std_msgs/msg/UInt32'];
  const rb0 = new McapRecordBuilder();
  const schemas = types.map((t, i) => ({ id: i + 1, ...ros2Channel(t) }));
  const chans = ['/a', '/b'].map((t, i) => ({ id: i + 1, schemaId: i + 1,
    topic: t, messageEncoding: 'cdr', metadata: new Map() }));
  let x = 0;
  for (let i = 0; i < 2; i++) {
    x += Number(rb0.writeSchema(schemas[i]));
    x += Number(rb0.writeChannel(chans[i]));
  }
  const R = 1 + 8 + 2 + 4 + 8 + 8 + 8;
  const chunkSize = OVERLAP_N * R - 1;
  let k1 = 1;
  while (x + k1 * R <= chunkSize)
    k1++;
  assert(k1 >= 4, 'overlap: room for messages in the first chunk');

  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, chunkSize, startChannelId: 1,
    compressChunk: COMPRESS.zstd });
  await w.start({ profile: 'ros2', library: LIBRARY });
  for (let i = 0; i < 2; i++) {
    assert(await w.registerSchema(ros2Channel(types[i])) === i + 1, 'sid');
    assert(await w.registerChannel({ schemaId: i + 1, topic: chans[i].topic,
      messageEncoding: 'cdr', metadata: new Map() }) === i + 1, 'cid');
  }
  const want = [];
  let total = 0;
  let value = 0;
  for (let c = 0; c < OVERLAP_CHUNKS.length; c++) {
    const [s, e] = OVERLAP_CHUNKS[c];
    const n = c === 0 ? k1 : OVERLAP_N;
    const s_ms = Math.round(s * 1000);
    const e_ms = Math.round(e * 1000);
    for (let i = 0; i < n; i++) {
      // evenly from s to e, ms resolution, both ends included
      const t = BASE_NS + BigInt(s_ms + Math.round((e_ms - s_ms) * i /
        (n - 1))) * MS;
      const ch = 1 + (i % 2);
      value++;
      await w.addMessage({ channelId: ch, sequence: value, logTime: t,
        publishTime: t - MS, data: cdr(types[ch - 1], { data: value }) });
      total++;
    }
    want.push([BASE_NS + BigInt(s_ms) * MS, BASE_NS + BigInt(e_ms) * MS]);
  }
  await w.end();
  const bytes = buf.get();
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === total, 'overlap messages');
  assert(rb.chunks.length === want.length, 'overlap: ' + rb.chunks.length +
    ' chunks, not ' + want.length);
  rb.chunks.forEach((ck, i) => assert(ck.messageStartTime === want[i][0] &&
    ck.messageEndTime === want[i][1], 'overlap: range of chunk ' + i));
  return bytes;
};

fixtures.bigmsg = async () => {
  // /camera/image_raw: one 400x250 rgb8 image (300000 bytes of pixels) at
  // 1 s among /imu, /joint_states, /tf and /chatter of a 2 s recording
  const rec = ros2Recording(STD_SECONDS);
  const wdt = 400;
  const hgt = 250;
  const px = new Uint8Array(wdt * hgt * 3);
  for (let y = 0; y < hgt; y++) {
    for (let x = 0; x < wdt; x++) {
      const o = (y * wdt + x) * 3;
      // 25x25 pixel tiles: colour by tile column and row, a checkerboard
      // in blue (compresses well, so the file stays small)
      px[o] = ((x / 25) | 0) * 15;
      px[o + 1] = ((y / 25) | 0) * 25;
      px[o + 2] = (((x / 25) | 0) ^ ((y / 25) | 0)) & 1 ? 0xff : 0x20;
    }
  }
  const st = BASE_NS + 1000000000n;
  const img = cdr('sensor_msgs/msg/Image', { header: header(st, 'camera'),
    height: hgt, width: wdt, encoding: 'rgb8', is_bigendian: 0,
    step: wdt * 3, data: px });
  rec.topics.push({ topic: '/camera/image_raw',
    type: 'sensor_msgs/msg/Image' });
  const at = rec.msgs.findIndex((m) => m.logTime > st + 1500000n);
  rec.msgs.splice(at, 0, { topic: '/camera/image_raw',
    logTime: st + 1500000n, publishTime: st, data: img });
  const bytes = await writeRos2({ chunkSize: STD_CHUNK, startChannelId: 1,
    compressChunk: COMPRESS.zstd }, rec);
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === rec.msgs.length, 'bigmsg messages');
  assert(rb.chunks.some((c) => c.uncompressedSize > 300000n) &&
    img.length > 300000, 'bigmsg: a chunk > 300000 bytes');
  return bytes;
};

fixtures.multichannel = async () => {
  // /chatter from two publishers (channels 3 and 4), interleaved 2:1 with
  // some equal log times; /unused: a channel with no message (summary only);
  // /raw: schemaless (schema id 0), message encoding json; /status: json
  // messages with a jsonschema schema; a Metadata and an Attachment record
  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, chunkSize: 1024, startChannelId: 3,
    compressChunk: COMPRESS.lz4 });
  await w.start({ profile: 'ros2', library: LIBRARY });
  const sString = await w.registerSchema(ros2Channel('std_msgs/msg/String'));
  const sStatus = await w.registerSchema({ name: 'gst_rosbag_test.Status',
    encoding: 'jsonschema', data: new TextEncoder().encode(JSON.stringify({
      type: 'object', properties: { level: { type: 'integer' },
        text: { type: 'string' } } })) });
  const chA = await w.registerChannel({ schemaId: sString, topic: '/chatter',
    messageEncoding: 'cdr', metadata: new Map([['offered_qos_profiles', QOS],
      ['publisher', '/talker_a']]) });
  const chB = await w.registerChannel({ schemaId: sString, topic: '/chatter',
    messageEncoding: 'cdr', metadata: new Map([['offered_qos_profiles', QOS],
      ['publisher', '/talker_b']]) });
  await w.registerChannel({ schemaId: sString, topic: '/unused',
    messageEncoding: 'cdr', metadata: new Map() });
  const chRaw = await w.registerChannel({ schemaId: 0, topic: '/raw',
    messageEncoding: 'json', metadata: new Map() });
  const chStatus = await w.registerChannel({ schemaId: sStatus,
    topic: '/status', messageEncoding: 'json', metadata: new Map() });
  await w.addMetadata({ name: 'gst-rosbag-test',
    metadata: new Map([['robot', 'r1'], ['run', '7']]) });
  const enc = new TextEncoder();
  const seq = new Map();
  const add = async (ch, t, data) => {
    const s = (seq.get(ch) || 0) + 1;
    seq.set(ch, s);
    await w.addMessage({ channelId: ch, sequence: s, logTime: BASE_NS + t,
      publishTime: BASE_NS + t - MS, data });
  };
  let n = 0;
  for (let i = 0; i < 60; i++) {
    const t = BigInt(i) * 50n * MS;
    // A every step, B every other step at the same time as A (a tie: A was
    // written first), and every sixth step 7 ms later
    await add(chA, t, cdr('std_msgs/msg/String', { data: 'a ' + i }));
    n++;
    if (i % 2 === 0) {
      await add(chB, t, cdr('std_msgs/msg/String', { data: 'b ' + i }));
      n++;
    } else if (i % 6 === 1) {
      await add(chB, t + 7n * MS, cdr('std_msgs/msg/String',
        { data: 'b late ' + i }));
      n++;
    }
    if (i % 5 === 0) {
      await add(chRaw, t + 3n * MS, enc.encode(JSON.stringify({ i,
        note: 'schemaless' })));
      await add(chStatus, t + 3n * MS, enc.encode(JSON.stringify({
        level: i % 3, text: 'status ' + i })));
      n += 2;
    }
    if (i === 30) {
      await w.addAttachment({ name: 'calibration.yaml',
        mediaType: 'application/yaml', logTime: BASE_NS + t,
        createTime: BASE_NS,
        data: enc.encode('camera_matrix: [500, 0, 320, 0, 500, 240,' +
          ' 0, 0, 1]\n') });
    }
  }
  await w.end();
  const bytes = buf.get();
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === n, 'multichannel messages');
  assert(rb.records.Metadata === 1 && rb.records.Attachment === 1 &&
    rb.records.MetadataIndex === 1 && rb.records.AttachmentIndex === 1,
    'multichannel: metadata and attachment');
  return bytes;
};

// ROS 1 wire format: little endian, no alignment, string = u32 + bytes
function ros1String(s) {
  const b = new TextEncoder().encode(s);
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length, true);
  out.set(b, 4);
  return out;
}

function cat(...parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function le(bytes, fn) {
  const out = new Uint8Array(bytes);
  fn(new DataView(out.buffer));
  return out;
}

const ROS1 = {
  'std_msgs/String': 'string data\n',
  'std_msgs/Int32': 'int32 data\n',
  'geometry_msgs/PointStamped':
    '# This represents a Point with reference coordinate frame and' +
    ' timestamp\nHeader header\nPoint point\n\n' + SEP +
    '\nMSG: std_msgs/Header\n' +
    '# Standard metadata for higher-level stamped data types.\n' +
    '# sequence ID: consecutively increasing ID \nuint32 seq\n' +
    '#Two-integer timestamp that is expressed as:\n' +
    '# * stamp.sec: seconds (stamp_secs) since epoch\n' +
    '# * stamp.nsec: nanoseconds since stamp_secs\ntime stamp\n' +
    '#Frame this data is associated with\nstring frame_id\n\n' + SEP +
    '\nMSG: geometry_msgs/Point\n' +
    '# This contains the position of a point in free space\n' +
    'float64 x\nfloat64 y\nfloat64 z\n',
};

fixtures.ros1 = async () => {
  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, chunkSize: 2048, startChannelId: 1,
    compressChunk: COMPRESS.lz4 });
  await w.start({ profile: 'ros1', library: LIBRARY });
  const ch = {};
  const topics = [['/chatter', 'std_msgs/String'], ['/count', 'std_msgs/Int32'],
    ['/point', 'geometry_msgs/PointStamped']];
  for (const [topic, type] of topics) {
    const sid = await w.registerSchema({ name: type, encoding: 'ros1msg',
      data: new TextEncoder().encode(ROS1[type]) });
    const md5 = rosMd5(parseMsgdef(ROS1[type]));
    ch[topic] = await w.registerChannel({ schemaId: sid, topic,
      messageEncoding: 'ros1', metadata: new Map([['md5sum', md5],
        ['callerid', '/talker'], ['latching', '0']]) });
  }
  // the md5sums ROS 1 gives these types
  assert(rosMd5(parseMsgdef(ROS1['std_msgs/String'])) ===
    '992ce8a1687cec8c8bd883ec73ca41d1', 'md5 of std_msgs/String');
  assert(rosMd5(parseMsgdef(ROS1['std_msgs/Int32'])) ===
    'da5909fbe378aeaf85e547e830cc1bb7', 'md5 of std_msgs/Int32');
  let n = 0;
  for (let i = 0; i < 40; i++) {
    const t = BASE_NS + BigInt(i) * 50n * MS;
    if (i % 2 === 0) {
      await w.addMessage({ channelId: ch['/chatter'], sequence: i / 2,
        logTime: t, publishTime: t,
        data: ros1String(i === 10 ? '' : 'hello ros1 ' + i) });
      n++;
    }
    await w.addMessage({ channelId: ch['/count'], sequence: i, logTime: t,
      publishTime: t, data: le(4, (dv) => dv.setInt32(0, i * 1000 - 7000,
        true)) });
    n++;
    if (i % 4 === 1) {
      const st = t - 2n * MS;
      const hdr = le(12, (dv) => {
        dv.setUint32(0, i, true);
        dv.setUint32(4, Number(st / 1000000000n), true);
        dv.setUint32(8, Number(st % 1000000000n), true);
      });
      const pt = le(24, (dv) => {
        dv.setFloat64(0, i * 0.5, true);
        dv.setFloat64(8, -i * 0.25, true);
        dv.setFloat64(16, 1.5, true);
      });
      await w.addMessage({ channelId: ch['/point'], sequence: i, logTime: t,
        publishTime: st, data: cat(hdr, ros1String('map'), pt) });
      n++;
    }
  }
  await w.end();
  const bytes = buf.get();
  const rb = readBack(bytes);
  assert(rb.done && rb.messages === n, 'ros1 messages');
  return bytes;
};

// zstd.mcap cut in the middle of its middle chunk (half its record length)
fixtures.truncated = async () => {
  const full = await fixtures.zstd();
  const chunks = topLevel(full).filter((r) => r[0] === 0x06);
  const [, off, len] = chunks[Math.floor(chunks.length / 2)];
  const bytes = full.slice(0, off + Math.floor(len / 2));
  const rb = readBack(bytes);
  assert(!rb.done && rb.chunks.length === Math.floor(chunks.length / 2),
    'truncated: the stream ends in a chunk');
  return bytes;
};

await compressors();
fs.mkdirSync(outdir, { recursive: true });
for (const [name, make] of Object.entries(fixtures)) {
  if (only.length && !only.includes(name))
    continue;
  const bytes = await make();
  const file = path.join(outdir, name + '.mcap');
  fs.writeFileSync(file, bytes);
  console.log('%s: %d bytes', file, bytes.length);
}
