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

#ifndef __GST_ROSBAG_PRELUDE_H__
#define __GST_ROSBAG_PRELUDE_H__

#include <glib.h>

/**
 * GST_ROSBAG_API:
 *
 * Marks a function of the installed API. The library is built with
 * `-fvisibility=hidden`: only these symbols are exported.
 */
#ifndef GST_ROSBAG_API
#if defined(BUILDING_GST_ROSBAG) && defined(__GNUC__)
#define GST_ROSBAG_API __attribute__ ((visibility ("default"))) extern
#else
#define GST_ROSBAG_API extern
#endif
#endif

G_BEGIN_DECLS
/**
 * GST_ROSBAG_ERROR:
 *
 * The error domain of the library.
 */
#define GST_ROSBAG_ERROR (gst_rosbag_error_quark ())
    GST_ROSBAG_API GQuark gst_rosbag_error_quark (void);

/**
 * GstRosbagError:
 * @GST_ROSBAG_ERROR_NOT_A_BAG: neither a ROS 1 bag nor an MCAP file
 * @GST_ROSBAG_ERROR_UNSUPPORTED: a version, encryption or compression we
 *   do not read
 * @GST_ROSBAG_ERROR_TRUNCATED: a record goes past the end of its range
 * @GST_ROSBAG_ERROR_CORRUPT: a length, field, CRC or value is wrong
 * @GST_ROSBAG_ERROR_IO: reading failed
 * @GST_ROSBAG_ERROR_DECOMPRESS: decompression failed or gave another size
 */
typedef enum
{
  GST_ROSBAG_ERROR_NOT_A_BAG,
  GST_ROSBAG_ERROR_UNSUPPORTED,
  GST_ROSBAG_ERROR_TRUNCATED,
  GST_ROSBAG_ERROR_CORRUPT,
  GST_ROSBAG_ERROR_IO,
  GST_ROSBAG_ERROR_DECOMPRESS
} GstRosbagError;

G_END_DECLS
#endif /* __GST_ROSBAG_PRELUDE_H__ */
