/*
 * test_suggest.c -- "did you mean" (vm/suggest.h): the edit distance and
 * the choice of the nearest candidate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

static void test_edit_distance(void **state)
{
  (void)state;
  assert_int_equal(pol_edit_distance("pain_nrs", "pain_nrs", 2), 0);
  assert_int_equal(pol_edit_distance("pain_nr", "pain_nrs", 2), 1);       /* insert */
  assert_int_equal(pol_edit_distance("pain_nrss", "pain_nrs", 2), 1);     /* delete */
  assert_int_equal(pol_edit_distance("pain_mrs", "pain_nrs", 2), 1);      /* replace */
  assert_int_equal(pol_edit_distance("pian_nrs", "pain_nrs", 2), 1);      /* swap */
  assert_int_equal(pol_edit_distance("pan_nr", "pain_nrs", 2), 2);
  assert_int_equal(pol_edit_distance("xyz_abc", "pain_nrs", 2), 3);       /* limit + 1 */
  assert_int_equal(pol_edit_distance("", "ab", 2), 2);
  assert_int_equal(pol_edit_distance("", "abc", 2), 3);
  char longer[POL_SUGGEST_MAX_LEN + 2];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  assert_int_equal(pol_edit_distance(longer, longer, 2), 3);   /* too long to compare */
}

static const char *best(const char *name, const char *const *cands)
{
  pol_Suggest s;
  pol_suggest_init(&s, name);
  for (; *cands; cands++) pol_suggest_consider(&s, *cands);
  return pol_suggest_best(&s);
}

static void test_nearest(void **state)
{
  (void)state;
  const char *const facts[] = {"pain_nrs", "age", "imaging", "injections", NULL};
  assert_string_equal(best("pain_nr", facts), "pain_nrs");
  assert_string_equal(best("Imaging", facts), "imaging");         /* case only: the nearest */
  assert_string_equal(best("injectons", facts), "injections");
  assert_null(best("pain_nrs", facts));                           /* itself: nothing to say */
  assert_null(best("diagnosis", facts));                          /* nothing near */
  assert_null(best("ag", (const char *const[]){"xy", NULL}));     /* two edits of two letters */
  /* ties go to strcmp order, whatever the order of the candidates */
  assert_string_equal(best("cat", (const char *const[]){"cot", "bat", NULL}), "bat");
  assert_string_equal(best("cat", (const char *const[]){"bat", "cot", NULL}), "bat");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_edit_distance),
    cmocka_unit_test(test_nearest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
