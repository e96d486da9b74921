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


/* placeholder until the IDL front end lands */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "rosbag-idl.h"
#include "rosbag-prelude.h"

gchar *
gst_rosbag_idl_to_msg (const gchar * idl, gsize len, const gchar * root_type,
    gchar ** root_name_out, GError ** error)
{
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
      "%s: IDL schemas are not decoded yet", root_type);
  return NULL;
}
