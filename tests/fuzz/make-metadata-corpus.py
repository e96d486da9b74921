#!/usr/bin/env python3
# gst-rosbag
# Copyright (C) 2026 The gst-rosbag authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Seeds for fuzz_metadata: rosbag2 metadata.yaml texts of every version
(1 to 9) as rosbag2's metadata_io writes them, written from its public
format description (not copied from any recording), plus QoS profile
texts and a few YAML oddities (anchors, flow style, tags, comments).

    python3 tests/fuzz/make-metadata-corpus.py tests/fuzz/corpus/metadata
"""
import os
import sys

QOS = [
    ('history', 3), ('depth', 0), ('reliability', 1), ('durability', 2),
    ('deadline', {'sec': 2147483647, 'nsec': 4294967295}),
    ('lifespan', {'sec': 0, 'nsec': 0}), ('liveliness', 1),
    ('liveliness_lease_duration', {'sec': 0, 'nsec': 0}),
    ('avoid_ros_namespace_conventions', 'false'),
]


def qos_lines(indent):
    out = []
    first = True
    for k, v in QOS:
        pre = ' ' * indent + ('- ' if first else '  ')
        first = False
        if isinstance(v, dict):
            out.append('%s%s:' % (pre, k))
            for kk, vv in v.items():
                out.append('%s    %s: %s' % (' ' * indent, kk, vv))
        else:
            out.append('%s%s: %s' % (pre, k, v))
    return out


def qos_string():
    return '\\n'.join(l for l in qos_lines(0))


def metadata(version, storage='sqlite3', files=('bag_0.db3',),
             compression=('', '')):
    L = ['rosbag2_bagfile_information:', '  version: %d' % version,
         '  storage_identifier: %s' % storage, '  relative_file_paths:']
    L += ['    - %s' % f for f in files]
    L += ['  duration:', '    nanoseconds: 2000000000', '  starting_time:',
          '    nanoseconds_since_epoch: 1700000000000000000',
          '  message_count: 30', '  topics_with_message_count:']
    for name, typ, n in (('/imu', 'sensor_msgs/msg/Imu', 20),
                         ('/tf', 'tf2_msgs/msg/TFMessage', 10)):
        L += ['    - topic_metadata:', '        name: %s' % name,
              '        type: %s' % typ, '        serialization_format: cdr']
        if 4 <= version <= 8:
            L.append('        offered_qos_profiles: "%s"' % qos_string())
        elif version >= 9:
            L.append('        offered_qos_profiles:')
            L += qos_lines(10)
        if version >= 7:
            L.append('        type_description_hash: RIHS01_%s' % ('ab' * 32))
        L.append('      message_count: %d' % n)
    if version >= 3:
        L += ['  compression_format: "%s"' % compression[0],
              '  compression_mode: "%s"' % compression[1]]
    if version >= 5:
        L.append('  files:')
        for f in files:
            L += ['    - path: %s' % f, '      starting_time:',
                  '        nanoseconds_since_epoch: 1700000000000000000',
                  '      duration:', '        nanoseconds: 1000000000',
                  '      message_count: 15']
    if version >= 6:
        L += ['  custom_data:', '    key: value', '  ros_distro: jazzy']
    return '\n'.join(L) + '\n'


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'tests/fuzz/corpus/metadata'
    os.makedirs(out, exist_ok=True)
    seeds = {}
    for v in range(1, 10):
        seeds['v%d.yaml' % v] = metadata(v)
    seeds['split-mcap.yaml'] = metadata(
        8, 'mcap', ['r_0.mcap', 'r_1.mcap', 'r_2.mcap'])
    seeds['file-zstd.yaml'] = metadata(
        5, 'sqlite3', ['r_0.db3.zstd', 'r_1.db3.zstd'], ('zstd', 'FILE'))
    seeds['message-zstd.yaml'] = metadata(
        4, 'sqlite3', ['r_0.db3'], ('zstd', 'MESSAGE'))
    seeds['qos.yaml'] = '\n'.join(qos_lines(0)) + '\n'
    seeds['anchors.yaml'] = (
        'rosbag2_bagfile_information:\n  version: &v 5\n'
        '  relative_file_paths: &f [a_0.db3, a_1.db3]\n'
        '  files: *f\n  message_count: *v\n')
    seeds['flow.yaml'] = (
        '--- # a comment\nrosbag2_bagfile_information: {version: 4,'
        ' storage_identifier: mcap, relative_file_paths: [x.mcap],'
        ' topics_with_message_count: [{topic_metadata: {name: /a,'
        ' type: std_msgs/msg/String, serialization_format: cdr,'
        ' offered_qos_profiles: ""}, message_count: 1}]}\n')
    seeds['tags.yaml'] = (
        '%YAML 1.1\n---\nrosbag2_bagfile_information: !!map\n'
        '  version: !!int 4\n  message_count: !!str 12\n'
        '  duration: {nanoseconds: -1}\n')
    for name, text in seeds.items():
        with open(os.path.join(out, name), 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
