#!/usr/bin/env node
// gst-rosbag benchmark: checks with @mcap/core (the independent reader)
// that an MCAP file from gen-mcap reads back right, as verify-bag.py does
// for bags with python3-rosbag:
//  - McapStreamReader over every record, CRCs validated where not 0:
//    profile ros2, the five channels (cdr) and four schemas (ros2msg),
//    chunk compression, per-channel sequence numbers and publish times;
//  - McapIndexedReader from the summary (its CRC checked): statistics,
//    chunk indexes, metadata indexes, every message in log-time order,
//    each topic alone (through the message indexes), and in reverse;
//  - every message starts with the CDR little-endian header; if the npm
//    packages @foxglove/rosmsg and @foxglove/rosmsg2-serialization can be
//    found (--cdr-npm DIR, else the @mcap/core directory) every message
//    is also decoded from its schema text, checked field by field, and
//    written back by their MessageWriter byte for byte.
// Prints "ok ..." or fails with a message.
//
//   node verify-mcap.mjs FILE [none|lz4|zstd] [--npm DIR] [--cdr-npm DIR]
import { createRequire } from "node:module";
import path from "node:path";
import { loadMcap, openReadable } from "./ref-mcap.mjs";

const EXPECT = {
  "/cam0/image_raw": ["sensor_msgs/msg/Image", 30],
  "/cam1/image_raw": ["sensor_msgs/msg/Image", 30],
  "/imu": ["sensor_msgs/msg/Imu", 200],
  "/joint_states": ["sensor_msgs/msg/JointState", 100],
  "/tf": ["tf2_msgs/msg/TFMessage", 100],
};
const SEP = "\n" + "=".repeat(80) + "\nMSG: ";

function check(cond, what) {
  if (!cond) {
    throw new Error(`check failed: ${what}`);
  }
}

function tryCdr(dirs) {
  for (const dir of dirs) {
    if (!dir) {
      continue;
    }
    const req = createRequire(path.join(path.resolve(dir), "index.js"));
    try {
      return {
        rosmsg: req("@foxglove/rosmsg"),
        cdr: req("@foxglove/rosmsg2-serialization"),
      };
    } catch {
      // not there: try the next one
    }
  }
  return undefined;
}

// field by field, what gen-mcap writes
function checkDecoded(topic, m, msg) {
  const [type] = EXPECT[topic];
  const ns = (t) => BigInt(t.sec) * 1000000000n + BigInt(t.nanosec);
  const stamped = type === "tf2_msgs/msg/TFMessage" ?
    msg.transforms[0].header : msg.header;
  const lag = m.logTime - ns(stamped.stamp);
  check(lag >= 0n && lag < 10000000n, `${topic}: header.stamp ${lag} ns ` +
      "before log_time");
  if (type === "sensor_msgs/msg/Image") {
    check(msg.height === 480 && msg.width === 640 &&
        msg.encoding === "rgb8" && msg.step === 1920 &&
        msg.is_bigendian === 0 && msg.data.length === 1920 * 480,
    `${topic}: image geometry`);
  } else if (type === "sensor_msgs/msg/Imu") {
    const q = msg.orientation;
    const norm = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w;
    check(Math.abs(norm - 1) < 1e-9, `${topic}: orientation norm ${norm}`);
    check(msg.orientation_covariance.length === 9 &&
        Math.abs(msg.linear_acceleration.z - 9.81) < 1e-9, `${topic}: imu`);
  } else if (type === "sensor_msgs/msg/JointState") {
    check(msg.name.length === 6 && msg.name[0] === "shoulder_pan_joint" &&
        msg.position.length === 6 && msg.velocity.length === 6 &&
        msg.effort.length === 6, `${topic}: joints`);
  } else {
    check(msg.transforms.length === 3 &&
        msg.transforms[1].child_frame_id === "cam0_optical_frame" &&
        msg.transforms[0].header.frame_id === "odom", `${topic}: transforms`);
  }
}

async function main(argv) {
  let file;
  let compression;
  let npmDir;
  let cdrDir;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--npm" && i + 1 < argv.length) {
      npmDir = argv[++i];
    } else if (argv[i] === "--cdr-npm" && i + 1 < argv.length) {
      cdrDir = argv[++i];
    } else if (["none", "lz4", "zstd"].includes(argv[i])) {
      compression = argv[i] === "none" ? "" : argv[i];
    } else if (!file) {
      file = argv[i];
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!file) {
    process.stderr.write("usage: verify-mcap.mjs FILE [none|lz4|zstd] " +
        "[--npm DIR] [--cdr-npm DIR]\n");
    return 2;
  }
  const { core, decompressHandlers } = await loadMcap(npmDir);
  const { fh, readable, size } = await openReadable(file);

  // 1. every record, in file order
  const stream = new core.McapStreamReader({
    includeChunks: true,
    decompressHandlers,
    validateCrcs: true,
  });
  const counts = {};
  const schemas = new Map();
  const channels = new Map();
  const seq = new Map();
  let streamMessages = 0;
  for (let off = 0; off < size; off += 1 << 20) {
    stream.append(await readable.read(BigInt(off),
        BigInt(Math.min(1 << 20, size - off))));
    let r;
    while ((r = stream.nextRecord())) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
      if (r.type === "Header") {
        check(r.profile === "ros2", `profile ${r.profile}`);
      } else if (r.type === "Schema") {
        check(r.encoding === "ros2msg", `schema encoding ${r.encoding}`);
        schemas.set(r.id, r);
      } else if (r.type === "Channel") {
        check(r.messageEncoding === "cdr" && schemas.has(r.schemaId) &&
            r.topic in EXPECT &&
            schemas.get(r.schemaId).name === EXPECT[r.topic][0] &&
            r.metadata.get("offered_qos_profiles").startsWith("- history:"),
        `channel ${r.topic}`);
        channels.set(r.id, r);
      } else if (r.type === "Chunk") {
        check(compression === undefined || r.compression === compression,
            `chunk compression "${r.compression}"`);
        check(r.uncompressedCrc === 0, "chunk CRC is 0, as rosbag2's");
      } else if (r.type === "Message") {
        check(channels.has(r.channelId), "message before its channel");
        const s = seq.get(r.channelId) ?? 0;
        check(r.sequence === s, `sequence ${r.sequence}, expected ${s}`);
        check(r.publishTime === r.logTime - 50000n, "publish_time");
        seq.set(r.channelId, s + 1);
        streamMessages++;
      } else if (r.type === "DataEnd") {
        check(r.dataSectionCrc === 0, "data section CRC is 0");
      }
    }
  }
  check(stream.done(), "the stream reader did not reach the end magic");
  check(channels.size === 5 && schemas.size === 4, "5 channels, 4 schemas");

  // 2. the summary and the indexed reader
  const reader = await core.McapIndexedReader.Initialize({
    readable,
    decompressHandlers,
  });
  const st = reader.statistics;
  check(st && st.messageCount === BigInt(streamMessages),
      `statistics: ${st?.messageCount} messages, ${streamMessages} in file`);
  check(st.chunkCount === counts.Chunk &&
      reader.chunkIndexes.length === counts.Chunk, "chunk count");
  check(st.channelCount === 5 && st.schemaCount === 4 &&
      st.metadataCount === 2, "statistics counts");
  check(reader.metadataIndexes.length === 2 &&
      reader.metadataIndexes.every((m) => m.name === "rosbag2"),
  "two rosbag2 metadata records");
  let yaml;
  for await (const md of reader.readMetadata({ name: "rosbag2" })) {
    yaml = md.metadata.get("serialized_metadata");
  }
  check(yaml.includes(`message_count: ${streamMessages}\n`),
      "the final rosbag2 metadata counts the messages");
  for (const s of reader.schemasById.values()) {
    const text = new TextDecoder().decode(s.data);
    check(s.name === "tf2_msgs/msg/TFMessage" ?
      text.includes(SEP + "geometry_msgs/msg/TransformStamped\n") :
      text.includes(SEP + "std_msgs/msg/Header\n") &&
        text.includes(SEP + "builtin_interfaces/msg/Time\n"),
    `${s.name}: dependencies after 80 '=' and MSG: lines`);
  }

  const cdrPkgs = tryCdr([cdrDir, npmDir ?? process.env.GST_ROSBAG_NPM_DIR]);
  const codecs = new Map();
  if (cdrPkgs) {
    for (const [id, ch] of reader.channelsById) {
      const s = reader.schemasById.get(ch.schemaId);
      // @foxglove/rosmsg 5 looks dependencies up by the name their
      // fields give (pkg/Type), while rosbag2 names them pkg/msg/Type in
      // the MSG: lines (its docs/message_definition_encoding.md)
      const text = new TextDecoder().decode(s.data)
          .replace(/^MSG: (\w+)\/msg\/(\w+)$/gm, "MSG: $1/$2");
      const defs = cdrPkgs.rosmsg.parse(text, { ros2: true });
      codecs.set(id, {
        reader: new cdrPkgs.cdr.MessageReader(defs),
        writer: new cdrPkgs.cdr.MessageWriter(defs),
      });
    }
  }

  let n = 0;
  let last = -1n;
  const perTopic = {};
  for await (const m of reader.readMessages()) {
    const topic = reader.channelsById.get(m.channelId).topic;
    check(m.logTime >= last, "log-time order");
    last = m.logTime;
    const d = m.data;
    check(d[0] === 0 && d[1] === 1 && d[2] === 0 && d[3] === 0,
        "CDR little-endian header");
    const codec = codecs.get(m.channelId);
    if (codec) {
      const msg = codec.reader.readMessage(d);
      checkDecoded(topic, m, msg);
      const again = codec.writer.writeMessage(msg);
      check(Buffer.compare(Buffer.from(again), Buffer.from(d)) === 0,
          `${topic}: MessageWriter writes the same bytes`);
    }
    perTopic[topic] = (perTopic[topic] ?? 0) + 1;
    n++;
  }
  check(n === streamMessages, `readMessages gave ${n} of ${streamMessages}`);
  const span = Number(st.messageEndTime - st.messageStartTime) / 1e9;
  for (const [topic, [, hz]] of Object.entries(EXPECT)) {
    let k = 0;
    for await (const m of reader.readMessages({ topics: [topic] })) {
      check(reader.channelsById.get(m.channelId).topic === topic, "topic");
      k++;
    }
    const id = [...reader.channelsById.values()]
        .find((c) => c.topic === topic).id;
    check(k === perTopic[topic] &&
        BigInt(k) === st.channelMessageCounts.get(id),
    `${topic}: ${k} alone, ${perTopic[topic]} in all`);
    check(Math.abs(k - span * hz) <= 2, `${topic}: ${k} messages in ` +
        `${span.toFixed(2)} s at ${hz} Hz`);
  }
  let back = 0;
  last = undefined;
  for await (const m of reader.readMessages({ reverse: true })) {
    check(last === undefined || m.logTime <= last, "reverse order");
    last = m.logTime;
    back++;
  }
  check(back === n, "reverse gives every message");
  await fh.close();
  process.stdout.write(`ok ${file}: ${n} messages, ${counts.Chunk} chunks, ` +
      `${reader.chunkIndexes.filter((c, i, a) => i > 0 &&
          c.messageStartTime <= a[i - 1].messageEndTime).length} ` +
      "overlapping the previous one, " +
      (cdrPkgs ? "every message decoded and written back by " +
        "@foxglove/rosmsg2-serialization" :
        "CDR not decoded (@foxglove/rosmsg2-serialization not found)") +
      "\n");
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err) => {
  process.stderr.write(`verify-mcap: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
