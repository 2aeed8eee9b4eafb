/*
 * test_fhir_out.c -- the FHIR writer's strings and ids (vm/fhir_out.c): what a
 * FHIR string may not hold is replaced, the rest escaped as in traces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fhir_out.h"

static char *emit(json_t *v, pol_Buf *b)
{
  pol_buf_reset(b);
  pol_fhir_emit(b, v);
  json_decref(v);
  return b->s;
}

static void test_strings(void **state)
{
  (void)state;
  pol_Buf b = {0};
  /* quotes, backslash, newline and tab escaped; a control character and
     a line separator (not allowed in a FHIR string) replaced */
  assert_string_equal(emit(json_string("a\"b\\c\nd\te"), &b), "\"a\\\"b\\\\c\\nd\\te\"");
  assert_string_equal(emit(json_string("x\x01y"), &b), "\"x\xef\xbf\xbdy\"");
  assert_string_equal(emit(json_string("x\xe2\x80\xa8y\xc2\xa0z"), &b), "\"x y z\"");
  /* a right-to-left override stays, escaped as in every output */
  assert_string_equal(emit(json_string("x\xe2\x80\xaey"), &b), "\"x\\u202ey\"");
  /* non-ASCII text stays as it is */
  assert_string_equal(emit(json_string("\xe2\x89\xa5 5"), &b), "\"\xe2\x89\xa5 5\"");
  pol_buf_free(&b);
}

static void test_layout(void **state)
{
  (void)state;
  pol_Buf b = {0};
  assert_string_equal(emit(json_pack("{s:[i, f, b, n], s:{}}", "a", 1, 2.5, 1, "o"), &b),
                      "{\n  \"a\": [\n    1,\n    2.5,\n    true,\n    null\n  ],\n  \"o\": {}\n}");
  pol_buf_free(&b);
}

static void test_ids(void **state)
{
  (void)state;
  char id[65];
  pol_fhir_id(id, "seed-001 ifuse/x.y");
  assert_string_equal(id, "seed-001-ifuse-x.y");
  char big[100];
  memset(big, 'a', 99);
  big[99] = '\0';
  pol_fhir_id(id, big);
  assert_int_equal(strlen(id), 64);
  pol_fhir_id(id, "");
  assert_string_equal(id, "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strings),
    cmocka_unit_test(test_layout),
    cmocka_unit_test(test_ids),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
