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
"""The independent reference for the image tests: what python3-rosbag and
sensor_msgs read from the image messages of a bag.

  dump-images.py BAG OUTDIR

Writes OUTDIR/manifest.txt, one line per sensor_msgs/Image or
CompressedImage message, in read_messages() order, tab-separated:

  topic  index_in_topic  kind(image|compressed)  time_ns  stamp_ns
  encoding_or_format  is_bigendian  width  height  step  data_file  raw_file

data_file (in OUTDIR) holds the message's data field; raw_file holds the
whole serialized message (what the bag stores). For CompressedImage
is_bigendian, width, height and step are 0.
"""

import os
import sys

import rosbag

IMAGE = 'sensor_msgs/Image'
COMPRESSED = 'sensor_msgs/CompressedImage'


def main(argv):
    bag_path, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    counts = {}
    n = 0
    bag = rosbag.Bag(bag_path)
    types = {t: i.msg_type
             for t, i in bag.get_type_and_topic_info().topics.items()}
    wanted = [t for t, ty in types.items() if ty in (IMAGE, COMPRESSED)]
    with open(os.path.join(outdir, 'manifest.txt'), 'w') as man:
        for topic, raw, t in bag.read_messages(topics=wanted, raw=True):
            datatype, data, md5, pos, pytype = raw
            msg = pytype()
            msg.deserialize(data)
            idx = counts.get(topic, 0)
            counts[topic] = idx + 1
            dname = 'd%05d.bin' % n
            rname = 'r%05d.bin' % n
            n += 1
            with open(os.path.join(outdir, dname), 'wb') as f:
                f.write(msg.data)
            with open(os.path.join(outdir, rname), 'wb') as f:
                f.write(data)
            stamp = msg.header.stamp.secs * 1000000000 + msg.header.stamp.nsecs
            if datatype == IMAGE:
                fields = ['image', msg.encoding, msg.is_bigendian, msg.width,
                          msg.height, msg.step]
            else:
                fields = ['compressed', msg.format, 0, 0, 0, 0]
            line = [topic, idx, fields[0], t.to_nsec(), stamp] + fields[1:] \
                + [dname, rname]
            man.write('\t'.join(str(x) for x in line) + '\n')
    bag.close()


if __name__ == '__main__':
    main(sys.argv)
