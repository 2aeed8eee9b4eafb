/*
 * test_decimal.c -- unit tests for vm/decimal.c: the numbers of the
 * language (docs/language.md, "Numbers").  Parsing exact and rounded,
 * printing in the shortest exact form, arithmetic with half-even rounding
 * and range errors, and the conversions from and to double.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"

#define S POL_DEC_SCALE

/* The decimal of an exact literal (the test fails if it is not one). */
static pol_Dec D(const char *s)
{
  pol_Dec d = 0;
  pol_DecStatus st = pol_dec_parse(s, strlen(s), 0, &d);
  if (st != POL_DEC_OK) fail_msg("'%s' does not parse: status %d", s, (int)st);
  return d;
}

static const char *text(pol_Dec d, char *buf)
{
  pol_dec_format(d, buf);
  return buf;
}

static void parses(const char *s, int round, pol_DecStatus want, const char *as)
{
  pol_Dec d = 12345;
  pol_DecStatus st = pol_dec_parse(s, strlen(s), round, &d);
  if (st != want) fail_msg("'%s' (round %d): status %d, expected %d", s, round, (int)st, (int)want);
  if (want != POL_DEC_OK) {
    if (d != 12345) fail_msg("'%s': *out written on failure", s);
    return;
  }
  char buf[POL_DEC_BUFSIZE];
  if (strcmp(text(d, buf), as) != 0) fail_msg("'%s' (round %d) is %s, expected %s", s, round, buf, as);
}

static void test_parse_exact(void **state)
{
  (void)state;
  parses("0", 0, POL_DEC_OK, "0");
  parses("7", 0, POL_DEC_OK, "7");
  parses("2.5", 0, POL_DEC_OK, "2.5");
  parses("6.3", 0, POL_DEC_OK, "6.3");
  parses("0.00000001", 0, POL_DEC_OK, "0.00000001");
  parses("-0.5", 0, POL_DEC_OK, "-0.5");
  parses("+12", 0, POL_DEC_OK, "12");
  parses("-0", 0, POL_DEC_OK, "0");
  parses("007.50", 0, POL_DEC_OK, "7.5");
  parses("1.10000000", 0, POL_DEC_OK, "1.1");
  parses("92233720368.54775807", 0, POL_DEC_OK, "92233720368.54775807");
  parses("-92233720368.54775807", 0, POL_DEC_OK, "-92233720368.54775807");
  parses("0000000000000000000000000000000000000001", 0, POL_DEC_OK, "1");
  /* a 9th digit after the point, even a zero, is not exact */
  parses("0.000000001", 0, POL_DEC_INEXACT, NULL);
  parses("1.000000000", 0, POL_DEC_INEXACT, NULL);
  parses("3.141592653589793", 0, POL_DEC_INEXACT, NULL);
  /* beyond the range */
  parses("92233720368.54775808", 0, POL_DEC_RANGE, NULL);
  parses("-92233720368.54775808", 0, POL_DEC_RANGE, NULL);
  parses("92233720369", 0, POL_DEC_RANGE, NULL);
  parses("100000000000000000000000000000000000000000000000000000000", 0, POL_DEC_RANGE, NULL);
  /* exponents */
  parses("1e3", 0, POL_DEC_OK, "1000");
  parses("1.5E-3", 0, POL_DEC_OK, "0.0015");
  parses("25e-9", 0, POL_DEC_INEXACT, NULL);
  parses("0e999999999999999999", 0, POL_DEC_OK, "0");
  parses("1e11", 0, POL_DEC_RANGE, NULL);
  parses("1e999999999999999999", 0, POL_DEC_RANGE, NULL);
  parses("9.223372036854775807e10", 0, POL_DEC_OK, "92233720368.54775807");
}

static void test_parse_syntax(void **state)
{
  (void)state;
  static const char *const bad[] = {"", "-", "+", ".", "1.", ".e1", "1e", "1e+", "1x", " 1", "1 ",
                                    "--1", "1.2.3", "0x10", "inf", "nan", "1,5", "1e1.5"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) parses(bad[i], 1, POL_DEC_SYNTAX, NULL);
  parses(".5", 1, POL_DEC_OK, "0.5");
  /* only len bytes are read */
  pol_Dec d;
  assert_int_equal(pol_dec_parse("12345", 2, 0, &d), POL_DEC_OK);
  assert_true(d == 12 * S);
}

static void test_parse_rounding(void **state)
{
  (void)state;
  /* half to even at the 8th digit after the point */
  parses("0.000000005", 1, POL_DEC_OK, "0");
  parses("0.000000015", 1, POL_DEC_OK, "0.00000002");
  parses("0.000000025", 1, POL_DEC_OK, "0.00000002");
  parses("0.0000000250000001", 1, POL_DEC_OK, "0.00000003");
  parses("0.000000024999", 1, POL_DEC_OK, "0.00000002");
  parses("-0.000000015", 1, POL_DEC_OK, "-0.00000002");
  parses("-0.000000025", 1, POL_DEC_OK, "-0.00000002");
  parses("1.999999995", 1, POL_DEC_OK, "2");
  parses("0.0000000005", 1, POL_DEC_OK, "0");
  parses("4.9406564584124654e-324", 1, POL_DEC_OK, "0");
  parses("3.141592653589793", 1, POL_DEC_OK, "3.14159265");
  parses("2.718281828459045", 1, POL_DEC_OK, "2.71828183");
  /* rounding up may leave the range */
  parses("92233720368.547758074", 1, POL_DEC_OK, "92233720368.54775807");
  parses("92233720368.547758075", 1, POL_DEC_RANGE, NULL);
}

static void test_format(void **state)
{
  (void)state;
  char buf[POL_DEC_BUFSIZE];
  assert_string_equal(text(0, buf), "0");
  assert_string_equal(text(182 * S, buf), "182");
  assert_string_equal(text(-S / 2, buf), "-0.5");
  assert_string_equal(text(1, buf), "0.00000001");
  assert_string_equal(text(-1, buf), "-0.00000001");
  assert_string_equal(text(630000000, buf), "6.3");
  assert_string_equal(text(POL_DEC_MAX, buf), "92233720368.54775807");
  assert_string_equal(text(POL_DEC_MIN, buf), "-92233720368.54775807");
  assert_int_equal(pol_dec_format(POL_DEC_MIN, buf), 21);
  assert_true(strlen(buf) < POL_DEC_BUFSIZE);
  /* INT64_MIN is not a number, but prints without undefined behaviour */
  assert_string_equal(text(INT64_MIN, buf), "-92233720368.54775808");
  /* the text reads back exactly */
  static const pol_Dec some[] = {0, 1, -1, 5 * S / 10, 123456789, -98765432100, POL_DEC_MAX, POL_DEC_MIN};
  for (size_t i = 0; i < sizeof some / sizeof *some; i++) assert_true(D(text(some[i], buf)) == some[i]);
}

static void test_add_sub(void **state)
{
  (void)state;
  pol_Dec r;
  /* the examples: exact, unlike binary doubles */
  assert_int_equal(pol_dec_sub(D("2"), D("1.1"), &r), POL_DEC_OK);
  assert_true(r == D("0.9"));
  assert_int_equal(pol_dec_sub(D("8.2"), D("7.7"), &r), POL_DEC_OK);
  assert_true(r == D("0.5") && pol_dec_cmp(r, D("0.5")) >= 0);
  assert_int_equal(pol_dec_add(D("0.1"), D("0.2"), &r), POL_DEC_OK);
  assert_true(r == D("0.3"));
  /* the edges of the range */
  assert_int_equal(pol_dec_add(POL_DEC_MAX, 0, &r), POL_DEC_OK);
  assert_int_equal(pol_dec_add(POL_DEC_MAX, 1, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_sub(POL_DEC_MIN, 1, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_sub(POL_DEC_MIN, -1, &r), POL_DEC_OK);
  assert_int_equal(pol_dec_add(POL_DEC_MAX, POL_DEC_MAX, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_sub(POL_DEC_MAX, POL_DEC_MIN, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_sub(0, POL_DEC_MAX, &r), POL_DEC_OK);
  assert_true(r == POL_DEC_MIN);
  r = 77;
  assert_int_equal(pol_dec_add(POL_DEC_MIN, POL_DEC_MIN, &r), POL_DEC_RANGE);
  assert_true(r == 77);   /* untouched on failure */
}

static void mul_is(const char *a, const char *b, const char *want)
{
  pol_Dec r;
  char buf[POL_DEC_BUFSIZE];
  if (pol_dec_mul(D(a), D(b), &r) != POL_DEC_OK) fail_msg("%s * %s: out of range", a, b);
  if (strcmp(text(r, buf), want) != 0) fail_msg("%s * %s = %s, expected %s", a, b, buf, want);
}

static void div_is(const char *a, const char *b, const char *want)
{
  pol_Dec r;
  char buf[POL_DEC_BUFSIZE];
  if (pol_dec_div(D(a), D(b), &r) != POL_DEC_OK) fail_msg("%s / %s: out of range", a, b);
  if (strcmp(text(r, buf), want) != 0) fail_msg("%s / %s = %s, expected %s", a, b, buf, want);
}

static void test_mul(void **state)
{
  (void)state;
  mul_is("6", "365.25", "2191.5");
  mul_is("1.1", "1.1", "1.21");
  mul_is("-2.5", "4", "-10");
  mul_is("0", "-7", "0");
  /* 0.00000001 * 0.5 = 0.000000005: a tie, to the even 0 */
  mul_is("0.00000001", "0.5", "0");
  mul_is("0.00000003", "0.5", "0.00000002");   /* 0.000000015 -> ...2 */
  mul_is("0.00000005", "0.5", "0.00000002");   /* 0.000000025 -> ...2 */
  mul_is("0.00000005", "0.51", "0.00000003");  /* above the tie */
  mul_is("-0.00000003", "0.5", "-0.00000002");
  mul_is("-0.00000001", "0.5", "0");
  mul_is("0.12345678", "0.12345678", "0.01524158");   /* 0.0152415765279684 */
  mul_is("92233720368.54775807", "1", "92233720368.54775807");
  mul_is("92233720368.54775807", "-1", "-92233720368.54775807");
  mul_is("300000", "300000", "90000000000");
  pol_Dec r;
  assert_int_equal(pol_dec_mul(D("400000"), D("400000"), &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_mul(POL_DEC_MAX, POL_DEC_MAX, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_mul(POL_DEC_MIN, POL_DEC_MAX, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_mul(POL_DEC_MAX, D("1.00000001"), &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_mul(POL_DEC_MAX, D("0.5"), &r), POL_DEC_OK);
}

static void test_div(void **state)
{
  (void)state;
  div_is("1", "3", "0.33333333");
  div_is("2", "3", "0.66666667");
  div_is("-2", "3", "-0.66666667");
  div_is("2", "-3", "-0.66666667");
  div_is("-2", "-3", "0.66666667");
  div_is("7", "2", "3.5");
  div_is("2191.5", "12", "182.625");
  div_is("0.00000001", "2", "0");            /* a tie, to the even 0 */
  div_is("0.00000003", "2", "0.00000002");   /* 0.000000015 */
  div_is("0.00000005", "2", "0.00000002");   /* 0.000000025 */
  div_is("-0.00000005", "2", "-0.00000002");
  div_is("1", "0.00000003", "33333333.33333333");
  div_is("92233720368.54775807", "1", "92233720368.54775807");
  div_is("92233720368.54775807", "-1", "-92233720368.54775807");
  div_is("-92233720368.54775807", "92233720368.54775807", "-1");
  pol_Dec r;
  assert_int_equal(pol_dec_div(D("1000"), D("0.00000001"), &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_div(POL_DEC_MAX, D("0.5"), &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_div(1, 0, &r), POL_DEC_RANGE);   /* never asked; no crash */
}

static void test_floor(void **state)
{
  (void)state;
  char buf[POL_DEC_BUFSIZE];
  static const struct { const char *in, *out; } t[] = {
    {"2.5", "2"}, {"-2.5", "-3"}, {"3", "3"}, {"-3", "-3"}, {"0.00000001", "0"},
    {"-0.00000001", "-1"}, {"0", "0"}, {"92233720368.54775807", "92233720368"},
    {"-92233720368", "-92233720368"}, {"182.625", "182"},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    pol_Dec r;
    assert_int_equal(pol_dec_floor(D(t[i].in), &r), POL_DEC_OK);
    assert_string_equal(text(r, buf), t[i].out);
  }
  pol_Dec r;
  /* -92233720369 is out of range */
  assert_int_equal(pol_dec_floor(D("-92233720368.5"), &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_floor(POL_DEC_MIN, &r), POL_DEC_RANGE);
}

static void test_ints(void **state)
{
  (void)state;
  pol_Dec r;
  assert_true(pol_dec_of_int32(INT32_MAX) == (pol_Dec)INT32_MAX * S);
  assert_true(pol_dec_of_int32(INT32_MIN) == (pol_Dec)INT32_MIN * S);
  assert_int_equal(pol_dec_of_int(POL_DEC_MAX_INT, &r), POL_DEC_OK);
  assert_int_equal(pol_dec_of_int(-POL_DEC_MAX_INT, &r), POL_DEC_OK);
  assert_int_equal(pol_dec_of_int(POL_DEC_MAX_INT + 1, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_of_int(INT64_MIN, &r), POL_DEC_RANGE);
  assert_int_equal(pol_dec_of_int(INT64_MAX, &r), POL_DEC_RANGE);
  assert_true(pol_dec_is_int(D("-7")) && !pol_dec_is_int(D("-7.5")) && pol_dec_is_int(0));
  assert_true(pol_dec_cmp(D("0.9"), D("0.90")) == 0 && pol_dec_cmp(D("-1"), D("0.5")) < 0);
}

static void from_double_is(double x, const char *want)
{
  pol_Dec d;
  char buf[POL_DEC_BUFSIZE];
  if (pol_dec_from_double(x, &d) != POL_DEC_OK) fail_msg("%.17g: out of range", x);
  if (strcmp(text(d, buf), want) != 0) fail_msg("%.17g is %s, expected %s", x, buf, want);
}

static void test_from_double(void **state)
{
  (void)state;
  /* the shortest text that reads back, not the binary expansion */
  from_double_is(6.3, "6.3");
  from_double_is(8.2, "8.2");
  from_double_is(7.7, "7.7");
  from_double_is(0.1, "0.1");
  from_double_is(0.1 + 0.2, "0.3");   /* 0.30000000000000004: rounded to 8 digits */
  from_double_is(-0.0, "0");
  from_double_is(1e-9, "0");
  from_double_is(5e-9, "0");          /* a tie, to the even 0 */
  from_double_is(1.5e-8, "0.00000002");
  from_double_is(2.5e-8, "0.00000002");
  from_double_is(3.5e-8, "0.00000004");
  from_double_is(123456789.123, "123456789.123");
  from_double_is(1e10, "10000000000");
  from_double_is(92233720368.0, "92233720368");
  from_double_is(4.9e-324, "0");
  from_double_is(-1e-300, "0");
  pol_Dec d;
  assert_int_equal(pol_dec_from_double(1e11, &d), POL_DEC_RANGE);
  assert_int_equal(pol_dec_from_double(-1e300, &d), POL_DEC_RANGE);
  assert_int_equal(pol_dec_from_double(92233720369.0, &d), POL_DEC_RANGE);
  assert_int_equal(pol_dec_from_double(1.0 / 0.0, &d), POL_DEC_RANGE);
  assert_int_equal(pol_dec_from_double(0.0 / 0.0, &d), POL_DEC_RANGE);
}

static void test_to_double(void **state)
{
  (void)state;
  assert_true(pol_dec_to_double(D("6.3")) == 6.3);
  assert_true(pol_dec_to_double(D("0.1")) == 0.1);
  assert_true(pol_dec_to_double(D("-2.5")) == -2.5);
  assert_true(pol_dec_to_double(0) == 0.0);
  assert_true(pol_dec_to_double(POL_DEC_MAX) == 92233720368.54775807);
  assert_true(pol_dec_to_double(1) == 1e-8);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_exact),
    cmocka_unit_test(test_parse_syntax),
    cmocka_unit_test(test_parse_rounding),
    cmocka_unit_test(test_format),
    cmocka_unit_test(test_add_sub),
    cmocka_unit_test(test_mul),
    cmocka_unit_test(test_div),
    cmocka_unit_test(test_floor),
    cmocka_unit_test(test_ints),
    cmocka_unit_test(test_from_double),
    cmocka_unit_test(test_to_double),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
