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
 * SECTION:element-rosmsgconvert
 * @title: rosmsgconvert
 *
 * Turns ROS messages (application/x-rosmsg, one serialized message per
 * buffer, as bagdemux outputs for topics that are not images) into text
 * that pandas, jq and spreadsheets read. The message layout comes only
 * from the `definition` field of the caps: the bag's own
 * message_definition, parsed once per stream. Any type works, custom
 * ones included.
 *
 * With format=json every message becomes one line
 * `{"topic": ..., "receive_ns": ..., "msg": {...}}`: field names as in
 * the .msg, nested messages as objects, arrays as arrays, uint8[] and
 * char[] as base64 (as rosbridge does), time and duration as integer
 * nanoseconds, non-finite floats as null. With byte-arrays=length a
 * variable uint8[] (image or point cloud data) is written as its length,
 * to export only the metadata of big messages.
 *
 * With format=csv the first buffer starts with a header row of flattened
 * column names (`receive_ns,header.seq,header.stamp,...`, fixed arrays
 * expanded as name.0, name.1, ...); variable arrays are one cell holding
 * their JSON; every row has the same width.
 *
 * The receive time is taken from the buffer's GstReferenceTimestampMeta
 * with caps `timestamp/x-ros-receive-time` (set by bagdemux), else from
 * the PTS.
 *
 * A message that does not match its definition is skipped with a warning
 * naming the topic and the field; a definition that cannot be parsed is
 * an error.
 *
 * It reads the ROS 1 wire format (`encoding=ros1`: ROS 1 bags, and MCAP
 * channels of the ros1 profile) and ROS 2's CDR (`encoding=cdr`, with the
 * caps' `schema-encoding` `ros2msg`, `ros2idl` or `omgidl`: MCAP files of
 * the ros2 profile), both through the same decoder, so the JSON and CSV
 * shapes are the same; ROS 2 time and duration fields
 * (builtin_interfaces) are integer nanoseconds too, or
 * `{"sec": s, "nanosec": n}` with time-format=secs-nsecs. A CDR payload in
 * an encapsulation that is not XCDR1 (XCDR2, parameter lists) is reported
 * once per topic with a warning and its messages are skipped.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 bagsrc location=run.bag topics=/joint_states ! rosmsgconvert format=csv ! filesink location=joints.csv
 * ]|
 * |[
 * gst-launch-1.0 -q bagsrc location=run.bag topics=/imu ! rosmsgconvert ! fdsink | jq .msg.linear_acceleration.z
 * ]|
 * |[
 * gst-launch-1.0 bagsrc location=run.bag topics=/points raw=true ! rosmsgconvert format=csv byte-arrays=length ! filesink location=points.csv
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrosbagelements.h"
#include "gstrosmsgconvert.h"
#include <gst/rosbag/rosbag-definitions.h>

GST_DEBUG_CATEGORY_STATIC (gst_ros_msg_convert_debug);
#define GST_CAT_DEFAULT gst_ros_msg_convert_debug

#define RECEIVE_TIME_CAPS "timestamp/x-ros-receive-time"
/* warnings posted on the bus for bad messages; later ones are only logged */
#define MAX_BUS_WARNINGS 10

#define DEFAULT_FORMAT GST_ROS_MSG_CONVERT_FORMAT_JSON
#define DEFAULT_TIME_FORMAT GST_ROS_MSG_CONVERT_TIME_NS
#define DEFAULT_TOPIC NULL
#define DEFAULT_CSV_HEADER TRUE
#define DEFAULT_BYTE_ARRAYS GST_ROS_MSG_CONVERT_BYTES_BASE64
#define DEFAULT_DEFINITIONS_PATH NULL

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_TIME_FORMAT,
  PROP_TOPIC,
  PROP_CSV_HEADER,
  PROP_BYTE_ARRAYS,
  PROP_DEFINITIONS_PATH,
  PROP_SKIPPED
};

struct _GstRosMsgConvert
{
  GstBaseTransform parent;

  /* properties, under the object lock */
  GstRosMsgConvertFormat format;
  GstRosMsgConvertTimeFormat time_format;
  gchar *topic;
  gboolean csv_header;
  GstRosMsgConvertBytes byte_arrays;

  /* streaming state */
  GstRosbagMsgDef *def;
  gchar *type;
  gchar *definition;
  gchar *definitions_path;
  /* a definition found for caps without one (CDR only) */
  gchar *found_definition;
  gchar *encoding;
  gchar *schema_encoding;
  /* the topic's messages are in an encapsulation that is not decoded */
  gboolean warned_unsupported;
  gchar *caps_topic;
  gchar *last_header;           /* the CSV header row last written */
  gboolean need_header;
  gboolean checked_size;
  GstCaps *receive_caps;
  /* the base class's chain, for buffers of lists it must see one by one */
  GstPadChainFunction base_chain;
  guint64 skipped;              /* atomic-ish: read under the object lock */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rosmsg, "
        "encoding=(string){ ros1, cdr }"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("text/x-raw, format=(string)utf8"));

#define gst_ros_msg_convert_parent_class parent_class
G_DEFINE_TYPE (GstRosMsgConvert, gst_ros_msg_convert, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rosmsgconvert, "rosmsgconvert",
    GST_RANK_NONE, GST_TYPE_ROS_MSG_CONVERT,
    GST_DEBUG_CATEGORY_INIT (gst_ros_msg_convert_debug, "rosmsgconvert", 0,
        "ROS message to JSON lines / CSV"));

GType
gst_ros_msg_convert_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ROS_MSG_CONVERT_FORMAT_JSON, "One JSON object per line", "json"},
    {GST_ROS_MSG_CONVERT_FORMAT_CSV, "CSV with a header row", "csv"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRosMsgConvertFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_ros_msg_convert_time_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ROS_MSG_CONVERT_TIME_NS, "Integer nanoseconds", "ns"},
    {GST_ROS_MSG_CONVERT_TIME_SECS_NSECS,
        "Seconds and nanoseconds as stored", "secs-nsecs"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRosMsgConvertTimeFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_ros_msg_convert_bytes_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ROS_MSG_CONVERT_BYTES_BASE64, "The bytes as base64", "base64"},
    {GST_ROS_MSG_CONVERT_BYTES_LENGTH, "Only the number of bytes", "length"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRosMsgConvertBytes", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void gst_ros_msg_convert_finalize (GObject * object);
static void gst_ros_msg_convert_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_ros_msg_convert_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static GstCaps *gst_ros_msg_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter);
static gboolean gst_ros_msg_convert_set_caps (GstBaseTransform * trans,
    GstCaps * incaps, GstCaps * outcaps);
static GstFlowReturn gst_ros_msg_convert_generate_output (GstBaseTransform *
    trans, GstBuffer ** outbuf);
static gboolean gst_ros_msg_convert_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static gboolean gst_ros_msg_convert_start (GstBaseTransform * trans);
static gboolean gst_ros_msg_convert_stop (GstBaseTransform * trans);
static GstFlowReturn gst_ros_msg_convert_chain_list (GstPad * pad,
    GstObject * parent, GstBufferList * list);

static void
gst_ros_msg_convert_class_init (GstRosMsgConvertClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->finalize = gst_ros_msg_convert_finalize;
  gobject_class->set_property = gst_ros_msg_convert_set_property;
  gobject_class->get_property = gst_ros_msg_convert_get_property;

  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "Output text format",
          GST_TYPE_ROS_MSG_CONVERT_FORMAT, DEFAULT_FORMAT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIME_FORMAT,
      g_param_spec_enum ("time-format", "Time format",
          "How time and duration fields are written",
          GST_TYPE_ROS_MSG_CONVERT_TIME_FORMAT, DEFAULT_TIME_FORMAT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TOPIC,
      g_param_spec_string ("topic", "Topic",
          "Topic name written in JSON lines (NULL: the caps' topic field)",
          DEFAULT_TOPIC, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CSV_HEADER,
      g_param_spec_boolean ("csv-header", "CSV header",
          "Write a header row of column names before the first CSV row",
          DEFAULT_CSV_HEADER, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_BYTE_ARRAYS,
      g_param_spec_enum ("byte-arrays", "Byte arrays",
          "How variable-length uint8[] / char[] fields (image or point cloud "
          "data...) are written", GST_TYPE_ROS_MSG_CONVERT_BYTES,
          DEFAULT_BYTE_ARRAYS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DEFINITIONS_PATH,
      g_param_spec_string ("definitions-path", "Definitions path",
          "Colon-separated directories laid out as a ROS 2 share tree "
          "(DIR/pkg/msg/Type.msg) where CDR messages whose caps carry no "
          "definition find one, before the built-in common interfaces",
          DEFAULT_DEFINITIONS_PATH, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_SKIPPED,
      g_param_spec_uint64 ("skipped", "Skipped",
          "Messages skipped because they did not match their definition",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "ROS message converter", "Converter/Text",
      "Converts serialized ROS messages to JSON lines or CSV using the "
      "message definition from the caps", "The gst-rosbag authors");

  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_ros_msg_convert_transform_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_ros_msg_convert_set_caps);
  trans_class->generate_output =
      GST_DEBUG_FUNCPTR (gst_ros_msg_convert_generate_output);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_ros_msg_convert_sink_event);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_ros_msg_convert_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_ros_msg_convert_stop);
  trans_class->passthrough_on_same_caps = FALSE;

  gst_type_mark_as_plugin_api (GST_TYPE_ROS_MSG_CONVERT_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_ROS_MSG_CONVERT_TIME_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_ROS_MSG_CONVERT_BYTES, 0);
}

static void
gst_ros_msg_convert_init (GstRosMsgConvert * self)
{
  self->format = DEFAULT_FORMAT;
  self->time_format = DEFAULT_TIME_FORMAT;
  self->topic = g_strdup (DEFAULT_TOPIC);
  self->csv_header = DEFAULT_CSV_HEADER;
  self->byte_arrays = DEFAULT_BYTE_ARRAYS;
  self->receive_caps = gst_caps_new_empty_simple (RECEIVE_TIME_CAPS);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), FALSE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
  /* lists in, one buffer of their rows out */
  self->base_chain = GST_PAD_CHAINFUNC (GST_BASE_TRANSFORM_SINK_PAD (self));
  gst_pad_set_chain_list_function (GST_BASE_TRANSFORM_SINK_PAD (self),
      GST_DEBUG_FUNCPTR (gst_ros_msg_convert_chain_list));
}

static void
gst_ros_msg_convert_reset (GstRosMsgConvert * self)
{
  g_clear_pointer (&self->def, gst_rosbag_msgdef_unref);
  g_clear_pointer (&self->type, g_free);
  g_clear_pointer (&self->definition, g_free);
  g_clear_pointer (&self->definitions_path, g_free);
  g_clear_pointer (&self->found_definition, g_free);
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->schema_encoding, g_free);
  g_clear_pointer (&self->caps_topic, g_free);
  g_clear_pointer (&self->last_header, g_free);
  self->need_header = FALSE;
  self->checked_size = FALSE;
}

static void
gst_ros_msg_convert_finalize (GObject * object)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (object);

  gst_ros_msg_convert_reset (self);
  g_free (self->topic);
  gst_caps_unref (self->receive_caps);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ros_msg_convert_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_TIME_FORMAT:
      self->time_format = g_value_get_enum (value);
      break;
    case PROP_TOPIC:
      g_free (self->topic);
      self->topic = g_value_dup_string (value);
      break;
    case PROP_CSV_HEADER:
      self->csv_header = g_value_get_boolean (value);
      break;
    case PROP_BYTE_ARRAYS:
      self->byte_arrays = g_value_get_enum (value);
      break;
    case PROP_DEFINITIONS_PATH:
      g_free (self->definitions_path);
      self->definitions_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ros_msg_convert_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_TIME_FORMAT:
      g_value_set_enum (value, self->time_format);
      break;
    case PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;
    case PROP_CSV_HEADER:
      g_value_set_boolean (value, self->csv_header);
      break;
    case PROP_BYTE_ARRAYS:
      g_value_set_enum (value, self->byte_arrays);
      break;
    case PROP_DEFINITIONS_PATH:
      g_value_set_string (value, self->definitions_path);
      break;
    case PROP_SKIPPED:
      g_value_set_uint64 (value, self->skipped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_ros_msg_convert_start (GstBaseTransform * trans)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (trans);

  gst_ros_msg_convert_reset (self);
  GST_OBJECT_LOCK (self);
  self->skipped = 0;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_ros_msg_convert_stop (GstBaseTransform * trans)
{
  gst_ros_msg_convert_reset (GST_ROS_MSG_CONVERT (trans));
  return TRUE;
}

static GstCaps *
gst_ros_msg_convert_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstCaps *res;

  if (direction == GST_PAD_SINK)
    res = gst_static_pad_template_get_caps (&src_template);
  else
    res = gst_static_pad_template_get_caps (&sink_template);

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, res,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (res);
    res = tmp;
  }
  GST_DEBUG_OBJECT (trans, "%s caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "sink" : "src", caps, res);
  return res;
}

static const gchar *
gst_ros_msg_convert_topic (GstRosMsgConvert * self)
{
  /* called with the object lock */
  if (self->topic && *self->topic)
    return self->topic;
  return self->caps_topic;
}

static GstRosbagMsgDefFlags
gst_ros_msg_convert_flags (GstRosMsgConvert * self)
{
  GstRosbagMsgDefFlags flags = GST_ROSBAG_MSGDEF_FLAGS_NONE;

  /* called with the object lock */
  if (self->time_format == GST_ROS_MSG_CONVERT_TIME_SECS_NSECS)
    flags |= GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS;
  if (self->byte_arrays == GST_ROS_MSG_CONVERT_BYTES_LENGTH)
    flags |= GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH;
  return flags;
}

static gboolean
gst_ros_msg_convert_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (trans);
  GstStructure *s = gst_caps_get_structure (incaps, 0);
  const gchar *type, *definition, *topic, *encoding, *schema_encoding;
  GstRosbagMsgDef *def;
  GError *err = NULL;

  type = gst_structure_get_string (s, "type");
  definition = gst_structure_get_string (s, "definition");
  topic = gst_structure_get_string (s, "topic");
  encoding = gst_structure_get_string (s, "encoding");
  schema_encoding = gst_structure_get_string (s, "schema-encoding");
  if (g_strcmp0 (encoding, "cdr") == 0 && schema_encoding == NULL)
    schema_encoding = "ros2msg";

  if (type != NULL && *type && (definition == NULL || *definition == '\0')
      && g_strcmp0 (encoding, "cdr") == 0) {
    GstRosbagDefinitions *defs;
    gchar *path;

    /* a Humble .db3 or a schemaless channel: the definitions path and the
     * built-in common interfaces */
    GST_OBJECT_LOCK (self);
    path = g_strdup (self->definitions_path);
    GST_OBJECT_UNLOCK (self);
    defs = gst_rosbag_definitions_new (path);
    g_free (path);
    g_free (self->found_definition);
    self->found_definition = gst_rosbag_definitions_lookup (defs, type, NULL);
    gst_rosbag_definitions_unref (defs);
    /* none found: an empty definition is an empty type (test_msgs/Empty):
     * a message with more bytes is said so below */
    if (self->found_definition) {
      definition = self->found_definition;
      schema_encoding = "ros2msg";
    }
  }

  if (type == NULL || definition == NULL)
    goto no_definition;

  g_free (self->caps_topic);
  self->caps_topic = g_strdup (topic);

  if (self->def && g_strcmp0 (self->type, type) == 0 &&
      g_strcmp0 (self->definition, definition) == 0 &&
      g_strcmp0 (self->encoding, encoding) == 0 &&
      g_strcmp0 (self->schema_encoding, schema_encoding) == 0) {
    GST_DEBUG_OBJECT (self, "same definition of %s, keeping it", type);
    return TRUE;
  }

  def = gst_rosbag_msgdef_parse_schema (type, schema_encoding, encoding,
      definition, -1, &err);
  if (def == NULL)
    goto parse_failed;

  g_clear_pointer (&self->def, gst_rosbag_msgdef_unref);
  self->def = def;
  g_free (self->type);
  self->type = g_strdup (type);
  g_free (self->definition);
  self->definition = g_strdup (definition);
  g_free (self->encoding);
  self->encoding = g_strdup (encoding);
  g_free (self->schema_encoding);
  self->schema_encoding = g_strdup (schema_encoding);
  self->checked_size = FALSE;
  self->warned_unsupported = FALSE;

  GST_OBJECT_LOCK (self);
  if (self->format == GST_ROS_MSG_CONVERT_FORMAT_CSV && self->csv_header) {
    GString *h = g_string_new (NULL);

    gst_rosbag_msgdef_write_csv_header (def, gst_ros_msg_convert_flags (self),
        h);
    /* a new header row only when the columns change */
    if (g_strcmp0 (h->str, self->last_header) != 0)
      self->need_header = TRUE;
    g_free (self->last_header);
    self->last_header = g_string_free (h, FALSE);
  }
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "converting %s messages of topic %s", type,
      GST_STR_NULL (topic));
  return TRUE;

no_definition:
  {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("The input caps carry no message type and definition"),
        ("caps %" GST_PTR_FORMAT " lack the type or definition field", incaps));
    return FALSE;
  }
parse_failed:
  {
    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("Cannot parse the message definition of topic %s (type %s)",
            GST_STR_NULL (topic), type), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
}

static guint64
gst_ros_msg_convert_receive_ns (GstRosMsgConvert * self, GstBuffer * buf)
{
  GstReferenceTimestampMeta *meta;

  meta = gst_buffer_get_reference_timestamp_meta (buf, self->receive_caps);
  if (meta)
    return meta->timestamp;
  if (GST_BUFFER_PTS_IS_VALID (buf))
    return GST_BUFFER_PTS (buf);
  return 0;
}

static GstBuffer *
gst_ros_msg_convert_header_buffer (GstRosMsgConvert * self)
{
  GstBuffer *buf;
  gsize len;

  /* called with the object lock */
  if (!self->need_header || self->last_header == NULL)
    return NULL;
  len = strlen (self->last_header);
  buf = gst_buffer_new_memdup (self->last_header, len);
  self->need_header = FALSE;
  return buf;
}

/* Appends @inbuf's row (or line) to @out, with the CSV header before the
 * first: one message. A message that does not decode is counted, warned
 * about and leaves @out as it was. */
static GstFlowReturn
gst_ros_msg_convert_append (GstRosMsgConvert * self, GstBuffer * inbuf,
    GString * out)
{
  GstRosbagMsgDefFlags flags;
  GstRosMsgConvertFormat format;
  GstMapInfo map;
  GError *err = NULL;
  gboolean ok;
  guint64 receive_ns;
  gchar *topic;
  gsize start;

  if (self->def == NULL)
    goto not_negotiated;
  if (!gst_buffer_map (inbuf, &map, GST_MAP_READ))
    goto map_failed;

  GST_OBJECT_LOCK (self);
  flags = gst_ros_msg_convert_flags (self);
  format = self->format;
  topic = g_strdup (gst_ros_msg_convert_topic (self));
  GST_OBJECT_UNLOCK (self);

  receive_ns = gst_ros_msg_convert_receive_ns (self, inbuf);

  if (!self->checked_size) {
    gsize consumed = 0;

    self->checked_size = TRUE;
    /* CDR payloads are padded to 4 bytes */
    if (gst_rosbag_msgdef_decode (self->def, map.data, map.size, NULL, NULL,
            &consumed, NULL) && consumed < map.size &&
        (gst_rosbag_msgdef_get_wire_format (self->def) != GST_ROSBAG_WIRE_CDR
            || map.size - consumed >= 4)) {
      GST_ELEMENT_WARNING (self, STREAM, DECODE,
          ("Messages of topic %s (type %s) hold more bytes than their "
              "definition describes; the rest is ignored",
              GST_STR_NULL (topic), self->type),
          ("the first message has %" G_GSIZE_FORMAT " bytes, the "
              "definition describes %" G_GSIZE_FORMAT, map.size, consumed));
    }
  }

  GST_OBJECT_LOCK (self);
  if (format == GST_ROS_MSG_CONVERT_FORMAT_CSV && self->need_header) {
    g_string_append (out, self->last_header);
    self->need_header = FALSE;
  }
  GST_OBJECT_UNLOCK (self);

  start = out->len;
  if (format == GST_ROS_MSG_CONVERT_FORMAT_CSV)
    ok = gst_rosbag_msgdef_write_csv_row (self->def, receive_ns, map.data,
        map.size, flags, out, &err);
  else
    ok = gst_rosbag_msgdef_write_json_line (self->def, topic, receive_ns,
        map.data, map.size, flags, out, &err);
  gst_buffer_unmap (inbuf, &map);

  if (!ok) {
    guint64 skipped;

    /* (what a failed row wrote goes) */
    g_string_truncate (out, start);
    GST_OBJECT_LOCK (self);
    skipped = ++self->skipped;
    GST_OBJECT_UNLOCK (self);
    if (g_error_matches (err, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED)) {
      /* the same for every message of the topic: said once */
      if (!self->warned_unsupported)
        GST_ELEMENT_WARNING (self, STREAM, CODEC_NOT_FOUND,
            ("Messages of topic %s (type %s) are in a serialization that is "
                "not decoded; they are skipped", GST_STR_NULL (topic),
                self->type), ("%s", err->message));
      self->warned_unsupported = TRUE;
    } else if (skipped <= MAX_BUS_WARNINGS) {
      GST_ELEMENT_WARNING (self, STREAM, DECODE,
          ("Skipping a message of topic %s (type %s) that does not match "
              "its definition", GST_STR_NULL (topic), self->type),
          ("topic %s, receive time %" G_GUINT64_FORMAT ": %s",
              GST_STR_NULL (topic), receive_ns, err->message));
    } else {
      GST_WARNING_OBJECT (self, "topic %s: %s", GST_STR_NULL (topic),
          err->message);
    }
    g_clear_error (&err);
  }
  g_free (topic);
  return GST_FLOW_OK;

not_negotiated:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("a buffer arrived before caps with a message definition"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
map_failed:
  {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("could not map the input buffer"));
    return GST_FLOW_ERROR;
  }
}

static GstFlowReturn
gst_ros_msg_convert_generate_output (GstBaseTransform * trans,
    GstBuffer ** outbuf)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (trans);
  GstBuffer *inbuf = trans->queued_buf;
  GstFlowReturn ret;
  GString *out;
  gsize len;

  *outbuf = NULL;
  if (inbuf == NULL)
    return GST_FLOW_OK;
  trans->queued_buf = NULL;

  out = g_string_sized_new (gst_buffer_get_size (inbuf) * 2 + 128);
  ret = gst_ros_msg_convert_append (self, inbuf, out);
  if (ret != GST_FLOW_OK || out->len == 0) {
    /* an error, or nothing to send: a skipped message */
    g_string_free (out, TRUE);
    gst_buffer_unref (inbuf);
    return ret;
  }
  len = out->len;
  *outbuf = gst_buffer_new_wrapped (g_string_free (out, FALSE), len);
  gst_buffer_copy_into (*outbuf, inbuf,
      GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_FLAGS, 0, -1);
  gst_buffer_unref (inbuf);
  return GST_FLOW_OK;
}

/* A list of messages (bagdemux batches small ones): their rows in one
 * buffer, stamped with the first message's times (and offset; offset-end
 * the last's), one push. Before caps,
 * or with a caps change or reconfiguration pending, each buffer goes
 * through the base class as usual. */
static GstFlowReturn
gst_ros_msg_convert_chain_list (GstPad * pad, GstObject * parent,
    GstBufferList * list)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (parent);
  GstBaseTransform *trans = GST_BASE_TRANSFORM (parent);
  GstFlowReturn ret = GST_FLOW_OK;
  guint i, n = gst_buffer_list_length (list);
  GstBuffer *first, *outbuf;
  GString *out;
  gsize len;

  if (n == 0) {
    gst_buffer_list_unref (list);
    return GST_FLOW_OK;
  }
  if (self->def == NULL || gst_pad_check_reconfigure (trans->srcpad)
      || !gst_pad_has_current_caps (trans->srcpad)) {
    /* (check_reconfigure cleared the flag: the base class is told again) */
    gst_pad_mark_reconfigure (trans->srcpad);
    for (i = 0; i < n && ret == GST_FLOW_OK; i++)
      ret = self->base_chain (pad, parent,
          gst_buffer_ref (gst_buffer_list_get (list, i)));
    gst_buffer_list_unref (list);
    return ret;
  }

  first = gst_buffer_list_get (list, 0);
  out = g_string_sized_new (gst_buffer_list_calculate_size (list) * 2 + 128);
  for (i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_ros_msg_convert_append (self, gst_buffer_list_get (list, i), out);
  if (ret != GST_FLOW_OK || out->len == 0) {
    g_string_free (out, TRUE);
    gst_buffer_list_unref (list);
    return ret;
  }
  len = out->len;
  outbuf = gst_buffer_new_wrapped (g_string_free (out, FALSE), len);
  gst_buffer_copy_into (outbuf, first,
      GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_FLAGS, 0, -1);
  GST_BUFFER_DURATION (outbuf) = GST_CLOCK_TIME_NONE;
  /* the offsets it spans: from the first message's to the last's end */
  GST_BUFFER_OFFSET_END (outbuf) =
      GST_BUFFER_OFFSET_END (gst_buffer_list_get (list, n - 1));
  gst_buffer_list_unref (list);
  return gst_pad_push (trans->srcpad, outbuf);
}

static gboolean
gst_ros_msg_convert_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstRosMsgConvert *self = GST_ROS_MSG_CONVERT (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    GstBuffer *header = NULL;

    /* a topic without messages still gets its header row */
    GST_OBJECT_LOCK (self);
    if (self->format == GST_ROS_MSG_CONVERT_FORMAT_CSV)
      header = gst_ros_msg_convert_header_buffer (self);
    GST_OBJECT_UNLOCK (self);
    if (header) {
      GstFlowReturn ret = gst_pad_push (GST_BASE_TRANSFORM_SRC_PAD (trans),
          header);

      if (ret != GST_FLOW_OK)
        GST_DEBUG_OBJECT (self, "pushing the header row: %s",
            gst_flow_get_name (ret));
    }
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}
