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

/* Helpers shared by the format-library tests: running the python3-rosbag
 * reference (tests/files/rosbag-ref.py), reading a bag with our reader into
 * comparable lines, and comparing message streams. */

#ifndef __ROSBAG_TEST_UTIL_H__
#define __ROSBAG_TEST_UTIL_H__

#include <glib.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

G_BEGIN_DECLS

#define REF_SCRIPT TEST_FILES_DIR "/rosbag-ref.py"

/* What rosbag-ref.py info --tsv says */
typedef struct
{
  gchar *topic;
  gchar *type;
  gchar *md5sum;
  guint64 messages;
  guint connections;
} RefTopic;

typedef struct
{
  gboolean indexed;
  guint64 start_ns, end_ns, messages;
  guint64 compressed_bytes, uncompressed_bytes;
  guint chunks;
  guint compression[GST_ROSBAG_COMPRESSION_UNKNOWN + 1];
  GPtrArray *topics;            /* RefTopic* */
} RefInfo;

/* Runs rosbag-ref.py with @args (NULL-terminated); returns its stdout, or
 * NULL (and *exit_ok FALSE) if it failed */
/* runs the python script @script with @args: its output, or NULL (and
 * *exit_ok FALSE) when it fails */
gchar *script_run (const gchar * script, const gchar * const *args,
    gboolean * exit_ok);
/* the non-empty lines of @text */
GPtrArray *split_lines (const gchar * text);
gchar *ref_run (const gchar * const *args, gboolean * exit_ok);
/* what runs rosbag-ref.py: ref_run, or a caching wrapper around it */
typedef gchar *(*RefRunner) (const gchar * const *args, gboolean * exit_ok);
RefInfo *ref_info_with (const gchar * path, RefRunner run);
GPtrArray *ref_messages_with (const gchar * path, const gchar * topics,
    guint64 start_ns, guint64 end_ns, RefRunner run);
RefInfo *ref_info (const gchar * path);
void ref_info_free (RefInfo * info);
/* Messages as "topic\ttime_ns\tlen\tsha1" lines (the header stamp column
 * dropped). @topics may be NULL, @start/@end G_MAXUINT64 for none. */
GPtrArray *ref_messages (const gchar * path, const gchar * topics,
    guint64 start_ns, guint64 end_ns);

/* "topic\ttime_ns\tlen\tsha1" of one of our messages */
gchar *msg_line (const GstRosbagMessage * msg);

typedef struct
{
  GPtrArray *lines;             /* gchar* */
  GArray *chunk_pos;            /* guint64, parallel to lines */
  guint errors;                 /* READ_ERROR results */
  gboolean bounded;             /* FALSE if the loop limit was hit */
} OurStream;

/* Reads until EOS (READ_ERROR results are counted and skipped), at most
 * @max_calls calls to gst_rosbag_reader_next */
OurStream *our_read (GstRosbagReader * reader, guint64 max_calls);
void our_stream_free (OurStream * s);

/* Sorts lines inside every run of equal times: python's order for equal
 * times may differ from ours */
void canon_stream (GPtrArray * lines);
/* Asserts @ours equals @ref (both canonicalised first) */
void assert_same_stream (GPtrArray * ours, GPtrArray * ref, const gchar * what);
/* Asserts every line of @small is in @big (as multisets); returns the
 * number of missing lines when @fail is FALSE */
guint assert_contains (GPtrArray * big, GPtrArray * small, gboolean fail,
    const gchar * what);
/* Asserts times never decrease */
void assert_time_order (GPtrArray * lines, const gchar * what);
guint64 line_time (const gchar * line);

/* A bag over memory (gst_rosbag_bag_open_with_func) */
GstRosbagBag *open_mem (GBytes * bytes, const gchar * name, GError ** error);

/* Bags in a folder, sorted; the realbags folder may be absent (NULL) */
GPtrArray *list_bags (const gchar * dir);
/* For the slow tests: 1, or ROSBAG_TEST_STRIDE_SCALE from the environment
 * (used under valgrind) */
guint stride_scale (void);

/* the ROS 2 reference (tests/files/rosmsg2-ref.mjs, node and the pinned npm
 * packages of TEST_NPM_DIR): whether it can run (else prints why not), its
 * json lines for @topics of @mcap, and values out of such a line (the
 * first "key": at any depth; strings without escapes) */
gboolean ros2_ref_available (void);
gchar **ros2_ref_json (const gchar * mcap, const gchar * topics);
gchar *ref_json_value (const gchar * line, const gchar * key);
guint64 ref_json_uint (const gchar * line, const gchar * key);

G_END_DECLS
#endif /* __ROSBAG_TEST_UTIL_H__ */
