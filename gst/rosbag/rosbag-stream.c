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

/* The incremental parser: bytes in, messages out, for both containers.
 * Push mode in bagdemux drives it; it holds at most one record (one
 * chunk) and drops records it does not need as their bytes go by. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "rosbag-private.h"
#include "rosbag-mcap.h"
#include "rosbag-stream.h"

#define BAG_MAGIC_V2 "#ROSBAG V2.0\n"
#define BAG_MAGIC_LEN 13
/* the scans read the file in windows of this size */
#define SCAN_WINDOW (4 * 1024 * 1024)
/* internal: a record was handled, parse the next one */
#define RECORD_DONE ((GstRosbagStreamResult) -1)

typedef enum
{
  STATE_MAGIC,
  STATE_RECORDS,
  STATE_TRAILER,                /* after an MCAP footer: nothing more */
} State;

struct _GstRosbagStreamParser
{
  gchar *name;
  GQueue pending;               /* GBytes pushed, not yet consumed */
  gsize head_off;               /* consumed bytes of the head */
  gsize avail;                  /* bytes in pending past head_off */
  guint64 offset;               /* file offset of the first unconsumed */
  guint64 skip;                 /* bytes to drop as they arrive */
  gboolean eos;
  State state;
  gboolean format_known;
  GstRosbagFormat format;
  gboolean indexed_known, indexed;

  /* a decoded chunk whose records are being returned */
  GBytes *chunk;
  gsize chunk_off;
  guint64 chunk_pos;

  GBytes *current;              /* backs the last message */

  GPtrArray *topics;            /* owned GstRosbagTopic*, in order seen */
  GHashTable *by_name;          /* gst_rosbag_topic_key() -> topic */
  GHashTable *by_channel;       /* channel/connection id -> topic */
  GHashTable *schemas, *channels;       /* MCAP tables */
  gboolean own_tables;

  /* scan mode (a file backend walks part of a file) */
  const GstRosbagStreamScan *scan;
  const GstRosbagStreamBagScan *bscan;
  gpointer scan_data;
};

/**
 * gst_rosbag_stream_parser_new:
 * @name: the stream's name (a path or URI), for messages
 *
 * Returns: (transfer full): a parser; free with
 * gst_rosbag_stream_parser_free()
 */
GstRosbagStreamParser *
gst_rosbag_stream_parser_new (const gchar * name)
{
  GstRosbagStreamParser *p = g_new0 (GstRosbagStreamParser, 1);

  p->name = g_strdup (name ? name : "stream");
  g_queue_init (&p->pending);
  p->topics = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rosbag_topic_free);
  p->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->by_channel = g_hash_table_new (NULL, NULL);
  p->schemas = gst_rosbag_mcap_new_schema_table ();
  p->channels = gst_rosbag_mcap_new_channel_table ();
  p->own_tables = TRUE;
  return p;
}

/* private: an MCAP parser that starts at a record boundary @offset of a
 * file, for the backend's scans */
GstRosbagStreamParser *
gst_rosbag_stream_parser_new_scan (const gchar * name, guint64 offset,
    GHashTable * schemas, GHashTable * channels,
    const GstRosbagStreamScan * scan, gpointer user_data)
{
  GstRosbagStreamParser *p = g_new0 (GstRosbagStreamParser, 1);

  p->name = g_strdup (name);
  g_queue_init (&p->pending);
  p->topics = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rosbag_topic_free);
  p->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->by_channel = g_hash_table_new (NULL, NULL);
  p->schemas = schemas;
  p->channels = channels;
  p->offset = offset;
  p->format = GST_ROSBAG_FORMAT_MCAP;
  p->format_known = TRUE;
  p->state = STATE_RECORDS;
  p->scan = scan;
  p->scan_data = user_data;
  return p;
}

/* private: a ROS 1 parser that starts at the first record after the bag
 * header, at @offset, for the bag backend's scan of unindexed bags */
GstRosbagStreamParser *
gst_rosbag_stream_parser_new_bag_scan (const gchar * name, guint64 offset,
    const GstRosbagStreamBagScan * scan, gpointer user_data)
{
  GstRosbagStreamParser *p = gst_rosbag_stream_parser_new (name);

  p->offset = offset;
  p->format = GST_ROSBAG_FORMAT_BAG;
  p->format_known = TRUE;
  p->state = STATE_RECORDS;
  p->bscan = scan;
  p->scan_data = user_data;
  return p;
}

/* private: drives a scan-mode parser over [@pos, @end) of a file, see
 * rosbag-mcap.h */
gboolean
gst_rosbag_stream_parser_scan_range (GstRosbagStreamParser * p,
    GstRosbagReadFunc read_func, gpointer read_data, guint64 pos,
    guint64 end, GstRosbagScanSkipped skipped, const gboolean * stop,
    gpointer user_data, guint64 * stop_pos, GError ** error)
{
  gboolean at_end = FALSE;

  while (!stop || !*stop) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagStreamResult res = gst_rosbag_stream_parser_next (p, &msg, &err);
    guint64 skip, here;
    GBytes *b;

    switch (res) {
      case GST_ROSBAG_STREAM_NEED_DATA:
        skip = gst_rosbag_stream_parser_take_skip (p);
        here = p->offset - skip;
        if (skip > end - MIN (end, pos)) {
          /* a dropped record that goes past the end of the range */
          g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
              "incomplete record before byte %" G_GUINT64_FORMAT ": it needs %"
              G_GUINT64_FORMAT " more bytes, %" G_GUINT64_FORMAT " are left",
              here, skip, end - MIN (end, pos));
          *stop_pos = here;
          return FALSE;
        }
        pos += skip;
        if (pos >= end) {
          gst_rosbag_stream_parser_push_eos (p);
          at_end = TRUE;
          break;
        }
        b = read_func (read_data, pos, MIN (end - pos, SCAN_WINDOW), &err);
        if (!b || g_bytes_get_size (b) == 0) {
          g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
              "cannot read at byte %" G_GUINT64_FORMAT "%s%s", pos,
              err ? ": " : "", err ? err->message : "");
          g_clear_error (&err);
          if (b)
            g_bytes_unref (b);
          *stop_pos = pos;
          return FALSE;
        }
        pos += g_bytes_get_size (b);
        gst_rosbag_stream_parser_push (p, b);
        g_bytes_unref (b);
        break;
      case GST_ROSBAG_STREAM_SKIPPED:
        if (!skipped (user_data, err, at_end)) {
          g_clear_error (&err);
          *stop_pos = p->offset;
          return TRUE;
        }
        break;
      case GST_ROSBAG_STREAM_ERROR:
        g_propagate_error (error, err ? err : g_error_new_literal
            (GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT, "unreadable record"));
        *stop_pos = p->offset;
        return FALSE;
      case GST_ROSBAG_STREAM_EOS:
      case GST_ROSBAG_STREAM_MESSAGE:
      default:
        g_clear_error (&err);
        *stop_pos = p->offset;
        return TRUE;
    }
    g_clear_error (&err);
  }
  *stop_pos = p->offset;
  return TRUE;
}

guint64
gst_rosbag_stream_parser_take_skip (GstRosbagStreamParser * p)
{
  guint64 n = p->skip;

  p->skip = 0;
  p->offset += n;
  return n;
}

/**
 * gst_rosbag_stream_parser_free:
 * @parser: (transfer full) (nullable): a parser
 *
 * Frees it and the bytes it still holds.
 */
void
gst_rosbag_stream_parser_free (GstRosbagStreamParser * p)
{
  if (!p)
    return;
  g_queue_clear_full (&p->pending, (GDestroyNotify) g_bytes_unref);
  if (p->chunk)
    g_bytes_unref (p->chunk);
  if (p->current)
    g_bytes_unref (p->current);
  g_hash_table_unref (p->by_name);
  g_hash_table_unref (p->by_channel);
  if (p->own_tables) {
    g_hash_table_unref (p->schemas);
    g_hash_table_unref (p->channels);
  }
  g_ptr_array_unref (p->topics);
  g_free (p->name);
  g_free (p);
}

/**
 * gst_rosbag_stream_parser_push:
 * @parser: a parser
 * @bytes: (transfer none): the next bytes of the stream
 *
 * Adds bytes; no copy is made unless a record spans several pushes.
 */
void
gst_rosbag_stream_parser_push (GstRosbagStreamParser * p, GBytes * bytes)
{
  gsize n = g_bytes_get_size (bytes);

  if (n == 0)
    return;
  g_queue_push_tail (&p->pending, g_bytes_ref (bytes));
  p->avail += n;
}

/**
 * gst_rosbag_stream_parser_push_eos:
 * @parser: a parser
 *
 * Says no more bytes will come: what is left is returned, a cut-off
 * record reported.
 */
void
gst_rosbag_stream_parser_push_eos (GstRosbagStreamParser * p)
{
  p->eos = TRUE;
}

/**
 * gst_rosbag_stream_parser_get_format:
 * @parser: a parser
 * @format: (out): the format
 *
 * Returns: %TRUE once the magic was recognised
 */
gboolean
gst_rosbag_stream_parser_get_format (GstRosbagStreamParser * p,
    GstRosbagFormat * format)
{
  if (p->format_known && format)
    *format = p->format;
  return p->format_known;
}

/**
 * gst_rosbag_stream_parser_get_n_topics:
 * @parser: a parser
 *
 * Returns: the number of topics seen so far
 */
guint
gst_rosbag_stream_parser_get_n_topics (GstRosbagStreamParser * p)
{
  return p->topics->len;
}

/**
 * gst_rosbag_stream_parser_get_topic:
 * @parser: a parser
 * @i: below gst_rosbag_stream_parser_get_n_topics()
 *
 * Topics come in the order their first connection or channel appeared;
 * they stay valid as long as the parser. Their message counts are those
 * returned so far.
 *
 * Returns: (transfer none): topic @i
 */
const GstRosbagTopic *
gst_rosbag_stream_parser_get_topic (GstRosbagStreamParser * p, guint i)
{
  g_return_val_if_fail (i < p->topics->len, NULL);
  return g_ptr_array_index (p->topics, i);
}

/**
 * gst_rosbag_stream_parser_get_indexed:
 * @parser: a parser
 * @indexed: (out): whether the recording has an index
 *
 * Known for a ROS 1 bag once its bag header went by (index_pos is not 0),
 * for MCAP once the footer did (summary_start is not 0), usually at the
 * end of the stream.
 *
 * Returns: %TRUE once it is known
 */
gboolean
gst_rosbag_stream_parser_get_indexed (GstRosbagStreamParser * p,
    gboolean * indexed)
{
  if (p->indexed_known && indexed)
    *indexed = p->indexed;
  return p->indexed_known;
}

/**
 * gst_rosbag_stream_parser_get_offset:
 * @parser: a parser
 *
 * Returns: the file offset of the first byte not yet parsed
 */
guint64
gst_rosbag_stream_parser_get_offset (GstRosbagStreamParser * p)
{
  return p->offset;
}

/* ---------------------------------------------------------------------- */
/* the byte queue */

/* @n bytes from the start, contiguous; merges pushes when needed */
static GBytes *
peek (GstRosbagStreamParser * p, gsize n)
{
  GBytes *head = g_queue_peek_head (&p->pending);
  gsize hl;
  guint8 *buf;
  gsize have = 0;

  g_assert (n <= p->avail && n > 0);
  hl = g_bytes_get_size (head) - p->head_off;
  if (hl >= n)
    return g_bytes_new_from_bytes (head, p->head_off, n);
  /* merge the head pushes into one, covering at least @n */
  buf = g_malloc (n);
  while (have < n) {
    GBytes *b = g_queue_pop_head (&p->pending);
    gsize bl;
    const guint8 *bd = g_bytes_get_data (b, &bl);
    gsize take = MIN (bl - p->head_off, n - have);

    memcpy (buf + have, bd + p->head_off, take);
    have += take;
    if (p->head_off + take < bl) {
      GBytes *rest = g_bytes_new_from_bytes (b, p->head_off + take,
          bl - p->head_off - take);

      g_queue_push_head (&p->pending, rest);
    }
    p->head_off = 0;
    g_bytes_unref (b);
  }
  head = g_bytes_new_take (buf, n);
  g_queue_push_head (&p->pending, g_bytes_ref (head));
  return head;
}

static void
consume (GstRosbagStreamParser * p, gsize n)
{
  p->offset += n;
  p->avail -= n;
  while (n > 0) {
    GBytes *head = g_queue_peek_head (&p->pending);
    gsize hl = g_bytes_get_size (head) - p->head_off;

    if (n < hl) {
      p->head_off += n;
      return;
    }
    n -= hl;
    g_bytes_unref (g_queue_pop_head (&p->pending));
    p->head_off = 0;
  }
}

/* ---------------------------------------------------------------------- */
/* topics */

static GstRosbagTopic *
topic_add (GstRosbagStreamParser * p, GstRosbagTopic * nt, guint32 id)
{
  /* a topic is its name and its type, as in the indexed backends */
  gchar *key = gst_rosbag_topic_key (nt->name, nt->type, nt->md5sum);
  GstRosbagTopic *t = g_hash_table_lookup (p->by_name, key);

  if (t) {
    /* one more channel of a known topic */
    g_free (key);
    g_ptr_array_add (t->callerids, g_strdup (nt->callerids->len ?
            g_ptr_array_index (nt->callerids, 0) : ""));
    gst_rosbag_topic_free (nt);
  } else {
    t = nt;
    t->index = p->topics->len;
    g_ptr_array_add (p->topics, t);
    g_hash_table_insert (p->by_name, key, t);
  }
  g_hash_table_insert (p->by_channel, GUINT_TO_POINTER (id), t);
  return t;
}

static void
bag_connection (GstRosbagStreamParser * p, const GstRosbagRecord * rec)
{
  GstRosbagConnection *c = gst_rosbag_connection_parse (rec, NULL);
  GstRosbagTopic *t;

  if (!c)
    return;
  if (!g_hash_table_contains (p->by_channel, GUINT_TO_POINTER (c->id))) {
    t = gst_rosbag_topic_new (c->topic);
    g_free (t->type);
    t->type = g_strdup (c->type);
    g_free (t->schema_encoding);
    t->schema_encoding = g_strdup ("ros1msg");
    g_free (t->message_encoding);
    t->message_encoding = g_strdup ("ros1");
    gst_rosbag_topic_set_definition (t, (const guint8 *) c->definition,
        c->definition ? strlen (c->definition) : 0);
    t->md5sum = g_strdup (c->md5sum);
    t->latching = c->latching;
    g_ptr_array_add (t->callerids, g_strdup (c->callerid ? c->callerid : ""));
    t = topic_add (p, t, c->id);
    t->latching |= c->latching;
  }
  gst_rosbag_connection_free (c);
}

static void
mcap_channel (GstRosbagStreamParser * p, const GstRosbagMcapRecord * rec)
{
  guint16 id;
  GstRosbagTopic *t;

  if (rec->len < 2 || !gst_rosbag_mcap_parse_channel (rec, p->channels, NULL)
      || p->scan)
    return;
  id = GST_READ_UINT16_LE_MCAP (rec->content);
  if (g_hash_table_contains (p->by_channel, GUINT_TO_POINTER ((guint) id)))
    return;
  t = gst_rosbag_mcap_topic_for_channel (p->schemas, p->channels, id);
  if (t)
    topic_add (p, t, id);
}

/* ---------------------------------------------------------------------- */
/* records */

/* A message found at @data (content of an MCAP message record, or a ROS 1
 * record), backed by @owner */
static GstRosbagStreamResult
emit (GstRosbagStreamParser * p, GBytes * owner, GstRosbagMessage * msg,
    guint64 where, GError ** error)
{
  GstRosbagTopic *t = g_hash_table_lookup (p->by_channel,
      GUINT_TO_POINTER (msg->channel_id));

  if (!t) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: message at byte %" G_GUINT64_FORMAT " is on channel %u, which"
        " no record before it defines", p->name, where, msg->channel_id);
    g_bytes_unref (owner);
    return GST_ROSBAG_STREAM_SKIPPED;
  }
  t->message_count++;
  msg->topic = t;
  msg->chunk = owner;
  p->current = owner;
  return GST_ROSBAG_STREAM_MESSAGE;
}

/* the next message of the decoded chunk, or FALSE at its end */
static gboolean
chunk_next (GstRosbagStreamParser * p, GstRosbagMessage * msg,
    GstRosbagStreamResult * res, GError ** error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (p->chunk, &len);

  while (p->chunk_off < len) {
    gsize off = p->chunk_off;

    if (p->format == GST_ROSBAG_FORMAT_MCAP) {
      GstRosbagMcapRecord rec;

      if (gst_rosbag_mcap_record_parse (d + off, len - off, off, &rec, NULL,
              NULL) != GST_ROSBAG_PARSE_OK)
        break;
      p->chunk_off += rec.total_len;
      if (rec.op == GST_ROSBAG_MCAP_OP_SCHEMA) {
        gst_rosbag_mcap_parse_schema (&rec, p->schemas, NULL);
      } else if (rec.op == GST_ROSBAG_MCAP_OP_CHANNEL) {
        mcap_channel (p, &rec);
      } else if (rec.op == GST_ROSBAG_MCAP_OP_MESSAGE) {
        memset (msg, 0, sizeof (*msg));
        if (!gst_rosbag_mcap_parse_message (rec.content, rec.len, off, msg,
                NULL))
          continue;
        msg->chunk_pos = p->chunk_pos;
        msg->offset = off;
        if (p->scan) {
          p->scan->message (p->scan_data, msg, rec.total_len, TRUE);
          continue;
        }
        *res = emit (p, g_bytes_ref (p->chunk), msg, p->chunk_pos, error);
        return TRUE;
      }
    } else {
      GstRosbagRecord rec;

      if (gst_rosbag_record_parse (d + off, len - off, off, TRUE, &rec, NULL,
              NULL) != GST_ROSBAG_PARSE_OK)
        break;
      p->chunk_off += rec.total_len;
      if (rec.op == GST_ROSBAG_OP_CONNECTION) {
        if (p->bscan)
          p->bscan->connection (p->scan_data, &rec, off, TRUE);
        else
          bag_connection (p, &rec);
      } else if (gst_rosbag_record_get_message (&rec, msg)) {
        if (p->bscan) {
          p->bscan->message (p->scan_data, off, rec.total_len,
              msg->channel_id, msg->time_ns, TRUE);
          continue;
        }
        msg->chunk_pos = p->chunk_pos;
        msg->offset = off;
        *res = emit (p, g_bytes_ref (p->chunk), msg, p->chunk_pos, error);
        return TRUE;
      }
    }
  }
  if (p->bscan) {
    gchar *why = NULL;

    if (p->chunk_off < len)
      why = g_strdup_printf ("incomplete record at chunk byte %"
          G_GSIZE_FORMAT, p->chunk_off);
    p->bscan->chunk_end (p->scan_data, p->chunk_off, len, why);
    g_free (why);
    g_clear_pointer (&p->chunk, g_bytes_unref);
    return FALSE;
  }
  if (p->chunk_off < len) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk at byte %" G_GUINT64_FORMAT ": record at byte %"
        G_GSIZE_FORMAT " inside it is damaged or cut off; the rest of the"
        " chunk is skipped", p->name, p->chunk_pos, p->chunk_off);
    *res = GST_ROSBAG_STREAM_SKIPPED;
    g_clear_pointer (&p->chunk, g_bytes_unref);
    return TRUE;
  }
  g_clear_pointer (&p->chunk, g_bytes_unref);
  return FALSE;
}

/* At the end of the stream, inside a record of @needed bytes */
static GstRosbagStreamResult
cut_off (GstRosbagStreamParser * p, guint64 needed, GError ** error)
{
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
      "%s: the stream ends inside the record at byte %" G_GUINT64_FORMAT
      " (it needs %" G_GUINT64_FORMAT " bytes, %" G_GSIZE_FORMAT " are left)",
      p->name, p->offset, needed, p->avail);
  consume (p, p->avail);
  return GST_ROSBAG_STREAM_SKIPPED;
}

static GstRosbagStreamResult
mcap_record (GstRosbagStreamParser * p, GstRosbagMessage * msg, GError ** error)
{
  GBytes *hb, *rb;
  const guint8 *h;
  guint8 op;
  guint64 len, total;
  GstRosbagMcapRecord rec;
  GstRosbagStreamResult res = GST_ROSBAG_STREAM_NEED_DATA;
  guint64 pos = p->offset;

  if (p->avail < 9)
    return p->eos && p->avail ? cut_off (p, 9, error) :
        (p->eos ? GST_ROSBAG_STREAM_EOS : GST_ROSBAG_STREAM_NEED_DATA);
  hb = peek (p, 9);
  h = g_bytes_get_data (hb, NULL);
  op = h[0];
  len = GST_READ_UINT64_LE_MCAP (h + 1);
  g_bytes_unref (hb);
  if (len > G_MAXUINT64 - 9) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: record at byte %" G_GUINT64_FORMAT " claims %" G_GUINT64_FORMAT
        " bytes", p->name, pos, len);
    return GST_ROSBAG_STREAM_ERROR;
  }
  total = 9 + len;
  switch (op) {
    case GST_ROSBAG_MCAP_OP_HEADER:
    case GST_ROSBAG_MCAP_OP_SCHEMA:
    case GST_ROSBAG_MCAP_OP_CHANNEL:
    case GST_ROSBAG_MCAP_OP_MESSAGE:
    case GST_ROSBAG_MCAP_OP_CHUNK:
    case GST_ROSBAG_MCAP_OP_FOOTER:
      break;
    case GST_ROSBAG_MCAP_OP_DATA_END:
      if (p->scan) {
        p->scan->end (p->scan_data, op, pos);
        p->state = STATE_TRAILER;
        consume (p, MIN (total, p->avail));
        return RECORD_DONE;
      }
      p->skip = total;
      return RECORD_DONE;
    case GST_ROSBAG_MCAP_OP_METADATA:
    case GST_ROSBAG_MCAP_OP_ATTACHMENT:
      if (p->scan) {
        /* the name only: after two times for an attachment */
        gsize head = op == GST_ROSBAG_MCAP_OP_ATTACHMENT ? 16 : 0;
        gsize want = MIN (total, 9 + head + 4 + 4096);
        GBytes *nb;
        const guint8 *nd;

        if (p->avail < want && !p->eos)
          return GST_ROSBAG_STREAM_NEED_DATA;
        want = MIN (want, p->avail);
        nb = peek (p, want);
        nd = g_bytes_get_data (nb, NULL);
        if (want >= 9 + head + 4) {
          guint32 nl = GST_READ_UINT32_LE_MCAP (nd + 9 + head);

          if (nl <= want - 9 - head - 4 && nl <= len - head - 4) {
            gchar *name = g_strndup ((const gchar *) nd + 9 + head + 4, nl);

            p->scan->name (p->scan_data, op, name);
            g_free (name);
          }
        }
        g_bytes_unref (nb);
      }
      p->skip = total;
      return RECORD_DONE;
    default:
      /* indexes, attachments, metadata, summary records, unknown and
       * private opcodes: dropped as they go by */
      p->skip = total;
      return RECORD_DONE;
  }
  if (len > GST_ROSBAG_MAX_CHUNK_SIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: record at byte %" G_GUINT64_FORMAT " (opcode 0x%02x) claims %"
        G_GUINT64_FORMAT " bytes; skipped", p->name, pos, op, len);
    p->skip = total;
    return GST_ROSBAG_STREAM_SKIPPED;
  }
  if (p->avail < total)
    return p->eos ? cut_off (p, total, error) : GST_ROSBAG_STREAM_NEED_DATA;

  rb = peek (p, total);
  rec.offset = pos;
  rec.op = op;
  rec.len = len;
  rec.total_len = total;
  rec.content = (const guint8 *) g_bytes_get_data (rb, NULL) + 9;
  consume (p, total);
  switch (op) {
    case GST_ROSBAG_MCAP_OP_SCHEMA:
      gst_rosbag_mcap_parse_schema (&rec, p->schemas, NULL);
      break;
    case GST_ROSBAG_MCAP_OP_CHANNEL:
      mcap_channel (p, &rec);
      break;
    case GST_ROSBAG_MCAP_OP_MESSAGE:
      memset (msg, 0, sizeof (*msg));
      if (!gst_rosbag_mcap_parse_message (rec.content, len, pos, msg, error)) {
        g_prefix_error (error, "%s: ", p->name);
        res = GST_ROSBAG_STREAM_SKIPPED;
        break;
      }
      msg->chunk_pos = pos;
      msg->offset = 0;
      if (p->scan) {
        p->scan->message (p->scan_data, msg, total, FALSE);
        break;
      }
      return emit (p, rb, msg, pos, error);
    case GST_ROSBAG_MCAP_OP_CHUNK:
    {
      GError *derr = NULL;

      p->chunk = gst_rosbag_mcap_chunk_decode (rb, rec.content, len, pos,
          &derr);
      if (p->scan) {
        GstRosbagMcapChunkHead h;
        gboolean head_ok = gst_rosbag_mcap_chunk_head_parse (rec.content,
            len, pos, &h, NULL);

        p->scan->chunk (p->scan_data, pos, total, head_ok ? &h : NULL, derr);
        if (head_ok)
          g_free (h.compression);
      }
      if (!p->chunk) {
        g_propagate_prefixed_error (error, derr, "%s: ", p->name);
        res = GST_ROSBAG_STREAM_SKIPPED;
        break;
      }
    }
      p->chunk_off = 0;
      p->chunk_pos = pos;
      break;
    case GST_ROSBAG_MCAP_OP_FOOTER:
      p->state = STATE_TRAILER;
      if (p->scan)
        p->scan->end (p->scan_data, op, pos);
      if (len >= 8) {
        p->indexed_known = TRUE;
        p->indexed = GST_READ_UINT64_LE_MCAP (rec.content) != 0;
      }
      break;
    default:
      break;
  }
  g_bytes_unref (rb);
  return res == GST_ROSBAG_STREAM_NEED_DATA ? RECORD_DONE : res;
}

static GstRosbagStreamResult
bag_record (GstRosbagStreamParser * p, GstRosbagMessage * msg, GError ** error)
{
  GBytes *hb, *rb;
  GstRosbagRecord rec;
  GstRosbagParseResult pr;
  guint64 needed = 0, pos = p->offset;
  GError *err = NULL;
  gsize take;
  guint32 size;
  GstRosbagStreamResult res = RECORD_DONE;

  if (p->avail < 8)
    return p->eos && p->avail ? cut_off (p, 8, error) :
        (p->eos ? GST_ROSBAG_STREAM_EOS : GST_ROSBAG_STREAM_NEED_DATA);
  /* the header first, without the data */
  take = MIN (p->avail, 4096);
  hb = peek (p, take);
  pr = gst_rosbag_record_parse (g_bytes_get_data (hb, NULL), take, pos, FALSE,
      &rec, &needed, &err);
  if (pr == GST_ROSBAG_PARSE_NEED_MORE && needed <= p->avail
      && needed <= 1024 * 1024) {
    g_bytes_unref (hb);
    hb = peek (p, needed);
    pr = gst_rosbag_record_parse (g_bytes_get_data (hb, NULL), needed, pos,
        FALSE, &rec, &needed, &err);
  }
  if (pr == GST_ROSBAG_PARSE_NEED_MORE) {
    g_bytes_unref (hb);
    if (needed > 1024 * 1024 + 8) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: the record header at byte %" G_GUINT64_FORMAT " claims %"
          G_GUINT64_FORMAT " bytes", p->name, pos, needed);
      return GST_ROSBAG_STREAM_ERROR;
    }
    return p->eos ? cut_off (p, needed, error) : GST_ROSBAG_STREAM_NEED_DATA;
  }
  if (pr == GST_ROSBAG_PARSE_ERROR) {
    g_bytes_unref (hb);
    g_propagate_prefixed_error (error, err, "%s: ", p->name);
    return GST_ROSBAG_STREAM_ERROR;
  }
  g_bytes_unref (hb);
  if (rec.op != GST_ROSBAG_OP_CONNECTION && rec.op != GST_ROSBAG_OP_MSG_DATA
      && rec.op != GST_ROSBAG_OP_CHUNK) {
    guint64 index_pos;
    const guint8 *ev;
    gsize evlen;

    if (rec.op == GST_ROSBAG_OP_BAG_HEADER
        && gst_rosbag_header_find (rec.header, rec.header_len, "encryptor",
            &ev, &evlen) && evlen > 0) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: the bag is encrypted (encryptor=%.*s); encrypted bags are not"
          " supported", p->name, (int) evlen, ev);
      return GST_ROSBAG_STREAM_ERROR;
    }
    if (p->bscan)
      p->bscan->other (p->scan_data, rec.op, pos);
    /* bag header (padding), index records: dropped as they go by */
    if (rec.op == GST_ROSBAG_OP_BAG_HEADER && !p->indexed_known
        && gst_rosbag_header_get_u64 (rec.header, rec.header_len,
            "index_pos", &index_pos)) {
      p->indexed_known = TRUE;
      p->indexed = index_pos != 0;
    }
    p->skip = rec.total_len;
    return res;
  }
  if (rec.total_len > p->avail) {
    if (!p->eos)
      return GST_ROSBAG_STREAM_NEED_DATA;
    if (rec.op == GST_ROSBAG_OP_CHUNK
        && gst_rosbag_header_get_u32 (rec.header, rec.header_len, "size",
            &size)) {
      /* a cut chunk (a killed recording): its complete records */
      const guint8 *cv;
      gsize cvlen;
      gsize hdr = 8 + rec.header_len;
      GBytes *all = peek (p, p->avail);
      const guint8 *d = g_bytes_get_data (all, NULL);

      if (gst_rosbag_header_find (rec.header, rec.header_len, "compression",
              &cv, &cvlen) && p->avail > hdr) {
        GstRosbagCompression comp =
            gst_rosbag_compression_from_string ((const gchar *) cv, cvlen);

        if (p->bscan) {
          gchar *why = g_strdup_printf ("chunk at byte %" G_GUINT64_FORMAT
              " is cut off (%" G_GSIZE_FORMAT " of %u bytes)", pos,
              p->avail - hdr, rec.data_len);

          p->bscan->chunk_begin (p->scan_data, pos, comp, size, pos + hdr,
              p->avail - hdr, FALSE, why);
          g_free (why);
        }
        if (comp != GST_ROSBAG_COMPRESSION_UNKNOWN || !p->bscan) {
          p->chunk = gst_rosbag_chunk_decompress_partial (comp, d + hdr,
              p->avail - hdr, size);
          p->chunk_off = 0;
          p->chunk_pos = pos;
        }
      }
      g_bytes_unref (all);
      if (p->bscan) {
        /* the scan reports the cut itself */
        consume (p, p->avail);
        return RECORD_DONE;
      }
    }
    return cut_off (p, rec.total_len, error);
  }
  if (rec.total_len > GST_ROSBAG_MAX_CHUNK_SIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: record at byte %" G_GUINT64_FORMAT " is too large; skipped",
        p->name, pos);
    p->skip = rec.total_len;
    return GST_ROSBAG_STREAM_SKIPPED;
  }
  rb = peek (p, rec.total_len);
  pr = gst_rosbag_record_parse (g_bytes_get_data (rb, NULL), rec.total_len,
      pos, TRUE, &rec, NULL, &err);
  consume (p, rec.total_len);
  if (pr != GST_ROSBAG_PARSE_OK) {
    g_bytes_unref (rb);
    g_propagate_prefixed_error (error, err, "%s: ", p->name);
    return GST_ROSBAG_STREAM_SKIPPED;
  }
  if (rec.op == GST_ROSBAG_OP_CONNECTION) {
    if (p->bscan)
      p->bscan->connection (p->scan_data, &rec, pos, FALSE);
    else
      bag_connection (p, &rec);
  } else if (rec.op == GST_ROSBAG_OP_MSG_DATA) {
    gboolean ok = gst_rosbag_record_get_message (&rec, msg);

    if (p->bscan) {
      /* one without conn or time still belongs to the open chunk */
      p->bscan->message (p->scan_data, pos, rec.total_len,
          ok ? msg->channel_id : 0, ok ? msg->time_ns : G_MAXUINT64, FALSE);
    } else if (ok) {
      msg->chunk_pos = pos;
      return emit (p, rb, msg, pos, error);
    }
  } else {
    const guint8 *cv;
    gsize cvlen;
    GstRosbagCompression comp = GST_ROSBAG_COMPRESSION_UNKNOWN;
    GBytes *data;

    if (gst_rosbag_header_find (rec.header, rec.header_len, "compression",
            &cv, &cvlen))
      comp = gst_rosbag_compression_from_string ((const gchar *) cv, cvlen);
    if (!gst_rosbag_header_get_u32 (rec.header, rec.header_len, "size", &size))
      size = 0;
    if (p->bscan && rec.data_len == 0 && comp == GST_ROSBAG_COMPRESSION_NONE) {
      p->bscan->open_chunk (p->scan_data, pos, pos + 8 + rec.header_len);
      g_bytes_unref (rb);
      return RECORD_DONE;
    }
    if (p->bscan && comp == GST_ROSBAG_COMPRESSION_UNKNOWN) {
      p->bscan->chunk_begin (p->scan_data, pos, comp, size, pos + 8 +
          rec.header_len, rec.data_len, TRUE, NULL);
      g_bytes_unref (rb);
      return RECORD_DONE;
    }
    if (comp == GST_ROSBAG_COMPRESSION_UNKNOWN) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: chunk at byte %" G_GUINT64_FORMAT " has an unknown"
          " compression or no size; skipped", p->name, pos);
      g_bytes_unref (rb);
      return GST_ROSBAG_STREAM_SKIPPED;
    }
    data = g_bytes_new_from_bytes (rb, rec.data - (const guint8 *)
        g_bytes_get_data (rb, NULL), rec.data_len);
    if (size == 0 && rec.data_len == 0) {
      /* the open chunk of a killed recording: its records follow */
      p->chunk = NULL;
    } else {
      p->chunk = gst_rosbag_chunk_decompress (comp, data, size, pos, &err);
      if (!p->chunk) {
        /* keep what decodes: the good messages before the damage */
        p->chunk = gst_rosbag_chunk_decompress_partial (comp, rec.data,
            rec.data_len, size);
        if (p->bscan) {
          p->bscan->chunk_begin (p->scan_data, pos, comp, size, pos + 8 +
              rec.header_len, rec.data_len, TRUE, err->message);
          g_clear_error (&err);
        } else {
          g_propagate_prefixed_error (error, err, "%s: ", p->name);
          res = GST_ROSBAG_STREAM_SKIPPED;
        }
      } else if (p->bscan) {
        p->bscan->chunk_begin (p->scan_data, pos, comp, size, pos + 8 +
            rec.header_len, rec.data_len, TRUE, NULL);
      }
    }
    g_bytes_unref (data);
    p->chunk_off = 0;
    p->chunk_pos = pos;
  }
  g_bytes_unref (rb);
  return res;
}

/**
 * gst_rosbag_stream_parser_next:
 * @parser: a parser
 * @msg: (out caller-allocates): the message, valid until the next call
 * @error: return location for a #GError
 *
 * Returns the next message in file order, or says what it needs.
 *
 * Returns: the result
 */
GstRosbagStreamResult
gst_rosbag_stream_parser_next (GstRosbagStreamParser * p,
    GstRosbagMessage * msg, GError ** error)
{
  if (p->current) {
    g_bytes_unref (p->current);
    p->current = NULL;
  }
  for (;;) {
    GstRosbagStreamResult res;

    if (p->chunk) {
      if (chunk_next (p, msg, &res, error))
        return res;
      continue;
    }
    if (p->skip > 0) {
      gsize n = MIN (p->skip, p->avail);

      consume (p, n);
      p->skip -= n;
      if (p->skip > 0) {
        if (!p->eos)
          return GST_ROSBAG_STREAM_NEED_DATA;
        g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
            "%s: the stream ends inside a record, %" G_GUINT64_FORMAT
            " bytes before its end at byte %" G_GUINT64_FORMAT, p->name,
            p->skip, p->offset + p->skip);
        p->skip = 0;
        p->state = STATE_TRAILER;
        return GST_ROSBAG_STREAM_SKIPPED;
      }
    }
    switch (p->state) {
      case STATE_MAGIC:{
        GBytes *m;
        gsize need = 8;
        const guint8 *d;

        if (p->avail < BAG_MAGIC_LEN && !p->eos)
          return GST_ROSBAG_STREAM_NEED_DATA;
        if (p->avail < need)
          goto not_a_recording;
        m = peek (p, MIN (p->avail, BAG_MAGIC_LEN));
        d = g_bytes_get_data (m, NULL);
        if (memcmp (d, GST_ROSBAG_MCAP_MAGIC, 8) == 0) {
          p->format = GST_ROSBAG_FORMAT_MCAP;
        } else if (g_bytes_get_size (m) >= BAG_MAGIC_LEN
            && memcmp (d, BAG_MAGIC_V2, BAG_MAGIC_LEN) == 0) {
          p->format = GST_ROSBAG_FORMAT_BAG;
          need = BAG_MAGIC_LEN;
        } else if (g_bytes_get_size (m) >= 9 && (memcmp (d, "#ROSBAG V",
                    9) == 0 || memcmp (d, "#ROSRECORD", 9) == 0)) {
          g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
              "%s: a ROS bag of an unsupported format; only V2.0 is"
              " supported (V1.2: migrate it with 'rosbag fix' first)", p->name);
          g_bytes_unref (m);
          return GST_ROSBAG_STREAM_ERROR;
        } else if (memcmp (d, GST_ROSBAG_DB3_MAGIC, 8) == 0) {
          g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
              "%s: an sqlite3 database (a rosbag2 .db3 file?) can only be"
              " read from a seekable source (bagsrc, or bagdemux in pull"
              " mode), not as a stream", p->name);
          g_bytes_unref (m);
          return GST_ROSBAG_STREAM_ERROR;
        } else {
          g_bytes_unref (m);
          goto not_a_recording;
        }
        g_bytes_unref (m);
        p->format_known = TRUE;
        consume (p, need);
        p->state = STATE_RECORDS;
        break;
      }
      case STATE_RECORDS:
        res = p->format == GST_ROSBAG_FORMAT_MCAP ? mcap_record (p, msg,
            error) : bag_record (p, msg, error);
        if (res == RECORD_DONE)
          break;                /* a record was handled: go on */
        if (res == GST_ROSBAG_STREAM_SKIPPED && p->chunk == NULL
            && p->eos && p->avail == 0 && error && *error == NULL)
          return GST_ROSBAG_STREAM_EOS;
        return res;
      case STATE_TRAILER:
        consume (p, p->avail);
        return p->eos ? GST_ROSBAG_STREAM_EOS : GST_ROSBAG_STREAM_NEED_DATA;
    }
  }

not_a_recording:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
      "%s is neither a ROS 1 bag (V2.0) nor an MCAP file", p->name);
  return GST_ROSBAG_STREAM_ERROR;
}
