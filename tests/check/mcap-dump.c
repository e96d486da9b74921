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
 *   mcap-dump --rosbag2 PATH      a rosbag2 directory (or metadata.yaml,
 *                                 or any recording): what the recording
 *                                 says of itself and every message
 *                                 (test_rosbag2_ref.py)
 *
 * --summary: {"format", "indexed", "messages", "start_ns", "end_ns",
 * "topics": [{"name", "type", "schema_encoding", "message_encoding",
 * "count", "channels", "sha256"}]}, topics by name; the SHA-256 runs over
 * the topic's messages in time order, each as u64 LE log_time, u64 LE
 * publish_time, u32 LE size, data. Read errors are printed to stderr as
 * "warning: ..." and reading goes on.
 *
 * --rosbag2: {"files": [paths], "warnings": [...], "metadata_version",
 * "storage_identifier", "ros_distro" (null when absent), "compression":
 * null or {"format", "mode"}, "start_ns", "end_ns", "message_count" (the
 * recording's getters), "topics": [{"name", "type", "schema_encoding",
 * "message_encoding", "count" (gst_rosbag_topic_get_message_count),
 * "channels", "qos" (the profiles as JSON, or null)}], "messages":
 * [[topic, log_time, size, sha256 of the data]] in the reader's order,
 * "read_errors": [...]}; times as decimal strings. */

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

static void
json_str_or_null (GString * s, const gchar * str)
{
  if (str)
    json_str (s, str);
  else
    g_string_append (s, "null");
}

/* a GVariant of dictionaries, arrays and scalars as JSON */
static void
variant_json (GString * s, GVariant * v)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT)) {
    GVariant *inner = g_variant_get_variant (v);

    variant_json (s, inner);
    g_variant_unref (inner);
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE ("a{s*}"))) {
    GVariantIter it;
    const gchar *key;
    GVariant *val;
    gboolean first = TRUE;

    g_string_append_c (s, '{');
    g_variant_iter_init (&it, v);
    while (g_variant_iter_next (&it, "{&s@*}", &key, &val)) {
      g_string_append (s, first ? "" : ", ");
      json_str (s, key);
      g_string_append (s, ": ");
      variant_json (s, val);
      g_variant_unref (val);
      first = FALSE;
    }
    g_string_append_c (s, '}');
  } else if (g_variant_is_container (v)) {
    gsize i, n = g_variant_n_children (v);

    g_string_append_c (s, '[');
    for (i = 0; i < n; i++) {
      GVariant *c = g_variant_get_child_value (v, i);

      g_string_append (s, i ? ", " : "");
      variant_json (s, c);
      g_variant_unref (c);
    }
    g_string_append_c (s, ']');
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
    g_string_append (s, g_variant_get_boolean (v) ? "true" : "false");
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)) {
    json_str (s, g_variant_get_string (v, NULL));
  } else {
    /* numbers: GVariant's text form is JSON's for integers and doubles */
    gchar *t = g_variant_print (v, FALSE);

    g_string_append (s, t);
    g_free (t);
  }
}

/* --rosbag2: what the recording says of itself, then every message */
static int
rosbag2 (const gchar * path)
{
  GstRosbagRecording *rec;
  GstRosbagReader *r;
  GError *err = NULL;
  GString *out = g_string_new (NULL), *errs = g_string_new (NULL);
  const gchar *const *w;
  const gchar *format, *mode;
  GstRosbagMessage m;
  GstRosbagReadResult res;
  guint i, n;
  gboolean first = TRUE;

  rec = gst_rosbag_recording_open (path, &err);
  if (!rec) {
    g_printerr ("mcap-dump: %s\n", err->message);
    g_error_free (err);
    g_string_free (out, TRUE);
    g_string_free (errs, TRUE);
    return 1;
  }
  g_string_append (out, "{\"files\": [");
  n = gst_rosbag_recording_get_n_files (rec);
  for (i = 0; i < n; i++) {
    g_string_append (out, i ? ", " : "");
    json_str_or_null (out, gst_rosbag_recording_get_file (rec, i));
  }
  g_string_append (out, "]");
  w = gst_rosbag_recording_get_warnings (rec);
  names (out, "warnings", w);
  g_string_append_printf (out, ", \"metadata_version\": %u, "
      "\"storage_identifier\": ",
      gst_rosbag_recording_get_metadata_version (rec));
  json_str_or_null (out, gst_rosbag_recording_get_storage_identifier (rec));
  g_string_append (out, ", \"ros_distro\": ");
  json_str_or_null (out, gst_rosbag_recording_get_ros_distro (rec));
  g_string_append (out, ", \"compression\": ");
  if (gst_rosbag_recording_get_rosbag2_compression (rec, &format, &mode)) {
    g_string_append (out, "{\"format\": ");
    json_str_or_null (out, format);
    g_string_append (out, ", \"mode\": ");
    json_str_or_null (out, mode);
    g_string_append (out, "}");
  } else {
    g_string_append (out, "null");
  }
  g_string_append_printf (out, ", \"start_ns\": \"%" G_GUINT64_FORMAT
      "\", \"end_ns\": \"%" G_GUINT64_FORMAT "\", \"message_count\": %"
      G_GUINT64_FORMAT ", \"topics\": [",
      gst_rosbag_recording_get_start_time (rec),
      gst_rosbag_recording_get_end_time (rec),
      gst_rosbag_recording_get_message_count (rec));
  n = gst_rosbag_recording_get_n_topics (rec);
  for (i = 0; i < n; i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
    GVariant *qos = gst_rosbag_topic_get_qos_profiles (t);

    g_string_append (out, i ? ", {\"name\": " : "{\"name\": ");
    json_str (out, gst_rosbag_topic_get_name (t));
    g_string_append (out, ", \"type\": ");
    json_str_or_null (out, gst_rosbag_topic_get_type (t));
    g_string_append (out, ", \"schema_encoding\": ");
    json_str_or_null (out, gst_rosbag_topic_get_schema_encoding (t));
    g_string_append (out, ", \"message_encoding\": ");
    json_str_or_null (out, gst_rosbag_topic_get_message_encoding (t));
    g_string_append_printf (out, ", \"count\": %" G_GUINT64_FORMAT
        ", \"channels\": %u, \"qos\": ",
        gst_rosbag_topic_get_message_count (t),
        gst_rosbag_topic_get_n_channels (t));
    if (qos)
      variant_json (out, qos);
    else
      g_string_append (out, "null");
    g_string_append (out, "}");
  }
  g_string_append (out, "], \"messages\": [");

  r = gst_rosbag_reader_new (rec);
  while ((res = gst_rosbag_reader_next (r, &m, &err)) != GST_ROSBAG_READ_EOS) {
    gchar *sum;

    if (res == GST_ROSBAG_READ_ERROR) {
      g_string_append (errs, errs->len ? ", " : "");
      json_str (errs, err ? err->message : "read error");
      g_clear_error (&err);
      continue;
    }
    sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, m.data, m.size);
    g_string_append (out, first ? "[" : ", [");
    json_str (out, gst_rosbag_topic_get_name (m.topic));
    g_string_append_printf (out, ", \"%" G_GUINT64_FORMAT "\", %"
        G_GSIZE_FORMAT ", \"%s\"]", m.time_ns, (gsize) m.size, sum);
    g_free (sum);
    first = FALSE;
  }
  gst_rosbag_reader_free (r);
  g_string_append_printf (out, "], \"read_errors\": [%s]}\n", errs->str);
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
  g_string_free (errs, TRUE);
  gst_rosbag_recording_unref (rec);
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
  if (argc == 3 && strcmp (argv[1], "--rosbag2") == 0)
    return rosbag2 (argv[2]);
  if (argc != 3 || (strcmp (argv[1], "--summary") != 0
          && strcmp (argv[1], "--conformance") != 0)) {
    g_printerr ("usage: %s --summary|--conformance|--stream|--rosbag2 FILE\n",
        argv[0]);
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
