#!/usr/bin/python3
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.
"""Writes the seed corpora of the fuzz harnesses into tests/fuzz/corpus/.

Run with /usr/bin/python3. Deterministic. corpus/bag: tiny bags made with
python3-rosbag (all three compressions, several connections, out-of-order
chunks, unindexed) plus the small fixtures; corpus/record: the record runs
of those bags (what follows the bag header, the index section, a chunk's
decompressed records); corpus/chunk: compression byte + size + chunk data.
"""

import bz2
import io
import os
import shutil
import signal
import struct
import sys

import genpy
import rosbag
import roslz4
from std_msgs.msg import Int32, String
from geometry_msgs.msg import Vector3Stamped

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, '..', 'files')
OUT = os.path.join(HERE, 'corpus')


def t(ns):
    return genpy.Time(1700000000 + ns // 10**9, ns % 10**9)


def tiny(path, compression, out_of_order=False, two_conns=False):
    with rosbag.Bag(path, 'w', compression=compression,
                    chunk_threshold=200) as bag:
        times = [0, 5, 1, 6, 2] if out_of_order else [0, 1, 2, 3, 4]
        for i, k in enumerate(times):
            bag.write('/a', Int32(data=i), t(k * 10**8))
            m = Vector3Stamped()
            m.header.stamp = t(k * 10**8)
            m.vector.x = i
            bag.write('/b', m, t(k * 10**8 + 1))
            if two_conns and i == 2:
                bag._topic_connections.pop('/a')
                bag.write('/a', String(data='x'), t(k * 10**8 + 2),
                          connection_header={'topic': '/a',
                                             'type': 'std_msgs/String',
                                             'md5sum': String._md5sum,
                                             'message_definition': String._full_text,
                                             'callerid': '/other',
                                             'latching': '1'})


def records(buf):
    """(op, start, end, data_start, data_len) of the top-level records"""
    pos = 13
    out = []
    while pos + 8 <= len(buf):
        hl = struct.unpack_from('<I', buf, pos)[0]
        if pos + 8 + hl > len(buf):
            break
        dl = struct.unpack_from('<I', buf, pos + 4 + hl)[0]
        h = buf[pos + 4:pos + 4 + hl]
        i = h.find(b'op=')
        out.append((h[i + 3], pos, pos + 8 + hl + dl, pos + 8 + hl, dl,
                    h))
        pos += 8 + hl + dl
    return out


def main():
    for d in ('bag', 'record', 'chunk'):
        shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
        os.makedirs(os.path.join(OUT, d))
    bags = []
    for comp in ('none', 'bz2', 'lz4'):
        p = os.path.join(OUT, 'bag', 'tiny-%s.bag' % comp)
        tiny(p, comp)
        bags.append(p)
    p = os.path.join(OUT, 'bag', 'tiny-unsorted.bag')
    tiny(p, 'none', out_of_order=True)
    bags.append(p)
    p = os.path.join(OUT, 'bag', 'tiny-multiconn-lz4.bag')
    tiny(p, 'lz4', two_conns=True)
    bags.append(p)
    # unindexed: cut the index off and zero index_pos
    with open(bags[0], 'rb') as f:
        b = bytearray(f.read())
    rs = records(bytes(b))
    hdr = rs[0]
    ip = b.find(b'index_pos=')
    ipos = struct.unpack_from('<Q', b, ip + 10)[0]
    b[ip + 10:ip + 18] = b'\0' * 8
    p = os.path.join(OUT, 'bag', 'tiny-unindexed.bag')
    with open(p, 'wb') as f:
        f.write(bytes(b[:ipos - 30]))
    bags.append(p)
    for name in ('empty.bag', 'multiconn.bag', 'overlap.bag'):
        shutil.copy(os.path.join(FILES, name), os.path.join(OUT, 'bag', name))
        bags.append(os.path.join(OUT, 'bag', name))

    n = 0
    for p in bags:
        with open(p, 'rb') as f:
            buf = f.read()
        rs = records(buf)
        if len(rs) < 2:
            continue
        base = os.path.basename(p)[:-4]
        # the records after the bag header, up to ~2 KB
        start = rs[1][1]
        with open(os.path.join(OUT, 'record', base + '-body'), 'wb') as f:
            f.write(buf[start:start + 2048])
        # the index section
        idx = [r for r in rs if r[0] in (6, 7)]
        if idx:
            with open(os.path.join(OUT, 'record', base + '-index'), 'wb') as f:
                f.write(buf[idx[0][1]:])
        for r in rs:
            if r[0] != 5:
                continue
            h = r[5]
            ci = h.find(b'compression=')
            comp = h[ci + 12:ci + 12 + 4].rstrip(b'\0')
            size = struct.unpack_from('<I', h, h.find(b'size=') + 5)[0]
            data = buf[r[3]:r[3] + r[4]]
            cb = {b'none': 0, b'bz2\x00': 1, b'lz4\x00': 2}
            code = 0 if comp.startswith(b'none') else (
                1 if comp.startswith(b'bz2') else 2)
            with open(os.path.join(OUT, 'chunk', '%s-%d' % (base, n)), 'wb') as f:
                f.write(bytes([code]) + struct.pack('<I', size) + data)
            if code:
                raw = (bz2.decompress(data) if code == 1
                       else roslz4.decompress(data))
            else:
                raw = data
            with open(os.path.join(OUT, 'record', '%s-chunk%d' % (base, n)), 'wb') as f:
                f.write(raw)
            n += 1
            if n > 40:
                break
    for d in ('bag', 'record', 'chunk'):
        print(d, len(os.listdir(os.path.join(OUT, d))), 'files')


if __name__ == '__main__':
    main()
