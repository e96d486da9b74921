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
"""A rosbag2 recording as Python's sqlite3 and PyYAML read it: the
reference of the rosbag2 directory tests, independent of the format
library.

    rosbag2-ref.py metadata DIR|metadata.yaml
        one JSON object: version, storage_identifier, files (the
        relative_file_paths), message_count, starting_ns, duration_ns,
        compression_format, compression_mode, ros_distro, and topics
        {name: {type, serialization_format, messages, qos}} as the
        metadata.yaml says (qos: the offered_qos_profiles parsed, a list)

    rosbag2-ref.py counts DIR|metadata.yaml
        one line per topic of the metadata.yaml: name TAB message_count

    rosbag2-ref.py messages [--zstd-messages] PATH...
        one line per message of the sqlite3 storage files: topic TAB
        timestamp TAB size TAB sha1 of the data, sorted by timestamp (stable:
        file order, then row id). PATH: a .db3 file, a .db3.zstd file
        (decompressed with the zstd command), or a directory (its
        metadata.yaml's files, else its storage files by name).
        --zstd-messages: each message's data is a zstd frame (compression
        mode MESSAGE), decompressed with the zstd command.
"""

import hashlib
import json
import os
import sqlite3
import urllib.parse
import subprocess
import sys
import tempfile

import yaml


def load_metadata(path):
    if os.path.isdir(path):
        path = os.path.join(path, 'metadata.yaml')
    with open(path) as f:
        return path, yaml.safe_load(f)['rosbag2_bagfile_information']


def qos_list(value):
    if isinstance(value, str):
        return yaml.safe_load(value) if value.strip() else []
    return value or []


def metadata(path):
    _, m = load_metadata(path)
    topics = {}
    for t in m.get('topics_with_message_count', []):
        md = t['topic_metadata']
        topics[md['name']] = {
            'type': md['type'],
            'serialization_format': md['serialization_format'],
            'messages': t['message_count'],
            'qos': qos_list(md.get('offered_qos_profiles', '')),
        }
    return {
        'version': m['version'],
        'storage_identifier': m.get('storage_identifier'),
        'files': m.get('relative_file_paths', []),
        'message_count': m.get('message_count'),
        'starting_ns': m.get('starting_time', {}).get(
            'nanoseconds_since_epoch'),
        'duration_ns': m.get('duration', {}).get('nanoseconds'),
        'compression_format': m.get('compression_format', ''),
        'compression_mode': m.get('compression_mode', ''),
        'ros_distro': m.get('ros_distro'),
        'topics': topics,
    }


STORAGE = ('.db3', '.mcap', '.db3.zstd', '.mcap.zstd')


def storage_files(path):
    if not os.path.isdir(path):
        return [path]
    meta = os.path.join(path, 'metadata.yaml')
    if os.path.exists(meta):
        _, m = load_metadata(meta)
        return [os.path.join(path, f) for f in m['relative_file_paths']]
    return [os.path.join(path, f) for f in sorted(os.listdir(path))
            if f.endswith(STORAGE)]


def zstd_frame_size(frame):
    """the content size a zstd frame header says, or None"""
    if frame[:4] != b'\x28\xb5\x2f\xfd' or len(frame) < 6:
        return None
    fhd = frame[4]
    fcs_flag, single = fhd >> 6, (fhd >> 5) & 1
    pos = 5 + (0 if single else 1) + (0, 1, 2, 4)[fhd & 3]
    n = (1 if single else 0, 2, 4, 8)[fcs_flag]
    if n == 0:
        return None
    size = int.from_bytes(frame[pos:pos + n], 'little')
    return size + 256 if n == 2 else size


def zstd_decompress_all(blobs):
    """every blob decompressed, in one zstd run where the frames say their
    sizes, else one run per blob"""
    sizes = [zstd_frame_size(b) for b in blobs]
    if None not in sizes:
        out = subprocess.run(['zstd', '-dcq'], input=b''.join(blobs),
                             stdout=subprocess.PIPE, check=True).stdout
        assert len(out) == sum(sizes), 'zstd gave %d bytes, frames say %d' % (
            len(out), sum(sizes))
        res, pos = [], 0
        for n in sizes:
            res.append(out[pos:pos + n])
            pos += n
        return res
    return [subprocess.run(['zstd', '-dcq'], input=b, stdout=subprocess.PIPE,
                           check=True).stdout for b in blobs]


def read_db3(path):
    tmp = None
    if path.endswith('.zstd'):
        fd, tmp = tempfile.mkstemp(suffix='.db3')
        with os.fdopen(fd, 'wb') as f:
            subprocess.run(['zstd', '-dcq', path], stdout=f, check=True)
        path = tmp
    try:
        # immutable: a WAL-mode database would otherwise get -wal and -shm
        # files written beside it (in ../shared)
        db = sqlite3.connect('file:%s?immutable=1'
                             % urllib.parse.quote(os.path.abspath(path)),
                             uri=True)
        rows = db.execute('SELECT t.name, m.timestamp, m.data FROM messages m'
                          ' JOIN topics t ON m.topic_id = t.id'
                          ' ORDER BY m.id').fetchall()
        db.close()
    finally:
        if tmp:
            os.unlink(tmp)
    return rows


def messages(paths, zstd_messages):
    rows = []
    for p in paths:
        for f in storage_files(p):
            rows += read_db3(f)
    if zstd_messages:
        data = zstd_decompress_all([r[2] for r in rows])
        rows = [(r[0], r[1], d) for r, d in zip(rows, data)]
    rows.sort(key=lambda r: r[1])
    for topic, ts, data in rows:
        print('%s\t%d\t%d\t%s' % (topic, ts, len(data),
                                  hashlib.sha1(data).hexdigest()))


def main(argv):
    if len(argv) >= 2 and argv[0] == 'metadata':
        print(json.dumps(metadata(argv[1])))
        return 0
    if len(argv) >= 2 and argv[0] == 'counts':
        for name, t in metadata(argv[1])['topics'].items():
            print('%s\t%d' % (name, t['messages']))
        return 0
    if len(argv) >= 2 and argv[0] == 'messages':
        zstd = '--zstd-messages' in argv
        messages([a for a in argv[1:] if a != '--zstd-messages'], zstd)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
