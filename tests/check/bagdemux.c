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

/* bagdemux: pads, caps, stream collection, payload bytes against
 * python3-rosbag (tests/files/rosbag-ref.py) in pull and push mode,
 * timestamps, filters, seeks, queries, GAP events, EOS and every error
 * path; MCAP fixtures against @mcap/core in both modes. Pipelines end in one fakesink per pad; what reaches each sink is
 * recorded by bagcapture.c. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/base/gsttypefindhelper.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include "rosbag-test-util.h"
#include "bagcapture.h"

#define FIX(name) TEST_FILES_DIR "/" name

typedef enum
{
  PULL,
  PUSH
} Mode;

static Capture *
demux_run (const gchar * path, Mode mode, const gchar * props)
{
  gchar *desc;
  Capture *cap;

  if (mode == PULL)
    desc = g_strdup_printf ("filesrc location=\"%s\" ! bagdemux name=d %s",
        path, props ? props : "");
  else
    desc = g_strdup_printf ("filesrc location=\"%s\" blocksize=4093 ! queue ! "
        "bagdemux name=d %s", path, props ? props : "");
  cap = capture_new (desc);
  g_free (desc);
  fail_unless (capture_run (cap, FALSE), "%s timed out", path);
  return cap;
}

static guint64
ref_start_ns (const gchar * path)
{
  RefInfo *info = cref_info (path);
  guint64 s = info->start_ns;

  ref_info_free (info);
  return s;
}

/* a minus b, as multisets */
static GPtrArray *
multiset_minus (GPtrArray * a, GPtrArray * b)
{
  GHashTable *count = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < b->len; i++) {
    gpointer k = g_ptr_array_index (b, i);

    g_hash_table_insert (count, k, GUINT_TO_POINTER (GPOINTER_TO_UINT
            (g_hash_table_lookup (count, k)) + 1));
  }
  for (i = 0; i < a->len; i++) {
    gchar *k = g_ptr_array_index (a, i);
    guint n = GPOINTER_TO_UINT (g_hash_table_lookup (count, k));

    if (n > 0)
      g_hash_table_insert (count, k, GUINT_TO_POINTER (n - 1));
    else
      g_ptr_array_add (res, g_strdup (k));
  }
  g_hash_table_unref (count);
  return res;
}

/* Unindexed or cut bags: python3-rosbag (after its reindex) may recover
 * fewer messages than we do; every one of its messages must be ours, and
 * our extras must be complete messages at the end (later than python's
 * last), never garbage (they must be in @full when that is known). */
static void
assert_recovered (GPtrArray * ours, GPtrArray * ref, GPtrArray * full,
    const gchar * what)
{
  GPtrArray *extra;
  guint64 last = 0;
  guint i;

  assert_contains (ours, ref, TRUE, what);
  extra = multiset_minus (ours, ref);
  for (i = 0; i < ref->len; i++)
    last = MAX (last, line_time (g_ptr_array_index (ref, i)));
  for (i = 0; i < extra->len; i++)
    fail_unless (line_time (g_ptr_array_index (extra, i)) >= last,
        "%s: extra message %s is not at the end (python's last %"
        G_GUINT64_FORMAT ")", what, (gchar *) g_ptr_array_index (extra, i),
        last);
  if (full)
    assert_contains (full, ours, TRUE, what);
  if (extra->len)
    GST_INFO ("%s: %u messages more than python3-rosbag", what, extra->len);
  g_ptr_array_free (extra, TRUE);
}

/* Every pad: stream-start, caps, tags and segment (sticky events reach the
 * peer in their type order: segment before tags when the pad was linked
 * after they were sent), buffers/gaps, one EOS */
static void
assert_pad_events (Capture * cap, const gchar * what)
{
  GRegex *re = g_regex_new ("^SC(TG|GT)[bg]*E$", 0, 0, NULL);
  guint i;

  fail_unless (cap->pads->len > 0, "%s: no pads", what);
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    fail_unless (g_regex_match (re, p->events->str, 0, NULL),
        "%s: pad %s got events %s", what, p->name, p->events->str);
    fail_unless_equals_int (p->n_eos, 1);
    fail_unless (p->topic != NULL, "%s: pad %s has no topic tag", what,
        p->name);
  }
  g_regex_unref (re);
}

/* PTS = receive time - @base, and exactly one receive-time meta */
static void
assert_receive_pts (Capture * cap, guint64 base, const gchar * what)
{
  guint i, j;

  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    for (j = 0; j < p->bufs->len; j++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

      fail_unless_equals_int (b->n_recv, 1);
      fail_unless (b->recv != NO_TIME);
      if (b->pts != (b->recv >= base ? b->recv - base : 0))
        fail ("%s: %s buffer %u: PTS %" G_GUINT64_FORMAT ", receive time %"
            G_GUINT64_FORMAT ", base %" G_GUINT64_FORMAT, what, p->name, j,
            b->pts, b->recv, base);
    }
  }
}

static gchar *
expected_pad_name (const gchar * topic)
{
  GString *s = g_string_new (NULL);
  const gchar *p = topic[0] == '/' ? topic + 1 : topic;

  for (; *p; p = g_utf8_next_char (p)) {
    if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
      g_string_append_c (s, *p);
    else
      g_string_append_c (s, '_');
  }
  return g_string_free (s, FALSE);
}

/* One pad per topic of python's info, named by the rule (collisions aside),
 * x-rosmsg caps with python's type and md5sum */
static void
assert_pads_match_info (Capture * cap, const gchar * path, gboolean raw)
{
  RefInfo *info = cref_info (path);
  guint i;

  fail_unless_equals_int (cap->pads->len, info->topics->len);
  for (i = 0; i < info->topics->len; i++) {
    RefTopic *t = g_ptr_array_index (info->topics, i);
    CapPad *p = capture_find_topic (cap, t->topic);
    gchar *name;
    GstStructure *st;

    fail_unless (p != NULL, "%s: no pad for %s", path, t->topic);
    name = expected_pad_name (t->topic);
    fail_unless (g_str_has_prefix (p->name, name), "%s: pad %s for %s", path,
        p->name, t->topic);
    g_free (name);
    fail_unless_equals_string (p->type, t->type);
    fail_unless (p->caps->len >= 1);
    st = gst_caps_get_structure (g_ptr_array_index (p->caps, 0), 0);
    if (raw || !g_str_has_prefix (t->type, "sensor_msgs/")) {
      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-rosmsg");
      fail_unless_equals_string (gst_structure_get_string (st, "type"),
          t->type);
      fail_unless_equals_string (gst_structure_get_string (st, "md5sum"),
          t->md5sum);
      fail_unless_equals_string (gst_structure_get_string (st, "topic"),
          t->topic);
      fail_unless (gst_structure_get_string (st, "definition") != NULL);
    }
  }
  ref_info_free (info);
}

static const gchar *fixture_bags[] = {
  "basic-none.bag", "basic-bz2.bag", "basic-lz4.bag", "multiconn.bag",
  "overlap.bag", "sample.bag", "images.bag", "names.bag", "rosmsg-types.bag",
  NULL
};

/* Pull mode, raw: every fixture's bytes equal python3-rosbag's raw reads,
 * in time order */
GST_START_TEST (test_pull_fixtures)
{
  guint i;

  for (i = 0; fixture_bags[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, fixture_bags[i], NULL);
    Capture *cap = demux_run (path, PULL, "raw=true");
    GPtrArray *ours, *ref;

    fail_if (cap->error, "%s: %s", path, cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    fail_unless_equals_int (cap->warnings->len, 0);
    assert_pad_events (cap, path);
    assert_pads_match_info (cap, path, TRUE);
    assert_receive_pts (cap, ref_start_ns (path), path);
    ours = capture_lines (cap);
    ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    fail_unless (ref->len > 0);
    assert_same_stream (ours, ref, path);
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

/* Push mode (filesrc ! queue ! bagdemux, 4093-byte buffers): file order, so
 * compared as multisets; per topic still in python's order */
GST_START_TEST (test_push_fixtures)
{
  guint i;

  for (i = 0; fixture_bags[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, fixture_bags[i], NULL);
    Capture *cap = demux_run (path, PUSH, "raw=true");
    GPtrArray *ours, *ref;
    guint64 base;

    fail_if (cap->error, "%s: %s", path, cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    fail_unless_equals_int (cap->warnings->len, 0);
    assert_pad_events (cap, path);
    assert_pads_match_info (cap, path, TRUE);
    /* push mode: the base is the first message in file order */
    fail_unless (cap->order->len > 0);
    base = g_array_index (((CapPad *) g_ptr_array_index (cap->order,
                0))->bufs, CapBuf, g_array_index (cap->order_idx, guint,
            0)).recv;
    assert_receive_pts (cap, base, path);
    ours = capture_lines (cap);
    ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    assert_same_multiset (ours, ref, path);
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

static void
harness_pad_added (GstElement * el, GstPad * pad, Capture * cap)
{
  capture_attach_pad (cap, pad);
}

/* A GstHarness around bagdemux (raw=true) that got @path in pieces of 1,
 * 2, ... 97 bytes, then EOS; its pads recorded by @cap */
static GstHarness *
push_in_pieces (const gchar * path, const gchar * caps, Capture * cap)
{
  GstHarness *h = gst_harness_new_with_padnames ("bagdemux", "sink", NULL);
  gchar *data;
  gsize len, off = 0, piece = 1;

  g_object_set (h->element, "raw", TRUE, NULL);
  g_signal_connect (h->element, "pad-added",
      G_CALLBACK (harness_pad_added), cap);
  gst_harness_set_src_caps_str (h, caps);
  fail_unless (g_file_get_contents (path, &data, &len, NULL));
  while (off < len) {
    gsize n = MIN (piece, len - off);

    fail_unless_equals_int (gst_harness_push (h,
            gst_buffer_new_memdup (data + off, n)), GST_FLOW_OK);
    off += n;
    piece = piece % 97 + 1;
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  g_free (data);
  return h;
}

/* GstHarness pushing the bag in pieces of 1, 2, ... 97 bytes */
GST_START_TEST (test_push_harness_pieces)
{
  const gchar *bags[] = { "sample.bag", "basic-bz2.bag", "multiconn.bag",
    NULL
  };
  guint i;

  for (i = 0; bags[i]; i++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, bags[i], NULL);
    Capture *cap = capture_new_bare ();
    GstHarness *h = push_in_pieces (path, "application/x-rosbag", cap);
    GPtrArray *ours, *ref;
    guint k;

    assert_pad_events (cap, path);
    for (k = 0; k < cap->pads->len; k++) {
      CapPad *p = g_ptr_array_index (cap->pads, k);
      GstStructure *st = gst_caps_get_structure (g_ptr_array_index (p->caps,
              0), 0);

      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-rosmsg");
    }
    ours = capture_lines (cap);
    ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    assert_same_multiset (ours, ref, path);
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (ref, TRUE);
    gst_harness_teardown (h);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

/* Real bags under 200 KB in pull mode (bagsrc's test takes the larger
 * ones); where python3-rosbag cannot read a file we must post an error */
GST_START_TEST (test_pull_realbags)
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
    GStatBuf st;
    const gchar *args[] = { "messages", path, NULL };
    gboolean ok;
    gchar *out;
    Capture *cap;
    GPtrArray *ours, *ref;

    fail_unless (g_stat (path, &st) == 0);
    if (st.st_size >= 200 * 1024) {
      g_free (path);
      continue;
    }
    n++;
    out = ref_cached (args, &ok);
    g_free (out);
    cap = demux_run (path, PULL, "raw=true");
    if (!ok && g_str_has_suffix (path, "_sqlite.bag")) {
      /* a rosbag2 sqlite3 database: ours, not python3-rosbag's */
      fail_unless (cap->error == NULL, "%s: %s", path, cap->error->message);
      fail_unless_equals_int (capture_n_buffers (cap), 7);
      capture_free (cap);
      g_free (path);
      continue;
    }
    if (!ok) {
      fail_unless (cap->error != NULL, "%s: python3-rosbag cannot read it "
          "but we posted no error", path);
      GST_INFO ("%s: %s", path, cap->error->message);
      capture_free (cap);
      g_free (path);
      continue;
    }
    ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);
    if (ref->len == 0 && cap->error) {
      /* a bag without topics: an error is all a demuxer can do */
      GST_INFO ("%s: %s", path, cap->error->message);
    } else {
      fail_if (cap->error, "%s: %s", path, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos, "%s: no EOS", path);
      assert_pad_events (cap, path);
      ours = capture_lines (cap);
      if (g_str_has_suffix (path, ".active")) {
        fail_unless (capture_has_warning (cap, "not indexed"));
        assert_recovered (ours, ref, NULL, path);
      } else {
        fail_unless_equals_int (cap->warnings->len, 0);
        assert_same_stream (ours, ref, path);
      }
      g_ptr_array_free (ours, TRUE);
    }
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
    g_free (path);
  }
  g_print ("%u real bags under 200 KB compared\n", n);
  g_ptr_array_free (bags, TRUE);
}

GST_END_TEST;

/* names.bag: /a_b, /a/b, /a.b all map to a_b. Pull mode numbers them in
 * name order, push mode in the order their first messages come. */
GST_START_TEST (test_pad_names)
{
  const gchar *pull_names[][2] = {
    {"a_b", "/a.b"}, {"a_b_2", "/a/b"}, {"a_b_3", "/a_b"},
    {"relative_topic", "relative/topic"},
    {"with_space__", "/with space/\xc3\xbc"}, {"cam-0_x_1", "/cam-0/x_1"},
  };
  const gchar *push_names[][2] = {
    {"a_b", "/a_b"}, {"a_b_2", "/a/b"}, {"a_b_3", "/a.b"},
    {"relative_topic", "relative/topic"},
    {"with_space__", "/with space/\xc3\xbc"}, {"cam-0_x_1", "/cam-0/x_1"},
  };
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (FIX ("names.bag"), mode, NULL);
    guint i;

    fail_if (cap->error);
    fail_unless_equals_int (cap->pads->len, 6);
    for (i = 0; i < 6; i++) {
      const gchar *const *e = mode == PULL ? pull_names[i] : push_names[i];
      CapPad *p = capture_find_pad (cap, e[0]);

      fail_unless (p != NULL, "mode %d: no pad %s", mode, e[0]);
      fail_unless_equals_string (p->topic, e[1]);
      fail_unless_equals_int (p->bufs->len, 10);
    }
    capture_free (cap);
  }
}

GST_END_TEST;

/* The stream collection comes before the pads and holds their streams;
 * no-more-pads after the last; each stream carries topic and type tags */
GST_START_TEST (test_collection_and_tags)
{
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (FIX ("sample.bag"), mode, NULL);
    RefInfo *info = cref_info (FIX ("sample.bag"));
    guint i;

    fail_if (cap->error);
    fail_unless_equals_int (cap->pads->len, 4);
    fail_unless (cap->collection != NULL);
    fail_unless_equals_int (gst_stream_collection_get_size (cap->collection),
        4);
    if (mode == PULL)
      fail_unless_equals_int (cap->n_collections, 1);
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);
      RefTopic *t = NULL;
      gchar *s = NULL;
      guint k;

      fail_unless (p->n_collections_before >= 1);
      fail_unless (p->collection_had_stream, "pad %s added before a "
          "collection with its stream", p->name);
      if (mode == PULL)
        fail_unless (cap->last_collection_seq < p->added_seq);
      fail_unless (cap->nmp_seq > p->added_seq);
      fail_unless (p->stream != NULL);
      for (k = 0; k < info->topics->len; k++)
        if (!strcmp (((RefTopic *) g_ptr_array_index (info->topics,
                        k))->topic, p->topic))
          t = g_ptr_array_index (info->topics, k);
      fail_unless (t != NULL);
      /* the tag event on the pad */
      fail_unless (p->tags != NULL);
      fail_unless (gst_tag_list_get_string (p->tags, "ros-topic", &s));
      fail_unless_equals_string (s, t->topic);
      g_free (s);
      fail_unless (gst_tag_list_get_string (p->tags, "ros-type", &s));
      fail_unless_equals_string (s, t->type);
      g_free (s);
      fail_unless_equals_int (gst_tag_list_get_scope (p->tags),
          GST_TAG_SCOPE_STREAM);
      fail_unless_equals_int (gst_stream_get_stream_type (p->stream),
          g_str_has_suffix (p->topic, "image_raw") ? GST_STREAM_TYPE_VIDEO :
          GST_STREAM_TYPE_UNKNOWN);
    }
    ref_info_free (info);
    capture_free (cap);
  }
}

GST_END_TEST;

static GHashTable *
ref_definition_sha1s (const gchar * path)
{
  const gchar *argv[] = { TEST_PYTHON, "-c",
    "import sys, hashlib, rosbag\n"
        "b = rosbag.Bag(sys.argv[1])\n"
        "for c in b._connections.values():\n"
        "  print('%s\\t%s' % (c.topic, hashlib.sha1(c.msg_def.encode())"
        ".hexdigest()))\n", path, NULL
  };
  gchar *out = NULL, **lines, **l;
  gint status;
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, 0, NULL, NULL, &out,
          NULL, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++) {
    gchar **f = g_strsplit (*l, "\t", 2);

    if (g_strv_length (f) == 2)
      g_hash_table_insert (h, g_strdup (f[0]), g_strdup (f[1]));
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (out);
  return h;
}

/* Caps: images mapped by default, x-rosmsg with python's definition for
 * the rest; raw makes every topic x-rosmsg */
GST_START_TEST (test_caps)
{
  GHashTable *defs = ref_definition_sha1s (FIX ("sample.bag"));
  gboolean raw;

  for (raw = FALSE; raw <= TRUE; raw++) {
    Capture *cap = demux_run (FIX ("sample.bag"), PULL,
        raw ? "raw=true" : NULL);
    guint i;

    fail_if (cap->error);
    assert_pads_match_info (cap, FIX ("sample.bag"), raw);
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);
      GstStructure *st = gst_caps_get_structure (g_ptr_array_index (p->caps,
              0), 0);
      gboolean image = g_str_has_suffix (p->topic, "image_raw");

      fail_unless_equals_int (p->caps->len, 1);
      if (image && !raw) {
        gint w = 0, h = 0;

        fail_unless_equals_string (gst_structure_get_name (st), "video/x-raw");
        fail_unless_equals_string (gst_structure_get_string (st, "format"),
            "RGB");
        fail_unless (gst_structure_get_int (st, "width", &w) && w == 128);
        fail_unless (gst_structure_get_int (st, "height", &h) && h == 96);
      } else {
        const gchar *def = gst_structure_get_string (st, "definition");
        gchar *sha1 = g_compute_checksum_for_string (G_CHECKSUM_SHA1, def,
            -1);

        fail_unless_equals_string (gst_structure_get_name (st),
            "application/x-rosmsg");
        fail_unless_equals_string (sha1, g_hash_table_lookup (defs, p->topic));
        g_free (sha1);
        if (image)
          fail_unless_equals_string (gst_structure_get_string (st, "type"),
              "sensor_msgs/Image");
      }
    }
    capture_free (cap);
  }
  g_hash_table_unref (defs);
}

GST_END_TEST;

/* Plays @path with only bagdemux's pad @pad linked (to a fakesink; NULL:
 * no pad linked; "name ! element ! ..." puts elements before the sink)
 * and the others left alone; returns how many buffers the sink got, and
 * the error if there was one */
static guint
run_one_linked (const gchar * path, Mode mode, const gchar * pad,
    GError ** error)
{
  gchar *link = pad ? g_strdup_printf ("d.%s ! fakesink name=s sync=false",
      pad) : g_strdup ("");
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" %s ! bagdemux "
      "name=d %s", path, mode == PULL ? "" : "blocksize=4093 ! queue", link);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstBus *bus;
  GstMessage *msg;
  guint n = 0;

  fail_unless (pipe != NULL, "%s", desc);
  if (pad) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
    GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

    gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_BUFFER_LIST, capture_count_buffers_probe, &n, NULL);
    gst_object_unref (sinkpad);
    gst_object_unref (sink);
  }
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipe);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s timed out", desc);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, error, NULL);
  gst_message_unref (msg);
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (link);
  return n;
}

static guint
count_warnings (Capture * cap, const gchar * needle)
{
  guint i, n = 0;

  for (i = 0; i < cap->warnings->len; i++)
    if (strstr (g_ptr_array_index (cap->warnings, i), needle))
      n++;
  return n;
}

/* An image topic's caps come from its first well-formed message (of its
 * first 16), in pull and push mode alike: a malformed first frame is
 * skipped with a warning and the topic is video from its first buffer, so
 * videoconvert ! pngenc takes it; past the bound the topic starts as
 * serialized messages; a topic of malformed messages only still gets its
 * pad (and EOS) */
GST_START_TEST (test_bad_first_image)
{
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    const gchar *m = mode == PULL ? "pull" : "push";
    Capture *cap = demux_run (FIX ("bad-images.bag"), mode, NULL);
    /* the caps of the pad when it is added (what a pad-added handler
     * links by) and the caps its buffers get; /img_late_good's pad is
     * exposed with serialized-message caps (past the bound) and changes to
     * video at its good message (in push mode downstream may see only the
     * latter: nothing flowed before) */
    struct
    {
      const gchar *topic;
      const gchar *added_caps, *caps;
      guint max_caps, n_bufs, n_bad;
    } want[] = {
      {"/img_bad_first", "video/x-raw", "video/x-raw", 1, 2, 1},
      {"/img_all_bad", "application/x-rosmsg", "application/x-rosmsg", 1, 0,
          3},
      {"/img_late_good", "application/x-rosmsg", "video/x-raw", 2, 1, 17},
    };
    GError *err = NULL;
    guint i, n;

    fail_if (cap->error, "%s mode: %s", m, cap->error ?
        cap->error->message : "");
    fail_unless (cap->eos);
    fail_unless_equals_int (cap->pads->len, G_N_ELEMENTS (want));
    for (i = 0; i < G_N_ELEMENTS (want); i++) {
      CapPad *p = capture_find_topic (cap, want[i].topic);
      GstStructure *st;
      gchar *needle = g_strdup_printf ("malformed sensor_msgs/Image message "
          "on %s", want[i].topic);

      fail_unless (p != NULL, "%s mode: no pad for %s", m, want[i].topic);
      fail_unless (g_str_has_prefix (p->events->str, "SC")
          && g_str_has_suffix (p->events->str, "E"), "%s mode, %s: events %s",
          m, want[i].topic, p->events->str);
      fail_unless_equals_int (p->n_eos, 1);
      fail_unless (p->added_caps != NULL);
      st = gst_caps_get_structure (p->added_caps, 0);
      fail_unless (gst_structure_has_name (st, want[i].added_caps),
          "%s mode, %s: caps %s when added", m, want[i].topic,
          gst_structure_get_name (st));
      fail_unless (p->caps->len >= 1 && p->caps->len <= want[i].max_caps,
          "%s mode, %s: %u caps (events %s)", m, want[i].topic, p->caps->len,
          p->events->str);
      st = gst_caps_get_structure (g_ptr_array_index (p->caps,
              p->caps->len - 1), 0);
      fail_unless (gst_structure_has_name (st, want[i].caps),
          "%s mode, %s: caps %s", m, want[i].topic,
          gst_structure_get_name (st));
      if (p->caps->len == 2)
        fail_unless (gst_structure_has_name (gst_caps_get_structure
                (g_ptr_array_index (p->caps, 0), 0), "application/x-rosmsg"));
      fail_unless (p->bufs->len == want[i].n_bufs, "%s mode, %s: %u buffers",
          m, want[i].topic, p->bufs->len);
      fail_unless (count_warnings (cap, needle) == want[i].n_bad,
          "%s mode, %s: %u warnings", m, want[i].topic,
          count_warnings (cap, needle));
      g_free (needle);
    }
    fail_unless_equals_int (cap->warnings->len, 1 + 3 + 17);
    capture_free (cap);

    /* images.bag's /img_bad (a malformed frame, then a good one) into
     * videoconvert ! pngenc, the other topics not linked */
    n = run_one_linked (FIX ("images.bag"), mode,
        "img_bad ! videoconvert ! pngenc", &err);
    fail_if (err, "%s mode: %s", m, err ? err->message : "");
    fail_unless_equals_int (n, 1);
  }
}

GST_END_TEST;

/* topics: names and globs, with and without the leading / */
GST_START_TEST (test_topic_globs)
{
  struct
  {
    const gchar *prop, *ref_topics;
    const gchar *pads[4];
  } cases[] = {
    {"/cam*/image_raw, imu", "/cam0/image_raw,/cam1/image_raw,/imu",
        {"cam0_image_raw", "cam1_image_raw", "imu", NULL}},
    {"joint_states", "/joint_states", {"joint_states", NULL}},
    {"/cam?/*", "/cam0/image_raw,/cam1/image_raw",
        {"cam0_image_raw", "cam1_image_raw", NULL}},
  };
  guint i;
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    for (i = 0; i < G_N_ELEMENTS (cases); i++) {
      gchar *props = g_strdup_printf ("raw=true topics=\"%s\"",
          cases[i].prop);
      Capture *cap = demux_run (FIX ("sample.bag"), mode, props);
      GPtrArray *ours, *ref;
      guint k;

      fail_if (cap->error, "%s: %s", props, cap->error ?
          cap->error->message : "");
      fail_unless_equals_int (cap->pads->len,
          g_strv_length ((gchar **) cases[i].pads));
      for (k = 0; cases[i].pads[k]; k++)
        fail_unless (capture_find_pad (cap, cases[i].pads[k]) != NULL,
            "%s: no pad %s", props, cases[i].pads[k]);
      ours = capture_lines (cap);
      ref = cref_messages (FIX ("sample.bag"), cases[i].ref_topics,
          G_MAXUINT64, G_MAXUINT64);
      if (mode == PULL)
        assert_same_stream (ours, ref, props);
      else
        assert_same_multiset (ours, ref, props);
      g_ptr_array_free (ours, TRUE);
      g_ptr_array_free (ref, TRUE);
      capture_free (cap);
      g_free (props);
    }
    /* nothing matches: an error naming the topics there are */
    {
      Capture *cap = demux_run (FIX ("sample.bag"), mode, "topics=/nope*");

      fail_unless (cap->error != NULL);
      fail_unless_equals_int (cap->pads->len, 0);
      if (mode == PULL)
        fail_unless (strstr (cap->error_debug, "/cam0/image_raw") != NULL,
            "%s", cap->error_debug);
      capture_free (cap);
    }
  }
}

GST_END_TEST;

/* start-time / stop-time against python's [start, stop) */
GST_START_TEST (test_time_range)
{
  const gchar *path = FIX ("basic-lz4.bag");
  guint64 base = ref_start_ns (path);
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode,
        "raw=true start-time=1000000000 stop-time=2500000000");
    GPtrArray *ours, *ref;
    guint i;

    fail_if (cap->error);
    fail_unless (cap->eos);
    assert_pad_events (cap, "time range");
    ours = capture_lines (cap);
    ref = cref_messages (path, NULL, base + GST_SECOND,
        base + 2500 * GST_MSECOND);
    fail_unless (ref->len > 100);
    if (mode == PULL)
      assert_same_stream (ours, ref, "start/stop-time");
    else
      assert_same_multiset (ours, ref, "start/stop-time");
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);
      GstSegment *seg = &g_array_index (p->segments, GstSegment, 0);
      guint k;

      if (mode == PULL) {
        fail_unless_equals_uint64 (seg->start, GST_SECOND);
        fail_unless_equals_uint64 (seg->stop, 2500 * GST_MSECOND);
      }
      for (k = 0; k < p->bufs->len; k++) {
        CapBuf *b = &g_array_index (p->bufs, CapBuf, k);

        fail_unless (b->pts >= GST_SECOND && b->pts < 2500 * GST_MSECOND);
      }
    }
    g_ptr_array_free (ours, TRUE);
    g_ptr_array_free (ref, TRUE);
    capture_free (cap);
  }
}

GST_END_TEST;

/* timestamp-source=header: PTS from header.stamp (receive time without a
 * Header); both metas on every buffer, equal to python's values */
GST_START_TEST (test_timestamps)
{
  const gchar *bags[] = { "basic-none.bag", "sample.bag", NULL };
  guint bi;

  for (bi = 0; bags[bi]; bi++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, bags[bi], NULL);
    guint64 base = ref_start_ns (path);
    GPtrArray *ref = ref_messages_full (path, NULL, NULL);
    GHashTable *stamp = g_hash_table_new_full (g_str_hash, g_str_equal,
        g_free, NULL);
    gboolean header;
    guint i;

    for (i = 0; i < ref->len; i++) {
      gchar **f = g_ptr_array_index (ref, i);

      g_hash_table_insert (stamp, g_strdup_printf ("%s\t%s\t%s\t%s", f[0],
              f[1], f[2], f[3]), f[4]);
    }
    for (header = FALSE; header <= TRUE; header++) {
      Capture *cap = demux_run (path, PULL, header ?
          "raw=true timestamp-source=header" : "raw=true");
      guint n_hdr = 0, n_clamped = 0, k;

      fail_if (cap->error);
      for (i = 0; i < cap->pads->len; i++) {
        CapPad *p = g_ptr_array_index (cap->pads, i);
        GPtrArray *lines = capture_pad_lines (p);

        for (k = 0; k < p->bufs->len; k++) {
          CapBuf *b = &g_array_index (p->bufs, CapBuf, k);
          const gchar *hs = g_hash_table_lookup (stamp,
              g_ptr_array_index (lines, k));
          guint64 expect;

          fail_unless (hs != NULL, "not in python's list: %s",
              (gchar *) g_ptr_array_index (lines, k));
          fail_unless_equals_int (b->n_recv, 1);
          if (!strcmp (hs, "-")) {
            fail_unless_equals_int (b->n_hdr, 0);
            expect = b->recv - base;
          } else {
            guint64 h = g_ascii_strtoull (hs, NULL, 10);

            fail_unless_equals_int (b->n_hdr, 1);
            fail_unless_equals_uint64 (b->hdr, h);
            n_hdr++;
            if (!header)
              expect = b->recv - base;
            else if (h >= base)
              expect = h - base;
            else {
              /* before the bag's start: clamped to 0 */
              expect = 0;
              n_clamped++;
            }
          }
          if (b->pts != expect)
            fail ("%s %s: PTS %" G_GUINT64_FORMAT " expected %"
                G_GUINT64_FORMAT " (%s)", path, p->name, b->pts, expect, hs);
        }
        g_ptr_array_free (lines, TRUE);
      }
      fail_unless (n_hdr > 100);
      if (header)
        GST_INFO ("%s: %u header PTS clamped to 0", path, n_clamped);
      capture_free (cap);
    }
    g_hash_table_unref (stamp);
    g_ptr_array_free (ref, TRUE);
    g_free (path);
  }
}

GST_END_TEST;

/* timestamp-source=header: a header.stamp of 0 (a publisher that never
 * set it) falls back to the receive time; the header-stamp meta still says
 * 0 */
GST_START_TEST (test_zero_header_stamps)
{
  const gchar *path = FIX ("zero-stamps.bag");
  GPtrArray *ref = ref_messages_full (path, NULL, NULL);
  guint64 base = ref_start_ns (path);
  Mode mode;

  fail_unless_equals_int (ref->len, 6);
  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode, "timestamp-source=header");
    CapPad *p = capture_find_topic (cap, "/point");
    guint k, n_zero = 0;

    fail_if (cap->error);
    fail_unless (p != NULL);
    fail_unless_equals_int (p->bufs->len, ref->len);
    for (k = 0; k < p->bufs->len; k++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, k);
      gchar **f = g_ptr_array_index (ref, k);
      guint64 recv = g_ascii_strtoull (f[1], NULL, 10);
      guint64 stamp = g_ascii_strtoull (f[4], NULL, 10);
      guint64 expect;

      fail_unless_equals_uint64 (b->recv, recv);
      fail_unless_equals_int (b->n_hdr, 1);
      fail_unless_equals_uint64 (b->hdr, stamp);
      if (stamp == 0) {
        expect = recv - base;
        n_zero++;
      } else {
        expect = stamp >= base ? stamp - base : 0;
      }
      fail_unless (b->pts == expect, "mode %d, message %u (stamp %"
          G_GUINT64_FORMAT "): PTS %" G_GUINT64_FORMAT ", expected %"
          G_GUINT64_FORMAT, mode, k, stamp, b->pts, expect);
    }
    fail_unless_equals_int (n_zero, 3);
    capture_free (cap);
  }
  g_ptr_array_free (ref, TRUE);
}

GST_END_TEST;

static Capture *
paused_pull (const gchar * path, const gchar * props)
{
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! bagdemux name=d "
      "%s", path, props ? props : "");
  Capture *cap = capture_new (desc);

  g_free (desc);
  fail_if (gst_element_set_state (cap->pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  capture_wait_no_more_pads (cap);
  return cap;
}

static void
assert_lines_equal_ref (Capture * cap, const gchar * path, guint64 start,
    guint64 stop, const gchar * what)
{
  GPtrArray *ours = capture_lines (cap);
  GPtrArray *ref = cref_messages (path, NULL, start, stop);

  fail_unless (ref->len > 0);
  assert_same_stream (ours, ref, what);
  g_ptr_array_free (ours, TRUE);
  g_ptr_array_free (ref, TRUE);
}

/* Flushing seek from PAUSED, then play to the end */
GST_START_TEST (test_seek_flush)
{
  const gchar *path = FIX ("basic-lz4.bag");
  guint64 base = ref_start_ns (path);
  Capture *cap = paused_pull (path, "raw=true");
  guint i;

  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 1500 * GST_MSECOND,
          GST_SEEK_TYPE_NONE, -1));
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error);
  fail_unless (cap->eos);
  assert_lines_equal_ref (cap, path, base + 1500 * GST_MSECOND, G_MAXUINT64,
      "after a flushing seek to 1.5 s");
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GstSegment *seg = &g_array_index (p->segments, GstSegment,
        p->segments->len - 1);

    fail_unless (strstr (p->events->str, "Ff") != NULL, "%s", p->events->str);
    fail_unless_equals_uint64 (seg->start, 1500 * GST_MSECOND);
    fail_unless_equals_uint64 (seg->time, 1500 * GST_MSECOND);
    fail_unless (g_str_has_suffix (p->events->str, "E"));
  }
  /* and back to the start while playing */
  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET,
          GST_SECOND));
  cap->eos = FALSE;
  fail_unless (capture_wait_message (cap, GST_MESSAGE_EOS));
  fail_if (cap->error);
  assert_lines_equal_ref (cap, path, base, base + GST_SECOND,
      "after a seek back to [0, 1 s)");
  capture_free (cap);
}

GST_END_TEST;

/* A flushing seek to [@start, @stop) (@stop_type NONE: no stop) from
 * PAUSED on @path: returns the capture after EOS */
static Capture *
seek_and_play (const gchar * path, gint64 start, GstSeekType stop_type,
    gint64 stop)
{
  Capture *cap = paused_pull (path, "raw=true");

  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, start, stop_type, stop));
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s: %s", path, cap->error ? cap->error->message : "");
  fail_unless (cap->eos);
  return cap;
}

/* Every buffer is inside the pad's last segment as GStreamer clips: a
 * buffer whose PTS is the segment's stop is outside [start, stop) */
static void
assert_buffers_in_segment (Capture * cap, const gchar * what)
{
  guint i, k;

  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GstSegment *seg;

    fail_unless (p->segments->len > 0);
    seg = &g_array_index (p->segments, GstSegment, p->segments->len - 1);
    for (k = 0; k < p->bufs->len; k++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, k);

      fail_unless (gst_segment_clip (seg, GST_FORMAT_TIME, b->pts, b->pts,
              NULL, NULL), "%s: %s buffer %u at %" GST_TIME_FORMAT
          " is outside its segment %" GST_SEGMENT_FORMAT, what, p->name, k,
          GST_TIME_ARGS (b->pts), seg);
    }
  }
}

/* A seek whose stop is at or past the end of the recording plays to the
 * end, the message at the end included (the segment stop is exclusive and
 * gst_segment_do_seek clamps a stop to the duration); a stop inside the
 * recording stays exclusive */
GST_START_TEST (test_seek_stop_at_end)
{
  const gchar *bags[] = { "sample.bag", "one-message.bag",
    "zero-duration.bag", NULL
  };
  guint bi;

  for (bi = 0; bags[bi]; bi++) {
    gchar *path = g_build_filename (TEST_FILES_DIR, bags[bi], NULL);
    RefInfo *info = cref_info (path);
    guint64 dur = info->end_ns - info->start_ns;
    struct
    {
      GstSeekType type;
      gint64 stop;
      const gchar *what;
    } stops[] = {
      {GST_SEEK_TYPE_NONE, -1, "no stop"},
      {GST_SEEK_TYPE_SET, -1, "stop -1"},
      {GST_SEEK_TYPE_SET, dur, "stop = duration"},
      {GST_SEEK_TYPE_SET, dur + 1, "stop = duration + 1 ns"},
      {GST_SEEK_TYPE_SET, 10 * GST_SECOND, "stop 10 s"},
      {GST_SEEK_TYPE_END, 0, "stop END + 0"},
    };
    guint k;

    fail_unless_equals_uint64 (dur, g_str_equal (bags[bi], "sample.bag") ?
        2990 * GST_MSECOND : 0);
    for (k = 0; k < G_N_ELEMENTS (stops); k++) {
      Capture *cap = seek_and_play (path, 0, stops[k].type, stops[k].stop);
      gchar *what = g_strdup_printf ("%s, seek to [0, %s)", bags[bi],
          stops[k].what);
      CapPad *imu = capture_find_topic (cap, "/imu");

      assert_lines_equal_ref (cap, path, info->start_ns, G_MAXUINT64, what);
      assert_buffers_in_segment (cap, what);
      if (imu)
        fail_unless_equals_int (imu->bufs->len, 300);
      g_free (what);
      capture_free (cap);
    }
    if (dur > 0) {
      /* a stop inside the recording: the message at the stop is not
       * played */
      Capture *cap = seek_and_play (path, 0, GST_SEEK_TYPE_SET, dur - 1);
      GPtrArray *ours = capture_lines (cap);
      GPtrArray *ref = cref_messages (path, NULL, info->start_ns,
          info->end_ns);
      CapPad *imu = capture_find_topic (cap, "/imu");

      assert_same_stream (ours, ref, "seek to [0, duration - 1 ns)");
      assert_buffers_in_segment (cap, "seek to [0, duration - 1 ns)");
      fail_unless (imu != NULL);
      fail_unless_equals_int (imu->bufs->len, 299);
      g_ptr_array_free (ours, TRUE);
      g_ptr_array_free (ref, TRUE);
      capture_free (cap);
    }
    {
      /* and without any seek */
      Capture *cap = demux_run (path, PULL, "raw=true");

      fail_if (cap->error);
      assert_lines_equal_ref (cap, path, info->start_ns, G_MAXUINT64,
          "no seek");
      assert_buffers_in_segment (cap, "no seek");
      capture_free (cap);
    }
    ref_info_free (info);
    g_free (path);
  }
}

GST_END_TEST;

/* A pad nobody links never stops the others: each topic alone, in pull
 * and push mode (where the pads appear one by one, the first of them may
 * be an unlinked one), gets all its messages; only when no pad is linked
 * does the stream end with not-linked */
GST_START_TEST (test_unlinked_pads)
{
  const gchar *files[] = { FIX ("sample.bag"), FIX ("mcap/zstd.mcap"),
    NULL
  };
  guint fi;
  Mode mode;

  for (fi = 0; files[fi]; fi++) {
    for (mode = PULL; mode <= PUSH; mode++) {
      /* every pad linked: the counts to expect */
      Capture *all = demux_run (files[fi], mode, NULL);
      GError *err = NULL;
      guint i;

      fail_if (all->error);
      fail_unless (all->pads->len >= 4, "%s: %u pads", files[fi],
          all->pads->len);
      for (i = 0; i < all->pads->len; i++) {
        CapPad *p = g_ptr_array_index (all->pads, i);
        guint n = run_one_linked (files[fi], mode, p->name, &err);

        fail_if (err, "%s (%s mode), only %s linked: %s", files[fi],
            mode == PULL ? "pull" : "push", p->name, err ? err->message : "");
        fail_unless (p->bufs->len > 0);
        fail_unless (n == p->bufs->len, "%s (%s mode), only %s linked: %u "
            "buffers of %u", files[fi], mode == PULL ? "pull" : "push",
            p->name, n, p->bufs->len);
      }
      capture_free (all);

      /* nothing linked: not-linked */
      run_one_linked (files[fi], mode, NULL, &err);
      fail_unless (err != NULL, "%s: no pad linked, no error", files[fi]);
      fail_unless (g_error_matches (err, GST_STREAM_ERROR,
              GST_STREAM_ERROR_FAILED), "%s: %s", files[fi], err->message);
      g_clear_error (&err);
    }
  }
}

GST_END_TEST;

/* Segment seeks loop with SEGMENT_DONE; non-flushing seeks go on */
GST_START_TEST (test_seek_segment)
{
  const gchar *path = FIX ("basic-none.bag");
  guint64 base = ref_start_ns (path);
  Capture *cap = paused_pull (path, "raw=true");
  guint loop, i;

  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT, GST_SEEK_TYPE_SET,
          500 * GST_MSECOND, GST_SEEK_TYPE_SET, GST_SECOND));
  fail_unless (capture_run (cap, TRUE));
  for (loop = 1; loop <= 3; loop++) {
    fail_if (cap->error);
    fail_if (cap->eos);
    fail_unless_equals_int (cap->n_segment_done, loop);
    fail_unless_equals_int64 (cap->last_segment_done, GST_SECOND);
    assert_lines_equal_ref (cap, path, base + 500 * GST_MSECOND,
        base + GST_SECOND, "segment loop");
    capture_clear_buffers (cap);
    if (loop < 3) {
      /* loop: a non-flushing segment seek */
      fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
              GST_SEEK_FLAG_SEGMENT, GST_SEEK_TYPE_SET, 500 * GST_MSECOND,
              GST_SEEK_TYPE_SET, GST_SECOND));
      fail_unless (capture_wait_message (cap, GST_MESSAGE_SEGMENT_DONE));
    }
  }
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    fail_unless (strstr (p->events->str, "D") != NULL, "%s: %s", p->name,
        p->events->str);
  }
  /* a plain non-flushing seek ends the looping */
  fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_NONE, GST_SEEK_TYPE_SET, 3 * GST_SECOND,
          GST_SEEK_TYPE_SET, -1));
  fail_unless (capture_wait_message (cap, GST_MESSAGE_EOS));
  fail_if (cap->error);
  fail_unless (cap->eos);
  assert_lines_equal_ref (cap, path, base + 3 * GST_SECOND, G_MAXUINT64,
      "non-flushing seek to 3 s");
  capture_free (cap);
}

GST_END_TEST;

/* Rates: a positive rate goes into the segment, a negative one is refused */
GST_START_TEST (test_seek_rate)
{
  const gchar *path = FIX ("basic-bz2.bag");
  guint64 base = ref_start_ns (path);
  Capture *cap = paused_pull (path, "raw=true");
  guint i;

  fail_if (gst_element_seek (cap->pipeline, -1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET,
          GST_SECOND));
  /* start after stop: refused before any flushing */
  fail_if (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 2 * GST_SECOND,
          GST_SEEK_TYPE_SET, GST_SECOND));
  fail_if (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 1000, GST_SEEK_TYPE_NONE,
          -1));
  fail_unless (gst_element_seek (cap->pipeline, 2.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, GST_SECOND,
          GST_SEEK_TYPE_NONE, -1));
  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error);
  assert_lines_equal_ref (cap, path, base + GST_SECOND, G_MAXUINT64, "rate 2");
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GstSegment *seg = &g_array_index (p->segments, GstSegment,
        p->segments->len - 1);

    fail_unless (seg->rate == 2.0);
  }
  capture_free (cap);
}

GST_END_TEST;

/* duration, position, seeking, segment and URI queries */
GST_START_TEST (test_queries)
{
  const gchar *path = FIX ("sample.bag");
  RefInfo *info = cref_info (path);
  Capture *cap = paused_pull (path, NULL);
  CapPad *p;
  GstPad *srcpad;
  GstQuery *q;
  gint64 v, start, stop;
  gboolean seekable;
  GstFormat fmt;
  gchar *uri, *expect;

  fail_unless (gst_element_query_duration (cap->pipeline, GST_FORMAT_TIME, &v));
  fail_unless_equals_int64 (v, info->end_ns - info->start_ns);
  fail_if (gst_element_query_duration (cap->pipeline, GST_FORMAT_BYTES, &v)
      && v == (gint64) (info->end_ns - info->start_ns));
  p = capture_find_pad (cap, "imu");
  fail_unless (p != NULL);
  srcpad = gst_element_get_static_pad (cap->exposer, "imu");
  fail_unless (srcpad != NULL);

  q = gst_query_new_seeking (GST_FORMAT_TIME);
  fail_unless (gst_pad_query (srcpad, q));
  gst_query_parse_seeking (q, &fmt, &seekable, &start, &stop);
  fail_unless (seekable);
  fail_unless_equals_int64 (start, 0);
  fail_unless_equals_int64 (stop, info->end_ns - info->start_ns);
  gst_query_unref (q);

  fail_unless (gst_pad_query_position (srcpad, GST_FORMAT_TIME, &v));
  fail_unless (v >= 0 && v <= (gint64) (info->end_ns - info->start_ns));

  q = gst_query_new_uri ();
  fail_unless (gst_pad_query (srcpad, q));
  gst_query_parse_uri (q, &uri);
  expect = gst_filename_to_uri (path, NULL);
  fail_unless_equals_string (uri, expect);
  g_free (uri);
  g_free (expect);
  gst_query_unref (q);

  /* after a seek, the position is the seek target or later */
  fail_unless (gst_element_seek_simple (cap->pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 2 * GST_SECOND));
  fail_unless (gst_pad_query_position (srcpad, GST_FORMAT_TIME, &v));
  fail_unless (v >= 2 * GST_SECOND, "position %" G_GINT64_FORMAT, v);
  fail_unless (capture_run (cap, FALSE));
  fail_unless (cap->eos);
  fail_unless (gst_pad_query_position (srcpad, GST_FORMAT_TIME, &v));
  fail_unless (v <= (gint64) (info->end_ns - info->start_ns) && v >= 2 *
      GST_SECOND);
  gst_object_unref (srcpad);
  capture_free (cap);

  /* push mode: not seekable */
  cap = demux_run (path, PUSH, NULL);
  fail_if (cap->error);
  srcpad = gst_element_get_static_pad (cap->exposer, "imu");
  q = gst_query_new_seeking (GST_FORMAT_TIME);
  fail_unless (gst_pad_query (srcpad, q));
  gst_query_parse_seeking (q, &fmt, &seekable, NULL, NULL);
  fail_if (seekable);
  gst_query_unref (q);
  fail_if (gst_pad_send_event (srcpad, gst_event_new_seek (1.0,
              GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0,
              GST_SEEK_TYPE_NONE, -1)));
  gst_object_unref (srcpad);
  capture_free (cap);
  ref_info_free (info);
}

GST_END_TEST;

/* A latched topic with one message gets GAP events while the others play;
 * gaps never run past the pad's next buffer */
GST_START_TEST (test_gaps)
{
  const gchar *path = FIX ("multiconn.bag");
  RefInfo *info = cref_info (path);
  guint64 dur = info->end_ns - info->start_ns;
  /* with header stamps, gaps trail the receive time by the lag of the
   * topic's stamps (none here: no topic has a header), not by a second */
  const gchar *modes[] = { NULL, "timestamp-source=header", NULL };
  guint64 slack[] = { 300 * GST_MSECOND, 300 * GST_MSECOND };
  guint m, i, k;

  for (m = 0; m < 2; m++) {
    Capture *cap = demux_run (path, PULL, modes[m]);
    CapPad *status;

    fail_if (cap->error);
    status = capture_find_topic (cap, "/status");
    fail_unless (status != NULL);
    fail_unless_equals_int (status->bufs->len, 1);
    fail_unless (status->gaps->len >= 2 * 2, "only %u gaps on /status",
        status->gaps->len / 2);
    /* the last gap reaches close to the end of the bag */
    {
      guint64 ts = g_array_index (status->gaps, guint64,
          status->gaps->len - 2);
      guint64 d = g_array_index (status->gaps, guint64,
          status->gaps->len - 1);

      fail_unless (ts + d + slack[m] >= dur, "last gap ends at %"
          GST_TIME_FORMAT " of %" GST_TIME_FORMAT, GST_TIME_ARGS (ts + d),
          GST_TIME_ARGS (dur));
    }
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);
      guint64 end = 0;

      for (k = 0; k < p->timeline->len; k += 2) {
        guint64 s = g_array_index (p->timeline, guint64, k);
        guint64 e = g_array_index (p->timeline, guint64, k + 1);

        fail_unless (s >= end, "%s: item %u starts at %" GST_TIME_FORMAT
            " before the previous end %" GST_TIME_FORMAT, p->name, k / 2,
            GST_TIME_ARGS (s), GST_TIME_ARGS (end));
        end = e;
      }
    }
    capture_free (cap);
  }
  ref_info_free (info);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* errors */

static gchar *
make_tmpdir (void)
{
  gchar *dir = g_dir_make_tmp ("bagdemux-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

static void
rm_tmpdir (gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *n;

  while (d && (n = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, n, NULL);

    g_unlink (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

static gchar *
write_tmp (const gchar * dir, const gchar * name, const void *data, gsize len)
{
  gchar *path = g_build_filename (dir, name, NULL);

  fail_unless (g_file_set_contents (path, data, len, NULL));
  return path;
}

static void
expect_error (const gchar * path, Mode mode, GQuark domain, gint code,
    const gchar * needle)
{
  Capture *cap = demux_run (path, mode, NULL);

  fail_unless (cap->error != NULL, "%s (mode %d): no error", path, mode);
  fail_unless (cap->error->domain == domain && cap->error->code == code,
      "%s (mode %d): error %s %d: %s", path, mode,
      g_quark_to_string (cap->error->domain), cap->error->code,
      cap->error->message);
  if (needle) {
    gchar *all = g_strdup_printf ("%s | %s", cap->error->message,
        cap->error_debug ? cap->error_debug : "");

    fail_unless (strstr (all, needle) != NULL, "%s (mode %d): '%s' not in "
        "'%s'", path, mode, needle, all);
    g_free (all);
  }
  fail_unless_equals_int (capture_n_buffers (cap), 0);
  capture_free (cap);
}

/* A fragment (the file ends inside a record before the first message):
 * the error says it is cut off, not that there are no topics or no
 * message of a selected topic (no topic filter is set) */
GST_START_TEST (test_error_fragment)
{
  struct
  {
    const gchar *src;
    gsize size;
  } cuts[] = {
    {"sample.bag", 1000},       /* inside the bag header record */
    {"sample.bag", 4200},       /* inside the first chunk */
    {"basic-lz4.bag", 4500},
    {"mcap/zstd.mcap", 1000},   /* after the header, inside a chunk */
    {"mcap/zstd.mcap", 200},
  };
  gchar *dir = make_tmpdir ();
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  guint i;
  Mode mode;

  for (i = 0; i < G_N_ELEMENTS (cuts); i++) {
    gchar *src = g_build_filename (TEST_FILES_DIR, cuts[i].src, NULL);
    gchar *name = g_strdup_printf ("fragment-%u-%s", i,
        strchr (cuts[i].src, '/') ? strchr (cuts[i].src, '/') + 1 :
        cuts[i].src);

    g_ptr_array_add (paths, copy_file_cut (src, dir, name, cuts[i].size));
    g_free (name);
    g_free (src);
  }
  if (g_file_test (TEST_REALBAGS_DIR "/webviz__invalid.bag",
          G_FILE_TEST_EXISTS))
    g_ptr_array_add (paths, g_strdup (TEST_REALBAGS_DIR
            "/webviz__invalid.bag"));
  else
    g_print ("SKIP: %s is absent: webviz__invalid.bag not tested\n",
        TEST_REALBAGS_DIR);

  for (i = 0; i < paths->len; i++) {
    const gchar *path = g_ptr_array_index (paths, i);

    for (mode = PULL; mode <= PUSH; mode++) {
      Capture *cap = demux_run (path, mode, NULL);
      gchar *base = g_path_get_basename (path);

      fail_unless (cap->error != NULL, "%s (mode %d): no error", path, mode);
      fail_unless (g_error_matches (cap->error, GST_STREAM_ERROR,
              GST_STREAM_ERROR_DEMUX), "%s (mode %d): %s", path, mode,
          cap->error->message);
      fail_unless (strstr (cap->error->message, base) != NULL, "%s: %s",
          path, cap->error->message);
      g_free (base);
      fail_if (strstr (cap->error->message, "selected topic") != NULL,
          "%s (mode %d): %s", path, mode, cap->error->message);
      if (mode == PUSH)
        fail_unless (strstr (cap->error->message, "cut off") != NULL,
            "%s (push mode): %s | %s", path, cap->error->message,
            cap->error_debug);
      fail_unless_equals_int (capture_n_buffers (cap), 0);
      capture_free (cap);
    }
  }
  g_ptr_array_free (paths, TRUE);
  rm_tmpdir (dir);
}

GST_END_TEST;

GST_START_TEST (test_error_missing_file)
{
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++)
    expect_error ("/nonexistent/dir/x.bag", mode, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_NOT_FOUND, "/nonexistent/dir/x.bag");
}

GST_END_TEST;

GST_START_TEST (test_error_not_a_bag)
{
  gchar *dir = make_tmpdir ();
  gchar *empty = write_tmp (dir, "empty.bag", "", 0);
  gchar *text = write_tmp (dir, "text.bag", "hello, this is not a bag\n"
      "at all, just some text long enough\n", 60);
  gchar *shortf = write_tmp (dir, "short.bag", "#ROSBAG", 7);
  const gchar *files[] = { empty, text, shortf, NULL };
  gchar garbage_data[13 + 420] = "#ROSBAG V2.0\n\x10";
  gchar *garbage = write_tmp (dir, "garbage.bag", garbage_data,
      sizeof (garbage_data));
  guint i;
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    for (i = 0; files[i]; i++)
      expect_error (files[i], mode, GST_STREAM_ERROR,
          GST_STREAM_ERROR_WRONG_TYPE, files[i]);
    /* the magic, then a bag header of zeros */
    expect_error (garbage, mode, GST_STREAM_ERROR, GST_STREAM_ERROR_DEMUX,
        garbage);
    if (g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR)) {
      /* a rosbag2 sqlite3 database named .bag: a recording in pull
       * mode (rosbag_db3.c), refused as a stream */
      if (mode == PUSH)
        expect_error (TEST_REALBAGS_DIR
            "/rosbag2_bag_v2__rosbag2_tests_test_sqlite.bag", mode,
            GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND, "seekable");
      expect_error (TEST_REALBAGS_DIR "/foxglove_rosbag__empty-file.bag",
          mode, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE, "empty-file");
    } else {
      g_print ("SKIP: %s absent, no real negative files\n", TEST_REALBAGS_DIR);
    }
  }
  g_free (empty);
  g_free (text);
  g_free (shortf);
  g_free (garbage);
  rm_tmpdir (dir);
}

GST_END_TEST;

GST_START_TEST (test_error_v12)
{
  gchar *dir = make_tmpdir ();
  GString *s = g_string_new ("#ROSRECORD V1.2\n");
  gchar *path;
  Mode mode;

  while (s->len < 5000)
    g_string_append_c (s, (gchar) (s->len * 7));
  path = write_tmp (dir, "old.bag", s->str, s->len);
  for (mode = PULL; mode <= PUSH; mode++)
    expect_error (path, mode, GST_STREAM_ERROR,
        GST_STREAM_ERROR_CODEC_NOT_FOUND, "V1.2");
  g_string_free (s, TRUE);
  g_free (path);
  rm_tmpdir (dir);
}

GST_END_TEST;

/* An empty bag (no topics): an error saying so */
GST_START_TEST (test_error_empty_bag)
{
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (FIX ("empty.bag"), mode, NULL);

    fail_unless (cap->error != NULL);
    fail_unless (cap->error->domain == GST_STREAM_ERROR);
    fail_unless_equals_int (cap->pads->len, 0);
    capture_free (cap);
  }
}

GST_END_TEST;

/* A copy of @src whose bag header says index_pos = 0, so that python3-rosbag
 * reindexes it (as it would a killed recording) */
static gchar *
copy_unindexed (const gchar * src, const gchar * dir, const gchar * name)
{
  gchar *data, *path, *p;
  gsize len;

  fail_unless (g_file_get_contents (src, &data, &len, NULL));
  for (p = data; p + 18 <= data + MIN (len, 4096); p++)
    if (!memcmp (p, "index_pos=", 10))
      break;
  fail_unless (p != NULL && p + 18 <= data + len);
  memset (p + 10, 0, 8);
  path = write_tmp (dir, name, data, len);
  g_free (data);
  return path;
}

/* Truncated copies: a warning, every message python3-rosbag recovers from
 * the same cut (after its reindex) is delivered, nothing that is not in the
 * whole bag */
GST_START_TEST (test_truncated)
{
  const gchar *bags[] = { "basic-none.bag", "basic-lz4.bag", NULL };
  const gdouble cuts[] = { 0.3, 0.77, 0.995 };
  gchar *dir = make_tmpdir ();
  guint bi, ci;
  Mode mode;

  for (bi = 0; bags[bi]; bi++) {
    gchar *src = g_build_filename (TEST_FILES_DIR, bags[bi], NULL);
    GPtrArray *full = cref_messages (src, NULL, G_MAXUINT64, G_MAXUINT64);
    GStatBuf st;

    fail_unless (g_stat (src, &st) == 0);
    for (ci = 0; ci < G_N_ELEMENTS (cuts); ci++) {
      gsize size = st.st_size * cuts[ci];
      gchar *name = g_strdup_printf ("cut-%u-%s", ci, bags[bi]);
      gchar *cut = copy_file_cut (src, dir, name, size);
      gchar *ucut, *uname = g_strdup_printf ("u%s", name);
      GPtrArray *ref;

      ucut = copy_unindexed (cut, dir, uname);
      ref = cref_messages (ucut, NULL, G_MAXUINT64, G_MAXUINT64);
      for (mode = PULL; mode <= PUSH; mode++) {
        Capture *cap = demux_run (cut, mode, "raw=true");
        GPtrArray *ours;
        gchar *what = g_strdup_printf ("%s (mode %d)", name, mode);

        fail_if (cap->error, "%s: %s", what, cap->error ?
            cap->error->message : "");
        fail_unless (cap->eos);
        fail_unless (cap->warnings->len >= 1, "%s: no warning", what);
        fail_unless (capture_has_warning (cap, name), "%s: the warnings do "
            "not name the file: %s", what,
            (gchar *) g_ptr_array_index (cap->warnings, 0));
        fail_unless (capture_has_warning (cap, "byte"), "%s: no byte offset "
            "in the warnings: %s", what,
            (gchar *) g_ptr_array_index (cap->warnings, 0));
        assert_pad_events (cap, what);
        ours = capture_lines (cap);
        fail_unless (ours->len > 0);
        assert_recovered (ours, ref, full, what);
        if (mode == PULL)
          assert_time_order (ours, what);
        g_ptr_array_free (ours, TRUE);
        capture_free (cap);
        g_free (what);
      }
      g_ptr_array_free (ref, TRUE);
      g_free (cut);
      g_free (ucut);
      g_free (name);
      g_free (uname);
    }
    g_ptr_array_free (full, TRUE);
    g_free (src);
  }
  rm_tmpdir (dir);
}

GST_END_TEST;

/* Bytes flipped inside one compressed chunk: a warning naming the file and
 * the chunk's byte offset, exactly that chunk's messages missing, the later
 * chunks still play */
GST_START_TEST (test_corrupt_chunk)
{
  const gchar *bags[] = { "basic-bz2.bag", "basic-lz4.bag", NULL };
  gchar *dir = make_tmpdir ();
  guint bi;
  Mode mode;

  for (bi = 0; bags[bi]; bi++) {
    gchar *src = g_build_filename (TEST_FILES_DIR, bags[bi], NULL);
    GPtrArray *full = cref_messages (src, NULL, G_MAXUINT64, G_MAXUINT64);
    GstRosbagBag *bag = gst_rosbag_bag_open (src, NULL);
    const GstRosbagChunkInfo *ci;
    gchar *data, *path, *name, *posstr;
    gsize len;
    guint k, n_chunks;

    fail_unless (bag != NULL);
    n_chunks = gst_rosbag_bag_get_n_chunks (bag);
    fail_unless (n_chunks > 8);
    fail_unless (gst_rosbag_bag_load_chunk_header (bag, 5, NULL));
    ci = gst_rosbag_bag_get_chunk (bag, 5);
    fail_unless (g_file_get_contents (src, &data, &len, NULL));
    for (k = 0; k < 16; k++)
      data[ci->data_pos + ci->data_len / 2 + k] ^= 0x5a;
    name = g_strdup_printf ("corrupt-%s", bags[bi]);
    path = write_tmp (dir, name, data, len);
    g_free (data);
    posstr = g_strdup_printf ("%" G_GUINT64_FORMAT, ci->pos);

    for (mode = PULL; mode <= PUSH; mode++) {
      Capture *cap = demux_run (path, mode, "raw=true");
      GPtrArray *ours, *missing;
      gchar *what = g_strdup_printf ("%s (mode %d)", name, mode);

      fail_if (cap->error, "%s: %s", what, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos);
      fail_unless (cap->warnings->len >= 1, "%s: no warning", what);
      fail_unless (capture_has_warning (cap, posstr), "%s: the chunk's "
          "offset %s is not in the warning: %s", what, posstr,
          (gchar *) g_ptr_array_index (cap->warnings, 0));
      assert_pad_events (cap, what);
      ours = capture_lines (cap);
      assert_contains (full, ours, TRUE, what);
      missing = multiset_minus (full, ours);
      fail_unless_equals_int (missing->len, ci->message_count);
      for (k = 0; k < missing->len; k++) {
        guint64 t = line_time (g_ptr_array_index (missing, k));

        fail_unless (t >= ci->start_ns && t <= ci->end_ns);
      }
      /* messages after the damaged chunk came */
      fail_unless (line_time (g_ptr_array_index (ours, ours->len - 1)) >
          ci->end_ns || mode == PUSH);
      g_ptr_array_free (missing, TRUE);
      g_ptr_array_free (ours, TRUE);
      capture_free (cap);
      g_free (what);
    }
    gst_rosbag_bag_unref (bag);
    g_ptr_array_free (full, TRUE);
    g_free (posstr);
    g_free (name);
    g_free (path);
    g_free (src);
  }
  rm_tmpdir (dir);
}

GST_END_TEST;

/* Unindexed bags (killed recordings): a warning, then every message
 * python3-rosbag recovers after its reindex, and maybe more at the end */
GST_START_TEST (test_unindexed)
{
  const gchar *bags[] = { FIX ("unindexed.bag"), FIX ("unindexed-lz4.bag"),
    TEST_REALBAGS_DIR "/badboy-rtech__subset.bag.active", NULL
  };
  guint bi;
  Mode mode;

  for (bi = 0; bags[bi]; bi++) {
    GPtrArray *ref;

    if (!g_file_test (bags[bi], G_FILE_TEST_EXISTS)) {
      g_print ("SKIP: %s is absent\n", bags[bi]);
      continue;
    }
    ref = cref_messages (bags[bi], NULL, G_MAXUINT64, G_MAXUINT64);
    for (mode = PULL; mode <= PUSH; mode++) {
      Capture *cap = demux_run (bags[bi], mode, "raw=true");
      GPtrArray *ours;
      gchar *what = g_strdup_printf ("%s (mode %d)", bags[bi], mode);

      fail_if (cap->error, "%s: %s", what, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos);
      fail_unless (capture_has_warning (cap, "not indexed"), "%s", what);
      assert_pad_events (cap, what);
      ours = capture_lines (cap);
      if (ref->len > 0)
        assert_recovered (ours, ref, NULL, what);
      else
        fail_unless (ours->len > 0);
      if (mode == PULL)
        assert_time_order (ours, what);
      g_ptr_array_free (ours, TRUE);
      capture_free (cap);
      g_free (what);
    }
    g_ptr_array_free (ref, TRUE);
  }
}

GST_END_TEST;

/* A message record inside an uncompressed chunk with an impossible header
 * length: a warning with a byte offset; only messages of that chunk go
 * missing (pull mode: the one message; push mode: the rest of the chunk) */
GST_START_TEST (test_corrupt_record)
{
  const gchar *src = FIX ("basic-none.bag");
  GPtrArray *full = cref_messages (src, NULL, G_MAXUINT64, G_MAXUINT64);
  GstRosbagBag *bag = gst_rosbag_bag_open (src, NULL);
  const GstRosbagChunkInfo *ci;
  GArray *idx;
  GstRosbagIndexEntry *e;
  gchar *dir = make_tmpdir (), *data, *path;
  gsize len;
  guint64 at;
  Mode mode;

  fail_unless (bag != NULL);
  fail_unless (gst_rosbag_bag_load_chunk_header (bag, 5, NULL));
  ci = gst_rosbag_bag_get_chunk (bag, 5);
  fail_unless_equals_int (ci->compression, GST_ROSBAG_COMPRESSION_NONE);
  idx = gst_rosbag_bag_load_chunk_index (bag, 5, NULL, NULL, NULL);
  fail_unless (idx != NULL && idx->len > 4);
  e = &g_array_index (idx, GstRosbagIndexEntry, idx->len / 2);
  at = ci->data_pos + e->offset;
  fail_unless (g_file_get_contents (src, &data, &len, NULL));
  data[at] = data[at + 1] = data[at + 2] = (gchar) 0xff;
  data[at + 3] = 0x7f;
  path = write_tmp (dir, "badrecord.bag", data, len);
  g_free (data);

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode, "raw=true");
    GPtrArray *ours, *missing;
    guint k;

    fail_if (cap->error, "mode %d: %s", mode, cap->error ?
        cap->error->message : "");
    fail_unless (cap->eos);
    fail_unless (capture_has_warning (cap, "badrecord.bag"));
    fail_unless (capture_has_warning (cap, "byte"));
    ours = capture_lines (cap);
    assert_contains (full, ours, TRUE, "damaged record");
    missing = multiset_minus (full, ours);
    fail_unless (missing->len >= 1);
    fail_unless (missing->len <= ci->message_count);
    if (mode == PULL)
      fail_unless_equals_int (missing->len, 1);
    for (k = 0; k < missing->len; k++) {
      guint64 t = line_time (g_ptr_array_index (missing, k));

      fail_unless (t >= ci->start_ns && t <= ci->end_ns);
    }
    g_ptr_array_free (missing, TRUE);
    g_ptr_array_free (ours, TRUE);
    capture_free (cap);
  }
  g_array_unref (idx);
  gst_rosbag_bag_unref (bag);
  g_ptr_array_free (full, TRUE);
  g_free (path);
  rm_tmpdir (dir);
}

GST_END_TEST;

/* A bag header with an encryptor field: refused with an error */
GST_START_TEST (test_error_encrypted)
{
  const gchar *field = "encryptor=rosbag/AesCbcEncryptor";
  gchar *dir = make_tmpdir (), *data, *path;
  GString *out;
  gsize len;
  guint32 hlen, dlen, flen = strlen (field), v;
  Mode mode;

  fail_unless (g_file_get_contents (FIX ("basic-none.bag"), &data, &len, NULL));
  /* magic, then the bag header record: u32 hlen, header, u32 dlen, spaces */
  memcpy (&hlen, data + 13, 4);
  hlen = GUINT32_FROM_LE (hlen);
  memcpy (&dlen, data + 17 + hlen, 4);
  dlen = GUINT32_FROM_LE (dlen);
  fail_unless (dlen > flen + 4);
  out = g_string_new_len (data, 13);
  v = GUINT32_TO_LE (hlen + 4 + flen);
  g_string_append_len (out, (gchar *) & v, 4);
  g_string_append_len (out, data + 17, hlen);
  v = GUINT32_TO_LE (flen);
  g_string_append_len (out, (gchar *) & v, 4);
  g_string_append_len (out, field, flen);
  v = GUINT32_TO_LE (dlen - 4 - flen);
  g_string_append_len (out, (gchar *) & v, 4);
  g_string_append_len (out, data + 21 + hlen + 4 + flen,
      len - (21 + hlen + 4 + flen));
  fail_unless_equals_int (out->len, len);
  path = write_tmp (dir, "encrypted.bag", out->str, out->len);
  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode, NULL);

    fail_unless (cap->error != NULL, "mode %d: no error", mode);
    fail_unless (cap->error->domain == GST_STREAM_ERROR);
    fail_unless_equals_int (capture_n_buffers (cap), 0);
    capture_free (cap);
  }
  g_string_free (out, TRUE);
  g_free (data);
  g_free (path);
  rm_tmpdir (dir);
}

GST_END_TEST;

/* A tiny chunk cache (0 = one chunk at a time) reads the same bytes */
GST_START_TEST (test_cache_size)
{
  const gchar *path = FIX ("overlap.bag");
  Capture *cap = demux_run (path, PULL, "raw=true cache-size=0");
  GPtrArray *ours = capture_lines (cap);
  GPtrArray *ref = cref_messages (path, NULL, G_MAXUINT64, G_MAXUINT64);

  fail_if (cap->error);
  assert_same_stream (ours, ref, "cache-size=0");
  g_ptr_array_free (ours, TRUE);
  g_ptr_array_free (ref, TRUE);
  capture_free (cap);
}

GST_END_TEST;

/* Push mode sends GAP events too */
GST_START_TEST (test_gaps_push)
{
  Capture *cap = demux_run (FIX ("multiconn.bag"), PUSH, NULL);
  CapPad *status;

  fail_if (cap->error);
  status = capture_find_topic (cap, "/status");
  fail_unless (status != NULL);
  fail_unless (status->gaps->len >= 2 * 2);
  capture_free (cap);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* typefinding */

GST_START_TEST (test_typefind)
{
  gchar *dir = make_tmpdir ();
  gchar *old = write_tmp (dir, "old.bag", "#ROSRECORD V1.2\nxxxxxxxxxx", 26);
  const gchar *files[][2] = {
    {FIX ("sample.bag"), "application/x-rosbag"},
    {FIX ("unindexed-lz4.bag"), "application/x-rosbag"},
    {old, "application/x-rosbag"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    GstElement *src = gst_element_factory_make ("filesrc", NULL);
    GstPad *pad;
    GstCaps *caps;

    g_object_set (src, "location", files[i][0], NULL);
    fail_unless (gst_element_set_state (src, GST_STATE_PAUSED) !=
        GST_STATE_CHANGE_FAILURE);
    pad = gst_element_get_static_pad (src, "src");
    caps = gst_type_find_helper (pad, 0);
    fail_unless (caps != NULL, "%s not recognised", files[i][0]);
    fail_unless_equals_string (gst_structure_get_name
        (gst_caps_get_structure (caps, 0)), files[i][1]);
    gst_caps_unref (caps);
    gst_object_unref (pad);
    gst_element_set_state (src, GST_STATE_NULL);
    gst_object_unref (src);
  }
  g_free (old);
  rm_tmpdir (dir);
}

GST_END_TEST;

/* decodebin picks bagdemux by itself */
GST_START_TEST (test_decodebin)
{
  Capture *cap = capture_new ("filesrc location=\"" FIX ("sample.bag")
      "\" ! decodebin name=d caps=\"video/x-raw; application/x-rosmsg\"");
  GPtrArray *ref = cref_messages (FIX ("sample.bag"), "/imu", G_MAXUINT64,
      G_MAXUINT64);
  CapPad *imu;

  fail_unless (capture_run (cap, FALSE));
  fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
  fail_unless (cap->eos);
  fail_unless_equals_int (cap->pads->len, 4);
  fail_unless (capture_find_topic (cap, "/cam0/image_raw") != NULL);
  fail_unless (capture_find_topic (cap, "/cam1/image_raw") != NULL);
  fail_unless (capture_find_topic (cap, "/joint_states") != NULL);
  imu = capture_find_topic (cap, "/imu");
  fail_unless (imu != NULL);
  {
    GPtrArray *ours = capture_pad_lines (imu);

    assert_same_stream (ours, ref, "decodebin /imu");
    g_ptr_array_free (ours, TRUE);
  }
  g_ptr_array_free (ref, TRUE);
  capture_free (cap);
}

GST_END_TEST;

/* gst-discoverer-1.0 x.bag: container, duration, seekable, every topic */
GST_START_TEST (test_discoverer)
{
  const gchar *argv[] = { "gst-discoverer-1.0", "-v", FIX ("sample.bag"),
    NULL
  };
  gchar *out = NULL;
  gint status;
  const gchar *topics[] = { "/cam0/image_raw", "/cam1/image_raw", "/imu",
    "/joint_states", NULL
  };
  guint i;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL)) {
    g_print ("SKIP: gst-discoverer-1.0 not found\n");
    return;
  }
  fail_unless (strstr (out, "application/x-rosbag") != NULL, "%s", out);
  fail_unless (strstr (out, "Seekable: yes") != NULL, "%s", out);
  fail_unless (strstr (out, "Duration: 0:00:02.990000000") != NULL, "%s", out);
  for (i = 0; topics[i]; i++)
    fail_unless (strstr (out, topics[i]) != NULL, "%s not in %s", topics[i],
        out);
  g_free (out);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* MCAP (tests/files/mcap: written with @mcap/core; counts from its README,
 * payloads from @mcap/core's McapStreamReader where node is there) */

typedef struct
{
  const gchar *name;
  const gchar *counts;          /* topic=messages, as the README says */
  gboolean indexed;
} McapFixture;

static const McapFixture mcap_fixtures[] = {
  {"zstd.mcap", "/chatter=10,/imu=200,/joint_states=100,/tf=100", TRUE},
  {"lz4.mcap", "/chatter=10,/imu=200,/joint_states=100,/tf=100", TRUE},
  {"none.mcap", "/chatter=10,/imu=200,/joint_states=100,/tf=100", TRUE},
  {"nosummary.mcap", "/chatter=10,/imu=200,/joint_states=100,/tf=100", FALSE},
  {"noindex.mcap", "/chatter=10,/imu=200,/joint_states=100,/tf=100", TRUE},
  {"unchunked.mcap", "/chatter=5,/imu=100,/joint_states=50,/tf=50", TRUE},
  {"overlap.mcap", "/a=88,/b=87", TRUE},
  {"bigmsg.mcap", "/camera/image_raw=1,/chatter=10,/imu=200,"
        "/joint_states=100,/tf=100", TRUE},
  {"multichannel.mcap", "/chatter=100,/raw=12,/status=12,/unused=0", TRUE},
  {"ros1.mcap", "/chatter=20,/count=40,/point=10", TRUE},
};

/* every topic of @counts has a pad with that many buffers (push mode: no
 * pad for a topic without messages) */
static void
assert_mcap_counts (Capture * cap, const gchar * counts, Mode mode,
    const gchar * what)
{
  gchar **items = g_strsplit (counts, ",", -1);
  guint i, n_pads = 0;

  for (i = 0; items[i]; i++) {
    gchar **kv = g_strsplit (items[i], "=", 2);
    guint n = atoi (kv[1]);
    CapPad *p = capture_find_topic (cap, kv[0]);

    if (n == 0 && mode == PUSH) {
      fail_unless (p == NULL, "%s: a pad for %s, which has no messages",
          what, kv[0]);
    } else {
      fail_unless (p != NULL, "%s: no pad for %s", what, kv[0]);
      fail_unless_equals_int (p->bufs->len, n);
      n_pads++;
    }
    g_strfreev (kv);
  }
  fail_unless_equals_int (cap->pads->len, n_pads);
  g_strfreev (items);
}

/* PTS = log time - @base; one receive-time and one publish-time meta, the
 * publish time @mcap/core's (a header stamp only on ROS 1 messages with a
 * Header: ros1.mcap's /point) */
static void
assert_mcap_times (Capture * cap, McapRef * ref, guint64 base,
    const gchar * what)
{
  guint i, j;

  assert_receive_pts (cap, base, what);
  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);
    GPtrArray *lines = capture_pad_lines (p);

    for (j = 0; j < p->bufs->len; j++) {
      CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

      fail_unless_equals_int (b->n_pub, 1);
      if (ref)
        fail_unless_equals_uint64 (b->pub, mcap_ref_publish (ref,
                g_ptr_array_index (lines, j)));
    }
    g_ptr_array_free (lines, TRUE);
  }
}

static guint64
lines_min_time (GPtrArray * lines)
{
  guint64 m = G_MAXUINT64;
  guint i;

  for (i = 0; i < lines->len; i++)
    m = MIN (m, line_time (g_ptr_array_index (lines, i)));
  return m;
}

/* Every fixture in pull and push mode: pads and counts as the README says,
 * the payloads, log and publish times @mcap/core reads, in log-time order
 * in pull mode (chunks that overlap and lie out of file order included) */
GST_START_TEST (test_mcap_fixtures)
{
  guint i;
  Mode mode;

  for (i = 0; i < G_N_ELEMENTS (mcap_fixtures); i++) {
    const McapFixture *f = &mcap_fixtures[i];
    gchar *path = mcap_fixture (f->name);
    McapRef *ref;

    if (!path)
      continue;
    ref = mcap_ref (path);
    for (mode = PULL; mode <= PUSH; mode++) {
      Capture *cap = demux_run (path, mode, "raw=true");
      gchar *what = g_strdup_printf ("%s (mode %d)", f->name, mode);
      GPtrArray *ours;

      fail_if (cap->error, "%s: %s", what, cap->error ?
          cap->error->message : "");
      fail_unless (cap->eos);
      if (f->indexed) {
        fail_unless_equals_int (cap->warnings->len, 0);
      } else {
        fail_unless (capture_has_warning (cap, "not indexed"), "%s", what);
      }
      assert_pad_events (cap, what);
      assert_mcap_counts (cap, f->counts, mode, what);
      ours = capture_lines (cap);
      if (mode == PULL)
        assert_time_order (ours, what);
      if (ref) {
        GPtrArray *sorted = mcap_ref_time_order (ref, NULL);
        /* push mode: the first message in file order is the base */
        guint64 base = mode == PULL ? lines_min_time (ref->lines) :
            line_time (g_ptr_array_index (ref->lines, 0));

        if (mode == PULL)
          assert_same_stream (ours, sorted, what);
        else
          assert_same_multiset (ours, ref->lines, what);
        assert_mcap_times (cap, ref, base, what);
        g_ptr_array_free (sorted, TRUE);
      } else {
        assert_mcap_times (cap, NULL, mode == PULL ? lines_min_time (ours) :
            line_time (g_ptr_array_index (ours, 0)), what);
      }
      g_ptr_array_free (ours, TRUE);
      capture_free (cap);
      g_free (what);
    }
    mcap_ref_free (ref);
    g_free (path);
  }
}

GST_END_TEST;

/* ---- push mode over HTTP: souphttpsrc from a server on 127.0.0.1 ---- */

typedef struct
{
  GBytes *body;
  guint requests;
  GSocketListener *listener;
  GCancellable *stop;
} HttpFile;

/* one request per connection: reads up to the blank line, answers the
 * whole file (Range is ignored; bagdemux in push mode reads it once) */
static void
http_serve (HttpFile * hf, GSocketConnection * conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GString *req = g_string_new (NULL);
  gchar buf[1024];
  gssize n;
  gchar *head;
  gsize len;
  const guint8 *d = g_bytes_get_data (hf->body, &len);

  while (!strstr (req->str, "\r\n\r\n") && req->len < 65536
      && (n = g_input_stream_read (in, buf, sizeof (buf), NULL, NULL)) > 0)
    g_string_append_len (req, buf, n);
  g_atomic_int_inc (&hf->requests);
  head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: "
      "application/octet-stream\r\nContent-Length: %" G_GSIZE_FORMAT
      "\r\nConnection: close\r\n\r\n", len);
  if (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL))
    g_output_stream_write_all (out, d, len, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_free (head);
  g_string_free (req, TRUE);
}

/* the server's own thread: blocking accepts until cancelled */
static gpointer
http_thread (gpointer data)
{
  HttpFile *hf = data;
  GSocketConnection *conn;

  while ((conn = g_socket_listener_accept (hf->listener, NULL, hf->stop, NULL))) {
    http_serve (hf, conn);
    g_object_unref (conn);
  }
  return NULL;
}

/* batch-time: small messages come as buffer lists, each pad's buffers the
 * same as without batching (order, timestamps, metas, bytes); events
 * follow the buffers held back */
static void
assert_same_pads (Capture * a, Capture * b, const gchar * what)
{
  guint i, k;

  fail_unless_equals_int (a->pads->len, b->pads->len);
  for (i = 0; i < a->pads->len; i++) {
    CapPad *pa = g_ptr_array_index (a->pads, i);
    CapPad *pb = capture_find_pad (b, pa->name);

    fail_unless (pb != NULL, "%s: no pad %s", what, pa->name);
    fail_unless_equals_int (pa->bufs->len, pb->bufs->len);
    for (k = 0; k < pa->bufs->len; k++) {
      CapBuf *x = &g_array_index (pa->bufs, CapBuf, k);
      CapBuf *y = &g_array_index (pb->bufs, CapBuf, k);

      fail_unless (x->pts == y->pts && x->recv == y->recv,
          "%s %s buffer %u: pts %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
          ", receive time %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, what,
          pa->name, k, x->pts, y->pts, x->recv, y->recv);
      fail_unless_equals_uint64 (x->hdr, y->hdr);
      fail_unless_equals_int (x->n_recv, 1);
      fail_unless_equals_int (y->n_recv, 1);
      fail_unless_equals_int (x->n_hdr, y->n_hdr);
      fail_unless (x->n_hdr <= 1);
      fail_unless_equals_int (x->len, y->len);
      fail_unless (!g_strcmp0 (x->sha1, y->sha1),
          "%s %s buffer %u of %u (%u bytes): bytes differ", what, pa->name, k,
          pa->bufs->len, (guint) x->len);
    }
    /* stream-start, caps, tags, segment, buffers and gaps, one EOS last */
    fail_unless (g_str_has_suffix (pa->events->str, "E"), "%s %s: %s", what,
        pa->name, pa->events->str);
    fail_unless_equals_int (pa->n_eos, 1);
  }
}

GST_START_TEST (test_batching)
{
  const gchar *files[] = { FIX ("basic-lz4.bag"), FIX ("images.bag"),
    FIX ("sample.bag"), FIX ("overlap.bag")
  };
  guint f, i;

  for (f = 0; f < G_N_ELEMENTS (files); f++) {
    Capture *alone = demux_run (files[f], PULL, "batch-time=0");
    Capture *batched = demux_run (files[f], PULL, "batch-time=20000000");
    Capture *wide = demux_run (files[f], PULL, "batch-time=10000000000");
    Capture *pushed = demux_run (files[f], PUSH, "batch-time=20000000");
    Capture *pushed_alone = demux_run (files[f], PUSH, "batch-time=0");
    guint lists = 0, n = 0;

    fail_if (alone->error || batched->error || wide->error || pushed->error
        || pushed_alone->error);
    for (i = 0; i < alone->pads->len; i++) {
      CapPad *p = g_ptr_array_index (alone->pads, i);

      fail_unless_equals_int (p->n_lists, 0);
      n += p->bufs->len;
    }
    for (i = 0; i < wide->pads->len; i++)
      lists += ((CapPad *) g_ptr_array_index (wide->pads, i))->n_lists;
    fail_unless (n > 0);
    /* (a 10 s window: every topic with small messages batches) */
    fail_unless (lists > 0, "%s: no buffer list", files[f]);
    assert_same_pads (alone, batched, files[f]);
    assert_same_pads (alone, wide, files[f]);
    /* (push mode reads in file order) */
    assert_same_pads (pushed_alone, pushed, files[f]);
    capture_free (pushed_alone);
    capture_free (alone);
    capture_free (batched);
    capture_free (wide);
    capture_free (pushed);
  }
}

GST_END_TEST;

GST_START_TEST (test_mcap_http)
{
  const gchar *names[] = { "zstd.mcap", "nosummary.mcap", NULL };
  GstElement *probe = gst_element_factory_make ("souphttpsrc", NULL);
  guint i;

  if (!probe) {
    g_print ("SKIP: souphttpsrc (gst-plugins-good) is not installed\n");
    return;
  }
  gst_object_unref (probe);
  for (i = 0; names[i]; i++) {
    gchar *path = mcap_fixture (names[i]);
    gchar *data, *desc;
    gsize len;
    HttpFile hf = { NULL, 0, NULL, NULL };
    GSocketAddress *addr, *bound = NULL;
    GThread *server;
    guint16 port;
    Capture *cap;
    GPtrArray *ours;
    McapRef *ref;

    if (!path)
      continue;
    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    hf.body = g_bytes_new_take (data, len);
    hf.listener = g_socket_listener_new ();
    hf.stop = g_cancellable_new ();
    addr = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
    fail_unless (g_socket_listener_add_address (hf.listener, addr,
            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    server = g_thread_new ("http", http_thread, &hf);

    desc = g_strdup_printf ("souphttpsrc location=http://127.0.0.1:%u/%s ! "
        "bagdemux name=d", port, names[i]);
    cap = capture_new (desc);
    fail_unless (capture_run (cap, FALSE), "%s timed out", desc);
    fail_if (cap->error, "%s: %s (%s)", desc, cap->error ?
        cap->error->message : "", cap->error_debug);
    fail_unless (hf.requests >= 1);
    assert_pad_events (cap, desc);
    ours = capture_lines (cap);
    ref = mcap_ref (path);
    if (ref)
      assert_same_multiset (ours, ref->lines, desc);
    else
      fail_unless (ours->len > 100, "%s: %u messages", desc, ours->len);
    mcap_ref_free (ref);
    g_ptr_array_free (ours, TRUE);
    capture_free (cap);

    g_cancellable_cancel (hf.stop);
    g_thread_join (server);
    g_socket_listener_close (hf.listener);
    g_object_unref (hf.listener);
    g_object_unref (hf.stop);
    g_object_unref (addr);
    g_object_unref (bound);
    g_bytes_unref (hf.body);
    g_free (desc);
    g_free (path);
  }
}

GST_END_TEST;

/* GstHarness pushing MCAP files in pieces of 1, 2, ... 97 bytes */
GST_START_TEST (test_mcap_push_pieces)
{
  const gchar *names[] = { "zstd.mcap", "multichannel.mcap", "bigmsg.mcap",
    NULL
  };
  guint i;

  for (i = 0; names[i]; i++) {
    gchar *path = mcap_fixture (names[i]);
    Capture *cap;
    GstHarness *h;
    GPtrArray *ours;
    McapRef *ref;

    if (!path)
      continue;
    cap = capture_new_bare ();
    h = push_in_pieces (path, "application/x-mcap", cap);

    assert_pad_events (cap, path);
    fail_if (cap->error);
    ours = capture_lines (cap);
    ref = mcap_ref (path);
    if (ref)
      assert_same_multiset (ours, ref->lines, path);
    else
      fail_unless (ours->len > 100);
    mcap_ref_free (ref);
    g_ptr_array_free (ours, TRUE);
    gst_harness_teardown (h);
    capture_free (cap);
    g_free (path);
  }
}

GST_END_TEST;

static GstStructure *
pad_caps (Capture * cap, const gchar * topic)
{
  CapPad *p = capture_find_topic (cap, topic);

  fail_unless (p != NULL, "no pad for %s", topic);
  fail_unless (p->caps->len >= 1);
  return gst_caps_get_structure (g_ptr_array_index (p->caps, 0), 0);
}

/* Caps per message encoding: cdr, json with and without a schema, ros1 in
 * MCAP, a ROS 2 image (not mapped), and encoding=ros1 on a bag's topics */
GST_START_TEST (test_mcap_caps)
{
  gchar *multi = mcap_fixture ("multichannel.mcap");
  gchar *ros1 = mcap_fixture ("ros1.mcap");
  gchar *big = mcap_fixture ("bigmsg.mcap");
  Mode mode;

  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap;
    GstStructure *st;
    const GValue *v;
    GstMapInfo map;
    GstBuffer *schema;

    if (multi) {
      cap = demux_run (multi, mode, NULL);
      fail_if (cap->error);
      st = pad_caps (cap, "/chatter");
      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-rosmsg");
      fail_unless_equals_string (gst_structure_get_string (st, "encoding"),
          "cdr");
      fail_unless_equals_string (gst_structure_get_string (st,
              "schema-encoding"), "ros2msg");
      fail_unless_equals_string (gst_structure_get_string (st, "type"),
          "std_msgs/msg/String");
      fail_unless (strstr (gst_structure_get_string (st, "definition"),
              "string data") != NULL);
      fail_unless_equals_string (gst_structure_get_string (st, "topic"),
          "/chatter");
      fail_if (gst_structure_has_field (st, "md5sum"));

      st = pad_caps (cap, "/status");
      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-mcap-message");
      fail_unless_equals_string (gst_structure_get_string (st, "encoding"),
          "json");
      fail_unless_equals_string (gst_structure_get_string (st,
              "schema-encoding"), "jsonschema");
      fail_unless_equals_string (gst_structure_get_string (st,
              "schema-name"), "gst_rosbag_test.Status");
      v = gst_structure_get_value (st, "schema");
      fail_unless (v != NULL && G_VALUE_HOLDS (v, GST_TYPE_BUFFER));
      schema = gst_value_get_buffer (v);
      fail_unless (gst_buffer_map (schema, &map, GST_MAP_READ));
      fail_unless (map.size > 10 && map.data[0] == '{');
      fail_unless (g_strstr_len ((gchar *) map.data, map.size,
              "\"level\"") != NULL);
      gst_buffer_unmap (schema, &map);

      /* a channel without a schema */
      st = pad_caps (cap, "/raw");
      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-mcap-message");
      fail_unless_equals_string (gst_structure_get_string (st, "encoding"),
          "json");
      fail_unless_equals_string (gst_structure_get_string (st,
              "schema-name"), "");
      schema = gst_value_get_buffer (gst_structure_get_value (st, "schema"));
      fail_unless_equals_int (gst_buffer_get_size (schema), 0);
      {
        CapPad *p = capture_find_topic (cap, "/raw");

        /* no ros-type tag for a schemaless channel */
        fail_unless (p->type == NULL);
      }
      capture_free (cap);
    }
    if (ros1) {
      cap = demux_run (ros1, mode, NULL);
      fail_if (cap->error);
      st = pad_caps (cap, "/chatter");
      fail_unless_equals_string (gst_structure_get_name (st),
          "application/x-rosmsg");
      fail_unless_equals_string (gst_structure_get_string (st, "encoding"),
          "ros1");
      fail_unless_equals_string (gst_structure_get_string (st, "type"),
          "std_msgs/String");
      fail_unless_equals_string (gst_structure_get_string (st, "definition"),
          "string data\n");
      capture_free (cap);
    }
    if (big) {
      CapPad *p;

      cap = demux_run (big, mode, NULL);
      fail_if (cap->error);
      /* a ROS 2 image is video, as in ROS 1 */
      st = pad_caps (cap, "/camera/image_raw");
      fail_unless_equals_string (gst_structure_get_name (st), "video/x-raw");
      fail_unless_equals_string (gst_structure_get_string (st, "format"),
          "RGB");
      p = capture_find_topic (cap, "/camera/image_raw");
      fail_unless_equals_int (p->bufs->len, 1);
      /* bigger than the chunk size, one buffer: the pixels */
      fail_unless_equals_int (g_array_index (p->bufs, CapBuf, 0).len,
          400 * 250 * 3);
      fail_unless_equals_int (gst_stream_get_stream_type (p->stream),
          GST_STREAM_TYPE_VIDEO);
      capture_free (cap);
    }
    /* a bag: encoding=ros1 beside its fields; no publish-time meta */
    cap = demux_run (FIX ("sample.bag"), mode, "raw=true");
    fail_if (cap->error);
    {
      guint i, k;

      for (i = 0; i < cap->pads->len; i++) {
        CapPad *p = g_ptr_array_index (cap->pads, i);

        st = gst_caps_get_structure (g_ptr_array_index (p->caps, 0), 0);
        fail_unless_equals_string (gst_structure_get_string (st, "encoding"),
            "ros1");
        fail_unless (gst_structure_get_string (st, "md5sum") != NULL);
        for (k = 0; k < p->bufs->len; k++)
          fail_unless_equals_int (g_array_index (p->bufs, CapBuf, k).n_pub, 0);
      }
    }
    capture_free (cap);
  }
  g_free (multi);
  g_free (ros1);
  g_free (big);
}

GST_END_TEST;

/* Seeks in an MCAP file: flushing seek, then a segment seek; the messages
 * @mcap/core has in that range */
GST_START_TEST (test_mcap_seek)
{
  const gchar *names[] = { "zstd.mcap", "overlap.mcap", NULL };
  guint i;

  for (i = 0; names[i]; i++) {
    gchar *path = mcap_fixture (names[i]);
    McapRef *ref;
    Capture *cap;
    guint64 base;
    GPtrArray *ours, *want, *sorted;
    guint k;
    gint64 dur;

    if (!path)
      continue;
    ref = mcap_ref (path);
    cap = paused_pull (path, "raw=true");
    fail_unless (gst_element_query_duration (cap->pipeline, GST_FORMAT_TIME,
            &dur));
    fail_unless (dur > GST_SECOND);
    fail_unless (gst_element_seek_simple (cap->pipeline, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH, GST_SECOND));
    fail_unless (capture_run (cap, FALSE));
    fail_if (cap->error);
    fail_unless (cap->eos);
    ours = capture_lines (cap);
    fail_unless (ours->len > 10);
    assert_time_order (ours, path);
    if (ref) {
      sorted = mcap_ref_time_order (ref, NULL);
      base = lines_min_time (ref->lines);
      want = g_ptr_array_new_with_free_func (g_free);
      for (k = 0; k < sorted->len; k++)
        if (line_time (g_ptr_array_index (sorted, k)) >= base + GST_SECOND)
          g_ptr_array_add (want, g_strdup (g_ptr_array_index (sorted, k)));
      assert_same_stream (ours, want, path);
      g_ptr_array_free (want, TRUE);
      g_ptr_array_free (sorted, TRUE);
    }
    g_ptr_array_free (ours, TRUE);
    capture_free (cap);

    /* a segment seek [0.5 s, 1.5 s): SEGMENT_DONE, the range only */
    cap = paused_pull (path, "raw=true");
    fail_unless (gst_element_seek (cap->pipeline, 1.0, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT, GST_SEEK_TYPE_SET,
            500 * GST_MSECOND, GST_SEEK_TYPE_SET, 1500 * GST_MSECOND));
    fail_unless (capture_run (cap, TRUE));
    fail_if (cap->error);
    fail_unless_equals_int (cap->n_segment_done, 1);
    ours = capture_lines (cap);
    fail_unless (ours->len > 0);
    base = ref ? lines_min_time (ref->lines) : 0;
    for (k = 0; ref && k < ours->len; k++) {
      guint64 t = line_time (g_ptr_array_index (ours, k));

      fail_unless (t >= base + 500 * GST_MSECOND
          && t < base + 1500 * GST_MSECOND);
    }
    g_ptr_array_free (ours, TRUE);
    capture_free (cap);
    mcap_ref_free (ref);
    g_free (path);
  }
}

GST_END_TEST;

/* truncated.mcap (zstd.mcap cut inside a chunk): a warning naming the file
 * and a byte offset; every message @mcap/core reads before the cut, and
 * nothing that is not in zstd.mcap */
GST_START_TEST (test_mcap_truncated)
{
  gchar *path = mcap_fixture ("truncated.mcap");
  gchar *whole = mcap_fixture ("zstd.mcap");
  McapRef *ref, *full;
  Mode mode;

  if (!path || !whole) {
    g_free (path);
    g_free (whole);
    return;
  }
  ref = mcap_ref (path);
  full = mcap_ref (whole);
  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode, "raw=true");
    gchar *what = g_strdup_printf ("truncated.mcap (mode %d)", mode);
    GPtrArray *ours;

    fail_if (cap->error, "%s: %s", what, cap->error ? cap->error->message : "");
    fail_unless (cap->eos);
    fail_unless (capture_has_warning (cap, "truncated.mcap"), "%s", what);
    fail_unless (capture_has_warning (cap, "byte"), "%s", what);
    assert_pad_events (cap, what);
    ours = capture_lines (cap);
    /* README: 191 messages before the cut */
    fail_unless (ours->len >= 191, "%s: %u messages", what, ours->len);
    if (mode == PULL)
      assert_time_order (ours, what);
    if (ref && full) {
      assert_contains (ours, ref->lines, TRUE, what);
      assert_contains (full->lines, ours, TRUE, what);
    }
    g_ptr_array_free (ours, TRUE);
    capture_free (cap);
    g_free (what);
  }
  mcap_ref_free (ref);
  mcap_ref_free (full);
  g_free (path);
  g_free (whole);
}

GST_END_TEST;

/* ros1.mcap: the md5sum of the ros1 profile's channel metadata is in the
 * caps, as for a bag */
GST_START_TEST (test_mcap_ros1_md5sum)
{
  gchar *path = mcap_fixture ("ros1.mcap");
  Mode mode;

  if (!path)
    return;
  for (mode = PULL; mode <= PUSH; mode++) {
    Capture *cap = demux_run (path, mode, NULL);
    GstStructure *st;

    fail_if (cap->error);
    st = pad_caps (cap, "/chatter");
    fail_unless_equals_string (gst_structure_get_string (st, "md5sum"),
        "992ce8a1687cec8c8bd883ec73ca41d1");
    st = pad_caps (cap, "/count");
    fail_unless_equals_string (gst_structure_get_string (st, "md5sum"),
        "da5909fbe378aeaf85e547e830cc1bb7");
    capture_free (cap);
  }
  g_free (path);
}

GST_END_TEST;

/* timestamp-source=header on cdr topics: header.stamp read by the decoder
 * (ros2-images.mcap: every stamp is its log time - 5 ms); topics without a
 * header keep their receive time, without a warning */
GST_START_TEST (test_mcap_header_source)
{
  gchar *path = mcap_fixture ("zstd.mcap");
  gchar *images = mcap_fixture ("ros2-images.mcap");
  Capture *cap;
  guint i, j;
  Mode mode;

  if (!path || !images)
    goto done;
  cap = demux_run (path, PULL, "raw=true timestamp-source=header");
  fail_if (cap->error);
  fail_unless (cap->eos);
  for (i = 0; i < cap->warnings->len; i++)
    fail_if (strstr (g_ptr_array_index (cap->warnings, i), "header"),
        "%s", (gchar *) g_ptr_array_index (cap->warnings, i));
  {
    GPtrArray *ours = capture_lines (cap);
    guint64 base = lines_min_time (ours), n_hdr = 0;

    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);

      for (j = 0; j < p->bufs->len; j++) {
        CapBuf *b = &g_array_index (p->bufs, CapBuf, j);
        guint64 t = b->n_hdr ? b->hdr : b->recv;

        n_hdr += b->n_hdr;
        fail_unless_equals_uint64 (b->pts, t >= base ? t - base : 0);
      }
    }
    /* /imu has a header */
    fail_unless (n_hdr > 0);
    g_ptr_array_free (ours, TRUE);
  }
  capture_free (cap);

  for (mode = PULL; mode <= PUSH; mode++) {
    guint64 base = G_MAXUINT64;
    guint n = 0;

    cap = demux_run (images, mode, "timestamp-source=header");
    fail_if (cap->error);
    fail_unless (cap->eos);
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);

      for (j = 0; j < p->bufs->len; j++)
        base = MIN (base, g_array_index (p->bufs, CapBuf, j).recv);
    }
    for (i = 0; i < cap->pads->len; i++) {
      CapPad *p = g_ptr_array_index (cap->pads, i);

      for (j = 0; j < p->bufs->len; j++) {
        CapBuf *b = &g_array_index (p->bufs, CapBuf, j);

        fail_unless_equals_int (b->n_hdr, 1);
        fail_unless_equals_uint64 (b->hdr + 5000000, b->recv);
        fail_unless_equals_uint64 (b->pts, b->hdr >= base ? b->hdr - base : 0);
        n++;
      }
    }
    fail_unless (n >= 40, "%u buffers", n);
    capture_free (cap);
  }
done:
  g_free (path);
  g_free (images);
}

GST_END_TEST;

/* The MCAP magic is application/x-mcap; decodebin and gst-discoverer-1.0
 * reach bagdemux through it */
GST_START_TEST (test_mcap_typefind)
{
  gchar *path = mcap_fixture ("zstd.mcap");
  gchar *dir = make_tmpdir ();
  gchar *magic = write_tmp (dir, "magic.mcap", "\x89MCAP0\r\n", 8);
  const gchar *files[] = { path, magic, NULL };
  guint i;

  if (!path) {
    g_free (magic);
    rm_tmpdir (dir);
    return;
  }
  for (i = 0; files[i]; i++) {
    GstElement *src = gst_element_factory_make ("filesrc", NULL);
    GstPad *pad;
    GstCaps *caps;

    g_object_set (src, "location", files[i], NULL);
    fail_unless (gst_element_set_state (src, GST_STATE_PAUSED) !=
        GST_STATE_CHANGE_FAILURE);
    pad = gst_element_get_static_pad (src, "src");
    caps = gst_type_find_helper (pad, 0);
    fail_unless (caps != NULL, "%s not recognised", files[i]);
    fail_unless_equals_string (gst_structure_get_name
        (gst_caps_get_structure (caps, 0)), "application/x-mcap");
    gst_caps_unref (caps);
    gst_object_unref (pad);
    gst_element_set_state (src, GST_STATE_NULL);
    gst_object_unref (src);
  }

  {
    gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin "
        "name=d caps=\"application/x-rosmsg\"", path);
    Capture *cap = capture_new (desc);
    CapPad *imu;

    g_free (desc);
    fail_unless (capture_run (cap, FALSE));
    fail_if (cap->error, "%s", cap->error ? cap->error->message : "");
    fail_unless_equals_int (cap->pads->len, 4);
    imu = capture_find_topic (cap, "/imu");
    fail_unless (imu != NULL);
    fail_unless_equals_int (imu->bufs->len, 200);
    capture_free (cap);
  }

  {
    const gchar *argv[] = { "gst-discoverer-1.0", "-v", path, NULL };
    gchar *out = NULL;
    gint status;

    if (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH |
            G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
            NULL)) {
      /* no topic has a decoder: each is a missing plugin for its caps */
      fail_unless (strstr (out, "sensor_msgs/msg/Imu") != NULL, "%s", out);
      fail_unless (strstr (out, "encoding=(string)cdr") != NULL, "%s", out);
      g_free (out);
    } else {
      g_print ("SKIP: gst-discoverer-1.0 not found\n");
    }
  }
  g_free (path);
  g_free (magic);
  rm_tmpdir (dir);
}

GST_END_TEST;

static Suite *
bagdemux_suite (void)
{
  Suite *s = suite_create ("bagdemux");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pull_fixtures);
  tcase_add_test (tc, test_push_fixtures);
  tcase_add_test (tc, test_push_harness_pieces);
  tcase_add_test (tc, test_pull_realbags);
  tcase_add_test (tc, test_pad_names);
  tcase_add_test (tc, test_collection_and_tags);
  tcase_add_test (tc, test_caps);
  tcase_add_test (tc, test_bad_first_image);
  tcase_add_test (tc, test_topic_globs);
  tcase_add_test (tc, test_time_range);
  tcase_add_test (tc, test_timestamps);
  tcase_add_test (tc, test_zero_header_stamps);
  tcase_add_test (tc, test_batching);
  tcase_add_test (tc, test_seek_flush);
  tcase_add_test (tc, test_seek_stop_at_end);
  tcase_add_test (tc, test_seek_segment);
  tcase_add_test (tc, test_unlinked_pads);
  tcase_add_test (tc, test_seek_rate);
  tcase_add_test (tc, test_queries);
  tcase_add_test (tc, test_gaps);
  tcase_add_test (tc, test_error_missing_file);
  tcase_add_test (tc, test_error_fragment);
  tcase_add_test (tc, test_error_not_a_bag);
  tcase_add_test (tc, test_error_v12);
  tcase_add_test (tc, test_error_empty_bag);
  tcase_add_test (tc, test_truncated);
  tcase_add_test (tc, test_corrupt_chunk);
  tcase_add_test (tc, test_unindexed);
  tcase_add_test (tc, test_corrupt_record);
  tcase_add_test (tc, test_error_encrypted);
  tcase_add_test (tc, test_cache_size);
  tcase_add_test (tc, test_gaps_push);
  tcase_add_test (tc, test_typefind);
  tcase_add_test (tc, test_decodebin);
  tcase_add_test (tc, test_discoverer);
  tcase_add_test (tc, test_mcap_fixtures);
  tcase_add_test (tc, test_mcap_push_pieces);
  tcase_add_test (tc, test_mcap_http);
  tcase_add_test (tc, test_mcap_caps);
  tcase_add_test (tc, test_mcap_ros1_md5sum);
  tcase_add_test (tc, test_mcap_seek);
  tcase_add_test (tc, test_mcap_truncated);
  tcase_add_test (tc, test_mcap_header_source);
  tcase_add_test (tc, test_mcap_typefind);
  return s;
}

GST_CHECK_MAIN (bagdemux);
