#!/bin/sh
# Builds the libFuzzer harnesses (clang, ASan + UBSan, own build dir
# build-fuzz) and runs each for N seconds (default 20) on its seed corpus.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS ...]
#
# New inputs go to build-fuzz/corpus/<name> (the committed seeds in
# tests/fuzz/corpus/<name> are only read). A crash leaves crash-* /
# leak-* / timeout-* files in build-fuzz/artifacts/ and makes this script
# exit non-zero; rerun one with
#   build-fuzz/tests/fuzz/fuzz_bag build-fuzz/artifacts/crash-...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-20}
[ $# -gt 0 ] && shift
harnesses=${*:-"fuzz_record fuzz_bag fuzz_chunk fuzz_msgdef fuzz_mcap fuzz_idl fuzz_video fuzz_metadata"}
build="$root/build-fuzz"

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$root" -Dfuzzing=true -Dtests=false \
    -Dexamples=false -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link -Dbuildtype=debugoptimized
fi
ninja -C "$build" $(for h in $harnesses; do echo tests/fuzz/$h; done)

mkdir -p "$build/artifacts"
status=0
for h in $harnesses; do
  seeds="$here/corpus/${h#fuzz_}"
  work="$build/corpus/${h#fuzz_}"
  mkdir -p "$work"
  echo "== $h: ${secs}s, seeds $seeds"
  # 2 GB RSS and 256 MB per allocation: a bag of a few KB must not ask for more
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/tests/fuzz/$h" -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=256 -max_len=65536 \
      -artifact_prefix="$build/artifacts/$h-" -print_final_stats=1 \
      "$work" "$seeds" 2>"$build/$h.log"; then
    status=1
    echo "!! $h found a problem: see $build/$h.log and $build/artifacts/"
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|^#[0-9]+ +DONE|ERROR:|SUMMARY" \
    "$build/$h.log" || true
done
exit $status
