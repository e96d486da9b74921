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

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>
#ifdef G_OS_UNIX
#include <unistd.h>
#else
#include <io.h>
#endif

#include "rosbag-definitions.h"

#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

typedef struct
{
  const gchar *name;            /* pkg/msg/Type */
  const gchar *text;
} GstRosbagBuiltinDefinition;

#include "rosbag-definitions-builtin.h"

/* the types a dependency walk may visit, besides the depth bound */
#define MAX_TYPES 4096

struct _GstRosbagDefinitions
{
  gint refcount;
  gchar **dirs;
};

static const gchar *const primitives[] = {
  "bool", "byte", "char", "float32", "float64", "int8", "uint8", "int16",
  "uint16", "int32", "uint32", "int64", "uint64", "string", "wstring", NULL
};

/**
 * gst_rosbag_definitions_new:
 * @search_path: (nullable): directories separated by `:` (%G_SEARCHPATH_SEPARATOR_S),
 *   each laid out as an installed ROS 2 share tree (`DIR/pkg/msg/Type.msg`);
 *   %NULL or empty for none
 *
 * Makes a set of places to find message definitions in: the directories
 * of @search_path in their order, then the definitions built into the
 * library. Directories are not read until a lookup; one that does not
 * exist is skipped.
 *
 * Returns: (transfer full): a new #GstRosbagDefinitions; unref with
 *   gst_rosbag_definitions_unref()
 */
GstRosbagDefinitions *
gst_rosbag_definitions_new (const gchar * search_path)
{
  GstRosbagDefinitions *defs = g_new0 (GstRosbagDefinitions, 1);
  GPtrArray *dirs = g_ptr_array_new ();

  defs->refcount = 1;
  if (search_path && *search_path) {
    gchar **parts = g_strsplit (search_path, G_SEARCHPATH_SEPARATOR_S, -1);
    guint i;

    for (i = 0; parts[i]; i++) {
      if (*parts[i])
        g_ptr_array_add (dirs, g_strdup (parts[i]));
    }
    g_strfreev (parts);
  }
  g_ptr_array_add (dirs, NULL);
  defs->dirs = (gchar **) g_ptr_array_free (dirs, FALSE);
  return defs;
}

/**
 * gst_rosbag_definitions_ref:
 * @defs: a #GstRosbagDefinitions
 *
 * Returns: (transfer full): @defs
 */
GstRosbagDefinitions *
gst_rosbag_definitions_ref (GstRosbagDefinitions * defs)
{
  g_return_val_if_fail (defs != NULL, NULL);

  g_atomic_int_inc (&defs->refcount);
  return defs;
}

/**
 * gst_rosbag_definitions_unref:
 * @defs: (transfer full): a #GstRosbagDefinitions
 */
void
gst_rosbag_definitions_unref (GstRosbagDefinitions * defs)
{
  g_return_if_fail (defs != NULL);

  if (!g_atomic_int_dec_and_test (&defs->refcount))
    return;
  g_strfreev (defs->dirs);
  g_free (defs);
}

/**
 * gst_rosbag_definitions_get_search_path:
 * @defs: a #GstRosbagDefinitions
 *
 * Returns: (transfer none): the directories searched before the built-in
 *   definitions, in order (possibly none)
 */
const gchar *const *
gst_rosbag_definitions_get_search_path (GstRosbagDefinitions * defs)
{
  g_return_val_if_fail (defs != NULL, NULL);

  return (const gchar * const *) defs->dirs;
}

/**
 * gst_rosbag_definitions_list_builtin:
 *
 * Returns: (transfer none): the types (`pkg/msg/Type`) built into the
 *   library, sorted
 */
const gchar *const *
gst_rosbag_definitions_list_builtin (void)
{
  static gsize init = 0;
  static const gchar **names;

  if (g_once_init_enter (&init)) {
    guint i, n = G_N_ELEMENTS (builtin_definitions);

    names = g_new0 (const gchar *, n + 1);
    for (i = 0; i < n; i++)
      names[i] = builtin_definitions[i].name;
    g_once_init_leave (&init, 1);
  }
  return names;
}

static gint
compare_builtin (gconstpointer key, gconstpointer elem)
{
  return strcmp (key, ((const GstRosbagBuiltinDefinition *) elem)->name);
}

static gboolean
is_identifier (const gchar * s, gsize len)
{
  gsize i;

  if (len == 0 || !g_ascii_isalpha (s[0]))
    return FALSE;
  for (i = 1; i < len; i++) {
    if (!g_ascii_isalnum (s[i]) && s[i] != '_')
      return FALSE;
  }
  return TRUE;
}

/* `pkg/msg/Type` or `pkg/Type` to `pkg/msg/Type`; NULL when it is not a
 * message type name */
static gchar *
normalize_type (const gchar * type, gsize len)
{
  const gchar *slash = memchr (type, '/', len);
  const gchar *name;
  gsize pkg_len;

  if (!slash)
    return NULL;
  pkg_len = slash - type;
  name = slash + 1;
  if (len - pkg_len - 1 > 4 && strncmp (name, "msg/", 4) == 0)
    name += 4;
  if (!is_identifier (type, pkg_len)
      || !is_identifier (name, type + len - name))
    return NULL;
  return g_strdup_printf ("%.*s/msg/%.*s", (gint) pkg_len, type,
      (gint) (type + len - name), name);
}

/* reads DIR/pkg/msg/Type.msg: TRUE with *text = NULL when it is not there */
static gboolean
read_msg_file (const gchar * path, gchar ** text, gsize * len, GError ** error)
{
  GByteArray *buf;
  struct stat st;
  gint fd;

  *text = NULL;
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_BINARY, 0);
  if (fd < 0) {
    gint e = errno;

    if (e == ENOENT || e == ENOTDIR)
      return TRUE;
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
        "%s: %s", path, g_strerror (e));
    return FALSE;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: not a regular file", path);
    close (fd);
    return FALSE;
  }
  if (st.st_size > GST_ROSBAG_DEFINITIONS_MAX_FILE_SIZE)
    goto too_large;
  buf = g_byte_array_new ();
  for (;;) {
    guint8 tmp[16384];
    gssize n = read (fd, tmp, sizeof (tmp));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_IO,
          "%s: %s", path, g_strerror (errno));
      g_byte_array_unref (buf);
      close (fd);
      return FALSE;
    }
    if (n == 0)
      break;
    if (buf->len + n > GST_ROSBAG_DEFINITIONS_MAX_FILE_SIZE) {
      g_byte_array_unref (buf);
      goto too_large;
    }
    g_byte_array_append (buf, tmp, n);
  }
  close (fd);
  *len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  *text = (gchar *) g_byte_array_free (buf, FALSE);
  return TRUE;

too_large:
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
      "%s: larger than %d bytes", path, GST_ROSBAG_DEFINITIONS_MAX_FILE_SIZE);
  close (fd);
  return FALSE;
}

/* the .msg text of @type (`pkg/msg/Type`), or the .srv text of a service
 * (`pkg/srv/Type`); NULL with an error when it is nowhere or cannot be
 * read */
static gchar *
find_text (GstRosbagDefinitions * defs, const gchar * type, gsize * len,
    GError ** error)
{
  const GstRosbagBuiltinDefinition *b;
  const gchar *slash = strchr (type, '/');
  gboolean srv = g_str_has_prefix (slash, "/srv/");
  gchar *pkg = g_strndup (type, slash - type);
  gchar *file = g_strconcat (strrchr (type, '/') + 1, srv ? ".srv" : ".msg",
      NULL);
  guint i;

  for (i = 0; defs->dirs[i]; i++) {
    gchar *path = g_build_filename (defs->dirs[i], pkg, srv ? "srv" : "msg",
        file, NULL);
    gchar *text;

    if (!read_msg_file (path, &text, len, error)) {
      g_free (path);
      goto done_error;
    }
    if (text) {
      if (!g_utf8_validate (text, *len, NULL)) {
        g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
            "%s: not UTF-8 text", path);
        g_free (text);
        g_free (path);
        goto done_error;
      }
      g_free (path);
      g_free (pkg);
      g_free (file);
      return text;
    }
    g_free (path);
  }
  g_free (pkg);
  g_free (file);

  b = bsearch (type, builtin_definitions, G_N_ELEMENTS (builtin_definitions),
      sizeof (builtin_definitions[0]), compare_builtin);
  if (b) {
    *len = strlen (b->text);
    return g_strdup (b->text);
  }
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
      "no %s definition found for %s", srv ? "service" : "message", type);
  return NULL;

done_error:
  g_free (pkg);
  g_free (file);
  return NULL;
}

/* the message types @text refers to, in order, as `pkg/msg/Type`; NULL
 * with an error for a field type that is no type name */
static GPtrArray *
parse_references (const gchar * type, const gchar * text, gsize len,
    GError ** error)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);
  const gchar *end = text + len;
  const gchar *line = text;
  const gchar *slash = strchr (type, '/');
  guint lineno = 0;

  while (line < end) {
    const gchar *eol = memchr (line, '\n', end - line);
    const gchar *p = line, *tok, *tok_end;
    gchar *ref;
    gsize n;

    if (!eol)
      eol = end;
    lineno++;
    while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
      p++;
    if (p == eol || *p == '#')
      goto next;
    /* a service's request / response separator */
    if (eol - p >= 3 && strncmp (p, "---", 3) == 0) {
      const gchar *q = p + 3;

      while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
        q++;
      if (q == eol)
        goto next;
    }
    tok = p;
    while (p < eol && *p != ' ' && *p != '\t' && *p != '\r' && *p != '['
        && *p != '<' && *p != '#')
      p++;
    tok_end = p;
    n = tok_end - tok;
    {
      guint i;
      gboolean prim = FALSE;

      for (i = 0; primitives[i]; i++) {
        if (strlen (primitives[i]) == n && strncmp (primitives[i], tok, n) == 0)
          prim = TRUE;
      }
      if (prim)
        goto next;
    }
    if (n == 6 && strncmp (tok, "Header", 6) == 0)
      ref = g_strdup ("std_msgs/msg/Header");
    else if (memchr (tok, '/', n))
      ref = normalize_type (tok, n);
    else if (is_identifier (tok, n))
      ref = g_strdup_printf ("%.*s/msg/%.*s", (gint) (slash - type), type,
          (gint) n, tok);
    else
      ref = NULL;
    if (!ref) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s line %u: `%.*s` is not a field type", type, lineno,
          (gint) MIN (n, 64), tok);
      g_ptr_array_unref (refs);
      return NULL;
    }
    g_ptr_array_add (refs, ref);
  next:
    line = eol + 1;
  }
  return refs;
}

typedef struct
{
  GstRosbagDefinitions *defs;
  GString *out;
  GHashTable *seen;             /* every type added */
  GHashTable *stack;            /* the types being expanded */
} Walk;

static gboolean
walk_type (Walk * w, const gchar * type, guint depth, GError ** error)
{
  GPtrArray *refs;
  gchar *text;
  gsize len;
  guint i;

  if (depth > GST_ROSBAG_DEFINITIONS_MAX_DEPTH) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: dependencies nest deeper than %d", type,
        GST_ROSBAG_DEFINITIONS_MAX_DEPTH);
    return FALSE;
  }
  if (g_hash_table_size (w->seen) > MAX_TYPES) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: more than %d dependencies", type, MAX_TYPES);
    return FALSE;
  }
  text = find_text (w->defs, type, &len, error);
  if (!text)
    return FALSE;
  if (w->out->len + len + 128 > GST_ROSBAG_DEFINITIONS_MAX_SIZE) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: the definition grows larger than %d bytes", type,
        GST_ROSBAG_DEFINITIONS_MAX_SIZE);
    g_free (text);
    return FALSE;
  }
  if (depth > 0) {
    if (w->out->len > 0 && w->out->str[w->out->len - 1] != '\n')
      g_string_append_c (w->out, '\n');
    g_string_append (w->out, "========================================"
        "========================================\nMSG: ");
    g_string_append (w->out, type);
    g_string_append_c (w->out, '\n');
  }
  g_string_append_len (w->out, text, len);
  refs = parse_references (type, text, len, error);
  g_free (text);
  if (!refs)
    return FALSE;

  g_hash_table_add (w->stack, (gpointer) type);
  for (i = 0; i < refs->len; i++) {
    const gchar *ref = g_ptr_array_index (refs, i);

    if (g_hash_table_contains (w->stack, ref)) {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
          "%s: recursive type (%s refers to itself)", ref, type);
      goto failed;
    }
    if (g_hash_table_contains (w->seen, ref))
      continue;
    g_hash_table_add (w->seen, g_strdup (ref));
    if (!walk_type (w, g_hash_table_lookup (w->seen, ref), depth + 1, error))
      goto failed;
  }
  g_hash_table_remove (w->stack, type);
  g_ptr_array_unref (refs);
  return TRUE;

failed:
  g_hash_table_remove (w->stack, type);
  g_ptr_array_unref (refs);
  return FALSE;
}

/* `pkg/srv/Type_Event` (rosbag2's service event topics) and `pkg/srv/Type`
 * to `pkg/srv/Type`, whose .srv text is the definition; NULL for anything
 * else */
static gchar *
service_type (const gchar * type)
{
  const gchar *slash = strchr (type, '/');
  const gchar *name;
  gsize n;

  if (!slash || !g_str_has_prefix (slash, "/srv/")
      || !is_identifier (type, slash - type))
    return NULL;
  name = slash + 5;
  n = strlen (name);
  if (g_str_has_suffix (name, "_Event") && n > 6)
    n -= 6;
  if (!is_identifier (name, n))
    return NULL;
  return g_strdup_printf ("%.*s/srv/%.*s", (gint) (slash - type), type,
      (gint) n, name);
}

/**
 * gst_rosbag_definitions_lookup:
 * @defs: a #GstRosbagDefinitions
 * @type: the type, `pkg/msg/Type` or `pkg/Type`
 * @error: a #GError, or %NULL
 *
 * Finds the `.msg` of @type and, recursively, of every message type it
 * refers to (`Header` is `std_msgs/msg/Header`, a bare `Type` is of the
 * same package, `pkg/Type` is `pkg/msg/Type`), each in the first place of
 * the search path that has it, else among the built-in definitions.
 *
 * A rosbag2 service event type, `pkg/srv/Type_Event` (and `pkg/srv/Type`),
 * is found as the service's `pkg/srv/Type.srv`: the definition is then
 * that text (request, `---`, response) followed by the message types it
 * refers to, as rosbag2 writes it into MCAP files, and
 * gst_rosbag_msgdef_parse_schema() decodes the events from it.
 *
 * Returns: (transfer full) (nullable): the complete definition as rosbag2
 *   writes it (schema encoding `ros2msg`): the root's .msg, then every
 *   dependency once, depth-first in the order first referenced, each after
 *   a line of 80 `=` and a line `MSG: pkg/msg/Type`; or %NULL with a
 *   %GST_ROSBAG_ERROR_UNSUPPORTED error naming the type (the root or a
 *   dependency) no definition was found for, a %GST_ROSBAG_ERROR_CORRUPT
 *   one for a file that is not UTF-8 text or too large, a field type that
 *   is no type name, a recursive type, dependencies nesting deeper than
 *   %GST_ROSBAG_DEFINITIONS_MAX_DEPTH or a result larger than
 *   %GST_ROSBAG_DEFINITIONS_MAX_SIZE, or a %GST_ROSBAG_ERROR_IO one
 */
gchar *
gst_rosbag_definitions_lookup (GstRosbagDefinitions * defs,
    const gchar * type, GError ** error)
{
  Walk w;
  gchar *root;
  gboolean ok;

  g_return_val_if_fail (defs != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = service_type (type);
  if (!root)
    root = normalize_type (type, strlen (type));
  if (!root) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: not a message type name (pkg/msg/Type)", type);
    return NULL;
  }
  w.defs = defs;
  w.out = g_string_new (NULL);
  w.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w.stack = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (w.seen, root);
  ok = walk_type (&w, root, 0, error);
  g_hash_table_unref (w.stack);
  g_hash_table_unref (w.seen);
  if (!ok) {
    g_string_free (w.out, TRUE);
    return NULL;
  }
  return g_string_free (w.out, FALSE);
}
