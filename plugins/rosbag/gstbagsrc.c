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
 * SECTION:element-bagsrc
 * @title: bagsrc
 * @short_description: plays a ROS 1 bag, an MCAP file or a rosbag2
 *     recording: one source pad per topic
 *
 * bagsrc plays a ROS 1 bag (`.bag`) or an MCAP file (`.mcap`, such as a
 * rosbag2 recording), told apart by the file's magic; the caps of each
 * topic are those of #GstBagDemux (application/x-rosmsg with
 * `encoding=ros1` or `encoding=cdr`, application/x-mcap-message for the
 * other MCAP message encodings, video for ROS 1 images).
 *
 * bagsrc is a source bin: filesrc, bagdemux and one queue per topic that
 * bounds what the topic may hold (#GstBagSrc:max-size-buffers,
 * #GstBagSrc:max-size-bytes, #GstBagSrc:max-size-time), so memory is
 * governed by these limits and the chunk cache, never by the file's size.
 * Each topic's queue has its own streaming thread, and moves the buffer
 * lists bagdemux makes of small messages (#GstBagSrc:batch-time) as one
 * item each.
 * Its source pads are named after the topics as bagdemux names them
 * (`/cam0/image_raw` gives `cam0_image_raw`). It handles `file://` URIs, so
 * playbin and uridecodebin can use it.
 *
 * #GstBagSrc:location may also name a rosbag2 recording as `ros2 bag
 * record` leaves it, played as one recording (split files merged in log
 * time order, topics matched by name across the files, seeking and
 * duration over the whole recording):
 *
 * - a directory with a `metadata.yaml`: filesrc reads the metadata.yaml
 *   and bagdemux opens the directory's storage files by path;
 * - a directory without one (a recording whose writer died): filesrc
 *   reads the first storage file by name (`.db3`, `.mcap`, `.db3.zstd`,
 *   `.mcap.zstd`) and #GstBagDemux:recording names the directory, whose
 *   storage files are all read (with a warning that there is no
 *   metadata); a directory without any storage file fails with
 *   `RESOURCE/NOT_FOUND`;
 * - the metadata.yaml itself;
 * - a storage file compressed whole (compression mode FILE,
 *   `.db3.zstd`, `.mcap.zstd`): #GstBagDemux:recording names it, and the
 *   library decompresses it to a temporary file.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 bagsrc location=x.bag ! fakesink
 * gst-launch-1.0 bagsrc location=x.bag topics=/cam0/image_raw ! pngenc ! multifilesink location=frame_%06d.png
 * gst-launch-1.0 bagsrc location=x.bag name=b  b.cam0_image_raw ! videoconvert ! autovideosink  b.imu ! fakesink
 * gst-launch-1.0 bagsrc location=run.mcap topics=/imu ! fakesink dump=true
 * gst-launch-1.0 playbin uri=file:///data/run.mcap
 * gst-launch-1.0 bagsrc location=/data/rosbag2_2024_01_01-12_00_00 topics=/imu ! rosmsgconvert format=csv ! filesink location=imu.csv
 * gst-launch-1.0 bagsrc location=/data/run/metadata.yaml topics=/imu ! fakesink
 * gst-launch-1.0 bagsrc location=/data/run/run_0.db3.zstd ! fakesink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/base/gstflowcombiner.h>

#include "gstrosbagelements.h"
#include "gstbagsrc.h"
#include "gstbagdemux.h"

GST_DEBUG_CATEGORY_STATIC (gst_bag_src_debug);
#define GST_CAT_DEFAULT gst_bag_src_debug

#define DEFAULT_LOCATION NULL
#define DEFAULT_MAX_SIZE_BUFFERS 0
#define DEFAULT_MAX_SIZE_BYTES (16 * 1024 * 1024)
#define DEFAULT_MAX_SIZE_TIME GST_SECOND
#define DEFAULT_BATCH_TIME (20 * GST_MSECOND)

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_TOPICS,
  PROP_TIMESTAMP_SOURCE,
  PROP_RAW,
  PROP_DEFINITIONS_PATH,
  PROP_START_TIME,
  PROP_STOP_TIME,
  PROP_CACHE_SIZE,
  PROP_MAX_SIZE_BUFFERS,
  PROP_MAX_SIZE_BYTES,
  PROP_MAX_SIZE_TIME,
  PROP_BATCH_TIME,
  PROP_MAX_THREADS,
  PROP_USE_MMAP
};

struct _GstBagSrc
{
  GstBin parent;

  GstElement *source;
  GstElement *demux;
  gchar *location;
  /* the topics' queues (owned by the bin) and their limits, under the
   * object lock */
  GList *queues;
  guint max_size_buffers, max_size_bytes;
  guint64 max_size_time;
  GList *ghosts;                /* GstPad* owned by the bin */
  /* the ghost pads' last flows, under the object lock: when no topic is
   * linked the queues' threads stop with nobody to say so (bagdemux
   * may have pushed everything into the queue already) */
  GstFlowCombiner *flows;
  gboolean posted_not_linked;
  /* the demuxer's streaming thread only: announcing its position from a
   * full queue's overrun, and the queues grown for that meanwhile */
  gboolean announcing;
  GList *grown;
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("%s",
    GST_PAD_SRC,
    GST_PAD_SOMETIMES,
    GST_STATIC_CAPS (GST_BAG_DEMUX_SRC_CAPS));

static void gst_bag_src_uri_handler_init (gpointer g_iface,
    gpointer iface_data);

#define gst_bag_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstBagSrc, gst_bag_src, GST_TYPE_BIN,
    G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER, gst_bag_src_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (bagsrc, "bagsrc", GST_RANK_NONE,
    GST_TYPE_BAG_SRC, gst_bag_register_tags ());

static void gst_bag_src_finalize (GObject * object);
static void gst_bag_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_bag_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_bag_src_change_state (GstElement * element,
    GstStateChange transition);

static void
gst_bag_src_class_init (GstBagSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_bag_src_finalize;
  gobject_class->set_property = gst_bag_src_set_property;
  gobject_class->get_property = gst_bag_src_get_property;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Path of the ROS 1 bag, MCAP file or rosbag2 recording to play "
          "(a .db3, a directory with or without metadata.yaml, a "
          "metadata.yaml, a .db3.zstd / .mcap.zstd file)",
          DEFAULT_LOCATION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TOPICS,
      g_param_spec_string ("topics", "Topics",
          "Comma-separated topic names or * globs to play (empty = all)",
          NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIMESTAMP_SOURCE,
      g_param_spec_enum ("timestamp-source", "Timestamp source",
          "Which time becomes the buffer PTS", GST_TYPE_BAG_TIMESTAMP_SOURCE,
          GST_BAG_TIMESTAMP_SOURCE_RECEIVE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_RAW,
      g_param_spec_boolean ("raw", "Raw",
          "Every topic as serialized messages (application/x-rosmsg or "
          "application/x-mcap-message), no image mapping", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DEFINITIONS_PATH,
      g_param_spec_string ("definitions-path", "Definitions path",
          "Colon-separated directories laid out as a ROS 2 share tree "
          "(DIR/pkg/msg/Type.msg) where topics whose recording holds no "
          "definition find one, before the built-in common interfaces",
          NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_uint64 ("start-time", "Start time",
          "Play from this time (ns, relative to the recording's start)", 0,
          G_MAXUINT64, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_STOP_TIME,
      g_param_spec_uint64 ("stop-time", "Stop time",
          "Stop before this time (ns, relative to the recording's start; "
          "-1 = the end)", 0, G_MAXUINT64, GST_CLOCK_TIME_NONE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CACHE_SIZE,
      g_param_spec_uint64 ("cache-size", "Chunk cache size",
          "Bytes of decompressed chunks kept for reading", 0, G_MAXUINT64,
          GST_ROSBAG_READER_DEFAULT_CACHE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_BUFFERS,
      g_param_spec_uint ("max-size-buffers", "Max. size (buffers)",
          "Most buffers queued per topic (0 = no limit)", 0, G_MAXUINT,
          DEFAULT_MAX_SIZE_BUFFERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_BYTES,
      g_param_spec_uint ("max-size-bytes", "Max. size (bytes)",
          "Most bytes queued per topic (0 = no limit)", 0, G_MAXUINT,
          DEFAULT_MAX_SIZE_BYTES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_TIME,
      g_param_spec_uint64 ("max-size-time", "Max. size (ns)",
          "Most time queued per topic (0 = no limit)", 0, G_MAXUINT64,
          DEFAULT_MAX_SIZE_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_BATCH_TIME,
      g_param_spec_uint64 ("batch-time", "Batch time",
          "Push small messages of a topic together, as a buffer list, once "
          "the first is this old in receive time (ns; 0 = every message "
          "alone)", 0, G_MAXUINT64, DEFAULT_BATCH_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /* bagdemux's, forwarded */
  g_object_class_install_property (gobject_class, PROP_MAX_THREADS,
      gst_bag_demux_param_spec_max_threads ());
  g_object_class_install_property (gobject_class, PROP_USE_MMAP,
      gst_bag_demux_param_spec_use_mmap ());

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_bag_src_change_state);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "ROS bag source",
      "Source/File/Demuxer",
      "Plays a ROS 1 bag or an MCAP file: one source pad per topic",
      "The gst-rosbag authors");

  GST_DEBUG_CATEGORY_INIT (gst_bag_src_debug, "bagsrc", 0, "ROS bag source");
}

/* what a queue's thread got back from downstream of a ghost pad, and
 * what it should go on with: the combined flow, so that the queue of a
 * topic nobody links goes on (dropping what it gets) while another topic
 * is linked; a queue that saw not-linked would stop and post an error at
 * EOS */
static GstFlowReturn
gst_bag_src_update_flow (GstBagSrc * self, GstPad * ghost, GstFlowReturn ret)
{
  GstFlowReturn combined;
  gboolean post = FALSE;

  GST_OBJECT_LOCK (self);
  combined = gst_flow_combiner_update_pad_flow (self->flows, ghost, ret);
  if (combined == GST_FLOW_NOT_LINKED && !self->posted_not_linked)
    post = self->posted_not_linked = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (post)
    GST_ELEMENT_FLOW_ERROR (self, combined);
  return ret == GST_FLOW_NOT_LINKED ? combined : ret;
}

static GstFlowReturn
gst_bag_src_proxy_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstPad *ghost = GST_PAD (parent);
  GstFlowReturn ret = gst_proxy_pad_chain_default (pad, parent, buf);
  GstObject *self = gst_object_get_parent (GST_OBJECT (ghost));

  if (self) {
    ret = gst_bag_src_update_flow (GST_BAG_SRC (self), ghost, ret);
    gst_object_unref (self);
  }
  return ret;
}

static GstFlowReturn
gst_bag_src_proxy_chain_list (GstPad * pad, GstObject * parent,
    GstBufferList * list)
{
  GstPad *ghost = GST_PAD (parent);
  GstFlowReturn ret = gst_proxy_pad_chain_list_default (pad, parent, list);
  GstObject *self = gst_object_get_parent (GST_OBJECT (ghost));

  if (self) {
    ret = gst_bag_src_update_flow (GST_BAG_SRC (self), ghost, ret);
    gst_object_unref (self);
  }
  return ret;
}

/* the events that describe a stream, copied from bagdemux's pad to the
 * ghost pad before it is added: "pad-added" handlers can read the stream
 * (gst_pad_get_stream(): its topic and type tags), caps and tags before
 * any data flows */
static gboolean
copy_stream_event (GstPad * pad, GstEvent ** event, gpointer ghost)
{
  GstEventType t = GST_EVENT_TYPE (*event);

  if (t == GST_EVENT_STREAM_START || t == GST_EVENT_CAPS || t == GST_EVENT_TAG)
    gst_pad_store_sticky_event (GST_PAD (ghost), *event);
  return TRUE;
}

/* A topic's queue is full: the demuxer's streaming thread is about to
 * wait in it (the signal is emitted there, without the queue's lock).
 * Before it waits, every other topic learns how far the demuxer has read
 * (its held-back list, then a GAP up to now): whoever holds this topic's
 * data back to wait for another (an aligner) can then tell that the other
 * has nothing before that time, and let this one go. Lists pushed for
 * that into a queue that is itself full get in (the queue grows by that
 * list, a few ms of small messages; its limits are set back right after):
 * waiting there, inside the first wait, could hold up the very topic
 * someone waits for. */
static void
gst_bag_src_queue_overrun (GstElement * queue, GstBagSrc * self)
{
  GstPad *qsink, *peer;
  GList *grown, *l;

  if (self->announcing) {
    g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
        "max-size-time", (guint64) 0, NULL);
    self->grown = g_list_prepend (self->grown, gst_object_ref (queue));
    return;
  }
  qsink = gst_element_get_static_pad (queue, "sink");
  peer = gst_pad_get_peer (qsink);
  gst_object_unref (qsink);
  if (!peer)
    return;
  GST_LOG_OBJECT (self, "%s is full: announcing the demuxer's position",
      GST_OBJECT_NAME (queue));
  self->announcing = TRUE;
  gst_bag_demux_announce_position (GST_BAG_DEMUX (self->demux), peer);
  self->announcing = FALSE;
  gst_object_unref (peer);

  grown = self->grown;
  self->grown = NULL;
  for (l = grown; l; l = l->next) {
    guint buffers, bytes;
    guint64 time;

    GST_OBJECT_LOCK (self);
    buffers = self->max_size_buffers;
    bytes = self->max_size_bytes;
    time = self->max_size_time;
    GST_OBJECT_UNLOCK (self);
    g_object_set (l->data, "max-size-buffers", buffers, "max-size-bytes",
        bytes, "max-size-time", time, NULL);
  }
  g_list_free_full (grown, gst_object_unref);
}

static void
gst_bag_src_demux_pad_added (GstElement * demux, GstPad * pad, GstBagSrc * self)
{
  GstPad *qsink, *qsrc, *ghost;
  GstElement *queue;
  gchar *name;

  name = g_strdup_printf ("queue_%s", GST_PAD_NAME (pad));
  queue = gst_element_factory_make ("queue", name);
  g_free (name);
  if (!queue)
    goto no_queue;
  GST_OBJECT_LOCK (self);
  /* (not silent: "overrun" says when a push is about to wait) */
  g_object_set (queue, "max-size-buffers", self->max_size_buffers,
      "max-size-bytes", self->max_size_bytes, "max-size-time",
      self->max_size_time, NULL);
  self->queues = g_list_prepend (self->queues, gst_object_ref (queue));
  GST_OBJECT_UNLOCK (self);
  g_signal_connect (queue, "overrun",
      G_CALLBACK (gst_bag_src_queue_overrun), self);
  gst_bin_add (GST_BIN (self), queue);
  qsink = gst_element_get_static_pad (queue, "sink");
  if (gst_pad_link (pad, qsink) != GST_PAD_LINK_OK) {
    gst_object_unref (qsink);
    goto no_queue;
  }
  gst_object_unref (qsink);
  gst_element_sync_state_with_parent (queue);
  qsrc = gst_element_get_static_pad (queue, "src");
  ghost = gst_ghost_pad_new_from_template (GST_PAD_NAME (pad), qsrc,
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self), "%s"));
  gst_object_unref (qsrc);
  {
    GstPad *internal = GST_PAD (gst_proxy_pad_get_internal (GST_PROXY_PAD
            (ghost)));

    gst_pad_set_chain_function (internal,
        GST_DEBUG_FUNCPTR (gst_bag_src_proxy_chain));
    gst_pad_set_chain_list_function (internal,
        GST_DEBUG_FUNCPTR (gst_bag_src_proxy_chain_list));
    gst_object_unref (internal);
  }
  gst_pad_set_active (ghost, TRUE);
  gst_pad_sticky_events_foreach (pad, copy_stream_event, ghost);
  GST_OBJECT_LOCK (self);
  self->ghosts = g_list_prepend (self->ghosts, gst_object_ref (ghost));
  gst_flow_combiner_add_pad (self->flows, ghost);
  GST_OBJECT_UNLOCK (self);
  gst_element_add_pad (GST_ELEMENT (self), ghost);
  return;

no_queue:
  GST_ELEMENT_ERROR (self, CORE, PAD, ("Could not link a topic's queue"),
      ("pad %s", GST_PAD_NAME (pad)));
}

static void
gst_bag_src_demux_no_more_pads (GstElement * demux, GstBagSrc * self)
{
  gst_element_no_more_pads (GST_ELEMENT (self));
}

static gboolean
have_queue (void)
{
  GstElementFactory *f = gst_element_factory_find ("queue");

  if (f)
    gst_object_unref (f);
  return f != NULL;
}

static void
gst_bag_src_init (GstBagSrc * self)
{
  self->flows = gst_flow_combiner_new ();
  self->source = gst_element_factory_make ("filesrc", "source");
  self->demux = gst_element_factory_make ("bagdemux", "demux");
  self->max_size_buffers = DEFAULT_MAX_SIZE_BUFFERS;
  self->max_size_bytes = DEFAULT_MAX_SIZE_BYTES;
  self->max_size_time = DEFAULT_MAX_SIZE_TIME;
  if (!self->source || !self->demux || !have_queue ()) {
    /* reported at state change */
    gst_clear_object (&self->source);
    gst_clear_object (&self->demux);
  } else {
    /* the queues keep lists whole: batch small messages */
    g_object_set (self->demux, "batch-time", (guint64) DEFAULT_BATCH_TIME,
        NULL);
    gst_bin_add_many (GST_BIN (self), self->source, self->demux, NULL);
    gst_element_link (self->source, self->demux);
    g_signal_connect (self->demux, "pad-added",
        G_CALLBACK (gst_bag_src_demux_pad_added), self);
    g_signal_connect (self->demux, "no-more-pads",
        G_CALLBACK (gst_bag_src_demux_no_more_pads), self);
  }
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
  gst_bin_set_suppressed_flags (GST_BIN (self),
      GST_ELEMENT_FLAG_SOURCE | GST_ELEMENT_FLAG_SINK);
}

static void
gst_bag_src_finalize (GObject * object)
{
  GstBagSrc *self = GST_BAG_SRC (object);

  g_free (self->location);
  g_list_free_full (self->queues, gst_object_unref);
  gst_flow_combiner_free (self->flows);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstElement *
child_for_prop (GstBagSrc * self, guint prop_id)
{
  switch (prop_id) {
    case PROP_LOCATION:
      return self->source;
    case PROP_MAX_SIZE_BUFFERS:
    case PROP_MAX_SIZE_BYTES:
    case PROP_MAX_SIZE_TIME:
      return NULL;
    default:
      return self->demux;
  }
}

static void
gst_bag_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBagSrc *self = GST_BAG_SRC (object);
  GstElement *child = child_for_prop (self, prop_id);

  if (prop_id == PROP_LOCATION) {
    /* the children get theirs at NULL->READY (a directory is not what
     * filesrc reads) */
    GST_OBJECT_LOCK (self);
    g_free (self->location);
    self->location = g_value_dup_string (value);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (prop_id == PROP_MAX_SIZE_BUFFERS || prop_id == PROP_MAX_SIZE_BYTES
      || prop_id == PROP_MAX_SIZE_TIME) {
    GList *l;

    /* every topic's queue */
    GST_OBJECT_LOCK (self);
    if (prop_id == PROP_MAX_SIZE_BUFFERS)
      self->max_size_buffers = g_value_get_uint (value);
    else if (prop_id == PROP_MAX_SIZE_BYTES)
      self->max_size_bytes = g_value_get_uint (value);
    else
      self->max_size_time = g_value_get_uint64 (value);
    for (l = self->queues; l; l = l->next)
      g_object_set_property (G_OBJECT (l->data), pspec->name, value);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (child)
    g_object_set_property (G_OBJECT (child), pspec->name, value);
}

/* the storage file kinds rosbag2 writes, in the order a directory
 * without metadata.yaml is looked through */
static const gchar *const storage_suffixes[] = { ".db3", ".mcap",
  ".db3.zstd", ".mcap.zstd", NULL
};

static gboolean
is_storage_file (const gchar * name)
{
  guint i;

  for (i = 0; storage_suffixes[i]; i++)
    if (g_str_has_suffix (name, storage_suffixes[i]))
      return TRUE;
  return FALSE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The first storage file of @dir by name (any kind), or NULL */
static gchar *
first_storage_file (const gchar * dir, GError ** error)
{
  GDir *d = g_dir_open (dir, 0, error);
  GPtrArray *names;
  const gchar *name;
  gchar *ret = NULL;

  if (!d)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d))) {
    gchar *path;

    if (!is_storage_file (name))
      continue;
    path = g_build_filename (dir, name, NULL);
    if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (names, g_strdup (name));
    g_free (path);
  }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  if (names->len > 0)
    ret = g_build_filename (dir, g_ptr_array_index (names, 0), NULL);
  g_ptr_array_unref (names);
  return ret;
}

/* What filesrc reads and what bagdemux opens by path for @location: a
 * bag or MCAP file goes through filesrc alone; a rosbag2 directory with
 * metadata.yaml is read through its metadata.yaml (bagdemux sees it and
 * opens the directory); a directory without one, and a file compressed
 * whole, are named to bagdemux's recording property, filesrc reading a
 * file only to drive scheduling */
static gboolean
gst_bag_src_configure (GstBagSrc * self, const gchar * location)
{
  gchar *file = NULL, *recording = NULL;
  GError *err = NULL;

  if (g_file_test (location, G_FILE_TEST_IS_DIR)) {
    gchar *meta = g_build_filename (location, "metadata.yaml", NULL);

    if (g_file_test (meta, G_FILE_TEST_IS_REGULAR)) {
      file = meta;
    } else {
      g_free (meta);
      file = first_storage_file (location, &err);
      if (!file)
        goto no_storage;
      recording = g_strdup (location);
    }
  } else if (g_str_has_suffix (location, ".zstd")) {
    file = g_strdup (location);
    recording = g_strdup (location);
  } else {
    file = g_strdup (location);
  }
  GST_DEBUG_OBJECT (self, "%s: filesrc reads %s, bagdemux recording=%s",
      location, file, GST_STR_NULL (recording));
  g_object_set (self->source, "location", file, NULL);
  g_object_set (self->demux, "recording", recording, NULL);
  g_free (file);
  g_free (recording);
  return TRUE;

no_storage:
  GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
      ("%s is a directory without a rosbag2 recording: no metadata.yaml "
          "and no storage file (.db3, .mcap, .db3.zstd, .mcap.zstd)",
          location), ("%s", err ? err->message : "no storage file"));
  g_clear_error (&err);
  return FALSE;
}

static void
gst_bag_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBagSrc *self = GST_BAG_SRC (object);
  GstElement *child = child_for_prop (self, prop_id);

  if (prop_id == PROP_LOCATION) {
    GST_OBJECT_LOCK (self);
    g_value_set_string (value, self->location);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (prop_id == PROP_MAX_SIZE_BUFFERS || prop_id == PROP_MAX_SIZE_BYTES
      || prop_id == PROP_MAX_SIZE_TIME) {
    GST_OBJECT_LOCK (self);
    if (prop_id == PROP_MAX_SIZE_BUFFERS)
      g_value_set_uint (value, self->max_size_buffers);
    else if (prop_id == PROP_MAX_SIZE_BYTES)
      g_value_set_uint (value, self->max_size_bytes);
    else
      g_value_set_uint64 (value, self->max_size_time);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (child)
    g_object_get_property (G_OBJECT (child), pspec->name, value);
  else
    g_param_value_set_default (pspec, value);
}

static void
gst_bag_src_remove_ghosts (GstBagSrc * self)
{
  GList *ghosts, *queues, *l;

  GST_OBJECT_LOCK (self);
  ghosts = self->ghosts;
  self->ghosts = NULL;
  queues = self->queues;
  self->queues = NULL;
  gst_flow_combiner_clear (self->flows);
  self->posted_not_linked = FALSE;
  GST_OBJECT_UNLOCK (self);
  for (l = ghosts; l; l = l->next) {
    GstPad *ghost = l->data;
    GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (ghost));

    gst_pad_set_active (ghost, FALSE);
    gst_element_remove_pad (GST_ELEMENT (self), ghost);
    if (target)
      gst_object_unref (target);
    gst_object_unref (ghost);
  }
  g_list_free (ghosts);
  /* the topics' queues go with their pads */
  for (l = queues; l; l = l->next) {
    GstElement *queue = l->data;

    gst_element_set_locked_state (queue, TRUE);
    gst_element_set_state (queue, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (self), queue);
    gst_object_unref (queue);
  }
  g_list_free (queues);
}

/* The children configured from location; FALSE after posting an error */
static gboolean
gst_bag_src_prepare (GstBagSrc * self)
{
  gchar *location;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->location);
  GST_OBJECT_UNLOCK (self);
  if (!location) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No recording given: set the location property"), (NULL));
    return FALSE;
  }
  ok = gst_bag_src_configure (self, location);
  g_free (location);
  return ok;
}

static GstStateChangeReturn
gst_bag_src_change_state (GstElement * element, GstStateChange transition)
{
  GstBagSrc *self = GST_BAG_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!self->source) {
        GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
            ("bagsrc needs filesrc, bagdemux and queue"),
            ("a core element is missing"));
        return GST_STATE_CHANGE_FAILURE;
      }
      /* fall through */
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* (again at READY->PAUSED: location may change in READY) */
      if (!gst_bag_src_prepare (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_bag_src_remove_ghosts (self);
      break;
    default:
      break;
  }
  return ret;
}

/* URI handler: file:// */

static GstURIType
gst_bag_src_uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
gst_bag_src_uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { "file", NULL };

  return protocols;
}

static gchar *
gst_bag_src_uri_get_uri (GstURIHandler * handler)
{
  GstBagSrc *self = GST_BAG_SRC (handler);
  gchar *uri = NULL;

  GST_OBJECT_LOCK (self);
  if (self->location)
    uri = gst_filename_to_uri (self->location, NULL);
  GST_OBJECT_UNLOCK (self);
  return uri;
}

static gboolean
gst_bag_src_uri_set_uri (GstURIHandler * handler, const gchar * uri,
    GError ** error)
{
  GstBagSrc *self = GST_BAG_SRC (handler);
  gchar *path;

  if (GST_STATE (self) > GST_STATE_READY) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "Changing the URI of bagsrc while it plays is not supported");
    return FALSE;
  }
  path = g_filename_from_uri (uri, NULL, error);
  if (!path)
    return FALSE;
  g_object_set (self, "location", path, NULL);
  g_free (path);
  return TRUE;
}

static void
gst_bag_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = (GstURIHandlerInterface *) g_iface;

  iface->get_type = gst_bag_src_uri_get_type;
  iface->get_protocols = gst_bag_src_uri_get_protocols;
  iface->get_uri = gst_bag_src_uri_get_uri;
  iface->set_uri = gst_bag_src_uri_set_uri;
}
