#!/usr/bin/python3
# gst-rosbag benchmark: the Python reference reader (python3-rosbag).
# Reads every message of the bag raw (serialized bytes, no deserialization),
# in time order, and prints "messages bytes" for cross-checking. The raw
# bytes are a copy out of the chunk, so every byte is touched once.
# Run with /usr/bin/python3 (the interpreter that has rosbag).
import sys

import rosbag


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: ref_py.py BAG\n")
        return 2
    n = 0
    size = 0
    with rosbag.Bag(sys.argv[1]) as bag:
        for _topic, raw, _t in bag.read_messages(raw=True):
            n += 1
            size += len(raw[1])
    print(n, size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
