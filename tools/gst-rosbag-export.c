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

/* gst-rosbag-export: a recording's topics into a dataset directory, as one
 * command (docs/gst-rosbag-export.md).
 *
 * One pipeline per recording, made here in C from the elements:
 *
 *   bagsrc --pad per topic--> [bagalign] --> branch per topic
 *
 * The branch depends on the pad's caps (known at "pad-added": bagsrc puts
 * the stream's events on its pads before adding them) and on the options:
 * images to PNG / JPEG / raw frame files through an appsink that writes
 * each frame under a temporary name and renames it, or to one MP4 per
 * camera; compressed images written as recorded; compressed video remuxed;
 * other topics through rosmsgconvert to CSV or JSON lines. Whatever would
 * lose fidelity (16-bit into JPEG or H.264, a bayer mosaic into a video) is
 * written losslessly instead and said so. Single-file outputs are written
 * as NAME.partial and renamed when complete. At the end: a summary per
 * topic and OUTDIR/manifest.json. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <gst/rosbag/rosbag.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_MISSING 3
#define EXIT_INTERRUPTED 130

/* the names bagdemux gives its tags and reference timestamps */
#define TAG_TOPIC "ros-topic"
#define TAG_TYPE "ros-type"
#define RECEIVE_TIME_CAPS "timestamp/x-ros-receive-time"
#define HEADER_STAMP_CAPS "timestamp/x-ros-header-stamp"

typedef enum
{
  IMAGES_PNG,
  IMAGES_JPEG,
  IMAGES_MP4,
  IMAGES_RAW,
  IMAGES_NONE
} ImagesMode;

typedef enum
{
  DATA_CSV,
  DATA_JSONL,
  DATA_NONE
} DataMode;

typedef enum
{
  OUT_FRAMES,                   /* a file per message, written here */
  OUT_FILE,                     /* one file, written by filesink */
  OUT_SKIP                      /* nothing written: see notes */
} OutKind;

typedef struct
{
  gchar **topics;               /* patterns, NULL: all */
  gboolean start_set, end_set;
  gdouble start, end;           /* seconds: relative, or absolute stamps */
  gboolean header;
  ImagesMode images;
  gboolean debayer;
  gchar *codec;
  gint crf;
  guint bitrate;
  guint keyint;
  guint jpeg_quality;
  guint png_level;
  DataMode data;
  gchar **align;
  guint64 tolerance;
  gchar *mode;
  gint rate_n, rate_d;
  gboolean quiet;
  gdouble progress_interval;    /* s between plain lines (not a terminal) */
  guint jobs;
  gchar *outdir;
} Options;

typedef struct _Job Job;

typedef struct
{
  guint64 index;
  GstClockTime pts;
  guint64 receive_ns, header_ns;
} FrameInfo;

typedef struct
{
  Job *job;
  gchar *topic, *type, *name;   /* name: bagsrc's pad name */
  gchar *caps_str;
  gchar *what;                  /* "png frames", "mp4 h264", "csv" ... */
  OutKind kind;
  gboolean aligned;
  gchar *rel;                   /* under the job's directory */
  gchar *path;                  /* the frames' directory, or the file */
  gchar *partial;               /* OUT_FILE: the file while written */
  const gchar *ext;             /* OUT_FRAMES: ".png" ... */
  gboolean frames_csv_pts;      /* frames.csv's last column: pts, not file */
  gchar *frames_csv, *frames_csv_partial, *frames_rel;
  FILE *frames_fp;
  GPtrArray *notes;
  GstElement *branch;
  GstPad *align_sink;

  GMutex lock;
  GQueue pending;               /* FrameInfo between branch entry and sink */
  guint64 in_msgs, in_bytes;    /* at bagsrc's pad */
  guint64 entered;              /* at the branch */
  guint64 written;              /* frames written / messages into the file */
  guint64 first_ns, last_ns;    /* receive times of what was written */
  gboolean have_first;
  gboolean complete;
} Output;

struct _Job
{
  struct _App *app;
  gchar *input;
  gchar *dir;
  GstElement *pipeline, *src, *align;
  GMutex lock;                  /* outputs (pads come in streaming threads) */
  GPtrArray *outputs;           /* Output */
  GPtrArray *warnings;          /* gchar*, main thread */
  gchar *index_partial, *index; /* --align: bagalign's index CSV */
  gchar *error;
  gboolean started, finished, eos, interrupted;
  gboolean damaged;             /* the recording had damaged data skipped */
  gint64 t0;
  guint64 rec_start;            /* absolute ns of the recording's start */
  guint64 sets;
  guint bus_watch;
};

typedef struct _App
{
  Options *opt;
  GMainLoop *loop;
  GPtrArray *jobs;
  guint next, running;
  gboolean interrupted, aborted;
  gint64 last_line;
} App;

static GstCaps *receive_caps, *header_caps;

/* ---------------------------------------------------------------------- */
/* small helpers */

static gchar *
json_str (const gchar * s)
{
  GString *out = g_string_new ("\"");
  const guchar *p;

  for (p = (const guchar *) (s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (out, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf (out, "\\u%04x", *p);
    else
      g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* @strings (gchar*) as a JSON array */
static void
append_json_strings (GString * s, GPtrArray * strings)
{
  guint i;

  g_string_append_c (s, '[');
  for (i = 0; i < strings->len; i++) {
    gchar *t = json_str (g_ptr_array_index (strings, i));

    g_string_append_printf (s, "%s%s", i ? ", " : "", t);
    g_free (t);
  }
  g_string_append_c (s, ']');
}

/* the caps without what is long (message definitions, schemas) */
static gchar *
caps_summary (GstCaps * caps)
{
  GstStructure *st;
  gchar *ret;

  if (gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return gst_caps_to_string (caps);
  st = gst_structure_copy (gst_caps_get_structure (caps, 0));
  gst_structure_remove_fields (st, "definition", "md5sum", "schema",
      "streamheader", "codec_data", NULL);
  ret = gst_structure_to_string (st);
  gst_structure_free (st);
  return ret;
}

static void
output_note (Output * o, const gchar * fmt, ...)
G_GNUC_PRINTF (2, 3);

     static void output_note (Output * o, const gchar * fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_ptr_array_add (o->notes, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

static void
output_free (Output * o)
{
  g_free (o->topic);
  g_free (o->type);
  g_free (o->name);
  g_free (o->caps_str);
  g_free (o->what);
  g_free (o->rel);
  g_free (o->path);
  g_free (o->partial);
  g_free (o->frames_csv);
  g_free (o->frames_csv_partial);
  g_free (o->frames_rel);
  if (o->frames_fp)
    fclose (o->frames_fp);
  g_ptr_array_unref (o->notes);
  g_queue_clear_full (&o->pending, g_free);
  if (o->align_sink)
    gst_object_unref (o->align_sink);
  g_mutex_clear (&o->lock);
  g_free (o);
}

/* an error from a streaming thread, as an element would post it */
static void
post_write_error (Output * o, const gchar * what, const gchar * path, int err)
{
  GError *e = g_error_new (GST_RESOURCE_ERROR,
      err == ENOSPC ? GST_RESOURCE_ERROR_NO_SPACE_LEFT :
      GST_RESOURCE_ERROR_WRITE, "Could not write %s %s: %s", what, path,
      g_strerror (err));
  GstElement *el = o->branch ? o->branch : o->job->pipeline;

  gst_element_post_message (el, gst_message_new_error (GST_OBJECT (el), e,
          o->topic));
  g_error_free (e);
}

static gboolean
write_file (const gchar * path, const guint8 * data, gsize len, int *err)
{
  FILE *f = fopen (path, "wb");

  if (!f) {
    *err = errno;
    return FALSE;
  }
  if ((len && fwrite (data, 1, len, f) != len) || fflush (f) != 0) {
    *err = errno ? errno : EIO;
    fclose (f);
    g_unlink (path);
    return FALSE;
  }
  if (fclose (f) != 0) {
    *err = errno;
    g_unlink (path);
    return FALSE;
  }
  return TRUE;
}

static void
buffer_stamps (GstBuffer * buf, guint64 * receive_ns, guint64 * header_ns)
{
  GstReferenceTimestampMeta *m;

  *receive_ns = *header_ns = 0;
  m = gst_buffer_get_reference_timestamp_meta (buf, receive_caps);
  if (m)
    *receive_ns = m->timestamp;
  m = gst_buffer_get_reference_timestamp_meta (buf, header_caps);
  if (m)
    *header_ns = m->timestamp;
}

/* ---------------------------------------------------------------------- */
/* what goes through the branches */

static void
count_written (Output * o, guint64 receive_ns)
{
  o->written++;
  if (!o->have_first) {
    o->first_ns = receive_ns;
    o->have_first = TRUE;
  }
  o->last_ns = receive_ns;
}

static gboolean
frames_csv_row (Output * o, const FrameInfo * fi, const gchar * last)
{
  if (!o->frames_fp)
    return TRUE;
  if (fprintf (o->frames_fp, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%"
          G_GUINT64_FORMAT ",%s\n", fi->index, fi->receive_ns, fi->header_ns,
          last) < 0) {
    post_write_error (o, "the frame list", o->frames_csv_partial, errno);
    return FALSE;
  }
  return TRUE;
}

/* every buffer into a branch: counted, and for frame files queued until
 * the encoded frame reaches the sink */
static void
branch_entry_buffer (Output * o, GstBuffer * buf)
{
  FrameInfo fi;

  if (o->kind == OUT_FILE && !o->frames_csv_pts) {
    /* data topics: a count and the first and last receive times, written
     * by this streaming thread alone and read once the pipeline has
     * stopped: no lock, one meta lookup per message */
    GstReferenceTimestampMeta *m =
        gst_buffer_get_reference_timestamp_meta (buf, receive_caps);

    o->entered++;
    count_written (o, m ? m->timestamp : 0);
    return;
  }
  fi.pts = GST_BUFFER_PTS (buf);
  buffer_stamps (buf, &fi.receive_ns, &fi.header_ns);
  g_mutex_lock (&o->lock);
  fi.index = o->entered++;
  if (o->kind == OUT_FRAMES) {
    g_queue_push_tail (&o->pending, g_memdup2 (&fi, sizeof fi));
  } else if (o->kind == OUT_FILE) {
    count_written (o, fi.receive_ns);
    if (o->frames_fp) {
      gchar pts[32];

      g_snprintf (pts, sizeof pts, "%" G_GUINT64_FORMAT,
          GST_CLOCK_TIME_IS_VALID (fi.pts) ? fi.pts : 0);
      frames_csv_row (o, &fi, pts);
    }
  }
  g_mutex_unlock (&o->lock);
}

static GstPadProbeReturn
branch_entry_probe (GstPad * pad, GstPadProbeInfo * info, Output * o)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    branch_entry_buffer (o, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *l = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint i, n = gst_buffer_list_length (l);

    for (i = 0; i < n; i++)
      branch_entry_buffer (o, gst_buffer_list_get (l, i));
  }
  return GST_PAD_PROBE_OK;
}

/* bagsrc's pad: what the recording gave for the topic */
static GstPadProbeReturn
source_probe (GstPad * pad, GstPadProbeInfo * info, Output * o)
{
  guint64 n = 0, bytes = 0;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    n = 1;
    bytes = gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *l = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

    n = gst_buffer_list_length (l);
    bytes = gst_buffer_list_calculate_size (l);
  }
  /* read by the progress line in the main thread */
  __atomic_add_fetch (&o->in_msgs, n, __ATOMIC_RELAXED);
  __atomic_add_fetch (&o->in_bytes, bytes, __ATOMIC_RELAXED);
  return GST_PAD_PROBE_OK;
}

/* OUT_FRAMES: one encoded frame (or recorded image) into its own file */
static GstFlowReturn
on_new_sample (GstAppSink * sink, gpointer user_data)
{
  Output *o = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;
  GstMapInfo map;
  FrameInfo *fi, local;
  gchar *base, *final, *tmp;
  int err = 0;
  GstFlowReturn ret = GST_FLOW_OK;

  if (!sample)
    return GST_FLOW_EOS;
  buf = gst_sample_get_buffer (sample);

  g_mutex_lock (&o->lock);
  /* encoders give one frame per frame in order: the oldest entry with this
   * PTS (entries before it were frames the branch did not give back) */
  while ((fi = g_queue_pop_head (&o->pending))) {
    if (fi->pts == GST_BUFFER_PTS (buf) || !GST_BUFFER_PTS_IS_VALID (buf))
      break;
    g_free (fi);
  }
  if (fi) {
    local = *fi;
    g_free (fi);
  } else {
    memset (&local, 0, sizeof local);
    local.index = o->written;
    buffer_stamps (buf, &local.receive_ns, &local.header_ns);
  }
  g_mutex_unlock (&o->lock);

  base = g_strdup_printf ("frame_%06" G_GUINT64_FORMAT "_%" G_GUINT64_FORMAT
      "%s", local.index, o->job->app->opt->header && local.header_ns ?
      local.header_ns : local.receive_ns, o->ext);
  final = g_build_filename (o->path, base, NULL);
  tmp = g_strconcat (final, ".partial", NULL);
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    err = EIO;
  } else {
    if (write_file (tmp, map.data, map.size, &err) && g_rename (tmp, final))
      err = errno;
    gst_buffer_unmap (buf, &map);
  }
  if (err) {
    post_write_error (o, "the frame", final, err);
    ret = GST_FLOW_ERROR;
  } else {
    g_mutex_lock (&o->lock);
    count_written (o, local.receive_ns);
    if (!frames_csv_row (o, &local, base))
      ret = GST_FLOW_ERROR;
    g_mutex_unlock (&o->lock);
  }
  g_free (base);
  g_free (final);
  g_free (tmp);
  gst_sample_unref (sample);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* choosing the branch */

static gboolean
element_exists (const gchar * name)
{
  GstElementFactory *f = gst_element_factory_find (name);

  if (f)
    gst_object_unref (f);
  return f != NULL;
}

/* the encoder of --images mp4 (after a 4:2:0 I420 caps filter) */
static gchar *
video_encoder (Options * opt, const gchar ** parse)
{
  GString *s = g_string_new (NULL);

  if (g_str_equal (opt->codec, "h264")) {
    g_string_append (s, "x264enc speed-preset=faster");
    if (opt->bitrate)
      g_string_append_printf (s, " pass=cbr bitrate=%u", opt->bitrate);
    else
      g_string_append_printf (s, " pass=qual quantizer=%d", opt->crf);
    if (opt->keyint)
      g_string_append_printf (s, " key-int-max=%u", opt->keyint);
    *parse = "h264parse";
  } else {
    /* h265 (main accepts no other --codec); x265 does not start on a variable rate (0/1): a nominal one for its
     * rate control, the frames keep their own times */
    g_string_append (s, "capssetter caps=\"video/x-raw,framerate=30/1\" ! "
        "x265enc speed-preset=faster");
    if (opt->bitrate)
      g_string_append_printf (s, " bitrate=%u", opt->bitrate);
    else
      g_string_append_printf (s, " option-string=crf=%d", opt->crf);
    if (opt->keyint)
      g_string_append_printf (s, " key-int-max=%u", opt->keyint);
    *parse = "h265parse";
  }
  return g_string_free (s, FALSE);
}

static gboolean
is_16bit (const gchar * format)
{
  return format && (g_str_has_prefix (format, "GRAY16")
      || strstr (format, "64_") != NULL);
}

static gboolean
is_image_type (const gchar * type)
{
  return type && (g_str_has_suffix (type, "/Image")
      || g_str_has_suffix (type, "/CompressedImage"));
}

/* DIR/frames.csv for frame files, NAME.frames.csv next to NAME.mp4 */
static gchar *
frames_csv_rel (Output * o)
{
  const gchar *dot;

  if (o->kind == OUT_FRAMES)
    return g_build_filename (o->rel, "frames.csv", NULL);
  dot = strrchr (o->rel, '.');
  return g_strdup_printf ("%.*s.frames.csv", (int) (dot ? dot - o->rel :
          (int) strlen (o->rel)), o->rel);
}

/* Sets @o's kind, paths, notes and returns the branch's description (after
 * an implicit queue-less ghost sink; a fakesink for nothing to write) */
static gchar *
plan_branch (Job * job, Output * o, GstCaps * caps)
{
  Options *opt = job->app->opt;
  GstStructure *st = gst_caps_get_structure (caps, 0);
  const gchar *media = gst_structure_get_name (st);
  const gchar *format = gst_structure_get_string (st, "format");
  const gchar *base = job->dir;
  gchar *sub = o->aligned ? g_build_filename ("aligned", o->name, NULL) :
      g_strdup (o->name);
  gchar *desc = NULL;
  const gchar *parse = NULL;
  gboolean raw_video = g_str_equal (media, "video/x-raw");
  gboolean bayer = g_str_equal (media, "video/x-bayer");
  ImagesMode images = opt->images;

  o->kind = OUT_FRAMES;
  if (raw_video || bayer || g_str_equal (media, "image/jpeg")
      || g_str_equal (media, "image/png")) {
    if (images == IMAGES_NONE) {
      o->kind = OUT_SKIP;
      o->what = g_strdup ("image, not exported");
      output_note (o, "--images none");
      goto done;
    }
    /* what would lose fidelity is written losslessly instead */
    if (raw_video && is_16bit (format) && (images == IMAGES_JPEG
            || images == IMAGES_MP4)) {
      output_note (o, "%s is 16-bit: PNG frames, not %s", format,
          images == IMAGES_JPEG ? "JPEG" : "H.264");
      images = IMAGES_PNG;
    }
    if ((raw_video || bayer) && images == IMAGES_MP4) {
      gint w = 0, h = 0;

      gst_structure_get_int (st, "width", &w);
      gst_structure_get_int (st, "height", &h);
      if (w < 16 || h < 16) {
        output_note (o, "%dx%d: smaller than an MP4 holds (16x16): PNG "
            "frames", w, h);
        images = IMAGES_PNG;
      }
    }
    if (raw_video && format && strstr (format, "64_") && images == IMAGES_PNG) {
      output_note (o, "%s: PNG has no 16-bit colour in GStreamer's pngenc: "
          "raw frames", format);
      images = IMAGES_RAW;
    }
    if (bayer && !opt->debayer && (images == IMAGES_JPEG
            || images == IMAGES_PNG)) {
      output_note (o, "bayer %s mosaic as recorded (raw frames, rows of "
          "width rounded up to 4 bytes); --debayer for colour", format ?
          format : "");
      images = IMAGES_RAW;
    }
    if (g_str_equal (media, "image/png") && images != IMAGES_RAW) {
      /* recorded PNG (compressedDepth included): kept as recorded */
      if (images == IMAGES_MP4)
        output_note (o, "PNG-compressed topic: frames as recorded, not a "
            "video");
      images = IMAGES_RAW;
    }
    if (g_str_equal (media, "image/jpeg") && images != IMAGES_MP4)
      images = IMAGES_RAW;

    switch (images) {
      case IMAGES_RAW:
        if (g_str_equal (media, "image/jpeg")) {
          o->what = g_strdup ("jpeg frames as recorded");
          o->ext = ".jpg";
        } else if (g_str_equal (media, "image/png")) {
          o->what = g_strdup ("png frames as recorded");
          o->ext = ".png";
        } else {
          o->what = g_strdup_printf ("raw %s%s frames", bayer ? "bayer " : "",
              format ? format : "");
          o->ext = ".raw";
        }
        desc = g_strdup ("appsink name=out sync=false");
        break;
      case IMAGES_PNG:
        o->ext = ".png";
        if (bayer) {
          o->what = g_strdup ("png frames (debayered)");
          desc =
              g_strdup_printf
              ("bayer2rgb ! videoconvert ! video/x-raw,format=RGB "
              "! pngenc compression-level=%u ! appsink name=out sync=false",
              opt->png_level);
        } else if (is_16bit (format)) {
          o->what = g_strdup ("png frames, 16-bit gray");
          desc = g_strdup_printf ("videoconvert ! video/x-raw,format=GRAY16_BE "
              "! pngenc compression-level=%u ! appsink name=out sync=false",
              opt->png_level);
        } else {
          gboolean alpha = format && (strchr (format, 'A') != NULL);

          o->what = g_strdup ("png frames");
          desc = g_strdup_printf ("videoconvert ! video/x-raw,format=%s ! "
              "pngenc compression-level=%u ! appsink name=out sync=false",
              format
              && (g_str_equal (format, "GRAY8") || g_str_equal (format,
                      "RGB") || g_str_equal (format, "RGBA")) ? format :
              alpha ? "RGBA" : "RGB", opt->png_level);
        }
        break;
      case IMAGES_JPEG:
        o->ext = ".jpg";
        o->what = g_strdup ("jpeg frames");
        desc = g_strdup_printf ("%svideoconvert ! jpegenc quality=%u ! "
            "appsink name=out sync=false", bayer ? "bayer2rgb ! " : "",
            opt->jpeg_quality);
        break;
      case IMAGES_MP4:{
        gchar *enc = video_encoder (opt, &parse);
        gint w = 0, h = 0;
        gchar *size = NULL;

        gst_structure_get_int (st, "width", &w);
        gst_structure_get_int (st, "height", &h);
        /* 4:2:0 needs even sizes */
        if ((w & 1) || (h & 1)) {
          output_note (o, "%dx%d scaled to %dx%d (4:2:0 needs even sizes)",
              w, h, w & ~1, h & ~1);
          size = g_strdup_printf (",width=%d,height=%d", MAX (w & ~1, 2),
              MAX (h & ~1, 2));
        }
        o->kind = OUT_FILE;
        o->what = g_strdup_printf ("mp4 %s 4:2:0", opt->codec);
        o->rel = g_strconcat (sub, ".mp4", NULL);
        o->frames_csv_pts = TRUE;
        desc = g_strdup_printf ("%s%svideoconvert ! %svideo/x-raw,format=I420"
            "%s ! %s ! %s ! mp4mux ! filesink name=file sync=false",
            g_str_equal (media, "image/jpeg") ? "jpegdec ! " : "",
            bayer ? "bayer2rgb ! " : "", size ? "videoscale ! " : "",
            size ? size : "", enc, parse);
        if (bayer)
          output_note (o, "bayer mosaic debayered for the video");
        g_free (enc);
        g_free (size);
        break;
      }
      default:
        g_assert_not_reached ();
    }
  } else if (g_str_has_prefix (media, "video/x-h26")
      || g_str_equal (media, "video/x-vp9") || g_str_equal (media,
          "video/x-av1")) {
    gboolean h26x = g_str_has_prefix (media, "video/x-h26");
    const gchar *codec = media + strlen ("video/x-");

    if (images == IMAGES_NONE) {
      o->kind = OUT_SKIP;
      o->what = g_strdup ("video, not exported");
      output_note (o, "--images none");
      goto done;
    }
    o->kind = OUT_FILE;
    o->frames_csv_pts = TRUE;
    if (images == IMAGES_RAW && h26x) {
      o->what = g_strdup_printf ("%s elementary stream as recorded", codec);
      o->rel = g_strdup_printf ("%s.%s", sub, codec);
      desc = g_strdup_printf ("%sparse ! video/x-%s,stream-format=byte-stream"
          ",alignment=au ! filesink name=file sync=false", codec, codec);
    } else {
      o->what = g_strdup_printf ("%s remuxed, not re-encoded", codec);
      o->rel = g_strconcat (sub, h26x ? ".mp4" : ".mkv", NULL);
      desc = g_strdup_printf ("%sparse ! %s ! filesink name=file sync=false",
          codec, h26x ? "mp4mux" : "matroskamux");
    }
  } else if (g_str_equal (media, "application/x-rosmsg")) {
    if (opt->data == DATA_NONE) {
      o->kind = OUT_SKIP;
      o->what = g_strdup ("data, not exported");
      output_note (o, "--data none");
      goto done;
    }
    if (is_image_type (o->type))
      output_note (o, "an image GStreamer has no format for (see "
          "docs/images.md): written as data, its bytes as base64");
    o->kind = OUT_FILE;
    o->what = g_strdup (opt->data == DATA_CSV ? "csv" : "json lines");
    o->rel = g_strconcat (sub, opt->data == DATA_CSV ? ".csv" : ".jsonl", NULL);
    desc = g_strdup_printf ("rosmsgconvert format=%s ! "
        "filesink name=file sync=false", opt->data == DATA_CSV ? "csv" :
        "json");
  } else {
    const gchar *enc = gst_structure_get_string (st, "encoding");

    o->kind = OUT_SKIP;
    o->what = g_strdup ("not exported");
    output_note (o, "%s messages (encoding %s) have no converter", media,
        enc ? enc : "unknown");
  }

done:
  if (o->kind == OUT_FRAMES) {
    o->rel = g_strdup (sub);
    o->path = g_build_filename (base, sub, NULL);
  } else if (o->kind == OUT_FILE) {
    o->path = g_build_filename (base, o->rel, NULL);
    o->partial = g_strconcat (o->path, ".partial", NULL);
  }
  if (o->kind != OUT_SKIP && (o->kind == OUT_FRAMES || o->frames_csv_pts)) {
    o->frames_csv = g_build_filename (base, o->frames_rel =
        frames_csv_rel (o), NULL);
    o->frames_csv_partial = g_strconcat (o->frames_csv, ".partial", NULL);
  }
  g_free (sub);
  return desc ? desc : g_strdup ("fakesink sync=false async=false");
}

/* Opens @o's files and makes its branch; FALSE with @error set */
static gboolean
make_branch (Job * job, Output * o, GstCaps * caps, GError ** error)
{
  gchar *desc = plan_branch (job, o, caps);
  GstElement *el;
  GstPad *sink;
  gchar *dir;

  if (o->aligned) {
    /* bagalign pushes its outputs from one thread: a queue per branch so
     * that the encoders of a set run at once */
    gchar *q = g_strconcat ("queue max-size-buffers=4 max-size-bytes=0 "
        "max-size-time=0 ! ", desc, NULL);

    g_free (desc);
    desc = q;
  }
  GST_INFO ("%s: %s", o->topic, desc);
  o->branch = gst_parse_bin_from_description (desc, TRUE, error);
  g_free (desc);
  if (!o->branch)
    return FALSE;

  dir = o->kind == OUT_FRAMES ? g_strdup (o->path) :
      o->path ? g_path_get_dirname (o->path) : NULL;
  if (dir && g_mkdir_with_parents (dir, 0755) != 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create %s: %s", dir, g_strerror (errno));
    g_free (dir);
    return FALSE;
  }
  g_free (dir);
  if (o->frames_csv_partial) {
    o->frames_fp = fopen (o->frames_csv_partial, "w");
    if (!o->frames_fp || fprintf (o->frames_fp, "frame,receive_ns,header_ns,"
            "%s\n", o->frames_csv_pts ? "pts_ns" : "file") < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot write %s: %s", o->frames_csv_partial, g_strerror (errno));
      return FALSE;
    }
  }
  if ((el = gst_bin_get_by_name (GST_BIN (o->branch), "out"))) {
    GstAppSinkCallbacks cb = { NULL, };

    cb.new_sample = on_new_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (el), &cb, o, NULL);
    g_object_set (el, "async", FALSE, NULL);
    gst_object_unref (el);
  }
  if ((el = gst_bin_get_by_name (GST_BIN (o->branch), "file"))) {
    g_object_set (el, "location", o->partial, "async", FALSE, NULL);
    gst_object_unref (el);
  }
  sink = gst_element_get_static_pad (o->branch, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, (GstPadProbeCallback) branch_entry_probe,
      o, NULL);
  gst_object_unref (sink);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the pipeline */

static gboolean
topic_in (const gchar * topic, gchar ** list, guint * index)
{
  guint i;

  for (i = 0; list && list[i]; i++) {
    const gchar *const one[] = { list[i], NULL };

    if (gst_rosbag_topic_matches (topic, one)) {
      if (index)
        *index = i;
      return TRUE;
    }
  }
  return FALSE;
}

static void
job_fail (Job * job, const gchar * fmt, ...)
G_GNUC_PRINTF (2, 3);

     static void job_finish (Job * job);

     static void job_fail (Job * job, const gchar * fmt, ...)
{
  va_list ap;

  if (job->error == NULL) {
    va_start (ap, fmt);
    job->error = g_strdup_vprintf (fmt, ap);
    va_end (ap);
  }
}

/* a failure in a streaming thread: an error on the bus, like an element's */
static void
post_job_error (Job * job, const gchar * fmt, ...)
G_GNUC_PRINTF (2, 3);

     static void post_job_error (Job * job, const gchar * fmt, ...)
{
  va_list ap;
  gchar *text;
  GError *e;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  e = g_error_new_literal (GST_CORE_ERROR, GST_CORE_ERROR_FAILED, text);
  gst_element_post_message (job->src, gst_message_new_error (GST_OBJECT
          (job->src), e, NULL));
  g_error_free (e);
  g_free (text);
}

static void
on_pad_added (GstElement * src, GstPad * pad, Job * job)
{
  Options *opt = job->app->opt;
  Output *o = g_new0 (Output, 1);
  GstStream *stream = gst_pad_get_stream (pad);
  GstTagList *tags = stream ? gst_stream_get_tags (stream) : NULL;
  GstCaps *caps;
  GError *err = NULL;
  GstPad *sink = NULL;
  guint idx = 0;

  g_mutex_init (&o->lock);
  g_queue_init (&o->pending);
  o->job = job;
  o->notes = g_ptr_array_new_with_free_func (g_free);
  /* bagsrc's pad name for the topic is what the directories are named
   * after */
  o->name = gst_pad_get_name (pad);
  if (!tags || !gst_tag_list_get_string (tags, TAG_TOPIC, &o->topic))
    o->topic = g_strdup (o->name);
  if (tags)
    gst_tag_list_get_string (tags, TAG_TYPE, &o->type);
  if (tags)
    gst_tag_list_unref (tags);
  if (stream)
    gst_object_unref (stream);
  g_mutex_lock (&job->lock);
  g_ptr_array_add (job->outputs, o);
  g_mutex_unlock (&job->lock);

  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  o->caps_str = caps_summary (caps);
  o->aligned = job->align && topic_in (o->topic, opt->align, &idx);
  if (!make_branch (job, o, caps, &err)) {
    post_job_error (job, "%s: %s", o->topic, err ? err->message : "no branch");
    g_clear_error (&err);
    gst_caps_unref (caps);
    gst_clear_object (&o->branch);
    return;
  }
  gst_caps_unref (caps);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, (GstPadProbeCallback) source_probe, o,
      NULL);
  gst_bin_add (GST_BIN (job->pipeline), o->branch);
  gst_element_sync_state_with_parent (o->branch);
  sink = gst_element_get_static_pad (o->branch, "sink");
  if (o->aligned) {
    gchar *name = g_strdup_printf ("sink_%u", idx);
    gchar *srcname = g_strdup_printf ("src_%u", idx);
    GstPad *asrc;

    o->align_sink = gst_element_get_static_pad (job->align, name);
    asrc = gst_element_get_static_pad (job->align, srcname);
    /* a signal (joint states, IMU) is held: its latest message at or
     * before the set's time; images are matched to the nearest */
    if (o->kind == OUT_FILE && g_str_has_suffix (o->rel, ".csv"))
      gst_util_set_object_arg (G_OBJECT (o->align_sink), "policy", "previous");
    if (!asrc || gst_pad_link (asrc, sink) != GST_PAD_LINK_OK
        || gst_pad_link (pad, o->align_sink) != GST_PAD_LINK_OK)
      post_job_error (job, "%s: cannot link to bagalign", o->topic);
    gst_clear_object (&asrc);
    g_free (name);
    g_free (srcname);
  } else if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK) {
    post_job_error (job, "%s: cannot link its branch", o->topic);
  }
  gst_object_unref (sink);
}

/* every topic is out: an aligned topic the recording lacks would stall
 * the sets, so its bagalign pads go */
static void
on_no_more_pads (GstElement * src, Job * job)
{
  Options *opt = job->app->opt;
  guint i, j;

  g_mutex_lock (&job->lock);
  for (i = 0; job->align && opt->align[i]; i++) {
    gboolean found = FALSE;
    gchar *name;
    GstPad *p;

    for (j = 0; j < job->outputs->len; j++) {
      Output *o = g_ptr_array_index (job->outputs, j);
      const gchar *const one[] = { opt->align[i], NULL };

      if (o->aligned && gst_rosbag_topic_matches (o->topic, one))
        found = TRUE;
    }
    if (found)
      continue;
    if (i == 0) {
      post_job_error (job, "the reference topic %s is not in the recording",
          opt->align[0]);
      continue;
    }
    gst_element_post_message (job->src, gst_message_new_application (NULL,
            gst_structure_new ("export-warning", "text", G_TYPE_STRING,
                "an aligned topic is not in the recording: sets without it",
                "topic", G_TYPE_STRING, opt->align[i], NULL)));
    name = g_strdup_printf ("sink_%u", i);
    p = gst_element_get_static_pad (job->align, name);
    if (p) {
      gst_element_release_request_pad (job->align, p);
      gst_object_unref (p);
    }
    g_free (name);
  }
  g_mutex_unlock (&job->lock);
}

static gboolean
parse_stamp_range (Job * job, guint64 * start_ns, guint64 * stop_ns,
    GError ** error)
{
  Options *opt = job->app->opt;
  gboolean abs_start = opt->start_set && opt->start >= 1e9;
  gboolean abs_end = opt->end_set && opt->end >= 1e9;

  *start_ns = 0;
  *stop_ns = G_MAXUINT64;
  if (abs_start || abs_end) {
    /* absolute stamps: the recording's start from the format library */
    GstRosbagRecording *rec = gst_rosbag_recording_open (job->input, error);

    if (!rec)
      return FALSE;
    job->rec_start = gst_rosbag_recording_get_start_time (rec);
    gst_rosbag_recording_unref (rec);
  }
  if (opt->start_set) {
    gdouble ns = abs_start ? opt->start * 1e9 - job->rec_start :
        opt->start * 1e9;

    *start_ns = ns > 0 ? (guint64) ns : 0;
  }
  if (opt->end_set) {
    gdouble ns = abs_end ? opt->end * 1e9 - job->rec_start : opt->end * 1e9;

    *stop_ns = ns > 0 ? (guint64) ns : 0;
  }
  if (*stop_ns <= *start_ns) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--end is not after --start");
    return FALSE;
  }
  return TRUE;
}

static gboolean on_bus (GstBus * bus, GstMessage * msg, Job * job);

static gboolean
job_start (Job * job)
{
  Options *opt = job->app->opt;
  GError *err = NULL;
  guint64 start_ns, stop_ns;
  GstBus *bus;
  gchar *topics;

  job->started = TRUE;
  job->t0 = g_get_monotonic_time ();
  if (g_mkdir_with_parents (job->dir, 0755) != 0) {
    job_fail (job, "cannot create %s: %s", job->dir, g_strerror (errno));
    return FALSE;
  }
  if (!parse_stamp_range (job, &start_ns, &stop_ns, &err)) {
    job_fail (job, "%s", err->message);
    g_clear_error (&err);
    return FALSE;
  }

  job->pipeline = gst_pipeline_new (NULL);
  job->src = gst_element_factory_make ("bagsrc", NULL);
  /* the aligned topics are exported; with --align and no --topics only
   * they */
  if (opt->topics || opt->align) {
    gchar *a = opt->align ? g_strjoinv (",", opt->align) : NULL;
    gchar *t = opt->topics ? g_strjoinv (",", opt->topics) : NULL;

    topics = g_strjoin (",", t ? t : a, t ? a : NULL, NULL);
    g_object_set (job->src, "topics", topics, NULL);
    g_free (topics);
    g_free (a);
    g_free (t);
  }
  g_object_set (job->src, "location", job->input, NULL);
  if (opt->header)
    gst_util_set_object_arg (G_OBJECT (job->src), "timestamp-source", "header");
  if (start_ns)
    g_object_set (job->src, "start-time", start_ns, NULL);
  if (stop_ns != G_MAXUINT64)
    g_object_set (job->src, "stop-time", stop_ns, NULL);
  gst_bin_add (GST_BIN (job->pipeline), job->src);

  if (opt->align) {
    guint i;
    gchar *adir = g_build_filename (job->dir, "aligned", NULL);

    if (g_mkdir_with_parents (adir, 0755) != 0) {
      job_fail (job, "cannot create %s: %s", adir, g_strerror (errno));
      g_free (adir);
      return FALSE;
    }
    job->index = g_build_filename (adir, "index.csv", NULL);
    job->index_partial = g_strconcat (job->index, ".partial", NULL);
    g_free (adir);
    job->align = gst_element_factory_make ("bagalign", NULL);
    g_object_set (job->align, "index-location", job->index_partial,
        "tolerance", opt->tolerance, NULL);
    if (opt->mode)
      gst_util_set_object_arg (G_OBJECT (job->align), "mode", opt->mode);
    if (opt->rate_n > 0)
      g_object_set (job->align, "rate", opt->rate_n, opt->rate_d, NULL);
    gst_bin_add (GST_BIN (job->pipeline), job->align);
    /* all of bagalign's pads before data flows: sink_0, the first topic,
     * is the reference */
    for (i = 0; opt->align[i]; i++) {
      gchar *name = g_strdup_printf ("sink_%u", i);
      GstPad *p = gst_element_request_pad_simple (job->align, name);

      gst_clear_object (&p);
      g_free (name);
    }
  }

  g_signal_connect (job->src, "pad-added", G_CALLBACK (on_pad_added), job);
  g_signal_connect (job->src, "no-more-pads", G_CALLBACK (on_no_more_pads),
      job);
  bus = gst_element_get_bus (job->pipeline);
  job->bus_watch = gst_bus_add_watch (bus, (GstBusFunc) on_bus, job);
  gst_object_unref (bus);
  if (gst_element_set_state (job->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* the reason is on the bus, handled by the watch */
    job_fail (job, "the pipeline did not start");
  }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the end of a job: files renamed, manifest, summary */

static void
rename_done (Job * job, Output * o, gboolean ok)
{
  if (o->frames_fp) {
    if (fclose (o->frames_fp) != 0 && ok) {
      job_fail (job, "Could not write %s: %s", o->frames_csv_partial,
          g_strerror (errno));
      ok = FALSE;
    }
    o->frames_fp = NULL;
    if (ok && g_rename (o->frames_csv_partial, o->frames_csv) != 0)
      job_fail (job, "Could not rename %s: %s", o->frames_csv_partial,
          g_strerror (errno));
  }
  o->complete = ok;
  if (o->kind == OUT_FILE && ok && g_file_test (o->partial, G_FILE_TEST_EXISTS)) {
    if (g_rename (o->partial, o->path) != 0) {
      job_fail (job, "Could not rename %s: %s", o->partial, g_strerror (errno));
      o->complete = FALSE;
    }
  }
}

static gchar *
manifest_text (Job * job)
{
  GString *s = g_string_new ("{\n");
  gchar *t;
  guint i;

  t = json_str (job->input);
  g_string_append_printf (s, "  \"input\": %s,\n", t);
  g_free (t);
  g_string_append_printf (s, "  \"complete\": %s,\n  \"interrupted\": %s,\n"
      "  \"damaged\": %s,\n", !job->error && !job->interrupted ? "true" :
      "false", job->interrupted ? "true" : "false",
      job->damaged ? "true" : "false");
  t = json_str (job->error);
  g_string_append_printf (s, "  \"error\": %s,\n", job->error ? t : "null");
  g_free (t);
  if (job->align) {
    g_string_append_printf (s, "  \"aligned_sets\": %" G_GUINT64_FORMAT ",\n"
        "  \"aligned_index\": \"aligned/index.csv\",\n", job->sets);
  }
  g_string_append (s, "  \"warnings\": ");
  append_json_strings (s, job->warnings);
  g_string_append (s, ",\n  \"topics\": [");
  for (i = 0; i < job->outputs->len; i++) {
    Output *o = g_ptr_array_index (job->outputs, i);
    gchar *topic = json_str (o->topic), *type = json_str (o->type),
        *what = json_str (o->what), *rel = json_str (o->rel),
        *caps = json_str (o->caps_str);

    g_string_append_printf (s, "%s\n    {\"topic\": %s, \"type\": %s, "
        "\"caps\": %s, \"export\": %s, \"aligned\": %s, \"path\": %s, "
        "\"kind\": \"%s\", \"complete\": %s, \"messages\": %"
        G_GUINT64_FORMAT ", \"written\": %" G_GUINT64_FORMAT, i ? "," : "",
        topic, type, caps, what, o->aligned ? "true" : "false",
        o->rel ? rel : "null", o->kind == OUT_FRAMES ? "frames" :
        o->kind == OUT_FILE ? "file" : "none",
        o->complete ? "true" : "false", o->in_msgs, o->written);
    if (o->frames_rel) {
      gchar *fcj = json_str (o->frames_rel);

      g_string_append_printf (s, ", \"frames_csv\": %s", fcj);
      g_free (fcj);
    }
    if (o->have_first)
      g_string_append_printf (s, ", \"first_receive_ns\": %" G_GUINT64_FORMAT
          ", \"last_receive_ns\": %" G_GUINT64_FORMAT, o->first_ns, o->last_ns);
    g_string_append (s, ", \"notes\": ");
    append_json_strings (s, o->notes);
    g_string_append_c (s, '}');
    g_free (topic);
    g_free (type);
    g_free (what);
    g_free (rel);
    g_free (caps);
  }
  g_string_append (s, "\n  ]\n}\n");
  return g_string_free (s, FALSE);
}

static void
print_summary (Job * job)
{
  gdouble secs = (g_get_monotonic_time () - job->t0) / 1e6;
  guint i, j;

  g_print ("%s -> %s: %s in %.1f s\n", job->input, job->dir,
      job->error ? "FAILED" : job->interrupted ? "interrupted" : "done", secs);
  if (job->error)
    g_print ("  error: %s\n", job->error);
  for (i = 0; i < job->outputs->len; i++) {
    Output *o = g_ptr_array_index (job->outputs, i);

    g_print ("  %-28s %8" G_GUINT64_FORMAT " of %8" G_GUINT64_FORMAT
        " %s%s%s%s\n", o->topic, o->written, o->in_msgs, o->what,
        o->rel ? " -> " : "", o->rel ? o->rel : "",
        o->kind != OUT_SKIP && !o->complete ? " (INCOMPLETE)" : "");
    if (o->kind != OUT_SKIP && o->written < o->in_msgs)
      g_print ("  %-28s %8" G_GUINT64_FORMAT " %s\n", "",
          o->in_msgs - o->written, job->error || job->interrupted ?
          "not written (stopped)" : o->aligned ? "in no aligned set" :
          "not written (see the warnings)");
    for (j = 0; j < o->notes->len; j++)
      g_print ("  %-28s note: %s\n", "", (gchar *) g_ptr_array_index (o->notes,
              j));
  }
  if (job->align)
    g_print ("  %" G_GUINT64_FORMAT " aligned sets -> aligned/index.csv\n",
        job->sets);
  for (i = 0; i < job->warnings->len; i++)
    g_print ("  warning: %s\n", (gchar *) g_ptr_array_index (job->warnings, i));
}

static void start_jobs (App * app);

static void
job_finish (Job * job)
{
  App *app = job->app;
  GError *err = NULL;
  gboolean ok;
  gchar *text, *path;
  guint i;

  if (job->finished)
    return;
  job->finished = TRUE;
  if (job->pipeline) {
    if (job->align)
      g_object_get (job->align, "sets-emitted", &job->sets, NULL);
    gst_element_set_state (job->pipeline, GST_STATE_NULL);
    if (job->bus_watch)
      g_source_remove (job->bus_watch);
    job->bus_watch = 0;
  }
  /* after EOS every file is whole: also when interrupted (EOS was sent) */
  ok = job->error == NULL && job->eos;
  for (i = 0; i < job->outputs->len; i++)
    rename_done (job, g_ptr_array_index (job->outputs, i), ok);
  if (ok && job->index_partial && g_rename (job->index_partial, job->index))
    job_fail (job, "Could not rename %s: %s", job->index_partial,
        g_strerror (errno));

  text = manifest_text (job);
  path = g_build_filename (job->dir, "manifest.json", NULL);
  if (!g_file_set_contents (path, text, -1, &err)) {
    job_fail (job, "Could not write the manifest: %s", err->message);
    g_clear_error (&err);
  }
  g_free (path);
  g_free (text);
  if (!app->opt->quiet && isatty (2))
    g_printerr ("\r\033[K");
  print_summary (job);
  if (job->error)
    g_printerr ("%s: %s: %s\n", g_get_prgname (), job->input, job->error);
  else if (job->damaged)
    g_printerr ("%s: %s: damaged data skipped (see the warnings); the rest "
        "is written\n", g_get_prgname (), job->input);
  app->running--;
  start_jobs (app);
}

/* an element's error, named by the topic whose branch it is in */
static void
job_fail_from (Job * job, GstObject * src, const gchar * text)
{
  guint i;

  g_mutex_lock (&job->lock);
  for (i = 0; i < job->outputs->len; i++) {
    Output *o = g_ptr_array_index (job->outputs, i);

    if (o->branch && (src == GST_OBJECT (o->branch)
            || gst_object_has_as_ancestor (src, GST_OBJECT (o->branch)))) {
      job_fail (job, "%s (%s): %s", o->topic, o->partial ? o->partial :
          o->path ? o->path : o->what, text);
      break;
    }
  }
  g_mutex_unlock (&job->lock);
  job_fail (job, "%s", text);
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, Job * job)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      job_fail_from (job, msg->src, err->message);
      GST_WARNING ("error from %s: %s (%s)", GST_OBJECT_NAME (msg->src),
          err->message, GST_STR_NULL (dbg));
      g_clear_error (&err);
      g_free (dbg);
      job->bus_watch = 0;
      job_finish (job);
      return G_SOURCE_REMOVE;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_ptr_array_add (job->warnings, g_strdup (err->message));
      /* bagdemux's "Skipped damaged data ..." */
      if (strstr (err->message, "amaged"))
        job->damaged = TRUE;
      g_clear_error (&err);
      break;
    }
    case GST_MESSAGE_APPLICATION:{
      const GstStructure *st = gst_message_get_structure (msg);

      if (gst_structure_has_name (st, "export-warning"))
        g_ptr_array_add (job->warnings, g_strdup_printf ("%s: %s",
                gst_structure_get_string (st, "topic"),
                gst_structure_get_string (st, "text")));
      break;
    }
    case GST_MESSAGE_EOS:
      job->eos = TRUE;
      job->bus_watch = 0;
      job_finish (job);
      return G_SOURCE_REMOVE;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static void
start_jobs (App * app)
{
  while (!app->interrupted && app->running < app->opt->jobs
      && app->next < app->jobs->len) {
    Job *job = g_ptr_array_index (app->jobs, app->next++);

    app->running++;
    if (!job_start (job) || job->error)
      job_finish (job);
  }
  if (app->running == 0)
    g_main_loop_quit (app->loop);
}

/* ---------------------------------------------------------------------- */
/* progress */

static gboolean
on_progress (App * app)
{
  gboolean tty = isatty (2);
  gint64 now = g_get_monotonic_time ();
  GString *line;
  guint i, j;

  if (app->opt->quiet)
    return G_SOURCE_CONTINUE;
  if (!tty && now - app->last_line <
      (gint64) (app->opt->progress_interval * G_USEC_PER_SEC))
    return G_SOURCE_CONTINUE;
  app->last_line = now;
  line = g_string_new (NULL);
  for (i = 0; i < app->jobs->len; i++) {
    Job *job = g_ptr_array_index (app->jobs, i);
    gint64 pos = -1, dur = -1;
    guint64 msgs = 0, bytes = 0;
    gdouble secs, frac = 0;
    gchar *base;

    if (!job->started || job->finished || !job->pipeline)
      continue;
    for (j = 0; j < job->outputs->len; j++) {
      Output *o = g_ptr_array_index (job->outputs, j);

      msgs += __atomic_load_n (&o->in_msgs, __ATOMIC_RELAXED);
      bytes += __atomic_load_n (&o->in_bytes, __ATOMIC_RELAXED);
    }
    secs = MAX ((now - job->t0) / 1e6, 1e-3);
    if (gst_element_query_position (job->pipeline, GST_FORMAT_TIME, &pos)
        && gst_element_query_duration (job->pipeline, GST_FORMAT_TIME, &dur)
        && dur > 0 && pos >= 0)
      frac = CLAMP ((gdouble) pos / dur, 0.0, 1.0);
    base = g_path_get_basename (job->input);
    if (tty && app->opt->jobs == 1 && app->jobs->len == 1) {
      gint k, filled = (gint) (frac * 30);

      g_string_append_printf (line, "%s [", base);
      for (k = 0; k < 30; k++)
        g_string_append_c (line, k < filled ? '#' : '.');
      g_string_append_c (line, ']');
    } else {
      g_string_append_printf (line, "%s%s", line->len ? " | " : "", base);
    }
    g_string_append_printf (line, " %3.0f%% %.1f MB/s %.0f msg/s", frac * 100,
        bytes / secs / 1e6, msgs / secs);
    if (frac > 0.01)
      g_string_append_printf (line, " ETA %.0f s", secs * (1 - frac) / frac);
    g_free (base);
  }
  if (line->len) {
    if (tty)
      g_printerr ("\r\033[K%s", line->str);
    else
      g_printerr ("%s\n", line->str);
  }
  g_string_free (line, TRUE);
  return G_SOURCE_CONTINUE;
}

/* EOS into every branch (into bagalign for the aligned ones): a pulling
 * demuxer does not take an EOS from upstream; its pushes then return EOS
 * and it stops */
static void
job_send_eos (Job * job)
{
  guint i;

  g_mutex_lock (&job->lock);
  for (i = 0; i < job->outputs->len; i++) {
    Output *o = g_ptr_array_index (job->outputs, i);
    GstPad *sink = o->align_sink ? gst_object_ref (o->align_sink) :
        o->branch ? gst_element_get_static_pad (o->branch, "sink") : NULL;

    if (sink) {
      gst_pad_send_event (sink, gst_event_new_eos ());
      gst_object_unref (sink);
    }
  }
  g_mutex_unlock (&job->lock);
}

/* Ctrl-C: EOS into every running pipeline (MP4s are finalised, files
 * renamed); jobs not started stay so; a second one stops at once */
static gboolean
on_sigint (App * app)
{
  guint i;

  if (app->interrupted) {
    app->aborted = TRUE;
    g_main_loop_quit (app->loop);
    return G_SOURCE_CONTINUE;
  }
  app->interrupted = TRUE;
  g_printerr ("\n%s: interrupted: finishing the files (Ctrl-C again to stop "
      "at once)\n", g_get_prgname ());
  for (i = 0; i < app->jobs->len; i++) {
    Job *job = g_ptr_array_index (app->jobs, i);

    if (job->started && !job->finished && job->pipeline) {
      job->interrupted = TRUE;
      job_send_eos (job);
    }
  }
  if (app->running == 0)
    g_main_loop_quit (app->loop);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* options */

static gboolean
parse_images (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *opt = data;
  const gchar *modes[] = { "png", "jpeg", "mp4", "raw", "none", NULL };
  guint i;

  for (i = 0; modes[i]; i++)
    if (g_str_equal (value, modes[i])) {
      opt->images = i;
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "--images %s: one of png, jpeg, mp4, raw, none", value);
  return FALSE;
}

static gboolean
parse_data (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *opt = data;

  if (g_str_equal (value, "csv"))
    opt->data = DATA_CSV;
  else if (g_str_equal (value, "jsonl") || g_str_equal (value, "json"))
    opt->data = DATA_JSONL;
  else if (g_str_equal (value, "none"))
    opt->data = DATA_NONE;
  else {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--data %s: one of csv, jsonl, none", value);
    return FALSE;
  }
  return TRUE;
}

/* seconds, or with a unit: 20ms, 1.5s, 300us, 100ns */
static gboolean
parse_duration_ns (const gchar * value, guint64 * out)
{
  gchar *end = NULL;
  gdouble v = g_ascii_strtod (value, &end);
  gdouble scale = 1e9;

  if (end == value || v < 0)
    return FALSE;
  if (g_str_equal (end, "ms"))
    scale = 1e6;
  else if (g_str_equal (end, "us"))
    scale = 1e3;
  else if (g_str_equal (end, "ns"))
    scale = 1;
  else if (*end && !g_str_equal (end, "s"))
    return FALSE;
  *out = (guint64) (v * scale + 0.5);
  return TRUE;
}

static gboolean
parse_seconds (const gchar * value, gdouble * out)
{
  gchar *end = NULL;

  *out = g_ascii_strtod (value, &end);
  return end != value && *end == '\0' && *out >= 0;
}

/* one subdirectory per recording when there are several */
static gchar *
job_dir (const gchar * outdir, const gchar * input, GHashTable * used)
{
  gchar *base = g_path_get_basename (input);
  gchar *dot = strrchr (base, '.');
  gchar *name;
  guint n = 2;

  if (dot && dot != base && !g_file_test (input, G_FILE_TEST_IS_DIR))
    *dot = '\0';
  name = g_strdup (base);
  while (g_hash_table_contains (used, name)) {
    g_free (name);
    name = g_strdup_printf ("%s_%u", base, n++);
  }
  g_hash_table_add (used, name);
  g_free (base);
  return g_build_filename (outdir, name, NULL);
}

/* the plugin next to this program when it runs from the build tree */
static void
find_plugin (const gchar * argv0)
{
  gchar *exe, *dir, *path;

  if (element_exists ("bagsrc"))
    return;
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (!exe)
    exe = g_strdup (argv0);
  dir = g_path_get_dirname (exe);
  path = g_build_filename (dir, "..", "plugins", "rosbag", NULL);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    gst_registry_scan_path (gst_registry_get (), path);
  g_free (exe);
  g_free (dir);
  g_free (path);
}

static gboolean
have_elements (Options * opt)
{
  GPtrArray *need = g_ptr_array_new ();
  gboolean ok = TRUE;
  guint i;

  g_ptr_array_add (need, "bagsrc");
  g_ptr_array_add (need, "rosmsgconvert");
  if (opt->align)
    g_ptr_array_add (need, "bagalign");
  if (opt->images == IMAGES_PNG || opt->images == IMAGES_JPEG
      || opt->images == IMAGES_MP4) {
    g_ptr_array_add (need, "videoconvert");
    g_ptr_array_add (need, "pngenc");
  }
  if (opt->images == IMAGES_JPEG)
    g_ptr_array_add (need, "jpegenc");
  if (opt->images == IMAGES_MP4) {
    g_ptr_array_add (need, g_str_equal (opt->codec, "h265") ? "x265enc" :
        "x264enc");
    g_ptr_array_add (need, "mp4mux");
  }
  for (i = 0; i < need->len; i++) {
    const gchar *name = g_ptr_array_index (need, i);

    if (!element_exists (name)) {
      g_printerr ("%s: the GStreamer element \"%s\" is not installed%s\n",
          g_get_prgname (), name, g_str_has_prefix (name, "bag")
          || g_str_equal (name, "rosmsgconvert") ? " (is GST_PLUGIN_PATH set "
          "to gst-rosbag's plugin folder?)" : "");
      ok = FALSE;
    }
  }
  g_ptr_array_unref (need);
  return ok;
}

int
main (int argc, char **argv)
{
  Options opt = { 0, };
  App app = { 0, };
  gchar *topics = NULL, *start = NULL, *end = NULL, *stamp = NULL,
      *align = NULL, *tolerance = NULL, *rate = NULL;
  gint jobs = 1;
  GOptionEntry entries[] = {
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opt.outdir,
        "Output directory (created)", "OUTDIR"},
    {"topics", 't', 0, G_OPTION_ARG_STRING, &topics,
          "Topics to export: names or globs, comma-separated (default: all)",
        "LIST"},
    {"start", 0, 0, G_OPTION_ARG_STRING, &start,
        "From here: seconds from the recording's start, or an absolute "
          "stamp in seconds (1e9 and more)", "S"},
    {"end", 0, 0, G_OPTION_ARG_STRING, &end,
        "Up to here: as --start", "S"},
    {"stamp", 0, 0, G_OPTION_ARG_STRING, &stamp,
          "Times from the receive time (default) or header.stamp",
        "receive|header"},
    {"images", 0, 0, G_OPTION_ARG_CALLBACK, parse_images,
        "Image topics as png (default; 16-bit stays 16-bit), jpeg, mp4 "
          "(one per camera), raw or none", "MODE"},
    {"debayer", 0, 0, G_OPTION_ARG_NONE, &opt.debayer,
        "Bayer images in colour (default: the mosaic as gray PNG)", NULL},
    {"codec", 0, 0, G_OPTION_ARG_STRING, &opt.codec,
        "--images mp4: h264 (default) or h265", "CODEC"},
    {"crf", 0, 0, G_OPTION_ARG_INT, &opt.crf,
        "--images mp4: constant quality 0-50 (default 21)", "N"},
    {"bitrate", 0, 0, G_OPTION_ARG_INT, &opt.bitrate,
        "--images mp4: constant bitrate in kbit/s instead of --crf", "KBPS"},
    {"keyint", 0, 0, G_OPTION_ARG_INT, &opt.keyint,
        "--images mp4: largest distance between key frames", "FRAMES"},
    {"jpeg-quality", 0, 0, G_OPTION_ARG_INT, &opt.jpeg_quality,
        "--images jpeg: quality 0-100 (default 90)", "Q"},
    {"png-level", 0, 0, G_OPTION_ARG_INT, &opt.png_level,
        "--images png: zlib compression level 0-9 (default 6, pngenc's; 1 "
          "is several times faster, files about a third bigger)", "N"},
    {"data", 0, 0, G_OPTION_ARG_CALLBACK, parse_data,
        "Other topics as csv (default), jsonl or none", "FORMAT"},
    {"align", 'a', 0, G_OPTION_ARG_STRING, &align,
        "Aligned sets: the reference topic first, then the others, "
          "comma-separated (bagalign)", "REF,TOPIC,..."},
    {"tolerance", 0, 0, G_OPTION_ARG_STRING, &tolerance,
        "--align: largest distance to the set's time (default 20ms)", "T"},
    {"mode", 0, 0, G_OPTION_ARG_STRING, &opt.mode,
        "--align: reference (default), approximate or exact", "MODE"},
    {"rate", 0, 0, G_OPTION_ARG_STRING, &rate,
        "--align: one set per tick of this rate (Hz, or N/D)", "HZ"},
    {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
        "Export this many recordings at once (default 1)", "N"},
    {"progress-interval", 0, 0, G_OPTION_ARG_DOUBLE, &opt.progress_interval,
        "Seconds between progress lines when stderr is not a terminal "
          "(default 10)", "S"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet,
        "No progress", NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GOptionGroup *group;
  GError *error = NULL;
  GHashTable *used;
  guint sigint_id, progress_id;
  gint exit_code = 0, i;

  opt.codec = NULL;
  opt.crf = 21;
  opt.jpeg_quality = 90;
  opt.png_level = 6;
  opt.progress_interval = 10;
  opt.tolerance = 20 * GST_MSECOND;
  ctx = g_option_context_new ("INPUT... -o OUTDIR");
  g_option_context_set_summary (ctx,
      "Export ROS 1 bags, MCAP files and rosbag2 directories into a dataset "
      "directory:\nimages as PNG/JPEG frames or one MP4 per camera, other "
      "topics as CSV or JSON\nlines, optionally aligned to a reference "
      "topic; a summary and OUTDIR/manifest.json\nat the end. See "
      "docs/gst-rosbag-export.md.");
  group = g_option_group_new (NULL, NULL, NULL, &opt, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (ctx, group);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    goto usage_error;
  if (argc < 2 || !opt.outdir) {
    gchar *help = g_option_context_get_help (ctx, TRUE, NULL);

    g_printerr ("%s", help);
    g_free (help);
    g_option_context_free (ctx);
    return EXIT_USAGE;
  }
  if (!opt.codec)
    opt.codec = g_strdup ("h264");
  if (topics)
    opt.topics = gst_rosbag_topic_patterns_parse (topics);
  if (align) {
    opt.align = g_strsplit (align, ",", -1);
    if (!opt.align[0] || !opt.align[1]) {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--align needs a reference topic and at least one other");
      goto usage_error;
    }
  }
  if (start && !(opt.start_set = parse_seconds (start, &opt.start))) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--start %s: seconds", start);
    goto usage_error;
  }
  if (end && !(opt.end_set = parse_seconds (end, &opt.end))) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--end %s: seconds", end);
    goto usage_error;
  }
  if (stamp && !g_str_equal (stamp, "receive") && !g_str_equal (stamp,
          "header")) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--stamp %s: receive or header", stamp);
    goto usage_error;
  }
  opt.header = stamp && g_str_equal (stamp, "header");
  if (tolerance && !parse_duration_ns (tolerance, &opt.tolerance)) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--tolerance %s: a duration (0.02, 20ms)", tolerance);
    goto usage_error;
  }
  if (rate) {
    gchar *slash = strchr (rate, '/');
    gdouble hz = g_ascii_strtod (rate, NULL);

    if (slash) {
      opt.rate_n = atoi (rate);
      opt.rate_d = atoi (slash + 1);
    } else {
      gst_util_double_to_fraction (hz, &opt.rate_n, &opt.rate_d);
    }
    if (opt.rate_n <= 0 || opt.rate_d <= 0) {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--rate %s: a positive rate", rate);
      goto usage_error;
    }
  }
  if (opt.mode && !g_str_equal (opt.mode, "reference")
      && !g_str_equal (opt.mode, "approximate")
      && !g_str_equal (opt.mode, "exact")) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--mode %s: reference, approximate or exact", opt.mode);
    goto usage_error;
  }
  if ((opt.mode || rate || tolerance) && !opt.align) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--mode, --rate and --tolerance go with --align");
    goto usage_error;
  }
  if (opt.crf < 0 || opt.crf > 50 || opt.jpeg_quality > 100 || jobs < 1
      || opt.png_level > 9 || opt.progress_interval < 0) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--crf 0-50, --jpeg-quality 0-100, --png-level 0-9, --jobs 1 or "
        "more");
    goto usage_error;
  }
  if (!g_str_equal (opt.codec, "h264") && !g_str_equal (opt.codec, "h265")) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--codec %s: h264 or h265", opt.codec);
    goto usage_error;
  }
  opt.jobs = jobs;
  g_option_context_free (ctx);
  ctx = NULL;

  find_plugin (argv[0]);
  if (!have_elements (&opt))
    return EXIT_MISSING;
  for (i = 1; i < argc; i++) {
    if (!g_file_test (argv[i], G_FILE_TEST_EXISTS)) {
      g_printerr ("%s: %s: no such file or directory\n", g_get_prgname (),
          argv[i]);
      return EXIT_USAGE;
    }
  }
  if (g_mkdir_with_parents (opt.outdir, 0755) != 0) {
    g_printerr ("%s: cannot create %s: %s\n", g_get_prgname (), opt.outdir,
        g_strerror (errno));
    return EXIT_FAILED;
  }
  receive_caps = gst_caps_from_string (RECEIVE_TIME_CAPS);
  header_caps = gst_caps_from_string (HEADER_STAMP_CAPS);

  app.opt = &opt;
  app.loop = g_main_loop_new (NULL, FALSE);
  app.jobs = g_ptr_array_new ();
  used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 1; i < argc; i++) {
    Job *job = g_new0 (Job, 1);

    job->app = &app;
    job->input = g_strdup (argv[i]);
    job->dir = argc == 2 ? g_strdup (opt.outdir) :
        job_dir (opt.outdir, argv[i], used);
    job->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify)
        output_free);
    job->warnings = g_ptr_array_new_with_free_func (g_free);
    g_mutex_init (&job->lock);
    g_ptr_array_add (app.jobs, job);
  }
  g_hash_table_unref (used);

  sigint_id = g_unix_signal_add (SIGINT, (GSourceFunc) on_sigint, &app);
  progress_id = g_timeout_add (500, (GSourceFunc) on_progress, &app);
  start_jobs (&app);
  if (app.running > 0)
    g_main_loop_run (app.loop);

  /* a job stopped by a failure that quit the loop early (a branch that
   * could not be made), or a second Ctrl-C */
  for (i = 0; i < (gint) app.jobs->len; i++) {
    Job *job = g_ptr_array_index (app.jobs, i);

    if (job->started && !job->finished) {
      job_fail (job, app.aborted ? "stopped at once (second Ctrl-C)" :
          "stopped");
      job_finish (job);
    }
  }

  for (i = 0; i < (gint) app.jobs->len; i++) {
    Job *job = g_ptr_array_index (app.jobs, i);

    if (!job->started) {
      g_print ("%s: not started\n", job->input);
      exit_code = exit_code ? exit_code : EXIT_INTERRUPTED;
    } else if (job->error || job->damaged) {
      exit_code = EXIT_FAILED;
    } else if (job->interrupted && exit_code == 0) {
      exit_code = EXIT_INTERRUPTED;
    }
  }
  if (app.interrupted && exit_code == 0)
    exit_code = EXIT_INTERRUPTED;

  g_source_remove (sigint_id);
  g_source_remove (progress_id);
  for (i = 0; i < (gint) app.jobs->len; i++) {
    Job *job = g_ptr_array_index (app.jobs, i);

    gst_clear_object (&job->pipeline);
    g_ptr_array_unref (job->outputs);
    g_ptr_array_unref (job->warnings);
    g_free (job->input);
    g_free (job->dir);
    g_free (job->error);
    g_free (job->index);
    g_free (job->index_partial);
    g_mutex_clear (&job->lock);
    g_free (job);
  }
  g_ptr_array_unref (app.jobs);
  g_main_loop_unref (app.loop);
  gst_caps_unref (receive_caps);
  gst_caps_unref (header_caps);
  g_strfreev (opt.topics);
  g_strfreev (opt.align);
  g_free (opt.outdir);
  g_free (opt.codec);
  g_free (opt.mode);
  g_free (topics);
  g_free (start);
  g_free (end);
  g_free (stamp);
  g_free (align);
  g_free (tolerance);
  g_free (rate);
  gst_deinit ();
  /* the summary must have been written too */
  if (fflush (stdout) != 0 || ferror (stdout)) {
    g_printerr ("%s: cannot write the summary: %s\n", g_get_prgname (),
        g_strerror (errno ? errno : EIO));
    if (exit_code == 0)
      exit_code = 1;
  }
  return exit_code;

usage_error:
  g_printerr ("%s: %s\n", g_get_prgname (), error->message);
  g_clear_error (&error);
  if (ctx)
    g_option_context_free (ctx);
  return EXIT_USAGE;
}
