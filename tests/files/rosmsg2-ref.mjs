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

// The independent reference for rosmsgconvert on ROS 2 (CDR) topics:
// messages of an MCAP file as the foxglove npm packages decode them.
//
//   NODE_PATH=NPM_DIR/node_modules node tests/files/rosmsg2-ref.mjs MODE ...
//   node tests/files/rosmsg2-ref.mjs --npm NPM_DIR MODE ...
//
// NPM_DIR is where tests/files/npm-install.sh installed the pinned packages
// (a build tree's tests/check/npm). Without --npm the modules are loaded
// with require(), which honours NODE_PATH, as in mcap-ref.mjs.
//
// Reading: the file is read with @mcap/core's McapStreamReader (CRCs
// checked; zstd / lz4 chunks by @foxglove/wasm-zstd / @foxglove/wasm-lz4),
// messages in file order, then stable-sorted by log_time (ties keep file
// order), as mcap-ref.mjs does; where the footer has a summary whose chunk
// indexes locate the messages, McapIndexedReader reads it too and its count
// per channel must match, else a "warning:" says so. A file that stops early
// is read up to the problem ("warning:" on stderr).
//
// Decoding, per channel (message encoding must be `cdr`):
//   ros2msg  the schema text is parsed by @foxglove/rosmsg parse(text,
//            {ros2: true}) and the data read by @foxglove/rosmsg2-
//            serialization's MessageReader. rosmsg 5.0.5 resolves dependency
//            blocks only when they are headed `MSG: pkg/Type`, so the text
//            handed to it is normalised first: `MSG: a/msg/B` -> `MSG: a/B`
//            and field types `a/msg/B` -> `a/B` (the text itself is not
//            otherwise changed; the original types are kept, see `byte`).
//   ros2idl  @foxglove/ros2idl-parser, then the same MessageReader.
//   omgidl   @foxglove/omgidl-parser + @foxglove/omgidl-serialization's
//            MessageReader, root type = the schema name with `.` -> `::`.
//   Others (ros1msg, jsonschema, protobuf, schemaless ...) are skipped with
//   a "note:" on stderr (`topics` says why).
//
// Output conventions (those of rosmsgconvert and rosmsg-ref.py, ROS 2
// flavour):
//   {"topic": T, "receive_ns": LOG_TIME, "msg": {...}}  one line per message
//   field names and order as in the schema; nested messages as objects;
//   arrays as arrays; uint8[], uint8[N], uint8[<=N], char[], byte[] (ROS 2:
//   octets, as an IDL sequence<octet>) ... as base64; builtin_interfaces/Time and
//   Duration (`builtin_interfaces/msg/Time`, `builtin_interfaces/Time`, ROS 1
//   style `time` / `duration`) as integer nanoseconds sec*1e9+nanosec (sec is
//   int32 and may be negative), or with --time-format secs-nsecs as
//   {"sec": s, "nanosec": n} (the stored values, never normalised);
//   int64 / uint64 exact; non-finite floats null; strings as TextDecoder
//   decodes them (UTF-8, each invalid sequence -> U+FFFD, as Python does;
//   an embedded NUL stays U+0000); --byte-arrays length writes variable
//   uint8[] / char[] (unbounded and bounded) as their length. Constants are
//   not on the wire and not in the output; an empty type is {}.
//
// Known differences of the packages, corrected here:
//   - ROS 2 `byte` is an unsigned octet. @foxglove/rosmsg (ros2 mode)
//     normalises both `byte` and `char` to uint8; the script tracks the
//     type each field has in the original schema text so that, should a
//     package version give int8, `byte` values are made unsigned (0..255)
//     all the same, and `byte[]` is base64 like uint8[].
//   - @foxglove/ros2idl-parser names builtin_interfaces/msg/Time's second
//     field `nsec`: time values are recognised by the type name and written
//     with `nanosec` all the same.
//   - foxglove::Time (omgidl, uint32 sec + uint32 nsec) is an ordinary
//     struct: {"sec": .., "nsec": ..}, not nanoseconds.
//
// Modes:
//   json MCAP [--topics a,b] [--time-format ns|secs-nsecs]
//            [--byte-arrays base64|length]
//       prints the JSON lines (log_time order).
//   compare MCAP OURS.jsonl [same options]
//       compares OURS (JSON lines written by gst-rosbag) value by value, as
//       rosmsg-ref.py compare does: same topics, same count per topic, per
//       message (matched per topic in receive-time order; equal times may
//       come in another order) the same keys in the same order and the same
//       values. float64 exactly; float32: Math.fround(ours) === ref;
//       integers exactly (OURS is read by a small JSON tokenizer that keeps
//       integer literals as BigInt; integer fields must be integer literals).
//       Prints "compared N messages, M topics, T types"; exit 1 with up to 10
//       "DIFF ..." lines. Only the decodable topics (and --topics) count.
//   compare-csv MCAP TOPIC OURS.csv [--time-format F] [--byte-arrays B]
//       as rosmsg-ref.py compare-csv: header receive_ns then dotted columns;
//       fixed arrays expanded name.N (fixed uint8/char arrays too, one
//       integer per column); variable arrays (bounded too) one cell of JSON,
//       variable uint8[]/char[] one cell of base64 (or the length); time one
//       column of ns, or with secs-nsecs two columns name.sec, name.nanosec;
//       non-finite floats nan / inf / -inf; NUL in strings as U+FFFD.
//   topics MCAP
//       one line per channel: topic TAB schema name TAB schema encoding TAB
//       message encoding TAB decodable yes/no (reason); every message of
//       the channel is decoded to say yes.
//
// Exit status: 0 success, 1 differences, 2 when the file cannot be read (or
// bad usage).

import { createRequire } from 'node:module';
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// ---- arguments ---------------------------------------------------------------

const USAGE = 'usage: rosmsg2-ref.mjs [--npm DIR] json MCAP [--topics a,b]' +
  ' [--time-format ns|secs-nsecs] [--byte-arrays base64|length]\n' +
  '       rosmsg2-ref.mjs [--npm DIR] compare MCAP OURS.jsonl [options]\n' +
  '       rosmsg2-ref.mjs [--npm DIR] compare-csv MCAP TOPIC OURS.csv' +
  ' [options]\n' +
  '       rosmsg2-ref.mjs [--npm DIR] topics MCAP\n';

function usage() {
  process.stderr.write(USAGE);
  process.exit(2);
}

const opts = { topics: null, secsNsecs: false, bytesLength: false,
  npm: null };
const rest = [];
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const need = () => {
      if (i + 1 >= a.length)
        usage();
      return a[++i];
    };
    if (a[i] === '--topics')
      opts.topics = need().split(',').map((s) => s.trim()).filter((s) => s);
    else if (a[i] === '--time-format') {
      const v = need();
      if (v !== 'ns' && v !== 'secs-nsecs')
        usage();
      opts.secsNsecs = v === 'secs-nsecs';
    } else if (a[i] === '--byte-arrays') {
      const v = need();
      if (v !== 'base64' && v !== 'length')
        usage();
      opts.bytesLength = v === 'length';
    } else if (a[i] === '--npm')
      opts.npm = need();
    else if (a[i] === '--definitions')
      opts.definitions = need();
    else if (a[i].startsWith('--'))
      usage();
    else
      rest.push(a[i]);
  }
}
const ARITY = { json: 2, compare: 3, 'compare-csv': 4, topics: 2 };
if (rest.length === 0 || ARITY[rest[0]] !== rest.length)
  usage();
const mode = rest[0];
const file = rest[1];

const require = opts.npm ?
  createRequire(path.join(path.resolve(opts.npm), 'package.json')) :
  createRequire(import.meta.url);
const { McapStreamReader, McapIndexedReader } = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const lz4 = require('@foxglove/wasm-lz4');
const { parse: parseRosmsg } = require('@foxglove/rosmsg');
const { MessageReader } = require('@foxglove/rosmsg2-serialization');

function optionalRequire(name) {
  try {
    return require(name);
  } catch (e) {
    return null;
  }
}
const ros2idl = optionalRequire('@foxglove/ros2idl-parser');
const omgidlParser = optionalRequire('@foxglove/omgidl-parser');
const omgidlSer = optionalRequire('@foxglove/omgidl-serialization');

const warn = (s) => process.stderr.write('warning: ' + s + '\n');
const note = (s) => process.stderr.write('note: ' + s + '\n');

// ---- reading the file ----------------------------------------------------------

// ---- rosbag2 sqlite3 files (.db3), read with the sqlite3 CLI ----------------
// Topics and messages (in timestamp order) as the CLI returns them; a
// topic's definition from the message_definitions table where the file has
// one, else composed here from --definitions DIR (DIR/pkg/msg/Type.msg, a
// ROS 2 share tree): the root's text, then every type it uses, depth first.
const BUILTIN = new Set(['bool', 'byte', 'char', 'int8', 'uint8', 'int16',
  'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64',
  'string', 'wstring', 'time', 'duration']);

function sqliteJson(p, sql) {
  // immutable: otherwise the CLI leaves -wal and -shm files beside a
  // WAL-mode database
  const uri = 'file:' + p.replace(/%/g, '%25').replace(/\?/g, '%3f')
    .replace(/#/g, '%23') + '?immutable=1';
  const r = childProcess.spawnSync('sqlite3', ['-readonly', '-json', uri, sql],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    process.stderr.write('error: sqlite3 ' + p + ': ' + r.stderr + '\n');
    process.exit(2);
  }
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

function composeDefinition(type) {
  const full = (t, pkg) => {
    if (t === 'Header')
      return 'std_msgs/msg/Header';
    const parts = t.split('/');
    if (parts.length === 1)
      return pkg + '/msg/' + t;
    return parts.length === 2 ? parts[0] + '/msg/' + parts[1] : t;
  };
  const blocks = [];
  const seen = new Set();
  const visit = (t) => {
    if (seen.has(t))
      return true;
    seen.add(t);
    const [pkg, kind, name] = t.split('/');
    let text;
    try {
      // a service event type (pkg/srv/Type_Event) is its .srv text
      text = kind === 'srv'
        ? fs.readFileSync(path.join(opts.definitions, pkg, 'srv',
          name.replace(/_Event$/, '') + '.srv'), 'utf8')
        : fs.readFileSync(path.join(opts.definitions, pkg, 'msg',
          name + '.msg'), 'utf8');
    } catch (e) {
      return false;
    }
    blocks.push([t, text]);
    for (const line of text.split('\n')) {
      const l = line.replace(/#.*/, '').trim();
      if (!l || l === '---' || /^\S+\s+[A-Za-z_]\w*\s*=/.test(l))
        continue;
      const base = l.split(/\s+/)[0].replace(/\[.*$/, '')
        .replace(/<=\d+$/, '');
      if (!BUILTIN.has(base) && !visit(full(base, pkg)))
        return false;
    }
    return true;
  };
  if (!visit(/\/srv\//.test(type) ? type : full(type, '')))
    return null;
  return blocks.map(([t, text], i) => (i ? '='.repeat(80) + '\nMSG: ' + t +
    '\n' : '') + text).join('\n');
}

// rosbag2's MESSAGE mode: a payload that is one zstd frame (a CDR payload
// starts with 0x00) decompressed by the zstd CLI
function unzstd(data) {
  if (data.length < 4 || data[0] !== 0x28 || data[1] !== 0xb5 ||
      data[2] !== 0x2f || data[3] !== 0xfd)
    return data;
  const r = childProcess.spawnSync('zstd', ['-d', '-c', '-q'],
    { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    process.stderr.write('error: zstd -d: ' + r.stderr + '\n');
    process.exit(2);
  }
  return Uint8Array.from(r.stdout);
}

function readDb3(p) {
  const channels = new Map();
  const schemas = new Map();
  const tables = new Set(sqliteJson(p, "select name from sqlite_master " +
    "where type = 'table'").map((r) => r.name));
  const defs = new Map();
  if (tables.has('message_definitions'))
    for (const r of sqliteJson(p, 'select topic_type, encoding, ' +
      'encoded_message_definition as d from message_definitions'))
      defs.set(r.topic_type, r);
  for (const t of sqliteJson(p, 'select id, name, type, ' +
    'serialization_format as f from topics')) {
    let data = null;
    let encoding = 'ros2msg';
    const d = defs.get(t.type);
    if (d && d.d) {
      data = d.d;
      encoding = d.encoding;
    } else if (opts.definitions) {
      data = composeDefinition(t.type);
    }
    channels.set(t.id, { topic: t.name, messageEncoding: t.f || 'cdr',
      schemaId: data === null ? 0 : t.id });
    if (data !== null)
      schemas.set(t.id, { name: t.type, encoding,
        data: new TextEncoder().encode(data) });
  }
  const messages = sqliteJson(p, 'select topic_id, cast(timestamp as text) ' +
    'as timestamp, hex(data) ' +
    'as h from messages order by timestamp, id').map((r) => ({
    channelId: r.topic_id, logTime: BigInt(r.timestamp),
    data: unzstd(Uint8Array.from(Buffer.from(r.h, 'hex'))) }));
  return { channels, schemas, messages };
}

async function readMcap(p) {
  if (p.endsWith('.db3'))
    return readDb3(p);
  await zstd.isLoaded;
  await lz4.isLoaded;
  const decompressHandlers = {
    zstd: (buf, size) => zstd.decompress(buf, Number(size)),
    lz4: (buf, size) => lz4(buf, Number(size)),
  };
  let bytes;
  try {
    bytes = new Uint8Array(fs.readFileSync(p));
  } catch (e) {
    process.stderr.write('error: ' + p + ': ' + e.message + '\n');
    process.exit(2);
  }
  const schemas = new Map();
  const channels = new Map();
  const messages = [];
  let header;
  let footer;
  let chunks = 0;
  const reader = new McapStreamReader({ validateCrcs: true,
    includeChunks: true, decompressHandlers });
  try {
    reader.append(bytes);
    for (let rec; (rec = reader.nextRecord());) {
      if (rec.type === 'Header')
        header = rec;
      else if (rec.type === 'Schema' && !schemas.has(rec.id))
        schemas.set(rec.id, rec);
      else if (rec.type === 'Channel' && !channels.has(rec.id))
        channels.set(rec.id, rec);
      else if (rec.type === 'Message')
        messages.push(rec);
      else if (rec.type === 'Chunk')
        chunks++;
      else if (rec.type === 'Footer')
        footer = rec;
    }
    if (!reader.done())
      warn(p + ': the file ends before its footer');
  } catch (e) {
    if (!header) {
      process.stderr.write('error: ' + p + ': ' + e.message + '\n');
      process.exit(2);
    }
    warn(p + ': ' + e.message + ' (reading stopped; ' + messages.length +
      ' messages read before)');
  }
  if (!header) {
    process.stderr.write('error: ' + p + ': no MCAP header\n');
    process.exit(2);
  }
  messages.sort((a, b) => (a.logTime < b.logTime ? -1 :
    a.logTime > b.logTime ? 1 : 0));

  // the indexed cross-check (counts per channel)
  if (footer && footer.summaryStart !== 0n && chunks > 0) {
    const readable = {
      size: async () => BigInt(bytes.length),
      read: async (offset, size) => {
        if (offset + size > BigInt(bytes.length))
          throw new Error('read past the end of the file');
        return bytes.subarray(Number(offset), Number(offset + size));
      },
    };
    try {
      const ir = await McapIndexedReader.Initialize({ readable,
        decompressHandlers });
      if (ir.chunkIndexes.length > 0 &&
          ir.chunkIndexes.every((ci) => ci.messageIndexOffsets.size > 0)) {
        const got = new Map();
        for await (const m of ir.readMessages({ validateCrcs: true }))
          got.set(m.channelId, (got.get(m.channelId) || 0) + 1);
        const want = new Map();
        for (const m of messages)
          want.set(m.channelId, (want.get(m.channelId) || 0) + 1);
        for (const id of new Set([...got.keys(), ...want.keys()])) {
          if ((got.get(id) || 0) !== (want.get(id) || 0))
            warn(p + ': channel ' + id + ': McapIndexedReader reads ' +
              (got.get(id) || 0) + ' messages, the stream ' +
              (want.get(id) || 0));
        }
      }
    } catch (e) {
      warn(p + ': McapIndexedReader: ' + e.message);
    }
  }
  return { header, schemas, channels, messages };
}

// ---- schemas -------------------------------------------------------------------

const SEP_RE = /^={80}\s*$/;
const TIME_NAMES = new Set(['builtin_interfaces/msg/Time',
  'builtin_interfaces/Time', 'builtin_interfaces/msg/Duration',
  'builtin_interfaces/Duration', 'builtin_interfaces::msg::Time',
  'builtin_interfaces::msg::Duration']);

// `a/msg/B` -> `a/B` in MSG: lines and field types, what rosmsg 5.0.5 needs
// rosbag2 records a service's events (pkg/srv/Type_Event) with the .srv
// text as the schema (request, "---", response, dependencies); the messages
// are rosidl's event type: service_msgs/msg/ServiceEventInfo info,
// Type_Request[<=1] request, Type_Response[<=1] response. Returns the .msg
// text of that type; the text as it is when it has no "---" line; null for
// a "---" in anything but a service event.
function serviceEventText(name, text) {
  const lines = text.split('\n');
  const sepAt = lines.findIndex((l) => /^={3,}\s*$/.test(l));
  const root = sepAt < 0 ? lines : lines.slice(0, sepAt);
  const dashAt = root.findIndex((l) => /^---\s*$/.test(l));
  if (dashAt < 0)
    return text;
  if (!/\/srv\/.*_Event$/.test(name))
    return null;
  const base = name.slice(0, -'_Event'.length);
  const bar = '='.repeat(80);
  return [
    'service_msgs/msg/ServiceEventInfo info',
    base + '_Request[<=1] request',
    base + '_Response[<=1] response',
    bar, 'MSG: ' + base + '_Request', ...root.slice(0, dashAt),
    bar, 'MSG: ' + base + '_Response', ...root.slice(dashAt + 1),
    bar, 'MSG: service_msgs/msg/ServiceEventInfo',
    'uint8 REQUEST_SENT = 0', 'uint8 REQUEST_RECEIVED = 1',
    'uint8 RESPONSE_SENT = 2', 'uint8 RESPONSE_RECEIVED = 3',
    'uint8 event_type', 'builtin_interfaces/Time stamp',
    'char[16] client_gid', 'int64 sequence_number',
    ...(sepAt < 0 ? [] : lines.slice(sepAt)),
  ].join('\n');
}

function normaliseRos2msg(text) {
  return text.split('\n').map((line) => {
    const m = /^MSG:\s*(\S+)(.*)$/.exec(line);
    if (m)
      return 'MSG: ' + m[1].replace(/^([^/\s]+)\/msg\//, '$1/') + m[2];
    return line.replace(/^(\s*)([A-Za-z_][\w]*)\/msg\/([A-Za-z_]\w*)/,
      '$1$2/$3');
  }).join('\n');
}

// { typeName ('' = the root) -> Map(field name -> base type as written) }
function originalTypes(text) {
  const out = new Map();
  let cur = new Map();
  out.set('', cur);
  for (const raw of normaliseRos2msg(text).split('\n')) {
    const line = raw.trim();
    if (SEP_RE.test(line))
      continue;
    const m = /^MSG:\s*(\S+)/.exec(line);
    if (m) {
      cur = new Map();
      out.set(m[1], cur);
      continue;
    }
    if (line === '' || line.startsWith('#'))
      continue;
    const f = /^(\S+)\s+([A-Za-z_]\w*)/.exec(line);
    if (!f)
      continue;
    const base = f[1].replace(/\[.*$/, '').replace(/<=.*$/, '');
    cur.set(f[2], base);
  }
  return out;
}

// a decoder per channel: { ok, why, read(data) -> tagged tree, types }
function channelDecoder(ch, sc) {
  const fail = (why) => ({ ok: false, why });
  if (ch.messageEncoding !== 'cdr')
    return fail('message encoding ' + JSON.stringify(ch.messageEncoding) +
      ' is not cdr');
  if (!sc)
    return fail(ch.schemaId === 0 ? 'no schema' : 'schema ' + ch.schemaId +
      ' is not in the file');
  const text = new TextDecoder().decode(sc.data);
  try {
    if (sc.encoding === 'ros2msg') {
      const msgText = serviceEventText(sc.name, text);
      if (msgText === null)
        return fail('the schema is a .srv text (a "---" line) of a type' +
          ' that is not a service event');
      const defs = parseRosmsg(normaliseRos2msg(msgText), { ros2: true });
      const reader = new MessageReader(defs);
      const byName = new Map(defs.map((d) => [d.name ?? '', d.definitions]));
      const root = defs.find((d) => !(d.definitions.length > 0 &&
        d.definitions.every((f) => f.isConstant)));
      const orig = originalTypes(msgText);
      return { ok: true, kind: 'ros2msg', read: (data) => tagStruct(
        root.definitions, reader.readMessage(data), byName, orig,
        root.name ?? '') };
    }
    if (sc.encoding === 'ros2idl') {
      if (!ros2idl)
        return fail('@foxglove/ros2idl-parser is not installed');
      const defs = ros2idl.parseRos2idl(text);
      const reader = new MessageReader(defs);
      const byName = new Map(defs.map((d) => [d.name ?? '', d.definitions]));
      const root = defs.find((d) => !(d.definitions.length > 0 &&
        d.definitions.every((f) => f.isConstant)));
      return { ok: true, kind: 'ros2idl', read: (data) => tagStruct(
        root.definitions, reader.readMessage(data), byName, new Map(),
        root.name ?? '') };
    }
    if (sc.encoding === 'omgidl') {
      if (!omgidlParser || !omgidlSer)
        return fail('@foxglove/omgidl-parser / omgidl-serialization are' +
          ' not installed');
      const defs = omgidlParser.parseIDL(text);
      const rootName = sc.name.replace(/\./g, '::').replace(/\//g, '::');
      const reader = new omgidlSer.MessageReader(rootName, defs);
      const byName = new Map(defs.map((d) => [d.name ?? '',
        d.definitions ?? []]));
      const root = byName.get(rootName);
      if (!root)
        return fail('no struct ' + rootName + ' in the IDL');
      return { ok: true, kind: 'omgidl', read: (data) => tagStruct(root,
        reader.readMessage(data), byName, new Map(), rootName) };
    }
  } catch (e) {
    return fail('schema does not parse: ' + e.message);
  }
  return fail('schema encoding ' + JSON.stringify(sc.encoding) +
    ' is not decoded by this reference');
}

// ---- the tagged tree -------------------------------------------------------------
// {k:'obj', e:[[name, node]...]}, {k:'arr', fixed: bool, bytes: bool,
// items:[...]}, {k:'int', v: BigInt}, {k:'f32'|'f64', v}, {k:'bool', v},
// {k:'str', v}, {k:'bytes', v: Uint8Array, fixed}, {k:'time', sec, nsec}

const INT_TYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32',
  'uint32', 'int64', 'uint64', 'byte', 'char', 'octet', 'short',
  'unsigned short', 'long', 'unsigned long', 'long long',
  'unsigned long long']);

function tagPrim(type, v, orig) {
  if (type === 'time' || type === 'duration')
    return { k: 'time', sec: BigInt(v.sec), nsec: BigInt(v.nanosec ??
      v.nsec) };
  if (type === 'float32' || type === 'float')
    return { k: 'f32', v };
  if (type === 'float64' || type === 'double')
    return { k: 'f64', v };
  if (type === 'bool' || type === 'boolean')
    return { k: 'bool', v: Boolean(v) };
  if (type === 'string' || type === 'wstring')
    return { k: 'str', v };
  if (typeof v === 'number' || typeof v === 'bigint') {
    let b = BigInt(v);
    if (orig === 'byte' && b < 0n)
      b += 256n;
    return { k: 'int', v: b };
  }
  throw new Error('unexpected value of type ' + type + ': ' + v);
}

function tagStruct(fields, value, byName, orig, typeName) {
  const e = [];
  const ot = orig.get(typeName) || new Map();
  for (const f of fields) {
    if (f.isConstant)
      continue;
    const v = value[f.name];
    // (omgidl-parser says arrayLengths)
    const fixed = f.arrayLength !== undefined || f.arrayLengths !== undefined;
    const o = ot.get(f.name);
    if (f.isComplex) {
      const sub = byName.get(f.type);
      const one = (x) => (TIME_NAMES.has(f.type) ? { k: 'time',
        sec: BigInt(x.sec), nsec: BigInt(x.nanosec ?? x.nsec) } :
        tagStruct(sub || [], x, byName, orig, f.type));
      if (f.isArray)
        e.push([f.name, { k: 'arr', fixed, items: Array.from(v, one) }]);
      else
        e.push([f.name, one(v)]);
    } else if (f.isArray) {
      if (f.type === 'uint8' || o === 'byte' || o === 'octet')
        e.push([f.name, { k: 'bytes', fixed, v: Uint8Array.from(v) }]);
      else
        e.push([f.name, { k: 'arr', fixed, items: Array.from(v,
          (x) => tagPrim(f.type, x, o)) }]);
    } else {
      e.push([f.name, tagPrim(f.type, v, o)]);
    }
  }
  return { k: 'obj', e };
}

// ---- JSON out --------------------------------------------------------------------

function fmtFloat(x) {
  if (!Number.isFinite(x))
    return 'null';
  if (Object.is(x, -0))
    return '-0.0';
  const s = String(x);
  return /[.e]/.test(s) ? s : s + '.0';
}

function b64(u8) {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)
    .toString('base64');
}

function nsOf(t) {
  return t.sec * 1000000000n + t.nsec;
}

function toJson(n) {
  switch (n.k) {
    case 'obj':
      return '{' + n.e.map(([k, v]) => JSON.stringify(k) + ':' + toJson(v))
        .join(',') + '}';
    case 'arr':
      return '[' + n.items.map(toJson).join(',') + ']';
    case 'bytes':
      return opts.bytesLength && !n.fixed ? String(n.v.length) :
        JSON.stringify(b64(n.v));
    case 'int':
      return n.v.toString();
    case 'f32':
    case 'f64':
      return fmtFloat(n.v);
    case 'bool':
      return n.v ? 'true' : 'false';
    case 'str':
      return JSON.stringify(n.v);
    case 'time':
      return opts.secsNsecs ? '{"sec":' + n.sec + ',"nanosec":' + n.nsec +
        '}' : nsOf(n).toString();
  }
  throw new Error('bad node ' + n.k);
}

// ---- all decoded messages ---------------------------------------------------------

async function load() {
  const f = await readMcap(file);
  const dec = new Map();
  const info = [];
  for (const [id, ch] of f.channels) {
    const sc = ch.schemaId === 0 ? undefined : f.schemas.get(ch.schemaId);
    const d = channelDecoder(ch, sc);
    dec.set(id, d);
    info.push({ id, ch, sc, d });
  }
  const want = (t) => !opts.topics || opts.topics.includes(t);
  const out = [];
  const failed = new Map();
  for (const m of f.messages) {
    const d = dec.get(m.channelId);
    const ch = f.channels.get(m.channelId);
    if (!d || !ch || !d.ok || !want(ch.topic))
      continue;
    try {
      out.push({ topic: ch.topic, t: m.logTime, type: ch.schemaId,
        node: d.read(m.data) });
    } catch (e) {
      if (!failed.has(m.channelId))
        failed.set(m.channelId, 'message at log_time ' + m.logTime + ': ' +
          e.message);
    }
  }
  for (const { id, ch, d } of info) {
    if (!want(ch.topic))
      continue;
    if (!d.ok)
      note(ch.topic + ' (channel ' + id + '): not decoded: ' + d.why);
    else if (failed.has(id))
      warn(ch.topic + ' (channel ' + id + '): ' + failed.get(id));
  }
  return { f, info, msgs: out, failed };
}

// ---- OURS: JSON with exact integers -----------------------------------------------
// objects -> {obj: [[k, v]...]}, integer literals -> BigInt, other numbers
// -> Number

function parseJson(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]))
      i++;
  };
  const err = (what) => {
    throw new Error(what + ' at offset ' + i);
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const e = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { obj: e };
      }
      for (;;) {
        ws();
        if (text[i] !== '"')
          err('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':')
          err('expected :');
        e.push([k, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { obj: e };
        }
        err('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        err('expected , or ]');
      }
    }
    if (c === '"')
      return str();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i,
      i + 400));
    if (m) {
      i += m[0].length;
      return m[2] === undefined && m[3] === undefined ? BigInt(m[0]) :
        Number(m[0]);
    }
    for (const [w, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(w, i)) {
        i += w.length;
        return v;
      }
    }
    err('unexpected ' + JSON.stringify(text.slice(i, i + 10)));
  };
  const str = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\')
        i++;
      i++;
    }
    if (i >= text.length)
      err('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i !== text.length)
    err('trailing text');
  return v;
}

function show(v) {
  if (typeof v === 'bigint')
    return v.toString();
  if (v && v.obj)
    return '{' + v.obj.map(([k, x]) => JSON.stringify(k) + ':' + show(x))
      .join(',') + '}';
  if (Array.isArray(v))
    return '[' + v.map(show).join(',') + ']';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
}

class Mismatch extends Error {}

function isNum(o) {
  return typeof o === 'number' || typeof o === 'bigint';
}

function cmpFloat(n, o, p) {
  if (!Number.isFinite(n.v)) {
    if (o !== null)
      throw new Mismatch(p + ': ' + show(o) + ', want null (ref ' + n.v + ')');
    return;
  }
  if (!isNum(o))
    throw new Mismatch(p + ': ' + show(o) + ' is not a number (ref ' +
      fmtFloat(n.v) + ')');
  const x = Number(o);
  if (n.k === 'f64' ? x !== n.v : Math.fround(x) !== n.v)
    throw new Mismatch(p + ': ' + show(o) + ' != ref ' + (n.k === 'f32' ?
      'float32 ' : '') + fmtFloat(n.v));
}

function cmpNode(n, o, p) {
  switch (n.k) {
    case 'obj': {
      if (!o || !o.obj)
        throw new Mismatch(p + ': not an object: ' + show(o).slice(0, 200));
      const keys = o.obj.map(([k]) => k);
      const want = n.e.map(([k]) => k);
      if (keys.join('\0') !== want.join('\0'))
        throw new Mismatch(p + ': keys ' + JSON.stringify(keys) + ' != ref ' +
          JSON.stringify(want));
      n.e.forEach(([k, v], j) => cmpNode(v, o.obj[j][1], p ? p + '.' + k :
        k));
      return;
    }
    case 'arr':
      if (!Array.isArray(o) || o.length !== n.items.length)
        throw new Mismatch(p + ': ' + (Array.isArray(o) ? 'a list of ' +
          o.length : show(o).slice(0, 200)) + ', ref a list of ' +
          n.items.length);
      n.items.forEach((x, j) => cmpNode(x, o[j], p + '[' + j + ']'));
      return;
    case 'bytes':
      if (opts.bytesLength && !n.fixed) {
        if (typeof o !== 'bigint' || o !== BigInt(n.v.length))
          throw new Mismatch(p + ': ' + show(o) + ' != length ' +
            n.v.length);
        return;
      }
      if (typeof o !== 'string')
        throw new Mismatch(p + ': ' + show(o).slice(0, 200) +
          ' is not base64');
      if (o !== b64(n.v)) {
        const got = Buffer.from(o, 'base64');
        throw new Mismatch(p + ': bytes differ (' + got.length + ' vs ref ' +
          n.v.length + ' bytes)');
      }
      return;
    case 'int':
      if (typeof o !== 'bigint' || o !== n.v)
        throw new Mismatch(p + ': ' + show(o) + ' != ref ' + n.v);
      return;
    case 'f32':
    case 'f64':
      cmpFloat(n, o, p);
      return;
    case 'bool':
      if (o !== n.v)
        throw new Mismatch(p + ': ' + show(o) + ' != ref ' + n.v);
      return;
    case 'str':
      if (o !== n.v)
        throw new Mismatch(p + ': ' + show(o) + ' != ref ' +
          JSON.stringify(n.v));
      return;
    case 'time':
      if (opts.secsNsecs) {
        if (!o || !o.obj || o.obj.length !== 2 || o.obj[0][0] !== 'sec' ||
            o.obj[1][0] !== 'nanosec' || o.obj[0][1] !== n.sec ||
            o.obj[1][1] !== n.nsec)
          throw new Mismatch(p + ': ' + show(o) + ' != ref {"sec":' + n.sec +
            ',"nanosec":' + n.nsec + '}');
      } else if (typeof o !== 'bigint' || o !== nsOf(n)) {
        throw new Mismatch(p + ': ' + show(o) + ' != ref ' + nsOf(n));
      }
      return;
  }
  throw new Error('bad node ' + n.k);
}

function printDiffs(errors) {
  for (const e of errors.slice(0, 10))
    process.stdout.write('DIFF ' + (e.length < 400 ? e : e.slice(0, 400) +
      '...') + '\n');
}

// ---- modes ------------------------------------------------------------------------

async function cmdJson() {
  const { msgs } = await load();
  const out = [];
  for (const m of msgs) {
    out.push('{"topic":' + JSON.stringify(m.topic) + ',"receive_ns":' + m.t +
      ',"msg":' + toJson(m.node) + '}\n');
    if (out.length >= 256) {
      process.stdout.write(out.join(''));
      out.length = 0;
    }
  }
  process.stdout.write(out.join(''));
  return 0;
}

async function cmdCompare(oursPath) {
  let text;
  try {
    text = fs.readFileSync(oursPath, 'utf8');
  } catch (e) {
    process.stdout.write('cannot read ours: ' + e.message + '\n');
    return 1;
  }
  const ours = new Map();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    if (!lines[ln].trim())
      continue;
    let obj;
    try {
      obj = parseJson(lines[ln]);
    } catch (e) {
      process.stdout.write('ours line ' + (ln + 1) + ' is not JSON: ' +
        e.message + ': ' + lines[ln].slice(0, 200) + '\n');
      return 1;
    }
    const keys = obj && obj.obj ? obj.obj.map(([k]) => k) : [];
    if (keys.join(',') !== 'topic,receive_ns,msg') {
      process.stdout.write('ours line ' + (ln + 1) + ': keys ' +
        JSON.stringify(keys) + ' (want topic, receive_ns, msg)\n');
      return 1;
    }
    const [topic, t, msg] = obj.obj.map(([, v]) => v);
    if (!ours.has(topic))
      ours.set(topic, []);
    ours.get(topic).push({ t, msg });
  }
  const { msgs } = await load();
  const ref = new Map();
  const types = new Set();
  for (const m of msgs) {
    if (!ref.has(m.topic))
      ref.set(m.topic, []);
    ref.get(m.topic).push(m);
    types.add(m.type);
  }
  const errors = [];
  const rk = [...ref.keys()].sort();
  const ok = [...ours.keys()].sort();
  if (rk.join('\0') !== ok.join('\0'))
    errors.push('topics ' + JSON.stringify(ok) + ' != ref ' +
      JSON.stringify(rk));
  let n = 0;
  const byT = (a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);
  for (const topic of rk) {
    const r = ref.get(topic);
    const o = (ours.get(topic) || []).slice().sort(byT);
    if (r.length !== o.length) {
      errors.push(topic + ': ' + o.length + ' messages, ref ' + r.length);
      continue;
    }
    for (let i = 0; i < r.length && errors.length < 10; i++) {
      n++;
      if (o[i].t !== r[i].t) {
        errors.push(topic + ' #' + i + ': receive_ns ' + show(o[i].t) +
          ' != ref ' + r[i].t);
        continue;
      }
      try {
        cmpNode(r[i].node, o[i].msg, '');
      } catch (e) {
        if (!(e instanceof Mismatch))
          throw e;
        // equal receive times may come in another order
        const alt = o.some((x, j) => {
          if (j === i || x.t !== r[i].t)
            return false;
          try {
            cmpNode(r[i].node, x.msg, '');
            return true;
          } catch (e2) {
            return false;
          }
        });
        if (!alt)
          errors.push(topic + ' #' + i + ': ' + e.message);
      }
    }
    if (errors.length >= 10)
      break;
  }
  process.stdout.write('compared ' + n + ' messages, ' + ref.size +
    ' topics, ' + types.size + ' types\n');
  printDiffs(errors);
  return errors.length ? 1 : 0;
}

// RFC 4180 rows (LF or CRLF between rows)
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let any = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      any = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      any = true;
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      any = false;
      i += c === '\r' ? 2 : 1;
    } else {
      cell += c;
      any = true;
      i++;
    }
  }
  if (any || cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

// [column, node, kind] with kind 'scalar' | 'array' (one JSON cell)
function csvFlatten(n, prefix, out) {
  for (const [name, v] of n.e)
    csvField(prefix + name, v, out);
}

function csvField(col, v, out) {
  if (v.k === 'obj') {
    csvFlatten(v, col + '.', out);
  } else if ((v.k === 'arr' || v.k === 'bytes') && !v.fixed) {
    out.push([col, v, 'array']);
  } else if (v.k === 'arr') {
    v.items.forEach((x, j) => csvField(col + '.' + j, x, out));
  } else if (v.k === 'bytes') {
    Array.from(v.v).forEach((x, j) => out.push([col + '.' + j,
      { k: 'int', v: BigInt(x) }, 'scalar']));
  } else if (v.k === 'time' && opts.secsNsecs) {
    out.push([col + '.sec', { k: 'int', v: v.sec }, 'scalar']);
    out.push([col + '.nanosec', { k: 'int', v: v.nsec }, 'scalar']);
  } else {
    out.push([col, v, 'scalar']);
  }
}

function cmpCell(n, kind, cell, p) {
  if (kind === 'array') {
    if (n.k === 'bytes') {
      if (opts.bytesLength) {
        if (cell !== String(n.v.length))
          throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != length ' +
            n.v.length);
      } else if (cell !== b64(n.v)) {
        throw new Mismatch(p + ': bytes differ');
      }
      return;
    }
    let o;
    try {
      o = parseJson(cell);
    } catch (e) {
      throw new Mismatch(p + ': cell ' + JSON.stringify(cell.slice(0, 80)) +
        ' is not JSON');
    }
    cmpNode(n, o, p);
    return;
  }
  switch (n.k) {
    case 'int':
      if (cell !== n.v.toString())
        throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != ref ' + n.v);
      return;
    case 'time':
      if (cell !== nsOf(n).toString())
        throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != ref ' +
          nsOf(n));
      return;
    case 'f32':
    case 'f64': {
      let good;
      if (Number.isNaN(n.v))
        good = cell === 'nan';
      else if (!Number.isFinite(n.v))
        good = cell === (n.v > 0 ? 'inf' : '-inf');
      else {
        const ok = /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(cell);
        const f = Number(cell);
        good = ok && (n.k === 'f64' ? f === n.v : Math.fround(f) === n.v);
      }
      if (!good)
        throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != ref ' +
          fmtFloat(n.v));
      return;
    }
    case 'bool':
      if (cell !== (n.v ? 'true' : 'false'))
        throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != ref ' + n.v);
      return;
    case 'str':
      if (cell !== n.v.replace(/\0/g, '\ufffd'))
        throw new Mismatch(p + ': ' + JSON.stringify(cell) + ' != ref ' +
          JSON.stringify(n.v));
      return;
  }
  throw new Error('bad node ' + n.k);
}

async function cmdCompareCsv(topic, oursPath) {
  let text;
  try {
    text = fs.readFileSync(oursPath, 'utf8');
  } catch (e) {
    process.stdout.write('cannot read ours: ' + e.message + '\n');
    return 1;
  }
  const rows = parseCsv(text);
  opts.topics = [topic];
  const { msgs } = await load();
  if (!rows.length) {
    process.stdout.write('ours is empty\n');
    return 1;
  }
  const header = rows[0];
  const body = rows.slice(1);
  const errors = [];
  if (body.length !== msgs.length)
    errors.push(body.length + ' rows, ref ' + msgs.length + ' messages');
  let ncols = 0;
  for (let i = 0; i < Math.min(body.length, msgs.length); i++) {
    const cols = [];
    csvFlatten(msgs[i].node, '', cols);
    const want = ['receive_ns', ...cols.map((c) => c[0])];
    ncols = want.length;
    if (header.join('\0') !== want.join('\0')) {
      errors.push('header ' + JSON.stringify(header.slice(0, 8)) + ' != ' +
        JSON.stringify(want.slice(0, 8)));
      break;
    }
    const row = body[i];
    if (row.length !== header.length) {
      errors.push('row ' + i + ': ' + row.length + ' cells, header ' +
        header.length);
      continue;
    }
    if (row[0] !== msgs[i].t.toString())
      errors.push('row ' + i + ': receive_ns ' + JSON.stringify(row[0]) +
        ' != ref ' + msgs[i].t);
    cols.forEach(([col, n, kind], j) => {
      try {
        cmpCell(n, kind, row[j + 1], 'row ' + i + ' ' + col);
      } catch (e) {
        if (!(e instanceof Mismatch))
          throw e;
        errors.push(e.message);
      }
    });
    if (errors.length >= 10)
      break;
  }
  process.stdout.write('compared ' + body.length + ' rows of ' + ncols +
    ' columns\n');
  printDiffs(errors);
  return errors.length ? 1 : 0;
}

async function cmdTopics() {
  const { info, failed } = await load();
  for (const { id, ch, sc, d } of info) {
    let dec = 'yes';
    if (!d.ok)
      dec = 'no (' + d.why + ')';
    else if (failed.has(id))
      dec = 'no (' + failed.get(id) + ')';
    process.stdout.write([ch.topic, sc ? sc.name : '', sc ? sc.encoding : '',
      ch.messageEncoding, dec].join('\t') + '\n');
  }
  return 0;
}

let rc;
if (mode === 'json')
  rc = await cmdJson();
else if (mode === 'compare')
  rc = await cmdCompare(rest[2]);
else if (mode === 'compare-csv')
  rc = await cmdCompareCsv(rest[2], rest[3]);
else
  rc = await cmdTopics();
process.exitCode = rc;
