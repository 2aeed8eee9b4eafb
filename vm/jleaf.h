/*
 * jleaf.h -- the leaves both fast readers share (internal; not part of
 * polvm.h): the case reader vm/jread.c, which walks a case's text, and the
 * FHIR fast path vm/fhir_fast.c + vm/fhir_tape.c, which walk a Bundle's
 * tape and the case tree built from it.  Each reader keeps its own
 * traversal; a value's bytes are checked and converted here, by the rules
 * of the reference (jansson's lexer for the text, vm/case.c for the
 * conversion), so both readers accept and fill alike.
 *
 * The checks (pol_jleaf_utf8_len, _escape, _number_end) take any bytes
 * [p, e).  The conversions take a value the caller's scan found valid.
 * The hot checks are static inline here; the rest is in jleaf.c.
 *
 * Ownership: every pointer is borrowed for the call; *buf (a scratch
 * buffer of *cap bytes, malloc'd) is the caller's, grown here, never
 * shrunk.
 */
#ifndef POL_JLEAF_H
#define POL_JLEAF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "case.h"
#include "value.h"

/* ---- the schema ------------------------------------------------------------ */

/* Is t a fact or field type the fast readers read (case.c's check_schema:
   anything else refuses every case, and the reference reports C0111)? */
int pol_jleaf_type_ok(const pol_Program *p, uint32_t t);

/* Does any record field or fact of p have a type (or string id, or scope)
   the fast readers do not read? Then they refuse every case. */
int pol_jleaf_schema_bad(const pol_Program *p);

/* Is each record field name once in its record (polc refuses a field
   declared twice, E0201; a bundle made otherwise is read with the
   first-match search)? */
int pol_jleaf_fields_once(const pol_Program *p);

/* ---- comparing keys ------------------------------------------------------------ */

/* Are a[0..n) and b[0..n) the same bytes?  For keys, which are short:
   cheaper than a call to memcmp, by words that overlap (the first and
   last 8, or 4, bytes; 8 at a time before the last 8). */
static inline int pol_jleaf_eq(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a, *y = b;
  if (n >= 8) {
    uint64_t u, v;
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&u, x + i, 8);
      memcpy(&v, y + i, 8);
      if (u != v) return 0;
    }
    memcpy(&u, x + n - 8, 8);
    memcpy(&v, y + n - 8, 8);
    return u == v;
  }
  if (n >= 4) {
    uint32_t u, v, s, t;
    memcpy(&u, x, 4);
    memcpy(&v, y, 4);
    memcpy(&s, x + n - 4, 4);
    memcpy(&t, y + n - 4, 4);
    return u == v && s == t;
  }
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return 0;
  return 1;
}

/* ---- checking text (phase 1, the tapes) ------------------------------------- */

static inline int pol_jleaf_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }

static inline int pol_jleaf_hexval(unsigned char ch)
{
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* The 4 hex digits at p as a number, or -1. */
static inline int pol_jleaf_hex4(const unsigned char *p, const unsigned char *e)
{
  if (e - p < 4) return -1;
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int h = pol_jleaf_hexval(p[i]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

/* A UTF-8 sequence at p (p[0] >= 0x80) as jansson's utf8_check_full takes
   it (no overlong forms, no surrogates, at most U+10FFFF): its length, or
   0. */
static inline size_t pol_jleaf_utf8_len(const unsigned char *p, const unsigned char *e)
{
  unsigned char c = p[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
  } else return 0;
  if ((size_t)(e - p) < n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return n;
}

/* The escape at p (a backslash in a string) as jansson's lexer takes it:
   \u0000 refused, a high surrogate only with a low one after it, a lone
   low surrogate refused.  Returns the byte after it, or NULL. */
static inline const unsigned char *pol_jleaf_escape(const unsigned char *p, const unsigned char *e)
{
  if (e - p < 2) return NULL;
  unsigned char ch = p[1];
  if (ch == 'u') {
    int v = pol_jleaf_hex4(p + 2, e);
    if (v < 0) return NULL;
    p += 6;
    if (v == 0) return NULL;                        /* \u0000: refused */
    if (v >= 0xDC00 && v <= 0xDFFF) return NULL;    /* a lone low surrogate */
    if (v >= 0xD800 && v <= 0xDBFF) {
      if (e - p < 6 || p[0] != '\\' || p[1] != 'u') return NULL;
      int w = pol_jleaf_hex4(p + 2, e);
      if (w < 0xDC00 || w > 0xDFFF) return NULL;
      p += 6;
    }
    return p;
  }
  if (ch == '"' || ch == '\\' || ch == '/' || ch == 'b' || ch == 'f' || ch == 'n' || ch == 'r' || ch == 't')
    return p + 2;
  return NULL;
}

/* Is the real s[0..n) (valid JSON number text) finite as strtod reads it? */
int pol_jleaf_real_finite(const unsigned char *s, size_t n, char **buf, size_t *cap);

/* The end of the number at p (p < e), checked as jansson's lexer and
   strtoll / strtod take it (integers within long long, reals finite), or
   NULL.  The byte after it is not looked at. */
static inline const unsigned char *pol_jleaf_number_end(const unsigned char *p, const unsigned char *e,
                                                       char **buf, size_t *cap)
{
  const unsigned char *start = p;
  int neg = 0, real = 0;
  if (*p == '-') { neg = 1; p++; }
  if (p >= e) return NULL;
  const unsigned char *d0 = p;
  if (*p == '0') {
    p++;
    if (p < e && pol_jleaf_digit(*p)) return NULL;
  } else if (pol_jleaf_digit(*p)) {
    while (p < e && pol_jleaf_digit(*p)) p++;
  } else {
    return NULL;
  }
  size_t ndig = (size_t)(p - d0);
  int has_exp = 0;
  if (p < e && *p == '.') {
    p++;
    if (p >= e || !pol_jleaf_digit(*p)) return NULL;
    while (p < e && pol_jleaf_digit(*p)) p++;
    real = 1;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || !pol_jleaf_digit(*p)) return NULL;
    while (p < e && pol_jleaf_digit(*p)) p++;
    real = has_exp = 1;
  }
  if (!real) {
    if (ndig < 19) return p;
    if (ndig > 19) return NULL;
    return memcmp(d0, neg ? "9223372036854775808" : "9223372036854775807", 19) > 0 ? NULL : p;
  }
  if (!has_exp && ndig < 300) return p;   /* below 1e300: finite */
  return pol_jleaf_real_finite(start, (size_t)(p - start), buf, cap) ? p : NULL;
}

/* ---- converting a valid value (phase 2), as case.c converts jansson's ----- */

/* The number at v (valid JSON number text; e bounds it, and the caller's
   scan found it valid): *is_int with *i, or the double *x, as jansson
   reads it.  Returns its end, or NULL (out of memory). */
/* strtod of s[0..n) (*x), through the NUL-terminated copy *buf: 0, or -1
   (out of memory). */
int pol_jleaf_strtod(const unsigned char *s, size_t n, char **buf, size_t *cap, double *x);

static inline const unsigned char *pol_jleaf_num_at(const unsigned char *v, const unsigned char *e, char **buf,
                                                    size_t *cap, int *is_int, int64_t *i, double *x)
{
  const unsigned char *p = v;
  int neg = *p == '-';
  if (neg) p++;
  uint64_t u = 0;
  while (p < e && pol_jleaf_digit(*p)) u = u * 10 + (uint64_t)(*p++ - '0');
  if (p == e || (*p != '.' && *p != 'e' && *p != 'E')) {
    *is_int = 1;
    *i = neg ? (int64_t)(0 - u) : (int64_t)u;   /* in range: checked by the scan */
    return p;
  }
  while (p < e && (pol_jleaf_digit(*p) || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')) p++;
  *is_int = 0;
  return pol_jleaf_strtod(v, (size_t)(p - v), buf, cap, x) ? NULL : p;
}

/* A real at v without an exponent, of at most 15 significant digits
   (DBL_DIG) and below 1e10: strtod gives the double nearest to it, and
   "%.15g" of that double is the same decimal value again, which is the
   first text pol_dec_from_double tries and takes; pol_dec_parse gives the
   same decimal for any text of the same value.  So the text itself is
   parsed, with no strtod and no snprintf.  Returns the end, or NULL when
   the number is not such a real (the caller takes the long way). */
static inline const unsigned char *pol_jleaf_short_real(const unsigned char *v, const unsigned char *e,
                                                      pol_Dec *d)
{
  const unsigned char *p = v;
  if (*p == '-') p++;
  const unsigned char *i0 = p;
  while (p < e && pol_jleaf_digit(*p)) p++;
  size_t nint = (size_t)(p - i0);
  if (p == e || *p != '.' || nint > 10) return NULL;
  p++;
  const unsigned char *f0 = p;
  while (p < e && pol_jleaf_digit(*p)) p++;
  if ((p < e && (*p == 'e' || *p == 'E')) || p - v > 32) return NULL;
  /* significant digits: from the first non-zero one to the end */
  const unsigned char *s0 = i0;
  while (s0 < p && (*s0 == '0' || *s0 == '.')) s0++;
  size_t sig = (size_t)(p - s0) - (s0 < f0 ? 1 : 0);   /* not the point */
  if (sig > 15) return NULL;
  return pol_dec_parse((const char *)v, (size_t)(p - v), 1, d) == POL_DEC_OK ? p : NULL;
}

/* pol_jleaf_num's long way: strtod, and pol_dec_from_double as case.c. */
const unsigned char *pol_jleaf_num_long(const unsigned char *v, const unsigned char *e, char **buf, size_t *cap,
                                        pol_Dec *d);

/* The number at v as a decimal (case.c's get_num: integers exactly, reals
   as pol_dec_from_double of strtod's double).  Returns its end, or NULL
   when refused. */
static inline const unsigned char *pol_jleaf_num(const unsigned char *v, const unsigned char *e, char **buf,
                                                 size_t *cap, pol_Dec *d)
{
  const unsigned char *sr = pol_jleaf_short_real(v, e, d);
  return sr ? sr : pol_jleaf_num_long(v, e, buf, cap, d);
}

/* A request line's "line" member, the number at v: an integer within
   int32_t (case.c's load_lines), 0 with *number, or -1. */
int pol_jleaf_line_number(const unsigned char *v, const unsigned char *e, char **buf, size_t *cap,
                          int32_t *number);

static inline int pol_jleaf_dig2(const unsigned char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

/* The common date form, b[0..10) "YYYY-MM-DD" with a day of at most 28
   (valid in any month): 1 with *d, or 0 (then ask pol_jleaf_date). */
static inline int pol_jleaf_ymd(const unsigned char *b, int32_t *d)
{
  if (b[4] == '-' && b[7] == '-' && pol_jleaf_digit(b[0]) && pol_jleaf_digit(b[1]) && pol_jleaf_digit(b[2]) &&
      pol_jleaf_digit(b[3]) && pol_jleaf_digit(b[5]) && pol_jleaf_digit(b[6]) && pol_jleaf_digit(b[8]) &&
      pol_jleaf_digit(b[9])) {
    int y = pol_jleaf_dig2(b) * 100 + pol_jleaf_dig2(b + 2), m = pol_jleaf_dig2(b + 5),
        dd = pol_jleaf_dig2(b + 8);
    if (y >= 1 && m >= 1 && m <= 12 && dd >= 1 && dd <= 28) {
      *d = pol_days_from_civil(y, m, dd);
      return 1;
    }
  }
  return 0;
}

/* A date string's decoded body s[0..n) (case.c's get_date): 0 with *d, or
   -1. */
int pol_jleaf_date(const char *s, size_t n, int32_t *d);

/* A string's decoded body s[0..n) (case.c's get_str): at most
   POL_CASE_MAX_STR bytes; *out is p's string when c interns it (*id its
   id), else a NUL-terminated copy in c's arena (*id POL_NOSTR).  0, or -1
   (too long, out of memory). */
static inline int pol_jleaf_str(pol_Case *c, const pol_Program *p, const char *s, size_t n, const char **out,
                                uint32_t *id)
{
  if (n > POL_CASE_MAX_STR) return -1;
  *id = pol_case_intern_n(c, s, n);
  if (*id != POL_NOSTR) {
    *out = p->str[*id];
    return 0;
  }
  char *t = pol_case_fill_alloc(c, n + 1, 1);
  if (!t) return -1;
  memcpy(t, s, n);
  t[n] = '\0';
  *out = t;
  return 0;
}

#endif
