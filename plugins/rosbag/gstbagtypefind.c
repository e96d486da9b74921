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

/* A typefinder for `#ROSBAG V2.0` (and the old `#ROSRECORD V1.2`, so that
 * bagdemux can say clearly that it is not supported), so that
 * gst-discoverer-1.0, playbin and decodebin find bagdemux. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrosbagelements.h"

#define ROSBAG_CAPS "application/x-rosbag"

static void
rosbag_type_find (GstTypeFind * tf, gpointer user_data)
{
  const guint8 *data = gst_type_find_peek (tf, 0, 15);

  if (data == NULL)
    return;
  if (memcmp (data, "#ROSBAG V2.0\n", 13) == 0)
    gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_MAXIMUM, ROSBAG_CAPS);
  else if (memcmp (data, "#ROSRECORD V1.2", 15) == 0)
    gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_LIKELY, ROSBAG_CAPS);
}

static gboolean
rosbag_type_find_register (GstPlugin * plugin)
{
  GstCaps *caps = gst_caps_new_empty_simple (ROSBAG_CAPS);
  gboolean ret;

  ret = gst_type_find_register (plugin, "application/x-rosbag",
      GST_RANK_PRIMARY, rosbag_type_find, "bag,active", caps, NULL, NULL);
  gst_caps_unref (caps);
  return ret;
}

GST_TYPE_FIND_REGISTER_DEFINE_CUSTOM (rosbag, rosbag_type_find_register);
