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


/* CompressedVideo topics (tests/files/mcap/ros2-video.mcap: x264enc and
 * x265enc access units in foxglove_msgs/msg/CompressedVideo and the
 * omgidl foxglove.CompressedVideo) through bagsrc: the access units are
 * the recorded bytes (compared with @foxglove/rosmsg2-serialization's
 * reading of the file, tests/files/rosmsg2-ref.mjs), key frames are the
 * buffers without DELTA_UNIT, and `bagsrc ! h264parse ! mp4mux` writes an
 * MP4 with exactly one sample per message whose NAL units are those of
 * the message, without re-encoding. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>

#include "rosbag-test-util.h"

#define VIDEO_MCAP TEST_FILES_DIR "/mcap/ros2-video.mcap"
/* the fixture's GOP: a key frame every 10 access units */
#define GOP 10

typedef struct
{
  const gchar *topic;
  const gchar *parser;
  const gchar *media;
  guint first_key;              /* messages before the first key frame */
} VideoTopic;

static const VideoTopic video_topics[] = {
  {"/cam/video", "h264parse", "video/x-h264", 0},
  {"/cam/video_late", "h264parse", "video/x-h264", 7},
  {"/cam/video_h265", "h265parse", "video/x-h265", 0},
  {"/cam/video_idl", "h264parse", "video/x-h264", 0},
};

/* the access units of @topic as the reference reads them */
static GPtrArray *
ref_aus (const gchar * topic)
{
  gchar **lines = ros2_ref_json (VIDEO_MCAP, topic);
  GPtrArray *aus = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  guint i;

  for (i = 0; lines[i]; i++) {
    gchar *v;
    guchar *d;
    gsize n;

    if (lines[i][0] == '\0')
      continue;
    v = ref_json_value (lines[i], "data");
    fail_unless (v != NULL, "%s", lines[i]);
    d = g_base64_decode (v, &n);
    g_ptr_array_add (aus, g_bytes_new_take (d, n));
    g_free (v);
  }
  g_strfreev (lines);
  return aus;
}

/* runs @desc (with an appsink named "sink", or none) to EOS; returns the
 * samples and the warnings' texts */
static GPtrArray *
run (const gchar * desc, GPtrArray * warnings)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *sink;
  GstBus *bus;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  gboolean done = FALSE;

  fail_unless (pipe != NULL, "%s: %s", desc, err ? err->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (sink)
    g_object_set (sink, "sync", FALSE, "emit-signals", FALSE, NULL);
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (!done) {
    GstMessage *m;

    if (sink) {
      GstSample *smp = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
          10 * GST_MSECOND);

      if (smp)
        g_ptr_array_add (samples, smp);
    }
    while (!done && (m = gst_bus_timed_pop_filtered (bus, sink ? 0 :
                100 * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                GST_MESSAGE_WARNING))) {
      GError *e = NULL;
      gchar *dbg = NULL;

      switch (GST_MESSAGE_TYPE (m)) {
        case GST_MESSAGE_EOS:
          done = TRUE;
          break;
        case GST_MESSAGE_ERROR:
          gst_message_parse_error (m, &e, &dbg);
          fail ("%s: %s (%s)", desc, e->message, dbg);
          break;
        default:
          gst_message_parse_warning (m, &e, &dbg);
          if (warnings)
            g_ptr_array_add (warnings, g_strdup (e->message));
          break;
      }
      g_clear_error (&e);
      g_free (dbg);
      gst_message_unref (m);
    }
  }
  if (sink) {
    GstSample *smp;

    while ((smp = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 0)))
      g_ptr_array_add (samples, smp);
    gst_object_unref (sink);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return samples;
}

static gboolean
buffer_equals (GstBuffer * buf, GBytes * b)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (b, &n);

  return gst_buffer_get_size (buf) == n && gst_buffer_memcmp (buf, 0, d,
      n) == 0;
}

/* the NAL units of an Annex B access unit, without their start codes */
static GPtrArray *
annexb_nals (const guint8 * d, gsize n)
{
  GPtrArray *nals = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  gsize i = 0, start = G_MAXSIZE;

  while (i + 3 <= n) {
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) {
      if (start != G_MAXSIZE) {
        gsize end = i;

        /* a 4-byte start code's leading zero is not the NAL's */
        while (end > start && d[end - 1] == 0)
          end--;
        g_ptr_array_add (nals, g_bytes_new (d + start, end - start));
      }
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start != G_MAXSIZE)
    g_ptr_array_add (nals, g_bytes_new (d + start, n - start));
  return nals;
}

/* the NAL units of an MP4 sample: 4-byte lengths */
static GPtrArray *
avc_nals (GstBuffer * buf)
{
  GPtrArray *nals = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  GstMapInfo map;
  gsize i = 0;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  while (i + 4 <= map.size) {
    guint32 len = GST_READ_UINT32_BE (map.data + i);

    fail_unless (len <= map.size - i - 4, "NAL length %u past the sample", len);
    g_ptr_array_add (nals, g_bytes_new (map.data + i + 4, len));
    i += 4 + len;
  }
  fail_unless_equals_int (i, map.size);
  gst_buffer_unmap (buf, &map);
  return nals;
}

static void
assert_same_nals (GPtrArray * a, GPtrArray * b, const gchar * what, guint i)
{
  guint k;

  fail_unless_equals_int (a->len, b->len);
  for (k = 0; k < a->len; k++)
    fail_unless (g_bytes_equal (g_ptr_array_index (a, k),
            g_ptr_array_index (b, k)), "%s: access unit %u, NAL %u differs",
        what, i, k);
}

/* bagsrc's buffers are the recorded access units, key frames every GOP */
GST_START_TEST (test_access_units)
{
  guint t;

  if (!ros2_ref_available ())
    return;
  for (t = 0; t < G_N_ELEMENTS (video_topics); t++) {
    const VideoTopic *vt = &video_topics[t];
    GPtrArray *aus = ref_aus (vt->topic);
    GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
    gchar *desc = g_strdup_printf ("bagsrc location=%s topics=%s ! "
        "appsink name=sink", VIDEO_MCAP, vt->topic);
    GPtrArray *samples = run (desc, warnings);
    guint i, n_warn = 0;

    fail_unless (aus->len > vt->first_key);
    fail_unless_equals_int (samples->len, aus->len - vt->first_key);
    for (i = 0; i < samples->len; i++) {
      GstSample *smp = g_ptr_array_index (samples, i);
      GstBuffer *buf = gst_sample_get_buffer (smp);
      GstStructure *st = gst_caps_get_structure (gst_sample_get_caps (smp),
          0);
      guint idx = i + vt->first_key;
      gint w = 0, h = 0;
      /* the fixture's late topic starts at AU 3 of a GOP */
      gboolean key = ((idx + (vt->first_key ? 3 : 0)) % GOP) == 0;

      fail_unless (buffer_equals (buf, g_ptr_array_index (aus, idx)),
          "%s: buffer %u is not the message's access unit", vt->topic, i);
      fail_unless_equals_int (!GST_BUFFER_FLAG_IS_SET (buf,
              GST_BUFFER_FLAG_DELTA_UNIT), key);
      fail_unless_equals_string (gst_structure_get_name (st), vt->media);
      fail_unless_equals_string (gst_structure_get_string (st,
              "stream-format"), "byte-stream");
      fail_unless_equals_string (gst_structure_get_string (st, "alignment"),
          "au");
      fail_unless (gst_structure_get_int (st, "width", &w));
      fail_unless (gst_structure_get_int (st, "height", &h));
      fail_unless_equals_int (w, 320);
      fail_unless_equals_int (h, 240);
      fail_unless (GST_BUFFER_PTS_IS_VALID (buf));
    }
    /* a topic that starts on a delta frame: said how many were dropped */
    for (i = 0; i < warnings->len; i++) {
      const gchar *w = g_ptr_array_index (warnings, i);

      if (strstr (w, "key frame")) {
        gchar *n = g_strdup_printf ("%u frames", vt->first_key);

        fail_unless (strstr (w, n) != NULL, "%s", w);
        g_free (n);
        n_warn++;
      }
    }
    fail_unless_equals_int (n_warn, vt->first_key ? 1 : 0);
    g_ptr_array_unref (samples);
    g_ptr_array_unref (warnings);
    g_ptr_array_unref (aus);
    g_free (desc);
  }
}

GST_END_TEST;

/* bagsrc ! h264parse ! mp4mux: one sample per message, its NAL units the
 * recorded ones */
GST_START_TEST (test_mp4_without_reencoding)
{
  gchar *dir = g_dir_make_tmp ("bagsrc_video-XXXXXX", NULL);
  gchar *mp4 = g_build_filename (dir, "cam.mp4", NULL);
  guint t;

  if (!ros2_ref_available ())
    goto done;
  for (t = 0; t < G_N_ELEMENTS (video_topics); t++) {
    const VideoTopic *vt = &video_topics[t];
    GPtrArray *aus = ref_aus (vt->topic);
    gchar *w = g_strdup_printf ("bagsrc location=%s topics=%s ! %s ! mp4mux "
        "! filesink location=%s", VIDEO_MCAP, vt->topic, vt->parser, mp4);
    gchar *r = g_strdup_printf ("filesrc location=%s ! qtdemux ! "
        "appsink name=sink", mp4);
    GPtrArray *none, *samples;
    guint i, n_key = 0;

    none = run (w, NULL);
    g_ptr_array_unref (none);
    samples = run (r, NULL);
    fail_unless_equals_int (samples->len, aus->len - vt->first_key);
    for (i = 0; i < samples->len; i++) {
      GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (samples,
              i));
      GBytes *au = g_ptr_array_index (aus, i + vt->first_key);
      gsize n;
      const guint8 *d = g_bytes_get_data (au, &n);
      GPtrArray *ours = avc_nals (buf), *theirs = annexb_nals (d, n);

      assert_same_nals (ours, theirs, vt->topic, i);
      if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT))
        n_key++;
      g_ptr_array_unref (ours);
      g_ptr_array_unref (theirs);
    }
    /* 30 frames, a key frame every 10; the late topic's 20 from AU 10 */
    fail_unless_equals_int (n_key, vt->first_key ? 2 : 3);
    g_ptr_array_unref (samples);
    g_ptr_array_unref (aus);
    g_free (w);
    g_free (r);
  }
done:
  g_unlink (mp4);
  g_rmdir (dir);
  g_free (mp4);
  g_free (dir);
}

GST_END_TEST;

/* a seek lands on a delta frame: the stream restarts at the next key
 * frame, no warning */
GST_START_TEST (test_seek_restarts_at_key_frame)
{
  GError *err = NULL;
  gchar *desc = g_strdup_printf ("bagsrc location=%s topics=/cam/video ! "
      "appsink name=sink sync=false", VIDEO_MCAP);
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  GstSample *smp;
  GstBuffer *buf;

  fail_unless_equals_int (gst_element_set_state (pipe, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  /* AU 3 is at 3 x 33 ms: the next key frame is AU 10 */
  fail_unless (gst_element_seek_simple (pipe, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 95 * GST_MSECOND));
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  smp = gst_app_sink_pull_sample (GST_APP_SINK (sink));
  fail_unless (smp != NULL);
  buf = gst_sample_get_buffer (smp);
  fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT));
  fail_unless (GST_BUFFER_PTS (buf) >= 300 * GST_MSECOND,
      "first buffer after the seek at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (GST_BUFFER_PTS (buf)));
  gst_sample_unref (smp);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

static Suite *
bagsrc_video_suite (void)
{
  Suite *s = suite_create ("bagsrc_video");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_access_units);
  tcase_add_test (tc, test_mp4_without_reencoding);
  tcase_add_test (tc, test_seek_restarts_at_key_frame);
  return s;
}

GST_CHECK_MAIN (bagsrc_video);
