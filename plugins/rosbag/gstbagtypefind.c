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

/* Typefinders for ROS 1 bags (`#ROSBAG V2.0`, and the old `#ROSRECORD V1.2`
 * so that bagdemux can say clearly that it is not supported) and MCAP
 * files (the magic `89 4D 43 41 50 30 0D 0A`), so that gst-discoverer-1.0,
 * playbin and decodebin find bagdemux. The format library tells the magics
 * apart. A rosbag2 metadata.yaml (its `rosbag2_bagfile_information:` key)
 * is application/x-rosbag2-metadata, which bagdemux takes too: it then
 * reads the directory's storage files by path. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/rosbag/rosbag-recording.h>

#include "gstrosbagelements.h"

#define ROSBAG_CAPS "application/x-rosbag"
#define MCAP_CAPS "application/x-mcap"
#define METADATA_CAPS "application/x-rosbag2-metadata"

/* the longest magic the library needs to look at */
#define SNIFF_LEN 16

static void
recording_type_find (GstTypeFind * tf, gpointer user_data)
{
  const gchar *want = user_data;
  GstRosbagFormat format;
  const guint8 *data;
  gsize len = SNIFF_LEN;

  /* a short file: as much as there is of the magic (MCAP's is 8 bytes) */
  while ((data = gst_type_find_peek (tf, 0, len)) == NULL && len > 8)
    len--;
  if (data == NULL)
    return;
  if (gst_rosbag_recording_sniff (data, len, &format)) {
    if (format == GST_ROSBAG_FORMAT_BAG && strcmp (want, ROSBAG_CAPS) == 0)
      gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_MAXIMUM,
          ROSBAG_CAPS);
    else if (format == GST_ROSBAG_FORMAT_MCAP && strcmp (want, MCAP_CAPS) == 0)
      gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_MAXIMUM, MCAP_CAPS);
  } else if (strcmp (want, ROSBAG_CAPS) == 0 && len >= 15
      && memcmp (data, "#ROSRECORD V1.2", 15) == 0) {
    gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_LIKELY, ROSBAG_CAPS);
  }
}

/* the key may follow comments and blank lines: look at up to this much */
#define METADATA_SNIFF_LEN 4096

static void
metadata_type_find (GstTypeFind * tf, gpointer user_data)
{
  const guint8 *data = NULL;
  guint64 len = gst_type_find_get_length (tf);
  gsize n = METADATA_SNIFF_LEN;

  /* a short file (or unknown length): as much as there is */
  if (len > 0 && len < n)
    n = len;
  while (n >= 28 && (data = gst_type_find_peek (tf, 0, n)) == NULL)
    n = n > 256 ? n / 2 : n - 1;
  if (data == NULL)
    return;
  if (gst_rosbag_recording_sniff_metadata (data, n))
    gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_LIKELY,
        METADATA_CAPS);
}

static gboolean
rosbag_type_find_register (GstPlugin * plugin)
{
  GstCaps *caps = gst_caps_new_empty_simple (ROSBAG_CAPS);
  GstCaps *mcap_caps = gst_caps_new_empty_simple (MCAP_CAPS);
  GstCaps *metadata_caps = gst_caps_new_empty_simple (METADATA_CAPS);
  gboolean ret;

  ret = gst_type_find_register (plugin, "application/x-rosbag",
      GST_RANK_PRIMARY, recording_type_find, "bag,active", caps,
      (gpointer) ROSBAG_CAPS, NULL);
  ret &= gst_type_find_register (plugin, "application/x-mcap",
      GST_RANK_PRIMARY, recording_type_find, "mcap", mcap_caps,
      (gpointer) MCAP_CAPS, NULL);
  ret &= gst_type_find_register (plugin, "application/x-rosbag2-metadata",
      GST_RANK_PRIMARY, metadata_type_find, "yaml", metadata_caps, NULL, NULL);
  gst_caps_unref (caps);
  gst_caps_unref (mcap_caps);
  gst_caps_unref (metadata_caps);
  return ret;
}

GST_TYPE_FIND_REGISTER_DEFINE_CUSTOM (rosbag, rosbag_type_find_register);
