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

/* ref_cpp: the C++ reference reader (librosbag-storage-dev). Plays every
 * message of the bag in time order through a rosbag::View and touches
 * every byte: each message is serialized raw into one reused buffer and
 * summed. Prints "messages bytes checksum" for cross-checking. */

#include <cstdio>
#include <cstdint>
#include <vector>
#include <rosbag/bag.h>
#include <rosbag/view.h>

int
main (int argc, char **argv)
{
  if (argc != 2) {
    std::fprintf (stderr, "usage: %s BAG\n", argv[0]);
    return 2;
  }
  try {
    rosbag::Bag bag;
    bag.open (argv[1], rosbag::bagmode::Read);
    rosbag::View view (bag);
    std::vector < uint8_t > buf;
    uint64_t n = 0, bytes = 0, sum = 0;

    for (const rosbag::MessageInstance & m:view) {
      uint32_t size = m.size ();
      if (buf.size () < size)
        buf.resize (size);
      ros::serialization::OStream s (buf.data (), size);
      m.write (s);
      /* touch every byte, 8 at a time */
      const uint8_t *p = buf.data ();
      uint32_t i = 0;
      for (; i + 8 <= size; i += 8) {
        uint64_t v;
        std::memcpy (&v, p + i, 8);
        sum += v;
      }
      for (; i < size; i++)
        sum += p[i];
      n++;
      bytes += size;
    }
    bag.close ();
    std::printf ("%llu %llu %016llx\n", (unsigned long long) n,
        (unsigned long long) bytes, (unsigned long long) sum);
  }
  catch (const std::exception & e) {
    std::fprintf (stderr, "ref_cpp: %s\n", e.what ());
    return 1;
  }
  return 0;
}
