#!/usr/bin/python3
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gst-rosbag-info against python3-rosbag (tests/files/rosbag-ref.py).

Usage: test_info.py GST_ROSBAG_INFO FILES_DIR REALBAGS_DIR
Every fixture bag and every bag in REALBAGS_DIR (skipped, saying so, when
absent): --json equals what python3-rosbag reports (topics, types, md5sums,
counts, connections, start/end, chunks, compression); the text output
carries the same numbers; --freq agrees with `rosbag info --freq`-style
median intervals; files that are not bags, or are damaged, give a one-line
error naming the file and a non-zero exit.
"""

import glob
import json
import os
import subprocess
import sys
import unittest

TOOL, FILES, REALBAGS = sys.argv[1:4]
del sys.argv[1:4]
REF = os.path.join(FILES, 'rosbag-ref.py')
PY = '/usr/bin/python3'

NOT_BAGS = ('foxglove_rosbag__empty-file.bag',
            'rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag',
            'webviz__invalid.bag')


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True,
                          timeout=300)


def bags():
    out = sorted(glob.glob(os.path.join(FILES, '*.bag')))
    if os.path.isdir(REALBAGS):
        out += sorted(glob.glob(os.path.join(REALBAGS, '*.bag')))
    else:
        print('realbags: %s is absent: the real-bag cases are skipped'
              % REALBAGS, file=sys.stderr)
    return out


class InfoTest(unittest.TestCase):

    def test_json_matches_python_rosbag(self):
        n = 0
        for bag in bags():
            name = os.path.basename(bag)
            if name in NOT_BAGS:
                continue
            with self.subTest(bag=name):
                ours = run(TOOL, '--json', bag)
                self.assertEqual(ours.returncode, 0, ours.stderr)
                o = json.loads(ours.stdout)
                ref = run(PY, REF, 'info', bag)
                self.assertEqual(ref.returncode, 0, ref.stderr)
                r = json.loads(ref.stdout)
                self.assertEqual(o['version'], '2.0')
                self.assertEqual(o['indexed'], r['indexed'])
                if not r['indexed']:
                    # python3-rosbag reindexes a copy and may recover less:
                    # test_unindexed_is_scanned checks these
                    continue
                self.assertEqual(o['messages'], r['messages'])
                if r['indexed']:
                    self.assertEqual(o['chunks'], r['chunks'])
                    self.assertEqual(o['compression'], r['compression'])
                if r['messages']:
                    self.assertEqual(o['start_ns'], r['start_ns'])
                    self.assertEqual(o['end_ns'], r['end_ns'])
                keys = ('topic', 'type', 'md5sum', 'messages', 'connections')
                self.assertEqual(
                    [{k: t[k] for k in keys} for t in o['topics']],
                    [{k: t[k] for k in keys} for t in r['topics']])
                n += 1
        self.assertGreater(n, 8)

    def test_text_output(self):
        bag = os.path.join(FILES, 'basic-lz4.bag')
        out = run(TOOL, bag)
        self.assertEqual(out.returncode, 0, out.stderr)
        text = out.stdout
        for word in ('path:', 'version:     2.0', 'duration:', 'start:',
                     'end:', 'size:', 'messages:    440', 'compression: lz4',
                     'types:', 'topics:', 'sensor_msgs/Imu'):
            self.assertIn(word, text)
        self.assertNotIn(' Hz', text)   # frequencies only with --freq

    def test_freq(self):
        bag = os.path.join(FILES, 'sample.bag')
        out = run(TOOL, '--freq', '--json', bag)
        self.assertEqual(out.returncode, 0, out.stderr)
        topics = {t['topic']: t for t in json.loads(out.stdout)['topics']}
        self.assertAlmostEqual(topics['/cam0/image_raw']['frequency_hz'], 10,
                               delta=0.5)
        self.assertAlmostEqual(topics['/joint_states']['frequency_hz'], 50,
                               delta=1)
        self.assertAlmostEqual(topics['/imu']['frequency_hz'], 100, delta=2)

    def test_unindexed_is_scanned(self):
        for name in ('unindexed.bag', 'unindexed-lz4.bag'):
            bag = os.path.join(FILES, name)
            out = run(TOOL, '--json', bag)
            self.assertEqual(out.returncode, 0, out.stderr)
            o = json.loads(out.stdout)
            self.assertFalse(o['indexed'])
            self.assertIn('scanned', o['scan_report'])
            ref = json.loads(run(PY, REF, 'info', bag).stdout)
            # we recover at least what python3-rosbag's reindex recovers
            self.assertGreaterEqual(o['messages'], ref['messages'])
            text = run(TOOL, bag).stdout
            self.assertIn('indexed:     no', text)
        active = os.path.join(REALBAGS, 'badboy-rtech__subset.bag.active')
        if os.path.exists(active):
            o = json.loads(run(TOOL, '--json', active).stdout)
            self.assertFalse(o['indexed'])
            self.assertEqual(o['messages'], 2264)

    def test_errors(self):
        cases = [os.path.join(FILES, 'does-not-exist.bag'), REF]
        if os.path.isdir(REALBAGS):
            cases += [os.path.join(REALBAGS, n) for n in NOT_BAGS]
        for path in cases:
            with self.subTest(path=os.path.basename(path)):
                out = run(TOOL, path)
                self.assertNotEqual(out.returncode, 0)
                self.assertEqual(out.stdout, '')
                lines = out.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, out.stderr)
                self.assertIn(path, lines[0])

    def test_messages_listing(self):
        # names.bag has a non-ASCII topic: it must come out as its bytes
        for name in ('overlap.bag', 'names.bag'):
            bag = os.path.join(FILES, name)
            ours = run(TOOL, '--messages', bag).stdout.splitlines()
            ref = run(PY, REF, 'messages', bag).stdout.splitlines()
            self.assertEqual(sorted(ours),
                             sorted('\t'.join(l.split('\t')[:4]) for l in ref))
            times = [int(l.split('\t')[1]) for l in ours]
            self.assertEqual(times, sorted(times))


if __name__ == '__main__':
    unittest.main(verbosity=2)
