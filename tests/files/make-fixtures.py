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
"""Writes the test fixture bags into tests/files/ with python3-rosbag.

Run with /usr/bin/python3 (the interpreter that imports rosbag):

    /usr/bin/python3 tests/files/make-fixtures.py [NAME ...]

Deterministic: fixed seeds and fixed times, so running it twice gives the
same bytes (images.bag is made by make-image-fixtures.py, not here).
See tests/files/README.md for what each bag is for.
"""

import math
import os
import random
import signal
import struct
import subprocess
import sys

import genpy
import rosbag
from geometry_msgs.msg import Vector3Stamped
from sensor_msgs.msg import Image, Imu, JointState
from std_msgs.msg import Int32, String

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_SEC = 1700000000  # 2023-11-14T22:13:20Z, every fixture starts near it


def T(sec, nsec=0):
    """genpy.Time from a base offset: T(1.5) = BASE + 1.5 s"""
    ns = int(round(sec * 1e9)) + nsec
    return genpy.Time(BASE_SEC + ns // 1000000000, ns % 1000000000)


def raw_string(data):
    """A std_msgs/String written raw, so its bytes need not be UTF-8"""
    return ('std_msgs/String', struct.pack('<I', len(data)) + data,
            String._md5sum, String)


def stamp(msg, t, frame):
    msg.header.stamp = t
    msg.header.frame_id = frame


def make_imu(rng, t, seq):
    m = Imu()
    stamp(m, t, 'imu_link')
    m.header.seq = seq
    a = seq * 0.01
    m.orientation.x = math.sin(a) * 0.1
    m.orientation.y = math.cos(a) * 0.1
    m.orientation.z = 0.0
    m.orientation.w = math.sqrt(1.0 - 0.01)
    m.angular_velocity.x = rng.uniform(-1, 1)
    m.angular_velocity.y = rng.uniform(-1, 1)
    m.angular_velocity.z = rng.uniform(-1, 1)
    m.linear_acceleration.x = rng.gauss(0, 0.05)
    m.linear_acceleration.y = rng.gauss(0, 0.05)
    m.linear_acceleration.z = 9.81 + rng.gauss(0, 0.05)
    m.orientation_covariance = [0.01 if i % 4 == 0 else 0.0 for i in range(9)]
    m.angular_velocity_covariance = [0.02 if i % 4 == 0 else 0.0 for i in range(9)]
    m.linear_acceleration_covariance = [0.04 if i % 4 == 0 else 0.0 for i in range(9)]
    return m


JOINTS = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3']


def make_joints(t, seq, n=6):
    m = JointState()
    stamp(m, t, '')
    m.header.seq = seq
    m.name = JOINTS[:n]
    ph = seq * 0.02
    m.position = [math.sin(ph + i) for i in range(n)]
    m.velocity = [math.cos(ph + i) * 0.5 for i in range(n)]
    m.effort = [float(i) * 0.25 for i in range(n)]
    return m


# odd strings for /chatter: empty, NULs, non-UTF-8, long, UTF-8 multibyte
ODD_STRINGS = [
    b'',
    b'hello world',
    b'\x00\x01\x02 nul inside \x00',
    b'\xff\xfe not utf-8 \xc3\x28 \x80',
    'caf\u00e9 \u65e5\u672c \U0001F916'.encode('utf-8'),
    b'tab\tnewline\nquote" backslash\\ end',
    b'x' * 1000,
]


def write_basic(path, compression):
    """Five topics, ~400 messages over 4 s, small chunks"""
    rng = random.Random(1234)
    events = []
    # /imu 50 Hz, /joint_states 25 Hz, /mag 10 Hz, /count 20 Hz, /chatter 5 Hz
    for i in range(200):
        events.append((i * 20000000, 0, '/imu', i))
    for i in range(100):
        events.append((i * 40000000 + 3000000, 1, '/joint_states', i))
    for i in range(40):
        events.append((i * 100000000 + 7000000, 2, '/mag', i))
    for i in range(80):
        # every /count message shares its time with an /imu message: equal
        # timestamps across topics
        events.append((i * 50000000 if i % 2 == 0 else i * 50000000 + 1000, 3,
                       '/count', i))
    for i in range(20):
        events.append((i * 200000000 + 11000000, 4, '/chatter', i))
    events.sort()
    with rosbag.Bag(path, 'w', compression=compression,
                    chunk_threshold=4096) as bag:
        for ns, _, topic, i in events:
            t = T(0, ns)
            st = T(0, ns - 2000000)  # the sensor stamped it 2 ms earlier
            if topic == '/imu':
                bag.write(topic, make_imu(rng, st, i), t)
            elif topic == '/joint_states':
                bag.write(topic, make_joints(st, i), t)
            elif topic == '/mag':
                m = Vector3Stamped()
                stamp(m, st, 'mag_link')
                m.header.seq = i
                m.vector.x = 2.1e-5 + rng.gauss(0, 1e-7)
                m.vector.y = -3.3e-6
                m.vector.z = 4.4e-5
                bag.write(topic, m, t)
            elif topic == '/count':
                bag.write(topic, Int32(data=(i * 7919) % 65536 - 32768), t)
            else:
                bag.write(topic, raw_string(ODD_STRINGS[i % len(ODD_STRINGS)]),
                          t, raw=True)


def write_multiconn(path):
    """/chatter from two publishers (two connections), a latched /status"""
    s = String()
    def hdr(callerid, latching):
        h = {
            'topic': '/chatter',
            'type': 'std_msgs/String',
            'md5sum': String._md5sum,
            'message_definition': String._full_text,
            'callerid': callerid,
        }
        if latching:
            h['latching'] = '1'
        return h

    with rosbag.Bag(path, 'w', chunk_threshold=1024) as bag:
        # the latched message comes first, as `rosbag record` gets it on subscribe
        st = {'topic': '/status', 'type': 'std_msgs/String',
              'md5sum': String._md5sum,
              'message_definition': String._full_text,
              'callerid': '/status_node', 'latching': '1'}
        bag.write('/status', String(data='ready'), T(0.0005),
                  connection_header=st)
        conns = {}
        for i in range(60):
            who = '/talker_a' if (i % 3) != 2 else '/talker_b'
            t = T(0.001 + i * 0.05)
            s = String(data='%s says %d' % (who, i))
            if who in conns:
                # python's writer keeps one connection per topic: point it at
                # the connection of this publisher
                bag._topic_connections['/chatter'] = conns[who]
                bag.write('/chatter', s, t)
            else:
                bag._topic_connections.pop('/chatter', None)
                bag.write('/chatter', s, t, connection_header=hdr(who, False))
                conns[who] = bag._topic_connections['/chatter']
            if i % 10 == 0:
                bag.write('/count', Int32(data=i), t)


def write_overlap(path):
    """Chunks whose time ranges overlap and are not in file order"""
    # (start offset in s, number of messages); each chunk covers 0.9 s
    groups = [(3.0, 10), (0.5, 10), (2.0, 10), (0.0, 10), (1.5, 10),
              (2.5, 10), (1.0, 10), (0.2, 4)]
    rng = random.Random(99)
    with rosbag.Bag(path, 'w', chunk_threshold=1 << 20) as bag:
        for g, (start, n) in enumerate(groups):
            for i in range(n):
                t = T(start + i * 0.1)
                if i % 2 == 0:
                    bag.write('/a', Int32(data=g * 100 + i), t)
                else:
                    m = Vector3Stamped()
                    stamp(m, t, 'b')
                    m.vector.x = rng.random()
                    bag.write('/b', m, t)
            bag.flush()  # ends the chunk
    check_overlap(path)


def check_overlap(path):
    """Record-level parse: the chunk infos overlap and are not sorted"""
    with open(path, 'rb') as f:
        buf = f.read()
    pos, infos = 13, []
    while pos + 4 <= len(buf):
        hl = struct.unpack_from('<I', buf, pos)[0]
        h = buf[pos + 4:pos + 4 + hl]
        dl = struct.unpack_from('<I', buf, pos + 4 + hl)[0]
        fields, p = {}, 0
        while p < len(h):
            n = struct.unpack_from('<I', h, p)[0]
            k, _, v = h[p + 4:p + 4 + n].partition(b'=')
            fields[k] = v
            p += 4 + n
        if fields[b'op'] == b'\x06':
            s = struct.unpack('<II', fields[b'start_time'])
            e = struct.unpack('<II', fields[b'end_time'])
            infos.append((s[0] * 10**9 + s[1], e[0] * 10**9 + e[1]))
        pos += 8 + hl + dl
    starts = [s for s, _ in infos]
    assert len(infos) == 8 and starts != sorted(starts), infos
    assert any(a[0] < b[1] and b[0] < a[1]
               for i, a in enumerate(infos) for b in infos[i + 1:]), infos


def write_empty(path):
    with rosbag.Bag(path, 'w'):
        pass


def unindexed_child(path, compression):
    """Runs in a child: records, flushes to the OS mid-chunk, waits to be killed"""
    rng = random.Random(7)
    # a small write buffer, so the OS gets the open chunk in 1000-byte pieces
    f = open(path, 'w+b', buffering=1000)
    bag = rosbag.Bag(f, 'w', compression=compression, chunk_threshold=4096)
    for i in range(318):
        t = T(i * 0.01)
        bag.write('/imu', make_imu(rng, t, i), t)
        if i % 4 == 0:
            bag.write('/count', Int32(data=i), t)
        if i % 25 == 0:
            bag.write('/joint_states', make_joints(t, i), t)
    # no flush: the file holds what python's buffered writer has passed to
    # the OS, in pieces of about the buffer size, so the cut falls inside a
    # record of the open chunk (whose header still says size=0, data_len=0)
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    signal.pause()


def write_unindexed(path, compression):
    if os.path.exists(path):
        os.unlink(path)
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                              '--unindexed-child', path, compression],
                             stdout=subprocess.PIPE)
    line = child.stdout.readline()
    if line.strip() != b'ready':
        raise RuntimeError('recording child failed')
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()


def pattern_frame(w, h, k, cam):
    """rgb8 frame: scrolling checkerboard, colour bars, a moving square"""
    rows = []
    sq = 16
    sx = (k * 4 + cam * 20) % (w - sq)
    sy = (k * 3) % (h - sq)
    for y in range(h):
        row = bytearray(w * 3)
        band = ((y + k * 2) // 8) % 2
        for x in range(w):
            if y < 12:
                bar = (x * 8) // w
                c = (255 if bar & 1 else 0, 255 if bar & 2 else 0,
                     255 if bar & 4 else 0)
            else:
                chk = (((x + k * (2 + cam)) // 8) % 2) ^ band
                v = 200 if chk else 40
                c = (v, v - 20 * cam, 40 + 60 * cam)
            if sx <= x < sx + sq and sy <= y < sy + sq:
                c = (255, 64 * cam, 0)
            row[x * 3:x * 3 + 3] = bytes(c)
        rows.append(bytes(row))
    return b''.join(rows)


def write_sample(path):
    """The README's demo bag: two cameras, joint states, an IMU"""
    rng = random.Random(2026)
    w, h = 128, 96
    events = []
    for k in range(30):  # 10 fps, 3 s
        events.append((k * 100000000 + 12000000, 0, 'cam0', k))
        events.append((k * 100000000 + 15000000, 1, 'cam1', k))
    for k in range(150):  # 50 Hz
        events.append((k * 20000000 + 1500000, 2, 'joints', k))
    for k in range(300):  # 100 Hz
        events.append((k * 10000000 + 800000, 3, 'imu', k))
    events.sort()
    with rosbag.Bag(path, 'w', compression='lz4',
                    chunk_threshold=256 * 1024) as bag:
        for ns, _, what, k in events:
            t = T(0, ns)
            if what in ('cam0', 'cam1'):
                cam = 0 if what == 'cam0' else 1
                m = Image()
                # the exposure time: camera 1 is triggered 3 ms after camera 0
                stamp(m, T(0, k * 100000000 + 3000000 * cam),
                      'cam%d_optical_frame' % cam)
                m.header.seq = k
                m.height, m.width = h, w
                m.encoding = 'rgb8'
                m.is_bigendian = 0
                m.step = w * 3
                m.data = pattern_frame(w, h, k, cam)
                bag.write('/cam%d/image_raw' % cam, m, t)
            elif what == 'joints':
                bag.write('/joint_states',
                          make_joints(T(0, ns - 1000000), k), t)
            else:
                bag.write('/imu', make_imu(rng, T(0, ns - 500000), k), t)


FIXTURES = {
    'basic-none.bag': lambda p: write_basic(p, 'none'),
    'basic-bz2.bag': lambda p: write_basic(p, 'bz2'),
    'basic-lz4.bag': lambda p: write_basic(p, 'lz4'),
    'multiconn.bag': write_multiconn,
    'overlap.bag': write_overlap,
    'empty.bag': write_empty,
    'unindexed.bag': lambda p: write_unindexed(p, 'none'),
    'unindexed-lz4.bag': lambda p: write_unindexed(p, 'lz4'),
    'sample.bag': write_sample,
}


def main(argv):
    if len(argv) == 4 and argv[1] == '--unindexed-child':
        unindexed_child(argv[2], argv[3])
        return 0
    names = argv[1:] or sorted(FIXTURES)
    for name in names:
        path = os.path.join(HERE, name)
        FIXTURES[name](path)
        print('%-20s %8d bytes' % (name, os.path.getsize(path)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
