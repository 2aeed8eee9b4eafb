/*
 * test_interp.c -- unit tests for compiler/interp.c, the reference
 * evaluator, against the VM: the order of evaluation and errors
 * (docs/language.md, "Evaluation order and errors").
 *
 * Each test judges one criterion both ways on small cases: an operand out
 * of range (a product of 90000000000) that `and`, `or`, `??`, `if`, a
 * quantifier, a compared `min`, a list operation or a call skips must stop
 * nothing, and the same operand reached must stop the case in both, with
 * the same message (line, criterion, operation).
 *
 * Ownership: a Pair owns its compiler, program, VM, case and JSON;
 * pair_free frees them.
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
#include "interp.h"
#include "vm.h"
#include "unit_compile.h"

/* Facts read from the case root (no stdlib). */
#define PRE                                                                      \
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n" \
  "record R { v: number  ok: bool  d: date }\n"                                   \
  "fact a: bool = a\nfact n: number = n\nfact m: number = m\n"                   \
  "fact L: list<R> = L\nfact cpt: string = line.cpt\n"

#define REQ "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 1, \"cpt\": \"X1\"}]}"

/* 90000000000 * 10 is out of range; 90000000000 itself is not. */
#define BIG "90000000000"

enum { STOPS = -1 };   /* the expected outcome: the case is not judged */

typedef struct Pair {
  pol_Compiler c;   /* kept: the evaluator reads its checked AST */
  pol_Program *p;
  pol_VM *vm;
  pol_Case *cs;
  json_t *root;
} Pair;

/* The policy PRE + lets + one branch with criterion "C" { expr }, checked,
   generated and round-tripped through a bundle (what a VM runs). */
static void pair_compile(Pair *x, const char *lets, const char *expr)
{
  char src[4096];
  snprintf(src, sizeof src, PRE "%s\nbranch \"B\" \"b\" when cpt == \"X1\" {\n"
           "  criterion \"C\" \"c\" { %s }\n}\n", lets, expr);
  memset(x, 0, sizeof *x);
  char *msgs;
  pol_Program *p = ut_compile_keep(&x->c, src, &msgs);
  if (!p) fail_msg("compile failed:\n%s\n--- source:\n%s", msgs, src);
  free(msgs);
  x->p = ut_reload(p);
  x->vm = pol_vm_new(x->p);
  x->cs = pol_case_new(x->p);
  assert_non_null(x->vm);
  assert_non_null(x->cs);
  pol_vm_set_trace(x->vm, 1);
}

static void pair_free(Pair *x)
{
  pol_case_free(x->cs);
  pol_vm_free(x->vm);
  pol_program_free(x->p);
  pol_compiler_free(&x->c);
  json_decref(x->root);
}

/* The VM's and the evaluator's outcome of the case {REQ, facts} for
   criterion C: its pol_Status, or STOPS; both must agree, and when both
   stop, on the message the VM gives. */
static int pair_judge(Pair *x, const char *facts)
{
  char js[2048], err[512];
  snprintf(js, sizeof js, "{\"case_id\": \"t\", " REQ "%s%s}", facts[0] ? ", " : "", facts);
  json_decref(x->root);
  json_error_t je;
  x->root = json_loads(js, 0, &je);
  if (!x->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  if (pol_case_load(x->cs, x->root, err, sizeof err) != 0) fail_msg("case: %s", err);
  const pol_LineResult *lr;
  int vm = pol_vm_eval(x->vm, x->cs, &lr, err, sizeof err) == 0 ? (int)lr[0].crit[0].status : STOPS;
  if (vm == STOPS && !strstr(err, "number out of range")) fail_msg("eval: %s", err);
  pol_InterpResult r;
  assert_int_equal(pol_interp_judge(&x->c, x->p, x->cs, 0, &r), 0);
  int ev = r.overflow ? STOPS : r.ncrit ? (int)r.status[0] : -2;
  if (vm != ev) fail_msg("facts %s: vm %d, evaluator %d (-1: stops)", facts, vm, ev);
  if (ev == STOPS) {
    /* the first number out of range is the same operation */
    char what[128];
    char a[POL_DEC_BUFSIZE], b[POL_DEC_BUFSIZE];
    pol_dec_format(r.ovf_a, a);
    pol_dec_format(r.ovf_b, b);
    snprintf(what, sizeof what, "criterion %s of P: number out of range: %s %c %s ",
             r.ovf_crit ? r.ovf_crit : "?", a, r.ovf_op >= 0 ? "+-*/"[r.ovf_op - O_ADD] : 'f', b);
    if (!strstr(err, what)) fail_msg("vm: %s; evaluator: %s", err, what);
  }
  pol_interp_result_free(&r);
  return vm;
}

/* expr judged on facts with the lets: want (a pol_Status or STOPS). */
static void check(const char *lets, const char *expr, const char *facts, int want)
{
  Pair x;
  pair_compile(&x, lets, expr);
  int got = pair_judge(&x, facts);
  if (got != want) fail_msg("%s on {%s}: %d, expected %d (-1: stops)", expr, facts, got, want);
  pair_free(&x);
}

static void test_and(void **state)
{
  (void)state;
  const char *e = "n > 0 and n * 10 > 0";
  check("", e, "\"n\": -" BIG, PS_NOT_MET);       /* false left side: b skipped */
  check("", e, "\"n\": " BIG, STOPS);             /* reached */
  check("", "n * 10 > 0 and n > 0", "\"n\": -" BIG, STOPS);   /* left first */
  /* an unknown left side decides nothing: b is evaluated */
  check("", "a and n * 10 > 0", "\"n\": " BIG, STOPS);
  check("", "a and n * 10 > 0", "\"a\": false, \"n\": " BIG, PS_NOT_MET);
  /* a chain stops at its first false operand */
  check("", "n > 0 and a and n * 10 > 0", "\"a\": true, \"n\": -" BIG, PS_NOT_MET);
}

static void test_or(void **state)
{
  (void)state;
  const char *e = "n < 0 or n * 10 > 0";
  check("", e, "\"n\": -" BIG, PS_MET);
  check("", e, "\"n\": " BIG, STOPS);
  check("", "not (n < 0) or n * 10 > 0", "\"n\": " BIG, PS_MET);
  check("", "a or n * 10 > 0", "\"n\": " BIG, STOPS);
}

static void test_coalesce_if(void **state)
{
  (void)state;
  check("", "(m ?? n * 10) > 0", "\"m\": 1, \"n\": " BIG, PS_MET);
  check("", "(m ?? n * 10) > 0", "\"n\": " BIG, STOPS);
  const char *e = "(if n < 0 then 1 else n * 10) > 0";
  check("", e, "\"n\": -" BIG, PS_MET);
  check("", e, "\"n\": " BIG, STOPS);
  /* an unknown condition: both branches */
  check("", "(if a then 1 else n * 10) > 0", "\"n\": " BIG, STOPS);
  check("", "(if a then 1 else n * 10) > 0", "\"a\": true, \"n\": " BIG, PS_MET);
}

#define L2(v1, v2) "\"L\": [{\"v\": " v1 ", \"ok\": true, \"d\": \"2025-01-01\"}, " \
                   "{\"v\": " v2 ", \"ok\": true, \"d\": \"2025-01-02\"}]"

static void test_quantifiers(void **state)
{
  (void)state;
  /* exists and no: up to the first true item */
  check("", "exists x in L where x.v * 10 > 0", L2("1", BIG), PS_MET);
  check("", "exists x in L where x.v * 10 > 0", L2("-1", BIG), STOPS);
  check("", "no x in L where x.v * 10 > 0", L2("1", BIG), PS_NOT_MET);
  check("", "no x in L where x.v * 10 > 0", L2("-1", BIG), STOPS);
  /* an unknown item decides nothing */
  check("", "exists x in L where x.v * 10 > 0",
        "\"L\": [{\"ok\": true}, {\"v\": " BIG "}]", STOPS);
  /* every: up to the first false item */
  check("", "every x in L where x.v * 10 < 0", L2("1", BIG), PS_NOT_MET);
  check("", "every x in L where x.v * 10 < 0", L2("-1", BIG), STOPS);
  /* first: the first item only */
  check("", "first x in L where x.v * 10 > 0", L2("1", BIG), PS_MET);
  check("", "first x in L where x.v * 10 > 0", L2(BIG, "1"), STOPS);
  /* an unknown list: no item */
  check("", "exists x in L where x.v * 10 > 0", "", PS_UNKNOWN);
  /* count evaluates every item */
  check("", "(count x in L where x.v * 10 > 0) >= 1", L2("1", BIG), STOPS);
}

static void test_list_operations(void **state)
{
  (void)state;
  /* the value of an item whose where is false is never computed */
  const char *sum = "(sum (x.v * 10) of x in L where x.ok) >= 0";
  check("", sum, "\"L\": [{\"v\": " BIG ", \"ok\": false}]", PS_MET);
  check("", sum, "\"L\": [{\"v\": " BIG ", \"ok\": true}]", STOPS);
  const char *cd = "(count distinct (x.v * 10) of x in L where x.ok) >= 1";
  check("", cd, "\"L\": [{\"v\": " BIG ", \"ok\": false}]", PS_NOT_MET);
  check("", cd, "\"L\": [{\"v\": " BIG ", \"ok\": true}]", STOPS);
  /* latest: the value of an item that cannot be the latest is not
     computed; its key is */
  const char *lt = "(latest (x.v * 10) of x in L where x.ok by x.d) > 0";
  check("", lt, L2(BIG, "1"), PS_MET);
  check("", lt, L2("1", BIG), STOPS);
  check("", "(latest x.v of x in L where x.ok by (x.v * 10)) > 0", L2("1", BIG), STOPS);
  check("", "(latest x.v of x in L where x.ok by (x.v * 10)) > 0",
        "\"L\": [{\"v\": 1, \"ok\": true}, {\"v\": " BIG ", \"ok\": false}]", PS_MET);
  /* a window operation: no item over an unknown window, nor for `longest
     gap` over an empty one; a coverage of an empty window looks at each */
#define GAP(from) "(longest gap in [" from ", 2025-03-01] of x.d of x in L where x.v * 10 > 0) >= 0"
#define COV(from) "(days of [" from ", 2025-03-01] covered by x in L where x.v * 10 > 0 from x.d to x.d) >= 0"
  check("", GAP("2025-04-01"), L2(BIG, "1"), PS_MET);
  check("", GAP("2025-01-01"), L2(BIG, "1"), STOPS);
  check("fact rdx: date = rdx\n", GAP("rdx"), L2(BIG, "1"), PS_UNKNOWN);
  check("", COV("2025-04-01"), L2(BIG, "1"), STOPS);
  check("fact rdx: date = rdx\n", COV("rdx"), L2(BIG, "1"), PS_UNKNOWN);
#undef GAP
#undef COV
}

static void test_min_max_compared(void **state)
{
  (void)state;
  /* min(a, b) < c is a < c or b < c */
  check("", "min(1, n * 10) < 5", "\"n\": " BIG, PS_MET);
  check("", "min(n * 10, 1) < 5", "\"n\": " BIG, STOPS);
  /* max(a, b) < c is a < c and b < c */
  check("", "max(1, n * 10) < 5", "\"n\": " BIG, STOPS);
  check("", "max(9, n * 10) < 5", "\"n\": " BIG, PS_NOT_MET);
  /* not compared: every argument */
  check("", "min(1, n * 10) + 0 < 5", "\"n\": " BIG, STOPS);
}

static void test_calls(void **state)
{
  (void)state;
  /* an argument whose parameter the body never names is not evaluated */
  check("let f(x: number): bool = true\n", "f(n * 10)", "\"n\": " BIG, PS_MET);
  check("let f(x: number): bool = n > 0\n", "f(n * 10)", "\"n\": " BIG, PS_MET);
  /* the others are, before the body, even where the body skips them */
  check("let g(x: number): bool = false and x > 0\n", "g(n * 10)", "\"n\": " BIG, STOPS);
  check("let h(x: number, y: number): bool = y > 0\n", "h(n * 10, 1)", "\"n\": " BIG, PS_MET);
  check("let h(x: number, y: number): bool = y > 0\n", "h(1, n * 10)", "\"n\": " BIG, STOPS);
  /* a let without parameters is its body, where it is used */
  check("let big = n * 10 > 0\n", "n < 0 or big", "\"n\": -" BIG, PS_MET);
  check("let big = n * 10 > 0\n", "n < 0 or big", "\"n\": " BIG, STOPS);
}

static void test_everything_else(void **state)
{
  (void)state;
  /* at least K of: every condition, even once decided */
  check("", "at least 1 of (n < 0, n * 10 > 0)", "\"n\": -" BIG, STOPS);
  /* unknown times a number is unknown, not an error */
  check("", "n * 10 > 0", "", PS_UNKNOWN);
  check("", "known(n * 10)", "\"n\": " BIG, STOPS);
  check("", "floor(n * 10) > 0", "\"n\": " BIG, STOPS);
  check("", "n * 0 == 0 or n * 10 > 0", "\"n\": " BIG, PS_MET);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_and),
    cmocka_unit_test(test_or),
    cmocka_unit_test(test_coalesce_if),
    cmocka_unit_test(test_quantifiers),
    cmocka_unit_test(test_list_operations),
    cmocka_unit_test(test_min_max_compared),
    cmocka_unit_test(test_calls),
    cmocka_unit_test(test_everything_else),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
