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

/* The rosbag2 sqlite3 storage (one .db3 file): tables topics (id, name,
 * type, serialization_format, ...), messages (id, topic_id, timestamp,
 * data) and, from Iron on, message_definitions. sqlite reads the file
 * through the recording's read function, by a read-only VFS; only the
 * thread calling into the recording or a reader ever runs a query.
 *
 * Blocks are runs of rows of messages in (timestamp, id) order, their
 * bounds found at open from the timestamp index; a block read is one
 * query for its rows, their blobs copied into one buffer. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sqlite3.h>
#include <zstd.h>

#include "rosbag-private.h"

/* a block: about this many bytes of rows, at most DB3_MAX_ROWS rows */
#define DB3_BLOCK_BYTES (4 * 1024 * 1024)
#define DB3_MAX_ROWS 10000
#define DB3_MIN_ROWS 16
/* MESSAGE-mode compression: a message decompresses to at most this */
#define DB3_MAX_MESSAGE_BYTES (G_GUINT64_CONSTANT (1) << 30)
/* data_len of a row whose data would not decompress */
#define DB3_BAD_ROW G_MAXUINT64

static const guint8 zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

typedef struct
{
  gint64 t0, id0, t1, id1;      /* first and last row, (timestamp, id) */
  guint64 n;                    /* rows */
} Range;

/* one row in a block read: the block is this header array, then the
 * blobs */
typedef struct
{
  guint64 time_ns;
  guint64 data_off;
  guint64 data_len;
  guint32 topic_id;
  guint32 pad;
} Row;

struct _GstRosbagDb3
{
  GstRosbagReadFunc read_func;
  gpointer user_data;
  GDestroyNotify notify;
  guint64 file_size;
  gchar *name;
  gchar *key;                   /* the file name the VFS knows it by */
  sqlite3 *db;
  gchar *io_error;              /* the last read error's message */
  GArray *ranges;               /* Range, one per block */
  GHashTable *channels;         /* the info's: topic id -> topic */
  guint64 total;
  sqlite3_stmt *index_stmt, *data_stmt;
  gboolean message_zstd;        /* rosbag2 MESSAGE-mode compression */
  gboolean by_id;               /* no timestamp index (Dashing): blocks are
                                 * id ranges, ids in timestamp order */
};

/* ---------------------------------------------------------------------- */
/* the read-only VFS */

typedef struct
{
  sqlite3_file base;
  GstRosbagDb3 *d;
} Db3File;

static GMutex files_lock;
static GHashTable *files;       /* key -> GstRosbagDb3* */

static int
f_close (sqlite3_file * f)
{
  return SQLITE_OK;
}

static int
f_read (sqlite3_file * f, void *buf, int amt, sqlite3_int64 ofs)
{
  GstRosbagDb3 *d = ((Db3File *) f)->d;
  GError *err = NULL;
  GBytes *b;
  gsize got = 0;

  if (ofs < 0 || amt < 0)
    return SQLITE_IOERR_READ;
  if ((guint64) ofs < d->file_size) {
    b = d->read_func (d->user_data, ofs, MIN ((guint64) amt,
            d->file_size - ofs), &err);
    if (!b) {
      g_free (d->io_error);
      d->io_error = g_strdup (err ? err->message : "read failed");
      g_clear_error (&err);
      return SQLITE_IOERR_READ;
    }
    got = MIN (g_bytes_get_size (b), (gsize) amt);
    memcpy (buf, g_bytes_get_data (b, NULL), got);
    g_bytes_unref (b);
  }
  if (got < (gsize) amt) {
    memset ((guint8 *) buf + got, 0, amt - got);
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

static int
f_write (sqlite3_file * f, const void *buf, int amt, sqlite3_int64 ofs)
{
  return SQLITE_READONLY;
}

static int
f_truncate (sqlite3_file * f, sqlite3_int64 size)
{
  return SQLITE_READONLY;
}

static int
f_sync (sqlite3_file * f, int flags)
{
  return SQLITE_OK;
}

static int
f_file_size (sqlite3_file * f, sqlite3_int64 * size)
{
  *size = ((Db3File *) f)->d->file_size;
  return SQLITE_OK;
}

static int
f_lock (sqlite3_file * f, int level)
{
  return SQLITE_OK;
}

static int
f_check_reserved (sqlite3_file * f, int *out)
{
  *out = 0;
  return SQLITE_OK;
}

static int
f_file_control (sqlite3_file * f, int op, void *arg)
{
  return SQLITE_NOTFOUND;
}

static int
f_sector_size (sqlite3_file * f)
{
  return 512;
}

static int
f_device_characteristics (sqlite3_file * f)
{
  return SQLITE_IOCAP_IMMUTABLE;
}

static const sqlite3_io_methods db3_io = {
  1,
  f_close,
  f_read,
  f_write,
  f_truncate,
  f_sync,
  f_file_size,
  f_lock,
  f_lock,
  f_check_reserved,
  f_file_control,
  f_sector_size,
  f_device_characteristics,
};

static int
v_open (sqlite3_vfs * vfs, const char *name, sqlite3_file * f, int flags,
    int *out_flags)
{
  GstRosbagDb3 *d = NULL;

  f->pMethods = NULL;
  /* journals, WAL and temporary files do not exist */
  if (!(flags & SQLITE_OPEN_MAIN_DB) || !name)
    return SQLITE_CANTOPEN;
  g_mutex_lock (&files_lock);
  if (files)
    d = g_hash_table_lookup (files, name);
  g_mutex_unlock (&files_lock);
  if (!d)
    return SQLITE_CANTOPEN;
  ((Db3File *) f)->d = d;
  f->pMethods = &db3_io;
  if (out_flags)
    *out_flags = SQLITE_OPEN_READONLY;
  return SQLITE_OK;
}

static int
v_delete (sqlite3_vfs * vfs, const char *name, int sync_dir)
{
  return SQLITE_READONLY;
}

static int
v_access (sqlite3_vfs * vfs, const char *name, int flags, int *out)
{
  *out = 0;
  return SQLITE_OK;
}

static int
v_full_pathname (sqlite3_vfs * vfs, const char *name, int n, char *out)
{
  g_strlcpy (out, name, n);
  return SQLITE_OK;
}

static int
v_randomness (sqlite3_vfs * vfs, int n, char *out)
{
  memset (out, 0, n);
  return n;
}

static int
v_sleep (sqlite3_vfs * vfs, int us)
{
  g_usleep (us);
  return us;
}

static int
v_current_time (sqlite3_vfs * vfs, double *out)
{
  *out = 2440587.5 + g_get_real_time () / 86400e6;
  return SQLITE_OK;
}

static int
v_get_last_error (sqlite3_vfs * vfs, int n, char *out)
{
  return 0;
}

static gchar *vfs_name;

static sqlite3_vfs db3_vfs = {
  1,
  sizeof (Db3File),
  1024,
  NULL,
  NULL,                         /* vfs_name */
  NULL,
  v_open,
  v_delete,
  v_access,
  v_full_pathname,
  NULL,
  NULL,
  NULL,
  NULL,
  v_randomness,
  v_sleep,
  v_current_time,
  v_get_last_error,
};

static gboolean
vfs_register (void)
{
  static gsize done = 0;
  static gboolean ok;

  if (g_once_init_enter (&done)) {
    /* unique to this copy of the code: the static library of the tests
     * and the shared one of the plugins can live in one process */
    vfs_name = g_strdup_printf ("gst-rosbag-readonly-%p", (void *) &db3_vfs);
    db3_vfs.zName = vfs_name;
    ok = sqlite3_initialize () == SQLITE_OK
        && sqlite3_vfs_register (&db3_vfs, 0) == SQLITE_OK;
    g_once_init_leave (&done, 1);
  }
  return ok;
}

/* ---------------------------------------------------------------------- */
/* queries */

/* An error for the failed sqlite call @rc: the file cannot be read
 * (CORRUPT, with the read function's message where it failed) */
static void
db3_error (GstRosbagDb3 * d, GError ** error, const gchar * what)
{
  const gchar *msg = d->db ? sqlite3_errmsg (d->db) : "out of memory";

  if (d->io_error)
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s: %s: %s", d->name, what, d->io_error);
  else
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: %s: %s", d->name, what, msg);
  g_clear_pointer (&d->io_error, g_free);
}

static sqlite3_stmt *
prepare (GstRosbagDb3 * d, const gchar * sql, GError ** error)
{
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (d->db, sql, -1, &st, NULL) != SQLITE_OK) {
    db3_error (d, error, sql);
    return NULL;
  }
  return st;
}

static const gchar *
col_text (sqlite3_stmt * st, int i)
{
  const gchar *s = (const gchar *) sqlite3_column_text (st, i);

  return s ? s : "";
}

/* whether table @table has column @col ("" for the table itself) */
static gboolean
has_column (GstRosbagDb3 * d, const gchar * table, const gchar * col)
{
  return sqlite3_table_column_metadata (d->db, NULL, table,
      col[0] ? col : NULL, NULL, NULL, NULL, NULL, NULL) == SQLITE_OK;
}

static guint64
clamp_time (gint64 t)
{
  return t < 0 ? 0 : (guint64) t;
}

static gboolean
need_tables (GstRosbagDb3 * d, GError ** error)
{
  static const gchar *const need[][2] = {
    {"topics", "id"}, {"topics", "name"}, {"topics", "type"},
    {"messages", "id"}, {"messages", "topic_id"},
    {"messages", "timestamp"}, {"messages", "data"},
  };
  sqlite3_stmt *st;
  guint i;
  int rc;

  /* reads the schema: a file that is no database fails here */
  st = prepare (d, "select count(*) from sqlite_master", error);
  if (!st)
    return FALSE;
  rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW) {
    db3_error (d, error, "reading the schema");
    return FALSE;
  }
  for (i = 0; i < G_N_ELEMENTS (need); i++) {
    if (!has_column (d, need[i][0], "")) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: an sqlite3 database without a '%s' table: not a rosbag2"
          " recording", d->name, need[i][0]);
      return FALSE;
    }
    if (!has_column (d, need[i][0], need[i][1])) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: the '%s' table has no '%s' column", d->name, need[i][0],
          need[i][1]);
      return FALSE;
    }
  }
  return TRUE;
}

static void
topic_set_definition (GstRosbagDb3 * d, GstRosbagTopic * t, sqlite3_stmt * st)
{
  if (!st)
    return;
  sqlite3_reset (st);
  sqlite3_bind_text (st, 1, t->type, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW) {
    const gchar *enc = col_text (st, 0);
    const void *def = sqlite3_column_blob (st, 1);
    int len = sqlite3_column_bytes (st, 1);

    if (enc[0]) {
      g_free (t->schema_encoding);
      t->schema_encoding = g_strdup (enc);
    }
    if (def && len > 0)
      gst_rosbag_topic_set_definition (t, def, len);
  }
  sqlite3_reset (st);
}

static gboolean
read_topics (GstRosbagDb3 * d, GstRosbagBackendInfo * info, GError ** error)
{
  GHashTable *by_name = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *st, *defs = NULL;
  gboolean has_format = has_column (d, "topics", "serialization_format");
  gboolean has_qos = has_column (d, "topics", "offered_qos_profiles");
  gchar *sql;
  int rc;

  if (has_column (d, "message_definitions", "encoded_message_definition")
      && has_column (d, "message_definitions", "topic_type")
      && has_column (d, "message_definitions", "encoding"))
    defs = prepare (d, "select encoding, encoded_message_definition from"
        " message_definitions where topic_type = ?1 order by id", NULL);
  sql = g_strdup_printf ("select id, name, type, %s, %s from topics order by"
      " id", has_format ? "serialization_format" : "''",
      has_qos ? "offered_qos_profiles" : "''");
  st = prepare (d, sql, error);
  g_free (sql);
  if (!st)
    goto fail;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (st, 0);
    const gchar *name = col_text (st, 1);
    const gchar *format = col_text (st, 3);
    GstRosbagTopic *t = g_hash_table_lookup (by_name, name);

    if (id < 0 || id > G_MAXUINT32 || g_hash_table_contains (info->channels,
            GUINT_TO_POINTER ((guint) id)))
      continue;
    if (!t) {
      t = gst_rosbag_topic_new (name);
      g_free (t->type);
      t->type = g_strdup (col_text (st, 2));
      g_free (t->message_encoding);
      t->message_encoding = g_strdup (format[0] ? format : "cdr");
      g_free (t->schema_encoding);
      t->schema_encoding = g_strdup ("ros2msg");
      topic_set_definition (d, t, defs);
      if (sqlite3_column_bytes (st, 4) > 0)
        t->qos = gst_rosbag_qos_parse (col_text (st, 4),
            sqlite3_column_bytes (st, 4));
      g_ptr_array_add (info->topics, t);
      g_hash_table_insert (by_name, t->name, t);
    }
    g_ptr_array_add (t->callerids, g_strdup (""));
    g_hash_table_insert (info->channels, GUINT_TO_POINTER ((guint) id), t);
  }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE) {
    db3_error (d, error, "reading the topics table");
    goto fail;
  }

  st = prepare (d, "select topic_id, count(*), min(timestamp),"
      " max(timestamp) from messages group by topic_id", error);
  if (!st)
    goto fail;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (st, 0);
    guint64 n = sqlite3_column_int64 (st, 1);
    GstRosbagTopic *t = id < 0 || id > G_MAXUINT32 ? NULL :
        g_hash_table_lookup (info->channels, GUINT_TO_POINTER ((guint) id));

    /* messages of no topic are never read */
    if (!t)
      continue;
    t->message_count += n;
    t->first_ns = MIN (t->first_ns, clamp_time (sqlite3_column_int64 (st, 2)));
    t->last_ns = MAX (t->last_ns, clamp_time (sqlite3_column_int64 (st, 3)));
    d->total += n;
  }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE) {
    db3_error (d, error, "counting the messages");
    goto fail;
  }
  if (defs)
    sqlite3_finalize (defs);
  g_hash_table_unref (by_name);
  return TRUE;

fail:
  if (defs)
    sqlite3_finalize (defs);
  g_hash_table_unref (by_name);
  return FALSE;
}

/* whether an index on messages starts with the timestamp (Dashing wrote
 * none) */
static gboolean
has_timestamp_index (GstRosbagDb3 * d)
{
  sqlite3_stmt *st = prepare (d, "select count(*) from"
      " pragma_index_list('messages') l, pragma_index_info(l.name) i"
      " where i.seqno = 0 and i.name = 'timestamp'", NULL);
  gboolean yes = FALSE;

  if (!st)
    return FALSE;
  if (sqlite3_step (st) == SQLITE_ROW)
    yes = sqlite3_column_int64 (st, 0) > 0;
  sqlite3_finalize (st);
  return yes;
}

/* without the index: whether ids (the rowid) are in timestamp order, as a
 * recorder inserts them; one pass over the table's b-tree, no sort */
static gboolean
ids_in_time_order (GstRosbagDb3 * d)
{
  sqlite3_stmt *st = prepare (d, "select timestamp from messages order by id",
      NULL);
  gint64 last = G_MININT64;
  gboolean ordered = TRUE;
  int rc;

  if (!st)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    gint64 t = sqlite3_column_int64 (st, 0);

    if (t < last) {
      ordered = FALSE;
      break;
    }
    last = t;
  }
  sqlite3_finalize (st);
  return ordered && rc == SQLITE_DONE;
}

/* the blocks: runs of rows in (timestamp, id) order, from the index (or,
 * without one, from the ids when they are in time order; else sqlite
 * sorts the table once here) */
static gboolean
find_blocks (GstRosbagDb3 * d, GstRosbagBackendInfo * info, GError ** error)
{
  sqlite3_stmt *st;
  guint64 per_row = d->total ? MAX (d->file_size / d->total, 1) : 1;
  guint64 rows = CLAMP (DB3_BLOCK_BYTES / per_row, DB3_MIN_ROWS,
      DB3_MAX_ROWS);
  GstRosbagBlock b;
  Range r = { 0, };
  guint64 n = 0, ordinal = 0;
  int rc;

  /* over the timestamp index alone: rows of unknown topics are counted
   * here and skipped by the block's index */
  d->by_id = !has_timestamp_index (d) && ids_in_time_order (d);
  st = prepare (d, d->by_id ? "select timestamp, id from messages order by id"
      : "select timestamp, id from messages order by timestamp, id", error);
  if (!st)
    return FALSE;
  memset (&b, 0, sizeof (b));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    gint64 ts = sqlite3_column_int64 (st, 0);
    gint64 id = sqlite3_column_int64 (st, 1);

    if (n == 0) {
      r.t0 = ts;
      r.id0 = id;
      b.pos = ordinal;
      b.start_ns = clamp_time (ts);
    }
    r.t1 = ts;
    r.id1 = id;
    b.end_ns = clamp_time (ts);
    n++;
    ordinal++;
    if (n == rows) {
      b.message_count = r.n = n;
      g_array_append_val (info->blocks, b);
      g_array_append_val (d->ranges, r);
      n = 0;
    }
  }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE) {
    db3_error (d, error, "reading the messages' timestamps");
    return FALSE;
  }
  if (n > 0) {
    b.message_count = r.n = n;
    g_array_append_val (info->blocks, b);
    g_array_append_val (d->ranges, r);
  }
  return TRUE;
}

#define RANGE_WHERE " from messages m" \
  " where m.timestamp >= ?1 and m.timestamp <= ?3" \
  " and (m.timestamp > ?1 or m.id >= ?2)" \
  " and (m.timestamp < ?3 or m.id <= ?4) order by m.timestamp, m.id"

/* the same rows by id alone (d->by_id): ?1 and ?3 unused */
#define ID_RANGE_WHERE " from messages m" \
  " where m.id >= ?2 and m.id <= ?4 and ?1 = ?1 and ?3 = ?3 order by m.id"

/* @st reset and bound to the rows of block @i; @select followed by the
 * range's where clause */
static sqlite3_stmt *
range_query (GstRosbagDb3 * d, sqlite3_stmt ** st, const gchar * select,
    guint i, GError ** error)
{
  Range *r = &g_array_index (d->ranges, Range, i);

  if (!*st) {
    gchar *sql = g_strconcat (select, d->by_id ? ID_RANGE_WHERE : RANGE_WHERE,
        NULL);

    *st = prepare (d, sql, error);
    g_free (sql);
    if (!*st)
      return NULL;
  }
  sqlite3_reset (*st);
  sqlite3_bind_int64 (*st, 1, r->t0);
  sqlite3_bind_int64 (*st, 2, r->id0);
  sqlite3_bind_int64 (*st, 3, r->t1);
  sqlite3_bind_int64 (*st, 4, r->id1);
  return *st;
}

/* ---------------------------------------------------------------------- */
/* the backend functions */

static GArray *
be_load_index (gpointer be, guint i, GHashTable * wanted, GError ** error)
{
  GstRosbagDb3 *d = be;
  sqlite3_stmt *st = range_query (d, &d->index_stmt,
      "select m.topic_id, m.timestamp", i, error);
  GArray *out;
  guint32 k = 0;
  int rc;

  if (!st)
    return NULL;
  out = g_array_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    GstRosbagIndexEntry e;

    e.conn_id = sqlite3_column_int64 (st, 0);
    e.time_ns = clamp_time (sqlite3_column_int64 (st, 1));
    e.offset = k++;
    if (!g_hash_table_contains (d->channels, GUINT_TO_POINTER (e.conn_id)))
      continue;
    if (!wanted || g_hash_table_contains (wanted, GUINT_TO_POINTER (e.conn_id)))
      g_array_append_val (out, e);
  }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE) {
    db3_error (d, error, "reading the messages' index");
    g_array_unref (out);
    return NULL;
  }
  return out;
}

static gboolean
be_block_size (gpointer be, guint i, gsize * size, GError ** error)
{
  GstRosbagDb3 *d = be;
  guint64 n = g_array_index (d->ranges, Range, i).n;
  guint64 per_row = d->total ? MAX (d->file_size / d->total, 1) : 1;

  /* an estimate: the rows' share of the file */
  *size = MIN (per_row * n, d->file_size) + sizeof (guint64) + sizeof (Row) * n;
  return TRUE;
}

static GBytes *
be_read_block (gpointer be, guint i, GError ** error)
{
  GstRosbagDb3 *d = be;
  sqlite3_stmt *st = range_query (d, &d->data_stmt,
      "select m.topic_id, m.timestamp, m.data", i, error);
  GArray *rows;
  GByteArray *data;
  guint8 *out;
  gsize head;
  guint k;
  int rc;

  if (!st)
    return NULL;
  rows = g_array_new (FALSE, TRUE, sizeof (Row));
  data = g_byte_array_new ();
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    Row r = { 0, };
    const void *blob = sqlite3_column_blob (st, 2);
    int len = sqlite3_column_bytes (st, 2);

    r.topic_id = sqlite3_column_int64 (st, 0);
    r.time_ns = clamp_time (sqlite3_column_int64 (st, 1));
    r.data_off = data->len;
    r.data_len = len > 0 ? len : 0;
    if (data->len + r.data_len > d->file_size) {
      rc = SQLITE_CORRUPT;
      break;
    }
    if (blob && len > 0)
      g_byte_array_append (data, blob, len);
    g_array_append_val (rows, r);
    if (rows->len > g_array_index (d->ranges, Range, i).n) {
      rc = SQLITE_CORRUPT;
      break;
    }
  }
  sqlite3_reset (st);
  if (rc != SQLITE_DONE) {
    if (rc == SQLITE_CORRUPT)
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: block %u of the messages table has more rows or bytes than"
          " it can", d->name, i);
    else
      db3_error (d, error, "reading messages");
    g_array_unref (rows);
    g_byte_array_unref (data);
    return NULL;
  }
  /* [n rows: guint64][Row * n][blobs] */
  head = sizeof (guint64) + rows->len * sizeof (Row);
  out = g_malloc (head + data->len);
  *(guint64 *) out = rows->len;
  for (k = 0; k < rows->len; k++)
    g_array_index (rows, Row, k).data_off += head;
  memcpy (out + sizeof (guint64), rows->data, rows->len * sizeof (Row));
  memcpy (out + head, data->data, data->len);
  k = data->len;
  g_array_unref (rows);
  g_byte_array_unref (data);
  return g_bytes_new_take (out, head + k);
}

/* MESSAGE mode: each row's data is one zstd frame; the block comes out
 * with every such row decompressed (in a worker: no I/O). A row that
 * does not decompress is marked and fails alone when parsed. */
static GBytes *
be_decode_block (gpointer be, guint i, GBytes * raw, GError ** error)
{
  GstRosbagDb3 *d = be;
  gsize len, head;
  const guint8 *p = g_bytes_get_data (raw, &len);
  GByteArray *data;
  Row *rows;
  guint64 n, k;
  guint8 *out;

  if (!d->message_zstd || len < sizeof (guint64))
    return g_bytes_ref (raw);
  memcpy (&n, p, sizeof (n));
  if (n > (len - sizeof (guint64)) / sizeof (Row))
    return g_bytes_ref (raw);
  head = sizeof (guint64) + n * sizeof (Row);
  rows = g_memdup2 (p + sizeof (guint64), n * sizeof (Row));
  data = g_byte_array_new ();
  for (k = 0; k < n; k++) {
    Row *r = &rows[k];
    const guint8 *blob = p + r->data_off;
    unsigned long long size;
    GBytes *dec = NULL;

    if (r->data_off > len || r->data_len > len - r->data_off) {
      r->data_len = DB3_BAD_ROW;
      continue;
    }
    if (r->data_len >= 4 && memcmp (blob, zstd_magic, 4) == 0) {
      size = ZSTD_getFrameContentSize (blob, r->data_len);
      if (size <= DB3_MAX_MESSAGE_BYTES)
        dec = gst_rosbag_zstd_decompress (blob, r->data_len, size, NULL);
      if (!dec) {
        r->data_len = DB3_BAD_ROW;
        continue;
      }
      r->data_off = head + data->len;
      r->data_len = g_bytes_get_size (dec);
      g_byte_array_append (data, g_bytes_get_data (dec, NULL), r->data_len);
      g_bytes_unref (dec);
    } else {
      g_byte_array_append (data, blob, r->data_len);
      r->data_off = head + data->len - r->data_len;
    }
  }
  out = g_malloc (head + data->len);
  memcpy (out, &n, sizeof (n));
  memcpy (out + sizeof (guint64), rows, n * sizeof (Row));
  memcpy (out + head, data->data, data->len);
  len = head + data->len;
  g_free (rows);
  g_byte_array_unref (data);
  return g_bytes_new_take (out, len);
}

static gboolean
be_parse_message (gpointer be, guint i, GBytes * block, guint64 offset,
    GstRosbagMessage * msg, GError ** error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (block, &len);
  guint64 n;
  Row r;

  if (len < sizeof (guint64))
    goto bad;
  memcpy (&n, p, sizeof (n));
  if (offset >= n || n > (len - sizeof (guint64)) / sizeof (Row))
    goto bad;
  memcpy (&r, p + sizeof (guint64) + offset * sizeof (Row), sizeof (Row));
  if (r.data_len == DB3_BAD_ROW)
    goto no_zstd;
  if (r.data_off > len || r.data_len > len - r.data_off)
    goto bad;
  msg->channel_id = r.topic_id;
  msg->time_ns = msg->publish_time_ns = r.time_ns;
  msg->sequence = 0;
  msg->data = p + r.data_off;
  msg->size = r.data_len;
  msg->offset = offset;
  return TRUE;

bad:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
      "message %" G_GUINT64_FORMAT " is not in its block", offset);
  return FALSE;
no_zstd:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_DECOMPRESS,
      "message %" G_GUINT64_FORMAT " of the block (compressed one by one)"
      " does not decompress", offset);
  return FALSE;
}

static const GstRosbagBackendFuncs db3_funcs = {
  be_load_index,
  be_block_size,
  be_read_block,
  be_decode_block,
  be_parse_message,
};

/* ---------------------------------------------------------------------- */
/* opening */

static void
db3_free (GstRosbagDb3 * d)
{
  if (!d)
    return;
  if (d->index_stmt)
    sqlite3_finalize (d->index_stmt);
  if (d->data_stmt)
    sqlite3_finalize (d->data_stmt);
  if (d->db)
    sqlite3_close (d->db);
  g_mutex_lock (&files_lock);
  if (files && d->key)
    g_hash_table_remove (files, d->key);
  g_mutex_unlock (&files_lock);
  if (d->notify)
    d->notify (d->user_data);
  g_array_unref (d->ranges);
  g_free (d->io_error);
  g_free (d->key);
  g_free (d->name);
  g_free (d);
}

static void
info_clear (GstRosbagBackendInfo * info)
{
  g_ptr_array_unref (info->topics);
  g_hash_table_unref (info->channels);
  g_array_unref (info->blocks);
  memset (info, 0, sizeof (*info));
}

/* rosbag2's MESSAGE mode leaves no mark in the file but the data: the
 * first message a zstd frame (a CDR message starts with 0x00) */
static void
detect_message_zstd (GstRosbagDb3 * d)
{
  sqlite3_stmt *st = prepare (d, "select substr(data, 1, 4) from messages"
      " limit 1", NULL);

  if (!st)
    return;
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_bytes (st, 0) == 4
      && memcmp (sqlite3_column_blob (st, 0), zstd_magic, 4) == 0)
    d->message_zstd = TRUE;
  sqlite3_finalize (st);
}

gboolean
gst_rosbag_db3_is_message_compressed (GstRosbagDb3 * d)
{
  return d->message_zstd;
}

/* Opens a rosbag2 sqlite3 file read through @read_func and fills @info.
 * Takes @user_data (freed with @notify, also on failure). */
GstRosbagDb3 *
gst_rosbag_db3_open (GstRosbagReadFunc read_func, gpointer user_data,
    GDestroyNotify notify, guint64 file_size, const gchar * name,
    GstRosbagBackendInfo * info, GError ** error)
{
  static gint serial = 0;
  GstRosbagDb3 *d = g_new0 (GstRosbagDb3, 1);
  gchar *uri;
  int rc;

  d->read_func = read_func;
  d->user_data = user_data;
  d->notify = notify;
  d->file_size = file_size;
  d->name = g_strdup (name);
  d->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  memset (info, 0, sizeof (*info));
  info->topics = g_ptr_array_new ();
  info->channels = g_hash_table_new (NULL, NULL);
  info->blocks = g_array_new (FALSE, TRUE, sizeof (GstRosbagBlock));

  if (!vfs_register ()) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: sqlite3 could not be initialised", name);
    goto fail;
  }
  d->key = g_strdup_printf ("/gst-rosbag-db3-%d",
      g_atomic_int_add (&serial, 1));
  g_mutex_lock (&files_lock);
  if (!files)
    files = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (files, d->key, d);
  g_mutex_unlock (&files_lock);

  uri = g_strdup_printf ("file:%s?immutable=1", d->key);
  rc = sqlite3_open_v2 (uri, &d->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
      vfs_name);
  g_free (uri);
  if (rc != SQLITE_OK) {
    db3_error (d, error, "opening");
    goto fail;
  }
  /* no blob is larger than the file */
  sqlite3_limit (d->db, SQLITE_LIMIT_LENGTH, MIN (MAX (file_size, 1024),
          G_MAXINT));
  sqlite3_exec (d->db, "pragma temp_store = memory", NULL, NULL, NULL);
  d->channels = info->channels;
  if (!need_tables (d, error) || !read_topics (d, info, error)
      || !find_blocks (d, info, error))
    goto fail;

  d->channels = info->channels;
  detect_message_zstd (d);
  info->funcs = &db3_funcs;
  info->backend = d;
  info->backend_free = (GDestroyNotify) db3_free;
  return d;

fail:
  g_ptr_array_set_free_func (info->topics,
      (GDestroyNotify) gst_rosbag_topic_free);
  info_clear (info);
  db3_free (d);
  return NULL;
}
