#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gst-rosbag benchmark: the aligned export (issue 12). Two cameras to PNG
# (compression level 1) plus /joint_states to CSV, aligned on header
# stamps, out of a gen-bag bag (uncompressed by default): the Python method
# users run today (../shared/anchors/seed_chunked.py, python3-rosbag +
# Pillow) next to the gst-launch pipeline of docs/bagalign.md, with a
# queue after each bagalign output so that both pngenc branches run at
# once. Each case is a fresh process under /usr/bin/time (peak RSS from
# outside), a warm-up, then --runs (3) runs; medians with the ratio to the
# seed. --trace then runs the gst case once more under thread-times.py:
# CPU seconds and busy share per streaming thread, i.e. per stage.
# Nothing here is a test; see docs/benchmarks.md ("The aligned export").
#
#   tests/bench/run-export.sh [--build DIR] [--runs N] [--bagdir DIR]
#                             [--size MB] [--compression none|lz4]
#                             [--cases "seed gst gst-noqueue tool"] [--trace]
#
# Case "tool" is the same job as one gst-rosbag-export command (issue 13):
# --align with --png-level 1, the aligned outputs in OUT/aligned/.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD="$ROOT/build-bench"
RUNS=3
BAGDIR=/tmp/gst-rosbag-bench
SIZE=1024
COMP=none
CASES="seed gst gst-noqueue tool"
TRACE=
SEED="$ROOT/../shared/anchors/seed_chunked.py"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --bagdir) BAGDIR=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --compression) COMP=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --trace) TRACE=1 ;;
    *) echo "run-export.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" -Dbenchmarks=true > /dev/null
ninja -C "$BUILD" > /dev/null
B="$BUILD/tests/bench"
mkdir -p "$BAGDIR"
export GST_PLUGIN_PATH="$BUILD/plugins/rosbag"
export GST_REGISTRY="$BAGDIR/registry-export.bin"
BAG="$BAGDIR/$COMP-$SIZE.bag"
[ -f "$BAG" ] || "$B/gen-bag" "$BAG" "$SIZE" "$COMP" > /dev/null
OUT="$BAGDIR/export-out"

cmd_for() {
  local q=""
  [ "$1" = gst ] && q="queue max-size-buffers=4 !"
  case "$1" in
    tool) CMD=("$BUILD/tools/gst-rosbag-export" -q "$BAG" -o "$OUT"
          --stamp header --png-level 1 --tolerance 50ms
          --align /cam0/image_raw,/cam1/image_raw,/joint_states) ;;
    seed) CMD=(/usr/bin/python3 "$SEED" --format png --png-level 1
          --images /cam0/image_raw,/cam1/image_raw --joints /joint_states
          --out "$OUT" "$BAG") ;;
    gst|gst-noqueue) CMD=(gst-launch-1.0 -q bagsrc location="$BAG" name=src
          timestamp-source=header
          topics=/cam0/image_raw,/cam1/image_raw,/joint_states
          bagalign name=a index-location="$OUT/index.csv"
          tolerance=50000000 sink_2::policy=previous
          src.cam0_image_raw ! a.sink_0 a.src_0 ! $q videoconvert !
          pngenc compression-level=1 ! multifilesink
          location="$OUT/cam0_%05d.png"
          src.cam1_image_raw ! a.sink_1 a.src_1 ! $q videoconvert !
          pngenc compression-level=1 ! multifilesink
          location="$OUT/cam1_%05d.png"
          src.joint_states ! a.sink_2 a.src_2 ! rosmsgconvert format=csv !
          filesink location="$OUT/joint_states.csv") ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| case | s (median of %s) | CPU s | peak RSS MB | PNGs | s x seed |\n' "$RUNS"
printf '|---|---:|---:|---:|---:|---:|\n'
SEED_S=
for c in $CASES; do
  if [ "$c" = seed ] && [ ! -f "$SEED" ]; then
    echo "| seed | (no $SEED) | | | | |"; continue
  fi
  cmd_for "$c"
  all="$BAGDIR/export.times"
  : > "$all"
  for r in $(seq 0 "$RUNS"); do
    rm -rf "$OUT"; mkdir -p "$OUT"
    /usr/bin/time -f "%e %U %S %M" -o "$BAGDIR/export.t" "${CMD[@]}" \
        > /dev/null 2> "$BAGDIR/export.err" || {
      echo "run-export.sh: $c failed:" >&2; cat "$BAGDIR/export.err" >&2; }
    [ "$r" -gt 0 ] && cat "$BAGDIR/export.t" >> "$all"
  done
  pngs=$(find "$OUT" -name '*.png' | wc -l)
  w=$(awk '{print $1}' "$all" | median)
  [ "$c" = seed ] && SEED_S=$w
  ratio=-
  [ -n "$SEED_S" ] && ratio=$(awk -v a="$w" -v b="$SEED_S" 'BEGIN {printf "%.2f", a / b}')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$c" "$w" \
      "$(awk '{print $2 + $3}' "$all" | median)" \
      "$(awk '{print int($4 / 1024)}' "$all" | median)" "$pngs" "$ratio"
done
if [ -n "$TRACE" ]; then
  cmd_for gst
  rm -rf "$OUT"; mkdir -p "$OUT"
  echo
  echo "Time per stage (gst case, one run; a thread per stage):"
  echo
  /usr/bin/python3 "$HERE/thread-times.py" -- "${CMD[@]}"
fi
rm -rf "$OUT"
