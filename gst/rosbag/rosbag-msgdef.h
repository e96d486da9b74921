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

#ifndef __GST_ROSBAG_MSGDEF_H__
#define __GST_ROSBAG_MSGDEF_H__

#include <glib.h>
#include <gst/rosbag/rosbag-prelude.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-msgdef
 * @short_description: message definitions and a bounded message decoder
 *
 * A connection's `message_definition` (the type's .msg text followed by
 * every dependency after a line of 80 `=` and a `MSG: pkg/Type` line) is
 * parsed once into a tree of #GstRosbagMsgType. The decoder then walks the
 * serialized bytes of a message with that tree, calling a
 * #GstRosbagMsgVisitor for every value. Nothing assumes alignment; every
 * length and array count is checked against the bytes that remain, so a
 * malformed message is an error naming the field, never a crash or an
 * unbounded allocation.
 *
 * On top of the visitor sit the JSON and CSV writers used by
 * rosmsgconvert.
 */
/* Limits on what a definition may describe. */
#define GST_ROSBAG_MSGDEF_MAX_DEPTH 64
/* values a fixed-size layout may expand to (fixed arrays multiplied out;
 * an empty struct and a T[0] member count as one); also the elements of
 * variable arrays one message may have that no bytes carry */
#define GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS (1 << 20)
    typedef enum
{
  GST_ROSBAG_FIELD_BOOL,
  GST_ROSBAG_FIELD_INT8,
  GST_ROSBAG_FIELD_UINT8,
  GST_ROSBAG_FIELD_INT16,
  GST_ROSBAG_FIELD_UINT16,
  GST_ROSBAG_FIELD_INT32,
  GST_ROSBAG_FIELD_UINT32,
  GST_ROSBAG_FIELD_INT64,
  GST_ROSBAG_FIELD_UINT64,
  GST_ROSBAG_FIELD_FLOAT32,
  GST_ROSBAG_FIELD_FLOAT64,
  GST_ROSBAG_FIELD_STRING,
  GST_ROSBAG_FIELD_TIME,
  GST_ROSBAG_FIELD_DURATION,
  GST_ROSBAG_FIELD_MESSAGE,
  /* ROS 2 only: a string of 32-bit code units (CDR wstring) */
  GST_ROSBAG_FIELD_WSTRING
} GstRosbagFieldType;

typedef enum
{
  GST_ROSBAG_ARRAY_NONE,
  GST_ROSBAG_ARRAY_FIXED,       /* T[N]: no count on the wire */
  GST_ROSBAG_ARRAY_VARIABLE,    /* T[]: u32 count */
  GST_ROSBAG_ARRAY_BOUNDED      /* ROS 2 T[<=N]: u32 count, at most N */
} GstRosbagArrayKind;

/**
 * GstRosbagWireFormat:
 * @GST_ROSBAG_WIRE_ROS1: the ROS 1 serialization (little-endian, packed)
 * @GST_ROSBAG_WIRE_CDR: OMG CDR as ROS 2 records it (XCDR1: a 4-byte
 *   encapsulation header choosing the byte order, every primitive aligned
 *   to its size counted from after the header)
 *
 * How the messages of a definition are serialized.
 */
typedef enum
{
  GST_ROSBAG_WIRE_ROS1,
  GST_ROSBAG_WIRE_CDR
} GstRosbagWireFormat;

typedef struct _GstRosbagMsgType GstRosbagMsgType;

/**
 * GstRosbagMsgField:
 * @name: the field name as in the .msg
 * @type_name: the element type as written (`uint8`, `byte`, `Header`,
 *   `geometry_msgs/Point`), without the array suffix
 * @type: the element type
 * @array: whether and how the field is an array
 * @array_len: N for a fixed array `T[N]` or the bound of `T[<=N]`
 * @is_bytes: a `uint8` or `char` array, in ROS 2 also `byte` (rosbridge
 *   and genpy treat it as
 *   bytes; the JSON writer emits base64)
 * @msg: the resolved type when @type is %GST_ROSBAG_FIELD_MESSAGE
 * @string_bound: N of a ROS 2 bounded string `string<=N`, else 0
 * @default_value: the ROS 2 default value text (`int32 x 5`), else %NULL
 *
 * In ROS 2 definitions `builtin_interfaces/Time` and `Duration` fields are
 * %GST_ROSBAG_FIELD_TIME and %GST_ROSBAG_FIELD_DURATION (int32 sec and
 * uint32 nanosec on the wire), like ROS 1's `time` and `duration`.
 */
typedef struct
{
  gchar *name;
  gchar *type_name;
  GstRosbagFieldType type;
  GstRosbagArrayKind array;
  guint32 array_len;
  gboolean is_bytes;
  const GstRosbagMsgType *msg;
  guint32 string_bound;
  gchar *default_value;
} GstRosbagMsgField;

/**
 * GstRosbagMsgConstant:
 * @value: the value text; for a string constant everything after `=`
 *   (a `#` included), else trimmed and without a trailing comment
 *
 * Constants are part of the type, not of the wire format.
 */
typedef struct
{
  gchar *name;
  gchar *type_name;
  GstRosbagFieldType type;
  gchar *value;
} GstRosbagMsgConstant;

struct _GstRosbagMsgType
{
  gchar *name;                  /* pkg/Type */
  guint n_fields;
  GstRosbagMsgField *fields;
  guint n_constants;
  GstRosbagMsgConstant *constants;
  guint64 min_size;             /* smallest wire size (saturating) */
  guint64 fixed_elements;       /* values a fixed layout expands to */
};

typedef struct _GstRosbagMsgDef GstRosbagMsgDef;

/* Parses @definition (may be NULL or empty only for a type without
 * fields) for the root type @type (`pkg/Type`). Errors are
 * GST_ROSBAG_ERROR_CORRUPT and say which type, line and field. */
GST_ROSBAG_API
GstRosbagMsgDef *gst_rosbag_msgdef_parse (const gchar *type, const gchar
    *definition, GError **error);
GST_ROSBAG_API
GstRosbagMsgDef *gst_rosbag_msgdef_parse_schema (const gchar *type, const
    gchar *schema_encoding, const gchar *message_encoding, const gchar
    *schema, gssize schema_len, GError **error);
GST_ROSBAG_API
GstRosbagWireFormat gst_rosbag_msgdef_get_wire_format (GstRosbagMsgDef *def);
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_is_ros2 (GstRosbagMsgDef *def);
GST_ROSBAG_API
GstRosbagMsgDef *gst_rosbag_msgdef_ref (GstRosbagMsgDef *def);
GST_ROSBAG_API
void gst_rosbag_msgdef_unref (GstRosbagMsgDef *def);
GST_ROSBAG_API
const GstRosbagMsgType *gst_rosbag_msgdef_get_root (GstRosbagMsgDef *def);
GST_ROSBAG_API
const gchar *gst_rosbag_msgdef_get_type_name (GstRosbagMsgDef *def);
/* every type of the definition, by full name */
GST_ROSBAG_API
const GstRosbagMsgType *gst_rosbag_msgdef_lookup_type (GstRosbagMsgDef *def,
    const gchar *name);
GST_ROSBAG_API
const gchar *gst_rosbag_field_type_to_string (GstRosbagFieldType type);
/**
 * GstRosbagValue:
 * One decoded scalar. Integers and bool are in @i (signed types, bool) or
 * @u (unsigned types); floats in @f; a string points into the message
 * (@str_len bytes, not NUL-terminated, not validated as UTF-8); time and
 * duration as they are on the wire in @secs / @nsecs.
 */
typedef struct
{
  GstRosbagFieldType type;
  gint64 i;
  guint64 u;
  gdouble f;
  const gchar *str;
  guint32 str_len;
  gint64 secs;
  gint64 nsecs;
} GstRosbagValue;

/**
 * GstRosbagMsgVisitor:
 * Called in wire order. @field is %NULL for the root message; @index is
 * the element index inside an array, or -1. Arrays (fixed and variable)
 * are announced with begin_array / end_array around their elements. For
 * uint8 / char arrays (@field->is_bytes) @bytes is called once instead of
 * one @value per element, when set. Any callback may be %NULL.
 */
typedef struct
{
  void (*begin_message) (gpointer user_data, const GstRosbagMsgField * field,
      gint index, const GstRosbagMsgType * type);
  void (*end_message) (gpointer user_data, const GstRosbagMsgField * field,
      gint index, const GstRosbagMsgType * type);
  void (*begin_array) (gpointer user_data, const GstRosbagMsgField * field,
      guint32 n);
  void (*end_array) (gpointer user_data, const GstRosbagMsgField * field);
  void (*value) (gpointer user_data, const GstRosbagMsgField * field,
      gint index, const GstRosbagValue * value);
  void (*bytes) (gpointer user_data, const GstRosbagMsgField * field,
      const guint8 * data, guint32 len);
} GstRosbagMsgVisitor;

/* Walks one serialized message. Returns FALSE with a
 * GST_ROSBAG_ERROR_TRUNCATED / _CORRUPT error naming the field path
 * (`pose.covariance[3]`) when the bytes do not match the definition; the
 * visitor may then have seen part of the message. @consumed (optional)
 * receives the bytes used; trailing bytes are not an error (genpy ignores
 * them too). */
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_decode (GstRosbagMsgDef *def, const guint8 *data,
    gsize size, const GstRosbagMsgVisitor *visitor, gpointer user_data, gsize
    *consumed, GError **error);
/**
 * GstRosbagFieldValue:
 * @found: the path was met in the message
 * @field: the field the path names
 * @value: its value, for a scalar (number, bool, string, time) field
 * @data: for a `uint8[]` / `char[]` field: its bytes, inside the message
 * @size: the length of @data
 * @count: for an array field: its element count
 *
 * One result of gst_rosbag_msgdef_read_fields().
 */
typedef struct
{
  gboolean found;
  const GstRosbagMsgField *field;
  GstRosbagValue value;
  const guint8 *data;
  gsize size;
  guint32 count;
} GstRosbagFieldValue;

GST_ROSBAG_API
gboolean gst_rosbag_msgdef_read_fields (GstRosbagMsgDef *def, const guint8
    *data, gsize size, const gchar *const *paths, GstRosbagFieldValue *values,
    GError **error);
GST_ROSBAG_API
const gchar *gst_rosbag_msgdef_get_header_field (GstRosbagMsgDef *def);
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_read_header_stamp (GstRosbagMsgDef *def, const
    guint8 *data, gsize size, guint64 *stamp_ns, GError **error);
typedef enum
{
  GST_ROSBAG_MSGDEF_FLAGS_NONE = 0,
  /* time and duration as {"secs": s, "nsecs": n} (JSON) or two columns
   * name.secs, name.nsecs (CSV) instead of integer nanoseconds; in ROS 2
   * definitions {"sec": s, "nanosec": n} and name.sec, name.nanosec */
  GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS = (1 << 0),
  /* variable-length uint8[] / char[] (image, point cloud data...) written
   * as their length in bytes instead of base64 */
  GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH = (1 << 1)
} GstRosbagMsgDefFlags;

/* Appends the message as one JSON object (no newline). On error @out is
 * left as it was. */
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_to_json (GstRosbagMsgDef *def, const guint8 *data,
    gsize size, GstRosbagMsgDefFlags flags, GString *out, GError **error);
/* Appends {"topic": .., "receive_ns": .., "msg": {..}} and a newline */
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_write_json_line (GstRosbagMsgDef *def, const gchar
    *topic, guint64 receive_ns, const guint8 *data, gsize size,
    GstRosbagMsgDefFlags flags, GString *out, GError **error);
/* The flattened CSV columns of the root type, without receive_ns: dotted
 * names, fixed arrays expanded as name.0, name.1, variable arrays one
 * column. NULL-terminated; g_strfreev() it. */
GST_ROSBAG_API
gchar **gst_rosbag_msgdef_get_csv_columns (GstRosbagMsgDef *def,
    GstRosbagMsgDefFlags flags);
/* Appends "receive_ns,<columns>\n" */
GST_ROSBAG_API
void gst_rosbag_msgdef_write_csv_header (GstRosbagMsgDef *def,
    GstRosbagMsgDefFlags flags, GString *out);
/* Appends one row of exactly 1 + n_columns cells and a newline. On error
 * @out is left as it was. */
GST_ROSBAG_API
gboolean gst_rosbag_msgdef_write_csv_row (GstRosbagMsgDef *def, guint64
    receive_ns, const guint8 *data, gsize size, GstRosbagMsgDefFlags flags,
    GString *out, GError **error);
/* Appends @len bytes as a quoted JSON string: escapes as JSON requires,
 * invalid UTF-8 replaced by U+FFFD the way Python's decoder does. */
GST_ROSBAG_API
void gst_rosbag_json_append_string (GString *out, const gchar *data, gsize len);
/* Appends a float the shortest way that reads back to the same value
 * (float32 precision when @is_float32), "null" when not finite. */
GST_ROSBAG_API
void gst_rosbag_json_append_double (GString *out, gdouble v, gboolean
    is_float32);
G_END_DECLS
#endif /* __GST_ROSBAG_MSGDEF_H__ */
