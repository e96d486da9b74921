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

/* bagsrc: the element (flags, URI handler, properties forwarded to its
 * children), playback of the fixture and real bags through it against
 * python3-rosbag, topic and time filters, seeks and queries through the
 * ghost pads, bounded queues with sparse topics, progressreport, errors. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include "rosbag-test-util.h"
#include "bagcapture.h"

#define FIX(name) TEST_FILES_DIR "/" name

static Capture *
src_run (const gchar * path, const gchar * props, gboolean sync)
{
  gchar *desc = g_strdup_printf ("bagsrc name=d location=\"%s\" %s", path,
      props ? props : "");
  Capture *cap = capture_new (desc);

  g_free (desc);
  cap->sync = sync;
  fail_unless (capture_run (cap, FALSE), "%s timed out", path);
  return cap;
}

/* python's messages of one topic, from the list of all */
static GPtrArray *
ref_topic (GPtrArray * all, const gchar * topic)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  gchar *prefix = g_strdup_printf ("%s\t", topic);
  guint i;

  for (i = 0; i < all->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (all, i), prefix))
      g_ptr_array_add (res, g_strdup (g_ptr_array_index (all, i)));
  g_free (prefix);
  return res;
}

/* every pad's messages equal python's for its topic, in time order, and
 * the pads cover every topic python has messages for */
static void
assert_pads_equal_ref (Capture * cap, GPtrArray * ref, const gchar * what)
{
  GHashTable *topics = g_hash_table_new (g_str_hash, g_str_equal);
  guint i, n = 0;

  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *ours = capture_pad_lines (p);
    GPtrArray *theirs = ref_topic (ref, p->topic);
    gchar *w = g_strdup_printf ("%s %s", what, p->topic);

    assert_same_stream (ours, theirs, w);
    n += ours->len;
    g_hash_table_add (topics, p->topic);
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (theirs, TRUE);
    g_free (w);
  }
  fail_unless_equals_int (n, ref->len);
  g_hash_table_unref (topics);
}

static void
assert_events (Capture * cap, const gchar * what)
{
  GRegex *re = g_regex_new ("^SC(TG|GT)[bg]*E$", 0, 0, NULL);
  guint i;

  fail_unless (cap->pads->len > 0, "%s: no pads", what);
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    fail_unless (g_regex_match (re, p->events->str, 0, NULL),
        "%s: pad %s got events %s", what, p->name, p->events->str);
    fail_unless_equals_int (p->n_eos, 1);
  }
  g_regex_unref (re);
}

GST_START_TEST (test_element)
{
  GstElement *src = gst_element_factory_make ("bagsrc", NULL);
  GstElement *demux;
  const gchar *const *protocols;
  GError *err = NULL;
  gchar *s, *uri;
  guint u;
  guint64 u64;
  gboolean b;
  gint e;

  fail_unless (src != NULL);
  fail_unless (GST_IS_BIN (src));
  fail_unless (GST_OBJECT_FLAG_IS_SET (src, GST_ELEMENT_FLAG_SOURCE));
  fail_unless (GST_IS_URI_HANDLER (src));
  fail_unless_equals_int (gst_uri_handler_get_uri_type (GST_URI_HANDLER
          (src)), GST_URI_SRC);
  protocols = gst_uri_handler_get_protocols (GST_URI_HANDLER (src));
  fail_unless (protocols && g_strv_contains (protocols, "file"));

  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "file:///tmp/some%20dir/x.bag", &err));
  g_object_get (src, "location", &s, NULL);
  fail_unless_equals_string (s, "/tmp/some dir/x.bag");
  g_free (s);
  uri = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless_equals_string (uri, "file:///tmp/some%20dir/x.bag");
  g_free (uri);
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "http://example.com/x.bag", &err));
  fail_unless (err != NULL);
  g_clear_error (&err);

  /* defaults of the queues */
  g_object_get (src, "max-size-buffers", &u, NULL);
  fail_unless_equals_int (u, 0);
  g_object_get (src, "max-size-bytes", &u, NULL);
  fail_unless_equals_int (u, 16 * 1024 * 1024);
  g_object_get (src, "max-size-time", &u64, NULL);
  fail_unless_equals_uint64 (u64, GST_SECOND);

  /* forwarded to the children */
  g_object_set (src, "topics", "/imu, /cam*", "raw", TRUE, "start-time",
      (guint64) 5, "stop-time", (guint64) 77, "timestamp-source", 1,
      "cache-size", (guint64) 12345, "max-size-buffers", 7, "max-size-bytes",
      1000, "max-size-time", (guint64) 42, NULL);
  demux = gst_bin_get_by_name (GST_BIN (src), "demux");
  fail_unless (demux != NULL);
  g_object_get (demux, "topics", &s, "raw", &b, "start-time", &u64, NULL);
  fail_unless_equals_string (s, "/imu, /cam*");
  fail_unless (b);
  fail_unless_equals_uint64 (u64, 5);
  g_free (s);
  g_object_get (demux, "stop-time", &u64, "timestamp-source", &e, NULL);
  fail_unless_equals_uint64 (u64, 77);
  fail_unless_equals_int (e, 1);
  g_object_get (demux, "cache-size", &u64, NULL);
  fail_unless_equals_uint64 (u64, 12345);
  /* (the topics' queues are made with the pads: see test_queue_limits) */
  g_object_get (src, "max-size-buffers", &u, NULL);
  fail_unless_equals_int (u, 7);
  g_object_get (src, "max-size-bytes", &u, NULL);
  fail_unless_equals_int (u, 1000);
  g_object_get (src, "max-size-time", &u64, NULL);
  fail_unless_equals_uint64 (u64, 42);
  g_object_get (src, "batch-time", &u64, NULL);
  fail_unless_equals_uint64 (u64, 20 * GST_MSECOND);
  g_object_set (src, "batch-time", (guint64) 0, NULL);
  g_object_get (demux, "batch-time", &u64, NULL);
  fail_unless_equals_uint64 (u64, 0);
  g_object_get (src, "topics", &s, NULL);
  fail_unless_equals_string (s, "/imu, /cam*");
  g_free (s);
  gst_object_unref (demux);
  gst_object_unref (src);
}

GST_END_TEST;

/* The fixture bags through bagsrc, raw: each pad's bytes equal python's
 * messages of its topic */
GST_START_TEST (test_play_fixtures)
{
  const gchar *bags[] = { "sample.bag", "basic-lz4.bag", "multiconn.bag",
    "overlap.bag", "names.bag", NULL
  };
  guint i;

  for (i = 0; bags[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, bags[i], NULL);
    Capture *cap = src_run (path, "raw=true", FALSE);
    GPtrArray *ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    RefInfo *info = cref_info (path);
    guint k;

    fail_if (cap->error, "%s: %s", path, cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    assert_events (cap, path);
    fail_unless_equals_int (cap->pads->len, info->topics->len);
    assert_pads_equal_ref (cap, ref, path);
    for (k = 0; k < cap->pads->len; k++) {
      CapPad *p = g_ptr_array_index (cap->pads, k);
      guint j;

      for (j = 0; j < p->bufs->len; j++) {
        CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

        fail_unless_equals_uint64 (b->pts, b->recv - info->start_ns);
      }
    }
    ref_info_free (info);
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

/* Pad names and caps through the ghost pads (default mapping) */
GST_START_TEST (test_pads_and_caps)
{
  const gchar *names[][2] = {
    {"cam0_image_raw", "/cam0/image_raw"}, {"cam1_image_raw",
        "/cam1/image_raw"}, {"imu", "/imu"}, {"joint_states", "/joint_states"},
  };
  Capture *cap = src_run (FIX ("sample.bag"), NULL, FALSE);
  guint i;

  fail_if (cap->error);
  fail_unless_equals_int (cap->pads->len, 4);
  fail_unless (cap->nmp_seq > 0);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    CapPad *p = capture_find_pad (cap, names[i][0]);
    GstStructure *st;

    fail_unless (p != NULL, "no pad %s", names[i][0]);
    fail_unless_equals_string (p->topic, names[i][1]);
    st = gst_caps_get_structure (g_ptr_array_index (p->caps, 0), 0);
    fail_unless_equals_string (gst_structure_get_name (st), i < 2 ?
        "video/x-raw" : "application/x-rosmsg");
    fail_unless_equals_int (p->bufs->len, i < 2 ? 30 : i == 2 ? 300 : 150);
  }
  capture_free (cap);
}

GST_END_TEST;

/* The real bags of 200 KB and more (bagdemux's test takes the smaller) */
GST_START_TEST (test_realbags)
{
  GPtrArray *bags = list_bags (TEST_REALBAGS_DIR);
  guint i, n = 0;

  if (!bags) {
    g_print ("SKIP: %s is absent: no real bags tested\n", TEST_REALBAGS_DIR);
    return;
  }
  for (i = 0; i < bags->len; i++) {
    gchar *path = g_build_filename (TEST_REALBAGS_DIR,
        (gchar *) g_ptr_array_index (bags, i), NULL);
    const gchar *args[] = { "messages", path, NULL };
    GStatBuf st;
    gboolean ok;
    gchar *out;
    Capture *cap;
    GPtrArray *ref;

    fail_unless (g_stat (path, &st) == 0);
    if (st.st_size < 200 * 1024) {
      g_free (path);
      continue;
    }
    n++;
    out = ref_cached (args, &ok);
    g_free (out);
    cap = src_run (path, "raw=true", FALSE);
    if (!ok) {
      fail_unless (cap->error != NULL, "%s: python3-rosbag cannot read it "
          "but we posted no error", path);
    } else {
      ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
      fail_if (cap->error, "%s: %s", path, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos);
      assert_events (cap, path);
      if (g_str_has_suffix (path, ".active")) {
        fail_unless (cap->warnings->len > 0);
      } else {
        fail_unless_equals_int (cap->warnings->len, 0);
        assert_pads_equal_ref (cap, ref, path);
      }
      g_ptr_array_free (ref, TRUE);
    }
    capture_free (cap);
    g_free (path);
  }
  g_print ("%u real bags of 200 KB or more compared\n", n);
  g_ptr_array_free (bags, TRUE);
}

GST_END_TEST;

/* topics, start-time, stop-time and timestamp-source through bagsrc */
GST_START_TEST (test_filters)
{
  const gchar *path = FIX ("sample.bag");
  RefInfo *info = cref_info (path);
  guint64 base = info->start_ns;
  Capture *cap = src_run (path, "raw=true topics=\"/imu, /cam0*\" "
      "start-time=500000000 stop-time=2000000000 timestamp-source=header",
      FALSE);
  GPtrArray *ref = cref_messages (path, "/imu,/cam0/image_raw",
      base + 500 * GST_MSECOND, base + 2 * GST_SECOND);
  GPtrArray *full = ref_messages_full (path, NULL, NULL);
  GHashTable *stamp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guint i, k;

  fail_if (cap->error);
  fail_unless_equals_int (cap->pads->len, 2);
  fail_unless (capture_find_pad (cap, "imu") != NULL);
  fail_unless (capture_find_pad (cap, "cam0_image_raw") != NULL);
  assert_pads_equal_ref (cap, ref, "filters");
  for (i = 0; i < full->len; i++) {
    gchar **f = g_ptr_array_index (full, i);

    g_hash_table_insert (stamp, g_strdup_printf ("%s\t%s\t%s\t%s", f[0], f[1],
            f[2], f[3]), f[4]);
  }
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *lines = capture_pad_lines (p);

    for (k = 0; k < p->bufs->len; k++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, k);
      const gchar *hs = g_hash_table_lookup (stamp,
          g_ptr_array_index (lines, k));
      guint64 h;

      fail_unless (hs != NULL && strcmp (hs, "-") != 0);
      h = g_ascii_strtoull (hs, NULL, 10);
      fail_unless_equals_uint64 (b->hdr, h);
      fail_unless_equals_uint64 (b->pts, h >= base ? h - base : 0);
    }
    g_ptr_array_free (lines, TRUE);
  }
  g_hash_table_unref (stamp);
  g_ptr_array_free (full, TRUE);
  g_ptr_array_free (ref, TRUE);
  ref_info_free (info);
  capture_free (cap);
}

GST_END_TEST;

/* duration, seeking, position and URI queries through the ghost pads; a
 * flushing seek on the pipeline */
GST_START_TEST (test_seek_and_queries)
{
  const gchar *path = FIX ("basic-bz2.bag");
  RefInfo *info = cref_info (path);
  guint64 dur = info->end_ns - info->start_ns;
  gchar *desc = g_strdup_printf ("bagsrc name=d location=\"%s\" raw=true",
      path);
  Capture *cap = capture_new (desc);
  GstPad *ghost;
  GstQuery *q;
  gboolean seekable;
  gint64 v, start, stop;
  gchar *uri, *expect;
  GPtrArray *ref;

  g_free (desc);
  fail_if (gst_element_set_state (cap->pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  capture_wait_no_more_pads (cap);
  fail_unless (gst_element_query_duration (cap->pipeline, GST_FORMAT_TIME, &v));
  fail_unless_equals_int64 (v, dur);
  ghost = gst_element_get_static_pad (cap->exposer, "imu");
  fail_unless (ghost != NULL);
  fail_unless (GST_IS_GHOST_PAD (ghost));
  q = gst_query_new_seeking (GST_FORMAT_TIME);
  fail_unless (gst_pad_query (ghost, q));
  gst_query_parse_seeking (q, NULL, &seekable, &start, &stop);
  fail_unless (seekable);
  fail_unless_equals_int64 (stop, dur);
  gst_query_unref (q);
  q = gst_query_new_uri ();
  fail_unless (gst_pad_query (ghost, q));
  gst_query_parse_uri (q, &uri);
  expect = gst_filename_to_uri (path, NULL);
  fail_unless_equals_string (uri, expect);
  g_free (uri);
  g_free (expect);
  gst_query_unref (q);

  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 2 * GST_SECOND,
          GST_SEEK_TYPE_SET, 3 * GST_SECOND));
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error);
  fail_unless (cap->eos);
  fail_unless (gst_pad_query_position (ghost, GST_FORMAT_TIME, &v));
  fail_unless (v >= 2 * GST_SECOND && v <= 3 * GST_SECOND);
  ref = cref_messages (path, NULL, info->start_ns + 2 * GST_SECOND,
      info->start_ns + 3 * GST_SECOND);
  fail_unless (ref->len > 50);
  assert_pads_equal_ref (cap, ref, "seek [2 s, 3 s)");
  g_ptr_array_free (ref, TRUE);
  gst_object_unref (ghost);
  ref_info_free (info);
  capture_free (cap);
}

GST_END_TEST;

/* Tiny queues, a latched topic with one message and a sparse one: the
 * GAP events keep the queues going; and a clock-synced run */
GST_START_TEST (test_small_queues)
{
  const gchar *bags[] = { "multiconn.bag", "sample.bag", NULL };
  guint i;

  for (i = 0; bags[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, bags[i], NULL);
    Capture *cap = src_run (path, "raw=true max-size-buffers=2 "
        "max-size-bytes=0 max-size-time=0", i == 0);
    GPtrArray *ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);

    fail_if (cap->error);
    fail_unless (cap->eos);
    assert_pads_equal_ref (cap, ref, path);
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

/* progressreport after bagsrc reports the bag's duration */
GST_START_TEST (test_progressreport)
{
  Capture *cap = capture_new ("bagsrc name=d location=\"" FIX ("sample.bag")
      "\" topics=/imu ! progressreport silent=true update-freq=1 ! "
      "fakesink");
  guint i;
  gboolean found = FALSE;

  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error);
  fail_unless (cap->eos);
  for (i = 0; i < cap->element_msgs->len; i++) {
    GstStructure *st = g_ptr_array_index (cap->element_msgs, i);
    gint64 total = 0, current = 0;
    gint fmt = 0;
    gdouble percent = 0;

    if (!gst_structure_has_name (st, "progress"))
      continue;
    fail_unless (gst_structure_get_enum (st, "format", GST_TYPE_FORMAT, &fmt));
    fail_unless_equals_int (fmt, GST_FORMAT_TIME);
    fail_unless (gst_structure_get_double (st, "percent-double", &percent));
    /* the last one comes at EOS: the whole bag */
    if (i == cap->element_msgs->len - 1)
      fail_unless (percent > 90.0, "%f %%", percent);
    fail_unless (gst_structure_get_int64 (st, "total", &total));
    fail_unless (gst_structure_get_int64 (st, "current", &current));
    GST_INFO ("progress %" GST_PTR_FORMAT, st);
    fail_unless (total == 2 || total == 3, "total %" G_GINT64_FORMAT, total);
    fail_unless (current <= total);
    found = TRUE;
  }
  fail_unless (found, "no progress message");
  capture_free (cap);
}

GST_END_TEST;

GST_START_TEST (test_errors)
{
  GstElement *src = gst_element_factory_make ("bagsrc", NULL);
  Capture *cap;

  /* no location */
  fail_unless (gst_element_set_state (src, GST_STATE_READY) ==
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);

  cap = src_run ("/nonexistent/dir/y.bag", NULL, FALSE);
  fail_unless (cap->error != NULL);
  fail_unless (cap->error->domain == GST_RESOURCE_ERROR);
  fail_unless (strstr (cap->error->message, "/nonexistent/dir/y.bag") ||
      strstr (cap->error_debug, "/nonexistent/dir/y.bag"));
  capture_free (cap);

  cap = src_run (FIX ("empty.bag"), NULL, FALSE);
  fail_unless (cap->error != NULL);
  fail_unless (strstr (cap->error->message, "empty.bag") != NULL, "%s",
      cap->error->message);
  capture_free (cap);

  if (g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR)) {
    /* a rosbag2 sqlite3 database named .bag: a recording (7 messages) */
    cap = src_run (TEST_REALBAGS_DIR
        "/rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag", NULL, FALSE);
    fail_unless (cap->error == NULL, "%s", cap->error->message);
    fail_unless_equals_int (capture_n_buffers (cap), 7);
    capture_free (cap);
  } else {
    g_print ("SKIP: %s is absent\n", TEST_REALBAGS_DIR);
  }
}

GST_END_TEST;

/* bagsrc can be set up again after a run (READY -> PAUSED twice) */
GST_START_TEST (test_replay)
{
  Capture *cap = src_run (FIX ("multiconn.bag"), "raw=true", FALSE);
  guint n1 = capture_n_buffers (cap), npads = cap->pads->len;

  fail_if (cap->error);
  fail_unless (n1 > 0);
  fail_unless (gst_element_set_state (cap->pipeline, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (cap->exposer->numsrcpads, 0);
  /* the fakesinks of the first run go */
  for (;;) {
    GList *l;
    GstElement *sink = NULL;

    for (l = GST_BIN_CHILDREN (cap->pipeline); l; l = l->next)
      if (l->data != (gpointer) cap->exposer)
        sink = l->data;
    if (!sink)
      break;
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (cap->pipeline), sink);
  }
  capture_clear_buffers (cap);
  cap->eos = FALSE;
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  fail_unless (cap->eos);
  fail_unless_equals_int (cap->pads->len, 2 * npads);
  fail_unless_equals_int (capture_n_buffers (cap), n1);
  capture_free (cap);
}

GST_END_TEST;

/* Images big enough to share their chunk's memory (640x480 rgb8: each is
 * most of its chunk) must release it: every buffer bagdemux pulled from
 * filesrc is finalized once the pipeline is gone. (A leaked reference in
 * the image path once kept every chunk of a bag alive.) */
static void
pulled_buffer_gone (gpointer data, GstMiniObject * obj)
{
  g_atomic_int_add ((gint *) data, -1);
}

static GstPadProbeReturn
count_pulled (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  if (buf) {
    g_atomic_int_add ((gint *) data, 1);
    gst_mini_object_weak_ref (GST_MINI_OBJECT (buf), pulled_buffer_gone, data);
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_big_images_release_chunks)
{
  gchar *dir = g_dir_make_tmp ("bagsrc-big-XXXXXX", NULL);
  gchar *path = g_strdup_printf ("%s/big.bag", dir);
  gchar *script = g_strdup_printf ("import rosbag, rospy\n"
      "from sensor_msgs.msg import Image\n"
      "b = rosbag.Bag('%s', 'w')\n"
      "for k in range(6):\n"
      "    m = Image(height=480, width=640, encoding='rgb8', step=1920)\n"
      "    m.data = bytes([k]) * (1920 * 480)\n"
      "    m.header.stamp = rospy.Time(100, k * 100000000)\n"
      "    b.write('/cam/image_raw', m, m.header.stamp)\n" "b.close()\n", path);
  const gchar *argv[] = { TEST_PYTHON, "-c", script, NULL };
  gint status = -1, alive = 0;
  gchar *desc;
  Capture *cap;
  GstElement *src;
  GstPad *pad;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL,
          NULL, NULL, &status, NULL) && status == 0, "python3-rosbag");
  /* through the pull range (mapped, nothing is pulled) */
  desc = g_strdup_printf ("bagsrc name=d location=\"%s\" use-mmap=false", path);
  cap = capture_new (desc);
  src = gst_bin_get_by_name (GST_BIN (cap->exposer), "source");
  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_PULL | GST_PAD_PROBE_TYPE_BUFFER,
      count_pulled, &alive, NULL);
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error);
  fail_unless (cap->eos);
  fail_unless_equals_int (capture_n_buffers (cap), 6);
  gst_object_unref (pad);
  gst_object_unref (src);
  capture_free (cap);
  fail_unless_equals_int (g_atomic_int_get (&alive), 0);

  g_unlink (path);
  g_rmdir (dir);
  g_free (desc);
  g_free (script);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* Video frames carry durations: the interval since the topic's previous
 * frame, the first the topic's mean interval (so that a muxer can give the
 * last frame its length); non-video buffers carry none */
static GstPadProbeReturn
record_timing (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GArray *arr = data;
  GstBufferList *list = NULL;
  guint i, n = 1;

  /* (small messages come in lists) */
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    n = gst_buffer_list_length (list);
  }
  for (i = 0; i < n; i++) {
    GstBuffer *buf = list ? gst_buffer_list_get (list, i) :
        GST_PAD_PROBE_INFO_BUFFER (info);

    g_array_append_val (arr, GST_BUFFER_PTS (buf));
    g_array_append_val (arr, GST_BUFFER_DURATION (buf));
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_frame_durations)
{
  const gchar *topics[] = { "/cam0/image_raw", "/imu", NULL };
  guint t;

  for (t = 0; topics[t]; t++) {
    GArray *arr = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
    gchar *desc = g_strdup_printf ("bagsrc location=\"%s\" topics=%s "
        "! fakesink name=sink", FIX ("sample.bag"), topics[t]);
    GstElement *pipe = gst_parse_launch (desc, NULL);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    GstBus *bus = gst_element_get_bus (pipe);
    GstMessage *msg;
    guint i, n;

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_BUFFER_LIST, record_timing, arr, NULL);
    gst_element_set_state (pipe, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
    gst_message_unref (msg);
    gst_element_set_state (pipe, GST_STATE_NULL);

    n = arr->len / 2;
    fail_unless (n > 10);
    for (i = 0; i < n; i++) {
      GstClockTime pts = g_array_index (arr, GstClockTime, 2 * i);
      GstClockTime dur = g_array_index (arr, GstClockTime, 2 * i + 1);

      if (t == 1) {
        fail_if (GST_CLOCK_TIME_IS_VALID (dur), "imu buffer with duration");
      } else if (i == 0) {
        /* 30 frames in 2.9 s: 100 ms */
        fail_unless (dur >= 90 * GST_MSECOND && dur <= 110 * GST_MSECOND,
            "first frame duration %" GST_TIME_FORMAT, GST_TIME_ARGS (dur));
      } else {
        fail_unless_equals_uint64 (dur,
            pts - g_array_index (arr, GstClockTime, 2 * (i - 1)));
      }
    }
    gst_object_unref (bus);
    gst_object_unref (pad);
    gst_object_unref (sink);
    gst_object_unref (pipe);
    g_free (desc);
    g_array_unref (arr);
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* MCAP */

/* every buffer: PTS = log time - the first log time, the publish-time
 * meta @mcap/core reads */
static void
assert_mcap_buffers (Capture * cap, McapRef * ref, const gchar * what)
{
  guint64 base = G_MAXUINT64;
  guint i, j;

  for (i = 0; i < ref->lines->len; i++)
    base = MIN (base, line_time (g_ptr_array_index (ref->lines, i)));
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *lines = capture_pad_lines (p);

    for (j = 0; j < p->bufs->len; j++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

      fail_unless_equals_int (b->n_recv, 1);
      fail_unless_equals_int (b->n_pub, 1);
      fail_unless_equals_uint64 (b->pts, b->recv - base);
      fail_unless_equals_uint64 (b->pub, mcap_ref_publish (ref,
              g_ptr_array_index (lines, j)));
    }
    g_ptr_array_free (lines, TRUE);
  }
}

/* bagsrc location=X.mcap: a pad per topic, named like bagdemux names them;
 * each pad's messages in log-time order as @mcap/core reads them (the
 * README's counts where node is not there) */
GST_START_TEST (test_mcap_play)
{
  const struct
  {
    const gchar *name;
    const gchar *pads[6][2];    /* pad, topic=count */
  } cases[] = {
    {"zstd.mcap", {{"chatter", "/chatter=10"}, {"imu", "/imu=200"},
            {"joint_states", "/joint_states=100"}, {"tf", "/tf=100"}}},
    {"overlap.mcap", {{"a", "/a=88"}, {"b", "/b=87"}}},
    {"multichannel.mcap", {{"chatter", "/chatter=100"}, {"raw", "/raw=12"},
            {"status", "/status=12"}, {"unused", "/unused=0"}}},
    {"nosummary.mcap", {{"chatter", "/chatter=10"}, {"imu", "/imu=200"},
            {"joint_states", "/joint_states=100"}, {"tf", "/tf=100"}}},
  };
  guint i, k;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = mcap_fixture (cases[i].name);
    Capture *cap;
    McapRef *ref;
    guint n_pads = 0;

    if (!path)
      continue;
    cap = src_run (path, "raw=true", FALSE);
    fail_if (cap->error, "%s: %s", path, cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    assert_events (cap, path);
    for (k = 0; k < G_N_ELEMENTS (cases[i].pads) && cases[i].pads[k][0]; k++) {
      CapPad *p = capture_find_pad (cap, cases[i].pads[k][0]);
      gchar **kv = g_strsplit (cases[i].pads[k][1], "=", 2);

      fail_unless (p != NULL, "%s: no pad %s", path, cases[i].pads[k][0]);
      fail_unless_equals_string (p->topic, kv[0]);
      fail_unless_equals_int (p->bufs->len, atoi (kv[1]));
      g_strfreev (kv);
      n_pads++;
    }
    fail_unless_equals_int (cap->pads->len, n_pads);
    ref = mcap_ref (path);
    if (ref) {
      GPtrArray *sorted = mcap_ref_time_order (ref, NULL);

      assert_pads_equal_ref (cap, sorted, path);
      assert_mcap_buffers (cap, ref, path);
      g_ptr_array_free (sorted, TRUE);
      mcap_ref_free (ref);
    }
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

/* The real MCAP files of ../shared/mcap/real (rosbag2, DDS Record &
 * Replay): every pad as @mcap/core reads its topic */
GST_START_TEST (test_mcap_real)
{
  const gchar *dir = TEST_REALBAGS_DIR "/../mcap/real";
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const gchar *n;
  guint i, compared = 0;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || !mcap_ref_available ()) {
    g_print ("SKIP: %s or the @mcap/core reference is absent\n", dir);
    g_ptr_array_free (files, TRUE);
    return;
  }
  /* the files at the top and one folder down (rosbag2 directories) */
  d = g_dir_open (dir, 0, NULL);
  while (d && (n = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, n, NULL);

    if (g_str_has_suffix (n, ".mcap")) {
      g_ptr_array_add (files, p);
    } else if (g_file_test (p, G_FILE_TEST_IS_DIR)) {
      GDir *sub = g_dir_open (p, 0, NULL);
      const gchar *m;

      while (sub && (m = g_dir_read_name (sub)))
        if (g_str_has_suffix (m, ".mcap"))
          g_ptr_array_add (files, g_build_filename (p, m, NULL));
      if (sub)
        g_dir_close (sub);
      g_free (p);
    } else {
      g_free (p);
    }
  }
  if (d)
    g_dir_close (d);

  for (i = 0; i < files->len; i++) {
    const gchar *path = g_ptr_array_index (files, i);
    McapRef *ref = mcap_ref (path);
    Capture *cap;

    cap = src_run (path, "raw=true", FALSE);
    if (ref->lines->len == 0) {
      /* no messages (or no channels): an error or no buffers */
      fail_unless_equals_int (capture_n_buffers (cap), 0);
    } else {
      GPtrArray *sorted = mcap_ref_time_order (ref, NULL);

      fail_if (cap->error, "%s: %s", path, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos, "%s: no EOS", path);
      assert_pads_equal_ref (cap, sorted, path);
      assert_mcap_buffers (cap, ref, path);
      g_ptr_array_free (sorted, TRUE);
      compared++;
    }
    capture_free (cap);
    mcap_ref_free (ref);
  }
  g_print ("%u real MCAP files compared with @mcap/core\n", compared);
  fail_unless (compared >= 8);
  g_ptr_array_free (files, TRUE);
}

GST_END_TEST;

/* A topic nobody links never stops the others: bagsrc with only one of
 * its pads linked plays all of that topic's messages, without an error
 * (the queues of the unlinked topics go on, dropping what they get) */
GST_START_TEST (test_unlinked_topics)
{
  const gchar *files[] = { FIX ("sample.bag"), FIX ("mcap/zstd.mcap"),
    NULL
  };
  guint fi, i;

  for (fi = 0; files[fi]; fi++) {
    Capture *all = src_run (files[fi], NULL, FALSE);

    fail_if (all->error);
    fail_unless (all->pads->len >= 4);
    for (i = 0; i < all->pads->len; i++) {
      CapPad *p = g_ptr_array_index (all->pads, i);
      gchar *desc = g_strdup_printf ("bagsrc name=d location=\"%s\" d.%s ! "
          "fakesink name=s sync=false", files[fi], p->name);
      GstElement *pipe = gst_parse_launch (desc, NULL);
      GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
      GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
      GstBus *bus = gst_element_get_bus (pipe);
      GstMessage *m;
      guint n = 0;

      gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
          GST_PAD_PROBE_TYPE_BUFFER_LIST, capture_count_buffers_probe, &n,
          NULL);
      gst_element_set_state (pipe, GST_STATE_PLAYING);
      m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
          GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      fail_unless (m != NULL, "%s timed out", desc);
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
        GError *err = NULL;
        gchar *dbg = NULL;

        gst_message_parse_error (m, &err, &dbg);
        fail ("%s: %s (%s)", desc, err->message, dbg);
      }
      gst_message_unref (m);
      gst_element_set_state (pipe, GST_STATE_NULL);
      fail_unless (n == p->bufs->len, "%s: %u buffers of %u", desc, n,
          p->bufs->len);
      gst_object_unref (bus);
      gst_object_unref (sinkpad);
      gst_object_unref (sink);
      gst_object_unref (pipe);
      g_free (desc);
    }
    capture_free (all);
  }
}

GST_END_TEST;

/* No topic can link downstream (BGR into pngenc): an error, never a
 * pipeline waiting forever. bagdemux may already have pushed every message
 * into bagsrc's queue when the queue meets the unlinked pad, so bagsrc
 * itself says it; repeated, as the order of the threads varies. */
GST_START_TEST (test_not_linked_is_an_error)
{
  gchar *desc = g_strdup_printf ("bagsrc location=%s topics=/img/bgr8 ! "
      "pngenc ! fakesink", FIX ("mcap/ros2-images.mcap"));
  guint run;

  for (run = 0; run < 25; run++) {
    GstElement *pipe = gst_parse_launch (desc, NULL);
    GstBus *bus = gst_element_get_bus (pipe);
    GstMessage *m;

    fail_unless (pipe != NULL);
    gst_element_set_state (pipe, GST_STATE_PLAYING);
    m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    fail_unless (m != NULL, "run %u: neither an error nor EOS in 20 s", run);
    fail_unless_equals_int (GST_MESSAGE_TYPE (m), GST_MESSAGE_ERROR);
    gst_message_unref (m);
    gst_element_set_state (pipe, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (pipe);
  }
  g_free (desc);
}

GST_END_TEST;

static GstPadProbeReturn
count_pulled_bytes (GstPad * pad, GstPadProbeInfo * info, guint64 * bytes)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    __atomic_add_fetch (bytes, gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER
            (info)), __ATOMIC_RELAXED);
  return GST_PAD_PROBE_OK;
}

/* @desc with the file source named "fs": what every pad gave, and how many
 * bytes were pulled from the source */
static GPtrArray *
run_counting_pulls (const gchar * desc, guint64 * pulled)
{
  Capture *cap = capture_new (desc);
  GstElement *fs = gst_bin_get_by_name (GST_BIN (cap->pipeline), "fs");
  GstPad *pad = gst_element_get_static_pad (fs, "src");
  GPtrArray *lines;

  *pulled = 0;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_PULL | GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) count_pulled_bytes, pulled, NULL);
  gst_object_unref (pad);
  gst_object_unref (fs);
  fail_unless (capture_run (cap, FALSE), "%s timed out", desc);
  fail_if (cap->error, "%s: %s", desc, cap->error ? cap->error->message : "");
  fail_unless (cap->eos, "%s: no EOS", desc);
  lines = capture_lines (cap);
  capture_free (cap);
  return lines;
}

/* use-mmap: a local file straight from filesrc is read mapped (nothing
 * pulled but the first bytes), everything else through the pull range,
 * and both give python3-rosbag's messages (MCAP: the same as the pull
 * range) */
GST_START_TEST (test_use_mmap)
{
  const gchar *files[] = { "sample.bag", "basic-lz4.bag", "basic-bz2.bag",
    "unindexed-lz4.bag", "multiconn.bag", "mcap/lz4.mcap", "mcap/none.mcap",
    "mcap/noindex.mcap", NULL
  };
  guint i;

  for (i = 0; files[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, files[i], NULL);
    const gchar *how[] = { "filesrc name=fs location=\"%s\" ! "
          "bagdemux name=d raw=true",
      "filesrc name=fs location=\"%s\" ! bagdemux name=d raw=true "
          "use-mmap=false",
      "filesrc name=fs location=\"%s\" ! typefind ! bagdemux name=d " "raw=true"
    };
    GPtrArray *lines[3];
    guint64 pulled[3];
    GStatBuf st;
    guint k;

    fail_unless (g_stat (path, &st) == 0);
    for (k = 0; k < 3; k++) {
      gchar *desc = g_strdup_printf (how[k], path);

      lines[k] = run_counting_pulls (desc, &pulled[k]);
      g_free (desc);
    }
    /* mapped: only the sniff of the first bytes came through the pad */
    fail_unless (pulled[0] <= 64 * 1024, "%s: %" G_GUINT64_FORMAT " bytes "
        "pulled with use-mmap", path, pulled[0]);
    /* not mapped: off, or something between filesrc and the demuxer */
    for (k = 1; k < 3; k++)
      fail_unless (pulled[k] >= (guint64) st.st_size / 2 || st.st_size < 4096,
          "%s (%s): only %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
          " bytes pulled", path, how[k], pulled[k], (guint64) st.st_size);
    for (k = 1; k < 3; k++)
      assert_same_stream (lines[0], lines[k], path);
    if (g_str_has_suffix (path, ".bag")) {
      GPtrArray *ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);

      fail_unless_equals_int (lines[0]->len, ref->len);
      g_ptr_array_free (ref, TRUE);
    }
    fail_unless (lines[0]->len > 0, "%s: no messages", path);
    for (k = 0; k < 3; k++)
      g_ptr_array_free (lines[k], TRUE);
    g_free (path);
  }
}

GST_END_TEST;

/* bagsrc forwards use-mmap to its demuxer */
GST_START_TEST (test_use_mmap_forwarded)
{
  GstElement *src = gst_element_factory_make ("bagsrc", NULL);
  gboolean v = TRUE;

  g_object_get (src, "use-mmap", &v, NULL);
  fail_unless (v);
  g_object_set (src, "use-mmap", FALSE, NULL);
  g_object_get (src, "use-mmap", &v, NULL);
  fail_if (v);
  gst_object_unref (src);
}

GST_END_TEST;

static Suite *
bagsrc_suite (void)
{
  Suite *s = suite_create ("bagsrc");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_element);
  tcase_add_test (tc, test_play_fixtures);
  tcase_add_test (tc, test_pads_and_caps);
  tcase_add_test (tc, test_realbags);
  tcase_add_test (tc, test_filters);
  tcase_add_test (tc, test_seek_and_queries);
  tcase_add_test (tc, test_small_queues);
  tcase_add_test (tc, test_progressreport);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_replay);
  tcase_add_test (tc, test_big_images_release_chunks);
  tcase_add_test (tc, test_frame_durations);
  tcase_add_test (tc, test_mcap_play);
  tcase_add_test (tc, test_mcap_real);
  tcase_add_test (tc, test_unlinked_topics);
  tcase_add_test (tc, test_not_linked_is_an_error);
  tcase_add_test (tc, test_use_mmap);
  tcase_add_test (tc, test_use_mmap_forwarded);
  return s;
}

GST_CHECK_MAIN (bagsrc);
