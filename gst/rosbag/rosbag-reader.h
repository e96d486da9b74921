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

#ifndef __GST_ROSBAG_READER_H__
#define __GST_ROSBAG_READER_H__

#include <glib.h>
#include <gst/rosbag/rosbag-recording.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-reader
 * @short_description: messages in receive-time (log-time) order
 *
 * A k-way merge over the chunks' index entries keyed (time, chunk
 * position, offset): time order across chunks that overlap and lie out of
 * file order, file order for equal times. A topic filter and a time
 * range prune chunks before any decompression. Decompressed chunks live
 * in a cache bounded in bytes; a chunk is loaded only when its first
 * wanted message is due. The same reader serves ROS 1 bags and MCAP.
 *
 * Threads: all reading of the file happens in the thread that calls
 * gst_rosbag_reader_next(); a pool of workers (one per CPU by default,
 * gst_rosbag_reader_set_workers()) only decompresses bytes that thread
 * has read, the chunks due next first.
 */
typedef struct _GstRosbagReader GstRosbagReader;

/**
 * GST_ROSBAG_READER_DEFAULT_CACHE_SIZE:
 *
 * The default bound of the chunk cache, in bytes.
 */
#define GST_ROSBAG_READER_DEFAULT_CACHE_SIZE (64 * 1024 * 1024)

/**
 * GstRosbagMessage:
 * @topic: the message's topic
 * @channel_id: the ROS 1 connection id or MCAP channel id it came on
 * @time_ns: receive time (ROS 1 record time, MCAP log_time), in ns
 * @publish_time_ns: MCAP publish_time; equal to @time_ns for ROS 1
 * @sequence: MCAP sequence number; 0 for ROS 1
 * @data: the serialized message
 * @size: its size
 * @chunk: (transfer none): the decompressed chunk holding @data; valid
 *   until the next call
 * @chunk_pos: file offset of the chunk record (or of the block of
 *   messages outside chunks)
 * @offset: record offset inside the chunk
 *
 * A view of one message, filled completely by gst_rosbag_reader_next().
 */
typedef struct
{
  const GstRosbagTopic *topic;
  guint32 channel_id;
  guint64 time_ns;
  guint64 publish_time_ns;
  guint32 sequence;
  const guint8 *data;
  gsize size;
  GBytes *chunk;
  guint64 chunk_pos;
  guint64 offset;
} GstRosbagMessage;

/**
 * GstRosbagReadResult:
 * @GST_ROSBAG_READ_OK: a message was read
 * @GST_ROSBAG_READ_EOS: no more messages
 * @GST_ROSBAG_READ_ERROR: a chunk or a record could not be read: the error
 *   says which and where; the reader has skipped past it and the next
 *   call goes on
 */
typedef enum
{
  GST_ROSBAG_READ_OK,
  GST_ROSBAG_READ_EOS,
  GST_ROSBAG_READ_ERROR
} GstRosbagReadResult;

GST_ROSBAG_API
GstRosbagReader *gst_rosbag_reader_new (GstRosbagRecording *rec);
GST_ROSBAG_API
void gst_rosbag_reader_free (GstRosbagReader *reader);
GST_ROSBAG_API
GstRosbagRecording *gst_rosbag_reader_get_recording (GstRosbagReader *reader);
GST_ROSBAG_API
void gst_rosbag_reader_set_cache_size (GstRosbagReader *reader, gsize
    max_bytes);
GST_ROSBAG_API
void gst_rosbag_reader_set_topics (GstRosbagReader *reader, const gchar *const
    *patterns);
GST_ROSBAG_API
void gst_rosbag_reader_set_time_range (GstRosbagReader *reader, guint64
    start_ns, guint64 stop_ns);
GST_ROSBAG_API
void gst_rosbag_reader_set_prefetch (GstRosbagReader *reader, guint n_chunks);
GST_ROSBAG_API
void gst_rosbag_reader_set_workers (GstRosbagReader *reader, guint n_workers);
GST_ROSBAG_API
guint gst_rosbag_reader_get_workers (GstRosbagReader *reader);
GST_ROSBAG_API
guint gst_rosbag_reader_default_workers (void);
GST_ROSBAG_API
void gst_rosbag_reader_seek (GstRosbagReader *reader, guint64 time_ns);
GST_ROSBAG_API
GstRosbagReadResult gst_rosbag_reader_next (GstRosbagReader *reader,
    GstRosbagMessage *msg, GError **error);
GST_ROSBAG_API
GBytes *gst_rosbag_message_ref_bytes (const GstRosbagMessage *msg);
GST_ROSBAG_API
gsize gst_rosbag_reader_get_cache_bytes (GstRosbagReader *reader);
GST_ROSBAG_API
gsize gst_rosbag_reader_get_cache_peak (GstRosbagReader *reader);
G_END_DECLS
#endif /* __GST_ROSBAG_READER_H__ */
