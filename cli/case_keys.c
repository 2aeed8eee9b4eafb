/*
 * case_keys.c -- "did you mean" for the keys of a case (cli.h,
 * cli_case_key_warnings): a key that no fact path, record field or
 * case-format key of the bundle uses, but is near one that is (suggest.h),
 * is most likely a misspelling that would leave a fact unknown -- and the
 * line pending for a fact that is in the file.  Keys far from every known
 * name stay silent: cases carry other data.
 *
 * The walk follows the bundle's schema only: the case's root (case_id,
 * request, the case-scope fact paths), request (date, service_date, plan,
 * procedures), each request line (line, cpt, the line-scope fact paths),
 * and the items of records and lists of records (their fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fhir_in.h"
#include "suggest.h"

enum { LV_PATHS, LV_REQUEST, LV_REC };

typedef struct Level {
  int kind;
  uint32_t scope;        /* LV_PATHS: POL_SCOPE_CASE or POL_SCOPE_LINE */
  const char *prefix;    /* LV_PATHS: "" or "symptoms." */
  uint32_t rec;          /* LV_REC */
} Level;

/* One step of the path from the root: a key or an array index. */
typedef struct Step {
  const char *key;       /* NULL: idx */
  size_t idx;
} Step;

typedef struct Walk {
  const pol_Program *p;
  const char *file;
  const char *text;      /* the document's text, or NULL: no positions */
  const char *end;
  Step steps[POL_CASE_MAX_DEPTH + 2];
  int nsteps;
  int nwarnings;
} Walk;

/* ---- where a key is written: a small scanner over the (valid) text ---- */

static const char *skip_ws(const char *s, const char *e)
{
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
  return s;
}

/* s at '"': just past the closing quote, or NULL. */
static const char *skip_string(const char *s, const char *e)
{
  for (s++; s < e; s++) {
    if (*s == '\\') s++;
    else if (*s == '"') return s + 1;
  }
  return NULL;
}

/* s at a value: just past it, or NULL.  Depth is bounded by the parser's
   limit, which the text has passed. */
static const char *skip_value(const char *s, const char *e)
{
  if (s >= e) return NULL;
  if (*s == '"') return skip_string(s, e);
  if (*s != '{' && *s != '[') {
    while (s < e && !strchr(",}] \t\r\n", *s)) s++;
    return s;
  }
  char close = *s == '{' ? '}' : ']';
  s = skip_ws(s + 1, e);
  if (s < e && *s == close) return s + 1;
  for (;;) {
    if (close == '}') {
      if (!(s = skip_string(s, e))) return NULL;
      s = skip_ws(s, e);
      if (s >= e || *s != ':') return NULL;
      s = skip_ws(s + 1, e);
    }
    if (!(s = skip_value(s, e))) return NULL;
    s = skip_ws(s, e);
    if (s < e && *s == close) return s + 1;
    if (s >= e || *s != ',') return NULL;
    s = skip_ws(s + 1, e);
  }
}

/* s at the value the steps lead into: the opening quote of the last
   step's key, or NULL (an escaped key: not compared). */
static const char *find_key(const char *s, const char *e, const Step *st, int n)
{
  s = skip_ws(s, e);
  if (s >= e) return NULL;
  if (!st->key) {
    if (*s != '[') return NULL;
    s = skip_ws(s + 1, e);
    for (size_t i = 0;; i++) {
      if (i == st->idx) return n > 1 ? find_key(s, e, st + 1, n - 1) : NULL;
      if (!(s = skip_value(s, e))) return NULL;
      s = skip_ws(s, e);
      if (s >= e || *s != ',') return NULL;
      s = skip_ws(s + 1, e);
    }
  }
  if (*s != '{') return NULL;
  s = skip_ws(s + 1, e);
  size_t klen = strlen(st->key);
  while (s < e && *s == '"') {
    const char *k = s, *after = skip_string(s, e);
    if (!after) return NULL;
    int same = (size_t)(after - k - 2) == klen && memcmp(k + 1, st->key, klen) == 0;
    s = skip_ws(after, e);
    if (s >= e || *s != ':') return NULL;
    s = skip_ws(s + 1, e);
    if (same) return n > 1 ? find_key(s, e, st + 1, n - 1) : k;
    if (!(s = skip_value(s, e))) return NULL;
    s = skip_ws(s, e);
    if (s >= e || *s != ',') return NULL;
    s = skip_ws(s + 1, e);
  }
  return NULL;
}

/* "FILE:LINE:COL" of the key at the current steps, else "FILE". */
static void where(const Walk *w, char *buf, size_t cap)
{
  const char *k = w->text ? find_key(w->text, w->end, w->steps, w->nsteps) : NULL;
  if (!k) {
    snprintf(buf, cap, "%s", w->file);
    return;
  }
  int line = 1, col = 1;
  for (const char *s = w->text; s < k; s++) {
    if (*s == '\n') { line++; col = 1; }
    else col++;
  }
  snprintf(buf, cap, "%s:%d:%d", w->file, line, col);
}

/* Path buffer: "symptoms.pain_nr", "injections[1].dat". */
#define KEY_PATH_MAX 1024

typedef struct Names {
  char **s;
  size_t n, cap;
} Names;

static void names_add(Names *ns, const char *s, size_t len)
{
  for (size_t i = 0; i < ns->n; i++)
    if (strlen(ns->s[i]) == len && memcmp(ns->s[i], s, len) == 0) return;
  if (ns->n == ns->cap) {
    ns->cap = ns->cap ? ns->cap * 2 : 16;
    ns->s = realloc(ns->s, ns->cap * sizeof *ns->s);
    if (!ns->s) { fputs("polvm: out of memory\n", stderr); abort(); }
  }
  ns->s[ns->n] = strndup(s, len);
  if (!ns->s[ns->n]) { fputs("polvm: out of memory\n", stderr); abort(); }
  ns->n++;
}

static void names_free(Names *ns)
{
  for (size_t i = 0; i < ns->n; i++) free(ns->s[i]);
  free(ns->s);
}

/* The keys known at a level. */
static void known_keys(const pol_Program *p, const Level *lv, Names *ns)
{
  static const char *const root[] = {"case_id", "request"};
  /* "id": the request's identifier, shown by the notice (docs/notice.md);
     "priority": the due-by time of polvm serve (docs/case-extensions.md) */
  static const char *const request[] = {"date", "service_date", "plan", "procedures", "review", "id", "priority"};
  /* the member's identifiers the notice shows (docs/case-extensions.md) */
  static const char *const patient[] = {"name", "member_id"};
  static const char *const line[] = {"line", "cpt", "prior_determination"};
  switch (lv->kind) {
  case LV_REQUEST:
    for (size_t i = 0; i < sizeof request / sizeof request[0]; i++) names_add(ns, request[i], strlen(request[i]));
    return;
  case LV_REC:
    for (uint32_t i = 0; i < p->rec[lv->rec].nfields; i++) {
      uint32_t name = p->rec[lv->rec].fields[i].name;
      names_add(ns, p->str[name], strlen(p->str[name]));
    }
    return;
  case LV_PATHS:
    break;
  }
  if (lv->scope == POL_SCOPE_CASE && strcmp(lv->prefix, "patient.") == 0)
    for (size_t i = 0; i < sizeof patient / sizeof patient[0]; i++) names_add(ns, patient[i], strlen(patient[i]));
  if (!*lv->prefix) {
    const char *const *fixed = lv->scope == POL_SCOPE_CASE ? root : line;
    size_t nfixed = lv->scope == POL_SCOPE_CASE ? sizeof root / sizeof root[0]
                                                : sizeof line / sizeof line[0];
    for (size_t i = 0; i < nfixed; i++) names_add(ns, fixed[i], strlen(fixed[i]));
  }
  size_t plen = strlen(lv->prefix);
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    if (p->facts[f].scope != lv->scope || strncmp(path, lv->prefix, plen) != 0) continue;
    names_add(ns, path + plen, strcspn(path + plen, "."));
  }
}

static void walk(Walk *w, const json_t *j, const Level *lv, char *path, size_t plen, int depth);

/* Walks each object item of array a at level lv, its path "[i]". */
static void walk_items(Walk *w, const json_t *a, const Level *lv, char *path, size_t plen,
                       int depth)
{
  size_t i;
  const json_t *it;
  json_array_foreach(a, i, it) {
    int n = snprintf(path + plen, KEY_PATH_MAX - plen, "[%zu]", i);
    if (n < 0 || (size_t)n >= KEY_PATH_MAX - plen) continue;
    w->steps[w->nsteps++] = (Step){NULL, i};
    if (json_is_object(it)) walk(w, it, lv, path, plen + (size_t)n, depth + 1);
    w->nsteps--;
  }
}

/* Descends into a value of type t (a record, or a list of records). */
static void walk_typed(Walk *w, const json_t *v, uint32_t t, char *path, size_t plen, int depth)
{
  Level rec = {LV_REC, 0, "", POL_TREC(t)};
  if (POL_TKIND(t) == PK_REC && json_is_object(v))
    walk(w, v, &rec, path, plen, depth + 1);
  else if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && json_is_array(v))
    walk_items(w, v, &rec, path, plen, depth);
}

/* Follows a known key k (value v) of level lv. */
static void descend(Walk *w, const char *k, const json_t *v, const Level *lv, char *path, size_t plen,
                    int depth)
{
  const pol_Program *p = w->p;
  if (lv->kind == LV_REC) {
    for (uint32_t i = 0; i < p->rec[lv->rec].nfields; i++)
      if (strcmp(p->str[p->rec[lv->rec].fields[i].name], k) == 0)
        walk_typed(w, v, p->rec[lv->rec].fields[i].type, path, plen, depth);
    return;
  }
  if (lv->kind == LV_REQUEST) {
    if (strcmp(k, "procedures") != 0 || !json_is_array(v)) return;
    Level line = {LV_PATHS, POL_SCOPE_LINE, "", 0};
    walk_items(w, v, &line, path, plen, depth);
    return;
  }
  if (!*lv->prefix && lv->scope == POL_SCOPE_CASE && strcmp(k, "request") == 0) {
    Level rq = {LV_REQUEST, 0, "", 0};
    if (json_is_object(v)) walk(w, v, &rq, path, plen, depth + 1);
    return;
  }
  char prefix[KEY_PATH_MAX];
  int n = snprintf(prefix, sizeof prefix, "%s%s", lv->prefix, k);
  if (n < 0 || (size_t)n + 1 >= sizeof prefix) return;
  size_t len = (size_t)n;
  int deeper = 0;
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *fp = p->str[p->facts[f].path];
    if (p->facts[f].scope != lv->scope || strncmp(fp, prefix, len) != 0) continue;
    if (fp[len] == '\0') walk_typed(w, v, p->facts[f].type, path, plen, depth);
    else if (fp[len] == '.') deeper = 1;
  }
  if (deeper && json_is_object(v)) {
    prefix[len] = '.';
    prefix[len + 1] = '\0';
    Level sub = {LV_PATHS, lv->scope, prefix, 0};
    walk(w, v, &sub, path, plen, depth + 1);
  }
}

static void walk(Walk *w, const json_t *j, const Level *lv, char *path, size_t plen, int depth)
{
  if (depth > POL_CASE_MAX_DEPTH || w->nsteps + 2 > POL_CASE_MAX_DEPTH + 2) return;
  Names known = {0};
  known_keys(w->p, lv, &known);
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)j, k, v) {
    int is_known = 0;
    for (size_t i = 0; i < known.n && !is_known; i++) is_known = strcmp(known.s[i], k) == 0;
    int n = snprintf(path + plen, KEY_PATH_MAX - plen, "%s%s", plen ? "." : "", k);
    if (n < 0 || (size_t)n >= KEY_PATH_MAX - plen) continue;
    w->steps[w->nsteps++] = (Step){k, 0};
    if (is_known) {
      descend(w, k, v, lv, path, plen + (size_t)n, depth);
      w->nsteps--;
      continue;
    }
    pol_Suggest s;
    pol_suggest_init(&s, k);
    for (size_t i = 0; i < known.n; i++) pol_suggest_consider(&s, known.s[i]);
    const char *best = pol_suggest_best(&s);
    if (best) {
      char at[KEY_PATH_MAX + 64];
      where(w, at, sizeof at);
      fprintf(stderr, "polvm: warning: %s: %s is not a known field; did you mean %.*s%s%s?\n", at, path,
              (int)plen, path, plen ? "." : "", best);
      w->nwarnings++;
    }
    w->nsteps--;
  }
  path[plen] = '\0';
  names_free(&known);
}

int cli_case_key_warnings(const pol_Program *p, const json_t *root, const char *file, const char *text,
                          size_t len)
{
  if (!json_is_object(root) || pol_fhir_is_bundle(root)) return 0;   /* a Bundle: pol_case_notes */
  Walk w;
  memset(&w, 0, sizeof w);
  w.p = p;
  w.file = file;
  w.text = text;
  w.end = text ? text + len : NULL;
  char path[KEY_PATH_MAX] = "";
  Level top = {LV_PATHS, POL_SCOPE_CASE, "", 0};
  walk(&w, root, &top, path, 0, 0);
  return w.nwarnings;
}
