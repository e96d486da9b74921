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

#ifndef __GST_ROSBAG_STREAM_H__
#define __GST_ROSBAG_STREAM_H__

#include <glib.h>
#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-stream
 * @short_description: the incremental parser: bytes in, messages out
 *
 * A #GstRosbagStreamParser takes a recording's bytes as they come (a
 * pipe, HTTP, push mode) and gives back its messages in file order, with
 * the topics they belong to as their connection or channel records
 * appear. It tells the format apart by the magic. It keeps at most one
 * record (one chunk) in memory; records it does not need (attachments,
 * indexes) are dropped as their bytes go by, whatever their size.
 *
 * The same parser scans files without an index in the library.
 */
typedef struct _GstRosbagStreamParser GstRosbagStreamParser;

/**
 * GstRosbagStreamResult:
 * @GST_ROSBAG_STREAM_MESSAGE: a message was returned
 * @GST_ROSBAG_STREAM_NEED_DATA: push more bytes (or end the stream)
 * @GST_ROSBAG_STREAM_EOS: the stream ended and every message was returned
 * @GST_ROSBAG_STREAM_SKIPPED: a damaged record or chunk was skipped; the
 *   error says where and why, and the next call goes on after it
 * @GST_ROSBAG_STREAM_ERROR: the stream cannot be read on (not a
 *   recording, or a record that cannot be skipped); the error says why
 */
typedef enum
{
  GST_ROSBAG_STREAM_MESSAGE,
  GST_ROSBAG_STREAM_NEED_DATA,
  GST_ROSBAG_STREAM_EOS,
  GST_ROSBAG_STREAM_SKIPPED,
  GST_ROSBAG_STREAM_ERROR
} GstRosbagStreamResult;

GST_ROSBAG_API
GstRosbagStreamParser *gst_rosbag_stream_parser_new (const gchar *name);
GST_ROSBAG_API
void gst_rosbag_stream_parser_free (GstRosbagStreamParser *parser);
GST_ROSBAG_API
void gst_rosbag_stream_parser_push (GstRosbagStreamParser *parser, GBytes
    *bytes);
GST_ROSBAG_API
void gst_rosbag_stream_parser_push_eos (GstRosbagStreamParser *parser);
GST_ROSBAG_API
GstRosbagStreamResult gst_rosbag_stream_parser_next (GstRosbagStreamParser
    *parser, GstRosbagMessage *msg, GError **error);
GST_ROSBAG_API
gboolean gst_rosbag_stream_parser_get_format (GstRosbagStreamParser *parser,
    GstRosbagFormat *format);
GST_ROSBAG_API
guint gst_rosbag_stream_parser_get_n_topics (GstRosbagStreamParser *parser);
GST_ROSBAG_API
const GstRosbagTopic *gst_rosbag_stream_parser_get_topic (GstRosbagStreamParser
    *parser, guint i);
GST_ROSBAG_API
gboolean gst_rosbag_stream_parser_get_indexed (GstRosbagStreamParser *parser,
    gboolean *indexed);
GST_ROSBAG_API
guint64 gst_rosbag_stream_parser_get_offset (GstRosbagStreamParser *parser);
G_END_DECLS
#endif /* __GST_ROSBAG_STREAM_H__ */
