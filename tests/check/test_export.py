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
"""gst-rosbag-export against the references.

    test_export.py EXPORT_TOOL SOURCE_ROOT NPM_DIR

Runs the tool on tests/files/sample.bag, images.bag and (where node and the
npm references are installed) tests/files/mcap/ros2-images.mcap, and checks
with python3-rosbag (ROS 1) and rosmsg2-ref.mjs (MCAP, CDR):

  png       one PNG per message, pixels equal to the message's rows (16-bit
            gray as 16-bit, either byte order), frames.csv's times equal
            the record times; the manifest lists what is on disk;
  jpeg      JPEG files, one per message; compressed images written as
            recorded (bytes equal the message's data);
  mp4       one sample per message, High profile 4:2:0 (not 4:4:4),
            decoded by openh264dec into as many frames; 16-bit depth is
            PNG, not video;
  csv/jsonl the files equal what rosmsgconvert writes for the topic;
  align     index.csv rows = sets = the frames of every aligned camera;
  failures  /dev/full under a file (exit 1, one line naming the topic and
            file, the other outputs kept), /dev/full as stdout (exit 1,
            the files complete), an unwritable directory,
            Ctrl-C during an MP4 export (exit 130, the MP4 finalised with
            every frame the manifest counts).
"""

import base64
import csv
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

import rosbag

from test_recipes_ros2 import check_mp4, find_box, png_pixels, ref_msgs
from test_ros2_ref import npm_unavailable

TOOL, ROOT, NPM = sys.argv[1:4]
FILES = os.path.join(ROOT, 'tests', 'files')
SAMPLE = os.path.join(FILES, 'sample.bag')
IMAGES = os.path.join(FILES, 'images.bag')
failures = []
passed = 0


def case(fn):
    global passed
    try:
        fn()
        passed += 1
        print('ok   ' + fn.__name__)
    except Exception as e:  # an assertion, or what the tool left behind
        failures.append(fn.__name__)
        print('FAIL %s: %s' % (fn.__name__, e))
    return fn


def export(out, *args, input=SAMPLE, check=True):
    run = subprocess.run([TOOL, '-q', input, '-o', out] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, timeout=300)
    if check:
        assert run.returncode == 0, 'exit %d: %s%s' % (
            run.returncode, run.stdout, run.stderr)
    return run


def manifest(out):
    with open(os.path.join(out, 'manifest.json')) as f:
        return json.load(f)


def bag_msgs(bag, topic):
    with rosbag.Bag(bag) as b:
        return [(m, t.to_nsec()) for _, m, t in
                b.read_messages(topics=[topic])]


def frames(d):
    return sorted(f for f in os.listdir(d) if f.startswith('frame_'))


def check_image_rows(path, msg, bytes_per_pixel, swap16=False):
    w, h, bpp, rows = png_pixels(path)
    assert (w, h) == (msg.width, msg.height), '%s: %dx%d' % (path, w, h)
    assert bpp == bytes_per_pixel, '%s: %d bytes per pixel' % (path, bpp)
    data = bytes(msg.data)
    for r in range(h):
        row = data[r * msg.step:r * msg.step + w * bpp]
        if swap16:
            row = b''.join(row[i + 1:i + 2] + row[i:i + 1]
                           for i in range(0, len(row), 2))
        assert rows[r] == row, '%s: row %d differs' % (path, r)


def check_manifest(out):
    m = manifest(out)
    assert m['complete'] and not m['interrupted'], m
    for t in m['topics']:
        if t['kind'] == 'none':
            continue
        p = os.path.join(out, t['path'])
        assert os.path.exists(p), p + ' listed, not on disk'
        if t['kind'] == 'frames':
            assert len(frames(p)) == t['written'], p
        assert not [f for f in os.listdir(os.path.dirname(p) if t['kind'] ==
                                           'file' else p)
                    if f.endswith('.partial')], 'partial files in ' + p
    return m


@case
def png_sample():
    with tempfile.TemporaryDirectory() as out:
        export(out)
        m = check_manifest(out)
        for topic in ('/cam0/image_raw', '/cam1/image_raw'):
            d = os.path.join(out, topic[1:].replace('/', '_'))
            msgs = bag_msgs(SAMPLE, topic)
            files = frames(d)
            assert len(files) == len(msgs), '%d frames, %d messages' % (
                len(files), len(msgs))
            with open(os.path.join(d, 'frames.csv')) as f:
                rows = [l.strip().split(',') for l in f][1:]
            for (msg, t), name, row in zip(msgs, files, rows):
                check_image_rows(os.path.join(d, name), msg, 3)
                assert int(row[1]) == t and row[3] == name, row
                assert int(row[2]) == msg.header.stamp.to_nsec(), row
            entry = [x for x in m['topics'] if x['topic'] == topic][0]
            assert entry['messages'] == entry['written'] == len(msgs)
            assert entry['first_receive_ns'] == msgs[0][1]


@case
def png_16bit():
    with tempfile.TemporaryDirectory() as out:
        export(out, '-t', '/img/mono16,/img/16UC1_be,/cam/depth', input=IMAGES)
        check_manifest(out)
        for topic in ('/img/mono16', '/img/16UC1_be', '/cam/depth'):
            d = os.path.join(out, topic[1:].replace('/', '_'))
            msgs = bag_msgs(IMAGES, topic)
            files = frames(d)
            assert len(files) == len(msgs), topic
            for (msg, _), name in zip(msgs, files):
                # PNG is big-endian: a little-endian message swaps
                check_image_rows(os.path.join(d, name), msg, 2,
                                 swap16=not msg.is_bigendian)


@case
def jpeg_and_recorded():
    with tempfile.TemporaryDirectory() as out:
        export(out, '--images', 'jpeg', '-t',
               '/cam/image_raw,/cam/compressed,/cmp/png', input=IMAGES)
        check_manifest(out)
        d = os.path.join(out, 'cam_image_raw')
        assert len(frames(d)) == len(bag_msgs(IMAGES, '/cam/image_raw'))
        for name in frames(d):
            with open(os.path.join(d, name), 'rb') as f:
                assert f.read(2) == b'\xff\xd8', name + ': not a JPEG'
        for topic, ext in (('/cam/compressed', '.jpg'), ('/cmp/png', '.png')):
            d = os.path.join(out, topic[1:].replace('/', '_'))
            msgs = bag_msgs(IMAGES, topic)
            files = frames(d)
            assert len(files) == len(msgs), topic
            for (msg, _), name in zip(msgs, files):
                assert name.endswith(ext), name
                with open(os.path.join(d, name), 'rb') as f:
                    assert f.read() == bytes(msg.data), name + ' differs'


def mp4_check(path, n):
    with open(path, 'rb') as f:
        data = f.read()
    stbl = find_box(data, [b'moov', b'trak', b'mdia', b'minf', b'stbl'])
    b, _ = find_box(data, [b'stsz'], *stbl)
    count = struct.unpack('>I', data[b + 8:b + 12])[0]
    assert count == n, '%s: %d samples, %d messages' % (path, count, n)
    stsd = find_box(data, [b'stsd'], *stbl)
    avcc = data.find(b'avcC', stsd[0], stsd[1])
    assert avcc > 0, path + ': not H.264'
    profile = data[avcc + 5]
    # 100 High (4:2:0 only), not 244 High 4:4:4 Predictive
    assert profile in (66, 77, 100), '%s: profile_idc %d' % (path, profile)
    dec = subprocess.run(['gst-launch-1.0', 'filesrc', 'location=' +
                          path, '!', 'qtdemux', '!', 'h264parse', '!',
                          'openh264dec', '!', 'fakesink', 'silent=false',
                          '-v'], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120)
    got = dec.stdout.count('last-message = chain') + \
        dec.stdout.count('last-message = preroll')
    assert dec.returncode == 0 and got == n, '%s: openh264dec decoded %d' % (
        path, got)


@case
def mp4_sample():
    with tempfile.TemporaryDirectory() as out:
        export(out, '--images', 'mp4', '--keyint', '10')
        check_manifest(out)
        for cam in ('cam0_image_raw', 'cam1_image_raw'):
            n = len(bag_msgs(SAMPLE, '/' + cam.replace('_image', '/image')))
            mp4_check(os.path.join(out, cam + '.mp4'), n)
            with open(os.path.join(out, cam + '.frames.csv')) as f:
                assert len(f.readlines()) == n + 1


@case
def images_bag_whole():
    # every image fixture topic, malformed messages (/img_bad's first) and
    # encodings without a format included: nothing stops the export
    for mode in ('png', 'jpeg', 'mp4', 'raw'):
        with tempfile.TemporaryDirectory() as out:
            export(out, '--images', mode, input=IMAGES)
            m = check_manifest(out)
            t = [x for x in m['topics'] if x['topic'] == '/img_bad'][0]
            assert t['written'] == 1 and t['kind'] == 'frames', (mode, t)
            assert any('malformed' in w for w in m['warnings']), m


@case
def mp4_keeps_depth():
    with tempfile.TemporaryDirectory() as out:
        export(out, '--images', 'mp4', '-t', '/cam/depth', input=IMAGES)
        t = check_manifest(out)['topics'][0]
        assert t['kind'] == 'frames' and 'PNG' in ' '.join(t['notes']), t


def rosmsgconvert(topic, fmt):
    run = subprocess.run(['gst-launch-1.0', '-q', 'bagsrc', 'location=' +
                          SAMPLE, 'topics=' + topic, '!', 'rosmsgconvert',
                          'format=' + fmt, '!', 'fdsink'],
                         stdout=subprocess.PIPE, timeout=120)
    assert run.returncode == 0
    return run.stdout


@case
def data_csv_jsonl():
    for fmt, ext, conv in (('csv', '.csv', 'csv'), ('jsonl', '.jsonl',
                                                      'json')):
        with tempfile.TemporaryDirectory() as out:
            export(out, '--data', fmt, '--images', 'none')
            check_manifest(out)
            for topic in ('/imu', '/joint_states'):
                with open(os.path.join(out, topic[1:] + ext), 'rb') as f:
                    assert f.read() == rosmsgconvert(topic, conv), \
                        topic + ext + ' differs from rosmsgconvert'
            assert not os.path.exists(os.path.join(out, 'cam0_image_raw'))


@case
def aligned():
    with tempfile.TemporaryDirectory() as out:
        export(out, '--align', '/cam0/image_raw,/cam1/image_raw,/joint_states',
               '--tolerance', '20ms')
        m = check_manifest(out)
        with open(os.path.join(out, 'aligned', 'index.csv')) as f:
            sets = len(f.readlines()) - 1
        assert sets == m['aligned_sets'] and sets > 0, (sets, m)
        for cam in ('cam0_image_raw', 'cam1_image_raw'):
            assert len(frames(os.path.join(out, 'aligned', cam))) == sets
        with open(os.path.join(out, 'aligned', 'joint_states.csv')) as f:
            assert len(f.readlines()) == sets + 1


@case
def sample_modes():
    msgs = bag_msgs(SAMPLE, '/cam0/image_raw')
    for mode in ('jpeg', 'raw', 'none'):
        with tempfile.TemporaryDirectory() as out:
            export(out, '--images', mode, '--data', 'none')
            m = check_manifest(out)
            t = [x for x in m['topics'] if x['topic'] ==
                 '/cam0/image_raw'][0]
            if mode == 'none':
                assert t['kind'] == 'none' and t['written'] == 0, t
                assert sorted(os.listdir(out)) == ['manifest.json'], out
                continue
            files = frames(os.path.join(out, t['path']))
            assert len(files) == len(msgs), (mode, len(files))
            if mode == 'raw':
                for (msg, _), name in zip(msgs, files):
                    with open(os.path.join(out, t['path'], name), 'rb') as f:
                        assert f.read() == bytes(msg.data), name


@case
def time_range():
    msgs = bag_msgs(SAMPLE, '/cam0/image_raw')
    with rosbag.Bag(SAMPLE) as b:
        start = b.get_start_time()
    for args in (('--start', '1', '--end', '2'),
                 ('--start', '%.9f' % (start + 1), '--end',
                  '%.9f' % (start + 2))):
        with tempfile.TemporaryDirectory() as out:
            export(out, '-t', '/cam0/image_raw', *args)
            with open(os.path.join(out, 'cam0_image_raw', 'frames.csv')) as f:
                got = [int(l.split(',')[1]) for l in f.readlines()[1:]]
            want = [t for _, t in msgs if start * 1e9 + 1e9 - 1e3 <= t <
                    start * 1e9 + 2e9 - 1e3]
            assert got == want, (args, got, want)


@case
def mcap_png():
    why = npm_unavailable(NPM)
    if why:
        print('     (MCAP part skipped: %s)' % why)
        return
    mcap = os.path.join(FILES, 'mcap', 'ros2-images.mcap')
    with tempfile.TemporaryDirectory() as out:
        export(out, '-t', '/cam_left/image_raw', input=mcap)
        check_manifest(out)
        msgs = ref_msgs(NPM, ROOT, 'ros2-images.mcap', '/cam_left/image_raw')
        d = os.path.join(out, 'cam_left_image_raw')
        files = frames(d)
        assert len(files) == len(msgs), '%d frames, %d messages' % (
            len(files), len(msgs))
        for msg, name in zip(msgs, files):
            w, h, bpp, rows = png_pixels(os.path.join(d, name))
            data = base64.b64decode(msg['data'])
            for r in range(h):
                assert rows[r] == data[r * msg['step']:r * msg['step'] +
                                       w * bpp], name


@case
def mcap_modes():
    why = npm_unavailable(NPM)
    if why:
        print('     (skipped: %s)' % why)
        return
    mcap = os.path.join(FILES, 'mcap', 'ros2-images.mcap')
    msgs = ref_msgs(NPM, ROOT, 'ros2-images.mcap', '/cam_left/image_raw')
    for mode in ('jpeg', 'mp4', 'raw'):
        with tempfile.TemporaryDirectory() as out:
            export(out, '--images', mode, input=mcap)
            m = check_manifest(out)
            t = [x for x in m['topics'] if x['topic'] ==
                 '/cam_left/image_raw'][0]
            assert t['written'] == t['messages'] == len(msgs), (mode, t)
            p = os.path.join(out, t['path'])
            if mode == 'mp4':
                if t['kind'] == 'file':
                    mp4_check(p, len(msgs))
                continue
            for msg, name in zip(msgs, frames(p)):
                with open(os.path.join(p, name), 'rb') as f:
                    data = f.read()
                if mode == 'jpeg':
                    assert data[:2] == b'\xff\xd8', name
                else:
                    # rows without the message's padding
                    row = len(data) // msg['height']
                    want = base64.b64decode(msg['data'])
                    assert all(data[r * row:(r + 1) * row] ==
                               want[r * msg['step']:r * msg['step'] + row]
                               for r in range(msg['height'])), name


@case
def several_inputs():
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([TOOL, '-q', '-j', '2', SAMPLE, SAMPLE, IMAGES,
                              '-o', out, '-t', '/cam0/image_raw,/cam/depth'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert sorted(os.listdir(out)) == ['images', 'sample', 'sample_2'], \
            os.listdir(out)
        for d in ('sample', 'sample_2', 'images'):
            check_manifest(os.path.join(out, d))
        assert len(frames(os.path.join(out, 'sample_2', 'cam0_image_raw'))) \
            == len(bag_msgs(SAMPLE, '/cam0/image_raw'))


@case
def more_options():
    msgs = bag_msgs(SAMPLE, '/cam0/image_raw')
    # globs, header stamps in the names
    with tempfile.TemporaryDirectory() as out:
        export(out, '-t', '/cam*', '--stamp', 'header', '--data', 'none')
        m = check_manifest(out)
        assert sorted(t['topic'] for t in m['topics']) == [
            '/cam0/image_raw', '/cam1/image_raw'], m['topics']
        names = frames(os.path.join(out, 'cam0_image_raw'))
        assert [int(n.split('_')[2].split('.')[0]) for n in names] == [
            msg.header.stamp.to_nsec() for msg, _ in msgs], names
    # a constant bitrate, a key frame every 5 frames
    with tempfile.TemporaryDirectory() as out:
        export(out, '--images', 'mp4', '--bitrate', '200', '--keyint', '5',
               '-t', '/cam0/image_raw')
        path = os.path.join(out, 'cam0_image_raw.mp4')
        mp4_check(path, len(msgs))
        with open(path, 'rb') as f:
            data = f.read()
        stbl = find_box(data, [b'moov', b'trak', b'mdia', b'minf', b'stbl'])
        b, _ = find_box(data, [b'stss'], *stbl)
        n = struct.unpack('>I', data[b + 4:b + 8])[0]
        assert n >= len(msgs) // 5, '%d key frames' % n
    # one set per tick of --rate
    with tempfile.TemporaryDirectory() as out:
        export(out, '--align', '/cam0/image_raw,/joint_states', '--rate', '5')
        with open(os.path.join(out, 'aligned', 'index.csv')) as f:
            rows = [l.split(',') for l in f.readlines()[1:]]
        times = [int(r[1]) for r in rows]
        assert len(rows) > 5 and all(t % 200000000 == 0 for t in times), \
            times


@case
def video_remux():
    why = npm_unavailable(NPM)
    if why:
        print('     (skipped: %s)' % why)
        return
    mcap = os.path.join(FILES, 'mcap', 'ros2-video.mcap')
    with tempfile.TemporaryDirectory() as out:
        export(out, '-t', '/cam/video', input=mcap)
        t = check_manifest(out)['topics'][0]
        assert t['path'] == 'cam_video.mp4' and 'remuxed' in t['export'], t
        # one sample per message, each its NAL units: not re-encoded
        check_mp4(os.path.join(out, t['path']),
                  ref_msgs(NPM, ROOT, 'ros2-video.mcap', '/cam/video'))


@case
def options_pass_through():
    with tempfile.TemporaryDirectory() as out:
        export(out, '--images', 'mp4', '--codec', 'h265', '-t',
               '/cam0/image_raw')
        with open(os.path.join(out, 'cam0_image_raw.mp4'), 'rb') as f:
            data = f.read()
        assert b'hvcC' in data and b'avcC' not in data, 'not H.265'
    with tempfile.TemporaryDirectory() as out:
        export(out, '--debayer', '-t', '/cam/bayer', input=IMAGES)
        d = os.path.join(out, 'cam_bayer')
        files = frames(d)
        assert len(files) == len(bag_msgs(IMAGES, '/cam/bayer'))
        w, h, bpp, rows = png_pixels(os.path.join(d, files[0]))
        assert bpp == 3, 'debayered PNGs are RGB'
    with tempfile.TemporaryDirectory() as out:
        export(out, '--align', '/cam0/image_raw,/cam1/image_raw', '--mode',
               'approximate')
        with open(os.path.join(out, 'aligned', 'index.csv')) as f:
            rows = f.readlines()[1:]
        # ApproximateTime uses each buffer once: a set per frame pair
        assert len(rows) == len(bag_msgs(SAMPLE, '/cam0/image_raw')), \
            len(rows)


@case
def disk_full():
    with tempfile.TemporaryDirectory() as out:
        os.symlink('/dev/full', os.path.join(out, 'imu.csv.partial'))
        run = export(out, check=False)
        assert run.returncode == 1, run.returncode
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and '/imu' in lines[0] and \
            'imu.csv.partial' in lines[0], run.stderr
        m = manifest(out)
        assert not m['complete'] and m['error'], m
        # frames written before the error are whole PNGs
        d = os.path.join(out, 'cam0_image_raw')
        for name in frames(d):
            png_pixels(os.path.join(d, name))
        assert not os.path.exists(os.path.join(out, 'imu.csv'))


@case
def summary_disk_full():
    # the summary on a full stdout: exit 1 and say so; the files are whole
    with tempfile.TemporaryDirectory() as out, open('/dev/full', 'w') as full:
        run = subprocess.run([TOOL, SAMPLE, '-o', out], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=300)
        assert run.returncode == 1, run.returncode
        assert 'cannot write the summary' in run.stderr, run.stderr
        assert manifest(out)['complete'], manifest(out)


@case
def damaged():
    with tempfile.TemporaryDirectory() as out:
        with open(os.path.join(FILES, 'basic-lz4.bag'), 'rb') as f:
            data = bytearray(f.read())
        # 64 bytes inside the first lz4 chunk's data
        at = data.find(b'lz4') + 400
        data[at:at + 64] = bytes(b ^ 0x5a for b in data[at:at + 64])
        bag = os.path.join(out, 'damaged.bag')
        with open(bag, 'wb') as f:
            f.write(data)
        run = export(os.path.join(out, 'x'), input=bag, check=False)
        assert run.returncode == 1, run.returncode
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and 'damaged' in lines[0], run.stderr
        m = manifest(os.path.join(out, 'x'))
        assert m['damaged'] and m['warnings'], m
        # the messages of the other chunks are written, and counted
        with rosbag.Bag(os.path.join(FILES, 'basic-lz4.bag')) as b:
            total = b.get_message_count()
        written = sum(t['written'] for t in m['topics'])
        assert 0 < written < total, (written, total)
        for t in m['topics']:
            with open(os.path.join(out, 'x', t['path']), newline='') as f:
                assert len(list(csv.reader(f))) == t['written'] + 1, t


@case
def unwritable():
    run = export('/dev/null/out', check=False)
    assert run.returncode != 0 and len(run.stderr.strip().splitlines()) == 1, \
        run.stderr


@case
def interrupted():
    import genpy
    from sensor_msgs.msg import Image
    with tempfile.TemporaryDirectory() as tmp:
        bag = os.path.join(tmp, 'long.bag')
        with rosbag.Bag(bag, 'w') as b:
            noise = os.urandom(640 * 480 * 3)
            for i in range(200):
                msg = Image(height=480, width=640, encoding='rgb8', step=1920,
                            data=noise[i * 997:] + noise[:i * 997])
                t = genpy.Time(1000 + i // 30, (i % 30) * 33000000)
                msg.header.stamp = t
                b.write('/cam', msg, t)
        out = os.path.join(tmp, 'out')
        p = subprocess.Popen([TOOL, bag, '-o', out, '--images', 'mp4',
                              '--progress-interval', '0.2'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 130, 'exit %d (finished before Ctrl-C?): %s' % (
            p.returncode, stdout + stderr)
        m = manifest(out)
        assert m['interrupted'] and not m['complete'], m
        t = m['topics'][0]
        assert t['complete'] and 0 < t['written'] < 200, t
        mp4_check(os.path.join(out, 'cam.mp4'), t['written'])
        # not a terminal: plain progress lines
        assert re.search(r'^long\.bag +\d+% [\d.]+ MB/s \d+ msg/s', stderr, re.M), \
            stderr

        # a terminal: the bar, redrawn in place
        master, slave = pty.openpty()
        p = subprocess.Popen([TOOL, bag, '-o', os.path.join(tmp, 'tty'),
                              '--images', 'png'],
                             stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        seen = b''
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        p.wait(timeout=120)
        os.close(master)
        assert p.returncode == 0, p.returncode
        assert re.search(rb'\r\x1b\[Klong\.bag \[[#.]{30}\] +\d+%', seen), seen[:400]


print('%d passed, %d failed' % (passed, len(failures)))
sys.exit(1 if failures else 0)
