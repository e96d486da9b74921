#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gst-rosbag: the long stress run. tests/check/stress.c (meson test
# 'stress' runs it with 150 operations per case) with STRESS_OPS=1000 on
# sample.bag and on mcap/zstd.mcap, once per seed, in the environment
# tests/check/meson.build gives every test (own registry, the leaks
# tracer, G_DEBUG=fatal-warnings). Builds the test first if needed. One
# line per seed and case: PASS or FAIL, the time, the summary the test
# prints (operations done, SEGMENT_DONEs, buffers compared) or the failure
# (seed, operation, what did not complete, the last operations before it;
# a hang also prints every thread's backtrace when gdb is there). Full
# output per run in OUT/stress-SEED.log. Exit status 1 when a run failed.
# See docs/testing.md ("Stress").
#
#   tests/bench/run-stress.sh [--build DIR] [--ops N] [--out DIR]
#                             [--seeds "1 2 3" | --random N]
#                             [--case test_stress_bag|test_stress_mcap]
#                             [--known]
#
# --known also runs the operations behind the three known bagalign bugs
# (STRESS_ALIGN_PAUSE=1 STRESS_SPARSE_SEGMENTS=1 STRESS_ALIGN_NO_SETS=1):
# expect failures.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD="$ROOT/build"
OPS=1000
OUT=/tmp/gst-rosbag-stress
SEEDS="1 2 3 4 5"
CASES="test_stress_bag,test_stress_mcap"
KNOWN=
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift ;;
    --ops) OPS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --seeds) SEEDS=$2; shift ;;
    --random)
      SEEDS=
      for _ in $(seq "$2"); do SEEDS="$SEEDS $(od -An -N4 -tu4 /dev/urandom)"; done
      shift ;;
    --case) CASES=$2; shift ;;
    --known) KNOWN=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$ROOT"
fi
ninja -C "$BUILD" -j2 tests/check/check-stress plugins/rosbag/libgstrosbag.so \
  >/dev/null
BIN="$BUILD/tests/check/check-stress"
mkdir -p "$OUT"

# what tests/check/meson.build sets for every test
export GST_REGISTRY="$OUT/stress.registry"
export GST_PLUGIN_PATH="$BUILD/plugins/rosbag"
export GST_TRACERS=leaks
export GST_DEBUG="GST_TRACER:1,*:1"
export G_DEBUG=fatal-warnings
export STRESS_OPS=$OPS GST_CHECKS=$CASES
if [ -n "$KNOWN" ]; then
  export STRESS_ALIGN_PAUSE=1 STRESS_SPARSE_SEGMENTS=1 STRESS_ALIGN_NO_SETS=1
fi

failed=0
total_start=$(date +%s.%N)
for seed in $SEEDS; do
  log="$OUT/stress-$seed.log"
  start=$(date +%s.%N)
  if STRESS_SEED=$seed "$BIN" >"$log" 2>&1; then
    status=PASS
  else
    status=FAIL
    failed=$((failed + 1))
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%s seed %s: %.1f s (%s)\n' "$status" "$seed" "$secs" "$log"
  # the test's own summary lines, or its failures
  grep -E '^stress (bag|mcap): seed [0-9]+: |FAILED|TIMEOUT|Received signal' \
    "$log" | sed 's/^/  /' | cut -c1-300 || true
done
printf 'total %.1f s, %d of %d seeds failed\n' \
  "$(echo "$(date +%s.%N) - $total_start" | bc)" "$failed" \
  "$(echo $SEEDS | wc -w)"
[ "$failed" -eq 0 ]
