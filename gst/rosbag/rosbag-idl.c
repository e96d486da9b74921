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


/* The IDL front end: translates the IDL schemas of MCAP files (`ros2idl`:
 * what rosidl generates, several files joined by "IDL: pkg/msg/Type"
 * sections; `omgidl`: plain OMG IDL from DDS recorders or foxglove) into
 * the `ros2msg` delimited text the message definition parser reads.
 *
 * The subset is what rosidl and DDS recorders write: modules, structs,
 * typedefs, enums, consts (rosidl's Type_Constants modules), the basic
 * types, strings, sequences and arrays, annotations. Everything is parsed
 * first and resolved afterwards: a ros2idl section refers to types of
 * later sections. No recursion deeper than one level: the module nesting
 * is an explicit stack, annotation arguments are skipped by counting
 * parentheses, typedef chains are followed in a bounded loop. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <string.h>

#include "rosbag-idl.h"

#define SEPARATOR_LEN 80
#define MAX_SCOPED_PARTS 64
#define MAX_ARRAY_DIMS 64
#define MAX_TYPEDEF_CHAIN 64
#define MAX_BOUND G_MAXUINT32

/* ---------------------------------------------------------------- */
/* tokens */

typedef enum
{
  TOK_EOF,
  TOK_IDENT,
  TOK_INT,
  TOK_FLOAT,
  TOK_STRING,
  TOK_CHAR,
  TOK_PUNCT
} TokKind;

/* TOK_PUNCT: one character; "::" is PUNCT_SCOPE */
#define PUNCT_SCOPE 'S'

typedef struct
{
  TokKind kind;
  guint line;
  const gchar *text;            /* raw text in the input */
  gsize len;
  gchar punct;
  guint64 ival;                 /* TOK_INT, TOK_CHAR */
  gboolean overflow;            /* TOK_INT larger than 64 bits */
} Token;

/* ---------------------------------------------------------------- */
/* the parsed declarations */

typedef enum
{
  BASE_PRIM,
  BASE_STRING,
  BASE_WSTRING,
  BASE_NAME
} BaseKind;

/* a type as written: a base, an optional sequence around it and the
 * array dimensions of the declarator */
typedef struct
{
  BaseKind base;
  const gchar *prim;            /* BASE_PRIM: the msg spelling */
  guint64 str_bound;            /* strings: 0 = unbounded */
  gchar *name;                  /* BASE_NAME: as written, "::a::b" or "b" */
  gchar *scope;                 /* BASE_NAME: the module it was written in */
  gboolean seq;
  guint64 seq_bound;            /* 0 = unbounded */
  guint64 array;                /* elements of the declarator, 0 = none */
  guint n_dims;
  const gchar *unsupported;     /* reported when the type is used */
  guint line;
} TypeRef;

typedef struct
{
  gchar *name;
  TypeRef type;
  const gchar *unsupported;
  guint line;
} Member;

typedef struct
{
  gchar *full;                  /* a::b::C */
  gboolean defined;
  GArray *members;              /* Member */
  const gchar *unsupported;
  guint unsupported_line;
  guint line;
} Struct;

typedef enum
{
  DECL_STRUCT,
  DECL_TYPEDEF,
  DECL_ENUM
} DeclKind;

typedef struct
{
  DeclKind kind;
  Struct *st;                   /* DECL_STRUCT */
  TypeRef td;                   /* DECL_TYPEDEF */
  guint bit_bound;              /* DECL_ENUM: 0 = default (32) */
  guint line;
} Decl;

/* a msg constant line of a struct */
typedef struct
{
  gchar *name;
  gchar *text;
} Constant;

typedef struct
{
  gboolean mutable_;
  gboolean optional;
  guint bit_bound;
  guint line;
} Annots;

typedef struct
{
  const gchar *p, *end;
  guint line;
  gboolean bol;                 /* only white space since the line start */
  Token tok;
  GString *sval;                /* the decoded TOK_STRING */
  gboolean failed;
  GError **error;

  GString *path;                /* the current module path, a::b */
  GArray *path_lens;            /* path->len before each module */
  GPtrArray *modules;           /* names of the open modules */

  GPtrArray *structs;           /* Struct, owned */
  GHashTable *decls;            /* full name -> Decl */
  GHashTable *constants;        /* a::b::Type -> GArray of Constant */
  gchar desc[48];
} Parser;

/* *INDENT-OFF* */
static gboolean fail (Parser * P, GstRosbagError code, guint line,
    const gchar * fmt, ...) G_GNUC_PRINTF (4, 5);
/* *INDENT-ON* */

static gboolean
fail (Parser * P, GstRosbagError code, guint line, const gchar * fmt, ...)
{
  if (!P->failed) {
    va_list args;
    gchar *msg;

    va_start (args, fmt);
    msg = g_strdup_vprintf (fmt, args);
    va_end (args);
    g_set_error (P->error, GST_ROSBAG_ERROR, code, "IDL line %u: %s", line,
        msg);
    g_free (msg);
  }
  P->failed = TRUE;
  return FALSE;
}

#define CORRUPT(P, line, ...) \
  fail (P, GST_ROSBAG_ERROR_CORRUPT, line, __VA_ARGS__)
#define UNSUPPORTED(P, line, ...) \
  fail (P, GST_ROSBAG_ERROR_UNSUPPORTED, line, __VA_ARGS__)

static void
typeref_clear (TypeRef * t)
{
  g_free (t->name);
  g_free (t->scope);
  memset (t, 0, sizeof (*t));
}

static void
typeref_copy (TypeRef * dst, const TypeRef * src)
{
  *dst = *src;
  dst->name = g_strdup (src->name);
  dst->scope = g_strdup (src->scope);
}

static void
member_clear (Member * m)
{
  g_free (m->name);
  typeref_clear (&m->type);
}

static void
struct_free (Struct * s)
{
  g_free (s->full);
  g_array_unref (s->members);
  g_free (s);
}

static Struct *
struct_new (const gchar * full, guint line)
{
  Struct *s = g_new0 (Struct, 1);

  s->full = g_strdup (full);
  s->line = line;
  s->members = g_array_new (FALSE, TRUE, sizeof (Member));
  g_array_set_clear_func (s->members, (GDestroyNotify) member_clear);
  return s;
}

static void
decl_free (Decl * d)
{
  typeref_clear (&d->td);
  g_free (d);
}

static void
constant_clear (Constant * c)
{
  g_free (c->name);
  g_free (c->text);
}

/* ---------------------------------------------------------------- */
/* the lexer */

static const gchar *
tok_desc (Parser * P)
{
  const Token *t = &P->tok;

  if (t->kind == TOK_EOF)
    return "end of input";
  if (t->kind == TOK_PUNCT && t->punct == PUNCT_SCOPE)
    return "'::'";
  {
    gsize i, n = MIN (t->len, 32);
    gchar *d = P->desc;

    /* printable ASCII only: the input may be any bytes */
    *d++ = '\'';
    for (i = 0; i < n; i++)
      *d++ = g_ascii_isprint (t->text[i]) ? t->text[i] : '?';
    if (t->len > n) {
      memcpy (d, "...", 3);
      d += 3;
    }
    *d++ = '\'';
    *d = '\0';
  }
  return P->desc;
}

static gboolean
is_space (gchar c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static gboolean
is_ident_start (gchar c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* the rest of the line, for preprocessor lines and section headers */
static void
skip_line (Parser * P)
{
  while (P->p < P->end && *P->p != '\n')
    P->p++;
}

/* a line of '=' only (the ros2idl section separator) */
static gboolean
at_separator_line (Parser * P)
{
  const gchar *q = P->p;
  gsize n = 0;

  while (q < P->end && *q == '=') {
    q++;
    n++;
  }
  while (q < P->end && is_space (*q))
    q++;
  return n >= 3 && (q == P->end || *q == '\n');
}

static gboolean
skip_space (Parser * P)
{
  while (P->p < P->end) {
    gchar c = *P->p;

    if (c == '\n') {
      P->line++;
      P->bol = TRUE;
      P->p++;
    } else if (is_space (c)) {
      P->p++;
    } else if (P->bol && c == '#') {
      /* a preprocessor line, continued by a backslash at its end */
      while (P->p < P->end && *P->p != '\n')
        P->p++;
      while (P->p < P->end && P->p[-1] == '\\') {
        P->line++;
        P->p++;
        skip_line (P);
      }
    } else if (P->bol && c == '=' && at_separator_line (P)) {
      skip_line (P);
    } else if (P->bol && P->end - P->p >= 4 && memcmp (P->p, "IDL:", 4) == 0
        && (P->end - P->p == 4 || P->p[4] != ':')) {
      /* "IDL: pkg/msg/Type", the header of a ros2idl section */
      skip_line (P);
    } else if (c == '/' && P->end - P->p >= 2 && P->p[1] == '/') {
      skip_line (P);
    } else if (c == '/' && P->end - P->p >= 2 && P->p[1] == '*') {
      guint start = P->line;

      P->p += 2;
      for (;;) {
        if (P->p >= P->end)
          return CORRUPT (P, start, "unterminated comment");
        if (*P->p == '*' && P->end - P->p >= 2 && P->p[1] == '/') {
          P->p += 2;
          break;
        }
        if (*P->p == '\n')
          P->line++;
        P->p++;
      }
    } else {
      break;
    }
  }
  return TRUE;
}

static gint
hex_value (gchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* one character of a string or char literal at P->p (after the opening
 * quote), escapes decoded; appends its UTF-8 to @out */
static gboolean
lex_literal_char (Parser * P, GString * out)
{
  gchar c = *P->p++;
  guint32 v;
  gint i, d;

  if (c != '\\') {
    g_string_append_c (out, c);
    return TRUE;
  }
  if (P->p >= P->end)
    return CORRUPT (P, P->line, "unterminated escape sequence");
  c = *P->p++;
  switch (c) {
    case 'n':
      g_string_append_c (out, '\n');
      return TRUE;
    case 't':
      g_string_append_c (out, '\t');
      return TRUE;
    case 'v':
      g_string_append_c (out, '\v');
      return TRUE;
    case 'b':
      g_string_append_c (out, '\b');
      return TRUE;
    case 'r':
      g_string_append_c (out, '\r');
      return TRUE;
    case 'f':
      g_string_append_c (out, '\f');
      return TRUE;
    case 'a':
      g_string_append_c (out, '\a');
      return TRUE;
    case '\\':
    case '?':
    case '\'':
    case '"':
      g_string_append_c (out, c);
      return TRUE;
    case 'x':
    case 'u':
      v = 0;
      for (i = 0; i < (c == 'x' ? 2 : 4) && P->p < P->end; i++) {
        if ((d = hex_value (*P->p)) < 0)
          break;
        v = v * 16 + d;
        P->p++;
      }
      if (i == 0)
        return CORRUPT (P, P->line, "bad \\%c escape", c);
      if (c == 'x')
        g_string_append_c (out, (gchar) v);
      else if (v >= 0xd800 && v <= 0xdfff)
        return CORRUPT (P, P->line, "bad \\u escape (a surrogate)");
      else
        g_string_append_unichar (out, v);
      return TRUE;
    default:
      if (c >= '0' && c <= '7') {
        v = c - '0';
        for (i = 1; i < 3 && P->p < P->end && *P->p >= '0' && *P->p <= '7'; i++)
          v = v * 8 + (*P->p++ - '0');
        if (v > 0xff)
          return CORRUPT (P, P->line, "octal escape above \\377");
        g_string_append_c (out, (gchar) v);
        return TRUE;
      }
      return CORRUPT (P, P->line, "unknown escape sequence '\\%c'",
          g_ascii_isprint (c) ? c : '?');
  }
}

static gboolean
lex_number (Parser * P)
{
  Token *t = &P->tok;
  const gchar *q = P->p;
  gboolean is_float = FALSE;

  t->ival = 0;
  t->overflow = FALSE;
  if (*q == '0' && P->end - q >= 2 && (q[1] == 'x' || q[1] == 'X')) {
    gint d;

    q += 2;
    if (q >= P->end || hex_value (*q) < 0)
      return CORRUPT (P, P->line, "bad hexadecimal number");
    while (q < P->end && (d = hex_value (*q)) >= 0) {
      if (t->ival > G_MAXUINT64 / 16)
        t->overflow = TRUE;
      t->ival = t->ival * 16 + d;
      q++;
    }
  } else {
    const gchar *digits = q;

    while (q < P->end && g_ascii_isdigit (*q))
      q++;
    if (q < P->end && *q == '.') {
      is_float = TRUE;
      q++;
      while (q < P->end && g_ascii_isdigit (*q))
        q++;
    }
    if (q < P->end && (*q == 'e' || *q == 'E')) {
      is_float = TRUE;
      q++;
      if (q < P->end && (*q == '+' || *q == '-'))
        q++;
      if (q >= P->end || !g_ascii_isdigit (*q))
        return CORRUPT (P, P->line, "bad exponent in a number");
      while (q < P->end && g_ascii_isdigit (*q))
        q++;
    }
    if (q < P->end && (*q == 'd' || *q == 'D'))
      return UNSUPPORTED (P, P->line, "fixed-point literal (fixed type)");
    if (!is_float) {
      const gchar *r;
      gboolean octal = *digits == '0' && q - digits > 1;

      for (r = digits; r < q; r++) {
        guint d = *r - '0';
        guint base = octal ? 8 : 10;

        if (octal && d > 7)
          return CORRUPT (P, P->line, "bad octal number");
        if (t->ival > (G_MAXUINT64 - d) / base)
          t->overflow = TRUE;
        t->ival = t->ival * base + d;
      }
    }
  }
  if (q < P->end && is_ident_char (*q))
    return CORRUPT (P, P->line, "bad number '%.*s'",
        (gint) MIN (q - P->p + 1, 32), P->p);
  t->kind = is_float ? TOK_FLOAT : TOK_INT;
  t->text = P->p;
  t->len = q - P->p;
  P->p = q;
  return TRUE;
}

static gboolean
next (Parser * P)
{
  Token *t = &P->tok;
  gchar c;

  if (P->failed)
    return FALSE;
  if (!skip_space (P))
    return FALSE;
  P->bol = FALSE;
  t->line = P->line;
  t->text = P->p;
  t->len = 0;
  if (P->p >= P->end) {
    t->kind = TOK_EOF;
    return TRUE;
  }
  c = *P->p;
  if (c == 'L' && P->end - P->p >= 2 && (P->p[1] == '"' || P->p[1] == '\'')) {
    /* a wide literal: the same text for us */
    P->p++;
    c = *P->p;
  }
  if (is_ident_start (c)) {
    const gchar *q = P->p;

    while (q < P->end && is_ident_char (*q))
      q++;
    if (q - P->p > GST_ROSBAG_IDL_MAX_IDENTIFIER)
      return UNSUPPORTED (P, P->line, "identifier longer than %u characters",
          GST_ROSBAG_IDL_MAX_IDENTIFIER);
    t->kind = TOK_IDENT;
    t->len = q - P->p;
    P->p = q;
    return TRUE;
  }
  if (g_ascii_isdigit (c) || (c == '.' && P->end - P->p >= 2 &&
          g_ascii_isdigit (P->p[1])))
    return lex_number (P);
  if (c == '"') {
    g_string_truncate (P->sval, 0);
    P->p++;
    for (;;) {
      if (P->p >= P->end || *P->p == '\n')
        return CORRUPT (P, t->line, "unterminated string literal");
      if (*P->p == '"')
        break;
      if (!lex_literal_char (P, P->sval))
        return FALSE;
    }
    P->p++;
    t->kind = TOK_STRING;
    t->len = P->p - t->text;
    return TRUE;
  }
  if (c == '\'') {
    GString *s = g_string_new (NULL);
    gunichar u;

    P->p++;
    if (P->p >= P->end || *P->p == '\n' || *P->p == '\'' ||
        !lex_literal_char (P, s) || P->p >= P->end || *P->p != '\'') {
      g_string_free (s, TRUE);
      return CORRUPT (P, t->line, "bad character literal");
    }
    P->p++;
    u = g_utf8_get_char_validated (s->str, s->len);
    t->ival = (s->len == 1) ? (guchar) s->str[0] : (u < 0x110000 ? u : 0);
    g_string_free (s, TRUE);
    t->kind = TOK_CHAR;
    t->len = P->p - t->text;
    return TRUE;
  }
  if (c == ':' && P->end - P->p >= 2 && P->p[1] == ':') {
    t->kind = TOK_PUNCT;
    t->punct = PUNCT_SCOPE;
    t->len = 2;
    P->p += 2;
    return TRUE;
  }
  if (strchr ("{}()<>[];,=@-+*/%|&^~:", c) && c != '\0') {
    t->kind = TOK_PUNCT;
    t->punct = c;
    t->len = 1;
    P->p++;
    return TRUE;
  }
  if (g_ascii_isprint (c))
    return CORRUPT (P, P->line, "unexpected character '%c'", c);
  return CORRUPT (P, P->line, "unexpected byte 0x%02x", (guchar) c);
}

static gboolean
is_punct (Parser * P, gchar c)
{
  return P->tok.kind == TOK_PUNCT && P->tok.punct == c;
}

static gboolean
is_word (Parser * P, const gchar * w)
{
  return P->tok.kind == TOK_IDENT && P->tok.len == strlen (w) &&
      memcmp (P->tok.text, w, P->tok.len) == 0;
}

/* consumes the punctuation @c or fails saying what was expected */
static gboolean
expect (Parser * P, gchar c, const gchar * what)
{
  if (P->failed)
    return FALSE;
  if (!is_punct (P, c))
    return CORRUPT (P, P->tok.line, "expected %s, got %s", what, tok_desc (P));
  return next (P);
}

/* consumes an identifier into @out (newly allocated); IDL keywords are
 * accepted where the grammar leaves no doubt (a member named "port" or
 * "context" is a valid ROS field) */
static gboolean
take_ident (Parser * P, const gchar * what, gchar ** out)
{
  if (P->failed)
    return FALSE;
  if (P->tok.kind != TOK_IDENT)
    return CORRUPT (P, P->tok.line, "expected %s, got %s", what, tok_desc (P));
  *out = g_strndup (P->tok.text, P->tok.len);
  if (!next (P)) {
    g_free (*out);
    *out = NULL;
    return FALSE;
  }
  return TRUE;
}

/* a positive integer literal: a bound or an array size */
static gboolean
take_positive (Parser * P, const gchar * what, guint64 * out)
{
  if (P->failed)
    return FALSE;
  if (P->tok.kind == TOK_IDENT)
    return UNSUPPORTED (P, P->tok.line, "%s given by the name %s (constant "
        "expressions are not supported)", what, tok_desc (P));
  if (P->tok.kind != TOK_INT)
    return CORRUPT (P, P->tok.line, "expected %s (a positive integer), got "
        "%s", what, tok_desc (P));
  if (P->tok.overflow || P->tok.ival == 0 || P->tok.ival > MAX_BOUND)
    return UNSUPPORTED (P, P->tok.line, "%s %s is 0 or too large", what,
        tok_desc (P));
  *out = P->tok.ival;
  return next (P);
}

/* ---------------------------------------------------------------- */
/* annotations */

static gboolean
parse_annotations (Parser * P, Annots * a)
{
  gchar *name = NULL;

  memset (a, 0, sizeof (*a));
  while (!P->failed && is_punct (P, '@')) {
    guint line = P->tok.line;
    Token arg = { TOK_EOF, };
    gboolean have_arg = FALSE;

    a->line = line;
    if (!next (P))
      return FALSE;
    if (is_word (P, "annotation"))
      return UNSUPPORTED (P, line, "annotation declaration");
    if (is_punct (P, PUNCT_SCOPE) && !next (P))
      return FALSE;
    /* a scoped name: its last part counts */
    for (;;) {
      if (P->tok.kind != TOK_IDENT) {
        g_free (name);
        return CORRUPT (P, P->tok.line, "expected an annotation name after "
            "'@', got %s", tok_desc (P));
      }
      g_free (name);
      name = g_strndup (P->tok.text, P->tok.len);
      if (!next (P))
        goto fail;
      if (!is_punct (P, PUNCT_SCOPE))
        break;
      if (!next (P))
        goto fail;
    }
    if (is_punct (P, '(')) {
      guint depth = 1;

      if (!next (P))
        goto fail;
      while (depth > 0) {
        if (P->tok.kind == TOK_EOF) {
          CORRUPT (P, line, "unterminated arguments of annotation @%s", name);
          goto fail;
        }
        if (is_punct (P, '('))
          depth++;
        else if (is_punct (P, ')'))
          depth--;
        else if (!have_arg && depth == 1) {
          arg = P->tok;
          have_arg = TRUE;
        }
        if (!next (P))
          goto fail;
      }
    }
    if (strcmp (name, "mutable") == 0) {
      a->mutable_ = TRUE;
    } else if (strcmp (name, "extensibility") == 0) {
      if (have_arg && arg.kind == TOK_IDENT && arg.len == 7 &&
          memcmp (arg.text, "MUTABLE", 7) == 0)
        a->mutable_ = TRUE;
    } else if (strcmp (name, "optional") == 0) {
      if (!(have_arg && arg.kind == TOK_IDENT && arg.len == 5 &&
              memcmp (arg.text, "FALSE", 5) == 0))
        a->optional = TRUE;
    } else if (strcmp (name, "bit_bound") == 0) {
      if (have_arg && arg.kind == TOK_INT && !arg.overflow && arg.ival <= 64)
        a->bit_bound = (guint) arg.ival;
      else
        a->bit_bound = 1;       /* unusual: refused where it matters */
    }
    g_free (name);
    name = NULL;
  }
  return !P->failed;

fail:
  g_free (name);
  return FALSE;
}

/* ---------------------------------------------------------------- */
/* types */

/* skips a sequence<...> we do not translate, balanced on '<' '>' */
static gboolean
skip_template (Parser * P)
{
  guint depth = 0;
  guint line = P->tok.line;

  if (!next (P))
    return FALSE;
  if (!is_punct (P, '<'))
    return CORRUPT (P, P->tok.line, "expected '<' after sequence, got %s",
        tok_desc (P));
  do {
    if (P->tok.kind == TOK_EOF)
      return CORRUPT (P, line, "unterminated sequence<...>");
    if (is_punct (P, '<'))
      depth++;
    else if (is_punct (P, '>'))
      depth--;
    if (!next (P))
      return FALSE;
  } while (depth > 0);
  return TRUE;
}

static gboolean
parse_scoped_name (Parser * P, GString * out)
{
  guint parts = 0;

  if (is_punct (P, PUNCT_SCOPE)) {
    g_string_append (out, "::");
    if (!next (P))
      return FALSE;
  }
  for (;;) {
    if (P->tok.kind != TOK_IDENT)
      return CORRUPT (P, P->tok.line, "expected a type name, got %s",
          tok_desc (P));
    if (++parts > MAX_SCOPED_PARTS)
      return UNSUPPORTED (P, P->tok.line, "scoped name of more than %u parts",
          MAX_SCOPED_PARTS);
    g_string_append_len (out, P->tok.text, P->tok.len);
    if (!next (P))
      return FALSE;
    if (!is_punct (P, PUNCT_SCOPE))
      return TRUE;
    g_string_append (out, "::");
    if (!next (P))
      return FALSE;
  }
}

typedef struct
{
  const gchar *idl;
  const gchar *msg;
} PrimName;

static const PrimName prims[] = {
  {"boolean", "bool"}, {"octet", "byte"}, {"char", "char"},
  {"short", "int16"}, {"float", "float32"}, {"double", "float64"},
  {"int8", "int8"}, {"uint8", "uint8"}, {"int16", "int16"},
  {"uint16", "uint16"}, {"int32", "int32"}, {"uint32", "uint32"},
  {"int64", "int64"}, {"uint64", "uint64"}, {NULL, NULL}
};

/* a type specification (no declarator); @in_seq: the element type of a
 * sequence, where another sequence is refused */
static gboolean
parse_type_spec (Parser * P, TypeRef * t, gboolean in_seq)
{
  guint line = P->tok.line;
  guint i;

  t->line = line;
  if (P->failed)
    return FALSE;
  if (P->tok.kind == TOK_IDENT) {
    for (i = 0; prims[i].idl; i++) {
      if (is_word (P, prims[i].idl)) {
        t->base = BASE_PRIM;
        t->prim = prims[i].msg;
        return next (P);
      }
    }
  }
  t->base = BASE_PRIM;
  if (is_word (P, "unsigned")) {
    if (!next (P))
      return FALSE;
    if (is_word (P, "short")) {
      t->prim = "uint16";
    } else if (is_word (P, "long")) {
      if (!next (P))
        return FALSE;
      if (is_word (P, "long")) {
        t->prim = "uint64";
      } else {
        t->prim = "uint32";
        return TRUE;
      }
    } else {
      return CORRUPT (P, P->tok.line, "expected 'short' or 'long' after "
          "'unsigned', got %s", tok_desc (P));
    }
    return next (P);
  }
  if (is_word (P, "long")) {
    if (!next (P))
      return FALSE;
    if (is_word (P, "double"))
      return UNSUPPORTED (P, line, "long double");
    if (is_word (P, "long")) {
      t->prim = "int64";
      return next (P);
    }
    t->prim = "int32";
    return TRUE;
  }
  if (is_word (P, "string") || is_word (P, "wstring")) {
    t->base = is_word (P, "string") ? BASE_STRING : BASE_WSTRING;
    if (!next (P))
      return FALSE;
    if (is_punct (P, '<')) {
      if (!next (P) || !take_positive (P, "string bound", &t->str_bound))
        return FALSE;
      return expect (P, '>', "'>' after the string bound");
    }
    return TRUE;
  }
  if (is_word (P, "sequence")) {
    if (in_seq) {
      t->unsupported = "sequence of sequences (no msg spelling)";
      return skip_template (P);
    }
    if (!next (P) || !expect (P, '<', "'<' after sequence"))
      return FALSE;
    if (!parse_type_spec (P, t, TRUE))
      return FALSE;
    t->seq = TRUE;
    t->line = line;
    if (is_punct (P, ',')) {
      if (!next (P) || !take_positive (P, "sequence bound", &t->seq_bound))
        return FALSE;
    }
    return expect (P, '>', "'>' or ',' in sequence<...>");
  }
  if (is_word (P, "wchar"))
    return UNSUPPORTED (P, line, "wchar");
  if (is_word (P, "any") || is_word (P, "fixed") || is_word (P, "map") ||
      is_word (P, "Object") || is_word (P, "ValueBase") ||
      is_word (P, "struct") || is_word (P, "union") || is_word (P, "enum") ||
      is_word (P, "bitset") || is_word (P, "bitmask") || is_word (P, "void")
      || is_word (P, "native") || is_word (P, "valuetype"))
    return UNSUPPORTED (P, line, "type '%.*s'%s", (gint) P->tok.len,
        P->tok.text, (is_word (P, "struct") || is_word (P, "union") ||
            is_word (P, "enum")) ? " declared inside another declaration" : "");
  {
    GString *name = g_string_new (NULL);

    if (!parse_scoped_name (P, name)) {
      g_string_free (name, TRUE);
      return FALSE;
    }
    t->base = BASE_NAME;
    t->name = g_string_free (name, FALSE);
    t->scope = g_strdup (P->path->str);
    return TRUE;
  }
}

/* name [N][M]...: the name into @name, the dimensions into @t */
static gboolean
parse_declarator (Parser * P, TypeRef * t, gchar ** name)
{
  if (!take_ident (P, "a name", name))
    return FALSE;
  while (is_punct (P, '[')) {
    guint64 n;

    if (!next (P) || !take_positive (P, "array size", &n) ||
        !expect (P, ']', "']' after the array size"))
      return FALSE;
    if (++t->n_dims > MAX_ARRAY_DIMS)
      return UNSUPPORTED (P, P->tok.line, "array of more than %u dimensions",
          MAX_ARRAY_DIMS);
    if (t->array == 0)
      t->array = n;
    else if (t->array > MAX_BOUND / n)
      return UNSUPPORTED (P, P->tok.line, "array of '%s' larger than %u "
          "elements", *name, MAX_BOUND);
    else
      t->array *= n;
  }
  return TRUE;
}

/* ---------------------------------------------------------------- */
/* declarations */

static gchar *
full_name (Parser * P, const gchar * name)
{
  if (P->path->len == 0)
    return g_strdup (name);
  return g_strconcat (P->path->str, "::", name, NULL);
}

static gboolean
parse_struct (Parser * P, const Annots * a)
{
  guint line = P->tok.line;
  gchar *name = NULL, *full;
  Struct *s;
  Decl *d;

  if (!next (P) || !take_ident (P, "a struct name", &name))
    return FALSE;
  full = full_name (P, name);
  g_free (name);
  d = g_hash_table_lookup (P->decls, full);
  if (is_punct (P, ';')) {
    /* a forward declaration */
    if (d == NULL) {
      if (P->structs->len >= GST_ROSBAG_IDL_MAX_STRUCTS) {
        g_free (full);
        return UNSUPPORTED (P, line, "more than %u structs",
            GST_ROSBAG_IDL_MAX_STRUCTS);
      }
      s = struct_new (full, line);
      g_ptr_array_add (P->structs, s);
      d = g_new0 (Decl, 1);
      d->kind = DECL_STRUCT;
      d->st = s;
      d->line = line;
      g_hash_table_insert (P->decls, full, d);
    } else {
      g_free (full);
    }
    return next (P);
  }
  if (is_punct (P, ':')) {
    g_free (full);
    return UNSUPPORTED (P, line, "struct inheritance");
  }
  if (!expect (P, '{', "'{' or ';' after the struct name")) {
    g_free (full);
    return FALSE;
  }
  if (P->structs->len >= GST_ROSBAG_IDL_MAX_STRUCTS) {
    g_free (full);
    return UNSUPPORTED (P, line, "more than %u structs",
        GST_ROSBAG_IDL_MAX_STRUCTS);
  }
  s = struct_new (full, line);
  g_ptr_array_add (P->structs, s);
  if (a->mutable_) {
    s->unsupported = "@mutable struct (XCDR2 parameter list encoding)";
    s->unsupported_line = a->line;
  }
  while (!P->failed) {
    Annots ma;
    TypeRef t = { 0, };

    if (!parse_annotations (P, &ma))
      break;
    if (is_punct (P, '}'))
      break;
    if (P->tok.kind == TOK_EOF) {
      CORRUPT (P, line, "struct %s is not closed (missing '}')", full);
      break;
    }
    if (!parse_type_spec (P, &t, FALSE)) {
      typeref_clear (&t);
      break;
    }
    for (;;) {
      Member m = { 0, };

      typeref_copy (&m.type, &t);
      m.line = P->tok.line;
      if (ma.optional)
        m.unsupported = "@optional member (changes the wire format)";
      if (!parse_declarator (P, &m.type, &m.name)) {
        member_clear (&m);
        break;
      }
      g_array_append_val (s->members, m);
      if (!is_punct (P, ','))
        break;
      if (!next (P))
        break;
    }
    typeref_clear (&t);
    expect (P, ';', "';' or ',' after a member");
  }
  if (P->failed || !next (P) || !expect (P, ';', "';' after the struct")) {
    g_free (full);
    return FALSE;
  }
  if (d == NULL) {
    d = g_new0 (Decl, 1);
    d->kind = DECL_STRUCT;
    d->st = s;
    d->line = line;
    g_hash_table_insert (P->decls, full, d);
    s->defined = TRUE;
  } else if (d->kind == DECL_STRUCT && !d->st->defined) {
    /* after its forward declaration */
    d->st = s;
    s->defined = TRUE;
    g_free (full);
  } else {
    /* defined twice (ros2idl sections repeat types): the first wins */
    g_free (full);
  }
  return TRUE;
}

static gboolean
parse_typedef (Parser * P)
{
  Annots a;
  TypeRef t = { 0, };

  if (!next (P) || !parse_annotations (P, &a) ||
      !parse_type_spec (P, &t, FALSE))
    goto fail;
  for (;;) {
    Decl *d = g_new0 (Decl, 1);
    gchar *name = NULL, *full;

    d->kind = DECL_TYPEDEF;
    d->line = P->tok.line;
    typeref_copy (&d->td, &t);
    if (!parse_declarator (P, &d->td, &name)) {
      decl_free (d);
      g_free (name);
      goto fail;
    }
    full = full_name (P, name);
    g_free (name);
    if (g_hash_table_contains (P->decls, full)) {
      /* rosidl repeats typedefs in each file of a package: first wins */
      decl_free (d);
      g_free (full);
    } else {
      g_hash_table_insert (P->decls, full, d);
    }
    if (!is_punct (P, ','))
      break;
    if (!next (P))
      goto fail;
  }
  typeref_clear (&t);
  return expect (P, ';', "';' or ',' after a typedef");

fail:
  typeref_clear (&t);
  return FALSE;
}

static gboolean
parse_enum (Parser * P, const Annots * a)
{
  guint line = P->tok.line;
  gchar *name = NULL, *full;
  guint n = 0;
  Decl *d;

  if (!next (P) || !take_ident (P, "an enum name", &name))
    return FALSE;
  full = full_name (P, name);
  g_free (name);
  if (!expect (P, '{', "'{' after the enum name"))
    goto fail;
  for (;;) {
    Annots ea;
    gchar *e = NULL;

    if (!parse_annotations (P, &ea) || !take_ident (P, "an enumerator", &e))
      goto fail;
    g_free (e);
    n++;
    if (is_punct (P, '=')) {
      UNSUPPORTED (P, P->tok.line, "enumerator with '=' value");
      goto fail;
    }
    if (is_punct (P, '}'))
      break;
    if (!expect (P, ',', "',' or '}' in an enum"))
      goto fail;
  }
  if (!next (P) || !expect (P, ';', "';' after the enum"))
    goto fail;
  if (!g_hash_table_contains (P->decls, full)) {
    d = g_new0 (Decl, 1);
    d->kind = DECL_ENUM;
    d->line = line;
    d->bit_bound = a->bit_bound;
    g_hash_table_insert (P->decls, full, d);
  } else {
    g_free (full);
  }
  return TRUE;

fail:
  g_free (full);
  return FALSE;
}

typedef struct
{
  const gchar *type;
  gint64 min;
  guint64 max;
} IntRange;

static const IntRange int_ranges[] = {
  {"byte", 0, G_MAXUINT8}, {"char", G_MININT8, G_MAXUINT8},
  {"int8", G_MININT8, G_MAXINT8}, {"uint8", 0, G_MAXUINT8},
  {"int16", G_MININT16, G_MAXINT16}, {"uint16", 0, G_MAXUINT16},
  {"int32", G_MININT32, G_MAXINT32}, {"uint32", 0, G_MAXUINT32},
  {"int64", G_MININT64, G_MAXINT64}, {"uint64", 0, G_MAXUINT64},
  {NULL, 0, 0}
};

/* the module a constant lives in: "Type_Constants" gives it to Type */
static gchar *
constants_owner (Parser * P)
{
  const gchar *mod;
  gsize len;
  const gchar *parent;
  gsize parent_len;

  if (P->modules->len == 0)
    return NULL;
  mod = g_ptr_array_index (P->modules, P->modules->len - 1);
  len = strlen (mod);
  if (len <= 10 || strcmp (mod + len - 10, "_Constants") != 0)
    return NULL;
  parent = P->path->str;
  parent_len = g_array_index (P->path_lens, gsize, P->path_lens->len - 1);
  if (parent_len == 0)
    return g_strndup (mod, len - 10);
  return g_strdup_printf ("%.*s::%.*s", (gint) parent_len, parent,
      (gint) (len - 10), mod);
}

static gboolean
parse_const (Parser * P)
{
  guint line = P->tok.line;
  TypeRef t = { 0, };
  gchar *name = NULL, *owner;
  GString *value = g_string_new (NULL);
  gboolean neg = FALSE, sign = FALSE;
  const gchar *type_text;
  gchar *type_buf = NULL;
  guint i;

  if (!next (P) || !parse_type_spec (P, &t, FALSE))
    goto fail;
  if (t.base == BASE_NAME || t.seq) {
    UNSUPPORTED (P, line, "constant of type %s", t.seq ? "sequence" : t.name);
    goto fail;
  }
  if (!take_ident (P, "a constant name", &name) ||
      !expect (P, '=', "'=' after the constant name"))
    goto fail;
  if (is_punct (P, '-') || is_punct (P, '+')) {
    sign = TRUE;
    neg = is_punct (P, '-');
    if (!next (P))
      goto fail;
  }
  if (t.base == BASE_STRING || t.base == BASE_WSTRING) {
    if (sign || P->tok.kind != TOK_STRING) {
      CORRUPT (P, P->tok.line, "expected a string for constant %s, got %s",
          name, tok_desc (P));
      goto fail;
    }
    while (P->tok.kind == TOK_STRING) {
      g_string_append_len (value, P->sval->str, P->sval->len);
      if (!next (P))
        goto fail;
    }
    if (memchr (value->str, '\n', value->len) ||
        memchr (value->str, '\r', value->len) ||
        strlen (value->str) != value->len) {
      UNSUPPORTED (P, line, "string constant %s with a line break or NUL",
          name);
      goto fail;
    }
  } else if (strcmp (t.prim, "bool") == 0) {
    if (!sign && (is_word (P, "TRUE") || is_word (P, "FALSE"))) {
      g_string_append (value, is_word (P, "TRUE") ? "true" : "false");
    } else if (!sign && P->tok.kind == TOK_INT && P->tok.ival <= 1) {
      g_string_append (value, P->tok.ival ? "true" : "false");
    } else {
      CORRUPT (P, P->tok.line, "expected TRUE or FALSE for constant %s, got "
          "%s", name, tok_desc (P));
      goto fail;
    }
    if (!next (P))
      goto fail;
  } else if (g_str_has_prefix (t.prim, "float")) {
    gboolean big = P->tok.overflow || P->tok.ival > G_MAXINT64;

    if (P->tok.kind != TOK_FLOAT && P->tok.kind != TOK_INT) {
      CORRUPT (P, P->tok.line, "expected a number for constant %s, got %s",
          name, tok_desc (P));
      goto fail;
    }
    if (P->tok.kind == TOK_INT && big) {
      UNSUPPORTED (P, P->tok.line, "constant %s too large", name);
      goto fail;
    }
    if (neg)
      g_string_append_c (value, '-');
    if (P->tok.kind == TOK_INT)
      g_string_append_printf (value, "%" G_GUINT64_FORMAT, P->tok.ival);
    else
      g_string_append_len (value, P->tok.text, P->tok.len);
    if (!next (P))
      goto fail;
  } else {
    const IntRange *r = NULL;

    for (i = 0; int_ranges[i].type; i++)
      if (strcmp (int_ranges[i].type, t.prim) == 0)
        r = &int_ranges[i];
    g_assert (r != NULL);
    if (P->tok.kind != TOK_INT && P->tok.kind != TOK_CHAR) {
      CORRUPT (P, P->tok.line, "expected an integer for constant %s, got %s",
          name, tok_desc (P));
      goto fail;
    }
    if (P->tok.overflow || (neg && P->tok.ival > (guint64) (-(r->min + 1)) +
            1) || (!neg && P->tok.ival > r->max)) {
      UNSUPPORTED (P, P->tok.line, "constant %s: value out of range of %s",
          name, t.prim);
      goto fail;
    }
    if (neg && P->tok.ival != 0)
      g_string_append_c (value, '-');
    g_string_append_printf (value, "%" G_GUINT64_FORMAT, P->tok.ival);
    if (!next (P))
      goto fail;
  }
  if (!is_punct (P, ';')) {
    if (P->tok.kind == TOK_PUNCT && strchr ("+-*/%|&^~<>()", P->tok.punct))
      UNSUPPORTED (P, P->tok.line, "constant expression (operator %s) in "
          "constant %s", tok_desc (P), name);
    else
      CORRUPT (P, P->tok.line, "expected ';' after constant %s, got %s",
          name, tok_desc (P));
    goto fail;
  }
  if (!next (P))
    goto fail;

  owner = constants_owner (P);
  if (owner) {
    GArray *list = g_hash_table_lookup (P->constants, owner);
    Constant c;

    if (list == NULL) {
      list = g_array_new (FALSE, TRUE, sizeof (Constant));
      g_array_set_clear_func (list, (GDestroyNotify) constant_clear);
      g_hash_table_insert (P->constants, owner, list);
    } else {
      g_free (owner);
    }
    for (i = 0; i < list->len; i++)
      if (strcmp (g_array_index (list, Constant, i).name, name) == 0)
        break;
    if (i == list->len) {
      if (t.base == BASE_PRIM)
        type_text = t.prim;
      else if (t.str_bound)
        type_text = type_buf = g_strdup_printf ("%s<=%" G_GUINT64_FORMAT,
            t.base == BASE_STRING ? "string" : "wstring", t.str_bound);
      else
        type_text = t.base == BASE_STRING ? "string" : "wstring";
      c.name = name;
      c.text = g_strdup_printf ("%s %s=%s", type_text, name, value->str);
      name = NULL;
      g_array_append_val (list, c);
    }
  }
  g_free (type_buf);
  g_free (name);
  typeref_clear (&t);
  g_string_free (value, TRUE);
  return TRUE;

fail:
  g_free (name);
  typeref_clear (&t);
  g_string_free (value, TRUE);
  return FALSE;
}

static const gchar *const unsupported_defs[] = {
  "union", "bitset", "bitmask", "valuetype", "interface", "exception",
  "native", "abstract", "local", "eventtype", "component", "home",
  "porttype", "connector", "import", "custom", "typeid", "typeprefix",
  NULL
};

/* the definitions, modules nested on an explicit stack */
static gboolean
parse_definitions (Parser * P)
{
  guint i;

  if (!next (P))
    return FALSE;
  while (!P->failed) {
    Annots a;
    guint line;

    if (!parse_annotations (P, &a))
      return FALSE;
    line = P->tok.line;
    if (P->tok.kind == TOK_EOF) {
      if (P->modules->len > 0)
        return CORRUPT (P, line, "module %s is not closed (missing '}')",
            (gchar *) g_ptr_array_index (P->modules, P->modules->len - 1));
      return TRUE;
    }
    if (is_punct (P, '}')) {
      gsize len;

      if (P->modules->len == 0)
        return CORRUPT (P, line, "'}' without an open module");
      len = g_array_index (P->path_lens, gsize, P->path_lens->len - 1);
      g_string_truncate (P->path, len);
      g_array_set_size (P->path_lens, P->path_lens->len - 1);
      g_ptr_array_remove_index (P->modules, P->modules->len - 1);
      if (!next (P))
        return FALSE;
      if (!expect (P, ';', "';' after the module's '}'"))
        return FALSE;
    } else if (is_punct (P, ';')) {
      if (!next (P))
        return FALSE;
    } else if (is_word (P, "module")) {
      gchar *name = NULL;
      gsize len = P->path->len;

      if (!next (P) || !take_ident (P, "a module name", &name))
        return FALSE;
      if (!is_punct (P, '{')) {
        g_free (name);
        return expect (P, '{', "'{' after the module name");
      }
      if (P->modules->len >= GST_ROSBAG_IDL_MAX_DEPTH) {
        g_free (name);
        return UNSUPPORTED (P, line, "modules nested deeper than %u",
            GST_ROSBAG_IDL_MAX_DEPTH);
      }
      g_array_append_val (P->path_lens, len);
      if (P->path->len)
        g_string_append (P->path, "::");
      g_string_append (P->path, name);
      g_ptr_array_add (P->modules, name);
      if (!next (P))
        return FALSE;
    } else if (is_word (P, "struct")) {
      if (!parse_struct (P, &a))
        return FALSE;
    } else if (is_word (P, "typedef")) {
      if (!parse_typedef (P))
        return FALSE;
    } else if (is_word (P, "enum")) {
      if (!parse_enum (P, &a))
        return FALSE;
    } else if (is_word (P, "const")) {
      if (!parse_const (P))
        return FALSE;
    } else {
      for (i = 0; unsupported_defs[i]; i++)
        if (is_word (P, unsupported_defs[i]))
          return UNSUPPORTED (P, line, "%s", unsupported_defs[i]);
      return CORRUPT (P, line, "expected a definition (module, struct, "
          "typedef, enum, const), got %s", tok_desc (P));
    }
  }
  return FALSE;
}

/* ---------------------------------------------------------------- */
/* resolution and output */

typedef enum
{
  MOD_NONE,
  MOD_SEQ,
  MOD_ARRAY
} Mod;

typedef struct
{
  BaseKind base;
  const gchar *prim;
  guint64 str_bound;
  Struct *st;
  Mod mod;
  guint64 n;
  gboolean flattened;
} Resolved;

static Decl *
lookup (Parser * P, const gchar * name, const gchar * scope)
{
  gchar *s, *cand;
  Decl *d = NULL;

  if (g_str_has_prefix (name, "::"))
    return g_hash_table_lookup (P->decls, name + 2);
  /* innermost scope first */
  s = g_strdup (scope);
  for (;;) {
    gchar *cut;

    cand = *s ? g_strconcat (s, "::", name, NULL) : g_strdup (name);
    d = g_hash_table_lookup (P->decls, cand);
    g_free (cand);
    if (d || *s == '\0')
      break;
    cut = g_strrstr (s, "::");
    if (cut)
      *cut = '\0';
    else
      *s = '\0';
  }
  g_free (s);
  return d;
}

/* the collection of @t itself */
static gboolean
typeref_mod (Parser * P, const TypeRef * t, const gchar * member, Mod * mod,
    guint64 * n, gboolean * flattened)
{
  if (t->seq && t->array)
    return UNSUPPORTED (P, t->line, "member %s: array of sequences (no msg "
        "spelling)", member);
  *mod = t->seq ? MOD_SEQ : t->array ? MOD_ARRAY : MOD_NONE;
  *n = t->seq ? t->seq_bound : t->array;
  if (t->n_dims > 1)
    *flattened = TRUE;
  return TRUE;
}

static gboolean
resolve (Parser * P, const TypeRef * use, const gchar * member, Resolved * r)
{
  const TypeRef *t = use;
  guint hops;

  memset (r, 0, sizeof (*r));
  if (!typeref_mod (P, t, member, &r->mod, &r->n, &r->flattened))
    return FALSE;
  for (hops = 0;; hops++) {
    Decl *d;
    Mod im;
    guint64 in;

    if (t->unsupported)
      return UNSUPPORTED (P, t->line, "member %s: %s", member, t->unsupported);
    if (t->base != BASE_NAME) {
      r->base = t->base;
      r->prim = t->prim;
      r->str_bound = t->str_bound;
      return TRUE;
    }
    if (hops >= MAX_TYPEDEF_CHAIN)
      return UNSUPPORTED (P, use->line, "member %s: typedefs nested deeper "
          "than %u (or a typedef cycle)", member, MAX_TYPEDEF_CHAIN);
    d = lookup (P, t->name, t->scope);
    if (d == NULL)
      return CORRUPT (P, t->line, "member %s: unknown type %s", member,
          t->name);
    if (d->kind == DECL_STRUCT) {
      if (!d->st->defined)
        return CORRUPT (P, t->line, "member %s: struct %s is declared but "
            "never defined", member, d->st->full);
      r->base = BASE_NAME;
      r->st = d->st;
      return TRUE;
    }
    if (d->kind == DECL_ENUM) {
      if (d->bit_bound != 0 && d->bit_bound != 32)
        return UNSUPPORTED (P, d->line, "member %s: enum with @bit_bound(%u) "
            "(not 32 bits on the wire)", member, d->bit_bound);
      r->base = BASE_PRIM;
      r->prim = "uint32";
      return TRUE;
    }
    /* a typedef: its own collection nests inside ours */
    t = &d->td;
    if (!typeref_mod (P, t, member, &im, &in, &r->flattened))
      return FALSE;
    if (im == MOD_NONE)
      continue;
    if (r->mod == MOD_NONE) {
      r->mod = im;
      r->n = in;
    } else if (r->mod == MOD_ARRAY && im == MOD_ARRAY) {
      if (r->n > MAX_BOUND / in)
        return UNSUPPORTED (P, use->line, "member %s: array larger than %u "
            "elements", member, MAX_BOUND);
      r->n *= in;
      r->flattened = TRUE;
    } else {
      return UNSUPPORTED (P, use->line, "member %s: %s of %s (no msg "
          "spelling)", member, r->mod == MOD_SEQ ? "sequence" : "array",
          im == MOD_SEQ ? "sequences" : "arrays");
    }
  }
}

static void
append_msg_name (GString * out, const gchar * full)
{
  const gchar *p;

  for (p = full; *p; p++) {
    if (p[0] == ':' && p[1] == ':') {
      g_string_append_c (out, '/');
      p++;
    } else {
      g_string_append_c (out, *p);
    }
  }
}

static gboolean
write_struct (Parser * P, Struct * s, GString * out, GPtrArray * queue,
    GHashTable * queued)
{
  GArray *consts = g_hash_table_lookup (P->constants, s->full);
  guint i;

  if (s->unsupported)
    return UNSUPPORTED (P, s->unsupported_line, "struct %s: %s", s->full,
        s->unsupported);
  for (i = 0; consts && i < consts->len; i++) {
    g_string_append (out, g_array_index (consts, Constant, i).text);
    g_string_append_c (out, '\n');
  }
  for (i = 0; i < s->members->len; i++) {
    Member *m = &g_array_index (s->members, Member, i);
    Resolved r;

    if (m->unsupported)
      return UNSUPPORTED (P, m->line, "member %s of %s: %s", m->name,
          s->full, m->unsupported);
    if (!resolve (P, &m->type, m->name, &r))
      return FALSE;
    if (r.flattened)
      g_string_append_printf (out, "# %s: a multi-dimensional IDL array, "
          "flattened to %" G_GUINT64_FORMAT " elements (row-major)\n",
          m->name, r.n);
    switch (r.base) {
      case BASE_PRIM:
        g_string_append (out, r.prim);
        break;
      case BASE_STRING:
      case BASE_WSTRING:
        g_string_append (out, r.base == BASE_STRING ? "string" : "wstring");
        if (r.str_bound)
          g_string_append_printf (out, "<=%" G_GUINT64_FORMAT, r.str_bound);
        break;
      case BASE_NAME:
        append_msg_name (out, r.st->full);
        if (!g_hash_table_contains (queued, r.st)) {
          g_hash_table_add (queued, r.st);
          g_ptr_array_add (queue, r.st);
        }
        break;
    }
    if (r.mod == MOD_ARRAY)
      g_string_append_printf (out, "[%" G_GUINT64_FORMAT "]", r.n);
    else if (r.mod == MOD_SEQ && r.n)
      g_string_append_printf (out, "[<=%" G_GUINT64_FORMAT "]", r.n);
    else if (r.mod == MOD_SEQ)
      g_string_append (out, "[]");
    g_string_append_printf (out, " %s\n", m->name);
  }
  return TRUE;
}

static Struct *
find_root (Parser * P, const gchar * root_type)
{
  GString *want = g_string_new (NULL);
  const gchar *p, *last;
  Decl *d;
  Struct *found = NULL;
  guint i, n_match = 0, slashes = 0;

  for (p = root_type; *p; p++) {
    if (*p == '/') {
      g_string_append (want, "::");
      slashes++;
    } else {
      g_string_append_c (want, *p);
    }
  }
  d = g_hash_table_lookup (P->decls, want->str);
  if ((d == NULL || d->kind != DECL_STRUCT) && slashes == 1) {
    /* pkg/Type for pkg/msg/Type */
    gchar *alt = g_strdup (want->str);
    gchar *sep = strstr (alt, "::");
    gchar *full;

    *sep = '\0';
    full = g_strconcat (alt, "::msg::", sep + 2, NULL);
    d = g_hash_table_lookup (P->decls, full);
    g_free (full);
    g_free (alt);
  }
  if (d && d->kind == DECL_STRUCT && d->st->defined) {
    g_string_free (want, TRUE);
    return d->st;
  }
  /* a unique struct with the same short name */
  last = g_strrstr (want->str, "::");
  last = last ? last + 2 : want->str;
  for (i = 0; i < P->structs->len; i++) {
    Struct *s = g_ptr_array_index (P->structs, i);
    const gchar *sl = g_strrstr (s->full, "::");

    sl = sl ? sl + 2 : s->full;
    if (s->defined && strcmp (sl, last) == 0) {
      found = s;
      n_match++;
    }
  }
  g_string_free (want, TRUE);
  return n_match == 1 ? found : NULL;
}

/**
 * gst_rosbag_idl_to_msg:
 * @idl: the IDL text (`ros2idl`: "IDL: pkg/msg/Type" sections joined by
 *   lines of 80 '='; `omgidl`: plain IDL)
 * @len: the bytes of @idl (it need not be NUL-terminated)
 * @root_type: the root struct, as "pkg/msg/Type", "pkg::msg::Type" or
 *   "pkg/Type"
 * @root_name_out: (out) (optional) (transfer full): the root's name in the
 *   pkg/msg/Type spelling
 * @error: a #GError
 *
 * Translates @idl into the `ros2msg` delimited text: the fields and
 * constants of the struct @root_type, then every struct it uses, each
 * after a line of 80 '=' and "MSG: pkg/msg/Type" (the module path joined
 * with '/'). Typedefs are substituted, enums become uint32, rosidl's
 * `Type_Constants` modules become the constants of `Type`, annotations
 * are skipped (except those that change the wire format).
 *
 * Returns: (transfer full): the text, or %NULL with @error set:
 *   %GST_ROSBAG_ERROR_UNSUPPORTED naming the construct and the line
 *   (unions, any, long double, wchar, fixed, bitsets, maps, inheritance,
 *   @mutable, @optional, sequences of sequences...), or
 *   %GST_ROSBAG_ERROR_CORRUPT for a syntax error (the line and what was
 *   expected) or an unknown type.
 */
gchar *
gst_rosbag_idl_to_msg (const gchar * idl, gsize len, const gchar * root_type,
    gchar ** root_name_out, GError ** error)
{
  Parser P = { 0, };
  GString *out = NULL;
  GPtrArray *queue = NULL;
  GHashTable *queued = NULL;
  Struct *root;
  guint i;

  g_return_val_if_fail (idl != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (root_name_out)
    *root_name_out = NULL;
  P.p = idl;
  P.end = idl + len;
  P.line = 1;
  P.bol = TRUE;
  P.error = error;
  P.sval = g_string_new (NULL);
  P.path = g_string_new (NULL);
  P.path_lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  P.modules = g_ptr_array_new_with_free_func (g_free);
  P.structs = g_ptr_array_new_with_free_func ((GDestroyNotify) struct_free);
  P.decls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) decl_free);
  P.constants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_array_unref);

  if (root_type == NULL || *root_type == '\0') {
    CORRUPT (&P, 0, "no root type given");
    goto done;
  }
  if (!parse_definitions (&P))
    goto done;
  root = find_root (&P, root_type);
  if (root == NULL) {
    CORRUPT (&P, 0, "no struct %s in the IDL", root_type);
    goto done;
  }
  out = g_string_new (NULL);
  queue = g_ptr_array_new ();
  queued = g_hash_table_new (NULL, NULL);
  g_ptr_array_add (queue, root);
  g_hash_table_add (queued, root);
  for (i = 0; i < queue->len; i++) {
    Struct *s = g_ptr_array_index (queue, i);

    if (i > 0) {
      guint k;

      for (k = 0; k < SEPARATOR_LEN; k++)
        g_string_append_c (out, '=');
      g_string_append (out, "\nMSG: ");
      append_msg_name (out, s->full);
      g_string_append_c (out, '\n');
    }
    if (!write_struct (&P, s, out, queue, queued))
      goto done;
  }
  if (root_name_out) {
    GString *n = g_string_new (NULL);

    append_msg_name (n, root->full);
    *root_name_out = g_string_free (n, FALSE);
  }

done:
  if (queue)
    g_ptr_array_free (queue, TRUE);
  if (queued)
    g_hash_table_unref (queued);
  g_string_free (P.sval, TRUE);
  g_string_free (P.path, TRUE);
  g_array_unref (P.path_lens);
  g_ptr_array_unref (P.modules);
  g_hash_table_unref (P.decls);
  g_hash_table_unref (P.constants);
  g_ptr_array_unref (P.structs);
  if (P.failed) {
    if (out)
      g_string_free (out, TRUE);
    return NULL;
  }
  return g_string_free (out, FALSE);
}
