#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gst-rosbag benchmark: every core decompresses (issue 12). Plays
# compressed recordings with bagsrc (raw=true, every topic to a fakesink)
# pinned to 1 and to 2 CPUs with taskset (the worker pool follows the
# affinity: no workers on 1 CPU, 2 on 2), next to the single-threaded
# references in the same run:
#   - ROS 1 bags (lz4, bz2; none for the copy-free pull): the C++
#     rosbag_storage reader (ref_cpp, rosbag::View copying every message);
#   - MCAP (zstd, lz4): the `zstd -d` / `lz4 -d` command over the same
#     chunks' compressed bytes, cut out by mcap-chunks.py: the cost of the
#     decompression alone on one core.
# Each case is a fresh process under /usr/bin/time, a warm-up and then
# --runs (5) runs; the median is printed with the ratio to the reference.
# bagsrc runs twice per CPU set: "mapped" (the default use-mmap: views of
# the mapped file) and "pull" (use-mmap=false: filesrc's pull range).
# Nothing here is a test; see docs/benchmarks.md ("Every core").
#
#   tests/bench/run-cores.sh [--build DIR] [--runs N] [--bagdir DIR]
#                            [--size MB] [--bz2-size MB] [--cpus "0 0,1"]
#                            [--kinds "lz4 bz2 none mcap-zstd mcap-lz4"]
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD="$ROOT/build-bench"
RUNS=5
BAGDIR=/tmp/gst-rosbag-bench
SIZE=1024
BZ2_SIZE=300
CPUS="0 0,1"
KINDS="lz4 bz2 none mcap-zstd mcap-lz4"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --bagdir) BAGDIR=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --bz2-size) BZ2_SIZE=$2; shift ;;
    --cpus) CPUS=$2; shift ;;
    --kinds) KINDS=$2; shift ;;
    *) echo "run-cores.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" -Dbenchmarks=true > /dev/null
ninja -C "$BUILD" > /dev/null
B="$BUILD/tests/bench"
mkdir -p "$BAGDIR"
export GST_PLUGIN_PATH="$BUILD/plugins/rosbag"
export GST_REGISTRY="$BAGDIR/registry-cores.bin"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure NAME CMD...: prints "wall cpu rss_mb" (medians)
measure() {
  local t="$BAGDIR/cores.t" all="$BAGDIR/cores.times"
  "$@" > /dev/null 2>&1 || true
  : > "$all"
  for r in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" > /dev/null \
        2> "$BAGDIR/cores.err" || {
      echo "run-cores.sh: $* failed:" >&2; cat "$BAGDIR/cores.err" >&2; }
    cat "$t" >> "$all"
  done
  echo "$(awk '{print $1}' "$all" | median)" \
      "$(awk '{print $2 + $3}' "$all" | median)" \
      "$(awk '{print int($4 / 1024)}' "$all" | median)"
}

printf '| recording | case | CPUs | s (median of %s) | CPU s | peak RSS MB | x reference |\n' "$RUNS"
printf '|---|---|---:|---:|---:|---:|---:|\n'
for k in $KINDS; do
  case "$k" in
    lz4|none) F="$BAGDIR/$k-$SIZE.bag"
      [ -f "$F" ] || "$B/gen-bag" "$F" "$SIZE" "$k" > /dev/null ;;
    bz2) F="$BAGDIR/bz2-$BZ2_SIZE.bag"
      [ -f "$F" ] || "$B/gen-bag" "$F" "$BZ2_SIZE" bz2 > /dev/null ;;
    mcap-zstd|mcap-lz4) c=${k#mcap-}; F="$BAGDIR/$c-$SIZE.mcap"
      [ -f "$F" ] || "$B/gen-mcap" "$F" "$SIZE" "$c" > /dev/null ;;
  esac
  case "$k" in
    mcap-*)
      c=${k#mcap-}
      "$HERE/mcap-chunks.py" "$F" "$BAGDIR/chunks.$c" > /dev/null
      read -r rw rc rr <<< "$(measure taskset -c 0 $c -d -q -c "$BAGDIR/chunks.$c")"
      REF="$c -d"
      ;;
    *)
      read -r rw rc rr <<< "$(measure taskset -c 0 "$B/ref_cpp" "$F")"
      REF="C++"
      ;;
  esac
  printf '| %s | %s | 1 | %s | %s | %s | 1.00 |\n' "$(basename "$F")" \
      "$REF" "$rw" "$rc" "$rr"
  for cpus in $CPUS; do
    for how in mapped pull; do
      n=$(echo "$cpus" | tr ',' '\n' | wc -l)
      opt=""; [ "$how" = pull ] && opt="--no-mmap"
      read -r w c2 r <<< "$(measure taskset -c "$cpus" "$B/play-all" "$F" --raw $opt)"
      case "$k" in
        mcap-*) ideal=$(awk -v a="$rw" -v n="$n" 'BEGIN {print a / n}')
          ratio=$(awk -v a="$w" -v b="$rw" -v i="$ideal" -v n="$n" 'BEGIN {printf "%.2f; %.2fx of ref/%d", a / b, a / i, n}') ;;
        *) ratio=$(awk -v a="$w" -v b="$rw" 'BEGIN {printf "%.2f", a / b}') ;;
      esac
      printf '| | bagsrc raw (%s) | %s | %s | %s | %s | %s |\n' "$how" "$n" "$w" \
          "$c2" "$r" "$ratio"
    done
  done
done
rm -f "$BAGDIR"/chunks.*
