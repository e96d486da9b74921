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

#ifndef __GST_ROSBAG_RECORD_H__
#define __GST_ROSBAG_RECORD_H__

#include <glib.h>
#include <gst/rosbag/rosbag-prelude.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-record
 * @short_description: ROS bag v2.0 records and record headers
 *
 * The lowest layer: one record (`u32 header_len, header, u32 data_len,
 * data`) parsed out of a byte range, every length checked against the
 * bytes that are really there.
 */
#define GST_ROSBAG_MAGIC "#ROSBAG V2.0\n"
#define GST_ROSBAG_MAGIC_LEN 13
#define GST_ROSBAG_MAGIC_V12 "#ROSRECORD V1.2"
/* Hard upper bounds: nothing in a bag may claim more than this. */
#define GST_ROSBAG_MAX_HEADER_LEN (16 * 1024 * 1024)
#define GST_ROSBAG_MAX_CHUNK_SIZE (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024 - 1)
    typedef enum
{
  GST_ROSBAG_OP_MSG_DEF = 0x01,
  GST_ROSBAG_OP_MSG_DATA = 0x02,
  GST_ROSBAG_OP_BAG_HEADER = 0x03,
  GST_ROSBAG_OP_INDEX_DATA = 0x04,
  GST_ROSBAG_OP_CHUNK = 0x05,
  GST_ROSBAG_OP_CHUNK_INFO = 0x06,
  GST_ROSBAG_OP_CONNECTION = 0x07
} GstRosbagOp;


/**
 * GstRosbagRecord:
 * @offset: offset of the record in its range (file or chunk)
 * @header: the record header bytes (a run of fields)
 * @header_len: its length
 * @data: the data bytes, or %NULL when @data_len bytes are not available
 * @data_len: the data length as stored in the record
 * @total_len: 8 + header_len + data_len
 * @op: the op field, or 0 if absent
 */
typedef struct
{
  guint64 offset;
  const guint8 *header;
  guint32 header_len;
  const guint8 *data;
  guint32 data_len;
  guint64 total_len;
  guint8 op;
} GstRosbagRecord;

typedef enum
{
  GST_ROSBAG_PARSE_OK,
  GST_ROSBAG_PARSE_NEED_MORE,   /* fewer bytes than the record claims */
  GST_ROSBAG_PARSE_ERROR
} GstRosbagParseResult;

/* Parses one record at @buf (@avail bytes available). @base_offset is the
 * position of @buf in the file or chunk, used in error messages. With
 * @need_data FALSE, a record whose header is complete but whose data is
 * not yet available is returned with @data = NULL (used to read a chunk
 * header without its data). When the bytes end early, NEED_MORE and, in
 * *@needed, how many bytes the whole record (or header) needs. */
GstRosbagParseResult gst_rosbag_record_parse (const guint8 * buf, gsize avail,
    guint64 base_offset, gboolean need_data, GstRosbagRecord * rec,
    guint64 * needed, GError ** error);

/* Record header fields. Returns TRUE and the value if @name is present. */
gboolean gst_rosbag_header_find (const guint8 * header, gsize header_len,
    const gchar * name, const guint8 ** value, gsize * value_len);
/* Checks the header is a well-formed run of fields. */
gboolean gst_rosbag_header_validate (const guint8 * header, gsize header_len,
    guint64 offset, GError ** error);

gboolean gst_rosbag_header_get_u8 (const guint8 * header, gsize len,
    const gchar * name, guint8 * out);
gboolean gst_rosbag_header_get_u32 (const guint8 * header, gsize len,
    const gchar * name, guint32 * out);
gboolean gst_rosbag_header_get_u64 (const guint8 * header, gsize len,
    const gchar * name, guint64 * out);
/* time: u32 sec + u32 nsec, returned as ns */
gboolean gst_rosbag_header_get_time (const guint8 * header, gsize len,
    const gchar * name, guint64 * out_ns);
/* a newly allocated, NUL-terminated copy of a string value */
gchar *gst_rosbag_header_dup_string (const guint8 * header, gsize len,
    const gchar * name);

typedef gboolean (*GstRosbagHeaderFunc) (const gchar * name, gsize name_len,
    const guint8 * value, gsize value_len, gpointer user_data);
/* Calls @func for every field, stops when it returns FALSE. */
void gst_rosbag_header_foreach (const guint8 * header, gsize header_len,
    GstRosbagHeaderFunc func, gpointer user_data);

static inline guint32
gst_rosbag_read_u32 (const guint8 * p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
      ((guint32) p[3] << 24);
}

static inline guint64
gst_rosbag_read_u64 (const guint8 * p)
{
  return (guint64) gst_rosbag_read_u32 (p) |
      ((guint64) gst_rosbag_read_u32 (p + 4) << 32);
}

/* ROS time (u32 sec, u32 nsec) to ns since the epoch */
static inline guint64
gst_rosbag_read_time (const guint8 * p)
{
  return (guint64) gst_rosbag_read_u32 (p) * G_GUINT64_CONSTANT (1000000000) +
      gst_rosbag_read_u32 (p + 4);
}

G_END_DECLS
#endif /* __GST_ROSBAG_RECORD_H__ */
