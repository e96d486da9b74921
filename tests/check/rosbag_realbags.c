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

/* The format library on every real bag of ../shared/realbags (written by
 * ROS tools, see SOURCES.md there) against python3-rosbag: index, topics,
 * counts, start/end, compression, and the whole message stream (topic,
 * time, length, sha1). Skips, saying so, when the folder is absent. The
 * negative files and the .active recording are tested in
 * rosbag_library.c. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>
#include "rosbag-test-util.h"

/* not bags, or not readable by python3-rosbag: see rosbag_library.c */
static const gchar *skipped[] = {
  "foxglove_rosbag__empty-file.bag",
  "rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag",
  "webviz__invalid.bag",
  "badboy-rtech__subset.bag.active",
};

static GPtrArray *bags;

static gboolean
is_skipped (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (!strcmp (name, skipped[i]))
      return TRUE;
  return FALSE;
}

GST_START_TEST (test_realbag)
{
  const gchar *name = g_ptr_array_index (bags, __i__);
  gchar *path = g_build_filename (TEST_REALBAGS_DIR, name, NULL);
  GError *err = NULL;
  GstRosbagBag *bag;
  GstRosbagReader *r;
  RefInfo *ref;
  OurStream *ours;
  GPtrArray *ref_msgs;
  guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1] = { 0, };
  guint64 ctotal, utotal;
  guint i, c;

  if (is_skipped (name)) {
    g_print ("%s: tested in rosbag_library\n", name);
    g_free (path);
    return;
  }
  bag = gst_rosbag_bag_open (path, &err);
  fail_unless (bag != NULL, "%s: %s", name, err ? err->message : "?");

  ref = ref_info (path);
  fail_unless_equals_int (gst_rosbag_bag_is_indexed (bag), ref->indexed);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_start_time (bag),
      ref->start_ns);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_end_time (bag), ref->end_ns);
  fail_unless_equals_uint64 (gst_rosbag_bag_get_message_count (bag),
      ref->messages);
  fail_unless_equals_int (gst_rosbag_bag_get_n_chunks (bag), ref->chunks);
  fail_unless (gst_rosbag_bag_get_compression_stats (bag, counts, &ctotal,
          &utotal, &err), "%s", err ? err->message : "?");
  for (c = 0; c <= GST_ROSBAG_COMPRESSION_UNKNOWN; c++)
    fail_unless_equals_int (counts[c], ref->compression[c]);
  fail_unless_equals_uint64 (ctotal, ref->compressed_bytes);
  fail_unless_equals_uint64 (utotal, ref->uncompressed_bytes);
  fail_unless_equals_int (gst_rosbag_bag_get_n_topics (bag), ref->topics->len);
  for (i = 0; i < ref->topics->len; i++) {
    RefTopic *rt = g_ptr_array_index (ref->topics, i);
    const GstRosbagBagTopic *t = gst_rosbag_bag_get_topic (bag, i);

    fail_unless_equals_string (t->name, rt->topic);
    fail_unless (gst_rosbag_bag_find_topic (bag, rt->topic) == t);
    fail_unless_equals_string (t->type, rt->type);
    fail_unless_equals_string (t->md5sum, rt->md5sum);
    fail_unless_equals_uint64 (t->message_count, rt->messages);
    fail_unless_equals_int (t->connections->len, rt->connections);
  }

  r = gst_rosbag_reader_new_for_bag (bag);
  ours = our_read (r, G_MAXUINT64);
  fail_unless_equals_int (ours->errors, 0);
  ref_msgs = ref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
  assert_same_stream (ours->lines, ref_msgs, name);
  g_print ("%s: %u messages in %u topics match python3-rosbag\n", name,
      ours->lines->len, ref->topics->len);

  our_stream_free (ours);
  g_ptr_array_free (ref_msgs, TRUE);
  gst_rosbag_reader_free (r);
  ref_info_free (ref);
  gst_rosbag_bag_unref (bag);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_no_realbags)
{
  g_print ("SKIP: %s is absent: no real bags tested\n", TEST_REALBAGS_DIR);
}

GST_END_TEST;

static Suite *
rosbag_realbags_suite (void)
{
  Suite *s = suite_create ("rosbag_realbags");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  /* python3-rosbag on the bigger bags takes a few seconds */
  tcase_set_timeout (tc, 300);
  bags = list_bags (TEST_REALBAGS_DIR);
  if (bags && bags->len)
    tcase_add_loop_test (tc, test_realbag, 0, bags->len);
  else
    tcase_add_test (tc, test_no_realbags);
  return s;
}

GST_CHECK_MAIN (rosbag_realbags);
