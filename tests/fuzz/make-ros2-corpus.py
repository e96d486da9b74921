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
"""Writes ROS 2 seeds of fuzz_msgdef into tests/fuzz/corpus/msgdef/.

    make-ros2-corpus.py [MCAP ...]

Standard library only (and the zstd command for zstd chunks). Reads the
MCAP fixtures (default: tests/files/mcap/ros2-types.mcap and
ros2-images.mcap) and writes one seed per topic, mcap-<file>-<topic>:

    #type <schema name>
    #schema <schema encoding>
    #wire <message encoding>
    <schema text>\\0<the topic's first message>

A seed is kept under 4 KB: when the first message does not fit, the
smallest message of the topic is taken, and failing that the seed is not
written. Then the hand-written seeds cdr-*: ROS 2 .msg and IDL schemas with
CDR messages of both byte orders written by a small CDR encoder here
(bounded strings and arrays, wstring, empty structs, Time / Duration,
Header, defaults), encapsulations that are not decoded (XCDR2, PL_CDR),
messages that break a bound, and a ROS 2 schema read as ROS 1 bytes.
Deterministic: the same fixtures give the same files.
"""

import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, 'corpus', 'msgdef')
MAGIC = b'\x89MCAP0\r\n'
SCHEMA, CHANNEL, MESSAGE, CHUNK = 3, 4, 5, 6
MAX_SEED = 4095


def string(b, o):
    n = struct.unpack_from('<I', b, o)[0]
    return b[o + 4:o + 4 + n].decode(), o + 4 + n


def records(b):
    """(opcode, body) of a run of records"""
    o = 0
    while o + 9 <= len(b):
        op, n = struct.unpack_from('<BQ', b, o)
        yield op, b[o + 9:o + 9 + n]
        o += 9 + n


def decompress(comp, data, size):
    if comp == '':
        return data
    if comp == 'zstd':
        out = subprocess.run(['zstd', '-d', '-c', '-q'], input=data,
                             stdout=subprocess.PIPE, check=True).stdout
        assert len(out) == size, 'zstd chunk of the wrong size'
        return out
    raise SystemExit('chunk compression %r is not read here' % comp)


def read_mcap(path):
    """schemas {id: (name, encoding, data)}, channels {id: (schema id,
    topic, message encoding)}, messages [(channel id, data)] in file
    order"""
    b = open(path, 'rb').read()
    if not b.startswith(MAGIC):
        raise SystemExit('%s: not an MCAP file' % path)
    schemas, channels, messages = {}, {}, []

    def walk(recs):
        for op, body in recs:
            if op == SCHEMA:
                sid = struct.unpack_from('<H', body, 0)[0]
                name, o = string(body, 2)
                enc, o = string(body, o)
                n = struct.unpack_from('<I', body, o)[0]
                schemas[sid] = (name, enc, body[o + 4:o + 4 + n])
            elif op == CHANNEL:
                cid, sid = struct.unpack_from('<HH', body, 0)
                topic, o = string(body, 4)
                enc, o = string(body, o)
                channels[cid] = (sid, topic, enc)
            elif op == MESSAGE:
                cid = struct.unpack_from('<H', body, 0)[0]
                messages.append((cid, body[22:]))
            elif op == CHUNK:
                size = struct.unpack_from('<Q', body, 16)[0]
                comp, o = string(body, 28)
                n = struct.unpack_from('<Q', body, o)[0]
                walk(records(decompress(comp, body[o + 8:o + 8 + n], size)))

    # the data section only: the summary repeats schemas and channels
    walk(records(b[len(MAGIC):]))
    return schemas, channels, messages


def seed_of(schema, chan_enc, msg):
    name, enc, text = schema
    head = '#type %s\n#schema %s\n#wire %s\n' % (name, enc, chan_enc)
    return head.encode() + text + b'\0' + msg


SEP = '=' * 80


def deps(*blocks):
    """the text of dependencies: (name, text) after separator lines"""
    return ''.join('%s\nMSG: %s\n%s' % (SEP, n, t) for n, t in blocks)


TIME = ('builtin_interfaces/Time', 'int32 sec\nuint32 nanosec\n')
DURATION = ('builtin_interfaces/Duration', 'int32 sec\nuint32 nanosec\n')
HEADER = ('std_msgs/Header', 'builtin_interfaces/Time stamp\n'
          'string frame_id\n')


class Cdr:
    """XCDR1: a 4-byte encapsulation header, then every primitive aligned
    to its size counted from after the header"""

    def __init__(self, be=False, kind=None):
        self.be = be
        kind = (0 if be else 1) if kind is None else kind
        self.b = bytearray(struct.pack('>HH', kind, 0))

    def prim(self, fmt, *v):
        n = struct.calcsize('<' + fmt[0])
        self.b += b'\0' * ((n - (len(self.b) - 4) % n) % n)
        self.b += struct.pack(('>' if self.be else '<') + fmt, *v)
        return self

    def u8(self, v):
        return self.prim('B', v)

    def u32(self, v):
        return self.prim('I', v)

    def i32(self, v):
        return self.prim('i', v)

    def raw(self, b):
        self.b += b
        return self

    def string(self, s):
        b = s.encode() + b'\0'
        return self.u32(len(b)).raw(b)

    def wstring(self, s):
        self.u32(len(s))
        for c in s:
            self.u32(ord(c))
        return self

    def time(self, sec, nsec):
        return self.i32(sec).u32(nsec)

    def header(self, sec, nsec, frame):
        return self.time(sec, nsec).string(frame)

    def data(self):
        return bytes(self.b)


BASIC = """
# every ROS 2 kind of field
builtin_interfaces/Time stamp
builtin_interfaces/Duration period
std_msgs/Header header
bool flag
byte b
char c
int16 s
float64 d
string<=8 name
int32[<=3] few
uint8[<=4] raw
wstring w
wstring<=4 ws
int64[2] pair
Empty e
Empty[] es
int32 dflt 5
string greeting "hi"
int32 CONST=3
""".lstrip() + deps(('fuzz/Empty', ''), HEADER, TIME, DURATION)


def basic(be):
    c = Cdr(be)
    c.time(1700000000, 5).time(-2, 999999999).header(1, 2, 'base')
    c.u8(1).u8(0xfe).u8(ord('x')).prim('h', -3).prim('d', 1.5)
    c.string('name').u32(2).i32(-1).i32(7).u32(3).raw(b'\x01\x02\x03')
    c.wstring('w\u00e9\U0001f600').wstring('ab').prim('q', -5)
    c.prim('q', 1 << 40).u8(0).u32(2).u8(0).u8(0).i32(5).string('hi')
    return c.data()


IMAGE = """
std_msgs/Header header
uint32 height
uint32 width
string encoding
uint8 is_bigendian
uint32 step
uint8[] data
""".lstrip() + deps(HEADER, TIME)

COMPRESSED = """
std_msgs/Header header
string format
uint8[] data
""".lstrip() + deps(HEADER, TIME)

IDL_OMG = """module fuzz {
  module msg {
    typedef double Pair[2];
    enum Kind { A, B, C };
    struct Empty {
    };
    struct Point {
      float x;
      float y;
    };
    struct Root {
      @default (value=7) uint16 service;
      string<10> label;
      wstring<4> wide;
      sequence<int32, 5> few;
      sequence<Point> points;
      sequence<Empty> empties;
      Pair pair;
      Kind kind;
      octet raw[3];
      long long big;
      boolean ok;
    };
  };
};
"""


def idl_root(be):
    c = Cdr(be)
    c.prim('H', 7).string('label').wstring('wi').u32(2).i32(1).i32(-2)
    c.u32(1).prim('f', 0.5).prim('f', -1.0).u32(2).u8(0).u8(0)
    c.prim('d', 1.0).prim('d', 2.0).u32(2).raw(b'\x01\x02\x03')
    c.prim('q', -1).u8(1)
    return c.data()


IDL_ROS2 = """%s
IDL: fuzz/msg/Stamped
#include "std_msgs/msg/Header.idl"
module fuzz {
  module msg {
    module Stamped_Constants {
      const int8 NEG = -1;
    };
    struct Stamped {
      std_msgs::msg::Header header;
      sequence<double, 3> values;
      string<4> tag;
    };
  };
};
%s
IDL: std_msgs/msg/Header
module std_msgs {
  module msg {
    struct Header {
      builtin_interfaces::msg::Time stamp;
      string frame_id;
    };
  };
};
%s
IDL: builtin_interfaces/msg/Time
module builtin_interfaces {
  module msg {
    struct Time {
      int32 sec;
      uint32 nanosec;
    };
  };
};
""" % (SEP, SEP, SEP)


def hand_seeds():
    """(name, type, schema encoding, message encoding, text, message)"""
    hdr = HEADER[1] + deps(TIME)
    img = Cdr().header(3, 4, 'cam').u32(2).u32(3).string('mono8').u8(0)
    img.u32(3).u32(6).raw(bytes(range(6)))
    img_be = Cdr(True).header(3, 4, 'cam').u32(1).u32(2).string('16UC1')
    img_be.u8(1).u32(4).u32(4).raw(b'\x01\x02\x03\x04')
    jpeg = Cdr().header(5, 6, 'cam').string('jpeg').u32(4)
    jpeg.raw(b'\xff\xd8\xff\xd9')
    yield ('cdr-basic-le', 'fuzz/msg/Basic', 'ros2msg', 'cdr', BASIC,
           basic(False))
    yield ('cdr-basic-be', 'fuzz/msg/Basic', 'ros2msg', 'cdr', BASIC,
           basic(True))
    yield ('cdr-image-le', 'sensor_msgs/msg/Image', 'ros2msg', 'cdr', IMAGE,
           img.data())
    yield ('cdr-image-be', 'sensor_msgs/msg/Image', 'ros2msg', 'cdr', IMAGE,
           img_be.data())
    yield ('cdr-compressed', 'sensor_msgs/msg/CompressedImage', 'ros2msg',
           'cdr', COMPRESSED, jpeg.data())
    yield ('cdr-empty', 'std_msgs/msg/Empty', 'ros2msg', 'cdr', '',
           Cdr().u8(0).data())
    yield ('cdr-empties', 'fuzz/msg/E', 'ros2msg', 'cdr',
           'Empty[] many\nEmpty[3] three\n' + deps(('fuzz/Empty', '')),
           Cdr().u32(4).raw(b'\0' * 7).data())
    yield ('cdr-time', 'fuzz/msg/T', 'ros2msg', 'cdr',
           'builtin_interfaces/Time t\nbuiltin_interfaces/Duration d\n'
           'builtin_interfaces/Time[<=2] ts\n',
           Cdr().time(1, 2).time(-1, 3).u32(1).time(4, 5).data())
    yield ('cdr-header-be', 'std_msgs/msg/Header', 'ros2msg', 'cdr', hdr,
           Cdr(True).header(9, 8, 'map').data())
    yield ('cdr-xcdr2', 'std_msgs/msg/Header', 'ros2msg', 'cdr', hdr,
           Cdr(kind=7).header(9, 8, 'map').data())
    yield ('cdr-pl-cdr', 'std_msgs/msg/Header', 'ros2msg', 'cdr', hdr,
           Cdr(kind=3).header(9, 8, 'map').data())
    yield ('cdr-over-bound', 'fuzz/msg/B', 'ros2msg', 'cdr',
           'string<=2 s\nint8[<=1] a\n', Cdr().string('long').u32(2).data())
    yield ('cdr-wstring', 'fuzz/msg/W', 'ros2msg', 'cdr',
           'wstring w\nwstring[] ws\n',
           Cdr().wstring('\u00fc\0').u32(1).u32(2).u32(0xd800)
           .u32(0x110000).data())
    yield ('cdr-ros2-as-ros1', 'std_msgs/msg/Header', 'ros2msg', 'ros1', hdr,
           struct.pack('<iII', 1, 2, 3) + b'map')
    yield ('cdr-ros1-as-cdr', 'std_msgs/Header', 'ros1msg', 'cdr',
           'uint32 seq\ntime stamp\nstring frame_id\n',
           Cdr().u32(1).u32(2).u32(3).string('a').data())
    yield ('cdr-omgidl-le', 'fuzz.msg.Root', 'omgidl', 'cdr', IDL_OMG,
           idl_root(False))
    yield ('cdr-omgidl-be', 'fuzz::msg::Root', 'omgidl', 'cdr', IDL_OMG,
           idl_root(True))
    yield ('cdr-ros2idl', 'fuzz/msg/Stamped', 'ros2idl', 'cdr', IDL_ROS2,
           Cdr().header(1, 2, 'f').u32(2).prim('d', 0.25).prim('d', 4.0)
           .string('tag').data())


def write_hand_seeds():
    for name, typ, enc, wire, text, msg in hand_seeds():
        head = '#type %s\n#schema %s\n#wire %s\n' % (typ, enc, wire)
        seed = head.encode() + text.encode() + b'\0' + msg
        assert len(seed) <= MAX_SEED, name
        out = os.path.join(OUT, name)
        with open(out, 'wb') as f:
            f.write(seed)
        print('%s: %d bytes' % (os.path.relpath(out, ROOT), len(seed)))


def main(paths):
    for path in paths:
        schemas, channels, messages = read_mcap(path)
        base = os.path.splitext(os.path.basename(path))[0]
        for cid in sorted(channels, key=lambda c: channels[c][1]):
            sid, topic, chan_enc = channels[cid]
            if sid not in schemas:
                continue
            msgs = [m for c, m in messages if c == cid]
            if not msgs:
                continue
            seed = seed_of(schemas[sid], chan_enc, msgs[0])
            if len(seed) > MAX_SEED:
                seed = seed_of(schemas[sid], chan_enc, min(msgs, key=len))
            slug = re.sub(r'[^A-Za-z0-9]+', '_', topic).strip('_')
            out = os.path.join(OUT, 'mcap-%s-%s' % (base, slug))
            if len(seed) > MAX_SEED:
                print('%s: %s: %d bytes, not written' % (path, topic,
                                                         len(seed)))
                continue
            with open(out, 'wb') as f:
                f.write(seed)
            print('%s: %d bytes' % (os.path.relpath(out, ROOT), len(seed)))


if __name__ == '__main__':
    main(sys.argv[1:] or [
        os.path.join(ROOT, 'tests', 'files', 'mcap', n)
        for n in ('ros2-types.mcap', 'ros2-images.mcap')])
    write_hand_seeds()
