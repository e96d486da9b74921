#!/bin/sh
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The main job on the sample bag: one camera to PNG frames, and both cameras
# aligned by timestamp with the joint state of that instant.
#
#   examples/export-sample.sh [BUILD_DIR [OUT_DIR [BAG]]]
#
# Uses the plugin from BUILD_DIR (default: build) without installing it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-out}
bag=${3:-$here/tests/files/sample.bag}

export GST_PLUGIN_PATH="$build/plugins/rosbag${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
mkdir -p "$out/cam0" "$out/aligned"
rm -f "$out"/cam0/*.png "$out"/aligned/*.png "$out"/aligned/*.csv

"$build/tools/gst-rosbag-info" "$bag"

echo
echo "== /cam0/image_raw -> $out/cam0/frame_NNNNNN.png"
gst-launch-1.0 -q bagsrc location="$bag" topics=/cam0/image_raw \
  ! pngenc ! multifilesink location="$out/cam0/frame_%06d.png"
echo "$(ls "$out/cam0" | wc -l) frames written to $out/cam0/"

echo
echo "== /cam0 + /cam1 + /joint_states aligned -> $out/aligned/"
gst-launch-1.0 -q bagsrc location="$bag" name=b \
    topics=/cam0/image_raw,/cam1/image_raw,/joint_states \
  bagalign name=a tolerance=20000000 index-location="$out/aligned/index.csv" \
    sink_2::policy=previous \
  b.cam0_image_raw ! a.sink_0 \
  b.cam1_image_raw ! a.sink_1 \
  b.joint_states ! a.sink_2 \
  a.src_0 ! pngenc ! multifilesink location="$out/aligned/cam0_%06d.png" \
  a.src_1 ! pngenc ! multifilesink location="$out/aligned/cam1_%06d.png" \
  a.src_2 ! rosmsgconvert format=csv ! filesink location="$out/aligned/joint_states.csv"
echo "$(ls "$out"/aligned/cam0_*.png | wc -l) aligned sets written to $out/aligned/" \
  "(cam0_NNNNNN.png, cam1_NNNNNN.png, joint_states.csv: one row per set, index.csv)"
