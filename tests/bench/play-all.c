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

/* play-all: plays every topic of a bag through bagsrc, one fakesink
 * (sync=false) per source pad, as
 *   gst-launch-1.0 bagsrc location=BAG name=b  b.PAD1 ! fakesink ...
 * would for every pad. Prints "buffers bytes" (summed over the pads).
 *
 * Usage: play-all BAG [--raw] [--stop-time SECONDS]
 *                     [--slow PAD --sleep-us N] [--rss-trace]
 *                     [--rss-trace-ms N]
 *                     [--max-size-bytes N] [--cache-mb N]
 *                     [--batch-time NS] [--max-threads N] [--no-mmap]
 *
 * --slow puts an `identity sleep-time=N` (microseconds per buffer) before
 * the fakesink of pad PAD (e.g. cam0_image_raw): a slow sink.
 * --rss-trace prints the process's VmRSS (anonymous and file pages) every
 * 500 ms on stderr; --rss-trace-ms N every N ms. --no-mmap sets bagsrc's
 * use-mmap=false (every byte through filesrc's pull range). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>

static const gchar *slow_pad = NULL;
static guint64 sleep_us = 0;
static gint64 n_buffers = 0, n_bytes = 0;
static GMainLoop *loop;
static GstElement *pipeline;
static int exit_code = 0;

static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    /* bagdemux's lists of small messages */
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i, n = gst_buffer_list_length (list);

    g_atomic_pointer_add (&n_buffers, n);
    for (i = 0; i < n; i++)
      g_atomic_pointer_add (&n_bytes,
          gst_buffer_get_size (gst_buffer_list_get (list, i)));
  } else {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

    g_atomic_pointer_add (&n_buffers, 1);
    g_atomic_pointer_add (&n_bytes, gst_buffer_get_size (buf));
  }
  return GST_PAD_PROBE_OK;
}

static void
pad_added (GstElement * src, GstPad * pad, gpointer user_data)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstElement *first = sink;
  GstPad *sinkpad;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  if (slow_pad && !strcmp (GST_PAD_NAME (pad), slow_pad)) {
    GstElement *id = gst_element_factory_make ("identity", NULL);
    g_object_set (id, "sleep-time", (guint) sleep_us, NULL);
    gst_bin_add (GST_BIN (pipeline), id);
    gst_element_link (id, sink);
    gst_element_sync_state_with_parent (id);
    first = id;
    fprintf (stderr, "play-all: %s is slow (%" G_GUINT64_FORMAT
        " us per buffer)\n", GST_PAD_NAME (pad), sleep_us);
  }
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_probe, NULL, NULL);
  gst_object_unref (sinkpad);
  sinkpad = gst_element_get_static_pad (first, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK) {
    fprintf (stderr, "play-all: could not link %s\n", GST_PAD_NAME (pad));
    exit_code = 1;
  }
  gst_object_unref (sinkpad);
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (loop);
      break;
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gchar *dbg = NULL;
      gst_message_parse_error (msg, &err, &dbg);
      fprintf (stderr, "play-all: error from %s: %s (%s)\n",
          GST_OBJECT_NAME (msg->src), err->message, dbg ? dbg : "");
      g_clear_error (&err);
      g_free (dbg);
      exit_code = 1;
      g_main_loop_quit (loop);
      break;
    }
    default:
      break;
  }
  return TRUE;
}

static gboolean
rss_trace (gpointer user_data)
{
  gchar *status = NULL;
  const gchar *p;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      && (p = strstr (status, "VmRSS:")) != NULL) {
    const gchar *a = strstr (status, "RssAnon:");
    const gchar *f = strstr (status, "RssFile:");
    fprintf (stderr, "rss %.1f s: %ld kB (anon %ld kB, file %ld kB)\n",
        (g_get_monotonic_time () - GPOINTER_TO_SIZE (user_data)) / 1e6,
        strtol (p + 6, NULL, 10), a ? strtol (a + 8, NULL, 10) : -1,
        f ? strtol (f + 8, NULL, 10) : -1);
  }
  g_free (status);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  GstElement *src;
  GstBus *bus;
  gboolean raw = FALSE, trace = FALSE;
  gint trace_ms = 500;
  gboolean no_mmap = FALSE;
  gdouble stop_time = -1;
  gint64 max_bytes = -1, cache_mb = -1, batch_time = -1, threads = -1;
  int i;

  gst_init (&argc, &argv);
  if (argc < 2) {
    fprintf (stderr, "usage: %s BAG [--raw] [--stop-time S] [--slow PAD "
        "--sleep-us N] [--rss-trace] [--rss-trace-ms N] [--max-size-bytes N] "
        "[--cache-mb N] [--batch-time NS] [--max-threads N] [--no-mmap]\n",
        argv[0]);
    return 2;
  }
  for (i = 2; i < argc; i++) {
    if (!strcmp (argv[i], "--raw"))
      raw = TRUE;
    else if (!strcmp (argv[i], "--no-mmap"))
      no_mmap = TRUE;
    else if (!strcmp (argv[i], "--rss-trace"))
      trace = TRUE;
    else if (!strcmp (argv[i], "--rss-trace-ms") && i + 1 < argc) {
      trace = TRUE;
      trace_ms = atoi (argv[++i]);
    } else if (!strcmp (argv[i], "--stop-time") && i + 1 < argc)
      stop_time = g_ascii_strtod (argv[++i], NULL);
    else if (!strcmp (argv[i], "--slow") && i + 1 < argc)
      slow_pad = argv[++i];
    else if (!strcmp (argv[i], "--sleep-us") && i + 1 < argc)
      sleep_us = g_ascii_strtoull (argv[++i], NULL, 10);
    else if (!strcmp (argv[i], "--max-size-bytes") && i + 1 < argc)
      max_bytes = g_ascii_strtoll (argv[++i], NULL, 10);
    else if (!strcmp (argv[i], "--cache-mb") && i + 1 < argc)
      cache_mb = g_ascii_strtoll (argv[++i], NULL, 10);
    else if (!strcmp (argv[i], "--batch-time") && i + 1 < argc)
      batch_time = g_ascii_strtoll (argv[++i], NULL, 10);
    else if (!strcmp (argv[i], "--max-threads") && i + 1 < argc)
      threads = g_ascii_strtoll (argv[++i], NULL, 10);
    else {
      fprintf (stderr, "play-all: unknown argument %s\n", argv[i]);
      return 2;
    }
  }

  pipeline = gst_pipeline_new ("play-all");
  src = gst_element_factory_make ("bagsrc", NULL);
  if (!src) {
    fprintf (stderr, "play-all: no bagsrc element (GST_PLUGIN_PATH?)\n");
    return 1;
  }
  g_object_set (src, "location", argv[1], "raw", raw, NULL);
  if (no_mmap)
    g_object_set (src, "use-mmap", FALSE, NULL);
  if (stop_time >= 0)
    g_object_set (src, "stop-time", (guint64) (stop_time * GST_SECOND), NULL);
  if (max_bytes >= 0)
    g_object_set (src, "max-size-bytes", (guint) max_bytes, NULL);
  if (cache_mb >= 0)
    g_object_set (src, "cache-size", (guint64) cache_mb << 20, NULL);
  if (batch_time >= 0)
    g_object_set (src, "batch-time", (guint64) batch_time, NULL);
  if (threads >= 0)
    g_object_set (src, "max-threads", (guint) threads, NULL);
  gst_bin_add (GST_BIN (pipeline), src);
  g_signal_connect (src, "pad-added", G_CALLBACK (pad_added), NULL);

  loop = g_main_loop_new (NULL, FALSE);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_add_watch (bus, bus_cb, NULL);
  if (trace)
    g_timeout_add (MAX (trace_ms, 1), rss_trace,
        GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ()));

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "play-all: could not start\n");
    exit_code = 1;
  } else {
    g_main_loop_run (loop);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_main_loop_unref (loop);
  /* lets GST_TRACERS=leaks report what is still alive */
  gst_deinit ();

  printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", n_buffers, n_bytes);
  return exit_code;
}
