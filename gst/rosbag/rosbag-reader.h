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
#include <gst/rosbag/rosbag-bag.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-reader
 * @short_description: messages in receive-time order
 *
 * A k-way merge over the chunks' index entries keyed (time, chunk
 * position, offset): time order across chunks that overlap and lie out of
 * file order, deterministic for equal times. A topic filter and a time
 * range prune chunks through the chunk infos before any decompression.
 * Decompressed chunks live in a cache bounded in bytes; a chunk is loaded
 * only when its first wanted message is due.
 */
typedef struct _GstRosbagReader GstRosbagReader;

#define GST_ROSBAG_READER_DEFAULT_CACHE_SIZE (64 * 1024 * 1024)

typedef struct
{
  const GstRosbagConnection *conn;      /* conn->topic_info is the topic */
  guint64 time_ns;              /* receive (record) time */
  const guint8 *data;           /* the serialized message */
  gsize size;
  GBytes *chunk;                /* borrowed: the decompressed chunk holding
                                 * @data; valid until the next call */
  guint64 chunk_pos;            /* file offset of the chunk record */
  guint32 offset;               /* record offset inside the chunk */
} GstRosbagMessage;

typedef enum
{
  GST_ROSBAG_READ_OK,
  GST_ROSBAG_READ_EOS,
  /* a chunk or a record could not be read: the error says which and
   * where; the reader has skipped past it and the next call goes on */
  GST_ROSBAG_READ_ERROR
} GstRosbagReadResult;

GstRosbagReader *gst_rosbag_reader_new (GstRosbagBag * bag);
void gst_rosbag_reader_free (GstRosbagReader * reader);
GstRosbagBag *gst_rosbag_reader_get_bag (GstRosbagReader * reader);

/* Settings; each resets the position to the start of the range */
void gst_rosbag_reader_set_cache_size (GstRosbagReader * reader,
    gsize max_bytes);
void gst_rosbag_reader_set_topics (GstRosbagReader * reader,
    const gchar * const *patterns);
/* absolute receive times in ns; 0 and G_MAXUINT64 mean open ends; stop is
 * exclusive */
void gst_rosbag_reader_set_time_range (GstRosbagReader * reader,
    guint64 start_ns, guint64 stop_ns);
/* How many chunks a worker thread decompresses ahead of need (within the
 * cache size); 0 turns prefetching off. Default: 2 on a machine with more
 * than one core, else 0. */
void gst_rosbag_reader_set_prefetch (GstRosbagReader * reader,
    guint n_chunks);
/* Repositions at the first wanted message with time >= @time_ns. */
void gst_rosbag_reader_seek (GstRosbagReader * reader, guint64 time_ns);

GstRosbagReadResult gst_rosbag_reader_next (GstRosbagReader * reader,
    GstRosbagMessage * msg, GError ** error);

/* A new GBytes for msg->data sharing the chunk's memory */
GBytes *gst_rosbag_message_ref_bytes (const GstRosbagMessage * msg);

/* Bytes held in the chunk cache right now, and the most ever held */
gsize gst_rosbag_reader_get_cache_bytes (GstRosbagReader * reader);
gsize gst_rosbag_reader_get_cache_peak (GstRosbagReader * reader);

G_END_DECLS
#endif /* __GST_ROSBAG_READER_H__ */
