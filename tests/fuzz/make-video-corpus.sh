#!/bin/sh
# Writes the seeds of fuzz_video (tests/fuzz/corpus/video): the first
# access units (a key frame, an inter frame) of tiny clips from x264enc,
# x265enc, vp9enc and av1enc, each behind the byte that picks the codec
# in fuzz_video.c (1 h264, 2 h265, 3 vp9, 4 av1). Needs gst-launch-1.0
# and the encoders; the output is not byte-for-byte reproducible across
# encoder versions, which does not matter for seeds.
#
#   tests/fuzz/make-video-corpus.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus/video"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# drops H.264 SEI NAL units (x264 writes its option string in one) so
# that seeds stay small
strip_sei() {
  python3 -c '
import re, sys
d = open(sys.argv[1], "rb").read()
parts = re.split(rb"(?=\x00\x00\x01)", d)
keep = [p for p in parts if not (p.startswith(b"\x00\x00\x01") and len(p) > 3 and p[3] & 0x1f == 6)]
open(sys.argv[1], "wb").write(b"".join(keep))' "$1"
}

# name codec-byte width height encoder...
clip() {
  name=$1 byte=$2 w=$3 h=$4
  shift 4
  mkdir -p "$tmp/$name"
  gst-launch-1.0 -q videotestsrc num-buffers=3 pattern=ball \
    ! video/x-raw,format=I420,width=$w,height=$h,framerate=30/1 \
    ! "$@" ! multifilesink location="$tmp/$name/au%d"
  for i in 0 1; do
    [ "$byte" = 1 ] && strip_sei "$tmp/$name/au$i"
    { printf "\\$(printf %03o "$byte")"; cat "$tmp/$name/au$i"; } \
      > "$out/$name-au$i"
  done
}

clip h264-18x14 1 18 14 x264enc speed-preset=ultrafast key-int-max=2 \
  ! video/x-h264,stream-format=byte-stream,alignment=au
clip h264-field-32x32 1 32 32 x264enc speed-preset=ultrafast \
  key-int-max=2 interlaced=true bframes=1 \
  ! video/x-h264,stream-format=byte-stream,alignment=au
clip h265-18x16 2 18 16 x265enc speed-preset=ultrafast key-int-max=2 \
  option-string=info=0 \
  ! video/x-h265,stream-format=byte-stream,alignment=au
clip vp9-18x14 3 18 14 vp9enc deadline=1 cpu-used=8 keyframe-max-dist=2 \
  ! video/x-vp9
clip av1-18x14 4 18 14 av1enc cpu-used=10 usage-profile=realtime \
  lag-in-frames=0 keyframe-max-dist=2 ! video/x-av1
# handmade: a VP9 superframe (a show-existing frame, an 8x4 key frame,
# 2-byte sizes) and an AV1 reduced still picture (100x75)
printf '\003\210\202\111\203\102\000\000\160\000\060\000\311\001\000\012\000\311' \
  > "$out/vp9-superframe"
printf '\004\012\006\032\056\201\214\045\001\062\001\252' \
  > "$out/av1-reduced-still"
ls -l "$out"
