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

#ifndef __GST_ROSBAG_BAG_H__
#define __GST_ROSBAG_BAG_H__

#include <glib.h>
#include <gst/rosbag/rosbag-record.h>
#include <gst/rosbag/rosbag-chunk.h>
#include <gst/rosbag/rosbag-recording.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-bag
 * @short_description: an opened bag: its index, connections and topics
 *
 * Opening reads the bag header, then only what sits at index_pos: the
 * connection records and chunk infos. No chunk is touched, so opening
 * costs the same for 1 MB and 100 GB. A bag with index_pos = 0 (a killed
 * recording) is scanned from the start instead; the same structures come
 * out and gst_rosbag_bag_get_scan_report() says where and why the scan
 * stopped.
 *
 * All the structures below are owned by the bag and read-only.
 */
typedef struct _GstRosbagBag GstRosbagBag;
typedef struct _GstRosbagBagTopic GstRosbagBagTopic;

typedef struct
{
  guint32 id;
  gchar *topic;                 /* as in the record header */
  gchar *type;
  gchar *md5sum;
  gchar *definition;            /* full message_definition text */
  gchar *callerid;              /* or NULL */
  gboolean latching;
  guint64 message_count;
  GstRosbagBagTopic *topic_info;        /* the topic this connection belongs to */
} GstRosbagConnection;

struct _GstRosbagBagTopic
{
  gchar *name;
  gchar *type;                  /* of the first connection */
  gchar *md5sum;
  gchar *definition;
  GPtrArray *connections;       /* GstRosbagConnection*, not owned */
  guint64 message_count;
  gboolean latching;            /* any connection latching */
  guint index;                  /* position in the bag's topic list */
};

/* (time, offset) of a message inside the decompressed chunk */
typedef struct
{
  guint64 time_ns;
  guint32 offset;
  guint32 conn_id;
} GstRosbagIndexEntry;

typedef struct
{
  guint64 pos;                  /* file offset of the CHUNK record */
  guint64 start_ns;
  guint64 end_ns;
  guint32 n_conns;
  guint32 *conn_ids;            /* n_conns */
  guint32 *conn_counts;         /* n_conns */
  guint64 message_count;
  /* known after the chunk header was read (always for scanned bags) */
  gboolean header_known;
  GstRosbagCompression compression;
  guint32 uncompressed_size;
  guint64 data_pos;             /* file offset of the chunk data */
  guint32 data_len;
  guint64 index_pos;            /* file offset just after the chunk record:
                                 * its INDEX_DATA records follow */
  /* scanned bags: the entries found by the scan (sorted by time, offset),
   * else NULL and the INDEX_DATA records are read on demand */
  GArray *entries;
  /* scanned bags: a cut-off or damaged chunk whose first
   * uncompressed_size bytes hold complete records */
  gboolean partial;
} GstRosbagChunkInfo;


GstRosbagBag *gst_rosbag_bag_open (const gchar * path, GError ** error);
/* @read_func returns up to @size bytes at @offset (fewer only at the end
 * of the file). Used by bagdemux in pull mode. */
GstRosbagBag *gst_rosbag_bag_open_with_func (GstRosbagReadFunc read_func,
    gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar * name, GError ** error);

GstRosbagBag *gst_rosbag_bag_ref (GstRosbagBag * bag);
void gst_rosbag_bag_unref (GstRosbagBag * bag);

const gchar *gst_rosbag_bag_get_name (GstRosbagBag * bag);
guint64 gst_rosbag_bag_get_file_size (GstRosbagBag * bag);
gboolean gst_rosbag_bag_is_indexed (GstRosbagBag * bag);
/* min/max over all chunk infos; 0 and 0 for a bag without messages */
guint64 gst_rosbag_bag_get_start_time (GstRosbagBag * bag);
guint64 gst_rosbag_bag_get_end_time (GstRosbagBag * bag);
guint64 gst_rosbag_bag_get_message_count (GstRosbagBag * bag);

guint gst_rosbag_bag_get_n_topics (GstRosbagBag * bag);
/* topics are sorted by name */
const GstRosbagBagTopic *gst_rosbag_bag_get_topic (GstRosbagBag * bag, guint i);
const GstRosbagBagTopic *gst_rosbag_bag_find_topic (GstRosbagBag * bag,
    const gchar * name);

guint gst_rosbag_bag_get_n_connections (GstRosbagBag * bag);
const GstRosbagConnection *gst_rosbag_bag_get_connection (GstRosbagBag * bag,
    guint i);
const GstRosbagConnection *gst_rosbag_bag_lookup_connection (GstRosbagBag *
    bag, guint32 id);

guint gst_rosbag_bag_get_n_chunks (GstRosbagBag * bag);
const GstRosbagChunkInfo *gst_rosbag_bag_get_chunk (GstRosbagBag * bag,
    guint i);

/* For a scanned bag: a sentence saying where the scan stopped and why
 * ("end of file", "incomplete record at byte N: ..."); NULL if indexed. */
const gchar *gst_rosbag_bag_get_scan_report (GstRosbagBag * bag);

/* Reads every chunk's record header (small reads, no data) and counts
 * chunks per compression into @counts (indexed by GstRosbagCompression,
 * GST_ROSBAG_COMPRESSION_UNKNOWN + 1 entries). Also records the
 * uncompressed and compressed totals. */
gboolean gst_rosbag_bag_get_compression_stats (GstRosbagBag * bag,
    guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1],
    guint64 * compressed_total, guint64 * uncompressed_total, GError ** error);

/* Low level, used by the reader: reads @size bytes at @offset. */
GBytes *gst_rosbag_bag_read (GstRosbagBag * bag, guint64 offset, gsize size,
    GError ** error);
/* Makes sure the chunk's header fields (compression, data_pos...) are
 * known. Thread-safe. */
gboolean gst_rosbag_bag_load_chunk_header (GstRosbagBag * bag, guint i,
    GError ** error);
/* The chunk's index entries for the connections accepted by @want (NULL =
 * all), sorted by (time, offset). */
GArray *gst_rosbag_bag_load_chunk_index (GstRosbagBag * bag, guint i,
    gboolean (*want) (guint32 conn_id, gpointer user_data),
    gpointer user_data, GError ** error);

/* Parses a CONNECTION record (header + data) into a new connection. */
GstRosbagConnection *gst_rosbag_connection_parse (const GstRosbagRecord * rec,
    GError ** error);
void gst_rosbag_connection_free (GstRosbagConnection * conn);

G_END_DECLS
#endif /* __GST_ROSBAG_BAG_H__ */
