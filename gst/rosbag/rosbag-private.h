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

#ifndef __GST_ROSBAG_PRIVATE_H__
#define __GST_ROSBAG_PRIVATE_H__

/* Not installed: what the recording, its backends and the reader share.
 * Tests include it too. */

#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>
#include <gst/rosbag/rosbag-bag.h>

G_BEGIN_DECLS struct _GstRosbagTopic
{
  gchar *name;
  gchar *type;                  /* schema name; "" when schemaless */
  gchar *schema_encoding;       /* "ros1msg", "ros2msg", ...; "" if none */
  gchar *message_encoding;      /* "ros1", "cdr", "json", ... */
  guint8 *definition;           /* NUL-terminated */
  gsize definition_len;
  gchar *md5sum;                /* ROS 1: the md5sum; else NULL */
  guint64 message_count;
  GPtrArray *callerids;         /* gchar*, one per channel ("" if none) */
  gboolean latching;
  guint index;
  guint64 first_ns, last_ns;    /* bounds of its messages, or of the
                                 * chunks holding them */
  GVariant *qos;                /* rosbag2 offered QoS profiles, aa{sv} */
  gboolean zstd_messages;       /* rosbag2 MESSAGE mode: each message's data
                                 * may be one zstd frame (the reader
                                 * decompresses it) */
};

GstRosbagTopic *gst_rosbag_topic_new (const gchar * name);
/* What tells topics apart: the name, the type and (ROS 1) the md5sum of
 * the definition. Channels or connections of one name with another type
 * are a topic of their own. */
gchar *gst_rosbag_topic_key (const gchar * name, const gchar * type,
    const gchar * md5sum);
void gst_rosbag_topic_free (GstRosbagTopic * t);
void gst_rosbag_topic_set_definition (GstRosbagTopic * t,
    const guint8 * data, gsize len);


/* A block: a chunk, or a run of messages outside chunks. The reader
 * merges blocks' index entries (GstRosbagIndexEntry: time, offset inside
 * the decoded block, channel id). */
typedef struct
{
  guint64 pos;                  /* file offset: orders equal times */
  guint64 start_ns, end_ns;
  guint64 message_count;        /* G_MAXUINT64: not known */
  guint n_channels;             /* 0 with channel_ids NULL: not known */
  const guint32 *channel_ids;
} GstRosbagBlock;

typedef struct
{
  /* the block's entries for the channels in @wanted (a set of channel
   * ids; NULL = all), sorted by (time, offset); may read the file */
  GArray *(*load_index) (gpointer backend, guint i, GHashTable * wanted,
      GError ** error);
  /* the decoded size of block @i (for the cache budget); may read */
    gboolean (*block_size) (gpointer backend, guint i, gsize * size,
      GError ** error);
  /* the stored bytes of block @i: reads the file, calling thread only */
  GBytes *(*read_block) (gpointer backend, guint i, GError ** error);
  /* @raw decoded: no I/O, safe in any thread */
  GBytes *(*decode_block) (gpointer backend, guint i, GBytes * raw,
      GError ** error);
  /* the message record at @offset of decoded block @i: fills channel_id,
   * times, sequence, data and size of @msg */
    gboolean (*parse_message) (gpointer backend, guint i, GBytes * block,
      guint64 offset, GstRosbagMessage * msg, GError ** error);
} GstRosbagBackendFuncs;

/* What a backend hands the recording at open */
typedef struct
{
  const GstRosbagBackendFuncs *funcs;
  gpointer backend;
  GDestroyNotify backend_free;
  GArray *blocks;               /* GstRosbagBlock, owned by the recording */
  GPtrArray *topics;            /* GstRosbagTopic*, owned, any order */
  GHashTable *channels;         /* channel id -> GstRosbagTopic* */
} GstRosbagBackendInfo;

gint gst_rosbag_index_entry_cmp (gconstpointer a, gconstpointer b);

/* the recording's side for the reader */
const GstRosbagBackendFuncs *gst_rosbag_recording_get_backend
    (GstRosbagRecording * rec, gpointer * backend);
guint gst_rosbag_recording_get_n_blocks (GstRosbagRecording * rec);
const GstRosbagBlock *gst_rosbag_recording_get_block (GstRosbagRecording *
    rec, guint i);
const GstRosbagTopic *gst_rosbag_recording_lookup_channel
    (GstRosbagRecording * rec, guint32 channel_id);
GHashTable *gst_rosbag_recording_get_channels (GstRosbagRecording * rec);
GstRosbagBag *gst_rosbag_recording_get_bag (GstRosbagRecording * rec);
GstRosbagRecording *gst_rosbag_recording_new_for_bag (GstRosbagBag * bag);
GstRosbagReader *gst_rosbag_reader_new_for_bag (GstRosbagBag * bag);
/* the ROS 1 connection of a message read from a bag */
const GstRosbagConnection *gst_rosbag_reader_lookup_connection
    (GstRosbagReader * reader, const GstRosbagMessage * msg);

/* a read function over a GBytes given as its user data */
GBytes *gst_rosbag_bytes_read (gpointer user_data, guint64 offset,
    gsize size, GError ** error);

/* a mapped file as a read function */
gboolean gst_rosbag_map_file (const gchar * path,
    GstRosbagReadFunc * read_func, gpointer * user_data,
    GDestroyNotify * notify, guint64 * size, GError ** error);

/* ROS 1 bag backend (rosbag-bag.c) */
/* A MSG_DATA record as a message: connection, time (also the publish
 * time), data; the other fields of @msg are cleared. FALSE if @rec is not
 * a message or lacks its conn or time field. */
gboolean gst_rosbag_record_get_message (const GstRosbagRecord * rec,
    GstRosbagMessage * msg);
gboolean gst_rosbag_bag_backend_init (GstRosbagBag * bag,
    GstRosbagBackendInfo * info);

/* MCAP backend (rosbag-mcap.c) */
typedef struct _GstRosbagMcap GstRosbagMcap;
#define GST_ROSBAG_MCAP_MAGIC "\x89MCAP0\r\n"
GstRosbagMcap *gst_rosbag_mcap_open (GstRosbagReadFunc read_func,
    gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar * name, GstRosbagBackendInfo * info, GError ** error);
gboolean gst_rosbag_mcap_is_indexed (GstRosbagMcap * m);
const gchar *gst_rosbag_mcap_get_scan_report (GstRosbagMcap * m);
const gchar *gst_rosbag_mcap_get_profile (GstRosbagMcap * m);
const gchar *gst_rosbag_mcap_get_library (GstRosbagMcap * m);
const gchar *const *gst_rosbag_mcap_get_metadata_names (GstRosbagMcap * m);
const gchar *const *gst_rosbag_mcap_get_attachment_names (GstRosbagMcap * m);
GArray *gst_rosbag_mcap_get_compression_stats (GstRosbagMcap * m);
guint gst_rosbag_mcap_get_n_chunks (GstRosbagMcap * m);

/* rosbag2 sqlite3 backend (rosbag-db3.c) */
typedef struct _GstRosbagDb3 GstRosbagDb3;
#define GST_ROSBAG_DB3_MAGIC "SQLite format 3"  /* and its NUL: 16 bytes */
/* whether its messages are zstd-compressed one by one (MESSAGE mode) */
gboolean gst_rosbag_db3_is_message_compressed (GstRosbagDb3 * d);
GstRosbagDb3 *gst_rosbag_db3_open (GstRosbagReadFunc read_func,
    gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar * name, GstRosbagBackendInfo * info, GError ** error);

/* zstd (rosbag-chunk.c): exactly @size bytes out */
GBytes *gst_rosbag_zstd_decompress (const guint8 * data, gsize len,
    gsize size, GError ** error);
GBytes *gst_rosbag_lz4_frame_decompress (const guint8 * data, gsize len,
    gsize size, GError ** error);

/* the recording (rosbag-recording.c, rosbag-rosbag2.c) */
struct _GstRosbagRecording
{
  gint refcount;
  GstRosbagFormat format;
  gchar *name;
  guint64 file_size;
  GstRosbagBag *bag;            /* ROS 1 */
  GstRosbagMcap *mcap;          /* MCAP */
  GstRosbagDb3 *db3;            /* rosbag2 sqlite3 */
  GstRosbagBackendInfo info;
  GPtrArray *topics;            /* by name; the same as info.topics */
  guint64 start_ns, end_ns, message_count;
  GArray *stats;                /* GstRosbagCompressionStat, on demand */
  /* rosbag2 */
  GPtrArray *files;             /* gchar*, the storage files, NULL-ended */
  GPtrArray *warnings;          /* gchar*, NULL-ended */
  guint metadata_version;       /* 0: no metadata.yaml */
  gchar *storage_id, *ros_distro, *compression_format, *compression_mode;
  GPtrArray *parts;             /* GstRosbagRecording*: a directory's files */
};

/* rosbag2 directories (rosbag-rosbag2.c) */
/* an offered_qos_profiles YAML text as aa{sv} (a full reference), NULL
 * if it is not a list of profiles */
GVariant *gst_rosbag_qos_parse (const gchar * yaml, gsize len);
/* a metadata.yaml parsed and dropped, for the fuzzer: how many files and
 * topics it names, or -1 with @error set */
gint gst_rosbag_rosbag2_check_metadata (const gchar * text, gsize len,
    GError ** error);
gboolean gst_rosbag_recording_is_rosbag2_path (const gchar * path);
GstRosbagRecording *gst_rosbag_rosbag2_open (const gchar * path,
    GError ** error);
void gst_rosbag_rosbag2_clear (GstRosbagRecording * rec);
gboolean gst_rosbag_db3_path_is_written (const gchar * file);
/* topics sorted and counted, start and end from the blocks */
void gst_rosbag_recording_finish (GstRosbagRecording * rec);
void gst_rosbag_recording_add_warning (GstRosbagRecording * rec,
    const gchar * format, ...) G_GNUC_PRINTF (2, 3);

/* the shortest-round-trip float formatting done with one printf per
 * precision tried: the reference gst_rosbag_json_append_double() is
 * tested against */
void gst_rosbag_json_append_double_slow (GString * out, gdouble v,
    gboolean is_float32);

G_END_DECLS
#endif /* __GST_ROSBAG_PRIVATE_H__ */
