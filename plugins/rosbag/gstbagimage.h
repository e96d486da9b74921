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

#ifndef __GST_BAG_IMAGE_H__
#define __GST_BAG_IMAGE_H__

#include <gst/gst.h>
#include <gst/rosbag/rosbag-msgdef.h>

G_BEGIN_DECLS

/*
 * gstbagimage: maps sensor_msgs/Image and sensor_msgs/CompressedImage
 * messages to GStreamer caps + buffers. A pure module (no element); used
 * by bagdemux once per message of an image topic. See docs/images.md for
 * the full encoding -> caps table.
 *
 * API
 * ---
 * gst_bag_image_type_is_mapped (ros_type):
 *   TRUE for sensor_msgs/Image and sensor_msgs/CompressedImage (also the
 *   ROS 2 spelling sensor_msgs/msg/...).
 *
 * gst_bag_image_map (def, msg_bytes, use_video_meta, &caps, &buffer,
 *     &header_stamp_ns, &error):
 *   @def is the topic's parsed definition (gst_rosbag_msgdef_parse_schema:
 *   ROS 1 or ROS 2, its wire format with it); its type name says Image or
 *   CompressedImage. The fields (header.stamp, height, width, encoding,
 *   is_bigendian, step, data / format, data) are read by the library's
 *   decoder: no byte offset is assumed.
 *   @msg_bytes holds exactly one serialized message; it may be a slice of
 *   a bigger chunk (the output buffer then shares that memory: no copy).
 *   Return values:
 *   - FALSE + @error: malformed message (a length field runs past the
 *     bytes, data shorter than step x height, step shorter than a row,
 *     zero width/height). Nothing is read out of bounds; *caps and
 *     *buffer are NULL. The caller should warn and skip the message.
 *   - TRUE, *caps == NULL, *buffer == NULL: the message is well formed but
 *     has no GStreamer mapping (32FC1, 64FC1, 16-bit bayer, rvl, ...):
 *     the caller sends it as application/x-rosmsg like any other type.
 *     *header_stamp_ns is still set.
 *   - TRUE, *caps and *buffer set (caller owns both): video/x-raw,
 *     video/x-bayer, image/jpeg or image/png. Timestamps of the buffer are
 *     left unset (the caller's job). Caps change from one message to the
 *     next when the resolution or encoding changes: compare with
 *     gst_caps_is_equal() and send a new caps event.
 *   video/x-raw with a row step that differs from GStreamer's default
 *   stride (e.g. rgb8 width 5: step 15, default stride 16) goes out
 *   without a copy with a GstVideoMeta carrying the real stride when
 *   @use_video_meta is TRUE (downstream's ALLOCATION query answer had
 *   GST_VIDEO_META_API_TYPE); otherwise rows are repacked to the default
 *   stride. video/x-bayer always has rows of GST_ROUND_UP_4 (width) bytes
 *   (what bayer2rgb reads), repacked when the message's step differs.
 *   16-bit samples (mono16, 16UC1, rgba16, bgra16, 16UC4) come in the
 *   message's own byte order (is_bigendian): GRAY16_LE or GRAY16_BE,
 *   RGBA64_LE or RGBA64_BE, BGRA64_LE or BGRA64_BE, zero copy as above.
 *   Any of @caps, @buffer, @header_stamp_ns may be NULL when not wanted.
 *   Same as gst_bag_image_map_full() with @downstream and @choices NULL.
 *
 * gst_bag_image_map_full (def, msg_bytes, use_video_meta, downstream,
 *     &caps, &choices, &buffer, &header_stamp_ns, &error):
 *   as gst_bag_image_map(), and:
 *   *choices (when @choices is not NULL; caller owns it): every caps this
 *   message can go out as, preferred first, one structure each: first the
 *   message's own layout (what gst_bag_image_map() gives: zero copy where
 *   the stride allows), then, for the 16-bit formats, the same image in
 *   the other byte order (GRAY16_LE <-> GRAY16_BE, RGBA64_LE <-> RGBA64_BE,
 *   BGRA64_LE <-> BGRA64_BE). For every other mapping *choices is a copy of
 *   *caps; NULL where *caps is NULL. What a source pad offers in its CAPS
 *   query answer and filters its peer's caps with.
 *   @downstream (may be NULL: no constraint) is downstream's answer to that
 *   query (gst_pad_peer_query_caps (pad, choices)), in its order of
 *   preference: the first of its structures that one of the choices
 *   intersects picks that choice (a base source's fixation of its peer's
 *   caps); without a match, or with NULL or ANY, the message's own layout.
 *   When the other byte order is picked, *caps says it and *buffer is a
 *   new buffer in GStreamer's default layout (the default stride, padding
 *   zeroed, no GstVideoMeta whatever @use_video_meta) holding the pixels
 *   with the two bytes of every 16-bit sample swapped, rows read `step`
 *   bytes apart as above; the rows' padding in the message is not read.
 *   Malformed messages fail the same way whatever @downstream says.
 *
 * gst_bag_image_pick_caps (choices, downstream):
 *   the one caps of @choices (non-empty, from gst_bag_image_map_full())
 *   that gst_bag_image_map_full() would give with @downstream (may be
 *   NULL); new caps, caller owns them. For a pad that negotiates before it
 *   has a message to map.
 *
 * gst_bag_image_encoding_to_caps (encoding, is_bigendian, width, height):
 *   the caps an Image with these fields maps to (the message's own byte
 *   order: the first of the choices), or NULL (stays
 *   application/x-rosmsg). Used by the docs test and by callers that want
 *   to know ahead.
 *
 * gst_bag_image_describe (def, msg_bytes):
 *   a short description of a message for warnings: "encoding '32FC1',
 *   2x2" (Image) or "format '16UC1; compressedDepth rvl', 52 bytes"
 *   (CompressedImage), strings escaped and cut at 64 bytes; NULL when the
 *   fields cannot be read. Caller frees it.
 */

gboolean gst_bag_image_type_is_mapped (const gchar * ros_type);

gboolean gst_bag_image_map (GstRosbagMsgDef * def, GBytes * msg_bytes,
    gboolean use_video_meta, GstCaps ** caps, GstBuffer ** buffer,
    guint64 * header_stamp_ns, GError ** error);

gboolean gst_bag_image_map_full (GstRosbagMsgDef * def, GBytes * msg_bytes,
    gboolean use_video_meta, GstCaps * downstream, GstCaps ** caps,
    GstCaps ** choices, GstBuffer ** buffer, guint64 * header_stamp_ns,
    GError ** error);

GstCaps *gst_bag_image_pick_caps (GstCaps * choices, GstCaps * downstream);

GstCaps *gst_bag_image_encoding_to_caps (const gchar * encoding,
    gboolean is_bigendian, guint width, guint height);

gchar *gst_bag_image_describe (GstRosbagMsgDef * def, GBytes * msg_bytes);

G_END_DECLS

#endif /* __GST_BAG_IMAGE_H__ */
