/*
 * test_fhir_in.c -- reading a FHIR Bundle through `fhir` bindings (vm/fhir_in.c,
 * docs/fhir.md): an absent element is an unknown fact; a list binding that
 * selects nothing leaves the list unknown, a QuestionnaireResponse item
 * without answers states the known empty list; `where` matches system and
 * code (a coding without a system matches nothing); units convert or fail
 * with C0156; structured bindings come before answers; entered-in-error
 * resources are left out.
 *
 * Ownership: an Ex owns its program, case and JSON; ex_free frees them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "bundle.h"
#include "case.h"
#include "compile.h"
#include "unit_compile.h"

static const char SRC[] =
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
  "record Lab { value: number\n unit: string }\n"
  "fact n: number = obs.n\nfact labs: list<Lab> = labs\nfact conds: list<string> = conds\n"
  "fact flag: bool = q.flag\nfact cpt: string = line.cpt\n"
  "fhir request.procedures from Claim.item { cpt = productOrService.coding.code }\n"
  "fhir obs.n from Observation where code in {\"http://loinc.org|1\"} = quantity(valueQuantity, \"mm\")\n"
  "fhir labs from Observation where code in {\"http://loinc.org|2\"} {\n"
  "  value = valueQuantity.value\n  unit = valueQuantity.code\n}\n"
  "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";

typedef struct Ex {
  pol_Program *p;
  pol_Case *cs;
  json_t *root;
  char err[512];
} Ex;

static void ex_compile(Ex *x)
{
  memset(x, 0, sizeof *x);
  char *msgs;
  pol_Program *p = ut_compile(SRC, &msgs);
  if (!p) fail_msg("compile failed:\n%s", msgs);
  free(msgs);
  x->p = ut_reload(p);
  x->cs = pol_case_new(x->p);
  assert_non_null(x->cs);
}

static void ex_free(Ex *x)
{
  pol_case_free(x->cs);
  pol_program_free(x->p);
  json_decref(x->root);
}

/* Loads a Bundle whose entries follow a Claim: 0, or -1 with x->err. */
static int load(Ex *x, const char *entries)
{
  char js[4096];
  snprintf(js, sizeof js,
           "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": \"Claim\", "
           "\"id\": \"t\", \"use\": \"preauthorization\", \"item\": [{\"sequence\": 1, "
           "\"productOrService\": {\"coding\": [{\"system\": \"http://www.ama-assn.org/go/cpt\", "
           "\"code\": \"X1\"}]}}]}}%s%s]}",
           *entries ? ", " : "", entries);
  json_decref(x->root);
  json_error_t je;
  x->root = json_loads(js, 0, &je);
  if (!x->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  return pol_case_load(x->cs, x->root, x->err, sizeof x->err);
}

static const pol_Value *fact(const Ex *x, const char *path)
{
  for (uint32_t f = 0; f < x->p->nfacts; f++)
    if (strcmp(x->p->str[x->p->facts[f].path], path) == 0) return &pol_case_slots(x->cs, 0)[f];
  fail_msg("no fact %s", path);
  return NULL;
}

static uint32_t list_len(const pol_Value *v)
{
  assert_int_equal(v->tag, PV_LIST);
  return ((const pol_List *)v->u.p)->n;
}

#define OBS(code, qty) \
  "{\"resource\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"coding\": " \
  "[{\"system\": \"http://loinc.org\", \"code\": \"" code "\"}]}" qty "}}"

static void test_absent_is_unknown(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  assert_int_equal(load(&x, ""), 0);
  assert_string_equal(pol_case_id(x.cs), "t");
  assert_int_equal(pol_case_nlines(x.cs), 1);
  assert_string_equal(pol_case_line(x.cs, 0)->cpt, "X1");
  assert_int_equal(fact(&x, "obs.n")->tag, PV_UNK);
  assert_int_equal(fact(&x, "labs")->tag, PV_UNK);     /* no Observation: unknown, not [] */
  assert_int_equal(fact(&x, "conds")->tag, PV_UNK);
  /* an Observation without a value: the fact stays unknown; a lab record
     is there with its value unknown */
  assert_int_equal(load(&x, OBS("1", "") ", " OBS("2", ", \"valueQuantity\": {\"code\": \"mm\"}")), 0);
  assert_int_equal(fact(&x, "obs.n")->tag, PV_UNK);
  assert_int_equal(list_len(fact(&x, "labs")), 1);
  const pol_Value *rec = ((const pol_List *)fact(&x, "labs")->u.p)->items;
  assert_int_equal(((const pol_Value *)rec->u.p)[0].tag, PV_UNK);
  assert_int_equal(((const pol_Value *)rec->u.p)[1].tag, PV_STR);
  ex_free(&x);
}

static void test_units_and_codes(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  assert_int_equal(load(&x, OBS("1", ", \"valueQuantity\": {\"value\": 2.5, \"code\": \"cm\"}")), 0);
  assert_int_equal(fact(&x, "obs.n")->tag, PV_NUM);
  assert_true(fact(&x, "obs.n")->u.d == pol_dec_of_int32(25));
  assert_int_equal(load(&x, OBS("1", ", \"valueQuantity\": {\"value\": 2, \"code\": \"kg\"}")), -1);
  assert_non_null(strstr(x.err, "C0156 entry[1].resource.valueQuantity.code"));
  /* another code, or a coding without a system: not selected */
  assert_int_equal(load(&x, OBS("9", ", \"valueQuantity\": {\"value\": 2, \"code\": \"mm\"}")), 0);
  assert_int_equal(fact(&x, "obs.n")->tag, PV_UNK);
  assert_int_equal(load(&x, "{\"resource\": {\"resourceType\": \"Observation\", \"code\": {\"coding\": "
                            "[{\"code\": \"1\"}]}, \"valueQuantity\": {\"value\": 2, \"code\": \"mm\"}}}"), 0);
  assert_int_equal(fact(&x, "obs.n")->tag, PV_UNK);
  assert_non_null(strstr(pol_case_notes(x.cs), "C0155 entry[1].resource.code.coding[0]"));
  /* entered-in-error is left out: the next one counts */
  assert_int_equal(load(&x, "{\"resource\": {\"resourceType\": \"Observation\", \"status\": \"entered-in-error\", "
                            "\"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"1\"}]}, "
                            "\"valueQuantity\": {\"value\": 1, \"code\": \"mm\"}}}, "
                            OBS("1", ", \"valueQuantity\": {\"value\": 3, \"code\": \"mm\"}")), 0);
  assert_true(fact(&x, "obs.n")->u.d == pol_dec_of_int32(3));
  ex_free(&x);
}

#define QR(items) "{\"resource\": {\"resourceType\": \"QuestionnaireResponse\", \"item\": [" items "]}}"

static void test_answers(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  /* an item without answers states the known empty list */
  assert_int_equal(load(&x, QR("{\"linkId\": \"conds\"}")), 0);
  assert_int_equal(list_len(fact(&x, "conds")), 0);
  assert_int_equal(fact(&x, "q.flag")->tag, PV_UNK);
  assert_int_equal(load(&x, QR("{\"linkId\": \"g\", \"item\": [{\"linkId\": \"q.flag\", \"answer\": "
                               "[{\"valueBoolean\": false}]}]}, {\"linkId\": \"conds\", \"answer\": "
                               "[{\"valueString\": \"a\"}, {\"valueCoding\": {\"code\": \"b\"}}]}")), 0);
  assert_int_equal(list_len(fact(&x, "conds")), 2);
  assert_int_equal(fact(&x, "q.flag")->tag, PV_BOOL);
  assert_int_equal(fact(&x, "q.flag")->aux, 0);
  /* a structured binding first: the answer for obs.n is not used */
  assert_int_equal(load(&x, OBS("1", ", \"valueQuantity\": {\"value\": 4, \"code\": \"mm\"}") ", "
                            QR("{\"linkId\": \"obs.n\", \"answer\": [{\"valueInteger\": 9}]}")), 0);
  assert_true(fact(&x, "obs.n")->u.d == pol_dec_of_int32(4));
  /* without it, the answer gives the fact */
  assert_int_equal(load(&x, QR("{\"linkId\": \"obs.n\", \"answer\": [{\"valueInteger\": 9}]}")), 0);
  assert_true(fact(&x, "obs.n")->u.d == pol_dec_of_int32(9));
  /* a list of records: repeated groups */
  assert_int_equal(load(&x, QR("{\"linkId\": \"labs\", \"item\": [{\"linkId\": \"value\", \"answer\": "
                               "[{\"valueDecimal\": 1.5}]}]}, {\"linkId\": \"labs\", \"item\": "
                               "[{\"linkId\": \"labs.unit\", \"answer\": [{\"valueString\": \"mm\"}]}]}")), 0);
  assert_int_equal(list_len(fact(&x, "labs")), 2);
  /* a wrong type names the answer */
  assert_int_equal(load(&x, QR("{\"linkId\": \"q.flag\", \"answer\": [{\"valueString\": \"yes\"}]}")), -1);
  assert_non_null(strstr(x.err, "C0152 entry[1].resource.item[0].answer[0].valueString"));
  ex_free(&x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_absent_is_unknown),
    cmocka_unit_test(test_units_and_codes),
    cmocka_unit_test(test_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
