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

#ifndef __GST_ROSBAG_MCAP_H__
#define __GST_ROSBAG_MCAP_H__

/* Not installed: MCAP records, shared by the file backend
 * (rosbag-mcap.c) and the incremental parser (rosbag-stream.c). */

#include <gst/rosbag/rosbag-private.h>
#include <gst/rosbag/rosbag-stream.h>
#include <gst/rosbag/rosbag-record.h>
#include <gst/rosbag/rosbag-chunk.h>

G_BEGIN_DECLS typedef enum
{
  GST_ROSBAG_MCAP_OP_HEADER = 0x01,
  GST_ROSBAG_MCAP_OP_FOOTER = 0x02,
  GST_ROSBAG_MCAP_OP_SCHEMA = 0x03,
  GST_ROSBAG_MCAP_OP_CHANNEL = 0x04,
  GST_ROSBAG_MCAP_OP_MESSAGE = 0x05,
  GST_ROSBAG_MCAP_OP_CHUNK = 0x06,
  GST_ROSBAG_MCAP_OP_MESSAGE_INDEX = 0x07,
  GST_ROSBAG_MCAP_OP_CHUNK_INDEX = 0x08,
  GST_ROSBAG_MCAP_OP_ATTACHMENT = 0x09,
  GST_ROSBAG_MCAP_OP_ATTACHMENT_INDEX = 0x0a,
  GST_ROSBAG_MCAP_OP_STATISTICS = 0x0b,
  GST_ROSBAG_MCAP_OP_METADATA = 0x0c,
  GST_ROSBAG_MCAP_OP_METADATA_INDEX = 0x0d,
  GST_ROSBAG_MCAP_OP_SUMMARY_OFFSET = 0x0e,
  GST_ROSBAG_MCAP_OP_DATA_END = 0x0f
} GstRosbagMcapOp;

#define GST_READ_UINT16_LE_MCAP(p) \
  ((guint16) (((const guint8 *) (p))[0] | (((const guint8 *) (p))[1] << 8)))
#define GST_READ_UINT32_LE_MCAP(p) \
  ((guint32) GST_READ_UINT16_LE_MCAP (p) | \
   ((guint32) GST_READ_UINT16_LE_MCAP ((const guint8 *) (p) + 2) << 16))
#define GST_READ_UINT64_LE_MCAP(p) \
  ((guint64) GST_READ_UINT32_LE_MCAP (p) | \
   ((guint64) GST_READ_UINT32_LE_MCAP ((const guint8 *) (p) + 4) << 32))

/* One record: @content is NULL while its bytes are not all there */
typedef struct
{
  guint64 offset;
  guint8 op;
  guint64 len;                  /* content length */
  guint64 total_len;            /* 9 + len */
  const guint8 *content;
} GstRosbagMcapRecord;

GstRosbagParseResult gst_rosbag_mcap_record_parse (const guint8 * buf,
    gsize avail, guint64 base_offset, GstRosbagMcapRecord * rec,
    guint64 * needed, GError ** error);
/* register into tables of id -> Schema / Channel (owned by the caller's
 * tables, made with gst_rosbag_mcap_new_*_table) */
GHashTable *gst_rosbag_mcap_new_schema_table (void);
GHashTable *gst_rosbag_mcap_new_channel_table (void);
gboolean gst_rosbag_mcap_parse_schema (const GstRosbagMcapRecord * rec,
    GHashTable * schemas, GError ** error);
gboolean gst_rosbag_mcap_parse_channel (const GstRosbagMcapRecord * rec,
    GHashTable * channels, GError ** error);
/* a new topic for channel @id, from the tables; NULL if unknown */
GstRosbagTopic *gst_rosbag_mcap_topic_for_channel (GHashTable * schemas,
    GHashTable * channels, guint16 id);
gboolean gst_rosbag_mcap_parse_message (const guint8 * content, guint64 len,
    guint64 offset, GstRosbagMessage * msg, GError ** error);
/* a Chunk record's fields, its records still compressed */
typedef struct
{
  guint64 start_ns, end_ns, usize;
  guint32 crc;
  gchar *compression;
  const guint8 *records;
  guint64 records_len;
} GstRosbagMcapChunkHead;

gboolean gst_rosbag_mcap_chunk_head_parse (const guint8 * content,
    guint64 len, guint64 pos, GstRosbagMcapChunkHead * h, GError ** error);
GBytes *gst_rosbag_mcap_chunk_decode (GBytes * owner, const guint8 * content,
    guint64 len, guint64 pos, GError ** error);

/* The stream parser's scan mode: the file backends drive it over the
 * parts of a file they must walk (an MCAP file without a summary, the
 * gaps no chunk index covers). It then returns no messages: it tells
 * @scan what goes by, and registers schemas and channels into the
 * caller's tables. */
typedef struct
{
  /* a Chunk record at @pos; @head NULL if its fields do not parse;
   * @error set if it could not be decoded (its messages are not seen) */
  void (*chunk) (gpointer user_data, guint64 pos, guint64 total_len,
      const GstRosbagMcapChunkHead * head, const GError * error);
  /* every Message record, known channel or not: msg->chunk_pos is the
   * chunk's position and msg->offset the record's offset inside it, or
   * the record's own position and 0 outside chunks */
  void (*message) (gpointer user_data, const GstRosbagMessage * msg,
      guint64 record_len, gboolean in_chunk);
  /* the name of a Metadata or Attachment record */
  void (*name) (gpointer user_data, guint8 op, const gchar * name);
  /* a DataEnd or Footer record: the data section ends at @pos */
  void (*end) (gpointer user_data, guint8 op, guint64 pos);
} GstRosbagStreamScan;

/* The same for a ROS 1 bag: the records after the bag header */
typedef struct
{
  /* a CONNECTION record, at the top level or inside a chunk */
  void (*connection) (gpointer user_data, const GstRosbagRecord * rec,
      guint64 pos, gboolean in_chunk);
  /* a MSG_DATA record: @pos its file offset (top level) or its offset in
   * the decoded chunk */
  void (*message) (gpointer user_data, guint64 pos, guint64 total_len,
      guint32 conn, guint64 time_ns, gboolean in_chunk);
  /* any other top-level record (index, chunk info...) */
  void (*other) (gpointer user_data, guint8 op, guint64 pos);
  /* a CHUNK record whose data_len is 0 and compression none: the open
   * chunk of a killed recording, its records follow at the top level */
  void (*open_chunk) (gpointer user_data, guint64 pos, guint64 data_pos);
  /* a CHUNK record: @stored bytes of data at @data_pos are there
   * (@complete: all of them); @why: why it decodes only in part, or NULL;
   * @comp UNKNOWN: it cannot be decoded at all */
  void (*chunk_begin) (gpointer user_data, guint64 pos,
      GstRosbagCompression comp, guint32 size, guint64 data_pos,
      guint64 stored, gboolean complete, const gchar * why);
  /* its records were walked: @used bytes of @decoded are complete
   * records; @why: why the walk stopped early, or NULL */
  void (*chunk_end) (gpointer user_data, gsize used, gsize decoded,
      const gchar * why);
} GstRosbagStreamBagScan;

GstRosbagStreamParser *gst_rosbag_stream_parser_new_bag_scan (const gchar *
    name, guint64 offset, const GstRosbagStreamBagScan * scan,
    gpointer user_data);

GstRosbagStreamParser *gst_rosbag_stream_parser_new_scan (const gchar * name,
    guint64 offset, GHashTable * schemas, GHashTable * channels,
    const GstRosbagStreamScan * scan, gpointer user_data);
/* a damaged record the parser skipped (@at_end: the range has ended);
 * FALSE stops the scan */
typedef gboolean (*GstRosbagScanSkipped) (gpointer user_data,
    const GError * error, gboolean at_end);
/* Drives a scan-mode parser over [@pos, @end) of a file read with
 * @read_func, in 4 MiB windows, jumping over the records it drops, until
 * the parser ends, @skipped says stop or *@stop turns TRUE. FALSE with
 * @error when it could not go on (a dropped record past @end, a failed
 * read, an unreadable record); *@stop_pos says where it stopped. */
gboolean gst_rosbag_stream_parser_scan_range (GstRosbagStreamParser * p,
    GstRosbagReadFunc read_func, gpointer read_data, guint64 pos,
    guint64 end, GstRosbagScanSkipped skipped, const gboolean * stop,
    gpointer user_data, guint64 * stop_pos, GError ** error);

/* bytes of a record being dropped that have not arrived yet: the caller
 * jumps over them instead of reading them */
guint64 gst_rosbag_stream_parser_take_skip (GstRosbagStreamParser * parser);

G_END_DECLS
#endif /* __GST_ROSBAG_MCAP_H__ */
