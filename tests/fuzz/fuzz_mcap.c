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

/* libFuzzer harness for MCAP (and whatever else the magic says): the
 * input is
 * - opened from memory (gst_rosbag_recording_open_with_func): the topics,
 *   metadata and attachment names and compression stats are walked, every
 *   message is read with a small chunk cache, then again after a seek to
 *   the middle with a topic filter;
 * - fed to the stream parser in pieces of 1 to 64 bytes (sizes from a
 *   generator seeded by the input, so a run is reproducible);
 * - on Linux, opened by path (a memfd under /proc/self/fd) and read once.
 * Nothing is asserted about the content, only that results are
 * consistent (an error comes with a GError, a message has a topic),
 * reading ends, and nothing crashes or leaks. */

#include <string.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>
#include <gst/rosbag/rosbag-stream.h>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static volatile guint8 sink;

static void
touch (const GstRosbagMessage * msg)
{
  /* ASan checks the message lies in memory we own */
  if (msg->size) {
    sink ^= msg->data[0];
    sink ^= msg->data[msg->size - 1];
  }
  if (!msg->topic || !gst_rosbag_topic_get_name (msg->topic))
    __builtin_trap ();
}

static void
read_all (GstRosbagReader * r, guint64 limit)
{
  GstRosbagMessage msg;
  guint64 calls = 0;

  for (;;) {
    GError *err = NULL;
    GstRosbagReadResult res;

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
    if (err)
      __builtin_trap ();
    touch (&msg);
  }
}

static void
walk (GstRosbagRecording * rec)
{
  const gchar *const *names;
  GArray *stats = NULL;
  GError *err = NULL;
  guint i;

  for (i = 0; i < gst_rosbag_recording_get_n_topics (rec); i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
    gsize len = 0;
    const guint8 *def;

    if (!t || !gst_rosbag_topic_get_name (t))
      __builtin_trap ();
    def = gst_rosbag_topic_get_definition (t, &len);
    if (def && len)
      sink ^= def[len - 1];
    if (gst_rosbag_recording_find_topic (rec,
            gst_rosbag_topic_get_name (t)) == NULL)
      __builtin_trap ();
    sink ^= strlen (gst_rosbag_topic_get_type (t) ?
        gst_rosbag_topic_get_type (t) : "");
  }
  for (names = gst_rosbag_recording_get_metadata_names (rec);
      names && *names; names++)
    sink ^= strlen (*names);
  for (names = gst_rosbag_recording_get_attachment_names (rec);
      names && *names; names++)
    sink ^= strlen (*names);
  if (gst_rosbag_recording_get_scan_report (rec))
    sink ^= strlen (gst_rosbag_recording_get_scan_report (rec));
  if (gst_rosbag_recording_get_compression_stats (rec, &stats, &err)) {
    /* owned by the recording */
    for (i = 0; stats && i < stats->len; i++)
      sink ^= strlen (g_array_index (stats, GstRosbagCompressionStat, i).name);
  } else {
    if (!err)
      __builtin_trap ();
    g_clear_error (&err);
  }
}

static void
read_recording (GstRosbagRecording * rec, guint64 limit, gboolean again)
{
  GstRosbagReader *r = gst_rosbag_reader_new (rec);

  gst_rosbag_reader_set_cache_size (r, 64 * 1024);
  read_all (r, limit);
  if (again && gst_rosbag_recording_get_n_topics (rec) > 0) {
    const gchar *pat[] = {
      gst_rosbag_topic_get_name (gst_rosbag_recording_get_topic (rec, 0)),
      NULL
    };
    guint64 s = gst_rosbag_recording_get_start_time (rec);
    guint64 e = gst_rosbag_recording_get_end_time (rec);

    gst_rosbag_reader_set_topics (r, pat);
    gst_rosbag_reader_seek (r, e > s ? s + (e - s) / 2 : s);
    read_all (r, limit);
  }
  gst_rosbag_reader_free (r);
}

/* drains the parser until it wants data; FALSE once it has ended */
static gboolean
drain (GstRosbagStreamParser * p, guint64 * calls, guint64 limit)
{
  for (;;) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagStreamResult res;

    if ((*calls)++ > limit)
      __builtin_trap ();
    res = gst_rosbag_stream_parser_next (p, &msg, &err);
    switch (res) {
      case GST_ROSBAG_STREAM_MESSAGE:
        if (err)
          __builtin_trap ();
        touch (&msg);
        break;
      case GST_ROSBAG_STREAM_NEED_DATA:
        if (err)
          __builtin_trap ();
        return TRUE;
      case GST_ROSBAG_STREAM_EOS:
        if (err)
          __builtin_trap ();
        return FALSE;
      case GST_ROSBAG_STREAM_SKIPPED:
        if (!err)
          __builtin_trap ();
        g_error_free (err);
        break;
      case GST_ROSBAG_STREAM_ERROR:
      default:
        if (!err)
          __builtin_trap ();
        g_error_free (err);
        return FALSE;
    }
  }
}

static void
stream (GBytes * bytes, guint64 limit)
{
  GstRosbagStreamParser *p = gst_rosbag_stream_parser_new ("fuzz.mcap");
  gsize size = g_bytes_get_size (bytes), pos = 0;
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  guint32 state = 2166136261u;
  guint64 calls = 0;
  gboolean more = TRUE;
  gsize i;

  /* FNV-1a of the input seeds the piece sizes */
  for (i = 0; i < size; i++)
    state = (state ^ d[i]) * 16777619u;
  while (more && pos < size) {
    gsize n;
    GBytes *piece;

    state = state * 1103515245u + 12345u;
    n = MIN (size - pos, 1 + ((state >> 16) & 63));
    piece = g_bytes_new_from_bytes (bytes, pos, n);
    gst_rosbag_stream_parser_push (p, piece);
    g_bytes_unref (piece);
    pos += n;
    more = drain (p, &calls, limit);
  }
  if (more) {
    gst_rosbag_stream_parser_push_eos (p);
    if (drain (p, &calls, limit))
      __builtin_trap ();        /* NEED_DATA after the end of the stream */
  }
  for (i = 0; i < gst_rosbag_stream_parser_get_n_topics (p); i++)
    if (!gst_rosbag_topic_get_name (gst_rosbag_stream_parser_get_topic (p, i)))
      __builtin_trap ();
  gst_rosbag_stream_parser_free (p);
}

static void
by_path (const guint8 * data, size_t size, guint64 limit)
{
#if defined(__linux__) && defined(MFD_CLOEXEC)
  int fd = memfd_create ("fuzz.mcap", MFD_CLOEXEC);
  gchar *path;
  GstRosbagRecording *rec;
  GError *err = NULL;

  if (fd < 0)
    return;
  if (write (fd, data, size) != (ssize_t) size) {
    close (fd);
    return;
  }
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  rec = gst_rosbag_recording_open (path, &err);
  if (rec) {
    walk (rec);
    read_recording (rec, limit, FALSE);
    gst_rosbag_recording_unref (rec);
  } else {
    if (!err)
      __builtin_trap ();
    g_error_free (err);
  }
  g_free (path);
  close (fd);
#endif
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GBytes *bytes = g_bytes_new (data, size);
  GError *err = NULL;
  GstRosbagRecording *rec;
  GstRosbagFormat fmt;
  guint64 limit = 4 * size + 1000;

  gst_rosbag_recording_sniff (data, size, &fmt);
  rec = gst_rosbag_recording_open_bytes (bytes, "fuzz.mcap", &err);
  if (rec) {
    if (err)
      __builtin_trap ();
    walk (rec);
    read_recording (rec, limit, TRUE);
    gst_rosbag_recording_unref (rec);
  } else {
    if (!err)
      __builtin_trap ();
    g_error_free (err);
  }
  stream (bytes, limit);
  by_path (data, size, limit);
  g_bytes_unref (bytes);
  return 0;
}
