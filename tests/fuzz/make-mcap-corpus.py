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
"""Writes the seed corpus of fuzz_mcap into tests/fuzz/corpus/mcap/.

    make-mcap-corpus.py [--check CONF_DIR]

Deterministic, standard library only. A minimal MCAP writer of its own
(every record type, correct lengths, CRCs, indexes and summary offsets)
makes:
- conf-*: the same bytes as a few inputs of the MCAP conformance suite (the
  inputs of foxglove/mcap's tests/conformance, which lie outside the
  repository: they are written again here, not copied). With --check
  CONF_DIR each is compared byte for byte with CONF_DIR/<Base>/<Name>.mcap.
- multi-*: several chunks on two channels, out of time order and
  overlapping, with an attachment, metadata and an unknown record between
  them; the chunks uncompressed, in an LZ4 frame and in a zstd frame (both
  frames of stored blocks: no compressor needed), a chunk CRC of 0, and
  the same file without a summary and cut off inside its last chunk.
"""

import os
import shutil
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus', 'mcap')
MAGIC = b'\x89MCAP0\r\n'
PAD = b'\x01\xff\xff'

(HEADER, FOOTER, SCHEMA, CHANNEL, MESSAGE, CHUNK, MESSAGE_INDEX,
 CHUNK_INDEX, ATTACHMENT, ATTACHMENT_INDEX, STATISTICS, METADATA,
 METADATA_INDEX, SUMMARY_OFFSET, DATA_END) = range(1, 16)


def u16(v):
    return struct.pack('<H', v)


def u32(v):
    return struct.pack('<I', v)


def u64(v):
    return struct.pack('<Q', v)


def string(s):
    b = s.encode()
    return u32(len(b)) + b


def strmap(m):
    body = b''.join(string(k) + string(v) for k, v in sorted(m.items()))
    return u32(len(body)) + body


def record(op, body):
    return bytes([op]) + u64(len(body)) + body


def lz4_stored(data):
    """an LZ4 frame of uncompressed blocks (no checksums)"""
    out = bytearray(b'\x04\x22\x4d\x18')
    flg, bd = 0x60, 0x40        # version 1, independent blocks; 64 KB max
    # the header checksum: second byte of xxh32 of the descriptor
    out += bytes([flg, bd, xxh32(bytes([flg, bd])) >> 8 & 0xff])
    for i in range(0, len(data), 65536):
        blk = data[i:i + 65536]
        out += u32(len(blk) | 0x80000000) + blk
    out += u32(0)
    return bytes(out)


def xxh32(data, seed=0):
    p1, p2, p3, p4, p5 = (2654435761, 2246822519, 3266489917, 668265263,
                          374761393)
    m = 0xffffffff

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & m

    n = len(data)
    i = 0
    if n >= 16:
        v = [(seed + p1 + p2) & m, (seed + p2) & m, seed, (seed - p1) & m]
        while i + 16 <= n:
            for k in range(4):
                lane = struct.unpack_from('<I', data, i + 4 * k)[0]
                v[k] = rotl((v[k] + lane * p2) & m, 13) * p1 & m
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) +
             rotl(v[3], 18)) & m
    else:
        h = (seed + p5) & m
    h = (h + n) & m
    while i + 4 <= n:
        h = rotl((h + struct.unpack_from('<I', data, i)[0] * p3) & m, 17)
        h = h * p4 & m
        i += 4
    while i < n:
        h = rotl((h + data[i] * p5) & m, 11) * p1 & m
        i += 1
    h ^= h >> 15
    h = h * p2 & m
    h ^= h >> 13
    h = h * p3 & m
    h ^= h >> 16
    return h


def zstd_stored(data):
    """a zstd frame of raw blocks, with the content size"""
    out = bytearray(b'\x28\xb5\x2f\xfd')
    # frame header: single segment, 8-byte content size (FCS flag 3)
    out += bytes([0xe0]) + u64(len(data))
    blocks = [data[i:i + 65536] for i in range(0, len(data), 65536)] or [b'']
    for k, blk in enumerate(blocks):
        last = 1 if k == len(blocks) - 1 else 0
        hdr = (len(blk) << 3) | (0 << 1) | last   # block type 0: raw
        out += struct.pack('<I', hdr)[:3] + blk
    return bytes(out)


class Mcap:
    """Builds an MCAP file. features as in the conformance suite: ch mx chx
    st rsh rch ax mdx sum pad"""

    def __init__(self, features=(), profile='', library=''):
        self.f = set(features)
        self.profile, self.library = profile, library
        self.schemas, self.channels = [], []
        self.items = []         # ('msg', ...), ('chunk', [...]) etc.

    def pad(self):
        return PAD if 'pad' in self.f else b''

    # the records of the data section, in order
    def schema(self, sid, name, enc, data):
        self.schemas.append((sid, name, enc, data))
        self.items.append(('schema', (sid, name, enc, data)))

    def channel(self, cid, sid, topic, enc, meta):
        self.channels.append((cid, sid, topic, enc, meta))
        self.items.append(('channel', (cid, sid, topic, enc, meta)))

    def message(self, cid, seq, log, pub, data):
        self.items.append(('msg', (cid, seq, log, pub, data)))

    def attachment(self, log, create, name, media, data):
        self.items.append(('att', (log, create, name, media, data)))

    def metadata(self, name, meta):
        self.items.append(('meta', (name, meta)))

    def raw(self, op, body):
        self.items.append(('raw', (op, body)))

    def chunk_break(self):
        self.items.append(('break', None))

    def schema_rec(self, s, pad):
        sid, name, enc, data = s
        return record(SCHEMA, u16(sid) + string(name) + string(enc) +
                      u32(len(data)) + data + pad)

    def channel_rec(self, c, pad):
        cid, sid, topic, enc, meta = c
        return record(CHANNEL, u16(cid) + u16(sid) + string(topic) +
                      string(enc) + strmap(meta) + pad)

    def build(self, compression='', crc=True, compress=None):
        """compress: bytes -> bytes for the chunk records"""
        pad = self.pad()
        out = bytearray(MAGIC)
        out += record(HEADER, string(self.profile) + string(self.library) +
                      pad)
        chunk_idx, att_idx, meta_idx = [], [], []
        counts = {}
        times = []
        n_att = n_meta = 0
        pending = []            # records of the open chunk

        def close_chunk():
            if not pending:
                return
            recs = bytearray()
            index = {}
            mt = []
            for kind, v in pending:
                if kind == 'msg':
                    index.setdefault(v[0], []).append((v[2], len(recs)))
                    mt.append(v[2])
                    recs += record(MESSAGE, u16(v[0]) + u32(v[1]) +
                                   u64(v[2]) + u64(v[3]) + v[4])
                elif kind == 'schema':
                    recs += self.schema_rec(v, b'')
                elif kind == 'channel':
                    recs += self.channel_rec(v, b'')
            recs = bytes(recs)
            stored = compress(recs) if compress else recs
            start = len(out)
            out.extend(record(CHUNK, u64(min(mt, default=0)) +
                              u64(max(mt, default=0)) + u64(len(recs)) +
                              u32(zlib.crc32(recs) if crc else 0) +
                              string(compression) + u64(len(stored)) +
                              stored))
            clen = len(out) - start
            mx_offsets = {}
            mx_start = len(out)
            if 'mx' in self.f:
                for cid in sorted(index):
                    entries = b''.join(u64(t) + u64(o) for t, o in
                                       index[cid])
                    mx_offsets[cid] = len(out)
                    out.extend(record(MESSAGE_INDEX, u16(cid) +
                                      u32(len(entries)) + entries + pad))
            chunk_idx.append((min(mt, default=0), max(mt, default=0), start,
                              clen, mx_offsets, len(out) - mx_start,
                              compression, len(stored), len(recs)))
            pending.clear()

        for kind, v in self.items:
            if kind == 'break':
                close_chunk()
                continue
            if kind == 'msg':
                counts[v[0]] = counts.get(v[0], 0) + 1
                times.append(v[2])
            if 'ch' in self.f and kind in ('schema', 'channel', 'msg'):
                pending.append((kind, v))
                continue
            close_chunk()
            if kind == 'schema':
                out += self.schema_rec(v, pad)
            elif kind == 'channel':
                out += self.channel_rec(v, pad)
            elif kind == 'msg':
                out += record(MESSAGE, u16(v[0]) + u32(v[1]) + u64(v[2]) +
                              u64(v[3]) + v[4])
            elif kind == 'att':
                log, create, name, media, data = v
                body = (u64(log) + u64(create) + string(name) +
                        string(media) + u64(len(data)) + data)
                body += u32(zlib.crc32(body)) + pad
                att_idx.append((len(out), 9 + len(body), log, create,
                                len(data), name, media))
                out += record(ATTACHMENT, body)
                n_att += 1
            elif kind == 'meta':
                name, meta = v
                body = string(name) + strmap(meta) + pad
                meta_idx.append((len(out), 9 + len(body), name))
                out += record(METADATA, body)
                n_meta += 1
            elif kind == 'raw':
                out += record(v[0], v[1])
        close_chunk()
        out += record(DATA_END, u32(zlib.crc32(bytes(out))))

        summary_start = len(out)
        groups = []

        def group(op, recs):
            if recs:
                groups.append((op, len(out), sum(len(r) for r in recs)))
                for r in recs:
                    out.extend(r)

        if 'rsh' in self.f:
            seen = {}
            for s in self.schemas:
                seen.setdefault(s[0], s)
            group(SCHEMA, [self.schema_rec(s, pad) for s in seen.values()])
        if 'rch' in self.f:
            seen = {}
            for c in self.channels:
                seen.setdefault(c[0], c)
            group(CHANNEL, [self.channel_rec(c, pad) for c in seen.values()])
        if 'st' in self.f:
            cmc = b''.join(u16(k) + u64(counts[k]) for k in sorted(counts))
            group(STATISTICS, [record(
                STATISTICS, u64(len(times)) +
                u16(len({s[0] for s in self.schemas})) +
                u32(len({c[0] for c in self.channels})) + u32(n_att) +
                u32(n_meta) + u32(len(chunk_idx)) + u64(min(times, default=0))
                + u64(max(times, default=0)) + u32(len(cmc)) + cmc + pad)])
        if 'mdx' in self.f:
            group(METADATA_INDEX, [record(
                METADATA_INDEX, u64(o) + u64(ln) + string(n) + pad)
                for o, ln, n in meta_idx])
        if 'ax' in self.f:
            group(ATTACHMENT_INDEX, [record(
                ATTACHMENT_INDEX, u64(o) + u64(ln) + u64(lt) + u64(ct) +
                u64(ds) + string(n) + string(mt) + pad)
                for o, ln, lt, ct, ds, n, mt in att_idx])
        if 'chx' in self.f:
            recs = []
            for (st, et, so, cl, mxo, mxl, comp, cs, us) in chunk_idx:
                m = b''.join(u16(k) + u64(mxo[k]) for k in sorted(mxo))
                recs.append(record(
                    CHUNK_INDEX, u64(st) + u64(et) + u64(so) + u64(cl) +
                    u32(len(m)) + m + u64(mxl) + string(comp) + u64(cs) +
                    u64(us) + pad))
            group(CHUNK_INDEX, recs)
        offset_start = 0
        if 'sum' in self.f and groups:
            offset_start = len(out)
            for op, gs, gl in groups:
                out += record(SUMMARY_OFFSET, bytes([op]) + u64(gs) + u64(gl)
                              + pad)
        if not groups:
            summary_start = 0
        crc_from = summary_start or len(out)
        out += bytes([FOOTER]) + u64(20) + u64(summary_start) + \
            u64(offset_start)
        out += u32(zlib.crc32(bytes(out[crc_from:])))
        out += MAGIC
        return bytes(out)


# ---- the conformance inputs (tests/conformance/variants/inputs.ts) ----

def conformance(base, features):
    m = Mcap(features)
    if base in ('OneMessage', 'TenMessages'):
        m.schema(1, 'Example', 'c', b'\x04\x05\x06')
        m.channel(1, 1, 'example', 'a', {'foo': 'bar'})
    if base == 'OneSchemalessMessage':
        m.channel(1, 0, 'example', 'text', {})
    if base in ('OneMessage', 'OneSchemalessMessage'):
        m.message(1, 10, 2, 1, b'\x01\x02\x03')
    if base == 'TenMessages':
        for seq, t in enumerate([0, 2, 1, 3, 3, 5, 4, 7, 8, 9]):
            m.message(1, seq, t, t, b'\x01\x02\x03')
    if base == 'OneAttachment':
        m.attachment(2, 1, 'myFile', 'application/octet-stream',
                     b'\x01\x02\x03')
    if base == 'OneMetadata':
        m.metadata('myMetadata', {'foo': 'bar'})
    return m.build()


CONFORMANCE = [
    ('NoData', []),
    ('NoData', ['pad', 'st', 'sum']),
    ('OneSchemalessMessage', []),
    ('OneSchemalessMessage', ['ch', 'chx', 'mx']),
    ('OneMessage', []),
    ('OneMessage', ['ch', 'chx', 'mx', 'pad', 'rch', 'rsh', 'st', 'sum']),
    ('OneAttachment', ['ax', 'pad', 'st', 'sum']),
    ('OneMetadata', ['mdx', 'st', 'sum']),
    ('TenMessages', ['ch', 'chx', 'mx', 'rch', 'rsh', 'st', 'sum']),
    ('TenMessages', ['ch', 'mx', 'pad']),
    ('TenMessages', ['ch', 'chx']),
]


def multi(compression='', compress=None, crc=True, summary=True):
    """two channels, four chunks out of time order, extra records between"""
    feats = ['ch', 'mx', 'chx', 'st', 'rsh', 'rch', 'sum'] if summary \
        else ['ch']
    m = Mcap(feats, profile='ros2', library='gst-rosbag corpus')
    m.schema(1, 'std_msgs/msg/String', 'ros2msg', b'string data\n')
    m.channel(1, 1, '/chatter', 'cdr', {})
    m.channel(2, 0, '/raw', 'text', {'k': 'v'})
    seq = 0
    for block in ([50, 60, 55], [10, 20, 30], [25, 35], [40, 90, 5]):
        for t in block:
            s = b'msg %d' % t
            data = b'\x00\x01\x00\x00' + u32(len(s) + 1) + s + b'\x00'
            m.message(1 + seq % 2, seq, t * 1000, t * 1000 - 1, data)
            seq += 1
        m.chunk_break()
        if seq == 3:
            m.attachment(7, 6, 'calib.txt', 'text/plain', b'k=1\n')
            m.raw(0x80, b'private record')
        if seq == 6:
            m.metadata('rosbag2', {'serialized_metadata': ''})
    return m.build(compression, crc, compress)


def main(argv):
    check = argv[argv.index('--check') + 1] if '--check' in argv else None
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    bad = 0
    for base, feats in CONFORMANCE:
        name = '-'.join([base] + sorted(feats))
        data = conformance(base, feats)
        with open(os.path.join(OUT, 'conf-' + name + '.mcap'), 'wb') as f:
            f.write(data)
        if check:
            with open(os.path.join(check, base, name + '.mcap'), 'rb') as f:
                ref = f.read()
            same = ref == data
            bad += not same
            print('%-60s %s' % (name, 'identical' if same else 'DIFFERS'))
    files = {
        'multi-none': multi(),
        'multi-lz4': multi('lz4', lz4_stored),
        'multi-zstd': multi('zstd', zstd_stored),
        'multi-nocrc': multi(crc=False),
        'multi-nosummary': multi(summary=False),
    }
    cut = files['multi-nosummary']
    files['multi-truncated'] = cut[:len(cut) * 3 // 4]
    for n, data in files.items():
        with open(os.path.join(OUT, n + '.mcap'), 'wb') as f:
            f.write(data)
    print('mcap', len(os.listdir(OUT)), 'files')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
