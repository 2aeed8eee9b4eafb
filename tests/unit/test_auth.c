/*
 * test_auth.c -- `authorize` blocks (docs/language.md, "Authorizations"):
 * the three-valued rule (a known value is authorized, an unknown one makes
 * the line pend, never a guessed number), when an authorization exists
 * (approved or partial lines only; assess blocks that apply), what counts
 * as modified, the compile errors E0260-E0264 and the verifier's checks of
 * the AUTH section.
 *
 * Programs go through check, codegen, bundle write and a verified load.
 * Ownership: an Ex owns its program, VM, case and JSON; ex_free frees them.
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
#include "compile.h"
#include "vm.h"
#include "unit_compile.h"

#define HEAD                                                                    \
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n" \
  "record Inj { relief: number }\n"                                             \
  "fact n: number = n\nfact a: bool = a\nfact d: date = d\nfact s: string = s\n" \
  "fact inj: list<Inj> = inj\nfact cpt: string = line.cpt\n"

typedef struct Ex {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *cs;
  json_t *root;
  const pol_LineResult *lr;
  char err[1024];
} Ex;

/* Compiles src; 0 and x filled, or the diagnostics in *msgs (owned). */
static int compile(Ex *x, const char *src, char **msgs)
{
  memset(x, 0, sizeof *x);
  pol_Program *p = ut_compile(src, msgs);
  if (!p) return -1;
  x->p = ut_reload(p);
  x->vm = pol_vm_new(x->p);
  x->cs = pol_case_new(x->p);
  assert_non_null(x->vm);
  assert_non_null(x->cs);
  return 0;
}

static void ex_compile(Ex *x, const char *src)
{
  char *msgs = NULL;
  if (compile(x, src, &msgs) != 0) fail_msg("compile failed:\n%s\n--- source:\n%s", msgs, src);
  free(msgs);
}

/* Judges {"case_id": "t", "request": {... line: {"cpt": "X1", LINE}}, FACTS}. */
static void judge(Ex *x, const char *line, const char *facts)
{
  char js[2048];
  snprintf(js, sizeof js,
           "{\"case_id\": \"t\", \"request\": {\"date\": \"2025-06-01\", \"procedures\": "
           "[{\"line\": 1, \"cpt\": \"X1\"%s%s}]}%s%s}",
           *line ? ", " : "", line, *facts ? ", " : "", facts);
  json_decref(x->root);
  json_error_t je;
  x->root = json_loads(js, 0, &je);
  if (!x->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  if (pol_case_load(x->cs, x->root, x->err, sizeof x->err) != 0) fail_msg("case: %s", x->err);
  pol_vm_set_trace(x->vm, 1);
  if (pol_vm_eval(x->vm, x->cs, &x->lr, x->err, sizeof x->err) != 0) fail_msg("eval: %s", x->err);
}

static void ex_free(Ex *x)
{
  pol_case_free(x->cs);
  pol_vm_free(x->vm);
  pol_program_free(x->p);
  json_decref(x->root);
}

static int stated(const Ex *x, uint32_t f) { return (x->lr->authmask >> f & 1u) != 0; }

static void num_is(const pol_Value *v, int want)
{
  assert_int_equal(v->tag, PV_NUM);
  assert_true(v->u.d == pol_dec_of_int32(want));
}

/* ---- the three-valued rule --------------------------------------------- */

static void test_known_unknown_value(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "branch \"B\" \"b\" when cpt == \"X1\" {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { quantity n }\n}\n");
  judge(&x, "", "\"n\": 7");            /* known: authorized as it is */
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_true(stated(&x, POL_AUTH_QUANTITY));
  assert_int_equal(x.lr->auth_open, 0);
  num_is(&x.lr->auth[POL_AUTH_QUANTITY].value, 7);
  judge(&x, "", "");                    /* unknown: the line pends, never a guess */
  assert_int_equal(x.lr->det, PD_PEND);
  assert_int_equal(x.lr->auth_open, 1);
  assert_int_equal(x.lr->auth[POL_AUTH_QUANTITY].value.tag, PV_UNK);
  assert_int_equal(x.lr->auth[POL_AUTH_QUANTITY].nmiss, 1);   /* the fact n is named */
  assert_int_equal(pol_vm_missing(x.vm)[x.lr->auth[POL_AUTH_QUANTITY].miss0].rec, POL_NOSTR);
  ex_free(&x);
}

static void test_coalesce_decides(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { quantity n ?? 12 per 1 year }\n}\n");
  judge(&x, "", "");
  assert_int_equal(x.lr->det, PD_APPROVE);
  num_is(&x.lr->auth[POL_AUTH_QUANTITY].value, 12);
  assert_int_equal(x.lr->auth[POL_AUTH_PER].value.tag, PV_DUR);
  assert_int_equal(x.lr->auth[POL_AUTH_PER].value.u.r.lo, 12);
  judge(&x, "", "\"n\": 4");
  num_is(&x.lr->auth[POL_AUTH_QUANTITY].value, 4);
  ex_free(&x);
}

/* A count known only as a range [lo, hi] is not a number of units; an
   exact count is. */
static void test_range_is_not_exact(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { quantity count inj where relief >= 50 }\n}\n");
  judge(&x, "", "\"inj\": [{\"relief\": 80}, {\"relief\": 10}]");
  assert_int_equal(x.lr->det, PD_APPROVE);
  num_is(&x.lr->auth[POL_AUTH_QUANTITY].value, 1);
  judge(&x, "", "\"inj\": [{\"relief\": 80}, {}]");    /* [1, 2] */
  assert_int_equal(x.lr->det, PD_PEND);
  assert_int_equal(x.lr->auth_open, 1);
  judge(&x, "", "\"inj\": [{\"relief\": 10}, {\"relief\": 20}]");   /* exactly 0 */
  assert_int_equal(x.lr->det, PD_APPROVE);
  num_is(&x.lr->auth[POL_AUTH_QUANTITY].value, 0);
  ex_free(&x);
}

/* Only a line its criteria approve has an authorization: a denied or
   pending line has none, whatever the values would be. */
static void test_only_approved_lines(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { a }\n"
                      "  authorize { quantity n  setting s }\n}\n");
  judge(&x, "", "\"a\": false");
  assert_int_equal(x.lr->det, PD_DENY);
  assert_int_equal(x.lr->authmask, 0);
  judge(&x, "", "");                    /* criterion unknown: pend, values not asked */
  assert_int_equal(x.lr->det, PD_PEND);
  assert_int_equal(x.lr->authmask, 0);
  assert_int_equal(x.lr->auth_open, 0);
  judge(&x, "", "\"a\": true, \"n\": 2, \"s\": \"outpatient\"");
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_true(stated(&x, POL_AUTH_QUANTITY) && stated(&x, POL_AUTH_SETTING));
  ex_free(&x);
}

/* A period for D ends the day before S + D; an unknown start leaves both
   ends unknown. */
static void test_period(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { period d for 6 months }\n}\n");
  judge(&x, "", "\"d\": \"2025-03-01\"");
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_int_equal((int32_t)x.lr->auth[POL_AUTH_START].value.aux, pol_days_from_civil(2025, 3, 1));
  assert_int_equal((int32_t)x.lr->auth[POL_AUTH_END].value.aux, pol_days_from_civil(2025, 8, 31));
  judge(&x, "", "");
  assert_int_equal(x.lr->det, PD_PEND);
  assert_int_equal(x.lr->auth[POL_AUTH_START].value.tag, PV_UNK);
  assert_int_equal(x.lr->auth[POL_AUTH_END].value.tag, PV_UNK);
  ex_free(&x);
}

/* An assess block's fields apply when its condition is true, whatever its
   own determination; unknown condition: its values are unknown (pend);
   false: not stated. */
static void test_assess_authorizes(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "fact setting: string = line.setting\n"
                      "branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true } }\n"
                      "assess \"loc\" \"level of care\" when a {\n"
                      "  criterion \"L.1\" \"outpatient\" { setting == \"outpatient\" }\n"
                      "  authorize { setting \"outpatient\"  inpatient_days 0 }\n}\n");
  judge(&x, "\"setting\": \"inpatient\", \"inpatient_days\": 2", "\"a\": true");
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_int_equal(x.lr->aspects[0].det, PD_DENY);
  assert_string_equal(x.lr->auth[POL_AUTH_SETTING].value.u.s, "outpatient");
  assert_string_equal(x.lr->auth[POL_AUTH_SETTING].requested.u.s, "inpatient");
  assert_int_equal(pol_auth_changes(x.p, x.lr),
                   (1u << POL_AUTH_SETTING) | (1u << POL_AUTH_INPATIENT_DAYS));
  judge(&x, "\"setting\": \"outpatient\", \"inpatient_days\": 0", "\"a\": true");
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_int_equal(pol_auth_changes(x.p, x.lr), 0);            /* as requested */
  judge(&x, "\"setting\": \"inpatient\"", "");                  /* condition unknown */
  assert_int_equal(x.lr->det, PD_PEND);
  assert_int_equal(x.lr->auth_open, 1);
  judge(&x, "\"setting\": \"inpatient\"", "\"a\": false");      /* does not apply */
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_int_equal(x.lr->authmask, 0);
  ex_free(&x);
}

/* Modified: both sides stated and different; levels compare as sets; a
   field the request does not state is no change. */
static void test_modified(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "fact levels: list<string> = line.levels\n"
                      "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { quantity 12  levels {\"L4-L5\", \"L5-S1\"} }\n}\n");
  judge(&x, "\"units\": 20, \"levels\": [\"L5-S1\", \"L4-L5\"]", "");
  assert_int_equal(pol_auth_changes(x.p, x.lr), 1u << POL_AUTH_QUANTITY);
  judge(&x, "\"units\": 12, \"levels\": [\"L4-L5\", \"L5-S1\", \"S1-S2\"]", "");
  assert_int_equal(pol_auth_changes(x.p, x.lr), 1u << POL_AUTH_LEVELS);
  judge(&x, "", "");
  assert_int_equal(x.lr->det, PD_APPROVE);
  assert_int_equal(pol_auth_changes(x.p, x.lr), 0);
  ex_free(&x);
}

/* ---- compile errors ----------------------------------------------------- */

static void compile_error(const char *body, const char *code)
{
  char src[2048];
  snprintf(src, sizeof src, HEAD "%s", body);
  Ex x;
  char *msgs = NULL;
  if (compile(&x, src, &msgs) == 0) {
    ex_free(&x);
    fail_msg("compiled, expected %s:\n%s", code, src);
  }
  if (!strstr(msgs, code)) fail_msg("expected %s, got:\n%s", code, msgs);
  free(msgs);
}

static void test_errors(void **state)
{
  (void)state;
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { units 3 } }\n", "E0260");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { window d to d } }\n", "E0260");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { quantity \"many\" } }\n", "E0261");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { levels 3 } }\n", "E0261");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { setting \"a\" setting \"b\" } }\n", "E0262");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { setting \"a\" } }\n"
                "assess \"x\" \"x\" when true { criterion \"X.1\" \"c\" { true }\n"
                "  authorize { setting \"b\" } }\n", "E0263");
  compile_error("branch \"B\" \"b\" when true { criterion \"B.1\" \"c\" { true }\n"
                "  authorize { per 1 year } }\n", "E0264");
}

/* ---- the verifier -------------------------------------------------------- */

static void test_verifier(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, HEAD "fact setting: string = line.setting\n"
                      "branch \"B\" \"b\" when true {\n"
                      "  criterion \"B.1\" \"c\" { true }\n"
                      "  authorize { quantity 2 per 1 year  setting s }\n}\n");
  pol_Program *p = x.p;
  char err[256];
  assert_int_equal(p->nauth, 3);
  assert_int_equal(pol_verify(p, err, sizeof err), 0);
  pol_Auth save = p->auth[1];
  p->auth[1].field = POL_AUTH__COUNT;
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->auth[1] = save;
  p->auth[1].field = POL_AUTH_QUANTITY;          /* out of order, twice */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->auth[1] = save;
  p->auth[0].reqfact = p->auth[2].reqfact;       /* a string fact for a quantity */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->auth[0].reqfact = POL_NOSTR;
  p->auth[1].reqfact = 0;                        /* per has no requested side */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  ex_free(&x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_known_unknown_value),
    cmocka_unit_test(test_coalesce_decides),
    cmocka_unit_test(test_range_is_not_exact),
    cmocka_unit_test(test_only_approved_lines),
    cmocka_unit_test(test_period),
    cmocka_unit_test(test_assess_authorizes),
    cmocka_unit_test(test_modified),
    cmocka_unit_test(test_errors),
    cmocka_unit_test(test_verifier),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
