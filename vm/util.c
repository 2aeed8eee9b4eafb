/*
 * util.c -- the one growable char buffer and the one read-whole-file
 * loop (util.h).
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POL_BUF_FIRST_CAP 1024    /* bytes at the first allocation */
#define POL_READ_FIRST_CAP 65536  /* bytes read at first */

void pol_buf_grow(pol_Buf *b, size_t more)
{
  if (b->n + more + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : POL_BUF_FIRST_CAP;
  while (cap < b->n + more + 1) cap *= 2;
  int in_arr = b->s && b->s == b->inl;
  char *s = in_arr ? malloc(cap) : realloc(b->s, cap);
  if (!s) { fputs("out of memory\n", stderr); abort(); }
  if (in_arr) memcpy(s, b->s, b->cap);   /* all of it: a caller may index it itself */
  if (!b->s) s[0] = '\0';
  b->s = s;
  b->cap = cap;
}

void pol_buf_init_in(pol_Buf *b, char *arr, size_t cap)
{
  *b = (pol_Buf){arr, 0, cap, arr};
  arr[0] = '\0';
}

void pol_buf_reset(pol_Buf *b) { b->n = 0; if (b->s) b->s[0] = '\0'; }
void pol_buf_free(pol_Buf *b)
{
  if (b->s != b->inl) free(b->s);
  *b = (pol_Buf){0};
}

#define POL_U64_DIGITS 20   /* decimal digits of UINT64_MAX */

void pol_buf_uint(pol_Buf *b, unsigned long long v)
{
  char tmp[POL_U64_DIGITS];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  pol_buf_put(b, tmp + i, sizeof tmp - i);
}

void pol_buf_int(pol_Buf *b, long long v)
{
  if (v < 0) {
    pol_buf_putc(b, '-');
    pol_buf_uint(b, 0ull - (unsigned long long)v);   /* LLONG_MIN too */
  } else {
    pol_buf_uint(b, (unsigned long long)v);
  }
}

void pol_buf_printf(pol_Buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  pol_buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)n;
}

int pol_read_stream(FILE *f, size_t limit, char **out, size_t *len)
{
  size_t n = 0, cap = 0;   /* cap: room for data; one more byte for the NUL */
  char *b = NULL;
  int e = 0;
  *out = NULL;
  *len = 0;
  while (n <= limit) {
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : POL_READ_FIRST_CAP;
      if (ncap > limit + 1) ncap = limit + 1;
      char *nb = realloc(b, ncap + 1);
      if (!nb) { e = ENOMEM; break; }
      b = nb;
      cap = ncap;
    }
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) e = errno ? errno : EIO;
      break;
    }
  }
  if (e) { free(b); return e; }
  b[n] = '\0';
  *out = b;
  *len = n;
  return 0;
}
