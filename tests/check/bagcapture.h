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

/* Helpers for the bagdemux and bagsrc tests: run a pipeline, link every pad
 * the demuxer (or bagsrc) exposes to a fakesink, and record on the sink
 * side every event and buffer (topic, both reference timestamps, PTS, size
 * and SHA-1 of the bytes) plus the bus messages, so that the tests can
 * compare against python3-rosbag. */

#ifndef __BAGCAPTURE_H__
#define __BAGCAPTURE_H__

#include <gst/gst.h>
#include "rosbag-test-util.h"

G_BEGIN_DECLS
#define NO_TIME G_MAXUINT64
    typedef struct
{
  guint64 pts;
  guint64 recv;                 /* timestamp/x-ros-receive-time, or NO_TIME */
  guint64 hdr;                  /* timestamp/x-ros-header-stamp, or NO_TIME */
  guint64 pub;                  /* timestamp/x-ros-publish-time, or NO_TIME */
  guint n_recv, n_hdr, n_pub;   /* how many metas of each */
  gsize len;
  gchar *sha1;
} CapBuf;

typedef struct _Capture Capture;

typedef struct
{
  Capture *cap;
  gchar *name;                  /* pad name */
  gchar *topic;                 /* from the stream tags of stream-start */
  gchar *type;
  GString *events;              /* S stream-start, C caps, T tag, G segment,
                                 * b buffer(s), g gap(s), E eos, F flush-start,
                                 * f flush-stop, D segment-done */
  GArray *bufs;                 /* CapBuf */
  GPtrArray *caps;              /* GstCaps* of every caps event */
  GstCaps *added_caps;          /* the pad's caps at pad-added, or NULL */
  GArray *segments;             /* GstSegment */
  GArray *gaps;                 /* guint64 pairs: ts, duration */
  GArray *timeline;             /* guint64 pairs: start, end of every buffer
                                 * (end = PTS) and gap, in order */
  GstPad *own_sinkpad;          /* capture_attach_pad's pad */
  GstStream *stream;            /* of the stream-start event */
  GstTagList *tags;             /* merged stream tags */
  guint n_eos;
  guint n_lists;                /* buffer lists among the buffers */
  gint added_seq;               /* order of pad-added */
  gboolean collection_had_stream;       /* the last collection posted
                                         * before pad-added held its stream */
  gint n_collections_before;
} CapPad;

struct _Capture
{
  GMutex lock;
  GCond cond;
  GstElement *pipeline;
  GstElement *exposer;          /* element named "d": bagdemux or bagsrc */
  GPtrArray *pads;              /* CapPad* */
  GPtrArray *order;             /* CapPad* per buffer, in arrival order */
  GArray *order_idx;            /* guint: index into that pad's bufs */
  gint seq;
  gint nmp_seq;                 /* no-more-pads, or -1 */
  gint n_collections;
  gint last_collection_seq;
  GstStreamCollection *collection;      /* the last one posted */
  GPtrArray *warnings;          /* gchar* "text | debug" */
  GPtrArray *element_msgs;      /* GstStructure* of element messages */
  GError *error;
  gchar *error_debug;
  gboolean eos;
  guint n_segment_done;
  gint64 last_segment_done;
  gboolean sync;                /* fakesinks with sync=TRUE */
};

/* desc: a gst-launch description with the bagdemux or bagsrc named "d" */
Capture *capture_new (const gchar * desc);
void capture_free (Capture * cap);

/* A capture without a pipeline (for GstHarness tests): pads are linked with
 * capture_attach_pad */
Capture *capture_new_bare (void);
/* Links @srcpad to a new sink pad that records what arrives */
void capture_attach_pad (Capture * cap, GstPad * srcpad);

/* Sets PLAYING and pops bus messages until EOS, an error, or (if
 * @until_segment_done) a SEGMENT_DONE; returns TRUE unless it timed out */
gboolean capture_run (Capture * cap, gboolean until_segment_done);
/* Pops bus messages (recording them) until @type or an error/EOS arrives */
gboolean capture_wait_message (Capture * cap, GstMessageType type);
/* Records a bus message as capture_run does (warnings, the error, EOS,
 * element messages, segment-done); returns its type */
GstMessageType capture_handle_message (Capture * cap, GstMessage * msg);
/* Waits until no-more-pads was emitted */
void capture_wait_no_more_pads (Capture * cap);

CapPad *capture_find_pad (Capture * cap, const gchar * name);
CapPad *capture_find_topic (Capture * cap, const gchar * topic);

/* "topic\trecv\tlen\tsha1" for every buffer, in arrival order */
GPtrArray *capture_lines (Capture * cap);
/* the same for one pad, in its order */
GPtrArray *capture_pad_lines (CapPad * p);
/* clears recorded buffers (not events) */
void capture_clear_buffers (Capture * cap);
guint capture_n_buffers (Capture * cap);
/* whether a warning contains @needle (in its text or debug) */
gboolean capture_has_warning (Capture * cap, const gchar * needle);
/* A pad probe (BUFFER | BUFFER_LIST) that adds the buffers it sees to the
 * guint at @data */
GstPadProbeReturn capture_count_buffers_probe (GstPad * pad,
    GstPadProbeInfo * info, gpointer data);

/* rosbag-ref.py with @args, its output cached on disk under TEST_BUILD_DIR
 * (keyed by the arguments, the bag's size and mtime and the script's
 * mtime), so that the pull, push and bagsrc tests run python3-rosbag once
 * per bag; NULL (and *ok FALSE) when python3-rosbag cannot read the bag.
 * args[1] must be the bag. */
gchar *ref_cached (const gchar * const *args, gboolean * ok);
/* ref_info and ref_messages of rosbag-test-util.h through that cache */
RefInfo *cref_info (const gchar * path);
GPtrArray *cref_messages (const gchar * path, const gchar * topics,
    guint64 start_ns, guint64 end_ns);

/* python3-rosbag's messages with all 5 columns, split: each item a
 * gchar** {topic, time, len, sha1, header_stamp} */
GPtrArray *ref_messages_full (const gchar * path, const gchar * extra_arg,
    const gchar * extra_val);

/* Asserts the two line sets are equal as multisets */
void assert_same_multiset (GPtrArray * ours, GPtrArray * ref,
    const gchar * what);

/* Copies @src to a new file in @dir, cut at @size bytes */
gchar *copy_file_cut (const gchar * src, const gchar * dir,
    const gchar * name, gsize size);

/* MCAP files read by @mcap/core (node, the pinned npm packages that
 * tests/files/npm-install.sh installs into TEST_BUILD_DIR/npm; the first
 * call installs them when they are missing) */
typedef struct
{
  GPtrArray *lines;             /* "topic\tlog_time\tlen\tsha1", file order */
  GArray *publish;              /* guint64 publish_time, parallel */
} McapRef;

/* tests/files/mcap/@name (GST_ROSBAG_TEST_MCAP_DIR overrides the folder),
 * or NULL (saying SKIP) when it is absent */
gchar *mcap_fixture (const gchar * name);
/* whether node and the packages are there (says SKIP once when not) */
gboolean mcap_ref_available (void);
/* @path's messages as @mcap/core's McapStreamReader reads them (what it
 * reads before the damage of a cut file), or NULL when unavailable */
McapRef *mcap_ref (const gchar * path);
void mcap_ref_free (McapRef * ref);
/* the lines (of one topic, or all with NULL), sorted by log time */
GPtrArray *mcap_ref_time_order (McapRef * ref, const gchar * topic);
/* the publish time of the message of @line, or NO_TIME */
guint64 mcap_ref_publish (McapRef * ref, const gchar * line);

G_END_DECLS
#endif /* __BAGCAPTURE_H__ */
