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
error naming the file and a non-zero exit. MCAP files (tests/files/mcap,
written with @mcap/core, and ../shared/mcap/real): --json against what
@mcap/core's McapStreamReader reads (profile, library, chunks and their
compression, metadata and attachment names, topics with schema and message
encodings and counts; the README's counts where node is not there),
the text output, --freq, --messages. rosbag2 directories of
../shared/mcap/real (every one with a metadata.yaml, given as the directory
and as its metadata.yaml): the metadata fields against PyYAML's reading
(tests/files/rosbag2-ref.py), the files, counts and span against the
storage files read one at a time, QoS profiles and their text summary,
warnings on stderr, directories without metadata.yaml, a .zstd file,
--definitions, a metadata.yaml whose files are absent.
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

# a rosbag2 sqlite3 database named .bag: a recording, not a ROS 1 bag
SQLITE_BAG = 'rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag'
NOT_BAGS = ('foxglove_rosbag__empty-file.bag', SQLITE_BAG,
            'webviz__invalid.bag')


MCAP_DIR = os.environ.get('GST_ROSBAG_TEST_MCAP_DIR',
                          os.path.join(FILES, 'mcap'))
# the build tree's npm packages (tests/files/npm-install.sh), next to the
# tests of this build: BUILD/tools/gst-rosbag-info -> BUILD/tests/check/npm
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(TOOL)))
NPM_DIR = os.path.join(BUILD, 'tests', 'check', 'npm')
NPM_STAMP = os.path.join(BUILD, 'tests', 'check', 'npm-refs.stamp')

# what @mcap/core reads from an MCAP file, as one JSON object
MCAP_REF_JS = r"""
import { createRequire } from 'node:module';
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
const require = createRequire(path.join(path.resolve(process.argv[1]),
  'index.js'));
const core = require('@mcap/core');
const zstd = require('@foxglove/wasm-zstd');
const lz4 = require('@foxglove/wasm-lz4');
await zstd.isLoaded; await lz4.isLoaded;
const r = new core.McapStreamReader({ validateCrcs: true,
  includeChunks: true, decompressHandlers: { zstd: (b, s) => zstd.decompress(b, Number(s)),
    lz4: (b, s) => lz4(b, Number(s)) } });
r.append(fs.readFileSync(process.argv[2]));
const out = { compression: {}, chunks: 0, metadata: [], attachments: [],
  topics: {}, messages: [] };
const schemas = new Map();
const chans = new Map();
for (;;) {
  let rec;
  try { rec = r.nextRecord(); } catch (e) { break; }
  if (!rec) break;
  switch (rec.type) {
    case 'Header': out.profile = rec.profile; out.library = rec.library;
      break;
    case 'Schema': schemas.set(rec.id, rec); break;
    case 'Channel': {
      // the summary repeats the channels: count each id once
      if (chans.has(rec.id)) break;
      chans.set(rec.id, rec.topic);
      const s = schemas.get(rec.schemaId);
      const t = out.topics[rec.topic] ??= { messages: 0, channels: 0,
        type: s ? s.name : '', schema_encoding: s ? s.encoding : '',
        message_encoding: rec.messageEncoding };
      t.channels++;
      break;
    }
    case 'Message': {
      const topic = chans.get(rec.channelId);
      out.topics[topic].messages++;
      out.messages.push([topic, rec.logTime.toString(), rec.data.length,
        crypto.createHash('sha1').update(rec.data).digest('hex')]);
      break;
    }
    case 'Chunk': {
      const c = rec.compression === '' ? 'none' : rec.compression;
      out.compression[c] = (out.compression[c] ?? 0) + 1;
      out.chunks++;
      break;
    }
    case 'Metadata': out.metadata.push(rec.name); break;
    case 'Attachment': out.attachments.push(rec.name); break;
  }
}
process.stdout.write(JSON.stringify(out));
"""

_mcap_ref_ok = None


def mcap_ref(path):
    """@mcap/core's view of path, or None (saying so once) without node"""
    global _mcap_ref_ok
    if _mcap_ref_ok is None:
        if not os.path.exists(NPM_STAMP):
            subprocess.run([os.path.join(FILES, 'npm-install.sh'), NPM_DIR,
                            NPM_STAMP], capture_output=True, timeout=900)
        try:
            with open(NPM_STAMP) as f:
                _mcap_ref_ok = f.read().startswith('ok')
        except OSError:
            _mcap_ref_ok = False
        if not _mcap_ref_ok:
            print('SKIP: the @mcap/core reference is unavailable: MCAP files'
                  ' are checked against the README counts only',
                  file=sys.stderr)
    if not _mcap_ref_ok:
        return None
    out = subprocess.run(['node', '--input-type=module', '-e', MCAP_REF_JS,
                          NPM_DIR, path], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


# the README's counts of tests/files/mcap
MCAP_FIXTURES = {
    'zstd.mcap': {'/chatter': 10, '/imu': 200, '/joint_states': 100,
                  '/tf': 100},
    'lz4.mcap': {'/chatter': 10, '/imu': 200, '/joint_states': 100,
                 '/tf': 100},
    'none.mcap': {'/chatter': 10, '/imu': 200, '/joint_states': 100,
                  '/tf': 100},
    'nosummary.mcap': {'/chatter': 10, '/imu': 200, '/joint_states': 100,
                       '/tf': 100},
    'unchunked.mcap': {'/chatter': 5, '/imu': 100, '/joint_states': 50,
                       '/tf': 50},
    'overlap.mcap': {'/a': 88, '/b': 87},
    'multichannel.mcap': {'/chatter': 100, '/raw': 12, '/status': 12,
                          '/unused': 0},
    'ros1.mcap': {'/chatter': 20, '/count': 40, '/point': 10},
}


def mcaps():
    out = []
    for name in sorted(MCAP_FIXTURES):
        path = os.path.join(MCAP_DIR, name)
        if os.path.exists(path):
            out.append(path)
        else:
            print('SKIP: %s is absent' % path, file=sys.stderr)
    real = os.path.join(os.path.dirname(REALBAGS), 'mcap', 'real')
    out += sorted(glob.glob(os.path.join(real, '*.mcap')) +
                  glob.glob(os.path.join(real, '*', '*.mcap')))
    return out


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

    def test_sqlite_bag(self):
        path = os.path.join(REALBAGS, SQLITE_BAG)
        if not os.path.exists(path):
            self.skipTest(path + ' is absent')
        out = run(TOOL, '--json', path)
        self.assertEqual(out.returncode, 0, out.stderr)
        o = json.loads(out.stdout)
        self.assertEqual(o['version'], 'rosbag2-sqlite3')
        self.assertEqual(o['messages'], 7)
        self.assertEqual([t['topic'] for t in o['topics']],
                         ['/array_topic', '/clock', '/parameter_events',
                          '/test_topic'])

    def test_errors(self):
        cases = [os.path.join(FILES, 'does-not-exist.bag'), REF]
        if os.path.isdir(REALBAGS):
            cases += [os.path.join(REALBAGS, n) for n in NOT_BAGS
                      if n != SQLITE_BAG]
        for path in cases:
            with self.subTest(path=os.path.basename(path)):
                out = run(TOOL, path)
                self.assertNotEqual(out.returncode, 0)
                self.assertEqual(out.stdout, '')
                lines = out.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, out.stderr)
                self.assertIn(path, lines[0])

    def test_two_types_on_one_topic(self):
        # /mixed has connections of two types: one topic entry per type,
        # with the counts python3-rosbag's connections give
        bag = os.path.join(FILES, 'mixed-types.bag')
        out = run(TOOL, '--json', bag)
        self.assertEqual(out.returncode, 0, out.stderr)
        ours = sorted((t['topic'], t['type'], t['messages'])
                      for t in json.loads(out.stdout)['topics'])
        ref = run(PY, '-c', 'import rosbag, collections, sys\n'
                  'c = collections.Counter()\n'
                  'for t, m, _ in rosbag.Bag(sys.argv[1]).read_messages():\n'
                  '    c[(t, m._type)] += 1\n'
                  'for (t, ty), n in sorted(c.items()):\n'
                  '    print(t, ty, n)\n', bag)
        self.assertEqual(ref.returncode, 0, ref.stderr)
        want = [(l.split()[0], l.split()[1], int(l.split()[2]))
                for l in ref.stdout.splitlines()]
        self.assertEqual(ours, want)
        self.assertEqual([t for t in ours if t[0] == '/mixed'],
                         [('/mixed', 'std_msgs/Int32', 6),
                          ('/mixed', 'std_msgs/String', 6)])
        text = run(TOOL, bag).stdout
        self.assertIn('std_msgs/Int32', text)
        self.assertIn('std_msgs/String', text)

    def test_write_error(self):
        # a full disk under stdout is an error, in every output mode
        bag = os.path.join(FILES, 'sample.bag')
        for opts in ([], ['--json'], ['--messages']):
            with self.subTest(opts=opts), open('/dev/full', 'w') as full:
                out = subprocess.run([TOOL] + opts + [bag], stdout=full,
                                     stderr=subprocess.PIPE, text=True,
                                     timeout=120)
                self.assertEqual(out.returncode, 1, out.stderr)
                self.assertIn('cannot write the output', out.stderr)
                self.assertIn('No space left on device', out.stderr)

    def test_directories_that_are_not_recordings(self):
        # one line saying the directory is one (not "mmap() failed: No
        # such device"), exit 1; a subdirectory named like a storage file
        # is no storage file
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            empty = os.path.join(tmp, 'empty')
            text = os.path.join(tmp, 'text')
            subdirs = os.path.join(tmp, 'subdirs')
            named = os.path.join(tmp, 'run.bag')
            for d in (empty, text, subdirs, named):
                os.makedirs(d)
            with open(os.path.join(text, 'notes.txt'), 'w') as f:
                f.write('not a recording\n')
            for n in ('x.mcap', 'y_0.db3', 'z.mcap.zstd'):
                os.makedirs(os.path.join(subdirs, n))
            for d in (empty, text, subdirs, named, named + '/',
                      os.path.join(subdirs, 'x.mcap'),
                      os.path.join(subdirs, 'z.mcap.zstd')):
                with self.subTest(path=d):
                    out = run(TOOL, d)
                    self.assertEqual(out.returncode, 1)
                    self.assertEqual(out.stdout, '')
                    lines = out.stderr.strip().splitlines()
                    self.assertEqual(len(lines), 1, out.stderr)
                    self.assertIn(d.rstrip('/'), lines[0])
                    self.assertIn('is a directory', lines[0])
                    self.assertNotIn('mmap', lines[0])
        # rosbag2 directories are recordings, with or without a
        # metadata.yaml, given as the directory or its metadata.yaml
        for name in ('humble-images', 'split-mcap'):
            d = os.path.join(FILES, 'rosbag2', name)
            for p in (d, d + '/', os.path.join(d, 'metadata.yaml')):
                with self.subTest(path=p):
                    out = run(TOOL, '--json', p)
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertGreater(json.loads(out.stdout)['messages'], 0)

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


class McapInfoTest(unittest.TestCase):

    def test_json_matches_mcap_core(self):
        n = 0
        for path in mcaps():
            name = os.path.basename(path)
            with self.subTest(file=name):
                ours = run(TOOL, '--json', path)
                self.assertEqual(ours.returncode, 0, ours.stderr)
                o = json.loads(ours.stdout)
                self.assertEqual(o['version'], 'mcap')
                for key in ('profile', 'library', 'metadata', 'attachments'):
                    self.assertIn(key, o)
                topics = {t['topic']: t for t in o['topics']}
                for t in o['topics']:
                    for key in ('type', 'md5sum', 'schema_encoding',
                                'message_encoding', 'messages',
                                'connections'):
                        self.assertIn(key, t)
                if name in MCAP_FIXTURES:
                    self.assertEqual(
                        {k: v['messages'] for k, v in topics.items()},
                        MCAP_FIXTURES[name])
                    self.assertEqual(o['indexed'], name != 'nosummary.mcap')
                    self.assertEqual(o['profile'],
                                     'ros1' if name == 'ros1.mcap' else 'ros2')
                r = mcap_ref(path)
                if r is None:
                    continue
                self.assertEqual(o['profile'], r['profile'])
                self.assertEqual(o['library'], r['library'])
                self.assertEqual(o['messages'], len(r['messages']))
                self.assertEqual(o['chunks'], r['chunks'])
                self.assertEqual(o['compression'], r['compression'])
                self.assertEqual(o['metadata'], r['metadata'])
                self.assertEqual(o['attachments'], r['attachments'])
                if r['messages']:
                    times = [int(m[1]) for m in r['messages']]
                    self.assertEqual(o['start_ns'], min(times))
                    self.assertEqual(o['end_ns'], max(times))
                # channels known only from the summary are topics too
                for topic, t in r['topics'].items():
                    self.assertIn(topic, topics)
                    mine = topics[topic]
                    self.assertEqual(mine['messages'], t['messages'], topic)
                    self.assertEqual(mine['connections'], t['channels'])
                    self.assertEqual(mine['type'], t['type'])
                    self.assertEqual(mine['schema_encoding'],
                                     t['schema_encoding'])
                    self.assertEqual(mine['message_encoding'],
                                     t['message_encoding'])
                n += 1
        if _mcap_ref_ok:
            self.assertGreater(n, 5)

    def test_mcap_names_and_text(self):
        path = os.path.join(MCAP_DIR, 'multichannel.mcap')
        if not os.path.exists(path):
            self.skipTest('%s is absent' % path)
        o = json.loads(run(TOOL, '--json', path).stdout)
        self.assertEqual(o['metadata'], ['gst-rosbag-test'])
        self.assertEqual(o['attachments'], ['calibration.yaml'])
        topics = {t['topic']: t for t in o['topics']}
        self.assertEqual(topics['/chatter']['connections'], 2)
        self.assertEqual(topics['/chatter']['message_encoding'], 'cdr')
        self.assertEqual(topics['/chatter']['schema_encoding'], 'ros2msg')
        self.assertEqual(topics['/status']['schema_encoding'], 'jsonschema')
        self.assertEqual(topics['/raw']['schema_encoding'], '')
        self.assertEqual(topics['/raw']['message_encoding'], 'json')
        self.assertIsNone(topics['/chatter']['md5sum'])
        text = run(TOOL, path).stdout
        for word in ('version:     mcap', 'profile:     ros2',
                     'library:     gst-rosbag make-mcap-fixtures.mjs',
                     'metadata:    gst-rosbag-test',
                     'attachments: calibration.yaml', 'compression: lz4',
                     'std_msgs/msg/String [cdr] (2 channels)',
                     'gst_rosbag_test.Status [jsonschema]'):
            self.assertIn(word, text)
        zstd = os.path.join(MCAP_DIR, 'zstd.mcap')
        if os.path.exists(zstd):
            text = run(TOOL, zstd).stdout
            self.assertIn('compression: zstd', text)
            self.assertIn('messages:    410', text)

    def test_mcap_freq(self):
        path = os.path.join(MCAP_DIR, 'zstd.mcap')
        if not os.path.exists(path):
            self.skipTest('%s is absent' % path)
        out = run(TOOL, '--freq', '--json', path)
        self.assertEqual(out.returncode, 0, out.stderr)
        topics = {t['topic']: t for t in json.loads(out.stdout)['topics']}
        # the README's rates
        for topic, hz in (('/imu', 100), ('/joint_states', 50), ('/tf', 50),
                          ('/chatter', 5)):
            self.assertAlmostEqual(topics[topic]['frequency_hz'], hz,
                                   delta=hz * 0.02)

    def test_mcap_messages_listing(self):
        for name in ('overlap.mcap', 'multichannel.mcap', 'nosummary.mcap'):
            path = os.path.join(MCAP_DIR, name)
            if not os.path.exists(path):
                continue
            ours = run(TOOL, '--messages', path).stdout.splitlines()
            times = [int(l.split('\t')[1]) for l in ours]
            self.assertEqual(times, sorted(times))
            self.assertEqual(len(ours), sum(MCAP_FIXTURES[name].values()))
            r = mcap_ref(path)
            if r is not None:
                self.assertEqual(sorted(ours), sorted(
                    '\t'.join(str(x) for x in m) for m in r['messages']))


# rosbag2 recordings: directories of ../shared/mcap/real
REAL = os.path.join(os.path.dirname(REALBAGS), 'mcap', 'real')
REF2 = os.path.join(FILES, 'rosbag2-ref.py')
REINDEX = os.path.join(
    REAL, 'ros2_rosbag2-humble__rosbag2_tests__resources__reindex_test_bags')
WBAG = os.path.join(REAL,
                    'ros2_rosbag2__rosbag2_py__test__resources__sqlite3__wbag')


def rosbag2_dirs():
    return sorted(d for d in glob.glob(os.path.join(REAL, '*'))
                  if os.path.exists(os.path.join(d, 'metadata.yaml')))


def ref2(*args):
    out = run(PY, REF2, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout


class Rosbag2InfoTest(unittest.TestCase):

    def setUp(self):
        if not os.path.isdir(REAL):
            self.skipTest('%s is absent' % REAL)

    def info(self, path, *opts):
        out = run(TOOL, '--json', *opts, path)
        self.assertEqual(out.returncode, 0, out.stderr)
        o = json.loads(out.stdout)
        # every warning on stderr as "warning: ...", the same as in JSON
        warn = [l for l in out.stderr.splitlines() if l]
        self.assertEqual(warn, ['warning: ' + w for w in o['warnings']])
        return o

    def one_by_one(self, files):
        """topic -> count, start, end of the files read one at a time"""
        counts, start, end = {}, None, None
        for f in files:
            o = self.info(f)
            for t in o['topics']:
                counts[t['topic']] = counts.get(t['topic'], 0) + \
                    t['messages']
            if o['messages']:
                start = o['start_ns'] if start is None else min(
                    start, o['start_ns'])
                end = o['end_ns'] if end is None else max(end, o['end_ns'])
        return counts, start, end

    def test_directories_json(self):
        n = 0
        for d in rosbag2_dirs():
            with self.subTest(dir=os.path.basename(d)):
                m = json.loads(ref2('metadata', d))
                o = self.info(d)
                y = self.info(os.path.join(d, 'metadata.yaml'))
                self.assertEqual(y.pop('path'), os.path.join(d,
                                                             'metadata.yaml'))
                self.assertEqual(o.pop('path'), d)
                self.assertEqual(o, y)
                self.assertEqual(o['metadata_version'], m['version'])
                self.assertEqual(o['storage_identifier'],
                                 m['storage_identifier'])
                self.assertEqual(o['ros_distro'] or '', m['ros_distro'] or '')
                if m['compression_mode']:
                    self.assertEqual(o['rosbag2_compression'],
                                     {'format': m['compression_format'],
                                      'mode': m['compression_mode']})
                else:
                    self.assertIsNone(o['rosbag2_compression'])
                self.assertEqual([os.path.relpath(f, d) for f in o['files']],
                                 m['files'])
                counts, start, end = self.one_by_one(o['files'])
                topics = {t['topic']: t for t in o['topics']}
                self.assertEqual({k: v['messages'] for k, v in
                                  topics.items()}, counts)
                self.assertEqual(o['messages'], sum(counts.values()))
                if o['messages']:
                    self.assertEqual((o['start_ns'], o['end_ns']),
                                     (start, end))
                # the metadata where the files agree; a warning where not
                said = {k: v['messages'] for k, v in m['topics'].items()}
                if said != {k: v for k, v in counts.items() if k in said}:
                    self.assertTrue(o['warnings'], 'the metadata counts %s, '
                                    'the files %s' % (said, counts))
                for name, t in m['topics'].items():
                    self.assertIn(name, topics)
                    # the files win over the metadata, with a warning
                    if topics[name]['type'] != t['type']:
                        self.assertTrue(any(name in w and t['type'] in w
                                            for w in o['warnings']),
                                        (name, t['type'], o['warnings']))
                    self.assertEqual(topics[name]['message_encoding'],
                                     t['serialization_format'])
                    self.assertEqual(topics[name]['qos_profiles'] or [],
                                     t['qos'])
                    self.assertIn(topics[name]['definition'],
                                  ('file', 'found', 'none'))
                n += 1
        self.assertGreater(n, 8)

    def test_wbag_text(self):
        for d in (WBAG, os.path.join(WBAG, 'metadata.yaml')):
            out = run(TOOL, d)
            self.assertEqual(out.returncode, 0, out.stderr)
            for word in ('rosbag2:     metadata.yaml version 4',
                         'storage:     sqlite3', 'messages:    6074',
                         'files:       ' + os.path.join(WBAG, 'wbag_0.db3'),
                         '             ' + os.path.join(WBAG, 'wbag_4.db3'),
                         'AAA    804 msgs : std_msgs/msg/String [cdr]'):
                self.assertIn(word, out.stdout)
            # the metadata says 2623 ns + 411 ns, the files 1000 to 2998 ns
            self.assertIn('warning: ', out.stderr)
            o = self.info(d)
            self.assertEqual((o['start_ns'], o['end_ns']), (1000, 2998))

    def test_qos_text(self):
        d = os.path.join(REAL, 'ros2_rosbag2__rosbag2_py__test__resources__'
                         'mcap__talker')
        out = run(TOOL, d)
        self.assertEqual(out.returncode, 0, out.stderr)
        # history 3 (unknown), reliability 1, durability 2 / 1
        lines = out.stdout.splitlines()
        i = next(i for i, l in enumerate(lines) if '/rosout ' in l)
        self.assertEqual(lines[i + 1].strip(),
                         'qos: reliable, transient_local, unknown history')
        i = next(i for i, l in enumerate(lines) if '/topic ' in l)
        self.assertEqual(lines[i + 1].strip(),
                         'qos: reliable, volatile, unknown history')

    def test_without_metadata(self):
        for name, target in (('message_compression', 1127),
                             ('file_compression', 775)):
            d = os.path.join(REINDEX, name)
            o = self.info(d)
            self.assertEqual(o['metadata_version'], 0)
            self.assertTrue(o['warnings'])
            self.assertEqual(len(o['files']), 4)
            self.assertEqual(o['messages'], target)
            said = {k: v['messages'] for k, v in json.loads(ref2(
                'metadata', os.path.join(REINDEX, 'target_metadata',
                                         name)))['topics'].items()}
            self.assertEqual({t['topic']: t['messages'] for t in o['topics']},
                             said)
            text = run(TOOL, d)
            self.assertIn('rosbag2:     no metadata.yaml', text.stdout)
            self.assertIn('warning: ', text.stderr)

    def test_zstd_file(self):
        f = os.path.join(REINDEX, 'file_compression',
                         'file_compression_0.db3.zstd')
        o = self.info(f)
        lines = ref2('messages', f).splitlines()
        self.assertEqual(o['messages'], len(lines))
        self.assertEqual(o['files'], [f])

    def test_definitions(self):
        # a Humble .db3 holds no definitions: the built-in set has
        # std_msgs and rcl_interfaces; a search path with its own
        # std_msgs/msg/String wins, and says where
        d = os.path.join(REINDEX, 'message_compression')
        o = self.info(d)
        self.assertEqual({t['topic']: t['definition'] for t in o['topics']},
                         {'/parameter_events': 'found', '/rosout': 'found',
                          '/topic': 'found'})
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, 'std_msgs', 'msg'))
            with open(os.path.join(tmp, 'std_msgs', 'msg', 'String.msg'),
                      'w') as f:
                f.write('string data\n')
            out = run(TOOL, '--definitions', '/nonexistent:' + tmp, d)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn('definition: found in ' + os.path.join(
                tmp, 'std_msgs', 'msg', 'String.msg'), out.stdout)
            self.assertIn('definition: found in the built-in set', out.stdout)
        # a service event type: its .srv among the built-in services
        db = os.path.join(REAL, 'ros2_rosbag2__rosbag2_cpp__test__rosbag2_'
                          'cpp__bags__topics_and_services.db3')
        if os.path.exists(db):
            o = self.info(db)
            defs = {t['topic']: t['definition'] for t in o['topics']}
            self.assertEqual(defs['/add_two_ints/_service_event'], 'found')
        # a type in neither (test_msgs): none
        db = os.path.join(REAL, 'ros2_rosbag2-humble__rosbag2_tests__'
                          'resources__cdr_test', 'cdr_test_0.db3')
        if os.path.exists(db):
            o = self.info(db)
            defs = {t['topic']: t['definition'] for t in o['topics']}
            self.assertEqual(defs['/test_topic'], 'none')
            text = run(TOOL, db).stdout
            self.assertIn('definition: none \u2014 stays raw bytes', text)

    def test_errors(self):
        # a metadata.yaml whose files are all absent
        for p in (os.path.join(REINDEX, 'target_metadata', 'file_compression'),
                  os.path.join(REINDEX, 'target_metadata', 'file_compression',
                               'metadata.yaml')):
            out = run(TOOL, p)
            self.assertNotEqual(out.returncode, 0)
            self.assertEqual(out.stdout, '')
            lines = out.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, out.stderr)
            self.assertIn(p.rstrip('/').split('/metadata.yaml')[0], lines[0])


if __name__ == '__main__':
    unittest.main(verbosity=2)
