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
"""Writes the bagdemux test fixtures into tests/files/ with python3-rosbag.

Run with /usr/bin/python3 (the interpreter that imports rosbag):

    /usr/bin/python3 tests/files/make-demux-fixtures.py

Deterministic (fixed times), so running it again gives the same bytes.

names.bag: topics whose pad names collide or need replacing, for the pad
naming rule of bagdemux (topic without its leading /, every character
outside [A-Za-z0-9_-] replaced by _, _2, _3... for collisions):
  /a_b, /a/b, /a.b       all map to a_b; their FIRST messages come in this
                         order (0, 10 and 20 ms), which is not name order
                         (/a.b < /a/b < /a_b)
  relative/topic         no leading slash -> relative_topic
  /with space/\u00fc      -> with_space__ (one _ per character)
  /cam-0/x_1             kept as cam-0_x_1
std_msgs/String and std_msgs/Int32, 10 messages per topic over 1 s (at k*100 + i*10 ms),
uncompressed, one chunk per 4 KB.

one-message.bag: a single std_msgs/Int32 on /count (data 7) at 1700000000.5 s:
start = end, duration 0 (seeks and the segment stop at the end of a
recording).

zero-duration.bag: three messages all at 1700000001 s: /count Int32 (1, 2)
and /chatter String ('same time'), so start = end again with more than one
message and topic.

bad-images.bag: sensor_msgs/Image rgb8 4x2 topics whose first messages are
malformed (height 4 claimed, 2 rows of data carried), for the caps of an
image topic taken from its first well-formed message (of its first 16):
  /img_bad_first   1 malformed, then 2 good frames
  /img_all_bad     3 malformed, nothing else
  /img_late_good   17 malformed (past the bound of 16), then 1 good frame
one message every 10 ms, the topics interleaved (file order = time order),
uncompressed, one chunk.

unmapped-frames.bag: sensor_msgs/Image topics with frames that have no
GStreamer format (32FC1, 64FC1) among mapped ones, for bagdemux skipping
them on a video pad (one warning with their number) instead of switching
the pad to application/x-rosmsg mid-stream:
  /cam/float_frame    rgb8 8x6 x 5, the middle one (index 2) 32FC1 8x6
  /cam/two_unmapped   rgb8 8x6, 32FC1 8x6, rgb8 6x4, 64FC1 4x4, mono8 6x4
                      (sizes and encodings change around the skipped ones)
  /cam/float_first    32FC1 4x2, rgb8 4x2, 32FC1 4x2 (the topic is
                      serialized messages: every one goes out as it is)
pixels from a formula (distinct per frame), one message every 10 ms, the
topics one after the other, uncompressed, one chunk.

zero-stamps.bag: /point geometry_msgs/PointStamped, 6 messages received at
1700000003 s + k * 100 ms; header.stamp 0 (never set by the publisher) for
k = 1, 2, 4, else the receive time - 30 ms: timestamp-source=header falls
back to the receive time for a stamp of 0.
"""

import os
import sys

import genpy
import rosbag
from geometry_msgs.msg import PointStamped
from sensor_msgs.msg import Image
from std_msgs.msg import Int32, String

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_SEC = 1700000000


def T(ms):
    ns = ms * 1000000
    return genpy.Time(BASE_SEC + ns // 1000000000, ns % 1000000000)


def write_names(path):
    topics = ['/a_b', '/a/b', '/a.b', 'relative/topic',
              '/with space/\u00fc', '/cam-0/x_1']
    with rosbag.Bag(path, 'w', chunk_threshold=4096) as bag:
        for k in range(10):
            for i, topic in enumerate(topics):
                t = T(k * 100 + i * 10)
                if i % 2:
                    bag.write(topic, Int32(data=k * 10 + i), t)
                else:
                    bag.write(topic, String(data='%s #%d' % (topic, k)), t)


def write_one_message(path):
    with rosbag.Bag(path, 'w') as bag:
        bag.write('/count', Int32(data=7), T(500))


def write_zero_duration(path):
    with rosbag.Bag(path, 'w') as bag:
        bag.write('/count', Int32(data=1), T(1000))
        bag.write('/chatter', String(data='same time'), T(1000))
        bag.write('/count', Int32(data=2), T(1000))


def image(k, good):
    m = Image()
    m.header.seq = k
    m.header.stamp = T(2000 + k * 10)
    m.header.frame_id = 'camera'
    m.width, m.height = 4, 2
    m.encoding = 'rgb8'
    m.step = 12
    m.data = bytes((k * 7 + i) % 256 for i in range(24))
    if not good:
        m.height = 4
    return m


def write_bad_images(path):
    topics = {
        '/img_bad_first': [False, True, True],
        '/img_all_bad': [False] * 3,
        '/img_late_good': [False] * 17 + [True],
    }
    k = 0
    with rosbag.Bag(path, 'w') as bag:
        for i in range(max(len(v) for v in topics.values())):
            for topic in sorted(topics):
                if i < len(topics[topic]):
                    bag.write(topic, image(k, topics[topic][i]),
                              T(2000 + k * 10))
                    k += 1


BYTES_PER_PIXEL = {'rgb8': 3, 'mono8': 1, '32FC1': 4, '64FC1': 8}


def frame(k, encoding, width, height):
    m = Image()
    m.header.seq = k
    m.header.stamp = T(4000 + k * 10 - 5)
    m.header.frame_id = 'camera'
    m.width, m.height = width, height
    m.encoding = encoding
    m.step = width * BYTES_PER_PIXEL[encoding]
    m.data = bytes((k * 37 + i * 11) % 256 for i in range(m.step * height))
    return m


def write_unmapped_frames(path):
    topics = [
        ('/cam/float_frame', [('rgb8', 8, 6), ('rgb8', 8, 6),
                              ('32FC1', 8, 6), ('rgb8', 8, 6),
                              ('rgb8', 8, 6)]),
        ('/cam/two_unmapped', [('rgb8', 8, 6), ('32FC1', 8, 6),
                               ('rgb8', 6, 4), ('64FC1', 4, 4),
                               ('mono8', 6, 4)]),
        ('/cam/float_first', [('32FC1', 4, 2), ('rgb8', 4, 2),
                              ('32FC1', 4, 2)]),
    ]
    k = 0
    with rosbag.Bag(path, 'w') as bag:
        for topic, frames in topics:
            for encoding, width, height in frames:
                bag.write(topic, frame(k, encoding, width, height),
                          T(4000 + k * 10))
                k += 1


def write_zero_stamps(path):
    with rosbag.Bag(path, 'w') as bag:
        for k in range(6):
            m = PointStamped()
            m.header.seq = k
            m.header.frame_id = 'map'
            if k not in (1, 2, 4):
                m.header.stamp = T(3000 + k * 100 - 30)
            m.point.x = float(k)
            bag.write('/point', m, T(3000 + k * 100))


def write_mixed_types(path):
    """/mixed written by two connections of different types (std_msgs/Int32
    and std_msgs/String, interleaved), and /chatter of one"""
    with rosbag.Bag(path, 'w') as bag:
        conns = {}
        for k in range(12):
            t = T(3000 + k * 100)
            m = Int32(data=k * 1000) if k % 2 == 0 else \
                String(data='mixed #%d' % k)
            kind = type(m).__name__
            # python's writer keeps one connection per topic: point it at
            # the connection of this type (a new one the first time)
            if kind in conns:
                bag._topic_connections['/mixed'] = conns[kind]
            else:
                bag._topic_connections.pop('/mixed', None)
            bag.write('/mixed', m, t)
            conns[kind] = bag._topic_connections['/mixed']
            if k % 3 == 0:
                bag.write('/chatter', String(data='chatter #%d' % k), t)


WRITERS = {
    'mixed-types': write_mixed_types,
    'zero-stamps': write_zero_stamps,
    'bad-images': write_bad_images,
    'unmapped-frames': write_unmapped_frames,
    'names': write_names,
    'one-message': write_one_message,
    'zero-duration': write_zero_duration,
}


def main(argv):
    names = argv[1:] or sorted(WRITERS)
    for name in names:
        path = os.path.join(HERE, name + '.bag')
        if name in WRITERS:
            WRITERS[name](path)
        else:
            print('unknown fixture %s' % name, file=sys.stderr)
            return 1
        print('wrote %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
