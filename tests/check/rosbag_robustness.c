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

/* Robustness of the format library on damaged input:
 * - truncation: every prefix (or every Nth) of a fixture bag opens or fails
 *   with a GError, reading ends, and every message python3-rosbag reads
 *   from the intact file that lies in a chunk complete in the prefix still
 *   comes out; nothing comes out that is not in the intact file.
 * - corruption: bytes changed at many offsets: open and read all, no crash,
 *   no hang (a bounded number of reader calls), errors are GErrors.
 * Set ROSBAG_TEST_STRIDE_SCALE=N to test every N-th case only (valgrind). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>
#include "rosbag-test-util.h"

typedef struct
{
  const gchar *name;
  guint trunc_stride;
  guint corrupt_stride;
} Case;

/* Strides keep the run near a minute under meson (which sets
 * MALLOC_PERTURB_: every lz4 chunk decode then costs ~3 ms, liblz4
 * allocates and frees its 1 MiB+ block buffers per frame). Corruption
 * also changes every one of the first 160 bytes (bag header fields) and,
 * in indexed bags, the last 256 (chunk info records). */
static const Case cases[] = {
  {"overlap.bag", 1, 7},
  {"multiconn.bag", 1, 5},
  {"basic-none.bag", 41, 29},
  {"basic-lz4.bag", 307, 401},
  {"basic-bz2.bag", 151, 127},
  {"sample.bag", 2039, 2039},
  {"unindexed.bag", 0, 61},
  {"unindexed-lz4.bag", 0, 401},
  {"empty.bag", 1, 1},
};

static GBytes *
load (const gchar * name)
{
  gchar *path = g_build_filename (TEST_FILES_DIR, name, NULL);
  gchar *data;
  gsize len;

  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  g_free (path);
  return g_bytes_new_take (data, len);
}

/* reads every message of @bytes; NULL if it does not open */
static OurStream *
read_mem (GBytes * bytes, guint64 max_calls, gboolean * opened)
{
  GError *err = NULL;
  GstRosbagBag *bag = open_mem (bytes, "damaged.bag", &err);
  GstRosbagReader *r;
  OurStream *s;
  guint i;

  *opened = bag != NULL;
  if (!bag) {
    fail_unless (err != NULL, "open failed without a GError");
    fail_unless (err->domain == GST_ROSBAG_ERROR);
    g_error_free (err);
    return NULL;
  }
  fail_unless (err == NULL);
  /* the index views must be walkable */
  for (i = 0; i < gst_rosbag_bag_get_n_topics (bag); i++) {
    const GstRosbagBagTopic *t = gst_rosbag_bag_get_topic (bag, i);

    if (t->name == NULL || t->connections->len == 0)
      fail ("topic without a name or connections");
  }
  for (i = 0; i < gst_rosbag_bag_get_n_connections (bag); i++)
    if (gst_rosbag_bag_get_connection (bag, i)->topic_info == NULL)
      fail ("connection without a topic");
  r = gst_rosbag_reader_new_for_bag (bag);
  /* keep the cache small, so eviction paths run too */
  gst_rosbag_reader_set_cache_size (r, 16 * 1024);
  s = our_read (r, max_calls);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  return s;
}

GST_START_TEST (test_truncation)
{
  const Case *c = &cases[__i__];
  gchar *path = g_build_filename (TEST_FILES_DIR, c->name, NULL);
  GBytes *whole;
  GstRosbagBag *bag;
  GstRosbagReader *r;
  OurStream *intact;
  GPtrArray *ref;
  GArray *chunk_end;            /* per intact message: end of its chunk */
  gsize len, L;
  guint i, n_prefixes = 0, n_opened = 0, stride;
  guint64 expected_total = 0, got_total = 0;
  gint64 t0 = g_get_monotonic_time ();

  if (c->trunc_stride == 0) {
    g_free (path);
    return;
  }
  stride = c->trunc_stride * stride_scale ();
  whole = load (c->name);
  len = g_bytes_get_size (whole);

  /* the intact file: ours equals python's (rosbag_library checks that
   * too); remember where each message's chunk ends */
  bag = gst_rosbag_bag_open (path, NULL);
  fail_unless (bag != NULL);
  r = gst_rosbag_reader_new_for_bag (bag);
  intact = our_read (r, G_MAXUINT64);
  ref = ref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
  chunk_end = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (i = 0; i < intact->lines->len; i++) {
    guint64 pos = g_array_index (intact->chunk_pos, guint64, i), end = 0;
    guint k;

    for (k = 0; k < gst_rosbag_bag_get_n_chunks (bag); k++) {
      const GstRosbagChunkInfo *ci = gst_rosbag_bag_get_chunk (bag, k);

      if (ci->pos == pos) {
        fail_unless (gst_rosbag_bag_load_chunk_header (bag, k, NULL));
        end = ci->data_pos + ci->data_len;
      }
    }
    fail_unless (end > 0);
    g_array_append_val (chunk_end, end);
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  {
    GPtrArray *copy = g_ptr_array_new ();

    for (i = 0; i < intact->lines->len; i++)
      g_ptr_array_add (copy, g_ptr_array_index (intact->lines, i));
    assert_same_stream (copy, ref, c->name);
    g_ptr_array_free (copy, TRUE);
  }

  for (L = 0; L <= len; L += (L + stride > len && L < len) ? len - L : stride) {
    GBytes *prefix = g_bytes_new_from_bytes (whole, 0, L);
    GPtrArray *expected = g_ptr_array_new ();
    gboolean opened;
    OurStream *got = read_mem (prefix, 10 * intact->lines->len + 1000,
        &opened);

    n_prefixes++;
    for (i = 0; i < intact->lines->len; i++)
      if (g_array_index (chunk_end, guint64, i) <= L)
        g_ptr_array_add (expected, g_ptr_array_index (intact->lines, i));
    expected_total += expected->len;
    if (!got) {
      fail_unless (expected->len == 0,
          "prefix of %u bytes does not open but has %u messages in complete"
          " chunks", (guint) L, expected->len);
    } else {
      n_opened++;
      fail_unless (got->bounded, "prefix %u: reading does not end", (guint) L);
      got_total += got->lines->len;
      if (assert_contains (got->lines, expected, FALSE, c->name) > 0)
        fail ("prefix of %u bytes: %u of %u messages in complete chunks"
            " are missing", (guint) L, assert_contains (got->lines,
                expected, FALSE, c->name), expected->len);
      fail_unless (assert_contains (intact->lines, got->lines, FALSE,
              c->name) == 0, "prefix of %u bytes: a message that is not in"
          " the intact file", (guint) L);
      if (L == len)
        fail_unless_equals_int (got->lines->len, intact->lines->len);
      our_stream_free (got);
    }
    g_ptr_array_free (expected, TRUE);
    g_bytes_unref (prefix);
    if (L == len)
      break;
  }
  g_print ("%s: %u prefixes (stride %u), %u opened; %" G_GUINT64_FORMAT
      " messages read where %" G_GUINT64_FORMAT " were required (%.1f s)\n",
      c->name, n_prefixes, stride, n_opened, got_total, expected_total,
      (g_get_monotonic_time () - t0) / 1e6);

  g_array_free (chunk_end, TRUE);
  our_stream_free (intact);
  g_ptr_array_free (ref, TRUE);
  g_bytes_unref (whole);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_corruption)
{
  const Case *c = &cases[__i__];
  GBytes *whole = load (c->name);
  gsize len = g_bytes_get_size (whole), off;
  const guint8 *orig = g_bytes_get_data (whole, NULL);
  guint stride = c->corrupt_stride * stride_scale ();
  guint n = 0, n_opened = 0, n_errors = 0, k = 0;
  gint64 t0 = g_get_monotonic_time ();
  guint64 n_msgs = 0;
  gboolean indexed = strncmp (c->name, "unindexed", 9) != 0;

  for (off = 0; off < len; off++) {
    guint8 *d;
    GBytes *b;
    gboolean opened;
    OurStream *got;

    if (off >= 160 && (off + 256 < len || !indexed) && off % stride != 0)
      continue;
    d = g_memdup2 (orig, len);
    k++;

    switch (k % 5) {
      case 0:
        d[off] ^= 0xff;
        break;
      case 1:
        d[off] = 0;
        break;
      case 2:
        d[off] = 0xff;
        break;
      case 3:
        d[off] ^= 0x01;
        break;
      default:
        /* a run of 4 bytes: a whole length field */
        memset (d + off, 0xff, MIN (4, len - off));
        break;
    }
    b = g_bytes_new_take (d, len);
    got = read_mem (b, len + 1000, &opened);
    n++;
    if (got) {
      n_opened++;
      fail_unless (got->bounded, "%s: byte %u changed: reading does not end",
          c->name, (guint) off);
      n_errors += got->errors;
      n_msgs += got->lines->len;
      our_stream_free (got);
    }
    g_bytes_unref (b);
  }
  g_print ("%s: %u corrupted copies (stride %u), %u opened, %"
      G_GUINT64_FORMAT " messages and %u read errors (%.1f s)\n", c->name, n,
      stride, n_opened, n_msgs, n_errors, (g_get_monotonic_time () - t0) / 1e6);
  g_bytes_unref (whole);
}

GST_END_TEST;

static Suite *
rosbag_robustness_suite (void)
{
  Suite *s = suite_create ("rosbag_robustness");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_truncation, 0, G_N_ELEMENTS (cases));
  tcase_add_loop_test (tc, test_corruption, 0, G_N_ELEMENTS (cases));
  return s;
}

GST_CHECK_MAIN (rosbag_robustness);
