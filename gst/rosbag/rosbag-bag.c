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
#include <sys/mman.h>
#include <unistd.h>

#include "rosbag-bag.h"
#include "rosbag-private.h"
#include "rosbag-mcap.h"

#define BAG_HEADER_READ 8192
/* largest INDEX_DATA count we accept: 12 bytes each, bounded by file */
#define INDEX_ENTRY_SIZE 12

struct _GstRosbagBag
{
  gint refcount;
  gchar *name;

  GstRosbagReadFunc read_func;
  gpointer user_data;
  GDestroyNotify notify;
  guint64 file_size;

  gboolean indexed;
  guint64 index_pos;
  guint32 conn_count;
  guint32 chunk_count;
  guint64 first_record_pos;

  GPtrArray *connections;       /* owned GstRosbagConnection* */
  GHashTable *conn_by_id;       /* id -> GstRosbagConnection* */
  GPtrArray *topics;            /* owned GstRosbagBagTopic*, by name */
  GArray *chunks;               /* GstRosbagChunkInfo */

  guint64 start_ns, end_ns, message_count;
  gchar *scan_report;

  GMutex lock;
};

/* ---------------------------------------------------------------------- */
/* I/O */

/* Every range read from the mapping leaves the process's RSS again when
 * it is released (its pages stay in the page cache; touching them again
 * faults them back in), so RSS does not grow with the file. Small reads
 * (record headers, index data between chunks) are dropped too: the
 * kernel maps up to 64 KB around a faulting page (fault-around), so a
 * small read next to a chunk already dropped maps part of that chunk back
 * in, and kept, that was 64 KB per chunk of a bag for good (measured: 7
 * MB/s of file pages on an lz4 bag).
 *
 * Released ranges are dropped in batches: adjacent windows are merged,
 * and madvise() runs once MAPPED_BATCH bytes or MAPPED_WINDOWS separate
 * windows are pending (each call flushes the TLB of every CPU running the
 * process: one per record header cost a worker pool more than it
 * saved). */
#define MAPPED_FAULT_AROUND (64 * 1024)
/* ranges this big (chunks) drop this much around them as well: pages a
 * neighbour's access brought back in go with them */
#define MAPPED_MARGIN_MIN (256 * 1024)
#define MAPPED_DROP_MARGIN (128 * 1024)
#define MAPPED_BATCH (8 * 1024 * 1024)
#define MAPPED_WINDOWS 8

/* the mapping, shared by the source and every range read from it */
typedef struct
{
  gint refcount;
  GMappedFile *mapped;
  const guint8 *data;
  gsize size;
  GMutex lock;
  guintptr win_start[MAPPED_WINDOWS], win_end[MAPPED_WINDOWS];
  guint n_windows;
  gsize pending;
} MappedFile;

typedef struct
{
  MappedFile *mf;
  const guint8 *data;
  gsize size;
} MappedRange;

static MappedFile *
mapped_file_ref (MappedFile * mf)
{
  g_atomic_int_inc (&mf->refcount);
  return mf;
}

static void
mapped_file_unref (MappedFile * mf)
{
  if (!g_atomic_int_dec_and_test (&mf->refcount))
    return;
  /* what is still pending goes with the mapping */
  g_mapped_file_unref (mf->mapped);
  g_mutex_clear (&mf->lock);
  g_free (mf);
}

/* with the lock held */
static void
mapped_file_flush (MappedFile * mf)
{
  guint i;

  for (i = 0; i < mf->n_windows; i++)
    madvise ((void *) mf->win_start[i], mf->win_end[i] - mf->win_start[i],
        MADV_DONTNEED);
  mf->n_windows = 0;
  mf->pending = 0;
}

/* [start, end) is to leave RSS: merged into a pending window it touches,
 * else a new one; flushed when enough is pending */
static void
mapped_file_drop (MappedFile * mf, guintptr start, guintptr end)
{
  guint i;

  g_mutex_lock (&mf->lock);
  for (i = 0; i < mf->n_windows; i++) {
    if (start <= mf->win_end[i] && end >= mf->win_start[i]) {
      gsize before = mf->win_end[i] - mf->win_start[i];

      mf->win_start[i] = MIN (mf->win_start[i], start);
      mf->win_end[i] = MAX (mf->win_end[i], end);
      mf->pending += mf->win_end[i] - mf->win_start[i] - before;
      break;
    }
  }
  if (i == mf->n_windows) {
    if (mf->n_windows == MAPPED_WINDOWS)
      mapped_file_flush (mf);
    mf->win_start[mf->n_windows] = start;
    mf->win_end[mf->n_windows] = end;
    mf->n_windows++;
    mf->pending += end - start;
  }
  if (mf->pending >= MAPPED_BATCH)
    mapped_file_flush (mf);
  g_mutex_unlock (&mf->lock);
}

static void
mapped_range_free (gpointer p)
{
  MappedRange *r = p;
  MappedFile *mf = r->mf;
  gsize page = sysconf (_SC_PAGESIZE);
  gsize margin = r->size >= MAPPED_MARGIN_MIN ? MAPPED_DROP_MARGIN : 0;
  /* outwards to the fault-around windows the range touched, with the
   * margin: the mapping is read-only and private, so dropping a page that
   * another range still reads is harmless (it faults back in from the
   * page cache, same content) */
  guintptr start = ((guintptr) r->data - MIN ((guintptr) r->data -
          (guintptr) mf->data, margin)) & ~(guintptr) (MAPPED_FAULT_AROUND - 1);
  guintptr end = ((guintptr) r->data + r->size + margin +
      MAPPED_FAULT_AROUND - 1) & ~(guintptr) (MAPPED_FAULT_AROUND - 1);
  guintptr file_end = ((guintptr) mf->data + mf->size + page - 1) &
      ~(guintptr) (page - 1);

  if (start < (guintptr) mf->data)
    start = (guintptr) mf->data;
  if (end > file_end)
    end = file_end;
  if (end > start)
    mapped_file_drop (mf, start, end);
  mapped_file_unref (mf);
  g_free (r);
}

static void
mapped_source_free (gpointer p)
{
  mapped_file_unref (p);
}

static GBytes *
mapped_read (gpointer user_data, guint64 offset, gsize size, GError ** error)
{
  MappedFile *mf = user_data;
  MappedRange *r;

  if (offset >= mf->size || size == 0)
    return g_bytes_new (NULL, 0);
  if (size > mf->size - offset)
    size = mf->size - offset;
  r = g_new (MappedRange, 1);
  r->mf = mapped_file_ref (mf);
  r->data = mf->data + offset;
  r->size = size;
  return g_bytes_new_with_free_func (r->data, size, mapped_range_free, r);
}

gboolean
gst_rosbag_map_file (const gchar * path, GstRosbagReadFunc * read_func,
    gpointer * user_data, GDestroyNotify * notify, guint64 * size,
    GError ** error)
{
  MappedFile *mf;
  GMappedFile *mapped;

  /* (mapping one fails with "No such device") */
  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "cannot open %s: it is a directory, not a ROS bag, an MCAP file or "
        "a rosbag2 storage file", path);
    return FALSE;
  }
  mapped = g_mapped_file_new (path, FALSE, error);
  if (!mapped) {
    g_prefix_error (error, "cannot open %s: ", path);
    if (error && *error) {
      (*error)->domain = GST_ROSBAG_ERROR;
      (*error)->code = GST_ROSBAG_ERROR_IO;
    }
    return FALSE;
  }
  mf = g_new0 (MappedFile, 1);
  mf->refcount = 1;
  mf->mapped = mapped;
  mf->data = (const guint8 *) g_mapped_file_get_contents (mapped);
  mf->size = g_mapped_file_get_length (mapped);
  g_mutex_init (&mf->lock);
  *read_func = mapped_read;
  *user_data = mf;
  *notify = mapped_source_free;
  *size = mf->size;
  return TRUE;
}

GBytes *
gst_rosbag_bag_read (GstRosbagBag * bag, guint64 offset, gsize size,
    GError ** error)
{
  if (offset >= bag->file_size)
    return g_bytes_new (NULL, 0);
  if (size > bag->file_size - offset)
    size = bag->file_size - offset;
  return bag->read_func (bag->user_data, offset, size, error);
}

/* Reads exactly @size bytes or fails with TRUNCATED naming @what */
static GBytes *
read_exact (GstRosbagBag * bag, guint64 offset, gsize size, const gchar * what,
    GError ** error)
{
  GBytes *b = gst_rosbag_bag_read (bag, offset, size, error);

  if (b == NULL)
    return NULL;
  if (g_bytes_get_size (b) < size) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: %s at byte %" G_GUINT64_FORMAT " needs %" G_GSIZE_FORMAT
        " bytes but the file ends at byte %" G_GUINT64_FORMAT, bag->name,
        what, offset, size, bag->file_size);
    g_bytes_unref (b);
    return NULL;
  }
  return b;
}

/* Reads and parses the header of the record at @pos, reading its data
 * only if it happens to fall in the first @first_read bytes (rec->data is
 * NULL otherwise). Its header must end before @end. Returns the bytes that
 * back @rec, or NULL with *res NEED_MORE (cut off before @end) or ERROR
 * (@error set). */
static GBytes *
read_record_head (GstRosbagBag * bag, guint64 pos, guint64 end,
    gsize first_read, GstRosbagRecord * rec, GstRosbagParseResult * res,
    guint64 * needed, GError ** error)
{
  GBytes *b;
  const guint8 *p;
  gsize len;

  *needed = 0;
  b = gst_rosbag_bag_read (bag, pos, MIN (end - pos, first_read), error);
  if (!b) {
    *res = GST_ROSBAG_PARSE_ERROR;
    return NULL;
  }
  p = g_bytes_get_data (b, &len);
  *res = gst_rosbag_record_parse (p, len, pos, FALSE, rec, needed, error);
  if (*res == GST_ROSBAG_PARSE_NEED_MORE && *needed <= end - pos
      && *needed > len) {
    g_bytes_unref (b);
    b = gst_rosbag_bag_read (bag, pos, *needed, error);
    if (!b) {
      *res = GST_ROSBAG_PARSE_ERROR;
      return NULL;
    }
    p = g_bytes_get_data (b, &len);
    *res = gst_rosbag_record_parse (p, len, pos, FALSE, rec, needed, error);
  }
  if (*res != GST_ROSBAG_PARSE_OK) {
    g_bytes_unref (b);
    return NULL;
  }
  return b;
}

/* ---------------------------------------------------------------------- */
/* connections and topics */

void
gst_rosbag_connection_free (GstRosbagConnection * conn)
{
  if (!conn)
    return;
  g_free (conn->topic);
  g_free (conn->type);
  g_free (conn->md5sum);
  g_free (conn->definition);
  g_free (conn->callerid);
  g_free (conn);
}

GstRosbagConnection *
gst_rosbag_connection_parse (const GstRosbagRecord * rec, GError ** error)
{
  GstRosbagConnection *conn;
  const guint8 *v;
  gsize vlen;

  if (rec->op != GST_ROSBAG_OP_CONNECTION || rec->data == NULL) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " is not a connection",
        rec->offset);
    return NULL;
  }
  if (!gst_rosbag_header_validate (rec->data, rec->data_len,
          rec->offset + 8 + rec->header_len, error))
    return NULL;

  conn = g_new0 (GstRosbagConnection, 1);
  if (!gst_rosbag_header_get_u32 (rec->header, rec->header_len, "conn",
          &conn->id)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "connection record at byte %" G_GUINT64_FORMAT
        " has no valid conn field", rec->offset);
    goto fail;
  }
  conn->topic = gst_rosbag_header_dup_string (rec->header, rec->header_len,
      "topic");
  if (conn->topic == NULL)
    conn->topic = gst_rosbag_header_dup_string (rec->data, rec->data_len,
        "topic");
  if (conn->topic == NULL) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "connection record at byte %" G_GUINT64_FORMAT " has no topic",
        rec->offset);
    goto fail;
  }
  conn->type = gst_rosbag_header_dup_string (rec->data, rec->data_len, "type");
  conn->md5sum = gst_rosbag_header_dup_string (rec->data, rec->data_len,
      "md5sum");
  conn->definition = gst_rosbag_header_dup_string (rec->data, rec->data_len,
      "message_definition");
  conn->callerid = gst_rosbag_header_dup_string (rec->data, rec->data_len,
      "callerid");
  if (gst_rosbag_header_find (rec->data, rec->data_len, "latching", &v, &vlen))
    conn->latching = (vlen == 1 && v[0] == '1');
  if (conn->type == NULL)
    conn->type = g_strdup ("");
  if (conn->md5sum == NULL)
    conn->md5sum = g_strdup ("");
  if (conn->definition == NULL)
    conn->definition = g_strdup ("");
  return conn;

fail:
  gst_rosbag_connection_free (conn);
  return NULL;
}

static void
topic_free (GstRosbagBagTopic * t)
{
  g_free (t->name);
  g_free (t->type);
  g_free (t->md5sum);
  g_free (t->definition);
  g_ptr_array_unref (t->connections);
  g_free (t);
}

/* adds @conn (taking it) unless its id is known already */
static gboolean
bag_add_connection (GstRosbagBag * bag, GstRosbagConnection * conn)
{
  if (g_hash_table_contains (bag->conn_by_id, GUINT_TO_POINTER (conn->id))) {
    gst_rosbag_connection_free (conn);
    return FALSE;
  }
  g_ptr_array_add (bag->connections, conn);
  g_hash_table_insert (bag->conn_by_id, GUINT_TO_POINTER (conn->id), conn);
  return TRUE;
}

static gint
topic_cmp (gconstpointer a, gconstpointer b)
{
  const GstRosbagBagTopic *ta = *(const GstRosbagBagTopic **) a;
  const GstRosbagBagTopic *tb = *(const GstRosbagBagTopic **) b;

  return strcmp (ta->name, tb->name);
}

static gint
chunk_cmp_pos (gconstpointer a, gconstpointer b)
{
  const GstRosbagChunkInfo *ca = a, *cb = b;

  return ca->pos < cb->pos ? -1 : (ca->pos > cb->pos ? 1 : 0);
}

/* Derives topics, counts and start/end from connections and chunks */
static void
bag_finish (GstRosbagBag * bag)
{
  GHashTable *by_name = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  guint i, j;
  gboolean any = FALSE;

  g_array_sort (bag->chunks, chunk_cmp_pos);

  bag->message_count = 0;
  for (i = 0; i < bag->chunks->len; i++) {
    GstRosbagChunkInfo *ci = &g_array_index (bag->chunks, GstRosbagChunkInfo,
        i);

    ci->message_count = 0;
    for (j = 0; j < ci->n_conns; j++) {
      GstRosbagConnection *conn = g_hash_table_lookup (bag->conn_by_id,
          GUINT_TO_POINTER (ci->conn_ids[j]));

      ci->message_count += ci->conn_counts[j];
      if (conn)
        conn->message_count += ci->conn_counts[j];
    }
    bag->message_count += ci->message_count;
    if (ci->message_count == 0)
      continue;
    if (!any || ci->start_ns < bag->start_ns)
      bag->start_ns = ci->start_ns;
    if (!any || ci->end_ns > bag->end_ns)
      bag->end_ns = ci->end_ns;
    any = TRUE;
  }

  for (i = 0; i < bag->connections->len; i++) {
    GstRosbagConnection *conn = g_ptr_array_index (bag->connections, i);
    /* a topic is its name and its type: connections of one name with
     * another type or definition (md5sum) are a topic of their own, whose
     * messages are decoded with their own definition */
    gchar *key = gst_rosbag_topic_key (conn->topic, conn->type,
        conn->md5sum);
    GstRosbagBagTopic *t = g_hash_table_lookup (by_name, key);

    if (t == NULL) {
      t = g_new0 (GstRosbagBagTopic, 1);
      t->name = g_strdup (conn->topic);
      t->type = g_strdup (conn->type);
      t->md5sum = g_strdup (conn->md5sum);
      t->definition = g_strdup (conn->definition);
      t->connections = g_ptr_array_new ();
      g_hash_table_insert (by_name, key, t);
      g_ptr_array_add (bag->topics, t);
    } else {
      g_free (key);
    }
    g_ptr_array_add (t->connections, conn);
    t->message_count += conn->message_count;
    t->latching |= conn->latching;
    conn->topic_info = t;
  }
  g_ptr_array_sort (bag->topics, topic_cmp);
  for (i = 0; i < bag->topics->len; i++)
    ((GstRosbagBagTopic *) g_ptr_array_index (bag->topics, i))->index = i;
  g_hash_table_unref (by_name);
}

/* ---------------------------------------------------------------------- */
/* the index at index_pos */

static gboolean
parse_chunk_info (GstRosbagBag * bag, const GstRosbagRecord * rec,
    GError ** error)
{
  GstRosbagChunkInfo ci;
  guint32 ver, count, i;

  memset (&ci, 0, sizeof (ci));
  if (!gst_rosbag_header_get_u32 (rec->header, rec->header_len, "ver", &ver)
      || !gst_rosbag_header_get_u64 (rec->header, rec->header_len,
          "chunk_pos", &ci.pos)
      || !gst_rosbag_header_get_time (rec->header, rec->header_len,
          "start_time", &ci.start_ns)
      || !gst_rosbag_header_get_time (rec->header, rec->header_len,
          "end_time", &ci.end_ns)
      || !gst_rosbag_header_get_u32 (rec->header, rec->header_len, "count",
          &count)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk info at byte %" G_GUINT64_FORMAT
        " lacks a field or has one of the wrong size", bag->name, rec->offset);
    return FALSE;
  }
  if (ver != 1) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: chunk info at byte %" G_GUINT64_FORMAT " has version %u",
        bag->name, rec->offset, ver);
    return FALSE;
  }
  if ((guint64) count * 8 > rec->data_len) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk info at byte %" G_GUINT64_FORMAT " lists %u connections"
        " in %u bytes", bag->name, rec->offset, count, rec->data_len);
    return FALSE;
  }
  if (ci.pos < bag->first_record_pos || ci.pos >= bag->file_size) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk info at byte %" G_GUINT64_FORMAT " points at byte %"
        G_GUINT64_FORMAT ", outside the file", bag->name, rec->offset, ci.pos);
    return FALSE;
  }
  ci.n_conns = count;
  ci.conn_ids = g_new (guint32, MAX (count, 1));
  ci.conn_counts = g_new (guint32, MAX (count, 1));
  for (i = 0; i < count; i++) {
    ci.conn_ids[i] = gst_rosbag_read_u32 (rec->data + i * 8);
    ci.conn_counts[i] = gst_rosbag_read_u32 (rec->data + i * 8 + 4);
  }
  g_array_append_val (bag->chunks, ci);
  return TRUE;
}

static gboolean
read_index (GstRosbagBag * bag, GError ** error)
{
  guint64 pos = bag->index_pos;
  GBytes *tail;
  const guint8 *p;
  gsize len;
  gboolean ret = FALSE;

  tail = read_exact (bag, pos, bag->file_size - pos, "index", error);
  if (!tail)
    return FALSE;
  p = g_bytes_get_data (tail, &len);

  while (len > 0) {
    GstRosbagRecord rec;
    guint64 needed = 0;
    GstRosbagParseResult r;

    r = gst_rosbag_record_parse (p, len, pos, TRUE, &rec, &needed, error);
    if (r == GST_ROSBAG_PARSE_NEED_MORE) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
          "%s: index record at byte %" G_GUINT64_FORMAT " needs %"
          G_GUINT64_FORMAT " bytes but the file ends at byte %"
          G_GUINT64_FORMAT, bag->name, pos, needed, bag->file_size);
      goto done;
    }
    if (r == GST_ROSBAG_PARSE_ERROR) {
      g_prefix_error (error, "%s: ", bag->name);
      goto done;
    }
    if (rec.op == GST_ROSBAG_OP_CONNECTION) {
      GstRosbagConnection *conn = gst_rosbag_connection_parse (&rec, error);

      if (!conn) {
        g_prefix_error (error, "%s: ", bag->name);
        goto done;
      }
      bag_add_connection (bag, conn);
    } else if (rec.op == GST_ROSBAG_OP_CHUNK_INFO) {
      if (!parse_chunk_info (bag, &rec, error))
        goto done;
    }
    /* anything else at the index is ignored */
    p += rec.total_len;
    len -= rec.total_len;
    pos += rec.total_len;
  }
  ret = TRUE;

done:
  g_bytes_unref (tail);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* scanning an unindexed bag */

typedef struct
{
  GstRosbagBag *bag;
  GstRosbagChunkInfo ci;
  GHashTable *counts;           /* conn id -> count */
} ScanChunk;

static void
scan_chunk_init (ScanChunk * sc, GstRosbagBag * bag, guint64 pos)
{
  memset (&sc->ci, 0, sizeof (sc->ci));
  sc->bag = bag;
  sc->ci.pos = pos;
  sc->ci.header_known = TRUE;
  sc->ci.entries = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));
  sc->counts = g_hash_table_new (NULL, NULL);
}

/* index entries by (time, offset) */
gint
gst_rosbag_index_entry_cmp (gconstpointer a, gconstpointer b)
{
  const GstRosbagIndexEntry *ea = a, *eb = b;

  if (ea->time_ns != eb->time_ns)
    return ea->time_ns < eb->time_ns ? -1 : 1;
  return ea->offset < eb->offset ? -1 : (ea->offset > eb->offset ? 1 : 0);
}

static void
scan_chunk_add (ScanChunk * sc, guint32 conn_id, guint64 time_ns,
    guint32 offset)
{
  GstRosbagIndexEntry e = { time_ns, offset, conn_id };
  guint n;

  if (sc->ci.entries->len == 0 || time_ns < sc->ci.start_ns)
    sc->ci.start_ns = time_ns;
  if (sc->ci.entries->len == 0 || time_ns > sc->ci.end_ns)
    sc->ci.end_ns = time_ns;
  g_array_append_val (sc->ci.entries, e);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (sc->counts,
          GUINT_TO_POINTER (conn_id)));
  g_hash_table_insert (sc->counts, GUINT_TO_POINTER (conn_id),
      GUINT_TO_POINTER (n + 1));
}

/* Keeps the chunk if it holds messages */
static void
scan_chunk_finish (ScanChunk * sc)
{
  GHashTableIter it;
  gpointer k, v;
  guint i = 0;

  if (sc->ci.entries->len > 0) {
    g_array_sort (sc->ci.entries, gst_rosbag_index_entry_cmp);
    sc->ci.n_conns = g_hash_table_size (sc->counts);
    sc->ci.conn_ids = g_new (guint32, sc->ci.n_conns);
    sc->ci.conn_counts = g_new (guint32, sc->ci.n_conns);
    g_hash_table_iter_init (&it, sc->counts);
    while (g_hash_table_iter_next (&it, &k, &v)) {
      sc->ci.conn_ids[i] = GPOINTER_TO_UINT (k);
      sc->ci.conn_counts[i] = GPOINTER_TO_UINT (v);
      i++;
    }
    g_array_append_val (sc->bag->chunks, sc->ci);
  } else {
    g_array_unref (sc->ci.entries);
  }
  g_hash_table_unref (sc->counts);
  sc->counts = NULL;
}

/* The scan is the stream parser's: it walks the records after the bag
 * header and tells us what goes by; we rebuild connections and chunk infos
 * (the open chunk of a killed recording, and a run of messages outside any
 * chunk, become chunks whose records lie in the file itself). */

typedef struct
{
  GstRosbagBag *bag;
  GString *report;
  gboolean in_open;             /* records of an open chunk at top level */
  ScanChunk open_chunk;
  gboolean in_chunk;            /* a chunk's records are being walked */
  ScanChunk chunk;
  gboolean chunk_complete;
  gchar *chunk_why;
  gboolean stop;                /* the scan cannot go on */
} BagScan;

static void
bag_scan_close_open (BagScan * sc)
{
  if (sc->in_open) {
    scan_chunk_finish (&sc->open_chunk);
    sc->in_open = FALSE;
  }
}

static void
bag_scan_extend_open (BagScan * sc, guint64 pos, guint64 total_len)
{
  if (sc->in_open) {
    sc->open_chunk.ci.data_len = pos + total_len - sc->open_chunk.ci.data_pos;
    sc->open_chunk.ci.uncompressed_size = sc->open_chunk.ci.data_len;
  }
}

static void
bag_scan_connection (gpointer ud, const GstRosbagRecord * rec, guint64 pos,
    gboolean in_chunk)
{
  BagScan *sc = ud;
  GstRosbagConnection *conn;

  if (sc->stop)
    return;
  conn = gst_rosbag_connection_parse (rec, NULL);

  if (conn)
    bag_add_connection (sc->bag, conn);
  if (!in_chunk)
    bag_scan_extend_open (sc, pos, rec->total_len);
}

static void
bag_scan_message (gpointer ud, guint64 pos, guint64 total_len, guint32 conn,
    guint64 time_ns, gboolean in_chunk)
{
  BagScan *sc = ud;

  if (sc->stop)
    return;

  if (in_chunk) {
    if (sc->in_chunk && pos <= G_MAXUINT32)
      scan_chunk_add (&sc->chunk, conn, time_ns, pos);
    return;
  }
  if (!sc->in_open) {
    /* a message outside any chunk: the run is an open chunk */
    scan_chunk_init (&sc->open_chunk, sc->bag, pos);
    sc->open_chunk.ci.compression = GST_ROSBAG_COMPRESSION_NONE;
    sc->open_chunk.ci.data_pos = pos;
    sc->in_open = TRUE;
  }
  if (time_ns != G_MAXUINT64 && pos - sc->open_chunk.ci.data_pos <= G_MAXUINT32)
    scan_chunk_add (&sc->open_chunk, conn, time_ns,
        pos - sc->open_chunk.ci.data_pos);
  bag_scan_extend_open (sc, pos, total_len);
}

static void
bag_scan_other (gpointer ud, guint8 op, guint64 pos)
{
  BagScan *sc = ud;

  if (sc->stop)
    return;

  if (op != GST_ROSBAG_OP_INDEX_DATA)
    bag_scan_close_open (sc);
}

static void
bag_scan_open_chunk (gpointer ud, guint64 pos, guint64 data_pos)
{
  BagScan *sc = ud;

  if (sc->stop)
    return;

  bag_scan_close_open (sc);
  /* the writer was killed with this chunk open: its records follow */
  scan_chunk_init (&sc->open_chunk, sc->bag, pos);
  sc->open_chunk.ci.compression = GST_ROSBAG_COMPRESSION_NONE;
  sc->open_chunk.ci.data_pos = data_pos;
  sc->in_open = TRUE;
}

static void
bag_scan_chunk_begin (gpointer ud, guint64 pos, GstRosbagCompression comp,
    guint32 size, guint64 data_pos, guint64 stored, gboolean complete,
    const gchar * why)
{
  BagScan *sc = ud;

  if (sc->stop)
    return;

  bag_scan_close_open (sc);
  if (comp == GST_ROSBAG_COMPRESSION_UNKNOWN) {
    g_string_append_printf (sc->report, "; stopped at byte %" G_GUINT64_FORMAT
        ": chunk with unknown compression", pos);
    sc->stop = TRUE;
    return;
  }
  scan_chunk_init (&sc->chunk, sc->bag, pos);
  sc->chunk.ci.compression = comp;
  sc->chunk.ci.data_pos = data_pos;
  sc->chunk.ci.data_len = MIN (stored, G_MAXUINT32);
  sc->chunk_complete = complete;
  g_free (sc->chunk_why);
  sc->chunk_why = g_strdup (why);
  sc->in_chunk = TRUE;
}

static void
bag_scan_chunk_end (gpointer ud, gsize used, gsize decoded, const gchar * why)
{
  BagScan *sc = ud;
  ScanChunk *c = &sc->chunk;

  if (!sc->in_chunk)
    return;
  if (why && !sc->chunk_why)
    sc->chunk_why = g_strdup_printf ("chunk at byte %" G_GUINT64_FORMAT
        ": %s", c->ci.pos, why);
  if (c->ci.compression == GST_ROSBAG_COMPRESSION_NONE)
    c->ci.uncompressed_size = c->ci.data_len;
  else
    c->ci.uncompressed_size = decoded;
  if (!sc->chunk_complete || sc->chunk_why) {
    /* only the complete records are kept: read them as a partial chunk of
     * that size */
    c->ci.uncompressed_size = used;
    c->ci.partial = TRUE;
  }
  scan_chunk_finish (c);
  if (sc->chunk_why)
    g_string_append_printf (sc->report, "; %s (kept %" G_GSIZE_FORMAT
        " bytes of complete records)", sc->chunk_why, used);
  g_clear_pointer (&sc->chunk_why, g_free);
  sc->in_chunk = FALSE;
}

static const GstRosbagStreamBagScan bag_scan_funcs = {
  bag_scan_connection, bag_scan_message, bag_scan_other,
  bag_scan_open_chunk, bag_scan_chunk_begin, bag_scan_chunk_end
};

static GBytes *
bag_scan_read (gpointer user_data, guint64 offset, gsize size, GError ** error)
{
  return gst_rosbag_bag_read (user_data, offset, size, error);
}

static gboolean
bag_scan_skipped (gpointer ud, const GError * err, gboolean at_end)
{
  BagScan *sc = ud;

  /* at the end: a record cut by it, and the scan stops there */
  g_string_append_printf (sc->report, "; %s: %s", at_end ? "stopped" :
      "skipped", err ? err->message : "damaged record");
  return !at_end;
}

static void
scan (GstRosbagBag * bag, const gchar * reason)
{
  BagScan sc;
  GstRosbagStreamParser *p;
  GError *err = NULL;
  guint64 stop_pos = 0;

  memset (&sc, 0, sizeof (sc));
  sc.bag = bag;
  sc.report = g_string_new (reason);
  p = gst_rosbag_stream_parser_new_bag_scan (bag->name,
      bag->first_record_pos, &bag_scan_funcs, &sc);
  if (!gst_rosbag_stream_parser_scan_range (p, bag_scan_read, bag,
          bag->first_record_pos, bag->file_size, bag_scan_skipped, &sc.stop,
          &sc, &stop_pos, &err)) {
    g_string_append_printf (sc.report, "; stopped at byte %" G_GUINT64_FORMAT
        ": %s", stop_pos, err->message);
    g_error_free (err);
  } else if (!sc.stop) {
    g_string_append (sc.report, "; reached the end of the file");
  }
  bag_scan_close_open (&sc);
  gst_rosbag_stream_parser_free (p);
  g_free (sc.chunk_why);
  bag->scan_report = g_string_free (sc.report, FALSE);
}

/* ---------------------------------------------------------------------- */
/* opening */

static GstRosbagBag *
bag_new (const gchar * name)
{
  GstRosbagBag *bag = g_new0 (GstRosbagBag, 1);

  bag->refcount = 1;
  bag->name = g_strdup (name ? name : "(bag)");
  bag->connections = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rosbag_connection_free);
  bag->conn_by_id = g_hash_table_new (NULL, NULL);
  bag->topics = g_ptr_array_new_with_free_func ((GDestroyNotify) topic_free);
  bag->chunks = g_array_new (FALSE, TRUE, sizeof (GstRosbagChunkInfo));
  g_mutex_init (&bag->lock);
  return bag;
}

static gboolean
bag_load (GstRosbagBag * bag, GError ** error)
{
  GBytes *b;
  const guint8 *p;
  gsize len;
  GstRosbagRecord rec;
  guint64 needed = 0;
  GstRosbagParseResult r;
  const guint8 *v;
  gsize vlen;
  GError *idx_err = NULL;

  if (bag->file_size == 0) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
        "%s: the file is empty, not a ROS bag", bag->name);
    return FALSE;
  }
  b = gst_rosbag_bag_read (bag, 0, MIN (bag->file_size,
          GST_ROSBAG_MAGIC_LEN + BAG_HEADER_READ), error);
  if (!b)
    return FALSE;
  p = g_bytes_get_data (b, &len);
  if (len >= strlen (GST_ROSBAG_MAGIC_V12)
      && memcmp (p, GST_ROSBAG_MAGIC_V12, strlen (GST_ROSBAG_MAGIC_V12)) == 0) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: a ROS bag of format V1.2 (before 2010); only V2.0 is supported:"
        " migrate it with 'rosbag fix' first", bag->name);
    goto fail;
  }
  if (len < GST_ROSBAG_MAGIC_LEN
      || memcmp (p, GST_ROSBAG_MAGIC, GST_ROSBAG_MAGIC_LEN) != 0) {
    if (len >= 8 && memcmp (p, "#ROSBAG ", 8) == 0)
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: a ROS bag of an unsupported version", bag->name);
    else
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
          "%s: not a ROS bag (no '#ROSBAG V2.0' magic line)", bag->name);
    goto fail;
  }
  r = gst_rosbag_record_parse (p + GST_ROSBAG_MAGIC_LEN,
      len - GST_ROSBAG_MAGIC_LEN, GST_ROSBAG_MAGIC_LEN, FALSE, &rec, &needed,
      error);
  if (r == GST_ROSBAG_PARSE_NEED_MORE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: the bag header at byte 13 is cut off (file of %" G_GUINT64_FORMAT
        " bytes)", bag->name, bag->file_size);
    goto fail;
  }
  if (r == GST_ROSBAG_PARSE_ERROR) {
    g_prefix_error (error, "%s: ", bag->name);
    goto fail;
  }
  if (rec.op != GST_ROSBAG_OP_BAG_HEADER) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: the first record (byte 13) is op 0x%02x, not a bag header",
        bag->name, rec.op);
    goto fail;
  }
  if (gst_rosbag_header_find (rec.header, rec.header_len, "encryptor", &v,
          &vlen) && vlen > 0) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: the bag is encrypted (encryptor=%.*s); encrypted bags are not"
        " supported", bag->name, (int) vlen, v);
    goto fail;
  }
  if (!gst_rosbag_header_get_u64 (rec.header, rec.header_len, "index_pos",
          &bag->index_pos))
    bag->index_pos = 0;
  gst_rosbag_header_get_u32 (rec.header, rec.header_len, "conn_count",
      &bag->conn_count);
  gst_rosbag_header_get_u32 (rec.header, rec.header_len, "chunk_count",
      &bag->chunk_count);
  bag->first_record_pos = GST_ROSBAG_MAGIC_LEN + rec.total_len;
  g_bytes_unref (b);
  b = NULL;
  if (bag->first_record_pos > bag->file_size) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: the bag header record at byte 13 needs %" G_GUINT64_FORMAT
        " bytes but the file ends at byte %" G_GUINT64_FORMAT
        ": only a fragment of a bag", bag->name, rec.total_len, bag->file_size);
    goto fail;
  }

  if (bag->index_pos == 0) {
    scan (bag, "unindexed bag (index_pos = 0): scanned from the start");
  } else if (bag->index_pos < bag->first_record_pos
      || bag->index_pos > bag->file_size) {
    gchar *why = g_strdup_printf ("index_pos %" G_GUINT64_FORMAT
        " lies outside the file (%" G_GUINT64_FORMAT " bytes): truncated bag,"
        " scanned from the start", bag->index_pos, bag->file_size);
    scan (bag, why);
    g_free (why);
    if (bag->chunks->len == 0 && bag->chunk_count > 0) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
          "%s: %s; no message could be recovered", bag->name, bag->scan_report);
      goto fail;
    }
  } else if (!read_index (bag, &idx_err)
      || bag->chunks->len < bag->chunk_count
      || bag->connections->len < bag->conn_count) {
    gchar *why;
    guint i;

    if (idx_err)
      why = g_strdup_printf ("the index is damaged (%s): scanned from"
          " the start", idx_err->message);
    else
      why = g_strdup_printf ("the index holds %u chunk infos and %u"
          " connections where the bag header says %u and %u: truncated bag,"
          " scanned from the start", bag->chunks->len,
          bag->connections->len, bag->chunk_count, bag->conn_count);

    g_clear_error (&idx_err);
    g_ptr_array_set_size (bag->connections, 0);
    g_hash_table_remove_all (bag->conn_by_id);
    for (i = 0; i < bag->chunks->len; i++) {
      GstRosbagChunkInfo *ci = &g_array_index (bag->chunks,
          GstRosbagChunkInfo, i);
      g_free (ci->conn_ids);
      g_free (ci->conn_counts);
    }
    g_array_set_size (bag->chunks, 0);
    scan (bag, why);
    g_free (why);
  } else {
    bag->indexed = TRUE;
  }
  bag_finish (bag);
  return TRUE;

fail:
  if (b)
    g_bytes_unref (b);
  return FALSE;
}

GstRosbagBag *
gst_rosbag_bag_open (const gchar * path, GError ** error)
{
  GstRosbagReadFunc func;
  gpointer ud;
  GDestroyNotify notify;
  guint64 size;

  if (!gst_rosbag_map_file (path, &func, &ud, &notify, &size, error))
    return NULL;
  return gst_rosbag_bag_open_with_func (func, ud, notify, size, path, error);
}

GstRosbagBag *
gst_rosbag_bag_open_with_func (GstRosbagReadFunc read_func,
    gpointer user_data, GDestroyNotify notify, guint64 file_size,
    const gchar * name, GError ** error)
{
  GstRosbagBag *bag = bag_new (name);

  bag->read_func = read_func;
  bag->user_data = user_data;
  bag->notify = notify;
  bag->file_size = file_size;
  if (!bag_load (bag, error)) {
    gst_rosbag_bag_unref (bag);
    return NULL;
  }
  return bag;
}

GstRosbagBag *
gst_rosbag_bag_ref (GstRosbagBag * bag)
{
  g_atomic_int_inc (&bag->refcount);
  return bag;
}

void
gst_rosbag_bag_unref (GstRosbagBag * bag)
{
  guint i;

  if (!bag || !g_atomic_int_dec_and_test (&bag->refcount))
    return;
  for (i = 0; i < bag->chunks->len; i++) {
    GstRosbagChunkInfo *ci = &g_array_index (bag->chunks, GstRosbagChunkInfo,
        i);
    g_free (ci->conn_ids);
    g_free (ci->conn_counts);
    if (ci->entries)
      g_array_unref (ci->entries);
  }
  g_array_unref (bag->chunks);
  g_ptr_array_unref (bag->topics);
  g_hash_table_unref (bag->conn_by_id);
  g_ptr_array_unref (bag->connections);
  if (bag->notify)
    bag->notify (bag->user_data);
  g_mutex_clear (&bag->lock);
  g_free (bag->scan_report);
  g_free (bag->name);
  g_free (bag);
}

/* ---------------------------------------------------------------------- */
/* accessors */

const gchar *
gst_rosbag_bag_get_name (GstRosbagBag * bag)
{
  return bag->name;
}

guint64
gst_rosbag_bag_get_file_size (GstRosbagBag * bag)
{
  return bag->file_size;
}

gboolean
gst_rosbag_bag_is_indexed (GstRosbagBag * bag)
{
  return bag->indexed;
}

guint64
gst_rosbag_bag_get_start_time (GstRosbagBag * bag)
{
  return bag->start_ns;
}

guint64
gst_rosbag_bag_get_end_time (GstRosbagBag * bag)
{
  return bag->end_ns;
}

guint64
gst_rosbag_bag_get_message_count (GstRosbagBag * bag)
{
  return bag->message_count;
}

guint
gst_rosbag_bag_get_n_topics (GstRosbagBag * bag)
{
  return bag->topics->len;
}

const GstRosbagBagTopic *
gst_rosbag_bag_get_topic (GstRosbagBag * bag, guint i)
{
  g_return_val_if_fail (i < bag->topics->len, NULL);
  return g_ptr_array_index (bag->topics, i);
}

const GstRosbagBagTopic *
gst_rosbag_bag_find_topic (GstRosbagBag * bag, const gchar * name)
{
  guint i;

  for (i = 0; i < bag->topics->len; i++) {
    GstRosbagBagTopic *t = g_ptr_array_index (bag->topics, i);

    if (strcmp (t->name, name) == 0)
      return t;
  }
  return NULL;
}

guint
gst_rosbag_bag_get_n_connections (GstRosbagBag * bag)
{
  return bag->connections->len;
}

const GstRosbagConnection *
gst_rosbag_bag_get_connection (GstRosbagBag * bag, guint i)
{
  g_return_val_if_fail (i < bag->connections->len, NULL);
  return g_ptr_array_index (bag->connections, i);
}

const GstRosbagConnection *
gst_rosbag_bag_lookup_connection (GstRosbagBag * bag, guint32 id)
{
  return g_hash_table_lookup (bag->conn_by_id, GUINT_TO_POINTER (id));
}

guint
gst_rosbag_bag_get_n_chunks (GstRosbagBag * bag)
{
  return bag->chunks->len;
}

const GstRosbagChunkInfo *
gst_rosbag_bag_get_chunk (GstRosbagBag * bag, guint i)
{
  g_return_val_if_fail (i < bag->chunks->len, NULL);
  return &g_array_index (bag->chunks, GstRosbagChunkInfo, i);
}

const gchar *
gst_rosbag_bag_get_scan_report (GstRosbagBag * bag)
{
  return bag->scan_report;
}

/* ---------------------------------------------------------------------- */
/* chunks */

gboolean
gst_rosbag_bag_load_chunk_header (GstRosbagBag * bag, guint i, GError ** error)
{
  GstRosbagChunkInfo *ci;
  GBytes *b;
  GstRosbagRecord rec;
  guint64 needed = 0;
  GstRosbagParseResult r;
  const guint8 *cv;
  gsize cvlen;
  guint32 size;
  gboolean ret = FALSE;

  g_return_val_if_fail (i < bag->chunks->len, FALSE);
  ci = &g_array_index (bag->chunks, GstRosbagChunkInfo, i);

  g_mutex_lock (&bag->lock);
  if (ci->header_known) {
    g_mutex_unlock (&bag->lock);
    return TRUE;
  }
  b = read_record_head (bag, ci->pos, bag->file_size, 4096, &rec, &r,
      &needed, error);
  if (r == GST_ROSBAG_PARSE_NEED_MORE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: chunk header at byte %" G_GUINT64_FORMAT " is cut off",
        bag->name, ci->pos);
    goto out;
  }
  if (r == GST_ROSBAG_PARSE_ERROR) {
    g_prefix_error (error, "%s: ", bag->name);
    goto out;
  }
  if (rec.op != GST_ROSBAG_OP_CHUNK) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk info points at byte %" G_GUINT64_FORMAT
        " but the record there is op 0x%02x, not a chunk", bag->name,
        ci->pos, rec.op);
    goto out;
  }
  if (!gst_rosbag_header_find (rec.header, rec.header_len, "compression", &cv,
          &cvlen)
      || !gst_rosbag_header_get_u32 (rec.header, rec.header_len, "size", &size)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk at byte %" G_GUINT64_FORMAT
        " lacks its compression or size field", bag->name, ci->pos);
    goto out;
  }
  ci->compression = gst_rosbag_compression_from_string ((const gchar *) cv,
      cvlen);
  if (ci->compression == GST_ROSBAG_COMPRESSION_UNKNOWN) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: chunk at byte %" G_GUINT64_FORMAT " uses compression '%.*s'",
        bag->name, ci->pos, (int) cvlen, cv);
    goto out;
  }
  ci->uncompressed_size = size;
  ci->data_pos = ci->pos + 8 + rec.header_len;
  ci->data_len = rec.data_len;
  ci->index_pos = ci->data_pos + rec.data_len;
  if (ci->index_pos > bag->file_size) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: chunk at byte %" G_GUINT64_FORMAT " needs %u data bytes but"
        " the file ends at byte %" G_GUINT64_FORMAT, bag->name, ci->pos,
        rec.data_len, bag->file_size);
    goto out;
  }
  ci->header_known = TRUE;
  ret = TRUE;

out:
  g_mutex_unlock (&bag->lock);
  if (b)
    g_bytes_unref (b);
  return ret;
}

gboolean
gst_rosbag_bag_get_compression_stats (GstRosbagBag * bag,
    guint counts[GST_ROSBAG_COMPRESSION_UNKNOWN + 1],
    guint64 * compressed_total, guint64 * uncompressed_total, GError ** error)
{
  guint i;
  guint64 ct = 0, ut = 0;

  memset (counts, 0, sizeof (guint) * (GST_ROSBAG_COMPRESSION_UNKNOWN + 1));
  for (i = 0; i < bag->chunks->len; i++) {
    const GstRosbagChunkInfo *ci;

    if (!gst_rosbag_bag_load_chunk_header (bag, i, error))
      return FALSE;
    ci = gst_rosbag_bag_get_chunk (bag, i);
    counts[ci->compression]++;
    ct += ci->data_len;
    ut += ci->uncompressed_size;
  }
  if (compressed_total)
    *compressed_total = ct;
  if (uncompressed_total)
    *uncompressed_total = ut;
  return TRUE;
}

GArray *
gst_rosbag_bag_load_chunk_index (GstRosbagBag * bag, guint i,
    gboolean (*want) (guint32 conn_id, gpointer user_data),
    gpointer user_data, GError ** error)
{
  const GstRosbagChunkInfo *ci;
  GArray *out;
  guint64 pos, end;
  guint n_records = 0;

  if (!gst_rosbag_bag_load_chunk_header (bag, i, error))
    return NULL;
  ci = gst_rosbag_bag_get_chunk (bag, i);
  out = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));

  if (ci->entries) {
    guint k;

    for (k = 0; k < ci->entries->len; k++) {
      GstRosbagIndexEntry *e = &g_array_index (ci->entries,
          GstRosbagIndexEntry, k);
      if (!want || want (e->conn_id, user_data))
        g_array_append_val (out, *e);
    }
    return out;
  }

  /* INDEX_DATA records follow the chunk, one per connection in it */
  pos = ci->index_pos;
  end = bag->indexed ? bag->index_pos : bag->file_size;
  if (end > bag->file_size)
    end = bag->file_size;
  while (pos + 8 <= end && n_records < ci->n_conns) {
    GBytes *b;
    GstRosbagRecord rec;
    guint64 needed = 0;
    GstRosbagParseResult r;
    guint32 ver, conn_id, count, k;
    guint64 data_pos;
    GBytes *entries;
    const guint8 *ep;

    b = read_record_head (bag, pos, end, 4096, &rec, &r, &needed, error);
    if (r != GST_ROSBAG_PARSE_OK) {
      if (r == GST_ROSBAG_PARSE_NEED_MORE)
        g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
            "%s: index record at byte %" G_GUINT64_FORMAT " is cut off",
            bag->name, pos);
      else
        g_prefix_error (error, "%s: ", bag->name);
      goto fail;
    }
    if (rec.op != GST_ROSBAG_OP_INDEX_DATA) {
      g_bytes_unref (b);
      break;
    }
    if (!gst_rosbag_header_get_u32 (rec.header, rec.header_len, "ver", &ver)
        || !gst_rosbag_header_get_u32 (rec.header, rec.header_len, "conn",
            &conn_id)
        || !gst_rosbag_header_get_u32 (rec.header, rec.header_len, "count",
            &count) || ver != 1) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: index record at byte %" G_GUINT64_FORMAT
          " lacks ver=1, conn or count", bag->name, pos);
      g_bytes_unref (b);
      goto fail;
    }
    data_pos = pos + 8 + rec.header_len;
    g_bytes_unref (b);
    /* old writers put a wrong data_len here: trust count x 12 */
    if ((guint64) count * INDEX_ENTRY_SIZE > end - MIN (end, data_pos)) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: index record at byte %" G_GUINT64_FORMAT " claims %u entries,"
          " more than the file holds", bag->name, pos, count);
      goto fail;
    }
    n_records++;
    if (!want || want (conn_id, user_data)) {
      entries = read_exact (bag, data_pos, (gsize) count * INDEX_ENTRY_SIZE,
          "index entries", error);
      if (!entries)
        goto fail;
      ep = g_bytes_get_data (entries, NULL);
      for (k = 0; k < count; k++) {
        GstRosbagIndexEntry e;

        e.time_ns = gst_rosbag_read_time (ep + k * INDEX_ENTRY_SIZE);
        e.offset = gst_rosbag_read_u32 (ep + k * INDEX_ENTRY_SIZE + 8);
        e.conn_id = conn_id;
        g_array_append_val (out, e);
      }
      g_bytes_unref (entries);
    }
    pos = data_pos + (guint64) count *INDEX_ENTRY_SIZE;
  }
  g_array_sort (out, gst_rosbag_index_entry_cmp);
  return out;

fail:
  g_array_unref (out);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* topic patterns */

static const gchar *
skip_slash (const gchar * s)
{
  return (s[0] == '/') ? s + 1 : s;
}

gboolean
gst_rosbag_topic_matches (const gchar * topic, const gchar * const *patterns)
{
  const gchar *t;

  if (patterns == NULL || patterns[0] == NULL)
    return TRUE;
  t = skip_slash (topic);
  for (; *patterns; patterns++) {
    const gchar *p = skip_slash (*patterns);

    if (strpbrk (p, "*?")) {
      if (g_pattern_match_simple (p, t))
        return TRUE;
    } else if (strcmp (p, t) == 0) {
      return TRUE;
    }
  }
  return FALSE;
}

gchar **
gst_rosbag_topic_patterns_parse (const gchar * list)
{
  GPtrArray *out = g_ptr_array_new ();
  gchar **parts;
  guint i;

  if (list) {
    parts = g_strsplit_set (list, ",", -1);
    for (i = 0; parts[i]; i++) {
      gchar *s = g_strstrip (parts[i]);

      if (*s)
        g_ptr_array_add (out, g_strdup (s));
    }
    g_strfreev (parts);
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* the ROS 1 backend of a GstRosbagRecording */

static gboolean
want_in_set (guint32 conn_id, gpointer user_data)
{
  return g_hash_table_contains (user_data, GUINT_TO_POINTER (conn_id));
}

static GArray *
bag_be_load_index (gpointer be, guint i, GHashTable * wanted, GError ** error)
{
  return gst_rosbag_bag_load_chunk_index (be, i, wanted ? want_in_set : NULL,
      wanted, error);
}

static gboolean
bag_be_block_size (gpointer be, guint i, gsize * size, GError ** error)
{
  if (!gst_rosbag_bag_load_chunk_header (be, i, error))
    return FALSE;
  *size = gst_rosbag_bag_get_chunk (be, i)->uncompressed_size;
  return TRUE;
}

static GBytes *
bag_be_read_block (gpointer be, guint i, GError ** error)
{
  GstRosbagBag *bag = be;
  const GstRosbagChunkInfo *ci;
  GBytes *raw;

  if (!gst_rosbag_bag_load_chunk_header (bag, i, error))
    return NULL;
  ci = gst_rosbag_bag_get_chunk (bag, i);
  raw = gst_rosbag_bag_read (bag, ci->data_pos, ci->data_len, error);
  if (raw && !ci->partial && g_bytes_get_size (raw) < ci->data_len) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
        "%s: chunk at byte %" G_GUINT64_FORMAT " is cut off", bag->name,
        ci->pos);
    g_bytes_unref (raw);
    return NULL;
  }
  return raw;
}

static GBytes *
bag_be_decode_block (gpointer be, guint i, GBytes * raw, GError ** error)
{
  GstRosbagBag *bag = be;
  const GstRosbagChunkInfo *ci = gst_rosbag_bag_get_chunk (bag, i);
  GBytes *dec;

  if (ci->partial) {
    gsize len;
    const guint8 *d = g_bytes_get_data (raw, &len);

    return gst_rosbag_chunk_decompress_partial (ci->compression, d, len,
        ci->uncompressed_size);
  }
  dec = gst_rosbag_chunk_decompress (ci->compression, raw,
      ci->uncompressed_size, ci->pos, error);
  if (!dec)
    g_prefix_error (error, "%s: ", bag->name);
  return dec;
}

gboolean
gst_rosbag_record_get_message (const GstRosbagRecord * rec,
    GstRosbagMessage * msg)
{
  guint32 conn_id;
  guint64 t;

  if (rec->op != GST_ROSBAG_OP_MSG_DATA
      || !gst_rosbag_header_get_u32 (rec->header, rec->header_len, "conn",
          &conn_id)
      || !gst_rosbag_header_get_time (rec->header, rec->header_len, "time", &t))
    return FALSE;
  memset (msg, 0, sizeof (*msg));
  msg->channel_id = conn_id;
  msg->time_ns = msg->publish_time_ns = t;
  msg->data = rec->data;
  msg->size = rec->data_len;
  return TRUE;
}

static gboolean
bag_be_parse_message (gpointer be, guint i, GBytes * block, guint64 offset,
    GstRosbagMessage * msg, GError ** error)
{
  gsize dlen;
  const guint8 *d = g_bytes_get_data (block, &dlen);
  guint64 off = offset;
  GstRosbagParseResult pr = GST_ROSBAG_PARSE_ERROR;
  GstRosbagRecord rec;
  GError *err = NULL;

  /* the offset may point at a connection record: skip to the message */
  while (off < dlen) {
    g_clear_error (&err);
    pr = gst_rosbag_record_parse (d + off, dlen - off, off, TRUE, &rec,
        NULL, &err);
    if (pr != GST_ROSBAG_PARSE_OK || rec.op != GST_ROSBAG_OP_CONNECTION)
      break;
    off += rec.total_len;
  }
  if (pr == GST_ROSBAG_PARSE_OK && gst_rosbag_record_get_message (&rec, msg)) {
    msg->offset = off;
    return TRUE;
  }
  if (err) {
    g_propagate_error (error, err);
  } else if (pr == GST_ROSBAG_PARSE_OK) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "no message record at byte %" G_GUINT64_FORMAT, offset);
  } else {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "record at byte %" G_GUINT64_FORMAT " is cut off", offset);
  }
  return FALSE;
}

static const GstRosbagBackendFuncs bag_backend_funcs = {
  bag_be_load_index,
  bag_be_block_size,
  bag_be_read_block,
  bag_be_decode_block,
  bag_be_parse_message,
};

gboolean
gst_rosbag_bag_backend_init (GstRosbagBag * bag, GstRosbagBackendInfo * info)
{
  guint i, j, k;

  info->funcs = &bag_backend_funcs;
  info->backend = gst_rosbag_bag_ref (bag);
  info->backend_free = (GDestroyNotify) gst_rosbag_bag_unref;
  info->blocks = g_array_sized_new (FALSE, TRUE, sizeof (GstRosbagBlock),
      bag->chunks->len);
  info->topics = g_ptr_array_new ();
  info->channels = g_hash_table_new (NULL, NULL);

  for (i = 0; i < bag->chunks->len; i++) {
    const GstRosbagChunkInfo *ci = gst_rosbag_bag_get_chunk (bag, i);
    GstRosbagBlock b;

    b.pos = ci->pos;
    b.start_ns = ci->start_ns;
    b.end_ns = ci->end_ns;
    b.message_count = ci->message_count;
    b.n_channels = ci->n_conns;
    b.channel_ids = ci->conn_ids;
    g_array_append_val (info->blocks, b);
  }

  for (i = 0; i < bag->topics->len; i++) {
    const GstRosbagBagTopic *bt = g_ptr_array_index (bag->topics, i);
    GstRosbagTopic *t = gst_rosbag_topic_new (bt->name);

    g_free (t->type);
    t->type = g_strdup (bt->type);
    g_free (t->schema_encoding);
    t->schema_encoding = g_strdup ("ros1msg");
    g_free (t->message_encoding);
    t->message_encoding = g_strdup ("ros1");
    gst_rosbag_topic_set_definition (t, (const guint8 *) bt->definition,
        bt->definition ? strlen (bt->definition) : 0);
    t->md5sum = g_strdup (bt->md5sum);
    t->message_count = bt->message_count;
    t->latching = bt->latching;
    t->first_ns = G_MAXUINT64;
    t->last_ns = 0;
    for (j = 0; j < bt->connections->len; j++) {
      const GstRosbagConnection *c = g_ptr_array_index (bt->connections, j);

      g_ptr_array_add (t->callerids, g_strdup (c->callerid ? c->callerid : ""));
      g_hash_table_insert (info->channels, GUINT_TO_POINTER (c->id), t);
    }
    g_ptr_array_add (info->topics, t);
  }

  /* each topic's bounds: the chunks that hold its messages */
  for (i = 0; i < bag->chunks->len; i++) {
    const GstRosbagChunkInfo *ci = gst_rosbag_bag_get_chunk (bag, i);

    for (k = 0; k < ci->n_conns; k++) {
      GstRosbagTopic *t = g_hash_table_lookup (info->channels,
          GUINT_TO_POINTER (ci->conn_ids[k]));

      if (t && ci->conn_counts[k] > 0) {
        t->first_ns = MIN (t->first_ns, ci->start_ns);
        t->last_ns = MAX (t->last_ns, ci->end_ns);
      }
    }
  }
  return TRUE;
}
