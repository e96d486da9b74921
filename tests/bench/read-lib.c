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

/* read-lib: the format library alone. Opens the recording (a ROS 1 bag or
 * an MCAP file, told apart by its magic) with gst_rosbag_recording_open(),
 * iterates every message in time order with a GstRosbagReader and touches
 * every byte (the same 64-bit word sum as ref_cpp and ref-mcap.mjs
 * --checksum). Prints "messages bytes checksum" and, on stderr, the chunk
 * cache's peak.
 *
 * Usage: read-lib FILE [--prefetch N] [--cache-mb N] [--workers N] */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gst/rosbag/rosbag.h>

/* peak and current RSS, split into anonymous memory and file pages
 * (the file is memory-mapped: its pages count in RSS once touched) */
static void
print_status (void)
{
  gchar *status = NULL;
  static const gchar *keys[] = { "VmHWM:", "RssAnon:", "RssFile:" };
  guint i;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  fprintf (stderr, "read-lib:");
  for (i = 0; i < G_N_ELEMENTS (keys); i++) {
    const gchar *p = strstr (status, keys[i]);
    if (p)
      fprintf (stderr, " %s %ld kB", keys[i],
          strtol (p + strlen (keys[i]), NULL, 10));
  }
  fprintf (stderr, "\n");
  g_free (status);
}

int
main (int argc, char **argv)
{
  GstRosbagRecording *rec;
  GstRosbagReader *reader;
  GstRosbagMessage msg;
  GstRosbagReadResult res;
  GError *err = NULL;
  guint64 n = 0, bytes = 0, sum = 0;
  gint prefetch = -1, workers = -1;
  gint64 cache_mb = -1;
  int i;

  if (argc < 2) {
    fprintf (stderr,
        "usage: %s FILE [--prefetch N] [--cache-mb N] [--workers N]\n",
        argv[0]);
    return 2;
  }
  for (i = 2; i + 1 < argc; i += 2) {
    if (!strcmp (argv[i], "--prefetch"))
      prefetch = atoi (argv[i + 1]);
    else if (!strcmp (argv[i], "--cache-mb"))
      cache_mb = atoll (argv[i + 1]);
    else if (!strcmp (argv[i], "--workers"))
      workers = atoi (argv[i + 1]);
  }

  rec = gst_rosbag_recording_open (argv[1], &err);
  if (!rec) {
    fprintf (stderr, "read-lib: %s\n", err->message);
    g_error_free (err);
    return 1;
  }
  reader = gst_rosbag_reader_new (rec);
  if (cache_mb >= 0)
    gst_rosbag_reader_set_cache_size (reader, (gsize) cache_mb << 20);
  if (workers >= 0)
    gst_rosbag_reader_set_workers (reader, workers);
  if (prefetch >= 0)
    gst_rosbag_reader_set_prefetch (reader, prefetch);

  while ((res = gst_rosbag_reader_next (reader, &msg, &err))
      != GST_ROSBAG_READ_EOS) {
    const guint8 *p;
    gsize k;

    if (res == GST_ROSBAG_READ_ERROR) {
      fprintf (stderr, "read-lib: %s\n", err->message);
      g_clear_error (&err);
      continue;
    }
    p = msg.data;
    for (k = 0; k + 8 <= msg.size; k += 8) {
      guint64 v;
      memcpy (&v, p + k, 8);
      sum += v;
    }
    for (; k < msg.size; k++)
      sum += p[k];
    n++;
    bytes += msg.size;
  }
  fprintf (stderr, "read-lib: chunk cache peak %.1f MB\n",
      gst_rosbag_reader_get_cache_peak (reader) / 1048576.0);
  print_status ();
  gst_rosbag_reader_free (reader);
  gst_rosbag_recording_unref (rec);
  printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %016" G_GINT64_MODIFIER
      "x\n", n, bytes, sum);
  return 0;
}
