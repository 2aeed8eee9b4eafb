/*
 * doc.c -- `polc doc`: a policy as a clinician-readable checklist.
 *
 * The policy is loaded and checked as for compiling (names resolved,
 * types known), then written as Markdown or as one standalone HTML page
 * (inline CSS, no scripts, no external resources): the header; how a
 * line is decided; per branch the condition that selects it, the
 * criteria tree (ids, text, combinator in words), each leaf's logic in
 * English, citations, tags and next steps; the exclusions; per-item
 * (`for each`) criteria; `assess` blocks; and the definitions (lets) the
 * logic refers to.
 *
 * The English is produced from the checked tree by `en`: comparisons keep
 * their thresholds (constant calls such as months(6) are folded), counts
 * read "at least 2 injections on different dates where ...", coverage
 * reads "at least 182 days (6 months) within the past 12 months covered
 * by therapies where ...".  Lets whose value is a set, a window or a
 * constant are written in place; other value lets are referred to by
 * name and defined once at the end; lets with parameters are expanded
 * with their arguments.
 *
 * Text is built in a rich-text buffer with a few control bytes (RT_*)
 * for code values, data names and definition references, and escaped for
 * the output format only when written.  Everything allocated here lives
 * in the compile's arena or in Bufs freed before returning.
 */
#include "fmt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "../vm/output.h"
#include "../vm/util.h"
#include "../vm/codes.h"

/* rich text: code `x`; a data name (title \x1f display); a let reference */
#define RT_CODE    '\x02'
#define RT_CODE_END '\x03'
#define RT_NAME    '\x04'
#define RT_SEP     '\x1f'
#define RT_NAME_END '\x05'
#define RT_DEF     '\x06'
#define RT_DEF_END '\x07'
#define RT_B       '\x0e'   /* strong */
#define RT_B_END   '\x0f'


typedef struct D {
  pol_Compiler *c;
  pol_PolicyUnit *u;
  int html;
  pol_Buf out;
  pol_Node *defs[512];   /* value lets referred to, in order of first use */
  int ndefs;
} D;

/* ---- words ----------------------------------------------------------------- */

/* "pain_nrs" -> "pain NRS", "relief_pct" -> "relief %". */
static void humanize(pol_Buf *b, const char *name)
{
  static const char *const abbr[][2] = {
    {"sij", "SIJ"}, {"nrs", "NRS"}, {"ct", "CT"}, {"mri", "MRI"}, {"cpt", "CPT"}, {"l5", "L5"},
    {"bmi", "BMI"}, {"pct", "%"}, {"id", "ID"}, {"loc", "LOC"}, {"pt", "PT"}, {"icd", "ICD"},
    {"hcpcs", "HCPCS"}, {"ot", "OT"}, {"nsaid", "NSAID"}, {"esi", "ESI"}, {"odi", "ODI"}
  };
  const char *p = name;
  int first = 1;
  while (*p) {
    const char *e = strchr(p, '_');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n > 0) {
      if (!first) pol_buf_putc(b, ' ');
      first = 0;
      const char *rep = NULL;
      for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
        if (strlen(abbr[i][0]) == n && strncmp(abbr[i][0], p, n) == 0) rep = abbr[i][1];
      if (rep) pol_buf_puts(b, rep);
      else pol_buf_put(b, p, n);
    }
    if (!e) break;
    p = e + 1;
  }
}

static char *human(D *d, const char *name)
{
  pol_Buf b = {0};
  humanize(&b, name);
  char *s = pol_arena_strndup(d->c->arena, b.s ? b.s : "", b.n);
  free(b.s);
  return s;
}

static int ends_with(const char *s, const char *t)
{
  size_t a = strlen(s), b = strlen(t);
  return a >= b && strcmp(s + a - b, t) == 0;
}

/* The singular of an English plural (well enough for data names). */
static char *singular(D *d, const char *w)
{
  size_t n = strlen(w);
  if (ends_with(w, "ies") && n > 3) {
    char *s = pol_arena_alloc(d->c->arena, n);
    memcpy(s, w, n - 3);
    strcpy(s + n - 3, "y");
    return s;
  }
  if (ends_with(w, "ss") || ends_with(w, "sis") || !ends_with(w, "s"))
    return pol_arena_strndup(d->c->arena, w, n);
  return pol_arena_strndup(d->c->arena, w, n - 1);
}

static char *plural(D *d, const char *w)
{
  size_t n = strlen(w);
  char *s = pol_arena_alloc(d->c->arena, n + 3);
  if (n > 1 && w[n - 1] == 'y' && !strchr("aeiou", w[n - 2])) {
    memcpy(s, w, n - 1);
    strcpy(s + n - 1, "ies");
  } else if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "sh") || ends_with(w, "ch")) {
    memcpy(s, w, n);
    strcpy(s + n, "es");
  } else {
    memcpy(s, w, n);
    strcpy(s + n, "s");
  }
  return s;
}

static void code(pol_Buf *b, const char *s)
{
  pol_buf_putc(b, RT_CODE);
  pol_buf_puts(b, s);
  pol_buf_putc(b, RT_CODE_END);
}

/* A value set in words: its name, title and system, then its items (the
   first 12: a payer's set may hold thousands), e.g. `RA_DX` (Rheumatoid
   arthritis, ICD-10-CM: `M05.*`, `M06.0` to `M06.9`, except `M06.4`). */
static void vset_items(pol_Buf *b, const pol_Node *items, int depth, int max);

static void vset_en(pol_Buf *b, const pol_Node *vs, int depth)
{
  code(b, vs->str);
  pol_buf_puts(b, " (");
  if (vs->text && *vs->text) pol_buf_printf(b, "%s, ", vs->text);
  int sys = pol_code_system_find(vs->path);
  pol_buf_printf(b, "%s: ", sys >= 0 ? pol_code_system_title((uint32_t)sys) : vs->path);
  vset_items(b, vs->args, depth, 12);
  pol_buf_putc(b, ')');
}

static void vset_items(pol_Buf *b, const pol_Node *items, int depth, int max)
{
  int k = 0, n = 0;
  for (const pol_Node *it = items; it; it = it->next) n++;
  for (const pol_Node *it = items; it && k < max; it = it->next, k++) {
    if (k) pol_buf_puts(b, ", ");
    if (it->flags & VS_EXCEPT) pol_buf_puts(b, "except ");
    if ((it->flags & VS_NAME) && depth < 2 && it->decl) {
      vset_en(b, it->decl, depth + 1);
    } else {
      code(b, it->str);
      if (it->text) {
        pol_buf_puts(b, " to ");
        code(b, it->text);
      }
    }
  }
  if (n > max) pol_buf_printf(b, ", and %d more", n - max);
}

static void dname(pol_Buf *b, const char *title, const char *display)
{
  pol_buf_putc(b, RT_NAME);
  pol_buf_puts(b, title ? title : "");
  pol_buf_putc(b, RT_SEP);
  pol_buf_puts(b, display);
  pol_buf_putc(b, RT_NAME_END);
}

static void num(pol_Buf *b, pol_Dec v)
{
  char t[POL_DEC_BUFSIZE];
  pol_dec_format(v, t);
  pol_buf_puts(b, t);
}

static void date_text(pol_Buf *b, int32_t days)
{
  char buf[16];
  pol_format_date(days, buf);
  pol_buf_puts(b, buf);
}

/* ---- English for expressions ----------------------------------------------- */

/* Arguments of the let with parameters being expanded. */
typedef struct Env {
  const struct Env *up;
  pol_Node *args;            /* the call's arguments */
  const struct Env *argenv;  /* where the arguments are read */
} Env;

/* Enclosing quantifiers, for `it`. */
typedef struct Q {
  const struct Q *up;
  const char *noun;
} Q;

/* contexts: operand of `and`, of `or`, not the last operand, operand of an operator */
enum { CX_AND = 1, CX_OR = 2, CX_NOTLAST = 4, CX_OPND = 8, CX_ARITH = 16 };

static void en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q, int cx);

static int from_module(D *d, const pol_Node *decl)
{
  return decl && (int)decl->span.file < d->c->nfiles && d->c->files[decl->span.file]->is_module;
}

/* A call of a stdlib window / month function by name. */
static int std_call(D *d, const pol_Node *n, const char *name)
{
  return n->kind == N_CALL && n->res == R_LET && from_module(d, n->decl) && strcmp(n->str, name) == 0;
}

static pol_Node *arg_of(const Env *env, int i, const Env **argenv)
{
  pol_Node *a = env ? env->args : NULL;
  for (int k = 0; a && k < i; k++) a = a->next;
  *argenv = env ? env->argenv : NULL;
  return a;
}

/* Folds a numeric constant (literals, arithmetic, floor, lets with
   constant arguments), with the VM's arithmetic.  1 and *v on success;
   0 for x / 0 and a result out of range, which the VM does not fold either. */
static int fold(D *d, pol_Node *n, const Env *env, pol_Dec *v, int depth)
{
  pol_Dec a, b;
  if (depth > 32) return 0;
  switch (n->kind) {
  case N_NUM: *v = n->num; return 1;
  case N_UNARY:
    if (n->op != O_NEG || !fold(d, n->a, env, &a, depth + 1)) return 0;
    *v = -a;   /* the range is symmetric */
    return 1;
  case N_BINARY:
    if (n->op < O_ADD || !fold(d, n->a, env, &a, depth + 1) || !fold(d, n->b, env, &b, depth + 1)) return 0;
    switch (n->op) {
    case O_ADD: return pol_dec_add(a, b, v) == POL_DEC_OK;
    case O_SUB: return pol_dec_sub(a, b, v) == POL_DEC_OK;
    case O_MUL: return pol_dec_mul(a, b, v) == POL_DEC_OK;
    case O_DIV: return b != 0 && pol_dec_div(a, b, v) == POL_DEC_OK;
    default: return 0;
    }
  case N_NAME:
    if (n->res == R_PARAM) {
      const Env *ae;
      pol_Node *arg = arg_of(env, n->index, &ae);
      return arg && fold(d, arg, ae, v, depth + 1);
    }
    if (n->res == R_LET && n->decl && n->decl->a) return fold(d, n->decl->a, NULL, v, depth + 1);
    return 0;
  case N_CALL:
    if (n->res == R_BUILTIN && n->index == B_FLOOR) {
      return fold(d, n->args, env, &a, depth + 1) && pol_dec_floor(a, v) == POL_DEC_OK;
    }
    if (n->res == R_LET && n->decl) {
      Env e = {env, n->args, env};
      return fold(d, n->decl->a, &e, v, depth + 1);
    }
    return 0;
  case N_STR: case N_DATE: case N_DUR: case N_BOOL: case N_SET: case N_WINDOW: case N_IT:
  case N_FIELD: case N_QUANT: case N_COVER: case N_ATLEAST: case N_IF: case N_POLICY: case N_HEADER: case N_GAP:
  case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF: case N_FACT: case N_LET:
  case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG: case N_FOREACH: case N_DECISION:
  case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE: case N_UNKNOWN: case N_LOOKUP:
    return 0;   /* not a constant */
  }
  return 0;
}

/* The set literal a name or parameter stands for, if any. */
static pol_Node *set_of(pol_Node *n, const Env *env)
{
  for (int guard = 0; guard < 32; guard++) {
    if (n->kind == N_SET) return n;
    if (n->kind == N_NAME && n->res == R_LET && n->decl && !n->decl->args) { n = n->decl->a; env = NULL; continue; }
    if (n->kind == N_NAME && n->res == R_PARAM) {
      const Env *ae;
      n = arg_of(env, n->index, &ae);
      if (!n) return NULL;
      env = ae;
      continue;
    }
    return NULL;
  }
  return NULL;
}

static void set_items(pol_Buf *b, const pol_Node *set, const char *last_word)
{
  for (const pol_Node *s = set->args; s; s = s->next) {
    if (s != set->args) pol_buf_puts(b, s->next ? ", " : last_word);
    code(b, s->str);
  }
}

/* Whether a value let is written in place rather than referred to. */
static int inline_let(D *d, const pol_Node *let)
{
  const pol_Node *v = let->a;
  switch (v->kind) {
  case N_SET: case N_WINDOW: case N_NUM: case N_STR: case N_DATE: case N_DUR: case N_BOOL: case N_NAME:
    return 1;
  case N_CALL:
    return std_call(d, v, "past") || std_call(d, v, "before_service") || std_call(d, v, "months");
  case N_IT: case N_FIELD: case N_UNARY: case N_BINARY: case N_QUANT: case N_COVER: case N_ATLEAST:
  case N_IF: case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF: case N_GAP:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE: case N_UNKNOWN: case N_LOOKUP:
    return 0;
  }
  return 0;
}

static void def_ref(D *d, pol_Buf *b, pol_Node *let)
{
  int known = 0;
  for (int i = 0; i < d->ndefs; i++) known |= d->defs[i] == let;
  if (!known && d->ndefs < (int)(sizeof d->defs / sizeof d->defs[0])) d->defs[d->ndefs++] = let;
  pol_buf_putc(b, RT_DEF);
  pol_buf_puts(b, let->str);
  pol_buf_putc(b, RT_DEF_END);
}

/* The noun for an item of a list expression: its record's name, else the
   singular of the list's name. */
static const char *noun_of(D *d, pol_Node *list)
{
  uint32_t t = list->type;
  if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && POL_TREC(t) < (uint32_t)d->c->nrecords) {
    char *s = human(d, d->c->records[POL_TREC(t)]->str);
    for (char *p = s; *p; p++) if (*p >= 'A' && *p <= 'Z' && (p == s || p[1] < 'A' || p[1] > 'Z')) *p = (char)(*p - 'A' + 'a');
    return s;
  }
  const char *name = list->kind == N_NAME ? list->str : list->kind == N_FIELD ? list->str : "item";
  return singular(d, human(d, name));
}

/* "injection", "imaging study", "prior surgery", "finding of s" (plural: "injections", ...) */
static void subject(D *d, pol_Buf *b, pol_Node *list, const char *binder, int many, const Env *env, const Q *q)
{
  const char *noun = noun_of(d, list);
  const char *lname = list->kind == N_NAME || list->kind == N_FIELD ? human(d, list->str) : NULL;
  const char *head = noun;
  if (lname) {
    const char *sing = singular(d, lname);
    if (strcmp(sing, noun) == 0 || ends_with(sing, noun)) head = sing;
    else {
      size_t n = strlen(lname) + strlen(noun) + 2;
      char *h = pol_arena_alloc(d->c->arena, n);
      snprintf(h, n, "%s %s", lname, noun);
      head = h;
    }
  } else if (list->kind != N_NAME) {
    pol_buf_puts(b, many ? plural(d, noun) : noun);
    pol_buf_puts(b, " in ");
    en(d, b, list, env, q, CX_OPND);
    if (binder) pol_buf_printf(b, " %s", binder);
    return;
  }
  pol_buf_puts(b, many ? plural(d, head) : head);
  if (binder) pol_buf_printf(b, " %s", binder);
  if (list->kind == N_FIELD) {
    pol_buf_puts(b, " of ");
    en(d, b, list->a, env, q, CX_OPND);
  }
}

static int is_chain(const pol_Node *n, int op)
{
  return n->kind == N_BINARY && n->op == op;
}

static void chain_ops(pol_Node *n, int op, pol_Node **v, int *nv, int cap)
{
  if (is_chain(n, op)) {
    chain_ops(n->a, op, v, nv, cap);
    chain_ops(n->b, op, v, nv, cap);
  } else if (*nv < cap) {
    v[(*nv)++] = n;
  }
}

/* exists L where it in S: the items of a list of strings against a set */
static pol_Node *it_in_set(pol_Node *quant, const Env *env)
{
  pol_Node *p = quant->b;
  if (!p || p->kind != N_BINARY || p->op != O_IN || p->a->kind != N_IT) return NULL;
  return set_of(p->b, env);
}

static void quant_en(D *d, pol_Buf *b, pol_Node *n, int op, const Env *env, const Q *q)
{
  Q inner = {q, noun_of(d, n->a)};
  pol_Node *set = (op == Q_EXISTS || op == Q_NO) ? it_in_set(n, env) : NULL;
  if (set && n->a->kind == N_NAME) {
    en(d, b, n->a, env, q, CX_OPND);
    pol_buf_puts(b, op == Q_EXISTS ? " include " : " include none of ");
    if (op == Q_EXISTS && set->args && set->args->next) pol_buf_puts(b, "any of ");
    set_items(b, set, " or ");
    return;
  }
  switch (op) {
  case Q_EXISTS: pol_buf_puts(b, "at least one "); break;
  case Q_NO: pol_buf_puts(b, "no "); break;
  case Q_EVERY: pol_buf_puts(b, "for every "); break;
  case Q_FIRST: pol_buf_puts(b, "the first of "); break;
  case Q_COUNT: pol_buf_puts(b, "the number of "); break;
  case Q_SUM:
    pol_buf_puts(b, "the sum of ");
    en(d, b, n->c, env, &inner, CX_OPND);
    pol_buf_puts(b, " over ");
    break;
  case Q_LATEST: case Q_EARLIEST:
    en(d, b, n->c, env, &inner, CX_OPND);
    pol_buf_puts(b, op == Q_LATEST ? " of the latest of " : " of the earliest of ");
    break;
  default:
    pol_buf_puts(b, "the number of different ");
    if (n->c->kind == N_NAME) pol_buf_puts(b, plural(d, human(d, n->c->str)));
    else en(d, b, n->c, env, &inner, CX_OPND);
    pol_buf_puts(b, " of ");
    break;
  }
  subject(d, b, n->a, n->str, op != Q_EXISTS && op != Q_EVERY && op != Q_NO, env, q);
  if (n->b) {
    /* "a study with at least one finding where ...", not "where at least one" */
    int with = op != Q_EVERY && n->b->kind == N_QUANT && n->b->op == Q_EXISTS && !it_in_set(n->b, env);
    pol_buf_puts(b, op == Q_EVERY ? ": " : with ? " with " : " where ");
    en(d, b, n->b, env, &inner, 0);
  }
  if ((op == Q_LATEST || op == Q_EARLIEST) && n->d) {
    pol_buf_puts(b, " (ordered by ");
    en(d, b, n->d, env, &inner, CX_OPND);
    pol_buf_putc(b, ')');
  }
}

/* "at least 2 injections on different dates where ...", from count OP k */
static void count_en(D *d, pol_Buf *b, pol_Node *cnt, int op, pol_Dec k, const Env *env, const Q *q)
{
  static const char *const words[] = {
    [O_EQ] = "exactly", [O_NE] = "a number other than", [O_LT] = "fewer than", [O_LE] = "at most",
    [O_GT] = "more than", [O_GE] = "at least"
  };
  pol_buf_printf(b, "%s ", words[op]);
  num(b, k);
  pol_buf_putc(b, ' ');
  subject(d, b, cnt->a, cnt->str, k != POL_DEC_SCALE, env, q);
  Q inner = {q, noun_of(d, cnt->a)};
  if (cnt->op == Q_COUNTD) {
    /* the key of a named item reads as a field: `i.date` as `date` */
    const pol_Node *key = cnt->str && cnt->c->kind == N_FIELD && cnt->c->a->kind == N_NAME &&
                          cnt->c->a->res == R_ITEM && cnt->c->a->depth == 0 ? cnt->c : NULL;
    if (key && strcmp(key->str, "date") == 0) pol_buf_puts(b, " on different dates");
    else if (key) pol_buf_printf(b, " with different %s", plural(d, human(d, key->str)));
    else if (cnt->c->kind == N_NAME && strcmp(cnt->c->str, "date") == 0) pol_buf_puts(b, " on different dates");
    else if (cnt->c->kind == N_NAME) pol_buf_printf(b, " with different %s", plural(d, human(d, cnt->c->str)));
    else {
      pol_buf_puts(b, " with different values of ");
      en(d, b, cnt->c, env, &inner, CX_OPND);
    }
  }
  if (cnt->b) {
    int with = cnt->b->kind == N_QUANT && cnt->b->op == Q_EXISTS && !it_in_set(cnt->b, env);
    pol_buf_puts(b, with ? " with " : " where ");
    en(d, b, cnt->b, env, &inner, 0);
  }
}

/* A window: "within the past 12 months", "between A and B" (prep), or
   "the past 12 months", "the days from A to B". */
static void window_en(D *d, pol_Buf *b, pol_Node *w, const Env *env, const Q *q, int prep)
{
  for (int guard = 0; guard < 32; guard++) {
    if (w->kind == N_NAME && w->res == R_LET && w->decl && !w->decl->args && inline_let(d, w->decl)) {
      w = w->decl->a;
      env = NULL;
      continue;
    }
    if (w->kind == N_NAME && w->res == R_PARAM) {
      const Env *ae;
      pol_Node *a = arg_of(env, w->index, &ae);
      if (!a) break;
      w = a;
      env = ae;
      continue;
    }
    break;
  }
  if (w->kind == N_WINDOW) {
    pol_buf_puts(b, prep ? "between " : "the period from ");
    en(d, b, w->a, env, q, CX_OPND);
    pol_buf_puts(b, prep ? " and " : " to ");
    en(d, b, w->b, env, q, CX_OPND);
    return;
  }
  if (prep) pol_buf_puts(b, "within ");
  en(d, b, w, env, q, CX_OPND);
}

/* A threshold in days: "182 days (6 months)". */
static void days_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q)
{
  pol_Dec v;
  if (std_call(d, n, "months") && fold(d, n, env, &v, 0)) {
    num(b, v);
    pol_buf_puts(b, " days (");
    en(d, b, n->args, env, q, CX_OPND);
    pol_buf_puts(b, " months)");
    return;
  }
  if (fold(d, n, env, &v, 0)) {
    num(b, v);
    pol_buf_puts(b, v == POL_DEC_SCALE ? " day" : " days");
    return;
  }
  en(d, b, n, env, q, CX_OPND);
  pol_buf_puts(b, " days");
}

static void cover_en(D *d, pol_Buf *b, pol_Node *n, int op, pol_Node *threshold, const Env *env, const Q *q,
                     const Env *tenv)
{
  static const char *const words[] = {
    [O_EQ] = "exactly", [O_NE] = "a number other than", [O_LT] = "fewer than", [O_LE] = "at most",
    [O_GT] = "more than", [O_GE] = "at least"
  };
  Q inner = {q, noun_of(d, n->b)};
  if (threshold) {
    pol_buf_printf(b, "%s ", words[op]);
    days_en(d, b, threshold, tenv, q);
    pol_buf_puts(b, n->op == COV_RUN ? " in a row " : " ");
  } else {
    pol_buf_puts(b, n->op == COV_RUN ? "the longest run of consecutive days " : "the number of days ");
  }
  window_en(d, b, n->a, env, q, 1);
  pol_buf_puts(b, " covered by ");
  subject(d, b, n->b, n->str, 1, env, q);
  if (n->c) {
    pol_buf_puts(b, " where ");
    en(d, b, n->c, env, &inner, 0);
  }
  pol_buf_puts(b, ", counting each from ");
  en(d, b, n->d, env, &inner, CX_OPND);
  pol_buf_puts(b, " to ");
  en(d, b, n->e, env, &inner, CX_OPND);
}

/* longest gap in W of K of L where P */
static void gap_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q)
{
  Q inner = {q, noun_of(d, n->b)};
  pol_buf_puts(b, "the longest gap in days between ");
  en(d, b, n->d, env, &inner, CX_OPND);
  pol_buf_puts(b, " of ");
  subject(d, b, n->b, n->str, 1, env, q);
  if (n->c) {
    pol_buf_puts(b, " where ");
    en(d, b, n->c, env, &inner, 0);
  }
  pol_buf_puts(b, " ");
  window_en(d, b, n->a, env, q, 1);
  pol_buf_puts(b, " (its first and last day counted as dates)");
}

static int is_date(const pol_Node *n) { return POL_TKIND(n->type) == PK_DATE; }
static int is_num(const pol_Node *n) { return POL_TKIND(n->type) == PK_NUM; }

static void compare_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q)
{
  pol_Dec k;
  pol_Node *l = n->a, *r = n->b;
  /* a count or a coverage, also behind lets with parameters */
  Env frames[16];
  const Env *le = env;
  for (int i = 0; i < 16; i++) {
    if (l->kind == N_CALL && l->res == R_LET && l->decl && !from_module(d, l->decl)) {
      frames[i] = (Env){le, l->args, le};
      le = &frames[i];
      l = l->decl->a;
    } else if (l->kind == N_NAME && l->res == R_PARAM) {
      const Env *ae;
      pol_Node *a = arg_of(le, l->index, &ae);
      if (!a) break;
      l = a;
      le = ae;
    } else {
      break;
    }
  }
  if (l->kind == N_QUANT && (l->op == Q_COUNT || l->op == Q_COUNTD) && fold(d, r, env, &k, 0)) {
    count_en(d, b, l, n->op, k, le, q);
    return;
  }
  if (l->kind == N_COVER) {
    cover_en(d, b, l, n->op, r, le, q, env);
    return;
  }
  l = n->a;
  if (POL_TKIND(l->type) == PK_BOOL && r->kind == N_BOOL && (n->op == O_EQ || n->op == O_NE)) {
    int truth = r->ival == (n->op == O_EQ);
    en(d, b, l, env, q, CX_OPND);
    pol_buf_puts(b, truth ? " is true" : " is false");
    return;
  }
  en(d, b, l, env, q, CX_OPND);
  const char *op;
  if (is_date(l)) {
    static const char *const dw[] = {
      [O_EQ] = " is ", [O_NE] = " is not ", [O_LT] = " is before ", [O_LE] = " is on or before ",
      [O_GT] = " is after ", [O_GE] = " is on or after "
    };
    op = dw[n->op];
  } else if (is_num(l)) {
    static const char *const nw[] = {
      [O_EQ] = " = ", [O_NE] = " \xe2\x89\xa0 ", [O_LT] = " < ", [O_LE] = " \xe2\x89\xa4 ",
      [O_GT] = " > ", [O_GE] = " \xe2\x89\xa5 "
    };
    op = nw[n->op];
  } else {
    op = n->op == O_EQ ? " is " : " is not ";
  }
  pol_buf_puts(b, op);
  if (is_num(l) && std_call(d, r, "months")) days_en(d, b, r, env, q);
  else en(d, b, r, env, q, CX_OPND);
}

static void binary_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q, int cx)
{
  switch (n->op) {
  case O_AND: case O_OR: {
    pol_Node *v[64];
    int nv = 0;
    chain_ops(n, n->op, v, &nv, 64);
    int paren = (cx & CX_OPND) || ((cx & CX_AND) && n->op == O_OR) || ((cx & CX_OR) && n->op == O_AND);
    if (paren) pol_buf_putc(b, '(');
    for (int i = 0; i < nv; i++) {
      if (i) pol_buf_puts(b, n->op == O_AND ? " and " : " or ");
      en(d, b, v[i], env, q, (n->op == O_AND ? CX_AND : CX_OR) | (i < nv - 1 ? CX_NOTLAST : 0));
    }
    if (paren) pol_buf_putc(b, ')');
    return;
  }
  case O_EQ: case O_NE: case O_LT: case O_LE: case O_GT: case O_GE:
    compare_en(d, b, n, env, q);
    return;
  case O_IN: case O_NOTIN: {
    int neg = n->op == O_NOTIN;
    if (n->b->res == R_VSET) {
      en(d, b, n->a, env, q, CX_OPND);
      pol_buf_puts(b, neg ? " is not in the value set " : " is in the value set ");
      vset_en(b, n->b->decl, 0);
      return;
    }
    pol_Node *set = set_of(n->b, env);
    if (set) {
      en(d, b, n->a, env, q, CX_OPND);
      if (set->args && !set->args->next) {
        pol_buf_puts(b, neg ? " is not " : " is ");
        code(b, set->args->str);
      } else {
        pol_buf_puts(b, neg ? " is none of " : " is one of ");
        set_items(b, set, neg ? " or " : " or ");
      }
      return;
    }
    en(d, b, n->b, env, q, CX_OPND);
    pol_buf_puts(b, neg ? " do not include " : " include ");
    en(d, b, n->a, env, q, CX_OPND);
    return;
  }
  case O_WITHIN:
    en(d, b, n->a, env, q, CX_OPND);
    pol_buf_puts(b, " is ");
    window_en(d, b, n->b, env, q, 1);
    return;
  case O_COALESCE:
    en(d, b, n->a, env, q, CX_OPND);
    pol_buf_puts(b, " (");
    en(d, b, n->b, env, q, CX_OPND);
    pol_buf_puts(b, " if unknown)");
    return;
  default: {
    static const char *const ar[] = {
      [O_ADD] = " + ", [O_SUB] = " \xe2\x88\x92 ", [O_MUL] = " \xc3\x97 ", [O_DIV] = " / "
    };
    if (cx & CX_ARITH) pol_buf_putc(b, '(');
    en(d, b, n->a, env, q, CX_OPND | CX_ARITH);
    pol_buf_puts(b, ar[n->op]);
    en(d, b, n->b, env, q, CX_OPND | CX_ARITH);
    if (cx & CX_ARITH) pol_buf_putc(b, ')');
    return;
  }
  }
}

static void call_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q, int cx)
{
  pol_Dec v;
  if (n->res == R_BUILTIN) {
    switch (n->index) {
    case B_KNOWN:
      en(d, b, n->args, env, q, CX_OPND);
      pol_buf_puts(b, " is documented");
      return;
    case B_FLOOR:
      if (fold(d, n, env, &v, 0)) { num(b, v); return; }
      pol_buf_puts(b, "the whole part of ");
      en(d, b, n->args, env, q, CX_OPND | CX_ARITH);
      return;
    case B_START_OF: case B_END_OF: {
      /* start_of([a, b]) is a */
      pol_Node *w = n->args;
      const Env *we = env;
      for (int guard = 0; guard < 32; guard++) {
        if (w->kind == N_NAME && w->res == R_LET && w->decl && !w->decl->args && inline_let(d, w->decl)) {
          w = w->decl->a;
          we = NULL;
        } else if (w->kind == N_NAME && w->res == R_PARAM) {
          const Env *ae;
          pol_Node *a = arg_of(we, w->index, &ae);
          if (!a) break;
          w = a;
          we = ae;
        } else {
          break;
        }
      }
      if (w->kind == N_WINDOW) {
        en(d, b, n->index == B_START_OF ? w->a : w->b, we, q, cx);
        return;
      }
      pol_buf_puts(b, n->index == B_START_OF ? "the start of " : "the end of ");
      window_en(d, b, n->args, env, q, 0);
      return;
    }
    case B_CAL_MONTH: case B_CAL_QUARTER: case B_CAL_YEAR:
      pol_buf_puts(b, n->index == B_CAL_MONTH ? "the calendar month of "
                    : n->index == B_CAL_QUARTER ? "the calendar quarter of " : "the calendar year of ");
      en(d, b, n->args, env, q, CX_OPND);
      return;
    case B_SIDES:
      pol_buf_puts(b, "the sides of ");
      en(d, b, n->args, env, q, CX_OPND);
      pol_buf_puts(b, " (left and right when bilateral)");
      return;
    case B_PERIODS:
      pol_buf_puts(b, "the periods of ");
      en(d, b, n->args, env, q, CX_OPND);
      pol_buf_puts(b, " ");
      window_en(d, b, n->args->next, env, q, 1);
      return;
    case B_MIN: case B_MAX:
      pol_buf_puts(b, n->index == B_MIN ? "the least of " : "the greatest of ");
      for (pol_Node *a = n->args; a; a = a->next) {
        if (a != n->args) pol_buf_puts(b, a->next ? ", " : " and ");
        en(d, b, a, env, q, CX_OPND);
      }
      return;
    case B_NONE:
      break;
    }
  }
  if (std_call(d, n, "past")) {
    pol_buf_puts(b, "the past ");
    en(d, b, n->args, env, q, CX_OPND);
    return;
  }
  if (std_call(d, n, "before_service")) {
    pol_buf_puts(b, "the ");
    en(d, b, n->args, env, q, CX_OPND);
    pol_buf_puts(b, " before the service date");
    return;
  }
  if (std_call(d, n, "months")) {
    days_en(d, b, n, env, q);
    return;
  }
  if (std_call(d, n, "overlaps") && n->args && n->args->next && n->args->next->next) {
    pol_buf_puts(b, "the period from ");
    en(d, b, n->args, env, q, CX_OPND);
    pol_buf_puts(b, " to ");
    en(d, b, n->args->next, env, q, CX_OPND);
    pol_buf_puts(b, " overlaps ");
    window_en(d, b, n->args->next->next, env, q, 0);
    return;
  }
  if (n->res == R_LET && n->decl) {
    Env e = {env, n->args, env};
    en(d, b, n->decl->a, &e, q, cx);
    return;
  }
  /* an extern: its name and arguments */
  dname(b, n->decl && n->decl->text ? n->decl->text : "", n->str);
  pol_buf_putc(b, '(');
  for (pol_Node *a = n->args; a; a = a->next) {
    if (a != n->args) pol_buf_puts(b, ", ");
    en(d, b, a, env, q, CX_OPND);
  }
  pol_buf_putc(b, ')');
}

static void name_en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q, int cx)
{
  switch (n->res) {
  case R_FACT:
    dname(b, n->decl ? n->decl->path : "", human(d, n->str));
    return;
  case R_FIELD:
    dname(b, "", human(d, n->str));
    return;
  case R_ITEM:
    pol_buf_puts(b, n->str);
    return;
  case R_EACH:
    pol_buf_printf(b, "this %s", human(d, n->str));
    return;
  case R_PARAM: {
    const Env *ae;
    pol_Node *a = arg_of(env, n->index, &ae);
    if (a) en(d, b, a, ae, q, cx);
    else pol_buf_puts(b, n->str);
    return;
  }
  case R_LET:
    if (n->decl && (n->decl->flags & POL_LET_PARAM)) {   /* the value, marked as chosen */
      en(d, b, n->decl->a, NULL, q, cx);
      pol_buf_puts(b, " (reviewer-chosen: ");
      code(b, n->decl->str);
      pol_buf_puts(b, ")");
      return;
    }
    if (n->decl && inline_let(d, n->decl)) {
      pol_Node *v = n->decl->a;
      if (v->kind == N_SET) { pol_buf_puts(b, "one of "); set_items(b, v, " or "); return; }
      en(d, b, v, NULL, q, cx);
      return;
    }
    if (n->decl) def_ref(d, b, n->decl);
    return;
  default:
    pol_buf_puts(b, human(d, n->str));
  }
}

static void en(D *d, pol_Buf *b, pol_Node *n, const Env *env, const Q *q, int cx)
{
  switch (n->kind) {
  case N_NUM: num(b, n->num); return;
  case N_STR: code(b, n->str); return;
  case N_DATE: date_text(b, n->ival); return;
  case N_DUR: {
    const pol_Source *src = d->c->files[n->span.file];
    pol_Buf t = {0};
    int space = 0;
    for (uint32_t i = n->span.start; i < n->span.end && i < src->len; i++) {
      char ch = src->text[i];
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') { space = 1; continue; }
      if (space) pol_buf_putc(&t, ' ');
      space = 0;
      pol_buf_putc(&t, ch);
    }
    pol_buf_puts(b, t.s ? t.s : "");
    free(t.s);
    return;
  }
  case N_BOOL: pol_buf_puts(b, n->ival ? "true" : "false"); return;
  case N_SET: pol_buf_puts(b, "one of "); set_items(b, n, " or "); return;
  case N_WINDOW: window_en(d, b, n, env, q, 0); return;
  case N_NAME: name_en(d, b, n, env, q, cx); return;
  case N_IT:
    if (q) pol_buf_printf(b, "the %s", q->noun);
    else pol_buf_puts(b, "it");
    return;
  case N_FIELD:
    pol_buf_printf(b, "the %s of ", human(d, n->str));
    en(d, b, n->a, env, q, CX_OPND);
    return;
  case N_CALL: call_en(d, b, n, env, q, cx); return;
  case N_UNARY:
    if (n->op == O_NEG) {
      if (cx & CX_ARITH) pol_buf_putc(b, '(');
      pol_buf_puts(b, "\xe2\x88\x92");
      en(d, b, n->a, env, q, CX_OPND | CX_ARITH);
      if (cx & CX_ARITH) pol_buf_putc(b, ')');
      return;
    }
    if (n->a->kind == N_QUANT && n->a->op == Q_EXISTS) {
      int paren = (cx & (CX_NOTLAST | CX_OPND)) != 0;
      if (paren) pol_buf_putc(b, '(');
      quant_en(d, b, n->a, Q_NO, env, q);
      if (paren) pol_buf_putc(b, ')');
      return;
    }
    if (n->a->kind == N_NAME || n->a->kind == N_FIELD || is_chain(n->a, O_AND) || is_chain(n->a, O_OR)) {
      pol_buf_puts(b, "not ");
      en(d, b, n->a, env, q, CX_OPND);
      return;
    }
    pol_buf_puts(b, "not (");
    en(d, b, n->a, env, q, 0);
    pol_buf_putc(b, ')');
    return;
  case N_BINARY: binary_en(d, b, n, env, q, cx); return;
  case N_QUANT: {
    int paren = (cx & (CX_NOTLAST | CX_OPND)) != 0;
    if (paren) pol_buf_putc(b, '(');
    quant_en(d, b, n, n->op, env, q);
    if (paren) pol_buf_putc(b, ')');
    return;
  }
  case N_COVER: {
    int paren = (cx & (CX_NOTLAST | CX_OPND)) != 0;
    if (paren) pol_buf_putc(b, '(');
    cover_en(d, b, n, O_GE, NULL, env, q, env);
    if (paren) pol_buf_putc(b, ')');
    return;
  }
  case N_UNKNOWN:
    pol_buf_puts(b, "not judged (");
    pol_buf_puts(b, n->str);
    pol_buf_putc(b, ')');
    return;
  case N_LOOKUP: {
    /* the table's entries in place, as a reviewer checks them against
       the document; a long table by its size */
    const pol_Node *t = n->a->decl;
    pol_buf_printf(b, "the %s entry for ", t && t->text ? t->text : n->a->str);
    en(d, b, n->b, env, q, CX_OPND);
    int ne = 0;
    for (const pol_Node *x = t ? t->args : NULL; x; x = x->next) ne++;
    if (!t || ne > 12) {
      pol_buf_printf(b, " (table %s, %d entries)", n->a->str, ne);
      return;
    }
    pol_buf_puts(b, " (");
    for (pol_Node *x = t->args; x; x = x->next) {
      if (x != t->args) pol_buf_puts(b, ", ");
      if (x->flags & 1) pol_buf_puts(b, "any other");
      else code(b, x->str);
      pol_buf_puts(b, ": ");
      en(d, b, x->a, env, q, CX_OPND);
    }
    int has_default = 0;
    for (const pol_Node *x = t->args; x; x = x->next) has_default |= x->flags & 1;
    if (!has_default) pol_buf_puts(b, ", any other: not judged");
    pol_buf_putc(b, ')');
    return;
  }
  case N_IF:
    pol_buf_puts(b, "(if ");
    en(d, b, n->a, env, q, 0);
    pol_buf_puts(b, " then ");
    en(d, b, n->b, env, q, CX_OPND);
    pol_buf_puts(b, ", else ");
    en(d, b, n->c, env, q, CX_OPND);
    pol_buf_putc(b, ')');
    return;
  case N_GAP: {
    int paren = (cx & (CX_NOTLAST | CX_OPND)) != 0;
    if (paren) pol_buf_putc(b, '(');
    gap_en(d, b, n, env, q);
    if (paren) pol_buf_putc(b, ')');
    return;
  }
  case N_ATLEAST: {
    int simple = 1;
    for (pol_Node *a = n->args; a; a = a->next) simple &= a->kind == N_NAME;
    pol_buf_puts(b, "at least ");
    num(b, n->num);
    pol_buf_puts(b, " of: ");
    for (pol_Node *a = n->args; a; a = a->next) {
      if (a != n->args) pol_buf_puts(b, simple ? ", " : "; ");
      en(d, b, a, env, q, CX_OPND);
    }
    return;
  }
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE:
    break;   /* not expressions */
  }
  pol_buf_puts(b, "?");
}

/* ---- output ------------------------------------------------------------------- */

static void out(D *d, const char *s) { pol_buf_puts(&d->out, s); }

static void outf(D *d, const char *fmt, ...) POL_PRINTF(2, 3);
static void outf(D *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  char *tmp = malloc((size_t)n + 1);
  if (!tmp) abort();
  va_start(ap, fmt);
  vsnprintf(tmp, (size_t)n + 1, fmt, ap);
  va_end(ap);
  pol_buf_put(&d->out, tmp, (size_t)n);
  free(tmp);
}

/* Plain text, escaped for the output format. */
static void text_out(D *d, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (d->html) {
      switch (c) {
      case '&': out(d, "&amp;"); break;
      case '<': out(d, "&lt;"); break;
      case '>': out(d, "&gt;"); break;
      case '"': out(d, "&quot;"); break;
      default: pol_buf_putc(&d->out, c);
      }
    } else {
      /* Markdown: escape what could start markup here, no more */
      int alnum_before = i > 0 && (isalnum((unsigned char)s[i - 1]));
      int alnum_after = i + 1 < n && (isalnum((unsigned char)s[i + 1]));
      if (strchr("\\`*|", c) || (c == '_' && !(alnum_before && alnum_after)) ||
          (c == '<' && i + 1 < n && (isalpha((unsigned char)s[i + 1]) || strchr("/!?", s[i + 1]))))
        pol_buf_putc(&d->out, '\\');
      pol_buf_putc(&d->out, c == '\n' ? ' ' : c);
    }
  }
}

static void texts(D *d, const char *s) { text_out(d, s, strlen(s)); }

/* Writes rich text (RT_* markup) in the output format. */
static void rich(D *d, const char *s)
{
  while (*s) {
    const char *p = s;
    while (*p && *p != RT_CODE && *p != RT_NAME && *p != RT_DEF && *p != RT_B && *p != RT_B_END) p++;
    text_out(d, s, (size_t)(p - s));
    if (!*p) return;
    if (*p == RT_B || *p == RT_B_END) {
      out(d, d->html ? (*p == RT_B ? "<strong>" : "</strong>") : "**");
      s = p + 1;
      continue;
    }
    char end = *p == RT_CODE ? RT_CODE_END : *p == RT_NAME ? RT_NAME_END : RT_DEF_END;
    const char *e = strchr(p + 1, end);
    if (!e) e = p + strlen(p);
    if (*p == RT_CODE) {
      if (d->html) { out(d, "<code>"); text_out(d, p + 1, (size_t)(e - p - 1)); out(d, "</code>"); }
      else { out(d, "`"); pol_buf_put(&d->out, p + 1, (size_t)(e - p - 1)); out(d, "`"); }
    } else if (*p == RT_NAME) {
      const char *sep = memchr(p + 1, RT_SEP, (size_t)(e - p - 1));
      const char *disp = sep ? sep + 1 : p + 1;
      if (d->html) {
        out(d, "<span class=\"fact\"");
        if (sep && sep > p + 1) { out(d, " title=\""); text_out(d, p + 1, (size_t)(sep - p - 1)); out(d, "\""); }
        out(d, ">");
        text_out(d, disp, (size_t)(e - disp));
        out(d, "</span>");
      } else {
        text_out(d, disp, (size_t)(e - disp));
      }
    } else {
      char *name = pol_arena_strndup(d->c->arena, p + 1, (size_t)(e - p - 1));
      if (d->html) {
        outf(d, "<a class=\"def\" href=\"#def-%s\">", name);
        texts(d, human(d, name));
        out(d, "</a>");
      } else {
        out(d, "*");
        texts(d, human(d, name));
        out(d, "*");
      }
    }
    s = *e ? e + 1 : e;
  }
}

/* English for n, written as rich text. */
static void en_out(D *d, pol_Node *n, int cx)
{
  pol_Buf b = {0};
  en(d, &b, n, NULL, NULL, cx);
  rich(d, b.s ? b.s : "");
  free(b.s);
}

/* A leaf's logic: a top-level `and` / `or` becomes a list, the rest a sentence. */
static void logic_out(D *d, pol_Node *n, int depth, int indent)
{
  int op = is_chain(n, O_AND) ? O_AND : is_chain(n, O_OR) ? O_OR : -1;
  if (op < 0 || depth > 3) {
    en_out(d, n, 0);
    return;
  }
  pol_Node *v[64];
  int nv = 0;
  chain_ops(n, op, v, &nv, 64);
  const char *head = op == O_AND ? "all of:" : "any of:";
  if (d->html) {
    outf(d, "<span class=\"join\">%s</span><ul class=\"logic-list\">", head);
    for (int i = 0; i < nv; i++) {
      out(d, "<li>");
      logic_out(d, v[i], depth + 1, indent + 2);
      out(d, "</li>");
    }
    out(d, "</ul>");
  } else {
    outf(d, "**%s**", head);
    for (int i = 0; i < nv; i++) {
      outf(d, "\n%*s- ", indent + 2, "");
      logic_out(d, v[i], depth + 1, indent + 2);
    }
  }
}

/* ---- the checklist ----------------------------------------------------------------- */

static const char *comb_words(const pol_Node *cl, char *buf, size_t n)
{
  switch (cl->op) {
  case C_ALL: return "ALL of the following";
  case C_ANY: return "AT LEAST ONE of the following";
  case C_ATLEAST: snprintf(buf, n, "AT LEAST %d of the following", cl->ival); return buf;
  default: return "";
  }
}

static void tags_of(D *d, const pol_Node *cl, pol_Buf *b)
{
  for (int i = 0; i < d->u->ntags; i++)
    if (cl->tagbits & (1u << i)) {
      if (b->n) pol_buf_puts(b, ", ");
      pol_buf_puts(b, d->u->tags[i]);
    }
}

static void crit_out(D *d, pol_Node *cl, int indent)
{
  char cb[64];
  int excl = (cl->flags & CF_EXCLUSION) != 0;
  pol_Buf tags = {0};
  tags_of(d, cl, &tags);
  if (d->html) {
    outf(d, "<li class=\"crit%s%s\" id=\"crit-", excl ? " excl" : "", cl->op == C_LEAF ? " leaf" : "");
    texts(d, cl->str);
    out(d, "\"><div class=\"head\"><span class=\"box\" aria-hidden=\"true\"></span><div><span class=\"cid\">");
    texts(d, cl->str);
    out(d, "</span> <span class=\"ctext\">");
    texts(d, cl->text);
    out(d, "</span>");
    if (cl->op != C_LEAF) outf(d, " <span class=\"comb\">%s</span>", comb_words(cl, cb, sizeof cb));
    out(d, "</div></div>");
    if (cl->op == C_LEAF) {
      out(d, "<div class=\"logic\"><span class=\"label\">");
      out(d, excl ? "Applies when" : "Checked as");
      out(d, "</span><div>");
      logic_out(d, cl->a, 0, 0);
      out(d, "</div></div>");
    }
    if (cl->cite) { out(d, "<div class=\"meta\"><span class=\"label\">Evidence</span><div>"); texts(d, cl->cite); out(d, "</div></div>"); }
    if (tags.n) {
      out(d, "<div class=\"meta\"><span class=\"label\">Tags</span><div>");
      for (char *t = strtok(tags.s, ", "); t; t = strtok(NULL, ", ")) { out(d, "<span class=\"tag\">"); texts(d, t); out(d, "</span> "); }
      out(d, "</div></div>");
    }
    if (cl->next_step) { out(d, "<div class=\"meta next\"><span class=\"label\">Next step</span><div>"); texts(d, cl->next_step); out(d, "</div></div>"); }
    if (cl->op != C_LEAF) {
      out(d, "<ul class=\"crits\">");
      for (pol_Node *k = cl->b; k; k = k->next) crit_out(d, k, indent + 2);
      out(d, "</ul>");
    }
    out(d, "</li>\n");
  } else {
    outf(d, "%*s- [ ] **", indent, "");
    texts(d, cl->str);
    out(d, "** ");
    texts(d, cl->text);
    if (cl->op != C_LEAF) outf(d, " \xe2\x80\x94 **%s:**", comb_words(cl, cb, sizeof cb));
    out(d, "\n");
    if (cl->op == C_LEAF) {
      outf(d, "%*s- *%s:* ", indent + 2, "", excl ? "Applies when" : "Checked as");
      logic_out(d, cl->a, 0, indent + 2);
      out(d, "\n");
    }
    if (cl->cite) { outf(d, "%*s- *Evidence:* ", indent + 2, ""); texts(d, cl->cite); out(d, "\n"); }
    if (tags.n) { outf(d, "%*s- *Tags:* ", indent + 2, ""); texts(d, tags.s); out(d, "\n"); }
    if (cl->next_step) { outf(d, "%*s- *Next step:* ", indent + 2, ""); texts(d, cl->next_step); out(d, "\n"); }
    if (cl->op != C_LEAF)
      for (pol_Node *k = cl->b; k; k = k->next) crit_out(d, k, indent + 2);
  }
  free(tags.s);
}

static void para_open(D *d) { out(d, d->html ? "<p>" : ""); }
static void para_close(D *d) { out(d, d->html ? "</p>\n" : "\n\n"); }

static void h(D *d, int level, const char *id, const char *rich_title)
{
  if (d->html) {
    outf(d, "<h%d", level);
    if (id) { out(d, " id=\""); texts(d, id); out(d, "\""); }
    out(d, ">");
    rich(d, rich_title);
    outf(d, "</h%d>\n", level);
  } else {
    outf(d, "%.*s ", level, "######");
    rich(d, rich_title);
    out(d, "\n\n");
  }
}

/* A list of clauses; which: 0 criteria, 1 exclusions. */
static int clauses_out(D *d, pol_Node *list, int which, const char *title)
{
  int n = 0;
  for (pol_Node *k = list; k; k = k->next)
    if (k->kind == N_CRITERION && ((k->flags & CF_EXCLUSION) != 0) == which) n++;
  if (n == 0) return 0;
  if (d->html) {
    outf(d, "<div class=\"section-label%s\">%s</div>\n<ul class=\"crits top\">\n", which ? " excl" : "", title);
  } else {
    outf(d, "**%s**\n\n", title);
  }
  for (pol_Node *k = list; k; k = k->next)
    if (k->kind == N_CRITERION && ((k->flags & CF_EXCLUSION) != 0) == which) crit_out(d, k, 0);
  out(d, d->html ? "</ul>\n" : "\n");
  return n;
}

/* "Authorized, when approved: quantity: …; period: from … to …; setting: …" */
static void authorize_out(D *d, pol_Node *br)
{
  pol_Buf s = {0};
  pol_buf_puts(&s, "\x0e" "Authorized when approved:\x0f ");
  int first = 1;
  for (pol_Node *fl = br->b; fl; fl = fl->next) {
    if (fl->flags & AF_PERIOD_END) continue;
    pol_buf_puts(&s, first ? "" : "; ");
    first = 0;
    if (fl->flags & (AF_PERIOD_TO | AF_PERIOD_FOR)) {
      pol_buf_puts(&s, "period from ");
      en(d, &s, fl->a, NULL, NULL, CX_OPND);
      pol_buf_puts(&s, (fl->flags & AF_PERIOD_TO) ? " to " : " for ");
      en(d, &s, (fl->flags & AF_PERIOD_TO) ? fl->next->a : fl->next->b, NULL, NULL, CX_OPND);
      continue;
    }
    humanize(&s, fl->str);
    pol_buf_puts(&s, " ");
    en(d, &s, fl->a, NULL, NULL, CX_OPND);
  }
  pol_buf_puts(&s, ".");
  para_open(d);
  rich(d, s.s);
  para_close(d);
  free(s.s);
}

/* The `next` steps among list (N_STR items), under title; none: nothing. */
static void steps_out(D *d, pol_Node *list, const char *title)
{
  int n = 0;
  for (pol_Node *k = list; k; k = k->next) n += k->kind == N_STR;
  if (n == 0) return;
  if (d->html) outf(d, "<div class=\"section-label\">%s</div>\n<ul class=\"steps\">\n", title);
  else outf(d, "**%s**\n\n", title);
  for (pol_Node *k = list; k; k = k->next) {
    if (k->kind != N_STR) continue;
    out(d, d->html ? "<li>" : "- ");
    texts(d, k->str);
    out(d, d->html ? "</li>\n" : "\n");
  }
  out(d, d->html ? "</ul>\n" : "\n");
}

static void branch_out(D *d, pol_Node *br, int index)
{
  pol_Buf t = {0};
  int assess = br->path != NULL;
  pol_buf_printf(&t, "%s %s \xe2\x80\x94 %s", assess ? "Assessment" : "Branch", br->str, br->text);
  pol_Buf id = {0};
  pol_buf_printf(&id, "%s-%s", assess ? "assess" : "branch", br->str);
  if (d->html) out(d, "<section class=\"branch\">\n");
  h(d, 2, id.s, t.s);
  free(t.s);
  free(id.s);
  para_open(d);
  rich(d, "\x0e" "Applies when\x0f ");
  if (br->a->kind == N_BOOL && br->a->ival) {
    texts(d, index > 0 && !assess ? "no earlier branch applies (always)." : "always.");
  } else {
    en_out(d, br->a, 0);
    texts(d, !assess && index > 0 ? ", if no earlier branch applies." : ".");
  }
  if (assess) texts(d, " Judged beside the line's main branch, with its own determination.");
  para_close(d);
  clauses_out(d, br->args, 0, assess ? "Criteria \xe2\x80\x94 all must be met" : "Criteria \xe2\x80\x94 all must be met");
  clauses_out(d, br->args, 1, "Exclusions \xe2\x80\x94 none may apply");
  steps_out(d, br->args, "Next steps when not approved");
  for (pol_Node *k = br->args; k; k = k->next) {
    if (k->kind != N_FOREACH) continue;
    pol_Buf s = {0};
    pol_buf_printf(&s, "For each %s of ", k->str);
    en(d, &s, k->a, NULL, NULL, CX_OPND);
    pol_buf_puts(&s, ", judged separately \xe2\x80\x94 all must be met for that item");
    if (d->html) {
      out(d, "<div class=\"section-label each\">");
      rich(d, s.s);
      out(d, "</div>\n<ul class=\"crits top\">\n");
    } else {
      out(d, "**");
      rich(d, s.s);
      out(d, "**\n\n");
    }
    free(s.s);
    for (pol_Node *c = k->args; c; c = c->next)
      if (c->kind == N_CRITERION) crit_out(d, c, 0);
    out(d, d->html ? "</ul>\n" : "\n");
  }
  if (br->b) authorize_out(d, br);
  if (d->html) out(d, "</section>\n");
}

static void dcond_en(D *d, pol_Buf *b, const pol_Node *n, int paren)
{
  switch (n->op) {
  case D_FAILED: pol_buf_puts(b, "a criterion is not met or an exclusion applies"); return;
  case D_UNKNOWN: pol_buf_puts(b, "a criterion is unknown"); return;
  case D_ANY_FAILED_TAG: pol_buf_printf(b, "a failed criterion is tagged \x02%s\x03", n->str); return;
  case D_EVERY_FAILED_TAG: pol_buf_printf(b, "every failed criterion is tagged \x02%s\x03", n->str); return;
  case D_ANY_UNKNOWN_TAG: pol_buf_printf(b, "an unknown criterion is tagged \x02%s\x03", n->str); return;
  case D_NOT:
    switch (n->a->op) {
    case D_FAILED: pol_buf_puts(b, "every criterion is met and no exclusion applies"); return;
    case D_UNKNOWN: pol_buf_puts(b, "no criterion is unknown"); return;
    case D_ANY_FAILED_TAG: pol_buf_printf(b, "no failed criterion is tagged \x02%s\x03", n->a->str); return;
    case D_EVERY_FAILED_TAG: pol_buf_printf(b, "not every failed criterion is tagged \x02%s\x03", n->a->str); return;
    case D_ANY_UNKNOWN_TAG: pol_buf_printf(b, "no unknown criterion is tagged \x02%s\x03", n->a->str); return;
    default: pol_buf_puts(b, "not "); dcond_en(d, b, n->a, 1); return;
    }
  case D_AND: case D_OR:
    if (paren) pol_buf_putc(b, '(');
    dcond_en(d, b, n->a, n->a->op != n->op);
    pol_buf_puts(b, n->op == D_AND ? " and " : " or ");
    dcond_en(d, b, n->b, n->b->op != n->op);
    if (paren) pol_buf_putc(b, ')');
    return;
  default: pol_buf_puts(b, "?");
  }
}

static const char *outcome_words(const char *o)
{
  if (strcmp(o, "approve") == 0) return "Approve";
  if (strcmp(o, "deny") == 0) return "Deny";
  if (strcmp(o, "pend") == 0) return "Pend (lack of information)";
  if (strcmp(o, "loi") == 0) return "Non-certify for lack of information (LOI)";
  if (strcmp(o, "refer") == 0) return "Refer to a physician reviewer";
  return o;
}

static void decision_out(D *d)
{
  int has_each = 0, has_assess = 0;
  for (pol_Node *it = d->u->src->items; it; it = it->next) {
    if (it->kind != N_BRANCH) continue;
    has_assess |= it->path != NULL;
    for (pol_Node *k = it->args; k; k = k->next) has_each |= k->kind == N_FOREACH;
  }
  h(d, 2, "decision", "How a request line is decided");
  para_open(d);
  texts(d, "The branches are tried in order; the first whose condition is true judges the line, "
           "provided every condition before it is false. While a condition before it is unknown "
           "(information missing), which branch judges is open and the line is pended. A criterion is "
           "met, not met or unknown (information missing); an exclusion applies when it is met.");
  para_close(d);
  para_open(d);
  {
    const pol_Node *o = d->u->otherwise;
    pol_Buf b = {0};
    pol_buf_puts(&b, "If no branch applies (every condition is false): ");
    pol_buf_putc(&b, RT_B);
    pol_buf_puts(&b, outcome_words(o ? o->str : "refer"));
    pol_buf_putc(&b, RT_B_END);
    rich(d, b.s);
    free(b.s);
    size_t n = o && o->text ? strlen(o->text) : 0;
    if (n) {
      texts(d, ": \u201c");
      texts(d, o->text);   /* the author's words, never markup */
      texts(d, "\u201d");
    }
    if (!n || !strchr(".!?", o->text[n - 1])) texts(d, ".");
  }
  para_close(d);
  pol_Node *dec = d->u->decision;
  if (!dec) {
    para_open(d);
    rich(d, "The line is \x0e" "denied\x0f if a criterion is not met or an exclusion applies; otherwise it is "
            "\x0e" "pended\x0f (lack of information) if a criterion or exclusion is unknown; otherwise it is "
            "\x0e" "approved\x0f.");
    para_close(d);
  } else {
    para_open(d);
    if (dec->flags & POL_DECISION_REVIEW_FLOW)
      texts(d, "Every criterion is tagged documentation or clinical, so the review flow decides "
               "(request for information, then lack of information, then denial). ");
    texts(d, "The first rule that holds gives the outcome:");
    para_close(d);
    out(d, d->html ? "<ol class=\"rules\">\n" : "");
    int i = 1;
    for (pol_Node *r = dec->args; r; r = r->next, i++) {
      pol_Buf b = {0};
      pol_buf_putc(&b, RT_B);
      pol_buf_puts(&b, outcome_words(r->str));
      pol_buf_putc(&b, RT_B_END);
      if (r->a) {
        pol_buf_puts(&b, " when ");
        dcond_en(d, &b, r->a, 0);
      } else {
        pol_buf_puts(&b, " otherwise");
      }
      pol_buf_puts(&b, ".");
      if (d->html) { out(d, "<li>"); rich(d, b.s); out(d, "</li>\n"); }
      else { outf(d, "%d. ", i); rich(d, b.s); out(d, "\n"); }
      free(b.s);
    }
    out(d, d->html ? "</ol>\n" : "\n");
  }
  if (has_each) {
    para_open(d);
    texts(d, "Criteria under \"for each\" are judged once per item (e.g. per spinal level). If the line's "
             "own criteria deny it, it is denied; if every item is approved the line keeps its own outcome; "
             "if every item is denied it is denied; approved and denied items together give a partial "
             "approval; otherwise the line pends.");
    para_close(d);
  }
  if (has_assess) {
    para_open(d);
    texts(d, "Each assessment whose condition is true adds its own determination for the line "
             "(e.g. the level of care), decided by the same rule over its criteria; one whose "
             "condition is unknown is pended.");
    para_close(d);
  }
}

static void defs_out(D *d)
{
  if (d->ndefs == 0) return;
  h(d, 2, "definitions", "Definitions");
  out(d, d->html ? "<dl class=\"defs\">\n" : "");
  for (int i = 0; i < d->ndefs; i++) {  /* d->ndefs grows as definitions refer to others */
    pol_Node *let = d->defs[i];
    if (d->html) {
      outf(d, "<dt id=\"def-%s\">", let->str);
      texts(d, human(d, let->str));
      out(d, "</dt><dd>");
      logic_out(d, let->a, 0, 0);
      out(d, "</dd>\n");
    } else {
      out(d, "- **");
      texts(d, human(d, let->str));
      out(d, "**: ");
      logic_out(d, let->a, 0, 0);
      out(d, "\n");
    }
  }
  out(d, d->html ? "</dl>\n" : "\n");
}

static const char css[] =
  "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',sans-serif;color:#1d2330;"
  "background:#f4f5f7;margin:0}\n"
  "main{max-width:1080px;margin:0 auto;padding:28px 36px 48px;background:#fff;min-height:100vh;"
  "box-shadow:0 0 0 1px #e3e6ea}\n"
  "h1{font-size:26px;margin:0 0 4px}h1 .pid{color:#55607a;font-weight:600}\n"
  "h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid #d8dde5}\n"
  "table.header{border-collapse:collapse;margin:14px 0 8px;width:100%}\n"
  "table.header th{text-align:left;width:130px;color:#55607a;font-weight:600;padding:4px 12px 4px 0;"
  "vertical-align:top}\n"
  "table.header td{padding:4px 0}\n"
  "p.note{color:#55607a}\n"
  "code{font:13px/1.3 ui-monospace,'DejaVu Sans Mono',monospace;background:#eef1f5;border-radius:3px;"
  "padding:1px 4px;color:#243b6b}\n"
  ".fact{border-bottom:1px dotted #8a94a8}\n"
  "a.def{color:#7a3e00;text-decoration:none;border-bottom:1px dashed #c98a4a;font-style:italic}\n"
  ".section-label{font-weight:700;margin:18px 0 6px;color:#234}\n"
  ".section-label.excl{color:#8a1f1f}.section-label.each{color:#3a3a7a}\n"
  "ul.crits{list-style:none;margin:6px 0 0;padding:0 0 0 22px}ul.crits.top{padding-left:0}\n"
  "li.crit{margin:6px 0;padding:7px 10px 7px 10px;border-left:3px solid #9fb3d1;background:#fafbfd}\n"
  "li.crit.excl{border-left-color:#d08a8a;background:#fdf8f8}\n"
  "li.crit li.crit{background:#fff}\n"
  ".head{display:flex;align-items:baseline;gap:9px}\n"
  ".box{flex:none;width:13px;height:13px;border:1.5px solid #4a5468;border-radius:2px;background:#fff;"
  "position:relative;top:2px}\n"
  ".cid{font-weight:700;color:#17305e;margin-right:3px}\n"
  ".comb{display:inline-block;font-size:12px;font-weight:700;letter-spacing:.02em;color:#fff;"
  "background:#4a6ea9;border-radius:10px;padding:0 9px;margin-left:6px;white-space:nowrap}\n"
  ".logic,.meta{display:flex;align-items:baseline;gap:8px;margin:4px 0 0 24px;font-size:14px;color:#2c3445}\n"
  ".logic>div,.meta>div{flex:1}\n"
  ".label{flex:none;width:112px;font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;"
  "color:#6b7489;font-weight:600}\n"
  ".join{font-weight:600}\n"
  "ul.logic-list{list-style:disc;margin:2px 0;padding-left:20px}ul.logic-list ul.logic-list{list-style:circle}\n"
  ".tag{display:inline-block;font-size:12px;background:#e8eef8;color:#2d4f86;border-radius:3px;padding:0 6px}\n"
  ".next>div{color:#2f5d2f}\n"
  "ol.rules li{margin:2px 0}\n"
  "dl.defs dt{font-weight:700;margin-top:8px}dl.defs dd{margin:2px 0 0 22px}\n"
  "footer{margin-top:36px;color:#7a8396;font-size:12px}\n"
  "@media print{body{background:#fff}main{box-shadow:none;padding:0}li.crit{break-inside:avoid}}\n";

static void header_out(D *d, const char *file)
{
  pol_PolicyUnit *u = d->u;
  char eff[16];
  pol_format_date(u->effective, eff);
  if (d->html) {
    out(d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    texts(d, u->id);
    out(d, " \xe2\x80\x94 ");
    texts(d, u->title);
    out(d, "</title>\n<style>\n");
    out(d, css);
    out(d, "</style>\n</head>\n<body>\n<main>\n<h1><span class=\"pid\">");
    texts(d, u->id);
    out(d, "</span> ");
    texts(d, u->title);
    out(d, "</h1>\n<table class=\"header\">\n");
  } else {
    out(d, "# ");
    texts(d, u->id);
    out(d, ": ");
    texts(d, u->title);
    out(d, "\n\n| | |\n|---|---|\n");
  }
  const char *keys[] = {"Policy", "Title", "Version", "Effective", "Codes", "Plans", "Source"};
  for (int k = 0; k < 7; k++) {
    pol_Buf v = {0};
    switch (k) {
    case 0: pol_buf_puts(&v, u->id); break;
    case 1: pol_buf_puts(&v, u->title); break;
    case 2: pol_buf_puts(&v, u->version); break;
    case 3: pol_buf_printf(&v, "%s (lines whose service date, else request date, is earlier are not judged by this policy)", eff); break;
    case 4: vset_items(&v, u->codes, 0, INT_MAX); break;
    case 5:
      if (!u->plans) pol_buf_puts(&v, "any plan");
      for (pol_Node *c = u->plans; c; c = c->next) { if (c != u->plans) pol_buf_puts(&v, ", "); code(&v, c->str); }
      break;
    default: pol_buf_puts(&v, u->source && *u->source ? u->source : "\xe2\x80\x94"); break;
    }
    if (d->html) { outf(d, "<tr><th>%s</th><td>", keys[k]); rich(d, v.s); out(d, "</td></tr>\n"); }
    else { outf(d, "| %s | ", keys[k]); rich(d, v.s); out(d, " |\n"); }
    free(v.s);
  }
  out(d, d->html ? "</table>\n" : "\n");
  if (d->html) {
    out(d, "<p class=\"note\">A checklist generated from <code>");
    texts(d, file);
    out(d, "</code>: each criterion with the document's own id and text, and below it the logic "
           "the policy applies, in words.</p>\n");
  } else {
    out(d, "A checklist generated from `");
    pol_buf_puts(&d->out, file);
    out(d, "`: each criterion with the document's own id and text, and below it the logic the policy "
           "applies, in words.\n\n");
  }
}

/* The policy's reviewer-chosen parameters (`param`): values the document
   does not state, each with its reason; none: nothing. */
static void params_out(D *d)
{
  int n = 0;
  for (pol_Node *it = d->u->src->items; it; it = it->next)
    n += it->kind == N_LET && (it->flags & POL_LET_PARAM);
  if (n == 0) return;
  h(d, 2, "reviewer-chosen", "Reviewer-chosen parameters");
  para_open(d);
  texts(d, "Values the policy document does not state, chosen by the reviewer who encoded it; "
           "the logic below marks each where it is used.");
  para_close(d);
  out(d, d->html ? "<ul class=\"params\">\n" : "");
  for (pol_Node *it = d->u->src->items; it; it = it->next) {
    if (it->kind != N_LET || !(it->flags & POL_LET_PARAM)) continue;
    pol_Buf v = {0};
    code(&v, it->str);
    pol_buf_puts(&v, " = ");
    en(d, &v, it->a, NULL, NULL, CX_OPND);
    pol_buf_puts(&v, ": ");
    out(d, d->html ? "<li>" : "- ");
    rich(d, v.s);
    texts(d, it->text ? it->text : "");
    out(d, d->html ? "</li>\n" : "\n");
    free(v.s);
  }
  out(d, d->html ? "</ul>\n" : "\n");
}

static void render(D *d, const char *file)
{
  header_out(d, file);
  params_out(d);
  decision_out(d);
  /* the top-level criteria of the file are its prerequisites */
  clauses_out(d, d->u->src->items, 0,
              "Prerequisites \xe2\x80\x94 judged once for the request; while one is not met, "
              "no line is approved");
  steps_out(d, d->u->src->items, "Next steps when a line is not approved");
  int i = 0;
  for (pol_Node *it = d->u->src->items; it; it = it->next)
    if (it->kind == N_BRANCH && !it->path) branch_out(d, it, i++);
  for (pol_Node *it = d->u->src->items; it; it = it->next)
    if (it->kind == N_BRANCH && it->path) branch_out(d, it, 0);
  defs_out(d);
  if (d->html) {
    out(d, "<footer>Generated by <code>polc doc</code> from <code>");
    texts(d, file);
    out(d, "</code>.</footer>\n</main>\n</body>\n</html>\n");
  }
}

/* ---- the entry point (fmt.h) ----------------------------------------------------- */

char *pol_doc_render(pol_Compiler *c, pol_PolicyUnit *u, int html, const char *file, size_t *len)
{
  D d;
  memset(&d, 0, sizeof d);
  d.c = c;
  d.u = u;
  d.html = html;
  render(&d, file);
  if (!d.out.s) pol_buf_puts(&d.out, "");
  *len = d.out.n;
  return d.out.s;
}

/* Rich text as plain text: code values as they are, a data name by its
   display words, a definition by its human name. */
static void plain(D *d, pol_Buf *o, const char *s)
{
  while (*s) {
    char ch = *s;
    if (ch == RT_B || ch == RT_B_END || ch == RT_CODE || ch == RT_CODE_END || ch == RT_NAME_END || ch == RT_DEF_END) {
      s++;
      continue;
    }
    if (ch == RT_NAME) {
      const char *e = strchr(s + 1, RT_NAME_END);
      if (!e) e = s + strlen(s);
      const char *sep = memchr(s + 1, RT_SEP, (size_t)(e - s - 1));
      const char *disp = sep ? sep + 1 : s + 1;
      pol_buf_put(o, disp, (size_t)(e - disp));
      s = *e ? e + 1 : e;
      continue;
    }
    if (ch == RT_DEF) {
      const char *e = strchr(s + 1, RT_DEF_END);
      if (!e) e = s + strlen(s);
      char *name = pol_arena_strndup(d->c->arena, s + 1, (size_t)(e - s - 1));
      pol_buf_puts(o, human(d, name));
      s = *e ? e + 1 : e;
      continue;
    }
    pol_buf_putc(o, ch == '\n' ? ' ' : ch);
    s++;
  }
}

char *pol_doc_english(pol_Compiler *c, pol_PolicyUnit *u, pol_Node *expr)
{
  D d;
  memset(&d, 0, sizeof d);
  d.c = c;
  d.u = u;
  pol_Buf b = {0}, o = {0};
  en(&d, &b, expr, NULL, NULL, 0);
  plain(&d, &o, b.s ? b.s : "");
  free(b.s);
  if (!o.s) pol_buf_puts(&o, "");
  return o.s;
}
