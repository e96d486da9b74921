#!/usr/bin/env node
// gst-rosbag benchmark: the CDR decoding reference for run.sh --cdr.
// Reads an MCAP file with @mcap/core (McapIndexedReader.readMessages()
// for the chosen topics, log-time order; zstd / lz4 chunks by
// @foxglove/wasm-zstd / wasm-lz4), decodes every message with
// @foxglove/rosmsg2-serialization's MessageReader (one per channel, built
// from its ros2msg schema text parsed by @foxglove/rosmsg), and writes one
// JSON line per message, {"topic": T, "receive_ns": LOG_TIME, "msg": ...}
// with JSON.stringify, to OUT (default /dev/null), in 1 MB writes.
// Prints "messages payload_bytes output_bytes".
//
//   node ref-cdr.mjs FILE [--topics a,b] [--out FILE] [--npm DIR]
//
// This is the reference at its best, not a converter with our output
// conventions (tests/files/rosmsg2-ref.mjs is that, and much slower):
// times stay {sec, nanosec} objects, uint8[] would be Uint8Array objects,
// no field is rewritten; only a message holding a BigInt (int64 / uint64)
// goes through a replacer that writes it as its digits.
import { openSync, writeSync, closeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadMcap, openReadable } from "./ref-mcap.mjs";

// rosmsg 5.0.5 resolves a dependency block only when it is headed
// `MSG: pkg/Type`: `a/msg/B` -> `a/B` in MSG: lines and field types
function normaliseRos2msg(text) {
  return text.split("\n").map((line) => {
    const m = /^MSG:\s*(\S+)(.*)$/.exec(line);
    if (m) {
      return "MSG: " + m[1].replace(/^([^/\s]+)\/msg\//, "$1/") + m[2];
    }
    return line.replace(/^(\s*)([A-Za-z_][\w]*)\/msg\/([A-Za-z_]\w*)/,
        "$1$2/$3");
  }).join("\n");
}

const bigintReplacer = (_k, v) =>
  typeof v === "bigint" ? JSON.rawJSON?.(v.toString()) ?? Number(v) : v;

async function main(argv) {
  let file;
  let npmDir;
  let topics;
  let out = "/dev/null";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--topics" && i + 1 < argv.length) {
      topics = argv[++i].split(",").filter((t) => t);
    } else if (argv[i] === "--out" && i + 1 < argv.length) {
      out = argv[++i];
    } else if (argv[i] === "--npm" && i + 1 < argv.length) {
      npmDir = argv[++i];
    } else if (!file && !argv[i].startsWith("--")) {
      file = argv[i];
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!file) {
    process.stderr.write("usage: ref-cdr.mjs FILE [--topics a,b] " +
        "[--out FILE] [--npm DIR]\n");
    return 2;
  }
  const { core, require, decompressHandlers } = await loadMcap(npmDir);
  const { parse } = require("@foxglove/rosmsg");
  const { MessageReader } = require("@foxglove/rosmsg2-serialization");
  const { fh, readable } = await openReadable(file);
  const reader = await core.McapIndexedReader.Initialize({
    readable,
    decompressHandlers,
  });

  // per channel: its reader and the JSON text of its topic
  const perChannel = new Map();
  for (const [id, ch] of reader.channelsById) {
    const schema = reader.schemasById.get(ch.schemaId);
    if (ch.messageEncoding !== "cdr" || schema?.encoding !== "ros2msg") {
      continue;
    }
    const text = new TextDecoder().decode(schema.data);
    const defs = parse(normaliseRos2msg(text), { ros2: true });
    perChannel.set(id, {
      reader: new MessageReader(defs),
      head: '{"topic":' + JSON.stringify(ch.topic) + ',"receive_ns":',
    });
  }

  const fd = openSync(out, "w");
  let pending = [];
  let pendingLen = 0;
  let n = 0;
  let bytes = 0;
  let written = 0;
  const flush = () => {
    const buf = Buffer.from(pending.join(""));
    let done = 0;
    while (done < buf.length) {
      done += writeSync(fd, buf, done, buf.length - done);
    }
    written += buf.length;
    pending = [];
    pendingLen = 0;
  };
  for await (const m of reader.readMessages({ topics })) {
    const c = perChannel.get(m.channelId);
    if (!c) {
      continue;
    }
    const msg = c.reader.readMessage(m.data);
    let json;
    try {
      json = JSON.stringify(msg);
    } catch {
      json = JSON.stringify(msg, bigintReplacer);
    }
    const line = c.head + m.logTime + ',"msg":' + json + "}\n";
    pending.push(line);
    pendingLen += line.length;
    if (pendingLen >= 1 << 20) {
      flush();
    }
    n++;
    bytes += m.data.byteLength;
  }
  flush();
  closeSync(fd);
  await fh.close();
  process.stdout.write(`${n} ${bytes} ${written}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (err) => {
    process.stderr.write(`ref-cdr: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
