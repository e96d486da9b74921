#!/bin/sh
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The main job on the sample bag, with gst-rosbag-export: every topic (the
# cameras as PNG frames, the rest as CSV) into OUT_DIR/all, and both
# cameras aligned by timestamp with the joint state of that instant into
# OUT_DIR/aligned-run/aligned.
#
#   examples/export-sample.sh [BUILD_DIR [OUT_DIR [BAG]]]
#
# Uses the tool and the plugin from BUILD_DIR (default: build) without
# installing them.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
out=${2:-out}
bag=${3:-$here/tests/files/sample.bag}

export GST_PLUGIN_PATH="$build/plugins/rosbag${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
rm -rf "$out/all" "$out/aligned-run"

"$build/tools/gst-rosbag-info" "$bag"

echo
echo "== every topic -> $out/all/"
"$build/tools/gst-rosbag-export" "$bag" -o "$out/all"

echo
echo "== /cam0 + /cam1 + /joint_states aligned -> $out/aligned-run/aligned/"
"$build/tools/gst-rosbag-export" "$bag" -o "$out/aligned-run" \
  --align /cam0/image_raw,/cam1/image_raw,/joint_states --tolerance 20ms

echo
echo "Output: $out/all/cam0_image_raw/frame_NNNNNN_STAMP.png (and cam1), " \
  "$out/all/imu.csv, $out/all/joint_states.csv;" \
  "$out/aligned-run/aligned/ (cam0_image_raw/, cam1_image_raw/, " \
  "joint_states.csv one row per set, index.csv);" \
  "each directory's manifest.json lists what was written."
