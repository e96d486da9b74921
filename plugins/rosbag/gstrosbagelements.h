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

#ifndef __GST_ROSBAG_ELEMENTS_H__
#define __GST_ROSBAG_ELEMENTS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* what bagdemux (and bagsrc, its ghost pads) may output: serialized
 * messages, images (gstbagimage.c), compressed video (gstbagvideo.c) */
#define GST_BAG_DEMUX_SRC_CAPS \
  "application/x-rosmsg; application/x-mcap-message; " \
  "video/x-raw; video/x-bayer; image/jpeg; image/png; " \
  "video/x-h264, stream-format=(string)byte-stream, alignment=(string)au; " \
  "video/x-h265, stream-format=(string)byte-stream, alignment=(string)au; " \
  "video/x-vp9; " \
  "video/x-av1, stream-format=(string)obu-stream, alignment=(string)tu"

/* one line per element of the plugin; keep in sync with plugin.c */
GST_ELEMENT_REGISTER_DECLARE (bagdemux);
GST_ELEMENT_REGISTER_DECLARE (bagsrc);
GST_ELEMENT_REGISTER_DECLARE (bagalign);
GST_ELEMENT_REGISTER_DECLARE (rosmsgconvert);
GST_TYPE_FIND_REGISTER_DECLARE (rosbag);

G_END_DECLS

#endif /* __GST_ROSBAG_ELEMENTS_H__ */
