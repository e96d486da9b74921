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
"""The MCAP read-conformance suite of foxglove/mcap against our library.

    test_mcap_conformance.py MCAP_DUMP CONF_DIR [NAME-SUBSTRING ...]

CONF_DIR holds <Base>/<Variant>.mcap next to <Base>/<Variant>.json (the
record stream a streaming reader must produce; see CONF_DIR/README.md).
For every pair, `MCAP_DUMP --conformance FILE` must print what an indexed
reader gives: every Message record of the JSON, stable-sorted by log_time
(equal log times in file order), each with the topic of its channel (the
Channel records of the JSON), and the Metadata and Attachment names in file
order. A valid file must also give no "warning:" on stderr and exit 0.

Then `MCAP_DUMP --stream FILE` (the push-mode parser, fed the file in pieces
of 1, 7, 4096... bytes) must give what a streaming reader gives: the same
messages in file order, as the JSON lists them.

Exit status: 0 all passed, 1 a failure, 77 (skip) when CONF_DIR is absent.
"""

import concurrent.futures
import difflib
import json
import os
import subprocess
import sys


def fields(rec):
    return dict((k, v) for k, v in rec['fields'])


def expected(path, streamed=False):
    """what an indexed reader (or, @streamed, a streaming reader) must give
    for the .json at @path"""
    with open(path) as f:
        records = json.load(f)['records']
    topics = {}
    msgs, metadata, attachments = [], [], []
    for rec in records:
        f = fields(rec)
        if rec['type'] == 'Channel':
            # duplicates by id (summary repeats) are dropped: the first wins
            topics.setdefault(f['id'], f['topic'])
        elif rec['type'] == 'Message':
            msgs.append(f)
        elif rec['type'] == 'Metadata':
            metadata.append(f['name'])
        elif rec['type'] == 'Attachment':
            attachments.append(f['name'])
    # sorted() is stable: equal log times keep file order
    if not streamed:
        msgs = sorted(msgs, key=lambda m: int(m['log_time']))
    out = []
    for m in msgs:
        if m['channel_id'] not in topics:
            raise ValueError('%s: a message on channel %s without a Channel'
                             ' record' % (path, m['channel_id']))
        out.append({'channel_id': m['channel_id'],
                    'topic': topics[m['channel_id']],
                    'log_time': m['log_time'],
                    'publish_time': m['publish_time'],
                    'sequence': m['sequence'],
                    'data': m['data']})
    if streamed:
        return {'messages': out}
    return {'messages': out, 'metadata': metadata,
            'attachments': attachments}


def canon(obj):
    """one line per message / name, for a readable diff"""
    lines = []
    for key in sorted(obj) if isinstance(obj, dict) else []:
        val = obj[key]
        if isinstance(val, list):
            lines.append('%s: %d' % (key, len(val)))
            lines += ['  ' + json.dumps(v, sort_keys=True) for v in val]
        else:
            lines.append('%s: %s' % (key, json.dumps(val, sort_keys=True)))
    return lines


def check(dump, mcap, want, mode='--conformance'):
    """None if the dump of @mcap equals @want, else the reason"""
    keys = ('messages', 'metadata', 'attachments') if mode == '--conformance' \
        else ('messages',)
    try:
        p = subprocess.run([dump, mode, mcap],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return 'mcap-dump did not end within 60 s'
    err = p.stderr.decode('utf-8', 'replace').strip()
    if p.returncode != 0:
        return 'mcap-dump exited with %d: %s' % (p.returncode, err)
    try:
        got = json.loads(p.stdout)
    except ValueError as e:
        return 'mcap-dump printed no JSON (%s): %r' % (e, p.stdout[:200])
    problems = []
    if not isinstance(got, dict):
        return 'mcap-dump printed %r, not an object' % (got,)
    # numbers as strings, as in the conformance JSON; anything else differs
    for key in keys:
        if key not in got:
            problems.append('no "%s" in the output' % key)
    extra = sorted(set(got) - set(keys))
    if extra:
        problems.append('unexpected keys in the output: %s' % extra)
    if got != want:
        diff = difflib.unified_diff(canon(want), canon(got), 'expected',
                                    'mcap-dump ' + mode, n=2, lineterm='')
        diff = list(diff)
        if len(diff) > 40:
            diff = diff[:40] + ['... (%d more lines)' % (len(diff) - 40)]
        problems.append('\n'.join(diff))
    warnings = [ln for ln in err.splitlines() if 'warning' in ln.lower()]
    if warnings:
        problems.append('warnings on a valid file: ' + '; '.join(warnings))
    return '\n'.join(problems) or None


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    dump, conf = argv[1], argv[2]
    only = argv[3:]
    if not os.path.isdir(conf):
        print('SKIP: conformance folder %s is absent (the shared reference'
              ' data lies outside the repository)' % conf)
        return 77
    if not os.access(dump, os.X_OK):
        print('FAIL: %s is not an executable' % dump)
        return 1

    cases = []
    for base in sorted(os.listdir(conf)):
        d = os.path.join(conf, base)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            if n.endswith('.json'):
                cases.append((base + '/' + n[:-5], os.path.join(d, n[:-5])))
    if only:
        cases = [c for c in cases if any(s in c[0] for s in only)]
    if not cases:
        print('FAIL: no <Base>/<Variant>.json in %s' % conf)
        return 1

    failed = []

    def run(case):
        name, stem = case
        if not os.path.exists(stem + '.mcap'):
            return name, 'no %s.mcap next to the .json' % stem
        try:
            want = expected(stem + '.json')
            want_streamed = expected(stem + '.json', streamed=True)
        except (ValueError, KeyError) as e:
            return name, 'bad expectation: %s' % e
        problems = [pr for pr in (
            check(dump, stem + '.mcap', want),
            check(dump, stem + '.mcap', want_streamed, '--stream')) if pr]
        return name, '\n'.join(problems) or None

    # two workers: the machine is small and shared
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for name, problem in ex.map(run, cases):
            if problem is None:
                print('ok', name)
            else:
                failed.append(name)
                print('FAIL', name)
                for ln in problem.splitlines():
                    print('   ', ln)
    if failed:
        print('failed:', ' '.join(failed))
    print('%d passed, %d failed' % (len(cases) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
