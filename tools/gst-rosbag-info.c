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

/* gst-rosbag-info: what `rosbag info` tells, read from the index only
 * (an unindexed bag is scanned), as text or as JSON. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <gst/rosbag/rosbag.h>

static gboolean opt_json = FALSE;
static gboolean opt_messages = FALSE;
static gboolean opt_version = FALSE;
static gboolean opt_freq = FALSE;
static gchar *opt_topics = NULL;
static gchar **opt_files = NULL;

static GOptionEntry entries[] = {
  {"json", 'j', 0, G_OPTION_ARG_NONE, &opt_json,
      "Print the summary as one JSON object", NULL},
  {"messages", 'm', 0, G_OPTION_ARG_NONE, &opt_messages,
      "List every message in time order (topic, receive time in ns, size,"
        " SHA-1 of the serialized bytes)", NULL},
  {"topics", 't', 0, G_OPTION_ARG_STRING, &opt_topics,
      "With --messages: only these topics (comma list, * globs)", "LIST"},
  {"freq", 'f', 0, G_OPTION_ARG_NONE, &opt_freq,
      "Show each topic's message frequency (median interval); reads every"
        " chunk's index entries", NULL},
  {"version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version",
      NULL},
  {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL,
      "BAG"},
  {NULL}
};

static void
format_duration (GString * s, guint64 ns)
{
  guint64 secs = ns / 1000000000;
  double frac = (ns % 1000000000) / 1e9;

  if (secs >= 3600)
    g_string_append_printf (s, "%" G_GUINT64_FORMAT ":%02u:%02u (%.1fs)",
        secs / 3600, (guint) (secs / 60 % 60), (guint) (secs % 60), ns / 1e9);
  else if (secs >= 60)
    g_string_append_printf (s, "%u:%02u (%.1fs)", (guint) (secs / 60),
        (guint) (secs % 60), ns / 1e9);
  else
    g_string_append_printf (s, "%.1fs", secs + frac);
}

static gchar *
format_time (guint64 ns)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (ns / 1000000000);
  gchar *d, *ret;

  if (!dt)
    return g_strdup_printf ("%.2f", ns / 1e9);
  d = g_date_time_format (dt, "%b %d %Y %H:%M:%S");
  ret = g_strdup_printf ("%s.%02u (%" G_GUINT64_FORMAT ".%09u)", d,
      (guint) (ns % 1000000000 / 10000000), ns / 1000000000,
      (guint) (ns % 1000000000));
  g_free (d);
  g_date_time_unref (dt);
  return ret;
}

static gchar *
format_size (guint64 bytes)
{
  if (bytes >= 1024ULL * 1024 * 1024)
    return g_strdup_printf ("%.1f GB", bytes / (1024.0 * 1024 * 1024));
  if (bytes >= 1024 * 1024)
    return g_strdup_printf ("%.1f MB", bytes / (1024.0 * 1024));
  if (bytes >= 1024)
    return g_strdup_printf ("%.1f KB", bytes / 1024.0);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
}

static void
json_string (GString * s, const gchar * str)
{
  const guchar *p;

  g_string_append_c (s, '"');
  for (p = (const guchar *) str; *p; p++) {
    switch (*p) {
      case '"':
        g_string_append (s, "\\\"");
        break;
      case '\\':
        g_string_append (s, "\\\\");
        break;
      case '\n':
        g_string_append (s, "\\n");
        break;
      case '\t':
        g_string_append (s, "\\t");
        break;
      case '\r':
        g_string_append (s, "\\r");
        break;
      default:
        if (*p < 0x20)
          g_string_append_printf (s, "\\u%04x", *p);
        else
          g_string_append_c (s, *p);
    }
  }
  g_string_append_c (s, '"');
}

static gint
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/* As `rosbag info --freq`: 1 / the median interval between a topic's
 * messages, from the chunks' index entries (no chunk is decompressed).
 * Returns an array of n_topics doubles (0 = unknown), or NULL. */
static gdouble *
topic_frequencies (GstRosbagBag * bag, GError ** error)
{
  guint n_topics = gst_rosbag_bag_get_n_topics (bag);
  GArray **times = g_new0 (GArray *, n_topics);
  gdouble *freq = g_new0 (gdouble, MAX (n_topics, 1));
  guint i, k;

  for (i = 0; i < n_topics; i++)
    times[i] = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (i = 0; i < gst_rosbag_bag_get_n_chunks (bag); i++) {
    GArray *entries = gst_rosbag_bag_load_chunk_index (bag, i, NULL, NULL,
        error);

    if (!entries)
      goto fail;
    for (k = 0; k < entries->len; k++) {
      GstRosbagIndexEntry *e = &g_array_index (entries, GstRosbagIndexEntry,
          k);
      const GstRosbagConnection *c = gst_rosbag_bag_lookup_connection (bag,
          e->conn_id);

      if (c)
        g_array_append_val (times[c->topic_info->index], e->time_ns);
    }
    g_array_unref (entries);
  }
  for (i = 0; i < n_topics; i++) {
    GArray *t = times[i];
    GArray *periods;

    if (t->len < 2)
      continue;
    g_array_sort (t, cmp_u64);
    periods = g_array_sized_new (FALSE, FALSE, sizeof (guint64), t->len - 1);
    for (k = 1; k < t->len; k++) {
      guint64 d = g_array_index (t, guint64, k) - g_array_index (t, guint64,
          k - 1);
      g_array_append_val (periods, d);
    }
    g_array_sort (periods, cmp_u64);
    {
      guint n = periods->len;
      gdouble med = (n % 2) ? g_array_index (periods, guint64, n / 2) :
          (g_array_index (periods, guint64, n / 2 - 1) +
          g_array_index (periods, guint64, n / 2)) / 2.0;

      if (med > 0)
        freq[i] = 1e9 / med;
    }
    g_array_unref (periods);
  }
  for (i = 0; i < n_topics; i++)
    g_array_unref (times[i]);
  g_free (times);
  return freq;

fail:
  for (i = 0; i < n_topics; i++)
    g_array_unref (times[i]);
  g_free (times);
  g_free (freq);
  return NULL;
}

static void
format_frequency (GString * s, gdouble hz)
{
  if (hz >= 1000.0)
    g_string_append_printf (s, "%.1f kHz", hz / 1000.0);
  else
    g_string_append_printf (s, "%.1f Hz", hz);
}

static int
print_messages (GstRosbagBag * bag)
{
  GstRosbagReader *reader = gst_rosbag_reader_new (bag);
  gchar **patterns = gst_rosbag_topic_patterns_parse (opt_topics);
  GstRosbagMessage msg;
  GstRosbagReadResult res;
  GError *err = NULL;
  int ret = 0;

  gst_rosbag_reader_set_topics (reader, (const gchar * const *) patterns);
  while ((res = gst_rosbag_reader_next (reader, &msg, &err))
      != GST_ROSBAG_READ_EOS) {
    gchar *sha;

    if (res == GST_ROSBAG_READ_ERROR) {
      g_printerr ("gst-rosbag-info: %s\n", err->message);
      g_clear_error (&err);
      ret = 1;
      continue;
    }
    sha = g_compute_checksum_for_data (G_CHECKSUM_SHA1, msg.data, msg.size);
    /* printf, not g_print: topic bytes go out as they are, whatever the
     * locale */
    printf ("%s\t%" G_GUINT64_FORMAT "\t%" G_GSIZE_FORMAT "\t%s\n",
        msg.conn->topic_info->name, msg.time_ns, msg.size, sha);
    g_free (sha);
  }
  g_strfreev (patterns);
  gst_rosbag_reader_free (reader);
  return ret;
}

static int
print_info (GstRosbagBag * bag, const gchar * path)
{
  guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1];
  guint64 ctotal = 0, utotal = 0;
  GError *err = NULL;
  GString *s = g_string_new (NULL);
  guint i, j, n_topics = gst_rosbag_bag_get_n_topics (bag);
  guint64 start = gst_rosbag_bag_get_start_time (bag);
  guint64 end = gst_rosbag_bag_get_end_time (bag);
  guint64 nmsg = gst_rosbag_bag_get_message_count (bag);
  GPtrArray *types;
  gboolean indexed = gst_rosbag_bag_is_indexed (bag);
  gdouble *freqs = NULL;

  if (opt_freq && !(freqs = topic_frequencies (bag, &err))) {
    g_printerr ("gst-rosbag-info: %s\n", err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
    return 1;
  }
  if (!gst_rosbag_bag_get_compression_stats (bag, counts, &ctotal, &utotal,
          &err)) {
    g_free (freqs);
    g_printerr ("gst-rosbag-info: %s\n", err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
    return 1;
  }

  if (opt_json) {
    gboolean first = TRUE;

    g_string_append (s, "{\"path\": ");
    json_string (s, path);
    g_string_append_printf (s, ", \"version\": \"2.0\", \"indexed\": %s",
        indexed ? "true" : "false");
    if (!indexed) {
      g_string_append (s, ", \"scan_report\": ");
      json_string (s, gst_rosbag_bag_get_scan_report (bag));
    }
    g_string_append_printf (s, ", \"size\": %" G_GUINT64_FORMAT
        ", \"start_ns\": %" G_GUINT64_FORMAT ", \"end_ns\": %" G_GUINT64_FORMAT
        ", \"duration_ns\": %" G_GUINT64_FORMAT ", \"messages\": %"
        G_GUINT64_FORMAT ", \"chunks\": %u, \"compression\": {",
        gst_rosbag_bag_get_file_size (bag), start, end, end - start, nmsg,
        gst_rosbag_bag_get_n_chunks (bag));
    for (i = 0; i < GST_ROSBAG_COMPRESSION_UNKNOWN; i++) {
      if (counts[i] == 0)
        continue;
      g_string_append_printf (s, "%s\"%s\": %u", first ? "" : ", ",
          gst_rosbag_compression_to_string (i), counts[i]);
      first = FALSE;
    }
    g_string_append_printf (s, "}, \"uncompressed_size\": %" G_GUINT64_FORMAT
        ", \"compressed_size\": %" G_GUINT64_FORMAT ", \"topics\": [", utotal,
        ctotal);
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_bag_get_topic (bag, i);

      g_string_append (s, i ? ", {\"topic\": " : "{\"topic\": ");
      json_string (s, t->name);
      g_string_append (s, ", \"type\": ");
      json_string (s, t->type);
      g_string_append (s, ", \"md5sum\": ");
      json_string (s, t->md5sum);
      g_string_append_printf (s, ", \"messages\": %" G_GUINT64_FORMAT
          ", \"connections\": %u", t->message_count, t->connections->len);
      if (freqs)
        g_string_append_printf (s, ", \"frequency_hz\": %.6g", freqs[i]);
      g_string_append_printf (s, ", \"latching\": %s, \"callerids\": [",
          t->latching ? "true" : "false");
      for (j = 0; j < t->connections->len; j++) {
        const GstRosbagConnection *c = g_ptr_array_index (t->connections, j);

        if (j)
          g_string_append (s, ", ");
        json_string (s, c->callerid ? c->callerid : "");
      }
      g_string_append (s, "]}");
    }
    g_string_append (s, "]}\n");
    fputs (s->str, stdout);
    g_string_free (s, TRUE);
    g_free (freqs);
    return 0;
  }

  {
    gchar *sz = format_size (gst_rosbag_bag_get_file_size (bag));
    guint max_topic = 0, max_type = 0;

    g_string_append_printf (s, "path:        %s\n", path);
    g_string_append (s, "version:     2.0\n");
    if (!indexed)
      g_string_append_printf (s, "indexed:     no (%s)\n",
          gst_rosbag_bag_get_scan_report (bag));
    if (nmsg > 0) {
      gchar *st = format_time (start), *en = format_time (end);

      g_string_append (s, "duration:    ");
      format_duration (s, end - start);
      g_string_append_printf (s, "\nstart:       %s\nend:         %s\n", st,
          en);
      g_free (st);
      g_free (en);
    }
    g_string_append_printf (s, "size:        %s\n", sz);
    g_free (sz);
    g_string_append_printf (s, "messages:    %" G_GUINT64_FORMAT "\n", nmsg);
    g_string_append (s, "compression: ");
    {
      gboolean first = TRUE;
      guint nch = gst_rosbag_bag_get_n_chunks (bag);

      for (i = 0; i < GST_ROSBAG_COMPRESSION_UNKNOWN; i++) {
        if (counts[i] == 0)
          continue;
        g_string_append_printf (s, "%s%s [%u/%u chunks%s]", first ? "" :
            ", ", gst_rosbag_compression_to_string (i), counts[i], nch, "");
        first = FALSE;
      }
      if (first)
        g_string_append (s, "none [0 chunks]");
      if (utotal > 0 && (counts[GST_ROSBAG_COMPRESSION_BZ2]
              || counts[GST_ROSBAG_COMPRESSION_LZ4]))
        g_string_append_printf (s, "; %.1f%% of %.1f MB uncompressed",
            100.0 * ctotal / utotal, utotal / (1024.0 * 1024.0));
      g_string_append_c (s, '\n');
    }

    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_bag_get_topic (bag, i);

      max_topic = MAX (max_topic, strlen (t->name));
      max_type = MAX (max_type, strlen (t->type));
    }
    /* types, each once, with md5 */
    types = g_ptr_array_new ();
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_bag_get_topic (bag, i);
      gboolean seen = FALSE;

      for (j = 0; j < types->len; j++)
        seen |= strcmp (((GstRosbagTopic *) g_ptr_array_index (types,
                    j))->type, t->type) == 0;
      if (!seen)
        g_ptr_array_add (types, (gpointer) t);
    }
    for (i = 0; i < types->len; i++) {
      const GstRosbagTopic *t = g_ptr_array_index (types, i);

      g_string_append_printf (s, "%s%-*s [%s]\n", i ? "             " :
          "types:       ", max_type, t->type, t->md5sum);
    }
    g_ptr_array_unref (types);
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_bag_get_topic (bag, i);
      gchar *extra;

      if (t->connections->len > 1)
        extra = g_strdup_printf (" (%u connections)", t->connections->len);
      else
        extra = g_strdup ("");
      g_string_append_printf (s, "%s%-*s %6" G_GUINT64_FORMAT " msg%s",
          i ? "             " : "topics:      ", max_topic, t->name,
          t->message_count, t->message_count == 1 ? " " : "s");
      if (freqs && freqs[i] > 0) {
        g_string_append (s, " @ ");
        format_frequency (s, freqs[i]);
      }
      g_string_append_printf (s, " : %s%s%s\n", t->type, extra,
          t->latching ? " (latched)" : "");
      g_free (extra);
    }
    fputs (s->str, stdout);
    g_string_free (s, TRUE);
  }
  g_free (freqs);
  return 0;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  int ret = 0;
  guint i;

  ctx = g_option_context_new ("BAG... - summarise ROS bag files");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
      "Reads only the index at the end of each bag, so it answers at once"
      " for any size;\nan unindexed bag (a killed recording) is scanned and"
      " what was recovered is shown.");
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("gst-rosbag-info: %s\n", err->message);
    g_clear_error (&err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_version) {
    g_print ("gst-rosbag-info %s\n", VERSION);
    return 0;
  }
  if (!opt_files || !opt_files[0]) {
    g_printerr ("gst-rosbag-info: no bag given (try --help)\n");
    return 2;
  }
  for (i = 0; opt_files[i]; i++) {
    GstRosbagBag *bag = gst_rosbag_bag_open (opt_files[i], &err);

    if (!bag) {
      /* the library's message names the file */
      g_printerr ("gst-rosbag-info: %s\n", err->message);
      g_clear_error (&err);
      ret = 1;
      continue;
    }
    if (i > 0 && !opt_json && !opt_messages)
      g_print ("\n");
    if (opt_messages)
      ret |= print_messages (bag);
    else
      ret |= print_info (bag, opt_files[i]);
    gst_rosbag_bag_unref (bag);
  }
  g_strfreev (opt_files);
  g_free (opt_topics);
  return ret;
}
