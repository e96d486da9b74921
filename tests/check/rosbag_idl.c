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


/* The IDL front end (gst/rosbag/rosbag-idl.c): the ros2idl text rosidl
 * generates and plain OMG IDL translated into the ros2msg delimited text,
 * every IDL schema of the real MCAP files in ../shared/mcap/real, the
 * errors and the limits. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-idl.h>

#define SEP \
    "========================================" \
    "========================================\n"

/* translates @idl, fails unless it gives @expect (and @root_name) */
static void
check_translation (const gchar * idl, const gchar * root,
    const gchar * expect, const gchar * expect_root)
{
  GError *err = NULL;
  gchar *name = NULL;
  gchar *msg = gst_rosbag_idl_to_msg (idl, strlen (idl), root, &name, &err);

  fail_unless (msg != NULL, "%s: %s", root, err ? err->message : "?");
  fail_unless_equals_string (msg, expect);
  if (expect_root)
    fail_unless_equals_string (name, expect_root);
  g_free (msg);
  g_free (name);
}

/* translates @idl, fails unless the error is @code and says @what */
static void
check_error (const gchar * idl, const gchar * root, gint code,
    const gchar * what)
{
  GError *err = NULL;
  gchar *name = (gchar *) "unset";
  gchar *msg = gst_rosbag_idl_to_msg (idl, strlen (idl), root, &name, &err);

  fail_unless (msg == NULL, "'%s' translated to '%s'", idl, msg);
  fail_unless (name == NULL);
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR, code),
      "'%s': error %d '%s', expected code %d", idl, err->code, err->message,
      code);
  fail_unless (strstr (err->message, what) != NULL,
      "'%s': '%s' does not say '%s'", idl, err->message, what);
  g_error_free (err);
}

/* ---------------------------------------------------------------- */
/* rosidl's output (rosidl_adapter msg.idl.em), written by hand */

static const gchar *TIME_IDL =
    "// generated from rosidl_adapter/resource/msg.idl.em\n"
    "// with input from builtin_interfaces/msg/Time.msg\n"
    "// generated code does not contain a copyright notice\n"
    "\n"
    "\n"
    "module builtin_interfaces {\n"
    "  module msg {\n"
    "    @verbatim (language=\"comment\", text=\n"
    "      \"This message communicates ROS Time defined here:\" \"\\n\"\n"
    "      \"https://design.ros2.org/articles/clock_and_time.html\")\n"
    "    struct Time {\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"The seconds component, valid over all int32 values.\")\n"
    "      int32 sec;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"The nanoseconds component, valid in the range [0, 10e9).\")\n"
    "      uint32 nanosec;\n" "    };\n" "  };\n" "};\n";

static const gchar *HEADER_IDL =
    "// generated from rosidl_adapter/resource/msg.idl.em\n"
    "// with input from std_msgs/msg/Header.msg\n"
    "// generated code does not contain a copyright notice\n"
    "\n"
    "#include \"builtin_interfaces/msg/Time.idl\"\n"
    "\n"
    "module std_msgs {\n"
    "  module msg {\n"
    "    @verbatim (language=\"comment\", text=\n"
    "      \"Standard metadata for higher-level stamped data types.\" \"\\n\"\n"
    "      \"This is generally used to communicate timestamped data \"\n"
    "      \"\\n\"\n"
    "      \"in a particular coordinate frame.\")\n"
    "    struct Header {\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Two-integer timestamp that is expressed as seconds and "
    "nanoseconds.\")\n"
    "      builtin_interfaces::msg::Time stamp;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Transform frame with which this data is associated.\")\n"
    "      string frame_id;\n" "    };\n" "  };\n" "};\n";

static const gchar *IMAGE_IDL =
    "// generated from rosidl_adapter/resource/msg.idl.em\n"
    "// with input from sensor_msgs/msg/Image.msg\n"
    "// generated code does not contain a copyright notice\n"
    "\n"
    "#include \"std_msgs/msg/Header.idl\"\n"
    "\n"
    "module sensor_msgs {\n"
    "  module msg {\n"
    "    @verbatim (language=\"comment\", text=\n"
    "      \"This message contains an uncompressed image\" \"\\n\"\n"
    "      \"(0, 0) is at top-left corner of image\")\n"
    "    struct Image {\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Header timestamp should be acquisition time of image\")\n"
    "      std_msgs::msg::Header header;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"image height, that is, number of rows\")\n"
    "      uint32 height;\n"
    "\n"
    "      uint32 width;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Encoding of pixels -- channel meaning, ordering, size\"\n"
    "        \"\\n\"\n"
    "        \"taken from the list of strings in include/sensor_msgs/image_"
    "encodings.hpp\")\n"
    "      string encoding;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"is this data bigendian?\")\n"
    "      uint8 is_bigendian;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Full row length in bytes\")\n"
    "      @unit (value=\"bytes\")\n"
    "      uint32 step;\n"
    "\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"actual matrix data, size is (step * rows)\")\n"
    "      sequence<uint8> data;\n" "    };\n" "  };\n" "};\n";

static const gchar *TIME_MSG = "int32 sec\nuint32 nanosec\n";
static const gchar *HEADER_MSG =
    "builtin_interfaces/msg/Time stamp\nstring frame_id\n";
static const gchar *IMAGE_MSG =
    "std_msgs/msg/Header header\n" "uint32 height\n" "uint32 width\n"
    "string encoding\n" "uint8 is_bigendian\n" "uint32 step\n" "uint8[] data\n";

/* the ros2idl schema rosbag2 writes: every file after "====" and
 * "IDL: pkg/msg/Type", the root first */
static gchar *
ros2idl_schema (const gchar * first_name, const gchar * first, ...)
{
  GString *s = g_string_new (NULL);
  const gchar *name = first_name, *text = first;
  va_list args;

  va_start (args, first);
  while (name) {
    g_string_append_printf (s, SEP "IDL: %s\n%s", name, text);
    name = va_arg (args, const gchar *);
    if (name)
      text = va_arg (args, const gchar *);
  }
  va_end (args);
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_rosidl_types)
{
  gchar *schema, *expect;

  check_translation (TIME_IDL, "builtin_interfaces/msg/Time", TIME_MSG,
      "builtin_interfaces/msg/Time");

  /* the root's section comes first and refers to a later one */
  schema = ros2idl_schema ("std_msgs/msg/Header", HEADER_IDL,
      "builtin_interfaces/msg/Time", TIME_IDL, NULL);
  expect = g_strconcat (HEADER_MSG, SEP, "MSG: builtin_interfaces/msg/Time\n",
      TIME_MSG, NULL);
  check_translation (schema, "std_msgs/msg/Header", expect,
      "std_msgs/msg/Header");
  /* every spelling of the root */
  check_translation (schema, "std_msgs::msg::Header", expect,
      "std_msgs/msg/Header");
  check_translation (schema, "std_msgs/Header", expect, "std_msgs/msg/Header");
  g_free (expect);
  /* another root in the same text */
  check_translation (schema, "builtin_interfaces/msg/Time", TIME_MSG, NULL);
  g_free (schema);

  /* CRLF line ends */
  {
    gchar **lines = g_strsplit (TIME_IDL, "\n", -1);
    gchar *crlf = g_strjoinv ("\r\n", lines);

    schema = ros2idl_schema ("builtin_interfaces/msg/Time", crlf, NULL);
    check_translation (schema, "builtin_interfaces/msg/Time", TIME_MSG, NULL);
    g_free (schema);
    g_free (crlf);
    g_strfreev (lines);
  }

  /* the sections in another order, a type repeated */
  schema = ros2idl_schema ("sensor_msgs/msg/Image", IMAGE_IDL,
      "builtin_interfaces/msg/Time", TIME_IDL,
      "std_msgs/msg/Header", HEADER_IDL,
      "builtin_interfaces/msg/Time", TIME_IDL, NULL);
  expect = g_strconcat (IMAGE_MSG, SEP, "MSG: std_msgs/msg/Header\n",
      HEADER_MSG, SEP, "MSG: builtin_interfaces/msg/Time\n", TIME_MSG, NULL);
  check_translation (schema, "sensor_msgs/msg/Image", expect,
      "sensor_msgs/msg/Image");
  g_free (expect);
  g_free (schema);
}

GST_END_TEST;

/* constants module, bounded string, bounded sequence, typedef'd arrays
 * (rosidl writes `typedef double double__9[9];` for float64[9]), an empty
 * struct, default values */
static const gchar *CONSTANTS_IDL =
    "// generated from rosidl_adapter/resource/msg.idl.em\n"
    "// with input from test_msgs/msg/Gadget.msg\n"
    "\n"
    "#include \"test_msgs/msg/Empty.idl\"\n"
    "\n"
    "module test_msgs {\n"
    "  module msg {\n"
    "    typedef double double__9[9];\n"
    "    typedef test_msgs::msg::Empty test_msgs__msg__Empty__2[2];\n"
    "    typedef string<5> string__3[3];\n"
    "    module Gadget_Constants {\n"
    "      @verbatim (language=\"comment\", text=\n"
    "        \"Unable to fix position.\")\n"
    "      const int8 STATUS_NO_FIX = -1;\n"
    "      const uint8 STATUS_FIX = 0;\n"
    "      const uint16 SERVICE_GALILEO = 8;\n"
    "      const int64 BIG = -9223372036854775808;\n"
    "      const uint64 UBIG = 0xffffffffffffffff;\n"
    "      const double PI = 3.14159;\n"
    "      const float NEG = -2.5e-3;\n"
    "      const boolean YES = TRUE;\n"
    "      const boolean NO = FALSE;\n"
    "      const string GREETING = \"hello \\\"world\\\"\\t#1\";\n"
    "      const string<10> JOINED = \"ab\" \"cd\";\n"
    "      const char LETTER = 'A';\n"
    "      const octet BYTE = 0377;\n"
    "    };\n"
    "    @verbatim (language=\"comment\", text=\n"
    "      \"A made-up type with every rosidl construct\")\n"
    "    struct Gadget {\n"
    "      int8 status;\n"
    "\n"
    "      @default (value=7)\n"
    "      uint16 service;\n"
    "\n"
    "      @default (value=\"hi (there)\")\n"
    "      string<10> label;\n"
    "\n"
    "      wstring<4> wide;\n"
    "\n"
    "      sequence<int32, 5> few;\n"
    "\n"
    "      sequence<string<3>, 2> names;\n"
    "\n"
    "      sequence<test_msgs::msg::Empty> empties;\n"
    "\n"
    "      double__9 covariance;\n"
    "\n"
    "      test_msgs__msg__Empty__2 two_empties;\n"
    "\n"
    "      string__3 short_strings;\n"
    "\n"
    "      boolean flag;\n"
    "\n"
    "      octet raw;\n"
    "\n"
    "      char c;\n"
    "\n"
    "      float f;\n" "\n" "      int64 big;\n" "    };\n" "  };\n" "};\n";

static const gchar *EMPTY_IDL =
    "// generated from rosidl_adapter/resource/msg.idl.em\n"
    "// with input from test_msgs/msg/Empty.msg\n"
    "\n"
    "module test_msgs {\n"
    "  module msg {\n" "    struct Empty {\n" "    };\n" "  };\n" "};\n";

static const gchar *GADGET_MSG =
    "int8 STATUS_NO_FIX=-1\n"
    "uint8 STATUS_FIX=0\n"
    "uint16 SERVICE_GALILEO=8\n"
    "int64 BIG=-9223372036854775808\n"
    "uint64 UBIG=18446744073709551615\n"
    "float64 PI=3.14159\n"
    "float32 NEG=-2.5e-3\n"
    "bool YES=true\n"
    "bool NO=false\n"
    "string GREETING=hello \"world\"\t#1\n"
    "string<=10 JOINED=abcd\n"
    "char LETTER=65\n"
    "byte BYTE=255\n"
    "int8 status\n"
    "uint16 service\n"
    "string<=10 label\n"
    "wstring<=4 wide\n"
    "int32[<=5] few\n"
    "string<=3[<=2] names\n"
    "test_msgs/msg/Empty[] empties\n"
    "float64[9] covariance\n"
    "test_msgs/msg/Empty[2] two_empties\n"
    "string<=5[3] short_strings\n"
    "bool flag\n" "byte raw\n" "char c\n" "float32 f\n" "int64 big\n"
    SEP "MSG: test_msgs/msg/Empty\n";

GST_START_TEST (test_rosidl_constructs)
{
  gchar *schema = ros2idl_schema ("test_msgs/msg/Gadget", CONSTANTS_IDL,
      "test_msgs/msg/Empty", EMPTY_IDL, NULL);

  check_translation (schema, "test_msgs/msg/Gadget", GADGET_MSG, NULL);
  g_free (schema);

  /* an empty struct alone: an empty text */
  check_translation (EMPTY_IDL, "test_msgs/msg/Empty", "",
      "test_msgs/msg/Empty");

  /* module-level constants outside a _Constants module belong to nothing;
   * a _Constants module whose struct does not exist is harmless */
  check_translation ("module p { const long N = 3; module X_Constants { "
      "const long M = 1; }; struct T { long a; }; };", "p/T", "int32 a\n",
      NULL);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* plain OMG IDL */

GST_START_TEST (test_omgidl)
{
  /* nested modules, relative and scoped names resolved innermost first,
   * several declarators, multi-dimensional arrays, typedef chains, enums,
   * forward declarations, IDL spellings of the integer types */
  check_translation ("#ifndef GEO_IDL\n"
      "#define GEO_IDL\n"
      "#pragma once\n"
      "module geo {\n"
      "  struct Point;\n"
      "  typedef Point Corner;\n"
      "  typedef Corner Quad[4];\n"
      "  enum Kind { @value(1) SQUARE, ROUND };\n"
      "  typedef sequence<long, 8> Ints;\n"
      "  module inner {\n"
      "    struct Point { double x, y; };\n"
      "    @final struct Box {\n"
      "      Point p;                  // geo::inner::Point: innermost\n"
      "      ::geo::Point q;           /* absolute */\n"
      "      geo::Point r;\n"
      "      Quad corners;\n"
      "      Quad pair[2];\n"
      "      Kind kind;\n"
      "      Ints ints;\n"
      "      long m[2][3], n;\n"
      "      unsigned short us; unsigned long ul; unsigned long long ull;\n"
      "      short s; long long ll; @key long id;\n"
      "      @range (min=0, max=10) @unit(\"m\") float f;\n"
      "    };\n"
      "  };\n"
      "  @appendable\n"
      "  struct Point { float x; float y; };\n"
      "};\n"
      "#endif\n",
      "geo::inner::Box",
      "geo/inner/Point p\n"
      "geo/Point q\n"
      "geo/Point r\n"
      "geo/Point[4] corners\n"
      "# pair: a multi-dimensional IDL array, flattened to 8 elements "
      "(row-major)\n"
      "geo/Point[8] pair\n"
      "uint32 kind\n"
      "int32[<=8] ints\n"
      "# m: a multi-dimensional IDL array, flattened to 6 elements "
      "(row-major)\n"
      "int32[6] m\n"
      "int32 n\n"
      "uint16 us\n" "uint32 ul\n" "uint64 ull\n"
      "int16 s\n" "int64 ll\n" "int32 id\n" "float32 f\n"
      SEP "MSG: geo/inner/Point\n" "float64 x\n" "float64 y\n"
      SEP "MSG: geo/Point\n" "float32 x\n" "float32 y\n", "geo/inner/Box");

  /* foxglove's style: a type of a later file, an enum */
  check_translation ("#include \"foxglove/Time.idl\"\n"
      "module foxglove {\n"
      "// A single frame of a compressed video bitstream\n"
      "struct CompressedVideo {\n"
      "  Time timestamp;\n" "  string frame_id;\n" "  sequence<uint8> data;\n"
      "  LineType type;\n" "};\n" "};\n"
      "module foxglove {\n"
      "enum LineType { @value(0) LINE_STRIP, @value(1) LINE_LOOP };\n"
      "struct Time { uint32 sec; uint32 nsec; };\n" "};\n",
      "foxglove::CompressedVideo",
      "foxglove/Time timestamp\n" "string frame_id\n" "uint8[] data\n"
      "uint32 type\n"
      SEP "MSG: foxglove/Time\n" "uint32 sec\n" "uint32 nsec\n",
      "foxglove/CompressedVideo");

  /* IDL keywords as member names (ROS fields "port", "context") */
  check_translation ("struct A { long port; string context, in; };", "A",
      "int32 port\nstring context\nstring in\n", NULL);

  /* the foxglove schema style: a root without a module, recursion */
  check_translation ("struct Node { string name; sequence<Node> children; };",
      "Node", "string name\nNode[] children\n", "Node");

  /* DDS Record & Replay's style (@extensibility) */
  check_translation ("@extensibility(APPENDABLE)\n"
      "struct Configuration\n"
      "{\n"
      "    unsigned long index;\n"
      "    char message[20];\n"
      "    sequence<octet> data;\n"
      "};\n",
      "Configuration", "uint32 index\nchar[20] message\nbyte[] data\n",
      "Configuration");
  check_translation ("@extensibility(FINAL) struct A { boolean b; };",
      "A", "bool b\n", NULL);

  /* a root found by its short name alone */
  check_translation ("module foxglove { struct CompressedVideo { "
      "string format; sequence<uint8> data; }; };",
      "foxglove::CompressedVideo", "string format\nuint8[] data\n",
      "foxglove/CompressedVideo");
  check_translation ("module a { module b { struct Only { int8 x; }; }; };",
      "Only", "int8 x\n", "a/b/Only");

  /* the text need not be NUL-terminated */
  {
    const gchar *t = "struct A { int8 x; };garbage";
    GError *err = NULL;
    gchar *msg = gst_rosbag_idl_to_msg (t, 21, "A", NULL, &err);

    fail_unless (msg != NULL, "%s", err ? err->message : "?");
    fail_unless_equals_string (msg, "int8 x\n");
    g_free (msg);
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* errors */

typedef struct
{
  const gchar *idl;
  const gchar *root;
  gint code;
  const gchar *what;
} BadIdl;

#define U GST_ROSBAG_ERROR_UNSUPPORTED
#define C GST_ROSBAG_ERROR_CORRUPT

static const BadIdl bad_idls[] = {
  /* constructs with no msg equivalent */
  {"union U switch (long) { case 1: long a; };", "U", U, "line 1: union"},
  {"module m {\nstruct A {\n  any x;\n};\n};", "m/A", U, "line 3: type 'any'"},
  {"struct A {\n long double x; };", "A", U, "line 2: long double"},
  {"struct A { wchar c; };", "A", U, "wchar"},
  {"struct A { fixed<5,2> c; };", "A", U, "type 'fixed'"},
  {"struct A { long x; };\nconst double F = 1.5d;", "A", U, "fixed-point"},
  {"bitset B { bitfield<3> a; };", "B", U, "bitset"},
  {"bitmask M { A, B };", "M", U, "bitmask"},
  {"struct A { map<long, long> m; };", "A", U, "type 'map'"},
  {"struct B { long b; };\nstruct A : B { long a; };", "A", U,
      "line 2: struct inheritance"},
  {"interface I { void f (); };", "I", U, "interface"},
  {"struct A { struct B { long x; } b; };", "A", U, "type 'struct' declared"},
  {"@annotation MyAnn { long x; };", "A", U, "annotation declaration"},
  /* the wire format changes */
  {"@mutable struct A { long x; };", "A", U, "line 1: struct A: @mutable"},
  {"\n@extensibility(MUTABLE)\nstruct A { long x; };", "A", U,
      "line 2: struct A: @mutable"},
  {"struct A {\n  @optional long x; };", "A", U, "line 2: member x of A: "
        "@optional"},
  {"@bit_bound(8) enum E { X, Y };\nstruct A { E e; };", "A", U,
      "@bit_bound(8)"},
  /* no msg spelling */
  {"struct A {\n sequence<sequence<long> > x; };", "A", U,
      "line 2: member x: sequence of sequences"},
  {"typedef sequence<long> L;\nstruct A { sequence<L> x; };", "A", U,
      "member x: sequence of sequences"},
  {"typedef long L[3];\nstruct A { sequence<L> x; };", "A", U,
      "member x: sequence of arrays"},
  {"typedef sequence<long> L;\nstruct A { L x[2]; };", "A", U,
      "member x: array of sequences"},
  {"struct A { sequence<long> x[2]; };", "A", U, "array of sequences"},
  {"typedef A B; typedef B A; struct S { A x; };", "S", U, "typedef cycle"},
  {"struct A { string<N> s; };", "A", U, "string bound given by the name"},
  {"struct A { long a[N]; };", "A", U, "array size given by the name"},
  {"struct A { long a[4294967295][2]; };", "A", U, "larger than"},
  {"module m { const long X = 1 + 2; };", "A", U,
      "constant expression (operator '+')"},
  {"module m { const long X = 1 << 2; };", "A", U, "constant expression"},
  {"module m { const uint8 X = 256; };", "A", U, "out of range"},
  {"module m { const int8 X = -129; };", "A", U, "out of range"},
  {"module m { const string X = \"a\\nb\"; };", "A", U, "line break"},
  {"module m { typedef long T; const T X = 1; };", "A", U,
      "constant of type T"},
  /* syntax errors: the line and what was expected */
  {"struct A {\n  long x\n};", "A", C, "line 3: expected ';' or ',' after a "
        "member, got '}'"},
  {"module m {\n  struct A { long x; };\n", "m/A", C,
      "module m is not closed"},
  {"module m {\n  struct A { long x; }\n};", "m/A", C,
      "line 3: expected ';' after the struct, got '}'"},
  {"struct A { long x; };\n};", "A", C, "line 2: '}' without an open module"},
  {"struct A { long x; }", "A", C, "line 1: expected ';' after the struct, "
        "got end of input"},
  {"struct { long x; };", "A", C, "expected a struct name"},
  {"struct A { long 5x; };", "A", C, "bad number"},
  {"struct A { long x; };\n\n/* never closed", "A", C,
      "line 3: unterminated comment"},
  {"struct A { string<0> s; };", "A", U, "string bound"},
  {"struct A { long x[0]; };", "A", U, "array size"},
  {"module m { const string S = \"open; };", "A", C,
      "unterminated string literal"},
  {"module m { const string S = \"\\q\"; };", "A", C, "unknown escape"},
  {"struct A { long x; };\n\x01", "A", C, "line 2: unexpected byte 0x01"},
  {"struct A { long x; };\n$", "A", C, "line 2: unexpected character '$'"},
  {"foo bar;", "A", C, "expected a definition"},
  {"struct A { unsigned char c; };", "A", C, "after 'unsigned'"},
  {"struct A { sequence<long x; };", "A", C, "'>' or ','"},
  {"@ 5 struct A { long x; };", "A", C, "annotation name"},
  {"@foo(1, (2) struct A { long x; };", "A", C, "unterminated arguments"},
  {"enum E { };", "E", C, "expected an enumerator"},
  /* resolution */
  {"struct A { B b; };", "A", C, "line 1: member b: unknown type B"},
  {"module m { struct B { long x; }; };\nmodule n { struct A { B b; }; };",
      "n/A", C, "line 2: member b: unknown type B"},
  {"struct B;\nstruct A { B b; };", "A", C, "struct B is declared but never "
        "defined"},
  {"struct A { long x; };", "p/msg/Missing", C, "no struct p/msg/Missing"},
  {"module a { struct X { long x; }; }; module b { struct X { long x; }; };",
      "c/X", C, "no struct c/X"},
  {"struct A { long x; };", "", C, "no root type"},
  {"", "A", C, "no struct A"},
};

GST_START_TEST (test_errors)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_idls); i++)
    check_error (bad_idls[i].idl, bad_idls[i].root, bad_idls[i].code,
        bad_idls[i].what);

  /* an unused struct may use what we do not translate */
  check_translation ("@mutable struct M { long x; };\n"
      "struct U { sequence<sequence<long> > s; @optional long o; };\n"
      "struct A { long x; };", "A", "int32 x\n", NULL);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* limits and robustness */

GST_START_TEST (test_limits)
{
  GString *s = g_string_new (NULL);
  guint i;

  /* hostile nesting */
  for (i = 0; i < 10000; i++)
    g_string_append (s, "module a {\n");
  check_error (s->str, "a/A", U, "line 65: modules nested deeper than 64");
  g_string_truncate (s, 0);
  for (i = 0; i < 10000; i++)
    g_string_append (s, "@a((((((((((");
  check_error (s->str, "A", C, "unterminated arguments");
  g_string_truncate (s, 0);
  g_string_append (s, "struct A { sequence<");
  for (i = 0; i < 10000; i++)
    g_string_append (s, "sequence<");
  check_error (s->str, "A", C, "unterminated sequence");

  /* 64 modules are fine */
  g_string_truncate (s, 0);
  for (i = 0; i < 64; i++)
    g_string_append (s, "module a {\n");
  g_string_append (s, "struct A { long x; };\n");
  for (i = 0; i < 64; i++)
    g_string_append (s, "};\n");
  check_translation (s->str, "A", "int32 x\n", NULL);

  /* too many structs */
  g_string_truncate (s, 0);
  for (i = 0; i <= GST_ROSBAG_IDL_MAX_STRUCTS; i++)
    g_string_append_printf (s, "struct S%u { long x; };\n", i);
  check_error (s->str, "S0", U, "more than 10000 structs");

  /* a long identifier */
  g_string_truncate (s, 0);
  g_string_append (s, "struct ");
  for (i = 0; i < 300; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, " { long x; };");
  check_error (s->str, "A", U, "identifier longer than 255");

  /* a chain of typedefs */
  g_string_truncate (s, 0);
  g_string_append (s, "typedef long T0;\n");
  for (i = 1; i < 100; i++)
    g_string_append_printf (s, "typedef T%u T%u;\n", i - 1, i);
  g_string_append (s, "struct A { T99 x; };");
  check_error (s->str, "A", U, "typedefs nested deeper than 64");
  g_string_free (s, TRUE);
}

GST_END_TEST;

/* every prefix (and every one-byte change) of valid IDL: no crash, no
 * leak, an error or a text */
GST_START_TEST (test_prefixes)
{
  gchar *schema = ros2idl_schema ("test_msgs/msg/Gadget", CONSTANTS_IDL,
      "test_msgs/msg/Empty", EMPTY_IDL, NULL);
  gsize n = strlen (schema), i;
  guint ok = 0;

  for (i = 0; i <= n; i++) {
    GError *err = NULL;
    gchar *copy = g_memdup2 (schema, i);
    gchar *msg = gst_rosbag_idl_to_msg (copy, i, "test_msgs/msg/Gadget", NULL,
        &err);

    fail_unless ((msg == NULL) != (err == NULL));
    if (msg)
      ok++;
    g_free (msg);
    g_clear_error (&err);
    g_free (copy);
  }
  /* the full text, and the text without its last bytes (white space) */
  fail_unless (ok >= 1);
  for (i = 0; i < n; i += 7) {
    GError *err = NULL;
    gchar *copy = g_strdup (schema);
    gchar *msg;

    copy[i] = (gchar) (copy[i] ^ 0x5a);
    msg = gst_rosbag_idl_to_msg (copy, n, "test_msgs/msg/Gadget", NULL, &err);
    fail_unless ((msg == NULL) != (err == NULL));
    g_free (msg);
    g_clear_error (&err);
    g_free (copy);
  }
  g_free (schema);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* the IDL schemas of the real MCAP files */

static void
collect_mcaps (const gchar * dir, GPtrArray * out, guint depth)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *n;

  if (d == NULL || depth > 4) {
    if (d)
      g_dir_close (d);
    return;
  }
  while ((n = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, n, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      collect_mcaps (path, out, depth + 1);
    else if (g_str_has_suffix (n, ".mcap"))
      g_ptr_array_add (out, g_strdup (path));
    g_free (path);
  }
  g_dir_close (d);
}

GST_START_TEST (test_real_schemas)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  guint i, j, n_idl = 0, n_ok = 0;
  gboolean saw_configuration = FALSE;

  if (!g_file_test (TEST_MCAP_DIR "/real", G_FILE_TEST_IS_DIR)) {
    g_print ("skipped: no %s\n", TEST_MCAP_DIR "/real");
    g_ptr_array_unref (files);
    return;
  }
  collect_mcaps (TEST_MCAP_DIR "/real", files, 0);
  for (i = 0; i < files->len; i++) {
    const gchar *path = g_ptr_array_index (files, i);
    GError *err = NULL;
    GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);

    if (rec == NULL) {
      g_print ("%s: %s\n", path, err->message);
      g_clear_error (&err);
      continue;
    }
    for (j = 0; j < gst_rosbag_recording_get_n_topics (rec); j++) {
      const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, j);
      const gchar *enc = gst_rosbag_topic_get_schema_encoding (t);
      const gchar *type = gst_rosbag_topic_get_type (t);
      const guint8 *def;
      gsize size = 0;
      gchar *msg, *name = NULL;

      if (enc == NULL || (strcmp (enc, "ros2idl") != 0 &&
              strcmp (enc, "omgidl") != 0))
        continue;
      def = gst_rosbag_topic_get_definition (t, &size);
      n_idl++;
      msg = gst_rosbag_idl_to_msg ((const gchar *) def, size, type, &name,
          &err);
      if (msg == NULL) {
        /* only for a construct we name */
        fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
                GST_ROSBAG_ERROR_UNSUPPORTED), "%s %s: %s", path, type,
            err->message);
        g_print ("%s %s (%s): %s\n", path, type, enc, err->message);
        g_clear_error (&err);
        continue;
      }
      n_ok++;
      if (strcmp (type, "Configuration") == 0) {
        fail_unless_equals_string (msg,
            "uint32 index\nchar[20] message\nbyte[] data\n");
        saw_configuration = TRUE;
      } else if (strcmp (type, "DdsRecorderStatus") == 0) {
        fail_unless_equals_string (msg,
            "string previous\nstring current\nstring info\n");
      }
      fail_unless_equals_string (name, type);
      g_free (name);
      g_free (msg);
    }
    gst_rosbag_recording_unref (rec);
  }
  g_print ("%u IDL schemas in %u MCAP files, %u translated\n", n_idl,
      files->len, n_ok);
  fail_unless (files->len > 0);
  /* DDS Record & Replay's type/configuration_type.mcap: DdsRecorderStatus
   * and Configuration (its DdsRecorderCommand schema has no channel) */
  fail_unless (n_idl >= 2 && saw_configuration);
  g_ptr_array_unref (files);
}

GST_END_TEST;

static Suite *
rosbag_idl_suite (void)
{
  Suite *s = suite_create ("rosbag_idl");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_rosidl_types);
  tcase_add_test (tc, test_rosidl_constructs);
  tcase_add_test (tc, test_omgidl);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_limits);
  tcase_add_test (tc, test_prefixes);
  tcase_add_test (tc, test_real_schemas);
  return s;
}

GST_CHECK_MAIN (rosbag_idl);
