#!/bin/bash
# gst-rosbag benchmark: plays every topic of generated bags with our
# elements and library, next to the C++ rosbag_storage and python3-rosbag
# readers, in one run; reports seconds, MB/s and peak RSS as ratios.
#
#   tests/bench/run.sh [--mcap|--cdr] [--quick|--full] [--sizes "MB MB..."]
#                      [--py-max MB] [--build DIR] [--bagdir DIR]
#                      [--cases "a b..."] [--compression "none lz4"]
#                      [--keep] [--out FILE] [--runs N] [--nice N]
#
# Default: one 200 MB bag (uncompressed and lz4), a quick run; its table
# goes to /tmp/gst-rosbag-bench/results.md (runs with a 4096 MB bag write
# tests/bench/results.md, unless --out says otherwise).
# --full: 1024 and 4096 MB bags; python3-rosbag only up to --py-max
# (default 1024) MB because it is slow.
#
# Before anything, a 20 MB bag of each compression is checked with
# verify-bag.py (python3-rosbag) and ref_cpp against read-lib.
#
# --mcap: the MCAP series instead (see "MCAP cases" below): rosbag2-shaped
# files from gen-mcap, zstd, lz4 and zstd with overlapping chunks
# (--compression "zstd lz4 overlap", "none" also possible); its table goes
# to BAGDIR/results-mcap.md unless --out says otherwise. --quick (the
# default) is one 200 MB size, --full 1024 and 4096 MB.
#
# --cdr: the CDR decoding series instead (see "CDR cases" below): one
# gen-mcap --no-cameras file (/imu, /joint_states, /tf only: about 200k
# messages of ~300 bytes in 60 MB of payload; --sizes "MB" for another
# size, --compression "none" by default); its table goes to
# BAGDIR/results-cdr.md unless --out says otherwise.
#
# Every case is a fresh process under /usr/bin/time -v: run once to warm
# the page cache (and the GStreamer registry), then --runs (3) times
# measured; the table has the fastest wall time with its CPU time, and the
# highest and lowest peak RSS. --nice N runs the cases at that niceness (negative
# needs root) on a machine where other work competes for the cores. The page
# cache cannot be dropped here (no root), so every figure is warm cache.
# Peak RSS is "Maximum resident set size" as /usr/bin/time reads it from
# outside. Sizes are payload (serialized message bytes); MB/s is payload MB
# over wall seconds.
#
# Cases:
#   cpp         ref_cpp: rosbag::View over all messages, each written out
#   py          ref_py.py: python3-rosbag read_messages(raw=True)
#   lib         read-lib: GstRosbagReader over all messages, bytes summed
#   lib-p0      the same without the prefetch worker
#   bagsrc      play-all: bagsrc, one fakesink sync=false per topic pad
#               (images as video/x-raw)
#   bagsrc-raw  the same with raw=true (every topic application/x-rosmsg)
#   bagsrc-notrim  bagsrc with glibc told to keep freed memory
#               (GLIBC_TUNABLES mmap_threshold=32M, trim_threshold=256M):
#               what recycling chunk-sized buffers would save (an
#               experiment on the allocator, not a setting we ship)
#   slow        bagsrc with `identity sleep-time=20000` before cam0's
#               fakesink (a sink at 50 fps on a 30 Hz topic, all the other
#               pads fast), stop-time=10 s of the bag: RSS must stay at
#               the queue limits + chunk cache
#
# MCAP cases (--mcap; first, a 20 MB file of each kind is checked with
# verify-mcap.mjs (@mcap/core, and every message decoded and written back
# by @foxglove/rosmsg2-serialization), and ref-mcap.mjs --checksum must
# see the same messages, bytes and checksum as read-lib):
#   cli         `zstd -d` / `lz4 -d` of the side file holding the same
#               chunks' compressed records (gen-mcap --frames-out): the
#               single-core decompression limit, nothing parsed
#   lib         read-lib: GstRosbagReader over all messages, bytes summed
#   lib-p0      the same without the prefetch worker (one core, as the CLI)
#   bagsrc      play-all: bagsrc, one fakesink sync=false per topic pad
#   mcapjs      ref-mcap.mjs: @mcap/core McapIndexedReader.readMessages()
#               with @foxglove/wasm-zstd / wasm-lz4 (Node), counting
#               messages and bytes
# The npm packages are installed by tests/files/npm-install.sh into
# BUILD/tests/bench/npm; without them the mcapjs case and the checks are
# skipped, saying so.
#
# CDR cases (--cdr; first, on a 5 MB file, our JSON of the three topics
# must equal @foxglove/rosmsg2-serialization's decoding value by value
# (tests/files/rosmsg2-ref.mjs compare), our /imu CSV too (compare-csv),
# and ref-cdr.mjs must count the same messages; each case's message count
# is checked on the big file outside the timed runs):
#   read        gst-launch-1.0 bagsrc topics=/imu,/joint_states,/tf
#               raw=true, one fakesink per pad: reading only, no decoding
#   json        the same, each pad through rosmsgconvert format=json to
#               filesink location=/dev/null
#   json-imu    bagsrc topics=/imu ! rosmsgconvert format=json ! filesink
#   csv-imu     bagsrc topics=/imu ! rosmsgconvert format=csv ! filesink
#   ref         ref-cdr.mjs: @mcap/core reads, @foxglove/rosmsg2-
#               serialization's MessageReader decodes, JSON.stringify
#               lines written to /dev/null (Node), the three topics
#   ref-imu     the same for /imu alone (the reference of json-imu and
#               csv-imu)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZES="200"
PY_MAX=1024
BUILD="$ROOT/build-bench"
BAGDIR=/tmp/gst-rosbag-bench
CASES=
# glibc keeps freed chunk-sized blocks instead of unmapping / trimming them
NOTRIM=GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456
COMPRESSION=
MCAP=0
CDR=0
SIZES_SET=0
KEEP=0
RUNS=3
NICE=
OUT=
PY=/usr/bin/python3

while [ $# -gt 0 ]; do
  case "$1" in
    --full) SIZES="1024 4096" ;;
    --quick) SIZES="200" ;;
    --mcap) MCAP=1 ;;
    --cdr) CDR=1 ;;
    --sizes) SIZES="$2"; SIZES_SET=1; shift ;;
    --py-max) PY_MAX="$2"; shift ;;
    --build) BUILD="$2"; shift ;;
    --bagdir) BAGDIR="$2"; shift ;;
    --cases) CASES="$2"; shift ;;
    --compression) COMPRESSION="$2"; shift ;;
    --keep) KEEP=1 ;;
    --runs) RUNS="$2"; shift ;;
    --nice) NICE="nice -n $2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ $CDR = 1 ]; then
  [ $SIZES_SET = 1 ] || SIZES=60
  : "${CASES:=read json json-imu csv-imu ref ref-imu}"
  : "${COMPRESSION:=none}"
  : "${OUT:=$BAGDIR/results-cdr.md}"
elif [ $MCAP = 1 ]; then
  : "${CASES:=cli lib lib-p0 bagsrc mcapjs}"
  : "${COMPRESSION:=zstd lz4 overlap}"
  : "${OUT:=$BAGDIR/results-mcap.md}"
else
  : "${CASES:=cpp py lib lib-p0 bagsrc bagsrc-raw bagsrc-notrim slow}"
  : "${COMPRESSION:=none lz4}"
fi

# the committed results.md holds a --full run; quick runs go next to the bags
if [ -z "$OUT" ]; then
  case " $SIZES " in
    *" 4096 "*) OUT="$HERE/results.md" ;;
    *) OUT="$BAGDIR/results.md" ;;
  esac
fi

[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# build
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$ROOT" -Dbenchmarks=true -Dtests=false -Dexamples=false >/dev/null
else
  meson configure "$BUILD" -Dbenchmarks=true >/dev/null
fi
if ! log=$(ninja -C "$BUILD" 2>&1); then
  echo "$log" | tail -30 >&2
  echo "run.sh: the build in $BUILD failed" >&2
  exit 1
fi
B="$BUILD/tests/bench"
for x in gen-bag gen-mcap read-lib play-all; do
  [ -x "$B/$x" ] || { echo "run.sh: $B/$x was not built" >&2; exit 1; }
done
HAVE_CPP=1
[ $MCAP = 1 ] || [ $CDR = 1 ] || [ -x "$B/ref_cpp" ] || { HAVE_CPP=0; echo "run.sh: no ref_cpp (librosbag-storage-dev missing?): C++ column empty" >&2; }

export GST_PLUGIN_PATH="$BUILD/plugins/rosbag"
export GST_REGISTRY="$BAGDIR/registry.bin"
unset GST_TRACERS GST_DEBUG || true

# disk space: each size once uncompressed and about half of it as lz4
mkdir -p "$BAGDIR"
need=0
for s in $SIZES; do need=$((need + s * 16 / 10)); done
avail=$(df -Pm "$BAGDIR" | awk 'NR==2 {print $4}')
if [ "$avail" -lt $((need + 1024)) ]; then
  echo "run.sh: $BAGDIR has $avail MB free, needs about $need MB + 1 GB" >&2
  exit 1
fi
cleanup() {
  if [ "$KEEP" = 0 ]; then
    rm -f "$BAGDIR"/bench-*.bag "$BAGDIR"/bench-*.mcap "$BAGDIR"/bench-*.frames
  fi
}
trap cleanup EXIT

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
TMP="$BAGDIR/time.$$"
ROWS="$BAGDIR/rows.$$"
: > "$ROWS"

# run_case NAME BAG PAYLOAD_BYTES CMD...: a warm-up run, then $RUNS
# measured runs, each a fresh process; the row has the fastest wall time
# (least disturbed by other load), its CPU time, and the highest peak RSS
run_case() {
  local name=$1 bag=$2 payload=$3 i
  shift 3
  $NICE "$@" > /dev/null 2>&1 || true
  local best_wall= best_user= best_sys= max_rss=0 min_rss= wall rss user sys
  for i in $(seq "$RUNS"); do
    if ! $NICE /usr/bin/time -v -o "$TMP" "$@" > "$TMP.out" 2> "$TMP.err"; then
      echo "run.sh: case $name on $bag failed:" >&2
      cat "$TMP.err" >&2
      return 0
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, a, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + a[i];
        print s }' "$TMP")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP")
    user=$(awk -F': ' '/User time/ {print $2}' "$TMP")
    sys=$(awk -F': ' '/System time/ {print $2}' "$TMP")
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    if [ -z "$min_rss" ] || [ "$rss" -lt "$min_rss" ]; then min_rss=$rss; fi
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc)" = 1 ]; then
      best_wall=$wall; best_user=$user; best_sys=$sys
    fi
  done
  echo "$name $(basename "$bag") $payload $best_wall $max_rss $best_user $best_sys $min_rss $(head -c 200 "$TMP.out" | tr ' \n' ',;')" >> "$ROWS"
  printf "  %-11s %7.2f s  %8.1f MB RSS (lowest %.1f)  (out: %s)\n" "$name" \
    "$best_wall" "$(echo "$max_rss / 1024" | bc -l)" \
    "$(echo "$min_rss / 1024" | bc -l)" "$(tr '\n' ' ' < "$TMP.out")"
}

# preamble TITLE BUILD_EXTRA UNITS_EXTRA: the lines above a table: the
# machine, the build, the load, how the figures were taken
preamble() {
  echo "$1"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM,"
  echo "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); warm page cache;"
  src=$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$BUILD/meson-info/meson-info.json" 2>/dev/null | head -1)
  echo "build: $BUILD, from ${src:-?} ($(git -C "${src:-$ROOT}" rev-parse --short HEAD 2>/dev/null || echo 'not a git tree'))$2."
  echo "Load average before the run: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg). Cases run with: ${NICE:-default niceness}."
  echo "Seconds: fastest wall time of $RUNS measured runs (after a warm-up run), CPU s = its user + sys; MB/s = payload MB / s$3;"
}

if [ $CDR = 1 ]; then
  . "$HERE/run-cdr.sh"
  exit 0
fi
if [ $MCAP = 1 ]; then
  . "$HERE/run-mcap.sh"
  exit 0
fi

# first: a small bag of each compression must read back right in
# python3-rosbag (and in C++ rosbag_storage, with the same messages)
for c in $COMPRESSION; do
  bag="$BAGDIR/bench-verify-$c.bag"
  "$B/gen-bag" "$bag" 20 "$c" > /dev/null
  $PY "$HERE/verify-bag.py" "$bag"
  if [ $HAVE_CPP = 1 ] && [ "$("$B/ref_cpp" "$bag")" != "$("$B/read-lib" "$bag" 2>/dev/null)" ]; then
    echo "run.sh: ref_cpp and read-lib disagree on $bag" >&2
    exit 1
  fi
  rm -f "$bag"
done

for s in $SIZES; do
  for c in $COMPRESSION; do
    bag="$BAGDIR/bench-$s-$c.bag"
    echo "== $bag"
    "$B/gen-bag" "$bag" "$s" "$c"
    # payload and message count as the library reads them
    read -r nmsg payload _ < <("$B/read-lib" "$bag" 2>/dev/null)
    for case in $CASES; do
      case $case in
        cpp) [ $HAVE_CPP = 1 ] && run_case cpp "$bag" "$payload" "$B/ref_cpp" "$bag" ;;
        py)
          if [ "$s" -le "$PY_MAX" ]; then
            run_case py "$bag" "$payload" $PY "$HERE/ref_py.py" "$bag"
          else
            echo "  py          skipped (bag > --py-max $PY_MAX MB)"
          fi ;;
        lib) run_case lib "$bag" "$payload" "$B/read-lib" "$bag" ;;
        lib-p0) run_case lib-p0 "$bag" "$payload" "$B/read-lib" "$bag" --prefetch 0 ;;
        bagsrc) run_case bagsrc "$bag" "$payload" "$B/play-all" "$bag" ;;
        bagsrc-raw) run_case bagsrc-raw "$bag" "$payload" "$B/play-all" "$bag" --raw ;;
        bagsrc-notrim) run_case bagsrc-notrim "$bag" "$payload" env "$NOTRIM" "$B/play-all" "$bag" ;;
        slow) run_case slow "$bag" 0 "$B/play-all" "$bag" --slow cam0_image_raw --sleep-us 20000 --stop-time 10 ;;
        *) echo "run.sh: unknown case $case" >&2 ;;
      esac
    done
    # every reader must have seen the same messages
    awk -v n="$nmsg" -v b="$(basename "$bag")" '$2 == b && $1 != "slow" {
        split($9, o, ","); if (o[1] != n) printf "run.sh: WARNING: %s read %s messages of %s, expected %s\n", $1, o[1], b, n }' "$ROWS" >&2
    [ "$KEEP" = 0 ] && rm -f "$bag"
  done
done

# the table: ratios are ours / reference on the same bag (time: >1 is
# slower; RSS: >1 is more memory)
{
  preamble "# gst-rosbag benchmark results" "" ""
  echo "peak RSS = highest peak RSS (/usr/bin/time -v) of those runs, lowest = the lowest; ×C++ and ×py = ours / reference (s: >1 is slower; RSS: >1 is more memory)."
  echo
  echo "| case | bag | payload MB | s | MB/s | CPU s | peak RSS MB | lowest | s ×C++ | RSS ×C++ | s ×py | RSS ×py |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk '
    { name[NR] = $1; bag[NR] = $2; pay[NR] = $3; wall[NR] = $4; rss[NR] = $5;
      cpu[NR] = $6 + $7; rmin[NR] = $8;
      if ($1 == "cpp") { cw[$2] = $4; cr[$2] = $5 }
      if ($1 == "py") { pw[$2] = $4; pr[$2] = $5 } }
    function r(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
    END {
      for (i = 1; i <= NR; i++) {
        b = bag[i]; slow = (name[i] == "slow");
        printf "| %s | %s | %s | %.2f | %s | %.2f | %.1f | %.1f | %s | %s | %s | %s |\n",
          name[i], b, slow ? "(10 s)" : sprintf("%.0f", pay[i] / 1048576),
          wall[i], (slow || wall[i] == 0) ? "-" : sprintf("%.0f", pay[i] / 1048576 / wall[i]),
          cpu[i], rss[i] / 1024, rmin[i] / 1024,
          (slow || name[i] == "cpp") ? "-" : r(wall[i], cw[b]), name[i] == "cpp" ? "-" : r(rss[i], cr[b]),
          (slow || name[i] == "py") ? "-" : r(wall[i], pw[b]), name[i] == "py" ? "-" : r(rss[i], pr[b])
      }
    }' "$ROWS"
} > "$OUT"
rm -f "$TMP" "$TMP.out" "$TMP.err" "$ROWS"
echo
cat "$OUT"
