#!/usr/bin/python3
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
"""The ROS 2 recipes of docs/recipes.md, run literally, checked against the
ROS 2 reference.

    test_recipes_ros2.py NPM_DIR SOURCE_ROOT

Every ```sh block of the section "## ROS 2 recordings (MCAP)" of
docs/recipes.md runs with bash in a fresh directory that links `tests` to
SOURCE_ROOT/tests (the recipes say they run from the repository root), in
the order of the page, with GST_PLUGIN_PATH from the environment. Then, with
tests/files/rosmsg2-ref.mjs (@foxglove/rosmsg2-serialization's reading of
the same file) as the reference:

  1. camera to PNG: one PNG per message of /cam_left/image_raw, its pixels
     (decoded here with zlib, PNG's filters undone) equal to the message's
     rows;
  2. CompressedVideo to MP4: the MP4's sample table (stsz, stss, read here
     box by box) has one sample per message, each the size of the message's
     NAL units with 4-byte lengths, the sync samples where the key frames
     are (every 10th);
  3. joint states to CSV: rosmsg2-ref.mjs compare-csv;
  4. two cameras aligned: 10 sets, left_N.png and right_N.png the pixels of
     message N of each camera, index.csv 10 rows.

Exit status 0 all passed, 1 a failure, 77 (skip) when node or the npm
packages are unavailable.
"""

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from test_ros2_ref import npm_unavailable

SECTION = '## ROS 2 recordings (MCAP)'


def recipe_blocks(page, title=SECTION):
    """the ```sh blocks of the section @title of @page"""
    with open(page) as f:
        text = f.read()
    start = text.index(title)
    end = text.find('\n## ', start + len(title))
    section = text[start:end if end >= 0 else len(text)]
    return re.findall(r'```sh\n(.*?)```', section, re.S)


def run_recipes(blocks, make_dir, check, env=None):
    """Runs each block with bash -e in the directory make_dir(top) makes
    inside a fresh temporary directory top, then check(i, run, cwd) (run:
    the CompletedProcess); one line ok / FAIL per block, then a total.
    Returns the exit status."""
    failed = 0
    for i, block in enumerate(blocks):
        top = tempfile.mkdtemp(prefix='recipes-')
        try:
            cwd = make_dir(top)
            run = subprocess.run(['bash', '-e', '-c', block], cwd=cwd,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 timeout=300, env=env)
            assert run.returncode == 0, 'exit %d: %s%s' % (
                run.returncode, run.stdout, run.stderr)
            check(i, run, cwd)
            print('ok recipe %d' % (i + 1))
        except (AssertionError, subprocess.TimeoutExpired, OSError) as e:
            print('FAIL recipe %d:\n%s\n  %s' % (i + 1, block, e))
            failed += 1
        finally:
            shutil.rmtree(top)
    print('%d passed, %d failed' % (len(blocks) - failed, failed))
    return 1 if failed else 0


def ref(npm, root, *args):
    out = subprocess.run(['node', os.path.join(root, 'tests', 'files',
                                               'rosmsg2-ref.mjs'),
                          '--npm', npm] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    return out


def ref_msgs(npm, root, mcap, topic):
    out = ref(npm, root, 'json', os.path.join(root, 'tests', 'files', 'mcap',
                                              mcap), '--topics', topic)
    if out.returncode != 0:
        raise AssertionError('rosmsg2-ref.mjs: ' + out.stderr)
    return [json.loads(l)['msg'] for l in out.stdout.splitlines() if l]


def png_pixels(path):
    """(width, height, bytes per pixel, rows) of an 8- or 16-bit PNG (rows
    of 16-bit samples are big-endian, as PNG stores them)"""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path + ': not a PNG'
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth in (8, 16) and interlace == 0, path
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype] * depth // 8
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for r in range(h):
        ft = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 0xff
            elif ft == 2:
                line[i] = (line[i] + b) & 0xff
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 0xff
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, msg):
    w, h, bpp, rows = png_pixels(path)
    assert (w, h) == (msg['width'], msg['height']), \
        '%s: %dx%d, the message %dx%d' % (path, w, h, msg['width'],
                                          msg['height'])
    assert msg['encoding'] == 'rgb8' and bpp == 3, path
    data = base64.b64decode(msg['data'])
    for r in range(h):
        row = data[r * msg['step']:r * msg['step'] + w * 3]
        assert rows[r] == row, '%s: row %d differs from the message' % (
            path, r)


def boxes(data, pos, end):
    while pos + 8 <= end:
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        assert n >= 8 and pos + n <= end, 'bad MP4 box at %d' % pos
        yield kind, pos + 8, pos + n
        pos += n


def find_box(data, path, pos=0, end=None):
    end = len(data) if end is None else end
    for kind, b, e in boxes(data, pos, end):
        if kind == path[0]:
            return (b, e) if len(path) == 1 else find_box(data, path[1:], b,
                                                          e)
    return None


def annexb_nals(au):
    starts = [m.end() for m in re.finditer(b'\x00\x00\x01', au)]
    nals = []
    for i, s in enumerate(starts):
        e = starts[i + 1] - 3 if i + 1 < len(starts) else len(au)
        nal = au[s:e]
        if i + 1 < len(starts):
            nal = nal.rstrip(b'\x00')
        nals.append(nal)
    return nals


def check_mp4(path, msgs):
    with open(path, 'rb') as f:
        data = f.read()
    stbl = find_box(data, [b'moov', b'trak', b'mdia', b'minf', b'stbl'])
    assert stbl, path + ': no sample table'
    b, _ = find_box(data, [b'stsz'], *stbl)
    fixed, count = struct.unpack('>II', data[b + 4:b + 12])
    sizes = ([fixed] * count if fixed else
             list(struct.unpack('>%dI' % count, data[b + 12:b + 12 + 4 *
                                                     count])))
    assert count == len(msgs), '%s: %d samples, %d messages' % (
        path, count, len(msgs))
    for i, m in enumerate(msgs):
        nals = annexb_nals(base64.b64decode(m['data']))
        want = sum(4 + len(n) for n in nals)
        assert sizes[i] == want, '%s: sample %d is %d bytes, the message ' \
            'NAL units %d' % (path, i, sizes[i], want)
    b, _ = find_box(data, [b'stss'], *stbl)
    n = struct.unpack('>I', data[b + 4:b + 8])[0]
    sync = list(struct.unpack('>%dI' % n, data[b + 8:b + 8 + 4 * n]))
    assert sync == [1, 11, 21], '%s: sync samples %s' % (path, sync)


def main():
    npm, root = sys.argv[1], sys.argv[2]
    why = npm_unavailable(npm)
    if why:
        print('SKIP: the ROS 2 reference is unavailable: ' + why)
        return 77
    blocks = recipe_blocks(os.path.join(root, 'docs', 'recipes.md'))
    assert len(blocks) == 4, '%d recipe blocks' % len(blocks)

    def make_dir(top):
        os.symlink(os.path.join(root, 'tests'), os.path.join(top, 'tests'))
        return top

    def check(i, run, work):
        out = os.path.join(work, 'out')
        if i == 0:
            msgs = ref_msgs(npm, root, 'ros2-images.mcap',
                            '/cam_left/image_raw')
            files = sorted(os.listdir(out))
            assert len(files) == len(msgs) == 10, files
            for f, m in zip(files, msgs):
                check_png(os.path.join(out, f), m)
        elif i == 1:
            check_mp4(os.path.join(out, 'cam.mp4'),
                      ref_msgs(npm, root, 'ros2-video.mcap', '/cam/video'))
        elif i == 2:
            cmp = ref(npm, root, 'compare-csv',
                      os.path.join(root, 'tests', 'files', 'mcap',
                                   'ros2-types.mcap'),
                      '/joint_states', os.path.join(out, 'joint_states.csv'))
            assert cmp.returncode == 0, cmp.stdout + cmp.stderr
        else:
            for cam, side in (('/cam_left/image_raw', 'left'),
                              ('/cam_right/image_raw', 'right')):
                msgs = ref_msgs(npm, root, 'ros2-images.mcap', cam)
                assert len(msgs) == 10
                for n, m in enumerate(msgs):
                    check_png(os.path.join(out, '%s_%05d.png' % (side, n)), m)
            with open(os.path.join(out, 'index.csv')) as f:
                rows = f.read().splitlines()
            assert len(rows) == 11, rows

    return run_recipes(blocks, make_dir, check)


if __name__ == '__main__':
    sys.exit(main())
