/*
 * jread.c -- the schema-directed case reader (jread.h).
 *
 * Two tries of path components are built once per program: one from the
 * document root (case_id, the request fields, every case-scope fact path)
 * and one from a request line (line, cpt, prior_determination, every
 * line-scope fact path).  Each trie node has a slot.  A load then goes:
 *
 *  1. scan: one recursive-descent pass over the whole text that accepts
 *     exactly what jansson accepts with JSON_REJECT_DUPLICATES and what
 *     pol_case_parse adds (at most POL_CASE_MAX_BYTES, at most
 *     POL_CASE_MAX_DEPTH levels).  Where an object member's key is the
 *     next component of a trie path, the offset of its value is written to
 *     the node's slot (request.procedures gives one block of line slots per
 *     item); every other value is validated and skipped.  Nothing is
 *     materialised here.
 *  2. convert: in the order of pol_case_load, each declared value is read
 *     from its offset by a trusting reader (the text is valid by now) and
 *     converted by its type code exactly as case.c converts jansson values:
 *     the same decimals (integers exactly, reals through strtod and
 *     pol_dec_from_double as jansson does), dates, strings (interned or
 *     copied into the case's arena), lists and records.
 *
 * The checks and conversions of a value's bytes (UTF-8, escapes, numbers,
 * dates, strings, the schema's types) are vm/jleaf.h's, which the FHIR
 * fast path (fhir_fast.c, fhir_tape.c) shares; the walks over the text are
 * this file's.
 *
 * Any refusal, in either phase, makes the whole load fail without a
 * message: pol_jread_case then runs the reference path, which reports it.
 * A document with a top-level "resourceType" (a FHIR resource: a PAS
 * Bundle is read by the reference path through vm/fhir_in.c) is refused
 * the same way.
 * Refusals are rare (a bad case), so the fast path spends nothing on
 * locating errors.
 *
 * Ownership: the reader owns its tries and scratch buffers (grown, never
 * shrunk); the program is borrowed; the text only during a call.
 */
#include "jread.h"
#include "fhir_fast.h"
#include "jleaf.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE      UINT32_MAX
#define LINEAR_KEYS 16u      /* an object's keys compared pairwise up to this many */

typedef struct Node {
  const char *key;      /* component (a slice of a program string) */
  uint32_t len;
  uint32_t child, sib;  /* first child, next sibling: node indices or NONE */
  uint32_t slot;        /* index in its scope's offsets */
  int procs;            /* request.procedures: items are request lines */
} Node;

typedef struct KeyRef {   /* a key of an open object */
  uint32_t off, len;    /* in the text, or in kbuf when esc */
  int esc;
} KeyRef;

typedef struct HEnt { uint32_t gen, obj, hash, ref; } HEnt;   /* ref: index in keys */

struct pol_JRead {
  const pol_Program *p;
  Node *nodes;
  uint32_t nnodes, ncap;
  uint32_t croot, iroot;            /* the two tries' roots */
  uint32_t ncslot, nislot;          /* slots per scope */
  /* declared nodes (case scope) */
  uint32_t n_rtype, n_case_id, n_request, n_sdate, n_date, n_plan, n_review, n_kind, n_rprior, n_procs;
  /* declared nodes (line scope) */
  uint32_t n_line, n_cpt, n_lprior, n_rxnorm, n_ndc;
  /* fact f: the nodes of its components chain[chain0[f] .. chain0[f+1]) */
  uint32_t *chain0, *chain;
  int bad;                          /* the schema cannot be loaded: always refuse */
  int plain_fields;                 /* record field names: no quote, backslash or control
                                       byte, each once (get_rec's fast key match) */

  /* one load */
  const unsigned char *b, *p_, *e;  /* text, cursor, end */
  uint32_t *coff;                   /* ncslot offsets of the case scope */
  uint32_t *ioff;                   /* nitems * nislot */
  size_t iocap;                     /* in uint32_t */
  uint32_t nitems;
  uint32_t objid;
  KeyRef *keys;
  size_t nkeys, kcap;
  char *kbuf;
  size_t kblen, kbcap;
  HEnt *htab;
  uint32_t hcap, hcount, gen;
  char *tmp;                        /* numbers and escaped strings */
  size_t tcap;
  pol_Value *vstk;                  /* list items being converted */
  size_t vtop, vcap;
  pol_LineInfo *lines;
  size_t lcap;
  /* the tape of pol_jread_tape, and the FHIR fast path's state (fhir_fast.c) */
  pol_JTape *tape;
  size_t ntape, tcap2;
  pol_FhirFast *ff;
};

/* ---- building ----------------------------------------------------------- */

static uint32_t new_node(pol_JRead *r, const char *key, uint32_t len, uint32_t *nslot)
{
  if (r->nnodes == r->ncap) {
    uint32_t cap = r->ncap ? r->ncap * 2 : 32;
    Node *n = realloc(r->nodes, cap * sizeof *n);
    if (!n) return NONE;
    r->nodes = n;
    r->ncap = cap;
  }
  r->nodes[r->nnodes] = (Node){key, len, NONE, NONE, (*nslot)++, 0};
  return r->nnodes++;
}

/* The child of node at called key, made if missing; NONE when out of memory. */
static uint32_t child(pol_JRead *r, uint32_t at, const char *key, uint32_t len, uint32_t *nslot)
{
  for (uint32_t k = r->nodes[at].child; k != NONE; k = r->nodes[k].sib)
    if (r->nodes[k].len == len && memcmp(r->nodes[k].key, key, len) == 0) return k;
  uint32_t k = new_node(r, key, len, nslot);
  if (k == NONE) return NONE;
  r->nodes[k].sib = r->nodes[at].child;
  r->nodes[at].child = k;
  return k;
}

static uint32_t path_node(pol_JRead *r, uint32_t root, const char *path, uint32_t *nslot)
{
  uint32_t at = root;
  for (const char *s = path; at != NONE;) {
    const char *dot = strchr(s, '.');
    uint32_t len = (uint32_t)(dot ? (size_t)(dot - s) : strlen(s));
    at = child(r, at, s, len, nslot);
    if (!dot) break;
    s = dot + 1;
  }
  return at;
}

/* Does every record field name read as itself in a JSON string, with no
   quote, backslash or control byte (so a raw key equal to it, followed by
   a quote, is that name), and is each name once in its record
   (pol_jleaf_fields_once)? */
static int plain_field_names(const pol_Program *p)
{
  for (uint32_t r = 0; r < p->nrec; r++)
    for (uint32_t i = 0; i < p->rec[r].nfields; i++) {
      uint32_t name = p->rec[r].fields[i].name;
      for (uint32_t k = 0; k < p->slen[name]; k++) {
        unsigned char ch = (unsigned char)p->str[name][k];
        if (ch < 0x20 || ch == '"' || ch == '\\') return 0;
      }
    }
  return pol_jleaf_fields_once(p);
}

pol_JRead *pol_jread_new(const pol_Program *p)
{
  pol_JRead *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->p = p;
  r->bad = pol_jleaf_schema_bad(p);
  r->plain_fields = !r->bad && plain_field_names(p);
  uint32_t *cs = &r->ncslot, *is = &r->nislot;
  r->croot = new_node(r, "", 0, cs);
  r->iroot = new_node(r, "", 0, is);
  if (r->croot == NONE || r->iroot == NONE) goto oom;
  r->n_rtype = path_node(r, r->croot, "resourceType", cs);
  r->n_case_id = path_node(r, r->croot, "case_id", cs);
  r->n_request = path_node(r, r->croot, "request", cs);
  r->n_sdate = path_node(r, r->croot, "request.service_date", cs);
  r->n_date = path_node(r, r->croot, "request.date", cs);
  r->n_plan = path_node(r, r->croot, "request.plan", cs);
  r->n_review = path_node(r, r->croot, "request.review", cs);
  r->n_kind = path_node(r, r->croot, "request.review.kind", cs);
  r->n_rprior = path_node(r, r->croot, "request.review.prior_determination", cs);
  r->n_procs = path_node(r, r->croot, "request.procedures", cs);
  r->n_line = path_node(r, r->iroot, "line", is);
  r->n_cpt = path_node(r, r->iroot, "cpt", is);
  r->n_lprior = path_node(r, r->iroot, "prior_determination", is);
  r->n_rxnorm = path_node(r, r->iroot, "rxnorm", is);
  r->n_ndc = path_node(r, r->iroot, "ndc", is);
  if (r->n_rtype == NONE || r->n_case_id == NONE || r->n_request == NONE || r->n_sdate == NONE || r->n_date == NONE ||
      r->n_plan == NONE || r->n_review == NONE || r->n_kind == NONE || r->n_rprior == NONE ||
      r->n_procs == NONE || r->n_line == NONE || r->n_cpt == NONE || r->n_lprior == NONE ||
      r->n_rxnorm == NONE || r->n_ndc == NONE)
    goto oom;
  r->nodes[r->n_procs].procs = 1;

  size_t nch = 0;
  if (!r->bad)
    for (uint32_t f = 0; f < p->nfacts; f++) {
      nch++;
      for (uint32_t i = 0; i < p->slen[p->facts[f].path]; i++) nch += p->str[p->facts[f].path][i] == '.';
    }
  r->chain0 = malloc(((size_t)p->nfacts + 1) * sizeof *r->chain0);
  r->chain = malloc((nch ? nch : 1) * sizeof *r->chain);
  if (!r->chain0 || !r->chain) goto oom;
  r->chain0[0] = 0;
  for (uint32_t f = 0, n = 0; f < p->nfacts; f++) {
    if (!r->bad) {
      const pol_Fact *ft = &p->facts[f];
      const char *s = p->str[ft->path];
      size_t len = p->slen[ft->path];
      uint32_t at = ft->scope == POL_SCOPE_CASE ? r->croot : r->iroot;
      uint32_t *ns = ft->scope == POL_SCOPE_CASE ? cs : is;
      for (size_t a = 0, z; a <= len; a = z + 1) {
        for (z = a; z < len && s[z] != '.'; z++) {}
        at = child(r, at, s + a, (uint32_t)(z - a), ns);
        if (at == NONE) goto oom;
        r->chain[n++] = at;
      }
    }
    r->chain0[f + 1] = n;
  }
  r->coff = malloc((size_t)r->ncslot * sizeof *r->coff);
  if (!r->coff) goto oom;
  return r;
oom:
  pol_jread_free(r);
  return NULL;
}

void pol_jread_free(pol_JRead *r)
{
  if (!r) return;
  free(r->nodes);
  free(r->chain0);
  free(r->chain);
  free(r->coff);
  free(r->ioff);
  free(r->keys);
  free(r->kbuf);
  free(r->htab);
  free(r->tmp);
  free(r->vstk);
  free(r->lines);
  free(r->tape);
  pol_fhir_fast_free(r->ff);
  free(r);
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 16;
  while (n < need) n *= 2;
  void *b = realloc(*buf, n * size);
  if (!b) return -1;
  *buf = b;
  *cap = n;
  return 0;
}

/* ---- phase 1: the validating scan -------------------------------------- */

/* Must a string's byte be looked at: a quote, a backslash, a control
   character, a byte of a UTF-8 sequence? */
static inline int str_stop(unsigned char ch) { return ch < 0x20 || ch == '"' || ch == '\\' || ch >= 0x80; }

/* Keys are short and mostly differ in their first byte (then jleaf.h's
   compare). */
static inline int same_key(const char *a, const char *b, size_t n)
{
  return n == 0 || (a[0] == b[0] && pol_jleaf_eq(a, b, n));
}

static inline int is_ws(unsigned char ch) { return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'; }

static inline void skip_ws(pol_JRead *r)
{
  const unsigned char *p = r->p_, *e = r->e;
  while (p < e && *p <= ' ' && is_ws(*p)) p++;
  r->p_ = p;
}

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

/* Does any of the 8 bytes in x need a look (quote, backslash, < 0x20, >= 0x80)? */
static inline uint64_t swar_stop(uint64_t x)
{
  uint64_t q = x ^ (SWAR_ONES * '"'), b = x ^ (SWAR_ONES * '\\');
  uint64_t zq = (q - SWAR_ONES) & ~q, zb = (b - SWAR_ONES) & ~b;
  uint64_t lt = x - SWAR_ONES * 0x20;   /* high bit set where x < 0x20 (or x >= 0xa0...) */
  return (zq | zb | lt | x) & SWAR_HIGH;
}

/* The cursor is just past an opening quote: checks the string and leaves
   the cursor past its closing quote.  *esc: it had escapes. */
static inline int scan_string(pol_JRead *r, int *esc)
{
  const unsigned char *p = r->p_, *e = r->e;
  *esc = 0;
  for (;;) {
    while (e - p >= 8) {
      uint64_t x;
      memcpy(&x, p, 8);
      uint64_t m = swar_stop(x);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      /* the lowest flagged byte is exact (no borrow reaches below it) */
      if (m) { p += __builtin_ctzll(m) >> 3; goto stop; }
#else
      if (m) break;
#endif
      p += 8;
    }
    while (p < e && !str_stop(*p)) p++;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  stop:
#endif
    if (p >= e) return -1;
    unsigned char ch = *p;
    if (ch == '"') { r->p_ = p + 1; return 0; }
    if (ch < 0x20) return -1;
    if (ch >= 0x80) {
      size_t n = pol_jleaf_utf8_len(p, e);
      if (!n) return -1;
      p += n;
      continue;
    }
    /* a backslash */
    *esc = 1;
    p = pol_jleaf_escape(p, e);
    if (!p) return -1;
  }
}

/* scan_string, with the common case inline: a string that ends, with no
   escape, control or non-ASCII byte, within its first 16 bytes.  Any
   other string: scan_string goes on from the first byte that needs a look
   (or past the 16 plain ones). */
static inline int fast_string(pol_JRead *r, int *esc)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const unsigned char *p = r->p_;
  if (r->e - p >= 16) {
    uint64_t x, m;
    memcpy(&x, p, 8);
    m = swar_stop(x);
    if (!m) {
      memcpy(&x, p + 8, 8);
      m = swar_stop(x);
      p += 8;
    }
    if (m) {
      p += __builtin_ctzll(m) >> 3;
      if (*p == '"') {
        r->p_ = p + 1;
        *esc = 0;
        return 0;
      }
    } else {
      p += 8;
    }
    r->p_ = p;   /* the bytes before p need no look: go on from there */
  }
#endif
  return scan_string(r, esc);
}

static size_t put_utf8(char *t, uint32_t v)
{
  if (v < 0x80) { t[0] = (char)v; return 1; }
  if (v < 0x800) { t[0] = (char)(0xC0 | v >> 6); t[1] = (char)(0x80 | (v & 0x3F)); return 2; }
  if (v < 0x10000) {
    t[0] = (char)(0xE0 | v >> 12);
    t[1] = (char)(0x80 | ((v >> 6) & 0x3F));
    t[2] = (char)(0x80 | (v & 0x3F));
    return 3;
  }
  t[0] = (char)(0xF0 | v >> 18);
  t[1] = (char)(0x80 | ((v >> 12) & 0x3F));
  t[2] = (char)(0x80 | ((v >> 6) & 0x3F));
  t[3] = (char)(0x80 | (v & 0x3F));
  return 4;
}

/* Decodes the (valid) raw string body s[0..n) into t (at least n bytes);
   returns the decoded length. */
static size_t unescape(const unsigned char *s, size_t n, char *t)
{
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] != '\\') { t[k++] = (char)s[i++]; continue; }
    unsigned char ch = s[i + 1];
    i += 2;
    switch (ch) {
    case 'b': t[k++] = '\b'; break;
    case 'f': t[k++] = '\f'; break;
    case 'n': t[k++] = '\n'; break;
    case 'r': t[k++] = '\r'; break;
    case 't': t[k++] = '\t'; break;
    case 'u': {
      uint32_t v = (uint32_t)pol_jleaf_hex4(s + i, s + n);
      i += 4;
      if (v >= 0xD800 && v <= 0xDBFF) {
        uint32_t w = (uint32_t)pol_jleaf_hex4(s + i + 2, s + n);
        i += 6;
        v = ((v - 0xD800) << 10) + (w - 0xDC00) + 0x10000;
      }
      k += put_utf8(t + k, v);
      break;
    }
    default: t[k++] = (char)ch; break;   /* " \ / */
    }
  }
  return k;
}

/* jansson's lexer reads one character past a number or a literal and
   puts it back; a NUL byte put back is lost (its stream takes a NUL in its
   look-ahead buffer for "empty"), so jansson accepts, and ignores, one NUL
   byte right after a number or a literal.  So do we. */
static inline void lost_nul(pol_JRead *r)
{
  if (r->p_ < r->e && *r->p_ == '\0') r->p_++;
}

/* A number at the cursor (pol_jleaf_number_end); the cursor is left after
   it. */
static inline int scan_number(pol_JRead *r)
{
  const unsigned char *p = pol_jleaf_number_end(r->p_, r->e, &r->tmp, &r->tcap);
  if (!p) return -1;
  r->p_ = p;
  lost_nul(r);
  return 0;
}

static inline int lit(pol_JRead *r, const char *w, size_t n)
{
  /* the last 4 bytes as one word (n is 4 or 5; a call to memcmp costs more) */
  uint32_t a, b;
  if ((size_t)(r->e - r->p_) < n) return -1;
  memcpy(&a, r->p_ + n - 4, 4);
  memcpy(&b, w + n - 4, 4);
  if (a != b || r->p_[0] != (unsigned char)w[0]) return -1;
  r->p_ += n;
  lost_nul(r);
  return 0;
}

static int scan_value(pol_JRead *r, uint32_t nd, uint32_t *offs, int depth);

static inline const char *key_bytes(const pol_JRead *r, const KeyRef *k)
{
  return k->esc ? r->kbuf + k->off : (const char *)r->b + k->off;
}

static int hash_insert(pol_JRead *r, uint32_t obj, uint32_t ref)
{
  if ((r->hcount + 1) * 2 > r->hcap) {
    uint32_t cap = r->hcap ? r->hcap * 2 : 256;
    HEnt *t = calloc(cap, sizeof *t);
    if (!t) return -1;
    for (uint32_t i = 0; i < r->hcap; i++) {
      HEnt *h = &r->htab[i];
      if (h->gen != r->gen) continue;
      uint32_t j = h->hash & (cap - 1);
      while (t[j].gen == r->gen) j = (j + 1) & (cap - 1);
      t[j] = *h;
    }
    free(r->htab);
    r->htab = t;
    r->hcap = cap;
  }
  const KeyRef *k = &r->keys[ref];
  const char *s = key_bytes(r, k);
  uint32_t h = pol_fnv1a(s, k->len) ^ (obj * 0x9E3779B1u);
  uint32_t j = h & (r->hcap - 1);
  for (; r->htab[j].gen == r->gen; j = (j + 1) & (r->hcap - 1)) {
    const HEnt *o = &r->htab[j];
    if (o->obj == obj && o->hash == h) {
      const KeyRef *ok = &r->keys[o->ref];
      if (ok->len == k->len && memcmp(key_bytes(r, ok), s, k->len) == 0) return -1;   /* duplicate */
    }
  }
  r->htab[j] = (HEnt){r->gen, obj, h, ref};
  r->hcount++;
  return 0;
}

static int scan_object(pol_JRead *r, uint32_t nd, uint32_t *offs, int depth)
{
  uint32_t obj = ++r->objid;
  size_t kbase = r->nkeys, kbbase = r->kblen;
  uint64_t seen = 0;   /* the keys' filter bits */
  r->p_++;   /* '{' */
  skip_ws(r);
  if (r->p_ < r->e && *r->p_ == '}') { r->p_++; return 0; }
  for (;;) {
    if (r->p_ >= r->e || *r->p_ != '"') return -1;
    const unsigned char *ks = ++r->p_;
    int esc;
    if (fast_string(r, &esc)) return -1;
    size_t raw = (size_t)(r->p_ - 1 - ks);
    KeyRef k = {(uint32_t)(ks - r->b), (uint32_t)raw, 0};
    if (esc) {
      if (grow((void **)&r->kbuf, &r->kbcap, r->kblen + raw + 1, 1)) return -1;
      k.off = (uint32_t)r->kblen;
      k.len = (uint32_t)unescape(ks, raw, r->kbuf + r->kblen);
      k.esc = 1;
      r->kblen += k.len;
    }
    const char *kb = key_bytes(r, &k);
    /* duplicates: pairwise among the first keys, then a hash table.  The
       pairwise pass runs only when an earlier key of this object has the
       same length and first and last bytes' bit in seen (a 64-bit filter). */
    size_t nk = r->nkeys - kbase;
    uint64_t bit = k.len ? 1ull << ((k.len * 7u + (unsigned char)kb[0] + (unsigned char)kb[k.len - 1] * 3u) & 63)
                         : 1;
    int maybe = (seen & bit) != 0;
    seen |= bit;
    if (nk < LINEAR_KEYS && maybe) {
      for (size_t i = kbase; i < r->nkeys; i++)
        if (r->keys[i].len == k.len && same_key(key_bytes(r, &r->keys[i]), kb, k.len)) return -1;
    }
    if (grow((void **)&r->keys, &r->kcap, r->nkeys + 1, sizeof *r->keys)) return -1;
    r->keys[r->nkeys++] = k;
    if (nk + 1 == LINEAR_KEYS + 1) {   /* the object just outgrew pairwise checks */
      for (size_t i = kbase; i + 1 < r->nkeys; i++)
        if (hash_insert(r, obj, (uint32_t)i)) return -1;
    }
    if (nk + 1 > LINEAR_KEYS && hash_insert(r, obj, (uint32_t)(r->nkeys - 1))) return -1;
    kb = key_bytes(r, &r->keys[r->nkeys - 1]);   /* kbuf may have moved: no, but keys did */

    uint32_t ch = NONE;
    if (nd != NONE)
      for (uint32_t c = r->nodes[nd].child; c != NONE; c = r->nodes[c].sib)
        if (r->nodes[c].len == k.len && same_key(r->nodes[c].key, kb, k.len)) { ch = c; break; }
    skip_ws(r);
    if (r->p_ >= r->e || *r->p_ != ':') return -1;
    r->p_++;
    skip_ws(r);
    if (r->p_ < r->e && *r->p_ == '"') {   /* a string: scan_value's case, inline */
      if (ch != NONE) offs[r->nodes[ch].slot] = (uint32_t)(r->p_ - r->b);
      r->p_++;
      if (fast_string(r, &esc)) return -1;
    } else if (scan_value(r, ch, offs, depth)) {
      return -1;
    }
    skip_ws(r);
    if (r->p_ >= r->e) return -1;
    if (*r->p_ == ',') { r->p_++; skip_ws(r); continue; }
    if (*r->p_ == '}') { r->p_++; break; }
    return -1;
  }
  r->nkeys = kbase;
  r->kblen = kbbase;
  return 0;
}

/* An array; procs: its items are request lines (one block of line slots each). */
static int scan_array(pol_JRead *r, int procs, int depth)
{
  r->p_++;   /* '[' */
  skip_ws(r);
  if (r->p_ < r->e && *r->p_ == ']') { r->p_++; return 0; }
  for (;;) {
    if (procs) {
      size_t need = ((size_t)r->nitems + 1) * r->nislot;
      if (grow((void **)&r->ioff, &r->iocap, need, sizeof *r->ioff)) return -1;
      uint32_t *blk = r->ioff + (size_t)r->nitems * r->nislot;
      memset(blk, 0xff, r->nislot * sizeof *blk);
      if (scan_value(r, r->iroot, blk, depth)) return -1;
      /* ioff may move while an item is scanned? no: only here, between items */
      r->nitems++;
    } else if (scan_value(r, NONE, NULL, depth)) {
      return -1;
    }
    skip_ws(r);
    if (r->p_ >= r->e) return -1;
    if (*r->p_ == ',') { r->p_++; skip_ws(r); continue; }
    if (*r->p_ == ']') { r->p_++; return 0; }
    return -1;
  }
}

static int scan_value(pol_JRead *r, uint32_t nd, uint32_t *offs, int depth)
{
  if (r->p_ >= r->e) return -1;
  if (nd != NONE) offs[r->nodes[nd].slot] = (uint32_t)(r->p_ - r->b);
  int esc;
  switch (*r->p_) {
  case '{':
    if (depth + 1 > POL_CASE_MAX_DEPTH) return -1;
    return scan_object(r, nd, offs, depth + 1);
  case '[':
    if (depth + 1 > POL_CASE_MAX_DEPTH) return -1;
    /* the line slots of request.procedures: only at the one place */
    return scan_array(r, nd != NONE && r->nodes[nd].procs && offs == r->coff, depth + 1);
  case '"':
    r->p_++;
    return fast_string(r, &esc);
  case 't': return lit(r, "true", 4);
  case 'f': return lit(r, "false", 5);
  case 'n': return lit(r, "null", 4);
  default:
    if (*r->p_ == '-' || pol_jleaf_digit(*r->p_)) return scan_number(r);
    return -1;
  }
}

static int scan(pol_JRead *r, const char *text, size_t len)
{
  r->b = r->p_ = (const unsigned char *)text;
  r->e = r->b + len;
  r->nitems = 0;
  r->nkeys = r->kblen = 0;
  r->objid = 0;
  r->hcount = 0;
  if (++r->gen == 0) {   /* the generations wrapped: forget every entry */
    if (r->htab) memset(r->htab, 0, r->hcap * sizeof *r->htab);
    r->gen = 1;
  }
  memset(r->coff, 0xff, r->ncslot * sizeof *r->coff);
  skip_ws(r);
  if (r->p_ >= r->e || (*r->p_ != '{' && *r->p_ != '[')) return -1;
  if (scan_value(r, r->croot, r->coff, 0)) return -1;
  skip_ws(r);
  return r->p_ == r->e ? 0 : -1;
}

/* ---- phase 2: conversion ------------------------------------------------ */

/* Every reader below takes a value that phase 1 found valid, so it trusts
   the text, and returns the byte after the value (NULL: refused).  A valid
   document's root is an object or an array, so every value inside it is
   followed by at least one more byte: looking one byte past a value's end
   stays inside the text. */

/* The first quote or backslash at or after p, in a string that phase 1
   found valid (so there is one before e): 8 bytes at a time while 8 are
   left. */
static inline const unsigned char *quote_or_bs(const unsigned char *p, const unsigned char *e)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (e - p >= 8) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t q = x ^ (SWAR_ONES * '"'), b = x ^ (SWAR_ONES * '\\');
    uint64_t m = (((q - SWAR_ONES) & ~q) | ((b - SWAR_ONES) & ~b)) & SWAR_HIGH;
    if (m) return p + (__builtin_ctzll(m) >> 3);   /* the lowest flagged byte is exact */
    p += 8;
  }
#else
  (void)e;
#endif
  while (*p != '"' && *p != '\\') p++;
  return p;
}

/* The raw body of the string whose opening quote is at q: [*s, *s + *n);
   *esc when it has escapes.  Returns the byte after the closing quote. */
static const unsigned char *str_at(const pol_JRead *r, const unsigned char *q,
                                   const unsigned char **s, size_t *n, int *esc)
{
  const unsigned char *p = q + 1;
  *esc = 0;
  for (;;) {
    p = quote_or_bs(p, r->e);
    if (*p == '"') break;
    *esc = 1;
    p += 2;   /* \uXXXX: the 4 hex digits are never a quote or a backslash */
  }
  *s = q + 1;
  *n = (size_t)(p - (q + 1));
  return p + 1;
}

/* The decoded string at q: in the text itself, or in r->tmp. */
static const unsigned char *str_val(pol_JRead *r, const unsigned char *q, const char **s, size_t *n)
{
  const unsigned char *raw;
  size_t rn;
  int esc;
  const unsigned char *end = str_at(r, q, &raw, &rn, &esc);
  if (!esc) { *s = (const char *)raw; *n = rn; return end; }
  if (grow((void **)&r->tmp, &r->tcap, rn + 1, 1)) return NULL;
  *n = unescape(raw, rn, r->tmp);
  *s = r->tmp;
  return end;
}

/* case.c's get_str: a program string or a NUL-terminated copy in the arena. */
static const unsigned char *get_str(pol_JRead *r, pol_Case *c, const unsigned char *q,
                                    const char **out, uint32_t *id)
{
  const char *s;
  size_t n;
  const unsigned char *end = str_val(r, q, &s, &n);
  return end && pol_jleaf_str(c, r->p, s, n, out, id) == 0 ? end : NULL;
}

static const unsigned char *get_date(pol_JRead *r, const unsigned char *q, int32_t *d)
{
  /* the common form first: "YYYY-MM-DD", no escape (pol_jleaf_ymd) */
  const unsigned char *b = q + 1;
  if (r->e - b >= 11 && b[10] == '"' && pol_jleaf_ymd(b, d)) return b + 11;
  const char *s;
  size_t n;
  const unsigned char *end = str_val(r, q, &s, &n);
  return end && pol_jleaf_date(s, n, d) == 0 ? end : NULL;
}

static const unsigned char *get_num(pol_JRead *r, const unsigned char *v, pol_Value *out)
{
  pol_Dec d;
  const unsigned char *end = pol_jleaf_num(v, r->e, &r->tmp, &r->tcap, &d);
  if (end) *out = pol_num(d);
  return end;
}

/* Skips the value at p. */
static const unsigned char *skip_at(const unsigned char *p, const unsigned char *e)
{
  int depth = 0;
  for (;;) {
    switch (*p) {
    case '"':
      p++;
      for (;;) {
        p = quote_or_bs(p, e);
        if (*p == '"') break;
        p += 2;
      }
      p++;
      break;
    case '{': case '[': depth++; p++; break;
    case '}': case ']': depth--; p++; break;
    default:
      if (depth == 0) {   /* a scalar: up to its end */
        while (*p == '-' || *p == '+' || *p == '.' || (*p >= '0' && *p <= '9') ||
               (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
          p++;
        return p;
      }
      p++;
      break;
    }
    if (depth == 0) return p;
  }
}

/* White space, and the NUL byte that may follow a number or a literal
   (lost_nul): the text is valid, so a NUL is one of those. */
static inline const unsigned char *ws_at(const unsigned char *p)
{
  while (is_ws(*p) || *p == '\0') p++;
  return p;
}

static const unsigned char *convert(pol_JRead *r, pol_Case *c, const unsigned char *v, uint32_t type,
                                    int depth, pol_Value *out);

static const unsigned char *get_list(pol_JRead *r, pol_Case *c, const unsigned char *v, uint32_t type,
                                     int depth, pol_Value *out)
{
  pol_Kind ek = POL_TELEM(type);
  uint32_t et = POL_TYPE(ek, 0, ek == PK_REC ? POL_TREC(type) : 0);
  size_t base = r->vtop;
  const unsigned char *p = ws_at(v + 1);
  if (*p != ']')
    for (;;) {
      if (*p == 'n') return NULL;   /* a null item: an error (case.c) */
      pol_Value it;
      p = convert(r, c, p, et, depth, &it);
      if (!p) return NULL;
      if (grow((void **)&r->vstk, &r->vcap, r->vtop + 1, sizeof *r->vstk)) return NULL;
      r->vstk[r->vtop++] = it;
      p = ws_at(p);
      if (*p == ']') break;
      p = ws_at(p + 1);   /* ',' */
    }
  size_t n = r->vtop - base;
  if (n > POL_CASE_MAX_LIST) return NULL;
  pol_List *l = pol_case_fill_alloc(c, sizeof *l, _Alignof(pol_List));
  pol_Value *items = n ? pol_case_fill_alloc(c, n * sizeof *items, _Alignof(pol_Value)) : NULL;
  if (!l || (n && !items)) return NULL;
  if (n) memcpy(items, r->vstk + base, n * sizeof *items);
  r->vtop = base;
  *l = (pol_List){(uint32_t)n, et, items};
  out->tag = PV_LIST;
  out->aux = 0;
  out->u.p = l;
  return p + 1;
}

static const unsigned char *get_rec(pol_JRead *r, pol_Case *c, const unsigned char *v, uint32_t rec,
                                    int depth, pol_Value *out)
{
  const pol_Program *p = r->p;
  const pol_RecType *rt = &p->rec[rec];
  if (depth >= POL_CASE_MAX_NEST) return NULL;
  pol_Value *fv = rt->nfields ? pol_case_fill_alloc(c, (size_t)rt->nfields * sizeof *fv,
                                                    _Alignof(pol_Value)) : NULL;
  if (rt->nfields && !fv) return NULL;
  for (uint32_t i = 0; i < rt->nfields; i++) fv[i] = pol_unk();
  const unsigned char *q = ws_at(v + 1);
  uint32_t next = 0;
  if (*q != '}')
    for (;;) {
      const unsigned char *ks;
      size_t raw, kn;
      int esc;
      if (r->plain_fields && rt->nfields) {
        /* the member expected next, matched in place: its name's bytes and
           then the closing quote (the name has no quote or backslash, so
           that is the whole raw key, with no escape) */
        uint32_t name = rt->fields[next].name;
        size_t nl = p->slen[name];
        ks = q + 1;
        if ((size_t)(r->e - ks) > nl && ks[nl] == '"' && same_key(p->str[name], (const char *)ks, nl)) {
          const unsigned char *val = ws_at(ws_at(ks + nl + 1) + 1);   /* past the colon */
          const unsigned char *end = convert(r, c, val, rt->fields[next].type, depth + 1, &fv[next]);
          if (!end) return NULL;
          next = next + 1 == rt->nfields ? 0 : next + 1;
          q = ws_at(end);
          if (*q == '}') break;
          q = ws_at(q + 1);
          continue;
        }
      }
      const unsigned char *val = ws_at(ws_at(str_at(r, q, &ks, &raw, &esc)) + 1);   /* past the colon */
      const char *key = (const char *)ks;
      kn = raw;
      if (esc) {
        if (grow((void **)&r->tmp, &r->tcap, raw + 1, 1)) return NULL;
        kn = unescape(ks, raw, r->tmp);
        key = r->tmp;
      }
      const unsigned char *end = NULL;
      /* members mostly come in the declared order: the search starts at
         the field after the last one found and wraps around (names once
         each: plain_fields) */
      for (uint32_t t = 0, i = r->plain_fields ? next : 0; t < rt->nfields;
           t++, i = i + 1 == rt->nfields ? 0 : i + 1) {
        uint32_t name = rt->fields[i].name;
        if (p->slen[name] == kn && same_key(p->str[name], key, kn)) {
          end = convert(r, c, val, rt->fields[i].type, depth + 1, &fv[i]);
          if (!end) return NULL;
          next = i + 1 == rt->nfields ? 0 : i + 1;
          break;
        }
      }
      q = ws_at(end ? end : skip_at(val, r->e));
      if (*q == '}') break;
      q = ws_at(q + 1);
    }
  out->tag = PV_REC;
  out->aux = rec;
  out->u.p = fv;
  return q + 1;
}

/* case.c's convert, of the value at v. */
static const unsigned char *convert(pol_JRead *r, pol_Case *c, const unsigned char *v, uint32_t type,
                                    int depth, pol_Value *out)
{
  unsigned char ch = *v;
  if (ch == 'n') {
    *out = pol_unk();
    return v + 4;
  }
  switch (POL_TKIND(type)) {
  case PK_BOOL:
    if (ch != 't' && ch != 'f') return NULL;
    *out = pol_bool(ch == 't');
    return v + (ch == 't' ? 4 : 5);
  case PK_NUM:
    if (ch != '-' && !pol_jleaf_digit(ch)) return NULL;
    return get_num(r, v, out);
  case PK_STR:
    if (ch != '"') return NULL;
    out->tag = PV_STR;
    return get_str(r, c, v, &out->u.s, &out->aux);
  case PK_DATE: {
    int32_t d;
    if (ch != '"') return NULL;
    const unsigned char *end = get_date(r, v, &d);
    if (end) *out = pol_date(d);
    return end;
  }
  case PK_LIST:
    if (ch != '[') return NULL;
    return get_list(r, c, v, type, depth, out);
  case PK_REC:
    if (ch != '{') return NULL;
    return get_rec(r, c, v, POL_TREC(type), depth, out);
  default:
    return NULL;
  }
}

/* Fact f from the slots offs of its scope (case.c's load_fact). */
static int load_fact(pol_JRead *r, pol_Case *c, const uint32_t *offs, uint32_t f, pol_Value *out)
{
  const uint32_t *k = &r->chain[r->chain0[f]], *end = &r->chain[r->chain0[f + 1]];
  for (; k + 1 < end; k++) {
    uint32_t off = offs[r->nodes[*k].slot];
    if (off == NONE || r->b[off] == 'n') {
      *out = pol_unk();
      return 0;
    }
    if (r->b[off] != '{') return -1;
  }
  uint32_t off = offs[r->nodes[*k].slot];
  if (off == NONE) {
    *out = pol_unk();
    return 0;
  }
  return convert(r, c, r->b + off, r->p->facts[f].type, 0, out) ? 0 : -1;
}

/* An optional string member: 0 absent or null, 1 read, -1 refused. */
static int opt_str(pol_JRead *r, pol_Case *c, const uint32_t *offs, uint32_t nd, const char **s,
                   uint32_t *id)
{
  uint32_t off = offs[r->nodes[nd].slot];
  uint32_t ignored;
  if (off == NONE || r->b[off] == 'n') return 0;
  if (r->b[off] != '"') return -1;
  return get_str(r, c, r->b + off, s, id ? id : &ignored) ? 1 : -1;
}

static int opt_date(pol_JRead *r, uint32_t nd, int32_t *d)
{
  uint32_t off = r->coff[r->nodes[nd].slot];
  if (off == NONE || r->b[off] == 'n') return 0;
  if (r->b[off] != '"') return -1;
  return get_date(r, r->b + off, d) ? 1 : -1;
}

static int slot_is(const pol_JRead *r, const uint32_t *offs, uint32_t nd, unsigned char ch)
{
  uint32_t off = offs[r->nodes[nd].slot];
  return off != NONE && r->b[off] == ch;
}

static int slot_absent(const pol_JRead *r, const uint32_t *offs, uint32_t nd)
{
  uint32_t off = offs[r->nodes[nd].slot];
  return off == NONE || r->b[off] == 'n';
}

/* case.c's load_lines, into r->lines (document order); *n lines. */
static int read_lines(pol_JRead *r, pol_Case *c, uint32_t *n)
{
  const uint32_t *co = r->coff;
  *n = 0;
  if (slot_absent(r, co, r->n_request)) return 0;
  if (!slot_is(r, co, r->n_request, '{')) return -1;
  int32_t date = 0, other;
  int known = opt_date(r, r->n_sdate, &date);
  if (known < 0) return -1;
  if (known == 0) {
    known = opt_date(r, r->n_date, &date);
    if (known < 0) return -1;
  } else if (opt_date(r, r->n_date, &other) < 0) {
    return -1;
  }
  const char *plan = NULL, *review = NULL, *prior = NULL;
  uint32_t plan_id = POL_NOSTR;
  if (opt_str(r, c, co, r->n_plan, &plan, &plan_id) < 0) return -1;
  if (!slot_absent(r, co, r->n_review)) {
    if (!slot_is(r, co, r->n_review, '{')) return -1;
    if (opt_str(r, c, co, r->n_kind, &review, NULL) < 0) return -1;
    if (opt_str(r, c, co, r->n_rprior, &prior, NULL) < 0) return -1;
    if (!review) review = "review";
  }
  if (slot_absent(r, co, r->n_procs)) return 0;
  if (!slot_is(r, co, r->n_procs, '[')) return -1;
  uint32_t m = r->nitems;
  if (m > POL_CASE_MAX_LIST) return -1;
  if (grow((void **)&r->lines, &r->lcap, m ? m : 1, sizeof *r->lines)) return -1;
  for (uint32_t i = 0; i < m; i++) {
    const uint32_t *io = r->ioff + (size_t)i * r->nislot;
    if (!slot_is(r, io, r->iroot, '{')) return -1;
    int32_t number = (int32_t)i + 1;
    if (!slot_absent(r, io, r->n_line)) {
      uint32_t off = io[r->nodes[r->n_line].slot];
      unsigned char ch = r->b[off];
      if (ch != '-' && !pol_jleaf_digit(ch)) return -1;
      if (pol_jleaf_line_number(r->b + off, r->e, &r->tmp, &r->tcap, &number)) return -1;
    }
    pol_LineInfo *li = &r->lines[i];
    *li = (pol_LineInfo){number, NULL, POL_NOSTR, date, known, plan, plan_id, review, prior, NULL, NULL};
    if (opt_str(r, c, io, r->n_lprior, &li->prior, NULL) < 0) return -1;
    if (opt_str(r, c, io, r->n_cpt, &li->cpt, &li->cpt_id) < 0) return -1;
    if (opt_str(r, c, io, r->n_rxnorm, &li->rxnorm, NULL) < 0) return -1;   /* routing by drug */
    if (opt_str(r, c, io, r->n_ndc, &li->ndc, NULL) < 0) return -1;
  }
  *n = m;
  return 0;
}

static int convert_all(pol_JRead *r, pol_Case *c)
{
  const pol_Program *p = r->p;
  uint32_t nf = p->nfacts;
  if (r->b[0 + r->coff[r->nodes[r->croot].slot]] != '{') return -1;
  const char *case_id;
  uint32_t sid;
  /* a FHIR resource (a PAS Bundle is loaded through vm/fhir_in.c): the
     reference path decides */
  if (r->coff[r->nodes[r->n_rtype].slot] != NONE) return -1;
  if (slot_absent(r, r->coff, r->n_case_id)) return -1;
  if (!slot_is(r, r->coff, r->n_case_id, '"')) return -1;
  if (!get_str(r, c, r->b + r->coff[r->nodes[r->n_case_id].slot], &case_id, &sid)) return -1;
  pol_Value *row = pol_case_fill_row0(c);
  for (uint32_t f = 0; f < nf; f++)
    if (p->facts[f].scope != POL_SCOPE_CASE) row[f] = pol_unk();
    else if (load_fact(r, c, r->coff, f, &row[f])) return -1;
  uint32_t n;
  if (read_lines(r, c, &n)) return -1;
  if (pol_case_fill_lines(c, case_id, r->lines, n)) return -1;
  for (uint32_t j = 0; j < n; j++) {
    const uint32_t *io = r->ioff + (size_t)j * r->nislot;
    pol_Value *lrow = pol_case_fill_row(c, j);
    for (uint32_t f = 0; f < nf; f++)
      if (p->facts[f].scope == POL_SCOPE_LINE && load_fact(r, c, io, f, &lrow[f])) return -1;
  }
  return 0;
}

int pol_jread_load(pol_JRead *r, pol_Case *c, const char *text, size_t len)
{
  r->vtop = 0;
  if (pol_case_fill_begin(c) || r->bad || len > POL_CASE_MAX_BYTES || len == 0 ||
      scan(r, text, len) || convert_all(r, c)) {
    pol_case_fill_fail(c);
    return -1;
  }
  return 0;
}

int pol_jread_case(pol_JRead *r, pol_Case *c, const char *text, size_t len, json_t **root,
                   pol_CaseError *ce, char *err, size_t errlen)
{
  *root = NULL;
  if (err && errlen) err[0] = '\0';
  /* a FHIR Bundle: the fast path (vm/fhir_fast.c), the reference where it refuses */
  if (r && pol_fhir_fast_maybe(text, len)) {
    if (!r->ff) r->ff = pol_fhir_fast_new(r->p);
    if (r->ff && pol_fhir_fast_load(r->ff, r, c, text, len) == 0) return 0;
  }
  if (r && pol_jread_load(r, c, text, len) == 0) return 0;
  json_t *doc = pol_case_parse(text, len, ce);
  if (!doc) return -1;
  if (pol_case_load(c, doc, err, errlen) == 0) {
    json_decref(doc);
    return 0;
  }
  *root = doc;
  return -2;
}

/* ---- the tape: a validating scan that keeps every value (fhir_fast.c) ---- */

static int tape_value(pol_JRead *r, int depth);

static int tape_grow(pol_JRead *r)
{
  if (r->ntape >= UINT32_MAX - 1) return -1;
  return grow((void **)&r->tape, &r->tcap2, r->ntape + 1, sizeof *r->tape);
}

static inline int tape_push(pol_JRead *r, uint32_t off, uint32_t aux)
{
  if (r->ntape == r->tcap2 && tape_grow(r)) return -1;
  r->tape[r->ntape++] = (pol_JTape){off, aux};
  return 0;
}

static int tape_object(pol_JRead *r, int depth)
{
  size_t at = r->ntape;
  if (tape_push(r, (uint32_t)(r->p_ - r->b), 0)) return -1;
  size_t kbase = r->nkeys;
  r->p_++;   /* '{' */
  skip_ws(r);
  if (r->p_ < r->e && *r->p_ == '}') {
    r->p_++;
    r->tape[at].aux = (uint32_t)r->ntape;
    return 0;
  }
  for (;;) {
    if (r->p_ >= r->e || *r->p_ != '"') return -1;
    const unsigned char *ks = ++r->p_;
    int esc;
    if (fast_string(r, &esc) || esc) return -1;   /* an escaped key: the reference path */
    uint32_t klen = (uint32_t)(r->p_ - 1 - ks);
    KeyRef k = {(uint32_t)(ks - r->b), klen, 0};
    /* duplicates, pairwise; a large object goes to the reference path */
    if (r->nkeys - kbase >= 4 * LINEAR_KEYS) return -1;
    for (size_t i = kbase; i < r->nkeys; i++)
      if (r->keys[i].len == klen && same_key((const char *)r->b + r->keys[i].off, (const char *)ks, klen))
        return -1;
    if (r->nkeys == r->kcap && grow((void **)&r->keys, &r->kcap, r->nkeys + 1, sizeof *r->keys)) return -1;
    r->keys[r->nkeys++] = k;
    if (tape_push(r, (uint32_t)(ks - 1 - r->b), klen)) return -1;
    skip_ws(r);
    if (r->p_ >= r->e || *r->p_ != ':') return -1;
    r->p_++;
    skip_ws(r);
    if (tape_value(r, depth)) return -1;
    skip_ws(r);
    if (r->p_ >= r->e) return -1;
    if (*r->p_ == ',') { r->p_++; skip_ws(r); continue; }
    if (*r->p_ == '}') { r->p_++; break; }
    return -1;
  }
  r->nkeys = kbase;
  r->tape[at].aux = (uint32_t)r->ntape;
  return 0;
}

static int tape_array(pol_JRead *r, int depth)
{
  size_t at = r->ntape;
  if (tape_push(r, (uint32_t)(r->p_ - r->b), 0)) return -1;
  r->p_++;   /* '[' */
  skip_ws(r);
  if (r->p_ < r->e && *r->p_ == ']') {
    r->p_++;
    r->tape[at].aux = (uint32_t)r->ntape;
    return 0;
  }
  for (;;) {
    if (tape_value(r, depth)) return -1;
    skip_ws(r);
    if (r->p_ >= r->e) return -1;
    if (*r->p_ == ',') { r->p_++; skip_ws(r); continue; }
    if (*r->p_ == ']') { r->p_++; break; }
    return -1;
  }
  r->tape[at].aux = (uint32_t)r->ntape;
  return 0;
}

static int tape_value(pol_JRead *r, int depth)
{
  if (r->p_ >= r->e) return -1;
  uint32_t off = (uint32_t)(r->p_ - r->b);
  int esc;
  switch (*r->p_) {
  case '{':
    if (depth + 1 > POL_CASE_MAX_DEPTH) return -1;
    return tape_object(r, depth + 1);
  case '[':
    if (depth + 1 > POL_CASE_MAX_DEPTH) return -1;
    return tape_array(r, depth + 1);
  case '"':
    r->p_++;
    if (fast_string(r, &esc)) return -1;
    return tape_push(r, off, (uint32_t)(r->p_ - r->b - off - 2) | (esc ? POL_JTAPE_ESC : 0));
  case 't': return lit(r, "true", 4) ? -1 : tape_push(r, off, 0);
  case 'f': return lit(r, "false", 5) ? -1 : tape_push(r, off, 0);
  case 'n': return lit(r, "null", 4) ? -1 : tape_push(r, off, 0);
  default:
    if (*r->p_ == '-' || pol_jleaf_digit(*r->p_)) return scan_number(r) ? -1 : tape_push(r, off, 0);
    return -1;
  }
}

int pol_jread_tape(pol_JRead *r, const char *text, size_t len, const pol_JTape **tape, size_t *n)
{
  if (r->bad || len == 0 || len > POL_CASE_MAX_BYTES || len >= POL_JTAPE_ESC) return -1;
  r->b = r->p_ = (const unsigned char *)text;
  r->e = r->b + len;
  r->nkeys = 0;
  r->ntape = 0;
  skip_ws(r);
  if (r->p_ >= r->e || *r->p_ != '{') return -1;
  if (tape_value(r, 0)) return -1;
  skip_ws(r);
  if (r->p_ != r->e) return -1;
  *tape = r->tape;
  *n = r->ntape;
  return 0;
}
