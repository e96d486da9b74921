#!/usr/bin/python3
# gst-rosbag benchmark: checks with python3-rosbag (the independent reader)
# that a bag from gen-bag reads back right: its index (topics, types,
# md5sums, counts, chunk infos), every message deserialized with genpy,
# time order, header stamps equal to receive times, sequence numbers,
# image geometry. Prints "ok ..." or raises. Run with /usr/bin/python3.
import sys

import rosbag
import sensor_msgs.msg as sm

EXPECT = {
    "/cam0/image_raw": (sm.Image, 30.0),
    "/cam1/image_raw": (sm.Image, 30.0),
    "/imu": (sm.Imu, 200.0),
    "/joint_states": (sm.JointState, 100.0),
}


def main(path):
    with rosbag.Bag(path) as bag:
        info = bag.get_type_and_topic_info()
        assert set(info.topics) == set(EXPECT), info.topics
        for topic, (cls, hz) in EXPECT.items():
            t = info.topics[topic]
            assert t.msg_type == cls._type, (topic, t.msg_type)
            assert info.msg_types[cls._type] == cls._md5sum, cls._type
            assert t.connections == 1
        # connection definitions are the genpy ones
        for c in bag._connections.values():
            assert c.msg_def == EXPECT[c.topic][0]._full_text, c.topic
        assert bag._chunk_headers or bag._chunks
        counted = sum(ci.connection_counts[c] for ci in bag._chunks
                      for c in ci.connection_counts)
        n = 0
        seq = {}
        last = None
        dur = (bag.get_end_time() - bag.get_start_time())
        for topic, msg, t in bag.read_messages():
            cls = EXPECT[topic][0]
            assert isinstance(msg, cls) or msg._type == cls._type, topic
            assert last is None or t >= last, "not in time order"
            last = t
            assert msg.header.stamp == t, (topic, msg.header.stamp, t)
            assert msg.header.seq == seq.get(topic, 0), topic
            seq[topic] = msg.header.seq + 1
            if cls is sm.Image:
                assert (msg.width, msg.height, msg.encoding, msg.step) == \
                    (640, 480, "rgb8", 1920)
                assert len(msg.data) == 1920 * 480
            elif cls is sm.JointState:
                assert len(msg.name) == 6 and len(msg.position) == 6
            elif cls is sm.Imu:
                assert msg.orientation.w == 1.0
            n += 1
        assert n == counted == bag.get_message_count(), (n, counted)
        for topic, (cls, hz) in EXPECT.items():
            want = dur * hz
            assert abs(seq[topic] - want) <= 2, (topic, seq[topic], want)
    print("ok %s: %d messages, %d chunks, %.2f s" % (path, n, len(bag._chunks), dur))


if __name__ == "__main__":
    main(sys.argv[1])
