#!/usr/bin/python3
# gst-rosbag
# Copyright (C) 2026 gst-rosbag authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the compressed records of every chunk of an MCAP file, as they
are in the file, one after the other: for zstd chunks a stream of zstd
frames that `zstd -d` decompresses (single-threaded), the reference for
the reader's worker pool (run-cores.sh). Parses the MCAP record framing
itself (opcode u8, length u64; chunk: start u64, end u64, uncompressed
size u64, crc u32, compression string, records u64-prefixed).

  mcap-chunks.py FILE.mcap OUT     prints: chunks compression bytes-in
"""
import struct
import sys

MAGIC = b"\x89MCAP0\r\n"


def main():
    src, out = sys.argv[1], sys.argv[2]
    n = total = 0
    kinds = set()
    with open(src, "rb") as f, open(out, "wb") as o:
        if f.read(8) != MAGIC:
            sys.exit("%s: not an MCAP file" % src)
        while True:
            head = f.read(9)
            if len(head) < 9:
                break
            op, length = struct.unpack("<BQ", head)
            if op == 0x06:
                body = f.read(length)
                off = 8 + 8 + 8 + 4
                (clen,) = struct.unpack_from("<I", body, off)
                comp = body[off + 4:off + 4 + clen].decode()
                off += 4 + clen
                (rlen,) = struct.unpack_from("<Q", body, off)
                o.write(body[off + 8:off + 8 + rlen])
                kinds.add(comp)
                n += 1
                total += rlen
            elif op == 0x02:  # footer
                break
            else:
                f.seek(length, 1)
    print(n, ",".join(sorted(kinds)) or "none", total)


if __name__ == "__main__":
    main()
