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

/* rosmsgconvert: messages read from bags (our library reader) pushed
 * through the element with GstHarness, the text compared with genpy
 * (tests/files/rosmsg-ref.py); error paths; and bagsrc ! rosmsgconvert
 * pipelines (the documented recipes) when bagsrc is in the plugin. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/rosbag/rosbag.h>
#include <gst/rosbag/rosbag-private.h>

#define REF TEST_FILES_DIR "/rosmsg-ref.py"
#define TYPES_BAG TEST_FILES_DIR "/rosmsg-types.bag"
#define SAMPLE_BAG TEST_FILES_DIR "/sample.bag"
#define RECEIVE_CAPS "timestamp/x-ros-receive-time"

static gint
run_ref (const gchar * const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  gchar *out = NULL, *err = NULL;
  gint status = 0, code = -1;
  GError *error = NULL;
  gboolean ok;

  g_ptr_array_add (argv, (gpointer) TEST_PYTHON);
  g_ptr_array_add (argv, (gpointer) REF);
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
  ok = g_spawn_sync (NULL, (gchar **) argv->pdata, NULL, G_SPAWN_DEFAULT,
      NULL, NULL, &out, &err, &status, &error);
  g_ptr_array_free (argv, TRUE);
  fail_unless (ok, "cannot run %s: %s", REF, error ? error->message : "?");
  if (WIFEXITED (status))
    code = WEXITSTATUS (status);
  g_print ("rosmsg-ref.py %s", out);
  if (code != 0)
    g_print ("exit %d: %s", code, err);
  g_free (out);
  g_free (err);
  return code;
}

static gchar *
tmp_path (const gchar * name)
{
  return g_build_filename (TEST_BUILD_DIR, name, NULL);
}

static GstCaps *
caps_for (const GstRosbagConnection * conn, gboolean with_topic)
{
  GstCaps *caps = gst_caps_new_simple ("application/x-rosmsg",
      "type", G_TYPE_STRING, conn->type,
      "md5sum", G_TYPE_STRING, conn->md5sum,
      "definition", G_TYPE_STRING, conn->definition, NULL);

  if (with_topic)
    gst_caps_set_simple (caps, "topic", G_TYPE_STRING,
        conn->topic_info->name, NULL);
  return caps;
}

/* a caps event; gst_event_new_caps() does not take the caps */
static GstEvent *
caps_event (GstCaps * caps)
{
  GstEvent *e = gst_event_new_caps (caps);

  gst_caps_unref (caps);
  return e;
}

static GstBuffer *
buffer_for (const GstRosbagMessage * m, guint64 start_ns, gboolean meta)
{
  GstBuffer *buf = m->size ? gst_buffer_new_memdup (m->data, m->size) :
      gst_buffer_new ();

  GST_BUFFER_PTS (buf) = m->time_ns - start_ns;
  if (meta) {
    GstCaps *rc = gst_caps_new_empty_simple (RECEIVE_CAPS);

    gst_buffer_add_reference_timestamp_meta (buf, rc, m->time_ns,
        GST_CLOCK_TIME_NONE);
    gst_caps_unref (rc);
  }
  return buf;
}

static void
drain (GstHarness * h, GString * out)
{
  GstBuffer *b;

  while ((b = gst_harness_try_pull (h))) {
    GstMapInfo map;

    fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
    g_string_append_len (out, (const gchar *) map.data, map.size);
    gst_buffer_unmap (b, &map);
    gst_buffer_unref (b);
  }
}

/* Pushes every message of @topic through a new rosmsgconvert harness
 * configured by @props ("format=csv ..."); returns the text. */
static gchar *
convert_topic (const gchar * bag_path, const gchar * topic,
    const gchar * props, guint * n_msgs)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (bag_path, &err);
  GstRosbagReader *r;
  GstRosbagMessage m;
  GstHarness *h;
  GString *out = g_string_new (NULL);
  const gchar *topics[] = { topic, NULL };
  const gchar *last_def = NULL;
  gchar *desc;

  fail_unless (bag != NULL, "%s", err ? err->message : "");
  desc = g_strdup_printf ("rosmsgconvert %s", props ? props : "");
  h = gst_harness_new_parse (desc);
  g_free (desc);
  r = gst_rosbag_reader_new_for_bag (bag);
  gst_rosbag_reader_set_topics (r, topics);
  *n_msgs = 0;
  while (gst_rosbag_reader_next (r, &m, &err) == GST_ROSBAG_READ_OK) {
    if (last_def == NULL
        || strcmp (last_def, gst_rosbag_reader_lookup_connection (r,
                &m)->definition) != 0) {
      if (last_def == NULL)
        gst_harness_set_src_caps (h,
            caps_for (gst_rosbag_reader_lookup_connection (r, &m), TRUE));
      else
        fail_unless (gst_harness_push_event (h,
                caps_event (caps_for (gst_rosbag_reader_lookup_connection (r,
                            &m), TRUE))));
      last_def = gst_rosbag_reader_lookup_connection (r, &m)->definition;
    }
    fail_unless_equals_int (gst_harness_push (h, buffer_for (&m,
                gst_rosbag_bag_get_start_time (bag), TRUE)), GST_FLOW_OK);
    drain (h, out);
    (*n_msgs)++;
  }
  g_clear_error (&err);
  if (last_def)
    fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  drain (h, out);
  gst_harness_teardown (h);
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  return g_string_free (out, FALSE);
}

static void
check_topic_vs_genpy_full (const gchar * bag, const gchar * topic,
    gboolean csv, gboolean secs_nsecs, gboolean bytes_len)
{
  gchar *props = g_strdup_printf ("format=%s time-format=%s byte-arrays=%s",
      csv ? "csv" : "json", secs_nsecs ? "secs-nsecs" : "ns",
      bytes_len ? "length" : "base64");
  guint n;
  gchar *text = convert_topic (bag, topic, props, &n);
  gchar *path = tmp_path (csv ? "rosmsgconvert.csv" : "rosmsgconvert.jsonl");
  const gchar *tf = secs_nsecs ? "secs-nsecs" : "ns";
  const gchar *ba = bytes_len ? "length" : "base64";
  const gchar *jargs[] = { "compare", bag, path, "--topics", topic,
    "--time-format", tf, "--byte-arrays", ba, NULL
  };
  const gchar *cargs[] = { "compare-csv", bag, topic, path,
    "--time-format", tf, "--byte-arrays", ba, NULL
  };

  fail_unless (n > 0, "no messages on %s", topic);
  fail_unless (g_file_set_contents (path, text, -1, NULL));
  fail_unless_equals_int (run_ref (csv ? cargs : jargs), 0);
  g_unlink (path);
  g_free (path);
  g_free (text);
  g_free (props);
}

static void
check_topic_vs_genpy (const gchar * bag, const gchar * topic,
    gboolean csv, gboolean secs_nsecs)
{
  check_topic_vs_genpy_full (bag, topic, csv, secs_nsecs, FALSE);
}

/* ---------------------------------------------------------------- */

/* ROS 1 wire format only, for now: CDR caps do not negotiate; caps
 * without an encoding (older producers) are taken as ROS 1 */
GST_START_TEST (test_encoding_caps)
{
  GstElement *conv = gst_element_factory_make ("rosmsgconvert", NULL);
  GstPad *sink = gst_element_get_static_pad (conv, "sink");
  const gchar *def = "int32 data\n";
  GstCaps *c;

  c = gst_caps_new_simple ("application/x-rosmsg", "type", G_TYPE_STRING,
      "std_msgs/Int32", "definition", G_TYPE_STRING, def, NULL);
  fail_unless (gst_pad_query_accept_caps (sink, c));
  gst_caps_unref (c);
  c = gst_caps_new_simple ("application/x-rosmsg", "type", G_TYPE_STRING,
      "std_msgs/Int32", "definition", G_TYPE_STRING, def, "encoding",
      G_TYPE_STRING, "ros1", NULL);
  fail_unless (gst_pad_query_accept_caps (sink, c));
  gst_caps_unref (c);
  c = gst_caps_new_simple ("application/x-rosmsg", "type", G_TYPE_STRING,
      "std_msgs/msg/Int32", "definition", G_TYPE_STRING, def, "encoding",
      G_TYPE_STRING, "cdr", "schema-encoding", G_TYPE_STRING, "ros2msg", NULL);
  fail_unless (gst_pad_query_accept_caps (sink, c));
  gst_caps_unref (c);
  c = gst_caps_new_simple ("application/x-rosmsg", "type", G_TYPE_STRING,
      "std_msgs/msg/Int32", "definition", G_TYPE_STRING, def, "encoding",
      G_TYPE_STRING, "json", NULL);
  fail_if (gst_pad_query_accept_caps (sink, c));
  gst_caps_unref (c);
  gst_object_unref (sink);
  gst_object_unref (conv);
}

GST_END_TEST;

GST_START_TEST (test_json_vs_genpy)
{
  check_topic_vs_genpy (TYPES_BAG, "/all_types", FALSE, FALSE);
  check_topic_vs_genpy (TYPES_BAG, "/all_types", FALSE, TRUE);
  check_topic_vs_genpy (TYPES_BAG, "/only_constants", FALSE, FALSE);
  check_topic_vs_genpy (SAMPLE_BAG, "/imu", FALSE, FALSE);
  check_topic_vs_genpy (SAMPLE_BAG, "/joint_states", FALSE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_csv_vs_genpy)
{
  check_topic_vs_genpy (TYPES_BAG, "/all_types", TRUE, FALSE);
  check_topic_vs_genpy (TYPES_BAG, "/all_types", TRUE, TRUE);
  check_topic_vs_genpy (SAMPLE_BAG, "/imu", TRUE, FALSE);
  check_topic_vs_genpy (SAMPLE_BAG, "/joint_states", TRUE, TRUE);
}

GST_END_TEST;

/* byte-arrays=length: image data as its size, for metadata exports */
GST_START_TEST (test_byte_arrays_length)
{
  check_topic_vs_genpy_full (SAMPLE_BAG, "/cam0/image_raw", FALSE, FALSE, TRUE);
  check_topic_vs_genpy_full (SAMPLE_BAG, "/cam0/image_raw", TRUE, FALSE, TRUE);
  check_topic_vs_genpy_full (TYPES_BAG, "/all_types", FALSE, FALSE, TRUE);
  check_topic_vs_genpy_full (TYPES_BAG, "/all_types", TRUE, TRUE, TRUE);
  /* and the default still base64 for images */
  check_topic_vs_genpy (SAMPLE_BAG, "/cam1/image_raw", FALSE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_realbags_vs_genpy)
{
  const gchar *cases[][2] = {
    {"foxglove_rosbag__example-lz4.bag", "/tf"},
    {"foxglove_rosbag__example-lz4.bag", "/rosout"},
    {"robot_localization__test1.bag", "/husky_velocity_controller/odom"},
    {"ros_numpy__test.bag", "/pointcloud"},
    {"embag__array_test.bag", "/array_test"},
    {"matlab_rosbag__constants.bag", "/constants"},
  };
  guint i;

  if (!g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR)) {
    g_print ("SKIP: %s is absent\n", TEST_REALBAGS_DIR);
    return;
  }
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *bag = g_build_filename (TEST_REALBAGS_DIR, cases[i][0], NULL);

    check_topic_vs_genpy (bag, cases[i][1], FALSE, FALSE);
    check_topic_vs_genpy (bag, cases[i][1], TRUE, FALSE);
    g_free (bag);
  }
}

GST_END_TEST;

/* one message of std_msgs/String with the given payload */
#define STRING_DEF "string data\n"

static GstCaps *
string_caps (const gchar * def, const gchar * topic)
{
  GstCaps *caps = gst_caps_new_simple ("application/x-rosmsg",
      "type", G_TYPE_STRING, "std_msgs/String",
      "md5sum", G_TYPE_STRING, "992ce8a1687cec8c8bd883ec73ca41d1",
      "definition", G_TYPE_STRING, def, NULL);

  if (topic)
    gst_caps_set_simple (caps, "topic", G_TYPE_STRING, topic, NULL);
  return caps;
}

static GstBuffer *
string_msg (const gchar * s, guint64 pts)
{
  guint32 len = strlen (s);
  guint8 *data = g_malloc (4 + len);
  GstBuffer *buf;

  data[0] = len & 0xff;
  data[1] = (len >> 8) & 0xff;
  data[2] = (len >> 16) & 0xff;
  data[3] = len >> 24;
  memcpy (data + 4, s, len);
  buf = gst_buffer_new_wrapped (data, 4 + len);
  GST_BUFFER_PTS (buf) = pts;
  return buf;
}

static gchar *
pull_text (GstHarness * h)
{
  GstBuffer *b = gst_harness_pull (h);
  GstMapInfo map;
  gchar *s;

  fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
  s = g_strndup ((const gchar *) map.data, map.size);
  gst_buffer_unmap (b, &map);
  gst_buffer_unref (b);
  return s;
}

GST_START_TEST (test_pts_fallback_and_topic)
{
  GstHarness *h = gst_harness_new ("rosmsgconvert");
  GstBuffer *buf;
  gchar *s;
  GstCaps *rc;

  gst_harness_set_src_caps (h, string_caps (STRING_DEF, "/chatter"));
  /* no reference meta: the PTS is the receive time */
  gst_harness_push (h, string_msg ("hi", 5 * GST_SECOND));
  s = pull_text (h);
  fail_unless_equals_string (s, "{\"topic\":\"/chatter\",\"receive_ns\":"
      "5000000000,\"msg\":{\"data\":\"hi\"}}\n");
  g_free (s);

  /* with the meta, the meta wins */
  buf = string_msg ("x\"y", 7);
  rc = gst_caps_new_empty_simple (RECEIVE_CAPS);
  gst_buffer_add_reference_timestamp_meta (buf, rc, 1700000000000000001,
      GST_CLOCK_TIME_NONE);
  gst_caps_unref (rc);
  gst_harness_push (h, buf);
  buf = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 7);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);

  /* the topic property overrides the caps */
  h = gst_harness_new_parse ("rosmsgconvert topic=/other");
  gst_harness_set_src_caps (h, string_caps (STRING_DEF, "/chatter"));
  buf = string_msg ("a", 1);
  rc = gst_caps_new_empty_simple (RECEIVE_CAPS);
  gst_buffer_add_reference_timestamp_meta (buf, rc, 42, GST_CLOCK_TIME_NONE);
  gst_caps_unref (rc);
  gst_harness_push (h, buf);
  s = pull_text (h);
  fail_unless_equals_string (s, "{\"topic\":\"/other\",\"receive_ns\":42,"
      "\"msg\":{\"data\":\"a\"}}\n");
  g_free (s);
  gst_harness_teardown (h);

  /* no topic at all: null */
  h = gst_harness_new ("rosmsgconvert");
  gst_harness_set_src_caps (h, string_caps (STRING_DEF, NULL));
  gst_harness_push (h, string_msg ("", 3));
  s = pull_text (h);
  fail_unless_equals_string (s, "{\"topic\":null,\"receive_ns\":3,"
      "\"msg\":{\"data\":\"\"}}\n");
  g_free (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

static GstMessage *
pop_message (GstBus * bus, GstMessageType type)
{
  return gst_bus_pop_filtered (bus, type);
}

GST_START_TEST (test_bad_definition)
{
  GstHarness *h = gst_harness_new ("rosmsgconvert");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  GstSegment seg;

  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  fail_unless (gst_harness_push_event (h, gst_event_new_stream_start ("bad")));
  /* a sticky event is stored even when refused: the buffer tells */
  gst_harness_push_event (h,
      caps_event (string_caps ("string data\nFoo bar\n", "/broken")));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  gst_harness_push_event (h, gst_event_new_segment (&seg));
  fail_unless_equals_int (gst_harness_push (h, string_msg ("a", 0)),
      GST_FLOW_NOT_NEGOTIATED);

  msg = pop_message (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (err->message, "/broken") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "std_msgs/String") != NULL);
  fail_unless (strstr (debug, "field 'bar'") != NULL, "%s", debug);
  fail_unless (strstr (debug, "unknown type 'Foo'") != NULL, "%s", debug);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);

  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);

  /* caps without a definition */
  h = gst_harness_new ("rosmsgconvert");
  bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  fail_unless (gst_harness_push_event (h, gst_event_new_stream_start ("x")));
  gst_harness_push_event (h,
      caps_event (gst_caps_new_empty_simple ("application/x-rosmsg")));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  gst_harness_push_event (h, gst_event_new_segment (&seg));
  fail_unless_equals_int (gst_harness_push (h, string_msg ("a", 0)),
      GST_FLOW_NOT_NEGOTIATED);
  msg = pop_message (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* CDR: the messages of a topic in XCDR2 are skipped with one warning for
 * the topic, not garbage; XCDR1 ones around them come out */
GST_START_TEST (test_cdr_unsupported_encapsulation)
{
  GstHarness *h = gst_harness_new ("rosmsgconvert");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL, *s;
  guint64 skipped = 0;
  guint i, n_warn = 0;
  static const guint8 xcdr2[] = { 0, 7, 0, 0, 5, 0, 0, 0 };
  static const guint8 xcdr1[] = { 0, 1, 0, 0, 5, 0, 0, 0 };

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, gst_caps_new_simple ("application/x-rosmsg",
          "type", G_TYPE_STRING, "std_msgs/msg/Int32", "definition",
          G_TYPE_STRING, "int32 data\n", "encoding", G_TYPE_STRING, "cdr",
          "schema-encoding", G_TYPE_STRING, "ros2msg", "topic",
          G_TYPE_STRING, "/n", NULL));
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (gst_harness_push (h,
            gst_buffer_new_memdup (xcdr2, sizeof (xcdr2))), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (xcdr1, sizeof (xcdr1))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless (g_str_has_suffix (s, "\"msg\":{\"data\":5}}\n"), "%s", s);
  g_free (s);
  fail_unless (gst_harness_try_pull (h) == NULL);
  while ((msg = pop_message (bus, GST_MESSAGE_WARNING))) {
    gst_message_parse_warning (msg, &err, &debug);
    fail_unless (strstr (err->message, "/n") != NULL, "%s", err->message);
    fail_unless (strstr (debug, "XCDR2") != NULL, "%s", debug);
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
    n_warn++;
  }
  fail_unless_equals_int (n_warn, 1);
  g_object_get (h->element, "skipped", &skipped, NULL);
  fail_unless_equals_uint64 (skipped, 3);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* CDR caps without a definition (a Humble .db3): the built-in set and
 * definitions-path supply it; an unknown type is an error */
GST_START_TEST (test_cdr_definitions_path)
{
  GstHarness *h;
  gchar *s, *dir, *msgdir, *file;
  static const guint8 str_msg[] = { 0, 1, 0, 0, 3, 0, 0, 0, 'h', 'i', 0 };
  static const guint8 foo_msg[] = { 0, 1, 0, 0, 7, 0, 0, 0 };

  h = gst_harness_new ("rosmsgconvert");
  gst_harness_set_src_caps (h, gst_caps_new_simple ("application/x-rosmsg",
          "type", G_TYPE_STRING, "std_msgs/msg/String", "definition",
          G_TYPE_STRING, "", "encoding", G_TYPE_STRING, "cdr", "topic",
          G_TYPE_STRING, "/s", NULL));
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (str_msg, sizeof (str_msg))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless (g_str_has_suffix (s, "\"msg\":{\"data\":\"hi\"}}\n"), "%s", s);
  g_free (s);
  gst_harness_teardown (h);

  dir = g_dir_make_tmp ("rosmsgconvert-defs-XXXXXX", NULL);
  msgdir = g_build_filename (dir, "my_pkg", "msg", NULL);
  fail_unless (g_mkdir_with_parents (msgdir, 0755) == 0);
  file = g_build_filename (msgdir, "Foo.msg", NULL);
  fail_unless (g_file_set_contents (file, "int32 count\n", -1, NULL));
  h = gst_harness_new ("rosmsgconvert");
  g_object_set (h->element, "definitions-path", dir, NULL);
  gst_harness_set_src_caps (h, gst_caps_new_simple ("application/x-rosmsg",
          "type", G_TYPE_STRING, "my_pkg/msg/Foo", "encoding", G_TYPE_STRING,
          "cdr", "definition", G_TYPE_STRING, "", "topic", G_TYPE_STRING,
          "/f", NULL));
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (foo_msg, sizeof (foo_msg))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless (g_str_has_suffix (s, "\"msg\":{\"count\":7}}\n"), "%s", s);
  g_free (s);
  gst_harness_teardown (h);

  /* without the path the type is unknown: an empty definition is an
   * empty type (test_msgs/msg/Empty is one), the bytes beyond it said */
  h = gst_harness_new ("rosmsgconvert");
  gst_harness_set_src_caps (h, gst_caps_new_simple ("application/x-rosmsg",
          "type", G_TYPE_STRING, "my_pkg/msg/Foo", "encoding", G_TYPE_STRING,
          "cdr", "definition", G_TYPE_STRING, "", NULL));
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (foo_msg, sizeof (foo_msg))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless (g_str_has_suffix (s, "\"msg\":{}}\n"), "%s", s);
  g_free (s);
  gst_harness_teardown (h);

  g_unlink (file);
  g_rmdir (msgdir);
  s = g_build_filename (dir, "my_pkg", NULL);
  g_rmdir (s);
  g_free (s);
  g_rmdir (dir);
  g_free (file);
  g_free (msgdir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_bad_message_skipped)
{
  GstHarness *h = gst_harness_new ("rosmsgconvert");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL, *s;
  GstBuffer *bad;
  guint64 skipped = 0;
  const gchar *def = "int32 a\nstring label\nfloat64[2] xy\n";
  guint8 good[4 + 4 + 1 + 16] = { 7, 0, 0, 0, 1, 0, 0, 0, 'q' };

  g_object_set (h->element, "format", 1, NULL);
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, string_caps (def, "/t"));
  /* label claims 1000 bytes */
  bad = gst_buffer_new_memdup ("\x01\0\0\0\xe8\x03\0\0abc", 11);
  fail_unless_equals_int (gst_harness_push (h, bad), GST_FLOW_OK);
  /* only the header row came out */
  s = pull_text (h);
  fail_unless_equals_string (s, "receive_ns,a,label,xy.0,xy.1\n");
  g_free (s);
  fail_unless (gst_harness_try_pull (h) == NULL);
  msg = pop_message (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (strstr (err->message, "/t") != NULL, "%s", err->message);
  fail_unless (strstr (debug, "field 'label'") != NULL, "%s", debug);
  g_clear_error (&err);
  g_free (debug);
  gst_message_unref (msg);
  g_object_get (h->element, "skipped", &skipped, NULL);
  fail_unless_equals_uint64 (skipped, 1);

  /* the next good message comes out */
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (good, sizeof (good))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless_equals_string (s, "0,7,q,0.0,0.0\n");
  g_free (s);

  /* a second good one: no header again */
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (good, sizeof (good))), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless_equals_string (s, "0,7,q,0.0,0.0\n");
  g_free (s);

  /* same caps again: still no header; new columns: a new header */
  fail_unless (gst_harness_push_event (h,
          caps_event (string_caps (def, "/t"))));
  fail_unless (gst_harness_push_event (h,
          caps_event (string_caps ("int32 a\n", "/t"))));
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup (good, 4)), GST_FLOW_OK);
  s = pull_text (h);
  fail_unless_equals_string (s, "receive_ns,a\n0,7\n");
  g_free (s);

  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_csv_header_on_eos)
{
  GstHarness *h = gst_harness_new_parse ("rosmsgconvert format=csv "
      "time-format=secs-nsecs");
  gchar *s;

  gst_harness_set_src_caps (h, string_caps ("time t\nstring s\n", "/t"));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  s = pull_text (h);
  fail_unless_equals_string (s, "receive_ns,t.secs,t.nsecs,s\n");
  g_free (s);
  gst_harness_teardown (h);

  /* csv-header=false: nothing at all */
  h = gst_harness_new_parse ("rosmsgconvert format=csv csv-header=false");
  gst_harness_set_src_caps (h, string_caps ("time t\n", "/t"));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless (gst_harness_try_pull (h) == NULL);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---------------------------------------------------------------- */
/* bagsrc ! rosmsgconvert: the recipes of docs/recipes.md */

static gboolean
run_pipeline (const gchar * desc)
{
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *msg;
  gboolean ok;

  fail_unless (p != NULL, "%s: %s", desc, err ? err->message : "");
  bus = gst_element_get_bus (p);
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: no EOS", desc);
  ok = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (!ok) {
    GError *e = NULL;
    gchar *d = NULL;

    gst_message_parse_error (msg, &e, &d);
    g_print ("%s: %s (%s)\n", desc, e->message, d);
    g_clear_error (&e);
    g_free (d);
  }
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  return ok;
}

static gboolean
have_bagsrc (void)
{
  GstElementFactory *f = gst_element_factory_find ("bagsrc");

  if (f == NULL) {
    g_print ("SKIP: no bagsrc element in the plugin yet\n");
    return FALSE;
  }
  gst_object_unref (f);
  return TRUE;
}

GST_START_TEST (test_bagsrc_recipes)
{
  gchar *csv = tmp_path ("rosmsgconvert-joints.csv");
  gchar *json = tmp_path ("rosmsgconvert-all.jsonl");
  gchar *desc;

  if (!have_bagsrc ())
    goto done;

  /* the CSV recipe */
  desc = g_strdup_printf ("bagsrc location=%s topics=/joint_states ! "
      "rosmsgconvert format=csv ! filesink location=%s", SAMPLE_BAG, csv);
  fail_unless (run_pipeline (desc));
  g_free (desc);
  {
    const gchar *args[] = { "compare-csv", SAMPLE_BAG, "/joint_states", csv,
      NULL
    };
    fail_unless_equals_int (run_ref (args), 0);
  }

  /* image metadata without the payload (docs/rosmsgconvert.md) */
  desc = g_strdup_printf ("bagsrc location=%s topics=/cam0/image_raw "
      "raw=true ! rosmsgconvert format=csv byte-arrays=length ! "
      "filesink location=%s", SAMPLE_BAG, csv);
  fail_unless (run_pipeline (desc));
  g_free (desc);
  {
    const gchar *args[] = { "compare-csv", SAMPLE_BAG, "/cam0/image_raw", csv,
      "--byte-arrays", "length", NULL
    };
    fail_unless_equals_int (run_ref (args), 0);
  }

  /* JSON lines of a custom type, straight from the bag */
  desc = g_strdup_printf ("bagsrc location=%s topics=/all_types ! "
      "rosmsgconvert ! filesink location=%s", TYPES_BAG, json);
  fail_unless (run_pipeline (desc));
  g_free (desc);
  {
    const gchar *args[] = { "compare", TYPES_BAG, json, "--topics",
      "/all_types", NULL
    };
    fail_unless_equals_int (run_ref (args), 0);
  }

  /* a real bag: tf with nested arrays of messages, lz4 */
  if (g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR)) {
    gchar *bag = g_build_filename (TEST_REALBAGS_DIR,
        "foxglove_rosbag__example-lz4.bag", NULL);
    const gchar *args[] = { "compare", bag, json, "--topics", "/tf", NULL };

    desc = g_strdup_printf ("bagsrc location=%s topics=/tf ! "
        "rosmsgconvert ! filesink location=%s", bag, json);
    fail_unless (run_pipeline (desc));
    g_free (desc);
    fail_unless_equals_int (run_ref (args), 0);
    g_free (bag);
  } else {
    g_print ("SKIP realbags part: %s is absent\n", TEST_REALBAGS_DIR);
  }
  g_unlink (csv);
  g_unlink (json);
done:
  g_free (csv);
  g_free (json);
}

GST_END_TEST;

static gchar *
sh (const gchar * cmd)
{
  const gchar *argv[] = { "/bin/sh", "-c", cmd, NULL };
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT,
          NULL, NULL, &out, &err, &status, &error), "%s",
      error ? error->message : "");
  fail_unless (g_spawn_check_wait_status (status, NULL), "'%s' failed: %s",
      cmd, err);
  g_free (err);
  return out;
}

/* the jq recipe exactly as docs/recipes.md has it, in a shell, against the
 * same jq filter applied to genpy's JSON; and the several-topics line */
GST_START_TEST (test_shell_recipes)
{
  gchar *launch = g_find_program_in_path ("gst-launch-1.0");
  gchar *jq = g_find_program_in_path ("jq");
  gchar *cmd, *ours, *ref;
  gchar *imu = tmp_path ("rosmsgconvert-imu.csv");
  gchar *js = tmp_path ("rosmsgconvert-js.jsonl");
  const gchar *filter = "jq -c '[.receive_ns, .msg.linear_acceleration.z]'";

  if (!have_bagsrc ())
    goto done;
  if (launch == NULL || jq == NULL) {
    g_print ("SKIP: gst-launch-1.0 or jq not found\n");
    goto done;
  }
  /* the recipe runs as a user runs it: no leak tracer, no fatal warnings */
  cmd = g_strdup_printf ("env -u GST_TRACERS -u G_DEBUG gst-launch-1.0 -q "
      "bagsrc location=%s topics=/imu ! rosmsgconvert ! fdsink | %s",
      SAMPLE_BAG, filter);
  ours = sh (cmd);
  g_free (cmd);
  cmd = g_strdup_printf ("%s %s json %s --topics /imu | %s", TEST_PYTHON,
      REF, SAMPLE_BAG, filter);
  ref = sh (cmd);
  g_free (cmd);
  {
    gchar **lines = g_strsplit (ours, "\n", -1);

    fail_unless_equals_int (g_strv_length (lines), 300 + 1);
    g_strfreev (lines);
  }
  fail_unless_equals_string (ours, ref);
  g_free (ours);
  g_free (ref);

  cmd = g_strdup_printf ("bagsrc name=b location=%s "
      "topics=/imu,/joint_states b.imu ! rosmsgconvert format=csv ! "
      "filesink location=%s b.joint_states ! rosmsgconvert ! "
      "filesink location=%s", SAMPLE_BAG, imu, js);
  fail_unless (run_pipeline (cmd));
  g_free (cmd);
  {
    const gchar *a1[] = { "compare-csv", SAMPLE_BAG, "/imu", imu, NULL };
    const gchar *a2[] = { "compare", SAMPLE_BAG, js, "--topics",
      "/joint_states", NULL
    };
    fail_unless_equals_int (run_ref (a1), 0);
    fail_unless_equals_int (run_ref (a2), 0);
  }
  g_unlink (imu);
  g_unlink (js);
done:
  g_free (imu);
  g_free (js);
  g_free (launch);
  g_free (jq);
}

GST_END_TEST;

/* Every topic of every fixture and real bag: gst-launch-1.0 bagsrc
 * raw=true ! rosmsgconvert ! filesink in a child process (a crash
 * upstream must not take the test down), compared with genpy. */
GST_START_TEST (test_bagsrc_every_topic)
{
  GPtrArray *bags = g_ptr_array_new_with_free_func (g_free);
  const gchar *dirs[] = { TEST_FILES_DIR, TEST_REALBAGS_DIR };
  gchar *path = tmp_path ("rosmsgconvert-sweep.jsonl");
  guint i, d, n_ok = 0, n_fail = 0;

  if (!have_bagsrc ())
    goto done;
  if (!g_file_test (TEST_REALBAGS_DIR, G_FILE_TEST_IS_DIR))
    g_print ("SKIP realbags part: %s is absent\n", TEST_REALBAGS_DIR);
  for (d = 0; d < G_N_ELEMENTS (dirs); d++) {
    GDir *dir = g_dir_open (dirs[d], 0, NULL);
    const gchar *name;

    while (dir && (name = g_dir_read_name (dir))) {
      if (g_str_has_suffix (name, ".bag"))
        g_ptr_array_add (bags, g_build_filename (dirs[d], name, NULL));
    }
    if (dir)
      g_dir_close (dir);
  }
  for (i = 0; i < bags->len; i++) {
    const gchar *bag_path = g_ptr_array_index (bags, i);
    GstRosbagBag *bag = gst_rosbag_bag_open (bag_path, NULL);
    guint t;

    if (bag == NULL)
      continue;                 /* not a bag: nothing to convert */
    for (t = 0; t < gst_rosbag_bag_get_n_topics (bag); t++) {
      const GstRosbagBagTopic *topic = gst_rosbag_bag_get_topic (bag, t);
      gchar *cmd, *out = NULL, *err = NULL;
      gint status = 0, code;
      const gchar *args[] = { "compare", bag_path, path, "--topics",
        topic->name, NULL, NULL
      };
      gboolean ok;

      if (topic->message_count == 0)
        continue;
      {
        /* no shell: topic names may hold spaces and glob characters;
         * gst-launch escapes each argument itself */
        gchar *loc = g_strdup_printf ("location=%s", bag_path);
        gchar *top = g_strdup_printf ("topics=%s", topic->name);
        gchar *dst = g_strdup_printf ("location=%s", path);
        const gchar *argv[] = { "env", "-u", "GST_TRACERS", "-u", "G_DEBUG",
          "timeout", "120", "gst-launch-1.0", "-q", "-f", "bagsrc", loc, top,
          "raw=true", "!", "rosmsgconvert", "!", "filesink", dst, NULL
        };

        cmd = g_strjoinv (" ", (gchar **) argv);
        fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL));
        g_free (loc);
        g_free (top);
        g_free (dst);
      }
      ok = g_spawn_check_wait_status (status, NULL);
      if (ok) {
        if (!gst_rosbag_bag_is_indexed (bag))
          args[5] = "--allow-extra";
        code = run_ref (args);
        ok = code == 0;
      }
      if (ok) {
        n_ok++;
      } else {
        g_print ("FAIL %s %s: %s\n%s\n", bag_path, topic->name, cmd, err);
        n_fail++;
      }
      g_free (cmd);
      g_free (out);
      g_free (err);
    }
    gst_rosbag_bag_unref (bag);
  }
  g_print ("bagsrc ! rosmsgconvert: %u topics equal genpy, %u failed\n",
      n_ok, n_fail);
  fail_unless_equals_int (n_fail, 0);
  fail_unless (n_ok >= 20);
  g_unlink (path);
done:
  g_free (path);
  g_ptr_array_unref (bags);
}

GST_END_TEST;

static Suite *
rosmsgconvert_suite (void)
{
  Suite *s = suite_create ("rosmsgconvert");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_pts_fallback_and_topic);
  tcase_add_test (tc, test_bad_definition);
  tcase_add_test (tc, test_bad_message_skipped);
  tcase_add_test (tc, test_csv_header_on_eos);
  tcase_add_test (tc, test_encoding_caps);
  tcase_add_test (tc, test_cdr_unsupported_encapsulation);
  tcase_add_test (tc, test_cdr_definitions_path);
  tcase_add_test (tc, test_json_vs_genpy);
  tcase_add_test (tc, test_csv_vs_genpy);
  tcase_add_test (tc, test_byte_arrays_length);
  tcase_add_test (tc, test_realbags_vs_genpy);
  tcase_add_test (tc, test_bagsrc_recipes);
  tcase_add_test (tc, test_shell_recipes);
  tcase_add_test (tc, test_bagsrc_every_topic);
  return s;
}

GST_CHECK_MAIN (rosmsgconvert);
