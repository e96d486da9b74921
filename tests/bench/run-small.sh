#!/bin/bash
# gst-rosbag benchmark: small messages (issue 12). Plays a bag and an MCAP
# file of state topics only (gen-bag --small / gen-mcap --small: /imu 1 kHz,
# /joint_states 500 Hz, /tf 2 kHz; 93 MB of payload = 420,593 messages in
# the bag) with bagsrc next to the C++ rosbag_storage reader and
# python3-rosbag, each case a fresh process under /usr/bin/time -v, and
# prints the median of --runs (5) runs after a warm-up, with the ratios to
# C++. Nothing here is a test; see docs/benchmarks.md ("Small messages").
#
#   tests/bench/run-small.sh [--build DIR] [--runs N] [--bagdir DIR]
#                            [--size MB] [--cases "cpp py raw ..."]
#
# Cases: cpp (ref_cpp), py (ref_py.py), raw (play-all --raw: bagsrc, every
# topic application/x-rosmsg to a fakesink), raw-nobatch (the same with
# batch-time=0: one push per message), mcap (play-all --raw on the MCAP
# file), mcap-nobatch, echo (rostopic echo -b BAG -p /imu > /dev/null),
# csv (bagsrc topics=/imu raw=true ! rosmsgconvert format=csv ! fakesink).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD="$ROOT/build-bench"
RUNS=5
BAGDIR=/tmp/gst-rosbag-bench
SIZE=93
CASES="cpp py raw raw-nobatch mcap mcap-nobatch echo csv"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --bagdir) BAGDIR=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --cases) CASES=$2; shift ;;
    *) echo "run-small.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" -Dbenchmarks=true > /dev/null
ninja -C "$BUILD" > /dev/null
B="$BUILD/tests/bench"
mkdir -p "$BAGDIR"
export GST_PLUGIN_PATH="$BUILD/plugins/rosbag"
export GST_REGISTRY="$BAGDIR/registry-small.bin"
BAG="$BAGDIR/small-$SIZE-lz4.bag"
MCAP="$BAGDIR/small-$SIZE-zstd.mcap"
[ -f "$BAG" ] || "$B/gen-bag" "$BAG" "$SIZE" lz4 --small
[ -f "$MCAP" ] || "$B/gen-mcap" "$MCAP" "$SIZE" zstd --small

cmd_for() {
  case "$1" in
    cpp) CMD=("$B/ref_cpp" "$BAG") ;;
    py) CMD=(/usr/bin/python3 "$HERE/ref_py.py" "$BAG") ;;
    raw) CMD=("$B/play-all" "$BAG" --raw) ;;
    raw-nobatch) CMD=("$B/play-all" "$BAG" --raw --batch-time 0) ;;
    mcap) CMD=("$B/play-all" "$MCAP" --raw) ;;
    mcap-nobatch) CMD=("$B/play-all" "$MCAP" --raw --batch-time 0) ;;
    echo) CMD=(rostopic echo -b "$BAG" -p /imu) ;;
    csv) CMD=(gst-launch-1.0 -q bagsrc location="$BAG" topics=/imu
          raw=true ! rosmsgconvert format=csv ! fakesink) ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A WALL
printf '| case | s (median of %s) | CPU s | peak RSS MB | s x C++ |\n' "$RUNS"
printf '|---|---:|---:|---:|---:|\n'
for c in $CASES; do
  cmd_for "$c"
  if ! command -v "${CMD[0]}" > /dev/null; then
    echo "| $c | (no ${CMD[0]}) | | | |"
    continue
  fi
  "${CMD[@]}" > /dev/null 2>&1 || true
  : > "$BAGDIR/small.times"
  for r in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$BAGDIR/small.t" "${CMD[@]}" \
        > /dev/null 2> "$BAGDIR/small.err" || {
      echo "run-small.sh: $c failed:" >&2; cat "$BAGDIR/small.err" >&2; }
    cat "$BAGDIR/small.t" >> "$BAGDIR/small.times"
  done
  w=$(awk '{print $1}' "$BAGDIR/small.times" | median)
  cpu=$(awk '{print $2 + $3}' "$BAGDIR/small.times" | median)
  rss=$(awk '{print $4}' "$BAGDIR/small.times" | sort -n | tail -1)
  WALL[$c]=$w
  ratio=-
  [ -n "${WALL[cpp]}" ] && ratio=$(echo "scale=2; $w / ${WALL[cpp]}" | bc)
  printf '| %s | %s | %s | %.1f | %s |\n' "$c" "$w" "$cpu" \
    "$(echo "scale=1; $rss / 1024" | bc)" "$ratio"
done
if [ -n "${WALL[echo]}" ] && [ -n "${WALL[csv]}" ]; then
  echo
  echo "rostopic echo -p /imu / rosmsgconvert csv: $(echo "scale=1; ${WALL[echo]} / ${WALL[csv]}" | bc)x"
fi
