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


/* libFuzzer harness for the IDL front end (gst/rosbag/rosbag-idl.c).
 *
 * Input: IDL text (ros2idl sections or plain OMG IDL). The root struct is
 * "fuzz/msg/Root" (or any struct named Root); a first line
 * "//root NAME" names another one. A translated text must have the root's
 * name and no NUL; an error must be UNSUPPORTED or CORRUPT.
 *
 *   fuzz_idl -max_len=8192 tests/fuzz/corpus/idl
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib.h>
#include <gst/rosbag/rosbag-idl.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  const gchar *idl = (const gchar *) data;
  gchar *root = NULL, *name = NULL, *msg;
  GError *err = NULL;

  if (size > 7 && memcmp (data, "//root ", 7) == 0) {
    const guint8 *nl = memchr (data, '\n', size);

    if (nl)
      root = g_strndup ((const gchar *) data + 7, nl - data - 7);
  }
  msg = gst_rosbag_idl_to_msg (idl, size, root ? root : "fuzz/msg/Root",
      &name, &err);
  if (msg == NULL) {
    g_assert (err != NULL && name == NULL);
    g_assert (g_error_matches (err, GST_ROSBAG_ERROR,
            GST_ROSBAG_ERROR_UNSUPPORTED) || g_error_matches (err,
            GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT));
    g_assert (strstr (err->message, "IDL line ") == err->message);
    g_error_free (err);
  } else {
    g_assert (err == NULL && name != NULL && *name != '\0');
    /* no text is cut short by a NUL */
    g_assert (msg[0] == '\0' || msg[strlen (msg) - 1] == '\n');
    g_free (msg);
    g_free (name);
  }
  g_free (root);
  return 0;
}
