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

/* libFuzzer harness for the compressed video access unit parser
 * (plugins/rosbag/gstbagvideo.c).
 *
 * Input: one byte that picks the codec (1 h264, 2 h265, 3 vp9, 4 av1;
 * taken modulo 5, 0 is UNKNOWN), then the access unit. The seeds in
 * tests/fuzz/corpus/video are made by tests/fuzz/make-video-corpus.sh.
 *
 *   fuzz_video -max_len=4096 tests/fuzz/corpus/video
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "../../plugins/rosbag/gstbagvideo.h"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GstBagVideoFrameInfo info;
  GstBagVideoCodec codec;
  GError *err = NULL;
  GstCaps *caps;
  guint8 *au;

  if (!gst_is_initialized ()) {
    /* no plugins needed: do not scan for them */
    g_setenv ("GST_REGISTRY_DISABLE", "yes", FALSE);
    gst_init (NULL, NULL);
  }
  if (size < 1)
    return 0;
  codec = data[0] % 5;
  /* an allocation of exactly the AU, so a read past it is seen */
  au = g_memdup2 (data + 1, size - 1);
  if (gst_bag_video_parse_frame (codec, au, size - 1, &info, &err)) {
    g_assert (err == NULL);
    g_assert (codec != GST_BAG_VIDEO_CODEC_UNKNOWN && size > 1);
    g_assert ((info.width == 0) == (info.height == 0));
    g_assert (info.width <= (1u << 20) && info.height <= (1u << 20));
    caps = gst_bag_video_make_caps (codec, info.width, info.height);
    g_assert (caps != NULL);
    gst_caps_unref (caps);
  } else {
    g_assert (err != NULL);
    g_assert (!info.keyframe && info.width == 0 && info.height == 0);
    g_clear_error (&err);
  }
  g_free (au);
  return 0;
}
