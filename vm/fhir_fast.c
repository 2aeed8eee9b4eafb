/*
 * fhir_fast.c -- the fast path for FHIR Bundles (fhir_fast.h).
 *
 * vm/fhir_in.c is the reference: it reads a jansson document of the whole
 * Bundle and builds a jansson case document, which pol_case_load loads.
 * Here the same three steps (resources, bindings, QuestionnaireResponse
 * answers; see fhir_in.c's header) run over the tape of one validating
 * scan (pol_fhir_tape, vm/fhir_tape.c: offsets, no copies), build a small
 * tree of the case document whose values are slices of the Bundle's text,
 * and fill the case's slots from that tree as pol_jread_load fills them
 * from a case's text (fill(), at the end: jread.c's phase 2, with no text
 * written and read again).  Each function above fill() mirrors the
 * fhir_in.c function of the same name, with one difference:
 * where fhir_in.c fails (failf) or writes a note, this file sets `failed`
 * and the caller runs the reference path, which says it.  Strings with
 * escapes that would be compared, cut or stored in a fact are refused the
 * same way: they are rare in FHIR, and the reference decodes them.
 *
 * Ownership: the state owns every buffer; the program is borrowed.
 */
#include "fhir_fast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir_in.h"
#include "fhir_tape.h"
#include "jleaf.h"
#include "jread.h"
#include "util.h"
#include "value.h"

#define NONE UINT32_MAX
#define KEY_MAX 63           /* fhir_in.c's key[64] */
#define LINK_MAX 127         /* fhir_in.c's full[128], qlink[128] */
#define SEQ_MAX 64           /* fhir_in.c's Seqs */
#define QR_DEPTH 16          /* fhir_in.c's qr_walk / qr_value depth */
#define MAX_RES 100000u      /* as fhir_in.c */
#define COMP_BITS 6
#define COMP_CACHE (1u << COMP_BITS)   /* element paths whose first component's length is remembered */

/* Helpers on the hot paths, inlined whatever gcc's estimate (walk_in with
   a constant visitor, as_case). */
#if defined(__GNUC__)
#define FF_INLINE inline __attribute__((always_inline))
#else
#define FF_INLINE inline
#endif

enum { O_OBJ = 1, O_ARR, O_RAW };

/* A map value's conversion (its name, found once: the only ones taken). */
typedef enum { CONV_NONE, CONV_INFO, CONV_CODE, CONV_DIAGNOSIS, CONV_QUANTITY, CONV_AGE } Conv;

typedef struct ONode {      /* a node of the case document */
  uint8_t kind;
  const char *key;          /* as a member: its key (a program or Bundle slice) */
  uint32_t klen;
  uint32_t first, last, next, n;   /* children (O_OBJ, O_ARR); next sibling */
  uint32_t roff, rlen;      /* O_RAW: JSON text in raw, or in the Bundle (bundle) */
  uint8_t bundle;
  uint8_t esc;              /* a string of the Bundle with escapes (its tape entry says) */
  uint64_t keys;            /* O_OBJ: its members' key_bit, or'ed (o_get looks only where it may find) */
} ONode;

typedef struct Res {
  uint32_t r, host;         /* tape indices; host NONE: an entry's resource */
  uint32_t ref[3];          /* its subject, patient, beneficiary (NONE: absent) */
  const char *type, *id, *full;   /* slices of the text; id, full may be NULL */
  uint32_t tlen, idlen, flen;
  uint32_t tnext;           /* the next resource of its type (NONE: none) */
} Res;

#define RTYPES 32           /* resource types a Bundle may have (more: the reference reads it) */

typedef struct RType { const char *type; uint32_t tlen, first, last; } RType;

typedef struct FNode { uint32_t j, res; } FNode;

typedef struct Age { uint32_t obj; const char *key; uint32_t klen; int32_t birth; } Age;

/* pol_fhir_want_type(path, NULL); dot: path's length up to its last dot,
   the dot included (0: none) */
typedef struct TEnt { const char *path; uint32_t len, type, dot; } TEnt;

struct pol_FhirFast {
  const pol_Program *p;
  int bad;                  /* bindings this file does not take: always refuse */
  uint32_t *mtype;          /* fhirstr index of a map's field -> its value's type */
  uint8_t *mconv;           /* ... -> its Conv */
  uint32_t *ttype;          /* binding -> pol_fhir_want_type(target, NULL) */
  uint32_t *fdot;           /* fact -> the length of its path's prefix with its last dot (0: none) */
  uint32_t *cfacts, ncf;    /* the case-scope facts, in order */
  uint32_t *ofacts, nof;    /* ... the others */
  uint32_t *lfacts, nlf;    /* the line-scope facts, in order */
  uint32_t *ifacts, nif;    /* ... of them those without a dot (line_infos) */
  TEnt *types;              /* case-scope fact paths, hashed */
  uint32_t tcap;
  /* one load */
  const unsigned char *b;
  const pol_JTape *t;
  const uint32_t *next;     /* pol_fhir_tape_next: the entry after j and its descendants */
  size_t nt;
  int failed;
  Res *res;
  size_t nres, rcap;
  RType rtype[RTYPES];      /* the Bundle's resource types, each with its resources' chain */
  uint32_t nrtype, rt_last; /* ... rt_last: the last found by rtype_of */
  FNode *nodes;
  size_t nnodes, ncap;
  ONode *on;
  size_t non, oncap;
  uint32_t doc;
  Age *ages;
  size_t nages, acap;
  /* info(...): the supportingInfo entries of the last node and element
     asked (their tape index and category.coding), in order */
  int ic_ok;
  uint32_t ic_j, ic_res;
  const char *ic_elem;
  uint64_t ic_codes;        /* ... the key_bits of their codes (all ones: some code escaped) */
  uint32_t *ic;
  size_t nic, iccap;
  pol_Buf raw, tmp;
  char *ntmp;               /* numbers' text for strtod (jleaf.h) */
  size_t ntcap;
  pol_FhirTape *scan;       /* the Bundle's tape (fhir_tape.c) */
  pol_LineInfo *lines;      /* the case's lines, in document order (fill) */
  size_t lcap;
  int uniq_fields;          /* every record's field names are distinct */
  const char *comp_at[COMP_CACHE];   /* comp_len: element paths (the program's) and */
  uint32_t comp_n[COMP_CACHE];       /* ... their first components' lengths */
  const char *qp;           /* qr_walk: the last linkId prefix (NULL: none yet) and its parent */
  uint32_t qp_len, qp_node;
  char known[RTYPES][40];   /* resource types found known (add_res), kept from load to load */
  uint8_t known_len[RTYPES];
  uint32_t nknown;
};

/* ---- setup ----------------------------------------------------------------- */

static const char *S(const pol_Program *p, uint32_t id) { return id == POL_NOSTR || id >= p->nstr ? NULL : p->str[id]; }

/* The fact paths' table hash: the length and the first and last 8 bytes
   (paths are long and differ at their ends), not a loop over every byte. */
static FF_INLINE uint32_t hash_n(const char *s, size_t n)
{
  uint64_t a = 0, z = 0;
  if (n >= 8) {
    memcpy(&a, s, 8);
    memcpy(&z, s + n - 8, 8);
  } else {
    memcpy(&a, s, n);
  }
  uint64_t h = (a * 0x9e3779b97f4a7c15ull) ^ (z * 0xc2b2ae3d27d4eb4full) ^ n;
  h ^= h >> 29;
  h *= 0xff51afd7ed558ccdull;
  return (uint32_t)(h >> 32);
}

/* The first case-scope fact whose path is a Bundle's linkId s[0..n): its
   entry (type: pol_fhir_want_type(link, NULL)), NULL when none. */
static const TEnt *link_fact(const pol_FhirFast *f, const char *s, size_t n)
{
  for (uint32_t j = hash_n(s, n) & (f->tcap - 1);; j = (j + 1) & (f->tcap - 1)) {
    const TEnt *e = &f->types[j];
    if (!e->path) return NULL;
    if (e->len == n && pol_jleaf_eq(e->path, s, n)) return e;
  }
}

static int build_types(pol_FhirFast *f)
{
  const pol_Program *p = f->p;
  uint32_t cap = 16;
  while (cap < 2 * p->nfacts + 2) cap *= 2;
  f->types = calloc(cap, sizeof *f->types);
  if (!f->types) return -1;
  f->tcap = cap;
  for (uint32_t i = 0; i < p->nfacts; i++) {
    if (p->facts[i].scope != POL_SCOPE_CASE) continue;
    const char *s = p->str[p->facts[i].path];
    size_t n = strlen(s);
    uint32_t j = hash_n(s, n) & (cap - 1);
    for (; f->types[j].path; j = (j + 1) & (cap - 1))
      if (f->types[j].len == n && memcmp(f->types[j].path, s, n) == 0) break;
    uint32_t d = (uint32_t)n;   /* the length up to the last dot, as qr_walk would find it in the linkId */
    while (d > 0 && s[d - 1] != '.') d--;
    if (!f->types[j].path) f->types[j] = (TEnt){s, (uint32_t)n, p->facts[i].type, d};   /* the first wins */
  }
  return 0;
}

pol_FhirFast *pol_fhir_fast_new(const pol_Program *p)
{
  pol_FhirFast *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->p = p;
  f->mtype = calloc(p->nfhirstr ? p->nfhirstr : 1, sizeof *f->mtype);
  f->mconv = calloc(p->nfhirstr ? p->nfhirstr : 1, sizeof *f->mconv);
  f->ttype = calloc(p->nfhir ? p->nfhir : 1, sizeof *f->ttype);
  f->scan = pol_fhir_tape_new();
  if (!f->mtype || !f->mconv || !f->ttype || !f->scan || build_types(f)) {
    pol_fhir_fast_free(f);
    return NULL;
  }
  f->fdot = calloc(p->nfacts ? p->nfacts : 1, sizeof *f->fdot);
  f->cfacts = calloc(p->nfacts ? p->nfacts : 1, sizeof *f->cfacts);
  f->ofacts = calloc(p->nfacts ? p->nfacts : 1, sizeof *f->ofacts);
  f->lfacts = calloc(p->nfacts ? p->nfacts : 1, sizeof *f->lfacts);
  f->ifacts = calloc(p->nfacts ? p->nfacts : 1, sizeof *f->ifacts);
  if (!f->fdot || !f->cfacts || !f->ofacts || !f->lfacts || !f->ifacts) {
    pol_fhir_fast_free(f);
    return NULL;
  }
  for (uint32_t i = 0; i < p->nfacts; i++) {
    if (p->facts[i].path >= p->nstr) {
      f->bad = 1;
      continue;
    }
    const char *s = p->str[p->facts[i].path];
    uint32_t d = p->slen[p->facts[i].path];
    while (d > 0 && s[d - 1] != '.') d--;
    f->fdot[i] = d;
    if (p->facts[i].scope == POL_SCOPE_CASE) f->cfacts[f->ncf++] = i;
    else f->ofacts[f->nof++] = i;
    if (p->facts[i].scope == POL_SCOPE_LINE) {
      f->lfacts[f->nlf++] = i;
      if (!strchr(s, '.')) f->ifacts[f->nif++] = i;
    }
  }
  if (pol_jleaf_schema_bad(p)) f->bad = 1;   /* types the filling does not take: as pol_jread_load */
  f->uniq_fields = !f->bad && pol_jleaf_fields_once(p);
  for (uint32_t i = 0; i < p->nfhir && !f->bad; i++) {
    const pol_FhirBind *b = &p->fhir[i];
    const char *target = S(p, b->target), *source = S(p, b->source);
    if (!target || !source || (uint64_t)b->map0 + 4ull * b->nmap > p->nfhirstr ||
        (!(b->flags & POL_FHIR_VSET) && (uint64_t)b->code0 + b->ncodes > p->nfhirstr) ||
        ((b->flags & POL_FHIR_VSET) && (b->code0 >= p->nvs || b->ncodes)) ||
        (!(b->flags & POL_FHIR_LIST) && b->nmap < 1)) {
      f->bad = 1;
      break;
    }
    for (uint32_t k = 0; k < b->ncodes && !(b->flags & POL_FHIR_VSET); k++)
      if (!S(p, p->fhirstr[b->code0 + k])) f->bad = 1;
    f->ttype[i] = (b->flags & POL_FHIR_LIST) ? 0 : pol_fhir_want_type(p, target, NULL);
    for (uint32_t m = 0; m < b->nmap; m++) {
      const uint32_t *v = &p->fhirstr[b->map0 + 4 * m];
      const char *elem = S(p, v[1]), *conv = S(p, v[2]);
      if (!elem || ((b->flags & POL_FHIR_LIST) && !S(p, v[0]))) { f->bad = 1; break; }
      if (conv && strcmp(conv, "info") && strcmp(conv, "code") && strcmp(conv, "diagnosis") &&
          strcmp(conv, "quantity") && strcmp(conv, "age")) {
        f->bad = 1;   /* fhir_in.c fails on it */
        break;
      }
      if (conv && strcmp(conv, "quantity") == 0 && !pol_fhir_unit_known(S(p, v[3]) ? S(p, v[3]) : "1")) {
        f->bad = 1;
        break;
      }
      uint32_t t = pol_fhir_want_type(p, target, S(p, v[0]));
      if (!(b->flags & POL_FHIR_LIST) && t && POL_TKIND(t) == PK_LIST && POL_TELEM(t) != PK_REC &&
          !(conv && strcmp(conv, "diagnosis") == 0))
        t = POL_TYPE(POL_TELEM(t), 0, 0);
      f->mtype[b->map0 + 4 * m] = t;
      f->mconv[b->map0 + 4 * m] = !conv                              ? CONV_NONE
                                      : strcmp(conv, "info") == 0     ? CONV_INFO
                                      : strcmp(conv, "code") == 0     ? CONV_CODE
                                      : strcmp(conv, "diagnosis") == 0 ? CONV_DIAGNOSIS
                                      : strcmp(conv, "quantity") == 0  ? CONV_QUANTITY
                                                                       : CONV_AGE;
    }
  }
  return f;
}

void pol_fhir_fast_free(pol_FhirFast *f)
{
  if (!f) return;
  free(f->mtype);
  free(f->mconv);
  free(f->ttype);
  free(f->fdot);
  free(f->cfacts);
  free(f->ofacts);
  free(f->lfacts);
  free(f->ifacts);
  free(f->types);
  free(f->res);
  free(f->nodes);
  free(f->on);
  free(f->ages);
  free(f->ic);
  pol_buf_free(&f->raw);
  pol_buf_free(&f->tmp);
  free(f->ntmp);
  pol_fhir_tape_free(f->scan);
  free(f->lines);
  free(f);
}

int pol_fhir_fast_maybe(const char *text, size_t len)
{
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) i++;
  if (i >= len || text[i] != '{') return 0;
  for (i++; i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'); i++) {}
  return len - i >= 14 && memcmp(text + i, "\"resourceType\"", 14) == 0;
}


static void *grow(void *buf, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap) return buf;
  size_t n = *cap ? *cap : 16;
  while (n < need) n *= 2;
  void *b = realloc(buf, n * size);
  if (!b) abort();   /* as fhir_in.c */
  *cap = n;
  return b;
}

/* ---- the tape --------------------------------------------------------------- */

static inline unsigned char ty(const pol_FhirFast *f, uint32_t j) { return f->b[f->t[j].off]; }
static inline int is_obj(const pol_FhirFast *f, uint32_t j) { return j != NONE && ty(f, j) == '{'; }
static inline int is_arr(const pol_FhirFast *f, uint32_t j) { return j != NONE && ty(f, j) == '['; }
static inline int is_str(const pol_FhirFast *f, uint32_t j) { return j != NONE && ty(f, j) == '"'; }
static inline int is_null(const pol_FhirFast *f, uint32_t j) { return j != NONE && ty(f, j) == 'n'; }

static inline int is_num(const pol_FhirFast *f, uint32_t j)
{
  if (j == NONE) return 0;
  unsigned char c = ty(f, j);
  return c == '-' || (c >= '0' && c <= '9');
}

/* The entry after j and its descendants. */
static inline uint32_t nx(const pol_FhirFast *f, uint32_t j) { return f->next[j]; }

/* Keys are short and mostly differ early (jleaf.h's compare). */
static inline int key_eq(const unsigned char *a, const char *b, size_t n) { return pol_jleaf_eq(a, b, n); }

/* json_object_get: the value of key k in object o, NONE when o is not an
   object or has no such key. */
static inline uint32_t get(const pol_FhirFast *f, uint32_t o, const char *k, size_t kl)
{
  if (!is_obj(f, o)) return NONE;
  uint32_t end = f->t[o].aux;
  for (uint32_t i = o + 1; i < end; i = nx(f, i + 1))
    if (f->t[i].aux == kl && key_eq(f->b + f->t[i].off + 1, k, kl)) return i + 1;
  return NONE;
}
#define GET(o, lit) get(f, (o), lit, sizeof lit - 1)

/* GET(c, "system") and GET(c, "code") of a Coding, in one pass over its
   members (keys are unique). */
static inline void sys_code(const pol_FhirFast *f, uint32_t c, uint32_t *sys, uint32_t *code)
{
  *sys = *code = NONE;
  if (!is_obj(f, c)) return;
  uint32_t end = f->t[c].aux;
  for (uint32_t i = c + 1; i < end; i = nx(f, i + 1)) {
    const unsigned char *k = f->b + f->t[i].off + 1;
    if (f->t[i].aux == 6 && key_eq(k, "system", 6)) *sys = i + 1;
    else if (f->t[i].aux == 4 && key_eq(k, "code", 4)) *code = i + 1;
  }
}

/* Arrays: for (uint32_t i = first(a); i != NONE; i = next_item(a, i)). */
static inline uint32_t first(const pol_FhirFast *f, uint32_t a)
{
  return is_arr(f, a) && f->t[a].aux > a + 1 ? a + 1 : NONE;
}
static inline uint32_t next_item(const pol_FhirFast *f, uint32_t a, uint32_t i)
{
  uint32_t n = nx(f, i);
  return n < f->t[a].aux ? n : NONE;
}

/* json_string_value: the body of string j (*n bytes, not terminated), NULL
   when j is not a string; a string with escapes refuses. */
static inline const char *sv(pol_FhirFast *f, uint32_t j, uint32_t *n)
{
  if (!is_str(f, j)) return NULL;
  if (f->t[j].aux & POL_JTAPE_ESC) {
    f->failed = 1;
    return NULL;
  }
  *n = f->t[j].aux;
  return (const char *)f->b + f->t[j].off + 1;
}

static int seq_eq(const char *a, uint32_t an, const char *b) { return strlen(b) == an && memcmp(a, b, an) == 0; }

static int is_int(const pol_FhirFast *f, uint32_t j)
{
  if (!is_num(f, j)) return 0;
  for (const unsigned char *p = f->b + f->t[j].off + 1; (*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
                                                       *p == 'E' || *p == '+' || *p == '-';
       p++)
    if (*p == '.' || *p == 'e' || *p == 'E') return 0;
  return 1;
}

static int64_t int_val(const pol_FhirFast *f, uint32_t j)
{
  const unsigned char *p = f->b + f->t[j].off;
  int neg = *p == '-';
  uint64_t u = 0;
  for (p += neg; *p >= '0' && *p <= '9'; p++) u = u * 10 + (uint64_t)(*p - '0');
  return neg ? (int64_t)(0 - u) : (int64_t)u;
}

/* The raw text of the scalar j. */
static inline uint32_t raw_len(const pol_FhirFast *f, uint32_t j)
{
  const unsigned char *s = f->b + f->t[j].off, *p = s;
  switch (*s) {
  case '"': return (f->t[j].aux & ~POL_JTAPE_ESC) + 2;
  case 't': return 4;
  case 'f': return 5;
  case 'n': return 4;
  default:
    while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-') p++;
    return (uint32_t)(p - s);
  }
}

/* json_number_value. */
static double num_val(pol_FhirFast *f, uint32_t j)
{
  if (is_int(f, j)) return (double)int_val(f, j);
  uint32_t n = raw_len(f, j);
  pol_buf_reset(&f->tmp);
  pol_buf_put(&f->tmp, (const char *)f->b + f->t[j].off, n);
  return strtod(f->tmp.s, NULL);
}

/* ---- the case document -------------------------------------------------------- */

static inline uint32_t o_new(pol_FhirFast *f, int kind)
{
  if (f->non == f->oncap) f->on = grow(f->on, &f->oncap, f->non + 1, sizeof *f->on);
  f->on[f->non] = (ONode){(uint8_t)kind, NULL, 0, NONE, NONE, NONE, 0, 0, 0, 0, 0, 0};
  return (uint32_t)f->non++;
}

static uint32_t o_raw(pol_FhirFast *f, const char *s, size_t n)
{
  uint32_t x = o_new(f, O_RAW);
  f->on[x].roff = (uint32_t)f->raw.n;
  f->on[x].rlen = (uint32_t)n;
  pol_buf_put(&f->raw, s, n);
  return x;
}

/* The Bundle's value j (a scalar), as it is in the Bundle's text. */
static FF_INLINE uint32_t o_copy(pol_FhirFast *f, uint32_t j)
{
  uint32_t off = f->t[j].off, aux = f->t[j].aux;
  int str = f->b[off] == '"';
  uint32_t rlen = str ? (aux & ~POL_JTAPE_ESC) + 2 : raw_len(f, j);
  if (f->non == f->oncap) f->on = grow(f->on, &f->oncap, f->non + 1, sizeof *f->on);
  f->on[f->non] = (ONode){O_RAW, NULL, 0, NONE, NONE, NONE, 0, off, rlen, 1, str && (aux & POL_JTAPE_ESC), 0};
  return (uint32_t)f->non++;
}

/* The text of the O_RAW node x. */
static inline const char *raw_at(const pol_FhirFast *f, uint32_t x)
{
  const ONode *o = &f->on[x];
  return o->bundle ? (const char *)f->b + o->roff : f->raw.s + o->roff;
}

/* A key's bit in its object's ONode.keys: its length and last byte. */
static inline uint64_t key_bit(const char *k, size_t kl)
{
  return 1ull << ((kl * 5u + (kl ? (unsigned char)k[kl - 1] : 0u)) & 63);
}

static inline uint32_t o_get(const pol_FhirFast *f, uint32_t o, const char *k, size_t kl)
{
  if (f->on[o].kind != O_OBJ || !(f->on[o].keys & key_bit(k, kl))) return NONE;
  for (uint32_t c = f->on[o].first; c != NONE; c = f->on[c].next)
    if (f->on[c].klen == kl && key_eq((const unsigned char *)f->on[c].key, k, kl)) return c;
  return NONE;
}

static int o_has(const pol_FhirFast *f, uint32_t o, const char *k, size_t kl) { return o_get(f, o, k, kl) != NONE; }

static inline void o_append(pol_FhirFast *f, uint32_t a, uint32_t v)
{
  ONode *o = &f->on[a];
  if (o->kind == O_OBJ) o->keys |= key_bit(f->on[v].key, f->on[v].klen);
  f->on[v].next = NONE;
  if (o->last == NONE) o->first = v;
  else f->on[o->last].next = v;
  o->last = v;
  o->n++;
}

/* json_object_set_new: a key already there keeps its place, with the new value. */
static FF_INLINE void o_set(pol_FhirFast *f, uint32_t o, const char *k, size_t kl, uint32_t v)
{
  f->on[v].key = k;
  f->on[v].klen = (uint32_t)kl;
  uint32_t prev = NONE;
  if (f->on[o].keys & key_bit(k, kl)) {   /* else not there */
    for (uint32_t c = f->on[o].first; c != NONE; prev = c, c = f->on[c].next)
      if (f->on[c].klen == kl && key_eq((const unsigned char *)f->on[c].key, k, kl)) {
        f->on[v].next = f->on[c].next;
        if (prev == NONE) f->on[o].first = v;
        else f->on[prev].next = v;
        if (f->on[o].last == c) f->on[o].last = v;
        return;
      }
  }
  o_append(f, o, v);
}

/* fhir_in.c's parent_of, path[0..len). */
static uint32_t parent_of(pol_FhirFast *f, const char *path, size_t len, const char **last, uint32_t *lastlen)
{
  uint32_t o = f->doc;
  for (;;) {
    size_t n = 0;
    while (n < len && path[n] != '.') n++;
    if (n > KEY_MAX) { f->failed = 1; return o; }
    if (n == len) {
      *last = path;
      *lastlen = (uint32_t)n;
      return o;
    }
    uint32_t x = o_get(f, o, path, n);
    if (x == NONE || f->on[x].kind != O_OBJ) {
      if (x != NONE) f->failed = 1;   /* fhir_in.c replaces a value by an object: unusual */
      x = o_new(f, O_OBJ);
      o_set(f, o, path, n, x);
    }
    o = x;
    path += n + 1;
    len -= n + 1;
  }
}

/* ---- element paths ------------------------------------------------------------ */

typedef int (*Visit)(pol_FhirFast *f, uint32_t j, void *ctx);

/* The length of elem's first component.  Element paths are the
   program's strings (or literals), walked again and again: the last few
   asked are remembered by address. */
static inline size_t comp_len(pol_FhirFast *f, const char *elem)
{
  size_t h = (size_t)(((uint64_t)(uintptr_t)elem * 0x9e3779b97f4a7c15ull) >> (64 - COMP_BITS));
  if (f->comp_at[h] == elem) return f->comp_n[h];
  size_t n = 0;
  while (elem[n] && elem[n] != '.') n++;
  f->comp_at[h] = elem;
  f->comp_n[h] = (uint32_t)n;
  return n;
}

static int walk(pol_FhirFast *f, uint32_t j, const char *elem, Visit v, void *ctx);

/* walk, inlined where it is called with a constant visitor (the `where`
   matches of every resource): an object's member is stepped into in a
   loop, an array's items each by walk. */
static FF_INLINE int walk_in(pol_FhirFast *f, uint32_t j, const char *elem, Visit v, void *ctx)
{
  for (;;) {
    if (j == NONE) return 0;
    unsigned char c = ty(f, j);
    if (c == 'n') return 0;
    if (c == '[') {
      for (uint32_t i = first(f, j); i != NONE; i = next_item(f, j, i)) {
        int rc = walk(f, i, elem, v, ctx);
        if (rc) return rc;
      }
      return 0;
    }
    if (!*elem) return v(f, j, ctx);
    size_t n = comp_len(f, elem);
    if (c != '{' || n > KEY_MAX) { f->failed = 1; return -1; }
    j = get(f, j, elem, n);
    elem = elem[n] ? elem + n + 1 : "";
  }
}

/* fhir_in.c's walk: -1 failed, 1 stopped by f, 0 done. */
static int walk(pol_FhirFast *f, uint32_t j, const char *elem, Visit v, void *ctx)
{
  return walk_in(f, j, elem, v, ctx);
}

static int take_first(pol_FhirFast *f, uint32_t j, void *ctx)
{
  (void)f;
  *(uint32_t *)ctx = j;
  return 1;
}

static int push_visit(pol_FhirFast *f, uint32_t j, void *ctx)
{
  f->nodes = grow(f->nodes, &f->ncap, f->nnodes + 1, sizeof *f->nodes);
  f->nodes[f->nnodes++] = (FNode){j, (uint32_t)(uintptr_t)ctx};
  return 0;
}

typedef struct Match { const pol_FhirBind *b; int hit; } Match;

static FF_INLINE int match_visit(pol_FhirFast *f, uint32_t j, void *ctx)
{
  Match *m = ctx;
  const pol_Program *p = f->p;
  uint32_t codings = GET(j, "coding");
  uint32_t one = codings == NONE ? j : NONE;
  for (uint32_t c = one != NONE ? one : first(f, codings); c != NONE;
       c = one != NONE ? NONE : next_item(f, codings, c)) {
    uint32_t sl = 0, cl = 0, sj, cj;
    sys_code(f, c, &sj, &cj);
    const char *sys = sv(f, sj, &sl);
    const char *code = sv(f, cj, &cl);
    if (f->failed) return -1;
    if (!code) continue;
    if (!sys) { f->failed = 1; return -1; }   /* note C0155 */
    if (m->b->flags & POL_FHIR_VSET) {
      if (pol_fhir_vset_match(p, m->b->code0, sys, sl, code, cl)) {
        m->hit = 1;
        return 1;
      }
      continue;
    }
    for (uint32_t k = 0; k < m->b->ncodes; k++) {
      uint32_t wid = p->fhirstr[m->b->code0 + k], wl = p->slen[wid];
      const char *want = p->str[wid];   /* "system|code": sys, '|', code */
      if (sl < wl && want[sl] == '|' && wl - sl - 1 == cl && key_eq((const unsigned char *)sys, want, sl) &&
          key_eq((const unsigned char *)code, want + sl + 1, cl)) {
        m->hit = 1;
        return 1;
      }
    }
  }
  return 0;
}

/* ---- values ------------------------------------------------------------------ */

/* fhir_in.c's as_case: a node, or NONE with failed set. */
static FF_INLINE uint32_t as_case(pol_FhirFast *f, uint32_t v, uint32_t t)
{
  pol_Kind k = t ? POL_TKIND(t) : PK_NONE;
  unsigned char c = ty(f, v);
  int ok = 1;
  switch (k) {
  case PK_BOOL: ok = c == 't' || c == 'f'; break;
  case PK_NUM: ok = is_num(f, v); break;
  case PK_STR: ok = c == '"'; break;
  case PK_DATE: {
    if (c != '"') { ok = 0; break; }
    uint32_t n = f->t[v].aux & ~POL_JTAPE_ESC;
    if (n <= 10) break;
    if (f->t[v].aux & POL_JTAPE_ESC) { ok = 0; break; }   /* a cut of an escaped string: the reference */
    if (f->b[f->t[v].off + 11] != 'T') break;            /* body[10] */
    char buf[12];
    buf[0] = buf[11] = '"';
    memcpy(buf + 1, f->b + f->t[v].off + 1, 10);
    return o_raw(f, buf, 12);
  }
  case PK_NONE: ok = c != '{' && c != '['; break;
  case PK_LIST: case PK_REC: case PK_DUR: case PK_WIN: case PK_SET: case PK__COUNT: ok = 0; break;
  }
  if (!ok) {
    f->failed = 1;
    return NONE;
  }
  return o_copy(f, v);
}

/* quantity(...): fhir_in.c's conv_quantity. */
static uint32_t conv_quantity(pol_FhirFast *f, uint32_t q, const char *to)
{
  if (!is_obj(f, q)) { f->failed = 1; return NONE; }
  uint32_t v = GET(q, "value");
  if (v == NONE || is_null(f, v)) return NONE;
  if (!is_num(f, v)) { f->failed = 1; return NONE; }
  uint32_t u = GET(q, "code");
  if (u == NONE) u = GET(q, "unit");
  uint32_t fl = 0;
  const char *from = sv(f, u, &fl);
  if (f->failed || (u != NONE && !from)) { f->failed = 1; return NONE; }
  char fb[40];
  if (from) {
    if (fl >= sizeof fb) { f->failed = 1; return NONE; }   /* no unit is that long */
    memcpy(fb, from, fl);
    fb[fl] = '\0';
  }
  /* the units table is fhir_in.c's: ask it through the conversion */
  double fx, tx;
  int fd, td;
  if (pol_fhir_unit_info(to, &td, &tx) != 0) { f->failed = 1; return NONE; }
  if (!from) {
    if (td == 5 || td == 6) return o_copy(f, v);
    f->failed = 1;
    return NONE;
  }
  if (pol_fhir_unit_info(fb, &fd, &fx) != 0 || fd != td) { f->failed = 1; return NONE; }
  if (strcmp(fb, to) == 0) return o_copy(f, v);
  double x = num_val(f, v) * fx / tx;
  char buf[48];
  snprintf(buf, sizeof buf, "%.8f", x);
  x = strtod(buf, NULL);
  if (!isfinite(x)) { f->failed = 1; return NONE; }
  int n = snprintf(buf, sizeof buf, "%.17g", x);
  if (!strpbrk(buf, ".eE")) n += snprintf(buf + n, sizeof buf - (size_t)n, ".0");
  return o_raw(f, buf, (size_t)n);
}

typedef struct Seqs { int64_t seq[SEQ_MAX]; int n; } Seqs;

static int seq_visit(pol_FhirFast *f, uint32_t j, void *ctx)
{
  Seqs *s = ctx;
  if (!is_int(f, j)) { f->failed = 1; return -1; }
  if (s->n < SEQ_MAX) s->seq[s->n++] = int_val(f, j);
  return 0;
}

static int in_seqs(const pol_FhirFast *f, uint32_t sq, const Seqs *s)
{
  if (!is_int(f, sq)) return 0;
  int64_t v = int_val(f, sq);
  for (int k = 0; k < s->n; k++)
    if (s->seq[k] == v) return 1;
  return 0;
}

/* info(...): fhir_in.c's conv_info.  The sequences, the entries they
   pick, their category codes and values are the same for every name
   asked of one node (a line's fields): found once, into f->ic as, per
   entry, its value (NONE: none), its number of codings and each coding's
   code (a tape index, NONE: none; read with sv when a name is asked, so an
   escaped one refuses exactly when it did). */
static uint32_t conv_info(pol_FhirFast *f, const FNode *n, const char *elem, const char *name, uint32_t t)
{
  if (!(f->ic_ok && f->ic_j == n->j && f->ic_res == n->res && (f->ic_elem == elem || strcmp(f->ic_elem, elem) == 0))) {
    Seqs s = {{0}, 0};
    f->ic_ok = 0;
    if (walk(f, n->j, elem, seq_visit, &s) < 0) return NONE;
    f->nic = 0;
    f->ic_codes = 0;
    uint32_t infos = GET(f->res[n->res].r, "supportingInfo");
    for (uint32_t si = first(f, infos); si != NONE; si = next_item(f, infos, si)) {
      if (!in_seqs(f, GET(si, "sequence"), &s)) continue;
      static const char *const vals[] = {"valueBoolean", "valueString", "valueQuantity"};
      static const uint8_t vlen[] = {12, 11, 13};
      uint32_t val = NONE;
      for (size_t v = 0; v < 3; v++) {   /* the first of vals present; a Quantity's value */
        uint32_t x = get(f, si, vals[v], vlen[v]);
        if (x == NONE) continue;
        val = v == 2 ? GET(x, "value") : x;
        break;
      }
      uint32_t cod = GET(GET(si, "category"), "coding");
      size_t at = f->nic;
      f->ic = grow(f->ic, &f->iccap, at + 2, sizeof *f->ic);
      f->ic[f->nic++] = val;
      f->ic[f->nic++] = 0;
      for (uint32_t c = first(f, cod); c != NONE; c = next_item(f, cod, c)) {
        f->ic = grow(f->ic, &f->iccap, f->nic + 1, sizeof *f->ic);
        uint32_t cj = GET(c, "code");
        f->ic[f->nic++] = cj;
        f->ic[at + 1]++;
        if (is_str(f, cj))
          f->ic_codes |= f->t[cj].aux & POL_JTAPE_ESC ? ~0ull
                                                       : key_bit((const char *)f->b + f->t[cj].off + 1, f->t[cj].aux);
      }
    }
    f->ic_ok = 1;
    f->ic_j = n->j;
    f->ic_res = n->res;
    f->ic_elem = elem;
  }
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  uint32_t out = list ? o_new(f, O_ARR) : NONE;
  size_t nl = strlen(name);
  if (!(f->ic_codes & key_bit(name, nl))) return out;   /* no code is name, none escaped: no hit, no refusal */
  for (size_t e = 0; e < f->nic;) {
    uint32_t val = f->ic[e], nc = f->ic[e + 1];
    const uint32_t *codes = &f->ic[e + 2];
    e += 2 + nc;
    int hit = 0;
    for (uint32_t k = 0; k < nc; k++) {
      uint32_t cl = 0;
      const char *code = sv(f, codes[k], &cl);
      hit |= code && cl == nl && key_eq((const unsigned char *)code, name, nl);
    }
    if (f->failed) return NONE;
    if (!hit || val == NONE) continue;
    uint32_t y = as_case(f, val, et);
    if (y == NONE) return NONE;
    if (!list) return y;
    o_append(f, out, y);
  }
  return out;
}

typedef struct Coded { const char *sys; uint32_t code; } Coded;

static int coded_visit(pol_FhirFast *f, uint32_t j, void *ctx)
{
  Coded *c = ctx;
  uint32_t codings = GET(j, "coding");
  uint32_t one = codings == NONE ? j : NONE;
  for (uint32_t x = one != NONE ? one : first(f, codings); x != NONE;
       x = one != NONE ? NONE : next_item(f, codings, x)) {
    uint32_t sl = 0, sj, cj;
    sys_code(f, x, &sj, &cj);
    const char *sys = sv(f, sj, &sl);
    if (f->failed) return -1;
    if (!sys && cj != NONE) { f->failed = 1; return -1; }   /* note C0155 */
    if (!sys || !pol_fhir_system_is(c->sys, sys, sl) || cj == NONE) continue;
    c->code = cj;
    return 1;
  }
  return 0;
}

static uint32_t conv_code(pol_FhirFast *f, const FNode *n, const char *elem, const char *sys, uint32_t t)
{
  Coded c = {sys, NONE};
  if (walk(f, n->j, elem, coded_visit, &c) < 0 || c.code == NONE) return NONE;
  return as_case(f, c.code, t);
}

#define SYS_ICD10CM "http://hl7.org/fhir/sid/icd-10-cm"

static uint32_t conv_diagnosis(pol_FhirFast *f, const FNode *n, const char *elem, uint32_t t)
{
  Seqs s = {{0}, 0};
  if (walk(f, n->j, elem, seq_visit, &s) < 0 || s.n == 0) return NONE;
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  uint32_t out = list ? o_new(f, O_ARR) : NONE;
  uint32_t diags = GET(f->res[n->res].r, "diagnosis");
  for (int k = 0; k < s.n; k++)
    for (uint32_t d = first(f, diags); d != NONE; d = next_item(f, diags, d)) {
      uint32_t sq = GET(d, "sequence");
      if (!is_int(f, sq) || int_val(f, sq) != s.seq[k]) continue;
      Coded c = {SYS_ICD10CM, NONE};
      if (walk(f, d, "diagnosisCodeableConcept", coded_visit, &c) < 0) return NONE;
      if (c.code == NONE) continue;
      uint32_t y = as_case(f, c.code, et);
      if (y == NONE) return NONE;
      if (!list) return y;
      o_append(f, out, y);
    }
  return out;
}

/* fhir_in.c's map_value. */
static FF_INLINE uint32_t map_value(pol_FhirFast *f, const pol_FhirBind *b, uint32_t m, const FNode *n, uint32_t rec,
                          const char *key, uint32_t klen)
{
  const pol_Program *p = f->p;
  const uint32_t *v = &p->fhirstr[b->map0 + 4 * m];
  const char *elem = S(p, v[1]), *arg = S(p, v[3]);
  uint32_t t = f->mtype[b->map0 + 4 * m];
  Conv cv = (Conv)f->mconv[b->map0 + 4 * m];
  if (cv == CONV_INFO) return conv_info(f, n, elem, arg ? arg : "", t);
  if (cv == CONV_CODE) return conv_code(f, n, elem, arg ? arg : "", t);
  if (cv == CONV_DIAGNOSIS) return conv_diagnosis(f, n, elem, t);
  uint32_t j = NONE;
  if (walk_in(f, n->j, elem, take_first, &j) < 0 || j == NONE) return NONE;
  if (cv == CONV_NONE) return as_case(f, j, t);
  if (cv == CONV_QUANTITY) return conv_quantity(f, j, arg ? arg : "1");
  /* age(...) */
  uint32_t dl = 0;
  const char *d = sv(f, j, &dl);
  int32_t day;
  char buf[11];
  if (!d || dl != 10) { f->failed = 1; return NONE; }   /* an error or a note */
  memcpy(buf, d, 10);
  buf[10] = '\0';
  if (pol_parse_date(buf, &day) != 0 || klen > KEY_MAX) { f->failed = 1; return NONE; }
  f->ages = grow(f->ages, &f->acap, f->nages + 1, sizeof *f->ages);
  f->ages[f->nages++] = (Age){rec, key, klen, day};
  return NONE;
}

/* fhir_in.c's line_infos. */
static void line_infos(pol_FhirFast *f, const FNode *n, uint32_t rec)
{
  const pol_Program *p = f->p;
  for (uint32_t x = 0; x < f->nif && !f->failed; x++) {   /* the line facts without a dot */
    uint32_t i = f->ifacts[x];
    const char *key = p->str[p->facts[i].path];
    size_t kl = p->slen[p->facts[i].path];
    if (o_has(f, rec, key, kl)) continue;
    uint32_t v = conv_info(f, n, "informationSequence", key, p->facts[i].type);
    if (v != NONE && f->on[v].kind == O_ARR && f->on[v].n == 0) v = NONE;
    if (v != NONE) o_set(f, rec, key, kl, v);
  }
}

/* The resources of type[0..tl), in order: the first (NONE: none), then
   Res.tnext. */
static uint32_t of_type(const pol_FhirFast *f, const char *type, size_t tl)
{
  for (uint32_t i = 0; i < f->nrtype; i++)
    if (f->rtype[i].tlen == tl && key_eq((const unsigned char *)f->rtype[i].type, type, tl)) return f->rtype[i].first;
  return NONE;
}

static void apply(pol_FhirFast *f, uint32_t bi)
{
  const pol_Program *p = f->p;
  const pol_FhirBind *b = &p->fhir[bi];
  const char *source = S(p, b->source), *target = S(p, b->target);
  size_t tl = strcspn(source, ".");
  f->nnodes = 0;
  if (!source[tl]) {   /* the resources themselves (objects: walk would visit each) */
    for (uint32_t i = of_type(f, source, tl); i != NONE; i = f->res[i].tnext) {
      f->nodes = grow(f->nodes, &f->ncap, f->nnodes + 1, sizeof *f->nodes);
      f->nodes[f->nnodes++] = (FNode){f->res[i].r, i};
    }
  } else {
    for (uint32_t i = of_type(f, source, tl); i != NONE; i = f->res[i].tnext)   /* the type's resources, in order */
      if (walk(f, f->res[i].r, source + tl + 1, push_visit, (void *)(uintptr_t)i) < 0) return;
  }
  const char *key;
  uint32_t klen;
  uint32_t parent = parent_of(f, target, strlen(target), &key, &klen);
  if (f->failed) return;
  uint32_t list = (b->flags & POL_FHIR_LIST) ? o_new(f, O_ARR) : NONE;
  int lines = (b->flags & POL_FHIR_LIST) && strcmp(target, "request.procedures") == 0;
  uint32_t tt = f->ttype[bi];
  uint32_t vals = tt && POL_TKIND(tt) == PK_LIST && POL_TELEM(tt) != PK_REC ? o_new(f, O_ARR) : NONE;
  const char *where = b->where != POL_NOSTR ? S(p, b->where) : NULL;
  for (size_t i = 0; i < f->nnodes && !f->failed; i++) {
    const FNode *n = &f->nodes[i];
    if (b->where != POL_NOSTR) {
      Match m = {b, 0};
      if (!where || walk_in(f, n->j, where, match_visit, &m) < 0) { f->failed = 1; break; }
      if (!m.hit) continue;
    }
    if (!(b->flags & POL_FHIR_LIST) && vals != NONE) {
      uint32_t v = map_value(f, b, 0, n, parent, key, klen);
      if (v != NONE && f->on[v].kind == O_ARR) {
        for (uint32_t c = f->on[v].first, nc; c != NONE; c = nc) {
          nc = f->on[c].next;
          o_append(f, vals, c);
        }
      } else if (v != NONE) {
        o_append(f, vals, v);
      }
      continue;
    }
    if (!(b->flags & POL_FHIR_LIST)) {
      if (o_has(f, parent, key, klen)) break;
      uint32_t v = map_value(f, b, 0, n, parent, key, klen);
      if (v != NONE) o_set(f, parent, key, klen, v);
      continue;
    }
    uint32_t rec = o_new(f, O_OBJ);
    o_append(f, list, rec);
    for (uint32_t m = 0; m < b->nmap && !f->failed; m++) {
      uint32_t fid = p->fhirstr[b->map0 + 4 * m];   /* a string (pol_fhir_fast_new checked) */
      const char *field = p->str[fid];
      size_t fl = p->slen[fid];
      uint32_t v = map_value(f, b, m, n, rec, field, (uint32_t)fl);
      if (v != NONE) o_set(f, rec, field, fl, v);
    }
    if (lines) line_infos(f, n, rec);
  }
  if (vals != NONE && f->on[vals].n && !o_has(f, parent, key, klen)) o_set(f, parent, key, klen, vals);
  if (list != NONE && f->on[list].n && !o_has(f, parent, key, klen)) o_set(f, parent, key, klen, list);
}

/* ---- QuestionnaireResponse ----------------------------------------------------- */

static uint32_t answer_value(pol_FhirFast *f, uint32_t a)
{
  static const char *const keys[] = {"valueBoolean", "valueDecimal", "valueInteger", "valueDate",
                                     "valueDateTime", "valueString", "valueCoding", "valueQuantity"};
  static const uint8_t klen[] = {12, 12, 12, 9, 13, 11, 11, 13};
  enum { NKEYS = sizeof keys / sizeof *keys };
  /* one pass over the answer's members, keeping the first of keys[] in
     that order, as a get of each in turn (keys are unique: the tape
     refuses a duplicate key, fhir_tape.c dup_key; so "k < best" keeps the
     member a get would find) */
  if (!is_obj(f, a)) return NONE;
  size_t best = NKEYS;
  uint32_t bv = NONE;
  uint32_t end = f->t[a].aux;
  for (uint32_t i = a + 1; i < end; i = nx(f, i + 1)) {
    uint32_t n = f->t[i].aux;
    const unsigned char *s = f->b + f->t[i].off + 1;
    if (n < 9) continue;
    size_t k;   /* the one of keys[] it may be, by its sixth byte and length */
    switch (s[5]) {
    case 'B': k = 0; break;
    case 'I': k = 2; break;
    case 'S': k = 5; break;
    case 'C': k = 6; break;
    case 'Q': k = 7; break;
    case 'D': k = n == 12 ? 1 : n == 9 ? 3 : 4; break;   /* Decimal, Date, DateTime */
    default: continue;
    }
    if (k < best && klen[k] == n && key_eq(s, keys[k], n)) {
      best = k;
      bv = i + 1;
    }
  }
  if (best == 6) return GET(bv, "code");
  if (best == 7) return GET(bv, "value");
  return bv;
}

/* GET(it, "linkId"): items are looked at again and again, and their
   linkId is mostly their first member, read without a search. */
static inline uint32_t link_of(pol_FhirFast *f, uint32_t it)
{
  if (is_obj(f, it) && f->t[it].aux > it + 1 && f->t[it + 1].aux == 6 &&
      key_eq(f->b + f->t[it + 1].off + 1, "linkId", 6))
    return it + 2;
  return GET(it, "linkId");
}

static uint32_t answers(pol_FhirFast *f, uint32_t item, uint32_t t)
{
  uint32_t ans = GET(item, "answer");
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  uint32_t arr = list ? o_new(f, O_ARR) : NONE;
  for (uint32_t a = first(f, ans); a != NONE; a = next_item(f, ans, a)) {
    uint32_t v = answer_value(f, a);
    if (v == NONE) continue;
    uint32_t x = as_case(f, v, et);
    if (x == NONE) return NONE;
    if (!list) return x;
    o_append(f, arr, x);
  }
  return arr;
}

/* The first of items from `from` on whose linkId is link[0..ll), or NONE. */
static uint32_t first_link(pol_FhirFast *f, uint32_t items, uint32_t from, const char *link, uint32_t ll)
{
  for (uint32_t it = from; it != NONE && !f->failed; it = next_item(f, items, it)) {
    uint32_t l0 = 0;
    const char *l = sv(f, link_of(f, it), &l0);
    if (l && l0 == ll && (!ll || (l[0] == link[0] && key_eq((const unsigned char *)l, link, ll)))) return it;
  }
  return NONE;
}

static uint32_t qr_value_from(pol_FhirFast *f, uint32_t items, uint32_t from, const char *link, uint32_t ll,
                              uint32_t t, int depth);

/* qr_value over the items from the first whose linkId is link: the same
   value (the items before it are not that link's), without looking at
   every item again for each of a record's fields and names. */
static uint32_t qr_value_at(pol_FhirFast *f, uint32_t items, const char *link, uint32_t ll, uint32_t t, int depth)
{
  if (depth > QR_DEPTH) return NONE;
  uint32_t at = first_link(f, items, first(f, items), link, ll);
  return at == NONE ? NONE : qr_value_from(f, items, at, link, ll, t, depth);
}

/* qr_value_from(items, at, link, ...), at's linkId being link: at's
   answers taken here, without the call, when t is not a list of records
   (the common field of a record); the items after it only when it has
   none. */
static inline uint32_t qr_value_kid(pol_FhirFast *f, uint32_t items, uint32_t at, const char *link, uint32_t ll,
                                    uint32_t t, int depth)
{
  if (depth > QR_DEPTH || (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && POL_TREC(t) < f->p->nrec))
    return qr_value_from(f, items, at, link, ll, t, depth);
  uint32_t v = answers(f, at, t);
  if (v != NONE || f->failed) return v;
  uint32_t next = first_link(f, items, next_item(f, items, at), link, ll);
  return next == NONE ? NONE : qr_value_from(f, items, next, link, ll, t, depth);
}

#define QR_KIDS 64   /* a record's items looked at once; more: item by item */

typedef struct Kid { const char *l; uint32_t n, it; } Kid;

/* A linkId's bit in a record's filter of its kids' linkIds: its length and first byte. */
static inline uint64_t kid_bit(const char *s, uint32_t n) { return 1ull << ((n * 7u + (n ? (unsigned char)s[0] : 0u)) & 63); }

/* The first of kids[0..nk) whose linkId is pre[0..pl) + sep[0..sl) + name[0..nl). */
static inline uint32_t kid_find(const Kid *kids, uint32_t nk, const char *pre, uint32_t pl, const char *sep, uint32_t sl,
                         const char *name, uint32_t nl)
{
  uint32_t want = pl + sl + nl;
  for (uint32_t i = 0; i < nk; i++) {
    const Kid *k = &kids[i];
    const unsigned char *l = (const unsigned char *)k->l;
    if (k->n == want && key_eq(l + pl + sl, name, nl) && key_eq(l, pre, pl) && key_eq(l + pl, sep, sl))
      return k->it;
  }
  return NONE;
}

/* A record's field by name, by full path, by PATH[].FIELD, when it has
   more than QR_KIDS items (rare: out of qr_record's loop). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint32_t qr_field_many(pol_FhirFast *f, uint32_t kids, const char *link, uint32_t ll, const char *name,
                              uint32_t nl, uint32_t ft, int depth)
{
  char full[LINK_MAX + 1], qlink[LINK_MAX + 1];
  memcpy(full, link, ll);
  full[ll] = '.';
  memcpy(full + ll + 1, name, nl);
  memcpy(qlink, link, ll);
  memcpy(qlink + ll, "[].", 3);
  memcpy(qlink + ll + 3, name, nl);
  uint32_t v = qr_value_at(f, kids, name, nl, ft, depth + 1);
  if (v == NONE && !f->failed) v = qr_value_at(f, kids, full, ll + 1 + nl, ft, depth + 1);
  if (v == NONE && !f->failed) v = qr_value_at(f, kids, qlink, ll + 3 + nl, ft, depth + 1);
  return v;
}

static uint32_t qr_record(pol_FhirFast *f, uint32_t item, uint32_t rec, const char *link, uint32_t ll,
                          int depth)
{
  const pol_RecType *rt = &f->p->rec[rec];
  uint32_t o = o_new(f, O_OBJ);
  uint32_t kids = GET(item, "item");
  char full[LINK_MAX + 1], qlink[LINK_MAX + 1];
  /* the items' linkIds, once (an item without a string linkId matches no
     field; an escaped one refuses, as first_link would) */
  Kid kid[QR_KIDS];
  uint32_t nk = 0;
  int many = 0;
  /* which kid_find may find anything: the kids' (length, first byte)
     bits; some kid is LINK.X, some LINK[].X */
  uint64_t bloom = 0;
  int dotted = 0, listed = 0;
  for (uint32_t it = first(f, kids); it != NONE && !f->failed; it = next_item(f, kids, it)) {
    if (nk == QR_KIDS) { many = 1; break; }
    uint32_t l0 = 0;
    const char *l = sv(f, link_of(f, it), &l0);
    if (l) {
      kid[nk++] = (Kid){l, l0, it};
      bloom |= kid_bit(l, l0);
      if (l0 > ll && key_eq((const unsigned char *)l, link, ll)) {
        dotted |= l[ll] == '.';
        listed |= l0 > ll + 2 && key_eq((const unsigned char *)l + ll, "[].", 3);
      }
    }
  }
  for (uint32_t i = 0; i < rt->nfields && !f->failed; i++) {
    const char *name = f->p->str[rt->fields[i].name];
    size_t nl = f->p->slen[rt->fields[i].name];
    if (ll + nl + 3 > LINK_MAX) { f->failed = 1; break; }   /* fhir_in.c cuts it */
    uint32_t ft = rt->fields[i].type;
    uint32_t v = NONE;
    if (many) {
      v = qr_field_many(f, kids, link, ll, name, (uint32_t)nl, ft, depth);
    } else if (depth + 1 <= QR_DEPTH) {
      /* qr_value by name, by full path, by PATH[].FIELD, as fhir_in.c
         asks, each from its first item (none: no value) */
      uint32_t at = bloom & kid_bit(name, (uint32_t)nl) ? kid_find(kid, nk, "", 0, "", 0, name, (uint32_t)nl) : NONE;
      if (at != NONE) v = qr_value_kid(f, kids, at, name, (uint32_t)nl, ft, depth + 1);
      if (v == NONE && !f->failed && dotted && (at = kid_find(kid, nk, link, ll, ".", 1, name, (uint32_t)nl)) != NONE) {
        memcpy(full, link, ll);
        full[ll] = '.';
        memcpy(full + ll + 1, name, nl);
        v = qr_value_from(f, kids, at, full, (uint32_t)(ll + 1 + nl), ft, depth + 1);
      }
      if (v == NONE && !f->failed && listed && (at = kid_find(kid, nk, link, ll, "[].", 3, name, (uint32_t)nl)) != NONE) {
        memcpy(qlink, link, ll);
        memcpy(qlink + ll, "[].", 3);
        memcpy(qlink + ll + 3, name, nl);
        v = qr_value_from(f, kids, at, qlink, (uint32_t)(ll + 3 + nl), ft, depth + 1);
      }
    }
    if (v == NONE) continue;
    if (f->uniq_fields) {   /* a new key: o_set would append it */
      f->on[v].key = name;
      f->on[v].klen = (uint32_t)nl;
      o_append(f, o, v);
    } else {
      o_set(f, o, name, nl, v);
    }
  }
  return o;
}

/* fhir_in.c's qr_value, over the items from `from` on. */
static uint32_t qr_value_from(pol_FhirFast *f, uint32_t items, uint32_t from, const char *link, uint32_t ll,
                              uint32_t t, int depth)
{
  if (depth > QR_DEPTH) return NONE;
  int reclist = POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && POL_TREC(t) < f->p->nrec;
  uint32_t out = NONE;
  for (uint32_t it = from; it != NONE && !f->failed; it = next_item(f, items, it)) {
    uint32_t l0 = 0;
    const char *l;
    /* `from`'s linkId is link (every caller found it so) */
    if (it != from && (!(l = sv(f, link_of(f, it), &l0)) || l0 != ll || (ll && (l[0] != link[0] || !key_eq((const unsigned char *)l, link, ll)))))
      continue;
    if (reclist) {
      if (out == NONE) out = o_new(f, O_ARR);
      if (GET(it, "item") != NONE) o_append(f, out, qr_record(f, it, POL_TREC(t), link, ll, depth));
      continue;
    }
    uint32_t v = answers(f, it, t);
    if (v != NONE) return v;
  }
  return f->failed ? NONE : out;
}

static void qr_walk(pol_FhirFast *f, uint32_t items, int depth)
{
  if (depth > QR_DEPTH) return;
  for (uint32_t it = first(f, items); it != NONE && !f->failed; it = next_item(f, items, it)) {
    if (!is_obj(f, it)) { f->failed = 1; return; }
    uint32_t ll = 0;
    const char *link = sv(f, link_of(f, it), &ll);
    if (!link) { f->failed = 1; return; }
    const TEnt *te = link_fact(f, link, ll);
    uint32_t t = te ? te->type : 0;
    if (!t) {
      if (GET(it, "answer") != NONE) { f->failed = 1; return; }   /* note C0158 */
      qr_walk(f, GET(it, "item"), depth + 1);
      continue;
    }
    if (ll > LINK_MAX) { f->failed = 1; return; }
    const char *key;
    uint32_t klen, parent;
    uint32_t pl = te->dot;   /* link[0..pl): the components before the last, with their dots (the fact path's) */
    if (f->qp && f->qp_len == pl && ll - pl <= KEY_MAX && key_eq((const unsigned char *)f->qp, link, pl)) {
      /* the parent of the last linkId's prefix: the case document's
         objects, once made, stay (no o_set replaces an object) */
      parent = f->qp_node;
      key = link + pl;
      klen = ll - pl;
    } else {
      parent = parent_of(f, link, ll, &key, &klen);
      if (f->failed) return;
      f->qp = link;
      f->qp_len = pl;
      f->qp_node = parent;
    }
    if (o_has(f, parent, key, klen)) continue;
    /* from this item: an earlier one of the same linkId gave nothing, or
       its value would be set already (so the scan from the first, as
       fhir_in.c's, gives what the scan from here gives) */
    uint32_t v = qr_value_kid(f, items, it, link, ll, t, depth);
    if (v != NONE) {   /* o_set of a key not there: appended */
      f->on[v].key = key;
      f->on[v].klen = klen;
      o_append(f, parent, v);
    }
  }
}

/* ---- the bundle ---------------------------------------------------------------- */

/* The members of a resource the reader looks at, in one pass over its keys
   (as GET of each: keys are unique). */
typedef struct RKeys { uint32_t type, id, status, vstatus, contained, ref[3]; } RKeys;

static void res_keys(const pol_FhirFast *f, uint32_t o, RKeys *k)
{
  *k = (RKeys){NONE, NONE, NONE, NONE, NONE, {NONE, NONE, NONE}};
  uint32_t end = f->t[o].aux;
  for (uint32_t i = o + 1; i < end; i = nx(f, i + 1)) {
    const char *s = (const char *)f->b + f->t[i].off + 1;
    uint32_t n = f->t[i].aux;
#define IS(lit) key_eq((const unsigned char *)s, lit, sizeof lit - 1)
    switch (n) {   /* by length first */
    case 12: if (IS("resourceType")) k->type = i + 1; break;
    case 2: if (IS("id")) k->id = i + 1; break;
    case 6: if (IS("status")) k->status = i + 1; break;
    case 18: if (IS("verificationStatus")) k->vstatus = i + 1; break;
    case 9: if (IS("contained")) k->contained = i + 1; break;
    case 7:
      if (IS("subject")) k->ref[0] = i + 1;
      else if (IS("patient")) k->ref[1] = i + 1;
      break;
    case 11: if (IS("beneficiary")) k->ref[2] = i + 1; break;
    default: break;   /* a key the reader does not look at */
    }
#undef IS
  }
}

static int excluded(pol_FhirFast *f, const RKeys *k)
{
  uint32_t n = 0;
  const char *st = sv(f, k->status, &n);
  if (st && (seq_eq(st, n, "entered-in-error") || seq_eq(st, n, "cancelled"))) return 1;
  uint32_t vs = GET(k->vstatus, "coding");
  for (uint32_t c = first(f, vs); c != NONE; c = next_item(f, vs, c)) {
    const char *code = sv(f, GET(c, "code"), &n);
    if (code && (seq_eq(code, n, "entered-in-error") || seq_eq(code, n, "refuted"))) return 1;
  }
  return 0;
}

/* The Bundle's resource type type[0..tl) (its f->rtype index), or NONE. */
static inline uint32_t rtype_of(pol_FhirFast *f, const char *type, uint32_t tl)
{
  /* the last one found first (resources of a type come in runs), then
     from the last type */
  uint32_t l = f->rt_last;
  if (l < f->nrtype && f->rtype[l].tlen == tl && key_eq((const unsigned char *)f->rtype[l].type, type, tl)) return l;
  for (uint32_t k = f->nrtype; k-- > 0;) {
    const RType *rt = &f->rtype[k];
    if (rt->tlen == tl && key_eq((const unsigned char *)rt->type, type, tl)) return f->rt_last = k;
  }
  return NONE;
}

/* Resource i (the last added) on its type's chain (rk: rtype_of its type). */
static void chain(pol_FhirFast *f, uint32_t i, uint32_t rk)
{
  const Res *x = &f->res[i];
  if (rk != NONE) {
    RType *rt = &f->rtype[rk];
    f->res[rt->last].tnext = i;
    rt->last = i;
    return;
  }
  if (f->nrtype == RTYPES) {   /* not with the known types (fhir_in.c's known_types: 18) */
    f->failed = 1;
    return;
  }
  f->rtype[f->nrtype++] = (RType){x->type, x->tlen, i, i};
}

static int add_res(pol_FhirFast *f, uint32_t res, const char *full, uint32_t flen, uint32_t host)
{
  if (!is_obj(f, res)) return -1;
  RKeys k;
  res_keys(f, res, &k);
  uint32_t tl = 0, il = 0;
  const char *type = sv(f, k.type, &tl);
  char tb[40];
  if (!type || tl >= sizeof tb) return -1;   /* not a string, or a type the reader does not know */
  /* a type of this Bundle's resources so far, or found known before, else pol_fhir_resource_known */
  uint32_t rk = rtype_of(f, type, tl), kn = 0;
  if (rk == NONE)
    while (kn < f->nknown && !(f->known_len[kn] == tl && key_eq((const unsigned char *)f->known[kn], type, tl))) kn++;
  if (rk == NONE && kn == f->nknown) {
    memcpy(tb, type, tl);
    tb[tl] = '\0';
    if (!pol_fhir_resource_known(tb)) return -1;   /* note C0154 */
    if (f->nknown < RTYPES) {
      memcpy(f->known[f->nknown], type, tl);
      f->known_len[f->nknown++] = (uint8_t)tl;
    }
  }
  if (excluded(f, &k) || f->failed) return -1;  /* note C0157 */
  if (f->nres >= MAX_RES) return -1;
  const char *id = sv(f, k.id, &il);
  if (k.id != NONE && !id) return -1;
  f->res = grow(f->res, &f->rcap, f->nres + 1, sizeof *f->res);
  f->res[f->nres++] = (Res){res, host, {k.ref[0], k.ref[1], k.ref[2]}, type, id, full, tl, il, flen, NONE};
  chain(f, (uint32_t)f->nres - 1, rk);
  uint32_t cont = k.contained;
  if (cont != NONE && host == NONE) {
    if (!is_arr(f, cont)) return -1;
    for (uint32_t c = first(f, cont); c != NONE; c = next_item(f, cont, c))
      if (add_res(f, c, NULL, 0, res)) return -1;
  }
  return 0;
}

static int resolves(const pol_FhirFast *f, const Res *from, const char *ref, uint32_t rl)
{
  uint32_t host = from->host != NONE ? from->host : from->r;
  for (size_t i = 0; i < f->nres; i++) {
    const Res *x = &f->res[i];
    if (rl && ref[0] == '#') {
      if (x->host == host && x->id && x->idlen == rl - 1 && key_eq((const unsigned char *)x->id, ref + 1, rl - 1)) return 1;
      continue;
    }
    if (x->full && x->flen == rl && key_eq((const unsigned char *)x->full, ref, rl)) return 1;
    if (x->id && x->host == NONE && rl == x->tlen + 1 + x->idlen && memcmp(ref, x->type, x->tlen) == 0 &&
        ref[x->tlen] == '/' && memcmp(ref + x->tlen + 1, x->id, x->idlen) == 0)
      return 1;
  }
  return 0;
}

static int check_refs(pol_FhirFast *f)
{
  /* a reference not to a contained resource resolves or not whatever
     resource it is in, and most say the same (the patient): the last one
     found is not looked for again */
  const char *last = NULL;
  uint32_t lastlen = 0;
  for (size_t i = 0; i < f->nres; i++)
    for (size_t k = 0; k < 3; k++) {
      uint32_t ref = f->res[i].ref[k];   /* subject, patient, beneficiary */
      if (ref == NONE) continue;
      if (!is_obj(f, ref)) return -1;
      uint32_t s = GET(ref, "reference");
      if (s == NONE) continue;
      uint32_t rl = 0;
      const char *rs = sv(f, s, &rl);
      if (!rs) return -1;
      if (last && rl == lastlen && memcmp(rs, last, rl) == 0) continue;
      if (!resolves(f, &f->res[i], rs, rl)) return -1;
      if (rl && rs[0] != '#') {
        last = rs;
        lastlen = rl;
      }
    }
  return 0;
}

static int read_bundle(pol_FhirFast *f, uint32_t bundle)
{
  uint32_t entries = GET(bundle, "entry");
  if (!is_arr(f, entries)) return -1;
  for (uint32_t e = first(f, entries); e != NONE; e = next_item(f, entries, e)) {
    if (!is_obj(f, e)) return -1;
    uint32_t fj = GET(e, "fullUrl"), fl = 0;
    const char *full = sv(f, fj, &fl);
    if (fj != NONE && !full) return -1;
    uint32_t res = GET(e, "resource");
    if (res == NONE) return -1;   /* note C0154 */
    if (add_res(f, res, full, fl, NONE)) return -1;
  }
  return f->failed ? -1 : 0;
}

static const Res *the_claim(const pol_FhirFast *f)
{
  const Res *claim = NULL;
  for (uint32_t i = of_type(f, "Claim", 5); i != NONE; i = f->res[i].tnext)
    if (f->res[i].host == NONE) {
      if (claim) return NULL;
      claim = &f->res[i];
    }
  return claim;
}

static int case_id(pol_FhirFast *f, const Res *claim)
{
  uint32_t ids = GET(claim->r, "identifier");
  if (ids != NONE && !is_arr(f, ids)) return -1;
  uint32_t v = GET(first(f, ids), "value");
  if (v != NONE && !is_str(f, v)) return -1;
  if (v == NONE) v = GET(claim->r, "id");
  if (!is_str(f, v)) return -1;
  o_set(f, f->doc, "case_id", 7, o_copy(f, v));
  return 0;
}

static void ages(pol_FhirFast *f)
{
  uint32_t rq = o_get(f, f->doc, "request", 7);
  uint32_t d = rq == NONE ? NONE : o_get(f, rq, "date", 4);
  int32_t on;
  const char *ds = NULL;
  if (d != NONE && f->on[d].kind == O_RAW && raw_at(f, d)[0] == '"') {
    const char *s = raw_at(f, d) + 1;
    uint32_t n = f->on[d].rlen - 2;
    if (memchr(s, '\\', n)) { f->failed = 1; return; }
    pol_buf_reset(&f->tmp);
    pol_buf_put(&f->tmp, s, n);
    ds = f->tmp.s;
  }
  for (size_t i = 0; i < f->nages; i++) {
    const Age *a = &f->ages[i];
    if (!ds || pol_parse_date(ds, &on) != 0 || o_has(f, a->obj, a->key, a->klen)) continue;
    int by, bm, bd, y, m, dd;
    pol_civil_from_days(a->birth, &by, &bm, &bd);
    pol_civil_from_days(on, &y, &m, &dd);
    int age = y - by - (m < bm || (m == bm && dd < bd));
    if (age >= 0) {   /* its decimal digits, as "%d" writes them */
      char buf[16];
      size_t n = sizeof buf;
      do buf[--n] = (char)('0' + age % 10);
      while ((age /= 10) > 0);
      o_set(f, a->obj, a->key, a->klen, o_raw(f, buf + n, sizeof buf - n));
    }
  }
}

/* The case document of the Bundle at the tape's root (f->doc): 0, or
   -1 where fhir_in.c would fail or note. */
static int to_case(pol_FhirFast *f)
{
  const pol_Program *p = f->p;
  f->nres = f->nnodes = f->non = f->nages = 0;
  f->nrtype = 0;
  f->failed = 0;
  f->ic_ok = 0;
  f->qp = NULL;
  pol_buf_reset(&f->raw);
  uint32_t root = 0;
  uint32_t tl = 0;
  const char *rt = sv(f, GET(root, "resourceType"), &tl);
  if (!rt || !seq_eq(rt, tl, "Bundle")) return -1;   /* not a Bundle: the reference says what it is */
  f->doc = o_new(f, O_OBJ);
  if (read_bundle(f, root) || check_refs(f)) return -1;
  const Res *claim = the_claim(f);
  if (!claim || case_id(f, claim)) return -1;
  uint32_t ul = 0;
  const char *use = sv(f, GET(claim->r, "use"), &ul);
  if (!use || !seq_eq(use, ul, "preauthorization")) return -1;   /* note C0159 */
  for (uint32_t i = 0; i < p->nfhir && !f->failed; i++) apply(f, i);
  if (!f->failed) ages(f);
  for (uint32_t i = of_type(f, "QuestionnaireResponse", 21); i != NONE && !f->failed; i = f->res[i].tnext)
    qr_walk(f, GET(f->res[i].r, "item"), 0);
  return f->failed ? -1 : 0;
}

/* ---- the case, filled from the tree ---------------------------------------- */

/* The case document's tree into the case's slots, as pol_jread_load would
   load its text (jread.c's phase 2, which is case.c's pol_case_load): the
   same type rules, values, lines and unknowns, with no text written and
   read again.  Where that would refuse, this refuses; so does a string
   with escapes (rare in a Bundle: the reference decodes it).  The
   values' bytes are converted by vm/jleaf.h, as jread.c converts them. */

static inline int raw_is(const pol_FhirFast *f, uint32_t x, char ch)
{
  return x != NONE && f->on[x].kind == O_RAW && raw_at(f, x)[0] == ch;
}

static inline int absent(const pol_FhirFast *f, uint32_t x) { return x == NONE || raw_is(f, x, 'n'); }

/* The body of the string x (no escapes), or NULL. */
static FF_INLINE const char *raw_str(const pol_FhirFast *f, uint32_t x, uint32_t *n)
{
  if (!raw_is(f, x, '"')) return NULL;
  const char *s = raw_at(f, x) + 1;
  *n = f->on[x].rlen - 2;
  if (f->on[x].bundle) return f->on[x].esc ? NULL : s;   /* the tape knows */
  return memchr(s, '\\', *n) ? NULL : s;
}

/* jread.c's get_str (both pol_jleaf_str), of a string with no escapes. */
static FF_INLINE int fill_str(pol_FhirFast *f, pol_Case *c, uint32_t x, const char **out, uint32_t *id)
{
  uint32_t n;
  const char *s = raw_str(f, x, &n);
  return s ? pol_jleaf_str(c, f->p, s, n, out, id) : -1;
}

/* jread.c's get_date (both pol_jleaf_date). */
static FF_INLINE int fill_date(const pol_FhirFast *f, uint32_t x, int32_t *d)
{
  uint32_t n;
  const char *s = raw_str(f, x, &n);
  return s ? pol_jleaf_date(s, n, d) : -1;
}

/* jread.c's get_num (both pol_jleaf_num). */
static int fill_num(pol_FhirFast *f, uint32_t x, pol_Value *out)
{
  const unsigned char *v = (const unsigned char *)raw_at(f, x);
  pol_Dec d;
  if (!pol_jleaf_num(v, v + f->on[x].rlen, &f->ntmp, &f->ntcap, &d)) return -1;
  *out = pol_num(d);
  return 0;
}

static int fill_value(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t type, int depth, pol_Value *out);

/* fill_value of a value whose type is neither a list nor a record (no
   recursion: inlined where a record's or a list's members are filled). */
static FF_INLINE int fill_scalar(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t type, pol_Value *out)
{
  const ONode *o = &f->on[x];
  char ch = o->kind == O_RAW ? raw_at(f, x)[0] : o->kind == O_OBJ ? '{' : '[';
  if (ch == 'n') {
    *out = pol_unk();
    return 0;
  }
  switch (POL_TKIND(type)) {
  case PK_BOOL:
    if (ch != 't' && ch != 'f') return -1;
    *out = pol_bool(ch == 't');
    return 0;
  case PK_NUM:
    if (ch != '-' && !pol_jleaf_digit((unsigned char)ch)) return -1;
    return fill_num(f, x, out);
  case PK_STR:
    if (ch != '"') return -1;
    out->tag = PV_STR;
    return fill_str(f, c, x, &out->u.s, &out->aux);
  case PK_DATE: {
    int32_t d;
    if (ch != '"' || fill_date(f, x, &d)) return -1;
    *out = pol_date(d);
    return 0;
  }
  case PK_LIST: case PK_REC:   /* fill_value's */
  case PK_NONE: case PK_DUR: case PK_WIN: case PK_SET: case PK__COUNT:
    return -1;
  }
  return -1;
}

/* A member of a list or a record: fill_value, without the call for a scalar. */
static FF_INLINE int fill_member(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t type, int depth, pol_Value *out)
{
  pol_Kind k = POL_TKIND(type);
  return k == PK_LIST || k == PK_REC ? fill_value(f, c, x, type, depth, out) : fill_scalar(f, c, x, type, out);
}

/* jread.c's get_list. */
static int fill_list(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t type, int depth, pol_Value *out)
{
  pol_Kind ek = POL_TELEM(type);
  uint32_t et = POL_TYPE(ek, 0, ek == PK_REC ? POL_TREC(type) : 0);
  uint32_t n = f->on[x].n;
  if (n > POL_CASE_MAX_LIST) return -1;
  pol_List *l = pol_case_fill_alloc(c, sizeof *l, _Alignof(pol_List));
  pol_Value *items = n ? pol_case_fill_alloc(c, (size_t)n * sizeof *items, _Alignof(pol_Value)) : NULL;
  if (!l || (n && !items)) return -1;
  uint32_t i = 0;
  for (uint32_t k = f->on[x].first; k != NONE; k = f->on[k].next, i++) {
    if (raw_is(f, k, 'n')) return -1;   /* a null item: an error (case.c) */
    if (fill_member(f, c, k, et, depth, &items[i])) return -1;
  }
  *l = (pol_List){n, et, items};
  out->tag = PV_LIST;
  out->aux = 0;
  out->u.p = l;
  return 0;
}

/* jread.c's get_rec: the members that are fields, by name (the first
   field of that name); the others are not read. */
static int fill_rec(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t rec, int depth, pol_Value *out)
{
  const pol_Program *p = f->p;
  const pol_RecType *rt = &p->rec[rec];
  if (depth >= POL_CASE_MAX_NEST) return -1;
  pol_Value *fv = rt->nfields ? pol_case_fill_alloc(c, (size_t)rt->nfields * sizeof *fv, _Alignof(pol_Value))
                              : NULL;
  if (rt->nfields && !fv) return -1;
  for (uint32_t i = 0; i < rt->nfields; i++) fv[i] = pol_unk();
  uint32_t next = 0;
  for (uint32_t k = f->on[x].first; k != NONE; k = f->on[k].next) {
    const ONode *m = &f->on[k];
    /* members mostly come in the declared order: with names once each
       (uniq_fields), the search starts after the last field found */
    for (uint32_t t = 0, i = f->uniq_fields ? next : 0; t < rt->nfields;
         t++, i = i + 1 == rt->nfields ? 0 : i + 1) {
      uint32_t name = rt->fields[i].name;
      if (p->slen[name] == m->klen &&
          (p->str[name] == m->key || key_eq((const unsigned char *)p->str[name], m->key, m->klen))) {
        if (fill_member(f, c, k, rt->fields[i].type, depth + 1, &fv[i])) return -1;
        next = i + 1 == rt->nfields ? 0 : i + 1;
        break;
      }
    }
  }
  out->tag = PV_REC;
  out->aux = rec;
  out->u.p = fv;
  return 0;
}

/* jread.c's convert. */
static int fill_value(pol_FhirFast *f, pol_Case *c, uint32_t x, uint32_t type, int depth, pol_Value *out)
{
  pol_Kind k = POL_TKIND(type);
  if (k != PK_LIST && k != PK_REC) return fill_scalar(f, c, x, type, out);
  const ONode *o = &f->on[x];
  char ch = o->kind == O_RAW ? raw_at(f, x)[0] : o->kind == O_OBJ ? '{' : '[';
  if (ch == 'n') {
    *out = pol_unk();
    return 0;
  }
  if (k == PK_LIST) {
    if (ch != '[') return -1;
    return fill_list(f, c, x, type, depth, out);
  }
  if (ch != '{') return -1;
  return fill_rec(f, c, x, POL_TREC(type), depth, out);
}

/* The object a fact's path leads to before its last component (s[0..n):
   the components before it, each with its dot), from node base: 0 with *o, 1 unknown (absent or null on the way), -1 refused
   (not an object).  Facts of one prefix follow each other: the last
   prefix's answer is kept, and the member of o found last (hint). */
typedef struct Prefix { const char *s; size_t n; uint32_t base, o; int st; uint32_t hint; } Prefix;

static int fact_parent(const pol_FhirFast *f, Prefix *pc, uint32_t base, const char *s, size_t n, uint32_t *o)
{
  if (!(pc->s && pc->base == base && pc->n == n && (pc->s == s || key_eq((const unsigned char *)pc->s, s, n)))) {
    uint32_t x = base;
    int st = 0;
    /* s[0..n) is the prefix with its dot (n 0: none), so n - 1 bytes of
       components, one at least (it may be empty) */
    for (size_t a = 0, z; n > 0; a = z + 1) {
      for (z = a; z < n - 1 && s[z] != '.'; z++) {}
      x = o_get(f, x, s + a, z - a);   /* x is an object here */
      if (absent(f, x)) { st = 1; break; }
      if (f->on[x].kind != O_OBJ) { st = -1; break; }
      if (z == n - 1) break;
    }
    *pc = (Prefix){s, n, base, x, st, NONE};
  }
  *o = pc->o;
  return pc->st;
}

/* o_get(f, pc->o, k, kl), searched from the member after the one found
   last: facts come mostly in the order their paths' members were added
   (a case document's keys are unique -- o_set replaces, the appends are
   of keys not there -- so where the search starts does not change what
   it finds). */
static inline uint32_t o_get_next(const pol_FhirFast *f, Prefix *pc, const char *k, size_t kl)
{
  uint32_t o = pc->o;
  if (f->on[o].kind != O_OBJ || !(f->on[o].keys & key_bit(k, kl))) return NONE;
  uint32_t from = pc->hint != NONE ? f->on[pc->hint].next : NONE;
  for (uint32_t c = from; c != NONE; c = f->on[c].next)
    if (f->on[c].klen == kl && key_eq((const unsigned char *)f->on[c].key, k, kl)) return pc->hint = c;
  for (uint32_t c = f->on[o].first; c != from; c = f->on[c].next)
    if (f->on[c].klen == kl && key_eq((const unsigned char *)f->on[c].key, k, kl)) return pc->hint = c;
  return NONE;
}

/* jread.c's load_fact: the fact's path from node base, component by
   component: unknown where a component is absent or null, refused where
   one before the last is not an object. */
static int fill_fact(pol_FhirFast *f, pol_Case *c, Prefix *pc, uint32_t base, uint32_t fi, pol_Value *out)
{
  const pol_Program *p = f->p;
  const char *s = p->str[p->facts[fi].path];
  size_t len = p->slen[p->facts[fi].path], d = f->fdot[fi];   /* s[0..d): the prefix and its dot */
  uint32_t o;
  int st = fact_parent(f, pc, base, s, d, &o);
  if (st < 0) return -1;
  (void)o;
  uint32_t x = st ? NONE : o_get_next(f, pc, s + d, len - d);
  if (x == NONE) {
    *out = pol_unk();
    return 0;
  }
  return fill_member(f, c, x, p->facts[fi].type, 0, out);
}

/* An optional string member: 0 absent or null, 1 read, -1 refused. */
static int fill_opt_str(pol_FhirFast *f, pol_Case *c, uint32_t o, const char *k, const char **s, uint32_t *id)
{
  uint32_t x = o == NONE ? NONE : o_get(f, o, k, strlen(k));
  uint32_t ignored;
  if (absent(f, x)) return 0;
  if (!raw_is(f, x, '"')) return -1;
  return fill_str(f, c, x, s, id ? id : &ignored) ? -1 : 1;
}

static int fill_opt_date(pol_FhirFast *f, uint32_t o, const char *k, int32_t *d)
{
  uint32_t x = o_get(f, o, k, strlen(k));
  if (absent(f, x)) return 0;
  if (!raw_is(f, x, '"')) return -1;
  return fill_date(f, x, d) ? -1 : 1;
}

/* jread.c's read_lines: the lines' keys into f->lines, in document order. */
static int fill_lines(pol_FhirFast *f, pol_Case *c, uint32_t *n, uint32_t *procs)
{
  *n = 0;
  *procs = NONE;
  uint32_t rq = o_get(f, f->doc, "request", 7);
  if (absent(f, rq)) return 0;
  if (f->on[rq].kind != O_OBJ) return -1;
  int32_t date = 0, other;
  int known = fill_opt_date(f, rq, "service_date", &date);
  if (known < 0) return -1;
  if (known == 0) {
    known = fill_opt_date(f, rq, "date", &date);
    if (known < 0) return -1;
  } else if (fill_opt_date(f, rq, "date", &other) < 0) {
    return -1;
  }
  const char *plan = NULL, *review = NULL, *prior = NULL;
  uint32_t plan_id = POL_NOSTR;
  if (fill_opt_str(f, c, rq, "plan", &plan, &plan_id) < 0) return -1;
  uint32_t rv = o_get(f, rq, "review", 6);
  if (!absent(f, rv)) {
    if (f->on[rv].kind != O_OBJ) return -1;
    if (fill_opt_str(f, c, rv, "kind", &review, NULL) < 0) return -1;
    if (fill_opt_str(f, c, rv, "prior_determination", &prior, NULL) < 0) return -1;
    if (!review) review = "review";
  }
  uint32_t ps = o_get(f, rq, "procedures", 10);
  if (absent(f, ps)) return 0;
  if (f->on[ps].kind != O_ARR) return -1;
  uint32_t m = f->on[ps].n;
  if (m > POL_CASE_MAX_LIST) return -1;
  f->lines = grow(f->lines, &f->lcap, m ? m : 1, sizeof *f->lines);
  uint32_t i = 0;
  for (uint32_t it = f->on[ps].first; it != NONE; it = f->on[it].next, i++) {
    if (f->on[it].kind != O_OBJ) return -1;
    int32_t number = (int32_t)i + 1;
    uint32_t ln = o_get(f, it, "line", 4);
    if (!absent(f, ln)) {
      if (f->on[ln].kind != O_RAW) return -1;
      const unsigned char *v = (const unsigned char *)raw_at(f, ln);
      if (*v != '-' && !pol_jleaf_digit(*v)) return -1;
      if (pol_jleaf_line_number(v, v + f->on[ln].rlen, &f->ntmp, &f->ntcap, &number)) return -1;
    }
    pol_LineInfo *li = &f->lines[i];
    *li = (pol_LineInfo){number, NULL, POL_NOSTR, date, known, plan, plan_id, review, prior, NULL, NULL};
    if (fill_opt_str(f, c, it, "prior_determination", &li->prior, NULL) < 0) return -1;
    if (fill_opt_str(f, c, it, "cpt", &li->cpt, &li->cpt_id) < 0) return -1;
    if (fill_opt_str(f, c, it, "rxnorm", &li->rxnorm, NULL) < 0) return -1;   /* routing by drug */
    if (fill_opt_str(f, c, it, "ndc", &li->ndc, NULL) < 0) return -1;
  }
  *n = m;
  *procs = ps;
  return 0;
}

/* jread.c's convert_all, over the tree. */
static int fill(pol_FhirFast *f, pol_Case *c)
{
  if (o_has(f, f->doc, "resourceType", 12)) return -1;
  uint32_t idn = o_get(f, f->doc, "case_id", 7);
  const char *case_id;
  uint32_t sid;
  if (absent(f, idn) || !raw_is(f, idn, '"') || fill_str(f, c, idn, &case_id, &sid)) return -1;
  pol_Value *row = pol_case_fill_row0(c);
  Prefix pc = {NULL, 0, NONE, NONE, 0, NONE};
  for (uint32_t x = 0; x < f->nof; x++) row[f->ofacts[x]] = pol_unk();
  for (uint32_t x = 0; x < f->ncf; x++) {
    uint32_t i = f->cfacts[x];
    if (fill_fact(f, c, &pc, f->doc, i, &row[i])) return -1;
  }
  uint32_t n, ps;
  if (fill_lines(f, c, &n, &ps)) return -1;
  if (pol_case_fill_lines(c, case_id, f->lines, n)) return -1;
  uint32_t j = 0;
  for (uint32_t it = n ? f->on[ps].first : NONE; it != NONE; it = f->on[it].next, j++) {
    pol_Value *lrow = pol_case_fill_row(c, j);
    for (uint32_t x = 0; x < f->nlf; x++)
      if (fill_fact(f, c, &pc, it, f->lfacts[x], &lrow[f->lfacts[x]])) return -1;
  }
  return 0;
}

int pol_fhir_fast_load(pol_FhirFast *f, pol_JRead *r, pol_Case *c, const char *text, size_t len)
{
  size_t n;
  (void)r;
  if (!f->bad && pol_fhir_tape(f->scan, text, len, &f->t, &n) == 0 && n > 0) {
    f->b = (const unsigned char *)text;
    f->next = pol_fhir_tape_next(f->scan);
    f->nt = n;
    if (to_case(f) == 0 && pol_case_fill_begin(c) == 0 && fill(f, c) == 0) return 0;
  }
  pol_case_fill_begin(c);
  pol_case_fill_fail(c);
  return -1;
}
