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

/* rosbag2 recordings as `ros2 bag record` leaves them: a directory with
 * metadata.yaml (versions 1 to 9, parsed with libyaml) and one or more
 * storage files (`.db3` or `.mcap`, each maybe zstd-compressed whole:
 * compression mode FILE). The files are opened as recordings of their
 * own ("parts") and one backend merges them: its blocks are the parts'
 * blocks, its channel ids are renumbered across the parts and its topics
 * are the parts' topics merged by name. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "rosbag-private.h"

/* ---------------------------------------------------------------------- */
/* accessors */

/**
 * gst_rosbag_recording_sniff_metadata:
 * @data: the first bytes of a file
 * @size: how many
 *
 * Returns: whether @data starts like a rosbag2 `metadata.yaml` (its
 * `rosbag2_bagfile_information:` key, after comments, blank lines or a
 * document start)
 */
gboolean
gst_rosbag_recording_sniff_metadata (const guint8 * data, gsize size)
{
  static const gchar key[] = "rosbag2_bagfile_information:";
  gsize i = 0;

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < size) {
    if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
      i++;
    } else if (data[i] == '#') {
      while (i < size && data[i] != '\n')
        i++;
    } else if (size - i >= 3 && memcmp (data + i, "---", 3) == 0) {
      i += 3;
    } else {
      break;
    }
  }
  return size - i >= strlen (key) && memcmp (data + i, key, strlen (key)) == 0;
}

/**
 * gst_rosbag_recording_get_n_files:
 * @rec: a recording
 *
 * Returns: how many storage files it was read from: 1 for a single file,
 * the split files found for a rosbag2 directory
 */
guint
gst_rosbag_recording_get_n_files (GstRosbagRecording * rec)
{
  return rec->files ? rec->files->len - 1 : 1;
}

/**
 * gst_rosbag_recording_get_file:
 * @rec: a recording
 * @i: a file, below gst_rosbag_recording_get_n_files()
 *
 * Returns: (nullable): the path of storage file @i as it was opened (a
 * compressed file by its `.zstd` name), in the recording's order (the
 * metadata's, or the names' for a directory without metadata.yaml)
 */
const gchar *
gst_rosbag_recording_get_file (GstRosbagRecording * rec, guint i)
{
  if (!rec->files)
    return i == 0 ? rec->name : NULL;
  if (i + 1 >= rec->files->len)
    return NULL;
  return g_ptr_array_index (rec->files, i);
}

/**
 * gst_rosbag_recording_get_warnings:
 * @rec: a recording
 *
 * What was found wrong but read around at open: a split file missing or
 * unreadable, metadata that the files contradict (the files win), a
 * directory without metadata.yaml, a database still being written.
 *
 * Returns: (transfer none) (array zero-terminated=1): the warnings, one
 * sentence each; empty if none
 */
const gchar *const *
gst_rosbag_recording_get_warnings (GstRosbagRecording * rec)
{
  static const gchar *const none[] = { NULL };

  if (!rec->warnings)
    return none;
  return (const gchar * const *) rec->warnings->pdata;
}

void
gst_rosbag_recording_add_warning (GstRosbagRecording * rec,
    const gchar * format, ...)
{
  va_list args;

  if (!rec->warnings) {
    rec->warnings = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (rec->warnings, NULL);
  }
  va_start (args, format);
  rec->warnings->pdata[rec->warnings->len - 1] =
      g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (rec->warnings, NULL);
}

/**
 * gst_rosbag_recording_get_metadata_version:
 * @rec: a recording
 *
 * Returns: the version of the rosbag2 `metadata.yaml` it was opened by
 * (1 to 9 are known), or 0 without one (a single file, or a directory
 * without metadata.yaml)
 */
guint
gst_rosbag_recording_get_metadata_version (GstRosbagRecording * rec)
{
  return rec->metadata_version;
}

/**
 * gst_rosbag_recording_get_storage_identifier:
 * @rec: a recording
 *
 * Returns: (nullable): the rosbag2 storage plugin of its files:
 * "sqlite3" or "mcap" (as the metadata names it, or from the files
 * themselves); %NULL for a ROS 1 bag
 */
const gchar *
gst_rosbag_recording_get_storage_identifier (GstRosbagRecording * rec)
{
  if (rec->storage_id)
    return rec->storage_id;
  if (rec->format == GST_ROSBAG_FORMAT_DB3)
    return "sqlite3";
  if (rec->format == GST_ROSBAG_FORMAT_MCAP)
    return "mcap";
  return NULL;
}

/**
 * gst_rosbag_recording_get_ros_distro:
 * @rec: a recording
 *
 * Returns: (nullable): the ROS distribution that recorded it, where the
 * metadata says (version 6 and later)
 */
const gchar *
gst_rosbag_recording_get_ros_distro (GstRosbagRecording * rec)
{
  return rec->ros_distro;
}

/**
 * gst_rosbag_recording_get_rosbag2_compression:
 * @rec: a recording
 * @format: (out) (optional) (transfer none): the compression format
 *   ("zstd")
 * @mode: (out) (optional) (transfer none): "FILE" (each storage file
 *   compressed whole) or "MESSAGE" (each message's data)
 *
 * Returns: whether rosbag2 compressed the recording (as its metadata
 * says, or as its files show)
 */
gboolean
gst_rosbag_recording_get_rosbag2_compression (GstRosbagRecording * rec,
    const gchar ** format, const gchar ** mode)
{
  if (!rec->compression_mode)
    return FALSE;
  if (format)
    *format = rec->compression_format;
  if (mode)
    *mode = rec->compression_mode;
  return TRUE;
}

/**
 * gst_rosbag_topic_get_qos_profiles:
 * @topic: a topic
 *
 * The QoS profiles its publishers offered, as a rosbag2 metadata.yaml
 * lists them: an array of dictionaries (`aa{sv}`) with the keys
 * metadata.yaml uses (`history`, `depth`, `reliability`, `durability`,
 * `deadline`, `lifespan`, `liveliness`, `liveliness_lease_duration`,
 * `avoid_ros_namespace_conventions`); integers are `x`, booleans `b`,
 * other scalars `s`, and durations dictionaries of `sec` and `nsec`.
 *
 * Returns: (transfer none) (nullable): the profiles, or %NULL where the
 * recording has none (no metadata.yaml, or a ROS 1 bag)
 */
GVariant *
gst_rosbag_topic_get_qos_profiles (const GstRosbagTopic * topic)
{
  return topic->qos;
}

/* ---------------------------------------------------------------------- */
/* opening */

/* whether gst_rosbag_recording_open() hands @path to this file: a
 * directory, a metadata.yaml, a compressed storage file */
gboolean
gst_rosbag_recording_is_rosbag2_path (const gchar * path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_str_has_suffix (path, ".zstd") || g_str_has_suffix (path, ".yaml"))
    return TRUE;
  return FALSE;
}

GstRosbagRecording *
gst_rosbag_rosbag2_open (const gchar * path, GError ** error)
{
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
      "%s: rosbag2 directories are not read yet", path);
  return NULL;
}

void
gst_rosbag_rosbag2_clear (GstRosbagRecording * rec)
{
  if (rec->parts)
    g_ptr_array_unref (rec->parts);
  if (rec->files)
    g_ptr_array_unref (rec->files);
  if (rec->warnings)
    g_ptr_array_unref (rec->warnings);
  g_free (rec->storage_id);
  g_free (rec->ros_distro);
  g_free (rec->compression_format);
  g_free (rec->compression_mode);
}
