#!/bin/bash
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.
#
# npm-install.sh DIR STAMP
#
# Installs the pinned npm packages that serve as the independent MCAP / CDR
# references (see docs/testing.md) into DIR/node_modules, with a
# DIR/package.json it writes, then writes "ok" into STAMP.
#
# When npm is missing or the install fails (no network, registry down), it
# writes "unavailable: <reason>" into STAMP and exits 0: the tests that need
# the packages then skip, saying why. Delete STAMP to try again.
#
# When the installed versions already match, it only rewrites STAMP.

set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 DIR STAMP" >&2
  exit 2
fi
dir=$1
stamp=$2

# name version: exact pins, also checked against what is installed
pins=(
  "@mcap/core 2.2.1"
  "@foxglove/wasm-zstd 1.0.1"
  "@foxglove/wasm-lz4 1.0.2"
  "lz4js 0.2.0"
  "@foxglove/rosmsg 5.0.5"
  "@foxglove/rosmsg2-serialization 3.1.0"
  "@foxglove/cdr 3.5.0"
  "@foxglove/ros2idl-parser 0.3.5"
  "@foxglove/omgidl-parser 1.1.0"
  "@foxglove/omgidl-serialization 1.0.3"
)

unavailable () {
  echo "unavailable: $*" > "$stamp"
  echo "npm-install.sh: npm packages unavailable: $*" >&2
  exit 0
}

installed_ok () {
  local p name version got
  for p in "${pins[@]}"; do
    name=${p% *}
    version=${p#* }
    got=$(sed -n 's/^  "version": "\([^"]*\)",\{0,1\}$/\1/p' \
      "$dir/node_modules/$name/package.json" 2>/dev/null | head -n 1)
    [ "$got" = "$version" ] || return 1
  done
  return 0
}

mkdir -p "$dir" "$(dirname "$stamp")" || unavailable "cannot create $dir"

if installed_ok; then
  echo ok > "$stamp"
  exit 0
fi

command -v node > /dev/null 2>&1 || unavailable "node is not installed"
command -v npm > /dev/null 2>&1 || unavailable "npm is not installed"

{
  echo '{'
  echo '  "name": "gst-rosbag-npm-refs",'
  echo '  "private": true,'
  echo '  "description": "gst-rosbag test references (tests/files/npm-install.sh)",'
  echo '  "dependencies": {'
  n=${#pins[@]}
  i=0
  for p in "${pins[@]}"; do
    i=$((i + 1))
    sep=,
    [ $i -eq $n ] && sep=
    echo "    \"${p% *}\": \"${p#* }\"$sep"
  done
  echo '  }'
  echo '}'
} > "$dir/package.json" || unavailable "cannot write $dir/package.json"

specs=()
for p in "${pins[@]}"; do
  specs+=("${p% *}@${p#* }")
done

log="$dir/npm-install.log"
# bounded: without a network npm would retry for minutes
to=
command -v timeout > /dev/null 2>&1 && to="timeout 600"
if ! $to npm install --prefix "$dir" --no-audit --no-fund --save-exact \
    --ignore-scripts --no-update-notifier --loglevel=error \
    --fetch-retries=1 --fetch-timeout=60000 \
    --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 \
    "${specs[@]}" > "$log" 2>&1; then
  reason=$(grep -m 1 -i 'err' "$log" | cut -c 1-200)
  unavailable "npm install failed (${reason:-see $log})"
fi

installed_ok || unavailable "npm install ended but the installed versions" \
  "differ from the pins (see $log)"

echo ok > "$stamp"
exit 0
