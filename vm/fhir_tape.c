/*
 * fhir_tape.c -- the tape of a Bundle's text (fhir_tape.h).
 *
 * The rules are pol_jread_tape's (vm/jread.c), which are pol_case_parse's
 * (jansson with JSON_REJECT_DUPLICATES): UTF-8 as jansson checks it,
 * escapes (\u0000 refused, surrogates paired), integers within long long,
 * reals finite, at most POL_CASE_MAX_DEPTH levels, at most
 * POL_CASE_MAX_BYTES, a single NUL byte after a number or a literal
 * ignored; plus pol_jread_tape's own refusals: an escaped key, an object
 * of more than FT_MAX_KEYS keys.  Only the way of checking differs (see
 * the header); the checks of a value's bytes are vm/jleaf.h's, as jread.c's.
 */
#include "fhir_tape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "jleaf.h"

/* SSE2 (always there on x86-64), else the portable path; the portable
   one is built on x86-64 too by defining POL_FHIR_TAPE_SCALAR (the unit
   test and fuzz_fhir check both). */
#if defined(__SSE2__) && !defined(POL_FHIR_TAPE_SCALAR)
#define FT_SSE2 1
#include <emmintrin.h>
#else
#define FT_SSE2 0
#endif

#define FT_MAX_KEYS 64u   /* pol_jread_tape's 4 * LINEAR_KEYS */

/* The scanner's helpers are inlined into its one loop, so that it makes no
   call on its paths (a call would put its state on the stack). */
#if defined(__GNUC__)
#define FT_INLINE inline __attribute__((always_inline))
#else
#define FT_INLINE inline
#endif

/* An open object or array: its tape entry, and the state of the container
   it is in (the current container's state lives in locals of
   pol_fhir_tape, in registers: saved here when a child opens, restored
   when it closes). */
typedef struct Level {
  uint32_t at;
  uint32_t ko;            /* the enclosing container's keys so far, twice, + 1 when an object */
} Level;

struct pol_FhirTape {
  pol_JTape *t;
  uint32_t *next;         /* next[j]: the entry after j and its descendants */
  size_t n, cap, ncap;
  char *tmp;
  size_t tcap;
};

pol_FhirTape *pol_fhir_tape_new(void) { return calloc(1, sizeof(pol_FhirTape)); }

void pol_fhir_tape_free(pol_FhirTape *s)
{
  if (!s) return;
  free(s->t);
  free(s->next);
  free(s->tmp);
  free(s);
}

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *b = realloc(*buf, n * size);
  if (!b) return -1;
  *buf = b;
  *cap = n;
  return 0;
}

typedef const unsigned char *Ptr;

static inline Ptr ws(Ptr p, Ptr e)
{
  /* JSON's white space by a table, not by a mask of 33 bits that gcc
     would keep in a register over the whole loop */
  static const unsigned char white[256] = {['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1};
  while (p < e && white[*p]) p++;
  return p;
}

/* The first byte at or after p that needs a look (quote, backslash, a
   control byte, a byte >= 0x80), or e. */
static FT_INLINE Ptr plain_run(Ptr p, Ptr e)
{
#if FT_SSE2
  const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* signed: bytes >= 0x80 are negative, so below 0x20 too */
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)), _mm_cmplt_epi8(x, sp));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask) return p + __builtin_ctz(mask);
    p += 16;
  }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  while (e - p >= 8) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t qx = x ^ (ones * '"'), bx = x ^ (ones * '\\');
    uint64_t m = (((qx - ones) & ~qx) | ((bx - ones) & ~bx) | (x - ones * 0x20) | x) & high;
    if (m) return p + (__builtin_ctzll(m) >> 3);   /* the lowest flagged byte is exact */
    p += 8;
  }
#endif
  while (p < e && !(*p < 0x20 || *p == '"' || *p == '\\' || *p >= 0x80)) p++;
  return p;
}

/* A string's end: its closing quote (NULL: not a valid string), and
   whether it had escapes; returned in registers, not through memory. */
typedef struct SEnd { Ptr q; uint32_t esc; } SEnd;   /* esc: 0 or POL_JTAPE_ESC */

/* p just past an opening quote (or further inside a string without escapes
   so far). */
static FT_INLINE SEnd string_end(Ptr p, Ptr e)
{
  uint32_t esc = 0;
  for (;;) {
    p = plain_run(p, e);
    if (p >= e) return (SEnd){NULL, esc};
    unsigned char ch = *p;
    if (ch == '"') return (SEnd){p, esc};
    if (ch < 0x20) return (SEnd){NULL, esc};
    if (ch >= 0x80) {
      size_t n = pol_jleaf_utf8_len(p, e);
      if (!n) return (SEnd){NULL, esc};
      p += n;
      continue;
    }
    esc = POL_JTAPE_ESC;
    p = pol_jleaf_escape(p, e);
    if (!p) return (SEnd){NULL, esc};
  }
}


/* Is key k (len bytes) already a key of the object whose entry is t[at],
   among its members before entry `before` (every value complete, so a
   container's aux is its end)? */
static int dup_key(const pol_JTape *t, uint32_t at, size_t before, const unsigned char *b, Ptr k, uint32_t len)
{
  for (size_t i = at + 1; i < before;) {
    if (t[i].aux == len && memcmp(b + t[i].off + 1, k, len) == 0) return 1;
    unsigned char c = b[t[i + 1].off];
    i = c == '{' || c == '[' ? t[i + 1].aux : i + 2;
  }
  return 0;
}

/* A key's bit in the filter of its object's keys: the length and the last
   byte (len 0: the opening quote), at b[off + len]. */
static inline uint64_t key_bit(const unsigned char *b, const pol_JTape *k)
{
  return 1ull << ((k->aux * 4u + b[k->off + k->aux]) & 63);
}

/* May the closed object t[at] (3 to FT_MAX_KEYS keys, its members
   t[at + 1 .. t[at].aux), next[] written for its values) have two equal
   keys: do two share a bit of key_bit?  Checked when it closes, not key
   by key, so that the scanner's loop keeps no filter of its keys (most of
   a Bundle's objects have one or two keys; two are compared inline).  A
   leaf (no registers to save): the pairwise search is dup_keys'. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int keys_clash(const pol_JTape *t, const uint32_t *nx, uint32_t at, const unsigned char *b)
{
  uint64_t filter = 0;
  for (uint32_t i = at + 1, end = t[at].aux; i < end; i = nx[i + 1]) {
    uint64_t bit = key_bit(b, &t[i]);
    if (filter & bit) return 1;
    filter |= bit;
  }
  return 0;
}

/* Has the closed object t[at] two equal keys (keys_clash said it may)?
   The filter again, and the pairwise search for a key whose bit was
   there. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int dup_keys(const pol_JTape *t, const uint32_t *nx, uint32_t at, const unsigned char *b)
{
  uint64_t filter = 0;
  for (uint32_t i = at + 1, end = t[at].aux; i < end; i = nx[i + 1]) {
    uint64_t bit = key_bit(b, &t[i]);
    if ((filter & bit) && dup_key(t, at, i, b, b + t[i].off + 1, t[i].aux)) return 1;
    filter |= bit;
  }
  return 0;
}

/* A literal at p (true, false, null: w of n bytes): its end, or NULL. */
static inline Ptr lit_end(Ptr p, Ptr e, const char *w, size_t n)
{
  if ((size_t)(e - p) < n || memcmp(p, w, n) != 0) return NULL;
  return p + n;
}

#if FT_SSE2
/* The bytes of the 16 at p that need a look in a string (quote,
   backslash, control, >= 0x80), as bits. */
static inline unsigned special16(Ptr p, __m128i q, __m128i bs, __m128i sp)
{
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
#if defined(__GNUC__)
  __asm__("" : "+x"(sp));   /* gcc would turn sp > x into !(x > sp - 1): two compares */
#endif
  /* signed: bytes >= 0x80 are negative, so below 0x20 too (sp > x: one
     compare, where x < sp is compiled as two) */
  __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)), _mm_cmpgt_epi8(sp, x));
  return (unsigned)_mm_movemask_epi8(m);
}

/* The index of the lowest bit of m (m != 0), unsigned (no sign extension
   when added to a pointer). */
static inline unsigned low_bit(unsigned m) { return (unsigned)__builtin_ctz(m); }
#endif

int pol_fhir_tape(pol_FhirTape *s, const char *text, size_t len, const pol_JTape **tape, size_t *n)
{
  if (len == 0 || len > POL_CASE_MAX_BYTES || len >= POL_JTAPE_ESC) return -1;
  /* room for every entry at once: each entry takes at least 2 bytes of
     the text (a value and its separator or closing bracket, or the root's
     braces) */
  if (grow((void **)&s->t, &s->cap, len / 2 + 2, sizeof *s->t) ||
      grow((void **)&s->next, &s->ncap, len / 2 + 2, sizeof *s->next))
    return -1;
  const unsigned char *b = (const unsigned char *)text;
  Ptr p = b, e = b + len;
  pol_JTape *t = s->t;
  uint32_t *nx = s->next;
  size_t nt = 0;
  Level lv[POL_CASE_MAX_DEPTH + 1];
  Level *L = lv;   /* the next free level: L - lv containers are open */
  /* the innermost open container: its keys so far, twice, plus 1 when it
     is an object (ko) */
  uint32_t ko = 0;
  Ptr q;           /* a string's closing quote */
  uint32_t esc;    /* ... its escape flag, 0 or POL_JTAPE_ESC */
  Ptr v;           /* inside a string */
#if FT_SSE2
  /* the last place 16 bytes can be read from (any pointer inside the
     text is after it when the text is shorter) */
  Ptr e16 = len > 16 ? e - 16 : b;
  const __m128i cq = _mm_set1_epi8('"'), cbs = _mm_set1_epi8('\\'), csp = _mm_set1_epi8(0x20);
#endif
  /* at least 2 bytes from x on: by one compare with e16 mostly (x < e16
     only in a text of more than 16 bytes) */
#if FT_SSE2
#define ROOM2(x) ((x) < e16 || e - (x) >= 2)
#else
#define ROOM2(x) (e - (x) >= 2)
#endif
  p = ws(p, e);
  if (p >= e || *p != '{') return -1;

value:   /* p at a value (ws skipped) */
  if (p >= e) return -1;
  if (*p == '"') goto string;   /* the most common value, before the switch */
  switch (*p) {
  case '{':
  open_obj:   /* p at an object's opening brace */
    if (L == lv + POL_CASE_MAX_DEPTH) return -1;
    *L++ = (Level){(uint32_t)nt, ko};
    ko = 1;
    t[nt++] = (pol_JTape){(uint32_t)(p - b), 0};   /* next[]: when it closes */
    p++;
    if (p < e && *p == '"') goto key_q;   /* its first key */
    if (p < e && *p <= ' ') p = ws(p, e);
    if (p < e && *p == '}') {
      p++;
      goto close;
    }
    goto key;
  case '[':
  open_arr:   /* p at an array's opening bracket */
    if (L == lv + POL_CASE_MAX_DEPTH) return -1;
    *L++ = (Level){(uint32_t)nt, ko};
    ko = 0;
    t[nt++] = (pol_JTape){(uint32_t)(p - b), 0};
    p++;
    if (p < e && *p == '"') goto string;   /* its first string */
    if (p < e && *p == '{') goto open_obj;   /* its first object: [{ */
    if (p < e && *p <= ' ') p = ws(p, e);
    if (p < e && *p == ']') {
      p++;
      goto close;
    }
    goto value;
  case '"':
  string: {   /* p at a string value's opening quote */
    v = p + 1;
#if FT_SSE2
  string_at:   /* ... v inside it, the bytes before v plain */
    if (v <= e16) {   /* plain 16-byte blocks inline; the rest in string_end */
      unsigned m = special16(v, cq, cbs, csp);
      while (!m) {
        v += 16;
        if (v > e16) goto string_slow;
        m = special16(v, cq, cbs, csp);
      }
      v += low_bit(m);
      if (*v == '"') {
        q = v;
        esc = 0;
        goto string_done;
      }
    }
  string_slow:
#endif
    {
      SEnd se = string_end(v, e);
      q = se.q;
      esc = se.esc;
      if (!q) return -1;
      goto string_done;   /* (the label is used by the SSE2 path too) */
    }
  string_done:
    nx[nt] = (uint32_t)nt + 1;
    t[nt++] = (pol_JTape){(uint32_t)(p - b), (uint32_t)(q - p - 1) | esc};
    p = q + 1;
    goto after;
  }
  case 't':
  case 'f':
  case 'n': {
    Ptr r = *p == 't' ? lit_end(p, e, "true", 4) : *p == 'f' ? lit_end(p, e, "false", 5) : lit_end(p, e, "null", 4);
    if (!r) return -1;
    nx[nt] = (uint32_t)nt + 1;
    t[nt++] = (pol_JTape){(uint32_t)(p - b), 0};
    p = r;
    if (p < e && *p == '\0') p++;   /* jansson ignores one NUL after a literal */
    goto after;
  }
  default: {
    if (*p != '-' && !pol_jleaf_digit(*p)) return -1;
    Ptr r = pol_jleaf_number_end(p, e, &s->tmp, &s->tcap);
    if (!r) return -1;
    nx[nt] = (uint32_t)nt + 1;
    t[nt++] = (pol_JTape){(uint32_t)(p - b), 0};
    p = r;
    if (p < e && *p == '\0') p++;   /* and after a number */
    goto after;
  }
  }

key: {   /* p at an object's key (ws skipped) */
    if (p >= e || *p != '"') return -1;
  key_q:;   /* p at a key's opening quote */
    Ptr k = p + 1;
#if FT_SSE2
    if (k <= e16) {   /* a key within 16 bytes, inline */
      unsigned m = special16(k, cq, cbs, csp);
      if (m) {
        q = k + low_bit(m);
        if (*q == '"') {
          uint32_t klen = (uint32_t)(q - k);
          ko += 2;   /* duplicates and the FT_MAX_KEYS limit: when it closes */
          t[nt++] = (pol_JTape){(uint32_t)(p - b), klen};
          /* "key":"string" reads the string's first bytes from the
             key's block (m), past its opening quote (bit klen + 3).  q
             may be the block's last or last but one byte, and the block
             may end the text: q[1] and q[2] are read only when before e */
          if (ROOM2(q + 1) && memcmp(q + 1, ":\"", 2) == 0) {   /* one 16-bit compare */
            p = q + 2;
            unsigned rest = m >> (klen + 3);   /* klen + 3 <= 18: defined */
            if (!rest) {   /* the block's bytes after the quote are plain */
              v = klen <= 13 ? k + 16 : q + 3;
              goto string_at;
            }
            v = q + 3 + low_bit(rest);
            if (*v == '"') {
              q = v;
              esc = 0;
              goto string_done;
            }
            goto string_slow;
          }
          p = q + 1;
          goto key_colon;
        }
      }
    }
#endif
    {
      SEnd se = string_end(k, e);
      q = se.q;
      if (!q || se.esc) return -1;   /* an escaped key: the reference path */
      goto key_done;
    }
  key_done:;
    uint32_t klen = (uint32_t)(q - k);
    ko += 2;   /* duplicates and the FT_MAX_KEYS limit: when the object closes */
    t[nt++] = (pol_JTape){(uint32_t)(p - b), klen};   /* a key's next[] is not written (no reader asks) */
    p = q + 1;
    goto key_colon;   /* (the label is used by the SSE2 path too) */
  key_colon:   /* p just past a key */
    if (ROOM2(p) && *p == ':') {   /* compact: "key":"string", "key":{, "key":[ */
      unsigned char c1 = p[1];
      p++;
      if (c1 == '"') goto string;
      if (c1 == '{') goto open_obj;
      if (c1 == '[') goto open_arr;
      if (c1 <= ' ') p = ws(p, e);
      goto value;
    }
    if (p < e && *p != ':') p = ws(p, e);
    if (p >= e || *p != ':') return -1;
    p++;
    if (p < e && *p <= ' ') p = ws(p, e);
    goto value;
  }

after:   /* just past a value inside a container */
  if ((ko & 1) && ROOM2(p) && memcmp(p, ",\"", 2) == 0) {   /* compact: the next key (one 16-bit compare) */
    p++;
    goto key_q;
  }
  if (p >= e) return -1;
  if (*p == ',') {
    p++;
    if (ko & 1) {
      if (p < e && *p == '"') goto key_q;   /* compact: the next key */
      if (p < e && *p <= ' ') p = ws(p, e);
      goto key;
    }
    if (p < e && *p == '{') goto open_obj;   /* compact: the next object of an array */
    if (p < e && *p <= ' ') p = ws(p, e);
    goto value;
  }
  if (*p != ((ko & 1) ? '}' : ']')) {   /* white space, then a comma or the closing bracket */
    if (*p > ' ') return -1;
    p = ws(p, e);
    if (p < e && (*p == ',' || *p == ((ko & 1) ? '}' : ']'))) goto after;
    return -1;
  }
  p++;

close:   /* the container L[-1] has just ended */
  L--;
  t[L->at].aux = nx[L->at] = (uint32_t)nt;
  if (ko >= 5) {   /* an object of two keys or more: none twice, at most FT_MAX_KEYS */
    if (ko > 2 * FT_MAX_KEYS + 1) return -1;
    if (ko == 5) {   /* two: t[at + 1] and the key after its value */
      uint32_t k1 = L->at + 1, k2 = nx[k1 + 1];
      if (t[k1].aux == t[k2].aux && pol_jleaf_eq(b + t[k1].off + 1, b + t[k2].off + 1, t[k1].aux)) return -1;
    } else if (keys_clash(t, nx, L->at, b) && dup_keys(t, nx, L->at, b)) {
      return -1;
    }
  }
  ko = L->ko;
  if (L > lv) {
    if (p < e && *p == ((ko & 1) ? '}' : ']')) {   /* compact: the enclosing container ends too */
      p++;
      goto close;
    }
    goto after;
  }
  p = ws(p, e);
  if (p != e) return -1;
  s->n = nt;
  *tape = t;
  *n = nt;
  return 0;
}

#undef ROOM2

const uint32_t *pol_fhir_tape_next(const pol_FhirTape *s) { return s->next; }
