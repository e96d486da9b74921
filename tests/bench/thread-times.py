#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# gst-rosbag benchmark helper: CPU time per thread of a command, read from
# outside. Runs COMMAND, samples /proc/PID/task/*/stat every --interval
# seconds (the last sample of each thread before it ends is kept) and
# prints, per thread name, the CPU seconds (user + system) and the share of
# the wall time it was busy. GStreamer names each streaming thread after
# its pad ("queue0:src", "a:src_0"), so in a pipeline with a queue before
# each branch every row is one stage. Nothing here is a test.
#
#   tests/bench/thread-times.py [--interval S] -- COMMAND [ARG...]
import argparse
import os
import subprocess
import sys
import time


def sample(pid, seen):
    base = "/proc/%d/task" % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return
    for tid in tids:
        try:
            with open("%s/%s/stat" % (base, tid)) as f:
                stat = f.read()
        except OSError:
            continue
        # comm is in parentheses and may hold spaces; fields follow it
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        seen[tid] = (name, ticks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no command")
    hz = os.sysconf("SC_CLK_TCK")
    seen = {}
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    while p.poll() is None:
        sample(p.pid, seen)
        time.sleep(a.interval)
    wall = time.monotonic() - t0
    by_name = {}
    for name, ticks in seen.values():
        n, t = by_name.get(name, (0, 0))
        by_name[name] = (n + 1, t + ticks)
    print("| thread | threads | CPU s | busy %% of %.2f s |" % wall)
    print("|---|---:|---:|---:|")
    for name, (n, t) in sorted(by_name.items(), key=lambda x: -x[1][1]):
        if t == 0:
            continue
        print("| %s | %d | %.2f | %.0f |" % (name, n, t / hz,
                                             100.0 * t / hz / wall))
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
