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
#include <bzlib.h>
#include <lz4frame.h>
#include <zstd.h>

#include "rosbag-record.h"
#include "rosbag-chunk.h"
#include "rosbag-private.h"

GstRosbagCompression
gst_rosbag_compression_from_string (const gchar * s, gsize len)
{
  if (len == 4 && memcmp (s, "none", 4) == 0)
    return GST_ROSBAG_COMPRESSION_NONE;
  if (len == 3 && memcmp (s, "bz2", 3) == 0)
    return GST_ROSBAG_COMPRESSION_BZ2;
  if (len == 3 && memcmp (s, "lz4", 3) == 0)
    return GST_ROSBAG_COMPRESSION_LZ4;
  return GST_ROSBAG_COMPRESSION_UNKNOWN;
}

const gchar *
gst_rosbag_compression_to_string (GstRosbagCompression c)
{
  switch (c) {
    case GST_ROSBAG_COMPRESSION_NONE:
      return "none";
    case GST_ROSBAG_COMPRESSION_BZ2:
      return "bz2";
    case GST_ROSBAG_COMPRESSION_LZ4:
      return "lz4";
    default:
      return "unknown";
  }
}

/* Output buffer that grows with what the decoder really produces, never
 * past @limit: a hostile size field alone cannot make us allocate. */
typedef struct
{
  guint8 *data;
  gsize len;
  gsize alloc;
  gsize limit;
} OutBuf;

/* Decompressed chunks are about a megabyte each and come and go at the
 * reading rate. Freed ones are kept here for the next chunk, so that their
 * pages are not handed back to the kernel and faulted in again for every
 * chunk (the benchmark measured that as most of the time on lz4 bags). */
#define POOL_MAX_BUFFERS 8
#define POOL_MAX_BUFFER_SIZE (64 * 1024 * 1024)

typedef struct
{
  guint8 *data;
  gsize alloc;
} PoolBuf;

static GMutex pool_lock;
static PoolBuf pool[POOL_MAX_BUFFERS];
static guint pool_len;

/* the smallest pooled buffer of at least @size bytes */
static gboolean
pool_take (gsize size, PoolBuf * out)
{
  gint best = -1;
  guint i;

  g_mutex_lock (&pool_lock);
  for (i = 0; i < pool_len; i++)
    if (pool[i].alloc >= size && (best < 0 || pool[i].alloc < pool[best].alloc))
      best = i;
  if (best >= 0) {
    *out = pool[best];
    pool[best] = pool[--pool_len];
  }
  g_mutex_unlock (&pool_lock);
  return best >= 0;
}

static void
pool_give (guint8 * data, gsize alloc)
{
  if (alloc > 0 && alloc <= POOL_MAX_BUFFER_SIZE) {
    g_mutex_lock (&pool_lock);
    if (pool_len < POOL_MAX_BUFFERS) {
      pool[pool_len].data = data;
      pool[pool_len].alloc = alloc;
      pool_len++;
      data = NULL;
    }
    g_mutex_unlock (&pool_lock);
  }
  g_free (data);
}

static void
pool_bytes_free (gpointer p)
{
  PoolBuf *pb = p;

  pool_give (pb->data, pb->alloc);
  g_free (pb);
}

static gboolean
outbuf_reserve (OutBuf * ob, gsize min_free)
{
  gsize want;

  if (ob->alloc - ob->len >= min_free)
    return TRUE;
  if (ob->alloc == 0 && ob->limit <= POOL_MAX_BUFFER_SIZE) {
    PoolBuf pb;

    /* the whole stated size at once from the pool, if it has it */
    if (pool_take (ob->limit, &pb)) {
      ob->data = pb.data;
      ob->alloc = pb.alloc;
      if (ob->alloc - ob->len >= min_free)
        return TRUE;
    }
  }
  want = MAX (ob->alloc * 2, ob->len + min_free);
  want = MAX (want, 64 * 1024);
  if (want > ob->limit)
    want = ob->limit;
  if (want <= ob->alloc)
    return FALSE;
  ob->data = g_realloc (ob->data, want);
  ob->alloc = want;
  return TRUE;
}

/* after decoding with one byte of room past the limit: more output than
 * the stated size is an error */
static gboolean
outbuf_end (OutBuf * ob, gboolean ok, gchar ** why)
{
  ob->limit -= 1;
  if (ob->len > ob->limit) {
    ok = FALSE;
    ob->len = ob->limit;
    g_free (*why);
    *why = g_strdup ("decompressed data is larger than the chunk size");
  }
  return ok;
}

/* Returns TRUE if the stream ended cleanly; *out holds what was decoded. */
static gboolean
decode_bz2 (const guint8 * in, gsize in_len, OutBuf * ob, gchar ** why)
{
  bz_stream bz;
  int ret;
  gboolean ok = FALSE;

  memset (&bz, 0, sizeof (bz));
  if (BZ2_bzDecompressInit (&bz, 0, 0) != BZ_OK) {
    *why = g_strdup ("cannot initialise bzip2");
    return FALSE;
  }
  bz.next_in = (char *) in;
  bz.avail_in = in_len;
  /* one extra byte of room past the limit detects oversized output */
  ob->limit += 1;
  for (;;) {
    gsize chunk;

    if (!outbuf_reserve (ob, MIN (in_len * 4 + 4096, 4 * 1024 * 1024))
        && ob->alloc == ob->len) {
      *why = g_strdup ("decompressed data is larger than the chunk size");
      break;
    }
    chunk = ob->alloc - ob->len;
    bz.next_out = (char *) ob->data + ob->len;
    bz.avail_out = chunk;
    ret = BZ2_bzDecompress (&bz);
    ob->len += chunk - bz.avail_out;
    if (ret == BZ_STREAM_END) {
      ok = TRUE;
      break;
    }
    if (ret != BZ_OK) {
      *why = g_strdup_printf ("bzip2 error %d after %" G_GSIZE_FORMAT
          " output bytes", ret, ob->len);
      break;
    }
    if (bz.avail_in == 0 && bz.avail_out != 0) {
      *why = g_strdup ("bzip2 stream is cut off");
      break;
    }
  }
  ob->limit -= 1;
  if (ob->len > ob->limit) {
    ok = FALSE;
    ob->len = ob->limit;
    g_free (*why);
    *why = g_strdup ("decompressed data is larger than the chunk size");
  }
  BZ2_bzDecompressEnd (&bz);
  return ok;
}

/* one decompression context per thread, reused from chunk to chunk */
static void
lz4_dctx_free (gpointer p)
{
  LZ4F_freeDecompressionContext (p);
}

static GPrivate lz4_dctx = G_PRIVATE_INIT (lz4_dctx_free);

static gboolean
decode_lz4 (const guint8 * in, gsize in_len, OutBuf * ob, gchar ** why)
{
  LZ4F_dctx *dctx = NULL;
  gsize in_pos = 0;
  size_t ret = 1;
  gboolean ok = FALSE;

  dctx = g_private_get (&lz4_dctx);
  if (dctx == NULL) {
    if (LZ4F_isError (LZ4F_createDecompressionContext (&dctx, LZ4F_VERSION))) {
      *why = g_strdup ("cannot initialise lz4");
      return FALSE;
    }
    g_private_set (&lz4_dctx, dctx);
  }
  /* whatever the previous frame left in it */
  LZ4F_resetDecompressionContext (dctx);
  ob->limit += 1;
  while (TRUE) {
    size_t src_size = in_len - in_pos;
    size_t dst_size;

    if (!outbuf_reserve (ob, MIN (in_len * 4 + 65536, 4 * 1024 * 1024))
        && ob->alloc == ob->len) {
      *why = g_strdup ("decompressed data is larger than the chunk size");
      break;
    }
    dst_size = ob->alloc - ob->len;
    ret = LZ4F_decompress (dctx, ob->data + ob->len, &dst_size,
        in ? in + in_pos : NULL, &src_size, NULL);
    in_pos += src_size;
    ob->len += dst_size;
    if (LZ4F_isError (ret)) {
      *why = g_strdup_printf ("lz4 error: %s after %" G_GSIZE_FORMAT
          " output bytes", LZ4F_getErrorName (ret), ob->len);
      break;
    }
    if (ret == 0) {
      ok = TRUE;
      break;
    }
    if (in_pos >= in_len && dst_size == 0 && src_size == 0) {
      *why = g_strdup ("lz4 frame is cut off");
      break;
    }
  }
  return outbuf_end (ob, ok, why);
}

static GBytes *
outbuf_to_bytes (OutBuf * ob)
{
  PoolBuf *pb;

  if (ob->len == 0) {
    pool_give (ob->data, ob->alloc);
    return g_bytes_new (NULL, 0);
  }
  if (ob->alloc > 2 * ob->len + 64 * 1024) {
    /* mostly empty: give the room back rather than keep it */
    ob->data = g_realloc (ob->data, ob->len);
    return g_bytes_new_take (ob->data, ob->len);
  }
  /* back to the pool when the last reference goes */
  pb = g_new (PoolBuf, 1);
  pb->data = ob->data;
  pb->alloc = ob->alloc;
  return g_bytes_new_with_free_func (ob->data, ob->len, pool_bytes_free, pb);
}

GBytes *
gst_rosbag_chunk_decompress (GstRosbagCompression compression,
    GBytes * data_bytes, guint32 size, guint64 offset, GError ** error)
{
  gsize in_len;
  const guint8 *in = g_bytes_get_data (data_bytes, &in_len);
  OutBuf ob = { NULL, 0, 0, size };
  gchar *why = NULL;
  gboolean ok;

  switch (compression) {
    case GST_ROSBAG_COMPRESSION_NONE:
      if (in_len != size) {
        g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
            "uncompressed chunk at byte %" G_GUINT64_FORMAT
            " holds %" G_GSIZE_FORMAT " bytes but says size=%u", offset,
            in_len, size);
        return NULL;
      }
      return g_bytes_ref (data_bytes);
    case GST_ROSBAG_COMPRESSION_BZ2:
      ok = decode_bz2 (in, in_len, &ob, &why);
      break;
    case GST_ROSBAG_COMPRESSION_LZ4:
      ok = decode_lz4 (in, in_len, &ob, &why);
      break;
    default:
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "chunk at byte %" G_GUINT64_FORMAT " has an unknown compression",
          offset);
      return NULL;
  }

  if (ok && ob.len != size) {
    why = g_strdup_printf ("decompressed to %" G_GSIZE_FORMAT
        " bytes but the chunk says size=%u", ob.len, size);
    ok = FALSE;
  }
  if (!ok) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_DECOMPRESS,
        "%s chunk at byte %" G_GUINT64_FORMAT ": %s",
        gst_rosbag_compression_to_string (compression), offset, why);
    g_free (why);
    g_free (ob.data);
    return NULL;
  }
  return outbuf_to_bytes (&ob);
}

GBytes *
gst_rosbag_chunk_decompress_partial (GstRosbagCompression compression,
    const guint8 * data, gsize len, gsize max_size)
{
  OutBuf ob = { NULL, 0, 0, MIN (max_size, GST_ROSBAG_MAX_CHUNK_SIZE) };
  gchar *why = NULL;

  switch (compression) {
    case GST_ROSBAG_COMPRESSION_NONE:
      return g_bytes_new (data, MIN (len, max_size));
    case GST_ROSBAG_COMPRESSION_BZ2:
      decode_bz2 (data, len, &ob, &why);
      break;
    case GST_ROSBAG_COMPRESSION_LZ4:
      decode_lz4 (data, len, &ob, &why);
      break;
    default:
      return g_bytes_new (NULL, 0);
  }
  g_free (why);
  return outbuf_to_bytes (&ob);
}

/* one zstd decompression context per thread, as for lz4 */
static void
zstd_dctx_free (gpointer p)
{
  ZSTD_freeDCtx (p);
}

static GPrivate zstd_dctx = G_PRIVATE_INIT (zstd_dctx_free);

static gboolean
decode_zstd (const guint8 * in, gsize in_len, OutBuf * ob, gchar ** why)
{
  ZSTD_DCtx *dctx = g_private_get (&zstd_dctx);
  ZSTD_inBuffer ib = { in, in_len, 0 };
  gboolean ok = FALSE;
  size_t ret = 1;

  if (dctx == NULL) {
    dctx = ZSTD_createDCtx ();
    if (!dctx) {
      *why = g_strdup ("cannot initialise zstd");
      return FALSE;
    }
    g_private_set (&zstd_dctx, dctx);
  }
  ZSTD_DCtx_reset (dctx, ZSTD_reset_session_only);
  ob->limit += 1;
  for (;;) {
    ZSTD_outBuffer obuf;

    if (!outbuf_reserve (ob, MIN (in_len * 4 + 65536, 4 * 1024 * 1024))
        && ob->alloc == ob->len) {
      *why = g_strdup ("decompressed data is larger than the chunk size");
      break;
    }
    obuf.dst = ob->data + ob->len;
    obuf.size = ob->alloc - ob->len;
    obuf.pos = 0;
    ret = ZSTD_decompressStream (dctx, &obuf, &ib);
    ob->len += obuf.pos;
    if (ZSTD_isError (ret)) {
      *why = g_strdup_printf ("zstd error: %s after %" G_GSIZE_FORMAT
          " output bytes", ZSTD_getErrorName (ret), ob->len);
      break;
    }
    if (ret == 0 && ib.pos >= ib.size) {
      ok = TRUE;
      break;
    }
    if (ib.pos >= ib.size && obuf.pos < obuf.size) {
      if (ret == 0) {
        ok = TRUE;
        break;
      }
      *why = g_strdup ("zstd frame is cut off");
      break;
    }
  }
  return outbuf_end (ob, ok, why);
}

static GBytes *
decode_exact (gboolean (*decode) (const guint8 *, gsize, OutBuf *, gchar **),
    const gchar * what, const guint8 * data, gsize len, gsize size,
    GError ** error)
{
  OutBuf ob = { NULL, 0, 0, size };
  gchar *why = NULL;
  gboolean ok;

  if (size > GST_ROSBAG_MAX_CHUNK_SIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s data claims %" G_GSIZE_FORMAT " bytes, more than the %"
        G_GUINT64_FORMAT " we accept", what, size, GST_ROSBAG_MAX_CHUNK_SIZE);
    return NULL;
  }
  ok = decode (data, len, &ob, &why);
  if (ok && ob.len != size) {
    why = g_strdup_printf ("decompressed to %" G_GSIZE_FORMAT
        " bytes instead of %" G_GSIZE_FORMAT, ob.len, size);
    ok = FALSE;
  }
  if (!ok) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_DECOMPRESS,
        "%s: %s", what, why);
    g_free (why);
    g_free (ob.data);
    return NULL;
  }
  return outbuf_to_bytes (&ob);
}

/* zstd frame(s) decoded to exactly @size bytes; the output grows with what
 * decodes, so a size field alone cannot force an allocation */
GBytes *
gst_rosbag_zstd_decompress (const guint8 * data, gsize len, gsize size,
    GError ** error)
{
  return decode_exact (decode_zstd, "zstd", data, len, size, error);
}

/* an LZ4 frame decoded to exactly @size bytes */
GBytes *
gst_rosbag_lz4_frame_decompress (const guint8 * data, gsize len, gsize size,
    GError ** error)
{
  return decode_exact (decode_lz4, "lz4", data, len, size, error);
}
