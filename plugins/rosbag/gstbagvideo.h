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

#ifndef __GST_BAG_VIDEO_H__
#define __GST_BAG_VIDEO_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * gstbagvideo: maps compressed video access units (one per message of
 * foxglove_msgs/msg/CompressedVideo or foxglove.CompressedVideo: a
 * "format" string and a "data" field) to GStreamer caps and buffer flags.
 * A pure module (no element, nothing about ROS messages): it sees format
 * strings and bytes only. Every read is bounded by the bytes given; any
 * input is safe (fuzzed by tests/fuzz/fuzz_video.c).
 *
 * API
 * ---
 * gst_bag_video_codec_from_format (format, len):
 *   "h264", "h265" (also "hevc"), "vp9", "av1", matched without regard
 *   to case; @format holds @len bytes and need not be NUL-terminated
 *   (trailing NUL bytes within @len are ignored). Anything else, or
 *   NULL, is GST_BAG_VIDEO_CODEC_UNKNOWN.
 *
 * gst_bag_video_codec_to_string (codec):
 *   "h264", "h265", "vp9", "av1", or "unknown". Static string.
 *
 * gst_bag_video_parse_frame (codec, data, size, &info, &error):
 *   parses one access unit (H.264 / H.265: Annex B byte-stream with 3- or
 *   4-byte start codes; VP9: one frame or a superframe; AV1: a temporal
 *   unit of low-overhead OBUs, the last one may lack a size field).
 *   Return values:
 *   - FALSE + @error (GST_STREAM_ERROR_DECODE): the data is not of that
 *     codec at all: 0 bytes; no start code at all (H.264 / H.265); a
 *     frame marker other than 2 (VP9, any frame of a superframe); an
 *     OBU header with the forbidden bit set, cut in the middle of its
 *     header or size field, or an OBU size past the end (AV1); codec
 *     UNKNOWN. *info is zeroed.
 *   - TRUE: *info is filled:
 *     keyframe: the AU starts a decodable sequence: it holds an H.264
 *       IDR slice (nal_unit_type 5), an H.265 IRAP picture (16..23), a
 *       VP9 key frame (frame_type 0; for a superframe: any of its frames),
 *       an AV1 frame header or frame OBU saying KEY_FRAME (a
 *       reduced_still_picture_header from a sequence header of the same
 *       AU counts as key; without a sequence header "not reduced" is
 *       assumed). show_existing_frame (VP9 / AV1) is never key.
 *     width, height: the display size, both 0 when this AU does not say:
 *       from the first SPS that parses fully (H.264 frame cropping / H.265
 *       conformance window applied), the VP9 key frame header, the AV1
 *       sequence header (max_frame_width/height_minus_1 + 1, replaced by
 *       frame_width/height_minus_1 + 1 of a key frame header that has
 *       frame_size_override_flag). Sizes of 0 or above 2^20 count as not
 *       parsed.
 *   Parameter sets that are truncated or malformed are not an error: the
 *   keyframe flag still comes from the NAL / frame types, width and height
 *   stay 0. Only the first 4096 bytes of an SPS NAL are read.
 *   @info and @error may be NULL.
 *
 * gst_bag_video_make_caps (codec, width, height):
 *   video/x-h264 or video/x-h265 with stream-format=byte-stream,
 *   alignment=au; video/x-vp9; video/x-av1 with stream-format=obu-stream,
 *   alignment=tu (what av1parse takes as is). width and height are set
 *   when both are non-zero. NULL for UNKNOWN. Caller owns the caps.
 */

typedef enum {
  GST_BAG_VIDEO_CODEC_UNKNOWN = 0,
  GST_BAG_VIDEO_CODEC_H264,
  GST_BAG_VIDEO_CODEC_H265,
  GST_BAG_VIDEO_CODEC_VP9,
  GST_BAG_VIDEO_CODEC_AV1,
} GstBagVideoCodec;

typedef struct {
  gboolean keyframe;
  guint width, height;
} GstBagVideoFrameInfo;

GstBagVideoCodec gst_bag_video_codec_from_format (const gchar * format,
    gsize len);

const gchar *gst_bag_video_codec_to_string (GstBagVideoCodec codec);

gboolean gst_bag_video_parse_frame (GstBagVideoCodec codec,
    const guint8 * data, gsize size, GstBagVideoFrameInfo * info,
    GError ** error);

GstCaps *gst_bag_video_make_caps (GstBagVideoCodec codec, guint width,
    guint height);

G_END_DECLS

#endif /* __GST_BAG_VIDEO_H__ */
