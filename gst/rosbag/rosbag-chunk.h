/* gst-rosbag
 * Copyright (C) 2026 The gst-rosbag authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

#ifndef __GST_ROSBAG_CHUNK_H__
#define __GST_ROSBAG_CHUNK_H__

#include <glib.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-chunk
 * @short_description: chunk decompression
 *
 * Chunks are stored `none`, `bz2` (one bzip2 stream) or `lz4` (the LZ4
 * frame format, as roslz4 writes it). The result is checked against the
 * uncompressed size the chunk header states.
 */
    typedef enum
{
  GST_ROSBAG_COMPRESSION_NONE,
  GST_ROSBAG_COMPRESSION_BZ2,
  GST_ROSBAG_COMPRESSION_LZ4,
  GST_ROSBAG_COMPRESSION_UNKNOWN
} GstRosbagCompression;

GstRosbagCompression gst_rosbag_compression_from_string (const gchar * s,
    gsize len);
const gchar *gst_rosbag_compression_to_string (GstRosbagCompression c);

/* Decompresses @len bytes of chunk data into a new GBytes of exactly
 * @size bytes. For NONE, returns a reference to @data_bytes (or a
 * sub-range of it) when given, else a copy. @offset is the file offset of
 * the chunk record, for error messages. */
GBytes *gst_rosbag_chunk_decompress (GstRosbagCompression compression,
    GBytes * data_bytes, guint32 size, guint64 offset, GError ** error);

/* Decompresses as much of a cut-off stream as it can, at most @max_size
 * bytes: what a killed recording leaves behind. Never fails: returns
 * what could be decoded (possibly empty). */
GBytes *gst_rosbag_chunk_decompress_partial (GstRosbagCompression
    compression, const guint8 * data, gsize len, gsize max_size);

/* XXH32 with seed 0 (LZ4 frames' checksum) */
guint32 gst_rosbag_xxh32 (const guint8 * p, gsize len);

/* zlib's crc32_z() (CRC-32, MCAP's CRCs), by PCLMULQDQ where the CPU has
 * it */
guint32 gst_rosbag_crc32 (guint32 crc, const guint8 * p, gsize len);

G_END_DECLS
#endif /* __GST_ROSBAG_CHUNK_H__ */
