# gst-rosbag benchmark: the MCAP series of run.sh (run.sh --mcap sources
# this file after building; it uses run.sh's variables and run_case). See
# the "MCAP cases" in run.sh's header and docs/benchmarks.md.

NPM="$B/npm"
HAVE_NPM=0
if command -v node > /dev/null 2>&1; then
  "$ROOT/tests/files/npm-install.sh" "$NPM" "$NPM.stamp"
  if [ "$(cat "$NPM.stamp" 2>/dev/null)" = ok ]; then
    HAVE_NPM=1
  fi
fi
if [ $HAVE_NPM = 0 ]; then
  echo "run.sh: the npm references are unavailable ($(cat "$NPM.stamp" 2>/dev/null || echo 'no node')):" \
    "no mcapjs case, gen-mcap's output not checked" >&2
fi
MCAPJS="node $HERE/ref-mcap.mjs"

# gen_mcap FILE MB KIND [ARGS...]: KIND is none, lz4, zstd or overlap
# (zstd, chunks overlapping and out of order)
gen_mcap() {
  local f=$1 mb=$2 kind=$3
  shift 3
  case $kind in
    overlap) "$B/gen-mcap" "$f" "$mb" zstd --overlap "$@" ;;
    *) "$B/gen-mcap" "$f" "$mb" "$kind" "$@" ;;
  esac
}

# first: a small file of each kind reads back right in @mcap/core, and
# read-lib sees what @mcap/core sees (messages, bytes, checksum)
if [ $HAVE_NPM = 1 ]; then
  for c in $COMPRESSION; do
    f="$BAGDIR/bench-verify-$c.mcap"
    gen_mcap "$f" 20 "$c" > /dev/null
    node "$HERE/verify-mcap.mjs" "$f" "$([ "$c" = overlap ] && echo zstd || echo "$c")" --npm "$NPM"
    ref=$($MCAPJS "$f" --checksum --npm "$NPM")
    ours=$("$B/read-lib" "$f" 2>/dev/null)
    if [ "$ref" != "$ours" ]; then
      echo "run.sh: @mcap/core ($ref) and read-lib ($ours) disagree on $f" >&2
      exit 1
    fi
    rm -f "$f"
  done
fi

FILES="$BAGDIR/files.$$"
: > "$FILES"
for s in $SIZES; do
  for c in $COMPRESSION; do
    f="$BAGDIR/bench-$s-$c.mcap"
    frames=
    echo "== $f"
    if [ "$c" != none ]; then
      frames="$BAGDIR/bench-$s-$c.frames"
      gen_mcap "$f" "$s" "$c" --frames-out "$frames"
    else
      gen_mcap "$f" "$s" "$c"
    fi
    # payload and message count as the library reads them
    read -r nmsg payload _ < <("$B/read-lib" "$f" 2>/dev/null)
    echo "$(basename "$f") $nmsg $(stat -c %s "$f")" >> "$FILES"
    for case in $CASES; do
      case $case in
        cli)
          case $c in
            lz4) run_case cli "$f" "$payload" lz4 -d -q -f "$frames" /dev/null ;;
            zstd|overlap) run_case cli "$f" "$payload" zstd -d -q -f "$frames" -o /dev/null ;;
          esac ;;
        lib) run_case lib "$f" "$payload" "$B/read-lib" "$f" ;;
        lib-p0) run_case lib-p0 "$f" "$payload" "$B/read-lib" "$f" --prefetch 0 ;;
        bagsrc) run_case bagsrc "$f" "$payload" "$B/play-all" "$f" ;;
        mcapjs) [ $HAVE_NPM = 1 ] && run_case mcapjs "$f" "$payload" $MCAPJS "$f" --npm "$NPM" ;;
        *) echo "run.sh: unknown MCAP case $case" >&2 ;;
      esac
    done
    # every reader must have seen the same messages
    awk -v n="$nmsg" -v b="$(basename "$f")" '$2 == b && $1 != "cli" {
        split($9, o, ","); if (o[1] != n) printf "run.sh: WARNING: %s read %s messages of %s, expected %s\n", $1, o[1], b, n }' "$ROWS" >&2
    [ "$KEEP" = 0 ] && rm -f "$f" "$frames"
  done
done

# the table: ratios are case / reference on the same file (time: >1 is
# slower; RSS: >1 is more memory); the references are the single-core CLI
# decompression of the same chunks and @mcap/core
{
  preamble "# gst-rosbag MCAP benchmark results" "; node $(node --version 2>/dev/null || echo -), $(zstd --version 2>/dev/null | sed -n 's/.*\(v[0-9.]*\).*/zstd \1/p'), $(lz4 --version 2>/dev/null | sed -n 's/.*\(v[0-9.]*\).*/lz4 \1/p')" ", msg/s = messages / s"
  echo "peak RSS = highest peak RSS (/usr/bin/time -v) of those runs, lowest = the lowest; ×cli and ×js = case / the CLI and / @mcap/core on the same file (s, CPU: >1 is slower or more CPU; RSS: >1 is more memory)."
  echo
  echo "| case | file | file MB | payload MB | messages | s | MB/s | msg/s | CPU s | peak RSS MB | lowest | s ×cli | CPU ×cli | s ×js | RSS ×js |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk '
    FNR == NR { nmsg[$1] = $2; fsize[$1] = $3; next }
    { name[NR] = $1; file[NR] = $2; pay[NR] = $3; wall[NR] = $4; rss[NR] = $5;
      cpu[NR] = $6 + $7; rmin[NR] = $8; n = NR;
      if ($1 == "cli") { cw[$2] = $4; cc[$2] = $6 + $7 }
      if ($1 == "mcapjs") { jw[$2] = $4; jr[$2] = $5 } }
    function r(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
    END {
      for (i = 1; i <= n; i++) {
        if (!(i in name)) continue;
        f = file[i];
        printf "| %s | %s | %.0f | %.0f | %d | %.2f | %s | %s | %.2f | %.1f | %.1f | %s | %s | %s | %s |\n",
          name[i], f, fsize[f] / 1048576, pay[i] / 1048576, nmsg[f], wall[i],
          (wall[i] > 0) ? sprintf("%.0f", pay[i] / 1048576 / wall[i]) : "-",
          (wall[i] > 0) ? sprintf("%.0f", nmsg[f] / wall[i]) : "-",
          cpu[i], rss[i] / 1024, rmin[i] / 1024,
          name[i] == "cli" ? "-" : r(wall[i], cw[f]),
          name[i] == "cli" ? "-" : r(cpu[i], cc[f]),
          name[i] == "mcapjs" ? "-" : r(wall[i], jw[f]),
          name[i] == "mcapjs" ? "-" : r(rss[i], jr[f])
      }
    }' "$FILES" "$ROWS"
} > "$OUT"
rm -f "$TMP" "$TMP.out" "$TMP.err" "$ROWS" "$FILES"
echo
cat "$OUT"
