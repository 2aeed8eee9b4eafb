/*
 * test_codes.c -- unit tests for vm/codes.c and compiler/valueset.c: the
 * normal forms of every code system, the codes that cannot exist, the
 * value-set algebra (families, inclusive ranges, unions, exclusions),
 * three-valued membership, and the verifier's checks of section VSET
 * (ranges sorted, disjoint, non-empty, in bounds).
 *
 * Ownership: each test frees what it compiles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bundle.h"
#include "codes.h"
#include "compile.h"
#include "unit_compile.h"

/* The normal form of s in sys, or "!" when s is not a code of it. */
static const char *norm(pol_CodeSys sys, const char *s)
{
  static char out[POL_CODE_BUF];
  if (pol_code_norm(sys, s, strlen(s), out, NULL) != 0) return "!";
  return out;
}

static void test_normal_forms(void **state)
{
  (void)state;
  /* ICD-10-CM: case, the dot, blanks */
  assert_string_equal(norm(POL_CS_ICD10CM, "M05.79"), "M0579");
  assert_string_equal(norm(POL_CS_ICD10CM, "m0579"), "M0579");
  assert_string_equal(norm(POL_CS_ICD10CM, " E11.9 "), "E119");
  assert_string_equal(norm(POL_CS_ICD10CM, "E11"), "E11");
  assert_string_equal(norm(POL_CS_ICD10CM, "S72.001A"), "S72001A");
  assert_string_equal(norm(POL_CS_ICD10CM, "M5.79"), "!");     /* the dot after 3 characters */
  assert_string_equal(norm(POL_CS_ICD10CM, "5M05"), "!");      /* a letter first */
  assert_string_equal(norm(POL_CS_ICD10CM, "MM5"), "!");       /* a digit second */
  assert_string_equal(norm(POL_CS_ICD10CM, "M05"), "M05");
  assert_string_equal(norm(POL_CS_ICD10CM, "M0"), "!");        /* at least 3 */
  assert_string_equal(norm(POL_CS_ICD10CM, "S72.001AB"), "!"); /* at most 7 */
  assert_string_equal(norm(POL_CS_ICD10CM, ""), "!");
  /* CPT and HCPCS: 5 characters */
  assert_string_equal(norm(POL_CS_CPT, "97110"), "97110");
  assert_string_equal(norm(POL_CS_CPT, "3044f"), "3044F");
  assert_string_equal(norm(POL_CS_CPT, "9711"), "!");
  assert_string_equal(norm(POL_CS_CPT, "971100"), "!");
  assert_string_equal(norm(POL_CS_CPT, "E0601"), "!");
  assert_string_equal(norm(POL_CS_HCPCS, "e0601"), "E0601");
  assert_string_equal(norm(POL_CS_HCPCS, "97110"), "!");
  assert_string_equal(norm(POL_CS_PROCEDURE, "E0601"), "E0601");
  assert_string_equal(norm(POL_CS_PROCEDURE, "97110"), "97110");
  assert_string_equal(norm(POL_CS_PROCEDURE, "X1"), "!");
  /* LOINC: the check digit, zero-padded */
  assert_string_equal(norm(POL_CS_LOINC, "4548-4"), "0004548-4");
  assert_string_equal(norm(POL_CS_LOINC, "2345-7"), "0002345-7");
  assert_string_equal(norm(POL_CS_LOINC, "4548-5"), "!");
  assert_string_equal(norm(POL_CS_LOINC, "4548"), "!");
  assert_int_equal(pol_loinc_check_digit("17856", 5), 6);
  /* RxNorm, SNOMED CT: numbers, zero-padded */
  assert_string_equal(norm(POL_CS_RXNORM, "1991302"), "01991302");
  assert_string_equal(norm(POL_CS_RXNORM, "001991302"), "01991302");
  assert_string_equal(norm(POL_CS_RXNORM, "19913A2"), "!");
  assert_string_equal(norm(POL_CS_SNOMED, "44054006"), "000000000044054006");
  assert_string_equal(norm(POL_CS_SNOMED, "12345"), "!");
  /* NDC: 10 digits hyphenated 4-4-2, 5-3-2, 5-4-1 and 11 digits are one code */
  assert_string_equal(norm(POL_CS_NDC, "0002-1433-80"), "00002143380");
  assert_string_equal(norm(POL_CS_NDC, "00002-143-80"), "00002014380");
  assert_string_equal(norm(POL_CS_NDC, "00002-1433-8"), "00002143308");
  assert_string_equal(norm(POL_CS_NDC, "00002-1433-80"), "00002143380");
  assert_string_equal(norm(POL_CS_NDC, "00002143380"), "00002143380");
  assert_string_equal(norm(POL_CS_NDC, "0002143380"), "!");   /* ambiguous */
  assert_string_equal(norm(POL_CS_NDC, "002-1433-80"), "!");
  /* the names */
  assert_int_equal(pol_code_system_find("icd10cm"), POL_CS_ICD10CM);
  assert_int_equal(pol_code_system_find("icd10"), -1);
  assert_string_equal(pol_code_system_name(POL_CS_NDC), "ndc");
}

static void test_prefixes(void **state)
{
  (void)state;
  char out[POL_CODE_BUF];
  assert_int_equal(pol_code_prefix_norm(POL_CS_ICD10CM, "M05", 3, out, NULL), 0);
  assert_string_equal(out, "M05");
  assert_int_equal(pol_code_prefix_norm(POL_CS_ICD10CM, "M", 1, out, NULL), 0);
  assert_int_equal(pol_code_prefix_norm(POL_CS_CPT, "2744", 4, out, NULL), 0);
  assert_int_equal(pol_code_prefix_norm(POL_CS_CPT, "27440", 5, out, NULL), 0);
  assert_int_equal(pol_code_prefix_norm(POL_CS_CPT, "2744A", 5, out, NULL), -1);
  assert_int_equal(pol_code_prefix_norm(POL_CS_RXNORM, "199", 3, out, NULL), -1);   /* numbers */
  assert_int_equal(pol_code_prefix_norm(POL_CS_LOINC, "45", 2, out, NULL), -1);
}

/* Compiles src (asserting success) into a verified program. */
static pol_Program *compile(const char *src)
{
  char *msgs;
  pol_Program *p = ut_compile(src, &msgs);
  if (!p) fail_msg("compile failed:\n%s", msgs);
  free(msgs);
  char err[256];
  if (pol_verify(p, err, sizeof err) != 0) fail_msg("refused: %s", err);
  return p;
}

/* The compile's diagnostics (a failing compile). */
static char *errors_of(const char *src)
{
  char *msgs;
  pol_Program *p = ut_compile(src, &msgs);
  if (p) pol_program_free(p);
  assert_null(p);
  return msgs;
}

#define HEAD "policy \"P\" { title \"t\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
#define BODY "fact s: string = s\nbranch \"B\" \"b\" when true { criterion \"C\" \"c\" { s in V } }\n"

/* membership of code s in the value set V of p */
static int has(const pol_Program *p, const char *s)
{
  pol_Value v = {PV_STR, POL_NOSTR, {0}};
  v.u.s = s;
  pol_Value r = pol_vset_member(p, 0, &v);
  assert_int_equal(r.tag, PV_BOOL);
  return (int)r.aux;
}

static void test_algebra(void **state)
{
  (void)state;
  pol_Program *p = compile(HEAD "valueset W icd10cm { \"M05.*\" }\n"
                           "valueset V icd10cm { W, \"M06.0\" .. \"M06.9\", \"Z99\", except \"M06.4\", "
                           "except \"M05.7*\", except W2 }\n"
                           "valueset W2 icd10cm { \"M06.20\" .. \"M06.29\" }\n" BODY);
  assert_int_equal(p->nvs, 1);   /* only the set used is written; unions are flattened */
  assert_true(has(p, "M05"));
  assert_true(has(p, "M05.69"));
  assert_false(has(p, "M05.7"));      /* except a family */
  assert_false(has(p, "M05.79"));
  assert_true(has(p, "M05.8"));
  assert_true(has(p, "M06.0"));       /* the lower end */
  assert_true(has(p, "M06.9"));       /* the upper end */
  assert_true(has(p, "M06.99"));      /* and the codes under it */
  assert_false(has(p, "M06.4"));      /* an exact exclusion */
  assert_true(has(p, "M06.41"));      /* leaves the codes under it */
  assert_true(has(p, "M06.2"));       /* before the excluded M06.20 .. M06.29 */
  assert_false(has(p, "M06.20"));     /* except another value set */
  assert_false(has(p, "M06.299"));
  assert_true(has(p, "M06.3"));
  assert_true(has(p, "Z99"));
  assert_false(has(p, "Z99.1"));      /* an exact code is not a family */
  pol_program_free(p);
}

static void test_membership_unknown(void **state)
{
  (void)state;
  pol_Program *p = compile(HEAD "valueset V cpt { \"97110\" .. \"97546\" }\n" BODY);
  pol_Value u = pol_unk();
  assert_int_equal(pol_vset_member(p, 0, &u).tag, PV_UNK);   /* unknown code: unknown */
  assert_false(has(p, "97109"));
  assert_true(has(p, "97110"));
  assert_true(has(p, "97546"));
  assert_false(has(p, "97547"));
  assert_false(has(p, "9711"));     /* not a code: false, not unknown */
  assert_false(has(p, ""));
  pol_program_free(p);
}

/* a set of many codes, as a payer's: the table is sorted and disjoint and
   every member is found */
static void test_large(void **state)
{
  (void)state;
  size_t cap = 200000, n = 0;
  char *src = malloc(cap);
  assert_non_null(src);
  n += (size_t)snprintf(src + n, cap - n, HEAD "valueset V cpt {");
  for (int i = 0; i < 8000; i++)
    n += (size_t)snprintf(src + n, cap - n, "%s\"%05d\"", i ? ", " : " ", 10000 + 3 * i);
  n += (size_t)snprintf(src + n, cap - n, " }\n" BODY);
  pol_Program *p = compile(src);
  free(src);
  assert_int_equal(p->vs[0].nr, 8000);
  for (int i = 0; i < 8000; i++) {
    char c[16];
    snprintf(c, sizeof c, "%05d", 10000 + 3 * i);
    assert_true(has(p, c));
    snprintf(c, sizeof c, "%05d", 10000 + 3 * i + 1);
    assert_false(has(p, c));
  }
  pol_program_free(p);
}

static void test_verifier(void **state)
{
  (void)state;
  char err[256];
  pol_Program *p = compile(HEAD "valueset V cpt { \"97110\", \"97530\" .. \"97546\", \"97750\" }\n" BODY);
  assert_int_equal(p->vs[0].nr, 3);
  pol_VRange save = p->vsr[0];
  p->vsr[0] = p->vsr[1];                         /* overlapping, unsorted */
  p->vsr[1] = save;
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  assert_non_null(strstr(err, "not sorted"));
  p->vsr[1] = p->vsr[0];
  p->vsr[0] = save;
  uint32_t hi = p->vsr[2].hi;
  p->vsr[2].hi = p->vsr[2].lo;                   /* empty */
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  assert_non_null(strstr(err, "empty"));
  p->vsr[2].hi = hi;
  p->vs[0].nr = 4;                               /* beyond the table */
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  p->vs[0].nr = 3;
  p->vs[0].system = POL_CS__COUNT;               /* no such system */
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  p->vs[0].system = POL_CS_CPT;
  assert_int_equal(pol_verify(p, err, sizeof err), 0);
  pol_program_free(p);
}

static void test_errors(void **state)
{
  (void)state;
  static const struct { const char *src, *code; } cases[] = {
    {"valueset V icd9 { \"M05\" }\n", "E0250"},
    {"valueset V cpt { \"2744\" }\n", "E0251"},
    {"valueset V icd10cm { \"M0*5\" }\n", "E0252"},
    {"valueset V rxnorm { \"199*\" }\n", "E0252"},
    {"valueset V cpt { \"97546\" .. \"97110\" }\n", "E0253"},
    {"valueset V cpt { W }\n", "E0254"},
    {"valueset V cpt { W }\nvalueset W icd10cm { \"M05\" }\n", "E0255"},
    {"valueset V cpt { W }\nvalueset W cpt { V }\n", "E0256"},
    {"valueset V cpt { \"97110\", except \"971*\" }\n", "E0259"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char src[1024];
    snprintf(src, sizeof src, HEAD "%s" BODY, cases[i].src);
    char *m = errors_of(src);
    if (!strstr(m, cases[i].code)) fail_msg("%s: expected %s, got:\n%s", cases[i].src, cases[i].code, m);
    free(m);
  }
  char *m = errors_of(HEAD "valueset V cpt { \"97110\" }\nfact s: string = s\n"
                      "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { V == s } }\n");
  assert_non_null(strstr(m, "E0257"));
  free(m);
  m = errors_of("policy \"P\" { title \"t\" version \"1\" effective 2025-01-01 codes V }\n"
                "valueset V icd10cm { \"M05\" }\nbranch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  assert_non_null(strstr(m, "E0258"));
  free(m);
}

/* routing by drug code: a line's RxNorm / NDC code becomes a key in the
   policy's routing set (prefix + normal form), never one of a CPT range */
static void test_route_keys(void **state)
{
  (void)state;
  char k[POL_ROUTE_KEY_BUF];
  assert_int_equal(pol_route_key(POL_CS_RXNORM, "1991302", k), 0);
  assert_string_equal(k, "rxnorm:01991302");
  assert_int_equal(pol_route_key(POL_CS_NDC, "0169-4130-13", k), 0);
  assert_string_equal(k, "ndc:00169413013");
  assert_int_equal(pol_route_key(POL_CS_NDC, "00169413013", k), 0);
  assert_string_equal(k, "ndc:00169413013");
  assert_int_equal(pol_route_key(POL_CS_RXNORM, "abc", k), -1);        /* not a code */
  assert_int_equal(pol_route_key(POL_CS_RXNORM, "123456789", k), -1);  /* 9 digits */
  assert_int_equal(pol_route_key(POL_CS_CPT, "97110", k), -1);         /* not a drug system */
  assert_int_equal(pol_route_key(POL_CS_ICD10CM, "E11.9", k), -1);
  assert_null(pol_route_prefix(POL_CS_PROCEDURE));
  /* the compiled routing set of `codes "00100" .. "99999", DRUGS`: the CPT
     range and the drug keys are separate ranges, and a key is outside the
     CPT range whatever its digits */
  pol_Program *p = compile("policy \"P\" { title \"t\" version \"1\" effective 2025-01-01 "
                           "codes \"00100\" .. \"99999\", DRUGS }\n"
                           "valueset DRUGS \"d\" rxnorm { \"99999\", \"1991302\" }\n"
                           "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  assert_int_equal(p->npolvs, 1);
  uint32_t vs = p->polvs[0];
  assert_true(pol_vset_has(p, vs, "97110"));
  assert_int_equal(pol_route_key(POL_CS_RXNORM, "99999", k), 0);
  assert_true(pol_vset_has(p, vs, k));
  assert_false(pol_vset_has(p, vs, "00099999"));          /* the bare digits: no */
  assert_int_equal(pol_route_key(POL_CS_RXNORM, "475968", k), 0);
  assert_false(pol_vset_has(p, vs, k));                   /* not in DRUGS */
  pol_program_free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_normal_forms),
    cmocka_unit_test(test_prefixes),
    cmocka_unit_test(test_algebra),
    cmocka_unit_test(test_membership_unknown),
    cmocka_unit_test(test_large),
    cmocka_unit_test(test_verifier),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_route_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
