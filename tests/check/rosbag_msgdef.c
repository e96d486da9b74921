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

/* The message definition parser, the decoder and the JSON / CSV writers
 * of the format library, checked against genpy (python3-rosbag) through
 * tests/files/rosmsg-ref.py on the fixture bags and ../shared/realbags. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <math.h>
#include <float.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

#define REF TEST_FILES_DIR "/rosmsg-ref.py"
#define TYPES_BAG TEST_FILES_DIR "/rosmsg-types.bag"

/* ---------------------------------------------------------------- */
/* helpers */

/* runs rosmsg-ref.py; returns the exit status (-1 if it did not exit) */
static gint
run_ref (const gchar * const *args, gchar ** out_text)
{
  GPtrArray *argv = g_ptr_array_new ();
  gchar *out = NULL, *err = NULL;
  gint status = 0, code = -1;
  GError *error = NULL;
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) TEST_PYTHON);
  g_ptr_array_add (argv, (gpointer) REF);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT,
      NULL, NULL, &out, &err, &status, &error);
  g_ptr_array_free (argv, TRUE);
  fail_unless (ok, "cannot run %s: %s", REF, error ? error->message : "?");
  if (WIFEXITED (status))
    code = WEXITSTATUS (status);
  if (code != 0)
    g_print ("rosmsg-ref.py exit %d:\n%s%s", code, out, err);
  g_free (err);
  if (out_text)
    *out_text = out;
  else
    g_free (out);
  return code;
}

static GPtrArray *
list_bags (const gchar * dir)
{
  GPtrArray *res = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (d == NULL)
    return res;
  while ((name = g_dir_read_name (d))) {
    if (g_str_has_suffix (name, ".bag") || g_str_has_suffix (name, ".active"))
      g_ptr_array_add (res, g_build_filename (dir, name, NULL));
  }
  g_dir_close (d);
  return res;
}

static gint
cmp_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

typedef struct
{
  guint messages;
  guint parse_errors;
  guint decode_errors;
  guint types;
  gboolean unindexed;
} ConvertStats;

/* Converts a whole bag (or one @topic) with our reader + writers into
 * @path. @csv: one topic only, header row first. */
static gboolean
convert_bag (const gchar * bag_path, const gchar * topic, gboolean csv,
    GstRosbagMsgDefFlags flags, const gchar * path, ConvertStats * st)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (bag_path, &err);
  GstRosbagReader *r;
  GHashTable *defs;
  GString *out;
  GstRosbagMessage m;
  GstRosbagReadResult res;
  gboolean header_done = FALSE;

  memset (st, 0, sizeof (*st));
  if (bag == NULL) {
    GST_INFO ("%s: %s", bag_path, err->message);
    g_clear_error (&err);
    return FALSE;
  }
  st->unindexed = !gst_rosbag_bag_is_indexed (bag);
  r = gst_rosbag_reader_new_for_bag (bag);
  if (topic) {
    const gchar *t[] = { topic, NULL };
    gst_rosbag_reader_set_topics (r, t);
  }
  defs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) gst_rosbag_msgdef_unref);
  out = g_string_new (NULL);
  while ((res = gst_rosbag_reader_next (r, &m, &err)) != GST_ROSBAG_READ_EOS) {
    GstRosbagMsgDef *def;
    gchar *key;
    gboolean ok;

    if (res == GST_ROSBAG_READ_ERROR) {
      g_clear_error (&err);
      continue;
    }
    key =
        g_strdup_printf ("%s\n%s", gst_rosbag_reader_lookup_connection (r,
            &m)->type, gst_rosbag_reader_lookup_connection (r, &m)->definition);
    def = g_hash_table_lookup (defs, key);
    if (def == NULL) {
      def =
          gst_rosbag_msgdef_parse (gst_rosbag_reader_lookup_connection (r,
              &m)->type, gst_rosbag_reader_lookup_connection (r,
              &m)->definition, &err);
      if (def == NULL) {
        g_print ("%s: %s: %s\n", bag_path,
            gst_rosbag_reader_lookup_connection (r, &m)->topic, err->message);
        g_clear_error (&err);
        st->parse_errors++;
        g_free (key);
        continue;
      }
      g_hash_table_insert (defs, key, def);
      st->types++;
    } else {
      g_free (key);
    }
    if (csv && !header_done) {
      gst_rosbag_msgdef_write_csv_header (def, flags, out);
      header_done = TRUE;
    }
    st->messages++;
    if (csv)
      ok = gst_rosbag_msgdef_write_csv_row (def, m.time_ns, m.data, m.size,
          flags, out, &err);
    else
      ok = gst_rosbag_msgdef_write_json_line (def,
          gst_rosbag_reader_lookup_connection (r, &m)->topic_info->name,
          m.time_ns, m.data, m.size, flags, out, &err);
    if (!ok) {
      g_print ("%s: %s: %s\n", bag_path, gst_rosbag_reader_lookup_connection (r,
              &m)->topic, err->message);
      g_clear_error (&err);
      st->decode_errors++;
    }
  }
  fail_unless (g_file_set_contents (path, out->str, out->len, NULL));
  g_string_free (out, TRUE);
  g_hash_table_unref (defs);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  return TRUE;
}

static gchar *
tmp_path (const gchar * name)
{
  return g_build_filename (TEST_BUILD_DIR, name, NULL);
}

/* JSON (and CSV per topic) of one bag against genpy; returns FALSE when
 * python3-rosbag or we cannot read the bag at all */
static gboolean
check_bag_vs_genpy (const gchar * bag, gboolean secs_nsecs, gboolean csv)
{
  gchar *path = tmp_path ("rosbag_msgdef.jsonl");
  ConvertStats st;
  gint code;
  const gchar *args[] = { "compare", bag, path, "--time-format",
    secs_nsecs ? "secs-nsecs" : "ns", NULL, NULL
  };
  GstRosbagMsgDefFlags flags = secs_nsecs ?
      GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS : GST_ROSBAG_MSGDEF_FLAGS_NONE;

  if (!convert_bag (bag, NULL, FALSE, flags, path, &st)) {
    g_print ("  %s: we cannot open it (not a bag); skipped\n", bag);
    g_free (path);
    return FALSE;
  }
  fail_unless_equals_int (st.parse_errors, 0);
  fail_unless_equals_int (st.decode_errors, 0);
  if (st.unindexed)
    args[5] = "--allow-extra";
  code = run_ref (args, NULL);
  if (code == 2) {
    g_print ("  %s: python3-rosbag cannot read it; skipped\n", bag);
    g_unlink (path);
    g_free (path);
    return FALSE;
  }
  fail_unless_equals_int (code, 0);
  g_print ("  %s: %u messages, %u types equal genpy (%s)\n", bag,
      st.messages, st.types, secs_nsecs ? "secs-nsecs" : "ns");

  if (csv) {
    gchar *tout = NULL;
    const gchar *targs[] = { "types", bag, NULL };
    gchar **lines, **l;
    GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal,
        g_free, NULL);

    fail_unless_equals_int (run_ref (targs, &tout), 0);
    lines = g_strsplit (tout, "\n", -1);
    for (l = lines; *l; l++) {
      gchar **cols = g_strsplit (*l, "\t", 3);

      if (cols[0] && cols[1] && !g_hash_table_contains (seen, cols[0])) {
        const gchar *cargs[] = { "compare-csv", bag, cols[0], path,
          "--time-format", secs_nsecs ? "secs-nsecs" : "ns", NULL
        };
        g_hash_table_add (seen, g_strdup (cols[0]));
        fail_unless (convert_bag (bag, cols[0], TRUE, flags, path, &st));
        fail_unless_equals_int (st.decode_errors, 0);
        if (st.messages > 0)
          fail_unless_equals_int (run_ref (cargs, NULL), 0);
      }
      g_strfreev (cols);
    }
    g_print ("  %s: CSV of %u topics equal genpy\n", bag,
        g_hash_table_size (seen));
    g_hash_table_unref (seen);
    g_strfreev (lines);
    g_free (tout);
  }
  g_unlink (path);
  g_free (path);
  return TRUE;
}

/* ---------------------------------------------------------------- */
/* parsing */

static const gchar *TREE_DEF =
    "# comment line\n"
    "uint8 FOO=1 # trailing comment\n"
    "string GREETING=hi # not a comment\n"
    "Header header\n"
    "  byte b   # byte is int8\n"
    "char c\n"
    "uint8[] data\n"
    "char[4] fixed_chars\n"
    "float64[9] covariance\n"
    "Point[] points\n"
    "geometry_msgs/Point p\n"
    "time t\r\n"
    "duration[] ds\n"
    "================================================================================\n"
    "MSG: std_msgs/Header\n"
    "uint32 seq\n" "time stamp\n" "string frame_id\n"
    "================================================================================\n"
    "MSG: geometry_msgs/Point\n" "float64 x\nfloat64 y\nfloat64 z\n"
    "================================================================================\n"
    "MSG: my_pkg/Point\n" "int32 x\n" "int32 y\n";

GST_START_TEST (test_parse_tree)
{
  GError *err = NULL;
  GstRosbagMsgDef *def = gst_rosbag_msgdef_parse ("my_pkg/Thing", TREE_DEF,
      &err);
  const GstRosbagMsgType *t, *hdr;
  const GstRosbagMsgField *f;

  fail_unless (def != NULL, "%s", err ? err->message : "");
  t = gst_rosbag_msgdef_get_root (def);
  fail_unless_equals_string (t->name, "my_pkg/Thing");
  fail_unless_equals_string (gst_rosbag_msgdef_get_type_name (def),
      "my_pkg/Thing");
  fail_unless_equals_int (t->n_fields, 10);
  fail_unless_equals_int (t->n_constants, 2);
  fail_unless_equals_string (t->constants[0].name, "FOO");
  fail_unless_equals_string (t->constants[0].value, "1");
  fail_unless_equals_int (t->constants[0].type, GST_ROSBAG_FIELD_UINT8);
  /* a string constant keeps everything after '=' */
  fail_unless_equals_string (t->constants[1].value, "hi # not a comment");

  f = &t->fields[0];
  fail_unless_equals_string (f->name, "header");
  fail_unless_equals_int (f->type, GST_ROSBAG_FIELD_MESSAGE);
  hdr = gst_rosbag_msgdef_lookup_type (def, "std_msgs/Header");
  fail_unless (f->msg == hdr);
  fail_unless_equals_int (hdr->n_fields, 3);
  fail_unless_equals_int (hdr->min_size, 4 + 8 + 4);

  fail_unless_equals_int (t->fields[1].type, GST_ROSBAG_FIELD_INT8);
  fail_unless_equals_int (t->fields[2].type, GST_ROSBAG_FIELD_UINT8);
  fail_unless (!t->fields[2].is_bytes);
  f = &t->fields[3];
  fail_unless_equals_int (f->array, GST_ROSBAG_ARRAY_VARIABLE);
  fail_unless (f->is_bytes);
  f = &t->fields[4];
  fail_unless_equals_int (f->array, GST_ROSBAG_ARRAY_FIXED);
  fail_unless_equals_int (f->array_len, 4);
  fail_unless (f->is_bytes);
  fail_unless_equals_int (t->fields[5].array_len, 9);
  fail_unless_equals_int (t->fields[5].type, GST_ROSBAG_FIELD_FLOAT64);
  /* a bare name resolves to the enclosing package */
  f = &t->fields[6];
  fail_unless (f->msg == gst_rosbag_msgdef_lookup_type (def, "my_pkg/Point"));
  fail_unless_equals_int (f->msg->fields[0].type, GST_ROSBAG_FIELD_INT32);
  f = &t->fields[7];
  fail_unless (f->msg == gst_rosbag_msgdef_lookup_type (def,
          "geometry_msgs/Point"));
  fail_unless_equals_int (t->fields[8].type, GST_ROSBAG_FIELD_TIME);
  fail_unless_equals_int (t->fields[9].type, GST_ROSBAG_FIELD_DURATION);
  fail_unless_equals_int (t->fields[9].array, GST_ROSBAG_ARRAY_VARIABLE);
  /* header 16 + b 1 + c 1 + data 4 + fixed_chars 4 + cov 72 + points 4 +
   * p 24 + t 8 + ds 4 */
  fail_unless_equals_int (t->min_size, 16 + 1 + 1 + 4 + 4 + 72 + 4 + 24 + 8
      + 4);
  gst_rosbag_msgdef_unref (def);

  /* an empty definition is a type without fields */
  def = gst_rosbag_msgdef_parse ("std_msgs/Empty", "", &err);
  fail_unless (def != NULL);
  fail_unless_equals_int (gst_rosbag_msgdef_get_root (def)->n_fields, 0);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

typedef struct
{
  const gchar *def;
  const gchar *expect;          /* a substring of the error */
} BadDef;

static const BadDef bad_defs[] = {
  {"Foo bar\n", "field 'bar': unknown type 'Foo'"},
  {"int32 x\nint32[ y\n", "bad array type"},
  {"int32[-1] y\n", "bad or too large array length"},
  {"int32[abc] y\n", "bad or too large array length"},
  {"int32[99999999999] y\n", "too large"},
  {"uint8[1048577] y\n", "too large"},
  {"int32\n", "has no name"},
  {"int32 a b\n", "invalid field name 'a b'"},
  {"int32 1x\n", "invalid field name"},
  {"time T=5\n", "constant of invalid type"},
  {"Foo X=5\n", "constant of invalid type"},
  {"int32 X=\n", "has no value"},
  {"int32 = 5\n", "invalid constant name"},
  {"a/b c\n" "=====\nMSG: a/b\n" "a/b self\n", "recursive"},
  {"a/b c\n" "=====\nMSG: a/b\n" "a/c d\n" "=====\nMSG: a/c\n" "a/b e\n",
      "recursive"},
  {"int32 x\n=====\nint32 y\n", "expected 'MSG: pkg/Type'"},
  {"int32 x\n=====\n", "without 'MSG: pkg/Type'"},
  {"int32 x\n=====\nMSG: bad type\nint32 y\n", "invalid type name"},
  {"p/A a\n=====\nMSG: p/A\nuint8[1024] x\nuint8[1024] y\n"
        "=====\nMSG: p/B\np/A[600] z\n", NULL},
  {"p/A[1024] a\n=====\nMSG: p/A\nfloat64[1025] x\n", "more than"},
  {"p/bad$name x\n", "invalid type name"},
};

GST_START_TEST (test_parse_errors)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_defs); i++) {
    GError *err = NULL;
    GstRosbagMsgDef *def = gst_rosbag_msgdef_parse ("p/T", bad_defs[i].def,
        &err);

    if (bad_defs[i].expect == NULL) {
      /* p/B is unused but still checked: 600 * 2048 values is too many */
      fail_unless (def == NULL, "definition %u should fail", i);
      fail_unless (strstr (err->message, "p/B") != NULL, "%s", err->message);
      g_clear_error (&err);
      continue;
    }
    fail_unless (def == NULL, "definition %u parsed: %s", i, bad_defs[i].def);
    fail_unless (err != NULL);
    fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
            GST_ROSBAG_ERROR_CORRUPT));
    fail_unless (strstr (err->message, bad_defs[i].expect) != NULL,
        "definition %u: '%s' does not say '%s'", i, err->message,
        bad_defs[i].expect);
    g_clear_error (&err);
  }

  /* deep nesting is refused, not a stack overflow */
  {
    GString *s = g_string_new ("p/T0 x\n");
    GError *err = NULL;
    GstRosbagMsgDef *def;

    for (i = 0; i < 200; i++)
      g_string_append_printf (s, "=====\nMSG: p/T%u\np/T%u x\n", i, i + 1);
    g_string_append_printf (s, "=====\nMSG: p/T%u\nint8 x\n", i);
    def = gst_rosbag_msgdef_parse ("p/Root", s->str, &err);
    fail_unless (def == NULL);
    fail_unless (strstr (err->message, "nested more than") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
  }
  /* an invalid root type name */
  {
    GError *err = NULL;

    fail_unless (gst_rosbag_msgdef_parse ("not a type", "int8 x\n",
            &err) == NULL);
    g_clear_error (&err);
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* decoding */

static const gchar *ARR_DEF =
    "string s\n" "p/E[] empties\n" "float32[] f\n" "p/In[] ins\n"
    "=====\nMSG: p/E\n" "=====\nMSG: p/In\nint16 a\nstring b\n";

static GBytes *
le32 (guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  return g_bytes_new (b, 4);
}

static GByteArray *
build (const guint32 * words, guint n)
{
  GByteArray *a = g_byte_array_new ();
  guint i;

  for (i = 0; i < n; i++) {
    GBytes *b = le32 (words[i]);
    g_byte_array_append (a, g_bytes_get_data (b, NULL), 4);
    g_bytes_unref (b);
  }
  return a;
}

GST_START_TEST (test_decode_errors)
{
  GError *err = NULL;
  GstRosbagMsgDef *def = gst_rosbag_msgdef_parse ("p/T", ARR_DEF, &err);
  GString *out = g_string_new ("keep");
  GByteArray *a;
  gsize consumed = 0;

  fail_unless (def != NULL);

  /* a valid message: s="", 2 empties, f=[1.5], ins=[{a:-2,b:"x"}] */
  {
    guint32 w[] = { 0, 2, 1, 0x3fc00000, 1 };
    a = build (w, G_N_ELEMENTS (w));
    g_byte_array_append (a, (const guint8 *) "\xfe\xff\x01\0\0\0x", 7);
  }
  fail_unless (gst_rosbag_msgdef_decode (def, a->data, a->len, NULL, NULL,
          &consumed, &err));
  fail_unless_equals_int (consumed, a->len);
  fail_unless (gst_rosbag_msgdef_to_json (def, a->data, a->len, 0, out, &err));
  fail_unless_equals_string (out->str,
      "keep{\"s\":\"\",\"empties\":[{},{}],\"f\":[1.5],"
      "\"ins\":[{\"a\":-2,\"b\":\"x\"}]}");

  /* every truncation fails, names a field, and leaves @out alone */
  {
    guint len;

    for (len = 0; len < a->len; len++) {
      g_string_assign (out, "keep");
      fail_if (gst_rosbag_msgdef_to_json (def, a->data, len, 0, out, &err));
      fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
              GST_ROSBAG_ERROR_TRUNCATED), "%s", err->message);
      fail_unless (strstr (err->message, "field '") != NULL);
      fail_unless_equals_string (out->str, "keep");
      g_clear_error (&err);
      fail_if (gst_rosbag_msgdef_write_csv_row (def, 1, a->data, len, 0, out,
              &err));
      fail_unless_equals_string (out->str, "keep");
      g_clear_error (&err);
    }
  }
  /* the error names the path */
  fail_if (gst_rosbag_msgdef_decode (def, a->data, a->len - 1, NULL, NULL,
          NULL, &err));
  fail_unless (strstr (err->message, "field 'ins[0].b'") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  g_byte_array_unref (a);

  /* huge counts are refused before any work or allocation */
  {
    guint32 w1[] = { 0xffffffff };
    guint32 w2[] = { 0, 0xffffffff };
    guint32 w3[] = { 0, 0, 0xffffffff, 0, 0 };
    guint32 w4[] = { 0, 0, 0, 0xfffffff0, 0, 0 };
    const guint32 *ws[] = { w1, w2, w3, w4 };
    guint ns[] = { 1, 2, 5, 6 };
    const gchar *paths[] = { "'s'", "'empties'", "'f'", "'ins'" };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (ws); i++) {
      a = build (ws[i], ns[i]);
      fail_if (gst_rosbag_msgdef_to_json (def, a->data, a->len, 0, out, &err));
      fail_unless (strstr (err->message, paths[i]) != NULL, "%s", err->message);
      g_clear_error (&err);
      g_byte_array_unref (a);
    }
  }
  /* trailing bytes are reported through @consumed, not as an error */
  {
    guint32 w[] = { 0, 0, 0, 0, 77 };

    a = build (w, G_N_ELEMENTS (w));
    fail_unless (gst_rosbag_msgdef_decode (def, a->data, a->len, NULL, NULL,
            &consumed, &err));
    fail_unless_equals_int (consumed, 16);
    g_byte_array_unref (a);
  }
  g_string_free (out, TRUE);
  gst_rosbag_msgdef_unref (def);
}

GST_END_TEST;

/* every prefix of every message of the all-types fixture, and every
 * single-byte corruption of the first ones: never a crash, and a failure
 * always comes with an error */
GST_START_TEST (test_decode_fixture_prefixes)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (TYPES_BAG, &err);
  GstRosbagReader *r;
  GstRosbagMessage m;
  GString *out = g_string_new (NULL);
  guint n = 0, fails = 0;

  fail_unless (bag != NULL, "%s", err ? err->message : "");
  r = gst_rosbag_reader_new_for_bag (bag);
  while (gst_rosbag_reader_next (r, &m, &err) == GST_ROSBAG_READ_OK) {
    GstRosbagMsgDef *def =
        gst_rosbag_msgdef_parse (gst_rosbag_reader_lookup_connection (r,
            &m)->type,
        gst_rosbag_reader_lookup_connection (r, &m)->definition, &err);
    gsize len;

    fail_unless (def != NULL);
    for (len = 0; len < m.size; len++) {
      g_string_truncate (out, 0);
      if (!gst_rosbag_msgdef_to_json (def, m.data, len, 0, out, &err)) {
        fail_unless (err != NULL);
        g_clear_error (&err);
        fails++;
      }
    }
    if (n < 3) {
      guint8 *copy = g_memdup2 (m.data, m.size);
      gsize i;
      guint v;

      for (i = 0; i < m.size; i++) {
        for (v = 0; v < 256; v += 51) {
          guint8 old = copy[i];

          copy[i] = v;
          g_string_truncate (out, 0);
          if (!gst_rosbag_msgdef_write_csv_row (def, 0, copy, m.size, 0, out,
                  &err)) {
            fail_unless (err != NULL);
            g_clear_error (&err);
          }
          copy[i] = old;
        }
      }
      g_free (copy);
    }
    gst_rosbag_msgdef_unref (def);
    n++;
  }
  fail_unless (n >= 12);
  fail_unless (fails > 1000);
  g_string_free (out, TRUE);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* JSON text */

static gchar *
json_str (const gchar * s, gsize len)
{
  GString *o = g_string_new (NULL);

  gst_rosbag_json_append_string (o, s, len);
  return g_string_free (o, FALSE);
}

static gchar *
json_dbl (gdouble v, gboolean f32)
{
  GString *o = g_string_new (NULL);

  gst_rosbag_json_append_double (o, v, f32);
  return g_string_free (o, FALSE);
}

#define CHECK_STR(in, len, want) G_STMT_START { \
  gchar *_s = json_str (in, len); \
  fail_unless_equals_string (_s, want); \
  g_free (_s); } G_STMT_END
#define CHECK_DBL(v, f32, want) G_STMT_START { \
  gchar *_s = json_dbl (v, f32); \
  fail_unless_equals_string (_s, want); \
  g_free (_s); } G_STMT_END

GST_START_TEST (test_json_text)
{
  CHECK_STR ("abc", 3, "\"abc\"");
  CHECK_STR ("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
  CHECK_STR ("\n\r\t\b\f\x01\x1f\x7f", 8,
      "\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
  CHECK_STR ("a\0b", 3, "\"a\\u0000b\"");
  CHECK_STR ("caf\xc3\xa9 \xf0\x9f\x98\x80", 10,
      "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  /* invalid UTF-8: one U+FFFD per maximal invalid subpart, like Python */
  CHECK_STR ("\xff", 1, "\"\xef\xbf\xbd\"");
  CHECK_STR ("\xc3x", 2, "\"\xef\xbf\xbdx\"");
  CHECK_STR ("\xe2\x82", 2, "\"\xef\xbf\xbd\"");
  CHECK_STR ("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK_STR ("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK_STR ("\xf4\x90\x80\x80", 4,
      "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK_STR ("\xf0\x9f\x98", 3, "\"\xef\xbf\xbd\"");

  CHECK_DBL (0.1, FALSE, "0.1");
  CHECK_DBL (0.1f, TRUE, "0.1");
  CHECK_DBL (1.0 / 3.0, FALSE, "0.3333333333333333");
  CHECK_DBL ((gfloat) (1.0 / 3.0), TRUE, "0.33333334");
  CHECK_DBL (5.0, FALSE, "5.0");
  CHECK_DBL (-0.0, FALSE, "-0.0");
  CHECK_DBL (1e300, FALSE, "1e+300");
  CHECK_DBL (5e-324, FALSE, "4.94065645841247e-324");
  CHECK_DBL (NAN, FALSE, "null");
  CHECK_DBL (INFINITY, TRUE, "null");
  CHECK_DBL (-INFINITY, FALSE, "null");
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* CSV */

/* splits CSV text into records of cells (RFC 4180 quoting) */
static GPtrArray *
parse_csv (const gchar * text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_ptr_array_unref);
  GPtrArray *row = NULL;
  GString *cell = g_string_new (NULL);
  const gchar *p = text;

  while (*p) {
    gboolean quoted = FALSE;

    if (row == NULL)
      row = g_ptr_array_new_with_free_func (g_free);
    g_string_truncate (cell, 0);
    if (*p == '"') {
      quoted = TRUE;
      p++;
      while (*p) {
        if (*p == '"' && p[1] == '"') {
          g_string_append_c (cell, '"');
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          g_string_append_c (cell, *p++);
        }
      }
    }
    while (*p && *p != ',' && *p != '\n')
      g_string_append_c (cell, *p++);
    (void) quoted;
    g_ptr_array_add (row, g_strdup (cell->str));
    if (*p == ',') {
      p++;
    } else {
      if (*p == '\n')
        p++;
      g_ptr_array_add (rows, row);
      row = NULL;
    }
  }
  if (row)
    g_ptr_array_add (rows, row);
  g_string_free (cell, TRUE);
  return rows;
}

static const gchar *IMU_COLUMNS =
    "header.seq,header.stamp,header.frame_id,orientation.x,orientation.y,"
    "orientation.z,orientation.w,orientation_covariance.0,"
    "orientation_covariance.1,orientation_covariance.2,"
    "orientation_covariance.3,orientation_covariance.4,"
    "orientation_covariance.5,orientation_covariance.6,"
    "orientation_covariance.7,orientation_covariance.8,angular_velocity.x,"
    "angular_velocity.y,angular_velocity.z,angular_velocity_covariance.0,"
    "angular_velocity_covariance.1,angular_velocity_covariance.2,"
    "angular_velocity_covariance.3,angular_velocity_covariance.4,"
    "angular_velocity_covariance.5,angular_velocity_covariance.6,"
    "angular_velocity_covariance.7,angular_velocity_covariance.8,"
    "linear_acceleration.x,linear_acceleration.y,linear_acceleration.z,"
    "linear_acceleration_covariance.0,linear_acceleration_covariance.1,"
    "linear_acceleration_covariance.2,linear_acceleration_covariance.3,"
    "linear_acceleration_covariance.4,linear_acceleration_covariance.5,"
    "linear_acceleration_covariance.6,linear_acceleration_covariance.7,"
    "linear_acceleration_covariance.8";

GST_START_TEST (test_csv_columns)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (TEST_FILES_DIR "/sample.bag",
      &err);
  const GstRosbagBagTopic *topic;
  GstRosbagMsgDef *def;
  gchar **cols, *joined;
  GString *h = g_string_new (NULL);

  fail_unless (bag != NULL, "%s", err ? err->message : "");
  topic = gst_rosbag_bag_find_topic (bag, "/imu");
  fail_unless (topic != NULL);
  def = gst_rosbag_msgdef_parse (topic->type, topic->definition, &err);
  fail_unless (def != NULL);
  cols = gst_rosbag_msgdef_get_csv_columns (def, 0);
  joined = g_strjoinv (",", cols);
  fail_unless_equals_string (joined, IMU_COLUMNS);
  g_free (joined);
  g_strfreev (cols);

  cols = gst_rosbag_msgdef_get_csv_columns (def,
      GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS);
  fail_unless_equals_string (cols[1], "header.stamp.secs");
  fail_unless_equals_string (cols[2], "header.stamp.nsecs");
  fail_unless_equals_int (g_strv_length (cols), 41);
  g_strfreev (cols);

  gst_rosbag_msgdef_write_csv_header (def, 0, h);
  fail_unless (g_str_has_prefix (h->str, "receive_ns,header.seq,"));
  fail_unless (g_str_has_suffix (h->str, "covariance.8\n"));
  g_string_free (h, TRUE);
  gst_rosbag_msgdef_unref (def);
  gst_rosbag_bag_unref (bag);
}

GST_END_TEST;

/* every CSV row of every topic of every bag has the header's width */
static void
check_csv_width (const gchar * bag_path)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (bag_path, &err);
  guint i;
  gchar *path = tmp_path ("rosbag_msgdef.csv");

  if (bag == NULL) {
    g_clear_error (&err);
    g_free (path);
    return;
  }
  for (i = 0; i < gst_rosbag_bag_get_n_topics (bag); i++) {
    const GstRosbagBagTopic *t = gst_rosbag_bag_get_topic (bag, i);
    GstRosbagMsgDefFlags fl;

    for (fl = 0; fl <= GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS; fl++) {
      ConvertStats st;
      gchar *text = NULL;
      GPtrArray *rows;
      guint j, width;

      fail_unless (convert_bag (bag_path, t->name, TRUE, fl, path, &st));
      GST_INFO ("%s %s", bag_path, t->name);
      fail_unless (g_file_get_contents (path, &text, NULL, NULL));
      rows = parse_csv (text);
      if (st.messages == 0) {
        fail_unless_equals_int (rows->len, 0);
      } else {
        GstRosbagMsgDef *def = gst_rosbag_msgdef_parse (t->type,
            t->definition, NULL);
        gchar **cols = gst_rosbag_msgdef_get_csv_columns (def, fl);

        width = ((GPtrArray *) g_ptr_array_index (rows, 0))->len;
        fail_unless_equals_int (width, 1 + g_strv_length (cols));
        fail_unless (rows->len == st.messages + 1, "%s %s: %u rows for %u "
            "messages", bag_path, t->name, rows->len, st.messages);
        for (j = 1; j < rows->len; j++)
          fail_unless_equals_int (((GPtrArray *) g_ptr_array_index (rows,
                      j))->len, width);
        g_strfreev (cols);
        gst_rosbag_msgdef_unref (def);
      }
      g_ptr_array_unref (rows);
      g_free (text);
    }
  }
  g_unlink (path);
  g_free (path);
  gst_rosbag_bag_unref (bag);
}

GST_START_TEST (test_csv_width)
{
  GPtrArray *bags = list_bags (TEST_FILES_DIR);
  GPtrArray *real = list_bags (TEST_REALBAGS_DIR);
  guint i;

  g_ptr_array_sort (bags, cmp_paths);
  g_ptr_array_sort (real, cmp_paths);
  fail_unless (bags->len > 0);
  for (i = 0; i < bags->len; i++)
    check_csv_width (g_ptr_array_index (bags, i));
  if (real->len == 0)
    g_print ("SKIP realbags part: %s is absent\n", TEST_REALBAGS_DIR);
  for (i = 0; i < real->len; i++)
    check_csv_width (g_ptr_array_index (real, i));
  g_ptr_array_unref (bags);
  g_ptr_array_unref (real);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* against genpy */

GST_START_TEST (test_types_fixture_vs_genpy)
{
  fail_unless (check_bag_vs_genpy (TYPES_BAG, FALSE, TRUE));
  fail_unless (check_bag_vs_genpy (TYPES_BAG, TRUE, TRUE));
}

GST_END_TEST;

GST_START_TEST (test_fixtures_vs_genpy)
{
  GPtrArray *bags = list_bags (TEST_FILES_DIR);
  guint i, n = 0;

  g_ptr_array_sort (bags, cmp_paths);
  for (i = 0; i < bags->len; i++) {
    const gchar *b = g_ptr_array_index (bags, i);

    if (check_bag_vs_genpy (b, FALSE, g_str_has_suffix (b, "/sample.bag")))
      n++;
  }
  fail_unless (n >= 5, "only %u fixture bags compared", n);
  g_ptr_array_unref (bags);
}

GST_END_TEST;

GST_START_TEST (test_realbags_vs_genpy)
{
  GPtrArray *bags = list_bags (TEST_REALBAGS_DIR);
  guint i, n = 0;

  if (bags->len == 0) {
    g_print ("SKIP: %s is absent\n", TEST_REALBAGS_DIR);
    g_ptr_array_unref (bags);
    return;
  }
  g_ptr_array_sort (bags, cmp_paths);
  for (i = 0; i < bags->len; i++) {
    const gchar *b = g_ptr_array_index (bags, i);
    /* CSV for a few bags with many types */
    gboolean csv = strstr (b, "foxglove_rosbag__example.bag") ||
        strstr (b, "robot_localization__test1.bag") ||
        strstr (b, "ros_numpy__test.bag") ||
        strstr (b, "embag__array_test.bag") ||
        strstr (b, "matlab_rosbag__example_old.bag") ||
        strstr (b, "navigation__robot_pose_ekf_gps_data.bag");

    if (check_bag_vs_genpy (b, FALSE, csv))
      n++;
  }
  g_print ("%u real bags decode as genpy does\n", n);
  fail_unless (n >= 25, "only %u real bags compared", n);
  g_ptr_array_unref (bags);
}

GST_END_TEST;

/* The float formatting of CSV and JSON: the fast way (fixed point with
 * 128-bit powers of ten, the slow way where that is unsure) gives exactly
 * what trying %.15g, %.16g, %.17g (float32: %.6g to %.9g) and reading
 * each back gives: on random bit patterns, random short decimals and
 * their neighbours, exact halves (the ties of rounding to fewer digits)
 * and their neighbours, sensor-like values, whole numbers, powers of two
 * and of ten over the whole range, subnormals and the extremes. */
static GString *dbl_fast, *dbl_slow;

static void
check_double (gdouble v, gboolean f32)
{
  g_string_truncate (dbl_fast, 0);
  g_string_truncate (dbl_slow, 0);
  gst_rosbag_json_append_double (dbl_fast, v, f32);
  gst_rosbag_json_append_double_slow (dbl_slow, v, f32);
  /* not fail_unless (): check's bookkeeping of every assertion would
   * take most of the time */
  if (G_UNLIKELY (strcmp (dbl_fast->str, dbl_slow->str) != 0))
    fail ("%.17g (%s): %s, expected %s", v, f32 ? "float32" : "float64",
        dbl_fast->str, dbl_slow->str);
}

/* @v (a float if @f32) and the values either side of it */
static void
check_double_near (gdouble v, gboolean f32)
{
  if (f32) {
    gfloat f = v;

    if (!isfinite (f))
      return;
    check_double (f, TRUE);
    check_double (nextafterf (f, INFINITY), TRUE);
    check_double (nextafterf (f, -INFINITY), TRUE);
  } else {
    if (!isfinite (v))
      return;
    check_double (v, FALSE);
    check_double (nextafter (v, INFINITY), FALSE);
    check_double (nextafter (v, -INFINITY), FALSE);
  }
}

/* a random decimal of @nd significant digits (the first not 0) at
 * 10^@exp10, as g_ascii_strtod reads it */
static gdouble
random_decimal (GRand * rand, gint nd, gint exp10)
{
  gchar buf[64], *b = buf;
  gint i;

  if (g_rand_boolean (rand))
    *b++ = '-';
  *b++ = '1' + g_rand_int_range (rand, 0, 9);
  *b++ = '.';
  for (i = 1; i < nd; i++)
    *b++ = '0' + g_rand_int_range (rand, 0, 10);
  g_snprintf (b, 16, "e%d", exp10);
  return g_ascii_strtod (buf, NULL);
}

GST_START_TEST (test_double_format)
{
  GRand *rand = g_rand_new_with_seed (20261206);
  const gdouble fixed[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 1e15,
    1e16, 123456789012345.0, 1234567890123456.0, 1e-5, 1e-4, 9.999999e-5,
    0.30000000000000004, 5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 1e21, 1e22, 1e23, 123456.5, 1e6, 1234567.0,
    16777216.0, 0.1f, 3.14159274f, 9.5, 99.5, 999999.5, 0.000123456789,
    4.35, 2.675, 1.005, 1234567890123455.0, 123456789012345.5,
    9007199254740993.0, 9.999999999999999e22, 1e-7, 9.5367431640625e-07,
    DBL_MAX, DBL_MIN, FLT_MAX, FLT_MIN, 1.40129846e-45f, 1.17549421e-38f,
    DBL_EPSILON, FLT_EPSILON, 8218976256.0, 3.3846956381375037e+18
  };
  /* the only floats whose text depends on the read back going through a
   * double (a decimal within half a double ulp of the midpoint of two
   * floats becomes that midpoint, then rounds to even), found by trying
   * every float: 7.038531e-26 reads back as the first only when rounded
   * to float directly, as the second only through a double */
  const guint32 double_rounded[] = { 0x15ae43fd, 0x15ae43fe };
  /* 5^j for the ties below */
  guint64 pow5[25], pow10[18];
  guint i, j;
  gint k;

  dbl_fast = g_string_new (NULL);
  dbl_slow = g_string_new (NULL);
  for (i = 0, pow5[0] = 1; i + 1 < G_N_ELEMENTS (pow5); i++)
    pow5[i + 1] = pow5[i] * 5;
  for (i = 0, pow10[0] = 1; i + 1 < G_N_ELEMENTS (pow10); i++)
    pow10[i + 1] = pow10[i] * 10;

  for (i = 0; i < G_N_ELEMENTS (fixed); i++) {
    check_double_near (fixed[i], FALSE);
    check_double_near (-fixed[i], FALSE);
    check_double_near (fixed[i], TRUE);
    /* not a float: the float32 interval does not apply */
    check_double (fixed[i], TRUE);
  }

  for (i = 0; i < G_N_ELEMENTS (double_rounded); i++) {
    gfloat f;

    memcpy (&f, &double_rounded[i], 4);
    check_double_near (f, TRUE);
  }

  /* powers of two and of ten, the whole range */
  for (k = -1074; k <= 1023; k++) {
    check_double_near (ldexp (1, k), FALSE);
    check_double_near (ldexp (3, k - 1), FALSE);
  }
  for (k = -149; k <= 127; k++)
    check_double_near (ldexp (1, k), TRUE);
  for (k = -324; k <= 308; k++) {
    gchar buf[16];
    gdouble d;

    g_snprintf (buf, sizeof (buf), "1e%d", k);
    d = g_ascii_strtod (buf, NULL);
    check_double_near (d, FALSE);
    if (k >= -45 && k <= 38)
      check_double_near (d, TRUE);
  }

  /* random bit patterns: every exponent, subnormals among them */
  for (i = 0; i < 2000000; i++) {
    guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
    gdouble d;

    memcpy (&d, &bits, 8);
    if (isfinite (d))
      check_double (d, FALSE);
  }
  for (i = 0; i < 1000000; i++) {
    guint32 bits = g_rand_int (rand);
    gfloat f;

    memcpy (&f, &bits, 4);
    if (isfinite (f))
      check_double (f, TRUE);
  }
  for (i = 0; i < 20000; i++) {
    guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
    guint32 fbits = g_rand_int (rand);
    gdouble d;
    gfloat f;

    /* subnormals */
    bits &= G_GUINT64_CONSTANT (0x800fffffffffffff);
    fbits &= 0x807fffff;
    memcpy (&d, &bits, 8);
    memcpy (&f, &fbits, 4);
    check_double (d, FALSE);
    check_double (f, TRUE);
  }

  /* short decimals, where the shorter forms matter, and their
   * neighbours: mostly sensor-like magnitudes, some anywhere */
  for (i = 0; i < 100000; i++) {
    gint nd = g_rand_int_range (rand, 1, 18);
    gint e = g_rand_int_range (rand, 0, 4) ? g_rand_int_range (rand, -9, 10)
        : g_rand_int_range (rand, -330, 310);

    check_double_near (random_decimal (rand, nd, e), FALSE);
    nd = g_rand_int_range (rand, 1, 10);
    e = g_rand_int_range (rand, 0, 4) ? g_rand_int_range (rand, -9, 10)
        : g_rand_int_range (rand, -46, 39);
    check_double_near (random_decimal (rand, nd, e), TRUE);
  }
  /* decimals of exactly 15, 16, 17 (float32: 6 to 9) digits */
  for (i = 0; i < 100000; i++) {
    gint e = g_rand_int_range (rand, 0, 2) ? g_rand_int_range (rand, -6, 7)
        : g_rand_int_range (rand, -320, 305);

    check_double_near (random_decimal (rand, 15 + i % 3, e), FALSE);
    e = g_rand_int_range (rand, 0, 2) ? g_rand_int_range (rand, -6, 7)
        : g_rand_int_range (rand, -40, 35);
    check_double_near (random_decimal (rand, 6 + i % 4, e), TRUE);
  }

  /* exact halves: values whose decimal has n significant digits, the
   * last a 5, so that %.(n-1)g rounds a tie; odd a times 2^-j (a * 5^j
   * of n digits), and whole numbers ending in 5 and zeros */
  for (i = 0; i < 100000; i++) {
    gboolean f32 = i & 1;
    gint n = f32 ? g_rand_int_range (rand, 7, 10)
        : g_rand_int_range (rand, 16, 18);
    guint64 lim = f32 ? 1 << 24 : G_GUINT64_CONSTANT (1) << 53;
    guint64 lo, hi, a;

    j = g_rand_int_range (rand, 1, G_N_ELEMENTS (pow5));
    lo = (pow10[n - 1] + pow5[j] - 1) / pow5[j];
    hi = MIN ((pow10[n] - 1) / pow5[j], lim - 1);
    if (lo <= hi) {
      a = lo + (guint64) (g_rand_double (rand) * (hi - lo + 1));
      a = MIN (a, hi) | 1;
      if (a > hi)
        a -= 2;
      if (a >= lo)
        check_double_near (ldexp ((gdouble) a, -(gint) j), f32);
    }
    /* n digits ending in 5, then up to 3 zeros */
    a = g_rand_int_range (rand, 0, 2) ? pow10[n - 1] : 0;
    a += (guint64) (g_rand_double (rand) * pow10[n - 1]);
    a = a / 10 * 10 + 5;
    for (j = g_rand_int_range (rand, 0, 4); j > 0 && a < lim / 10; j--)
      a *= 10;
    if (a < lim)
      check_double_near ((gdouble) a, f32);
  }

  /* as sensors give them */
  for (i = 0; i < 100000; i++) {
    gdouble d = g_rand_double_range (rand, -10, 10);

    check_double (d, FALSE);
    check_double ((gfloat) d, TRUE);
    d = g_rand_double_range (rand, -5e-3, 5e-3);
    check_double (d, FALSE);
    check_double ((gfloat) d, TRUE);
    /* decimal fractions and their float32 */
    d = g_rand_int_range (rand, -2000000, 2000000) /
        pow (10, g_rand_int_range (rand, 0, 9));
    check_double (d, FALSE);
    check_double ((gfloat) d, TRUE);
    /* halves and whole numbers */
    d = g_rand_int_range (rand, -1000000000, 1000000000) + 0.5;
    check_double (d, FALSE);
    check_double ((gfloat) d, TRUE);
  }
  g_rand_free (rand);
  g_string_free (dbl_fast, TRUE);
  g_string_free (dbl_slow, TRUE);
}

GST_END_TEST;

static Suite *
rosbag_msgdef_suite (void)
{
  Suite *s = suite_create ("rosbag_msgdef");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_parse_tree);
  tcase_add_test (tc, test_parse_errors);
  tcase_add_test (tc, test_decode_errors);
  tcase_add_test (tc, test_decode_fixture_prefixes);
  tcase_add_test (tc, test_json_text);
  tcase_add_test (tc, test_csv_columns);
  tcase_add_test (tc, test_csv_width);
  tcase_add_test (tc, test_types_fixture_vs_genpy);
  tcase_add_test (tc, test_fixtures_vs_genpy);
  tcase_add_test (tc, test_realbags_vs_genpy);
  tcase_add_test (tc, test_double_format);
  return s;
}

GST_CHECK_MAIN (rosbag_msgdef);
