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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <stdlib.h>
#include <gst/check/gstcheck.h>
#include "rosbag-test-util.h"

gchar *
script_run (const gchar * script, const gchar * const *args, gboolean * exit_ok)
{
  GPtrArray *argv = g_ptr_array_new ();
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) TEST_PYTHON);
  g_ptr_array_add (argv, (gpointer) script);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT,
      NULL, NULL, &out, &err, &status, &error);
  g_ptr_array_free (argv, TRUE);
  fail_unless (ok, "cannot run %s: %s", script, error ? error->message : "?");
  ok = g_spawn_check_wait_status (status, NULL);
  if (!ok) {
    g_print ("%s failed: %s", script, err);
    g_free (out);
    out = NULL;
  }
  g_free (err);
  if (exit_ok)
    *exit_ok = ok;
  return out;
}

gchar *
ref_run (const gchar * const *args, gboolean * exit_ok)
{
  return script_run (REF_SCRIPT, args, exit_ok);
}

GPtrArray *
split_lines (const gchar * text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  gchar **split = g_strsplit (text ? text : "", "\n", -1), **l;

  for (l = split; *l; l++)
    if (**l)
      g_ptr_array_add (lines, g_strdup (*l));
  g_strfreev (split);
  return lines;
}

void
ref_info_free (RefInfo * info)
{
  guint i;

  for (i = 0; i < info->topics->len; i++) {
    RefTopic *t = g_ptr_array_index (info->topics, i);

    g_free (t->topic);
    g_free (t->type);
    g_free (t->md5sum);
    g_free (t);
  }
  g_ptr_array_free (info->topics, TRUE);
  g_free (info);
}

RefInfo *
ref_info (const gchar * path)
{
  return ref_info_with (path, ref_run);
}

RefInfo *
ref_info_with (const gchar * path, RefRunner run)
{
  /* the bag second: ref_cached keys on it */
  const gchar *args[] = { "info", path, "--tsv", NULL };
  gchar *out = run (args, NULL);
  gchar **lines, **l;
  RefInfo *info;

  fail_unless (out != NULL, "python3-rosbag cannot read %s", path);
  info = g_new0 (RefInfo, 1);
  info->topics = g_ptr_array_new ();
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++) {
    gchar **f = g_strsplit (*l, "\t", -1);
    guint n = g_strv_length (f);

    if (n == 2 && !strcmp (f[0], "indexed"))
      info->indexed = atoi (f[1]) != 0;
    else if (n == 2 && !strcmp (f[0], "start_ns"))
      info->start_ns = g_ascii_strtoull (f[1], NULL, 10);
    else if (n == 2 && !strcmp (f[0], "end_ns"))
      info->end_ns = g_ascii_strtoull (f[1], NULL, 10);
    else if (n == 2 && !strcmp (f[0], "messages"))
      info->messages = g_ascii_strtoull (f[1], NULL, 10);
    else if (n == 2 && !strcmp (f[0], "compressed_bytes"))
      info->compressed_bytes = g_ascii_strtoull (f[1], NULL, 10);
    else if (n == 2 && !strcmp (f[0], "uncompressed_bytes"))
      info->uncompressed_bytes = g_ascii_strtoull (f[1], NULL, 10);
    else if (n == 2 && !strcmp (f[0], "chunks"))
      info->chunks = atoi (f[1]);
    else if (n == 3 && !strcmp (f[0], "compression"))
      info->compression[gst_rosbag_compression_from_string (f[1],
              strlen (f[1]))] += atoi (f[2]);
    else if (n == 6 && !strcmp (f[0], "topic")) {
      RefTopic *t = g_new0 (RefTopic, 1);

      t->topic = g_strdup (f[1]);
      t->type = g_strdup (f[2]);
      t->md5sum = g_strdup (f[3]);
      t->messages = g_ascii_strtoull (f[4], NULL, 10);
      t->connections = atoi (f[5]);
      g_ptr_array_add (info->topics, t);
    } else
      fail_unless (**l == '\0', "unexpected line from rosbag-ref: %s", *l);
    g_strfreev (f);
  }
  g_strfreev (lines);
  g_free (out);
  return info;
}

GPtrArray *
ref_messages (const gchar * path, const gchar * topics, guint64 start_ns,
    guint64 end_ns)
{
  return ref_messages_with (path, topics, start_ns, end_ns, ref_run);
}

GPtrArray *
ref_messages_with (const gchar * path, const gchar * topics,
    guint64 start_ns, guint64 end_ns, RefRunner run)
{
  const gchar *args[10];
  gchar *s = NULL, *e = NULL, *out, **lines, **l;
  GPtrArray *res;
  guint n = 0;

  args[n++] = "messages";
  args[n++] = path;
  if (topics) {
    args[n++] = "--topics";
    args[n++] = topics;
  }
  if (start_ns != G_MAXUINT64) {
    s = g_strdup_printf ("%" G_GUINT64_FORMAT, start_ns);
    args[n++] = "--start-ns";
    args[n++] = s;
  }
  if (end_ns != G_MAXUINT64) {
    e = g_strdup_printf ("%" G_GUINT64_FORMAT, end_ns);
    args[n++] = "--end-ns";
    args[n++] = e;
  }
  args[n] = NULL;
  out = run (args, NULL);
  fail_unless (out != NULL, "python3-rosbag cannot read %s", path);
  res = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l; l++) {
    gchar *tab;
    guint k;

    if (**l == '\0')
      continue;
    /* drop the 5th column (header stamp) */
    for (tab = *l, k = 0; tab && k < 4; k++)
      tab = strchr (tab + (k ? 1 : 0), '\t');
    if (tab == NULL)
      fail ("bad line from rosbag-ref: %s", *l);
    g_ptr_array_add (res, g_strndup (*l, tab - *l));
  }
  g_strfreev (lines);
  g_free (out);
  g_free (s);
  g_free (e);
  return res;
}

gchar *
msg_line (const GstRosbagMessage * msg)
{
  gchar *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA1, msg->data,
      msg->size);
  gchar *l = g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%" G_GSIZE_FORMAT
      "\t%s", gst_rosbag_topic_get_name (msg->topic), msg->time_ns, msg->size,
      sha);

  g_free (sha);
  return l;
}

OurStream *
our_read (GstRosbagReader * reader, guint64 max_calls)
{
  OurStream *s = g_new0 (OurStream, 1);
  guint64 calls = 0;

  s->lines = g_ptr_array_new_with_free_func (g_free);
  s->chunk_pos = g_array_new (FALSE, FALSE, sizeof (guint64));
  s->bounded = TRUE;
  for (;;) {
    GstRosbagMessage msg;
    GError *err = NULL;
    GstRosbagReadResult r;

    if (calls++ >= max_calls) {
      s->bounded = FALSE;
      break;
    }
    r = gst_rosbag_reader_next (reader, &msg, &err);
    /* plain checks in this loop: every passing fail_unless costs a
     * write to check's pipe, and this runs millions of times */
    if (r == GST_ROSBAG_READ_EOS) {
      if (err)
        fail ("EOS with an error: %s", err->message);
      break;
    }
    if (r == GST_ROSBAG_READ_ERROR) {
      if (!err)
        fail ("READ_ERROR without a GError");
      if (err->domain != GST_ROSBAG_ERROR)
        fail ("error of domain %s", g_quark_to_string (err->domain));
      s->errors++;
      g_clear_error (&err);
      continue;
    }
    if (r != GST_ROSBAG_READ_OK || err)
      fail ("bad result %d", r);
    if (msg.topic == NULL)
      fail ("message without a connection");
    if (msg.size && msg.data == NULL)
      fail ("message without data");
    if (msg.chunk && msg.size) {
      gsize clen;
      const guint8 *c = g_bytes_get_data (msg.chunk, &clen);

      if (msg.data < c || msg.data + msg.size > c + clen)
        fail ("message data outside its chunk");
    }
    g_ptr_array_add (s->lines, msg_line (&msg));
    g_array_append_val (s->chunk_pos, msg.chunk_pos);
  }
  return s;
}

void
our_stream_free (OurStream * s)
{
  g_ptr_array_free (s->lines, TRUE);
  g_array_free (s->chunk_pos, TRUE);
  g_free (s);
}

guint64
line_time (const gchar * line)
{
  const gchar *t = strchr (line, '\t');

  return t ? g_ascii_strtoull (t + 1, NULL, 10) : 0;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

void
canon_stream (GPtrArray * lines)
{
  guint i = 0, j;

  while (i < lines->len) {
    guint64 t = line_time (g_ptr_array_index (lines, i));

    for (j = i + 1; j < lines->len
        && line_time (g_ptr_array_index (lines, j)) == t; j++);
    if (j - i > 1)
      qsort (&lines->pdata[i], j - i, sizeof (gpointer), cmp_str);
    i = j;
  }
}

void
assert_time_order (GPtrArray * lines, const gchar * what)
{
  guint i;

  for (i = 1; i < lines->len; i++)
    if (line_time (g_ptr_array_index (lines, i - 1)) >
        line_time (g_ptr_array_index (lines, i)))
      fail ("%s: message %u goes back in time: %s after %s", what, i,
          (gchar *) g_ptr_array_index (lines, i),
          (gchar *) g_ptr_array_index (lines, i - 1));
}

void
assert_same_stream (GPtrArray * ours, GPtrArray * ref, const gchar * what)
{
  guint i;

  assert_time_order (ours, what);
  canon_stream (ours);
  canon_stream (ref);
  for (i = 0; i < MIN (ours->len, ref->len); i++) {
    if (strcmp (g_ptr_array_index (ours, i), g_ptr_array_index (ref, i)))
      fail ("%s: message %u differs:\n ours:   %s\n python: %s", what, i,
          (gchar *) g_ptr_array_index (ours, i),
          (gchar *) g_ptr_array_index (ref, i));
  }
  if (ours->len != ref->len)
    fail ("%s: %u messages, python3-rosbag reads %u", what, ours->len,
        ref->len);
}

guint
assert_contains (GPtrArray * big, GPtrArray * small, gboolean fail,
    const gchar * what)
{
  gchar **b = g_memdup2 (big->pdata, big->len * sizeof (gpointer));
  gchar **s = g_memdup2 (small->pdata, small->len * sizeof (gpointer));
  guint i = 0, j = 0, missing = 0;

  qsort (b, big->len, sizeof (gpointer), cmp_str);
  qsort (s, small->len, sizeof (gpointer), cmp_str);
  while (j < small->len) {
    gint c = i < big->len ? strcmp (b[i], s[j]) : 1;

    if (c == 0) {
      i++;
      j++;
    } else if (c < 0) {
      i++;
    } else {
      if (fail)
        fail ("%s: missing message %s", what, s[j]);
      missing++;
      j++;
    }
  }
  g_free (b);
  g_free (s);
  return missing;
}

GstRosbagBag *
open_mem (GBytes * bytes, const gchar * name, GError ** error)
{
  return gst_rosbag_bag_open_with_func (gst_rosbag_bytes_read,
      g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref,
      g_bytes_get_size (bytes), name, error);
}

GPtrArray *
list_bags (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  GPtrArray *res;
  const gchar *n;

  if (!d)
    return NULL;
  res = g_ptr_array_new_with_free_func (g_free);
  while ((n = g_dir_read_name (d)))
    if (g_str_has_suffix (n, ".bag") || g_str_has_suffix (n, ".bag.active"))
      g_ptr_array_add (res, g_strdup (n));
  g_dir_close (d);
  g_ptr_array_sort (res, cmp_str);
  return res;
}

guint
stride_scale (void)
{
  const gchar *s = g_getenv ("ROSBAG_TEST_STRIDE_SCALE");
  gint v = s ? atoi (s) : 1;

  return v > 0 ? v : 1;
}

/* ------------------------------------------------------------------ */
/* the ROS 2 reference: tests/files/rosmsg2-ref.mjs with node */

/* TRUE when the npm reference can run, else says why not (as
 * tests/check/test_mcap_ref.py does) */
gboolean
ros2_ref_available (void)
{
  gchar *stamp = g_build_filename (TEST_BUILD_DIR, "npm-refs.stamp", NULL);
  gchar *pkg = g_build_filename (TEST_NPM_DIR, "node_modules", "@foxglove",
      "rosmsg2-serialization", "package.json", NULL);
  gchar *text = NULL, *node = g_find_program_in_path ("node");
  gboolean ok = FALSE;

  if (g_file_get_contents (stamp, &text, NULL, NULL)
      && !g_str_equal (g_strstrip (text), "ok"))
    g_print ("SKIP: npm packages: %s (%s; delete it to retry)\n", text, stamp);
  else if (node == NULL)
    g_print ("SKIP: node is not installed\n");
  else if (!g_file_test (pkg, G_FILE_TEST_EXISTS))
    g_print ("SKIP: %s is not installed (ninja tests/check/npm-refs.stamp "
        "installs it)\n", pkg);
  else
    ok = TRUE;
  g_free (text);
  g_free (node);
  g_free (pkg);
  g_free (stamp);
  return ok;
}

/* The value of "@key" (its first occurrence, at any depth) in a line of
 * rosmsg2-ref.mjs json (JSON.stringify: no spaces); a string without its
 * quotes (the image fields hold no escapes), a number as its digits; NULL
 * when absent */
gchar *
ref_json_value (const gchar * line, const gchar * key)
{
  gchar *pat = g_strdup_printf ("\"%s\":", key);
  const gchar *p = strstr (line, pat), *e;

  if (p == NULL) {
    g_free (pat);
    return NULL;
  }
  p += strlen (pat);
  g_free (pat);
  if (*p == '"') {
    p++;
    e = strchr (p, '"');
    fail_unless (e != NULL, "%s: unterminated string", key);
    fail_if (memchr (p, '\\', e - p) != NULL, "%s: escapes in %s", key, line);
    return g_strndup (p, e - p);
  }
  e = p + strspn (p, "-0123456789");
  fail_unless (e > p, "%s is not a number in %s", key, line);
  return g_strndup (p, e - p);
}

guint64
ref_json_uint (const gchar * line, const gchar * key)
{
  gchar *v = ref_json_value (line, key);
  guint64 r;

  fail_unless (v != NULL, "no %s in %s", key, line);
  r = g_ascii_strtoull (v, NULL, 10);
  g_free (v);
  return r;
}

/* Runs rosmsg2-ref.mjs json on @mcap (every topic when @topics is NULL);
 * returns its lines (the last one empty) */
gchar **
ros2_ref_json (const gchar * mcap, const gchar * topics)
{
  gchar *script = g_build_filename (TEST_FILES_DIR, "rosmsg2-ref.mjs", NULL);
  const gchar *argv[] = { "node", script, "--npm", TEST_NPM_DIR, "json",
    mcap, "--topics", topics, NULL
  };
  gchar *out = NULL, *err_out = NULL;
  gint status = 0;
  GError *err = NULL;
  gchar **lines;

  if (topics == NULL)
    argv[6] = NULL;
  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err_out, &status, &err))
    fail ("cannot run node: %s", err->message);
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "rosmsg2-ref.mjs failed: %s", err_out);
  lines = g_strsplit (out, "\n", -1);
  g_free (out);
  g_free (err_out);
  g_free (script);
  return lines;
}
