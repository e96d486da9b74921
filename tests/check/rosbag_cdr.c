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


/* The ROS 2 flavour of the message definition parser and the CDR decoder,
 * on hand-built payloads whose every byte is known: alignment, both byte
 * orders, bounds, empty structs, encapsulations that are not decoded, and
 * the field reader used for header stamps and images. The comparison with
 * @foxglove/rosmsg2-serialization over whole MCAP files is in
 * test_ros2_ref.py. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>

/* ---------------------------------------------------------------- */
/* a CDR writer for the tests */

typedef struct
{
  GByteArray *b;
  gboolean be;
} Cdr;

static void
cdr_init (Cdr * c, gboolean be)
{
  guint8 hdr[4] = { 0, be ? 0 : 1, 0, 0 };

  c->b = g_byte_array_new ();
  c->be = be;
  g_byte_array_append (c->b, hdr, 4);
}

static void
cdr_align (Cdr * c, guint n)
{
  static const guint8 zero[8] = { 0, };
  guint pad = (n - (c->b->len - 4) % n) % n;

  g_byte_array_append (c->b, zero, pad);
}

static void
cdr_put (Cdr * c, guint64 v, guint n)
{
  guint8 tmp[8];
  guint i;

  cdr_align (c, n);
  for (i = 0; i < n; i++)
    tmp[c->be ? n - 1 - i : i] = (v >> (8 * i)) & 0xff;
  g_byte_array_append (c->b, tmp, n);
}

static void
cdr_f64 (Cdr * c, gdouble d)
{
  guint64 u;

  memcpy (&u, &d, 8);
  cdr_put (c, u, 8);
}

static void
cdr_f32 (Cdr * c, gfloat f)
{
  guint32 u;

  memcpy (&u, &f, 4);
  cdr_put (c, u, 4);
}

static void
cdr_str (Cdr * c, const gchar * s)
{
  guint len = strlen (s) + 1;

  cdr_put (c, len, 4);
  g_byte_array_append (c->b, (const guint8 *) s, len);
}

static GBytes *
cdr_finish (Cdr * c)
{
  return g_byte_array_free_to_bytes (c->b);
}

static GstRosbagMsgDef *
parse2 (const gchar * type, const gchar * text)
{
  GError *err = NULL;
  GstRosbagMsgDef *def = gst_rosbag_msgdef_parse_schema (type, "ros2msg",
      "cdr", text, -1, &err);

  fail_unless (def != NULL, "%s: %s", type, err ? err->message : "?");
  return def;
}

static gchar *
to_json (GstRosbagMsgDef * def, GBytes * b, GstRosbagMsgDefFlags flags)
{
  GString *out = g_string_new (NULL);
  GError *err = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (b, &size);

  fail_unless (gst_rosbag_msgdef_to_json (def, data, size, flags, out, &err),
      "%s", err ? err->message : "?");
  return g_string_free (out, FALSE);
}

#define SEP "\n" \
  "================================================================================\n"

static const gchar *time_def =
    "builtin_interfaces/Time stamp\n"
    "builtin_interfaces/Duration d\n"
    SEP "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n"
    SEP "MSG: builtin_interfaces/Duration\nint32 sec\nuint32 nanosec\n";

/* ---------------------------------------------------------------- */

GST_START_TEST (test_ros2_grammar)
{
  GstRosbagMsgDef *def;
  const GstRosbagMsgType *t;
  const GstRosbagMsgField *f;
  GError *err = NULL;

  def = parse2 ("pkg/msg/T",
      "byte b\n"
      "char c\n"
      "string<=5 bs\n"
      "wstring w\n"
      "int32[<=3] ba\n"
      "string<=4[<=2] bsa\n"
      "int32[4] fa\n"
      "int32 x 5\n"
      "string s \"a#b=c\" # a comment\n"
      "int32[] d [1, 2]\n"
      "int32 X=7\n"
      "string S=\"hi\"\n"
      "uint8 Y = 3 # c\n"
      "Sub sub\n"
      "other/Thing th\n"
      "std_msgs/Header header\n"
      SEP "MSG: pkg/Sub\nuint8 a\n"
      SEP "MSG: other/msg/Thing\nfloat64 v\n"
      SEP "MSG: std_msgs/msg/Header\nbuiltin_interfaces/Time stamp\n"
      "string frame_id\n"
      SEP "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
  fail_unless_equals_int (gst_rosbag_msgdef_get_wire_format (def),
      GST_ROSBAG_WIRE_CDR);
  fail_unless (gst_rosbag_msgdef_is_ros2 (def));
  t = gst_rosbag_msgdef_get_root (def);
  fail_unless_equals_int (t->n_fields, 13);
  fail_unless_equals_int (t->n_constants, 3);
  f = &t->fields[0];
  fail_unless_equals_int (f->type, GST_ROSBAG_FIELD_UINT8);     /* octet */
  fail_unless_equals_int (t->fields[1].type, GST_ROSBAG_FIELD_UINT8);
  f = &t->fields[2];
  fail_unless_equals_int (f->type, GST_ROSBAG_FIELD_STRING);
  fail_unless_equals_int (f->string_bound, 5);
  fail_unless_equals_int (t->fields[3].type, GST_ROSBAG_FIELD_WSTRING);
  f = &t->fields[4];
  fail_unless_equals_int (f->array, GST_ROSBAG_ARRAY_BOUNDED);
  fail_unless_equals_int (f->array_len, 3);
  f = &t->fields[5];
  fail_unless_equals_int (f->array, GST_ROSBAG_ARRAY_BOUNDED);
  fail_unless_equals_int (f->array_len, 2);
  fail_unless_equals_int (f->string_bound, 4);
  fail_unless_equals_int (t->fields[6].array, GST_ROSBAG_ARRAY_FIXED);
  fail_unless_equals_string (t->fields[7].default_value, "5");
  fail_unless_equals_string (t->fields[8].name, "s");
  fail_unless_equals_string (t->fields[8].default_value, "\"a#b=c\"");
  fail_unless_equals_string (t->fields[9].default_value, "[1, 2]");
  fail_unless_equals_string (t->constants[0].name, "X");
  fail_unless_equals_string (t->constants[0].value, "7");
  fail_unless_equals_string (t->constants[1].value, "\"hi\"");
  fail_unless_equals_string (t->constants[2].value, "3");
  /* pkg/Sub and other/Thing found under their pkg/msg/ spelling */
  fail_unless_equals_string (t->fields[10].msg->name, "pkg/msg/Sub");
  fail_unless_equals_string (t->fields[11].msg->name, "other/msg/Thing");
  fail_unless (gst_rosbag_msgdef_lookup_type (def, "std_msgs/msg/Header"));
  fail_unless_equals_string (gst_rosbag_msgdef_get_header_field (def),
      "header");
  f = &t->fields[12].msg->fields[0];
  fail_unless_equals_int (f->type, GST_ROSBAG_FIELD_TIME);
  gst_rosbag_msgdef_unref (def);

  /* builtin_interfaces without its block still is time */
  def = parse2 ("a/msg/B", "builtin_interfaces/msg/Time t\n");
  f = &gst_rosbag_msgdef_get_root (def)->fields[0];
  fail_unless_equals_int (f->type, GST_ROSBAG_FIELD_TIME);
  gst_rosbag_msgdef_unref (def);

  /* ROS 1 grammar stays as it was: byte is int8, no bounds */
  def = gst_rosbag_msgdef_parse ("a/B", "byte b\n", &err);
  fail_unless (def != NULL);
  fail_unless_equals_int (gst_rosbag_msgdef_get_root (def)->fields[0].type,
      GST_ROSBAG_FIELD_INT8);
  fail_if (gst_rosbag_msgdef_is_ros2 (def));
  gst_rosbag_msgdef_unref (def);
  fail_if (gst_rosbag_msgdef_parse ("a/B", "string<=3 s\n", &err));
  g_clear_error (&err);

  /* errors name the type, line and field */
  fail_if (gst_rosbag_msgdef_parse_schema ("a/B", "ros2msg", NULL,
          "int32 ok\nint32[<=x] bad\n", -1, &err));
  fail_unless (strstr (err->message, "line 2"), "%s", err->message);
  fail_unless (strstr (err->message, "bad"), "%s", err->message);
  g_clear_error (&err);
  fail_if (gst_rosbag_msgdef_parse_schema ("a/B", "ros2msg", NULL,
          "int32<=3 n\n", -1, &err));
  g_clear_error (&err);
  fail_if (gst_rosbag_msgdef_parse_schema ("a/B", "ros2msg", NULL,
          "time t\n", -1, &err));
  g_clear_error (&err);
  fail_if (gst_rosbag_msgdef_parse_schema ("a/B", "protobuf", NULL,
          "x", -1, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_UNSUPPORTED));
  g_clear_error (&err);
  fail_if (gst_rosbag_msgdef_parse_schema ("a/B", "ros2msg", "json",
          "int32 a\n", -1, &err));
  g_clear_error (&err);
}

GST_END_TEST;

/* every builtin, both byte orders: the same JSON */
GST_START_TEST (test_cdr_all_types)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/All",
      "bool b\nbyte o\nchar c\nint8 i8\nuint8 u8\nint16 i16\nuint16 u16\n"
      "int32 i32\nuint32 u32\nint64 i64\nuint64 u64\nfloat32 f32\n"
      "float64 f64\nstring s\nint16[] vi\nint64[2] fi\nuint8[] bytes\n"
      "string[<=3] ss\nbuiltin_interfaces/Time t\n"
      "builtin_interfaces/Duration d\nSub[] subs\nEmpty e\nuint8 last\n"
      SEP "MSG: pkg/Sub\nuint8 a\nfloat64 b\n" SEP "MSG: pkg/msg/Empty\n");
  gint be;
  const gchar *expect = "{\"b\":true,\"o\":200,\"c\":65,\"i8\":-5,"
      "\"u8\":250,\"i16\":-300,\"u16\":60000,\"i32\":-70000,"
      "\"u32\":4000000000,\"i64\":-9007199254740993,"
      "\"u64\":18446744073709551615,\"f32\":1.5,\"f64\":-0.1,"
      "\"s\":\"h\xc3\xa9\",\"vi\":[1,-2,3],\"fi\":[9007199254740993,-1],"
      "\"bytes\":\"AQID\",\"ss\":[\"a\",\"\"],"
      "\"t\":-1999999999,\"d\":1000000005,"
      "\"subs\":[{\"a\":1,\"b\":2.5},{\"a\":2,\"b\":-0.0}],\"e\":{},\"last\":7}";

  for (be = 0; be < 2; be++) {
    Cdr c;
    GBytes *b;
    gchar *json;
    static const guint8 three[3] = { 1, 2, 3 };

    cdr_init (&c, be);
    cdr_put (&c, 1, 1);
    cdr_put (&c, 200, 1);
    cdr_put (&c, 'A', 1);
    cdr_put (&c, (guint8) - 5, 1);
    cdr_put (&c, 250, 1);
    cdr_put (&c, (guint16) - 300, 2);
    cdr_put (&c, 60000, 2);
    cdr_put (&c, (guint32) - 70000, 4);
    cdr_put (&c, 4000000000u, 4);
    cdr_put (&c, (guint64) G_GINT64_CONSTANT (-9007199254740993), 8);
    cdr_put (&c, G_MAXUINT64, 8);
    cdr_f32 (&c, 1.5f);
    cdr_f64 (&c, -0.1);
    cdr_str (&c, "h\xc3\xa9");
    cdr_put (&c, 3, 4);
    cdr_put (&c, 1, 2);
    cdr_put (&c, (guint16) - 2, 2);
    cdr_put (&c, 3, 2);
    cdr_put (&c, G_GUINT64_CONSTANT (9007199254740993), 8);
    cdr_put (&c, G_MAXUINT64, 8);
    cdr_put (&c, 3, 4);
    g_byte_array_append (c.b, three, 3);
    cdr_put (&c, 2, 4);
    cdr_str (&c, "a");
    cdr_str (&c, "");
    /* Time -2 s + 1 ns, Duration 1 s + 5 ns */
    cdr_put (&c, (guint32) - 2, 4);
    cdr_put (&c, 1, 4);
    cdr_put (&c, 1, 4);
    cdr_put (&c, 5, 4);
    cdr_put (&c, 2, 4);
    cdr_put (&c, 1, 1);
    cdr_f64 (&c, 2.5);
    cdr_put (&c, 2, 1);
    cdr_f64 (&c, -0.0);
    cdr_put (&c, 0, 1);         /* Empty: one byte */
    cdr_put (&c, 7, 1);
    b = cdr_finish (&c);
    json = to_json (def, b, 0);
    fail_unless_equals_string (json, expect);
    g_free (json);

    /* every prefix is an error, never a crash or a read past the end */
    {
      gsize size, n;
      const guint8 *data = g_bytes_get_data (b, &size);

      for (n = 0; n < size; n++) {
        guint8 *copy = g_memdup2 (data, n);
        GString *out = g_string_new (NULL);
        GError *err = NULL;

        fail_if (gst_rosbag_msgdef_to_json (def, copy, n, 0, out, &err),
            "prefix %" G_GSIZE_FORMAT " decoded", n);
        fail_unless (err != NULL);
        g_clear_error (&err);
        g_string_free (out, TRUE);
        g_free (copy);
      }
    }
    g_bytes_unref (b);
  }
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* alignment counts from after the header: uint8 then float64 is 7 bytes
 * of padding, then a string's length is aligned to 4 again */
GST_START_TEST (test_cdr_alignment)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/A",
      "uint8 a\nfloat64 b\nuint8 c\nstring s\nuint16 d\n");
  static const guint8 msg[] = {
    0, 1, 0, 0,                 /* CDR_LE */
    9, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,        /* a + padding */
    0, 0, 0, 0, 0, 0, 0xf0, 0x3f,       /* b = 1.0 */
    3, 0xee, 0xee, 0xee,        /* c + padding */
    2, 0, 0, 0, 'x', 0,         /* s = "x", d needs no padding */
    5, 0
  };
  GString *out = g_string_new (NULL);
  GError *err = NULL;
  gsize used = 0;

  fail_unless (gst_rosbag_msgdef_to_json (def, msg, sizeof (msg), 0, out,
          &err), "%s", err ? err->message : "");
  fail_unless_equals_string (out->str,
      "{\"a\":9,\"b\":1.0,\"c\":3,\"s\":\"x\",\"d\":5}");
  fail_unless (gst_rosbag_msgdef_decode (def, msg, sizeof (msg), NULL, NULL,
          &used, &err));
  fail_unless_equals_int (used, sizeof (msg));
  g_string_free (out, TRUE);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

GST_START_TEST (test_cdr_encapsulations)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/A", "uint8 a\n");
  guint8 msg[] = { 0, 7, 0, 0, 1 };
  GError *err = NULL;
  GString *out = g_string_new (NULL);

  /* XCDR2: a clear error, not garbage */
  fail_if (gst_rosbag_msgdef_to_json (def, msg, sizeof (msg), 0, out, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_UNSUPPORTED));
  fail_unless (strstr (err->message, "XCDR2"), "%s", err->message);
  fail_unless (strstr (err->message, "CDR2_LE"), "%s", err->message);
  g_clear_error (&err);
  msg[1] = 3;
  fail_if (gst_rosbag_msgdef_to_json (def, msg, sizeof (msg), 0, out, &err));
  fail_unless (strstr (err->message, "PL_CDR"), "%s", err->message);
  g_clear_error (&err);
  msg[0] = 0x42;
  fail_if (gst_rosbag_msgdef_to_json (def, msg, sizeof (msg), 0, out, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_CORRUPT));
  g_clear_error (&err);
  fail_if (gst_rosbag_msgdef_to_json (def, msg, 3, 0, out, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_TRUNCATED));
  g_clear_error (&err);
  fail_unless_equals_int (out->len, 0);
  g_string_free (out, TRUE);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

GST_START_TEST (test_cdr_bounds)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/A",
      "int32[<=2] a\nstring<=3 s\nEmpty[] e\n" SEP "MSG: pkg/Empty\n");
  Cdr c;
  GBytes *b;
  GError *err = NULL;
  GString *out = g_string_new (NULL);
  gsize size;
  const guint8 *data;

  /* 3 elements in an int32[<=2] */
  cdr_init (&c, FALSE);
  cdr_put (&c, 3, 4);
  cdr_put (&c, 1, 4);
  cdr_put (&c, 2, 4);
  cdr_put (&c, 3, 4);
  b = cdr_finish (&c);
  data = g_bytes_get_data (b, &size);
  fail_if (gst_rosbag_msgdef_to_json (def, data, size, 0, out, &err));
  fail_unless (strstr (err->message, "'a'"), "%s", err->message);
  fail_unless (strstr (err->message, "bound"), "%s", err->message);
  g_clear_error (&err);
  g_bytes_unref (b);

  /* a string over its bound */
  cdr_init (&c, FALSE);
  cdr_put (&c, 0, 4);
  cdr_str (&c, "abcd");
  b = cdr_finish (&c);
  data = g_bytes_get_data (b, &size);
  fail_if (gst_rosbag_msgdef_to_json (def, data, size, 0, out, &err));
  fail_unless (strstr (err->message, "'s'"), "%s", err->message);
  g_clear_error (&err);
  g_bytes_unref (b);

  /* a hostile count of empty structs (one byte each) is bounded by the
   * bytes, not walked */
  cdr_init (&c, FALSE);
  cdr_put (&c, 0, 4);
  cdr_str (&c, "abc");
  cdr_put (&c, 0xffffffff, 4);
  b = cdr_finish (&c);
  data = g_bytes_get_data (b, &size);
  fail_if (gst_rosbag_msgdef_to_json (def, data, size, 0, out, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_TRUNCATED), "%s", err->message);
  g_clear_error (&err);
  g_bytes_unref (b);
  g_string_free (out, TRUE);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

GST_START_TEST (test_cdr_wstring)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/W", "wstring w\nuint8 z\n");
  Cdr c;
  GBytes *b;
  gchar *json;

  cdr_init (&c, TRUE);
  cdr_put (&c, 3, 4);
  cdr_put (&c, 'h', 4);
  cdr_put (&c, 0x1F600, 4);
  cdr_put (&c, 0xD800, 4);      /* a lone surrogate: U+FFFD */
  cdr_put (&c, 1, 1);
  b = cdr_finish (&c);
  json = to_json (def, b, 0);
  fail_unless_equals_string (json,
      "{\"w\":\"h\xf0\x9f\x98\x80\xef\xbf\xbd\",\"z\":1}");
  g_free (json);
  g_bytes_unref (b);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* time members are sec / nanosec in ROS 2 JSON and CSV */
GST_START_TEST (test_ros2_time_formats)
{
  GstRosbagMsgDef *def = parse2 ("pkg/msg/T", time_def);
  Cdr c;
  GBytes *b;
  gchar *json, **cols;
  GString *row = g_string_new (NULL);
  gsize size;
  const guint8 *data;

  cdr_init (&c, FALSE);
  cdr_put (&c, 3, 4);
  cdr_put (&c, 4, 4);
  cdr_put (&c, (guint32) - 1, 4);
  cdr_put (&c, 500, 4);
  b = cdr_finish (&c);
  json = to_json (def, b, 0);
  fail_unless_equals_string (json, "{\"stamp\":3000000004,\"d\":-999999500}");
  g_free (json);
  json = to_json (def, b, GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS);
  fail_unless_equals_string (json, "{\"stamp\":{\"sec\":3,\"nanosec\":4},"
      "\"d\":{\"sec\":-1,\"nanosec\":500}}");
  g_free (json);
  cols = gst_rosbag_msgdef_get_csv_columns (def,
      GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS);
  fail_unless_equals_int (g_strv_length (cols), 4);
  fail_unless_equals_string (cols[0], "stamp.sec");
  fail_unless_equals_string (cols[3], "d.nanosec");
  g_strfreev (cols);
  data = g_bytes_get_data (b, &size);
  fail_unless (gst_rosbag_msgdef_write_csv_row (def, 7, data, size,
          GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS, row, NULL));
  fail_unless_equals_string (row->str, "7,3,4,-1,500\n");
  g_string_free (row, TRUE);
  g_bytes_unref (b);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* the field reader: header stamps and image fields, ROS 1 and ROS 2 */
GST_START_TEST (test_read_fields)
{
  GstRosbagMsgDef *def = parse2 ("sensor_msgs/msg/Image",
      "std_msgs/Header header\nuint32 height\nuint32 width\n"
      "string encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n"
      SEP "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\n"
      "string frame_id\n");
  const gchar *paths[] = { "width", "encoding", "data", "header.stamp",
    "nope", "header.nope", "height.x", NULL
  };
  GstRosbagFieldValue v[7];
  Cdr c;
  GBytes *b;
  gsize size;
  const guint8 *data;
  guint64 ns = 0;
  GError *err = NULL;
  static const guint8 px[6] = { 1, 2, 3, 4, 5, 6 };

  cdr_init (&c, FALSE);
  cdr_put (&c, 10, 4);
  cdr_put (&c, 20, 4);
  cdr_str (&c, "cam");
  cdr_put (&c, 1, 4);
  cdr_put (&c, 2, 4);
  cdr_str (&c, "rgb8");
  cdr_put (&c, 0, 1);
  cdr_put (&c, 6, 4);
  cdr_put (&c, 6, 4);
  g_byte_array_append (c.b, px, 6);
  b = cdr_finish (&c);
  data = g_bytes_get_data (b, &size);

  fail_unless (gst_rosbag_msgdef_read_fields (def, data, size, paths, v, &err));
  fail_unless (v[0].found);
  fail_unless_equals_int (v[0].value.u, 2);
  fail_unless (v[1].found);
  fail_unless_equals_int (v[1].value.str_len, 4);
  fail_unless (memcmp (v[1].value.str, "rgb8", 4) == 0);
  fail_unless (v[2].found);
  fail_unless_equals_int (v[2].size, 6);
  /* the bytes are the message's own */
  fail_unless (v[2].data == data + size - 6);
  fail_unless (v[3].found);
  fail_unless_equals_int (v[3].value.secs, 10);
  fail_unless_equals_int (v[3].value.nsecs, 20);
  fail_if (v[4].found);
  fail_if (v[5].found);
  fail_if (v[6].found);

  fail_unless (gst_rosbag_msgdef_read_header_stamp (def, data, size, &ns,
          &err));
  fail_unless_equals_uint64 (ns, G_GUINT64_CONSTANT (10000000020));
  /* the header is enough: a message cut after it still has its stamp */
  fail_unless (gst_rosbag_msgdef_read_header_stamp (def, data, 4 + 8, &ns,
          &err));
  fail_if (gst_rosbag_msgdef_read_header_stamp (def, data, 4 + 6, &ns, &err));
  fail_unless (err != NULL);
  g_clear_error (&err);
  g_bytes_unref (b);
  gst_rosbag_msgdef_unref (def);

  /* ROS 1: seq before the stamp */
  def = gst_rosbag_msgdef_parse ("geometry_msgs/PointStamped",
      "Header header\nfloat64 x\n" SEP "MSG: std_msgs/Header\nuint32 seq\n"
      "time stamp\nstring frame_id\n", &err);
  {
    static const guint8 m[] = { 9, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0,
      0, 0, 0, 0
    };
    fail_unless (gst_rosbag_msgdef_read_header_stamp (def, m, sizeof (m),
            &ns, &err));
    fail_unless_equals_uint64 (ns, G_GUINT64_CONSTANT (5000000007));
  }
  gst_rosbag_msgdef_unref (def);

  /* no header: FALSE without an error */
  def = parse2 ("a/msg/B", "int32 a\n");
  fail_if (gst_rosbag_msgdef_get_header_field (def));
  fail_if (gst_rosbag_msgdef_read_header_stamp (def, px, 6, &ns, &err));
  fail_unless (err == NULL);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* rosbag2's service event channels: the .srv text as the schema, the
 * messages rosidl's Type_Event */
GST_START_TEST (test_service_event)
{
  GstRosbagMsgDef *def = parse2 ("pkg/srv/Add_Event",
      "int32 a\nint32 b\n---\nint64 sum\n");
  const GstRosbagMsgType *t = gst_rosbag_msgdef_get_root (def);
  Cdr c;
  GBytes *b;
  gchar *json;
  guint i;

  fail_unless_equals_int (t->n_fields, 3);
  fail_unless_equals_string (t->fields[0].msg->name,
      "service_msgs/msg/ServiceEventInfo");
  fail_unless_equals_int (t->fields[1].array, GST_ROSBAG_ARRAY_BOUNDED);
  fail_unless_equals_int (t->fields[1].array_len, 1);
  fail_unless_equals_string (t->fields[1].msg->name, "pkg/srv/Add_Request");
  fail_unless_equals_string (t->fields[2].msg->name, "pkg/srv/Add_Response");
  fail_unless_equals_int (t->fields[2].msg->n_fields, 1);

  cdr_init (&c, FALSE);
  cdr_put (&c, 0, 1);           /* REQUEST_SENT */
  cdr_put (&c, 5, 4);
  cdr_put (&c, 6, 4);
  for (i = 0; i < 16; i++)
    cdr_put (&c, i, 1);
  cdr_put (&c, 42, 8);
  cdr_put (&c, 1, 4);           /* one request */
  cdr_put (&c, 2, 4);
  cdr_put (&c, 3, 4);
  cdr_put (&c, 0, 4);           /* no response */
  b = cdr_finish (&c);
  json = to_json (def, b, 0);
  fail_unless_equals_string (json, "{\"info\":{\"event_type\":0,"
      "\"stamp\":5000000006,\"client_gid\":\"AAECAwQFBgcICQoLDA0ODw==\","
      "\"sequence_number\":42},\"request\":[{\"a\":2,\"b\":3}],"
      "\"response\":[]}");
  g_free (json);
  g_bytes_unref (b);
  gst_rosbag_msgdef_unref (def);

  /* a "---" anywhere else stays an error */
  fail_if (gst_rosbag_msgdef_parse_schema ("pkg/msg/Add", "ros2msg", NULL,
          "int32 a\n---\nint64 sum\n", -1, NULL));
}

GST_END_TEST;

/* empty structs and T[0] are work without bytes: a fixed layout of too many
 * is refused by the parser, arrays of them by the decoder once the whole
 * message holds too many (ROS 1 bytes: an empty struct has none) */
GST_START_TEST (test_unbacked_work)
{
  GError *err = NULL;
  GstRosbagMsgDef *def;
  guint8 m[4 + 8 * 4];

  def = gst_rosbag_msgdef_parse_schema ("a/msg/B", "ros2msg", "ros1",
      "A[1000000] a\n" SEP "MSG: a/A\nEmpty[1000000] e\n" SEP
      "MSG: a/Empty\n", -1, &err);
  fail_unless (def == NULL);
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_CORRUPT), "%s", err->message);
  g_clear_error (&err);
  def = gst_rosbag_msgdef_parse_schema ("a/msg/B", "ros2msg", "ros1",
      "A[1000000] a\n" SEP "MSG: a/A\nuint8[0] x\nuint8[0] y\n", -1, &err);
  fail_unless (def == NULL);
  g_clear_error (&err);

  /* each of the 8 elements is one byte and a million empty structs */
  def = gst_rosbag_msgdef_parse_schema ("a/msg/B", "ros2msg", "ros1",
      "A[] a\n" SEP "MSG: a/A\nuint8 x\nEmpty[1000000] e\n" SEP
      "MSG: a/Empty\n", -1, &err);
  fail_unless (def != NULL, "%s", err ? err->message : "?");
  memset (m, 1, sizeof (m));
  m[0] = 8;
  m[1] = m[2] = m[3] = 0;
  fail_if (gst_rosbag_msgdef_decode (def, m, 4 + 8, NULL, NULL, NULL, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_CORRUPT), "%s", err->message);
  g_clear_error (&err);
  /* one is fine */
  m[0] = 1;
  fail_unless (gst_rosbag_msgdef_decode (def, m, 4 + 1, NULL, NULL, NULL,
          &err));
  gst_rosbag_msgdef_unref (def);

  /* also summed over several arrays */
  def = gst_rosbag_msgdef_parse_schema ("a/msg/B", "ros2msg", "ros1",
      "E[] a\nE[] b\n" SEP "MSG: a/E\n", -1, &err);
  fail_unless (def != NULL, "%s", err ? err->message : "?");
  memset (m, 0, sizeof (m));
  m[2] = 0x0c;                  /* 786432 */
  fail_unless (gst_rosbag_msgdef_decode (def, m, 8, NULL, NULL, NULL, &err));
  /* twice */
  m[6] = 0x0c;
  fail_if (gst_rosbag_msgdef_decode (def, m, 8, NULL, NULL, NULL, &err));
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_CORRUPT), "%s", err->message);
  g_clear_error (&err);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* a path asked twice, a path naming a message field, fields of the same
 * name: the first one, for read_fields() and read_header_stamp() alike */
GST_START_TEST (test_read_fields_paths)
{
  GstRosbagMsgDef *def = parse2 ("a/msg/B",
      "std_msgs/Header header\nstd_msgs/Header header\nuint8 x\n"
      SEP "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\n"
      "builtin_interfaces/Time stamp\nstring frame_id\n");
  const gchar *paths[] = { "x", "header", "x", "header.stamp", NULL };
  GstRosbagFieldValue v[4];
  GError *err = NULL;
  guint64 ns = 0;
  Cdr c;
  GBytes *b;
  gsize size;
  const guint8 *data;
  guint i;

  cdr_init (&c, FALSE);
  for (i = 0; i < 2; i++) {
    cdr_put (&c, 1 + 4 * i, 4);
    cdr_put (&c, 2 + 4 * i, 4);
    cdr_put (&c, 3 + 4 * i, 4);
    cdr_put (&c, 4 + 4 * i, 4);
    cdr_str (&c, "f");
  }
  cdr_put (&c, 9, 1);
  b = cdr_finish (&c);
  data = g_bytes_get_data (b, &size);
  fail_unless (gst_rosbag_msgdef_read_fields (def, data, size, paths, v, &err));
  fail_unless (v[0].found && v[2].found);
  fail_unless_equals_int (v[0].value.u, 9);
  fail_unless_equals_int (v[2].value.u, 9);
  fail_unless (v[1].found);
  fail_unless (v[1].field == &gst_rosbag_msgdef_get_root (def)->fields[0]);
  fail_unless (v[3].found);
  fail_unless_equals_int (v[3].value.secs, 1);
  fail_unless_equals_int (v[3].value.nsecs, 2);
  fail_unless (gst_rosbag_msgdef_read_header_stamp (def, data, size, &ns,
          &err));
  fail_unless_equals_uint64 (ns, G_GUINT64_CONSTANT (1000000002));
  g_bytes_unref (b);
  gst_rosbag_msgdef_unref (def);

  /* a Header after another field of its name is no header: "header.stamp"
   * would not name it */
  def = parse2 ("a/msg/B", "int32 header\nstd_msgs/Header header\n"
      SEP "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\n"
      "string frame_id\n");
  fail_if (gst_rosbag_msgdef_get_header_field (def));
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

static Suite *
rosbag_cdr_suite (void)
{
  Suite *s = suite_create ("rosbag_cdr");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ros2_grammar);
  tcase_add_test (tc, test_cdr_all_types);
  tcase_add_test (tc, test_cdr_alignment);
  tcase_add_test (tc, test_cdr_encapsulations);
  tcase_add_test (tc, test_cdr_bounds);
  tcase_add_test (tc, test_cdr_wstring);
  tcase_add_test (tc, test_ros2_time_formats);
  tcase_add_test (tc, test_read_fields);
  tcase_add_test (tc, test_service_event);
  tcase_add_test (tc, test_unbacked_work);
  tcase_add_test (tc, test_read_fields_paths);
  return s;
}

GST_CHECK_MAIN (rosbag_cdr);
