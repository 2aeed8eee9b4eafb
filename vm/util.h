/*
 * util.h -- small utilities shared by the compiler and the VM, written once.
 * The hashes and the UTF-8 check are static inline (a few lines, used on
 * hot paths); the growable buffer lives in util.c.
 */
#ifndef POL_UTIL_H
#define POL_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* FNV-1a over s[0..n).  Borrowed s. */
static inline uint32_t pol_fnv1a(const void *s, size_t n)
{
  const unsigned char *b = s;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

/* FNV-1a over the NUL-terminated s (the same value as over its bytes). */
static inline uint32_t pol_fnv1a_str(const char *s)
{
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* A hash over s[0..n) 8 bytes a step, mixed with seed (a scope, or 0):
   for tables looked up on hot paths where it need only spread well (the
   case's intern table, vm/case.c; the case-key index, cli/case_keys.c); a
   collision costs a compare, never a wrong answer.  The 0 to 7 bytes left
   after the words are all in the last word, with no memcpy call.
   Borrowed s. */
static inline uint32_t pol_hash_words(uint32_t seed, const char *s, size_t n)
{
  uint64_t h = (0x9e3779b97f4a7c15u ^ n) + seed, w;
  size_t i = 0;
  for (; n - i >= 8; i += 8) {
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
  }
  size_t r = n - i;
  if (r >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, s + i, 4);
    memcpy(&hi, s + i + r - 4, 4);
    w = lo | (uint64_t)hi << 32;
  } else if (r > 0) {
    const unsigned char *u = (const unsigned char *)s + i;
    w = u[0] | (uint64_t)u[r / 2] << 8 | (uint64_t)u[r - 1] << 16;
  } else {
    w = 0;
  }
  h = (h ^ w) * 0xff51afd7ed558ccdu;
  h ^= h >> 29;
  return (uint32_t)h;
}

/* Index of the first byte of s[0..n) that is not valid UTF-8 (a NUL, an
   overlong form, a surrogate, beyond U+10FFFF, a cut sequence), or n if
   all are valid.  Borrowed s. */
static inline size_t pol_utf8_check(const uint8_t *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    /* ASCII without NUL, 8 bytes at a time (a bundle's strings are mostly
       that): no byte with its high bit set, and none zero */
    while (n - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080u) || ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u)) break;
      i += 8;
    }
    if (i == n) break;
    uint8_t b = s[i];
    if (b == 0) return i;
    if (b < 0x80) { i++; continue; }
    size_t need;
    uint32_t cp, min;
    if ((b & 0xe0) == 0xc0) { need = 1; cp = b & 0x1fu; min = 0x80; }
    else if ((b & 0xf0) == 0xe0) { need = 2; cp = b & 0x0fu; min = 0x800; }
    else if ((b & 0xf8) == 0xf0) { need = 3; cp = b & 0x07u; min = 0x10000; }
    else return i;
    if (need > n - i - 1) return i;
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = cp << 6 | (s[i + k] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

/* A growable NUL-terminated char buffer: the one used by the trace and
   output renderers, polc fmt and polc doc.  {0} is empty; s is
   owned by the buffer (pol_buf_free).  Out of memory aborts. */
typedef struct pol_Buf {
  char *s;
  size_t n, cap;
  char *inl;    /* the caller's array s starts in (pol_buf_init_in), or NULL */
} pol_Buf;

/* b starts empty in the caller's array arr[cap] (cap >= 1) and moves to the
   heap only when it outgrows it: no allocation for the common short text. */
void pol_buf_init_in(pol_Buf *b, char *arr, size_t cap);
void pol_buf_grow(pol_Buf *b, size_t more);      /* pol_buf_reserve's slow path */
void pol_buf_reset(pol_Buf *b);
void pol_buf_free(pol_Buf *b);
void pol_buf_printf(pol_Buf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* The appenders of the writers (docs/performance.md "The writer"): inline,
   so a literal's length is known at compile time and the common case is a
   compare and a memcpy.  No printf family: the traces and `polvm eval`
   write every byte through these, pol_buf_uint / pol_buf_int,
   pol_buf_dec (decimal.h), pol_buf_date (value.h), the escapers of
   trace.h and the bundle's fragments (frag.h). */

/* Room for more bytes and the NUL after them; allocates s. */
static inline void pol_buf_reserve(pol_Buf *b, size_t more)
{
  if (b->n + more + 1 > b->cap) pol_buf_grow(b, more);
}

static inline void pol_buf_put(pol_Buf *b, const char *s, size_t n)
{
  pol_buf_reserve(b, n);
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static inline void pol_buf_puts(pol_Buf *b, const char *s)
{
  pol_buf_put(b, s, strlen(s));   /* a literal's strlen folds */
}

static inline void pol_buf_putc(pol_Buf *b, char c) { pol_buf_put(b, &c, 1); }

/* A string literal: its length from sizeof. */
#define pol_buf_lit(b, lit) pol_buf_put((b), "" lit, sizeof(lit) - 1)

/* Integers in decimal, as printf's %llu / %lld write them. */
void pol_buf_uint(pol_Buf *b, unsigned long long v);
void pol_buf_int(pol_Buf *b, long long v);

/* The one read-whole-file loop: reads f to its end, keeping at most
   limit + 1 bytes (*len > limit says the input is larger than limit,
   without reading the rest; POL_READ_NO_LIMIT for none).  *out is
   malloc'd (owned by the caller) and NUL-terminated after its *len bytes.
   0, or an errno value (ENOMEM, the read error) with *out NULL.  The
   caller opens and closes f. */
#define POL_READ_NO_LIMIT ((size_t)-1 / 2)
int pol_read_stream(FILE *f, size_t limit, char **out, size_t *len);

#endif
