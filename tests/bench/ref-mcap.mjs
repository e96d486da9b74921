#!/usr/bin/env node
// gst-rosbag benchmark: the MCAP reference reader, @mcap/core (the
// Foxglove TypeScript reader, pinned 2.2.1) with @foxglove/wasm-zstd and
// @foxglove/wasm-lz4 as its chunk decompressors. Opens FILE from its
// summary (McapIndexedReader over a file-handle readable), reads every
// message in log-time order with readMessages() and prints
// "messages bytes" (bytes = the messages' data, their CDR payload).
//
//   node ref-mcap.mjs FILE [--checksum] [--topics] [--npm DIR]
//
// --checksum also touches every byte: the same 64-bit sum of
// little-endian words (and of the bytes after the last whole word) per
// message as read-lib and ref_cpp, printed as a third field.
// --topics prints each topic's message count on stderr.
// The npm packages are looked up from DIR/node_modules (--npm DIR, or the
// GST_ROSBAG_NPM_DIR environment variable), where
// tests/files/npm-install.sh puts them.
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// @mcap/core and its decompressors, from DIR/node_modules
export async function loadMcap(npmDir) {
  const dir = npmDir ?? process.env.GST_ROSBAG_NPM_DIR;
  if (!dir) {
    throw new Error("where are the npm packages? --npm DIR or " +
        "GST_ROSBAG_NPM_DIR (tests/files/npm-install.sh DIR installs them)");
  }
  const require = createRequire(path.join(path.resolve(dir), "index.js"));
  const core = require("@mcap/core");
  const zstd = require("@foxglove/wasm-zstd");
  const lz4 = require("@foxglove/wasm-lz4");
  await zstd.isLoaded;
  await lz4.isLoaded;
  return {
    core,
    require,
    decompressHandlers: {
      zstd: (buf, size) => zstd.decompress(buf, Number(size)),
      lz4: (buf, size) => lz4(buf, Number(size)),
    },
  };
}

// an IReadable over a file handle: size() and read(offset, length)
export async function openReadable(file) {
  const fh = await open(file, "r");
  const { size } = await fh.stat();
  const readable = {
    size: async () => BigInt(size),
    read: async (offset, length) => {
      const buf = Buffer.allocUnsafeSlow(Number(length));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await fh.read(buf, done, buf.length - done,
            Number(offset) + done);
        if (bytesRead === 0) {
          throw new Error(`${file}: short read at ${offset}`);
        }
        done += bytesRead;
      }
      return buf;
    },
  };
  return { fh, readable, size };
}

// read-lib's checksum: sum of little-endian u64 words, then the tail
// bytes, modulo 2^64; kept as two 32-bit halves in doubles
export class Checksum {
  lo = 0;
  hi = 0;

  add(data) {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = data.byteLength;
    let k = 0;
    let lo = this.lo;
    let hi = this.hi;
    for (; k + 8 <= n; k += 8) {
      lo += dv.getUint32(k, true);
      hi += dv.getUint32(k + 4, true);
      if ((k & 0x7ffff8) === 0x7ffff8) {
        // fold the carry well before 2^53
        const c = Math.floor(lo / 4294967296);
        lo -= c * 4294967296;
        hi = (hi + c) % 4294967296;
      }
    }
    for (; k < n; k++) {
      lo += data[k];
    }
    const c = Math.floor(lo / 4294967296);
    this.lo = lo - c * 4294967296;
    this.hi = (hi + c) % 4294967296;
  }

  hex() {
    return this.hi.toString(16).padStart(8, "0") +
        this.lo.toString(16).padStart(8, "0");
  }
}

async function main(argv) {
  let file;
  let npmDir;
  let checksum = false;
  let topics = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--checksum") {
      checksum = true;
    } else if (argv[i] === "--topics") {
      topics = true;
    } else if (argv[i] === "--npm" && i + 1 < argv.length) {
      npmDir = argv[++i];
    } else if (!file && !argv[i].startsWith("--")) {
      file = argv[i];
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!file) {
    process.stderr.write("usage: ref-mcap.mjs FILE [--checksum] " +
        "[--topics] [--npm DIR]\n");
    return 2;
  }
  const { core, decompressHandlers } = await loadMcap(npmDir);
  const { fh, readable } = await openReadable(file);
  const reader = await core.McapIndexedReader.Initialize({
    readable,
    decompressHandlers,
  });
  const sum = checksum ? new Checksum() : undefined;
  const perChannel = new Map();
  let n = 0;
  let bytes = 0;
  for await (const m of reader.readMessages()) {
    n++;
    bytes += m.data.byteLength;
    if (sum) {
      sum.add(m.data);
    }
    if (topics) {
      perChannel.set(m.channelId, (perChannel.get(m.channelId) ?? 0) + 1);
    }
  }
  await fh.close();
  for (const [id, count] of perChannel) {
    process.stderr.write(`${reader.channelsById.get(id).topic} ${count}\n`);
  }
  process.stdout.write(`${n} ${bytes}${sum ? " " + sum.hex() : ""}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (err) => {
    process.stderr.write(`ref-mcap: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
