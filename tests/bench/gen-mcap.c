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

/* gen-mcap: writes an MCAP file of a given payload size for the
 * benchmarks, shaped like what `ros2 bag record -s mcap` (rosbag2's
 * libmcap writer) makes of a robot with two cameras:
 *
 *   /cam0/image_raw, /cam1/image_raw  sensor_msgs/msg/Image 640x480 rgb8,
 *                                     30 Hz
 *   /imu                              sensor_msgs/msg/Imu, 200 Hz
 *   /joint_states                     sensor_msgs/msg/JointState (6
 *                                     joints), 100 Hz
 *   /tf                               tf2_msgs/msg/TFMessage (3
 *                                     transforms), 100 Hz
 *
 * Profile `ros2`; schemas `ros2msg` (the type's .msg text, then each
 * dependency after a line of 80 `=` and `MSG: pkg/msg/Type`); message
 * encoding `cdr`: little-endian XCDR1 (header 00 01 00 00, every primitive
 * aligned to its size from after the header). Channel metadata carries
 * `offered_qos_profiles` as rosbag2 writes it.
 *
 * Layout as libmcap writes it: Header; a `rosbag2` Metadata record (the
 * placeholder rosbag2 writes at open); chunks, each closed once its
 * records reach --chunk-kb (4096) KB, with the Schema and Channel records
 * of a channel in the chunk of its first message, each chunk followed by
 * one MessageIndex per channel in it; the final `rosbag2` Metadata; Data
 * End (CRC 0). Summary: Schemas, Channels, Statistics, Chunk Indexes,
 * Metadata Indexes; a Summary Offset per group; Footer with the summary
 * CRC. Chunk CRCs are 0 (not computed), as rosbag2 writes them.
 *
 * Compression: none, lz4 (an LZ4 frame with liblz4's default frame
 * settings, level 0) or zstd (level --level, default 1); messages go into
 * chunks in log-time order.
 *
 * --overlap: cameras and the small topics go into separate chunks; the
 * small topics' chunk is also closed every --overlap-span (2) seconds,
 * and finished camera chunks are held back and written --overlap-batch
 * (16) at a time. Chunks then overlap in time and do not lie in time
 * order in the file (a small-topic chunk starts seconds before the
 * camera chunks written just before it).
 *
 * --no-cameras: only the small topics (/imu, /joint_states, /tf; no image
 * schema nor camera channels in the file): a file of many small CDR
 * messages (about 300 bytes each, 400 per second of recording), for
 * the message-decoding benchmark (run.sh --cdr).
 *
 * --small: --no-cameras with /imu at 1 kHz, /joint_states at 500 Hz and
 * /tf at 2 kHz (the shape of gen-bag --small).
 *
 * --frames-out FILE: also writes every chunk's compressed records (one
 * zstd or LZ4 frame per chunk) back to back into FILE, in file order, so
 * `zstd -d` / `lz4 -d` can decompress exactly the same chunks.
 *
 * Image data: a scene with a flat sky, a noisy textured band (two thirds
 * of the rows) and a tiled floor, moving per frame; zstd -1 reaches 1.66:1
 * and lz4 1.49:1 on the whole file.
 *
 * Usage: gen-mcap OUT.mcap SIZE_MB [none|lz4|zstd] [--chunk-kb N]
 *                 [--level N] [--overlap] [--overlap-span S]
 *                 [--overlap-batch N] [--frames-out FILE] [--no-cameras]
 * SIZE_MB is the payload (the messages' CDR bytes); it stops after the
 * first message past it. Prints what it wrote.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <glib.h>
#include <lz4frame.h>
#include <zstd.h>

#define IMG_W 640
#define IMG_H 480
#define IMG_BYTES (IMG_W * IMG_H * 3)
#define N_FRAMES 16
#define START_NS (1700000000ull * G_GUINT64_CONSTANT (1000000000))
#define N_CHANS 5
#define N_SCHEMAS 4

enum
{ OP_HEADER = 0x01, OP_FOOTER, OP_SCHEMA, OP_CHANNEL, OP_MESSAGE, OP_CHUNK,
  OP_MESSAGE_INDEX, OP_CHUNK_INDEX, OP_ATTACHMENT, OP_ATTACHMENT_INDEX,
  OP_STATISTICS, OP_METADATA, OP_METADATA_INDEX, OP_SUMMARY_OFFSET,
  OP_DATA_END
};

enum
{ COMP_NONE, COMP_LZ4, COMP_ZSTD };

static const gchar *comp_names[] = { "", "lz4", "zstd" };

/* --- the message definitions (ros2msg) --- */

#define SEP "\n==================================================" \
  "==============================\n"

#define TIME_MSG \
  "# This message communicates ROS Time defined here:\n" \
  "# https://design.ros2.org/articles/clock_and_time.html\n" \
  "\n" \
  "# The seconds component, valid over all int32 values.\n" \
  "int32 sec\n" \
  "\n" \
  "# The nanoseconds component, valid in the range [0, 1e9), to be added " \
  "to the seconds component.\n" \
  "# e.g.\n" \
  "# The time -1.7 seconds is represented as {sec: -2, nanosec: 3e8}\n" \
  "# The time 1.7 seconds is represented as {sec: 1, nanosec: 7e8}\n" \
  "uint32 nanosec\n"

#define HEADER_MSG \
  "# Standard metadata for higher-level stamped data types.\n" \
  "# This is generally used to communicate timestamped data\n" \
  "# in a particular coordinate frame.\n" \
  "\n" \
  "# Two-integer timestamp that is expressed as seconds and nanoseconds.\n" \
  "builtin_interfaces/Time stamp\n" \
  "\n" \
  "# Transform frame with which this data is associated.\n" \
  "string frame_id\n"

#define QUATERNION_MSG \
  "# This represents an orientation in free space in quaternion form.\n" \
  "\n" \
  "float64 x 0\n" \
  "float64 y 0\n" \
  "float64 z 0\n" \
  "float64 w 1\n"

#define VECTOR3_MSG \
  "# This represents a vector in free space.\n" \
  "\n" \
  "# This is semantically different than a point.\n" \
  "# A vector is always anchored at the origin.\n" \
  "# When a transform is applied to a vector, only the rotational " \
  "component is applied.\n" \
  "\n" \
  "float64 x\n" \
  "float64 y\n" \
  "float64 z\n"

#define TRANSFORM_MSG \
  "# This represents the transform between two coordinate frames in free " \
  "space.\n" \
  "\n" \
  "Vector3 translation\n" \
  "Quaternion rotation\n"

#define TRANSFORM_STAMPED_MSG \
  "# This expresses a transform from coordinate frame header.frame_id\n" \
  "# to the coordinate frame child_frame_id at the time of header.stamp\n" \
  "\n" \
  "# The frame id in the header is used as the reference frame of this " \
  "transform.\n" \
  "std_msgs/Header header\n" \
  "\n" \
  "# The frame id of the child frame to which this transform points.\n" \
  "string child_frame_id\n" \
  "\n" \
  "# Translation and rotation in 3-dimensions of child_frame_id from " \
  "header.frame_id.\n" \
  "Transform transform\n"

static const gchar image_def[] =
    "# This message contains an uncompressed image\n"
    "# (0, 0) is at top-left corner of image\n"
    "\n"
    "std_msgs/Header header # Header timestamp should be acquisition time "
    "of image\n"
    "                             # Header frame_id should be optical frame "
    "of camera\n"
    "\n"
    "uint32 height                # image height, that is, number of rows\n"
    "uint32 width                 # image width, that is, number of columns\n"
    "\n"
    "# The legal values for encoding are in file "
    "include/sensor_msgs/image_encodings.hpp\n"
    "string encoding       # Encoding of pixels -- channel meaning, ordering, "
    "size\n"
    "\n"
    "uint8 is_bigendian    # is this data bigendian?\n"
    "uint32 step           # Full row length in bytes\n"
    "uint8[] data          # actual matrix data, size is (step * rows)\n"
    SEP "MSG: std_msgs/msg/Header\n" HEADER_MSG
    SEP "MSG: builtin_interfaces/msg/Time\n" TIME_MSG;

static const gchar imu_def[] =
    "# This is a message to hold data from an IMU (Inertial Measurement "
    "Unit)\n"
    "#\n"
    "# Accelerations should be in m/s^2 (not in g's), and rotational "
    "velocity should be in rad/sec\n"
    "#\n"
    "# If the covariance of the measurement is known, it should be filled "
    "in (if all you know is the\n"
    "# variance of each measurement, e.g. from the datasheet, just put "
    "those along the diagonal)\n"
    "# A covariance matrix of all zeros will be interpreted as \"covariance "
    "unknown\"\n"
    "\n"
    "std_msgs/Header header\n"
    "\n"
    "geometry_msgs/Quaternion orientation\n"
    "float64[9] orientation_covariance # Row major about x, y, z axes\n"
    "\n"
    "geometry_msgs/Vector3 angular_velocity\n"
    "float64[9] angular_velocity_covariance # Row major about x, y, z axes\n"
    "\n"
    "geometry_msgs/Vector3 linear_acceleration\n"
    "float64[9] linear_acceleration_covariance # Row major x, y z\n"
    SEP "MSG: std_msgs/msg/Header\n" HEADER_MSG
    SEP "MSG: builtin_interfaces/msg/Time\n" TIME_MSG
    SEP "MSG: geometry_msgs/msg/Quaternion\n" QUATERNION_MSG
    SEP "MSG: geometry_msgs/msg/Vector3\n" VECTOR3_MSG;

static const gchar joint_state_def[] =
    "# This is a message that holds data to describe the state of a set of "
    "torque controlled joints.\n"
    "#\n"
    "# The state of each joint (revolute or prismatic) is defined by:\n"
    "#  * the position of the joint (rad or m),\n"
    "#  * the velocity of the joint (rad/s or m/s) and\n"
    "#  * the effort that is applied in the joint (Nm or N).\n"
    "\n"
    "std_msgs/Header header\n"
    "\n"
    "string[] name\n"
    "float64[] position\n"
    "float64[] velocity\n"
    "float64[] effort\n"
    SEP "MSG: std_msgs/msg/Header\n" HEADER_MSG
    SEP "MSG: builtin_interfaces/msg/Time\n" TIME_MSG;

static const gchar tf_def[] =
    "geometry_msgs/TransformStamped[] transforms\n"
    SEP "MSG: geometry_msgs/msg/TransformStamped\n" TRANSFORM_STAMPED_MSG
    SEP "MSG: std_msgs/msg/Header\n" HEADER_MSG
    SEP "MSG: builtin_interfaces/msg/Time\n" TIME_MSG
    SEP "MSG: geometry_msgs/msg/Transform\n" TRANSFORM_MSG
    SEP "MSG: geometry_msgs/msg/Vector3\n" VECTOR3_MSG
    SEP "MSG: geometry_msgs/msg/Quaternion\n" QUATERNION_MSG;

typedef struct
{
  guint16 id;
  const gchar *name;
  const gchar *text;
  gboolean written;
} Schema;

static Schema schemas[N_SCHEMAS] = {
  {1, "sensor_msgs/msg/Image", image_def, FALSE},
  {2, "sensor_msgs/msg/Imu", imu_def, FALSE},
  {3, "sensor_msgs/msg/JointState", joint_state_def, FALSE},
  {4, "tf2_msgs/msg/TFMessage", tf_def, FALSE},
};

/* rosbag2's offered_qos_profiles for a sensor-data (best effort,
 * volatile) and a default (reliable) publisher */
#define QOS(rel, dur) \
  "- history: 3\n" \
  "  depth: 0\n" \
  "  reliability: " rel "\n" \
  "  durability: " dur "\n" \
  "  deadline:\n" \
  "    sec: 9223372036\n" \
  "    nsec: 854775807\n" \
  "  lifespan:\n" \
  "    sec: 9223372036\n" \
  "    nsec: 854775807\n" \
  "  liveliness: 1\n" \
  "  liveliness_lease_duration:\n" \
  "    sec: 9223372036\n" \
  "    nsec: 854775807\n" \
  "  avoid_ros_namespace_conventions: false"

typedef enum
{ KIND_IMAGE, KIND_IMU, KIND_JOINTS, KIND_TF } Kind;

typedef struct
{
  guint16 id;
  Kind kind;
  const gchar *topic;
  const gchar *frame;
  guint rate_hz;
  guint64 offset_ns;            /* phase of the first message */
  guint64 latency_ns;           /* header.stamp is this much before log_time */
  const gchar *qos;
  gboolean camera;
  /* state */
  guint64 next_ns;
  guint32 seq;
  guint64 count, bytes;
  gboolean written;
} Chan;

#define CHAN(i, k, t, f, hz, off, lat, q, cam) \
  {.id = i, .kind = k, .topic = t, .frame = f, .rate_hz = hz, \
    .offset_ns = off, .latency_ns = lat, .qos = q, .camera = cam}

static Chan chans[N_CHANS] = {
  CHAN (1, KIND_IMAGE, "/cam0/image_raw", "cam0_optical_frame", 30, 0,
      8000000, QOS ("2", "2"), TRUE),
  CHAN (2, KIND_IMAGE, "/cam1/image_raw", "cam1_optical_frame", 30, 5000000,
      8000000, QOS ("2", "2"), TRUE),
  CHAN (3, KIND_IMU, "/imu", "imu_link", 200, 1000000, 500000,
      QOS ("2", "2"), FALSE),
  CHAN (4, KIND_JOINTS, "/joint_states", "", 100, 2000000, 200000,
      QOS ("1", "2"), FALSE),
  CHAN (5, KIND_TF, "/tf", "odom", 100, 3000000, 100000, QOS ("1", "2"),
      FALSE),
};

static const Schema *
chan_schema (const Chan * c)
{
  return &schemas[c->kind];
}

/* --no-cameras leaves the camera channels out of the file */
static gboolean no_cameras;

static gboolean
chan_on (const Chan * c)
{
  return !(no_cameras && c->camera);
}

static gboolean
schema_on (const Schema * s)
{
  gint i;

  for (i = 0; i < N_CHANS; i++)
    if (chan_on (&chans[i]) && chan_schema (&chans[i]) == s)
      return TRUE;
  return FALSE;
}

/* --- little-endian serialization into a GByteArray --- */

static void
put_u8 (GByteArray * b, guint8 v)
{
  g_byte_array_append (b, &v, 1);
}

static void
put_u16 (GByteArray * b, guint16 v)
{
  guint8 x[2] = { v, v >> 8 };
  g_byte_array_append (b, x, 2);
}

static void
put_u32 (GByteArray * b, guint32 v)
{
  guint8 x[4] = { v, v >> 8, v >> 16, v >> 24 };
  g_byte_array_append (b, x, 4);
}

static void
put_u64 (GByteArray * b, guint64 v)
{
  put_u32 (b, (guint32) v);
  put_u32 (b, (guint32) (v >> 32));
}

static void
set_u64 (GByteArray * b, guint pos, guint64 v)
{
  gint i;

  for (i = 0; i < 8; i++)
    b->data[pos + i] = (guint8) (v >> (8 * i));
}

/* MCAP string / bytes: u32 length, then the bytes */
static void
put_str (GByteArray * b, const gchar * s)
{
  put_u32 (b, strlen (s));
  g_byte_array_append (b, (const guint8 *) s, strlen (s));
}

/* a record: opcode, u64 length (patched by rec_end), content */
static guint
rec_begin (GByteArray * b, guint8 op)
{
  put_u8 (b, op);
  put_u64 (b, 0);
  return b->len;
}

static void
rec_end (GByteArray * b, guint content_start)
{
  set_u64 (b, content_start - 8, b->len - content_start);
}

/* map<string, string> with one entry */
static void
put_map1 (GByteArray * b, const gchar * key, const gchar * value)
{
  put_u32 (b, 8 + strlen (key) + strlen (value));
  put_str (b, key);
  put_str (b, value);
}

/* --- CDR (XCDR1, little endian) --- */

typedef struct
{
  GByteArray *b;
  guint origin;                 /* where the body starts: after the header */
} Cdr;

static void
cdr_begin (Cdr * c, GByteArray * b)
{
  static const guint8 hdr[4] = { 0x00, 0x01, 0x00, 0x00 };

  c->b = b;
  g_byte_array_append (b, hdr, 4);
  c->origin = b->len;
}

static void
cdr_align (Cdr * c, guint n)
{
  static const guint8 zeros[8] = { 0 };
  guint pad = (n - (c->b->len - c->origin) % n) % n;

  g_byte_array_append (c->b, zeros, pad);
}

static void
cdr_u8 (Cdr * c, guint8 v)
{
  put_u8 (c->b, v);
}

static void
cdr_u32 (Cdr * c, guint32 v)
{
  cdr_align (c, 4);
  put_u32 (c->b, v);
}

static void
cdr_f64 (Cdr * c, gdouble v)
{
  guint64 u;

  memcpy (&u, &v, 8);
  cdr_align (c, 8);
  put_u64 (c->b, u);
}

/* string: u32 length including the NUL, the bytes, the NUL */
static void
cdr_str (Cdr * c, const gchar * s)
{
  cdr_u32 (c, strlen (s) + 1);
  g_byte_array_append (c->b, (const guint8 *) s, strlen (s) + 1);
}

/* std_msgs/Header: builtin_interfaces/Time stamp, string frame_id */
static void
cdr_header (Cdr * c, guint64 stamp_ns, const gchar * frame)
{
  cdr_u32 (c, (guint32) (stamp_ns / 1000000000u));
  cdr_u32 (c, (guint32) (stamp_ns % 1000000000u));
  cdr_str (c, frame);
}

static void
cdr_vec3 (Cdr * c, gdouble x, gdouble y, gdouble z)
{
  cdr_f64 (c, x);
  cdr_f64 (c, y);
  cdr_f64 (c, z);
}

static void
cdr_quat (Cdr * c, gdouble a)
{
  /* a rotation by angle a about z */
  cdr_f64 (c, 0.0);
  cdr_f64 (c, 0.0);
  cdr_f64 (c, sin (a / 2));
  cdr_f64 (c, cos (a / 2));
}

static void
cdr_cov (Cdr * c, gdouble d)
{
  gint i;

  for (i = 0; i < 9; i++)
    cdr_f64 (c, i % 4 == 0 ? d : 0.0);
}

/* --- the camera frames --- */

static guint8 *frames[N_FRAMES];

static guint32 rng = 0x2545f491;

static guint32
xorshift (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void
make_frames (void)
{
  gint f, x, y;

  /* rows 0-119: sky, a vertical gradient without noise (every row one
   * colour); 120-439: a textured band moving with the frame, with 5 bits
   * of sensor noise; 440-479: a floor of 32x8 tiles */
  for (f = 0; f < N_FRAMES; f++) {
    guint8 *p = frames[f] = g_malloc (IMG_BYTES);
    for (y = 0; y < IMG_H; y++) {
      for (x = 0; x < IMG_W; x++) {
        guint r, g, b;
        if (y < 120) {
          r = 90 + y / 3;
          g = 140 + y / 4;
          b = 230 - y / 6;
        } else if (y < 440) {
          guint32 n = xorshift ();
          guint u = x + f * 6, v = y + f;
          r = ((u * 3 + v) / 7) % 160 + (n & 31);
          g = ((u ^ v) & 63) + 60 + ((n >> 5) & 31);
          b = ((v * 5 - u) / 9) % 128 + 40 + ((n >> 10) & 31);
        } else {
          gboolean dark = (((x + f * 4) / 32) + ((y - 440) / 8)) & 1;
          r = dark ? 70 : 150;
          g = dark ? 60 : 140;
          b = dark ? 50 : 120;
        }
        *p++ = r;
        *p++ = g;
        *p++ = b;
      }
    }
  }
}

/* --- messages --- */

static void
serialize (Chan * c, guint64 log_ns, GByteArray * b)
{
  static const gchar *joint_names[6] = { "shoulder_pan_joint",
    "shoulder_lift_joint", "elbow_joint", "wrist_1_joint", "wrist_2_joint",
    "wrist_3_joint"
  };
  static const gchar *tf_frames[3][2] = { {"odom", "base_link"},
  {"base_link", "cam0_optical_frame"}, {"base_link", "imu_link"}
  };
  guint64 stamp = log_ns - c->latency_ns;
  gdouble t = (stamp - START_NS) / 1e9;
  Cdr cdr;
  gint i, k;

  cdr_begin (&cdr, b);
  switch (c->kind) {
    case KIND_IMAGE:
      cdr_header (&cdr, stamp, c->frame);
      cdr_u32 (&cdr, IMG_H);
      cdr_u32 (&cdr, IMG_W);
      cdr_str (&cdr, "rgb8");
      cdr_u8 (&cdr, 0);
      cdr_u32 (&cdr, IMG_W * 3);
      cdr_u32 (&cdr, IMG_BYTES);
      g_byte_array_append (b, frames[(c->seq + c->id * 7) % N_FRAMES],
          IMG_BYTES);
      break;
    case KIND_IMU:
      cdr_header (&cdr, stamp, c->frame);
      cdr_quat (&cdr, 0.1 * t);
      cdr_cov (&cdr, 0.0001);
      cdr_vec3 (&cdr, 0.001 * sin (t), 0.002 * cos (t), 0.1);
      cdr_cov (&cdr, 0.0002);
      cdr_vec3 (&cdr, 0.05 * sin (3 * t), 0.04 * cos (2 * t), 9.81);
      cdr_cov (&cdr, 0.01);
      break;
    case KIND_JOINTS:
      cdr_header (&cdr, stamp, c->frame);
      cdr_u32 (&cdr, 6);
      for (i = 0; i < 6; i++)
        cdr_str (&cdr, joint_names[i]);
      for (k = 0; k < 3; k++) {
        cdr_u32 (&cdr, 6);
        for (i = 0; i < 6; i++)
          cdr_f64 (&cdr, (k + 1) * 0.5 * sin (t + i));
      }
      break;
    case KIND_TF:
      cdr_u32 (&cdr, 3);
      for (i = 0; i < 3; i++) {
        cdr_header (&cdr, stamp, tf_frames[i][0]);
        cdr_str (&cdr, tf_frames[i][1]);
        cdr_vec3 (&cdr, i == 0 ? 0.2 * t : 0.1 * i, 0.0, i == 0 ? 0 : 0.3);
        cdr_quat (&cdr, i == 0 ? 0.05 * t : 0.0);
      }
      break;
  }
}

/* --- chunks --- */

typedef struct
{
  guint64 log_time, offset;
} IndexEntry;

/* a chunk being filled */
typedef struct
{
  GByteArray *recs;
  guint64 start_ns, end_ns;
  GArray *index[N_CHANS];
  guint n_msgs;
} Builder;

/* a finished chunk, not yet in the file */
typedef struct
{
  GByteArray *rec;              /* the Chunk record */
  guint comp_pos, comp_len;     /* its compressed records inside rec */
  GByteArray *mi;               /* its MessageIndex records */
  guint64 mi_pos[N_CHANS];      /* each channel's record in mi, or -1 */
  guint64 start_ns, end_ns, uncompressed, compressed;
} Finished;

/* what the Chunk Index needs */
typedef struct
{
  guint64 start_ns, end_ns, pos, length, mi_pos[N_CHANS], mi_len;
  guint64 compressed, uncompressed;
} ChunkInfo;

static gint compression = COMP_NONE;
static gint zstd_level = 1;
static gsize chunk_threshold = 4096 * 1024;
static FILE *out_f, *frames_f;
static guint64 out_pos;
static GArray *chunk_infos;
static ZSTD_CCtx *zctx;

static void
write_out (FILE * f, const void *p, gsize n)
{
  if (n && fwrite (p, 1, n, f) != n) {
    fprintf (stderr, "gen-mcap: write failed: %s\n", g_strerror (errno));
    exit (1);
  }
  if (f == out_f)
    out_pos += n;
}

static void
builder_init (Builder * bld)
{
  gint i;

  memset (bld, 0, sizeof (*bld));
  bld->recs = g_byte_array_sized_new (chunk_threshold + 2 * IMG_BYTES);
  for (i = 0; i < N_CHANS; i++)
    bld->index[i] = g_array_new (FALSE, FALSE, sizeof (IndexEntry));
}

static void
schema_record (GByteArray * b, const Schema * s)
{
  guint r = rec_begin (b, OP_SCHEMA);

  put_u16 (b, s->id);
  put_str (b, s->name);
  put_str (b, "ros2msg");
  put_str (b, s->text);
  rec_end (b, r);
}

static void
channel_record (GByteArray * b, const Chan * c)
{
  guint r = rec_begin (b, OP_CHANNEL);

  put_u16 (b, c->id);
  put_u16 (b, chan_schema (c)->id);
  put_str (b, c->topic);
  put_str (b, "cdr");
  put_map1 (b, "offered_qos_profiles", c->qos);
  rec_end (b, r);
}

static void
builder_add (Builder * bld, Chan * c, guint64 log_ns)
{
  GByteArray *b = bld->recs;
  IndexEntry e;
  guint r, data_start;

  /* libmcap writes a channel's Schema and Channel into the open chunk
   * when it is added, that is before its first message */
  if (!c->written) {
    Schema *s = &schemas[c->kind];
    if (!s->written) {
      schema_record (b, s);
      s->written = TRUE;
    }
    channel_record (b, c);
    c->written = TRUE;
  }
  if (bld->n_msgs == 0)
    bld->start_ns = log_ns;
  bld->start_ns = MIN (bld->start_ns, log_ns);
  bld->end_ns = MAX (bld->end_ns, log_ns);

  e.log_time = log_ns;
  e.offset = b->len;
  g_array_append_val (bld->index[c->id - 1], e);

  r = rec_begin (b, OP_MESSAGE);
  put_u16 (b, c->id);
  put_u32 (b, c->seq);
  put_u64 (b, log_ns);
  put_u64 (b, log_ns - 50000);  /* publish_time: sent 50 us earlier */
  data_start = b->len;
  serialize (c, log_ns, b);
  rec_end (b, r);

  c->bytes += b->len - data_start;
  c->count++;
  c->seq++;
  bld->n_msgs++;
}

static Finished *
builder_finish (Builder * bld)
{
  Finished *fin = g_new0 (Finished, 1);
  GByteArray *b = bld->recs;
  const guint8 *data = b->data;
  gsize data_len = b->len;
  guint8 *z = NULL;
  guint r, i;

  if (compression == COMP_ZSTD) {
    gsize bound = ZSTD_compressBound (b->len), n;
    z = g_malloc (bound);
    n = ZSTD_compressCCtx (zctx, z, bound, b->data, b->len, zstd_level);
    if (ZSTD_isError (n)) {
      fprintf (stderr, "gen-mcap: zstd: %s\n", ZSTD_getErrorName (n));
      exit (1);
    }
    data = z;
    data_len = n;
  } else if (compression == COMP_LZ4) {
    LZ4F_preferences_t prefs;
    gsize bound, n;
    memset (&prefs, 0, sizeof (prefs));
    bound = LZ4F_compressFrameBound (b->len, &prefs);
    z = g_malloc (bound);
    n = LZ4F_compressFrame (z, bound, b->data, b->len, &prefs);
    if (LZ4F_isError (n)) {
      fprintf (stderr, "gen-mcap: lz4: %s\n", LZ4F_getErrorName (n));
      exit (1);
    }
    data = z;
    data_len = n;
  }

  fin->rec = g_byte_array_sized_new (data_len + 64);
  r = rec_begin (fin->rec, OP_CHUNK);
  put_u64 (fin->rec, bld->start_ns);
  put_u64 (fin->rec, bld->end_ns);
  put_u64 (fin->rec, b->len);
  put_u32 (fin->rec, 0);        /* uncompressed_crc: not computed */
  put_str (fin->rec, comp_names[compression]);
  put_u64 (fin->rec, data_len);
  fin->comp_pos = fin->rec->len;
  fin->comp_len = data_len;
  g_byte_array_append (fin->rec, data, data_len);
  rec_end (fin->rec, r);
  fin->start_ns = bld->start_ns;
  fin->end_ns = bld->end_ns;
  fin->uncompressed = b->len;
  fin->compressed = data_len;
  g_free (z);

  fin->mi = g_byte_array_new ();
  for (i = 0; i < N_CHANS; i++) {
    GArray *idx = bld->index[i];
    guint k;
    fin->mi_pos[i] = G_MAXUINT64;
    if (idx->len == 0)
      continue;
    fin->mi_pos[i] = fin->mi->len;
    r = rec_begin (fin->mi, OP_MESSAGE_INDEX);
    put_u16 (fin->mi, i + 1);
    put_u32 (fin->mi, idx->len * 16);
    for (k = 0; k < idx->len; k++) {
      IndexEntry *e = &g_array_index (idx, IndexEntry, k);
      put_u64 (fin->mi, e->log_time);
      put_u64 (fin->mi, e->offset);
    }
    rec_end (fin->mi, r);
    g_array_set_size (idx, 0);
  }
  g_byte_array_set_size (b, 0);
  bld->n_msgs = 0;
  return fin;
}

static void
write_finished (Finished * fin)
{
  ChunkInfo ci;
  gint i;

  ci.start_ns = fin->start_ns;
  ci.end_ns = fin->end_ns;
  ci.pos = out_pos;
  ci.length = fin->rec->len;
  ci.mi_len = fin->mi->len;
  ci.compressed = fin->compressed;
  ci.uncompressed = fin->uncompressed;
  write_out (out_f, fin->rec->data, fin->rec->len);
  for (i = 0; i < N_CHANS; i++)
    ci.mi_pos[i] = fin->mi_pos[i] == G_MAXUINT64 ? G_MAXUINT64 :
        out_pos + fin->mi_pos[i];
  write_out (out_f, fin->mi->data, fin->mi->len);
  g_array_append_val (chunk_infos, ci);
  if (frames_f)
    write_out (frames_f, fin->rec->data + fin->comp_pos, fin->comp_len);
  g_byte_array_unref (fin->rec);
  g_byte_array_unref (fin->mi);
  g_free (fin);
}

/* --- CRC-32 (ISO-HDLC, as zlib), for the summary --- */

static guint32
crc32_update (guint32 crc, const guint8 * p, gsize n)
{
  static guint32 table[256];
  gsize i;

  if (!table[1]) {
    for (i = 0; i < 256; i++) {
      guint32 c = i;
      gint k;
      for (k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  }
  crc = ~crc;
  for (i = 0; i < n; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* --- the rosbag2 metadata --- */

static gchar *
rosbag2_yaml (const gchar * file_name, guint64 start, guint64 end,
    guint64 n_msgs, gboolean placeholder)
{
  GString *s = g_string_new (NULL);
  guint64 dur = placeholder ? 0 : end - start;
  gint i;

  if (placeholder)
    start = G_MAXINT64;
  g_string_append_printf (s, "version: 9\nstorage_identifier: mcap\n"
      "duration:\n  nanoseconds: %" G_GUINT64_FORMAT "\n"
      "starting_time:\n  nanoseconds_since_epoch: %" G_GUINT64_FORMAT "\n"
      "message_count: %" G_GUINT64_FORMAT "\ntopics_with_message_count:\n",
      dur, start, placeholder ? 0 : n_msgs);
  if (placeholder)
    g_string_append (s, "  []\n");
  for (i = 0; !placeholder && i < N_CHANS; i++) {
    gchar **lines;
    gchar *qos;
    if (!chan_on (&chans[i]))
      continue;
    lines = g_strsplit (chans[i].qos, "\n", -1);
    qos = g_strjoinv ("\\n", lines);
    g_string_append_printf (s, "  - topic_metadata:\n      name: %s\n"
        "      type: %s\n      serialization_format: cdr\n"
        "      offered_qos_profiles: \"%s\"\n"
        "      type_description_hash: \"\"\n"
        "    message_count: %" G_GUINT64_FORMAT "\n", chans[i].topic,
        chan_schema (&chans[i])->name, qos, chans[i].count);
    g_free (qos);
    g_strfreev (lines);
  }
  g_string_append_printf (s, "compression_format: \"\"\n"
      "compression_mode: \"\"\nrelative_file_paths:\n  - %s\nfiles:\n"
      "  - path: %s\n    starting_time:\n"
      "      nanoseconds_since_epoch: %" G_GUINT64_FORMAT "\n"
      "    duration:\n      nanoseconds: %" G_GUINT64_FORMAT "\n"
      "    message_count: %" G_GUINT64_FORMAT "\n"
      "custom_data: ~\nros_distro: jazzy\n", file_name, file_name, start,
      dur, placeholder ? 0 : n_msgs);
  return g_string_free (s, FALSE);
}

typedef struct
{
  guint64 pos, len;
} MetaInfo;

static MetaInfo
write_metadata (const gchar * yaml)
{
  GByteArray *b = g_byte_array_new ();
  MetaInfo mi;
  guint r = rec_begin (b, OP_METADATA);

  put_str (b, "rosbag2");
  put_map1 (b, "serialized_metadata", yaml);
  rec_end (b, r);
  mi.pos = out_pos;
  mi.len = b->len;
  write_out (out_f, b->data, b->len);
  g_byte_array_unref (b);
  return mi;
}

static void
usage (const gchar * argv0)
{
  fprintf (stderr, "usage: %s OUT.mcap SIZE_MB [none|lz4|zstd] "
      "[--chunk-kb N] [--level N] [--overlap] [--overlap-span S] "
      "[--overlap-batch N] [--frames-out FILE] [--no-cameras] [--small]\n",
      argv0);
}

int
main (int argc, char **argv)
{
  const gchar *path, *frames_path = NULL;
  gchar *base;
  guint64 target, payload = 0, n_msgs = 0, t0 = G_MAXUINT64, t1 = 0;
  gboolean overlap = FALSE;
  gdouble overlap_span = 2.0;
  guint overlap_batch = 16, n_overlapping = 0, n_schemas = 0, n_chans = 0;
  Builder cam, small;
  GQueue held = G_QUEUE_INIT;
  GByteArray *b;
  MetaInfo meta[2];
  guint64 summary_start, offsets_start, groups[6][2], n_chunks;
  guint32 crc;
  gint i, r;
  guint k;

  if (argc < 3) {
    usage (argv[0]);
    return 2;
  }
  path = argv[1];
  target = (guint64) (g_ascii_strtod (argv[2], NULL) * 1024 * 1024);
  for (i = 3; i < argc; i++) {
    if (!strcmp (argv[i], "none"))
      compression = COMP_NONE;
    else if (!strcmp (argv[i], "lz4"))
      compression = COMP_LZ4;
    else if (!strcmp (argv[i], "zstd"))
      compression = COMP_ZSTD;
    else if (!strcmp (argv[i], "--chunk-kb") && i + 1 < argc)
      chunk_threshold = (gsize) atoi (argv[++i]) * 1024;
    else if (!strcmp (argv[i], "--level") && i + 1 < argc)
      zstd_level = atoi (argv[++i]);
    else if (!strcmp (argv[i], "--overlap"))
      overlap = TRUE;
    else if (!strcmp (argv[i], "--overlap-span") && i + 1 < argc)
      overlap_span = g_ascii_strtod (argv[++i], NULL);
    else if (!strcmp (argv[i], "--overlap-batch") && i + 1 < argc)
      overlap_batch = MAX (1, atoi (argv[++i]));
    else if (!strcmp (argv[i], "--frames-out") && i + 1 < argc)
      frames_path = argv[++i];
    else if (!strcmp (argv[i], "--no-cameras"))
      no_cameras = TRUE;
    else if (!strcmp (argv[i], "--small")) {
      /* gen-bag --small's shape: state topics at kHz rates */
      no_cameras = TRUE;
      chans[2].rate_hz = 1000;
      chans[3].rate_hz = 500;
      chans[4].rate_hz = 2000;
    } else {
      usage (argv[0]);
      return 2;
    }
  }
  if (chunk_threshold == 0) {
    fprintf (stderr, "gen-mcap: --chunk-kb must be > 0\n");
    return 2;
  }
  if (frames_path && compression == COMP_NONE) {
    fprintf (stderr, "gen-mcap: --frames-out needs lz4 or zstd\n");
    return 2;
  }

  make_frames ();
  zctx = ZSTD_createCCtx ();
  chunk_infos = g_array_new (FALSE, FALSE, sizeof (ChunkInfo));
  for (i = 0; i < N_CHANS; i++)
    chans[i].next_ns = START_NS + chans[i].offset_ns;

  out_f = fopen (path, "wb");
  if (!out_f) {
    fprintf (stderr, "gen-mcap: %s: %s\n", path, g_strerror (errno));
    return 1;
  }
  setvbuf (out_f, NULL, _IOFBF, 4 << 20);
  if (frames_path) {
    frames_f = fopen (frames_path, "wb");
    if (!frames_f) {
      fprintf (stderr, "gen-mcap: %s: %s\n", frames_path, g_strerror (errno));
      return 1;
    }
  }
  base = g_path_get_basename (path);

  write_out (out_f, "\x89MCAP0\r\n", 8);
  b = g_byte_array_new ();
  r = rec_begin (b, OP_HEADER);
  put_str (b, "ros2");
  put_str (b, "gst-rosbag gen-mcap");
  rec_end (b, r);
  write_out (out_f, b->data, b->len);
  {
    gchar *y = rosbag2_yaml (base, 0, 0, 0, TRUE);
    meta[0] = write_metadata (y);
    g_free (y);
  }

  builder_init (&cam);
  builder_init (&small);
  while (payload < target) {
    Chan *c = NULL;
    Builder *bld;
    guint64 ns, before;

    for (i = 0; i < N_CHANS; i++)
      if (chan_on (&chans[i]) && (!c || chans[i].next_ns < c->next_ns))
        c = &chans[i];
    ns = c->next_ns;
    t0 = MIN (t0, ns);
    t1 = MAX (t1, ns);

    bld = (overlap && !c->camera) ? &small : &cam;
    /* the small topics' chunk also closes after overlap_span seconds */
    if (bld == &small && small.n_msgs > 0
        && ns - small.start_ns >= (guint64) (overlap_span * 1e9))
      write_finished (builder_finish (&small));
    before = c->bytes;
    builder_add (bld, c, ns);
    payload += c->bytes - before;
    n_msgs++;
    /* the next one: nominal rate, up to 0.4 ms late */
    c->next_ns = START_NS + c->offset_ns +
        (guint64) c->seq * 1000000000u / c->rate_hz + xorshift () % 400000;

    if (bld->recs->len >= chunk_threshold) {
      Finished *fin = builder_finish (bld);
      if (overlap && bld == &cam) {
        g_queue_push_tail (&held, fin);
        if (held.length >= overlap_batch)
          while (!g_queue_is_empty (&held))
            write_finished (g_queue_pop_head (&held));
      } else {
        write_finished (fin);
      }
    }
  }
  if (cam.n_msgs)
    g_queue_push_tail (&held, builder_finish (&cam));
  if (small.n_msgs)
    write_finished (builder_finish (&small));
  while (!g_queue_is_empty (&held))
    write_finished (g_queue_pop_head (&held));

  {
    gchar *y = rosbag2_yaml (base, t0, t1, n_msgs, FALSE);
    meta[1] = write_metadata (y);
    g_free (y);
  }
  g_byte_array_set_size (b, 0);
  r = rec_begin (b, OP_DATA_END);
  put_u32 (b, 0);               /* data_section_crc: not computed */
  rec_end (b, r);
  write_out (out_f, b->data, b->len);

  /* the summary: schemas, channels, statistics, chunk indexes, metadata
   * indexes; groups[] holds each group's start and length */
  summary_start = out_pos;
  n_chunks = chunk_infos->len;
  g_byte_array_set_size (b, 0);
  groups[0][0] = b->len;
  for (i = 0; i < N_SCHEMAS; i++)
    if (schema_on (&schemas[i])) {
      schema_record (b, &schemas[i]);
      n_schemas++;
    }
  groups[1][0] = b->len;
  for (i = 0; i < N_CHANS; i++)
    if (chan_on (&chans[i])) {
      channel_record (b, &chans[i]);
      n_chans++;
    }
  groups[2][0] = b->len;
  r = rec_begin (b, OP_STATISTICS);
  put_u64 (b, n_msgs);
  put_u16 (b, n_schemas);
  put_u32 (b, n_chans);
  put_u32 (b, 0);               /* attachments */
  put_u32 (b, 2);               /* metadata */
  put_u32 (b, n_chunks);
  put_u64 (b, t0);
  put_u64 (b, t1);
  put_u32 (b, n_chans * 10);
  for (i = 0; i < N_CHANS; i++) {
    if (!chan_on (&chans[i]))
      continue;
    put_u16 (b, chans[i].id);
    put_u64 (b, chans[i].count);
  }
  rec_end (b, r);
  groups[3][0] = b->len;
  for (k = 0; k < chunk_infos->len; k++) {
    ChunkInfo *ci = &g_array_index (chunk_infos, ChunkInfo, k);
    guint n = 0;
    for (i = 0; i < N_CHANS; i++)
      n += ci->mi_pos[i] != G_MAXUINT64;
    r = rec_begin (b, OP_CHUNK_INDEX);
    put_u64 (b, ci->start_ns);
    put_u64 (b, ci->end_ns);
    put_u64 (b, ci->pos);
    put_u64 (b, ci->length);
    put_u32 (b, n * 10);
    for (i = 0; i < N_CHANS; i++) {
      if (ci->mi_pos[i] == G_MAXUINT64)
        continue;
      put_u16 (b, i + 1);
      put_u64 (b, ci->mi_pos[i]);
    }
    put_u64 (b, ci->mi_len);
    put_str (b, comp_names[compression]);
    put_u64 (b, ci->compressed);
    put_u64 (b, ci->uncompressed);
    rec_end (b, r);
    if (k > 0 && ci->start_ns <= (ci - 1)->end_ns)
      n_overlapping++;
  }
  groups[4][0] = b->len;
  for (i = 0; i < 2; i++) {
    r = rec_begin (b, OP_METADATA_INDEX);
    put_u64 (b, meta[i].pos);
    put_u64 (b, meta[i].len);
    put_str (b, "rosbag2");
    rec_end (b, r);
  }
  groups[5][0] = b->len;
  for (i = 0; i < 5; i++)
    groups[i][1] = groups[i + 1][0] - groups[i][0];

  offsets_start = summary_start + b->len;
  {
    static const guint8 group_ops[5] = { OP_SCHEMA, OP_CHANNEL,
      OP_STATISTICS, OP_CHUNK_INDEX, OP_METADATA_INDEX
    };
    for (i = 0; i < 5; i++) {
      r = rec_begin (b, OP_SUMMARY_OFFSET);
      put_u8 (b, group_ops[i]);
      put_u64 (b, summary_start + groups[i][0]);
      put_u64 (b, groups[i][1]);
      rec_end (b, r);
    }
  }
  /* the footer; its CRC covers the summary up to and including
   * summary_offset_start */
  put_u8 (b, OP_FOOTER);
  put_u64 (b, 8 + 8 + 4);
  put_u64 (b, summary_start);
  put_u64 (b, offsets_start);
  crc = crc32_update (0, b->data, b->len);
  put_u32 (b, crc);
  g_byte_array_append (b, (const guint8 *) "\x89MCAP0\r\n", 8);
  write_out (out_f, b->data, b->len);

  if (fclose (out_f) != 0 || (frames_f && fclose (frames_f) != 0)) {
    perror ("gen-mcap: fclose");
    return 1;
  }
  printf ("%s: %" G_GUINT64_FORMAT " messages, %.1f MB payload, %"
      G_GUINT64_FORMAT " chunks (%s%s), %.1f MB file", path, n_msgs,
      payload / 1048576.0, n_chunks,
      compression == COMP_NONE ? "none" : comp_names[compression],
      overlap ? ", overlapping" : "", out_pos / 1048576.0);
  if (no_cameras)
    printf (", no cameras");
  if (overlap)
    printf (", %u chunks start before the previous one ends", n_overlapping);
  printf ("\n");
  g_byte_array_unref (b);
  g_free (base);
  ZSTD_freeCCtx (zctx);
  return 0;
}
