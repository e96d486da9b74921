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

/* gen-bag: writes a ROS bag v2.0 of a given payload size for the
 * benchmarks, the way `rosbag record` lays one out:
 *
 *   /cam0/image_raw, /cam1/image_raw  sensor_msgs/Image 640x480 rgb8, 30 Hz
 *   /imu                              sensor_msgs/Imu, 200 Hz
 *   /joint_states                     sensor_msgs/JointState (6 joints), 100 Hz
 *
 * Messages go into chunks in receive-time order; a chunk is closed once it
 * holds more than --chunk-kb (768 KB, rosbag's default) of records, so
 * every image ends a chunk. After each chunk, one INDEX_DATA per
 * connection in it; at index_pos, every CONNECTION then every CHUNK_INFO;
 * the bag header is rewritten at the end with index_pos and the counts.
 * Connection records also appear inside the chunk that holds the
 * connection's first message, as rosbag writes them.
 *
 * Image data: a moving gradient with noise, half of it in 64-pixel
 * segments that repeat the row above, so lz4 reaches about 2:1.
 *
 * --small: a bag of small messages only, as a robot's state topics are:
 * /imu at 1 kHz, /joint_states at 500 Hz, /tf (tf2_msgs/TFMessage, 2
 * transforms) at 2 kHz; no cameras. 100 MB of payload is about 420,000
 * messages (120 s of recording).
 *
 * Chunks are uncompressed, bz2 (block size 9, as rosbag writes them) or
 * lz4 (an LZ4 frame with independent 1 MiB
 * blocks and a content checksum, as roslz4 writes them).
 *
 * Usage: gen-bag OUT.bag SIZE_MB [none|lz4|bz2] [--chunk-kb N] [--small]
 * SIZE_MB is the payload (serialized message bytes); it stops after the
 * first message past it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <lz4frame.h>
#include <bzlib.h>

#include "msgdefs.h"

#define N_CONNS 5
#define IMG_W 640
#define IMG_H 480
#define IMG_BYTES (IMG_W * IMG_H * 3)
#define N_FRAMES 16
#define START_SEC 1600000000u

typedef struct
{
  uint8_t *data;
  size_t len, alloc;
} Buf;

static void
buf_reserve (Buf * b, size_t extra)
{
  if (b->len + extra > b->alloc) {
    size_t n = b->alloc ? b->alloc : 4096;
    while (n < b->len + extra)
      n *= 2;
    b->data = realloc (b->data, n);
    if (!b->data) {
      perror ("realloc");
      exit (1);
    }
    b->alloc = n;
  }
}

static void
buf_add (Buf * b, const void *p, size_t n)
{
  buf_reserve (b, n);
  memcpy (b->data + b->len, p, n);
  b->len += n;
}

static void
buf_u8 (Buf * b, uint8_t v)
{
  buf_add (b, &v, 1);
}

static void
buf_u32 (Buf * b, uint32_t v)
{
  uint8_t x[4] = { v, v >> 8, v >> 16, v >> 24 };
  buf_add (b, x, 4);
}

static void
buf_u64 (Buf * b, uint64_t v)
{
  buf_u32 (b, (uint32_t) v);
  buf_u32 (b, (uint32_t) (v >> 32));
}

static void
buf_f64 (Buf * b, double v)
{
  uint64_t u;
  memcpy (&u, &v, 8);
  buf_u64 (b, u);
}

static void
buf_str (Buf * b, const char *s)
{
  buf_u32 (b, strlen (s));
  buf_add (b, s, strlen (s));
}

static void
put_u32 (uint8_t * p, uint32_t v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

/* record header fields: u32 len, name=value */
static void
field (Buf * h, const char *name, const void *val, size_t n)
{
  buf_u32 (h, strlen (name) + 1 + n);
  buf_add (h, name, strlen (name));
  buf_u8 (h, '=');
  buf_add (h, val, n);
}

static void
field_u8 (Buf * h, const char *name, uint8_t v)
{
  field (h, name, &v, 1);
}

static void
field_u32 (Buf * h, const char *name, uint32_t v)
{
  uint8_t x[4];
  put_u32 (x, v);
  field (h, name, x, 4);
}

static void
field_u64 (Buf * h, const char *name, uint64_t v)
{
  uint8_t x[8];
  put_u32 (x, (uint32_t) v);
  put_u32 (x + 4, (uint32_t) (v >> 32));
  field (h, name, x, 8);
}

static void
field_time (Buf * h, const char *name, uint64_t ns)
{
  uint8_t x[8];
  put_u32 (x, (uint32_t) (ns / 1000000000u));
  put_u32 (x + 4, (uint32_t) (ns % 1000000000u));
  field (h, name, x, 8);
}

static void
field_str (Buf * h, const char *name, const char *s)
{
  field (h, name, s, strlen (s));
}

/* a record: header, then data */
static void
record (Buf * out, const Buf * h, const void *data, size_t n)
{
  buf_u32 (out, h->len);
  buf_add (out, h->data, h->len);
  buf_u32 (out, n);
  buf_add (out, data, n);
}

typedef struct
{
  uint32_t id;
  const char *topic, *type, *md5, *def;
  uint64_t period_ns, offset_ns;
  /* per chunk */
  Buf index;                    /* (time, offset) entries */
  uint32_t n_in_chunk;
  /* whole bag */
  int written_conn;
  uint64_t next_ns;
  uint32_t seq;
} Conn;

typedef struct
{
  uint64_t pos, start_ns, end_ns;
  uint32_t counts[N_CONNS];
} ChunkInfo;

static Conn conns[N_CONNS] = {
  {0, "/cam0/image_raw", MSGDEF_IMAGE_TYPE, MSGDEF_IMAGE_MD5,
      MSGDEF_IMAGE_TEXT, 1000000000ull / 30, 0, {0}},
  {1, "/cam1/image_raw", MSGDEF_IMAGE_TYPE, MSGDEF_IMAGE_MD5,
      MSGDEF_IMAGE_TEXT, 1000000000ull / 30, 5000000, {0}},
  {2, "/imu", MSGDEF_IMU_TYPE, MSGDEF_IMU_MD5, MSGDEF_IMU_TEXT,
      5000000, 1000000, {0}},
  {3, "/joint_states", MSGDEF_JOINTSTATE_TYPE, MSGDEF_JOINTSTATE_MD5,
      MSGDEF_JOINTSTATE_TEXT, 10000000, 2000000, {0}},
  {4, "/tf", MSGDEF_TFMESSAGE_TYPE, MSGDEF_TFMESSAGE_MD5,
      MSGDEF_TFMESSAGE_TEXT, 0, 3000000, {0}},
};

/* the connections in the bag: all but /tf by default; --small: /imu at 1
 * kHz, /joint_states at 500 Hz, /tf (2 transforms) at 2 kHz, no cameras */
static int conn_on[N_CONNS] = { 1, 1, 1, 1, 0 };

static uint8_t *frames[N_FRAMES];

static void
make_frames (void)
{
  uint32_t s = 0x12345678;
  int f, x, y, k;

  /* a gradient that moves per frame with sensor noise, in segments of 64
   * pixels; half the segments repeat the row above (lz4 finds long
   * matches there, literals elsewhere: about 2:1 overall) */
  for (f = 0; f < N_FRAMES; f++) {
    uint8_t *p = frames[f] = malloc (IMG_BYTES);
    for (y = 0; y < IMG_H; y++) {
      for (x = 0; x < IMG_W; x += 64) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        if (y > 0 && (s & 1)) {
          memcpy (p, p - IMG_W * 3, 64 * 3);
          p += 64 * 3;
          continue;
        }
        for (k = 0; k < 64; k++) {
          s ^= s << 13;
          s ^= s >> 17;
          s ^= s << 5;
          *p++ = (x + k + f * 8) / 3 + (s & 15);
          *p++ = (y + f * 4) / 2 + ((s >> 4) & 15);
          *p++ = (x + k + y) / 5 + ((s >> 8) & 15);
        }
      }
    }
  }
}

static void
header_msg (Buf * m, uint32_t seq, uint64_t ns, const char *frame)
{
  buf_u32 (m, seq);
  buf_u32 (m, (uint32_t) (ns / 1000000000u));
  buf_u32 (m, (uint32_t) (ns % 1000000000u));
  buf_str (m, frame);
}

static void
serialize (Conn * c, uint64_t ns, Buf * m)
{
  int i;

  m->len = 0;
  switch (c->id) {
    case 0:
    case 1:
      header_msg (m, c->seq, ns, c->id ? "cam1" : "cam0");
      buf_u32 (m, IMG_H);
      buf_u32 (m, IMG_W);
      buf_str (m, "rgb8");
      buf_u8 (m, 0);
      buf_u32 (m, IMG_W * 3);
      buf_u32 (m, IMG_BYTES);
      buf_add (m, frames[(c->seq + c->id * 7) % N_FRAMES], IMG_BYTES);
      break;
    case 2:
      header_msg (m, c->seq, ns, "imu_link");
      /* orientation, covariance, angular velocity, covariance, linear
       * acceleration, covariance */
      for (i = 0; i < 4; i++)
        buf_f64 (m, i == 3 ? 1.0 : 0.001 * (c->seq % 100));
      for (i = 0; i < 9; i++)
        buf_f64 (m, i % 4 == 0 ? 0.01 : 0.0);
      for (i = 0; i < 3; i++)
        buf_f64 (m, 0.1 * i + 0.0001 * c->seq);
      for (i = 0; i < 9; i++)
        buf_f64 (m, i % 4 == 0 ? 0.02 : 0.0);
      for (i = 0; i < 3; i++)
        buf_f64 (m, i == 2 ? 9.81 : 0.01 * i);
      for (i = 0; i < 9; i++)
        buf_f64 (m, i % 4 == 0 ? 0.03 : 0.0);
      break;
    case 3:{
      static const char *names[6] = { "shoulder_pan", "shoulder_lift",
        "elbow", "wrist_1", "wrist_2", "wrist_3"
      };
      int k;
      header_msg (m, c->seq, ns, "");
      buf_u32 (m, 6);
      for (i = 0; i < 6; i++)
        buf_str (m, names[i]);
      for (k = 0; k < 3; k++) {
        buf_u32 (m, 6);
        for (i = 0; i < 6; i++)
          buf_f64 (m, 0.001 * (c->seq + i * 10 + k));
      }
      break;
    }
    case 4:{
      static const char *frames_[2][2] = { {"odom", "base_link"},
      {"base_link", "tool0"}
      };
      buf_u32 (m, 2);
      for (i = 0; i < 2; i++) {
        int k;
        header_msg (m, c->seq, ns, frames_[i][0]);
        buf_str (m, frames_[i][1]);
        for (k = 0; k < 3; k++)
          buf_f64 (m, 0.01 * (c->seq % 1000) + i + k);
        for (k = 0; k < 4; k++)
          buf_f64 (m, k == 3 ? 1.0 : 0.0001 * (c->seq % 100));
      }
      break;
    }
  }
}

static void
conn_record (Buf * out, Conn * c)
{
  Buf h = { 0 }, d = { 0 };

  field_u8 (&h, "op", 0x07);
  field_u32 (&h, "conn", c->id);
  field_str (&h, "topic", c->topic);
  field_str (&d, "topic", c->topic);
  field_str (&d, "type", c->type);
  field_str (&d, "md5sum", c->md5);
  field_str (&d, "message_definition", c->def);
  field_str (&d, "callerid", "/gen_bag");
  field_str (&d, "latching", "0");
  record (out, &h, d.data, d.len);
  free (h.data);
  free (d.data);
}

static FILE *out_f;
static uint64_t out_pos;

static void
write_out (const void *p, size_t n)
{
  if (fwrite (p, 1, n, out_f) != n) {
    fprintf (stderr, "gen-bag: write failed: %s\n", strerror (errno));
    exit (1);
  }
  out_pos += n;
}

static void
bag_header (uint64_t index_pos, uint32_t n_conns, uint32_t n_chunks)
{
  Buf h = { 0 }, r = { 0 };
  char pad[4096];
  size_t data_len;

  field_u8 (&h, "op", 0x03);
  field_u64 (&h, "index_pos", index_pos);
  field_u32 (&h, "conn_count", n_conns);
  field_u32 (&h, "chunk_count", n_chunks);
  /* rosbag pads header + data to 4096 bytes */
  data_len = 4096 - h.len;
  memset (pad, ' ', sizeof (pad));
  record (&r, &h, pad, data_len);
  write_out (r.data, r.len);
  free (h.data);
  free (r.data);
}

int
main (int argc, char **argv)
{
  const char *path;
  uint64_t target, payload = 0, n_msgs = 0;
  int lz4 = 0, i;
  size_t threshold = 768 * 1024;
  Buf chunk = { 0 }, msg = { 0 }, rec = { 0 }, z = { 0 }, h = { 0 };
  ChunkInfo *infos = NULL;
  size_t n_infos = 0, alloc_infos = 0;
  ChunkInfo cur;
  uint64_t index_pos;
  LZ4F_preferences_t prefs;

  if (argc < 3) {
    fprintf (stderr, "usage: %s OUT.bag SIZE_MB [none|lz4|bz2] "
        "[--chunk-kb N] [--small]\n", argv[0]);
    return 2;
  }
  path = argv[1];
  target = (uint64_t) (atof (argv[2]) * 1024 * 1024);
  for (i = 3; i < argc; i++) {
    if (!strcmp (argv[i], "lz4"))
      lz4 = 1;
    else if (!strcmp (argv[i], "bz2"))
      lz4 = 2;
    else if (!strcmp (argv[i], "none"))
      lz4 = 0;
    else if (!strcmp (argv[i], "--chunk-kb") && i + 1 < argc)
      threshold = (size_t) atoi (argv[++i]) * 1024;
    else if (!strcmp (argv[i], "--small")) {
      conn_on[0] = conn_on[1] = 0;
      conn_on[4] = 1;
      conns[2].period_ns = 1000000;
      conns[3].period_ns = 2000000;
      conns[4].period_ns = 500000;
    } else {
      fprintf (stderr, "gen-bag: unknown argument %s\n", argv[i]);
      return 2;
    }
  }

  memset (&prefs, 0, sizeof (prefs));
  prefs.frameInfo.blockSizeID = LZ4F_max1MB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.compressionLevel = 0;

  make_frames ();
  for (i = 0; i < N_CONNS; i++)
    conns[i].next_ns = conn_on[i] ?
        (uint64_t) START_SEC *1000000000u + conns[i].offset_ns : UINT64_MAX;

  out_f = fopen (path, "wb");
  if (!out_f) {
    fprintf (stderr, "gen-bag: %s: %s\n", path, strerror (errno));
    return 1;
  }
  setvbuf (out_f, NULL, _IOFBF, 4 << 20);
  write_out ("#ROSBAG V2.0\n", 13);
  bag_header (0, 0, 0);

  memset (&cur, 0, sizeof (cur));
  while (payload < target || chunk.len > 0) {
    int done = payload >= target;

    if (!done) {
      /* the next message in time order */
      Conn *c = &conns[0];
      uint64_t ns;
      for (i = 1; i < N_CONNS; i++)
        if (conns[i].next_ns < c->next_ns)
          c = &conns[i];
      ns = c->next_ns;

      if (chunk.len == 0) {
        cur.pos = out_pos;
        cur.start_ns = ns;
      }
      if (!c->written_conn) {
        conn_record (&chunk, c);
        c->written_conn = 1;
      }
      serialize (c, ns, &msg);
      h.len = 0;
      field_u8 (&h, "op", 0x02);
      field_u32 (&h, "conn", c->id);
      field_time (&h, "time", ns);
      buf_u32 (&c->index, (uint32_t) (ns / 1000000000u));
      buf_u32 (&c->index, (uint32_t) (ns % 1000000000u));
      buf_u32 (&c->index, chunk.len);
      c->n_in_chunk++;
      cur.counts[c->id]++;
      cur.end_ns = ns;
      record (&chunk, &h, msg.data, msg.len);
      payload += msg.len;
      n_msgs++;
      c->seq++;
      c->next_ns = (uint64_t) START_SEC *1000000000u + c->offset_ns +
          c->seq * c->period_ns;
    }

    if (chunk.len > threshold || (done && chunk.len > 0)) {
      const uint8_t *data = chunk.data;
      size_t data_len = chunk.len;

      if (lz4 == 2) {
        unsigned int n = chunk.len + chunk.len / 100 + 600;
        int r;
        buf_reserve (&z, n);
        /* as rosbag writes them: block size 9, work factor 30 */
        r = BZ2_bzBuffToBuffCompress ((char *) z.data, &n,
            (char *) chunk.data, chunk.len, 9, 0, 30);
        if (r != BZ_OK) {
          fprintf (stderr, "gen-bag: bz2: error %d\n", r);
          return 1;
        }
        data = z.data;
        data_len = n;
      } else if (lz4) {
        size_t bound = LZ4F_compressFrameBound (chunk.len, &prefs);
        size_t n;
        buf_reserve (&z, bound);
        n = LZ4F_compressFrame (z.data, bound, chunk.data, chunk.len, &prefs);
        if (LZ4F_isError (n)) {
          fprintf (stderr, "gen-bag: lz4: %s\n", LZ4F_getErrorName (n));
          return 1;
        }
        data = z.data;
        data_len = n;
      }
      h.len = 0;
      rec.len = 0;
      field_u8 (&h, "op", 0x05);
      field_str (&h, "compression", lz4 == 2 ? "bz2" : lz4 ? "lz4" : "none");
      field_u32 (&h, "size", chunk.len);
      buf_u32 (&rec, h.len);
      buf_add (&rec, h.data, h.len);
      buf_u32 (&rec, data_len);
      write_out (rec.data, rec.len);
      write_out (data, data_len);

      rec.len = 0;
      for (i = 0; i < N_CONNS; i++) {
        Conn *c = &conns[i];
        if (!c->n_in_chunk)
          continue;
        h.len = 0;
        field_u8 (&h, "op", 0x04);
        field_u32 (&h, "ver", 1);
        field_u32 (&h, "conn", c->id);
        field_u32 (&h, "count", c->n_in_chunk);
        record (&rec, &h, c->index.data, c->index.len);
        c->index.len = 0;
        c->n_in_chunk = 0;
      }
      write_out (rec.data, rec.len);

      if (n_infos == alloc_infos) {
        alloc_infos = alloc_infos ? alloc_infos * 2 : 1024;
        infos = realloc (infos, alloc_infos * sizeof (ChunkInfo));
      }
      infos[n_infos++] = cur;
      memset (&cur, 0, sizeof (cur));
      chunk.len = 0;
    }
  }

  /* the index */
  index_pos = out_pos;
  rec.len = 0;
  for (i = 0; i < N_CONNS; i++)
    if (conn_on[i])
      conn_record (&rec, &conns[i]);
  for (size_t k = 0; k < n_infos; k++) {
    ChunkInfo *ci = &infos[k];
    uint32_t n = 0;
    Buf d = { 0 };
    for (i = 0; i < N_CONNS; i++) {
      if (ci->counts[i]) {
        buf_u32 (&d, i);
        buf_u32 (&d, ci->counts[i]);
        n++;
      }
    }
    h.len = 0;
    field_u8 (&h, "op", 0x06);
    field_u32 (&h, "ver", 1);
    field_u64 (&h, "chunk_pos", ci->pos);
    field_time (&h, "start_time", ci->start_ns);
    field_time (&h, "end_time", ci->end_ns);
    field_u32 (&h, "count", n);
    record (&rec, &h, d.data, d.len);
    free (d.data);
  }
  write_out (rec.data, rec.len);

  if (fseek (out_f, 13, SEEK_SET) != 0) {
    perror ("fseek");
    return 1;
  }
  bag_header (index_pos, conn_on[0] + conn_on[1] + conn_on[2] + conn_on[3] +
      conn_on[4], n_infos);
  if (fclose (out_f) != 0) {
    perror ("fclose");
    return 1;
  }
  printf ("%s: %llu messages, %.1f MB payload, %zu chunks (%s), "
      "%.1f MB file\n", path, (unsigned long long) n_msgs,
      payload / 1048576.0, n_infos, lz4 ? "lz4" : "none",
      (index_pos + rec.len) / 1048576.0);
  return 0;
}
