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
#include <stdlib.h>

#include "rosbag-msgdef.h"
#include "rosbag-record.h"
#include "rosbag-idl.h"
#include "rosbag-private.h"
#ifdef __SIZEOF_INT128__
#include "rosbag-pow10.h"
#endif

#define RD16(p) ((guint16) ((p)[0] | ((p)[1] << 8)))
#define RD32(p) ((guint32) (p)[0] | ((guint32) (p)[1] << 8) | \
    ((guint32) (p)[2] << 16) | ((guint32) (p)[3] << 24))
#define RD64(p) ((guint64) RD32 (p) | ((guint64) RD32 ((p) + 4) << 32))

struct _GstRosbagMsgDef
{
  gint refcount;
  gchar *type_name;
  gboolean ros2;                /* ROS 2 .msg grammar and names */
  GstRosbagWireFormat wire;
  /* the root's std_msgs/Header field, if any */
  const GstRosbagMsgField *header_field;
  GstRosbagMsgType *root;
  GPtrArray *types;             /* GstRosbagMsgType*, owned; [0] is root */
  GHashTable *by_name;          /* name -> GstRosbagMsgType*, not owned */
};

#define MSGDEF_SEPARATOR \
  "================================================================================"

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
  "uint64", "float32", "float64", "string", "time", "duration", "message",
  "wstring"
};

/* private flag of the writers: ROS 2 names for time's members */
#define FLAG_ROS2_TIME (1u << 30)

const gchar *
gst_rosbag_field_type_to_string (GstRosbagFieldType type)
{
  if ((guint) type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "unknown";
}

static gboolean
lookup_builtin (const gchar * name, gboolean ros2, GstRosbagFieldType * type)
{
  guint i;

  if (ros2) {
    /* ROS 2: byte is an octet (unsigned); wstring exists; there is no
     * time or duration primitive (builtin_interfaces has them) */
    if (strcmp (name, "byte") == 0) {
      *type = GST_ROSBAG_FIELD_UINT8;
      return TRUE;
    }
    if (strcmp (name, "wstring") == 0) {
      *type = GST_ROSBAG_FIELD_WSTRING;
      return TRUE;
    }
  }
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
  gboolean ros2;
  gboolean cdr;
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
  g_free (f->default_value);
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
type_build_new (const gchar * name, gboolean ros2, gboolean cdr)
{
  TypeBuild *b = g_new0 (TypeBuild, 1);
  const gchar *slash = strrchr (name, '/');

  b->ros2 = ros2;
  b->cdr = cdr;
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

/* "pkg/Type" -> "pkg/msg/Type" in ROS 2 definitions, where both
 * spellings name the same type; anything else as it is */
static gchar *
canon_type_name (const gchar * name, gboolean ros2)
{
  const gchar *slash = strchr (name, '/');

  if (ros2 && slash && strchr (slash + 1, '/') == NULL)
    return g_strdup_printf ("%.*s/msg/%s", (gint) (slash - name), name,
        slash + 1);
  return g_strdup (name);
}

/* the start of a comment: the first '#' (ROS 1), the first '#' outside a
 * quoted default value (ROS 2) */
static gchar *
find_comment (gchar * s, gboolean ros2)
{
  gchar quote = 0;

  if (!ros2)
    return strchr (s, '#');
  for (; *s; s++) {
    if (quote) {
      if (*s == '\\' && s[1])
        s++;
      else if (*s == quote)
        quote = 0;
    } else if (*s == '"' || *s == '\'') {
      quote = *s;
    } else if (*s == '#') {
      return s;
    }
  }
  return NULL;
}

/* reads decimal N (at most GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS) from
 * [p, end); FALSE when it is not one */
static gboolean
parse_count (const gchar * p, const gchar * end, guint32 * out)
{
  guint64 n = 0;

  if (p >= end)
    return FALSE;
  for (; p < end; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    n = n * 10 + (*p - '0');
    if (n > GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS)
      return FALSE;
  }
  *out = (guint32) n;
  return TRUE;
}

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
  hash = find_comment (clean, b->ros2);
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
  if (b->ros2) {
    /* `string<=5 s` and `int32[<=3] a` are bounds and `string s "a=b"`
     * a default value: a constant is `TYPE NAME=VALUE` */
    gchar *q = rest;

    while (g_ascii_isalnum (*q) || *q == '_')
      q++;
    while (is_ws (*q))
      q++;
    eq = *q == '=' ? q : NULL;
  }
  if (eq) {
    GstRosbagMsgConstant c = { 0, };
    GstRosbagFieldType t;
    gchar *name;

    if (strchr (type_tok, '=') || strchr (type_tok, '[') ||
        !lookup_builtin (type_tok, b->ros2, &t) ||
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
    if (t == GST_ROSBAG_FIELD_STRING && !b->ros2) {
      /* everything after the first '=' of the original line */
      const gchar *oeq = strchr (line, '=');
      c.value = g_strdup (oeq ? oeq + 1 : "");
    } else {
      c.value = g_strstrip (g_strdup (eq + 1));
      if (*c.value == '\0' && t != GST_ROSBAG_FIELD_STRING) {
        PARSE_ERROR ("type %s, line %u: constant '%s' has no value",
            b->type->name, lineno, c.name);
        constant_clear (&c);
        goto fail;
      }
    }
    g_array_append_val (b->constants, c);
  } else {
    GstRosbagMsgField f = { 0, };
    gchar *bracket, *bound;
    gchar *name, *dflt = NULL;

    name = g_strdup (rest);
    g_strstrip (name);
    if (b->ros2) {
      /* ROS 2: `type name default` */
      gchar *q = name;

      while (*q && !is_ws (*q))
        q++;
      if (*q) {
        *q++ = '\0';
        dflt = g_strstrip (g_strdup (q));
      }
    }
    /* a field line is exactly "type name" */
    if (*name == '\0') {
      PARSE_ERROR ("type %s, line %u: field of type '%s' has no name",
          b->type->name, lineno, type_tok);
      g_free (name);
      g_free (dflt);
      goto fail;
    }
    if (!valid_identifier (name)) {
      PARSE_ERROR ("type %s, line %u: invalid field name '%s'",
          b->type->name, lineno, name);
      g_free (name);
      g_free (dflt);
      goto fail;
    }
    f.name = name;
    f.default_value = dflt;

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
      } else if (b->ros2 && g_str_has_prefix (bracket + 1, "<=")) {
        f.array = GST_ROSBAG_ARRAY_BOUNDED;
        if (!parse_count (bracket + 3, close, &f.array_len)) {
          PARSE_ERROR ("type %s, line %u: field '%s': bad or too large "
              "array bound in '%s'", b->type->name, lineno, f.name, type_tok);
          field_clear (&f);
          goto fail;
        }
      } else {
        if (!parse_count (bracket + 1, close, &f.array_len)) {
          PARSE_ERROR ("type %s, line %u: field '%s': bad or too large "
              "array length in '%s'", b->type->name, lineno, f.name, type_tok);
          field_clear (&f);
          goto fail;
        }
        f.array = GST_ROSBAG_ARRAY_FIXED;
      }
      *bracket = '\0';
    }
    bound = b->ros2 ? strstr (type_tok, "<=") : NULL;
    if (bound) {
      /* string<=N, wstring<=N */
      if (!parse_count (bound + 2, bound + strlen (bound), &f.string_bound)
          || f.string_bound == 0) {
        PARSE_ERROR ("type %s, line %u: field '%s': bad string bound in "
            "'%s'", b->type->name, lineno, f.name, type_tok);
        field_clear (&f);
        goto fail;
      }
      *bound = '\0';
      if (strcmp (type_tok, "string") != 0 && strcmp (type_tok, "wstring")) {
        PARSE_ERROR ("type %s, line %u: field '%s': a bound on '%s', which "
            "is not a string", b->type->name, lineno, f.name, type_tok);
        field_clear (&f);
        goto fail;
      }
    }
    if (!valid_type_name (type_tok)) {
      PARSE_ERROR ("type %s, line %u: field '%s': invalid type name '%s'",
          b->type->name, lineno, f.name, type_tok);
      field_clear (&f);
      goto fail;
    }
    f.type_name = g_strdup (type_tok);
    if (!lookup_builtin (type_tok, b->ros2, &f.type)) {
      f.type = GST_ROSBAG_FIELD_MESSAGE;
      if (b->ros2) {
        gchar *full = canon_type_name (type_tok, TRUE);

        /* builtin_interfaces/Time and Duration are ROS 2's time and
         * duration: int32 sec, uint32 nanosec */
        if (strcmp (full, "builtin_interfaces/msg/Time") == 0)
          f.type = GST_ROSBAG_FIELD_TIME;
        else if (strcmp (full, "builtin_interfaces/msg/Duration") == 0)
          f.type = GST_ROSBAG_FIELD_DURATION;
        g_free (full);
      }
    } else if (b->ros2 && (f.type == GST_ROSBAG_FIELD_TIME ||
            f.type == GST_ROSBAG_FIELD_DURATION)) {
      PARSE_ERROR ("type %s, line %u: field '%s': ROS 2 has no '%s' type "
          "(builtin_interfaces/%s is)", b->type->name, lineno, f.name,
          type_tok, f.type == GST_ROSBAG_FIELD_TIME ? "Time" : "Duration");
      field_clear (&f);
      goto fail;
    }
    /* ROS 2's byte is an octet: byte[] is bytes too (IDL sequence<octet>) */
    f.is_bytes = f.array != GST_ROSBAG_ARRAY_NONE &&
        (strcmp (type_tok, "uint8") == 0 || strcmp (type_tok, "char") == 0 ||
        (b->ros2 && strcmp (type_tok, "byte") == 0));
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
    full = g_strdup (b->ros2 ? "std_msgs/msg/Header" : "std_msgs/Header");
  else if (strchr (type_name, '/'))
    full = canon_type_name (type_name, b->ros2);
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
        /* a field of no values (T[0]) is still work to decode */
        fixed = sat_add (fixed, MAX (sat_mul (elem_fixed, f->array_len), 1));
        break;
      case GST_ROSBAG_ARRAY_VARIABLE:
      case GST_ROSBAG_ARRAY_BOUNDED:
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
  /* CDR: an empty struct is one byte (rosidl adds a uint8 member) */
  if (b->cdr && b->fields->len == 0)
    min_size = 1;
  /* an empty struct counts as one value: an array of them is bounded too */
  if (fixed == 0)
    fixed = 1;
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

static GstRosbagMsgDef *
parse_text (const gchar * type, const gchar * definition, gsize def_len,
    gboolean ros2, GstRosbagWireFormat wire, GError ** error)
{
  GPtrArray *builds;
  GHashTable *by_name;
  TypeBuild *cur;
  GstRosbagMsgDef *def = NULL;
  const gchar *p, *end;
  guint lineno = 0, i;
  gboolean expect_msg_line = FALSE;
  gboolean skip_block = FALSE;

  gboolean cdr = wire == GST_ROSBAG_WIRE_CDR;
  gchar *root;

  if (!valid_type_name (type)) {
    PARSE_ERROR ("invalid message type name '%s'", type);
    return NULL;
  }
  if (definition == NULL) {
    definition = "";
    def_len = 0;
  }

  builds = g_ptr_array_new_with_free_func ((GDestroyNotify) type_build_free);
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  root = canon_type_name (type, ros2);
  cur = type_build_new (root, ros2, cdr);
  g_free (root);
  g_ptr_array_add (builds, cur);
  g_hash_table_insert (by_name, cur->type->name, cur);

  p = definition;
  end = definition + def_len;
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
      if (ros2) {
        gchar *c = canon_type_name (name, TRUE);

        g_free (name);
        name = c;
      }
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
        cur = type_build_new (name, ros2, cdr);
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
  def->ros2 = ros2;
  def->wire = wire;
  def->types = g_ptr_array_new_with_free_func ((GDestroyNotify) msg_type_free);
  def->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < builds->len; i++) {
    TypeBuild *b = g_ptr_array_index (builds, i);

    g_ptr_array_add (def->types, b->type);
    g_hash_table_insert (def->by_name, b->type->name, b->type);
    b->type = NULL;
  }
  def->root = g_ptr_array_index (def->types, 0);
  for (i = 0; i < def->root->n_fields && !def->header_field; i++) {
    const GstRosbagMsgField *f = &def->root->fields[i];
    guint j;

    if (f->array == GST_ROSBAG_ARRAY_NONE && f->msg != NULL &&
        (strcmp (f->msg->name, "std_msgs/Header") == 0 ||
            strcmp (f->msg->name, "std_msgs/msg/Header") == 0)) {
      /* its name is a path to it: not after another field of that name */
      for (j = 0; j < i; j++)
        if (strcmp (def->root->fields[j].name, f->name) == 0)
          break;
      if (j == i)
        def->header_field = f;
    }
  }

fail:
  g_hash_table_unref (by_name);
  g_ptr_array_unref (builds);
  return def;
}

/**
 * gst_rosbag_msgdef_parse:
 * @type: the root type, `pkg/Type`
 * @definition: (nullable): the ROS 1 `message_definition` text
 * @error: a #GError, or %NULL
 *
 * Parses a ROS 1 definition for ROS 1 serialized messages; the same as
 * gst_rosbag_msgdef_parse_schema() with schema encoding `ros1msg`.
 *
 * Returns: (transfer full) (nullable): the definition, or %NULL with a
 *   %GST_ROSBAG_ERROR_CORRUPT error naming the type, line and field
 */
GstRosbagMsgDef *
gst_rosbag_msgdef_parse (const gchar * type, const gchar * definition,
    GError ** error)
{
  g_return_val_if_fail (type != NULL, NULL);

  return parse_text (type, definition, definition ? strlen (definition) : 0,
      FALSE, GST_ROSBAG_WIRE_ROS1, error);
}

/* rosbag2 records a service's events (`pkg/srv/Type_Event`) with the
 * .srv text as the schema: request, `---`, response, then the dependencies.
 * The messages are what rosidl generates for the event:
 * service_msgs/msg/ServiceEventInfo info, Type_Request[<=1] request,
 * Type_Response[<=1] response. Returns that definition, or NULL when @type
 * and @text are not a service event's. */
static gchar *
service_event_text (const gchar * type, const gchar * text)
{
  const gchar *sep = NULL, *deps, *p;
  GString *out;
  gchar *base;
  gsize root_len;

  if (!g_str_has_suffix (type, "_Event") || strstr (type, "/srv/") == NULL)
    return NULL;
  /* the root block ends at the first line of '=' */
  deps = NULL;
  for (p = text; *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : p +
      strlen (p)) {
    const gchar *le = strchr (p, '\n');
    gsize len = le ? (gsize) (le - p) : strlen (p);

    while (len > 0 && p[len - 1] == '\r')
      len--;
    if (len >= 3 && strspn (p, "=") == len) {
      deps = p;
      break;
    }
    if (sep == NULL && len == 3 && strncmp (p, "---", 3) == 0)
      sep = p;
  }
  if (sep == NULL)
    return NULL;
  root_len = deps ? (gsize) (deps - text) : strlen (text);
  base = g_strndup (type, strlen (type) - strlen ("_Event"));
  out = g_string_new (NULL);
  g_string_append_printf (out, "service_msgs/msg/ServiceEventInfo info\n"
      "%s_Request[<=1] request\n%s_Response[<=1] response\n", base, base);
  g_string_append_printf (out, "%s\nMSG: %s_Request\n", MSGDEF_SEPARATOR, base);
  g_string_append_len (out, text, sep - text);
  g_string_append_printf (out, "\n%s\nMSG: %s_Response\n", MSGDEF_SEPARATOR,
      base);
  p = strchr (sep, '\n');
  if (p && (gsize) (p + 1 - text) < root_len)
    g_string_append_len (out, p + 1, text + root_len - (p + 1));
  g_string_append_printf (out, "\n%s\nMSG: service_msgs/msg/ServiceEventInfo\n"
      "uint8 REQUEST_SENT = 0\nuint8 REQUEST_RECEIVED = 1\n"
      "uint8 RESPONSE_SENT = 2\nuint8 RESPONSE_RECEIVED = 3\n"
      "uint8 event_type\nbuiltin_interfaces/Time stamp\n"
      "char[16] client_gid\nint64 sequence_number\n", MSGDEF_SEPARATOR);
  if (deps)
    g_string_append (out, deps);
  g_free (base);
  return g_string_free (out, FALSE);
}

/**
 * gst_rosbag_msgdef_parse_schema:
 * @type: the root type as the recording names it (`pkg/Type`,
 *   `pkg/msg/Type`; for IDL also `pkg::msg::Type`)
 * @schema_encoding: (nullable): `ros1msg` (also %NULL or empty: a ROS 1
 *   bag's connection), `ros2msg`, `ros2idl` or `omgidl`
 * @message_encoding: (nullable): `ros1` or `cdr`; %NULL for the usual
 *   one of the schema encoding (`ros1` for ros1msg, else `cdr`)
 * @schema: (nullable): the schema text
 * @schema_len: its length in bytes, or -1 when NUL-terminated
 * @error: a #GError, or %NULL
 *
 * Parses the schema of a topic once; gst_rosbag_msgdef_decode() then
 * reads its messages in @message_encoding. One grammar serves ROS 1 and
 * ROS 2 `.msg` text: the ROS 2 flavour adds `wstring`, bounded strings
 * `string<=N`, bounded arrays `T[<=N]`, default values, `byte` as an
 * unsigned octet, `builtin_interfaces/Time` and `Duration` as time and
 * duration, and both spellings `pkg/msg/Type` and `pkg/Type` of a type.
 * IDL schemas are translated into that grammar first.
 *
 * Returns: (transfer full) (nullable): the definition, or %NULL with a
 *   %GST_ROSBAG_ERROR_UNSUPPORTED error (an encoding, or an IDL construct,
 *   that is not decoded) or %GST_ROSBAG_ERROR_CORRUPT (a malformed schema:
 *   the type, line and field)
 */
GstRosbagMsgDef *
gst_rosbag_msgdef_parse_schema (const gchar * type,
    const gchar * schema_encoding, const gchar * message_encoding,
    const gchar * schema, gssize schema_len, GError ** error)
{
  gboolean ros2 = FALSE, idl = FALSE;
  GstRosbagWireFormat wire;
  GstRosbagMsgDef *def;

  g_return_val_if_fail (type != NULL, NULL);

  if (schema == NULL)
    schema_len = 0;
  else if (schema_len < 0)
    schema_len = strlen (schema);

  if (schema_encoding == NULL || *schema_encoding == '\0' ||
      strcmp (schema_encoding, "ros1msg") == 0) {
    wire = GST_ROSBAG_WIRE_ROS1;
  } else if (strcmp (schema_encoding, "ros2msg") == 0) {
    ros2 = TRUE;
    wire = GST_ROSBAG_WIRE_CDR;
  } else if (strcmp (schema_encoding, "ros2idl") == 0 ||
      strcmp (schema_encoding, "omgidl") == 0) {
    ros2 = idl = TRUE;
    wire = GST_ROSBAG_WIRE_CDR;
  } else {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
        "%s: schema encoding '%s' is not decoded", type, schema_encoding);
    return NULL;
  }
  if (message_encoding && *message_encoding) {
    if (strcmp (message_encoding, "ros1") == 0) {
      wire = GST_ROSBAG_WIRE_ROS1;
    } else if (strcmp (message_encoding, "cdr") == 0) {
      wire = GST_ROSBAG_WIRE_CDR;
    } else {
      g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_UNSUPPORTED,
          "%s: message encoding '%s' is not decoded", type, message_encoding);
      return NULL;
    }
  }

  if (idl) {
    gchar *text, *root = NULL;

    /* MCAP names omgidl schemas `pkg.Type` too */
    gchar **parts = g_strsplit (type, ".", -1);
    gchar *scoped = g_strjoinv ("::", parts);

    g_strfreev (parts);
    text = gst_rosbag_idl_to_msg (schema, schema_len, scoped, &root, error);
    g_free (scoped);
    if (text == NULL)
      return NULL;
    def = parse_text (root ? root : type, text, strlen (text), TRUE, wire,
        error);
    if (def) {
      /* the recording's name for it */
      g_free (def->type_name);
      def->type_name = g_strdup (type);
    }
    g_free (root);
    g_free (text);
    return def;
  }
  if (schema && memchr (schema, '\0', schema_len))
    schema_len = strlen (schema);
  {
    gchar *text = g_strndup (schema ? schema : "", schema_len);
    gchar *event = ros2 ? service_event_text (type, text) : NULL;

    if (event)
      def = parse_text (type, event, strlen (event), ros2, wire, error);
    else
      def = parse_text (type, text, schema_len, ros2, wire, error);
    g_free (event);
    g_free (text);
  }
  return def;
}

/**
 * gst_rosbag_msgdef_get_wire_format:
 * @def: a #GstRosbagMsgDef
 *
 * Returns: how the messages of @def are serialized
 */
GstRosbagWireFormat
gst_rosbag_msgdef_get_wire_format (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, GST_ROSBAG_WIRE_ROS1);
  return def->wire;
}

/**
 * gst_rosbag_msgdef_is_ros2:
 * @def: a #GstRosbagMsgDef
 *
 * Returns: %TRUE when @def was parsed with the ROS 2 grammar (ros2msg,
 *   ros2idl, omgidl): its time members are named sec and nanosec
 */
gboolean
gst_rosbag_msgdef_is_ros2 (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, FALSE);
  return def->ros2;
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
  /* CDR: byte order, and where alignment is counted from */
  gboolean cdr;
  gboolean be;
  gsize origin;
  /* set by a visitor that has seen what it wanted */
  gboolean *stop;
  /* wstring values converted to UTF-8 */
  GString *scratch;
  /* values of variable arrays not backed by bytes (empty structs) */
  guint64 unbacked;
} Decoder;

#define RD16BE(p) ((guint16) (((p)[0] << 8) | (p)[1]))
#define RD32BE(p) (((guint32) (p)[0] << 24) | ((guint32) (p)[1] << 16) | \
    ((guint32) (p)[2] << 8) | (guint32) (p)[3])
#define RD64BE(p) (((guint64) RD32BE (p) << 32) | (guint64) RD32BE ((p) + 4))

static inline guint16
d_rd16 (Decoder * d, const guint8 * p)
{
  return d->be ? RD16BE (p) : RD16 (p);
}

static inline guint32
d_rd32 (Decoder * d, const guint8 * p)
{
  return d->be ? RD32BE (p) : RD32 (p);
}

static inline guint64
d_rd64 (Decoder * d, const guint8 * p)
{
  return d->be ? RD64BE (p) : RD64 (p);
}

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

/* CDR: skips the padding before a value of @n bytes */
static gboolean
decoder_align (Decoder * d, guint n)
{
  gsize pad;

  if (!d->cdr || n <= 1)
    return TRUE;
  pad = (n - (d->pos - d->origin) % n) % n;
  if (!decoder_need (d, pad, "alignment padding"))
    return FALSE;
  d->pos += pad;
  return TRUE;
}

/* a u32 length or count (aligned in CDR) */
static gboolean
read_u32 (Decoder * d, const gchar * what, guint32 * out)
{
  if (!decoder_align (d, 4) || !decoder_need (d, 4, what))
    return FALSE;
  *out = d_rd32 (d, d->data + d->pos);
  d->pos += 4;
  return TRUE;
}

/* CDR wstring: a u32 count of 32-bit code units, as rosidl's Fast DDS
 * type support writes them; converted to UTF-8 in d->scratch */
static gboolean
read_wstring (Decoder * d, GstRosbagValue * v)
{
  guint32 n, i;

  if (!read_u32 (d, "wstring length", &n))
    return FALSE;
  if (!decoder_need (d, (guint64) n * 4, "wstring"))
    return FALSE;
  if (d->scratch == NULL)
    d->scratch = g_string_new (NULL);
  g_string_truncate (d->scratch, 0);
  for (i = 0; i < n; i++) {
    guint32 c = d_rd32 (d, d->data + d->pos + 4 * (gsize) i);

    if (c == 0 && i == n - 1)
      break;                    /* a terminating NUL */
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      c = 0xFFFD;
    g_string_append_unichar (d->scratch, c);
  }
  d->pos += (gsize) n *4;
  v->str = d->scratch->str;
  v->str_len = d->scratch->len;
  return TRUE;
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

    if (!read_u32 (d, "string length", &len))
      return FALSE;
    if (!decoder_need (d, len, "string"))
      return FALSE;
    v.str = (const gchar *) d->data + d->pos;
    v.str_len = len;
    d->pos += len;
    /* CDR counts the terminating NUL */
    if (d->cdr && len > 0 && v.str[len - 1] == '\0')
      v.str_len--;
    if (f->string_bound && v.str_len > f->string_bound)
      return decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT,
          "string longer than its bound");
  } else if (f->type == GST_ROSBAG_FIELD_WSTRING) {
    if (!read_wstring (d, &v))
      return FALSE;
  } else {
    sz = primitive_size (f->type);
    /* time and duration are two 32-bit values */
    if (!decoder_align (d, (f->type == GST_ROSBAG_FIELD_TIME ||
                f->type == GST_ROSBAG_FIELD_DURATION) ? 4 : sz))
      return FALSE;
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
        v.i = (gint16) d_rd16 (d, p);
        break;
      case GST_ROSBAG_FIELD_UINT16:
        v.u = d_rd16 (d, p);
        break;
      case GST_ROSBAG_FIELD_INT32:
        v.i = (gint32) d_rd32 (d, p);
        break;
      case GST_ROSBAG_FIELD_UINT32:
        v.u = d_rd32 (d, p);
        break;
      case GST_ROSBAG_FIELD_INT64:
        v.i = (gint64) d_rd64 (d, p);
        break;
      case GST_ROSBAG_FIELD_UINT64:
        v.u = d_rd64 (d, p);
        break;
      case GST_ROSBAG_FIELD_FLOAT32:{
        union
        {
          guint32 u;
          gfloat f;
        } c;
        c.u = d_rd32 (d, p);
        v.f = c.f;
        break;
      }
      case GST_ROSBAG_FIELD_FLOAT64:{
        union
        {
          guint64 u;
          gdouble f;
        } c;
        c.u = d_rd64 (d, p);
        v.f = c.f;
        break;
      }
      case GST_ROSBAG_FIELD_TIME:
        /* ROS 1: uint32 secs; ROS 2: int32 sec */
        if (d->cdr)
          v.secs = (gint32) d_rd32 (d, p);
        else
          v.secs = d_rd32 (d, p);
        v.nsecs = d_rd32 (d, p + 4);
        break;
      case GST_ROSBAG_FIELD_DURATION:
        v.secs = (gint32) d_rd32 (d, p);
        /* ROS 2: uint32 nanosec */
        if (d->cdr)
          v.nsecs = d_rd32 (d, p + 4);
        else
          v.nsecs = (gint32) d_rd32 (d, p + 4);
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

  if (f->array == GST_ROSBAG_ARRAY_VARIABLE ||
      f->array == GST_ROSBAG_ARRAY_BOUNDED) {
    guint64 elem_min;

    if (!read_u32 (d, "array count", &n))
      return FALSE;
    if (f->array == GST_ROSBAG_ARRAY_BOUNDED && n > f->array_len) {
      gchar *msg = g_strdup_printf ("array count %u over its bound %u", n,
          f->array_len);
      decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, msg);
      g_free (msg);
      return FALSE;
    }
    if (f->type == GST_ROSBAG_FIELD_MESSAGE)
      elem_min = f->msg->min_size;
    else if (f->type == GST_ROSBAG_FIELD_STRING ||
        f->type == GST_ROSBAG_FIELD_WSTRING)
      elem_min = 4;
    else
      elem_min = primitive_size (f->type);
    /* elements with more values than bytes (empty structs, T[0]): bound
     * the work of the whole message instead */
    if (f->type == GST_ROSBAG_FIELD_MESSAGE &&
        f->msg->fixed_elements > elem_min) {
      d->unbacked = sat_add (d->unbacked, sat_mul (n,
              f->msg->fixed_elements - elem_min));
      if (d->unbacked > GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS) {
        gchar *msg = g_strdup_printf ("array count %u of empty elements is "
            "too large", n);
        decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, msg);
        g_free (msg);
        return FALSE;
      }
    }
    if (sat_mul (n, elem_min) > d->size - d->pos) {
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
    if (d->stop && *d->stop)
      return TRUE;
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
  if (d->stop && *d->stop)
    return TRUE;
  if (d->cdr && t->n_fields == 0) {
    /* the member rosidl adds to an empty struct */
    if (!decoder_need (d, 1, "empty struct's byte"))
      return FALSE;
    d->pos++;
  }
  for (i = 0; i < t->n_fields; i++) {
    if (!decode_field (d, &t->fields[i]))
      return FALSE;
    if (d->stop && *d->stop)
      return TRUE;
  }
  if (d->v->end_message)
    d->v->end_message (d->ud, f, index, t);
  return TRUE;
}

/* the 4-byte CDR encapsulation header: sets the byte order */
static gboolean
decoder_start_cdr (Decoder * d)
{
  static const gchar *const xcdr2[] = { "CDR2_BE", "CDR2_LE", "D_CDR2_BE",
    "D_CDR2_LE", "PL_CDR2_BE", "PL_CDR2_LE"
  };
  guint kind;

  if (!decoder_need (d, 4, "CDR encapsulation header"))
    return FALSE;
  kind = (d->data[0] << 8) | d->data[1];
  if (kind == 0x0000 || kind == 0x0001) {
    d->be = kind == 0;
    d->pos = d->origin = 4;
    return TRUE;
  }
  if (kind >= 0x0006 && kind <= 0x000b) {
    gchar *msg = g_strdup_printf ("XCDR2 encapsulation 0x%04x (%s) is not "
        "decoded, only XCDR1 (CDR_LE, CDR_BE)", kind, xcdr2[kind - 6]);

    decoder_fail (d, GST_ROSBAG_ERROR_UNSUPPORTED, msg);
    g_free (msg);
  } else if (kind == 0x0002 || kind == 0x0003) {
    decoder_fail (d, GST_ROSBAG_ERROR_UNSUPPORTED, "parameter-list "
        "encapsulation (PL_CDR, mutable types) is not decoded");
  } else {
    gchar *msg = g_strdup_printf ("unknown CDR encapsulation 0x%04x", kind);

    decoder_fail (d, GST_ROSBAG_ERROR_CORRUPT, msg);
    g_free (msg);
  }
  return FALSE;
}

static gboolean
decode_internal (GstRosbagMsgDef * def, const guint8 * data, gsize size,
    const GstRosbagMsgVisitor * visitor, gpointer user_data, gboolean * stop,
    gsize * consumed, GError ** error)
{
  Decoder d;
  static const GstRosbagMsgVisitor empty = { NULL, };
  gboolean ok;

  memset (&d, 0, sizeof (d));
  d.data = data;
  d.size = size;
  d.v = visitor ? visitor : &empty;
  d.ud = user_data;
  d.root_name = def->type_name;
  d.error = error;
  d.stop = stop;
  d.cdr = def->wire == GST_ROSBAG_WIRE_CDR;
  ok = (!d.cdr || decoder_start_cdr (&d)) &&
      decode_message (&d, def->root, NULL, -1);
  if (d.scratch)
    g_string_free (d.scratch, TRUE);
  if (ok && consumed)
    *consumed = d.pos;
  return ok;
}

/**
 * gst_rosbag_msgdef_decode:
 * @def: a #GstRosbagMsgDef
 * @data: (array length=size): one serialized message
 * @size: its size
 * @visitor: (nullable): the callbacks
 * @user_data: for them
 * @consumed: (out) (optional): the bytes the message used
 * @error: a #GError, or %NULL
 *
 * Walks one message in the wire format of @def (ROS 1, or CDR with its
 * encapsulation header) calling @visitor for every value in wire order.
 * Every length and count is bounded by the bytes left; the elements no
 * bytes carry (empty structs of ROS 1 bytes, `T[0]` members) by
 * %GST_ROSBAG_MSGDEF_MAX_FIXED_ELEMENTS per message. Trailing bytes are
 * not an error (genpy and CDR readers ignore them too).
 *
 * Returns: %FALSE with a %GST_ROSBAG_ERROR_TRUNCATED or
 *   %GST_ROSBAG_ERROR_CORRUPT error naming the field path
 *   (`pose.covariance[3]`) and byte offset when the bytes do not match the
 *   definition (the visitor may then have seen part of the message), or
 *   %GST_ROSBAG_ERROR_UNSUPPORTED for a CDR encapsulation that is not
 *   XCDR1 (XCDR2, parameter lists)
 */
gboolean
gst_rosbag_msgdef_decode (GstRosbagMsgDef * def, const guint8 * data,
    gsize size, const GstRosbagMsgVisitor * visitor, gpointer user_data,
    gsize * consumed, GError ** error)
{
  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  return decode_internal (def, data, size, visitor, user_data, NULL,
      consumed, error);
}

/* ------------------------------------------------------------------ */
/* Reading selected fields */

typedef struct
{
  const GstRosbagMsgField *chain[GST_ROSBAG_MSGDEF_MAX_DEPTH + 1];
  guint len;
} FieldChain;

typedef struct
{
  const FieldChain *chains;
  GstRosbagFieldValue *values;
  guint n;
  guint n_left;
  /* the message fields we are inside of (outside arrays) */
  const GstRosbagMsgField *stack[GST_ROSBAG_MSGDEF_MAX_DEPTH + 2];
  guint depth;
  guint array_depth;
  gboolean stop;
} FieldReader;

/* the next path after @after (NULL: the first) that names @f here: a path
 * may be asked for more than once */
static GstRosbagFieldValue *
field_reader_match (FieldReader * r, const GstRosbagMsgField * f,
    GstRosbagFieldValue * after)
{
  guint k, i;

  if (r->array_depth > 0)
    return NULL;
  for (k = after ? after - r->values + 1 : 0; k < r->n; k++) {
    const FieldChain *c = &r->chains[k];

    if (r->values[k].found || c->len != r->depth + 1 || c->chain[r->depth] != f)
      continue;
    for (i = 0; i < r->depth; i++)
      if (c->chain[i] != r->stack[i])
        break;
    if (i < r->depth)
      continue;
    r->values[k].found = TRUE;
    r->values[k].field = f;
    if (--r->n_left == 0)
      r->stop = TRUE;
    return &r->values[k];
  }
  return NULL;
}

static void
fr_begin_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  FieldReader *r = ud;

  if (f != NULL && r->array_depth == 0 && r->depth < G_N_ELEMENTS (r->stack)) {
    /* a path may name a plain message field too */
    GstRosbagFieldValue *v = NULL;

    while ((v = field_reader_match (r, f, v)));
    r->stack[r->depth++] = f;
  }
}

static void
fr_end_message (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagMsgType * t)
{
  FieldReader *r = ud;

  if (f != NULL && r->array_depth == 0 && r->depth > 0)
    r->depth--;
}

static void
fr_begin_array (gpointer ud, const GstRosbagMsgField * f, guint32 n)
{
  FieldReader *r = ud;
  GstRosbagFieldValue *v = NULL;

  while ((v = field_reader_match (r, f, v)))
    v->count = n;
  r->array_depth++;
}

static void
fr_end_array (gpointer ud, const GstRosbagMsgField * f)
{
  FieldReader *r = ud;

  r->array_depth--;
}

static void
fr_value (gpointer ud, const GstRosbagMsgField * f, gint index,
    const GstRosbagValue * value)
{
  FieldReader *r = ud;
  GstRosbagFieldValue *v = NULL;

  while ((v = field_reader_match (r, f, v))) {
    v->value = *value;
    /* a wstring's text lives in the decoder: not kept */
    if (value->type == GST_ROSBAG_FIELD_WSTRING) {
      v->value.str = NULL;
      v->value.str_len = 0;
    }
  }
}

static void
fr_bytes (gpointer ud, const GstRosbagMsgField * f, const guint8 * data,
    guint32 len)
{
  FieldReader *r = ud;
  GstRosbagFieldValue *v = NULL;

  while ((v = field_reader_match (r, f, v))) {
    v->data = data;
    v->size = len;
    v->count = len;
  }
}

static const GstRosbagMsgVisitor field_reader_visitor = {
  fr_begin_message, fr_end_message, fr_begin_array, fr_end_array,
  fr_value, fr_bytes
};

static gboolean
read_chains (GstRosbagMsgDef * def, const guint8 * data, gsize size,
    const FieldChain * chains, guint n, GstRosbagFieldValue * values,
    GError ** error)
{
  FieldReader *r = g_new0 (FieldReader, 1);
  guint k;
  gboolean ok;

  r->chains = chains;
  r->values = values;
  r->n = n;
  for (k = 0; k < n; k++) {
    memset (&values[k], 0, sizeof (values[k]));
    if (chains[k].len > 0)
      r->n_left++;
  }
  ok = r->n_left == 0 || decode_internal (def, data, size,
      &field_reader_visitor, r, &r->stop, NULL, error);
  g_free (r);
  return ok;
}

/* resolves a dotted path of plain (not array element) field names */
static gboolean
resolve_chain (GstRosbagMsgDef * def, const gchar * path, FieldChain * c)
{
  const GstRosbagMsgType *t = def->root;
  gchar **parts = g_strsplit (path, ".", -1);
  guint i, j;
  gboolean ok = TRUE;

  c->len = 0;
  for (i = 0; parts[i] && ok; i++) {
    const GstRosbagMsgField *f = NULL;

    if (t == NULL || i >= G_N_ELEMENTS (c->chain)) {
      ok = FALSE;
      break;
    }
    /* the first of fields of the same name, as get_header_field() */
    for (j = 0; j < t->n_fields && f == NULL; j++)
      if (strcmp (t->fields[j].name, parts[i]) == 0)
        f = &t->fields[j];
    if (f == NULL) {
      ok = FALSE;
      break;
    }
    c->chain[c->len++] = f;
    /* only a plain nested message can be gone into */
    t = (f->type == GST_ROSBAG_FIELD_MESSAGE &&
        f->array == GST_ROSBAG_ARRAY_NONE) ? f->msg : NULL;
  }
  g_strfreev (parts);
  if (!ok)
    c->len = 0;
  return ok;
}

/**
 * gst_rosbag_msgdef_read_fields:
 * @def: a #GstRosbagMsgDef
 * @data: (array length=size): one serialized message
 * @size: its size
 * @paths: (array zero-terminated=1): dotted field paths (`header.stamp`,
 *   `encoding`, `data`), each naming a field outside of arrays
 * @values: (array): one result per path
 * @error: a #GError, or %NULL
 *
 * Reads the fields @paths name out of one message with the decoder (no
 * byte offsets are assumed: a field's place follows from the definition
 * and the message). Decoding stops once every path was met. A path the
 * definition does not have is not an error: its value says not found. A
 * path may name a nested message (found, no value) and may be asked for
 * twice; of fields of the same name it names the first.
 * Byte arrays (`uint8[]`, `char[]`) are not copied: @values point into
 * @data.
 *
 * Returns: %FALSE with the decoder's error when the message does not
 *   match the definition up to the last field wanted
 */
gboolean
gst_rosbag_msgdef_read_fields (GstRosbagMsgDef * def, const guint8 * data,
    gsize size, const gchar * const *paths, GstRosbagFieldValue * values,
    GError ** error)
{
  FieldChain *chains;
  guint n, k;
  gboolean ok;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  n = g_strv_length ((gchar **) paths);
  chains = g_new0 (FieldChain, MAX (n, 1));
  for (k = 0; k < n; k++)
    resolve_chain (def, paths[k], &chains[k]);
  ok = read_chains (def, data, size, chains, n, values, error);
  g_free (chains);
  return ok;
}

/**
 * gst_rosbag_msgdef_get_header_field:
 * @def: a #GstRosbagMsgDef
 *
 * Returns: (nullable): the name of the root type's first `std_msgs/Header`
 *   field (ROS 1 or ROS 2), or %NULL when it has none
 */
const gchar *
gst_rosbag_msgdef_get_header_field (GstRosbagMsgDef * def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->header_field ? def->header_field->name : NULL;
}

/**
 * gst_rosbag_msgdef_read_header_stamp:
 * @def: a #GstRosbagMsgDef
 * @data: (array length=size): one serialized message
 * @size: its size
 * @stamp_ns: (out): the header's stamp in nanoseconds
 * @error: a #GError, or %NULL
 *
 * Reads `header.stamp` of a message whose type has a std_msgs/Header
 * (gst_rosbag_msgdef_get_header_field()), decoding only as far as the
 * header.
 *
 * Returns: %TRUE with @stamp_ns set; %FALSE without an error when the type
 *   has no header; %FALSE with an error when the message is malformed or
 *   its stamp is negative
 */
gboolean
gst_rosbag_msgdef_read_header_stamp (GstRosbagMsgDef * def,
    const guint8 * data, gsize size, guint64 * stamp_ns, GError ** error)
{
  FieldChain c;
  GstRosbagFieldValue v;
  const GstRosbagMsgType *h;
  guint j;

  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (stamp_ns != NULL, FALSE);

  if (def->header_field == NULL)
    return FALSE;
  h = def->header_field->msg;
  c.len = 0;
  for (j = 0; j < h->n_fields; j++) {
    if (strcmp (h->fields[j].name, "stamp") != 0)
      continue;
    /* the first field of that name, as read_fields() */
    if (h->fields[j].type == GST_ROSBAG_FIELD_TIME &&
        h->fields[j].array == GST_ROSBAG_ARRAY_NONE) {
      c.chain[0] = def->header_field;
      c.chain[1] = &h->fields[j];
      c.len = 2;
    }
    break;
  }
  if (c.len == 0)
    return FALSE;
  if (!read_chains (def, data, size, &c, 1, &v, error))
    return FALSE;
  if (!v.found || v.value.secs < 0 || v.value.nsecs < 0) {
    g_set_error (error, GST_ROSBAG_ERROR, GST_ROSBAG_ERROR_CORRUPT,
        "%s: header.stamp is negative (%" G_GINT64_FORMAT " s %"
        G_GINT64_FORMAT " ns)", def->type_name, v.value.secs, v.value.nsecs);
    return FALSE;
  }
  *stamp_ns = (guint64) v.value.secs * 1000000000 + (guint64) v.value.nsecs;
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

#ifdef __SIZEOF_INT128__
/* %g's rendering (precision @prec) of the @nd significant digits at
 * @digs times 10^@exp10, trailing zeros already stripped; the length */
static gint
render_g (gchar * buf, gboolean neg, const gchar * digs, gint nd, gint exp10,
    gint prec)
{
  gchar *b = buf;
  gint i;

  if (neg)
    *b++ = '-';
  if (exp10 < -4 || exp10 >= prec) {
    *b++ = digs[0];
    if (nd > 1) {
      *b++ = '.';
      memcpy (b, digs + 1, nd - 1);
      b += nd - 1;
    }
    i = ABS (exp10);
    *b++ = 'e';
    *b++ = exp10 < 0 ? '-' : '+';
    if (i >= 100)
      *b++ = '0' + i / 100;
    *b++ = '0' + i / 10 % 10;
    *b++ = '0' + i % 10;
  } else if (exp10 >= 0) {
    for (i = 0; i <= exp10; i++)
      *b++ = i < nd ? digs[i] : '0';
    if (nd > exp10 + 1) {
      *b++ = '.';
      memcpy (b, digs + exp10 + 1, nd - exp10 - 1);
      b += nd - exp10 - 1;
    }
  } else {
    *b++ = '0';
    *b++ = '.';
    for (i = 0; i < -exp10 - 1; i++)
      *b++ = '0';
    memcpy (b, digs, nd);
    b += nd;
  }
  *b = '\0';
  return b - buf;
}

/* The shortest of %.15g, %.16g, %.17g (%.6g ... %.9g for float32) that
 * reads back to @v, as the slow way below does it, without printf or
 * strtod.
 *
 * Method: |v| = m * 2^e with m of 53 (float32: 24) bits, and v's
 * round-to-nearest interval has the bounds (2m - 1) * 2^(e-1) and
 * (2m + 1) * 2^(e-1) (the lower (4m - 1) * 2^(e-2) when m is a power of
 * two above the smallest normal); a decimal reads back to v exactly when
 * it lies inside, the bounds included only if m is even (round half to
 * even). 10^q, with q chosen to give v * 10^q 17 or 18 (float32: 9 or 10)
 * digits before the point, is taken from rosbag-pow10.h as a 128-bit T
 * rounded down, T * 2^t <= 10^q < (T + 1) * 2^t. With M < 2^63 the value
 * or a bound shifted to the top of 63 bits, H = (M * T) >> 64 is a fixed
 * point number with s fraction bits, and the exact M * 10^q * 2^-t / 2^64
 * lies in [H, H + 2): below 1 from dropping the low 64 bits, below
 * M / 2^64 < 1 from T's truncation; it is exactly H when T is exact
 * (0 <= q <= 55) and the low bits are zero, otherwise strictly above H.
 * From the value's H come the digits of %.Ng, rounded correctly (ties to
 * even, as glibc's printf) from the integer part and the discarded
 * remainder, and each candidate is compared with the bounds' H as an
 * exact multiple of 2^-s. Whenever a decision falls within that error
 * (a remainder less than 2 units below a half, a candidate 1 unit above
 * a bound's H), or v is subnormal or otherwise awkward, FALSE: the
 * caller takes the slow way. float32 read back goes through a double:
 * it differs from the direct test only for decimals within half a double
 * ulp of a bound, so for float32 a window of 2^-50 of the bound around it
 * is uncertain too. Without a 128-bit integer type (32-bit targets) it
 * is always the slow way. */
typedef unsigned __int128 u128;

/* @x / 10^@r for the few @r used, as multiplications */
static inline guint64
div_pow10 (guint64 x, gint r)
{
  switch (r) {
    case 0:
      return x;
    case 1:
      return x / 10;
    case 2:
      return x / 100;
    case 3:
      return x / 1000;
    default:
      return x / 10000;
  }
}

/* the @n decimal digits of @x (below 10^@n) ending at @end */
static inline void
put_digits (gchar * end, guint32 x, gint n)
{
  static const gchar pairs[] =
      "00010203040506070809101112131415161718192021222324"
      "25262728293031323334353637383940414243444546474849"
      "50515253545556575859606162636465666768697071727374"
      "75767778798081828384858687888990919293949596979899";

  for (; n >= 2; n -= 2, x /= 100) {
    end -= 2;
    memcpy (end, pairs + 2 * (x % 100), 2);
  }
  if (n)
    end[-1] = '0' + x;
}

/* (M * T) >> 64 for the 128-bit T at @p; *@exact: nothing was dropped */
static inline u128
mul_pow10 (guint64 m, const guint64 * p, gboolean * exact)
{
  u128 hi, lo;

  hi = m * (u128) p[0];
  lo = m * (u128) p[1];
  *exact = (guint64) lo == 0;
  return hi + (lo >> 64);
}

/* @c against a bound known as @h, exactly or in (h, h + 2), and for
 * float32 a window @w around it: -1 below, 1 above, 0 on it, 2 unsure */
static inline gint
cmp_bound (u128 c, u128 h, gboolean exact, u128 w)
{
  if (exact) {
    if (c == h)
      return 0;
    if (c < h)
      return h - c > w ? -1 : 2;
    return c - h > w ? 1 : 2;
  }
  if (c <= h && h - c >= w)
    return -1;
  if (c >= h + 2 && c - (h + 2) >= w)
    return 1;
  return 2;
}

static gboolean
append_double_fast (GString * out, gdouble v, gboolean is_float32)
{
  static const guint64 p10[] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000,
    G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000),
    G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (10000000000000),
    G_GUINT64_CONSTANT (100000000000000),
    G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (10000000000000000),
    G_GUINT64_CONSTANT (100000000000000000)
  };
  gint maxd = is_float32 ? 9 : 17, mind = is_float32 ? 6 : 15;
  gint nbits = is_float32 ? 24 : 53, sh = 63 - nbits;
  gboolean neg = signbit (v), tv, tl, tu, ex, even;
  guint64 bits, m, ival;
  gint be, e, b, e10, q, s, r0, p;
  const guint64 *pw;
  u128 hv, hl, hu, w = 0;
  gchar digs[20], cand[48];

  memcpy (&bits, &v, 8);
  be = (bits >> 52) & 0x7ff;
  m = bits & G_GUINT64_CONSTANT (0xfffffffffffff);
  if (is_float32) {
    /* a normal float, exactly */
    if (be < 1023 - 126 || be > 1023 + 127 || (m & ((1 << 29) - 1)))
      return FALSE;
    m = (m | G_GUINT64_CONSTANT (1) << 52) >> 29;
    e = be - 1075 + 29;
  } else {
    if (be == 0 || be == 0x7ff)
      return FALSE;
    m = m | G_GUINT64_CONSTANT (1) << 52;
    e = be - 1075;
  }
  even = (m & 1) == 0;

  /* q: v * 10^q in [10^(maxd - 1), 2 * 10^maxd); b = floor (log2 |v|),
   * e10 = floor (b * log10 (2)) (exactly so for all |b| < 1200) */
  b = e + nbits - 1;
  e10 = b >= 0 ? (b * 78913) >> 18 : -((-b * 78913 + (1 << 18) - 1) >> 18);
  q = maxd - 1 - e10;
  if (q < GST_ROSBAG_POW10_MIN || q > GST_ROSBAG_POW10_MAX)
    return FALSE;
  pw = gst_rosbag_pow10[q - GST_ROSBAG_POW10_MIN];
  /* |v| = (m << sh) * 2^(e - sh), 10^q ~ T * 2^t, H = (M * T) >> 64:
   * v * 10^q ~ H * 2^-s */
  s = -(e - sh + gst_rosbag_pow10_exp2[q - GST_ROSBAG_POW10_MIN] + 64);
  if (s < 1 || s > 127)
    return FALSE;
  ex = q >= GST_ROSBAG_POW10_EXACT_MIN && q <= GST_ROSBAG_POW10_EXACT_MAX;
  hv = mul_pow10 (m << sh, pw, &tv);
  hu = mul_pow10 ((4 * m + 2) << (sh - 2), pw, &tu);
  if (m == G_GUINT64_CONSTANT (1) << (nbits - 1) && be > (is_float32 ?
          1023 - 126 : 1))
    hl = mul_pow10 ((4 * m - 1) << (sh - 2), pw, &tl);
  else
    hl = mul_pow10 ((4 * m - 2) << (sh - 2), pw, &tl);
  tv = tv && ex;
  tl = tl && ex;
  tu = tu && ex;

  ival = (guint64) (hv >> s);
  if (ival >= p10[maxd])
    r0 = 1;
  else if (ival >= p10[maxd - 1])
    r0 = 0;
  else
    return FALSE;
  e10 += r0;

  for (p = mind; p <= maxd; p++) {
    gint r = r0 + maxd - p, k, rexp = e10, cl, cu;
    guint64 div = p10[r], n = div_pow10 (ival, r);
    u128 rem = hv - ((u128) (n * div) << s), half = (u128) div << (s - 1);
    u128 c;

    /* round the remainder, ties to even */
    if (tv) {
      if (rem > half || (rem == half && (n & 1)))
        n++;
    } else if (rem >= half) {
      n++;
    } else if (rem + 2 > half) {
      return FALSE;
    }

    if (p < maxd) {
      /* inside v's interval? */
      c = (u128) (n * div) << s;
      if (is_float32)
        w = (hl >> 50) + 4;
      cl = cmp_bound (c, hl, tl, w);
      if (is_float32)
        w = (hu >> 50) + 4;
      cu = cmp_bound (c, hu, tu, w);
      if (cl == -1 || (cl == 0 && !even) || cu == 1 || (cu == 0 && !even))
        continue;
      if (cl == 2 || cu == 2)
        return FALSE;
    }

    if (n == p10[p]) {
      n = p10[p - 1];
      rexp++;
    }
    /* the p digits: the low 8 and the rest separately, two at a time */
    if (p > 8) {
      put_digits (digs + p, n % 100000000, 8);
      put_digits (digs + p - 8, n / 100000000, p - 8);
    } else {
      put_digits (digs + p, n, p);
    }
    for (k = p; k > 1 && digs[k - 1] == '0'; k--);
    g_string_append_len (out, cand, render_g (cand, neg, digs, k, rexp, p));
    return TRUE;
  }
  g_assert_not_reached ();
  return FALSE;
}
#else
static gboolean
append_double_fast (GString * out, gdouble v, gboolean is_float32)
{
  (void) out;
  (void) v;
  (void) is_float32;
  return FALSE;
}
#endif

/* private: the reference for the above, one printf per precision tried */
void
gst_rosbag_json_append_double_slow (GString * out, gdouble v,
    gboolean is_float32)
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

void
gst_rosbag_json_append_double (GString * out, gdouble v, gboolean is_float32)
{
  gsize start = out->len;
  const gchar *c;

  if (!isfinite (v)) {
    g_string_append (out, "null");
    return;
  }
  if (v == 0) {
    g_string_append (out, signbit (v) ? "-0.0" : "0.0");
    return;
  }
  /* whole numbers of at most 15 (float32: 6) digits: %g prints them as
   * they are */
  if (fabs (v) < (is_float32 ? 1e6 : 1e15) && v == (gdouble) (gint64) v) {
    g_string_append_printf (out, "%" G_GINT64_FORMAT ".0", (gint64) v);
    return;
  }
  if (!append_double_fast (out, v, is_float32)) {
    gst_rosbag_json_append_double_slow (out, v, is_float32);
    return;
  }
  /* keep it a float for readers that infer types */
  for (c = out->str + start; *c; c++)
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
    case GST_ROSBAG_FIELD_WSTRING:
      gst_rosbag_json_append_string (out, v->str, v->str_len);
      break;
    case GST_ROSBAG_FIELD_TIME:
    case GST_ROSBAG_FIELD_DURATION:
      if ((flags & FLAG_ROS2_TIME) &&
          (flags & GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS)) {
        g_string_append_printf (out, "{\"sec\":%" G_GINT64_FORMAT
            ",\"nanosec\":%" G_GINT64_FORMAT "}", v->secs, v->nsecs);
      } else if (flags & GST_ROSBAG_MSGDEF_FLAG_TIME_SECS_NSECS) {
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
  w.flags = flags | (def->ros2 ? FLAG_ROS2_TIME : 0);
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
    gboolean ros2 = (flags & FLAG_ROS2_TIME) != 0;

    g_ptr_array_add (cols, g_strconcat (name, ros2 ? ".sec" : ".secs", NULL));
    g_ptr_array_add (cols, g_strconcat (name, ros2 ? ".nanosec" : ".nsecs",
            NULL));
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
      case GST_ROSBAG_ARRAY_BOUNDED:
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
  csv_columns_of (def->root, NULL, flags | (def->ros2 ? FLAG_ROS2_TIME : 0),
      cols);
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
    case GST_ROSBAG_FIELD_WSTRING:
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
  w->flags = flags | (def->ros2 ? FLAG_ROS2_TIME : 0);
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
