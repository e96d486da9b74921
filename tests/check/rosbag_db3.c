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

/* rosbag2 sqlite3 files (.db3) as recordings: every .db3 under
 * ../shared/mcap/real against the sqlite3 CLI (topics, counts, every
 * message with its payload, in order), through a path, through memory,
 * with a tiny cache; damaged copies; bagsrc playing one; push mode
 * refusing one. Skips, saying so, without the folder or the CLI. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

#define REAL_DIR TEST_MCAP_DIR "/real"

static GPtrArray *files;
static gchar *cli;

static void
find_db3 (const gchar * dir, GPtrArray * out)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *n;

  if (!d)
    return;
  while ((n = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, n, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      find_db3 (p, out);
    else if (g_str_has_suffix (n, ".db3")) {
      g_ptr_array_add (out, p);
      continue;
    }
    g_free (p);
  }
  g_dir_close (d);
}

static gint
str_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* the lines the sqlite3 CLI prints for @sql, columns tab-separated */
static GPtrArray *
cli_lines (const gchar * path, const gchar * sql)
{
  /* immutable: the CLI would otherwise leave -wal and -shm files beside
   * a WAL-mode database (in ../shared) */
  gchar *uri = g_strdup_printf ("file:%s?immutable=1", path);
  const gchar *argv[] = { cli, "-readonly", "-separator", "\t", uri, sql,
    NULL
  };
  gchar *out = NULL, *err = NULL, **lines, **l;
  gint status = 0;
  GPtrArray *arr = g_ptr_array_new_with_free_func (g_free);

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL,
          &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "sqlite3 %s: %s",
      path, err);
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++)
    if (**l)
      g_ptr_array_add (arr, g_strdup (*l));
  g_strfreev (lines);
  g_free (out);
  g_free (err);
  g_free (uri);
  return arr;
}

static gchar *
hex (const guint8 * d, gsize n)
{
  GString *s = g_string_sized_new (n * 2 + 1);
  gsize i;

  for (i = 0; i < n; i++)
    g_string_append_printf (s, "%02X", d[i]);
  return g_string_free (s, FALSE);
}

/* "topic\ttimestamp\tHEX" of every message, at most @max reads; errors
 * counted in @errors (may be NULL: then none allowed) */
static GPtrArray *
our_lines (GstRosbagRecording * rec, gsize cache, guint prefetch,
    guint max, guint * errors)
{
  GstRosbagReader *r = gst_rosbag_reader_new (rec);
  GPtrArray *arr = g_ptr_array_new_with_free_func (g_free);
  GstRosbagMessage msg;
  GstRosbagReadResult res;
  guint calls = 0;

  if (cache)
    gst_rosbag_reader_set_cache_size (r, cache);
  gst_rosbag_reader_set_prefetch (r, prefetch);
  while (calls++ < max) {
    GError *err = NULL;

    res = gst_rosbag_reader_next (r, &msg, &err);
    if (res == GST_ROSBAG_READ_EOS)
      break;
    if (res == GST_ROSBAG_READ_ERROR) {
      fail_unless (errors != NULL, "%s", err ? err->message : "?");
      fail_unless (err != NULL);
      (*errors)++;
      g_clear_error (&err);
      continue;
    }
    {
      gchar *h = hex (msg.data, msg.size);

      g_ptr_array_add (arr, g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%s",
              gst_rosbag_topic_get_name (msg.topic), msg.time_ns, h));
      g_free (h);
    }
  }
  gst_rosbag_reader_free (r);
  return arr;
}

static void
assert_same_lines (GPtrArray * ours, GPtrArray * ref, const gchar * what)
{
  guint i;

  fail_unless_equals_int (ours->len, ref->len);
  for (i = 0; i < ref->len; i++)
    fail_unless (!strcmp (g_ptr_array_index (ours, i),
            g_ptr_array_index (ref, i)), "%s: message %u:\n%.200s\nvs\n%.200s",
        what, i, (gchar *) g_ptr_array_index (ours, i),
        (gchar *) g_ptr_array_index (ref, i));
}

/* rosbag2's MESSAGE mode: every blob one zstd frame. The reference lines
 * get them decompressed by the zstd CLI, one process per message. */
static void
ref_unzstd (GPtrArray * lines)
{
  guint i;

  for (i = 0; i < lines->len; i++) {
    gchar *line = g_ptr_array_index (lines, i);
    gchar *tab = strrchr (line, '\t');
    GSubprocess *p;
    GBytes *in, *out = NULL;
    GError *err = NULL;
    gsize n, k;
    guint8 *bin;
    gchar *h;

    if (!tab || !g_str_has_prefix (tab + 1, "28B52FFD"))
      continue;
    n = strlen (tab + 1) / 2;
    bin = g_malloc (n);
    for (k = 0; k < n; k++)
      bin[k] = g_ascii_xdigit_value (tab[1 + 2 * k]) * 16
          + g_ascii_xdigit_value (tab[2 + 2 * k]);
    in = g_bytes_new_take (bin, n);
    p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
        G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, "zstd", "-d", "-c", "-q", NULL);
    fail_unless (p != NULL, "zstd: %s", err ? err->message : "?");
    fail_unless (g_subprocess_communicate (p, in, NULL, &out, NULL, &err),
        "zstd: %s", err ? err->message : "?");
    fail_unless (g_subprocess_get_successful (p), "zstd -d failed");
    h = hex (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
    *tab = '\0';
    g_ptr_array_index (lines, i) = g_strdup_printf ("%s\t%s", line, h);
    g_free (line);
    g_free (h);
    g_bytes_unref (in);
    g_bytes_unref (out);
    g_object_unref (p);
  }
}

#define MESSAGES_SQL "select t.name, m.timestamp, hex(m.data) from messages m" \
  " join topics t on t.id = m.topic_id order by m.timestamp, m.id"

GST_START_TEST (test_db3_file)
{
  const gchar *path = g_ptr_array_index (files, __i__);
  GError *err = NULL;
  GstRosbagRecording *rec;
  GPtrArray *ref, *ours, *topics;
  GBytes *bytes;
  gchar *contents;
  gsize len;
  guint i;
  gdouble *hz = NULL;

  if (!cli) {
    g_print ("SKIP: no sqlite3 CLI: %s not compared\n", path);
    return;
  }
  rec = gst_rosbag_recording_open (path, &err);
  fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "?");
  fail_unless_equals_int (gst_rosbag_recording_get_format (rec),
      GST_ROSBAG_FORMAT_DB3);
  fail_unless_equals_string (gst_rosbag_recording_get_version (rec),
      "rosbag2-sqlite3");
  fail_unless (gst_rosbag_recording_is_indexed (rec));

  /* topics: name, type, count, as the tables say */
  topics = cli_lines (path, "select t.name, min(t.type), count(m.id) from"
      " topics t left join messages m on m.topic_id = t.id group by t.name"
      " order by t.name");
  fail_unless_equals_int (gst_rosbag_recording_get_n_topics (rec), topics->len);
  for (i = 0; i < topics->len; i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
    gchar *line = g_strdup_printf ("%s\t%s\t%" G_GUINT64_FORMAT,
        gst_rosbag_topic_get_name (t), gst_rosbag_topic_get_type (t),
        gst_rosbag_topic_get_message_count (t));

    fail_unless_equals_string (line, g_ptr_array_index (topics, i));
    fail_unless_equals_string (gst_rosbag_topic_get_message_encoding (t),
        "cdr");
    g_free (line);
  }
  g_ptr_array_unref (topics);

  /* Iron on: the definitions of message_definitions, by type */
  topics = cli_lines (path, "select count(*) from sqlite_master where"
      " name = 'message_definitions'");
  if (!strcmp (g_ptr_array_index (topics, 0), "1")) {
    g_ptr_array_unref (topics);
    topics = cli_lines (path, "select t.name, coalesce((select d.encoding"
        " || '\t' || length(d.encoded_message_definition) from"
        " message_definitions d where d.topic_type = t.type order by d.id"
        " limit 1), 'ros2msg\t0') from topics t group by t.name"
        " order by t.name");
    for (i = 0; i < topics->len; i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
      gsize dlen;
      gchar *line;

      gst_rosbag_topic_get_definition (t, &dlen);
      line = g_strdup_printf ("%s\t%s\t%" G_GSIZE_FORMAT,
          gst_rosbag_topic_get_name (t),
          gst_rosbag_topic_get_schema_encoding (t), dlen);
      fail_unless_equals_string (line, g_ptr_array_index (topics, i));
      g_free (line);
    }
  }
  g_ptr_array_unref (topics);
  fail_unless (gst_rosbag_recording_get_frequencies (rec, &hz, &err));
  g_free (hz);

  ref = cli_lines (path, MESSAGES_SQL);
  ref_unzstd (ref);
  fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
      ref->len);
  ours = our_lines (rec, 0, 0, G_MAXUINT, NULL);
  assert_same_lines (ours, ref, path);
  g_ptr_array_unref (ours);
  /* a cache smaller than any block, and prefetch workers */
  ours = our_lines (rec, 1, 0, G_MAXUINT, NULL);
  assert_same_lines (ours, ref, "tiny cache");
  g_ptr_array_unref (ours);
  ours = our_lines (rec, 1, 3, G_MAXUINT, NULL);
  assert_same_lines (ours, ref, "tiny cache, prefetch");
  g_ptr_array_unref (ours);
  gst_rosbag_recording_unref (rec);

  /* through the read callback over memory */
  fail_unless (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (contents, len);
  rec = gst_rosbag_recording_open_bytes (bytes, path, &err);
  fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "?");
  ours = our_lines (rec, 0, 2, G_MAXUINT, NULL);
  assert_same_lines (ours, ref, "from memory");
  g_ptr_array_unref (ours);
  gst_rosbag_recording_unref (rec);
  g_bytes_unref (bytes);

  g_print ("%s: %u messages match the sqlite3 CLI\n", path, ref->len);
  g_ptr_array_unref (ref);
}

GST_END_TEST;

/* whatever it gives, damaged: an error or some messages, never a crash */
static void
open_damaged (GBytes * b, const gchar * what)
{
  GError *err = NULL;
  GstRosbagRecording *rec = gst_rosbag_recording_open_bytes (b, what, &err);
  guint errors = 0;
  GPtrArray *ours;
  gdouble *hz = NULL;

  if (!rec) {
    fail_unless (err != NULL && err->domain == GST_ROSBAG_ERROR, "%s", what);
    g_clear_error (&err);
    return;
  }
  if (!gst_rosbag_recording_get_frequencies (rec, &hz, &err))
    g_clear_error (&err);
  g_free (hz);
  ours = our_lines (rec, 1, 0, 100000, &errors);
  g_ptr_array_unref (ours);
  gst_rosbag_recording_unref (rec);
}

GST_START_TEST (test_db3_damaged)
{
  guint f, k;
  guint n_cases = 0;

  for (f = 0; f < files->len; f++) {
    const gchar *path = g_ptr_array_index (files, f);
    gchar *contents;
    gsize len;
    GRand *rand = g_rand_new_with_seed (f + 1);

    fail_unless (g_file_get_contents (path, &contents, &len, NULL));
    /* truncated: in the header, in the first pages, before the end */
    {
      gsize cuts[] = { 0, 10, 16, 99, 100, 512, 1024, 4096, 4097, len / 3,
        len / 2, len - 4096, len - 1
      };

      for (k = 0; k < G_N_ELEMENTS (cuts); k++) {
        GBytes *b;

        if (cuts[k] >= len)
          continue;
        b = g_bytes_new (contents, cuts[k]);
        open_damaged (b, "truncated");
        g_bytes_unref (b);
        n_cases++;
      }
    }
    /* patched: runs of random bytes anywhere, and in page headers */
    for (k = 0; k < 40; k++) {
      guint8 *copy = g_memdup2 (contents, len);
      guint j, runs = 1 + k % 4;
      GBytes *b;

      for (j = 0; j < runs; j++) {
        gsize at = k < 20 ? (gsize) g_rand_int_range (rand, 0, len) :
            (g_rand_int_range (rand, 0, MAX (len / 4096, 1)) * 4096 +
            (k % 2 ? 0 : 100)) % len;
        gsize n = MIN ((gsize) g_rand_int_range (rand, 1, 16), len - at);
        gsize x;

        for (x = 0; x < n; x++)
          copy[at + x] = g_rand_int (rand);
      }
      b = g_bytes_new_take (copy, len);
      open_damaged (b, "patched");
      g_bytes_unref (b);
      n_cases++;
    }
    g_rand_free (rand);
    g_free (contents);
  }
  g_print ("%u damaged copies of %u files: errors or messages, no crash\n",
      n_cases, files->len);
}

GST_END_TEST;

/* an sqlite3 database that is no rosbag2 recording */
GST_START_TEST (test_db3_not_rosbag2)
{
  gchar *dir = g_dir_make_tmp ("db3-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "other.db3", NULL);
  const gchar *argv[] = { cli, path, "create table foo (x integer);", NULL };
  gint status = 0;
  GError *err = NULL;
  GstRosbagRecording *rec;

  if (!cli) {
    g_print ("SKIP: no sqlite3 CLI\n");
    goto done;
  }
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
  rec = gst_rosbag_recording_open (path, &err);
  fail_unless (rec == NULL);
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_UNSUPPORTED));
  fail_unless (strstr (err->message, "'topics'") != NULL, "%s", err->message);
  g_clear_error (&err);
  g_unlink (path);
done:
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  /* (bagsrc pushes lists of small messages) */
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    *(guint *) data +=
        gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  else
    (*(guint *) data)++;
  return GST_PAD_PROBE_OK;
}

/* runs @desc (a sink named sink) to EOS or error; the sink's buffers */
static gboolean
run (const gchar * desc, guint * n_buffers, gchar ** error_text)
{
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;
  gboolean eos;

  *n_buffers = 0;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_buffer, n_buffers, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: no EOS nor error", desc);
  eos = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (!eos && error_text) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    *error_text = g_strdup_printf ("%s (%s)", err->message, dbg);
    g_clear_error (&err);
    g_free (dbg);
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  return eos;
}

GST_START_TEST (test_db3_bagsrc)
{
  guint f, i, played = 0;

  for (f = 0; f < files->len; f++) {
    const gchar *path = g_ptr_array_index (files, f);
    GError *err = NULL;
    GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);
    gchar *desc, *text = NULL;
    guint n;

    fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "?");
    for (i = 0; i < gst_rosbag_recording_get_n_topics (rec); i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);

      if (gst_rosbag_topic_get_message_count (t) == 0)
        continue;
      desc = g_strdup_printf ("bagsrc location=\"%s\" topics=\"%s\" raw=true"
          " ! fakesink name=sink", path, gst_rosbag_topic_get_name (t));
      fail_unless (run (desc, &n, NULL), "%s", desc);
      fail_unless_equals_uint64 (n, gst_rosbag_topic_get_message_count (t));
      g_free (desc);
      /* bagdemux in pull mode: through the recording too */
      desc = g_strdup_printf ("filesrc location=\"%s\" ! bagdemux"
          " topics=\"%s\" raw=true ! fakesink name=sink", path,
          gst_rosbag_topic_get_name (t));
      fail_unless (run (desc, &n, NULL), "%s", desc);
      fail_unless_equals_uint64 (n, gst_rosbag_topic_get_message_count (t));
      g_free (desc);
      played++;
    }
    gst_rosbag_recording_unref (rec);

    /* push mode needs the stream parser: a clear error */
    desc = g_strdup_printf ("filesrc location=\"%s\" ! queue ! bagdemux"
        " ! fakesink name=sink", path);
    fail_if (run (desc, &n, &text), "%s", desc);
    fail_unless (text && strstr (text, "seekable"), "%s: %s", desc, text);
    g_free (text);
    g_free (desc);
  }
  g_print ("bagsrc and bagdemux (pull) played %u topics of %u .db3 files\n",
      played, files->len);
}

GST_END_TEST;

GST_START_TEST (test_no_db3)
{
  g_print ("SKIP: no .db3 files under %s: none tested\n", REAL_DIR);
}

GST_END_TEST;

/* copies of a real file without the timestamp index (as Dashing wrote
 * them): ids in time order (read by id ranges), and ids against time
 * order (sqlite sorts once at open); compared like the others */
static void
add_derived (GPtrArray * out)
{
  const gchar *src = REAL_DIR
      "/PlotJuggler_PlotJuggler__datasamples/rosbag2_test/rosbag2_test_0.db3";
  const gchar *sql[] = {
    "drop index timestamp_idx;",
    "drop index timestamp_idx; update messages set id = 1000000 - id;",
  };
  const gchar *names[] = { "noindex-ordered.db3", "noindex-shuffled.db3" };
  gchar *dir = g_build_filename (TEST_BUILD_DIR, "db3-derived", NULL);
  gchar *data;
  gsize len;
  guint i;

  if (!cli || !g_file_get_contents (src, &data, &len, NULL)) {
    g_free (dir);
    return;
  }
  g_mkdir_with_parents (dir, 0755);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *p = g_build_filename (dir, names[i], NULL);
    const gchar *argv[] = { cli, p, sql[i], NULL };
    gint status = 1;

    if (g_file_set_contents (p, data, len, NULL)
        && g_spawn_sync (NULL, (gchar **) argv, NULL,
            G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
        && g_spawn_check_wait_status (status, NULL))
      g_ptr_array_add (out, p);
    else
      g_free (p);
  }
  g_free (data);
  g_free (dir);
}

static Suite *
rosbag_db3_suite (void)
{
  Suite *s = suite_create ("rosbag_db3");
  TCase *tc = tcase_create ("general");

  cli = g_find_program_in_path ("sqlite3");
  files = g_ptr_array_new_with_free_func (g_free);
  find_db3 (REAL_DIR, files);
  g_ptr_array_sort (files, str_cmp);
  if (files->len > 0)
    add_derived (files);
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_db3_not_rosbag2);
  if (files->len == 0) {
    tcase_add_test (tc, test_no_db3);
  } else {
    tcase_add_loop_test (tc, test_db3_file, 0, files->len);
    tcase_add_test (tc, test_db3_damaged);
    tcase_add_test (tc, test_db3_bagsrc);
  }
  return s;
}

GST_CHECK_MAIN (rosbag_db3);
