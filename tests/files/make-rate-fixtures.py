#!/usr/bin/python3
"""Bags of topics at very different rates, for bagalign's slow-topic tests.

Run by tests/check/bagalign.c at test time (nothing is checked in):

    /usr/bin/python3 tests/files/make-rate-fixtures.py OUTDIR

writes into OUTDIR, with python3-rosbag:

* rates.bag: six geometry_msgs/PointStamped topics over 25 s, /r0_1 at
  0.1 Hz, /r0_5 at 0.5 Hz, /r2, /r20, /r100 and /r1000 at 2, 20, 100 and
  1000 Hz (pads r0_1, r0_5, r2, ...), each with its own phase so that
  few times coincide; header.stamp is the record time minus a lag of the
  topic's own (0 to 15 ms), point.x the message's index;
* slow-end.bag: /fast at 20 Hz for 8 s and /slow with one message, at the
  very end (8 s);
* one NAME.tsv per bag: "topic<TAB>record_ns<TAB>stamp_ns" per message,
  in record-time order: the reference the tests align offline.

Deterministic: times come from the rates and phases alone.
"""

import os
import sys

import rosbag
import rospy
from geometry_msgs.msg import PointStamped

BASE = 1700000000 * 10**9
MS = 10**6

# topic, period (ns), phase (ns), header lag (ns)
RATES = [
    ("/r0_1", 10000 * MS, 1300 * MS, 5 * MS),
    ("/r0_5", 2000 * MS, 700 * MS, 0),
    ("/r2", 500 * MS, 130 * MS, 15 * MS),
    ("/r20", 50 * MS, 17 * MS, 12 * MS),
    ("/r100", 10 * MS, 3 * MS, 2 * MS),
    ("/r1000", 1 * MS, 0, 1 * MS),
]
RATES_DURATION = 25000 * MS

SLOW_END = [
    ("/fast", 50 * MS, 0, 0, 8000 * MS),
    ("/slow", None, 8000 * MS, 0, 8000 * MS),
]


def write(outdir, name, events):
    events.sort()
    bag = rosbag.Bag(os.path.join(outdir, name + ".bag"), "w")
    with open(os.path.join(outdir, name + ".tsv"), "w") as tsv:
        for t, topic, k, stamp in events:
            m = PointStamped()
            m.header.seq = k
            m.header.stamp = rospy.Time(nsecs=stamp)
            m.header.frame_id = "map"
            m.point.x = float(k)
            bag.write(topic, m, rospy.Time(nsecs=t))
            tsv.write("%s\t%d\t%d\n" % (topic, t, stamp))
    bag.close()


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)

    events = []
    for topic, period, phase, lag in RATES:
        k = 0
        while phase + k * period <= RATES_DURATION:
            t = BASE + phase + k * period
            events.append((t, topic, k, t - lag))
            k += 1
    write(outdir, "rates", events)

    events = []
    for topic, period, phase, lag, end in SLOW_END:
        if period is None:
            events.append((BASE + phase, topic, 0, BASE + phase - lag))
            continue
        k = 0
        while phase + k * period <= end:
            t = BASE + phase + k * period
            events.append((t, topic, k, t - lag))
            k += 1
    write(outdir, "slow-end", events)


if __name__ == "__main__":
    main()
