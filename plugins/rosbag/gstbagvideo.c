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
 * Compressed video access units for bagdemux: codec from the format
 * string, keyframe flag and picture size from the bitstream, caps for the
 * parsers. Only the few header fields needed are parsed (H.264 / H.265
 * SPS, VP9 uncompressed header, AV1 sequence and frame headers), every
 * read bounded by the bytes. See gstbagvideo.h for the API contract.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstbagvideo.h"

GST_DEBUG_CATEGORY_STATIC (gst_bag_video_debug);
#define GST_CAT_DEFAULT gst_bag_video_debug

static void
gst_bag_video_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_bag_video_debug, "bagvideo", 0,
        "Compressed video access units");
    g_once_init_leave (&done, 1);
  }
}

/* the largest width / height believed */
#define MAX_DIMENSION (1u << 20)
/* the most bytes of an SPS NAL unescaped and parsed */
#define MAX_SPS_SIZE 4096

/* ---------------------------------------------------------------------- */
/* Codec names */

static const struct
{
  const gchar *name;
  GstBagVideoCodec codec;
} codec_names[] = {
  {"h264", GST_BAG_VIDEO_CODEC_H264},
  {"h265", GST_BAG_VIDEO_CODEC_H265},
  {"hevc", GST_BAG_VIDEO_CODEC_H265},
  {"vp9", GST_BAG_VIDEO_CODEC_VP9},
  {"av1", GST_BAG_VIDEO_CODEC_AV1},
};

GstBagVideoCodec
gst_bag_video_codec_from_format (const gchar * format, gsize len)
{
  guint i;

  if (format == NULL)
    return GST_BAG_VIDEO_CODEC_UNKNOWN;
  while (len > 0 && format[len - 1] == '\0')
    len--;
  for (i = 0; i < G_N_ELEMENTS (codec_names); i++) {
    if (strlen (codec_names[i].name) == len &&
        g_ascii_strncasecmp (codec_names[i].name, format, len) == 0)
      return codec_names[i].codec;
  }
  return GST_BAG_VIDEO_CODEC_UNKNOWN;
}

const gchar *
gst_bag_video_codec_to_string (GstBagVideoCodec codec)
{
  switch (codec) {
    case GST_BAG_VIDEO_CODEC_H264:
      return "h264";
    case GST_BAG_VIDEO_CODEC_H265:
      return "h265";
    case GST_BAG_VIDEO_CODEC_VP9:
      return "vp9";
    case GST_BAG_VIDEO_CODEC_AV1:
      return "av1";
    default:
      return "unknown";
  }
}

/* ---------------------------------------------------------------------- */
/* Bit reader: MSB first; every read fails at the end of the bytes */

typedef struct
{
  const guint8 *data;
  gsize size;                   /* bytes */
  gsize pos;                    /* bits */
} BitReader;

static void
br_init (BitReader * br, const guint8 * data, gsize size)
{
  br->data = data;
  br->size = size;
  br->pos = 0;
}

static gboolean
br_bits (BitReader * br, guint n, guint32 * val)
{
  guint32 v = 0;
  guint i;

  g_assert (n <= 32);
  if (n > (guint64) br->size * 8 - br->pos)
    return FALSE;
  for (i = 0; i < n; i++) {
    v = (v << 1) | ((br->data[br->pos / 8] >> (7 - br->pos % 8)) & 1);
    br->pos++;
  }
  *val = v;
  return TRUE;
}

static gboolean
br_skip (BitReader * br, guint64 n)
{
  if (n > (guint64) br->size * 8 - br->pos)
    return FALSE;
  br->pos += n;
  return TRUE;
}

/* exp-Golomb ue(v); more than 31 leading zeros fails */
static gboolean
br_ue (BitReader * br, guint32 * val)
{
  guint32 bit, rest;
  guint zeros = 0;

  for (;;) {
    if (!br_bits (br, 1, &bit))
      return FALSE;
    if (bit)
      break;
    if (++zeros > 31)
      return FALSE;
  }
  if (!br_bits (br, zeros, &rest))
    return FALSE;
  *val = (guint32) (((guint64) 1 << zeros) - 1 + rest);
  return TRUE;
}

static gboolean
br_se (BitReader * br, gint32 * val)
{
  guint32 u;

  if (!br_ue (br, &u))
    return FALSE;
  /* 1 -> 1, 2 -> -1, 3 -> 2, ... */
  if (u & 1)
    *val = (gint32) ((u >> 1) + 1);
  else
    *val = -(gint32) (u >> 1);
  return TRUE;
}

#define BITS(br, n, v) G_STMT_START { \
  if (!br_bits ((br), (n), &(v))) return FALSE; } G_STMT_END
#define SKIP(br, n) G_STMT_START { \
  if (!br_skip ((br), (n))) return FALSE; } G_STMT_END
#define UE(br, v) G_STMT_START { \
  if (!br_ue ((br), &(v))) return FALSE; } G_STMT_END
#define SE(br, v) G_STMT_START { \
  if (!br_se ((br), &(v))) return FALSE; } G_STMT_END

static gboolean
size_ok (guint64 width, guint64 height)
{
  return width > 0 && height > 0 && width <= MAX_DIMENSION &&
      height <= MAX_DIMENSION;
}

/* ---------------------------------------------------------------------- */
/* H.264 / H.265: Annex B NAL units */

/* offset of the next 00 00 01 at or after @pos, or @size */
static gsize
find_start_code (const guint8 * data, gsize size, gsize pos)
{
  while (size >= 3 && pos <= size - 3) {
    if (data[pos + 2] > 1)
      pos += 3;
    else if (data[pos] == 0 && data[pos + 1] == 0 && data[pos + 2] == 1)
      return pos;
    else
      pos++;
  }
  return size;
}

/* NAL payload without emulation prevention bytes (00 00 03), at most
 * @cap bytes of it */
static gsize
unescape_rbsp (const guint8 * src, gsize len, guint8 * dst, gsize cap)
{
  gsize i, o = 0;
  guint zeros = 0;

  for (i = 0; i < len && o < cap; i++) {
    if (zeros >= 2 && src[i] == 3) {
      zeros = 0;
      continue;
    }
    dst[o++] = src[i];
    zeros = src[i] == 0 ? zeros + 1 : 0;
  }
  return o;
}

static gboolean
h264_skip_scaling_list (BitReader * br, guint size)
{
  gint32 last = 8, next = 8, delta;
  guint j;

  for (j = 0; j < size; j++) {
    if (next != 0) {
      SE (br, delta);
      if (delta < -128 || delta > 127)
        return FALSE;
      next = (last + delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
  return TRUE;
}

static gboolean
h264_is_high_profile (guint32 profile_idc)
{
  switch (profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
      return TRUE;
    default:
      return FALSE;
  }
}

/* @rbsp: the SPS after the 1-byte NAL header */
static gboolean
h264_parse_sps (const guint8 * rbsp, gsize len, guint * width, guint * height)
{
  BitReader br;
  guint32 profile_idc, v, chroma_format_idc = 1, separate_colour_plane = 0;
  guint32 poc_type, w_mbs, h_map, frame_mbs_only, cropping;
  guint32 crop_l = 0, crop_r = 0, crop_t = 0, crop_b = 0;
  guint32 crop_unit_x, crop_unit_y;
  gint32 s;
  guint64 w, h;
  guint i;

  br_init (&br, rbsp, len);
  BITS (&br, 8, profile_idc);
  SKIP (&br, 16);               /* constraint flags, level_idc */
  UE (&br, v);                  /* seq_parameter_set_id */
  if (v > 31)
    return FALSE;
  if (h264_is_high_profile (profile_idc)) {
    UE (&br, chroma_format_idc);
    if (chroma_format_idc > 3)
      return FALSE;
    if (chroma_format_idc == 3)
      BITS (&br, 1, separate_colour_plane);
    UE (&br, v);                /* bit_depth_luma_minus8 */
    UE (&br, v);                /* bit_depth_chroma_minus8 */
    BITS (&br, 1, v);           /* qpprime_y_zero_transform_bypass_flag */
    BITS (&br, 1, v);           /* seq_scaling_matrix_present_flag */
    if (v) {
      for (i = 0; i < (chroma_format_idc != 3 ? 8u : 12u); i++) {
        BITS (&br, 1, v);
        if (v && !h264_skip_scaling_list (&br, i < 6 ? 16 : 64))
          return FALSE;
      }
    }
  }
  UE (&br, v);                  /* log2_max_frame_num_minus4 */
  UE (&br, poc_type);
  if (poc_type == 0) {
    UE (&br, v);                /* log2_max_pic_order_cnt_lsb_minus4 */
  } else if (poc_type == 1) {
    guint32 n;

    BITS (&br, 1, v);           /* delta_pic_order_always_zero_flag */
    SE (&br, s);                /* offset_for_non_ref_pic */
    SE (&br, s);                /* offset_for_top_to_bottom_field */
    UE (&br, n);                /* num_ref_frames_in_pic_order_cnt_cycle */
    if (n > 255)
      return FALSE;
    for (i = 0; i < n; i++)
      SE (&br, s);
  } else if (poc_type != 2) {
    return FALSE;
  }
  UE (&br, v);                  /* max_num_ref_frames */
  BITS (&br, 1, v);             /* gaps_in_frame_num_value_allowed_flag */
  UE (&br, w_mbs);
  UE (&br, h_map);
  BITS (&br, 1, frame_mbs_only);
  if (!frame_mbs_only)
    BITS (&br, 1, v);           /* mb_adaptive_frame_field_flag */
  BITS (&br, 1, v);             /* direct_8x8_inference_flag */
  BITS (&br, 1, cropping);
  if (cropping) {
    UE (&br, crop_l);
    UE (&br, crop_r);
    UE (&br, crop_t);
    UE (&br, crop_b);
  }

  w = ((guint64) w_mbs + 1) * 16;
  h = ((guint64) h_map + 1) * 16 * (2 - frame_mbs_only);
  if (separate_colour_plane || chroma_format_idc == 0) {
    crop_unit_x = 1;
    crop_unit_y = 2 - frame_mbs_only;
  } else {
    crop_unit_x = chroma_format_idc == 3 ? 1 : 2;
    crop_unit_y = (chroma_format_idc == 1 ? 2 : 1) * (2 - frame_mbs_only);
  }
  if (((guint64) crop_l + crop_r) * crop_unit_x >= w ||
      ((guint64) crop_t + crop_b) * crop_unit_y >= h)
    return FALSE;
  w -= ((guint64) crop_l + crop_r) * crop_unit_x;
  h -= ((guint64) crop_t + crop_b) * crop_unit_y;
  if (!size_ok (w, h))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

/* @rbsp: the SPS after the 2-byte NAL header */
static gboolean
h265_parse_sps (const guint8 * rbsp, gsize len, guint * width, guint * height)
{
  BitReader br;
  guint32 v, max_sub_layers_minus1, chroma_format_idc;
  guint32 separate_colour_plane = 0, pic_w, pic_h, conf;
  guint32 conf_l = 0, conf_r = 0, conf_t = 0, conf_b = 0;
  guint32 sub_width_c, sub_height_c;
  gboolean profile_present[8], level_present[8];
  guint64 w, h;
  guint i;

  br_init (&br, rbsp, len);
  BITS (&br, 4, v);             /* sps_video_parameter_set_id */
  BITS (&br, 3, max_sub_layers_minus1);
  if (max_sub_layers_minus1 > 6)
    return FALSE;
  BITS (&br, 1, v);             /* sps_temporal_id_nesting_flag */

  /* profile_tier_level (1, max_sub_layers_minus1) */
  SKIP (&br, 88);               /* general profile */
  SKIP (&br, 8);                /* general_level_idc */
  for (i = 0; i < max_sub_layers_minus1; i++) {
    BITS (&br, 1, v);
    profile_present[i] = v;
    BITS (&br, 1, v);
    level_present[i] = v;
  }
  if (max_sub_layers_minus1 > 0) {
    /* reserved_zero_2bits */
    SKIP (&br, 2 * (8 - max_sub_layers_minus1));
  }
  for (i = 0; i < max_sub_layers_minus1; i++) {
    if (profile_present[i])
      SKIP (&br, 88);
    if (level_present[i])
      SKIP (&br, 8);
  }

  UE (&br, v);                  /* sps_seq_parameter_set_id */
  if (v > 15)
    return FALSE;
  UE (&br, chroma_format_idc);
  if (chroma_format_idc > 3)
    return FALSE;
  if (chroma_format_idc == 3)
    BITS (&br, 1, separate_colour_plane);
  UE (&br, pic_w);
  UE (&br, pic_h);
  BITS (&br, 1, conf);
  if (conf) {
    UE (&br, conf_l);
    UE (&br, conf_r);
    UE (&br, conf_t);
    UE (&br, conf_b);
  }

  /* 4:4:4 with or without separate planes, 4:0:0: 1 x 1 */
  if (chroma_format_idc == 1 || chroma_format_idc == 2) {
    sub_width_c = 2;
    sub_height_c = chroma_format_idc == 1 ? 2 : 1;
  } else {
    sub_width_c = sub_height_c = 1;
  }
  w = pic_w;
  h = pic_h;
  if (((guint64) conf_l + conf_r) * sub_width_c >= w ||
      ((guint64) conf_t + conf_b) * sub_height_c >= h)
    return FALSE;
  w -= ((guint64) conf_l + conf_r) * sub_width_c;
  h -= ((guint64) conf_t + conf_b) * sub_height_c;
  if (!size_ok (w, h))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

static gboolean
parse_annexb (GstBagVideoCodec codec, const guint8 * data, gsize size,
    GstBagVideoFrameInfo * info, GError ** error)
{
  gboolean h265 = codec == GST_BAG_VIDEO_CODEC_H265;
  gsize hdr_len = h265 ? 2 : 1;
  gsize sc, next, start, end;
  guint8 rbsp[MAX_SPS_SIZE];

  sc = find_start_code (data, size, 0);
  if (sc == size) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "%s access unit of %" G_GSIZE_FORMAT " bytes without a start code",
        gst_bag_video_codec_to_string (codec), size);
    return FALSE;
  }

  while (sc < size) {
    guint type;

    start = sc + 3;
    next = find_start_code (data, size, start);
    end = next;
    /* trailing zero bytes belong to the next 4-byte start code */
    while (end > start && data[end - 1] == 0)
      end--;
    sc = next;
    if (end - start < hdr_len)
      continue;

    if (h265) {
      type = (data[start] >> 1) & 0x3f;
      if (type >= 16 && type <= 23)
        info->keyframe = TRUE;
    } else {
      type = data[start] & 0x1f;
      if (type == 5)
        info->keyframe = TRUE;
    }
    GST_LOG ("%s NAL type %u, %" G_GSIZE_FORMAT " bytes",
        gst_bag_video_codec_to_string (codec), type, end - start);

    if (info->width == 0 && ((h265 && type == 33) || (!h265 && type == 7))) {
      gsize n = unescape_rbsp (data + start + hdr_len, end - start - hdr_len,
          rbsp, sizeof (rbsp));
      guint w = 0, h = 0;
      gboolean ok = h265 ? h265_parse_sps (rbsp, n, &w, &h) :
          h264_parse_sps (rbsp, n, &w, &h);

      if (ok) {
        info->width = w;
        info->height = h;
      } else {
        GST_DEBUG ("%s SPS of %" G_GSIZE_FORMAT " bytes does not parse",
            gst_bag_video_codec_to_string (codec), end - start);
      }
    }
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* VP9 */

typedef enum
{
  VP9_OK,
  VP9_NOT_VP9,                  /* wrong frame marker */
} Vp9Result;

/* The uncompressed header of one frame. Truncation after the frame
 * marker is not an error: what was read stays. */
static Vp9Result
vp9_parse_one (const guint8 * data, gsize size, gboolean * key,
    guint * width, guint * height)
{
  BitReader br;
  guint32 v, lo, hi, profile, frame_type, w, h;

  br_init (&br, data, size);
  if (!br_bits (&br, 2, &v) || v != 2)
    return VP9_NOT_VP9;
  if (!br_bits (&br, 1, &lo) || !br_bits (&br, 1, &hi))
    return VP9_OK;
  profile = (hi << 1) | lo;
  if (profile == 3 && !br_bits (&br, 1, &v))    /* reserved_zero */
    return VP9_OK;
  if (!br_bits (&br, 1, &v) || v)       /* show_existing_frame */
    return VP9_OK;
  if (!br_bits (&br, 1, &frame_type) || frame_type != 0)
    return VP9_OK;
  *key = TRUE;
  /* show_frame, error_resilient_mode */
  if (!br_skip (&br, 2))
    return VP9_OK;
  if (!br_bits (&br, 24, &v) || v != 0x498342)
    return VP9_OK;
  /* color_config */
  if (profile >= 2 && !br_skip (&br, 1))        /* ten_or_twelve_bit */
    return VP9_OK;
  if (!br_bits (&br, 3, &v))    /* color_space */
    return VP9_OK;
  if (v != 7) {                 /* not CS_RGB */
    if (!br_skip (&br, 1))      /* color_range */
      return VP9_OK;
    if ((profile == 1 || profile == 3) && !br_skip (&br, 3))
      return VP9_OK;            /* subsampling_x, subsampling_y, reserved */
  } else if ((profile == 1 || profile == 3) && !br_skip (&br, 1)) {
    return VP9_OK;              /* reserved_zero */
  }
  if (!br_bits (&br, 16, &w) || !br_bits (&br, 16, &h))
    return VP9_OK;
  if (*width == 0) {
    *width = w + 1;
    *height = h + 1;
  }
  return VP9_OK;
}

static gboolean
parse_vp9 (const guint8 * data, gsize size, GstBagVideoFrameInfo * info,
    GError ** error)
{
  guint8 marker = data[size - 1];
  gboolean key = FALSE;
  guint w = 0, h = 0;

  if ((marker & 0xe0) == 0xc0) {
    guint frames = (marker & 0x7) + 1;
    guint mag = ((marker >> 3) & 0x3) + 1;
    gsize index_sz = 2 + (gsize) mag * frames;

    if (size >= index_sz && data[size - index_sz] == marker) {
      const guint8 *idx = data + size - index_sz + 1;
      gsize avail = size - index_sz, off = 0;
      guint i, b;

      GST_LOG ("VP9 superframe of %u frames", frames);
      for (i = 0; i < frames; i++) {
        gsize fsz = 0;

        for (b = 0; b < mag; b++)
          fsz |= (gsize) idx[i * mag + b] << (8 * b);
        if (fsz > avail - off)
          break;
        if (fsz > 0 && vp9_parse_one (data + off, fsz, &key, &w, &h) != VP9_OK)
          goto not_vp9;
        off += fsz;
      }
      goto done;
    }
  }
  if (vp9_parse_one (data, size, &key, &w, &h) != VP9_OK)
    goto not_vp9;

done:
  info->keyframe = key;
  if (size_ok (w, h)) {
    info->width = w;
    info->height = h;
  }
  return TRUE;

not_vp9:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "VP9 frame of %" G_GSIZE_FORMAT " bytes with a wrong frame marker", size);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* AV1 */

#define AV1_SELECT 2
#define AV1_MAX_OPERATING_POINTS 32

typedef struct
{
  gboolean present;             /* reduced_still_picture_header was read */
  gboolean reduced;
  gboolean full;                /* everything below was read */
  gboolean decoder_model_info_present;
  gboolean equal_picture_interval;
  guint buffer_removal_time_length;
  guint frame_presentation_time_length;
  guint op_count;
  guint32 op_idc[AV1_MAX_OPERATING_POINTS];
  gboolean op_decoder_model[AV1_MAX_OPERATING_POINTS];
  guint frame_width_bits, frame_height_bits;
  guint max_width, max_height;
  gboolean frame_id_numbers_present;
  guint frame_id_length;
  guint32 force_screen_content_tools;
  guint32 force_integer_mv;
  gboolean enable_order_hint;
  guint order_hint_bits;
} Av1Seq;

static gboolean
av1_uvlc (BitReader * br)
{
  guint32 bit;
  guint zeros = 0;

  for (;;) {
    BITS (br, 1, bit);
    if (bit)
      break;
    zeros++;
  }
  if (zeros < 32)
    SKIP (br, zeros);
  return TRUE;
}

static gboolean
av1_parse_sequence_header (const guint8 * data, gsize size, Av1Seq * seq)
{
  BitReader br;
  guint32 v, still, timing_info_present, initial_display_delay_present;
  guint32 buffer_delay_length = 0, n;
  guint i;

  memset (seq, 0, sizeof (*seq));
  br_init (&br, data, size);
  BITS (&br, 3, v);             /* seq_profile */
  BITS (&br, 1, still);
  BITS (&br, 1, v);
  seq->reduced = v;
  seq->present = TRUE;
  if (seq->reduced) {
    seq->op_count = 1;
    SKIP (&br, 5);              /* seq_level_idx[0] */
  } else {
    BITS (&br, 1, timing_info_present);
    if (timing_info_present) {
      /* num_units_in_display_tick, time_scale */
      SKIP (&br, 64);
      BITS (&br, 1, v);
      seq->equal_picture_interval = v;
      if (v && !av1_uvlc (&br)) /* num_ticks_per_picture_minus_1 */
        return FALSE;
      BITS (&br, 1, v);
      seq->decoder_model_info_present = v;
      if (v) {
        BITS (&br, 5, v);
        buffer_delay_length = v + 1;
        SKIP (&br, 32);         /* num_units_in_decoding_tick */
        BITS (&br, 5, v);
        seq->buffer_removal_time_length = v + 1;
        BITS (&br, 5, v);
        seq->frame_presentation_time_length = v + 1;
      }
    }
    BITS (&br, 1, initial_display_delay_present);
    BITS (&br, 5, v);
    seq->op_count = v + 1;
    for (i = 0; i < seq->op_count; i++) {
      BITS (&br, 12, seq->op_idc[i]);
      BITS (&br, 5, v);         /* seq_level_idx */
      if (v > 7)
        SKIP (&br, 1);          /* seq_tier */
      if (seq->decoder_model_info_present) {
        BITS (&br, 1, v);
        seq->op_decoder_model[i] = v;
        if (v)                  /* decoder/encoder_buffer_delay, low_delay */
          SKIP (&br, 2 * buffer_delay_length + 1);
      }
      if (initial_display_delay_present) {
        BITS (&br, 1, v);
        if (v)
          SKIP (&br, 4);        /* initial_display_delay_minus_1 */
      }
    }
  }
  BITS (&br, 4, v);
  seq->frame_width_bits = v + 1;
  BITS (&br, 4, v);
  seq->frame_height_bits = v + 1;
  BITS (&br, seq->frame_width_bits, v);
  seq->max_width = v + 1;
  BITS (&br, seq->frame_height_bits, v);
  seq->max_height = v + 1;
  GST_LOG ("AV1 sequence header: still %u reduced %u max %ux%u", still,
      seq->reduced, seq->max_width, seq->max_height);

  if (!seq->reduced) {
    BITS (&br, 1, v);
    seq->frame_id_numbers_present = v;
    if (v) {
      guint32 delta, additional;

      BITS (&br, 4, delta);
      BITS (&br, 3, additional);
      seq->frame_id_length = delta + 2 + additional + 1;
    }
  }
  /* use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter */
  SKIP (&br, 3);
  if (seq->reduced) {
    seq->force_screen_content_tools = AV1_SELECT;
    seq->force_integer_mv = AV1_SELECT;
  } else {
    /* interintra_compound, masked_compound, warped_motion, dual_filter */
    SKIP (&br, 4);
    BITS (&br, 1, v);
    seq->enable_order_hint = v;
    if (v)
      SKIP (&br, 2);            /* enable_jnt_comp, enable_ref_frame_mvs */
    BITS (&br, 1, v);           /* seq_choose_screen_content_tools */
    if (v)
      seq->force_screen_content_tools = AV1_SELECT;
    else
      BITS (&br, 1, seq->force_screen_content_tools);
    if (seq->force_screen_content_tools > 0) {
      BITS (&br, 1, v);         /* seq_choose_integer_mv */
      if (v)
        seq->force_integer_mv = AV1_SELECT;
      else
        BITS (&br, 1, seq->force_integer_mv);
    } else {
      seq->force_integer_mv = AV1_SELECT;
    }
    if (seq->enable_order_hint) {
      BITS (&br, 3, n);
      seq->order_hint_bits = n + 1;
    }
  }
  seq->full = TRUE;
  return TRUE;
}

/* The frame size of a key frame header, after frame_type. FALSE when
 * the header is cut or the sequence header was not read fully. */
static gboolean
av1_key_frame_size (BitReader * br, const Av1Seq * seq, guint temporal_id,
    guint spatial_id, guint * width, guint * height)
{
  guint32 v, show_frame, error_resilient, allow_sct, size_override;
  guint32 refresh = 0xff;
  guint i;

  if (!seq->full)
    return FALSE;
  if (seq->reduced) {
    *width = seq->max_width;
    *height = seq->max_height;
    return TRUE;
  }
  BITS (br, 1, show_frame);
  if (show_frame && seq->decoder_model_info_present &&
      !seq->equal_picture_interval)
    SKIP (br, seq->frame_presentation_time_length);
  if (!show_frame)
    SKIP (br, 1);               /* showable_frame */
  if (show_frame)
    error_resilient = 1;
  else
    BITS (br, 1, error_resilient);
  SKIP (br, 1);                 /* disable_cdf_update */
  if (seq->force_screen_content_tools == AV1_SELECT)
    BITS (br, 1, allow_sct);
  else
    allow_sct = seq->force_screen_content_tools;
  if (allow_sct && seq->force_integer_mv == AV1_SELECT)
    SKIP (br, 1);               /* force_integer_mv */
  if (seq->frame_id_numbers_present)
    SKIP (br, seq->frame_id_length);    /* current_frame_id */
  BITS (br, 1, size_override);
  SKIP (br, seq->order_hint_bits);      /* order_hint */
  /* primary_ref_frame: none for intra frames */
  if (seq->decoder_model_info_present) {
    BITS (br, 1, v);            /* buffer_removal_time_present_flag */
    if (v) {
      for (i = 0; i < seq->op_count; i++) {
        guint32 idc = seq->op_idc[i];

        if (!seq->op_decoder_model[i])
          continue;
        if (idc == 0 || (((idc >> temporal_id) & 1) &&
                ((idc >> (spatial_id + 8)) & 1)))
          SKIP (br, seq->buffer_removal_time_length);
      }
    }
  }
  if (!show_frame)
    BITS (br, 8, refresh);      /* refresh_frame_flags */
  if (refresh != 0xff && error_resilient && seq->enable_order_hint)
    SKIP (br, 8 * seq->order_hint_bits);        /* ref_order_hint[] */
  if (size_override) {
    BITS (br, seq->frame_width_bits, v);
    *width = v + 1;
    BITS (br, seq->frame_height_bits, v);
    *height = v + 1;
  } else {
    *width = seq->max_width;
    *height = seq->max_height;
  }
  return TRUE;
}

static void
av1_parse_frame_header (const guint8 * data, gsize size, const Av1Seq * seq,
    guint temporal_id, guint spatial_id, GstBagVideoFrameInfo * info)
{
  BitReader br;
  guint32 v, frame_type;
  guint w = 0, h = 0;

  br_init (&br, data, size);
  if (!seq->reduced) {
    if (!br_bits (&br, 1, &v) || v)     /* show_existing_frame */
      return;
    if (!br_bits (&br, 2, &frame_type) || frame_type != 0)
      return;
  }
  GST_LOG ("AV1 key frame");
  info->keyframe = TRUE;
  if (av1_key_frame_size (&br, seq, temporal_id, spatial_id, &w, &h) &&
      size_ok (w, h)) {
    info->width = w;
    info->height = h;
  }
}

static gboolean
parse_av1 (const guint8 * data, gsize size, GstBagVideoFrameInfo * info,
    GError ** error)
{
  Av1Seq seq;
  gsize pos = 0;
  const gchar *why = NULL;

  memset (&seq, 0, sizeof (seq));
  while (pos < size) {
    guint8 hdr = data[pos];
    guint type = (hdr >> 3) & 0xf;
    guint temporal_id = 0, spatial_id = 0;
    guint64 obu_size;

    if (hdr & 0x80) {
      why = "forbidden bit set";
      goto not_av1;
    }
    pos++;
    if (hdr & 0x04) {           /* obu_extension_flag */
      if (pos >= size) {
        why = "extension header cut";
        goto not_av1;
      }
      temporal_id = data[pos] >> 5;
      spatial_id = (data[pos] >> 3) & 0x3;
      pos++;
    }
    if (hdr & 0x02) {           /* obu_has_size_field: leb128 */
      guint i;

      obu_size = 0;
      for (i = 0;; i++) {
        if (i >= 8 || pos >= size) {
          why = "size field cut or too long";
          goto not_av1;
        }
        obu_size |= (guint64) (data[pos] & 0x7f) << (7 * i);
        if (!(data[pos++] & 0x80))
          break;
      }
      if (obu_size > size - pos) {
        why = "OBU size past the end";
        goto not_av1;
      }
    } else {
      obu_size = size - pos;
    }
    GST_LOG ("AV1 OBU type %u, %" G_GUINT64_FORMAT " bytes", type, obu_size);

    switch (type) {
      case 1:                  /* OBU_SEQUENCE_HEADER */
        if (!av1_parse_sequence_header (data + pos, obu_size, &seq))
          GST_DEBUG ("AV1 sequence header of %" G_GUINT64_FORMAT
              " bytes does not parse fully", obu_size);
        if (seq.full && info->width == 0 && size_ok (seq.max_width,
                seq.max_height)) {
          info->width = seq.max_width;
          info->height = seq.max_height;
        }
        break;
      case 3:                  /* OBU_FRAME_HEADER */
      case 6:                  /* OBU_FRAME */
        av1_parse_frame_header (data + pos, obu_size, &seq, temporal_id,
            spatial_id, info);
        break;
      default:                 /* temporal delimiter, tile group, ... */
        break;
    }
    pos += obu_size;
  }
  return TRUE;

not_av1:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "AV1 temporal unit of %" G_GSIZE_FORMAT " bytes: %s at offset %"
      G_GSIZE_FORMAT, size, why, pos);
  return FALSE;
}

/* ---------------------------------------------------------------------- */

gboolean
gst_bag_video_parse_frame (GstBagVideoCodec codec, const guint8 * data,
    gsize size, GstBagVideoFrameInfo * info, GError ** error)
{
  GstBagVideoFrameInfo dummy;
  gboolean ret;

  gst_bag_video_init_debug ();
  if (info == NULL)
    info = &dummy;
  memset (info, 0, sizeof (*info));

  if (codec == GST_BAG_VIDEO_CODEC_UNKNOWN) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
        "unknown video codec");
    return FALSE;
  }
  if (data == NULL || size == 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "empty %s access unit", gst_bag_video_codec_to_string (codec));
    return FALSE;
  }

  switch (codec) {
    case GST_BAG_VIDEO_CODEC_H264:
    case GST_BAG_VIDEO_CODEC_H265:
      ret = parse_annexb (codec, data, size, info, error);
      break;
    case GST_BAG_VIDEO_CODEC_VP9:
      ret = parse_vp9 (data, size, info, error);
      break;
    case GST_BAG_VIDEO_CODEC_AV1:
      ret = parse_av1 (data, size, info, error);
      break;
    default:
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
          "unknown video codec %d", codec);
      ret = FALSE;
      break;
  }
  if (!ret) {
    memset (info, 0, sizeof (*info));
  } else {
    GST_LOG ("%s AU of %" G_GSIZE_FORMAT " bytes: keyframe %d, %ux%u",
        gst_bag_video_codec_to_string (codec), size, info->keyframe,
        info->width, info->height);
  }
  return ret;
}

GstCaps *
gst_bag_video_make_caps (GstBagVideoCodec codec, guint width, guint height)
{
  GstCaps *caps;

  switch (codec) {
    case GST_BAG_VIDEO_CODEC_H264:
      caps = gst_caps_new_simple ("video/x-h264",
          "stream-format", G_TYPE_STRING, "byte-stream",
          "alignment", G_TYPE_STRING, "au", NULL);
      break;
    case GST_BAG_VIDEO_CODEC_H265:
      caps = gst_caps_new_simple ("video/x-h265",
          "stream-format", G_TYPE_STRING, "byte-stream",
          "alignment", G_TYPE_STRING, "au", NULL);
      break;
    case GST_BAG_VIDEO_CODEC_VP9:
      caps = gst_caps_new_empty_simple ("video/x-vp9");
      break;
    case GST_BAG_VIDEO_CODEC_AV1:
      caps = gst_caps_new_simple ("video/x-av1",
          "stream-format", G_TYPE_STRING, "obu-stream",
          "alignment", G_TYPE_STRING, "tu", NULL);
      break;
    default:
      return NULL;
  }
  if (width > 0 && height > 0 && width <= G_MAXINT && height <= G_MAXINT)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, (gint) width,
        "height", G_TYPE_INT, (gint) height, NULL);
  return caps;
}
