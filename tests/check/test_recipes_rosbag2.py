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
"""The rosbag2 directory recipes of docs/recipes.md, run literally,
checked against the storage files as Python's sqlite3 reads them.

    test_recipes_rosbag2.py SOURCE_ROOT BUILD_ROOT

Every ```sh block of the section "## rosbag2 directories" runs with bash
in a fresh directory REPO that links `tests` to SOURCE_ROOT/tests, next to
a link `shared` to SOURCE_ROOT/../shared (the recipes run from the
repository root and name ../shared/mcap/real), with the plugin and
gst-rosbag-info of BUILD_ROOT. Then, with tests/files/rosbag2-ref.py's
reading of the same files (sqlite3, the zstd command):

  1. gst-rosbag-info DIR: the five files, 6074 messages, each topic's
     count, and a warning on stderr (the metadata's start and duration
     disagree with the files);
  2. AAA to CSV: one row per message of AAA in the five files, receive_ns
     and data equal to the messages' (the CDR string decoded here);
  3. a directory without metadata.yaml, zstd MESSAGE compression, /topic
     to JSON lines: the same for its 369 messages.

Exit status 0 all passed, 1 a failure, 77 (skip) without ../shared/mcap/real.
"""

import csv
import importlib.util
import json
import os
import re
import struct
import sys

from test_recipes_ros2 import recipe_blocks, run_recipes

SECTION = '## rosbag2 directories'
WBAG = 'ros2_rosbag2__rosbag2_py__test__resources__sqlite3__wbag'
MSGCOMP = ('ros2_rosbag2-humble__rosbag2_tests__resources__reindex_test_bags'
           '/message_compression')


def load_ref(root):
    spec = importlib.util.spec_from_file_location(
        'rosbag2_ref', os.path.join(root, 'tests', 'files', 'rosbag2-ref.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cdr_string(data):
    """std_msgs/msg/String: the CDR encapsulation, then the string"""
    assert data[:2] in (b'\x00\x00', b'\x00\x01'), data[:4]
    fmt = '>I' if data[1] == 0 else '<I'
    n = struct.unpack(fmt, data[4:8])[0]
    return data[8:8 + n - 1].decode()


def expected(ref, path, topic, zstd):
    rows = []
    for f in ref.storage_files(path):
        rows += [r for r in ref.read_db3(f) if r[0] == topic]
    data = [r[2] for r in rows]
    if zstd:
        data = ref.zstd_decompress_all(data)
    return sorted((r[1], cdr_string(d)) for r, d in zip(rows, data))


def main():
    root, build = sys.argv[1], sys.argv[2]
    real = os.path.join(root, '..', 'shared', 'mcap', 'real')
    if not os.path.isdir(os.path.join(real, WBAG)):
        print('SKIP: %s is absent' % os.path.join(real, WBAG))
        return 77
    ref = load_ref(root)
    blocks = recipe_blocks(os.path.join(root, 'docs', 'recipes.md'), SECTION)
    assert len(blocks) == 3, '%d recipe blocks' % len(blocks)
    env = dict(os.environ)
    env['GST_PLUGIN_PATH'] = os.path.join(build, 'plugins', 'rosbag')
    env['PATH'] = os.path.join(build, 'tools') + ':' + env.get('PATH', '')
    env['GST_REGISTRY'] = os.path.join(build, 'tests', 'check',
                                       'recipes_rosbag2.registry')

    def make_dir(top):
        work = os.path.join(top, 'repo')
        os.mkdir(work)
        os.symlink(os.path.join(root, 'tests'), os.path.join(work, 'tests'))
        os.symlink(os.path.join(root, '..', 'shared'),
                   os.path.join(top, 'shared'))
        return work

    def check(i, run, work):
        out = os.path.join(work, 'out')
        if i == 0:
            for n in range(5):
                assert '%s/wbag_%d.db3' % (WBAG, n) in run.stdout, run.stdout
            assert 'messages:    6074' in run.stdout, run.stdout
            counts = {}
            for f in ref.storage_files(os.path.join(real, WBAG)):
                for r in ref.read_db3(f):
                    counts[r[0]] = counts.get(r[0], 0) + 1
            for topic, n in counts.items():
                assert re.search(r'\b%s +%d msgs' % (topic, n), run.stdout), \
                    (topic, n, run.stdout)
            assert 'warning: ' in run.stderr, run.stderr
        elif i == 1:
            with open(os.path.join(out, 'AAA.csv')) as f:
                rows = list(csv.reader(f))
            assert rows[0] == ['receive_ns', 'data'], rows[0]
            ours = sorted((int(r[0]), r[1]) for r in rows[1:])
            want = expected(ref, os.path.join(real, WBAG), 'AAA', False)
            assert len(want) == 804, len(want)
            assert ours == want, 'the CSV differs from the messages'
            times = [int(r[0]) for r in rows[1:]]
            assert times == sorted(times), 'CSV rows out of time order'
        else:
            with open(os.path.join(out, 'topic.jsonl')) as f:
                lines = [json.loads(l) for l in f if l.strip()]
            ours = sorted((l['receive_ns'], l['msg']['data']) for l in lines)
            want = expected(ref, os.path.join(real, MSGCOMP), '/topic', True)
            assert len(want) == 369, len(want)
            assert ours == want, 'the JSON lines differ from the messages'

    return run_recipes(blocks, make_dir, check, env)


if __name__ == '__main__':
    sys.exit(main())
