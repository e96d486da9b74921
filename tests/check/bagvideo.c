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

/*
 * Tests of the compressed video module (plugins/rosbag/gstbagvideo.c).
 *
 * The references are GStreamer's encoders: access units are made in the
 * test by x264enc, x265enc, vp9enc and av1enc from videotestsrc. The
 * keyframe flag must equal !GST_BUFFER_FLAG_DELTA_UNIT of the encoder's
 * buffer, the size of key frames the encoder's caps, and the caps of
 * gst_bag_video_make_caps() must be taken by h264parse / h265parse /
 * vp9parse / av1parse. A codec whose encoder is missing is skipped (said
 * on stdout). Header fields no encoder here writes (H.264
 * pic_order_cnt_type 1 and scaling lists, H.265 sub-layers, AV1 timing
 * and decoder model info, reduced still picture headers) are written
 * bit by bit by the test. Then: every prefix of a key frame, random
 * bytes, mutated AUs and other codecs' AUs never crash.
 *
 * Under valgrind, pass --suppressions=tests/check/bagvideo.supp (libx265):
 *   S=$PWD/tests/check/bagvideo.supp
 *   meson test -C BUILD bagvideo --timeout-multiplier=20 \
 *     --wrap="valgrind --error-exitcode=1 --suppressions=$S"
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "../../plugins/rosbag/gstbagvideo.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) ((void) 0)
#endif

/* ---------------------------------------------------------------------- */
/* Encoding with GStreamer */

typedef struct
{
  GPtrArray *aus;               /* GstBuffer */
  gint width, height;           /* from the encoder's caps */
} Encoded;

static void
encoded_free (Encoded * e)
{
  g_ptr_array_unref (e->aus);
  g_free (e);
}

static gboolean
have_elements (const gchar * first, ...)
{
  va_list args;
  const gchar *name = first;
  gboolean ok = TRUE;

  va_start (args, first);
  while (name) {
    GstElementFactory *f = gst_element_factory_find (name);

    if (f == NULL) {
      g_print ("bagvideo: element %s is missing: test skipped\n", name);
      ok = FALSE;
    } else {
      gst_object_unref (f);
    }
    name = va_arg (args, const gchar *);
  }
  va_end (args);
  return ok;
}

static void
run_to_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "pipeline timed out");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("pipeline error: %s (%s)", err->message, dbg);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
}

/* Encodes @n frames of @format @width x @height with @encoder (a
 * gst-launch fragment ending in a caps filter) */
static Encoded *
encode (const gchar * encoder, const gchar * format, gint width,
    gint height, guint n)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%u pattern=ball "
      "! video/x-raw,format=%s,width=%d,height=%d,framerate=30/1 "
      "! %s ! appsink name=sink sync=false", n, format, width, height,
      encoder);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *sink;
  GstSample *sample;
  GstBuffer *buf, *in;
  GstMapInfo map;
  guint8 *data;
  Encoded *e = g_new0 (Encoded, 1);

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  e->aus = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (;;) {
    g_signal_emit_by_name (sink, "pull-sample", &sample);
    if (sample == NULL)
      break;
    if (e->width == 0) {
      GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample),
          0);

      fail_unless (gst_structure_get_int (s, "width", &e->width));
      fail_unless (gst_structure_get_int (s, "height", &e->height));
    }
    /* one block of memory per AU (for the prefix tests below). And
     * libx265's assembly loses valgrind's track of which bytes it wrote:
     * its output (and all that h265parse or the code under test computes
     * from it) would count as undefined. The bytes are the encoder's
     * output: say so on the copy (addressability is still checked). */
    in = gst_sample_get_buffer (sample);
    fail_unless (gst_buffer_map (in, &map, GST_MAP_READ));
    data = g_memdup2 (map.data, map.size);
    VALGRIND_MAKE_MEM_DEFINED (data, map.size);
    buf = gst_buffer_new_wrapped (data, map.size);
    gst_buffer_unmap (in, &map);
    gst_buffer_copy_into (buf, in, GST_BUFFER_COPY_FLAGS |
        GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    g_ptr_array_add (e->aus, buf);
    gst_sample_unref (sample);
  }
  run_to_eos (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  /* (rate control may drop a frame) */
  fail_unless (e->aus->len > 0 && e->aus->len <= n, "%u AUs", e->aus->len);
  fail_unless_equals_int (e->width, width);
  fail_unless_equals_int (e->height, height);
  return e;
}

static gboolean
parse_buffer (GstBagVideoCodec codec, GstBuffer * buf,
    GstBagVideoFrameInfo * info)
{
  GstMapInfo map;
  GError *err = NULL;
  gboolean ok;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  ok = gst_bag_video_parse_frame (codec, map.data, map.size, info, &err);
  if (!ok) {
    fail_unless (err != NULL);
    GST_INFO ("%s", err->message);
    g_clear_error (&err);
  }
  gst_buffer_unmap (buf, &map);
  return ok;
}

/* keyframe == !DELTA_UNIT for every AU, size of every key frame */
static void
check_encoded (GstBagVideoCodec codec, Encoded * e)
{
  guint i, keys = 0;

  for (i = 0; i < e->aus->len; i++) {
    GstBuffer *buf = g_ptr_array_index (e->aus, i);
    GstBagVideoFrameInfo info;
    gboolean key = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);

    fail_unless (parse_buffer (codec, buf, &info), "%s AU %u does not parse",
        gst_bag_video_codec_to_string (codec), i);
    fail_unless_equals_int (info.keyframe, key);
    if (key) {
      keys++;
      fail_unless_equals_int (info.width, e->width);
      fail_unless_equals_int (info.height, e->height);
    }
  }
  fail_unless (keys >= 2, "only %u key frames", keys);
  GST_INFO ("%s %dx%d: %u AUs, %u key", gst_bag_video_codec_to_string (codec),
      e->width, e->height, e->aus->len, keys);
}

/* The AUs through appsrc caps=<make_caps> ! @parser ! appsink: buffers
 * come out and the parser's caps have the size */
static void
check_parser (GstBagVideoCodec codec, const gchar * parser, Encoded * e)
{
  GstBagVideoFrameInfo info;
  GstCaps *caps;
  gchar *desc;
  GstElement *pipeline, *src, *sink;
  GstSample *sample;
  GError *err = NULL;
  GstFlowReturn ret;
  guint i, out = 0;
  gint w = 0, h = 0;

  fail_unless (parse_buffer (codec, g_ptr_array_index (e->aus, 0), &info));
  caps = gst_bag_video_make_caps (codec, info.width, info.height);
  desc = g_strdup_printf ("appsrc name=src format=time ! %s "
      "! appsink name=sink sync=false", parser);
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s", desc);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "caps", caps, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (i = 0; i < e->aus->len; i++) {
    GstBuffer *buf = gst_buffer_copy (g_ptr_array_index (e->aus, i));

    GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (buf) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (buf) = GST_SECOND / 30;
    g_signal_emit_by_name (src, "push-buffer", buf, &ret);
    gst_buffer_unref (buf);
    fail_unless_equals_int (ret, GST_FLOW_OK);
  }
  g_signal_emit_by_name (src, "end-of-stream", &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  for (;;) {
    g_signal_emit_by_name (sink, "pull-sample", &sample);
    if (sample == NULL)
      break;
    if (out++ == 0) {
      GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample),
          0);

      gst_structure_get_int (s, "width", &w);
      gst_structure_get_int (s, "height", &h);
    }
    gst_sample_unref (sample);
  }
  run_to_eos (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (out > 0, "%s gave no buffers for caps %" GST_PTR_FORMAT,
      parser, caps);
  fail_unless_equals_int (w, e->width);
  fail_unless_equals_int (h, e->height);
  GST_INFO ("%s took %" GST_PTR_FORMAT ": %u buffers out", parser, caps, out);
  gst_caps_unref (caps);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
}

/* every prefix of the first key frame: FALSE for 0 bytes, no crash, and a
 * size only when it is the right one; each prefix in its own allocation
 * so that valgrind / ASan see a read past it */
static void
check_truncation (GstBagVideoCodec codec, Encoded * e)
{
  GstBuffer *buf = g_ptr_array_index (e->aus, 0);
  GstMapInfo map;
  gsize len;

  fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT));
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  for (len = 0; len <= map.size; len++) {
    guint8 *copy = g_memdup2 (map.data, len);
    GstBagVideoFrameInfo info;
    GError *err = NULL;
    gboolean ok;

    ok = gst_bag_video_parse_frame (codec, copy, len, &info, &err);
    if (len == 0)
      fail_if (ok);
    if (!ok) {
      fail_unless (err != NULL);
      fail_unless (!info.keyframe && info.width == 0 && info.height == 0);
      g_clear_error (&err);
    } else {
      fail_unless (err == NULL);
      fail_unless (info.width == 0 || info.width == (guint) e->width);
      fail_unless (info.height == 0 || info.height == (guint) e->height);
    }
    g_free (copy);
  }
  gst_buffer_unmap (buf, &map);
}

/* mutations of the AUs: bytes flipped, never a crash */
static void
check_mutations (GstBagVideoCodec codec, Encoded * e)
{
  GRand *rand = g_rand_new_with_seed (0x5eed + codec);
  guint i, round;

  for (i = 0; i < e->aus->len; i++) {
    GstBuffer *buf = g_ptr_array_index (e->aus, i);
    GstMapInfo map;

    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    for (round = 0; round < 50; round++) {
      gsize len = MIN (map.size, 600);
      guint8 *copy = g_memdup2 (map.data, len);
      guint k, flips = g_rand_int_range (rand, 1, 8);
      GstBagVideoFrameInfo info;

      for (k = 0; k < flips && len > 0; k++)
        copy[g_rand_int_range (rand, 0, len)] ^=
            1 << g_rand_int_range (rand, 0, 8);
      if (gst_bag_video_parse_frame (codec, copy, len, &info, NULL)) {
        fail_unless (info.width <= (1u << 20) && info.height <= (1u << 20));
        fail_unless ((info.width == 0) == (info.height == 0));
      }
      g_free (copy);
    }
    gst_buffer_unmap (buf, &map);
  }
  g_rand_free (rand);
}

/* the AUs of @e read as every other codec: TRUE or FALSE, no crash */
static void
check_wrong_codec (GstBagVideoCodec codec, Encoded * e)
{
  GstBagVideoCodec other;
  guint i;

  for (other = GST_BAG_VIDEO_CODEC_UNKNOWN; other <= GST_BAG_VIDEO_CODEC_AV1;
      other++) {
    if (other == codec)
      continue;
    for (i = 0; i < e->aus->len; i++) {
      GstBagVideoFrameInfo info;
      gboolean ok = parse_buffer (other, g_ptr_array_index (e->aus, i),
          &info);

      if (other == GST_BAG_VIDEO_CODEC_UNKNOWN)
        fail_if (ok);
    }
  }
}

static void
check_codec (GstBagVideoCodec codec, const gchar * encoder,
    const gchar * parser, const gchar * format, gint width, gint height,
    guint n)
{
  Encoded *e = encode (encoder, format, width, height, n);

  check_encoded (codec, e);
  check_parser (codec, parser, e);
  check_truncation (codec, e);
  check_mutations (codec, e);
  check_wrong_codec (codec, e);
  encoded_free (e);
}

GST_START_TEST (test_h264)
{
  const gchar *enc = "x264enc key-int-max=4 speed-preset=ultrafast "
      "! video/x-h264,stream-format=byte-stream,alignment=au";
  const gchar *enc_b = "x264enc key-int-max=5 speed-preset=ultrafast "
      "bframes=2 ! video/x-h264,stream-format=byte-stream,alignment=au";
  const gchar *enc_i = "x264enc key-int-max=4 speed-preset=ultrafast "
      "interlaced=true ! video/x-h264,stream-format=byte-stream,alignment=au";

  if (!have_elements ("x264enc", "h264parse", NULL))
    return;
  /* cropping on both axes; 4:2:0, pic_order_cnt_type 2 */
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc, "h264parse", "I420", 322,
      242, 10);
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc, "h264parse", "I420", 64, 48, 10);
  /* B-frames: pic_order_cnt_type 0 */
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc_b, "h264parse", "I420", 322,
      242, 12);
  /* field coding: frame_mbs_only_flag 0 */
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc_i, "h264parse", "I420", 320,
      240, 10);
  /* High 4:2:2 and 4:4:4 profiles: chroma_format_idc 2 and 3 */
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc, "h264parse", "Y42B", 322, 242, 8);
  check_codec (GST_BAG_VIDEO_CODEC_H264, enc, "h264parse", "Y444", 321, 241, 8);
}

GST_END_TEST;

GST_START_TEST (test_h265)
{
  const gchar *enc = "x265enc key-int-max=4 speed-preset=ultrafast "
      "option-string=repeat-headers=1 "
      "! video/x-h265,stream-format=byte-stream,alignment=au";

  if (!have_elements ("x265enc", "h265parse", NULL))
    return;
  check_codec (GST_BAG_VIDEO_CODEC_H265, enc, "h265parse", "I420", 322,
      242, 10);
  check_codec (GST_BAG_VIDEO_CODEC_H265, enc, "h265parse", "I420", 64, 48, 10);
}

GST_END_TEST;

GST_START_TEST (test_vp9)
{
  const gchar *enc = "vp9enc keyframe-max-dist=4 deadline=1 cpu-used=8 "
      "! video/x-vp9";

  if (!have_elements ("vp9enc", "vp9parse", NULL))
    return;
  check_codec (GST_BAG_VIDEO_CODEC_VP9, enc, "vp9parse", "I420", 322, 242, 12);
  check_codec (GST_BAG_VIDEO_CODEC_VP9, enc, "vp9parse", "I420", 64, 48, 12);
  /* profile 1 (4:4:4), profile 2 (10 bit) color_config */
  check_codec (GST_BAG_VIDEO_CODEC_VP9, enc, "vp9parse", "Y444", 65, 49, 8);
  check_codec (GST_BAG_VIDEO_CODEC_VP9, enc, "vp9parse", "I420_10LE", 64,
      48, 8);
}

GST_END_TEST;

/* libvpx packs hidden alt-ref frames into superframes in two-pass mode */
GST_START_TEST (test_vp9_superframe)
{
  gchar *dir, *stats, *enc, *first;
  GstElement *pipeline;
  Encoded *e;
  guint i, superframes = 0;

  if (!have_elements ("vp9enc", "vp9parse", NULL))
    return;
  dir = g_dir_make_tmp ("bagvideo-XXXXXX", NULL);
  fail_unless (dir != NULL);
  stats = g_build_filename (dir, "vp9.stats", NULL);
  enc = g_strdup_printf ("vp9enc keyframe-max-dist=12 deadline=0 "
      "cpu-used=4 lag-in-frames=25 auto-alt-ref=true "
      "multipass-cache-file=\"%s\" multipass-mode=%%s ! video/x-vp9", stats);
  first = g_strdup_printf ("videotestsrc num-buffers=30 pattern=ball "
      "! video/x-raw,format=I420,width=66,height=50,framerate=30/1 "
      "! vp9enc keyframe-max-dist=12 deadline=0 cpu-used=4 lag-in-frames=25 "
      "auto-alt-ref=true multipass-cache-file=\"%s\" "
      "multipass-mode=first-pass ! fakesink", stats);
  pipeline = gst_parse_launch (first, NULL);
  fail_unless (pipeline != NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_to_eos (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (first);

  first = g_strdup_printf (enc, "last-pass");
  e = encode (first, "I420", 66, 50, 30);
  for (i = 0; i < e->aus->len; i++) {
    GstBuffer *buf = g_ptr_array_index (e->aus, i);
    GstBagVideoFrameInfo info;
    GstMapInfo map;
    gsize len;

    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    if ((map.data[map.size - 1] & 0xe0) == 0xc0) {
      superframes++;
      /* every prefix of a superframe */
      for (len = 0; len < map.size; len++) {
        guint8 *copy = g_memdup2 (map.data, len);

        gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9, copy, len, &info,
            NULL);
        g_free (copy);
      }
    }
    gst_buffer_unmap (buf, &map);
  }
  g_print ("bagvideo: vp9enc made %u superframes in %u AUs\n", superframes,
      e->aus->len);
  fail_unless (superframes > 0);
  check_encoded (GST_BAG_VIDEO_CODEC_VP9, e);
  check_parser (GST_BAG_VIDEO_CODEC_VP9, "vp9parse", e);
  encoded_free (e);
  g_unlink (stats);
  g_rmdir (dir);
  g_free (first);
  g_free (enc);
  g_free (stats);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_av1)
{
  const gchar *enc = "av1enc cpu-used=10 usage-profile=realtime "
      "keyframe-max-dist=4 lag-in-frames=0 ! video/x-av1";
  const gchar *enc_lag = "av1enc cpu-used=8 keyframe-max-dist=6 "
      "lag-in-frames=8 ! video/x-av1";

  if (!have_elements ("av1enc", "av1parse", NULL))
    return;
  check_codec (GST_BAG_VIDEO_CODEC_AV1, enc, "av1parse", "I420", 322, 242, 10);
  check_codec (GST_BAG_VIDEO_CODEC_AV1, enc, "av1parse", "I420", 64, 48, 10);
  check_codec (GST_BAG_VIDEO_CODEC_AV1, enc_lag, "av1parse", "I420", 64, 48,
      12);
  check_codec (GST_BAG_VIDEO_CODEC_AV1, enc, "av1parse", "Y444", 66, 50, 6);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Headers written bit by bit */

typedef struct
{
  GByteArray *bytes;
  guint8 cur;
  guint n;                      /* bits in cur */
} BitWriter;

static void
bw_init (BitWriter * bw)
{
  bw->bytes = g_byte_array_new ();
  bw->cur = 0;
  bw->n = 0;
}

static void
bw_bits (BitWriter * bw, guint n, guint64 v)
{
  while (n--) {
    bw->cur = (bw->cur << 1) | ((v >> n) & 1);
    if (++bw->n == 8) {
      g_byte_array_append (bw->bytes, &bw->cur, 1);
      bw->cur = 0;
      bw->n = 0;
    }
  }
}

static void
bw_ue (BitWriter * bw, guint32 v)
{
  guint64 x = (guint64) v + 1;
  guint len = 0;

  while ((x >> len) > 1)
    len++;
  bw_bits (bw, len, 0);
  bw_bits (bw, len + 1, x);
}

static void
bw_se (BitWriter * bw, gint32 v)
{
  bw_ue (bw, v > 0 ? 2 * (guint32) v - 1 : 2 * (guint32) (-v));
}

/* rbsp_trailing_bits; returns the bytes */
static GByteArray *
bw_finish (BitWriter * bw, gboolean trailing)
{
  if (trailing)
    bw_bits (bw, 1, 1);
  while (bw->n != 0)
    bw_bits (bw, 1, 0);
  return bw->bytes;
}

/* start code + NAL header + RBSP with emulation prevention */
static void
append_nal (GByteArray * au, const guint8 * hdr, guint hdr_len,
    GByteArray * rbsp)
{
  static const guint8 sc[] = { 0, 0, 0, 1 };
  guint i, zeros = 0;

  g_byte_array_append (au, sc, 4);
  g_byte_array_append (au, hdr, hdr_len);
  for (i = 0; i < rbsp->len; i++) {
    guint8 b = rbsp->data[i];

    if (zeros >= 2 && b <= 3) {
      guint8 three = 3;

      g_byte_array_append (au, &three, 1);
      zeros = 0;
    }
    g_byte_array_append (au, &b, 1);
    zeros = b == 0 ? zeros + 1 : 0;
  }
}

/* @au parses to @key, @w x @h; its prefixes to no size, that size or
 * @alt_w x @alt_h */
static void
check_au_alt (GstBagVideoCodec codec, GByteArray * au, gboolean key, guint w,
    guint h, guint alt_w, guint alt_h)
{
  GstBagVideoFrameInfo info;
  GError *err = NULL;
  gsize len;

  fail_unless (gst_bag_video_parse_frame (codec, au->data, au->len, &info,
          &err), "%s", err ? err->message : "");
  fail_unless_equals_int (info.keyframe, key);
  fail_unless_equals_int (info.width, w);
  fail_unless_equals_int (info.height, h);
  /* and every prefix of it */
  for (len = 0; len < au->len; len++) {
    guint8 *copy = g_memdup2 (au->data, len);

    if (gst_bag_video_parse_frame (codec, copy, len, &info, &err)) {
      fail_unless (info.width == 0 || info.width == w || info.width == alt_w);
      fail_unless (info.height == 0 || info.height == h ||
          info.height == alt_h);
    } else {
      g_clear_error (&err);
    }
    g_free (copy);
  }
}

static void
check_au (GstBagVideoCodec codec, GByteArray * au, gboolean key, guint w,
    guint h)
{
  check_au_alt (codec, au, key, w, h, w, h);
}

/* H.264 High SPS: scaling lists (one explicit, one "use default"),
 * pic_order_cnt_type 1 with 3 offsets, field coding, cropping;
 * long zero runs for emulation prevention */
static GByteArray *
h264_sps (guint profile, guint chroma, gboolean scaling, guint poc_type,
    guint w_mbs, guint h_map, gboolean frame_mbs_only, guint crop_r,
    guint crop_b)
{
  BitWriter bw;
  guint i, j;

  bw_init (&bw);
  bw_bits (&bw, 8, profile);
  bw_bits (&bw, 8, 0);
  bw_bits (&bw, 8, 40);
  bw_ue (&bw, 0);
  if (profile == 100 || profile == 244) {
    bw_ue (&bw, chroma);
    if (chroma == 3)
      bw_bits (&bw, 1, 0);
    bw_ue (&bw, 0);
    bw_ue (&bw, 0);
    bw_bits (&bw, 1, 0);
    bw_bits (&bw, 1, scaling);
    if (scaling) {
      for (i = 0; i < (chroma != 3 ? 8u : 12u); i++) {
        bw_bits (&bw, 1, i == 0 || i == 6 || i == 1);
        if (i == 0) {
          /* explicit list: deltas that wrap around */
          for (j = 0; j < 16; j++)
            bw_se (&bw, j % 2 ? 100 : -90);
        } else if (i == 6) {
          for (j = 0; j < 64; j++)
            bw_se (&bw, j == 0 ? 8 : 1);
        } else if (i == 1) {
          bw_se (&bw, -8);      /* nextScale 0: use the default list */
        }
      }
    }
  }
  bw_ue (&bw, 0);               /* log2_max_frame_num_minus4 */
  bw_ue (&bw, poc_type);
  if (poc_type == 0) {
    bw_ue (&bw, 2);
  } else if (poc_type == 1) {
    bw_bits (&bw, 1, 0);
    bw_se (&bw, -3);
    bw_se (&bw, 7);
    bw_ue (&bw, 3);
    bw_se (&bw, 1);
    bw_se (&bw, -2);
    bw_se (&bw, 1000);
  }
  bw_ue (&bw, 1);
  bw_bits (&bw, 1, 0);
  bw_ue (&bw, w_mbs - 1);
  bw_ue (&bw, h_map - 1);
  bw_bits (&bw, 1, frame_mbs_only);
  if (!frame_mbs_only)
    bw_bits (&bw, 1, 1);
  bw_bits (&bw, 1, 1);
  bw_bits (&bw, 1, crop_r || crop_b);
  if (crop_r || crop_b) {
    bw_ue (&bw, 0);
    bw_ue (&bw, crop_r);
    bw_ue (&bw, 0);
    bw_ue (&bw, crop_b);
  }
  bw_bits (&bw, 1, 0);          /* vui_parameters_present_flag */
  return bw_finish (&bw, TRUE);
}

static GByteArray *
h264_au (GByteArray * sps, gboolean idr)
{
  static const guint8 hdr_sps = 0x67, hdr_idr = 0x65, hdr_p = 0x41;
  static const guint8 slice[] = { 0x88, 0x84, 0x00, 0x00, 0x00, 0x21 };
  GByteArray *au = g_byte_array_new ();
  GByteArray *s = g_byte_array_new ();

  if (sps)
    append_nal (au, &hdr_sps, 1, sps);
  g_byte_array_append (s, slice, sizeof (slice));
  append_nal (au, idr ? &hdr_idr : &hdr_p, 1, s);
  g_byte_array_unref (s);
  return au;
}

GST_START_TEST (test_h264_handmade)
{
  GByteArray *sps, *au;
  static const guint8 sc3[] = { 0, 0, 1, 0x65, 0x88 };
  /* 40 zero bits (behind emulation prevention bytes) then a one */
  static const guint8 bad_sps[] = { 0, 0, 1, 0x67, 100, 0, 40, 0, 0, 3, 0,
    0, 3, 0, 0x80, 0, 0, 1, 0x65, 0x88
  };
  GstBagVideoFrameInfo info;

  /* 4:2:0 field coding: height = 2 * 16 * map units, crop units 2 / 4 */
  sps = h264_sps (100, 1, TRUE, 1, 21, 8, FALSE, 3, 2);
  au = h264_au (sps, TRUE);
  check_au (GST_BAG_VIDEO_CODEC_H264, au, TRUE, 21 * 16 - 6, 256 - 8);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  /* 4:4:4: crop units 1 / 1, 12 scaling lists */
  sps = h264_sps (244, 3, TRUE, 0, 4, 3, TRUE, 5, 7);
  au = h264_au (sps, FALSE);
  check_au (GST_BAG_VIDEO_CODEC_H264, au, FALSE, 64 - 5, 48 - 7);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  /* Baseline: no chroma_format_idc; 4:2:0 crop 2 / 2 */
  sps = h264_sps (66, 1, FALSE, 2, 2, 2, TRUE, 1, 1);
  au = h264_au (sps, TRUE);
  check_au (GST_BAG_VIDEO_CODEC_H264, au, TRUE, 30, 30);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  /* cropping all of the picture: no size */
  sps = h264_sps (66, 1, FALSE, 2, 2, 2, TRUE, 16, 1);
  au = h264_au (sps, TRUE);
  check_au (GST_BAG_VIDEO_CODEC_H264, au, TRUE, 0, 0);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  /* 3-byte start code, no SPS */
  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_H264, sc3,
          sizeof (sc3), &info, NULL));
  fail_unless (info.keyframe && info.width == 0);

  /* an SPS of 32+ leading zeros: key, no size */
  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_H264, bad_sps,
          sizeof (bad_sps), &info, NULL));
  fail_unless (info.keyframe && info.width == 0 && info.height == 0);
}

GST_END_TEST;

/* H.265 SPS with sub-layers (profile and level present for some) */
static GByteArray *
h265_sps (guint sub_layers_minus1, guint chroma, guint w, guint h,
    guint conf_r, guint conf_b)
{
  BitWriter bw;
  guint i;

  bw_init (&bw);
  bw_bits (&bw, 4, 0);
  bw_bits (&bw, 3, sub_layers_minus1);
  bw_bits (&bw, 1, 1);
  /* general profile: Main, all compatibility flags, progressive */
  bw_bits (&bw, 8, 0x01);
  bw_bits (&bw, 32, 0x60000000);
  bw_bits (&bw, 48, 0x900000000000ull);
  bw_bits (&bw, 8, 93);         /* level */
  for (i = 0; i < sub_layers_minus1; i++) {
    bw_bits (&bw, 1, i % 2 == 0);
    bw_bits (&bw, 1, 1);
  }
  if (sub_layers_minus1 > 0)
    for (i = sub_layers_minus1; i < 8; i++)
      bw_bits (&bw, 2, 0);
  for (i = 0; i < sub_layers_minus1; i++) {
    if (i % 2 == 0) {
      bw_bits (&bw, 40, 0x0160000000ull);
      bw_bits (&bw, 48, 0x900000000000ull);
    }
    bw_bits (&bw, 8, 90);
  }
  bw_ue (&bw, 0);
  bw_ue (&bw, chroma);
  if (chroma == 3)
    bw_bits (&bw, 1, 0);
  bw_ue (&bw, w);
  bw_ue (&bw, h);
  bw_bits (&bw, 1, conf_r || conf_b);
  if (conf_r || conf_b) {
    bw_ue (&bw, 0);
    bw_ue (&bw, conf_r);
    bw_ue (&bw, 0);
    bw_ue (&bw, conf_b);
  }
  bw_ue (&bw, 0);               /* bit_depth_luma_minus8, the rest unread */
  return bw_finish (&bw, TRUE);
}

static GByteArray *
h265_au (GByteArray * sps, guint slice_type)
{
  guint8 hdr_sps[] = { 33 << 1, 1 }, hdr_slice[] = { slice_type << 1, 1 };
  static const guint8 slice[] = { 0xaf, 0x00, 0x00, 0x00, 0x01 };
  GByteArray *au = g_byte_array_new ();
  GByteArray *s = g_byte_array_new ();

  if (sps)
    append_nal (au, hdr_sps, 2, sps);
  g_byte_array_append (s, slice, sizeof (slice));
  append_nal (au, hdr_slice, 2, s);
  g_byte_array_unref (s);
  return au;
}

GST_START_TEST (test_h265_handmade)
{
  GByteArray *sps, *au;
  guint t;

  sps = h265_sps (3, 1, 336, 256, 7, 3);
  au = h265_au (sps, 19);       /* IDR_W_RADL */
  check_au (GST_BAG_VIDEO_CODEC_H265, au, TRUE, 336 - 14, 256 - 6);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  sps = h265_sps (6, 2, 64, 48, 2, 2);
  au = h265_au (sps, 1);        /* TRAIL_R */
  check_au (GST_BAG_VIDEO_CODEC_H265, au, FALSE, 60, 46);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  sps = h265_sps (0, 3, 64, 48, 2, 2);
  au = h265_au (sps, 21);       /* CRA */
  check_au (GST_BAG_VIDEO_CODEC_H265, au, TRUE, 62, 46);
  g_byte_array_unref (au);
  g_byte_array_unref (sps);

  for (t = 0; t < 32; t++) {
    au = h265_au (NULL, t);
    check_au (GST_BAG_VIDEO_CODEC_H265, au, t >= 16 && t <= 23, 0, 0);
    g_byte_array_unref (au);
  }
}

GST_END_TEST;

/* AV1 OBU with size field */
static void
append_obu (GByteArray * tu, guint type, gboolean ext, GByteArray * payload)
{
  guint8 hdr = (type << 3) | (ext ? 0x04 : 0) | 0x02, ext_byte = 0x20;
  gsize len = payload ? payload->len : 0;

  g_byte_array_append (tu, &hdr, 1);
  if (ext)
    g_byte_array_append (tu, &ext_byte, 1);     /* temporal_id 1 */
  do {
    guint8 b = (len & 0x7f) | (len > 0x7f ? 0x80 : 0);

    g_byte_array_append (tu, &b, 1);
    len >>= 7;
  } while (len);
  if (payload)
    g_byte_array_append (tu, payload->data, payload->len);
}

/* a sequence header with timing info, decoder model, 2 operating points,
 * frame ids, order hints; or a reduced still picture header */
static GByteArray *
av1_seq (gboolean reduced, guint max_w, guint max_h)
{
  BitWriter bw;
  guint i;

  bw_init (&bw);
  bw_bits (&bw, 3, 0);
  bw_bits (&bw, 1, reduced);
  bw_bits (&bw, 1, reduced);
  if (reduced) {
    bw_bits (&bw, 5, 8);
  } else {
    bw_bits (&bw, 1, 1);        /* timing_info_present_flag */
    bw_bits (&bw, 32, 1001);
    bw_bits (&bw, 32, 30000);
    bw_bits (&bw, 1, 1);        /* equal_picture_interval */
    bw_bits (&bw, 5, 0x6);      /* uvlc (5): 00 1 10 */
    bw_bits (&bw, 1, 1);        /* decoder_model_info_present_flag */
    bw_bits (&bw, 5, 9);        /* buffer_delay_length_minus_1 */
    bw_bits (&bw, 32, 1001);
    bw_bits (&bw, 5, 6);        /* buffer_removal_time_length_minus_1 */
    bw_bits (&bw, 5, 4);
    bw_bits (&bw, 1, 1);        /* initial_display_delay_present_flag */
    bw_bits (&bw, 5, 1);        /* 2 operating points */
    for (i = 0; i < 2; i++) {
      bw_bits (&bw, 12, i == 0 ? 0x103 : 0x101);
      bw_bits (&bw, 5, i == 0 ? 9 : 4);
      if (i == 0)
        bw_bits (&bw, 1, 1);    /* seq_tier */
      bw_bits (&bw, 1, 1);      /* decoder_model_present_for_this_op */
      bw_bits (&bw, 10, 500);
      bw_bits (&bw, 10, 400);
      bw_bits (&bw, 1, 0);
      bw_bits (&bw, 1, i);
      if (i)
        bw_bits (&bw, 4, 3);
    }
  }
  bw_bits (&bw, 4, 11);
  bw_bits (&bw, 4, 10);
  bw_bits (&bw, 12, max_w - 1);
  bw_bits (&bw, 11, max_h - 1);
  if (!reduced) {
    bw_bits (&bw, 1, 1);        /* frame_id_numbers_present_flag */
    bw_bits (&bw, 4, 5);
    bw_bits (&bw, 3, 2);        /* frame id length 5 + 2 + 2 + 1 = 10 */
  }
  bw_bits (&bw, 3, 0);
  if (!reduced) {
    bw_bits (&bw, 4, 0xf);
    bw_bits (&bw, 1, 1);        /* enable_order_hint */
    bw_bits (&bw, 2, 3);
    bw_bits (&bw, 1, 1);        /* seq_choose_screen_content_tools */
    bw_bits (&bw, 1, 1);        /* seq_choose_integer_mv */
    bw_bits (&bw, 3, 6);        /* order_hint_bits 7 */
  }
  bw_bits (&bw, 3, 0);          /* enable_superres, cdef, restoration */
  return bw_finish (&bw, TRUE);
}

/* key frame header for the non-reduced sequence header above */
static GByteArray *
av1_frame_header (guint frame_type, gboolean show_frame, gboolean override,
    guint w, guint h)
{
  BitWriter bw;

  bw_init (&bw);
  bw_bits (&bw, 1, 0);          /* show_existing_frame */
  bw_bits (&bw, 2, frame_type);
  bw_bits (&bw, 1, show_frame);
  if (frame_type == 0) {
    if (!show_frame) {
      bw_bits (&bw, 1, 1);      /* showable_frame */
      bw_bits (&bw, 1, 1);      /* error_resilient_mode */
    }
    bw_bits (&bw, 1, 0);        /* disable_cdf_update */
    bw_bits (&bw, 1, 1);        /* allow_screen_content_tools */
    bw_bits (&bw, 1, 0);        /* force_integer_mv */
    bw_bits (&bw, 10, 77);      /* current_frame_id */
    bw_bits (&bw, 1, override);
    bw_bits (&bw, 7, 5);        /* order_hint */
    bw_bits (&bw, 1, 1);        /* buffer_removal_time_present_flag */
    bw_bits (&bw, 7, 12);       /* op 0: idc 0x103 has temporal layer 1 */
    /* op 1: idc 0x101 lacks temporal layer 1: nothing */
    if (!show_frame) {
      bw_bits (&bw, 8, 0x0f);   /* refresh_frame_flags */
      bw_bits (&bw, 7 * 8, 0);  /* ref_order_hint[8] */
    }
    if (override) {
      bw_bits (&bw, 12, w - 1);
      bw_bits (&bw, 11, h - 1);
    }
  }
  bw_bits (&bw, 5, 0x15);
  return bw_finish (&bw, FALSE);
}

GST_START_TEST (test_av1_handmade)
{
  GByteArray *seq, *fh, *tu;
  guint8 still_frame[] = { 0x10, 0x00, 0xaa };
  GByteArray still = { still_frame, sizeof (still_frame) };
  guint8 bad[] = { 0x12, 0x00, 0x32, 0x05, 0x00 };
  GstBagVideoFrameInfo info;
  GError *err = NULL;
  guint type;

  seq = av1_seq (FALSE, 1920, 1080);
  /* TD, sequence header, key frame header with its size */
  for (type = 0; type < 4; type++) {
    gboolean show = type % 2 == 0, override = type >= 2;

    tu = g_byte_array_new ();
    append_obu (tu, 2, FALSE, NULL);
    append_obu (tu, 1, FALSE, seq);
    fh = av1_frame_header (0, show, override, 640, 360);
    append_obu (tu, 3, TRUE, fh);
    check_au_alt (GST_BAG_VIDEO_CODEC_AV1, tu, TRUE, override ? 640 : 1920,
        override ? 360 : 1080, 1920, 1080);
    g_byte_array_unref (fh);
    g_byte_array_unref (tu);
  }
  /* inter frame, frame OBU: not key; size from the sequence header */
  tu = g_byte_array_new ();
  append_obu (tu, 2, FALSE, NULL);
  append_obu (tu, 1, FALSE, seq);
  fh = av1_frame_header (1, TRUE, FALSE, 0, 0);
  append_obu (tu, 6, TRUE, fh);
  check_au (GST_BAG_VIDEO_CODEC_AV1, tu, FALSE, 1920, 1080);
  g_byte_array_unref (fh);
  g_byte_array_unref (tu);
  /* key frame without a sequence header: key, no size */
  tu = g_byte_array_new ();
  fh = av1_frame_header (0, TRUE, TRUE, 640, 360);
  append_obu (tu, 6, FALSE, fh);
  check_au (GST_BAG_VIDEO_CODEC_AV1, tu, TRUE, 0, 0);
  g_byte_array_unref (fh);
  g_byte_array_unref (tu);
  g_byte_array_unref (seq);

  /* reduced still picture header: every frame is key */
  seq = av1_seq (TRUE, 100, 75);
  tu = g_byte_array_new ();
  append_obu (tu, 1, FALSE, seq);
  append_obu (tu, 6, FALSE, &still);
  check_au (GST_BAG_VIDEO_CODEC_AV1, tu, TRUE, 100, 75);
  g_byte_array_unref (tu);
  g_byte_array_unref (seq);

  /* the last OBU without a size field */
  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_AV1,
          (const guint8 *) "\x12\x00\x30\x10", 4, &info, NULL));
  fail_unless (info.keyframe);
  /* forbidden bit; an OBU size past the end */
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_AV1,
          (const guint8 *) "\x92\x00", 2, &info, &err));
  fail_unless (err != NULL);
  g_clear_error (&err);
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_AV1, bad,
          sizeof (bad), &info, &err));
  fail_unless (err != NULL);
  g_clear_error (&err);
  /* a leb128 of more than 8 bytes */
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_AV1,
          (const guint8 *) "\x12\x80\x80\x80\x80\x80\x80\x80\x80\x00", 10,
          &info, NULL));
}

GST_END_TEST;

GST_START_TEST (test_vp9_handmade)
{
  /* frame_marker 2, profile 0, show_existing_frame 1 */
  static const guint8 existing[] = { 0x88 };
  /* key frame, profile 0, 8x4 */
  static const guint8 key[] = { 0x82, 0x49, 0x83, 0x42, 0x00, 0x00, 0x70,
    0x00, 0x30, 0x00
  };
  guint8 super[64];
  GstBagVideoFrameInfo info;
  GError *err = NULL;
  gsize n = 0;

  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9, existing,
          sizeof (existing), &info, NULL));
  fail_if (info.keyframe);
  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9, key,
          sizeof (key), &info, NULL));
  fail_unless (info.keyframe);
  fail_unless_equals_int (info.width, 8);
  fail_unless_equals_int (info.height, 4);
  /* wrong frame marker */
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9,
          (const guint8 *) "\x42", 1, &info, &err));
  fail_unless (err != NULL);
  g_clear_error (&err);

  /* superframe: show-existing frame then the key frame, 2-byte sizes */
  memcpy (super + n, existing, sizeof (existing));
  n += sizeof (existing);
  memcpy (super + n, key, sizeof (key));
  n += sizeof (key);
  super[n++] = 0xc9;
  super[n++] = sizeof (existing);
  super[n++] = 0;
  super[n++] = sizeof (key);
  super[n++] = 0;
  super[n++] = 0xc9;
  fail_unless (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9, super, n,
          &info, NULL));
  fail_unless (info.keyframe);
  fail_unless_equals_int (info.width, 8);
  /* a superframe whose second frame has a wrong marker */
  super[1] = 0x02;
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_VP9, super, n,
          &info, NULL));
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */

GST_START_TEST (test_formats)
{
  struct
  {
    const gchar *s;
    gsize len;
    GstBagVideoCodec codec;
  } t[] = {
    {"h264", 4, GST_BAG_VIDEO_CODEC_H264},
    {"H264", 4, GST_BAG_VIDEO_CODEC_H264},
    {"h264\0", 5, GST_BAG_VIDEO_CODEC_H264},
    {"h2645", 4, GST_BAG_VIDEO_CODEC_H264},
    {"h2645", 5, GST_BAG_VIDEO_CODEC_UNKNOWN},
    {"h26", 3, GST_BAG_VIDEO_CODEC_UNKNOWN},
    {"h265", 4, GST_BAG_VIDEO_CODEC_H265},
    {"HEVC", 4, GST_BAG_VIDEO_CODEC_H265},
    {"Vp9", 3, GST_BAG_VIDEO_CODEC_VP9},
    {"vp8", 3, GST_BAG_VIDEO_CODEC_UNKNOWN},
    {"AV1", 3, GST_BAG_VIDEO_CODEC_AV1},
    {"", 0, GST_BAG_VIDEO_CODEC_UNKNOWN},
    {NULL, 4, GST_BAG_VIDEO_CODEC_UNKNOWN},
  };
  guint i;
  GstBagVideoCodec c;

  for (i = 0; i < G_N_ELEMENTS (t); i++)
    fail_unless_equals_int (gst_bag_video_codec_from_format (t[i].s,
            t[i].len), t[i].codec);
  for (c = GST_BAG_VIDEO_CODEC_H264; c <= GST_BAG_VIDEO_CODEC_AV1; c++) {
    const gchar *name = gst_bag_video_codec_to_string (c);

    fail_unless_equals_int (gst_bag_video_codec_from_format (name,
            strlen (name)), c);
  }
  fail_unless_equals_string (gst_bag_video_codec_to_string
      (GST_BAG_VIDEO_CODEC_UNKNOWN), "unknown");
}

GST_END_TEST;

GST_START_TEST (test_caps)
{
  struct
  {
    GstBagVideoCodec codec;
    const gchar *caps;
  } t[] = {
    {GST_BAG_VIDEO_CODEC_H264,
        "video/x-h264, stream-format=byte-stream, alignment=au"},
    {GST_BAG_VIDEO_CODEC_H265,
        "video/x-h265, stream-format=byte-stream, alignment=au"},
    {GST_BAG_VIDEO_CODEC_VP9, "video/x-vp9"},
    {GST_BAG_VIDEO_CODEC_AV1,
        "video/x-av1, stream-format=obu-stream, alignment=tu"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (t); i++) {
    GstCaps *expect = gst_caps_from_string (t[i].caps);
    GstCaps *caps = gst_bag_video_make_caps (t[i].codec, 0, 0);

    fail_unless (gst_caps_is_equal (caps, expect));
    gst_caps_unref (caps);
    caps = gst_bag_video_make_caps (t[i].codec, 322, 0);
    fail_unless (gst_caps_is_equal (caps, expect));
    gst_caps_unref (caps);
    gst_caps_set_simple (expect, "width", G_TYPE_INT, 322, "height",
        G_TYPE_INT, 242, NULL);
    caps = gst_bag_video_make_caps (t[i].codec, 322, 242);
    fail_unless (gst_caps_is_equal (caps, expect), "%" GST_PTR_FORMAT, caps);
    gst_caps_unref (caps);
    gst_caps_unref (expect);
  }
  fail_unless (gst_bag_video_make_caps (GST_BAG_VIDEO_CODEC_UNKNOWN, 2,
          2) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_empty_and_garbage)
{
  GRand *rand = g_rand_new_with_seed (42);
  GstBagVideoCodec c;
  guint i;

  for (c = GST_BAG_VIDEO_CODEC_UNKNOWN; c <= GST_BAG_VIDEO_CODEC_AV1; c++) {
    GstBagVideoFrameInfo info = { TRUE, 1, 1 };
    GError *err = NULL;
    guint8 byte = 0;

    fail_if (gst_bag_video_parse_frame (c, &byte, 0, &info, &err));
    fail_unless (err != NULL);
    fail_unless (!info.keyframe && info.width == 0 && info.height == 0);
    g_clear_error (&err);
    fail_if (gst_bag_video_parse_frame (c, NULL, 0, NULL, NULL));
  }
  /* no start code */
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_H264,
          (const guint8 *) "\x00\x00\x02\x65", 4, NULL, NULL));
  fail_if (gst_bag_video_parse_frame (GST_BAG_VIDEO_CODEC_H265,
          (const guint8 *) "\x26\x01\xaf", 3, NULL, NULL));

  for (i = 0; i < 20000; i++) {
    gsize len = g_rand_int_range (rand, 1, 300), k;
    guint8 *buf = g_malloc (len);
    GstBagVideoFrameInfo info;

    for (k = 0; k < len; k++) {
      guint r = g_rand_int_range (rand, 0, 8);

      /* many zeros and ones: start codes, long exp-Golomb codes */
      buf[k] = r < 3 ? 0 : r == 3 ? 1 : r == 4 ? 0xff :
          g_rand_int_range (rand, 0, 256);
    }
    c = 1 + i % 4;
    if (gst_bag_video_parse_frame (c, buf, len, &info, NULL)) {
      fail_unless (info.width <= (1u << 20) && info.height <= (1u << 20));
      fail_unless ((info.width == 0) == (info.height == 0));
    }
    g_free (buf);
  }
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
bagvideo_suite (void)
{
  Suite *s = suite_create ("bagvideo");
  TCase *tc = tcase_create ("headers");
  TCase *te = tcase_create ("encoders");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_formats);
  tcase_add_test (tc, test_caps);
  tcase_add_test (tc, test_empty_and_garbage);
  tcase_add_test (tc, test_h264_handmade);
  tcase_add_test (tc, test_h265_handmade);
  tcase_add_test (tc, test_vp9_handmade);
  tcase_add_test (tc, test_av1_handmade);

  suite_add_tcase (s, te);
  tcase_set_timeout (te, 600);
  tcase_add_test (te, test_h264);
  tcase_add_test (te, test_h265);
  tcase_add_test (te, test_vp9);
  tcase_add_test (te, test_vp9_superframe);
  tcase_add_test (te, test_av1);
  return s;
}

GST_CHECK_MAIN (bagvideo);
