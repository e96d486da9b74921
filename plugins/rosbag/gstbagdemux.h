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

#ifndef __GST_BAG_DEMUX_H__
#define __GST_BAG_DEMUX_H__

#include <gst/gst.h>
#include <gst/base/gstflowcombiner.h>
#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>
#include <gst/rosbag/rosbag-stream.h>

G_BEGIN_DECLS
#define GST_TYPE_BAG_DEMUX (gst_bag_demux_get_type ())
G_DECLARE_FINAL_TYPE (GstBagDemux, gst_bag_demux, GST, BAG_DEMUX, GstElement);

/**
 * GstBagTimestampSource:
 * @GST_BAG_TIMESTAMP_SOURCE_RECEIVE: the receive time (a ROS 1 bag's
 *     record time, an MCAP message's log_time)
 * @GST_BAG_TIMESTAMP_SOURCE_HEADER: header.stamp, falling back to the
 *     receive time for messages without a std_msgs/Header (and, for now,
 *     for every topic that is not in the ROS 1 wire format)
 */
typedef enum
{
  GST_BAG_TIMESTAMP_SOURCE_RECEIVE,
  GST_BAG_TIMESTAMP_SOURCE_HEADER
} GstBagTimestampSource;

#define GST_TYPE_BAG_TIMESTAMP_SOURCE (gst_bag_timestamp_source_get_type ())
GType gst_bag_timestamp_source_get_type (void);

/* reference caps of the GstReferenceTimestampMeta on every buffer */
#define GST_BAG_RECEIVE_TIME_CAPS "timestamp/x-ros-receive-time"
#define GST_BAG_HEADER_STAMP_CAPS "timestamp/x-ros-header-stamp"
/* MCAP's publish_time (MCAP messages only: a ROS 1 bag records none) */
#define GST_BAG_PUBLISH_TIME_CAPS "timestamp/x-ros-publish-time"

/* custom tags on every stream */
#define GST_BAG_TAG_TOPIC "ros-topic"
#define GST_BAG_TAG_TYPE "ros-type"

void gst_bag_register_tags (void);

/* the max-threads property, the same in bagdemux and bagsrc */
GParamSpec *gst_bag_demux_param_spec_max_threads (void);
/* the use-mmap property, the same in bagdemux and bagsrc */
GParamSpec *gst_bag_demux_param_spec_use_mmap (void);

/* bagsrc: @pad's queue is full, the streaming thread is about to wait in
 * it; the other topics get their held-back lists and a GAP up to where
 * the demuxer has read (streaming thread only) */
void gst_bag_demux_announce_position (GstBagDemux * demux, GstPad * pad);

/* "/cam0/image_raw" -> "cam0_image_raw" */
gchar *gst_bag_topic_to_pad_name (const gchar * topic);

G_END_DECLS
#endif /* __GST_BAG_DEMUX_H__ */
