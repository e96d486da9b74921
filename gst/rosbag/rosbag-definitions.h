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

#ifndef __GST_ROSBAG_DEFINITIONS_H__
#define __GST_ROSBAG_DEFINITIONS_H__

#include <glib.h>
#include <gst/rosbag/rosbag-prelude.h>

G_BEGIN_DECLS

/**
 * SECTION:rosbag-definitions
 * @short_description: ROS 2 message definitions where the file has none
 *
 * Humble rosbag2 `.db3` files and MCAP channels without a schema carry no
 * message definition. A #GstRosbagDefinitions finds the `.msg` files of a
 * type and of all its dependencies, first in directories laid out as an
 * installed ROS 2 share tree (`DIR/pkg/msg/Type.msg`), then in a set of
 * common interfaces compiled into the library (std_msgs,
 * builtin_interfaces, geometry_msgs, sensor_msgs, tf2_msgs, nav_msgs,
 * diagnostic_msgs, rosgraph_msgs, rcl_interfaces, foxglove_msgs), and
 * assembles them into the delimited `ros2msg` text rosbag2 writes, ready
 * for gst_rosbag_msgdef_parse_schema().
 *
 * A #GstRosbagDefinitions is immutable once made: it may be used from any
 * thread.
 */

/**
 * GstRosbagDefinitions:
 *
 * An opaque, reference-counted set of places to find `.msg` files in.
 */
typedef struct _GstRosbagDefinitions GstRosbagDefinitions;

/**
 * GST_ROSBAG_DEFINITIONS_MAX_DEPTH:
 *
 * How deep dependencies may nest below the root type.
 */
#define GST_ROSBAG_DEFINITIONS_MAX_DEPTH 64

/**
 * GST_ROSBAG_DEFINITIONS_MAX_FILE_SIZE:
 *
 * The largest `.msg` file read, in bytes.
 */
#define GST_ROSBAG_DEFINITIONS_MAX_FILE_SIZE (1024 * 1024)

/**
 * GST_ROSBAG_DEFINITIONS_MAX_SIZE:
 *
 * The largest complete definition (root and dependencies) assembled, in
 * bytes.
 */
#define GST_ROSBAG_DEFINITIONS_MAX_SIZE (4 * 1024 * 1024)

GST_ROSBAG_API
GstRosbagDefinitions *gst_rosbag_definitions_new (const gchar *search_path);
GST_ROSBAG_API
GstRosbagDefinitions *gst_rosbag_definitions_ref (GstRosbagDefinitions *defs);
GST_ROSBAG_API
void gst_rosbag_definitions_unref (GstRosbagDefinitions *defs);
GST_ROSBAG_API
const gchar *const *gst_rosbag_definitions_get_search_path
    (GstRosbagDefinitions *defs);
GST_ROSBAG_API
gchar *gst_rosbag_definitions_lookup (GstRosbagDefinitions *defs,
    const gchar *type, GError **error);
GST_ROSBAG_API
const gchar *const *gst_rosbag_definitions_list_builtin (void);

G_END_DECLS

#endif /* __GST_ROSBAG_DEFINITIONS_H__ */
