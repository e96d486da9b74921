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

/**
 * SECTION:element-bagdemux
 * @title: bagdemux
 * @short_description: demuxes a ROS 1 bag or an MCAP file into one stream
 *     per topic
 *
 * bagdemux reads a ROS bag v2.0 (chunks uncompressed, bz2 or lz4, indexed
 * or not) or an MCAP file (chunks uncompressed, lz4 or zstd; with or
 * without a summary; ROS 2 recordings of rosbag2 and any other profile)
 * and exposes one source pad per selected topic. The format is told apart
 * by the file's magic.
 *
 * In pull mode (after filesrc or giosrc) it reads only the index (a bag's
 * index at its end, an MCAP file's summary), then plays the messages of
 * all selected topics in receive (log) time order and answers duration,
 * position and seeking queries. In push mode (a pipe, HTTP) it demuxes
 * sequentially from the start: messages come out in file order and
 * seeking is not possible.
 *
 * A rosbag2 directory (metadata.yaml and split `.db3` / `.mcap` files,
 * maybe zstd-compressed) plays as one recording, its files merged in log
 * time order, when its metadata.yaml comes through the sink pad in pull
 * mode (bagdemux asks upstream for the file:// URI and opens the files by
 * path) or when #GstBagDemux:recording names it; the format library's
 * warnings about it (a missing split, metadata the files contradict...)
 * are posted as element warnings.
 *
 * Pads are named after their topic: the topic without its leading `/`,
 * every character outside `[A-Za-z0-9_-]` replaced by `_`
 * (`/cam0/image_raw` gives `cam0_image_raw`); when two topics map to the
 * same name the later one (in name order) gets `_2`, `_3`...
 *
 * ROS 1 topics (a bag's, and MCAP channels with message encoding `ros1`)
 * of type sensor_msgs/Image and sensor_msgs/CompressedImage come out as
 * video/x-raw, video/x-bayer, image/jpeg or image/png (see the caps
 * mapping in the documentation). Every other ROS topic, and every topic
 * with #GstBagDemux:raw, is `application/x-rosmsg` (with
 * `encoding=(string)ros1` or `encoding=(string)cdr`); MCAP channels of
 * other message encodings (json, protobuf, flatbuffer...) are
 * `application/x-mcap-message`. Every buffer holds exactly one message's
 * serialized bytes.
 *
 * Every buffer's PTS is its time (receive time, or header.stamp with
 * #GstBagDemux:timestamp-source=header) minus the recording's start time;
 * the absolute times ride on it as #GstReferenceTimestampMeta with the
 * caps `timestamp/x-ros-receive-time`, `timestamp/x-ros-header-stamp` and
 * (MCAP) `timestamp/x-ros-publish-time`.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=x.bag ! bagdemux name=d  d.cam0_image_raw ! queue ! videoconvert ! autovideosink
 * gst-launch-1.0 filesrc location=run.mcap ! bagdemux name=d topics=/imu  d.imu ! fakesink
 * cat run.mcap | gst-launch-1.0 fdsrc ! bagdemux name=d  d.imu ! fakesink
 * gst-launch-1.0 filesrc location=run/metadata.yaml ! bagdemux name=d topics=/imu  d.imu ! fakesink
 * gst-launch-1.0 playbin uri=file:///data/run/metadata.yaml
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/video/video.h>

#include "gstrosbagelements.h"
#include "gstbagdemux.h"
#include "gstbagimage.h"
#include "gstbagvideo.h"
#include <gst/rosbag/rosbag-definitions.h>

GST_DEBUG_CATEGORY_STATIC (gst_bag_demux_debug);
#define GST_CAT_DEFAULT gst_bag_demux_debug

#define DEFAULT_TOPICS NULL
#define DEFAULT_TIMESTAMP_SOURCE GST_BAG_TIMESTAMP_SOURCE_RECEIVE
#define DEFAULT_RAW FALSE
#define DEFAULT_DEFINITIONS_PATH NULL
#define DEFAULT_START_TIME 0
#define DEFAULT_STOP_TIME GST_CLOCK_TIME_NONE
#define DEFAULT_CACHE_SIZE GST_ROSBAG_READER_DEFAULT_CACHE_SIZE
#define DEFAULT_RECORDING NULL
#define DEFAULT_BATCH_TIME 0
#define DEFAULT_MAX_THREADS 0
#define DEFAULT_USE_MMAP TRUE

/* batching: a list holds at most this many messages and bytes; a message
 * bigger than this goes alone (images, point clouds) */
#define BATCH_MAX_BUFFERS 256
#define BATCH_MAX_BYTES (256 * 1024)
#define BATCH_MAX_MESSAGE (16 * 1024)

/* how much of the start of the input is looked at for a rosbag2
 * metadata.yaml (its key may follow comments) */
#define METADATA_SNIFF_LEN 4096

/* messages are copied out of their chunk, so that a queued message never
 * pins a much bigger decompressed chunk, unless they are big (64 KB) and
 * at least an eighth of it (an image in a 4 MB MCAP chunk): a queue
 * holds then at most 8 times the bytes it counts, and the copy is saved */
#define COPY_THRESHOLD (64 * 1024)
#define SHARE_FRACTION 8
/* copies go into recycled buffers (no fresh memory faulted in per
 * message) up to this size */
#define POOLED_COPY_MAX (64 * 1024 * 1024)
/* an image or video topic's caps come from its first message that is not
 * malformed, of its first this many (pull mode looks ahead, push mode
 * holds the pad back) */
#define CAPS_LOOKAHEAD 16
/* a stream that got nothing for this long gets a GAP event */
#define GAP_THRESHOLD (200 * GST_MSECOND)
/* timestamp-source=header: a topic's GAPs follow the receive time minus
 * the largest lag (receive time - header stamp) seen on that topic; before
 * its first message the largest seen on any topic; before any message,
 * minus this much */
#define HEADER_GAP_SLACK (GST_SECOND)

enum
{
  PROP_0,
  PROP_TOPICS,
  PROP_TIMESTAMP_SOURCE,
  PROP_RAW,
  PROP_DEFINITIONS_PATH,
  PROP_START_TIME,
  PROP_STOP_TIME,
  PROP_CACHE_SIZE,
  PROP_RECORDING,
  PROP_BATCH_TIME,
  PROP_MAX_THREADS,
  PROP_USE_MMAP
};

/* What an image topic's pad carries, decided by its first well-formed
 * message (the caps its pad appears with): a frame of the other kind
 * never switches it mid-stream */
typedef enum
{
  IMAGE_MEDIA_UNDECIDED,        /* no well-formed message yet */
  IMAGE_MEDIA_MAPPED,           /* video/x-raw, video/x-bayer, image/jpeg,
                                 * image/png: frames without a GStreamer
                                 * format are skipped and counted */
  IMAGE_MEDIA_SERIALIZED        /* the first has no GStreamer format: every
                                 * message goes out serialized */
} ImageMedia;

/* how a topic's messages are serialized */
typedef enum
{
  ENCODING_ROS1,                /* a bag's, or MCAP message encoding ros1 */
  ENCODING_CDR,                 /* ROS 2 */
  ENCODING_OTHER                /* json, protobuf, flatbuffer, ... */
} MsgEncoding;

typedef struct
{
  GstPad *pad;
  gchar *topic;
  gchar *key;                   /* topic_key(): the name and the type */
  gchar *type;                  /* schema name; "" when schemaless */
  gchar *md5sum;                /* ROS 1 only; may be NULL */
  gchar *schema_encoding;       /* "" when none */
  gchar *message_encoding;
  GBytes *definition;           /* schema bytes (NUL-terminated) */
  MsgEncoding encoding;
  GstStream *stream;
  GstCaps *caps;                /* the caps last sent */
  GstCaps *msg_caps;            /* the serialized-message caps */
  /* the parsed definition (ROS 1 and CDR topics), or NULL */
  GstRosbagMsgDef *def;
  gboolean is_image;
  ImageMedia media;
  /* frames skipped for having no GStreamer format (IMAGE_MEDIA_MAPPED), of
   * the well-formed ones; the first of them; said once (a warning at EOS
   * or when the element stops) */
  guint64 n_unmapped;
  guint64 n_images;
  guint64 first_unmapped_ns;
  gchar *first_unmapped;
  gboolean warned_unmapped;
  /* new caps were sent after buffers (a size or encoding change) */
  gboolean caps_changed;
  guint64 n_buffers_at_change;
  /* foxglove CompressedVideo: access units out as video/x-h264 ... */
  gboolean is_video;
  gboolean need_key;            /* drop delta frames until a key frame */
  guint n_before_key;           /* dropped so far */
  guint video_width, video_height;      /* from the last key frame */
  gboolean warned_video;
  gboolean has_header;
  gboolean warned_stamp;
  gboolean use_video_meta;
  gboolean meta_checked;
  /* images with more than one layout (16-bit samples: either byte
   * order): what the pad offers (gst_bag_image_map_full()'s choices,
   * the pad's CAPS query answer) and downstream's answer to it, which
   * the mapper picks from; NULL for every other topic */
  GstCaps *offer;
  GstCaps *downstream;
  gboolean negotiated;          /* downstream asked since the offer */
  gboolean exposed;
  /* push mode: malformed messages skipped before the pad was exposed */
  guint n_bad_before_caps;
  GstClockTime last_ts;
  /* timestamp-source=header: the largest receive time - PTS seen, once a
   * message was seen (lag_known) */
  guint64 max_lag;
  gboolean lag_known;
  GstClockTime prev_pts;        /* of the last image buffer */
  GstClockTime period;          /* mean interval of the topic, or NONE */
  guint64 n_buffers;
  /* batching (streaming thread only): buffers not pushed yet, the
   * receive time of the first, their bytes */
  GstBufferList *pending;
  guint64 pending_first_ns;
  gsize pending_bytes;
  /* small messages are copied into buffers of this pool, recycled with
   * their timestamp metas; its buffers hold pool_size bytes */
  GstBufferPool *pool;
  gsize pool_size;
  /* copies of bigger messages (images in a chunk they share with others) */
  GstBufferPool *big_pool;
  gsize big_pool_size;
} GstBagStream;

struct _GstBagDemux
{
  GstElement parent;

  GstPad *sinkpad;

  /* properties */
  gchar *topics;
  gchar *definitions_path;
  /* where topics without a definition find one (made at open) */
  GstRosbagDefinitions *definitions;
  GstBagTimestampSource ts_source;
  gboolean raw;
  guint64 start_time;
  guint64 stop_time;
  guint64 cache_size;
  gchar *recording;
  guint64 batch_time;
  guint max_threads;
  gboolean use_mmap;

  /* state */
  gboolean pull_mode;
  gboolean opened;
  GstRosbagRecording *rec;
  GstRosbagReader *reader;
  gboolean has_publish_time;    /* MCAP */
  gboolean push_index_checked;  /* push mode: said whether it is indexed */
  gboolean warned_header_source;
  gchar **patterns;
  GPtrArray *streams;           /* GstBagStream* */
  GHashTable *stream_by_topic;  /* topic_key() -> GstBagStream* */
  GHashTable *stream_by_ptr;    /* GstRosbagTopic* -> GstBagStream* or NULL
                                 * (not selected) */
  GstFlowCombiner *flowcombiner;
  GstStreamCollection *collection;
  guint group_id;
  GstCaps *receive_caps;
  GstCaps *header_caps;
  GstCaps *publish_caps;
  GstFlowReturn last_pull_ret;
  /* a pad's not-negotiated said with its topic: not again, generically */
  gboolean posted_not_negotiated;
  /* recycled buffers for the big pulls (chunks): no fresh allocation,
   * faulted in again, per chunk; streaming thread only */
  GstBufferPool *read_pool;
  gsize read_pool_size;
  gchar *location;

  GstSegment segment;
  guint32 segment_seqnum;
  gboolean need_segment;
  guint64 base_ns;              /* the recording's start time */
  gboolean base_known;
  guint64 duration;

  /* batching: the receive time at which the oldest pending list is due
   * (G_MAXUINT64: nothing pending) */
  guint64 batch_due_ns;
  /* the receive time (relative, as a PTS) of the message being pushed:
   * every earlier message of every topic has been pushed or is pending
   * (streaming thread only; NONE before the first) */
  GstClockTime reached;
  gboolean announcing;
  /* timestamp-source=header: the largest lag of any topic, once known */
  guint64 max_lag;
  gboolean lag_known;

  /* push mode */
  GstRosbagStreamParser *parser;
  gboolean push_failed;         /* an error was posted: drop the rest */
  /* what the parser gave: messages (of any topic), and the first damage
   * it skipped, to say at EOS why nothing played */
  guint64 push_n_messages;
  GError *push_damage;
  /* the first bytes, held back from the parser until there are enough to
   * tell a rosbag2 metadata.yaml (which needs pull mode) */
  GByteArray *head;
  gboolean head_checked;
};

#define gst_bag_demux_parent_class parent_class
G_DEFINE_TYPE (GstBagDemux, gst_bag_demux, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (bagdemux, "bagdemux", GST_RANK_PRIMARY,
    GST_TYPE_BAG_DEMUX, gst_bag_register_tags ());

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-rosbag; application/x-mcap; "
        "application/x-rosbag2-metadata"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("%s",
    GST_PAD_SRC,
    GST_PAD_SOMETIMES,
    GST_STATIC_CAPS (GST_BAG_DEMUX_SRC_CAPS));

GType
gst_bag_timestamp_source_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_BAG_TIMESTAMP_SOURCE_RECEIVE,
        "The receive time (bag record time, MCAP log_time)", "receive"},
    {GST_BAG_TIMESTAMP_SOURCE_HEADER,
        "header.stamp of ROS 1 and CDR messages with a std_msgs/Header "
          "(the timestamp of CompressedVideo; the receive time for the "
          "others)", "header"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstBagTimestampSource", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
gst_bag_register_tags (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gst_tag_register_static (GST_BAG_TAG_TOPIC, GST_TAG_FLAG_META,
        G_TYPE_STRING, "ROS topic", "the ROS topic of the stream", NULL);
    gst_tag_register_static (GST_BAG_TAG_TYPE, GST_TAG_FLAG_META,
        G_TYPE_STRING, "ROS message type", "the ROS message type (pkg/Type)",
        NULL);
    g_once_init_leave (&done, 1);
  }
}

gchar *
gst_bag_topic_to_pad_name (const gchar * topic)
{
  GString *s = g_string_new (NULL);
  const gchar *p = topic;

  gboolean utf8 = g_utf8_validate (topic, -1, NULL);

  if (*p == '/')
    p++;
  /* one _ per character: per UTF-8 character when the topic is UTF-8 */
  for (; *p; p = utf8 ? g_utf8_next_char (p) : p + 1) {
    if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
      g_string_append_c (s, *p);
    else
      g_string_append_c (s, '_');
  }
  if (s->len == 0)
    g_string_append (s, "topic");
  return g_string_free (s, FALSE);
}

static void gst_bag_demux_finalize (GObject * object);
static void gst_bag_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_bag_demux_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_bag_demux_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_bag_demux_sink_activate (GstPad * pad, GstObject * parent);
static gboolean gst_bag_demux_sink_activate_mode (GstPad * pad,
    GstObject * parent, GstPadMode mode, gboolean active);
static GstFlowReturn gst_bag_demux_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer);
static gboolean gst_bag_demux_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_bag_demux_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_bag_demux_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static void gst_bag_demux_loop (GstPad * pad);

GParamSpec *
gst_bag_demux_param_spec_max_threads (void)
{
  return g_param_spec_uint ("max-threads", "Max. threads",
      "Threads decompressing chunks ahead of need (0 = one per CPU, none on "
      "a single CPU)", 0, 256, DEFAULT_MAX_THREADS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
}

GParamSpec *
gst_bag_demux_param_spec_use_mmap (void)
{
  return g_param_spec_boolean ("use-mmap", "Use mmap",
      "In pull mode, read a local file straight from its source element as "
      "views of the mapped file instead of pulling copies (a file truncated "
      "by another process while mapped ends this one with SIGBUS)",
      DEFAULT_USE_MMAP, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);
}

static void
gst_bag_demux_class_init (GstBagDemuxClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_bag_demux_finalize;
  gobject_class->set_property = gst_bag_demux_set_property;
  gobject_class->get_property = gst_bag_demux_get_property;

  g_object_class_install_property (gobject_class, PROP_TOPICS,
      g_param_spec_string ("topics", "Topics",
          "Comma-separated topic names or * globs to play (empty = all)",
          DEFAULT_TOPICS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TIMESTAMP_SOURCE,
      g_param_spec_enum ("timestamp-source", "Timestamp source",
          "Which time becomes the buffer PTS", GST_TYPE_BAG_TIMESTAMP_SOURCE,
          DEFAULT_TIMESTAMP_SOURCE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_RAW,
      g_param_spec_boolean ("raw", "Raw",
          "Every topic as serialized messages (application/x-rosmsg or "
          "application/x-mcap-message), no image mapping", DEFAULT_RAW,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DEFINITIONS_PATH,
      g_param_spec_string ("definitions-path", "Definitions path",
          "Colon-separated directories laid out as a ROS 2 share tree "
          "(DIR/pkg/msg/Type.msg) where topics whose recording holds no "
          "definition find one, before the built-in common interfaces",
          DEFAULT_DEFINITIONS_PATH, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START_TIME,
      g_param_spec_uint64 ("start-time", "Start time",
          "Play from this time (ns, relative to the recording's start)", 0,
          G_MAXUINT64, DEFAULT_START_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_STOP_TIME,
      g_param_spec_uint64 ("stop-time", "Stop time",
          "Stop before this time (ns, relative to the recording's start; "
          "-1 = the end)", 0, G_MAXUINT64, DEFAULT_STOP_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CACHE_SIZE,
      g_param_spec_uint64 ("cache-size", "Chunk cache size",
          "Bytes of decompressed chunks kept for reading (pull mode)", 0,
          G_MAXUINT64, DEFAULT_CACHE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstBagDemux:recording:
   *
   * A rosbag2 recording to read by path instead of through the sink pad:
   * a directory (its metadata.yaml, or every storage file it holds), a
   * metadata.yaml, or a storage file compressed whole (`.db3.zstd`,
   * `.mcap.zstd`). The split files are read by the format library (mapped
   * files) and merged into one recording; the sink pad then only drives
   * scheduling, and must be in pull mode. bagsrc sets it for a directory
   * without metadata.yaml and for a `.zstd` file.
   */
  g_object_class_install_property (gobject_class, PROP_RECORDING,
      g_param_spec_string ("recording", "Recording",
          "A rosbag2 recording to read by path, as one recording: a "
          "directory (its metadata.yaml, or every storage file it holds), "
          "a metadata.yaml or a .db3.zstd / .mcap.zstd file; the sink pad "
          "then only drives scheduling (pull mode)", DEFAULT_RECORDING,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstBagDemux:batch-time:
   *
   * Small messages (up to 16 KB) of one topic are pushed together, as a
   * #GstBufferList of consecutive messages of that topic, once the first
   * of them is this much receive time old (or the list holds 256 messages
   * or 256 KB): one hand-off per list instead of one per message, which
   * is what makes topics at hundreds of Hz to kHz cheap to play. Every
   * buffer keeps its own timestamps and metas, and each topic's order is
   * unchanged; only the interleaving of pushes across pads changes, by at
   * most this much. Events (caps, GAP, segment, EOS) on a pad follow what
   * it holds. Bigger messages (images) are pushed at once. 0 (the default)
   * pushes every message by itself, in receive-time order across pads;
   * bagsrc sets 20 ms.
   */
  g_object_class_install_property (gobject_class, PROP_BATCH_TIME,
      g_param_spec_uint64 ("batch-time", "Batch time",
          "Push small messages of a topic together, as a buffer list, once "
          "the first is this old in receive time (ns; 0 = every message "
          "alone)", 0, G_MAXUINT64, DEFAULT_BATCH_TIME,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstBagDemux:max-threads:
   *
   * How many threads decompress chunks (bz2, lz4, zstd) ahead of need in
   * pull mode, in the order they are due and within #GstBagDemux:cache-size
   * (chunks being decompressed count in it). 0 (the default) is one per
   * CPU the process may run on (following `taskset`), or none on a single
   * CPU, where the streaming thread decompresses each chunk when it is
   * due; a number caps it. The threads never read the file: the
   * streaming thread reads the compressed bytes, they only decompress.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_THREADS,
      gst_bag_demux_param_spec_max_threads ());

  /**
   * GstBagDemux:use-mmap:
   *
   * In pull mode, when the element upstream is the source of a local
   * regular file (filesrc, giosrc on a file:// URI: upstream's URI query,
   * answered by the pad's direct peer), the recording is read as views of
   * the mapped file instead of through pull ranges: no copy out of the
   * page cache per chunk, and an uncompressed chunk's messages are slices
   * of the file. Ranges of the file leave the process's RSS again once
   * what was read from them is released. Where the mapped file cannot be
   * opened, pull ranges are used as before. Off, every byte comes through
   * the pull range. A mapped file that another process truncates while it
   * plays ends this process with SIGBUS (a pull range gets an error): set
   * it to %FALSE for files that may be truncated under the reader.
   */
  g_object_class_install_property (gobject_class, PROP_USE_MMAP,
      gst_bag_demux_param_spec_use_mmap ());

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_bag_demux_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "ROS bag demuxer",
      "Codec/Demuxer",
      "Demuxes a ROS 1 bag or an MCAP file into one stream per topic",
      "The gst-rosbag authors");

  gst_type_mark_as_plugin_api (GST_TYPE_BAG_TIMESTAMP_SOURCE, 0);
  GST_DEBUG_CATEGORY_INIT (gst_bag_demux_debug, "bagdemux", 0,
      "ROS bag demuxer");
}

static void
gst_bag_demux_init (GstBagDemux * demux)
{
  demux->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_activate));
  gst_pad_set_activatemode_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_activate_mode));
  gst_pad_set_chain_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_chain));
  gst_pad_set_event_function (demux->sinkpad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_sink_event));
  gst_element_add_pad (GST_ELEMENT (demux), demux->sinkpad);

  demux->ts_source = DEFAULT_TIMESTAMP_SOURCE;
  demux->raw = DEFAULT_RAW;
  demux->batch_time = DEFAULT_BATCH_TIME;
  demux->max_threads = DEFAULT_MAX_THREADS;
  demux->use_mmap = DEFAULT_USE_MMAP;
  demux->batch_due_ns = G_MAXUINT64;
  demux->reached = GST_CLOCK_TIME_NONE;
  demux->start_time = DEFAULT_START_TIME;
  demux->stop_time = DEFAULT_STOP_TIME;
  demux->cache_size = DEFAULT_CACHE_SIZE;

  demux->streams = g_ptr_array_new ();
  demux->stream_by_topic = g_hash_table_new (g_str_hash, g_str_equal);
  demux->stream_by_ptr = g_hash_table_new (NULL, NULL);
  demux->flowcombiner = gst_flow_combiner_new ();
  demux->receive_caps = gst_caps_new_empty_simple (GST_BAG_RECEIVE_TIME_CAPS);
  demux->header_caps = gst_caps_new_empty_simple (GST_BAG_HEADER_STAMP_CAPS);
  demux->publish_caps = gst_caps_new_empty_simple (GST_BAG_PUBLISH_TIME_CAPS);
  gst_segment_init (&demux->segment, GST_FORMAT_TIME);
}

static void
gst_bag_demux_finalize (GObject * object)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  g_free (demux->topics);
  g_free (demux->definitions_path);
  g_free (demux->recording);
  g_clear_pointer (&demux->definitions, gst_rosbag_definitions_unref);
  g_ptr_array_unref (demux->streams);
  g_hash_table_unref (demux->stream_by_topic);
  g_hash_table_unref (demux->stream_by_ptr);
  gst_flow_combiner_free (demux->flowcombiner);
  g_clear_error (&demux->push_damage);
  gst_caps_unref (demux->receive_caps);
  gst_caps_unref (demux->header_caps);
  gst_caps_unref (demux->publish_caps);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_bag_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  GST_OBJECT_LOCK (demux);
  switch (prop_id) {
    case PROP_TOPICS:
      g_free (demux->topics);
      demux->topics = g_value_dup_string (value);
      break;
    case PROP_TIMESTAMP_SOURCE:
      demux->ts_source = g_value_get_enum (value);
      break;
    case PROP_RAW:
      demux->raw = g_value_get_boolean (value);
      break;
    case PROP_DEFINITIONS_PATH:
      g_free (demux->definitions_path);
      demux->definitions_path = g_value_dup_string (value);
      break;
    case PROP_START_TIME:
      demux->start_time = g_value_get_uint64 (value);
      break;
    case PROP_STOP_TIME:
      demux->stop_time = g_value_get_uint64 (value);
      break;
    case PROP_CACHE_SIZE:
      demux->cache_size = g_value_get_uint64 (value);
      break;
    case PROP_RECORDING:
      g_free (demux->recording);
      demux->recording = g_value_dup_string (value);
      break;
    case PROP_BATCH_TIME:
      demux->batch_time = g_value_get_uint64 (value);
      break;
    case PROP_MAX_THREADS:
      demux->max_threads = g_value_get_uint (value);
      break;
    case PROP_USE_MMAP:
      demux->use_mmap = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (demux);
}

static void
gst_bag_demux_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBagDemux *demux = GST_BAG_DEMUX (object);

  GST_OBJECT_LOCK (demux);
  switch (prop_id) {
    case PROP_TOPICS:
      g_value_set_string (value, demux->topics);
      break;
    case PROP_TIMESTAMP_SOURCE:
      g_value_set_enum (value, demux->ts_source);
      break;
    case PROP_RAW:
      g_value_set_boolean (value, demux->raw);
      break;
    case PROP_DEFINITIONS_PATH:
      g_value_set_string (value, demux->definitions_path);
      break;
    case PROP_START_TIME:
      g_value_set_uint64 (value, demux->start_time);
      break;
    case PROP_STOP_TIME:
      g_value_set_uint64 (value, demux->stop_time);
      break;
    case PROP_CACHE_SIZE:
      g_value_set_uint64 (value, demux->cache_size);
      break;
    case PROP_RECORDING:
      g_value_set_string (value, demux->recording);
      break;
    case PROP_BATCH_TIME:
      g_value_set_uint64 (value, demux->batch_time);
      break;
    case PROP_MAX_THREADS:
      g_value_set_uint (value, demux->max_threads);
      break;
    case PROP_USE_MMAP:
      g_value_set_boolean (value, demux->use_mmap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (demux);
}

/* ---------------------------------------------------------------------- */
/* streams */

typedef struct
{
  GstBuffer *buf;
  GstMapInfo map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer data)
{
  MappedBuffer *mb = data;

  gst_buffer_unmap (mb->buf, &mb->map);
  gst_buffer_unref (mb->buf);
  g_free (mb);
}

/* The bytes of @buf without a copy (takes @buf), or NULL */
static GBytes *
bytes_from_buffer (GstBuffer * buf)
{
  MappedBuffer *mb = g_new0 (MappedBuffer, 1);

  mb->buf = buf;
  if (!gst_buffer_map (buf, &mb->map, GST_MAP_READ)) {
    gst_buffer_unref (buf);
    g_free (mb);
    return NULL;
  }
  return g_bytes_new_with_free_func (mb->map.data, mb->map.size,
      mapped_buffer_free, mb);
}

static void
buffer_pool_clear (GstBufferPool ** pool, gsize * pool_size)
{
  if (*pool) {
    gst_buffer_pool_set_active (*pool, FALSE);
    gst_clear_object (pool);
  }
  *pool_size = 0;
}

/* Recycled buffers: the message copies, and the pulls of pull mode. A
 * pool holds buffers of one size, a power of two of at least @min; a
 * bigger request makes a new pool (the old one lives on until its buffers
 * come back). Returns a buffer of exactly @size bytes, or NULL (no pool
 * could be made: the caller allocates). */
static GstBuffer *
buffer_pool_acquire (GstBufferPool ** pool, gsize * pool_size, gsize size,
    gsize min)
{
  GstBuffer *buf = NULL;

  if (*pool == NULL || size > *pool_size) {
    GstStructure *config;
    gsize want = min;

    while (want < size)
      want <<= 1;
    buffer_pool_clear (pool, pool_size);
    *pool = gst_buffer_pool_new ();
    config = gst_buffer_pool_get_config (*pool);
    gst_buffer_pool_config_set_params (config, NULL, want, 0, 0);
    if (!gst_buffer_pool_set_config (*pool, config)
        || !gst_buffer_pool_set_active (*pool, TRUE)) {
      gst_clear_object (pool);
      return NULL;
    }
    *pool_size = want;
  }
  if (gst_buffer_pool_acquire_buffer (*pool, &buf, NULL) != GST_FLOW_OK)
    return NULL;
  /* (a buffer back from downstream may have any size up to the pool's;
   * the pool gives it its full size again when it comes back) */
  gst_buffer_set_size (buf, size);
  return buf;
}

static void
gst_bag_stream_free (GstBagStream * s)
{
  g_free (s->topic);
  g_free (s->key);
  g_free (s->type);
  g_free (s->md5sum);
  g_free (s->schema_encoding);
  g_free (s->message_encoding);
  g_free (s->first_unmapped);
  g_bytes_unref (s->definition);
  g_clear_pointer (&s->def, gst_rosbag_msgdef_unref);
  gst_clear_caps (&s->caps);
  gst_clear_caps (&s->msg_caps);
  gst_clear_caps (&s->offer);
  gst_clear_caps (&s->downstream);
  gst_clear_object (&s->stream);
  if (s->pending)
    gst_buffer_list_unref (s->pending);
  /* (buffers still downstream keep the pools until they come back) */
  buffer_pool_clear (&s->pool, &s->pool_size);
  buffer_pool_clear (&s->big_pool, &s->big_pool_size);
  g_free (s);
}

static void
gst_bag_demux_reset (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (s->exposed) {
      gst_flow_combiner_remove_pad (demux->flowcombiner, s->pad);
      gst_element_remove_pad (GST_ELEMENT (demux), s->pad);
    } else if (s->pad) {
      gst_object_unref (s->pad);
    }
    gst_bag_stream_free (s);
  }
  g_ptr_array_set_size (demux->streams, 0);
  g_hash_table_remove_all (demux->stream_by_topic);
  g_hash_table_remove_all (demux->stream_by_ptr);
  gst_flow_combiner_reset (demux->flowcombiner);
  gst_clear_object (&demux->collection);
  g_clear_pointer (&demux->reader, gst_rosbag_reader_free);
  g_clear_pointer (&demux->rec, gst_rosbag_recording_unref);
  g_clear_pointer (&demux->parser, gst_rosbag_stream_parser_free);
  /* (buffers still held keep it until they come back) */
  buffer_pool_clear (&demux->read_pool, &demux->read_pool_size);
  demux->push_failed = FALSE;
  demux->push_n_messages = 0;
  g_clear_error (&demux->push_damage);
  demux->push_index_checked = FALSE;
  if (demux->head)
    g_byte_array_unref (demux->head);
  demux->head = NULL;
  demux->head_checked = FALSE;
  demux->has_publish_time = FALSE;
  demux->warned_header_source = FALSE;
  g_strfreev (demux->patterns);
  demux->patterns = NULL;
  g_free (demux->location);
  demux->location = NULL;
  demux->opened = FALSE;
  demux->base_known = FALSE;
  demux->base_ns = 0;
  demux->duration = GST_CLOCK_TIME_NONE;
  demux->need_segment = TRUE;
  demux->segment_seqnum = gst_util_seqnum_next ();
  demux->last_pull_ret = GST_FLOW_OK;
  demux->posted_not_negotiated = FALSE;
  demux->batch_due_ns = G_MAXUINT64;
  demux->reached = GST_CLOCK_TIME_NONE;
  demux->max_lag = 0;
  demux->lag_known = FALSE;
  gst_segment_init (&demux->segment, GST_FORMAT_TIME);
  demux->group_id = gst_util_group_id_next ();
}

/* ---------------------------------------------------------------------- */
/* CompressedVideo */

static gboolean
type_is_compressed_video (const gchar * type)
{
  return g_str_equal (type, "foxglove_msgs/msg/CompressedVideo") ||
      g_str_equal (type, "foxglove_msgs/CompressedVideo") ||
      g_str_equal (type, "foxglove.CompressedVideo") ||
      g_str_equal (type, "foxglove::CompressedVideo");
}

typedef struct
{
  GstBagVideoCodec codec;
  const guint8 *au;
  gsize au_size;
  GstBagVideoFrameInfo info;
  gboolean have_stamp;
  guint64 stamp_ns;
} VideoFrame;

/* builtin_interfaces/Time (ROS 2: a time field) or foxglove::Time
 * (omgidl: a struct of sec, nsec) */
static const gchar *const video_paths[] = { "format", "data", "timestamp",
  "timestamp.sec", "timestamp.nsec", NULL
};

/* Reads one CompressedVideo message with the decoder. FALSE with
 * GST_STREAM_ERROR_CODEC_NOT_FOUND: a format we do not map (the message
 * then goes out as it is); another error: a malformed message. */
static gboolean
read_video_frame (GstBagStream * s, const guint8 * data, gsize size,
    VideoFrame * vf, GError ** error)
{
  GstRosbagFieldValue v[5];
  GError *err = NULL;

  memset (vf, 0, sizeof (*vf));
  if (!gst_rosbag_msgdef_read_fields (s->def, data, size, video_paths, v, &err)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE, "%s",
        err->message);
    g_clear_error (&err);
    return FALSE;
  }
  if (!v[0].found || v[0].field->type != GST_ROSBAG_FIELD_STRING ||
      !v[1].found || !v[1].field->is_bytes) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
        "%s has no string format and uint8[] data", s->type);
    return FALSE;
  }
  vf->codec = gst_bag_video_codec_from_format (v[0].value.str,
      v[0].value.str_len);
  if (vf->codec == GST_BAG_VIDEO_CODEC_UNKNOWN) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
        "format '%.*s' is none of h264, h265, vp9, av1",
        (gint) MIN (v[0].value.str_len, 64), v[0].value.str);
    return FALSE;
  }
  if (v[2].found && v[2].field->type == GST_ROSBAG_FIELD_TIME &&
      v[2].value.secs >= 0 && v[2].value.nsecs >= 0) {
    vf->have_stamp = TRUE;
    vf->stamp_ns = (guint64) v[2].value.secs * GST_SECOND + v[2].value.nsecs;
  } else if (v[3].found && v[4].found &&
      v[3].field->type == GST_ROSBAG_FIELD_UINT32 &&
      v[4].field->type == GST_ROSBAG_FIELD_UINT32) {
    vf->have_stamp = TRUE;
    vf->stamp_ns = v[3].value.u * GST_SECOND + v[4].value.u;
  }
  vf->au = v[1].data;
  vf->au_size = v[1].size;
  return gst_bag_video_parse_frame (vf->codec, vf->au, vf->au_size,
      &vf->info, error);
}

static GQuark
gst_bag_demux_offer_quark (void)
{
  static GQuark q;

  if (q == 0)
    q = g_quark_from_static_string ("gst-bag-demux-offer");
  return q;
}

/* Sets what an image pad offers (NULL: one layout only, the pad's caps
 * are its answer); the CAPS query reads it from the pad, in any thread */
static void
gst_bag_stream_set_offer (GstBagStream * s, GstCaps * choices)
{
  GstCaps *offer = choices && gst_caps_get_size (choices) > 1 ? choices : NULL;

  if (offer == s->offer || (offer && s->offer
          && gst_caps_is_equal (offer, s->offer)))
    return;
  GST_DEBUG_OBJECT (s->pad, "offering %" GST_PTR_FORMAT, offer);
  gst_caps_replace (&s->offer, offer);
  gst_clear_caps (&s->downstream);
  s->negotiated = FALSE;
  GST_OBJECT_LOCK (s->pad);
  g_object_set_qdata_full (G_OBJECT (s->pad), gst_bag_demux_offer_quark (),
      offer ? gst_caps_ref (offer) : NULL,
      offer ? (GDestroyNotify) gst_caps_unref : NULL);
  GST_OBJECT_UNLOCK (s->pad);
}

/* The pad's offer, or NULL (any thread) */
static GstCaps *
gst_bag_demux_pad_get_offer (GstPad * pad)
{
  GstCaps *offer;

  GST_OBJECT_LOCK (pad);
  offer = g_object_get_qdata (G_OBJECT (pad), gst_bag_demux_offer_quark ());
  if (offer)
    gst_caps_ref (offer);
  GST_OBJECT_UNLOCK (pad);
  return offer;
}

/* Asks downstream which of the offered layouts it takes: its answer, in
 * its order of preference, is what the mapper picks from (the first
 * structure it can give, as a base source fixates its peer's caps) */
static void
gst_bag_stream_negotiate (GstBagStream * s)
{
  gst_clear_caps (&s->downstream);
  s->downstream = gst_pad_peer_query_caps (s->pad, s->offer);
  s->negotiated = TRUE;
  GST_DEBUG_OBJECT (s->pad, "downstream takes %" GST_PTR_FORMAT " of %"
      GST_PTR_FORMAT, s->downstream, s->offer);
}

/* An image topic's caps from one of its messages (the pad's caps before
 * its first buffer); stays unset where the message does not map. Returns
 * FALSE for a malformed message, with @error set (skipped when it plays:
 * it says nothing of the topic's caps) */
static gboolean
gst_bag_stream_caps_from (GstBagStream * s, const guint8 * data, gsize size,
    GError ** error)
{
  GBytes *b = g_bytes_new (data, size);
  GstCaps *caps = NULL;
  GstCaps *choices = NULL;
  GError *err = NULL;
  gboolean ok = TRUE;

  if (s->is_video) {
    VideoFrame vf;

    if (read_video_frame (s, data, size, &vf, &err))
      caps = gst_bag_video_make_caps (vf.codec, vf.info.width, vf.info.height);
    else
      ok = g_error_matches (err, GST_STREAM_ERROR,
          GST_STREAM_ERROR_CODEC_NOT_FOUND);
    if (caps)
      gst_caps_replace (&s->caps, caps);
  } else if (!gst_bag_image_map_full (s->def, b, FALSE, NULL, &caps,
          &choices, NULL, NULL, &err)) {
    ok = FALSE;
  } else if (caps) {
    /* the message's own layout until downstream says otherwise */
    gst_caps_replace (&s->caps, caps);
    gst_bag_stream_set_offer (s, choices);
    s->media = IMAGE_MEDIA_MAPPED;
  } else {
    s->media = IMAGE_MEDIA_SERIALIZED;
  }
  if (!ok && err) {
    g_propagate_error (error, err);
    err = NULL;
  }
  g_clear_error (&err);
  if (caps)
    gst_caps_unref (caps);
  if (choices)
    gst_caps_unref (choices);
  g_bytes_unref (b);
  return ok;
}

/* The caps of a topic's serialized messages: application/x-rosmsg for
 * the ROS wire formats, application/x-mcap-message for the rest */
static GstCaps *
stream_msg_caps (GstBagStream * s)
{
  gsize def_len = 0;
  const gchar *def = g_bytes_get_data (s->definition, &def_len);
  GstCaps *caps;
  GstStructure *st;

  if (s->encoding == ENCODING_OTHER) {
    GstBuffer *schema = def_len > 0 ? gst_buffer_new_memdup (def, def_len) :
        gst_buffer_new ();

    caps = gst_caps_new_simple ("application/x-mcap-message",
        "encoding", G_TYPE_STRING, s->message_encoding,
        "schema-encoding", G_TYPE_STRING, s->schema_encoding,
        "schema-name", G_TYPE_STRING, s->type,
        "schema", GST_TYPE_BUFFER, schema,
        "topic", G_TYPE_STRING, s->topic, NULL);
    gst_buffer_unref (schema);
    return caps;
  }
  caps = gst_caps_new_simple ("application/x-rosmsg",
      "type", G_TYPE_STRING, s->type, NULL);
  st = gst_caps_get_structure (caps, 0);
  if (s->md5sum)
    gst_structure_set (st, "md5sum", G_TYPE_STRING, s->md5sum, NULL);
  gst_structure_set (st, "definition", G_TYPE_STRING, def ? def : "",
      "topic", G_TYPE_STRING, s->topic, NULL);
  if (s->encoding == ENCODING_ROS1) {
    gst_structure_set (st, "encoding", G_TYPE_STRING, "ros1", NULL);
  } else {
    gst_structure_set (st, "encoding", G_TYPE_STRING, "cdr",
        "schema-encoding", G_TYPE_STRING, s->schema_encoding, NULL);
  }
  return caps;
}

static gboolean
gst_bag_demux_pad_name_taken (GstBagDemux * demux, const gchar * name)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (strcmp (GST_PAD_NAME (s->pad), name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* What tells streams apart: the topic's name, type and (ROS 1) md5sum,
 * as the library tells topics apart */
static gchar *
topic_key (const GstRosbagTopic * t)
{
  const gchar *type = gst_rosbag_topic_get_type (t);
  const gchar *md5 = gst_rosbag_topic_get_md5sum (t);

  return g_strconcat (gst_rosbag_topic_get_name (t), "\n", type ? type : "",
      "\n", md5 ? md5 : "", NULL);
}

static GstBagStream *
gst_bag_demux_new_stream (GstBagDemux * demux, const GstRosbagTopic * t)
{
  GstBagStream *s = g_new0 (GstBagStream, 1);
  const gchar *topic = gst_rosbag_topic_get_name (t);
  const gchar *type = gst_rosbag_topic_get_type (t);
  const gchar *menc = gst_rosbag_topic_get_message_encoding (t);
  const gchar *senc = gst_rosbag_topic_get_schema_encoding (t);
  GBytes *found_def = NULL;
  const guint8 *def;
  gsize def_len = 0;
  gchar *base, *name;
  guint n = 1;
  GstTagList *tags;
  GstStreamType stype;

  def = gst_rosbag_topic_get_definition (t, &def_len);
  s->topic = g_strdup (topic);
  s->key = topic_key (t);
  if ((def == NULL || def_len == 0) && type && *type && menc &&
      strcmp (menc, "cdr") == 0) {
    gchar *text;
    GError *err = NULL;

    /* a Humble .db3 or a schemaless channel: the definitions path and the
     * built-in common interfaces */
    if (demux->definitions == NULL)
      demux->definitions = gst_rosbag_definitions_new (demux->definitions_path);
    text = gst_rosbag_definitions_lookup (demux->definitions, type, &err);
    if (text) {
      GST_INFO_OBJECT (demux, "%s: the definition of %s from the "
          "definitions path or the built-in set", topic, type);
      found_def = g_bytes_new_take (text, strlen (text));
      def = g_bytes_get_data (found_def, &def_len);
      senc = "ros2msg";
    } else {
      /* an MCAP schema may be empty for an empty type (test_msgs/Empty);
       * a .db3 never holds one */
      if (demux->rec && gst_rosbag_recording_get_format (demux->rec) ==
          GST_ROSBAG_FORMAT_DB3)
        GST_ELEMENT_WARNING (demux, STREAM, DECODE,
            ("Topic %s (type %s) has no message definition in the "
                "recording and none was found: its messages go out as they "
                "are", topic, type), ("%s", err->message));
      g_clear_error (&err);
    }
  }
  s->type = g_strdup (type ? type : "");
  s->md5sum = g_strdup (gst_rosbag_topic_get_md5sum (t));
  s->schema_encoding = g_strdup (senc ? senc : "");
  s->message_encoding = g_strdup (menc ? menc : "");
  /* keep the NUL after the bytes: the ROS definitions are used as text */
  s->definition = g_bytes_new_take (g_strndup ((const gchar *) def,
          def ? def_len : 0), def ? def_len : 0);
  if (menc == NULL || *menc == '\0' || strcmp (menc, "ros1") == 0)
    s->encoding = ENCODING_ROS1;
  else if (strcmp (menc, "cdr") == 0)
    s->encoding = ENCODING_CDR;
  else
    s->encoding = ENCODING_OTHER;
  if (s->encoding != ENCODING_OTHER) {
    GError *err = NULL;

    /* one decoder for header stamps and images, ROS 1 and ROS 2 */
    s->def = gst_rosbag_msgdef_parse_schema (s->type, s->schema_encoding,
        s->message_encoding, (const gchar *) def, def ? def_len : 0, &err);
    if (s->def == NULL) {
      GST_ELEMENT_WARNING (demux, STREAM, DECODE,
          ("The message definition of topic %s (type %s) cannot be parsed: "
              "its messages go out as they are, without header stamps",
              topic, s->type), ("%s", err->message));
      g_clear_error (&err);
    }
  }
  s->is_image = !demux->raw && s->def != NULL
      && gst_bag_image_type_is_mapped (s->type);
  s->is_video = !demux->raw && s->def != NULL
      && type_is_compressed_video (s->type);
  s->need_key = TRUE;
  s->has_header = s->def != NULL
      && gst_rosbag_msgdef_get_header_field (s->def) != NULL;
  s->msg_caps = stream_msg_caps (s);
  s->last_ts = GST_CLOCK_TIME_NONE;
  s->prev_pts = GST_CLOCK_TIME_NONE;
  s->period = GST_CLOCK_TIME_NONE;

  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_HEADER
      && s->encoding == ENCODING_OTHER && !demux->warned_header_source) {
    demux->warned_header_source = TRUE;
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("timestamp-source=header: the receive time is used for %s of %s "
            "(message encoding %s) and every other topic that is neither "
            "ROS 1 nor CDR", topic, demux->location, s->message_encoding),
        ("header.stamp is read from ROS 1 and CDR messages"));
  }

  base = gst_bag_topic_to_pad_name (topic);
  name = g_strdup (base);
  while (gst_bag_demux_pad_name_taken (demux, name)) {
    g_free (name);
    name = g_strdup_printf ("%s_%u", base, ++n);
  }
  g_free (base);

  s->pad = gst_pad_new_from_static_template (&src_template, name);
  g_free (name);
  gst_pad_set_event_function (s->pad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_src_event));
  gst_pad_set_query_function (s->pad,
      GST_DEBUG_FUNCPTR (gst_bag_demux_src_query));
  gst_pad_use_fixed_caps (s->pad);

  {
    gchar *sid = gst_pad_create_stream_id (s->pad, GST_ELEMENT (demux),
        topic);

    stype = (s->is_image || s->is_video) ? GST_STREAM_TYPE_VIDEO :
        GST_STREAM_TYPE_UNKNOWN;
    s->stream = gst_stream_new (sid, NULL, stype, GST_STREAM_FLAG_NONE);
    g_free (sid);
  }
  tags = gst_tag_list_new (GST_BAG_TAG_TOPIC, topic, GST_TAG_TITLE, topic,
      NULL);
  if (s->type[0])
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_BAG_TAG_TYPE, s->type,
        NULL);
  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_STREAM);
  gst_stream_set_tags (s->stream, tags);
  gst_tag_list_unref (tags);

  g_ptr_array_add (demux->streams, s);
  g_hash_table_insert (demux->stream_by_topic, s->key, s);
  g_hash_table_insert (demux->stream_by_ptr, (gpointer) t, s);
  if (found_def)
    g_bytes_unref (found_def);
  return s;
}

/* Sends stream-start, caps and tags (sticky) before the pad is added */
static void
gst_bag_demux_prepare_pad (GstBagDemux * demux, GstBagStream * s)
{
  GstEvent *ev;
  GstTagList *tags;

  gst_pad_set_active (s->pad, TRUE);
  ev = gst_event_new_stream_start (gst_stream_get_stream_id (s->stream));
  gst_event_set_group_id (ev, demux->group_id);
  gst_event_set_stream (ev, s->stream);
  gst_pad_push_event (s->pad, ev);
  if (s->caps == NULL)
    s->caps = gst_caps_ref (s->msg_caps);
  gst_stream_set_caps (s->stream, s->caps);
  gst_pad_push_event (s->pad, gst_event_new_caps (s->caps));
  tags = gst_stream_get_tags (s->stream);
  gst_pad_push_event (s->pad, gst_event_new_tag (tags));
}

/* The collection of every stream (push mode: the exposed ones and
 * @next, about to be) */
static void
gst_bag_demux_post_collection (GstBagDemux * demux, GstBagStream * next)
{
  GstStreamCollection *col;
  guint i;

  col = gst_stream_collection_new (NULL);
  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (next && !s->exposed && s != next)
      continue;
    gst_stream_collection_add_stream (col, gst_object_ref (s->stream));
  }
  gst_clear_object (&demux->collection);
  demux->collection = gst_object_ref (col);
  gst_element_post_message (GST_ELEMENT (demux),
      gst_message_new_stream_collection (GST_OBJECT (demux), col));
  gst_object_unref (col);
}

static void
gst_bag_demux_expose (GstBagDemux * demux, GstBagStream * s)
{
  if (s->exposed)
    return;
  gst_bag_demux_prepare_pad (demux, s);
  if (!demux->need_segment) {
    /* exposed while streaming (push mode): the others have their segment
     * already */
    GstEvent *ev = gst_event_new_segment (&demux->segment);

    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_pad_push_event (s->pad, ev);
  }
  s->exposed = TRUE;
  gst_element_add_pad (GST_ELEMENT (demux), gst_object_ref (s->pad));
  gst_flow_combiner_add_pad (demux->flowcombiner, s->pad);
  if (s->offer) {
    /* linked in pad-added: the caps downstream takes, before any data
     * (the first message's, until then the message's own layout) */
    GstCaps *caps;

    gst_bag_stream_negotiate (s);
    caps = gst_bag_image_pick_caps (s->offer, s->downstream);
    if (!gst_caps_is_equal (caps, s->caps)) {
      GST_DEBUG_OBJECT (s->pad, "caps %" GST_PTR_FORMAT, caps);
      gst_caps_replace (&s->caps, caps);
      gst_stream_set_caps (s->stream, caps);
      gst_pad_push_event (s->pad, gst_event_new_caps (caps));
    }
    gst_caps_unref (caps);
  }
  gst_object_unref (s->pad);
}

/* whether downstream takes GstVideoMeta with these caps */
static gboolean
peer_accepts_video_meta (GstPad * pad, GstCaps * caps)
{
  GstQuery *q;
  gboolean ret = FALSE;

  if (!gst_caps_is_fixed (caps))
    return FALSE;
  {
    GstStructure *st = gst_caps_get_structure (caps, 0);

    if (!gst_structure_has_name (st, "video/x-raw"))
      return FALSE;
  }
  q = gst_query_new_allocation (caps, FALSE);
  if (gst_pad_peer_query (pad, q))
    ret = gst_query_find_allocation_meta (q, GST_VIDEO_META_API_TYPE, NULL);
  gst_query_unref (q);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pushing */

/* The warning for a malformed image or video message, which is skipped */
static void
gst_bag_demux_warn_malformed (GstBagDemux * demux, GstBagStream * s,
    const GError * err, guint64 recv_ns)
{
  GST_ELEMENT_WARNING (demux, STREAM, DECODE,
      ("Skipped a malformed %s message on %s", s->type, s->topic),
      ("%s (receive time %" G_GUINT64_FORMAT ")", err ? err->message :
          "malformed", recv_ns));
}

/* An image without a GStreamer format on a pad that carries images: left
 * out and counted (the first is remembered for the warning) */
static void
gst_bag_stream_skip_unmapped (GstBagStream * s, GBytes * bytes, guint64 recv_ns)
{
  s->n_images++;
  if (s->n_unmapped++ == 0) {
    s->first_unmapped = gst_bag_image_describe (s->def, bytes);
    s->first_unmapped_ns = recv_ns;
  }
  GST_INFO_OBJECT (s->pad, "skipped a frame without a GStreamer format "
      "(receive time %" G_GUINT64_FORMAT "), %" G_GUINT64_FORMAT " so far",
      recv_ns, s->n_unmapped);
}

/* One warning per topic that skipped frames without a GStreamer format,
 * with their number: at EOS (or segment-done), or when the element stops
 * before */
static void
gst_bag_demux_report_unmapped (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    const gchar *media;

    if (s->n_unmapped == 0 || s->warned_unmapped)
      continue;
    s->warned_unmapped = TRUE;
    media = s->caps ? gst_structure_get_name (gst_caps_get_structure (s->caps,
            0)) : "images";
    GST_ELEMENT_WARNING_WITH_DETAILS (demux, STREAM, FORMAT,
        ("Topic %s: skipped %" G_GUINT64_FORMAT " of its %" G_GUINT64_FORMAT
            " frames: they have no GStreamer format, and the topic is %s",
            s->topic, s->n_unmapped, s->n_images, media),
        ("the first at receive time %" G_GUINT64_FORMAT ": %s",
            s->first_unmapped_ns, s->first_unmapped ? s->first_unmapped :
            "unreadable"), ("topic", G_TYPE_STRING, s->topic, "skipped",
            G_TYPE_UINT64, s->n_unmapped, "frames", G_TYPE_UINT64,
            s->n_images, "first-receive-time", G_TYPE_UINT64,
            s->first_unmapped_ns, NULL));
  }
}

/* Downstream of @s refused its caps (its first, or new ones: a size or
 * encoding that changed mid-stream): said with the topic and the caps,
 * once, instead of the generic flow error */
static GstFlowReturn
gst_bag_demux_not_negotiated (GstBagDemux * demux, GstBagStream * s,
    guint64 recv_ns)
{
  gchar *caps;

  if (demux->posted_not_negotiated)
    return GST_FLOW_NOT_NEGOTIATED;
  demux->posted_not_negotiated = TRUE;
  caps = s->caps ? gst_caps_to_string (s->caps) : g_strdup ("none");
  if (s->caps_changed)
    GST_ELEMENT_ERROR (demux, CORE, NEGOTIATION,
        ("Topic %s changed to caps that downstream does not accept, after "
            "%" G_GUINT64_FORMAT " buffers", s->topic, s->n_buffers_at_change),
        ("at receive time %" G_GUINT64_FORMAT ": %s; an element that cannot "
            "renegotiate needs videoconvert ! videoscale in front (see "
            "docs/images.md)", recv_ns, caps));
  else
    GST_ELEMENT_ERROR (demux, CORE, NEGOTIATION,
        ("Downstream does not accept the caps of topic %s", s->topic),
        ("at receive time %" G_GUINT64_FORMAT ": %s", recv_ns, caps));
  g_free (caps);
  return GST_FLOW_NOT_NEGOTIATED;
}

/* A buffer holding a copy of a small message: one of @s's pool, whose
 * buffers come back when downstream is done with them, so a topic at kHz
 * allocates nothing per message; bigger ones are allocated. The pool's
 * size is the biggest message so far rounded up to a power of two. */
static GstBuffer *
gst_bag_stream_copy_message (GstBagStream * s, const guint8 * data, gsize size)
{
  GstBuffer *buf = NULL;

  if (size == 0)
    return gst_buffer_new ();
  if (size <= BATCH_MAX_MESSAGE)
    buf = buffer_pool_acquire (&s->pool, &s->pool_size, size, 256);
  else if (size <= POOLED_COPY_MAX)
    buf = buffer_pool_acquire (&s->big_pool, &s->big_pool_size, size,
        COPY_THRESHOLD);
  if (buf && gst_buffer_fill (buf, 0, data, size) == size)
    return buf;
  if (buf)
    gst_buffer_unref (buf);
  return gst_buffer_new_memdup (data, size);
}

/* Sets @buf's reference timestamp for @ref (a pooled buffer has its meta
 * from its last use: it is kept with the buffer) */
static void
set_reference_timestamp (GstBuffer * buf, GstCaps * ref, guint64 ts)
{
  gpointer state = NULL;
  GstMeta *meta;
  GstReferenceTimestampMeta *rmeta;

  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_REFERENCE_TIMESTAMP_META_API_TYPE))) {
    rmeta = (GstReferenceTimestampMeta *) meta;
    if (rmeta->reference == ref) {
      rmeta->timestamp = ts;
      return;
    }
  }
  rmeta = gst_buffer_add_reference_timestamp_meta (buf, ref, ts,
      GST_CLOCK_TIME_NONE);
  GST_META_FLAG_SET (rmeta, GST_META_FLAG_POOLED);
}

/* Takes @ref's timestamp off @buf (a pooled buffer may have it) */
static void
clear_reference_timestamp (GstBuffer * buf, GstCaps * ref)
{
  gpointer state = NULL;
  GstMeta *meta;

  if (buf->pool == NULL)
    return;
  while ((meta = gst_buffer_iterate_meta_filtered (buf, &state,
              GST_REFERENCE_TIMESTAMP_META_API_TYPE))) {
    if (((GstReferenceTimestampMeta *) meta)->reference == ref) {
      gst_buffer_remove_meta (buf, meta);
      return;
    }
  }
}

/* Pushes what @s holds back (the streaming thread, or a thread holding the
 * stream lock) */
/* @ret of a push on @s's pad, combined with the other pads'. A flushing
 * seek in another thread can make a sink refuse a sticky event the push
 * was sending (basesink is flushing before the pad says so): that is
 * FLUSHING, not an error to post, when the pad is flushing now. */
static GstFlowReturn
gst_bag_demux_combine_flow (GstBagDemux * demux, GstBagStream * s,
    GstFlowReturn ret)
{
  if (ret == GST_FLOW_ERROR && GST_PAD_IS_FLUSHING (s->pad)) {
    GST_DEBUG_OBJECT (s->pad, "error while flushing: flushing");
    ret = GST_FLOW_FLUSHING;
  }
  return gst_flow_combiner_update_pad_flow (demux->flowcombiner, s->pad, ret);
}

static GstFlowReturn
gst_bag_demux_push_batch (GstBagDemux * demux, GstBagStream * s)
{
  GstBufferList *list = s->pending;
  GstFlowReturn ret;

  if (list == NULL)
    return GST_FLOW_OK;
  s->pending = NULL;
  s->pending_bytes = 0;
  if (gst_buffer_list_length (list) == 1) {
    GstBuffer *buf = gst_buffer_ref (gst_buffer_list_get (list, 0));

    gst_buffer_list_unref (list);
    ret = gst_pad_push (s->pad, buf);
  } else {
    GST_LOG_OBJECT (s->pad, "pushing a list of %u",
        gst_buffer_list_length (list));
    ret = gst_pad_push_list (s->pad, list);
  }
  if (ret == GST_FLOW_NOT_NEGOTIATED)
    gst_bag_demux_not_negotiated (demux, s, s->pending_first_ns);
  return gst_bag_demux_combine_flow (demux, s, ret);
}

/* Pushes the lists whose first message is batch-time old at receive time
 * @now_ns (all of them: G_MAXUINT64) and finds when the next is due */
static GstFlowReturn
gst_bag_demux_push_batches (GstBagDemux * demux, guint64 now_ns)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint64 due = G_MAXUINT64;
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    guint64 s_due;

    if (s->pending == NULL)
      continue;
    s_due = s->pending_first_ns + demux->batch_time;
    if (now_ns == G_MAXUINT64 || s_due <= now_ns) {
      GstFlowReturn r = gst_bag_demux_push_batch (demux, s);

      if (r != GST_FLOW_OK)
        ret = r;
    } else {
      due = MIN (due, s_due);
    }
  }
  demux->batch_due_ns = due;
  return ret;
}

/* Drops what the streams hold back (flushing; with the stream lock) */
static void
gst_bag_demux_drop_batches (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (s->pending)
      gst_buffer_list_unref (s->pending);
    s->pending = NULL;
    s->pending_bytes = 0;
  }
  demux->batch_due_ns = G_MAXUINT64;
}

static void
gst_bag_demux_push_segment (GstBagDemux * demux)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    GstEvent *ev;

    if (!s->exposed)
      continue;
    gst_bag_demux_push_batch (demux, s);
    ev = gst_event_new_segment (&demux->segment);
    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_pad_push_event (s->pad, ev);
  }
  demux->need_segment = FALSE;
}

/* A serialized event follows what each pad holds back; flush-stop drops
 * it (its callers hold the stream lock); flush-start may come from any
 * thread and leaves it alone */
static void
gst_bag_demux_push_event_all (GstBagDemux * demux, GstEvent * event)
{
  guint i;

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    gst_bag_demux_drop_batches (demux);
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS
      || GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT_DONE)
    gst_bag_demux_report_unmapped (demux);
  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (!s->exposed)
      continue;
    if (GST_EVENT_IS_SERIALIZED (event))
      gst_bag_demux_push_batch (demux, s);
    gst_pad_push_event (s->pad, gst_event_ref (event));
  }
  if (GST_EVENT_IS_SERIALIZED (event))
    demux->batch_due_ns = G_MAXUINT64;
  gst_event_unref (event);
}

/* How far @s is known to be silent once every message before receive
 * time @reached (relative) is out: no message of @s has a PTS before the
 * result. With timestamp-source=receive that is @reached itself; with
 * header, @reached minus the largest lag (receive time - stamp) the topic
 * showed so far (assuming that its stamps do not fall further behind);
 * before its first message the largest lag any topic showed, before any
 * message HEADER_GAP_SLACK. */
static GstClockTime
gst_bag_stream_gap_bound (GstBagDemux * demux, GstBagStream * s,
    GstClockTime reached)
{
  guint64 lag;

  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_RECEIVE)
    return reached;
  if (s->lag_known)
    lag = s->max_lag;
  else if (demux->lag_known)
    lag = demux->max_lag;
  else
    lag = HEADER_GAP_SLACK;
  return reached > lag ? reached - lag : 0;
}

/* GAP events for streams that have been silent for a while, so that sparse
 * and latched topics never stall downstream aggregation; @reached is the
 * receive time (relative) of the message being pushed */
static void
gst_bag_demux_send_gaps (GstBagDemux * demux, GstBagStream * current,
    GstClockTime reached)
{
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    GstClockTime from, ts;

    if (s == current || !s->exposed)
      continue;
    from = GST_CLOCK_TIME_IS_VALID (s->last_ts) ? s->last_ts :
        demux->segment.start;
    ts = gst_bag_stream_gap_bound (demux, s, reached);
    if (ts > from + GAP_THRESHOLD) {
      GstClockTime gap_ts = ts - GAP_THRESHOLD / 2;

      GST_LOG_OBJECT (s->pad, "gap %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT,
          GST_TIME_ARGS (from), GST_TIME_ARGS (gap_ts));
      gst_bag_demux_push_batch (demux, s);
      gst_pad_push_event (s->pad, gst_event_new_gap (from, gap_ts - from));
      s->last_ts = gap_ts;
    }
  }
}

/**
 * gst_bag_demux_announce_position:
 * @demux: a #GstBagDemux in pull mode
 * @pad: the source pad whose push is about to wait
 *
 * Tells every other topic how far the demuxer has read: each one's held
 * back buffer list goes out, then a GAP up to the time of the message
 * being pushed (no message of that topic can come before it), not only
 * the coarse GAPs of silent topics. bagsrc calls it from its queues'
 * overrun signal: when one topic's queue is full the streaming thread
 * waits, and whoever waits for the other topics (an aligner) then knows
 * exactly where they stand, so it can release the full one.
 *
 * Only from the streaming thread (a queue's overrun signal is emitted
 * there, inside the push); nested calls do nothing.
 */
void
gst_bag_demux_announce_position (GstBagDemux * demux, GstPad * pad)
{
  guint i;

  if (demux->announcing || !GST_CLOCK_TIME_IS_VALID (demux->reached))
    return;
  demux->announcing = TRUE;
  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);
    GstClockTime from, ts;

    if (s->pad == pad || !s->exposed)
      continue;
    /* what is held back goes first: it is older than the GAP */
    gst_bag_demux_push_batch (demux, s);
    from = GST_CLOCK_TIME_IS_VALID (s->last_ts) ? s->last_ts :
        demux->segment.start;
    ts = gst_bag_stream_gap_bound (demux, s, demux->reached);
    if (ts > from) {
      GST_LOG_OBJECT (s->pad, "announced gap %" GST_TIME_FORMAT " - %"
          GST_TIME_FORMAT, GST_TIME_ARGS (from), GST_TIME_ARGS (ts));
      gst_pad_push_event (s->pad, gst_event_new_gap (from, ts - from));
      s->last_ts = ts;
    }
  }
  demux->announcing = FALSE;
}

static GstFlowReturn
gst_bag_demux_push_message (GstBagDemux * demux, GstBagStream * s,
    const GstRosbagMessage * msg, GBytes * shared)
{
  guint64 recv_ns = msg->time_ns;
  const guint8 *data = msg->data;
  gsize size = msg->size;
  GstBuffer *buf = NULL;
  GstCaps *caps = NULL;
  guint64 stamp_ns = 0;
  gboolean have_stamp = FALSE;
  gboolean is_frame;
  guint64 ts_ns;
  GstClockTime pts;
  GBytes *bytes = NULL;
  GstFlowReturn ret;

  /* images and video are cut from the message's bytes; the others are
   * copied into a pooled buffer unless they share their chunk */
  if (shared)
    bytes = g_bytes_ref (shared);
  else if ((s->is_image || s->is_video) && size > 0)
    bytes = bytes_from_buffer (gst_bag_stream_copy_message (s, data, size));
  if (bytes == NULL && (s->is_image || s->is_video))
    bytes = g_bytes_new (data, size);

  if (s->has_header) {
    GError *err = NULL;

    /* the decoder reads as far as the header */
    have_stamp = gst_rosbag_msgdef_read_header_stamp (s->def, data, size,
        &stamp_ns, &err);
    if (!have_stamp && err) {
      if (!s->warned_stamp)
        GST_ELEMENT_WARNING (demux, STREAM, DECODE,
            ("A message of topic %s has no readable header.stamp: its "
                "receive time stands in", s->topic),
            ("%s (receive time %" G_GUINT64_FORMAT ")", err->message, recv_ns));
      s->warned_stamp = TRUE;
      g_clear_error (&err);
    }
  }

  if (s->is_image) {
    GError *err = NULL;
    guint64 img_stamp = 0;
    GstCaps *choices = NULL;
    guint pass;

    if (s->media == IMAGE_MEDIA_SERIALIZED) {
      /* the topic's first well-formed message had no GStreamer format: its
       * pad carries serialized messages, this one too (mapped or not) */
      if (!gst_bag_image_map_full (s->def, bytes, FALSE, NULL, NULL, NULL,
              NULL, &img_stamp, &err)) {
        gst_bag_demux_warn_malformed (demux, s, err, recv_ns);
        g_clear_error (&err);
        g_bytes_unref (bytes);
        return GST_FLOW_OK;
      }
    } else if (s->offer && (!s->negotiated
            || gst_pad_check_reconfigure (s->pad))) {
      /* downstream relinked or changed its mind: ask again */
      gst_bag_stream_negotiate (s);
    }
    for (pass = s->media == IMAGE_MEDIA_SERIALIZED ? 2 : 0; pass < 2; pass++) {
      if (!gst_bag_image_map_full (s->def, bytes, s->use_video_meta,
              s->offer ? s->downstream : NULL, &caps, &choices, &buf,
              &img_stamp, &err)) {
        gst_bag_demux_warn_malformed (demux, s, err, recv_ns);
        g_clear_error (&err);
        g_bytes_unref (bytes);
        return GST_FLOW_OK;
      }
      if (pass == 1 || choices == NULL || (s->offer ?
              gst_caps_is_equal (choices, s->offer) :
              gst_caps_get_size (choices) == 1)) {
        gst_clear_caps (&choices);
        break;
      }
      /* a new size or encoding: offer its layouts, ask downstream where
       * there is more than one, map again with its answer */
      gst_bag_stream_set_offer (s, choices);
      gst_clear_caps (&choices);
      if (s->offer)
        gst_bag_stream_negotiate (s);
      gst_clear_caps (&caps);
      gst_clear_buffer (&buf);
    }
    if (caps == NULL && s->media == IMAGE_MEDIA_MAPPED) {
      /* no GStreamer format for this one, and the pad carries images:
       * switching it to serialized messages would stop any video element
       * downstream (not-negotiated), so the frame is left out, counted,
       * said once at EOS (gst_bag_demux_report_unmapped()) */
      gst_bag_stream_skip_unmapped (s, bytes, recv_ns);
      g_bytes_unref (bytes);
      return GST_FLOW_OK;
    }
    if (s->media == IMAGE_MEDIA_UNDECIDED)
      s->media = caps ? IMAGE_MEDIA_MAPPED : IMAGE_MEDIA_SERIALIZED;
    if (caps == NULL) {
      /* no GStreamer format for this one: the serialized message */
      if (buf)
        gst_buffer_unref (buf);
      buf = NULL;
    }
  }
  if (s->is_video) {
    GError *err = NULL;
    VideoFrame vf;
    gsize base_size;
    /* (the access unit is cut from @bytes: read from its memory) */
    const guint8 *base = g_bytes_get_data (bytes, &base_size);

    if (!read_video_frame (s, base, base_size, &vf, &err)) {
      if (!g_error_matches (err, GST_STREAM_ERROR,
              GST_STREAM_ERROR_CODEC_NOT_FOUND)) {
        gst_bag_demux_warn_malformed (demux, s, err, recv_ns);
        g_clear_error (&err);
        g_bytes_unref (bytes);
        return GST_FLOW_OK;
      }
      /* a codec we do not map: the serialized message, like an image
       * encoding without a GStreamer format */
      if (!s->warned_video)
        GST_ELEMENT_WARNING (demux, STREAM, CODEC_NOT_FOUND,
            ("Messages of %s are sent as they are: their video format is "
                "not mapped", s->topic), ("%s", err->message));
      s->warned_video = TRUE;
      g_clear_error (&err);
    } else {
      GBytes *au;

      if (vf.have_stamp && !have_stamp) {
        /* the message's timestamp stands in for a header stamp */
        stamp_ns = vf.stamp_ns;
        have_stamp = TRUE;
      }
      if (s->need_key && !vf.info.keyframe) {
        /* a decoder could not use it: wait for a key frame */
        s->n_before_key++;
        g_bytes_unref (bytes);
        return GST_FLOW_OK;
      }
      if (s->need_key) {
        if (s->n_before_key > 0 && s->n_buffers == 0)
          GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
              ("Topic %s does not start on a key frame: %u frames before "
                  "the first key frame were skipped", s->topic,
                  s->n_before_key), ("receive time of the key frame %"
                  G_GUINT64_FORMAT, recv_ns));
        else if (s->n_before_key > 0)
          GST_DEBUG_OBJECT (demux, "%s: %u frames before the key frame "
              "skipped", s->topic, s->n_before_key);
        s->need_key = FALSE;
        s->n_before_key = 0;
      }
      if (vf.info.width > 0 && vf.info.height > 0) {
        s->video_width = vf.info.width;
        s->video_height = vf.info.height;
      }
      caps = gst_bag_video_make_caps (vf.codec, s->video_width,
          s->video_height);
      /* the access unit is the message's own memory */
      au = g_bytes_new_from_bytes (bytes, vf.au - base, vf.au_size);
      buf = vf.au_size > 0 ? gst_buffer_new_wrapped_bytes (au) :
          gst_buffer_new ();
      g_bytes_unref (au);
      if (!vf.info.keyframe)
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
    }
  }
  is_frame = buf != NULL;
  if (buf == NULL) {
    /* (GBytes of size 0 may have no data pointer) */
    if (bytes && size > 0)
      buf = gst_buffer_new_wrapped_bytes (bytes);
    else
      buf = gst_bag_stream_copy_message (s, data, size);
    caps = gst_caps_ref (s->msg_caps);
  }
  if (bytes)
    g_bytes_unref (bytes);

  if (s->caps == NULL || !gst_caps_is_equal (s->caps, caps)) {
    GST_DEBUG_OBJECT (s->pad, "caps %" GST_PTR_FORMAT, caps);
    gst_caps_replace (&s->caps, caps);
    gst_stream_set_caps (s->stream, caps);
    if (s->n_buffers > 0) {
      s->caps_changed = TRUE;
      s->n_buffers_at_change = s->n_buffers;
    }
    gst_bag_demux_push_batch (demux, s);
    gst_pad_push_event (s->pad, gst_event_new_caps (caps));
    /* new caps: whether downstream takes video meta is asked again */
    s->meta_checked = FALSE;
  }
  if (s->is_image && !s->meta_checked) {
    /* once per caps (the first were sent at pad creation), before the
     * first buffer with them */
    gboolean vm = peer_accepts_video_meta (s->pad, caps);

    s->meta_checked = TRUE;
    if (vm != s->use_video_meta) {
      /* map again now that we know */
      s->use_video_meta = vm;
      gst_buffer_unref (buf);
      gst_caps_unref (caps);
      return gst_bag_demux_push_message (demux, s, msg, shared);
    }
  }
  gst_caps_unref (caps);
  if (s->is_image)
    s->n_images++;

  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_HEADER && have_stamp
      && stamp_ns != 0)
    ts_ns = stamp_ns;
  else
    ts_ns = recv_ns;
  pts = ts_ns >= demux->base_ns ? ts_ns - demux->base_ns : 0;

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buf) = GST_CLOCK_TIME_NONE;
  if (is_frame) {
    /* a frame lasts as long as the interval since the topic's previous
     * frame (the first: the topic's mean interval), an estimate of the
     * time to the next one that needs no lookahead; muxers need it for
     * the last frame */
    if (GST_CLOCK_TIME_IS_VALID (s->prev_pts) && pts > s->prev_pts)
      GST_BUFFER_DURATION (buf) = pts - s->prev_pts;
    else
      GST_BUFFER_DURATION (buf) = s->period;
    s->prev_pts = pts;
  }
  GST_BUFFER_OFFSET (buf) = s->n_buffers++;
  if (s->n_buffers == 1)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
  set_reference_timestamp (buf, demux->receive_caps, recv_ns);
  if (have_stamp)
    set_reference_timestamp (buf, demux->header_caps, stamp_ns);
  else
    clear_reference_timestamp (buf, demux->header_caps);
  if (demux->has_publish_time)
    set_reference_timestamp (buf, demux->publish_caps, msg->publish_time_ns);

  if (demux->need_segment)
    gst_bag_demux_push_segment (demux);
  demux->reached = recv_ns > demux->base_ns ? recv_ns - demux->base_ns : 0;
  if (demux->ts_source == GST_BAG_TIMESTAMP_SOURCE_HEADER) {
    guint64 lag = demux->reached > pts ? demux->reached - pts : 0;

    if (!s->lag_known || lag > s->max_lag)
      s->max_lag = lag;
    s->lag_known = TRUE;
    if (!demux->lag_known || lag > demux->max_lag)
      demux->max_lag = lag;
    demux->lag_known = TRUE;
  }
  gst_bag_demux_send_gaps (demux, s, demux->reached);

  if (!GST_CLOCK_TIME_IS_VALID (s->last_ts) || pts > s->last_ts)
    s->last_ts = pts;
  if (!GST_CLOCK_TIME_IS_VALID (demux->segment.position)
      || pts > demux->segment.position)
    demux->segment.position = pts;

  if (demux->batch_time > 0 && !is_frame && size <= BATCH_MAX_MESSAGE) {
    /* held back, to go with the topic's next small messages */
    if (s->pending == NULL) {
      s->pending = gst_buffer_list_new_sized (32);
      s->pending_first_ns = recv_ns;
      if (recv_ns + demux->batch_time < demux->batch_due_ns)
        demux->batch_due_ns = recv_ns + demux->batch_time;
    }
    gst_buffer_list_add (s->pending, buf);
    s->pending_bytes += size;
    ret = GST_FLOW_OK;
    if (gst_buffer_list_length (s->pending) >= BATCH_MAX_BUFFERS
        || s->pending_bytes >= BATCH_MAX_BYTES)
      ret = gst_bag_demux_push_batch (demux, s);
  } else {
    if (s->pending)
      gst_bag_demux_push_batch (demux, s);
    ret = gst_pad_push (s->pad, buf);
    if (ret == GST_FLOW_NOT_NEGOTIATED)
      gst_bag_demux_not_negotiated (demux, s, recv_ns);
    ret = gst_bag_demux_combine_flow (demux, s, ret);
    GST_LOG_OBJECT (s->pad, "pushed %" GST_TIME_FORMAT ": %s",
        GST_TIME_ARGS (pts), gst_flow_get_name (ret));
  }
  if (recv_ns >= demux->batch_due_ns) {
    GstFlowReturn r = gst_bag_demux_push_batches (demux, recv_ns);

    if (ret == GST_FLOW_OK)
      ret = r;
  }
  return ret;
}

/* A message of the reader or the parser: the chunk's memory is shared only
 * when the message is big and most of it */
static GstFlowReturn
gst_bag_demux_push_read_message (GstBagDemux * demux, GstBagStream * s,
    const GstRosbagMessage * msg)
{
  GBytes *shared = NULL;
  GstFlowReturn ret;

  if (msg->chunk && msg->size >= COPY_THRESHOLD
      && msg->size * SHARE_FRACTION >= g_bytes_get_size (msg->chunk))
    shared = gst_rosbag_message_ref_bytes (msg);
  ret = gst_bag_demux_push_message (demux, s, msg, shared);
  if (shared)
    g_bytes_unref (shared);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pull mode */


/* reads of at least this many bytes (chunks) use the read pool */
#define READ_POOL_MIN_READ (64 * 1024)
/* its buffers are a power of two of at least this, up to the biggest
 * read seen */
#define READ_POOL_MIN_SIZE (1024 * 1024)
#define READ_POOL_MAX_SIZE (256 * 1024 * 1024)

/* A recycled buffer of at least @size bytes for a pull, or NULL: the
 * pool grows (a new pool of bigger buffers) when a read is bigger than
 * its buffers. The buffers a chunk's messages still hold downstream come
 * back when those are done. */
static GstBuffer *
gst_bag_demux_acquire_read_buffer (GstBagDemux * demux, gsize size)
{
  if (size < READ_POOL_MIN_READ || size > READ_POOL_MAX_SIZE)
    return NULL;
  return buffer_pool_acquire (&demux->read_pool, &demux->read_pool_size,
      size, READ_POOL_MIN_SIZE);
}

static GBytes *
gst_bag_demux_pull_read (gpointer user_data, guint64 offset, gsize size,
    GError ** error)
{
  GstBagDemux *demux = user_data;
  GstBuffer *buf = NULL;
  GstFlowReturn ret;
  GBytes *bytes;

  /* only ever called from the streaming thread (the library's workers only
   * decompress what this thread read) */
  if (size == 0)
    return g_bytes_new (NULL, 0);
  /* upstream fills the pooled buffer, shortened to what it read */
  buf = gst_bag_demux_acquire_read_buffer (demux, size);
  ret = gst_pad_pull_range (demux->sinkpad, offset, size, &buf);
  if (ret != GST_FLOW_OK)
    gst_clear_buffer (&buf);
  if (ret == GST_FLOW_EOS) {
    /* at or past the end: no bytes (the library checks lengths) */
    return g_bytes_new (NULL, 0);
  }
  if (ret != GST_FLOW_OK) {
    demux->last_pull_ret = ret;
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "reading %" G_GSIZE_FORMAT " bytes at byte %" G_GUINT64_FORMAT
        " failed: %s", size, offset, gst_flow_get_name (ret));
    return NULL;
  }
  bytes = bytes_from_buffer (buf);
  if (!bytes)
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "cannot map the buffer read at byte %" G_GUINT64_FORMAT, offset);
  return bytes;
}

/* The local path of upstream's file:// URI, or NULL (no URI, another
 * scheme) with @uri_out set to the URI if there was one */
static gchar *
gst_bag_demux_get_upstream_path (GstBagDemux * demux, gchar ** uri_out)
{
  GstQuery *q = gst_query_new_uri ();
  gchar *uri = NULL, *path = NULL;

  if (gst_pad_peer_query (demux->sinkpad, q))
    gst_query_parse_uri (q, &uri);
  gst_query_unref (q);
  if (uri)
    path = g_filename_from_uri (uri, NULL, NULL);
  if (uri_out)
    *uri_out = uri;
  else
    g_free (uri);
  return path;
}

/* With use-mmap, the path of the local regular file of @size bytes that
 * the sink pad's direct peer is the source of (so nothing between could
 * change the bytes), or NULL */
static gchar *
gst_bag_demux_get_mappable_path (GstBagDemux * demux, gint64 size)
{
  GstPad *peer;
  GstElement *up = NULL;
  gboolean use, src = FALSE;
  gchar *path = NULL;
  GStatBuf st;

  GST_OBJECT_LOCK (demux);
  use = demux->use_mmap;
  GST_OBJECT_UNLOCK (demux);
  if (!use)
    return NULL;
  peer = gst_pad_get_peer (demux->sinkpad);
  if (peer) {
    up = gst_pad_get_parent_element (peer);
    gst_object_unref (peer);
  }
  if (up) {
    src = GST_IS_URI_HANDLER (up)
        && gst_uri_handler_get_uri_type (GST_URI_HANDLER (up)) == GST_URI_SRC;
    gst_object_unref (up);
  }
  if (src)
    path = gst_bag_demux_get_upstream_path (demux, NULL);
  /* what the library opens as rosbag2 by path (.yaml, .zstd) is not
   * what the pull range reads */
  if (path && (g_str_has_suffix (path, ".zstd")
          || g_str_has_suffix (path, ".yaml")
          || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)
          || (gint64) st.st_size != size))
    g_clear_pointer (&path, g_free);
  return path;
}

static gchar *
gst_bag_demux_get_location (GstBagDemux * demux)
{
  GstQuery *q = gst_query_new_uri ();
  gchar *uri = NULL, *loc = NULL;

  if (gst_pad_peer_query (demux->sinkpad, q))
    gst_query_parse_uri (q, &uri);
  gst_query_unref (q);
  if (uri) {
    loc = g_filename_from_uri (uri, NULL, NULL);
    if (!loc)
      loc = g_strdup (uri);
    g_free (uri);
  }
  return loc ? loc : g_strdup ("the recording");
}

static void
gst_bag_demux_apply_range (GstBagDemux * demux)
{
  guint64 start_abs, stop_abs = G_MAXUINT64;
  guint64 seg_start = demux->segment.start;

  GST_OBJECT_LOCK (demux);
  start_abs = demux->base_ns + demux->start_time;
  if (GST_CLOCK_TIME_IS_VALID (demux->stop_time))
    stop_abs = demux->base_ns + demux->stop_time;
  GST_OBJECT_UNLOCK (demux);
  if (GST_CLOCK_TIME_IS_VALID (demux->segment.stop))
    stop_abs = MIN (stop_abs, demux->base_ns + demux->segment.stop);
  gst_rosbag_reader_set_time_range (demux->reader, start_abs, stop_abs);
  if (demux->base_ns + seg_start > start_abs)
    gst_rosbag_reader_seek (demux->reader, demux->base_ns + seg_start);
}

/* An error of the format library at open, or of the push-mode parser, as
 * an element error */
static void
gst_bag_demux_post_open_error (GstBagDemux * demux, const GError * err)
{
  if (err->domain == GST_ROSBAG_ERROR
      && err->code == GST_ROSBAG_ERROR_NOT_A_BAG)
    GST_ELEMENT_ERROR (demux, STREAM, WRONG_TYPE,
        ("%s is neither a ROS bag nor an MCAP file", demux->location),
        ("%s", err->message));
  else if (err->domain == GST_ROSBAG_ERROR
      && err->code == GST_ROSBAG_ERROR_UNSUPPORTED)
    GST_ELEMENT_ERROR (demux, STREAM, CODEC_NOT_FOUND,
        ("%s is a kind of recording that is not supported", demux->location),
        ("%s", err->message));
  else
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("Could not read the recording %s", demux->location),
        ("%s", err->message));
}

/* The stream of a message's topic: NULL when the topic is not selected.
 * Push mode creates streams as their topics' first messages come. */
static GstBagStream *
gst_bag_demux_stream_for (GstBagDemux * demux, const GstRosbagTopic * t,
    gboolean create)
{
  GstBagStream *s;
  gpointer v;
  const gchar *name;
  gchar *key;

  if (t == NULL)
    return NULL;
  if (g_hash_table_lookup_extended (demux->stream_by_ptr, t, NULL, &v))
    return v;
  /* another channel or connection of a known topic, or a new topic; one
   * of another type on a known name is a stream of its own, as the
   * library makes it in pull mode */
  name = gst_rosbag_topic_get_name (t);
  key = topic_key (t);
  s = g_hash_table_lookup (demux->stream_by_topic, key);
  g_free (key);
  if (s == NULL && create && gst_rosbag_topic_matches (name,
          (const gchar * const *) demux->patterns))
    s = gst_bag_demux_new_stream (demux, t);
  g_hash_table_insert (demux->stream_by_ptr, (gpointer) t, s);
  return s;
}

/* Whether the input starts like a rosbag2 metadata.yaml (pull mode) */
static gboolean
gst_bag_demux_input_is_metadata (GstBagDemux * demux)
{
  GstBuffer *buf = NULL;
  GstMapInfo map;
  gboolean ret = FALSE;

  if (gst_pad_pull_range (demux->sinkpad, 0, METADATA_SNIFF_LEN, &buf) !=
      GST_FLOW_OK)
    return FALSE;
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    ret = gst_rosbag_recording_sniff_metadata (map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  return ret;
}

/* The warnings of the format library at open (a missing split file,
 * metadata the files contradict...), one element warning each */
static void
gst_bag_demux_post_recording_warnings (GstBagDemux * demux)
{
  const gchar *const *warnings = gst_rosbag_recording_get_warnings (demux->rec);
  guint i;

  for (i = 0; warnings && warnings[i]; i++) {
    const gchar *w = warnings[i];
    /* the file's name in the text, once */
    const gchar *where = strstr (w, demux->location) ? "" : demux->location;
    const gchar *sep = *where ? ": " : "";

    /* a file that is not there or cannot be read is a resource problem;
     * the rest is about the recording's content */
    if (strstr (w, "missing") || strstr (w, "not found") ||
        strstr (w, "cannot be read") || strstr (w, "unreadable") ||
        strstr (w, "No such file"))
      GST_ELEMENT_WARNING (demux, RESOURCE, NOT_FOUND,
          ("%s%s%s", where, sep, w), ("rosbag2 recording %s", demux->location));
    else
      GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
          ("%s%s%s", where, sep, w), ("rosbag2 recording %s", demux->location));
  }
}

/* Opens the recording: by path (the recording property, or a rosbag2
 * metadata.yaml on the sink pad: the split files are then read by the
 * library), else through the pull range */
static gboolean
gst_bag_demux_open_recording (GstBagDemux * demux)
{
  GstQuery *q;
  gint64 size = -1;
  GError *err = NULL;
  gchar *path;

  GST_OBJECT_LOCK (demux);
  path = g_strdup (demux->recording);
  GST_OBJECT_UNLOCK (demux);

  if (path == NULL && gst_bag_demux_input_is_metadata (demux)) {
    gchar *uri = NULL;

    path = gst_bag_demux_get_upstream_path (demux, &uri);
    if (path == NULL) {
      demux->location = g_strdup (uri ? uri : "the input");
      GST_ELEMENT_ERROR (demux, RESOURCE, NOT_FOUND,
          ("%s is a rosbag2 metadata.yaml, but its storage files cannot be "
              "found: it must come from a local file (filesrc or bagsrc)",
              demux->location), ("upstream %s", uri ?
              "answered the URI query with a URI that is not a local file" :
              "did not answer the URI query"));
      g_free (uri);
      return FALSE;
    }
    g_free (uri);
    GST_INFO_OBJECT (demux, "a rosbag2 metadata.yaml: opening %s", path);
  }

  if (path) {
    demux->location = path;
    demux->rec = gst_rosbag_recording_open (path, &err);
    if (!demux->rec) {
      if (err->domain == G_FILE_ERROR || (err->domain == GST_ROSBAG_ERROR
              && err->code == GST_ROSBAG_ERROR_IO))
        GST_ELEMENT_ERROR (demux, RESOURCE, OPEN_READ,
            ("Could not read the rosbag2 recording %s", demux->location),
            ("%s", err->message));
      else
        gst_bag_demux_post_open_error (demux, err);
      g_clear_error (&err);
      return FALSE;
    }
    return TRUE;
  }

  q = gst_query_new_duration (GST_FORMAT_BYTES);
  if (gst_pad_peer_query (demux->sinkpad, q))
    gst_query_parse_duration (q, NULL, &size);
  gst_query_unref (q);
  demux->location = gst_bag_demux_get_location (demux);
  if (size > 0 && (path = gst_bag_demux_get_mappable_path (demux, size))) {
    /* the same parse, reading views of the mapped file; where that fails
     * the pull range below says why as it always has */
    demux->rec = gst_rosbag_recording_open (path, &err);
    GST_INFO_OBJECT (demux, "%s mapped: %s", path, demux->rec ? "yes" :
        err->message);
    g_free (path);
    if (demux->rec)
      return TRUE;
    g_clear_error (&err);
  }
  if (size < 0) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("Could not determine the size of %s", demux->location),
        ("upstream did not answer the BYTES duration query"));
    return FALSE;
  }

  demux->rec = gst_rosbag_recording_open_with_func (gst_bag_demux_pull_read,
      demux, NULL, size, demux->location, &err);
  if (!demux->rec) {
    if (demux->last_pull_ret == GST_FLOW_FLUSHING) {
      g_clear_error (&err);
      return FALSE;
    }
    gst_bag_demux_post_open_error (demux, err);
    g_clear_error (&err);
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_bag_demux_open_pull (GstBagDemux * demux)
{
  guint i, n;
  gchar *topics;
  guint64 start_time, stop_time, cache_size;
  guint max_threads;
  GString *all;

  if (!gst_bag_demux_open_recording (demux))
    return FALSE;
  gst_bag_demux_post_recording_warnings (demux);
  demux->has_publish_time =
      gst_rosbag_recording_get_format (demux->rec) == GST_ROSBAG_FORMAT_MCAP;
  if (!gst_rosbag_recording_is_indexed (demux->rec)) {
    const gchar *report = gst_rosbag_recording_get_scan_report (demux->rec);

    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("%s is not indexed (an interrupted recording or a cut copy): "
            "read by scanning", demux->location), ("%s",
            report ? report : "scanned"));
  } else if (gst_rosbag_recording_get_scan_report (demux->rec)) {
    /* indexed, but opening met damage (an unknown schema, a damaged
     * record between the chunks): what plays still plays */
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("Some of %s is damaged", demux->location), ("%s",
            gst_rosbag_recording_get_scan_report (demux->rec)));
  }

  GST_OBJECT_LOCK (demux);
  topics = g_strdup (demux->topics);
  start_time = demux->start_time;
  stop_time = demux->stop_time;
  cache_size = demux->cache_size;
  max_threads = demux->max_threads;
  GST_OBJECT_UNLOCK (demux);

  demux->patterns = gst_rosbag_topic_patterns_parse (topics);
  g_free (topics);
  demux->base_ns = gst_rosbag_recording_get_start_time (demux->rec);
  demux->base_known = TRUE;
  demux->duration = gst_rosbag_recording_get_end_time (demux->rec) -
      demux->base_ns;

  demux->reader = gst_rosbag_reader_new (demux->rec);
  gst_rosbag_reader_set_cache_size (demux->reader, cache_size);
  gst_rosbag_reader_set_workers (demux->reader, max_threads ? max_threads :
      gst_rosbag_reader_default_workers ());
  GST_DEBUG_OBJECT (demux, "%u decompression threads",
      gst_rosbag_reader_get_workers (demux->reader));
  gst_rosbag_reader_set_topics (demux->reader,
      (const gchar * const *) demux->patterns);

  /* the segment: start-time / stop-time cut without a seek */
  if (demux->segment.start < start_time)
    demux->segment.start = demux->segment.time = start_time;
  if (GST_CLOCK_TIME_IS_VALID (stop_time) && (!GST_CLOCK_TIME_IS_VALID
          (demux->segment.stop) || demux->segment.stop > stop_time))
    demux->segment.stop = stop_time;
  demux->segment.duration = demux->duration;
  demux->segment.position = demux->segment.start;
  gst_bag_demux_apply_range (demux);

  /* one stream per selected topic, in the recording's (name) order */
  n = gst_rosbag_recording_get_n_topics (demux->rec);
  all = g_string_new (NULL);
  for (i = 0; i < n; i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (demux->rec, i);
    const gchar *name = gst_rosbag_topic_get_name (t);
    GstBagStream *s;

    g_string_append_printf (all, "%s%s", i ? ", " : "", name);
    if (!gst_rosbag_topic_matches (name,
            (const gchar * const *) demux->patterns))
      continue;
    s = gst_bag_demux_new_stream (demux, t);
    if (s->is_image || s->is_video) {
      guint64 period = gst_rosbag_topic_get_mean_interval (t);
      /* caps from the topic's first message that is not malformed (of
       * its first 16): a bad first message must not expose the topic as
       * serialized messages and switch to video at the next one */
      GstRosbagReader *peek = gst_rosbag_reader_new (demux->rec);
      const gchar *one[2] = { name, NULL };
      GstRosbagMessage msg;
      GstRosbagReadResult r;
      guint tries, looked = 0;

      if (period > 0 && GST_CLOCK_TIME_IS_VALID (period))
        s->period = period;
      gst_rosbag_reader_set_cache_size (peek, 0);
      gst_rosbag_reader_set_prefetch (peek, 0);
      gst_rosbag_reader_set_topics (peek, one);
      do {
        /* a damaged chunk is skipped; a failing upstream is not retried */
        tries = 0;
        while ((r = gst_rosbag_reader_next (peek, &msg, NULL)) ==
            GST_ROSBAG_READ_ERROR && demux->last_pull_ret == GST_FLOW_OK
            && ++tries < 64);
      } while (r == GST_ROSBAG_READ_OK && msg.topic == t
          && !gst_bag_stream_caps_from (s, msg.data, msg.size, NULL)
          && ++looked < CAPS_LOOKAHEAD);
      gst_rosbag_reader_free (peek);
      demux->last_pull_ret = GST_FLOW_OK;
    }
  }
  if (demux->streams->len == 0) {
    if (n == 0) {
      const gchar *report = gst_rosbag_recording_get_scan_report (demux->rec);

      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("The recording %s has no topics", demux->location), ("%s",
              report ? report : "no connections or channels"));
    } else {
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("No topic of %s matches '%s'", demux->location, demux->topics),
          ("the recording has: %s", all->str));
    }
    g_string_free (all, TRUE);
    return FALSE;
  }
  g_string_free (all, TRUE);

  /* opened before the pads appear: their queries (seeking) answer at once */
  demux->opened = TRUE;
  gst_bag_demux_post_collection (demux, NULL);
  for (i = 0; i < demux->streams->len; i++)
    gst_bag_demux_expose (demux, g_ptr_array_index (demux->streams, i));
  gst_element_no_more_pads (GST_ELEMENT (demux));
  return TRUE;
}

static void
gst_bag_demux_do_eos (GstBagDemux * demux)
{
  if (demux->segment.flags & GST_SEEK_FLAG_SEGMENT) {
    GstClockTime stop = GST_CLOCK_TIME_IS_VALID (demux->segment.stop) ?
        demux->segment.stop : demux->duration;
    GstMessage *msg;
    GstEvent *ev;
    guint i;

    if (demux->need_segment)
      gst_bag_demux_push_segment (demux);
    /* a GAP up to the stop on every pad: segment-done does not preroll a
     * sink, so a topic with no message in the segment kept a PAUSED
     * pipeline from prerolling (and bagalign from deciding its sets) */
    for (i = 0; i < demux->streams->len; i++) {
      GstBagStream *s = g_ptr_array_index (demux->streams, i);
      GstClockTime from = GST_CLOCK_TIME_IS_VALID (s->last_ts) ? s->last_ts :
          demux->segment.start;

      if (!s->exposed || !GST_CLOCK_TIME_IS_VALID (stop) || from >= stop)
        continue;
      gst_bag_demux_push_batch (demux, s);
      gst_pad_push_event (s->pad, gst_event_new_gap (from, stop - from));
      s->last_ts = stop;
    }

    msg = gst_message_new_segment_done (GST_OBJECT (demux), GST_FORMAT_TIME,
        stop);
    gst_message_set_seqnum (msg, demux->segment_seqnum);
    gst_element_post_message (GST_ELEMENT (demux), msg);
    ev = gst_event_new_segment_done (GST_FORMAT_TIME, stop);
    gst_event_set_seqnum (ev, demux->segment_seqnum);
    gst_bag_demux_push_event_all (demux, ev);
  } else {
    GstEvent *ev = gst_event_new_eos ();

    gst_event_set_seqnum (ev, demux->segment_seqnum);
    if (demux->need_segment)
      gst_bag_demux_push_segment (demux);
    gst_bag_demux_push_event_all (demux, ev);
  }
}

static void
gst_bag_demux_loop (GstPad * pad)
{
  GstBagDemux *demux = GST_BAG_DEMUX (gst_pad_get_parent (pad));
  GstFlowReturn ret = GST_FLOW_OK;
  GstRosbagMessage msg;
  GstRosbagReadResult res;
  GError *err = NULL;
  GstBagStream *s;

  if (!demux->opened) {
    if (!gst_bag_demux_open_pull (demux)) {
      ret = demux->last_pull_ret == GST_FLOW_FLUSHING ? GST_FLOW_FLUSHING :
          GST_FLOW_ERROR;
      goto pause;
    }
  }

  demux->last_pull_ret = GST_FLOW_OK;
  res = gst_rosbag_reader_next (demux->reader, &msg, &err);
  switch (res) {
    case GST_ROSBAG_READ_EOS:
      ret = GST_FLOW_EOS;
      goto pause;
    case GST_ROSBAG_READ_ERROR:
      if (demux->last_pull_ret != GST_FLOW_OK) {
        ret = demux->last_pull_ret;
        g_clear_error (&err);
        goto pause;
      }
      GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
          ("Skipped damaged data in %s", demux->location),
          ("%s", err->message));
      g_clear_error (&err);
      goto done;
    case GST_ROSBAG_READ_OK:
      break;
  }

  s = gst_bag_demux_stream_for (demux, msg.topic, FALSE);
  if (s == NULL)
    goto done;
  ret = gst_bag_demux_push_read_message (demux, s, &msg);
  if (ret != GST_FLOW_OK)
    goto pause;

done:
  gst_object_unref (demux);
  return;

pause:
  {
    GST_LOG_OBJECT (demux, "pausing task: %s", gst_flow_get_name (ret));
    gst_pad_pause_task (demux->sinkpad);
    if (ret == GST_FLOW_EOS) {
      gst_bag_demux_do_eos (demux);
    } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
      /* (not-negotiated was said with its topic) */
      if ((ret != GST_FLOW_ERROR || demux->opened)
          && !(ret == GST_FLOW_NOT_NEGOTIATED && demux->posted_not_negotiated))
        GST_ELEMENT_FLOW_ERROR (demux, ret);
      if (demux->opened)
        gst_bag_demux_push_event_all (demux, gst_event_new_eos ());
    }
    gst_object_unref (demux);
  }
}

static gboolean
gst_bag_demux_handle_seek (GstBagDemux * demux, GstEvent * event)
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  gboolean flush, update, was_running = FALSE;
  guint32 seqnum;
  GstSegment seg;
  GstEvent *ev;

  if (!demux->pull_mode) {
    GST_DEBUG_OBJECT (demux, "cannot seek in push mode");
    return FALSE;
  }
  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  if (format != GST_FORMAT_TIME) {
    GST_DEBUG_OBJECT (demux, "can only seek in TIME");
    return FALSE;
  }
  if (rate <= 0.0) {
    GST_WARNING_OBJECT (demux, "reverse playback is not supported");
    return FALSE;
  }
  seqnum = gst_event_get_seqnum (event);
  flush = (flags & GST_SEEK_FLAG_FLUSH) != 0;
  if (seqnum == demux->segment_seqnum) {
    /* a bin sends one seek through every sink: act on it once */
    GST_DEBUG_OBJECT (demux, "seek %u already handled", seqnum);
    return TRUE;
  }

  /* refuse what gst_segment_do_seek would refuse before flushing */
  GST_OBJECT_LOCK (demux);
  seg = demux->segment;
  GST_OBJECT_UNLOCK (demux);
  {
    gint64 dur = GST_CLOCK_TIME_IS_VALID (seg.duration) ? (gint64) seg.duration
        : -1;
    gint64 new_start = start_type == GST_SEEK_TYPE_SET ? start :
        start_type == GST_SEEK_TYPE_NONE ? (gint64) seg.start :
        dur >= 0 ? dur + start : -1;
    gint64 new_stop = stop_type == GST_SEEK_TYPE_SET ? stop :
        stop_type == GST_SEEK_TYPE_NONE ? (gint64) seg.stop :
        dur >= 0 ? dur + stop : -1;

    if (new_start >= 0 && new_stop >= 0 && new_start > new_stop) {
      GST_DEBUG_OBJECT (demux, "refusing a seek whose start is after its "
          "stop");
      return FALSE;
    }
  }

  if (flush) {
    ev = gst_event_new_flush_start ();
    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
    gst_bag_demux_push_event_all (demux, ev);
  } else {
    GST_OBJECT_LOCK (demux->sinkpad);
    was_running = GST_PAD_TASK (demux->sinkpad)
        && GST_TASK_STATE (GST_PAD_TASK (demux->sinkpad)) == GST_TASK_STARTED;
    GST_OBJECT_UNLOCK (demux->sinkpad);
    gst_pad_pause_task (demux->sinkpad);
  }

  GST_PAD_STREAM_LOCK (demux->sinkpad);

  seg = demux->segment;
  if (!gst_segment_do_seek (&seg, rate, format, flags, start_type, start,
          stop_type, stop, &update)) {
    /* never leave the pads flushing or the task paused */
    if (flush) {
      ev = gst_event_new_flush_stop (TRUE);
      gst_event_set_seqnum (ev, seqnum);
      gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
      gst_bag_demux_push_event_all (demux, ev);
      demux->need_segment = TRUE;
    }
    if (flush || was_running)
      gst_pad_start_task (demux->sinkpad,
          (GstTaskFunction) gst_bag_demux_loop, demux->sinkpad, NULL);
    GST_PAD_STREAM_UNLOCK (demux->sinkpad);
    return FALSE;
  }
  /* a stop at or past the end of the recording plays to the end: the
   * last message is at the duration, which gst_segment_do_seek clamps the
   * stop to, and a segment's stop is exclusive (a buffer at the stop is
   * outside it, downstream too) */
  if (GST_CLOCK_TIME_IS_VALID (seg.stop) && GST_CLOCK_TIME_IS_VALID
      (demux->duration) && seg.stop >= demux->duration)
    seg.stop = GST_CLOCK_TIME_NONE;
  /* a seek that keeps the start (GST_SEEK_TYPE_NONE: a rate change) goes on
   * from the position, as qtdemux does. gst_segment_do_seek keeps the
   * position there and puts the distance into the offset, but the messages
   * are read from the segment's start: with that offset every running time
   * before the position was invalid (bagalign dropped those buffers, a
   * PAUSED pipeline never prerolled) */
  if (GST_CLOCK_TIME_IS_VALID (seg.position) && seg.position != seg.start) {
    seg.start = seg.time = seg.position;
    if (GST_CLOCK_TIME_IS_VALID (seg.stop) && seg.start > seg.stop)
      seg.start = seg.time = seg.position = seg.stop;
  }
  seg.offset = 0;
  if (GST_CLOCK_TIME_IS_VALID (demux->stop_time) && (!GST_CLOCK_TIME_IS_VALID
          (seg.stop) || seg.stop > demux->stop_time))
    seg.stop = demux->stop_time;
  if (seg.start < demux->start_time)
    seg.start = seg.time = seg.position = demux->start_time;
  GST_DEBUG_OBJECT (demux, "seek to %" GST_SEGMENT_FORMAT, &seg);

  if (flush) {
    ev = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (demux->sinkpad, gst_event_ref (ev));
    gst_bag_demux_push_event_all (demux, ev);
  }

  demux->segment = seg;
  demux->segment.position = seg.start;
  demux->segment_seqnum = seqnum;
  demux->need_segment = TRUE;
  demux->reached = GST_CLOCK_TIME_NONE;
  if (demux->reader)
    gst_bag_demux_apply_range (demux);
  {
    guint i;

    for (i = 0; i < demux->streams->len; i++) {
      GstBagStream *s = g_ptr_array_index (demux->streams, i);

      s->last_ts = GST_CLOCK_TIME_NONE;
      s->prev_pts = GST_CLOCK_TIME_NONE;
      /* decoding restarts at a key frame */
      s->need_key = TRUE;
      s->n_before_key = 0;
    }
  }
  gst_flow_combiner_reset (demux->flowcombiner);

  if (flags & GST_SEEK_FLAG_SEGMENT) {
    GstMessage *msg = gst_message_new_segment_start (GST_OBJECT (demux),
        GST_FORMAT_TIME, seg.start);

    gst_message_set_seqnum (msg, seqnum);
    gst_element_post_message (GST_ELEMENT (demux), msg);
  }
  gst_pad_start_task (demux->sinkpad, (GstTaskFunction) gst_bag_demux_loop,
      demux->sinkpad, NULL);
  GST_PAD_STREAM_UNLOCK (demux->sinkpad);
  return TRUE;
}

static gboolean
gst_bag_demux_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      ret = gst_bag_demux_handle_seek (demux, event);
      gst_event_unref (event);
      break;
    default:
      ret = gst_pad_event_default (pad, parent, event);
      break;
  }
  return ret;
}

static gboolean
gst_bag_demux_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:{
      GstFormat fmt;

      gst_query_parse_duration (query, &fmt, NULL);
      if (fmt != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID (demux->duration))
        return FALSE;
      gst_query_set_duration (query, GST_FORMAT_TIME, demux->duration);
      return TRUE;
    }
    case GST_QUERY_POSITION:{
      GstFormat fmt;

      gst_query_parse_position (query, &fmt, NULL);
      if (fmt != GST_FORMAT_TIME
          || !GST_CLOCK_TIME_IS_VALID (demux->segment.position))
        return FALSE;
      gst_query_set_position (query, GST_FORMAT_TIME, demux->segment.position);
      return TRUE;
    }
    case GST_QUERY_SEEKING:{
      GstFormat fmt;

      gst_query_parse_seeking (query, &fmt, NULL, NULL, NULL);
      if (fmt != GST_FORMAT_TIME)
        return FALSE;
      gst_query_set_seeking (query, GST_FORMAT_TIME,
          demux->pull_mode && demux->opened, 0,
          GST_CLOCK_TIME_IS_VALID (demux->duration) ? (gint64) demux->
          duration : -1);
      return TRUE;
    }
    case GST_QUERY_CAPS:{
      /* an image pad with more than one layout: all of them, the
       * message's own first; the others have fixed caps */
      GstCaps *offer = gst_bag_demux_pad_get_offer (pad);
      GstCaps *filter = NULL, *res;

      if (offer == NULL)
        return gst_pad_query_default (pad, parent, query);
      gst_query_parse_caps (query, &filter);
      res = filter ? gst_caps_intersect_full (filter, offer,
          GST_CAPS_INTERSECT_FIRST) : gst_caps_ref (offer);
      gst_query_set_caps_result (query, res);
      gst_caps_unref (res);
      gst_caps_unref (offer);
      return TRUE;
    }
    case GST_QUERY_SEGMENT:{
      gint64 start, stop;

      start = gst_segment_to_stream_time (&demux->segment, GST_FORMAT_TIME,
          demux->segment.start);
      stop = GST_CLOCK_TIME_IS_VALID (demux->segment.stop) ?
          (gint64) gst_segment_to_stream_time (&demux->segment, GST_FORMAT_TIME,
          demux->segment.stop) : (gint64) demux->duration;
      gst_query_set_segment (query, demux->segment.rate, GST_FORMAT_TIME,
          start, stop);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---------------------------------------------------------------------- */
/* push mode */

/* One message of the stream parser, in file order */
static GstFlowReturn
gst_bag_demux_push_emit (GstBagDemux * demux, const GstRosbagMessage * msg)
{
  GstBagStream *s;
  GstFlowReturn ret;

  /* the recording's start is unknown in push mode: the first message's
   * time */
  if (!demux->base_known) {
    demux->base_ns = msg->time_ns;
    demux->base_known = TRUE;
  }
  {
    guint64 rel = msg->time_ns > demux->base_ns ?
        msg->time_ns - demux->base_ns : 0;

    if (rel < demux->start_time || (GST_CLOCK_TIME_IS_VALID (demux->stop_time)
            && rel >= demux->stop_time))
      return GST_FLOW_OK;
  }
  s = gst_bag_demux_stream_for (demux, msg->topic, TRUE);
  if (s == NULL)
    return GST_FLOW_OK;
  if (!s->exposed) {
    GError *err = NULL;

    /* caps from the topic's first message that is not malformed, as in
     * pull mode: the pad waits for it (at most CAPS_LOOKAHEAD messages,
     * then it goes out as serialized messages), the malformed ones are
     * skipped with the warning they get in pull mode */
    if ((s->is_image || s->is_video)
        && !gst_bag_stream_caps_from (s, msg->data, msg->size, &err)
        && ++s->n_bad_before_caps < CAPS_LOOKAHEAD) {
      gst_bag_demux_warn_malformed (demux, s, err, msg->time_ns);
      g_clear_error (&err);
      return GST_FLOW_OK;
    }
    g_clear_error (&err);
    gst_bag_demux_post_collection (demux, s);
    gst_bag_demux_expose (demux, s);
  }
  ret = gst_bag_demux_push_read_message (demux, s, msg);
  /* a pad appears with its topic's first message: that the pads so far
   * are all unlinked says nothing of the topics still to come, so this
   * never stops the stream (at EOS, no pad linked is an error) */
  if (ret == GST_FLOW_NOT_LINKED)
    ret = GST_FLOW_OK;
  return ret;
}

static GstRosbagStreamParser *
gst_bag_demux_get_parser (GstBagDemux * demux)
{
  if (demux->location == NULL)
    demux->location = gst_bag_demux_get_location (demux);
  if (demux->patterns == NULL) {
    gchar *topics;

    GST_OBJECT_LOCK (demux);
    topics = g_strdup (demux->topics);
    GST_OBJECT_UNLOCK (demux);
    demux->patterns = gst_rosbag_topic_patterns_parse (topics);
    g_free (topics);
  }
  if (demux->parser == NULL)
    demux->parser = gst_rosbag_stream_parser_new (demux->location);
  return demux->parser;
}

/* Drains the parser: messages go out, skipped damage becomes a warning,
 * an error ends the stream */
/* As in pull mode, an unindexed recording is said to be one, once the
 * parser knows (a bag: its header; MCAP: the footer, at the end) */
static void
gst_bag_demux_push_check_index (GstBagDemux * demux)
{
  gboolean indexed = TRUE;

  if (demux->push_index_checked
      || !gst_rosbag_stream_parser_get_indexed (demux->parser, &indexed))
    return;
  demux->push_index_checked = TRUE;
  if (!indexed)
    GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
        ("%s is not indexed (an interrupted recording): reading what it "
            "holds", demux->location), ("the %s says there is no index",
            demux->has_publish_time ? "MCAP footer" : "bag header"));
}

static GstFlowReturn
gst_bag_demux_push_drain (GstBagDemux * demux)
{
  GstFlowReturn ret = GST_FLOW_OK;

  while (ret == GST_FLOW_OK) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagStreamResult res;
    GstRosbagFormat format;

    res = gst_rosbag_stream_parser_next (demux->parser, &msg, &err);
    if (!demux->has_publish_time
        && gst_rosbag_stream_parser_get_format (demux->parser, &format))
      demux->has_publish_time = format == GST_ROSBAG_FORMAT_MCAP;
    gst_bag_demux_push_check_index (demux);
    switch (res) {
      case GST_ROSBAG_STREAM_MESSAGE:
        demux->push_n_messages++;
        ret = gst_bag_demux_push_emit (demux, &msg);
        break;
      case GST_ROSBAG_STREAM_NEED_DATA:
      case GST_ROSBAG_STREAM_EOS:
        return GST_FLOW_OK;
      case GST_ROSBAG_STREAM_SKIPPED:
        GST_ELEMENT_WARNING (demux, STREAM, DEMUX,
            ("Skipped damaged data in %s", demux->location),
            ("%s (the stream is at byte %" G_GUINT64_FORMAT ")",
                err ? err->message : "damaged record",
                gst_rosbag_stream_parser_get_offset (demux->parser)));
        if (demux->push_damage == NULL)
          demux->push_damage = err ? g_error_copy (err) :
              g_error_new (GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
              "damaged record");
        g_clear_error (&err);
        break;
      case GST_ROSBAG_STREAM_ERROR:
      default:
        if (err) {
          gst_bag_demux_post_open_error (demux, err);
          g_clear_error (&err);
        } else {
          GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
              ("Could not read the recording %s", demux->location),
              ("at byte %" G_GUINT64_FORMAT,
                  gst_rosbag_stream_parser_get_offset (demux->parser)));
        }
        demux->push_failed = TRUE;
        return GST_FLOW_ERROR;
    }
  }
  return ret;
}

static gboolean gst_bag_demux_push_check_head (GstBagDemux * demux,
    const guint8 * data, gsize size);

/* The held-back first bytes once checked (NULL after an error) */
static GBytes *
gst_bag_demux_push_flush_head (GstBagDemux * demux)
{
  GBytes *bytes;

  bytes = g_byte_array_free_to_bytes (demux->head);
  demux->head = NULL;
  if (!gst_bag_demux_push_check_head (demux, g_bytes_get_data (bytes, NULL),
          g_bytes_get_size (bytes)))
    g_clear_pointer (&bytes, g_bytes_unref);
  return bytes;
}

/* Push mode refuses what needs the files by path: the recording property
 * and a rosbag2 metadata.yaml. Returns FALSE after posting the error. */
static gboolean
gst_bag_demux_push_check_head (GstBagDemux * demux, const guint8 * data,
    gsize size)
{
  gboolean has_recording;

  demux->head_checked = TRUE;
  GST_OBJECT_LOCK (demux);
  has_recording = demux->recording != NULL;
  GST_OBJECT_UNLOCK (demux);
  if (demux->location == NULL)
    demux->location = gst_bag_demux_get_location (demux);
  if (has_recording) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("The recording property needs a seekable source: use bagsrc, or "
            "filesrc without a queue before bagdemux"),
        ("the sink pad is in push mode"));
    goto refuse;
  }
  if (gst_rosbag_recording_sniff_metadata (data, size)) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("%s is a rosbag2 metadata.yaml: a rosbag2 directory needs a "
            "seekable source (use bagsrc, or filesrc without a queue before "
            "bagdemux)", demux->location),
        ("the sink pad is in push mode; the storage files are read by "
            "path, which needs pull mode"));
    goto refuse;
  }
  return TRUE;

refuse:
  demux->push_failed = TRUE;
  return FALSE;
}

/* Whether @data may still turn out to be the start of a rosbag2
 * metadata.yaml once more bytes come: text (or a BOM) that is not the
 * start of a recording the library knows */
static gboolean
head_may_be_metadata (const guint8 * data, gsize size)
{
  GstRosbagFormat format;

  if (size == 0)
    return TRUE;
  if (gst_rosbag_recording_sniff (data, size, &format))
    return FALSE;
  if (size >= 15 && memcmp (data, "#ROSRECORD V1.2", 15) == 0)
    return FALSE;
  return data[0] == 0xef || data[0] == '\t' || data[0] == '\n' ||
      data[0] == '\r' || (data[0] >= 0x20 && data[0] < 0x7f);
}

/* Push mode: holds back the first bytes (copied, at most
 * METADATA_SNIFF_LEN; the rest is not) while they may still be a rosbag2
 * metadata.yaml. Returns the bytes to feed the parser now, NULL while
 * holding (or after an error: push_failed), and takes @buffer. */
static GBytes *
gst_bag_demux_push_head (GstBagDemux * demux, GstBuffer * buffer)
{
  GstMapInfo map;
  GBytes *bytes;

  if (demux->head == NULL) {
    bytes = bytes_from_buffer (buffer);
    if (bytes == NULL) {
      /* (the caller says so) */
      demux->head_checked = TRUE;
      return NULL;
    }
    if (g_bytes_get_size (bytes) >= METADATA_SNIFF_LEN ||
        !head_may_be_metadata (g_bytes_get_data (bytes, NULL),
            g_bytes_get_size (bytes))) {
      /* the first buffer is enough to tell: no copy */
      if (!gst_bag_demux_push_check_head (demux,
              g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
        g_clear_pointer (&bytes, g_bytes_unref);
      return bytes;
    }
    demux->head = g_byte_array_new ();
    g_byte_array_append (demux->head, g_bytes_get_data (bytes, NULL),
        g_bytes_get_size (bytes));
    g_bytes_unref (bytes);
    return NULL;
  }
  if (gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    g_byte_array_append (demux->head, map.data, map.size);
    gst_buffer_unmap (buffer, &map);
  }
  gst_buffer_unref (buffer);
  if (demux->head->len < METADATA_SNIFF_LEN &&
      head_may_be_metadata (demux->head->data, demux->head->len))
    return NULL;
  return gst_bag_demux_push_flush_head (demux);
}

static GstFlowReturn
gst_bag_demux_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);
  GBytes *bytes;

  if (demux->push_failed) {
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  gst_bag_demux_get_parser (demux);
  if (!demux->head_checked) {
    bytes = gst_bag_demux_push_head (demux, buffer);
    if (bytes == NULL && !demux->push_failed && demux->head_checked) {
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("Could not read the recording %s", demux->location),
          ("cannot map an input buffer"));
      demux->push_failed = TRUE;
    }
    if (bytes == NULL)
      return demux->push_failed ? GST_FLOW_ERROR : GST_FLOW_OK;
    gst_rosbag_stream_parser_push (demux->parser, bytes);
    g_bytes_unref (bytes);
    return gst_bag_demux_push_drain (demux);
  }
  /* no copy: the parser keeps what it still needs of the buffer */
  bytes = bytes_from_buffer (buffer);
  if (!bytes) {
    GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
        ("Could not read the recording %s", demux->location),
        ("cannot map an input buffer"));
    return GST_FLOW_ERROR;
  }
  gst_rosbag_stream_parser_push (demux->parser, bytes);
  g_bytes_unref (bytes);
  return gst_bag_demux_push_drain (demux);
}

/* Push mode, at EOS: whether every pad's last push found it not linked
 * (what the flow combiner says in pull mode) */
static gboolean
gst_bag_demux_push_none_linked (GstBagDemux * demux)
{
  gboolean none = FALSE;
  guint i;

  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (!s->exposed)
      continue;
    if (gst_pad_get_last_flow_return (s->pad) != GST_FLOW_NOT_LINKED)
      return FALSE;
    none = TRUE;
  }
  return none;
}

/* EOS in push mode: the rest of the parser's messages, then EOS on every
 * pad; errors where nothing could be played */
static void
gst_bag_demux_push_eos (GstBagDemux * demux, GstEvent * event)
{
  GstRosbagFormat format;
  guint i;

  if (demux->push_failed) {
    gst_event_unref (event);
    return;
  }
  gst_bag_demux_get_parser (demux);
  if (!demux->head_checked) {
    /* a short input: what was held back */
    GBytes *bytes;

    if (demux->head == NULL)
      demux->head = g_byte_array_new ();
    bytes = gst_bag_demux_push_flush_head (demux);
    if (bytes == NULL) {
      gst_event_unref (event);
      return;
    }
    if (g_bytes_get_size (bytes) > 0)
      gst_rosbag_stream_parser_push (demux->parser, bytes);
    g_bytes_unref (bytes);
  }
  gst_rosbag_stream_parser_push_eos (demux->parser);
  if (gst_bag_demux_push_drain (demux) == GST_FLOW_ERROR && demux->push_failed) {
    gst_event_unref (event);
    return;
  }
  if (!gst_rosbag_stream_parser_get_format (demux->parser, &format)) {
    GST_ELEMENT_ERROR (demux, STREAM, WRONG_TYPE,
        ("%s is neither a ROS bag nor an MCAP file", demux->location),
        ("it ends after %" G_GUINT64_FORMAT " bytes, before a magic was "
            "recognised", gst_rosbag_stream_parser_get_offset (demux->parser)));
    gst_event_unref (event);
    return;
  }
  if (demux->streams->len == 0) {
    guint n = gst_rosbag_stream_parser_get_n_topics (demux->parser);
    GString *all = g_string_new (NULL);

    for (i = 0; i < n; i++)
      g_string_append_printf (all, "%s%s", i ? ", " : "",
          gst_rosbag_topic_get_name (gst_rosbag_stream_parser_get_topic
              (demux->parser, i)));
    /* say what is wrong: a fragment or damage before any message, no
     * topics, no messages, or the filters */
    if (demux->push_n_messages == 0 && demux->push_damage
        && g_error_matches (demux->push_damage, GST_ROSBAG_ERROR,
            GST_ROSBAG_ERROR_TRUNCATED))
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("%s is cut off: it ends inside a record, before its first "
              "message (a fragment of a recording)", demux->location),
          ("%s", demux->push_damage->message));
    else if (demux->push_n_messages == 0 && demux->push_damage)
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("%s is damaged before its first message: nothing of it can be "
              "played", demux->location), ("%s", demux->push_damage->message));
    else if (n == 0)
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("The recording %s has no topics", demux->location),
          ("no connection or channel in %" G_GUINT64_FORMAT " bytes",
              gst_rosbag_stream_parser_get_offset (demux->parser)));
    else if (demux->push_n_messages == 0)
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("The recording %s holds no messages", demux->location),
          ("its topics: %s", all->str));
    else
      GST_ELEMENT_ERROR (demux, STREAM, DEMUX,
          ("No message of a selected topic in %s", demux->location),
          ("topics '%s' (start-time and stop-time select too); the "
              "recording has: %s", demux->topics ? demux->topics : "",
              all->str));
    g_string_free (all, TRUE);
    gst_event_unref (event);
    return;
  }
  /* topics whose messages were all malformed: their pads, as in pull
   * mode (serialized-message caps, EOS only) */
  for (i = 0; i < demux->streams->len; i++) {
    GstBagStream *s = g_ptr_array_index (demux->streams, i);

    if (!s->exposed) {
      gst_bag_demux_post_collection (demux, s);
      gst_bag_demux_expose (demux, s);
    }
  }
  gst_element_no_more_pads (GST_ELEMENT (demux));
  if (gst_bag_demux_push_none_linked (demux))
    /* as in pull mode, where it stops the stream at once */
    GST_ELEMENT_FLOW_ERROR (demux, GST_FLOW_NOT_LINKED);
  if (demux->need_segment)
    gst_bag_demux_push_segment (demux);
  gst_bag_demux_push_event_all (demux, event);
}

static gboolean
gst_bag_demux_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      gst_bag_demux_push_eos (demux, event);
      return TRUE;
    case GST_EVENT_SEGMENT:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      /* what follows starts somewhere else: a new parser (the topics of
       * the old one go with it; the streams stay) */
      g_clear_pointer (&demux->parser, gst_rosbag_stream_parser_free);
      g_hash_table_remove_all (demux->stream_by_ptr);
      demux->push_failed = FALSE;
      demux->push_n_messages = 0;
      g_clear_error (&demux->push_damage);
      gst_flow_combiner_reset (demux->flowcombiner);
      gst_bag_demux_push_event_all (demux, event);
      return TRUE;
    default:
      if (GST_EVENT_IS_SERIALIZED (event) || GST_EVENT_TYPE (event) ==
          GST_EVENT_FLUSH_START) {
        gst_bag_demux_push_event_all (demux, event);
        return TRUE;
      }
      return gst_pad_event_default (pad, parent, event);
  }
}

/* ---------------------------------------------------------------------- */
/* activation */

static gboolean
gst_bag_demux_sink_activate (GstPad * pad, GstObject * parent)
{
  GstQuery *query;
  gboolean pull_mode;

  query = gst_query_new_scheduling ();
  if (!gst_pad_peer_query (pad, query)) {
    gst_query_unref (query);
    goto activate_push;
  }
  pull_mode = gst_query_has_scheduling_mode_with_flags (query,
      GST_PAD_MODE_PULL, GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (query);
  if (!pull_mode)
    goto activate_push;
  GST_DEBUG_OBJECT (pad, "activating pull");
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE);

activate_push:
  GST_DEBUG_OBJECT (pad, "activating push");
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PUSH, TRUE);
}

static gboolean
gst_bag_demux_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstBagDemux *demux = GST_BAG_DEMUX (parent);

  switch (mode) {
    case GST_PAD_MODE_PUSH:
      demux->pull_mode = FALSE;
      return TRUE;
    case GST_PAD_MODE_PULL:
      if (active) {
        demux->pull_mode = TRUE;
        return gst_pad_start_task (pad, (GstTaskFunction) gst_bag_demux_loop,
            pad, NULL);
      }
      return gst_pad_stop_task (pad);
    default:
      return FALSE;
  }
}

static GstStateChangeReturn
gst_bag_demux_change_state (GstElement * element, GstStateChange transition)
{
  GstBagDemux *demux = GST_BAG_DEMUX (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      gst_bag_demux_reset (demux);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* stopped before EOS: the frames skipped so far are still said */
      gst_bag_demux_report_unmapped (demux);
      gst_bag_demux_reset (demux);
      break;
    default:
      break;
  }
  return ret;
}
