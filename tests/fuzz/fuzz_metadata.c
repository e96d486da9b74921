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


/* libFuzzer harness for rosbag2 metadata.yaml (gst/rosbag/rosbag-rosbag2.c,
 * libyaml underneath): the metadata parser and the QoS profile parser on
 * the same text. An error must be CORRUPT or NOT_A_BAG and name the file;
 * QoS profiles, when they come out, are an array of dictionaries.
 *
 *   fuzz_metadata -max_len=65536 tests/fuzz/corpus/metadata
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib.h>
#include <gst/rosbag/rosbag-private.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GError *err = NULL;
  GVariant *q;
  gint n;

  n = gst_rosbag_rosbag2_check_metadata ((const gchar *) data, size, &err);
  if (n < 0) {
    g_assert (err != NULL);
    g_assert (g_error_matches (err, GST_ROSBAG_ERROR,
            GST_ROSBAG_ERROR_CORRUPT) || g_error_matches (err,
            GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG));
    g_assert (strstr (err->message, "metadata.yaml") != NULL);
    g_error_free (err);
  } else {
    g_assert (err == NULL);
  }
  q = gst_rosbag_qos_parse ((const gchar *) data, size);
  if (q) {
    g_assert (g_variant_is_of_type (q, G_VARIANT_TYPE ("aa{sv}")));
    g_variant_unref (q);
  }
  return 0;
}
