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

/* Replays the committed fuzz inputs (tests/fuzz/corpus/NAME and
 * tests/fuzz/regressions/fuzz_NAME-*) through one libFuzzer harness in the
 * normal build, so the seeds and every past finding stay checked without
 * clang. Linked with one harness (tests/fuzz/fuzz_NAME.c); NAME comes
 * from the program name check-fuzz_replay_NAME. A harness signals a
 * failure by trapping, which fails the test. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>

#define FUZZ_DIR TEST_FILES_DIR "/../fuzz"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static gchar *harness;

static guint
replay_dir (const gchar * dir, const gchar * prefix)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *n;
  guint count = 0;

  if (!d)
    return 0;
  while ((n = g_dir_read_name (d))) {
    gchar *path, *data;
    gsize len;

    if (prefix && !g_str_has_prefix (n, prefix))
      continue;
    path = g_build_filename (dir, n, NULL);
    if (g_file_get_contents (path, &data, &len, NULL)) {
      GST_DEBUG ("replaying %s", path);
      LLVMFuzzerTestOneInput ((const guint8 *) data, len);
      g_free (data);
      count++;
    }
    g_free (path);
  }
  g_dir_close (d);
  return count;
}

GST_START_TEST (test_replay)
{
  gchar *corpus = g_build_filename (FUZZ_DIR, "corpus", harness, NULL);
  gchar *prefix = g_strdup_printf ("fuzz_%s-", harness);
  guint n, r;

  n = replay_dir (corpus, NULL);
  r = replay_dir (FUZZ_DIR "/regressions", prefix);
  g_print ("fuzz_%s: replayed %u corpus inputs and %u regression inputs\n",
      harness, n, r);
  fail_unless (n > 0, "no inputs in %s", corpus);
  g_free (corpus);
  g_free (prefix);
}

GST_END_TEST;

static Suite *
fuzz_replay_suite (void)
{
  Suite *s = suite_create ("fuzz_replay");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_replay);
  return s;
}

int
main (int argc, char **argv)
{
  gchar *base = g_path_get_basename (argv[0]);
  const gchar *p = strstr (base, "fuzz_replay_");
  Suite *s;

  harness = g_strdup (p ? p + strlen ("fuzz_replay_") : "bag");
  g_free (base);
  gst_check_init (&argc, &argv);
  s = fuzz_replay_suite ();
  return gst_check_run_suite (s, "fuzz_replay", __FILE__);
}
