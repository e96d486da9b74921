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

/* libFuzzer harness for the record layer: gst_rosbag_record_parse over
 * the input as a run of records (with and without data), the header
 * field functions on every parsed header, and
 * gst_rosbag_connection_parse on every record. */

#include <string.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static gboolean
count_field (const gchar * name, gsize name_len, const guint8 * value,
    gsize value_len, gpointer user_data)
{
  static volatile guint8 sink;

  if (name_len)
    sink ^= name[name_len - 1];
  if (value_len)
    sink ^= value[value_len - 1];
  (*(guint *) user_data)++;
  return TRUE;
}

static void
check_header (const guint8 * h, gsize len)
{
  static const gchar *names[] = { "op", "conn", "time", "topic", "size",
    "compression", "index_pos", "count", "ver", "chunk_pos", "start_time",
    "end_time", "type", "md5sum", "message_definition", "latching", ""
  };
  GError *err = NULL;
  guint i, n = 0;

  if (!gst_rosbag_header_validate (h, len, 0, &err)) {
    if (!err)
      __builtin_trap ();
    g_error_free (err);
  }
  gst_rosbag_header_foreach (h, len, count_field, &n);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    const guint8 *v;
    gsize vl;
    guint8 u8;
    guint32 u32;
    guint64 u64;
    gchar *s;

    if (gst_rosbag_header_find (h, len, names[i], &v, &vl)) {
      if (v < h || v + vl > h + len)
        __builtin_trap ();
    }
    gst_rosbag_header_get_u8 (h, len, names[i], &u8);
    gst_rosbag_header_get_u32 (h, len, names[i], &u32);
    gst_rosbag_header_get_u64 (h, len, names[i], &u64);
    gst_rosbag_header_get_time (h, len, names[i], &u64);
    s = gst_rosbag_header_dup_string (h, len, names[i]);
    g_free (s);
  }
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  gsize pos = 0;
  guint n = 0;
  gchar *copy;

  /* the header functions straight on the input */
  check_header (data, size);

  while (pos < size && n++ < 10000) {
    GstRosbagRecord rec;
    guint64 needed = 0;
    GError *err = NULL;
    GstRosbagParseResult r;

    r = gst_rosbag_record_parse (data + pos, size - pos, pos, FALSE, &rec,
        &needed, &err);
    if (r == GST_ROSBAG_PARSE_NEED_MORE) {
      if (needed <= size - pos)
        __builtin_trap ();      /* asks for bytes it already has */
      g_clear_error (&err);
      break;
    }
    if (r == GST_ROSBAG_PARSE_ERROR) {
      if (!err)
        __builtin_trap ();
      g_error_free (err);
      break;
    }
    if (rec.header + rec.header_len > data + size)
      __builtin_trap ();
    check_header (rec.header, rec.header_len);
    r = gst_rosbag_record_parse (data + pos, size - pos, pos, TRUE, &rec,
        &needed, &err);
    if (r == GST_ROSBAG_PARSE_OK) {
      GstRosbagConnection *c;

      if (rec.data_len && (!rec.data || rec.data + rec.data_len > data + size))
        __builtin_trap ();
      c = gst_rosbag_connection_parse (&rec, &err);
      if (c)
        gst_rosbag_connection_free (c);
      g_clear_error (&err);
      if (rec.total_len == 0)
        __builtin_trap ();
      pos += rec.total_len;
    } else {
      g_clear_error (&err);
      break;
    }
  }

  /* compression names */
  copy = g_strndup ((const gchar *) data, MIN (size, 8));
  gst_rosbag_compression_from_string (copy, strlen (copy));
  g_free (copy);
  return 0;
}
