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

/* Stress: random operations on a playing pipeline
 *
 *   bagsrc --topic--> bagalign sink_N - src_N --> fakesink   (aligned topics)
 *          --topic-----------------------------> fakesink   (the others)
 *
 * A seeded PRNG draws operations: flushing seeks (ACCURATE or KEY_UNIT,
 * sometimes with a stop), non-flushing seeks, segment seeks (a SEGMENT_DONE
 * is answered by a looping or continuing non-flushing seek, or not at all),
 * rate changes (0.5 to 4), PAUSED / PLAYING toggles, READY (and rarely NULL)
 * and back. In READY the configuration may change: bagsrc's topics, which
 * topics go through bagalign, bagalign's request pads (released, requested
 * with the template name or an explicit one, reassigned to another topic),
 * its mode (reference, approximate, exact, rate), tolerance, reference pad,
 * pad policies, the fakesinks' sync. Pads are only requested and released
 * in READY: docs/bagalign.md says pads should be requested before data
 * flows. Non-flushing seeks are only sent in PLAYING (in PAUSED the seek
 * waits for the streaming thread, which waits for PLAYING).
 *
 * Every operation must complete within a bound (state changes and seeks
 * settle within STATE_TIMEOUT, a watchdog aborts after OP_BOUND_S seconds
 * with every thread's backtrace when gdb is there); bus errors and
 * warnings fail the test, criticals are fatal (G_DEBUG=fatal-warnings), the
 * leaks tracer checks everything was freed. After the last operation a
 * flushing ACCURATE seek to a random position, from PLAYING, and the
 * buffers each sink gets after it (PTS, size, hash of the bytes, until EOS)
 * must be exactly those of a fresh pipeline of the same configuration given
 * the same seek from PAUSED.
 *
 * A pause after the segment in force has ended may legitimately never
 * complete (the sinks rendered everything and segment-done does not
 * preroll them): when a pause has not settled a second after such a
 * SEGMENT_DONE, a flushing seek prerolls the pipeline (counted as
 * "starved").
 *
 * Two known bugs of bagalign are left out unless asked for (see
 * align_pause () and sparse_segments ()): STRESS_ALIGN_PAUSE=1 pauses
 * while bagalign has two or more pads, STRESS_SPARSE_SEGMENTS=1 lets
 * segment seeks with bagalign be short or past the sparse topics' last
 * message; test_known_align_pause and test_known_sparse_segment reproduce
 * them alone. The other cases check what the stress found and is fixed.
 *
 * Environment: STRESS_SEED (replay a seed, or "random"; default 1, always
 * printed), STRESS_OPS (operations per case, default 150), STRESS_VERBOSE=1
 * (print every operation), STRESS_GDB=0 (no backtraces on a hang). The
 * seed gives the same sequence of operations (how far the data got between
 * them depends on timing). GST_CHECKS=test_stress_bag (or test_stress_mcap)
 * runs one case. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <gst/check/gstcheck.h>

#define MAX_TOPICS 8
/* the bound of a state change or a flushing seek to settle */
#define STATE_TIMEOUT (20 * GST_SECOND)
/* the watchdog's bound for any operation */
#define OP_BOUND_S 40
/* the final runs to EOS */
#define EOS_BOUND_S 60
#define DEFAULT_SEED 1
#define DEFAULT_OPS 150

typedef struct
{
  const gchar *name;
  const gchar *file;            /* under TEST_FILES_DIR */
  const gchar *topics[MAX_TOPICS + 1];
  /* every topic publishes at least every 200 ms until then (ns from the
   * start) */
  guint64 dense_end;
} Fixture;

static const Fixture fixture_bag = {
  "bag", "sample.bag",
  {"/cam0/image_raw", "/cam1/image_raw", "/imu", "/joint_states", NULL},
  2900 * GST_MSECOND
};

/* /chatter 5 Hz until 1.8 s */
static const Fixture fixture_mcap = {
  "mcap", "mcap/zstd.mcap",
  {"/imu", "/joint_states", "/tf", "/chatter", NULL},
  1800 * GST_MSECOND
};

/* ---- watchdog: aborts when an operation does not return ---- */

static struct
{
  GMutex lock;
  GCond cond;
  gint64 deadline;              /* monotonic us, 0: disarmed */
  gchar *what;
  gboolean quit;
  GThread *thread;
} wd;

static void
dump_backtraces (void)
{
  const gchar *env = g_getenv ("STRESS_GDB");
  gchar *gdb, *pid, *out = NULL;
  gchar *argv[10];

  if (env && !strcmp (env, "0"))
    return;
  gdb = g_find_program_in_path ("gdb");
  if (!gdb)
    return;
  pid = g_strdup_printf ("%d", (int) getpid ());
  argv[0] = gdb;
  argv[1] = (gchar *) "-batch";
  argv[2] = (gchar *) "-nx";
  argv[3] = (gchar *) "-p";
  argv[4] = pid;
  argv[5] = (gchar *) "-ex";
  argv[6] = (gchar *) "thread apply all bt";
  argv[7] = NULL;
#ifdef PR_SET_PTRACER
  /* Yama: let a child attach to us */
  prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
  if (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
          &out, NULL, NULL, NULL) && out)
    g_printerr ("%s\n", out);
  g_free (out);
  g_free (pid);
  g_free (gdb);
}

static gpointer
watchdog_thread (gpointer data)
{
  g_mutex_lock (&wd.lock);
  while (!wd.quit) {
    if (!wd.deadline) {
      g_cond_wait (&wd.cond, &wd.lock);
      continue;
    }
    if (g_cond_wait_until (&wd.cond, &wd.lock, wd.deadline))
      continue;
    if (wd.deadline && g_get_monotonic_time () >= wd.deadline) {
      g_printerr ("stress: TIMEOUT: %s did not complete within %d s\n",
          wd.what, OP_BOUND_S);
      dump_backtraces ();
      g_printerr ("stress: TIMEOUT: %s\n", wd.what);
      abort ();
    }
  }
  g_mutex_unlock (&wd.lock);
  return NULL;
}

static void
watchdog_start (void)
{
  wd.quit = FALSE;
  wd.deadline = 0;
  wd.thread = g_thread_new ("stress-watchdog", watchdog_thread, NULL);
}

static void
watchdog_stop (void)
{
  g_mutex_lock (&wd.lock);
  wd.quit = TRUE;
  g_cond_broadcast (&wd.cond);
  g_mutex_unlock (&wd.lock);
  g_thread_join (wd.thread);
  wd.thread = NULL;
  g_clear_pointer (&wd.what, g_free);
}

static void
watchdog_arm (const gchar * what, gint seconds)
{
  g_mutex_lock (&wd.lock);
  g_free (wd.what);
  wd.what = g_strdup (what);
  wd.deadline = g_get_monotonic_time () + (gint64) seconds *G_USEC_PER_SEC;
  g_cond_broadcast (&wd.cond);
  g_mutex_unlock (&wd.lock);
}

static void
watchdog_disarm (void)
{
  g_mutex_lock (&wd.lock);
  wd.deadline = 0;
  g_cond_broadcast (&wd.cond);
  g_mutex_unlock (&wd.lock);
}

/* ---- a pipeline and what its sinks receive ---- */

typedef struct _Stress Stress;

typedef struct
{
  guint64 pts;
  gsize size;
  guint64 hash;
} Rec;

typedef struct
{
  Stress *st;
  gchar *key;                   /* "/imu" or "/imu via sink_3" */
  GstElement *sink;
  GArray *recs;                 /* Rec, after the final seek's flush */
  gboolean armed;               /* the final seek's flush-stop arrived */
  gboolean eos;                 /* and then EOS */
} Sink;

typedef struct
{
  gint num;                     /* bagalign sink pad number, -1: not aligned */
  gint policy;                  /* 0 default, 1 nearest, 2 previous */
  gboolean required;
} AlignCfg;

typedef struct
{
  guint topics;                 /* mask over the fixture's topics */
  gboolean all_as_empty;        /* topics="" when they are all selected */
  AlignCfg al[MAX_TOPICS];
  gint mode;                    /* 0 reference 1 approximate 2 exact 3 rate */
  gint ref;                     /* topic of the reference pad */
  guint64 tolerance;
  guint64 max_interval;
  gint rate_n;
  gboolean drop_incomplete;
  gboolean sync;
} Config;

typedef struct
{
  gint num;
  GstPad *sinkpad;
  Sink *out;                    /* the fakesink on src_N */
} APad;

struct _Stress
{
  const Fixture *fx;
  guint n_topics;
  GstElement *pipeline, *src, *align;
  GstBus *bus;
  GMutex lock;
  Config cfg;
  Sink *direct[MAX_TOPICS];     /* fakesinks of the topics not aligned */
  GPtrArray *apads;             /* APad* */
  guint next_num;               /* bagalign's next sink_%u */
  guint32 final_seqnum;
  gchar *link_error;
  guint n_sinks;
};

static const gchar *mode_names[] =
    { "reference", "approximate", "exact", "rate" };
static const gchar *policy_names[] = { "default", "nearest", "previous" };

static guint64
hash_bytes (const guint8 * p, gsize n)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  gsize i;

  for (i = 0; i < n; i++) {
    h ^= p[i];
    h *= G_GUINT64_CONSTANT (1099511628211);
  }
  return h;
}

static void
sink_record (Sink * s, GstBuffer * buf)
{
  GstMapInfo map;
  Rec r;

  r.pts = GST_BUFFER_PTS (buf);
  r.size = gst_buffer_get_size (buf);
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    r.hash = hash_bytes (map.data, map.size);
    gst_buffer_unmap (buf, &map);
  } else {
    r.hash = 0;
  }
  g_array_append_val (s->recs, r);
}

static GstPadProbeReturn
sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Sink *s = data;
  Stress *st = s->st;

  g_mutex_lock (&st->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    if (s->armed)
      sink_record (s, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i;

    if (s->armed)
      for (i = 0; i < gst_buffer_list_length (list); i++)
        sink_record (s, gst_buffer_list_get (list, i));
  } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_FLUSH_STOP && st->final_seqnum &&
        gst_event_get_seqnum (ev) == st->final_seqnum) {
      g_array_set_size (s->recs, 0);
      s->armed = TRUE;
      s->eos = FALSE;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS && s->armed) {
      s->eos = TRUE;
    }
  }
  g_mutex_unlock (&st->lock);
  return GST_PAD_PROBE_OK;
}

static Sink *
sink_new (Stress * st, const gchar * key)
{
  Sink *s = g_new0 (Sink, 1);
  gchar *name = g_strdup_printf ("fakesink%u", st->n_sinks++);
  GstPad *pad;

  s->st = st;
  s->key = g_strdup (key);
  s->recs = g_array_new (FALSE, FALSE, sizeof (Rec));
  s->sink = gst_element_factory_make ("fakesink", name);
  fail_unless (s->sink != NULL);
  g_object_set (s->sink, "sync", st->cfg.sync, "async", TRUE, NULL);
  gst_object_ref (s->sink);
  fail_unless (gst_bin_add (GST_BIN (st->pipeline), s->sink));
  pad = gst_element_get_static_pad (s->sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, sink_probe, s, NULL);
  gst_object_unref (pad);
  g_free (name);
  return s;
}

/* removes the sink from the pipeline (in READY or NULL) */
static void
sink_free (Sink * s)
{
  if (!s)
    return;
  gst_element_set_locked_state (s->sink, TRUE);
  gst_element_set_state (s->sink, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (s->st->pipeline), s->sink);
  gst_object_unref (s->sink);
  g_array_free (s->recs, TRUE);
  g_free (s->key);
  g_free (s);
}

static gint
topic_index (const Fixture * fx, const gchar * topic)
{
  gint i;

  for (i = 0; fx->topics[i]; i++)
    if (!g_strcmp0 (fx->topics[i], topic))
      return i;
  return -1;
}

static APad *
find_apad (Stress * st, gint num)
{
  guint i;

  for (i = 0; i < st->apads->len; i++) {
    APad *a = g_ptr_array_index (st->apads, i);

    if (a->num == num)
      return a;
  }
  return NULL;
}

static gchar *
pad_topic (GstPad * pad)
{
  GstStream *stream = gst_pad_get_stream (pad);
  GstTagList *tags;
  gchar *topic = NULL;

  if (!stream)
    return NULL;
  tags = gst_stream_get_tags (stream);
  if (tags) {
    gst_tag_list_get_string (tags, "ros-topic", &topic);
    gst_tag_list_unref (tags);
  }
  gst_object_unref (stream);
  return topic;
}

static void
on_pad_added (GstElement * src, GstPad * pad, Stress * st)
{
  gchar *topic = pad_topic (pad);
  gint t = topic_index (st->fx, topic);
  GstPad *peer = NULL;
  GstPadLinkReturn lr;

  g_mutex_lock (&st->lock);
  if (t >= 0 && st->cfg.al[t].num >= 0) {
    APad *a = find_apad (st, st->cfg.al[t].num);

    if (a)
      peer = gst_object_ref (a->sinkpad);
  } else if (t >= 0 && st->direct[t]) {
    peer = gst_element_get_static_pad (st->direct[t]->sink, "sink");
  }
  g_mutex_unlock (&st->lock);

  if (!peer) {
    g_mutex_lock (&st->lock);
    if (!st->link_error)
      st->link_error = g_strdup_printf ("pad %s (topic %s): nowhere to link",
          GST_PAD_NAME (pad), GST_STR_NULL (topic));
    g_mutex_unlock (&st->lock);
  } else if ((lr = gst_pad_link (pad, peer)) != GST_PAD_LINK_OK) {
    g_mutex_lock (&st->lock);
    if (!st->link_error)
      st->link_error = g_strdup_printf ("pad %s (topic %s) does not link to "
          "%s:%s: %s", GST_PAD_NAME (pad), GST_STR_NULL (topic),
          GST_DEBUG_PAD_NAME (peer), gst_pad_link_get_name (lr));
    g_mutex_unlock (&st->lock);
  }
  if (peer)
    gst_object_unref (peer);
  g_free (topic);
}

static Stress *
stress_new (const Fixture * fx)
{
  Stress *st = g_new0 (Stress, 1);
  gchar *path = g_build_filename (TEST_FILES_DIR, fx->file, NULL);

  st->fx = fx;
  while (fx->topics[st->n_topics])
    st->n_topics++;
  g_mutex_init (&st->lock);
  st->apads = g_ptr_array_new ();
  st->pipeline = gst_pipeline_new (NULL);
  st->src = gst_element_factory_make ("bagsrc", NULL);
  st->align = gst_element_factory_make ("bagalign", NULL);
  fail_unless (st->src && st->align);
  g_object_set (st->src, "location", path, NULL);
  gst_bin_add_many (GST_BIN (st->pipeline), st->src, st->align, NULL);
  g_signal_connect (st->src, "pad-added", G_CALLBACK (on_pad_added), st);
  st->bus = gst_element_get_bus (st->pipeline);
  memset (&st->cfg, 0, sizeof (st->cfg));
  for (guint i = 0; i < MAX_TOPICS; i++)
    st->cfg.al[i].num = -1;
  g_free (path);
  return st;
}

static void
apad_release (Stress * st, APad * a)
{
  gst_element_release_request_pad (st->align, a->sinkpad);
  gst_object_unref (a->sinkpad);
  sink_free (a->out);
  g_free (a);
}

static void
stress_free (Stress * st)
{
  guint i;

  gst_element_set_state (st->pipeline, GST_STATE_NULL);
  for (i = 0; i < st->apads->len; i++)
    apad_release (st, g_ptr_array_index (st->apads, i));
  g_ptr_array_free (st->apads, TRUE);
  for (i = 0; i < MAX_TOPICS; i++)
    sink_free (st->direct[i]);
  gst_object_unref (st->bus);
  gst_object_unref (st->pipeline);
  g_free (st->link_error);
  g_mutex_clear (&st->lock);
  g_free (st);
}

/* every sink of the pipeline */
static GPtrArray *
stress_sinks (Stress * st)
{
  GPtrArray *a = g_ptr_array_new ();
  guint i;

  for (i = 0; i < MAX_TOPICS; i++)
    if (st->direct[i])
      g_ptr_array_add (a, st->direct[i]);
  for (i = 0; i < st->apads->len; i++)
    g_ptr_array_add (a, ((APad *) g_ptr_array_index (st->apads, i))->out);
  return a;
}

static guint
stress_sinks_count (Stress * st)
{
  GPtrArray *a = stress_sinks (st);
  guint n = a->len;

  g_ptr_array_free (a, TRUE);
  return n;
}

static gchar *
config_describe (const Fixture * fx, const Config * c)
{
  GString *s = g_string_new ("topics=");
  guint t;

  for (t = 0; fx->topics[t]; t++) {
    if (!(c->topics & (1u << t)))
      continue;
    g_string_append_printf (s, "%s", fx->topics[t]);
    if (c->al[t].num >= 0)
      g_string_append_printf (s, "(sink_%d%s%s%s)", c->al[t].num,
          c->al[t].policy ? " " : "",
          c->al[t].policy ? policy_names[c->al[t].policy] : "",
          c->al[t].required ? "" : " optional");
    g_string_append_c (s, ',');
  }
  if (c->all_as_empty)
    g_string_append (s, "(as \"\")");
  g_string_append_printf (s, " mode=%s", mode_names[c->mode]);
  if (c->mode == 3)
    g_string_append_printf (s, " rate=%d/1", c->rate_n);
  if (c->ref >= 0 && c->al[c->ref].num >= 0)
    g_string_append_printf (s, " reference=sink_%d", c->al[c->ref].num);
  g_string_append_printf (s, " tolerance=%" G_GUINT64_FORMAT "ms%s%s sync=%d",
      c->tolerance / GST_MSECOND, c->drop_incomplete ? "" : " keep-incomplete",
      c->max_interval != GST_CLOCK_TIME_NONE ? " max-interval=30ms" : "",
      c->sync);
  return g_string_free (s, FALSE);
}

/* Brings the pipeline (in READY or NULL) to @c: fakesinks of the direct
 * topics made again, bagalign pads released, requested (the template name
 * when the number is bagalign's next one, else explicitly) and
 * configured, bagsrc's topics. */
static void
stress_apply (Stress * st, const Config * c)
{
  GString *topics = g_string_new (NULL);
  guint t, i;
  gint n, max_num;

  g_mutex_lock (&st->lock);
  st->cfg = *c;
  g_mutex_unlock (&st->lock);

  for (t = 0; t < MAX_TOPICS; t++) {
    sink_free (st->direct[t]);
    st->direct[t] = NULL;
  }
  /* pads no topic uses any more */
  for (i = 0; i < st->apads->len;) {
    APad *a = g_ptr_array_index (st->apads, i);
    gboolean used = FALSE;

    for (t = 0; t < st->n_topics; t++)
      used |= (c->topics & (1u << t)) && c->al[t].num == a->num;
    if (used) {
      i++;
      continue;
    }
    g_ptr_array_remove_index (st->apads, i);
    apad_release (st, a);
  }
  /* new pads, by increasing number */
  max_num = -1;
  for (t = 0; t < st->n_topics; t++)
    if (c->topics & (1u << t))
      max_num = MAX (max_num, c->al[t].num);
  for (n = 0; n <= max_num; n++) {
    APad *a;
    GstPad *srcpad, *sinkpad;
    gchar *name;

    for (t = 0; t < st->n_topics; t++)
      if ((c->topics & (1u << t)) && c->al[t].num == n)
        break;
    if (t == st->n_topics || find_apad (st, n))
      continue;
    a = g_new0 (APad, 1);
    a->num = n;
    name = g_strdup_printf ("sink_%d", n);
    if ((guint) n == st->next_num)
      a->sinkpad = gst_element_request_pad_simple (st->align, "sink_%u");
    else
      a->sinkpad = gst_element_request_pad_simple (st->align, name);
    fail_unless (a->sinkpad != NULL, "could not request %s", name);
    fail_unless_equals_string (GST_PAD_NAME (a->sinkpad), name);
    st->next_num = MAX (st->next_num, (guint) n + 1);
    g_free (name);
    name = g_strdup_printf ("src_%d", n);
    srcpad = gst_element_get_static_pad (st->align, name);
    fail_unless (srcpad != NULL, "no %s", name);
    g_free (name);
    a->out = sink_new (st, "");
    sinkpad = gst_element_get_static_pad (a->out->sink, "sink");
    fail_unless_equals_int (gst_pad_link (srcpad, sinkpad), GST_PAD_LINK_OK);
    gst_object_unref (sinkpad);
    gst_object_unref (srcpad);
    fail_unless (gst_element_sync_state_with_parent (a->out->sink));
    g_ptr_array_add (st->apads, a);
  }

  for (t = 0; t < st->n_topics; t++) {
    if (!(c->topics & (1u << t)))
      continue;
    if (topics->len)
      g_string_append_c (topics, ',');
    g_string_append (topics, st->fx->topics[t]);
    if (c->al[t].num >= 0) {
      APad *a = find_apad (st, c->al[t].num);

      fail_unless (a != NULL);
      g_free (a->out->key);
      a->out->key = g_strdup_printf ("%s via sink_%d", st->fx->topics[t],
          a->num);
      gst_util_set_object_arg (G_OBJECT (a->sinkpad), "policy",
          policy_names[c->al[t].policy]);
      g_object_set (a->sinkpad, "required", c->al[t].required, NULL);
    } else {
      st->direct[t] = sink_new (st, st->fx->topics[t]);
      fail_unless (gst_element_sync_state_with_parent (st->direct[t]->sink));
    }
  }
  g_object_set (st->src, "topics", c->all_as_empty ? "" : topics->str, NULL);
  g_string_free (topics, TRUE);

  gst_util_set_object_arg (G_OBJECT (st->align), "mode",
      mode_names[c->mode == 3 ? 0 : c->mode]);
  g_object_set (st->align, "rate", c->mode == 3 ? c->rate_n : 0, 1,
      "tolerance", c->tolerance, "drop-incomplete", c->drop_incomplete,
      "max-interval-duration", c->max_interval, NULL);
  if (c->ref >= 0 && c->al[c->ref].num >= 0) {
    gchar *ref = g_strdup_printf ("sink_%d", c->al[c->ref].num);

    g_object_set (st->align, "reference", ref, NULL);
    g_free (ref);
  }
  for (i = 0; i < st->apads->len; i++)
    g_object_set (((APad *) g_ptr_array_index (st->apads, i))->out->sink,
        "sync", c->sync, NULL);
}

static void
stress_set_sync (Stress * st, gboolean sync)
{
  GPtrArray *sinks = stress_sinks (st);
  guint i;

  for (i = 0; i < sinks->len; i++)
    g_object_set (((Sink *) g_ptr_array_index (sinks, i))->sink, "sync", sync,
        NULL);
  g_ptr_array_free (sinks, TRUE);
}

/* ---- the run: operations drawn from the seed ---- */

typedef struct
{
  const Fixture *fx;
  guint seed, n_ops, op;
  GRand *rand;                  /* the operations */
  GRand *react;                 /* answers to SEGMENT_DONE */
  GPtrArray *history;           /* gchar*: every operation */
  gchar *cur;                   /* the operation running */
  gboolean verbose;
  Stress *st;
  GstState state;               /* PAUSED or PLAYING between operations */
  GstClockTime duration;
  guint32 seg_seqnum;           /* the segment seek in force, or 0 */
  gboolean seg_done;            /* its SEGMENT_DONE came: to answer */
  gboolean seg_finished;        /* its SEGMENT_DONE came */
  gint64 seg_start, seg_stop;
  gdouble seg_rate;
  guint seg_loops;
  guint counts[16];
  guint n_seg_done, n_eos, n_reactions, n_starved;
} Run;

enum
{
  OP_FLUSH_SEEK, OP_NONFLUSH_SEEK, OP_SEGMENT_SEEK, OP_RATE, OP_PAUSE,
  OP_PLAY, OP_READY, OP_NULL, OP_WAIT, OP_QUERY, N_OP_TYPES
};

static const gchar *op_names[N_OP_TYPES] = {
  "flush-seek", "nonflush-seek", "segment-seek", "rate", "pause", "play",
  "ready", "null", "wait", "query"
};

static const guint op_weights[N_OP_TYPES] = {
  18, 10, 10, 10, 8, 10, 6, 1, 20, 7
};

static void
G_GNUC_PRINTF (2, 3)
    G_GNUC_NORETURN
run_fail (Run * r, const gchar * fmt, ...)
{
  va_list ap;
  gchar *msg;
  guint i, from;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  from = r->history->len > 25 ? r->history->len - 25 : 0;
  g_printerr ("stress %s: the last operations (seed %u):\n", r->fx->name,
      r->seed);
  for (i = from; i < r->history->len; i++)
    g_printerr ("  %s\n", (gchar *) g_ptr_array_index (r->history, i));
  g_printerr ("stress %s: FAILED: seed %u, %s: %s\n", r->fx->name, r->seed,
      r->cur ? r->cur : "-", msg);
  fail ("stress %s: seed %u, %s: %s (replay: STRESS_SEED=%u STRESS_OPS=%u)",
      r->fx->name, r->seed, r->cur ? r->cur : "-", msg, r->seed, r->n_ops);
  abort ();
}

static void
G_GNUC_PRINTF (2, 3)
run_begin (Run * r, const gchar * fmt, ...)
{
  va_list ap;
  gchar *what, *full;

  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  full = g_strdup_printf ("op %u/%u %s", r->op, r->n_ops, what);
  g_free (r->cur);
  r->cur = full;
  g_ptr_array_add (r->history, g_strdup (full));
  if (r->verbose)
    g_print ("stress %s: %s\n", r->fx->name, full);
  {
    gchar *w = g_strdup_printf ("stress %s seed %u: %s", r->fx->name, r->seed,
        full);

    watchdog_arm (w, OP_BOUND_S);
    g_free (w);
  }
  g_free (what);
}

static void
run_end (Run * r)
{
  watchdog_disarm ();
}

static void
run_handle (Run * r, GstMessage * msg)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &dbg);
      run_fail (r, "error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (msg),
          err->message, GST_STR_NULL (dbg));
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &dbg);
      run_fail (r, "warning from %s: %s (%s)", GST_MESSAGE_SRC_NAME (msg),
          err->message, GST_STR_NULL (dbg));
      break;
    case GST_MESSAGE_SEGMENT_DONE:
      r->n_seg_done++;
      if (r->seg_seqnum && gst_message_get_seqnum (msg) == r->seg_seqnum)
        r->seg_done = r->seg_finished = TRUE;
      break;
    case GST_MESSAGE_EOS:
      r->n_eos++;
      break;
    default:
      break;
  }
}

/* handles the bus messages that arrive within @timeout */
static void
run_pump (Run * r, Stress * st, GstClockTime timeout)
{
  gint64 end = g_get_monotonic_time () + timeout / GST_USECOND;

  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    GstMessage *msg = gst_bus_timed_pop (st->bus,
        left > 0 ? left * GST_USECOND : 0);

    if (!msg)
      break;
    run_handle (r, msg);
    gst_message_unref (msg);
  }
}

static void
run_check_links (Run * r, Stress * st)
{
  g_mutex_lock (&st->lock);
  if (st->link_error) {
    gchar *e = g_strdup (st->link_error);

    g_mutex_unlock (&st->lock);
    run_fail (r, "%s", e);
  }
  g_mutex_unlock (&st->lock);
}

/* waits until @st's state change (or flushing seek) has settled at @state;
 * with @may_starve, returns FALSE when it has not after a second and the
 * segment in force has ended: a sink that rendered everything before a
 * SEGMENT_DONE cannot preroll again (basesink prerolls on a buffer, a GAP
 * or EOS, not on segment-done) until the next seek */
static gboolean
run_settle_full (Run * r, Stress * st, GstState state, gboolean may_starve)
{
  gint64 t0 = g_get_monotonic_time ();
  gint64 end = t0 + STATE_TIMEOUT / GST_USECOND;

  for (;;) {
    GstState cur = GST_STATE_VOID_PENDING, pending = GST_STATE_VOID_PENDING;
    GstStateChangeReturn ret;

    ret = gst_element_get_state (st->pipeline, &cur, &pending,
        100 * GST_MSECOND);
    run_pump (r, st, 0);
    run_check_links (r, st);
    if (ret == GST_STATE_CHANGE_FAILURE)
      run_fail (r, "state change failed (at %s, pending %s)",
          gst_element_state_get_name (cur),
          gst_element_state_get_name (pending));
    if ((ret == GST_STATE_CHANGE_SUCCESS
            || ret == GST_STATE_CHANGE_NO_PREROLL) && cur == state
        && pending == GST_STATE_VOID_PENDING)
      return TRUE;
    if (may_starve && r->seg_finished
        && g_get_monotonic_time () > t0 + G_USEC_PER_SEC)
      return FALSE;
    if (g_get_monotonic_time () > end) {
      dump_backtraces ();
      run_fail (r, "did not settle within %u s: %s, at %s, pending %s",
          (guint) (STATE_TIMEOUT / GST_SECOND),
          gst_element_state_change_return_get_name (ret),
          gst_element_state_get_name (cur),
          gst_element_state_get_name (pending));
    }
  }
}

static void
run_settle (Run * r, Stress * st, GstState state)
{
  run_settle_full (r, st, state, FALSE);
}

static void
run_set_state (Run * r, Stress * st, GstState state)
{
  if (gst_element_set_state (st->pipeline, state) == GST_STATE_CHANGE_FAILURE)
    run_fail (r, "set_state %s failed", gst_element_state_get_name (state));
  run_settle (r, st, state);
}

static gboolean
prob (Run * r, gdouble p)
{
  return g_rand_double (r->rand) < p;
}

static gint64
rand_time (Run * r, gdouble from, gdouble to)
{
  return (gint64) (g_rand_double_range (r->rand, from, to) * r->duration);
}

static gdouble
rand_rate (Run * r)
{
  static const gdouble rates[] = { 0.5, 0.75, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0 };

  if (prob (r, 0.3))
    return g_rand_double_range (r->rand, 0.5, 4.0);
  return rates[g_rand_int_range (r->rand, 0, G_N_ELEMENTS (rates))];
}

static void
run_seek (Run * r, gdouble rate, GstSeekFlags flags, GstSeekType start_type,
    gint64 start, GstSeekType stop_type, gint64 stop)
{
  GstEvent *ev = gst_event_new_seek (rate, GST_FORMAT_TIME, flags, start_type,
      start, stop_type, stop);

  r->seg_seqnum = (flags & GST_SEEK_FLAG_SEGMENT) ?
      gst_event_get_seqnum (ev) : 0;
  r->seg_done = r->seg_finished = FALSE;
  if (!gst_element_send_event (r->st->pipeline, ev))
    run_fail (r, "the seek was refused");
  if (flags & GST_SEEK_FLAG_FLUSH)
    run_settle (r, r->st, r->state);
}

static gchar *
time_str (gint64 t)
{
  if (t < 0)
    return g_strdup ("none");
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT,
      t / GST_SECOND, (t % GST_SECOND) / GST_MSECOND);
}

/* a new random configuration from the current one (in READY) */
static void
random_config (Run * r, Config * c)
{
  Stress *st = r->st;
  guint n = st->n_topics, t, auto_next = st->next_num, n_aligned = 0;
  gint aligned[MAX_TOPICS];

  if (!c->topics || !prob (r, 0.25))
    c->topics = g_rand_int_range (r->rand, 1, 1 << n);
  c->all_as_empty = c->topics == (1u << n) - 1 && prob (r, 0.5);
  for (t = 0; t < n; t++) {
    gint old = c->al[t].num;

    if (!(c->topics & (1u << t)) || !prob (r, 0.6)) {
      c->al[t].num = -1;
      continue;
    }
    if (old >= 0 && prob (r, 0.7)) {
      /* keeps its pad */
    } else if (st->next_num > 0 && prob (r, 0.4)) {
      /* a number used before: a pad kept and given another topic, or one
       * requested again by name */
      c->al[t].num = g_rand_int_range (r->rand, 0, st->next_num);
    } else {
      c->al[t].num = auto_next++;
    }
    aligned[n_aligned++] = t;
  }
  /* two topics on one number: the later one gets a new pad */
  for (t = 0; t < n; t++) {
    guint u;

    if (c->al[t].num < 0)
      continue;
    for (u = 0; u < t; u++)
      if (c->al[u].num == c->al[t].num)
        c->al[t].num = auto_next++;
  }
  for (t = 0; t < n; t++) {
    gint p = g_rand_int_range (r->rand, 0, 10);

    c->al[t].policy = p < 6 ? 0 : p < 8 ? 1 : 2;
    c->al[t].required = prob (r, 0.85);
  }
  c->mode = g_rand_int_range (r->rand, 0, 4);
  c->ref = n_aligned ? aligned[g_rand_int_range (r->rand, 0, n_aligned)] : -1;
  {
    static const guint64 tol[] = { 5, 20, 20, 50 };

    c->tolerance = tol[g_rand_int_range (r->rand, 0, 4)] * GST_MSECOND;
  }
  c->max_interval = prob (r, 0.3) ? 30 * GST_MSECOND : GST_CLOCK_TIME_NONE;
  c->rate_n = g_rand_int_range (r->rand, 2, 31);
  c->drop_incomplete = prob (r, 0.8);
  c->sync = prob (r, 0.5);
  if (!g_getenv ("STRESS_ALIGN_NO_SETS")) {
    /* a known bug (test_align_without_sets_prerolls): while bagalign drops
     * every set nothing goes out and its sinks do not preroll. Without the
     * variable only configurations where each reference buffer gives a
     * set: incomplete sets are emitted (with GAPs), no exact mode (a time
     * no other pad shares), no fixed rate (ticks without members), no
     * max-interval-duration (heads dropped unseen) */
    c->drop_incomplete = FALSE;
    if (c->mode == 2 || c->mode == 3)
      c->mode = 0;
    c->max_interval = GST_CLOCK_TIME_NONE;
  }
}

/* in READY or NULL: maybe a pad requested and released at once, maybe a
 * new configuration */
static void
run_reconfigure (Run * r)
{
  Stress *st = r->st;
  Config c = st->cfg;
  gchar *desc;

  if (prob (r, 0.3)) {
    GstPad *pad = gst_element_request_pad_simple (st->align, "sink_%u");
    gchar *name = g_strdup_printf ("sink_%u", st->next_num);

    fail_unless (pad != NULL);
    fail_unless_equals_string (GST_PAD_NAME (pad), name);
    st->next_num++;
    gst_element_release_request_pad (st->align, pad);
    gst_object_unref (pad);
    g_free (name);
  }
  if (!prob (r, 0.7))
    return;
  random_config (r, &c);
  stress_apply (st, &c);
  desc = config_describe (st->fx, &c);
  g_ptr_array_add (r->history, g_strdup_printf ("  config %s", desc));
  if (r->verbose)
    g_print ("stress %s:   config %s\n", r->fx->name, desc);
  g_free (desc);
}

static void
op_flush_seek (Run * r)
{
  gint64 start = rand_time (r, 0, 1.1), stop = -1;
  gdouble rate = prob (r, 0.6) ? 1.0 : rand_rate (r);
  GstSeekFlags flags = GST_SEEK_FLAG_FLUSH |
      (prob (r, 0.5) ? GST_SEEK_FLAG_ACCURATE : GST_SEEK_FLAG_KEY_UNIT);
  gchar *a, *b;

  if (prob (r, 0.3))
    stop = start + rand_time (r, 0.02, 0.8);
  a = time_str (start);
  b = time_str (stop);
  run_begin (r, "flush-seek %s %s..%s rate %.2f", flags &
      GST_SEEK_FLAG_ACCURATE ? "accurate" : "key-unit", a, b, rate);
  run_seek (r, rate, flags, GST_SEEK_TYPE_SET, start, GST_SEEK_TYPE_SET, stop);
  g_free (a);
  g_free (b);
}

static void
op_nonflush_seek (Run * r)
{
  gint64 start = rand_time (r, 0, 1.05), stop = -1;
  gdouble rate = prob (r, 0.7) ? 1.0 : rand_rate (r);
  gchar *a, *b;

  if (prob (r, 0.2))
    stop = start + rand_time (r, 0.02, 0.8);
  a = time_str (start);
  b = time_str (stop);
  run_begin (r, "nonflush-seek %s..%s rate %.2f", a, b, rate);
  run_seek (r, rate, prob (r, 0.5) ? GST_SEEK_FLAG_ACCURATE :
      GST_SEEK_FLAG_NONE, GST_SEEK_TYPE_SET, start, GST_SEEK_TYPE_SET, stop);
  g_free (a);
  g_free (b);
}

/* Known bug (STRESS_SPARSE_SEGMENTS=1 tests it): bagalign pushes nothing,
 * not even a GAP, while it cannot decide a set, and segment-done does not
 * end a pad as EOS does. So when a segment ends before every aligned pad
 * had a buffer in it (approximate mode), the reference pad had one
 * (reference mode) or a pad had one near a tick (rate mode, also with a
 * single pad), the sinks after bagalign never preroll: a flushing segment
 * seek in PAUSED, or a pause after it, never completes. Without the
 * variable, segment seeks while bagalign aligns cover at least 400 ms in
 * which every topic publishes. */
static gboolean
sparse_segments (void)
{
  const gchar *v = g_getenv ("STRESS_SPARSE_SEGMENTS");

  return v && *v && strcmp (v, "0");
}

static void
op_segment_seek (Run * r)
{
  gint64 start = rand_time (r, 0, 0.95);
  gint64 stop = start + rand_time (r, 0.05, 0.4);
  /* bagalign does not pass through (one pad at a fixed rate aligns too) */
  gboolean aligning = r->st->apads->len >= 2 || (r->st->apads->len == 1
      && r->st->cfg.mode == 3);
  gdouble rate = prob (r, 0.6) ? 1.0 : rand_rate (r);
  gboolean flush = r->state != GST_STATE_PLAYING || prob (r, 0.6);
  gchar *a, *b;

  if (aligning && !sparse_segments ()) {
    gint64 dense = r->fx->dense_end, len = 400 * GST_MSECOND;

    start = (gint64) (g_rand_double (r->rand) * (dense - len));
    stop = start + len + (gint64) (g_rand_double (r->rand) *
        (dense - len - start));
  }
  a = time_str (start);
  b = time_str (stop);

  run_begin (r, "segment-seek %s %s..%s rate %.2f",
      flush ? "flushing" : "non-flushing", a, b, rate);
  r->seg_start = start;
  r->seg_stop = stop;
  r->seg_rate = rate;
  r->seg_loops = 0;
  run_seek (r, rate, GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE |
      (flush ? GST_SEEK_FLAG_FLUSH : 0), GST_SEEK_TYPE_SET, start,
      GST_SEEK_TYPE_SET, stop);
  g_free (a);
  g_free (b);
}

/* paused after the segment's end: a flushing seek prerolls the sinks */
static void
run_unstarve (Run * r)
{
  gint64 start = (gint64) (g_rand_double (r->react) * r->duration);
  gchar *a = time_str (start), *line;

  line = g_strdup_printf ("  (starved after segment-done: flush-seek %s)", a);
  g_ptr_array_add (r->history, line);
  if (r->verbose)
    g_print ("stress %s: %s\n", r->fx->name, line);
  r->n_starved++;
  run_seek (r, 1.0, GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
      GST_SEEK_TYPE_SET, start, GST_SEEK_TYPE_SET, -1);
  g_free (a);
}

/* a SEGMENT_DONE arrived: loop, continue to the end, or nothing */
static void
run_react_segment_done (Run * r)
{
  gdouble p = g_rand_double (r->react);
  gchar *a, *b;

  r->seg_done = FALSE;
  if (r->state != GST_STATE_PLAYING || p < 0.2)
    return;
  r->n_reactions++;
  if (p < 0.65 && r->seg_loops < 3) {
    r->seg_loops++;
    a = time_str (r->seg_start);
    b = time_str (r->seg_stop);
    run_begin (r, "(segment-done) loop %s..%s", a, b);
    run_seek (r, r->seg_rate, GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE,
        GST_SEEK_TYPE_SET, r->seg_start, GST_SEEK_TYPE_SET, r->seg_stop);
  } else {
    a = time_str (r->seg_stop);
    b = time_str (-1);
    run_begin (r, "(segment-done) continue %s..%s", a, b);
    run_seek (r, r->seg_rate, GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
        r->seg_stop, GST_SEEK_TYPE_SET, -1);
  }
  run_end (r);
  g_free (a);
  g_free (b);
}

static void
op_rate (Run * r)
{
  gdouble rate = rand_rate (r);
  gboolean flush = r->state != GST_STATE_PLAYING || prob (r, 0.5);
  gboolean keep_start = prob (r, 0.3);
  gint64 pos = -1;

  if (!keep_start && (!gst_element_query_position (r->st->pipeline,
              GST_FORMAT_TIME, &pos) || pos < 0))
    pos = 0;
  run_begin (r, "rate %.2f %s from %s", rate, flush ? "flushing" :
      "non-flushing", keep_start ? "(start NONE)" : "the position");
  run_seek (r, rate, (flush ? GST_SEEK_FLAG_FLUSH : 0) |
      GST_SEEK_FLAG_ACCURATE, keep_start ? GST_SEEK_TYPE_NONE :
      GST_SEEK_TYPE_SET, keep_start ? -1 : pos, keep_start ?
      GST_SEEK_TYPE_NONE : GST_SEEK_TYPE_SET, -1);
}

static void
op_ready (Run * r, GstState low)
{
  GstState back = prob (r, 0.5) ? GST_STATE_PAUSED : GST_STATE_PLAYING;

  run_begin (r, "%s and back to %s", gst_element_state_get_name (low),
      gst_element_state_get_name (back));
  run_set_state (r, r->st, low);
  run_pump (r, r->st, 0);
  r->seg_seqnum = 0;
  r->seg_done = r->seg_finished = FALSE;
  run_reconfigure (r);
  r->state = back;
  run_set_state (r, r->st, back);
}

static void
op_query (Run * r)
{
  gint64 pos = -1, dur = -1;
  gboolean have_pos, have_dur;
  GstQuery *q;

  run_begin (r, "query");
  have_pos = gst_element_query_position (r->st->pipeline, GST_FORMAT_TIME,
      &pos);
  have_dur = gst_element_query_duration (r->st->pipeline, GST_FORMAT_TIME,
      &dur);
  if (have_dur && dur != (gint64) r->duration)
    run_fail (r, "duration %" G_GINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
        dur, r->duration);
  q = gst_query_new_seeking (GST_FORMAT_TIME);
  if (gst_element_query (r->st->pipeline, q)) {
    gboolean seekable;

    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
    if (!seekable)
      run_fail (r, "not seekable");
  }
  gst_query_unref (q);
  if (r->verbose)
    g_print ("stress %s:   position %s%" G_GINT64_FORMAT " duration %s\n",
        r->fx->name, have_pos ? "" : "(none) ", pos, have_dur ? "ok" : "none");
}

/* Known bug (STRESS_ALIGN_PAUSE=1 tests it): with two or more bagalign
 * pads, PLAYING -> PAUSED may never complete. Each pad's own streaming
 * thread pushes that pad's outputs; when one of them blocks in its sink's
 * preroll, the next set, which the other sinks need to preroll (they had
 * rendered everything before the pause), needs that pad's input, which its
 * blocked thread cannot bring. Without the variable there are no pauses
 * while bagalign aligns (flushing seeks in PAUSED are fine: after a flush
 * the first set prerolls every sink at once). */
static gboolean
align_pause (void)
{
  const gchar *v = g_getenv ("STRESS_ALIGN_PAUSE");

  return v && *v && strcmp (v, "0");
}

static guint
draw_op (Run * r)
{
  guint total = 0, i, x;

  for (i = 0; i < N_OP_TYPES; i++)
    total += op_weights[i];
  for (;;) {
    x = g_rand_int_range (r->rand, 0, total);
    for (i = 0; x >= op_weights[i]; i++)
      x -= op_weights[i];
    if (r->state == GST_STATE_PAUSED && (i == OP_NONFLUSH_SEEK
            || i == OP_PAUSE))
      continue;
    if (r->state == GST_STATE_PLAYING && i == OP_PLAY)
      continue;
    if (i == OP_PAUSE && r->st->apads->len >= 2 && !align_pause ())
      continue;
    return i;
  }
}

static void
run_op (Run * r)
{
  guint op = draw_op (r);

  r->counts[op]++;
  switch (op) {
    case OP_FLUSH_SEEK:
      op_flush_seek (r);
      break;
    case OP_NONFLUSH_SEEK:
      op_nonflush_seek (r);
      break;
    case OP_SEGMENT_SEEK:
      op_segment_seek (r);
      break;
    case OP_RATE:
      op_rate (r);
      break;
    case OP_PAUSE:
      run_begin (r, "pause");
      r->state = GST_STATE_PAUSED;
      if (gst_element_set_state (r->st->pipeline, GST_STATE_PAUSED) ==
          GST_STATE_CHANGE_FAILURE)
        run_fail (r, "set_state PAUSED failed");
      if (!run_settle_full (r, r->st, GST_STATE_PAUSED, TRUE))
        run_unstarve (r);
      break;
    case OP_PLAY:
      run_begin (r, "play");
      r->state = GST_STATE_PLAYING;
      run_set_state (r, r->st, GST_STATE_PLAYING);
      break;
    case OP_READY:
      op_ready (r, GST_STATE_READY);
      break;
    case OP_NULL:
      op_ready (r, GST_STATE_NULL);
      break;
    case OP_WAIT:{
      guint ms = g_rand_int_range (r->rand, 0, 80);

      run_begin (r, "wait %u ms", ms);
      run_pump (r, r->st, ms * GST_MSECOND);
      break;
    }
    case OP_QUERY:
      op_query (r);
      break;
    default:
      g_assert_not_reached ();
  }
  run_end (r);
  run_pump (r, r->st, 0);
  if (r->seg_done)
    run_react_segment_done (r);
}

/* the final seek on @st (in PLAYING or PAUSED), then until every sink had
 * EOS */
static void
run_final (Run * r, Stress * st, gboolean from_paused, gdouble rate,
    gint64 start, gint64 stop)
{
  GstEvent *ev = gst_event_new_seek (rate, GST_FORMAT_TIME,
      GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, start,
      GST_SEEK_TYPE_SET, stop);
  GPtrArray *sinks = stress_sinks (st);
  gint64 end;
  guint i;

  stress_set_sync (st, FALSE);
  run_pump (r, st, 0);
  r->seg_done = FALSE;
  g_mutex_lock (&st->lock);
  st->final_seqnum = gst_event_get_seqnum (ev);
  for (i = 0; i < sinks->len; i++) {
    Sink *s = g_ptr_array_index (sinks, i);

    s->armed = s->eos = FALSE;
    g_array_set_size (s->recs, 0);
  }
  g_mutex_unlock (&st->lock);
  if (!gst_element_send_event (st->pipeline, ev))
    run_fail (r, "the final seek was refused");
  run_settle (r, st, from_paused ? GST_STATE_PAUSED : GST_STATE_PLAYING);
  if (from_paused)
    run_set_state (r, st, GST_STATE_PLAYING);
  end = g_get_monotonic_time () + EOS_BOUND_S * G_USEC_PER_SEC;
  for (;;) {
    gboolean all = TRUE;

    g_mutex_lock (&st->lock);
    for (i = 0; i < sinks->len; i++) {
      Sink *s = g_ptr_array_index (sinks, i);

      all &= s->armed && s->eos;
    }
    g_mutex_unlock (&st->lock);
    if (all)
      break;
    if (g_get_monotonic_time () > end) {
      GString *s = g_string_new (NULL);

      for (i = 0; i < sinks->len; i++) {
        Sink *k = g_ptr_array_index (sinks, i);

        g_string_append_printf (s, " [%s: %s%s, %u buffers]", k->key,
            k->armed ? "flushed" : "no flush", k->eos ? ", EOS" : "",
            k->recs->len);
      }
      dump_backtraces ();
      run_fail (r, "no EOS on every sink within %d s:%s", EOS_BOUND_S, s->str);
    }
    run_pump (r, st, 20 * GST_MSECOND);
  }
  g_ptr_array_free (sinks, TRUE);
}

static Sink *
find_sink (Stress * st, const gchar * key)
{
  GPtrArray *sinks = stress_sinks (st);
  Sink *found = NULL;
  guint i;

  for (i = 0; i < sinks->len; i++)
    if (!strcmp (((Sink *) g_ptr_array_index (sinks, i))->key, key))
      found = g_ptr_array_index (sinks, i);
  g_ptr_array_free (sinks, TRUE);
  return found;
}

static guint
compare_runs (Run * r, Stress * a, Stress * b)
{
  GPtrArray *sinks = stress_sinks (a);
  guint i, j, total = 0;

  fail_unless_equals_int (sinks->len, stress_sinks_count (b));
  for (i = 0; i < sinks->len; i++) {
    Sink *x = g_ptr_array_index (sinks, i);
    Sink *y = find_sink (b, x->key);

    if (!y)
      run_fail (r, "the fresh pipeline has no sink for %s", x->key);
    for (j = 0; j < MIN (x->recs->len, y->recs->len); j++) {
      Rec *p = &g_array_index (x->recs, Rec, j);
      Rec *q = &g_array_index (y->recs, Rec, j);

      if (p->pts != q->pts || p->size != q->size || p->hash != q->hash)
        run_fail (r, "%s: buffer %u differs: pts %" GST_TIME_FORMAT
            " size %" G_GSIZE_FORMAT " after the stress, pts %"
            GST_TIME_FORMAT " size %" G_GSIZE_FORMAT " fresh%s", x->key, j,
            GST_TIME_ARGS (p->pts), p->size, GST_TIME_ARGS (q->pts), q->size,
            p->pts == q->pts && p->size == q->size ? " (other bytes)" : "");
    }
    if (x->recs->len != y->recs->len)
      run_fail (r, "%s: %u buffers after the stress, %u fresh (the first %u "
          "equal)", x->key, x->recs->len, y->recs->len,
          MIN (x->recs->len, y->recs->len));
    total += x->recs->len;
  }
  g_ptr_array_free (sinks, TRUE);
  return total;
}

static guint
env_uint (const gchar * name, guint def)
{
  const gchar *v = g_getenv (name);

  return v && *v ? (guint) g_ascii_strtoull (v, NULL, 0) : def;
}

static void
stress_fixture (const Fixture * fx)
{
  Run run = { 0 }, *r = &run;
  Stress *fresh;
  Config c;
  gint64 start, stop = -1;
  gdouble rate;
  gint64 t0 = g_get_monotonic_time ();
  guint i, n_bufs;
  gchar *desc, *a, *b;
  GString *counts = g_string_new (NULL);

  r->fx = fx;
  /* a fixed seed by default: the suite must not pass or fail by chance
   * (tests/bench/run-stress.sh runs random ones); STRESS_SEED=random for
   * one here */
  if (g_strcmp0 (g_getenv ("STRESS_SEED"), "random") == 0)
    r->seed = g_random_int ();
  else if (g_getenv ("STRESS_SEED") && *g_getenv ("STRESS_SEED"))
    r->seed = env_uint ("STRESS_SEED", 0);
  else
    r->seed = DEFAULT_SEED;
  r->n_ops = env_uint ("STRESS_OPS", DEFAULT_OPS);
  r->verbose = env_uint ("STRESS_VERBOSE", 0) != 0;
  /* the cases draw different operations from one seed */
  r->rand = g_rand_new_with_seed (r->seed ^ g_str_hash (fx->name));
  r->react = g_rand_new_with_seed (r->seed ^ g_str_hash (fx->name) ^ 0x5eed);
  r->history = g_ptr_array_new_with_free_func (g_free);
  g_print ("stress %s: seed %u, %u operations (STRESS_SEED=%u STRESS_OPS=%u "
      "to replay)\n", fx->name, r->seed, r->n_ops, r->seed, r->n_ops);
  watchdog_start ();

  r->st = stress_new (fx);
  c = r->st->cfg;
  random_config (r, &c);
  stress_apply (r->st, &c);
  desc = config_describe (fx, &c);
  g_ptr_array_add (r->history, g_strdup_printf ("  config %s", desc));
  if (r->verbose)
    g_print ("stress %s:   config %s\n", fx->name, desc);
  g_free (desc);

  r->op = 0;
  run_begin (r, "start (PAUSED)");
  r->state = GST_STATE_PAUSED;
  run_set_state (r, r->st, GST_STATE_PAUSED);
  {
    gint64 dur;

    if (!gst_element_query_duration (r->st->pipeline, GST_FORMAT_TIME, &dur)
        || dur <= 0)
      run_fail (r, "no duration");
    r->duration = dur;
  }
  run_end (r);

  for (r->op = 1; r->op <= r->n_ops; r->op++)
    run_op (r);

  /* the final seek, from PLAYING */
  r->op = r->n_ops + 1;
  start = rand_time (r, 0, 0.9);
  rate = prob (r, 0.5) ? 1.0 : rand_rate (r);
  if (prob (r, 0.3))
    stop = start + rand_time (r, 0.05, 0.6);
  a = time_str (start);
  b = time_str (stop);
  run_begin (r, "final: play, flush-seek accurate %s..%s rate %.2f to EOS",
      a, b, rate);
  if (r->state != GST_STATE_PLAYING) {
    r->state = GST_STATE_PLAYING;
    run_set_state (r, r->st, GST_STATE_PLAYING);
  }
  run_final (r, r->st, FALSE, rate, start, stop);
  run_end (r);

  /* the same from a fresh pipeline, from PAUSED */
  run_begin (r, "fresh pipeline: paused, flush-seek accurate %s..%s rate %.2f "
      "to EOS", a, b, rate);
  fresh = stress_new (fx);
  c = r->st->cfg;
  stress_apply (fresh, &c);
  run_set_state (r, fresh, GST_STATE_PAUSED);
  run_final (r, fresh, TRUE, rate, start, stop);
  run_end (r);

  n_bufs = compare_runs (r, r->st, fresh);
  for (i = 0; i < N_OP_TYPES; i++)
    g_string_append_printf (counts, "%s%s %u", i ? ", " : "", op_names[i],
        r->counts[i]);
  desc = config_describe (fx, &r->st->cfg);
  g_print ("stress %s: seed %u: %u operations (%s; %u SEGMENT_DONE, %u "
      "answered, %u pauses starved after one, %u EOS) in %.1f s; after the "
      "final seek %u buffers equal to a fresh pipeline's (%s)\n", fx->name,
      r->seed, r->n_ops, counts->str, r->n_seg_done, r->n_reactions,
      r->n_starved, r->n_eos,
      (g_get_monotonic_time () - t0) / 1e6, n_bufs, desc);
  g_free (desc);
  g_string_free (counts, TRUE);
  g_free (a);
  g_free (b);

  watchdog_arm ("teardown", OP_BOUND_S);
  stress_free (fresh);
  stress_free (r->st);
  watchdog_disarm ();
  watchdog_stop ();
  g_rand_free (r->rand);
  g_rand_free (r->react);
  g_ptr_array_free (r->history, TRUE);
  g_free (r->cur);
}

GST_START_TEST (test_stress_bag)
{
  stress_fixture (&fixture_bag);
}

GST_END_TEST;

GST_START_TEST (test_stress_mcap)
{
  stress_fixture (&fixture_mcap);
}

GST_END_TEST;

/* ---- what the stress found, one case each ---- */

static GstElement *
launch (const gchar * desc)
{
  GError *err = NULL;
  gchar *full = g_strdup_printf (desc, TEST_FILES_DIR);
  GstElement *p = gst_parse_launch (full, &err);

  fail_unless (p != NULL && err == NULL, "%s: %s", full,
      err ? err->message : "?");
  g_free (full);
  return p;
}

/* the state change settles within @seconds (errors fail) */
static gboolean
settles (GstElement * p, GstState state, gint seconds)
{
  GstBus *bus = gst_element_get_bus (p);
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  gboolean ok = FALSE;

  while (g_get_monotonic_time () < end) {
    GstState cur, pending;
    GstMessage *msg;

    if (gst_element_get_state (p, &cur, &pending, 50 * GST_MSECOND) ==
        GST_STATE_CHANGE_SUCCESS && cur == state) {
      ok = TRUE;
      break;
    }
    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      fail ("error: %s", err->message);
    }
  }
  gst_object_unref (bus);
  return ok;
}

typedef struct
{
  GMutex lock;
  guint32 seqnum;               /* record after this flush-stop */
  gboolean armed;
  GstSegment segment;
  GstClockTime first_pts;
} FirstAfter;

static GstPadProbeReturn
first_after_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  FirstAfter *f = data;

  g_mutex_lock (&f->lock);
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_FLUSH_STOP && f->seqnum &&
        gst_event_get_seqnum (ev) == f->seqnum)
      f->armed = TRUE;
    else if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT && f->armed)
      gst_event_copy_segment (ev, &f->segment);
  } else if (f->armed && !GST_CLOCK_TIME_IS_VALID (f->first_pts)) {
    GstBuffer *b = (info->type & GST_PAD_PROBE_TYPE_BUFFER) ?
        GST_PAD_PROBE_INFO_BUFFER (info) :
        gst_buffer_list_get (GST_PAD_PROBE_INFO_BUFFER_LIST (info), 0);

    f->first_pts = GST_BUFFER_PTS (b);
  }
  g_mutex_unlock (&f->lock);
  return GST_PAD_PROBE_OK;
}

/* A flushing seek that keeps the start (GST_SEEK_TYPE_NONE: a rate change)
 * goes on from the position with a segment whose offset is 0. Before the
 * fix bagdemux read from the segment's start while gst_segment_do_seek had
 * put the position into the offset: every buffer before the position had
 * no running time (bagalign dropped them, a PAUSED pipeline with bagalign
 * never prerolled). */
GST_START_TEST (test_rate_change_keeps_position)
{
  GstElement *p = launch ("bagsrc location=%s/sample.bag topics=/imu ! "
      "fakesink name=sink sync=false");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  FirstAfter f = { 0 };
  GstEvent *ev;
  GstClockTime rt;

  g_mutex_init (&f.lock);
  f.first_pts = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, first_after_probe, &f, NULL);
  gst_element_set_state (p, GST_STATE_PAUSED);
  fail_unless (settles (p, GST_STATE_PAUSED, 10));
  fail_unless (gst_element_seek (p, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
          GST_SECOND, GST_SEEK_TYPE_SET, -1));
  fail_unless (settles (p, GST_STATE_PAUSED, 10));

  ev = gst_event_new_seek (2.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH |
      GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_NONE, -1, GST_SEEK_TYPE_NONE, -1);
  g_mutex_lock (&f.lock);
  f.seqnum = gst_event_get_seqnum (ev);
  g_mutex_unlock (&f.lock);
  fail_unless (gst_element_send_event (p, ev));
  fail_unless (settles (p, GST_STATE_PAUSED, 10),
      "the rate change did not preroll");

  g_mutex_lock (&f.lock);
  fail_unless (f.armed);
  fail_unless (GST_CLOCK_TIME_IS_VALID (f.first_pts));
  fail_unless_equals_uint64 (f.segment.offset, 0);
  fail_unless (f.segment.rate == 2.0);
  fail_unless (f.segment.start >= GST_SECOND, "went back to %"
      GST_TIME_FORMAT, GST_TIME_ARGS (f.segment.start));
  fail_unless (f.first_pts >= f.segment.start);
  rt = gst_segment_to_running_time (&f.segment, GST_FORMAT_TIME, f.first_pts);
  fail_unless (GST_CLOCK_TIME_IS_VALID (rt), "first buffer %" GST_TIME_FORMAT
      " has no running time in %" GST_SEGMENT_FORMAT,
      GST_TIME_ARGS (f.first_pts), &f.segment);
  g_mutex_unlock (&f.lock);

  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_mutex_clear (&f.lock);
}

GST_END_TEST;

/* A segment in which a topic has no message: segment-done does not preroll
 * a sink, the GAP bagdemux sends up to the stop does. /chatter publishes at
 * 0 and 200 ms: nothing in [30 ms, 190 ms). */
GST_START_TEST (test_segment_without_messages_prerolls)
{
  GstElement *p = launch ("bagsrc name=s location=%s/mcap/zstd.mcap "
      "topics=/tf,/chatter s.tf ! fakesink sync=false "
      "s.chatter ! fakesink sync=false");

  gst_element_set_state (p, GST_STATE_PAUSED);
  fail_unless (settles (p, GST_STATE_PAUSED, 10));
  fail_unless (gst_element_seek (p, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE,
          GST_SEEK_TYPE_SET, 30 * GST_MSECOND, GST_SEEK_TYPE_SET,
          190 * GST_MSECOND));
  fail_unless (settles (p, GST_STATE_PAUSED, 10),
      "a sink without a message in the segment did not preroll");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

/* A known bug (STRESS_ALIGN_NO_SETS=1 runs it): while no set comes out
 * (a dropped set, a rate tick without members) bagalign pushes nothing, so
 * its sinks cannot preroll while another branch's queue fills, and the
 * pipeline never reaches PAUSED (mode=exact: /imu and /joint_states never
 * share a time; rate=2/1 tolerance=1 ms: no camera frame near a tick). A
 * GAP on every pad at such a set fixed it but, pushed from the pad's own
 * thread into a sink that blocks in preroll, hung bagalign's slow-topic
 * cases one run in four (test_slow_topic_at_the_end): it waits for a push
 * task per src pad. */
GST_START_TEST (test_align_without_sets_prerolls)
{
  const gchar *aligns[] = {
    "bagalign name=a mode=exact "
        "s.imu ! a.sink_0 a.src_0 ! fakesink sync=false "
        "s.joint_states ! a.sink_1 a.src_1 ! fakesink sync=false",
    "bagalign name=a rate=2/1 tolerance=1000000 "
        "s.imu ! a.sink_0 a.src_0 ! fakesink sync=false",
  };
  guint i;

  if (!g_getenv ("STRESS_ALIGN_NO_SETS")) {
    g_print ("SKIP: test_align_without_sets_prerolls (a known bug: "
        "STRESS_ALIGN_NO_SETS=1 runs it)\n");
    return;
  }

  for (i = 0; i < G_N_ELEMENTS (aligns); i++) {
    gchar *desc = g_strdup_printf ("bagsrc name=s location=%%s/sample.bag "
        "topics=/cam0/image_raw,/imu,/joint_states "
        "s.cam0_image_raw ! fakesink sync=false %s%s", aligns[i],
        i == 1 ? " s.joint_states ! fakesink sync=false" : "");
    GstElement *p = launch (desc);
    GstBus *bus = gst_element_get_bus (p);
    GstMessage *msg;

    gst_element_set_state (p, GST_STATE_PAUSED);
    fail_unless (settles (p, GST_STATE_PAUSED, 10), "no preroll: %s",
        aligns[i]);
    gst_element_set_state (p, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "no EOS: %s",
        aligns[i]);
    gst_message_unref (msg);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (p);
    g_free (desc);
  }
}

GST_END_TEST;

/* Known bug, run with STRESS_ALIGN_PAUSE=1 (see align_pause ()): pausing
 * a playing pipeline with two bagalign pads, at random moments, 200 times */
GST_START_TEST (test_known_align_pause)
{
  guint i, hung = 0;

  if (!align_pause ()) {
    g_print ("SKIP: test_known_align_pause (a known bug: STRESS_ALIGN_PAUSE=1 "
        "runs it)\n");
    return;
  }
  for (i = 0; i < 200 && !hung; i++) {
    GstElement *p = launch ("bagsrc name=s location=%s/sample.bag "
        "topics=/imu,/joint_states bagalign name=a "
        "s.imu ! a.sink_0 a.src_0 ! fakesink sync=false "
        "s.joint_states ! a.sink_1 a.src_1 ! fakesink sync=false");
    GstBus *bus = gst_element_get_bus (p);
    GstMessage *eos;

    gst_element_set_state (p, GST_STATE_PLAYING);
    fail_unless (settles (p, GST_STATE_PLAYING, 10));
    g_usleep (500 * (i % 20));
    gst_element_set_state (p, GST_STATE_PAUSED);
    if (!settles (p, GST_STATE_PAUSED, 5)) {
      /* at EOS every sink is prerolled: this is the bug */
      eos = gst_bus_pop_filtered (bus, GST_MESSAGE_EOS);
      if (!eos) {
        hung = i + 1;
        dump_backtraces ();
      } else
        gst_message_unref (eos);
    }
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (p);
  }
  fail_if (hung, "pause %u of 200 never completed", hung);
}

GST_END_TEST;

/* Known bug, run with STRESS_SPARSE_SEGMENTS=1 (see sparse_segments ()):
 * a segment in which bagalign's reference pad has no buffer: nothing comes
 * out of bagalign, not even a GAP, and its sinks never preroll */
GST_START_TEST (test_known_sparse_segment)
{
  GstElement *p;

  if (!sparse_segments ()) {
    g_print ("SKIP: test_known_sparse_segment (a known bug: "
        "STRESS_SPARSE_SEGMENTS=1 runs it)\n");
    return;
  }
  p = launch ("bagsrc name=s location=%s/mcap/zstd.mcap "
      "topics=/tf,/chatter bagalign name=a "
      "s.chatter ! a.sink_0 a.src_0 ! fakesink sync=false "
      "s.tf ! a.sink_1 a.src_1 ! fakesink sync=false");
  gst_element_set_state (p, GST_STATE_PAUSED);
  fail_unless (settles (p, GST_STATE_PAUSED, 10));
  fail_unless (gst_element_seek (p, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE,
          GST_SEEK_TYPE_SET, 30 * GST_MSECOND, GST_SEEK_TYPE_SET,
          190 * GST_MSECOND));
  fail_unless (settles (p, GST_STATE_PAUSED, 10),
      "bagalign's sinks did not preroll in a segment without a reference "
      "buffer");
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

GST_END_TEST;

static Suite *
stress_suite (void)
{
  Suite *s = suite_create ("stress");
  TCase *tc = tcase_create ("general");
  guint ops = env_uint ("STRESS_OPS", DEFAULT_OPS);

  /* the watchdog fires first: this is only a backstop */
  tcase_set_timeout (tc, 120 + ops);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_stress_bag);
  tcase_add_test (tc, test_stress_mcap);
  tcase_add_test (tc, test_rate_change_keeps_position);
  tcase_add_test (tc, test_segment_without_messages_prerolls);
  tcase_add_test (tc, test_align_without_sets_prerolls);
  tcase_add_test (tc, test_known_align_pause);
  tcase_add_test (tc, test_known_sparse_segment);
  return s;
}

GST_CHECK_MAIN (stress);
