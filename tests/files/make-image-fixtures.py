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
"""Writes tests/files/images.bag: the image-mapping fixture.

Run with /usr/bin/python3 (the interpreter that imports rosbag):

  make-image-fixtures.py [OUT.bag]

Topics (every message has a distinct receive time, so read order is fixed):

  /img/<name>     sensor_msgs/Image, one topic per encoding case, each with
                  two messages: msg 0 with the tightest step (width x bytes per
                  pixel; for odd widths not a multiple of 4) and msg 1 with the
                  step padded by 5 bytes of 0xEE. <name> is the encoding with
                  characters outside [a-zA-Z0-9_] replaced by '_', plus a suffix
                  for variants (mono16_be, 16UC1_be: is_bigendian = 1).
  /img_changes    sensor_msgs/Image: resolution and encoding change
                  mid-topic (rgb8 4x4, rgb8 6x2, mono8 6x2, bgr8 5x3, 32FC1 2x2,
                  rgb8 4x4).
  /img_bad        sensor_msgs/Image: a malformed one (step x height > data)
                  then a good one.
  /cmp/<name>     sensor_msgs/CompressedImage, one per format-string variant.
  /cam/image_raw  sensor_msgs/Image rgb8 32x24, 3 frames (recipe tests).
  /cam/compressed sensor_msgs/CompressedImage jpeg 32x24, 3 frames.
  /cam/depth      sensor_msgs/Image 16UC1 16x12, 2 frames.
  /cam/bayer      sensor_msgs/Image bayer_rggb8 16x12, 2 frames.

JPEG and PNG bytes are made with gst-launch-1.0 (videotestsrc ! jpegenc /
pngenc); the 16-bit depth PNG too (GRAY16_BE ! pngenc).
"""

import os
import random
import struct
import subprocess
import sys
import tempfile

import genpy
import rosbag
from sensor_msgs.msg import CompressedImage, Image

ENCODINGS = [
    # name, encoding, is_bigendian, width, height
    ('rgb8', 'rgb8', 0, 5, 3),
    ('bgr8', 'bgr8', 0, 7, 4),
    ('rgba8', 'rgba8', 0, 3, 3),
    ('bgra8', 'bgra8', 0, 3, 2),
    ('mono8', 'mono8', 0, 5, 3),
    ('8UC1', '8UC1', 0, 7, 2),
    ('8UC3', '8UC3', 0, 5, 2),
    ('8UC4', '8UC4', 0, 3, 2),
    ('mono16', 'mono16', 0, 5, 3),
    ('mono16_be', 'mono16', 1, 5, 3),
    ('16UC1', '16UC1', 0, 3, 4),
    ('16UC1_be', '16UC1', 1, 3, 4),
    ('rgba16', 'rgba16', 0, 3, 2),
    ('bgra16_be', 'bgra16', 1, 3, 2),
    ('16UC4', '16UC4', 0, 2, 2),
    ('yuv422', 'yuv422', 0, 6, 3),
    ('uyvy', 'uyvy', 0, 10, 2),
    ('yuyv', 'yuyv', 0, 6, 3),
    ('yuv422_yuy2', 'yuv422_yuy2', 0, 6, 2),
    ('nv12', 'nv12', 0, 6, 5),
    ('nv21', 'nv21', 0, 10, 4),
    ('bayer_rggb8', 'bayer_rggb8', 0, 10, 6),
    ('bayer_bggr8', 'bayer_bggr8', 0, 10, 4),
    ('bayer_gbrg8', 'bayer_gbrg8', 0, 6, 4),
    ('bayer_grbg8', 'bayer_grbg8', 0, 14, 4),
    # no GStreamer format: stay application/x-rosmsg
    ('32FC1', '32FC1', 0, 3, 2),
    ('64FC1', '64FC1', 0, 3, 2),
    ('rgb16', 'rgb16', 0, 3, 2),
    ('8SC1', '8SC1', 0, 3, 2),
    ('bayer_rggb16', 'bayer_rggb16', 0, 4, 2),
    ('nv24', 'nv24', 0, 4, 2),
]

BPP = {
    'rgb8': 3, 'bgr8': 3, 'rgba8': 4, 'bgra8': 4, 'mono8': 1, '8UC1': 1,
    '8UC3': 3, '8UC4': 4, 'mono16': 2, '16UC1': 2, 'rgba16': 8, 'bgra16': 8,
    '16UC4': 8, '32FC1': 4, '64FC1': 8, 'rgb16': 6, '8SC1': 1,
    'bayer_rggb16': 2, 'bayer_rggb8': 1, 'bayer_bggr8': 1, 'bayer_gbrg8': 1,
    'bayer_grbg8': 1, 'nv12': 1, 'nv21': 1, 'nv24': 1,
}


def row_bytes(encoding, width):
    if encoding in ('yuv422', 'uyvy', 'yuyv', 'yuv422_yuy2'):
        return ((width + 1) // 2) * 4
    return BPP[encoding] * width


def n_rows(encoding, height):
    """rows of `step` bytes in the data: semi-planar formats add chroma"""
    if encoding in ('nv12', 'nv21'):
        return height + (height + 1) // 2
    if encoding == 'nv24':
        return height * 3   # luma + interleaved full-size chroma (2 rows)
    return height


def T(sec, nsec=0):
    return genpy.Time(sec, nsec)


def make_image(rng, encoding, bigendian, width, height, pad, t, seq):
    m = Image()
    m.header.seq = seq
    # the header stamp differs from the receive time on purpose
    m.header.stamp = T(t.secs - 100, t.nsecs + 1)
    m.header.frame_id = 'camera'
    m.height = height
    m.width = width
    m.encoding = encoding
    m.is_bigendian = bigendian
    rb = row_bytes(encoding, width)
    m.step = rb + pad
    data = bytearray()
    for _ in range(n_rows(encoding, height)):
        data += bytes(rng.randrange(256) for _ in range(rb))
        data += b'\xee' * pad
    m.data = bytes(data)
    return m


def gst_encode(caps, enc, path):
    subprocess.check_call([
        'gst-launch-1.0', '-q', 'videotestsrc', 'num-buffers=1',
        'pattern=smpte', '!', caps, '!', enc, '!', 'filesink',
        'location=' + path])
    with open(path, 'rb') as f:
        return f.read()


def make_compressed(fmt, data, t, seq):
    m = CompressedImage()
    m.header.seq = seq
    m.header.stamp = T(t.secs - 100, t.nsecs + 1)
    m.header.frame_id = 'camera'
    m.format = fmt
    m.data = data
    return m


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[1] if len(argv) > 1 else os.path.join(here, 'images.bag')
    rng = random.Random(4)
    tmp = tempfile.mkdtemp()
    rgb = 'video/x-raw,format=RGB,width=32,height=24'
    jpeg = gst_encode(rgb, 'jpegenc', os.path.join(tmp, 'a.jpg'))
    png = gst_encode(rgb, 'pngenc', os.path.join(tmp, 'a.png'))
    gray = gst_encode('video/x-raw,format=GRAY8,width=32,height=24',
                      'jpegenc', os.path.join(tmp, 'g.jpg'))
    depth_png = gst_encode('video/x-raw,format=GRAY16_BE,width=16,height=12',
                           'pngenc', os.path.join(tmp, 'd.png'))
    # compressedDepth header: int32 format (0 = INV_DEPTH), float[2]
    depth_hdr = struct.pack('<iff', 0, 0.0, 0.0)
    inv_hdr = struct.pack('<iff', 0, 1.5, -0.25)

    compressed = [
        ('jpeg', 'jpeg', jpeg),
        ('png', 'png', png),
        ('rgb8_jpeg', 'rgb8; jpeg compressed bgr8', jpeg),
        ('mono8_jpeg_space', 'mono8; jpeg compressed ', gray),
        ('bgr8_png', 'bgr8; png compressed bgr8', png),
        ('empty', '', jpeg),
        ('wrong_png_is_jpeg', 'png', jpeg),
        ('wrong_jpeg_is_png', 'rgb8; jpeg compressed rgb8', png),
        ('depth_png', '16UC1; compressedDepth png', depth_hdr + depth_png),
        ('depth_legacy', '16UC1; compressedDepth', depth_hdr + depth_png),
        ('depth_inverse', '32FC1; compressedDepth png', inv_hdr + depth_png),
        ('depth_rvl', '16UC1; compressedDepth rvl',
         depth_hdr + bytes(range(40))),
        ('garbage', 'jpeg', bytes(rng.randrange(256) for _ in range(64))),
    ]

    with rosbag.Bag(out, 'w') as bag:
        t = 1000
        seq = 0
        for name, enc, be, w, h in ENCODINGS:
            for pad in (0, 5):
                t += 1
                seq += 1
                m = make_image(rng, enc, be, w, h, pad, T(t, 500), seq)
                bag.write('/img/' + name, m, T(t, 500))
        for enc, w, h in (('rgb8', 4, 4), ('rgb8', 6, 2), ('mono8', 6, 2),
                          ('bgr8', 5, 3), ('32FC1', 2, 2), ('rgb8', 4, 4)):
            t += 1
            seq += 1
            bag.write('/img_changes',
                      make_image(rng, enc, 0, w, h, 0, T(t), seq), T(t))
        # malformed: claims 4 rows, carries 2
        t += 1
        bad = make_image(rng, 'rgb8', 0, 4, 2, 0, T(t), seq)
        bad.height = 4
        bag.write('/img_bad', bad, T(t))
        t += 1
        bag.write('/img_bad', make_image(rng, 'rgb8', 0, 4, 2, 0, T(t), seq),
                  T(t))
        for name, fmt, data in compressed:
            t += 1
            seq += 1
            bag.write('/cmp/' + name, make_compressed(fmt, data, T(t), seq),
                      T(t))
        # camera-like topics for the recipes: interleaved in time
        for k in range(3):
            t += 1
            frame = make_image(rng, 'rgb8', 0, 32, 24, 0, T(t), k)
            bag.write('/cam/image_raw', frame, T(t))
            bag.write('/cam/compressed', make_compressed(
                'rgb8; jpeg compressed bgr8', jpeg, T(t), k), T(t, 1000))
            if k < 2:
                bag.write('/cam/depth', make_image(
                    rng, '16UC1', 0, 16, 12, 0, T(t), k), T(t, 2000))
                bag.write('/cam/bayer', make_image(
                    rng, 'bayer_rggb8', 0, 16, 12, 0, T(t), k), T(t, 3000))
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    print('wrote %s (%d bytes)' % (out, os.path.getsize(out)))


if __name__ == '__main__':
    main(sys.argv)
