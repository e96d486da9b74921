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

/* Robustness of the MCAP reading on damaged input, through the public
 * API only (recording, reader, stream parser).
 *
 * The test writes its own small MCAP file (write_mcap() below: four
 * chunks out of time order on two channels, channel records inside and
 * outside chunks, a message outside chunks, an attachment, metadata, a
 * private record, message indexes and a full summary), so it knows where
 * every message lies. The messages read from the intact file are checked
 * against what was written, but correctness against independent readers
 * is the job of mcap_conformance and mcap_reference; here:
 * - truncation: every prefix opens or fails with a GST_ROSBAG_ERROR,
 *   reading ends, every message of a chunk (or a message record) complete
 *   in the prefix comes out of the reader and out of the stream parser,
 *   and nothing that is not in the intact file;
 * - corruption: every byte changed (five ways in turn): no crash, no hang,
 *   errors are GST_ROSBAG_ERRORs, nothing comes out that was not written
 *   unless the change hit message bytes;
 * - hostile files: a chunk claiming 2^62 decompressed bytes (none, lz4
 *   and zstd frames), an unknown compression, bad and zero CRCs, a bad
 *   summary CRC, a channel with an unknown schema id, records and chunks
 *   whose length runs past the end of the file, index entries pointing
 *   elsewhere; each with what must still come out.
 * The fixtures in tests/files/mcap (when present) get truncation and
 * corruption sweeps at a stride.
 * Set ROSBAG_TEST_STRIDE_SCALE=N to test every N-th case only (valgrind). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-recording.h>
#include <gst/rosbag/rosbag-reader.h>
#include <gst/rosbag/rosbag-stream.h>
#include "rosbag-test-util.h"

#define MCAP_FIXTURES TEST_FILES_DIR "/mcap"
#define N_CHUNKS 4

/* ---- a minimal MCAP writer ---- */

enum
{
  OP_HEADER = 1, OP_FOOTER, OP_SCHEMA, OP_CHANNEL, OP_MESSAGE, OP_CHUNK,
  OP_MESSAGE_INDEX, OP_CHUNK_INDEX, OP_ATTACHMENT, OP_ATTACHMENT_INDEX,
  OP_STATISTICS, OP_METADATA, OP_METADATA_INDEX, OP_SUMMARY_OFFSET,
  OP_DATA_END
};

static const guint8 magic[8] = { 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n' };

static guint32
crc32 (const guint8 * d, gsize n)
{
  guint32 c = 0xffffffff;
  gsize i;
  gint k;

  for (i = 0; i < n; i++) {
    c ^= d[i];
    for (k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c;
}

static void
put (GByteArray * b, const void *d, gsize n)
{
  g_byte_array_append (b, d, n);
}

static void
put_u8 (GByteArray * b, guint8 v)
{
  put (b, &v, 1);
}

static void
put_u16 (GByteArray * b, guint16 v)
{
  v = GUINT16_TO_LE (v);
  put (b, &v, 2);
}

static void
put_u32 (GByteArray * b, guint32 v)
{
  v = GUINT32_TO_LE (v);
  put (b, &v, 4);
}

static void
put_u64 (GByteArray * b, guint64 v)
{
  v = GUINT64_TO_LE (v);
  put (b, &v, 8);
}

static void
put_str (GByteArray * b, const gchar * s)
{
  put_u32 (b, strlen (s));
  put (b, s, strlen (s));
}

static void
set_u64 (guint8 * p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint64
get_u64 (const guint8 * p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

/* opens a record; returns where its content starts */
static guint
rec_begin (GByteArray * b, guint8 op)
{
  put_u8 (b, op);
  put_u64 (b, 0);
  return b->len;
}

static void
rec_end (GByteArray * b, guint start)
{
  set_u64 (b->data + start - 8, b->len - start);
}

/* an LZ4 frame of stored blocks (flags 0x60: v1, independent blocks; BD
 * 0x40: 64 KB blocks; 0x82 the header checksum of those two bytes) */
static GByteArray *
lz4_stored (const guint8 * d, gsize n)
{
  GByteArray *o = g_byte_array_new ();
  static const guint8 hdr[] = { 0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82 };
  gsize i;

  put (o, hdr, sizeof (hdr));
  for (i = 0; i < n; i += 65536) {
    gsize k = MIN (65536, n - i);

    put_u32 (o, k | 0x80000000u);
    put (o, d + i, k);
  }
  put_u32 (o, 0);
  return o;
}

/* a zstd frame of raw blocks, single segment, with an 8-byte content
 * size */
static GByteArray *
zstd_stored (const guint8 * d, gsize n)
{
  GByteArray *o = g_byte_array_new ();
  static const guint8 hdr[] = { 0x28, 0xb5, 0x2f, 0xfd, 0xe0 };
  gsize i = 0;

  put (o, hdr, sizeof (hdr));
  put_u64 (o, n);
  do {
    gsize k = MIN (65536, n - i);
    guint32 bh = (k << 3) | (i + k >= n ? 1 : 0);

    put_u8 (o, bh & 0xff);
    put_u8 (o, (bh >> 8) & 0xff);
    put_u8 (o, (bh >> 16) & 0xff);
    put (o, d + i, k);
    i += k;
  } while (i < n);
  return o;
}

typedef struct
{
  /* per chunk: compression name (NULL: "", stored as the name says for
   * "lz4" and "zstd", raw for anything else), a claimed decompressed
   * size (0: the real one), a wrong CRC */
  const gchar *compression[N_CHUNKS];
  guint64 claim_size[N_CHUNKS];
  gboolean bad_crc[N_CHUNKS];
  gboolean zero_crc;            /* every CRC 0 (not computed) */
  gboolean no_summary;
  guint16 ch2_schema;           /* schema id of channel 2 (0: none) */
} Opts;

typedef struct
{
  GBytes *bytes;
  GPtrArray *file_order;        /* lines in file order */
  GPtrArray *time_order;        /* the same, stable-sorted by log time */
  GArray *end;                  /* guint64 per file_order line: where the
                                 * chunk or record holding it ends */
  GArray *chunk;                /* gint per file_order line: chunk or -1 */
  guint64 chunk_pos[N_CHUNKS], chunk_end[N_CHUNKS];
  guint64 chunk_index_pos[N_CHUNKS];    /* ChunkIndex records */
  guint64 loose_msg_pos, metadata_pos, channel2_pos, summary_start;
  guint64 footer_pos;
} Mcap;

typedef struct
{
  guint16 ch;
  guint64 t;
  gchar *line;
  guint64 log;
} Written;

static gchar *
make_line (const gchar * topic, guint32 ch, guint64 log, guint64 pub,
    guint32 seq, const guint8 * data, gsize size)
{
  return g_strdup_printf ("%s ch%u log=%" G_GUINT64_FORMAT " pub=%"
      G_GUINT64_FORMAT " seq=%u len=%u crc=%08x", topic, ch, log, pub, seq,
      (guint) size, crc32 (data, size));
}

static gint
cmp_log (gconstpointer a, gconstpointer b)
{
  const Written *wa = a, *wb = b;

  return wa->log < wb->log ? -1 : wa->log > wb->log;
}

static const gchar *
topic_of (guint16 ch)
{
  return ch == 1 ? "/chatter" : "/raw";
}

typedef struct
{
  GByteArray *out;
  GByteArray *recs;             /* the open chunk's records */
  GArray *idx[3];               /* per channel: (log time, offset) pairs */
  guint64 tmin, tmax;
  guint n_open;                 /* written lines of the open chunk */
  guint seq;
  GArray *written;              /* Written, file order */
  guint64 counts[3];
  guint64 all_min, all_max;
} W;

static void
w_message (W * w, GByteArray * into, guint16 ch, guint64 t_ms)
{
  guint64 log = t_ms * 1000000 + 7, pub = log - 3;
  guint i, len = 10 + (w->seq * 37) % 90;
  guint8 data[128];
  guint s;
  Written wr;

  for (i = 0; i < len; i++)
    data[i] = (guint8) (w->seq * 31 + i);
  if (w->recs == into) {
    guint64 e[2] = { GUINT64_TO_LE (log), GUINT64_TO_LE (into->len) };

    g_array_append_vals (w->idx[ch], e, 2);
    w->tmin = MIN (w->tmin, log);
    w->tmax = MAX (w->tmax, log);
    w->n_open++;
  }
  s = rec_begin (into, OP_MESSAGE);
  put_u16 (into, ch);
  put_u32 (into, w->seq);
  put_u64 (into, log);
  put_u64 (into, pub);
  put (into, data, len);
  rec_end (into, s);
  wr.ch = ch;
  wr.t = t_ms;
  wr.log = log;
  wr.line = make_line (topic_of (ch), ch, log, pub, w->seq, data, len);
  g_array_append_val (w->written, wr);
  w->counts[ch]++;
  w->all_min = MIN (w->all_min, log);
  w->all_max = MAX (w->all_max, log);
  w->seq++;
}

static void
w_schema (GByteArray * b)
{
  guint s = rec_begin (b, OP_SCHEMA);

  put_u16 (b, 1);
  put_str (b, "std_msgs/msg/String");
  put_str (b, "ros2msg");
  put_str (b, "string data\n");
  rec_end (b, s);
}

static void
w_channel (GByteArray * b, guint16 id, guint16 schema)
{
  guint s = rec_begin (b, OP_CHANNEL);

  put_u16 (b, id);
  put_u16 (b, schema);
  put_str (b, topic_of (id));
  put_str (b, id == 1 ? "cdr" : "text");
  if (id == 1) {
    put_u32 (b, 0);
  } else {
    put_u32 (b, 4 + 1 + 4 + 1);
    put_str (b, "k");
    put_str (b, "v");
  }
  rec_end (b, s);
}

typedef struct
{
  guint64 start, end, pos, len, mx_pos[3], mx_len, csize, usize;
  const gchar *comp;
} ChunkInfo;

static void
w_close_chunk (W * w, const Opts * o, guint k, Mcap * m, ChunkInfo * ci,
    gint * line_chunk, guint64 * line_end)
{
  GByteArray *stored = NULL;
  const gchar *comp = o->compression[k] ? o->compression[k] : "";
  const guint8 *sd = w->recs->data;
  gsize sn = w->recs->len;
  guint32 crc = o->zero_crc ? 0 : crc32 (w->recs->data, w->recs->len);
  guint s, ch, i;
  guint64 mx_start;

  if (strcmp (comp, "lz4") == 0)
    stored = lz4_stored (sd, sn);
  else if (strcmp (comp, "zstd") == 0)
    stored = zstd_stored (sd, sn);
  if (stored) {
    sd = stored->data;
    sn = stored->len;
  }
  if (o->bad_crc[k])
    crc ^= 0x00100000;
  ci->pos = m->chunk_pos[k] = w->out->len;
  s = rec_begin (w->out, OP_CHUNK);
  put_u64 (w->out, w->tmin);
  put_u64 (w->out, w->tmax);
  ci->usize = o->claim_size[k] ? o->claim_size[k] : w->recs->len;
  put_u64 (w->out, ci->usize);
  put_u32 (w->out, crc);
  put_str (w->out, comp);
  put_u64 (w->out, sn);
  put (w->out, sd, sn);
  rec_end (w->out, s);
  m->chunk_end[k] = w->out->len;
  ci->len = w->out->len - ci->pos;
  ci->start = w->tmin;
  ci->end = w->tmax;
  ci->csize = sn;
  ci->comp = comp;
  mx_start = w->out->len;
  for (ch = 1; ch <= 2; ch++) {
    ci->mx_pos[ch] = 0;
    if (w->idx[ch]->len == 0)
      continue;
    ci->mx_pos[ch] = w->out->len;
    s = rec_begin (w->out, OP_MESSAGE_INDEX);
    put_u16 (w->out, ch);
    put_u32 (w->out, w->idx[ch]->len * 8);
    put (w->out, w->idx[ch]->data, w->idx[ch]->len * 8);
    rec_end (w->out, s);
    g_array_set_size (w->idx[ch], 0);
  }
  ci->mx_len = w->out->len - mx_start;
  for (i = w->written->len - w->n_open; i < w->written->len; i++) {
    line_chunk[i] = k;
    line_end[i] = m->chunk_end[k];
  }
  if (stored)
    g_byte_array_unref (stored);
  g_byte_array_set_size (w->recs, 0);
  w->tmin = G_MAXUINT64;
  w->tmax = 0;
  w->n_open = 0;
}

/* the chunks' messages: (chunk, channel, time in ms) */
static const struct
{
  guint chunk;
  guint16 ch;
  guint64 t;
} plan[] = {
  {0, 1, 50}, {0, 1, 60}, {0, 1, 55},
  {1, 1, 10}, {1, 2, 20}, {1, 1, 30},
  {2, 2, 25}, {2, 1, 35},
  {3, 1, 40}, {3, 2, 90}, {3, 1, 5}, {3, 2, 5},
};

static Mcap *
write_mcap (const Opts * o)
{
  W w = { 0, };
  Mcap *m = g_new0 (Mcap, 1);
  ChunkInfo ci[N_CHUNKS];
  gint line_chunk[64];
  guint64 line_end[64];
  guint s, i, p = 0, k, ch;
  guint64 att_pos = 0, att_len = 0, meta_len = 0, groups[8][3];
  guint n_groups = 0;
  GArray *sorted;

  w.out = g_byte_array_new ();
  w.recs = g_byte_array_new ();
  for (ch = 0; ch < 3; ch++)
    w.idx[ch] = g_array_new (FALSE, FALSE, sizeof (guint64));
  w.written = g_array_new (FALSE, FALSE, sizeof (Written));
  w.tmin = w.all_min = G_MAXUINT64;

  put (w.out, magic, 8);
  s = rec_begin (w.out, OP_HEADER);
  put_str (w.out, "ros2");
  put_str (w.out, "mcap_robustness");
  rec_end (w.out, s);

  for (k = 0; k < N_CHUNKS; k++) {
    if (k == 0) {
      w_schema (w.recs);
      w_channel (w.recs, 1, 1);
    }
    for (; p < G_N_ELEMENTS (plan) && plan[p].chunk == k; p++)
      w_message (&w, w.recs, plan[p].ch, plan[p].t);
    w_close_chunk (&w, o, k, m, &ci[k], line_chunk, line_end);
    if (k == 0) {
      /* channel 2 outside chunks, an attachment, a private record */
      m->channel2_pos = w.out->len;
      w_channel (w.out, 2, o->ch2_schema);
      att_pos = w.out->len;
      s = rec_begin (w.out, OP_ATTACHMENT);
      put_u64 (w.out, 7);
      put_u64 (w.out, 6);
      put_str (w.out, "a.txt");
      put_str (w.out, "text/plain");
      put_u64 (w.out, 4);
      put (w.out, "k=1\n", 4);
      put_u32 (w.out, o->zero_crc ? 0 : crc32 (w.out->data + s,
              w.out->len - s));
      rec_end (w.out, s);
      att_len = w.out->len - att_pos;
      s = rec_begin (w.out, 0x80);
      put (w.out, "private", 7);
      rec_end (w.out, s);
    } else if (k == 1) {
      /* a message outside chunks, then metadata */
      m->loose_msg_pos = w.out->len;
      w_message (&w, w.out, 2, 33);
      line_chunk[w.written->len - 1] = -1;
      line_end[w.written->len - 1] = w.out->len;
      m->metadata_pos = w.out->len;
      s = rec_begin (w.out, OP_METADATA);
      put_str (w.out, "meta");
      put_u32 (w.out, 4 + 1 + 4 + 1);
      put_str (w.out, "a");
      put_str (w.out, "b");
      rec_end (w.out, s);
      meta_len = w.out->len - m->metadata_pos;
    }
  }
  s = rec_begin (w.out, OP_DATA_END);
  put_u32 (w.out, o->zero_crc ? 0 : crc32 (w.out->data, w.out->len - 9));
  rec_end (w.out, s);

  /* the summary */
  m->summary_start = o->no_summary ? 0 : w.out->len;
  if (!o->no_summary) {
    guint64 g = w.out->len;

    w_schema (w.out);
    groups[n_groups][0] = OP_SCHEMA;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
    g = w.out->len;
    w_channel (w.out, 1, 1);
    w_channel (w.out, 2, o->ch2_schema);
    groups[n_groups][0] = OP_CHANNEL;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
    g = w.out->len;
    s = rec_begin (w.out, OP_STATISTICS);
    put_u64 (w.out, w.written->len);
    put_u16 (w.out, 1);
    put_u32 (w.out, 2);
    put_u32 (w.out, 1);
    put_u32 (w.out, 1);
    put_u32 (w.out, N_CHUNKS);
    put_u64 (w.out, w.all_min);
    put_u64 (w.out, w.all_max);
    put_u32 (w.out, 2 * 10);
    for (ch = 1; ch <= 2; ch++) {
      put_u16 (w.out, ch);
      put_u64 (w.out, w.counts[ch]);
    }
    rec_end (w.out, s);
    groups[n_groups][0] = OP_STATISTICS;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
    g = w.out->len;
    for (k = 0; k < N_CHUNKS; k++) {
      guint n_mx = 0;

      m->chunk_index_pos[k] = w.out->len;
      s = rec_begin (w.out, OP_CHUNK_INDEX);
      put_u64 (w.out, ci[k].start);
      put_u64 (w.out, ci[k].end);
      put_u64 (w.out, ci[k].pos);
      put_u64 (w.out, ci[k].len);
      for (ch = 1; ch <= 2; ch++)
        n_mx += ci[k].mx_pos[ch] != 0;
      put_u32 (w.out, n_mx * 10);
      for (ch = 1; ch <= 2; ch++) {
        if (ci[k].mx_pos[ch] == 0)
          continue;
        put_u16 (w.out, ch);
        put_u64 (w.out, ci[k].mx_pos[ch]);
      }
      put_u64 (w.out, ci[k].mx_len);
      put_str (w.out, ci[k].comp);
      put_u64 (w.out, ci[k].csize);
      put_u64 (w.out, ci[k].usize);
      rec_end (w.out, s);
    }
    groups[n_groups][0] = OP_CHUNK_INDEX;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
    g = w.out->len;
    s = rec_begin (w.out, OP_ATTACHMENT_INDEX);
    put_u64 (w.out, att_pos);
    put_u64 (w.out, att_len);
    put_u64 (w.out, 7);
    put_u64 (w.out, 6);
    put_u64 (w.out, 4);
    put_str (w.out, "a.txt");
    put_str (w.out, "text/plain");
    rec_end (w.out, s);
    groups[n_groups][0] = OP_ATTACHMENT_INDEX;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
    g = w.out->len;
    s = rec_begin (w.out, OP_METADATA_INDEX);
    put_u64 (w.out, m->metadata_pos);
    put_u64 (w.out, meta_len);
    put_str (w.out, "meta");
    rec_end (w.out, s);
    groups[n_groups][0] = OP_METADATA_INDEX;
    groups[n_groups][1] = g;
    groups[n_groups++][2] = w.out->len - g;
  }
  {
    guint64 offsets = 0, crc_from;

    if (!o->no_summary) {
      offsets = w.out->len;
      for (i = 0; i < n_groups; i++) {
        s = rec_begin (w.out, OP_SUMMARY_OFFSET);
        put_u8 (w.out, groups[i][0]);
        put_u64 (w.out, groups[i][1]);
        put_u64 (w.out, groups[i][2]);
        rec_end (w.out, s);
      }
    }
    crc_from = o->no_summary ? w.out->len : m->summary_start;
    m->footer_pos = w.out->len;
    put_u8 (w.out, OP_FOOTER);
    put_u64 (w.out, 20);
    put_u64 (w.out, m->summary_start);
    put_u64 (w.out, offsets);
    put_u32 (w.out, o->zero_crc ? 0 : crc32 (w.out->data + crc_from,
            w.out->len - crc_from));
    put (w.out, magic, 8);
  }

  m->file_order = g_ptr_array_new_with_free_func (g_free);
  m->end = g_array_new (FALSE, FALSE, sizeof (guint64));
  m->chunk = g_array_new (FALSE, FALSE, sizeof (gint));
  for (i = 0; i < w.written->len; i++) {
    Written *wr = &g_array_index (w.written, Written, i);

    g_ptr_array_add (m->file_order, wr->line);
    g_array_append_val (m->end, line_end[i]);
    g_array_append_val (m->chunk, line_chunk[i]);
  }
  /* g_array_sort is not stable: insertion sort */
  sorted = g_array_copy (w.written);
  for (i = 1; i < sorted->len; i++) {
    Written x = g_array_index (sorted, Written, i);
    guint j = i;

    while (j > 0 && cmp_log (&g_array_index (sorted, Written, j - 1), &x) > 0) {
      g_array_index (sorted, Written, j) =
          g_array_index (sorted, Written, j - 1);
      j--;
    }
    g_array_index (sorted, Written, j) = x;
  }
  m->time_order = g_ptr_array_new ();
  for (i = 0; i < sorted->len; i++)
    g_ptr_array_add (m->time_order, g_array_index (sorted, Written, i).line);
  g_array_unref (sorted);
  m->bytes = g_byte_array_free_to_bytes (w.out);
  g_byte_array_unref (w.recs);
  for (ch = 0; ch < 3; ch++)
    g_array_unref (w.idx[ch]);
  g_array_unref (w.written);
  return m;
}

static void
mcap_free (Mcap * m)
{
  g_ptr_array_unref (m->time_order);
  g_ptr_array_unref (m->file_order);
  g_array_unref (m->end);
  g_array_unref (m->chunk);
  g_bytes_unref (m->bytes);
  g_free (m);
}

/* a copy of @b with the u64 at @off set to @v */
static GBytes *
patched_u64 (GBytes * b, guint64 off, guint64 v)
{
  gsize len = g_bytes_get_size (b);
  guint8 *d = g_memdup2 (g_bytes_get_data (b, NULL), len);

  fail_unless (off + 8 <= len);
  set_u64 (d + off, v);
  return g_bytes_new_take (d, len);
}

/* the same inside the summary, with the summary CRC made right again */
static GBytes *
patched_summary_u64 (Mcap * m, guint64 off, guint64 v)
{
  gsize len = g_bytes_get_size (m->bytes);
  guint8 *d = g_memdup2 (g_bytes_get_data (m->bytes, NULL), len);
  guint64 crc_end = m->footer_pos + 1 + 8 + 16;
  guint32 crc;

  fail_unless (m->summary_start > 0 && off >= m->summary_start
      && off + 8 <= crc_end);
  set_u64 (d + off, v);
  crc = GUINT32_TO_LE (crc32 (d + m->summary_start, crc_end -
          m->summary_start));
  memcpy (d + crc_end, &crc, 4);
  return g_bytes_new_take (d, len);
}

/* MCAP_ROBUSTNESS_SAVE=DIR keeps the generated files (for mcap-dump) */
static void
save (GBytes * b, const gchar * what)
{
  gchar *n, *path;

  if (!g_getenv ("MCAP_ROBUSTNESS_SAVE"))
    return;
  n = g_strdelimit (g_strdup_printf ("%s.mcap", what), " ,:()^/", '-');
  path = g_build_filename (g_getenv ("MCAP_ROBUSTNESS_SAVE"), n, NULL);
  fail_unless (g_file_set_contents (path, g_bytes_get_data (b, NULL),
          g_bytes_get_size (b), NULL));
  g_free (path);
  g_free (n);
}

/* ---- reading ---- */

typedef struct
{
  gboolean opened;
  GPtrArray *lines;
  GArray *chunk_pos;            /* guint64 per line */
  guint errors;
  gboolean bounded;
  gboolean scanned;             /* opened by a scan that reported a stop */
  GError *open_error;
} Got;

static void
got_free (Got * g)
{
  if (g->lines)
    g_ptr_array_unref (g->lines);
  if (g->chunk_pos)
    g_array_unref (g->chunk_pos);
  g_clear_error (&g->open_error);
  g_free (g);
}

static gchar *
msg_to_line (const GstRosbagMessage * msg)
{
  fail_unless (msg->topic != NULL);
  return make_line (gst_rosbag_topic_get_name (msg->topic), msg->channel_id,
      msg->time_ns, msg->publish_time_ns, msg->sequence, msg->data, msg->size);
}

static void
check_error (const GError * err, const gchar * what)
{
  fail_unless (err != NULL, "%s without a GError", what);
  fail_unless (err->domain == GST_ROSBAG_ERROR, "%s: error of domain %s: %s",
      what, g_quark_to_string (err->domain), err->message);
}

static GstRosbagRecording *
open_bytes (GBytes * b, GError ** err)
{
  return gst_rosbag_recording_open_bytes (b, "test.mcap", err);
}

/* reads every message of @b with a reader; @verbose prints the errors */
static Got *
read_reader (GBytes * b, guint64 max_calls, gboolean verbose)
{
  Got *g = g_new0 (Got, 1);
  GstRosbagRecording *rec = open_bytes (b, &g->open_error);
  GstRosbagReader *r;
  guint64 calls = 0;
  guint i;

  g->opened = rec != NULL;
  if (!rec) {
    check_error (g->open_error, "open failed");
    if (verbose)
      g_print ("    open: %s\n", g->open_error->message);
    return g;
  }
  fail_unless (g->open_error == NULL);
  if (gst_rosbag_recording_get_scan_report (rec)) {
    g->scanned = TRUE;
    if (verbose)
      g_print ("    scan: %s\n", gst_rosbag_recording_get_scan_report (rec));
  }
  for (i = 0; i < gst_rosbag_recording_get_n_topics (rec); i++)
    fail_unless (gst_rosbag_topic_get_name (gst_rosbag_recording_get_topic
            (rec, i)) != NULL);
  g->lines = g_ptr_array_new_with_free_func (g_free);
  g->chunk_pos = g_array_new (FALSE, FALSE, sizeof (guint64));
  r = gst_rosbag_reader_new (rec);
  gst_rosbag_reader_set_cache_size (r, 4096);
  g->bounded = FALSE;
  while (calls++ < max_calls) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagReadResult res = gst_rosbag_reader_next (r, &msg, &err);

    if (res == GST_ROSBAG_READ_EOS) {
      fail_unless (err == NULL);
      g->bounded = TRUE;
      break;
    }
    if (res == GST_ROSBAG_READ_ERROR) {
      check_error (err, "READ_ERROR");
      if (verbose)
        g_print ("    read: %s\n", err->message);
      g_error_free (err);
      g->errors++;
      continue;
    }
    fail_unless_equals_int (res, GST_ROSBAG_READ_OK);
    fail_unless (err == NULL);
    g_ptr_array_add (g->lines, msg_to_line (&msg));
    g_array_append_val (g->chunk_pos, msg.chunk_pos);
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_recording_unref (rec);
  return g;
}

/* feeds @b to a stream parser in pieces of @piece bytes (0: at once) */
static Got *
read_stream (GBytes * b, gsize piece, guint64 max_calls, gboolean verbose)
{
  Got *g = g_new0 (Got, 1);
  GstRosbagStreamParser *p = gst_rosbag_stream_parser_new ("test.mcap");
  gsize len = g_bytes_get_size (b), pos = 0;
  guint64 calls = 0;
  gboolean eos = FALSE, ended = FALSE;

  g->opened = TRUE;
  g->lines = g_ptr_array_new_with_free_func (g_free);
  while (!ended && calls++ < max_calls) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagStreamResult res = gst_rosbag_stream_parser_next (p, &msg,
        &err);

    switch (res) {
      case GST_ROSBAG_STREAM_MESSAGE:
        fail_unless (err == NULL);
        g_ptr_array_add (g->lines, msg_to_line (&msg));
        break;
      case GST_ROSBAG_STREAM_NEED_DATA:
        fail_unless (err == NULL);
        fail_if (eos, "NEED_DATA after the end of the stream");
        if (pos < len) {
          gsize n = piece ? MIN (piece, len - pos) : len - pos;
          GBytes *pb = g_bytes_new_from_bytes (b, pos, n);

          gst_rosbag_stream_parser_push (p, pb);
          g_bytes_unref (pb);
          pos += n;
        } else {
          gst_rosbag_stream_parser_push_eos (p);
          eos = TRUE;
        }
        break;
      case GST_ROSBAG_STREAM_EOS:
        fail_unless (err == NULL);
        g->bounded = ended = TRUE;
        break;
      case GST_ROSBAG_STREAM_SKIPPED:
        check_error (err, "SKIPPED");
        if (verbose)
          g_print ("    stream skipped: %s\n", err->message);
        g_error_free (err);
        g->errors++;
        break;
      case GST_ROSBAG_STREAM_ERROR:
        check_error (err, "ERROR");
        if (verbose)
          g_print ("    stream error: %s\n", err->message);
        g_error_free (err);
        g->errors++;
        g->bounded = ended = TRUE;
        break;
      default:
        fail ("stream parser returned %d", res);
    }
  }
  gst_rosbag_stream_parser_free (p);
  return g;
}

/* how many lines of @want (a multiset) are not in @have */
static guint
n_missing (GPtrArray * have, GPtrArray * want, gboolean print)
{
  GHashTable *count = g_hash_table_new (g_str_hash, g_str_equal);
  guint i, missing = 0;

  for (i = 0; have && i < have->len; i++) {
    gpointer k = g_ptr_array_index (have, i);

    g_hash_table_insert (count, k,
        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (count,
                    k)) + 1));
  }
  for (i = 0; i < want->len; i++) {
    gpointer k = g_ptr_array_index (want, i);
    guint c = GPOINTER_TO_UINT (g_hash_table_lookup (count, k));

    if (c == 0) {
      missing++;
      if (print)
        g_print ("    missing: %s\n", (gchar *) k);
    } else {
      g_hash_table_insert (count, k, GUINT_TO_POINTER (c - 1));
    }
  }
  g_hash_table_unref (count);
  return missing;
}

static void
assert_lines_equal (GPtrArray * got, GPtrArray * want, const gchar * what)
{
  guint i;

  for (i = 0; i < MAX (got->len, want->len); i++) {
    const gchar *a = i < got->len ? g_ptr_array_index (got, i) : "(none)";
    const gchar *b = i < want->len ? g_ptr_array_index (want, i) : "(none)";

    fail_unless (strcmp (a, b) == 0, "%s: message %u is\n  %s\nnot\n  %s",
        what, i, a, b);
  }
}

/* the written messages of chunks other than @skip (-2: none skipped) */
static GPtrArray *
lines_except_chunk (Mcap * m, gint skip)
{
  GPtrArray *a = g_ptr_array_new ();
  guint i;

  for (i = 0; i < m->file_order->len; i++)
    if (g_array_index (m->chunk, gint, i) != skip)
      g_ptr_array_add (a, g_ptr_array_index (m->file_order, i));
  return a;
}

static GPtrArray *
lines_of_chunk (Mcap * m, gint chunk)
{
  GPtrArray *a = g_ptr_array_new ();
  guint i;

  for (i = 0; i < m->file_order->len; i++)
    if (g_array_index (m->chunk, gint, i) == chunk)
      g_ptr_array_add (a, g_ptr_array_index (m->file_order, i));
  return a;
}

/* ---- the intact file ---- */

static void
check_intact (const Opts * o, const gchar * what)
{
  Mcap *m = write_mcap (o);
  Got *g = read_reader (m->bytes, 1000, TRUE);
  Got *s;
  GstRosbagRecording *rec;
  GError *err = NULL;
  const gchar *const *names;
  guint i, k;

  save (m->bytes, what);
  fail_unless (g->opened, "%s: %s", what, g->open_error->message);
  fail_unless (g->bounded);
  fail_unless_equals_int (g->errors, 0);
  assert_lines_equal (g->lines, m->time_order, what);
  /* chunk_pos is the chunk record's offset */
  for (i = 0; i < g->lines->len; i++) {
    guint64 pos = g_array_index (g->chunk_pos, guint64, i);
    gboolean found = FALSE;

    for (k = 0; k < N_CHUNKS; k++)
      found |= pos == m->chunk_pos[k];
    if (strstr (g_ptr_array_index (g->lines, i), "log=33000007") == NULL)
      fail_unless (found, "%s: chunk_pos %" G_GUINT64_FORMAT " of %s is no"
          " chunk", what, pos, (gchar *) g_ptr_array_index (g->lines, i));
  }
  for (i = 0; i <= 3; i++) {
    gsize piece = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? 7 : 100;

    s = read_stream (m->bytes, piece, 100000, TRUE);
    fail_unless (s->bounded);
    fail_unless_equals_int (s->errors, 0);
    assert_lines_equal (s->lines, m->file_order, what);
    got_free (s);
  }

  rec = open_bytes (m->bytes, &err);
  fail_unless (rec != NULL);
  fail_unless_equals_int (gst_rosbag_recording_get_format (rec),
      GST_ROSBAG_FORMAT_MCAP);
  fail_unless_equals_int (gst_rosbag_recording_is_indexed (rec),
      !o->no_summary);
  fail_unless_equals_int (gst_rosbag_recording_get_n_topics (rec), 2);
  fail_unless_equals_uint64 (gst_rosbag_recording_get_message_count (rec),
      m->file_order->len);
  fail_unless_equals_string (gst_rosbag_recording_get_profile (rec), "ros2");
  names = gst_rosbag_recording_get_metadata_names (rec);
  fail_unless (names && names[0] && !strcmp (names[0], "meta") && !names[1]);
  names = gst_rosbag_recording_get_attachment_names (rec);
  fail_unless (names && names[0] && !strcmp (names[0], "a.txt")
      && !names[1]);
  gst_rosbag_recording_unref (rec);
  got_free (g);
  mcap_free (m);
}

GST_START_TEST (test_intact)
{
  Opts o = { {NULL}, };

  check_intact (&o, "plain");
  o.zero_crc = TRUE;
  check_intact (&o, "CRCs 0");
  o.zero_crc = FALSE;
  o.compression[0] = o.compression[2] = "lz4";
  o.compression[1] = o.compression[3] = "zstd";
  check_intact (&o, "lz4 and zstd");
  o.no_summary = TRUE;
  check_intact (&o, "lz4 and zstd, no summary");
}

GST_END_TEST;

/* ---- truncation ---- */

/* what @who read from the first @L bytes: all of @want (counted in @bad,
 * the first three printed), nothing that was not written */
static void
check_prefix (Got * g, GPtrArray * want, Mcap * m, const gchar * who,
    const gchar * what, gsize L, guint * bad, gsize * first)
{
  guint miss = n_missing (g->lines, want, *bad < 3);

  if (miss > 0) {
    if (*bad < 3)
      g_print ("  %s: the first %u bytes: %u of %u complete messages do not"
          " come out of the %s\n", what, (guint) L, miss, want->len, who);
    if ((*bad)++ == 0)
      *first = L;
  }
  fail_unless (n_missing (m->file_order, g->lines, TRUE) == 0,
      "%s: prefix %u: the %s gives a message that was not written", what,
      (guint) L, who);
}

static void
truncation (const Opts * o, const gchar * what)
{
  Mcap *m = write_mcap (o);
  gsize len = g_bytes_get_size (m->bytes), L;
  guint n_opened = 0, n = 0, stride = stride_scale ();
  guint64 required = 0, got_r = 0, got_s = 0;
  guint bad_r = 0, bad_s = 0;
  gsize first_r = 0, first_s = 0;

  for (L = 0; L <= len; L += stride) {
    GBytes *prefix = g_bytes_new_from_bytes (m->bytes, 0, L);
    GPtrArray *want = g_ptr_array_new ();
    Got *g, *s;
    guint i;

    for (i = 0; i < m->file_order->len; i++)
      if (g_array_index (m->end, guint64, i) <= L)
        g_ptr_array_add (want, g_ptr_array_index (m->file_order, i));
    required += want->len;
    g = read_reader (prefix, 1000, FALSE);
    if (!g->opened) {
      if (want->len > 0)
        fail ("%s: the first %u bytes do not open (%s) but hold %u complete"
            " messages", what, (guint) L, g->open_error->message, want->len);
    } else {
      n_opened++;
      fail_unless (g->bounded, "%s: prefix %u: reading does not end", what,
          (guint) L);
      check_prefix (g, want, m, "reader", what, L, &bad_r, &first_r);
      got_r += g->lines->len;
    }
    s = read_stream (prefix, 1 + L % 13, 100000, FALSE);
    fail_unless (s->bounded, "%s: prefix %u: the stream does not end", what,
        (guint) L);
    check_prefix (s, want, m, "stream parser", what, L, &bad_s, &first_s);
    got_s += s->lines->len;
    if (L == len) {
      fail_unless_equals_int (g->lines->len, m->file_order->len);
      fail_unless_equals_int (s->lines->len, m->file_order->len);
    }
    got_free (g);
    got_free (s);
    g_ptr_array_unref (want);
    g_bytes_unref (prefix);
    n++;
    if (L < len && L + stride > len)
      L = len - stride;
  }
  g_print ("truncation, %s: %u prefixes of %u bytes, %u opened; %"
      G_GUINT64_FORMAT " messages required, reader gave %" G_GUINT64_FORMAT
      ", stream parser %" G_GUINT64_FORMAT "\n", what, n, (guint) len,
      n_opened, required, got_r, got_s);
  fail_unless (bad_r == 0, "%s: %u prefixes (the first of %u bytes) lose"
      " complete messages in the reader", what, bad_r, (guint) first_r);
  fail_unless (bad_s == 0, "%s: %u prefixes (the first of %u bytes) lose"
      " complete messages in the stream parser", what, bad_s, (guint) first_s);
  mcap_free (m);
}

GST_START_TEST (test_truncation)
{
  Opts o = { {NULL}, };

  switch (__i__) {
    case 0:
      truncation (&o, "plain");
      break;
    case 1:
      o.compression[1] = "zstd";
      o.compression[2] = "lz4";
      truncation (&o, "lz4 and zstd");
      break;
    default:
      o.compression[1] = "zstd";
      o.compression[2] = "lz4";
      o.no_summary = TRUE;
      truncation (&o, "no summary");
      break;
  }
}

GST_END_TEST;

/* ---- corruption ---- */

static void
corrupt_one (guint8 * d, gsize len, gsize off, guint kind)
{
  switch (kind % 5) {
    case 0:
      d[off] ^= 0xff;
      break;
    case 1:
      d[off] = 0;
      break;
    case 2:
      d[off] = 0xff;
      break;
    case 3:
      d[off] ^= 0x01;
      break;
    default:
      /* a run of 8: a whole length field */
      memset (d + off, 0xff, MIN (8, len - off));
      break;
  }
}

/* sweeps @b; @all_kinds: every kind at every offset, else one kind per
 * offset in turn, every @stride-th offset (and every one of the first and
 * last @edge bytes: header, summary and footer) */
static void
corruption (GBytes * b, guint stride, guint edge, gboolean all_kinds,
    const gchar * what)
{
  gsize len, off;
  const guint8 *orig = g_bytes_get_data (b, &len);
  guint n = 0, n_opened = 0, errors = 0, kind, k = 0;
  guint64 msgs = 0;
  gint64 t0 = g_get_monotonic_time ();

  stride *= stride_scale ();
  for (off = 0; off < len; off++) {
    if (off >= edge && off + edge < len && off % stride != 0)
      continue;
    for (kind = 0; kind < (all_kinds ? 5 : 1); kind++) {
      guint8 *d = g_memdup2 (orig, len);
      GBytes *c;
      Got *g, *s;

      corrupt_one (d, len, off, all_kinds ? kind : k++);
      c = g_bytes_new_take (d, len);
      g = read_reader (c, len + 1000, FALSE);
      n++;
      if (g->opened) {
        n_opened++;
        fail_unless (g->bounded, "%s: byte %u changed (%u): reading does not"
            " end", what, (guint) off, kind);
        errors += g->errors;
        msgs += g->lines->len;
      }
      s = read_stream (c, 1 + off % 61, 10 * len + 1000, FALSE);
      fail_unless (s->bounded, "%s: byte %u changed (%u): the stream does"
          " not end", what, (guint) off, kind);
      errors += s->errors;
      got_free (g);
      got_free (s);
      g_bytes_unref (c);
    }
  }
  g_print ("corruption, %s: %u copies (stride %u), %u opened, %"
      G_GUINT64_FORMAT " messages, %u errors (%.1f s)\n", what, n, stride,
      n_opened, msgs, errors, (g_get_monotonic_time () - t0) / 1e6);
}

GST_START_TEST (test_corruption)
{
  Opts o = { {NULL}, };
  Mcap *m = write_mcap (&o);

  corruption (m->bytes, 1, 0, TRUE, "plain");
  mcap_free (m);
  o.no_summary = TRUE;
  o.compression[1] = "zstd";
  o.compression[3] = "lz4";
  m = write_mcap (&o);
  corruption (m->bytes, 1, 0, TRUE, "no summary, lz4 and zstd");
  mcap_free (m);
}

GST_END_TEST;

/* ---- hostile files ---- */

typedef struct
{
  Got *reader, *stream;
} Both;

static Both
read_both (GBytes * b, const gchar * what)
{
  Both r;

  g_print ("%s:\n", what);
  save (b, what);
  r.reader = read_reader (b, 1000, TRUE);
  r.stream = read_stream (b, 0, 100000, TRUE);
  fail_unless (!r.reader->opened || r.reader->bounded, "%s: no end", what);
  fail_unless (r.stream->bounded, "%s: the stream does not end", what);
  return r;
}

static void
both_free (Both * r)
{
  got_free (r->reader);
  got_free (r->stream);
}

/* @must: lines that must come out of both; @mustnot: lines that must not
 * (NULL: any); @error: an error must be reported by both */
static void
expect (Both * r, Mcap * m, GPtrArray * must, GPtrArray * mustnot,
    gboolean error, const gchar * what)
{
  fail_unless (r->reader->opened, "%s: does not open: %s", what,
      r->reader->open_error->message);
  /* no message bytes were changed: all that comes out was written, once */
  fail_unless (n_missing (m->file_order, r->reader->lines, TRUE) == 0,
      "%s: the reader gives messages that were not written", what);
  fail_unless (n_missing (m->file_order, r->stream->lines, TRUE) == 0,
      "%s: the parser gives messages that were not written", what);
  fail_unless (n_missing (r->reader->lines, must, TRUE) == 0,
      "%s: messages missing from the reader", what);
  fail_unless (n_missing (r->stream->lines, must, TRUE) == 0,
      "%s: messages missing from the stream parser", what);
  if (mustnot) {
    fail_unless (n_missing (r->reader->lines, mustnot, FALSE) ==
        mustnot->len, "%s: the reader gives messages of the damaged chunk",
        what);
    fail_unless (n_missing (r->stream->lines, mustnot, FALSE) ==
        mustnot->len, "%s: the parser gives messages of the damaged chunk",
        what);
  }
  if (error) {
    fail_unless (r->reader->errors > 0, "%s: the reader reports no error",
        what);
    fail_unless (r->stream->errors > 0, "%s: the parser reports no error",
        what);
  }
  g_print ("  reader: %u messages, %u errors; stream: %u messages, %u"
      " errors\n", r->reader->lines->len, r->reader->errors,
      r->stream->lines->len, r->stream->errors);
}

/* every written message comes out, or an error (a READ_ERROR, or for a
 * scanned file the scan report) says something was lost */
static void
no_silent_loss (Both * r, Mcap * m, const gchar * what)
{
  if (r->reader->opened)
    fail_unless (n_missing (r->reader->lines, m->file_order, FALSE) == 0
        || r->reader->errors > 0 || r->reader->scanned,
        "%s: the reader loses messages without an error", what);
  fail_unless (n_missing (r->stream->lines, m->file_order, FALSE) == 0
      || r->stream->errors > 0,
      "%s: the parser loses messages without an error", what);
}

/* chunk @k of the file @o describes is damaged: the other chunks play,
 * both the reader and the parser report an error, and (@absent) nothing
 * of chunk @k comes out */
static void
damaged_chunk (const Opts * o, gint k, gboolean absent, const gchar * what)
{
  Mcap *m = write_mcap (o);
  Both r = read_both (m->bytes, what);
  GPtrArray *must = lines_except_chunk (m, k), *bad = lines_of_chunk (m, k);

  expect (&r, m, must, absent ? bad : NULL, TRUE, what);
  g_ptr_array_unref (must);
  g_ptr_array_unref (bad);
  both_free (&r);
  mcap_free (m);
}

/* chunk 1 claims 2^62 bytes decompressed: an error, not an allocation */
GST_START_TEST (test_huge_uncompressed_size)
{
  static const gchar *comps[] = { NULL, "lz4", "zstd" };
  guint i, s;

  for (s = 0; s < 2; s++) {
    for (i = 0; i < G_N_ELEMENTS (comps); i++) {
      Opts o = { {NULL}, };
      gchar *what = g_strdup_printf ("chunk 1 (%s) claims 2^62 bytes%s",
          comps[i] ? comps[i] : "none", s ? ", no summary" : "");

      o.compression[1] = comps[i];
      o.claim_size[1] = G_GUINT64_CONSTANT (1) << 62;
      o.no_summary = s == 1;
      damaged_chunk (&o, 1, FALSE, what);
      g_free (what);
    }
  }
}

GST_END_TEST;

/* a compression nobody knows: that chunk is skipped with an error, the
 * others play */
GST_START_TEST (test_unknown_compression)
{
  Opts o = { {NULL}, };

  o.compression[2] = "brotli";
  damaged_chunk (&o, 2, TRUE, "chunk 2 in brotli");
  o.no_summary = TRUE;
  damaged_chunk (&o, 2, TRUE, "chunk 2 in brotli, no summary");
}

GST_END_TEST;

/* a wrong non-zero chunk CRC is detected; CRC 0 means not computed */
GST_START_TEST (test_crc)
{
  static const gchar *comps[] = { NULL, "zstd" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (comps); i++) {
    Opts o = { {NULL}, };
    Mcap *m;
    GPtrArray *must;
    Both r;
    gchar *what;

    o.compression[0] = comps[i];
    o.bad_crc[0] = TRUE;
    m = write_mcap (&o);
    what = g_strdup_printf ("chunk 0 (%s) with a wrong CRC",
        comps[i] ? comps[i] : "none");
    r = read_both (m->bytes, what);
    /* chunk 0 holds channel 1's record: without it the messages of
     * channel 1 need the summary; require channel 2's in the stream */
    must = lines_except_chunk (m, 0);
    fail_unless (n_missing (r.reader->lines, must, TRUE) == 0,
        "%s: other chunks' messages missing from the reader", what);
    fail_unless (r.reader->errors > 0, "%s: the reader reports no error", what);
    fail_unless (r.stream->errors > 0, "%s: the parser reports no error", what);
    g_print ("  reader: %u messages, %u errors; stream: %u messages, %u"
        " errors\n", r.reader->lines->len, r.reader->errors,
        r.stream->lines->len, r.stream->errors);
    g_ptr_array_unref (must);
    both_free (&r);
    g_free (what);
    mcap_free (m);
  }
  {
    Opts o = { {NULL}, };

    o.bad_crc[3] = TRUE;
    damaged_chunk (&o, 3, TRUE, "chunk 3 with a wrong CRC");
  }
}

GST_END_TEST;

/* a bad summary CRC or a summary_start past the end: the index is not
 * trusted, the file is scanned (rosbag-recording.h), everything plays */
GST_START_TEST (test_damaged_summary)
{
  Opts o = { {NULL}, };
  Mcap *m = write_mcap (&o);
  gsize len = g_bytes_get_size (m->bytes);
  GBytes *b;
  Both r;
  guint8 *d;

  d = g_memdup2 (g_bytes_get_data (m->bytes, NULL), len);
  d[len - 8 - 4] ^= 0x40;
  b = g_bytes_new_take (d, len);
  r = read_both (b, "summary CRC wrong");
  expect (&r, m, m->file_order, NULL, FALSE, "summary CRC wrong");
  both_free (&r);
  g_bytes_unref (b);

  b = patched_summary_u64 (m, m->footer_pos + 9, len + 1000);
  r = read_both (b, "summary_start past the end");
  expect (&r, m, m->file_order, NULL, FALSE, "summary_start past the end");
  both_free (&r);
  g_bytes_unref (b);

  b = patched_summary_u64 (m, m->footer_pos + 9, 3);
  r = read_both (b, "summary_start inside the magic");
  expect (&r, m, m->file_order, NULL, FALSE, "summary_start in the magic");
  both_free (&r);
  g_bytes_unref (b);

  b = patched_summary_u64 (m, m->footer_pos + 17, len - 4);
  r = read_both (b, "summary_offset_start at the end");
  expect (&r, m, m->file_order, NULL, FALSE, "summary_offset_start bad");
  both_free (&r);
  g_bytes_unref (b);
  mcap_free (m);
}

GST_END_TEST;

/* channel 2 names schema 7, which does not exist */
GST_START_TEST (test_unknown_schema)
{
  guint s;

  for (s = 0; s < 2; s++) {
    Opts o = { {NULL}, };
    Mcap *m;
    GPtrArray *ch1 = g_ptr_array_new (), *ch2 = g_ptr_array_new ();
    Both r;
    guint i;

    o.ch2_schema = 7;
    o.no_summary = s == 1;
    m = write_mcap (&o);
    for (i = 0; i < m->file_order->len; i++) {
      gchar *l = g_ptr_array_index (m->file_order, i);

      g_ptr_array_add (g_str_has_prefix (l, "/chatter ") ? ch1 : ch2, l);
    }
    r = read_both (m->bytes, s ? "channel 2 with schema 7 (unknown), no"
        " summary" : "channel 2 with schema 7 (unknown)");
    expect (&r, m, ch1, NULL, FALSE, "unknown schema id");
    /* channel 2's messages come out or an error says why not */
    fail_unless (n_missing (r.reader->lines, ch2, FALSE) == 0
        || r.reader->errors > 0, "the reader drops the messages of a channel"
        " with an unknown schema silently");
    fail_unless (n_missing (r.stream->lines, ch2, FALSE) == 0
        || r.stream->errors > 0, "the parser drops the messages of a channel"
        " with an unknown schema silently");
    g_ptr_array_unref (ch1);
    g_ptr_array_unref (ch2);
    both_free (&r);
    mcap_free (m);
  }
}

GST_END_TEST;

/* lengths that run past the end of the file */
GST_START_TEST (test_length_past_end)
{
  Opts o = { {NULL}, };
  Mcap *m, *ms;
  GBytes *b;
  GPtrArray *must, *before;
  Both r;
  guint i;

  o.no_summary = TRUE;
  ms = write_mcap (&o);
  o.no_summary = FALSE;
  m = write_mcap (&o);

  /* no summary: the loose message's record length is 2^40; what comes
   * before it (chunks 0 and 1) plays, the scan says where it stopped */
  must = g_ptr_array_new ();
  for (i = 0; i < ms->file_order->len; i++)
    if (g_array_index (ms->chunk, gint, i) == 0
        || g_array_index (ms->chunk, gint, i) == 1)
      g_ptr_array_add (must, g_ptr_array_index (ms->file_order, i));
  b = patched_u64 (ms->bytes, ms->loose_msg_pos + 1,
      G_GUINT64_CONSTANT (1) << 40);
  r = read_both (b, "no summary, a message record of 2^40 bytes");
  expect (&r, ms, must, NULL, FALSE, "message record past the end");
  fail_unless (r.reader->scanned || r.reader->errors > 0);
  fail_unless (r.stream->errors > 0);
  both_free (&r);
  g_bytes_unref (b);
  g_ptr_array_unref (must);

  /* the same with 2^64-1 (offset + length overflows) */
  must = lines_of_chunk (ms, 0);
  b = patched_u64 (ms->bytes, ms->channel2_pos + 1, G_MAXUINT64);
  r = read_both (b, "no summary, a channel record of 2^64-1 bytes");
  expect (&r, ms, must, NULL, FALSE, "channel record of 2^64-1 bytes");
  fail_unless (r.reader->scanned || r.reader->errors > 0);
  fail_unless (r.stream->errors > 0);
  both_free (&r);
  g_bytes_unref (b);
  g_ptr_array_unref (must);

  /* indexed: chunk 2's own record length is 2^40: the reader still plays
   * the other chunks; the parser cannot go past it, it plays what comes
   * before and says why it stopped */
  must = lines_except_chunk (m, 2);
  before = g_ptr_array_new ();
  for (i = 0; i < m->file_order->len; i++)
    if (g_array_index (m->end, guint64, i) <= m->chunk_pos[2])
      g_ptr_array_add (before, g_ptr_array_index (m->file_order, i));
  b = patched_u64 (m->bytes, m->chunk_pos[2] + 1, G_GUINT64_CONSTANT (1) << 40);
  r = read_both (b, "chunk 2 record of 2^40 bytes");
  fail_unless (r.reader->opened);
  fail_unless (n_missing (r.reader->lines, must, TRUE) == 0);
  fail_unless (n_missing (r.stream->lines, before, TRUE) == 0);
  fail_unless (r.stream->errors > 0);
  no_silent_loss (&r, m, "chunk 2 record of 2^40 bytes");
  both_free (&r);
  g_bytes_unref (b);

  /* indexed: the records length inside chunk 2 is 2^64-4 */
  b = patched_u64 (m->bytes, m->chunk_pos[2] + 9 + 8 + 8 + 8 + 4 + 4,
      G_MAXUINT64 - 3);
  r = read_both (b, "chunk 2 records of 2^64-4 bytes");
  expect (&r, m, must, NULL, FALSE, "chunk records past the end");
  no_silent_loss (&r, m, "chunk records past the end");
  both_free (&r);
  g_bytes_unref (b);

  /* indexed: chunk index 2's chunk_length is 2^40 */
  b = patched_summary_u64 (m, m->chunk_index_pos[2] + 9 + 24,
      G_GUINT64_CONSTANT (1) << 40);
  r = read_both (b, "chunk index 2: chunk_length 2^40");
  expect (&r, m, must, NULL, FALSE, "chunk index: chunk_length");
  no_silent_loss (&r, m, "chunk index: chunk_length");
  both_free (&r);
  g_bytes_unref (b);

  /* indexed: chunk index 2 points at the Header */
  b = patched_summary_u64 (m, m->chunk_index_pos[2] + 9 + 16, 8);
  r = read_both (b, "chunk index 2: chunk_start_offset 8 (the header)");
  expect (&r, m, must, NULL, FALSE, "chunk index: offset of the header");
  no_silent_loss (&r, m, "chunk index: offset of the header");
  both_free (&r);
  g_bytes_unref (b);

  /* indexed: chunk index 2 points past the end */
  b = patched_summary_u64 (m, m->chunk_index_pos[2] + 9 + 16, G_MAXUINT64);
  r = read_both (b, "chunk index 2: chunk_start_offset 2^64-1");
  expect (&r, m, must, NULL, FALSE, "chunk index: offset past the end");
  no_silent_loss (&r, m, "chunk index: offset past the end");
  both_free (&r);
  g_bytes_unref (b);

  /* indexed: message index of chunk 3 for channel 1 points past the end */
  b = patched_summary_u64 (m, m->chunk_index_pos[3] + 9 + 32 + 4 + 2,
      G_MAXUINT64 - 100);
  r = read_both (b, "chunk index 3: a message index offset 2^64-101");
  g_ptr_array_unref (must);
  must = lines_except_chunk (m, 3);
  expect (&r, m, must, NULL, FALSE, "message index offset past the end");
  no_silent_loss (&r, m, "message index offset past the end");
  both_free (&r);
  g_bytes_unref (b);
  g_ptr_array_unref (must);
  g_ptr_array_unref (before);

  /* the stream parser must not buffer a chunk of 2^62 bytes: a chunk
   * header claiming it, a few more bytes, the end */
  {
    GByteArray *a = g_byte_array_new ();
    guint8 junk[1024];
    GBytes *hb;
    Got *g;

    memset (junk, 0x5a, sizeof (junk));
    put (a, g_bytes_get_data (m->bytes, NULL), m->chunk_pos[0]);
    put_u8 (a, OP_CHUNK);
    put_u64 (a, G_GUINT64_CONSTANT (1) << 62);
    put (a, junk, sizeof (junk));
    hb = g_byte_array_free_to_bytes (a);
    g_print ("stream: a chunk record of 2^62 bytes:\n");
    g = read_stream (hb, 100, 100000, TRUE);
    fail_unless (g->bounded);
    fail_unless (g->errors > 0);
    got_free (g);
    g = read_reader (hb, 1000, TRUE);
    fail_unless (!g->opened || g->bounded);
    got_free (g);
    g_bytes_unref (hb);
  }
  mcap_free (m);
  mcap_free (ms);
}

GST_END_TEST;

/* ---- the fixtures of tests/files/mcap ---- */

GST_START_TEST (test_fixtures)
{
  GDir *dir = g_dir_open (MCAP_FIXTURES, 0, NULL);
  const gchar *n;
  guint n_files = 0;

  if (!dir) {
    g_print ("SKIP: %s is absent\n", MCAP_FIXTURES);
    return;
  }
  while ((n = g_dir_read_name (dir))) {
    gchar *path;
    gchar *data;
    gsize len, L, stride;
    GBytes *b;
    Got *intact;
    GArray *end;
    guint i, n_pre = 0;

    if (!g_str_has_suffix (n, ".mcap"))
      continue;
    path = g_build_filename (MCAP_FIXTURES, n, NULL);
    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    b = g_bytes_new_take (data, len);
    n_files++;
    intact = read_reader (b, G_MAXUINT32, FALSE);
    if (!intact->opened) {
      /* a deliberately broken fixture: only the sweeps */
      g_print ("%s does not open: %s\n", n, intact->open_error->message);
    }
    /* where each message's chunk ends (chunk_pos at a Chunk record) */
    end = g_array_new (FALSE, FALSE, sizeof (guint64));
    for (i = 0; intact->opened && i < intact->lines->len; i++) {
      guint64 pos = g_array_index (intact->chunk_pos, guint64, i), e =
          G_MAXUINT64;

      if (pos + 9 <= len && ((const guint8 *) data)[pos] == OP_CHUNK
          && get_u64 ((const guint8 *) data + pos + 1) <= len - pos - 9)
        e = pos + 9 + get_u64 ((const guint8 *) data + pos + 1);
      g_array_append_val (end, e);
    }
    stride = MAX (1, len / 200) * stride_scale ();
    for (L = 0; intact->opened && L < len; L += stride) {
      GBytes *prefix = g_bytes_new_from_bytes (b, 0, L);
      GPtrArray *want = g_ptr_array_new ();
      Got *g;

      for (i = 0; i < intact->lines->len; i++)
        if (g_array_index (end, guint64, i) <= L)
          g_ptr_array_add (want, g_ptr_array_index (intact->lines, i));
      g = read_reader (prefix, 10 * intact->lines->len + 1000, FALSE);
      if (g->opened) {
        fail_unless (g->bounded);
        fail_unless (n_missing (g->lines, want, TRUE) == 0,
            "%s: the first %u bytes: complete chunks' messages missing", n,
            (guint) L);
        fail_unless (n_missing (intact->lines, g->lines, FALSE) == 0,
            "%s: prefix %u gives a message not in the file", n, (guint) L);
      } else {
        fail_unless (want->len == 0, "%s: the first %u bytes do not open but"
            " hold %u messages of complete chunks", n, (guint) L, want->len);
      }
      got_free (g);
      g_ptr_array_unref (want);
      g_bytes_unref (prefix);
      n_pre++;
    }
    g_print ("%s: %u bytes, %u messages, %u prefixes\n", n, (guint) len,
        intact->opened ? intact->lines->len : 0, n_pre);
    corruption (b, MAX (1, len / 150), 64, FALSE, n);
    g_array_unref (end);
    got_free (intact);
    g_bytes_unref (b);
    g_free (path);
  }
  g_dir_close (dir);
  g_print ("%u fixtures\n", n_files);
}

GST_END_TEST;

static Suite *
mcap_robustness_suite (void)
{
  Suite *s = suite_create ("mcap_robustness");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_intact);
  tcase_add_loop_test (tc, test_truncation, 0, 3);
  tcase_add_test (tc, test_corruption);
  tcase_add_test (tc, test_huge_uncompressed_size);
  tcase_add_test (tc, test_unknown_compression);
  tcase_add_test (tc, test_crc);
  tcase_add_test (tc, test_damaged_summary);
  tcase_add_test (tc, test_unknown_schema);
  tcase_add_test (tc, test_length_past_end);
  tcase_add_test (tc, test_fixtures);
  return s;
}

GST_CHECK_MAIN (mcap_robustness);
