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

#ifndef __GST_ROSBAG_IDL_H__
#define __GST_ROSBAG_IDL_H__

/* Not installed: the IDL front end of the message definition parser.
 * It translates the `ros2idl` and `omgidl` MCAP schema encodings into
 * the `ros2msg` delimited text that rosbag-msgdef.c reads. */

#include <gst/rosbag/rosbag-prelude.h>

G_BEGIN_DECLS

/* bounds of the input (the translator is fuzzed) */
#define GST_ROSBAG_IDL_MAX_IDENTIFIER 255
#define GST_ROSBAG_IDL_MAX_DEPTH 64
#define GST_ROSBAG_IDL_MAX_STRUCTS 10000

gchar *gst_rosbag_idl_to_msg (const gchar *idl, gsize len,
    const gchar *root_type, gchar **root_name_out, GError **error);

G_END_DECLS
#endif /* __GST_ROSBAG_IDL_H__ */
