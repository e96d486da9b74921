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

/* libFuzzer harness for the message definition parsers (ROS 1, ROS 2
 * .msg and IDL), the decoders (ROS 1 and CDR), the field readers and the
 * JSON / CSV writers (gst/rosbag/rosbag-msgdef.c, rosbag-idl.c).
 *
 * Input: a definition text, a NUL byte, then the serialized message.
 * Without a NUL the whole input is the definition and is also decoded as a
 * message. The root type is "fuzz/Root". The input may start with lines
 *
 *   #type pkg/Type      the root type
 *   #schema ENCODING    ros1msg, ros2msg, ros2idl, omgidl (or any other)
 *   #wire ENCODING      the message encoding: cdr, ros1 (or any other)
 *
 * With neither #schema nor #wire the whole text, #type line included, goes
 * to gst_rosbag_msgdef_parse() (ROS 1); else the text after those lines
 * goes to gst_rosbag_msgdef_parse_schema() (a missing #schema is ros2msg).
 *
 *   fuzz_msgdef -max_len=4096 tests/fuzz/corpus/msgdef
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib.h>
#include <gst/rosbag/rosbag-msgdef.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

#define PREFIX "prefix,"

static gboolean
inside (const void *p, gsize n, const guint8 * msg, gsize len)
{
  const guint8 *b = p;

  return b >= msg && n <= len && b - msg <= (gssize) (len - n);
}

/* cells of one CSV row, quotes honoured; -1 unless it ends in a newline */
static gint
csv_cells (const gchar * s, gsize len)
{
  gboolean quoted = FALSE;
  gint cells = 1;
  gsize i;

  for (i = 0; i < len; i++) {
    if (s[i] == '"')
      quoted = !quoted;
    else if (!quoted && s[i] == ',')
      cells++;
    else if (!quoted && s[i] == '\n')
      return i == len - 1 ? cells : -1;
  }
  return -1;
}

/* the paths read_fields gets: fixed ones, then some from the def */
#define N_FIXED_PATHS 5
#define N_PATHS (N_FIXED_PATHS + 4)

static void
build_paths (GstRosbagMsgDef * def, gchar ** paths, gboolean * resolvable)
{
  const GstRosbagMsgType *root = gst_rosbag_msgdef_get_root (def);
  const GstRosbagMsgType *t;
  const gchar *hf = gst_rosbag_msgdef_get_header_field (def);
  GString *deep;
  guint n = 0, i, j;

  paths[n++] = g_strdup ("header.stamp");
  paths[n++] = g_strdup ("data");
  paths[n++] = g_strdup ("encoding");
  paths[n++] = g_strdup ("no.such.field");
  paths[n++] = g_strdup (hf ? hf : "header");
  g_assert (n == N_FIXED_PATHS);
  memset (resolvable, 0, sizeof (gboolean) * N_PATHS);
  /* a plain message field is met too */
  resolvable[n - 1] = hf != NULL;

  /* the first and the last field of the root */
  if (root->n_fields > 0) {
    resolvable[n] = TRUE;
    paths[n++] = g_strdup (root->fields[0].name);
    resolvable[n] = TRUE;
    paths[n++] = g_strdup (root->fields[root->n_fields - 1].name);
  }
  /* a plain nested message's last field (a path names the first field of
   * a name) */
  for (i = 0; i < root->n_fields && n < N_PATHS - 1; i++) {
    const GstRosbagMsgField *f = &root->fields[i];

    for (j = 0; j < i; j++)
      if (strcmp (root->fields[j].name, f->name) == 0)
        break;
    if (j == i && f->type == GST_ROSBAG_FIELD_MESSAGE && f->array ==
        GST_ROSBAG_ARRAY_NONE && f->msg->n_fields > 0) {
      resolvable[n] = TRUE;
      paths[n++] = g_strdup_printf ("%s.%s", f->name,
          f->msg->fields[f->msg->n_fields - 1].name);
      break;
    }
  }
  /* down the first fields as deep as plain messages go */
  deep = g_string_new (NULL);
  t = root;
  for (j = 0; t && t->n_fields > 0 && j < GST_ROSBAG_MSGDEF_MAX_DEPTH; j++) {
    const GstRosbagMsgField *f = &t->fields[0];

    if (deep->len)
      g_string_append_c (deep, '.');
    g_string_append (deep, f->name);
    t = (f->type == GST_ROSBAG_FIELD_MESSAGE &&
        f->array == GST_ROSBAG_ARRAY_NONE) ? f->msg : NULL;
  }
  resolvable[n] = deep->len > 0;
  paths[n++] = g_string_free (deep, FALSE);
  paths[n] = NULL;
}

static void
check_value (const GstRosbagFieldValue * v, const guint8 * msg, gsize len)
{
  if (!v->found) {
    g_assert (v->field == NULL && v->data == NULL && v->size == 0);
    return;
  }
  g_assert (v->field != NULL && v->field->name != NULL);
  if (v->data != NULL) {
    g_assert (v->field->is_bytes);
    g_assert (inside (v->data, v->size, msg, len));
    g_assert (v->count == v->size);
  } else {
    g_assert (v->size == 0);
  }
  if (v->value.str != NULL) {
    g_assert (v->value.type == GST_ROSBAG_FIELD_STRING);
    g_assert (inside (v->value.str, v->value.str_len, msg, len));
  }
  if (v->field->array == GST_ROSBAG_ARRAY_FIXED)
    g_assert (v->count == v->field->array_len);
  else if (v->field->array == GST_ROSBAG_ARRAY_BOUNDED)
    g_assert (v->count <= v->field->array_len);
  if (v->field->array == GST_ROSBAG_ARRAY_NONE)
    g_assert (v->count == 0);
}

static void
fuzz_fields (GstRosbagMsgDef * def, const guint8 * msg, gsize len,
    gboolean decoded)
{
  gchar *paths[N_PATHS + 1];
  gboolean resolvable[N_PATHS];
  GstRosbagFieldValue values[N_PATHS];
  const gchar *hf = gst_rosbag_msgdef_get_header_field (def);
  GError *err = NULL;
  guint64 stamp = G_MAXUINT64;
  guint i;

  build_paths (def, paths, resolvable);
  memset (values, 0xa5, sizeof (values));
  if (gst_rosbag_msgdef_read_fields (def, msg, len,
          (const gchar * const *) paths, values, &err)) {
    g_assert (err == NULL);
    for (i = 0; paths[i]; i++) {
      check_value (&values[i], msg, len);
      /* a whole message that decodes has every field outside arrays */
      if (decoded && resolvable[i])
        g_assert (values[i].found);
    }
  } else {
    g_assert (err != NULL);
    g_assert (!decoded);
    g_clear_error (&err);
  }

  if (gst_rosbag_msgdef_read_header_stamp (def, msg, len, &stamp, &err)) {
    const gchar *p[2] = { NULL, NULL };
    gchar *path = g_strdup_printf ("%s.stamp", hf);
    GstRosbagFieldValue v;

    g_assert (err == NULL && hf != NULL);
    p[0] = path;
    g_assert (gst_rosbag_msgdef_read_fields (def, msg, len, p, &v, NULL));
    g_assert (v.found && v.value.type == GST_ROSBAG_FIELD_TIME);
    g_assert (stamp == (guint64) v.value.secs * 1000000000 +
        (guint64) v.value.nsecs);
    g_free (path);
  } else {
    g_assert (stamp == G_MAXUINT64);
    if (hf == NULL)
      g_assert (err == NULL);
    g_clear_error (&err);
  }
  for (i = 0; paths[i]; i++)
    g_free (paths[i]);
}

static void
fuzz_one (GstRosbagMsgDef * def, const guint8 * msg, gsize len)
{
  GString *out = g_string_new (NULL);
  GError *err = NULL;
  gchar **cols;
  gsize consumed = 0;
  guint flags;
  gboolean decoded;

  g_assert (gst_rosbag_msgdef_get_root (def) != NULL);
  g_assert (gst_rosbag_msgdef_lookup_type (def,
          gst_rosbag_msgdef_get_root (def)->name) ==
      gst_rosbag_msgdef_get_root (def));
  g_assert (gst_rosbag_msgdef_get_type_name (def) != NULL);

  for (flags = 0; flags <= (GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS |
          GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH); flags++) {
    g_string_assign (out, PREFIX);
    if (!gst_rosbag_msgdef_write_json_line (def, "/fuzz", 1, msg, len, flags,
            out, &err)) {
      g_assert (err != NULL);
      g_assert (strcmp (out->str, PREFIX) == 0);
      g_clear_error (&err);
    } else {
      g_assert (out->len > 0 && out->str[out->len - 1] == '\n');
      g_assert (g_utf8_validate (out->str, out->len, NULL));
    }
    g_string_assign (out, PREFIX);
    if (!gst_rosbag_msgdef_to_json (def, msg, len, flags, out, &err)) {
      g_assert (err != NULL);
      g_assert (strcmp (out->str, PREFIX) == 0);
      g_clear_error (&err);
    } else {
      g_assert (out->len > strlen (PREFIX));
      g_assert (out->str[out->len - 1] == '}');
      g_assert (g_utf8_validate (out->str, out->len, NULL));
    }
    cols = gst_rosbag_msgdef_get_csv_columns (def, flags);
    g_string_truncate (out, 0);
    gst_rosbag_msgdef_write_csv_header (def, flags, out);
    g_string_assign (out, PREFIX);
    if (!gst_rosbag_msgdef_write_csv_row (def, 2, msg, len, flags, out, &err)) {
      g_assert (err != NULL);
      g_assert (strcmp (out->str, PREFIX) == 0);
      g_clear_error (&err);
    } else {
      gint cells = csv_cells (out->str + strlen (PREFIX),
          out->len - strlen (PREFIX));

      g_assert (cells == 1 + (gint) g_strv_length (cols));
    }
    g_strfreev (cols);
  }
  decoded = gst_rosbag_msgdef_decode (def, msg, len, NULL, NULL, &consumed,
      &err);
  if (decoded) {
    g_assert (err == NULL);
    g_assert (consumed <= len);
  } else {
    g_assert (err != NULL);
    g_clear_error (&err);
  }
  fuzz_fields (def, msg, len, decoded);
  g_string_free (out, TRUE);
}

/* a "#KEY value" line at @p (of @end - @p bytes): the value, else NULL */
static gchar *
directive (const gchar * p, const gchar * end, const gchar * key,
    const gchar ** next)
{
  gsize klen = strlen (key);
  const gchar *nl;

  if ((gsize) (end - p) < klen || memcmp (p, key, klen) != 0)
    return NULL;
  nl = memchr (p, '\n', end - p);
  *next = nl ? nl + 1 : end;
  return g_strndup (p + klen, (nl ? nl : end) - p - klen);
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  const guint8 *nul = memchr (data, 0, size);
  gsize def_len = nul ? (gsize) (nul - data) : size;
  const gchar *p = (const gchar *) data, *end = p + def_len, *next;
  gchar *type = NULL, *schema_enc = NULL, *wire = NULL, *v;
  GstRosbagMsgDef *def;
  GError *err = NULL;

  for (;;) {
    if ((v = directive (p, end, "#type ", &next))) {
      g_free (type);
      type = v;
    } else if ((v = directive (p, end, "#schema ", &next))) {
      g_free (schema_enc);
      schema_enc = v;
    } else if ((v = directive (p, end, "#wire ", &next))) {
      g_free (wire);
      wire = v;
    } else {
      break;
    }
    p = next;
  }

  if (schema_enc == NULL && wire == NULL) {
    /* ROS 1 as before: the #type line is a comment of the text */
    gchar *text = g_strndup ((const gchar *) data, def_len);

    def = gst_rosbag_msgdef_parse (type ? type : "fuzz/Root", text, &err);
    g_free (text);
  } else {
    /* exactly the schema's bytes, no terminating NUL to lean on */
    gsize len = end - p;
    gchar *schema = g_malloc (MAX (len, 1));

    memcpy (schema, p, len);

    def = gst_rosbag_msgdef_parse_schema (type ? type : "fuzz/Root",
        schema_enc ? schema_enc : "ros2msg", wire, schema, len, &err);
    g_free (schema);
  }
  if (def == NULL) {
    g_assert (err != NULL);
    g_clear_error (&err);
  } else {
    g_assert (err == NULL);
    if (schema_enc == NULL || (*schema_enc && strcmp (schema_enc,
                "ros1msg") != 0))
      g_assert (gst_rosbag_msgdef_is_ros2 (def) == (schema_enc || wire));
    if (g_strcmp0 (wire, "ros1") == 0)
      g_assert (gst_rosbag_msgdef_get_wire_format (def) ==
          GST_ROSBAG_WIRE_ROS1);
    else if (g_strcmp0 (wire, "cdr") == 0)
      g_assert (gst_rosbag_msgdef_get_wire_format (def) == GST_ROSBAG_WIRE_CDR);
    if (nul)
      fuzz_one (def, nul + 1, size - def_len - 1);
    else
      fuzz_one (def, data, size);
    gst_rosbag_msgdef_unref (def);
  }
  g_free (type);
  g_free (schema_enc);
  g_free (wire);
  return 0;
}
