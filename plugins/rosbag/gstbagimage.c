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
 * Image mapping for bagdemux: sensor_msgs/Image -> video/x-raw or
 * video/x-bayer, sensor_msgs/CompressedImage -> image/jpeg or image/png,
 * ROS 1 or ROS 2 (CDR). The fields are read by the library's decoder from
 * the topic's own definition (gst_rosbag_msgdef_read_fields()), every
 * length bounded by the bytes of the message; the pixels are a slice of
 * the message where they can be, a copy where the stride must change or
 * downstream takes only the other byte order of 16-bit samples. See
 * gstbagimage.h for the API contract and docs/images.md for the table.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>

#include "gstbagimage.h"

GST_DEBUG_CATEGORY_STATIC (gst_bag_image_debug);
#define GST_CAT_DEFAULT gst_bag_image_debug

static void
gst_bag_image_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_bag_image_debug, "bagimage", 0,
        "ROS image message mapping");
    g_once_init_leave (&done, 1);
  }
}

/* ---------------------------------------------------------------------- */
/* Encodings */

typedef struct
{
  const gchar *encoding;
  GstVideoFormat format_le;     /* little-endian data (or 8-bit) */
  GstVideoFormat format_be;     /* is_bigendian = 1 */
  const gchar *bayer;           /* video/x-bayer format, else NULL */
} GstBagImageEncoding;

#define F(x) GST_VIDEO_FORMAT_ ## x
static const GstBagImageEncoding encodings[] = {
  {"rgb8", F (RGB), F (RGB), NULL},
  {"bgr8", F (BGR), F (BGR), NULL},
  {"rgba8", F (RGBA), F (RGBA), NULL},
  {"bgra8", F (BGRA), F (BGRA), NULL},
  {"mono8", F (GRAY8), F (GRAY8), NULL},
  {"8UC1", F (GRAY8), F (GRAY8), NULL},
  /* OpenCV channel order */
  {"8UC3", F (BGR), F (BGR), NULL},
  {"8UC4", F (BGRA), F (BGRA), NULL},
  {"mono16", F (GRAY16_LE), F (GRAY16_BE), NULL},
  {"16UC1", F (GRAY16_LE), F (GRAY16_BE), NULL},
  {"rgba16", F (RGBA64_LE), F (RGBA64_BE), NULL},
  {"bgra16", F (BGRA64_LE), F (BGRA64_BE), NULL},
  {"16UC4", F (BGRA64_LE), F (BGRA64_BE), NULL},
  /* ROS 1 yuv422 is UYVY (the ROS 2 name is uyvy) */
  {"yuv422", F (UYVY), F (UYVY), NULL},
  {"uyvy", F (UYVY), F (UYVY), NULL},
  {"yuyv", F (YUY2), F (YUY2), NULL},
  {"yuv422_yuy2", F (YUY2), F (YUY2), NULL},
  {"nv12", F (NV12), F (NV12), NULL},
  {"nv21", F (NV21), F (NV21), NULL},
  {"bayer_rggb8", F (UNKNOWN), F (UNKNOWN), "rggb"},
  {"bayer_bggr8", F (UNKNOWN), F (UNKNOWN), "bggr"},
  {"bayer_gbrg8", F (UNKNOWN), F (UNKNOWN), "gbrg"},
  {"bayer_grbg8", F (UNKNOWN), F (UNKNOWN), "grbg"},
};

#undef F

static const GstBagImageEncoding *
lookup_encoding (const gchar * encoding)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (encodings); i++)
    if (strcmp (encodings[i].encoding, encoding) == 0)
      return &encodings[i];
  /* tolerate writers that change the case ("MONO8", "8uc1") */
  for (i = 0; i < G_N_ELEMENTS (encodings); i++)
    if (g_ascii_strcasecmp (encodings[i].encoding, encoding) == 0)
      return &encodings[i];
  return NULL;
}

gboolean
gst_bag_image_type_is_mapped (const gchar * ros_type)
{
  if (ros_type == NULL)
    return FALSE;
  return g_str_equal (ros_type, "sensor_msgs/Image") ||
      g_str_equal (ros_type, "sensor_msgs/CompressedImage") ||
      g_str_equal (ros_type, "sensor_msgs/msg/Image") ||
      g_str_equal (ros_type, "sensor_msgs/msg/CompressedImage");
}

/* ---------------------------------------------------------------------- */
/* The fields, read by the library's decoder from the message's own
 * definition: ROS 1 or CDR, no byte offset assumed */

typedef enum
{
  F_STAMP, F_HEIGHT, F_WIDTH, F_ENCODING, F_BIGENDIAN, F_STEP, F_DATA,
  F_FORMAT, N_FIELDS
} FieldId;

static const gchar *const image_paths[] = { "header.stamp", "height",
  "width", "encoding", "is_bigendian", "step", "data", NULL
};

static const gchar *const compressed_paths[] = { "header.stamp", "format",
  "data", NULL
};

static gboolean
read_fields (GstRosbagMsgDef * def, GBytes * msg_bytes,
    const gchar * const *paths, GstRosbagFieldValue * v, GError ** error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (msg_bytes, &size);
  GError *err = NULL;
  guint i;

  if (!gst_rosbag_msgdef_read_fields (def, data, size, paths, v, &err)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "%s: %s", gst_rosbag_msgdef_get_type_name (def), err->message);
    g_clear_error (&err);
    return FALSE;
  }
  for (i = 0; paths[i]; i++) {
    /* the stamp is optional; the rest makes the type what it is */
    if (i > 0 && !v[i].found) {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "%s has no field '%s'", gst_rosbag_msgdef_get_type_name (def),
          paths[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static guint64
stamp_ns (const GstRosbagFieldValue * v)
{
  if (!v->found || v->value.secs < 0 || v->value.nsecs < 0)
    return 0;
  return (guint64) v->value.secs * GST_SECOND + (guint64) v->value.nsecs;
}

static gboolean
field_is_uint (const GstRosbagFieldValue * v)
{
  const GstRosbagMsgField *f = v->field;

  return f->array == GST_ROSBAG_ARRAY_NONE &&
      (f->type == GST_ROSBAG_FIELD_UINT32 || f->type == GST_ROSBAG_FIELD_UINT8);
}

static gboolean
field_is_string (const GstRosbagFieldValue * v)
{
  return v->field->array == GST_ROSBAG_ARRAY_NONE &&
      v->field->type == GST_ROSBAG_FIELD_STRING;
}

/* ---------------------------------------------------------------------- */
/* Image */

static GstCaps *
bayer_caps (const gchar * format, guint width, guint height)
{
  return gst_caps_new_simple ("video/x-bayer",
      "format", G_TYPE_STRING, format,
      "width", G_TYPE_INT, (gint) width,
      "height", G_TYPE_INT, (gint) height,
      "framerate", GST_TYPE_FRACTION, 0, 1, NULL);
}

static GstVideoFormat
encoding_video_format (const GstBagImageEncoding * enc, gboolean bigendian)
{
  return bigendian ? enc->format_be : enc->format_le;
}

/* 16-bit formats have an LE/BE pair in the table: every sample of theirs
 * is a 16-bit word, so the other byte order is a swap of each pair */
static gboolean
encoding_has_byte_order (const GstBagImageEncoding * enc)
{
  return enc->bayer == NULL && enc->format_le != enc->format_be;
}

/* The caps an image can go out as, preferred first: @caps (the message's
 * own layout: zero copy), then, for 16-bit formats, @other_info's (the
 * other byte order, a swapped copy) */
static GstCaps *
make_choices (GstCaps * caps, const GstVideoInfo * other_info)
{
  GstCaps *choices = gst_caps_copy (caps);

  if (other_info)
    gst_caps_append (choices, gst_video_info_to_caps (other_info));
  return choices;
}

/* The index in @choices of the first caps @downstream takes, in
 * downstream's order of preference (its answer to the CAPS query, as a
 * base source fixates the first structure of its peer's caps); 0 (the
 * message's own layout) without an answer or when nothing fits */
static guint
pick_choice (GstCaps * choices, GstCaps * downstream)
{
  guint i, j, n;

  if (downstream == NULL || gst_caps_is_any (downstream))
    return 0;
  n = gst_caps_get_size (choices);
  for (i = 0; i < gst_caps_get_size (downstream); i++) {
    const GstStructure *ds = gst_caps_get_structure (downstream, i);

    for (j = 0; j < n; j++)
      if (gst_structure_can_intersect (gst_caps_get_structure (choices, j), ds))
        return j;
  }
  return 0;
}

GstCaps *
gst_bag_image_encoding_to_caps (const gchar * encoding, gboolean is_bigendian,
    guint width, guint height)
{
  const GstBagImageEncoding *enc;
  GstVideoInfo info;

  g_return_val_if_fail (encoding != NULL, NULL);

  enc = lookup_encoding (encoding);
  if (enc == NULL || width == 0 || height == 0 || width > G_MAXINT / 8
      || height > G_MAXINT / 8)
    return NULL;
  if (enc->bayer)
    return bayer_caps (enc->bayer, width, height);
  if (!gst_video_info_set_format (&info,
          encoding_video_format (enc, is_bigendian), width, height))
    return NULL;
  return gst_video_info_to_caps (&info);
}

/* Bytes of one row of @plane (all its components, no padding) */
static guint64
plane_row_bytes (const GstVideoFormatInfo * finfo, guint plane, guint width)
{
  guint64 bytes = 0;
  guint c;

  for (c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo); c++) {
    guint64 b;

    if (GST_VIDEO_FORMAT_INFO_PLANE (finfo, c) != plane)
      continue;
    b = (guint64) GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c) *
        GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, c, width);
    bytes = MAX (bytes, b);
  }
  return bytes;
}

static guint
plane_rows (const GstVideoFormatInfo * finfo, guint plane, guint height)
{
  guint c;

  for (c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo); c++)
    if (GST_VIDEO_FORMAT_INFO_PLANE (finfo, c) == plane)
      return GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, c, height);
  return height;
}

/* As copy_rows, with the bytes of every 16-bit word swapped (@row_bytes
 * is even: rows of 16-bit samples) */
static void
swap_rows (guint8 * dst, gsize dst_stride, const guint8 * src,
    gsize src_stride, gsize row_bytes, guint n_rows)
{
  guint r;
  gsize i;

  for (r = 0; r < n_rows; r++) {
    for (i = 0; i + 1 < row_bytes; i += 2) {
      dst[i] = src[i + 1];
      dst[i + 1] = src[i];
    }
    if (dst_stride > row_bytes)
      memset (dst + row_bytes, 0, dst_stride - row_bytes);
    dst += dst_stride;
    src += src_stride;
  }
}

/* Copies @n_rows rows of @row_bytes from (@src, @src_stride) to (@dst,
 * @dst_stride), zeroing the padding of each destination row. */
static void
copy_rows (guint8 * dst, gsize dst_stride, const guint8 * src,
    gsize src_stride, gsize row_bytes, guint n_rows)
{
  guint r;

  for (r = 0; r < n_rows; r++) {
    memcpy (dst, src, row_bytes);
    if (dst_stride > row_bytes)
      memset (dst + row_bytes, 0, dst_stride - row_bytes);
    dst += dst_stride;
    src += src_stride;
  }
}

static GstBuffer *
buffer_from_slice (GBytes * msg_bytes, gsize offset, gsize len)
{
  GBytes *sub = g_bytes_new_from_bytes (msg_bytes, offset, len);
  GstBuffer *buf = gst_buffer_new_wrapped_bytes (sub);

  g_bytes_unref (sub);
  return buf;
}

/* @caps is always set on success (NULL: no mapping); @choices is set for
 * the 16-bit formats only (the caller copies @caps otherwise) */
static gboolean
map_image (GstRosbagMsgDef * def, GBytes * msg_bytes, gboolean use_video_meta,
    GstCaps * downstream, GstCaps ** caps, GstCaps ** choices,
    GstBuffer ** buffer, guint64 * stamp, GError ** error)
{
  GstRosbagFieldValue v[N_FIELDS];
  guint32 height, width, step, data_len;
  gsize data_off;
  guint8 bigendian;
  gchar *encoding = NULL;
  const GstBagImageEncoding *enc;
  const guint8 *data;
  GstVideoInfo info, other_info;
  const GstVideoFormatInfo *finfo;
  gsize ros_offset[GST_VIDEO_MAX_PLANES] = { 0, };
  guint64 total;
  guint p, n_planes;
  gboolean is_default = TRUE;
  gboolean has_other = FALSE, swap = FALSE;

  if (!read_fields (def, msg_bytes, image_paths, v, error))
    return FALSE;
  if (!field_is_uint (&v[F_HEIGHT]) || !field_is_uint (&v[F_WIDTH]) ||
      !field_is_uint (&v[F_BIGENDIAN]) || !field_is_uint (&v[F_STEP]) ||
      !field_is_string (&v[F_ENCODING]) || v[F_DATA].data == NULL) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "%s: the fields are not those of sensor_msgs/Image",
        gst_rosbag_msgdef_get_type_name (def));
    return FALSE;
  }
  *stamp = stamp_ns (&v[F_STAMP]);
  height = v[F_HEIGHT].value.u;
  width = v[F_WIDTH].value.u;
  bigendian = v[F_BIGENDIAN].value.u;
  step = v[F_STEP].value.u;
  encoding = g_strndup (v[F_ENCODING].value.str, v[F_ENCODING].value.str_len);
  data = v[F_DATA].data;
  data_len = v[F_DATA].size;
  data_off = data - (const guint8 *) g_bytes_get_data (msg_bytes, NULL);

  if (width == 0 || height == 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "sensor_msgs/Image of %ux%u (encoding '%s'): empty image", width,
        height, encoding);
    goto failed;
  }

  enc = lookup_encoding (encoding);
  if (enc == NULL) {
    GST_LOG ("encoding '%s' has no GStreamer mapping", encoding);
    goto unmapped;
  }
  if (width > G_MAXINT / 8 || height > G_MAXINT / 8 || step > G_MAXINT) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "sensor_msgs/Image of %ux%u step %u: dimensions out of range",
        width, height, step);
    goto failed;
  }

  if (enc->bayer) {
    guint gst_stride = GST_ROUND_UP_4 (width);

    if (step < width || (guint64) step * height > data_len)
      goto bad_size;
    *caps = bayer_caps (enc->bayer, width, height);
    if (buffer) {
      if (step == gst_stride) {
        *buffer = buffer_from_slice (msg_bytes, data_off,
            (gsize) step * height);
      } else {
        GstMapInfo map;

        *buffer = gst_buffer_new_allocate (NULL,
            (gsize) gst_stride * height, NULL);
        gst_buffer_map (*buffer, &map, GST_MAP_WRITE);
        /* (the row padding too: never stale memory downstream) */
        memset (map.data, 0, map.size);
        copy_rows (map.data, gst_stride, data, step, width, height);
        gst_buffer_unmap (*buffer, &map);
      }
    }
    g_free (encoding);
    return TRUE;
  }

  if (!gst_video_info_set_format (&info, encoding_video_format (enc,
              bigendian), width, height)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "sensor_msgs/Image of %ux%u (encoding '%s'): size not representable",
        width, height, encoding);
    goto failed;
  }
  finfo = info.finfo;
  n_planes = GST_VIDEO_INFO_N_PLANES (&info);

  /* The ROS layout: every plane has rows of @step bytes, planes follow
   * each other (nv12/nv21: the interleaved chroma plane after the luma) */
  total = 0;
  for (p = 0; p < n_planes; p++) {
    guint64 row_bytes = plane_row_bytes (finfo, p, width);

    if (step < row_bytes)
      goto bad_size;
    ros_offset[p] = total;
    total += (guint64) step *plane_rows (finfo, p, height);
    if (ros_offset[p] != GST_VIDEO_INFO_PLANE_OFFSET (&info, p)
        || (gint) step != GST_VIDEO_INFO_PLANE_STRIDE (&info, p))
      is_default = FALSE;
  }
  if (total > data_len)
    goto bad_size;

  *caps = gst_video_info_to_caps (&info);
  /* 16-bit samples: the other byte order too, same layout, when
   * downstream takes only that one */
  if (encoding_has_byte_order (enc))
    has_other = gst_video_info_set_format (&other_info,
        encoding_video_format (enc, !bigendian), width, height);
  if (has_other && (choices || downstream)) {
    GstCaps *all = make_choices (*caps, &other_info);

    swap = pick_choice (all, downstream) == 1;
    if (choices)
      *choices = all;
    else
      gst_caps_unref (all);
  }
  if (swap) {
    GST_LOG ("'%s' %ux%u: byte order swapped for downstream", encoding,
        width, height);
    gst_caps_unref (*caps);
    *caps = gst_video_info_to_caps (&other_info);
  }

  if (buffer) {
    if (swap) {
      GstMapInfo map;

      /* a new buffer in GStreamer's default layout, as the repack below */
      *buffer = gst_buffer_new_allocate (NULL, other_info.size, NULL);
      gst_buffer_map (*buffer, &map, GST_MAP_WRITE);
      memset (map.data, 0, map.size);
      for (p = 0; p < n_planes; p++)
        swap_rows (map.data + GST_VIDEO_INFO_PLANE_OFFSET (&other_info, p),
            GST_VIDEO_INFO_PLANE_STRIDE (&other_info, p),
            data + ros_offset[p], step, plane_row_bytes (finfo, p, width),
            plane_rows (finfo, p, height));
      gst_buffer_unmap (*buffer, &map);
    } else if (is_default) {
      *buffer = buffer_from_slice (msg_bytes, data_off, total);
    } else if (use_video_meta) {
      gint strides[GST_VIDEO_MAX_PLANES] = { 0, };

      for (p = 0; p < n_planes; p++)
        strides[p] = step;
      *buffer = buffer_from_slice (msg_bytes, data_off, total);
      gst_buffer_add_video_meta_full (*buffer, GST_VIDEO_FRAME_FLAG_NONE,
          GST_VIDEO_INFO_FORMAT (&info), width, height, n_planes, ros_offset,
          strides);
    } else {
      GstMapInfo map;

      *buffer = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_buffer_map (*buffer, &map, GST_MAP_WRITE);
      /* (the row padding too: never stale memory downstream) */
      memset (map.data, 0, map.size);
      for (p = 0; p < n_planes; p++)
        copy_rows (map.data + GST_VIDEO_INFO_PLANE_OFFSET (&info, p),
            GST_VIDEO_INFO_PLANE_STRIDE (&info, p), data + ros_offset[p],
            step, plane_row_bytes (finfo, p, width),
            plane_rows (finfo, p, height));
      gst_buffer_unmap (*buffer, &map);
    }
  }
  g_free (encoding);
  return TRUE;

unmapped:
  g_free (encoding);
  return TRUE;

bad_size:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "sensor_msgs/Image %ux%u encoding '%s': step %u and data of %u bytes "
      "do not hold the image", width, height, encoding, step, data_len);
  goto failed;

failed:
  g_free (encoding);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* CompressedImage */

static const guint8 png_signature[8] =
    { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
is_png (const guint8 * d, gsize len)
{
  return len >= 8 && memcmp (d, png_signature, 8) == 0;
}

static gboolean
is_jpeg (const guint8 * d, gsize len)
{
  return len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
}

static gboolean
png_size (const guint8 * d, gsize len, guint * w, guint * h)
{
  if (len < 24 || memcmp (d + 12, "IHDR", 4) != 0)
    return FALSE;
  *w = GST_READ_UINT32_BE (d + 16);
  *h = GST_READ_UINT32_BE (d + 20);
  return *w > 0 && *h > 0 && *w <= G_MAXINT && *h <= G_MAXINT;
}

/* Walks the JPEG markers up to the first SOFn; bounded by @len */
static gboolean
jpeg_size (const guint8 * d, gsize len, guint * w, guint * h)
{
  gsize i = 2;

  while (i + 4 <= len) {
    guint8 m;
    guint seg;

    if (d[i] != 0xff)
      return FALSE;
    m = d[i + 1];
    if (m == 0xff) {
      i++;
      continue;
    }
    if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      i += 2;
      continue;
    }
    if (m == 0xd9 || m == 0xda)
      return FALSE;
    seg = GST_READ_UINT16_BE (d + i + 2);
    if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
      if (i + 9 > len)
        return FALSE;
      *h = GST_READ_UINT16_BE (d + i + 5);
      *w = GST_READ_UINT16_BE (d + i + 7);
      return *w > 0 && *h > 0;
    }
    if (seg < 2)
      return FALSE;
    i += 2 + seg;
  }
  return FALSE;
}

static GstCaps *
compressed_caps (const gchar * media, const guint8 * d, gsize len)
{
  guint w = 0, h = 0;
  gboolean have_size;
  GstCaps *caps;

  if (g_str_equal (media, "image/png"))
    have_size = png_size (d, len, &w, &h);
  else
    have_size = jpeg_size (d, len, &w, &h);

  caps = gst_caps_new_simple (media, "framerate", GST_TYPE_FRACTION, 0, 1,
      NULL);
  if (have_size)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, (gint) w,
        "height", G_TYPE_INT, (gint) h, NULL);
  return caps;
}

typedef enum
{
  FORMAT_JPEG,
  FORMAT_PNG,
  FORMAT_DEPTH_PNG,
  FORMAT_DEPTH_RVL,
  FORMAT_OTHER
} CompressedFormat;

/* Interprets a CompressedImage format string: "jpeg", "png",
 * "rgb8; jpeg compressed bgr8", "mono8; jpeg compressed " (trailing space),
 * "bgr8; png compressed bgr8", "" (= jpeg), "16UC1; compressedDepth png",
 * "16UC1; compressedDepth" (older: png implied), "...; compressedDepth rvl".
 * @depth_inverse is set when the depth image is 32FC1 (the PNG then holds
 * inverse depth). */
static CompressedFormat
parse_format (const gchar * format, gboolean * depth_inverse)
{
  gchar *lower = g_ascii_strdown (format, -1);
  CompressedFormat ret;

  g_strstrip (lower);
  *depth_inverse = FALSE;
  if (strstr (lower, "compresseddepth")) {
    *depth_inverse = g_str_has_prefix (lower, "32fc1");
    ret = strstr (lower, "rvl") ? FORMAT_DEPTH_RVL : FORMAT_DEPTH_PNG;
  } else if (lower[0] == '\0' || strstr (lower, "jpeg")
      || strstr (lower, "jpg")) {
    ret = FORMAT_JPEG;
  } else if (strstr (lower, "png")) {
    ret = FORMAT_PNG;
  } else {
    ret = FORMAT_OTHER;
  }
  g_free (lower);
  return ret;
}

#define DEPTH_HEADER_SIZE 12

static gboolean
map_compressed (GstRosbagMsgDef * def, GBytes * msg_bytes, GstCaps ** caps,
    GstBuffer ** buffer, guint64 * stamp, GError ** error)
{
  GstRosbagFieldValue v[4];
  gsize data_off;
  guint32 data_len;
  gchar *format;
  const guint8 *data;
  CompressedFormat kind;
  gboolean depth_inverse;
  const gchar *media = NULL;
  gsize payload_off = 0;

  if (!read_fields (def, msg_bytes, compressed_paths, v, error))
    return FALSE;
  if (!field_is_string (&v[1]) || v[2].data == NULL) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "%s: the fields are not those of sensor_msgs/CompressedImage",
        gst_rosbag_msgdef_get_type_name (def));
    return FALSE;
  }
  *stamp = stamp_ns (&v[0]);
  format = g_strndup (v[1].value.str, v[1].value.str_len);
  data = v[2].data;
  data_len = v[2].size;
  data_off = data - (const guint8 *) g_bytes_get_data (msg_bytes, NULL);
  kind = parse_format (format, &depth_inverse);

  if (kind == FORMAT_DEPTH_PNG || kind == FORMAT_DEPTH_RVL) {
    if (kind == FORMAT_DEPTH_PNG && !depth_inverse
        && data_len > DEPTH_HEADER_SIZE
        && is_png (data + DEPTH_HEADER_SIZE, data_len - DEPTH_HEADER_SIZE)) {
      media = "image/png";
      payload_off = DEPTH_HEADER_SIZE;
    } else if (!depth_inverse && is_png (data, data_len)) {
      /* a PNG without the depth header */
      media = "image/png";
    } else {
      GST_LOG ("compressed depth '%s' stays application/x-rosmsg", format);
    }
  } else if (is_jpeg (data, data_len)) {
    media = "image/jpeg";
  } else if (is_png (data, data_len)) {
    media = "image/png";
  } else {
    /* the bytes are neither JPEG nor PNG: whatever the string says, a
     * decoder could not use them */
    GST_LOG ("CompressedImage format '%s' (kind %d): %u bytes neither JPEG "
        "nor PNG, stays application/x-rosmsg", format, kind, data_len);
  }
  if (media && ((kind == FORMAT_JPEG && strcmp (media, "image/jpeg") != 0)
          || (kind == FORMAT_PNG && strcmp (media, "image/png") != 0)))
    GST_DEBUG ("CompressedImage format '%s' but the data is %s", format, media);

  if (media) {
    if (caps)
      *caps = compressed_caps (media, data + payload_off,
          data_len - payload_off);
    if (buffer)
      *buffer = buffer_from_slice (msg_bytes, data_off + payload_off,
          data_len - payload_off);
  }
  g_free (format);
  return TRUE;
}

/* ---------------------------------------------------------------------- */

GstCaps *
gst_bag_image_pick_caps (GstCaps * choices, GstCaps * downstream)
{
  g_return_val_if_fail (GST_IS_CAPS (choices), NULL);
  g_return_val_if_fail (!gst_caps_is_empty (choices), NULL);

  return gst_caps_copy_nth (choices, pick_choice (choices, downstream));
}

gboolean
gst_bag_image_map_full (GstRosbagMsgDef * def, GBytes * msg_bytes,
    gboolean use_video_meta, GstCaps * downstream, GstCaps ** caps,
    GstCaps ** choices, GstBuffer ** buffer, guint64 * header_stamp_ns,
    GError ** error)
{
  guint64 stamp = 0;
  gboolean ret;
  const gchar *ros_type;
  GstCaps *out_caps = NULL, *out_choices = NULL;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (msg_bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  gst_bag_image_init_debug ();

  if (caps)
    *caps = NULL;
  if (choices)
    *choices = NULL;
  if (buffer)
    *buffer = NULL;
  if (header_stamp_ns)
    *header_stamp_ns = 0;

  ros_type = gst_rosbag_msgdef_get_type_name (def);
  if (g_str_has_suffix (ros_type, "/CompressedImage")) {
    ret = map_compressed (def, msg_bytes, &out_caps, buffer, &stamp, error);
  } else if (g_str_has_suffix (ros_type, "/Image")) {
    ret = map_image (def, msg_bytes, use_video_meta, downstream, &out_caps,
        choices ? &out_choices : NULL, buffer, &stamp, error);
  } else {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE,
        "%s is not an image type", ros_type);
    return FALSE;
  }

  if (!ret) {
    gst_clear_caps (&out_caps);
    gst_clear_caps (&out_choices);
    if (buffer)
      gst_clear_buffer (buffer);
    return FALSE;
  }
  /* one layout only (8-bit, bayer, compressed): the caps are the choice */
  if (out_caps && choices && out_choices == NULL)
    out_choices = gst_caps_copy (out_caps);
  if (choices)
    *choices = out_choices;
  if (caps)
    *caps = out_caps;
  else
    gst_clear_caps (&out_caps);
  if (header_stamp_ns)
    *header_stamp_ns = stamp;
  return TRUE;
}

gboolean
gst_bag_image_map (GstRosbagMsgDef * def, GBytes * msg_bytes,
    gboolean use_video_meta, GstCaps ** caps, GstBuffer ** buffer,
    guint64 * header_stamp_ns, GError ** error)
{
  return gst_bag_image_map_full (def, msg_bytes, use_video_meta, NULL, caps,
      NULL, buffer, header_stamp_ns, error);
}

/* @len bytes of @str, non-printable ones escaped, at most 64 */
static gchar *
escaped (const gchar * str, guint32 len)
{
  gchar *raw = g_strndup (str, MIN (len, 64));
  gchar *ret = g_strescape (raw, NULL);

  g_free (raw);
  return ret;
}

gchar *
gst_bag_image_describe (GstRosbagMsgDef * def, GBytes * msg_bytes)
{
  GstRosbagFieldValue v[N_FIELDS];
  const gchar *ros_type;
  gchar *str, *ret;

  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (msg_bytes != NULL, NULL);

  ros_type = gst_rosbag_msgdef_get_type_name (def);
  if (g_str_has_suffix (ros_type, "/CompressedImage")) {
    if (!read_fields (def, msg_bytes, compressed_paths, v, NULL)
        || !field_is_string (&v[1]) || v[2].data == NULL)
      return NULL;
    str = escaped (v[1].value.str, v[1].value.str_len);
    ret = g_strdup_printf ("format '%s', %" G_GSIZE_FORMAT " bytes", str,
        v[2].size);
  } else if (g_str_has_suffix (ros_type, "/Image")) {
    if (!read_fields (def, msg_bytes, image_paths, v, NULL)
        || !field_is_uint (&v[F_HEIGHT]) || !field_is_uint (&v[F_WIDTH])
        || !field_is_string (&v[F_ENCODING]))
      return NULL;
    str = escaped (v[F_ENCODING].value.str, v[F_ENCODING].value.str_len);
    ret = g_strdup_printf ("encoding '%s', %" G_GUINT64_FORMAT "x%"
        G_GUINT64_FORMAT, str, v[F_WIDTH].value.u, v[F_HEIGHT].value.u);
  } else {
    return NULL;
  }
  g_free (str);
  return ret;
}
