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

/* libFuzzer harness: opens the input as a bag from memory
 * (gst_rosbag_bag_open_with_func) and reads every message with the
 * reader, with a small chunk cache, then once more after a seek to the
 * middle with a topic filter. */

#include <string.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static guint64
read_all (GstRosbagReader * r, guint64 limit)
{
  GstRosbagMessage msg;
  guint64 n = 0, calls = 0;
  GstRosbagReadResult res;
  static volatile guint8 sink;

  for (;;) {
    GError *err = NULL;

    if (calls++ > limit)
      __builtin_trap ();        /* the reader does not end: a hang */
    res = gst_rosbag_reader_next (r, &msg, &err);
    if (res == GST_ROSBAG_READ_EOS)
      break;
    if (res == GST_ROSBAG_READ_ERROR) {
      if (!err)
        __builtin_trap ();
      g_error_free (err);
      continue;
    }
    /* touch the message: ASan checks it lies in memory we own */
    if (msg.size) {
      sink ^= msg.data[0];
      sink ^= msg.data[msg.size - 1];
    }
    if (!gst_rosbag_reader_lookup_connection (r, &msg)
        || !gst_rosbag_reader_lookup_connection (r, &msg)->topic_info)
      __builtin_trap ();
    n++;
  }
  return n;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GBytes *bytes = g_bytes_new (data, size);
  GError *err = NULL;
  GstRosbagBag *bag;
  GstRosbagReader *r;
  guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1];
  guint64 ct, ut, limit = size + 1000;
  guint i;

  bag =
      gst_rosbag_bag_open_with_func (gst_rosbag_bytes_read, g_bytes_ref (bytes),
      (GDestroyNotify) g_bytes_unref, size, "fuzz.bag", &err);
  if (!bag) {
    if (!err)
      __builtin_trap ();
    g_error_free (err);
    g_bytes_unref (bytes);
    return 0;
  }
  for (i = 0; i < gst_rosbag_bag_get_n_topics (bag); i++) {
    const GstRosbagBagTopic *t = gst_rosbag_bag_get_topic (bag, i);

    if (!t->name || !t->connections)
      __builtin_trap ();
  }
  if (!gst_rosbag_bag_get_compression_stats (bag, counts, &ct, &ut, &err))
    g_clear_error (&err);

  r = gst_rosbag_reader_new_for_bag (bag);
  gst_rosbag_reader_set_cache_size (r, 64 * 1024);
  read_all (r, limit);
  if (gst_rosbag_bag_get_n_topics (bag) > 0) {
    const gchar *pat[] = { gst_rosbag_bag_get_topic (bag, 0)->name, NULL };
    guint64 s = gst_rosbag_bag_get_start_time (bag);
    guint64 e = gst_rosbag_bag_get_end_time (bag);

    gst_rosbag_reader_set_topics (r, pat);
    gst_rosbag_reader_seek (r, s + (e - s) / 2);
    read_all (r, limit);
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  g_bytes_unref (bytes);
  return 0;
}
