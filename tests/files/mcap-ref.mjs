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

// The independent MCAP reference: what @mcap/core reads from a file.
//
//   NODE_PATH=NPM_DIR/node_modules node tests/files/mcap-ref.mjs FILE \
//       [--conformance|--messages]
//
// NPM_DIR is where tests/files/npm-install.sh installed the pinned packages
// (require() below honours NODE_PATH).
//
// The file is read with McapStreamReader (validateCrcs: true; zstd and lz4
// chunks decompressed by @foxglove/wasm-zstd and @foxglove/wasm-lz4); the
// messages are taken in file order and stable-sorted by log_time. It prints
// what `mcap-dump --summary` prints (default) or `mcap-dump --conformance`
// (see the comment at the top of tests/check/mcap-dump.c):
//
//   --summary: {"format":"mcap","indexed":B,"messages":N,"start_ns":S,
//     "end_ns":E,"topics":[{"name","type","schema_encoding",
//     "message_encoding","count","channels","sha256"}, ...]}
//     topics sorted by name (bytes), channels of one name merged, every
//     Channel record of the file counted (also those only in the summary,
//     with count 0); "indexed" = the footer has a summary; sha256 over the
//     topic's messages in that order, each u64 LE log_time, u64 LE
//     publish_time, u32 LE data length, data.
//   --conformance: {"messages":[{"channel_id","topic","log_time",
//     "publish_time","sequence","data":[...]}],"metadata":[names],
//     "attachments":[names]}, numbers as decimal strings.
//   --messages: the summary plus "list": every message in that order as
//     [topic, log_time (a decimal string), size, sha256 of the data], and
//     "qos": {topic: the offered_qos_profiles metadata of its first
//     channel} (test_rosbag2_ref.py merges a rosbag2 directory's files);
//     with --hex each entry also has the data in hex (rosbag2's MESSAGE
//     mode: the caller decompresses it).
//
// A file that stops early (cut off, a bad record, a CRC mismatch) is read
// as a streaming reader does: what was read before the problem is reported,
// and "warning: ..." goes to stderr; exit 0. A file whose header cannot be
// read at all: "error: ..." on stderr, exit 1.
//
// Where the footer has a summary, McapIndexedReader reads the file too and
// its message count (total and per topic) must equal the streamed one, or a
// "warning:" says so. Files whose summary cannot locate the messages (no
// chunk indexes, or chunk indexes without message indexes) are not
// cross-checked; a "note:" on stderr says so.

import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';

const require = createRequire(import.meta.url);
const { McapStreamReader, McapIndexedReader } = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const lz4 = require('@foxglove/wasm-lz4');

function usage() {
  process.stderr.write('usage: mcap-ref.mjs FILE' +
    ' [--conformance|--messages [--hex]]\n');
  process.exit(2);
}

const MODES = ['--summary', '--conformance', '--messages', '--hex'];
const args = process.argv.slice(2);
const conformance = args.includes('--conformance');
const listing = args.includes('--messages');
const files = args.filter((a) => !MODES.includes(a));
if (files.length !== 1 || args.some((a) => a.startsWith('--') &&
    !MODES.includes(a)))
  usage();
const file = files[0];

const warn = (s) => process.stderr.write('warning: ' + s + '\n');
const note = (s) => process.stderr.write('note: ' + s + '\n');

await zstd.isLoaded;
await lz4.isLoaded;
const decompressHandlers = {
  zstd: (buf, size) => zstd.decompress(buf, Number(size)),
  lz4: (buf, size) => lz4(buf, Number(size)),
};

let bytes;
try {
  bytes = new Uint8Array(fs.readFileSync(file));
} catch (e) {
  process.stderr.write('error: ' + file + ': ' + e.message + '\n');
  process.exit(1);
}

// ---- the streamed pass -----------------------------------------------------

const schemas = new Map();
const channels = new Map();
const messages = [];
const metadata = [];
const attachments = [];
let header;
let footer;
let chunks = 0;

const reader = new McapStreamReader({ validateCrcs: true, includeChunks: true,
  decompressHandlers });
try {
  reader.append(bytes);
  for (let rec; (rec = reader.nextRecord());) {
    switch (rec.type) {
      case 'Header':
        header = rec;
        break;
      case 'Schema':
        if (!schemas.has(rec.id))
          schemas.set(rec.id, rec);
        break;
      case 'Channel':
        // the reader itself fails on a differing record of the same id
        if (!channels.has(rec.id))
          channels.set(rec.id, rec);
        break;
      case 'Message':
        messages.push(rec);
        break;
      case 'Metadata':
        metadata.push(rec.name);
        break;
      case 'Attachment':
        attachments.push(rec.name);
        break;
      case 'Chunk':
        chunks++;
        break;
      case 'Footer':
        footer = rec;
        break;
      default:
        break;
    }
  }
  if (!reader.done())
    warn(file + ': the file ends before its footer (' +
      reader.bytesRemaining() + ' bytes of an incomplete record)');
} catch (e) {
  if (!header) {
    process.stderr.write('error: ' + file + ': ' + e.message + '\n');
    process.exit(1);
  }
  warn(file + ': ' + e.message + ' (reading stopped; ' + messages.length +
    ' messages read before)');
}
if (!header) {
  process.stderr.write('error: ' + file + ': no MCAP header\n');
  process.exit(1);
}

// stable: equal log times keep file order
messages.sort((a, b) => (a.logTime < b.logTime ? -1 :
  a.logTime > b.logTime ? 1 : 0));

// ---- output ----------------------------------------------------------------

// JSON with exact 64-bit integers (BigInt as digits)
function toJson(v) {
  if (typeof v === 'bigint')
    return v.toString();
  if (Array.isArray(v))
    return '[' + v.map(toJson).join(',') + ']';
  if (v !== null && typeof v === 'object')
    return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' +
      toJson(x)).join(',') + '}';
  return JSON.stringify(v);
}

function topicOf(id) {
  const ch = channels.get(id);
  return ch ? ch.topic : undefined;
}

function summary() {
  const topics = new Map();
  const ids = [...channels.keys()];
  for (const id of ids) {
    const ch = channels.get(id);
    const sc = ch.schemaId === 0 ? undefined : schemas.get(ch.schemaId);
    if (ch.schemaId !== 0 && !sc)
      warn(file + ': channel ' + id + ' refers to schema ' + ch.schemaId +
        ', which is not in the file');
    const type = sc ? sc.name : '';
    const enc = sc ? sc.encoding : '';
    let t = topics.get(ch.topic);
    if (!t) {
      t = { name: ch.topic, type, schema_encoding: enc,
        message_encoding: ch.messageEncoding, count: 0, channels: 0,
        hash: crypto.createHash('sha256') };
      topics.set(ch.topic, t);
    } else if (t.type !== type || t.schema_encoding !== enc ||
        t.message_encoding !== ch.messageEncoding) {
      warn(file + ': channels of ' + ch.topic + ' differ in type or' +
        ' encoding; the first one is reported');
    }
    t.channels++;
  }
  for (const m of messages) {
    const t = topics.get(topicOf(m.channelId));
    const head = Buffer.alloc(20);
    head.writeBigUInt64LE(m.logTime, 0);
    head.writeBigUInt64LE(m.publishTime, 8);
    head.writeUInt32LE(m.data.length, 16);
    t.hash.update(head);
    t.hash.update(m.data);
    t.count++;
  }
  // sorted: the first and last log times are the min and max
  const start = messages.length ? messages[0].logTime : 0n;
  const end = messages.length ? messages[messages.length - 1].logTime : 0n;
  const list = [...topics.values()].sort((a, b) =>
    Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  return {
    format: 'mcap',
    indexed: footer !== undefined && footer.summaryStart !== 0n,
    messages: BigInt(messages.length),
    start_ns: start,
    end_ns: end,
    topics: list.map((t) => ({ name: t.name, type: t.type,
      schema_encoding: t.schema_encoding,
      message_encoding: t.message_encoding, count: BigInt(t.count),
      channels: BigInt(t.channels), sha256: t.hash.digest('hex') })),
  };
}

function conformanceOut() {
  return {
    messages: messages.map((m) => ({ channel_id: String(m.channelId),
      topic: topicOf(m.channelId), log_time: String(m.logTime),
      publish_time: String(m.publishTime), sequence: String(m.sequence),
      data: Array.from(m.data, String) })),
    metadata,
    attachments,
  };
}

// ---- the indexed cross-check -----------------------------------------------

async function crossCheck() {
  if (!footer || footer.summaryStart === 0n)
    return;
  const readable = {
    size: async () => BigInt(bytes.length),
    read: async (offset, size) => {
      if (offset + size > BigInt(bytes.length))
        throw new Error('read past the end of the file');
      return bytes.subarray(Number(offset), Number(offset + size));
    },
  };
  let ir;
  try {
    ir = await McapIndexedReader.Initialize({ readable, decompressHandlers });
  } catch (e) {
    warn(file + ': McapIndexedReader cannot open the file: ' + e.message);
    return;
  }
  if (chunks > 0 && ir.chunkIndexes.length === 0) {
    note(file + ': the summary has no chunk indexes (the file has ' + chunks +
      ' chunks); not cross-checked with McapIndexedReader');
    return;
  }
  if (ir.chunkIndexes.some((ci) => ci.messageIndexOffsets.size === 0)) {
    note(file + ': chunk indexes without message indexes; not' +
      ' cross-checked with McapIndexedReader');
    return;
  }
  if (chunks === 0 && messages.length > 0) {
    note(file + ': messages outside chunks, which McapIndexedReader does' +
      ' not read; not cross-checked');
    return;
  }
  const counts = new Map();
  let n = 0;
  try {
    for await (const m of ir.readMessages({ validateCrcs: true })) {
      // the topic as the stream has it: the summary may lack the channel
      const t = topicOf(m.channelId) ??
        ir.channelsById.get(m.channelId)?.topic;
      counts.set(t, (counts.get(t) || 0) + 1);
      n++;
    }
  } catch (e) {
    warn(file + ': McapIndexedReader: ' + e.message);
    return;
  }
  const want = new Map();
  for (const m of messages) {
    const t = topicOf(m.channelId);
    want.set(t, (want.get(t) || 0) + 1);
  }
  if (n !== messages.length)
    warn(file + ': McapIndexedReader reads ' + n + ' messages, the stream ' +
      messages.length);
  for (const t of new Set([...want.keys(), ...counts.keys()])) {
    if ((want.get(t) || 0) !== (counts.get(t) || 0))
      warn(file + ': ' + t + ': McapIndexedReader reads ' +
        (counts.get(t) || 0) + ' messages, the stream ' + (want.get(t) || 0));
  }
}

function listOut() {
  const qos = {};
  for (const ch of channels.values()) {
    if (!(ch.topic in qos) && ch.metadata.has('offered_qos_profiles'))
      qos[ch.topic] = ch.metadata.get('offered_qos_profiles');
  }
  return { ...summary(), qos, list: messages.map((m) =>
    [topicOf(m.channelId), String(m.logTime), BigInt(m.data.length),
      crypto.createHash('sha256').update(m.data).digest('hex'),
      ...(args.includes('--hex') ? [Buffer.from(m.data).toString('hex')] :
        [])]) };
}

await crossCheck();
process.stdout.write(toJson(conformance ? conformanceOut() :
  listing ? listOut() : summary()) + '\n');
