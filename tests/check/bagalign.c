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

/* bagalign through GstHarness: synthetic streams with known timestamps,
 * one feeding thread per sink pad (as bagsrc's queues give), and the
 * exact outputs expected on every src pad. Then the fixture bags end to
 * end through bagsrc, against an alignment computed from python3-rosbag. */

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rosbag-test-util.h"
#include "../../plugins/rosbag/gstbagalignlogic.h"

#define MS(x) ((GstClockTime) (x) * GST_MSECOND)

/* one item of a synthetic stream */
typedef struct
{
  gchar kind;                   /* 'b' buffer, 'g' gap, 'e' EOS, 0 end */
  gint t;                       /* ms */
  gint d;                       /* gap duration, ms */
} Item;

#define B(t) {'b', (t), 0}
#define G(t,d) {'g', (t), (d)}
#define E {'e', 0, 0}
#define END {0, 0, 0}

typedef struct
{
  GstElement *element;
  guint n;
  GstHarness *h[8];
} Fixture;

static Fixture *
fixture_new (guint n, const gchar * props)
{
  Fixture *f = g_new0 (Fixture, 1);
  guint i;

  if (props) {
    gchar *desc = g_strdup_printf ("bagalign %s", props);
    f->element = gst_parse_launch (desc, NULL);
    g_free (desc);
  } else {
    f->element = gst_element_factory_make ("bagalign", NULL);
  }
  fail_unless (f->element != NULL);
  f->n = n;
  for (i = 0; i < n; i++) {
    gchar *sink = g_strdup_printf ("sink_%u", i);
    gchar *src = g_strdup_printf ("src_%u", i);
    GstPad *pad = gst_element_request_pad_simple (f->element, "sink_%u");

    fail_unless (pad != NULL);
    fail_unless_equals_string (GST_OBJECT_NAME (pad), sink);
    gst_object_unref (pad);
    f->h[i] = gst_harness_new_with_element (f->element, sink, src);
    g_free (sink);
    g_free (src);
  }
  return f;
}

static void
fixture_start (Fixture * f)
{
  guint i;

  for (i = 0; i < f->n; i++) {
    gst_harness_play (f->h[i]);
    gst_harness_set_src_caps_str (f->h[i], "application/x-test");
  }
}

static void
fixture_free (Fixture * f)
{
  guint i;

  for (i = 0; i < f->n; i++)
    gst_harness_teardown (f->h[i]);
  gst_object_unref (f->element);
  g_free (f);
}

static GstPad *
sinkpad (Fixture * f, guint i)
{
  gchar *name = g_strdup_printf ("sink_%u", i);
  GstPad *pad = gst_element_get_static_pad (f->element, name);

  g_free (name);
  return pad;
}

static GstBuffer *
make_buffer (gint t)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 4, NULL);

  GST_BUFFER_PTS (buf) = MS (t);
  gst_buffer_memset (buf, 0, t & 0xff, 4);
  return buf;
}

typedef struct
{
  GstHarness *h;
  const Item *items;
  GstFlowReturn last;
} Feeder;

static gpointer
feed (gpointer data)
{
  Feeder *fd = data;
  const Item *it;

  fd->last = GST_FLOW_OK;
  for (it = fd->items; it->kind; it++) {
    switch (it->kind) {
      case 'b':
        fd->last = gst_harness_push (fd->h, make_buffer (it->t));
        break;
      case 'g':
        gst_harness_push_event (fd->h, gst_event_new_gap (MS (it->t),
                MS (it->d)));
        break;
      case 'e':
        gst_harness_push_event (fd->h, gst_event_new_eos ());
        break;
    }
  }
  return NULL;
}

/* feed every pad from its own thread; returns when all are done */
static void
run_feeders (Fixture * f, const Item * const *streams, GstFlowReturn * last)
{
  GThread *threads[8];
  Feeder fd[8];
  guint i;

  for (i = 0; i < f->n; i++) {
    fd[i].h = f->h[i];
    fd[i].items = streams[i];
    threads[i] = g_thread_new ("feeder", feed, &fd[i]);
  }
  for (i = 0; i < f->n; i++) {
    g_thread_join (threads[i]);
    if (last)
      last[i] = fd[i].last;
  }
}

/* What pad i output: buffers "PTS<-ORIG" (ms, ORIG from the meta) and
 * GAPs "gPTS", in order of PTS (buffers and events arrive in separate
 * harness queues; a GAP and a buffer never share a PTS on one pad), then
 * "|EOS" when EOS came out. */
static gchar *
output_of (Fixture * f, guint i)
{
  GstCaps *orig_caps = gst_caps_from_string ("timestamp/x-bagalign-pts");
  GArray *items = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  GPtrArray *strs = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new ("");
  GstBuffer *buf;
  GstEvent *ev;
  gboolean eos = FALSE;
  guint k, j;

  while ((buf = gst_harness_try_pull (f->h[i]))) {
    GstReferenceTimestampMeta *m =
        gst_buffer_get_reference_timestamp_meta (buf, orig_caps);

    fail_unless (m != NULL);
    g_array_append_val (items, GST_BUFFER_PTS (buf));
    g_ptr_array_add (strs, g_strdup_printf ("%" G_GUINT64_FORMAT "<-%"
            G_GUINT64_FORMAT, GST_BUFFER_PTS (buf) / GST_MSECOND,
            m->timestamp / GST_MSECOND));
    gst_buffer_unref (buf);
  }
  while ((ev = gst_harness_try_pull_event (f->h[i]))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts;

      gst_event_parse_gap (ev, &ts, NULL);
      g_array_append_val (items, ts);
      g_ptr_array_add (strs, g_strdup_printf ("g%" G_GUINT64_FORMAT,
              ts / GST_MSECOND));
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      eos = TRUE;
    }
    gst_event_unref (ev);
  }
  /* stable sort by PTS (few items) */
  for (k = 0; k < items->len; k++) {
    for (j = k + 1; j < items->len; j++) {
      if (g_array_index (items, GstClockTime, j) <
          g_array_index (items, GstClockTime, k)) {
        GstClockTime t = g_array_index (items, GstClockTime, j);
        gpointer s = strs->pdata[j];

        g_array_index (items, GstClockTime, j) =
            g_array_index (items, GstClockTime, k);
        g_array_index (items, GstClockTime, k) = t;
        strs->pdata[j] = strs->pdata[k];
        strs->pdata[k] = s;
      }
    }
  }
  for (k = 0; k < strs->len; k++) {
    if (k)
      g_string_append_c (out, ' ');
    g_string_append (out, strs->pdata[k]);
  }
  if (eos)
    g_string_append (out, "|EOS");

  g_array_unref (items);
  g_ptr_array_unref (strs);
  gst_caps_unref (orig_caps);
  return g_string_free (out, FALSE);
}

static void
check_output (Fixture * f, guint i, const gchar * expected)
{
  gchar *got = output_of (f, i);

  GST_INFO ("pad %u: %s", i, got);
  fail_unless_equals_string (got, expected);
  g_free (got);
}

static guint64
pad_counter (Fixture * f, guint i, const gchar * name)
{
  GstPad *pad = sinkpad (f, i);
  guint64 v;

  g_object_get (pad, name, &v, NULL);
  gst_object_unref (pad);
  return v;
}

static guint64
element_counter (Fixture * f, const gchar * name)
{
  guint64 v;

  g_object_get (f->element, name, &v, NULL);
  return v;
}

GST_START_TEST (test_reference_nearest)
{
  const Item ref[] = { B (0), B (100), B (200), B (300), E, END };
  const Item other[] = { B (5), B (95), B (160), B (230), B (290), E, END };
  const Item *streams[] = { ref, other };
  Fixture *f = fixture_new (2, NULL);

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 300<-300|EOS");
  check_output (f, 1, "0<-5 100<-95 300<-290|EOS");
  fail_unless_equals_int (element_counter (f, "sets-emitted"), 3);
  fail_unless_equals_int (element_counter (f, "sets-dropped"), 1);
  fail_unless_equals_int (pad_counter (f, 0, "buffers-dropped"), 1);
  fail_unless_equals_int (pad_counter (f, 1, "buffers-dropped"), 2);
  fail_unless_equals_int (pad_counter (f, 1, "buffers-used"), 3);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_previous_sample_and_hold)
{
  /* 10 fps reference, a 50 Hz signal held with policy=previous on its pad
   * and an unlimited tolerance; one buffer serves several sets */
  const Item ref[] = { B (0), B (100), B (200), B (300), E, END };
  const Item js[] = { B (10), B (30), B (50), B (70), B (90), B (110),
    B (250), E, END
  };
  const Item *streams[] = { ref, js };
  Fixture *f = fixture_new (2, "sink_1::policy=previous sink_1::tolerance=-1");
  GstPad *pad = sinkpad (f, 1);

  /* the pad existed only after the parse: set it now (child proxy) */
  gst_child_proxy_set (GST_CHILD_PROXY (f->element), "sink_1::policy", 1, NULL);
  g_object_set (pad, "tolerance", G_MAXINT64, NULL);
  gst_object_unref (pad);

  fixture_start (f);
  run_feeders (f, streams, NULL);
  /* 0: nothing at or before 0 */
  check_output (f, 0, "100<-100 200<-200 300<-300|EOS");
  check_output (f, 1, "100<-90 200<-110 300<-250|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_keep_incomplete_gaps)
{
  const Item ref[] = { B (0), B (100), B (200), E, END };
  const Item other[] = { B (100), E, END };
  const Item *streams[] = { ref, other };
  Fixture *f = fixture_new (2, NULL);

  g_object_set (f->element, "drop-incomplete", FALSE, NULL);
  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 1, "g0 100<-100 g200|EOS");
  fail_unless_equals_int (element_counter (f, "sets-emitted"), 3);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_not_required_pad)
{
  const Item ref[] = { B (0), B (100), B (200), E, END };
  const Item a[] = { B (0), B (100), B (200), E, END };
  const Item b[] = { B (100), E, END };
  const Item *streams[] = { ref, a, b };
  Fixture *f = fixture_new (3, NULL);
  GstPad *pad = sinkpad (f, 2);

  g_object_set (pad, "required", FALSE, NULL);
  gst_object_unref (pad);
  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 1, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 2, "g0 100<-100 g200|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_offset_and_reference)
{
  /* sink_1 is the reference; sink_0 runs 30 ms late: offset -30 ms */
  const Item a[] = { B (30), B (130), B (230), E, END };
  const Item b[] = { B (0), B (100), B (200), E, END };
  const Item *streams[] = { a, b };
  Fixture *f = fixture_new (2, "reference=sink_1 tolerance=5000000");
  GstPad *pad = sinkpad (f, 0);

  g_object_set (pad, "offset", (gint64) - 30 * GST_MSECOND, NULL);
  gst_object_unref (pad);
  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-30 100<-130 200<-230|EOS");
  check_output (f, 1, "0<-0 100<-100 200<-200|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_late_buffer_dropped)
{
  /* a buffer going back in time on a pad is dropped and counted */
  const Item ref[] = { B (0), B (100), B (200), E, END };
  const Item other[] = { B (0), B (100), B (50), B (200), E, END };
  const Item *streams[] = { ref, other };
  Fixture *f = fixture_new (2, NULL);

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 1, "0<-0 100<-100 200<-200|EOS");
  fail_unless_equals_int (pad_counter (f, 1, "buffers-dropped"), 1);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_exact)
{
  const Item a[] = { B (0), B (100), B (200), B (300), E, END };
  const Item b[] = { B (0), B (200), B (300), B (400), E, END };
  const Item *streams[] = { a, b };
  Fixture *f = fixture_new (2, "mode=exact");

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 200<-200 300<-300|EOS");
  check_output (f, 1, "0<-0 200<-200 300<-300|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_approximate)
{
  /* ROS message_filters' PerfectMatch case, plus EOS proving the last */
  const Item a[] = { B (0), B (3000), B (6000), E, END };
  const Item b[] = { B (1000), B (4000), B (7000), E, END };
  const Item *streams[] = { a, b };
  Fixture *f = fixture_new (2, "mode=approximate");

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 3000<-3000 6000<-6000|EOS");
  check_output (f, 1, "0<-1000 3000<-4000 6000<-7000|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_approximate_max_interval)
{
  const Item a[] = { B (0), B (100), B (200), B (300), E, END };
  const Item b[] = { B (10), B (250), B (290), E, END };
  const Item *streams[] = { a, b };
  Fixture *f = fixture_new (2,
      "mode=approximate max-interval-duration=30000000");

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 300<-300|EOS");
  check_output (f, 1, "0<-10 300<-290|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_rate)
{
  /* 30 fps and 20 fps resampled to 10 fps */
  const Item a[] = { B (0), B (33), B (67), B (100), B (133), B (167),
    B (200), B (233), E, END
  };
  const Item b[] = { B (0), B (50), B (100), B (150), B (200), B (250), E,
    END
  };
  const Item *streams[] = { a, b };
  Fixture *f = fixture_new (2, "rate=10/1");
  GstBuffer *buf;

  fixture_start (f);
  run_feeders (f, streams, NULL);
  /* durations are the tick period */
  buf = gst_harness_try_pull (f->h[0]);
  fail_unless (buf != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), MS (100));
  gst_buffer_unref (buf);
  check_output (f, 0, "100<-100 200<-200|EOS");
  check_output (f, 1, "0<-0 100<-100 200<-200|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_sparse_pad_gaps)
{
  /* pad 1 only announces GAPs: they advance it, nothing stalls */
  const Item ref[] = { B (0), B (100), B (200), B (300), E, END };
  const Item sparse[] = { G (0, 150), B (180), G (180, 1000), E, END };
  const Item *streams[] = { ref, sparse };
  Fixture *f = fixture_new (2, "tolerance=30000000 drop-incomplete=false");

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 200<-200 300<-300|EOS");
  check_output (f, 1, "g0 g100 200<-180 g300|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_ended_pad)
{
  /* pad 1 ends without a buffer: no set can form, EOS everywhere and the
   * reference's pushes are refused with EOS rather than hanging */
  const Item ref[] = { B (0), B (100), B (200), B (300), B (400), E, END };
  const Item ended[] = { E, END };
  const Item *streams[] = { ref, ended };
  GstFlowReturn last[2];
  Fixture *f = fixture_new (2, NULL);
  guint i;

  fixture_start (f);
  run_feeders (f, streams, last);
  check_output (f, 0, "|EOS");
  check_output (f, 1, "|EOS");
  /* a TIME segment went out before EOS even though no set did */
  for (i = 0; i < 2; i++) {
    GstEvent *seg = gst_pad_get_sticky_event (f->h[i]->sinkpad,
        GST_EVENT_SEGMENT, 0);

    fail_unless (seg != NULL);
    gst_event_unref (seg);
  }
  fail_unless_equals_int (element_counter (f, "sets-emitted"), 0);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_ended_pad_held)
{
  /* pad 1 ends early; with policy=previous and no age limit its last
   * buffer keeps serving the sets that come after its EOS */
  const Item ref[] = { B (0), B (100), B (200), E, END };
  const Item js[] = { B (0), E, END };
  const Item *streams[] = { ref, js };
  Fixture *f = fixture_new (2, "policy=previous tolerance=-1");

  fixture_start (f);
  run_feeders (f, streams, NULL);
  check_output (f, 0, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 1, "0<-0 100<-0 200<-0|EOS");
  fixture_free (f);
}

GST_END_TEST;

static void
push_flush_stop (Fixture * f)
{
  guint i;

  for (i = 0; i < f->n; i++) {
    GstSegment seg;

    fail_unless (gst_harness_push_event (f->h[i],
            gst_event_new_flush_stop (TRUE)));
    gst_segment_init (&seg, GST_FORMAT_TIME);
    fail_unless (gst_harness_push_event (f->h[i],
            gst_event_new_segment (&seg)));
  }
}

GST_START_TEST (test_flush)
{
  /* the reference waits in its chain function (pad 1 has nothing) when a
   * flushing seek comes: what it held is thrown away, never output */
  const Item before0[] = { B (500), B (600), END };
  const Item after0[] = { B (0), B (100), E, END };
  const Item after1[] = { B (0), B (100), E, END };
  const Item *streams_after[] = { after0, after1 };
  Fixture *f = fixture_new (2, NULL);
  GThread *t;
  Feeder fd;

  fixture_start (f);
  fd.h = f->h[0];
  fd.items = before0;
  t = g_thread_new ("feeder", feed, &fd);
  /* no sleep needed: whether the push is already waiting or not, it ends
   * with FLUSHING once flush-start went in */
  fail_unless (gst_harness_push_event (f->h[0], gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (f->h[1], gst_event_new_flush_start ()));
  g_thread_join (t);
  fail_unless_equals_int (fd.last, GST_FLOW_FLUSHING);
  push_flush_stop (f);
  fail_unless_equals_int (gst_harness_buffers_in_queue (f->h[0]), 0);

  run_feeders (f, streams_after, NULL);
  check_output (f, 0, "0<-0 100<-100|EOS");
  check_output (f, 1, "0<-0 100<-100|EOS");
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_flush_unblocks_waiting_pad)
{
  /* a pad blocked in its chain function (its data is not needed yet)
   * returns FLUSHING when a flush comes */
  Fixture *f = fixture_new (2, NULL);
  Feeder fd;
  GThread *t;

  fixture_start (f);
  /* pad 1 has data but the reference has none: pad 1 waits in chain */
  fd.h = f->h[1];
  fd.items = (const Item[]) {
    B (0), B (10), END
  };
  t = g_thread_new ("feeder", feed, &fd);
  /* no sleep: whether the thread is already waiting or not, after the
   * flush its push ends with FLUSHING or OK and never hangs */
  fail_unless (gst_harness_push_event (f->h[1], gst_event_new_flush_start ()));
  g_thread_join (t);
  fail_unless (fd.last == GST_FLOW_FLUSHING || fd.last == GST_FLOW_OK);
  fail_unless (gst_harness_push_event (f->h[1],
          gst_event_new_flush_stop (TRUE)));
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_state_change_unblocks)
{
  /* going to NULL while a pad waits must not hang */
  Fixture *f = fixture_new (2, NULL);
  Feeder fd;
  GThread *t;

  fixture_start (f);
  fd.h = f->h[1];
  fd.items = (const Item[]) {
    B (0), B (10), B (20), END
  };
  t = g_thread_new ("feeder", feed, &fd);
  fail_unless_equals_int (gst_element_set_state (f->element,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_thread_join (t);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_single_pad_passthrough)
{
  Fixture *f = fixture_new (1, NULL);
  GstSegment seg;
  GstBuffer *in, *out;
  GstEvent *ev;
  const GstSegment *oseg = NULL;
  gboolean seen_segment = FALSE;
  guint i;

  fixture_start (f);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.base = GST_SECOND;
  fail_unless (gst_harness_push_event (f->h[0], gst_event_new_segment (&seg)));
  for (i = 0; i < 5; i++) {
    in = make_buffer (i * 100);
    fail_unless_equals_int (gst_harness_push (f->h[0], gst_buffer_ref (in)),
        GST_FLOW_OK);
    out = gst_harness_pull (f->h[0]);
    /* the very same buffer, untouched */
    fail_unless (out == in);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), MS (i * 100));
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  while ((ev = gst_harness_try_pull_event (f->h[0]))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      gst_event_parse_segment (ev, &oseg);
      if (oseg->base == GST_SECOND)
        seen_segment = TRUE;
    }
    gst_event_unref (ev);
  }
  /* the upstream segment went through as it was */
  fail_unless (seen_segment);
  fail_unless_equals_int (element_counter (f, "sets-emitted"), 5);
  fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_caps_and_queries_pass_through)
{
  Fixture *f = fixture_new (2, NULL);
  GstCaps *caps;
  GstPad *pad;

  /* a caps query on sink_1 answers with what is downstream of src_1 */
  gst_harness_set_sink_caps_str (f->h[1], "video/x-raw, format=RGB");
  pad = sinkpad (f, 1);
  caps = gst_pad_query_caps (pad, NULL);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/x-raw"));
  gst_caps_unref (caps);
  gst_object_unref (pad);

  /* caps of pair 0 arrive on src_0, and only there */
  gst_harness_set_src_caps_str (f->h[0], "application/x-test");
  caps = gst_pad_get_current_caps (f->h[0]->sinkpad);
  fail_unless (caps != NULL);
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "application/x-test"));
  gst_caps_unref (caps);
  fail_unless (gst_pad_get_current_caps (f->h[1]->sinkpad) == NULL);
  fixture_free (f);
}

GST_END_TEST;

/* buffers carrying bagsrc's reference timestamp metas */
static GstBuffer *
make_bag_buffer (gint t, guint64 header, guint64 receive)
{
  GstBuffer *buf = make_buffer (t);
  GstCaps *hc = gst_caps_from_string ("timestamp/x-ros-header-stamp");
  GstCaps *rc = gst_caps_from_string ("timestamp/x-ros-receive-time");

  gst_buffer_add_reference_timestamp_meta (buf, hc, header,
      GST_CLOCK_TIME_NONE);
  gst_buffer_add_reference_timestamp_meta (buf, rc, receive,
      GST_CLOCK_TIME_NONE);
  gst_caps_unref (hc);
  gst_caps_unref (rc);
  return buf;
}

typedef struct
{
  GstHarness *h;
  const gint *times;
  guint64 base;
} MetaFeeder;

static gpointer
feed_meta (gpointer data)
{
  MetaFeeder *m = data;
  guint i;

  for (i = 0; m->times[i] >= 0; i++)
    gst_harness_push (m->h, make_bag_buffer (m->times[i],
            m->base + MS (m->times[i]) - 1000, m->base + MS (m->times[i])));
  gst_harness_push_event (m->h, gst_event_new_eos ());
  return NULL;
}

/* @a on pad 0 and @b on pad 1 of @f from two threads, each then EOS */
static void
feed_pair (Fixture * f, const gint * a, const gint * b)
{
  MetaFeeder m[2];
  GThread *t[2];
  guint i;

  for (i = 0; i < 2; i++) {
    m[i].h = f->h[i];
    m[i].times = i ? b : a;
    m[i].base = G_GUINT64_CONSTANT (1700000000000000000);
    t[i] = g_thread_new ("feeder", feed_meta, &m[i]);
  }
  for (i = 0; i < 2; i++)
    g_thread_join (t[i]);
}

GST_START_TEST (test_index_and_messages)
{
  const gint a[] = { 0, 100, 200, -1 };
  const gint b[] = { 3, 150, 198, -1 };
  gchar *dir = g_dir_make_tmp ("bagalign-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "index.csv", NULL);
  gchar *contents = NULL;
  gchar *props = g_strdup_printf ("index-location=%s post-messages=true "
      "drop-incomplete=false", path);
  /* harnesses set the element PLAYING at once: READY-time properties go
   * in at creation */
  Fixture *f = fixture_new (2, props);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  guint n_msgs = 0;

  gst_element_set_bus (f->element, bus);
  fixture_start (f);
  feed_pair (f, a, b);
  check_output (f, 0, "0<-0 100<-100 200<-200|EOS");
  check_output (f, 1, "0<-3 g100 200<-198|EOS");

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  fail_unless_equals_string (contents,
      "set,time_ns,sink_0_header_ns,sink_0_receive_ns,"
      "sink_1_header_ns,sink_1_receive_ns\n"
      "0,0,1699999999999999000,1700000000000000000,"
      "1700000000002999000,1700000000003000000\n"
      "1,100000000,1700000000099999000,1700000000100000000,,\n"
      "2,200000000,1700000000199999000,1700000000200000000,"
      "1700000000197999000,1700000000198000000\n");

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (msg);
    guint64 set;
    const GstStructure *member;
    guint64 hdr;

    fail_unless (gst_structure_has_name (s, "bagalign-set"));
    fail_unless (gst_structure_get_uint64 (s, "set", &set));
    fail_unless_equals_int (set, n_msgs);
    fail_unless (gst_structure_has_field (s, "sink_0"));
    member = gst_value_get_structure (gst_structure_get_value (s, "sink_0"));
    fail_unless (gst_structure_get_uint64 (member, "header-ns", &hdr));
    fail_unless_equals_uint64 (hdr,
        G_GUINT64_CONSTANT (1700000000000000000) + set * MS (100) - 1000);
    /* set 1 has no member of sink_1 */
    fail_unless_equals_int (gst_structure_has_field (s, "sink_1"), set != 1);
    n_msgs++;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (n_msgs, 3);

  gst_element_set_bus (f->element, NULL);
  gst_object_unref (bus);
  fixture_free (f);
  g_free (contents);
  g_free (props);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static gboolean have_bagsrc (void);

/* A failed write of the index is an error (RESOURCE/NO_SPACE_LEFT naming
 * the file), not a silently short CSV: /dev/full takes nothing */
GST_START_TEST (test_index_write_error)
{
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  gchar *desc;
  GstElement *p;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;
  gchar *dbg = NULL;

  if (!have_bagsrc ())
    return;
  desc = g_strdup_printf ("bagsrc name=s location=%s topics=/imu,/joint_states "
      "bagalign name=a index-location=/dev/full s.imu ! a.sink_0 a.src_0 ! "
      "fakesink s.joint_states ! a.sink_1 a.src_1 ! fakesink", bag);
  p = gst_parse_launch (desc, NULL);
  fail_unless (p != NULL);
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "neither EOS nor an error");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "a");
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NO_SPACE_LEFT), "%s (%s)", err->message, dbg);
  fail_unless (strstr (err->message, "/dev/full") != NULL, "%s", err->message);
  g_clear_error (&err);
  g_free (dbg);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  g_free (desc);
}

GST_END_TEST;

/* No set at all: the index is its header row, not an empty file */
GST_START_TEST (test_index_no_sets)
{
  const gint a[] = { 0, 100, -1 };
  const gint b[] = { 3, 150, -1 };
  gchar *dir = g_dir_make_tmp ("bagalign-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "index.csv", NULL);
  gchar *contents = NULL;
  gchar *props = g_strdup_printf ("index-location=%s mode=exact", path);
  Fixture *f = fixture_new (2, props);

  fixture_start (f);
  feed_pair (f, a, b);
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  fail_unless_equals_string (contents,
      "set,time_ns,sink_0_header_ns,sink_0_receive_ns,"
      "sink_1_header_ns,sink_1_receive_ns\n");
  g_free (contents);
  fixture_free (f);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (props);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_index_columns_by_pad_number)
{
  /* sink_1 requested before sink_0: the index still lists sink_0 first */
  gchar *dir = g_dir_make_tmp ("bagalign-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "index.csv", NULL);
  GstElement *e = gst_element_factory_make ("bagalign", NULL);
  GstPad *p1, *p0;
  GstHarness *h0, *h1;
  MetaFeeder m[2];
  const gint a[] = { 0, -1 };
  const gint b[] = { 5, -1 };
  GThread *t[2];
  gchar *contents = NULL;
  guint i;

  g_object_set (e, "index-location", path, NULL);
  p1 = gst_element_request_pad_simple (e, "sink_1");
  p0 = gst_element_request_pad_simple (e, "sink_0");
  h1 = gst_harness_new_with_element (e, "sink_1", "src_1");
  h0 = gst_harness_new_with_element (e, "sink_0", "src_0");
  gst_harness_set_src_caps_str (h0, "application/x-test");
  gst_harness_set_src_caps_str (h1, "application/x-test");
  for (i = 0; i < 2; i++) {
    m[i].h = i ? h1 : h0;
    m[i].times = i ? b : a;
    m[i].base = GST_SECOND;
    t[i] = g_thread_new ("feeder", feed_meta, &m[i]);
  }
  for (i = 0; i < 2; i++)
    g_thread_join (t[i]);
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  fail_unless_equals_string (contents,
      "set,time_ns,sink_0_header_ns,sink_0_receive_ns,"
      "sink_1_header_ns,sink_1_receive_ns\n"
      "0,0,999999000,1000000000,1004999000,1005000000\n");
  g_free (contents);
  gst_harness_teardown (h0);
  gst_harness_teardown (h1);
  gst_object_unref (p0);
  gst_object_unref (p1);
  gst_object_unref (e);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_child_proxy_from_launch_line)
{
  GstElement *pipe;
  GstElement *a;
  GstPad *pad;
  gint64 offset;
  gboolean required;

  pipe = gst_parse_launch ("bagalign name=a sink_1::offset=5000000 "
      "sink_1::required=false fakesrc num-buffers=0 ! a.sink_0 "
      "fakesrc num-buffers=0 ! a.sink_1", NULL);
  fail_unless (pipe != NULL);
  a = gst_bin_get_by_name (GST_BIN (pipe), "a");
  pad = gst_element_get_static_pad (a, "sink_1");
  fail_unless (pad != NULL);
  g_object_get (pad, "offset", &offset, "required", &required, NULL);
  fail_unless_equals_int64 (offset, 5000000);
  fail_unless (!required);
  gst_object_unref (pad);
  gst_object_unref (a);
  gst_object_unref (pipe);
}

GST_END_TEST;

GST_START_TEST (test_request_release)
{
  GstElement *e = gst_element_factory_make ("bagalign", NULL);
  GstPad *p0, *p3, *p4, *src;

  p0 = gst_element_request_pad_simple (e, "sink_%u");
  p3 = gst_element_request_pad_simple (e, "sink_3");
  p4 = gst_element_request_pad_simple (e, "sink_%u");
  fail_unless_equals_string (GST_OBJECT_NAME (p0), "sink_0");
  fail_unless_equals_string (GST_OBJECT_NAME (p3), "sink_3");
  fail_unless_equals_string (GST_OBJECT_NAME (p4), "sink_4");
  src = gst_element_get_static_pad (e, "src_3");
  fail_unless (src != NULL);
  gst_object_unref (src);
  fail_unless_equals_int (gst_child_proxy_get_children_count (GST_CHILD_PROXY
          (e)), 3);

  gst_element_release_request_pad (e, p3);
  gst_object_unref (p3);
  src = gst_element_get_static_pad (e, "src_3");
  fail_unless (src == NULL);
  fail_unless_equals_int (e->numsrcpads, 2);
  gst_object_unref (p0);
  gst_object_unref (p4);
  gst_object_unref (e);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* buffer lists: bagsrc batches small messages; bagalign has no chain_list
 * function, GstPad gives it a list's buffers one by one */

#define LIST_BASE G_GUINT64_CONSTANT (1700000000000000000)

typedef struct
{
  GstHarness *h;
  const gint *times;            /* ms, -1 ended */
  const gint *chunks;           /* list lengths (0: empty), -1 ended;
                                 * the rest one buffer at a time */
} ListFeeder;

static GstBuffer *
list_buffer (gint t)
{
  return make_bag_buffer (t, LIST_BASE + MS (t) - 1000, LIST_BASE + MS (t));
}

static gpointer
feed_lists (gpointer data)
{
  ListFeeder *fd = data;
  GstFlowReturn ret = GST_FLOW_OK;
  guint i = 0, c;

  for (c = 0; fd->chunks && fd->chunks[c] >= 0 && ret == GST_FLOW_OK; c++) {
    GstBufferList *list = gst_buffer_list_new ();
    gint k;

    for (k = 0; k < fd->chunks[c]; k++, i++) {
      fail_unless (fd->times[i] >= 0);
      gst_buffer_list_add (list, list_buffer (fd->times[i]));
    }
    ret = gst_pad_push_list (fd->h->srcpad, list);
  }
  for (; fd->times[i] >= 0 && ret == GST_FLOW_OK; i++)
    ret = gst_harness_push (fd->h, list_buffer (fd->times[i]));
  /* (EOS once the sets are over: as with single buffers, the rest of the
   * list is not pushed) */
  gst_harness_push_event (fd->h, gst_event_new_eos ());
  return NULL;
}

/* What pad i output, in the order it came (not sorted): buffers
 * "PTS<-ORIG/RECEIVE+DURATION" (ms; RECEIVE from the receive-time meta,
 * relative to LIST_BASE; DURATION only when valid), then the events
 * "gPTS" and "EOS" */
static gchar *
output_in_order (Fixture * f, guint i)
{
  GstCaps *orig_caps = gst_caps_from_string ("timestamp/x-bagalign-pts");
  GstCaps *rc = gst_caps_from_string ("timestamp/x-ros-receive-time");
  GString *out = g_string_new ("");
  GstBuffer *buf;
  GstEvent *ev;

  while ((buf = gst_harness_try_pull (f->h[i]))) {
    GstReferenceTimestampMeta *o =
        gst_buffer_get_reference_timestamp_meta (buf, orig_caps);
    GstReferenceTimestampMeta *r =
        gst_buffer_get_reference_timestamp_meta (buf, rc);

    fail_unless (r != NULL);
    g_string_append_printf (out, "%" G_GUINT64_FORMAT "<-%" G_GINT64_FORMAT
        "/%" G_GUINT64_FORMAT, GST_BUFFER_PTS (buf) / GST_MSECOND,
        o ? (gint64) (o->timestamp / GST_MSECOND) : (gint64) - 1,
        (r->timestamp - LIST_BASE) / GST_MSECOND);
    if (GST_BUFFER_DURATION_IS_VALID (buf))
      g_string_append_printf (out, "+%" G_GUINT64_FORMAT,
          GST_BUFFER_DURATION (buf) / GST_MSECOND);
    g_string_append_c (out, ' ');
    gst_buffer_unref (buf);
  }
  g_string_append_c (out, '|');
  while ((ev = gst_harness_try_pull_event (f->h[i]))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime ts;

      gst_event_parse_gap (ev, &ts, NULL);
      g_string_append_printf (out, " g%" G_GUINT64_FORMAT, ts / GST_MSECOND);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      g_string_append (out, " EOS");
    }
    gst_event_unref (ev);
  }
  gst_caps_unref (orig_caps);
  gst_caps_unref (rc);
  return g_string_free (out, FALSE);
}

/* Runs bagalign @props (with index-location added) on @n pads fed
 * @times[i] in the chunks @chunks[i] (NULL: all single buffers); returns
 * everything that came out: each src pad's buffers and events in order,
 * the counters, the warnings, the index CSV */
static gchar *
align_lists_run (guint n, const gchar * props, const gint * const *times,
    const gint * const *chunks)
{
  gchar *dir = g_dir_make_tmp ("bagalign-lists-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "index.csv", NULL);
  gchar *all = g_strdup_printf ("%s index-location=%s", props ? props : "",
      path);
  Fixture *f = fixture_new (n, all);
  GString *out = g_string_new (NULL);
  GstBus *bus = gst_bus_new ();
  GThread *t[8];
  ListFeeder fd[8];
  GstMessage *msg;
  gchar *contents = NULL;
  guint i;

  gst_element_set_bus (f->element, bus);
  fixture_start (f);
  for (i = 0; i < n; i++) {
    fd[i].h = f->h[i];
    fd[i].times = times[i];
    fd[i].chunks = chunks ? chunks[i] : NULL;
    t[i] = g_thread_new ("feeder", feed_lists, &fd[i]);
  }
  for (i = 0; i < n; i++)
    g_thread_join (t[i]);
  for (i = 0; i < n; i++) {
    gchar *s = output_in_order (f, i);

    g_string_append_printf (out, "pad %u: %s\n  used %" G_GUINT64_FORMAT
        " dropped %" G_GUINT64_FORMAT "\n", i, s,
        pad_counter (f, i, "buffers-used"),
        pad_counter (f, i, "buffers-dropped"));
    g_free (s);
  }
  g_string_append_printf (out, "sets emitted %" G_GUINT64_FORMAT
      " dropped %" G_GUINT64_FORMAT "\n", element_counter (f, "sets-emitted"),
      element_counter (f, "sets-dropped"));
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    g_string_append_printf (out, "warning: %s\n", err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
  }
  gst_element_set_bus (f->element, NULL);
  gst_object_unref (bus);
  fixture_free (f);
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  g_string_append (out, contents);
  g_free (contents);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (all);
  return g_string_free (out, FALSE);
}

/* the same as every chunking of @chunkings (each one array per pad):
 * byte for byte what the single buffers gave */
static gchar *
check_align_lists (guint n, const gchar * props, const gint * const *times,
    const gint * const *const *chunkings)
{
  gchar *ref = align_lists_run (n, props, times, NULL);
  guint c;

  GST_INFO ("%s:\n%s", props, ref);
  for (c = 0; chunkings[c]; c++) {
    gchar *got = align_lists_run (n, props, times, chunkings[c]);

    if (strcmp (got, ref) != 0)
      g_print ("%s, chunking %u:\n%s\nsingle buffers:\n%s\n", props, c, got,
          ref);
    fail_unless_equals_string (got, ref);
    g_free (got);
  }
  return ref;
}

/* One pad's buffers in GstBufferLists, the other's alone (and both in
 * lists, and empty lists among them): the same sets on every src pad (the
 * same buffers, PTS, original PTS and metas, in the same order), the same
 * GAPs and counters and the same index CSV as with single buffers only;
 * in reference mode, with policy=previous holding one buffer for several
 * sets, with a buffer going back in time inside a list (dropped, the rest
 * of the list still used), in approximate mode and at a fixed rate */
GST_START_TEST (test_buffer_list)
{
  /* test_reference_nearest's streams */
  const gint ref[] = { 0, 100, 200, 300, -1 };
  const gint other[] = { 5, 95, 160, 230, 290, -1 };
  const gint *t2[] = { ref, other };
  const gint c_ref4[] = { 4, -1 }, c_1_3[] = { 1, 3, -1 };
  const gint c_2_3[] = { 2, 3, -1 }, c_0_2_0_3[] = { 0, 2, 0, 3, -1 };
  const gint c_5[] = { 5, -1 }, c_1[] = { 1, -1 };
  const gint *const ch_other[] = { NULL, c_2_3 };
  const gint *const ch_ref[] = { c_ref4, NULL };
  const gint *const ch_both[] = { c_1_3, c_5 };
  const gint *const ch_empty[] = { c_1, c_0_2_0_3 };
  const gint *const *const chunkings2[] = { ch_other, ch_ref, ch_both,
    ch_empty, NULL
  };
  /* three pads, one sparse, one going back in time (50) */
  const gint a[] = { 0, 100, 200, 300, 400, -1 };
  const gint b[] = { 3, 98, 150, 50, 198, 305, -1 };
  const gint c[] = { 100, 390, -1 };
  const gint *t3[] = { a, b, c };
  const gint c_3_3[] = { 3, 3, -1 }, c_2[] = { 2, -1 };
  const gint c_2_2_1[] = { 2, 2, 1, -1 }, c_1_1[] = { 1, 1, -1 };
  const gint c_4[] = { 4, -1 }, c_6[] = { 6, -1 };
  const gint *const ch3_a[] = { NULL, c_3_3, c_2 };
  const gint *const ch3_b[] = { c_2_2_1, NULL, c_1_1 };
  const gint *const ch3_c[] = { c_5, c_6, NULL };
  const gint *const ch3_d[] = { NULL, c_4, NULL };
  const gint *const *const chunkings3[] = { ch3_a, ch3_b, ch3_c, ch3_d, NULL };
  /* test_previous_sample_and_hold's streams */
  const gint js[] = { 10, 30, 50, 70, 90, 110, 250, -1 };
  const gint *tp[] = { ref, js };
  const gint c_5_2[] = { 5, 2, -1 }, c_7[] = { 7, -1 };
  const gint *const chp_a[] = { NULL, c_5_2 };
  const gint *const chp_b[] = { c_ref4, c_7 };
  const gint *const chp_c[] = { c_1_3, NULL };
  const gint *const *const chunkingsp[] = { chp_a, chp_b, chp_c, NULL };
  /* test_approximate's */
  const gint x[] = { 0, 3000, 6000, -1 };
  const gint y[] = { 1000, 4000, 7000, -1 };
  const gint *tx[] = { x, y };
  const gint c_3[] = { 3, -1 };
  const gint *const chx_a[] = { NULL, c_3 };
  const gint *const chx_b[] = { c_1_1, c_1_1 };
  const gint *const *const chunkingsx[] = { chx_a, chx_b, NULL };
  /* test_rate's, but both end at the last tick: a buffer that comes
   * after the last set is counted as dropped or not depending on whether
   * it came before the other pad's EOS (with single buffers too) */
  const gint r30[] = { 0, 33, 67, 100, 133, 167, 200, -1 };
  const gint r20[] = { 0, 50, 100, 150, 200, -1 };
  const gint *tr[] = { r30, r20 };
  const gint c_4_3[] = { 4, 3, -1 }, c_3_2_0[] = { 3, 2, 0, -1 };
  const gint *const chr_a[] = { c_4_3, NULL };
  const gint *const chr_b[] = { NULL, c_3_2_0 };
  const gint *const *const chunkingsr[] = { chr_a, chr_b, NULL };
  gchar *s;

  s = check_align_lists (2, NULL, t2, chunkings2);
  /* the expected outputs of test_reference_nearest */
  fail_unless (g_str_has_prefix (s,
          "pad 0: 0<-0/0 100<-100/100 300<-300/300 | EOS\n"
          "  used 3 dropped 1\n"
          "pad 1: 0<-5/5 100<-95/95 300<-290/290 | EOS\n"
          "  used 3 dropped 2\n" "sets emitted 3 dropped 1\n"), "%s", s);
  g_free (s);

  s = check_align_lists (3, "drop-incomplete=false", t3, chunkings3);
  /* pad 1's 50 dropped with a warning (and 150, not nearest), the
   * buffers after it in its list used; pad 2 sparse: GAPs */
  fail_unless (strstr (s, "pad 1: 0<-3/3 100<-98/98 200<-198/198 "
          "300<-305/305 | g400 EOS\n  used 4 dropped 2\n"
          "pad 2: 100<-100/100 400<-390/390 | g0 g200 g300 EOS\n") != NULL,
      "%s", s);
  fail_unless (strstr (s, "warning: Dropping buffers that go back in time "
          "on sink_1\n") != NULL, "%s", s);
  g_free (s);

  s = check_align_lists (2, "policy=previous tolerance=-1", tp, chunkingsp);
  fail_unless (strstr (s, "pad 1: 100<-90/90 200<-110/110 300<-250/250 | "
          "EOS\n  used 3 dropped 4\n") != NULL, "%s", s);
  g_free (s);

  s = check_align_lists (2, "mode=approximate", tx, chunkingsx);
  fail_unless (strstr (s, "pad 1: 0<-1000/1000 3000<-4000/4000 "
          "6000<-7000/7000 | EOS") != NULL, "%s", s);
  g_free (s);

  s = check_align_lists (2, "rate=10/1", tr, chunkingsr);
  fail_unless (strstr (s, "pad 1: 0<-0/0+100 100<-100/100+100 "
          "200<-200/200+100 | EOS") != NULL, "%s", s);
  g_free (s);
}

GST_END_TEST;

/* One sink pad: a list's buffers pass through untouched (the very same
 * buffers, in order), each a set of its own */
GST_START_TEST (test_buffer_list_passthrough)
{
  Fixture *f = fixture_new (1, NULL);
  GstBufferList *list = gst_buffer_list_new ();
  GstBuffer *in[5];
  guint i;

  fixture_start (f);
  for (i = 0; i < 5; i++) {
    in[i] = make_buffer (i * 100);
    gst_buffer_list_add (list, gst_buffer_ref (in[i]));
  }
  fail_unless_equals_int (gst_pad_push_list (f->h[0]->srcpad, list),
      GST_FLOW_OK);
  for (i = 0; i < 5; i++) {
    GstBuffer *out = gst_harness_try_pull (f->h[0]);

    fail_unless (out == in[i], "buffer %u", i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), MS (i * 100));
    gst_buffer_unref (out);
    gst_buffer_unref (in[i]);
  }
  fail_unless (gst_harness_try_pull (f->h[0]) == NULL);
  fail_unless_equals_int (element_counter (f, "sets-emitted"), 5);
  fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* end to end through bagsrc, against python3-rosbag */

/* The reference alignment, computed from python3-rosbag's reads alone:
 * reference pad = first topic; the other topics nearest within tolerance
 * (ties to the earlier) or, for topics listed as "previous", the latest at
 * or before the set's time (within an optional own tolerance); sets with a
 * missing member dropped. Times are
 * relative to the bag's first message (bagsrc's PTS, which clamps stamps
 * before the bag's start to 0); prints the index CSV bagalign writes for
 * pads named sink_0.. */
static const gchar *align_ref_py =
    "import sys, bisect, rosbag\n"
    "path, topics, prev, tol, src = sys.argv[1], sys.argv[2].split(','), "
    "sys.argv[3].split(','), int(sys.argv[4]), sys.argv[5]\n"
    "prevtol = int(sys.argv[6]) if len(sys.argv) > 6 else tol\n"
    "bag = rosbag.Bag(path)\n"
    "start = min(t.to_nsec() for _, _, t in bag.read_messages(raw=True))\n"
    "msgs = {tp: [] for tp in topics}\n"
    "for tp, m, t in bag.read_messages(topics=topics):\n"
    "    h = m.header.stamp.to_nsec() if hasattr(m, 'header') else t.to_nsec()\n"
    "    key = max(0, (h if src == 'header' else t.to_nsec()) - start)\n"
    "    msgs[tp].append((key, h, t.to_nsec()))\n"
    "for tp in topics: msgs[tp].sort(key=lambda x: x[0])\n"
    "keys = {tp: [e[0] for e in msgs[tp]] for tp in topics}\n"
    "cols = []\n"
    "for i in range(len(topics)): cols += ['sink_%d_header_ns' % i, 'sink_%d_receive_ns' % i]\n"
    "print(','.join(['set', 'time_ns'] + cols))\n"
    "n = 0\n"
    "for ref in msgs[topics[0]]:\n"
    "    T = ref[0]\n"
    "    row = [ref]\n"
    "    for tp in topics[1:]:\n"
    "        k = bisect.bisect_right(keys[tp], T)\n"
    "        a = msgs[tp][k - 1] if k > 0 else None\n"
    "        b = msgs[tp][k] if k < len(msgs[tp]) else None\n"
    "        if tp in prev:\n"
    "            best = a if a is not None and T - a[0] <= prevtol else None\n"
    "        else:\n"
    "            best = a if a is not None and (b is None or T - a[0] <= b[0] - T) else b\n"
    "            if best is not None and abs(best[0] - T) > tol: best = None\n"
    "        row.append(best)\n"
    "    if None in row: continue\n"
    "    print(','.join([str(n), str(T)] + ['%d,%d' % (e[1], e[2]) for e in row]))\n"
    "    n += 1\n";

static gboolean
have_bagsrc (void)
{
  GstElementFactory *f = gst_element_factory_find ("bagsrc");

  if (!f) {
    g_print ("SKIP: the bagsrc element is not built; end-to-end bagalign "
        "tests skipped\n");
    return FALSE;
  }
  gst_object_unref (f);
  return TRUE;
}

static gchar *
python_alignment_full (const gchar * bag, const gchar * topics,
    const gchar * prev, guint64 tol, const gchar * src, gint64 prevtol)
{
  gchar *tolstr = g_strdup_printf ("%" G_GUINT64_FORMAT, tol);
  gchar *prevtolstr = g_strdup_printf ("%" G_GINT64_FORMAT,
      prevtol >= 0 ? prevtol : (gint64) tol);
  const gchar *argv[] = { TEST_PYTHON, "-c", align_ref_py, bag, topics, prev,
    tolstr, src, prevtolstr, NULL
  };
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL,
          &out, &err, &status, &error), "spawn: %s",
      error ? error->message : "");
  fail_unless (g_spawn_check_wait_status (status, NULL), "python: %s", err);
  g_free (err);
  g_free (tolstr);
  g_free (prevtolstr);
  return out;
}

static gchar *
python_alignment (const gchar * bag, const gchar * topics, const gchar * prev,
    guint64 tol, const gchar * src)
{
  return python_alignment_full (bag, topics, prev, tol, src, -1);
}

static void
run_pipeline (const gchar * desc)
{
  GError *error = NULL;
  GstElement *pipe = gst_parse_launch (desc, &error);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipe != NULL, "%s: %s", desc, error ? error->message : "");
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "pipeline timed out: %s", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &e, &dbg);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (msg->src), e->message,
        dbg);
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

static gchar *
read_file (const gchar * path)
{
  gchar *contents = NULL;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "no %s", path);
  return contents;
}

static guint
count_files (const gchar * dir, const gchar * prefix)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint n = 0;

  fail_unless (d != NULL);
  while ((name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, prefix))
      n++;
  g_dir_close (d);
  return n;
}

static void
remove_dir (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, name, NULL);
    g_unlink (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

static guint
count_lines (const gchar * s)
{
  guint n = 0;

  for (; *s; s++)
    if (*s == '\n')
      n++;
  return n;
}

/* two cameras plus /joint_states (sample-and-hold) into per-camera PNG
 * sequences with the same frame numbers, plus the index: the recipe of
 * docs/bagalign.md */
static void
check_sample_export (const gchar * tsrc)
{
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  gchar *dir = g_dir_make_tmp ("bagalign-e2e-XXXXXX", NULL);
  gchar *desc, *expected, *got, *name;
  guint rows, k;

  desc = g_strdup_printf ("bagsrc location=%s timestamp-source=%s "
      "topics=/cam0/image_raw,/cam1/image_raw,/joint_states name=src "
      "bagalign name=a index-location=%s/index.csv sink_2::policy=previous "
      "src.cam0_image_raw ! a.sink_0 "
      "a.src_0 ! videoconvert ! pngenc ! multifilesink location=%s/cam0_%%05d.png "
      "src.cam1_image_raw ! a.sink_1 "
      "a.src_1 ! videoconvert ! pngenc ! multifilesink location=%s/cam1_%%05d.png "
      "src.joint_states ! a.sink_2 a.src_2 ! fakesink", bag, tsrc, dir, dir,
      dir);
  run_pipeline (desc);
  g_free (desc);

  name = g_build_filename (dir, "index.csv", NULL);
  got = read_file (name);
  g_free (name);
  expected = python_alignment (bag,
      "/cam0/image_raw,/cam1/image_raw,/joint_states", "/joint_states",
      20 * GST_MSECOND, tsrc);
  fail_unless_equals_string (got, expected);

  rows = count_lines (expected) - 1;
  fail_unless (rows > 20, "only %u sets", rows);
  fail_unless_equals_int (count_files (dir, "cam0_"), rows);
  fail_unless_equals_int (count_files (dir, "cam1_"), rows);
  /* the same frame numbers on both cameras */
  for (k = 0; k < rows; k++) {
    gchar *p0 = g_strdup_printf ("%s/cam0_%05u.png", dir, k);
    gchar *p1 = g_strdup_printf ("%s/cam1_%05u.png", dir, k);

    fail_unless (g_file_test (p0, G_FILE_TEST_EXISTS), "%s missing", p0);
    fail_unless (g_file_test (p1, G_FILE_TEST_EXISTS), "%s missing", p1);
    g_free (p0);
    g_free (p1);
  }
  g_free (got);
  g_free (expected);
  remove_dir (dir);
  g_free (dir);
}

GST_START_TEST (test_e2e_sample_receive_time)
{
  if (!have_bagsrc ())
    return;
  check_sample_export ("receive");
}

GST_END_TEST;

GST_START_TEST (test_e2e_sample_header_stamp)
{
  if (!have_bagsrc ())
    return;
  check_sample_export ("header");
}

GST_END_TEST;

GST_START_TEST (test_e2e_one_camera)
{
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  gchar *dir, *desc, *expected, *got, *name;

  if (!have_bagsrc ())
    return;
  dir = g_dir_make_tmp ("bagalign-e2e-XXXXXX", NULL);
  desc = g_strdup_printf ("bagsrc location=%s topics=/cam0/image_raw ! "
      "bagalign index-location=%s/index.csv ! videoconvert ! pngenc ! "
      "multifilesink location=%s/f_%%05d.png", bag, dir, dir);
  run_pipeline (desc);
  g_free (desc);

  name = g_build_filename (dir, "index.csv", NULL);
  got = read_file (name);
  g_free (name);
  expected = python_alignment (bag, "/cam0/image_raw", "", 0, "receive");
  fail_unless_equals_string (got, expected);
  fail_unless_equals_int (count_files (dir, "f_"), count_lines (expected) - 1);
  fail_unless_equals_int (count_lines (expected) - 1, 30);
  g_free (got);
  g_free (expected);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_e2e_imu_at_camera_rate)
{
  /* the 100 Hz IMU against a 10 fps camera, nearest within 5 ms */
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  gchar *dir, *desc, *expected, *got, *name;

  if (!have_bagsrc ())
    return;
  dir = g_dir_make_tmp ("bagalign-e2e-XXXXXX", NULL);
  desc = g_strdup_printf ("bagsrc location=%s topics=/cam1/image_raw,/imu "
      "name=src bagalign name=a tolerance=5000000 index-location=%s/index.csv "
      "src.cam1_image_raw ! a.sink_0 a.src_0 ! fakesink "
      "src.imu ! a.sink_1 a.src_1 ! fakesink", bag, dir);
  run_pipeline (desc);
  g_free (desc);

  name = g_build_filename (dir, "index.csv", NULL);
  got = read_file (name);
  g_free (name);
  expected = python_alignment (bag, "/cam1/image_raw,/imu", "",
      5 * GST_MSECOND, "receive");
  fail_unless_equals_string (got, expected);
  g_free (got);
  g_free (expected);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

/* a flushing seek through bagsrc in the middle of an aligned export: the
 * sets after the seek are exactly the reference alignment's sets from the
 * seek position on */
GST_START_TEST (test_e2e_flushing_seek)
{
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  gchar *dir, *desc, *index, *got, *expected, **got_rows, **exp_rows;
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  guint n_got, n_exp, k, split, n_after = 0;
  gint64 seek_pos = 1500 * GST_MSECOND, last = -1;

  if (!have_bagsrc ())
    return;
  dir = g_dir_make_tmp ("bagalign-e2e-XXXXXX", NULL);
  index = g_build_filename (dir, "index.csv", NULL);
  desc = g_strdup_printf ("bagsrc location=%s "
      "topics=/cam0/image_raw,/cam1/image_raw name=src "
      "bagalign name=a index-location=%s "
      "src.cam0_image_raw ! a.sink_0 a.src_0 ! fakesink sync=false "
      "src.cam1_image_raw ! a.sink_1 a.src_1 ! fakesink sync=false",
      bag, index);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL);
  bus = gst_element_get_bus (pipe);

  fail_unless (gst_element_set_state (pipe, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_seek_simple (pipe, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, seek_pos));
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_free (desc);

  got = read_file (index);
  expected = python_alignment (bag, "/cam0/image_raw,/cam1/image_raw", "",
      20 * GST_MSECOND, "receive");
  got_rows = g_strsplit (got, "\n", -1);
  exp_rows = g_strsplit (expected, "\n", -1);
  n_got = g_strv_length (got_rows) - 1;
  n_exp = g_strv_length (exp_rows) - 1;

  /* after the seek, running time starts again: find where time_ns stops
   * growing */
  split = 1;
  for (k = 1; k < n_got; k++) {
    gint64 t = g_ascii_strtoll (strchr (got_rows[k], ',') + 1, NULL, 10);
    if (t <= last)
      split = k;
    last = t;
  }
  /* the expected sets from the seek position on (time_ns is relative to
   * the bag's start there) compared without their set,time_ns columns */
  for (k = 1; k < n_exp; k++) {
    gint64 t = g_ascii_strtoll (strchr (exp_rows[k], ',') + 1, NULL, 10);
    if (t >= seek_pos)
      n_after++;
  }
  fail_unless (n_after > 5);
  fail_unless_equals_int (n_got - split, n_after);
  for (k = 0; k < n_after; k++) {
    const gchar *g = strchr (strchr (got_rows[split + k], ',') + 1, ',');
    const gchar *e = strchr (strchr (exp_rows[n_exp - n_after + k], ',') + 1,
        ',');
    fail_unless_equals_string (g, e);
  }

  g_strfreev (got_rows);
  g_strfreev (exp_rows);
  g_free (got);
  g_free (expected);
  g_free (index);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

/* a real bag (Husky run, bz2 chunks): odometry at 10 Hz is the reference,
 * the 30 Hz IMU nearest within 20 ms, the 2.5 Hz GPS fix held with no age
 * limit: bagdemux's GAP events keep the sparse GPS pad from stalling */
GST_START_TEST (test_e2e_realbag_husky)
{
  gchar *bag = g_build_filename (TEST_REALBAGS_DIR,
      "robot_localization__test1.bag", NULL);
  const gchar *topics = "/husky_velocity_controller/odom,/imu/data,/fix";
  gchar *dir, *desc, *expected, *got, *name;

  if (!g_file_test (bag, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP: %s not found (../shared/realbags absent)\n", bag);
    g_free (bag);
    return;
  }
  if (!have_bagsrc ()) {
    g_free (bag);
    return;
  }
  dir = g_dir_make_tmp ("bagalign-e2e-XXXXXX", NULL);
  desc = g_strdup_printf ("bagsrc location=%s topics=%s name=src "
      "bagalign name=a index-location=%s/index.csv "
      "sink_2::policy=previous sink_2::tolerance=9223372036854775807 "
      "src.husky_velocity_controller_odom ! a.sink_0 a.src_0 ! fakesink "
      "src.imu_data ! a.sink_1 a.src_1 ! fakesink "
      "src.fix ! a.sink_2 a.src_2 ! fakesink", bag, topics, dir);
  run_pipeline (desc);
  g_free (desc);

  name = g_build_filename (dir, "index.csv", NULL);
  got = read_file (name);
  g_free (name);
  expected = python_alignment_full (bag, topics, "/fix", 20 * GST_MSECOND,
      "receive", G_MAXINT64);
  fail_unless (count_lines (expected) > 1000);
  fail_unless_equals_string (got, expected);
  g_free (got);
  g_free (expected);
  remove_dir (dir);
  g_free (dir);
  g_free (bag);
}

GST_END_TEST;

/* examples/bag-export: the embedding application, run as a user would */
#define BAG_EXPORT TEST_BUILD_DIR "/../../examples/bag-export"

static gint
run_bag_export (const gchar * bag, const gchar * topics, const gchar * out,
    gchar ** err)
{
  const gchar *argv[] = { BAG_EXPORT, "-q", bag, topics, out, NULL };
  gint status = 0;
  GError *error = NULL;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL,
          NULL, err, &status, &error), "spawn: %s",
      error ? error->message : "");
  fail_unless (WIFEXITED (status));
  return WEXITSTATUS (status);
}

GST_START_TEST (test_example_bag_export)
{
  const gchar *bag = TEST_FILES_DIR "/sample.bag";
  const gchar *topics = "/cam0/image_raw,/cam1/image_raw,/joint_states,/imu";
  gchar *dir, *out, *err = NULL, *got, *expected, *name;
  guint rows;

  if (!g_file_test (BAG_EXPORT, G_FILE_TEST_IS_EXECUTABLE)) {
    g_print ("SKIP: examples/bag-export not built (-Dexamples=false)\n");
    return;
  }
  if (!have_bagsrc ())
    return;

  dir = g_dir_make_tmp ("bagalign-example-XXXXXX", NULL);
  out = g_build_filename (dir, "out", NULL);
  fail_unless_equals_int (run_bag_export (bag, topics, out, &err), 0);
  GST_INFO ("stderr: %s", err);
  g_free (err);

  name = g_build_filename (out, "index.csv", NULL);
  got = read_file (name);
  g_free (name);
  /* images nearest within 20 ms, signals held (policy=previous) */
  expected = python_alignment (bag, topics, "/joint_states,/imu",
      20 * GST_MSECOND, "receive");
  fail_unless_equals_string (got, expected);
  rows = count_lines (expected) - 1;
  fail_unless_equals_int (count_files (out, "cam0_image_raw_"), rows);
  fail_unless_equals_int (count_files (out, "cam1_image_raw_"), rows);
  g_free (got);
  name = g_build_filename (out, "joint_states.csv", NULL);
  got = read_file (name);
  g_free (name);
  /* a header row, then one row per set */
  fail_unless_equals_int (count_lines (got), rows + 1);
  g_free (got);
  g_free (expected);
  remove_dir (out);

  /* clear exit statuses: a missing file is a usage error (2), a file that
   * is not a bag fails while running (1), with a message on stderr */
  fail_unless_equals_int (run_bag_export (TEST_FILES_DIR "/no-such.bag",
          "/a", out, &err), 2);
  fail_unless (strstr (err, "no-such.bag") != NULL);
  g_free (err);
  name = g_build_filename (dir, "not-a-bag.bag", NULL);
  fail_unless (g_file_set_contents (name, "garbage\n", -1, NULL));
  fail_unless_equals_int (run_bag_export (name, "/a", out, &err), 1);
  fail_unless (strstr (err, "error") != NULL, "stderr: %s", err);
  g_free (err);
  g_unlink (name);
  g_free (name);

  remove_dir (out);
  g_free (out);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* ROS 2: the two cameras of tests/files/mcap/ros2-images.mcap, against
 * tests/files/rosmsg2-ref.mjs (@foxglove/rosmsg2-serialization's reading of
 * the file, run with node on the pinned npm packages) */

#define ROS2_IMAGES TEST_FILES_DIR "/mcap/ros2-images.mcap"

typedef struct
{
  gchar *topic;
  guint64 recv, stamp;
  GBytes *data;
} Frame;

static void
frame_free (Frame * f)
{
  g_free (f->topic);
  g_bytes_unref (f->data);
  g_free (f);
}

/* every message of ros2-images.mcap as the reference reads it, in
 * receive time order: topic, receive time, header.stamp, data */
static GPtrArray *
node_frames (void)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      frame_free);
  gchar **lines;
  guint i;

  lines = ros2_ref_json (ROS2_IMAGES, NULL);
  for (i = 0; lines[i]; i++) {
    Frame *f;
    gchar *v;
    guchar *d;
    gsize n;

    if (lines[i][0] == '\0')
      continue;
    f = g_new0 (Frame, 1);
    f->topic = ref_json_value (lines[i], "topic");
    v = ref_json_value (lines[i], "receive_ns");
    f->recv = g_ascii_strtoull (v, NULL, 10);
    g_free (v);
    v = ref_json_value (lines[i], "stamp");
    f->stamp = g_ascii_strtoull (v, NULL, 10);
    g_free (v);
    v = ref_json_value (lines[i], "data");
    d = g_base64_decode (v, &n);
    f->data = g_bytes_new_take (d, n);
    g_free (v);
    g_ptr_array_add (frames, f);
  }
  g_strfreev (lines);
  return frames;
}

static void
keep_buffer (GstElement * sink, GstBuffer * buf, GstPad * pad, GPtrArray * bufs)
{
  g_ptr_array_add (bufs, gst_buffer_ref (buf));
}

static guint64
meta_ts (GstBuffer * buf, const gchar * name)
{
  GstCaps *caps = gst_caps_from_string (name);
  GstReferenceTimestampMeta *m =
      gst_buffer_get_reference_timestamp_meta (buf, caps);

  gst_caps_unref (caps);
  fail_unless (m != NULL, "no %s meta", name);
  return m->timestamp;
}

/* bagsrc on the two ROS 2 cameras (10 frames each, right 1-3 ms after
 * left) into bagalign: 10 sets, set i pairs left frame i with right frame
 * i (the very bytes of those messages), both at left frame i's time; the
 * index says the same */
static void
check_ros2_two_cameras (const gchar * tsrc)
{
  const gchar *topics[2] = { "/cam_left/image_raw", "/cam_right/image_raw" };
  GPtrArray *all = node_frames (), *cams[2], *bufs[2];
  gchar *dir = g_dir_make_tmp ("bagalign-ros2-XXXXXX", NULL);
  gchar *desc, *name, *got;
  GString *expected = g_string_new ("set,time_ns,sink_0_header_ns,"
      "sink_0_receive_ns,sink_1_header_ns,sink_1_receive_ns\n");
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  guint64 base = G_MAXUINT64;
  gboolean header = g_str_equal (tsrc, "header");
  guint i, p;

  for (p = 0; p < 2; p++) {
    cams[p] = g_ptr_array_new ();
    bufs[p] = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
  }
  for (i = 0; i < all->len; i++) {
    Frame *f = g_ptr_array_index (all, i);

    base = MIN (base, f->recv);
    for (p = 0; p < 2; p++)
      if (g_str_equal (f->topic, topics[p]))
        g_ptr_array_add (cams[p], f);
  }
  fail_unless_equals_int (cams[0]->len, 10);
  fail_unless_equals_int (cams[1]->len, 10);

  desc = g_strdup_printf ("bagsrc location=%s timestamp-source=%s "
      "topics=%s,%s name=src bagalign name=a index-location=%s/index.csv "
      "src.cam_left_image_raw ! a.sink_0 a.src_0 ! "
      "fakesink name=s0 signal-handoffs=true sync=false "
      "src.cam_right_image_raw ! a.sink_1 a.src_1 ! "
      "fakesink name=s1 signal-handoffs=true sync=false", ROS2_IMAGES, tsrc,
      topics[0], topics[1], dir);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  for (p = 0; p < 2; p++) {
    gchar *sname = g_strdup_printf ("s%u", p);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), sname);

    g_signal_connect (sink, "handoff", G_CALLBACK (keep_buffer), bufs[p]);
    gst_object_unref (sink);
    g_free (sname);
  }
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "no EOS: %s", desc);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);

  fail_unless_equals_int (bufs[0]->len, 10);
  fail_unless_equals_int (bufs[1]->len, 10);
  for (i = 0; i < 10; i++) {
    Frame *l = g_ptr_array_index (cams[0], i);
    guint64 t = header ? l->stamp : l->recv;
    guint64 set_time = t >= base ? t - base : 0;

    for (p = 0; p < 2; p++) {
      Frame *f = g_ptr_array_index (cams[p], i);
      GstBuffer *buf = g_ptr_array_index (bufs[p], i);
      guint64 own = header ? f->stamp : f->recv;
      gsize size;
      const guint8 *d = g_bytes_get_data (f->data, &size);

      /* the fixture: right frame i is nearest to left frame i, within the
       * default tolerance of 20 ms */
      fail_unless (f->recv >= l->recv && f->recv - l->recv <= 3 * GST_MSECOND);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), set_time);
      fail_unless_equals_uint64 (meta_ts (buf, "timestamp/x-bagalign-pts"),
          own - base);
      fail_unless_equals_uint64 (meta_ts (buf, "timestamp/x-ros-receive-time"),
          f->recv);
      fail_unless_equals_uint64 (meta_ts (buf,
              "timestamp/x-ros-header-stamp"), f->stamp);
      /* rgb8 32x24, step 96: GStreamer's stride, the data as is */
      fail_unless_equals_uint64 (gst_buffer_get_size (buf), size);
      fail_unless (gst_buffer_memcmp (buf, 0, d, size) == 0,
          "set %u: pad %u is not frame %u of %s", i, p, i, f->topic);
    }
    g_string_append_printf (expected, "%u,%" G_GUINT64_FORMAT ",%"
        G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%"
        G_GUINT64_FORMAT "\n", i, set_time, l->stamp, l->recv,
        ((Frame *) g_ptr_array_index (cams[1], i))->stamp,
        ((Frame *) g_ptr_array_index (cams[1], i))->recv);
  }
  {
    GstElement *a = gst_bin_get_by_name (GST_BIN (pipe), "a");
    guint64 emitted = 0, dropped = 0;

    g_object_get (a, "sets-emitted", &emitted, "sets-dropped", &dropped, NULL);
    fail_unless_equals_uint64 (emitted, 10);
    fail_unless_equals_uint64 (dropped, 0);
    gst_object_unref (a);
  }
  name = g_build_filename (dir, "index.csv", NULL);
  got = read_file (name);
  fail_unless_equals_string (got, expected->str);

  g_free (got);
  g_free (name);
  g_string_free (expected, TRUE);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  for (p = 0; p < 2; p++) {
    g_ptr_array_unref (cams[p]);
    g_ptr_array_unref (bufs[p]);
  }
  g_ptr_array_unref (all);
  remove_dir (dir);
  g_free (dir);
  g_free (desc);
}

GST_START_TEST (test_e2e_ros2_two_cameras)
{
  if (!have_bagsrc () || !ros2_ref_available ())
    return;
  check_ros2_two_cameras ("receive");
  check_ros2_two_cameras ("header");
}

GST_END_TEST;

/* ---- slow topics with bagsrc's default queues ---- */

/* Topics from 0.1 Hz to 1 kHz (tests/files/make-rate-fixtures.py, run at
 * test time into a temporary directory) aligned against each other in
 * every mode through bagsrc with its default queues (1 s, 16 MB per
 * topic): every run must end (a hang fails it after 60 s) and write
 * exactly the index of the same pipeline with unbounded queues, and of
 * the decision logic run offline over the python-written times. */

static gchar *rates_dir;

static void
rates_setup (void)
{
  const gchar *argv[] = { TEST_PYTHON, TEST_FILES_DIR
        "/make-rate-fixtures.py", NULL, NULL
  };
  gchar *err = NULL;
  gint status = 0;

  rates_dir = g_dir_make_tmp ("bagalign-rates-XXXXXX", NULL);
  g_assert (rates_dir != NULL);
  argv[2] = rates_dir;
  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL, NULL, &err,
          &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    g_error ("make-rate-fixtures.py failed: %s", err ? err : "");
  g_free (err);
}

static void
rates_teardown (void)
{
  remove_dir (rates_dir);
  g_free (rates_dir);
  rates_dir = NULL;
}

/* how bagalign is set up, and the same for the logic */
typedef struct
{
  const gchar *props;
  BagAlignMode mode;
  gint64 tolerance;
  BagAlignPolicy policy;
  gint rate_n;
  /* most buffers a pad may hold at once with the defaults (a 1 kHz
   * topic against a slow one): what the tolerance needs plus a few
   * 20 ms lists in flight; 0: unbounded by design (the sets need it) */
  guint max_held;
} RateMode;

#define NS(ms) ((gint64) (ms) * 1000000)

static const RateMode rate_modes[] = {
  {"", BAG_ALIGN_MODE_REFERENCE, NS (20), BAG_ALIGN_POLICY_NEAREST, 0, 100},
  {"tolerance=900000000", BAG_ALIGN_MODE_REFERENCE, NS (900),
      BAG_ALIGN_POLICY_NEAREST, 0, 1100},
  {"tolerance=-1", BAG_ALIGN_MODE_REFERENCE, BAG_ALIGN_UNLIMITED,
      BAG_ALIGN_POLICY_NEAREST, 0, 0},
  {"mode=approximate", BAG_ALIGN_MODE_APPROXIMATE, NS (20),
      BAG_ALIGN_POLICY_NEAREST, 0, 100},
  {"rate=2/1 tolerance=300000000", BAG_ALIGN_MODE_REFERENCE, NS (300),
      BAG_ALIGN_POLICY_NEAREST, 2, 500},
  {"policy=previous tolerance=3000000000", BAG_ALIGN_MODE_REFERENCE,
      NS (3000), BAG_ALIGN_POLICY_PREVIOUS, 0, 100},
  {"policy=previous tolerance=-1", BAG_ALIGN_MODE_REFERENCE,
      BAG_ALIGN_UNLIMITED, BAG_ALIGN_POLICY_PREVIOUS, 0, 100},
};

static const gchar *rate_topics[] = { "/r0_1", "/r0_5", "/r2", "/r20",
  "/r100", "/r1000"
};

typedef struct
{
  guint64 record, stamp;
} TsvMsg;

/* NAME.tsv: per topic (a GArray of TsvMsg), and the first record time */
static GHashTable *
read_tsv (const gchar * name, guint64 * start)
{
  gchar *path = g_strdup_printf ("%s/%s.tsv", rates_dir, name);
  gchar *text = read_file (path);
  gchar **lines = g_strsplit (text, "\n", -1);
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_array_unref);
  guint i;

  *start = G_MAXUINT64;
  for (i = 0; lines[i]; i++) {
    gchar **f = g_strsplit (lines[i], "\t", 3);
    GArray *a;
    TsvMsg m;

    if (g_strv_length (f) == 3) {
      a = g_hash_table_lookup (t, f[0]);
      if (!a) {
        a = g_array_new (FALSE, FALSE, sizeof (TsvMsg));
        g_hash_table_insert (t, g_strdup (f[0]), a);
      }
      m.record = g_ascii_strtoull (f[1], NULL, 10);
      m.stamp = g_ascii_strtoull (f[2], NULL, 10);
      g_array_append_val (a, m);
      *start = MIN (*start, m.record);
    }
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return t;
}

/* The index bagalign writes, from the decision logic fed every message
 * (bagsrc's PTS: the time minus the bag's start, 0 at the least) and then
 * EOS */
static gchar *
offline_index (const gchar * name, const gchar * const *topics, guint n,
    const RateMode * m, gboolean header)
{
  guint64 start;
  GHashTable *tsv = read_tsv (name, &start);
  BagAlignLogic *l = bag_align_logic_new ();
  GString *out = g_string_new ("");
  guint i, k, set = 0;

  l->mode = m->mode;
  l->rate_n = m->rate_n;
  l->rate_d = 1;
  for (i = 0; i < n; i++) {
    GArray *a = g_hash_table_lookup (tsv, topics[i]);
    BagAlignPad *p;

    fail_unless (a != NULL, "%s not in %s.tsv", topics[i], name);
    bag_align_logic_add_pad (l);
    p = bag_align_logic_get_pad (l, i);
    p->tolerance = m->tolerance;
    p->policy = m->policy;
    for (k = 0; k < a->len; k++) {
      TsvMsg *msg = &g_array_index (a, TsvMsg, k);
      guint64 t = header ? msg->stamp : msg->record;

      fail_unless (bag_align_logic_push (l, i, t > start ? t - start : 0, msg));
    }
    bag_align_logic_set_eos (l, i);
  }
  /* the header, with or without a set */
  g_string_append (out, "set,time_ns");
  for (i = 0; i < n; i++)
    g_string_append_printf (out, ",sink_%u_header_ns,sink_%u_receive_ns", i, i);
  g_string_append_c (out, '\n');
  for (;;) {
    BagAlignResult r = bag_align_logic_decide (l);

    fail_unless (r != BAG_ALIGN_NEED_DATA);
    if (r == BAG_ALIGN_DONE)
      break;
    if (l->set.emit && l->set.n_members > 0) {
      g_string_append_printf (out, "%u,%" G_GINT64_FORMAT, set++, l->set.time);
      for (i = 0; i < n; i++) {
        BagAlignPad *p = bag_align_logic_get_pad (l, i);
        TsvMsg *msg;

        if (l->set.member[i] < 0) {
          g_string_append (out, ",,");
          continue;
        }
        msg = g_array_index (p->entries, BagAlignEntry, l->set.member[i]).data;
        g_string_append_printf (out, ",%" G_GUINT64_FORMAT ",%"
            G_GUINT64_FORMAT, msg->stamp, msg->record);
      }
      g_string_append_c (out, '\n');
    }
    bag_align_logic_commit (l, NULL, NULL);
  }
  bag_align_logic_free (l, NULL, NULL);
  g_hash_table_unref (tsv);
  return g_string_free (out, FALSE);
}

/* buffers a bagalign sink pad holds: those that came in minus those it
 * let go (buffers-dropped + buffers-used), sampled as each comes in */
typedef struct
{
  gint in;
  gint max_held;
} HeldCount;

static GstPadProbeReturn
count_held (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  HeldCount *h = user_data;
  guint64 dropped, used;

  g_object_get (pad, "buffers-dropped", &dropped, "buffers-used", &used, NULL);
  /* (only this pad's thread comes here) */
  h->in++;
  h->max_held = MAX (h->max_held, h->in - (gint) (dropped + used));
  return GST_PAD_PROBE_OK;
}

static void
probe_sink_pad (GstElement * align, GstPad * pad, HeldCount * held)
{
  guint i;

  if (GST_PAD_IS_SINK (pad) &&
      sscanf (GST_OBJECT_NAME (pad), "sink_%u", &i) == 1 && i < 4)
    /* (a list reaches bagalign's chain function buffer by buffer, each
     * through the buffer probes) */
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_held, &held[i],
        NULL);
}

/* What bagalign's index says for @topics of NAME.bag through bagsrc with
 * @srcprops; *max_held: the most buffers one of its pads held */
static gchar *
run_rates (const gchar * name, const gchar * const *topics, guint n,
    const gchar * srcprops, const gchar * alignprops, guint * max_held)
{
  gchar *index = g_strdup_printf ("%s/%s-%u.csv", rates_dir, name,
      (guint) getpid ());
  GString *desc = g_string_new ("");
  HeldCount held[4] = { {0} };
  GstElement *pipe, *align;
  GError *error = NULL;
  GstMessage *msg;
  GstBus *bus;
  gchar *got;
  guint i;

  g_string_printf (desc, "bagsrc name=s location=%s/%s.bag topics=", rates_dir,
      name);
  for (i = 0; i < n; i++)
    g_string_append_printf (desc, "%s%s", i ? "," : "", topics[i]);
  g_string_append_printf (desc, " %s bagalign name=a index-location=%s %s",
      srcprops, index, alignprops);
  for (i = 0; i < n; i++)
    g_string_append_printf (desc, " s.%s ! a.sink_%u a.src_%u ! fakesink",
        topics[i] + 1, i, i);

  pipe = gst_parse_launch (desc->str, &error);
  fail_unless (pipe != NULL, "%s: %s", desc->str, error ? error->message : "");
  /* (the sink pads are requested when bagsrc's pads appear) */
  align = gst_bin_get_by_name (GST_BIN (pipe), "a");
  g_signal_connect (align, "pad-added", G_CALLBACK (probe_sink_pad), held);
  gst_object_unref (align);
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipe, GST_STATE_NULL);
  fail_unless (msg != NULL, "hung (no EOS after 60 s): %s", desc->str);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &e, &dbg);
    fail ("error from %s: %s (%s): %s", GST_OBJECT_NAME (msg->src),
        e->message, dbg, desc->str);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (pipe);

  *max_held = 0;
  for (i = 0; i < n; i++)
    *max_held = MAX (*max_held, (guint) held[i].max_held);
  if (g_file_test (index, G_FILE_TEST_EXISTS)) {
    got = read_file (index);
    g_unlink (index);
  } else {
    got = g_strdup ("");
  }
  g_free (index);
  g_string_free (desc, TRUE);
  return got;
}

/* @topics of NAME.bag in mode @m: with bagsrc's defaults (plus
 * @srcprops), the same as with unbounded queues and as offline */
static void
check_rates (const gchar * name, const gchar * const *topics, guint n,
    const RateMode * m, const gchar * srcprops, gboolean header)
{
  gchar *props = g_strdup_printf ("%s%s", srcprops,
      header ? " timestamp-source=header" : "");
  gchar *unbounded = g_strdup_printf ("max-size-time=0 max-size-bytes=0%s",
      header ? " timestamp-source=header" : "");
  gchar *got, *expected, *offline, *what;
  guint held, held_unbounded;

  what = g_strdup_printf ("%s %s%s%s [%s]", name, topics[0],
      n > 1 ? "," : "", n > 1 ? topics[1] : "", m->props);
  got = run_rates (name, topics, n, props, m->props, &held);
  expected = run_rates (name, topics, n, unbounded, m->props, &held_unbounded);
  offline = offline_index (name, topics, n, m, header);
  GST_INFO ("%s: %u lines, a pad held %u buffers (unbounded: %u)", what,
      count_lines (got), held, held_unbounded);
  fail_unless (g_str_equal (got, expected), "%s %s: not what unbounded "
      "queues give:\n%.400s\n--- unbounded:\n%.400s", what, srcprops, got,
      expected);
  fail_unless (g_str_equal (got, offline), "%s %s: not what the logic gives "
      "offline:\n%.400s\n--- offline:\n%.400s", what, srcprops, got, offline);
  if (m->max_held > 0 && !*srcprops && n == 2)
    fail_unless (held <= m->max_held, "%s: a pad held %u buffers", what, held);
  g_free (got);
  g_free (expected);
  g_free (offline);
  g_free (what);
  g_free (props);
  g_free (unbounded);
}

/* every pair of rates, both ways round, in one mode (loop index) */
GST_START_TEST (test_slow_topics_every_rate)
{
  const RateMode *m = &rate_modes[__i__];
  guint a, b;

  if (!have_bagsrc ())
    return;
  for (a = 0; a < G_N_ELEMENTS (rate_topics); a++) {
    for (b = 0; b < G_N_ELEMENTS (rate_topics); b++) {
      const gchar *topics[2] = { rate_topics[a], rate_topics[b] };

      if (a != b)
        check_rates ("rates", topics, 2, m, "", FALSE);
    }
  }
}

GST_END_TEST;

/* the review's pipeline: 20 Hz against 0.5 Hz, the fast one first */
GST_START_TEST (test_slow_topic_review_case)
{
  const gchar *topics[2] = { "/r20", "/r0_5" };
  guint i;

  if (!have_bagsrc ())
    return;
  for (i = 0; i < G_N_ELEMENTS (rate_modes); i++)
    check_rates ("rates", topics, 2, &rate_modes[i], "", FALSE);
}

GST_END_TEST;

/* a topic with one message, at the very end */
GST_START_TEST (test_slow_topic_at_the_end)
{
  const gchar *topics[2] = { "/fast", "/slow" };
  const gchar *rev[2] = { "/slow", "/fast" };
  guint i;

  if (!have_bagsrc ())
    return;
  for (i = 0; i < G_N_ELEMENTS (rate_modes); i++) {
    check_rates ("slow-end", topics, 2, &rate_modes[i], "", FALSE);
    check_rates ("slow-end", rev, 2, &rate_modes[i], "", FALSE);
  }
}

GST_END_TEST;

/* three topics: a fast one, a camera-like one and a 0.1 Hz one */
GST_START_TEST (test_slow_topics_three)
{
  const gchar *topics[3] = { "/r20", "/r1000", "/r0_1" };
  const gchar *rev[3] = { "/r0_1", "/r2", "/r100" };
  guint i;

  if (!have_bagsrc ())
    return;
  for (i = 0; i < G_N_ELEMENTS (rate_modes); i++) {
    check_rates ("rates", topics, 3, &rate_modes[i], "", FALSE);
    check_rates ("rates", rev, 3, &rate_modes[i], "", FALSE);
  }
}

GST_END_TEST;

/* queues far smaller than the GAPs' granularity (a few buffers, 2 KB,
 * 50 ms): the demuxer's announcement when a queue is full keeps them
 * going */
GST_START_TEST (test_slow_topics_tiny_queues)
{
  const gchar *queues[] = { "max-size-bytes=2000",
    "max-size-buffers=2 max-size-bytes=0 max-size-time=0",
    "max-size-time=50000000"
  };
  const gchar *pairs[][2] = { {"/r1000", "/r0_1"}, {"/r0_5", "/r100"},
  {"/r20", "/r0_5"}
  };
  guint q, p, i;

  if (!have_bagsrc ())
    return;
  for (q = 0; q < G_N_ELEMENTS (queues); q++)
    for (p = 0; p < G_N_ELEMENTS (pairs); p++)
      for (i = 0; i < G_N_ELEMENTS (rate_modes); i++)
        check_rates ("rates", pairs[p], 2, &rate_modes[i], queues[q], FALSE);
}

GST_END_TEST;

/* timestamp-source=header: each topic's GAPs follow its own stamps (their
 * lag behind the record time, 0 to 15 ms here), so even 2 KB queues
 * work and the sets are those of the stamps */
GST_START_TEST (test_slow_topics_header_stamps)
{
  const gchar *pairs[][2] = { {"/r1000", "/r0_1"}, {"/r0_1", "/r1000"},
  {"/r20", "/r0_5"}, {"/r2", "/r100"}
  };
  guint p, i;

  if (!have_bagsrc ())
    return;
  for (p = 0; p < G_N_ELEMENTS (pairs); p++) {
    for (i = 0; i < G_N_ELEMENTS (rate_modes); i++) {
      check_rates ("rates", pairs[p], 2, &rate_modes[i], "", TRUE);
      check_rates ("rates", pairs[p], 2, &rate_modes[i],
          "max-size-bytes=2000", TRUE);
    }
  }
}

GST_END_TEST;

static Suite *
bagalign_suite (void)
{
  Suite *s = suite_create ("bagalign");
  TCase *tc = tcase_create ("general");
  TCase *e2e = tcase_create ("end-to-end");
  TCase *slow = tcase_create ("slow-topics");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_reference_nearest);
  tcase_add_test (tc, test_previous_sample_and_hold);
  tcase_add_test (tc, test_keep_incomplete_gaps);
  tcase_add_test (tc, test_not_required_pad);
  tcase_add_test (tc, test_offset_and_reference);
  tcase_add_test (tc, test_late_buffer_dropped);
  tcase_add_test (tc, test_exact);
  tcase_add_test (tc, test_approximate);
  tcase_add_test (tc, test_approximate_max_interval);
  tcase_add_test (tc, test_rate);
  tcase_add_test (tc, test_sparse_pad_gaps);
  tcase_add_test (tc, test_ended_pad);
  tcase_add_test (tc, test_ended_pad_held);
  tcase_add_test (tc, test_flush);
  tcase_add_test (tc, test_flush_unblocks_waiting_pad);
  tcase_add_test (tc, test_state_change_unblocks);
  tcase_add_test (tc, test_single_pad_passthrough);
  tcase_add_test (tc, test_caps_and_queries_pass_through);
  tcase_add_test (tc, test_index_and_messages);
  tcase_add_test (tc, test_index_write_error);
  tcase_add_test (tc, test_index_no_sets);
  tcase_add_test (tc, test_index_columns_by_pad_number);
  tcase_add_test (tc, test_child_proxy_from_launch_line);
  tcase_add_test (tc, test_request_release);
  tcase_add_test (tc, test_buffer_list);
  tcase_add_test (tc, test_buffer_list_passthrough);

  suite_add_tcase (s, e2e);
  tcase_set_timeout (e2e, 120);
  tcase_add_test (e2e, test_e2e_sample_receive_time);
  tcase_add_test (e2e, test_e2e_sample_header_stamp);
  tcase_add_test (e2e, test_e2e_one_camera);
  tcase_add_test (e2e, test_e2e_imu_at_camera_rate);
  tcase_add_test (e2e, test_e2e_flushing_seek);
  tcase_add_test (e2e, test_e2e_realbag_husky);
  tcase_add_test (e2e, test_example_bag_export);
  tcase_add_test (e2e, test_e2e_ros2_two_cameras);

  suite_add_tcase (s, slow);
  tcase_set_timeout (slow, 300);
  tcase_add_unchecked_fixture (slow, rates_setup, rates_teardown);
  tcase_add_test (slow, test_slow_topic_review_case);
  tcase_add_loop_test (slow, test_slow_topics_every_rate, 0,
      G_N_ELEMENTS (rate_modes));
  tcase_add_test (slow, test_slow_topic_at_the_end);
  tcase_add_test (slow, test_slow_topics_three);
  tcase_add_test (slow, test_slow_topics_tiny_queues);
  tcase_add_test (slow, test_slow_topics_header_stamps);

  return s;
}

GST_CHECK_MAIN (bagalign);
