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
"""Our MCAP reader against @mcap/core, file by file.

    test_mcap_ref.py MCAP_DUMP NPM_DIR FIXTURE_DIR REAL_DIR [NAME-SUBSTRING ...]

NPM_DIR is where tests/files/npm-install.sh installed the pinned npm
packages (NPM_DIR/node_modules); its stamp is NPM_DIR/../npm-refs.stamp.
For every *.mcap in FIXTURE_DIR and every *.mcap under REAL_DIR
(recursively), `node tests/files/mcap-ref.mjs FILE` (McapStreamReader,
CRCs checked) and `MCAP_DUMP --summary FILE` must agree on: the total
message count, start_ns, end_ns, and per topic (merged by name) type,
schema_encoding, message_encoding, count, channels and sha256 (over the
messages in stable log-time order). "indexed" is not compared (the
reference says whether the footer has a summary, our reader whether it
used it).

Warnings: a file the reference reads with a "warning:" (truncated.mcap: it
ends inside a chunk) must give a "warning:" from mcap-dump too, and one the
reference reads cleanly must give none.

Known intentional differences are listed in KNOWN below (none at present).
EXPECT holds facts about some files that both readers must show (e.g.
wrong_rmw_test_0.mcap, whose channels say message_encoding "wrong_format"
on purpose, still reads: 7 messages, the encoding reported as written).

Exit status: 0 all passed, 1 a failure, 77 (skip) when node or the npm
packages are unavailable (the reason is printed).
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, '..', 'files', 'mcap-ref.mjs')
PINS = ['@mcap/core', '@foxglove/wasm-zstd', '@foxglove/wasm-lz4']

# file name -> {field: why}: a difference in one of these fields of that
# file (a top-level key, or "TOPIC.key") is reported but does not fail.
KNOWN = {}

# file name -> [(what, predicate over the reference summary)]: checked on
# the reference output (mcap-dump must then equal it anyway)
EXPECT = {
    'wrong_rmw_test_0.mcap': [
        ('7 messages, message_encoding "wrong_format" kept as written',
         lambda s: s['messages'] == 7 and all(
             t['message_encoding'] == 'wrong_format' for t in s['topics'])),
    ],
    'truncated.mcap': [
        ('fewer messages than zstd.mcap, of which it is a cut copy',
         lambda s: 0 < s['messages'] < 410),
    ],
    'multichannel.mcap': [
        ('/chatter from 2 channels, /unused with none, /raw schemaless',
         lambda s: [(t['name'], t['channels'], t['count'] > 0,
                     t['schema_encoding']) for t in s['topics']] == [
             ('/chatter', 2, True, 'ros2msg'), ('/raw', 1, True, ''),
             ('/status', 1, True, 'jsonschema'),
             ('/unused', 1, False, 'ros2msg')]),
    ],
}

TOP_KEYS = ('messages', 'start_ns', 'end_ns')
TOPIC_KEYS = ('type', 'schema_encoding', 'message_encoding', 'count',
              'channels', 'sha256')


def npm_unavailable(npm_dir, pins=PINS):
    """None when the references (the npm packages @pins) can run, else why
    not; test_ros2_ref.py and test_recipes_ros2.py use it with their pins"""
    stamp = os.path.join(os.path.dirname(os.path.normpath(npm_dir)),
                         'npm-refs.stamp')
    if os.path.exists(stamp):
        with open(stamp) as f:
            text = f.read().strip()
        if text != 'ok':
            return 'npm packages: %s (%s; delete it to retry)' % (text, stamp)
    if shutil.which('node') is None:
        return 'node is not installed'
    for p in pins:
        if not os.path.exists(os.path.join(npm_dir, 'node_modules', p,
                                           'package.json')):
            return ('%s is not installed in %s (tests/files/npm-install.sh'
                    ' installs it)' % (p, npm_dir))
    return None


def versions(npm_dir, pins=PINS):
    out = []
    for p in pins:
        with open(os.path.join(npm_dir, 'node_modules', p,
                               'package.json')) as f:
            out.append('%s %s' % (p, json.load(f).get('version')))
    return ', '.join(out)


def run_json(cmd, env=None, timeout=120):
    """(object or None, stderr lines, problem or None)"""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, [], '%s did not end within %d s' % (cmd[0], timeout)
    err = p.stderr.decode('utf-8', 'replace').splitlines()
    if p.returncode != 0:
        return None, err, 'exited with %d: %s' % (p.returncode,
                                                   ' '.join(err)[:300])
    try:
        obj = json.loads(p.stdout)
    except ValueError as e:
        return None, err, 'printed no JSON (%s): %r' % (e, p.stdout[:200])
    if not isinstance(obj, dict):
        return None, err, 'printed %r, not an object' % (obj,)
    return obj, err, None


def warnings(lines):
    return [ln for ln in lines if 'warning' in ln.lower()]


def compare(name, ref, got):
    """(problems, known differences seen)"""
    known = KNOWN.get(name, {})
    problems, seen = [], []

    def differ(field, want, have):
        line = '%s: reference %s, mcap-dump %s' % (
            field, json.dumps(want), json.dumps(have))
        if field in known:
            seen.append('%s (known: %s)' % (line, known[field]))
        else:
            problems.append(line)

    if got.get('format') != 'mcap':
        problems.append('"format" is %s, not "mcap"' %
                        json.dumps(got.get('format')))
    for k in TOP_KEYS:
        if k not in got:
            problems.append('no "%s" in the mcap-dump output' % k)
        elif got[k] != ref[k]:
            differ(k, ref[k], got[k])
    rt = dict((t['name'], t) for t in ref['topics'])
    gt = {}
    for t in got.get('topics', []):
        if not isinstance(t, dict) or 'name' not in t:
            problems.append('a topic without a name: %r' % (t,))
            continue
        if t['name'] in gt:
            problems.append('topic %s listed twice' % t['name'])
        gt[t['name']] = t
    names = [t.get('name') for t in got.get('topics', [])
             if isinstance(t, dict)]
    bnames = [n.encode('utf-8') for n in names if isinstance(n, str)]
    if bnames != sorted(bnames):
        problems.append('topics not sorted by name: %s' % names)
    for n in sorted(set(rt) | set(gt)):
        if n not in gt:
            differ(n, 'present', 'missing')
            continue
        if n not in rt:
            differ(n, 'missing', 'present')
            continue
        for k in TOPIC_KEYS:
            if gt[n].get(k) != rt[n][k]:
                differ('%s.%s' % (n, k), rt[n][k], gt[n].get(k))
    return problems, seen


def check(dump, env, name, path):
    """(problem text or None, ok text, notes)"""
    ref, ref_err, prob = run_json(['node', REF, path], env=env)
    if prob:
        return 'reference (mcap-ref.mjs) ' + prob, None, []
    problems = []
    for what, pred in EXPECT.get(name, []):
        try:
            good = pred(ref)
        except (KeyError, TypeError):
            good = False
        if not good:
            problems.append('the reference does not show: ' + what)
    got, got_err, prob = run_json([dump, '--summary', path], timeout=60)
    if prob:
        return '\n'.join(problems + ['mcap-dump ' + prob]), None, []
    diffs, seen = compare(name, ref, got)
    problems += diffs
    rw, gw = warnings(ref_err), warnings(got_err)
    if rw and not gw:
        problems.append('the reference warns (%s) but mcap-dump does not' %
                        '; '.join(rw))
    if gw and not rw:
        problems.append('mcap-dump warns on a file the reference reads'
                        ' cleanly: %s' % '; '.join(gw))
    ok = '%d messages, %d topics' % (ref['messages'], len(ref['topics']))
    return '\n'.join(problems) or None, ok, seen


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    dump, npm_dir, fixtures, real = argv[1:5]
    only = argv[5:]
    why = npm_unavailable(npm_dir)
    if why:
        print('SKIP: the @mcap/core reference is unavailable: ' + why)
        return 77
    if not os.access(dump, os.X_OK):
        print('FAIL: %s is not an executable' % dump)
        return 1
    print('reference:', versions(npm_dir))
    env = dict(os.environ)
    env['NODE_PATH'] = os.path.join(os.path.abspath(npm_dir), 'node_modules')

    cases = []
    if not os.path.isdir(fixtures):
        print('FAIL: fixture folder %s is absent' % fixtures)
        return 1
    for n in sorted(os.listdir(fixtures)):
        if n.endswith('.mcap'):
            cases.append((n, os.path.join(fixtures, n)))
    if not cases:
        print('FAIL: no *.mcap in %s' % fixtures)
        return 1
    if os.path.isdir(real):
        found = []
        for root, dirs, files in os.walk(real):
            dirs.sort()
            for n in sorted(files):
                if n.endswith('.mcap'):
                    p = os.path.join(root, n)
                    found.append((os.path.relpath(p, real), p))
        print('real files: %d in %s' % (len(found), real))
        cases += found
    else:
        print('SKIP real files: %s is absent (the shared reference data lies'
              ' outside the repository)' % real)
    if only:
        cases = [c for c in cases if any(s in c[0] for s in only)]

    def run(case):
        label, path = case
        return (label,) + check(dump, env, os.path.basename(path), path)

    failed = []
    # two workers: the machine is small and shared
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for label, problem, ok, seen in ex.map(run, cases):
            if problem is None:
                print('ok %s (%s)' % (label, ok))
            else:
                failed.append(label)
                print('FAIL', label)
                for ln in problem.splitlines():
                    print('   ', ln)
            for s in seen:
                print('    known difference:', s)
    if failed:
        print('failed:', ' '.join(failed))
    print('%d passed, %d failed' % (len(cases) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
