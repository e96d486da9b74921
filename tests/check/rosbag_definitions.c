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

/* GstRosbagDefinitions: the built-in definitions against the schemas the
 * MCAP files carry (same tree, same JSON for every message), a search
 * path that overrides and extends them, and hostile .msg trees. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/rosbag/rosbag.h>

#define SEP "================================================================================\n"

/* pkg/msg/Type -> pkg/Type */
static gchar *
short_name (const gchar * name)
{
  const gchar *m = strstr (name, "/msg/");

  if (!m)
    return g_strdup (name);
  return g_strdup_printf ("%.*s/%s", (gint) (m - name), name, m + 5);
}

static gboolean
is_builtin (const gchar * type)
{
  const gchar *const *b = gst_rosbag_definitions_list_builtin ();
  gchar *s = short_name (type);
  gboolean found = FALSE;
  guint i;

  /* a service event type is its service's */
  if (strstr (s, "/srv/") && g_str_has_suffix (s, "_Event"))
    s[strlen (s) - 6] = '\0';

  for (i = 0; b[i] && !found; i++) {
    gchar *t = short_name (b[i]);

    found = strcmp (s, t) == 0;
    g_free (t);
  }
  g_free (s);
  return found;
}

static void
compare_types (const GstRosbagMsgType * a, const GstRosbagMsgType * b,
    const gchar * where, guint depth)
{
  gchar *an = short_name (a->name), *bn = short_name (b->name);
  guint i;

  fail_unless (depth < 64);
  fail_unless (strcmp (an, bn) == 0, "%s: type %s vs %s", where, an, bn);
  fail_unless_equals_int (a->n_fields, b->n_fields);
  for (i = 0; i < a->n_fields; i++) {
    const GstRosbagMsgField *fa = &a->fields[i], *fb = &b->fields[i];
    gchar *sub = g_strdup_printf ("%s.%s", where, fa->name);

    fail_unless (strcmp (fa->name, fb->name) == 0, "%s: field %s vs %s",
        where, fa->name, fb->name);
    fail_unless (fa->type == fb->type, "%s: type", sub);
    fail_unless (fa->array == fb->array, "%s: array kind", sub);
    fail_unless (fa->array_len == fb->array_len, "%s: array length", sub);
    fail_unless (fa->is_bytes == fb->is_bytes, "%s: bytes", sub);
    fail_unless (fa->string_bound == fb->string_bound, "%s: bound", sub);
    if (fa->default_value && fb->default_value)
      fail_unless (strcmp (fa->default_value, fb->default_value) == 0,
          "%s: default %s vs %s", sub, fa->default_value, fb->default_value);
    fail_unless ((fa->msg == NULL) == (fb->msg == NULL), "%s: msg", sub);
    if (fa->msg)
      compare_types (fa->msg, fb->msg, sub, depth + 1);
    g_free (sub);
  }
  if (a->n_constants && b->n_constants) {
    fail_unless_equals_int (a->n_constants, b->n_constants);
    for (i = 0; i < a->n_constants; i++) {
      fail_unless (strcmp (a->constants[i].name, b->constants[i].name) == 0,
          "%s: constant %s vs %s", where, a->constants[i].name,
          b->constants[i].name);
      fail_unless (a->constants[i].type == b->constants[i].type);
      fail_unless (strcmp (a->constants[i].value, b->constants[i].value) == 0,
          "%s: constant %s: %s vs %s", where, a->constants[i].name,
          a->constants[i].value, b->constants[i].value);
    }
  }
  g_free (an);
  g_free (bn);
}

typedef struct
{
  GstRosbagMsgDef *ours, *theirs;
  guint n;
} TopicDefs;

static guint n_types_compared, n_messages_compared;

static void
check_file (GstRosbagDefinitions * defs, const gchar * path)
{
  GstRosbagRecording *rec;
  GstRosbagReader *reader;
  GstRosbagMessage m;
  GstRosbagReadResult res;
  GHashTable *topics;
  GError *err = NULL;
  guint i, n;

  rec = gst_rosbag_recording_open (path, &err);
  if (!rec) {
    /* some fixtures are broken on purpose */
    g_clear_error (&err);
    return;
  }
  topics = g_hash_table_new (NULL, NULL);
  n = gst_rosbag_recording_get_n_topics (rec);
  for (i = 0; i < n; i++) {
    const GstRosbagTopic *t = gst_rosbag_recording_get_topic (rec, i);
    const gchar *type = gst_rosbag_topic_get_type (t);
    const gchar *enc = gst_rosbag_topic_get_schema_encoding (t);
    const guint8 *schema;
    gsize size;
    gchar *text;
    TopicDefs *td;

    if (!enc || strcmp (enc, "ros2msg") != 0)
      continue;
    if (!is_builtin (type)) {
      g_print ("%s: %s: not built in, skipped\n", path, type);
      continue;
    }
    schema = gst_rosbag_topic_get_definition (t, &size);
    text = gst_rosbag_definitions_lookup (defs, type, &err);
    fail_unless (text != NULL, "%s: %s", type, err ? err->message : "?");
    td = g_new0 (TopicDefs, 1);
    td->ours = gst_rosbag_msgdef_parse_schema (type, "ros2msg", "cdr", text,
        -1, &err);
    fail_unless (td->ours != NULL, "%s: %s", type, err ? err->message : "?");
    td->theirs = gst_rosbag_msgdef_parse_schema (type, "ros2msg", "cdr",
        (const gchar *) schema, size, &err);
    fail_unless (td->theirs != NULL, "%s: %s", type, err ? err->message : "?");
    compare_types (gst_rosbag_msgdef_get_root (td->ours),
        gst_rosbag_msgdef_get_root (td->theirs), type, 0);
    n_types_compared++;
    g_hash_table_insert (topics, (gpointer) t, td);
    g_free (text);
  }

  reader = gst_rosbag_reader_new (rec);
  while ((res = gst_rosbag_reader_next (reader, &m, &err)) !=
      GST_ROSBAG_READ_EOS) {
    TopicDefs *td;
    GString *a, *b;
    gboolean oka, okb;

    if (res == GST_ROSBAG_READ_ERROR) {
      g_clear_error (&err);
      continue;
    }
    td = g_hash_table_lookup (topics, m.topic);
    if (!td || td->n >= 500)
      continue;
    td->n++;
    a = g_string_new (NULL);
    b = g_string_new (NULL);
    oka = gst_rosbag_msgdef_to_json (td->ours, m.data, m.size,
        GST_ROSBAG_MSGDEF_FLAGS_NONE, a, NULL);
    okb = gst_rosbag_msgdef_to_json (td->theirs, m.data, m.size,
        GST_ROSBAG_MSGDEF_FLAGS_NONE, b, NULL);
    fail_unless (oka == okb, "%s: %s: decodes with one schema only", path,
        gst_rosbag_topic_get_name (m.topic));
    fail_unless (strcmp (a->str, b->str) == 0, "%s: %s:\n%s\n%s", path,
        gst_rosbag_topic_get_name (m.topic), a->str, b->str);
    n_messages_compared++;
    g_string_free (a, TRUE);
    g_string_free (b, TRUE);
  }
  gst_rosbag_reader_free (reader);

  {
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init (&it, topics);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
      TopicDefs *td = v;

      gst_rosbag_msgdef_unref (td->ours);
      gst_rosbag_msgdef_unref (td->theirs);
      g_free (td);
    }
  }
  g_hash_table_unref (topics);
  gst_rosbag_recording_unref (rec);
}

static void
check_dir (GstRosbagDefinitions * defs, const gchar * dir, guint depth)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  guint i;

  if (!d || depth > 4) {
    if (d)
      g_dir_close (d);
    g_ptr_array_unref (names);
    return;
  }
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_dir_close (d);
  for (i = 0; i < names->len; i++) {
    const gchar *p = g_ptr_array_index (names, i);

    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      check_dir (defs, p, depth + 1);
    else if (g_str_has_suffix (p, ".mcap"))
      check_file (defs, p);
  }
  g_ptr_array_unref (names);
}

GST_START_TEST (test_builtin_parse)
{
  GstRosbagDefinitions *defs = gst_rosbag_definitions_new (NULL);
  const gchar *const *b = gst_rosbag_definitions_list_builtin ();
  GError *err = NULL;
  guint i;

  fail_unless (g_strv_length ((gchar **) b) > 80);
  for (i = 0; b[i]; i++) {
    gchar *text = gst_rosbag_definitions_lookup (defs, b[i], &err);
    /* a service is parsed as its events, as rosbag2 records them */
    gchar *as = strstr (b[i], "/srv/") ? g_strconcat (b[i], "_Event", NULL)
        : g_strdup (b[i]);
    GstRosbagMsgDef *def;

    fail_unless (text != NULL, "%s: %s", b[i], err ? err->message : "?");
    def = gst_rosbag_msgdef_parse_schema (as, "ros2msg", "cdr", text, -1, &err);
    g_free (as);
    fail_unless (def != NULL, "%s: %s\n%s", b[i], err ? err->message : "?",
        text);
    gst_rosbag_msgdef_unref (def);
    g_free (text);
  }
  /* pkg/Type works too, and the dependencies come depth-first */
  {
    gchar *text = gst_rosbag_definitions_lookup (defs, "sensor_msgs/Imu",
        &err);
    const gchar *h, *t, *q, *v;

    fail_unless (text != NULL);
    h = strstr (text, SEP "MSG: std_msgs/msg/Header\n");
    t = strstr (text, SEP "MSG: builtin_interfaces/msg/Time\n");
    q = strstr (text, SEP "MSG: geometry_msgs/msg/Quaternion\n");
    v = strstr (text, SEP "MSG: geometry_msgs/msg/Vector3\n");
    fail_unless (h && t && q && v && h < t && t < q && q < v, "%s", text);
    fail_unless (g_str_has_prefix (text, "std_msgs/Header header\n"));
    g_free (text);
  }
  gst_rosbag_definitions_unref (defs);
}

GST_END_TEST;

GST_START_TEST (test_files)
{
  GstRosbagDefinitions *defs = gst_rosbag_definitions_new (NULL);
  gchar *real = g_build_filename (TEST_MCAP_DIR, "real", NULL);
  gchar *fixtures = g_build_filename (TEST_FILES_DIR, "mcap", NULL);

  n_types_compared = n_messages_compared = 0;
  check_dir (defs, fixtures, 0);
  fail_unless (n_types_compared >= 5);
  fail_unless (n_messages_compared > 0);
  if (g_file_test (real, G_FILE_TEST_IS_DIR))
    check_dir (defs, real, 0);
  else
    g_print ("%s is absent: the shared MCAP files are skipped\n", real);
  g_print ("%u topic types and %u messages compared\n", n_types_compared,
      n_messages_compared);
  g_free (real);
  g_free (fixtures);
  gst_rosbag_definitions_unref (defs);
}

GST_END_TEST;

static void
put (const gchar * root, const gchar * rel, const gchar * text, gssize len)
{
  gchar *path = g_build_filename (root, rel, NULL);
  gchar *dir = g_path_get_dirname (path);

  fail_unless (g_mkdir_with_parents (dir, 0755) == 0);
  fail_unless (g_file_set_contents (path, text, len, NULL));
  g_free (dir);
  g_free (path);
}

static void
rm_rf (const gchar * path)
{
  GDir *d = g_dir_open (path, 0, NULL);

  if (d) {
    const gchar *name;

    while ((name = g_dir_read_name (d))) {
      gchar *p = g_build_filename (path, name, NULL);

      rm_rf (p);
      g_free (p);
    }
    g_dir_close (d);
  }
  g_remove (path);
}

/* every message of @topic in @path as JSON lines, decoded with @text (or
 * the topic's own definition when NULL) */
static GPtrArray *
event_json (const gchar * path, const gchar * topic, const gchar * text)
{
  GError *err = NULL;
  GstRosbagRecording *rec = gst_rosbag_recording_open (path, &err);
  const GstRosbagTopic *t;
  const gchar *const pats[] = { topic, NULL };
  GstRosbagReader *r;
  GstRosbagMessage m;
  GstRosbagMsgDef *def;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  gsize size;

  fail_unless (rec != NULL, "%s: %s", path, err ? err->message : "?");
  t = gst_rosbag_recording_find_topic (rec, topic);
  fail_unless (t != NULL, "%s: no %s", path, topic);
  if (!text)
    text = (const gchar *) gst_rosbag_topic_get_definition (t, &size);
  def = gst_rosbag_msgdef_parse_schema (gst_rosbag_topic_get_type (t),
      "ros2msg", "cdr", text, -1, &err);
  fail_unless (def != NULL, "%s: %s", path, err ? err->message : "?");
  r = gst_rosbag_reader_new (rec);
  gst_rosbag_reader_set_topics (r, pats);
  while (gst_rosbag_reader_next (r, &m, NULL) == GST_ROSBAG_READ_OK) {
    GString *s = g_string_new (NULL);

    fail_unless (gst_rosbag_msgdef_to_json (def, m.data, m.size,
            GST_ROSBAG_MSGDEF_FLAGS_NONE, s, &err), "%s",
        err ? err->message : "?");
    g_ptr_array_add (out, g_string_free (s, FALSE));
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_msgdef_unref (def);
  gst_rosbag_recording_unref (rec);
  return out;
}

/* rosbag2 service events: the .db3 holds no definition for them; the
 * composed one (AddTwoInts.srv) is the text the MCAP of the same
 * recording carries, and decodes the .db3's events as the MCAP's own
 * schema decodes the MCAP's */
GST_START_TEST (test_service_events)
{
  const gchar *base = TEST_MCAP_DIR "/real/"
      "ros2_rosbag2__rosbag2_cpp__test__rosbag2_cpp__bags__topics_and_services";
  const gchar *topic = "/add_two_ints/_service_event";
  gchar *db3 = g_strconcat (base, ".db3", NULL);
  gchar *mcap = g_strconcat (base, ".mcap", NULL);
  GstRosbagDefinitions *defs = gst_rosbag_definitions_new (NULL);
  GstRosbagRecording *rec;
  GError *err = NULL;
  GPtrArray *ours, *theirs;
  gchar *text;
  gsize size;
  guint i;

  text = gst_rosbag_definitions_lookup (defs,
      "example_interfaces/srv/AddTwoInts_Event", &err);
  fail_unless (text != NULL, "%s", err ? err->message : "?");
  fail_unless_equals_string (text, "int64 a\nint64 b\n---\nint64 sum\n");
  if (!g_file_test (db3, G_FILE_TEST_EXISTS)) {
    g_print ("SKIP: %s is absent\n", db3);
    goto done;
  }
  rec = gst_rosbag_recording_open (mcap, &err);
  fail_unless (rec != NULL);
  {
    const gchar *d = (const gchar *) gst_rosbag_topic_get_definition
        (gst_rosbag_recording_find_topic (rec, topic), &size);

    /* the MCAP's schema, trailing newlines aside */
    fail_unless (g_str_has_prefix (text, d) || g_str_has_prefix (d, text)
        || strncmp (text, d, strlen (text) - 1) == 0, "%s vs %s", text, d);
  }
  gst_rosbag_recording_unref (rec);
  ours = event_json (db3, topic, text);
  theirs = event_json (mcap, topic, NULL);
  fail_unless_equals_int (ours->len, 6);
  fail_unless_equals_int (ours->len, theirs->len);
  for (i = 0; i < ours->len; i++) {
    const gchar *a = g_ptr_array_index (ours, i);
    const gchar *b = g_ptr_array_index (theirs, i);

    GRegex *re = g_regex_new ("\"(stamp|client_gid)\":(\"[^\"]*\"|[0-9]+)",
        0, 0, NULL);
    gchar *ca = g_regex_replace_literal (re, a, -1, 0, "\\1", 0, NULL);
    gchar *cb = g_regex_replace_literal (re, b, -1, 0, "\\1", 0, NULL);

    fail_unless (strstr (a, "\"request\"") && strstr (a, "\"info\""), "%s", a);
    /* the same calls (event types, sequence numbers, values); stamps and
     * gids differ between the two recordings of the test */
    fail_unless_equals_string (ca, cb);
    g_free (ca);
    g_free (cb);
    g_regex_unref (re);
  }
  g_ptr_array_unref (ours);
  g_ptr_array_unref (theirs);
done:
  g_free (text);
  g_free (db3);
  g_free (mcap);
  gst_rosbag_definitions_unref (defs);
}

GST_END_TEST;

GST_START_TEST (test_search_path)
{
  gchar *tmp = g_dir_make_tmp ("rosbag-defs-XXXXXX", NULL);
  gchar *path = g_strdup_printf ("/nonexistent-dir%s%s",
      G_SEARCHPATH_SEPARATOR_S, tmp);
  GstRosbagDefinitions *defs;
  GstRosbagMsgDef *def;
  GError *err = NULL;
  gchar *text;

  fail_unless (tmp != NULL);
  put (tmp, "mypkg/msg/Thing.msg",
      "# a comment\nHeader header\nPart part\nmypkg/Part[] parts\n"
      "std_msgs/String s\nuint8 K=3\n", -1);
  put (tmp, "mypkg/msg/Part.msg", "int32 x\nstring<=5 name\n", -1);
  put (tmp, "std_msgs/msg/String.msg", "string data\nint32 extra", -1);

  defs = gst_rosbag_definitions_new (path);
  fail_unless_equals_int (g_strv_length ((gchar **)
          gst_rosbag_definitions_get_search_path (defs)), 2);
  text = gst_rosbag_definitions_lookup (defs, "mypkg/msg/Thing", &err);
  fail_unless (text != NULL, "%s", err ? err->message : "?");
  fail_unless_equals_string (text,
      "# a comment\nHeader header\nPart part\nmypkg/Part[] parts\n"
      "std_msgs/String s\nuint8 K=3\n"
      SEP "MSG: std_msgs/msg/Header\n"
      "builtin_interfaces/Time stamp\nstring frame_id\n"
      SEP "MSG: builtin_interfaces/msg/Time\n"
      "int32 sec\nuint32 nanosec\n"
      SEP "MSG: mypkg/msg/Part\n"
      "int32 x\nstring<=5 name\n"
      SEP "MSG: std_msgs/msg/String\n" "string data\nint32 extra");
  def = gst_rosbag_msgdef_parse_schema ("mypkg/msg/Thing", "ros2msg", "cdr",
      text, -1, &err);
  fail_unless (def != NULL, "%s", err ? err->message : "?");
  fail_unless_equals_int (gst_rosbag_msgdef_get_root (def)->n_fields, 4);
  fail_unless_equals_int (gst_rosbag_msgdef_get_root (def)->fields[3].msg->
      n_fields, 2);
  gst_rosbag_msgdef_unref (def);
  g_free (text);

  /* the search path wins over the built-in String */
  text = gst_rosbag_definitions_lookup (defs, "std_msgs/String", &err);
  fail_unless_equals_string (text, "string data\nint32 extra");
  g_free (text);
  gst_rosbag_definitions_unref (defs);

  /* without it, the built-in one */
  defs = gst_rosbag_definitions_new ("");
  text = gst_rosbag_definitions_lookup (defs, "std_msgs/msg/String", &err);
  fail_unless_equals_string (text, "string data\n");
  g_free (text);
  text = gst_rosbag_definitions_lookup (defs, "mypkg/msg/Thing", &err);
  fail_unless (text == NULL);
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR,
          GST_ROSBAG_ERROR_UNSUPPORTED));
  fail_unless (strstr (err->message, "mypkg/msg/Thing"), "%s", err->message);
  g_clear_error (&err);
  gst_rosbag_definitions_unref (defs);

  rm_rf (tmp);
  g_free (tmp);
  g_free (path);
}

GST_END_TEST;

static void
expect_error (GstRosbagDefinitions * defs, const gchar * type, gint code,
    const gchar * part)
{
  GError *err = NULL;
  gchar *text = gst_rosbag_definitions_lookup (defs, type, &err);

  fail_unless (text == NULL, "%s: found", type);
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, GST_ROSBAG_ERROR, code), "%s: %s", type,
      err->message);
  if (part)
    fail_unless (strstr (err->message, part), "%s: %s", type, err->message);
  g_clear_error (&err);
}

GST_START_TEST (test_hostile)
{
  gchar *tmp = g_dir_make_tmp ("rosbag-defs-XXXXXX", NULL);
  GstRosbagDefinitions *defs;
  gchar *big;
  guint i;

  put (tmp, "bad/msg/Missing.msg", "int32 a\ngeometry_msgs/Point p\n"
      "Nope n\n", -1);
  put (tmp, "bad/msg/Self.msg", "int32 a\nSelf[] child\n", -1);
  put (tmp, "bad/msg/CycleA.msg", "CycleB b\n", -1);
  put (tmp, "bad/msg/CycleB.msg", "bad/CycleA a\n", -1);
  put (tmp, "bad/msg/Binary.msg", "int32 a\n\377\376\n", -1);
  put (tmp, "bad/msg/Nul.msg", "int32 a\n\0int32 b\n", 16);
  put (tmp, "bad/msg/Delim.msg", "int32 a\n" SEP "MSG: x/y\n", -1);
  put (tmp, "bad/msg/Dir.msg/x", "", -1);
  big = g_strnfill (2 * 1024 * 1024, '#');
  put (tmp, "bad/msg/Huge.msg", big, -1);
  g_free (big);
  /* 10000 types, each the next one's only field */
  for (i = 0; i < 10000; i++) {
    gchar *rel = g_strdup_printf ("chain/msg/C%u.msg", i);
    gchar *text = g_strdup_printf ("C%u next\n", i + 1);

    put (tmp, rel, text, -1);
    g_free (rel);
    g_free (text);
  }
  put (tmp, "chain/msg/C10000.msg", "int32 end\n", -1);

  defs = gst_rosbag_definitions_new (tmp);
  expect_error (defs, "bad/msg/Missing", GST_ROSBAG_ERROR_UNSUPPORTED,
      "bad/msg/Nope");
  expect_error (defs, "bad/Self", GST_ROSBAG_ERROR_CORRUPT, "recursive");
  expect_error (defs, "bad/CycleA", GST_ROSBAG_ERROR_CORRUPT, "recursive");
  expect_error (defs, "bad/Binary", GST_ROSBAG_ERROR_CORRUPT, "UTF-8");
  expect_error (defs, "bad/Nul", GST_ROSBAG_ERROR_CORRUPT, "UTF-8");
  expect_error (defs, "bad/Delim", GST_ROSBAG_ERROR_CORRUPT, NULL);
  expect_error (defs, "bad/Dir", GST_ROSBAG_ERROR_CORRUPT, NULL);
  expect_error (defs, "bad/Huge", GST_ROSBAG_ERROR_CORRUPT, "larger");
  expect_error (defs, "chain/C0", GST_ROSBAG_ERROR_CORRUPT, "deeper");
  expect_error (defs, "../etc/passwd", GST_ROSBAG_ERROR_UNSUPPORTED, NULL);
  expect_error (defs, "bad/msg/../Self", GST_ROSBAG_ERROR_UNSUPPORTED, NULL);
  expect_error (defs, "nopkg", GST_ROSBAG_ERROR_UNSUPPORTED, NULL);
  expect_error (defs, "", GST_ROSBAG_ERROR_UNSUPPORTED, NULL);
  /* a chain within the depth bound is fine */
  {
    GError *err = NULL;
    gchar *text = gst_rosbag_definitions_lookup (defs, "chain/C9950", &err);

    fail_unless (text != NULL, "%s", err ? err->message : "?");
    g_free (text);
  }
  gst_rosbag_definitions_unref (defs);

  rm_rf (tmp);
  g_free (tmp);
}

GST_END_TEST;

static Suite *
rosbag_definitions_suite (void)
{
  Suite *s = suite_create ("rosbag_definitions");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_builtin_parse);
  tcase_add_test (tc, test_files);
  tcase_add_test (tc, test_search_path);
  tcase_add_test (tc, test_service_events);
  tcase_add_test (tc, test_hostile);
  return s;
}

GST_CHECK_MAIN (rosbag_definitions);
