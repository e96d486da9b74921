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
"""The independent reference for rosmsgconvert: messages as genpy reads them.

Run with /usr/bin/python3 (the interpreter that imports rosbag).

Every message is deserialized by genpy with the class python3-rosbag builds
from the connection's own message_definition (genpy.dynamic, as
Bag.read_messages does), then printed with rosmsgconvert's conventions:

  {"topic": T, "receive_ns": N, "msg": {...}}   one line per message
  field names and order as in the .msg, nested messages as objects,
  arrays as arrays, uint8[] / char[] (fixed or variable) as base64,
  time / duration as integer nanoseconds (or {"secs","nsecs"} with
  --time-format secs-nsecs: the values as stored; genpy canonicalises
  only the root message's own time/duration fields, so there both sides
  are compared canonicalised), non-finite
  floats as null, strings as genpy decodes them (invalid UTF-8 -> U+FFFD).

  rosmsg-ref.py json BAG [--topics a,b] [--time-format ns|secs-nsecs]
      prints the JSON lines, in read_messages order.

  Options --byte-arrays length: variable uint8[] / char[] as their length
  (rosmsgconvert byte-arrays=length).

  rosmsg-ref.py compare BAG OURS.jsonl [--topics a,b] [--time-format F]
      reads OURS (JSON lines written by gst-rosbag) and compares them value
      by value with genpy's view of the same bag: same topics, same count
      per topic, and per message (matched per topic in receive-time order)
      the same keys in the same order and the same values. float64 must be
      equal exactly (our text reads back to the same double), float32 must
      read back to the same float32. Prints a summary line
      "compared N messages, M topics, T types" and exits 1 on the first
      differences (up to 10 are listed). With --allow-extra (for unindexed
      bags, where our reader may recover messages that python3-rosbag's
      reindex drops) every genpy message must have an equal one of ours
      with the same topic and receive time; extra ones of ours are ignored.

  rosmsg-ref.py compare-csv BAG TOPIC OURS.csv [--time-format F]
      reads OURS (rosmsgconvert format=csv for one topic) with Python's csv
      module and compares it with genpy's view of that topic: the header
      row (receive_ns, then dotted names, fixed arrays expanded as name.N,
      variable arrays one column holding JSON) and every cell, typed as in
      the definition (floats as above; nan/inf/-inf for non-finite; NUL in
      strings as U+FFFD).

  rosmsg-ref.py types BAG
      one line per connection: topic TAB type TAB md5sum

  rosmsg-ref.py make-fixture OUT.bag
      writes tests/files/rosmsg-types.bag with python3-rosbag: a custom
      type with every builtin, fixed and variable arrays of each kind,
      nested and bare-named types, constants (a string one with '#'),
      extreme integers, non-finite and signed-zero floats, negative and
      non-canonical durations/times, and strings with quotes, control
      characters, NUL and invalid UTF-8 (patched into the serialized bytes).

An unindexed bag is read from a temporary copy reindexed by python3-rosbag.

Exit status: 0 on success, 1 on differences, 2 when python3-rosbag cannot
read the file (the reason on stderr).
"""

import base64
import io
import json
import math
import struct
import sys

try:
    import rosbag
    import genpy
except ImportError as e:  # pragma: no cover
    sys.stderr.write("cannot import rosbag/genpy (%s): use /usr/bin/python3\n" % e)
    sys.exit(2)

import logging
# genpy logs once per type when it replaces invalid UTF-8; keep stderr clean
logging.getLogger('rosout').setLevel(logging.CRITICAL)

BYTES_TYPES = ('uint8', 'char')
# --byte-arrays length: variable uint8[] / char[] as their length
BYTES_AS_LENGTH = [False]
FLOAT_TYPES = ('float32', 'float64')


def split_type(t):
    """'uint8[16]' -> ('uint8', True, 16); 'Foo[]' -> ('Foo', True, None)"""
    if t.endswith(']'):
        i = t.index('[')
        n = t[i + 1:-1]
        return t[:i], True, (int(n) if n else None)
    return t, False, None


def conv_scalar(base, v, secs_nsecs):
    if base in ('time', 'duration'):
        if secs_nsecs:
            return {"secs": v.secs, "nsecs": v.nsecs}
        return v.secs * 1000000000 + v.nsecs
    if base in FLOAT_TYPES:
        return v if math.isfinite(v) else None
    if base == 'bool':
        return bool(v)
    if base in ('string',):
        return v
    if hasattr(v, '__slots__'):
        return to_json(v, secs_nsecs)
    return int(v)


def to_json(msg, secs_nsecs=False):
    out = {}
    for name, t in zip(msg.__slots__, msg._slot_types):
        v = getattr(msg, name)
        base, is_array, _ = split_type(t)
        if is_array:
            if base in BYTES_TYPES:
                if isinstance(v, str):
                    v = v.encode('latin-1')
                if BYTES_AS_LENGTH[0] and split_type(t)[2] is None:
                    out[name] = len(v)
                else:
                    out[name] = base64.b64encode(bytes(v)).decode('ascii')
            else:
                out[name] = [conv_scalar(base, x, secs_nsecs) for x in v]
        else:
            out[name] = conv_scalar(base, v, secs_nsecs)
    return out


_tmpdirs = []


def open_bag(path):
    try:
        return rosbag.Bag(path, 'r')
    except rosbag.ROSBagUnindexedException:
        pass
    except Exception as e:
        sys.stderr.write("python3-rosbag cannot read %s: %s\n" % (path, e))
        sys.exit(2)
    import os
    import shutil
    import tempfile
    tmpdir = tempfile.mkdtemp(prefix='rosmsg-ref-')
    _tmpdirs.append(tmpdir)
    copy = os.path.join(tmpdir, os.path.basename(path))
    shutil.copyfile(path, copy)
    sys.stderr.write("rosmsg-ref: %s is unindexed; reading a reindexed copy\n" % path)
    try:
        b = rosbag.Bag(copy, 'a', allow_unindexed=True)
        try:
            for _ in b.reindex():
                pass
        except Exception as ex:  # what `rosbag reindex` does too
            sys.stderr.write("rosmsg-ref: reindex stopped: %s\n" % ex)
        b.close()
        return rosbag.Bag(copy, 'r')
    except Exception as e:
        sys.stderr.write("python3-rosbag cannot read %s: %s\n" % (path, e))
        sys.exit(2)


FIXTURE_INNER = """# a nested type referenced by its bare name
int16 a
string label
float32[2] xy
time stamp
"""

FIXTURE_DEF = """# every builtin, every array kind
uint8 FOO=1
int32 NEG=-5
string GREETING=hello # this is part of the value
float64 PI=3.14159  # a comment
Header header
bool b
int8 i8
byte by
uint8 u8
char ch
int16 i16
uint16 u16
int32 i32
uint32 u32
int64 i64
uint64 u64
float32 f32
float64 f64
string s
time t
duration d
bool[] ba
int8[3] i8f
uint8[] bytes_var
uint8[4] bytes_fixed
char[] chars
float32[] f32v
float64[2] f64f
string[] sv
string[2] sf
time[] tv
duration[2] df
Inner inner
Inner[] inner_v
Inner[2] inner_f
geometry_msgs/Point pt
int64[] i64v
uint64[2] u64f
"""

ODD_STRINGS = [
    b'plain',
    b'quote " backslash \\ slash / comma , semicolon ;',
    b'new\nline\r\ttab \x01\x1f\x7f end',
    b'nul\x00inside',
    b'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80',
    b'bad \xff byte',
    b'lone \xc3 lead',
    b'surrogate \xed\xa0\x80 x',
    b'too big \xf4\x90\x80\x80 x',
    b'overlong \xc0\xaf x',
    b'cut at end \xe2\x82',
    b'',
]


def make_fixture(out_path):
    import genpy.dynamic
    from geometry_msgs.msg import Point
    from std_msgs.msg import Header
    full = (FIXTURE_DEF + "=" * 80 + "\nMSG: std_msgs/Header\n" + Header._full_text +
            "\n" + "=" * 80 + "\nMSG: rosmsg_test/Inner\n" + FIXTURE_INNER +
            "=" * 80 + "\nMSG: geometry_msgs/Point\n" + Point._full_text + "\n")
    classes = genpy.dynamic.generate_dynamic('rosmsg_test/AllTypes', full)
    All = classes['rosmsg_test/AllTypes']
    Inner = classes['rosmsg_test/Inner']
    P = classes['geometry_msgs/Point']
    inf = float('inf')
    nan = float('nan')

    def tm(s, n):
        t = genpy.Time()
        t.secs, t.nsecs = s, n
        return t

    def du(s, n):
        d = genpy.Duration()
        d.secs, d.nsecs = s, n
        return d

    bag = rosbag.Bag(out_path, 'w')
    base = 1700000000
    for k in range(len(ODD_STRINGS)):
        m = All()
        m.header.seq = k
        m.header.stamp = tm(base + k, 123456789)
        m.header.frame_id = 'frame_%d' % k
        m.b = bool(k % 2)
        m.i8 = [-128, 127, -1, 0][k % 4]
        m.by = [-128, 127, 5, -7][k % 4]
        m.u8 = [0, 255, 128, 7][k % 4]
        m.ch = [0, 255, 65, 10][k % 4]
        m.i16 = [-32768, 32767, -2, 3][k % 4]
        m.u16 = [0, 65535, 1234, 7][k % 4]
        m.i32 = [-2147483648, 2147483647, -1, 42][k % 4]
        m.u32 = [0, 4294967295, 99, 1][k % 4]
        m.i64 = [-9223372036854775808, 9223372036854775807, -1, 10 ** 15][k % 4]
        m.u64 = [0, 18446744073709551615, 2 ** 53 + 1, 12345][k % 4]
        m.f32 = [0.1, -0.0, inf, -inf, nan, 3.4028234663852886e38, 1e-45,
                 1.1754943508222875e-38, 16777217.0, -2.5, 1e10, 0.0][k]
        m.f64 = [0.1, -0.0, inf, -inf, nan, 1.7976931348623157e308, 5e-324,
                 2.2250738585072014e-308, 2 ** 53 + 1.0, -2.5, 1e22, 1 / 3.0][k]
        m.s = 'S' * len(ODD_STRINGS[k])   # patched below
        m.t = [tm(0, 0), tm(4294967295, 999999999), tm(1, 1500000000), tm(base, 5)][k % 4]
        m.d = [du(-1, 500000000), du(1, -5), du(-2147483648, -999999999),
               du(2147483647, 999999999)][k % 4]
        m.ba = [bool((k + i) % 3) for i in range(k)]
        m.i8f = [-128, k, 127]
        m.bytes_var = bytes(range(k * 20 % 256))[:k * 7]
        m.bytes_fixed = bytes([k, 255, 0, 128])
        m.chars = b'chars\x00\xff'[:k]
        m.f32v = [float(i) / 3.0 for i in range(k)] + ([nan, inf] if k % 3 == 0 else [])
        m.f64f = [k / 7.0, -inf if k % 2 else 1e-300]
        m.sv = ['v%d' % i for i in range(k % 4)] + (['a,b "c"'] if k % 2 else [])
        m.sf = ['fixed', 'with\nnewline' if k % 2 else '']
        m.tv = [tm(i, i * 1000) for i in range(k % 3)]
        m.df = [du(-k, 0), du(0, -k)]
        m.inner = Inner(a=-k, label='inner %d' % k, xy=[0.5, -1.25], stamp=tm(k, k))
        m.inner_v = [Inner(a=i, label='v%d' % i, xy=[i, -i], stamp=tm(i, 0))
                     for i in range(k % 4)]
        m.inner_f = [Inner(a=1, label='f0', xy=[1.0, 2.0], stamp=tm(1, 2)),
                     Inner(a=2, label='f1,"q"', xy=[nan, 4.0], stamp=tm(3, 4))]
        m.pt = P(x=k * 0.1, y=-k * 1e-17, z=1e300)
        m.i64v = [-(2 ** 63), 2 ** 63 - 1, 0][:k % 4]
        m.u64f = [2 ** 64 - 1, k]
        buf = io.BytesIO()
        m.serialize(buf)
        data = buf.getvalue()
        # patch the raw bytes of m.s: its length prefix and placeholder
        ph = struct.pack('<I', len(ODD_STRINGS[k])) + b'S' * len(ODD_STRINGS[k])
        i = data.index(ph, 4 + 8 + 4 + len(m.header.frame_id))
        data = data[:i] + struct.pack('<I', len(ODD_STRINGS[k])) + ODD_STRINGS[k] + data[i + len(ph):]
        bag.write('/all_types', (All._type, data, All._md5sum, All), tm(base + k, 500),
                  raw=True)
    # a second topic: a type that is only constants (nothing on the wire)
    C = genpy.dynamic.generate_dynamic('rosmsg_test/OnlyConstants',
                                       'int8 A=1\nstring B=x#y\n')['rosmsg_test/OnlyConstants']
    for k in range(2):
        bag.write('/only_constants', (C._type, b'', C._md5sum, C), tm(base + 20 + k, 0), raw=True)
    bag.close()
    return 0


def iter_messages(path, topics, secs_nsecs):
    """yields (topic, receive_ns, json_dict, msg, type)"""
    bag = open_bag(path)
    try:
        for topic, raw, t in bag.read_messages(topics=topics, raw=True):
            datatype, data, md5sum, pos, pytype = raw
            msg = pytype()
            msg.deserialize(data)
            yield topic, t.to_nsec(), msg, datatype
    finally:
        bag.close()


def float32_equal(a, b):
    try:
        return struct.pack('<f', a) == struct.pack('<f', b)
    except (OverflowError, struct.error):
        return False


class Mismatch(Exception):
    pass


def canon(d):
    over = d["nsecs"] // 1000000000
    return {"secs": d["secs"] + over, "nsecs": d["nsecs"] - over * 1000000000}


def cmp_scalar(base, ref, ours, path, secs_nsecs):
    if base in ('time', 'duration'):
        if secs_nsecs:
            want = {"secs": ref.secs, "nsecs": ref.nsecs}
            if '.' not in path and '[' not in path and isinstance(ours, dict) \
                    and set(ours.keys()) == {"secs", "nsecs"}:
                # genpy's post-deserialize canon() of root-level fields
                ours = canon(ours)
            if ours != want:
                raise Mismatch("%s: %r != genpy %r" % (path, ours, want))
        elif ours != ref.to_nsec() or type(ours) is not int:
            raise Mismatch("%s: %r != genpy %r" % (path, ours, ref.to_nsec()))
    elif base in FLOAT_TYPES:
        if not math.isfinite(ref):
            if ours is not None:
                raise Mismatch("%s: %r, want null (genpy %r)" % (path, ours, ref))
        elif not isinstance(ours, (int, float)) or isinstance(ours, bool):
            raise Mismatch("%s: %r is not a number (genpy %r)" % (path, ours, ref))
        elif base == 'float64':
            if float(ours) != ref:
                raise Mismatch("%s: %r != genpy %r" % (path, ours, ref))
        elif not float32_equal(float(ours), ref):
            raise Mismatch("%s: %r != genpy float32 %r" % (path, ours, ref))
    elif base == 'bool':
        if ours is not bool(ref):
            raise Mismatch("%s: %r != genpy %r" % (path, ours, bool(ref)))
    elif base == 'string':
        if ours != ref:
            raise Mismatch("%s: %r != genpy %r" % (path, ours, ref))
    elif hasattr(ref, '__slots__'):
        cmp_msg(ref, ours, path, secs_nsecs)
    else:
        if type(ours) is not int or ours != int(ref):
            raise Mismatch("%s: %r != genpy %r" % (path, ours, ref))


def cmp_msg(ref, ours, path, secs_nsecs):
    if not isinstance(ours, dict):
        raise Mismatch("%s: not an object: %r" % (path, ours))
    if list(ours.keys()) != list(ref.__slots__):
        raise Mismatch("%s: keys %r != genpy %r" % (path, list(ours.keys()),
                                                    list(ref.__slots__)))
    for name, t in zip(ref.__slots__, ref._slot_types):
        v = getattr(ref, name)
        p = (path + "." + name) if path else name
        base, is_array, n = split_type(t)
        o = ours[name]
        if is_array:
            if base in BYTES_TYPES:
                if isinstance(v, str):
                    v = v.encode('latin-1')
                if BYTES_AS_LENGTH[0] and n is None:
                    if type(o) is not int or o != len(v):
                        raise Mismatch("%s: %r != length %d" % (p, o, len(v)))
                    continue
                if not isinstance(o, str):
                    raise Mismatch("%s: %r is not base64" % (p, o))
                if base64.b64decode(o) != bytes(v):
                    raise Mismatch("%s: bytes differ (%d vs genpy %d bytes)"
                                   % (p, len(base64.b64decode(o)), len(v)))
                continue
            if not isinstance(o, list) or len(o) != len(v):
                raise Mismatch("%s: %r is not a list of %d" % (p, o if not isinstance(o, list) else len(o), len(v)))
            for i, (rx, ox) in enumerate(zip(v, o)):
                cmp_scalar(base, rx, ox, "%s[%d]" % (p, i), secs_nsecs)
        else:
            cmp_scalar(base, v, o, p, secs_nsecs)


def csv_flatten(msg, prefix, secs_nsecs, out):
    """(column, base type, kind, genpy value) in column order;
    kind: 'scalar', 'bytes1' (one element of a fixed byte array),
    'array' (a variable array as one JSON cell)"""
    for name, t in zip(msg.__slots__, msg._slot_types):
        v = getattr(msg, name)
        col = prefix + name
        base, is_array, n = split_type(t)
        if is_array and n is None:
            out.append((col, base, 'array', v))
        elif is_array:
            if base in BYTES_TYPES and isinstance(v, str):
                v = v.encode('latin-1')
            for i in range(n):
                csv_elem("%s.%d" % (col, i), base, v[i], secs_nsecs, out,
                         'bytes1' if base in BYTES_TYPES else 'scalar')
        else:
            csv_elem(col, base, v, secs_nsecs, out, 'scalar')


def csv_elem(col, base, v, secs_nsecs, out, kind):
    if hasattr(v, '__slots__') and base not in ('time', 'duration'):
        csv_flatten(v, col + ".", secs_nsecs, out)
    elif base in ('time', 'duration') and secs_nsecs:
        out.append((col + ".secs", 'int', kind, v.secs))
        out.append((col + ".nsecs", 'int', kind, v.nsecs))
    else:
        out.append((col, base, kind, v))


def cmp_csv_cell(base, kind, ref, cell, path, secs_nsecs):
    if kind == 'array':
        if base in BYTES_TYPES:
            # a variable byte array: the base64 text itself, unquoted
            if isinstance(ref, str):
                ref = ref.encode('latin-1')
            if BYTES_AS_LENGTH[0]:
                if cell != str(len(ref)):
                    raise Mismatch("%s: %r != length %d" % (path, cell, len(ref)))
                return
            if base64.b64decode(cell) != bytes(ref):
                raise Mismatch("%s: bytes differ" % path)
            return
        try:
            ours = json.loads(cell)
        except ValueError:
            raise Mismatch("%s: cell %r is not JSON" % (path, cell))
        if not isinstance(ours, list) or len(ours) != len(ref):
            raise Mismatch("%s: %r is not a list of %d" % (path, cell[:80], len(ref)))
        for i, (rx, ox) in enumerate(zip(ref, ours)):
            cmp_scalar(base, rx, ox, "%s[%d]" % (path, i), secs_nsecs)
        return
    if kind == 'bytes1' or base == 'int':
        if cell != str(int(ref)):
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref))
    elif base in ('time', 'duration'):
        if cell != str(ref.to_nsec()):
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref.to_nsec()))
    elif base in FLOAT_TYPES:
        if math.isnan(ref):
            ok = cell == 'nan'
        elif math.isinf(ref):
            ok = cell == ('inf' if ref > 0 else '-inf')
        else:
            try:
                f = float(cell)
            except ValueError:
                f = None
            ok = f is not None and (f == ref if base == 'float64' else float32_equal(f, ref))
        if not ok:
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref))
    elif base == 'bool':
        if cell != ('true' if ref else 'false'):
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref))
    elif base == 'string':
        # CSV cannot carry NUL: it becomes U+FFFD
        if cell != ref.replace('\x00', '\ufffd'):
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref))
    else:
        if cell != str(int(ref)):
            raise Mismatch("%s: %r != genpy %r" % (path, cell, ref))


def cmd_compare_csv(path, topic, ours_path, opts):
    import csv
    csv.field_size_limit(sys.maxsize)
    with open(ours_path, 'r', encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    ref = [(t, msg) for _, t, msg, _ in iter_messages(path, [topic], opts["secs_nsecs"])]
    errors = []
    if not rows:
        print("ours is empty")
        return 1
    header, rows = rows[0], rows[1:]
    if len(rows) != len(ref):
        errors.append("%d rows, genpy %d messages" % (len(rows), len(ref)))
    ncols = 0
    for i, (row, (t, msg)) in enumerate(zip(rows, ref)):
        cols = []
        csv_flatten(msg, "", opts["secs_nsecs"], cols)
        want_header = ["receive_ns"] + [c[0] for c in cols]
        ncols = len(want_header)
        if header != want_header:
            errors.append("header %r != %r" % (header[:8], want_header[:8]))
            break
        if len(row) != len(header):
            errors.append("row %d: %d cells, header %d" % (i, len(row), len(header)))
            continue
        if opts["secs_nsecs"]:
            # genpy canonicalises the root message's own time fields
            for j in range(1, len(header) - 1):
                if header[j].endswith('.secs') and header[j].count('.') == 1 \
                        and header[j + 1] == header[j][:-5] + '.nsecs':
                    c = canon({"secs": int(row[j]), "nsecs": int(row[j + 1])})
                    row[j], row[j + 1] = str(c["secs"]), str(c["nsecs"])
        if row[0] != str(t):
            errors.append("row %d: receive_ns %r != genpy %r" % (i, row[0], t))
        for (col, base, kind, v), cell in zip(cols, row[1:]):
            try:
                cmp_csv_cell(base, kind, v, cell, "row %d %s" % (i, col), opts["secs_nsecs"])
            except Mismatch as e:
                errors.append(str(e))
        if len(errors) >= 10:
            break
    print("compared %d rows of %d columns" % (len(rows), ncols))
    for e in errors[:10]:
        print("DIFF " + (e if len(e) < 400 else e[:400] + "..."))
    return 1 if errors else 0


def parse_opts(args):
    opts = {"topics": None, "secs_nsecs": False, "allow_extra": False}
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == '--topics':
            opts["topics"] = [x.strip() for x in args[i + 1].split(',') if x.strip()]
            i += 2
        elif a == '--byte-arrays':
            BYTES_AS_LENGTH[0] = args[i + 1] == 'length'
            i += 2
        elif a == '--allow-extra':
            opts["allow_extra"] = True
            i += 1
        elif a == '--time-format':
            opts["secs_nsecs"] = args[i + 1] == 'secs-nsecs'
            i += 2
        else:
            rest.append(a)
            i += 1
    return opts, rest


def cmd_json(path, opts):
    out = sys.stdout
    for topic, t, msg, _ in iter_messages(path, opts["topics"], opts["secs_nsecs"]):
        line = {"topic": topic, "receive_ns": t, "msg": to_json(msg, opts["secs_nsecs"])}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def cmd_compare(path, ours_path, opts):
    ours = {}
    with open(ours_path, 'r', encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                print("ours line %d is not JSON: %s: %.200s" % (lineno, e, line))
                return 1
            if set(obj.keys()) != {"topic", "receive_ns", "msg"}:
                print("ours line %d: keys %r" % (lineno, list(obj.keys())))
                return 1
            ours.setdefault(obj["topic"], []).append(obj)
    ref = {}
    types = set()
    for topic, t, msg, datatype in iter_messages(path, opts["topics"], opts["secs_nsecs"]):
        ref.setdefault(topic, []).append((t, msg))
        types.add(datatype)
    errors = []
    if opts["allow_extra"]:
        for topic in list(ours.keys()):
            times = set(t for t, _ in ref.get(topic, []))
            ours[topic] = [o for o in ours[topic] if o["receive_ns"] in times]
            if not ours[topic]:
                del ours[topic]
    if sorted(ours.keys()) != sorted(ref.keys()):
        errors.append("topics %r != genpy %r" % (sorted(ours.keys()), sorted(ref.keys())))
    n = 0
    for topic in sorted(ref.keys()):
        r = ref[topic]
        o = ours.get(topic, [])
        if len(r) != len(o):
            errors.append("%s: %d messages, genpy %d" % (topic, len(o), len(r)))
            continue
        # match in receive-time order; equal times keep their order
        r = sorted(r, key=lambda x: x[0])
        o = sorted(o, key=lambda x: x["receive_ns"])
        for i, ((rt, rmsg), obj) in enumerate(zip(r, o)):
            n += 1
            if obj["receive_ns"] != rt:
                errors.append("%s #%d: receive_ns %r != genpy %r" % (topic, i, obj["receive_ns"], rt))
                continue
            try:
                cmp_msg(rmsg, obj["msg"], "", opts["secs_nsecs"])
            except Mismatch as e:
                # equal receive times can come in another order: try neighbours
                ok = False
                for j, obj2 in enumerate(o):
                    if j != i and obj2["receive_ns"] == rt:
                        try:
                            cmp_msg(rmsg, obj2["msg"], "", opts["secs_nsecs"])
                            ok = True
                            break
                        except Mismatch:
                            pass
                if not ok:
                    errors.append("%s #%d: %s" % (topic, i, e))
            if len(errors) >= 10:
                break
    print("compared %d messages, %d topics, %d types" % (n, len(ref), len(types)))
    for e in errors[:10]:
        print("DIFF " + (e if len(e) < 400 else e[:400] + "..."))
    return 1 if errors else 0


def cmd_types(path):
    bag = open_bag(path)
    for c in bag._connections.values():
        print("%s\t%s\t%s" % (c.topic, c.datatype, c.md5sum))
    bag.close()
    return 0


def main(argv):
    opts, rest = parse_opts(argv[1:])
    if len(rest) == 2 and rest[0] == 'json':
        return cmd_json(rest[1], opts)
    if len(rest) == 3 and rest[0] == 'compare':
        return cmd_compare(rest[1], rest[2], opts)
    if len(rest) == 4 and rest[0] == 'compare-csv':
        return cmd_compare_csv(rest[1], rest[2], rest[3], opts)
    if len(rest) == 2 and rest[0] == 'types':
        return cmd_types(rest[1])
    if len(rest) == 2 and rest[0] == 'make-fixture':
        return make_fixture(rest[1])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    try:
        rc = main(sys.argv)
    finally:
        import shutil
        for d in _tmpdirs:
            shutil.rmtree(d, ignore_errors=True)
    sys.exit(rc)
