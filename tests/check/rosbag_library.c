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

/* The format library (gst/rosbag) against python3-rosbag on the fixture
 * bags of tests/files: index, topics, the message stream, filters, seeks,
 * the chunk cache, overlapping chunks, several connections per topic,
 * unindexed bags and files that are not bags. Real bags:
 * rosbag_realbags.c; truncation and corruption: rosbag_robustness.c. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <zlib.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>
#include <gst/rosbag/rosbag-chunk.h>
#include "rosbag-test-util.h"

#define MAX_CALLS 10000000

static const gchar *fixtures[] = {
  "basic-none.bag", "basic-bz2.bag", "basic-lz4.bag", "multiconn.bag",
  "overlap.bag", "empty.bag", "unindexed.bag", "unindexed-lz4.bag",
  "sample.bag",
};

static gchar *
fixture (const gchar * name)
{
  return g_build_filename (TEST_FILES_DIR, name, NULL);
}

static GstRosbagBag *
open_ok (const gchar * path)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (path, &err);

  fail_unless (bag != NULL, "cannot open %s: %s", path,
      err ? err->message : "?");
  fail_unless (err == NULL);
  return bag;
}

/* The bag's index against rosbag-ref.py info. For an unindexed bag python
 * reads a reindexed copy, and we may recover more (the open chunk): every
 * topic python has must be there with at least its count. */
static void
check_info (GstRosbagBag * bag, const gchar * path)
{
  RefInfo *ref = ref_info (path);
  guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1] = { 0, };
  guint64 ctotal = 0, utotal = 0;
  GError *err = NULL;
  guint i, c;

  fail_unless_equals_int (gst_rosbag_bag_is_indexed (bag), ref->indexed);
  if (ref->indexed) {
    fail_unless (gst_rosbag_bag_get_scan_report (bag) == NULL);
    fail_unless_equals_uint64 (gst_rosbag_bag_get_start_time (bag),
        ref->start_ns);
    fail_unless_equals_uint64 (gst_rosbag_bag_get_end_time (bag), ref->end_ns);
    fail_unless_equals_uint64 (gst_rosbag_bag_get_message_count (bag),
        ref->messages);
    fail_unless_equals_int (gst_rosbag_bag_get_n_chunks (bag), ref->chunks);
    fail_unless_equals_int (gst_rosbag_bag_get_n_topics (bag),
        ref->topics->len);
    fail_unless (gst_rosbag_bag_get_compression_stats (bag, counts, &ctotal,
            &utotal, &err), "%s", err ? err->message : "?");
    for (c = 0; c <= GST_ROSBAG_COMPRESSION_UNKNOWN; c++)
      fail_unless_equals_int (counts[c], ref->compression[c]);
    fail_unless_equals_uint64 (ctotal, ref->compressed_bytes);
    fail_unless_equals_uint64 (utotal, ref->uncompressed_bytes);
  } else {
    fail_unless (gst_rosbag_bag_get_scan_report (bag) != NULL);
    GST_INFO ("scan report: %s", gst_rosbag_bag_get_scan_report (bag));
    fail_unless (gst_rosbag_bag_get_message_count (bag) >= ref->messages);
    fail_unless (gst_rosbag_bag_get_n_topics (bag) >= ref->topics->len);
    if (ref->messages) {
      fail_unless (gst_rosbag_bag_get_start_time (bag) <= ref->start_ns);
      fail_unless (gst_rosbag_bag_get_end_time (bag) >= ref->end_ns);
    }
  }
  if (ref->messages == 0 && ref->indexed) {
    fail_unless_equals_uint64 (gst_rosbag_bag_get_start_time (bag), 0);
    fail_unless_equals_uint64 (gst_rosbag_bag_get_end_time (bag), 0);
  }

  for (i = 0; i < ref->topics->len; i++) {
    RefTopic *rt = g_ptr_array_index (ref->topics, i);
    const GstRosbagBagTopic *t = gst_rosbag_bag_find_topic (bag, rt->topic);

    fail_unless (t != NULL, "%s: no topic %s", path, rt->topic);
    fail_unless_equals_string (t->name, rt->topic);
    fail_unless_equals_string (t->type, rt->type);
    fail_unless_equals_string (t->md5sum, rt->md5sum);
    fail_unless (t->definition != NULL);
    if (ref->indexed) {
      fail_unless_equals_uint64 (t->message_count, rt->messages);
      fail_unless_equals_int (t->connections->len, rt->connections);
      /* topics are sorted by name, like python's list */
      fail_unless (gst_rosbag_bag_get_topic (bag, i) == t);
      fail_unless_equals_int (t->index, i);
    } else {
      fail_unless (t->message_count >= rt->messages);
    }
  }
  /* every connection points at its topic, counts add up */
  {
    guint64 sum = 0;

    for (i = 0; i < gst_rosbag_bag_get_n_connections (bag); i++) {
      const GstRosbagConnection *conn = gst_rosbag_bag_get_connection (bag, i);

      fail_unless (conn->topic_info != NULL);
      fail_unless_equals_string (conn->topic_info->name, conn->topic);
      fail_unless (gst_rosbag_bag_lookup_connection (bag, conn->id) == conn);
      sum += conn->message_count;
    }
    fail_unless_equals_uint64 (sum, gst_rosbag_bag_get_message_count (bag));
  }
  ref_info_free (ref);
}

static void
check_stream (GstRosbagBag * bag, const gchar * path)
{
  GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
  OurStream *ours = our_read (r, MAX_CALLS);
  GPtrArray *ref = ref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);

  fail_unless (ours->bounded);
  fail_unless_equals_int (ours->errors, 0);
  if (gst_rosbag_bag_is_indexed (bag)) {
    assert_same_stream (ours->lines, ref, path);
    fail_unless_equals_uint64 (ours->lines->len,
        gst_rosbag_bag_get_message_count (bag));
  } else {
    assert_time_order (ours->lines, path);
    assert_contains (ours->lines, ref, TRUE, path);
    GST_INFO ("%s: %u messages, python after reindex: %u", path,
        ours->lines->len, ref->len);
  }
  g_print ("%s: %u messages match python3-rosbag (%u)\n", path,
      ours->lines->len, ref->len);
  our_stream_free (ours);
  g_ptr_array_free (ref, TRUE);
  gst_rosbag_reader_free (r);
}

GST_START_TEST (test_fixture)
{
  gchar *path = fixture (fixtures[__i__]);
  GstRosbagBag *bag = open_ok (path);

  fail_unless (gst_rosbag_bag_get_name (bag) != NULL);
  check_info (bag, path);
  check_stream (bag, path);
  fail_unless (gst_rosbag_bag_ref (bag) == bag);
  gst_rosbag_bag_unref (bag);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

GST_END_TEST;

/* gst_rosbag_message_ref_bytes: the bytes stay valid after the reader
 * moved on, was freed and the bag was closed (valgrind / ASan check the
 * lifetime) */
GST_START_TEST (test_message_bytes)
{
  gchar *path = fixture ("basic-lz4.bag");
  GstRosbagBag *bag = open_ok (path);
  GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
  GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  GPtrArray *sums = g_ptr_array_new_with_free_func (g_free);
  GstRosbagMessage msg;
  guint i;

  gst_rosbag_reader_set_cache_size (r, 1);
  while (gst_rosbag_reader_next (r, &msg, NULL) == GST_ROSBAG_READ_OK) {
    GBytes *b = gst_rosbag_message_ref_bytes (&msg);

    fail_unless_equals_int (g_bytes_get_size (b), msg.size);
    fail_unless (msg.size == 0
        || memcmp (g_bytes_get_data (b, NULL), msg.data, msg.size) == 0);
    if (kept->len < 64 || g_random_int_range (0, 8) == 0) {
      g_ptr_array_add (kept, b);
      g_ptr_array_add (sums, g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, b));
    } else {
      g_bytes_unref (b);
    }
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  for (i = 0; i < kept->len; i++) {
    gchar *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1,
        g_ptr_array_index (kept, i));

    fail_unless_equals_string (sum, g_ptr_array_index (sums, i));
    g_free (sum);
  }
  g_ptr_array_free (kept, TRUE);
  g_ptr_array_free (sums, TRUE);
  g_free (path);
}

GST_END_TEST;

/* the same bag from memory through gst_rosbag_bag_open_with_func */
GST_START_TEST (test_open_with_func)
{
  gchar *path = fixture ("basic-lz4.bag");
  gchar *data;
  gsize len;
  GBytes *bytes;
  GstRosbagBag *bag;
  GError *err = NULL;

  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  bytes = g_bytes_new_take (data, len);
  bag = open_mem (bytes, "mem.bag", &err);
  fail_unless (bag != NULL, "%s", err ? err->message : "?");
  fail_unless_equals_string (gst_rosbag_bag_get_name (bag), "mem.bag");
  fail_unless_equals_uint64 (gst_rosbag_bag_get_file_size (bag), len);
  check_info (bag, path);
  check_stream (bag, path);
  gst_rosbag_bag_unref (bag);
  g_bytes_unref (bytes);
  g_free (path);
}

GST_END_TEST;

static gchar *
join_topics (GPtrArray * names)
{
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (gchar **) names->pdata);
}

/* topics of @bag's python info matching @patterns, with GLib's glob and a
 * leading / optional on both sides (the documented semantics) */
static gchar *
expand_patterns (const gchar * path, const gchar * const *patterns)
{
  RefInfo *ref = ref_info (path);
  GPtrArray *names = g_ptr_array_new ();
  gchar *res;
  guint i;

  for (i = 0; i < ref->topics->len; i++) {
    RefTopic *t = g_ptr_array_index (ref->topics, i);
    const gchar *tn = t->topic[0] == '/' ? t->topic + 1 : t->topic;
    const gchar *const *p;

    for (p = patterns; *p; p++) {
      const gchar *pn = (*p)[0] == '/' ? *p + 1 : *p;

      if (g_pattern_match_simple (pn, tn)) {
        g_ptr_array_add (names, t->topic);
        break;
      }
    }
  }
  res = join_topics (names);
  g_ptr_array_free (names, TRUE);
  ref_info_free (ref);
  return res;
}

static void
check_filtered (const gchar * name, const gchar * const *patterns,
    guint64 start, guint64 stop, gsize cache)
{
  gchar *path = fixture (name);
  GstRosbagBag *bag = open_ok (path);
  GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
  gchar *topics = patterns ? expand_patterns (path, patterns) : NULL;
  GPtrArray *ref;
  OurStream *ours;

  if (cache)
    gst_rosbag_reader_set_cache_size (r, cache);
  if (patterns)
    gst_rosbag_reader_set_topics (r, patterns);
  if (start || stop != G_MAXUINT64)
    gst_rosbag_reader_set_time_range (r, start, stop);
  ref = ref_messages (path, topics, start ? start : G_MAXUINT64, stop);
  ours = our_read (r, MAX_CALLS);
  fail_unless (ours->bounded);
  fail_unless_equals_int (ours->errors, 0);
  fail_unless (ref->len > 0);
  g_print ("%s topics=%s [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
      "): %u messages, python %u\n", name, topics ? topics : "*", start, stop,
      ours->lines->len, ref->len);
  assert_same_stream (ours->lines, ref, name);
  if (cache == 1)
    fail_unless (gst_rosbag_reader_get_cache_peak (r) > 0);
  our_stream_free (ours);
  g_ptr_array_free (ref, TRUE);
  g_free (topics);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

#define S(x) (G_GUINT64_CONSTANT (1700000000000000000) + (guint64) ((x) * 1e9))

GST_START_TEST (test_topic_filter)
{
  const gchar *p1[] = { "/imu", NULL };
  const gchar *p2[] = { "/c*", "joint_states", NULL };
  const gchar *p3[] = { "/?ag", "/chatter", NULL };
  const gchar *p4[] = { "/chatter", NULL };
  const gchar *p5[] = { "*", NULL };
  const gchar *p6[] = { "/status", "/count", NULL };
  gchar **parsed;

  check_filtered ("basic-none.bag", p1, 0, G_MAXUINT64, 0);
  check_filtered ("basic-lz4.bag", p2, 0, G_MAXUINT64, 0);
  check_filtered ("basic-bz2.bag", p3, 0, G_MAXUINT64, 0);
  check_filtered ("multiconn.bag", p4, 0, G_MAXUINT64, 0);
  check_filtered ("multiconn.bag", p6, 0, G_MAXUINT64, 0);
  check_filtered ("overlap.bag", p5, 0, G_MAXUINT64, 0);

  /* a pattern that matches nothing gives EOS at once */
  {
    const gchar *none[] = { "/nothing*", NULL };
    gchar *path = fixture ("basic-none.bag");
    GstRosbagBag *bag = open_ok (path);
    GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
    GstRosbagMessage msg;

    gst_rosbag_reader_set_topics (r, none);
    fail_unless_equals_int (gst_rosbag_reader_next (r, &msg, NULL),
        GST_ROSBAG_READ_EOS);
    gst_rosbag_reader_free (r);
    gst_rosbag_bag_unref (bag);
    g_free (path);
  }

  fail_unless (gst_rosbag_topic_matches ("/imu", NULL));
  fail_unless (gst_rosbag_topic_matches ("/cam0/image_raw", p5));
  fail_unless (gst_rosbag_topic_matches ("imu", p1));
  fail_unless (!gst_rosbag_topic_matches ("/imu2", p1));
  fail_unless (gst_rosbag_topic_matches ("/joint_states", p2));
  fail_unless (gst_rosbag_topic_matches ("/count", p2));
  fail_unless (!gst_rosbag_topic_matches ("/mag", p2));

  parsed = gst_rosbag_topic_patterns_parse (" /imu, /cam*/image_raw ,c ");
  fail_unless_equals_int (g_strv_length (parsed), 3);
  fail_unless_equals_string (parsed[0], "/imu");
  fail_unless_equals_string (parsed[1], "/cam*/image_raw");
  fail_unless_equals_string (parsed[2], "c");
  g_strfreev (parsed);
}

GST_END_TEST;

GST_START_TEST (test_time_range)
{
  const gchar *p[] = { "/imu", "/mag", NULL };

  /* 1.0 s and 2.5 s are exact /imu times: start inclusive, stop exclusive */
  check_filtered ("basic-none.bag", NULL, S (1.0), S (2.5), 0);
  check_filtered ("basic-bz2.bag", NULL, S (1.0), S (2.5), 0);
  check_filtered ("basic-lz4.bag", p, S (0.5) + 1, S (3.0) + 1, 0);
  /* open ends */
  check_filtered ("basic-lz4.bag", NULL, S (3.2), G_MAXUINT64, 0);
  check_filtered ("basic-lz4.bag", NULL, 0, S (0.3), 0);
  /* ranges cutting across overlapping chunks */
  check_filtered ("overlap.bag", NULL, S (1.25), S (2.55), 0);
  check_filtered ("sample.bag", NULL, S (1.0), S (1.5), 0);
}

GST_END_TEST;

/* a cache smaller than a chunk: every chunk is decompressed again when
 * needed, the stream stays the same */
GST_START_TEST (test_small_cache)
{
  check_filtered ("basic-lz4.bag", NULL, 0, G_MAXUINT64, 1);
  check_filtered ("basic-bz2.bag", NULL, 0, G_MAXUINT64, 1);
  check_filtered ("overlap.bag", NULL, 0, G_MAXUINT64, 1);
  check_filtered ("sample.bag", NULL, 0, G_MAXUINT64, 1);
  check_filtered ("multiconn.bag", NULL, 0, G_MAXUINT64, 1);
}

GST_END_TEST;

/* reads @n messages (or to EOS) after a seek to @t and compares them with
 * python's messages from @t on */
static void
check_after_seek (GstRosbagReader * r, const gchar * path, guint64 t, guint n)
{
  GPtrArray *ref = ref_messages (path, NULL, t, G_MAXUINT64);
  OurStream *ours;

  gst_rosbag_reader_seek (r, t);
  ours = our_read (r, n ? n : MAX_CALLS);
  fail_unless_equals_int (ours->errors, 0);
  if (n && ref->len > n) {
    /* compare the first n with the first n of python, the last time's
     * run may be cut differently: drop it from both */
    guint64 last;

    fail_unless_equals_int (ours->lines->len, n);
    g_ptr_array_set_size (ref, n);
    last = line_time (g_ptr_array_index (ref, n - 1));
    while (ref->len && line_time (g_ptr_array_index (ref, ref->len - 1))
        == last)
      g_ptr_array_set_size (ref, ref->len - 1);
    while (ours->lines->len
        && line_time (g_ptr_array_index (ours->lines,
                ours->lines->len - 1)) == last)
      g_ptr_array_set_size (ours->lines, ours->lines->len - 1);
  }
  assert_same_stream (ours->lines, ref, path);
  our_stream_free (ours);
  g_ptr_array_free (ref, TRUE);
}

GST_START_TEST (test_seek)
{
  const gchar *names[] = { "basic-none.bag", "basic-lz4.bag", "overlap.bag",
    "sample.bag"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *path = fixture (names[i]);
    GstRosbagBag *bag = open_ok (path);
    GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
    guint64 start = gst_rosbag_bag_get_start_time (bag);
    guint64 end = gst_rosbag_bag_get_end_time (bag);

    check_after_seek (r, path, start + (end - start) / 2, 25);
    check_after_seek (r, path, start + (end - start) / 5, 0);
    /* backwards, after EOS */
    check_after_seek (r, path, start + 1, 40);
    check_after_seek (r, path, S (1.25), 0);
    /* to the start and past the end */
    check_after_seek (r, path, 0, 0);
    {
      GstRosbagMessage msg;

      gst_rosbag_reader_seek (r, end + 1);
      fail_unless_equals_int (gst_rosbag_reader_next (r, &msg, NULL),
          GST_ROSBAG_READ_EOS);
    }
    gst_rosbag_reader_free (r);
    gst_rosbag_bag_unref (bag);
    g_free (path);
  }
}

GST_END_TEST;

GST_START_TEST (test_overlap)
{
  gchar *path = fixture ("overlap.bag");
  GstRosbagBag *bag = open_ok (path);
  guint i, n = gst_rosbag_bag_get_n_chunks (bag);
  guint64 mn = G_MAXUINT64, mx = 0;
  gboolean sorted = TRUE, overlap = FALSE;

  fail_unless_equals_int (n, 8);
  for (i = 0; i < n; i++) {
    const GstRosbagChunkInfo *a = gst_rosbag_bag_get_chunk (bag, i);
    guint j;

    mn = MIN (mn, a->start_ns);
    mx = MAX (mx, a->end_ns);
    fail_unless (a->start_ns <= a->end_ns);
    if (i > 0 && gst_rosbag_bag_get_chunk (bag, i - 1)->start_ns > a->start_ns)
      sorted = FALSE;
    for (j = i + 1; j < n; j++) {
      const GstRosbagChunkInfo *b = gst_rosbag_bag_get_chunk (bag, j);

      if (a->start_ns < b->end_ns && b->start_ns < a->end_ns)
        overlap = TRUE;
    }
  }
  /* the fixture is what it claims to be (make-fixtures.py checks the
   * file order too); the bag may list its chunks in any order */
  GST_INFO ("chunks listed sorted by start: %d", sorted);
  fail_unless (overlap);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_start_time (bag), mn);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_end_time (bag), mx);
  fail_unless_equals_uint64 (mn, S (0));
  fail_unless_equals_uint64 (mx, S (3.9));
  check_stream (bag, path);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_multiconn)
{
  gchar *path = fixture ("multiconn.bag");
  GstRosbagBag *bag = open_ok (path);
  const GstRosbagBagTopic *chatter =
      gst_rosbag_bag_find_topic (bag, "/chatter");
  const GstRosbagBagTopic *status = gst_rosbag_bag_find_topic (bag, "/status");
  const GstRosbagConnection *a, *b;
  const gchar *p[] = { "/chatter", NULL };
  GstRosbagReader *r;
  GstRosbagMessage msg;
  guint na = 0, nb = 0;
  GError *err = NULL;

  fail_unless (chatter != NULL && status != NULL);
  fail_unless_equals_int (chatter->connections->len, 2);
  fail_unless_equals_uint64 (chatter->message_count, 60);
  fail_unless (!chatter->latching);
  a = g_ptr_array_index (chatter->connections, 0);
  b = g_ptr_array_index (chatter->connections, 1);
  fail_unless (a->id != b->id);
  fail_unless (a->topic_info == chatter && b->topic_info == chatter);
  fail_unless (a->callerid && b->callerid);
  fail_unless (strcmp (a->callerid, b->callerid) != 0);
  fail_unless (!strcmp (a->callerid, "/talker_a")
      || !strcmp (b->callerid, "/talker_a"));
  fail_unless (!strcmp (a->callerid, "/talker_b")
      || !strcmp (b->callerid, "/talker_b"));
  fail_unless_equals_uint64 (a->message_count + b->message_count, 60);

  fail_unless (status->latching);
  fail_unless_equals_int (status->connections->len, 1);
  a = g_ptr_array_index (status->connections, 0);
  fail_unless (a->latching);
  fail_unless_equals_string (a->callerid, "/status_node");
  fail_unless_equals_uint64 (status->message_count, 1);

  /* both publishers come out of one topic, 2:1 */
  r = gst_rosbag_reader_new_for_bag (bag);
  gst_rosbag_reader_set_topics (r, p);
  while (gst_rosbag_reader_next (r, &msg, &err) == GST_ROSBAG_READ_OK) {
    const GstRosbagConnection *conn =
        gst_rosbag_reader_lookup_connection (r, &msg);

    fail_unless (conn->topic_info == chatter);
    if (!strcmp (conn->callerid, "/talker_a")) {
      fail_unless (msg.size > 4 && memcmp (msg.data + 4, "/talker_a", 9) == 0);
      na++;
    } else {
      fail_unless (msg.size > 4 && memcmp (msg.data + 4, "/talker_b", 9) == 0);
      nb++;
    }
  }
  fail_unless (err == NULL);
  fail_unless_equals_int (na, 40);
  fail_unless_equals_int (nb, 20);
  gst_rosbag_reader_free (r);
  check_stream (bag, path);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_empty)
{
  gchar *path = fixture ("empty.bag");
  GstRosbagBag *bag = open_ok (path);
  GstRosbagReader *r = gst_rosbag_reader_new_for_bag (bag);
  GstRosbagMessage msg;

  fail_unless_equals_int (gst_rosbag_bag_get_n_topics (bag), 0);
  fail_unless_equals_int (gst_rosbag_bag_get_n_connections (bag), 0);
  fail_unless_equals_int (gst_rosbag_bag_get_n_chunks (bag), 0);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_message_count (bag), 0);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_start_time (bag), 0);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_end_time (bag), 0);
  fail_unless (gst_rosbag_bag_find_topic (bag, "/imu") == NULL);
  fail_unless_equals_int (gst_rosbag_reader_next (r, &msg, NULL),
      GST_ROSBAG_READ_EOS);
  gst_rosbag_reader_seek (r, 5);
  fail_unless_equals_int (gst_rosbag_reader_next (r, &msg, NULL),
      GST_ROSBAG_READ_EOS);
  gst_rosbag_reader_free (r);
  check_info (bag, path);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_unindexed)
{
  const gchar *names[] = { "unindexed.bag", "unindexed-lz4.bag" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *path = fixture (names[i]);
    GstRosbagBag *bag = open_ok (path);
    GstRosbagReader *r;
    OurStream *ours;
    GPtrArray *ref;

    fail_unless (!gst_rosbag_bag_is_indexed (bag));
    fail_unless (gst_rosbag_bag_get_scan_report (bag) != NULL);
    g_print ("%s: %s\n", names[i], gst_rosbag_bag_get_scan_report (bag));
    fail_unless (gst_rosbag_bag_find_topic (bag, "/imu") != NULL);
    fail_unless (gst_rosbag_bag_find_topic (bag, "/count") != NULL);
    fail_unless (gst_rosbag_bag_find_topic (bag, "/joint_states") != NULL);

    /* what python reads after `rosbag reindex`, and nothing that is not in
     * the recording */
    r = gst_rosbag_reader_new_for_bag (bag);
    ours = our_read (r, MAX_CALLS);
    ref = ref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    fail_unless (ref->len >= 400);
    assert_contains (ours->lines, ref, TRUE, path);
    assert_time_order (ours->lines, path);
    /* the recorder wrote 318 /imu, 80 /count, 13 /joint_states */
    fail_unless (ours->lines->len <= 318 + 80 + 13);
    fail_unless_equals_uint64 (ours->lines->len,
        gst_rosbag_bag_get_message_count (bag));
    g_print ("%s: %u messages, python after reindex %u\n", names[i],
        ours->lines->len, ref->len);
    our_stream_free (ours);
    g_ptr_array_free (ref, TRUE);
    gst_rosbag_reader_free (r);
    check_info (bag, path);
    gst_rosbag_bag_unref (bag);
    g_free (path);
  }
}

GST_END_TEST;

static void
expect_open_error (const gchar * path, gint code)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (path, &err);

  fail_unless (bag == NULL, "%s opened", path);
  fail_unless (err != NULL);
  fail_unless (err->domain == GST_ROSBAG_ERROR);
  if (code >= 0)
    fail_unless_equals_int (err->code, code);
  fail_unless (err->message && *err->message);
  g_print ("%s: %s\n", path, err->message);
  g_error_free (err);
}

GST_START_TEST (test_not_bags)
{
  gchar *dir = g_dir_make_tmp ("rosbag-test-XXXXXX", NULL);
  gchar *p;

  fail_unless (dir != NULL);
  p = g_build_filename (dir, "missing.bag", NULL);
  expect_open_error (p, GST_ROSBAG_ERROR_IO);
  g_free (p);

  p = g_build_filename (dir, "zero.bag", NULL);
  fail_unless (g_file_set_contents (p, "", 0, NULL));
  expect_open_error (p, GST_ROSBAG_ERROR_NOT_A_BAG);
  g_unlink (p);
  g_free (p);

  p = g_build_filename (dir, "text.bag", NULL);
  fail_unless (g_file_set_contents (p, "hello, not a bag\n", -1, NULL));
  expect_open_error (p, GST_ROSBAG_ERROR_NOT_A_BAG);
  g_unlink (p);
  g_free (p);

  p = g_build_filename (dir, "v12.bag", NULL);
  fail_unless (g_file_set_contents (p, "#ROSRECORD V1.2\n\x00\x00\x00\x00",
          20, NULL));
  expect_open_error (p, GST_ROSBAG_ERROR_UNSUPPORTED);
  g_unlink (p);
  g_free (p);

  p = g_build_filename (dir, "magic-only.bag", NULL);
  fail_unless (g_file_set_contents (p, GST_ROSBAG_MAGIC, -1, NULL));
  expect_open_error (p, -1);
  g_unlink (p);
  g_free (p);

  /* a directory: said so (mapping one fails with "No such device") */
  p = g_build_filename (dir, "dir.bag", NULL);
  fail_unless (g_mkdir (p, 0755) == 0);
  {
    GError *err = NULL;

    expect_open_error (p, GST_ROSBAG_ERROR_IO);
    fail_unless (gst_rosbag_bag_open (p, &err) == NULL);
    fail_unless (strstr (err->message, "is a directory") != NULL, "%s",
        err->message);
    g_error_free (err);
  }
  g_rmdir (p);
  g_free (p);

  g_rmdir (dir);
  g_free (dir);

  /* the negative files of the real corpus */
  if (!g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR)) {
    g_print ("SKIP: %s absent, no real negative files\n", TEST_REALBAGS_DIR);
    return;
  }
  expect_open_error (TEST_REALBAGS_DIR "/foxglove_rosbag__empty-file.bag",
      GST_ROSBAG_ERROR_NOT_A_BAG);
  expect_open_error (TEST_REALBAGS_DIR
      "/rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag",
      GST_ROSBAG_ERROR_NOT_A_BAG);
  expect_open_error (TEST_REALBAGS_DIR "/webviz__invalid.bag", -1);
}

GST_END_TEST;

/* an interrupted `rosbag record`: index_pos 0, a chunk header saying size
 * 0 / data_len 0, then 1 connection and 2264 messages. python3-rosbag's
 * reindex recovers none of them; every message is a turtlesim/Pose (5 x
 * float32 = 20 bytes) */
GST_START_TEST (test_active_recording)
{
  const gchar *path = TEST_REALBAGS_DIR "/badboy-rtech__subset.bag.active";
  GstRosbagBag *bag;
  GstRosbagReader *r;
  OurStream *ours;
  guint i;

  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP: %s absent\n", path);
    return;
  }
  bag = open_ok (path);
  fail_unless (!gst_rosbag_bag_is_indexed (bag));
  g_print ("%s: %s\n", path, gst_rosbag_bag_get_scan_report (bag));
  fail_unless_equals_uint64 (gst_rosbag_bag_get_message_count (bag), 2264);
  fail_unless_equals_int (gst_rosbag_bag_get_n_topics (bag), 1);
  fail_unless_equals_string (gst_rosbag_bag_get_topic (bag, 0)->name,
      "/turtle1/pose");
  fail_unless_equals_string (gst_rosbag_bag_get_topic (bag, 0)->type,
      "turtlesim/Pose");
  r = gst_rosbag_reader_new_for_bag (bag);
  ours = our_read (r, MAX_CALLS);
  fail_unless_equals_int (ours->errors, 0);
  fail_unless_equals_int (ours->lines->len, 2264);
  assert_time_order (ours->lines, path);
  for (i = 0; i < ours->lines->len; i++)
    fail_unless (g_str_has_prefix (g_ptr_array_index (ours->lines, i),
            "/turtle1/pose\t")
        && strstr (g_ptr_array_index (ours->lines, i), "\t20\t"));
  fail_unless_equals_uint64 (line_time (g_ptr_array_index (ours->lines, 0)),
      gst_rosbag_bag_get_start_time (bag));
  fail_unless_equals_uint64 (line_time (g_ptr_array_index (ours->lines,
              2263)), gst_rosbag_bag_get_end_time (bag));
  our_stream_free (ours);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
}

GST_END_TEST;

/* the record layer alone */
GST_START_TEST (test_record_parse)
{
  guint8 buf[64];
  GstRosbagRecord rec;
  guint64 needed = 0;
  GError *err = NULL;
  const guint8 *v;
  gsize vlen;
  guint32 u32;
  guint64 u64;
  guint8 u8;
  gchar *s;
  guint n = 0;

  /* header: op=\x02, conn=u32 7, time=1 s 5 ns, topic=ab; data 3 bytes */
#define PUT32(p, x) do { (p)[0] = (x) & 0xff; (p)[1] = ((x) >> 8) & 0xff; \
    (p)[2] = ((x) >> 16) & 0xff; (p)[3] = ((x) >> 24) & 0xff; } while (0)
  PUT32 (buf + n, 0);           /* header_len, set below */
  n += 4;
  PUT32 (buf + n, 4);
  memcpy (buf + n + 4, "op=\x02", 4);
  n += 8;
  PUT32 (buf + n, 9);
  memcpy (buf + n + 4, "conn=", 5);
  PUT32 (buf + n + 9, 7);
  n += 13;
  PUT32 (buf + n, 13);
  memcpy (buf + n + 4, "time=", 5);
  PUT32 (buf + n + 9, 1);
  PUT32 (buf + n + 13, 5);
  n += 17;
  PUT32 (buf + n, 8);
  memcpy (buf + n + 4, "topic=ab", 8);
  n += 12;
  PUT32 (buf, n - 4);
  PUT32 (buf + n, 3);
  memcpy (buf + n + 4, "xyz", 3);
  n += 7;

  fail_unless_equals_int (gst_rosbag_record_parse (buf, n, 100, TRUE, &rec,
          &needed, &err), GST_ROSBAG_PARSE_OK);
  fail_unless (err == NULL);
  fail_unless_equals_int (rec.op, GST_ROSBAG_OP_MSG_DATA);
  fail_unless_equals_int (rec.header_len, n - 4 - 7);
  fail_unless_equals_int (rec.data_len, 3);
  fail_unless_equals_uint64 (rec.total_len, n);
  fail_unless (rec.data && memcmp (rec.data, "xyz", 3) == 0);
  fail_unless (gst_rosbag_header_validate (rec.header, rec.header_len, 0,
          NULL));
  fail_unless (gst_rosbag_header_get_u32 (rec.header, rec.header_len, "conn",
          &u32));
  fail_unless_equals_int (u32, 7);
  fail_unless (gst_rosbag_header_get_time (rec.header, rec.header_len, "time",
          &u64));
  fail_unless_equals_uint64 (u64, 1000000005);
  fail_unless (gst_rosbag_header_get_u8 (rec.header, rec.header_len, "op",
          &u8));
  fail_unless_equals_int (u8, 2);
  /* wrong sizes are refused */
  fail_unless (!gst_rosbag_header_get_u64 (rec.header, rec.header_len, "conn",
          &u64));
  fail_unless (!gst_rosbag_header_get_u32 (rec.header, rec.header_len,
          "topic", &u32));
  fail_unless (!gst_rosbag_header_get_u32 (rec.header, rec.header_len, "con",
          &u32));
  s = gst_rosbag_header_dup_string (rec.header, rec.header_len, "topic");
  fail_unless_equals_string (s, "ab");
  g_free (s);
  fail_unless (gst_rosbag_header_find (rec.header, rec.header_len, "topic",
          &v, &vlen));
  fail_unless_equals_int (vlen, 2);

  /* every shorter prefix: NEED_MORE, never OK, never a crash */
  {
    gsize k;

    for (k = 0; k < n; k++) {
      GstRosbagParseResult pr;

      needed = 0;
      pr = gst_rosbag_record_parse (buf, k, 0, TRUE, &rec, &needed, &err);
      fail_unless (pr != GST_ROSBAG_PARSE_OK, "prefix %u parsed", (guint) k);
      if (pr == GST_ROSBAG_PARSE_NEED_MORE)
        fail_unless (needed > k && needed <= n, "needed %" G_GUINT64_FORMAT
            " for prefix %u", needed, (guint) k);
      g_clear_error (&err);
    }
    /* without data: OK once the header is there */
    fail_unless_equals_int (gst_rosbag_record_parse (buf, n - 3, 0, FALSE,
            &rec, &needed, NULL), GST_ROSBAG_PARSE_OK);
    fail_unless (rec.data == NULL);
    fail_unless_equals_int (rec.data_len, 3);
  }

  /* a field whose length runs past the header */
  PUT32 (buf + 4, 200);
  fail_unless (!gst_rosbag_header_validate (buf + 4, n - 11, 0, &err));
  fail_unless (err != NULL && err->domain == GST_ROSBAG_ERROR);
  g_clear_error (&err);
  fail_unless (!gst_rosbag_header_find (buf + 4, n - 11, "topic", &v, &vlen)
      || (v >= buf + 4 && v + vlen <= buf + n - 7));
  /* a header length past the hard limit */
  PUT32 (buf, GST_ROSBAG_MAX_HEADER_LEN + 1);
  fail_unless (gst_rosbag_record_parse (buf, n, 0, TRUE, &rec, &needed,
          &err) == GST_ROSBAG_PARSE_ERROR);
  fail_unless (err != NULL);
  g_clear_error (&err);

  fail_unless_equals_int (gst_rosbag_compression_from_string ("lz4", 3),
      GST_ROSBAG_COMPRESSION_LZ4);
  fail_unless_equals_int (gst_rosbag_compression_from_string ("bz2", 3),
      GST_ROSBAG_COMPRESSION_BZ2);
  fail_unless_equals_int (gst_rosbag_compression_from_string ("none", 4),
      GST_ROSBAG_COMPRESSION_NONE);
  fail_unless_equals_int (gst_rosbag_compression_from_string ("zstd", 4),
      GST_ROSBAG_COMPRESSION_UNKNOWN);
  fail_unless_equals_int (gst_rosbag_compression_from_string ("lz4x", 3),
      GST_ROSBAG_COMPRESSION_LZ4);
}

GST_END_TEST;

/* The read callback (bagdemux's pull_range) is only ever called from the
 * thread that reads: prefetch workers only decompress */
typedef struct
{
  GBytes *bytes;
  GThread *reader;
  guint calls, foreign;
} ThreadCheck;

static GBytes *
thread_check_read (gpointer user_data, guint64 offset, gsize size,
    GError ** error)
{
  ThreadCheck *tc = user_data;
  gsize len = g_bytes_get_size (tc->bytes);

  g_atomic_int_inc (&tc->calls);
  if (g_thread_self () != tc->reader)
    g_atomic_int_inc (&tc->foreign);
  if (offset >= len)
    return g_bytes_new (NULL, 0);
  return g_bytes_new_from_bytes (tc->bytes, offset, MIN (size, len - offset));
}

GST_START_TEST (test_reads_in_calling_thread)
{
  const gchar *files[] = { "basic-lz4.bag", "basic-bz2.bag",
    "mcap/zstd.mcap", "mcap/lz4.mcap", "mcap/overlap.mcap"
  };
  guint f;

  for (f = 0; f < G_N_ELEMENTS (files); f++) {
    gchar *path = fixture (files[f]);
    gchar *data;
    gsize len;
    ThreadCheck tc = { NULL, NULL, 0, 0 };
    GstRosbagRecording *rec;
    GstRosbagReader *r;
    GstRosbagMessage msg;
    GError *err = NULL;
    guint n = 0;

    fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
    tc.bytes = g_bytes_new_take (data, len);
    tc.reader = g_thread_self ();
    rec = gst_rosbag_recording_open_with_func (thread_check_read, &tc, NULL,
        len, path, &err);
    fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "");
    r = gst_rosbag_reader_new (rec);
    gst_rosbag_reader_set_prefetch (r, 4);
    while (gst_rosbag_reader_next (r, &msg, &err) == GST_ROSBAG_READ_OK)
      n++;
    fail_unless (err == NULL);
    fail_unless (n > 100, "%s: %u messages", path, n);
    gst_rosbag_reader_free (r);
    gst_rosbag_recording_unref (rec);
    fail_unless (tc.foreign == 0, "%s: %u of %u reads from another thread",
        path, tc.foreign, tc.calls);
    g_bytes_unref (tc.bytes);
    g_free (path);
  }
}

GST_END_TEST;

/* LZ4 frames as the lz4 CLI writes them (an independent writer): content
 * checksum only (as roslz4), with block checksums (-BX), with no checksum
 * (--no-frame-crc). Each decodes to its input; a damaged checksum or
 * payload is an error, never wrong bytes. The content checksum of frames
 * without block checksums is verified by our XXH32. */
static GBytes *
lz4_cli (const gchar * dir, const guint8 * data, gsize len, const gchar * opt)
{
  gchar *in = g_build_filename (dir, "in", NULL);
  gchar *out = g_build_filename (dir, "in.lz4", NULL);
  gchar *argv[] = { (gchar *) "lz4", (gchar *) "-q", (gchar *) "-f",
    (gchar *) opt, in, out, NULL
  };
  gchar *frame = NULL;
  gsize flen = 0;
  gint status = -1;

  fail_unless (g_file_set_contents (in, (const gchar *) data, len, NULL));
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
          NULL, NULL, NULL, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "lz4 %s", opt);
  fail_unless (g_file_get_contents (out, &frame, &flen, NULL));
  g_unlink (in);
  g_unlink (out);
  g_free (in);
  g_free (out);
  return g_bytes_new_take (frame, flen);
}

/* MCAP's CRC-32 by carry-less multiplication is zlib's crc32_z, for every
 * length up to a few hundred bytes at every alignment, for large inputs,
 * chained, with a non-zero start, and on the check vector. */
GST_START_TEST (test_crc32)
{
  GRand *rand = g_rand_new_with_seed (20261206);
  gsize big = 5 * 1024 * 1024 + 13, i, len, off;
  guint8 *buf = g_malloc (big + 16);
  guint32 a, b;

  for (i = 0; i < big + 16; i++)
    buf[i] = g_rand_int (rand);
  fail_unless_equals_int (gst_rosbag_crc32 (0, (const guint8 *) "123456789",
          9), 0xcbf43926);
  for (len = 0; len <= 400; len++)
    for (off = 0; off < 16; off++) {
      a = gst_rosbag_crc32 (0, buf + off, len);
      b = crc32_z (0, buf + off, len);
      fail_unless (a == b, "length %" G_GSIZE_FORMAT " at +%" G_GSIZE_FORMAT
          ": %08x, zlib %08x", len, off, a, b);
    }
  for (i = 0; i < 200; i++) {
    guint32 seed = g_rand_int (rand);

    len = g_rand_int_range (rand, 0, big);
    off = g_rand_int_range (rand, 0, 16);
    fail_unless_equals_int (gst_rosbag_crc32 (seed, buf + off, len),
        crc32_z (seed, buf + off, len));
  }
  /* chained: the CRC of a whole from the CRCs of its parts */
  a = gst_rosbag_crc32 (0, buf, 1000);
  a = gst_rosbag_crc32 (a, buf + 1000, 77);
  a = gst_rosbag_crc32 (a, buf + 1077, big - 1077);
  fail_unless_equals_int (a, crc32_z (0, buf, big));
  /* all zero and all ones */
  memset (buf, 0, 4096);
  fail_unless_equals_int (gst_rosbag_crc32 (0, buf, 4096), crc32_z (0, buf,
          4096));
  memset (buf, 0xff, 4096);
  fail_unless_equals_int (gst_rosbag_crc32 (0, buf, 4096), crc32_z (0, buf,
          4096));
  g_free (buf);
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_lz4_frames)
{
  const gsize sizes[] = { 1, 15, 16, 17, 1000, 70001, 3 * 1024 * 1024 + 5 };
  const gchar *opts[] = { "-BD", "-BX", "--no-frame-crc" };
  gchar *dir;
  guint i, o;

  /* the XXH32 reference values of the empty input and of "abc" */
  fail_unless_equals_uint64 (gst_rosbag_xxh32 ((const guint8 *) "", 0),
      0x02CC5D05u);
  fail_unless_equals_uint64 (gst_rosbag_xxh32 ((const guint8 *) "abc", 3),
      0x32D153FFu);
  if (!g_find_program_in_path ("lz4")) {
    GST_INFO ("skipped: no lz4 command (Debian package lz4)");
    return;
  }
  dir = g_dir_make_tmp ("rosbag-lz4-XXXXXX", NULL);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint8 *data = g_malloc (sizes[i]);
    guint32 x = 12345 + i;
    gsize k;

    /* compressible, not trivially: runs of pseudo-random bytes */
    for (k = 0; k < sizes[i]; k++) {
      if (k % 7 == 0)
        x = x * 1103515245u + 12345u;
      data[k] = (x >> 16) & 0x3f;
    }
    for (o = 0; o < G_N_ELEMENTS (opts); o++) {
      GBytes *frame = lz4_cli (dir, data, sizes[i], opts[o]);
      GBytes *out, *bad;
      GError *err = NULL;
      gsize flen;
      guint8 *copy;

      out = gst_rosbag_chunk_decompress (GST_ROSBAG_COMPRESSION_LZ4, frame,
          sizes[i], 0, &err);
      fail_unless (out != NULL, "%s %" G_GSIZE_FORMAT ": %s", opts[o],
          sizes[i], err ? err->message : "");
      fail_unless_equals_uint64 (g_bytes_get_size (out), sizes[i]);
      fail_unless (memcmp (g_bytes_get_data (out, NULL), data, sizes[i])
          == 0, "%s %" G_GSIZE_FORMAT ": other bytes", opts[o], sizes[i]);
      g_bytes_unref (out);

      /* the last byte: the content checksum, or the end mark */
      copy = g_bytes_unref_to_data (frame, &flen);
      copy[flen - 1] ^= 0x40;
      bad = g_bytes_new (copy, flen);
      out = gst_rosbag_chunk_decompress (GST_ROSBAG_COMPRESSION_LZ4, bad,
          sizes[i], 0, &err);
      fail_unless (out == NULL && err != NULL, "%s %" G_GSIZE_FORMAT
          ": a damaged end decoded", opts[o], sizes[i]);
      if (o == 0)
        fail_unless (strstr (err->message, "checksum") != NULL, "%s",
            err->message);
      g_clear_error (&err);
      g_bytes_unref (bad);
      /* a damaged literal in the middle: caught by a checksum */
      copy[flen - 1] ^= 0x40;
      if (o < 2 && sizes[i] >= 1000) {
        copy[flen / 2] ^= 0x01;
        bad = g_bytes_new (copy, flen);
        out = gst_rosbag_chunk_decompress (GST_ROSBAG_COMPRESSION_LZ4, bad,
            sizes[i], 0, &err);
        fail_unless (out == NULL && err != NULL, "%s %" G_GSIZE_FORMAT
            ": a damaged payload decoded", opts[o], sizes[i]);
        g_clear_error (&err);
        g_bytes_unref (bad);
      }
      g_free (copy);
    }
    g_free (data);
  }
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* One message's identity, for comparing whole runs */
static guint64
message_digest (guint64 h, const GstRosbagMessage * msg)
{
  gsize k;

  h = (h ^ msg->time_ns) * 1099511628211ull;
  h = (h ^ msg->channel_id) * 1099511628211ull;
  for (k = 0; k < msg->size; k++)
    h = (h ^ msg->data[k]) * 1099511628211ull;
  return h;
}

/* The worker pool: any number of workers, any prefetch depth and cache
 * bound give the same messages in the same order as none, on bags and
 * MCAP files with overlapping chunks, and across a seek. */
GST_START_TEST (test_workers)
{
  const gchar *files[] = { "basic-lz4.bag", "basic-bz2.bag", "overlap.bag",
    "mcap/zstd.mcap", "mcap/lz4.mcap", "mcap/overlap.mcap"
  };
  const guint workers[] = { 1, 2, 3, 8 };
  guint f, w;

  fail_unless (gst_rosbag_reader_default_workers () ==
      (g_get_num_processors () > 1 ? g_get_num_processors () : 0));
  for (f = 0; f < G_N_ELEMENTS (files); f++) {
    gchar *path = fixture (files[f]);
    GstRosbagRecording *rec = gst_rosbag_recording_open (path, NULL);
    GstRosbagReader *r;
    GstRosbagMessage msg;
    guint64 ref = 14695981039346656037ull;
    guint n_ref = 0;

    fail_unless (rec != NULL, "%s", path);
    r = gst_rosbag_reader_new (rec);
    fail_unless_equals_int (gst_rosbag_reader_get_workers (r),
        gst_rosbag_reader_default_workers ());
    gst_rosbag_reader_set_workers (r, 0);
    while (gst_rosbag_reader_next (r, &msg, NULL) == GST_ROSBAG_READ_OK) {
      ref = message_digest (ref, &msg);
      n_ref++;
    }
    gst_rosbag_reader_free (r);
    fail_unless (n_ref > 50, "%s: %u messages", path, n_ref);

    for (w = 0; w < G_N_ELEMENTS (workers); w++) {
      guint c;

      for (c = 0; c < 2; c++) {
        guint64 h = 14695981039346656037ull;
        guint n = 0;
        gsize bound = c == 0 ? GST_ROSBAG_READER_DEFAULT_CACHE_SIZE : 2048;

        r = gst_rosbag_reader_new (rec);
        gst_rosbag_reader_set_workers (r, workers[w]);
        fail_unless_equals_int (gst_rosbag_reader_get_workers (r), workers[w]);
        gst_rosbag_reader_set_cache_size (r, bound);
        if (c == 1)
          gst_rosbag_reader_set_prefetch (r, 16);
        while (gst_rosbag_reader_next (r, &msg, NULL) == GST_ROSBAG_READ_OK) {
          h = message_digest (h, &msg);
          n++;
          /* halfway: a seek back to the start starts over */
          if (n == n_ref / 2 && c == 1) {
            gst_rosbag_reader_seek (r, 0);
            h = 14695981039346656037ull;
            n = 0;
            c = 2;
          }
        }
        fail_unless_equals_int (n, n_ref);
        fail_unless (h == ref, "%s: %u workers: other messages or order",
            path, workers[w]);
        gst_rosbag_reader_free (r);
        if (c == 2)
          break;
      }
    }
    gst_rosbag_recording_unref (rec);
    g_free (path);
  }
}

GST_END_TEST;

/* kB of the process's RSS in the mapping of @path (/proc/self/smaps) */
static guint64
mapping_rss_kb (const gchar * path)
{
  gchar *text = NULL, **lines;
  guint64 kb = 0;
  gboolean in = FALSE;
  guint i;

  fail_unless (g_file_get_contents ("/proc/self/smaps", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    const gchar *l = lines[i];

    /* a mapping's first line: "start-end perms offset dev inode path" */
    if (g_ascii_isxdigit (l[0]) && strchr (l, '-') && strchr (l, ' ')
        && strchr (l, '-') < strchr (l, ' '))
      in = g_str_has_suffix (l, path);
    else if (in && g_str_has_prefix (l, "Rss:"))
      kb += g_ascii_strtoull (l + 4, NULL, 10);
  }
  g_strfreev (lines);
  g_free (text);
  return kb;
}

/* A mapped recording read to its end holds little of it in RSS: every
 * range read (chunks, and the record headers and index data between
 * them, whose fault-around once mapped 64 KB of each chunk back in for
 * good) leaves RSS once released. 30-60 MB bags of 32 KB chunks (lz4 and
 * uncompressed, three topics), with a 4 MB cache and two workers. */
GST_START_TEST (test_mapped_rss_flat)
{
  const gchar *comps[] = { "lz4", "none" };
  gchar *dir = g_dir_make_tmp ("rosbag-rss-XXXXXX", NULL);
  guint c;

  for (c = 0; c < G_N_ELEMENTS (comps); c++) {
    gchar *path = g_strdup_printf ("%s/%s.bag", dir, comps[c]);
    gchar *script = g_strdup_printf ("import os, rosbag, rospy\n"
        "from std_msgs.msg import String\n"
        "b = rosbag.Bag('%s', 'w', compression='%s', chunk_threshold=32768)\n"
        "for k in range(30000):\n"
        "    m = String(data=os.urandom(1000).hex())\n"
        "    b.write('/t%%d' %% (k %% 3), m, rospy.Time(100, k * 1000000))\n"
        "b.close()\n", path, comps[c]);
    const gchar *argv[] = { TEST_PYTHON, "-c", script, NULL };
    gint status = -1;
    GstRosbagRecording *rec;
    GstRosbagReader *r;
    GstRosbagMessage msg;
    guint n = 0;
    guint64 kb;
    GStatBuf st;

    fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL,
            NULL, NULL, &status, NULL) && status == 0, "python3-rosbag");
    fail_unless (g_stat (path, &st) == 0 && st.st_size > 25000000);
    rec = gst_rosbag_recording_open (path, NULL);
    fail_unless (rec != NULL);
    r = gst_rosbag_reader_new (rec);
    gst_rosbag_reader_set_workers (r, 2);
    gst_rosbag_reader_set_cache_size (r, 4 * 1024 * 1024);
    while (gst_rosbag_reader_next (r, &msg, NULL) == GST_ROSBAG_READ_OK)
      n++;
    fail_unless_equals_int (n, 30000);
    kb = mapping_rss_kb (path);
    /* the 4 MB cache, 8 MB of drops pending, margins: not the file */
    fail_unless (kb < 16 * 1024, "%s: %" G_GUINT64_FORMAT " kB of the %"
        G_GUINT64_FORMAT " kB file in RSS", path, kb,
        (guint64) st.st_size / 1024);
    gst_rosbag_reader_free (r);
    gst_rosbag_recording_unref (rec);
    g_unlink (path);
    g_free (script);
    g_free (path);
  }
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
rosbag_library_suite (void)
{
  Suite *s = suite_create ("rosbag_library");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_record_parse);
  tcase_add_loop_test (tc, test_fixture, 0, G_N_ELEMENTS (fixtures));
  tcase_add_test (tc, test_open_with_func);
  tcase_add_test (tc, test_message_bytes);
  tcase_add_test (tc, test_topic_filter);
  tcase_add_test (tc, test_time_range);
  tcase_add_test (tc, test_small_cache);
  tcase_add_test (tc, test_seek);
  tcase_add_test (tc, test_overlap);
  tcase_add_test (tc, test_multiconn);
  tcase_add_test (tc, test_empty);
  tcase_add_test (tc, test_unindexed);
  tcase_add_test (tc, test_not_bags);
  tcase_add_test (tc, test_active_recording);
  tcase_add_test (tc, test_reads_in_calling_thread);
  tcase_add_test (tc, test_lz4_frames);
  tcase_add_test (tc, test_crc32);
  tcase_add_test (tc, test_workers);
  tcase_add_test (tc, test_mapped_rss_flat);
  return s;
}

GST_CHECK_MAIN (rosbag_library);
