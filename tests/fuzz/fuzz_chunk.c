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

/* libFuzzer harness for chunk decompression: the first byte picks the
 * compression (none / bz2 / lz4 / unknown), the next 4 the uncompressed
 * size (capped at 4 MiB), the rest is the chunk data. Runs
 * gst_rosbag_chunk_decompress and gst_rosbag_chunk_decompress_partial. */

#include <string.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GstRosbagCompression c;
  guint32 usize;
  GBytes *in, *out;
  GError *err = NULL;

  if (size < 5)
    return 0;
  c = data[0] % (GST_ROSBAG_COMPRESSION_UNKNOWN + 1);
  usize = gst_rosbag_read_u32 (data + 1) % (4 * 1024 * 1024 + 1);
  in = g_bytes_new (data + 5, size - 5);
  out = gst_rosbag_chunk_decompress (c, in, usize, 0, &err);
  if (out) {
    if (g_bytes_get_size (out) != usize)
      __builtin_trap ();
    g_bytes_unref (out);
  } else {
    if (!err)
      __builtin_trap ();
    g_error_free (err);
  }
  out = gst_rosbag_chunk_decompress_partial (c, data + 5, size - 5, usize);
  if (!out || g_bytes_get_size (out) > usize)
    __builtin_trap ();
  g_bytes_unref (out);
  g_bytes_unref (in);
  return 0;
}
