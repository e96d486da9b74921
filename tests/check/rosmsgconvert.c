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
/* buffer lists (docs/rosmsgconvert.md, "Buffer lists") */

#define LIST_N_MSGS 12
#define LIST_BAD_LEN 20         /* an Imu cut inside header.frame_id */

/* The first @n messages of /imu of sample.bag as buffers whose metadata
 * all differ: PTS (bag time), DTS (PTS + 1), duration, offsets, and the
 * receive-time meta bagdemux sets; the messages at @bad (-1 ended) cut to
 * LIST_BAD_LEN bytes, metadata kept. @caps: the topic's caps. */
static GPtrArray *
list_messages (guint n, const gint * bad, GstCaps ** caps)
{
  GError *err = NULL;
  GstRosbagBag *bag = gst_rosbag_bag_open (SAMPLE_BAG, &err);
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  const gchar *topics[] = { "/imu", NULL };
  GstRosbagReader *r;
  GstRosbagMessage m;

  fail_unless (bag != NULL, "%s", err ? err->message : "");
  r = gst_rosbag_reader_new_for_bag (bag);
  gst_rosbag_reader_set_topics (r, topics);
  *caps = NULL;
  while (msgs->len < n
      && gst_rosbag_reader_next (r, &m, &err) == GST_ROSBAG_READ_OK) {
    GstBuffer *buf = buffer_for (&m, gst_rosbag_bag_get_start_time (bag),
        TRUE);

    if (*caps == NULL)
      *caps = caps_for (gst_rosbag_reader_lookup_connection (r, &m), TRUE);
    GST_BUFFER_DTS (buf) = GST_BUFFER_PTS (buf) + 1;
    GST_BUFFER_DURATION (buf) = 1000 + msgs->len;
    GST_BUFFER_OFFSET (buf) = 100 + msgs->len;
    GST_BUFFER_OFFSET_END (buf) = 101 + msgs->len;
    if (msgs->len > 0)
      fail_unless (GST_BUFFER_PTS (buf) > GST_BUFFER_PTS (g_ptr_array_index
              (msgs, msgs->len - 1)));
    g_ptr_array_add (msgs, buf);
  }
  g_clear_error (&err);
  fail_unless_equals_int (msgs->len, n);
  for (; bad && *bad >= 0; bad++) {
    GstBuffer *good = g_ptr_array_index (msgs, *bad);
    GstMapInfo map;
    GstBuffer *cut;

    fail_unless (gst_buffer_map (good, &map, GST_MAP_READ));
    fail_unless (map.size > LIST_BAD_LEN);
    cut = gst_buffer_new_memdup (map.data, LIST_BAD_LEN);
    gst_buffer_unmap (good, &map);
    gst_buffer_copy_into (cut, good, GST_BUFFER_COPY_METADATA, 0, -1);
    g_ptr_array_index (msgs, *bad) = cut;
    gst_buffer_unref (good);
  }
  gst_rosbag_reader_free (r);
  gst_rosbag_bag_unref (bag);
  return msgs;
}

static gchar *
buffer_text (GstBuffer * b)
{
  GstMapInfo map;
  gchar *s;

  fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
  s = g_strndup ((const gchar *) map.data, map.size);
  gst_buffer_unmap (b, &map);
  return s;
}

/* @got equals @want; else where they differ (the whole texts are too
 * long for a check message) */
#define check_same_text(got, want, ...) G_STMT_START {                 \
  const gchar *_g = (got), *_w = (want);                                \
  gsize _i = 0;                                                         \
  while (_g[_i] && _g[_i] == _w[_i])                                    \
    _i++;                                                               \
  fail_unless (_g[_i] == _w[_i], "%s: texts differ at byte %"          \
      G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " / %" G_GSIZE_FORMAT       \
      ": got '%.60s', want '%.60s'", g_strdup_printf (__VA_ARGS__), _i, \
      strlen (_g), strlen (_w), _g + _i, _w + _i);                      \
} G_STMT_END

/* @b has the times of message @in: all of them, or with @batched those a
 * list's buffer has (the first message's, and no duration) */
static void
check_times (GstBuffer * b, GstBuffer * in, gboolean batched)
{
  fail_unless_equals_uint64 (GST_BUFFER_PTS (b), GST_BUFFER_PTS (in));
  fail_unless_equals_uint64 (GST_BUFFER_DTS (b), GST_BUFFER_DTS (in));
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (b), GST_BUFFER_OFFSET (in));
  if (batched)
    fail_if (GST_BUFFER_DURATION_IS_VALID (b));
  else
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (b),
        GST_BUFFER_DURATION (in));
}

/* A harness on "rosmsgconvert @props" with @caps, its bus in @bus */
static GstHarness *
list_harness (const gchar * props, GstCaps * caps, GstBus ** bus)
{
  GstHarness *h = gst_harness_new ("rosmsgconvert");
  gchar **kv = g_strsplit (props, " ", -1);
  guint i;

  /* (not gst_harness_new_parse: a bin has no "skipped") */
  for (i = 0; kv[i]; i++) {
    gchar **p = g_strsplit (kv[i], "=", 2);

    gst_util_set_object_arg (G_OBJECT (h->element), p[0], p[1]);
    g_strfreev (p);
  }
  g_strfreev (kv);
  *bus = gst_bus_new ();
  gst_element_set_bus (h->element, *bus);
  gst_harness_set_src_caps (h, gst_caps_ref (caps));
  return h;
}

/* EOS, then the end of the text; the bus's skip warnings counted, the
 * harness torn down */
static void
list_finish (GstHarness * h, GstBus * bus, GString * out, guint * n_warn,
    guint64 * skipped)
{
  GstMessage *msg;

  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  drain (h, out);
  *n_warn = 0;
  while ((msg = pop_message (bus, GST_MESSAGE_WARNING))) {
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    fail_unless (strstr (err->message, "Skipping a message of topic /imu")
        != NULL, "%s", err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
    (*n_warn)++;
  }
  g_object_get (h->element, "skipped", skipped, NULL);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

/* Every message pushed alone: @ref gets each one's text ("" when nothing
 * came out); a good message gives one buffer with all its times, a bad one
 * none, or the CSV header alone */
static gchar *
run_singles (const gchar * props, GstCaps * caps, GPtrArray * msgs,
    const gint * bad, GPtrArray * ref, guint * n_warn, guint64 * skipped)
{
  GString *out = g_string_new (NULL);
  GstBus *bus;
  GstHarness *h = list_harness (props, caps, &bus);
  guint i;

  for (i = 0; i < msgs->len; i++) {
    GstBuffer *in = g_ptr_array_index (msgs, i);
    gboolean is_bad = FALSE;
    const gint *b;
    GstBuffer *o;
    gchar *s = NULL;

    for (b = bad; b && *b >= 0; b++)
      is_bad |= (*b == (gint) i);
    fail_unless_equals_int (gst_harness_push (h, gst_buffer_copy (in)),
        GST_FLOW_OK);
    o = gst_harness_try_pull (h);
    if (o) {
      s = buffer_text (o);
      check_times (o, in, FALSE);
      gst_buffer_unref (o);
      fail_unless (gst_harness_try_pull (h) == NULL);
    }
    if (is_bad)
      fail_unless (s == NULL || g_str_has_prefix (s, "receive_ns,"));
    else
      fail_unless (s != NULL, "no output for message %u", i);
    g_ptr_array_add (ref, s ? s : g_strdup (""));
    g_string_append (out, g_ptr_array_index (ref, i));
  }
  list_finish (h, bus, out, n_warn, skipped);
  return g_string_free (out, FALSE);
}

/* The messages @first..@first+@n-1 came through one by one: one buffer
 * per message that gave text alone, with its times */
static void
check_one_by_one (GstHarness * h, GPtrArray * msgs, GPtrArray * ref,
    guint first, guint n, GString * out)
{
  guint k;

  for (k = first; k < first + n; k++) {
    const gchar *expected = g_ptr_array_index (ref, k);
    GstBuffer *o;
    gchar *s;

    if (*expected == '\0')
      continue;
    o = gst_harness_try_pull (h);
    fail_unless (o != NULL, "no buffer for message %u", k);
    s = buffer_text (o);
    check_same_text (s, expected, "message %u", k);
    check_times (o, g_ptr_array_index (msgs, k), FALSE);
    g_string_append (out, s);
    g_free (s);
    gst_buffer_unref (o);
  }
  fail_unless (gst_harness_try_pull (h) == NULL);
}

/* The messages @first..@first+@n-1 came as one list: one buffer with the
 * text of all of them, in order, the first message's times and the last
 * one's offset-end; nothing
 * if none of them gave text */
static void
check_batched (GstHarness * h, GPtrArray * msgs, GPtrArray * ref,
    guint first, guint n, GString * out)
{
  GString *expected = g_string_new (NULL);
  GstBuffer *o;
  guint k;

  for (k = first; k < first + n; k++)
    g_string_append (expected, g_ptr_array_index (ref, k));
  o = gst_harness_try_pull (h);
  if (expected->len == 0) {
    fail_unless (o == NULL);
  } else {
    GstBuffer *last;
    gchar *s;

    fail_unless (o != NULL, "no buffer for the list at message %u", first);
    s = buffer_text (o);
    check_same_text (s, expected->str, "list at message %u", first);
    /* (the first message's times even when it was skipped) */
    check_times (o, g_ptr_array_index (msgs, first), TRUE);
    /* and the offsets up to the last message's end (a local: the check
     * macro has its own "first") */
    last = g_ptr_array_index (msgs, first + n - 1);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (o),
        GST_BUFFER_OFFSET_END (last));
    g_string_append (out, s);
    g_free (s);
    gst_buffer_unref (o);
    fail_unless (gst_harness_try_pull (h) == NULL,
        "a list of %u messages gave more than one buffer", n);
  }
  g_string_free (expected, TRUE);
}

/* The messages pushed as @spec says, in order: "s" one buffer, "L<n>" a
 * list of the next n (L0 an empty list), "C" new caps whose definition
 * differs but not its columns (no new CSV header), "R" a reconfigure
 * event from downstream. A list right after "R" goes through one by one (a
 * reconfiguration is pending), every other list as one buffer (the caps
 * event already configured the src pad: the first push may be a list). */
static gchar *
run_chunked (const gchar * props, GstCaps * caps, GPtrArray * msgs,
    GPtrArray * ref, const gchar * spec, guint * n_warn, guint64 * skipped)
{
  GString *out = g_string_new (NULL);
  gchar **tok = g_strsplit (spec, " ", -1);
  gboolean pending = FALSE;
  GstBus *bus;
  GstHarness *h = list_harness (props, caps, &bus);
  guint i, j = 0;

  for (i = 0; tok[i]; i++) {
    if (strcmp (tok[i], "C") == 0) {
      GstCaps *c = gst_caps_copy (caps);
      GstStructure *st = gst_caps_get_structure (c, 0);
      gchar *def = g_strconcat (gst_structure_get_string (st, "definition"),
          "\n# the same columns\n", NULL);

      gst_structure_set (st, "definition", G_TYPE_STRING, def, NULL);
      g_free (def);
      fail_unless (gst_harness_push_event (h, caps_event (c)));
    } else if (strcmp (tok[i], "R") == 0) {
      fail_unless (gst_harness_push_upstream_event (h,
              gst_event_new_reconfigure ()));
      pending = TRUE;
    } else if (strcmp (tok[i], "s") == 0) {
      fail_unless (j < msgs->len);
      fail_unless_equals_int (gst_harness_push (h,
              gst_buffer_copy (g_ptr_array_index (msgs, j))), GST_FLOW_OK);
      check_one_by_one (h, msgs, ref, j, 1, out);
      j++;
      pending = FALSE;
    } else {
      guint n = g_ascii_strtoull (tok[i] + 1, NULL, 10), k;
      GstBufferList *list = gst_buffer_list_new ();

      fail_unless (tok[i][0] == 'L', "%s", tok[i]);
      fail_unless (j + n <= msgs->len);
      for (k = j; k < j + n; k++)
        gst_buffer_list_add (list,
            gst_buffer_copy (g_ptr_array_index (msgs, k)));
      fail_unless_equals_int (gst_pad_push_list (h->srcpad, list), GST_FLOW_OK);
      if (n == 0)
        fail_unless (gst_harness_try_pull (h) == NULL);
      else if (pending)
        check_one_by_one (h, msgs, ref, j, n, out);
      else
        check_batched (h, msgs, ref, j, n, out);
      j += n;
      if (n > 0)
        pending = FALSE;
    }
  }
  fail_unless_equals_int (j, msgs->len);
  g_strfreev (tok);
  list_finish (h, bus, out, n_warn, skipped);
  return g_string_free (out, FALSE);
}

/* The text alone, independent of chunking: one line per good message, in
 * input order (their receive times), after exactly one CSV header */
static void
check_lines (const gchar * text, GPtrArray * msgs, const gint * bad,
    gboolean csv, gboolean header)
{
  GstCaps *rc = gst_caps_new_empty_simple (RECEIVE_CAPS);
  gchar **lines = g_strsplit (text, "\n", -1);
  guint i, l = 0, n_lines = g_strv_length (lines);

  fail_unless (g_str_has_suffix (text, "\n"));
  if (csv && header) {
    fail_unless (g_str_has_prefix (lines[0], "receive_ns,header.seq,"),
        "%s", lines[0]);
    l = 1;
  }
  for (i = 0; i < msgs->len; i++) {
    GstBuffer *in = g_ptr_array_index (msgs, i);
    GstReferenceTimestampMeta *m =
        gst_buffer_get_reference_timestamp_meta (in, rc);
    gchar *want;
    const gint *b;
    gboolean is_bad = FALSE;

    for (b = bad; b && *b >= 0; b++)
      is_bad |= (*b == (gint) i);
    if (is_bad)
      continue;
    fail_unless (l < n_lines);
    if (csv) {
      want = g_strdup_printf ("%" G_GUINT64_FORMAT ",", m->timestamp);
      fail_unless (g_str_has_prefix (lines[l], want), "line %u: %s", l,
          lines[l]);
    } else {
      want = g_strdup_printf ("{\"topic\":\"/imu\",\"receive_ns\":%"
          G_GUINT64_FORMAT ",", m->timestamp);
      fail_unless (g_str_has_prefix (lines[l], want), "line %u: %s", l,
          lines[l]);
    }
    g_free (want);
    l++;
  }
  /* and nothing else: no second header, no extra row */
  fail_unless_equals_int (n_lines, l + 1);
  fail_unless_equals_string (lines[l], "");
  for (i = 1; i < n_lines; i++)
    fail_if (g_str_has_prefix (lines[i], "receive_ns"), "header at line %u", i);
  g_strfreev (lines);
  gst_caps_unref (rc);
}

static void
check_lists (const gint * bad, const gchar * const *specs)
{
  const gchar *props[] = { "format=json", "format=csv",
    "format=csv csv-header=false", "format=csv time-format=secs-nsecs",
    "format=json time-format=secs-nsecs byte-arrays=length", NULL
  };
  GstCaps *caps;
  GPtrArray *msgs = list_messages (LIST_N_MSGS, bad, &caps);
  guint p, s, n_bad = 0;
  const gint *b;

  for (b = bad; b && *b >= 0; b++)
    n_bad++;
  for (p = 0; props[p]; p++) {
    GPtrArray *ref = g_ptr_array_new_with_free_func (g_free);
    gboolean csv = strstr (props[p], "csv") != NULL;
    guint ref_warn, n_warn;
    guint64 ref_skipped, skipped;
    gchar *singles = run_singles (props[p], caps, msgs, bad, ref, &ref_warn,
        &ref_skipped);

    check_lines (singles, msgs, bad, csv, strstr (props[p], "=false") == NULL);
    fail_unless_equals_uint64 (ref_skipped, n_bad);
    fail_unless_equals_int (ref_warn, n_bad);
    for (s = 0; specs[s]; s++) {
      gchar *text = run_chunked (props[p], caps, msgs, ref, specs[s], &n_warn,
          &skipped);

      GST_INFO ("%s, %s: %u bytes", props[p], specs[s], (guint) strlen (text));
      check_same_text (text, singles, "%s, %s", props[p], specs[s]);
      fail_unless_equals_uint64 (skipped, n_bad);
      fail_unless_equals_int (n_warn, n_bad);
      g_free (text);
    }
    g_free (singles);
    g_ptr_array_unref (ref);
  }
  gst_caps_unref (caps);
  g_ptr_array_unref (msgs);
}

/* GstBufferLists (bagsrc's batches of small messages) give the same text,
 * byte for byte, as one buffer per message, in every format and however
 * the messages are chunked: a list is one buffer with all its rows in
 * order and the first message's PTS, DTS and offset, no duration; the CSV
 * header once (also across new caps with the same columns); an empty
 * list nothing; the very first push may be a list (the caps event set up
 * the src pad); after a reconfigure event a list goes through one buffer
 * per message, with each one's times */
GST_START_TEST (test_buffer_list)
{
  const gchar *specs[] = { "L12", "s L11", "s L3 C L1 L0 s s C L4 s",
    "L1 L1 L5 R L3 L2", "L0 L4 s L7", "s s L1 L1 L1 R s L6", NULL
  };

  check_lists (NULL, specs);
}

GST_END_TEST;

/* A message that does not match its definition inside a list is skipped
 * as alone (a warning, counted in skipped) and the good ones around it
 * are all in the list's buffer; a list of bad ones only gives nothing; a
 * list that starts with a bad message is stamped with the bad message's
 * times (the first of the list) */
GST_START_TEST (test_buffer_list_bad_message)
{
  const gint bad[] = { 0, 5, 6, 11, -1 };
  const gchar *specs[] = { "L12", "s L11", "s L4 L2 C L5", "L1 s s s s L7",
    "L2 s s s L2 L5", NULL
  };

  check_lists (bad, specs);
}

GST_END_TEST;

/* A list before caps fails as a buffer does: not negotiated, the same
 * bus messages, nothing out */
GST_START_TEST (test_buffer_list_before_caps)
{
  guint round, n_errors[2] = { 0, 0 };

  for (round = 0; round < 2; round++) {
    GstHarness *h = gst_harness_new ("rosmsgconvert");
    GstBus *bus = gst_bus_new ();
    GstMessage *msg;
    GstSegment seg;
    GstFlowReturn ret;

    gst_element_set_bus (h->element, bus);
    gst_harness_play (h);
    fail_unless (gst_harness_push_event (h,
            gst_event_new_stream_start ("nocaps")));
    gst_segment_init (&seg, GST_FORMAT_TIME);
    fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
    if (round == 0) {
      ret = gst_harness_push (h, string_msg ("a", 0));
    } else {
      GstBufferList *list = gst_buffer_list_new ();

      gst_buffer_list_add (list, string_msg ("a", 0));
      gst_buffer_list_add (list, string_msg ("b", 1));
      ret = gst_pad_push_list (h->srcpad, list);
    }
    fail_unless_equals_int (ret, GST_FLOW_NOT_NEGOTIATED);
    while ((msg = pop_message (bus, GST_MESSAGE_ERROR))) {
      n_errors[round]++;
      gst_message_unref (msg);
    }
    fail_unless (gst_harness_try_pull (h) == NULL);
    gst_element_set_bus (h->element, NULL);
    gst_harness_teardown (h);
    gst_object_unref (bus);
  }
  fail_unless_equals_int (n_errors[1], n_errors[0]);
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

/* A topic written by connections of two types (std_msgs/Int32 and
 * std_msgs/String on /mixed) is two streams, mixed and mixed_2, each
 * decoded with its own definition: their JSON lines together are genpy's
 * messages of /mixed, in bagsrc (pull mode) and bagdemux in push mode.
 * (One stream once decoded every String as {"data":N}, and a pad for
 * mixed_2 never came.) */
GST_START_TEST (test_two_types_on_one_topic)
{
  const gchar *bag = TEST_FILES_DIR "/mixed-types.bag";
  const gchar *heads[] = {
    "bagsrc name=s location=%s topics=/mixed",
    "filesrc location=%s ! queue ! bagdemux name=s topics=/mixed"
  };
  guint m;

  if (!have_bagsrc ())
    return;
  for (m = 0; m < G_N_ELEMENTS (heads); m++) {
    gchar *a = tmp_path ("mixed-a.jsonl"), *b = tmp_path ("mixed-b.jsonl");
    gchar *all = tmp_path ("mixed.jsonl");
    gchar *head = g_strdup_printf (heads[m], bag);
    gchar *desc = g_strdup_printf ("%s s.mixed ! queue ! rosmsgconvert ! "
        "filesink location=%s s.mixed_2 ! queue ! rosmsgconvert ! "
        "filesink location=%s", head, a, b);
    gchar *ta = NULL, *tb = NULL, *joined;
    const gchar *args[] = { "compare", bag, all, "--topics", "/mixed", NULL };

    fail_unless (run_pipeline (desc), "%s", desc);
    fail_unless (g_file_get_contents (a, &ta, NULL, NULL));
    fail_unless (g_file_get_contents (b, &tb, NULL, NULL));
    /* one type per stream */
    fail_unless (strstr (ta, "\"data\":0}") != NULL, "%s", ta);
    fail_unless (strstr (ta, "mixed #") == NULL, "%s", ta);
    fail_unless (strstr (tb, "\"data\":\"mixed #1\"") != NULL, "%s", tb);
    joined = g_strconcat (ta, tb, NULL);
    fail_unless (g_file_set_contents (all, joined, -1, NULL));
    fail_unless_equals_int (run_ref (args), 0);
    g_unlink (a);
    g_unlink (b);
    g_unlink (all);
    g_free (joined);
    g_free (ta);
    g_free (tb);
    g_free (desc);
    g_free (head);
    g_free (a);
    g_free (b);
    g_free (all);
  }
}

GST_END_TEST;

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
      /* a name with two types is two pads, not one to link here
       * (test_two_types_on_one_topic) */
      if ((t > 0 && strcmp (gst_rosbag_bag_get_topic (bag, t - 1)->name,
                  topic->name) == 0) || (t + 1 < gst_rosbag_bag_get_n_topics
              (bag) && strcmp (gst_rosbag_bag_get_topic (bag, t + 1)->name,
                  topic->name) == 0))
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
  tcase_add_test (tc, test_buffer_list);
  tcase_add_test (tc, test_buffer_list_bad_message);
  tcase_add_test (tc, test_buffer_list_before_caps);
  tcase_add_test (tc, test_encoding_caps);
  tcase_add_test (tc, test_cdr_unsupported_encapsulation);
  tcase_add_test (tc, test_cdr_definitions_path);
  tcase_add_test (tc, test_json_vs_genpy);
  tcase_add_test (tc, test_csv_vs_genpy);
  tcase_add_test (tc, test_byte_arrays_length);
  tcase_add_test (tc, test_realbags_vs_genpy);
  tcase_add_test (tc, test_bagsrc_recipes);
  tcase_add_test (tc, test_two_types_on_one_topic);
  tcase_add_test (tc, test_shell_recipes);
  tcase_add_test (tc, test_bagsrc_every_topic);
  return s;
}

GST_CHECK_MAIN (rosmsgconvert);
