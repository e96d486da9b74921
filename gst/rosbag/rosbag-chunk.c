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
#include <zstd_errors.h>
#include <zlib.h>

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
  gboolean partial;             /* keep what decodes of a damaged stream */
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

/* At the start of a decode: the whole stated size (plus the byte past
 * it) at once, from the pool if it has it, when the claim is plausible
 * for the input (at most 1024 times it plus 1 MB, and at most a pool
 * buffer): one allocation, no copies as it grows, and a buffer that never
 * moves, so the decoders write into it directly. Else the buffer grows
 * with what really decodes, so that a size field alone cannot force a big
 * allocation. */
static void
outbuf_begin (OutBuf * ob, gsize in_len)
{
  gsize whole = ob->limit + 1;
  PoolBuf pb;

  if (ob->partial || ob->alloc != 0 || whole > POOL_MAX_BUFFER_SIZE
      || whole > in_len * 1024 + 1024 * 1024)
    return;
  if (pool_take (whole, &pb)) {
    ob->data = pb.data;
    ob->alloc = pb.alloc;
  } else {
    ob->data = g_malloc (whole);
    ob->alloc = whole;
  }
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
  outbuf_begin (ob, in_len);
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

/* XXH32 (the checksum of LZ4 frames), computed here because liblz4's own
 * is built vectorised without a 32-bit vector multiply on this machine
 * class and costs more than the decompression itself (measured: 45% of
 * the time of an lz4 bag). Four scalar lanes; the empty asm keeps the
 * compiler from vectorising them the same way. */
#define XXH_P1 2654435761u
#define XXH_P2 2246822519u
#define XXH_P3 3266489917u
#define XXH_P4 668265263u
#define XXH_P5 374761393u

static inline guint32
xxh_rotl (guint32 x, guint r)
{
  return (x << r) | (x >> (32 - r));
}

static inline guint32
xxh_read32 (const guint8 * p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static inline guint32
xxh_round (guint32 acc, guint32 in)
{
  acc += in * XXH_P2;
  acc = xxh_rotl (acc, 13);
  acc *= XXH_P1;
#if defined(__GNUC__)
__asm__ ("":"+r" (acc));
#endif
  return acc;
}

/* private: XXH32 of @len bytes at @p with seed 0 */
guint32
gst_rosbag_xxh32 (const guint8 * p, gsize len)
{
  const guint8 *end = p + len;
  guint32 h;

  if (len >= 16) {
    const guint8 *limit = end - 16;
    guint32 v1 = XXH_P1 + XXH_P2, v2 = XXH_P2, v3 = 0, v4 = 0u - XXH_P1;

    do {
      v1 = xxh_round (v1, xxh_read32 (p));
      v2 = xxh_round (v2, xxh_read32 (p + 4));
      v3 = xxh_round (v3, xxh_read32 (p + 8));
      v4 = xxh_round (v4, xxh_read32 (p + 12));
      p += 16;
    } while (p <= limit);
    h = xxh_rotl (v1, 1) + xxh_rotl (v2, 7) + xxh_rotl (v3, 12) +
        xxh_rotl (v4, 18);
  } else {
    h = XXH_P5;
  }
  h += (guint32) len;
  while (p + 4 <= end) {
    h += xxh_read32 (p) * XXH_P3;
    h = xxh_rotl (h, 17) * XXH_P4;
    p += 4;
  }
  while (p < end) {
    h += (*p++) * XXH_P5;
    h = xxh_rotl (h, 11) * XXH_P1;
  }
  h ^= h >> 15;
  h *= XXH_P2;
  h ^= h >> 13;
  h *= XXH_P3;
  h ^= h >> 16;
  return h;
}

/* CRC-32 (zlib's, MCAP's) by carry-less multiplication: the data is
 * folded four 128-bit lanes at a time (each lane multiplied by x^(512+64)
 * and x^512 mod P, split in 64-bit halves), the lanes into one, and the
 * last 128 bits reduced to 32 by Barrett reduction; the method of Intel's
 * "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" for the
 * bit-reflected polynomial 0xEDB88320. Debian's zlib runs at about 5 GB/s
 * here, a sixth of all the CPU a zstd MCAP file takes; this is several
 * times that. Tails under 16 bytes, short inputs and CPUs without PCLMUL
 * go to zlib. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* a function attribute, not "#pragma GCC target": clang ignores the pragma */
#define CRC_TARGET __attribute__ ((target ("pclmul,sse2")))

#define CRC_K1 G_GUINT64_CONSTANT (0x154442bd4)
#define CRC_K2 G_GUINT64_CONSTANT (0x1c6e41596)
#define CRC_K3 G_GUINT64_CONSTANT (0x1751997d0)
#define CRC_K4 G_GUINT64_CONSTANT (0x0ccaa009e)
#define CRC_K5 G_GUINT64_CONSTANT (0x163cd6124)
#define CRC_P G_GUINT64_CONSTANT (0x1db710641)
#define CRC_U G_GUINT64_CONSTANT (0x1f7011641)

static inline CRC_TARGET __m128i
crc_fold (__m128i x, __m128i k, __m128i data)
{
  return _mm_xor_si128 (_mm_xor_si128 (_mm_clmulepi64_si128 (x, k, 0x00),
          _mm_clmulepi64_si128 (x, k, 0x11)), data);
}

/* @len >= 64 and a multiple of 16; @crc without zlib's inversions */
static CRC_TARGET guint32
crc32_clmul (guint32 crc, const guint8 * p, gsize len)
{
  const __m128i mask32 = _mm_set_epi32 (0, 0, 0, -1);
  __m128i k = _mm_set_epi64x (CRC_K2, CRC_K1);
  __m128i x0, x1, x2, x3, t;

  x0 = _mm_xor_si128 (_mm_loadu_si128 ((const __m128i *) p),
      _mm_cvtsi32_si128 ((gint) crc));
  x1 = _mm_loadu_si128 ((const __m128i *) (p + 16));
  x2 = _mm_loadu_si128 ((const __m128i *) (p + 32));
  x3 = _mm_loadu_si128 ((const __m128i *) (p + 48));
  p += 64;
  len -= 64;
  while (len >= 64) {
    x0 = crc_fold (x0, k, _mm_loadu_si128 ((const __m128i *) p));
    x1 = crc_fold (x1, k, _mm_loadu_si128 ((const __m128i *) (p + 16)));
    x2 = crc_fold (x2, k, _mm_loadu_si128 ((const __m128i *) (p + 32)));
    x3 = crc_fold (x3, k, _mm_loadu_si128 ((const __m128i *) (p + 48)));
    p += 64;
    len -= 64;
  }
  k = _mm_set_epi64x (CRC_K4, CRC_K3);
  x0 = crc_fold (x0, k, x1);
  x0 = crc_fold (x0, k, x2);
  x0 = crc_fold (x0, k, x3);
  while (len >= 16) {
    x0 = crc_fold (x0, k, _mm_loadu_si128 ((const __m128i *) p));
    p += 16;
    len -= 16;
  }
  /* 128 bits to 64 */
  t = _mm_clmulepi64_si128 (x0, k, 0x10);
  x0 = _mm_xor_si128 (_mm_srli_si128 (x0, 8), t);
  /* 64 to 32 */
  k = _mm_set_epi64x (0, CRC_K5);
  t = _mm_clmulepi64_si128 (_mm_and_si128 (x0, mask32), k, 0x00);
  x0 = _mm_xor_si128 (_mm_srli_si128 (x0, 4), t);
  /* Barrett reduction */
  k = _mm_set_epi64x (CRC_U, CRC_P);
  t = _mm_clmulepi64_si128 (_mm_and_si128 (x0, mask32), k, 0x10);
  t = _mm_clmulepi64_si128 (_mm_and_si128 (t, mask32), k, 0x00);
  x0 = _mm_xor_si128 (x0, t);
  return (guint32) _mm_cvtsi128_si32 (_mm_srli_si128 (x0, 4));
}

static gboolean
crc32_have_clmul (void)
{
  static gint have = -1;

  if (G_UNLIKELY (have < 0)) {
    __builtin_cpu_init ();
    have = __builtin_cpu_supports ("pclmul") ? 1 : 0;
  }
  return have;
}
#endif

/* private: zlib's crc32_z (@crc, @p, @len), faster */
guint32
gst_rosbag_crc32 (guint32 crc, const guint8 * p, gsize len)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (len >= 64 && crc32_have_clmul ()) {
    gsize n = len & ~(gsize) 15;

    crc = ~crc32_clmul (~crc, p, n);
    p += n;
    len -= n;
  }
#endif
  return len ? crc32_z (crc, p, len) : crc;
}

/* the frame descriptor's flags (FLG, after the 4-byte magic) */
#define LZ4F_MAGIC 0x184D2204u
#define LZ4F_FLG_BLOCK_CHECKSUM 0x10
#define LZ4F_FLG_CONTENT_CHECKSUM 0x04

static gboolean
decode_lz4 (const guint8 * in, gsize in_len, OutBuf * ob, gchar ** why)
{
  LZ4F_dctx *dctx = NULL;
  LZ4F_decompressOptions_t opts = { 0, };
  gsize in_pos = 0;
  size_t ret = 1;
  gboolean ok = FALSE, own_checksum = FALSE;

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
  /* a frame with a content checksum and no block checksums (as roslz4
   * writes them): the content checksum is verified here instead */
  if (!ob->partial && in_len >= 5 && xxh_read32 (in) == LZ4F_MAGIC
      && (in[4] & LZ4F_FLG_CONTENT_CHECKSUM)
      && !(in[4] & LZ4F_FLG_BLOCK_CHECKSUM)) {
    own_checksum = TRUE;
    opts.skipChecksums = 1;
  }
  outbuf_begin (ob, in_len);
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
    /* all of the output in one buffer that never moves: no copies of
     * the last 64 KB into the context between calls */
    opts.stableDst = ob->alloc >= ob->limit;
    ret = LZ4F_decompress (dctx, ob->data + ob->len, &dst_size,
        in ? in + in_pos : NULL, &src_size, &opts);
    in_pos += src_size;
    ob->len += dst_size;
    if (LZ4F_isError (ret)) {
      *why = g_strdup_printf ("lz4 error: %s after %" G_GSIZE_FORMAT
          " output bytes", LZ4F_getErrorName (ret), ob->len);
      break;
    }
    if (ret == 0) {
      /* the frame ends with the checksum */
      ok = !own_checksum || (in_pos >= 4
          && gst_rosbag_xxh32 (ob->data, ob->len) == xxh_read32 (in + in_pos -
              4));
      if (!ok)
        *why = g_strdup ("lz4 content checksum mismatch");
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
  OutBuf ob = { NULL, 0, 0, MIN (max_size, GST_ROSBAG_MAX_CHUNK_SIZE),
    TRUE
  };
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
  outbuf_begin (ob, in_len);
  ob->limit += 1;
  if (ob->alloc >= ob->limit && in_len > 0) {
    /* all of the output at once: decoded in one call straight into the
     * buffer, not through the stream's window and a copy out of it */
    ret = ZSTD_decompressDCtx (dctx, ob->data, ob->limit, in, in_len);
    if (ZSTD_isError (ret)) {
      if (ZSTD_getErrorCode (ret) == ZSTD_error_dstSize_tooSmall) {
        ob->len = ob->limit;
        return outbuf_end (ob, FALSE, why);
      }
      if (ZSTD_getErrorCode (ret) == ZSTD_error_srcSize_wrong) {
        *why = g_strdup ("zstd frame is cut off");
        return outbuf_end (ob, FALSE, why);
      }
      *why = g_strdup_printf ("zstd error: %s", ZSTD_getErrorName (ret));
      return outbuf_end (ob, FALSE, why);
    }
    ob->len = ret;
    return outbuf_end (ob, TRUE, why);
  }
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
