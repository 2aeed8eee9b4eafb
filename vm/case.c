/*
 * case.c -- loading a case (JSON, case-format v1) into typed fact slots.
 *
 * pol_case_new precomputes what every load needs: each fact's path split
 * into components (slices of the program's path string) and a hash table
 * from the program's strings to their ids.  pol_case_load then walks the
 * JSON once per fact, converting by type code; errors carry a stable code
 * and name the full path ("C0102 injections[1].levels[0]: expected string,
 * got number"; codes in docs/errors.md) and the first one wins.
 * pol_case_parse refuses a document before jansson builds it: over 16 MiB,
 * nested deeper than 64 levels (docs/limits.md).
 *
 * Ownership: the program is borrowed and must outlive the case.  The JSON
 * document is borrowed for the duration of a load only: every string the
 * case exposes is either a program string or a copy in the case's arena.
 * The arena (a list of chunks) and the slot/line arrays belong to the case;
 * a load resets them and reuses their memory, so once they have grown to
 * fit the largest case seen, loading mallocs nothing (jansson aside).
 */
#include "case.h"
#include "fhir_in.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In an AddressSanitizer build the arena's free space is poisoned: a load
   makes the whole arena unreadable, each allocation makes its bytes
   readable again, so a value kept from an earlier case (a stale list in a
   register) is caught where it is read instead of reading reused memory. */
#if defined(__SANITIZE_ADDRESS__)
#define POL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POL_ASAN 1
#endif
#endif
#ifdef POL_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ARENA_POISON(p, n)   ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define MAX_STR   POL_CASE_MAX_STR    /* case.h */
#define MAX_LIST  POL_CASE_MAX_LIST
#define MAX_NEST  POL_CASE_MAX_NEST
#define CHUNK_MIN 4096u

/* Error codes (docs/errors.md): every message starts with one. */
#define C_MISSING "C0101"   /* a required member is absent or null */
#define C_TYPE    "C0102"   /* a value of the wrong JSON type */
#define C_DATE    "C0103"   /* not a real YYYY-MM-DD date */
#define C_NUMBER  "C0104"   /* not a finite number */
#define C_STRLEN  "C0105"   /* string longer than MAX_STR */
#define C_NUL     "C0106"   /* string with a NUL character */
#define C_LISTLEN "C0107"   /* array longer than MAX_LIST */
#define C_NEST    "C0108"   /* records nested deeper than MAX_NEST */
#define C_LINE    "C0109"   /* request line number not a whole int32 */
#define C_NOMEM   "C0110"   /* out of memory */
#define C_SCHEMA  "C0111"   /* the program's schema cannot be loaded */
#define C_RANGE   "C0112"   /* a number beyond the range of .pol numbers */

/* ---- arena -------------------------------------------------------------- */

typedef struct Chunk {
  struct Chunk *next;
  size_t cap, used;
  _Alignas(16) unsigned char data[];
} Chunk;

typedef struct Comp {   /* one component of a fact path */
  const char *key;      /* slice of the path string, not NUL-terminated */
  size_t len;
  size_t end;           /* length of the path up to and including it */
} Comp;

typedef struct SortKey {
  pol_LineInfo li;
  uint32_t idx;         /* position in request.procedures */
} SortKey;

struct pol_Case {
  const pol_Program *p;
  /* interning (intern): the program's string ids grouped by bucket
     (bucket_of: length, first and last byte), in id order: bucket b is
     byl[bstart[b] .. bstart[b + 1]); a bucket of more than BUCKET_SCAN
     ids also has an open-addressing table over them, btab[b] (POL_NOSTR =
     empty), of bmask[b] + 1 slots */
  uint32_t *byl;
  uint32_t *bstart;     /* NBUCKETS + 1 */
  uint32_t **btab;      /* NBUCKETS, NULL for a bucket scanned */
  uint32_t *bmask;
  /* fact paths: fact f has comps[comp0[f] .. comp0[f+1]) */
  uint32_t *comp0;
  Comp *comps;
  const char *bad;      /* the program's schema cannot be loaded: why */
  /* arena */
  Chunk *chunks, *cur;
  /* per load */
  const char *case_id;
  uint32_t nlines;
  pol_LineInfo *info;   /* nlines, sorted */
  SortKey *keys;        /* lines in document order, then sorted */
  uint32_t *row_of;     /* position in request.procedures -> sorted row */
  uint32_t lcap;        /* capacity of info, keys and row_of */
  pol_Value *slots;     /* max(1, nlines) rows of p->nfacts values */
  size_t scap;          /* capacity of slots, in values */
  char *err;
  size_t errlen;
  pol_Buf notes;        /* a FHIR load's notes (pol_case_notes) */
};

static void arena_reset(pol_Case *c)
{
  for (Chunk *k = c->chunks; k; k = k->next) {
    k->used = 0;
    ARENA_POISON(k->data, k->cap);
  }
  c->cur = c->chunks;
}

/* Memory for n bytes aligned to a (a power of two <= 16); NULL when out of
   memory.  Chunks too small for a request are skipped for this load and
   reused by the next; a new chunk is at least twice the last one, so the
   list stays short. */
static void *arena_alloc(pol_Case *c, size_t n, size_t a)
{
  Chunk *k = c->cur, *last = NULL;
  for (; k; last = k, k = k->next) {
    size_t off = (k->used + a - 1) & ~(a - 1);
    if (off <= k->cap && n <= k->cap - off) {
      k->used = off + n;
      c->cur = k;
      ARENA_UNPOISON(k->data + off, n);
      return k->data + off;
    }
  }
  size_t cap = last ? last->cap * 2 : CHUNK_MIN;
  if (cap < n) cap = n;
  if (cap > SIZE_MAX - sizeof(Chunk)) return NULL;
  k = malloc(sizeof(Chunk) + cap);
  if (!k) return NULL;
  k->next = NULL;
  k->cap = cap;
  k->used = n;
  ARENA_POISON(k->data + n, cap - n);
  if (last) last->next = k; else c->chunks = k;
  c->cur = k;
  return k->data;
}

/* ---- errors ------------------------------------------------------------- */

/* A location in the document, as a chain to the root: a key (a path slice
   of any number of components) or an array index. */
typedef struct Loc {
  const struct Loc *up;
  const char *key;      /* NULL: an index */
  size_t len;
  uint32_t idx;
} Loc;

typedef struct Buf { char *s; size_t cap, len; } Buf;

static void put(Buf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n && b->len + 1 < b->cap; i++) b->s[b->len++] = s[i];
  if (b->cap) b->s[b->len] = '\0';
}

/* Recursion as deep as the location chain, i.e. the type nesting. */
static void put_loc(Buf *b, const Loc *at)
{
  if (!at) return;
  put_loc(b, at->up);
  if (at->key) {
    if (at->up) put(b, ".", 1);
    put(b, at->key, at->len);
  } else {
    char t[16];
    put(b, t, (size_t)snprintf(t, sizeof t, "[%u]", (unsigned)at->idx));
  }
}

/* Writes "CODE path: message" (docs/errors.md) into c->err. */
static int fail(pol_Case *c, const char *code, const Loc *at, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static int fail(pol_Case *c, const char *code, const Loc *at, const char *fmt, ...)
{
  Buf b = {c->err, c->err ? c->errlen : 0, 0};
  char msg[160];
  va_list ap;
  put(&b, code, strlen(code));
  put(&b, " ", 1);
  put_loc(&b, at ? at : &(Loc){NULL, "case", 4, 0});
  put(&b, ": ", 2);
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  put(&b, msg, n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
  return -1;
}

static const char *json_kind(const json_t *j)
{
  switch (json_typeof(j)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: case JSON_REAL: return "number";
  case JSON_TRUE: case JSON_FALSE: return "boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

static const char *kind_name(pol_Kind k)
{
  switch (k) {
  case PK_BOOL: return "boolean";
  case PK_NUM: return "number";
  case PK_STR: return "string";
  case PK_DATE: return "date string";
  case PK_LIST: return "array";
  case PK_REC: return "object";
  default: return "?";
  }
}

static int wrong(pol_Case *c, const Loc *at, const char *want, const json_t *j)
{
  return fail(c, C_TYPE, at, "expected %s, got %s", want, json_kind(j));
}

/* ---- interning ---------------------------------------------------------- */

/* The table is built from the program's strings and only looked up with
   case strings, so the hash need only spread well: pol_hash_words, 8 bytes
   a step (FNV-1a went a byte a step, and pol_case_new hashed every string
   of the program, most of its start-up cost; docs/performance.md
   "Start-up"). */
static inline uint32_t hash(const char *s, size_t n) { return pol_hash_words(0, s, n); }

/* The table is in buckets by length, first and last byte (pol_Case.byl):
   a small bucket is scanned, comparing lengths first, so only the strings
   of crowded buckets are hashed when a case is made (docs/performance.md,
   "Start-up, fourth pass": hashing all 1 250 strings of the bundle was
   most of pol_case_new; policies.polb has no bucket of more than 13).
   Every string is still in the table, and compared whole; a bundle whose
   strings crowd one bucket has them hashed, as before. */
enum { NBUCKETS = 256, BUCKET_SCAN = 16 };

static uint32_t bucket_of(const char *s, size_t n)
{
  if (n == 0) return 0;
  uint32_t x = (uint32_t)n * 0x9e3779b1u + (unsigned char)s[0] * 0x85ebca77u +
               (unsigned char)s[n - 1] * 0xc2b2ae3du;
  x ^= x >> 15;
  x *= 0x2c1b3c6du;
  x ^= x >> 12;
  return x % NBUCKETS;
}

static uint32_t intern(const pol_Case *c, const char *s, size_t n)
{
  const pol_Program *p = c->p;
  uint32_t b = bucket_of(s, n);
  const uint32_t *t = c->btab[b];
  if (!t) {   /* in id order: a duplicate string gives its first id */
    for (uint32_t k = c->bstart[b], end = c->bstart[b + 1]; k < end; k++) {
      uint32_t id = c->byl[k];
      if (p->slen[id] == n && memcmp(p->str[id], s, n) == 0) return id;
    }
    return POL_NOSTR;
  }
  uint32_t mask = c->bmask[b];
  for (uint32_t i = hash(s, n) & mask;; i = (i + 1) & mask) {
    uint32_t id = t[i];
    if (id == POL_NOSTR) return POL_NOSTR;
    if (p->slen[id] == n && memcmp(p->str[id], s, n) == 0) return id;
  }
}

/* Groups the string ids by bucket and hashes the crowded buckets; -1
   when out of memory. */
static int intern_build(pol_Case *c)
{
  const pol_Program *p = c->p;
  uint32_t nstr = p->nstr < POL_NOSTR ? p->nstr : POL_NOSTR;
  c->bstart = calloc(NBUCKETS + 1, sizeof *c->bstart);
  c->btab = calloc(NBUCKETS, sizeof *c->btab);
  c->bmask = calloc(NBUCKETS, sizeof *c->bmask);
  c->byl = malloc((nstr ? nstr : 1) * sizeof *c->byl);
  if (!c->bstart || !c->btab || !c->bmask || !c->byl) return -1;
  uint32_t *at = c->bstart + 1;   /* counts, then each bucket's next slot */
  uint8_t *bk = malloc(nstr ? nstr : 1);   /* each string's bucket */
  if (!bk) return -1;
  for (uint32_t id = 0; id < nstr; id++) at[bk[id] = (uint8_t)bucket_of(p->str[id], p->slen[id])]++;
  for (uint32_t b = 0; b < NBUCKETS; b++) c->bstart[b + 1] += c->bstart[b];
  uint32_t fill[NBUCKETS];
  memcpy(fill, c->bstart, sizeof fill);
  for (uint32_t id = 0; id < nstr; id++) c->byl[fill[bk[id]]++] = id;
  free(bk);
  for (uint32_t b = 0; b < NBUCKETS; b++) {
    uint32_t k0 = c->bstart[b], n = c->bstart[b + 1] - k0;
    if (n <= BUCKET_SCAN) continue;
    uint32_t size = 16;   /* below half full; n < 2^30 (pol_case_new) */
    while (size < 2u * n) size *= 2;
    uint32_t *t = malloc((size_t)size * sizeof *t);
    if (!t) return -1;
    memset(t, 0xff, (size_t)size * sizeof *t);
    c->btab[b] = t;
    c->bmask[b] = size - 1;
    for (uint32_t k = k0; k < k0 + n; k++) {
      uint32_t id = c->byl[k];
      uint32_t i = hash(p->str[id], p->slen[id]) & (size - 1);
      for (; t[i] != POL_NOSTR; i = (i + 1) & (size - 1))
        if (p->slen[t[i]] == p->slen[id] && memcmp(p->str[t[i]], p->str[id], p->slen[id]) == 0)
          break;            /* a duplicate string keeps its first id */
      if (t[i] == POL_NOSTR) t[i] = id;
    }
  }
  return 0;
}

uint32_t pol_case_intern(const pol_Case *c, const char *s)
{
  return s ? intern(c, s, strlen(s)) : POL_NOSTR;
}

/* ---- schema ------------------------------------------------------------- */

/* Can a case supply a value of type code t?  A boolean, number, string,
   date or record, or a list of one of those.  A narrower rule than the
   verifier's type_code_ok (verify.c), which accepts every well-formed type
   code: facts and fields of other kinds (none, durations, windows, sets,
   lists of lists) have no JSON form a case could load. */
static int case_type_ok(const pol_Program *p, uint32_t t)
{
  pol_Kind k = POL_TKIND(t);
  if (k == PK_LIST) {
    k = POL_TELEM(t);
    if (k == PK_LIST) return 0;   /* a type code cannot describe the inner items */
  }
  switch (k) {
  case PK_BOOL: case PK_NUM: case PK_STR: case PK_DATE: return 1;
  case PK_REC: return POL_TREC(t) < p->nrec;
  default: return 0;
  }
}

/* The program is trusted to be verified, but a case must not crash on a
   schema it cannot load: such a program makes every load fail. */
static const char *check_schema(const pol_Program *p)
{
  for (uint32_t r = 0; r < p->nrec; r++)
    for (uint32_t i = 0; i < p->rec[r].nfields; i++)
      if (p->rec[r].fields[i].name >= p->nstr || !case_type_ok(p, p->rec[r].fields[i].type))
        return "program: a record field has a bad name or type";
  for (uint32_t f = 0; f < p->nfacts; f++)
    if (p->facts[f].path >= p->nstr || !case_type_ok(p, p->facts[f].type) ||
        p->facts[f].scope > POL_SCOPE_LINE)
      return "program: a fact has a bad path, type or scope";
  return NULL;
}

pol_Case *pol_case_new(const pol_Program *p)
{
  pol_Case *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->p = p;
  c->bad = check_schema(p);
  if (p->nstr > (1u << 30)) goto oom;   /* keeps the tables below half full */
  if (intern_build(c) != 0) goto oom;

  size_t ncomp = 0;
  if (!c->bad)
    for (uint32_t f = 0; f < p->nfacts; f++) {
      const pol_Fact *ft = &p->facts[f];
      ncomp++;
      for (uint32_t i = 0; i < p->slen[ft->path]; i++) ncomp += p->str[ft->path][i] == '.';
    }
  c->comp0 = malloc(((size_t)p->nfacts + 1) * sizeof *c->comp0);
  c->comps = malloc((ncomp ? ncomp : 1) * sizeof *c->comps);
  if (!c->comp0 || !c->comps) goto oom;
  c->comp0[0] = 0;
  for (uint32_t f = 0, n = 0; f < p->nfacts; f++) {
    if (!c->bad) {
      const char *s = p->str[p->facts[f].path];
      size_t len = p->slen[p->facts[f].path];
      for (size_t a = 0, b; a <= len; a = b + 1) {
        for (b = a; b < len && s[b] != '.'; b++) {}
        c->comps[n++] = (Comp){s + a, b - a, b};
      }
    }
    c->comp0[f + 1] = n;
  }

  c->scap = p->nfacts ? p->nfacts : 1;
  c->slots = malloc(c->scap * sizeof *c->slots);
  if (!c->slots) goto oom;
  for (uint32_t f = 0; f < p->nfacts; f++) c->slots[f] = pol_unk();
  return c;
oom:
  pol_case_free(c);
  return NULL;
}

void pol_case_free(pol_Case *c)
{
  if (!c) return;
  for (Chunk *k = c->chunks, *next; k; k = next) {
    next = k->next;
    free(k);
  }
  if (c->btab)
    for (uint32_t b = 0; b < NBUCKETS; b++) free(c->btab[b]);
  free(c->btab);
  free(c->bmask);
  free(c->bstart);
  free(c->byl);
  free(c->comp0);
  free(c->comps);
  free(c->info);
  free(c->keys);
  free(c->row_of);
  free(c->slots);
  pol_buf_free(&c->notes);
  free(c);
}

/* ---- conversion --------------------------------------------------------- */

/* Checks a JSON string and returns it as a program string or an arena copy;
   *id is its string id or POL_NOSTR. */
static int get_str(pol_Case *c, const json_t *j, const Loc *at, const char **out,
                   uint32_t *id)
{
  const char *s = json_string_value(j);
  size_t n = json_string_length(j);
  if (n > MAX_STR) return fail(c, C_STRLEN, at, "string too long (%zu bytes, at most %u)", n, MAX_STR);
  if (memchr(s, '\0', n)) return fail(c, C_NUL, at, "string contains a NUL character");
  *id = intern(c, s, n);
  if (*id != POL_NOSTR) {
    *out = c->p->str[*id];
    return 0;
  }
  char *t = arena_alloc(c, n + 1, 1);
  if (!t) return fail(c, C_NOMEM, at, "out of memory");
  memcpy(t, s, n + 1);
  *out = t;
  return 0;
}

/* A date string; the bad string is quoted in the error, escaped and cut. */
static int get_date(pol_Case *c, const json_t *j, const Loc *at, int32_t *out)
{
  const char *s = json_string_value(j);
  size_t n = json_string_length(j);
  if (n == 10 && pol_parse_date(s, out) == 0) return 0;
  char q[64];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 40; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') { q[k++] = '\\'; q[k++] = (char)ch; }
    else if (ch < 0x20 || ch == 0x7f) k += (size_t)snprintf(q + k, 5, "\\x%02x", ch);
    else q[k++] = (char)ch;
  }
  q[k] = '\0';
  return fail(c, C_DATE, at, "not a valid date: \"%s%s\"", q, k >= 40 ? "..." : "");
}

static int convert(pol_Case *c, const json_t *j, uint32_t type, const Loc *at,
                   int depth, pol_Value *out);

static int get_list(pol_Case *c, const json_t *j, uint32_t type, const Loc *at,
                    int depth, pol_Value *out)
{
  size_t n = json_array_size(j);
  if (n > MAX_LIST) return fail(c, C_LISTLEN, at, "list too long (%zu items, at most %u)", n, MAX_LIST);
  pol_Kind ek = POL_TELEM(type);
  uint32_t et = POL_TYPE(ek, 0, ek == PK_REC ? POL_TREC(type) : 0);
  pol_List *l = arena_alloc(c, sizeof *l, _Alignof(pol_List));
  pol_Value *items = n ? arena_alloc(c, n * sizeof *items, _Alignof(pol_Value)) : NULL;
  if (!l || (n && !items)) return fail(c, C_NOMEM, at, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const json_t *it = json_array_get(j, i);
    Loc here = {at, NULL, 0, (uint32_t)i};
    /* A null item is an error, not an unknown item: the contract has no
       "an injection we know nothing about"; unknown-ness lives in fields. */
    if (json_is_null(it)) return wrong(c, &here, kind_name(ek), it);
    if (convert(c, it, et, &here, depth, &items[i])) return -1;
  }
  *l = (pol_List){(uint32_t)n, et, items};
  out->tag = PV_LIST;
  out->aux = 0;
  out->u.p = l;
  return 0;
}

static int get_rec(pol_Case *c, const json_t *j, uint32_t rec, const Loc *at,
                   int depth, pol_Value *out)
{
  const pol_Program *p = c->p;
  const pol_RecType *rt = &p->rec[rec];
  if (depth >= MAX_NEST) return fail(c, C_NEST, at, "records nested too deeply");
  pol_Value *fv = rt->nfields ? arena_alloc(c, (size_t)rt->nfields * sizeof *fv,
                                            _Alignof(pol_Value)) : NULL;
  if (rt->nfields && !fv) return fail(c, C_NOMEM, at, "out of memory");
  for (uint32_t i = 0; i < rt->nfields; i++) {
    uint32_t name = rt->fields[i].name;
    Loc here = {at, p->str[name], p->slen[name], 0};
    const json_t *v = json_object_getn(j, p->str[name], p->slen[name]);
    if (convert(c, v, rt->fields[i].type, &here, depth + 1, &fv[i])) return -1;
  }
  out->tag = PV_REC;
  out->aux = rec;
  out->u.p = fv;
  return 0;
}

/* A JSON number as a decimal (docs/language.md, "Numbers"): an integer
   exactly; a real (which jansson holds as a double) by its shortest text
   that reads back as the same double, rounded to 8 digits after the point,
   half to even. */
static int get_num(pol_Case *c, const json_t *j, const Loc *at, pol_Value *out)
{
  pol_Dec d;
  if (json_is_integer(j)) {
    if (pol_dec_of_int(json_integer_value(j), &d) != POL_DEC_OK)
      return fail(c, C_RANGE, at, "number out of range (" POL_DEC_RANGE_TEXT ")");
  } else {
    double x = json_real_value(j);
    if (!isfinite(x)) return fail(c, C_NUMBER, at, "not a finite number");
    if (pol_dec_from_double(x, &d) != POL_DEC_OK)
      return fail(c, C_RANGE, at, "number out of range (" POL_DEC_RANGE_TEXT ")");
  }
  *out = pol_num(d);
  return 0;
}

/* j may be NULL (absent).  Absent and null are unknown. */
static int convert(pol_Case *c, const json_t *j, uint32_t type, const Loc *at,
                   int depth, pol_Value *out)
{
  pol_Kind k = POL_TKIND(type);
  if (!j || json_is_null(j)) {
    *out = pol_unk();
    return 0;
  }
  switch (k) {
  case PK_BOOL:
    if (!json_is_boolean(j)) break;
    *out = pol_bool(json_is_true(j));
    return 0;
  case PK_NUM:
    if (!json_is_number(j)) break;
    return get_num(c, j, at, out);
  case PK_STR:
    if (!json_is_string(j)) break;
    out->tag = PV_STR;
    return get_str(c, j, at, &out->u.s, &out->aux);
  case PK_DATE: {
    int32_t d;
    if (!json_is_string(j)) break;
    if (get_date(c, j, at, &d)) return -1;
    *out = pol_date(d);
    return 0;
  }
  case PK_LIST:
    if (!json_is_array(j)) break;
    return get_list(c, j, type, at, depth, out);
  case PK_REC:
    if (!json_is_object(j)) break;
    return get_rec(c, j, POL_TREC(type), at, depth, out);
  default:
    return fail(c, C_SCHEMA, at, "cannot load a value of type code %#x", (unsigned)type);
  }
  return wrong(c, at, kind_name(k), j);
}

/* Fact f read from obj (the case root, or a request line at base). */
static int load_fact(pol_Case *c, const json_t *obj, uint32_t f, const Loc *base,
                     pol_Value *out)
{
  const Comp *cp = &c->comps[c->comp0[f]], *end = &c->comps[c->comp0[f + 1]];
  const char *path = c->p->str[c->p->facts[f].path];
  for (; cp + 1 < end; cp++) {
    obj = json_object_getn(obj, cp->key, cp->len);
    if (!obj || json_is_null(obj)) {
      *out = pol_unk();
      return 0;
    }
    if (!json_is_object(obj)) {
      Loc at = {base, path, cp->end, 0};
      return wrong(c, &at, "object", obj);
    }
  }
  Loc at = {base, path, cp->end, 0};
  return convert(c, json_object_getn(obj, cp->key, cp->len), c->p->facts[f].type,
                 &at, 0, out);
}

/* ---- lines -------------------------------------------------------------- */

static int grow_lines(pol_Case *c, uint32_t n)
{
  if (n <= c->lcap) return 0;
  uint32_t cap = c->lcap ? c->lcap : 8;
  while (cap < n) cap *= 2;
  pol_LineInfo *info = realloc(c->info, cap * sizeof *info);
  if (info) c->info = info;
  SortKey *keys = realloc(c->keys, cap * sizeof *keys);
  if (keys) c->keys = keys;
  uint32_t *row_of = realloc(c->row_of, cap * sizeof *row_of);
  if (row_of) c->row_of = row_of;
  if (!info || !keys || !row_of) return -1;
  c->lcap = cap;
  return 0;
}

static int grow_slots(pol_Case *c, size_t nval)
{
  if (nval <= c->scap) return 0;
  size_t cap = c->scap * 2 > nval ? c->scap * 2 : nval;
  if (cap > SIZE_MAX / sizeof(pol_Value)) return -1;
  pol_Value *s = realloc(c->slots, cap * sizeof *s);
  if (!s) return -1;
  c->slots = s;
  c->scap = cap;
  return 0;
}

static int cmp_key(const void *a, const void *b)
{
  const SortKey *x = a, *y = b;
  if (x->li.number != y->li.number) return x->li.number < y->li.number ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;   /* stable */
}

/* An optional date member of request: 1 if known, 0 if absent/null. */
static int opt_date(pol_Case *c, const json_t *req, const char *key, int32_t *d)
{
  const json_t *j = json_object_get(req, key);
  Loc up = {NULL, "request", 7, 0}, at = {&up, key, strlen(key), 0};
  if (!j || json_is_null(j)) return 0;
  if (!json_is_string(j)) return wrong(c, &at, "date string", j);
  return get_date(c, j, &at, d) ? -1 : 1;
}

/* request.review (docs/case-extensions.md): {"kind": "independent_review",
   "prior_determination": "deny"}; absent or null: not a review. */
static int opt_review(pol_Case *c, const json_t *req, const Loc *rq, const char **kind,
                      const char **prior)
{
  const json_t *rv = json_object_get(req, "review");
  Loc at = {rq, "review", 6, 0};
  if (!rv || json_is_null(rv)) return 0;
  if (!json_is_object(rv)) return wrong(c, &at, "object", rv);
  static const char *const keys[] = {"kind", "prior_determination"};
  const char **out[] = {kind, prior};
  for (int i = 0; i < 2; i++) {
    const json_t *j = json_object_get(rv, keys[i]);
    Loc kat = {&at, keys[i], strlen(keys[i]), 0};
    uint32_t ignored;
    if (!j || json_is_null(j)) continue;
    if (!json_is_string(j)) return wrong(c, &kat, "string", j);
    if (get_str(c, j, &kat, out[i], &ignored)) return -1;
  }
  if (!*kind) *kind = "review";
  return 0;
}

/* Reads request.procedures into c->info (sorted) and c->row_of. */
/* The line's drug codes, for routing by drug (docs/language.md "Routing by
   drug code"): `rxnorm` and `ndc` when they are strings (another type is
   left to the facts that read them). */
static int line_drugs(pol_Case *c, const json_t *it, const Loc *at, pol_LineInfo *li)
{
  static const char *const key[2] = {"rxnorm", "ndc"};
  const char **out[2] = {&li->rxnorm, &li->ndc};
  for (int k = 0; k < 2; k++) {
    const json_t *v = json_object_get(it, key[k]);
    Loc kat = {at, key[k], strlen(key[k]), 0};
    uint32_t ignored;
    if (v && json_is_string(v) && get_str(c, v, &kat, out[k], &ignored)) return -1;
  }
  return 0;
}

static int load_lines(pol_Case *c, const json_t *root, const json_t **procs)
{
  const json_t *req = json_object_get(root, "request");
  Loc rq = {NULL, "request", 7, 0}, pr = {&rq, "procedures", 10, 0};
  int32_t date = 0;
  int known = 0;
  *procs = NULL;
  if (!req || json_is_null(req)) return 0;
  if (!json_is_object(req)) return wrong(c, &rq, "object", req);
  int r = opt_date(c, req, "service_date", &date);
  if (r < 0) return -1;
  if (r == 0) {
    r = opt_date(c, req, "date", &date);
    if (r < 0) return -1;
  } else {
    int32_t ignored;   /* still checked: an invalid date is an error */
    if (opt_date(c, req, "date", &ignored) < 0) return -1;
  }
  known = r;
  /* request.plan (an added field, docs/case-extensions.md): which plan's
     policies judge the lines */
  const char *plan = NULL;
  uint32_t plan_id = POL_NOSTR;
  const json_t *pl = json_object_get(req, "plan");
  Loc plat = {&rq, "plan", 4, 0};
  if (pl && !json_is_null(pl)) {
    if (!json_is_string(pl)) return wrong(c, &plat, "string", pl);
    if (get_str(c, pl, &plat, &plan, &plan_id)) return -1;
  }

  /* request.review (an added field): the determination under review */
  const char *review = NULL, *prior = NULL;
  if (opt_review(c, req, &rq, &review, &prior)) return -1;

  const json_t *a = json_object_get(req, "procedures");
  if (!a || json_is_null(a)) return 0;
  if (!json_is_array(a)) return wrong(c, &pr, "array", a);
  size_t n = json_array_size(a);
  if (n > MAX_LIST) return fail(c, C_LISTLEN, &pr, "list too long (%zu items, at most %u)", n, MAX_LIST);
  if (grow_lines(c, (uint32_t)n)) return fail(c, C_NOMEM, &pr, "out of memory");
  for (uint32_t i = 0; i < n; i++) {
    const json_t *it = json_array_get(a, i);
    Loc at = {&pr, NULL, 0, i};
    if (!json_is_object(it)) return wrong(c, &at, "object", it);
    int32_t number = (int32_t)i + 1;
    const json_t *ln = json_object_get(it, "line");
    Loc lat = {&at, "line", 4, 0};
    if (ln && !json_is_null(ln)) {
      if (!json_is_number(ln)) return wrong(c, &lat, "number", ln);
      double d = json_number_value(ln);
      /* Any whole number fitting int32_t; the contract counts from 1 but
         ordering does not need it. */
      if (!(d >= INT32_MIN && d <= INT32_MAX) || (double)(int32_t)d != d)
        return fail(c, C_LINE, &lat, "not a whole line number");
      number = (int32_t)d;
    }
    pol_LineInfo *li = &c->keys[i].li;
    *li = (pol_LineInfo){number, NULL, POL_NOSTR, date, known, plan, plan_id, review, prior, NULL, NULL};
    const json_t *pd = json_object_get(it, "prior_determination");
    Loc pdat = {&at, "prior_determination", 19, 0};
    if (pd && !json_is_null(pd)) {
      uint32_t ignored;
      if (!json_is_string(pd)) return wrong(c, &pdat, "string", pd);
      if (get_str(c, pd, &pdat, &li->prior, &ignored)) return -1;
    }
    c->keys[i].idx = i;
    const json_t *cpt = json_object_get(it, "cpt");
    Loc cat = {&at, "cpt", 3, 0};
    if (cpt && !json_is_null(cpt)) {
      if (!json_is_string(cpt)) return wrong(c, &cat, "string", cpt);
      if (get_str(c, cpt, &cat, &li->cpt, &li->cpt_id)) return -1;
    }
    if (line_drugs(c, it, &at, li)) return -1;
  }
  if (n > 1) qsort(c->keys, n, sizeof *c->keys, cmp_key);   /* keys is NULL while n is 0 */
  for (uint32_t i = 0; i < n; i++) {
    c->info[i] = c->keys[i].li;
    c->row_of[c->keys[i].idx] = i;
  }
  c->nlines = (uint32_t)n;
  *procs = a;
  return 0;
}

/* ---- the document -------------------------------------------------------- */

/* jansson has no run-time depth limit (its own is 2048, fixed at build
   time), so the text is scanned first: the offset of the first '[' or '{'
   that opens level max + 1, or n if there is none.  Strings are skipped;
   malformed text is left for the parser to report. */
static size_t too_deep_at(const char *s, size_t n, int max)
{
  int depth = 0, in_str = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (in_str) {
      if (ch == '\\') i++;
      else if (ch == '"') in_str = 0;
    } else if (ch == '"') {
      in_str = 1;
    } else if (ch == '[' || ch == '{') {
      if (++depth > max) return i;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    }
  }
  return n;
}

json_t *pol_case_parse(const char *text, size_t len, pol_CaseError *e)
{
  e->line = e->column = 0;
  if (len > POL_CASE_MAX_BYTES) {
    e->code = "C0002";
    snprintf(e->text, sizeof e->text, "case too large: %zu bytes, at most %u", len,
             (unsigned)POL_CASE_MAX_BYTES);
    return NULL;
  }
  size_t at = too_deep_at(text, len, POL_CASE_MAX_DEPTH);
  if (at < len) {
    e->code = "C0003";
    e->line = 1;
    e->column = 1;
    for (size_t i = 0; i < at; i++) {
      if (text[i] == '\n') { e->line++; e->column = 1; }
      else e->column++;
    }
    snprintf(e->text, sizeof e->text, "JSON nested too deeply: more than %d levels of arrays and objects",
             POL_CASE_MAX_DEPTH);
    return NULL;
  }
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    e->code = "C0001";
    e->line = je.line > 0 ? je.line : 1;
    e->column = je.column > 0 ? je.column : 1;
    snprintf(e->text, sizeof e->text, "invalid JSON: %s", je.text);
  }
  return root;
}

/* ---- load --------------------------------------------------------------- */

static int load(pol_Case *c, const json_t *root)
{
  const pol_Program *p = c->p;
  uint32_t nf = p->nfacts;
  if (c->bad) {
    if (c->err && c->errlen) snprintf(c->err, c->errlen, C_SCHEMA " %s", c->bad);
    return -1;
  }
  if (!json_is_object(root)) return wrong(c, NULL, "object", root);

  const json_t *id = json_object_get(root, "case_id");
  Loc iat = {NULL, "case_id", 7, 0};
  uint32_t sid;
  if (!id || json_is_null(id)) return fail(c, C_MISSING, &iat, "missing");
  if (!json_is_string(id)) return wrong(c, &iat, "string", id);
  if (get_str(c, id, &iat, &c->case_id, &sid)) return -1;

  for (uint32_t f = 0; f < nf; f++)
    if (p->facts[f].scope != POL_SCOPE_CASE) c->slots[f] = pol_unk();
    else if (load_fact(c, root, f, NULL, &c->slots[f])) return -1;

  const json_t *procs;
  if (load_lines(c, root, &procs)) return -1;
  uint32_t n = c->nlines;
  if (n > 1 && grow_slots(c, (size_t)n * nf))
    return fail(c, C_NOMEM, NULL, "out of memory");
  for (uint32_t i = 1; i < n; i++)
    memcpy(&c->slots[(size_t)i * nf], c->slots, nf * sizeof *c->slots);
  Loc rq = {NULL, "request", 7, 0}, pr = {&rq, "procedures", 10, 0};
  for (uint32_t j = 0; j < n; j++) {   /* document order: the first error */
    const json_t *it = json_array_get(procs, j);
    pol_Value *row = &c->slots[(size_t)c->row_of[j] * nf];
    Loc at = {&pr, NULL, 0, j};
    for (uint32_t f = 0; f < nf; f++)
      if (p->facts[f].scope == POL_SCOPE_LINE && load_fact(c, it, f, &at, &row[f]))
        return -1;
  }
  return 0;
}

int pol_case_load(pol_Case *c, const json_t *root, char *err, size_t errlen)
{
  c->err = err;
  c->errlen = errlen;
  if (err && errlen) err[0] = '\0';
  arena_reset(c);
  c->nlines = 0;
  c->case_id = NULL;
  pol_buf_reset(&c->notes);
  if (pol_fhir_is_bundle(root)) {
    /* a FHIR Bundle: its bindings make a case-format document, loaded the
       same way (vm/fhir_in.c, docs/fhir.md) */
    json_t *doc = c->bad ? NULL : pol_fhir_to_case(c->p, root, &c->notes, err, errlen);
    int rc = doc ? load(c, doc) : c->bad ? load(c, root) : -1;
    json_decref(doc);
    if (rc == 0) return 0;
  } else if (load(c, root) == 0) {
    return 0;
  }
  /* A failed load leaves an empty case: no id, no lines, all unknown. */
  c->nlines = 0;
  c->case_id = NULL;
  for (uint32_t f = 0; f < c->p->nfacts; f++) c->slots[f] = pol_unk();
  return -1;
}

const char *pol_case_id(const pol_Case *c) { return c->case_id; }

const char *pol_case_notes(const pol_Case *c) { return c->notes.n ? c->notes.s : ""; }

uint32_t pol_case_nlines(const pol_Case *c) { return c->nlines; }

const pol_LineInfo *pol_case_line(const pol_Case *c, uint32_t i)
{
  return i < c->nlines ? &c->info[i] : NULL;
}

const pol_Value *pol_case_slots(const pol_Case *c, uint32_t i)
{
  return i < (c->nlines ? c->nlines : 1) ? &c->slots[(size_t)i * c->p->nfacts] : NULL;
}

/* ---- filling a case without a JSON document (vm/jread.c) ------------------ */

uint32_t pol_case_intern_n(const pol_Case *c, const char *s, size_t n)
{
  return intern(c, s, n);
}

int pol_case_fill_begin(pol_Case *c)
{
  c->err = NULL;
  c->errlen = 0;
  pol_buf_reset(&c->notes);
  arena_reset(c);
  c->nlines = 0;
  c->case_id = NULL;
  return c->bad ? -1 : 0;
}

void *pol_case_fill_alloc(pol_Case *c, size_t n, size_t align)
{
  return arena_alloc(c, n, align);
}

pol_Value *pol_case_fill_row0(pol_Case *c) { return c->slots; }

int pol_case_fill_lines(pol_Case *c, const char *case_id, const pol_LineInfo *doc, uint32_t n)
{
  uint32_t nf = c->p->nfacts;
  c->case_id = case_id;
  if (grow_lines(c, n)) return -1;
  for (uint32_t i = 0; i < n; i++) {
    c->keys[i].li = doc[i];
    c->keys[i].idx = i;
  }
  if (n > 1) qsort(c->keys, n, sizeof *c->keys, cmp_key);
  for (uint32_t i = 0; i < n; i++) {
    c->info[i] = c->keys[i].li;
    c->row_of[c->keys[i].idx] = i;
  }
  if (n > 1 && grow_slots(c, (size_t)n * nf)) return -1;
  for (uint32_t i = 1; i < n; i++)
    memcpy(&c->slots[(size_t)i * nf], c->slots, nf * sizeof *c->slots);
  c->nlines = n;
  return 0;
}

pol_Value *pol_case_fill_row(pol_Case *c, uint32_t j)
{
  return &c->slots[(size_t)c->row_of[j] * c->p->nfacts];
}

void pol_case_fill_fail(pol_Case *c)
{
  c->nlines = 0;
  c->case_id = NULL;
  for (uint32_t f = 0; f < c->p->nfacts; f++) c->slots[f] = pol_unk();
}
