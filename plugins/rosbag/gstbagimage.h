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
 *   Any of @caps, @buffer, @header_stamp_ns may be NULL when not wanted.
 *
 * gst_bag_image_encoding_to_caps (encoding, is_bigendian, width, height):
 *   the caps an Image with these fields maps to, or NULL (stays
 *   application/x-rosmsg). Used by the docs test and by callers that want
 *   to know ahead.
 */

gboolean gst_bag_image_type_is_mapped (const gchar * ros_type);

gboolean gst_bag_image_map (GstRosbagMsgDef * def, GBytes * msg_bytes,
    gboolean use_video_meta, GstCaps ** caps, GstBuffer ** buffer,
    guint64 * header_stamp_ns, GError ** error);

GstCaps *gst_bag_image_encoding_to_caps (const gchar * encoding,
    gboolean is_bigendian, guint width, guint height);

G_END_DECLS

#endif /* __GST_BAG_IMAGE_H__ */
