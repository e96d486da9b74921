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

/**
 * SECTION:element-bagalign
 * @title: bagalign
 *
 * bagalign synchronizes N streams into sets: every output set holds one
 * buffer of every stream for the same instant, all with the same PTS (the
 * set's time). It is what turns a multi-camera bag into dataset frames:
 * the images of all cameras plus the joint state of that moment.
 *
 * Request a sink_%u pad per stream; each comes with the src_%u pad of the
 * same number. Caps, allocation queries and other events pass through per
 * pair. Alignment works on running time plus the pad's #GstBagAlignPad:offset.
 *
 * - mode=reference (default): each buffer of the reference pad opens a set;
 *   every other pad contributes its buffer nearest in time within tolerance,
 *   or with policy=previous its latest buffer at or before the set's time.
 * - mode=approximate: ROS message_filters' ApproximateTime policy.
 * - mode=exact: equal timestamps only.
 * - rate=N/D: one set per tick of a fixed rate instead.
 *
 * A set with a required member missing is dropped (drop-incomplete=true) or
 * emitted with a GAP event on that pad. Every output buffer keeps its
 * original PTS in a #GstReferenceTimestampMeta with reference caps
 * `timestamp/x-bagalign-pts`. With a single sink pad (and no rate) buffers
 * pass through untouched.
 *
 * Every sink pad needs its own streaming thread (bagsrc's per-topic queues
 * give that; otherwise put a queue before each sink pad), as with
 * streamsynchronizer.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 bagsrc location=x.bag topics=/cam0/image_raw,/cam1/image_raw name=src \
 *   bagalign name=a index-location=index.csv \
 *   src.cam0_image_raw ! a.sink_0  a.src_0 ! videoconvert ! pngenc ! multifilesink location=cam0_%05d.png \
 *   src.cam1_image_raw ! a.sink_1  a.src_1 ! videoconvert ! pngenc ! multifilesink location=cam1_%05d.png
 * ]| Writes frame k of both cameras for the same instant, and index.csv.
 * |[
 * gst-launch-1.0 bagsrc location=x.bag topics=/cam/image_raw ! bagalign ! videoconvert ! pngenc ! multifilesink location=f_%05d.png
 * ]| One camera: bagalign passes buffers through.
 */

/* Design: each sink pad's chain function queues its buffer into the pure
 * decision logic (gstbagalignlogic.c) and then waits on a GCond until the
 * logic needs more data from that very pad (streamsynchronizer style).
 * Whichever thread delivers the data that completes a set decides it, under
 * the element lock, and files the outputs (a buffer with the set's PTS, or a
 * GAP event) into each pad's outbox; each pad's own streaming thread drains
 * its outbox and pushes without holding the lock. Pushing from each pad's
 * own thread keeps buffers and the serialized events of a pad in order with
 * no extra machinery, which an aggregator with a single output task would
 * have to rebuild for N source pads. Memory stays bounded because a pad
 * whose data is not needed blocks (unless it is not ahead of a pad that is:
 * the streams share a time-ordered source, which must not stall behind it),
 * and the logic drops what can no longer serve a set while it waits: a pad
 * holds what alignment still needs (one or two buffers in reference and
 * rate modes). GAP and EOS advance a pad without
 * buffers; an EOS'd pad's thread stays in its EOS handler to push the GAPs
 * and buffers of the sets still to come, then EOS once no set can form. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "gstbagalign.h"
#include "gstbagalignlogic.h"
#include "gstrosbagelements.h"

GST_DEBUG_CATEGORY_STATIC (gst_bag_align_debug);
#define GST_CAT_DEFAULT gst_bag_align_debug

#define DEFAULT_MODE BAG_ALIGN_MODE_REFERENCE
#define DEFAULT_REFERENCE "sink_0"
#define DEFAULT_TOLERANCE (20 * GST_MSECOND)
#define DEFAULT_POLICY BAG_ALIGN_POLICY_NEAREST
#define DEFAULT_DROP_INCOMPLETE TRUE
#define DEFAULT_RATE_N 0
#define DEFAULT_RATE_D 1
#define DEFAULT_MAX_INTERVAL GST_CLOCK_TIME_NONE
#define DEFAULT_AGE_PENALTY 0.0
#define DEFAULT_POST_MESSAGES FALSE
#define DEFAULT_INDEX_LOCATION NULL

#define DEFAULT_PAD_OFFSET 0
#define DEFAULT_PAD_TOLERANCE (-1)
#define DEFAULT_PAD_POLICY GST_BAG_ALIGN_PAD_POLICY_DEFAULT
#define DEFAULT_PAD_REQUIRED TRUE

enum
{
  PROP_0,
  PROP_MODE,
  PROP_REFERENCE,
  PROP_TOLERANCE,
  PROP_POLICY,
  PROP_DROP_INCOMPLETE,
  PROP_RATE,
  PROP_MAX_INTERVAL,
  PROP_AGE_PENALTY,
  PROP_POST_MESSAGES,
  PROP_INDEX_LOCATION,
  PROP_SETS_EMITTED,
  PROP_SETS_DROPPED,
};

enum
{
  PROP_PAD_0,
  PROP_PAD_OFFSET,
  PROP_PAD_TOLERANCE,
  PROP_PAD_POLICY,
  PROP_PAD_REQUIRED,
  PROP_PAD_BUFFERS_DROPPED,
  PROP_PAD_BUFFERS_USED,
};

static GstStaticCaps header_stamp_caps =
GST_STATIC_CAPS ("timestamp/x-ros-header-stamp");
static GstStaticCaps receive_time_caps =
GST_STATIC_CAPS ("timestamp/x-ros-receive-time");
static GstStaticCaps original_pts_caps =
GST_STATIC_CAPS ("timestamp/x-bagalign-pts");

struct _GstBagAlignPad
{
  GstPad parent;

  GstPad *srcpad;

  /* properties, object lock */
  gint64 offset;
  gint64 tolerance;
  GstBagAlignPadPolicy policy;
  gboolean required;
  guint64 buffers_dropped;
  guint64 buffers_used;

  /* streaming state, element lock */
  GstSegment segment;
  gboolean flushing;
  gboolean eos_sent;
  gboolean need_segment;
  gboolean needed;              /* the logic needs this pad's data */
  guint32 eos_seqnum;
  GQueue outbox;                /* GstBuffer / GstEvent to push on srcpad */
  gboolean warned_late;
};

struct _GstBagAlign
{
  GstElement parent;

  GMutex lock;
  GCond cond;
  GMutex post_lock;

  BagAlignLogic *logic;
  GPtrArray *pads;              /* GstBagAlignPad, in the logic's order */
  guint next_pad_number;
  gboolean done;
  GList *pending_messages;
  FILE *index;
  gchar *index_path;            /* the file @index writes */
  guint index_columns;          /* pads in the index header */
  guint64 n_emitted;            /* set numbers */

  /* properties, object lock */
  BagAlignMode mode;
  gchar *reference;
  guint64 tolerance;
  BagAlignPolicy policy;
  gboolean drop_incomplete;
  gint rate_n, rate_d;
  guint64 max_interval;
  gdouble age_penalty;
  gboolean post_messages;
  gchar *index_location;
  guint64 sets_emitted;
  guint64 sets_dropped;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%u",
    GST_PAD_SINK,
    GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%u",
    GST_PAD_SRC,
    GST_PAD_SOMETIMES,
    GST_STATIC_CAPS_ANY);

GType
gst_bag_align_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {BAG_ALIGN_MODE_REFERENCE,
        "Each buffer of the reference pad opens a set", "reference"},
    {BAG_ALIGN_MODE_APPROXIMATE,
        "ROS message_filters ApproximateTime policy", "approximate"},
    {BAG_ALIGN_MODE_EXACT, "Equal timestamps only", "exact"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstBagAlignMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_bag_align_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {BAG_ALIGN_POLICY_NEAREST, "Nearest buffer within tolerance", "nearest"},
    {BAG_ALIGN_POLICY_PREVIOUS,
          "Latest buffer at or before the set's time (sample-and-hold)",
        "previous"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstBagAlignPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_bag_align_pad_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_BAG_ALIGN_PAD_POLICY_DEFAULT, "The element's policy", "default"},
    {GST_BAG_ALIGN_PAD_POLICY_NEAREST, "Nearest buffer within tolerance",
        "nearest"},
    {GST_BAG_ALIGN_PAD_POLICY_PREVIOUS,
          "Latest buffer at or before the set's time (sample-and-hold)",
        "previous"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstBagAlignPadPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ------------------------------------------------------------------ */
/* GstBagAlignPad */

G_DEFINE_TYPE (GstBagAlignPad, gst_bag_align_pad, GST_TYPE_PAD);

static void
gst_bag_align_pad_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBagAlignPad *pad = GST_BAG_ALIGN_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PAD_OFFSET:
      pad->offset = g_value_get_int64 (value);
      break;
    case PROP_PAD_TOLERANCE:
      pad->tolerance = g_value_get_int64 (value);
      break;
    case PROP_PAD_POLICY:
      pad->policy = g_value_get_enum (value);
      break;
    case PROP_PAD_REQUIRED:
      pad->required = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

static void
gst_bag_align_pad_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstBagAlignPad *pad = GST_BAG_ALIGN_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PAD_OFFSET:
      g_value_set_int64 (value, pad->offset);
      break;
    case PROP_PAD_TOLERANCE:
      g_value_set_int64 (value, pad->tolerance);
      break;
    case PROP_PAD_POLICY:
      g_value_set_enum (value, pad->policy);
      break;
    case PROP_PAD_REQUIRED:
      g_value_set_boolean (value, pad->required);
      break;
    case PROP_PAD_BUFFERS_DROPPED:
      g_value_set_uint64 (value, pad->buffers_dropped);
      break;
    case PROP_PAD_BUFFERS_USED:
      g_value_set_uint64 (value, pad->buffers_used);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

static void
gst_bag_align_pad_finalize (GObject * object)
{
  GstBagAlignPad *pad = GST_BAG_ALIGN_PAD (object);

  g_queue_clear_full (&pad->outbox, (GDestroyNotify) gst_mini_object_unref);
  if (pad->srcpad)
    gst_object_unref (pad->srcpad);

  G_OBJECT_CLASS (gst_bag_align_pad_parent_class)->finalize (object);
}

static void
gst_bag_align_pad_class_init (GstBagAlignPadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_bag_align_pad_set_property;
  gobject_class->get_property = gst_bag_align_pad_get_property;
  gobject_class->finalize = gst_bag_align_pad_finalize;

  g_object_class_install_property (gobject_class, PROP_PAD_OFFSET,
      g_param_spec_int64 ("offset", "Offset",
          "Nanoseconds added to this stream's times before aligning "
          "(e.g. minus a camera's known latency)", G_MININT64, G_MAXINT64,
          DEFAULT_PAD_OFFSET,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PAD_TOLERANCE,
      g_param_spec_int64 ("tolerance", "Tolerance",
          "Tolerance in ns for this pad (-1 = the element's)", -1,
          G_MAXINT64, DEFAULT_PAD_TOLERANCE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PAD_POLICY,
      g_param_spec_enum ("policy", "Policy",
          "How this pad's member is chosen", GST_TYPE_BAG_ALIGN_PAD_POLICY,
          DEFAULT_PAD_POLICY,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PAD_REQUIRED,
      g_param_spec_boolean ("required", "Required",
          "FALSE: a set may be emitted without this pad's member (a GAP)",
          DEFAULT_PAD_REQUIRED,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PAD_BUFFERS_DROPPED,
      g_param_spec_uint64 ("buffers-dropped", "Buffers dropped",
          "Buffers of this pad that were not part of any emitted set", 0,
          G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PAD_BUFFERS_USED,
      g_param_spec_uint64 ("buffers-used", "Buffers used",
          "Buffers of this pad that were part of at least one emitted set", 0,
          G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_bag_align_pad_init (GstBagAlignPad * pad)
{
  pad->offset = DEFAULT_PAD_OFFSET;
  pad->tolerance = DEFAULT_PAD_TOLERANCE;
  pad->policy = DEFAULT_PAD_POLICY;
  pad->required = DEFAULT_PAD_REQUIRED;
  gst_segment_init (&pad->segment, GST_FORMAT_TIME);
  pad->need_segment = TRUE;
  g_queue_init (&pad->outbox);
}

/* ------------------------------------------------------------------ */
/* GstBagAlign */

static void gst_bag_align_child_proxy_init (gpointer g_iface,
    gpointer iface_data);

#define gst_bag_align_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstBagAlign, gst_bag_align, GST_TYPE_ELEMENT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
        gst_bag_align_child_proxy_init));

GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (bagalign, "bagalign", GST_RANK_NONE,
    GST_TYPE_BAG_ALIGN,
    GST_DEBUG_CATEGORY_INIT (gst_bag_align_debug, "bagalign", 0,
        "Align streams into sets by time"));

static void gst_bag_align_finalize (GObject * object);
static void gst_bag_align_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_bag_align_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_bag_align_change_state (GstElement * element,
    GstStateChange transition);
static GstPad *gst_bag_align_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_bag_align_release_pad (GstElement * element, GstPad * pad);

static GstFlowReturn gst_bag_align_sink_chain (GstPad * pad,
    GstObject * parent, GstBuffer * buffer);
static gboolean gst_bag_align_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static GstIterator *gst_bag_align_iterate_internal_links (GstPad * pad,
    GstObject * parent);

static void
gst_bag_align_class_init (GstBagAlignClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_bag_align_finalize;
  gobject_class->set_property = gst_bag_align_set_property;
  gobject_class->get_property = gst_bag_align_get_property;

  g_object_class_install_property (gobject_class, PROP_MODE,
      g_param_spec_enum ("mode", "Mode", "How sets are formed",
          GST_TYPE_BAG_ALIGN_MODE, DEFAULT_MODE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_REFERENCE,
      g_param_spec_string ("reference", "Reference",
          "Name of the sink pad whose buffers open sets (mode=reference); "
          "in mode=approximate its member's time is the set's time",
          DEFAULT_REFERENCE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TOLERANCE,
      g_param_spec_uint64 ("tolerance", "Tolerance",
          "Largest distance in ns between a member and its set's time "
          "(with policy=previous: the largest age); -1 = unlimited", 0,
          G_MAXUINT64, DEFAULT_TOLERANCE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_POLICY,
      g_param_spec_enum ("policy", "Policy",
          "How non-reference members are chosen (pads can override)",
          GST_TYPE_BAG_ALIGN_POLICY, DEFAULT_POLICY,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_DROP_INCOMPLETE,
      g_param_spec_boolean ("drop-incomplete", "Drop incomplete",
          "Drop a set whose required member is missing (FALSE: emit it "
          "with a GAP event on that pad)", DEFAULT_DROP_INCOMPLETE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RATE,
      gst_param_spec_fraction ("rate", "Rate",
          "Emit one set per tick of this rate (0/1 = off)", 0, 1, G_MAXINT, 1,
          DEFAULT_RATE_N, DEFAULT_RATE_D,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MAX_INTERVAL,
      g_param_spec_uint64 ("max-interval-duration", "Max interval duration",
          "mode=approximate: largest spread of a set in ns (-1 = unlimited)",
          0, G_MAXUINT64, DEFAULT_MAX_INTERVAL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_AGE_PENALTY,
      g_param_spec_double ("age-penalty", "Age penalty",
          "mode=approximate: weight favouring older sets (ROS age_penalty)",
          0.0, G_MAXDOUBLE, DEFAULT_AGE_PENALTY,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a \"bagalign-set\" element message per emitted set",
          DEFAULT_POST_MESSAGES,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_INDEX_LOCATION,
      g_param_spec_string ("index-location", "Index location",
          "Write a CSV index here: set,time_ns then NAME_header_ns,"
          "NAME_receive_ns per sink pad, one row per emitted set",
          DEFAULT_INDEX_LOCATION,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SETS_EMITTED,
      g_param_spec_uint64 ("sets-emitted", "Sets emitted",
          "Sets pushed so far", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SETS_DROPPED,
      g_param_spec_uint64 ("sets-dropped", "Sets dropped",
          "Sets dropped because a required member was missing", 0,
          G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_BAG_ALIGN_PAD);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_bag_align_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_bag_align_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_bag_align_release_pad);

  gst_element_class_set_static_metadata (element_class,
      "Bag stream aligner", "Generic",
      "Synchronizes N streams into sets of buffers for the same instant",
      "The gst-rosbag authors");

  gst_type_mark_as_plugin_api (GST_TYPE_BAG_ALIGN_PAD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_BAG_ALIGN_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_BAG_ALIGN_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_BAG_ALIGN_PAD_POLICY, 0);
}

static void
gst_bag_align_init (GstBagAlign * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->post_lock);
  self->logic = bag_align_logic_new ();
  self->pads = g_ptr_array_new_with_free_func (gst_object_unref);

  self->mode = DEFAULT_MODE;
  self->reference = g_strdup (DEFAULT_REFERENCE);
  self->tolerance = DEFAULT_TOLERANCE;
  self->policy = DEFAULT_POLICY;
  self->drop_incomplete = DEFAULT_DROP_INCOMPLETE;
  self->rate_n = DEFAULT_RATE_N;
  self->rate_d = DEFAULT_RATE_D;
  self->max_interval = DEFAULT_MAX_INTERVAL;
  self->age_penalty = DEFAULT_AGE_PENALTY;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->index_location = g_strdup (DEFAULT_INDEX_LOCATION);
}

/* the logic hands back an entry: drop our reference, count it */
static void
release_entry (guint pad, gpointer data, gboolean used, gpointer user_data)
{
  GstBagAlign *self = user_data;

  if (pad < self->pads->len) {
    GstBagAlignPad *apad = g_ptr_array_index (self->pads, pad);

    GST_OBJECT_LOCK (apad);
    if (used)
      apad->buffers_used++;
    else
      apad->buffers_dropped++;
    GST_OBJECT_UNLOCK (apad);
  }
  if (data)
    gst_buffer_unref (GST_BUFFER_CAST (data));
}

static void
gst_bag_align_finalize (GObject * object)
{
  GstBagAlign *self = GST_BAG_ALIGN (object);

  bag_align_logic_free (self->logic, release_entry, self);
  g_ptr_array_unref (self->pads);
  g_list_free_full (self->pending_messages, (GDestroyNotify) gst_message_unref);
  if (self->index)
    fclose (self->index);
  g_free (self->index_path);
  g_free (self->reference);
  g_free (self->index_location);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->post_lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_bag_align_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBagAlign *self = GST_BAG_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_REFERENCE:
      g_free (self->reference);
      self->reference = g_value_dup_string (value);
      break;
    case PROP_TOLERANCE:
      self->tolerance = g_value_get_uint64 (value);
      break;
    case PROP_POLICY:
      self->policy = g_value_get_enum (value);
      break;
    case PROP_DROP_INCOMPLETE:
      self->drop_incomplete = g_value_get_boolean (value);
      break;
    case PROP_RATE:
      self->rate_n = gst_value_get_fraction_numerator (value);
      self->rate_d = gst_value_get_fraction_denominator (value);
      break;
    case PROP_MAX_INTERVAL:
      self->max_interval = g_value_get_uint64 (value);
      break;
    case PROP_AGE_PENALTY:
      self->age_penalty = g_value_get_double (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_INDEX_LOCATION:
      g_free (self->index_location);
      self->index_location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_bag_align_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBagAlign *self = GST_BAG_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_REFERENCE:
      g_value_set_string (value, self->reference);
      break;
    case PROP_TOLERANCE:
      g_value_set_uint64 (value, self->tolerance);
      break;
    case PROP_POLICY:
      g_value_set_enum (value, self->policy);
      break;
    case PROP_DROP_INCOMPLETE:
      g_value_set_boolean (value, self->drop_incomplete);
      break;
    case PROP_RATE:
      gst_value_set_fraction (value, self->rate_n, self->rate_d);
      break;
    case PROP_MAX_INTERVAL:
      g_value_set_uint64 (value, self->max_interval);
      break;
    case PROP_AGE_PENALTY:
      g_value_set_double (value, self->age_penalty);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_INDEX_LOCATION:
      g_value_set_string (value, self->index_location);
      break;
    case PROP_SETS_EMITTED:
      g_value_set_uint64 (value, self->sets_emitted);
      break;
    case PROP_SETS_DROPPED:
      g_value_set_uint64 (value, self->sets_dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------ */
/* child proxy: sink_1::offset=... from gst-launch */

static GObject *
gst_bag_align_child_proxy_get_child_by_index (GstChildProxy * proxy,
    guint index)
{
  GstElement *element = GST_ELEMENT_CAST (proxy);
  GObject *obj = NULL;

  GST_OBJECT_LOCK (element);
  obj = g_list_nth_data (element->sinkpads, index);
  if (obj)
    gst_object_ref (obj);
  GST_OBJECT_UNLOCK (element);

  return obj;
}

static guint
gst_bag_align_child_proxy_get_children_count (GstChildProxy * proxy)
{
  GstElement *element = GST_ELEMENT_CAST (proxy);
  guint count;

  GST_OBJECT_LOCK (element);
  count = element->numsinkpads;
  GST_OBJECT_UNLOCK (element);

  return count;
}

static void
gst_bag_align_child_proxy_init (gpointer g_iface, gpointer iface_data)
{
  GstChildProxyInterface *iface = g_iface;

  iface->get_child_by_index = gst_bag_align_child_proxy_get_child_by_index;
  iface->get_children_count = gst_bag_align_child_proxy_get_children_count;
}

/* ------------------------------------------------------------------ */
/* helpers, element lock held */

static gint
pad_index (GstBagAlign * self, GstBagAlignPad * apad)
{
  guint i;

  for (i = 0; i < self->pads->len; i++)
    if (g_ptr_array_index (self->pads, i) == apad)
      return i;
  return -1;
}

static gboolean
is_passthrough (GstBagAlign * self)
{
  gboolean rate;

  GST_OBJECT_LOCK (self);
  rate = self->rate_n > 0;
  GST_OBJECT_UNLOCK (self);

  return self->pads->len == 1 && !rate;
}

/* copy the properties into the logic */
static void
sync_config (GstBagAlign * self)
{
  BagAlignLogic *l = self->logic;
  gint64 tol;
  BagAlignPolicy policy;
  guint i;

  GST_OBJECT_LOCK (self);
  l->mode = self->mode;
  l->drop_incomplete = self->drop_incomplete;
  l->rate_n = self->rate_n;
  l->rate_d = self->rate_d;
  l->max_interval = self->max_interval == GST_CLOCK_TIME_NONE ||
      self->max_interval > G_MAXINT64 ? BAG_ALIGN_UNLIMITED :
      (gint64) self->max_interval;
  l->age_penalty = self->age_penalty;
  tol = self->tolerance == GST_CLOCK_TIME_NONE ||
      self->tolerance > G_MAXINT64 ? BAG_ALIGN_UNLIMITED :
      (gint64) self->tolerance;
  policy = self->policy;
  l->reference = 0;
  for (i = 0; i < self->pads->len; i++) {
    if (self->reference &&
        !g_strcmp0 (GST_OBJECT_NAME (g_ptr_array_index (self->pads, i)),
            self->reference))
      l->reference = i;
  }
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < self->pads->len; i++) {
    GstBagAlignPad *apad = g_ptr_array_index (self->pads, i);
    BagAlignPad *p = bag_align_logic_get_pad (l, i);

    GST_OBJECT_LOCK (apad);
    p->tolerance = apad->tolerance >= 0 ? apad->tolerance : tol;
    p->policy = apad->policy == GST_BAG_ALIGN_PAD_POLICY_DEFAULT ? policy :
        (BagAlignPolicy) apad->policy;
    p->required = apad->required;
    GST_OBJECT_UNLOCK (apad);
  }
}

static gboolean
get_ref_ts (GstBuffer * buf, GstStaticCaps * caps, guint64 * ts)
{
  GstReferenceTimestampMeta *meta;

  meta = gst_buffer_get_reference_timestamp_meta (buf,
      gst_static_caps_get (caps));
  if (!meta)
    return FALSE;
  *ts = meta->timestamp;
  return TRUE;
}

static void
index_write_header (GstBagAlign * self)
{
  guint i;

  fputs ("set,time_ns", self->index);
  for (i = 0; i < self->pads->len; i++) {
    const gchar *name = GST_OBJECT_NAME (g_ptr_array_index (self->pads, i));

    fprintf (self->index, ",%s_header_ns,%s_receive_ns", name, name);
  }
  fputc ('\n', self->index);
  self->index_columns = self->pads->len;
}

/* with the lock: a write of the index failed: one error, posted with the
 * pending messages, and nothing more is written to it */
static void
index_failed (GstBagAlign * self, int err)
{
  GError *e;
  gchar *dbg;

  if (!self->index)
    return;
  e = g_error_new (GST_RESOURCE_ERROR, err == ENOSPC ?
      GST_RESOURCE_ERROR_NO_SPACE_LEFT : GST_RESOURCE_ERROR_WRITE,
      "Could not write the index file \"%s\".", self->index_path);
  dbg = g_strdup_printf ("%s (%d)", g_strerror (err), err);
  GST_WARNING_OBJECT (self, "index: %s", dbg);
  self->pending_messages = g_list_append (self->pending_messages,
      gst_message_new_error (GST_OBJECT (self), e, dbg));
  g_error_free (e);
  g_free (dbg);
  fclose (self->index);
  self->index = NULL;
}

/* with the lock, when no more sets come (EOS, nothing left to decide):
 * the header even without a set, and everything written out */
static void
index_finish (GstBagAlign * self)
{
  if (!self->index)
    return;
  if (self->index_columns == 0)
    index_write_header (self);
  errno = 0;
  if (fflush (self->index) != 0 || ferror (self->index))
    index_failed (self, errno ? errno : EIO);
}

/* bookkeeping for an emitted set: index row and element message.
 * members[i] is pad i's buffer or NULL */
static void
record_set (GstBagAlign * self, guint64 number, gint64 time,
    GstBuffer ** members)
{
  gboolean post;
  guint i;

  if (self->index) {
    /* (errno says why a write of this row fails) */
    errno = 0;
    if (self->index_columns == 0)
      index_write_header (self);
    fprintf (self->index, "%" G_GUINT64_FORMAT ",%" G_GINT64_FORMAT, number,
        time);
    for (i = 0; i < self->index_columns; i++) {
      guint64 ts;
      GstBuffer *b = i < self->pads->len ? members[i] : NULL;

      if (b && get_ref_ts (b, &header_stamp_caps, &ts))
        fprintf (self->index, ",%" G_GUINT64_FORMAT, ts);
      else
        fputc (',', self->index);
      if (b && get_ref_ts (b, &receive_time_caps, &ts))
        fprintf (self->index, ",%" G_GUINT64_FORMAT, ts);
      else
        fputc (',', self->index);
    }
    if (fputc ('\n', self->index) == EOF || ferror (self->index))
      index_failed (self, errno ? errno : EIO);
  }

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  self->sets_emitted++;
  GST_OBJECT_UNLOCK (self);

  if (post) {
    GstStructure *s = gst_structure_new ("bagalign-set",
        "set", G_TYPE_UINT64, number,
        "time", G_TYPE_INT64, time, NULL);

    for (i = 0; i < self->pads->len; i++) {
      GstBuffer *b = members[i];
      GstStructure *m;
      guint64 ts;

      if (!b)
        continue;
      m = gst_structure_new ("member",
          "pts", G_TYPE_UINT64, GST_BUFFER_PTS (b), NULL);
      if (get_ref_ts (b, &header_stamp_caps, &ts))
        gst_structure_set (m, "header-ns", G_TYPE_UINT64, ts, NULL);
      if (get_ref_ts (b, &receive_time_caps, &ts))
        gst_structure_set (m, "receive-ns", G_TYPE_UINT64, ts, NULL);
      gst_structure_set (s, GST_OBJECT_NAME (g_ptr_array_index (self->pads,
                  i)), GST_TYPE_STRUCTURE, m, NULL);
      gst_structure_free (m);
    }
    self->pending_messages = g_list_append (self->pending_messages,
        gst_message_new_element (GST_OBJECT_CAST (self), s));
  }
}

/* turn the set the logic decided into outputs in the pads' outboxes */
static void
handle_set (GstBagAlign * self)
{
  BagAlignSet *s = &self->logic->set;
  GstClockTime pts, duration = GST_CLOCK_TIME_NONE;
  GstBuffer **members;
  guint i;

  if (s->n_members == 0)
    return;
  if (!s->emit) {
    GST_LOG_OBJECT (self, "dropping incomplete set at %" G_GINT64_FORMAT,
        s->time);
    GST_OBJECT_LOCK (self);
    self->sets_dropped++;
    GST_OBJECT_UNLOCK (self);
    return;
  }

  pts = s->time < 0 ? 0 : (GstClockTime) s->time;
  if (self->logic->rate_n > 0)
    duration = gst_util_uint64_scale_int (GST_SECOND, self->logic->rate_d,
        self->logic->rate_n);

  members = g_newa (GstBuffer *, s->n_pads);
  for (i = 0; i < s->n_pads; i++) {
    GstBagAlignPad *apad = g_ptr_array_index (self->pads, i);
    BagAlignPad *p = bag_align_logic_get_pad (self->logic, i);
    GstBuffer *buf = NULL;

    if (s->member[i] >= 0)
      buf = g_array_index (p->entries, BagAlignEntry, s->member[i]).data;
    members[i] = buf;

    if (apad->flushing)
      continue;
    if (buf) {
      GstBuffer *out = gst_buffer_copy (buf);

      gst_buffer_add_reference_timestamp_meta (out,
          gst_static_caps_get (&original_pts_caps), GST_BUFFER_PTS (buf),
          GST_BUFFER_DURATION (buf));
      GST_BUFFER_PTS (out) = pts;
      GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
      if (GST_CLOCK_TIME_IS_VALID (duration))
        GST_BUFFER_DURATION (out) = duration;
      g_queue_push_tail (&apad->outbox, out);
    } else {
      g_queue_push_tail (&apad->outbox, gst_event_new_gap (pts, duration));
    }
  }

  GST_LOG_OBJECT (self, "set %" G_GUINT64_FORMAT " at %" GST_TIME_FORMAT
      " with %u members", self->n_emitted, GST_TIME_ARGS (pts), s->n_members);
  record_set (self, self->n_emitted++, s->time, members);
}

/* decide every set that can be decided now */
static void
decide_all (GstBagAlign * self)
{
  gboolean changed = FALSE;
  guint i;

  if (self->done)
    return;

  sync_config (self);
  for (;;) {
    BagAlignResult r = bag_align_logic_decide (self->logic);

    if (r == BAG_ALIGN_NEED_DATA) {
      for (i = 0; i < self->pads->len; i++) {
        GstBagAlignPad *apad = g_ptr_array_index (self->pads, i);
        gboolean needed = self->logic->set.needed[i];

        /* a pad that became needed may be waiting: wake it */
        if (needed && !apad->needed)
          changed = TRUE;
        apad->needed = needed;
      }
      break;
    }
    if (r == BAG_ALIGN_DONE) {
      GST_DEBUG_OBJECT (self, "no more sets can form");
      self->done = TRUE;
      /* nothing queued can serve a set any more: let it go now, so that
       * the counters are final at EOS */
      bag_align_logic_release_all (self->logic, release_entry, self);
      index_finish (self);
      changed = TRUE;
      break;
    }
    handle_set (self);
    bag_align_logic_commit (self->logic, release_entry, self);
    changed = TRUE;
  }
  if (changed)
    g_cond_broadcast (&self->cond);
}

/* post queued element messages, in order, without the element lock */
static void
post_pending (GstBagAlign * self)
{
  GList *msgs, *l;

  g_mutex_lock (&self->post_lock);
  g_mutex_lock (&self->lock);
  msgs = self->pending_messages;
  self->pending_messages = NULL;
  g_mutex_unlock (&self->lock);
  for (l = msgs; l; l = l->next)
    gst_element_post_message (GST_ELEMENT_CAST (self), l->data);
  g_list_free (msgs);
  g_mutex_unlock (&self->post_lock);
}

/* push what the outbox holds, without the lock; called with it held */
static GstFlowReturn
drain_outbox (GstBagAlign * self, GstBagAlignPad * apad)
{
  GQueue q = apad->outbox;
  gboolean need_segment = apad->need_segment;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMiniObject *obj;

  g_queue_init (&apad->outbox);
  apad->need_segment = FALSE;
  g_mutex_unlock (&self->lock);

  GST_LOG_OBJECT (apad, "pushing %u items", q.length);

  if (need_segment) {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_TIME);
    gst_pad_push_event (apad->srcpad, gst_event_new_segment (&seg));
  }
  while ((obj = g_queue_pop_head (&q))) {
    if (GST_IS_BUFFER (obj)) {
      GstFlowReturn r = gst_pad_push (apad->srcpad, GST_BUFFER_CAST (obj));

      GST_LOG_OBJECT (apad, "pushed: %s", gst_flow_get_name (r));

      if (r != GST_FLOW_OK && ret == GST_FLOW_OK)
        ret = r;
    } else {
      gst_pad_push_event (apad->srcpad, GST_EVENT_CAST (obj));
    }
  }

  g_mutex_lock (&self->lock);
  return ret;
}

static void
send_eos (GstBagAlign * self, GstBagAlignPad * apad)
{
  GstEvent *eos;
  gboolean need_segment = apad->need_segment;

  if (apad->eos_sent)
    return;
  apad->eos_sent = TRUE;
  apad->need_segment = FALSE;
  eos = gst_event_new_eos ();
  if (apad->eos_seqnum)
    gst_event_set_seqnum (eos, apad->eos_seqnum);
  g_mutex_unlock (&self->lock);
  /* stream-start, caps, segment, then EOS, even when no set came out */
  if (need_segment) {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_TIME);
    gst_pad_push_event (apad->srcpad, gst_event_new_segment (&seg));
  }
  GST_DEBUG_OBJECT (apad->srcpad, "pushing EOS");
  gst_pad_push_event (apad->srcpad, eos);
  g_mutex_lock (&self->lock);
}

/* The waiting loop of a sink pad's streaming thread, element lock held:
 * decide what can be decided, push this pad's outputs, and wait while the
 * logic does not need this pad's data (or, at EOS, until no set can form) */
static GstFlowReturn
process_and_wait (GstBagAlign * self, GstBagAlignPad * apad,
    gboolean until_done)
{
  GstFlowReturn ret = GST_FLOW_OK;

  for (;;) {
    decide_all (self);

    if (apad->flushing)
      return GST_FLOW_FLUSHING;

    if (!g_queue_is_empty (&apad->outbox)) {
      GstFlowReturn r = drain_outbox (self, apad);

      if (r != GST_FLOW_OK && r != GST_FLOW_NOT_LINKED && r != GST_FLOW_EOS
          && r != GST_FLOW_FLUSHING)
        return r;
      if (r != GST_FLOW_OK && ret == GST_FLOW_OK)
        ret = r;
      if (r != GST_FLOW_OK && !until_done)
        return r;
      continue;
    }

    if (self->done) {
      send_eos (self, apad);
      return GST_FLOW_EOS;
    }

    if (!until_done && apad->needed)
      return ret;

    g_cond_wait (&self->cond, &self->lock);
  }
}

/* ------------------------------------------------------------------ */
/* pads */

static GstFlowReturn
gst_bag_align_passthrough_chain (GstBagAlign * self, GstBagAlignPad * apad,
    GstBuffer * buf, gint64 time)
{
  GstBuffer *members[1] = { buf };

  /* one pad: every buffer is a set of its own */
  record_set (self, self->n_emitted++, time, members);
  GST_OBJECT_LOCK (apad);
  apad->buffers_used++;
  GST_OBJECT_UNLOCK (apad);
  g_mutex_unlock (&self->lock);
  post_pending (self);

  return gst_pad_push (apad->srcpad, buf);
}

static GstFlowReturn
gst_bag_align_sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstBagAlign *self = GST_BAG_ALIGN (parent);
  GstBagAlignPad *apad = GST_BAG_ALIGN_PAD (pad);
  GstClockTime ts, rt;
  GstFlowReturn ret;
  gint64 time, offset;
  gint idx;

  ts = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
      GST_BUFFER_DTS (buf);

  g_mutex_lock (&self->lock);
  if (apad->flushing) {
    ret = GST_FLOW_FLUSHING;
    goto unlock_drop;
  }
  if (self->done) {
    /* push what is left for this pad, then EOS */
    process_and_wait (self, apad, TRUE);
    ret = GST_FLOW_EOS;
    goto unlock_drop;
  }
  idx = pad_index (self, apad);
  if (idx < 0) {
    ret = GST_FLOW_FLUSHING;
    goto unlock_drop;
  }

  rt = GST_CLOCK_TIME_IS_VALID (ts) ?
      gst_segment_to_running_time (&apad->segment, GST_FORMAT_TIME, ts) :
      GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    goto no_time;

  GST_OBJECT_LOCK (apad);
  offset = apad->offset;
  GST_OBJECT_UNLOCK (apad);
  time = (gint64) MIN (rt, (GstClockTime) G_MAXINT64);
  if (offset > 0 && time > G_MAXINT64 - offset)
    time = G_MAXINT64 - 1;
  else
    time += offset;

  if (is_passthrough (self))
    return gst_bag_align_passthrough_chain (self, apad, buf, time);

  GST_LOG_OBJECT (apad, "queueing %" GST_PTR_FORMAT " at %" G_GINT64_FORMAT,
      buf, time);
  if (!bag_align_logic_push (self->logic, idx, time, buf))
    goto late;

  ret = process_and_wait (self, apad, FALSE);
  g_mutex_unlock (&self->lock);
  post_pending (self);
  return ret;

no_time:
  GST_WARNING_OBJECT (apad, "dropping buffer without a time in the segment: %"
      GST_PTR_FORMAT, buf);
  goto count_drop;
late:
  if (!apad->warned_late) {
    apad->warned_late = TRUE;
    GST_OBJECT_LOCK (apad);
    apad->buffers_dropped++;
    GST_OBJECT_UNLOCK (apad);
    /* never post with the element lock held: a bus sync handler may query */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("Dropping buffers that go back in time on %s",
            GST_OBJECT_NAME (apad)), ("first at %" G_GINT64_FORMAT, time));
    return GST_FLOW_OK;
  }
  goto count_drop;
count_drop:
  GST_OBJECT_LOCK (apad);
  apad->buffers_dropped++;
  GST_OBJECT_UNLOCK (apad);
  ret = GST_FLOW_OK;
unlock_drop:
  g_mutex_unlock (&self->lock);
  gst_buffer_unref (buf);
  return ret;
}

static gint64
pad_time (GstBagAlignPad * apad, GstClockTime ts)
{
  GstClockTime rt;
  gint64 offset;

  rt = gst_segment_to_running_time (&apad->segment, GST_FORMAT_TIME, ts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return BAG_ALIGN_TIME_NONE;
  GST_OBJECT_LOCK (apad);
  offset = apad->offset;
  GST_OBJECT_UNLOCK (apad);
  return (gint64) MIN (rt, (GstClockTime) G_MAXINT64 / 2) + offset;
}

static gboolean
gst_bag_align_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBagAlign *self = GST_BAG_ALIGN (parent);
  GstBagAlignPad *apad = GST_BAG_ALIGN_PAD (pad);
  gboolean passthrough;
  gint idx;

  GST_LOG_OBJECT (pad, "event %" GST_PTR_FORMAT, event);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:{
      GstSegment seg;

      gst_event_copy_segment (event, &seg);
      if (seg.format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
            ("%s: only TIME segments are supported, got %s",
                GST_OBJECT_NAME (pad), gst_format_get_name (seg.format)));
        gst_event_unref (event);
        return FALSE;
      }
      g_mutex_lock (&self->lock);
      apad->segment = seg;
      passthrough = is_passthrough (self);
      g_mutex_unlock (&self->lock);
      if (passthrough)
        return gst_pad_push_event (apad->srcpad, event);
      /* our own segment goes out before the first set */
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_GAP:{
      GstClockTime ts, dur;
      GstFlowReturn ret;

      gst_event_parse_gap (event, &ts, &dur);
      g_mutex_lock (&self->lock);
      if (is_passthrough (self)) {
        g_mutex_unlock (&self->lock);
        return gst_pad_push_event (apad->srcpad, event);
      }
      gst_event_unref (event);
      idx = pad_index (self, apad);
      if (idx < 0 || apad->flushing || self->done) {
        g_mutex_unlock (&self->lock);
        return TRUE;
      }
      if (GST_CLOCK_TIME_IS_VALID (ts)) {
        if (GST_CLOCK_TIME_IS_VALID (dur))
          ts += dur;
        bag_align_logic_advance (self->logic, idx, pad_time (apad, ts));
      }
      ret = process_and_wait (self, apad, FALSE);
      g_mutex_unlock (&self->lock);
      post_pending (self);
      return ret == GST_FLOW_OK || ret == GST_FLOW_EOS;
    }
    case GST_EVENT_EOS:
      g_mutex_lock (&self->lock);
      if (is_passthrough (self)) {
        index_finish (self);
        g_mutex_unlock (&self->lock);
        post_pending (self);
        return gst_pad_push_event (apad->srcpad, event);
      }
      apad->eos_seqnum = gst_event_get_seqnum (event);
      gst_event_unref (event);
      idx = pad_index (self, apad);
      if (idx < 0 || apad->flushing) {
        g_mutex_unlock (&self->lock);
        return TRUE;
      }
      GST_DEBUG_OBJECT (pad, "EOS: waiting until no more sets can form");
      bag_align_logic_set_eos (self->logic, idx);
      process_and_wait (self, apad, TRUE);
      g_mutex_unlock (&self->lock);
      post_pending (self);
      return TRUE;
    case GST_EVENT_FLUSH_START:
      g_mutex_lock (&self->lock);
      apad->flushing = TRUE;
      idx = pad_index (self, apad);
      if (idx >= 0)
        bag_align_logic_flush (self->logic, idx, TRUE, release_entry, self);
      g_queue_clear_full (&apad->outbox,
          (GDestroyNotify) gst_mini_object_unref);
      self->done = FALSE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      return gst_pad_push_event (apad->srcpad, event);
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      idx = pad_index (self, apad);
      if (idx >= 0)
        bag_align_logic_flush (self->logic, idx, FALSE, release_entry, self);
      apad->flushing = FALSE;
      apad->eos_sent = FALSE;
      apad->need_segment = TRUE;
      gst_segment_init (&apad->segment, GST_FORMAT_TIME);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      return gst_pad_push_event (apad->srcpad, event);
    default:
      if (GST_EVENT_IS_SERIALIZED (event)) {
        /* keep order with what this pad already has to push */
        g_mutex_lock (&self->lock);
        if (!g_queue_is_empty (&apad->outbox) && !apad->flushing)
          drain_outbox (self, apad);
        g_mutex_unlock (&self->lock);
      }
      return gst_pad_push_event (apad->srcpad, event);
  }
}

static GstPad *
get_pair (GstBagAlign * self, GstPad * pad)
{
  GstPad *other = NULL;

  g_mutex_lock (&self->lock);
  if (GST_PAD_IS_SINK (pad)) {
    other = GST_BAG_ALIGN_PAD (pad)->srcpad;
  } else {
    GstBagAlignPad *apad = gst_pad_get_element_private (pad);
    other = apad ? GST_PAD_CAST (apad) : NULL;
  }
  if (other)
    gst_object_ref (other);
  g_mutex_unlock (&self->lock);

  return other;
}

static GstIterator *
gst_bag_align_iterate_internal_links (GstPad * pad, GstObject * parent)
{
  GstBagAlign *self = GST_BAG_ALIGN (parent);
  GstIterator *it = NULL;
  GstPad *other = get_pair (self, pad);

  if (other) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_PAD);
    g_value_set_object (&v, other);
    it = gst_iterator_new_single (GST_TYPE_PAD, &v);
    g_value_unset (&v);
    gst_object_unref (other);
  }
  return it;
}

static GstPad *
gst_bag_align_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstBagAlign *self = GST_BAG_ALIGN (element);
  GstBagAlignPad *apad;
  GstPad *srcpad;
  gchar *sinkname, *srcname;
  guint n, pos;
  gboolean flushing;

  g_mutex_lock (&self->lock);
  if (name && sscanf (name, "sink_%u", &n) == 1) {
    guint i;

    for (i = 0; i < self->pads->len; i++) {
      gchar *other = g_strdup_printf ("sink_%u", n);
      gboolean taken =
          !g_strcmp0 (GST_OBJECT_NAME (g_ptr_array_index (self->pads, i)),
          other);

      g_free (other);
      if (taken) {
        g_mutex_unlock (&self->lock);
        GST_WARNING_OBJECT (self, "pad %s already exists", name);
        return NULL;
      }
    }
  } else {
    n = self->next_pad_number;
  }
  self->next_pad_number = MAX (self->next_pad_number, n + 1);
  flushing = GST_STATE (element) <= GST_STATE_READY &&
      GST_STATE_PENDING (element) != GST_STATE_PAUSED;
  g_mutex_unlock (&self->lock);

  sinkname = g_strdup_printf ("sink_%u", n);
  srcname = g_strdup_printf ("src_%u", n);

  apad = g_object_new (GST_TYPE_BAG_ALIGN_PAD, "name", sinkname,
      "direction", GST_PAD_SINK, "template", templ, NULL);
  gst_pad_set_chain_function (GST_PAD_CAST (apad),
      GST_DEBUG_FUNCPTR (gst_bag_align_sink_chain));
  gst_pad_set_event_function (GST_PAD_CAST (apad),
      GST_DEBUG_FUNCPTR (gst_bag_align_sink_event));
  gst_pad_set_iterate_internal_links_function (GST_PAD_CAST (apad),
      GST_DEBUG_FUNCPTR (gst_bag_align_iterate_internal_links));
  GST_PAD_SET_PROXY_CAPS (apad);
  GST_PAD_SET_PROXY_ALLOCATION (apad);
  GST_PAD_SET_PROXY_SCHEDULING (apad);

  srcpad = gst_pad_new_from_static_template (&src_template, srcname);
  gst_pad_set_iterate_internal_links_function (srcpad,
      GST_DEBUG_FUNCPTR (gst_bag_align_iterate_internal_links));
  gst_pad_set_element_private (srcpad, apad);
  GST_PAD_SET_PROXY_CAPS (srcpad);
  GST_PAD_SET_PROXY_SCHEDULING (srcpad);
  apad->srcpad = gst_object_ref (srcpad);
  g_free (sinkname);
  g_free (srcname);

  g_mutex_lock (&self->lock);
  /* pads stay sorted by number: the index columns and messages follow
   * sink_0, sink_1, ... whatever order they were requested in */
  for (pos = 0; pos < self->pads->len; pos++) {
    guint other;

    if (sscanf (GST_OBJECT_NAME (g_ptr_array_index (self->pads, pos)),
            "sink_%u", &other) == 1 && other > n)
      break;
  }
  bag_align_logic_insert_pad (self->logic, pos);
  g_ptr_array_insert (self->pads, pos, gst_object_ref (apad));
  apad->flushing = flushing;
  apad->needed = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  gst_element_add_pad (element, srcpad);
  gst_element_add_pad (element, GST_PAD_CAST (apad));
  gst_child_proxy_child_added (GST_CHILD_PROXY (element), G_OBJECT (apad),
      GST_OBJECT_NAME (apad));

  return GST_PAD_CAST (apad);
}

static void
gst_bag_align_release_pad (GstElement * element, GstPad * pad)
{
  GstBagAlign *self = GST_BAG_ALIGN (element);
  GstBagAlignPad *apad = GST_BAG_ALIGN_PAD (pad);
  GstPad *srcpad;
  gint idx;

  g_mutex_lock (&self->lock);
  apad->flushing = TRUE;
  idx = pad_index (self, apad);
  if (idx >= 0) {
    bag_align_logic_remove_pad (self->logic, idx, release_entry, self);
    g_ptr_array_remove_index (self->pads, idx);
  }
  g_queue_clear_full (&apad->outbox, (GDestroyNotify) gst_mini_object_unref);
  srcpad = apad->srcpad;
  apad->srcpad = NULL;
  gst_pad_set_element_private (srcpad, NULL);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  gst_child_proxy_child_removed (GST_CHILD_PROXY (element), G_OBJECT (pad),
      GST_OBJECT_NAME (pad));
  /* when the element is disposed, src pads may already be gone */
  if (GST_OBJECT_PARENT (srcpad) == GST_OBJECT_CAST (element)) {
    gst_pad_set_active (srcpad, FALSE);
    gst_element_remove_pad (element, srcpad);
  }
  gst_object_unref (srcpad);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

static GstStateChangeReturn
gst_bag_align_change_state (GstElement * element, GstStateChange transition)
{
  GstBagAlign *self = GST_BAG_ALIGN (element);
  GstStateChangeReturn ret;
  FILE *index;
  guint i;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      gchar *location;

      GST_OBJECT_LOCK (self);
      location = g_strdup (self->index_location);
      self->sets_emitted = 0;
      self->sets_dropped = 0;
      GST_OBJECT_UNLOCK (self);

      g_mutex_lock (&self->lock);
      self->done = FALSE;
      self->n_emitted = 0;
      self->logic->tick = 0;
      for (i = 0; i < self->pads->len; i++) {
        GstBagAlignPad *apad = g_ptr_array_index (self->pads, i);

        apad->flushing = FALSE;
        apad->eos_sent = FALSE;
        apad->need_segment = TRUE;
        apad->needed = TRUE;
        gst_segment_init (&apad->segment, GST_FORMAT_TIME);
        bag_align_logic_flush (self->logic, i, TRUE, release_entry, self);
        bag_align_logic_flush (self->logic, i, FALSE, release_entry, self);
      }
      if (location && *location) {
        self->index = g_fopen (location, "w");
        self->index_columns = 0;
        g_free (self->index_path);
        self->index_path = g_strdup (location);
        if (!self->index) {
          int err = errno;

          g_mutex_unlock (&self->lock);
          GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
              ("Could not open index file \"%s\" for writing.", location),
              ("%s", g_strerror (err)));
          g_free (location);
          return GST_STATE_CHANGE_FAILURE;
        }
      }
      g_mutex_unlock (&self->lock);
      g_free (location);
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* unblock every streaming thread waiting in here */
      g_mutex_lock (&self->lock);
      for (i = 0; i < self->pads->len; i++)
        ((GstBagAlignPad *) g_ptr_array_index (self->pads, i))->flushing = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      g_mutex_lock (&self->lock);
      for (i = 0; i < self->pads->len; i++) {
        GstBagAlignPad *apad = g_ptr_array_index (self->pads, i);

        bag_align_logic_flush (self->logic, i, TRUE, release_entry, self);
        g_queue_clear_full (&apad->outbox,
            (GDestroyNotify) gst_mini_object_unref);
      }
      index = self->index;
      self->index = NULL;
      g_mutex_unlock (&self->lock);
      /* what was still buffered must have been written */
      errno = 0;
      if (index && fclose (index) != 0) {
        int err = errno ? errno : EIO;

        if (err == ENOSPC)
          GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
              ("Could not write the index file \"%s\".", self->index_path),
              ("%s", g_strerror (err)));
        else
          GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
              ("Could not write the index file \"%s\".", self->index_path),
              ("%s", g_strerror (err)));
      }
      break;
    default:
      break;
  }

  return ret;
}
