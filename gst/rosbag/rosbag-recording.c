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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "rosbag-private.h"

#define BAG_MAGIC "#ROSBAG V"
#define BAG_MAGIC_V12 "#ROSRECORD V"


/* ---------------------------------------------------------------------- */
/* topics */

GstRosbagTopic *
gst_rosbag_topic_new (const gchar * name)
{
  GstRosbagTopic *t = g_new0 (GstRosbagTopic, 1);

  t->name = g_strdup (name);
  t->type = g_strdup ("");
  t->schema_encoding = g_strdup ("");
  t->message_encoding = g_strdup ("");
  t->definition = (guint8 *) g_strdup ("");
  t->callerids = g_ptr_array_new_with_free_func (g_free);
  t->first_ns = G_MAXUINT64;
  return t;
}

gchar *
gst_rosbag_topic_key (const gchar * name, const gchar * type,
    const gchar * md5sum)
{
  return g_strconcat (name ? name : "", "\n", type ? type : "", "\n",
      md5sum ? md5sum : "", NULL);
}

void
gst_rosbag_topic_free (GstRosbagTopic * t)
{
  if (!t)
    return;
  g_free (t->name);
  g_free (t->type);
  g_free (t->schema_encoding);
  g_free (t->message_encoding);
  g_free (t->definition);
  g_free (t->md5sum);
  g_ptr_array_unref (t->callerids);
  if (t->qos)
    g_variant_unref (t->qos);
  g_free (t);
}

void
gst_rosbag_topic_set_definition (GstRosbagTopic * t, const guint8 * data,
    gsize len)
{
  g_free (t->definition);
  t->definition = g_malloc (len + 1);
  if (len)
    memcpy (t->definition, data, len);
  t->definition[len] = 0;
  t->definition_len = len;
}

/**
 * gst_rosbag_topic_get_name:
 * @topic: a topic
 *
 * Returns: the topic name, as the recording spells it
 */
const gchar *
gst_rosbag_topic_get_name (const GstRosbagTopic * topic)
{
  return topic->name;
}

/**
 * gst_rosbag_topic_get_type:
 * @topic: a topic
 *
 * Returns: the message type (ROS 1 type, MCAP schema name: both
 * `pkg/Type` and `pkg/msg/Type` occur); "" for a schemaless channel
 */
const gchar *
gst_rosbag_topic_get_type (const GstRosbagTopic * topic)
{
  return topic->type;
}

/**
 * gst_rosbag_topic_get_schema_encoding:
 * @topic: a topic
 *
 * Returns: "ros1msg" for ROS 1 bags; the MCAP schema encoding
 * ("ros2msg", "ros2idl", "omgidl", "jsonschema", ...); "" if none
 */
const gchar *
gst_rosbag_topic_get_schema_encoding (const GstRosbagTopic * topic)
{
  return topic->schema_encoding;
}

/**
 * gst_rosbag_topic_get_message_encoding:
 * @topic: a topic
 *
 * Returns: "ros1" for ROS 1 bags; the MCAP message encoding ("cdr",
 * "ros1", "json", "protobuf", ...)
 */
const gchar *
gst_rosbag_topic_get_message_encoding (const GstRosbagTopic * topic)
{
  return topic->message_encoding;
}

/**
 * gst_rosbag_topic_get_definition:
 * @topic: a topic
 * @size: (out) (optional): its length in bytes
 *
 * The message definition (ROS 1 message_definition) or the MCAP schema
 * data. The bytes are followed by a NUL, so text schemas can be used as
 * strings.
 *
 * Returns: (transfer none): the bytes
 */
const guint8 *
gst_rosbag_topic_get_definition (const GstRosbagTopic * topic, gsize * size)
{
  if (size)
    *size = topic->definition_len;
  return topic->definition;
}

/**
 * gst_rosbag_topic_get_md5sum:
 * @topic: a topic
 *
 * Returns: (nullable): the ROS 1 md5sum, or %NULL where the format has
 * none
 */
const gchar *
gst_rosbag_topic_get_md5sum (const GstRosbagTopic * topic)
{
  return topic->md5sum;
}

/**
 * gst_rosbag_topic_get_message_count:
 * @topic: a topic
 *
 * Returns: the number of messages on the topic, from the index
 */
guint64
gst_rosbag_topic_get_message_count (const GstRosbagTopic * topic)
{
  return topic->message_count;
}

/**
 * gst_rosbag_topic_get_n_channels:
 * @topic: a topic
 *
 * Returns: how many ROS 1 connections or MCAP channels were merged into
 * the topic
 */
guint
gst_rosbag_topic_get_n_channels (const GstRosbagTopic * topic)
{
  return topic->callerids->len;
}

/**
 * gst_rosbag_topic_get_channel_callerid:
 * @topic: a topic
 * @i: a channel index, below gst_rosbag_topic_get_n_channels()
 *
 * Returns: the ROS 1 callerid of connection @i (MCAP: the channel's
 * `callerid` metadata), "" if none
 */
const gchar *
gst_rosbag_topic_get_channel_callerid (const GstRosbagTopic * topic, guint i)
{
  g_return_val_if_fail (i < topic->callerids->len, NULL);
  return g_ptr_array_index (topic->callerids, i);
}

/**
 * gst_rosbag_topic_is_latching:
 * @topic: a topic
 *
 * Returns: whether any of its connections is latching
 */
gboolean
gst_rosbag_topic_is_latching (const GstRosbagTopic * topic)
{
  return topic->latching;
}

/**
 * gst_rosbag_topic_get_index:
 * @topic: a topic
 *
 * Returns: its position in the recording's topic list
 */
guint
gst_rosbag_topic_get_index (const GstRosbagTopic * topic)
{
  return topic->index;
}

/**
 * gst_rosbag_topic_get_mean_interval:
 * @topic: a topic
 *
 * The mean interval between the topic's messages: the span of the chunks
 * that hold them divided by one less than their count. Computed at open
 * from the index, without reading messages.
 *
 * Returns: the interval in ns, or G_MAXUINT64 with fewer than 2 messages
 */
guint64
gst_rosbag_topic_get_mean_interval (const GstRosbagTopic * topic)
{
  if (topic->message_count < 2 || topic->last_ns <= topic->first_ns
      || topic->first_ns == G_MAXUINT64)
    return G_MAXUINT64;
  return (topic->last_ns - topic->first_ns) / (topic->message_count - 1);
}

/* ---------------------------------------------------------------------- */
/* opening */

/**
 * gst_rosbag_recording_sniff:
 * @data: the first bytes of a file
 * @size: how many (16 are enough)
 * @format: (out) (optional): the format found
 *
 * Returns: whether @data starts like a ROS 1 bag, an MCAP file or an
 * sqlite3 database (a rosbag2 `.db3` file: whether it has the tables of
 * one is known only once it is opened)
 */
gboolean
gst_rosbag_recording_sniff (const guint8 * data, gsize size,
    GstRosbagFormat * format)
{
  GstRosbagFormat f;

  if (size >= 8 && memcmp (data, GST_ROSBAG_MCAP_MAGIC, 8) == 0)
    f = GST_ROSBAG_FORMAT_MCAP;
  else if ((size >= strlen (BAG_MAGIC)
          && memcmp (data, BAG_MAGIC, strlen (BAG_MAGIC)) == 0)
      || (size >= strlen (BAG_MAGIC_V12)
          && memcmp (data, BAG_MAGIC_V12, strlen (BAG_MAGIC_V12)) == 0))
    /* other bag versions too: the bag backend says which it cannot read */
    f = GST_ROSBAG_FORMAT_BAG;
  else if (size >= 16 && memcmp (data, GST_ROSBAG_DB3_MAGIC, 16) == 0)
    f = GST_ROSBAG_FORMAT_DB3;
  else
    return FALSE;
  if (format)
    *format = f;
  return TRUE;
}

static gint
topic_cmp (gconstpointer a, gconstpointer b)
{
  const GstRosbagTopic *ta = *(const GstRosbagTopic * const *) a;
  const GstRosbagTopic *tb = *(const GstRosbagTopic * const *) b;

  return strcmp (ta->name, tb->name);
}

void
gst_rosbag_recording_finish (GstRosbagRecording * rec)
{
  guint i;

  rec->topics = rec->info.topics;
  g_ptr_array_set_free_func (rec->topics,
      (GDestroyNotify) gst_rosbag_topic_free);
  g_ptr_array_sort (rec->topics, topic_cmp);
  rec->message_count = 0;
  for (i = 0; i < rec->topics->len; i++) {
    GstRosbagTopic *t = g_ptr_array_index (rec->topics, i);

    t->index = i;
    rec->message_count += t->message_count;
  }
  rec->start_ns = G_MAXUINT64;
  rec->end_ns = 0;
  for (i = 0; i < rec->info.blocks->len; i++) {
    const GstRosbagBlock *b = &g_array_index (rec->info.blocks,
        GstRosbagBlock, i);

    if (b->message_count == 0)
      continue;
    rec->start_ns = MIN (rec->start_ns, b->start_ns);
    rec->end_ns = MAX (rec->end_ns, b->end_ns);
  }
  if (rec->start_ns > rec->end_ns)
    rec->start_ns = rec->end_ns = 0;
}

/* @rec takes @bag */
static void
recording_take_bag (GstRosbagRecording * rec, GstRosbagBag * bag)
{
  rec->bag = bag;
  gst_rosbag_bag_backend_init (bag, &rec->info);
  gst_rosbag_recording_finish (rec);
  /* a bag's start and end come from all chunk infos */
  rec->start_ns = gst_rosbag_bag_get_start_time (bag);
  rec->end_ns = gst_rosbag_bag_get_end_time (bag);
}

/* private: a recording over an opened bag (tests) */
GstRosbagRecording *
gst_rosbag_recording_new_for_bag (GstRosbagBag * bag)
{
  GstRosbagRecording *rec = g_new0 (GstRosbagRecording, 1);

  rec->refcount = 1;
  rec->format = GST_ROSBAG_FORMAT_BAG;
  rec->name = g_strdup (gst_rosbag_bag_get_name (bag));
  rec->file_size = gst_rosbag_bag_get_file_size (bag);
  recording_take_bag (rec, gst_rosbag_bag_ref (bag));
  return rec;
}

/**
 * gst_rosbag_recording_open_with_func:
 * @read_func: (scope notified): reads the file
 * @user_data: its data
 * @notify: frees @user_data, also when opening fails
 * @file_size: the file's size
 * @name: the file's name, for messages
 * @error: return location for a #GError
 *
 * Opens a ROS 1 bag, an MCAP file or a rosbag2 sqlite3 file read through
 * @read_func (bagdemux's pull_range, for example). Only @read_func's
 * thread reads.
 *
 * Returns: (transfer full) (nullable): the recording
 */
GstRosbagRecording *
gst_rosbag_recording_open_with_func (GstRosbagReadFunc read_func,
    gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar * name, GError ** error)
{
  GstRosbagRecording *rec;
  GstRosbagFormat format;
  GBytes *head;
  gsize len;
  const guint8 *d;

  head = read_func (user_data, 0, MIN (file_size, 16), error);
  if (!head)
    goto fail;
  d = g_bytes_get_data (head, &len);
  if (!gst_rosbag_recording_sniff (d, len, &format)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
        "%s is neither a ROS 1 bag, an MCAP file nor a rosbag2 sqlite3"
        " file", name);
    g_bytes_unref (head);
    goto fail;
  }
  g_bytes_unref (head);

  rec = g_new0 (GstRosbagRecording, 1);
  rec->refcount = 1;
  rec->format = format;
  rec->name = g_strdup (name);
  rec->file_size = file_size;
  if (format == GST_ROSBAG_FORMAT_BAG) {
    GstRosbagBag *bag = gst_rosbag_bag_open_with_func (read_func, user_data,
        notify, file_size, name, error);

    if (!bag) {
      g_free (rec->name);
      g_free (rec);
      return NULL;
    }
    recording_take_bag (rec, bag);
  } else if (format == GST_ROSBAG_FORMAT_DB3) {
    rec->db3 = gst_rosbag_db3_open (read_func, user_data, notify,
        file_size, name, &rec->info, error);
    if (!rec->db3) {
      g_free (rec->name);
      g_free (rec);
      return NULL;
    }
    if (gst_rosbag_db3_is_message_compressed (rec->db3)) {
      rec->compression_format = g_strdup ("zstd");
      rec->compression_mode = g_strdup ("MESSAGE");
    }
    gst_rosbag_recording_finish (rec);
  } else {
    rec->mcap = gst_rosbag_mcap_open (read_func, user_data, notify,
        file_size, name, &rec->info, error);
    if (!rec->mcap) {
      g_free (rec->name);
      g_free (rec);
      return NULL;
    }
    gst_rosbag_recording_finish (rec);
  }
  return rec;

fail:
  if (notify)
    notify (user_data);
  return NULL;
}

/**
 * gst_rosbag_recording_open:
 * @path: a ROS 1 bag, an MCAP file, a rosbag2 `.db3` file, a rosbag2
 *   directory or its `metadata.yaml`, or a zstd-compressed storage file
 *   (`x.db3.zstd`, `x.mcap.zstd`)
 * @error: return location for a #GError
 *
 * Opens @path, mapped into memory; ranges of a big file leave the
 * process's RSS again once the chunks read from them are released.
 *
 * A rosbag2 directory is one recording: every split file its metadata
 * names (every storage file it holds when it has no metadata.yaml), in
 * log-time order, topics matched by name across files. What could not be
 * read is skipped and said by gst_rosbag_recording_get_warnings(); it
 * fails only when no file can be read. A compressed file is decompressed
 * to a temporary file first (sqlite and MCAP's index need random
 * access), which is deleted at once and gone when the recording is.
 *
 * Returns: (transfer full) (nullable): the recording
 */
GstRosbagRecording *
gst_rosbag_recording_open (const gchar * path, GError ** error)
{
  GstRosbagReadFunc func;
  GstRosbagRecording *rec;
  GError *err = NULL;
  gpointer ud;
  GDestroyNotify notify;
  guint64 size;

  if (gst_rosbag_recording_is_rosbag2_path (path))
    return gst_rosbag_rosbag2_open (path, error);
  if (!gst_rosbag_map_file (path, &func, &ud, &notify, &size, error))
    return NULL;
  rec = gst_rosbag_recording_open_with_func (func, ud, notify, size, path,
      &err);
  if (!rec) {
    if (gst_rosbag_db3_path_is_written (path))
      g_prefix_error (&err, "%s is being written (a journal with unfinished"
          " writes is beside it): ", path);
    g_propagate_error (error, err);
  }
  return rec;
}

/* a read function over a GBytes (the user data) */
GBytes *
gst_rosbag_bytes_read (gpointer user_data, guint64 offset, gsize size,
    GError ** error)
{
  GBytes *b = user_data;
  gsize len = g_bytes_get_size (b);

  if (offset >= len)
    return g_bytes_new (NULL, 0);
  return g_bytes_new_from_bytes (b, offset, MIN (size, len - offset));
}

/**
 * gst_rosbag_recording_open_bytes:
 * @bytes: (transfer none): a whole ROS 1 bag or MCAP file in memory
 * @name: its name, for messages
 * @error: return location for a #GError
 *
 * Opens a recording held in memory (messages share its bytes).
 *
 * Returns: (transfer full) (nullable): the recording
 */
GstRosbagRecording *
gst_rosbag_recording_open_bytes (GBytes * bytes, const gchar * name,
    GError ** error)
{
  return gst_rosbag_recording_open_with_func (gst_rosbag_bytes_read,
      g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref,
      g_bytes_get_size (bytes), name, error);
}

/**
 * gst_rosbag_recording_ref:
 * @rec: a recording
 *
 * Returns: (transfer full): @rec
 */
GstRosbagRecording *
gst_rosbag_recording_ref (GstRosbagRecording * rec)
{
  g_atomic_int_inc (&rec->refcount);
  return rec;
}

/**
 * gst_rosbag_recording_unref:
 * @rec: (transfer full): a recording
 *
 * Drops a reference; the last one closes the file.
 */
void
gst_rosbag_recording_unref (GstRosbagRecording * rec)
{
  if (!rec || !g_atomic_int_dec_and_test (&rec->refcount))
    return;
  if (rec->info.backend_free)
    rec->info.backend_free (rec->info.backend);
  if (rec->info.blocks)
    g_array_unref (rec->info.blocks);
  if (rec->info.channels)
    g_hash_table_unref (rec->info.channels);
  if (rec->topics)
    g_ptr_array_unref (rec->topics);
  if (rec->stats)
    g_array_unref (rec->stats);
  if (rec->bag)
    gst_rosbag_bag_unref (rec->bag);
  gst_rosbag_rosbag2_clear (rec);
  g_free (rec->name);
  g_free (rec);
}

/* ---------------------------------------------------------------------- */
/* accessors */

/**
 * gst_rosbag_recording_get_format:
 * @rec: a recording
 *
 * Returns: its container format
 */
GstRosbagFormat
gst_rosbag_recording_get_format (GstRosbagRecording * rec)
{
  return rec->format;
}

/**
 * gst_rosbag_recording_get_version:
 * @rec: a recording
 *
 * Returns: "2.0" for a ROS 1 bag, "mcap" for an MCAP file,
 * "rosbag2-sqlite3" for a rosbag2 `.db3` file
 */
const gchar *
gst_rosbag_recording_get_version (GstRosbagRecording * rec)
{
  if (rec->format == GST_ROSBAG_FORMAT_DB3)
    return "rosbag2-sqlite3";
  return rec->format == GST_ROSBAG_FORMAT_BAG ? "2.0" : "mcap";
}

/**
 * gst_rosbag_recording_get_profile:
 * @rec: a recording
 *
 * Returns: (nullable): the MCAP header's profile ("ros2", "ros1", "" ...);
 * %NULL for a ROS 1 bag
 */
const gchar *
gst_rosbag_recording_get_profile (GstRosbagRecording * rec)
{
  if (rec->parts)
    return gst_rosbag_recording_get_profile (rec->parts->pdata[0]);
  return rec->mcap ? gst_rosbag_mcap_get_profile (rec->mcap) : NULL;
}

/**
 * gst_rosbag_recording_get_library:
 * @rec: a recording
 *
 * Returns: (nullable): the MCAP header's library (the writer); %NULL for
 * a ROS 1 bag
 */
const gchar *
gst_rosbag_recording_get_library (GstRosbagRecording * rec)
{
  if (rec->parts)
    return gst_rosbag_recording_get_library (rec->parts->pdata[0]);
  return rec->mcap ? gst_rosbag_mcap_get_library (rec->mcap) : NULL;
}

/**
 * gst_rosbag_recording_get_name:
 * @rec: a recording
 *
 * Returns: the name it was opened with (the path)
 */
const gchar *
gst_rosbag_recording_get_name (GstRosbagRecording * rec)
{
  return rec->name;
}

/**
 * gst_rosbag_recording_get_file_size:
 * @rec: a recording
 *
 * Returns: the file size in bytes
 */
guint64
gst_rosbag_recording_get_file_size (GstRosbagRecording * rec)
{
  return rec->file_size;
}

/**
 * gst_rosbag_recording_is_indexed:
 * @rec: a recording
 *
 * Returns: %TRUE if it was opened from its index (bag index, MCAP
 * summary, a `.db3` file always), %FALSE if it had to be scanned
 */
gboolean
gst_rosbag_recording_is_indexed (GstRosbagRecording * rec)
{
  if (rec->parts) {
    guint i;

    for (i = 0; i < rec->parts->len; i++)
      if (!gst_rosbag_recording_is_indexed (rec->parts->pdata[i]))
        return FALSE;
    return TRUE;
  }
  if (rec->db3)
    return TRUE;
  return rec->bag ? gst_rosbag_bag_is_indexed (rec->bag) :
      gst_rosbag_mcap_is_indexed (rec->mcap);
}

/**
 * gst_rosbag_recording_get_scan_report:
 * @rec: a recording
 *
 * Returns: (nullable): for a scanned file, a sentence saying where the
 * scan stopped and why ("end of file", "incomplete record at byte N:
 * ..."); %NULL if it was opened from its index
 */
const gchar *
gst_rosbag_recording_get_scan_report (GstRosbagRecording * rec)
{
  if (rec->parts) {
    guint i;

    for (i = 0; i < rec->parts->len; i++)
      if (gst_rosbag_recording_get_scan_report (rec->parts->pdata[i]))
        return gst_rosbag_recording_get_scan_report (rec->parts->pdata[i]);
    return NULL;
  }
  if (rec->db3)
    return NULL;
  return rec->bag ? gst_rosbag_bag_get_scan_report (rec->bag) :
      gst_rosbag_mcap_get_scan_report (rec->mcap);
}

/**
 * gst_rosbag_recording_get_start_time:
 * @rec: a recording
 *
 * Returns: the earliest receive (log) time in ns; 0 without messages
 */
guint64
gst_rosbag_recording_get_start_time (GstRosbagRecording * rec)
{
  return rec->start_ns;
}

/**
 * gst_rosbag_recording_get_end_time:
 * @rec: a recording
 *
 * Returns: the latest receive (log) time in ns; 0 without messages
 */
guint64
gst_rosbag_recording_get_end_time (GstRosbagRecording * rec)
{
  return rec->end_ns;
}

/**
 * gst_rosbag_recording_get_message_count:
 * @rec: a recording
 *
 * Returns: the number of messages, from the index
 */
guint64
gst_rosbag_recording_get_message_count (GstRosbagRecording * rec)
{
  return rec->message_count;
}

/**
 * gst_rosbag_recording_get_n_chunks:
 * @rec: a recording
 *
 * Returns: the number of chunks; 0 for a `.db3` file
 */
guint
gst_rosbag_recording_get_n_chunks (GstRosbagRecording * rec)
{
  if (rec->parts) {
    guint i, n = 0;

    for (i = 0; i < rec->parts->len; i++)
      n += gst_rosbag_recording_get_n_chunks (rec->parts->pdata[i]);
    return n;
  }
  if (rec->db3)
    return 0;
  return rec->bag ? gst_rosbag_bag_get_n_chunks (rec->bag) :
      gst_rosbag_mcap_get_n_chunks (rec->mcap);
}

/**
 * gst_rosbag_recording_get_compression_stats:
 * @rec: a recording
 * @stats: (out) (transfer none): #GstRosbagCompressionStat, one per
 *   compression used
 * @error: return location for a #GError
 *
 * Chunks per compression with their stored and decompressed sizes. For a
 * bag this reads every chunk's record header (small reads, no data); for
 * MCAP it comes from the chunk indexes.
 *
 * Returns: %FALSE if a chunk header could not be read
 */
gboolean
gst_rosbag_recording_get_compression_stats (GstRosbagRecording * rec,
    GArray ** stats, GError ** error)
{
  if (rec->stats) {
    *stats = rec->stats;
    return TRUE;
  }
  if (rec->parts) {
    guint i, j, k;

    rec->stats = g_array_new (FALSE, FALSE, sizeof (GstRosbagCompressionStat));
    for (i = 0; i < rec->parts->len; i++) {
      GArray *ps;

      if (!gst_rosbag_recording_get_compression_stats (rec->parts->pdata[i],
              &ps, error)) {
        g_clear_pointer (&rec->stats, g_array_unref);
        return FALSE;
      }
      for (j = 0; j < ps->len; j++) {
        GstRosbagCompressionStat *c = &g_array_index (ps,
            GstRosbagCompressionStat, j);

        for (k = 0; k < rec->stats->len; k++) {
          GstRosbagCompressionStat *o = &g_array_index (rec->stats,
              GstRosbagCompressionStat, k);

          if (g_strcmp0 (o->name, c->name) == 0) {
            o->chunks += c->chunks;
            o->compressed_bytes += c->compressed_bytes;
            o->uncompressed_bytes += c->uncompressed_bytes;
            break;
          }
        }
        if (k == rec->stats->len)
          g_array_append_val (rec->stats, *c);
      }
    }
  } else if (rec->db3) {
    rec->stats = g_array_new (FALSE, FALSE, sizeof (GstRosbagCompressionStat));
  } else if (rec->mcap) {
    rec->stats = gst_rosbag_mcap_get_compression_stats (rec->mcap);
  } else {
    guint i, n = gst_rosbag_bag_get_n_chunks (rec->bag);
    GstRosbagCompressionStat st[GST_ROSBAG_COMPRESSION_UNKNOWN + 1];

    memset (st, 0, sizeof (st));
    for (i = 0; i < n; i++) {
      const GstRosbagChunkInfo *ci;

      if (!gst_rosbag_bag_load_chunk_header (rec->bag, i, error))
        return FALSE;
      ci = gst_rosbag_bag_get_chunk (rec->bag, i);
      st[ci->compression].chunks++;
      st[ci->compression].compressed_bytes += ci->data_len;
      st[ci->compression].uncompressed_bytes += ci->uncompressed_size;
    }
    rec->stats = g_array_new (FALSE, FALSE, sizeof (GstRosbagCompressionStat));
    for (i = 0; i < GST_ROSBAG_COMPRESSION_UNKNOWN; i++) {
      if (st[i].chunks == 0)
        continue;
      st[i].name = gst_rosbag_compression_to_string (i);
      g_array_append_val (rec->stats, st[i]);
    }
  }
  *stats = rec->stats;
  return TRUE;
}

/**
 * gst_rosbag_recording_get_metadata_names:
 * @rec: a recording
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 * MCAP Metadata records, in file order; empty for a bag
 */
const gchar *const *
gst_rosbag_recording_get_metadata_names (GstRosbagRecording * rec)
{
  static const gchar *const none[] = { NULL };

  if (rec->parts)
    return gst_rosbag_recording_get_metadata_names (rec->parts->pdata[0]);
  return rec->mcap ? gst_rosbag_mcap_get_metadata_names (rec->mcap) : none;
}

/**
 * gst_rosbag_recording_get_attachment_names:
 * @rec: a recording
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 * MCAP attachments, in file order; empty for a bag
 */
const gchar *const *
gst_rosbag_recording_get_attachment_names (GstRosbagRecording * rec)
{
  static const gchar *const none[] = { NULL };

  if (rec->parts)
    return gst_rosbag_recording_get_attachment_names (rec->parts->pdata[0]);
  return rec->mcap ? gst_rosbag_mcap_get_attachment_names (rec->mcap) : none;
}

/**
 * gst_rosbag_recording_get_n_topics:
 * @rec: a recording
 *
 * Returns: the number of topics
 */
guint
gst_rosbag_recording_get_n_topics (GstRosbagRecording * rec)
{
  return rec->topics->len;
}

/**
 * gst_rosbag_recording_get_topic:
 * @rec: a recording
 * @i: below gst_rosbag_recording_get_n_topics()
 *
 * Topics are sorted by name.
 *
 * Returns: (transfer none): topic @i
 */
const GstRosbagTopic *
gst_rosbag_recording_get_topic (GstRosbagRecording * rec, guint i)
{
  g_return_val_if_fail (i < rec->topics->len, NULL);
  return g_ptr_array_index (rec->topics, i);
}

/**
 * gst_rosbag_recording_find_topic:
 * @rec: a recording
 * @name: a topic name (exact)
 *
 * Returns: (transfer none) (nullable): the topic
 */
const GstRosbagTopic *
gst_rosbag_recording_find_topic (GstRosbagRecording * rec, const gchar * name)
{
  guint i;

  for (i = 0; i < rec->topics->len; i++) {
    GstRosbagTopic *t = g_ptr_array_index (rec->topics, i);

    if (strcmp (t->name, name) == 0)
      return t;
  }
  return NULL;
}

static gint
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/**
 * gst_rosbag_recording_get_frequencies:
 * @rec: a recording
 * @hz: (out) (transfer full) (array): one frequency per topic (in topic
 *   order), free with g_free(); 0 for fewer than 2 messages
 * @error: return location for a #GError
 *
 * As `rosbag info --freq`: 1 / the median interval between each topic's
 * messages, from the chunks' index entries (ROS 1 index records, MCAP
 * message indexes). Chunks are decompressed only where a file has no
 * message index.
 *
 * Returns: %FALSE if an index could not be read
 */
gboolean
gst_rosbag_recording_get_frequencies (GstRosbagRecording * rec, gdouble ** hz,
    GError ** error)
{
  guint n_topics = rec->topics->len;
  GArray **times = g_new0 (GArray *, MAX (n_topics, 1));
  gdouble *freq = g_new0 (gdouble, MAX (n_topics, 1));
  gboolean ok = TRUE;
  guint i, k;

  for (i = 0; i < n_topics; i++)
    times[i] = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (i = 0; i < rec->info.blocks->len && ok; i++) {
    GArray *entries = rec->info.funcs->load_index (rec->info.backend, i,
        NULL, error);

    if (!entries) {
      ok = FALSE;
      break;
    }
    for (k = 0; k < entries->len; k++) {
      GstRosbagIndexEntry *e = &g_array_index (entries, GstRosbagIndexEntry,
          k);
      const GstRosbagTopic *t = gst_rosbag_recording_lookup_channel (rec,
          e->conn_id);

      if (t)
        g_array_append_val (times[t->index], e->time_ns);
    }
    g_array_unref (entries);
  }
  for (i = 0; i < n_topics && ok; i++) {
    GArray *t = times[i];
    GArray *periods;
    guint n;
    gdouble med;

    if (t->len < 2)
      continue;
    g_array_sort (t, cmp_u64);
    periods = g_array_sized_new (FALSE, FALSE, sizeof (guint64), t->len - 1);
    for (k = 1; k < t->len; k++) {
      guint64 d = g_array_index (t, guint64, k) - g_array_index (t, guint64,
          k - 1);
      g_array_append_val (periods, d);
    }
    g_array_sort (periods, cmp_u64);
    n = periods->len;
    med = (n % 2) ? g_array_index (periods, guint64, n / 2) :
        (g_array_index (periods, guint64, n / 2 - 1) +
        g_array_index (periods, guint64, n / 2)) / 2.0;
    if (med > 0)
      freq[i] = 1e9 / med;
    g_array_unref (periods);
  }
  for (i = 0; i < n_topics; i++)
    g_array_unref (times[i]);
  g_free (times);
  if (!ok) {
    g_free (freq);
    freq = NULL;
  }
  *hz = freq;
  return ok;
}

/* ---------------------------------------------------------------------- */
/* private */

const GstRosbagBackendFuncs *
gst_rosbag_recording_get_backend (GstRosbagRecording * rec, gpointer * backend)
{
  *backend = rec->info.backend;
  return rec->info.funcs;
}

guint
gst_rosbag_recording_get_n_blocks (GstRosbagRecording * rec)
{
  return rec->info.blocks->len;
}

const GstRosbagBlock *
gst_rosbag_recording_get_block (GstRosbagRecording * rec, guint i)
{
  return &g_array_index (rec->info.blocks, GstRosbagBlock, i);
}

const GstRosbagTopic *
gst_rosbag_recording_lookup_channel (GstRosbagRecording * rec,
    guint32 channel_id)
{
  return g_hash_table_lookup (rec->info.channels,
      GUINT_TO_POINTER (channel_id));
}

GstRosbagBag *
gst_rosbag_recording_get_bag (GstRosbagRecording * rec)
{
  return rec->bag;
}

GHashTable *
gst_rosbag_recording_get_channels (GstRosbagRecording * rec)
{
  return rec->info.channels;
}
