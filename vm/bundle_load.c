/*
 * bundle_load.c -- parses a bundle (docs/bundle-format.md) into a new
 * pol_Program and verifies it.  Hostile input is expected: every read goes
 * through a bounds-checked cursor, every count is checked against the bytes
 * left before anything is allocated, and every failure frees what was built
 * and leaves a reason in err.  A final SIGN section is split off first: the
 * content hash covers what precedes it, and its Ed25519 signature over
 * that hash is checked (against a trusted key, if given) before the
 * content is parsed.
 *
 * Ownership: buf is borrowed (pol_bundle_load_owned: handed over, and its
 * strings terminated in place); on success *out is owned by the caller
 * (pol_program_free).  pol_read_file's buffer is owned by the caller (free).
 */
#include "bundle.h"
#include "sha256.h"
#include "util.h"

#include <errno.h>
#include <sodium.h>
/* SSE2 (always there on x86-64), else the portable path, which
   tests/unit/test_bundle_scalar.c builds on x86-64 too (POL_BUNDLE_LOAD_SCALAR) */
#if defined(__SSE2__) && !defined(POL_BUNDLE_LOAD_SCALAR)
#define BL_SSE2 1
#include <emmintrin.h>
#else
#define BL_SSE2 0
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TAG(a, b, c, d) \
  ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

enum { HEADER_LEN = 48, HASH_AT = 16 };

/* The SIGN section: tag, length, public key, signature. */
#define SIGN_TAG TAG('S', 'I', 'G', 'N')
enum { SIGN_PAYLOAD = POL_PUBKEY_LEN + POL_SIG_LEN, SIGN_SECTION = 8 + SIGN_PAYLOAD };

/* A read cursor over one region.  The first failure sticks: later reads
   return 0 and change nothing, so parsers check c->failed at the points
   where it matters (before allocating, at the end). */
typedef struct {
  const uint8_t *p;
  size_t left;
  const char *what;   /* section name for messages */
  char *err;
  size_t errlen;
  int failed;
  int own;            /* the bytes are the program's (pol_bundle_load_owned):
                         rd_strs terminates the strings in place */
} Cur;


static void cfail(Cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cfail(Cur *c, const char *fmt, ...)
{
  if (c->failed) return;
  c->failed = 1;
  if (!c->err || !c->errlen) return;
  int n = snprintf(c->err, c->errlen, "section %s: ", c->what);
  if (n < 0 || (size_t)n >= c->errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

/* take's failure, out of line so the reads stay small enough to inline */
static const uint8_t *take_fail(Cur *c, size_t n)
{
  if (!c->failed) cfail(c, "truncated: needs %zu more bytes, %zu left", n, c->left);
  return NULL;
}

static inline const uint8_t *take(Cur *c, size_t n)
{
  if (c->failed || n > c->left) return take_fail(c, n);
  const uint8_t *q = c->p;
  c->p += n;
  c->left -= n;
  return q;
}

static uint8_t rd_u8(Cur *c)
{
  const uint8_t *q = take(c, 1);
  return q ? q[0] : 0;
}

static inline uint32_t rd_u32(Cur *c)
{
  const uint8_t *q = take(c, 4);
  return q ? (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24 : 0;
}

static uint64_t rd_u64(Cur *c)
{
  uint64_t lo = rd_u32(c);
  return lo | (uint64_t)rd_u32(c) << 32;
}

/* Reads a count of items that each take at least `min` bytes on disk and
   refuses it if the bytes left could not hold that many. */
static uint32_t rd_count(Cur *c, size_t min, const char *item)
{
  uint32_t n = rd_u32(c);
  if (!c->failed && n > c->left / min)
    cfail(c, "%u %s cannot fit in the %zu bytes left", n, item, c->left);
  return c->failed ? 0 : n;
}

/* calloc for n items (n already checked by rd_count); NULL for n == 0. */
static void *cur_alloc(Cur *c, uint32_t n, size_t size)
{
  if (c->failed || n == 0) return NULL;
  void *q = calloc(n, size);
  if (!q) cfail(c, "out of memory");
  return q;
}

/* cur_alloc without the clearing, for an array the reader fills whole
   before anything reads it (the word arrays: CODE is 20 KB). */
static void *cur_alloc_filled(Cur *c, uint32_t n, size_t size)
{
  if (c->failed || n == 0) return NULL;
  void *q = malloc((size_t)n * size);   /* n * size: rd_count kept it below the bytes left */
  if (!q) cfail(c, "out of memory");
  return q;
}

static uint32_t le32(const uint8_t *h)
{
  return (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
}

/* Reads "u32 n, n x u32" into *arr; *n is set only once *arr exists.
   rd_count checked that the words are there: one take, and on a
   little-endian machine one copy (the CODE section is most of them). */
static void rd_u32s(Cur *c, uint32_t *n, uint32_t **arr, const char *item)
{
  uint32_t cnt = rd_count(c, 4, item);
  uint32_t *a = cur_alloc_filled(c, cnt, sizeof *a);
  const uint8_t *q = c->failed ? NULL : take(c, (size_t)cnt * 4);
  if (c->failed) { free(a); return; }
  *arr = a;
  *n = cnt;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (cnt) memcpy(a, q, (size_t)cnt * 4);
#else
  for (uint32_t i = 0; i < cnt; i++) a[i] = le32(q + 4 * (size_t)i);
#endif
}

/* ---- sections ---------------------------------------------------------- */

/* Copies s[0 .. n) to `to` (to <= s, or apart: forward is safe) while it is
   ASCII without NUL, 16 bytes at a time, and returns how many bytes it
   copied: a multiple of 16, stopping before the first 16 with a NUL or a
   byte >= 0x80 in them, or with fewer than 16 left.  The rest is
   pol_utf8_check's (from a character boundary, so it finds the same first
   bad byte as over the whole string).  One pass instead of a check and a
   memmove (docs/performance.md, "Start-up, fourth pass"). */
static size_t ascii_move(uint8_t *to, const uint8_t *s, size_t n)
{
  size_t i = 0;
#if BL_SSE2
  const __m128i zero = _mm_setzero_si128();
  for (; n - i >= 16; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    if (_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)))) break;
    _mm_storeu_si128((__m128i *)(void *)(to + i), v);
  }
#else
  for (; n - i >= 16; i += 16) {
    uint64_t w[2];
    memcpy(w, s + i, 16);
    uint64_t hi = (w[0] | w[1]) & 0x8080808080808080u;
    uint64_t z = ((w[0] - 0x0101010101010101u) & ~w[0]) | ((w[1] - 0x0101010101010101u) & ~w[1]);
    if (hi || (z & 0x8080808080808080u)) break;
    memcpy(to + i, w, 16);
  }
#endif
  return i;
}

/* Whether the last t < 16 bytes before end are ASCII without NUL, read as
   the 16 bytes before end: a string's bytes in a section always have 16
   bytes of the bundle before them (the 48-byte header comes first). */
static int ascii_tail(const uint8_t *end, size_t t)
{
#if BL_SSE2
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
  unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128())));
  return (m >> (16 - t)) == 0;
#else
  return pol_utf8_check(end - t, t) == t;
#endif
}

/* memmove of n < 16 bytes to `to` <= s: every load before its store. */
static void move_small(uint8_t *to, const uint8_t *s, size_t n)
{
  if (n >= 8) {
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    memcpy(to, &x, 8);
    memcpy(to + n - 8, &y, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    memcpy(to, &x, 4);
    memcpy(to + n - 4, &y, 4);
  } else {
    for (size_t k = 0; k < n; k++) to[k] = s[k];
  }
}

/* The strings share one block, p->strbuf: the program's own bytes when
   c->own (each string moved 4 bytes down over its length word and
   NUL-terminated there: no copy, no allocation), else one allocation
   holding them all.  Either way no malloc per string (docs/performance.md,
   "Start-up"). */
static void rd_strs(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 4, "strings");
  char **str = cur_alloc(c, n, sizeof *str);
  uint32_t *slen = cur_alloc(c, n, sizeof *slen);
  /* each string takes 4 + len bytes here and len + 1 there: the section's
     bytes are room enough, whatever the lengths say (a string that claims
     the others' length words too) */
  char *block = c->failed || c->own || n == 0 ? NULL : malloc(c->left);
  if (!c->failed && !c->own && n && !block) cfail(c, "out of memory");
  if (c->failed) { free(str); free(slen); free(block); return; }
  p->str = str;
  p->slen = slen;
  p->nstr = n;
  if (!c->own) p->strbuf = block;   /* else it is the bundle's bytes, set by load() */
  char *to = block;
  for (uint32_t i = 0; i < n && !c->failed; i++) {
    const uint8_t *at = c->p;   /* the length word, then the bytes */
    uint32_t len = rd_u32(c);
    const uint8_t *s = take(c, len);
    if (!s) return;
    if (c->own) to = (char *)(uintptr_t)at;   /* the caller's buffer, handed over: writable */
    size_t done = ascii_move((uint8_t *)to, s, len), t = len - done;
    if (t < 16 && ascii_tail(s + len, t)) {
      move_small((uint8_t *)to + done, s + done, t);
    } else {
      size_t bad = done + pol_utf8_check(s + done, t);
      if (bad < len) {
        if (s[bad] == 0) cfail(c, "string %u has an embedded NUL byte at %zu", i, bad);
        else cfail(c, "string %u is not valid UTF-8 (byte %zu)", i, bad);
        return;
      }
      memmove(to + done, s + done, t);
    }
    to[len] = '\0';
    str[i] = to;
    slen[i] = len;
    if (!c->own) to += (size_t)len + 1;
  }
}

static void rd_kons(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 1, "constants");
  pol_Value *k = cur_alloc(c, n, sizeof *k);
  if (c->failed) return;
  p->k = k;
  p->nk = n;
  for (uint32_t i = 0; i < n && !c->failed; i++) {
    pol_Value *v = &k[i];
    v->tag = rd_u8(c);
    switch ((pol_Tag)v->tag) {
    case PV_UNK: break;
    case PV_BOOL: case PV_STR: case PV_DATE: case PV_SET: v->aux = rd_u32(c); break;
    case PV_NUM: {
      /* an i64, two's complement, by arithmetic (no implementation-defined
         conversion); INT64_MIN is not a number: the verifier refuses it */
      uint64_t u = rd_u64(c);
      v->u.d = u <= (uint64_t)INT64_MAX ? (pol_Dec)u : -(pol_Dec)(~u) - 1;
      break;
    }
    case PV_DUR: case PV_WIN:
      v->u.r.lo = (int32_t)rd_u32(c);
      v->u.r.hi = (int32_t)rd_u32(c);
      break;
    case PV_RANGE: case PV_LIST: case PV_REC: default:
      cfail(c, "constant %u: tag %u is not allowed in constants", i, v->tag);
      break;
    }
  }
}

static void rd_sets(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 8, "sets");
  uint32_t *set0 = cur_alloc(c, n, sizeof *set0);
  uint32_t *setn = cur_alloc(c, n, sizeof *setn);
  if (c->failed) { free(set0); free(setn); return; }
  p->set0 = set0;
  p->setn = setn;
  p->nsets = n;
  for (uint32_t i = 0; i < n; i++) { set0[i] = rd_u32(c); setn[i] = rd_u32(c); }
  rd_u32s(c, &p->nsetitems, &p->setitems, "set items");
}

static void rd_recs(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 12, "record types");
  pol_RecType *rec = cur_alloc(c, n, sizeof *rec);
  if (c->failed) return;
  p->rec = rec;
  p->nrec = n;
  for (uint32_t i = 0; i < n && !c->failed; i++) {
    rec[i].name = rd_u32(c);
    rec[i].path = rd_u32(c);
    uint32_t nf = rd_count(c, 8, "fields");
    pol_Field *f = cur_alloc(c, nf, sizeof *f);
    if (c->failed) return;
    rec[i].fields = f;
    rec[i].nfields = nf;
    for (uint32_t j = 0; j < nf; j++) { f[j].name = rd_u32(c); f[j].type = rd_u32(c); }
  }
}

static void rd_fact(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 16, "facts");
  pol_Fact *f = cur_alloc(c, n, sizeof *f);
  if (c->failed) return;
  p->facts = f;
  p->nfacts = n;
  for (uint32_t i = 0; i < n; i++) {
    f[i].name = rd_u32(c); f[i].path = rd_u32(c);
    f[i].type = rd_u32(c); f[i].scope = rd_u32(c);
  }
}

static void rd_code(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->ncode, &p->code, "instructions");
}

static void rd_blks(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 12, "blocks");
  pol_Block *b = cur_alloc_filled(c, n, sizeof *b);   /* every field read below */
  if (c->failed) return;
  p->blocks = b;
  p->nblocks = n;
  for (uint32_t i = 0; i < n; i++) {
    b[i].start = rd_u32(c); b[i].len = rd_u32(c); b[i].nregs = rd_u32(c);
  }
}

static void rd_evid(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 12, "evidence records");
  pol_Evid *e = cur_alloc(c, n, sizeof *e);
  if (c->failed) return;
  p->evid = e;
  p->nevid = n;
  for (uint32_t i = 0; i < n; i++) {
    e[i].fact = rd_u32(c); e[i].expected = rd_u32(c); e[i].query = rd_u32(c);
  }
}

static void rd_crit(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 60, "criteria");
  pol_Crit *cr = cur_alloc(c, n, sizeof *cr);
  if (c->failed) return;
  p->crit = cr;
  p->ncrit = n;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t *f[15] = {&cr[i].id, &cr[i].text, &cr[i].file, &cr[i].line, &cr[i].col,
                       &cr[i].kind, &cr[i].k, &cr[i].flags, &cr[i].tags, &cr[i].block,
                       &cr[i].parent, &cr[i].child0, &cr[i].nchildren, &cr[i].cite,
                       &cr[i].next};
    for (int j = 0; j < 15; j++) *f[j] = rd_u32(c);
  }
}

static void rd_kids(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->nchildren, &p->crit_children, "child entries");
}

static void rd_brch(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 36, "branches");
  pol_Branch *b = cur_alloc(c, n, sizeof *b);
  if (c->failed) return;
  p->branches = b;
  p->nbranches = n;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t *f[9] = {&b[i].name, &b[i].text, &b[i].aspect, &b[i].cond, &b[i].crit0,
                      &b[i].ncrit, &b[i].each, &b[i].ecrit0, &b[i].necrit};
    for (int j = 0; j < 9; j++) *f[j] = rd_u32(c);
  }
}

static void rd_brcr(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->nbranch_crit, &p->branch_crit, "branch criteria");
}

static void rd_cods(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->ncodes, &p->codes, "codes");
}

static void rd_pols(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 68, "policies");
  pol_Policy *o = cur_alloc(c, n, sizeof *o);
  if (c->failed) return;
  p->pol = o;
  p->npol = n;
  for (uint32_t i = 0; i < n; i++) {
    o[i].id = rd_u32(c); o[i].title = rd_u32(c);
    o[i].version = rd_u32(c); o[i].source = rd_u32(c);
    o[i].effective = (int32_t)rd_u32(c);
    o[i].code0 = rd_u32(c); o[i].ncodes = rd_u32(c);
    o[i].branch0 = rd_u32(c); o[i].nbranches = rd_u32(c);
    o[i].crit0 = rd_u32(c); o[i].ncrit = rd_u32(c);
    o[i].tag0 = rd_u32(c); o[i].ntags = rd_u32(c);
    o[i].dec0 = rd_u32(c); o[i].ndec = rd_u32(c);
    o[i].plan0 = rd_u32(c); o[i].nplans = rd_u32(c);
  }
}

static void rd_tags(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->ntagnames, &p->tagnames, "tag names");
}

static void rd_decs(Cur *c, pol_Program *p)
{
  rd_u32s(c, &p->ndec, &p->dec, "decision words");
}

static void rd_extn(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 48, "externs");
  pol_Extern *e = cur_alloc(c, n, sizeof *e);
  if (c->failed) return;
  p->ext = e;
  p->next = n;
  for (uint32_t i = 0; i < n; i++) {
    e[i].name = rd_u32(c); e[i].lib = rd_u32(c);
    e[i].ret = rd_u32(c); e[i].nargs = rd_u32(c);
    for (int j = 0; j < POL_MAX_ARGS; j++) e[i].args[j] = rd_u32(c);
  }
}

static void rd_xlib(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 36, "extern libraries");
  pol_ExternLib *x = cur_alloc(c, n, sizeof *x);
  if (c->failed) return;
  p->xlib = x;
  p->nxlib = n;
  for (uint32_t i = 0; i < n; i++) {
    x[i].lib = rd_u32(c);
    const uint8_t *h = take(c, sizeof x[i].sha256);
    if (h) memcpy(x[i].sha256, h, sizeof x[i].sha256);
  }
}

/* AUTH (2.2): the fields of `authorize` blocks; the verifier checks the
   indices and the order. */
static void rd_auth(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 16, "authorize fields");
  pol_Auth *a = cur_alloc(c, n, sizeof *a);
  if (c->failed) return;
  p->auth = a;
  p->nauth = n;
  for (uint32_t i = 0; i < n; i++) {
    a[i].branch = rd_u32(c);
    a[i].field = rd_u32(c);
    a[i].block = rd_u32(c);
    a[i].reqfact = rd_u32(c);
  }
}

/* VSET (2.2): value sets, their ranges, the range-routed set of each
   policy; the verifier checks every index, the order of the ranges and
   npolvs against npol. */
static void rd_vset(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 20, "value sets");
  pol_VSet *vs = cur_alloc(c, n, sizeof *vs);
  if (c->failed) return;
  p->vs = vs;
  p->nvs = n;
  for (uint32_t i = 0; i < n; i++) {
    vs[i].name = rd_u32(c); vs[i].title = rd_u32(c); vs[i].system = rd_u32(c);
    vs[i].r0 = rd_u32(c); vs[i].nr = rd_u32(c);
  }
  n = rd_count(c, 8, "value set ranges");
  pol_VRange *r = cur_alloc(c, n, sizeof *r);
  if (c->failed) return;
  p->vsr = r;
  p->nvsr = n;
  for (uint32_t i = 0; i < n; i++) { r[i].lo = rd_u32(c); r[i].hi = rd_u32(c); }
  rd_u32s(c, &p->npolvs, &p->polvs, "policy value sets");
}

/* NEXT (2.2): the next steps; the verifier checks the indices. */
static void rd_steps(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 12, "next steps");
  pol_Step *s = cur_alloc(c, n, sizeof *s);
  if (c->failed) return;
  p->steps = s;
  p->nsteps = n;
  for (uint32_t i = 0; i < n; i++) {
    s[i].policy = rd_u32(c);
    s[i].branch = rd_u32(c);
    s[i].text = rd_u32(c);
  }
}

/* FHIR (2.3): the `fhir` bindings; the verifier checks the ids and ranges. */
static void rd_fhir(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 32, "fhir bindings");
  pol_FhirBind *b = cur_alloc(c, n, sizeof *b);
  if (c->failed) return;
  p->fhir = b;
  p->nfhir = n;
  for (uint32_t i = 0; i < n; i++) {
    b[i].target = rd_u32(c);
    b[i].source = rd_u32(c);
    b[i].where = rd_u32(c);
    b[i].code0 = rd_u32(c);
    b[i].ncodes = rd_u32(c);
    b[i].map0 = rd_u32(c);
    b[i].nmap = rd_u32(c);
    b[i].flags = rd_u32(c);
  }
  uint32_t m = rd_count(c, 4, "fhir strings");
  uint32_t *s = cur_alloc(c, m, sizeof *s);
  if (c->failed) return;
  p->fhirstr = s;
  p->nfhirstr = m;
  for (uint32_t i = 0; i < m; i++) s[i] = rd_u32(c);
}

/* PARM (2.3): the reviewer-chosen parameters criteria read; the verifier
   checks the indices. */
static void rd_parm(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 16, "reviewer-chosen parameters");
  pol_Chosen *s = cur_alloc(c, n, sizeof *s);
  if (c->failed) return;
  p->chosen = s;
  p->nchosen = n;
  for (uint32_t i = 0; i < n; i++) {
    s[i].crit = rd_u32(c);
    s[i].name = rd_u32(c);
    s[i].value = rd_u32(c);
    s[i].why = rd_u32(c);
  }
}

static void rd_meta(Cur *c, pol_Program *p)
{
  p->built = rd_u32(c);
}

/* WITN (2.2): witness descriptors and their data words; the verifier
   checks the values. */
static void rd_witn(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 36, "witness descriptors");
  pol_Witness *w = cur_alloc(c, n, sizeof *w);
  if (c->failed) return;
  p->wit = w;
  p->nwit = n;
  for (uint32_t i = 0; i < n; i++) {
    w[i].evid = rd_u32(c); w[i].pc = rd_u32(c); w[i].kind = rd_u32(c); w[i].list = rd_u32(c);
    w[i].lfield = rd_u32(c);
    w[i].data0 = rd_u32(c); w[i].nfields = rd_u32(c); w[i].nconj = rd_u32(c);
    w[i].ninner = rd_u32(c);
  }
  n = rd_count(c, 4, "witness data words");
  uint32_t *d = cur_alloc_filled(c, n, sizeof *d);
  if (c->failed) return;
  p->witdata = d;
  p->nwitdata = n;
  for (uint32_t i = 0; i < n; i++) d[i] = rd_u32(c);
  rd_u32s(c, &p->nevgrp, &p->evgrp, "evidence group words");
  rd_u32s(c, &p->ngrp, &p->grp, "evidence groups");
}

/* ELSE (2.1): per policy, the outcome and reason for a line no branch
   applies to; per branch, its condition's source text.  Read after every
   other section (rd_sections), so the counts are checked against POLS and
   BRCH; the verifier checks the values. */
static void rd_else(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 8, "policies");
  if (!c->failed && n != p->npol) cfail(c, "%u policies, POLS has %u", n, p->npol);
  for (uint32_t i = 0; i < n && !c->failed; i++) {
    p->pol[i].otherwise = rd_u32(c);
    p->pol[i].otherwise_text = rd_u32(c);
  }
  n = rd_count(c, 4, "branches");
  if (!c->failed && n != p->nbranches) cfail(c, "%u branches, BRCH has %u", n, p->nbranches);
  for (uint32_t i = 0; i < n && !c->failed; i++) p->branches[i].when = rd_u32(c);
}

/* NOTE (2.2): per criterion its English, the bundle's denials rule, the
   plan declarations.  Read after CRIT (rd_sections); the verifier checks
   the values. */
static void rd_note(Cur *c, pol_Program *p)
{
  uint32_t n = rd_count(c, 4, "criteria");
  if (!c->failed && n != p->ncrit) cfail(c, "%u criteria, CRIT has %u", n, p->ncrit);
  for (uint32_t i = 0; i < n && !c->failed; i++) p->crit[i].english = rd_u32(c);
  p->denials = rd_u32(c);
  n = rd_count(c, 4 * (2 + POL_NT__COUNT), "plan declarations");
  if (c->failed) return;
  if (n) {
    p->plandecl = calloc(n, sizeof *p->plandecl);
    if (!p->plandecl) { cfail(c, "out of memory"); return; }
  }
  p->nplandecl = n;
  for (uint32_t i = 0; i < n && !c->failed; i++) {
    p->plandecl[i].name = rd_u32(c);
    p->plandecl[i].denials = rd_u32(c);
    for (int t = 0; t < POL_NT__COUNT; t++) p->plandecl[i].text[t] = rd_u32(c);
  }
}

/* The sections, from vm/sections.def: SEC_STRS .. SEC_META are indices. */
enum {
#define SECTION(tag, fn, when, contents, fields) SEC_##tag,
#include "sections.def"
  NSECTIONS
};
enum { REQUIRED, EXTERNS, OPTIONAL, AUTHS, VSETS, STEPS, FHIRS, PARAMS };
static const struct {
  char name[5];   /* the tag's four characters */
  void (*read)(Cur *, pol_Program *);
  int when;
} sections[] = {
#define SECTION(tag, fn, when, contents, fields) {#tag, rd_##fn, when},
#include "sections.def"
};
/* ELSE is optional (a bundle before 2.1 has none) and read last */
#define ELSE_SECTION SEC_ELSE

/* A tag as text: its four characters if printable, else hex. */
static void tag_name(uint32_t tag, char out[12])
{
  for (int i = 0; i < 4; i++) {
    unsigned ch = tag >> (8 * i) & 0xffu;
    if (ch < 0x20 || ch > 0x7e || ch == '\'') { snprintf(out, 12, "0x%08x", tag); return; }
    out[i] = (char)ch;
  }
  out[4] = '\0';
}


/* Where the content ends: at the SIGN section if the file ends with one,
   else at the end of the file.  Follows the section headers from the
   header on; the chain must reach, exactly at len - SIGN_SECTION, a SIGN
   tag of length SIGN_PAYLOAD.  Anything else (no SIGN, a broken chain)
   gives len: the hash then covers every byte and rd_sections reports
   whatever is wrong, a misplaced SIGN included. */
static size_t content_end(const uint8_t *buf, size_t len)
{
  size_t at = HEADER_LEN;
  while (len - at >= 8) {
    uint32_t slen = le32(buf + at + 4);
    if (slen > len - at - 8) break;
    if (le32(buf + at) == SIGN_TAG && slen == SIGN_PAYLOAD && at + SIGN_SECTION == len)
      return at;
    at += 8 + (size_t)slen;
  }
  return len;
}

/* Parses the sections in buf[HEADER_LEN .. len), len being content_end. */
static int rd_sections(pol_Program *p, const uint8_t *buf, size_t len, int own, char *err,
                       size_t errlen)
{
  uint32_t seen = 0;
  size_t at = HEADER_LEN, else_at = 0, else_len = 0, note_at = 0, note_len = 0;
  while (at < len) {
    if (len - at < 8) {
      pol_errf(err, errlen, "%zu trailing bytes after the last section", len - at);
      return -1;
    }
    const uint8_t *h = buf + at;
    uint32_t tag = le32(h);
    uint32_t slen = le32(h + 4);
    char name[12];
    tag_name(tag, name);
    if (tag == SIGN_TAG) {   /* content_end stopped before a valid final one */
      if (slen != SIGN_PAYLOAD)
        pol_errf(err, errlen, "section SIGN at byte %zu has length %u, expected %d", at, slen,
             SIGN_PAYLOAD);
      else
        pol_errf(err, errlen, "section SIGN at byte %zu is not the last section", at);
      return -1;
    }
    int s = 0;
    while (s < NSECTIONS && TAG(sections[s].name[0], sections[s].name[1], sections[s].name[2],
                                sections[s].name[3]) != tag)
      s++;
    if (s == NSECTIONS) {
      pol_errf(err, errlen, "unknown section tag '%s' at byte %zu", name, at);
      return -1;
    }
    if (seen & 1u << s) {
      pol_errf(err, errlen, "duplicate section %s at byte %zu", name, at);
      return -1;
    }
    seen |= 1u << s;
    at += 8;
    if (slen > len - at) {
      pol_errf(err, errlen, "section %s is truncated: length %u but only %zu bytes left",
           name, slen, len - at);
      return -1;
    }
    if (s == ELSE_SECTION) {   /* read last, once POLS and BRCH are */
      else_at = at;
      else_len = slen;
      at += slen;
      continue;
    }
    if (s == SEC_NOTE) {   /* read last, once CRIT is */
      note_at = at;
      note_len = slen;
      at += slen;
      continue;
    }
    Cur c = {buf + at, slen, name, err, errlen, 0, own};
    sections[s].read(&c, p);
    if (!c.failed && c.left)
      cfail(&c, "%zu unexpected bytes at the end of the section", c.left);
    if (c.failed) return -1;
    at += slen;
  }
  for (int s = 0; s < NSECTIONS; s++)
    if (!(seen & 1u << s) && sections[s].when == REQUIRED) {
      pol_errf(err, errlen, "missing section %s", sections[s].name);
      return -1;
    }
  /* without ELSE (an older bundle): refer, no reason text, no condition
     text */
  for (uint32_t i = 0; i < p->npol; i++) {
    p->pol[i].otherwise = PO_REFER;
    p->pol[i].otherwise_text = POL_NOSTR;
  }
  for (uint32_t i = 0; i < p->nbranches; i++) p->branches[i].when = POL_NOSTR;
  if (seen & 1u << ELSE_SECTION) {
    Cur c = {buf + else_at, else_len, "ELSE", err, errlen, 0, 0};
    rd_else(&c, p);
    if (!c.failed && c.left)
      cfail(&c, "%zu unexpected bytes at the end of the section", c.left);
    if (c.failed) return -1;
  }
  /* without NOTE (before 2.2): no English, denials final, no plans */
  for (uint32_t i = 0; i < p->ncrit; i++) p->crit[i].english = POL_NOSTR;
  p->denials = POL_DENIALS_FINAL;
  if (seen & 1u << SEC_NOTE) {
    Cur c = {buf + note_at, note_len, "NOTE", err, errlen, 0, 0};
    rd_note(&c, p);
    if (!c.failed && c.left)
      cfail(&c, "%zu unexpected bytes at the end of the section", c.left);
    if (c.failed) return -1;
  }
  return 0;
}

/* With a trusted key: the bundle must carry a valid signature by it. */
static int check_trust(const uint8_t *trust, int is_signed, int valid, const uint8_t *signer,
                       char *err, size_t errlen)
{
  if (!is_signed) { pol_errf(err, errlen, "bundle is not signed"); return -1; }
  if (sodium_memcmp(signer, trust, POL_PUBKEY_LEN) != 0) {
    pol_errf(err, errlen, "bundle signed by an untrusted key");
    return -1;
  }
  if (!valid) { pol_errf(err, errlen, "bad signature: bundle altered after signing"); return -1; }
  return 0;
}

int pol_bundle_load(const uint8_t *buf, size_t len, pol_Program **out,
                    char *err, size_t errlen)
{
  return pol_bundle_load_ex(buf, len, NULL, 0, out, err, errlen);
}

static int load(const uint8_t *buf, size_t len, uint8_t *own, const uint8_t *trust, int keep_bad,
                pol_Program **out, char *err, size_t errlen);
static int load_bytes(const uint8_t *buf, size_t len, uint8_t **own, const uint8_t *trust,
                      int keep_bad, pol_Program **out, char *err, size_t errlen);

int pol_bundle_load_ex(const uint8_t *buf, size_t len, const uint8_t *trust, int keep_bad,
                       pol_Program **out, char *err, size_t errlen)
{
  return load(buf, len, NULL, trust, keep_bad, out, err, errlen);
}

int pol_bundle_load_owned(uint8_t *buf, size_t len, const uint8_t *trust, int keep_bad,
                          pol_Program **out, char *err, size_t errlen)
{
  return load(buf, len, buf, trust, keep_bad, out, err, errlen);
}

/* pol_bundle_load_ex; own: buf itself, handed over (freed here on
   failure, else owned by the program as its strbuf), or NULL: borrowed. */
static int load(const uint8_t *buf, size_t len, uint8_t *own, const uint8_t *trust, int keep_bad,
                pol_Program **out, char *err, size_t errlen)
{
  int rc = load_bytes(buf, len, &own, trust, keep_bad, out, err, errlen);
  free(own);   /* NULL once a program took it */
  return rc;
}

/* *own: NULL, or buf itself, set to NULL once the program owns it. */
static int load_bytes(const uint8_t *buf, size_t len, uint8_t **own, const uint8_t *trust,
                      int keep_bad, pol_Program **out, char *err, size_t errlen)
{
  static const uint8_t magic[8] = {0x89, 'P', 'O', 'L', '\r', '\n', 0x1a, '\n'};
  *out = NULL;
  pol_errf(err, errlen, "%s", "");
  static const uint8_t none[1] = {0};
  if (!buf) { buf = none; len = 0; }
  if (len < sizeof magic && memcmp(buf, magic, len) == 0) {
    pol_errf(err, errlen, "truncated bundle: %zu bytes, the header needs 48", len);
    return -1;
  }
  if (len < sizeof magic || memcmp(buf, magic, sizeof magic) != 0) {
    pol_errf(err, errlen, len >= 4 && memcmp(buf, magic, 4) == 0
                      ? "not a bundle: bad magic (mangled by a text-mode transfer?)"
                      : "not a bundle: bad magic");
    return -1;
  }
  if (len < HEADER_LEN) {
    pol_errf(err, errlen, "truncated bundle: %zu bytes, the header needs 48", len);
    return -1;
  }
  unsigned major = buf[8] | (unsigned)buf[9] << 8;
  unsigned minor = buf[10] | (unsigned)buf[11] << 8;
  uint32_t flags = (uint32_t)buf[12] | (uint32_t)buf[13] << 8 | (uint32_t)buf[14] << 16 |
                   (uint32_t)buf[15] << 24;
  (void)minor;  /* a newer minor keeps the layout: accepted */
  if (major > POL_BUNDLE_MAJOR) {
    pol_errf(err, errlen, "bundle format %u.x is newer than this polvm (%d.x)", major, POL_BUNDLE_MAJOR);
    return -1;
  }
  if (major < POL_BUNDLE_MAJOR) {
    pol_errf(err, errlen, "bundle format %u.x is older than this polvm (%d.x); recompile it",
         major, POL_BUNDLE_MAJOR);
    return -1;
  }
  if (flags != 0) {
    pol_errf(err, errlen, "unknown bundle flags 0x%08x", flags);
    return -1;
  }
  size_t end = content_end(buf, len);
  uint8_t hash[32];
  pol_sha256(hash, buf + HEADER_LEN, end - HEADER_LEN);
  if (sodium_memcmp(hash, buf + HASH_AT, 32) != 0) {
    pol_errf(err, errlen, "content hash mismatch: bundle altered or corrupt");
    return -1;
  }

  /* The signature is checked before the content is parsed: with a trusted
     key, nothing unauthenticated is parsed at all. */
  int is_signed = end < len, valid = 0;
  const uint8_t *signer = is_signed ? buf + end + 8 : NULL;
  if (is_signed && sodium_init() < 0) {   /* only here: its CPU probe is not free */
    pol_errf(err, errlen, "libsodium failed to initialise");
    return -1;
  }
  if (is_signed)
    valid = crypto_sign_verify_detached(signer + POL_PUBKEY_LEN, hash, sizeof hash, signer) == 0;
  if (trust && check_trust(trust, is_signed, valid, signer, err, errlen) != 0) return -1;
  if (is_signed && !valid && (trust || !keep_bad)) {
    pol_errf(err, errlen, "bad signature: bundle altered after signing");
    return -1;
  }

  pol_Program *p = calloc(1, sizeof *p);
  if (!p) { pol_errf(err, errlen, "out of memory"); return -1; }
  int owned = *own != NULL;
  p->strbuf = (char *)*own;   /* freed with p from here on */
  *own = NULL;
  if (rd_sections(p, buf, end, owned, err, errlen) != 0) { pol_program_free(p); return -1; }
  if (is_signed) {
    p->sig = valid ? POL_SIG_VALID : POL_SIG_BAD;
    memcpy(p->signer, signer, POL_PUBKEY_LEN);
  }

  /* String constants point at their text; verify checks aux first. */
  for (uint32_t i = 0; i < p->nk; i++)
    if (p->k[i].tag == PV_STR) p->k[i].u.s = p->k[i].aux < p->nstr ? p->str[p->k[i].aux] : NULL;
  memcpy(p->sha256, hash, 32);

  if (pol_verify_loaded(p, err, errlen) != 0) { pol_program_free(p); return -1; }
  *out = p;
  return 0;
}

int pol_read_file(const char *path, uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
  *out = NULL;
  *outlen = 0;
  FILE *f = fopen(path, "rb");
  if (!f) { pol_errf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
  char *b;
  int e = pol_read_stream(f, POL_READ_NO_LIMIT, &b, outlen);
  fclose(f);
  if (e == ENOMEM) { pol_errf(err, errlen, "%s: out of memory", path); return -1; }
  if (e) { pol_errf(err, errlen, "%s: read error: %s", path, strerror(e)); return -1; }
  *out = (uint8_t *)b;
  return 0;
}
