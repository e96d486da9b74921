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

/* gst-rosbag-info: what `rosbag info` tells, for ROS 1 bags, MCAP files
 * and rosbag2 recordings (a .db3, a directory of split files with or
 * without metadata.yaml, a .zstd file), read from the index only (a bag's
 * index, an MCAP file's summary, a database's tables; a file without one
 * is scanned), as text or as JSON. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>
#include <gst/rosbag/rosbag-definitions.h>

static gboolean opt_json = FALSE;
static gboolean opt_messages = FALSE;
static gboolean opt_version = FALSE;
static gboolean opt_freq = FALSE;
static gchar *opt_topics = NULL;
static gchar *opt_definitions = NULL;
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
      "Show each topic's message frequency (median interval)", NULL},
  {"definitions", 'd', 0, G_OPTION_ARG_STRING, &opt_definitions,
      "Colon-separated ROS 2 share trees (DIR/pkg/msg/Type.msg) searched "
        "for the definitions of topics whose recording holds none, before "
        "the built-in set", "DIRS"},
  {"version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version",
      NULL},
  {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL,
      "FILE"},
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

/* a string, or null for NULL */
static void
json_string_or_null (GString * s, const gchar * str)
{
  if (str)
    json_string (s, str);
  else
    g_string_append (s, "null");
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
print_messages (GstRosbagRecording * rec)
{
  GstRosbagReader *reader = gst_rosbag_reader_new (rec);
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
        gst_rosbag_topic_get_name (msg.topic), msg.time_ns, msg.size, sha);
    g_free (sha);
    /* a full disk or a closed pipe: no point reading on */
    if (ferror (stdout))
      break;
  }
  g_strfreev (patterns);
  gst_rosbag_reader_free (reader);
  return ret;
}

static const gchar *
str_or_empty (const gchar * s)
{
  return s ? s : "";
}

static gboolean
is_compressed (const gchar * name)
{
  return name && strcmp (name, "none") != 0 && name[0] != '\0';
}

static void
json_names (GString * s, const gchar * key, const gchar * const *names)
{
  guint i;

  g_string_append_printf (s, ", \"%s\": [", key);
  for (i = 0; names && names[i]; i++) {
    if (i)
      g_string_append (s, ", ");
    json_string (s, names[i]);
  }
  g_string_append_c (s, ']');
}

static void
text_names (GString * s, const gchar * label, const gchar * const *names)
{
  guint i;

  if (!names || !names[0])
    return;
  g_string_append_printf (s, "%-13s", label);
  for (i = 0; names[i]; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", names[i]);
  g_string_append_c (s, '\n');
}

/* ---- rosbag2: QoS profiles, definitions ---- */

/* a GVariant of the QoS profiles (aa{sv}, see
 * gst_rosbag_topic_get_qos_profiles) as JSON */
static void
json_variant (GString * s, GVariant * v)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT)) {
    GVariant *inner = g_variant_get_variant (v);

    json_variant (s, inner);
    g_variant_unref (inner);
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)) {
    g_string_append (s, g_variant_get_boolean (v) ? "true" : "false");
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64)) {
    g_string_append_printf (s, "%" G_GINT64_FORMAT, g_variant_get_int64 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64)) {
    g_string_append_printf (s, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32)) {
    g_string_append_printf (s, "%d", g_variant_get_int32 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32)) {
    g_string_append_printf (s, "%u", g_variant_get_uint32 (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE)) {
    g_string_append_printf (s, "%.17g", g_variant_get_double (v));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)) {
    json_string (s, g_variant_get_string (v, NULL));
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE ("a{s*}"))) {
    GVariantIter iter;
    gchar *key;
    GVariant *val;
    gboolean first = TRUE;

    g_string_append_c (s, '{');
    g_variant_iter_init (&iter, v);
    while (g_variant_iter_next (&iter, "{s@*}", &key, &val)) {
      g_string_append (s, first ? "" : ", ");
      json_string (s, key);
      g_string_append (s, ": ");
      json_variant (s, val);
      first = FALSE;
      g_free (key);
      g_variant_unref (val);
    }
    g_string_append_c (s, '}');
  } else if (g_variant_is_container (v)) {
    gsize i, n = g_variant_n_children (v);

    g_string_append_c (s, '[');
    for (i = 0; i < n; i++) {
      GVariant *child = g_variant_get_child_value (v, i);

      g_string_append (s, i ? ", " : "");
      json_variant (s, child);
      g_variant_unref (child);
    }
    g_string_append_c (s, ']');
  } else {
    gchar *text = g_variant_print (v, FALSE);

    json_string (s, text);
    g_free (text);
  }
}

/* rmw's enums (rmw/types.h), as metadata.yaml stores them up to version 8;
 * later versions write the names */
static const gchar *const history_names[] = { "system_default history",
  "keep_last", "keep_all", "unknown history", NULL
};

static const gchar *const reliability_names[] = {
  "system_default reliability", "reliable", "best_effort",
  "unknown reliability", "best_available reliability", NULL
};

static const gchar *const durability_names[] = {
  "system_default durability", "transient_local", "volatile",
  "unknown durability", "best_available durability", NULL
};

/* a policy of @profile by its name (integer or string), or NULL */
static gchar *
qos_policy (GVariant * profile, const gchar * key,
    const gchar * const *names, gint64 * number)
{
  GVariant *v = g_variant_lookup_value (profile, key, NULL);
  gchar *ret = NULL;

  if (v == NULL)
    return NULL;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64)) {
    gint64 x = g_variant_get_int64 (v);
    guint n = names ? g_strv_length ((gchar **) names) : 0;

    if (number)
      *number = x;
    if (x >= 0 && x < n)
      ret = g_strdup (names[x]);
    else
      ret = g_strdup_printf ("%s %" G_GINT64_FORMAT, key, x);
  } else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)) {
    ret = g_ascii_strdown (g_variant_get_string (v, NULL), -1);
  }
  g_variant_unref (v);
  return ret;
}

/* "reliable, transient_local, keep_last 10" */
static gchar *
qos_summary_one (GVariant * profile)
{
  GString *s = g_string_new (NULL);
  gchar *rel = qos_policy (profile, "reliability", reliability_names, NULL);
  gchar *dur = qos_policy (profile, "durability", durability_names, NULL);
  gchar *hist = qos_policy (profile, "history", history_names, NULL);
  gint64 depth = -1;
  gchar *d = qos_policy (profile, "depth", NULL, &depth);

  g_string_append (s, rel ? rel : "reliability ?");
  g_string_append_printf (s, ", %s", dur ? dur : "durability ?");
  g_string_append_printf (s, ", %s", hist ? hist : "history ?");
  if (hist && strcmp (hist, "keep_last") == 0 && depth >= 0)
    g_string_append_printf (s, " %" G_GINT64_FORMAT, depth);
  g_free (rel);
  g_free (dur);
  g_free (hist);
  g_free (d);
  return g_string_free (s, FALSE);
}

/* One line for every profile of a topic: the distinct summaries, each
 * with how many publishers offered it when more than one did; NULL
 * without profiles */
static gchar *
qos_summary (GVariant * profiles)
{
  GPtrArray *seen;
  GArray *counts;
  GString *s;
  gsize i, n;
  guint j;

  if (profiles == NULL || !g_variant_is_container (profiles)
      || (n = g_variant_n_children (profiles)) == 0)
    return NULL;
  seen = g_ptr_array_new_with_free_func (g_free);
  counts = g_array_new (FALSE, TRUE, sizeof (guint));
  for (i = 0; i < n; i++) {
    GVariant *p = g_variant_get_child_value (profiles, i);
    gchar *one = NULL;

    if (g_variant_is_of_type (p, G_VARIANT_TYPE_VARDICT))
      one = qos_summary_one (p);
    g_variant_unref (p);
    if (one == NULL)
      continue;
    for (j = 0; j < seen->len; j++)
      if (strcmp (g_ptr_array_index (seen, j), one) == 0)
        break;
    if (j == seen->len) {
      guint zero = 0;

      g_ptr_array_add (seen, one);
      g_array_append_val (counts, zero);
    } else {
      g_free (one);
    }
    g_array_index (counts, guint, j)++;
  }
  s = g_string_new (NULL);
  for (j = 0; j < seen->len; j++) {
    guint c = g_array_index (counts, guint, j);

    g_string_append_printf (s, "%s%s", j ? "; " : "",
        (const gchar *) g_ptr_array_index (seen, j));
    if (c > 1)
      g_string_append_printf (s, " (%u publishers)", c);
  }
  g_ptr_array_unref (seen);
  g_array_unref (counts);
  if (s->len == 0) {
    g_string_free (s, TRUE);
    return NULL;
  }
  return g_string_free (s, FALSE);
}

typedef enum
{
  DEF_FILE,                     /* in the recording */
  DEF_SEARCH_PATH,              /* found in --definitions */
  DEF_BUILTIN,                  /* found in the built-in set */
  DEF_NONE
} DefSource;

static GstRosbagDefinitions *definitions = NULL;

/* Where a topic's message definition comes from, as bagdemux and
 * rosmsgconvert look for one: the recording's, else (CDR topics) the
 * search path, else the built-in set */
static DefSource
topic_definition (const GstRosbagTopic * t, gchar ** where)
{
  gsize len = 0;
  const guint8 *def = gst_rosbag_topic_get_definition (t, &len);
  const gchar *type = gst_rosbag_topic_get_type (t);
  const gchar *menc = gst_rosbag_topic_get_message_encoding (t);
  const gchar *const *dirs;
  gchar *text;
  guint i;

  *where = NULL;
  if (def && len > 0)
    return DEF_FILE;
  if (!type || !*type || !menc || strcmp (menc, "cdr") != 0)
    return DEF_NONE;
  if (definitions == NULL)
    definitions = gst_rosbag_definitions_new (opt_definitions);
  text = gst_rosbag_definitions_lookup (definitions, type, NULL);
  if (text == NULL)
    return DEF_NONE;
  g_free (text);
  /* the root type's file in a directory of the path, or built in */
  dirs = gst_rosbag_definitions_get_search_path (definitions);
  {
    gchar **parts = g_strsplit (type, "/", -1);
    guint n = g_strv_length (parts);

    for (i = 0; dirs && dirs[i] && n >= 2; i++) {
      gchar *file = g_strconcat (parts[n - 1], ".msg", NULL);
      gchar *path = g_build_filename (dirs[i], parts[0], "msg", file, NULL);

      g_free (file);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
        *where = path;
        g_strfreev (parts);
        return DEF_SEARCH_PATH;
      }
      g_free (path);
    }
    g_strfreev (parts);
  }
  return DEF_BUILTIN;
}

static const gchar *
def_source_json (DefSource src)
{
  switch (src) {
    case DEF_FILE:
      return "file";
    case DEF_SEARCH_PATH:
    case DEF_BUILTIN:
      return "found";
    default:
      return "none";
  }
}

/* whether @path names a rosbag2 recording rather than one storage file */
static gboolean
is_rosbag2_recording (GstRosbagRecording * rec, const gchar * path)
{
  return gst_rosbag_recording_get_metadata_version (rec) > 0 ||
      gst_rosbag_recording_get_n_files (rec) > 1 ||
      gst_rosbag_recording_get_rosbag2_compression (rec, NULL, NULL) ||
      g_file_test (path, G_FILE_TEST_IS_DIR) ||
      g_str_has_suffix (path, ".yaml") || g_str_has_suffix (path, ".zstd");
}

static void
print_warnings (GstRosbagRecording * rec)
{
  const gchar *const *w = gst_rosbag_recording_get_warnings (rec);
  guint i;

  for (i = 0; w && w[i]; i++)
    g_printerr ("warning: %s\n", w[i]);
}

static int
print_info (GstRosbagRecording * rec, const gchar * path)
{
  GArray *stats = NULL;         /* owned by the recording */
  guint64 ctotal = 0, utotal = 0;
  GError *err = NULL;
  GString *s = g_string_new (NULL);
  guint i, j, n_topics = gst_rosbag_recording_get_n_topics (rec);
  guint64 start = gst_rosbag_recording_get_start_time (rec);
  guint64 end = gst_rosbag_recording_get_end_time (rec);
  guint64 nmsg = gst_rosbag_recording_get_message_count (rec);
  guint nch = gst_rosbag_recording_get_n_chunks (rec);
  gboolean is_mcap =
      gst_rosbag_recording_get_format (rec) == GST_ROSBAG_FORMAT_MCAP;
  const gchar *version = is_mcap ? "mcap" :
      str_or_empty (gst_rosbag_recording_get_version (rec));
  const gchar *const *metadata = gst_rosbag_recording_get_metadata_names (rec);
  const gchar *const *attachments =
      gst_rosbag_recording_get_attachment_names (rec);
  const gchar *report = gst_rosbag_recording_get_scan_report (rec);
  GPtrArray *types;
  gboolean indexed = gst_rosbag_recording_is_indexed (rec);
  gboolean any_compressed = FALSE;
  gdouble *freqs = NULL;
  gboolean is_bag =
      gst_rosbag_recording_get_format (rec) == GST_ROSBAG_FORMAT_BAG;
  gboolean rosbag2 = is_rosbag2_recording (rec, path);
  guint n_files = gst_rosbag_recording_get_n_files (rec);
  const gchar *storage = gst_rosbag_recording_get_storage_identifier (rec);
  const gchar *distro = gst_rosbag_recording_get_ros_distro (rec);
  const gchar *cformat = NULL, *cmode = NULL;
  gboolean r2compressed =
      gst_rosbag_recording_get_rosbag2_compression (rec, &cformat, &cmode);

  if (!is_mcap && version[0] == '\0')
    version = "2.0";
  if (end < start)
    end = start;
  /* as `rosbag info --freq`: 1 / the median interval, from the indexes */
  if (opt_freq && !gst_rosbag_recording_get_frequencies (rec, &freqs, &err)) {
    g_printerr ("gst-rosbag-info: %s\n", err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
    return 1;
  }
  if (!gst_rosbag_recording_get_compression_stats (rec, &stats, &err)) {
    g_free (freqs);
    g_printerr ("gst-rosbag-info: %s\n", err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
    return 1;
  }
  for (i = 0; i < stats->len; i++) {
    const GstRosbagCompressionStat *c = &g_array_index (stats,
        GstRosbagCompressionStat, i);

    ctotal += c->compressed_bytes;
    utotal += c->uncompressed_bytes;
    if (c->chunks > 0 && is_compressed (c->name))
      any_compressed = TRUE;
  }

  if (opt_json) {
    gboolean first = TRUE;

    g_string_append (s, "{\"path\": ");
    json_string (s, path);
    g_string_append (s, ", \"version\": ");
    json_string (s, version);
    if (is_mcap) {
      g_string_append (s, ", \"profile\": ");
      json_string (s, str_or_empty (gst_rosbag_recording_get_profile (rec)));
      g_string_append (s, ", \"library\": ");
      json_string (s, str_or_empty (gst_rosbag_recording_get_library (rec)));
    }
    g_string_append_printf (s, ", \"indexed\": %s", indexed ? "true" : "false");
    if (!indexed) {
      g_string_append (s, ", \"scan_report\": ");
      json_string (s, str_or_empty (report));
    }
    g_string_append_printf (s, ", \"size\": %" G_GUINT64_FORMAT
        ", \"start_ns\": %" G_GUINT64_FORMAT ", \"end_ns\": %" G_GUINT64_FORMAT
        ", \"duration_ns\": %" G_GUINT64_FORMAT ", \"messages\": %"
        G_GUINT64_FORMAT ", \"chunks\": %u, \"compression\": {",
        gst_rosbag_recording_get_file_size (rec), start, end, end - start,
        nmsg, nch);
    for (i = 0; i < stats->len; i++) {
      const GstRosbagCompressionStat *c = &g_array_index (stats,
          GstRosbagCompressionStat, i);

      if (c->chunks == 0)
        continue;
      g_string_append (s, first ? "" : ", ");
      json_string (s, str_or_empty (c->name));
      g_string_append_printf (s, ": %u", c->chunks);
      first = FALSE;
    }
    g_string_append_printf (s, "}, \"uncompressed_size\": %" G_GUINT64_FORMAT
        ", \"compressed_size\": %" G_GUINT64_FORMAT, utotal, ctotal);
    json_names (s, "metadata", metadata);
    json_names (s, "attachments", attachments);
    /* rosbag2: the storage files and what metadata.yaml says */
    g_string_append (s, ", \"files\": [");
    for (i = 0; i < n_files; i++) {
      g_string_append (s, i ? ", " : "");
      json_string (s, str_or_empty (gst_rosbag_recording_get_file (rec, i)));
    }
    g_string_append_printf (s, "], \"metadata_version\": %u, "
        "\"storage_identifier\": ",
        gst_rosbag_recording_get_metadata_version (rec));
    json_string_or_null (s, storage);
    g_string_append (s, ", \"ros_distro\": ");
    json_string_or_null (s, distro);
    g_string_append (s, ", \"rosbag2_compression\": ");
    if (r2compressed) {
      g_string_append (s, "{\"format\": ");
      json_string (s, str_or_empty (cformat));
      g_string_append (s, ", \"mode\": ");
      json_string (s, str_or_empty (cmode));
      g_string_append_c (s, '}');
    } else {
      g_string_append (s, "null");
    }
    json_names (s, "warnings", gst_rosbag_recording_get_warnings (rec));
    g_string_append (s, ", \"topics\": [");
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
      const gchar *md5 = gst_rosbag_topic_get_md5sum (t);
      guint nchan = gst_rosbag_topic_get_n_channels (t);

      g_string_append (s, i ? ", {\"topic\": " : "{\"topic\": ");
      json_string (s, gst_rosbag_topic_get_name (t));
      g_string_append (s, ", \"type\": ");
      json_string (s, str_or_empty (gst_rosbag_topic_get_type (t)));
      g_string_append (s, ", \"md5sum\": ");
      json_string_or_null (s, md5);
      g_string_append (s, ", \"schema_encoding\": ");
      json_string (s, str_or_empty (gst_rosbag_topic_get_schema_encoding (t)));
      g_string_append (s, ", \"message_encoding\": ");
      json_string (s, str_or_empty (gst_rosbag_topic_get_message_encoding (t)));
      g_string_append_printf (s, ", \"messages\": %" G_GUINT64_FORMAT
          ", \"connections\": %u", gst_rosbag_topic_get_message_count (t),
          nchan);
      if (freqs)
        g_string_append_printf (s, ", \"frequency_hz\": %.6g", freqs[i]);
      g_string_append_printf (s, ", \"latching\": %s, \"callerids\": [",
          gst_rosbag_topic_is_latching (t) ? "true" : "false");
      for (j = 0; j < nchan; j++) {
        if (j)
          g_string_append (s, ", ");
        json_string (s,
            str_or_empty (gst_rosbag_topic_get_channel_callerid (t, j)));
      }
      g_string_append (s, "], \"qos_profiles\": ");
      {
        GVariant *qos = gst_rosbag_topic_get_qos_profiles (t);
        gchar *where = NULL;
        DefSource src = topic_definition (t, &where);

        if (qos)
          json_variant (s, qos);
        else
          g_string_append (s, "null");
        g_string_append (s, ", \"definition\": ");
        json_string (s, def_source_json (src));
        g_free (where);
      }
      g_string_append (s, "}");
    }
    g_string_append (s, "]}\n");
    fputs (s->str, stdout);
    g_string_free (s, TRUE);
    g_free (freqs);
    return 0;
  }

  {
    gchar *sz = format_size (gst_rosbag_recording_get_file_size (rec));
    guint max_topic = 0, max_type = 0;

    g_string_append_printf (s, "path:        %s\n", path);
    g_string_append_printf (s, "version:     %s\n", version);
    if (is_mcap) {
      g_string_append_printf (s, "profile:     %s\n",
          str_or_empty (gst_rosbag_recording_get_profile (rec)));
      g_string_append_printf (s, "library:     %s\n",
          str_or_empty (gst_rosbag_recording_get_library (rec)));
    }
    if (!indexed)
      g_string_append_printf (s, "indexed:     no (%s)\n",
          str_or_empty (report));
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

      for (i = 0; i < stats->len; i++) {
        const GstRosbagCompressionStat *c = &g_array_index (stats,
            GstRosbagCompressionStat, i);

        if (c->chunks == 0)
          continue;
        g_string_append_printf (s, "%s%s [%u/%u chunks]", first ? "" :
            ", ", str_or_empty (c->name), c->chunks, nch);
        first = FALSE;
      }
      if (first)
        g_string_append (s, "none [0 chunks]");
      if (utotal > 0 && any_compressed)
        g_string_append_printf (s, "; %.1f%% of %.1f MB uncompressed",
            100.0 * ctotal / utotal, utotal / (1024.0 * 1024.0));
      g_string_append_c (s, '\n');
    }
    text_names (s, "metadata:", metadata);
    text_names (s, "attachments:", attachments);
    if (rosbag2) {
      guint version = gst_rosbag_recording_get_metadata_version (rec);

      if (version > 0)
        g_string_append_printf (s, "rosbag2:     metadata.yaml version %u\n",
            version);
      else
        g_string_append (s, "rosbag2:     no metadata.yaml\n");
      g_string_append_printf (s, "storage:     %s\n", storage ? storage :
          "unknown");
      if (distro && *distro)
        g_string_append_printf (s, "ros distro:  %s\n", distro);
      if (r2compressed)
        g_string_append_printf (s, "compressed:  %s, mode %s\n",
            str_or_empty (cformat), str_or_empty (cmode));
      for (i = 0; i < n_files; i++)
        g_string_append_printf (s, "%s%s\n", i ? "             " :
            "files:       ",
            str_or_empty (gst_rosbag_recording_get_file (rec, i)));
    }

    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);

      max_topic = MAX (max_topic, strlen (gst_rosbag_topic_get_name (t)));
      max_type = MAX (max_type,
          strlen (str_or_empty (gst_rosbag_topic_get_type (t))));
    }
    /* types, each once, with their md5sum (ROS 1) or schema encoding */
    types = g_ptr_array_new ();
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
      const gchar *type = str_or_empty (gst_rosbag_topic_get_type (t));
      gboolean seen = FALSE;

      for (j = 0; j < types->len; j++)
        seen |= strcmp (str_or_empty (gst_rosbag_topic_get_type
                (g_ptr_array_index (types, j))), type) == 0;
      if (!seen && type[0])
        g_ptr_array_add (types, (gpointer) t);
    }
    for (i = 0; i < types->len; i++) {
      const GstRosbagTopic *t = g_ptr_array_index (types, i);
      const gchar *md5 = gst_rosbag_topic_get_md5sum (t);

      g_string_append_printf (s, "%s%-*s [%s]\n", i ? "             " :
          "types:       ", max_type, gst_rosbag_topic_get_type (t),
          md5 ? md5 : str_or_empty (gst_rosbag_topic_get_schema_encoding (t)));
    }
    g_ptr_array_unref (types);
    for (i = 0; i < n_topics; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
      guint nchan = gst_rosbag_topic_get_n_channels (t);
      guint64 count = gst_rosbag_topic_get_message_count (t);
      const gchar *menc = gst_rosbag_topic_get_message_encoding (t);
      const gchar *type = str_or_empty (gst_rosbag_topic_get_type (t));
      gchar *extra, *enc;

      /* (split files of a rosbag2 recording have a channel each: not
       * worth saying) */
      if (nchan > 1 && !(rosbag2 && n_files > 1))
        extra = g_strdup_printf (" (%u %s)", nchan,
            is_mcap ? "channels" : "connections");
      else
        extra = g_strdup ("");
      /* a bag's topics are all ros1: said for MCAP channels and rosbag2
       * topics (their serialization format) only */
      enc = !is_bag ? g_strdup_printf (" [%s]", str_or_empty (menc)) :
          g_strdup ("");
      g_string_append_printf (s, "%s%-*s %6" G_GUINT64_FORMAT " msg%s",
          i ? "             " : "topics:      ", max_topic,
          gst_rosbag_topic_get_name (t), count, count == 1 ? " " : "s");
      if (freqs && freqs[i] > 0) {
        g_string_append (s, " @ ");
        format_frequency (s, freqs[i]);
      }
      g_string_append_printf (s, " : %s%s%s%s\n", type[0] ? type :
          "(no schema)", enc, extra,
          gst_rosbag_topic_is_latching (t) ? " (latched)" : "");
      g_free (extra);
      g_free (enc);
      {
        gchar *qos = qos_summary (gst_rosbag_topic_get_qos_profiles (t));
        gchar *where = NULL;
        DefSource src = is_bag ? DEF_FILE : topic_definition (t, &where);

        if (qos)
          g_string_append_printf (s, "%14s qos: %s\n", "", qos);
        g_free (qos);
        if (src == DEF_SEARCH_PATH)
          g_string_append_printf (s, "%14s definition: found in %s\n",
              "", where);
        else if (src == DEF_BUILTIN)
          g_string_append_printf (s,
              "%14s definition: found in the built-in set\n", "");
        else if (src == DEF_NONE && type[0] && menc && strcmp (menc, "cdr")
            == 0)
          g_string_append_printf (s, "%14s definition: none \xe2\x80\x94 stays "
              "raw bytes\n", "");
        g_free (where);
      }
    }
    fputs (s->str, stdout);
    g_string_free (s, TRUE);
  }
  g_free (freqs);
  return 0;
}

/* The tool reads indexes, not messages: a file read by pread() into
 * buffers freed after use, not mapped, so the chunk headers read across a
 * big bag do not stay in its RSS as mapped file pages. */
typedef struct
{
  gint fd;
  gchar *path;
  guint64 size;
} File;

static void
file_free (File * f)
{
  close (f->fd);
  g_free (f->path);
  g_free (f);
}

static GBytes *
file_read (gpointer user_data, guint64 offset, gsize size, GError ** error)
{
  File *f = user_data;
  guint8 *buf;
  gsize got = 0;

  /* never more than the file holds, whatever a header claims */
  if (offset >= f->size)
    return g_bytes_new (NULL, 0);
  size = MIN (size, f->size - offset);
  buf = g_malloc (size ? size : 1);

  while (got < size) {
    gssize n = pread (f->fd, buf + got, size - got, offset + got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
          "%s: reading %" G_GSIZE_FORMAT " bytes at %" G_GUINT64_FORMAT
          ": %s", f->path, size, offset, g_strerror (errno));
      g_free (buf);
      return NULL;
    }
    if (n == 0)
      break;
    got += n;
  }
  return g_bytes_new_take (g_realloc (buf, got ? got : 1), got);
}

static GstRosbagRecording *
open_recording (const gchar * path, GError ** error)
{
  GStatBuf st;
  File *f;

  /* directories, metadata.yaml and .zstd files: the library's own way */
  if (g_str_has_suffix (path, ".zstd") || g_str_has_suffix (path, ".yaml")
      || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return gst_rosbag_recording_open (path, error);
  f = g_new0 (File, 1);
  f->fd = g_open (path, O_RDONLY, 0);
  if (f->fd < 0) {
    g_free (f);
    return gst_rosbag_recording_open (path, error);
  }
  f->path = g_strdup (path);
  f->size = st.st_size;
  return gst_rosbag_recording_open_with_func (file_read, f,
      (GDestroyNotify) file_free, st.st_size, path, error);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  int ret = 0;
  guint i;

  ctx = g_option_context_new ("FILE... - summarise ROS 1 bags, MCAP "
      "files and rosbag2 recordings (a directory, its metadata.yaml, a .db3 "
      "or .zstd file)");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
      "Reads only the index of each file (a bag's index, an MCAP file's"
      " summary), so it\nanswers at once for any size; a file without one"
      " (a killed recording) is\nscanned and what was recovered is shown.");
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
    g_printerr ("gst-rosbag-info: no file given (try --help)\n");
    return 2;
  }
  for (i = 0; opt_files[i]; i++) {
    GstRosbagRecording *rec = open_recording (opt_files[i], &err);

    if (!rec) {
      /* one line, naming the file (the library's message usually does) */
      gchar *msg = g_strdelimit (g_strdup (err->message), "\r\n", ' ');

      if (strstr (msg, opt_files[i]))
        g_printerr ("gst-rosbag-info: %s\n", msg);
      else
        g_printerr ("gst-rosbag-info: %s: %s\n", opt_files[i], msg);
      g_free (msg);
      g_clear_error (&err);
      ret = 1;
      continue;
    }
    if (i > 0 && !opt_json && !opt_messages)
      g_print ("\n");
    print_warnings (rec);
    if (opt_messages)
      ret |= print_messages (rec);
    else
      ret |= print_info (rec, opt_files[i]);
    gst_rosbag_recording_unref (rec);
    if (ferror (stdout))
      break;
  }
  /* what was printed must have been written */
  if (fflush (stdout) != 0 || ferror (stdout)) {
    g_printerr ("gst-rosbag-info: cannot write the output: %s\n",
        g_strerror (errno ? errno : EIO));
    ret = 1;
  }
  g_strfreev (opt_files);
  g_free (opt_topics);
  g_free (opt_definitions);
  g_clear_pointer (&definitions, gst_rosbag_definitions_unref);
  return ret;
}
