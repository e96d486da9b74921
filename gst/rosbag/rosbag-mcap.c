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

/* The MCAP backend of GstRosbagRecording.
 *
 * Opening reads the magic, the Header and the Footer, then the summary
 * section (schemas, channels, chunk indexes, statistics). The data
 * section is walked only where no chunk index covers it (the gaps: loose
 * messages, chunks the summary does not list, metadata, attachments), one
 * record header at a time, skipping data by length. A file without a
 * (good) summary is scanned whole with the same record parser. Every
 * length is bounded by the range it lies in; errors name byte offsets.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <zlib.h>

#include "rosbag-private.h"
#include "rosbag-mcap.h"
#include "rosbag-chunk.h"

#define FOOTER_LEN (1 + 8 + 20)
/* messages outside chunks are grouped into blocks of about this size */
#define LOOSE_BLOCK_MAX (4 * 1024 * 1024)
/* a summary bigger than this is refused (a hostile summary_start) */
#define SUMMARY_MAX (G_GUINT64_CONSTANT (1) << 31)

typedef struct
{
  guint16 id;
  gchar *name;
  gchar *encoding;
  guint8 *data;
  gsize len;
} Schema;

typedef struct
{
  guint16 id;
  guint16 schema_id;
  gchar *topic;
  gchar *encoding;
  gchar *callerid;
  gchar *md5sum;                /* ros1 profile metadata */
  gchar *qos;                   /* ros2 profile: offered_qos_profiles */
  gboolean latching;
  guint64 count;
  gboolean counted;
  guint64 first_ns, last_ns;
} Channel;

typedef struct
{
  guint16 channel;
  guint64 offset;
} MiRef;

typedef struct
{
  guint64 pos;                  /* record start (opcode), or loose start */
  guint64 length;               /* whole record, or the loose run */
  guint64 start_ns, end_ns;
  guint64 uncompressed_size, compressed_size;
  gchar *compression;
  GArray *mi;                   /* MiRef, from the chunk index; or NULL */
  GArray *entries;              /* GstRosbagIndexEntry, from a scan */
  gboolean loose;
  guint32 *channel_ids;
  guint n_channels;
  guint64 message_count;        /* G_MAXUINT64 unknown */
  guint64 mi_length;            /* its message index records' bytes */
} Chunk;

struct _GstRosbagMcap
{
  GstRosbagReadFunc read_func;
  gpointer user_data;
  GDestroyNotify notify;
  guint64 file_size;
  gchar *name;

  gchar *profile, *library;
  GPtrArray *metadata_names;    /* NULL-terminated */
  GPtrArray *attachment_names;  /* NULL-terminated */
  GHashTable *schemas;          /* id -> Schema* */
  GHashTable *channels;         /* id -> Channel* */
  GArray *chunks;               /* Chunk */
  guint n_chunks;               /* real chunks, not loose blocks */
  gboolean indexed;
  gboolean have_stats;
  gchar *scan_report;
  GString *warnings;
  guint64 data_start, data_end;

  /* while scanning: the loose block being filled, or -1 */
  gint loose_idx;
};

/* ---------------------------------------------------------------------- */
/* record parsing: a bounded cursor */

static guint16
rd16 (const guint8 * p)
{
  return GST_READ_UINT16_LE_MCAP (p);
}

static guint32
rd32 (const guint8 * p)
{
  return GST_READ_UINT32_LE_MCAP (p);
}

static guint64
rd64 (const guint8 * p)
{
  return GST_READ_UINT64_LE_MCAP (p);
}

typedef struct
{
  const guint8 *p;
  gsize len;
  gsize pos;
  gboolean ok;
} Cur;

static void
cur_init (Cur * c, const guint8 * p, gsize len)
{
  c->p = p;
  c->len = len;
  c->pos = 0;
  c->ok = TRUE;
}

static gboolean
cur_need (Cur * c, gsize n)
{
  if (!c->ok || c->len - c->pos < n) {
    c->ok = FALSE;
    return FALSE;
  }
  return TRUE;
}

static guint16
cur_u16 (Cur * c)
{
  guint16 v;

  if (!cur_need (c, 2))
    return 0;
  v = rd16 (c->p + c->pos);
  c->pos += 2;
  return v;
}

static guint32
cur_u32 (Cur * c)
{
  guint32 v;

  if (!cur_need (c, 4))
    return 0;
  v = rd32 (c->p + c->pos);
  c->pos += 4;
  return v;
}

static guint64
cur_u64 (Cur * c)
{
  guint64 v;

  if (!cur_need (c, 8))
    return 0;
  v = rd64 (c->p + c->pos);
  c->pos += 8;
  return v;
}

/* a u32-length-prefixed byte run; NULL (and !ok) if it does not fit */
static const guint8 *
cur_bytes32 (Cur * c, gsize * len)
{
  guint32 n = cur_u32 (c);
  const guint8 *p;

  if (!cur_need (c, n))
    return NULL;
  p = c->p + c->pos;
  c->pos += n;
  *len = n;
  return p;
}

static gchar *
cur_string (Cur * c)
{
  gsize n = 0;
  const guint8 *p = cur_bytes32 (c, &n);

  if (!p)
    return NULL;
  return g_strndup ((const gchar *) p, n);
}

/* a string-to-string map: the values of the NULL-terminated @keys go into
 * @values (newly allocated, NULL where absent) */
static void
cur_map_find (Cur * c, const gchar * const *keys, gchar ** values)
{
  gsize n = 0;
  const guint8 *p = cur_bytes32 (c, &n);
  Cur m;
  guint i;

  if (!p)
    return;
  cur_init (&m, p, n);
  while (m.ok && m.pos < m.len) {
    gsize kl = 0, vl = 0;
    const guint8 *k = cur_bytes32 (&m, &kl);
    const guint8 *v = cur_bytes32 (&m, &vl);

    if (!k || !v)
      break;
    for (i = 0; keys[i]; i++)
      if (!values[i] && kl == strlen (keys[i]) && memcmp (k, keys[i], kl) == 0)
        values[i] = g_strndup ((const gchar *) v, vl);
  }
}

/**
 * gst_rosbag_mcap_record_parse:
 *
 * One record at @buf (@avail bytes): opcode and content. NEED_MORE with
 * *@needed the whole record's size when it does not fit yet.
 */
GstRosbagParseResult
gst_rosbag_mcap_record_parse (const guint8 * buf, gsize avail,
    guint64 base_offset, GstRosbagMcapRecord * rec, guint64 * needed,
    GError ** error)
{
  guint64 len;

  if (avail < 9) {
    if (needed)
      *needed = 9;
    return GST_ROSBAG_PARSE_NEED_MORE;
  }
  len = rd64 (buf + 1);
  if (len > G_MAXUINT64 - 9) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " claims %" G_GUINT64_FORMAT
        " bytes", base_offset, len);
    return GST_ROSBAG_PARSE_ERROR;
  }
  rec->offset = base_offset;
  rec->op = buf[0];
  rec->len = len;
  rec->total_len = 9 + len;
  if (avail - 9 < len) {
    if (needed)
      *needed = 9 + len;
    rec->content = NULL;
    return GST_ROSBAG_PARSE_NEED_MORE;
  }
  rec->content = buf + 9;
  return GST_ROSBAG_PARSE_OK;
}

/* ---------------------------------------------------------------------- */
/* schema, channel, message records */

static void
schema_free (Schema * s)
{
  g_free (s->name);
  g_free (s->encoding);
  g_free (s->data);
  g_free (s);
}

static void
channel_free (Channel * ch)
{
  g_free (ch->topic);
  g_free (ch->encoding);
  g_free (ch->callerid);
  g_free (ch->qos);
  g_free (ch->md5sum);
  g_free (ch);
}

GHashTable *
gst_rosbag_mcap_new_schema_table (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) schema_free);
}

GHashTable *
gst_rosbag_mcap_new_channel_table (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) channel_free);
}

static void
topic_fill (GstRosbagTopic * t, Channel * ch, Schema * s)
{
  g_free (t->message_encoding);
  t->message_encoding = g_strdup (ch->encoding);
  if (s) {
    g_free (t->type);
    t->type = g_strdup (s->name);
    g_free (t->schema_encoding);
    t->schema_encoding = g_strdup (s->encoding);
    gst_rosbag_topic_set_definition (t, s->data, s->len);
  }
  if (ch->md5sum && !t->md5sum)
    t->md5sum = g_strdup (ch->md5sum);
  if (ch->qos && !t->qos)
    t->qos = gst_rosbag_qos_parse (ch->qos, strlen (ch->qos));
  t->latching |= ch->latching;
}

GstRosbagTopic *
gst_rosbag_mcap_topic_for_channel (GHashTable * schemas,
    GHashTable * channels, guint16 id)
{
  Channel *ch = g_hash_table_lookup (channels, GUINT_TO_POINTER ((guint) id));
  GstRosbagTopic *t;

  if (!ch)
    return NULL;
  t = gst_rosbag_topic_new (ch->topic);
  topic_fill (t, ch, ch->schema_id ? g_hash_table_lookup (schemas,
          GUINT_TO_POINTER ((guint) ch->schema_id)) : NULL);
  g_ptr_array_add (t->callerids, g_strdup (ch->callerid ? ch->callerid : ""));
  return t;
}

gboolean
gst_rosbag_mcap_parse_schema (const GstRosbagMcapRecord * rec,
    GHashTable * schemas, GError ** error)
{
  Cur c;
  Schema *s = g_new0 (Schema, 1);
  const guint8 *d;
  gsize dl = 0;

  cur_init (&c, rec->content, rec->len);
  s->id = cur_u16 (&c);
  s->name = cur_string (&c);
  s->encoding = cur_string (&c);
  d = cur_bytes32 (&c, &dl);
  if (!c.ok || !s->name || !s->encoding || !d) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "schema record at byte %" G_GUINT64_FORMAT " is cut short",
        rec->offset);
    schema_free (s);
    return FALSE;
  }
  s->data = g_memdup2 (d, dl);
  s->len = dl;
  if (s->id == 0 || g_hash_table_contains (schemas, GUINT_TO_POINTER (s->id))) {
    /* id 0 is reserved; a repeated schema changes nothing */
    schema_free (s);
    return TRUE;
  }
  g_hash_table_insert (schemas, GUINT_TO_POINTER (s->id), s);
  return TRUE;
}

gboolean
gst_rosbag_mcap_parse_channel (const GstRosbagMcapRecord * rec,
    GHashTable * channels, GError ** error)
{
  Cur c;
  Channel *ch = g_new0 (Channel, 1);

  cur_init (&c, rec->content, rec->len);
  ch->id = cur_u16 (&c);
  ch->schema_id = cur_u16 (&c);
  ch->topic = cur_string (&c);
  ch->encoding = cur_string (&c);
  if (c.ok) {
    /* the ros1 profile's channel metadata */
    static const gchar *const keys[] = { "callerid", "md5sum", "latching",
      "offered_qos_profiles", NULL
    };
    gchar *values[4] = { NULL, NULL, NULL, NULL };

    cur_map_find (&c, keys, values);
    ch->callerid = values[0];
    ch->md5sum = values[1];
    ch->latching = values[2] && (strcmp (values[2], "1") == 0
        || strcmp (values[2], "true") == 0);
    g_free (values[2]);
    ch->qos = values[3];
  }
  if (!c.ok || !ch->topic || !ch->encoding) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "channel record at byte %" G_GUINT64_FORMAT " is cut short",
        rec->offset);
    channel_free (ch);
    return FALSE;
  }
  ch->first_ns = G_MAXUINT64;
  if (g_hash_table_contains (channels, GUINT_TO_POINTER (ch->id))) {
    channel_free (ch);
    return TRUE;
  }
  g_hash_table_insert (channels, GUINT_TO_POINTER (ch->id), ch);
  return TRUE;
}

gboolean
gst_rosbag_mcap_parse_message (const guint8 * content, guint64 len,
    guint64 offset, GstRosbagMessage * msg, GError ** error)
{
  if (len < 2 + 4 + 8 + 8) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "message record at byte %" G_GUINT64_FORMAT " is %" G_GUINT64_FORMAT
        " bytes, too short", offset, len);
    return FALSE;
  }
  msg->channel_id = rd16 (content);
  msg->sequence = rd32 (content + 2);
  msg->time_ns = rd64 (content + 6);
  msg->publish_time_ns = rd64 (content + 14);
  msg->data = content + 22;
  msg->size = len - 22;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* I/O */

static GBytes *
mcap_read (GstRosbagMcap * m, guint64 offset, guint64 size, GError ** error)
{
  GBytes *b;

  if (offset > m->file_size || size > m->file_size - offset) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: %" G_GUINT64_FORMAT " bytes at byte %" G_GUINT64_FORMAT
        " go past the end of the file (%" G_GUINT64_FORMAT " bytes)",
        m->name, size, offset, m->file_size);
    return NULL;
  }
  if (size > G_MAXSIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: record at byte %" G_GUINT64_FORMAT " is too large", m->name,
        offset);
    return NULL;
  }
  b = m->read_func (m->user_data, offset, size, error);
  if (b && g_bytes_get_size (b) < size) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: read of %" G_GUINT64_FORMAT " bytes at byte %" G_GUINT64_FORMAT
        " came short", m->name, size, offset);
    g_bytes_unref (b);
    return NULL;
  }
  return b;
}

/* ---------------------------------------------------------------------- */
/* chunks */

gboolean
gst_rosbag_mcap_chunk_head_parse (const guint8 * content, guint64 len,
    guint64 pos, GstRosbagMcapChunkHead * h, GError ** error)
{
  Cur c;

  cur_init (&c, content, len);
  h->start_ns = cur_u64 (&c);
  h->end_ns = cur_u64 (&c);
  h->usize = cur_u64 (&c);
  h->crc = cur_u32 (&c);
  h->compression = cur_string (&c);
  h->records_len = cur_u64 (&c);
  if (!c.ok || !h->compression || h->records_len > len - c.pos) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "chunk at byte %" G_GUINT64_FORMAT " is cut short or its records"
        " length is wrong", pos);
    g_free (h->compression);
    h->compression = NULL;
    return FALSE;
  }
  h->records = content + c.pos;
  return TRUE;
}

/* decompresses a chunk record's content (no I/O); @owner backs @content */
GBytes *
gst_rosbag_mcap_chunk_decode (GBytes * owner, const guint8 * content,
    guint64 len, guint64 pos, GError ** error)
{
  GstRosbagMcapChunkHead h;
  GBytes *out = NULL;
  const guint8 *base = g_bytes_get_data (owner, NULL);

  if (!gst_rosbag_mcap_chunk_head_parse (content, len, pos, &h, error))
    return NULL;
  if (h.usize > GST_ROSBAG_MAX_CHUNK_SIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "chunk at byte %" G_GUINT64_FORMAT " claims %" G_GUINT64_FORMAT
        " uncompressed bytes, more than the %" G_GUINT64_FORMAT
        " we accept", pos, h.usize, GST_ROSBAG_MAX_CHUNK_SIZE);
    goto done;
  }
  if (h.compression[0] == 0) {
    if (h.records_len != h.usize) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "uncompressed chunk at byte %" G_GUINT64_FORMAT " holds %"
          G_GUINT64_FORMAT " bytes but says %" G_GUINT64_FORMAT, pos,
          h.records_len, h.usize);
      goto done;
    }
    out = g_bytes_new_from_bytes (owner, h.records - base, h.records_len);
  } else if (strcmp (h.compression, "zstd") == 0) {
    out = gst_rosbag_zstd_decompress (h.records, h.records_len, h.usize, error);
  } else if (strcmp (h.compression, "lz4") == 0) {
    out = gst_rosbag_lz4_frame_decompress (h.records, h.records_len,
        h.usize, error);
  } else {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "chunk at byte %" G_GUINT64_FORMAT " uses compression '%s', which"
        " we do not read", pos, h.compression);
    goto done;
  }
  if (!out) {
    g_prefix_error (error, "chunk at byte %" G_GUINT64_FORMAT ": ", pos);
    goto done;
  }
  if (h.crc != 0) {
    gsize ol;
    const guint8 *od = g_bytes_get_data (out, &ol);
    guint32 crc = gst_rosbag_crc32 (0, od, ol);

    if (crc != h.crc) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "chunk at byte %" G_GUINT64_FORMAT " fails its CRC (stored %08x,"
          " computed %08x)", pos, h.crc, crc);
      g_bytes_unref (out);
      out = NULL;
    }
  }
done:
  g_free (h.compression);
  return out;
}

static gint
u32_cmp (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/* sets the chunk's channel list and count from its entries */
static void
chunk_take_entries (Chunk * ck, GArray * entries)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GHashTableIter it;
  gpointer k;
  guint i = 0;

  g_array_sort (entries, gst_rosbag_index_entry_cmp);
  ck->entries = entries;
  ck->message_count = entries->len;
  for (i = 0; i < entries->len; i++)
    g_hash_table_add (seen, GUINT_TO_POINTER (g_array_index (entries,
                GstRosbagIndexEntry, i).conn_id));
  g_free (ck->channel_ids);
  ck->n_channels = g_hash_table_size (seen);
  ck->channel_ids = g_new (guint32, MAX (ck->n_channels, 1));
  i = 0;
  g_hash_table_iter_init (&it, seen);
  while (g_hash_table_iter_next (&it, &k, NULL))
    ck->channel_ids[i++] = GPOINTER_TO_UINT (k);
  qsort (ck->channel_ids, ck->n_channels, sizeof (guint32), u32_cmp);
  if (entries->len > 0) {
    ck->start_ns = G_MAXUINT64;
    ck->end_ns = 0;
    for (i = 0; i < entries->len; i++) {
      guint64 t = g_array_index (entries, GstRosbagIndexEntry, i).time_ns;

      ck->start_ns = MIN (ck->start_ns, t);
      ck->end_ns = MAX (ck->end_ns, t);
    }
  }
  g_hash_table_unref (seen);
}

/* Walks the records of a decoded chunk: registers schemas and channels
 * when @schemas and @channels are given, and appends its messages'
 * entries to @entries (offsets inside the chunk). Stops at the first
 * record that does not fit (a cut chunk keeps what came before). */
static void
scan_chunk_records (GstRosbagMcap * m, GBytes * dec, GHashTable * schemas,
    GHashTable * channels, GArray * entries, guint64 chunk_pos)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (dec, &len);
  gsize off = 0;

  while (off < len) {
    GstRosbagMcapRecord rec;
    GError *err = NULL;
    GstRosbagParseResult pr;

    pr = gst_rosbag_mcap_record_parse (d + off, len - off, off, &rec, NULL,
        &err);
    if (pr != GST_ROSBAG_PARSE_OK) {
      if (m && m->warnings)
        g_string_append_printf (m->warnings, "%schunk at byte %"
            G_GUINT64_FORMAT ": record at byte %" G_GSIZE_FORMAT
            " inside it is cut off", m->warnings->len ? "; " : "",
            chunk_pos, off);
      g_clear_error (&err);
      break;
    }
    switch (rec.op) {
      case GST_ROSBAG_MCAP_OP_SCHEMA:
        if (schemas)
          gst_rosbag_mcap_parse_schema (&rec, schemas, NULL);
        break;
      case GST_ROSBAG_MCAP_OP_CHANNEL:
        if (channels)
          gst_rosbag_mcap_parse_channel (&rec, channels, NULL);
        break;
      case GST_ROSBAG_MCAP_OP_MESSAGE:
        if (rec.len >= 22 && off <= G_MAXUINT32) {
          GstRosbagIndexEntry e;

          e.time_ns = rd64 (rec.content + 6);
          e.offset = off;
          e.conn_id = rd16 (rec.content);
          g_array_append_val (entries, e);
        }
        break;
      default:
        break;
    }
    off += rec.total_len;
  }
}

/* ---------------------------------------------------------------------- */
/* the backend functions */

static Chunk *
get_chunk (GstRosbagMcap * m, guint i)
{
  return &g_array_index (m->chunks, Chunk, i);
}

static GBytes *
be_read_block (gpointer be, guint i, GError ** error)
{
  GstRosbagMcap *m = be;
  Chunk *ck = get_chunk (m, i);

  return mcap_read (m, ck->pos, ck->length, error);
}

static GBytes *
be_decode_block (gpointer be, guint i, GBytes * raw, GError ** error)
{
  GstRosbagMcap *m = be;
  Chunk *ck = get_chunk (m, i);
  gsize len;
  const guint8 *d = g_bytes_get_data (raw, &len);
  GstRosbagMcapRecord rec;
  GBytes *out;

  if (ck->loose)
    return g_bytes_ref (raw);
  if (gst_rosbag_mcap_record_parse (d, len, ck->pos, &rec, NULL, error)
      != GST_ROSBAG_PARSE_OK || rec.op != GST_ROSBAG_MCAP_OP_CHUNK) {
    if (error && !*error)
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: no chunk record at byte %" G_GUINT64_FORMAT, m->name, ck->pos);
    return NULL;
  }
  out = gst_rosbag_mcap_chunk_decode (raw, rec.content, rec.len, ck->pos,
      error);
  if (!out)
    g_prefix_error (error, "%s: ", m->name);
  return out;
}

static gboolean
be_block_size (gpointer be, guint i, gsize * size, GError ** error)
{
  GstRosbagMcap *m = be;
  Chunk *ck = get_chunk (m, i);

  *size = ck->loose ? ck->length : MIN (ck->uncompressed_size,
      GST_ROSBAG_MAX_CHUNK_SIZE);
  return TRUE;
}

/* Reads and decodes chunk @i and walks its records: its messages' entries,
 * unsorted; with @learn, the schemas and channels it defines go into the
 * tables. NULL with @error set if it cannot be read or decoded. */
static GArray *
chunk_walk (GstRosbagMcap * m, guint i, gboolean learn, GError ** error)
{
  GBytes *raw = be_read_block (m, i, error), *dec;
  GArray *entries;

  if (!raw)
    return NULL;
  dec = be_decode_block (m, i, raw, error);
  g_bytes_unref (raw);
  if (!dec)
    return NULL;
  entries = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));
  scan_chunk_records (learn ? m : NULL, dec, learn ? m->schemas : NULL,
      learn ? m->channels : NULL, entries, get_chunk (m, i)->pos);
  g_bytes_unref (dec);
  return entries;
}

static GArray *
be_load_index (gpointer be, guint i, GHashTable * wanted, GError ** error)
{
  GstRosbagMcap *m = be;
  Chunk *ck = get_chunk (m, i);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));
  guint k;

  if (ck->entries) {
    for (k = 0; k < ck->entries->len; k++) {
      GstRosbagIndexEntry *e = &g_array_index (ck->entries,
          GstRosbagIndexEntry, k);

      if (!wanted || g_hash_table_contains (wanted,
              GUINT_TO_POINTER (e->conn_id)))
        g_array_append_val (out, *e);
    }
    return out;
  }

  if (ck->mi && ck->mi->len > 0) {
    for (k = 0; k < ck->mi->len; k++) {
      MiRef *ref = &g_array_index (ck->mi, MiRef, k);
      GBytes *head, *body;
      const guint8 *hp, *bp;
      guint64 rlen;
      guint32 arr;
      guint64 n, j;

      if (wanted && !g_hash_table_contains (wanted,
              GUINT_TO_POINTER ((guint) ref->channel)))
        continue;
      head = mcap_read (m, ref->offset, 9 + 2 + 4, NULL);
      if (!head)
        goto bad_index;
      hp = g_bytes_get_data (head, NULL);
      rlen = rd64 (hp + 1);
      arr = rd32 (hp + 11);
      if (hp[0] != GST_ROSBAG_MCAP_OP_MESSAGE_INDEX || rlen < 6
          || arr > rlen - 6 || arr % 16 != 0) {
        g_bytes_unref (head);
        goto bad_index;
      }
      g_bytes_unref (head);
      body = mcap_read (m, ref->offset + 15, arr, NULL);
      if (!body)
        goto bad_index;
      bp = g_bytes_get_data (body, NULL);
      n = arr / 16;
      for (j = 0; j < n; j++) {
        GstRosbagIndexEntry e;
        guint64 off = rd64 (bp + j * 16 + 8);

        /* an offset outside the chunk is kept: reading that message
         * reports it */
        e.time_ns = rd64 (bp + j * 16);
        e.offset = MIN (off, G_MAXUINT32);
        e.conn_id = ref->channel;
        g_array_append_val (out, e);
      }
      g_bytes_unref (body);
    }
    g_array_sort (out, gst_rosbag_index_entry_cmp);
    return out;
  }

bad_index:
  /* a message index that points nowhere or is damaged: the chunk itself
   * still says where its messages are */
  g_array_set_size (out, 0);

  /* no message index: decode the chunk and walk it */
  {
    GArray *all = chunk_walk (m, i, FALSE, error);

    if (!all)
      goto fail;
    for (k = 0; k < all->len; k++) {
      GstRosbagIndexEntry *e = &g_array_index (all, GstRosbagIndexEntry, k);

      if (!wanted || g_hash_table_contains (wanted,
              GUINT_TO_POINTER (e->conn_id)))
        g_array_append_val (out, *e);
    }
    g_array_unref (all);
    g_array_sort (out, gst_rosbag_index_entry_cmp);
    return out;
  }

fail:
  g_array_unref (out);
  return NULL;
}

static gboolean
be_parse_message (gpointer be, guint i, GBytes * block, guint64 offset,
    GstRosbagMessage * msg, GError ** error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (block, &len);
  GstRosbagMcapRecord rec;

  if (offset >= len
      || gst_rosbag_mcap_record_parse (d + offset, len - offset, offset,
          &rec, NULL, error) != GST_ROSBAG_PARSE_OK) {
    if (error && !*error)
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "message record at byte %" G_GUINT64_FORMAT " is cut off", offset);
    return FALSE;
  }
  if (rec.op != GST_ROSBAG_MCAP_OP_MESSAGE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " is opcode 0x%02x, not a"
        " message", offset, rec.op);
    return FALSE;
  }
  msg->offset = offset;
  return gst_rosbag_mcap_parse_message (rec.content, rec.len, offset, msg,
      error);
}

static const GstRosbagBackendFuncs mcap_funcs = {
  be_load_index,
  be_block_size,
  be_read_block,
  be_decode_block,
  be_parse_message,
};

/* ---------------------------------------------------------------------- */
/* opening */

static void
chunk_clear (Chunk * ck)
{
  g_free (ck->compression);
  if (ck->mi)
    g_array_unref (ck->mi);
  if (ck->entries)
    g_array_unref (ck->entries);
  g_free (ck->channel_ids);
}

static void
mcap_free (GstRosbagMcap * m)
{
  guint i;

  if (!m)
    return;
  for (i = 0; i < m->chunks->len; i++)
    chunk_clear (get_chunk (m, i));
  g_array_unref (m->chunks);
  g_hash_table_unref (m->schemas);
  g_hash_table_unref (m->channels);
  g_ptr_array_unref (m->metadata_names);
  g_ptr_array_unref (m->attachment_names);
  if (m->notify)
    m->notify (m->user_data);
  if (m->warnings)
    g_string_free (m->warnings, TRUE);
  g_free (m->profile);
  g_free (m->library);
  g_free (m->scan_report);
  g_free (m->name);
  g_free (m);
}

static void
names_add (GPtrArray * names, const gchar * name)
{
  g_ptr_array_index (names, names->len - 1) = g_strdup (name);
  g_ptr_array_add (names, NULL);
}

static void
loose_close (GstRosbagMcap * m)
{
  if (m->loose_idx >= 0) {
    Chunk *ck = get_chunk (m, m->loose_idx);

    chunk_take_entries (ck, ck->entries);
    m->loose_idx = -1;
  }
}

/* the loose block being filled gets the message record at @off (file
 * offset); blocks never span a chunk or a covered span */
static void
loose_add (GstRosbagMcap * m, guint64 off, guint64 total_len,
    const GstRosbagMessage * msg)
{
  Chunk *ck;
  GstRosbagIndexEntry e;

  if (m->loose_idx >= 0) {
    ck = get_chunk (m, m->loose_idx);
    if (off - ck->pos + total_len > LOOSE_BLOCK_MAX
        || off + total_len - ck->pos > G_MAXUINT32)
      loose_close (m);
  }
  if (m->loose_idx < 0) {
    Chunk nc;

    memset (&nc, 0, sizeof (nc));
    nc.pos = off;
    nc.loose = TRUE;
    nc.compression = g_strdup ("");
    nc.entries = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));
    g_array_append_val (m->chunks, nc);
    m->loose_idx = m->chunks->len - 1;
  }
  ck = get_chunk (m, m->loose_idx);
  e.time_ns = msg->time_ns;
  e.offset = off - ck->pos;
  e.conn_id = msg->channel_id;
  g_array_append_val (ck->entries, e);
  ck->length = off + total_len - ck->pos;
}

static void
G_GNUC_PRINTF (2, 3)
note (GstRosbagMcap * m, const gchar * fmt, ...)
{
  va_list ap;

  if (m->warnings->len)
    g_string_append (m->warnings, "; ");
  va_start (ap, fmt);
  g_string_append_vprintf (m->warnings, fmt, ap);
  va_end (ap);
}

/* ---------------------------------------------------------------------- */
/* scanning: the stream parser walks the parts of the file that must be
 * walked (a file without a summary, the gaps no chunk index covers) and
 * tells us what goes by; records it drops are jumped over, not read */

typedef struct
{
  GstRosbagMcap *m;
  gint chunk_idx;               /* the chunk whose messages come, or -1 */
  GArray *chunk_entries;
  gboolean ended;
  guint64 end_pos;
  gchar *cut;                   /* the record the range's end cuts */
} Scan;

static void
scan_close_chunk (Scan * sc)
{
  if (sc->chunk_idx >= 0) {
    chunk_take_entries (get_chunk (sc->m, sc->chunk_idx), sc->chunk_entries);
    sc->chunk_idx = -1;
    sc->chunk_entries = NULL;
  }
}

static void
scan_chunk (gpointer ud, guint64 pos, guint64 total_len,
    const GstRosbagMcapChunkHead * head, const GError * error)
{
  Scan *sc = ud;
  GstRosbagMcap *m = sc->m;
  Chunk nc;

  scan_close_chunk (sc);
  loose_close (m);
  memset (&nc, 0, sizeof (nc));
  nc.pos = pos;
  nc.length = total_len;
  if (head) {
    nc.start_ns = head->start_ns;
    nc.end_ns = head->end_ns;
    nc.uncompressed_size = head->usize;
    nc.compressed_size = head->records_len;
    nc.compression = g_strdup (head->compression);
  } else {
    nc.compression = g_strdup ("?");
  }
  if (error) {
    /* kept: reading it reports the error where it lies */
    note (m, "%s", error->message);
    nc.message_count = G_MAXUINT64;
    g_array_append_val (m->chunks, nc);
  } else {
    g_array_append_val (m->chunks, nc);
    sc->chunk_idx = m->chunks->len - 1;
    sc->chunk_entries = g_array_new (FALSE, FALSE,
        sizeof (GstRosbagIndexEntry));
  }
  m->n_chunks++;
}

static void
scan_message (gpointer ud, const GstRosbagMessage * msg, guint64 record_len,
    gboolean in_chunk)
{
  Scan *sc = ud;

  if (in_chunk) {
    GstRosbagIndexEntry e;

    if (sc->chunk_idx < 0 || msg->offset > G_MAXUINT32)
      return;
    e.time_ns = msg->time_ns;
    e.offset = msg->offset;
    e.conn_id = msg->channel_id;
    g_array_append_val (sc->chunk_entries, e);
  } else {
    scan_close_chunk (sc);
    loose_add (sc->m, msg->chunk_pos, record_len, msg);
  }
}

static void
scan_name (gpointer ud, guint8 op, const gchar * name)
{
  Scan *sc = ud;

  names_add (op == GST_ROSBAG_MCAP_OP_METADATA ? sc->m->metadata_names :
      sc->m->attachment_names, name);
}

static void
scan_end (gpointer ud, guint8 op, guint64 pos)
{
  Scan *sc = ud;

  sc->ended = TRUE;
  sc->end_pos = pos;
}

static const GstRosbagStreamScan scan_funcs = {
  scan_chunk, scan_message, scan_name, scan_end
};

static GBytes *
scan_read (gpointer user_data, guint64 offset, gsize size, GError ** error)
{
  return mcap_read (user_data, offset, size, error);
}

static gboolean
scan_skipped (gpointer ud, const GError * err, gboolean at_end)
{
  Scan *sc = ud;

  if (err && g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_TRUNCATED) && at_end) {
    /* the end of the range cuts a record: the scan stops there */
    g_free (sc->cut);
    sc->cut = g_strdup (err->message);
  } else if (err) {
    note (sc->m, "%s", err->message);
  }
  return TRUE;
}

/* Walks the records of [@pos, @end) with the stream parser. Returns FALSE
 * with *@why set if it stopped before @end (or a DataEnd). */
static gboolean
scan_range (GstRosbagMcap * m, guint64 pos, guint64 end, gchar ** why,
    guint64 * stop_pos)
{
  Scan sc = { m, -1, NULL, FALSE, 0, NULL };
  GstRosbagStreamParser *p;
  GError *err = NULL;
  gboolean ok;

  p = gst_rosbag_stream_parser_new_scan (m->name, pos, m->schemas,
      m->channels, &scan_funcs, &sc);
  ok = gst_rosbag_stream_parser_scan_range (p, scan_read, m, pos, end,
      scan_skipped, NULL, &sc, stop_pos, &err);
  scan_close_chunk (&sc);
  loose_close (m);
  if (!ok) {
    *why = g_strdup (err->message);
    g_error_free (err);
  } else if (sc.cut) {
    *why = sc.cut;
    sc.cut = NULL;
    *stop_pos = end;
    ok = FALSE;
  } else if (sc.ended) {
    *stop_pos = sc.end_pos;
  }
  g_free (sc.cut);
  gst_rosbag_stream_parser_free (p);
  return ok;
}

/* The gaps of [@start, @end) between the @spans (pairs start, end,
 * sorted), each walked by scan_range() */
static void
scan_gaps (GstRosbagMcap * m, guint64 start, guint64 end, GArray * spans)
{
  guint i;
  guint64 pos = start;

  for (i = 0; i <= spans->len; i += 2) {
    guint64 gap_end = i < spans->len ? g_array_index (spans, guint64, i) : end;
    gchar *why = NULL;
    guint64 stop;

    gap_end = MIN (gap_end, end);
    if (gap_end > pos && !scan_range (m, pos, gap_end, &why, &stop)) {
      note (m, "%s", why);
      g_free (why);
    }
    if (i < spans->len)
      pos = MAX (pos, g_array_index (spans, guint64, i + 1));
  }
}

static gboolean
read_header (GstRosbagMcap * m, GError ** error)
{
  GBytes *b;
  const guint8 *d;
  guint64 len;
  Cur c;

  b = mcap_read (m, 0, MIN (m->file_size, 8 + 9), error);
  if (!b)
    return FALSE;
  d = g_bytes_get_data (b, NULL);
  if (g_bytes_get_size (b) < 17 || memcmp (d, GST_ROSBAG_MCAP_MAGIC, 8) != 0
      || d[8] != GST_ROSBAG_MCAP_OP_HEADER) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
        "%s: no MCAP header record after the magic", m->name);
    g_bytes_unref (b);
    return FALSE;
  }
  len = rd64 (d + 9);
  g_bytes_unref (b);
  if (len > m->file_size - 17 || len > 1024 * 1024) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: the header record claims %" G_GUINT64_FORMAT " bytes", m->name,
        len);
    return FALSE;
  }
  b = mcap_read (m, 17, len, error);
  if (!b)
    return FALSE;
  cur_init (&c, g_bytes_get_data (b, NULL), len);
  m->profile = cur_string (&c);
  m->library = cur_string (&c);
  g_bytes_unref (b);
  if (!m->profile || !m->library) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: the header record at byte 8 is cut short", m->name);
    return FALSE;
  }
  m->data_start = 17 + len;
  return TRUE;
}

static gint
u64_cmp (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static gint
span_cmp (gconstpointer a, gconstpointer b)
{
  return u64_cmp (a, b);
}

/* @spans: pairs (start, end), sorted by start */
static void
sort_spans (GArray * spans)
{
  if (spans->len >= 4)
    qsort (spans->data, spans->len / 2, 2 * sizeof (guint64), span_cmp);
}

static gint
u32_cmp_ptr (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return x < y ? -1 : (x > y ? 1 : 0);
}

static gint
mi_cmp (gconstpointer a, gconstpointer b)
{
  const MiRef *x = a, *y = b;

  return x->channel < y->channel ? -1 : (x->channel > y->channel ? 1 : 0);
}

/* One ChunkIndex record of the summary */
static gboolean
parse_chunk_index (GstRosbagMcap * m, const GstRosbagMcapRecord * rec)
{
  Cur c, mc;
  Chunk ck;
  gsize ml = 0;
  const guint8 *mp;
  guint64 chunk_length, mi_length;

  memset (&ck, 0, sizeof (ck));
  cur_init (&c, rec->content, rec->len);
  ck.start_ns = cur_u64 (&c);
  ck.end_ns = cur_u64 (&c);
  ck.pos = cur_u64 (&c);
  chunk_length = cur_u64 (&c);
  mp = cur_bytes32 (&c, &ml);
  mi_length = cur_u64 (&c);
  ck.compression = cur_string (&c);
  ck.compressed_size = cur_u64 (&c);
  ck.uncompressed_size = cur_u64 (&c);
  if (!c.ok || !mp || !ck.compression || ck.pos < m->data_start
      || ck.pos > m->data_end || chunk_length > m->data_end - ck.pos
      || chunk_length < 9 || mi_length > m->data_end - ck.pos - chunk_length) {
    g_free (ck.compression);
    return FALSE;
  }
  ck.length = chunk_length;
  ck.mi_length = mi_length;
  ck.message_count = G_MAXUINT64;
  ck.mi = g_array_new (FALSE, FALSE, sizeof (MiRef));
  cur_init (&mc, mp, ml);
  while (mc.ok && mc.pos < mc.len) {
    MiRef r;

    r.channel = cur_u16 (&mc);
    r.offset = cur_u64 (&mc);
    /* kept even when it points nowhere: reading it then says so */
    if (mc.ok)
      g_array_append_val (ck.mi, r);
  }
  g_array_sort (ck.mi, mi_cmp);
  if (ck.mi->len > 0) {
    guint i;

    ck.channel_ids = g_new (guint32, ck.mi->len);
    for (i = 0; i < ck.mi->len; i++)
      ck.channel_ids[i] = g_array_index (ck.mi, MiRef, i).channel;
    ck.n_channels = ck.mi->len;
  }
  g_array_append_val (m->chunks, ck);
  m->n_chunks++;
  return TRUE;
}

static void
parse_statistics (GstRosbagMcap * m, const GstRosbagMcapRecord * rec)
{
  Cur c, mc;
  gsize ml = 0;
  const guint8 *mp;

  cur_init (&c, rec->content, rec->len);
  cur_u64 (&c);                 /* message_count */
  cur_u16 (&c);                 /* schema_count */
  cur_u32 (&c);                 /* channel_count */
  cur_u32 (&c);                 /* attachment_count */
  cur_u32 (&c);                 /* metadata_count */
  cur_u32 (&c);                 /* chunk_count */
  cur_u64 (&c);                 /* message_start_time */
  cur_u64 (&c);                 /* message_end_time */
  mp = cur_bytes32 (&c, &ml);
  if (!c.ok || !mp)
    return;
  cur_init (&mc, mp, ml);
  while (mc.ok && mc.pos < mc.len) {
    guint16 id = cur_u16 (&mc);
    guint64 n = cur_u64 (&mc);
    Channel *ch;

    if (!mc.ok)
      break;
    ch = g_hash_table_lookup (m->channels, GUINT_TO_POINTER ((guint) id));
    if (ch) {
      ch->count = n;
      ch->counted = TRUE;
    }
  }
  m->have_stats = TRUE;
}

/* Reads the summary section; FALSE if there is none or it is damaged */
static gboolean
read_summary (GstRosbagMcap * m, gchar ** why)
{
  GBytes *fb, *sb;
  const guint8 *f, *s;
  guint64 footer_pos = m->file_size - FOOTER_LEN - 8;
  guint64 summary_start, summary_offset_start;
  guint32 summary_crc;
  gsize slen, off;
  GArray *stats_recs;
  guint i;

  if (m->file_size < 8 + FOOTER_LEN + 8 + 9) {
    *why = g_strdup ("the file is too short for a footer");
    return FALSE;
  }
  fb = mcap_read (m, footer_pos, FOOTER_LEN + 8, NULL);
  if (!fb) {
    *why = g_strdup ("cannot read the footer");
    return FALSE;
  }
  f = g_bytes_get_data (fb, NULL);
  if (memcmp (f + FOOTER_LEN, GST_ROSBAG_MCAP_MAGIC, 8) != 0
      || f[0] != GST_ROSBAG_MCAP_OP_FOOTER || rd64 (f + 1) != 20) {
    g_bytes_unref (fb);
    *why = g_strdup ("no footer and closing magic at the end (a cut-off or"
        " still open file)");
    return FALSE;
  }
  summary_start = rd64 (f + 9);
  summary_offset_start = rd64 (f + 17);
  summary_crc = rd32 (f + 25);
  if (summary_start == 0) {
    g_bytes_unref (fb);
    m->data_end = footer_pos;
    *why = g_strdup ("the file has no summary section");
    return FALSE;
  }
  if (summary_start < m->data_start || summary_start > footer_pos
      || footer_pos - summary_start > SUMMARY_MAX
      || (summary_offset_start != 0 && (summary_offset_start < summary_start
              || summary_offset_start > footer_pos))) {
    g_bytes_unref (fb);
    m->data_end = footer_pos;
    *why = g_strdup_printf ("the footer's summary_start %" G_GUINT64_FORMAT
        " or summary_offset_start %" G_GUINT64_FORMAT " is not inside the"
        " file", summary_start, summary_offset_start);
    return FALSE;
  }
  sb = mcap_read (m, summary_start, footer_pos - summary_start, NULL);
  if (!sb) {
    g_bytes_unref (fb);
    *why = g_strdup ("cannot read the summary section");
    return FALSE;
  }
  s = g_bytes_get_data (sb, &slen);
  if (summary_crc != 0) {
    guint32 crc = gst_rosbag_crc32 (0, s, slen);

    crc = gst_rosbag_crc32 (crc, f, 1 + 8 + 8 + 8);
    if (crc != summary_crc) {
      g_bytes_unref (fb);
      g_bytes_unref (sb);
      m->data_end = summary_start;
      *why = g_strdup_printf ("the summary section at byte %" G_GUINT64_FORMAT
          " fails its CRC", summary_start);
      return FALSE;
    }
  }
  g_bytes_unref (fb);
  m->data_end = summary_start;

  /* schemas and channels first, statistics after them */
  stats_recs = g_array_new (FALSE, FALSE, sizeof (gsize));
  off = 0;
  while (off < slen) {
    GstRosbagMcapRecord rec;

    if (gst_rosbag_mcap_record_parse (s + off, slen - off,
            summary_start + off, &rec, NULL, NULL) != GST_ROSBAG_PARSE_OK) {
      *why = g_strdup_printf ("the summary record at byte %" G_GUINT64_FORMAT
          " is cut off", summary_start + off);
      goto bad;
    }
    switch (rec.op) {
      case GST_ROSBAG_MCAP_OP_SCHEMA:
        gst_rosbag_mcap_parse_schema (&rec, m->schemas, NULL);
        break;
      case GST_ROSBAG_MCAP_OP_CHANNEL:
        gst_rosbag_mcap_parse_channel (&rec, m->channels, NULL);
        break;
      case GST_ROSBAG_MCAP_OP_CHUNK_INDEX:
        if (!parse_chunk_index (m, &rec)) {
          *why = g_strdup_printf ("the chunk index at byte %" G_GUINT64_FORMAT
              " points outside the data section", summary_start + off);
          goto bad;
        }
        break;
      case GST_ROSBAG_MCAP_OP_STATISTICS:
        g_array_append_val (stats_recs, off);
        break;
      default:
        break;
    }
    off += rec.total_len;
  }
  for (i = 0; i < stats_recs->len; i++) {
    GstRosbagMcapRecord rec;
    gsize o = g_array_index (stats_recs, gsize, i);

    gst_rosbag_mcap_record_parse (s + o, slen - o, summary_start + o, &rec,
        NULL, NULL);
    parse_statistics (m, &rec);
  }
  g_array_unref (stats_recs);
  g_bytes_unref (sb);
  return TRUE;

bad:
  g_array_unref (stats_recs);
  g_bytes_unref (sb);
  for (i = 0; i < m->chunks->len; i++)
    chunk_clear (get_chunk (m, i));
  g_array_set_size (m->chunks, 0);
  m->n_chunks = 0;
  m->have_stats = FALSE;
  return FALSE;
}

/* Counts each channel's messages from the message indexes (files without
 * statistics), and decodes chunks that have none */
static void
count_messages (GstRosbagMcap * m)
{
  guint i, k;

  for (i = 0; i < m->chunks->len; i++) {
    Chunk *ck = get_chunk (m, i);
    guint64 total = 0;

    if (ck->entries)
      continue;
    if (!ck->mi || ck->mi->len == 0) {
      GArray *e = be_load_index (m, i, NULL, NULL);

      if (e)
        chunk_take_entries (ck, e);
      continue;
    }
    for (k = 0; k < ck->mi->len; k++) {
      MiRef *r = &g_array_index (ck->mi, MiRef, k);
      GBytes *h = mcap_read (m, r->offset, 15, NULL);
      Channel *ch;
      guint32 arr;

      if (!h)
        continue;
      arr = rd32 ((const guint8 *) g_bytes_get_data (h, NULL) + 11);
      g_bytes_unref (h);
      ch = g_hash_table_lookup (m->channels,
          GUINT_TO_POINTER ((guint) r->channel));
      total += arr / 16;
      if (ch && !ch->counted)
        ch->count += arr / 16;
    }
    ck->message_count = total;
  }
}

static GstRosbagTopic *
topic_for_channel (GstRosbagMcap * m, GHashTable * by_name,
    GstRosbagBackendInfo * info, Channel * ch)
{
  Schema *s = ch->schema_id ? g_hash_table_lookup (m->schemas,
      GUINT_TO_POINTER ((guint) ch->schema_id)) : NULL;
  /* channels of one topic with another schema or encoding are a topic of
   * their own, decoded with their own schema */
  gchar *key = gst_rosbag_topic_key (ch->topic, s ? s->name : "",
      ch->encoding);
  GstRosbagTopic *t = g_hash_table_lookup (by_name, key);

  if (t) {
    g_free (key);
  } else {
    t = gst_rosbag_topic_new (ch->topic);
    topic_fill (t, ch, s);
    if (!s && ch->schema_id != 0) {
      note (m, "channel %u (%s) names schema %u, which the file does not"
          " hold", ch->id, ch->topic, ch->schema_id);
    }
    g_hash_table_insert (by_name, key, t);
    g_ptr_array_add (info->topics, t);
  }
  return t;
}

static gint
chunk_pos_cmp (gconstpointer a, gconstpointer b)
{
  const Chunk *x = a, *y = b;

  return x->pos < y->pos ? -1 : (x->pos > y->pos ? 1 : 0);
}

static void
build_info (GstRosbagMcap * m, GstRosbagBackendInfo * info)
{
  GHashTable *by_name = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  GList *ids, *l;
  guint i, k;

  g_array_sort (m->chunks, chunk_pos_cmp);
  info->funcs = &mcap_funcs;
  info->backend = m;
  info->backend_free = (GDestroyNotify) mcap_free;
  info->topics = g_ptr_array_new ();
  info->channels = g_hash_table_new (NULL, NULL);
  info->blocks = g_array_sized_new (FALSE, TRUE, sizeof (GstRosbagBlock),
      m->chunks->len);

  /* per-channel counts and bounds from scanned entries */
  for (i = 0; i < m->chunks->len; i++) {
    Chunk *ck = get_chunk (m, i);

    if (ck->entries) {
      for (k = 0; k < ck->entries->len; k++) {
        GstRosbagIndexEntry *e = &g_array_index (ck->entries,
            GstRosbagIndexEntry, k);
        Channel *ch = g_hash_table_lookup (m->channels,
            GUINT_TO_POINTER (e->conn_id));

        if (!ch)
          continue;
        if (!ch->counted)
          ch->count++;
        ch->first_ns = MIN (ch->first_ns, e->time_ns);
        ch->last_ns = MAX (ch->last_ns, e->time_ns);
      }
    } else {
      for (k = 0; k < ck->n_channels; k++) {
        Channel *ch = g_hash_table_lookup (m->channels,
            GUINT_TO_POINTER (ck->channel_ids[k]));

        if (ch) {
          ch->first_ns = MIN (ch->first_ns, ck->start_ns);
          ch->last_ns = MAX (ch->last_ns, ck->end_ns);
        }
      }
    }
  }

  /* topics in channel id order, so merging is deterministic */
  ids = g_list_sort (g_hash_table_get_keys (m->channels), (GCompareFunc)
      u32_cmp_ptr);
  for (l = ids; l; l = l->next) {
    Channel *ch = g_hash_table_lookup (m->channels, l->data);
    GstRosbagTopic *t = topic_for_channel (m, by_name, info, ch);

    t->message_count += ch->count;
    t->latching |= ch->latching;
    g_ptr_array_add (t->callerids, g_strdup (ch->callerid ? ch->callerid : ""));
    if (ch->first_ns != G_MAXUINT64) {
      t->first_ns = MIN (t->first_ns, ch->first_ns);
      t->last_ns = MAX (t->last_ns, ch->last_ns);
    }
    g_hash_table_insert (info->channels, l->data, t);
  }
  g_list_free (ids);
  g_hash_table_unref (by_name);

  for (i = 0; i < m->chunks->len; i++) {
    Chunk *ck = get_chunk (m, i);
    GstRosbagBlock b;

    b.pos = ck->pos;
    b.start_ns = ck->start_ns;
    b.end_ns = ck->end_ns;
    b.message_count = ck->message_count;
    b.n_channels = ck->n_channels;
    b.channel_ids = ck->channel_ids;
    g_array_append_val (info->blocks, b);
  }
}

GstRosbagMcap *
gst_rosbag_mcap_open (GstRosbagReadFunc read_func, gpointer user_data,
    GDestroyNotify notify, guint64 file_size, const gchar * name,
    GstRosbagBackendInfo * info, GError ** error)
{
  GstRosbagMcap *m = g_new0 (GstRosbagMcap, 1);
  gchar *why = NULL;
  guint i;

  m->read_func = read_func;
  m->user_data = user_data;
  m->notify = notify;
  m->file_size = file_size;
  m->name = g_strdup (name);
  m->schemas = gst_rosbag_mcap_new_schema_table ();
  m->channels = gst_rosbag_mcap_new_channel_table ();
  m->chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));
  m->metadata_names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (m->metadata_names, NULL);
  m->attachment_names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (m->attachment_names, NULL);
  m->warnings = g_string_new (NULL);
  m->loose_idx = -1;

  if (!read_header (m, error))
    goto fail;
  m->data_end = file_size;

  if (read_summary (m, &why)) {
    GArray *skip = g_array_new (FALSE, FALSE, sizeof (guint64));
    gboolean unknown = FALSE;
    guint n_indexed = m->chunks->len;

    m->indexed = TRUE;
    for (i = 0; i < m->chunks->len; i++) {
      Chunk *ck = get_chunk (m, i);
      guint64 span_end = ck->pos + ck->length + ck->mi_length;
      guint k;

      g_array_append_val (skip, ck->pos);
      g_array_append_val (skip, span_end);
      for (k = 0; k < ck->n_channels; k++)
        if (!g_hash_table_contains (m->channels,
                GUINT_TO_POINTER (ck->channel_ids[k])))
          unknown = TRUE;
      if (ck->n_channels == 0 && g_hash_table_size (m->channels) == 0)
        unknown = TRUE;
    }
    sort_spans (skip);
    scan_gaps (m, m->data_start, m->data_end, skip);
    g_array_unref (skip);
    if (unknown) {
      /* channels that only the chunks define: decode the indexed chunks
       * once to learn them (and their entries) */
      for (i = 0; i < n_indexed; i++) {
        Chunk *ck = get_chunk (m, i);
        GArray *entries;

        if (ck->loose || ck->entries)
          continue;
        /* one that fails to decode reports it when it is read */
        entries = chunk_walk (m, i, TRUE, NULL);
        if (entries)
          chunk_take_entries (ck, entries);
      }
    }
    if (!m->have_stats)
      count_messages (m);
  } else {
    guint64 stop = 0;
    gchar *scan_why = NULL;

    for (i = 0; i < m->chunks->len; i++)
      chunk_clear (get_chunk (m, i));
    g_array_set_size (m->chunks, 0);
    m->n_chunks = 0;
    if (scan_range (m, m->data_start, m->data_end, &scan_why, &stop))
      m->scan_report = g_strdup_printf ("%s; scanned to the data end at"
          " byte %" G_GUINT64_FORMAT, why, stop);
    else
      m->scan_report = g_strdup_printf ("%s; the scan stopped: %s", why,
          scan_why);
    g_free (scan_why);
  }
  g_free (why);
  if (m->warnings->len) {
    gchar *r = m->scan_report;

    m->scan_report = g_strdup_printf ("%s%s%s", r ? r : "", r ? "; " : "",
        m->warnings->str);
    g_free (r);
  }
  build_info (m, info);
  return m;

fail:
  mcap_free (m);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* accessors */

gboolean
gst_rosbag_mcap_is_indexed (GstRosbagMcap * m)
{
  return m->indexed;
}

const gchar *
gst_rosbag_mcap_get_scan_report (GstRosbagMcap * m)
{
  return m->scan_report;
}

const gchar *
gst_rosbag_mcap_get_profile (GstRosbagMcap * m)
{
  return m->profile;
}

const gchar *
gst_rosbag_mcap_get_library (GstRosbagMcap * m)
{
  return m->library;
}

const gchar *const *
gst_rosbag_mcap_get_metadata_names (GstRosbagMcap * m)
{
  return (const gchar * const *) m->metadata_names->pdata;
}

const gchar *const *
gst_rosbag_mcap_get_attachment_names (GstRosbagMcap * m)
{
  return (const gchar * const *) m->attachment_names->pdata;
}

guint
gst_rosbag_mcap_get_n_chunks (GstRosbagMcap * m)
{
  return m->n_chunks;
}

GArray *
gst_rosbag_mcap_get_compression_stats (GstRosbagMcap * m)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (GstRosbagCompressionStat));
  guint i, k;

  for (i = 0; i < m->chunks->len; i++) {
    Chunk *ck = get_chunk (m, i);
    const gchar *name;
    GstRosbagCompressionStat *st = NULL;

    if (ck->loose)
      continue;
    name = ck->compression && ck->compression[0] ? ck->compression : "none";
    for (k = 0; k < out->len && !st; k++) {
      GstRosbagCompressionStat *s = &g_array_index (out,
          GstRosbagCompressionStat, k);
      if (strcmp (s->name, name) == 0)
        st = s;
    }
    if (!st) {
      GstRosbagCompressionStat ns = { name, 0, 0, 0 };

      g_array_append_val (out, ns);
      st = &g_array_index (out, GstRosbagCompressionStat, out->len - 1);
    }
    st->chunks++;
    st->compressed_bytes += ck->compressed_size;
    st->uncompressed_bytes += ck->uncompressed_size;
  }
  return out;
}
