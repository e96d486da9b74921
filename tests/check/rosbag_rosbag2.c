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

/* rosbag2 directories through the library: metadata.yaml versions, split
 * files merged, missing, unreadable and contradicting files, directories
 * without metadata.yaml, FILE and MESSAGE compression, hostile YAML.
 *
 * The merged stream of a directory is checked against its files read one
 * by one (each verified against the sqlite3 CLI and @mcap/core by
 * rosbag_db3 and mcap_reference) merged here by (time, file order); the
 * directories themselves come from ../shared/mcap/real (skipped, saying
 * so, when absent), from tests/files and from temporary directories built
 * of links to those files and hand-written metadata. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include "rosbag-test-util.h"

#define REAL TEST_MCAP_DIR "/real"
#define REINDEX REAL "/ros2_rosbag2-humble__rosbag2_tests__resources__reindex_test_bags"
#define WBAG_DB3 REAL "/ros2_rosbag2__rosbag2_py__test__resources__sqlite3__wbag"
#define WBAG_MCAP REAL "/ros2_rosbag2__rosbag2_py__test__resources__mcap__wbag"
#define HUMBLE_CDR REAL "/ros2_rosbag2-humble__rosbag2_tests__resources__cdr_test"
#define TYPES_MCAP TEST_FILES_DIR "/mcap/ros2-types.mcap"
#define IMAGES_MCAP TEST_FILES_DIR "/mcap/ros2-images.mcap"

static gboolean
have_shared (void)
{
  if (g_file_test (REAL, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_print ("SKIP: %s is absent: the real rosbag2 recordings are not"
      " checked\n", REAL);
  return FALSE;
}

/* a new empty directory under a private temporary one */
static gchar *
tmp_dir (void)
{
  GError *err = NULL;
  gchar *d = g_dir_make_tmp ("rosbag2-test-XXXXXX", &err);

  fail_unless (d != NULL, "%s", err ? err->message : "?");
  return d;
}

static void
rm_rf (const gchar * path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const gchar *n;

  if (d) {
    while ((n = g_dir_read_name (d))) {
      gchar *p = g_build_filename (path, n, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR)
          && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        rm_rf (p);
      else
        g_unlink (p);
      g_free (p);
    }
    g_dir_close (d);
  }
  g_rmdir (path);
}

static void
link_into (const gchar * dir, const gchar * target, const gchar * name)
{
  gchar *p = g_build_filename (dir, name, NULL);

  fail_unless (symlink (target, p) == 0, "symlink %s", p);
  g_free (p);
}

static void
write_file (const gchar * dir, const gchar * name, const gchar * text)
{
  gchar *p = g_build_filename (dir, name, NULL);

  fail_unless (g_file_set_contents (p, text, -1, NULL));
  g_free (p);
}

static void
run (const gchar * const *argv)
{
  gint status;
  gchar *err = NULL;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
          &err, &status, NULL), "%s", argv[0]);
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s: %s", argv[0],
      err);
  g_free (err);
}

/* files of ours in the temporary directory */
static guint
count_temporary (void)
{
  GDir *d = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const gchar *n;
  guint k = 0;

  fail_unless (d != NULL);
  while ((n = g_dir_read_name (d)))
    if (g_str_has_prefix (n, "gst-rosbag-"))
      k++;
  g_dir_close (d);
  return k;
}

/* every message as msg_line(), read by a fresh reader */
static GPtrArray *
read_all (GstRosbagRecording * rec, const gchar * topics, guint * errors)
{
  GstRosbagReader *r = gst_rosbag_reader_new (rec);
  OurStream *s;
  GPtrArray *lines;

  if (topics) {
    gchar **p = gst_rosbag_topic_patterns_parse (topics);

    gst_rosbag_reader_set_topics (r, (const gchar * const *) p);
    g_strfreev (p);
  }
  s = our_read (r, 10000000);
  fail_unless (s->bounded);
  if (errors)
    *errors = s->errors;
  else
    fail_unless_equals_int (s->errors, 0);
  lines = s->lines;
  g_array_free (s->chunk_pos, TRUE);
  g_free (s);
  gst_rosbag_reader_free (r);
  return lines;
}

typedef struct
{
  guint64 time;
  guint file, k;
  gchar *line;
} Keyed;

static gint
keyed_cmp (gconstpointer a, gconstpointer b)
{
  const Keyed *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->file != y->file)
    return x->file < y->file ? -1 : 1;
  return x->k < y->k ? -1 : x->k > y->k;
}

/* the files of @paths opened alone, their messages merged by (time, file
 * order) */
static GPtrArray *
expected_merge (const gchar * const *paths, const gchar * topics)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (Keyed));
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  guint f, k;

  for (f = 0; paths[f]; f++) {
    GError *err = NULL;
    GstRosbagRecording *rec = gst_rosbag_recording_open (paths[f], &err);
    GPtrArray *lines;

    fail_unless (rec != NULL, "%s: %s", paths[f], err ? err->message : "?");
    lines = read_all (rec, topics, NULL);
    for (k = 0; k < lines->len; k++) {
      Keyed e = { line_time (g_ptr_array_index (lines, k)), f, k,
        g_strdup (g_ptr_array_index (lines, k))
      };
      g_array_append_val (all, e);
    }
    g_ptr_array_unref (lines);
    gst_rosbag_recording_unref (rec);
  }
  g_array_sort (all, keyed_cmp);
  for (k = 0; k < all->len; k++)
    g_ptr_array_add (out, g_array_index (all, Keyed, k).line);
  g_array_unref (all);
  return out;
}

static void
assert_lines_equal (GPtrArray * ours, GPtrArray * exp, const gchar * what)
{
  guint i;

  fail_unless (ours->len == exp->len, "%s: %u messages, expected %u", what,
      ours->len, exp->len);
  for (i = 0; i < exp->len; i++) {
    const gchar *a = g_ptr_array_index (ours, i);
    const gchar *b = g_ptr_array_index (exp, i);

    fail_unless (strcmp (a, b) == 0, "%s: message %u is\n%s\nnot\n%s", what,
        i, a, b);
  }
}

static guint
count_warnings (GstRosbagRecording * rec, const gchar * needle)
{
  const gchar *const *w = gst_rosbag_recording_get_warnings (rec);
  guint n = 0;

  for (; *w; w++)
    if (!needle || strstr (*w, needle))
      n++;
  return n;
}

static GstRosbagRecording *
open_ok (const gchar * path)
{
  GError *err = NULL;
  GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);

  fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "?");
  return rec;
}

static gchar *
open_fails (const gchar * path)
{
  GError *err = NULL;
  GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);
  gchar *msg;

  fail_unless (rec == NULL, "%s opened", path);
  fail_unless (err != NULL);
  msg = g_strdup (err->message);
  g_error_free (err);
  return msg;
}

/* ---------------------------------------------------------------------- */

/* the split directories of ../shared: the whole recording is the files
 * merged; by the directory and by its metadata.yaml the same; counts
 * as the metadata says */
GST_START_TEST (test_real_splits)
{
  const gchar *dirs[] = { WBAG_DB3, WBAG_MCAP, NULL };
  guint d;

  if (!have_shared ())
    return;
  for (d = 0; dirs[d]; d++) {
    GstRosbagRecording *rec = open_ok (dirs[d]), *rec2;
    gchar *meta = g_build_filename (dirs[d], "metadata.yaml", NULL);
    GPtrArray *paths = g_ptr_array_new ();
    GPtrArray *ours, *exp, *ours2;
    guint i;

    fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 5);
    fail_unless_equals_int (gst_rosbag_recording_get_metadata_version (rec), 4);
    /* its metadata's starting_time and duration are the last file's */
    fail_unless_equals_int (count_warnings (rec, NULL), 1);
    fail_unless_equals_int (count_warnings (rec, "starts at 2623 ns and"
            " lasts 411 ns; its files hold messages from 1000 to 2998"), 1);
    fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
        6074);
    fail_unless_equals_int (gst_rosbag_recording_get_n_topics (rec), 8);
    fail_unless_equals_uint64 (gst_rosbag_topic_get_message_count
        (gst_rosbag_recording_find_topic (rec, "HHH")), 726);
    fail_unless_equals_uint64 (gst_rosbag_recording_get_start_time (rec), 1000);
    fail_unless_equals_uint64 (gst_rosbag_recording_get_end_time (rec), 2998);
    fail_unless_equals_string (gst_rosbag_recording_get_storage_identifier
        (rec), d == 0 ? "sqlite3" : "mcap");
    for (i = 0; i < 5; i++) {
      gchar *want = g_strdup_printf ("%s/wbag_%u.%s", dirs[d], i,
          d == 0 ? "db3" : "mcap");

      fail_unless_equals_string (gst_rosbag_recording_get_file (rec, i), want);
      g_ptr_array_add (paths, want);
    }
    fail_unless (gst_rosbag_recording_get_file (rec, 5) == NULL);
    g_ptr_array_add (paths, NULL);

    ours = read_all (rec, NULL, NULL);
    exp = expected_merge ((const gchar * const *) paths->pdata, NULL);
    assert_time_order (ours, dirs[d]);
    assert_lines_equal (ours, exp, dirs[d]);
    g_ptr_array_unref (exp);

    /* a topic subset: only those channels of every part */
    ours2 = read_all (rec, "BBB,GGG", NULL);
    exp = expected_merge ((const gchar * const *) paths->pdata, "BBB,GGG");
    fail_unless_equals_int (ours2->len, 742 + 731);
    assert_lines_equal (ours2, exp, "subset");
    g_ptr_array_unref (exp);
    g_ptr_array_unref (ours2);

    rec2 = open_ok (meta);
    ours2 = read_all (rec2, NULL, NULL);
    assert_lines_equal (ours2, ours, meta);
    g_ptr_array_unref (ours2);
    gst_rosbag_recording_unref (rec2);

    /* seeking into the fourth file */
    {
      GstRosbagReader *r = gst_rosbag_reader_new (rec);
      GstRosbagMessage msg;
      guint first = 0;

      while (first < ours->len && line_time (g_ptr_array_index (ours,
                  first)) < 2500)
        first++;
      gst_rosbag_reader_seek (r, 2500);
      fail_unless (gst_rosbag_reader_next (r, &msg, NULL) ==
          GST_ROSBAG_READ_OK);
      {
        gchar *l = msg_line (&msg);

        const gchar *want = g_ptr_array_index (ours, first);

        fail_unless_equals_string (l, want);
        g_free (l);
      }
      gst_rosbag_reader_free (r);
    }

    g_ptr_array_unref (ours);
    g_ptr_array_set_free_func (paths, g_free);
    g_ptr_array_unref (paths);
    g_free (meta);
    gst_rosbag_recording_unref (rec);
  }
}

GST_END_TEST;

/* every directory of ../shared/mcap/real with a metadata.yaml opens with
 * no warning and holds what its metadata counts */
GST_START_TEST (test_real_metadata)
{
  GDir *d;
  const gchar *n;
  guint seen = 0;

  if (!have_shared ())
    return;
  d = g_dir_open (REAL, 0, NULL);
  fail_unless (d != NULL);
  while ((n = g_dir_read_name (d))) {
    gchar *dir = g_build_filename (REAL, n, NULL);
    gchar *meta = g_build_filename (dir, "metadata.yaml", NULL);
    gchar *sub = g_build_filename (dir, "rosbag2_test", "metadata.yaml", NULL);
    GstRosbagRecording *rec;
    gchar *text;
    gchar **lines, **l;
    guint64 count = G_MAXUINT64;

    if (g_file_test (sub, G_FILE_TEST_EXISTS)) {
      g_free (meta);
      meta = g_strdup (sub);
    }
    if (!g_file_test (meta, G_FILE_TEST_EXISTS))
      goto next;
    rec = open_ok (meta);
    fail_unless (g_file_get_contents (meta, &text, NULL, NULL));
    /* the top-level message_count: two spaces in */
    lines = g_strsplit (text, "\n", -1);
    for (l = lines; *l; l++)
      if (g_str_has_prefix (*l, "  message_count:"))
        count = g_ascii_strtoull (*l + 16, NULL, 10);
    g_strfreev (lines);
    g_free (text);
    fail_unless (count != G_MAXUINT64, "%s: no message_count", meta);
    fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
        count);
    fail_unless (gst_rosbag_recording_get_metadata_version (rec) >= 1);
    /* the Dashing test bag's metadata names other types than its file
     * (as upstream, see SOURCES.md): the files win */
    if (strstr (meta, "dashing")) {
      fail_unless_equals_int (count_warnings (rec, "metadata.yaml says"), 2);
    } else if (strstr (meta, "wbag")) {
      fail_unless_equals_int (count_warnings (rec, "starts at"), 1);
    } else {
      fail_unless_equals_int (count_warnings (rec, NULL), 0);
    }
    {
      GPtrArray *lines = read_all (rec, NULL, NULL);

      fail_unless_equals_uint64 (lines->len, count);
      assert_time_order (lines, meta);
      g_ptr_array_unref (lines);
    }
    gst_rosbag_recording_unref (rec);
    seen++;
  next:
    g_free (sub);
    g_free (meta);
    g_free (dir);
  }
  g_dir_close (d);
  fail_unless (seen >= 12, "only %u rosbag2 directories", seen);
}

GST_END_TEST;

/* the reindex test bags: no metadata.yaml; MESSAGE mode and FILE mode;
 * target_metadata/ names files that are elsewhere */
GST_START_TEST (test_real_reindex)
{
  GstRosbagRecording *rec;
  const gchar *fmt, *mode;
  gchar *msg;
  GPtrArray *lines;

  if (!have_shared ())
    return;
  rec = open_ok (REINDEX "/message_compression");
  fail_unless_equals_int (count_warnings (rec, "no metadata.yaml"), 1);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 4);
  fail_unless (gst_rosbag_recording_get_rosbag2_compression (rec, &fmt, &mode));
  fail_unless_equals_string (fmt, "zstd");
  fail_unless_equals_string (mode, "MESSAGE");
  lines = read_all (rec, NULL, NULL);
  /* the counts of target_metadata/message_compression/metadata.yaml */
  fail_unless_equals_int (lines->len, 1127);
  g_ptr_array_unref (lines);
  {
    /* payloads come out decompressed: CDR, little endian */
    GstRosbagReader *r = gst_rosbag_reader_new (rec);
    GstRosbagMessage m;

    while (gst_rosbag_reader_next (r, &m, NULL) == GST_ROSBAG_READ_OK) {
      fail_unless (m.size >= 4);
      fail_unless (m.data[0] == 0 && m.data[1] == 1, "%02x%02x", m.data[0],
          m.data[1]);
    }
    gst_rosbag_reader_free (r);
  }
  gst_rosbag_recording_unref (rec);

  rec = open_ok (REINDEX "/file_compression");
  fail_unless_equals_int (count_warnings (rec, "no metadata.yaml"), 1);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 4);
  fail_unless (gst_rosbag_recording_get_rosbag2_compression (rec, &fmt, &mode));
  fail_unless_equals_string (mode, "FILE");
  fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec), 775);
  fail_unless_equals_uint64 (gst_rosbag_topic_get_message_count
      (gst_rosbag_recording_find_topic (rec, "/rosout")), 392);
  lines = read_all (rec, NULL, NULL);
  fail_unless_equals_int (lines->len, 775);
  assert_time_order (lines, "file_compression");
  g_ptr_array_unref (lines);
  gst_rosbag_recording_unref (rec);

  msg = open_fails (REINDEX "/target_metadata/file_compression");
  fail_unless (strstr (msg, "file_compression_0.db3.zstd") != NULL, "%s", msg);
  g_free (msg);
}

GST_END_TEST;

/* a FILE-mode file: streamed into a temporary file, deleted at once;
 * the same messages as the file itself; a cut or foreign .zstd fails */
GST_START_TEST (test_file_mode)
{
  gchar *dir = tmp_dir ();
  gchar *z = g_build_filename (dir, "x_0.mcap.zstd", NULL);
  gchar *cut = g_build_filename (dir, "cut.mcap.zstd", NULL);
  gchar *foreign = g_build_filename (dir, "foreign.db3.zstd", NULL);
  const gchar *zargv[] = { "zstd", "-q", "-19", TYPES_MCAP, "-o", z, NULL };
  const gchar *files[] = { TYPES_MCAP, NULL };
  GstRosbagRecording *rec;
  GPtrArray *ours, *exp;
  const gchar *mode;
  gchar *data, *msg;
  guint before;
  gsize len;

  run (zargv);
  before = count_temporary ();
  rec = open_ok (z);
  /* nothing left in the temporary directory while it is open */
  fail_unless_equals_int (count_temporary (), before);
  fail_unless (gst_rosbag_recording_get_rosbag2_compression (rec, NULL, &mode));
  fail_unless_equals_string (mode, "FILE");
  fail_unless_equals_int (gst_rosbag_recording_get_format (rec),
      GST_ROSBAG_FORMAT_MCAP);
  ours = read_all (rec, NULL, NULL);
  exp = expected_merge (files, NULL);
  assert_lines_equal (ours, exp, z);
  g_ptr_array_unref (ours);
  gst_rosbag_recording_unref (rec);

  /* the directory holding it, without metadata */
  rec = open_ok (dir);
  fail_unless_equals_int (count_warnings (rec, "no metadata.yaml"), 1);
  ours = read_all (rec, NULL, NULL);
  assert_lines_equal (ours, exp, dir);
  g_ptr_array_unref (ours);
  g_ptr_array_unref (exp);
  gst_rosbag_recording_unref (rec);

  /* cut in the middle */
  fail_unless (g_file_get_contents (z, &data, &len, NULL));
  fail_unless (g_file_set_contents (cut, data, len / 2, NULL));
  msg = open_fails (cut);
  fail_unless (strstr (msg, "ends early") != NULL, "%s", msg);
  g_free (msg);
  /* not zstd at all */
  fail_unless (g_file_set_contents (foreign, "SQLite format 3", -1, NULL));
  msg = open_fails (foreign);
  fail_unless (strstr (msg, "zstd") != NULL, "%s", msg);
  g_free (msg);
  g_free (data);
  fail_unless_equals_int (count_temporary (), before);

  /* no temporary file to be had (GLib reads TMPDIR once per process: a
   * tool run with it) */
  {
    gchar *tool = g_build_filename (TEST_TOOLS_DIR, "gst-rosbag-info", NULL);
    const gchar *argv[] = { tool, z, NULL };
    gchar **env = g_environ_setenv (g_get_environ (), "TMPDIR",
        "/nonexistent/gst-rosbag", TRUE);
    gchar *err = NULL;
    gint status;

    fail_unless (g_spawn_sync (NULL, (gchar **) argv, env,
            G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
    fail_if (g_spawn_check_wait_status (status, NULL));
    fail_unless (strstr (err, "temporary") != NULL, "%s", err);
    g_free (err);
    g_strfreev (env);
    g_free (tool);
  }

  rm_rf (dir);
  g_free (dir);
  g_free (z);
  g_free (cut);
  g_free (foreign);
}

GST_END_TEST;

/* two files whose channel ids overlap and whose topics differ: every
 * message stays on its own topic */
GST_START_TEST (test_renumbered_channels)
{
  gchar *dir = tmp_dir ();
  const gchar *files[] = { TYPES_MCAP, IMAGES_MCAP, NULL };
  gchar *paths[3];
  GstRosbagRecording *rec, *a, *b;
  GPtrArray *ours, *exp;
  guint i;

  link_into (dir, TYPES_MCAP, "rec_0.mcap");
  link_into (dir, IMAGES_MCAP, "rec_1.mcap");
  paths[0] = g_build_filename (dir, "rec_0.mcap", NULL);
  paths[1] = g_build_filename (dir, "rec_1.mcap", NULL);
  paths[2] = NULL;
  rec = open_ok (dir);
  a = open_ok (TYPES_MCAP);
  b = open_ok (IMAGES_MCAP);
  fail_unless_equals_int (gst_rosbag_recording_get_n_topics (rec),
      gst_rosbag_recording_get_n_topics (a) +
      gst_rosbag_recording_get_n_topics (b));
  for (i = 0; i < gst_rosbag_recording_get_n_topics (b); i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (b, i);
    const GstRosbagTopic *m = gst_rosbag_recording_find_topic (rec,
        gst_rosbag_topic_get_name (t));
    gsize l1, l2;
    const guint8 *d1 = gst_rosbag_topic_get_definition (t, &l1);
    const guint8 *d2 = gst_rosbag_topic_get_definition (m, &l2);

    fail_unless (m != NULL);
    fail_unless_equals_string (gst_rosbag_topic_get_type (m),
        gst_rosbag_topic_get_type (t));
    fail_unless_equals_uint64 (gst_rosbag_topic_get_message_count (m),
        gst_rosbag_topic_get_message_count (t));
    fail_unless (l1 == l2 && memcmp (d1, d2, l1) == 0);
  }
  ours = read_all (rec, NULL, NULL);
  exp = expected_merge (files, NULL);
  assert_lines_equal (ours, exp, dir);
  g_ptr_array_unref (ours);
  g_ptr_array_unref (exp);
  /* only the second file's topics */
  {
    GString *names = g_string_new (NULL);

    for (i = 0; i < gst_rosbag_recording_get_n_topics (b); i++)
      g_string_append_printf (names, "%s%s", i ? "," : "",
          gst_rosbag_topic_get_name (gst_rosbag_recording_get_topic (b, i)));
    ours = read_all (rec, names->str, NULL);
    exp = expected_merge (files, names->str);
    assert_lines_equal (ours, exp, "the second file's topics");
    g_ptr_array_unref (ours);
    g_ptr_array_unref (exp);
    g_string_free (names, TRUE);
  }
  gst_rosbag_recording_unref (a);
  gst_rosbag_recording_unref (b);
  gst_rosbag_recording_unref (rec);
  g_free (paths[0]);
  g_free (paths[1]);
  rm_rf (dir);
  g_free (dir);
}

GST_END_TEST;

/* the same file twice: topics merge, counts add up, ties keep file
 * order; natural order of names (x_2 before x_10) */
GST_START_TEST (test_natural_order)
{
  gchar *dir = tmp_dir ();
  const gchar *files[] = { IMAGES_MCAP, TYPES_MCAP, NULL };
  GstRosbagRecording *rec;
  GPtrArray *ours, *exp;
  gchar *f;

  link_into (dir, IMAGES_MCAP, "r_2.mcap");
  link_into (dir, TYPES_MCAP, "r_10.mcap");
  link_into (dir, TYPES_MCAP, "notes.txt");
  rec = open_ok (dir);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 2);
  f = g_build_filename (dir, "r_2.mcap", NULL);
  fail_unless_equals_string (gst_rosbag_recording_get_file (rec, 0), f);
  g_free (f);
  ours = read_all (rec, NULL, NULL);
  exp = expected_merge (files, NULL);
  assert_lines_equal (ours, exp, dir);
  g_ptr_array_unref (ours);
  g_ptr_array_unref (exp);
  gst_rosbag_recording_unref (rec);
  rm_rf (dir);
  g_free (dir);

  dir = tmp_dir ();
  link_into (dir, TYPES_MCAP, "a_0.mcap");
  link_into (dir, TYPES_MCAP, "a_1.mcap");
  rec = open_ok (dir);
  {
    GstRosbagRecording *one = open_ok (TYPES_MCAP);
    guint i;
    const gchar *two[] = { TYPES_MCAP, TYPES_MCAP, NULL };

    fail_unless_equals_int (gst_rosbag_recording_get_n_topics (rec),
        gst_rosbag_recording_get_n_topics (one));
    fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
        2 * gst_rosbag_recording_get_message_count (one));
    for (i = 0; i < gst_rosbag_recording_get_n_topics (one); i++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (one, i);
      const GstRosbagTopic *m = gst_rosbag_recording_get_topic (rec, i);

      fail_unless_equals_string (gst_rosbag_topic_get_name (m),
          gst_rosbag_topic_get_name (t));
      fail_unless_equals_uint64 (gst_rosbag_topic_get_message_count (m),
          2 * gst_rosbag_topic_get_message_count (t));
      fail_unless_equals_int (gst_rosbag_topic_get_n_channels (m),
          2 * gst_rosbag_topic_get_n_channels (t));
    }
    ours = read_all (rec, NULL, NULL);
    exp = expected_merge (two, NULL);
    assert_lines_equal (ours, exp, "twice");
    g_ptr_array_unref (ours);
    g_ptr_array_unref (exp);
    gst_rosbag_recording_unref (one);
  }
  gst_rosbag_recording_unref (rec);
  rm_rf (dir);
  g_free (dir);
}

GST_END_TEST;

#define META_HEAD(v) "rosbag2_bagfile_information:\n  version: " #v "\n" \
  "  storage_identifier: sqlite3\n"
#define QOS_STR "\"- history: 1\\n  depth: 10\\n  reliability: 1\\n" \
  "  durability: 2\\n  deadline:\\n    sec: 0\\n    nsec: 0\\n" \
  "  avoid_ros_namespace_conventions: false\""

/* missing and unreadable split files, metadata the files contradict,
 * paths relative to the parent, another type in a later file */
GST_START_TEST (test_damaged_directories)
{
  gchar *dir, *sub, *msg;
  GstRosbagRecording *rec, *one;
  guint64 n;

  if (!have_shared ())
    return;
  one = open_ok (HUMBLE_CDR "/cdr_test_0.db3");
  n = gst_rosbag_recording_get_message_count (one);
  gst_rosbag_recording_unref (one);

  /* the second of three is missing, the third cannot be read */
  dir = tmp_dir ();
  link_into (dir, HUMBLE_CDR "/cdr_test_0.db3", "b_0.db3");
  write_file (dir, "b_2.db3", "SQLite format 3\0 and then nothing");
  write_file (dir, "metadata.yaml", META_HEAD (5)
      "  relative_file_paths:\n    - b_0.db3\n    - b_1.db3\n    - b_2.db3\n"
      "  message_count: 7\n");
  rec = open_ok (dir);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 1);
  fail_unless_equals_int (count_warnings (rec, "b_1.db3"), 1);
  fail_unless_equals_int (count_warnings (rec, "b_2.db3"), 1);
  fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec), n);
  {
    GPtrArray *l = read_all (rec, NULL, NULL);

    fail_unless_equals_int (l->len, n);
    g_ptr_array_unref (l);
  }
  gst_rosbag_recording_unref (rec);

  /* all of them missing: an error naming them */
  write_file (dir, "metadata.yaml", META_HEAD (5)
      "  relative_file_paths:\n    - gone_0.db3\n    - gone_1.db3\n");
  msg = open_fails (dir);
  fail_unless (strstr (msg, "gone_0.db3") && strstr (msg, "gone_1.db3"), "%s",
      msg);
  g_free (msg);
  /* by metadata.yaml that does not exist */
  sub = g_build_filename (dir, "nothing", "metadata.yaml", NULL);
  msg = open_fails (sub);
  g_free (msg);
  g_free (sub);
  rm_rf (dir);
  g_free (dir);

  /* paths as older rosbag2 wrote them: relative to the parent */
  dir = tmp_dir ();
  sub = g_build_filename (dir, "bag", NULL);
  g_mkdir (sub, 0755);
  link_into (sub, HUMBLE_CDR "/cdr_test_0.db3", "bag_0.db3");
  write_file (sub, "metadata.yaml", META_HEAD (1)
      "  relative_file_paths:\n    - bag/bag_0.db3\n"
      "  duration:\n    nanoseconds: 1\n  starting_time:\n"
      "    nanoseconds_since_epoch: 2\n  message_count: 99\n"
      "  topics_with_message_count:\n    - topic_metadata:\n"
      "        name: /test_topic\n        type: test_msgs/msg/BasicTypes\n"
      "        serialization_format: cdr\n      message_count: 1\n"
      "    - topic_metadata:\n        name: /not_there\n"
      "        type: std_msgs/msg/String\n        serialization_format: cdr\n"
      "      message_count: 5\n");
  rec = open_ok (sub);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 1);
  fail_unless_equals_int (gst_rosbag_recording_get_metadata_version (rec), 1);
  fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec), n);
  /* the files win, with warnings: total, a topic's count, a topic no file
   * holds */
  fail_unless_equals_int (count_warnings (rec, "counts 99 messages"), 1);
  fail_unless_equals_int (count_warnings (rec, "starts at 2 ns and lasts"
          " 1 ns"), 1);
  fail_unless_equals_int (count_warnings (rec, "/test_topic"), 1);
  fail_unless_equals_int (count_warnings (rec, "/not_there"), 1);
  fail_unless (gst_rosbag_recording_find_topic (rec, "/not_there") == NULL);
  gst_rosbag_recording_unref (rec);
  rm_rf (dir);
  g_free (sub);
  g_free (dir);

  /* the same topic name with another type in the second file */
  dir = tmp_dir ();
  link_into (dir, HUMBLE_CDR "/cdr_test_0.db3", "t_0.db3");
  {
    gchar *copy = g_build_filename (dir, "t_1.db3", NULL);
    gchar *sql = g_strdup_printf ("update topics set type ="
        " 'std_msgs/msg/String' where name = '/test_topic'");
    const gchar *cp[] = { "cp", HUMBLE_CDR "/cdr_test_0.db3", copy, NULL };
    const gchar *up[] = { "sqlite3", copy, sql, NULL };

    run (cp);
    run (up);
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "left out"), 1);
    fail_unless_equals_string (gst_rosbag_topic_get_type
        (gst_rosbag_recording_find_topic (rec, "/test_topic")),
        "test_msgs/msg/BasicTypes");
    {
      GPtrArray *l = read_all (rec, NULL, NULL);
      GstRosbagRecording *r1 = open_ok (copy);
      guint64 dropped = gst_rosbag_topic_get_message_count
          (gst_rosbag_recording_find_topic (r1, "/test_topic"));

      fail_unless (dropped > 0);
      fail_unless_equals_int (l->len, 2 * n - dropped);
      fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
          2 * n - dropped);
      g_ptr_array_unref (l);
      gst_rosbag_recording_unref (r1);
    }
    gst_rosbag_recording_unref (rec);

    /* a -wal file beside it: it may still be being written */
    write_file (dir, "t_1.db3-wal", "");
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "-wal"), 0);
    gst_rosbag_recording_unref (rec);
    write_file (dir, "t_1.db3-wal", "frames");
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "-wal"), 1);
    gst_rosbag_recording_unref (rec);
    g_free (copy);
    g_free (sql);
  }
  rm_rf (dir);
  g_free (dir);
}

GST_END_TEST;

/* metadata.yaml: QoS as a YAML string (versions 4 to 8) and as a list
 * (9) read alike; bad YAML and hostile documents */
GST_START_TEST (test_metadata_yaml)
{
  gchar *dir;
  GstRosbagRecording *rec;
  GVariant *q4, *q9;
  gchar *s;
  guint i;
  const gchar *bad[] = {
    /* not YAML */
    "rosbag2_bagfile_information:\n  version: [4\n",
    /* no mapping */
    "rosbag2_bagfile_information: 3\n",
    "- a\n- b\n",
    "",
    NULL
  };

  if (!have_shared ())
    return;
  dir = tmp_dir ();
  link_into (dir, HUMBLE_CDR "/cdr_test_0.db3", "q_0.db3");
  write_file (dir, "metadata.yaml", META_HEAD (4)
      "  relative_file_paths:\n    - q_0.db3\n"
      "  topics_with_message_count:\n    - topic_metadata:\n"
      "        name: /test_topic\n        type: test_msgs/msg/BasicTypes\n"
      "        serialization_format: cdr\n        offered_qos_profiles: "
      QOS_STR "\n      message_count: 3\n");
  rec = open_ok (dir);
  q4 = gst_rosbag_topic_get_qos_profiles (gst_rosbag_recording_find_topic
      (rec, "/test_topic"));
  fail_unless (q4 != NULL);
  q4 = g_variant_ref (q4);
  gst_rosbag_recording_unref (rec);
  s = g_variant_print (q4, FALSE);
  fail_unless_equals_string (s, "[{'history': <int64 1>, 'depth': <int64 10>,"
      " 'reliability': <int64 1>, 'durability': <int64 2>, 'deadline':"
      " <{'sec': <int64 0>, 'nsec': <int64 0>}>,"
      " 'avoid_ros_namespace_conventions': <false>}]");
  g_free (s);

  write_file (dir, "metadata.yaml", META_HEAD (9)
      "  relative_file_paths:\n    - q_0.db3\n  ros_distro: rolling\n"
      "  files:\n    - path: q_0.db3\n      message_count: 3\n"
      "  topics_with_message_count:\n    - topic_metadata:\n"
      "        name: /test_topic\n        type: test_msgs/msg/BasicTypes\n"
      "        serialization_format: cdr\n        offered_qos_profiles:\n"
      "          - history: 1\n            depth: 10\n"
      "            reliability: 1\n            durability: 2\n"
      "            deadline:\n              sec: 0\n              nsec: 0\n"
      "            avoid_ros_namespace_conventions: false\n"
      "      message_count: 3\n"
      "  compression_format: \"\"\n  compression_mode: \"\"\n");
  rec = open_ok (dir);
  fail_unless_equals_int (gst_rosbag_recording_get_metadata_version (rec), 9);
  fail_unless_equals_string (gst_rosbag_recording_get_ros_distro (rec),
      "rolling");
  fail_unless (!gst_rosbag_recording_get_rosbag2_compression (rec, NULL, NULL));
  q9 = gst_rosbag_topic_get_qos_profiles (gst_rosbag_recording_find_topic
      (rec, "/test_topic"));
  fail_unless (q9 != NULL && g_variant_equal (q4, q9));
  gst_rosbag_recording_unref (rec);
  g_variant_unref (q4);

  /* only files: (no relative_file_paths) */
  write_file (dir, "metadata.yaml", META_HEAD (9)
      "  files:\n    - path: q_0.db3\n      message_count: 3\n");
  rec = open_ok (dir);
  fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 1);
  fail_unless_equals_int (count_warnings (rec, NULL), 0);
  gst_rosbag_recording_unref (rec);

  /* an alias bomb in the QoS: bounded, the topic simply has none */
  {
    GString *y = g_string_new (META_HEAD (9)
        "  relative_file_paths:\n    - q_0.db3\n"
        "  topics_with_message_count:\n    - topic_metadata:\n"
        "        name: /test_topic\n        offered_qos_profiles:\n"
        "          - a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");

    for (i = 1; i < 12; i++)
      g_string_append_printf (y, "            a%u: &a%u [*a%u, *a%u, *a%u,"
          " *a%u, *a%u, *a%u, *a%u, *a%u, *a%u, *a%u]\n", i, i, i - 1, i - 1,
          i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    g_string_append (y, "      message_count: 3\n");
    write_file (dir, "metadata.yaml", y->str);
    g_string_free (y, TRUE);
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, NULL), 0);
    fail_unless_equals_int (gst_rosbag_recording_get_metadata_version (rec), 9);
    /* what the file's topics table says, not the bomb */
    {
      GstRosbagRecording *one = open_ok (HUMBLE_CDR "/cdr_test_0.db3");
      GVariant *a = gst_rosbag_topic_get_qos_profiles
          (gst_rosbag_recording_find_topic (rec, "/test_topic"));
      GVariant *b = gst_rosbag_topic_get_qos_profiles
          (gst_rosbag_recording_find_topic (one, "/test_topic"));

      fail_unless (b != NULL);
      fail_unless (a != NULL && g_variant_equal (a, b));
      gst_rosbag_recording_unref (one);
    }
    gst_rosbag_recording_unref (rec);
  }

  /* a directory with a broken metadata.yaml: its storage files, warned;
   * by that metadata.yaml's path: an error */
  for (i = 0; bad[i]; i++) {
    gchar *meta = g_build_filename (dir, "metadata.yaml", NULL);

    write_file (dir, "metadata.yaml", bad[i]);
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "metadata.yaml"), 1);
    fail_unless_equals_int (gst_rosbag_recording_get_n_files (rec), 1);
    gst_rosbag_recording_unref (rec);
    s = open_fails (meta);
    g_free (s);
    g_free (meta);
  }
  rm_rf (dir);
  g_free (dir);

  fail_unless (gst_rosbag_recording_sniff_metadata ((const guint8 *)
          "# c\n---\nrosbag2_bagfile_information:\n", 37));
  fail_unless (!gst_rosbag_recording_sniff_metadata ((const guint8 *)
          "rosbag2_bagfile", 15));
  fail_unless (!gst_rosbag_recording_sniff_metadata ((const guint8 *)
          "foo: 1\n", 7));
}

GST_END_TEST;

/* a copy of fixture directory @name in a new temporary directory: links
 * to its storage files, metadata.yaml with @from replaced by @to */
static gchar *
copy_fixture (const gchar * name, const gchar * from, const gchar * to)
{
  gchar *src = g_build_filename (TEST_FILES_DIR, "rosbag2", name, NULL);
  gchar *dir = tmp_dir (), *meta, *text, **parts, *joined;
  GDir *d = g_dir_open (src, 0, NULL);
  const gchar *n;

  fail_unless (d != NULL, "%s", src);
  while ((n = g_dir_read_name (d))) {
    gchar *p = g_build_filename (src, n, NULL);

    if (strcmp (n, "metadata.yaml") != 0)
      link_into (dir, p, n);
    g_free (p);
  }
  g_dir_close (d);
  meta = g_build_filename (src, "metadata.yaml", NULL);
  fail_unless (g_file_get_contents (meta, &text, NULL, NULL));
  fail_unless (strstr (text, from) != NULL, "%s: no %s", meta, from);
  parts = g_strsplit (text, from, -1);
  joined = g_strjoinv (to, parts);
  write_file (dir, "metadata.yaml", joined);
  g_strfreev (parts);
  g_free (joined);
  g_free (text);
  g_free (meta);
  g_free (src);
  return dir;
}

/* compression modes the files contradict, a cut split file: warned, the
 * files win */
GST_START_TEST (test_fixture_disagreements)
{
  GstRosbagRecording *rec;
  const gchar *mode;
  gchar *dir;

  /* compressed messages, metadata says none */
  dir = copy_fixture ("message-zstd", "compression_mode: MESSAGE",
      "compression_mode: \"\"");
  rec = open_ok (dir);
  fail_unless_equals_int (count_warnings (rec, "zstd-compressed one by one"),
      1);
  fail_unless (gst_rosbag_recording_get_rosbag2_compression (rec, NULL, &mode));
  fail_unless_equals_string (mode, "MESSAGE");
  {
    GPtrArray *l = read_all (rec, NULL, NULL);

    fail_unless_equals_int (l->len, 120);
    g_ptr_array_unref (l);
  }
  gst_rosbag_recording_unref (rec);
  rm_rf (dir);
  g_free (dir);

  /* plain messages, metadata says MESSAGE */
  dir = copy_fixture ("humble-images", "compression_mode: \"\"",
      "compression_mode: MESSAGE");
  rec = open_ok (dir);
  fail_unless_equals_int (count_warnings (rec, "are not compressed"), 1);
  fail_if (gst_rosbag_recording_get_rosbag2_compression (rec, NULL, NULL));
  gst_rosbag_recording_unref (rec);
  rm_rf (dir);
  g_free (dir);

  /* the middle split cut short: scanned, named */
  dir = copy_fixture ("split-mcap", "split-mcap_0", "split-mcap_0");
  {
    gchar *p = g_build_filename (dir, "split-mcap_1.mcap", NULL);
    gchar *src = g_build_filename (TEST_FILES_DIR, "rosbag2", "split-mcap",
        "split-mcap_1.mcap", NULL);
    gchar *data;
    gsize len;

    fail_unless (g_file_get_contents (src, &data, &len, NULL));
    g_unlink (p);
    fail_unless (g_file_set_contents (p, data, len * 2 / 3, NULL));
    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "split-mcap_1.mcap has no"
            " usable index and was scanned"), 1);
    fail_unless (gst_rosbag_recording_get_message_count (rec) < 454);
    fail_unless (gst_rosbag_recording_get_message_count (rec) > 300);
    gst_rosbag_recording_unref (rec);
    g_free (data);
    g_free (src);
    g_free (p);
  }
  rm_rf (dir);
  g_free (dir);
}

GST_END_TEST;

/* a database another process is writing: an exclusive transaction whose
 * pages have spilled into the file, its hot journal beside it. It opens
 * (sqlite's locks are not ours: we read the file as it is) with a
 * warning, and reading it never crashes */
GST_START_TEST (test_locked_database)
{
  const gchar *script =
      "import sqlite3, sys\n"
      "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
      "db.execute('pragma journal_mode=delete')\n"
      "db.execute('pragma cache_size=1')\n"
      "db.execute('begin exclusive')\n"
      "for i in range(200):\n"
      "    db.execute('insert into messages (topic_id, timestamp, data)"
      " select topic_id, timestamp + 1, data from messages limit 1')\n"
      "print('locked', flush=True)\n" "sys.stdin.read()\n";
  gchar *dir = tmp_dir ();
  gchar *db = g_build_filename (dir, "w_0.db3", NULL);
  gchar *src = g_build_filename (TEST_FILES_DIR, "rosbag2", "humble-images",
      "humble-images_0.db3", NULL);
  GError *err = NULL;
  GSubprocess *p;
  GDataInputStream *out;
  GstRosbagRecording *rec;
  gchar *data, *line;
  gsize len;
  guint errors = 0;

  fail_unless (g_file_get_contents (src, &data, &len, NULL));
  fail_unless (g_file_set_contents (db, data, len, NULL));
  g_free (data);
  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err, TEST_PYTHON, "-c", script, db,
      NULL);
  fail_unless (p != NULL, "%s", err ? err->message : "?");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  line = g_data_input_stream_read_line (out, NULL, NULL, &err);
  fail_unless_equals_string (line, "locked");
  g_free (line);

  /* alone: it opens as the file is, or fails saying it is being written */
  rec = gst_rosbag_recording_open (db, &err);
  if (rec) {
    gst_rosbag_recording_unref (rec);
  } else {
    fail_unless (strstr (err->message, "is being written") != NULL, "%s",
        err->message);
    g_clear_error (&err);
  }
  /* as a split beside a good one: the warning names it, the good split
   * plays whole */
  link_into (dir, src, "w_1.db3");
  {
    gchar *good = g_build_filename (dir, "w_1.db3", NULL);
    GstRosbagRecording *one = open_ok (src);
    guint64 n_good = gst_rosbag_recording_get_message_count (one);
    GPtrArray *l;

    rec = open_ok (dir);
    fail_unless_equals_int (count_warnings (rec, "w_0.db3 has a -journal"
            " file beside it"), 1);
    fail_unless (gst_rosbag_recording_get_message_count (rec) >= n_good);
    l = read_all (rec, NULL, &errors);
    fail_unless (l->len >= n_good);
    g_ptr_array_unref (l);
    gst_rosbag_recording_unref (rec);
    gst_rosbag_recording_unref (one);
    g_free (good);
  }

  fail_unless (g_output_stream_close (g_subprocess_get_stdin_pipe (p), NULL,
          NULL));
  fail_unless (g_subprocess_wait (p, NULL, NULL));
  g_object_unref (out);
  g_object_unref (p);
  rm_rf (dir);
  g_free (dir);
  g_free (db);
  g_free (src);
}

GST_END_TEST;

static Suite *
rosbag2_suite (void)
{
  Suite *s = suite_create ("rosbag_rosbag2");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_real_splits);
  tcase_add_test (tc, test_real_metadata);
  tcase_add_test (tc, test_real_reindex);
  tcase_add_test (tc, test_file_mode);
  tcase_add_test (tc, test_renumbered_channels);
  tcase_add_test (tc, test_natural_order);
  tcase_add_test (tc, test_damaged_directories);
  tcase_add_test (tc, test_metadata_yaml);
  tcase_add_test (tc, test_fixture_disagreements);
  tcase_add_test (tc, test_locked_database);
  return s;
}

GST_CHECK_MAIN (rosbag2);
