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

#include "rosbag-record.h"

/* *INDENT-OFF* */
G_DEFINE_QUARK (gst-rosbag-error-quark, gst_rosbag_error)
/* *INDENT-ON* */

GstRosbagParseResult
gst_rosbag_record_parse (const guint8 * buf, gsize avail, guint64 base_offset,
    gboolean need_data, GstRosbagRecord * rec, guint64 * needed,
    GError ** error)
{
  guint32 header_len, data_len;
  const guint8 *op;
  gsize op_len;

  memset (rec, 0, sizeof (*rec));
  rec->offset = base_offset;

  if (avail < 4) {
    if (needed)
      *needed = 4;
    return GST_ROSBAG_PARSE_NEED_MORE;
  }
  header_len = gst_rosbag_read_u32 (buf);
  if (header_len > GST_ROSBAG_MAX_HEADER_LEN) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " claims a header of %u bytes",
        base_offset, header_len);
    return GST_ROSBAG_PARSE_ERROR;
  }
  if (avail < 8 + (guint64) header_len) {
    if (needed)
      *needed = 8 + (guint64) header_len;
    return GST_ROSBAG_PARSE_NEED_MORE;
  }
  data_len = gst_rosbag_read_u32 (buf + 4 + header_len);

  rec->header = buf + 4;
  rec->header_len = header_len;
  rec->data_len = data_len;
  rec->total_len = 8 + (guint64) header_len + data_len;

  if (!gst_rosbag_header_validate (rec->header, header_len, base_offset + 4,
          error))
    return GST_ROSBAG_PARSE_ERROR;

  if (!gst_rosbag_header_find (rec->header, header_len, "op", &op, &op_len)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " has no op field", base_offset);
    return GST_ROSBAG_PARSE_ERROR;
  }
  if (op_len != 1) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " has an op field of %"
        G_GSIZE_FORMAT " bytes", base_offset, op_len);
    return GST_ROSBAG_PARSE_ERROR;
  }
  rec->op = op[0];

  if (avail < rec->total_len) {
    if (needed)
      *needed = rec->total_len;
    if (need_data)
      return GST_ROSBAG_PARSE_NEED_MORE;
    rec->data = NULL;
    return GST_ROSBAG_PARSE_OK;
  }
  rec->data = buf + 8 + header_len;
  return GST_ROSBAG_PARSE_OK;
}

gboolean
gst_rosbag_header_validate (const guint8 * header, gsize header_len,
    guint64 offset, GError ** error)
{
  gsize pos = 0;

  while (pos < header_len) {
    guint32 field_len;
    const guint8 *eq;

    if (header_len - pos < 4) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "record header at byte %" G_GUINT64_FORMAT
          ": %" G_GSIZE_FORMAT " stray bytes at its end", offset,
          header_len - pos);
      return FALSE;
    }
    field_len = gst_rosbag_read_u32 (header + pos);
    pos += 4;
    if (field_len > header_len - pos) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "record header at byte %" G_GUINT64_FORMAT
          ": field at byte %" G_GUINT64_FORMAT " claims %u bytes, only %"
          G_GSIZE_FORMAT " remain", offset, offset + pos - 4, field_len,
          header_len - pos);
      return FALSE;
    }
    eq = memchr (header + pos, '=', field_len);
    if (eq == NULL) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "record header at byte %" G_GUINT64_FORMAT
          ": field at byte %" G_GUINT64_FORMAT " has no '='", offset,
          offset + pos - 4);
      return FALSE;
    }
    pos += field_len;
  }
  return TRUE;
}

void
gst_rosbag_header_foreach (const guint8 * header, gsize header_len,
    GstRosbagHeaderFunc func, gpointer user_data)
{
  gsize pos = 0;

  while (header_len - pos >= 4) {
    guint32 field_len = gst_rosbag_read_u32 (header + pos);
    const guint8 *field, *eq;

    pos += 4;
    if (field_len > header_len - pos)
      return;
    field = header + pos;
    pos += field_len;
    eq = memchr (field, '=', field_len);
    if (eq == NULL)
      continue;
    if (!func ((const gchar *) field, eq - field, eq + 1,
            field_len - (eq - field) - 1, user_data))
      return;
  }
}

typedef struct
{
  const gchar *name;
  gsize name_len;
  const guint8 *value;
  gsize value_len;
  gboolean found;
} FindData;

static gboolean
find_func (const gchar * name, gsize name_len, const guint8 * value,
    gsize value_len, gpointer user_data)
{
  FindData *fd = user_data;

  if (name_len == fd->name_len && memcmp (name, fd->name, name_len) == 0) {
    fd->value = value;
    fd->value_len = value_len;
    fd->found = TRUE;
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_rosbag_header_find (const guint8 * header, gsize header_len,
    const gchar * name, const guint8 ** value, gsize * value_len)
{
  FindData fd = { name, strlen (name), NULL, 0, FALSE };

  gst_rosbag_header_foreach (header, header_len, find_func, &fd);
  if (fd.found) {
    if (value)
      *value = fd.value;
    if (value_len)
      *value_len = fd.value_len;
  }
  return fd.found;
}

gboolean
gst_rosbag_header_get_u8 (const guint8 * header, gsize len,
    const gchar * name, guint8 * out)
{
  const guint8 *v;
  gsize vlen;

  if (!gst_rosbag_header_find (header, len, name, &v, &vlen) || vlen != 1)
    return FALSE;
  *out = v[0];
  return TRUE;
}

gboolean
gst_rosbag_header_get_u32 (const guint8 * header, gsize len,
    const gchar * name, guint32 * out)
{
  const guint8 *v;
  gsize vlen;

  if (!gst_rosbag_header_find (header, len, name, &v, &vlen) || vlen != 4)
    return FALSE;
  *out = gst_rosbag_read_u32 (v);
  return TRUE;
}

gboolean
gst_rosbag_header_get_u64 (const guint8 * header, gsize len,
    const gchar * name, guint64 * out)
{
  const guint8 *v;
  gsize vlen;

  if (!gst_rosbag_header_find (header, len, name, &v, &vlen) || vlen != 8)
    return FALSE;
  *out = gst_rosbag_read_u64 (v);
  return TRUE;
}

gboolean
gst_rosbag_header_get_time (const guint8 * header, gsize len,
    const gchar * name, guint64 * out_ns)
{
  const guint8 *v;
  gsize vlen;

  if (!gst_rosbag_header_find (header, len, name, &v, &vlen) || vlen != 8)
    return FALSE;
  *out_ns = gst_rosbag_read_time (v);
  return TRUE;
}

gchar *
gst_rosbag_header_dup_string (const guint8 * header, gsize len,
    const gchar * name)
{
  const guint8 *v;
  gsize vlen;

  if (!gst_rosbag_header_find (header, len, name, &v, &vlen))
    return NULL;
  return g_strndup ((const gchar *) v, vlen);
}
