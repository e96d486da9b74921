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
"""rosbag2 directories: our library against an independent reading.

    test_rosbag2_ref.py MCAP_DUMP NPM_DIR FIXTURE_DIR REAL_DIR [SUBSTRING ...]

Cases: every folder of FIXTURE_DIR (tests/files/rosbag2) and every folder
under REAL_DIR (../shared/mcap/real) holding a metadata.yaml, plus the two
reindex_test_bags folders without one (message_compression/,
file_compression/; their counts are checked against target_metadata/),
each opened by its path and by its metadata.yaml; every .zstd storage file
opened alone; target_metadata/*/metadata.yaml, whose files are not where
it says, must fail naming them (or open with no message and a warning
naming them).

The reference: the storage files the metadata names (relative to the
directory; for versions below 4 relative to its parent where not found
there), or every .db3/.mcap(.zstd) of a directory without one, in name
order; a .zstd file decompressed by the `zstd` command; .db3 read with the
`sqlite3` command (-json; messages joined with topics, in (timestamp, id)
order); .mcap read by tests/files/mcap-ref.mjs --messages (@mcap/core,
stable log-time order); MESSAGE-mode payloads (metadata compression_mode
MESSAGE, or every blob a zstd frame without metadata) decompressed by the
`zstd` command. The files' messages are merged by (log time, file order,
the storage's own order), topics matched by name.

`MCAP_DUMP --rosbag2 PATH` must give: the same message list (topic, log
time, size, SHA-256), the same topics (name, type, schema and message
encoding, count from the topic and from the messages), message count,
start and end; the files found; metadata version, storage identifier,
compression, ros_distro and per topic the QoS profiles as the metadata
gives them, or without metadata.yaml as the storage holds them (the .db3
topics table, the MCAP channel metadata offered_qos_profiles, of the first
file with the topic). Where the metadata disagrees with the files
(counts, start, duration, topics, types, a files entry, a missing file)
at least one warning, naming a missing file; where it agrees, none.

One line per case and a total; exit 1 on any difference. The shared part
is skipped, saying so, when REAL_DIR is absent; MCAP cases when node or the
npm packages are unavailable (exit 77 when nothing could run).
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

import test_mcap_ref

HERE = os.path.dirname(os.path.abspath(__file__))
MCAP_REF = os.path.join(HERE, '..', 'files', 'mcap-ref.mjs')
STORAGE = re.compile(r'\.(db3|mcap)(\.zstd)?$')
ZSTD_MAGIC = bytes.fromhex('28b52ffd')


class Problem(Exception):
    pass


def run(cmd, env=None, timeout=120, input=None):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout, input=input)
    except subprocess.TimeoutExpired:
        raise Problem('%s did not end within %d s' % (cmd[0], timeout))
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace')


def natural(name):
    return [int(x) if x.isdigit() else x for x in re.split(r'(\d+)', name)]


# ---- the reference --------------------------------------------------------

def sqlite_json(path, sql):
    # immutable: sqlite would otherwise leave -shm and -wal files next to
    # a WAL-mode database, also in ../shared
    uri = 'file:%s?immutable=1' % urllib.parse.quote(os.path.abspath(path))
    rc, out, err = run(['sqlite3', '-readonly', '-json', uri, sql])
    if rc != 0:
        raise Problem('sqlite3 %s: %s' % (path, err.strip()))
    return json.loads(out) if out.strip() else []


def zstd_each(blobs, tmp):
    """each blob decompressed by one `zstd -d` call over many files"""
    d = tempfile.mkdtemp(dir=tmp)
    names = []
    for i, b in enumerate(blobs):
        p = os.path.join(d, '%d.zst' % i)
        with open(p, 'wb') as f:
            f.write(b)
        names.append(p)
    if names:
        rc, _, err = run(['zstd', '-d', '-q', '-f'] + names)
        if rc != 0:
            raise Problem('zstd -d: ' + err.strip())
    out = []
    for p in names:
        with open(p[:-4], 'rb') as f:
            out.append(f.read())
    return out


def read_db3(path, message_mode, tmp):
    """(topics {name: (type, schema_encoding, message_encoding)}, messages
    [(time, topic, data)] in (timestamp, id) order, whether MESSAGE mode,
    {name: offered_qos_profiles})"""
    cols = [c['name'] for c in sqlite_json(path, 'PRAGMA table_info(topics)')]
    fmt = 'serialization_format' if 'serialization_format' in cols else "''"
    qos = ('offered_qos_profiles' if 'offered_qos_profiles' in cols
           else 'NULL')
    topics = {}
    ids = {}
    profiles = {}
    for t in sqlite_json(path, 'SELECT id, name, type, %s AS fmt, %s AS qos'
                         ' FROM topics ORDER BY id' % (fmt, qos)):
        ids[t['id']] = t['name']
        topics.setdefault(t['name'], (t['type'], 'ros2msg', t['fmt'] or 'cdr'))
        profiles.setdefault(t['name'], t['qos'])
    rows = sqlite_json(path, 'SELECT m.topic_id AS topic_id, CAST(m.timestamp'
                       ' AS TEXT) AS ts, hex(m.data) AS data FROM messages m'
                       ' JOIN topics t ON m.topic_id = t.id'
                       ' ORDER BY m.timestamp, m.id')
    blobs = [bytes.fromhex(r['data']) for r in rows]
    if message_mode is None:
        message_mode = bool(blobs) and all(b[:4] == ZSTD_MAGIC for b in blobs)
    if message_mode:
        blobs = zstd_each(blobs, tmp)
    return topics, [(int(r['ts']), ids[r['topic_id']], b)
                    for r, b in zip(rows, blobs)], message_mode, profiles


def read_mcap(path, env, message_mode, tmp):
    """as read_db3 (messages as (size, sha256)); in MESSAGE mode (the
    metadata says so) the payloads that are zstd frames decompressed by the
    `zstd` command"""
    rc, out, err = run(['node', MCAP_REF, path, '--messages'] +
                       (['--hex'] if message_mode else []), env=env)
    if rc != 0 or 'warning' in err:
        raise Problem('mcap-ref.mjs %s: exit %d %s' % (path, rc, err.strip()))
    d = json.loads(out)
    topics = dict((t['name'], (t['type'], t['schema_encoding'],
                               t['message_encoding'])) for t in d['topics'])
    if not message_mode:
        return topics, [(int(m[1]), m[0], (m[2], m[3])) for m in d['list']], \
            d['qos']
    blobs = [bytes.fromhex(m[4]) for m in d['list']]
    framed = [i for i, b in enumerate(blobs) if b[:4] == ZSTD_MAGIC]
    for i, b in zip(framed, zstd_each([blobs[i] for i in framed], tmp)):
        blobs[i] = b
    return topics, [(int(m[1]), m[0], (len(b), hashlib.sha256(b).hexdigest()))
                    for m, b in zip(d['list'], blobs)], d['qos']


def reference(files, message_mode, env, tmp):
    """what the storage files hold, merged: {topics, messages, per_file}"""
    topics = {}
    qos = {}
    merged = []
    per_file = []
    detected = False
    for fi, path in enumerate(files):
        plain = path
        if path.endswith('.zstd'):
            plain = os.path.join(tempfile.mkdtemp(dir=tmp),
                                 os.path.basename(path)[:-5])
            rc, _, err = run(['zstd', '-d', '-q', path, '-o', plain])
            if rc != 0:
                raise Problem('zstd -d %s: %s' % (path, err.strip()))
        if plain.endswith('.db3'):
            t, msgs, mm, q = read_db3(plain, message_mode, tmp)
            detected = detected or mm
            msgs = [(ts, n, (len(b), hashlib.sha256(b).hexdigest()))
                    for ts, n, b in msgs]
        else:
            if env is None:
                raise Problem('needs @mcap/core: ' + os.path.basename(path))
            t, msgs, q = read_mcap(plain, env, message_mode, tmp)
        for n, v in t.items():
            topics.setdefault(n, v)
        for n, v in q.items():
            qos.setdefault(n, v)
        per_file.append(msgs)
        merged += [(ts, fi, k, n, d) for k, (ts, n, d) in enumerate(msgs)]
    merged.sort()
    # the storage's own QoS strings, for a recording without metadata
    qos = dict((n, yaml.safe_load(v) or [] if v else None)
               for n, v in qos.items())
    return {'topics': topics, 'per_file': per_file, 'detected': detected,
            'qos': qos,
            'messages': [[n, str(ts), d[0], d[1]]
                         for ts, _, _, n, d in merged]}


# ---- metadata -------------------------------------------------------------

def load_metadata(path):
    with open(path) as f:
        return yaml.safe_load(f)['rosbag2_bagfile_information']


def resolve(md, base):
    """(present files, missing relative paths)"""
    present, missing = [], []
    for rel in md.get('relative_file_paths') or []:
        p = os.path.join(base, rel)
        if not os.path.exists(p) and md.get('version', 0) < 4:
            p = os.path.join(os.path.dirname(base), rel)
        (present if os.path.exists(p) else missing).append(
            p if os.path.exists(p) else rel)
    return present, missing


def span(msgs):
    times = [m[0] for m in msgs]
    return (min(times), max(times) - min(times)) if times else None


def disagreements(md, ref, files, missing):
    out = ['file %s missing' % m for m in missing]
    msgs = ref['messages']
    if md.get('message_count') != len(msgs):
        out.append('message_count %s, files %d' % (md.get('message_count'),
                                                   len(msgs)))
    times = [int(m[1]) for m in msgs]
    if times:
        st = md.get('starting_time', {}).get('nanoseconds_since_epoch')
        du = md.get('duration', {}).get('nanoseconds')
        if st != min(times) or du != max(times) - min(times):
            out.append('starting_time %s duration %s, files %d %d' % (
                st, du, min(times), max(times) - min(times)))
    counts = {}
    for m in msgs:
        counts[m[0]] = counts.get(m[0], 0) + 1
    named = set()
    for t in md.get('topics_with_message_count') or []:
        tm = t['topic_metadata']
        named.add(tm['name'])
        if tm['name'] not in ref['topics']:
            out.append('topic %s not in the files' % tm['name'])
            continue
        if t.get('message_count') != counts.get(tm['name'], 0):
            out.append('%s: %s messages, files %d' % (
                tm['name'], t.get('message_count'), counts.get(tm['name'], 0)))
        if tm.get('type') != ref['topics'][tm['name']][0]:
            out.append('%s: type %s, files %s' % (
                tm['name'], tm.get('type'), ref['topics'][tm['name']][0]))
    for n in counts:
        if n not in named:
            out.append('topic %s not in the metadata' % n)
    by_path = dict((os.path.basename(f), m)
                   for f, m in zip(files, ref['per_file']))
    for e in md.get('files') or []:
        got = by_path.get(os.path.basename(e['path']))
        if got is None:
            continue
        sp = span(got) or (9223372036854775807, 0)
        want = (e['starting_time']['nanoseconds_since_epoch'],
                e['duration']['nanoseconds'])
        if e['message_count'] != len(got) or (got and want != sp):
            out.append('files entry %s disagrees' % e['path'])
    return out


def qos_of(md):
    """{topic: expected QoS JSON (list) or None}"""
    out = {}
    for t in md.get('topics_with_message_count') or []:
        tm = t['topic_metadata']
        q = tm.get('offered_qos_profiles')
        if isinstance(q, str):
            q = yaml.safe_load(q) if q.strip() else []
        out[tm['name']] = q
    return out


# ---- comparing --------------------------------------------------------------

def dump(mcap_dump, path):
    rc, out, err = run([mcap_dump, '--rosbag2', path], timeout=120)
    if rc != 0:
        return None, err.strip()
    return json.loads(out), None


def compare(got, ref, exp):
    p = []
    if got['messages'] != ref['messages']:
        a, b = got['messages'], ref['messages']
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]),
                 min(len(a), len(b)))
        p.append('messages: ours %d, reference %d; first difference at %d:'
                 ' ours %s, reference %s' % (len(a), len(b), i,
                                              a[i] if i < len(a) else '-',
                                              b[i] if i < len(b) else '-'))
    if got['read_errors']:
        p.append('read errors: %s' % got['read_errors'])
    counts = {}
    for m in ref['messages']:
        counts[m[0]] = counts.get(m[0], 0) + 1
    gt = dict((t['name'], t) for t in got['topics'])
    if set(gt) != set(ref['topics']):
        p.append('topics: ours %s, reference %s' % (sorted(gt),
                                                    sorted(ref['topics'])))
    for n, (typ, senc, menc) in sorted(ref['topics'].items()):
        t = gt.get(n)
        if t is None:
            continue
        want = {'type': typ, 'schema_encoding': senc, 'message_encoding': menc,
                'count': counts.get(n, 0), 'qos': exp['qos'].get(n)}
        for k, v in want.items():
            if k == 'qos' and v == [] and t[k] is None:
                continue
            if t[k] != v:
                p.append('%s.%s: ours %s, reference %s' % (
                    n, k, json.dumps(t[k]), json.dumps(v)))
    times = [int(m[1]) for m in ref['messages']] or [0]
    for k, v in (('message_count', len(ref['messages'])),
                 ('start_ns', str(min(times))), ('end_ns', str(max(times))),
                 ('metadata_version', exp['version']),
                 ('storage_identifier', exp['storage']),
                 ('compression', exp['compression'])):
        if got[k] != v:
            p.append('%s: ours %s, reference %s' % (k, json.dumps(got[k]),
                                                    json.dumps(v)))
    if got['ros_distro'] not in ([exp['distro']] if exp['distro']
                                 else [None, '']):
        p.append('ros_distro: ours %s, metadata %s' % (got['ros_distro'],
                                                       exp['distro']))
    gf = [os.path.realpath(f) for f in got['files']]
    rf = [os.path.realpath(f) for f in exp['files']]
    if gf != rf:
        p.append('files: ours %s, reference %s' % (got['files'], exp['files']))
    w = got['warnings']
    if exp['disagree'] and not w:
        p.append('no warning, but the metadata disagrees with the files: ' +
                 '; '.join(exp['disagree']))
    if exp['expect_warning'] and not w:
        p.append('no warning: ' + exp['expect_warning'])
    if not exp['disagree'] and not exp['expect_warning'] and w:
        p.append('warnings where metadata and files agree: %s' % w)
    for m in exp['missing']:
        if not any(os.path.basename(m) in x for x in w):
            p.append('no warning names the missing %s: %s' % (m, w))
    return p


def check_dir(case, mcap_dump, env, tmp):
    """a rosbag2 directory, by its path and its metadata.yaml"""
    label, d, target = case
    mdp = os.path.join(d, 'metadata.yaml')
    exp = {'qos': {}, 'distro': None, 'expect_warning': None, 'version': 0}
    if os.path.exists(mdp):
        md = load_metadata(mdp)
        files, missing = resolve(md, d)
        fmt, mode = md.get('compression_format'), md.get('compression_mode')
        exp.update(version=md.get('version'), qos=qos_of(md),
                   distro=md.get('ros_distro') or None,
                   storage=md.get('storage_identifier'),
                   compression={'format': fmt, 'mode': mode} if mode else None)
        message_mode = (mode or '').upper() == 'MESSAGE'
    else:
        md, missing, message_mode = None, [], None
        files = [os.path.join(d, f) for f in sorted(os.listdir(d), key=natural)
                 if STORAGE.search(f)]
        exp['expect_warning'] = 'a directory without metadata.yaml'
        exp['storage'] = 'sqlite3' if '.db3' in files[0] else 'mcap'
    ref = reference(files, message_mode, env, tmp)
    if md is None:
        exp['qos'] = ref['qos']
        zst = [f for f in files if f.endswith('.zstd')]
        exp['compression'] = ({'format': 'zstd', 'mode': 'FILE'} if zst else
                              {'format': 'zstd', 'mode': 'MESSAGE'}
                              if ref['detected'] else None)
    exp.update(files=files, missing=missing,
               disagree=disagreements(md, ref, files, missing) if md else [])
    problems = []
    if target:
        # the reference against what `ros2 bag reindex` made of the folder
        tmd = load_metadata(target)
        counts = {}
        for m in ref['messages']:
            counts[m[0]] = counts.get(m[0], 0) + 1
        want = dict((t['topic_metadata']['name'], t['message_count'])
                    for t in tmd['topics_with_message_count'] if
                    t['message_count'])
        if tmd['message_count'] != len(ref['messages']) or want != counts:
            problems.append('the reference reads %s, target_metadata says %s'
                            % (counts, want))
    paths = [d] + ([mdp] if md is not None else [])
    first = None
    for path in paths:
        got, err = dump(mcap_dump, path)
        if got is None:
            problems.append('opening %s: %s' % (path, err))
            continue
        problems += ['%s: %s' % (os.path.basename(path) or path, x)
                     for x in compare(got, ref, exp)]
        if first is not None and got != first:
            problems.append('by metadata.yaml differs from by directory')
        first = got
    info = '%d messages, %d topics, %d files, %d warnings%s' % (
        len(ref['messages']), len(ref['topics']), len(files),
        len(first['warnings']) if first else 0,
        ', by path and metadata.yaml' if len(paths) > 1 else '')
    return problems, info


def check_zstd_file(case, mcap_dump, env, tmp):
    """one .db3.zstd or .mcap.zstd opened alone"""
    _, path, _ = case
    ref = reference([path], None, env, tmp)
    got, err = dump(mcap_dump, path)
    if got is None:
        return ['opening: ' + err], ''
    exp = {'qos': ref['qos'], 'distro': None, 'expect_warning': None,
           'version': 0, 'storage': 'sqlite3' if '.db3' in path else 'mcap',
           'compression': {'format': 'zstd', 'mode': 'FILE'},
           'files': [path], 'missing': [], 'disagree': []}
    return compare(got, ref, exp), '%d messages' % len(ref['messages'])


def check_unopenable(case, mcap_dump, env, tmp):
    """a metadata.yaml whose files are not there: an error naming them, or
    nothing read and a warning naming them"""
    _, path, _ = case
    md = load_metadata(path)
    names = [os.path.basename(p) for p in md['relative_file_paths']]
    got, err = dump(mcap_dump, path)
    if got is None:
        if not any(n in err for n in names):
            return ['the error does not name the files: ' + err], ''
        return [], 'refused: ' + err[:120]
    p = []
    if got['messages']:
        p.append('%d messages read from files that are not there' %
                 len(got['messages']))
    if not any(n in w for n in names for w in got['warnings']):
        p.append('no warning names the files: %s' % got['warnings'])
    return p, 'opened empty, %d warnings' % len(got['warnings'])


def cases(fixtures, real):
    out = []
    for n in sorted(os.listdir(fixtures)):
        if os.path.isdir(os.path.join(fixtures, n)):
            out.append((check_dir, ('fixtures/' + n, os.path.join(fixtures, n),
                                    None)))
    for root in (fixtures, real):
        if not os.path.isdir(root):
            continue
        for dirpath, dirs, files in os.walk(root):
            dirs.sort()
            rel = os.path.relpath(dirpath, real) if root == real else None
            for f in sorted(files):
                p = os.path.join(dirpath, f)
                if f.endswith('.zstd'):
                    out.append((check_zstd_file, (os.path.relpath(
                        p, os.path.dirname(root)), p, None)))
            if rel is None:
                continue
            parent = os.path.basename(os.path.dirname(dirpath))
            if 'metadata.yaml' in files and parent == 'target_metadata':
                out.append((check_unopenable, (rel + '/metadata.yaml',
                                               os.path.join(dirpath,
                                                            'metadata.yaml'),
                                               None)))
            elif 'metadata.yaml' in files:
                out.append((check_dir, (rel, dirpath, None)))
            elif any(STORAGE.search(f) for f in files):
                target = os.path.join(os.path.dirname(dirpath),
                                      'target_metadata',
                                      os.path.basename(dirpath),
                                      'metadata.yaml')
                if os.path.exists(target):
                    out.append((check_dir, (rel, dirpath, target)))
    return out


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    mcap_dump, npm_dir, fixtures, real = argv[1:5]
    only = argv[5:]
    for tool in ('sqlite3', 'zstd'):
        if shutil.which(tool) is None:
            print('SKIP: the %s command is not installed' % tool)
            return 77
    if not os.path.isdir(fixtures):
        print('FAIL: fixture folder %s is absent' % fixtures)
        return 1
    why = test_mcap_ref.npm_unavailable(npm_dir)
    env = None
    if why:
        print('SKIP the MCAP cases: @mcap/core is unavailable: ' + why)
    else:
        env = dict(os.environ)
        env['NODE_PATH'] = os.path.join(os.path.abspath(npm_dir),
                                        'node_modules')
    if not os.path.isdir(real):
        print('SKIP real recordings: %s is absent (the shared reference data'
              ' lies outside the repository)' % real)
    todo = [c for c in cases(fixtures, real)
            if not only or any(s in c[1][0] for s in only)]
    failed, skipped = [], []
    tmp = tempfile.mkdtemp(prefix='test-rosbag2-ref-')

    def one(c):
        fn, case = c
        try:
            return (case[0],) + fn(case, mcap_dump, env, tmp)
        except Problem as e:
            return case[0], None, str(e)

    try:
        # two workers: the machine is small and shared
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for label, problems, info in ex.map(one, todo):
                if problems is None and info.startswith('needs @mcap/core'):
                    skipped.append(label)
                    print('SKIP %s (%s)' % (label, info))
                elif problems is None:
                    failed.append(label)
                    print('FAIL %s\n    reference: %s' % (label, info))
                elif problems:
                    failed.append(label)
                    print('FAIL %s (%s)' % (label, info))
                    for x in problems:
                        print('   ', x)
                else:
                    print('ok %s (%s)' % (label, info))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = len(todo) - len(skipped)
    print('%d passed, %d failed, %d skipped' % (n - len(failed), len(failed),
                                                len(skipped)))
    if failed:
        return 1
    return 77 if n == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
