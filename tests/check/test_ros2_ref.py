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
"""ROS 2 (CDR) payloads: the reference on every file, and ours against it.

    test_ros2_ref.py NPM_DIR FIXTURE_DIR REAL_DIR [options] [NAME-SUBSTRING ...]

      --ours CMD       a command template that writes our JSON lines for one
                       topic; {mcap}, {topic}, {out} and {time_format} are
                       replaced in each word (the template is split like a
                       shell line first, so names with spaces stay one
                       argument; no shell runs it), e.g.
                       'gst-launch-1.0 -q bagsrc location={mcap}
                       topics={topic} raw=true ! rosmsgconvert format=json
                       time-format={time_format} ! filesink location={out}'
      --ours-csv CMD   the same for CSV (format=csv); compared with
                       rosmsg2-ref.mjs compare-csv
      --time-format F  ns (default) or secs-nsecs, for both sides

NPM_DIR is where tests/files/npm-install.sh installed the pinned npm
packages (NPM_DIR/node_modules); its stamp is NPM_DIR/../npm-refs.stamp.
For every *.mcap in FIXTURE_DIR and every *.mcap and *.db3 (rosbag2
sqlite3, read by the reference with the sqlite3 CLI) under REAL_DIR (skipped,
saying so, when absent), `node tests/files/rosmsg2-ref.mjs topics FILE` and
`json FILE` must succeed, and:

  - every channel of our ROS 2 fixtures (ros2-*.mcap) must decode;
  - a channel with message encoding cdr that the reference cannot decode
    must be listed in KNOWN below (with why), else the file fails;
  - channels of other encodings (ros1, json, ...) are listed as not ROS 2.

With --ours / --ours-csv, each decodable topic (messages > 0) is written by
CMD into a temporary file and compared by `rosmsg2-ref.mjs compare FILE OUT
--topics TOPIC` (or `compare-csv FILE TOPIC OUT`); a non-zero exit of CMD or
of the comparison fails the file.

Exit status: 0 all passed, 1 a failure, 77 (skip) when node or the npm
packages are unavailable (the reason is printed).
"""

import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import test_mcap_ref

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, '..', 'files', 'rosmsg2-ref.mjs')
PINS = ['@mcap/core', '@foxglove/wasm-zstd', '@foxglove/wasm-lz4',
        '@foxglove/rosmsg', '@foxglove/rosmsg2-serialization',
        '@foxglove/ros2idl-parser', '@foxglove/omgidl-parser',
        '@foxglove/omgidl-serialization']

# (file name substring, topic) -> why the reference cannot decode it
KNOWN = {
    ('cdr_test', None):
        'a .db3 without message definitions whose types (test_msgs) are not'
        ' in the built-in set',
    ('ros2_talker.mcap', 'ros_discovery_info'):
        'DDS Record & Replay heads the dependency blocks "MSG:'
        ' fastdds/rmw_dds_common/msg/Gid" while the fields say'
        ' rmw_dds_common/msg/Gid: the types do not resolve',
}


def known(label, topic):
    for (sub, t), why in KNOWN.items():
        if t is None and (sub in topic or sub in label):
            return why
        if t == topic and sub in label:
            return why
    return None


def npm_unavailable(npm_dir):
    return test_mcap_ref.npm_unavailable(npm_dir, PINS)


def versions(npm_dir):
    return test_mcap_ref.versions(npm_dir, PINS)


def run(cmd, timeout=300):
    """(exit code, stdout, stderr); -1 on a timeout"""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, '', '%s did not end within %d s' % (cmd[0], timeout)
    except OSError as e:
        return -1, '', '%s: %s' % (cmd[0], e)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


class Ctx:
    npm = None
    ours = None
    ours_csv = None
    time_format = 'ns'


# where the reference composes definitions for .db3 files that hold none
# (Humble and older): the .msg files of the library's built-in set, each
# written from the ROS 2 interface specification (checked against real
# schemas by the rosbag_definitions test); the reference composes them
# itself
DEFINITIONS = os.path.join(HERE, '..', '..', 'gst', 'rosbag', 'definitions')


def ref_cmd(*args):
    return ['node', REF, '--npm', Ctx.npm, '--definitions',
            DEFINITIONS] + list(args)


def fill(template, mcap, topic, out):
    words = shlex.split(template)
    subst = {'mcap': mcap, 'topic': topic, 'out': out,
             'time_format': Ctx.time_format}
    return [w.format(**subst) for w in words]


def check(label, path):
    """(problems, notes, ok text)"""
    problems, notes = [], []
    rc, out, err = run(ref_cmd('topics', path))
    if rc != 0:
        return ['rosmsg2-ref.mjs topics exited with %d: %s' %
                (rc, err.strip()[:300])], notes, None
    channels = []
    for line in out.splitlines():
        f = line.split('\t')
        if len(f) != 5:
            problems.append('topics printed %r' % line)
            continue
        channels.append(f)
    tf = ['--time-format', Ctx.time_format]
    rc, out, err = run(ref_cmd('json', path, *tf))
    if rc != 0:
        return problems + ['rosmsg2-ref.mjs json exited with %d: %s' %
                           (rc, err.strip()[:300])], notes, None
    counts = {}
    for n, line in enumerate(out.splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            problems.append('json line %d is not JSON: %s' % (n, e))
            break
        counts[obj['topic']] = counts.get(obj['topic'], 0) + 1
    ours_fixture = os.path.basename(path).startswith('ros2-')
    decodable = []
    for topic, schema, senc, menc, dec in channels:
        if dec == 'yes':
            if topic not in decodable:
                decodable.append(topic)
            continue
        if menc != 'cdr':
            notes.append('%s: not ROS 2 CDR (%s / %s): %s' %
                         (topic, senc or 'no schema', menc, dec))
            continue
        why = known(label, topic)
        if why and not ours_fixture:
            notes.append('%s (%s): not decodable, known: %s' %
                         (topic, schema, why))
        else:
            problems.append('%s (%s, %s): the reference cannot decode it: %s'
                            % (topic, schema, senc, dec))
    nmsg = sum(counts.values())
    compared = 0
    with tempfile.TemporaryDirectory(prefix='test_ros2_ref-') as tmp:
        for i, topic in enumerate(decodable):
            if not counts.get(topic):
                continue
            for kind, template in (('json', Ctx.ours), ('csv', Ctx.ours_csv)):
                if not template:
                    continue
                dst = os.path.join(tmp, '%d.%s' % (i, kind))
                cmd = fill(template, path, topic, dst)
                rc, out, err = run(cmd, timeout=120)
                if rc != 0:
                    problems.append('%s %s: ours (%s) exited with %d: %s' % (
                        topic, kind, ' '.join(cmd)[:200], rc,
                        err.strip()[:300]))
                    continue
                if kind == 'json':
                    args = ['compare', path, dst, '--topics', topic]
                else:
                    args = ['compare-csv', path, topic, dst]
                rc, out, err = run(ref_cmd(*(args + tf)))
                if rc != 0:
                    problems.append('%s %s: %s' % (topic, kind,
                                                   out.strip()[:1500] or
                                                   err.strip()[:300]))
                else:
                    compared += 1
    ok = '%d messages, %d decodable topics' % (nmsg, len(decodable))
    if Ctx.ours or Ctx.ours_csv:
        ok += ', %d comparisons' % compared
    return problems, notes, ok


def main(argv):
    args = argv[1:]
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ('--ours', '--ours-csv', '--time-format') and i + 1 < len(args):
            if a == '--ours':
                Ctx.ours = args[i + 1]
            elif a == '--ours-csv':
                Ctx.ours_csv = args[i + 1]
            else:
                Ctx.time_format = args[i + 1]
            i += 2
        elif a.startswith('--'):
            sys.stderr.write(__doc__)
            return 2
        else:
            rest.append(a)
            i += 1
    if len(rest) < 3 or Ctx.time_format not in ('ns', 'secs-nsecs'):
        sys.stderr.write(__doc__)
        return 2
    npm_dir, fixtures, real = rest[:3]
    only = rest[3:]
    Ctx.npm = os.path.abspath(npm_dir)
    why = npm_unavailable(npm_dir)
    if why:
        print('SKIP: the ROS 2 reference is unavailable: ' + why)
        return 77
    print('reference:', versions(npm_dir))

    cases = []
    if not os.path.isdir(fixtures):
        print('FAIL: fixture folder %s is absent' % fixtures)
        return 1
    for n in sorted(os.listdir(fixtures)):
        if n.endswith('.mcap'):
            cases.append((n, os.path.join(fixtures, n)))
    if not any(n.startswith('ros2-') for n, _ in cases):
        print('FAIL: no ros2-*.mcap in %s' % fixtures)
        return 1
    if os.path.isdir(real):
        found = []
        for root, dirs, files in os.walk(real):
            dirs.sort()
            for n in sorted(files):
                if n.endswith('.mcap') or n.endswith('.db3'):
                    p = os.path.join(root, n)
                    found.append((os.path.relpath(p, real), p))
        print('real files: %d in %s' % (len(found), real))
        cases += found
    else:
        print('SKIP real files: %s is absent (the shared reference data lies'
              ' outside the repository)' % real)
    if only:
        cases = [c for c in cases if any(s in c[0] for s in only)]

    failed = []
    # two workers: the machine is small and shared
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for (label, _), (problems, notes, ok) in zip(
                cases, ex.map(lambda c: check(*c), cases)):
            if problems:
                failed.append(label)
                print('FAIL', label)
                for p in problems:
                    for ln in p.splitlines():
                        print('   ', ln)
            else:
                print('ok %s (%s)' % (label, ok))
            for n in notes:
                print('    note:', n)
    if failed:
        print('failed:', ' '.join(failed))
    print('%d passed, %d failed' % (len(cases) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
