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

#ifndef __GST_BAG_ALIGN_H__
#define __GST_BAG_ALIGN_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_BAG_ALIGN (gst_bag_align_get_type ())
G_DECLARE_FINAL_TYPE (GstBagAlign, gst_bag_align, GST, BAG_ALIGN, GstElement);

#define GST_TYPE_BAG_ALIGN_PAD (gst_bag_align_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstBagAlignPad, gst_bag_align_pad, GST, BAG_ALIGN_PAD,
    GstPad);

#define GST_TYPE_BAG_ALIGN_MODE (gst_bag_align_mode_get_type ())
GType gst_bag_align_mode_get_type (void);

#define GST_TYPE_BAG_ALIGN_POLICY (gst_bag_align_policy_get_type ())
GType gst_bag_align_policy_get_type (void);

#define GST_TYPE_BAG_ALIGN_PAD_POLICY (gst_bag_align_pad_policy_get_type ())
GType gst_bag_align_pad_policy_get_type (void);

/**
 * GstBagAlignPadPolicy:
 * @GST_BAG_ALIGN_PAD_POLICY_DEFAULT: use the element's policy
 * @GST_BAG_ALIGN_PAD_POLICY_NEAREST: nearest buffer within tolerance
 * @GST_BAG_ALIGN_PAD_POLICY_PREVIOUS: latest buffer at or before the set
 */
typedef enum
{
  GST_BAG_ALIGN_PAD_POLICY_DEFAULT = -1,
  GST_BAG_ALIGN_PAD_POLICY_NEAREST = 0,
  GST_BAG_ALIGN_PAD_POLICY_PREVIOUS = 1,
} GstBagAlignPadPolicy;

GST_ELEMENT_REGISTER_DECLARE (bagalign);

G_END_DECLS

#endif /* __GST_BAG_ALIGN_H__ */
