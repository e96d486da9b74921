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

/* rosbag2 recordings as `ros2 bag record` leaves them: a directory with
 * metadata.yaml (versions 1 to 9, parsed with libyaml) and one or more
 * storage files (`.db3` or `.mcap`, each maybe zstd-compressed whole:
 * compression mode FILE). The files are opened as recordings of their
 * own ("parts") and one backend merges them: its blocks are the parts'
 * blocks, its channel ids are renumbered across the parts and its topics
 * are the parts' topics merged by name. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <yaml.h>
#include <zstd.h>

#include "rosbag-private.h"

/* ---------------------------------------------------------------------- */
/* accessors */

/**
 * gst_rosbag_recording_sniff_metadata:
 * @data: the first bytes of a file
 * @size: how many
 *
 * Returns: whether @data starts like a rosbag2 `metadata.yaml` (its
 * `rosbag2_bagfile_information:` key, after comments, blank lines or a
 * document start)
 */
gboolean
gst_rosbag_recording_sniff_metadata (const guint8 * data, gsize size)
{
  static const gchar key[] = "rosbag2_bagfile_information:";
  gsize i = 0;

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < size) {
    if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
      i++;
    } else if (data[i] == '#') {
      while (i < size && data[i] != '\n')
        i++;
    } else if (size - i >= 3 && memcmp (data + i, "---", 3) == 0) {
      i += 3;
    } else {
      break;
    }
  }
  return size - i >= strlen (key) && memcmp (data + i, key, strlen (key)) == 0;
}

/**
 * gst_rosbag_recording_get_n_files:
 * @rec: a recording
 *
 * Returns: how many storage files it was read from: 1 for a single file,
 * the split files found for a rosbag2 directory
 */
guint
gst_rosbag_recording_get_n_files (GstRosbagRecording * rec)
{
  return rec->files ? rec->files->len - 1 : 1;
}

/**
 * gst_rosbag_recording_get_file:
 * @rec: a recording
 * @i: a file, below gst_rosbag_recording_get_n_files()
 *
 * Returns: (nullable): the path of storage file @i as it was opened (a
 * compressed file by its `.zstd` name), in the recording's order (the
 * metadata's, or the names' for a directory without metadata.yaml)
 */
const gchar *
gst_rosbag_recording_get_file (GstRosbagRecording * rec, guint i)
{
  if (!rec->files)
    return i == 0 ? rec->name : NULL;
  if (i + 1 >= rec->files->len)
    return NULL;
  return g_ptr_array_index (rec->files, i);
}

/**
 * gst_rosbag_recording_get_warnings:
 * @rec: a recording
 *
 * What was found wrong but read around at open: a split file missing or
 * unreadable, metadata that the files contradict (the files win), a
 * directory without metadata.yaml, a database still being written.
 *
 * Returns: (transfer none) (array zero-terminated=1): the warnings, one
 * sentence each; empty if none
 */
const gchar *const *
gst_rosbag_recording_get_warnings (GstRosbagRecording * rec)
{
  static const gchar *const none[] = { NULL };

  if (!rec->warnings)
    return none;
  return (const gchar * const *) rec->warnings->pdata;
}

void
gst_rosbag_recording_add_warning (GstRosbagRecording * rec,
    const gchar * format, ...)
{
  va_list args;

  if (!rec->warnings) {
    rec->warnings = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (rec->warnings, NULL);
  }
  va_start (args, format);
  rec->warnings->pdata[rec->warnings->len - 1] =
      g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (rec->warnings, NULL);
}

/**
 * gst_rosbag_recording_get_metadata_version:
 * @rec: a recording
 *
 * Returns: the version of the rosbag2 `metadata.yaml` it was opened by
 * (1 to 9 are known), or 0 without one (a single file, or a directory
 * without metadata.yaml)
 */
guint
gst_rosbag_recording_get_metadata_version (GstRosbagRecording * rec)
{
  return rec->metadata_version;
}

/**
 * gst_rosbag_recording_get_storage_identifier:
 * @rec: a recording
 *
 * Returns: (nullable): the rosbag2 storage plugin of its files:
 * "sqlite3" or "mcap" (as the metadata names it, or from the files
 * themselves); %NULL for a ROS 1 bag
 */
const gchar *
gst_rosbag_recording_get_storage_identifier (GstRosbagRecording * rec)
{
  if (rec->storage_id)
    return rec->storage_id;
  if (rec->format == GST_ROSBAG_FORMAT_DB3)
    return "sqlite3";
  if (rec->format == GST_ROSBAG_FORMAT_MCAP)
    return "mcap";
  return NULL;
}

/**
 * gst_rosbag_recording_get_ros_distro:
 * @rec: a recording
 *
 * Returns: (nullable): the ROS distribution that recorded it, where the
 * metadata says (version 6 and later)
 */
const gchar *
gst_rosbag_recording_get_ros_distro (GstRosbagRecording * rec)
{
  return rec->ros_distro;
}

/**
 * gst_rosbag_recording_get_rosbag2_compression:
 * @rec: a recording
 * @format: (out) (optional) (transfer none): the compression format
 *   ("zstd")
 * @mode: (out) (optional) (transfer none): "FILE" (each storage file
 *   compressed whole) or "MESSAGE" (each message's data)
 *
 * Returns: whether rosbag2 compressed the recording (as its metadata
 * says, or as its files show)
 */
gboolean
gst_rosbag_recording_get_rosbag2_compression (GstRosbagRecording * rec,
    const gchar ** format, const gchar ** mode)
{
  if (!rec->compression_mode)
    return FALSE;
  if (format)
    *format = rec->compression_format;
  if (mode)
    *mode = rec->compression_mode;
  return TRUE;
}

/**
 * gst_rosbag_topic_get_qos_profiles:
 * @topic: a topic
 *
 * The QoS profiles its publishers offered, as a rosbag2 metadata.yaml
 * lists them: an array of dictionaries (`aa{sv}`) with the keys
 * metadata.yaml uses (`history`, `depth`, `reliability`, `durability`,
 * `deadline`, `lifespan`, `liveliness`, `liveliness_lease_duration`,
 * `avoid_ros_namespace_conventions`); integers are `x`, booleans `b`,
 * other scalars `s`, and durations dictionaries of `sec` and `nsec`.
 *
 * They come from a rosbag2 directory's metadata.yaml, else from the
 * storage file itself (the `offered_qos_profiles` column of a `.db3`'s
 * topics table, an MCAP channel's `offered_qos_profiles` metadata).
 *
 * Returns: (transfer none) (nullable): the profiles, or %NULL where the
 * recording has none (a ROS 1 bag, a file written without them)
 */
GVariant *
gst_rosbag_topic_get_qos_profiles (const GstRosbagTopic * topic)
{
  return topic->qos;
}

/* ---------------------------------------------------------------------- */
/* opening */

/* whether gst_rosbag_recording_open() hands @path to this file: a
 * directory, a metadata.yaml, a compressed storage file */
gboolean
gst_rosbag_recording_is_rosbag2_path (const gchar * path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_str_has_suffix (path, ".zstd") || g_str_has_suffix (path, ".yaml"))
    return TRUE;
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* metadata.yaml */

/* metadata.yaml is small; anything bigger is not one */
#define METADATA_MAX_BYTES (64 * 1024 * 1024)
/* nesting and nodes visited when turning YAML into a GVariant: aliases
 * may make a small document a huge tree */
#define YAML_MAX_DEPTH 32
#define YAML_MAX_NODES 100000

typedef struct
{
  gchar *name, *type, *serialization_format;
  GVariant *qos;
  guint64 count;
} MetaTopic;

typedef struct
{
  guint version;
  gchar *storage_id, *ros_distro, *compression_format, *compression_mode;
  GPtrArray *files;             /* gchar*, relative_file_paths */
  gboolean has_start, has_duration, has_count;
  guint64 start_ns, duration_ns, count;
  GArray *topics;               /* MetaTopic */
} Metadata;

static void
meta_topic_clear (MetaTopic * t)
{
  g_free (t->name);
  g_free (t->type);
  g_free (t->serialization_format);
  if (t->qos)
    g_variant_unref (t->qos);
}

static void
metadata_free (Metadata * m)
{
  if (!m)
    return;
  g_free (m->storage_id);
  g_free (m->ros_distro);
  g_free (m->compression_format);
  g_free (m->compression_mode);
  g_ptr_array_unref (m->files);
  g_array_unref (m->topics);
  g_free (m);
}

static yaml_node_t *
ynode (yaml_document_t * doc, yaml_node_t * map, const gchar * key)
{
  yaml_node_pair_t *p;

  if (!map || map->type != YAML_MAPPING_NODE)
    return NULL;
  for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node (doc, p->key);

    if (k && k->type == YAML_SCALAR_NODE
        && strlen (key) == k->data.scalar.length
        && memcmp (k->data.scalar.value, key, k->data.scalar.length) == 0)
      return yaml_document_get_node (doc, p->value);
  }
  return NULL;
}

/* a scalar's text, or NULL */
static gchar *
ystr (yaml_node_t * n)
{
  if (!n || n->type != YAML_SCALAR_NODE)
    return NULL;
  return g_strndup ((const gchar *) n->data.scalar.value,
      n->data.scalar.length);
}

static gboolean
yu64 (yaml_node_t * n, guint64 * out)
{
  gchar *s = ystr (n);
  gboolean ok;

  if (!s)
    return FALSE;
  ok = g_ascii_string_to_unsigned (g_strstrip (s), 10, 0, G_MAXUINT64, out,
      NULL);
  if (!ok) {
    gint64 v;

    /* rosbag2 writes -1 or negative durations now and then */
    ok = g_ascii_string_to_signed (s, 10, G_MININT64, 0, &v, NULL);
    *out = 0;
  }
  g_free (s);
  return ok;
}

/* a scalar as a GVariant: integers x, booleans b, the rest s */
static GVariant *
yscalar (yaml_node_t * n)
{
  gchar *s = ystr (n);
  GVariant *v;
  gint64 i;

  if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
      && g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, &i, NULL))
    v = g_variant_new_int64 (i);
  else if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
      && (g_ascii_strcasecmp (s, "true") == 0
          || g_ascii_strcasecmp (s, "false") == 0))
    v = g_variant_new_boolean (g_ascii_strcasecmp (s, "true") == 0);
  else
    v = g_variant_new_string (g_utf8_validate (s, -1, NULL) ? s : "");
  g_free (s);
  return v;
}

/* @n as a GVariant: mappings a{sv}, sequences av, scalars by yscalar();
 * NULL past the bounds */
static GVariant *
yvariant (yaml_document_t * doc, yaml_node_t * n, guint depth, guint * nodes)
{
  GVariantBuilder b;

  if (!n || depth > YAML_MAX_DEPTH || ++*nodes > YAML_MAX_NODES)
    return NULL;
  if (n->type == YAML_SCALAR_NODE)
    return yscalar (n);
  if (n->type == YAML_SEQUENCE_NODE) {
    yaml_node_item_t *it;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("av"));
    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
        it++) {
      GVariant *v = yvariant (doc, yaml_document_get_node (doc, *it),
          depth + 1, nodes);

      if (!v) {
        g_variant_builder_clear (&b);
        return NULL;
      }
      g_variant_builder_add (&b, "v", v);
    }
    return g_variant_builder_end (&b);
  }
  if (n->type == YAML_MAPPING_NODE) {
    yaml_node_pair_t *p;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
    for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      gchar *k = ystr (yaml_document_get_node (doc, p->key));
      GVariant *v = yvariant (doc, yaml_document_get_node (doc, p->value),
          depth + 1, nodes);

      if (!k || !v || !g_utf8_validate (k, -1, NULL)) {
        g_free (k);
        if (v)
          g_variant_unref (g_variant_ref_sink (v));
        g_variant_builder_clear (&b);
        return NULL;
      }
      g_variant_builder_add (&b, "{sv}", k, v);
      g_free (k);
    }
    return g_variant_builder_end (&b);
  }
  return NULL;
}

static gboolean
yaml_load (const gchar * text, gsize len, yaml_document_t * doc,
    GError ** error, const gchar * name)
{
  yaml_parser_t parser;
  gboolean ok;

  if (!yaml_parser_initialize (&parser))
    goto fail;
  yaml_parser_set_input_string (&parser, (const guchar *) text, len);
  ok = yaml_parser_load (&parser, doc);
  if (!ok) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s is not YAML: %s at line %lu, column %lu", name,
        parser.problem ? parser.problem : "error",
        (unsigned long) parser.problem_mark.line + 1,
        (unsigned long) parser.problem_mark.column + 1);
    yaml_parser_delete (&parser);
    return FALSE;
  }
  yaml_parser_delete (&parser);
  return TRUE;

fail:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
      "%s: cannot start the YAML parser", name);
  return FALSE;
}

/* offered_qos_profiles: a YAML text in a string (versions 4 to 8), or the
 * list itself (version 9); as aa{sv}, NULL if it is neither */
static GVariant *
qos_profiles (yaml_document_t * doc, yaml_node_t * n)
{
  yaml_document_t inner;
  GVariant *v = NULL, *list;
  GVariantBuilder b;
  GVariantIter it;
  GVariant *item;
  guint nodes = 0;
  gboolean loaded = FALSE;

  if (!n)
    return NULL;
  if (n->type == YAML_SCALAR_NODE) {
    if (n->data.scalar.length == 0)
      return NULL;
    if (!yaml_load ((const gchar *) n->data.scalar.value,
            n->data.scalar.length, &inner, NULL, "offered_qos_profiles"))
      return NULL;
    loaded = TRUE;
    list = yvariant (&inner, yaml_document_get_root_node (&inner), 0, &nodes);
  } else {
    list = yvariant (doc, n, 0, &nodes);
  }
  if (!list)
    goto done;
  g_variant_ref_sink (list);
  if (!g_variant_is_of_type (list, G_VARIANT_TYPE ("av"))) {
    g_variant_unref (list);
    goto done;
  }
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_iter_init (&it, list);
  while (g_variant_iter_next (&it, "v", &item)) {
    if (g_variant_is_of_type (item, G_VARIANT_TYPE ("a{sv}")))
      g_variant_builder_add_value (&b, item);
    g_variant_unref (item);
  }
  v = g_variant_ref_sink (g_variant_builder_end (&b));
  g_variant_unref (list);

done:
  if (loaded)
    yaml_document_delete (&inner);
  return v;
}

GVariant *
gst_rosbag_qos_parse (const gchar * yaml, gsize len)
{
  yaml_document_t doc;
  yaml_node_t n;
  GVariant *v;

  /* as if it were the string scalar of a metadata.yaml */
  memset (&n, 0, sizeof (n));
  n.type = YAML_SCALAR_NODE;
  n.data.scalar.value = (yaml_char_t *) yaml;
  n.data.scalar.length = len;
  memset (&doc, 0, sizeof (doc));
  v = qos_profiles (&doc, &n);
  return v;
}

static gchar *
ystr_or_null (yaml_node_t * n)
{
  gchar *s = ystr (n);

  if (s && !*s) {
    g_free (s);
    return NULL;
  }
  return s;
}

static Metadata *
metadata_parse (const gchar * text, gsize len, const gchar * name,
    GError ** error)
{
  yaml_document_t doc;
  yaml_node_t *root, *info, *n;
  Metadata *m;
  guint64 v;

  if (!yaml_load (text, len, &doc, error, name))
    return NULL;
  root = yaml_document_get_root_node (&doc);
  info = ynode (&doc, root, "rosbag2_bagfile_information");
  if (!info || info->type != YAML_MAPPING_NODE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_NOT_A_BAG,
        "%s is no rosbag2 metadata: it has no rosbag2_bagfile_information"
        " mapping", name);
    yaml_document_delete (&doc);
    return NULL;
  }
  m = g_new0 (Metadata, 1);
  m->files = g_ptr_array_new_with_free_func (g_free);
  m->topics = g_array_new (FALSE, TRUE, sizeof (MetaTopic));
  g_array_set_clear_func (m->topics, (GDestroyNotify) meta_topic_clear);
  if (yu64 (ynode (&doc, info, "version"), &v))
    m->version = MIN (v, G_MAXUINT);
  m->storage_id = ystr_or_null (ynode (&doc, info, "storage_identifier"));
  m->ros_distro = ystr_or_null (ynode (&doc, info, "ros_distro"));
  m->compression_format = ystr_or_null (ynode (&doc, info,
          "compression_format"));
  m->compression_mode = ystr_or_null (ynode (&doc, info, "compression_mode"));
  m->has_duration = yu64 (ynode (&doc, ynode (&doc, info, "duration"),
          "nanoseconds"), &m->duration_ns);
  m->has_start = yu64 (ynode (&doc, ynode (&doc, info, "starting_time"),
          "nanoseconds_since_epoch"), &m->start_ns);
  m->has_count = yu64 (ynode (&doc, info, "message_count"), &m->count);

  n = ynode (&doc, info, "relative_file_paths");
  if (n && n->type == YAML_SEQUENCE_NODE) {
    yaml_node_item_t *it;

    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
        it++) {
      gchar *f = ystr (yaml_document_get_node (&doc, *it));

      if (f && *f)
        g_ptr_array_add (m->files, f);
      else
        g_free (f);
    }
  }
  /* version 5 and later also list files: with their paths */
  n = ynode (&doc, info, "files");
  if (m->files->len == 0 && n && n->type == YAML_SEQUENCE_NODE) {
    yaml_node_item_t *it;

    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
        it++) {
      gchar *f = ystr (ynode (&doc, yaml_document_get_node (&doc, *it),
              "path"));

      if (f && *f)
        g_ptr_array_add (m->files, f);
      else
        g_free (f);
    }
  }

  n = ynode (&doc, info, "topics_with_message_count");
  if (n && n->type == YAML_SEQUENCE_NODE) {
    yaml_node_item_t *it;

    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
        it++) {
      yaml_node_t *e = yaml_document_get_node (&doc, *it);
      yaml_node_t *tm = ynode (&doc, e, "topic_metadata");
      MetaTopic t = { 0, };

      t.name = ystr (ynode (&doc, tm, "name"));
      if (!t.name)
        continue;
      t.type = ystr (ynode (&doc, tm, "type"));
      t.serialization_format = ystr (ynode (&doc, tm, "serialization_format"));
      t.qos = qos_profiles (&doc, ynode (&doc, tm, "offered_qos_profiles"));
      yu64 (ynode (&doc, e, "message_count"), &t.count);
      g_array_append_val (m->topics, t);
    }
  }
  yaml_document_delete (&doc);
  return m;
}

gint
gst_rosbag_rosbag2_check_metadata (const gchar * text, gsize len,
    GError ** error)
{
  Metadata *m = metadata_parse (text, len, "metadata.yaml", error);
  gint n;

  if (!m)
    return -1;
  n = m->files->len + m->topics->len;
  metadata_free (m);
  return n;
}

/* ---------------------------------------------------------------------- */
/* storage files */

static gboolean
is_storage_name (const gchar * name)
{
  return g_str_has_suffix (name, ".db3") || g_str_has_suffix (name, ".mcap")
      || g_str_has_suffix (name, ".db3.zstd")
      || g_str_has_suffix (name, ".mcap.zstd");
}

/* names in natural order: x_2 before x_10 */
static gint
natural_cmp (gconstpointer a, gconstpointer b)
{
  const gchar *sa = *(const gchar * const *) a;
  const gchar *sb = *(const gchar * const *) b;

  while (*sa && *sb) {
    if (g_ascii_isdigit (*sa) && g_ascii_isdigit (*sb)) {
      guint64 na = g_ascii_strtoull (sa, (gchar **) & sa, 10);
      guint64 nb = g_ascii_strtoull (sb, (gchar **) & sb, 10);

      if (na != nb)
        return na < nb ? -1 : 1;
    } else {
      if (*sa != *sb)
        return (guchar) * sa - (guchar) * sb;
      sa++;
      sb++;
    }
  }
  return (guchar) * sa - (guchar) * sb;
}

/* the storage files of @dir, by name (a directory named like one is
 * not) */
static GPtrArray *
list_storage_files (const gchar * dir, GError ** error)
{
  GDir *d = g_dir_open (dir, 0, error);
  GPtrArray *out;
  const gchar *e;

  if (!d)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_free);
  while ((e = g_dir_read_name (d))) {
    gchar *p;

    if (!is_storage_name (e))
      continue;
    p = g_build_filename (dir, e, NULL);
    if (!g_file_test (p, G_FILE_TEST_IS_DIR))
      g_ptr_array_add (out, g_strdup (e));
    g_free (p);
  }
  g_dir_close (d);
  g_ptr_array_sort (out, natural_cmp);
  return out;
}

/* where a path of relative_file_paths is: relative to the directory; as
 * old rosbag2 wrote it, relative to its parent (the directory's own name
 * first); or just its name in the directory */
static gchar *
resolve_file (const gchar * dir, const gchar * rel)
{
  gchar *p, *base, *parent;

  if (g_path_is_absolute (rel))
    return g_file_test (rel, G_FILE_TEST_IS_REGULAR) ? g_strdup (rel) : NULL;
  p = g_build_filename (dir, rel, NULL);
  if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
    return p;
  g_free (p);
  parent = g_path_get_dirname (dir);
  p = g_build_filename (parent, rel, NULL);
  g_free (parent);
  if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
    return p;
  g_free (p);
  base = g_path_get_basename (rel);
  p = g_build_filename (dir, base, NULL);
  g_free (base);
  if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
    return p;
  g_free (p);
  return NULL;
}

/* @path (x.db3.zstd, x.mcap.zstd: one zstd stream) decompressed into a
 * new temporary file, mapped and deleted at once: the mapping keeps its
 * pages until the recording is freed */
static gboolean
map_decompressed (const gchar * path, GstRosbagReadFunc * func,
    gpointer * ud, GDestroyNotify * notify, guint64 * size, GError ** error)
{
  ZSTD_DCtx *dctx = NULL;
  FILE *in = NULL, *out = NULL;
  gchar *tmp = NULL, *ibuf = NULL, *obuf = NULL;
  gsize ilen = ZSTD_DStreamInSize (), olen = ZSTD_DStreamOutSize ();
  gsize last = 0, got;
  GError *err = NULL;
  gint fd;
  gboolean ok;

  fd = g_file_open_tmp ("gst-rosbag-XXXXXX", &tmp, &err);
  if (fd < 0)
    goto tmp_failed;
  out = fdopen (fd, "wb");
  if (out)
    fd = -1;                    /* out owns it */
  in = fopen (path, "rb");
  if (!out || !in)
    goto io_failed;
  dctx = ZSTD_createDCtx ();
  ibuf = g_malloc (ilen);
  obuf = g_malloc (olen);
  while ((got = fread (ibuf, 1, ilen, in)) > 0) {
    ZSTD_inBuffer ib = { ibuf, got, 0 };

    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob = { obuf, olen, 0 };

      last = ZSTD_decompressStream (dctx, &ob, &ib);
      if (ZSTD_isError (last))
        goto zstd_failed;
      if (ob.pos > 0 && fwrite (obuf, 1, ob.pos, out) != ob.pos)
        goto io_failed;
    }
  }
  if (ferror (in))
    goto io_failed;
  if (last != 0)
    goto truncated;
  if (fflush (out) != 0)
    goto io_failed;
  ok = fclose (out) == 0;
  out = NULL;
  if (!ok)
    goto io_failed;
  fclose (in);
  ZSTD_freeDCtx (dctx);
  g_free (ibuf);
  g_free (obuf);
  ok = gst_rosbag_map_file (tmp, func, ud, notify, size, error);
  g_unlink (tmp);
  g_free (tmp);
  return ok;

tmp_failed:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
      "%s: no temporary file to decompress into: %s", path, err->message);
  g_clear_error (&err);
  return FALSE;
io_failed:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
      "%s: decompressing into %s failed: %s", path, tmp ? tmp : "?",
      g_strerror (errno));
  goto cleanup;
zstd_failed:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_DECOMPRESS,
      "%s: zstd: %s", path, ZSTD_getErrorName (last));
  goto cleanup;
truncated:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_TRUNCATED,
      "%s: the zstd stream ends early (a cut-off file)", path);
  goto cleanup;
cleanup:
  if (out)
    fclose (out);
  else if (fd >= 0)
    close (fd);
  if (in)
    fclose (in);
  if (dctx)
    ZSTD_freeDCtx (dctx);
  g_free (ibuf);
  g_free (obuf);
  if (tmp)
    g_unlink (tmp);
  g_free (tmp);
  return FALSE;
}

/* one storage file as a recording of its own */
static GstRosbagRecording *
open_part (const gchar * path, GError ** error)
{
  GstRosbagReadFunc func;
  gpointer ud;
  GDestroyNotify notify;
  GstRosbagRecording *rec;
  guint64 size;
  gboolean ok;

  if (g_str_has_suffix (path, ".zstd"))
    ok = map_decompressed (path, &func, &ud, &notify, &size, error);
  else
    ok = gst_rosbag_map_file (path, &func, &ud, &notify, &size, error);
  if (!ok)
    return NULL;
  rec = gst_rosbag_recording_open_with_func (func, ud, notify, size, path,
      error);
  if (rec && g_str_has_suffix (path, ".zstd")) {
    g_free (rec->compression_format);
    g_free (rec->compression_mode);
    rec->compression_format = g_strdup ("zstd");
    rec->compression_mode = g_strdup ("FILE");
  }
  return rec;
}

/* ---------------------------------------------------------------------- */
/* the merged backend: the parts' blocks, channels renumbered */

typedef struct
{
  GstRosbagRecording *rec;
  const GstRosbagBackendFuncs *funcs;
  gpointer be;
  GHashTable *to_global;        /* local channel id -> global id + 1 */
} Part;

typedef struct
{
  guint part;
  guint32 local;
} GlobalChannel;

typedef struct
{
  GArray *parts;                /* Part */
  GArray *block_part;           /* per block: guint part */
  GArray *block_local;          /* per block: guint block in its part */
  GArray *globals;              /* GlobalChannel, by global id */
  GPtrArray *block_channels;    /* per block: guint32* (global ids) */
} Merged;

static void
merged_free (Merged * m)
{
  guint i;

  for (i = 0; i < m->parts->len; i++) {
    Part *p = &g_array_index (m->parts, Part, i);

    g_hash_table_unref (p->to_global);
  }
  g_array_unref (m->parts);
  g_array_unref (m->block_part);
  g_array_unref (m->block_local);
  g_array_unref (m->globals);
  g_ptr_array_unref (m->block_channels);
  g_free (m);
}

static Part *
block_part (Merged * m, guint i, guint * local)
{
  *local = g_array_index (m->block_local, guint, i);
  return &g_array_index (m->parts, Part, g_array_index (m->block_part, guint,
          i));
}

static GArray *
m_load_index (gpointer be, guint i, GHashTable * wanted, GError ** error)
{
  Merged *m = be;
  guint local, k, kept, pi = g_array_index (m->block_part, guint, i);
  Part *p = block_part (m, i, &local);
  GHashTable *lw = NULL;
  GArray *out;

  if (wanted) {
    GHashTableIter it;
    gpointer key;

    lw = g_hash_table_new (NULL, NULL);
    g_hash_table_iter_init (&it, wanted);
    while (g_hash_table_iter_next (&it, &key, NULL)) {
      guint g = GPOINTER_TO_UINT (key);
      GlobalChannel *gc;

      if (g >= m->globals->len)
        continue;
      gc = &g_array_index (m->globals, GlobalChannel, g);
      if (gc->part == pi)
        g_hash_table_add (lw, GUINT_TO_POINTER (gc->local));
    }
  }
  out = p->funcs->load_index (p->be, local, lw, error);
  if (lw)
    g_hash_table_unref (lw);
  if (!out)
    return NULL;
  /* renumber, in place; entries of channels without a global id (a topic
   * dropped for its type) go */
  for (k = 0, kept = 0; k < out->len; k++) {
    GstRosbagIndexEntry e = g_array_index (out, GstRosbagIndexEntry, k);
    guint g = GPOINTER_TO_UINT (g_hash_table_lookup (p->to_global,
            GUINT_TO_POINTER (e.conn_id)));

    if (g == 0)
      continue;
    e.conn_id = g - 1;
    g_array_index (out, GstRosbagIndexEntry, kept++) = e;
  }
  g_array_set_size (out, kept);
  return out;
}

static gboolean
m_block_size (gpointer be, guint i, gsize * size, GError ** error)
{
  guint local;
  Part *p = block_part (be, i, &local);

  return p->funcs->block_size (p->be, local, size, error);
}

static GBytes *
m_read_block (gpointer be, guint i, GError ** error)
{
  guint local;
  Part *p = block_part (be, i, &local);

  return p->funcs->read_block (p->be, local, error);
}

static GBytes *
m_decode_block (gpointer be, guint i, GBytes * raw, GError ** error)
{
  guint local;
  Part *p = block_part (be, i, &local);

  return p->funcs->decode_block (p->be, local, raw, error);
}

static gboolean
m_parse_message (gpointer be, guint i, GBytes * block, guint64 offset,
    GstRosbagMessage * msg, GError ** error)
{
  guint local, g;
  Part *p = block_part (be, i, &local);

  if (!p->funcs->parse_message (p->be, local, block, offset, msg, error))
    return FALSE;
  g = GPOINTER_TO_UINT (g_hash_table_lookup (p->to_global,
          GUINT_TO_POINTER (msg->channel_id)));
  /* 0: a channel left out; the reader then finds no topic for it */
  msg->channel_id = g ? g - 1 : G_MAXUINT32;
  return TRUE;
}

static const GstRosbagBackendFuncs merged_funcs = {
  m_load_index,
  m_block_size,
  m_read_block,
  m_decode_block,
  m_parse_message,
};

/* ---------------------------------------------------------------------- */
/* opening a directory */

static gint
u32_cmp (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* "pkg/msg/T" and "pkg/T" name the same type */
static gboolean
type_names_equal (const gchar * a, const gchar * b)
{
  gchar **pa = g_strsplit (a, "/", -1), **pb = g_strsplit (b, "/", -1);
  guint na = g_strv_length (pa), nb = g_strv_length (pb);
  gboolean eq = na >= 2 && nb >= 2 && strcmp (pa[0], pb[0]) == 0
      && strcmp (pa[na - 1], pb[nb - 1]) == 0;

  g_strfreev (pa);
  g_strfreev (pb);
  return eq;
}

static GstRosbagTopic *
topic_copy (const GstRosbagTopic * t)
{
  GstRosbagTopic *c = gst_rosbag_topic_new (t->name);
  guint i;

  g_free (c->type);
  c->type = g_strdup (t->type);
  g_free (c->schema_encoding);
  c->schema_encoding = g_strdup (t->schema_encoding);
  g_free (c->message_encoding);
  c->message_encoding = g_strdup (t->message_encoding);
  gst_rosbag_topic_set_definition (c, t->definition, t->definition_len);
  c->md5sum = g_strdup (t->md5sum);
  for (i = 0; i < t->callerids->len; i++)
    g_ptr_array_add (c->callerids, g_strdup (g_ptr_array_index (t->callerids,
                i)));
  c->latching = t->latching;
  c->message_count = t->message_count;
  c->first_ns = t->first_ns;
  c->last_ns = t->last_ns;
  if (t->qos)
    c->qos = g_variant_ref (t->qos);
  return c;
}

/* @into gains @t's messages (same name and type) */
static void
topic_merge (GstRosbagTopic * into, const GstRosbagTopic * t)
{
  guint i;

  into->message_count += t->message_count;
  into->first_ns = MIN (into->first_ns, t->first_ns);
  if (t->last_ns != G_MAXUINT64 && (into->last_ns == G_MAXUINT64
          || t->last_ns > into->last_ns))
    into->last_ns = t->last_ns;
  for (i = 0; i < t->callerids->len; i++)
    g_ptr_array_add (into->callerids,
        g_strdup (g_ptr_array_index (t->callerids, i)));
  into->latching |= t->latching;
  if (into->definition_len == 0 && t->definition_len > 0) {
    gst_rosbag_topic_set_definition (into, t->definition, t->definition_len);
    g_free (into->schema_encoding);
    into->schema_encoding = g_strdup (t->schema_encoding);
  }
  if (!into->qos && t->qos)
    into->qos = g_variant_ref (t->qos);
}

/* @rec (a new recording) over @parts: blocks, channels and topics */
static void
merge_parts (GstRosbagRecording * rec, GPtrArray * parts)
{
  Merged *m = g_new0 (Merged, 1);
  GHashTable *by_name = g_hash_table_new (g_str_hash, g_str_equal);
  guint pi, j;

  m->parts = g_array_new (FALSE, TRUE, sizeof (Part));
  m->block_part = g_array_new (FALSE, FALSE, sizeof (guint));
  m->block_local = g_array_new (FALSE, FALSE, sizeof (guint));
  m->globals = g_array_new (FALSE, FALSE, sizeof (GlobalChannel));
  m->block_channels = g_ptr_array_new_with_free_func (g_free);
  rec->info.funcs = &merged_funcs;
  rec->info.backend = m;
  rec->info.backend_free = (GDestroyNotify) merged_free;
  rec->info.blocks = g_array_new (FALSE, FALSE, sizeof (GstRosbagBlock));
  rec->info.topics = g_ptr_array_new ();
  rec->info.channels = g_hash_table_new (NULL, NULL);

  for (pi = 0; pi < parts->len; pi++) {
    GstRosbagRecording *prec = g_ptr_array_index (parts, pi);
    Part p = { 0, };
    GHashTable *dropped = g_hash_table_new (NULL, NULL);
    GHashTableIter it;
    gpointer key, value;
    GArray *locals;

    p.rec = prec;
    p.funcs = gst_rosbag_recording_get_backend (prec, &p.be);
    p.to_global = g_hash_table_new (NULL, NULL);

    /* topics by name; one of another type than the first file's stays
     * out */
    for (j = 0; j < prec->topics->len; j++) {
      const GstRosbagTopic *t = g_ptr_array_index (prec->topics, j);
      GstRosbagTopic *into = g_hash_table_lookup (by_name, t->name);

      if (!into) {
        into = topic_copy (t);
        g_ptr_array_add (rec->info.topics, into);
        g_hash_table_insert (by_name, into->name, into);
      } else if (*into->type && *t->type && strcmp (into->type, t->type)) {
        gst_rosbag_recording_add_warning (rec, "topic %s is %s in %s but %s"
            " before: its %" G_GUINT64_FORMAT " messages there are left out",
            t->name, t->type, prec->name, into->type, t->message_count);
        g_hash_table_add (dropped, (gpointer) t);
      } else {
        topic_merge (into, t);
      }
    }

    /* channels, renumbered in the order of their local ids */
    locals = g_array_new (FALSE, FALSE, sizeof (guint32));
    g_hash_table_iter_init (&it, prec->info.channels);
    while (g_hash_table_iter_next (&it, &key, &value)) {
      guint32 l = GPOINTER_TO_UINT (key);

      if (!g_hash_table_contains (dropped, value))
        g_array_append_val (locals, l);
    }
    g_array_sort (locals, u32_cmp);
    for (j = 0; j < locals->len; j++) {
      guint32 l = g_array_index (locals, guint32, j);
      const GstRosbagTopic *t = g_hash_table_lookup (prec->info.channels,
          GUINT_TO_POINTER (l));
      GlobalChannel gc = { pi, l };
      guint g = m->globals->len;

      g_array_append_val (m->globals, gc);
      g_hash_table_insert (p.to_global, GUINT_TO_POINTER (l),
          GUINT_TO_POINTER (g + 1));
      g_hash_table_insert (rec->info.channels, GUINT_TO_POINTER (g),
          g_hash_table_lookup (by_name, t->name));
    }
    g_array_unref (locals);
    g_hash_table_unref (dropped);

    /* blocks; equal times keep file order */
    for (j = 0; j < prec->info.blocks->len; j++) {
      GstRosbagBlock b = g_array_index (prec->info.blocks, GstRosbagBlock, j);

      b.pos = ((guint64) pi << 48) | (b.pos & G_GUINT64_CONSTANT
          (0xffffffffffff));
      if (b.channel_ids && b.n_channels > 0) {
        guint32 *ids = g_new (guint32, b.n_channels);
        guint k, n = 0;

        for (k = 0; k < b.n_channels; k++) {
          guint g = GPOINTER_TO_UINT (g_hash_table_lookup (p.to_global,
                  GUINT_TO_POINTER (b.channel_ids[k])));

          if (g)
            ids[n++] = g - 1;
        }
        b.n_channels = n;
        b.channel_ids = ids;
        g_ptr_array_add (m->block_channels, ids);
      }
      g_array_append_val (rec->info.blocks, b);
      g_array_append_val (m->block_part, pi);
      g_array_append_val (m->block_local, j);
    }
    g_array_append_val (m->parts, p);
  }
  g_hash_table_unref (by_name);
}

/* the compression metadata.yaml says against what the files show (a
 * compressed .zstd name, zstd frames in a .db3's rows; an MCAP file's
 * messages only show when read): the files win where they can tell */
static void
check_compression (GstRosbagRecording * rec, Metadata * md, GPtrArray * parts)
{
  const gchar *said = md->compression_mode ? md->compression_mode : "";
  gboolean said_message = g_ascii_strcasecmp (said, "MESSAGE") == 0;
  gboolean said_file = g_ascii_strcasecmp (said, "FILE") == 0;
  gboolean db3_plain = FALSE, db3_zstd = FALSE, any_file = FALSE;
  guint i;

  for (i = 0; i < parts->len; i++) {
    GstRosbagRecording *p = g_ptr_array_index (parts, i);

    if (p->compression_mode && strcmp (p->compression_mode, "FILE") == 0)
      any_file = TRUE;
    else if (p->db3 && p->message_count > 0) {
      if (gst_rosbag_db3_is_message_compressed (p->db3))
        db3_zstd = TRUE;
      else
        db3_plain = TRUE;
    }
  }
  if (said_message && db3_plain && !db3_zstd)
    gst_rosbag_recording_add_warning (rec, "metadata.yaml says compression"
        " mode MESSAGE but the messages of the files are not compressed:"
        " they are read as they are");
  else if (!said_message && db3_zstd)
    gst_rosbag_recording_add_warning (rec, "metadata.yaml says compression"
        " mode \"%s\" but the messages of the files are zstd-compressed one"
        " by one (MESSAGE): they are decompressed", said);
  if (said_file && !any_file)
    gst_rosbag_recording_add_warning (rec, "metadata.yaml says compression"
        " mode FILE but no file is compressed (no .zstd name)");
  else if (!said_file && any_file && !said_message)
    gst_rosbag_recording_add_warning (rec, "metadata.yaml says compression"
        " mode \"%s\" but its files are compressed whole (FILE)", said);

  /* what is reported: what the files show, else what the metadata says */
  if (db3_zstd || any_file)
    return;
  g_free (rec->compression_format);
  g_free (rec->compression_mode);
  rec->compression_format = NULL;
  rec->compression_mode = NULL;
  if (said_message && !db3_plain) {
    rec->compression_format = g_strdup (md->compression_format ?
        md->compression_format : "zstd");
    rec->compression_mode = g_strdup ("MESSAGE");
  }
}

/* the metadata against what the files hold: the files win. With split
 * files left out (@complete FALSE) counts cannot agree and are not
 * compared: the warnings about those files say it. */
static void
check_metadata (GstRosbagRecording * rec, Metadata * md, gboolean complete)
{
  GString *off = g_string_new (NULL);
  guint i, n_off = 0;

  for (i = 0; i < md->topics->len; i++) {
    MetaTopic *mt = &g_array_index (md->topics, MetaTopic, i);
    GstRosbagTopic *t = NULL;
    guint k;

    for (k = 0; k < rec->info.topics->len; k++) {
      GstRosbagTopic *c = g_ptr_array_index (rec->info.topics, k);

      if (strcmp (c->name, mt->name) == 0)
        t = c;
    }
    if (!t) {
      if (mt->count > 0 && complete)
        gst_rosbag_recording_add_warning (rec, "metadata.yaml lists %"
            G_GUINT64_FORMAT " messages on %s, which no file holds",
            mt->count, mt->name);
      continue;
    }
    if (mt->qos) {
      if (t->qos)
        g_variant_unref (t->qos);
      t->qos = g_variant_ref (mt->qos);
    }
    if (mt->type && *mt->type && *t->type && strcmp (mt->type, t->type)
        && !type_names_equal (mt->type, t->type))
      gst_rosbag_recording_add_warning (rec, "metadata.yaml says %s is %s;"
          " the files say %s", mt->name, mt->type, t->type);
    if (complete && mt->count != t->message_count) {
      if (n_off++ < 4)
        g_string_append_printf (off, "%s%s %" G_GUINT64_FORMAT " (metadata %"
            G_GUINT64_FORMAT ")", off->len ? ", " : "", mt->name,
            t->message_count, mt->count);
    }
  }
  if (n_off > 0)
    gst_rosbag_recording_add_warning (rec, "the files hold other message"
        " counts than metadata.yaml says on %u topic%s: %s%s", n_off,
        n_off > 1 ? "s" : "", off->str, n_off > 4 ? ", ..." : "");
  g_string_free (off, TRUE);
}

static gchar *
read_metadata (const gchar * path, gsize * len, GError ** error)
{
  gchar *text;

  if (!g_file_get_contents (path, &text, len, error))
    return NULL;
  if (*len > METADATA_MAX_BYTES) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: %" G_GSIZE_FORMAT " bytes is too big for a metadata.yaml", path,
        *len);
    g_free (text);
    return NULL;
  }
  return text;
}

static gboolean
non_empty (const gchar * path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_size > 0;
}

/* A database being written (or left by a killed writer) has a journal or
 * write-ahead log with content beside it: sqlite readers (not we, reading
 * the file as it is) would replay it; pages of an unfinished transaction
 * may already be in the file. Empty ones are left by readers. Returns
 * "-wal", "-journal" or NULL. */
static const gchar *
written_journal (const gchar * file)
{
  static const gchar *const suffixes[] = { "-wal", "-journal", NULL };
  const gchar *found = NULL;
  guint i;

  for (i = 0; suffixes[i] && !found; i++) {
    gchar *p = g_strconcat (file, suffixes[i], NULL);

    if (non_empty (p))
      found = suffixes[i];
    g_free (p);
  }
  return found;
}

/* for an error opening @file: whether it is being written */
gboolean
gst_rosbag_db3_path_is_written (const gchar * file)
{
  return written_journal (file) != NULL;
}

static void
warn_if_written (GstRosbagRecording * rec, const gchar * file)
{
  const gchar *journal = written_journal (file);

  if (journal)
    gst_rosbag_recording_add_warning (rec, "%s has a %s file beside it: it"
        " is being written or was not closed, and what is only in that file"
        " is not read", file, journal);
}

GstRosbagRecording *
gst_rosbag_rosbag2_open (const gchar * path, GError ** error)
{
  GstRosbagRecording *rec;
  GPtrArray *names = NULL, *parts, *found;
  Metadata *md = NULL;
  gchar *dir, *meta, *text;
  GError *first = NULL, *err = NULL;
  gboolean complete;
  gsize len;
  guint i;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
    if (g_str_has_suffix (path, ".zstd"))
      return open_part (path, error);
    dir = g_path_get_dirname (path);
    meta = g_strdup (path);
  } else {
    dir = g_strdup (path);
    meta = g_build_filename (dir, "metadata.yaml", NULL);
  }

  rec = g_new0 (GstRosbagRecording, 1);
  rec->refcount = 1;
  rec->name = g_strdup (path);

  if (g_file_test (meta, G_FILE_TEST_EXISTS)) {
    text = read_metadata (meta, &len, &err);
    if (text) {
      md = metadata_parse (text, len, meta, &err);
      g_free (text);
    }
    if (!md) {
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        goto no_metadata;
      gst_rosbag_recording_add_warning (rec, "%s cannot be read (%s): reading"
          " the storage files in %s instead", meta, err->message, dir);
      g_clear_error (&err);
    }
  } else if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_set_error (&err, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s does not exist", meta);
    goto no_metadata;
  }

  found = g_ptr_array_new_with_free_func (g_free);
  if (md && md->files->len > 0) {
    for (i = 0; i < md->files->len; i++) {
      const gchar *f = g_ptr_array_index (md->files, i);
      gchar *p = resolve_file (dir, f);

      if (p)
        g_ptr_array_add (found, p);
      else
        gst_rosbag_recording_add_warning (rec, "split file %s that"
            " metadata.yaml names is not in %s: its messages are missing", f,
            dir);
    }
  } else {
    names = list_storage_files (dir, &err);
    if (!names)
      goto no_files;
    if (!md && !g_file_test (meta, G_FILE_TEST_EXISTS))
      gst_rosbag_recording_add_warning (rec, "%s has no metadata.yaml:"
          " reading the %u storage file%s it holds in name order, as"
          " `ros2 bag reindex` would", dir, names->len,
          names->len == 1 ? "" : "s");
    for (i = 0; i < names->len; i++)
      g_ptr_array_add (found, g_build_filename (dir,
              (const gchar *) g_ptr_array_index (names, i), NULL));
    g_ptr_array_unref (names);
  }

  /* the parts */
  parts = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_rosbag_recording_unref);
  rec->files = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < found->len; i++) {
    const gchar *f = g_ptr_array_index (found, i);
    GstRosbagRecording *part;

    if (g_str_has_suffix (f, ".db3"))
      warn_if_written (rec, f);
    part = open_part (f, &err);

    if (part && part->format != GST_ROSBAG_FORMAT_MCAP
        && part->format != GST_ROSBAG_FORMAT_DB3) {
      g_set_error (&err, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s is a ROS 1 bag, which is no rosbag2 storage", f);
      g_clear_pointer (&part, gst_rosbag_recording_unref);
    }
    if (part && parts->len > 0 && part->format != rec->format) {
      g_set_error (&err, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s is not in the storage format of %s", f,
          (const gchar *) g_ptr_array_index (rec->files, 0));
      g_clear_pointer (&part, gst_rosbag_recording_unref);
    }
    if (!part) {
      gst_rosbag_recording_add_warning (rec, "split file %s cannot be read"
          " and is left out: %s", f, err->message);
      if (!first)
        first = err;
      else
        g_error_free (err);
      err = NULL;
      continue;
    }
    if (!gst_rosbag_recording_is_indexed (part))
      gst_rosbag_recording_add_warning (rec, "split file %s has no usable"
          " index and was scanned: %s", f,
          gst_rosbag_recording_get_scan_report (part) ?
          gst_rosbag_recording_get_scan_report (part) : "no report");
    if (parts->len == 0)
      rec->format = part->format;
    rec->file_size += part->file_size;
    if (part->compression_mode && !rec->compression_mode) {
      rec->compression_format = g_strdup (part->compression_format);
      rec->compression_mode = g_strdup (part->compression_mode);
    }
    g_ptr_array_add (rec->files, g_strdup (f));
    g_ptr_array_add (parts, part);
  }
  g_ptr_array_add (rec->files, NULL);
  if (parts->len == 0)
    goto nothing_readable;
  g_clear_error (&first);
  complete = parts->len == found->len && (!md || md->files->len == 0
      || found->len == md->files->len);
  g_ptr_array_unref (found);

  rec->parts = parts;
  merge_parts (rec, parts);
  if (md) {
    rec->metadata_version = md->version;
    rec->storage_id = g_strdup (md->storage_id);
    rec->ros_distro = g_strdup (md->ros_distro);
    check_compression (rec, md, parts);
    check_metadata (rec, md, complete);
  }
  /* MESSAGE mode: sqlite storage decompresses in its blocks; the reader
   * does it for any other (a message that is no zstd frame stays) */
  if (rec->compression_mode && g_ascii_strcasecmp (rec->compression_mode,
          "MESSAGE") == 0) {
    for (i = 0; i < rec->info.topics->len; i++)
      ((GstRosbagTopic *) g_ptr_array_index (rec->info.topics,
              i))->zstd_messages = TRUE;
  }
  gst_rosbag_recording_finish (rec);
  if (md && complete && md->has_count && md->count != rec->message_count)
    gst_rosbag_recording_add_warning (rec, "metadata.yaml counts %"
        G_GUINT64_FORMAT " messages; the files hold %" G_GUINT64_FORMAT,
        md->count, rec->message_count);
  if (md && complete && md->has_start && md->has_duration
      && rec->message_count > 0
      && (md->start_ns != rec->start_ns
          || md->start_ns + md->duration_ns != rec->end_ns))
    gst_rosbag_recording_add_warning (rec, "metadata.yaml says the"
        " recording starts at %" G_GUINT64_FORMAT " ns and lasts %"
        G_GUINT64_FORMAT " ns; its files hold messages from %"
        G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " ns", md->start_ns,
        md->duration_ns, rec->start_ns, rec->end_ns);
  metadata_free (md);
  g_free (dir);
  g_free (meta);
  return rec;

no_metadata:
  g_propagate_error (error, err);
  goto fail;
no_files:
  g_propagate_prefixed_error (error, err, "%s: ", path);
  g_ptr_array_unref (found);
  goto fail;
nothing_readable:
  if (found->len == 0 && md && md->files->len > 0) {
    gchar *list;

    g_ptr_array_add (md->files, NULL);
    list = g_strjoinv (", ", (gchar **) md->files->pdata);
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s: none of the split files metadata.yaml names is there (%s)",
        path, list);
    g_free (list);
  } else if (found->len == 0 && !g_file_test (meta, G_FILE_TEST_EXISTS))
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s is a directory without a rosbag2 recording: no metadata.yaml and "
        "no storage file (.db3, .mcap, .db3.zstd, .mcap.zstd) in it", path);
  else if (found->len == 0)
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s: no storage file (.db3, .mcap, .db3.zstd, .mcap.zstd) in it", path);
  else if (found->len == 1)
    g_propagate_error (error, g_steal_pointer (&first));
  else
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s: none of its %u storage files can be read; the first: %s",
        path, found->len, first->message);
  g_clear_error (&first);
  g_ptr_array_unref (found);
  g_ptr_array_unref (parts);
  goto fail;
fail:
  metadata_free (md);
  g_free (dir);
  g_free (meta);
  gst_rosbag_recording_unref (rec);
  return NULL;
}

void
gst_rosbag_rosbag2_clear (GstRosbagRecording * rec)
{
  if (rec->parts)
    g_ptr_array_unref (rec->parts);
  if (rec->files)
    g_ptr_array_unref (rec->files);
  if (rec->warnings)
    g_ptr_array_unref (rec->warnings);
  g_free (rec->storage_id);
  g_free (rec->ros_distro);
  g_free (rec->compression_format);
  g_free (rec->compression_mode);
}
