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
#include <zstd.h>

#include "rosbag-private.h"

/* One chunk whose index is loaded: its wanted entries and where we are */
typedef struct
{
  guint chunk;                  /* index in the bag's chunk list */
  guint64 chunk_pos;
  GArray *entries;              /* GstRosbagIndexEntry, sorted */
  guint next;
} Cursor;

/* A decompressed chunk. A prefetched one is LOADING until the worker is
 * done; the cache's byte count covers READY entries only. */
typedef struct
{
  GBytes *data;
  guint64 last_use;
  gboolean loading;
} CacheEntry;

struct _GstRosbagReader
{
  GstRosbagRecording *rec;
  const GstRosbagBackendFuncs *be;
  gpointer backend;
  gchar **patterns;
  guint64 range_start, range_stop;
  guint64 seek_time;
  gsize cache_max;

  GHashTable *channels;         /* channel id -> topic, the recording's */
  GHashTable *wanted;           /* channel id set */
  gboolean all_wanted;
  guint *order;                 /* candidate chunks by (start_ns, pos) */
  guint n_order;
  guint next_order;
  GPtrArray *heap;              /* Cursor*, min-heap */

  GHashTable *cache;            /* chunk index -> CacheEntry* */
  gsize cache_bytes, cache_peak;
  guint64 use_counter;

  GBytes *current;              /* the chunk of the last message */
  gboolean prepared;

  /* prefetch: workers decompress the next chunks ahead of need, in
   * order, within the cache bound (chunks being decoded count in it) */
  GThreadPool *pool;
  guint n_workers;
  guint prefetch;               /* chunks ahead */
  gboolean prefetch_set;        /* else derived from n_workers */
  gboolean schedule;            /* something changed what may be fetched */
  GMutex lock;                  /* protects the cache */
  GCond cond;
  guint n_loading;
  gsize loading_bytes;
};

static void
cursor_free (Cursor * c)
{
  if (c->entries)
    g_array_unref (c->entries);
  g_free (c);
}

static void
cache_entry_free (CacheEntry * e)
{
  if (e->data)
    g_bytes_unref (e->data);
  g_free (e);
}

static void prefetch_func (gpointer data, gpointer user_data);

/* chunks decoded ahead per worker: enough that a worker finds the next
 * job queued when it finishes one */
#define PREFETCH_PER_WORKER 3

/**
 * gst_rosbag_reader_default_workers:
 *
 * How many decompression workers a new reader has: one per CPU this
 * process may run on (g_get_num_processors(), which follows the CPU
 * affinity set by `taskset`), or none on a single CPU, where the
 * reading thread decompresses each chunk when it is due.
 *
 * Returns: the default number of workers
 */
guint
gst_rosbag_reader_default_workers (void)
{
  guint n = g_get_num_processors ();

  return n > 1 ? n : 0;
}

/**
 * gst_rosbag_reader_new:
 * @rec: a recording
 *
 * A reader over all of @rec's messages, in time order.
 *
 * Returns: (transfer full): the reader; free with gst_rosbag_reader_free()
 */
GstRosbagReader *
gst_rosbag_reader_new (GstRosbagRecording * rec)
{
  GstRosbagReader *r = g_new0 (GstRosbagReader, 1);

  r->rec = gst_rosbag_recording_ref (rec);
  r->be = gst_rosbag_recording_get_backend (rec, &r->backend);
  r->channels = gst_rosbag_recording_get_channels (rec);
  r->range_start = 0;
  r->range_stop = G_MAXUINT64;
  r->cache_max = GST_ROSBAG_READER_DEFAULT_CACHE_SIZE;
  r->wanted = g_hash_table_new (NULL, NULL);
  r->heap = g_ptr_array_new_with_free_func ((GDestroyNotify) cursor_free);
  r->cache = g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) cache_entry_free);
  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->n_workers = gst_rosbag_reader_default_workers ();
  r->prefetch = PREFETCH_PER_WORKER * r->n_workers;
  return r;
}

static void
wait_prefetch (GstRosbagReader * r)
{
  g_mutex_lock (&r->lock);
  while (r->n_loading > 0)
    g_cond_wait (&r->cond, &r->lock);
  g_mutex_unlock (&r->lock);
}

static void
reader_reset (GstRosbagReader * r)
{
  wait_prefetch (r);
  g_ptr_array_set_size (r->heap, 0);
  g_free (r->order);
  r->order = NULL;
  r->n_order = 0;
  r->next_order = 0;
  r->prepared = FALSE;
  r->schedule = TRUE;
}

/**
 * gst_rosbag_reader_free:
 * @reader: (transfer full) (nullable): a reader
 *
 * Stops its workers and frees it; the messages' bytes taken with
 * gst_rosbag_message_ref_bytes() stay valid.
 */
void
gst_rosbag_reader_free (GstRosbagReader * r)
{
  if (!r)
    return;
  reader_reset (r);
  if (r->pool)
    g_thread_pool_free (r->pool, TRUE, TRUE);
  g_ptr_array_unref (r->heap);
  g_hash_table_unref (r->cache);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_hash_table_unref (r->wanted);
  if (r->current)
    g_bytes_unref (r->current);
  g_strfreev (r->patterns);
  gst_rosbag_recording_unref (r->rec);
  g_free (r);
}

/* private: a reader over a bag opened with gst_rosbag_bag_open() */
GstRosbagReader *
gst_rosbag_reader_new_for_bag (GstRosbagBag * bag)
{
  GstRosbagRecording *rec = gst_rosbag_recording_new_for_bag (bag);
  GstRosbagReader *r = gst_rosbag_reader_new (rec);

  gst_rosbag_recording_unref (rec);
  return r;
}

const GstRosbagConnection *
gst_rosbag_reader_lookup_connection (GstRosbagReader * r,
    const GstRosbagMessage * msg)
{
  GstRosbagBag *bag = gst_rosbag_recording_get_bag (r->rec);

  return bag ? gst_rosbag_bag_lookup_connection (bag, msg->channel_id) : NULL;
}

/**
 * gst_rosbag_reader_get_recording:
 * @reader: a reader
 *
 * Returns: (transfer none): the recording it reads
 */
GstRosbagRecording *
gst_rosbag_reader_get_recording (GstRosbagReader * r)
{
  return r->rec;
}

/* with the lock held */
static void
cache_trim (GstRosbagReader * r, gsize max)
{
  while (r->cache_bytes > max) {
    GHashTableIter it;
    gpointer k, v, oldest_k = NULL;
    CacheEntry *oldest = NULL;

    g_hash_table_iter_init (&it, r->cache);
    while (g_hash_table_iter_next (&it, &k, &v)) {
      CacheEntry *e = v;
      if (!e->loading && (!oldest || e->last_use < oldest->last_use)) {
        oldest = e;
        oldest_k = k;
      }
    }
    if (!oldest)
      break;
    r->cache_bytes -= g_bytes_get_size (oldest->data);
    g_hash_table_remove (r->cache, oldest_k);
  }
}

/**
 * gst_rosbag_reader_set_cache_size:
 * @reader: a reader
 * @max_bytes: the bound of the decompressed-chunk cache
 *
 * Bounds the cache (default %GST_ROSBAG_READER_DEFAULT_CACHE_SIZE). A
 * chunk bigger than the bound is still read, alone. Resets the position
 * to the start of the range.
 */
void
gst_rosbag_reader_set_cache_size (GstRosbagReader * r, gsize max_bytes)
{
  reader_reset (r);
  g_mutex_lock (&r->lock);
  r->cache_max = max_bytes;
  cache_trim (r, max_bytes);
  g_mutex_unlock (&r->lock);
}

/**
 * gst_rosbag_reader_set_topics:
 * @reader: a reader
 * @patterns: (nullable) (array zero-terminated=1): topic names or globs;
 *   %NULL or empty for all
 *
 * Only messages of matching topics come out; chunks without any are
 * never decompressed. Resets the position to the start of the range.
 */
void
gst_rosbag_reader_set_topics (GstRosbagReader * r,
    const gchar * const *patterns)
{
  g_strfreev (r->patterns);
  r->patterns = (patterns && patterns[0]) ?
      g_strdupv ((gchar **) patterns) : NULL;
  reader_reset (r);
}

/**
 * gst_rosbag_reader_set_time_range:
 * @reader: a reader
 * @start_ns: absolute receive time in ns; 0 for an open start
 * @stop_ns: exclusive end; G_MAXUINT64 for an open end
 *
 * Only messages in the range come out; chunks outside it are never
 * read. Resets the position to the start of the range.
 */
void
gst_rosbag_reader_set_time_range (GstRosbagReader * r, guint64 start_ns,
    guint64 stop_ns)
{
  r->range_start = start_ns;
  r->range_stop = stop_ns;
  r->seek_time = 0;
  reader_reset (r);
}

/**
 * gst_rosbag_reader_seek:
 * @reader: a reader
 * @time_ns: absolute receive time in ns
 *
 * Repositions at the first wanted message with time >= @time_ns.
 */
void
gst_rosbag_reader_seek (GstRosbagReader * r, guint64 time_ns)
{
  r->seek_time = time_ns;
  reader_reset (r);
}

/**
 * gst_rosbag_reader_set_prefetch:
 * @reader: a reader
 * @n_chunks: how many chunks ahead; 0 turns prefetching off
 *
 * How many chunks the workers decompress ahead of need, in order and
 * within the cache bound (chunks being decoded count in it). The
 * chunks' bytes are read in the calling thread; the workers only decode
 * them. Default: 3 per worker (see gst_rosbag_reader_set_workers());
 * once set, it stays whatever the number of workers. Resets the position
 * to the start of the range.
 */
void
gst_rosbag_reader_set_prefetch (GstRosbagReader * r, guint n_chunks)
{
  reader_reset (r);
  r->prefetch = n_chunks;
  r->prefetch_set = TRUE;
}

/**
 * gst_rosbag_reader_set_workers:
 * @reader: a reader
 * @n_workers: threads that decompress chunks ahead of need; 0 for none
 *
 * Sets how many worker threads decompress the chunks due next (bz2, lz4
 * and zstd chunks of bags and MCAP files, zstd rows of rosbag2
 * databases), so that every core decompresses while the calling thread
 * hands out messages. The workers are started when first needed and
 * never touch the file. Default: gst_rosbag_reader_default_workers().
 * Resets the position to the start of the range.
 */
void
gst_rosbag_reader_set_workers (GstRosbagReader * r, guint n_workers)
{
  reader_reset (r);
  r->n_workers = MIN (n_workers, 256);
  if (!r->prefetch_set)
    r->prefetch = PREFETCH_PER_WORKER * r->n_workers;
  if (r->pool && r->n_workers > 0)
    g_thread_pool_set_max_threads (r->pool, r->n_workers, NULL);
}

/**
 * gst_rosbag_reader_get_workers:
 * @reader: a reader
 *
 * Returns: how many decompression workers @reader uses
 */
guint
gst_rosbag_reader_get_workers (GstRosbagReader * r)
{
  return r->n_workers;
}

/**
 * gst_rosbag_reader_get_cache_bytes:
 * @reader: a reader
 *
 * Returns: the bytes held in the chunk cache right now
 */
gsize
gst_rosbag_reader_get_cache_bytes (GstRosbagReader * r)
{
  return r->cache_bytes;
}

/**
 * gst_rosbag_reader_get_cache_peak:
 * @reader: a reader
 *
 * Returns: the most bytes the chunk cache ever held
 */
gsize
gst_rosbag_reader_get_cache_peak (GstRosbagReader * r)
{
  return r->cache_peak;
}

/* ---------------------------------------------------------------------- */
/* the heap of cursors, keyed (time, chunk position, offset) */

static inline const GstRosbagIndexEntry *
cursor_head (const Cursor * c)
{
  return &g_array_index (c->entries, GstRosbagIndexEntry, c->next);
}

static gboolean
cursor_less (const Cursor * a, const Cursor * b)
{
  const GstRosbagIndexEntry *ea = cursor_head (a), *eb = cursor_head (b);

  if (ea->time_ns != eb->time_ns)
    return ea->time_ns < eb->time_ns;
  if (a->chunk_pos != b->chunk_pos)
    return a->chunk_pos < b->chunk_pos;
  return ea->offset < eb->offset;
}

static void
heap_swap (GPtrArray * h, guint i, guint j)
{
  gpointer t = h->pdata[i];

  h->pdata[i] = h->pdata[j];
  h->pdata[j] = t;
}

static void
heap_up (GPtrArray * h, guint i)
{
  while (i > 0) {
    guint p = (i - 1) / 2;

    if (!cursor_less (h->pdata[i], h->pdata[p]))
      break;
    heap_swap (h, i, p);
    i = p;
  }
}

static void
heap_down (GPtrArray * h, guint i)
{
  for (;;) {
    guint l = 2 * i + 1, rr = l + 1, m = i;

    if (l < h->len && cursor_less (h->pdata[l], h->pdata[m]))
      m = l;
    if (rr < h->len && cursor_less (h->pdata[rr], h->pdata[m]))
      m = rr;
    if (m == i)
      break;
    heap_swap (h, i, m);
    i = m;
  }
}

static void
heap_push (GPtrArray * h, Cursor * c)
{
  g_ptr_array_add (h, c);
  heap_up (h, h->len - 1);
}

/* removes the top cursor (freeing it) */
static void
heap_pop (GPtrArray * h)
{
  Cursor *top = h->pdata[0];

  h->pdata[0] = h->pdata[h->len - 1];
  h->pdata[h->len - 1] = top;
  g_ptr_array_set_size (h, h->len - 1);
  if (h->len > 0)
    heap_down (h, 0);
}

/* ---------------------------------------------------------------------- */

static gint
order_cmp (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GstRosbagRecording *rec = user_data;
  const GstRosbagBlock *ca = gst_rosbag_recording_get_block (rec,
      *(const guint *) a);
  const GstRosbagBlock *cb = gst_rosbag_recording_get_block (rec,
      *(const guint *) b);

  if (ca->start_ns != cb->start_ns)
    return ca->start_ns < cb->start_ns ? -1 : 1;
  return ca->pos < cb->pos ? -1 : (ca->pos > cb->pos ? 1 : 0);
}

static guint64
effective_start (GstRosbagReader * r)
{
  return MAX (r->range_start, r->seek_time);
}

static void
reader_prepare (GstRosbagReader * r)
{
  GstRosbagRecording *rec = r->rec;
  guint i, j, n = gst_rosbag_recording_get_n_blocks (rec);
  guint64 start = effective_start (r);
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_remove_all (r->wanted);
  r->all_wanted = TRUE;
  g_hash_table_iter_init (&it, r->channels);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    const GstRosbagTopic *t = v;

    if (gst_rosbag_topic_matches (t->name, (const gchar * const *) r->patterns))
      g_hash_table_add (r->wanted, k);
    else
      r->all_wanted = FALSE;
  }

  r->order = g_new (guint, MAX (n, 1));
  r->n_order = 0;
  for (i = 0; i < n; i++) {
    const GstRosbagBlock *b = gst_rosbag_recording_get_block (rec, i);
    gboolean any = FALSE;

    if (b->message_count == 0)
      continue;
    if (b->end_ns < start || b->start_ns >= r->range_stop)
      continue;
    if (b->channel_ids == NULL)
      any = TRUE;
    for (j = 0; j < b->n_channels && !any; j++)
      any = g_hash_table_contains (r->wanted,
          GUINT_TO_POINTER (b->channel_ids[j]));
    if (any)
      r->order[r->n_order++] = i;
  }
  g_qsort_with_data (r->order, r->n_order, sizeof (guint), order_cmp, rec);
  r->next_order = 0;
  r->prepared = TRUE;
}

/* Loads the index of the next candidate chunk into the heap. */
static gboolean
activate_next (GstRosbagReader * r, GError ** error)
{
  guint idx = r->order[r->next_order++];
  GArray *entries, *kept;
  guint64 start = effective_start (r);
  const GstRosbagBlock *b;
  Cursor *c;
  guint k;

  r->schedule = TRUE;
  entries = r->be->load_index (r->backend, idx,
      r->all_wanted ? NULL : r->wanted, error);
  if (!entries)
    return FALSE;
  b = gst_rosbag_recording_get_block (r->rec, idx);
  kept = g_array_sized_new (FALSE, FALSE, sizeof (GstRosbagIndexEntry),
      entries->len);
  for (k = 0; k < entries->len; k++) {
    GstRosbagIndexEntry *e = &g_array_index (entries, GstRosbagIndexEntry, k);

    /* the backend kept only the wanted channels */
    if (e->time_ns >= start && e->time_ns < r->range_stop)
      g_array_append_val (kept, *e);
  }
  g_array_unref (entries);
  if (kept->len == 0) {
    g_array_unref (kept);
    return TRUE;
  }
  c = g_new0 (Cursor, 1);
  c->chunk = idx;
  c->chunk_pos = b->pos;
  c->entries = kept;
  heap_push (r->heap, c);
  return TRUE;
}

/* reads and decodes block @idx in the calling thread */
static GBytes *
decompress_chunk (GstRosbagReader * r, guint idx, GError ** error)
{
  GBytes *raw, *dec;

  raw = r->be->read_block (r->backend, idx, error);
  if (!raw)
    return NULL;
  dec = r->be->decode_block (r->backend, idx, raw, error);
  g_bytes_unref (raw);
  return dec;
}

/* with the lock held: makes room for @dec and puts it in @e, an entry
 * still marked loading so that the trimming passes it over */
static void
cache_insert (GstRosbagReader * r, guint idx, CacheEntry * e, GBytes * dec)
{
  gsize size = g_bytes_get_size (dec);

  cache_trim (r, r->cache_max > size ? r->cache_max - size : 0);
  e->data = g_bytes_ref (dec);
  e->last_use = ++r->use_counter;
  e->loading = FALSE;
  r->cache_bytes += size;
  r->cache_peak = MAX (r->cache_peak, r->cache_bytes);
}

typedef struct
{
  guint idx;
  gsize size;                   /* as counted in loading_bytes */
  GBytes *raw;
} PrefetchJob;

/* in a worker: decodes bytes the reading thread has read; no I/O */
static void
prefetch_func (gpointer data, gpointer user_data)
{
  GstRosbagReader *r = user_data;
  PrefetchJob *job = data;
  guint idx = job->idx;
  gsize size = job->size;
  GBytes *dec;

  /* errors are left for the synchronous load to report */
  dec = r->be->decode_block (r->backend, idx, job->raw, NULL);
  g_bytes_unref (job->raw);
  g_free (job);
  g_mutex_lock (&r->lock);
  r->loading_bytes -= size;
  if (dec) {
    CacheEntry *e = g_hash_table_lookup (r->cache, GUINT_TO_POINTER (idx));

    cache_insert (r, idx, e, dec);
    g_bytes_unref (dec);
  } else {
    g_hash_table_remove (r->cache, GUINT_TO_POINTER (idx));
  }
  r->n_loading--;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

/* Reads block @idx here, in the reading thread, and has a worker decode
 * it, if it is not cached and the cache has room for it. FALSE when
 * there is no room: the chunks after it wait too, so that they are
 * decoded in the order they are due. */
static gboolean
prefetch_chunk (GstRosbagReader * r, guint idx)
{
  CacheEntry *e;
  PrefetchJob *job;
  gsize size;
  GBytes *raw;

  if (!r->be->block_size (r->backend, idx, &size, NULL))
    return TRUE;
  g_mutex_lock (&r->lock);
  if (g_hash_table_contains (r->cache, GUINT_TO_POINTER (idx))) {
    g_mutex_unlock (&r->lock);
    return TRUE;
  }
  if (r->cache_bytes + r->loading_bytes + size > r->cache_max) {
    g_mutex_unlock (&r->lock);
    return FALSE;
  }
  g_mutex_unlock (&r->lock);
  raw = r->be->read_block (r->backend, idx, NULL);
  if (!raw)
    return TRUE;
  g_mutex_lock (&r->lock);
  if (!r->pool)
    r->pool = g_thread_pool_new (prefetch_func, r, r->n_workers, FALSE, NULL);
  e = g_new0 (CacheEntry, 1);
  e->loading = TRUE;
  g_hash_table_insert (r->cache, GUINT_TO_POINTER (idx), e);
  r->n_loading++;
  r->loading_bytes += size;
  g_mutex_unlock (&r->lock);
  job = g_new (PrefetchJob, 1);
  job->idx = idx;
  job->size = size;
  job->raw = raw;
  g_thread_pool_push (r->pool, job, NULL);
  return TRUE;
}

/* the chunks due after the current one: the other active cursors' chunks,
 * then the next chunks in start-time order. Only when something changed
 * (a chunk activated or finished, a reset): not once per message. */
static void
schedule_prefetch (GstRosbagReader * r, guint current)
{
  guint i, n = 0;

  if (r->prefetch == 0 || r->n_workers == 0 || !r->schedule)
    return;
  r->schedule = FALSE;
  for (i = 0; i < r->heap->len && n < r->prefetch; i++) {
    Cursor *c = r->heap->pdata[i];

    if (c->chunk != current) {
      if (!prefetch_chunk (r, c->chunk))
        return;
      n++;
    }
  }
  for (i = r->next_order; i < r->n_order && n < r->prefetch; i++, n++)
    if (!prefetch_chunk (r, r->order[i]))
      return;
}

static GBytes *
load_chunk (GstRosbagReader * r, guint idx, GError ** error)
{
  CacheEntry *e;
  GBytes *dec;

  g_mutex_lock (&r->lock);
  while ((e = g_hash_table_lookup (r->cache, GUINT_TO_POINTER (idx)))
      && e->loading)
    g_cond_wait (&r->cond, &r->lock);
  if (e) {
    e->last_use = ++r->use_counter;
    dec = g_bytes_ref (e->data);
    g_mutex_unlock (&r->lock);
    return dec;
  }
  g_mutex_unlock (&r->lock);

  dec = decompress_chunk (r, idx, error);
  if (!dec)
    return NULL;
  g_mutex_lock (&r->lock);
  e = g_new0 (CacheEntry, 1);
  e->loading = TRUE;            /* until inserted: trimming skips it */
  g_hash_table_insert (r->cache, GUINT_TO_POINTER (idx), e);
  cache_insert (r, idx, e, dec);
  g_mutex_unlock (&r->lock);
  return dec;
}

static void
cache_drop (GstRosbagReader * r, guint idx)
{
  CacheEntry *e;

  g_mutex_lock (&r->lock);
  e = g_hash_table_lookup (r->cache, GUINT_TO_POINTER (idx));
  if (e && !e->loading) {
    r->cache_bytes -= g_bytes_get_size (e->data);
    g_hash_table_remove (r->cache, GUINT_TO_POINTER (idx));
  }
  g_mutex_unlock (&r->lock);
}

/**
 * gst_rosbag_reader_next:
 * @reader: a reader
 * @msg: (out caller-allocates): the message
 * @error: return location for a #GError
 *
 * The next wanted message in time order. On %GST_ROSBAG_READ_ERROR the
 * damaged chunk or record has been skipped and the next call goes on
 * after it, so the good messages around the damage still come out.
 *
 * Returns: the result
 */
/* a message decompressed on its own (rosbag2 MESSAGE mode, where the
 * storage does not do it: MCAP): @msg then points into the new bytes,
 * which replace *@chunk */
static gboolean
unzstd_message (GstRosbagMessage * msg, GBytes ** chunk, GError ** error)
{
  static const guint8 magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
  unsigned long long size;
  GBytes *dec;

  if (msg->size < 4 || memcmp (msg->data, magic, 4) != 0)
    return TRUE;
  size = ZSTD_getFrameContentSize (msg->data, msg->size);
  if (size > G_MAXUINT32) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_DECOMPRESS,
        "message at byte %" G_GUINT64_FORMAT " is a zstd frame of no known"
        " size", msg->offset);
    return FALSE;
  }
  dec = gst_rosbag_zstd_decompress (msg->data, msg->size, size, error);
  if (!dec)
    return FALSE;
  g_bytes_unref (*chunk);
  *chunk = dec;
  msg->chunk = dec;
  msg->data = g_bytes_get_data (dec, &msg->size);
  return TRUE;
}

GstRosbagReadResult
gst_rosbag_reader_next (GstRosbagReader * r, GstRosbagMessage * msg,
    GError ** error)
{
  Cursor *c;
  const GstRosbagIndexEntry *e;
  GBytes *chunk;
  GError *err = NULL;
  gboolean done_chunk, ok;
  guint64 chunk_pos;
  guint32 entry_off;

  if (r->current) {
    g_bytes_unref (r->current);
    r->current = NULL;
  }
  if (!r->prepared)
    reader_prepare (r);

  /* bring in every chunk that may hold the next message */
  while (r->next_order < r->n_order) {
    const GstRosbagBlock *b = gst_rosbag_recording_get_block (r->rec,
        r->order[r->next_order]);

    if (r->heap->len > 0
        && b->start_ns > cursor_head (r->heap->pdata[0])->time_ns)
      break;
    if (!activate_next (r, error))
      return GST_ROSBAG_READ_ERROR;
  }
  if (r->heap->len == 0)
    return GST_ROSBAG_READ_EOS;

  c = r->heap->pdata[0];
  e = cursor_head (c);
  chunk_pos = c->chunk_pos;
  entry_off = e->offset;
  chunk = load_chunk (r, c->chunk, error);
  schedule_prefetch (r, c->chunk);
  if (!chunk) {
    /* skip the whole chunk */
    cache_drop (r, c->chunk);
    heap_pop (r->heap);
    r->schedule = TRUE;
    return GST_ROSBAG_READ_ERROR;
  }
  memset (msg, 0, sizeof (*msg));
  ok = r->be->parse_message (r->backend, c->chunk, chunk, entry_off, msg, &err);
  if (ok) {
    msg->topic = gst_rosbag_recording_lookup_channel (r->rec, msg->channel_id);
    if (!msg->topic) {
      g_set_error (&err, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "message at byte %u is on unknown channel %u", entry_off,
          msg->channel_id);
      ok = FALSE;
    }
  }
  msg->chunk = chunk;
  msg->chunk_pos = chunk_pos;

  /* advance this cursor */
  c->next++;
  done_chunk = c->next >= c->entries->len;
  if (done_chunk) {
    cache_drop (r, c->chunk);
    heap_pop (r->heap);
    r->schedule = TRUE;
  } else {
    heap_down (r->heap, 0);
  }

  if (ok && msg->topic->zstd_messages && !unzstd_message (msg, &chunk, &err))
    ok = FALSE;
  if (!ok) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: chunk at byte %" G_GUINT64_FORMAT ": %s",
        gst_rosbag_recording_get_name (r->rec), chunk_pos, err->message);
    g_clear_error (&err);
    g_bytes_unref (chunk);
    memset (msg, 0, sizeof (*msg));
    return GST_ROSBAG_READ_ERROR;
  }
  r->current = chunk;
  return GST_ROSBAG_READ_OK;
}

/**
 * gst_rosbag_message_ref_bytes:
 * @msg: a message from gst_rosbag_reader_next()
 *
 * Returns: (transfer full): the message's bytes, sharing the chunk's
 * memory (no copy), valid after the reader moves on or is freed
 */
GBytes *
gst_rosbag_message_ref_bytes (const GstRosbagMessage * msg)
{
  const guint8 *base = g_bytes_get_data (msg->chunk, NULL);

  return g_bytes_new_from_bytes (msg->chunk, msg->data - base, msg->size);
}
