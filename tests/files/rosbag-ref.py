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
"""The independent reference: what python3-rosbag reads from a bag.

Run with /usr/bin/python3 (the interpreter that imports rosbag).

  rosbag-ref.py info BAG
      one JSON object: indexed, start_ns, end_ns, messages, chunks,
      compression {name: count}, compressed_bytes and uncompressed_bytes
      (sums over the chunk headers), topics [{topic, type, md5sum, messages,
      connections}] sorted by topic.

  rosbag-ref.py info --tsv BAG
      the same as tab-separated lines, for C tests without a JSON parser:
      `indexed 0|1`, `start_ns N`, `end_ns N`, `messages N`, `chunks N`,
      `compressed_bytes N`, `uncompressed_bytes N`,
      `compression NAME COUNT` per compression, and per topic
      `topic NAME TYPE MD5SUM MESSAGES CONNECTIONS`.

  rosbag-ref.py messages BAG [--topics a,b] [--start-ns N] [--end-ns N]
                          [--python-order]
      one line per message in read_messages(raw=True) order:
      topic TAB time_ns TAB len TAB sha1hex TAB header_stamp_ns or -
      The range is [start, end): --end-ns is exclusive, as in the library.
      header_stamp_ns is the std_msgs/Header stamp when the message type
      has a Header as its first field, else -.

python3-rosbag's read_messages merges per-connection index lists that it
builds in chunk FILE order and assumes each is sorted by time. For a bag
whose chunks lie out of time order (overlap.bag, rosbag.js's
example-unsorted-chunks.bag) it then yields messages out of time order,
and its end_time cut (a `return` at the first later entry) drops
messages. This script sorts every connection index by (time, chunk
position, offset) before reading, so the reference is in time order; the
messages themselves are still read and decoded by python3-rosbag.
--python-order skips that (shows python's own order).

An unindexed bag (index_pos = 0, a killed recording) is copied to a
temporary file and reindexed there with python3-rosbag first (a note goes
to stderr); the bag itself is never modified.

Exit status: 0 on success, 2 when python3-rosbag cannot read the file
(the reason on stderr).
"""

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile

import genpy
import rosbag
from rosbag.bag import ROSBagException, ROSBagUnindexedException

HEADER_TYPES = ('std_msgs/Header', 'Header')


def bag_header(path):
    """(index_pos, conn_count, chunk_count) read from the file itself"""
    with open(path, 'rb') as f:
        magic = f.read(13)
        if magic != b'#ROSBAG V2.0\n':
            return None
        hlen = struct.unpack('<I', f.read(4))[0]
        if hlen > 1 << 20:
            return None
        h = f.read(hlen)
    fields = {}
    p = 0
    while p + 4 <= len(h):
        n = struct.unpack_from('<I', h, p)[0]
        p += 4
        kv = h[p:p + n]
        p += n
        k, _, v = kv.partition(b'=')
        fields[k] = v
    ip = fields.get(b'index_pos', b'\0' * 8)
    return struct.unpack('<Q', ip[:8].ljust(8, b'\0'))[0]


class Opened:
    """A rosbag.Bag on the file, or on a reindexed temporary copy"""

    def __init__(self, path):
        self.tmpdir = None
        self.indexed = True
        try:
            self.bag = rosbag.Bag(path, 'r')
        except ROSBagUnindexedException:
            self.indexed = False
            self.tmpdir = tempfile.mkdtemp(prefix='rosbag-ref-')
            copy = os.path.join(self.tmpdir, os.path.basename(path))
            shutil.copyfile(path, copy)
            print('rosbag-ref: %s is unindexed; reading a copy reindexed by '
                  'python3-rosbag' % path, file=sys.stderr)
            b = rosbag.Bag(copy, 'a', allow_unindexed=True)
            try:
                for _ in b.reindex():
                    pass
            except Exception as ex:  # what `rosbag reindex` does too
                print('rosbag-ref: reindex stopped: %s' % ex, file=sys.stderr)
            b.close()
            self.bag = rosbag.Bag(copy, 'r')

    def close(self):
        self.bag.close()
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def cmd_info(path, tsv=False):
    o = Opened(path)
    bag = o.bag
    # a topic per name and type (md5sum): connections of one name with
    # another type are a topic of their own, as gst-rosbag reads them
    topics = {}

    def key(c):
        return (c.topic, c.datatype, c.md5sum)
    for c in sorted(bag._connections.values(), key=lambda c: c.id):
        t = topics.setdefault(key(c), {'topic': c.topic, 'type': c.datatype,
                                       'md5sum': c.md5sum, 'messages': 0,
                                       'connections': 0, 'first': c.id})
        t['connections'] += 1
    counts = {}
    for ci in bag._chunks:
        for cid, n in ci.connection_counts.items():
            counts[cid] = counts.get(cid, 0) + n
    for cid, n in counts.items():
        topics[key(bag._connections[cid])]['messages'] += n
    # by name, then in the order of their first connections
    order = sorted(topics, key=lambda k: (k[0], topics[k]['first']))
    for t in topics.values():
        del t['first']
    compression = {}
    csize = usize = 0
    for ci in bag._chunks:
        ch = bag._chunk_headers.get(ci.pos)
        if ch is None:
            bag._file.seek(ci.pos)
            ch = bag._reader.read_chunk_header()
        compression[ch.compression] = compression.get(ch.compression, 0) + 1
        csize += ch.compressed_size
        usize += ch.uncompressed_size
    if bag._chunks:
        start = min(ci.start_time.to_nsec() for ci in bag._chunks)
        end = max(ci.end_time.to_nsec() for ci in bag._chunks)
    else:
        start = end = 0
    out = {
        'indexed': o.indexed,
        'start_ns': start,
        'end_ns': end,
        'messages': sum(counts.values()),
        'chunks': len(bag._chunks),
        'compression': compression,
        'compressed_bytes': csize,
        'uncompressed_bytes': usize,
        'topics': [topics[k] for k in order],
    }
    o.close()
    if not tsv:
        print(json.dumps(out, sort_keys=True))
        return
    for k in ('start_ns', 'end_ns', 'messages', 'chunks', 'compressed_bytes',
              'uncompressed_bytes'):
        print('%s\t%d' % (k, out[k]))
    print('indexed\t%d' % (1 if out['indexed'] else 0))
    for k in sorted(compression):
        print('compression\t%s\t%d' % (k, compression[k]))
    for t in out['topics']:
        print('topic\t%s\t%s\t%s\t%d\t%d' % (t['topic'], t['type'], t['md5sum'],
                                            t['messages'], t['connections']))


def header_stamp(pytype, data):
    try:
        if pytype is None or not pytype._slot_types:
            return '-'
        if pytype._slot_types[0] not in HEADER_TYPES:
            return '-'
        from std_msgs.msg import Header
        h = Header()
        h.deserialize(data)
        return str(h.stamp.to_nsec())
    except Exception:
        return '-'


def sort_indexes(bag):
    """Sorts each connection's index entries (see the module docstring)"""
    if not bag._connection_indexes_read:
        bag._reader._read_connection_index_records()
    for entries in bag._connection_indexes.values():
        entries.sort(key=lambda e: (e.time.to_nsec(), e.chunk_pos, e.offset))


def cmd_messages(path, topics, start_ns, end_ns, python_order=False):
    o = Opened(path)
    if not python_order:
        sort_indexes(o.bag)
    kw = {'raw': True}
    if topics:
        kw['topics'] = topics
    if start_ns is not None:
        kw['start_time'] = genpy.Time(0, start_ns)
    if end_ns is not None:
        kw['end_time'] = genpy.Time(0, end_ns)
    out = sys.stdout
    stamps = {}
    for topic, msg, t in o.bag.read_messages(**kw):
        tns = t.to_nsec()
        if end_ns is not None and tns >= end_ns:
            continue  # python's end_time is inclusive, ours exclusive
        datatype, data, md5sum, pos, pytype = msg
        if md5sum not in stamps:
            try:
                stamps[md5sum] = pytype if pytype is not None else None
            except Exception:
                stamps[md5sum] = None
        out.write('%s\t%d\t%d\t%s\t%s\n' % (
            topic, tns, len(data), hashlib.sha1(data).hexdigest(),
            header_stamp(stamps[md5sum], data)))
    o.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('info')
    p.add_argument('--tsv', action='store_true')
    p.add_argument('bag')
    p = sub.add_parser('messages')
    p.add_argument('bag')
    p.add_argument('--topics', default=None)
    p.add_argument('--start-ns', type=int, default=None)
    p.add_argument('--end-ns', type=int, default=None)
    p.add_argument('--python-order', action='store_true')
    a = ap.parse_args()
    try:
        if a.cmd == 'info':
            cmd_info(a.bag, a.tsv)
        else:
            topics = [t for t in a.topics.split(',') if t] if a.topics else None
            cmd_messages(a.bag, topics, a.start_ns, a.end_ns, a.python_order)
    except (ROSBagException, IOError, OSError, struct.error, ValueError) as ex:
        print('rosbag-ref: cannot read %s: %s' % (a.bag, ex), file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
