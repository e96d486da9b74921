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

/* rosbag2 recordings as `ros2 bag record` leaves them, through bagsrc and
 * bagdemux: directories of split files (sqlite3 and MCAP, 5 files each)
 * given as the directory, its metadata.yaml or a file:// URI; a directory
 * without metadata.yaml (zstd MESSAGE compression, and FILE compression);
 * a single .db3.zstd file. Every pad's messages (receive time, size,
 * SHA-1) equal what tests/files/rosbag2-ref.py reads with Python's
 * sqlite3 (and the zstd command), the counts per topic equal the
 * metadata.yaml's, timestamps never go back across file boundaries, the
 * duration is the recording's span, a flushing seek into the third file
 * starts every pad at its first message at or after the seek time, the
 * library's warnings are posted, a missing split file leaves the others
 * playing with a warning; errors (not hangs) for a metadata.yaml
 * whose files are all absent, push mode, no upstream URI, a directory
 * without storage files. Skipped, saying so, without ../shared/mcap/real.
 *
 * The two wbag directories of rosbag2_py's tests hold the same messages
 * (one written with sqlite3, one with MCAP): both are checked against the
 * sqlite3 files, and against their own metadata.yaml's counts. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <gst/check/gstcheck.h>
#include <gst/base/gsttypefindhelper.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include "rosbag-test-util.h"
#include "bagcapture.h"

#define REAL TEST_MCAP_DIR "/real"
#define SQLITE_WBAG REAL "/ros2_rosbag2__rosbag2_py__test__resources__sqlite3__wbag"
#define MCAP_WBAG REAL "/ros2_rosbag2__rosbag2_py__test__resources__mcap__wbag"
#define REINDEX REAL \
  "/ros2_rosbag2-humble__rosbag2_tests__resources__reindex_test_bags"
#define REF2_SCRIPT TEST_FILES_DIR "/rosbag2-ref.py"

/* how bagsrc is given the recording */
typedef enum
{
  GIVE_DIR,
  GIVE_METADATA,
  GIVE_URI
} Give;

static const gchar *const give_names[] = { "location=DIR",
  "location=DIR/metadata.yaml", "uri=file:///DIR"
};

static gboolean
have_real (void)
{
  if (g_file_test (SQLITE_WBAG, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_print ("SKIP: %s is absent: the rosbag2 directory cases are skipped\n",
      SQLITE_WBAG);
  return FALSE;
}

/* rosbag2-ref.py's output split into lines */
static GPtrArray *
ref2_lines (const gchar * const *args)
{
  gboolean ok;
  gchar *out = script_run (REF2_SCRIPT, args, &ok);
  GPtrArray *lines;

  fail_unless (ok, "rosbag2-ref.py %s failed", args[0]);
  lines = split_lines (out);
  g_free (out);
  return lines;
}

/* the messages of the sqlite3 storage files of @path, in time order */
static GPtrArray *
ref2_messages (const gchar * path, gboolean zstd_messages)
{
  const gchar *args[] = { "messages", path, zstd_messages ?
        "--zstd-messages" : NULL, NULL
  };

  return ref2_lines (args);
}

/* topic -> count, as the metadata.yaml at @path says */
static GHashTable *
ref2_counts (const gchar * path)
{
  const gchar *args[] = { "counts", path, NULL };
  GPtrArray *lines = ref2_lines (args);
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guint i;

  for (i = 0; i < lines->len; i++) {
    gchar **f = g_strsplit (g_ptr_array_index (lines, i), "\t", 2);

    g_hash_table_insert (h, g_strdup (f[0]),
        GSIZE_TO_POINTER (g_ascii_strtoull (f[1], NULL, 10)));
    g_strfreev (f);
  }
  g_ptr_array_free (lines, TRUE);
  return h;
}

static GPtrArray *
lines_of_topic (GPtrArray * all, const gchar * topic, guint64 from_ns)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  gchar *prefix = g_strdup_printf ("%s\t", topic);
  guint i;

  for (i = 0; i < all->len; i++) {
    const gchar *l = g_ptr_array_index (all, i);

    if (g_str_has_prefix (l, prefix) && line_time (l) >= from_ns)
      g_ptr_array_add (res, g_strdup (l));
  }
  g_free (prefix);
  return res;
}

static void
ref_span (GPtrArray * ref, guint64 * start, guint64 * end)
{
  guint i;

  *start = G_MAXUINT64;
  *end = 0;
  for (i = 0; i < ref->len; i++) {
    guint64 t = line_time (g_ptr_array_index (ref, i));

    *start = MIN (*start, t);
    *end = MAX (*end, t);
  }
}

static Capture *
capture_for (const gchar * dir, Give give, const gchar * props)
{
  gchar *desc, *uri;
  Capture *cap;

  switch (give) {
    case GIVE_DIR:
      desc = g_strdup_printf ("bagsrc name=d location=\"%s\" raw=true %s",
          dir, props ? props : "");
      break;
    case GIVE_METADATA:
      desc = g_strdup_printf ("bagsrc name=d location=\"%s/metadata.yaml\" "
          "raw=true %s", dir, props ? props : "");
      break;
    default:
      desc = g_strdup_printf ("bagsrc name=d raw=true %s", props ? props : "");
      break;
  }
  cap = capture_new (desc);
  g_free (desc);
  if (give == GIVE_URI) {
    GError *err = NULL;

    uri = gst_filename_to_uri (dir, NULL);
    fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (cap->exposer), uri,
            &err), "%s: %s", uri, err ? err->message : "");
    g_free (uri);
  }
  return cap;
}

/* Every warning the library has for @path was posted */
static void
assert_warnings_posted (Capture * cap, const gchar * path, gboolean expect)
{
  GError *err = NULL;
  GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);
  const gchar *const *w;
  guint i;

  fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "");
  w = gst_rosbag_recording_get_warnings (rec);
  if (expect)
    fail_unless (w && w[0], "%s: the library has no warning", path);
  for (i = 0; w && w[i]; i++)
    fail_unless (capture_has_warning (cap, w[i]), "%s: warning '%s' not "
        "posted", path, w[i]);
  fail_unless (cap->warnings->len >= i);
  gst_rosbag_recording_unref (rec);
}

/* The pads against the reference: each topic's messages (by receive time,
 * size, SHA-1), its count against the metadata, PTS never going back and
 * equal to the receive time minus the recording's start */
static void
assert_recording (Capture * cap, GPtrArray * ref, GHashTable * counts,
    const gchar * what)
{
  guint64 start, end;
  guint i, j, n = 0;

  ref_span (ref, &start, &end);
  fail_if (cap->error, "%s: %s", what, cap->error ? cap->error->message : "");
  fail_unless (cap->eos, "%s: no EOS", what);
  fail_unless_equals_int (cap->pads->len, g_hash_table_size (counts));
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *ours = capture_pad_lines (p);
    GPtrArray *theirs = lines_of_topic (ref, p->topic, 0);
    gchar *w = g_strdup_printf ("%s %s", what, p->topic);
    gpointer c;

    fail_unless (g_hash_table_lookup_extended (counts, p->topic, NULL, &c),
        "%s: topic %s is not in the metadata", what, p->topic);
    fail_unless_equals_int (ours->len, GPOINTER_TO_SIZE (c));
    assert_same_stream (ours, theirs, w);
    for (j = 0; j < p->bufs->len; j++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

      fail_unless_equals_uint64 (b->pts, b->recv - start);
      if (j > 0)
        fail_unless (b->pts >= g_array_index (p->bufs, CapBuf, j - 1).pts,
            "%s: buffer %u goes back in time", w, j);
    }
    n += ours->len;
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (theirs, TRUE);
    g_free (w);
  }
  fail_unless_equals_int (n, ref->len);
}

/* to PAUSED with every pad, failing at once on an error (a lone bagsrc
 * may reach PAUSED before its sinks exist: no ASYNC_DONE to wait for) */
static void
preroll (Capture * cap, const gchar * what)
{
  GstBus *bus = gst_element_get_bus (cap->pipeline);
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  gboolean done = FALSE;

  gst_element_set_state (cap->pipeline, GST_STATE_PAUSED);
  while (!done && !cap->error && g_get_monotonic_time () < end) {
    GstMessage *msg = gst_bus_timed_pop (bus, 50 * GST_MSECOND);

    if (msg) {
      capture_handle_message (cap, msg);
      gst_message_unref (msg);
    }
    g_mutex_lock (&cap->lock);
    done = cap->nmp_seq >= 0;
    g_mutex_unlock (&cap->lock);
  }
  gst_object_unref (bus);
  fail_if (cap->error, "%s: %s", what, cap->error ? cap->error->message : "");
  capture_wait_no_more_pads (cap);
  /* prerolled: every sink has its first buffer (a flush before multiqueue
   * pushed a pad's stream-start drops it, and the next buffer comes
   * without one) */
  for (done = FALSE; !done && g_get_monotonic_time () < end;) {
    guint i;

    g_mutex_lock (&cap->lock);
    done = TRUE;
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);

      /* a buffer, or for a topic without messages a gap or EOS */
      done &= p->bufs->len > 0 || strchr (p->events->str, 'g') ||
          strchr (p->events->str, 'E');
    }
    g_mutex_unlock (&cap->lock);
    if (!done)
      g_usleep (10 * 1000);
  }
  fail_unless (done, "%s: did not preroll", what);
}

/* plays @dir given each way; the duration query in PAUSED */
static void
check_directory (const gchar * dir, GPtrArray * ref, GHashTable * counts,
    gboolean expect_warning, guint n_gives)
{
  guint64 start, end;
  guint g;

  ref_span (ref, &start, &end);
  for (g = 0; g < n_gives; g++) {
    Capture *cap = capture_for (dir, g, NULL);
    gchar *what = g_strdup_printf ("%s (%s)", dir, give_names[g]);
    gint64 dur = -1;

    preroll (cap, what);
    fail_unless (gst_element_query_duration (cap->pipeline, GST_FORMAT_TIME,
            &dur), "%s: no duration", what);
    fail_unless_equals_int64 (dur, end - start);
    fail_unless (capture_run (cap, FALSE), "%s timed out", what);
    assert_recording (cap, ref, counts, what);
    assert_warnings_posted (cap, dir, expect_warning);
    g_print ("%s: %u messages on %u pads\n", what, capture_n_buffers (cap),
        cap->pads->len);
    g_free (what);
    capture_free (cap);
  }
}

/* The two wbag directories (5 split files each, sqlite3 and MCAP): their
 * metadata.yaml says the recording starts at 2623 ns and lasts 411 ns,
 * which the files contradict (they hold 1000 to 2998 ns): a warning */
GST_START_TEST (test_split_directories)
{
  const gchar *dirs[] = { SQLITE_WBAG, MCAP_WBAG, NULL };
  GPtrArray *ref;
  guint i;

  if (!have_real ())
    return;
  ref = ref2_messages (SQLITE_WBAG, FALSE);
  fail_unless_equals_int (ref->len, 6074);
  for (i = 0; dirs[i]; i++) {
    GHashTable *counts = ref2_counts (dirs[i]);

    check_directory (dirs[i], ref, counts, TRUE, 3);
    g_hash_table_unref (counts);
  }
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

/* Directories without metadata.yaml (a reindex test's input): every
 * storage file by name, a warning; the counts are those of the metadata
 * that `ros2 bag reindex` is expected to write (target_metadata/) */
GST_START_TEST (test_directory_without_metadata)
{
  struct
  {
    const gchar *dir, *target;
    gboolean zstd_messages;
  } cases[] = {
    {REINDEX "/message_compression",
        REINDEX "/target_metadata/message_compression", TRUE},
    {REINDEX "/file_compression", REINDEX "/target_metadata/file_compression",
        FALSE},
  };
  guint i;

  if (!have_real ())
    return;
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GPtrArray *ref = ref2_messages (cases[i].dir, cases[i].zstd_messages);
    GHashTable *counts = ref2_counts (cases[i].target);
    guint64 total = 0;
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init (&it, counts);
    while (g_hash_table_iter_next (&it, NULL, &v))
      total += GPOINTER_TO_SIZE (v);
    fail_unless_equals_int (ref->len, total);
    /* location=DIR and the URI (there is no metadata.yaml to give) */
    check_directory (cases[i].dir, ref, counts, TRUE, 1);
    {
      Capture *cap = capture_for (cases[i].dir, GIVE_URI, NULL);

      fail_unless (capture_run (cap, FALSE));
      assert_recording (cap, ref, counts, cases[i].dir);
      capture_free (cap);
    }
    g_hash_table_unref (counts);
    g_ptr_array_free (ref, TRUE);
  }
}

GST_END_TEST;

/* One storage file compressed whole (compression mode FILE) */
GST_START_TEST (test_zstd_file)
{
  const gchar *path = REINDEX "/file_compression/file_compression_1.db3.zstd";
  GPtrArray *ref;
  gchar *desc;
  Capture *cap;
  guint i, n = 0;

  if (!have_real ())
    return;
  ref = ref2_messages (path, FALSE);
  fail_unless (ref->len > 100);
  desc = g_strdup_printf ("bagsrc name=d location=\"%s\" raw=true", path);
  cap = capture_new (desc);
  g_free (desc);
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *ours = capture_pad_lines (p);
    GPtrArray *theirs = lines_of_topic (ref, p->topic, 0);

    assert_same_stream (ours, theirs, p->topic);
    n += ours->len;
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (theirs, TRUE);
  }
  fail_unless_equals_int (n, ref->len);
  capture_free (cap);
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

/* A flushing seek to a time inside the third file (wbag_2: 1821 to
 * 2232 ns): every pad starts at its topic's first message at or after
 * that time, and plays the rest of the recording */
GST_START_TEST (test_seek_across_files)
{
  const gchar *dirs[] = { SQLITE_WBAG, MCAP_WBAG, NULL };
  GPtrArray *ref;
  guint64 start, end, target;
  guint i, j;

  if (!have_real ())
    return;
  ref = ref2_messages (SQLITE_WBAG, FALSE);
  ref_span (ref, &start, &end);
  target = 2000;
  fail_unless (start < target && target < end);
  for (i = 0; dirs[i]; i++) {
    Capture *cap = capture_for (dirs[i], GIVE_DIR, NULL);
    GstQuery *q;
    gboolean seekable;
    gint64 qstart, qstop;

    preroll (cap, dirs[i]);
    q = gst_query_new_seeking (GST_FORMAT_TIME);
    fail_unless (gst_element_query (cap->pipeline, q));
    gst_query_parse_seeking (q, NULL, &seekable, &qstart, &qstop);
    fail_unless (seekable);
    fail_unless_equals_int64 (qstop, end - start);
    gst_query_unref (q);
    fail_unless (gst_element_seek_simple (cap->pipeline, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH, target - start));
    fail_unless (capture_run (cap, FALSE));
    fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    for (j = 0; j < cap->pads->len; j++) {
      CapPad *p = g_ptr_array_index (cap->pads, j);
      GPtrArray *ours = capture_pad_lines (p);
      GPtrArray *theirs = lines_of_topic (ref, p->topic, target);
      gchar *w = g_strdup_printf ("%s %s after the seek", dirs[i], p->topic);

      fail_unless (ours->len > 0, "%s: nothing", w);
      /* the first buffer: the first message at or after the target */
      fail_unless_equals_uint64 (line_time (g_ptr_array_index (ours, 0)),
          line_time (g_ptr_array_index (theirs, 0)));
      fail_unless_equals_uint64 (g_array_index (p->bufs, CapBuf, 0).pts,
          line_time (g_ptr_array_index (theirs, 0)) - start);
      assert_same_stream (ours, theirs, w);
      g_ptr_array_free (ours, TRUE);
      g_ptr_array_free (theirs, TRUE);
      g_free (w);
    }
    capture_free (cap);
  }
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

static GstPadProbeReturn
drop_uri_query (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_QUERY_TYPE (GST_PAD_PROBE_INFO_QUERY (info)) == GST_QUERY_URI)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

static void
assert_error (Capture * cap, const gchar * needle, const gchar * what)
{
  fail_unless (capture_run (cap, FALSE), "%s: timed out", what);
  fail_unless (cap->error != NULL, "%s: no error", what);
  if (needle)
    fail_unless (strstr (cap->error->message, needle) != NULL,
        "%s: error '%s' does not say '%s'", what, cap->error->message, needle);
  g_print ("%s: %s\n", what, cap->error->message);
}

/* A split file missing (a directory of links to the wbag's metadata.yaml
 * and four of its five files): the others play, with a warning naming
 * the missing one */
GST_START_TEST (test_missing_split)
{
  const gchar *names[] = { "metadata.yaml", "wbag_0.db3", "wbag_1.db3",
    "wbag_2.db3", "wbag_3.db3", NULL
  };
  gchar *tmp, *desc;
  const gchar *args[6] = { "messages" };
  GPtrArray *ref;
  Capture *cap;
  guint i;

  if (!have_real ())
    return;
  tmp = g_dir_make_tmp ("bagsrc-rosbag2-XXXXXX", NULL);
  fail_unless (tmp != NULL);
  for (i = 0; names[i]; i++) {
    gchar *target = g_build_filename (SQLITE_WBAG, names[i], NULL);
    gchar *link = g_build_filename (tmp, names[i], NULL);

    fail_unless (symlink (target, link) == 0);
    if (i > 0)
      args[i] = g_strdup (target);
    g_free (target);
    g_free (link);
  }
  ref = ref2_lines (args);
  fail_unless_equals_int (ref->len, 6074 - 1108);
  desc = g_strdup_printf ("bagsrc name=d location=\"%s\" raw=true", tmp);
  cap = capture_new (desc);
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  fail_unless (capture_has_warning (cap, "wbag_4.db3"));
  fail_unless (capture_has_warning (cap, "missing"));
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *ours = capture_pad_lines (p);
    GPtrArray *theirs = lines_of_topic (ref, p->topic, 0);

    assert_same_stream (ours, theirs, p->topic);
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (theirs, TRUE);
  }
  fail_unless_equals_int (capture_n_buffers (cap), ref->len);
  capture_free (cap);
  g_free (desc);
  for (i = 0; names[i]; i++) {
    gchar *link = g_build_filename (tmp, names[i], NULL);

    g_unlink (link);
    g_free (link);
    if (i > 0)
      g_free ((gchar *) args[i]);
  }
  g_rmdir (tmp);
  g_free (tmp);
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

/* location changed in READY (from a bag to a directory) is what plays */
GST_START_TEST (test_location_in_ready)
{
  Capture *cap;

  if (!have_real ())
    return;
  cap = capture_new ("bagsrc name=d raw=true location=\"" TEST_FILES_DIR
      "/sample.bag\"");
  fail_if (gst_element_set_state (cap->pipeline, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE);
  g_object_set (cap->exposer, "location", MCAP_WBAG, NULL);
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  fail_unless_equals_int (capture_n_buffers (cap), 6074);
  fail_unless_equals_int (cap->pads->len, 8);
  capture_free (cap);
}

GST_END_TEST;

/* the pipeline @fmt... fails with an error saying @needle */
static void
expect_error (const gchar * needle, const gchar * what, const gchar * fmt, ...)
{
  va_list args;
  gchar *desc;
  Capture *cap;

  va_start (args, fmt);
  desc = g_strdup_vprintf (fmt, args);
  va_end (args);
  cap = capture_new (desc);
  assert_error (cap, needle, what);
  capture_free (cap);
  g_free (desc);
}

GST_START_TEST (test_errors)
{
  gchar *desc, *tmp;
  Capture *cap;

  /* a directory without any storage file */
  tmp = g_dir_make_tmp ("bagsrc-rosbag2-XXXXXX", NULL);
  fail_unless (tmp != NULL);
  desc = g_strdup_printf ("bagsrc name=d location=\"%s\"", tmp);
  cap = capture_new (desc);
  assert_error (cap, "no storage file", "empty directory");
  fail_unless (cap->error->domain == GST_RESOURCE_ERROR);
  capture_free (cap);
  g_free (desc);
  g_rmdir (tmp);
  g_free (tmp);

  if (!have_real ())
    return;

  /* a metadata.yaml whose files are all absent (target_metadata/ names
   * file_compression/..., which is not next to it), and its directory */
  expect_error (NULL, "metadata.yaml without its files",
      "bagsrc name=d location=\"%s\"",
      REINDEX "/target_metadata/file_compression/metadata.yaml");
  expect_error (NULL, "directory whose metadata.yaml names absent files",
      "bagsrc name=d location=\"%s\"", REINDEX
      "/target_metadata/file_compression");

  /* push mode: a metadata.yaml (whole, and in 7-byte pieces), and the
   * recording property */
  expect_error ("seekable", "push mode metadata.yaml",
      "filesrc location=\"%s/metadata.yaml\" ! queue ! bagdemux name=d",
      SQLITE_WBAG);
  expect_error ("seekable", "push mode metadata.yaml in 7-byte pieces",
      "filesrc location=\"%s/metadata.yaml\" blocksize=7 ! queue ! "
      "bagdemux name=d", SQLITE_WBAG);
  expect_error ("seekable", "push mode recording property",
      "filesrc location=\"%s/wbag_0.db3\" ! queue ! bagdemux name=d "
      "recording=\"%s\"", SQLITE_WBAG, SQLITE_WBAG);

  /* pull mode without a URI upstream: the files cannot be found */
  desc = g_strdup_printf ("filesrc name=f location=\"%s/metadata.yaml\" ! "
      "bagdemux name=d", SQLITE_WBAG);
  cap = capture_new (desc);
  {
    GstElement *f = gst_bin_get_by_name (GST_BIN (cap->pipeline), "f");
    GstPad *pad = gst_element_get_static_pad (f, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM,
        drop_uri_query, NULL, NULL);
    gst_object_unref (pad);
    gst_object_unref (f);
  }
  assert_error (cap, "local file", "no URI");
  capture_free (cap);
  g_free (desc);
}

GST_END_TEST;

/* filesrc ! bagdemux (pull mode) on a metadata.yaml, the recording
 * property, the typefinder, and uridecodebin on file:///DIR/metadata.yaml
 * (what playbin does) */
GST_START_TEST (test_bagdemux_and_typefind)
{
  GPtrArray *ref;
  GHashTable *counts;
  gchar *desc, *path, *uri;
  Capture *cap;
  GstCaps *caps;

  if (!have_real ())
    return;
  ref = ref2_messages (SQLITE_WBAG, FALSE);
  counts = ref2_counts (MCAP_WBAG);

  desc = g_strdup_printf ("filesrc location=\"%s/metadata.yaml\" ! "
      "bagdemux name=d raw=true", MCAP_WBAG);
  cap = capture_new (desc);
  fail_unless (capture_run (cap, FALSE));
  assert_recording (cap, ref, counts, "filesrc ! bagdemux");
  capture_free (cap);
  g_free (desc);

  desc = g_strdup_printf ("filesrc location=\"%s/wbag_3.mcap\" ! "
      "bagdemux name=d raw=true recording=\"%s\"", MCAP_WBAG, MCAP_WBAG);
  cap = capture_new (desc);
  fail_unless (capture_run (cap, FALSE));
  assert_recording (cap, ref, counts, "bagdemux recording=DIR");
  capture_free (cap);
  g_free (desc);

  path = g_build_filename (MCAP_WBAG, "metadata.yaml", NULL);
  {
    gchar *data = NULL;
    gsize size = 0;

    fail_unless (g_file_get_contents (path, &data, &size, NULL));
    caps = gst_type_find_helper_for_data (NULL, (const guint8 *) data, size,
        NULL);
    g_free (data);
  }
  fail_unless (caps != NULL);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "application/x-rosbag2-metadata"), "%" GST_PTR_FORMAT, caps);
  gst_caps_unref (caps);

  uri = gst_filename_to_uri (path, NULL);
  desc = g_strdup_printf ("uridecodebin name=d uri=\"%s\" "
      "caps=application/x-rosmsg", uri);
  cap = capture_new (desc);
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  fail_unless_equals_int (capture_n_buffers (cap), ref->len);
  fail_unless_equals_int (cap->pads->len, g_hash_table_size (counts));
  capture_free (cap);
  g_free (desc);
  g_free (uri);
  g_free (path);
  g_hash_table_unref (counts);
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

static Suite *
bagsrc_rosbag2_suite (void)
{
  Suite *s = suite_create ("bagsrc_rosbag2");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_split_directories);
  tcase_add_test (tc, test_directory_without_metadata);
  tcase_add_test (tc, test_zstd_file);
  tcase_add_test (tc, test_seek_across_files);
  tcase_add_test (tc, test_missing_split);
  tcase_add_test (tc, test_location_in_ready);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_bagdemux_and_typefind);
  return s;
}

GST_CHECK_MAIN (bagsrc_rosbag2);
