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

// Writes the ROS 2 payload fixtures ros2-types.mcap, ros2-images.mcap and
// ros2-video.mcap (see tests/files/mcap/README.md for what each holds).
//
//   NODE_PATH=NPM_DIR/node_modules node tests/files/make-ros2-fixtures.mjs \
//       tests/files/mcap [NAME ...]
//
// NPM_DIR is where tests/files/npm-install.sh installed the pinned packages
// (e.g. build/tests/check/npm); `--npm NPM_DIR` may be given instead of
// NODE_PATH. NAMEs (types, images, video) limit which files are written.
// gst-launch-1.0 with videotestsrc, pngenc, jpegenc, x264enc (and x265enc,
// else /cam/video_h265 is left out, saying why) makes the JPEG, PNG, H.264
// and H.265 bytes in a temporary folder that is removed afterwards.
//
// Deterministic apart from what the encoders produce: fixed times from
// 1700000000 s, values from formulas, no clock, no randomness.
//
// Writing: @mcap/core McapWriter (profile ros2, zstd chunks by
// @foxglove/wasm-zstd, with a summary: chunk and message indexes,
// Statistics). Schemas are ros2msg text (the top type's .msg, then each
// dependency after 80 `=` and `MSG: pkg/msg/Type`, as rosbag2 writes them);
// /wrapper's schema uses the older `MSG: pkg/Type` heading on purpose.
//
// CDR payloads: @foxglove/rosmsg2-serialization's MessageWriter (3.1.0)
// cannot write big-endian CDR, and @foxglove/cdr's CdrWriter.string() sizes
// a string by its UTF-16 length (non-ASCII text comes out cut). So every
// payload here is written by the small writer below (CdrOut: the parsed
// definition walked over @foxglove/cdr's CdrWriter, kind CDR_LE or CDR_BE;
// strings written as their UTF-8 bytes, or as raw bytes where a fixture
// wants invalid UTF-8: the same bytes patching would give). The script
// asserts that, for every message whose strings are ASCII, CdrOut's
// little-endian bytes equal MessageWriter's, and that
// tests/files/rosmsg2-ref.mjs's MessageReader reads every message (LE and
// BE) back to the values written.

import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let npmDir = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--npm') {
    npmDir = argv[i + 1];
    argv.splice(i, 2);
    i--;
  }
}
const require = npmDir ?
  createRequire(path.join(path.resolve(npmDir), 'package.json')) :
  createRequire(import.meta.url);
const { McapWriter, McapStreamReader, TempBuffer } = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const { parse: parseMsgdef } = require('@foxglove/rosmsg');
const { MessageWriter, MessageReader } =
  require('@foxglove/rosmsg2-serialization');
const { CdrWriter, EncapsulationKind } = require('@foxglove/cdr');
const { parseIDL } = require('@foxglove/omgidl-parser');
const omgidl = require('@foxglove/omgidl-serialization');

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = argv[0] || path.join(here, 'mcap');
const only = argv.slice(1);

const BASE_NS = 1700000000n * 1000000000n;
const MS = 1000000n;
const SEP = '='.repeat(80);
const LIBRARY = 'gst-rosbag make-ros2-fixtures.mjs';

// ---- .msg texts (as in ros2/rcl_interfaces, ros2/common_interfaces) --------

const MSG = {
  'builtin_interfaces/msg/Time':
    '# This message communicates ROS Time defined here:\n' +
    '# https://design.ros2.org/articles/clock_and_time.html\n\n' +
    '# The seconds component, valid over all int32 values.\nint32 sec\n\n' +
    '# The nanoseconds component, valid in the range [0, 10e9).\n' +
    'uint32 nanosec\n',
  'builtin_interfaces/msg/Duration':
    '# Duration defines a period between two time points.\n' +
    '# Messages of this datatype are of ROS Time following this design:\n' +
    '# https://design.ros2.org/articles/clock_and_time.html\n\n' +
    '# Seconds component, range is valid over any possible int32 value.\n' +
    'int32 sec\n\n' +
    '# Nanoseconds component in the range of [0, 10e9).\nuint32 nanosec\n',
  'std_msgs/msg/Header':
    '# Standard metadata for higher-level stamped data types.\n' +
    '# This is generally used to communicate timestamped data\n' +
    '# in a particular coordinate frame.\n\n' +
    '# Two-integer timestamp that is expressed as seconds and nanoseconds.\n' +
    'builtin_interfaces/Time stamp\n\n' +
    '# Transform frame with which this data is associated.\n' +
    'string frame_id\n',
  'std_msgs/msg/Empty': '',
  'rosgraph_msgs/msg/Clock':
    '# This message communicates the current time.\n#\n' +
    '# For more information, see https://design.ros2.org/articles/' +
    'clock_and_time.html.\nbuiltin_interfaces/Time clock\n',
  'geometry_msgs/msg/Quaternion':
    '# This represents an orientation in free space in quaternion form.\n\n' +
    'float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n',
  'geometry_msgs/msg/Vector3':
    '# This represents a vector in free space.\n\n' +
    '# This is semantically different than a point.\n' +
    '# A vector is always anchored at the origin.\n' +
    'float64 x\nfloat64 y\nfloat64 z\n',
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
    '#  * the effort that is applied in the joint (Nm or N).\n#\n' +
    '# Each joint is uniquely identified by its name\n' +
    '# The header specifies the time at which the joint states were' +
    ' recorded. All the joint states\n# in one message have to be recorded' +
    ' at the same time.\n#\n' +
    '# This message consists of a multiple arrays, one for each part of the' +
    ' joint state.\n# The goal is to make each of the fields optional.' +
    ' When e.g. your joints have no\n# effort associated with them, you can' +
    ' leave the effort array empty.\n#\n' +
    '# All arrays in this message should have the same size, or be empty.\n' +
    '# This is the only way to uniquely associate the joint name with the' +
    ' correct\n# states.\n\n' +
    'std_msgs/Header header\n\nstring[] name\nfloat64[] position\n' +
    'float64[] velocity\nfloat64[] effort\n',
  'sensor_msgs/msg/Image':
    '# This message contains an uncompressed image\n' +
    '# (0, 0) is at top-left corner of image\n\n' +
    'std_msgs/Header header # Header timestamp should be acquisition time' +
    ' of image\n' +
    '                             # Header frame_id should be optical frame' +
    ' of camera\n\n' +
    'uint32 height                # image height, that is, number of rows\n' +
    'uint32 width                 # image width, that is, number of columns\n' +
    '\n# The legal values for encoding are in file src/image_encodings.cpp\n' +
    '# If you want to standardize a new string format, join\n' +
    '# ros-users@lists.ros.org and send an email proposing a new encoding.\n' +
    '\nstring encoding       # Encoding of pixels -- channel meaning,' +
    ' ordering, size\n' +
    '                      # taken from the list of strings in' +
    ' include/sensor_msgs/image_encodings.hpp\n\n' +
    'uint8 is_bigendian    # is this data bigendian?\n' +
    'uint32 step           # Full row length in bytes\n' +
    'uint8[] data          # actual matrix data, size is (step * rows)\n',
  'sensor_msgs/msg/CompressedImage':
    '# This message contains a compressed image.\n\n' +
    'std_msgs/Header header # Header timestamp should be acquisition time' +
    ' of image\n' +
    '                             # Header frame_id should be optical frame' +
    ' of camera\n\n' +
    'string format                # Specifies the format of the data\n' +
    '                             #   Acceptable values:\n' +
    '                             #     jpeg, png, tiff\n\n' +
    'uint8[] data                 # Compressed image buffer\n',
  'foxglove_msgs/msg/CompressedVideo':
    '# foxglove_msgs/CompressedVideo\n' +
    '# A single frame of a compressed video bitstream\n\n' +
    '# Generated by https://github.com/foxglove/schemas\n\n' +
    '# Timestamp of video frame\nbuiltin_interfaces/Time timestamp\n\n' +
    '# Frame of reference for the video.\nstring frame_id\n\n' +
    '# Compressed video frame data.\nuint8[] data\n\n' +
    '# Video format\nstring format\n',
  // the custom types of ros2-types.mcap
  'gst_rosbag_test/msg/Inner':
    '# a nested type, referenced by its bare name\n' +
    'int16 a\nstring label\nfloat32[2] xy\nbuiltin_interfaces/Time stamp\n',
  'gst_rosbag_test/msg/AllTypes':
    '# every builtin, every array kind, constants and default values\n' +
    'int32 X=5\nuint8 FLAG=1\n' +
    'string GREETING="hello # not a comment"\n' +
    'float64 PI=3.14159  # a comment\n' +
    'std_msgs/Header header\n' +
    'bool b\nbyte by\nchar ch\nint8 i8\nuint8 u8\nint16 i16\nuint16 u16\n' +
    'int32 i32\nuint32 u32\nint64 i64\nuint64 u64\nfloat32 f32\n' +
    'float64 f64\nstring s\n' +
    'int32 y 7\nstring sd "a"\nstring<=8 sb\n' +
    'bool[] bv\nbyte[] byv\nchar[] chv\nint8[] i8v\nuint8[] u8v\n' +
    'int16[] i16v\nuint16[] u16v\nint32[] i32v\nuint32[] u32v\n' +
    'int64[] i64v\nuint64[] u64v\nfloat32[] f32v\nfloat64[] f64v\n' +
    'string[] sv\n' +
    'bool[<=3] bb\nbyte[<=3] byb\nchar[<=3] chb\nint8[<=3] i8b\n' +
    'uint8[<=3] u8b\nint16[<=3] i16b\nuint16[<=3] u16b\nint32[<=3] i32b\n' +
    'uint32[<=3] u32b\nint64[<=3] i64b\nuint64[<=3] u64b\n' +
    'float32[<=3] f32b\nfloat64[<=3] f64b\nstring<=5[<=3] sbb\n' +
    'bool[2] bf\nbyte[2] byf\nchar[2] chf\nint8[2] i8f\nuint8[4] u8f\n' +
    'int16[2] i16f\nuint16[2] u16f\nint32[2] i32f\nuint32[2] u32f\n' +
    'int64[2] i64f\nuint64[2] u64f\nfloat32[2] f32f\nfloat64[2] f64f\n' +
    'string[2] sf\n' +
    'builtin_interfaces/Time t\nbuiltin_interfaces/Duration d\n' +
    'builtin_interfaces/Time[] tv\nbuiltin_interfaces/Duration[2] df\n' +
    'Inner inner\nInner[] inner_v\nInner[2] inner_f\nInner[<=2] inner_b\n' +
    'std_msgs/Empty empty\nint8 after_empty\n',
  'gst_rosbag_test/msg/Wrapper':
    '# older writers: dependencies headed MSG: pkg/Type, fields in both' +
    ' spellings\n' +
    'gst_rosbag_test/msg/Inner first\nInner[] more\n' +
    'std_msgs/msg/Header header\nuint64 big\n',
};

const DEPS = {
  'std_msgs/msg/Header': ['builtin_interfaces/msg/Time'],
  'rosgraph_msgs/msg/Clock': ['builtin_interfaces/msg/Time'],
  'sensor_msgs/msg/Imu': ['std_msgs/msg/Header',
    'geometry_msgs/msg/Quaternion', 'geometry_msgs/msg/Vector3'],
  'sensor_msgs/msg/JointState': ['std_msgs/msg/Header'],
  'sensor_msgs/msg/Image': ['std_msgs/msg/Header'],
  'sensor_msgs/msg/CompressedImage': ['std_msgs/msg/Header'],
  'foxglove_msgs/msg/CompressedVideo': ['builtin_interfaces/msg/Time'],
  'gst_rosbag_test/msg/Inner': ['builtin_interfaces/msg/Time'],
  'gst_rosbag_test/msg/AllTypes': ['std_msgs/msg/Header',
    'builtin_interfaces/msg/Duration', 'gst_rosbag_test/msg/Inner',
    'std_msgs/msg/Empty'],
  'gst_rosbag_test/msg/Wrapper': ['gst_rosbag_test/msg/Inner',
    'std_msgs/msg/Header'],
};

// the schema text: the type's .msg, then its dependencies depth first
function ros2msgSchema(type, oldSpelling = false) {
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
  for (const d of order) {
    const name = oldSpelling ? d.replace('/msg/', '/') : d;
    text += SEP + '\nMSG: ' + name + '\n' + MSG[d];
  }
  return text;
}

// what rosmsg 5.0.5 resolves (the same normalisation as rosmsg2-ref.mjs)
function normalise(text) {
  return text.split('\n').map((line) => {
    const m = /^MSG:\s*(\S+)(.*)$/.exec(line);
    if (m)
      return 'MSG: ' + m[1].replace(/^([^/\s]+)\/msg\//, '$1/') + m[2];
    return line.replace(/^(\s*)([A-Za-z_]\w*)\/msg\/([A-Za-z_]\w*)/,
      '$1$2/$3');
  }).join('\n');
}

// ---- CdrOut: a CDR writer over the parsed definition ----------------------------

const enc = new TextEncoder();

class Codec {
  constructor(schemaText) {
    this.defs = parseMsgdef(normalise(schemaText), { ros2: true });
    this.byName = new Map(this.defs.map((d) => [d.name ?? '',
      d.definitions]));
    this.root = this.defs[0].definitions;
    this.mw = new MessageWriter(this.defs);
    this.mr = new MessageReader(this.defs);
  }

  write(value, bigEndian = false) {
    const w = new CdrWriter({ kind: bigEndian ? EncapsulationKind.CDR_BE :
      EncapsulationKind.CDR_LE });
    this.#struct(this.root, value, w);
    return new Uint8Array(w.data);
  }

  #struct(fields, v, w) {
    const data = fields.filter((f) => !f.isConstant);
    if (data.length === 0) {
      w.uint8(0);
      return;
    }
    for (const f of data) {
      const x = v[f.name] ?? f.defaultValue;
      if (f.isArray) {
        const n = f.arrayLength ?? x.length;
        if (x.length !== n)
          throw new Error(f.name + ': ' + x.length + ' values for [' + n + ']');
        if (f.arrayLength === undefined)
          w.uint32(n);
        for (let i = 0; i < n; i++)
          this.#one(f, x[i], w);
      } else {
        this.#one(f, x, w);
      }
    }
  }

  #one(f, x, w) {
    if (f.isComplex) {
      this.#struct(this.byName.get(f.type), x, w);
      return;
    }
    switch (f.type) {
      case 'bool': w.uint8(x ? 1 : 0); break;
      case 'int8': w.int8(x); break;
      case 'uint8': w.uint8(x); break;
      case 'int16': w.int16(x); break;
      case 'uint16': w.uint16(x); break;
      case 'int32': w.int32(x); break;
      case 'uint32': w.uint32(x); break;
      case 'int64': w.int64(BigInt(x)); break;
      case 'uint64': w.uint64(BigInt(x)); break;
      case 'float32': w.float32(x); break;
      case 'float64': w.float64(x); break;
      case 'time':
      case 'duration':
        w.int32(x.sec);
        w.uint32(x.nanosec);
        break;
      case 'string': {
        const b = typeof x === 'string' ? enc.encode(x) : x;
        w.uint32(b.length + 1);
        for (const c of b)
          w.uint8(c);
        w.uint8(0);
        break;
      }
      default:
        throw new Error('CdrOut: type ' + f.type);
    }
  }
}

// ---- checks ------------------------------------------------------------------

function assert(cond, what) {
  if (!cond)
    throw new Error('fixture check failed: ' + what);
}

function allAscii(v) {
  if (typeof v === 'string')
    return /^[\x00-\x7f]*$/.test(v);
  if (ArrayBuffer.isView(v))
    return v.rawString !== true;
  if (Array.isArray(v))
    return v.every(allAscii);
  if (v && typeof v === 'object')
    return Object.values(v).every(allAscii);
  return true;
}

// deep equality of what MessageReader gives and what was written
function same(a, b) {
  if (typeof a === 'number' && typeof b === 'number')
    return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ||
      a === b;
  if (typeof a === 'bigint' || typeof b === 'bigint')
    return BigInt(a) === BigInt(b);
  if (typeof a === 'boolean' || typeof b === 'boolean')
    return Boolean(a) === Boolean(b);
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = Array.from(a);
    const y = Array.from(b);
    return x.length === y.length && x.every((v, i) => same(v, y[i]));
  }
  if (a && typeof a === 'object') {
    return Object.keys(a).every((k) => same(a[k], b[k]));
  }
  return a === b;
}

// the written value as MessageReader shows it (float32 rounded, strings as
// decoded, time as {sec, nanosec})
function expectOf(fields, v, byName) {
  const out = {};
  const data = fields.filter((f) => !f.isConstant);
  for (const f of data) {
    const x = v[f.name] ?? f.defaultValue;
    const one = (y) => {
      if (f.isComplex)
        return expectOf(byName.get(f.type), y, byName);
      if (f.type === 'float32')
        return Math.fround(y);
      if (f.type === 'string')
        return typeof y === 'string' ? y : new TextDecoder().decode(y);
      return y;
    };
    out[f.name] = f.isArray ? Array.from(x, one) : one(x);
  }
  return out;
}

function checkMessage(codec, value, bytes, bigEndian, what) {
  if (!bigEndian && allAscii(value)) {
    const ref = codec.mw.writeMessage(value);
    assert(Buffer.compare(Buffer.from(ref), Buffer.from(bytes)) === 0,
      what + ': CdrOut and MessageWriter differ');
  }
  assert(bytes[1] === (bigEndian ? 0 : 1), what + ': encapsulation');
  const got = codec.mr.readMessage(bytes);
  assert(codec.mr.lastReadByteLength() === bytes.length,
    what + ': MessageReader read ' + codec.mr.lastReadByteLength() + ' of ' +
    bytes.length + ' bytes');
  assert(same(expectOf(codec.root, value, codec.byName), got),
    what + ': MessageReader reads other values');
}

// ---- writing -------------------------------------------------------------------

const QOS = '- history: 3\n  depth: 0\n  reliability: 1\n  durability: 2\n' +
  '  deadline:\n    sec: 9223372036\n    nsec: 854775807\n' +
  '  lifespan:\n    sec: 9223372036\n    nsec: 854775807\n' +
  '  liveliness: 1\n  liveliness_lease_duration:\n    sec: 9223372036\n' +
  '    nsec: 854775807\n  avoid_ros_namespace_conventions: false';

// channels: [{topic, name, encoding, schema (text), messageEncoding}]
// msgs: [{topic, logTime, publishTime, data}] (written in this order)
async function writeMcap(channels, msgs, chunkSize = 65536) {
  await zstd.isLoaded;
  const buf = new TempBuffer();
  const w = new McapWriter({ writable: buf, chunkSize, startChannelId: 1,
    compressChunk: (data) => ({ compression: 'zstd',
      compressedData: zstd.compress(data, 19) }) });
  await w.start({ profile: 'ros2', library: LIBRARY });
  const schemaIds = new Map();
  const ids = new Map();
  for (const c of channels) {
    const key = c.name + '\0' + c.encoding + '\0' + c.schema;
    if (!schemaIds.has(key))
      schemaIds.set(key, await w.registerSchema({ name: c.name,
        encoding: c.encoding, data: enc.encode(c.schema) }));
    ids.set(c.topic, await w.registerChannel({ schemaId: schemaIds.get(key),
      topic: c.topic, messageEncoding: c.messageEncoding || 'cdr',
      metadata: new Map([['offered_qos_profiles', QOS]]) }));
  }
  const seq = new Map();
  for (const m of msgs) {
    const id = ids.get(m.topic);
    assert(id !== undefined, 'no channel for ' + m.topic);
    const s = (seq.get(id) || 0) + 1;
    seq.set(id, s);
    await w.addMessage({ channelId: id, sequence: s, logTime: m.logTime,
      publishTime: m.publishTime ?? m.logTime, data: m.data });
  }
  await w.end();
  const bytes = buf.get();
  // read back: every message, CRCs checked
  const r = new McapStreamReader({ validateCrcs: true, decompressHandlers: {
    zstd: (b, size) => zstd.decompress(b, Number(size)) } });
  r.append(bytes);
  let n = 0;
  let footer;
  for (let rec; (rec = r.nextRecord());) {
    if (rec.type === 'Message')
      n++;
    if (rec.type === 'Footer')
      footer = rec;
  }
  assert(r.done() && n === msgs.length, 'read back ' + n + ' of ' +
    msgs.length + ' messages');
  assert(footer && footer.summaryStart !== 0n, 'a summary');
  return bytes;
}

function stamp(ns) {
  const s = ns / 1000000000n;
  return { sec: Number(s), nanosec: Number(ns - s * 1000000000n) };
}

// ---- ros2-types.mcap -----------------------------------------------------------

// the bytes of /all_types' `s`, one per message (invalid UTF-8 included)
const ODD_STRINGS = [
  'plain',
  'quote " backslash \\ slash / comma , semicolon ;',
  'new\nline\r\ttab \x01\x1f\x7f end',
  'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80',
  'bad \xff byte',
  'lone \xc3 lead',
  'surrogate \xed\xa0\x80 x',
  'too big \xf4\x90\x80\x80 x',
  'overlong \xc0\xaf x',
  'cut at end \xe2\x82',
  '',
  'nul\x00inside',
].map((s) => Object.assign(Uint8Array.from(s, (c) => c.charCodeAt(0)),
  { rawString: true }));

const I64 = [-(2n ** 63n), 2n ** 63n - 1n, -1n, 10n ** 15n, 2n ** 53n + 1n,
  -(2n ** 53n) - 1n];
const U64 = [0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 12345n, 2n ** 63n];
const F32 = [0.1, -0.0, Infinity, -Infinity, NaN, 3.4028234663852886e38,
  1e-45, 1.1754943508222875e-38, 16777217.0, -2.5, 1e10, 0.0];
const F64 = [0.1, -0.0, Infinity, -Infinity, NaN, 1.7976931348623157e308,
  5e-324, 2.2250738585072014e-308, 2 ** 53 + 1, -2.5, 1e22, 1 / 3];
const pick = (a, k) => a[k % a.length];

function allTypes(k, ascii) {
  const t0 = BASE_NS / 1000000000n;
  const inner = (i, label) => ({ a: [-32768, 32767, -i, i][i % 4],
    label, xy: [0.5 * i, -1.25], stamp: { sec: i, nanosec: i * 1000 } });
  const n = k % 4;
  const range = (m, f) => Array.from({ length: m }, (_, i) => f(i));
  return {
    header: { stamp: { sec: Number(t0) + k, nanosec: 123456789 },
      frame_id: 'frame_' + k },
    b: k % 2 === 1,
    by: pick([0, 255, 128, 7], k),
    ch: pick([0, 255, 65, 10], k),
    i8: pick([-128, 127, -1, 0], k),
    u8: pick([0, 255, 128, 7], k),
    i16: pick([-32768, 32767, -2, 3], k),
    u16: pick([0, 65535, 1234, 7], k),
    i32: pick([-2147483648, 2147483647, -1, 42], k),
    u32: pick([0, 4294967295, 99, 1], k),
    i64: pick(I64, k),
    u64: pick(U64, k),
    f32: pick(F32, k),
    f64: pick(F64, k),
    s: ascii ? 'plain ' + k : ODD_STRINGS[k],
    y: k === 0 ? undefined : -k,    // undefined: the default, 7
    sd: k % 3 === 0 ? undefined : 'sd' + k,
    sb: 'bound' + k,
    bv: range(n, (i) => (i + k) % 2 === 0),
    byv: range(n + 1, (i) => (250 + i * 3 + k) % 256),
    chv: range(n, (i) => 65 + i),
    i8v: range(n, (i) => -128 + i * 85),
    u8v: range(k * 3, (i) => (i * 37 + k) % 256),
    i16v: range(n, (i) => -32768 + i * 21845),
    u16v: range(n, (i) => 65535 - i),
    i32v: range(n, (i) => -2147483648 + i),
    u32v: range(n, (i) => 4294967295 - i),
    i64v: range(n + 1, (i) => pick(I64, i + k)),
    u64v: range(n + 1, (i) => pick(U64, i + k)),
    f32v: [...range(n, (i) => i / 3), ...(k % 3 === 0 ? [NaN, -Infinity] :
      [])],
    f64v: [...range(n, (i) => i / 7), ...(k % 3 === 1 ? [Infinity, -0.0] :
      [])],
    sv: [...range(n, (i) => 'v' + i), ...(k % 2 ? ['a,b "c"'] : [])],
    bb: range(n % 4, (i) => i !== 1),
    byb: range(n % 4, (i) => 200 + i),
    chb: range(n % 4, (i) => 97 + i),
    i8b: range(n % 4, (i) => -i),
    u8b: range(n % 4, (i) => 255 - i),
    i16b: range(n % 4, (i) => -300 * i),
    u16b: range(n % 4, (i) => 300 * i),
    i32b: range(n % 4, (i) => -70000 * i),
    u32b: range(n % 4, (i) => 70000 * i),
    i64b: range(n % 4, (i) => pick(I64, i)),
    u64b: range(n % 4, (i) => pick(U64, i + 1)),
    f32b: range(n % 4, (i) => pick(F32, i + k)),
    f64b: range(n % 4, (i) => pick(F64, i + k)),
    sbb: range(n % 4, (i) => 'ab' + i),
    bf: [true, k % 2 === 0],
    byf: [255, k],
    chf: [0, 90],
    i8f: [-128, k],
    u8f: [k, 255, 0, 128],
    i16f: [-32768, k],
    u16f: [65535, k],
    i32f: [-2147483648, k],
    u32f: [4294967295, k],
    i64f: [pick(I64, k), pick(I64, k + 1)],
    u64f: [pick(U64, k), 2n ** 64n - 1n],
    f32f: [pick(F32, k + 1), 1.5],
    f64f: [pick(F64, k + 2), -1e-300],
    sf: ['fixed', k % 2 ? 'with\nnewline' : ''],
    t: pick([{ sec: 0, nanosec: 0 }, { sec: 2147483647, nanosec: 999999999 },
      { sec: -5, nanosec: 1 }, { sec: Number(t0), nanosec: 5 }], k),
    d: pick([{ sec: -1, nanosec: 500000000 },
      { sec: -2147483648, nanosec: 0 },
      { sec: 2147483647, nanosec: 999999999 }, { sec: 0, nanosec: 0 },
      { sec: -3, nanosec: 999999999 }], k),
    tv: range(k % 3, (i) => ({ sec: i - 1, nanosec: i * 1000 })),
    df: [{ sec: -k, nanosec: 0 }, { sec: 0, nanosec: k }],
    inner: inner(k, 'inner ' + k),
    inner_v: range(n, (i) => inner(i, 'v' + i)),
    inner_f: [inner(1, 'f0'), inner(2, 'f1,"q"')],
    inner_b: range(k % 3, (i) => inner(i + 5, 'b' + i)),
    empty: {},
    after_empty: -k,
  };
}

async function fixtureTypes() {
  const chans = [];
  const msgs = [];
  const codecs = new Map();
  const add = (topic, type, opts = {}) => {
    const text = ros2msgSchema(type, opts.oldSpelling);
    chans.push({ topic, name: type, encoding: 'ros2msg', schema: text });
    codecs.set(topic, new Codec(text));
  };
  const put = (topic, t, value, bigEndian = false) => {
    const c = codecs.get(topic);
    const data = c.write(value, bigEndian);
    checkMessage(c, value, data, bigEndian, topic + ' @' + t);
    msgs.push({ topic, logTime: t, publishTime: t - 2n * MS, data });
  };
  add('/all_types', 'gst_rosbag_test/msg/AllTypes');
  add('/all_types_be', 'gst_rosbag_test/msg/AllTypes');
  add('/wrapper', 'gst_rosbag_test/msg/Wrapper', { oldSpelling: true });
  add('/empty', 'std_msgs/msg/Empty');
  add('/clock', 'rosgraph_msgs/msg/Clock');
  add('/joint_states', 'sensor_msgs/msg/JointState');
  add('/imu', 'sensor_msgs/msg/Imu');

  for (let k = 0; k < ODD_STRINGS.length; k++)
    put('/all_types', BASE_NS + BigInt(k) * 100n * MS, allTypes(k, false));
  // big-endian (even k) and little-endian (odd k) messages on one topic
  for (let k = 0; k < 6; k++)
    put('/all_types_be', BASE_NS + BigInt(k) * 100n * MS + 10n * MS,
      allTypes(k, true), k % 2 === 0);
  for (let k = 0; k < 4; k++) {
    const t = BASE_NS + BigInt(k) * 250n * MS + 20n * MS;
    put('/wrapper', t, {
      first: { a: k, label: 'first ' + k, xy: [k, -k],
        stamp: { sec: k, nanosec: 7 } },
      more: Array.from({ length: k }, (_, i) => ({ a: -i, label: 'm' + i,
        xy: [0.25, i], stamp: { sec: -i, nanosec: 999999999 } })),
      header: { stamp: stamp(t - 5n * MS), frame_id: 'grüße ' + k },
      big: pick(U64, k + 1),
    });
  }
  for (let k = 0; k < 3; k++)
    put('/empty', BASE_NS + BigInt(k) * 400n * MS + 30n * MS, {});
  for (let k = 0; k < 5; k++) {
    const t = BASE_NS + BigInt(k) * 200n * MS + 40n * MS;
    put('/clock', t, { clock: stamp(t - 40n * MS) });
  }
  const names = ['shoulder', 'elbow', 'wrist'];
  for (let k = 0; k < 50; k++) {
    const t = BASE_NS + BigInt(k) * 20n * MS + 1500000n;
    put('/joint_states', t, {
      header: { stamp: stamp(t - 1500000n), frame_id: '' },
      name: names,
      position: names.map((_, j) => j * 0.5 + k * 0.01),
      velocity: names.map((_, j) => (k % 7) * 0.125 - j),
      effort: k % 10 === 0 ? [] : names.map((_, j) => j + k / 8),
    });
  }
  const cov = [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01];
  for (let k = 0; k < 50; k++) {
    const t = BASE_NS + BigInt(k) * 20n * MS + 2500000n;
    put('/imu', t, {
      header: { stamp: stamp(t - 2500000n), frame_id: 'imu_link' },
      orientation: { x: 0, y: 0, z: k / 100, w: 1 - k / 1000 },
      orientation_covariance: cov,
      angular_velocity: { x: 0.001 * k, y: -0.002 * k, z: 0.5 },
      angular_velocity_covariance: cov,
      linear_acceleration: { x: 0.1, y: -0.05 * (k % 3), z: 9.81 },
      linear_acceleration_covariance: [-1, 0, 0, 0, 0, 0, 0, 0, 0],
    });
  }
  // file order = time order here except that topics interleave
  msgs.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ?
    1 : 0));
  return writeMcap(chans, msgs, 8192);
}

// ---- gst-launch-1.0 -------------------------------------------------------------

let tmp;
function tmpdir() {
  if (!tmp)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'make-ros2-fixtures-'));
  return tmp;
}

function gst(args) {
  execFileSync('gst-launch-1.0', ['-q', ...args], { stdio: ['ignore',
    'ignore', 'inherit'] });
}

function gstEncode(caps, encoder, name) {
  const p = path.join(tmpdir(), name);
  gst(['videotestsrc', 'num-buffers=1', 'pattern=smpte', '!', caps, '!',
    encoder, '!', 'filesink', 'location=' + p]);
  return new Uint8Array(fs.readFileSync(p));
}

// one access unit per file
function gstVideo(encoderArgs, caps, prefix, n) {
  const dir = path.join(tmpdir(), prefix);
  fs.mkdirSync(dir);
  gst(['videotestsrc', 'num-buffers=' + n, 'pattern=ball', '!',
    'video/x-raw,width=320,height=240,framerate=30/1', '!', ...encoderArgs,
    '!', caps, '!', 'multifilesink',
    'location=' + path.join(dir, 'f%05d.bin')]);
  const files = fs.readdirSync(dir).sort();
  assert(files.length === n, prefix + ': ' + files.length + ' AUs, want ' +
    n);
  return files.map((f) => new Uint8Array(fs.readFileSync(path.join(dir,
    f))));
}

// NAL unit types of an Annex B access unit
function nalTypes(au, h265) {
  const out = [];
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1) {
      out.push(h265 ? (au[i + 3] >> 1) & 0x3f : au[i + 3] & 0x1f);
      i += 2;
    }
  }
  return out;
}

const isKey = (au, h265) => nalTypes(au, h265).some((t) => (h265 ? t >= 16 &&
  t <= 21 : t === 5));

// ---- ros2-images.mcap ------------------------------------------------------------

const BPP = { rgb8: 3, bgr8: 3, rgba8: 4, mono8: 1, mono16: 2, '16UC1': 2,
  bayer_rggb8: 1 };

// pixel data with a pattern (no zeros), rows `step` bytes apart, padding
// bytes 0xEE
function pixels(encoding, bigEndian, w, h, step, frame) {
  const bpp = BPP[encoding];
  const out = new Uint8Array(step * h).fill(0xee);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * step + x * bpp;
      if (bpp === 2) {
        const v = (x * 1000 + y * 4000 + frame * 77 + 1) & 0xffff;
        out[o + (bigEndian ? 0 : 1)] = v >> 8;
        out[o + (bigEndian ? 1 : 0)] = v & 0xff;
      } else {
        for (let c = 0; c < bpp; c++)
          out[o + c] = (x * 29 + y * 53 + c * 85 + frame * 7 + 1) & 0xff;
      }
    }
  }
  return out;
}

async function fixtureImages() {
  const imgText = ros2msgSchema('sensor_msgs/msg/Image');
  const cmpText = ros2msgSchema('sensor_msgs/msg/CompressedImage');
  const img = new Codec(imgText);
  const cmp = new Codec(cmpText);
  const chans = [];
  const msgs = [];
  const OFFSET = 5n * MS;  // header.stamp = log_time - 5 ms
  const put = (codec, topic, t, value) => {
    const data = codec.write(value);
    checkMessage(codec, value, data, false, topic);
    msgs.push({ topic, logTime: t, publishTime: t - OFFSET, data });
  };
  const cases = [
    // topic, encoding, is_bigendian, width, height
    ['/img/rgb8', 'rgb8', 0, 5, 3],
    ['/img/bgr8', 'bgr8', 0, 7, 5],
    ['/img/mono8', 'mono8', 0, 5, 3],
    ['/img/mono16', 'mono16', 0, 7, 5],
    ['/img/16UC1', '16UC1', 0, 5, 3],
    ['/img/16UC1_be', '16UC1', 1, 5, 3],
    ['/img/rgba8', 'rgba8', 0, 3, 3],
    ['/img/bayer_rggb8', 'bayer_rggb8', 0, 16, 12],
  ];
  for (const [topic] of cases)
    chans.push({ topic, name: 'sensor_msgs/msg/Image', encoding: 'ros2msg',
      schema: imgText });
  for (const topic of ['/cmp/jpeg', '/cmp/png', '/cmp/depth_png'])
    chans.push({ topic, name: 'sensor_msgs/msg/CompressedImage',
      encoding: 'ros2msg', schema: cmpText });
  for (const topic of ['/cam_left/image_raw', '/cam_right/image_raw'])
    chans.push({ topic, name: 'sensor_msgs/msg/Image', encoding: 'ros2msg',
      schema: imgText });

  let t = BASE_NS;
  let frame = 0;
  for (const [topic, encoding, be, w, h] of cases) {
    // message 0: the tightest step; message 1: padded by 5 bytes
    for (const pad of [0, 5]) {
      t += 10n * MS;
      const step = w * BPP[encoding] + pad;
      put(img, topic, t, { header: { stamp: stamp(t - OFFSET),
        frame_id: 'camera' }, height: h, width: w, encoding,
      is_bigendian: be, step, data: pixels(encoding, be, w, h, step,
        frame++) });
    }
  }
  const rgb = 'video/x-raw,format=RGB,width=32,height=24';
  const jpeg = gstEncode(rgb, 'jpegenc', 'a.jpg');
  const png = gstEncode(rgb, 'pngenc', 'a.png');
  const depth = gstEncode('video/x-raw,format=GRAY16_BE,width=16,height=12',
    'pngenc', 'd.png');
  assert(jpeg[0] === 0xff && jpeg[1] === 0xd8, 'a JPEG');
  assert(png[1] === 0x50 && depth[1] === 0x50, 'PNGs');
  // compressedDepth: int32 format (0 = INV_DEPTH), float32 depth_param[2]
  const hdr = new Uint8Array(12);
  new DataView(hdr.buffer).setInt32(0, 0, true);
  const depthData = new Uint8Array(12 + depth.length);
  depthData.set(hdr);
  depthData.set(depth, 12);
  for (const [topic, format, data] of [['/cmp/jpeg', 'jpeg', jpeg],
    ['/cmp/png', 'png', png],
    ['/cmp/depth_png', '16UC1; compressedDepth png', depthData]]) {
    for (let k = 0; k < 2; k++) {
      t += 10n * MS;
      put(cmp, topic, t, { header: { stamp: stamp(t - OFFSET),
        frame_id: 'camera' }, format, data });
    }
  }
  // two cameras, 10 frames at 10 Hz, right 1-3 ms after left
  const camStart = BASE_NS + 1000n * MS;
  for (let k = 0; k < 10; k++) {
    const tl = camStart + BigInt(k) * 100n * MS;
    const tr = tl + BigInt(1 + (k % 3)) * MS;
    for (const [topic, tt, id] of [['/cam_left/image_raw', tl, 'left'],
      ['/cam_right/image_raw', tr, 'right']]) {
      put(img, topic, tt, { header: { stamp: stamp(tt - OFFSET),
        frame_id: 'cam_' + id }, height: 24, width: 32, encoding: 'rgb8',
      is_bigendian: 0, step: 96, data: pixels('rgb8', 0, 32, 24, 96,
        k + (id === 'right' ? 50 : 0)) });
    }
  }
  msgs.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ?
    1 : 0));
  return writeMcap(chans, msgs);
}

// ---- ros2-video.mcap ---------------------------------------------------------------

const CV_IDL =
  '// foxglove.CompressedVideo as foxglove/schemas defines it (omgidl),\n' +
  '// with foxglove::Time flattened in front, as an MCAP schema carries it\n' +
  'module foxglove {\n\nstruct Time {\n  uint32 sec;\n  uint32 nsec;\n};\n\n' +
  '};\n\n' +
  'module foxglove {\n\n// A single frame of a compressed video bitstream\n' +
  'struct CompressedVideo {\n  // Timestamp of video frame\n' +
  '  Time timestamp;\n\n  // Frame of reference for the video\n' +
  '  string frame_id;\n\n  // Compressed video frame data\n' +
  '  sequence<uint8> data;\n\n  // Video format\n  string format;\n};\n\n' +
  '};\n';

async function fixtureVideo() {
  const text = ros2msgSchema('foxglove_msgs/msg/CompressedVideo');
  const cv = new Codec(text);
  const idlDefs = parseIDL(CV_IDL);
  const idlW = new omgidl.MessageWriter('foxglove::CompressedVideo', idlDefs,
    { kind: EncapsulationKind.CDR_LE });
  const idlR = new omgidl.MessageReader('foxglove::CompressedVideo', idlDefs);
  const h264 = gstVideo(['x264enc', 'key-int-max=10', 'bframes=0',
    'tune=zerolatency'], 'video/x-h264,stream-format=byte-stream,' +
    'alignment=au,profile=high', 'h264', 30);
  h264.forEach((au, i) => assert(isKey(au, false) === (i % 10 === 0),
    'h264 AU ' + i + (isKey(au, false) ? ' is' : ' is not') +
    ' a keyframe'));
  let h265 = null;
  const probe = spawnSync('gst-inspect-1.0', ['x265enc'], { stdio: 'ignore' });
  if (probe.status === 0) {
    h265 = gstVideo(['x265enc', 'key-int-max=10', 'tune=zerolatency',
      'option-string=bframes=0'], 'video/x-h265,stream-format=byte-stream,' +
      'alignment=au', 'h265', 30);
    h265.forEach((au, i) => assert(isKey(au, true) === (i % 10 === 0),
      'h265 AU ' + i + (isKey(au, true) ? ' is' : ' is not') +
      ' a keyframe'));
  } else {
    process.stderr.write('make-ros2-fixtures: no /cam/video_h265: ' +
      'gst-inspect-1.0 x265enc fails (x265enc is not installed)\n');
  }
  const chans = [
    { topic: '/cam/video', name: 'foxglove_msgs/msg/CompressedVideo',
      encoding: 'ros2msg', schema: text },
    { topic: '/cam/video_late', name: 'foxglove_msgs/msg/CompressedVideo',
      encoding: 'ros2msg', schema: text },
  ];
  if (h265)
    chans.push({ topic: '/cam/video_h265',
      name: 'foxglove_msgs/msg/CompressedVideo', encoding: 'ros2msg',
      schema: text });
  chans.push({ topic: '/cam/video_idl', name: 'foxglove.CompressedVideo',
    encoding: 'omgidl', schema: CV_IDL });
  const msgs = [];
  const OFFSET = 5n * MS;
  const FRAME = 33n * MS;
  const put = (topic, t, au, format) => {
    const v = { timestamp: stamp(t - OFFSET), frame_id: 'cam', data: au,
      format };
    const data = cv.write(v);
    checkMessage(cv, v, data, false, topic);
    msgs.push({ topic, logTime: t, publishTime: t - OFFSET, data });
  };
  h264.forEach((au, i) => put('/cam/video', BASE_NS + BigInt(i) * FRAME, au,
    'h264'));
  // starts at AU 3: messages 0-6 are not keyframes, message 7 (AU 10) is
  h264.slice(3).forEach((au, i) => put('/cam/video_late', BASE_NS + 2n * MS +
    BigInt(i + 3) * FRAME, au, 'h264'));
  if (h265)
    h265.forEach((au, i) => put('/cam/video_h265', BASE_NS + 1n * MS +
      BigInt(i) * FRAME, au, 'h265'));
  h264.forEach((au, i) => {
    const t = BASE_NS + 3n * MS + BigInt(i) * FRAME;
    const st = stamp(t - OFFSET);
    const v = { timestamp: { sec: st.sec, nsec: st.nanosec }, frame_id: 'cam',
      data: au, format: 'h264' };
    const data = idlW.writeMessage(v);
    const back = idlR.readMessage(data);
    assert(back.timestamp.nsec === st.nanosec && back.format === 'h264' &&
      Buffer.compare(Buffer.from(back.data), Buffer.from(au)) === 0,
    'omgidl read back');
    msgs.push({ topic: '/cam/video_idl', logTime: t, publishTime: t - OFFSET,
      data });
  });
  msgs.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ?
    1 : 0));
  return writeMcap(chans, msgs);
}

// ---- main ----------------------------------------------------------------------------

const fixtures = { types: ['ros2-types.mcap', fixtureTypes],
  images: ['ros2-images.mcap', fixtureImages],
  video: ['ros2-video.mcap', fixtureVideo] };

try {
  fs.mkdirSync(outdir, { recursive: true });
  for (const [name, [file, make]] of Object.entries(fixtures)) {
    if (only.length && !only.includes(name))
      continue;
    const bytes = await make();
    const p = path.join(outdir, file);
    fs.writeFileSync(p, bytes);
    process.stdout.write('wrote ' + p + ' (' + bytes.length + ' bytes)\n');
  }
} finally {
  if (tmp)
    fs.rmSync(tmp, { recursive: true, force: true });
}
