/*
 * test_writer.c -- the fragment writer's appenders against the printf
 * formatting they replaced (docs/performance.md "The writer"): integers
 * (pol_buf_uint, pol_buf_int), decimals (pol_dec_format, pol_buf_dec),
 * dates (pol_format_date, pol_buf_date), the escapers (pol_buf_json_str,
 * pol_buf_json_strn, pol_buf_text_str) and the pre-escaped program strings
 * (pol_frag_json), byte for byte on many values, edge cases first, and a
 * buffer started in the caller's array (pol_buf_init_in).  The
 * references below are the code of before, kept here only as the oracle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytecode.h"
#include "frag.h"
#include "trace.h"
#include "value.h"

/* ---- the references: the printf formatting of before ------------------ */

static void old_dec_format(pol_Dec a, char *buf)
{
  uint64_t m = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
  uint64_t whole = m / (uint64_t)POL_DEC_SCALE, frac = m % (uint64_t)POL_DEC_SCALE;
  int n = snprintf(buf, POL_DEC_BUFSIZE, "%s%llu", a < 0 ? "-" : "", (unsigned long long)whole);
  if (frac) {
    char f[POL_DEC_DIGITS + 1];
    int fl = POL_DEC_DIGITS;
    snprintf(f, sizeof f, "%0*llu", POL_DEC_DIGITS, (unsigned long long)frac);
    while (f[fl - 1] == '0') fl--;
    snprintf(buf + n, POL_DEC_BUFSIZE - (size_t)n, ".%.*s", fl, f);
  }
}

static void old_format_date(int32_t days, char *buf)
{
  int y, m, d;
  pol_civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) { snprintf(buf, 11, "%s", "0000-00-00"); return; }
  snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

static int old_hidden_cp(uint32_t cp)
{
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

static uint32_t old_utf8_at(const unsigned char *p, int *len)
{
  uint32_t cp;
  int n;
  if (p[0] >= 0xc2 && p[0] <= 0xdf) { cp = p[0] & 0x1fu; n = 2; }
  else if (p[0] >= 0xe0 && p[0] <= 0xef) { cp = p[0] & 0x0fu; n = 3; }
  else if (p[0] >= 0xf0 && p[0] <= 0xf4) { cp = p[0] & 0x07u; n = 4; }
  else { *len = 0; return 0; }
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80) { *len = 0; return 0; }
    cp = cp << 6 | (p[i] & 0x3fu);
  }
  *len = n;
  return cp;
}

/* into a malloc'd string */
static char *old_json_str(const char *s)
{
  char *out = malloc(strlen(s) * 6 + 3), *o = out;
  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char ch = *p;
    int len;
    uint32_t cp;
    if (ch == '"' || ch == '\\') { *o++ = '\\'; *o++ = (char)ch; }
    else if (ch == '\n') { *o++ = '\\'; *o++ = 'n'; }
    else if (ch == '\t') { *o++ = '\\'; *o++ = 't'; }
    else if (ch == '\r') { *o++ = '\\'; *o++ = 'r'; }
    else if (ch < 0x20 || ch == 0x7f) { o += sprintf(o, "\\u%04x", ch); }
    else if (ch >= 0x80 && (cp = old_utf8_at(p, &len)) != 0 && old_hidden_cp(cp)) {
      o += sprintf(o, "\\u%04x", (unsigned)cp);
      p += len - 1;
    }
    else *o++ = (char)ch;
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

static char *old_text_str(const char *s)
{
  char *out = malloc(strlen(s) * 6 + 1), *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char ch = *p;
    int len = 1;
    uint32_t cp = 0;
    if (ch >= 0x80) cp = old_utf8_at(p, &len);
    if (ch == '\\') { *o++ = '\\'; *o++ = '\\'; }
    else if (ch == '\n') { *o++ = '\\'; *o++ = 'n'; }
    else if (ch == '\t') { *o++ = '\\'; *o++ = 't'; }
    else if (ch == '\r') { *o++ = '\\'; *o++ = 'r'; }
    else if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !len)) o += sprintf(o, "\\x%02x", ch);
    else if (ch >= 0x80 && old_hidden_cp(cp)) { o += sprintf(o, "\\u%04x", (unsigned)cp); p += len - 1; }
    else if (ch >= 0x80) { memcpy(o, p, (size_t)len); o += len; p += len - 1; }
    else *o++ = (char)ch;
  }
  *o = '\0';
  return out;
}

/* ---- a deterministic generator ---------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* ---- integers ----------------------------------------------------------- */

static void int_is(long long v)
{
  char want[32];
  snprintf(want, sizeof want, "%lld", v);
  pol_Buf b = {0};
  pol_buf_lit(&b, "<");
  pol_buf_int(&b, v);
  pol_buf_lit(&b, ">");
  char w[40];
  snprintf(w, sizeof w, "<%s>", want);
  assert_string_equal(b.s, w);
  if (v >= 0) {
    pol_buf_reset(&b);
    pol_buf_uint(&b, (unsigned long long)v);
    assert_string_equal(b.s, want);
  }
  pol_buf_free(&b);
}

static void test_integers(void **state)
{
  (void)state;
  static const long long edge[] = {0, 1, -1, 9, 10, -10, 99, 100, 4294967295LL, 4294967296LL,
                                   INT32_MIN, INT32_MAX, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) int_is(edge[i]);
  for (long long v = -2000; v <= 2000; v++) int_is(v);
  for (int i = 0; i < 100000; i++) int_is((long long)(next() >> (next() % 64)) * (i % 2 ? -1 : 1));
  pol_Buf b = {0};
  pol_buf_uint(&b, UINT64_MAX);
  assert_string_equal(b.s, "18446744073709551615");
  pol_buf_free(&b);
}

/* ---- decimals ------------------------------------------------------------ */

static void dec_is(pol_Dec a)
{
  char want[POL_DEC_BUFSIZE], got[POL_DEC_BUFSIZE];
  old_dec_format(a, want);
  size_t n = pol_dec_format(a, got);
  assert_string_equal(got, want);
  assert_int_equal(n, strlen(want));
  pol_Buf b = {0};
  pol_buf_dec(&b, a);
  assert_string_equal(b.s, want);
  pol_buf_free(&b);
}

static void test_decimals(void **state)
{
  (void)state;
  static const pol_Dec edge[] = {0, 1, -1, 10, 100000000, -100000000, 150000000, 100000001,
                                 123456780, 120000000, 100000010, 99999999, -99999999, 5,
                                 POL_DEC_MAX, POL_DEC_MIN, INT64_MIN, POL_DEC_MAX - 1,
                                 POL_DEC_MAX_INT * POL_DEC_SCALE, -POL_DEC_MAX_INT * POL_DEC_SCALE};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) dec_is(edge[i]);
  /* every count of trailing zeros, both signs */
  for (pol_Dec f = 1; f < POL_DEC_SCALE; f *= 10)
    for (pol_Dec w = 0; w < 3; w++) {
      dec_is(w * POL_DEC_SCALE + f);
      dec_is(-(w * POL_DEC_SCALE + f));
      dec_is(w * POL_DEC_SCALE + 7 * f);
    }
  for (pol_Dec v = -3000; v <= 3000; v++) {
    dec_is(v);
    dec_is(v * 1000000);
    dec_is(v * POL_DEC_SCALE);
  }
  for (int i = 0; i < 200000; i++) {
    pol_Dec v = (pol_Dec)(next() >> (next() % 64));
    dec_is(i % 2 ? v : -v);
  }
}

/* ---- dates --------------------------------------------------------------- */

static void date_is(int32_t days)
{
  char want[POL_DATE_BUFSIZE], got[POL_DATE_BUFSIZE];
  old_format_date(days, want);
  pol_format_date(days, got);
  assert_string_equal(got, want);
  pol_Buf b = {0};
  pol_buf_date(&b, days);
  assert_string_equal(b.s, want);
  assert_int_equal(b.n, POL_DATE_LEN);
  pol_buf_free(&b);
}

static void test_dates(void **state)
{
  (void)state;
  /* 0000-01-01 is day -719528, 9999-12-31 day 2932896 */
  static const int32_t edge[] = {0, -1, 1, -719528, -719529, -719527, 2932896, 2932897, 2932895,
                                 INT32_MIN / 2, INT32_MAX / 2, 11016, 10957, 10956};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) date_is(edge[i]);
  for (int32_t d = -719600; d <= 2933000; d += 13) date_is(d);
  for (int32_t d = -25567; d <= 47482; d++) date_is(d);   /* every day of 1900 .. 2099 */
}

/* ---- escapes ------------------------------------------------------------- */

static void escapes_are(const char *s)
{
  char *want = old_json_str(s);
  pol_Buf b = {0};
  pol_buf_lit(&b, "x");
  pol_buf_json_str(&b, s);
  assert_string_equal(b.s + 1, want);
  pol_buf_reset(&b);
  pol_buf_json_strn(&b, s, strlen(s));
  assert_string_equal(b.s, want);
  free(want);
  want = old_text_str(s);
  pol_buf_reset(&b);
  pol_buf_text_str(&b, s);
  assert_string_equal(b.s, want);
  free(want);
  pol_buf_free(&b);
}

static void test_escapes(void **state)
{
  (void)state;
  char s[8];
  /* every byte alone and between plain ones: all the control characters,
     DEL, the lead and continuation bytes alone (invalid UTF-8) */
  for (int c = 1; c < 256; c++) {
    s[0] = (char)c; s[1] = '\0';
    escapes_are(s);
    s[0] = 'a'; s[1] = (char)c; s[2] = 'b'; s[3] = '\0';
    escapes_are(s);
  }
  /* every two-byte sequence, and every three-byte one under the leads
     of the misleading code points, of their overlong forms (e0, f0: the
     escapers do not refuse those) and of their neighbours */
  for (int a = 0x80; a < 256; a++)
    for (int c = 1; c < 256; c++) {
      s[0] = (char)a; s[1] = (char)c; s[2] = '\0';
      escapes_are(s);
    }
  static const int leads[] = {0xe0, 0xe1, 0xe2, 0xe3, 0xee, 0xef, 0xf0};
  for (size_t l = 0; l < sizeof leads / sizeof leads[0]; l++)
    for (int a = 0x7f; a <= 0xc0; a++)
      for (int c = 0x7f; c <= 0xc0; c++) {
        s[0] = (char)leads[l]; s[1] = (char)a; s[2] = (char)c; s[3] = 'z'; s[4] = '\0';
        escapes_are(s);
        s[3] = '\0';
        escapes_are(s);
        s[3] = (char)0x80; s[4] = (char)a; s[5] = '\0';   /* four bytes */
        escapes_are(s);
      }
  /* all the misleading code points by name, and some that are not */
  static const char *const named[] = {
    "\xc2\x80", "\xc2\x9f", "\xc2\xa0", "\xd8\x9c", "\xd8\x9b", "\xe2\x80\x8b", "\xe2\x80\x8f",
    "\xe2\x80\x90", "\xe2\x80\xa8", "\xe2\x80\xae", "\xe2\x80\xaf", "\xe2\x81\xa0", "\xe2\x81\xa4",
    "\xe2\x81\xa5", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xef\xbb\xbf", "\xef\xbf\xb9", "\xef\xbf\xbb",
    "\xef\xbf\xbc", "\xf0\x9f\x98\x80", "caf\xc3\xa9 \"quoted\" back\\slash\ttab\r\n",
    "\xe0\x82\x80", "\xf0\x80\x82\x80", "\xf0\x82\x80\x8b", "\xe0\x98\x9c",
    "", "plain ascii only, nothing to escape at all: a longer run of bytes",
  };
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) escapes_are(named[i]);
  /* random strings over an alphabet rich in the interesting bytes */
  static const unsigned char alpha[] = {'a', 'Z', ' ', '"', '\\', '\n', '\t', '\r', 1, 0x1f, 0x7f,
                                        0x80, 0x8b, 0x9c, 0x9f, 0xa0, 0xa8, 0xbb, 0xbf, 0xb9,
                                        0xc2, 0xc3, 0xd8, 0xe2, 0xef, 0xf0, 0xf4, 0xf8, 0xff};
  char r[48];
  for (int i = 0; i < 200000; i++) {
    size_t n = next() % (sizeof r - 1);
    for (size_t k = 0; k < n; k++) r[k] = (char)alpha[next() % sizeof alpha];
    r[n] = '\0';
    escapes_are(r);
  }
}

/* pol_buf_json_strn stops at n, even inside a sequence */
static void test_json_strn(void **state)
{
  (void)state;
  pol_Buf b = {0};
  pol_buf_json_strn(&b, "ab\xe2\x80\x8b", 3);
  assert_string_equal(b.s, "\"ab\xe2\"");
  pol_buf_reset(&b);
  pol_buf_json_strn(&b, "\xe2\x80\x8bxyz", 3);
  assert_string_equal(b.s, "\"\\u200b\"");
  pol_buf_reset(&b);
  pol_buf_json_strn(&b, "q\"x", 2);
  assert_string_equal(b.s, "\"q\\\"\"");
  pol_buf_free(&b);
}

/* ---- fragments ------------------------------------------------------------ */

static void test_fragments(void **state)
{
  (void)state;
  static const char *const strs[] = {"plain", "", "a \"quoted\" \\ text\n", "\xe2\x80\xae" "rtl",
                                      "caf\xc3\xa9", "\x01\x7f"};
  enum { N = sizeof strs / sizeof strs[0] };
  pol_Program *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->nstr = N;
  p->str = calloc(N, sizeof *p->str);
  p->slen = calloc(N, sizeof *p->slen);
  for (uint32_t i = 0; i < N; i++) {
    p->str[i] = strdup(strs[i]);
    p->slen[i] = (uint32_t)strlen(strs[i]);
  }
  pol_Buf b = {0}, want = {0};
  for (int round = 0; round < 3; round++)   /* built, then copied */
    for (uint32_t i = 0; i < N; i++) {
      pol_buf_reset(&b);
      pol_buf_reset(&want);
      pol_buf_lit(&b, "[");
      pol_frag_json(&b, p, i);
      pol_buf_lit(&want, "[");
      pol_buf_json_str(&want, strs[i]);
      assert_string_equal(b.s, want.s);
      assert_int_equal(b.n, want.n);
    }
  pol_buf_free(&b);
  pol_buf_free(&want);
  pol_program_free(p);
}

/* A buffer started in the caller's array (pol_buf_init_in): no heap until it
   outgrows the array, then every byte of the array kept (cli/case_keys.c
   indexes such a buffer itself, b->n staying 0), and pol_buf_free leaves the
   array alone. */
static void test_buf_in(void **state)
{
  (void)state;
  char arr[8];
  pol_Buf b;
  pol_buf_init_in(&b, arr, sizeof arr);
  assert_ptr_equal(b.s, arr);
  assert_string_equal(b.s, "");
  pol_buf_lit(&b, "abcdef");
  assert_ptr_equal(b.s, arr);             /* 6 + NUL fit */
  pol_buf_lit(&b, "ghijklmnopqrstuvwxyz");
  assert_ptr_not_equal(b.s, arr);
  assert_string_equal(b.s, "abcdefghijklmnopqrstuvwxyz");
  assert_int_equal(b.n, 26);
  assert_memory_equal(arr, "abcdef", 7);  /* the array as it was */
  pol_buf_free(&b);                       /* frees the heap block only */
  assert_null(b.s);

  pol_buf_init_in(&b, arr, sizeof arr);   /* indexed by the caller */
  memcpy(b.s, "0123456", 8);
  pol_buf_reserve(&b, 100);
  assert_ptr_not_equal(b.s, arr);
  assert_true(b.cap >= 101);
  assert_memory_equal(b.s, "0123456", 8);
  pol_buf_free(&b);

  pol_buf_init_in(&b, arr, sizeof arr);   /* never outgrown: nothing freed */
  pol_buf_lit(&b, "xy");
  pol_buf_free(&b);
  assert_memory_equal(arr, "xy", 3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_integers),
    cmocka_unit_test(test_decimals),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_escapes),
    cmocka_unit_test(test_json_strn),
    cmocka_unit_test(test_fragments),
    cmocka_unit_test(test_buf_in),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
