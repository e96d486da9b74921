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

/* bag-export: the pattern an application copies to embed gst-rosbag.
 *
 *   bag-export [OPTIONS] BAG TOPIC[,TOPIC...] OUTDIR
 *
 * Exports the topics of a bag as aligned dataset frames: the first topic is
 * the reference; every set gets one file per image topic
 * (OUTDIR/NAME_%05d.png, the same number for the same instant), one CSV row
 * per set for every other topic (OUTDIR/NAME.csv, held with policy=previous)
 * and a row in OUTDIR/index.csv. NAME is the topic as bagsrc names its pad
 * (/cam0/image_raw -> cam0_image_raw).
 *
 * It is kept short to show the pattern; the full tool with every image and
 * data mode, progress, safe output and a manifest is tools/gst-rosbag-export.c
 * (docs/gst-rosbag-export.md).
 *
 * It builds the pipeline itself:
 *
 *   bagsrc --NAME--> bagalign.sink_i   bagalign.src_i --> branch per topic
 *
 * links bagsrc's pads as they appear (the branch depends on the pad's caps),
 * shows progress from position/duration queries, and reports errors and EOS
 * from the bus. Exit status: 0 done, 1 error while running, 2 bad usage,
 * 3 a needed element is not installed, 130 interrupted (the files written so
 * far are complete). */

#include <gst/gst.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define EXIT_RUN_ERROR 1
#define EXIT_USAGE 2
#define EXIT_MISSING 3
#define EXIT_INTERRUPTED 130

typedef struct
{
  gchar *topic;
  gchar *name;                  /* bagsrc's pad name for the topic */
  GstPad *sinkpad;              /* bagalign's sink_i for it */
  gboolean linked;
} Stream;

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline, *bagsrc, *align;
  gchar *outdir;
  GPtrArray *streams;           /* Stream */
  gint exit_code;
  gboolean interrupted;
  gboolean quiet;
} App;

static gchar *
pad_name_for_topic (const gchar * topic)
{
  gchar *name = g_strdup (topic[0] == '/' ? topic + 1 : topic);
  gchar *p;

  for (p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      *p = '_';
  return name;
}

static void
stream_free (Stream * s)
{
  g_free (s->topic);
  g_free (s->name);
  if (s->sinkpad)
    gst_object_unref (s->sinkpad);
  g_free (s);
}

static Stream *
find_stream (App * app, const gchar * padname)
{
  guint i;

  for (i = 0; i < app->streams->len; i++) {
    Stream *s = g_ptr_array_index (app->streams, i);
    if (!g_strcmp0 (s->name, padname))
      return s;
  }
  return NULL;
}

/* the branch after bagalign.src_i: PNG files for images, CSV for the rest */
static GstElement *
make_branch (App * app, Stream * s, GstCaps * caps)
{
  const gchar *media =
      gst_structure_get_name (gst_caps_get_structure (caps, 0));
  gchar *desc, *location;
  GstElement *bin;
  GError *error = NULL;

  if (g_str_has_prefix (media, "video/x-raw")) {
    location = g_build_filename (app->outdir, s->name, NULL);
    desc = g_strdup_printf ("queue ! videoconvert ! pngenc ! "
        "multifilesink location=\"%s_%%05d.png\"", location);
  } else if (g_str_equal (media, "application/x-rosmsg")) {
    location = g_build_filename (app->outdir, s->name, NULL);
    desc = g_strdup_printf ("queue ! rosmsgconvert format=csv ! "
        "filesink location=\"%s.csv\"", location);
  } else {
    /* compressed images and the like: the raw payload is not a frame file,
     * keep the stream in the sets but write nothing */
    g_printerr ("%s: %s is not exported (caps %s)\n", g_get_prgname (),
        s->topic, media);
    location = NULL;
    desc = g_strdup ("fakesink");
  }

  bin = gst_parse_bin_from_description (desc, TRUE, &error);
  if (!bin) {
    g_printerr ("%s: cannot build the branch for %s: %s\n", g_get_prgname (),
        s->topic, error->message);
    g_clear_error (&error);
  }
  g_free (desc);
  g_free (location);
  return bin;
}

/* bagsrc added a pad for one of our topics: link it to its bagalign sink
 * pad, and bagalign's matching src pad to a new branch */
static void
on_pad_added (GstElement * src, GstPad * pad, App * app)
{
  Stream *s = find_stream (app, GST_OBJECT_NAME (pad));
  GstCaps *caps;
  GstElement *branch;
  GstPad *alignsrc, *branchsink;
  gchar *srcname;

  if (!s || s->linked) {
    g_printerr ("%s: ignoring pad %s\n", g_get_prgname (),
        GST_OBJECT_NAME (pad));
    return;
  }

  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  if (gst_caps_is_empty (caps) || gst_caps_is_any (caps)) {
    g_printerr ("%s: no caps on %s\n", g_get_prgname (), GST_OBJECT_NAME (pad));
    gst_caps_unref (caps);
    return;
  }
  /* a signal (joint states, IMU) is sampled and held: its latest message
   * at or before the frame; images are matched to the nearest */
  if (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "application/x-rosmsg"))
    gst_util_set_object_arg (G_OBJECT (s->sinkpad), "policy", "previous");
  branch = make_branch (app, s, caps);
  gst_caps_unref (caps);
  if (!branch)
    return;

  /* downstream first, then bagalign, then the source pad: data only flows
   * once everything after it is in place */
  gst_bin_add (GST_BIN (app->pipeline), branch);
  gst_element_sync_state_with_parent (branch);
  srcname = g_strdup_printf ("src_%s", GST_OBJECT_NAME (s->sinkpad) + 5);
  alignsrc = gst_element_get_static_pad (app->align, srcname);
  branchsink = gst_element_get_static_pad (branch, "sink");
  if (gst_pad_link (alignsrc, branchsink) != GST_PAD_LINK_OK)
    g_printerr ("%s: cannot link %s\n", g_get_prgname (), srcname);
  if (gst_pad_link (pad, s->sinkpad) != GST_PAD_LINK_OK)
    g_printerr ("%s: cannot link %s to bagalign\n", g_get_prgname (), s->topic);
  else
    s->linked = TRUE;
  gst_object_unref (alignsrc);
  gst_object_unref (branchsink);
  g_free (srcname);
}

/* every topic bagsrc has is out: a topic that is not in the bag would stall
 * the alignment forever, so give its bagalign pad back */
static void
on_no_more_pads (GstElement * src, App * app)
{
  guint i;

  for (i = 0; i < app->streams->len; i++) {
    Stream *s = g_ptr_array_index (app->streams, i);

    if (s->linked || !s->sinkpad)
      continue;
    g_printerr ("%s: topic %s is not in the bag, exporting without it\n",
        g_get_prgname (), s->topic);
    gst_element_release_request_pad (app->align, s->sinkpad);
    gst_object_unref (s->sinkpad);
    s->sinkpad = NULL;
  }
}

static gboolean
on_progress (App * app)
{
  gint64 pos = -1, dur = -1;

  if (app->quiet)
    return G_SOURCE_CONTINUE;
  if (gst_element_query_position (app->pipeline, GST_FORMAT_TIME, &pos) &&
      gst_element_query_duration (app->pipeline, GST_FORMAT_TIME, &dur) &&
      dur > 0) {
    guint64 sets = 0;

    g_object_get (app->align, "sets-emitted", &sets, NULL);
    g_printerr ("\r%s: %6.1f s / %.1f s (%3d%%), %" G_GUINT64_FORMAT " sets",
        g_get_prgname (), pos / 1e9, dur / 1e9, (gint) (100 * pos / dur), sets);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, App * app)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("\n%s: error from %s: %s\n", g_get_prgname (),
          GST_OBJECT_NAME (msg->src), err->message);
      if (dbg)
        g_printerr ("  (%s)\n", dbg);
      g_clear_error (&err);
      g_free (dbg);
      app->exit_code = EXIT_RUN_ERROR;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_printerr ("\n%s: warning from %s: %s\n", g_get_prgname (),
          GST_OBJECT_NAME (msg->src), err->message);
      g_clear_error (&err);
      break;
    }
    case GST_MESSAGE_EOS:
      app->exit_code = app->interrupted ? EXIT_INTERRUPTED : 0;
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C: finish cleanly (EOS closes the files), a second one aborts */
static gboolean
on_sigint (App * app)
{
  if (app->interrupted) {
    app->exit_code = EXIT_INTERRUPTED;
    g_main_loop_quit (app->loop);
    return G_SOURCE_CONTINUE;
  }
  app->interrupted = TRUE;
  g_printerr ("\n%s: interrupted, finishing the files\n", g_get_prgname ());
  gst_element_send_event (app->pipeline, gst_event_new_eos ());
  return G_SOURCE_CONTINUE;
}

static gboolean
have_elements (void)
{
  const gchar *needed[] = { "bagsrc", "bagalign", "rosmsgconvert", "pngenc",
    "videoconvert", "multifilesink", "filesink", "queue", NULL
  };
  gboolean ok = TRUE;
  guint i;

  for (i = 0; needed[i]; i++) {
    GstElementFactory *f = gst_element_factory_find (needed[i]);

    if (!f) {
      g_printerr ("%s: the GStreamer element \"%s\" is not installed "
          "(is GST_PLUGIN_PATH set to gst-rosbag's plugin folder?)\n",
          g_get_prgname (), needed[i]);
      ok = FALSE;
    } else {
      gst_object_unref (f);
    }
  }
  return ok;
}

int
main (int argc, char **argv)
{
  App app = { 0, };
  gdouble tolerance_ms = 20.0;
  gboolean header = FALSE, keep_incomplete = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    {"tolerance", 't', 0, G_OPTION_ARG_DOUBLE, &tolerance_ms,
        "Largest distance between a set's members, in ms (default 20)", "MS"},
    {"header-stamps", 'H', 0, G_OPTION_ARG_NONE, &header,
        "Align on header.stamp instead of the bag's record time", NULL},
    {"keep-incomplete", 'k', 0, G_OPTION_ARG_NONE, &keep_incomplete,
          "Emit sets with a member missing (numbers then differ per topic)",
        NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress line", NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *error = NULL;
  gchar **topics, *index, *topic_list;
  GstBus *bus;
  guint i, progress_id, sigint_id;
  guint64 sets = 0, dropped = 0;

  ctx = g_option_context_new ("BAG TOPIC[,TOPIC...] OUTDIR");
  g_option_context_set_summary (ctx,
      "Export the topics of a ROS bag as aligned frames: the first topic "
      "opens a set,\nevery other topic contributes its message of that "
      "instant. Images become\nOUTDIR/NAME_NNNNN.png, other topics "
      "OUTDIR/NAME.csv (one row per set),\nand OUTDIR/index.csv lists the "
      "sets.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    g_option_context_free (ctx);
    return EXIT_USAGE;
  }
  if (argc != 4 || tolerance_ms < 0) {
    gchar *help = g_option_context_get_help (ctx, TRUE, NULL);
    g_printerr ("%s", help);
    g_free (help);
    g_option_context_free (ctx);
    return EXIT_USAGE;
  }
  g_option_context_free (ctx);

  if (!g_file_test (argv[1], G_FILE_TEST_IS_REGULAR)) {
    g_printerr ("%s: %s: no such file\n", g_get_prgname (), argv[1]);
    return EXIT_USAGE;
  }
  if (g_mkdir_with_parents (argv[3], 0755) != 0) {
    g_printerr ("%s: cannot create %s\n", g_get_prgname (), argv[3]);
    return EXIT_USAGE;
  }
  if (!have_elements ())
    return EXIT_MISSING;

  app.quiet = quiet;
  app.outdir = argv[3];
  app.streams = g_ptr_array_new_with_free_func ((GDestroyNotify) stream_free);
  app.loop = g_main_loop_new (NULL, FALSE);
  app.pipeline = gst_pipeline_new ("bag-export");
  app.bagsrc = gst_element_factory_make ("bagsrc", NULL);
  app.align = gst_element_factory_make ("bagalign", NULL);

  topics = g_strsplit (argv[2], ",", -1);
  topic_list = g_strjoinv (",", topics);
  index = g_build_filename (app.outdir, "index.csv", NULL);
  gst_util_set_object_arg (G_OBJECT (app.bagsrc), "timestamp-source",
      header ? "header" : "receive");
  g_object_set (app.bagsrc, "location", argv[1], "topics", topic_list, NULL);
  g_object_set (app.align, "index-location", index,
      "tolerance", (guint64) (tolerance_ms * GST_MSECOND),
      "drop-incomplete", !keep_incomplete, NULL);
  gst_bin_add_many (GST_BIN (app.pipeline), app.bagsrc, app.align, NULL);

  /* all of bagalign's pads before any data flows: sink_i is topic i, so
   * sink_0 (the first topic) is the reference */
  for (i = 0; topics[i]; i++) {
    Stream *s = g_new0 (Stream, 1);
    gchar *padname = g_strdup_printf ("sink_%u", i);

    s->topic = g_strdup (topics[i]);
    s->name = pad_name_for_topic (topics[i]);
    s->sinkpad = gst_element_request_pad_simple (app.align, padname);
    g_free (padname);
    g_ptr_array_add (app.streams, s);
  }
  g_strfreev (topics);
  g_free (topic_list);
  g_free (index);

  g_signal_connect (app.bagsrc, "pad-added", G_CALLBACK (on_pad_added), &app);
  g_signal_connect (app.bagsrc, "no-more-pads", G_CALLBACK (on_no_more_pads),
      &app);

  bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, (GstBusFunc) on_bus_message, &app);
  progress_id = g_timeout_add (250, (GSourceFunc) on_progress, &app);
  sigint_id = g_unix_signal_add (SIGINT, (GSourceFunc) on_sigint, &app);

  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* the reason is on the bus */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg) {
      on_bus_message (bus, msg, &app);
      gst_message_unref (msg);
    } else {
      g_printerr ("%s: the pipeline did not start\n", g_get_prgname ());
    }
    app.exit_code = EXIT_RUN_ERROR;
  } else {
    g_main_loop_run (app.loop);
  }

  g_object_get (app.align, "sets-emitted", &sets, "sets-dropped", &dropped,
      NULL);
  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  if (!quiet)
    g_printerr ("\n");
  if (app.exit_code == 0 || app.exit_code == EXIT_INTERRUPTED)
    g_print ("%" G_GUINT64_FORMAT " sets written to %s (%" G_GUINT64_FORMAT
        " incomplete sets dropped)\n", sets, app.outdir, dropped);

  g_source_remove (progress_id);
  g_source_remove (sigint_id);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  g_ptr_array_unref (app.streams);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  gst_deinit ();

  return app.exit_code;
}
