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
 * SECTION:element-bagdemux
 * @title: bagdemux
 * @short_description: demuxes a ROS 1 bag into one stream per topic
 *
 * bagdemux reads a ROS bag v2.0 (chunks uncompressed, bz2 or lz4, indexed
 * or not) and exposes one source pad per selected topic.
 *
 * In pull mode (after filesrc or giosrc) it reads only the index at the end
 * of the bag, then plays the messages of all selected topics in receive
 * time order and answers duration, position and seeking queries. In push
 * mode it demuxes sequentially from the start: messages come out in file
 * order and seeking is not possible.
 *
 * Pads are named after their topic: the topic without its leading `/`,
 * every character outside `[A-Za-z0-9_-]` replaced by `_`
 * (`/cam0/image_raw` gives `cam0_image_raw`); when two topics map to the
 * same name the later one (in name order) gets `_2`, `_3`...
 *
 * Topics of type sensor_msgs/Image and sensor_msgs/CompressedImage come out
 * as video/x-raw, video/x-bayer, image/jpeg or image/png (see the caps
 * mapping in the documentation); every other topic, and every topic with
 * #GstBagDemux:raw, is `application/x-rosmsg` with one buffer per message
 * holding exactly its serialized bytes.
 *
 * Every buffer's PTS is its time (receive time, or header.stamp with
 * #GstBagDemux:timestamp-source=header) minus the bag's start time; both
 * absolute times ride on it as #GstReferenceTimestampMeta with the caps
 * `timestamp/x-ros-receive-time` and `timestamp/x-ros-header-stamp`.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=x.bag ! bagdemux name=d  d.cam0_image_raw ! queue ! videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>

#include "gstrosbagelements.h"
#include "gstbagdemux.h"
#include "gstbagimage.h"

GST_DEBUG_CATEGORY_STATIC (gst_bag_demux_debug);
#define GST_CAT_DEFAULT gst_bag_demux_debug

#define DEFAULT_TOPICS NULL
#define DEFAULT_TIMESTAMP_SOURCE GST_BAG_TIMESTAMP_SOURCE_RECEIVE
#define DEFAULT_RAW FALSE
#define DEFAULT_START_TIME 0
#define DEFAULT_STOP_TIME GST_CLOCK_TIME_NONE
#define DEFAULT_CACHE_SIZE GST_ROSBAG_READER_DEFAULT_CACHE_SIZE

/* messages are copied out of their chunk, so that a queued message never
 * pins a whole decompressed chunk, unless they are big and most of it */
#define COPY_THRESHOLD (64 * 1024)
/* a stream that got nothing for this long gets a GAP event */
#define GAP_THRESHOLD (200 * GST_MSECOND)
/* timestamp-source=header: GAPs follow the receive time minus this much,
 * since a header stamp may precede its receive time by that long */
#define HEADER_GAP_SLACK (GST_SECOND)
/* push mode: the largest record we are willing to collect */
#define MAX_PUSH_RECORD (G_GUINT64_CONSTANT (1) << 30)

enum
{
  PROP_0,
  PROP_TOPICS,
  PROP_TIMESTAMP_SOURCE,
  PROP_RAW,
  PROP_START_TIME,
  PROP_STOP_TIME,
  PROP_CACHE_SIZE
};

typedef struct
{
  GstPad *pad;
  gchar *topic;
  gchar *type;
  gchar *md5sum;
  gchar *definition;
  GstStream *stream;
  GstCaps *caps;
  gboolean is_image;
  gboolean has_header;
  gboolean use_video_meta;
  gboolean meta_checked;
  gboolean exposed;
  GstClockTime last_ts;
  GstClockTime prev_pts;        /* of the last image buffer */
  GstClockTime period;          /* mean interval of the topic, or NONE */
  guint64 n_buffers;
} GstBagStream;

typedef enum
{
  PUSH_MAGIC,
  PUSH_RECORDS,
  PUSH_DISCARD                  /* after damage: the rest is dropped */
} PushState;

struct _GstBagDemux
{
  GstElement parent;

  GstPad *sinkpad;

  /* properties */
  gchar *topics;
  GstBagTimestampSource ts_source;
  gboolean raw;
  guint64 start_time;
  guint64 stop_time;
  guint64 cache_size;

  /* state */
  gboolean pull_mode;
  gboolean opened;
  GstRosbagBag *bag;
  GstRosbagReader *reader;
  gchar **patterns;
  GPtrArray *streams;           /* GstBagStream* */
  GHashTable *stream_by_topic;  /* topic -> GstBagStream* */
  GstFlowCombiner *flowcombiner;
  GstStreamCollection *collection;
  guint group_id;
  GstCaps *receive_caps;
  GstCaps *header_caps;
  GstFlowReturn last_pull_ret;
  GThread *stream_thread;
  gchar *location;

  GstSegment segment;
  guint32 segment_seqnum;
  gboolean need_segment;
  guint64 base_ns;              /* the bag's start time */
  gboolean base_known;
  guint64 duration;

  /* push mode */
  GstAdapter *adapter;
  PushState push_state;
  guint64 push_offset;
  gboolean push_header_seen;
  GHashTable *push_conns;       /* id -> GstRosbagConnection* */
};

#define gst_bag_demux_parent_class parent_class
G_DEFINE_TYPE (GstBagDemux, gst_bag_demux, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (bagdemux, "bagdemux", GST_RANK_PRIMARY,
    GST_TYPE_BAG_DEMUX, gst_bag_register_tags ());

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rosbag"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("%s",
    GST_PAD_SRC,
    GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-rosmsg; video/x-raw; video/x-bayer; "
        "image/jpeg; image/png"));

GType
gst_bag_timestamp_source_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_BAG_TIMESTAMP_SOURCE_RECEIVE,
        "The bag's record (receive) time", "receive"},
    {GST_BAG_TIMESTAMP_SOURCE_HEADER,
        "header.stamp (receive time for messages without a Header)", "header"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstBagTimestampSource", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
gst_bag_register_tags (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gst_tag_register_static (GST_BAG_TAG_TOPIC, GST_TAG_FLAG_META,
        G_TYPE_STRING, "ROS topic", "the ROS topic of the stream", NULL);
    gst_tag_register_static (GST_BAG_TAG_TYPE, GST_TAG_FLAG_META,
        G_TYPE_STRING, "ROS message type", "the ROS message type (pkg/Type)",
        NULL);
    g_once_init_leave (&done, 1);
  }
}

gchar *
gst_bag_topic_to_pad_name (const gchar * topic)
{
  GString *s = g_string_new (NULL);
  const gchar *p = topic;

  gboolean utf8 = g_utf8_validate (topic, -1, NULL);

  if (*p == '/')
    p++;
  /* one _ per character: per UTF-8 character when the topic is UTF-8 */
  for (; *p; p = utf8 ? g_utf8_next_char (p) : p + 1) {
    if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
      g_string_append_c (s, *p);
    else
      g_string_append_c (s, '_');
  }
  if (s->len == 0)
    g_string_append (s, "topic");
  return g_string_free (s, FALSE);
}

static void gst_bag_demux_finalize (GObject * object);
static void gst_bag_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_bag_demux_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_bag_demux_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_bag_demux_sink_activate (GstPad * pad, GstObject * parent);
static gboolean gst_bag_demux_sink_activate_mode (GstPad * pad,
    GstObject * parent, GstPadMode mode, gboolean active);
static GstFlowReturn gst_bag_demux_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer);
static gboolean gst_bag_demux_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_bag_demux_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_bag_demux_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static void gst_bag_demux_loop (GstPad * pad);

static void
gst_bag_demux_class_init (GstBagDemuxClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_bag_demux_finalize;
  gobject_class->set_property = gst_bag_demux_set_property;
  gobject_class->get_property = gst_bag_demux_get_property;

  g_object_class_install_property (gobject_class, PROP_TOPICS,
      g_param_spec_string ("topics", "Topics",
          "Comma-separated topic names or * globs to play (empty = all)",
          DEFAULT_TOPICS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIMESTAMP_SOURCE,
      g_param_spec_enum ("timestamp-source", "Timestamp source",
          "Which time becomes the buffer PTS", GST_TYPE_BAG_TIMESTAMP_SOURCE,
          DEFAULT_TIMESTAMP_SOURCE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_RAW,
      g_param_spec_boolean ("raw", "Raw",
          "Every topic as serialized messages (application/x-rosmsg), "
          "no image mapping", DEFAULT_RAW, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_uint64 ("start-time", "Start time",
          "Play from this time (ns, relative to the bag's start)", 0,
          G_MAXUINT64, DEFAULT_START_TIME, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_STOP_TIME,
      g_param_spec_uint64 ("stop-time", "Stop time",
          "Stop before this time (ns, relative to the bag's start; "
          "-1 = the end)", 0, G_MAXUINT64, DEFAULT_STOP_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CACHE_SIZE,
      g_param_spec_uint64 ("cache-size", "Chunk cache size",
          "Bytes of decompressed chunks kept for reading (pull mode)", 0,
          G_MAXUINT64, DEFAULT_CACHE_SIZE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_bag_demux_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "ROS bag demuxer",
      "Codec/Demuxer", "Demuxes a ROS 1 bag into one stream per topic",
      "The gst-rosbag authors");

  gst_type_mark_as_plugin_api (GST_TYPE_BAG_TIMESTAMP_SOURCE, 0);
  GST_DEBUG_CATEGORY_INIT (gst_bag_demux_debug, "bagdemux", 0,
      "ROS bag demuxer");
}

static void
gst_bag_demux_init (GstBagDemux * demux)
{
  demux->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_activate));
  gst_pad_set_activatemode_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_activate_mode));
  gst_pad_set_chain_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_chain));
  gst_pad_set_event_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_event));
  gst_element_add_pad (GST_ELEMENT (demux), demux->sinkpad);

  demux->ts_source = DEFAULT_TIMESTAMP_SOURCE;
  demux->raw = DEFAULT_RAW;
  demux->start_time = DEFAULT_START_TIME;
  demux->stop_time = DEFAULT_STOP_TIME;
  demux->cache_size = DEFAULT_CACHE_SIZE;

  demux->streams = g_ptr_array_new ();
  demux->stream_by_topic = g_hash_table_new (g_str_hash, g_str_equal);
  demux->flowcombiner = gst_flow_combiner_new ();
  demux->adapter = gst_adapter_new ();
  demux->push_conns = g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) gst_rosbag_connection_free);
  demux->receive_caps = gst_caps_new_empty_simple (GST_BAG_RECEIVE_TIME_CAPS);
  demux->header_caps = gst_caps_new_empty_simple (GST_BAG_HEADER_STAMP_CAPS);
  gst_segment_init (&demux->segment, GST_FORMAT_TIME);
}

static void
gst_bag_demux_finalize (GObject * object)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  g_free (demux->topics);
  g_ptr_array_unref (demux->streams);
  g_hash_table_unref (demux->stream_by_topic);
  gst_flow_combiner_free (demux->flowcombiner);
  g_object_unref (demux->adapter);
  g_hash_table_unref (demux->push_conns);
  gst_caps_unref (demux->receive_caps);
  gst_caps_unref (demux->header_caps);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_bag_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  GST_OBJECT_LOCK (demux);
  switch (prop_id) {
    case PROP_TOPICS:
      g_free (demux->topics);
      demux->topics = g_value_dup_string (value);
      break;
    case PROP_TIMESTAMP_SOURCE:
      demux->ts_source = g_value_get_enum (value);
      break;
    case PROP_RAW:
      demux->raw = g_value_get_boolean (value);
      break;
    case PROP_START_TIME:
      demux->start_time = g_value_get_uint64 (value);
      break;
    case PROP_STOP_TIME:
      demux->stop_time = g_value_get_uint64 (value);
      break;
    case PROP_CACHE_SIZE:
      demux->cache_size = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (demux);
}

static void
gst_bag_demux_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  GST_OBJECT_LOCK (demux);
  switch (prop_id) {
    case PROP_TOPICS:
      g_value_set_string (value, demux->topics);
      break;
    case PROP_TIMESTAMP_SOURCE:
      g_value_set_enum (value, demux->ts_source);
      break;
    case PROP_RAW:
      g_value_set_boolean (value, demux->raw);
      break;
    case PROP_START_TIME:
      g_value_set_uint64 (value, demux->start_time);
      break;
    case PROP_STOP_TIME:
      g_value_set_uint64 (value, demux->stop_time);
      break;
    case PROP_CACHE_SIZE:
      g_value_set_uint64 (value, demux->cache_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (demux);
}

/* ---------------------------------------------------------------------- */
/* streams */

static void
gst_bag_stream_free (GstBagStream * s)
{
  g_free (s->topic);
  g_free (s->type);
  g_free (s->md5sum);
  g_free (s->definition);
  gst_clear_caps (&s->caps);
  gst_clear_object (&s->stream);
  g_free (s);
}

static void
gst_bag_demux_reset (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (s->exposed) {
      gst_flow_combiner_remove_pad (demux->flowcombiner, s->pad);
      gst_element_remove_pad (GST_ELEMENT (demux), s->pad);
    } else if (s->pad) {
      gst_object_unref (s->pad);
    }
    gst_bag_stream_free (s);
  }
  g_ptr_array_set_size (demux->streams, 0);
  g_hash_table_remove_all (demux->stream_by_topic);
  gst_flow_combiner_reset (demux->flowcombiner);
  gst_clear_object (&demux->collection);
  if (demux->reader) {
    gst_rosbag_reader_free (demux->reader);
    demux->reader = NULL;
  }
  if (demux->bag) {
    gst_rosbag_bag_unref (demux->bag);
    demux->bag = NULL;
  }
  g_strfreev (demux->patterns);
  demux->patterns = NULL;
  g_free (demux->location);
  demux->location = NULL;
  demux->opened = FALSE;
  demux->base_known = FALSE;
  demux->base_ns = 0;
  demux->duration = GST_CLOCK_TIME_NONE;
  demux->need_segment = TRUE;
  demux->segment_seqnum = gst_util_seqnum_next ();
  demux->last_pull_ret = GST_FLOW_OK;
  gst_segment_init (&demux->segment, GST_FORMAT_TIME);
  gst_adapter_clear (demux->adapter);
  demux->push_state = PUSH_MAGIC;
  demux->push_offset = 0;
  demux->push_header_seen = FALSE;
  g_hash_table_remove_all (demux->push_conns);
  demux->group_id = gst_util_group_id_next ();
}

static gboolean
definition_has_header (const gchar * def)
{
  const gchar *p = def;

  /* the first field of the top-level block */
  while (p && *p) {
    const gchar *eol = strchr (p, '\n');
    gchar *line = eol ? g_strndup (p, eol - p) : g_strdup (p);
    gchar *hash = strchr (line, '#');
    gchar **tok;
    gboolean is_field, ret = FALSE;

    if (hash)
      *hash = '\0';
    g_strstrip (line);
    if (g_str_has_prefix (line, "====")) {
      g_free (line);
      return FALSE;
    }
    is_field = line[0] != '\0' && strchr (line, '=') == NULL;
    if (is_field) {
      tok = g_strsplit_set (line, " \t", 2);
      ret = g_strcmp0 (tok[0], "Header") == 0
          || g_strcmp0 (tok[0], "std_msgs/Header") == 0;
      g_strfreev (tok);
      g_free (line);
      return ret;
    }
    g_free (line);
    p = eol ? eol + 1 : NULL;
  }
  return FALSE;
}

/* An image topic's caps from one of its messages (the pad's caps before
 * its first buffer); stays unset where the message does not map */
static void
gst_bag_stream_caps_from (GstBagStream * s, const guint8 * data, gsize size)
{
  GBytes *b = g_bytes_new (data, size);
  GstCaps *caps = NULL;

  if (gst_bag_image_map (s->type, b, FALSE, &caps, NULL, NULL, NULL) && caps)
    gst_caps_replace (&s->caps, caps);
  if (caps)
    gst_caps_unref (caps);
  g_bytes_unref (b);
}

static GstCaps *
rosmsg_caps (GstBagStream * s)
{
  return gst_caps_new_simple ("application/x-rosmsg",
      "type", G_TYPE_STRING, s->type,
      "md5sum", G_TYPE_STRING, s->md5sum,
      "definition", G_TYPE_STRING, s->definition,
      "topic", G_TYPE_STRING, s->topic, NULL);
}

static gboolean
gst_bag_demux_pad_name_taken (GstBagDemux * demux, const gchar * name)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (strcmp (GST_PAD_NAME (s->pad), name) == 0)
      return TRUE;
  }
  return FALSE;
}

static GstBagStream *
gst_bag_demux_new_stream (GstBagDemux * demux, const gchar * topic,
    const gchar * type, const gchar * md5sum, const gchar * definition)
{
  GstBagStream *s = g_new0 (GstBagStream, 1);
  gchar *base, *name;
  guint n = 1;
  GstTagList *tags;
  GstStreamType stype;

  s->topic = g_strdup (topic);
  s->type = g_strdup (type);
  s->md5sum = g_strdup (md5sum);
  s->definition = g_strdup (definition);
  s->is_image = !demux->raw && gst_bag_image_type_is_mapped (type);
  s->has_header = definition_has_header (definition);
  s->last_ts = GST_CLOCK_TIME_NONE;
  s->prev_pts = GST_CLOCK_TIME_NONE;
  s->period = GST_CLOCK_TIME_NONE;

  base = gst_bag_topic_to_pad_name (topic);
  name = g_strdup (base);
  while (gst_bag_demux_pad_name_taken (demux, name)) {
    g_free (name);
    name = g_strdup_printf ("%s_%u", base, ++n);
  }
  g_free (base);

  s->pad = gst_pad_new_from_static_template (&src_template, name);
  g_free (name);
  gst_pad_set_event_function (s->pad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_src_event));
  gst_pad_set_query_function (s->pad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_src_query));
  gst_pad_use_fixed_caps (s->pad);

  {
    gchar *sid = gst_pad_create_stream_id (s->pad, GST_ELEMENT (demux),
        topic);

    stype = s->is_image ? GST_STREAM_TYPE_VIDEO : GST_STREAM_TYPE_UNKNOWN;
    s->stream = gst_stream_new (sid, NULL, stype, GST_STREAM_FLAG_NONE);
    g_free (sid);
  }
  tags = gst_tag_list_new (GST_BAG_TAG_TOPIC, topic, GST_BAG_TAG_TYPE, type,
      GST_TAG_TITLE, topic, NULL);
  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_STREAM);
  gst_stream_set_tags (s->stream, tags);
  gst_tag_list_unref (tags);

  g_ptr_array_add (demux->streams, s);
  g_hash_table_insert (demux->stream_by_topic, s->topic, s);
  return s;
}

/* Sends stream-start, caps and tags (sticky) before the pad is added */
static void
gst_bag_demux_prepare_pad (GstBagDemux * demux, GstBagStream * s)
{
  GstEvent *ev;
  GstTagList *tags;

  gst_pad_set_active (s->pad, TRUE);
  ev = gst_event_new_stream_start (gst_stream_get_stream_id (s->stream));
  gst_event_set_group_id (ev, demux->group_id);
  gst_event_set_stream (ev, s->stream);
  gst_pad_push_event (s->pad, ev);
  if (s->caps == NULL)
    s->caps = rosmsg_caps (s);
  gst_stream_set_caps (s->stream, s->caps);
  gst_pad_push_event (s->pad, gst_event_new_caps (s->caps));
  tags = gst_stream_get_tags (s->stream);
  gst_pad_push_event (s->pad, gst_event_new_tag (tags));
}

static void
gst_bag_demux_post_collection (GstBagDemux * demux)
{
  GstStreamCollection *col;
  guint i;

  col = gst_stream_collection_new (NULL);
  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    gst_stream_collection_add_stream (col, gst_object_ref (s->stream));
  }
  gst_clear_object (&demux->collection);
  demux->collection = gst_object_ref (col);
  gst_element_post_message (GST_ELEMENT (demux),
      gst_message_new_stream_collection (GST_OBJECT (demux), col));
  gst_object_unref (col);
}

static void
gst_bag_demux_expose (GstBagDemux * demux, GstBagStream * s)
{
  if (s->exposed)
    return;
  gst_bag_demux_prepare_pad (demux, s);
  if (!demux->need_segment) {
    /* exposed while streaming (push mode): the others have their segment
     * already */
    GstEvent *ev = gst_event_new_segment (&demux->segment);

    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_pad_push_event (s->pad, ev);
  }
  s->exposed = TRUE;
  gst_element_add_pad (GST_ELEMENT (demux), gst_object_ref (s->pad));
  gst_flow_combiner_add_pad (demux->flowcombiner, s->pad);
  gst_object_unref (s->pad);
}

/* whether downstream takes GstVideoMeta with these caps */
static gboolean
peer_accepts_video_meta (GstPad * pad, GstCaps * caps)
{
  GstQuery *q;
  gboolean ret = FALSE;

  if (!gst_caps_is_fixed (caps))
    return FALSE;
  {
    GstStructure *st = gst_caps_get_structure (caps, 0);

    if (!gst_structure_has_name (st, "video/x-raw"))
      return FALSE;
  }
  q = gst_query_new_allocation (caps, FALSE);
  if (gst_pad_peer_query (pad, q))
    ret = gst_query_find_allocation_meta (q, GST_VIDEO_META_API_TYPE, NULL);
  gst_query_unref (q);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pushing */

static void
gst_bag_demux_push_segment (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    GstEvent *ev;

    if (!s->exposed)
      continue;
    ev = gst_event_new_segment (&demux->segment);
    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_pad_push_event (s->pad, ev);
  }
  demux->need_segment = FALSE;
}

static void
gst_bag_demux_push_event_all (GstBagDemux * demux, GstEvent * event)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (s->exposed)
      gst_pad_push_event (s->pad, gst_event_ref (event));
  }
  gst_event_unref (event);
}

/* GAP events for streams that have been silent for a while, so that sparse
 * and latched topics never stall downstream aggregation */
static void
gst_bag_demux_send_gaps (GstBagDemux * demux, GstBagStream * current,
    GstClockTime ts)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    GstClockTime from;

    if (s == current || !s->exposed)
      continue;
    from = GST_CLOCK_TIME_IS_VALID (s->last_ts) ? s->last_ts :
        demux->segment.start;
    if (ts > from + GAP_THRESHOLD) {
      GstClockTime gap_ts = ts - GAP_THRESHOLD / 2;

      GST_LOG_OBJECT (s->pad, "gap %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT,
          GST_TIME_ARGS (from), GST_TIME_ARGS (gap_ts));
      gst_pad_push_event (s->pad, gst_event_new_gap (from, gap_ts - from));
      s->last_ts = gap_ts;
    }
  }
}

static GstFlowReturn
gst_bag_demux_push_message (GstBagDemux * demux, GstBagStream * s,
    guint64 recv_ns, const guint8 * data, gsize size, GBytes * shared)
{
  GstBuffer *buf = NULL;
  GstCaps *caps = NULL;
  guint64 stamp_ns = 0;
  gboolean have_stamp = FALSE;
  gboolean is_frame;
  guint64 ts_ns;
  GstClockTime pts;
  GBytes *bytes;
  GstFlowReturn ret;

  if (shared)
    bytes = g_bytes_ref (shared);
  else
    bytes = g_bytes_new (data, size);

  if (s->has_header && size >= 12) {
    stamp_ns = gst_rosbag_read_time (data + 4);
    have_stamp = TRUE;
  }

  if (s->is_image) {
    GError *err = NULL;
    guint64 img_stamp = 0;

    if (!gst_bag_image_map (s->type, bytes, s->use_video_meta, &caps, &buf,
            &img_stamp, &err)) {
      GST_ELEMENT_WARNING (demux, STREAM, DECODE,
          ("Skipped a malformed %s message on %s", s->type, s->topic),
          ("%s (receive time %" G_GUINT64_FORMAT ")", err->message, recv_ns));
      g_clear_error (&err);
      g_bytes_unref (bytes);
      return GST_FLOW_OK;
    }
    if (caps == NULL) {
      /* no GStreamer format for this one: the serialized message */
      if (buf)
        gst_buffer_unref (buf);
      buf = NULL;
    }
  }
  is_frame = buf != NULL;
  if (buf == NULL) {
    /* (GBytes of size 0 may have no data pointer) */
    buf = size > 0 ? gst_buffer_new_wrapped_bytes (bytes) : gst_buffer_new ();
    caps = rosmsg_caps (s);
  }
  g_bytes_unref (bytes);

  if (s->caps == NULL || !gst_caps_is_equal (s->caps, caps)) {
    GST_DEBUG_OBJECT (s->pad, "caps %" GST_PTR_FORMAT, caps);
    gst_caps_replace (&s->caps, caps);
    gst_stream_set_caps (s->stream, caps);
    gst_pad_push_event (s->pad, gst_event_new_caps (caps));
    if (s->is_image) {
      gboolean vm = peer_accepts_video_meta (s->pad, caps);

      s->meta_checked = TRUE;
      if (vm != s->use_video_meta) {
        /* map again now that we know */
        s->use_video_meta = vm;
        gst_buffer_unref (buf);
        gst_caps_unref (caps);
        return gst_bag_demux_push_message (demux, s, recv_ns, data, size,
            shared);
      }
    }
  }
  if (s->is_image && !s->meta_checked) {
    /* caps were sent at pad creation: ask once before the first buffer */
    gboolean vm = peer_accepts_video_meta (s->pad, caps);

    s->meta_checked = TRUE;
    if (vm != s->use_video_meta) {
      s->use_video_meta = vm;
      gst_buffer_unref (buf);
      gst_caps_unref (caps);
      return gst_bag_demux_push_message (demux, s, recv_ns, data, size, shared);
    }
  }
  gst_caps_unref (caps);

  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_HEADER && have_stamp
      && stamp_ns != 0)
    ts_ns = stamp_ns;
  else
    ts_ns = recv_ns;
  pts = ts_ns >= demux->base_ns ? ts_ns - demux->base_ns : 0;

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buf) = GST_CLOCK_TIME_NONE;
  if (is_frame) {
    /* a frame lasts as long as the interval since the topic's previous
     * frame (the first: the topic's mean interval), an estimate of the
     * time to the next one that needs no lookahead; muxers need it for
     * the last frame */
    if (GST_CLOCK_TIME_IS_VALID (s->prev_pts) && pts > s->prev_pts)
      GST_BUFFER_DURATION (buf) = pts - s->prev_pts;
    else
      GST_BUFFER_DURATION (buf) = s->period;
    s->prev_pts = pts;
  }
  GST_BUFFER_OFFSET (buf) = s->n_buffers++;
  if (s->n_buffers == 1)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
  gst_buffer_add_reference_timestamp_meta (buf, demux->receive_caps, recv_ns,
      GST_CLOCK_TIME_NONE);
  if (have_stamp)
    gst_buffer_add_reference_timestamp_meta (buf, demux->header_caps, stamp_ns,
        GST_CLOCK_TIME_NONE);

  if (demux->need_segment)
    gst_bag_demux_push_segment (demux);
  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_RECEIVE) {
    gst_bag_demux_send_gaps (demux, s, pts);
  } else {
    guint64 recv_pts = recv_ns > demux->base_ns ? recv_ns - demux->base_ns : 0;

    if (recv_pts > HEADER_GAP_SLACK)
      gst_bag_demux_send_gaps (demux, s, recv_pts - HEADER_GAP_SLACK);
  }

  if (!GST_CLOCK_TIME_IS_VALID (s->last_ts) || pts > s->last_ts)
    s->last_ts = pts;
  if (!GST_CLOCK_TIME_IS_VALID (demux->segment.position)
      || pts > demux->segment.position)
    demux->segment.position = pts;

  ret = gst_pad_push (s->pad, buf);
  ret = gst_flow_combiner_update_pad_flow (demux->flowcombiner, s->pad, ret);
  GST_LOG_OBJECT (s->pad, "pushed %" GST_TIME_FORMAT ": %s",
      GST_TIME_ARGS (pts), gst_flow_get_name (ret));
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pull mode */

typedef struct
{
  GstBuffer *buf;
  GstMapInfo map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer data)
{
  MappedBuffer *mb = data;

  gst_buffer_unmap (mb->buf, &mb->map);
  gst_buffer_unref (mb->buf);
  g_free (mb);
}

static GBytes *
gst_bag_demux_pull_read (gpointer user_data, guint64 offset, gsize size,
    GError ** error)
{
  GstBagDemux *demux = user_data;
  GstBuffer *buf = NULL;
  GstFlowReturn ret;
  MappedBuffer *mb;

  ret = gst_pad_pull_range (demux->sinkpad, offset, size, &buf);
  if (ret != GST_FLOW_OK) {
    /* the reader's prefetch worker reads too: only the streaming thread's
     * failures decide whether the task pauses */
    if (g_thread_self () == demux->stream_thread)
      demux->last_pull_ret = ret;
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "reading %" G_GSIZE_FORMAT " bytes at byte %" G_GUINT64_FORMAT
        " failed: %s", size, offset, gst_flow_get_name (ret));
    return NULL;
  }
  mb = g_new0 (MappedBuffer, 1);
  mb->buf = buf;
  if (!gst_buffer_map (buf, &mb->map, GST_MAP_READ)) {
    gst_buffer_unref (buf);
    g_free (mb);
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "cannot map the buffer read at byte %" G_GUINT64_FORMAT, offset);
    return NULL;
  }
  return g_bytes_new_with_free_func (mb->map.data, mb->map.size,
      mapped_buffer_free, mb);
}

static gchar *
gst_bag_demux_get_location (GstBagDemux * demux)
{
  GstQuery *q = gst_query_new_uri ();
  gchar *uri = NULL, *loc = NULL;

  if (gst_pad_peer_query (demux->sinkpad, q))
    gst_query_parse_uri (q, &uri);
  gst_query_unref (q);
  if (uri) {
    loc = g_filename_from_uri (uri, NULL, NULL);
    if (!loc)
      loc = g_strdup (uri);
    g_free (uri);
  }
  return loc ? loc : g_strdup ("bag");
}

static void
gst_bag_demux_apply_range (GstBagDemux * demux)
{
  guint64 start_abs, stop_abs = G_MAXUINT64;
  guint64 seg_start = demux->segment.start;

  GST_OBJECT_LOCK (demux);
  start_abs = demux->base_ns + demux->start_time;
  if (GST_CLOCK_TIME_IS_VALID (demux->stop_time))
    stop_abs = demux->base_ns + demux->stop_time;
  GST_OBJECT_UNLOCK (demux);
  if (GST_CLOCK_TIME_IS_VALID (demux->segment.stop))
    stop_abs = MIN (stop_abs, demux->base_ns + demux->segment.stop);
  gst_rosbag_reader_set_time_range (demux->reader, start_abs, stop_abs);
  if (demux->base_ns + seg_start > start_abs)
    gst_rosbag_reader_seek (demux->reader, demux->base_ns + seg_start);
}

/* the mean interval between a topic's messages, from the chunk infos */
static GstClockTime
topic_mean_interval (GstRosbagBag * bag, const GstRosbagTopic * t)
{
  guint64 first = G_MAXUINT64, last = 0;
  guint i, j, k;

  if (t->message_count < 2)
    return GST_CLOCK_TIME_NONE;
  for (i = 0; i < gst_rosbag_bag_get_n_chunks (bag); i++) {
    const GstRosbagChunkInfo *ci = gst_rosbag_bag_get_chunk (bag, i);

    for (j = 0; j < ci->n_conns; j++) {
      for (k = 0; k < t->connections->len; k++) {
        const GstRosbagConnection *c = g_ptr_array_index (t->connections, k);

        if (c->id == ci->conn_ids[j] && ci->conn_counts[j] > 0) {
          first = MIN (first, ci->start_ns);
          last = MAX (last, ci->end_ns);
        }
      }
    }
  }
  if (last <= first)
    return GST_CLOCK_TIME_NONE;
  return (last - first) / (t->message_count - 1);
}

static gboolean
gst_bag_demux_open_pull (GstBagDemux * demux)
{
  GstQuery *q;
  gint64 size = -1;
  GError *err = NULL;
  guint i, n;
  gchar *topics;
  guint64 start_time, stop_time, cache_size;
  GString *all;

  q = gst_query_new_duration (GST_FORMAT_BYTES);
  if (gst_pad_peer_query (demux->sinkpad, q))
    gst_query_parse_duration (q, NULL, &size);
  gst_query_unref (q);
  demux->location = gst_bag_demux_get_location (demux);
  if (size < 0) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("Could not determine the size of %s", demux->location),
        ("upstream did not answer the BYTES duration query"));
    return FALSE;
  }

  demux->bag = gst_rosbag_bag_open_with_func (gst_bag_demux_pull_read, demux,
      NULL, size, demux->location, &err);
  if (!demux->bag) {
    if (demux->last_pull_ret == GST_FLOW_FLUSHING) {
      g_clear_error (&err);
      return FALSE;
    }
    if (err->domain == GST_ROSBAG_ERROR
        && err->code == GST_ROSBAG_ERROR_NOT_A_BAG)
      GST_ELEMENT_ERROR (demux, STREAM, WRONG_TYPE,
          ("%s is not a ROS bag", demux->location), ("%s", err->message));
    else if (err->domain == GST_ROSBAG_ERROR
        && err->code == GST_ROSBAG_ERROR_UNSUPPORTED)
      GST_ELEMENT_ERROR (demux, STREAM, CODEC_NOT_FOUND,
          ("%s is a kind of bag that is not supported", demux->location),
          ("%s", err->message));
    else
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("Could not read the bag %s", demux->location), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
  if (!gst_rosbag_bag_is_indexed (demux->bag)) {
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("%s is not indexed (an interrupted recording or a cut copy): "
            "read by scanning",
            demux->location), ("%s",
            gst_rosbag_bag_get_scan_report (demux->bag)));
  }

  GST_OBJECT_LOCK (demux);
  topics = g_strdup (demux->topics);
  start_time = demux->start_time;
  stop_time = demux->stop_time;
  cache_size = demux->cache_size;
  GST_OBJECT_UNLOCK (demux);

  demux->patterns = gst_rosbag_topic_patterns_parse (topics);
  g_free (topics);
  demux->base_ns = gst_rosbag_bag_get_start_time (demux->bag);
  demux->base_known = TRUE;
  demux->duration = gst_rosbag_bag_get_end_time (demux->bag) - demux->base_ns;

  demux->reader = gst_rosbag_reader_new (demux->bag);
  gst_rosbag_reader_set_cache_size (demux->reader, cache_size);
  gst_rosbag_reader_set_topics (demux->reader,
      (const gchar * const *) demux->patterns);

  /* the segment: start-time / stop-time cut without a seek */
  if (demux->segment.start < start_time)
    demux->segment.start = demux->segment.time = start_time;
  if (GST_CLOCK_TIME_IS_VALID (stop_time) && (!GST_CLOCK_TIME_IS_VALID
          (demux->segment.stop) || demux->segment.stop > stop_time))
    demux->segment.stop = stop_time;
  demux->segment.duration = demux->duration;
  demux->segment.position = demux->segment.start;
  gst_bag_demux_apply_range (demux);

  /* one stream per selected topic */
  n = gst_rosbag_bag_get_n_topics (demux->bag);
  all = g_string_new (NULL);
  for (i = 0; i < n; i++) {
    const GstRosbagTopic *t = gst_rosbag_bag_get_topic (demux->bag, i);
    GstBagStream *s;

    g_string_append_printf (all, "%s%s", i ? ", " : "", t->name);
    if (!gst_rosbag_topic_matches (t->name,
            (const gchar * const *) demux->patterns))
      continue;
    s = gst_bag_demux_new_stream (demux, t->name, t->type, t->md5sum,
        t->definition);
    if (s->is_image)
      s->period = topic_mean_interval (demux->bag, t);
    if (s->is_image) {
      /* caps from the topic's first message */
      GstRosbagReader *peek = gst_rosbag_reader_new (demux->bag);
      const gchar *one[2] = { t->name, NULL };
      GstRosbagMessage msg;
      GstRosbagReadResult r;

      gst_rosbag_reader_set_cache_size (peek, 0);
      gst_rosbag_reader_set_topics (peek, one);
      while ((r = gst_rosbag_reader_next (peek, &msg, NULL)) ==
          GST_ROSBAG_READ_ERROR);
      if (r == GST_ROSBAG_READ_OK && strcmp (msg.conn->topic_info->name,
              t->name) == 0) {
        gst_bag_stream_caps_from (s, msg.data, msg.size);
      }
      gst_rosbag_reader_free (peek);
    }
  }
  if (demux->streams->len == 0) {
    if (n == 0)
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("The bag %s has no topics", demux->location), ("%s",
              gst_rosbag_bag_get_scan_report (demux->bag) ?
              gst_rosbag_bag_get_scan_report (demux->bag) : "no connections"));
    else
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("No topic of %s matches '%s'", demux->location, demux->topics),
          ("the bag has: %s", all->str));
    g_string_free (all, TRUE);
    return FALSE;
  }
  g_string_free (all, TRUE);

  /* opened before the pads appear: their queries (seeking) answer at once */
  demux->opened = TRUE;
  gst_bag_demux_post_collection (demux);
  for (i = 0; i < demux->streams->len; i++)
    gst_bag_demux_expose (demux, g_ptr_array_index (demux->streams, i));
  gst_element_no_more_pads (GST_ELEMENT (demux));
  return TRUE;
}

static void
gst_bag_demux_do_eos (GstBagDemux * demux)
{
  if (demux->segment.flags & GST_SEEK_FLAG_SEGMENT) {
    GstClockTime stop = GST_CLOCK_TIME_IS_VALID (demux->segment.stop) ?
        demux->segment.stop : demux->duration;
    GstMessage *msg;
    GstEvent *ev;

    msg = gst_message_new_segment_done (GST_OBJECT (demux), GST_FORMAT_TIME,
        stop);
    gst_message_set_seqnum (msg, demux->segment_seqnum);
    gst_element_post_message (GST_ELEMENT (demux), msg);
    ev = gst_event_new_segment_done (GST_FORMAT_TIME, stop);
    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_bag_demux_push_event_all (demux, ev);
  } else {
    GstEvent *ev = gst_event_new_eos ();

    gst_event_set_seqnum (ev, demux->segment_seqnum);
    if (demux->need_segment)
      gst_bag_demux_push_segment (demux);
    gst_bag_demux_push_event_all (demux, ev);
  }
}

static void
gst_bag_demux_loop (GstPad * pad)
{
  GstBagDemux *demux = GST_BAG_DEMUX (gst_pad_get_parent (pad));
  GstFlowReturn ret = GST_FLOW_OK;
  GstRosbagMessage msg;
  GstRosbagReadResult res;
  GError *err = NULL;
  GstBagStream *s;

  demux->stream_thread = g_thread_self ();
  if (!demux->opened) {
    if (!gst_bag_demux_open_pull (demux)) {
      ret = demux->last_pull_ret == GST_FLOW_FLUSHING ? GST_FLOW_FLUSHING :
          GST_FLOW_ERROR;
      goto pause;
    }
  }

  demux->last_pull_ret = GST_FLOW_OK;
  res = gst_rosbag_reader_next (demux->reader, &msg, &err);
  switch (res) {
    case GST_ROSBAG_READ_EOS:
      ret = GST_FLOW_EOS;
      goto pause;
    case GST_ROSBAG_READ_ERROR:
      if (demux->last_pull_ret != GST_FLOW_OK) {
        ret = demux->last_pull_ret;
        g_clear_error (&err);
        goto pause;
      }
      GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
          ("Skipped damaged data in %s", demux->location),
          ("%s", err->message));
      g_clear_error (&err);
      goto done;
    case GST_ROSBAG_READ_OK:
      break;
  }

  s = g_hash_table_lookup (demux->stream_by_topic, msg.conn->topic_info->name);
  if (s == NULL)
    goto done;
  {
    /* share the chunk only when the message is most of it */
    GBytes *shared = (msg.size >= COPY_THRESHOLD
        && msg.size * 2 >= g_bytes_get_size (msg.chunk)) ?
        gst_rosbag_message_ref_bytes (&msg) : NULL;

    ret = gst_bag_demux_push_message (demux, s, msg.time_ns, msg.data,
        msg.size, shared);
    if (shared)
      g_bytes_unref (shared);
  }
  if (ret != GST_FLOW_OK)
    goto pause;

done:
  gst_object_unref (demux);
  return;

pause:
  {
    GST_LOG_OBJECT (demux, "pausing task: %s", gst_flow_get_name (ret));
    gst_pad_pause_task (demux->sinkpad);
    if (ret == GST_FLOW_EOS) {
      gst_bag_demux_do_eos (demux);
    } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
      if (ret != GST_FLOW_ERROR || demux->opened)
        GST_ELEMENT_FLOW_ERROR (demux, ret);
      if (demux->opened)
        gst_bag_demux_push_event_all (demux, gst_event_new_eos ());
    }
    gst_object_unref (demux);
  }
}

static gboolean
gst_bag_demux_handle_seek (GstBagDemux * demux, GstEvent * event)
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  gboolean flush, update, was_running = FALSE;
  guint32 seqnum;
  GstSegment seg;
  GstEvent *ev;

  if (!demux->pull_mode) {
    GST_DEBUG_OBJECT (demux, "cannot seek in push mode");
    return FALSE;
  }
  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  if (format != GST_FORMAT_TIME) {
    GST_DEBUG_OBJECT (demux, "can only seek in TIME");
    return FALSE;
  }
  if (rate <= 0.0) {
    GST_WARNING_OBJECT (demux, "reverse playback is not supported");
    return FALSE;
  }
  seqnum = gst_event_get_seqnum (event);
  flush = (flags & GST_SEEK_FLAG_FLUSH) != 0;
  if (seqnum == demux->segment_seqnum) {
    /* a bin sends one seek through every sink: act on it once */
    GST_DEBUG_OBJECT (demux, "seek %u already handled", seqnum);
    return TRUE;
  }

  /* refuse what gst_segment_do_seek would refuse before flushing */
  GST_OBJECT_LOCK (demux);
  seg = demux->segment;
  GST_OBJECT_UNLOCK (demux);
  {
    gint64 dur = GST_CLOCK_TIME_IS_VALID (seg.duration) ? (gint64) seg.duration
        : -1;
    gint64 new_start = start_type == GST_SEEK_TYPE_SET ? start :
        start_type == GST_SEEK_TYPE_NONE ? (gint64) seg.start :
        dur >= 0 ? dur + start : -1;
    gint64 new_stop = stop_type == GST_SEEK_TYPE_SET ? stop :
        stop_type == GST_SEEK_TYPE_NONE ? (gint64) seg.stop :
        dur >= 0 ? dur + stop : -1;

    if (new_start >= 0 && new_stop >= 0 && new_start > new_stop) {
      GST_DEBUG_OBJECT (demux, "refusing a seek whose start is after its "
          "stop");
      return FALSE;
    }
  }

  if (flush) {
    ev = gst_event_new_flush_start ();
    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
    gst_bag_demux_push_event_all (demux, ev);
  } else {
    GST_OBJECT_LOCK (demux->sinkpad);
    was_running = GST_PAD_TASK (demux->sinkpad)
        && GST_TASK_STATE (GST_PAD_TASK (demux->sinkpad)) == GST_TASK_STARTED;
    GST_OBJECT_UNLOCK (demux->sinkpad);
    gst_pad_pause_task (demux->sinkpad);
  }

  GST_PAD_STREAM_LOCK (demux->sinkpad);

  seg = demux->segment;
  if (!gst_segment_do_seek (&seg, rate, format, flags, start_type, start,
          stop_type, stop, &update)) {
    /* never leave the pads flushing or the task paused */
    if (flush) {
      ev = gst_event_new_flush_stop (TRUE);
      gst_event_set_seqnum (ev, seqnum);
      gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
      gst_bag_demux_push_event_all (demux, ev);
      demux->need_segment = TRUE;
    }
    if (flush || was_running)
      gst_pad_start_task (demux->sinkpad,
          (GstTaskFunction) gst_bag_demux_loop, demux->sinkpad, NULL);
    GST_PAD_STREAM_UNLOCK (demux->sinkpad);
    return FALSE;
  }
  if (GST_CLOCK_TIME_IS_VALID (demux->stop_time) && (!GST_CLOCK_TIME_IS_VALID
          (seg.stop) || seg.stop > demux->stop_time))
    seg.stop = demux->stop_time;
  if (seg.start < demux->start_time)
    seg.start = seg.time = seg.position = demux->start_time;
  GST_DEBUG_OBJECT (demux, "seek to %" GST_SEGMENT_FORMAT, &seg);

  if (flush) {
    ev = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
    gst_bag_demux_push_event_all (demux, ev);
  }

  demux->segment = seg;
  demux->segment.position = seg.start;
  demux->segment_seqnum = seqnum;
  demux->need_segment = TRUE;
  if (demux->reader)
    gst_bag_demux_apply_range (demux);
  {
    guint i;

    for (i = 0; i < demux->streams->len; i++) {
      GstBagStream *s = g_ptr_array_index (demux->streams, i);

      s->last_ts = GST_CLOCK_TIME_NONE;
      s->prev_pts = GST_CLOCK_TIME_NONE;
    }
  }
  gst_flow_combiner_reset (demux->flowcombiner);

  if (flags & GST_SEEK_FLAG_SEGMENT) {
    GstMessage *msg = gst_message_new_segment_start (GST_OBJECT (demux),
        GST_FORMAT_TIME, seg.start);

    gst_message_set_seqnum (msg, seqnum);
    gst_element_post_message (GST_ELEMENT (demux), msg);
  }
  gst_pad_start_task (demux->sinkpad, (GstTaskFunction) gst_bag_demux_loop,
      demux->sinkpad, NULL);
  GST_PAD_STREAM_UNLOCK (demux->sinkpad);
  return TRUE;
}

static gboolean
gst_bag_demux_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      ret = gst_bag_demux_handle_seek (demux, event);
      gst_event_unref (event);
      break;
    default:
      ret = gst_pad_event_default (pad, parent, event);
      break;
  }
  return ret;
}

static gboolean
gst_bag_demux_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:{
      GstFormat fmt;

      gst_query_parse_duration (query, &fmt, NULL);
      if (fmt != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID (demux->duration))
        return FALSE;
      gst_query_set_duration (query, GST_FORMAT_TIME, demux->duration);
      return TRUE;
    }
    case GST_QUERY_POSITION:{
      GstFormat fmt;

      gst_query_parse_position (query, &fmt, NULL);
      if (fmt != GST_FORMAT_TIME
          || !GST_CLOCK_TIME_IS_VALID (demux->segment.position))
        return FALSE;
      gst_query_set_position (query, GST_FORMAT_TIME, demux->segment.position);
      return TRUE;
    }
    case GST_QUERY_SEEKING:{
      GstFormat fmt;

      gst_query_parse_seeking (query, &fmt, NULL, NULL, NULL);
      if (fmt != GST_FORMAT_TIME)
        return FALSE;
      gst_query_set_seeking (query, GST_FORMAT_TIME,
          demux->pull_mode && demux->opened, 0,
          GST_CLOCK_TIME_IS_VALID (demux->duration) ? (gint64) demux->
          duration : -1);
      return TRUE;
    }
    case GST_QUERY_SEGMENT:{
      gint64 start, stop;

      start = gst_segment_to_stream_time (&demux->segment, GST_FORMAT_TIME,
          demux->segment.start);
      stop = GST_CLOCK_TIME_IS_VALID (demux->segment.stop) ?
          (gint64) gst_segment_to_stream_time (&demux->segment, GST_FORMAT_TIME,
          demux->segment.stop) : (gint64) demux->duration;
      gst_query_set_segment (query, demux->segment.rate, GST_FORMAT_TIME,
          start, stop);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---------------------------------------------------------------------- */
/* push mode */

static GstBagStream *
gst_bag_demux_push_stream_for (GstBagDemux * demux,
    const GstRosbagConnection * conn)
{
  GstBagStream *s = g_hash_table_lookup (demux->stream_by_topic, conn->topic);

  if (s)
    return s;
  if (!gst_rosbag_topic_matches (conn->topic,
          (const gchar * const *) demux->patterns))
    return NULL;
  s = gst_bag_demux_new_stream (demux, conn->topic, conn->type, conn->md5sum,
      conn->definition);
  return s;
}

static GstFlowReturn
gst_bag_demux_push_emit (GstBagDemux * demux, guint32 conn_id, guint64 t,
    const guint8 * data, gsize size)
{
  GstRosbagConnection *conn = g_hash_table_lookup (demux->push_conns,
      GUINT_TO_POINTER (conn_id));
  GstBagStream *s;

  if (conn == NULL) {
    GST_WARNING_OBJECT (demux, "message of unknown connection %u", conn_id);
    return GST_FLOW_OK;
  }
  /* the bag's start is unknown in push mode: the first message's time */
  if (!demux->base_known) {
    demux->base_ns = t;
    demux->base_known = TRUE;
  }
  {
    guint64 rel = t > demux->base_ns ? t - demux->base_ns : 0;

    if (rel < demux->start_time || (GST_CLOCK_TIME_IS_VALID (demux->stop_time)
            && rel >= demux->stop_time))
      return GST_FLOW_OK;
  }
  s = gst_bag_demux_push_stream_for (demux, conn);
  if (s == NULL)
    return GST_FLOW_OK;
  if (!s->exposed) {
    /* caps from this first message where the topic maps */
    if (s->is_image)
      gst_bag_stream_caps_from (s, data, size);
    gst_bag_demux_post_collection (demux);
    gst_bag_demux_expose (demux, s);
  }
  return gst_bag_demux_push_message (demux, s, t, data, size, NULL);
}

/* one complete record: top level or inside a chunk */
static GstFlowReturn
gst_bag_demux_push_record (GstBagDemux * demux, const GstRosbagRecord * rec)
{
  GError *err = NULL;

  switch (rec->op) {
    case GST_ROSBAG_OP_CONNECTION:{
      GstRosbagConnection *conn = gst_rosbag_connection_parse (rec, &err);

      if (!conn) {
        GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
            ("Skipped a damaged connection record in %s", demux->location),
            ("%s", err->message));
        g_clear_error (&err);
      } else if (g_hash_table_contains (demux->push_conns,
              GUINT_TO_POINTER (conn->id))) {
        gst_rosbag_connection_free (conn);
      } else {
        g_hash_table_insert (demux->push_conns, GUINT_TO_POINTER (conn->id),
            conn);
      }
      return GST_FLOW_OK;
    }
    case GST_ROSBAG_OP_MSG_DATA:{
      guint32 conn_id;
      guint64 t;

      if (!gst_rosbag_header_get_u32 (rec->header, rec->header_len, "conn",
              &conn_id)
          || !gst_rosbag_header_get_time (rec->header, rec->header_len,
              "time", &t)) {
        GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
            ("Skipped a damaged message record in %s", demux->location),
            ("message at byte %" G_GUINT64_FORMAT " lacks conn or time",
                rec->offset));
        return GST_FLOW_OK;
      }
      return gst_bag_demux_push_emit (demux, conn_id, t, rec->data,
          rec->data_len);
    }
    default:
      return GST_FLOW_OK;
  }
}

static GstFlowReturn
gst_bag_demux_push_chunk (GstBagDemux * demux, const GstRosbagRecord * rec)
{
  const guint8 *cv;
  gsize cvlen, pos = 0, dlen;
  guint32 size = 0;
  GstRosbagCompression comp = GST_ROSBAG_COMPRESSION_UNKNOWN;
  GBytes *raw, *dec;
  GError *err = NULL;
  const guint8 *d;
  GstFlowReturn ret = GST_FLOW_OK;

  if (gst_rosbag_header_find (rec->header, rec->header_len, "compression",
          &cv, &cvlen))
    comp = gst_rosbag_compression_from_string ((const gchar *) cv, cvlen);
  gst_rosbag_header_get_u32 (rec->header, rec->header_len, "size", &size);
  if (comp == GST_ROSBAG_COMPRESSION_UNKNOWN) {
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("Skipped a chunk of unknown compression in %s", demux->location),
        ("chunk at byte %" G_GUINT64_FORMAT, rec->offset));
    return GST_FLOW_OK;
  }
  raw = g_bytes_new (rec->data, rec->data_len);
  dec = gst_rosbag_chunk_decompress (comp, raw, size, rec->offset, &err);
  g_bytes_unref (raw);
  if (!dec) {
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("Skipped a damaged chunk in %s", demux->location), ("chunk at byte %"
            G_GUINT64_FORMAT ": %s", rec->offset, err->message));
    g_clear_error (&err);
    return GST_FLOW_OK;
  }
  d = g_bytes_get_data (dec, &dlen);
  while (pos < dlen && ret == GST_FLOW_OK) {
    GstRosbagRecord inner;

    if (gst_rosbag_record_parse (d + pos, dlen - pos, pos, TRUE, &inner,
            NULL, &err) != GST_ROSBAG_PARSE_OK) {
      GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
          ("Skipped the damaged rest of a chunk in %s", demux->location),
          ("chunk at byte %" G_GUINT64_FORMAT ", inner byte %" G_GSIZE_FORMAT
              ": %s", rec->offset, pos, err ? err->message : "cut off"));
      g_clear_error (&err);
      break;
    }
    ret = gst_bag_demux_push_record (demux, &inner);
    pos += inner.total_len;
  }
  g_bytes_unref (dec);
  return ret;
}

static GstFlowReturn
gst_bag_demux_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);
  GstFlowReturn ret = GST_FLOW_OK;

  gst_adapter_push (demux->adapter, buffer);

  if (demux->location == NULL)
    demux->location = gst_bag_demux_get_location (demux);
  if (demux->patterns == NULL) {
    gchar *topics;

    GST_OBJECT_LOCK (demux);
    topics = g_strdup (demux->topics);
    GST_OBJECT_UNLOCK (demux);
    demux->patterns = gst_rosbag_topic_patterns_parse (topics);
    g_free (topics);
  }

  while (ret == GST_FLOW_OK) {
    gsize avail = gst_adapter_available (demux->adapter);

    if (demux->push_state == PUSH_DISCARD) {
      gst_adapter_clear (demux->adapter);
      break;
    } else if (demux->push_state == PUSH_MAGIC) {
      const guint8 *m;

      if (avail < GST_ROSBAG_MAGIC_LEN)
        break;
      m = gst_adapter_map (demux->adapter, GST_ROSBAG_MAGIC_LEN);
      if (memcmp (m, GST_ROSBAG_MAGIC, GST_ROSBAG_MAGIC_LEN) != 0) {
        gboolean v12 = memcmp (m, GST_ROSBAG_MAGIC_V12, 13) == 0;

        gst_adapter_unmap (demux->adapter);
        if (v12)
          GST_ELEMENT_ERROR (demux, STREAM, CODEC_NOT_FOUND,
              ("%s is a ROS bag of format V1.2, which is not supported",
                  demux->location), ("only #ROSBAG V2.0 bags can be read"));
        else
          GST_ELEMENT_ERROR (demux, STREAM, WRONG_TYPE,
              ("%s is not a ROS bag", demux->location),
              ("no '#ROSBAG V2.0' magic line at byte 0"));
        return GST_FLOW_ERROR;
      }
      gst_adapter_unmap (demux->adapter);
      gst_adapter_flush (demux->adapter, GST_ROSBAG_MAGIC_LEN);
      demux->push_offset = GST_ROSBAG_MAGIC_LEN;
      demux->push_state = PUSH_RECORDS;
      continue;
    } else {
      const guint8 *p;
      guint32 header_len, data_len;
      guint64 total;
      GstRosbagRecord rec;
      GError *err = NULL;

      if (avail < 4)
        break;
      p = gst_adapter_map (demux->adapter, 4);
      header_len = gst_rosbag_read_u32 (p);
      gst_adapter_unmap (demux->adapter);
      if (header_len > GST_ROSBAG_MAX_HEADER_LEN)
        goto bad_record;
      if (avail < 8 + (gsize) header_len)
        break;
      p = gst_adapter_map (demux->adapter, 8 + header_len);
      data_len = gst_rosbag_read_u32 (p + 4 + header_len);
      gst_adapter_unmap (demux->adapter);
      total = 8 + (guint64) header_len + data_len;
      if (total > MAX_PUSH_RECORD)
        goto bad_record;

      /* a killed recording leaves its open chunk with data_len 0: its
       * records follow at the top level, so just go on */
      if (avail < total)
        break;
      p = gst_adapter_map (demux->adapter, total);
      if (gst_rosbag_record_parse (p, total, demux->push_offset, TRUE, &rec,
              NULL, &err) != GST_ROSBAG_PARSE_OK) {
        gst_adapter_unmap (demux->adapter);
        if (demux->push_header_seen) {
          GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
              ("Skipped the damaged rest of %s", demux->location),
              ("record at byte %" G_GUINT64_FORMAT ": %s; everything after "
                  "it is dropped", demux->push_offset,
                  err ? err->message : "bad record"));
          g_clear_error (&err);
          demux->push_state = PUSH_DISCARD;
          continue;
        }
        GST_ELEMENT_ERROR (demux, STREAM, DEMUX, ("Damaged ROS bag %s",
                demux->location), ("%s", err ? err->message : "bad record"));
        g_clear_error (&err);
        return GST_FLOW_ERROR;
      }
      if (!demux->push_header_seen) {
        const guint8 *v;
        gsize vlen;

        if (rec.op != GST_ROSBAG_OP_BAG_HEADER) {
          gst_adapter_unmap (demux->adapter);
          GST_ELEMENT_ERROR (demux, STREAM, DEMUX, ("Damaged ROS bag %s",
                  demux->location), ("the first record (byte %"
                  G_GUINT64_FORMAT ") is op 0x%02x, not a bag header",
                  demux->push_offset, rec.op));
          return GST_FLOW_ERROR;
        }
        if (gst_rosbag_header_find (rec.header, rec.header_len, "encryptor",
                &v, &vlen) && vlen > 0) {
          gst_adapter_unmap (demux->adapter);
          GST_ELEMENT_ERROR (demux, STREAM, DECRYPT,
              ("Encrypted ROS bags are not supported"), ("encryptor=%.*s",
                  (int) vlen, v));
          return GST_FLOW_ERROR;
        }
        demux->push_header_seen = TRUE;
        {
          guint64 index_pos = 0;

          /* as in pull mode, say so; push mode reads it all the same */
          if (gst_rosbag_header_get_u64 (rec.header, rec.header_len,
                  "index_pos", &index_pos) && index_pos == 0)
            GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
                ("%s is not indexed (an interrupted recording): reading "
                    "what it holds", demux->location),
                ("the bag header at byte %u has index_pos 0",
                    GST_ROSBAG_MAGIC_LEN));
        }
      } else if (rec.op == GST_ROSBAG_OP_CHUNK && rec.data_len > 0) {
        ret = gst_bag_demux_push_chunk (demux, &rec);
      } else if (rec.op != GST_ROSBAG_OP_CHUNK) {
        ret = gst_bag_demux_push_record (demux, &rec);
      }
      gst_adapter_unmap (demux->adapter);
      if (rec.op == GST_ROSBAG_OP_CHUNK && rec.data_len == 0)
        total = 8 + (guint64) header_len + 0;
      gst_adapter_flush (demux->adapter, total);
      demux->push_offset += total;
      continue;

    bad_record:
      if (demux->push_header_seen) {
        /* like the scan of an unindexed bag: stop cleanly at the first
         * record that cannot be one (a killed recording leaves garbage or
         * the compressed data of its open chunk there) */
        GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
            ("Skipped the damaged rest of %s", demux->location),
            ("record at byte %" G_GUINT64_FORMAT " claims an impossible "
                "length; everything after it is dropped", demux->push_offset));
        demux->push_state = PUSH_DISCARD;
        continue;
      }
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX, ("Damaged ROS bag %s",
              demux->location), ("record at byte %" G_GUINT64_FORMAT
              " claims an impossible length", demux->push_offset));
      return GST_FLOW_ERROR;
    }
  }
  return ret;
}

static gboolean
gst_bag_demux_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      if (demux->location == NULL)
        demux->location = gst_bag_demux_get_location (demux);
      if (demux->push_state == PUSH_MAGIC) {
        GST_ELEMENT_ERROR (demux, STREAM, WRONG_TYPE,
            ("%s is not a ROS bag", demux->location),
            ("it ends after %" G_GSIZE_FORMAT
                " bytes, before the '#ROSBAG V2.0' magic line",
                gst_adapter_available (demux->adapter)));
        gst_event_unref (event);
        return TRUE;
      }
      if (demux->streams->len == 0) {
        GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
            ("No message of a selected topic in %s", demux->location),
            ("%" G_GSIZE_FORMAT " bytes left unparsed at the end",
                gst_adapter_available (demux->adapter)));
        gst_event_unref (event);
        return TRUE;
      }
      if (gst_adapter_available (demux->adapter) > 0)
        GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
            ("The bag %s ends with an incomplete record", demux->location),
            ("%" G_GSIZE_FORMAT " bytes at byte %" G_GUINT64_FORMAT
                " left unparsed", gst_adapter_available (demux->adapter),
                demux->push_offset));
      gst_element_no_more_pads (GST_ELEMENT (demux));
      gst_bag_demux_push_event_all (demux, event);
      return TRUE;
    case GST_EVENT_SEGMENT:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      gst_adapter_clear (demux->adapter);
      gst_flow_combiner_reset (demux->flowcombiner);
      gst_bag_demux_push_event_all (demux, event);
      return TRUE;
    default:
      if (GST_EVENT_IS_SERIALIZED (event) || GST_EVENT_TYPE (event) ==
          GST_EVENT_FLUSH_START) {
        gst_bag_demux_push_event_all (demux, event);
        return TRUE;
      }
      return gst_pad_event_default (pad, parent, event);
  }
}

/* ---------------------------------------------------------------------- */
/* activation */

static gboolean
gst_bag_demux_sink_activate (GstPad * pad, GstObject * parent)
{
  GstQuery *query;
  gboolean pull_mode;

  query = gst_query_new_scheduling ();
  if (!gst_pad_peer_query (pad, query)) {
    gst_query_unref (query);
    goto activate_push;
  }
  pull_mode = gst_query_has_scheduling_mode_with_flags (query,
      GST_PAD_MODE_PULL, GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (query);
  if (!pull_mode)
    goto activate_push;
  GST_DEBUG_OBJECT (pad, "activating pull");
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE);

activate_push:
  GST_DEBUG_OBJECT (pad, "activating push");
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PUSH, TRUE);
}

static gboolean
gst_bag_demux_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (mode) {
    case GST_PAD_MODE_PUSH:
      demux->pull_mode = FALSE;
      return TRUE;
    case GST_PAD_MODE_PULL:
      if (active) {
        demux->pull_mode = TRUE;
        return gst_pad_start_task (pad, (GstTaskFunction) gst_bag_demux_loop,
            pad, NULL);
      }
      return gst_pad_stop_task (pad);
    default:
      return FALSE;
  }
}

static GstStateChangeReturn
gst_bag_demux_change_state (GstElement * element, GstStateChange transition)
{
  GstBagDemux *demux = GST_BAG_DEMUX (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      gst_bag_demux_reset (demux);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_bag_demux_reset (demux);
      break;
    default:
      break;
  }
  return ret;
}
