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

#ifndef __GST_ROS_MSG_CONVERT_H__
#define __GST_ROS_MSG_CONVERT_H__

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/rosbag/rosbag.h>

G_BEGIN_DECLS
#define GST_TYPE_ROS_MSG_CONVERT (gst_ros_msg_convert_get_type ())
G_DECLARE_FINAL_TYPE (GstRosMsgConvert, gst_ros_msg_convert, GST,
    ROS_MSG_CONVERT, GstBaseTransform);

/**
 * GstRosMsgConvertFormat:
 * @GST_ROS_MSG_CONVERT_FORMAT_JSON: one JSON object per line
 * @GST_ROS_MSG_CONVERT_FORMAT_CSV: a header row, then one row per message
 */
typedef enum
{
  GST_ROS_MSG_CONVERT_FORMAT_JSON,
  GST_ROS_MSG_CONVERT_FORMAT_CSV
} GstRosMsgConvertFormat;

#define GST_TYPE_ROS_MSG_CONVERT_FORMAT (gst_ros_msg_convert_format_get_type ())
GType gst_ros_msg_convert_format_get_type (void);

/**
 * GstRosMsgConvertTimeFormat:
 * @GST_ROS_MSG_CONVERT_TIME_NS: time and duration as integer nanoseconds
 * @GST_ROS_MSG_CONVERT_TIME_SECS_NSECS: as {"secs", "nsecs"} (JSON) or two
 *     columns name.secs, name.nsecs (CSV)
 */
typedef enum
{
  GST_ROS_MSG_CONVERT_TIME_NS,
  GST_ROS_MSG_CONVERT_TIME_SECS_NSECS
} GstRosMsgConvertTimeFormat;

#define GST_TYPE_ROS_MSG_CONVERT_TIME_FORMAT (gst_ros_msg_convert_time_format_get_type ())
GType gst_ros_msg_convert_time_format_get_type (void);

/**
 * GstRosMsgConvertBytes:
 * @GST_ROS_MSG_CONVERT_BYTES_BASE64: variable uint8[] / char[] as base64
 * @GST_ROS_MSG_CONVERT_BYTES_LENGTH: as their length in bytes
 */
typedef enum
{
  GST_ROS_MSG_CONVERT_BYTES_BASE64,
  GST_ROS_MSG_CONVERT_BYTES_LENGTH
} GstRosMsgConvertBytes;

#define GST_TYPE_ROS_MSG_CONVERT_BYTES (gst_ros_msg_convert_bytes_get_type ())
GType gst_ros_msg_convert_bytes_get_type (void);

G_END_DECLS
#endif /* __GST_ROS_MSG_CONVERT_H__ */
