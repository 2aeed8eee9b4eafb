/*
 * decimal.c -- exact decimal numbers (decimal.h): parsing, printing,
 * arithmetic with range checks and half-even rounding.
 *
 * Products and quotients are computed in 128 bits (a GCC and Clang
 * extension; every compiler the Makefile knows has it), so nothing is lost
 * before the one rounding step.
 */
#include "decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __SIZEOF_INT128__
#error "decimal.c needs a compiler with __int128 (GCC or Clang)"
#endif
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* Exponents beyond this only ever mean "zero" or "out of range". */
#define EXP_CLAMP 100000L

static int in_range(i128 v) { return v >= POL_DEC_MIN && v <= POL_DEC_MAX; }

static pol_DecStatus put(i128 v, pol_Dec *out)
{
  if (!in_range(v)) return POL_DEC_RANGE;
  *out = (pol_Dec)v;
  return POL_DEC_OK;
}

pol_DecStatus pol_dec_of_int(int64_t i, pol_Dec *out)
{
  return put((i128)i * POL_DEC_SCALE, out);
}

pol_DecStatus pol_dec_add(pol_Dec a, pol_Dec b, pol_Dec *out) { return put((i128)a + b, out); }
pol_DecStatus pol_dec_sub(pol_Dec a, pol_Dec b, pol_Dec *out) { return put((i128)a - b, out); }

/* n / d rounded to the nearest whole number, ties to even; d > 0. */
static i128 div_half_even(i128 n, i128 d)
{
  int neg = n < 0;
  u128 m = neg ? (u128)0 - (u128)n : (u128)n, ud = (u128)d;
  u128 q = m / ud, r = m % ud;
  if (r > ud - r || (r == ud - r && (q & 1))) q++;
  /* |n| < 2^126 here, so q fits an i128 whatever its sign */
  return neg ? -(i128)q : (i128)q;
}

pol_DecStatus pol_dec_mul(pol_Dec a, pol_Dec b, pol_Dec *out)
{
  return put(div_half_even((i128)a * b, POL_DEC_SCALE), out);
}

pol_DecStatus pol_dec_div(pol_Dec a, pol_Dec b, pol_Dec *out)
{
  if (b == 0) return POL_DEC_RANGE;   /* callers never ask; never crash */
  i128 n = (i128)a * POL_DEC_SCALE, d = b;
  if (d < 0) { n = -n; d = -d; }
  return put(div_half_even(n, d), out);
}

pol_DecStatus pol_dec_floor(pol_Dec a, pol_Dec *out)
{
  i128 q = a / POL_DEC_SCALE;   /* toward zero */
  if (a % POL_DEC_SCALE < 0) q--;
  return put(q * POL_DEC_SCALE, out);
}

/* ---- text ------------------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

pol_DecStatus pol_dec_parse(const char *s, size_t len, int round, pol_Dec *out)
{
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  /* the digits: s[i0 .. i1) before the point, s[f0 .. f1) after it */
  size_t i0 = i;
  while (i < len && is_digit(s[i])) i++;
  size_t i1 = i, f0 = i, f1 = i;
  if (i < len && s[i] == '.') {
    f0 = ++i;
    while (i < len && is_digit(s[i])) i++;
    f1 = i;
    if (f1 == f0) return POL_DEC_SYNTAX;
  }
  if (i1 == i0 && f1 == f0) return POL_DEC_SYNTAX;
  long exp = 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    int eneg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    size_t e0 = i;
    for (; i < len && is_digit(s[i]); i++)
      if (exp < EXP_CLAMP) exp = exp * 10 + (s[i] - '0');
    if (i == e0) return POL_DEC_SYNTAX;
    if (eneg) exp = -exp;
  }
  if (i != len) return POL_DEC_SYNTAX;

  /* The digits, read as one integer D, give the scaled value
     D * 10^shift: the digit k places from the right of D weighs
     10^(k + shift) in hundred-millionths.  Those of weight >= 1 make the
     whole part of the scaled value; the one of weight 1/10 and the rest
     (sticky) decide the rounding. */
  size_t ndig = (i1 - i0) + (f1 - f0);
  long shift = exp - (long)(f1 - f0) + POL_DEC_DIGITS;
  u128 acc = 0;
  int rdigit = 0, sticky = 0, dropped = 0;
  for (size_t k = 0; k < ndig; k++) {
    char c = k < i1 - i0 ? s[i0 + k] : s[f0 + (k - (i1 - i0))];
    int d = c - '0';
    /* weight of this digit: 10^w with w = (ndig - 1 - k) + shift */
    long w = (long)(ndig - 1 - k) + shift;
    if (w >= 0) {
      acc = acc * 10 + (u128)d;
      if (acc > (u128)POL_DEC_MAX) return POL_DEC_RANGE;
    } else {
      dropped = 1;
      if (w == -1) rdigit = d;
      else sticky |= d != 0;
    }
  }
  if (dropped && !round) return POL_DEC_INEXACT;
  /* zeros after the last digit, when the exponent reaches past it */
  for (long w = shift; w > 0 && acc != 0; w--) {
    acc *= 10;
    if (acc > (u128)POL_DEC_MAX) return POL_DEC_RANGE;
  }
  if (rdigit > 5 || (rdigit == 5 && (sticky || (acc & 1)))) acc++;
  if (acc > (u128)POL_DEC_MAX) return POL_DEC_RANGE;
  *out = neg ? -(pol_Dec)acc : (pol_Dec)acc;
  return POL_DEC_OK;
}

pol_DecStatus pol_dec_from_double(double x, pol_Dec *out)
{
  /* the comparison is false for a NaN; 1e11 is beyond the range anyway,
     and keeps %.17g of any number we parse short */
  if (!(x > -1e11 && x < 1e11)) return POL_DEC_RANGE;
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  return pol_dec_parse(buf, strlen(buf), 1, out);
}

double pol_dec_to_double(pol_Dec a)
{
  char buf[POL_DEC_BUFSIZE];
  pol_dec_format(a, buf);
  return strtod(buf, NULL);
}

size_t pol_dec_format(pol_Dec a, char *buf)
{
  /* |a| as an unsigned: POL_DEC_MIN <= a, so -a never overflows, and
     INT64_MIN (not a number) still prints without undefined behaviour.
     By hand, no printf: the writers call this per number (byte-identical
     to "%s%llu" and ".%0*llu" without trailing zeros; tests/unit/test_decimal.c) */
  uint64_t m = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
  uint64_t whole = m / (uint64_t)POL_DEC_SCALE, frac = m % (uint64_t)POL_DEC_SCALE;
  char digits[POL_DEC_BUFSIZE];
  size_t i = sizeof digits, n = 0;
  do {
    digits[--i] = (char)('0' + whole % 10);
    whole /= 10;
  } while (whole);
  if (a < 0) buf[n++] = '-';
  memcpy(buf + n, digits + i, sizeof digits - i);
  n += sizeof digits - i;
  if (frac) {
    int fl = POL_DEC_DIGITS;
    while (frac % 10 == 0) { frac /= 10; fl--; }   /* no trailing zeros */
    buf[n++] = '.';
    for (int k = fl - 1; k >= 0; k--) { buf[n + (size_t)k] = (char)('0' + frac % 10); frac /= 10; }
    n += (size_t)fl;
  }
  buf[n] = '\0';
  return n;
}

void pol_buf_dec(pol_Buf *b, pol_Dec a)
{
  char buf[POL_DEC_BUFSIZE];
  pol_buf_put(b, buf, pol_dec_format(a, buf));
}
