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

/* Unit tests of bagalign's pure set-decision logic: known timestamps in,
 * the exact sets expected out. Sets are written as "T:m0,m1" in ms
 * (member times, '-' when missing), prefixed with 'x' when dropped. */

#include <gst/check/gstcheck.h>
#include <string.h>

#include "../../plugins/rosbag/gstbagalignlogic.h"

#define MS(x) ((gint64) (x) * 1000000)

typedef struct
{
  guint dropped[8];
  guint released;
} Counts;

static void
release_cb (guint pad, gpointer data, gboolean used, gpointer user_data)
{
  Counts *c = user_data;

  c->released++;
  if (!used && pad < 8)
    c->dropped[pad]++;
}

/* decide and commit until the logic needs data or is done; append the
 * sets to out, then "|NEED:pads" or "|DONE" */
static void
drain (BagAlignLogic * l, GString * out, Counts * c)
{
  for (;;) {
    BagAlignResult r = bag_align_logic_decide (l);
    guint i;

    if (r == BAG_ALIGN_DONE) {
      g_string_append (out, "|DONE");
      return;
    }
    if (r == BAG_ALIGN_NEED_DATA) {
      g_string_append (out, "|NEED:");
      for (i = 0; i < l->set.n_pads; i++)
        if (l->set.needed[i])
          g_string_append_printf (out, "%u", i);
      return;
    }
    if (l->set.n_members > 0) {
      if (out->len > 0 && out->str[out->len - 1] != '|')
        g_string_append_c (out, ' ');
      if (!l->set.emit)
        g_string_append_c (out, 'x');
      g_string_append_printf (out, "%" G_GINT64_FORMAT ":",
          l->set.time / MS (1));
      for (i = 0; i < l->set.n_pads; i++) {
        BagAlignPad *p = bag_align_logic_get_pad (l, i);

        if (i > 0)
          g_string_append_c (out, ',');
        if (l->set.member[i] >= 0)
          g_string_append_printf (out, "%" G_GINT64_FORMAT,
              g_array_index (p->entries, BagAlignEntry,
                  l->set.member[i]).time / MS (1));
        else
          g_string_append_c (out, '-');
      }
    }
    bag_align_logic_commit (l, release_cb, c);
  }
}

/* push whole streams (times in ms, terminated by -1), EOS all, drain */
static gchar *
run_streams (BagAlignLogic * l, Counts * c, const gint * const *streams)
{
  GString *out = g_string_new ("");
  guint i, k;

  for (i = 0; streams[i]; i++) {
    for (k = 0; streams[i][k] >= 0; k++)
      fail_unless (bag_align_logic_push (l, i, MS (streams[i][k]),
              GINT_TO_POINTER (1)));
    bag_align_logic_set_eos (l, i);
  }
  drain (l, out, c);
  return g_string_free (out, FALSE);
}

static BagAlignLogic *
make_logic (guint n, BagAlignMode mode, gint64 tol, BagAlignPolicy policy)
{
  BagAlignLogic *l = bag_align_logic_new ();
  guint i;

  l->mode = mode;
  for (i = 0; i < n; i++) {
    BagAlignPad *p;

    bag_align_logic_add_pad (l);
    p = bag_align_logic_get_pad (l, i);
    p->tolerance = tol;
    p->policy = policy;
  }
  return l;
}

static void
check_streams (BagAlignLogic * l, const gint * const *streams,
    const gchar * expected, Counts * c)
{
  gchar *got = run_streams (l, c, streams);

  GST_INFO ("got %s", got);
  fail_unless_equals_string (got, expected);
  g_free (got);
  bag_align_logic_free (l, release_cb, c);
}

GST_START_TEST (test_reference_nearest)
{
  const gint ref[] = { 0, 100, 200, 300, -1 };
  const gint other[] = { 5, 95, 160, 230, 290, -1 };
  const gint *streams[] = { ref, other, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  /* 200: nearest is 230 (30 ms away, 160 is 40) and out of tolerance */
  check_streams (l, streams, "0:0,5 100:100,95 x200:200,- 300:300,290|DONE",
      &c);
  fail_unless_equals_int (c.dropped[0], 1);
  fail_unless_equals_int (c.dropped[1], 2);
  fail_unless_equals_int (c.released, 9);
}

GST_END_TEST;

GST_START_TEST (test_reference_nearest_tie_and_reuse)
{
  /* one buffer of pad 1 serves several sets; a tie goes to the earlier */
  const gint ref[] = { 0, 50, 100, 150, -1 };
  const gint other[] = { 0, 100, -1 };
  const gint *streams[] = { ref, other, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (60),
      BAG_ALIGN_POLICY_NEAREST);

  check_streams (l, streams, "0:0,0 50:50,0 100:100,100 150:150,100|DONE", &c);
  fail_unless_equals_int (c.dropped[0], 0);
  fail_unless_equals_int (c.dropped[1], 0);
}

GST_END_TEST;

GST_START_TEST (test_reference_previous)
{
  /* sample-and-hold: joint states at 50 Hz, camera at 10 Hz */
  const gint ref[] = { 0, 100, 200, 250, -1 };
  const gint js[] = { 10, 30, 50, 70, 90, 110, 130, 150, 170, 190, 210, -1 };
  const gint *streams[] = { ref, js, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_PREVIOUS);

  /* 0: nothing at or before 0; 250: the latest (210) is 40 ms old */
  check_streams (l, streams, "x0:0,- 100:100,90 200:200,190 x250:250,-|DONE",
      &c);
  /* all but 90 and 190 dropped; the ref frames of the two dropped sets */
  fail_unless_equals_int (c.dropped[1], 9);
  fail_unless_equals_int (c.dropped[0], 2);
}

GST_END_TEST;

GST_START_TEST (test_reference_previous_unlimited)
{
  const gint ref[] = { 0, 100, 200, 300, -1 };
  const gint js[] = { 0, 150, -1 };
  const gint *streams[] = { ref, js, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE,
      BAG_ALIGN_UNLIMITED, BAG_ALIGN_POLICY_PREVIOUS);

  check_streams (l, streams, "0:0,0 100:100,0 200:200,150 300:300,150|DONE",
      &c);
}

GST_END_TEST;

GST_START_TEST (test_reference_keep_incomplete)
{
  const gint ref[] = { 0, 100, 200, -1 };
  const gint other[] = { 100, -1 };
  const gint *streams[] = { ref, other, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  l->drop_incomplete = FALSE;
  check_streams (l, streams, "0:0,- 100:100,100 200:200,-|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_reference_not_required)
{
  const gint ref[] = { 0, 100, 200, -1 };
  const gint a[] = { 0, 100, 200, -1 };
  const gint b[] = { 100, -1 };
  const gint *streams[] = { ref, a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (3, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  bag_align_logic_get_pad (l, 2)->required = FALSE;
  check_streams (l, streams, "0:0,0,- 100:100,100,100 200:200,200,-|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_reference_other_reference_pad)
{
  const gint a[] = { 0, 40, 80, 120, -1 };
  const gint b[] = { 10, 110, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (15),
      BAG_ALIGN_POLICY_NEAREST);

  l->reference = 1;
  check_streams (l, streams, "10:0,10 110:120,110|DONE", &c);
  fail_unless_equals_int (c.dropped[0], 2);
}

GST_END_TEST;

GST_START_TEST (test_reference_ended_required_pad)
{
  /* pad 1 ended early: no set can form after its last buffer is stale */
  const gint ref[] = { 0, 100, 200, 300, 400, -1 };
  const gint other[] = { 0, -1 };
  const gint *streams[] = { ref, other, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  check_streams (l, streams, "0:0,0 x100:100,-|DONE", &c);
  /* what the reference still held is handed back when the logic goes */
  fail_unless_equals_int (c.released, 6);
}

GST_END_TEST;

GST_START_TEST (test_reference_incremental_needs)
{
  Counts c = { {0}, 0 };
  GString *out = g_string_new ("");
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|NEED:01");
  g_string_truncate (out, 0);

  /* a reference buffer alone: the other pad is needed, the ref is not */
  bag_align_logic_push (l, 0, MS (100), NULL);
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|NEED:1");
  g_string_truncate (out, 0);

  /* 90 is 10 away; an entry in [100,110) could still be closer */
  bag_align_logic_push (l, 1, MS (90), NULL);
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|NEED:1");
  g_string_truncate (out, 0);

  /* a GAP up to 110 proves that 90 is the nearest */
  bag_align_logic_advance (l, 1, MS (110));
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "100:100,90|NEED:0");
  g_string_truncate (out, 0);

  /* a sparse pad: a GAP far ahead decides "missing" without buffers */
  bag_align_logic_push (l, 0, MS (200), NULL);
  bag_align_logic_advance (l, 1, MS (500));
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "x200:200,-|NEED:0");
  g_string_truncate (out, 0);

  /* pad 1 is ahead of the reference's horizon: not needed, may block */
  bag_align_logic_push (l, 1, MS (600), NULL);
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|NEED:0");
  g_string_truncate (out, 0);

  /* a flushing seek: both pads flush, pad 1's flush-stop comes later;
   * meanwhile pad 1 is needed and nothing is decided */
  bag_align_logic_flush (l, 0, TRUE, release_cb, &c);
  bag_align_logic_flush (l, 1, TRUE, release_cb, &c);
  bag_align_logic_flush (l, 0, FALSE, release_cb, &c);
  fail_unless (bag_align_logic_push (l, 0, MS (0), NULL));
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|NEED:1");
  g_string_truncate (out, 0);
  bag_align_logic_flush (l, 1, FALSE, release_cb, &c);
  bag_align_logic_push (l, 1, MS (0), NULL);
  drain (l, out, &c);
  /* pad 1 (at 0) is not ahead of the reference (at 0): it may go on */
  fail_unless_equals_string (out->str, "0:0,0|NEED:01");
  g_string_truncate (out, 0);

  bag_align_logic_set_eos (l, 0);
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "|DONE");

  g_string_free (out, TRUE);
  bag_align_logic_free (l, release_cb, &c);
  /* 100, 90, 200, 600, 0, 0 */
  fail_unless_equals_int (c.released, 6);
}

GST_END_TEST;

GST_START_TEST (test_reference_bounded_queue)
{
  /* A 1 kHz pad and a 2 Hz reference, fed the way the element's threads
   * are: a pad only gets more data while the logic needs it (otherwise its
   * thread blocks), the reference comes as late as possible. The fast pad
   * holds one or two entries, not everything since the last set. */
  Counts c = { {0}, 0 };
  GString *out = g_string_new (""), *sets = g_string_new ("");
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);
  const gint ref[] = { 0, 500, 1000 };
  guint r = 0, k = 0, max = 0;

  while (r < G_N_ELEMENTS (ref) || k <= 1000) {
    g_string_truncate (out, 0);
    drain (l, out, &c);
    if (out->str[0] != '|') {
      if (sets->len)
        g_string_append_c (sets, ' ');
      g_string_append_len (sets, out->str, strchr (out->str, '|') - out->str);
    }
    max = MAX (max, bag_align_logic_get_pad (l, 1)->entries->len);
    if (k <= 1000 && l->set.needed[1])
      bag_align_logic_push (l, 1, MS (k++), NULL);
    else if (r < G_N_ELEMENTS (ref))
      bag_align_logic_push (l, 0, MS (ref[r++]), NULL);
    else
      bag_align_logic_push (l, 1, MS (k++), NULL);
  }
  g_string_truncate (out, 0);
  drain (l, out, &c);
  if (out->str[0] != '|')
    g_string_append_printf (sets, " %s", out->str);
  fail_unless_equals_string (sets->str,
      "0:0,0 500:500,500 1000:1000,1000|NEED:01");
  /* while the set's time is known, only the latest entry at or before it
   * (and the one after it) can matter: without pruning this would be ~500 */
  fail_unless (max <= 2, "queue grew to %u", max);
  g_string_free (out, TRUE);
  g_string_free (sets, TRUE);
  bag_align_logic_free (l, release_cb, &c);
  /* all but the 3 members were dropped */
  fail_unless_equals_int (c.dropped[1], 1001 - 3);
}

GST_END_TEST;

GST_START_TEST (test_exact)
{
  const gint a[] = { 0, 100, 200, 300, -1 };
  const gint b[] = { 0, 200, 300, 400, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_EXACT, 0,
      BAG_ALIGN_POLICY_NEAREST);

  check_streams (l, streams, "0:0,0 x100:100,- 200:200,200 300:300,300|DONE",
      &c);
  fail_unless_equals_int (c.dropped[0], 1);
  fail_unless_equals_int (c.dropped[1], 1);
}

GST_END_TEST;

GST_START_TEST (test_exact_keep_incomplete)
{
  const gint a[] = { 0, 100, -1 };
  const gint b[] = { 50, 100, 150, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_EXACT, 0,
      BAG_ALIGN_POLICY_NEAREST);

  l->drop_incomplete = FALSE;
  check_streams (l, streams, "0:0,- 50:-,50 100:100,100 150:-,150|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_rate_nearest)
{
  /* 30 fps and 20 fps resampled to 10 fps, tolerance 20 ms */
  const gint a[] = { 0, 33, 67, 100, 133, 167, 200, 233, -1 };
  const gint b[] = { 0, 50, 100, 150, 200, 250, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  l->rate_n = 10;
  l->rate_d = 1;
  /* tick 300: a's last (233) is out of tolerance, b's 250 too */
  check_streams (l, streams, "0:0,0 100:100,100 200:200,200|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_rate_previous)
{
  const gint a[] = { 0, 40, 80, 120, 160, 200, -1 };
  const gint b[] = { 5, 55, 105, 155, 205, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (50),
      BAG_ALIGN_POLICY_PREVIOUS);

  l->rate_n = 20;
  l->rate_d = 1;
  l->drop_incomplete = FALSE;
  /* ticks every 50 ms; the last tick is the last one at or before the
   * latest buffer (205) */
  check_streams (l, streams,
      "0:0,- 50:40,5 100:80,55 150:120,105 200:200,155|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_rate_unlimited_ends)
{
  /* with an unlimited tolerance every tick finds a member: the ticks stop
   * at the last entry of the streams, not never */
  const gint a[] = { 0, 500, 1000, -1 };
  const gint b[] = { 1200, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE,
      BAG_ALIGN_UNLIMITED, BAG_ALIGN_POLICY_NEAREST);

  l->rate_n = 2;
  check_streams (l, streams, "0:0,1200 500:500,1200 1000:1000,1200|DONE", &c);
}

GST_END_TEST;

GST_START_TEST (test_rate_fraction)
{
  BagAlignLogic *l = bag_align_logic_new ();

  l->rate_n = 30000;
  l->rate_d = 1001;
  fail_unless_equals_int64 (bag_align_logic_tick_time (l, 0), 0);
  fail_unless_equals_int64 (bag_align_logic_tick_time (l, 1), 33366666);
  fail_unless_equals_int64 (bag_align_logic_tick_time (l, 30000),
      G_GINT64_CONSTANT (1001000000000));
  bag_align_logic_free (l, NULL, NULL);
}

GST_END_TEST;

/* ApproximateTime: the cases of ROS message_filters'
 * test_approximate_time_policy.cpp (those without queue-size drops or
 * inter-message bounds), pushed in the same arrival order; times in s.
 * No EOS is sent, so like ROS the last set only comes out when proven. */
typedef struct
{
  gint time;
  guint pad;
} Arrival;

static gchar *
run_arrivals (guint n, const Arrival * in, guint n_in, gboolean eos)
{
  BagAlignLogic *l = make_logic (n, BAG_ALIGN_MODE_APPROXIMATE, 0,
      BAG_ALIGN_POLICY_NEAREST);
  GString *out = g_string_new (""), *all = g_string_new ("");
  Counts c = { {0}, 0 };
  guint i;

  for (i = 0; i < n_in; i++) {
    fail_unless (bag_align_logic_push (l, in[i].pad, MS (in[i].time * 1000),
            NULL));
    g_string_truncate (out, 0);
    drain (l, out, &c);
    /* keep only the sets */
    if (strchr (out->str, '|') != out->str) {
      if (all->len)
        g_string_append_c (all, ' ');
      g_string_append_len (all, out->str, strchr (out->str, '|') - out->str);
    }
  }
  if (eos) {
    for (i = 0; i < n; i++)
      bag_align_logic_set_eos (l, i);
    g_string_truncate (out, 0);
    drain (l, out, &c);
    if (all->len && out->str[0] != '|')
      g_string_append_c (all, ' ');
    g_string_append (all, out->str);
  }
  bag_align_logic_free (l, release_cb, &c);
  g_string_free (out, TRUE);
  return g_string_free (all, FALSE);
}

#define S(x) ((x) * 1000)

static void
check_arrivals (guint n, const Arrival * in, guint n_in, gboolean eos,
    const gchar * expected)
{
  gchar *got = run_arrivals (n, in, n_in, eos);

  fail_unless_equals_string (got, expected);
  g_free (got);
}

GST_START_TEST (test_approximate_ros_cases)
{
  /* ExactMatch */
  const Arrival exact[] = { {0, 0}, {0, 1}, {3, 0}, {3, 1}, {6, 0}, {6, 1} };
  /* PerfectMatch */
  const Arrival perfect[] = { {0, 0}, {1, 1}, {3, 0}, {4, 1}, {6, 0}, {7, 1} };
  /* ImperfectMatch */
  const Arrival imperfect[] = { {0, 0}, {1, 1}, {2, 0}, {3, 0}, {5, 1},
  {6, 0}, {7, 1}
  };
  /* Acceleration */
  const Arrival accel[] = { {0, 0}, {7, 1}, {12, 0}, {15, 1}, {17, 0},
  {18, 1}
  };
  /* DoublePublish */
  const Arrival dbl[] = { {0, 0}, {1, 1}, {3, 1}, {3, 0} };
  /* FourTopics */
  const Arrival four[] = { {0, 0}, {1, 1}, {2, 2}, {3, 3}, {5, 0}, {5, 3},
  {6, 1}, {6, 2}, {8, 0}, {9, 1}, {10, 2}, {11, 3}, {10, 0}, {13, 0},
  {14, 1}
  };
  /* EarlyPublish */
  const Arrival early[] = { {0, 0}, {1, 1}, {2, 2}, {3, 3}, {7, 0} };

  /* set time is pad 0's member; members in ms */
  check_arrivals (2, exact, G_N_ELEMENTS (exact), FALSE,
      "0:0,0 3000:3000,3000 6000:6000,6000");
  check_arrivals (2, perfect, G_N_ELEMENTS (perfect), FALSE,
      "0:0,1000 3000:3000,4000");
  check_arrivals (2, imperfect, G_N_ELEMENTS (imperfect), FALSE,
      "0:0,1000 6000:6000,5000");
  check_arrivals (2, accel, G_N_ELEMENTS (accel), FALSE,
      "12000:12000,7000 17000:17000,18000");
  check_arrivals (2, dbl, G_N_ELEMENTS (dbl), FALSE, "0:0,1000 3000:3000,3000");
  check_arrivals (4, four, G_N_ELEMENTS (four), FALSE,
      "0:0,1000,2000,3000 5000:5000,6000,6000,5000 "
      "10000:10000,9000,10000,11000");
  check_arrivals (4, early, G_N_ELEMENTS (early), FALSE, "0:0,1000,2000,3000");

  /* with EOS the last candidates are proven too */
  check_arrivals (2, perfect, G_N_ELEMENTS (perfect), TRUE,
      "0:0,1000 3000:3000,4000 6000:6000,7000|DONE");
}

GST_END_TEST;

GST_START_TEST (test_approximate_max_interval_and_order)
{
  const gint a[] = { 0, 100, 200, 300, -1 };
  const gint b[] = { 10, 250, 290, -1 };
  const gint *streams[] = { a, b, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_APPROXIMATE, 0,
      BAG_ALIGN_POLICY_NEAREST);
  gchar *got;

  /* unlimited: every message is used at most once, smallest spread */
  got = run_streams (l, &c, streams);
  fail_unless_equals_string (got, "0:0,10 200:200,250 300:300,290|DONE");
  g_free (got);
  bag_align_logic_free (l, release_cb, &c);

  /* a 30 ms bound rejects (200,250) */
  l = make_logic (2, BAG_ALIGN_MODE_APPROXIMATE, 0, BAG_ALIGN_POLICY_NEAREST);
  l->max_interval = MS (30);
  got = run_streams (l, &c, streams);
  fail_unless_equals_string (got, "0:0,10 300:300,290|DONE");
  g_free (got);
  bag_align_logic_free (l, release_cb, &c);
}

GST_END_TEST;

GST_START_TEST (test_approximate_gap_proves)
{
  Counts c = { {0}, 0 };
  GString *out = g_string_new ("");
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_APPROXIMATE, 0,
      BAG_ALIGN_POLICY_NEAREST);

  bag_align_logic_push (l, 0, MS (0), NULL);
  bag_align_logic_push (l, 1, MS (1000), NULL);
  drain (l, out, &c);
  /* pad 0 might still bring something closer to 1000 */
  fail_unless_equals_string (out->str, "|NEED:0");
  g_string_truncate (out, 0);
  /* ROS would need an inter-message bound; a GAP is that bound: to 1500
   * a (1500,1000) set would still beat (0,1000), to 2000 none can */
  bag_align_logic_advance (l, 0, MS (1500));
  drain (l, out, &c);
  /* (pad 1, at 1000, is behind pad 0: it may bring more meanwhile) */
  fail_unless_equals_string (out->str, "|NEED:01");
  g_string_truncate (out, 0);
  bag_align_logic_advance (l, 0, MS (2000));
  drain (l, out, &c);
  fail_unless_equals_string (out->str, "0:0,1000|NEED:01");
  g_string_free (out, TRUE);
  bag_align_logic_free (l, release_cb, &c);
}

GST_END_TEST;

GST_START_TEST (test_late_buffer_rejected)
{
  BagAlignLogic *l = make_logic (1, BAG_ALIGN_MODE_REFERENCE, 0,
      BAG_ALIGN_POLICY_NEAREST);

  fail_unless (bag_align_logic_push (l, 0, MS (10), NULL));
  fail_unless (bag_align_logic_push (l, 0, MS (10), NULL));
  fail_if (bag_align_logic_push (l, 0, MS (5), NULL));
  fail_unless_equals_int (bag_align_logic_get_pad (l, 0)->entries->len, 2);
  bag_align_logic_free (l, NULL, NULL);
}

GST_END_TEST;

GST_START_TEST (test_insert_pad)
{
  BagAlignLogic *l = make_logic (2, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  bag_align_logic_get_pad (l, 1)->tolerance = 7;
  bag_align_logic_insert_pad (l, 1);
  fail_unless_equals_int (bag_align_logic_n_pads (l), 3);
  fail_unless_equals_int64 (bag_align_logic_get_pad (l, 2)->tolerance, 7);
  fail_unless_equals_int64 (bag_align_logic_get_pad (l, 1)->tolerance, MS (20));
  fail_unless_equals_int (l->set.n_pads, 3);
  bag_align_logic_insert_pad (l, 3);
  fail_unless_equals_int (bag_align_logic_n_pads (l), 4);
  bag_align_logic_free (l, NULL, NULL);
}

GST_END_TEST;

GST_START_TEST (test_remove_pad)
{
  const gint a[] = { 0, 100, -1 };
  const gint *streams[] = { a, NULL };
  Counts c = { {0}, 0 };
  BagAlignLogic *l = make_logic (3, BAG_ALIGN_MODE_REFERENCE, MS (20),
      BAG_ALIGN_POLICY_NEAREST);

  bag_align_logic_push (l, 2, MS (0), NULL);
  bag_align_logic_remove_pad (l, 2, release_cb, &c);
  bag_align_logic_remove_pad (l, 1, release_cb, &c);
  fail_unless_equals_int (c.released, 1);
  fail_unless_equals_int (c.dropped[2], 1);
  check_streams (l, streams, "0:0 100:100|DONE", &c);
}

GST_END_TEST;

/* ---- streaming through bounded queues against the offline result ---- */

/* Random streams go through a model of bagsrc and bagalign's threads: a
 * demuxer pushes the messages of all pads in time order into a queue per
 * pad that holds at most qcap buffers (events do not count), with bagdemux's
 * coarse GAPs for silent pads and, when a queue is full, its announcement:
 * a GAP up to the message it waits with on every other pad. A pad delivers
 * its next item to the logic only while the logic needs that pad (its
 * thread blocks otherwise). This must never deadlock, and must give
 * exactly the sets of the offline run (everything pushed, then EOS). */

#define SIM_PADS 4

typedef struct
{
  gchar kind;                   /* 'b' buffer, 'g' GAP to time, 'e' EOS */
  gint64 time;
} SimItem;

typedef struct
{
  gint64 time;
  guint pad;
} SimMsg;

static void
sim_append_set (BagAlignLogic * l, GString * out)
{
  guint i;

  /* (dropped sets are not compared: the offline run knows where a pad
   * ends before the streaming one can, and stops deciding them earlier) */
  if (l->set.n_members == 0 || !l->set.emit)
    return;
  g_string_append_printf (out, "%" G_GINT64_FORMAT ":", l->set.time);
  for (i = 0; i < l->set.n_pads; i++) {
    BagAlignPad *p = bag_align_logic_get_pad (l, i);

    if (i > 0)
      g_string_append_c (out, ',');
    if (l->set.member[i] >= 0)
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
          g_array_index (p->entries, BagAlignEntry, l->set.member[i]).time);
    else
      g_string_append_c (out, '-');
  }
  g_string_append_c (out, ' ');
}

/* decide and commit as far as possible: TRUE once done */
static gboolean
sim_drain (BagAlignLogic * l, GString * out)
{
  for (;;) {
    BagAlignResult r = bag_align_logic_decide (l);

    if (r == BAG_ALIGN_DONE)
      return TRUE;
    if (r == BAG_ALIGN_NEED_DATA)
      return FALSE;
    sim_append_set (l, out);
    bag_align_logic_commit (l, NULL, NULL);
  }
}

typedef struct
{
  BagAlignMode mode;
  guint n;
  guint reference;
  gboolean drop_incomplete;
  gint rate_n, rate_d;
  gint64 max_interval;
  gdouble age_penalty;
  gint64 tolerance[SIM_PADS];
  BagAlignPolicy policy[SIM_PADS];
  gboolean required[SIM_PADS];
} SimConfig;

static BagAlignLogic *
sim_logic (const SimConfig * cfg)
{
  BagAlignLogic *l = bag_align_logic_new ();
  guint i;

  l->mode = cfg->mode;
  l->reference = cfg->reference;
  l->drop_incomplete = cfg->drop_incomplete;
  l->rate_n = cfg->rate_n;
  l->rate_d = cfg->rate_d;
  l->max_interval = cfg->max_interval;
  l->age_penalty = cfg->age_penalty;
  for (i = 0; i < cfg->n; i++) {
    BagAlignPad *p;

    bag_align_logic_add_pad (l);
    p = bag_align_logic_get_pad (l, i);
    p->tolerance = cfg->tolerance[i];
    p->policy = cfg->policy[i];
    p->required = cfg->required[i];
  }
  return l;
}

static gchar *
sim_offline (const SimConfig * cfg, GArray ** times)
{
  BagAlignLogic *l = sim_logic (cfg);
  GString *out = g_string_new ("");
  guint i, k;

  for (i = 0; i < cfg->n; i++) {
    for (k = 0; k < times[i]->len; k++)
      fail_unless (bag_align_logic_push (l, i, g_array_index (times[i],
                  gint64, k), NULL));
    bag_align_logic_set_eos (l, i);
  }
  fail_unless (sim_drain (l, out));
  bag_align_logic_free (l, NULL, NULL);
  return g_string_free (out, FALSE);
}

static gint
sim_msg_cmp (gconstpointer a, gconstpointer b)
{
  const SimMsg *x = a, *y = b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return 0;
}

static void
sim_queue (GQueue * fifo, gchar kind, gint64 time)
{
  SimItem *it = g_new (SimItem, 1);

  it->kind = kind;
  it->time = time;
  g_queue_push_tail (fifo, it);
}

/* the streaming run; *max_held: most entries any pad held at once */
static gchar *
sim_streaming (const SimConfig * cfg, GArray ** times, guint qcap,
    GRand * rand, guint * max_held)
{
  BagAlignLogic *l = sim_logic (cfg);
  GString *out = g_string_new ("");
  GArray *msgs = g_array_new (FALSE, FALSE, sizeof (SimMsg));
  GQueue fifo[SIM_PADS];
  guint nbuf[SIM_PADS];
  gint64 last[SIM_PADS];
  guint i, k, next = 0;
  gboolean announced = FALSE, eos_queued = FALSE, done = FALSE;
  const gint64 thr = MS (200);

  for (i = 0; i < cfg->n; i++) {
    for (k = 0; k < times[i]->len; k++) {
      SimMsg m = { g_array_index (times[i], gint64, k), i };

      g_array_append_val (msgs, m);
    }
    g_queue_init (&fifo[i]);
    nbuf[i] = 0;
    last[i] = BAG_ALIGN_TIME_NONE;
  }
  /* time order; equal times in a random order (a stable sort after a
   * shuffle) */
  for (k = msgs->len; k > 1; k--) {
    guint j = g_rand_int_range (rand, 0, k);
    SimMsg t = g_array_index (msgs, SimMsg, k - 1);

    g_array_index (msgs, SimMsg, k - 1) = g_array_index (msgs, SimMsg, j);
    g_array_index (msgs, SimMsg, j) = t;
  }
  g_array_sort (msgs, sim_msg_cmp);
  *max_held = 0;

  for (;;) {
    gint pick = -1;
    guint n_pick = 0;

    done = sim_drain (l, out);
    for (i = 0; i < cfg->n; i++)
      *max_held = MAX (*max_held, bag_align_logic_get_pad (l, i)->entries->len);
    if (done)
      break;
    /* a pad whose thread the logic lets go on delivers its next item */
    for (i = 0; i < cfg->n; i++) {
      if (l->set.needed[i] && !g_queue_is_empty (&fifo[i])) {
        if (g_rand_int_range (rand, 0, ++n_pick) == 0)
          pick = i;
      }
    }
    if (pick >= 0) {
      SimItem *it = g_queue_pop_head (&fifo[pick]);

      if (it->kind == 'b') {
        nbuf[pick]--;
        fail_unless (bag_align_logic_push (l, pick, it->time, NULL));
      } else if (it->kind == 'g') {
        bag_align_logic_advance (l, pick, it->time);
      } else {
        bag_align_logic_set_eos (l, pick);
      }
      g_free (it);
      continue;
    }
    if (next < msgs->len) {
      SimMsg *m = &g_array_index (msgs, SimMsg, next);

      if (nbuf[m->pad] >= qcap) {
        /* the queue is full: the demuxer announces where it is, once */
        if (announced)
          break;
        announced = TRUE;
        for (i = 0; i < cfg->n; i++) {
          if (i != m->pad && (last[i] == BAG_ALIGN_TIME_NONE ||
                  m->time > last[i])) {
            sim_queue (&fifo[i], 'g', m->time);
            last[i] = m->time;
          }
        }
        continue;
      }
      /* bagdemux's coarse GAPs for pads silent for a while */
      for (i = 0; i < cfg->n; i++) {
        gint64 from = last[i] == BAG_ALIGN_TIME_NONE ? 0 : last[i];

        if (i != m->pad && m->time > from + thr) {
          sim_queue (&fifo[i], 'g', m->time - thr / 2);
          last[i] = m->time - thr / 2;
        }
      }
      sim_queue (&fifo[m->pad], 'b', m->time);
      nbuf[m->pad]++;
      last[m->pad] = MAX (last[m->pad], m->time);
      announced = FALSE;
      next++;
      continue;
    }
    if (!eos_queued) {
      for (i = 0; i < cfg->n; i++)
        sim_queue (&fifo[i], 'e', 0);
      eos_queued = TRUE;
      continue;
    }
    break;
  }
  if (!done)
    g_string_append (out, "STALLED");
  for (i = 0; i < cfg->n; i++)
    g_queue_clear_full (&fifo[i], g_free);
  g_array_unref (msgs);
  bag_align_logic_free (l, NULL, NULL);
  return g_string_free (out, FALSE);
}

/* a pad's times: a period with a phase, jitter, on a grid */
static GArray *
sim_times (GRand * rand, gint64 period, gint64 duration, gint64 grid)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t = g_rand_int_range (rand, 0, (gint32) MIN (period,
          (gint64) G_MAXINT32)), prev = 0;

  for (; t < duration; t += period) {
    gint64 jit = period >= 4 ? g_rand_int_range (rand, 0,
        (gint32) MIN (period / 4, (gint64) G_MAXINT32)) : 0;
    gint64 v = (t + jit) / grid * grid;

    v = MAX (v, prev);
    g_array_append_val (a, v);
    prev = v;
  }
  return a;
}

GST_START_TEST (test_streaming_matches_offline)
{
  static const gint64 periods_ms[] = { 1, 7, 20, 50, 130, 500, 2000, 10000 };
  static const gint64 tols[] = { 0, MS (5), MS (20), MS (300), MS (1000),
    MS (3000), BAG_ALIGN_UNLIMITED
  };
  static const guint qcaps[] = { 1, 2, 5, 40 };
  GRand *rand = g_rand_new_with_seed (20260606);
  guint run, runs = 400, worst = 0;

  for (run = 0; run < runs; run++) {
    SimConfig cfg = { 0 };
    GArray *times[SIM_PADS];
    gint64 grid;
    gchar *off, *str;
    guint i, held, qcap;

    cfg.n = g_rand_int_range (rand, 2, SIM_PADS + 1);
    cfg.mode = g_rand_int_range (rand, 0, 3);
    cfg.reference = g_rand_int_range (rand, 0, cfg.n);
    cfg.drop_incomplete = g_rand_int_range (rand, 0, 4) != 0;
    cfg.max_interval = BAG_ALIGN_UNLIMITED;
    cfg.rate_d = 1;
    if (g_rand_int_range (rand, 0, 5) == 0) {
      static const gint rates[][2] = { {1, 1}, {10, 1}, {30, 1}, {1, 3} };
      guint r = g_rand_int_range (rand, 0, G_N_ELEMENTS (rates));

      cfg.rate_n = rates[r][0];
      cfg.rate_d = rates[r][1];
    }
    if (cfg.mode == BAG_ALIGN_MODE_APPROXIMATE) {
      if (g_rand_int_range (rand, 0, 3) == 0)
        cfg.max_interval = g_rand_boolean (rand) ? MS (50) : MS (1000);
      if (g_rand_int_range (rand, 0, 3) == 0)
        cfg.age_penalty = 0.5;
    }
    grid = cfg.mode == BAG_ALIGN_MODE_EXACT ? MS (10) :
        g_rand_boolean (rand) ? MS (1) : 1;
    for (i = 0; i < cfg.n; i++) {
      gint64 period = MS (periods_ms[g_rand_int_range (rand, 0,
                  G_N_ELEMENTS (periods_ms))]);

      cfg.tolerance[i] = tols[g_rand_int_range (rand, 0, G_N_ELEMENTS (tols))];
      cfg.policy[i] = g_rand_int_range (rand, 0, 3) == 0 ?
          BAG_ALIGN_POLICY_PREVIOUS : BAG_ALIGN_POLICY_NEAREST;
      cfg.required[i] = g_rand_int_range (rand, 0, 5) != 0;
      /* at most ~1500 entries a pad */
      times[i] = sim_times (rand, period, MIN (MS (30000), period * 1500),
          grid);
    }
    qcap = qcaps[g_rand_int_range (rand, 0, G_N_ELEMENTS (qcaps))];

    off = sim_offline (&cfg, times);
    str = sim_streaming (&cfg, times, qcap, rand, &held);
    if (g_strcmp0 (off, str) != 0) {
      GString *d = g_string_new ("");
      guint at = 0;

      while (off[at] && off[at] == str[at])
        at++;
      while (at > 0 && off[at - 1] != ' ')
        at--;

      for (i = 0; i < cfg.n; i++)
        g_string_append_printf (d, " pad%u:%u entries tol %" G_GINT64_FORMAT
            " policy %d required %d;", i, times[i]->len, cfg.tolerance[i],
            cfg.policy[i], cfg.required[i]);
      fail ("run %u (mode %d ref %u rate %d/%d drop %d max %" G_GINT64_FORMAT
          " age %g qcap %u%s):\noffline   %.300s\nstreaming %.300s", run,
          cfg.mode, cfg.reference, cfg.rate_n, cfg.rate_d,
          cfg.drop_incomplete, cfg.max_interval, cfg.age_penalty, qcap, d->str,
          off + at, str + at);
    }
    worst = MAX (worst, held);
    g_free (off);
    g_free (str);
    for (i = 0; i < cfg.n; i++)
      g_array_unref (times[i]);
  }
  GST_INFO ("most entries held by a pad: %u", worst);
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_streaming_slow_pad_bounded)
{
  /* 1 kHz against 0.1 Hz, through queues of 5 buffers: in every mode the
   * fast pad holds a few entries while the slow one is awaited (the
   * demuxer's GAPs prove where it stands), and the sets are the offline
   * ones */
  GRand *rand = g_rand_new_with_seed (7);
  GArray *times[2];
  guint mode, order;

  times[0] = sim_times (rand, MS (1), MS (30000), 1);
  times[1] = sim_times (rand, MS (10000), MS (30000), 1);
  for (order = 0; order < 2; order++) {
    for (mode = 0; mode < 5; mode++) {
      SimConfig cfg = { 0 };
      gchar *off, *str;
      guint i, held;

      cfg.n = 2;
      cfg.mode = mode == 1 ? BAG_ALIGN_MODE_APPROXIMATE :
          mode == 4 ? BAG_ALIGN_MODE_EXACT : BAG_ALIGN_MODE_REFERENCE;
      cfg.drop_incomplete = TRUE;
      cfg.max_interval = BAG_ALIGN_UNLIMITED;
      cfg.rate_n = mode == 2 ? 2 : 0;
      cfg.rate_d = 1;
      for (i = 0; i < 2; i++) {
        cfg.tolerance[i] = MS (20);
        cfg.policy[i] = mode == 3 ? BAG_ALIGN_POLICY_PREVIOUS :
            BAG_ALIGN_POLICY_NEAREST;
        cfg.required[i] = TRUE;
      }
      /* previous: a sample held for up to 15 s */
      if (mode == 3)
        cfg.tolerance[1 - order] = MS (15000);
      if (order == 1) {
        GArray *t = times[0];

        times[0] = times[1];
        times[1] = t;
      }
      off = sim_offline (&cfg, times);
      str = sim_streaming (&cfg, times, 5, rand, &held);
      fail_unless_equals_string (str, off);
      fail_unless (strlen (off) > 0 || mode == 4, "no set in mode %u", mode);
      /* at most what the 5-buffer queue had in flight plus a couple;
       * where a pending set waits for the slow pad (the 1 kHz reference,
       * or a tick), also the fast entries within its 20 ms tolerance,
       * which later sets need */
      fail_unless (held <= ((order == 0 && mode == 0) || mode == 2 ? 25 : 8),
          "mode %u order %u: a pad held %u entries", mode, order, held);
      if (order == 1) {
        GArray *t = times[0];

        times[0] = times[1];
        times[1] = t;
      }
      g_free (off);
      g_free (str);
    }
  }
  g_array_unref (times[0]);
  g_array_unref (times[1]);
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
bagalign_logic_suite (void)
{
  Suite *s = suite_create ("bagalign_logic");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_reference_nearest);
  tcase_add_test (tc, test_reference_nearest_tie_and_reuse);
  tcase_add_test (tc, test_reference_previous);
  tcase_add_test (tc, test_reference_previous_unlimited);
  tcase_add_test (tc, test_reference_keep_incomplete);
  tcase_add_test (tc, test_reference_not_required);
  tcase_add_test (tc, test_reference_other_reference_pad);
  tcase_add_test (tc, test_reference_ended_required_pad);
  tcase_add_test (tc, test_reference_incremental_needs);
  tcase_add_test (tc, test_reference_bounded_queue);
  tcase_add_test (tc, test_exact);
  tcase_add_test (tc, test_exact_keep_incomplete);
  tcase_add_test (tc, test_rate_nearest);
  tcase_add_test (tc, test_rate_previous);
  tcase_add_test (tc, test_rate_fraction);
  tcase_add_test (tc, test_rate_unlimited_ends);
  tcase_add_test (tc, test_approximate_ros_cases);
  tcase_add_test (tc, test_approximate_max_interval_and_order);
  tcase_add_test (tc, test_approximate_gap_proves);
  tcase_add_test (tc, test_late_buffer_rejected);
  tcase_add_test (tc, test_insert_pad);
  tcase_add_test (tc, test_remove_pad);
  tcase_add_test (tc, test_streaming_matches_offline);
  tcase_add_test (tc, test_streaming_slow_pad_bounded);

  return s;
}

GST_CHECK_MAIN (bagalign_logic);
