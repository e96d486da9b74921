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

/* mcap-dump: what the library reads from a recording, as JSON, for the
 * scripts that compare it with independent references
 * (test_mcap_conformance.py: the MCAP conformance suite; test_mcap_ref.py:
 * @mcap/core). Public API only.
 *
 *   mcap-dump --summary FILE      topics, counts, per-topic SHA-256
 *   mcap-dump --conformance FILE  every message, metadata and attachment
 *                                 names
 *   mcap-dump --stream FILE       every message in file order, through
 *                                 the incremental (push-mode) parser, the
 *                                 file fed in pieces of 1, 7, 4096...
 *                                 bytes; same format as --conformance
 *
 * --summary: {"format", "indexed", "messages", "start_ns", "end_ns",
 * "topics": [{"name", "type", "schema_encoding", "message_encoding",
 * "count", "channels", "sha256"}]}, topics by name; the SHA-256 runs over
 * the topic's messages in time order, each as u64 LE log_time, u64 LE
 * publish_time, u32 LE size, data. Read errors are printed to stderr as
 * "warning: ..." and reading goes on. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <gst/rosbag/rosbag.h>

static void
json_str (GString * s, const gchar * str)
{
  const guchar *p;

  g_string_append_c (s, '"');
  for (p = (const guchar *) str; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (s, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf (s, "\\u%04x", *p);
    else
      g_string_append_c (s, *p);
  }
  g_string_append_c (s, '"');
}

static void
le (GChecksum * c, guint64 v, guint n)
{
  guint8 b[8];
  guint i;

  for (i = 0; i < n; i++)
    b[i] = (v >> (8 * i)) & 0xff;
  g_checksum_update (c, b, n);
}

static void
names (GString * s, const gchar * key, const gchar * const *v)
{
  guint i;

  g_string_append_printf (s, ", \"%s\": [", key);
  for (i = 0; v[i]; i++) {
    if (i)
      g_string_append (s, ", ");
    json_str (s, v[i]);
  }
  g_string_append (s, "]");
}

static void
message_json (GString * msgs, const GstRosbagMessage * m)
{
  gsize k;

  g_string_append_printf (msgs, "%s{\"channel_id\": \"%u\", \"topic\": ",
      msgs->len ? ", " : "", m->channel_id);
  json_str (msgs, gst_rosbag_topic_get_name (m->topic));
  g_string_append_printf (msgs, ", \"log_time\": \"%" G_GUINT64_FORMAT
      "\", \"publish_time\": \"%" G_GUINT64_FORMAT "\", \"sequence\": "
      "\"%u\", \"data\": [", m->time_ns, m->publish_time_ns, m->sequence);
  for (k = 0; k < m->size; k++)
    g_string_append_printf (msgs, "%s\"%u\"", k ? ", " : "", m->data[k]);
  g_string_append (msgs, "]}");
}

/* the file through the stream parser, in pieces of varying size */
static int
stream (const gchar * path)
{
  static const gsize pieces[] = { 1, 7, 4096, 3, 65536, 13, 1 << 20 };
  GstRosbagStreamParser *p;
  GMappedFile *mf;
  GError *err = NULL;
  const guint8 *d;
  gsize len, off = 0;
  guint pi = 0;
  GString *msgs = g_string_new (NULL);
  gboolean done = FALSE;

  mf = g_mapped_file_new (path, FALSE, &err);
  if (!mf) {
    g_printerr ("mcap-dump: %s\n", err->message);
    g_error_free (err);
    return 1;
  }
  d = (const guint8 *) g_mapped_file_get_contents (mf);
  len = g_mapped_file_get_length (mf);
  p = gst_rosbag_stream_parser_new (path);
  while (!done) {
    GstRosbagMessage m;
    GstRosbagStreamResult res = gst_rosbag_stream_parser_next (p, &m, &err);

    switch (res) {
      case GST_ROSBAG_STREAM_MESSAGE:
        message_json (msgs, &m);
        break;
      case GST_ROSBAG_STREAM_NEED_DATA:
        if (off < len) {
          gsize n = MIN (pieces[pi++ % G_N_ELEMENTS (pieces)], len - off);
          GBytes *b = g_bytes_new (d + off, n);

          gst_rosbag_stream_parser_push (p, b);
          g_bytes_unref (b);
          off += n;
        } else {
          gst_rosbag_stream_parser_push_eos (p);
        }
        break;
      case GST_ROSBAG_STREAM_SKIPPED:
        g_printerr ("warning: %s\n", err ? err->message : "skipped");
        g_clear_error (&err);
        break;
      case GST_ROSBAG_STREAM_ERROR:
        g_printerr ("mcap-dump: %s\n", err ? err->message : "error");
        g_clear_error (&err);
        done = TRUE;
        break;
      case GST_ROSBAG_STREAM_EOS:
        done = TRUE;
        break;
    }
  }
  printf ("{\"messages\": [%s]}\n", msgs->str);
  g_string_free (msgs, TRUE);
  gst_rosbag_stream_parser_free (p);
  g_mapped_file_unref (mf);
  return 0;
}

int
main (int argc, char **argv)
{
  GstRosbagRecording *rec;
  GstRosbagReader *r;
  GError *err = NULL;
  gboolean conformance;
  GString *out, *msgs;
  guint n = 0, i;
  guint64 *counts, start = G_MAXUINT64, end = 0;
  GChecksum **sums;
  GstRosbagMessage m;
  GstRosbagReadResult res;

  if (argc == 3 && strcmp (argv[1], "--stream") == 0)
    return stream (argv[2]);
  if (argc != 3 || (strcmp (argv[1], "--summary") != 0
          && strcmp (argv[1], "--conformance") != 0)) {
    g_printerr ("usage: %s --summary|--conformance|--stream FILE\n", argv[0]);
    return 2;
  }
  conformance = strcmp (argv[1], "--conformance") == 0;

  rec = gst_rosbag_recording_open (argv[2], &err);
  if (!rec) {
    g_printerr ("mcap-dump: %s\n", err->message);
    g_error_free (err);
    return 1;
  }
  out = g_string_new (NULL);
  msgs = g_string_new (NULL);
  n = gst_rosbag_recording_get_n_topics (rec);
  counts = g_new0 (guint64, n);
  sums = g_new0 (GChecksum *, n);
  for (i = 0; i < n; i++)
    sums[i] = g_checksum_new (G_CHECKSUM_SHA256);

  {
    /* a scan that did not reach the end of the data, or skipped damage,
     * lost something: say so, as a streaming reader would */
    const gchar *rep = gst_rosbag_recording_get_scan_report (rec);

    if (rep && !g_regex_match_simple ("; scanned to the data end at byte "
            "[0-9]+$", rep, 0, 0))
      g_printerr ("warning: %s\n", rep);
  }
  r = gst_rosbag_reader_new (rec);
  while ((res = gst_rosbag_reader_next (r, &m, &err)) != GST_ROSBAG_READ_EOS) {
    guint ti;

    if (res == GST_ROSBAG_READ_ERROR) {
      g_printerr ("warning: %s\n", err ? err->message : "read error");
      g_clear_error (&err);
      continue;
    }
    ti = gst_rosbag_topic_get_index (m.topic);
    counts[ti]++;
    start = MIN (start, m.time_ns);
    end = MAX (end, m.time_ns);
    le (sums[ti], m.time_ns, 8);
    le (sums[ti], m.publish_time_ns, 8);
    le (sums[ti], m.size, 4);
    g_checksum_update (sums[ti], m.data, m.size);
    if (conformance)
      message_json (msgs, &m);
  }
  gst_rosbag_reader_free (r);

  if (conformance) {
    g_string_append_printf (out, "{\"messages\": [%s]", msgs->str);
    names (out, "metadata", gst_rosbag_recording_get_metadata_names (rec));
    names (out, "attachments", gst_rosbag_recording_get_attachment_names (rec));
    g_string_append (out, "}\n");
  } else {
    guint64 total = 0;

    for (i = 0; i < n; i++)
      total += counts[i];
    if (start > end)
      start = end = 0;
    g_string_append (out, "{\"format\": ");
    json_str (out, gst_rosbag_recording_get_version (rec));
    g_string_append_printf (out, ", \"indexed\": %s, \"messages\": %"
        G_GUINT64_FORMAT ", \"start_ns\": %" G_GUINT64_FORMAT ", \"end_ns\": %"
        G_GUINT64_FORMAT ", \"topics\": [",
        gst_rosbag_recording_is_indexed (rec) ? "true" : "false", total,
        start, end);
    for (i = 0; i < n; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);

      g_string_append (out, i ? ", {\"name\": " : "{\"name\": ");
      json_str (out, gst_rosbag_topic_get_name (t));
      g_string_append (out, ", \"type\": ");
      json_str (out, gst_rosbag_topic_get_type (t));
      g_string_append (out, ", \"schema_encoding\": ");
      json_str (out, gst_rosbag_topic_get_schema_encoding (t));
      g_string_append (out, ", \"message_encoding\": ");
      json_str (out, gst_rosbag_topic_get_message_encoding (t));
      g_string_append_printf (out, ", \"count\": %" G_GUINT64_FORMAT
          ", \"channels\": %u, \"sha256\": \"%s\"}", counts[i],
          gst_rosbag_topic_get_n_channels (t), g_checksum_get_string (sums[i]));
    }
    g_string_append (out, "]}\n");
  }
  fwrite (out->str, 1, out->len, stdout);

  for (i = 0; i < n; i++)
    g_checksum_free (sums[i]);
  g_free (sums);
  g_free (counts);
  g_string_free (out, TRUE);
  g_string_free (msgs, TRUE);
  gst_rosbag_recording_unref (rec);
  return 0;
}
