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

#ifndef __GST_ROSBAG_RECORDING_H__
#define __GST_ROSBAG_RECORDING_H__

#include <glib.h>
#include <gst/rosbag/rosbag-prelude.h>

G_BEGIN_DECLS
/**
 * SECTION:rosbag-recording
 * @short_description: an opened recording of either format
 *
 * A #GstRosbagRecording is a ROS 1 bag (v2.0), an MCAP file or a rosbag2
 * sqlite3 file (`.db3`, through its tables and timestamp index), opened
 * from its index (a bag's index at index_pos; an MCAP file's summary
 * section) without touching chunk data. A file without an index (a killed
 * or streaming writer) or with a damaged one is scanned instead: the same
 * structures come out and gst_rosbag_recording_get_scan_report() says
 * where and why the scan stopped.
 *
 * A recording holds topics (#GstRosbagTopic): the ROS 1 connections or
 * MCAP channels of one topic name merged into one. Everything here is
 * read-only and owned by the recording; the format is told apart by the
 * magic at the start of the file.
 */
typedef struct _GstRosbagRecording GstRosbagRecording;
typedef struct _GstRosbagTopic GstRosbagTopic;

/**
 * GstRosbagFormat:
 * @GST_ROSBAG_FORMAT_BAG: a ROS 1 bag, format 2.0
 * @GST_ROSBAG_FORMAT_MCAP: an MCAP file
 * @GST_ROSBAG_FORMAT_DB3: a rosbag2 sqlite3 storage file (`.db3`)
 */
typedef enum
{
  GST_ROSBAG_FORMAT_BAG,
  GST_ROSBAG_FORMAT_MCAP,
  GST_ROSBAG_FORMAT_DB3
} GstRosbagFormat;

/**
 * GstRosbagReadFunc:
 * @user_data: the data given with the function
 * @offset: where to read
 * @size: how many bytes to read
 * @error: return location for a #GError
 *
 * Returns up to @size bytes at @offset of the file: fewer only at its
 * end. Only ever called from the thread that calls into the recording or
 * its readers, never from a worker.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set.
 */
typedef GBytes *(*GstRosbagReadFunc) (gpointer user_data, guint64 offset,
    gsize size, GError ** error);

/**
 * GstRosbagCompressionStat:
 * @name: the compression as the file names it ("none", "lz4", "bz2",
 *   "zstd" or whatever an unknown writer used)
 * @chunks: how many chunks use it
 * @compressed_bytes: their stored size
 * @uncompressed_bytes: their decompressed size
 */
typedef struct
{
  const gchar *name;
  guint chunks;
  guint64 compressed_bytes;
  guint64 uncompressed_bytes;
} GstRosbagCompressionStat;

GST_ROSBAG_API
GstRosbagRecording *gst_rosbag_recording_open (const gchar *path, GError
    **error);
GST_ROSBAG_API
GstRosbagRecording *gst_rosbag_recording_open_with_func (GstRosbagReadFunc
    read_func, gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar *name, GError **error);
GST_ROSBAG_API
GstRosbagRecording *gst_rosbag_recording_open_bytes (GBytes *bytes,
    const gchar *name, GError **error);
GST_ROSBAG_API
gboolean gst_rosbag_recording_sniff (const guint8 *data, gsize size,
    GstRosbagFormat *format);
GST_ROSBAG_API
GstRosbagRecording *gst_rosbag_recording_ref (GstRosbagRecording *rec);
GST_ROSBAG_API
void gst_rosbag_recording_unref (GstRosbagRecording *rec);
GST_ROSBAG_API
GstRosbagFormat gst_rosbag_recording_get_format (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_version (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_profile (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_library (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_name (GstRosbagRecording *rec);
GST_ROSBAG_API
guint64 gst_rosbag_recording_get_file_size (GstRosbagRecording *rec);
GST_ROSBAG_API
gboolean gst_rosbag_recording_is_indexed (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_scan_report (GstRosbagRecording *rec);
GST_ROSBAG_API
guint64 gst_rosbag_recording_get_start_time (GstRosbagRecording *rec);
GST_ROSBAG_API
guint64 gst_rosbag_recording_get_end_time (GstRosbagRecording *rec);
GST_ROSBAG_API
guint64 gst_rosbag_recording_get_message_count (GstRosbagRecording *rec);
GST_ROSBAG_API
guint gst_rosbag_recording_get_n_chunks (GstRosbagRecording *rec);
GST_ROSBAG_API
gboolean gst_rosbag_recording_get_compression_stats (GstRosbagRecording *rec,
    GArray **stats, GError **error);
GST_ROSBAG_API
const gchar *const *gst_rosbag_recording_get_metadata_names (GstRosbagRecording
    *rec);
GST_ROSBAG_API
const gchar *const *gst_rosbag_recording_get_attachment_names
    (GstRosbagRecording *rec);
GST_ROSBAG_API
gboolean gst_rosbag_recording_get_frequencies (GstRosbagRecording *rec,
    gdouble **hz, GError **error);

/* rosbag2 directories (metadata.yaml and split storage files) */
GST_ROSBAG_API
gboolean gst_rosbag_recording_sniff_metadata (const guint8 *data, gsize size);
GST_ROSBAG_API
guint gst_rosbag_recording_get_n_files (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_file (GstRosbagRecording *rec, guint i);
GST_ROSBAG_API
const gchar *const *gst_rosbag_recording_get_warnings (GstRosbagRecording
    *rec);
GST_ROSBAG_API
guint gst_rosbag_recording_get_metadata_version (GstRosbagRecording *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_storage_identifier (GstRosbagRecording
    *rec);
GST_ROSBAG_API
const gchar *gst_rosbag_recording_get_ros_distro (GstRosbagRecording *rec);
GST_ROSBAG_API
gboolean gst_rosbag_recording_get_rosbag2_compression (GstRosbagRecording
    *rec, const gchar **format, const gchar **mode);

GST_ROSBAG_API
guint gst_rosbag_recording_get_n_topics (GstRosbagRecording *rec);
GST_ROSBAG_API
const GstRosbagTopic *gst_rosbag_recording_get_topic (GstRosbagRecording *rec,
    guint i);
GST_ROSBAG_API
const GstRosbagTopic *gst_rosbag_recording_find_topic (GstRosbagRecording *rec,
    const gchar *name);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_name (const GstRosbagTopic *topic);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_type (const GstRosbagTopic *topic);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_schema_encoding (const GstRosbagTopic *topic);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_message_encoding (const GstRosbagTopic
    *topic);
GST_ROSBAG_API
const guint8 *gst_rosbag_topic_get_definition (const GstRosbagTopic *topic,
    gsize *size);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_md5sum (const GstRosbagTopic *topic);
GST_ROSBAG_API
guint64 gst_rosbag_topic_get_message_count (const GstRosbagTopic *topic);
GST_ROSBAG_API
guint gst_rosbag_topic_get_n_channels (const GstRosbagTopic *topic);
GST_ROSBAG_API
const gchar *gst_rosbag_topic_get_channel_callerid (const GstRosbagTopic *topic,
    guint i);
GST_ROSBAG_API
gboolean gst_rosbag_topic_is_latching (const GstRosbagTopic *topic);
GST_ROSBAG_API
guint gst_rosbag_topic_get_index (const GstRosbagTopic *topic);
GST_ROSBAG_API
guint64 gst_rosbag_topic_get_mean_interval (const GstRosbagTopic *topic);
GST_ROSBAG_API
GVariant *gst_rosbag_topic_get_qos_profiles (const GstRosbagTopic *topic);
/* Topic patterns: names or GLib globs (`*`, `?`), a leading `/` optional
 * on either side. NULL or empty @patterns match everything. */
GST_ROSBAG_API
gboolean gst_rosbag_topic_matches (const gchar *topic, const gchar *const
    *patterns);
GST_ROSBAG_API
gchar **gst_rosbag_topic_patterns_parse (const gchar *list);
G_END_DECLS
#endif /* __GST_ROSBAG_RECORDING_H__ */
