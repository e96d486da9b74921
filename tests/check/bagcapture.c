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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include "rosbag-test-util.h"
#include "bagcapture.h"

static void
cap_pad_free (CapPad * p)
{
  guint i;

  g_free (p->name);
  g_free (p->topic);
  g_free (p->type);
  g_string_free (p->events, TRUE);
  for (i = 0; i < p->bufs->len; i++)
    g_free (g_array_index (p->bufs, CapBuf, i).sha1);
  g_array_free (p->bufs, TRUE);
  g_ptr_array_free (p->caps, TRUE);
  gst_clear_caps (&p->added_caps);
  g_array_free (p->segments, TRUE);
  g_array_free (p->gaps, TRUE);
  g_array_free (p->timeline, TRUE);
  if (p->own_sinkpad) {
    gst_pad_set_active (p->own_sinkpad, FALSE);
    gst_object_unref (p->own_sinkpad);
  }
  gst_clear_object (&p->stream);
  if (p->tags)
    gst_tag_list_unref (p->tags);
  g_free (p);
}

static void
add_event_char (CapPad * p, gchar c)
{
  /* runs of buffers and of gaps are one letter */
  if ((c == 'b' || c == 'g') && p->events->len > 0
      && p->events->str[p->events->len - 1] == c)
    return;
  g_string_append_c (p->events, c);
}

static void
set_topic_from_stream (CapPad * p)
{
  GstTagList *tags;
  gchar *s = NULL;

  if (!p->stream)
    return;
  tags = gst_stream_get_tags (p->stream);
  if (!tags)
    return;
  if (gst_tag_list_get_string (tags, "ros-topic", &s)) {
    g_free (p->topic);
    p->topic = s;
  }
  if (gst_tag_list_get_string (tags, "ros-type", &s)) {
    g_free (p->type);
    p->type = s;
  }
  gst_tag_list_unref (tags);
}

static void
record_buffer (CapPad * p, GstBuffer * buf)
{
  Capture *cap = p->cap;
  CapBuf b = { 0, };
  GstMapInfo map;
  gpointer state = NULL;
  GstMeta *meta;
  guint idx;

  b.pts = GST_BUFFER_PTS (buf);
  b.recv = b.hdr = b.pub = NO_TIME;
  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_REFERENCE_TIMESTAMP_META_API_TYPE))) {
    GstReferenceTimestampMeta *rm = (GstReferenceTimestampMeta *) meta;
    GstStructure *st = gst_caps_get_structure (rm->reference, 0);

    if (gst_structure_has_name (st, "timestamp/x-ros-receive-time")) {
      b.recv = rm->timestamp;
      b.n_recv++;
    } else if (gst_structure_has_name (st, "timestamp/x-ros-header-stamp")) {
      b.hdr = rm->timestamp;
      b.n_hdr++;
    } else if (gst_structure_has_name (st, "timestamp/x-ros-publish-time")) {
      b.pub = rm->timestamp;
      b.n_pub++;
    }
  }
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  b.len = map.size;
  b.sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, map.data, map.size);
  gst_buffer_unmap (buf, &map);

  g_mutex_lock (&cap->lock);
  idx = p->bufs->len;
  g_array_append_val (p->bufs, b);
  g_array_append_val (p->timeline, b.pts);
  g_array_append_val (p->timeline, b.pts);
  g_ptr_array_add (cap->order, p);
  g_array_append_val (cap->order_idx, idx);
  add_event_char (p, 'b');
  g_mutex_unlock (&cap->lock);
}

static void
clear_pad_buffers (Capture * cap, CapPad * p)
{
  guint i;

  for (i = 0; i < p->bufs->len; i++)
    g_free (g_array_index (p->bufs, CapBuf, i).sha1);
  g_array_set_size (p->bufs, 0);
  g_array_set_size (p->timeline, 0);
  for (i = cap->order->len; i > 0; i--) {
    if (g_ptr_array_index (cap->order, i - 1) == p) {
      g_ptr_array_remove_index (cap->order, i - 1);
      g_array_remove_index (cap->order_idx, i - 1);
    }
  }
}

static void
record_event (CapPad * p, GstEvent * ev)
{
  Capture *cap = p->cap;

  g_mutex_lock (&cap->lock);
  switch (GST_EVENT_TYPE (ev)) {
    case GST_EVENT_STREAM_START:{
      GstStream *s = NULL;

      gst_event_parse_stream (ev, &s);
      gst_clear_object (&p->stream);
      p->stream = s;
      set_topic_from_stream (p);
      add_event_char (p, 'S');
      break;
    }
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (ev, &caps);
      g_ptr_array_add (p->caps, gst_caps_ref (caps));
      add_event_char (p, 'C');
      break;
    }
    case GST_EVENT_TAG:{
      GstTagList *tags;

      gst_event_parse_tag (ev, &tags);
      if (p->tags) {
        GstTagList *m = gst_tag_list_merge (p->tags, tags,
            GST_TAG_MERGE_REPLACE);

        gst_tag_list_unref (p->tags);
        p->tags = m;
      } else {
        p->tags = gst_tag_list_copy (tags);
      }
      add_event_char (p, 'T');
      break;
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *seg;

      gst_event_parse_segment (ev, &seg);
      g_array_append_val (p->segments, *seg);
      add_event_char (p, 'G');
      break;
    }
    case GST_EVENT_GAP:{
      GstClockTime ts, dur;

      gst_event_parse_gap (ev, &ts, &dur);
      g_array_append_val (p->gaps, ts);
      g_array_append_val (p->gaps, dur);
      g_array_append_val (p->timeline, ts);
      ts = GST_CLOCK_TIME_IS_VALID (dur) ? ts + dur : ts;
      g_array_append_val (p->timeline, ts);
      add_event_char (p, 'g');
      break;
    }
    case GST_EVENT_EOS:
      p->n_eos++;
      add_event_char (p, 'E');
      break;
    case GST_EVENT_FLUSH_START:
      add_event_char (p, 'F');
      break;
    case GST_EVENT_FLUSH_STOP:
      add_event_char (p, 'f');
      clear_pad_buffers (cap, p);
      break;
    case GST_EVENT_SEGMENT_DONE:
      add_event_char (p, 'D');
      break;
    default:
      break;
  }
  g_mutex_unlock (&cap->lock);
}

static GstPadProbeReturn
sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  CapPad *p = user_data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER)
    record_buffer (p, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    /* bagdemux's lists of small messages: each buffer in order */
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i;

    g_mutex_lock (&p->cap->lock);
    p->n_lists++;
    g_mutex_unlock (&p->cap->lock);
    for (i = 0; i < gst_buffer_list_length (list); i++)
      record_buffer (p, gst_buffer_list_get (list, i));
  } else if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_BOTH)
    record_event (p, GST_PAD_PROBE_INFO_EVENT (info));
  return GST_PAD_PROBE_OK;
}

static gboolean
collection_has (GstStreamCollection * col, GstStream * s)
{
  guint i;

  for (i = 0; i < gst_stream_collection_get_size (col); i++) {
    GstStream *c = gst_stream_collection_get_stream (col, i);

    if (c == s || !g_strcmp0 (gst_stream_get_stream_id (c),
            gst_stream_get_stream_id (s)))
      return TRUE;
  }
  return FALSE;
}

static CapPad *
cap_pad_new (Capture * cap, GstPad * pad)
{
  CapPad *p;
  GstStream *stream;

  p = g_new0 (CapPad, 1);
  p->cap = cap;
  p->name = gst_pad_get_name (pad);
  p->events = g_string_new (NULL);
  p->bufs = g_array_new (FALSE, FALSE, sizeof (CapBuf));
  p->caps = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_caps_unref);
  p->segments = g_array_new (FALSE, FALSE, sizeof (GstSegment));
  p->gaps = g_array_new (FALSE, FALSE, sizeof (guint64));
  p->timeline = g_array_new (FALSE, FALSE, sizeof (guint64));
  p->added_caps = gst_pad_get_current_caps (pad);

  stream = gst_pad_get_stream (pad);
  g_mutex_lock (&cap->lock);
  p->added_seq = ++cap->seq;
  p->n_collections_before = cap->n_collections;
  if (stream && cap->collection)
    p->collection_had_stream = collection_has (cap->collection, stream);
  g_ptr_array_add (cap->pads, p);
  g_mutex_unlock (&cap->lock);
  gst_clear_object (&stream);
  return p;
}

static GstFlowReturn
own_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  record_buffer (gst_pad_get_element_private (pad), buf);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static gboolean
own_event (GstPad * pad, GstObject * parent, GstEvent * ev)
{
  record_event (gst_pad_get_element_private (pad), ev);
  gst_event_unref (ev);
  return TRUE;
}

static gboolean
own_query (GstPad * pad, GstObject * parent, GstQuery * q)
{
  return FALSE;
}

void
capture_attach_pad (Capture * cap, GstPad * srcpad)
{
  CapPad *p = cap_pad_new (cap, srcpad);
  gchar *name = g_strdup_printf ("capture_%s", p->name);

  p->own_sinkpad = gst_object_ref_sink (gst_pad_new (name, GST_PAD_SINK));
  g_free (name);
  gst_pad_set_element_private (p->own_sinkpad, p);
  gst_pad_set_chain_function (p->own_sinkpad, own_chain);
  gst_pad_set_event_function (p->own_sinkpad, own_event);
  gst_pad_set_query_function (p->own_sinkpad, own_query);
  gst_pad_set_active (p->own_sinkpad, TRUE);
  fail_unless_equals_int (gst_pad_link (srcpad, p->own_sinkpad),
      GST_PAD_LINK_OK);
}

Capture *
capture_new_bare (void)
{
  Capture *cap = g_new0 (Capture, 1);

  g_mutex_init (&cap->lock);
  g_cond_init (&cap->cond);
  cap->pads = g_ptr_array_new_with_free_func ((GDestroyNotify) cap_pad_free);
  cap->order = g_ptr_array_new ();
  cap->order_idx = g_array_new (FALSE, FALSE, sizeof (guint));
  cap->warnings = g_ptr_array_new_with_free_func (g_free);
  cap->element_msgs =
      g_ptr_array_new_with_free_func ((GDestroyNotify) gst_structure_free);
  cap->nmp_seq = -1;
  cap->last_collection_seq = -1;
  cap->last_segment_done = -1;
  return cap;
}

static void
on_pad_added (GstElement * el, GstPad * pad, Capture * cap)
{
  CapPad *p;
  GstElement *sink;
  GstPad *sinkpad;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || gst_pad_is_linked (pad))
    return;
  p = cap_pad_new (cap, pad);
  sink = gst_element_factory_make ("fakesink", NULL);
  fail_unless (sink != NULL);
  g_object_set (sink, "sync", cap->sync, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (cap->pipeline), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, sink_probe, p, NULL);
  fail_unless (gst_element_sync_state_with_parent (sink));
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
}

static void
on_no_more_pads (GstElement * el, Capture * cap)
{
  g_mutex_lock (&cap->lock);
  cap->nmp_seq = ++cap->seq;
  g_cond_broadcast (&cap->cond);
  g_mutex_unlock (&cap->lock);
}

static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Capture *cap = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_STREAM_COLLECTION) {
    GstStreamCollection *col = NULL;

    gst_message_parse_stream_collection (msg, &col);
    g_mutex_lock (&cap->lock);
    cap->n_collections++;
    cap->last_collection_seq = ++cap->seq;
    gst_clear_object (&cap->collection);
    cap->collection = col;
    g_mutex_unlock (&cap->lock);
  }
  return GST_BUS_PASS;
}

Capture *
capture_new (const gchar * desc)
{
  Capture *cap = capture_new_bare ();
  GError *err = NULL;
  GstBus *bus;

  cap->pipeline = gst_parse_launch (desc, &err);
  fail_unless (cap->pipeline != NULL, "cannot parse %s: %s", desc,
      err ? err->message : "?");
  g_clear_error (&err);
  if (!GST_IS_PIPELINE (cap->pipeline)) {
    /* a lone element (bagsrc name=d ...) */
    GstElement *pipe = gst_pipeline_new (NULL);

    gst_bin_add (GST_BIN (pipe), cap->pipeline);
    cap->pipeline = pipe;
  }
  cap->exposer = gst_bin_get_by_name (GST_BIN (cap->pipeline), "d");
  fail_unless (cap->exposer != NULL, "no element named d in %s", desc);
  g_signal_connect (cap->exposer, "pad-added", G_CALLBACK (on_pad_added), cap);
  g_signal_connect (cap->exposer, "no-more-pads",
      G_CALLBACK (on_no_more_pads), cap);
  bus = gst_element_get_bus (cap->pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, cap, NULL);
  gst_object_unref (bus);
  return cap;
}

void
capture_free (Capture * cap)
{
  GstBus *bus;

  if (cap->pipeline) {
    fail_unless (gst_element_set_state (cap->pipeline, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
    bus = gst_element_get_bus (cap->pipeline);
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    gst_object_unref (bus);
    gst_object_unref (cap->exposer);
    gst_object_unref (cap->pipeline);
  }
  g_ptr_array_free (cap->pads, TRUE);
  g_ptr_array_free (cap->order, TRUE);
  g_array_free (cap->order_idx, TRUE);
  g_ptr_array_free (cap->warnings, TRUE);
  g_ptr_array_free (cap->element_msgs, TRUE);
  gst_clear_object (&cap->collection);
  g_clear_error (&cap->error);
  g_free (cap->error_debug);
  g_mutex_clear (&cap->lock);
  g_cond_clear (&cap->cond);
  g_free (cap);
}

/* returns the message type handled */
GstMessageType
capture_handle_message (Capture * cap, GstMessage * msg)
{
  GstMessageType t = GST_MESSAGE_TYPE (msg);

  switch (t) {
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;
      gchar *dbg = NULL;

      gst_message_parse_warning (msg, &err, &dbg);
      g_ptr_array_add (cap->warnings, g_strdup_printf ("%s | %s",
              err->message, dbg ? dbg : ""));
      g_clear_error (&err);
      g_free (dbg);
      break;
    }
    case GST_MESSAGE_ERROR:
      if (!cap->error)
        gst_message_parse_error (msg, &cap->error, &cap->error_debug);
      break;
    case GST_MESSAGE_EOS:
      cap->eos = TRUE;
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_get_structure (msg))
        g_ptr_array_add (cap->element_msgs,
            gst_structure_copy (gst_message_get_structure (msg)));
      break;
    case GST_MESSAGE_SEGMENT_DONE:{
      GstFormat fmt;
      gint64 pos;

      gst_message_parse_segment_done (msg, &fmt, &pos);
      cap->n_segment_done++;
      cap->last_segment_done = pos;
      break;
    }
    default:
      break;
  }
  return t;
}

gboolean
capture_wait_message (Capture * cap, GstMessageType type)
{
  GstBus *bus = gst_element_get_bus (cap->pipeline);
  gboolean ret = FALSE;

  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS |
        GST_MESSAGE_SEGMENT_DONE | GST_MESSAGE_ELEMENT | type);
    GstMessageType t;

    if (!msg)
      break;
    t = capture_handle_message (cap, msg);
    gst_message_unref (msg);
    if (t == type || t == GST_MESSAGE_ERROR || t == GST_MESSAGE_EOS) {
      ret = TRUE;
      break;
    }
  }
  gst_object_unref (bus);
  return ret;
}

gboolean
capture_run (Capture * cap, gboolean until_segment_done)
{
  GstStateChangeReturn r;

  r = gst_element_set_state (cap->pipeline, GST_STATE_PLAYING);
  if (r == GST_STATE_CHANGE_FAILURE) {
    /* collect the error message */
    capture_wait_message (cap, GST_MESSAGE_ERROR);
    return TRUE;
  }
  return capture_wait_message (cap, until_segment_done ?
      GST_MESSAGE_SEGMENT_DONE : GST_MESSAGE_EOS);
}

void
capture_wait_no_more_pads (Capture * cap)
{
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&cap->lock);
  while (cap->nmp_seq < 0)
    if (!g_cond_wait_until (&cap->cond, &cap->lock, end))
      break;
  g_mutex_unlock (&cap->lock);
  fail_unless (cap->nmp_seq >= 0, "no-more-pads did not come");
}

CapPad *
capture_find_pad (Capture * cap, const gchar * name)
{
  guint i;

  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    if (!strcmp (p->name, name))
      return p;
  }
  return NULL;
}

CapPad *
capture_find_topic (Capture * cap, const gchar * topic)
{
  guint i;

  for (i = 0; i < cap->pads->len; i++) {
    CapPad *p = g_ptr_array_index (cap->pads, i);

    if (!g_strcmp0 (p->topic, topic))
      return p;
  }
  return NULL;
}

static gchar *
buf_line (CapPad * p, const CapBuf * b)
{
  return g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%" G_GSIZE_FORMAT
      "\t%s", p->topic ? p->topic : "?", b->recv, b->len, b->sha1);
}

GPtrArray *
capture_lines (Capture * cap)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  guint i;

  g_mutex_lock (&cap->lock);
  for (i = 0; i < cap->order->len; i++) {
    CapPad *p = g_ptr_array_index (cap->order, i);
    guint idx = g_array_index (cap->order_idx, guint, i);

    g_ptr_array_add (res, buf_line (p, &g_array_index (p->bufs, CapBuf, idx)));
  }
  g_mutex_unlock (&cap->lock);
  return res;
}

GPtrArray *
capture_pad_lines (CapPad * p)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < p->bufs->len; i++)
    g_ptr_array_add (res, buf_line (p, &g_array_index (p->bufs, CapBuf, i)));
  return res;
}

void
capture_clear_buffers (Capture * cap)
{
  guint i;

  g_mutex_lock (&cap->lock);
  for (i = 0; i < cap->pads->len; i++)
    clear_pad_buffers (cap, g_ptr_array_index (cap->pads, i));
  g_mutex_unlock (&cap->lock);
}

guint
capture_n_buffers (Capture * cap)
{
  guint n;

  g_mutex_lock (&cap->lock);
  n = cap->order->len;
  g_mutex_unlock (&cap->lock);
  return n;
}

gboolean
capture_has_warning (Capture * cap, const gchar * needle)
{
  guint i;

  for (i = 0; i < cap->warnings->len; i++)
    if (strstr (g_ptr_array_index (cap->warnings, i), needle))
      return TRUE;
  return FALSE;
}

gchar *
ref_cached (const gchar * const *args, gboolean * ok)
{
  GString *key = g_string_new (NULL);
  GStatBuf st, sst;
  gchar *sum, *dir, *file, *out = NULL;
  gsize len;
  guint i;

  fail_unless (args[0] && args[1]);
  for (i = 0; args[i]; i++)
    g_string_append_printf (key, "%s\n", args[i]);
  if (g_stat (args[1], &st) == 0)
    g_string_append_printf (key, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
        "\n", (gint64) st.st_size, (gint64) st.st_mtime);
  if (g_stat (REF_SCRIPT, &sst) == 0)
    g_string_append_printf (key, "%" G_GINT64_FORMAT "\n",
        (gint64) sst.st_mtime);
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key->str, -1);
  g_string_free (key, TRUE);
  dir = g_build_filename (TEST_BUILD_DIR, "refcache", NULL);
  g_mkdir_with_parents (dir, 0755);
  file = g_build_filename (dir, sum, NULL);
  g_free (sum);
  g_free (dir);

  if (g_file_get_contents (file, &out, &len, NULL)) {
    if (ok)
      *ok = !g_str_has_prefix (out, "!FAILED");
    if (g_str_has_prefix (out, "!FAILED"))
      g_clear_pointer (&out, g_free);
  } else {
    gboolean rok = FALSE;
    gchar *tmp = g_strdup_printf ("%s.%u", file, (guint) getpid ());

    out = ref_run (args, &rok);
    if (ok)
      *ok = rok;
    /* written whole, then renamed: parallel runs never read half a file */
    if (g_file_set_contents (tmp, out ? out : "!FAILED", -1, NULL))
      g_rename (tmp, file);
    g_free (tmp);
  }
  g_free (file);
  return out;
}

RefInfo *
cref_info (const gchar * path)
{
  return ref_info_with (path, ref_cached);
}

GPtrArray *
cref_messages (const gchar * path, const gchar * topics, guint64 start_ns,
    guint64 end_ns)
{
  return ref_messages_with (path, topics, start_ns, end_ns, ref_cached);
}

GPtrArray *
ref_messages_full (const gchar * path, const gchar * extra_arg,
    const gchar * extra_val)
{
  const gchar *args[5] = { "messages", path, extra_arg, extra_val, NULL };
  gchar *out = ref_cached (args, NULL);
  gchar **lines, **l;
  GPtrArray *res;

  fail_unless (out != NULL, "python3-rosbag cannot read %s", path);
  res = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++) {
    gchar **f;

    if (**l == '\0')
      continue;
    f = g_strsplit (*l, "\t", -1);
    if (g_strv_length (f) != 5)
      fail ("bad line from rosbag-ref: %s", *l);
    g_ptr_array_add (res, f);
  }
  g_strfreev (lines);
  g_free (out);
  return res;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

void
assert_same_multiset (GPtrArray * ours, GPtrArray * ref, const gchar * what)
{
  gchar **a = g_memdup2 (ours->pdata, ours->len * sizeof (gpointer));
  gchar **b = g_memdup2 (ref->pdata, ref->len * sizeof (gpointer));
  guint i;

  qsort (a, ours->len, sizeof (gpointer), cmp_str);
  qsort (b, ref->len, sizeof (gpointer), cmp_str);
  for (i = 0; i < MIN (ours->len, ref->len); i++)
    if (strcmp (a[i], b[i]))
      fail ("%s: message sets differ at sorted %u:\n ours:   %s\n python: %s",
          what, i, a[i], b[i]);
  if (ours->len != ref->len)
    fail ("%s: %u messages, python3-rosbag %u", what, ours->len, ref->len);
  g_free (a);
  g_free (b);
}

gchar *
copy_file_cut (const gchar * src, const gchar * dir, const gchar * name,
    gsize size)
{
  gchar *data = NULL, *path;
  gsize len = 0;

  fail_unless (g_file_get_contents (src, &data, &len, NULL), "cannot read %s",
      src);
  path = g_build_filename (dir, name, NULL);
  fail_unless (g_file_set_contents (path, data, MIN (size, len), NULL));
  g_free (data);
  return path;
}

/* ---------------------------------------------------------------------- */
/* MCAP: @mcap/core as the reference */

#define NPM_DIR TEST_BUILD_DIR "/npm"
#define NPM_STAMP TEST_BUILD_DIR "/npm-refs.stamp"

/* McapStreamReader (CRCs checked) over the whole file, in file order; a
 * cut or damaged file gives what it read before the damage. One line per
 * message: topic, log_time, size, SHA-1, publish_time. */
static const gchar mcap_ref_script[] =
    "import { createRequire } from 'node:module';\n"
    "import fs from 'node:fs';\n"
    "import crypto from 'node:crypto';\n"
    "import path from 'node:path';\n"
    "const require = createRequire(path.join(path.resolve(process.argv[1]),"
    " 'index.js'));\n"
    "const core = require('@mcap/core');\n"
    "const zstd = require('@foxglove/wasm-zstd');\n"
    "const lz4 = require('@foxglove/wasm-lz4');\n"
    "await zstd.isLoaded; await lz4.isLoaded;\n"
    "const r = new core.McapStreamReader({ validateCrcs: true,\n"
    "  decompressHandlers: {\n"
    "    zstd: (b, s) => zstd.decompress(b, Number(s)),\n"
    "    lz4: (b, s) => lz4(b, Number(s)) } });\n"
    "r.append(fs.readFileSync(process.argv[2]));\n"
    "const topics = new Map();\n"
    "const out = [];\n"
    "for (;;) {\n"
    "  let rec;\n"
    "  try { rec = r.nextRecord(); } catch (e) { break; }\n"
    "  if (!rec) break;\n"
    "  if (rec.type === 'Channel') topics.set(rec.id, rec.topic);\n"
    "  else if (rec.type === 'Message') out.push([topics.get(rec.channelId),\n"
    "    rec.logTime, rec.data.length,\n"
    "    crypto.createHash('sha1').update(rec.data).digest('hex'),\n"
    "    rec.publishTime].join('\\t'));\n"
    "}\n" "process.stdout.write(out.map((l) => l + '\\n').join(''));\n";

gchar *
mcap_fixture (const gchar * name)
{
  const gchar *dir = g_getenv ("GST_ROSBAG_TEST_MCAP_DIR");
  gchar *path = g_build_filename (dir ? dir : TEST_FILES_DIR "/mcap", name,
      NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP: %s is absent\n", path);
    g_free (path);
    return NULL;
  }
  return path;
}

gboolean
mcap_ref_available (void)
{
  static gint state = 0;        /* 0 unknown, 1 yes, 2 no */
  gchar *stamp = NULL;

  if (state)
    return state == 1;
  if (!g_file_get_contents (NPM_STAMP, &stamp, NULL, NULL)) {
    const gchar *argv[] = { TEST_FILES_DIR "/npm-install.sh", NPM_DIR,
      NPM_STAMP, NULL
    };

    /* the test installs the pinned packages itself (bounded; it writes
     * "unavailable" when it cannot) */
    g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
        NULL, NULL, NULL, NULL, NULL, NULL);
    g_file_get_contents (NPM_STAMP, &stamp, NULL, NULL);
  }
  state = stamp && g_str_has_prefix (stamp, "ok") ? 1 : 2;
  if (state == 2)
    g_print ("SKIP: the @mcap/core reference is unavailable (%s): MCAP "
        "payloads are checked by count only\n", stamp ? g_strstrip (stamp) :
        "no " NPM_STAMP);
  g_free (stamp);
  return state == 1;
}

McapRef *
mcap_ref (const gchar * path)
{
  const gchar *argv[] = { "node", "--input-type=module", "-e",
    mcap_ref_script, NPM_DIR, path, NULL
  };
  gchar *out = NULL, *err = NULL, **lines, **l;
  gint status;
  McapRef *ref;

  if (!mcap_ref_available ())
    return NULL;
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "@mcap/core failed on %s: %s", path, err);
  ref = g_new0 (McapRef, 1);
  ref->lines = g_ptr_array_new_with_free_func (g_free);
  ref->publish = g_array_new (FALSE, FALSE, sizeof (guint64));
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++) {
    gchar **f;
    guint64 pub;

    if (**l == '\0')
      continue;
    f = g_strsplit (*l, "\t", -1);
    fail_unless_equals_int (g_strv_length (f), 5);
    g_ptr_array_add (ref->lines, g_strdup_printf ("%s\t%s\t%s\t%s", f[0],
            f[1], f[2], f[3]));
    pub = g_ascii_strtoull (f[4], NULL, 10);
    g_array_append_val (ref->publish, pub);
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (out);
  g_free (err);
  return ref;
}

void
mcap_ref_free (McapRef * ref)
{
  if (!ref)
    return;
  g_ptr_array_free (ref->lines, TRUE);
  g_array_unref (ref->publish);
  g_free (ref);
}

static gint
cmp_line_time (gconstpointer a, gconstpointer b)
{
  guint64 x = line_time (*(const gchar * const *) a);
  guint64 y = line_time (*(const gchar * const *) b);

  return x < y ? -1 : (x > y ? 1 : 0);
}

GPtrArray *
mcap_ref_time_order (McapRef * ref, const gchar * topic)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  gchar *prefix = topic ? g_strdup_printf ("%s\t", topic) : NULL;
  guint i;

  for (i = 0; i < ref->lines->len; i++) {
    const gchar *l = g_ptr_array_index (ref->lines, i);

    if (!prefix || g_str_has_prefix (l, prefix))
      g_ptr_array_add (res, g_strdup (l));
  }
  /* equal times: assert_same_stream compares those runs as sets */
  g_ptr_array_sort (res, cmp_line_time);
  g_free (prefix);
  return res;
}

guint64
mcap_ref_publish (McapRef * ref, const gchar * line)
{
  guint i;

  for (i = 0; i < ref->lines->len; i++)
    if (strcmp (g_ptr_array_index (ref->lines, i), line) == 0)
      return g_array_index (ref->publish, guint64, i);
  return NO_TIME;
}

/* a pad probe (BUFFER | BUFFER_LIST) adding the buffers it sees to the
 * guint at @data */
GstPadProbeReturn
capture_count_buffers_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer data)
{
  guint *n = data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    *n += gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  else
    (*n)++;
  return GST_PAD_PROBE_OK;
}
