/*
 * valueset.c -- value sets at compile time (valueset.h): items to sorted,
 * disjoint half-open ranges over normal forms; unions, exclusions, the
 * codes of a policy header; the E025x diagnostics.
 */
#include "valueset.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/codes.h"
#include "../vm/suggest.h"

/* A growable list of ranges (malloc'd; the strings are in the arena). */
typedef struct Ranges {
  const char **lo, **hi;
  uint32_t n, cap;
} Ranges;

static void push(Ranges *r, const char *lo, const char *hi)
{
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->lo = realloc(r->lo, r->cap * sizeof *r->lo);
    r->hi = realloc(r->hi, r->cap * sizeof *r->hi);
    if (!r->lo || !r->hi) { fputs("polc: out of memory\n", stderr); abort(); }
  }
  r->lo[r->n] = lo;
  r->hi[r->n] = hi;
  r->n++;
}

static void ranges_free(Ranges *r) { free(r->lo); free(r->hi); }

/* s followed by the bound character ch, in the arena */
static const char *with(pol_Compiler *c, const char *s, char ch)
{
  size_t n = strlen(s);
  char *t = pol_arena_alloc(c->arena, n + 2);
  memcpy(t, s, n);
  t[n] = ch;
  t[n + 1] = '\0';
  return t;
}

typedef struct Pair { const char *lo, *hi; } Pair;

static int cmp_pair(const void *a, const void *b)
{
  const Pair *x = a, *y = b;
  int d = strcmp(x->lo, y->lo);
  return d ? d : strcmp(x->hi, y->hi);
}

/* sorts r by lo and merges overlapping or touching ranges */
static void normalise(Ranges *r)
{
  if (r->n == 0) return;
  Pair *p = malloc(r->n * sizeof *p);
  if (!p) { fputs("polc: out of memory\n", stderr); abort(); }
  for (uint32_t i = 0; i < r->n; i++) p[i] = (Pair){r->lo[i], r->hi[i]};
  qsort(p, r->n, sizeof *p, cmp_pair);
  uint32_t m = 0;
  for (uint32_t i = 0; i < r->n; i++) {
    if (m > 0 && strcmp(p[i].lo, r->hi[m - 1]) <= 0) {
      if (strcmp(p[i].hi, r->hi[m - 1]) > 0) r->hi[m - 1] = p[i].hi;
      continue;
    }
    r->lo[m] = p[i].lo;
    r->hi[m] = p[i].hi;
    m++;
  }
  r->n = m;
  free(p);
}

/* inc minus exc (both normalised), into out */
static void subtract(const Ranges *inc, const Ranges *exc, Ranges *out)
{
  uint32_t j = 0;
  for (uint32_t i = 0; i < inc->n; i++) {
    const char *lo = inc->lo[i], *hi = inc->hi[i];
    while (j < exc->n && strcmp(exc->hi[j], lo) <= 0) j++;
    uint32_t k = j;
    while (k < exc->n && strcmp(exc->lo[k], hi) < 0) {
      if (strcmp(exc->lo[k], lo) > 0) push(out, lo, exc->lo[k]);
      if (strcmp(exc->hi[k], lo) > 0) lo = exc->hi[k];
      if (strcmp(lo, hi) >= 0) break;
      k++;
    }
    if (strcmp(lo, hi) < 0) push(out, lo, hi);
  }
}

static pol_VSetC *finish(pol_Compiler *c, uint32_t sys, Ranges *inc, Ranges *exc)
{
  normalise(inc);
  normalise(exc);
  Ranges out = {0};
  subtract(inc, exc, &out);
  pol_VSetC *v = pol_arena_alloc(c->arena, sizeof *v);
  v->system = sys;
  v->n = out.n;
  v->lo = pol_arena_alloc(c->arena, (out.n ? out.n : 1) * sizeof *v->lo);
  v->hi = pol_arena_alloc(c->arena, (out.n ? out.n : 1) * sizeof *v->hi);
  for (uint32_t i = 0; i < out.n; i++) { v->lo[i] = out.lo[i]; v->hi[i] = out.hi[i]; }
  ranges_free(&out);
  return v;
}

pol_Node *pol_vset_find(const pol_Scope *scope, const char *name)
{
  pol_Node *d = pol_scope_find(scope, name);
  return d && d->kind == N_VALUESET ? d : NULL;
}

static const char *sys_list(void)
{
  return "icd10cm, cpt, hcpcs, procedure, loinc, rxnorm, ndc or snomed";
}

/* Reports E0251 for the string s of lit, not a code of sys. */
static void not_a_code(pol_Compiler *c, const pol_Node *lit, const char *s, uint32_t sys, const char *why)
{
  char out[POL_CODE_BUF];
  const char *w2;
  /* a beginning of codes: the author may have meant their family */
  if (sys != POL_CS_NDC && pol_code_system_families(sys) &&
      pol_code_prefix_norm(sys, s, strlen(s), out, &w2) == 0)
    pol_error(&c->diag, lit->span, "E0251", "\"%s\" is not a valid %s code: %s; for every code "
              "starting with it, write the family \"%s*\"", s, pol_code_system_title(sys), why, s);
  else if (sys == POL_CS_LOINC && strchr(s, '-')) {
    const char *h = strchr(s, '-');
    int d = pol_loinc_check_digit(s, (size_t)(h - s));
    if (d >= 0 && h > s)
      pol_error(&c->diag, lit->span, "E0251", "\"%s\" is not a valid LOINC code: %s; did you mean "
                "\"%.*s-%d\"?", s, why, (int)(h - s), s, d);
    else
      pol_error(&c->diag, lit->span, "E0251", "\"%s\" is not a valid LOINC code: %s (e.g. %s)", s, why,
                pol_code_system_example(sys));
  } else
    pol_error(&c->diag, lit->span, "E0251", "\"%s\" is not a valid %s code: %s (e.g. %s)", s,
              pol_code_system_title(sys), why, pol_code_system_example(sys));
}

void pol_code_literal_check(pol_Compiler *c, const pol_Node *lit, uint32_t sys)
{
  char out[POL_CODE_BUF];
  const char *why;
  if (pol_code_norm(sys, lit->str, strlen(lit->str), out, &why) != 0) not_a_code(c, lit, lit->str, sys, why);
}

/* A family "P*" (also "M05.*"): its range, or NULL after E0252. */
static int family(pol_Compiler *c, const pol_Node *it, const char *s, uint32_t sys, Ranges *r)
{
  size_t n = strlen(s);
  const char *star = strchr(s, '*');
  if (star != s + n - 1 || n < 2) {
    pol_error(&c->diag, it->span, "E0252", "'*' may only end a family: write the beginning of its "
              "codes and one final '*', e.g. \"M05.*\" or \"2744*\"");
    return -1;
  }
  if (!pol_code_system_families(sys)) {
    pol_error(&c->diag, it->span, "E0252", "%s codes are numbers: a family (\"%s\") means nothing; "
              "list the codes, or a range \"A\" .. \"B\"", pol_code_system_title(sys), s);
    return -1;
  }
  size_t m = n - 1;
  if (sys == POL_CS_ICD10CM && m > 0 && s[m - 1] == '.') m--;   /* "M05.*" */
  char out[POL_CODE_BUF];
  const char *why;
  if (pol_code_prefix_norm(sys, s, m, out, &why) != 0) {
    pol_error(&c->diag, it->span, "E0251", "no %s code starts with \"%.*s\": %s (e.g. %s)",
              pol_code_system_title(sys), (int)m, s, why, pol_code_system_example(sys));
    return -1;
  }
  push(r, pol_arena_strndup(c->arena, out, strlen(out)), with(c, out, POL_CODE_AFTER));
  return 0;
}

static int compatible(uint32_t into, uint32_t from)
{
  return into == from || (into == POL_CS_PROCEDURE && (from == POL_CS_CPT || from == POL_CS_HCPCS));
}

/* One item into inc or exc. */
static void item(pol_Compiler *c, pol_Scope *scope, pol_Node *it, uint32_t sys, Ranges *inc,
                 Ranges *exc, const char *owner)
{
  Ranges *r = it->flags & VS_EXCEPT ? exc : inc;
  char a[POL_CODE_BUF], b[POL_CODE_BUF];
  const char *why;
  if (it->flags & VS_NAME) {
    pol_Node *d = pol_vset_find(scope, it->str);
    if (!d) {
      pol_Suggest sg;
      pol_suggest_init(&sg, it->str);
      for (const pol_Scope *s = scope; s; s = s->parent)
        for (int i = 0; i < s->n; i++)
          if (s->decls[i]->kind == N_VALUESET) pol_suggest_consider(&sg, s->decls[i]->str);
      const char *best = pol_suggest_best(&sg);
      pol_error(&c->diag, it->span, "E0254", "unknown value set '%s'%s%s%s", it->str,
                best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
      return;
    }
    it->decl = d;   /* for polc doc */
    const pol_VSetC *v = pol_vset_compile(c, scope, d);
    if (!v) return;
    if (!compatible(sys, v->system)) {
      pol_error(&c->diag, it->span, "E0255", "value set '%s' holds %s codes; %s holds %s codes",
                d->str, pol_code_system_title(v->system), owner, pol_code_system_title(sys));
      return;
    }
    for (uint32_t i = 0; i < v->n; i++) push(r, v->lo[i], v->hi[i]);
    return;
  }
  if (strchr(it->str, '*') || (it->text && strchr(it->text, '*'))) {
    if (it->text) {
      pol_error(&c->diag, it->span, "E0252", "a range's ends are codes, not families: write "
                "\"%s\" .. \"%s\" without '*', or a family alone", it->str, it->text);
      return;
    }
    family(c, it, it->str, sys, r);
    return;
  }
  if (pol_code_norm(sys, it->str, strlen(it->str), a, &why) != 0) {
    not_a_code(c, it, it->str, sys, why);
    return;
  }
  if (!it->text) {
    push(r, pol_arena_strndup(c->arena, a, strlen(a)), with(c, a, POL_CODE_NEXT));
    return;
  }
  if (pol_code_norm(sys, it->text, strlen(it->text), b, &why) != 0) {
    not_a_code(c, it, it->text, sys, why);
    return;
  }
  if (strcmp(a, b) > 0) {
    pol_error(&c->diag, it->span, "E0253", "empty range: \"%s\" comes after \"%s\"; write \"%s\" .. \"%s\"",
              it->str, it->text, it->text, it->str);
    return;
  }
  /* ICD-10-CM is a hierarchy: the upper end includes the codes under it
     ("M06.0" .. "M06.9" holds M06.9 and M06.99) */
  push(r, pol_arena_strndup(c->arena, a, strlen(a)),
       with(c, b, sys == POL_CS_ICD10CM ? POL_CODE_AFTER : POL_CODE_NEXT));
}

const pol_VSetC *pol_vset_compile(pol_Compiler *c, pol_Scope *scope, pol_Node *vs)
{
  if (vs->state == 2) return vs->vset;
  if (vs->state == 1) {
    pol_error(&c->diag, vs->span, "E0256", "value set '%s' includes itself", vs->str);
    return NULL;
  }
  vs->state = 1;
  int sys = pol_code_system_find(vs->path);
  int errors = c->diag.nerrors;
  if (sys < 0) {
    pol_Suggest sg;
    pol_suggest_init(&sg, vs->path);
    for (int i = 0; i < POL_CS__COUNT; i++) pol_suggest_consider(&sg, pol_code_system_name((uint32_t)i));
    const char *best = pol_suggest_best(&sg);
    pol_error(&c->diag, vs->span, "E0250", "unknown code system '%s'%s%s%s (expected %s)", vs->path,
              best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "", sys_list());
  } else {
    Ranges inc = {0}, exc = {0};
    char owner[256];
    snprintf(owner, sizeof owner, "value set '%s'", vs->str);
    pol_Scope *sc = vs->scope ? vs->scope : scope;
    for (pol_Node *it = vs->args; it; it = it->next) item(c, sc, it, (uint32_t)sys, &inc, &exc, owner);
    if (c->diag.nerrors == errors) {
      vs->vset = finish(c, (uint32_t)sys, &inc, &exc);
      if (((pol_VSetC *)vs->vset)->n == 0)
        pol_error(&c->diag, vs->span, "E0259", "value set '%s' holds no code (its exclusions remove "
                  "every code it includes)", vs->str);
    }
    ranges_free(&inc);
    ranges_free(&exc);
  }
  if (c->diag.nerrors != errors) vs->vset = NULL;
  vs->state = 2;
  return vs->vset;
}

/* The routing keys of drug value set s (pol_route_key): its ranges, each
   bound behind the system's prefix, so that a line routes by its drug
   code (docs/language.md "Routing by drug code"). */
static void drug_keys(pol_Compiler *c, const pol_VSetC *s, Ranges *r)
{
  const char *pfx = pol_route_prefix(s->system);
  size_t k = strlen(pfx);
  for (uint32_t i = 0; i < s->n; i++) {
    const char *b[2] = {s->lo[i], s->hi[i]};
    char *t[2];
    for (int j = 0; j < 2; j++) {
      size_t n = strlen(b[j]);
      t[j] = pol_arena_alloc(c->arena, k + n + 1);
      memcpy(t[j], pfx, k);
      memcpy(t[j] + k, b[j], n + 1);
    }
    push(r, t[0], t[1]);
  }
}

const pol_VSetC *pol_codes_compile(pol_Compiler *c, pol_Scope *scope, pol_Node *codes,
                                   const pol_VSetC **all)
{
  Ranges inc = {0}, exact = {0}, none = {0};
  int errors = c->diag.nerrors;
  for (pol_Node *v = codes; v; v = v->next) {
    if (v->kind == N_STR) {
      if (strchr(v->str, '*')) {
        family(c, v, v->str, POL_CS_PROCEDURE, &inc);
        continue;
      }
      /* a plain code routes exactly, as it is written (local codes too);
         its upper-case form for the overlap check */
      char *u = pol_arena_strndup(c->arena, v->str, strlen(v->str));
      for (char *q = u; *q; q++)
        if (*q >= 'a' && *q <= 'z') *q = (char)(*q - 'a' + 'A');
      push(&exact, u, with(c, u, POL_CODE_NEXT));
      continue;
    }
    if (v->kind != N_VSITEM) continue;   /* E0303 reported */
    if (v->flags & VS_NAME) {
      pol_Node *d = pol_vset_find(scope, v->str);
      const pol_VSetC *s = d ? pol_vset_compile(c, scope, d) : NULL;
      if (d && s && pol_route_prefix(s->system)) {   /* a drug value set */
        drug_keys(c, s, &inc);
        continue;
      }
      if (d && s && !compatible(POL_CS_PROCEDURE, s->system)) {
        pol_error(&c->diag, v->span, "E0258", "value set '%s' holds %s codes; `codes` routes request "
                  "lines by their CPT or HCPCS code (a value set of cpt, hcpcs or procedure) or by "
                  "their drug (a value set of rxnorm or ndc)",
                  d->str, pol_code_system_title(s->system));
        continue;
      }
    }
    item(c, scope, v, POL_CS_PROCEDURE, &inc, &none, "`codes`");
  }
  const pol_VSetC *r = NULL;
  if (c->diag.nerrors == errors) {
    if (all) {
      Ranges both = {0};
      for (uint32_t i = 0; i < inc.n; i++) push(&both, inc.lo[i], inc.hi[i]);
      for (uint32_t i = 0; i < exact.n; i++) push(&both, exact.lo[i], exact.hi[i]);
      *all = finish(c, POL_CS_PROCEDURE, &both, &none);
      ranges_free(&both);
    }
    if (inc.n) r = finish(c, POL_CS_PROCEDURE, &inc, &none);
  } else if (all) {
    *all = NULL;
  }
  ranges_free(&inc);
  ranges_free(&exact);
  ranges_free(&none);
  return r;
}

int pol_vset_meet(const pol_VSetC *a, const pol_VSetC *b)
{
  uint32_t i = 0, j = 0;
  while (i < a->n && j < b->n) {
    if (strcmp(a->hi[i], b->lo[j]) <= 0) i++;
    else if (strcmp(b->hi[j], a->lo[i]) <= 0) j++;
    else return 1;
  }
  return 0;
}
