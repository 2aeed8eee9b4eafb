/*
 * check.c -- loading files and imports, name resolution and type checking.
 *
 * Scopes: the global scope holds what stdlib modules declare; each policy
 * file has its own scope whose parent is the global one.  Inside an
 * expression, names resolve innermost first: a quantifier's binder or its
 * item's fields, then a let's parameters, then the lexical scopes.
 * Every error is reported (file:line:col, source line, caret); checking
 * goes on after an error with the offending node typed PK_NONE, and
 * PK_NONE never causes a second message.
 */
#include "compile.h"
#include "../vm/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "../vm/bundle.h"
#include "../vm/fhir_in.h"
#include "../vm/suggest.h"
#include "../vm/codes.h"
#include "valueset.h"

#define T_NONE  POL_TYPE(PK_NONE, 0, 0)
#define T_BOOL  POL_TYPE(PK_BOOL, 0, 0)
#define T_NUM   POL_TYPE(PK_NUM, 0, 0)
#define T_STR   POL_TYPE(PK_STR, 0, 0)
#define T_DATE  POL_TYPE(PK_DATE, 0, 0)
#define T_DUR   POL_TYPE(PK_DUR, 0, 0)
#define T_WIN   POL_TYPE(PK_WIN, 0, 0)
#define T_SET   POL_TYPE(PK_SET, 0, 0)

/* ---- files and imports ------------------------------------------------ */

void pol_compiler_init(pol_Compiler *c, FILE *diag_out)
{
  memset(c, 0, sizeof *c);
  c->arena = pol_arena_new();
  c->diag.files = NULL;
  c->diag.nfiles = &c->nfiles;
  c->diag.out = diag_out;
}

void pol_compiler_free(pol_Compiler *c)
{
  for (int i = 0; i < c->nfiles; i++) {
    free(c->files[i]->text);
    free(c->files[i]->name);
    free(c->files[i]);
  }
  free(c->files);
  free(c->modules);
  free(c->path);
  free(c->global.decls);
  for (int i = 0; i < c->nunits; i++) {
    free(c->units[i]->scope.decls);
    free(c->units[i]);
  }
  free(c->units);
  free(c->records);
  free(c->plans);
  pol_arena_free(c->arena);
}

#define GROW POL_GROW

void pol_compiler_add_path(pol_Compiler *c, const char *dir)
{
  const char **np = realloc(c->path, (size_t)(c->npath + 1) * sizeof *np);
  if (!np) { fputs("polc: out of memory\n", stderr); abort(); }
  c->path = np;
  c->path[c->npath++] = dir;
}

static pol_Source *add_source(pol_Compiler *c, const char *name, char *text, size_t len,
                              int is_module)
{
  pol_Source *s = calloc(1, sizeof *s);
  if (!s) abort();
  s->name = strdup(name);
  s->text = text;
  s->len = len;
  s->is_module = is_module;
  GROW(c->files, c->nfiles, c->capfiles);
  if (is_module) {
    GROW(c->modules, c->nmodules, c->capmodules);
    c->modules[c->nmodules++] = c->nfiles;
  }
  c->files[c->nfiles++] = s;
  c->diag.files = c->files;
  return s;
}

/* The whole file, NUL-terminated, malloc'd; NULL with errno set. */
static char *read_all(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf;
  int e = pol_read_stream(f, POL_READ_NO_LIMIT, &buf, len);
  fclose(f);
  if (e) { errno = e; return NULL; }
  return buf;
}

static void load_imports(pol_Compiler *c, pol_Source *src);

/* Offset of the first byte of s[0..n) that is not part of valid UTF-8
   (overlong forms and surrogates included), or n. */
static size_t utf8_bad_at(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned b = s[i];
    if (b < 0x80) { i++; continue; }
    size_t need = (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 0;
    if (need == 0 || need > n - i - 1) return i;
    uint32_t cp = b & (0x3fu >> need);
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = cp << 6 | (s[i + k] & 0x3fu);
    }
    static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

static pol_Source *parse_source(pol_Compiler *c, const char *name, char *text, size_t len,
                                int is_module)
{
  pol_Source *s = add_source(c, name, text, len, is_module);
  uint32_t file = (uint32_t)(c->nfiles - 1);
  if (strlen(text) != len) {
    pol_Span sp = {file, (uint32_t)strlen(text), (uint32_t)strlen(text) + 1};
    pol_error(&c->diag, sp, "E0100", "NUL byte in source file");
    return s;
  }
  size_t bad = utf8_bad_at((const unsigned char *)text, len);
  if (bad < len) {
    pol_Span sp = {file, (uint32_t)bad, (uint32_t)bad + 1};
    pol_error(&c->diag, sp, "E0107", "source file is not valid UTF-8 (byte 0x%02x)",
              (unsigned char)text[bad]);
    return s;
  }
  pol_parse(c->arena, &c->diag, s, file);
  load_imports(c, s);
  return s;
}

int pol_compiler_load_text(pol_Compiler *c, const char *name, const char *text, size_t len)
{
  char *copy = malloc(len + 1);
  if (!copy) abort();
  memcpy(copy, text, len);
  copy[len] = '\0';
  int before = c->diag.nerrors;
  parse_source(c, name, copy, len, 0);
  return c->diag.nerrors - before;
}

int pol_compiler_load(pol_Compiler *c, const char *filename)
{
  size_t len;
  char *text = read_all(filename, &len);
  if (!text) {
    fprintf(c->diag.out ? c->diag.out : stderr, "%s: error[E0001]: cannot read: %s\n",
            filename, strerror(errno));
    c->diag.nerrors++;
    return 1;
  }
  int before = c->diag.nerrors;
  parse_source(c, filename, text, len, 0);
  return c->diag.nerrors - before;
}

static void load_imports(pol_Compiler *c, pol_Source *src)
{
  for (pol_Node *it = src->items; it; it = it->next) {
    if (it->kind != N_IMPORT) continue;
    const char *m = it->str;
    int bad = m[0] == '\0' || strstr(m, "..") != NULL || m[0] == '/';
    if (bad) {
      pol_error(&c->diag, it->span, "E0002", "bad module name \"%s\"", m);
      continue;
    }
    /* already loaded? modules are known by their resolved name; only the
       (few) modules are looked at, not every policy file */
    int found = 0;
    for (int i = 0; i < c->nmodules && !found; i++) {
      const char *n = c->files[c->modules[i]]->name;
      size_t ml = strlen(m), nl = strlen(n);
      const char *tail = n + nl - ml - 4;
      found = nl >= ml + 4 && strcmp(n + nl - 4, ".pol") == 0 && strncmp(tail, m, ml) == 0 &&
              (tail == n || tail[-1] == '/');
    }
    if (found) continue;
    char *text = NULL;
    size_t len = 0;
    char path[4096];
    for (int i = 0; i < c->npath && !text; i++) {
      snprintf(path, sizeof path, "%s/%s.pol", c->path[i], m);
      text = read_all(path, &len);
    }
    if (!text) {
      pol_error(&c->diag, it->span, "E0003", "module \"%s\" not found (searched %d director%s)",
                m, c->npath, c->npath == 1 ? "y" : "ies");
      continue;
    }
    parse_source(c, path, text, len, 1);
  }
}

/* ---- scopes ------------------------------------------------------------ */

pol_Node *pol_scope_find(const pol_Scope *s, const char *name)
{
  for (; s; s = s->parent)
    for (int i = 0; i < s->n; i++)
      if (strcmp(s->decls[i]->str, name) == 0) return s->decls[i];
  return NULL;
}

static void scope_add(pol_Compiler *c, pol_Scope *s, pol_Node *d)
{
  for (int i = 0; i < s->n; i++) {
    if (strcmp(s->decls[i]->str, d->str) == 0) {
      int line, col;
      pol_linecol(c->files[s->decls[i]->span.file], s->decls[i]->span.start, &line, &col);
      pol_error(&c->diag, d->span, "E0201", "'%s' is already declared at %s:%d:%d", d->str,
                c->files[s->decls[i]->span.file]->name, line, col);
      return;
    }
  }
  GROW(s->decls, s->n, s->cap);
  s->decls[s->n++] = d;
}

pol_Node *pol_record_find(const pol_Compiler *c, const char *name, int *index)
{
  for (int i = 0; i < c->nrecords; i++)
    if (strcmp(c->records[i]->str, name) == 0) {
      if (index) *index = i;
      return c->records[i];
    }
  return NULL;
}

int pol_field_index(const pol_Compiler *c, uint32_t rec, const char *name)
{
  int i = 0;
  for (pol_Node *f = c->records[rec]->args; f; f = f->next, i++)
    if (strcmp(f->str, name) == 0) return i;
  return -1;
}

const char *pol_type_name(const pol_Compiler *c, uint32_t t, char *buf, size_t n)
{
  static const char *names[PK__COUNT] = {
    "<error>", "bool", "number", "string", "date", "duration", "window", "set", "list", "record"
  };
  pol_Kind k = POL_TKIND(t);
  if (k == PK_LIST) {
    char inner[128];
    if (POL_TELEM(t) == PK_REC)
      snprintf(buf, n, "list<%s>", c->records[POL_TREC(t)]->str);
    else
      snprintf(buf, n, "list<%s>", pol_type_name(c, POL_TELEM(t), inner, sizeof inner));
  } else if (k == PK_REC) {
    snprintf(buf, n, "%s", c->records[POL_TREC(t)]->str);
  } else {
    snprintf(buf, n, "%s", k < PK__COUNT ? names[k] : "?");
  }
  return buf;
}

int pol_builtin(const char *name)
{
  if (strcmp(name, "floor") == 0) return B_FLOOR;
  if (strcmp(name, "start_of") == 0) return B_START_OF;
  if (strcmp(name, "end_of") == 0) return B_END_OF;
  if (strcmp(name, "known") == 0) return B_KNOWN;
  if (strcmp(name, "days") == 0) return B_DAYS;
  if (strcmp(name, "weeks") == 0) return B_WEEKS;
  if (strcmp(name, "years") == 0) return B_YEARS;
  if (strcmp(name, "calendar_month") == 0) return B_CAL_MONTH;
  if (strcmp(name, "calendar_quarter") == 0) return B_CAL_QUARTER;
  if (strcmp(name, "calendar_year") == 0) return B_CAL_YEAR;
  if (strcmp(name, "sides") == 0) return B_SIDES;
  if (strcmp(name, "periods") == 0) return B_PERIODS;
  if (strcmp(name, "min") == 0) return B_MIN;
  if (strcmp(name, "max") == 0) return B_MAX;
  return B_NONE;
}

/* ---- types ------------------------------------------------------------- */

static uint32_t resolve_type(pol_Compiler *c, pol_Node *t)
{
  const char *n = t->str;
  if (strcmp(n, "list") == 0) {
    if (!t->a) {
      pol_error(&c->diag, t->span, "E0210", "list needs an element type: list<T>");
      return T_NONE;
    }
    uint32_t e = resolve_type(c, t->a);
    pol_Kind ek = POL_TKIND(e);
    if (ek == PK_NONE) return T_NONE;
    if (ek == PK_LIST || ek == PK_WIN || ek == PK_DUR || ek == PK_SET) {
      pol_error(&c->diag, t->a->span, "E0211", "a list cannot hold this type");
      return T_NONE;
    }
    return POL_TYPE(PK_LIST, ek, POL_TREC(e));
  }
  if (t->a) {
    pol_error(&c->diag, t->span, "E0212", "'%s' takes no type argument", n);
    return T_NONE;
  }
  if (strcmp(n, "bool") == 0) return T_BOOL;
  if (strcmp(n, "number") == 0) return T_NUM;
  if (strcmp(n, "string") == 0) return T_STR;
  if (strcmp(n, "date") == 0) return T_DATE;
  if (strcmp(n, "duration") == 0) return T_DUR;
  if (strcmp(n, "window") == 0) return T_WIN;
  if (strcmp(n, "set") == 0) return T_SET;
  int idx;
  if (pol_record_find(c, n, &idx)) return POL_TYPE(PK_REC, 0, (uint32_t)idx);
  pol_error(&c->diag, t->span, "E0213", "unknown type '%s'", n);
  return T_NONE;
}

/* ---- expressions ------------------------------------------------------- */

typedef struct Env {
  const struct Env *up;
  int is_item;            /* 1: a quantifier item; 0: let parameters */
  uint32_t item_type;
  const char *binder;
  pol_Node *params;
  pol_Node *owner;        /* the N_QUANT / N_COVER of the item, the N_LET of
                             the parameters (for messages) */
} Env;

typedef struct Ctx {
  pol_Compiler *c;
  pol_Scope *scope;       /* lexical scope of the expression */
  const Env *env;
  pol_Node *each;         /* the enclosing `for each`, or NULL */
} Ctx;

static uint32_t check_expr(Ctx *x, pol_Node *n);

static void type_error(Ctx *x, pol_Node *n, const char *what, uint32_t got)
{
  char b[128];
  pol_error(&x->c->diag, n->span, "E0220", "%s, found %s", what, pol_type_name(x->c, got, b, sizeof b));
}

/* Checks n and requires kind k (PK_NONE means an earlier error: silent). */
/* An `unknown "…"` takes the type its context wants (docs/language.md). */
static void unknown_as(pol_Node *n, uint32_t t)
{
  pol_Kind k = POL_TKIND(t);
  if (n->kind == N_UNKNOWN && !n->type &&
      (k == PK_BOOL || k == PK_NUM || k == PK_STR || k == PK_DATE || k == PK_DUR || k == PK_WIN))
    n->type = t;
}

static uint32_t expect(Ctx *x, pol_Node *n, pol_Kind k, const char *what)
{
  unknown_as(n, POL_TYPE(k, 0, 0));
  uint32_t t = check_expr(x, n);
  if (POL_TKIND(t) != PK_NONE && POL_TKIND(t) != k) {
    type_error(x, n, what, t);
    return T_NONE;
  }
  return t;
}

static uint32_t check_let(pol_Compiler *c, pol_Node *let);

/* What a bare name can mean at one point of an expression, innermost
   first: a quantifier's named item, a field of an unnamed quantifier's
   item, a let's parameter, the item of the enclosing `for each`, a
   declaration of the lexical scopes. */
typedef enum { M_ITEM, M_FIELD, M_PARAM, M_EACH, M_DECL } MeaningKind;

typedef struct Meaning {
  MeaningKind kind;
  const Env *env;         /* M_ITEM, M_FIELD, M_PARAM */
  int depth;              /* M_ITEM, M_FIELD: quantifier depth, 0 = innermost */
  int index;              /* M_FIELD, M_PARAM */
  pol_Node *node;         /* M_FIELD: the record field; M_PARAM: the
                             parameter; M_EACH: the for each; M_DECL: it */
} Meaning;

/* The first max meanings of name, innermost first; returns how many. */
static int meanings(Ctx *x, const char *name, Meaning *m, int max)
{
  int n = 0, depth = 0;
  for (const Env *e = x->env; e && n < max; e = e->up) {
    if (e->is_item) {
      if (e->binder && strcmp(e->binder, name) == 0) {
        m[n++] = (Meaning){M_ITEM, e, depth, 0, NULL};
      } else if (!e->binder && POL_TKIND(e->item_type) == PK_REC) {
        int fi = pol_field_index(x->c, POL_TREC(e->item_type), name);
        if (fi >= 0) {
          pol_Node *f = x->c->records[POL_TREC(e->item_type)]->args;
          for (int i = 0; i < fi; i++) f = f->next;
          m[n++] = (Meaning){M_FIELD, e, depth, fi, f};
        }
      }
      depth++;
    } else {
      int i = 0;
      for (pol_Node *p = e->params; p; p = p->next, i++)
        if (strcmp(p->str, name) == 0) {
          m[n++] = (Meaning){M_PARAM, e, 0, i, p};
          break;
        }
    }
  }
  if (n < max && x->each && strcmp(x->each->str, name) == 0)
    m[n++] = (Meaning){M_EACH, NULL, 0, 0, x->each};
  pol_Node *d = n < max ? pol_scope_find(x->scope, name) : NULL;
  if (d) m[n++] = (Meaning){M_DECL, NULL, 0, 0, d};
  return n;
}

/* How a quantifier reads up to its list: "exists", "count distinct … of" */
static const char *quant_kw(const pol_Node *q)
{
  static const char *const kw[] = {"exists", "every", "no", "count", "count distinct … of", "sum … of",
                                   "latest … of", "earliest … of"};
  if (q->kind == N_GAP) return "longest gap in … of … of";
  if (q->kind == N_COVER) return q->op == COV_RUN ? "longest run of … covered by" : "days of … covered by";
  return kw[q->op];
}

/* The source text of the quantifier's list, at most 40 bytes. */
static int list_text(Ctx *x, const pol_Node *q, const char **text)
{
  const pol_Node *list = q->kind == N_QUANT ? q->a : q->b;
  *text = x->c->files[list->span.file]->text + list->span.start;
  int len = (int)(list->span.end - list->span.start);
  return len > 40 ? 40 : len;
}

static void describe(Ctx *x, const Meaning *m, const char *name, char *buf, size_t cap)
{
  const char *l;
  int len;
  switch (m->kind) {
  case M_FIELD:
    len = list_text(x, m->env->owner, &l);
    snprintf(buf, cap, "the field '%s' of the %s item of '%s %.*s'", name,
             x->c->records[POL_TREC(m->env->item_type)]->str, quant_kw(m->env->owner), len, l);
    return;
  case M_ITEM:
    len = list_text(x, m->env->owner, &l);
    snprintf(buf, cap, "the item '%s' of '%s %s in %.*s'", name, quant_kw(m->env->owner), name, len, l);
    return;
  case M_PARAM:
    snprintf(buf, cap, "the parameter '%s' of '%s'", name, m->env->owner->str);
    return;
  case M_EACH:
    snprintf(buf, cap, "the item of 'for each %s'", name);
    return;
  case M_DECL: {
    int line, col;
    const pol_Node *d = m->node;
    const pol_Source *src = x->c->files[d->span.file];
    pol_linecol(src, d->span.start, &line, &col);
    /* a module by its name: its path depends on the installation */
    const char *base = strrchr(src->name, '/') ? strrchr(src->name, '/') + 1 : src->name;
    if (src->is_module)
      snprintf(buf, cap, "the %s '%s' of module \"%.*s\" (line %d)",
               d->kind == N_FACT ? "fact" : d->kind == N_LET ? "let" : "extern", name,
               (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)), base, line);
    else
      snprintf(buf, cap, "the %s '%s' declared at %s:%d:%d",
               d->kind == N_FACT ? "fact" : d->kind == N_LET ? "let" : "extern", name, src->name, line, col);
    return;
  }
  }
  snprintf(buf, cap, "'%s'", name);
}

/* The meaning in a few words, for the fix-it: "the fact", "the parameter". */
static const char *short_meaning(const Meaning *m)
{
  switch (m->kind) {
  case M_ITEM: return "the named item";
  case M_FIELD: return "the outer item's field";
  case M_PARAM: return "the parameter";
  case M_EACH: return "the 'for each' item";
  case M_DECL: return m->node->kind == N_FACT ? "the fact" : m->node->kind == N_LET ? "the let" : "the extern";
  }
  return "the other";
}

/* E0208: a bare name with two meanings (docs/language.md, "One meaning
   per name").  The fix-it says how to write each. */
static void ambiguous(Ctx *x, pol_Node *n, const Meaning *m)
{
  char first[256], second[256], fix[512];
  describe(x, &m[0], n->str, first, sizeof first);
  describe(x, &m[1], n->str, second, sizeof second);
  const pol_Node *q = m[0].kind == M_FIELD ? m[0].env->owner : NULL;
  const char *v = strcmp(n->str, "x") == 0 ? "item" : "x", *l;
  if (q) {
    int len = list_text(x, q, &l);
    snprintf(fix, sizeof fix, "name the item to say which: in '%s %s in %.*s where …', '%s.%s' is the "
             "field and '%s' %s", quant_kw(q), v, len, l, v, n->str, n->str, short_meaning(&m[1]));
  } else {
    snprintf(fix, sizeof fix, "rename %s", first);
  }
  pol_error(&x->c->diag, n->span, "E0208", "'%s' has two meanings here: %s, and %s; %s", n->str, first,
            second, fix);
}

/* "; did you mean 'pain_nrs'?" into buf when a name in scope is near
   name (suggest.h), else "".  functions: callables (lets with
   parameters, externs, the builtins) rather than values. */
static const char *did_you_mean(Ctx *x, const char *name, int functions, char *buf, size_t cap)
{
  pol_Suggest s;
  pol_suggest_init(&s, name);
  if (!functions) {
    for (const Env *e = x->env; e; e = e->up) {
      if (e->is_item && e->binder) pol_suggest_consider(&s, e->binder);
      else if (e->is_item && POL_TKIND(e->item_type) == PK_REC)
        for (pol_Node *f = x->c->records[POL_TREC(e->item_type)]->args; f; f = f->next)
          pol_suggest_consider(&s, f->str);
      for (pol_Node *p = e->is_item ? NULL : e->params; p; p = p->next) pol_suggest_consider(&s, p->str);
    }
    if (x->each) pol_suggest_consider(&s, x->each->str);
  } else {
    static const char *const builtins[] = {"floor", "start_of", "end_of", "known", "days", "weeks", "years",
                                           "calendar_month", "calendar_quarter", "calendar_year", "sides", "periods",
                                           "min", "max"};
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) pol_suggest_consider(&s, builtins[i]);
  }
  for (const pol_Scope *sc = x->scope; sc; sc = sc->parent)
    for (int i = 0; i < sc->n; i++) {
      const pol_Node *d = sc->decls[i];
      int callable = d->kind == N_EXTERN || (d->kind == N_LET && (d->args || (d->flags & 1)));
      if (callable == functions) pol_suggest_consider(&s, d->str);
    }
  const char *best = pol_suggest_best(&s);
  if (!best) return "";
  snprintf(buf, cap, "; did you mean '%s'?", best);
  return buf;
}

static uint32_t resolve_name(Ctx *x, pol_Node *n)
{
  Meaning m[2];
  int nm = meanings(x, n->str, m, 2);
  if (nm == 0) {
    char dym[320];
    pol_error(&x->c->diag, n->span, "E0202", "unknown name '%s'%s", n->str,
              did_you_mean(x, n->str, 0, dym, sizeof dym));
    return T_NONE;
  }
  if (nm > 1) {
    ambiguous(x, n, m);
    return T_NONE;
  }
  switch (m[0].kind) {
  case M_ITEM:
    n->res = R_ITEM; n->depth = m[0].depth;
    return m[0].env->item_type;
  case M_FIELD:
    n->res = R_FIELD; n->depth = m[0].depth; n->index = m[0].index;
    return m[0].node->type;
  case M_PARAM:
    n->res = R_PARAM; n->index = m[0].index; n->decl = m[0].node;
    return m[0].node->type;
  case M_EACH:
    n->res = R_EACH; n->decl = x->each;
    return x->each->type;
  case M_DECL:
    break;
  }
  pol_Node *d = m[0].node;
  n->decl = d;
  if (d->kind == N_FACT) { n->res = R_FACT; return d->type; }
  if (d->kind == N_LET && !d->args && !(d->flags & 1)) {
    n->res = R_LET;
    return check_let(x->c, d);
  }
  if (d->kind == N_TABLE) {
    pol_error(&x->c->diag, n->span, "E0413", "'%s' is a table: look a key up, `%s[KEY]`", n->str, n->str);
    return T_NONE;
  }
  if (d->kind == N_VALUESET) {
    pol_error(&x->c->diag, n->span, "E0257", "'%s' is a value set: test a code's membership, "
              "`CODE in %s`, or a list's, `exists d in LIST where d in %s`", n->str, n->str, n->str);
    return T_NONE;
  }
  pol_error(&x->c->diag, n->span, "E0203", "'%s' is a function: call it with arguments", n->str);
  return T_NONE;
}

/* `CODE in VS`, `CODE not in VS` where VS names a value set: string codes,
   a literal checked against the set's system.  1 if n is one. */
static int check_vset_in(Ctx *x, pol_Node *n)
{
  if (n->b->kind != N_NAME) return 0;
  Meaning m[2];
  if (meanings(x, n->b->str, m, 2) != 1 || m[0].kind != M_DECL || m[0].node->kind != N_VALUESET)
    return 0;
  pol_Node *vs = m[0].node;
  n->b->res = R_VSET;
  n->b->decl = vs;
  n->b->type = T_SET;
  uint32_t ta = check_expr(x, n->a);
  if (POL_TKIND(ta) && POL_TKIND(ta) != PK_STR) {
    char b1[128];
    pol_error(&x->c->diag, n->span, "E0221", "operator '%s' does not apply to %s and a value set "
              "(a code is a string; for a list write `exists d in LIST where d in %s`)",
              pol_op_text(n->op), pol_type_name(x->c, ta, b1, sizeof b1), vs->str);
  }
  const struct pol_VSetC *v = pol_vset_compile(x->c, vs->scope, vs);
  if (v && n->a->kind == N_STR) pol_code_literal_check(x->c, n->a, v->system);
  return 1;
}

/* min(a, b, ...), max(...): 2 to POL_MAX_ARGS numbers, or dates. */
static uint32_t check_min_max(Ctx *x, pol_Node *n, int nargs)
{
  if (nargs < 2 || nargs > POL_MAX_ARGS) {
    pol_error(&x->c->diag, n->span, "E0421", "%s takes 2 to %d arguments, given %d", n->str, POL_MAX_ARGS, nargs);
    for (pol_Node *a = n->args; a; a = a->next) check_expr(x, a);
    return T_NONE;
  }
  uint32_t t = T_NONE;
  for (pol_Node *a = n->args; a && !POL_TKIND(t); a = a->next)
    if (a->kind != N_UNKNOWN) t = check_expr(x, a);
  pol_Kind k = POL_TKIND(t);
  if (k && k != PK_NUM && k != PK_DATE) {
    char b[128];
    pol_error(&x->c->diag, n->span, "E0421", "%s compares numbers or dates, found %s", n->str,
              pol_type_name(x->c, t, b, sizeof b));
    return T_NONE;
  }
  int ok = k != PK_NONE;
  for (pol_Node *a = n->args; a; a = a->next) {
    unknown_as(a, t);
    uint32_t at = a->type && a->kind != N_UNKNOWN ? a->type : check_expr(x, a);
    if (POL_TKIND(at) && k && at != t) {
      char b1[128], b2[128];
      pol_error(&x->c->diag, a->span, "E0421", "the arguments of %s are of one type: %s, then %s", n->str,
                pol_type_name(x->c, t, b1, sizeof b1), pol_type_name(x->c, at, b2, sizeof b2));
      ok = 0;
    }
    if (!POL_TKIND(at)) ok = 0;
  }
  return ok ? t : T_NONE;
}

static uint32_t check_call(Ctx *x, pol_Node *n)
{
  int nargs = 0;
  for (pol_Node *a = n->args; a; a = a->next) nargs++;
  int b = pol_builtin(n->str);
  if (b != B_NONE && !pol_scope_find(x->scope, n->str)) {
    n->res = R_BUILTIN; n->index = b;
    if (b == B_MIN || b == B_MAX) return check_min_max(x, n, nargs);
    int want = b == B_PERIODS ? 2 : 1;
    if (nargs != want) {
      pol_error(&x->c->diag, n->span, "E0230", "%s takes %d argument%s, given %d", n->str, want,
                want == 1 ? "" : "s", nargs);
      return T_NONE;
    }
    switch (b) {
    case B_CAL_MONTH: case B_CAL_QUARTER: case B_CAL_YEAR:
      return POL_TKIND(expect(x, n->args, PK_DATE, "a calendar window needs a date")) ? T_WIN : T_NONE;
    case B_SIDES:
      return POL_TKIND(expect(x, n->args, PK_STR, "sides needs a string (a line's side)"))
               ? POL_TYPE(PK_LIST, PK_STR, 0) : T_NONE;
    case B_PERIODS: {
      int ok = POL_TKIND(expect(x, n->args, PK_DUR, "periods needs a duration, then a window")) != 0;
      ok &= POL_TKIND(expect(x, n->args->next, PK_WIN, "periods needs a duration, then a window")) != 0;
      return ok ? POL_TYPE(PK_LIST, PK_WIN, 0) : T_NONE;
    }
    case B_FLOOR: return expect(x, n->args, PK_NUM, "floor needs a number") ? T_NUM : T_NONE;
    case B_START_OF:
    case B_END_OF:
      return POL_TKIND(expect(x, n->args, PK_WIN, "needs a window")) ? T_DATE : T_NONE;
    case B_DAYS: case B_WEEKS: case B_YEARS:
      return POL_TKIND(expect(x, n->args, PK_NUM, "needs a number")) ? T_DUR : T_NONE;
    default:
      check_expr(x, n->args);
      return T_BOOL;
    }
  }
  pol_Node *d = pol_scope_find(x->scope, n->str);
  if (!d) {
    char dym[320];
    pol_error(&x->c->diag, n->span, "E0202", "unknown function '%s'%s", n->str,
              did_you_mean(x, n->str, 1, dym, sizeof dym));
    for (pol_Node *a = n->args; a; a = a->next) check_expr(x, a);
    return T_NONE;
  }
  n->decl = d;
  pol_Node *params;
  uint32_t result;
  if (d->kind == N_LET && (d->flags & 1)) {
    n->res = R_LET;
    result = check_let(x->c, d);
    params = d->args;
  } else if (d->kind == N_EXTERN) {
    n->res = R_EXTERN;
    result = d->type;
    params = d->args;
  } else {
    pol_error(&x->c->diag, n->span, "E0204", "'%s' is not a function", n->str);
    return T_NONE;
  }
  int np = 0;
  for (pol_Node *p = params; p; p = p->next) np++;
  if (np != nargs) {
    pol_error(&x->c->diag, n->span, "E0230", "%s takes %d argument%s, given %d", n->str, np,
              np == 1 ? "" : "s", nargs);
    return T_NONE;
  }
  pol_Node *p = params;
  for (pol_Node *a = n->args; a; a = a->next, p = p->next) {
    uint32_t pt = p->kind == N_PARAM ? p->type : p->type; /* N_TYPEREF for externs */
    uint32_t at = check_expr(x, a);
    if (POL_TKIND(at) && POL_TKIND(pt) && at != pt) {
      char b1[128];
      pol_error(&x->c->diag, a->span, "E0231", "argument of %s must be %s", n->str,
                pol_type_name(x->c, pt, b1, sizeof b1));
    }
  }
  return result;
}

/* latest / earliest without `by`: the item's `date` field (it.date),
   marked so that polc fmt leaves it out. */
static pol_Node *default_order(Ctx *x, pol_Node *n, uint32_t item)
{
  if (POL_TKIND(item) != PK_REC || pol_field_index(x->c, POL_TREC(item), "date") < 0) {
    char b[128];
    pol_error(&x->c->diag, n->span, "E0271", "'%s' needs 'by KEY': its items (%s) have no 'date' field",
              n->op == Q_LATEST ? "latest" : "earliest", pol_type_name(x->c, item, b, sizeof b));
    return NULL;
  }
  pol_Node *it = pol_node(x->c->arena, N_IT, n->span);
  pol_Node *f = pol_node(x->c->arena, N_FIELD, n->span);
  f->a = it;
  f->str = "date";
  f->flags = 1;
  return f;
}

static uint32_t check_quant(Ctx *x, pol_Node *n)
{
  uint32_t lt = check_expr(x, n->a);
  uint32_t item;
  if (POL_TKIND(lt) == PK_SET && n->op == Q_FIRST) {
    pol_error(&x->c->diag, n->a->span, "E0418", "a set has no first item: `first` walks a list");
    return T_NONE;
  } else if (POL_TKIND(lt) == PK_SET) {
    item = T_STR;   /* a set literal: its strings, in order */
  } else if (POL_TKIND(lt) != PK_LIST) {
    if (POL_TKIND(lt)) type_error(x, n->a, "a quantifier needs a list", lt);
    return T_NONE;
  } else {
    item = POL_TYPE(POL_TELEM(lt), 0, POL_TREC(lt));
  }
  Env e = {x->env, 1, item, n->str, NULL, n};
  const Env *saved = x->env;
  x->env = &e;
  if (n->b) expect(x, n->b, PK_BOOL, "a 'where' condition must be true or false");
  uint32_t result = n->op == Q_COUNT || n->op == Q_COUNTD ? T_NUM : T_BOOL;
  if (n->c) {
    uint32_t kt = check_expr(x, n->c);
    pol_Kind k = POL_TKIND(kt);
    switch (n->op) {
    case Q_SUM:
      if (k && k != PK_NUM) type_error(x, n->c, "'sum' adds numbers", kt);
      result = T_NUM;
      break;
    case Q_LATEST: case Q_EARLIEST:
      if (k && k != PK_STR && k != PK_NUM && k != PK_DATE && k != PK_BOOL) {
        char b[128];
        pol_error(&x->c->diag, n->c->span, "E0274", "'%s' gives a string, number, date or bool, found %s",
                  n->op == Q_LATEST ? "latest" : "earliest", pol_type_name(x->c, kt, b, sizeof b));
        kt = T_NONE;
      }
      result = kt;
      if (!n->d) n->d = default_order(x, n, item);
      if (n->d) {
        uint32_t ot = check_expr(x, n->d);
        pol_Kind o = POL_TKIND(ot);
        if (o && o != PK_DATE && o != PK_NUM) {
          char b[128];
          pol_error(&x->c->diag, n->d->span, "E0272", "'%s' orders its items by a date or a number, found %s",
                    n->op == Q_LATEST ? "latest" : "earliest", pol_type_name(x->c, ot, b, sizeof b));
        }
      }
      break;
    default:
      if (k && k != PK_STR && k != PK_NUM && k != PK_DATE && k != PK_BOOL)
        type_error(x, n->c, "'count distinct' needs a string, number, date or bool key", kt);
      break;
    }
  }
  x->env = saved;
  return result;
}

/* ---- lookup tables ------------------------------------------------------ */

static int cmp_entry_key(const void *a, const void *b)
{
  return strcmp((*(pol_Node *const *)a)->str, (*(pol_Node *const *)b)->str);
}

/* The type of a table value: a literal (a number, a negated number, a
   string, a date, a duration, a bool); T_NONE after an error. */
static uint32_t table_value_type(pol_Compiler *c, pol_Node *v)
{
  switch (v->kind) {
  case N_NUM: v->type = T_NUM; return T_NUM;
  case N_UNARY:
    if (v->op == O_NEG && v->a->kind == N_NUM) { v->a->type = T_NUM; v->type = T_NUM; return T_NUM; }
    break;
  case N_STR: if (v->flags & POL_STR_CALENDAR) break; v->type = T_STR; return T_STR;
  case N_DATE: v->type = T_DATE; return T_DATE;
  case N_DUR: v->type = T_DUR; return T_DUR;
  case N_BOOL: v->type = T_BOOL; return T_BOOL;
  default: break;
  }
  pol_error(&c->diag, v->span, "E0416", "a table value is a literal: a number, a string, a date, a "
            "duration or true/false (leave a key out, or leave out `default`, for unknown)");
  return T_NONE;
}

/* table NAME { "key" => VALUE, ..., default VALUE }: keys once each,
   values of one type, at most one default.  Its type is its values'. */
static uint32_t check_table(pol_Compiler *c, pol_Node *t)
{
  if (t->state == 2) return t->type;
  t->state = 2;
  uint32_t type = T_NONE;
  int nkeys = 0, ndefault = 0, bad = 0;
  for (pol_Node *e = t->args; e; e = e->next) {
    if (e->flags & 1) {
      if (++ndefault == 2) pol_error(&c->diag, e->span, "E0417", "table %s has a second default", t->str);
    } else {
      nkeys++;
    }
    uint32_t vt = table_value_type(c, e->a);
    if (!POL_TKIND(vt)) { bad = 1; continue; }
    if (!POL_TKIND(type)) { type = vt; continue; }
    if (vt != type) {
      char b1[128], b2[128];
      pol_error(&c->diag, e->a->span, "E0415", "the values of table %s are of one type: %s, then %s",
                t->str, pol_type_name(c, type, b1, sizeof b1), pol_type_name(c, vt, b2, sizeof b2));
      bad = 1;
    }
  }
  if (nkeys == 0)
    pol_error(&c->diag, t->span, "E0417", "table %s has no key", t->str);
  if (nkeys > POL_MAX_TABLE_ENTRIES)
    pol_error(&c->diag, t->span, "E0417", "table %s has %d keys; at most %d", t->str, nkeys,
              POL_MAX_TABLE_ENTRIES);
  pol_Node **v = calloc((size_t)nkeys + 1, sizeof *v);
  if (!v) abort();
  int n = 0;
  for (pol_Node *e = t->args; e; e = e->next)
    if (!(e->flags & 1)) v[n++] = e;
  qsort(v, (size_t)n, sizeof *v, cmp_entry_key);
  for (int i = 1; i < n; i++)
    if (strcmp(v[i]->str, v[i - 1]->str) == 0) {
      pol_error(&c->diag, v[i]->span, "E0414", "table %s has the key \"%s\" twice", t->str, v[i]->str);
      bad = 1;
    }
  free(v);
  t->type = bad || nkeys == 0 || nkeys > POL_MAX_TABLE_ENTRIES || ndefault > 1 ? T_NONE : type;
  return t->type;
}

/* TABLE[KEY]: a string key; a literal key the table lacks, with no
   default, is an error (E0420). */
static uint32_t check_lookup(Ctx *x, pol_Node *n)
{
  Meaning m[2];
  if (n->a->kind != N_NAME || meanings(x, n->a->str, m, 2) != 1 || m[0].kind != M_DECL ||
      m[0].node->kind != N_TABLE) {
    uint32_t lt = check_expr(x, n->a);
    if (POL_TKIND(lt) == PK_LIST || POL_TKIND(lt) == PK_SET)
      pol_error(&x->c->diag, n->span, "E0418", "a list is not indexed: for its first item write "
                "`first x in LIST where …` (false over [], unknown over an unknown list)");
    else if (POL_TKIND(lt))
      pol_error(&x->c->diag, n->span, "E0418", "only a table is looked up with [KEY]");
    check_expr(x, n->b);
    return T_NONE;
  }
  pol_Node *t = m[0].node;
  n->a->decl = t;
  n->a->type = T_NONE;
  uint32_t type = check_table(x->c, t);
  uint32_t kt = check_expr(x, n->b);
  if (POL_TKIND(kt) && POL_TKIND(kt) != PK_STR) {
    char b[128];
    pol_error(&x->c->diag, n->b->span, "E0419", "the key of table %s is a string, found %s", t->str,
              pol_type_name(x->c, kt, b, sizeof b));
    return T_NONE;
  }
  if (n->b->kind == N_STR && POL_TKIND(type)) {
    const pol_Node *e = t->args;
    int has_default = 0;
    for (const pol_Node *d = t->args; d; d = d->next) has_default |= d->flags & 1;
    while (e && ((e->flags & 1) || strcmp(e->str, n->b->str) != 0)) e = e->next;
    if (!e && !has_default)
      pol_error(&x->c->diag, n->b->span, "E0420", "table %s has no key \"%s\" and no default",
                t->str, n->b->str);
  }
  return POL_TKIND(kt) ? type : T_NONE;
}

/* if C then A else B: A and B of one type (bool, number, string, date or
   duration). */
static uint32_t check_if(Ctx *x, pol_Node *n)
{
  expect(x, n->a, PK_BOOL, "the condition of 'if' must be true or false");
  uint32_t ta, tb;
  if (n->b->kind == N_UNKNOWN) {   /* it takes the other branch's type */
    tb = check_expr(x, n->c);
    unknown_as(n->b, tb);
    ta = check_expr(x, n->b);
  } else {
    ta = check_expr(x, n->b);
    unknown_as(n->c, ta);
    tb = check_expr(x, n->c);
  }
  pol_Kind a = POL_TKIND(ta), b = POL_TKIND(tb);
  if (!a || !b) return T_NONE;
  if (ta != tb || !(a == PK_BOOL || a == PK_NUM || a == PK_STR || a == PK_DATE || a == PK_DUR)) {
    char b1[128], b2[128];
    pol_error(&x->c->diag, n->span, "E0270", "'if … then … else' needs two branches of one type "
              "(bool, number, string, date or duration), found %s and %s",
              pol_type_name(x->c, ta, b1, sizeof b1), pol_type_name(x->c, tb, b2, sizeof b2));
    return T_NONE;
  }
  return ta;
}

static int is_min_max(const pol_Node *n)
{
  return n->kind == N_CALL && n->res == R_BUILTIN && (n->index == B_MIN || n->index == B_MAX);
}

/* `min(a, b) < c` is `a < c or b < c`, `min(a, b) >= c` is `a >= c and
   b >= c` (max the other way round; c on the left mirrored): the same
   value for every completion, and in Kleene logic `min(3, x) < 5` is true
   whatever x is, where min(3, x) itself is unknown.  n->c gets the lowered
   comparison, which codegen and the evaluator run (docs/language.md). */
static void lower_min_max(Ctx *x, pol_Node *n)
{
  int left = is_min_max(n->a), right = !left && is_min_max(n->b);
  if (!left && !right) return;
  pol_Node *mm = left ? n->a : n->b, *other = left ? n->b : n->a;
  int op = n->op;
  if (right)   /* c < min(...) is min(...) > c */
    op = op == O_LT ? O_GT : op == O_LE ? O_GE : op == O_GT ? O_LT : O_LE;
  int below = op == O_LT || op == O_LE;
  /* below a min: one argument is; below a max: all are */
  int join = (mm->index == B_MIN) == below ? O_OR : O_AND;
  pol_Node *acc = NULL;
  for (pol_Node *arg = mm->args; arg; arg = arg->next) {
    pol_Node *cmp = pol_node(x->c->arena, N_BINARY, n->span);
    cmp->op = op; cmp->a = arg; cmp->b = other; cmp->type = T_BOOL;
    if (is_min_max(arg) || is_min_max(other)) {
      /* nested: lower the comparison too (args are checked already) */
      lower_min_max(x, cmp);
    }
    if (!acc) { acc = cmp; continue; }
    pol_Node *j = pol_node(x->c->arena, N_BINARY, n->span);
    j->op = join; j->a = acc; j->b = cmp; j->type = T_BOOL;
    acc = j;
  }
  n->c = acc;
}

static uint32_t check_binary(Ctx *x, pol_Node *n)
{
  uint32_t ta, tb;
  pol_Kind a, b;
  switch (n->op) {
  case O_AND: case O_OR:
    expect(x, n->a, PK_BOOL, "'and'/'or' need true/false operands");
    expect(x, n->b, PK_BOOL, "'and'/'or' need true/false operands");
    return T_BOOL;
  case O_IN: case O_NOTIN:
    if (check_vset_in(x, n)) return T_BOOL;
    break;
  default: break;
  }
  if (n->a->kind == N_UNKNOWN) {   /* it takes the other operand's type */
    tb = check_expr(x, n->b);
    unknown_as(n->a, tb);
    ta = check_expr(x, n->a);
  } else {
    ta = check_expr(x, n->a);
    unknown_as(n->b, ta);
    tb = check_expr(x, n->b);
  }
  a = POL_TKIND(ta);
  b = POL_TKIND(tb);
  if (!a || !b) return n->op >= O_EQ && n->op <= O_WITHIN ? T_BOOL : T_NONE;
  char b1[128], b2[128];
  if ((n->op == O_LT || n->op == O_LE || n->op == O_GT || n->op == O_GE) && a == b &&
      (a == PK_NUM || a == PK_DATE))
    lower_min_max(x, n);
  switch (n->op) {
  case O_EQ: case O_NE:
    if (a == b && (a == PK_NUM || a == PK_STR || a == PK_DATE || a == PK_BOOL)) return T_BOOL;
    break;
  case O_LT: case O_LE: case O_GT: case O_GE:
    if (a == b && (a == PK_NUM || a == PK_DATE)) return T_BOOL;
    break;
  case O_IN: case O_NOTIN:
    if (a == PK_STR && (b == PK_SET || (b == PK_LIST && POL_TELEM(tb) == PK_STR))) return T_BOOL;
    break;
  case O_WITHIN:
    if (a == PK_DATE && b == PK_WIN) return T_BOOL;
    break;
  case O_COALESCE:
    if (ta == tb) return ta;
    break;
  case O_ADD:
    if (a == PK_NUM && b == PK_NUM) return T_NUM;
    if (a == PK_DATE && b == PK_DUR) return T_DATE;
    break;
  case O_SUB:
    if (a == PK_NUM && b == PK_NUM) return T_NUM;
    if (a == PK_DATE && b == PK_DUR) return T_DATE;
    if (a == PK_DATE && b == PK_DATE) return T_NUM;
    break;
  case O_MUL: case O_DIV:
    if (a == PK_NUM && b == PK_NUM) return T_NUM;
    break;
  default: break;
  }
  pol_error(&x->c->diag, n->span, "E0221", "operator '%s' does not apply to %s and %s",
            pol_op_text(n->op), pol_type_name(x->c, ta, b1, sizeof b1), pol_type_name(x->c, tb, b2, sizeof b2));
  return n->op >= O_EQ && n->op <= O_WITHIN ? T_BOOL : T_NONE;
}

static uint32_t check_expr_inner(Ctx *x, pol_Node *n)
{
  switch (n->kind) {
  case N_NUM: return T_NUM;
  case N_STR:
    if (n->flags & POL_STR_CALENDAR) {
      pol_error(&x->c->diag, n->span, "E0412", "'%s' is the period of an authorized quantity: only "
                "`authorize { quantity N per %s }`; for a window write %s_%s(DATE)", n->str, n->str,
                "calendar", n->str + 9);
      return T_NONE;
    }
    return T_STR;
  case N_DATE: return T_DATE;
  case N_DUR: return T_DUR;
  case N_BOOL: return T_BOOL;
  case N_SET: return T_SET;
  case N_WINDOW:
    expect(x, n->a, PK_DATE, "a window starts at a date");
    expect(x, n->b, PK_DATE, "a window ends at a date");
    return T_WIN;
  case N_NAME: return resolve_name(x, n);
  case N_IT: {
    int depth = 0;
    for (const Env *e = x->env; e; e = e->up) {
      if (!e->is_item) continue;
      n->res = R_ITEM; n->depth = depth;
      return e->item_type;
    }
    pol_error(&x->c->diag, n->span, "E0205", "'it' is only meaningful inside a quantifier");
    return T_NONE;
  }
  case N_FIELD: {
    uint32_t t = check_expr(x, n->a);
    if (!POL_TKIND(t)) return T_NONE;
    if (POL_TKIND(t) != PK_REC) {
      type_error(x, n->a, "only a record has fields", t);
      return T_NONE;
    }
    int fi = pol_field_index(x->c, POL_TREC(t), n->str);
    if (fi < 0) {
      pol_Suggest s;
      pol_suggest_init(&s, n->str);
      for (pol_Node *f = x->c->records[POL_TREC(t)]->args; f; f = f->next) pol_suggest_consider(&s, f->str);
      const char *best = pol_suggest_best(&s);
      pol_error(&x->c->diag, n->span, "E0206", "%s has no field '%s'%s%s%s",
                x->c->records[POL_TREC(t)]->str, n->str, best ? "; did you mean '" : "", best ? best : "",
                best ? "'?" : "");
      return T_NONE;
    }
    n->index = fi;
    pol_Node *f = x->c->records[POL_TREC(t)]->args;
    for (int i = 0; i < fi; i++) f = f->next;
    return f->type;
  }
  case N_CALL: return check_call(x, n);
  case N_UNARY:
    if (n->op == O_NOT) return expect(x, n->a, PK_BOOL, "'not' needs true/false") ? T_BOOL : T_BOOL;
    return expect(x, n->a, PK_NUM, "'-' needs a number");
  case N_BINARY: return check_binary(x, n);
  case N_QUANT: return check_quant(x, n);
  case N_IF: return check_if(x, n);
  case N_UNKNOWN:
    if (!n->str[0])
      pol_error(&x->c->diag, n->span, "E0422", "`unknown` needs a reason: `unknown \"why it is open\"`");
    return n->type ? n->type : T_BOOL;
  case N_LOOKUP: return check_lookup(x, n);
  case N_COVER: {
    expect(x, n->a, PK_WIN, "'days of' needs a window");
    uint32_t lt = check_expr(x, n->b);
    if (POL_TKIND(lt) != PK_LIST || POL_TELEM(lt) != PK_REC) {
      if (POL_TKIND(lt)) type_error(x, n->b, "'covered by' needs a list of records", lt);
      return T_NUM;
    }
    Env e = {x->env, 1, POL_TYPE(PK_REC, 0, POL_TREC(lt)), n->str, NULL, n};
    const Env *saved = x->env;
    x->env = &e;
    if (n->c) expect(x, n->c, PK_BOOL, "a 'where' condition must be true or false");
    expect(x, n->d, PK_DATE, "'from' needs a date");
    expect(x, n->e, PK_DATE, "'to' needs a date");
    x->env = saved;
    return T_NUM;
  }
  case N_GAP: {
    expect(x, n->a, PK_WIN, "'longest gap in' needs a window");
    uint32_t lt = check_expr(x, n->b);
    if (POL_TKIND(lt) != PK_LIST) {
      if (POL_TKIND(lt)) type_error(x, n->b, "'longest gap' needs a list", lt);
      return T_NUM;
    }
    Env e = {x->env, 1, POL_TYPE(POL_TELEM(lt), 0, POL_TREC(lt)), n->str, NULL, n};
    const Env *saved = x->env;
    x->env = &e;
    if (n->c) expect(x, n->c, PK_BOOL, "a 'where' condition must be true or false");
    expect(x, n->d, PK_DATE, "'longest gap' needs the date of each item");
    x->env = saved;
    return T_NUM;
  }
  case N_ATLEAST: {
    int k = 0;
    for (pol_Node *a = n->args; a; a = a->next, k++)
      expect(x, a, PK_BOOL, "'at least k of' needs true/false items");
    if (!(n->num >= POL_DEC_SCALE && n->num <= (pol_Dec)k * POL_DEC_SCALE) || !pol_dec_is_int(n->num)) {
      char kb[POL_DEC_BUFSIZE];
      pol_dec_format(n->num, kb);
      pol_error(&x->c->diag, n->span, "E0222", "'at least %s of' %d item%s: k must be a whole number from 1 to %d",
                kb, k, k == 1 ? "" : "s", k);
    }
    if (k > POL_MAX_ARGS)
      pol_error(&x->c->diag, n->span, "E0223", "'at least k of' takes at most %d items", POL_MAX_ARGS);
    return T_BOOL;
  }
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE:
    break;
  }
  pol_error(&x->c->diag, n->span, "E0299", "not an expression");
  return T_NONE;
}

static uint32_t check_expr(Ctx *x, pol_Node *n)
{
  /* The depth runs on through a let's body when a name first needs its
     type (check_let), so a chain of lets is bounded as well. */
  if (x->c->depth >= POL_MAX_EXPR_DEPTH) {
    pol_error(&x->c->diag, n->span, "E0113", "expression nested too deep (more than %d levels, "
              "counting the lets it uses)", POL_MAX_EXPR_DEPTH);
    n->type = T_NONE;
    return T_NONE;
  }
  x->c->depth++;
  n->type = check_expr_inner(x, n);
  x->c->depth--;
  return n->type;
}

/* A reviewer-chosen value: a literal (number, negative number, string,
   date, duration, true/false, a set of strings), so that polc doc, the
   trace and the notice can show it as the value it is; and a reason. */
static int param_literal(const pol_Node *v)
{
  if (v->kind == N_UNARY) return v->op == O_NEG && v->a && v->a->kind == N_NUM;
  return v->kind == N_NUM || v->kind == N_STR || v->kind == N_DATE || v->kind == N_DUR ||
         v->kind == N_BOOL || v->kind == N_SET;
}

static void check_param(pol_Compiler *c, pol_Node *let)
{
  if (!param_literal(let->a))
    pol_error(&c->diag, let->a->span, "E0357", "the value of param '%s' must be a literal (a number, "
              "a string, a date, a duration, true/false or a set): it is shown as chosen", let->str);
  const char *w = let->text ? let->text : "";
  while (*w == ' ' || *w == '\t') w++;
  if (!*w)
    pol_error(&c->diag, let->span, "E0358", "param '%s' needs its reason: who chose the value and why, "
              "e.g. \"reviewer-chosen: the document names no threshold\"", let->str);
}

static uint32_t check_let(pol_Compiler *c, pol_Node *let)
{
  if (let->state == 2) return let->type;
  if (let->state == 1) {
    pol_error(&c->diag, let->span, "E0207", "'%s' is defined in terms of itself", let->str);
    let->type = T_NONE;
    return T_NONE;
  }
  let->state = 1;
  Env e = {NULL, 0, 0, NULL, let->args, let};
  Ctx x = {c, let->scope, let->args ? &e : NULL, NULL};
  int np = 0;
  for (pol_Node *p = let->args; p; p = p->next, np++) p->type = resolve_type(c, p->tref);
  if (np > POL_MAX_LET_PARAMS)
    pol_error(&c->diag, let->span, "E0232", "'%s' has %d parameters; at most %d", let->str, np,
              POL_MAX_LET_PARAMS);
  if (let->tref) unknown_as(let->a, resolve_type(c, let->tref));
  uint32_t t = check_expr(&x, let->a);
  if (let->tref) {
    uint32_t want = resolve_type(c, let->tref);
    if (POL_TKIND(t) && POL_TKIND(want) && t != want) {
      char b1[128], b2[128];
      pol_error(&c->diag, let->a->span, "E0224", "'%s' is declared %s but its value is %s", let->str,
                pol_type_name(c, want, b1, sizeof b1), pol_type_name(c, t, b2, sizeof b2));
    }
    t = want;
  }
  let->type = t;
  let->state = 2;
  if (let->flags & POL_LET_PARAM) check_param(c, let);
  return t;
}

/* ---- declarations, criteria, policies ---------------------------------- */

int pol_outcome(const char *name)
{
  return pol_outcome_find(name);
}

/* The VM evaluates a decision condition in postfix on a stack of
   POL_MAX_DEC_STACK (exec.c, verify.c): the stack a condition needs, 0
   after an error. */

static int check_dcond(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *d, int depth)
{
  if (depth >= POL_MAX_EXPR_DEPTH) {
    pol_error(&c->diag, d->span, "E0336", "decision condition nested too deep (more than %d levels)",
              POL_MAX_EXPR_DEPTH);
    return 0;
  }
  switch (d->op) {
  case D_AND: case D_OR: {
    int a = check_dcond(c, u, d->a, depth + 1), b = check_dcond(c, u, d->b, depth + 1);
    return a == 0 || b == 0 ? 0 : a > b + 1 ? a : b + 1;
  }
  case D_NOT:
    return check_dcond(c, u, d->a, depth + 1);
  case -1:
    if (strcmp(d->str, "failed") == 0) d->op = D_FAILED;
    else if (strcmp(d->str, "unknown") == 0) d->op = D_UNKNOWN;
    else pol_error(&c->diag, d->span, "E0331", "a decision condition is 'failed', 'unknown', "
                   "'any failed tagged T', 'every failed tagged T' or 'any unknown tagged T'");
    return d->op == -1 ? 0 : 1;
  default: {
    int unknown = strcmp(d->text, "unknown") == 0;
    if (!unknown && strcmp(d->text, "failed") != 0) {
      pol_error(&c->diag, d->span, "E0331", "expected 'failed' or 'unknown', found '%s'", d->text);
      return 0;
    }
    if (unknown && d->op == D_EVERY_FAILED_TAG) {
      pol_error(&c->diag, d->span, "E0331", "'every unknown tagged' is not a condition; use 'any unknown tagged'");
      return 0;
    }
    if (unknown) d->op = D_ANY_UNKNOWN_TAG;
    int bit = -1;
    for (int i = 0; i < u->ntags; i++)
      if (strcmp(u->tags[i], d->str) == 0) bit = i;
    if (bit < 0) pol_error(&c->diag, d->span, "E0332", "no criterion of this policy is tagged '%s'", d->str);
    d->index = bit;
    return bit < 0 ? 0 : 1;
  }
  }
}

static void check_rules(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *dec);

static void check_decision(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *dec)
{
  if (u->decision) {
    pol_error(&c->diag, dec->span, "E0333", "a policy has one decision block");
    return;
  }
  u->decision = dec;
  if (dec->str) {   /* a named standard decision: its rules come later (review_flow) */
    if (strcmp(dec->str, "review") != 0)
      pol_error(&c->diag, dec->span, "E0356", "unknown standard decision '%s' (the one there is: "
                "decision review)", dec->str);
    return;
  }
  check_rules(c, u, dec);
}

static void check_rules(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *dec)
{
  pol_Node *last = NULL;
  for (pol_Node *r = dec->args; r; r = r->next) {
    if (pol_outcome(r->str) < 0)
      pol_error(&c->diag, r->span, "E0334", "unknown outcome '%s' (approve, deny, pend, loi, refer)", r->str);
    if (r->a) {
      if (check_dcond(c, u, r->a, 0) > POL_MAX_DEC_STACK)
        pol_error(&c->diag, r->a->span, "E0336", "decision condition nested too deep (its "
                  "evaluation needs more than %d levels)", POL_MAX_DEC_STACK);
    } else if (r->next) pol_error(&c->diag, r->span, "E0335", "'otherwise' must be the last rule");
    last = r;
  }
  if (!last || last->a)
    pol_error(&c->diag, dec->span, "E0335", "a decision block ends with 'OUTCOME otherwise'");
}

/* ---- plans and the review flow (docs/language.md "Plans", "The review
   flow") ------------------------------------------------------------------ */

/* `plan "NAME" { denials recommended|final  KEY "TEXT"... }`: collected
   for the bundle's NOTE section (codegen.c); declared once per name. */
static void check_plan(pol_Compiler *c, pol_Node *pl)
{
  for (int i = 0; i < c->nplans; i++)
    if (strcmp(c->plans[i]->str, pl->str) == 0) {
      pol_error(&c->diag, pl->span, "E0351", "plan \"%s\" is declared twice", pl->str);
      return;
    }
  static const char *const keys[] = {
#define NOTICE_TEXT(N, key, heading, dflt) key,
#include "../vm/notice_texts.def"
#undef NOTICE_TEXT
  };
  for (pol_Node *h = pl->args; h; h = h->next) {
    int ok = 0;
    if (strcmp(h->str, "denials") == 0)
      ok = h->text && (strcmp(h->text, "recommended") == 0 || strcmp(h->text, "final") == 0);
    else
      for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        ok |= !h->text && strcmp(h->str, keys[k]) == 0;
    for (pol_Node *g = pl->args; ok && g != h; g = g->next)
      if (strcmp(g->str, h->str) == 0) ok = 0;
    if (!ok)
      pol_error(&c->diag, h->span, "E0352", "a plan says 'denials recommended' or 'denials final' and "
                "its notice texts once each: name, reviewer, peer_to_peer, appeal, expedited_appeal, "
                "external_review \"TEXT\"");
  }
  if (c->nplans == c->capplans) {
    c->capplans = c->capplans ? c->capplans * 2 : 8;
    c->plans = realloc(c->plans, (size_t)c->capplans * sizeof *c->plans);
    if (!c->plans) abort();
  }
  c->plans[c->nplans++] = pl;
}

typedef struct Review {
  pol_Compiler *c;
  uint32_t doc, clin;   /* tag bits, 0 when the policy does not use the tag */
  int report;           /* --require-review-tags: errors */
} Review;

/* Is criterion cl classified as documentation or clinical: by its own tag
   or one of an enclosing criterion (inherited), or, an "all of" without
   either, by each of its children (the decision rules then look at the
   failing children, exec.c failing_tags)? */
static int classified(Review *r, const pol_Node *cl, uint32_t inherited)
{
  uint32_t own = cl->tagbits & (r->doc | r->clin);
  int ok = 1;
  if (own == (r->doc | r->clin) && r->doc && r->clin) {
    if (r->report)
      pol_error(&r->c->diag, cl->span, "E0354", "criterion %s is tagged both documentation and clinical: "
                "it is one or the other", cl->str);
    return 0;
  }
  if (own && inherited && own != inherited) {
    if (r->report)
      pol_error(&r->c->diag, cl->span, "E0355", "criterion %s is tagged %s inside a criterion tagged %s",
                cl->str, own == r->doc ? "documentation" : "clinical",
                own == r->doc ? "clinical" : "documentation");
    ok = 0;
  }
  uint32_t eff = own ? own : inherited;
  if (cl->op == C_LEAF) {
    if (!eff && r->report)
      pol_error(&r->c->diag, cl->span, "E0353", "criterion %s is tagged neither 'documentation' (a "
                "missing record) nor 'clinical' (a finding that fails it)", cl->str);
    return ok && eff;
  }
  if (!eff && cl->op != C_ALL) {
    if (r->report)
      pol_error(&r->c->diag, cl->span, "E0353", "criterion %s (any of / at least) is tagged neither "
                "'documentation' nor 'clinical': tag it, its children follow", cl->str);
    ok = 0;
  }
  for (const pol_Node *k = cl->b; k; k = k->next) ok &= classified(r, k, eff);
  return ok;
}

static int clauses_classified(Review *r, const pol_Node *list, int *n)
{
  int ok = 1;
  for (const pol_Node *cl = list; cl; cl = cl->next) {
    if (cl->kind == N_FOREACH) ok &= clauses_classified(r, cl->args, n);
    else if (cl->kind == N_CRITERION) { ok &= classified(r, cl, 0); ++*n; }
  }
  return ok;
}

static pol_Node *rule_node(pol_Compiler *c, pol_Span sp, const char *outcome, pol_Node *cond)
{
  pol_Node *r = pol_node(c->arena, N_RULE, sp);
  r->str = outcome;
  r->a = cond;
  return r;
}

static pol_Node *dcond_node(pol_Compiler *c, pol_Span sp, const char *word, const char *tag, int op)
{
  pol_Node *d = pol_node(c->arena, N_DCOND, sp);
  d->op = op;
  d->str = tag ? tag : word;
  d->text = tag ? word : NULL;
  return d;
}

/* The review flow: a policy that says `decision review`, every criterion
   of which must be classified documentation or clinical, is decided as a
   utilization-management department works (docs/language.md):
     deny when any failed tagged clinical     (if a criterion is clinical)
     loi when failed                          (if one is documentation)
     pend when unknown
     approve otherwise
   written into the syntax tree as if the policy said it, so the code
   generator, the reference evaluator and `polc doc` all follow it. */
static void review_flow(pol_Compiler *c, pol_PolicyUnit *u)
{
  pol_Node *dec = u->decision && u->decision->str && strcmp(u->decision->str, "review") == 0
                 ? u->decision : NULL;
  Review r = {c, 0, 0, c->require_review_tags || dec};
  if (!r.report) return;
  for (int i = 0; i < u->ntags; i++) {
    if (strcmp(u->tags[i], "documentation") == 0) r.doc = 1u << i;
    if (strcmp(u->tags[i], "clinical") == 0) r.clin = 1u << i;
  }
  int ok = 1, n = 0;
  for (pol_Node *it = u->src->items; it; it = it->next)
    if (it->kind == N_BRANCH) ok &= clauses_classified(&r, it->args, &n);
  if (!ok || !dec) return;
  pol_Span sp = dec->span;
  dec->flags = POL_DECISION_REVIEW_FLOW;
  dec->args = NULL;
  if (r.clin)
    pol_list_append(&dec->args, rule_node(c, sp, "deny", dcond_node(c, sp, "failed", "clinical",
                                                                     D_ANY_FAILED_TAG)));
  if (r.doc) pol_list_append(&dec->args, rule_node(c, sp, "loi", dcond_node(c, sp, "failed", NULL, -1)));
  pol_list_append(&dec->args, rule_node(c, sp, "pend", dcond_node(c, sp, "unknown", NULL, -1)));
  pol_list_append(&dec->args, rule_node(c, sp, "approve", NULL));
  check_rules(c, u, dec);
}

/* `otherwise OUTCOME ["TEXT"]`: what a line gets when every branch
   condition is false.  Approve is not an outcome here: a line the policy's
   branches do not describe is never approved unseen. */
static void check_otherwise(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *o)
{
  if (u->otherwise) {
    pol_error(&c->diag, o->span, "E0339", "a policy has one 'otherwise'");
    return;
  }
  u->otherwise = o;
  int k = pol_outcome(o->str);
  if (k != PO_DENY && k != PO_PEND && k != PO_REFER)
    pol_error(&c->diag, o->span, "E0338", "'otherwise' takes deny, refer or pend, not '%s'", o->str);
}

static int header_str(pol_Compiler *c, pol_Node *h, const char **out)
{
  if (!h->args || h->args->next || h->args->kind != N_STR) {
    pol_error(&c->diag, h->span, "E0301", "'%s' takes one string", h->str);
    return -1;
  }
  *out = h->args->str;
  return 0;
}

static void check_header(pol_Compiler *c, pol_PolicyUnit *u)
{
  pol_Node *p = u->header;
  u->id = p->str;
  int has_effective = 0;
  for (pol_Node *h = p->args; h; h = h->next) {
    for (pol_Node *g = p->args; g != h; g = g->next)
      if (strcmp(g->str, h->str) == 0) {
        pol_error(&c->diag, h->span, "E0306", "policy field '%s' is given twice", h->str);
        break;
      }
    has_effective |= strcmp(h->str, "effective") == 0;
    if (strcmp(h->str, "title") == 0) header_str(c, h, &u->title);
    else if (strcmp(h->str, "version") == 0) header_str(c, h, &u->version);
    else if (strcmp(h->str, "source") == 0) header_str(c, h, &u->source);
    else if (strcmp(h->str, "effective") == 0) {
      if (!h->args || h->args->next || h->args->kind != N_DATE)
        pol_error(&c->diag, h->span, "E0302", "'effective' takes one date, e.g. 2025-08-01");
      else
        u->effective = h->args->ival;
    } else if (strcmp(h->str, "codes") == 0) {
      for (pol_Node *v = h->args; v; v = v->next)
        if (v->kind != N_STR && v->kind != N_VSITEM)
          pol_error(&c->diag, v->span, "E0303", "a code is a string, e.g. \"27279\"");
      u->codes = h->args;
      u->route = pol_codes_compile(c, &u->scope, u->codes, &u->codes_all);
    } else if (strcmp(h->str, "plans") == 0) {
      for (pol_Node *v = h->args; v; v = v->next)
        if (v->kind != N_STR)
          pol_error(&c->diag, v->span, "E0303", "a plan is a string, e.g. \"commercial-ppo\"");
      u->plans = h->args;
    } else {
      pol_error(&c->diag, h->span, "E0304",
                "unknown policy field '%s' (expected title, version, effective, codes, plans, source)", h->str);
    }
  }
  if (!u->title) pol_error(&c->diag, p->span, "E0305", "policy \"%s\" has no title", p->str);
  if (!u->version) pol_error(&c->diag, p->span, "E0305", "policy \"%s\" has no version", p->str);
  if (!u->codes) pol_error(&c->diag, p->span, "E0305", "policy \"%s\" covers no codes", p->str);
  if (!has_effective)
    pol_error(&c->diag, p->span, "E0305", "policy \"%s\" has no effective date", p->str);
  if (!u->source) u->source = "";
}

static int list_meets(const pol_Node *a, const pol_Node *b)
{
  for (; a; a = a->next)
    for (const pol_Node *x = b; x; x = x->next)
      if (strcmp(a->str, x->str) == 0) return 1;
  return 0;
}

/* Do two policies cover a code in common (exactly, by a range, a family
   or a value set)? */
static int codes_meet(const pol_PolicyUnit *a, const pol_PolicyUnit *b)
{
  if (a->codes_all && b->codes_all) return pol_vset_meet(a->codes_all, b->codes_all);
  return 0;   /* an error in a `codes` was reported */
}

/* Would two policies compete for the same line with nothing to choose? */
static int overlaps_routing(const pol_PolicyUnit *a, const pol_PolicyUnit *b)
{
  if (a->effective != b->effective || !codes_meet(a, b)) return 0;
  if (!a->plans && !b->plans) return 1;
  return a->plans && b->plans && list_meets(a->plans, b->plans);
}

/* The criterion ids of one policy: an open-addressing hash table (FNV-1a,
   linear probing, at most half full), so checking n ids is O(n). */
typedef struct IdSeen {
  pol_Node **slot;       /* NULL = empty */
  size_t len, cap;       /* cap: 0 or a power of two */
} IdSeen;

static uint32_t id_hash(const char *s) { return pol_fnv1a_str(s); }

/* Adds cl's id; returns the criterion that already has it, or NULL. */
static pol_Node *id_seen_add(IdSeen *seen, pol_Node *cl)
{
  if ((seen->len + 1) * 2 > seen->cap) {
    size_t ncap = seen->cap ? seen->cap * 2 : 64;
    pol_Node **ns = calloc(ncap, sizeof *ns);
    if (!ns) { fputs("polc: out of memory\n", stderr); abort(); }
    for (size_t i = 0; i < seen->cap; i++) {
      if (!seen->slot[i]) continue;
      size_t h = id_hash(seen->slot[i]->str) & (ncap - 1);
      while (ns[h]) h = (h + 1) & (ncap - 1);
      ns[h] = seen->slot[i];
    }
    free(seen->slot);
    seen->slot = ns;
    seen->cap = ncap;
  }
  size_t h = id_hash(cl->str) & (seen->cap - 1);
  for (; seen->slot[h]; h = (h + 1) & (seen->cap - 1))
    if (strcmp(seen->slot[h]->str, cl->str) == 0) return seen->slot[h];
  seen->slot[h] = cl;
  seen->len++;
  return NULL;
}

static void check_clause(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *cl, IdSeen *seen, int depth,
                         pol_Node *each);

static int tag_bit(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *t)
{
  for (int i = 0; i < u->ntags; i++)
    if (strcmp(u->tags[i], t->str) == 0) return i;
  if (u->ntags == 32) {
    pol_error(&c->diag, t->span, "E0317", "a policy uses at most 32 distinct tags");
    return -1;
  }
  u->tags[u->ntags] = t->str;
  return u->ntags++;
}

static void check_foreach(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *fe, IdSeen *seen, int depth,
                          pol_Node *each)
{
  if (each || depth > 0) {
    pol_error(&c->diag, fe->span, "E0318", "'for each' belongs directly in a branch, not nested");
    return;
  }
  Ctx x = {c, &u->scope, NULL, NULL};
  uint32_t t = check_expr(&x, fe->a);
  if (POL_TKIND(t) != PK_LIST) {
    if (POL_TKIND(t)) type_error(&x, fe->a, "'for each' needs a list", t);
    fe->type = T_NONE;
  } else {
    fe->type = POL_TYPE(POL_TELEM(t), 0, POL_TREC(t));
  }
  for (pol_Node *k = fe->args; k; k = k->next) {
    if (k->kind == N_STR) {
      pol_error(&c->diag, k->span, "E0362",
                "a 'next' statement belongs in a branch or at the top of a policy, not in a 'for each'");
      continue;
    }
    check_clause(c, u, k, seen, depth, fe);
  }
}

static void check_clause(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *cl, IdSeen *seen, int depth,
                         pol_Node *each)
{
  if (cl->kind == N_FOREACH) {
    check_foreach(c, u, cl, seen, depth, each);
    return;
  }
  if (id_seen_add(seen, cl))
    pol_error(&c->diag, cl->span, "E0310", "criterion id \"%s\" is used twice in this policy", cl->str);
  if (cl->str[0] == '\0') pol_error(&c->diag, cl->span, "E0311", "a criterion needs an id");
  if (depth > 16) {
    pol_error(&c->diag, cl->span, "E0312", "criteria nested more than 16 deep");
    return;
  }
  for (pol_Node *a = cl->args; a; a = a->next) {
    if (a->kind == N_STR && a->flags) {
      if (cl->next_step) pol_error(&c->diag, a->span, "E0313", "a criterion has at most one next step");
      cl->next_step = a->str;
    } else if (a->kind == N_STR) {
      if (cl->cite) pol_error(&c->diag, a->span, "E0313", "a criterion has at most one citation");
      cl->cite = a->str;
    } else {
      int bit = tag_bit(c, u, a);
      if (bit >= 0) cl->tagbits |= 1u << bit;
    }
  }
  if (cl->op == C_LEAF) {
    Ctx x = {c, &u->scope, NULL, each};
    uint32_t t = check_expr(&x, cl->a);
    if (POL_TKIND(t) && POL_TKIND(t) != PK_BOOL)
      type_error(&x, cl->a, "a criterion must be true or false", t);
    return;
  }
  int n = 0;
  for (pol_Node *k = cl->b; k; k = k->next, n++) {
    if (k->kind == N_STR) {
      pol_error(&c->diag, k->span, "E0362",
                "a 'next' statement belongs in a branch or at the top of a policy; a criterion's "
                "next step is written before its body: criterion \"ID\" \"TEXT\" next \"...\" { ... }");
      n--;
      continue;
    }
    if (k->flags & CF_EXCLUSION)
      pol_error(&c->diag, k->span, "E0314", "an exclusion cannot be nested inside a criterion");
    if (k->kind == N_FOREACH) {
      pol_error(&c->diag, k->span, "E0318", "'for each' belongs directly in a branch, not nested");
      continue;
    }
    check_clause(c, u, k, seen, depth + 1, each);
  }
  if (n == 0) pol_error(&c->diag, cl->span, "E0315", "criterion \"%s\" has no sub-criteria", cl->str);
  if (cl->op == C_ATLEAST && cl->ival > n)
    pol_error(&c->diag, cl->span, "E0316", "'at least %d of' but only %d sub-criteria", cl->ival, n);
}

/* The first fact of the request line (`line.` path) that expression x
   reads, through the lets it calls, or NULL.  depth bounds the walk (lets
   cannot recurse; the bound keeps a deep tree from exhausting the stack). */
static const pol_Node *line_fact_read(const pol_Node *x, int depth)
{
  if (!x || depth > POL_MAX_EXPR_DEPTH) return NULL;
  if ((x->kind == N_NAME || x->kind == N_CALL) && x->decl) {
    const pol_Node *d = x->decl;
    if (d->kind == N_FACT && d->path && strncmp(d->path, "line.", 5) == 0) return x;
    if (d->kind == N_LET) {
      const pol_Node *r = line_fact_read(d->a, depth + 1);
      if (r) return r;
    }
  }
  const pol_Node *kids[] = {x->a, x->b, x->c, x->d, x->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) {
    const pol_Node *r = line_fact_read(kids[i], depth + 1);
    if (r) return r;
  }
  if (x->kind == N_CALL || x->kind == N_SET || x->kind == N_ATLEAST)
    for (const pol_Node *k = x->args; k; k = k->next) {
      const pol_Node *r = line_fact_read(k, depth + 1);
      if (r) return r;
    }
  return NULL;
}

static const pol_Node *prereq_line_fact(const pol_Node *cl)
{
  if (cl->op == C_LEAF) return line_fact_read(cl->a, 0);
  for (const pol_Node *k = cl->b; k; k = k->next)
    if (k->kind == N_CRITERION) {
      const pol_Node *r = prereq_line_fact(k);
      if (r) return r;
    }
  return NULL;
}

/* A prerequisite (docs/language.md, "Prerequisites"): a criterion of the
   whole request, so it reads no fact of the request line; the branches it
   names are main branches of its policy. */
static void check_prerequisite(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *pr, IdSeen *seen)
{
  check_clause(c, u, pr, seen, 0, NULL);
  const pol_Node *lf = prereq_line_fact(pr);
  if (lf)
    pol_error(&c->diag, lf->span, "E0361",
              "prerequisite \"%s\" is judged once for the whole request, so it cannot read '%s', "
              "a fact of the request line (%s)", pr->str, lf->str, lf->decl->path);
  for (const pol_Node *g = pr->e; g; g = g->next) {
    int found = 0;
    for (const pol_Node *it = u->src->items; it && !found; it = it->next)
      found = it->kind == N_BRANCH && !it->path && strcmp(it->str, g->str) == 0;
    if (!found)
      pol_error(&c->diag, g->span, "E0360", "prerequisite \"%s\" governs branch \"%s\", but policy "
                "\"%s\" has no main branch of that id", pr->str, g->str, u->id);
  }
}

/* Units by policy id and by code, for the routing-conflict checks: two
   hash tables from a string to the units (indices, ascending) naming it. */
typedef struct PeerList {
  const char *key;
  int *units;
  int n, cap;
} PeerList;

typedef struct PeerTable {
  PeerList *slot;        /* key NULL = empty */
  size_t len, cap;
} PeerTable;

typedef struct Peers {
  PeerTable ids, codes;
  int *out;              /* peers_of's result */
  int nout, capout;
} Peers;

static PeerList *peer_list(PeerTable *p, const char *key, int create)
{
  if (create && (p->len + 1) * 2 > p->cap) {
    size_t ncap = p->cap ? p->cap * 2 : 256;
    PeerList *ns = calloc(ncap, sizeof *ns);
    if (!ns) { fputs("polc: out of memory\n", stderr); abort(); }
    for (size_t i = 0; i < p->cap; i++) {
      if (!p->slot[i].key) continue;
      size_t h = id_hash(p->slot[i].key) & (ncap - 1);
      while (ns[h].key) h = (h + 1) & (ncap - 1);
      ns[h] = p->slot[i];
    }
    free(p->slot);
    p->slot = ns;
    p->cap = ncap;
  }
  if (!p->cap) return NULL;
  size_t h = id_hash(key) & (p->cap - 1);
  for (; p->slot[h].key; h = (h + 1) & (p->cap - 1))
    if (strcmp(p->slot[h].key, key) == 0) return &p->slot[h];
  if (!create) return NULL;
  p->slot[h].key = key;
  p->len++;
  return &p->slot[h];
}

static void peer_push(PeerList *l, int unit)
{
  if (l->n > 0 && l->units[l->n - 1] == unit) return;   /* a code listed twice */
  GROW(l->units, l->n, l->cap);
  l->units[l->n++] = unit;
}

static void peers_add(Peers *p, const pol_PolicyUnit *u, int unit)
{
  peer_push(peer_list(&p->ids, u->id, 1), unit);
  for (const pol_Node *v = u->codes; v; v = v->next)
    if (v->kind == N_STR) peer_push(peer_list(&p->codes, v->str, 1), unit);
}

static void peers_collect(Peers *p, const PeerList *l)
{
  for (int k = 0; l && k < l->n; k++) {
    GROW(p->out, p->nout, p->capout);
    p->out[p->nout++] = l->units[k];
  }
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return x < y ? -1 : x > y;
}

/* The earlier units sharing u's id or one of its codes, ascending, each once. */
static int *peers_of(Peers *p, const pol_PolicyUnit *u, int *n)
{
  p->nout = 0;
  peers_collect(p, peer_list(&p->ids, u->id, 0));
  for (const pol_Node *v = u->codes; v; v = v->next)
    if (v->kind == N_STR) peers_collect(p, peer_list(&p->codes, v->str, 0));
  if (p->nout > 1) qsort(p->out, (size_t)p->nout, sizeof *p->out, cmp_int);
  int m = 0;
  for (int k = 0; k < p->nout; k++)
    if (m == 0 || p->out[m - 1] != p->out[k]) p->out[m++] = p->out[k];
  *n = m;
  return p->out;
}

static void peers_free(Peers *p)
{
  PeerTable *t[2] = {&p->ids, &p->codes};
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < t[k]->cap; i++) free(t[k]->slot[i].units);
    free(t[k]->slot);
  }
  free(p->out);
}

/* The fields of a branch's `authorize` block (docs/language.md,
   "Authorizations"): known names, each once, of the field's type; `per`
   with a quantity.  *mine gets the fields stated.  E0260-E0264. */
static void check_authorize(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *br, uint32_t *mine)
{
  Ctx x = {c, &u->scope, NULL, NULL};
  *mine = 0;
  for (pol_Node *fl = br->b; fl; fl = fl->next) {
    if ((fl->flags & (AF_PERIOD_TO | AF_PERIOD_FOR | AF_PERIOD_END)) && strcmp(fl->text, "period") != 0) {
      if (!(fl->flags & AF_PERIOD_END))
        pol_error(&c->diag, fl->span, "E0260", "'%s S %s E' is not a field of authorize: write "
                  "'period S to E' or 'period S for DURATION'", fl->text,
                  (fl->flags & AF_PERIOD_TO) ? "to" : "for");
      fl->index = -1;
      continue;
    }
    int f = pol_auth_find(fl->str);
    fl->index = f;
    if (f < 0) {
      pol_error(&c->diag, fl->span, "E0260", "'%s' is not a field of authorize (quantity, per, period, "
                "setting, inpatient_days, levels)%s", fl->str,
                strcmp(fl->str, "period") == 0 ? ": write 'period S to E' or 'period S for DURATION'" : "");
      continue;
    }
    if (*mine >> f & 1u) {
      pol_error(&c->diag, fl->span, "E0262", "authorize states '%s' twice", fl->str);
      continue;
    }
    *mine |= 1u << f;
    if (f == POL_AUTH_PER && fl->a->kind == N_STR && (fl->a->flags & POL_STR_CALENDAR)) {
      fl->a->type = T_STR;   /* `per calendar year`: shown as written */
      continue;
    }
    uint32_t t = check_expr(&x, fl->a);
    pol_Kind k = POL_TKIND(t), want = pol_auth_kind((uint32_t)f);
    int ok = k == PK_NONE || k == want ||
             (want == PK_LIST && (k == PK_SET || (k == PK_LIST && POL_TELEM(t) == PK_STR)));
    if (want == PK_LIST && k == PK_LIST && POL_TELEM(t) != PK_STR) ok = 0;
    if (!ok) {
      static const char *what[PK__COUNT] = {"?", "true or false", "a number", "a string", "a date",
                                            "a duration", "a window", "a set", "a list of strings",
                                            "a record"};
      char b[128];
      pol_error(&c->diag, fl->a->span, "E0261", "authorized %s must be %s, found %s",
                (fl->flags & AF_PERIOD_END) ? "period end" : fl->str, what[want],
                pol_type_name(c, t, b, sizeof b));
    }
  }
  if ((*mine >> POL_AUTH_PER & 1u) && !(*mine >> POL_AUTH_QUANTITY & 1u))
    pol_error(&c->diag, br->b->span, "E0264", "'per' is the period of a quantity: authorize a "
              "quantity too");
}

/* ---- FHIR bindings (docs/fhir.md) ------------------------------------- */

/* Does some fact read the case path t, or a path below it?  Line facts
   (`line.X`) are read from the items of request.procedures. */
static int fhir_target_known(pol_Compiler *c, const char *t)
{
  size_t n = strlen(t);
  if (strcmp(t, "request.procedures") == 0) return 1;
  for (int s = 0; s <= c->nunits; s++) {
    pol_Scope *sc = s == 0 ? &c->global : &c->units[s - 1]->scope;
    for (int i = 0; i < sc->n; i++) {
      const pol_Node *d = sc->decls[i];
      if (d->kind != N_FACT) continue;
      if (strncmp(d->path, t, n) == 0 && (d->path[n] == '\0' || d->path[n] == '.')) return 1;
    }
  }
  return 0;
}

static void check_fhir_map(pol_Compiler *c, const pol_Node *m)
{
  if (!m->text) return;
  if (strcmp(m->text, "age") == 0) {
    if (m->cite) pol_error(&c->diag, m->span, "E0391", "age(...) takes one element, a birth date");
  } else if (strcmp(m->text, "quantity") == 0) {
    if (!m->cite || !pol_fhir_unit_known(m->cite))
      pol_error(&c->diag, m->span, "E0391", "quantity(...) takes an element and a unit this "
                "compiler converts to (docs/fhir.md): %s", m->cite ? m->cite : "none given");
  } else if (strcmp(m->text, "info") == 0) {
    if (!m->cite) pol_error(&c->diag, m->span, "E0391", "info(...) takes an element and a category code");
  } else if (strcmp(m->text, "code") == 0) {
    if (!m->cite || (!strchr(m->cite, ':') && pol_code_system_find(m->cite) < 0))
      pol_error(&c->diag, m->span, "E0391", "code(...) takes an element and a code system: its URI, or "
                "a value-set system's name (procedure, cpt, hcpcs, rxnorm, ndc, icd10cm, loinc, snomed): %s",
                m->cite ? m->cite : "none given");
  } else if (strcmp(m->text, "diagnosis") == 0) {
    if (m->cite) pol_error(&c->diag, m->span, "E0391", "diagnosis(...) takes one element, the item's diagnosisSequence");
  } else {
    pol_error(&c->diag, m->span, "E0391", "unknown conversion '%s' (age, quantity, info, code, diagnosis)",
              m->text);
  }
}

/* `where ELEMENT in NAME`: the value set NAME, declared in any scope
   (a module's sets are the policies' too); NULL when there is none. */
static pol_Node *fhir_vset(pol_Compiler *c, const char *name, pol_Scope **in)
{
  for (int s = 0; s <= c->nunits; s++) {
    pol_Scope *sc = s == 0 ? &c->global : &c->units[s - 1]->scope;
    for (int i = 0; i < sc->n; i++)
      if (sc->decls[i]->kind == N_VALUESET && strcmp(sc->decls[i]->str, name) == 0) {
        *in = sc;
        return sc->decls[i];
      }
  }
  return NULL;
}

static void check_fhir(pol_Compiler *c, const pol_Node *b)
{
  if (!fhir_target_known(c, b->path))
    pol_error(&c->diag, b->span, "E0390", "no fact reads the case path '%s' that this binding fills",
              b->path);
  size_t n = strcspn(b->str, ".");
  char rt[64];
  snprintf(rt, sizeof rt, "%.*s", (int)(n < 63 ? n : 63), b->str);
  if (!pol_fhir_resource_known(rt))
    pol_error(&c->diag, b->span, "E0393", "'%s' is not a FHIR resource type the reader takes "
              "(docs/fhir.md)", rt);
  if (b->a && b->a->str) {
    pol_Scope *sc = NULL;
    pol_Node *vs = fhir_vset(c, b->a->str, &sc);
    if (!vs)
      pol_error(&c->diag, b->a->span, "E0370", "'%s' is not a value set: `where %s in` takes a "
                "value set's name or a list {\"system|code\", ...}", b->a->str, b->a->path);
    else if (pol_vset_compile(c, sc, vs))
      b->a->decl = vs;
  }
  if (b->a)
    for (const pol_Node *k = b->a->args; k; k = k->next)
      if (!strchr(k->str, '|'))
        pol_error(&c->diag, k->span, "E0394", "a code is written \"system|code\": %s", k->str);
  for (const pol_Node *m = b->args; m; m = m->next) {
    check_fhir_map(c, m);
    for (const pol_Node *o = b->args; o != m; o = o->next)
      if (m->str && o->str && strcmp(m->str, o->str) == 0)
        pol_error(&c->diag, m->span, "E0392", "field '%s' is bound twice", m->str);
  }
}

int pol_check(pol_Compiler *c)
{
  /* pass 1: records (global), module declarations, policy units */
  for (int f = 0; f < c->nfiles; f++) {
    pol_Source *s = c->files[f];
    for (pol_Node *it = s->items; it; it = it->next) {
      if (it->kind != N_RECORD) continue;
      if (pol_record_find(c, it->str, NULL)) {
        pol_error(&c->diag, it->span, "E0201", "record '%s' is already declared", it->str);
        continue;
      }
      GROW(c->records, c->nrecords, c->caprecords);
      c->records[c->nrecords++] = it;
    }
    pol_PolicyUnit *u = NULL;
    if (!s->is_module) {
      /* each unit its own allocation: its scope's address is kept (scope
         parents, N_LET.scope) while the table grows */
      u = calloc(1, sizeof *u);
      if (!u) { fputs("polc: out of memory\n", stderr); abort(); }
      GROW(c->units, c->nunits, c->capunits);
      c->units[c->nunits++] = u;
      u->src = s;
      u->file = (uint32_t)f;
      u->scope.parent = &c->global;
    }
    for (pol_Node *it = s->items; it; it = it->next) {
      pol_Scope *sc = u ? &u->scope : &c->global;
      switch (it->kind) {
      case N_FACT: case N_LET: case N_EXTERN: case N_VALUESET: case N_TABLE:
        it->scope = sc;
        scope_add(c, sc, it);
        break;
      case N_POLICY:
        if (!u) pol_error(&c->diag, it->span, "E0320", "a module cannot declare a policy");
        else if (u->header) pol_error(&c->diag, it->span, "E0321", "one policy per file");
        else u->header = it;
        break;
      case N_BRANCH:
        if (!u) pol_error(&c->diag, it->span, "E0320", "a module cannot declare branches");
        break;
      case N_OTHERWISE:
        if (!u) pol_error(&c->diag, it->span, "E0320", "a module cannot declare 'otherwise'");
        break;
      case N_CRITERION:
        if (!u) pol_error(&c->diag, it->span, "E0320", "a module cannot declare prerequisites");
        break;
      case N_STR:
        if (!u) pol_error(&c->diag, it->span, "E0320", "a module cannot declare next steps");
        break;
      case N_PLAN:
        check_plan(c, it);
        break;
      case N_IMPORT: case N_RECORD: case N_DECISION:
      case N_NUM: case N_DATE: case N_DUR: case N_BOOL: case N_SET: case N_WINDOW:
      case N_NAME: case N_IT: case N_FIELD: case N_CALL: case N_UNARY: case N_BINARY:
      case N_QUANT: case N_COVER: case N_ATLEAST: case N_IF: case N_HEADER: case N_PARAM: case N_TYPEREF: case N_GAP:
      case N_TAG: case N_FOREACH: case N_RULE: case N_DCOND: case N_AUTHFIELD:
      case N_VSITEM: case N_FHIR: case N_FHIRMAP:
      case N_UNKNOWN: case N_LOOKUP:
        break;
      }
    }
    if (u && !u->header) {
      pol_Span sp = {(uint32_t)f, 0, 0};
      pol_error(&c->diag, sp, "E0322", "no policy header: start the file with policy \"ID\" { ... }");
    }
  }
  if (c->nrecords > 0xffff) {
    pol_Span sp = {0, 0, 0};
    pol_error(&c->diag, sp, "E0323", "too many record types");
    return c->diag.nerrors;
  }
  /* pass 2: types of record fields, facts, externs */
  for (int r = 0; r < c->nrecords; r++) {
    for (pol_Node *fl = c->records[r]->args; fl; fl = fl->next) {
      fl->type = resolve_type(c, fl->tref);
      for (pol_Node *g = c->records[r]->args; g != fl; g = g->next)
        if (strcmp(g->str, fl->str) == 0)
          pol_error(&c->diag, fl->span, "E0201", "field '%s' is declared twice", fl->str);
    }
  }
  /* scope 0 is the global one, scope s > 0 that of unit s - 1 */
  int nscopes = 1 + c->nunits;
#define SCOPE(s) ((s) == 0 ? &c->global : &c->units[(s) - 1]->scope)
  for (int s = 0; s < nscopes; s++) {
    for (int i = 0; i < SCOPE(s)->n; i++) {
      pol_Node *d = SCOPE(s)->decls[i];
      if (d->kind == N_FACT) {
        d->type = resolve_type(c, d->tref);
        if (POL_TKIND(d->type) == PK_REC || POL_TKIND(d->type) == PK_WIN ||
            POL_TKIND(d->type) == PK_DUR || POL_TKIND(d->type) == PK_SET)
          pol_error(&c->diag, d->tref->span, "E0214", "a fact is a bool, number, string, date or list");
      } else if (d->kind == N_EXTERN) {
        d->type = resolve_type(c, d->tref);
        int np = 0;
        for (pol_Node *p = d->args; p; p = p->next, np++) {
          p->type = resolve_type(c, p);
          pol_Kind k = POL_TKIND(p->type);
          if (k && k != PK_BOOL && k != PK_NUM && k != PK_STR && k != PK_DATE)
            pol_error(&c->diag, p->span, "E0240", "an extern takes bool, number, string or date");
        }
        pol_Kind k = POL_TKIND(d->type);
        if (k && k != PK_BOOL && k != PK_NUM && k != PK_STR && k != PK_DATE)
          pol_error(&c->diag, d->tref->span, "E0240", "an extern returns bool, number, string or date");
        if (np > POL_MAX_ARGS)
          pol_error(&c->diag, d->span, "E0241", "an extern takes at most %d arguments", POL_MAX_ARGS);
        /* the rule polvm's verifier applies (vm/verify.c) */
        if (!pol_extern_lib_name_ok(d->text))
          pol_error(&c->diag, d->span, "E0242",
                    "extern library \"%s\" must be a plain file name (letters, digits, '.', '_', '-'; "
                    "not starting with '.' or '-'; at most %d bytes): polvm loads it by that name "
                    "from an --allow-extern directory only", d->text, POL_EXTERN_LIB_NAME_MAX);
      }
    }
  }
  /* pass 3: lets (also those no criterion uses), headers, branches */
  for (int s = 0; s < nscopes; s++)
    for (int i = 0; i < SCOPE(s)->n; i++)
      if (SCOPE(s)->decls[i]->kind == N_LET) check_let(c, SCOPE(s)->decls[i]);
      else if (SCOPE(s)->decls[i]->kind == N_VALUESET)
        pol_vset_compile(c, SCOPE(s), SCOPE(s)->decls[i]);
      else if (SCOPE(s)->decls[i]->kind == N_TABLE)
        check_table(c, SCOPE(s)->decls[i]);
#undef SCOPE
  Peers peers;
  memset(&peers, 0, sizeof peers);
  int nranged = 0;   /* units so far whose `codes` have ranges */
  for (int i = 0; i < c->nunits; i++) {
    pol_PolicyUnit *u = c->units[i];
    if (!u->header) continue;
    check_header(c, u);
    /* the earlier units that share u's id or one of its codes, in order:
       the only ones that can conflict with it (a scan of every earlier
       unit made 1000 files cost half a million comparisons) */
    int nc = 0;
    int *cand = peers_of(&peers, u, &nc);
    for (int k = 0; k < nc; k++) {
      int j = cand[k];
      pol_PolicyUnit *o = c->units[j];
      if (!o->header) continue;
      if (strcmp(o->id, u->id) == 0 && o->effective == u->effective)
        pol_error(&c->diag, u->header->span, "E0324",
                  "policy \"%s\" is defined twice with the same effective date (versions differ by date)", u->id);
      else if (overlaps_routing(o, u))
        pol_error(&c->diag, u->header->span, "E0326",
                  "policies \"%s\" and \"%s\" cover the same code for the same plans from the same date: "
                  "a line could not be routed", o->id, u->id);
    }
    /* a policy with ranges may meet any other: those pairs are compared
       one by one (policies with ranges are few; the rest keep the index) */
    for (int j = 0; j < i && (u->route || nranged); j++) {
      pol_PolicyUnit *o = c->units[j];
      if (!o->header || (!u->route && !o->route)) continue;
      int seen_already = 0;
      for (int k = 0; k < nc && !seen_already; k++) seen_already = cand[k] == j;
      if (!seen_already && overlaps_routing(o, u))
        pol_error(&c->diag, u->header->span, "E0326",
                  "policies \"%s\" and \"%s\" cover the same code for the same plans from the same date: "
                  "a line could not be routed", o->id, u->id);
    }
    nranged += u->route != NULL;
    peers_add(&peers, u, i);
    IdSeen seen = {NULL, 0, 0};
    int nbranches = 0, nassess = 0;
    uint32_t main_auth = 0, assess_auth = 0;   /* fields authorized so far */
    for (pol_Node *it = u->src->items; it; it = it->next)
      if (it->kind == N_CRITERION) check_prerequisite(c, u, it, &seen);
    for (pol_Node *it = u->src->items; it; it = it->next) {
      if (it->kind != N_BRANCH) continue;
      nbranches += it->path == NULL;
      if (it->path && ++nassess == POL_MAX_ASPECTS + 1)
        pol_error(&c->diag, it->span, "E0337", "a policy has at most %d 'assess' blocks", POL_MAX_ASPECTS);
      Ctx x = {c, &u->scope, NULL, NULL};
      expect(&x, it->a, PK_BOOL, "a branch condition must be true or false");
      int foreach = 0;
      for (pol_Node *cl = it->args; cl; cl = cl->next) {
        if (cl->kind == N_STR) continue;   /* a `next` step of the branch */
        if (cl->kind == N_FOREACH && foreach++)
          pol_error(&c->diag, cl->span, "E0319", "a branch has at most one 'for each'");
        if (cl->kind == N_FOREACH && it->path)
          pol_error(&c->diag, cl->span, "E0319", "an 'assess' block cannot hold 'for each'");
        check_clause(c, u, cl, &seen, 0, NULL);
      }
      if (it->b) {
        /* a field comes from the main branch that judges the line or
           from one assess block, never from both: each line's
           authorization has one source per field */
        uint32_t mine = 0;
        check_authorize(c, u, it, &mine);
        for (pol_Node *fl = it->b; fl; fl = fl->next) {
          if (fl->index < 0) continue;
          uint32_t bit = 1u << fl->index;
          if ((it->path ? (main_auth | assess_auth) : assess_auth) & bit)
            pol_error(&c->diag, fl->span, "E0263", "'%s' is authorized by %s too: a field is stated "
                      "by the main branches or by one assess block", pol_auth_name((uint32_t)fl->index),
                      it->path ? "another branch or assess block" : "an assess block");
        }
        if (it->path) assess_auth |= mine;
        else main_auth |= mine;
      }
    }
    free(seen.slot);
    for (pol_Node *it = u->src->items; it; it = it->next) {
      if (it->kind == N_DECISION) check_decision(c, u, it);
      if (it->kind == N_OTHERWISE) check_otherwise(c, u, it);
    }
    if (nbranches == 0)
      pol_error(&c->diag, u->header->span, "E0325", "policy \"%s\" has no branch", u->id);
    review_flow(c, u);
  }
  peers_free(&peers);
  for (int f = 0; f < c->nfiles; f++)
    for (pol_Node *it = c->files[f]->items; it; it = it->next)
      if (it->kind == N_FHIR) check_fhir(c, it);
  return c->diag.nerrors;
}
