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
#include "suggest.h"

enum { LV_PATHS, LV_REQUEST, LV_REC };

typedef struct Level {
  int kind;
  uint32_t scope;        /* LV_PATHS: POL_SCOPE_CASE or POL_SCOPE_LINE */
  const char *prefix;    /* LV_PATHS: "" or "symptoms." */
  uint32_t rec;          /* LV_REC */
} Level;

typedef struct Walk {
  const pol_Program *p;
  const char *file;
  int nwarnings;
} Walk;

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
  static const char *const request[] = {"date", "service_date", "plan", "procedures"};
  static const char *const line[] = {"line", "cpt"};
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
  if (!*lv->prefix) {
    const char *const *fixed = lv->scope == POL_SCOPE_CASE ? root : line;
    for (size_t i = 0; i < 2; i++) names_add(ns, fixed[i], strlen(fixed[i]));
  }
  size_t plen = strlen(lv->prefix);
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    if (p->facts[f].scope != lv->scope || strncmp(path, lv->prefix, plen) != 0) continue;
    names_add(ns, path + plen, strcspn(path + plen, "."));
  }
}

static void walk(Walk *w, const json_t *j, const Level *lv, char *path, size_t plen, int depth);

/* Descends into a value of type t (a record, or a list of records). */
static void walk_typed(Walk *w, const json_t *v, uint32_t t, char *path, size_t plen, int depth)
{
  Level rec = {LV_REC, 0, "", POL_TREC(t)};
  if (POL_TKIND(t) == PK_REC && json_is_object(v)) {
    walk(w, v, &rec, path, plen, depth + 1);
  } else if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && json_is_array(v)) {
    size_t i;
    const json_t *it;
    json_array_foreach(v, i, it) {
      int n = snprintf(path + plen, KEY_PATH_MAX - plen, "[%zu]", i);
      if (n < 0 || (size_t)n >= KEY_PATH_MAX - plen) continue;
      if (json_is_object(it)) walk(w, it, &rec, path, plen + (size_t)n, depth + 1);
    }
  }
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
    size_t i;
    const json_t *it;
    json_array_foreach(v, i, it) {
      int n = snprintf(path + plen, KEY_PATH_MAX - plen, "[%zu]", i);
      if (n < 0 || (size_t)n >= KEY_PATH_MAX - plen) continue;
      if (json_is_object(it)) walk(w, it, &line, path, plen + (size_t)n, depth + 1);
    }
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
  if (depth > POL_CASE_MAX_DEPTH) return;
  Names known = {0};
  known_keys(w->p, lv, &known);
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)j, k, v) {
    int is_known = 0;
    for (size_t i = 0; i < known.n && !is_known; i++) is_known = strcmp(known.s[i], k) == 0;
    int n = snprintf(path + plen, KEY_PATH_MAX - plen, "%s%s", plen ? "." : "", k);
    if (n < 0 || (size_t)n >= KEY_PATH_MAX - plen) continue;
    if (is_known) {
      descend(w, k, v, lv, path, plen + (size_t)n, depth);
      continue;
    }
    pol_Suggest s;
    pol_suggest_init(&s, k);
    for (size_t i = 0; i < known.n; i++) pol_suggest_consider(&s, known.s[i]);
    const char *best = pol_suggest_best(&s);
    if (!best) continue;
    fprintf(stderr, "polvm: warning: %s: %s is not a known field; did you mean %.*s%s%s?\n", w->file, path,
            (int)plen, path, plen ? "." : "", best);
    w->nwarnings++;
  }
  path[plen] = '\0';
  names_free(&known);
}

int cli_case_key_warnings(const pol_Program *p, const json_t *root, const char *file)
{
  if (!json_is_object(root)) return 0;
  Walk w = {p, file, 0};
  char path[KEY_PATH_MAX] = "";
  Level top = {LV_PATHS, POL_SCOPE_CASE, "", 0};
  walk(&w, root, &top, path, 0, 0);
  return w.nwarnings;
}
