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
#include <math.h>

#include "rosbag-msgdef.h"
#include "rosbag-record.h"

#define RD16(p) ((guint16) ((p)[0] | ((p)[1] << 8)))
#define RD32(p) ((guint32) (p)[0] | ((guint32) (p)[1] << 8) | \
    ((guint32) (p)[2] << 16) | ((guint32) (p)[3] << 24))
#define RD64(p) ((guint64) RD32 (p) | ((guint64) RD32 ((p) + 4) << 32))

struct _GstRosbagMsgDef
{
  gint refcount;
  gchar *type_name;
  GstRosbagMsgType *root;
  GPtrArray *types;             /* GstRosbagMsgType*, owned; [0] is root */
  GHashTable *by_name;          /* name -> GstRosbagMsgType*, not owned */
};

/* ------------------------------------------------------------------ */
/* Builtin types */

typedef struct
{
  const gchar *name;
  GstRosbagFieldType type;
} Builtin;

static const Builtin builtins[] = {
  {"bool", GST_ROSBAG_FIELD_BOOL},
  {"int8", GST_ROSBAG_FIELD_INT8},
  {"byte", GST_ROSBAG_FIELD_INT8},
  {"uint8", GST_ROSBAG_FIELD_UINT8},
  {"char", GST_ROSBAG_FIELD_UINT8},
  {"int16", GST_ROSBAG_FIELD_INT16},
  {"uint16", GST_ROSBAG_FIELD_UINT16},
  {"int32", GST_ROSBAG_FIELD_INT32},
  {"uint32", GST_ROSBAG_FIELD_UINT32},
  {"int64", GST_ROSBAG_FIELD_INT64},
  {"uint64", GST_ROSBAG_FIELD_UINT64},
  {"float32", GST_ROSBAG_FIELD_FLOAT32},
  {"float64", GST_ROSBAG_FIELD_FLOAT64},
  {"string", GST_ROSBAG_FIELD_STRING},
  {"time", GST_ROSBAG_FIELD_TIME},
  {"duration", GST_ROSBAG_FIELD_DURATION},
};

static const gchar *type_names[] = {
  "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
  "uint64", "float32", "float64", "string", "time", "duration", "message"
};

const gchar *
gst_rosbag_field_type_to_string (GstRosbagFieldType type)
{
  if ((guint) type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "unknown";
}

static gboolean
lookup_builtin (const gchar * name, GstRosbagFieldType * type)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (builtins); i++) {
    if (strcmp (builtins[i].name, name) == 0) {
      *type = builtins[i].type;
      return TRUE;
    }
  }
  return FALSE;
}

/* wire size of a primitive; 0 for string / message (variable) */
static guint
primitive_size (GstRosbagFieldType type)
{
  switch (type) {
    case GST_ROSBAG_FIELD_BOOL:
    case GST_ROSBAG_FIELD_INT8:
    case GST_ROSBAG_FIELD_UINT8:
      return 1;
    case GST_ROSBAG_FIELD_INT16:
    case GST_ROSBAG_FIELD_UINT16:
      return 2;
    case GST_ROSBAG_FIELD_INT32:
    case GST_ROSBAG_FIELD_UINT32:
    case GST_ROSBAG_FIELD_FLOAT32:
      return 4;
    case GST_ROSBAG_FIELD_INT64:
    case GST_ROSBAG_FIELD_UINT64:
    case GST_ROSBAG_FIELD_FLOAT64:
    case GST_ROSBAG_FIELD_TIME:
    case GST_ROSBAG_FIELD_DURATION:
      return 8;
    default:
      return 0;
  }
}

static guint64
sat_add (guint64 a, guint64 b)
{
  return (a > G_MAXUINT64 - b) ? G_MAXUINT64 : a + b;
}

static guint64
sat_mul (guint64 a, guint64 b)
{
  if (a != 0 && b > G_MAXUINT64 / a)
    return G_MAXUINT64;
  return a * b;
}

/* ------------------------------------------------------------------ */
/* Parsing */

typedef struct
{
  GstRosbagMsgType *type;
  gchar *package;               /* "" when the type has none */
  /* per field: the line it came from, for errors */
  GArray *field_lines;          /* guint */
  GArray *fields;               /* GstRosbagMsgField */
  GArray *constants;            /* GstRosbagMsgConstant */
  gint state;                   /* DFS: 0 new, 1 on stack, 2 done */
  guint height;                 /* levels of nested messages below */
} TypeBuild;

static void
field_clear (GstRosbagMsgField * f)
{
  g_free (f->name);
  g_free (f->type_name);
}

static void
constant_clear (GstRosbagMsgConstant * c)
{
  g_free (c->name);
  g_free (c->type_name);
  g_free (c->value);
}

static void
msg_type_free (GstRosbagMsgType * t)
{
  guint i;

  if (t == NULL)
    return;
  for (i = 0; i < t->n_fields; i++)
    field_clear (&t->fields[i]);
  g_free (t->fields);
  for (i = 0; i < t->n_constants; i++)
    constant_clear (&t->constants[i]);
  g_free (t->constants);
  g_free (t->name);
  g_free (t);
}

static void
type_build_free (TypeBuild * b)
{
  guint i;

  if (b->fields) {
    for (i = 0; i < b->fields->len; i++)
      field_clear (&g_array_index (b->fields, GstRosbagMsgField, i));
    g_array_free (b->fields, TRUE);
  }
  if (b->constants) {
    for (i = 0; i < b->constants->len; i++)
      constant_clear (&g_array_index (b->constants, GstRosbagMsgConstant, i));
    g_array_free (b->constants, TRUE);
  }
  if (b->field_lines)
    g_array_free (b->field_lines, TRUE);
  msg_type_free (b->type);
  g_free (b->package);
  g_free (b);
}

static TypeBuild *
type_build_new (const gchar * name)
{
  TypeBuild *b = g_new0 (TypeBuild, 1);
  const gchar *slash = strrchr (name, '/');

  b->type = g_new0 (GstRosbagMsgType, 1);
  b->type->name = g_strdup (name);
  b->package = slash ? g_strndup (name, slash - name) : g_strdup ("");
  b->fields = g_array_new (FALSE, TRUE, sizeof (GstRosbagMsgField));
  b->constants = g_array_new (FALSE, TRUE, sizeof (GstRosbagMsgConstant));
  b->field_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  return b;
}

static gboolean
is_separator_line (const gchar * s, gsize len)
{
  gsize i;

  if (len < 3)
    return FALSE;
  for (i = 0; i < len; i++)
    if (s[i] != '=')
      return FALSE;
  return TRUE;
}

static gboolean
is_ws (gchar c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static gboolean
valid_identifier (const gchar * s)
{
  if (!g_ascii_isalpha (*s) && *s != '_')
    return FALSE;
  for (s++; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

static gboolean
valid_type_name (const gchar * s)
{
  const gchar *p;

  if (*s == '\0')
    return FALSE;
  for (p = s; *p; p++) {
    if (*p == '/') {
      if (p == s || p[1] == '\0' || p[1] == '/')
        return FALSE;
    } else if (!g_ascii_isalnum (*p) && *p != '_') {
      return FALSE;
    }
  }
  return TRUE;
}

#define PARSE_ERROR(...) \
  g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT, __VA_ARGS__)

/* one line of a block; @line is NUL-terminated without the newline */
static gboolean
parse_line (TypeBuild * b, gchar * line, guint lineno, GError ** error)
{
  gchar *hash, *eq, *p, *type_tok, *rest;
  gsize len = strlen (line);
  gchar *clean;

  /* strip a trailing CR */
  while (len > 0 && line[len - 1] == '\r')
    line[--len] = '\0';

  clean = g_strdup (line);
  hash = strchr (clean, '#');
  if (hash)
    *hash = '\0';
  g_strstrip (clean);
  if (*clean == '\0') {
    g_free (clean);
    return TRUE;
  }

  /* the type token */
  p = clean;
  while (*p && !is_ws (*p))
    p++;
  type_tok = g_strndup (clean, p - clean);
  while (*p && is_ws (*p))
    p++;
  rest = p;

  eq = strchr (clean, '=');
  if (eq) {
    GstRosbagMsgConstant c = { 0, };
    GstRosbagFieldType t;
    gchar *name;

    if (strchr (type_tok, '=') || !lookup_builtin (type_tok, &t) ||
        t == GST_ROSBAG_FIELD_TIME || t == GST_ROSBAG_FIELD_DURATION) {
      PARSE_ERROR ("type %s, line %u: constant of invalid type '%s'",
          b->type->name, lineno, type_tok);
      goto fail;
    }
    name = g_strndup (rest, eq - rest);
    g_strstrip (name);
    if (!valid_identifier (name)) {
      PARSE_ERROR ("type %s, line %u: invalid constant name '%s'",
          b->type->name, lineno, name);
      g_free (name);
      goto fail;
    }
    c.name = name;
    c.type_name = g_strdup (type_tok);
    c.type = t;
    if (t == GST_ROSBAG_FIELD_STRING) {
      /* everything after the first '=' of the original line */
      const gchar *oeq = strchr (line, '=');
      c.value = g_strdup (oeq ? oeq + 1 : "");
    } else {
      c.value = g_strstrip (g_strdup (eq + 1));
      if (*c.value == '\0') {
        PARSE_ERROR ("type %s, line %u: constant '%s' has no value",
            b->type->name, lineno, c.name);
        constant_clear (&c);
        goto fail;
      }
    }
    g_array_append_val (b->constants, c);
  } else {
    GstRosbagMsgField f = { 0, };
    gchar *bracket;
    gchar *name;

    name = g_strdup (rest);
    g_strstrip (name);
    /* a field line is exactly "type name" */
    if (*name == '\0') {
      PARSE_ERROR ("type %s, line %u: field of type '%s' has no name",
          b->type->name, lineno, type_tok);
      g_free (name);
      goto fail;
    }
    if (!valid_identifier (name)) {
      PARSE_ERROR ("type %s, line %u: invalid field name '%s'",
          b->type->name, lineno, name);
      g_free (name);
      goto fail;
    }
    f.name = name;

    bracket = strchr (type_tok, '[');
    if (bracket) {
      gchar *close = strchr (bracket, ']');

      if (close == NULL || close[1] != '\0') {
        PARSE_ERROR ("type %s, line %u: field '%s': bad array type '%s'",
            b->type->name, lineno, f.name, type_tok);
        field_clear (&f);
        goto fail;
      }
      if (close == bracket + 1) {
        f.array = GST_ROSBAG_ARRAY_VARIABLE;
      } else {
        guint64 n = 0;
        gchar *d;

        for (d = bracket + 1; d < close; d++) {
          if (!g_ascii_isdigit (*d) || n > G_MAXUINT32) {
            n = G_MAXUINT64;
            break;
          }
          n = n * 10 + (*d - '0');
        }
        if (n > GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS) {
          PARSE_ERROR ("type %s, line %u: field '%s': bad or too large "
              "array length in '%s'", b->type->name, lineno, f.name, type_tok);
          field_clear (&f);
          goto fail;
        }
        f.array = GST_ROSBAG_ARRAY_FIXED;
        f.array_len = (guint32) n;
      }
      *bracket = '\0';
    }
    if (!valid_type_name (type_tok)) {
      PARSE_ERROR ("type %s, line %u: field '%s': invalid type name '%s'",
          b->type->name, lineno, f.name, type_tok);
      field_clear (&f);
      goto fail;
    }
    f.type_name = g_strdup (type_tok);
    if (!lookup_builtin (type_tok, &f.type))
      f.type = GST_ROSBAG_FIELD_MESSAGE;
    f.is_bytes = f.array != GST_ROSBAG_ARRAY_NONE &&
        (strcmp (type_tok, "uint8") == 0 || strcmp (type_tok, "char") == 0);
    g_array_append_val (b->fields, f);
    g_array_append_val (b->field_lines, lineno);
  }
  g_free (type_tok);
  g_free (clean);
  return TRUE;

fail:
  g_free (type_tok);
  g_free (clean);
  return FALSE;
}

static TypeBuild *
find_build (GPtrArray * builds, GHashTable * by_name, const gchar * name)
{
  return g_hash_table_lookup (by_name, name);
}

/* resolves a field's message type name as genmsg does */
static TypeBuild *
resolve_type (GPtrArray * builds, GHashTable * by_name, TypeBuild * b,
    const gchar * type_name)
{
  TypeBuild *found = NULL;
  gchar *full;
  guint i, n_match = 0;
  const gchar *base;

  if (strcmp (type_name, "Header") == 0)
    full = g_strdup ("std_msgs/Header");
  else if (strchr (type_name, '/'))
    full = g_strdup (type_name);
  else if (*b->package)
    full = g_strdup_printf ("%s/%s", b->package, type_name);
  else
    full = g_strdup (type_name);
  found = find_build (builds, by_name, full);
  g_free (full);
  if (found)
    return found;

  /* fall back to a unique type with the same short name */
  base = strrchr (type_name, '/');
  base = base ? base + 1 : type_name;
  for (i = 0; i < builds->len; i++) {
    TypeBuild *c = g_ptr_array_index (builds, i);
    const gchar *cb = strrchr (c->type->name, '/');

    cb = cb ? cb + 1 : c->type->name;
    if (strcmp (cb, base) == 0) {
      found = c;
      n_match++;
    }
  }
  return n_match == 1 ? found : NULL;
}

/* depth-first: resolve, detect cycles, compute sizes */
static gboolean
finish_type (GPtrArray * builds, GHashTable * by_name, TypeBuild * b,
    guint depth, GError ** error)
{
  guint i;
  guint64 min_size = 0, fixed = 0;
  guint height = 0;

  if (b->state == 2)
    return TRUE;
  if (b->state == 1) {
    PARSE_ERROR ("type %s contains itself (recursive definition)",
        b->type->name);
    return FALSE;
  }
  if (depth > GST_ROSBAG_MSGDEF_MAX_DEPTH) {
    PARSE_ERROR ("type %s: types nested more than %u deep", b->type->name,
        GST_ROSBAG_MSGDEF_MAX_DEPTH);
    return FALSE;
  }
  b->state = 1;

  for (i = 0; i < b->fields->len; i++) {
    GstRosbagMsgField *f = &g_array_index (b->fields, GstRosbagMsgField, i);
    guint lineno = g_array_index (b->field_lines, guint, i);
    guint64 elem_size, elem_fixed;

    if (f->type == GST_ROSBAG_FIELD_MESSAGE) {
      TypeBuild *sub = resolve_type (builds, by_name, b, f->type_name);

      if (sub == NULL) {
        PARSE_ERROR ("type %s, line %u: field '%s': unknown type '%s' "
            "(not in the message definition)", b->type->name, lineno,
            f->name, f->type_name);
        return FALSE;
      }
      if (!finish_type (builds, by_name, sub, depth + 1, error)) {
        if (error && *error && !g_str_has_prefix ((*error)->message, "type "))
          g_prefix_error (error, "field '%s': ", f->name);
        return FALSE;
      }
      f->msg = sub->type;
      height = MAX (height, sub->height + 1);
      elem_size = sub->type->min_size;
      elem_fixed = sub->type->fixed_elements;
    } else if (f->type == GST_ROSBAG_FIELD_STRING) {
      elem_size = 4;
      elem_fixed = 1;
    } else {
      elem_size = primitive_size (f->type);
      elem_fixed = 1;
    }

    switch (f->array) {
      case GST_ROSBAG_ARRAY_NONE:
        min_size = sat_add (min_size, elem_size);
        fixed = sat_add (fixed, elem_fixed);
        break;
      case GST_ROSBAG_ARRAY_FIXED:
        min_size = sat_add (min_size, sat_mul (elem_size, f->array_len));
        fixed = sat_add (fixed, sat_mul (elem_fixed, f->array_len));
        break;
      case GST_ROSBAG_ARRAY_VARIABLE:
        min_size = sat_add (min_size, 4);
        fixed = sat_add (fixed, 1);
        break;
    }
    if (fixed > GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS) {
      PARSE_ERROR ("type %s, line %u: field '%s': fixed-size layout expands "
          "to more than %u values", b->type->name, lineno, f->name,
          GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS);
      return FALSE;
    }
  }

  if (height > GST_ROSBAG_MSGDEF_MAX_DEPTH) {
    PARSE_ERROR ("type %s: types nested more than %u deep", b->type->name,
        GST_ROSBAG_MSGDEF_MAX_DEPTH);
    return FALSE;
  }
  b->height = height;
  b->type->min_size = min_size;
  b->type->fixed_elements = fixed;
  b->type->n_fields = b->fields->len;
  b->type->fields = (GstRosbagMsgField *) g_array_free (b->fields, FALSE);
  b->fields = NULL;
  b->type->n_constants = b->constants->len;
  b->type->constants =
      (GstRosbagMsgConstant *) g_array_free (b->constants, FALSE);
  b->constants = NULL;
  b->state = 2;
  return TRUE;
}

GstRosbagMsgDef *
gst_rosbag_msgdef_parse (const gchar * type, const gchar * definition,
    GError ** error)
{
  GPtrArray *builds;
  GHashTable *by_name;
  TypeBuild *cur;
  GstRosbagMsgDef *def = NULL;
  const gchar *p, *end;
  guint lineno = 0, i;
  gboolean expect_msg_line = FALSE;
  gboolean skip_block = FALSE;

  g_return_val_if_fail (type != NULL, NULL);

  if (!valid_type_name (type)) {
    PARSE_ERROR ("invalid message type name '%s'", type);
    return NULL;
  }
  if (definition == NULL)
    definition = "";

  builds = g_ptr_array_new_with_free_func ((GDestroyNotify) type_build_free);
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  cur = type_build_new (type);
  g_ptr_array_add (builds, cur);
  g_hash_table_insert (by_name, cur->type->name, cur);

  p = definition;
  end = definition + strlen (definition);
  while (p < end) {
    const gchar *nl = memchr (p, '\n', end - p);
    const gchar *le = nl ? nl : end;
    gsize len = le - p;
    gchar *line;

    lineno++;
    while (len > 0 && p[len - 1] == '\r')
      len--;

    if (is_separator_line (p, len)) {
      expect_msg_line = TRUE;
      cur = NULL;
      p = nl ? nl + 1 : end;
      continue;
    }
    if (expect_msg_line) {
      gchar *name;

      line = g_strndup (p, len);
      g_strstrip (line);
      if (*line == '\0') {
        g_free (line);
        p = nl ? nl + 1 : end;
        continue;
      }
      if (!g_str_has_prefix (line, "MSG:")) {
        PARSE_ERROR ("type %s, line %u: expected 'MSG: pkg/Type' after "
            "the separator line, got '%.40s'", type, lineno, line);
        g_free (line);
        goto fail;
      }
      name = g_strstrip (g_strdup (line + 4));
      g_free (line);
      if (!valid_type_name (name)) {
        PARSE_ERROR ("type %s, line %u: invalid type name '%s' after MSG:",
            type, lineno, name);
        g_free (name);
        goto fail;
      }
      expect_msg_line = FALSE;
      if (g_hash_table_contains (by_name, name)) {
        /* a repeated block: the first one wins */
        skip_block = TRUE;
        g_free (name);
      } else {
        skip_block = FALSE;
        cur = type_build_new (name);
        g_free (name);
        g_ptr_array_add (builds, cur);
        g_hash_table_insert (by_name, cur->type->name, cur);
      }
      p = nl ? nl + 1 : end;
      continue;
    }
    if (cur != NULL && !skip_block) {
      line = g_strndup (p, len);
      if (!parse_line (cur, line, lineno, error)) {
        g_free (line);
        goto fail;
      }
      g_free (line);
    }
    p = nl ? nl + 1 : end;
  }
  if (expect_msg_line) {
    PARSE_ERROR ("type %s: definition ends after a separator line without "
        "'MSG: pkg/Type'", type);
    goto fail;
  }

  for (i = 0; i < builds->len; i++) {
    if (!finish_type (builds, by_name, g_ptr_array_index (builds, i), 0, error))
      goto fail;
  }

  def = g_new0 (GstRosbagMsgDef, 1);
  def->refcount = 1;
  def->type_name = g_strdup (type);
  def->types = g_ptr_array_new_with_free_func ((GDestroyNotify) msg_type_free);
  def->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < builds->len; i++) {
    TypeBuild *b = g_ptr_array_index (builds, i);

    g_ptr_array_add (def->types, b->type);
    g_hash_table_insert (def->by_name, b->type->name, b->type);
    b->type = NULL;
  }
  def->root = g_ptr_array_index (def->types, 0);

fail:
  g_hash_table_unref (by_name);
  g_ptr_array_unref (builds);
  return def;
}

GstRosbagMsgDef *
gst_rosbag_msgdef_ref (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_atomic_int_inc (&def->refcount);
  return def;
}

void
gst_rosbag_msgdef_unref (GstRosbagMsgDef * def)
{
  if (def == NULL)
    return;
  if (!g_atomic_int_dec_and_test (&def->refcount))
    return;
  g_hash_table_unref (def->by_name);
  g_ptr_array_unref (def->types);
  g_free (def->type_name);
  g_free (def);
}

const GstRosbagMsgType *
gst_rosbag_msgdef_get_root (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->root;
}

const gchar *
gst_rosbag_msgdef_get_type_name (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->type_name;
}

const GstRosbagMsgType *
gst_rosbag_msgdef_lookup_type (GstRosbagMsgDef * def, const gchar * name)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (def->by_name, name);
}

/* ------------------------------------------------------------------ */
/* Decoding */

typedef struct
{
  const GstRosbagMsgField *field;
  gint index;
} PathElem;

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
  const GstRosbagMsgVisitor *v;
  gpointer ud;
  PathElem path[GST_ROSBAG_MSGDEF_MAX_DEPTH + 2];
  guint depth;
  const gchar *root_name;
  GError **error;
} Decoder;

static gchar *
decoder_path (Decoder * d)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < d->depth; i++) {
    if (d->path[i].field == NULL)
      continue;
    if (s->len)
      g_string_append_c (s, '.');
    g_string_append (s, d->path[i].field->name);
    if (d->path[i].index >= 0)
      g_string_append_printf (s, "[%d]", d->path[i].index);
  }
  if (s->len == 0)
    g_string_append (s, "(start)");
  return g_string_free (s, FALSE);
}

static gboolean
decoder_fail (Decoder * d, gint code, const gchar * what)
{
  gchar *path = decoder_path (d);

  g_set_error (d->error, GST_ROSBAG_ERROR, code,
      "%s: field '%s' at byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      ": %s", d->root_name, path, d->pos, d->size, what);
  g_free (path);
  return FALSE;
}

static gboolean
decoder_need (Decoder * d, guint64 n, const gchar * what)
{
  gchar *msg;

  if (n <= d->size - d->pos)
    return TRUE;
  msg = g_strdup_printf ("%s needs %" G_GUINT64_FORMAT " bytes, only %"
      G_GSIZE_FORMAT " left", what, n, d->size - d->pos);
  decoder_fail (d, GST_ROSBAG_ERROR_TRUNCATED, msg);
  g_free (msg);
  return FALSE;
}

static gboolean
read_scalar (Decoder * d, const GstRosbagMsgField * f, gint index)
{
  GstRosbagValue v;
  const guint8 *p;
  guint sz;

  memset (&v, 0, sizeof (v));
  v.type = f->type;
  if (f->type == GST_ROSBAG_FIELD_STRING) {
    guint32 len;

    if (!decoder_need (d, 4, "string length"))
      return FALSE;
    len = RD32 (d->data + d->pos);
    d->pos += 4;
    if (!decoder_need (d, len, "string"))
      return FALSE;
    v.str = (const gchar *) d->data + d->pos;
    v.str_len = len;
    d->pos += len;
  } else {
    sz = primitive_size (f->type);
    if (!decoder_need (d, sz, gst_rosbag_field_type_to_string (f->type)))
      return FALSE;
    p = d->data + d->pos;
    d->pos += sz;
    switch (f->type) {
      case GST_ROSBAG_FIELD_BOOL:
        v.i = p[0] != 0;
        break;
      case GST_ROSBAG_FIELD_INT8:
        v.i = (gint8) p[0];
        break;
      case GST_ROSBAG_FIELD_UINT8:
        v.u = p[0];
        break;
      case GST_ROSBAG_FIELD_INT16:
        v.i = (gint16) RD16 (p);
        break;
      case GST_ROSBAG_FIELD_UINT16:
        v.u = RD16 (p);
        break;
      case GST_ROSBAG_FIELD_INT32:
        v.i = (gint32) RD32 (p);
        break;
      case GST_ROSBAG_FIELD_UINT32:
        v.u = RD32 (p);
        break;
      case GST_ROSBAG_FIELD_INT64:
        v.i = (gint64) RD64 (p);
        break;
      case GST_ROSBAG_FIELD_UINT64:
        v.u = RD64 (p);
        break;
      case GST_ROSBAG_FIELD_FLOAT32:{
        union
        {
          guint32 u;
          gfloat f;
        } c;
        c.u = RD32 (p);
        v.f = c.f;
        break;
      }
      case GST_ROSBAG_FIELD_FLOAT64:{
        union
        {
          guint64 u;
          gdouble f;
        } c;
        c.u = RD64 (p);
        v.f = c.f;
        break;
      }
      case GST_ROSBAG_FIELD_TIME:
        v.secs = RD32 (p);
        v.nsecs = RD32 (p + 4);
        break;
      case GST_ROSBAG_FIELD_DURATION:
        v.secs = (gint32) RD32 (p);
        v.nsecs = (gint32) RD32 (p + 4);
        break;
      default:
        return decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, "bad field type");
    }
  }
  if (d->v->value)
    d->v->value (d->ud, f, index, &v);
  return TRUE;
}

static gboolean decode_message (Decoder * d, const GstRosbagMsgType * t,
    const GstRosbagMsgField * f, gint index);

static gboolean
decode_element (Decoder * d, const GstRosbagMsgField * f, gint index)
{
  if (f->type == GST_ROSBAG_FIELD_MESSAGE)
    return decode_message (d, f->msg, f, index);
  return read_scalar (d, f, index);
}

static gboolean
decode_field (Decoder * d, const GstRosbagMsgField * f)
{
  guint32 n, i;
  PathElem *pe;

  pe = &d->path[d->depth++];
  pe->field = f;
  pe->index = -1;

  if (f->array == GST_ROSBAG_ARRAY_NONE) {
    if (!decode_element (d, f, -1))
      return FALSE;
    d->depth--;
    return TRUE;
  }

  if (f->array == GST_ROSBAG_ARRAY_VARIABLE) {
    guint64 elem_min;

    if (!decoder_need (d, 4, "array count"))
      return FALSE;
    n = RD32 (d->data + d->pos);
    d->pos += 4;
    if (f->type == GST_ROSBAG_FIELD_MESSAGE)
      elem_min = f->msg->min_size;
    else if (f->type == GST_ROSBAG_FIELD_STRING)
      elem_min = 4;
    else
      elem_min = primitive_size (f->type);
    if (elem_min == 0) {
      /* elements of a type without bytes: bound the work instead */
      if (f->type == GST_ROSBAG_FIELD_MESSAGE &&
          sat_mul (n, MAX (f->msg->fixed_elements, 1)) >
          GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS) {
        gchar *msg = g_strdup_printf ("array count %u of empty elements is "
            "too large", n);
        decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, msg);
        g_free (msg);
        return FALSE;
      }
    } else if (sat_mul (n, elem_min) > d->size - d->pos) {
      gchar *msg = g_strdup_printf ("array count %u needs at least %"
          G_GUINT64_FORMAT " bytes, only %" G_GSIZE_FORMAT " left", n,
          sat_mul (n, elem_min), d->size - d->pos);
      decoder_fail (d, GST_ROSBAG_ERROR_TRUNCATED, msg);
      g_free (msg);
      return FALSE;
    }
  } else {
    n = f->array_len;
  }

  /* bytes in one go; also when nobody looks at the values */
  if (f->is_bytes && (d->v->bytes || (!d->v->value && !d->v->begin_array))) {
    if (!decoder_need (d, n, "byte array"))
      return FALSE;
    if (d->v->bytes)
      d->v->bytes (d->ud, f, d->data + d->pos, n);
    d->pos += n;
    d->depth--;
    return TRUE;
  }

  if (d->v->begin_array)
    d->v->begin_array (d->ud, f, n);
  for (i = 0; i < n; i++) {
    pe->index = i;
    if (!decode_element (d, f, i))
      return FALSE;
  }
  pe->index = -1;
  if (d->v->end_array)
    d->v->end_array (d->ud, f);
  d->depth--;
  return TRUE;
}

static gboolean
decode_message (Decoder * d, const GstRosbagMsgType * t,
    const GstRosbagMsgField * f, gint index)
{
  guint i;

  if (d->depth >= G_N_ELEMENTS (d->path))
    return decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, "nested too deep");
  if (d->v->begin_message)
    d->v->begin_message (d->ud, f, index, t);
  for (i = 0; i < t->n_fields; i++) {
    if (!decode_field (d, &t->fields[i]))
      return FALSE;
  }
  if (d->v->end_message)
    d->v->end_message (d->ud, f, index, t);
  return TRUE;
}

gboolean
gst_rosbag_msgdef_decode (GstRosbagMsgDef * def, const guint8 * data,
    gsize size, const GstRosbagMsgVisitor * visitor, gpointer user_data,
    gsize * consumed, GError ** error)
{
  Decoder d;
  static const GstRosbagMsgVisitor empty = { NULL, };

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  memset (&d, 0, sizeof (d));
  d.data = data;
  d.size = size;
  d.v = visitor ? visitor : &empty;
  d.ud = user_data;
  d.root_name = def->type_name;
  d.error = error;
  if (!decode_message (&d, def->root, NULL, -1))
    return FALSE;
  if (consumed)
    *consumed = d.pos;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* JSON helpers */

/* length of the valid UTF-8 sequence at @p (1..4), or 0 when invalid;
 * *@bad receives how many bytes form the maximal invalid prefix */
static guint
utf8_seq (const guint8 * p, gsize avail, guint * bad)
{
  guint8 c = p[0];
  guint need, i;
  guint8 lo = 0x80, hi = 0xBF;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (i = 1; i <= need; i++) {
    if (i >= avail || p[i] < lo || p[i] > hi) {
      *bad = i;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

void
gst_rosbag_json_append_string (GString * out, const gchar * data, gsize len)
{
  const guint8 *p = (const guint8 *) data;
  gsize i = 0, run = 0;
  static const gchar hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');
  while (i < len) {
    guint8 c = p[i];

    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      /* plain ASCII: collect */
      run = i;
      while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"'
          && p[i] != '\\')
        i++;
      g_string_append_len (out, data + run, i - run);
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
          break;
      }
      i++;
    } else {
      guint bad = 0;
      guint n = utf8_seq (p + i, len - i, &bad);

      if (n) {
        g_string_append_len (out, data + i, n);
        i += n;
      } else {
        g_string_append (out, "\xEF\xBF\xBD");
        i += bad;
      }
    }
  }
  g_string_append_c (out, '"');
}

void
gst_rosbag_json_append_double (GString * out, gdouble v, gboolean is_float32)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const gchar *fmt32[] = { "%.6g", "%.7g", "%.8g", "%.9g" };
  static const gchar *fmt64[] = { "%.15g", "%.16g", "%.17g" };
  const gchar **fmts = is_float32 ? fmt32 : fmt64;
  guint n = is_float32 ? G_N_ELEMENTS (fmt32) : G_N_ELEMENTS (fmt64);
  guint i;
  const gchar *c;

  if (!isfinite (v)) {
    g_string_append (out, "null");
    return;
  }
  for (i = 0; i < n; i++) {
    g_ascii_formatd (buf, sizeof (buf), fmts[i], v);
    if (is_float32) {
      if ((gfloat) g_ascii_strtod (buf, NULL) == (gfloat) v)
        break;
    } else if (g_ascii_strtod (buf, NULL) == v) {
      break;
    }
  }
  g_string_append (out, buf);
  /* keep it a float for readers that infer types */
  for (c = buf; *c; c++)
    if (*c == '.' || *c == 'e' || *c == 'E')
      return;
  g_string_append (out, ".0");
}

static void
append_base64 (GString * out, const guint8 * data, gsize len)
{
  gint state = 0, save = 0;
  gsize old = out->len, n;

  g_string_set_size (out, old + (len / 3 + 1) * 4 + 4);
  n = g_base64_encode_step (data, len, FALSE, out->str + old, &state, &save);
  n += g_base64_encode_close (FALSE, out->str + old + n, &state, &save);
  g_string_set_size (out, old + n);
}

/* a scalar as JSON */
static void
json_value (GString * out, const GstRosbagValue * v, GstRosbagMsgDefFlags flags)
{
  switch (v->type) {
    case GST_ROSBAG_FIELD_BOOL:
      g_string_append (out, v->i ? "true" : "false");
      break;
    case GST_ROSBAG_FIELD_INT8:
    case GST_ROSBAG_FIELD_INT16:
    case GST_ROSBAG_FIELD_INT32:
    case GST_ROSBAG_FIELD_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v->i);
      break;
    case GST_ROSBAG_FIELD_UINT8:
    case GST_ROSBAG_FIELD_UINT16:
    case GST_ROSBAG_FIELD_UINT32:
    case GST_ROSBAG_FIELD_UINT64:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, v->u);
      break;
    case GST_ROSBAG_FIELD_FLOAT32:
      gst_rosbag_json_append_double (out, v->f, TRUE);
      break;
    case GST_ROSBAG_FIELD_FLOAT64:
      gst_rosbag_json_append_double (out, v->f, FALSE);
      break;
    case GST_ROSBAG_FIELD_STRING:
      gst_rosbag_json_append_string (out, v->str, v->str_len);
      break;
    case GST_ROSBAG_FIELD_TIME:
    case GST_ROSBAG_FIELD_DURATION:
      if (flags & GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS) {
        /* the wire values, not canonicalised */
        g_string_append_printf (out, "{\"secs\":%" G_GINT64_FORMAT
            ",\"nsecs\":%" G_GINT64_FORMAT "}", v->secs, v->nsecs);
      } else {
        g_string_append_printf (out, "%" G_GINT64_FORMAT,
            v->secs * 1000000000 + v->nsecs);
      }
      break;
    default:
      g_string_append (out, "null");
      break;
  }
}

/* JSON writer state, also used for CSV cells holding variable arrays */
#define JSON_STACK (2 * GST_ROSBAG_MSGDEF_MAX_DEPTH + 8)
typedef struct
{
  GString *out;
  GstRosbagMsgDefFlags flags;
  guint depth;
  gboolean first[JSON_STACK];
  gboolean is_object[JSON_STACK];
} JsonWriter;

static void
json_prefix (JsonWriter * w, const GstRosbagMsgField * f)
{
  if (w->depth == 0)
    return;
  if (!w->first[w->depth])
    g_string_append_c (w->out, ',');
  w->first[w->depth] = FALSE;
  if (w->is_object[w->depth] && f) {
    gst_rosbag_json_append_string (w->out, f->name, strlen (f->name));
    g_string_append_c (w->out, ':');
  }
}

static void
json_push (JsonWriter * w, gboolean is_object)
{
  /* depth is bounded by the definition limits; stay safe anyway */
  if (w->depth + 1 < JSON_STACK)
    w->depth++;
  w->first[w->depth] = TRUE;
  w->is_object[w->depth] = is_object;
}

static void
json_begin_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  JsonWriter *w = ud;

  json_prefix (w, f);
  g_string_append_c (w->out, '{');
  json_push (w, TRUE);
}

static void
json_end_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  JsonWriter *w = ud;

  g_string_append_c (w->out, '}');
  if (w->depth > 0)
    w->depth--;
}

static void
json_begin_array (gpointer ud, const GstRosbagMsgField * f, guint32 n)
{
  JsonWriter *w = ud;

  json_prefix (w, f);
  g_string_append_c (w->out, '[');
  json_push (w, FALSE);
}

static void
json_end_array (gpointer ud, const GstRosbagMsgField * f)
{
  JsonWriter *w = ud;

  g_string_append_c (w->out, ']');
  if (w->depth > 0)
    w->depth--;
}

static void
json_scalar (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagValue * v)
{
  JsonWriter *w = ud;

  json_prefix (w, f);
  json_value (w->out, v, w->flags);
}

static void
json_bytes (gpointer ud, const GstRosbagMsgField * f, const guint8 * data,
    guint32 len)
{
  JsonWriter *w = ud;

  json_prefix (w, f);
  if ((w->flags & GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH) &&
      f->array == GST_ROSBAG_ARRAY_VARIABLE) {
    g_string_append_printf (w->out, "%u", len);
    return;
  }
  g_string_append_c (w->out, '"');
  append_base64 (w->out, data, len);
  g_string_append_c (w->out, '"');
}

static const GstRosbagMsgVisitor json_visitor = {
  json_begin_message, json_end_message, json_begin_array, json_end_array,
  json_scalar, json_bytes
};

gboolean
gst_rosbag_msgdef_to_json (GstRosbagMsgDef * def, const guint8 * data,
    gsize size, GstRosbagMsgDefFlags flags, GString * out, GError ** error)
{
  JsonWriter w;
  gsize old;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  old = out->len;
  memset (&w, 0, sizeof (w));
  w.out = out;
  w.flags = flags;
  if (!gst_rosbag_msgdef_decode (def, data, size, &json_visitor, &w, NULL,
          error)) {
    g_string_truncate (out, old);
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_rosbag_msgdef_write_json_line (GstRosbagMsgDef * def,
    const gchar * topic, guint64 receive_ns, const guint8 * data, gsize size,
    GstRosbagMsgDefFlags flags, GString * out, GError ** error)
{
  gsize old;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  old = out->len;
  g_string_append (out, "{\"topic\":");
  if (topic)
    gst_rosbag_json_append_string (out, topic, strlen (topic));
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"receive_ns\":%" G_GUINT64_FORMAT
      ",\"msg\":", receive_ns);
  if (!gst_rosbag_msgdef_to_json (def, data, size, flags, out, error)) {
    g_string_truncate (out, old);
    return FALSE;
  }
  g_string_append (out, "}\n");
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* CSV */

static void
csv_columns_of (const GstRosbagMsgType * t, const gchar * prefix,
    GstRosbagMsgDefFlags flags, GPtrArray * cols);

static void
csv_columns_elem (const GstRosbagMsgField * f, const gchar * name,
    GstRosbagMsgDefFlags flags, GPtrArray * cols)
{
  if (f->type == GST_ROSBAG_FIELD_MESSAGE) {
    csv_columns_of (f->msg, name, flags, cols);
  } else if ((f->type == GST_ROSBAG_FIELD_TIME ||
          f->type == GST_ROSBAG_FIELD_DURATION) &&
      (flags & GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS)) {
    g_ptr_array_add (cols, g_strconcat (name, ".secs", NULL));
    g_ptr_array_add (cols, g_strconcat (name, ".nsecs", NULL));
  } else {
    g_ptr_array_add (cols, g_strdup (name));
  }
}

static void
csv_columns_of (const GstRosbagMsgType * t, const gchar * prefix,
    GstRosbagMsgDefFlags flags, GPtrArray * cols)
{
  guint i, j;

  for (i = 0; i < t->n_fields; i++) {
    const GstRosbagMsgField *f = &t->fields[i];
    gchar *name = prefix ? g_strconcat (prefix, ".", f->name, NULL) :
        g_strdup (f->name);

    switch (f->array) {
      case GST_ROSBAG_ARRAY_NONE:
        csv_columns_elem (f, name, flags, cols);
        break;
      case GST_ROSBAG_ARRAY_VARIABLE:
        g_ptr_array_add (cols, g_strdup (name));
        break;
      case GST_ROSBAG_ARRAY_FIXED:
        for (j = 0; j < f->array_len; j++) {
          gchar *en = g_strdup_printf ("%s.%u", name, j);

          csv_columns_elem (f, en, flags, cols);
          g_free (en);
        }
        break;
    }
    g_free (name);
  }
}

gchar **
gst_rosbag_msgdef_get_csv_columns (GstRosbagMsgDef * def,
    GstRosbagMsgDefFlags flags)
{
  GPtrArray *cols;

  g_return_val_if_fail (def != NULL, NULL);

  cols = g_ptr_array_new ();
  csv_columns_of (def->root, NULL, flags, cols);
  g_ptr_array_add (cols, NULL);
  return (gchar **) g_ptr_array_free (cols, FALSE);
}

static gboolean
csv_needs_quotes (const gchar * s, gsize len)
{
  gsize i;

  if (len == 0)
    return FALSE;
  if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
    return TRUE;
  for (i = 0; i < len; i++) {
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      return TRUE;
  }
  return FALSE;
}

/* appends @s as one cell, quoted when needed */
static void
csv_append_cell (GString * out, const gchar * s, gsize len)
{
  gsize i;

  if (!csv_needs_quotes (s, len)) {
    g_string_append_len (out, s, len);
    return;
  }
  g_string_append_c (out, '"');
  for (i = 0; i < len; i++) {
    if (s[i] == '"')
      g_string_append_c (out, '"');
    g_string_append_c (out, s[i]);
  }
  g_string_append_c (out, '"');
}

/* a string value: invalid UTF-8 repaired like in JSON, NUL as U+FFFD */
static void
csv_append_string (GString * out, const gchar * data, gsize len)
{
  GString *tmp = g_string_sized_new (len + 8);
  const guint8 *p = (const guint8 *) data;
  gsize i = 0;

  while (i < len) {
    guint bad = 0;
    guint n = p[i] < 0x80 ? 1 : utf8_seq (p + i, len - i, &bad);

    if (p[i] == 0) {
      /* CSV tools cannot carry NUL */
      g_string_append (tmp, "\xEF\xBF\xBD");
      i++;
    } else if (n) {
      g_string_append_len (tmp, data + i, n);
      i += n;
    } else {
      g_string_append (tmp, "\xEF\xBF\xBD");
      i += bad;
    }
  }
  csv_append_cell (out, tmp->str, tmp->len);
  g_string_free (tmp, TRUE);
}

typedef struct
{
  GString *out;
  GstRosbagMsgDefFlags flags;
  /* inside a variable array: JSON into @cell */
  guint array_depth;
  JsonWriter json;
  GString *cell;
} CsvWriter;

static void
csv_begin_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  CsvWriter *w = ud;

  if (w->array_depth)
    json_begin_message (&w->json, f, index, t);
}

static void
csv_end_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  CsvWriter *w = ud;

  if (w->array_depth)
    json_end_message (&w->json, f, index, t);
}

static void
csv_begin_array (gpointer ud, const GstRosbagMsgField * f, guint32 n)
{
  CsvWriter *w = ud;

  if (w->array_depth) {
    json_begin_array (&w->json, f, n);
    return;
  }
  if (f->array == GST_ROSBAG_ARRAY_FIXED)
    return;                     /* expanded: elements become columns */
  w->array_depth = 1;
  g_string_truncate (w->cell, 0);
  memset (&w->json, 0, sizeof (w->json));
  w->json.out = w->cell;
  w->json.flags = w->flags;
  json_begin_array (&w->json, f, n);
}

static void
csv_end_array (gpointer ud, const GstRosbagMsgField * f)
{
  CsvWriter *w = ud;

  if (!w->array_depth)
    return;
  json_end_array (&w->json, f);
  if (w->json.depth == 0) {
    w->array_depth = 0;
    g_string_append_c (w->out, ',');
    csv_append_cell (w->out, w->cell->str, w->cell->len);
  }
}

static void
csv_scalar (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagValue * v)
{
  CsvWriter *w = ud;

  if (w->array_depth) {
    json_scalar (&w->json, f, index, v);
    return;
  }
  g_string_append_c (w->out, ',');
  switch (v->type) {
    case GST_ROSBAG_FIELD_STRING:
      csv_append_string (w->out, v->str, v->str_len);
      break;
    case GST_ROSBAG_FIELD_FLOAT32:
    case GST_ROSBAG_FIELD_FLOAT64:
      if (isnan (v->f))
        g_string_append (w->out, "nan");
      else if (isinf (v->f))
        g_string_append (w->out, v->f > 0 ? "inf" : "-inf");
      else
        gst_rosbag_json_append_double (w->out, v->f,
            v->type == GST_ROSBAG_FIELD_FLOAT32);
      break;
    case GST_ROSBAG_FIELD_TIME:
    case GST_ROSBAG_FIELD_DURATION:
      if (w->flags & GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS) {
        g_string_append_printf (w->out, "%" G_GINT64_FORMAT ",%"
            G_GINT64_FORMAT, v->secs, v->nsecs);
      } else {
        json_value (w->out, v, w->flags);
      }
      break;
    default:
      json_value (w->out, v, w->flags);
      break;
  }
}

static void
csv_bytes (gpointer ud, const GstRosbagMsgField * f, const guint8 * data,
    guint32 len)
{
  CsvWriter *w = ud;
  guint32 i;

  if (w->array_depth) {
    json_bytes (&w->json, f, data, len);
    return;
  }
  if (f->array == GST_ROSBAG_ARRAY_FIXED) {
    for (i = 0; i < len; i++)
      g_string_append_printf (w->out, ",%u", data[i]);
    return;
  }
  /* a variable byte array: its JSON value (base64) as the cell */
  g_string_append_c (w->out, ',');
  if (w->flags & GST_ROSBAG_MSGDEF_FLAG_BYTES_AS_LENGTH)
    g_string_append_printf (w->out, "%u", len);
  else
    append_base64 (w->out, data, len);
}

static const GstRosbagMsgVisitor csv_visitor = {
  csv_begin_message, csv_end_message, csv_begin_array, csv_end_array,
  csv_scalar, csv_bytes
};

void
gst_rosbag_msgdef_write_csv_header (GstRosbagMsgDef * def,
    GstRosbagMsgDefFlags flags, GString * out)
{
  gchar **cols;
  guint i;

  g_return_if_fail (def != NULL);
  g_return_if_fail (out != NULL);

  cols = gst_rosbag_msgdef_get_csv_columns (def, flags);
  g_string_append (out, "receive_ns");
  for (i = 0; cols[i]; i++) {
    g_string_append_c (out, ',');
    csv_append_cell (out, cols[i], strlen (cols[i]));
  }
  g_string_append_c (out, '\n');
  g_strfreev (cols);
}

gboolean
gst_rosbag_msgdef_write_csv_row (GstRosbagMsgDef * def, guint64 receive_ns,
    const guint8 * data, gsize size, GstRosbagMsgDefFlags flags,
    GString * out, GError ** error)
{
  CsvWriter *w;
  gsize old;
  gboolean ok;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  old = out->len;
  w = g_new0 (CsvWriter, 1);
  w->out = out;
  w->flags = flags;
  w->cell = g_string_new (NULL);
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, receive_ns);
  ok = gst_rosbag_msgdef_decode (def, data, size, &csv_visitor, w, NULL, error);
  if (ok)
    g_string_append_c (out, '\n');
  else
    g_string_truncate (out, old);
  g_string_free (w->cell, TRUE);
  g_free (w);
  return ok;
}
