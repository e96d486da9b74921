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

/* libFuzzer harness for the message definition parser, the decoder and
 * the JSON / CSV writers (gst/rosbag/rosbag-msgdef.c).
 *
 * Input: a message_definition text, a NUL byte, then the serialized
 * message. Without a NUL the whole input is the definition and is also
 * decoded as a message. The root type is "fuzz/Root"; a first line
 * "#type pkg/Type" names another one.
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

static void
fuzz_one (GstRosbagMsgDef * def, const guint8 * msg, gsize len)
{
  GString *out = g_string_new (NULL);
  GError *err = NULL;
  gchar **cols;
  gsize consumed = 0;
  guint flags;

  for (flags = 0; flags <= (GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS |
          GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH); flags++) {
    g_string_truncate (out, 0);
    if (!gst_rosbag_msgdef_write_json_line (def, "/fuzz", 1, msg, len, flags,
            out, &err)) {
      g_assert (err != NULL);
      g_assert (out->len == 0);
      g_clear_error (&err);
    } else {
      g_assert (out->len > 0 && out->str[out->len - 1] == '\n');
      g_assert (g_utf8_validate (out->str, out->len, NULL));
    }
    g_string_truncate (out, 0);
    gst_rosbag_msgdef_write_csv_header (def, flags, out);
    if (!gst_rosbag_msgdef_write_csv_row (def, 2, msg, len, flags, out, &err))
      g_clear_error (&err);
    cols = gst_rosbag_msgdef_get_csv_columns (def, flags);
    g_strfreev (cols);
  }
  if (gst_rosbag_msgdef_decode (def, msg, len, NULL, NULL, &consumed, &err))
    g_assert (consumed <= len);
  else
    g_clear_error (&err);
  g_string_free (out, TRUE);
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  const guint8 *nul = memchr (data, 0, size);
  gsize def_len = nul ? (gsize) (nul - data) : size;
  gchar *text = g_strndup ((const gchar *) data, def_len);
  const gchar *type = "fuzz/Root";
  gchar *type_buf = NULL;
  GstRosbagMsgDef *def;
  GError *err = NULL;

  if (g_str_has_prefix (text, "#type ")) {
    const gchar *nl = strchr (text, '\n');

    type_buf = nl ? g_strndup (text + 6, nl - text - 6) : g_strdup (text + 6);
    type = type_buf;
  }

  def = gst_rosbag_msgdef_parse (type, text, &err);
  if (def == NULL) {
    g_assert (err != NULL);
    g_clear_error (&err);
  } else {
    if (nul)
      fuzz_one (def, nul + 1, size - def_len - 1);
    else
      fuzz_one (def, data, size);
    gst_rosbag_msgdef_unref (def);
  }
  g_free (type_buf);
  g_free (text);
  return 0;
}
