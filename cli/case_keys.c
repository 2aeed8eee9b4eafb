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
#include "util.h"

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

typedef struct PathIndex PathIndex;

typedef struct Walk {
  const pol_Program *p;
  const PathIndex *ix;   /* the fact paths by (scope, path prefix) */
  const char *file;
  const char *text;      /* the document's text, or NULL: no positions */
  const char *end;
  Step steps[POL_CASE_MAX_DEPTH + 2];
  int nsteps;
  int nwarnings;
} Walk;

/* Growable strings: the path a warning shows ("symptoms.pain_nr",
   "injections[1].dat"), a fact path joined from a level's prefix and a
   key, a key copied from the text.  They have no length limit of their
   own (a case is at most POL_CASE_MAX_BYTES), so a long key is looked up,
   walked into and reported like a short one.  Each starts in an array of
   its caller's (KEY_INLINE bytes, enough for every path of the bundled
   policies) and moves to the heap only when it outgrows it. */
enum { KEY_INLINE = 256 };

/* b->s with room for n bytes, its first bytes kept (the walk keeps its own
   lengths: b->n stays 0). */
static inline char *buf_room(pol_Buf *b, size_t n)
{
  pol_buf_reserve(b, n);
  return b->s;
}

/* ---- where a key is written: a small scanner over the (valid) text ---- */

static const char *skip_ws(const char *s, const char *e)
{
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
  return s;
}

/* s at '"': just past the closing quote, or NULL. */
static const char *skip_string(const char *s, const char *e)
{
  const char *q = memchr(s + 1, '"', (size_t)(e - s - 1));   /* no backslash before it: the end */
  if (q && !memchr(s + 1, '\\', (size_t)(q - s - 1))) return q + 1;
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
    while (s < e && *s != ',' && *s != '}' && *s != ']' && *s != ' ' && *s != '\t' && *s != '\r' &&
           *s != '\n' && *s != '\0')   /* strchr(",}] \t\r\n", *s): its NUL too */
      s++;
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
static void where(const Walk *w, pol_Buf *buf)
{
  const char *k = w->text ? find_key(w->text, w->end, w->steps, w->nsteps) : NULL;
  if (!k) {
    size_t n = strlen(w->file);
    memcpy(buf_room(buf, n + 1), w->file, n + 1);
    return;
  }
  int line = 1, col = 1;
  for (const char *s = w->text; s < k; s++) {
    if (*s == '\n') { line++; col = 1; }
    else col++;
  }
  int n = snprintf(buf->s, buf->cap, "%s:%d:%d", w->file, line, col);
  if (n >= 0 && (size_t)n >= buf->cap) snprintf(buf_room(buf, (size_t)n + 1), (size_t)n + 1, "%s:%d:%d", w->file, line, col);
}

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

/* The case-format keys of a level, beside the bundle's names. */
static const char *const root_keys[] = {"case_id", "request"};
/* "id": the request's identifier, shown by the notice (docs/notice.md);
   "priority": the due-by time of polvm serve (docs/case-extensions.md) */
static const char *const request_keys[] = {"date", "service_date", "plan", "procedures", "review", "id", "priority"};
/* the member's identifiers the notice shows (docs/case-extensions.md) */
static const char *const patient_keys[] = {"name", "member_id"};
static const char *const line_keys[] = {"line", "cpt", "prior_determination"};

/* The keys known at a level. */
static void known_keys(const pol_Program *p, const Level *lv, Names *ns)
{
  switch (lv->kind) {
  case LV_REQUEST:
    for (size_t i = 0; i < sizeof request_keys / sizeof request_keys[0]; i++) names_add(ns, request_keys[i], strlen(request_keys[i]));
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
    for (size_t i = 0; i < sizeof patient_keys / sizeof patient_keys[0]; i++) names_add(ns, patient_keys[i], strlen(patient_keys[i]));
  if (!*lv->prefix) {
    const char *const *fixed = lv->scope == POL_SCOPE_CASE ? root_keys : line_keys;
    size_t nfixed = lv->scope == POL_SCOPE_CASE ? sizeof root_keys / sizeof root_keys[0]
                                                : sizeof line_keys / sizeof line_keys[0];
    for (size_t i = 0; i < nfixed; i++) names_add(ns, fixed[i], strlen(fixed[i]));
  }
  size_t plen = strlen(lv->prefix);
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    if (p->facts[f].scope != lv->scope || strncmp(path, lv->prefix, plen) != 0) continue;
    names_add(ns, path + plen, strcspn(path + plen, "."));
  }
}

/* ---- the fact paths, indexed ------------------------------------------

   Whether a key is known at a level, and which facts or fields it names,
   used to be a walk over every fact (or every field of the record) for
   every key of the case (each key compared with every path).  The index
   holds, per scope, every path of a fact and every prefix of one that ends
   before a '.': "symptoms" and "symptoms.pain_nrs" for symptoms.pain_nrs;
   and per record type (scope IX_REC + r) its field names.  A key k at
   prefix P is known exactly when P + k is there; the facts whose path is
   P + k, or the fields named k (in table order), are walked into, and
   "deeper" says a path goes on after it.  Built once per case file
   (docs/performance.md, "Start-up, fourth pass"). */
enum { IX_REC = POL_SCOPE_LINE + 1 };

typedef struct IxEntry {
  const char *s;         /* the path's first len bytes (borrowed from the program) */
  uint32_t len, scope;
  uint32_t first;        /* the first item (below) that is exactly this, or POL_NOSTR */
  int deeper;            /* some path of this scope goes on after it with a '.' */
} IxEntry;

/* Items: the facts 0 .. nfacts-1, then record r's fields from rec0[r] on. */
struct PathIndex {
  IxEntry *e;
  uint32_t n;
  uint32_t *slot;        /* open addressing: entry index, POL_NOSTR = empty */
  uint32_t mask;
  uint32_t *next;        /* next[item]: the next item of its entry */
  uint32_t *last;        /* per entry: its last item so far (building) */
  uint32_t *rec0;
};

static void *ix_alloc(size_t n)
{
  void *q = malloc(n ? n : 1);
  if (!q) { fputs("polvm: out of memory\n", stderr); abort(); }
  return q;
}

/* The keys are the case's, the table the program's (pol_hash_words). */
static inline uint32_t ix_hash(uint32_t scope, const char *s, size_t n) { return pol_hash_words(scope, s, n); }

static const IxEntry *ix_find(const PathIndex *ix, uint32_t scope, const char *s, size_t n)
{
  for (uint32_t i = ix_hash(scope, s, n) & ix->mask;; i = (i + 1) & ix->mask) {
    uint32_t at = ix->slot[i];
    if (at == POL_NOSTR) return NULL;
    const IxEntry *e = &ix->e[at];
    if (e->len == n && e->scope == scope && memcmp(e->s, s, n) == 0) return e;
  }
}

/* The entry of (scope, s[0 .. n)), added if new. */
static IxEntry *ix_add(PathIndex *ix, uint32_t scope, const char *s, size_t n)
{
  uint32_t i = ix_hash(scope, s, n) & ix->mask;
  for (; ix->slot[i] != POL_NOSTR; i = (i + 1) & ix->mask) {
    IxEntry *e = &ix->e[ix->slot[i]];
    if (e->len == n && e->scope == scope && memcmp(e->s, s, n) == 0) return e;
  }
  ix->slot[i] = ix->n;
  ix->last[ix->n] = POL_NOSTR;
  IxEntry *e = &ix->e[ix->n++];
  *e = (IxEntry){s, (uint32_t)n, scope, POL_NOSTR, 0};
  return e;
}

/* Item `item` is exactly (scope, s): appended to its entry's list. */
static void ix_item(PathIndex *ix, uint32_t scope, const char *s, uint32_t item)
{
  IxEntry *e = ix_add(ix, scope, s, strlen(s));
  uint32_t at = (uint32_t)(e - ix->e);
  ix->next[item] = POL_NOSTR;
  if (e->first == POL_NOSTR) e->first = item;
  else ix->next[ix->last[at]] = item;
  ix->last[at] = item;
}

static void ix_build(PathIndex *ix, const pol_Program *p)
{
  size_t max = 0, nitems = p->nfacts;   /* entries: one per component of each path, per field */
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    max++;
    for (const char *d = strchr(path, '.'); d; d = strchr(d + 1, '.')) max++;
  }
  for (uint32_t r = 0; r < p->nrec; r++) nitems += p->rec[r].nfields;
  max += nitems - p->nfacts;
  uint32_t size = 16;
  while (size < 2 * max) size *= 2;
  ix->e = ix_alloc(max * sizeof *ix->e);
  ix->last = ix_alloc(max * sizeof *ix->last);
  ix->next = ix_alloc(nitems * sizeof *ix->next);
  ix->rec0 = ix_alloc((size_t)p->nrec * sizeof *ix->rec0);
  ix->slot = ix_alloc((size_t)size * sizeof *ix->slot);
  memset(ix->slot, 0xff, (size_t)size * sizeof *ix->slot);
  ix->mask = size - 1;
  ix->n = 0;
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    uint32_t scope = p->facts[f].scope;
    for (const char *d = strchr(path, '.'); d; d = strchr(d + 1, '.'))
      ix_add(ix, scope, path, (size_t)(d - path))->deeper = 1;
    ix_item(ix, scope, path, f);
  }
  uint32_t item = p->nfacts;
  for (uint32_t r = 0; r < p->nrec; r++) {
    ix->rec0[r] = item;
    for (uint32_t i = 0; i < p->rec[r].nfields; i++)
      ix_item(ix, IX_REC + r, p->str[p->rec[r].fields[i].name], item++);
  }
}

static void ix_free(PathIndex *ix)
{
  free(ix->e);
  free(ix->last);
  free(ix->next);
  free(ix->rec0);
  free(ix->slot);
}

/* prefix + k into buf, NUL-terminated: its length. */
static size_t join_key(pol_Buf *buf, const char *prefix, const char *k)
{
  size_t a = strlen(prefix), b = strlen(k);
  char *s = buf_room(buf, a + b + 1);
  memcpy(s, prefix, a);
  memcpy(s + a, k, b + 1);
  return a + b;
}

/* Whether known_keys(p, lv) would list k, without building the list (a
   walk asks this of every key, and builds the list only for a key that
   is not known: the suggestions). */
static int in_list(const char *const *list, size_t n, const char *k)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], k) == 0) return 1;
  return 0;
}

static int key_known(const PathIndex *ix, const Level *lv, const char *k)
{
  switch (lv->kind) {
  case LV_REQUEST: return in_list(request_keys, sizeof request_keys / sizeof request_keys[0], k);
  case LV_REC: return ix_find(ix, IX_REC + lv->rec, k, strlen(k)) != NULL;
  case LV_PATHS:
    break;
  }
  if (lv->scope == POL_SCOPE_CASE && strcmp(lv->prefix, "patient.") == 0 &&
      in_list(patient_keys, sizeof patient_keys / sizeof patient_keys[0], k))
    return 1;
  if (!*lv->prefix && (lv->scope == POL_SCOPE_CASE ? in_list(root_keys, sizeof root_keys / sizeof root_keys[0], k)
                                                   : in_list(line_keys, sizeof line_keys / sizeof line_keys[0], k)))
    return 1;
  char inl[KEY_INLINE];
  pol_Buf full;
  pol_buf_init_in(&full, inl, sizeof inl);
  size_t n = join_key(&full, lv->prefix, k);
  int known = ix_find(ix, lv->scope, full.s, n) != NULL;
  pol_buf_free(&full);
  return known;
}

/* ---- the values walked: a jansson document, or the text itself ---------

   polvm trace loads a case with the schema-directed reader (jread.h) and
   has no document: then the walk reads the text, which the reader found
   valid, and which has no backslash at all (cli_case_key_warnings_text
   checks), so every key is its own bytes.  One walk serves both. */
typedef struct Val {
  const json_t *j;       /* the document's value, or NULL: */
  const char *t, *e;     /* the value's first byte in the text, the text's end */
} Val;

static int val_is_object(const Val *v) { return v->j ? json_is_object(v->j) : *v->t == '{'; }
static int val_is_array(const Val *v) { return v->j ? json_is_array(v->j) : *v->t == '['; }

/* Members of an object, items of an array, in the order written. */
typedef struct Iter {
  Val v;
  void *it;              /* jansson's object iterator */
  size_t i;              /* jansson's array index */
  const char *s;         /* text: at the next member or item, or NULL: done */
  const char *val;       /* text: the value last returned, not yet passed */
  const char *after;     /* text: just past it, when a walk into it found that; else NULL */
  const char *end;       /* text: just past the closing bracket, once the last was passed */
} Iter;

static void iter_init(Iter *it, const Val *v)
{
  it->v = *v;
  it->it = v->j && json_is_object(v->j) ? json_object_iter((json_t *)v->j) : NULL;
  it->i = 0;
  it->s = it->val = it->after = it->end = NULL;
  if (!v->j) {
    const char *s = skip_ws(v->t + 1, v->e);
    it->s = s < v->e && *s != '}' && *s != ']' ? s : NULL;
    if (s < v->e && (*s == '}' || *s == ']')) it->end = s + 1;
  }
}

/* text: past the value last returned (where a walk into it ended, else
   skipped here: a value the walk read is not scanned twice), the
   separator and blanks: it->s at the next, or NULL and it->end past the
   closing bracket after the last. */
static void text_pass(Iter *it)
{
  if (!it->val) return;
  const char *e = it->v.e, *s = it->after ? it->after : skip_value(it->val, e);
  it->val = it->after = NULL;
  it->s = NULL;
  if (s) s = skip_ws(s, e);
  if (!s || s >= e) return;
  if (*s == ',') it->s = skip_ws(s + 1, e);
  else if (*s == '}' || *s == ']') it->end = s + 1;
}

/* The next member: its key (NUL-terminated: jansson's, or copied into
   buf) and value.  0 after the last. */
static int obj_next(Iter *it, pol_Buf *buf, const char **key, Val *val)
{
  if (it->v.j) {
    if (!it->it) return 0;
    *key = json_object_iter_key(it->it);
    *val = (Val){json_object_iter_value(it->it), NULL, NULL};
    it->it = json_object_iter_next((json_t *)it->v.j, it->it);
    return 1;
  }
  text_pass(it);
  if (!it->s) return 0;
  const char *k = it->s, *after = skip_string(k, it->v.e);
  size_t klen = after ? (size_t)(after - k - 2) : 0;
  const char *v = after ? skip_ws(after, it->v.e) : NULL;
  if (!v || v >= it->v.e || *v != ':') { it->s = NULL; return 0; }   /* not after a valid text */
  v = skip_ws(v + 1, it->v.e);
  char *b = buf_room(buf, klen + 1);
  memcpy(b, k + 1, klen);
  b[klen] = '\0';
  *key = b;
  *val = (Val){NULL, v, it->v.e};
  it->val = v;
  return 1;
}

/* The next item and its index.  0 after the last. */
static int arr_next(Iter *it, size_t *idx, Val *val)
{
  if (it->v.j) {
    if (it->i >= json_array_size(it->v.j)) return 0;
    *idx = it->i;
    *val = (Val){json_array_get(it->v.j, it->i++), NULL, NULL};
    return 1;
  }
  text_pass(it);
  if (!it->s) return 0;
  *idx = it->i++;
  *val = (Val){NULL, it->s, it->v.e};
  it->val = it->s;
  return 1;
}

/* The walks return, for a text, where the value they walked ends (just
   past its closing bracket), else NULL. */
static const char *walk(Walk *w, const Val *j, const Level *lv, pol_Buf *path, size_t plen, int depth);

/* Walks each object item of array a at level lv, its path "[i]". */
static const char *walk_items(Walk *w, const Val *a, const Level *lv, pol_Buf *path, size_t plen,
                              int depth)
{
  Iter items;
  size_t i;
  Val it;
  iter_init(&items, a);
  while (arr_next(&items, &i, &it)) {
    char at[3 * sizeof i + 3];
    int n = snprintf(at, sizeof at, "[%zu]", i);
    memcpy(buf_room(path, plen + (size_t)n + 1) + plen, at, (size_t)n + 1);
    w->steps[w->nsteps++] = (Step){NULL, i};
    if (val_is_object(&it)) items.after = walk(w, &it, lv, path, plen + (size_t)n, depth + 1);
    w->nsteps--;
  }
  return items.end;
}

/* Descends into a value of type t (a record, or a list of records). */
static const char *walk_typed(Walk *w, const Val *v, uint32_t t, pol_Buf *path, size_t plen, int depth)
{
  Level rec = {LV_REC, 0, "", POL_TREC(t)};
  if (POL_TKIND(t) == PK_REC && val_is_object(v))
    return walk(w, v, &rec, path, plen, depth + 1);
  if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && val_is_array(v))
    return walk_items(w, v, &rec, path, plen, depth);
  return NULL;
}

/* Follows a known key k (value v) of level lv. */
static const char *descend(Walk *w, const char *k, const Val *v, const Level *lv, pol_Buf *path,
                           size_t plen, int depth)
{
  const pol_Program *p = w->p;
  const char *end = NULL, *x;   /* every walk into v that ends finds v's end */
  if (lv->kind == LV_REC) {
    const IxEntry *e = ix_find(w->ix, IX_REC + lv->rec, k, strlen(k));
    const pol_Field *fl = p->rec[lv->rec].fields;
    for (uint32_t i = e ? e->first : POL_NOSTR; i != POL_NOSTR; i = w->ix->next[i])   /* in field order */
      if ((x = walk_typed(w, v, fl[i - w->ix->rec0[lv->rec]].type, path, plen, depth))) end = x;
    return end;
  }
  if (lv->kind == LV_REQUEST) {
    if (strcmp(k, "procedures") != 0 || !val_is_array(v)) return NULL;
    Level line = {LV_PATHS, POL_SCOPE_LINE, "", 0};
    return walk_items(w, v, &line, path, plen, depth);
  }
  if (!*lv->prefix && lv->scope == POL_SCOPE_CASE && strcmp(k, "request") == 0) {
    Level rq = {LV_REQUEST, 0, "", 0};
    return val_is_object(v) ? walk(w, v, &rq, path, plen, depth + 1) : NULL;
  }
  char inl[KEY_INLINE];
  pol_Buf prefix;
  pol_buf_init_in(&prefix, inl, sizeof inl);
  size_t len = join_key(&prefix, lv->prefix, k);
  const IxEntry *e = ix_find(w->ix, lv->scope, prefix.s, len);
  for (uint32_t f = e ? e->first : POL_NOSTR; f != POL_NOSTR; f = w->ix->next[f])   /* in fact order */
    if ((x = walk_typed(w, v, p->facts[f].type, path, plen, depth))) end = x;
  if (e && e->deeper && val_is_object(v)) {
    char *s = buf_room(&prefix, len + 2);
    s[len] = '.';
    s[len + 1] = '\0';
    Level sub = {LV_PATHS, lv->scope, s, 0};
    if ((x = walk(w, v, &sub, path, plen, depth + 1))) end = x;
  }
  pol_buf_free(&prefix);
  return end;
}

static const char *walk(Walk *w, const Val *j, const Level *lv, pol_Buf *path, size_t plen, int depth)
{
  if (depth > POL_CASE_MAX_DEPTH || w->nsteps + 2 > POL_CASE_MAX_DEPTH + 2) return NULL;
  Names known = {0};   /* known_keys, built at the first key not known */
  int listed = 0;
  Iter members;
  const char *k;
  char kinl[KEY_INLINE];
  pol_Buf kbuf;
  pol_buf_init_in(&kbuf, kinl, sizeof kinl);
  Val vv, *v = &vv;
  iter_init(&members, j);
  while (obj_next(&members, &kbuf, &k, &vv)) {
    size_t klen = strlen(k), n = (plen ? 1 : 0) + klen;   /* "%s%s", plen ? "." : "", k */
    int is_known = key_known(w->ix, lv, k);
    char *ps = buf_room(path, plen + n + 1);
    if (plen) ps[plen] = '.';
    memcpy(ps + plen + (plen ? 1 : 0), k, klen + 1);
    w->steps[w->nsteps++] = (Step){k, 0};
    if (is_known) {
      members.after = descend(w, k, v, lv, path, plen + n, depth);
      w->nsteps--;
      continue;
    }
    if (!listed) known_keys(w->p, lv, &known);
    listed = 1;
    pol_Suggest s;
    pol_suggest_init(&s, k);
    for (size_t i = 0; i < known.n; i++) pol_suggest_consider(&s, known.s[i]);
    const char *best = pol_suggest_best(&s);
    if (best) {
      char at[KEY_INLINE];
      pol_Buf where_at;
      pol_buf_init_in(&where_at, at, sizeof at);
      where(w, &where_at);
      fprintf(stderr, "polvm: warning: %s: %s is not a known field; did you mean %.*s%s%s?\n", where_at.s,
              path->s, (int)plen, path->s, plen ? "." : "", best);
      pol_buf_free(&where_at);
      w->nwarnings++;
    }
    w->nsteps--;
  }
  path->s[plen] = '\0';
  pol_buf_free(&kbuf);
  names_free(&known);
  return members.end;
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
  char inl[KEY_INLINE];
  pol_Buf path;
  pol_buf_init_in(&path, inl, sizeof inl);
  Level top = {LV_PATHS, POL_SCOPE_CASE, "", 0};
  Val v = {root, NULL, NULL};
  PathIndex ix;
  ix_build(&ix, p);
  w.ix = &ix;
  walk(&w, &v, &top, &path, 0, 0);
  ix_free(&ix);
  pol_buf_free(&path);
  return w.nwarnings;
}

int cli_case_key_warnings_text(const pol_Program *p, const char *file, const char *text, size_t len)
{
  if (memchr(text, '\\', len)) return -1;
  Walk w;
  memset(&w, 0, sizeof w);
  w.p = p;
  w.file = file;
  w.text = text;
  w.end = text + len;
  const char *s = skip_ws(text, text + len);
  if (s >= w.end || *s != '{') return -1;
  char inl[KEY_INLINE];
  pol_Buf path;
  pol_buf_init_in(&path, inl, sizeof inl);
  Level top = {LV_PATHS, POL_SCOPE_CASE, "", 0};
  Val v = {NULL, s, w.end};
  PathIndex ix;
  ix_build(&ix, p);
  w.ix = &ix;
  walk(&w, &v, &top, &path, 0, 0);
  ix_free(&ix);
  pol_buf_free(&path);
  return w.nwarnings;
}
