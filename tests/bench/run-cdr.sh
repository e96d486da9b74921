# gst-rosbag benchmark: the CDR decoding series of run.sh (run.sh --cdr
# sources this file after building; it uses run.sh's variables and
# run_case). See the "CDR cases" in run.sh's header and docs/benchmarks.md.

NPM="$B/npm"
HAVE_NPM=0
if command -v node > /dev/null 2>&1; then
  "$ROOT/tests/files/npm-install.sh" "$NPM" "$NPM.stamp"
  [ "$(cat "$NPM.stamp" 2>/dev/null)" = ok ] && HAVE_NPM=1
fi
if [ $HAVE_NPM = 0 ]; then
  echo "run.sh: the npm references are unavailable ($(cat "$NPM.stamp" 2>/dev/null || echo 'no node')):" \
    "no ref cases, our JSON not checked" >&2
fi
command -v gst-launch-1.0 > /dev/null || { echo "run.sh: needs gst-launch-1.0" >&2; exit 1; }

REFCDR="node $HERE/ref-cdr.mjs"
TOPICS=/imu,/joint_states,/tf
ONE=/imu

# json_cmd FILE SINK1 SINK2 SINK3: sets CMD to our JSON pipeline over
# $TOPICS, each topic's lines into its sink (filesink location=X, fdsink
# fd=1, ...; split on spaces)
json_cmd() {
  CMD=(gst-launch-1.0 -q bagsrc name=b location="$1" topics=$TOPICS raw=true
    b.imu ! rosmsgconvert format=json ! $2
    b.joint_states ! rosmsgconvert format=json ! $3
    b.tf ! rosmsgconvert format=json ! $4)
}

# first: on a small file, our JSON (all three topics) and CSV (/imu) must
# equal what @foxglove/rosmsg2-serialization decodes, value by value, and
# ref-cdr.mjs must count the same messages
if [ $HAVE_NPM = 1 ]; then
  f="$BAGDIR/bench-verify-cdr.mcap"
  "$B/gen-mcap" "$f" 5 none --no-cameras > /dev/null
  json_cmd "$f" "filesink location=$f.1" "filesink location=$f.2" "filesink location=$f.3"
  "${CMD[@]}"
  cat "$f.1" "$f.2" "$f.3" > "$f.jsonl"
  node "$ROOT/tests/files/rosmsg2-ref.mjs" --npm "$NPM" compare "$f" "$f.jsonl" --topics $TOPICS
  gst-launch-1.0 -q bagsrc location="$f" topics=$ONE raw=true ! rosmsgconvert format=csv ! filesink location="$f.csv"
  node "$ROOT/tests/files/rosmsg2-ref.mjs" --npm "$NPM" compare-csv "$f" $ONE "$f.csv"
  read -r n _ < <($REFCDR "$f" --topics $TOPICS --npm "$NPM")
  if [ "$n" != "$(wc -l < "$f.jsonl")" ]; then
    echo "run.sh: ref-cdr.mjs read $n messages of $f, our JSON has $(wc -l < "$f.jsonl") lines" >&2
    exit 1
  fi
  rm -f "$f" "$f.1" "$f.2" "$f.3" "$f.jsonl" "$f.csv"
fi

# INFO lines: case file topics messages payload output_bytes reference
INFO="$BAGDIR/info.$$"
: > "$INFO"
for s in $SIZES; do
  for c in $COMPRESSION; do
    f="$BAGDIR/bench-$s-$c-small.mcap"
    fb=$(basename "$f")
    echo "== $f"
    "$B/gen-mcap" "$f" "$s" "$c" --no-cameras
    # what the library reads (the file has only the three small topics)
    read -r nmsg payload _ < <("$B/read-lib" "$f" 2>/dev/null)
    # /imu alone: its messages and payload, as @mcap/core counts them
    one_n= one_pay=
    [ $HAVE_NPM = 1 ] && read -r one_n one_pay _ < <($REFCDR "$f" --topics $ONE --npm "$NPM")
    for case in $CASES; do
      case $case in
        read)
          run_case read "$f" "$payload" gst-launch-1.0 -q bagsrc name=b location="$f" topics=$TOPICS raw=true \
            b.imu ! fakesink b.joint_states ! fakesink b.tf ! fakesink
          echo "read $fb $TOPICS $nmsg $payload 0 ref" >> "$INFO" ;;
        json)
          # our messages and output size, counted outside the timed runs
          json_cmd "$f" "fdsink fd=1" "fdsink fd=1" "fdsink fd=1"
          read -r lines bytes < <("${CMD[@]}" | wc -lc)
          [ "$lines" = "$nmsg" ] || echo "run.sh: WARNING: json wrote $lines lines for $nmsg messages" >&2
          json_cmd "$f" "filesink location=/dev/null" "filesink location=/dev/null" \
            "filesink location=/dev/null"
          run_case json "$f" "$payload" "${CMD[@]}"
          echo "json $fb $TOPICS $lines $payload $bytes ref" >> "$INFO" ;;
        json-imu|csv-imu)
          fmt=${case%-imu}
          read -r lines bytes < <(gst-launch-1.0 -q bagsrc location="$f" topics=$ONE raw=true ! \
            rosmsgconvert format=$fmt ! fdsink fd=1 | wc -lc)
          [ $fmt = csv ] && lines=$((lines - 1))   # the header row
          [ -z "$one_n" ] || [ "$lines" = "$one_n" ] || echo "run.sh: WARNING: $case wrote $lines rows for $one_n messages" >&2
          run_case $case "$f" "${one_pay:-0}" gst-launch-1.0 -q bagsrc location="$f" topics=$ONE raw=true ! \
            rosmsgconvert format=$fmt ! filesink location=/dev/null
          echo "$case $fb $ONE $lines ${one_pay:-0} $bytes ref-imu" >> "$INFO" ;;
        ref|ref-imu)
          [ $HAVE_NPM = 1 ] || continue
          t=$TOPICS
          [ $case = ref-imu ] && t=$ONE
          read -r n pay bytes < <($REFCDR "$f" --topics $t --npm "$NPM")
          run_case $case "$f" "$pay" $REFCDR "$f" --topics $t --npm "$NPM"
          echo "$case $fb $t $n $pay $bytes -" >> "$INFO" ;;
        *) echo "run.sh: unknown CDR case $case" >&2 ;;
      esac
    done
    [ "$(awk -v b="$fb" '$1 == "ref" && $2 == b {print $4}' "$INFO")" = "$nmsg" ] || [ $HAVE_NPM = 0 ] ||
      echo "run.sh: WARNING: ref-cdr.mjs and read-lib count different messages in $f" >&2
    [ "$KEEP" = 0 ] && rm -f "$f"
  done
done

# the table: ratios are case / the reference over the same topics (ref
# for the three topics, ref-imu for /imu alone)
{
  preamble "# gst-rosbag CDR decoding benchmark results" "; node $(node --version 2>/dev/null || echo -), $(gst-launch-1.0 --version | sed -n 's/.*GStreamer \([0-9.]*\).*/GStreamer \1/p' | head -1)" ", msg/s = messages / s"
  echo "peak RSS = highest peak RSS (/usr/bin/time -v) of those runs, lowest = the lowest; out MB = the text written (JSON lines or CSV); ×ref = case / the node reference over the same topics (s, CPU: >1 is slower or more CPU; RSS: >1 is more memory)."
  echo
  echo "| case | file | topics | messages | payload MB | out MB | s | msg/s | MB/s | CPU s | peak RSS MB | lowest | s ×ref | CPU ×ref | RSS ×ref |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk '
    FNR == NR { k = $1 " " $2; t[k] = $3; n[k] = $4; p[k] = $5; o[k] = $6; ref[k] = $7; next }
    { k = $1 " " $2; key[FNR] = k; name[FNR] = $1; file[FNR] = $2; wall[FNR] = $4; rss[FNR] = $5;
      cpu[FNR] = $6 + $7; rmin[FNR] = $8; nr = FNR;
      rw[k] = $4; rc[k] = $6 + $7; rr[k] = $5 }
    function r(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
    END {
      for (j = 1; j <= nr; j++) {
        i = key[j]; x = ref[i] " " file[j];
        printf "| %s | %s | %s | %d | %.1f | %s | %.2f | %s | %s | %.2f | %.1f | %.1f | %s | %s | %s |\n",
          name[j], file[j], t[i], n[i], p[i] / 1048576, (o[i] > 0) ? sprintf("%.1f", o[i] / 1048576) : "-",
          wall[j], (wall[j] > 0) ? sprintf("%.0f", n[i] / wall[j]) : "-",
          (wall[j] > 0) ? sprintf("%.1f", p[i] / 1048576 / wall[j]) : "-",
          cpu[j], rss[j] / 1024, rmin[j] / 1024,
          (ref[i] == "-") ? "-" : r(wall[j], rw[x]), (ref[i] == "-") ? "-" : r(cpu[j], rc[x]),
          (ref[i] == "-") ? "-" : r(rss[j], rr[x])
      }
    }' "$INFO" "$ROWS"
} > "$OUT"
rm -f "$TMP" "$TMP.out" "$TMP.err" "$ROWS" "$INFO"
echo
cat "$OUT"
