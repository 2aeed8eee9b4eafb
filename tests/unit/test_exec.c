/*
 * test_exec.c -- unit tests for vm/exec.c: every opcode, Kleene logic,
 * ranges, dates, coverage, distinct counts, the instruction budget and the
 * determinations, on small policies compiled from text and run over cases
 * built from JSON.
 *
 * Programs go through the whole pipeline (check, codegen, bundle write,
 * bundle load with verification) so only verified code runs.  The opcodes
 * of every program a test runs are recorded; the last test fails if some
 * opcode of vm/opcodes.def never ran.  JKNOWN and JMP, which the compiler
 * does not emit, run in a hand-assembled block that passes pol_verify.
 *
 * Ownership: an Ex owns its program, VM, case and JSON; ex_free frees them.
 */
#include <dlfcn.h>
#include <math.h>
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
#include "vm_impl.h"   /* the no-trace code (test_no_trace_code) */
#include "unit_compile.h"

/* ---- opcode coverage ---------------------------------------------------- */

static uint8_t seen_op[OP__COUNT];

static void mark_ops(const pol_Program *p)
{
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    pol_Op op = POL_OP(p->code[pc]);
    if (op < OP__COUNT) seen_op[op] = 1;
  }
}

/* the superinstructions (vm/wide.def FUSE) some test's no-trace code held
   when it ran (same_statuses) */
static uint8_t seen_fused[OPW__COUNT];

static void mark_fused(const pol_VM *vm)
{
  for (uint32_t w = 0; vm->wide_lean && w < vm->nlean; w++) seen_fused[vm->wide_lean[w].op] = 1;
}

/* ---- harness ------------------------------------------------------------ */

/* Facts of every kind, read from the case root (no stdlib). */
#define PRE                                                                   \
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n" \
  "record Inj { date: date  target: string  steroid: bool  relief: number }\n"  \
  "record Th { kind: string  start: date  end: date }\n"                        \
  "record Grp { name: string  inj: list<Inj> }\n"                               \
  "fact a: bool = a\nfact b: bool = b\nfact c: bool = c\n"                      \
  "fact n: number = n\nfact m: number = m\n"                                    \
  "fact d: date = d\nfact e: date = e\nfact s: string = s\n"                    \
  "fact tags: list<string> = tags\nfact inj: list<Inj> = inj\n"                 \
  "fact th: list<Th> = th\nfact grp: list<Grp> = grp\n"                         \
  "fact rdate: date = request.date\nfact cpt: string = line.cpt\n"

/* A case with one request line for code X1 on 2025-06-01, plus facts. */
#define REQ "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 1, \"cpt\": \"X1\"}]}"

typedef struct Ex {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *cs;
  json_t *root;
  char err[1024];
} Ex;

/* Where ex_compile finds extern libraries to pin (NULL: none). */
static const char *ex_lib;

/* Compiles src through a bundle round trip into x (asserts success). */
static void ex_compile(Ex *x, const char *src)
{
  memset(x, 0, sizeof *x);
  char *msgs;
  pol_Program *p = ut_compile(src, &msgs);
  if (!p) fail_msg("compile failed:\n%s\n--- source:\n%s", msgs, src);
  free(msgs);
  if (p->nxlib && pol_extern_pin(p, &ex_lib, ex_lib ? 1 : 0, x->err, sizeof x->err) != 0)
    fail_msg("pin: %s", x->err);
  x->p = ut_reload(p);
  mark_ops(x->p);
  x->vm = pol_vm_new(x->p);
  x->cs = pol_case_new(x->p);
  assert_non_null(x->vm);
  assert_non_null(x->cs);
}

/* Loads the case {"case_id": "t", REQ, facts}. */
static void ex_case(Ex *x, const char *facts)
{
  size_t cap = strlen(facts) + 512, n;
  char *js = malloc(cap);
  assert_non_null(js);
  n = (size_t)snprintf(js, cap, "{\"case_id\": \"t\"");
  if (facts[0] != '\0') n += (size_t)snprintf(js + n, cap - n, ", %s", facts);
  if (!strstr(facts, "\"request\"")) n += (size_t)snprintf(js + n, cap - n, ", " REQ);
  snprintf(js + n, cap - n, "}");
  json_decref(x->root);
  json_error_t je;
  x->root = json_loads(js, 0, &je);
  if (!x->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  if (pol_case_load(x->cs, x->root, x->err, sizeof x->err) != 0)
    fail_msg("case: %s\n%s", x->err, js);
  free(js);
}

static void ex_free(Ex *x)
{
  pol_case_free(x->cs);
  pol_vm_free(x->vm);
  pol_program_free(x->p);
  json_decref(x->root);
}

static uint32_t crit_index(const pol_Program *p, const char *id)
{
  for (uint32_t i = 0; i < p->ncrit; i++)
    if (strcmp(p->str[p->crit[i].id], id) == 0) return i;
  fail_msg("no criterion %s", id);
  return 0;
}

/* Runs the block of criterion id on the first line's slots. */
static pol_Value ex_run(Ex *x, const char *id)
{
  return pol_vm_run(x->vm, x->p->crit[crit_index(x->p, id)].block, pol_case_slots(x->cs, 0));
}

static const char *tri_name(pol_Tri t)
{
  return t == POL_TRUE ? "true" : t == POL_FALSE ? "false" : "unknown";
}

/* The truth of a boolean expression over facts (decls: extra declarations). */
static pol_Tri tri_d(const char *decls, const char *expr, const char *facts)
{
  char src[8192];
  snprintf(src, sizeof src, PRE "%s\nbranch \"B\" \"b\" when true {\n  criterion \"C\" \"c\" { %s }\n}\n",
           decls, expr);
  Ex x;
  ex_compile(&x, src);
  ex_case(&x, facts);
  pol_Value v = ex_run(&x, "C");
  assert_true(v.tag == PV_BOOL || v.tag == PV_UNK);
  ex_free(&x);
  return pol_truth(&v);
}

static void expect_d(const char *decls, const char *expr, const char *facts, pol_Tri want)
{
  pol_Tri got = tri_d(decls, expr, facts);
  if (got != want)
    fail_msg("%s\n  over {%s}\n  is %s, expected %s", expr, facts, tri_name(got), tri_name(want));
}

static void expect(const char *expr, const char *facts, pol_Tri want)
{
  expect_d("", expr, facts, want);
}

#define T POL_TRUE
#define F POL_FALSE
#define U POL_UNKNOWN

/* ---- Kleene logic ------------------------------------------------------- */

static const char *const tv[3] = {"false", "true", "null"};   /* index = pol_Tri */

static void test_and_truth_table(void **state)
{
  (void)state;
  /* F and x = F; T and x = x; U and F = F, U and T = U, U and U = U */
  static const pol_Tri want[3][3] = {{F, F, F}, {F, T, U}, {F, U, U}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      char facts[128];
      snprintf(facts, sizeof facts, "\"a\": %s, \"b\": %s", tv[i], tv[j]);
      expect("a and b", facts, want[i][j]);
    }
}

static void test_or_truth_table(void **state)
{
  (void)state;
  static const pol_Tri want[3][3] = {{F, T, U}, {T, T, T}, {U, T, U}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      char facts[128];
      snprintf(facts, sizeof facts, "\"a\": %s, \"b\": %s", tv[i], tv[j]);
      expect("a or b", facts, want[i][j]);
    }
}

static void test_not_truth_table(void **state)
{
  (void)state;
  expect("not a", "\"a\": false", T);
  expect("not a", "\"a\": true", F);
  expect("not a", "\"a\": null", U);
  /* absent is unknown like null */
  expect("not a", "", U);
  expect("not not a", "\"a\": null", U);
  expect("not not a", "\"a\": false", F);
}

static void test_kleene_compound(void **state)
{
  (void)state;
  /* de Morgan holds in Kleene logic */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      char facts[128];
      snprintf(facts, sizeof facts, "\"a\": %s, \"b\": %s", tv[i], tv[j]);
      pol_Tri l = tri_d("", "not (a and b)", facts), r = tri_d("", "not a or not b", facts);
      assert_int_equal(l, r);
      l = tri_d("", "not (a or b)", facts);
      r = tri_d("", "not a and not b", facts);
      assert_int_equal(l, r);
    }
  /* excluded middle fails on unknown */
  expect("a or not a", "\"a\": null", U);
  expect("a and not a", "\"a\": null", U);
  expect("a or not a", "\"a\": false", T);
  /* a comparison with an unknown operand is unknown */
  expect("n > 3 or a", "\"a\": false", U);
  expect("n > 3 and a", "\"a\": false", F);
}

static void test_at_least(void **state)
{
  (void)state;
  static const struct { const char *facts; pol_Tri want; } cases[] = {
    {"\"a\": true, \"b\": true, \"c\": null", T},
    {"\"a\": true, \"b\": null, \"c\": null", U},
    {"\"a\": true, \"b\": false, \"c\": null", U},
    {"\"a\": true, \"b\": false, \"c\": false", F},
    {"\"a\": false, \"b\": false, \"c\": null", F},
    {"\"a\": true, \"b\": true, \"c\": true", T},
    {"\"a\": null, \"b\": null, \"c\": null", U},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect("at least 2 of (a, b, c)", cases[i].facts, cases[i].want);
  expect("at least 1 of (a)", "\"a\": null", U);
  expect("at least 3 of (a, b, c)", "\"a\": true, \"b\": true, \"c\": false", F);
  expect("at least 1 of (n > 1, s == \"x\")", "\"n\": 0, \"s\": \"x\"", T);
}

/* ---- comparisons and arithmetic ----------------------------------------- */

static void test_comparisons(void **state)
{
  (void)state;
  const char *n5 = "\"n\": 5, \"m\": 7";
  expect("n == 5", n5, T);
  expect("n != 5", n5, F);
  expect("n < m", n5, T);
  expect("n <= 5", n5, T);
  expect("n > m", n5, F);
  expect("n >= 5.0", n5, T);
  expect("n == 5", "\"n\": null", U);
  expect("n < m", "\"n\": 1", U);
  expect("d < e", "\"d\": \"2025-01-01\", \"e\": \"2025-01-02\"", T);
  expect("d == e", "\"d\": \"2025-01-01\", \"e\": \"2025-01-01\"", T);
  expect("d >= 2025-01-02", "\"d\": \"2025-01-01\"", F);
  expect("a == true", "\"a\": true", T);
  expect("a != b", "\"a\": true, \"b\": false", T);
  expect("a == false", "\"a\": null", U);
  /* strings: a case string that is also a program string, and one that
     is not */
  expect("s == \"female\"", "\"s\": \"female\"", T);
  expect("s == \"female\"", "\"s\": \"fe\"", F);
  expect("s != \"female\"", "\"s\": \"unheard-of\"", T);
  expect("s == \"female\"", "\"s\": null", U);
}

static void test_arithmetic(void **state)
{
  (void)state;
  const char *nm = "\"n\": 7, \"m\": 2";
  expect("n + m == 9", nm, T);
  expect("n - m == 5", nm, T);
  expect("n * m == 14", nm, T);
  expect("n / m == 3.5", nm, T);
  expect("-n == -7", nm, T);
  expect("-n == -7", "\"n\": null", U);
  expect("floor(n / m) == 3", nm, T);
  expect("floor(-2.5) == -3 and floor(n) == n", nm, T);
  expect("floor(n) == 1", "\"n\": null", U);
  /* division by zero is unknown, not infinity */
  expect("n / m > 1", "\"n\": 7, \"m\": 0", U);
  expect("n / 0 > 1 or true", "\"n\": 7", T);
  expect("n + m > 1", "\"n\": 7, \"m\": null", U);
  expect("(n ?? 0) + 1 == 1", "\"n\": null", T);
  expect("(n ?? 0) + 1 == 8", "\"n\": 7", T);
  expect("(n ?? m) == 2", "\"n\": null, \"m\": 2", T);
  expect("(n ?? m) == 2", "\"n\": null, \"m\": null", U);
  /* 0 times any number is 0 */
  expect("n * 0 == 0", "\"n\": null", T);
  expect("0 * n < 1", "\"n\": null", T);
  expect("(n - n) * m == 0", "\"n\": 3, \"m\": null", T);
  expect("n * m == 0", "\"n\": 0, \"m\": null", T);
  expect("n * m == 0", "\"n\": 1, \"m\": null", U);
  expect("0 / n == 0", "\"n\": null", U);   /* n may be 0 */
}

static void test_known_and_coalesce(void **state)
{
  (void)state;
  expect("known(n)", "\"n\": 0", T);
  expect("known(n)", "\"n\": null", F);
  expect("known(n)", "", F);
  expect("known(a)", "\"a\": false", T);
  expect("known(tags)", "\"tags\": []", T);
  expect("known(inj)", "\"inj\": null", F);
  expect("not known(d)", "\"d\": null", T);
  expect("(a ?? true)", "\"a\": null", T);
  expect("(a ?? true)", "\"a\": false", F);
  expect("(s ?? \"x\") == \"x\"", "", T);
  expect("(d ?? rdate) == 2025-06-01", "\"d\": null", T);
}

/* ---- dates --------------------------------------------------------------- */

static void test_date_arithmetic(void **state)
{
  (void)state;
  static const struct { const char *expr, *d; } cases[] = {
    {"d + 1 month == 2025-02-28", "2025-01-31"},
    {"d - 12 months == 2023-02-28", "2024-02-29"},
    {"d + 12 months == 2025-02-28", "2024-02-29"},
    {"d + 1 year == 2025-02-28", "2024-02-29"},
    {"d + 4 years == 2028-02-29", "2024-02-29"},
    {"d + 1 month == 2024-02-29", "2024-01-31"},
    {"d - 1 month == 2025-02-28", "2025-03-31"},
    {"d + 1 month == 2025-04-30", "2025-03-31"},
    {"d + 1 day == 1900-03-01", "1900-02-28"},
    {"d + 1 day == 2000-02-29", "2000-02-28"},
    {"d + 6 weeks == 2025-02-12", "2025-01-01"},
    {"d + 13 months == 2026-02-28", "2025-01-31"},
    {"d - 6 months == 2024-08-28", "2025-02-28"},
    {"d - 6 months == 2024-09-30", "2025-03-31"},
    {"d + 1 day == 2026-01-01", "2025-12-31"},
    {"d - 30 days == 2024-12-31", "2025-01-30"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char facts[64];
    snprintf(facts, sizeof facts, "\"d\": \"%s\"", cases[i].d);
    expect(cases[i].expr, facts, T);
  }
  /* date - date in days, across a leap year and not */
  expect("e - d == 366", "\"d\": \"2024-01-01\", \"e\": \"2025-01-01\"", T);
  expect("e - d == 365", "\"d\": \"2025-01-01\", \"e\": \"2026-01-01\"", T);
  expect("d - e == -1", "\"d\": \"2025-02-28\", \"e\": \"2025-03-01\"", T);
  expect("e - d == 1", "\"d\": \"2024-02-28\", \"e\": \"2024-02-29\"", T);
  expect("d + 1 month == 2025-01-01", "\"d\": null", U);
}

static void test_windows(void **state)
{
  (void)state;
  const char *de = "\"d\": \"2025-03-10\", \"e\": \"2025-03-01\"";
  expect("d within [e, e + 9 days]", de, T);
  expect("d within [e, e + 8 days]", de, F);
  expect("e within [e, e]", de, T);
  expect("d within [e - 1 day, e]", de, F);
  expect("d within [e, rdate]", de, T);
  expect("d within [e, e + 30 days]", "\"d\": null, \"e\": \"2025-03-01\"", U);
  expect("d within [e, rdate]", "\"d\": \"2025-03-10\", \"e\": null", U);
  /* one end unknown: a date beyond the known end is outside, whatever it is */
  expect("d within [e, rdate]", "\"d\": \"2025-07-01\", \"e\": null", F);
  expect("d within [rdate, e]", "\"d\": \"2025-05-31\", \"e\": null", F);
  expect("d within [rdate, e]", "\"d\": \"2025-06-01\", \"e\": null", U);
  expect("d within [e, rdate]", "\"d\": null, \"e\": null", U);
  expect("d within [e, d]", "\"d\": null, \"e\": null", U);
  /* an empty window holds no date, known or not */
  expect("d within [rdate, rdate - 1 day]", "\"d\": null", F);
  /* a window with an unknown end is not known; its known end is */
  expect("known([e, rdate])", "\"e\": null", F);
  expect("known([e, rdate])", "\"e\": \"2025-01-01\"", T);
  expect_d("let w = [e, rdate]\n", "end_of(w) == 2025-06-01", "\"e\": null", T);
  expect_d("let w = [e, rdate]\n", "known(start_of(w))", "\"e\": null", F);
  expect_d("let w = [e, rdate]\n", "d within (w ?? [rdate, rdate])", "\"d\": \"2025-06-01\", \"e\": null", T);
  expect_d("let w = [rdate, e]\n",
           "(days of w covered by th where true from start to end) >= 0", "\"e\": null, \"th\": []", U);
  expect_d("let w = [e, e + 30 days]\n", "start_of(w) == e and end_of(w) == 2025-03-31", de, T);
  expect_d("let w = [e, d]\n", "end_of(w) == 2025-03-01", "\"e\": \"2025-03-01\"", U);
}

/* ---- strings, sets, lists ------------------------------------------------ */

static void test_membership(void **state)
{
  (void)state;
  expect("s in {\"ct\", \"mri\"}", "\"s\": \"mri\"", T);
  expect("s in {\"ct\", \"mri\"}", "\"s\": \"xray\"", F);
  expect("s in {\"ct\", \"mri\"}", "\"s\": \"unheard-of\"", F);
  expect("s in {\"ct\", \"mri\"}", "\"s\": null", U);
  expect("s not in {\"ct\", \"mri\"}", "\"s\": \"xray\"", T);
  expect("s not in {\"ct\", \"mri\"}", "\"s\": null", U);
  /* in a list<string> from the case (the loader refuses null items) */
  expect("s in tags", "\"s\": \"x\", \"tags\": [\"y\", \"x\"]", T);
  expect("s in tags", "\"s\": \"y\", \"tags\": [\"x\"]", F);
  expect("s in tags", "\"s\": \"y\", \"tags\": []", F);
  expect("s in tags", "\"s\": \"y\", \"tags\": null", U);
  /* nothing is in an empty list, not even an unknown string */
  expect("s in tags", "\"s\": null, \"tags\": []", F);
  expect("s not in tags", "\"s\": null, \"tags\": []", T);
  expect("s in tags", "\"s\": null, \"tags\": [\"x\"]", U);
  expect("s not in tags", "\"s\": \"y\", \"tags\": [\"x\"]", T);
  /* two case strings neither of which is a program string */
  expect("s in tags", "\"s\": \"zzz-1\", \"tags\": [\"zzz-1\"]", T);
  expect("\"lit\" in tags", "\"tags\": [\"a\", \"lit\"]", T);
}

static void test_quantifiers(void **state)
{
  (void)state;
  const char *two = "\"inj\": [{\"target\": \"sij\", \"steroid\": true}, {\"target\": \"hip\", \"steroid\": false}]";
  expect("exists inj where target == \"sij\"", two, T);
  expect("exists inj where target == \"knee\"", two, F);
  expect("every inj where target == \"sij\"", two, F);
  expect("every inj where known(target)", two, T);
  expect("no inj where target == \"knee\"", two, T);
  expect("no inj where steroid", two, F);
  expect("exists i in inj where i.steroid and i.target == \"sij\"", two, T);
  /* unknown items */
  const char *unk = "\"inj\": [{\"target\": null}, {\"target\": \"hip\"}]";
  expect("exists inj where target == \"sij\"", unk, U);
  expect("exists inj where target == \"hip\"", unk, T);
  expect("every inj where target == \"hip\"", unk, U);
  expect("every inj where target == \"sij\"", unk, F);
  expect("no inj where target == \"sij\"", unk, U);
  /* an item with no fields at all: every field unknown */
  expect("exists inj where target == \"sij\"", "\"inj\": [{}]", U);
  /* empty and unknown lists */
  expect("exists inj where true", "\"inj\": []", F);
  expect("every inj where false", "\"inj\": []", T);
  expect("no inj where true", "\"inj\": []", T);
  expect("exists inj where true", "\"inj\": null", U);
  expect("every inj where true", "", U);
  expect("exists tags where it == \"x\"", "\"tags\": [\"y\", \"x\"]", T);
  /* nested, with the outer item's field inside the inner body (named: a
     bare `inj` would be both the fact and Grp's field, E0208) */
  const char *g = "\"grp\": [{\"name\": \"g1\", \"inj\": [{\"target\": \"sij\"}]}, "
                  "{\"name\": \"g2\", \"inj\": [{\"target\": \"hip\"}]}]";
  expect("exists o in grp where exists o.inj where target == \"hip\" and o.name == \"g2\"", g, T);
  expect("exists o in grp where exists o.inj where target == \"hip\" and o.name == \"g1\"", g, F);
  expect("every o in grp where count o.inj == 1", g, T);
  expect("count tags == 2", "\"tags\": [\"a\", \"a\"]", T);
  expect("count tags == 2", "\"tags\": null", U);
}

/* ---- counts and ranges --------------------------------------------------- */

static void test_count_ranges(void **state)
{
  (void)state;
  static const struct { const char *expr, *inj; pol_Tri want; } cases[] = {
    {">= 2", "true, true", T},
    {">= 2", "true, null", U},
    {">= 2", "true, false", F},
    {">= 1", "null, null, true", T},
    {"== 2", "true, null, false", U},
    {"== 1", "true, false", T},
    {"!= 1", "true, null", U},
    {"!= 1", "true, true", T},
    {"< 3", "true, true, null", U},
    {"< 4", "true, true, null", T},
    {"> 0", "null", U},
    {"<= 0", "false, null", U},
    {"<= 0", "false", T},
    {"== 0", "", T},
    {"+ 1 >= 3", "true, true", T},
    {"+ 1 >= 3", "true, null", U},
    {"- 1 == 0", "true, false", T},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char expr[128], facts[512];
    snprintf(expr, sizeof expr, "(count inj where steroid) %s", cases[i].expr);
    size_t k = (size_t)snprintf(facts, sizeof facts, "\"inj\": [");
    const char *p = cases[i].inj;
    while (*p) {
      const char *q = strchr(p, ',');
      size_t len = q ? (size_t)(q - p) : strlen(p);
      k += (size_t)snprintf(facts + k, sizeof facts - k, "%s{\"steroid\": %.*s}",
                            p == cases[i].inj ? "" : ", ", (int)len, p);
      p += len;
      while (*p == ',' || *p == ' ') p++;
    }
    snprintf(facts + k, sizeof facts - k, "]");
    expect(expr, facts, cases[i].want);
  }
  /* range against range: [1, 2] vs [0, 1] */
  expect("(count inj where steroid) >= (count inj where not steroid)",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]", T);
  expect("(count inj where steroid) > (count inj where not steroid)",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]", U);
  expect("(count inj where steroid) >= 1", "\"inj\": null", U);
}

static void test_count_distinct(void **state)
{
  (void)state;
  const char *cd = "(count distinct date of inj where steroid)";
  char expr[256];
#define CD(op, facts, want) do { snprintf(expr, sizeof expr, "%s %s", cd, op); expect(expr, facts, want); } while (0)
  CD("== 1", "\"inj\": [{\"date\": \"2025-01-01\", \"steroid\": true}, {\"date\": \"2025-01-01\", \"steroid\": true}]", T);
  CD("== 2", "\"inj\": [{\"date\": \"2025-01-01\", \"steroid\": true}, {\"date\": \"2025-01-02\", \"steroid\": true}]", T);
  /* an unknown key can only raise the possible count */
  const char *uk = "\"inj\": [{\"date\": null, \"steroid\": true}, {\"date\": \"2025-01-01\", \"steroid\": true}]";
  CD(">= 1", uk, T);
  CD(">= 2", uk, U);
  CD("== 1", uk, U);
  CD("> 2", uk, F);
  /* two unknown keys: possibly 2 distinct, surely 1 (each has some key) */
  const char *uk2 = "\"inj\": [{\"date\": null, \"steroid\": true}, {\"steroid\": true}]";
  CD(">= 1", uk2, T);
  CD(">= 2", uk2, U);
  CD("<= 2", uk2, T);
  /* an unknown key whose item only may qualify: surely 0 */
  CD(">= 1", "\"inj\": [{\"date\": null, \"steroid\": null}]", U);
  CD("<= 1", "\"inj\": [{\"date\": null, \"steroid\": null}]", T);
  /* items whose condition is false do not count, whatever their key */
  CD("== 0", "\"inj\": [{\"date\": null, \"steroid\": false}]", T);
  /* a key whose items only may qualify is possible, not sure */
  CD(">= 1", "\"inj\": [{\"date\": \"2025-01-01\", \"steroid\": null}]", U);
  CD("== 0", "\"inj\": [{\"date\": \"2025-01-01\", \"steroid\": null}]", U);
  /* ... until a sure item has the same key */
  CD("== 1", "\"inj\": [{\"date\": \"2025-01-01\", \"steroid\": null}, {\"date\": \"2025-01-01\", \"steroid\": true}]", T);
  CD(">= 1", "\"inj\": null", U);
  CD("== 0", "\"inj\": []", T);
#undef CD
  /* string and number keys */
  expect("(count distinct target of inj where true) == 2",
         "\"inj\": [{\"target\": \"sij\"}, {\"target\": \"sij\"}, {\"target\": \"hip\"}]", T);
  expect("(count distinct relief of inj where true) == 2",
         "\"inj\": [{\"relief\": 50}, {\"relief\": 50.0}, {\"relief\": 80}]", T);
  expect("(count distinct it of tags where true) == 2", "\"tags\": [\"a\", \"b\", \"a\"]", T);
  expect("(count distinct steroid of inj where true) == 2",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": false}, {\"steroid\": true}]", T);
}

/* ---- coverage ------------------------------------------------------------ */

/* days of the window covered by th where kind == "pt" (kind absent: pt) */
static void cover_is(const char *window, const char *ths, const char *cmp, pol_Tri want)
{
  char expr[512], facts[2048];
  snprintf(expr, sizeof expr, "(days of %s covered by th where (kind ?? \"pt\") == \"pt\" "
                              "from start to end) %s", window, cmp);
  snprintf(facts, sizeof facts, "\"th\": [%s]", ths);
  expect(expr, facts, want);
}

#define TH(s, e) "{\"start\": " s ", \"end\": " e "}"
#define D(x) "\"" x "\""

static void test_coverage(void **state)
{
  (void)state;
  const char *W = "[2025-01-01, 2025-12-31]";
  /* overlapping, adjacent, disjoint, nested, duplicated */
  cover_is(W, TH(D("2025-01-01"), D("2025-01-10")) "," TH(D("2025-01-05"), D("2025-01-20")), "== 20", T);
  cover_is(W, TH(D("2025-01-01"), D("2025-01-10")) "," TH(D("2025-01-11"), D("2025-01-20")), "== 20", T);
  cover_is(W, TH(D("2025-02-01"), D("2025-02-10")) "," TH(D("2025-01-01"), D("2025-01-10")), "== 20", T);
  cover_is(W, TH(D("2025-01-01"), D("2025-01-31")) "," TH(D("2025-01-05"), D("2025-01-06")), "== 31", T);
  cover_is(W, TH(D("2025-03-01"), D("2025-03-01")) "," TH(D("2025-03-01"), D("2025-03-01")), "== 1", T);
  /* clipped to the window at both ends */
  cover_is("[2025-01-01, 2025-01-31]", TH(D("2024-12-20"), D("2025-01-05")), "== 5", T);
  cover_is("[2025-01-01, 2025-01-31]", TH(D("2025-01-25"), D("2025-02-10")), "== 7", T);
  cover_is("[2025-01-01, 2025-01-31]", TH(D("2024-01-01"), D("2026-01-01")), "== 31", T);
  cover_is("[2025-01-01, 2025-01-31]", TH(D("2025-02-01"), D("2025-03-01")), "== 0", T);
  /* start after end: ignored */
  cover_is(W, TH(D("2025-01-10"), D("2025-01-01")), "== 0", T);
  cover_is(W, TH(D("2025-01-10"), D("2025-01-01")) "," TH(D("2025-01-01"), D("2025-01-03")), "== 3", T);
  /* unknown start or end of a relevant item: a range up to the window */
  const char *unk = TH(D("2025-01-01"), D("2025-01-10")) "," TH("null", D("2025-01-20"));
  cover_is("[2025-01-01, 2025-01-31]", unk, ">= 10", T);
  cover_is("[2025-01-01, 2025-01-31]", unk, ">= 11", U);
  cover_is("[2025-01-01, 2025-01-31]", unk, "<= 31", T);
  cover_is("[2025-01-01, 2025-01-31]", unk, "> 31", F);
  cover_is("[2025-01-01, 2025-01-31]", unk, "== 10", U);
  cover_is("[2025-01-01, 2025-01-31]", TH(D("2025-01-01"), "null"), ">= 1", U);
  /* an item whose condition is false does not count, whatever its dates */
  const char *kinds = "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
                      "{\"kind\": \"ot\", \"start\": \"2025-02-01\", \"end\": \"2025-02-10\"}, "
                      "{\"kind\": \"ot\", \"start\": null, \"end\": null}]";
  expect("(days of [2025-01-01, 2025-12-31] covered by th where kind == \"pt\" from start to end) == 10",
         kinds, T);
  /* one whose condition is unknown may count: [10, 20] */
  const char *maybe = "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
                      "{\"kind\": null, \"start\": \"2025-03-01\", \"end\": \"2025-03-10\"}]";
  const char *cov = "(days of [2025-01-01, 2025-12-31] covered by th where kind == \"pt\" from start to end)";
  char ce[256];
  static const struct { const char *cmp; pol_Tri want; } mc[] = {
    {">= 10", T}, {"== 10", U}, {">= 15", U}, {"<= 20", T}, {"> 20", F}, {">= 30", F}};
  for (size_t i = 0; i < sizeof mc / sizeof mc[0]; i++) {
    snprintf(ce, sizeof ce, "%s %s", cov, mc[i].cmp);
    expect(ce, maybe, mc[i].want);
  }
  /* ... overlapping a sure one, it adds only the days it may add */
  expect("(days of [2025-01-01, 2025-12-31] covered by th where kind == \"pt\" from start to end) <= 12",
         "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
         "{\"kind\": null, \"start\": \"2025-01-05\", \"end\": \"2025-01-12\"}]", T);
  /* ... and with an unknown date it may cover the whole window */
  expect("(days of [2025-01-01, 2025-01-31] covered by th where kind == \"pt\" from start to end) >= 31",
         "\"th\": [{\"kind\": null, \"start\": null, \"end\": \"2025-01-31\"}]", U);
  expect("(days of [2025-01-01, 2025-01-31] covered by th where kind == \"pt\" from start to end) > 31",
         "\"th\": [{\"kind\": null, \"start\": null, \"end\": \"2025-01-31\"}]", F);
  /* an ongoing item ends at the request date through ?? */
  expect("(days of [2025-05-01, 2025-12-31] covered by th where true from start to end ?? rdate) == 32",
         "\"th\": [{\"start\": \"2025-05-01\", \"end\": null}]", T);
  /* exactly 182 days (6 months as policies count them) */
  const char *w365 = "[2024-06-01, 2025-05-31]";
  cover_is(w365, TH(D("2024-12-01"), D("2025-05-31")), ">= 182", T);
  cover_is(w365, TH(D("2024-12-01"), D("2025-05-31")), "== 182", T);
  cover_is(w365, TH(D("2024-12-02"), D("2025-05-31")), ">= 182", F);
  cover_is(w365, TH(D("2024-12-01"), D("2025-02-28")) "," TH(D("2025-03-01"), D("2025-05-31")), "== 182", T);
  /* a leap year window counts Feb 29 */
  cover_is("[2024-02-01, 2024-03-31]", TH(D("2024-02-01"), D("2024-03-31")), "== 60", T);
  /* unknown list, unknown window */
  expect("(days of [2025-01-01, 2025-12-31] covered by th where true from start to end) >= 0",
         "\"th\": null", U);
  expect("(days of [d, 2025-12-31] covered by th where true from start to end) >= 0",
         "\"d\": null, \"th\": []", U);
  /* an empty or reversed window covers nothing */
  cover_is("[2025-02-01, 2025-01-01]", TH(D("2025-01-01"), D("2025-12-31")), "== 0", T);
  cover_is(W, "", "== 0", T);
  /* without `where` every item counts */
  expect("(days of [2025-01-01, 2025-01-31] covered by th from start to end) == 31",
         "\"th\": [{\"kind\": \"x\", \"start\": \"2025-01-01\", \"end\": \"2025-01-31\"}]", T);
}

/* Intervals in reverse order, more than the insertion sort takes (exec.c,
   SORT_INSERTION_MAX) and fewer, disjoint and overlapping: the days and
   the longest run do not depend on the order the items come in. */
static void test_coverage_order(void **state)
{
  (void)state;
  char ths[4096], expr[512], facts[4200];
  for (int n = 2; n <= 40; n += 7) {
    for (int overlap = 0; overlap <= 1; overlap++) {
      /* item k: days [2k, 2k + overlap] after 2025-01-01 (k = n-1 .. 0);
         overlapping ones make one run of 2n days */
      size_t m = 0;
      int32_t d0 = pol_days_from_civil(2025, 1, 1);
      for (int k = n - 1; k >= 0; k--) {
        char s[POL_DATE_BUFSIZE], e[POL_DATE_BUFSIZE];
        pol_format_date(d0 + 2 * k, s);
        pol_format_date(d0 + 2 * k + overlap, e);
        m += (size_t)snprintf(ths + m, sizeof ths - m, "%s{\"start\": \"%s\", \"end\": \"%s\"}",
                              m ? "," : "", s, e);
      }
      snprintf(facts, sizeof facts, "\"th\": [%s]", ths);
      snprintf(expr, sizeof expr, "(days of [2025-01-01, 2025-12-31] covered by th from start to end) == %d",
               overlap ? 2 * n : n);
      expect(expr, facts, T);
      snprintf(expr, sizeof expr, "(longest run of [2025-01-01, 2025-12-31] covered by th from start to end) == %d",
               overlap ? 2 * n : 1);
      expect(expr, facts, T);
    }
  }
}

/* Judges x's case traced, then untraced, and fails the test if one of
   the first nc criteria's statuses differs between them (case k, for the
   message); visits[on], when not NULL, gets the items each run visited. */
static void same_statuses(Ex *x, int nc, size_t k, uint64_t visits[2])
{
  uint8_t st[2][16];
  assert_true(nc <= 16);
  for (int on = 1; on >= 0; on--) {
    const pol_LineResult *r;
    pol_vm_set_trace(x->vm, on);
    assert_int_equal(pol_vm_eval(x->vm, x->cs, &r, x->err, sizeof x->err), 0);
    for (int c = 0; c < nc; c++) st[on][c] = r[0].crit[c].status;
    if (visits) visits[on] = x->vm->visits;
    if (!on) mark_fused(x->vm);
  }
  for (int c = 0; c < nc; c++)
    if (st[0][c] != st[1][c])
      fail_msg("case %zu, C%d: traced %s, untraced %s", k, c + 1, pol_status_name(st[1][c]),
               pol_status_name(st[0][c]));
}

/* The least budget (below 10 000) with which x's case is judged, failing
   the test if a budget makes the traced and the untraced run differ in
   whether they finish (case k, for the message). */
static uint64_t budget_needed(Ex *x, size_t k)
{
  for (uint64_t bud = 1; bud < 10000; bud++) {
    const pol_LineResult *r;
    int rc[2];
    for (int on = 1; on >= 0; on--) {
      pol_vm_set_trace(x->vm, on);
      pol_vm_set_budget(x->vm, bud);
      rc[on] = pol_vm_eval(x->vm, x->cs, &r, x->err, sizeof x->err);
    }
    if (rc[0] != rc[1]) fail_msg("case %zu, budget %llu: traced %d, untraced %d", k, (unsigned long long)bud, rc[1], rc[0]);
    if (rc[0] == 0) return bud;
  }
  return 0;
}

/* Without a trace, COVER, RUN and GAP read a start, end or key block that
   is a field (`start`) or a field else a fact (`end ?? rdate`) in place
   instead of running it (exec.c, read_shapes): the same statuses as the
   traced run, unknown fields, facts and bodies included, and the budget
   runs out at the same place (each read is charged its block's length). */
static void test_window_reads(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C1\" \"\" { (days of [2025-01-01, 2025-12-31] covered by th where kind == \"pt\"\n"
                     "                          from start to end ?? rdate) >= 40 }\n"
                     "  criterion \"C2\" \"\" { (longest run of [2025-01-01, 2025-12-31] covered by th\n"
                     "                          from start to end ?? e) >= 20 }\n"
                     "  criterion \"C3\" \"\" { (longest gap in [2025-01-01, 2025-12-31] of date of inj\n"
                     "                          where steroid) <= 150 }\n"
                     "  criterion \"C4\" \"\" { (days of [2025-01-01, 2025-12-31] covered by th\n"
                     "                          from start + 1 day to end) >= 10 }\n"
                     "}\n");
  static const char *const cases[] = {
    "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-02-01\", \"end\": \"2025-03-31\"}, "
    "{\"kind\": \"ot\", \"start\": \"2025-04-01\", \"end\": null}], "
    "\"inj\": [{\"date\": \"2025-03-01\", \"steroid\": true}, {\"date\": \"2025-08-01\", \"steroid\": null}]",
    "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-05-20\", \"end\": null}, {\"kind\": null, \"start\": null, "
    "\"end\": \"2025-01-20\"}], \"e\": \"2025-06-30\", \"inj\": [{\"date\": null, \"steroid\": true}]",
    "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-05-20\", \"end\": null}], "
    "\"inj\": [{\"date\": \"2025-06-01\", \"steroid\": false}]",
    "\"th\": [{\"kind\": \"pt\"}, {\"kind\": \"pt\", \"start\": \"2024-01-01\", \"end\": \"2026-01-01\"}]",
    "\"th\": [], \"inj\": []",
    "",
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ex_case(&x, cases[k]);
    same_statuses(&x, 4, k, NULL);
  }
  /* which blocks are read in place: the bare starts, the ends, the key;
     never a body (run), nor start + 1 day */
  const pol_VM *vm = x.vm;
  const pol_Program *p = x.p;
  assert_non_null(vm->lean_read);
  uint32_t inplace = 0, run = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    pol_Op op = POL_OP(p->code[pc]);
    if (op != OP_COVER && op != OP_RUN && op != OP_GAP) continue;
    for (int j = 0; j < pol_opinfo[op].extra; j++) {
      char role = pol_opinfo[op].xroles[j];
      if (role == 'w') continue;
      uint32_t b = POL_Ax(p->code[pc + 1 + (uint32_t)j]);
      if (role == 'b') continue;
      if (vm->lean_read[b]) inplace++;
      else run++;
    }
  }
  assert_int_equal(inplace, 6);   /* C1 s e, C2 s e, C3 k, C4 e */
  assert_int_equal(run, 1);       /* C4's start */
  /* the same budget runs out at the same place, traced or not */
  ex_case(&x, cases[0]);
  assert_true(budget_needed(&x, 0) > 20);
  ex_free(&x);
}

/* Quantifiers over a body of one field read or comparison (exec.c,
   leaf_quantifiers: OPW_EXISTS1, OPW_EVERY1 in the decoded no-trace code)
   judge as the traced run does, count the same items and run out of
   budget at the same place: true, false and unknown fields, missing and
   empty lists, a leaf body inside a body that is not one. */
static void test_leaf_quantifiers(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C1\" \"\" { exists inj where target == \"sij\" }\n"
                     "  criterion \"C2\" \"\" { every inj where target in {\"sij\", \"hip\"} }\n"
                     "  criterion \"C3\" \"\" { exists inj where steroid }\n"
                     "  criterion \"C4\" \"\" { every inj where steroid }\n"
                     "  criterion \"C5\" \"\" { exists g in grp where g.name == \"x\" and\n"
                     "                          (exists i in g.inj where i.target == \"knee\") }\n"
                     "  criterion \"C6\" \"\" { (count inj where steroid) >= 1 }\n"
                     "}\n");
  static const char *const cases[] = {
    "\"inj\": [{\"target\": \"sij\", \"steroid\": true}, {\"target\": \"hip\", \"steroid\": false}]",
    "\"inj\": [{\"target\": null, \"steroid\": null}, {\"target\": \"sij\", \"steroid\": true}]",
    "\"inj\": [{\"target\": \"knee\", \"steroid\": true}, {\"steroid\": true}]",
    "\"inj\": [{\"target\": \"hip\"}, {\"target\": \"knee\", \"steroid\": false}, {\"target\": \"sij\"}]",
    "\"inj\": [], \"grp\": []",
    "\"grp\": [{\"name\": \"x\", \"inj\": [{\"target\": \"hip\"}, {\"target\": null}]}, "
    "{\"name\": \"x\", \"inj\": [{\"target\": \"knee\"}]}]",
    "\"grp\": [{\"name\": \"x\", \"inj\": [{\"target\": \"hip\"}]}, {\"name\": null, \"inj\": []}]",
    "",
  };
  enum { NC = 6 };
  /* the program's code is decoded a block at a time, when it first runs
     (exec.c widen_block): nothing before the first evaluation */
  for (uint32_t b = 0; b < x.vm->p->nblocks; b++) assert_int_equal(x.vm->wide_done[b], 0);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ex_case(&x, cases[k]);
    uint64_t visits[2];
    pol_vm_set_budget(x.vm, 0);
    same_statuses(&x, NC, k, visits);
    assert_int_equal(visits[0], visits[1]);
    /* the same budget runs out at the same place, traced or not */
    assert_true(budget_needed(&x, k) > 10);
  }
  pol_vm_set_budget(x.vm, 0);
  /* C1 .. C4 and C5's inner walk (twice: its witness's conjunct block
     holds another) are rewritten, C5's outer walk (its body is no leaf)
     and C6's count are not */
  const pol_VM *vm = x.vm;
  assert_non_null(vm->wide_lean);
  uint32_t ex1 = 0, ev1 = 0, plain = 0;
  for (uint32_t w = 0; w < vm->nlean; w++) {
    ex1 += vm->wide_lean[w].op == OPW_EXISTS1;
    ev1 += vm->wide_lean[w].op == OPW_EVERY1;
    plain += vm->wide_lean[w].op == OP_EXISTS || vm->wide_lean[w].op == OP_EVERY;
  }
  assert_int_equal(ex1, 4);
  assert_int_equal(ev1, 2);
  assert_int_equal(plain, 1);
  ex_free(&x);
}

/* The VM keeps the last date +- duration (exec.c, arith): each result must
   be the one of its own date, months and days, within one evaluation and
   from one case to the next, and a result outside 0001..9999 stays
   unknown when asked again. */
static void test_date_arith_memo(void **state)
{
  (void)state;
  expect("d - 1 month == 2025-02-28 and e - 1 month == 2025-01-28 and d - 1 month == 2025-02-28 and "
         "d - 2 months == 2025-01-31 and d + 1 month == 2025-04-30 and d - 1 day == 2025-03-30 and "
         "d - 31 days == 2025-02-28 and e - 1 month == 2025-01-28",
         "\"d\": \"2025-03-31\", \"e\": \"2025-02-28\"", T);
  expect("d - 1 month == 2025-02-28", "\"d\": \"0001-01-15\"", U);
  expect("not known(d - 1 month) and not known(d - 1 month) and e - 1 month == 2025-01-28",
         "\"d\": \"0001-01-15\", \"e\": \"2025-02-28\"", T);
  expect("known(d - 1 month)", "\"d\": \"0001-01-15\"", F);
  expect("d + 1 day == 9999-12-31 and not known(e + 1 day) and d + 1 day == 9999-12-31",
         "\"d\": \"9999-12-30\", \"e\": \"9999-12-31\"", T);
  /* one VM, three cases: each one's dates are its own */
  Ex x;
  ex_compile(&x, PRE "\nbranch \"B\" \"b\" when true {\n"
                 "  criterion \"C\" \"c\" { d - 1 month == 2025-02-28 }\n}\n");
  static const struct { const char *d; pol_Tri want; } dc[] = {
    {"2025-03-28", POL_TRUE}, {"2025-03-01", POL_FALSE}, {"2025-03-31", POL_TRUE}, {"0001-01-15", POL_UNKNOWN}};
  for (size_t i = 0; i < sizeof dc / sizeof dc[0]; i++) {
    char facts[64];
    snprintf(facts, sizeof facts, "\"d\": \"%s\"", dc[i].d);
    ex_case(&x, facts);
    pol_Value v = ex_run(&x, "C");
    assert_int_equal(pol_truth(&v), dc[i].want);
  }
  ex_free(&x);
}

/* ---- evidence ------------------------------------------------------------ */

static void test_evidence_values(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C\" \"\" { (count inj where steroid) >= 2 }\n"
                     "  criterion \"D\" \"\" { n >= 5 and a }\n"
                     "}\n");
  pol_vm_set_trace(x.vm, 1);
  ex_case(&x, "\"n\": 6, \"a\": null, \"inj\": [{\"steroid\": true}, {\"steroid\": null}, {\"steroid\": false}]");
  const pol_LineResult *r;
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  const pol_EvRec *ev = pol_vm_evidence(x.vm);
  const pol_CritResult *cr = &r[0].crit[crit_index(x.p, "C") - x.p->pol[0].crit0];
  assert_int_equal(cr->status, PS_UNKNOWN);
  assert_int_equal(cr->nev, 1);
  assert_int_equal(ev[cr->ev0].v.tag, PV_RANGE);
  assert_int_equal(ev[cr->ev0].v.u.r.lo, 1);
  assert_int_equal(ev[cr->ev0].v.u.r.hi, 2);
  assert_string_equal(x.p->str[x.p->evid[ev[cr->ev0].evid].fact], "inj");
  assert_string_equal(x.p->str[x.p->evid[ev[cr->ev0].evid].expected], ">= 2");
  cr = &r[0].crit[crit_index(x.p, "D") - x.p->pol[0].crit0];
  assert_int_equal(cr->status, PS_UNKNOWN);
  assert_int_equal(cr->nev, 2);
  assert_int_equal(ev[cr->ev0].v.tag, PV_NUM);
  assert_true(ev[cr->ev0].v.u.d == 6 * POL_DEC_SCALE);
  assert_int_equal(ev[cr->ev0 + 1].v.tag, PV_UNK);
  /* the unknown fact is reported missing */
  assert_int_equal(cr->nmiss, 1);
  const pol_Missing *ms = pol_vm_missing(x.vm);
  assert_int_equal(ms[cr->miss0].rec, POL_NOSTR);
  assert_string_equal(x.p->str[x.p->facts[ms[cr->miss0].idx].name], "a");
  ex_free(&x);
}

/* ---- externs ------------------------------------------------------------- */

/* libm's file, found from one of its functions: a library the tests can
   pin and allow by its path. */
static const char *libm_path(void)
{
  Dl_info info;
  double (*f)(double) = fabs;
  void *addr;
  memcpy(&addr, &f, sizeof addr);
  if (!dladdr(addr, &info) || !info.dli_fname || !strstr(info.dli_fname, "libm.so.6"))
    fail_msg("cannot find libm.so.6");
  return info.dli_fname;
}

static void test_extern_calls(void **state)
{
  (void)state;
  ex_lib = libm_path();
  const char *allow[] = {ex_lib};
  const char *decls = "extern \"libm.so.6\" fabs(number): number\n"
                      "extern \"libm.so.6\" hypot(number, number): number\n"
                      "extern \"libm.so.6\" sqrt(number): number\n"
                      "extern \"libm.so.6\" exp(number): number\n";
  char src[4096];
  snprintf(src, sizeof src, PRE "%s\nbranch \"B\" \"b\" when true {\n"
                               "  criterion \"C\" \"\" { fabs(n) == 3 }\n"
                               "  criterion \"D\" \"\" { hypot(n, m) == 5 }\n"
                               "  criterion \"F\" \"\" { fabs(n) == 6.3 }\n"
                               "  criterion \"H\" \"\" { hypot(n, m) == 0.2236068 }\n"
                               "  criterion \"S\" \"\" { sqrt(m) == 1.41421356 or sqrt(m) == 0.31622777 }\n"
                               "  criterion \"X\" \"\" { exp(m) == 1 or exp(m) == 0 }\n"
                               "  criterion \"Q\" \"\" { sqrt(m) > 0 }\n"
                               "  criterion \"Y\" \"\" { exp(m) > 0 }\n"
                               "}\n", decls);
  Ex x;
  ex_compile(&x, src);
  /* not bound: unknown, never a guess */
  ex_case(&x, "\"n\": -3, \"m\": 4");
  assert_int_equal(ex_run(&x, "C").tag, PV_UNK);
  char err[512];
  /* nothing allowed: refused */
  assert_int_equal(pol_vm_bind_externs(x.vm, NULL, 0, err, sizeof err), -1);
  assert_non_null(strstr(err, "no --allow-extern"));
  if (pol_vm_bind_externs(x.vm, allow, 1, err, sizeof err) != 0) fail_msg("bind: %s", err);
  pol_Value v = ex_run(&x, "C");
  assert_int_equal(pol_truth(&v), POL_TRUE);
  v = ex_run(&x, "D");
  assert_int_equal(pol_truth(&v), POL_TRUE);
  /* numbers cross as doubles: an argument is the nearest double, a result
     is read as a case's real (shortest text, 8 digits half to even) */
  static const struct { const char *facts, *crit; } num[] = {
    {"\"n\": -6.3", "F"},
    {"\"n\": 0.1, \"m\": 0.2", "H"},   /* 0.223606797749979 */
    {"\"m\": 2", "S"},                 /* 1.4142135623730951 */
    {"\"m\": 0.1", "S"},               /* 0.31622776601683794 */
    {"\"m\": 0", "X"},
    {"\"m\": -30", "X"},               /* 9.4e-14 */
  };
  for (size_t i = 0; i < sizeof num / sizeof *num; i++) {
    ex_case(&x, num[i].facts);
    v = ex_run(&x, num[i].crit);
    if (pol_truth(&v) != POL_TRUE) fail_msg("%s with %s: not true", num[i].crit, num[i].facts);
  }
  /* NaN, an infinity or a number out of range: unknown */
  ex_case(&x, "\"m\": -1");
  assert_int_equal(ex_run(&x, "Q").tag, PV_UNK);
  ex_case(&x, "\"m\": 30");     /* 1.07e13 */
  assert_int_equal(ex_run(&x, "Y").tag, PV_UNK);
  ex_case(&x, "\"m\": 1000");   /* inf */
  assert_int_equal(ex_run(&x, "Y").tag, PV_UNK);
  ex_case(&x, "\"m\": 1");
  v = ex_run(&x, "Y");
  assert_int_equal(pol_truth(&v), POL_TRUE);
  /* an unknown argument: no call, unknown */
  ex_case(&x, "\"n\": null, \"m\": 4");
  assert_int_equal(ex_run(&x, "C").tag, PV_UNK);
  assert_int_equal(ex_run(&x, "D").tag, PV_UNK);
  ex_free(&x);

  /* a library or symbol that does not exist is refused at bind time */
  snprintf(src, sizeof src, PRE "extern \"libm.so.6\" no_such_function(number): number\n"
                               "branch \"B\" \"b\" when true { criterion \"C\" \"\" { no_such_function(n) > 1 } }\n");
  ex_compile(&x, src);
  assert_int_equal(pol_vm_bind_externs(x.vm, allow, 1, err, sizeof err), -1);
  assert_non_null(strstr(err, "no_such_function"));
  ex_free(&x);

  /* a function of a dependency (libc's system via libm) is not libm's */
  snprintf(src, sizeof src, PRE "extern \"libm.so.6\" system(string): bool\n"
                               "branch \"B\" \"b\" when true { criterion \"C\" \"\" { system(\"true\") } }\n");
  ex_compile(&x, src);
  assert_int_equal(pol_vm_bind_externs(x.vm, allow, 1, err, sizeof err), -1);
  assert_non_null(strstr(err, "no function system defined in libm.so.6"));
  ex_free(&x);

  /* a library whose bytes are not the ones pinned is refused before it loads */
  snprintf(src, sizeof src, PRE "%s\nbranch \"B\" \"b\" when true { criterion \"C\" \"\" { fabs(n) == 3 } }\n",
           decls);
  ex_compile(&x, src);
  x.p->xlib[0].sha256[0] ^= 1;
  assert_int_equal(pol_vm_bind_externs(x.vm, allow, 1, err, sizeof err), -1);
  assert_non_null(strstr(err, "the bundle was built against"));
  /* nor found where allowed: a directory without it, another file name */
  const char *elsewhere[] = {"/nonexistent", "/dev/null"};
  x.p->xlib[0].sha256[0] ^= 1;
  assert_int_equal(pol_vm_bind_externs(x.vm, elsewhere, 2, err, sizeof err), -1);
  assert_non_null(strstr(err, "not in an allowed place"));
  ex_free(&x);

  /* an extern without arguments (was E0903: CALLX named a register past
     the frame) */
  snprintf(src, sizeof src, PRE "extern \"libm.so.6\" fegetround(): number\n"
                               "branch \"B\" \"b\" when true { criterion \"C\" \"\" { known(fegetround()) } }\n");
  ex_compile(&x, src);
  if (pol_vm_bind_externs(x.vm, allow, 1, err, sizeof err) != 0) fail_msg("bind: %s", err);
  ex_case(&x, "\"n\": 1");
  v = ex_run(&x, "C");
  assert_int_equal(pol_truth(&v), POL_TRUE);
  ex_free(&x);
  ex_lib = NULL;
}

/* ---- for each (CUR) ------------------------------------------------------ */

static void test_for_each_items(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"L\" \"\" { true }\n"
                     "  for each i in inj {\n"
                     "    criterion \"E\" \"\" { i.steroid }\n"
                     "  }\n"
                     "}\n");
  const pol_LineResult *r;
  ex_case(&x, "\"inj\": [{\"steroid\": true}, {\"steroid\": false}, {\"steroid\": null}]");
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].nitems, 3);
  uint32_t e = crit_index(x.p, "E") - x.p->pol[0].crit0;
  assert_int_equal(r[0].items[0].crit[e].status, PS_MET);
  assert_int_equal(r[0].items[1].crit[e].status, PS_NOT_MET);
  assert_int_equal(r[0].items[2].crit[e].status, PS_UNKNOWN);
  assert_int_equal(r[0].items[0].det, PD_APPROVE);
  assert_int_equal(r[0].items[1].det, PD_DENY);
  assert_int_equal(r[0].items[2].det, PD_PEND);
  ex_case(&x, "\"inj\": [{\"steroid\": true}, {\"steroid\": true}]");
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].det, PD_APPROVE);
  ex_case(&x, "\"inj\": [{\"steroid\": false}]");
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].det, PD_DENY);
  ex_free(&x);
}

/* ---- hand-assembled: JKNOWN, JMP, LOADB unknown --------------------------- */

/* Appends n hand-assembled instructions to p's code; their first index. */
static uint32_t append_code(pol_Program *p, const pol_Instr *code, uint32_t n)
{
  pol_Instr *nc = realloc(p->code, (p->ncode + n) * sizeof *nc);
  assert_non_null(nc);
  memcpy(nc + p->ncode, code, n * sizeof *code);
  p->code = nc;
  p->ncode += n;
  return p->ncode - n;
}

/* Criterion crit judged with fact a true, false and unknown: want[0..2]. */
static void run_on_a(Ex *x, const char *crit, const pol_Tri want[3])
{
  static const char *const a[] = {"true", "false", "null"};
  for (size_t i = 0; i < 3; i++) {
    char facts[32];
    snprintf(facts, sizeof facts, "\"a\": %s", a[i]);
    ex_case(x, facts);
    pol_Value v = ex_run(x, crit);
    assert_int_equal(pol_truth(&v), want[i]);
  }
}

static void test_jumps_hand_assembled(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true { criterion \"C\" \"\" { a } criterion \"U\" \"\" { a } }\n");
  pol_Program *p = x.p;
  uint32_t fa = 0;
  while (strcmp(p->str[p->facts[fa].name], "a") != 0) fa++;
  static const int n = 8;
  pol_Instr code[8] = {
    /* C: known(a) ? not a : true */
    POL_MK_ABx(OP_FACT, 0, fa),
    POL_MK_ABx(OP_JKNOWN, 0, 2),        /* to 4 */
    POL_MK_ABC(OP_LOADB, 0, 1, 0),
    POL_MK_ABx(OP_JMP, 0, 1),           /* to 5 */
    POL_MK_ABC(OP_NOT, 0, 0, 0),
    POL_MK_ABC(OP_RET, 0, 0, 0),
    /* U: unknown */
    POL_MK_ABC(OP_LOADB, 0, 2, 0),
    POL_MK_ABC(OP_RET, 0, 0, 0),
  };
  pol_Block *bc = &p->blocks[p->crit[crit_index(p, "C")].block];
  pol_Block *bu = &p->blocks[p->crit[crit_index(p, "U")].block];
  bc->start = append_code(p, code, (uint32_t)n);
  bc->len = 6;
  bu->start = bc->start + 6;
  bu->len = 2;
  char err[256];
  if (pol_verify(p, err, sizeof err) != 0) fail_msg("verify: %s", err);
  mark_ops(p);
  /* a VM for the program as it is now (a VM reads its program as it was
     when made) */
  pol_vm_free(x.vm);
  x.vm = pol_vm_new(p);
  assert_non_null(x.vm);
  run_on_a(&x, "C", (const pol_Tri[]){F, T, T});
  run_on_a(&x, "U", (const pol_Tri[]){U, U, U});
  /* a jump to the end of the block (past RET) is refused */
  p->code[bc->start + 3] = POL_MK_ABx(OP_JMP, 0, 2);
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  ex_free(&x);
}

/* ---- hand-assembled: COALESCE (no longer emitted; older bundles hold it) -- */

static void test_coalesce_hand_assembled(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true { criterion \"C\" \"\" { (a ?? true) and (a ?? false) } }\n");
  pol_Program *p = x.p;
  pol_Block *bc = &p->blocks[p->crit[crit_index(p, "C")].block];
  for (uint32_t pc = bc->start; pc < bc->start + bc->len; pc++)
    assert_int_not_equal(POL_OP(p->code[pc]), OP_COALESCE);   /* ?? compiles to JKNOWN */
  uint32_t fa = 0;
  while (strcmp(p->str[p->facts[fa].name], "a") != 0) fa++;
  pol_Instr code[4] = {
    POL_MK_ABx(OP_FACT, 0, fa),
    POL_MK_ABC(OP_LOADB, 1, 1, 0),
    POL_MK_ABC(OP_COALESCE, 0, 0, 1),
    POL_MK_ABC(OP_RET, 0, 0, 0),
  };
  bc->start = append_code(p, code, 4);
  bc->len = 4;
  assert_true(bc->nregs >= 2);   /* the frame the VM was sized for */
  char err[256];
  if (pol_verify(p, err, sizeof err) != 0) fail_msg("verify: %s", err);
  mark_ops(p);
  pol_vm_free(x.vm);   /* a VM for the program as it is now */
  x.vm = pol_vm_new(p);
  assert_non_null(x.vm);
  run_on_a(&x, "C", (const pol_Tri[]){T, F, T});
  ex_free(&x);
}

/* ---- budget -------------------------------------------------------------- */

static void test_instruction_budget(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C\" \"\" { (count inj where steroid and relief > 1) >= 1 }\n"
                     "}\n");
  char facts[65536];
  size_t k = (size_t)snprintf(facts, sizeof facts, "\"inj\": [");
  for (int i = 0; i < 1000; i++)
    k += (size_t)snprintf(facts + k, sizeof facts - k, "%s{\"steroid\": true, \"relief\": 5}", i ? ", " : "");
  snprintf(facts + k, sizeof facts - k, "]");
  ex_case(&x, facts);
  const pol_LineResult *r = NULL;
  pol_vm_set_budget(x.vm, 50);
  char err[256];
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
  assert_string_equal(err, "evaluation exceeded the limit of 50 instructions");
  /* (pol_vm_run has no way to say the budget ran out: a block it could
     not afford is unknown, but the caller may still see true, e.g. here
     the count's sure part reaches 1 before the budget ends) */
  /* the same VM recovers with a budget that suffices */
  pol_vm_set_budget(x.vm, 100000);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  assert_int_equal(r[0].det, PD_APPROVE);
  pol_vm_set_budget(x.vm, 0);   /* the default */
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  /* just too small: the root block and 999 of the 1000 bodies */
  const pol_Program *p = x.p;
  uint32_t root = p->crit[0].block;
  uint32_t body = POL_Ax(p->code[p->blocks[root].start + 2]);
  /* each of the 1000 items costs 1 besides its body (issue 9, finding 5) */
  uint64_t need = p->blocks[p->branches[0].cond].len + p->blocks[root].len +
                  1000u * (p->blocks[body].len + 1u);
  pol_vm_set_budget(x.vm, need);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  pol_vm_set_budget(x.vm, need - 1);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
  ex_free(&x);
}

/* With tracing off the VM runs the no-trace code (vm/lean.c): the code
   without EVID, its jumps relinked (here over and onto dropped EVIDs), the
   same results and the same budget (each block charged its original
   length, so a case runs out at the same point traced or not). */
static void test_no_trace_code(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C\" \"\" { (a and b) or (c and n > 2) or s in {\"x\", \"y\"} }\n"
                     "  criterion \"D\" \"\" { not a or (count inj where steroid) >= 2 }\n"
                     "}\n");
  const pol_Program *p = x.p;
  uint32_t nevid = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++) nevid += POL_OP(p->code[pc]) == OP_EVID;
  assert_true(nevid >= 5);
  static const char *const cases[] = {
    "\"a\": true, \"b\": true",
    "\"a\": true, \"b\": null, \"c\": true, \"n\": 3",
    "\"a\": false, \"c\": true, \"n\": 1, \"s\": \"y\"",
    "\"a\": null, \"c\": null, \"s\": \"z\", \"inj\": [{\"steroid\": true}, {\"steroid\": null}]",
    "\"a\": true, \"b\": false, \"inj\": [{\"steroid\": true}, {\"steroid\": true}]",
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ex_case(&x, cases[k]);
    const pol_LineResult *r;
    pol_Det det[2];
    uint8_t st[2][2];
    for (int on = 1; on >= 0; on--) {
      pol_vm_set_trace(x.vm, on);
      assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
      det[on] = r[0].det;
      st[on][0] = r[0].crit[0].status;
      st[on][1] = r[0].crit[1].status;
    }
    if (det[0] != det[1] || memcmp(st[0], st[1], sizeof st[0]) != 0)
      fail_msg("case %zu: traced %s, untraced %s", k, pol_det_name(det[1]), pol_det_name(det[0]));
  }
  /* the copy: every block without its EVIDs, RET last, verified */
  const pol_VM *vm = x.vm;
  assert_non_null(vm->lean);
  assert_true(vm->run_code == vm->lean);
  for (uint32_t b = 0; b < p->nblocks; b++) {
    const pol_Block *ob = &p->blocks[b], *lb = &vm->lean_blocks[b];
    uint32_t ev = 0, kept = 0;
    for (uint32_t pc = ob->start; pc < ob->start + ob->len; pc++) ev += POL_OP(p->code[pc]) == OP_EVID;
    assert_int_equal(lb->len, ob->len);   /* charged as the original */
    for (uint32_t pc = lb->start; pc < lb->start + ob->len - ev; pc++, kept++)
      assert_int_not_equal(POL_OP(vm->lean[pc]), OP_EVID);
    assert_int_equal(POL_OP(vm->lean[lb->start + kept - 1]), OP_RET);
  }
  /* tracing on again: the program's own code */
  pol_vm_set_trace(x.vm, 1);
  assert_true(vm->run_code == p->code);
  /* the same budget runs out at the same point, traced or not */
  ex_case(&x, cases[3]);
  const pol_LineResult *r;
  uint64_t need = 0;
  for (uint64_t bud = 1; bud < 10000 && !need; bud++) {
    pol_vm_set_budget(x.vm, bud);
    if (pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err) == 0) need = bud;
  }
  assert_true(need > 1);
  pol_vm_set_trace(x.vm, 0);
  pol_vm_set_budget(x.vm, need);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  pol_vm_set_budget(x.vm, need - 1);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), -1);
  ex_free(&x);
}

/* Once the budget is spent nothing runs: not the rest of the loop, not the
   rest of the block (which would say "true" here, from `or a`), not the
   other criteria.  Issue 9, finding 5: a policy of doubling lets over a
   100000-item list ran for 70 s past its budget. */
static void test_budget_stops_at_once(void **state)
{
  (void)state;
  static const char *const exprs[] = {
    "(exists inj where relief > 100) or a",
    "(every inj where relief > 1) or a",
    "(count inj where relief > 100) >= 1 or a",
    "(count distinct date of inj where relief > 1) >= 1 or a",
    "(days of [2025-01-01, 2025-12-31] covered by th where kind == \"pt\" from start to end) >= 1 or a",
    "(\"x\" in tags) or a",
  };
  char facts[200000];
  size_t k = (size_t)snprintf(facts, sizeof facts, "\"a\": true, \"inj\": [");
  for (int i = 0; i < 1000; i++)
    k += (size_t)snprintf(facts + k, sizeof facts - k, "%s{\"date\": \"2025-01-%02d\", \"relief\": 5}",
                          i ? ", " : "", 1 + i % 28);
  k += (size_t)snprintf(facts + k, sizeof facts - k, "], \"th\": [");
  for (int i = 0; i < 1000; i++)
    k += (size_t)snprintf(facts + k, sizeof facts - k,
                          "%s{\"kind\": \"pt\", \"start\": \"2025-02-%02d\", \"end\": \"2025-03-01\"}",
                          i ? ", " : "", 1 + i % 28);
  k += (size_t)snprintf(facts + k, sizeof facts - k, "], \"tags\": [");
  for (int i = 0; i < 1000; i++) k += (size_t)snprintf(facts + k, sizeof facts - k, "%s\"t\"", i ? ", " : "");
  snprintf(facts + k, sizeof facts - k, "]");
  for (size_t e = 0; e < sizeof exprs / sizeof exprs[0]; e++) {
    char src[1024];
    snprintf(src, sizeof src, PRE "branch \"B\" \"b\" when true {\n"
                                  "  criterion \"C\" \"\" { %s }\n  criterion \"D\" \"\" { a }\n}\n",
             exprs[e]);
    Ex x;
    ex_compile(&x, src);
    ex_case(&x, facts);
    pol_vm_set_budget(x.vm, 100);
    pol_Value v = ex_run(&x, "C");
    if (v.tag != PV_UNK) fail_msg("%s: the block went on after the budget ran out", exprs[e]);
    const pol_LineResult *r = NULL;
    char err[256];
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
    assert_string_equal(err, "evaluation exceeded the limit of 100 instructions");
    /* with enough budget the same case is judged */
    pol_vm_set_budget(x.vm, 0);
    v = ex_run(&x, "C");
    assert_int_equal(pol_truth(&v), POL_TRUE);
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
    ex_free(&x);
  }
}

/* Registers start unknown in every case: a block that read a register
   before writing it (the verifier refuses such code; this block is put in
   after verification) sees unknown, not what the last case left there,
   such as a list in the case arena the next case reuses.  Issue 9,
   finding 4. */
static void test_registers_cleared(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C\" \"\" { exists inj where relief >= 1 }\n"
                     "  criterion \"S\" \"\" { a }\n"
                     "}\n");
  pol_Program *p = x.p;
  uint32_t root = p->crit[crit_index(p, "C")].block;
  /* C's block leaves the list of injections in the register EXISTS reads */
  uint32_t list_reg = POL_NOSTR;
  for (uint32_t pc = p->blocks[root].start; pc < p->blocks[root].start + p->blocks[root].len; pc++)
    if (POL_OP(p->code[pc]) == OP_EXISTS) list_reg = POL_B(p->code[pc]);
  assert_int_not_equal(list_reg, POL_NOSTR);
  /* S's block: LEN of that register, never written: unverifiable */
  pol_Block *bs = &p->blocks[p->crit[crit_index(p, "S")].block];
  assert_true(bs->len >= 2);
  bs->nregs = list_reg + 1;   /* within the VM's frame: C's block has it */
  p->code[bs->start] = POL_MK_ABC(OP_LEN, 0, list_reg, 0);
  p->code[bs->start + 1] = POL_MK_ABC(OP_RET, 0, 0, 0);
  char err[256];
  assert_int_equal(pol_verify(p, err, sizeof err), -1);
  assert_non_null(strstr(err, "is read before it is written"));
  ex_case(&x, "\"inj\": [{\"relief\": 1}, {\"relief\": 2}, {\"relief\": 3}]");
  pol_Value v = ex_run(&x, "C");
  assert_int_equal(pol_truth(&v), POL_TRUE);
  /* the next case: its arena reuses the memory of the last one's list */
  ex_case(&x, "\"s\": \"a string in the arena\", \"tags\": [\"t\", \"u\"]");
  v = ex_run(&x, "S");
  assert_int_equal(v.tag, PV_UNK);
  const pol_LineResult *r = NULL;
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  ex_case(&x, "\"inj\": [{\"relief\": 1}]");
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  ex_free(&x);
}

/* ---- prerequisites ------------------------------------------------------- */

/* Three policies in one bundle: PRE with two prerequisites (R1 of every
   main branch, R2 of branch B2 only), DEC whose decision block would
   approve anything, and OTHER with none.  One request line per branch. */
static const char *const prereq_src[] = {
  "policy \"PRE\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\", \"X2\", \"X3\" }\n"
  "fact a: bool = a\nfact b: bool = b\nfact n: number = n\n"
  "fact tags: list<string> = tags\nfact cpt: string = line.cpt\n"
  "prerequisite \"R1\" \"\" { a }\n"
  "prerequisite \"R2\" \"\" for \"B2\" { b }\n"
  "branch \"B1\" \"\" when cpt == \"X1\" { criterion \"C1\" \"\" { n >= 5 } }\n"
  "branch \"B2\" \"\" when cpt == \"X2\" {\n"
  "  for each t in tags { criterion \"E\" \"\" { t != \"bad\" } }\n"
  "}\n"
  "branch \"B3\" \"\" when cpt == \"X3\" { criterion \"C3\" \"\" { true } }\n",
  "policy \"DEC\" { title \"T\" version \"1\" effective 2025-01-01 codes \"Y1\" }\n"
  "fact c: bool = c\nfact cpt: string = line.cpt\n"
  "prerequisite \"Q\" \"\" tag doc { c }\n"
  "branch \"Y\" \"\" when cpt == \"Y1\" { criterion \"Y.1\" \"\" tag doc { true } }\n"
  "decision {\n  approve otherwise\n}\n",
  "policy \"OTHER\" { title \"T\" version \"1\" effective 2025-01-01 codes \"Z1\" }\n"
  "fact cpt: string = line.cpt\n"
  "branch \"Z\" \"\" when cpt == \"Z1\" { criterion \"Z.1\" \"\" { true } }\n",
};

#define PREREQ_REQ                                                                         \
  "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 1, \"cpt\": \"X1\"}, " \
  "{\"line\": 2, \"cpt\": \"X2\"}, {\"line\": 3, \"cpt\": \"X3\"}, {\"line\": 4, \"cpt\": \"Y1\"}, " \
  "{\"line\": 5, \"cpt\": \"Z1\"}]}"

typedef struct PreEx {
  pol_Compiler c;
  pol_Program *p;
  pol_VM *vm;
  pol_Case *cs;
  json_t *root;
} PreEx;

/* Judges the case {PREREQ_REQ, facts}: the VM's determinations into
   det[5]; the reference evaluator must agree on every line and status. */
static const pol_LineResult *prereq_judge(PreEx *x, const char *facts, pol_Det det[5])
{
  char js[1024], err[512];
  snprintf(js, sizeof js, "{\"case_id\": \"t\", %s, %s}", PREREQ_REQ, facts);
  json_decref(x->root);
  json_error_t je;
  x->root = json_loads(js, 0, &je);
  if (!x->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  if (pol_case_load(x->cs, x->root, err, sizeof err) != 0) fail_msg("case: %s", err);
  const pol_LineResult *r;
  if (pol_vm_eval(x->vm, x->cs, &r, err, sizeof err) != 0) fail_msg("eval: %s", err);
  for (uint32_t i = 0; i < 5; i++) {
    det[i] = r[i].det;
    pol_InterpResult ir;
    assert_int_equal(pol_interp_judge(&x->c, x->p, x->cs, i, &ir), 0);
    assert_int_equal(ir.det, (int)r[i].det);
    assert_int_equal(ir.ncrit, x->p->pol[r[i].policy].ncrit);
    for (uint32_t k = 0; k < ir.ncrit; k++) assert_int_equal(ir.status[k], r[i].crit[k].status);
    for (uint32_t k = 0; k < ir.nitems; k++) assert_int_equal(ir.item_det[k], (int)r[i].items[k].det);
    pol_interp_result_free(&ir);
  }
  return r;
}

static pol_Status prereq_status(const PreEx *x, const pol_LineResult *r, const char *id)
{
  return (pol_Status)r->crit[crit_index(x->p, id) - x->p->pol[r->policy].crit0].status;
}

static void test_prerequisites(void **state)
{
  (void)state;
  PreEx x;
  memset(&x, 0, sizeof x);
  pol_compiler_init(&x.c, stderr);
  x.c.built = "2025-01-01T00:00:00Z";
  for (int i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "p%d.pol", i);
    pol_compiler_load_text(&x.c, name, prereq_src[i], strlen(prereq_src[i]));
  }
  assert_int_equal(x.c.diag.nerrors, 0);
  assert_int_equal(pol_check(&x.c), 0);
  x.p = pol_codegen(&x.c);
  assert_non_null(x.p);
  char err[256];
  assert_int_equal(pol_verify(x.p, err, sizeof err), 0);
  x.vm = pol_vm_new(x.p);
  x.cs = pol_case_new(x.p);
  assert_true(x.vm && x.cs);
  pol_Det d[5];
  const pol_LineResult *r;

  /* met: every line approved */
  r = prereq_judge(&x, "\"a\": true, \"b\": true, \"c\": true, \"n\": 7, \"tags\": [\"ok\"]", d);
  assert_int_equal(d[0], PD_APPROVE);
  assert_int_equal(d[1], PD_APPROVE);
  assert_int_equal(d[2], PD_APPROVE);
  assert_int_equal(d[3], PD_APPROVE);
  assert_int_equal(d[4], PD_APPROVE);
  assert_int_equal(prereq_status(&x, &r[0], "R1"), PS_MET);
  assert_int_equal(prereq_status(&x, &r[0], "R2"), PS_NA);   /* B1 is not governed by R2 */
  assert_int_equal(prereq_status(&x, &r[1], "R2"), PS_MET);
  assert_true(x.p->crit[crit_index(x.p, "R1")].flags & POL_CRIT_PREREQ);

  /* R1 not met: every line of PRE denied, one judgment for the request;
     the items of the denied line keep their own (eligibility) results;
     the lines of the other policies are unaffected */
  r = prereq_judge(&x, "\"a\": false, \"b\": true, \"c\": true, \"n\": 7, \"tags\": [\"ok\", \"bad\"]", d);
  assert_int_equal(d[0], PD_DENY);
  assert_int_equal(d[1], PD_DENY);
  assert_int_equal(d[2], PD_DENY);
  assert_int_equal(d[3], PD_APPROVE);
  assert_int_equal(d[4], PD_APPROVE);
  for (int i = 0; i < 3; i++) assert_int_equal(prereq_status(&x, &r[i], "R1"), PS_NOT_MET);
  assert_int_equal(r[1].line_det, PD_DENY);
  assert_int_equal(r[1].nitems, 2);
  assert_int_equal(r[1].items[0].det, PD_APPROVE);
  assert_int_equal(r[1].items[1].det, PD_DENY);

  /* R1 unknown: pend, unless something else fails (a deny stands) */
  r = prereq_judge(&x, "\"a\": null, \"b\": true, \"c\": true, \"n\": 7, \"tags\": []", d);
  assert_int_equal(d[0], PD_PEND);
  assert_int_equal(d[1], PD_PEND);
  assert_int_equal(d[2], PD_PEND);
  assert_int_equal(d[4], PD_APPROVE);
  assert_int_equal(prereq_status(&x, &r[0], "R1"), PS_UNKNOWN);
  prereq_judge(&x, "\"a\": null, \"b\": true, \"c\": true, \"n\": 3, \"tags\": []", d);
  assert_int_equal(d[0], PD_DENY);
  assert_int_equal(d[2], PD_PEND);

  /* R2 governs B2 alone */
  prereq_judge(&x, "\"a\": true, \"b\": false, \"c\": true, \"n\": 7, \"tags\": []", d);
  assert_int_equal(d[0], PD_APPROVE);
  assert_int_equal(d[1], PD_DENY);
  assert_int_equal(d[2], PD_APPROVE);
  prereq_judge(&x, "\"a\": true, \"b\": null, \"c\": true, \"n\": 7, \"tags\": []", d);
  assert_int_equal(d[1], PD_PEND);
  assert_int_equal(d[0], PD_APPROVE);

  /* a decision block that would approve anything does not approve while
     its prerequisite fails (deny) or is unknown (pend) */
  prereq_judge(&x, "\"a\": true, \"b\": true, \"c\": false, \"n\": 7, \"tags\": []", d);
  assert_int_equal(d[3], PD_DENY);
  assert_int_equal(d[4], PD_APPROVE);
  prereq_judge(&x, "\"a\": true, \"b\": true, \"c\": null, \"n\": 7, \"tags\": []", d);
  assert_int_equal(d[3], PD_PEND);

  json_decref(x.root);
  pol_case_free(x.cs);
  pol_vm_free(x.vm);
  pol_program_free(x.p);
  pol_compiler_free(&x.c);
}

/* ---- determinations ------------------------------------------------------ */

static const char det_policy[] =
  PRE
  "branch \"OPEN\" \"open\" when s == \"open\" {\n"
  "  criterion \"O1\" \"\" { a }\n"
  "}\n"
  "branch \"PERC\" \"percutaneous\" when s == \"perc\" or s == \"x\" {\n"
  "  criterion \"P1\" \"\" { n >= 5 }\n"
  "  criterion \"P2\" \"\" all of {\n"
  "    criterion \"P2.a\" \"\" { b }\n"
  "    criterion \"P2.b\" \"\" { c }\n"
  "  }\n"
  "  exclusion \"X1\" \"\" { \"bad\" in tags }\n"
  "}\n";

static pol_Det det_of(Ex *x, const char *facts, const pol_LineResult **out)
{
  ex_case(x, facts);
  if (pol_vm_eval(x->vm, x->cs, out, x->err, sizeof x->err) != 0) fail_msg("eval: %s", x->err);
  return (*out)[0].det;
}

static pol_Status status_of(const Ex *x, const pol_LineResult *r, const char *id)
{
  return (pol_Status)r->crit[crit_index(x->p, id) - x->p->pol[r->policy].crit0].status;
}

static void test_determinations(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, det_policy);
  const pol_LineResult *r;
  const char *ok = "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": []";
  assert_int_equal(det_of(&x, ok, &r), PD_APPROVE);
  assert_int_equal(r[0].policy, 0);
  assert_string_equal(x.p->str[x.p->branches[r[0].branch].name], "PERC");
  assert_int_equal(status_of(&x, r, "P1"), PS_MET);
  assert_int_equal(status_of(&x, r, "P2"), PS_MET);
  assert_int_equal(status_of(&x, r, "X1"), PS_NOT_MET);
  assert_int_equal(status_of(&x, r, "O1"), PS_NA);
  assert_string_equal(pol_det_name(r[0].det), "approve");

  /* deny: a criterion not met, even with others unknown */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 3, \"b\": null, \"c\": true, \"tags\": []", &r), PD_DENY);
  assert_int_equal(status_of(&x, r, "P1"), PS_NOT_MET);
  assert_int_equal(status_of(&x, r, "P2"), PS_UNKNOWN);
  /* deny through a composite */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": false, \"tags\": []", &r), PD_DENY);
  assert_int_equal(status_of(&x, r, "P2"), PS_NOT_MET);
  assert_int_equal(status_of(&x, r, "P2.b"), PS_NOT_MET);
  /* deny: an exclusion applies */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": [\"bad\"]", &r), PD_DENY);
  assert_int_equal(status_of(&x, r, "X1"), PS_MET);
  /* pend: unknown criterion, nothing failed */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": null, \"b\": true, \"c\": true, \"tags\": []", &r), PD_PEND);
  assert_string_equal(pol_det_name(r[0].det), "pend");
  /* pend: the exclusion may apply */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": null", &r), PD_PEND);
  assert_int_equal(status_of(&x, r, "X1"), PS_UNKNOWN);
  /* the other branch */
  assert_int_equal(det_of(&x, "\"s\": \"open\", \"a\": true", &r), PD_APPROVE);
  assert_string_equal(x.p->str[x.p->branches[r[0].branch].name], "OPEN");
  assert_int_equal(status_of(&x, r, "P1"), PS_NA);
  /* which branch judges is open: pend, never no_policy */
  pol_vm_set_trace(x.vm, 1);
  assert_int_equal(det_of(&x, "\"s\": null", &r), PD_PEND);
  assert_int_equal(r[0].branch, POL_NOSTR);
  assert_int_equal(r[0].bstate, PB_UNKNOWN);
  assert_int_equal(r[0].policy, 0);
  assert_int_equal(r[0].cond[0].status, PS_UNKNOWN);
  assert_int_equal(r[0].cond[0].nmiss, 1);
  assert_int_equal(r[0].cond[1].status, PS_UNKNOWN);
  assert_int_equal(status_of(&x, r, "P1"), PS_NA);
  /* every condition false: the policy's `otherwise`, refer by default */
  assert_int_equal(det_of(&x, "\"s\": \"neither\"", &r), PD_REFER);
  assert_int_equal(r[0].bstate, PB_NONE);
  assert_int_equal(r[0].cond[0].status, PS_NOT_MET);
  assert_int_equal(r[0].cond[0].nmiss, 0);
  /* a true condition after an unknown one: still open */
  ex_free(&x);
  ex_compile(&x, PRE "otherwise deny \"not covered\"\n"
                     "branch \"A\" \"a\" when a { criterion \"A1\" \"\" { n >= 5 } }\n"
                     "branch \"B\" \"b\" when b { criterion \"B1\" \"\" { n >= 5 } }\n"
                     "assess \"care\" \"level of care\" when c { criterion \"C1\" \"\" { n >= 5 } }\n");
  assert_int_equal(det_of(&x, "\"a\": null, \"b\": true, \"c\": false, \"n\": 7", &r), PD_PEND);
  assert_int_equal(r[0].bstate, PB_UNKNOWN);
  assert_int_equal(r[0].naspects, 0);
  /* the first true condition with every one before it false decides */
  assert_int_equal(det_of(&x, "\"a\": false, \"b\": true, \"c\": false, \"n\": 7", &r), PD_APPROVE);
  assert_string_equal(x.p->str[x.p->branches[r[0].branch].name], "B");
  /* ... and the conditions after it are not needed */
  assert_int_equal(det_of(&x, "\"a\": true, \"b\": null, \"c\": false, \"n\": 7", &r), PD_APPROVE);
  assert_int_equal(r[0].cond[1].status, PS_NA);
  /* every condition false: what the policy says */
  assert_int_equal(det_of(&x, "\"a\": false, \"b\": false, \"c\": false, \"n\": 7", &r), PD_DENY);
  assert_int_equal(r[0].bstate, PB_NONE);
  /* an assess block whose condition is unknown pends; the main branch is
     judged all the same */
  assert_int_equal(det_of(&x, "\"a\": true, \"c\": null, \"n\": 7", &r), PD_APPROVE);
  assert_int_equal(r[0].naspects, 1);
  assert_int_equal(r[0].aspects[0].det, PD_PEND);
  assert_int_equal(status_of(&x, r, "C1"), PS_NA);
  assert_int_equal(det_of(&x, "\"a\": true, \"c\": true, \"n\": 3", &r), PD_DENY);
  assert_int_equal(r[0].aspects[0].det, PD_DENY);
  ex_free(&x);
  ex_compile(&x, det_policy);
  /* a code no policy covers */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"request\": {\"date\": \"2025-06-01\", "
                              "\"procedures\": [{\"cpt\": \"99999\"}]}", &r), PD_NO_POLICY);
  assert_int_equal(r[0].policy, POL_NOSTR);
  assert_string_equal(pol_det_name(r[0].det), "no_policy");
  /* no date on the request: no policy can be in force */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"request\": {\"procedures\": [{\"cpt\": \"X1\"}]}", &r),
                   PD_NO_POLICY);
  /* a date before the policy's effective date */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": [], "
                              "\"request\": {\"date\": \"2024-12-31\", \"procedures\": [{\"cpt\": \"X1\"}]}", &r),
                   PD_NO_POLICY);
  /* on the effective date itself */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": [], "
                              "\"request\": {\"date\": \"2025-01-01\", \"procedures\": [{\"cpt\": \"X1\"}]}", &r),
                   PD_APPROVE);
  /* several lines, judged each */
  assert_int_equal(det_of(&x, "\"s\": \"perc\", \"n\": 7, \"b\": true, \"c\": true, \"tags\": [], "
                              "\"request\": {\"date\": \"2025-06-01\", \"procedures\": "
                              "[{\"line\": 2, \"cpt\": \"X1\"}, {\"line\": 1, \"cpt\": \"Y\"}]}", &r),
                   PD_NO_POLICY);
  assert_int_equal(pol_case_nlines(x.cs), 2);
  assert_int_equal(r[1].det, PD_APPROVE);
  ex_free(&x);
}

static void test_effective_date_routing(void **state)
{
  (void)state;
  /* two versions of a policy for the same code: the newest in force on
     the line's date wins, whatever the load order */
  static const char v1[] =
    "policy \"MP-1-2025\" { title \"T\" version \"2025\" effective 2025-01-01 codes \"X1\" }\n"
    "fact n: number = n\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"v1\" { n >= 5 } }\n";
  static const char v2[] =
    "policy \"MP-1-2025b\" { title \"T\" version \"2025b\" effective 2025-07-01 codes \"X1\", \"X2\" }\n"
    "fact n: number = n\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"v2\" { n >= 7 } }\n";
  for (int order = 0; order < 2; order++) {
    pol_Compiler c;
    pol_compiler_init(&c, stderr);
    c.built = "2025-01-01T00:00:00Z";
    const char *first = order ? v2 : v1, *second = order ? v1 : v2;
    pol_compiler_load_text(&c, order ? "v2.pol" : "v1.pol", first, strlen(first));
    pol_compiler_load_text(&c, order ? "v1.pol" : "v2.pol", second, strlen(second));
    assert_int_equal(pol_check(&c), 0);
    pol_Program *p = pol_codegen(&c);
    assert_non_null(p);
    mark_ops(p);
    Ex x;
    memset(&x, 0, sizeof x);
    x.p = p;
    x.vm = pol_vm_new(p);
    x.cs = pol_case_new(p);
    const pol_LineResult *r;
    static const struct { const char *req; pol_Det det; const char *version; } cases[] = {
      {"\"date\": \"2025-03-01\"", PD_APPROVE, "2025"},
      {"\"date\": \"2025-06-30\"", PD_APPROVE, "2025"},
      {"\"date\": \"2025-07-01\"", PD_DENY, "2025b"},
      {"\"date\": \"2026-01-01\"", PD_DENY, "2025b"},
      {"\"date\": \"2024-12-31\"", PD_NO_POLICY, NULL},
      /* the service date decides over the request date */
      {"\"date\": \"2025-03-01\", \"service_date\": \"2025-07-15\"", PD_DENY, "2025b"},
      {"\"date\": \"2025-08-01\", \"service_date\": \"2025-06-01\"", PD_APPROVE, "2025"},
      {"\"date\": \"2025-08-01\", \"service_date\": null", PD_DENY, "2025b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      char facts[512];
      snprintf(facts, sizeof facts, "\"n\": 6, \"request\": {%s, \"procedures\": [{\"cpt\": \"X1\"}]}",
               cases[i].req);
      pol_Det d = det_of(&x, facts, &r);
      if (d != cases[i].det)
        fail_msg("order %d, {%s}: %s, expected %s", order, cases[i].req, pol_det_name(d),
                 pol_det_name(cases[i].det));
      if (cases[i].version)
        assert_string_equal(p->str[p->pol[r[0].policy].version], cases[i].version);
    }
    /* X2 only in the newer version */
    assert_int_equal(det_of(&x, "\"n\": 9, \"request\": {\"date\": \"2025-03-01\", \"procedures\": [{\"cpt\": \"X2\"}]}", &r),
                     PD_NO_POLICY);
    assert_int_equal(det_of(&x, "\"n\": 9, \"request\": {\"date\": \"2025-08-01\", \"procedures\": [{\"cpt\": \"X2\"}]}", &r),
                     PD_APPROVE);
    ex_free(&x);
    pol_compiler_free(&c);
  }
}

/* Lines whose codes fall in two policies' ranges, alternating, in one
   case and from case to case: route() keeps each code's range segment per
   bundle string (vm->seg_of) and looks up codes the bundle does not hold
   each time; every line goes to its own policy. */
static void test_range_route_memo(void **state)
{
  (void)state;
  static const char low[] =
    "policy \"LOW\" { title \"T\" version \"1\" effective 2025-01-01 codes \"10000\" .. \"19999\" }\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"\" { true } }\n";
  static const char high[] =
    "policy \"HIGH\" { title \"T\" version \"1\" effective 2025-01-01 codes \"20000\" .. \"29999\" }\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"\" { true } }\n";
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  c.built = "2025-01-01T00:00:00Z";
  pol_compiler_load_text(&c, "low.pol", low, strlen(low));
  pol_compiler_load_text(&c, "high.pol", high, strlen(high));
  assert_int_equal(pol_check(&c), 0);
  Ex x;
  memset(&x, 0, sizeof x);
  x.p = pol_codegen(&c);
  assert_non_null(x.p);
  mark_ops(x.p);
  x.vm = pol_vm_new(x.p);
  x.cs = pol_case_new(x.p);
  assert_non_null(x.vm);
  assert_non_null(x.cs);
  /* 10000 and 20000 are bundle strings (the bounds), the others not */
  static const char *const codes[] = {"15000", "20000", "10000", "25000", "15000", "20000",
                                      "10000", "30000", "19999", "25000"};
  static const char *const want[] = {"LOW", "HIGH", "LOW", "HIGH", "LOW", "HIGH", "LOW", NULL, "LOW", "HIGH"};
  enum { NCODES = sizeof codes / sizeof codes[0] };
  for (int round = 0; round < 2; round++) {
    char facts[2048];
    size_t m = (size_t)snprintf(facts, sizeof facts, "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [");
    for (int i = 0; i < NCODES; i++)
      m += (size_t)snprintf(facts + m, sizeof facts - m, "%s{\"line\": %d, \"cpt\": \"%s\"}", i ? ", " : "",
                            i + 1, codes[round ? NCODES - 1 - i : i]);
    snprintf(facts + m, sizeof facts - m, "]}");
    ex_case(&x, facts);
    const pol_LineResult *r;
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
    for (int i = 0; i < NCODES; i++) {
      const char *w = want[round ? NCODES - 1 - i : i];
      if (!w) {
        assert_int_equal(r[i].policy, POL_NOSTR);
        continue;
      }
      assert_int_not_equal(r[i].policy, POL_NOSTR);
      if (strcmp(x.p->str[x.p->pol[r[i].policy].id], w) != 0)
        fail_msg("round %d, line %d (%s): %s, expected %s", round, i + 1, codes[round ? NCODES - 1 - i : i],
                 x.p->str[x.p->pol[r[i].policy].id], w);
    }
  }
  ex_free(&x);
  pol_compiler_free(&c);
}

static void test_caresource_examples(void **state)
{
  (void)state;
  /* the real policy on two of its examples, through the whole pipeline */
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  pol_compiler_add_path(&c, "stdlib");
  assert_int_equal(pol_compiler_load(&c, "policies/caresource-nc-sij-fusion.pol"), 0);
  assert_int_equal(pol_check(&c), 0);
  pol_Program *p = pol_codegen(&c);
  assert_non_null(p);
  mark_ops(p);
  Ex x;
  memset(&x, 0, sizeof x);
  x.p = p;
  x.vm = pol_vm_new(p);
  x.cs = pol_case_new(p);
  static const struct { const char *file; pol_Det det; } ex[] = {
    {"examples/caresource-sij/approve-all-criteria.json", PD_APPROVE},
    {"examples/caresource-sij/denied-one-injection.json", PD_DENY},
    {"examples/caresource-sij/pend-missing-pain-score.json", PD_PEND},
    {"examples/caresource-sij/no-policy-other-code.json", PD_NO_POLICY},
    {"examples/caresource-sij/before-effective-date.json", PD_NO_POLICY},
  };
  for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
    json_error_t je;
    json_t *root = json_load_file(ex[i].file, 0, &je);
    if (!root) fail_msg("%s: %s", ex[i].file, je.text);
    char err[512];
    if (pol_case_load(x.cs, root, err, sizeof err) != 0) fail_msg("%s: %s", ex[i].file, err);
    const pol_LineResult *r;
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
    if (r[0].det != ex[i].det)
      fail_msg("%s: %s, expected %s", ex[i].file, pol_det_name(r[0].det), pol_det_name(ex[i].det));
    json_decref(root);
  }
  ex_free(&x);
  pol_compiler_free(&c);
}

/* ---- numbers: exact decimals (docs/language.md, "Numbers") ---------------- */

static void test_decimal_arithmetic(void **state)
{
  (void)state;
  /* the issue's examples: false with binary doubles */
  expect("2 - 1.1 == 0.9", "", T);
  expect("n - m == 0.9", "\"n\": 2, \"m\": 1.1", T);
  expect("n - m >= 0.5", "\"n\": 8.2, \"m\": 7.7", T);
  expect("n + m == 0.3", "\"n\": 0.1, \"m\": 0.2", T);
  expect("n * 3 == 0.3", "\"n\": 0.1", T);
  expect("n == 6.3 and n * 10 == 63", "\"n\": 6.3", T);
  /* / and * round to 8 digits after the point, half to even */
  expect("n / 3 == 0.33333333", "\"n\": 1", T);
  expect("n / 3 == 0.66666667", "\"n\": 2", T);
  expect("n / 3 * 3 == 0.99999999", "\"n\": 1", T);
  expect("n / 2 == 0", "\"n\": 0.00000001", T);            /* 0.000000005: to even */
  expect("n / 2 == 0.00000002", "\"n\": 0.00000003", T);   /* 0.000000015 */
  expect("n / 2 == 0.00000002", "\"n\": 0.00000005", T);   /* 0.000000025 */
  expect("n * m == 0.00000002", "\"n\": 0.00000005, \"m\": 0.5", T);
  expect("n * m == -0.00000002", "\"n\": -0.00000003, \"m\": 0.5", T);
  /* a case's real is rounded the same way when it is loaded */
  expect("n == 0.00000002", "\"n\": 0.000000025", T);
  expect("n == 0", "\"n\": 1e-300", T);
  /* x / 0 is unknown; floor is exact */
  expect("n / m > 0", "\"n\": 1, \"m\": 0", U);
  expect("n / 0 > 0", "\"n\": 1", U);
  expect("floor(n) == -1 and floor(-n) == 0", "\"n\": -0.00000001", T);
  /* the edges of the range are numbers like any other */
  expect("n + 0.54775807 == 92233720368.54775807", "\"n\": 92233720368", T);
  expect("-n == -92233720368", "\"n\": 92233720368", T);
}

static void test_decimal_ranges(void **state)
{
  (void)state;
  /* [1, 2] (a count with an unknown item) with decimals: interval
     arithmetic widened to whole numbers, lower bound down, upper bound up */
  const char *r12 = "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]";
  expect("(count inj where steroid) * 0.5 >= 0", r12, T);         /* [0, 1] */
  expect("(count inj where steroid) * 0.5 >= 1", r12, U);
  expect("(count inj where steroid) * 0.5 > 1", r12, F);
  expect("(count inj where steroid) / 3 >= 0", r12, T);           /* [0, 1] */
  expect("(count inj where steroid) / 3 > 1", r12, F);
  expect("(count inj where steroid) + 0.5 >= 1", r12, T);         /* [1, 3] */
  expect("(count inj where steroid) + 0.5 > 3", r12, F);
  expect("(count inj where steroid) - 0.5 >= 0", r12, T);         /* [0, 2] */
  expect("(count inj where steroid) / -0.5 <= -2", r12, T);       /* [-4, -2] */
  expect("(count inj where steroid) / -0.5 < -4", r12, F);
  expect("(count inj where steroid) * 0.00000001 >= 0", r12, T);  /* [0, 1] */
  expect("(count inj where steroid) * 0.00000001 > 1", r12, F);
  /* beyond the VM's whole-number ranges: unknown, not an error */
  expect("(count inj where steroid) * 2000000000 > 0", r12, U);
  /* exact counts are numbers: decimal arithmetic */
  const char *two = "\"inj\": [{\"steroid\": true}, {\"steroid\": true}]";
  expect("(count inj where steroid) * 0.5 == 1", two, T);
  expect("(count inj where steroid) / 3 == 0.66666667", two, T);
}

/* An arithmetic result out of range stops the evaluation with a message,
   as the budget does: never a silent unknown, never a wrap. */
static void test_decimal_overflow(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"OK\" \"\" { n >= 0 }\n"
                     "  criterion \"BIG\" \"\" { n * m > 0 }\n"
                     "}\n");
  static const struct { const char *facts, *err; } t[] = {
    {"\"n\": 300000, \"m\": 400000", "request line 1, criterion BIG of P: number out of range: "
     "300000 * 400000 is not within -92233720368.54775807 .. 92233720368.54775807"},
    {"\"n\": 92233720368, \"m\": 1.5", "request line 1, criterion BIG of P: number out of range: "
     "92233720368 * 1.5 is not within -92233720368.54775807 .. 92233720368.54775807"},
  };
  const pol_LineResult *r = NULL;
  char err[256];
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    ex_case(&x, t[i].facts);
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
    assert_string_equal(err, t[i].err);
  }
  /* the same VM judges the next case */
  ex_case(&x, "\"n\": 3, \"m\": 4");
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), 0);
  assert_int_equal(r[0].det, PD_APPROVE);
  ex_free(&x);

  /* + - / floor, in a branch condition (no criterion named) */
  static const struct { const char *cond, *facts, *what; } u[] = {
    {"n + m > 0", "\"n\": 92233720368, \"m\": 1", "92233720368 + 1"},
    {"n - m > 0", "\"n\": -92233720368, \"m\": 1", "-92233720368 - 1"},
    {"n / m > 0", "\"n\": 92233720368, \"m\": 0.5", "92233720368 / 0.5"},
    {"floor(n) > 0", "\"n\": -92233720368.5", "floor(-92233720368.5)"},
  };
  for (size_t i = 0; i < sizeof u / sizeof *u; i++) {
    char src[2048], want[256];
    snprintf(src, sizeof src, PRE "branch \"B\" \"b\" when %s {\n  criterion \"C\" \"\" { a }\n}\n", u[i].cond);
    ex_compile(&x, src);
    ex_case(&x, u[i].facts);
    assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
    snprintf(want, sizeof want, "request line 1: number out of range: %s is not within "
             "-92233720368.54775807 .. 92233720368.54775807", u[i].what);
    assert_string_equal(err, want);
    ex_free(&x);
  }
}

/* ---- regressions: ranges in arithmetic, nested scratch -------------------- */

static void test_range_arithmetic(void **state)
{
  (void)state;
  /* a count is a range even when exact: * / - floor must still give the
     number (they used to give unknown) */
  const char *two = "\"inj\": [{\"steroid\": true}, {\"steroid\": true}]";
  expect("(count inj where steroid) * 2 == 4", two, T);
  expect("(count inj where steroid) / 2 == 1", two, T);
  expect("-(count inj where steroid) == -2", two, T);
  expect("floor((count inj where steroid) / 2) == 1", two, T);
  /* and stay sound on a true range [1, 2] */
  const char *r12 = "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]";
  expect("(count inj where steroid) * 2 >= 2", r12, T);
  expect("(count inj where steroid) * 2 >= 3", r12, U);
  expect("(count inj where steroid) * 2 > 4", r12, F);
  expect("(count inj where steroid) / 0 > 1", r12, U);
}

static void test_nested_count_distinct(void **state)
{
  (void)state;
  /* the inner COUNTD must not reuse the key scratch the outer one fills */
  expect("(count distinct date of inj where (count distinct i.target of i in inj where true) >= 1) == 1",
         "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\"}, "
         "{\"date\": \"2025-01-01\", \"target\": \"sij\"}]", T);
}

static void test_nested_latest(void **state)
{
  (void)state;
  /* a LATEST (or COUNTD) in LATEST's key block must not overwrite the
     truth the outer one keeps for the item (the inner one's first item
     is false: every outer item read as false, and the latest as unknown) */
  expect("(latest relief of inj where steroid by (date + days((latest i.relief of i in inj where i.relief > 7)))) < 7",
         "\"inj\": [{\"steroid\": null, \"relief\": 1, \"date\": \"2024-01-01\"}, "
         "{\"steroid\": true, \"relief\": 8, \"date\": \"2025-01-01\"}, "
         "{\"steroid\": true, \"relief\": 6.5, \"date\": \"2025-03-01\"}]", T);
  /* and one in its body or value block */
  expect("(latest (count distinct i.target of i in inj where i.steroid) of inj where "
         "(count distinct i.target of i in inj where i.steroid) >= 1) == 1",
         "\"inj\": [{\"steroid\": null, \"date\": \"2024-01-01\", \"target\": \"y\"}, "
         "{\"steroid\": true, \"date\": \"2025-01-01\", \"target\": \"x\"}]", U);
}

static void test_nested_cover(void **state)
{
  (void)state;
  /* the inner COVER must not reuse the interval scratch the outer one fills */
  expect("(days of [2025-01-01, 2025-12-31] covered by th where "
         "(days of [2025-01-01, 2025-12-31] covered by t in th where true from t.start to t.start) >= 0 "
         "from start to end) == 20",
         "\"th\": [{\"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
         "{\"start\": \"2025-03-01\", \"end\": \"2025-03-10\"}]", T);
}

/* ---- sum, latest / earliest, if, sets, durations -------------------------- */

/* inj items from "steroid/relief/date" triples, null for unknown. */
#define I3(st, rel, dt) "{\"steroid\": " st ", \"relief\": " rel ", \"date\": " dt "}"

static void test_sum(void **state)
{
  (void)state;
  /* empty: 0; P false items never count */
  expect("(sum relief of inj where steroid) == 0", "\"inj\": []", T);
  expect("(sum relief of inj where steroid) == 0", "\"inj\": [" I3("false", "null", "null") "]", T);
  /* known: exact decimals */
  expect("(sum relief of inj where steroid) == 7.5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("true", "2.5", "null") "]", T);
  expect("(sum i.relief of i in inj) == 7.5",
         "\"inj\": [" I3("null", "5", "null") ", " I3("false", "2.5", "null") "]", T);
  /* P unknown, value known: a range [5, 7] */
  const char *r57 = "\"inj\": [" I3("true", "5", "null") ", " I3("null", "2", "null") "]";
  expect("(sum relief of inj where steroid) >= 5", r57, T);
  expect("(sum relief of inj where steroid) >= 6", r57, U);
  expect("(sum relief of inj where steroid) > 7", r57, F);
  /* a negative value with P unknown lowers the lower bound */
  expect("(sum relief of inj where steroid) >= 5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("null", "-1", "null") "]", U);
  /* a value unknown where P may be true: unknown, even when the known part
     reaches the threshold (the value may be negative) */
  expect("(sum relief of inj where steroid) >= 5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("true", "null", "null") "]", U);
  expect("(sum relief of inj where steroid) >= 5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("null", "null", "null") "]", U);
  /* ... but not where P is false */
  expect("(sum relief of inj where steroid) >= 5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("false", "null", "null") "]", T);
  /* the author decides: ?? 0 or known() */
  expect("(sum (relief ?? 0) of inj where steroid) >= 5",
         "\"inj\": [" I3("true", "5", "null") ", " I3("true", "null", "null") "]", T);
  expect("(sum relief of inj where steroid) >= 1", "\"inj\": null", U);
  /* over a count (a range) */
  expect("(sum (count inj where steroid) of g in grp) >= 0", "\"grp\": [{\"name\": \"x\"}]", U);
  /* a partial sum out of range stops the case, as + does */
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n  criterion \"S\" \"\" { (sum relief of inj) > 0 }\n}\n");
  ex_case(&x, "\"inj\": [" I3("true", "92233720368", "null") ", " I3("true", "1", "null") "]");
  const pol_LineResult *r = NULL;
  char err[256];
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "number out of range: 92233720368 + 1"));
  ex_free(&x);
}

static void test_latest(void **state)
{
  (void)state;
  const char *two = "\"inj\": [" I3("true", "8", "\"2025-01-01\"") ", " I3("true", "6.5", "\"2025-03-01\"") "]";
  expect("(latest relief of inj where steroid) == 6.5", two, T);
  expect("(earliest relief of inj where steroid) == 8", two, T);
  expect("(latest i.relief of i in inj where i.steroid by i.date) < 7", two, T);
  expect("(latest relief of inj by relief) == 8", two, T);
  /* no matching item: unknown (and the list is noted missing, see the trace test) */
  expect("(latest relief of inj where steroid) < 7", "\"inj\": []", U);
  expect("(latest relief of inj where steroid) < 7", "\"inj\": [" I3("false", "1", "\"2025-01-01\"") "]", U);
  /* an item with an unknown date that may be the latest: unknown ... */
  const char *undated = "\"inj\": [" I3("true", "8", "\"2025-01-01\"") ", " I3("true", "6.5", "null") "]";
  expect("(latest relief of inj where steroid) < 7", undated, U);
  /* ... unless every item that may be it agrees */
  expect("(latest relief of inj where steroid) == 8",
         "\"inj\": [" I3("true", "8", "\"2025-01-01\"") ", " I3("true", "8", "null") "]", T);
  /* an item whose P is unknown, dated after the latest sure one: unknown */
  expect("(latest relief of inj where steroid) < 7",
         "\"inj\": [" I3("true", "6.5", "\"2025-03-01\"") ", " I3("null", "8", "\"2025-04-01\"") "]", U);
  /* ... dated before it: it cannot be the latest */
  expect("(latest relief of inj where steroid) < 7",
         "\"inj\": [" I3("true", "6.5", "\"2025-03-01\"") ", " I3("null", "8", "\"2025-01-01\"") "]", T);
  /* only unknown P: perhaps none matches */
  expect("(latest relief of inj where steroid) < 7", "\"inj\": [" I3("null", "6.5", "\"2025-03-01\"") "]", U);
  /* two on the latest date that disagree: unknown; that agree: the value */
  expect("(latest relief of inj where steroid) < 7",
         "\"inj\": [" I3("true", "6.5", "\"2025-03-01\"") ", " I3("true", "8", "\"2025-03-01\"") "]", U);
  expect("(latest relief of inj where steroid) < 7",
         "\"inj\": [" I3("true", "6.5", "\"2025-03-01\"") ", " I3("true", "6.5", "\"2025-03-01\"") "]", T);
  /* the winner's value unknown */
  expect("(latest relief of inj where steroid) < 7",
         "\"inj\": [" I3("true", "6.5", "\"2025-01-01\"") ", " I3("true", "null", "\"2025-03-01\"") "]", U);
  expect("(latest relief of inj where steroid) < 7", "\"inj\": null", U);
  /* strings and dates as values; earliest mirrors */
  expect("(earliest date of inj where steroid) == 2025-01-01", two, T);
  expect("(earliest relief of inj where steroid) == 6.5",
         "\"inj\": [" I3("true", "6.5", "\"2025-03-01\"") ", " I3("null", "8", "\"2025-04-01\"") "]", T);
}

static void test_if(void **state)
{
  (void)state;
  static const char *const cv[3] = {"false", "true", "null"};
  for (int i = 0; i < 3; i++) {
    char facts[64];
    snprintf(facts, sizeof facts, "\"a\": %s, \"n\": 1, \"m\": 2", cv[i]);
    expect("(if a then b else c) ?? true", facts, T);
    /* two numbers: the value, or the range holding both */
    expect("(if a then n else m) >= 1", facts, T);
    expect("(if a then n else m) >= 2", facts, i == 0 ? T : i == 1 ? F : U);
    expect("(if a then n else m) <= 2", facts, T);
    expect("(if a then n else n) == 1", facts, T);
    /* bools agreeing: known; disagreeing: unknown */
    expect("if a then true else true", facts, T);
    expect("if a then true else false", facts, i == 0 ? F : i == 1 ? T : U);
    expect("(if a then s else \"x\") == \"x\"", facts, i == 0 ? T : U);
  }
  /* an unknown branch not taken does not matter */
  expect("if a then b else true", "\"a\": false, \"b\": null", T);
  expect("if a then b else true", "\"a\": null, \"b\": null", U);
  expect("if a then b else true", "\"a\": null, \"b\": true", T);
  expect("(if a then d else e) == 2025-01-01", "\"a\": null, \"d\": \"2025-01-01\", \"e\": \"2025-01-01\"", T);
  expect("(if a then n else m) == 1.5", "\"a\": null, \"n\": 1.5, \"m\": 1.5", T);
  expect("(if a then n else m) >= 1", "\"a\": null, \"n\": 1.5, \"m\": 2.5", T);
  expect("(if a then n else m) > 2.5", "\"a\": null, \"n\": 1.5, \"m\": 2.5", U);
  expect("rdate - (if a then 14 days else 2 weeks) == 2025-05-18", "\"a\": null", T);
}


/* issue 11: unknown "REASON", min / max, first, tables (docs/language.md,
   "Unknown, min and max, first, tables"). */
static void test_unknown_literal(void **state)
{
  (void)state;
  static const char *const cv[3] = {"false", "true", "null"};
  for (int i = 0; i < 3; i++) {
    char facts[64];
    snprintf(facts, sizeof facts, "\"a\": %s", cv[i]);
    expect("a and unknown \"open\"", facts, i == 0 ? F : U);
    expect("a or unknown \"open\"", facts, i == 1 ? T : U);
    expect("not unknown \"open\"", facts, U);
    expect("(if a then 3 else unknown \"open\") == 3", facts, i == 1 ? T : U);
    expect("known(unknown \"open\")", facts, F);
    expect("(unknown \"open\" ?? a) == a", facts, i == 2 ? U : T);
  }
  expect("n < unknown \"open\"", "\"n\": 1", U);
  expect_d("let x: number = unknown \"open\"", "x > 0 or true", "", T);
}

static void test_min_max(void **state)
{
  (void)state;
  expect("min(n, m) == 2", "\"n\": 2, \"m\": 5", T);
  expect("max(n, m, 3) == 5", "\"n\": 2, \"m\": 5", T);
  expect("min(n, 1.5) == 1.5", "\"n\": 2", T);
  expect("min(d, e) == 2025-01-01", "\"d\": \"2025-01-01\", \"e\": \"2025-03-01\"", T);
  expect("max(d, e) == 2025-03-01", "\"d\": \"2025-01-01\", \"e\": \"2025-03-01\"", T);
  /* an unknown argument: the value is unknown ... */
  expect("min(n, m) == 3", "\"n\": 3, \"m\": null", U);
  expect("min(n, m) + 0 >= 3", "\"n\": 3, \"m\": null", U);
  /* ... but compared, each argument decides where it can */
  expect("min(n, m) < 5", "\"n\": 3, \"m\": null", T);
  expect("min(n, m) >= 5", "\"n\": 3, \"m\": null", F);
  expect("min(n, m) >= 2", "\"n\": 3, \"m\": null", U);
  expect("max(n, m) >= 3", "\"n\": 3, \"m\": null", T);
  expect("max(n, m) < 3", "\"n\": 3, \"m\": null", F);
  expect("max(n, m) < 5", "\"n\": 3, \"m\": null", U);
  expect("5 > min(n, m)", "\"n\": 3, \"m\": null", T);
  expect("2 > max(n, m)", "\"n\": 3, \"m\": null", F);
  expect("min(max(n, m), 1) <= 1", "\"n\": null, \"m\": null", T);
  expect("min(n, m) < 5", "\"n\": null, \"m\": null", U);
  expect("min(d, e) < 2025-02-01", "\"d\": \"2025-01-01\", \"e\": null", T);
  /* ranges: the range of the least */
  expect("min(count inj where steroid, 5) >= 1",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]", T);
  expect("(min(count inj where steroid, 5) + 0) <= 2",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]", T);
  expect("(min(count inj where steroid, 5) + 0) == 1",
         "\"inj\": [{\"steroid\": true}, {\"steroid\": null}]", U);
}

static void test_first(void **state)
{
  (void)state;
  expect("first t in tags where t == \"x\"", "\"tags\": [\"x\", \"y\"]", T);
  expect("first t in tags where t == \"y\"", "\"tags\": [\"x\", \"y\"]", F);
  expect("first t in tags where t == \"y\"", "\"tags\": []", F);
  expect("first t in tags where t == \"y\"", "\"tags\": null", U);
  expect("first inj where steroid", "\"inj\": [{\"steroid\": null}, {\"steroid\": true}]", U);
  expect("first inj where steroid", "\"inj\": [{\"steroid\": false}, {\"steroid\": true}]", F);
  expect("not (first inj where steroid)", "\"inj\": []", T);
}

static void test_tables(void **state)
{
  (void)state;
  const char *tb = "table QL \"limit\" { \"a\" => 4, \"b\" => 3, \"zz\" => -1, default 1 }\n"
                   "table NODEF { \"a\" => 2025-01-01, \"b\" => 2025-02-01 }\n"
                   "table W { \"a\" => 2 weeks }\n";
  expect_d(tb, "QL[s] == 4", "\"s\": \"a\"", T);
  expect_d(tb, "QL[s] == 3", "\"s\": \"b\"", T);
  expect_d(tb, "QL[s] == -1", "\"s\": \"zz\"", T);
  expect_d(tb, "QL[s] == 1", "\"s\": \"other\"", T);
  expect_d(tb, "QL[s] >= 1", "\"s\": null", U);
  expect_d(tb, "QL[\"b\"] + QL[\"q\"] == 4", "", T);
  expect_d(tb, "NODEF[s] == 2025-02-01", "\"s\": \"b\"", T);
  expect_d(tb, "NODEF[s] == 2025-02-01", "\"s\": \"c\"", U);
  expect_d(tb, "known(NODEF[s])", "\"s\": \"c\"", F);
  expect_d(tb, "rdate - W[s] == 2025-05-18", "\"s\": \"a\"", T);
  expect_d(tb, "first t in tags where QL[t] > 3", "\"tags\": [\"a\", \"b\"]", T);
}

static void test_set_quantifiers(void **state)
{
  (void)state;
  expect("exists x in {\"left\", \"right\"} where x == s", "\"s\": \"left\"", T);
  expect("exists x in {\"left\", \"right\"} where x == s", "\"s\": \"both\"", F);
  expect("exists x in {\"left\", \"right\"} where x == s", "\"s\": null", U);
  expect("every x in {\"left\", \"right\"} where x in tags", "\"tags\": [\"left\", \"right\"]", T);
  expect("every x in {\"left\", \"right\"} where x in tags", "\"tags\": [\"left\"]", F);
  expect("every x in {\"left\", \"right\"} where x in tags", "\"tags\": null", U);
  expect("no x in {\"left\", \"right\"} where x == s", "\"s\": \"both\"", T);
  expect("(count x in {\"left\", \"right\", \"both\"} where x != s) == 2", "\"s\": \"both\"", T);
  expect("(count x in {\"left\", \"right\", \"both\"} where x != s) >= 2", "\"s\": null", U);
  expect("(count x in {\"left\", \"right\", \"both\"} where x != s or a) >= 2", "\"s\": null, \"a\": true", T);
  expect("(count {\"left\", \"right\"}) == 2", "", T);
  expect("(count x in {\"left\", \"right\", \"left\"} where x != s) == 1", "\"s\": \"left\"", T);
  expect_d("let sides = {\"left\", \"right\"}", "exists x in sides where x == s", "\"s\": \"right\"", T);
  expect("exists {\"left\", \"right\"} where it == s", "\"s\": \"right\"", T);
}

static void test_durations(void **state)
{
  (void)state;
  expect("rdate - days(n) == 2025-05-18", "\"n\": 14", T);
  expect("rdate - weeks(n) == 2025-05-18", "\"n\": 2", T);
  expect("rdate - years(n) == 2024-06-01", "\"n\": 1", T);
  expect("rdate + days(n) == 2025-06-02", "\"n\": 1", T);
  expect("rdate - days(-1) == 2025-06-02", "", T);
  expect("rdate - days(n) == 2025-05-18", "\"n\": null", U);
  /* not a whole number, or beyond 10000 years: unknown */
  expect("known(days(n))", "\"n\": 1.5", F);
  expect("known(weeks(n))", "\"n\": 600000", F);
  expect("known(years(n))", "\"n\": 10001", F);
  expect("known(years(n))", "\"n\": 10000", T);
  expect("rdate within [rdate - weeks(n), rdate]", "\"n\": 1", T);
  expect("known(days((count inj where steroid)))", "\"inj\": [{\"steroid\": null}]", F);
  expect("known(days((count inj where steroid)))", "\"inj\": [{\"steroid\": true}]", T);
  /* constants fold */
  expect("rdate - days(14) == 2025-05-18", "", T);
}

/* ---- value sets (docs/language.md, "Codes and value sets") --------------- */

#define RA "valueset RA \"Rheumatoid arthritis\" icd10cm { \"M05.*\", \"M06.0\" .. \"M06.9\", except \"M06.4\" }\n"

static void test_value_set_membership(void **state)
{
  (void)state;
  static const struct { const char *code; pol_Tri in; } cases[] = {
    {"\"M05.79\"", T},   /* in the family */
    {"\"m0579\"", T},    /* normalised: case and dot */
    {"\"M05\"", T},      /* the family's own category */
    {"\"M06.0\"", T},    /* a range's ends are included */
    {"\"M06.9\"", T},
    {"\"M06.99\"", T},   /* ICD-10-CM: the upper end includes its subcodes */
    {"\"M06.4\"", F},    /* excluded */
    {"\"M06.41\"", T},   /* an exact exclusion leaves the codes under it */
    {"\"M07\"", F},
    {"\"M04.9\"", F},
    {"\"X\"", F},        /* a known string that is not a code: not a member */
    {"null", U},           /* an unknown code: unknown membership */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char facts[64];
    snprintf(facts, sizeof facts, "\"s\": %s", cases[i].code);
    expect_d(RA, "s in RA", facts, cases[i].in);
    expect_d(RA, "s not in RA", facts, cases[i].in == U ? U : cases[i].in == T ? F : T);
  }
  /* a list of codes: exists */
  expect_d(RA, "exists t in tags where t in RA", "\"tags\": []", F);
  expect_d(RA, "exists t in tags where t in RA", "\"tags\": [\"I10\", \"M05.79\"]", T);
  expect_d(RA, "exists t in tags where t in RA", "\"tags\": [\"I10\"]", F);
  expect_d(RA, "exists t in tags where t in RA", "\"tags\": null", U);
  expect_d(RA, "\"M05.79\" in RA", "", T);
}

static void test_value_set_systems(void **state)
{
  (void)state;
  const char *pt = "valueset PT cpt { \"97110\" .. \"97546\", \"97161\" .. \"97168\" }\n";
  expect_d(pt, "s in PT", "\"s\": \"97110\"", T);
  expect_d(pt, "s in PT", "\"s\": \"97546\"", T);
  expect_d(pt, "s in PT", "\"s\": \"97547\"", F);
  expect_d(pt, "s in PT", "\"s\": \"97109\"", F);
  expect_d(pt, "s in PT", "\"s\": \"9711\"", F);
  const char *ndc = "valueset N ndc { \"0002-1433-80\" }\n";
  expect_d(ndc, "s in N", "\"s\": \"00002143380\"", T);
  expect_d(ndc, "s in N", "\"s\": \"00002-1433-80\"", T);
  expect_d(ndc, "s in N", "\"s\": \"0002-1433-80\"", T);
  expect_d(ndc, "s in N", "\"s\": \"0002143380\"", F);   /* 10 digits without hyphens: ambiguous */
  const char *glp = "valueset G rxnorm { \"1991302\", \"475968\" }\nvalueset H rxnorm { G, \"2601723\", except \"475968\" }\n";
  expect_d(glp, "s in H", "\"s\": \"1991302\"", T);
  expect_d(glp, "s in H", "\"s\": \"01991302\"", T);
  expect_d(glp, "s in H", "\"s\": \"475968\"", F);
  expect_d(glp, "s in H", "\"s\": \"2601723\"", T);
  const char *lab = "valueset A1C loinc { \"4548-4\", \"17856-6\" }\n";
  expect_d(lab, "s in A1C", "\"s\": \"4548-4\"", T);
  expect_d(lab, "s in A1C", "\"s\": \"4548-5\"", F);   /* wrong check digit: not a code */
}

/* ---- calendar windows, contiguity, periods, sides (CALWIN, RUN, GAP,
   PERIODS, LIST) ------------------------------------------------------------ */

static void test_calendar_windows(void **state)
{
  (void)state;
  const char *mid = "\"d\": \"2025-05-20\"";
  expect("start_of(calendar_year(d)) == 2025-01-01 and end_of(calendar_year(d)) == 2025-12-31", mid, T);
  expect("start_of(calendar_quarter(d)) == 2025-04-01 and end_of(calendar_quarter(d)) == 2025-06-30", mid, T);
  expect("start_of(calendar_month(d)) == 2025-05-01 and end_of(calendar_month(d)) == 2025-05-31", mid, T);
  expect("end_of(calendar_month(d)) == 2024-02-29", "\"d\": \"2024-02-10\"", T);
  expect("end_of(calendar_month(d)) == 2025-02-28", "\"d\": \"2025-02-28\"", T);
  expect("start_of(calendar_quarter(d)) == 2025-10-01 and end_of(calendar_quarter(d)) == 2025-12-31",
         "\"d\": \"2025-12-31\"", T);
  expect("end_of(calendar_year(d)) == 9999-12-31", "\"d\": \"9999-12-31\"", T);
  /* within: exact when both are known, unknown when the date that places
     the window is */
  expect("e within calendar_year(d)", "\"d\": \"2025-05-20\", \"e\": \"2025-12-31\"", T);
  expect("e within calendar_year(d)", "\"d\": \"2025-05-20\", \"e\": \"2026-01-01\"", F);
  expect("e within calendar_quarter(d)", "\"d\": \"2025-05-20\", \"e\": \"2025-03-31\"", F);
  expect("e within calendar_year(d)", "\"e\": \"2025-06-01\"", U);
  expect("e within calendar_year(d)", "\"d\": \"2025-05-20\"", U);
  expect("known(calendar_month(d))", "", F);
}

static void test_longest_run(void **state)
{
  (void)state;
  const char *W = "[2025-01-01, 2025-12-31]";
  char ex[512];
  /* adjacent intervals make one run; a separate one does not join it */
  const char *three = "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
                      "{\"kind\": \"pt\", \"start\": \"2025-01-11\", \"end\": \"2025-01-20\"}, "
                      "{\"kind\": \"pt\", \"start\": \"2025-02-01\", \"end\": \"2025-02-05\"}]";
  snprintf(ex, sizeof ex, "(longest run of %s covered by th from start to end) == 20", W);
  expect(ex, three, T);
  snprintf(ex, sizeof ex, "(days of %s covered by th from start to end) == 25", W);
  expect(ex, three, T);
  /* clipped to the window */
  expect("(longest run of [2025-01-05, 2025-03-01] covered by th from start to end) == 16", three, T);
  /* an item whose `where` is unknown may bridge two runs: [10, 30] */
  const char *bridge = "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
                       "{\"kind\": null, \"start\": \"2025-01-11\", \"end\": \"2025-01-20\"}, "
                       "{\"kind\": \"pt\", \"start\": \"2025-01-21\", \"end\": \"2025-01-30\"}]";
  snprintf(ex, sizeof ex, "(longest run of %s covered by t in th where t.kind == \"pt\" from t.start to t.end)", W);
  char c[600];
  snprintf(c, sizeof c, "%s >= 10", ex);
  expect(c, bridge, T);
  snprintf(c, sizeof c, "%s >= 11", ex);
  expect(c, bridge, U);
  snprintf(c, sizeof c, "%s >= 30", ex);
  expect(c, bridge, U);
  snprintf(c, sizeof c, "%s > 30", ex);
  expect(c, bridge, F);
  /* one that may count with an unknown end may cover the whole window */
  const char *open = "\"th\": [{\"kind\": \"pt\", \"start\": \"2025-01-01\", \"end\": \"2025-01-10\"}, "
                     "{\"kind\": \"pt\", \"start\": \"2025-03-01\", \"end\": null}]";
  snprintf(c, sizeof c, "%s >= 11", ex);
  expect(c, open, U);
  snprintf(c, sizeof c, "%s < 10", ex);
  expect(c, open, F);
  snprintf(c, sizeof c, "%s <= 365", ex);
  expect(c, open, T);
  /* an item whose `where` is false never counts, whatever its dates */
  const char *no = "\"th\": [{\"kind\": \"ot\", \"start\": null, \"end\": null}]";
  snprintf(c, sizeof c, "%s == 0", ex);
  expect(c, no, T);
  /* an unknown list, a window with an unknown end: unknown */
  snprintf(c, sizeof c, "%s >= 0", ex);
  expect(c, "", U);
  expect("(longest run of [rdate, e] covered by th from start to end) >= 0", three, U);
}

static void test_longest_gap(void **state)
{
  (void)state;
  const char *gap = "(longest gap in [2025-01-01, 2025-12-31] of i.date of i in inj where i.steroid)";
  char c[400];
  /* the window's ends count as dates: 59, 122, 183 */
  const char *two = "\"inj\": [{\"date\": \"2025-03-01\", \"steroid\": true}, "
                    "{\"date\": \"2025-07-01\", \"steroid\": true}, {\"date\": \"2026-02-01\", \"steroid\": true}]";
  snprintf(c, sizeof c, "%s == 183", gap);
  expect(c, two, T);
  snprintf(c, sizeof c, "%s == 364", gap);
  expect(c, "\"inj\": []", T);
  expect("(longest gap in [2025-01-01, 2025-12-31] of date of inj) == 183", two, T);
  expect("(longest gap in [2025-02-01, 2025-01-01] of date of inj) == 0", two, T);
  /* a date whose `where` is unknown may split a gap: [183, 305] */
  const char *maybe = "\"inj\": [{\"date\": \"2025-03-01\", \"steroid\": true}, "
                      "{\"date\": \"2025-07-01\", \"steroid\": null}]";
  snprintf(c, sizeof c, "%s <= 305", gap);
  expect(c, maybe, T);
  snprintf(c, sizeof c, "%s <= 200", gap);
  expect(c, maybe, U);
  snprintf(c, sizeof c, "%s < 183", gap);
  expect(c, maybe, F);
  /* an unknown date may fall anywhere: best in the middle of the longest
     gap (305 days: 153), or outside the window */
  const char *free1 = "\"inj\": [{\"date\": \"2025-03-01\", \"steroid\": true}, "
                      "{\"date\": null, \"steroid\": true}]";
  snprintf(c, sizeof c, "%s >= 153", gap);
  expect(c, free1, T);
  snprintf(c, sizeof c, "%s >= 154", gap);
  expect(c, free1, U);
  snprintf(c, sizeof c, "%s > 305", gap);
  expect(c, free1, F);
  /* a false `where` never counts; an unknown list is unknown */
  snprintf(c, sizeof c, "%s == 364", gap);
  expect(c, "\"inj\": [{\"date\": null, \"steroid\": false}]", T);
  snprintf(c, sizeof c, "%s >= 0", gap);
  expect(c, "", U);
}

static void test_periods(void **state)
{
  (void)state;
  const char *q = "exists p in periods(30 days, [2025-01-01, 2025-03-31]) "
                  "where (count i in inj where i.date within p) >= 2";
  expect(q, "\"inj\": [{\"date\": \"2025-01-05\"}, {\"date\": \"2025-02-03\"}]", T);
  expect(q, "\"inj\": [{\"date\": \"2025-01-05\"}, {\"date\": \"2025-02-04\"}]", F);
  /* the second date may be the day after the first */
  expect(q, "\"inj\": [{\"date\": \"2025-01-05\"}, {\"date\": null}]", U);
  expect(q, "\"inj\": [{\"date\": \"2025-01-05\"}]", F);
  /* the candidates: every period starting on a day of W and inside it */
  expect("count periods(30 days, [2025-01-01, 2025-01-31]) == 2", "", T);
  expect("count periods(1 month, [2025-01-01, 2025-03-31]) == 60", "", T);
  expect("count periods(0 days, [2025-01-01, 2025-03-31]) == 0", "", T);
  expect("exists p in periods(30 days, [2025-01-01, 2025-01-10]) where true", "", F);
  expect("every p in periods(30 days, [2025-01-01, 2025-01-10]) where false", "", T);
  expect("every p in periods(7 days, [2025-01-01, 2025-01-31]) where end_of(p) - start_of(p) == 6", "", T);
  /* a window with an unknown end: unknown */
  expect("exists p in periods(30 days, [d, e]) where true", "\"e\": \"2025-03-01\"", U);
}

static void test_sides(void **state)
{
  (void)state;
  expect("count sides(s) == 2 and \"left\" in sides(s) and \"right\" in sides(s)", "\"s\": \"bilateral\"", T);
  expect("count sides(s) == 1 and \"left\" in sides(s)", "\"s\": \"left\"", T);
  expect("\"right\" in sides(s)", "\"s\": \"left\"", F);
  expect("\"right\" in sides(s)", "", U);
  expect("exists x in sides(s) where x == \"n/a\"", "\"s\": \"n/a\"", T);
  /* per side: each side an item of the line, unknown side: the line pends */
  Ex x;
  ex_compile(&x, PRE "fact side: string = line.side\n"
                     "branch \"B\" \"b\" when true {\n"
                     "  for each sd in sides(side) {\n"
                     "    criterion \"E\" \"\" { exists i in inj where i.target == sd or i.target == \"bilateral\" }\n"
                     "  }\n"
                     "}\n");
  const pol_LineResult *r;
  const char *inj = "\"inj\": [{\"target\": \"left\"}]";
  char facts[512];
  snprintf(facts, sizeof facts, "%s, \"request\": {\"date\": \"2025-06-01\", \"procedures\": "
           "[{\"line\": 1, \"cpt\": \"X1\", \"side\": \"bilateral\"}]}", inj);
  ex_case(&x, facts);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].nitems, 2);
  assert_string_equal(r[0].items[0].item.u.s, "left");
  assert_string_equal(r[0].items[1].item.u.s, "right");
  assert_int_equal(r[0].items[0].det, PD_APPROVE);
  assert_int_equal(r[0].items[1].det, PD_DENY);
  assert_int_equal(r[0].det, PD_PARTIAL);
  snprintf(facts, sizeof facts, "%s, \"request\": {\"date\": \"2025-06-01\", \"procedures\": "
           "[{\"line\": 1, \"cpt\": \"X1\", \"side\": \"left\"}]}", inj);
  ex_case(&x, facts);
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].nitems, 1);
  assert_int_equal(r[0].det, PD_APPROVE);
  ex_case(&x, inj);   /* no side */
  assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
  assert_int_equal(r[0].items_known, 0);
  assert_int_equal(r[0].det, PD_PEND);
  ex_free(&x);
}

/* The no-trace code fuses a field read and the comparison with a constant
   on its register (FEQK, FINK: vm/lean_opt.c): the same results as the
   traced code, unknown fields and non-records included. */
static void test_fused_field_compare(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C\" \"\" { exists i in inj where i.target == \"sij\" and i.relief >= 50 }\n"
                     "  criterion \"D\" \"\" { every t in th where t.kind in {\"pt\", \"ot\"} }\n"
                     "}\n");
  static const char *const cases[] = {
    "\"inj\": [{\"target\": \"sij\", \"relief\": 60}], \"th\": [{\"kind\": \"pt\"}]",
    "\"inj\": [{\"target\": \"hip\", \"relief\": 60}, {\"relief\": 70}], \"th\": [{\"kind\": \"yoga\"}]",
    "\"inj\": [{\"target\": null}], \"th\": [{\"kind\": null}, {\"kind\": \"ot\"}]",
    "\"inj\": [], \"th\": []",
  };
  static const uint8_t want[][2] = {
    {PS_MET, PS_MET}, {PS_UNKNOWN, PS_NOT_MET}, {PS_UNKNOWN, PS_UNKNOWN}, {PS_NOT_MET, PS_MET},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ex_case(&x, cases[k]);
    for (int on = 1; on >= 0; on--) {
      const pol_LineResult *r;
      pol_vm_set_trace(x.vm, on);
      assert_int_equal(pol_vm_eval(x.vm, x.cs, &r, x.err, sizeof x.err), 0);
      if (r[0].crit[0].status != want[k][0] || r[0].crit[1].status != want[k][1])
        fail_msg("case %zu, trace %d: C %s, D %s", k, on, pol_status_name(r[0].crit[0].status),
                 pol_status_name(r[0].crit[1].status));
    }
  }
  const pol_VM *vm = x.vm;
  assert_non_null(vm->lean);
  uint32_t fused[2] = {0, 0};
  for (uint32_t b = 0; b < x.p->nblocks; b++)   /* each lean block ends at its RET */
    for (uint32_t pc = vm->lean_blocks[b].start;; pc += 1 + (uint32_t)pol_opinfo[POL_OP(vm->lean[pc])].extra) {
      pol_Op op = POL_OP(vm->lean[pc]);
      fused[0] += op == OP_FEQK;
      fused[1] += op == OP_FINK;
      if (op == OP_RET) break;
    }
  assert_true(fused[0] >= 1);   /* the body, and the witness conjunct blocks */
  assert_true(fused[1] >= 1);
  seen_op[OP_FEQK] = seen_op[OP_FINK] = 1;
  ex_free(&x);
}

/* The no-trace code folds returns (vm/lean_opt.c, fuse_ret): a jump to a
   RET of its register (RETF, RETT), an AND or OR before a RET (ANDRET,
   ORRET), an AND, FEQK or FINK before a RETF (ANDRF, FEQKRF, FINKRF);
   FEQK and FINK before a JTRUE or JFALSE on their register become one
   compare-and-jump (FEQKJT .. FINKJF); and it reads facts and fields with
   FACTQ and FIELDQ (vm/lean.c).
   Every combination of true, false and unknown facts gives the traced
   code's statuses; each folded opcode is in the code. */
static void test_folded_returns(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x, PRE "branch \"B\" \"b\" when true {\n"
                     "  criterion \"C1\" \"\" { a and b }\n"
                     "  criterion \"C2\" \"\" { a and b and c }\n"
                     "  criterion \"C3\" \"\" { a or b }\n"
                     "  criterion \"C4\" \"\" { exists i in inj where i.target == \"sij\" and i.steroid }\n"
                     "  criterion \"C5\" \"\" { every t in th where t.kind in {\"pt\", \"ot\"} and t.start < d }\n"
                     "  criterion \"C6\" \"\" { exists i in inj where (i.target == \"sij\" or i.steroid) and i.relief > 5 }\n"
                     "  criterion \"C7\" \"\" { exists i in inj where (i.target == \"sij\" and i.steroid) or i.relief > 5 }\n"
                     "  criterion \"C8\" \"\" { exists i in inj where (i.target in {\"sij\", \"hip\"} or i.steroid) and i.relief > 5 }\n"
                     "  criterion \"C9\" \"\" { exists i in inj where (i.target in {\"sij\", \"hip\"} and i.steroid) or i.relief > 5 }\n"
                     "}\n");
  static const char *const truth[] = {"true", "false", "null"};
  static const char *const inj[] = {
    "[{\"target\": \"sij\", \"steroid\": true, \"relief\": 2}]",
    "[{\"target\": \"hip\", \"steroid\": false, \"relief\": 9}, {\"target\": \"knee\", \"steroid\": true}]",
    "[{\"target\": null, \"steroid\": false, \"relief\": 1}, {\"target\": \"sij\", \"steroid\": null, \"relief\": 7}]", "[]"};
  static const char *const th[] = {
    "[{\"kind\": \"pt\", \"start\": \"2025-01-01\"}]", "[{\"kind\": \"yoga\", \"start\": \"2025-01-01\"}]",
    "[{\"kind\": null}, {\"kind\": \"ot\", \"start\": \"2025-09-01\"}]", "[]"};
  char facts[1024];
  for (int k = 0; k < 27 * 4; k++) {
    snprintf(facts, sizeof facts,
             "\"a\": %s, \"b\": %s, \"c\": %s, \"d\": \"2025-03-01\", \"inj\": %s, \"th\": %s",
             truth[k % 3], truth[k / 3 % 3], truth[k / 9 % 3], inj[k / 27], th[(k + k / 27) % 4]);
    ex_case(&x, facts);
    same_statuses(&x, 9, (size_t)k, NULL);
  }
  const pol_VM *vm = x.vm;
  assert_non_null(vm->lean);
  uint32_t n[OP__COUNT] = {0};
  for (uint32_t b = 0; b < x.p->nblocks; b++)   /* each lean block ends at its RET */
    for (uint32_t pc = vm->lean_blocks[b].start;; pc += 1 + (uint32_t)pol_opinfo[POL_OP(vm->lean[pc])].extra) {
      pol_Op op = POL_OP(vm->lean[pc]);
      n[op]++;
      if (op == OP_RET) break;
    }
  static const pol_Op folded[] = {OP_RETF,  OP_RETT,   OP_ANDRET, OP_ORRET,  OP_ANDRF,
                                  OP_FEQKRF, OP_FINKRF, OP_FACTQ, OP_FIELDQ, OP_FEQKJT,
                                  OP_FEQKJF, OP_FINKJT, OP_FINKJF};
  assert_int_equal(n[OP_FACT] + n[OP_FIELD], 0);   /* all quiet */
  for (size_t k = 0; k < sizeof folded / sizeof folded[0]; k++) {
    if (n[folded[k]] == 0) fail_msg("no %s in the no-trace code", pol_opinfo[folded[k]].name);
    seen_op[folded[k]] = 1;
  }
  ex_free(&x);
}


/* EXISTS and EVERY run their bodies in place, a walk frame each, up to 8
   deep in one run() (exec.c, q_item and q_ret), deeper by a call as
   before: walks nested 1 to 12 deep, items that end a walk early or not,
   unknown items, the same truth at every depth and traced or not. */
static void test_deep_walks(void **state)
{
  (void)state;
  for (int depth = 1; depth <= 12; depth++) {
    char expr[2048] = "", tail[64];
    for (int d = 0; d < depth; d++) {
      char q[64];
      snprintf(q, sizeof q, "%s x%d in inj where ", d % 2 ? "every" : "exists", d);
      strcat(expr, q);
    }
    snprintf(tail, sizeof tail, "x%d.target == \"b\"", depth - 1);
    strcat(expr, tail);
    /* the innermost walk decides: over [a, b] an exists holds and an
       every fails; an unknown target makes an every unknown, not an
       exists that found b first */
    int inner_every = (depth - 1) % 2;
    expect(expr, "\"inj\": [{\"target\": \"b\"}]", T);
    expect(expr, "\"inj\": [{\"target\": \"a\"}]", F);
    expect(expr, "\"inj\": []", F);
    expect(expr, "\"inj\": [{\"target\": \"a\"}, {\"target\": \"b\"}]", inner_every ? F : T);
    expect(expr, "\"inj\": [{\"target\": \"b\"}, {\"target\": null}]", inner_every ? U : T);
  }
}

/* The superinstructions of the decoded no-trace code (vm/wide.def FUSE,
   exec.c fuse_code): criteria whose code holds the pairs the realistic
   policies run most, over facts true, false and unknown, judged traced
   (the program's code, never fused) and untraced: the same statuses.
   tests/unit/fuse_break.sh builds the VM with each superinstruction's
   first half skipped in turn (POL_BREAK_FUSE) and checks that this test,
   or another, fails. */
static void test_superinstructions(void **state)
{
  (void)state;
  static const char *const srcs[] = {
    PRE "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"\" { a and b or c }\n"
    "  criterion \"C2\" \"\" { (a or b) and (c or not a) and not b }\n"
    "  criterion \"C3\" \"\" { s == \"x\" or s == \"y\" or n >= 3 }\n"
    "  criterion \"C4\" \"\" { s in {\"x\", \"z\"} }\n"
    "  criterion \"C5\" \"\" { exists inj where target == \"sij\" and steroid }\n"
    "  criterion \"C6\" \"\" { exists inj where target in {\"sij\", \"hip\"} and relief >= 50 }\n"
    "  criterion \"C7\" \"\" { every inj where known(relief) and relief >= 1 }\n"
    "  criterion \"C8\" \"\" { not (exists inj where steroid) and a }\n"
    "  criterion \"C9\" \"\" { known(n) and n - m >= 2 }\n"
    "  criterion \"C10\" \"\" { exists t in tags where t == \"a\" or t == \"b\" }\n"
    "  criterion \"C11\" \"\" { exists g in grp where g.name == \"x\" and (exists i in g.inj where i.target == \"knee\") }\n"
    "  criterion \"C12\" \"\" { exists inj where (target == \"sij\" or target == \"hip\") and (steroid or relief >= 50) }\n"
    "  criterion \"C13\" \"\" { exists inj where known(target) and target in {\"sij\"} and steroid }\n"
    "  criterion \"C14\" \"\" { (s == \"x\" and a) or (s == \"y\" and b) }\n"
    "}\n",
    PRE "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"\" { exists inj where known(relief) and (target in {\"sij\"} or target == \"hip\" or steroid) and relief >= 5 }\n"
    "  criterion \"C2\" \"\" { exists inj where (target in {\"sij\"} or (target == \"hip\" and steroid)) and relief >= 5 }\n"
    "  criterion \"C3\" \"\" { ((a and b) or c) and ((b or c) and a) and n >= 1 }\n"
    "  criterion \"C4\" \"\" { (a or b) or (c and s == \"x\") }\n"
    "  criterion \"C5\" \"\" { (a and b) and (c or s == \"x\") }\n"
    "  criterion \"C6\" \"\" { exists inj where relief >= 1 and steroid and steroid and relief >= 2 }\n"
    "  criterion \"C7\" \"\" { exists inj where target == \"sij\" and (target == \"hip\" or steroid) and relief >= 1 }\n"
    "  criterion \"C8\" \"\" { exists t in tags where t in {\"a\", \"b\"} }\n"
    "  criterion \"C9\" \"\" { exists inj where steroid and target in {\"sij\"} }\n"
    "  criterion \"C10\" \"\" { exists g in grp where g.name in {\"x\"} and (exists i in g.inj where i.target == \"knee\") }\n"
    "  criterion \"C11\" \"\" { exists inj where (steroid and known(relief)) and target in {\"sij\"} and relief >= 1 }\n"
    "  criterion \"C12\" \"\" { (a and b or c) and (b or c and a) }\n"
    "  criterion \"C13\" \"\" { exists inj where ((steroid and known(relief)) or steroid) and relief >= 1 and steroid }\n"
    "  criterion \"C14\" \"\" { exists inj where ((steroid or known(relief)) and steroid) or relief >= 1 }\n"
    "  criterion \"C15\" \"\" { (((a and b) and c) or b) and s == \"x\" }\n"
    "  criterion \"C16\" \"\" { n >= 4 or ((a and b) and (c or s == \"y\")) }\n"
    "}\n",
    PRE "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"\" { exists inj where relief >= 1 and (target in {\"sij\"} or (target == \"hip\" and steroid)) and known(target) }\n"
    "  criterion \"C2\" \"\" { exists inj where (target in {\"sij\"} or (target == \"hip\" and steroid)) and steroid and relief >= 1 }\n"
    "  criterion \"C3\" \"\" { exists inj where (steroid or (target == \"hip\" and known(relief))) and relief >= 1 and steroid }\n"
    "}\n",
    /* short cuts: a jump or a return skipped shows in the items visited */
    PRE "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"\" { a and (exists inj where steroid) }\n"
    "  criterion \"C2\" \"\" { a or (exists inj where steroid) }\n"
    "  criterion \"C3\" \"\" { (a and b) and (exists inj where steroid) }\n"
    "  criterion \"C4\" \"\" { (a or b) or (exists inj where steroid) }\n"
    "  criterion \"C5\" \"\" { (a and b or c) and (exists inj where steroid) }\n"
    "  criterion \"C6\" \"\" { exists inj where known(target) and (target in {\"sij\"} or (exists t in tags where t == \"a\")) }\n"
    "  criterion \"C7\" \"\" { exists inj where steroid and target in {\"sij\"} and (exists t in tags where t == \"a\") }\n"
    "  criterion \"C8\" \"\" { exists inj where (steroid and known(relief) or target == \"hip\") and (exists t in tags where t == \"a\") }\n"
    "  criterion \"C9\" \"\" { exists inj where steroid and relief >= 1 and steroid and (exists t in tags where t == \"a\") }\n"
    "  criterion \"C10\" \"\" { (s == \"x\" and a) or (exists inj where steroid) }\n"
    "  criterion \"C11\" \"\" { b and not a and (exists inj where steroid) }\n"
    "  criterion \"C12\" \"\" { (a and (exists inj where steroid)) or c }\n"
    "  criterion \"C13\" \"\" { (a or (exists inj where steroid)) and c }\n"
    "  criterion \"C14\" \"\" { (a and b or c or (exists inj where steroid)) and b }\n"
    "  criterion \"C15\" \"\" { exists inj where steroid and (known(relief) and steroid or target == \"hip\") and target in {\"sij\"} }\n"
    "  criterion \"C16\" \"\" { exists inj where (steroid and relief >= 1) and target in {\"sij\"} and steroid }\n"
    "}\n",
    PRE "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"\" { exists inj where steroid and relief >= 1 and target in {\"sij\"} and (exists t in tags where t == \"a\") }\n"
    "  criterion \"C2\" \"\" { exists inj where ((steroid and known(relief)) or target == \"hip\") and relief >= 1 and (exists t in tags where t == \"a\") }\n"
    "  criterion \"C3\" \"\" { exists inj where (target in {\"sij\"} or (target == \"hip\" and steroid)) and (exists t in tags where t == \"a\") and relief >= 1 }\n"
    "  criterion \"C4\" \"\" { exists inj where (steroid and relief >= 1 or known(target)) and (exists t in tags where t == \"a\") }\n"
    "}\n",
  };
  static const int nc[] = {14, 16, 3, 16, 4};
  static const char *const fa[] = {"true", "false", "null"};
  static const char *const fs[] = {"\"x\"", "\"y\"", "null"};
  static const char *const fn[] = {"5", "1", "null"};
  static const char *const finj[] = {
    "[{\"target\": \"sij\", \"steroid\": true, \"relief\": 60}, {\"target\": \"hip\", \"steroid\": false}]",
    "[{\"target\": null, \"steroid\": null, \"relief\": 10}, {\"target\": \"knee\", \"steroid\": true, \"relief\": 0}]",
    "[{\"target\": \"hip\", \"steroid\": false, \"relief\": 70}]",
    "[{\"target\": \"sij\", \"steroid\": true, \"relief\": 0}, {\"target\": \"hip\", \"steroid\": true}]",
    "[]",
    "null",
  };
  static const char *const fg[] = {
    "\"tags\": [\"c\", \"b\"], \"grp\": [{\"name\": \"x\", \"inj\": [{\"target\": \"hip\"}, {\"target\": \"knee\"}]}]",
    "\"tags\": [\"c\", \"a\"], \"grp\": [{\"name\": null, \"inj\": [{\"target\": \"knee\"}]}, {\"name\": \"x\", \"inj\": []}]",
    "\"tags\": []",
  };
  for (size_t si = 0; si < sizeof srcs / sizeof srcs[0]; si++) {
    Ex x;
    ex_compile(&x, srcs[si]);
    size_t k = 0;
    for (size_t i = 0; i < 3 * 3 * 3 * 3; i++)
      for (size_t j = 0; j < sizeof finj / sizeof finj[0]; j++, k++) {
        char facts[1024];
        snprintf(facts, sizeof facts,
                 "\"a\": %s, \"b\": %s, \"c\": %s, \"s\": %s, \"n\": %s, \"m\": %s, \"inj\": %s, %s",
                 fa[i % 3], fa[i / 3 % 3], fa[(i + j) % 3], fs[i / 9 % 3], fn[i / 27 % 3], fn[(i + 1) % 3],
                 finj[j], fg[(i + j) % 3]);
        ex_case(&x, facts);
        pol_vm_set_budget(x.vm, 0);
        uint64_t visits[2];
        same_statuses(&x, nc[si], k, visits);
        if (visits[0] != visits[1])
          fail_msg("source %zu, case %zu: %llu items visited traced, %llu untraced", si, k,
                   (unsigned long long)visits[1], (unsigned long long)visits[0]);
      }
    ex_free(&x);
  }
}

/* ---- coverage of the opcode list (keep last) ------------------------------ */

static void test_every_opcode_ran(void **state)
{
  (void)state;
  char missing[1024] = "";
  for (int op = 0; op < OP__COUNT; op++)
    if (!seen_op[op]) {
      strncat(missing, " ", sizeof missing - strlen(missing) - 1);
      strncat(missing, pol_opinfo[op].name, sizeof missing - strlen(missing) - 1);
    }
  if (missing[0]) fail_msg("opcodes no test ran:%s", missing);
}

/* Every superinstruction of vm/wide.def was made in some test's no-trace
   code that ran untraced (test_superinstructions is there for them). */
static void test_every_superinstruction_made(void **state)
{
  (void)state;
  static const char *const names[OPW__COUNT] = {
#define OPW(name, doc) [OPW_##name] = NULL,
#define FUSE(first, then) [OPW_##first##_##then] = #first "_" #then,
#include "wide.def"
#undef OPW
#undef FUSE
  };
  char missing[2048] = "";
  for (int op = OP__COUNT; op < OPW__COUNT; op++)
    if (names[op] && !seen_fused[op]) {
      strncat(missing, " ", sizeof missing - strlen(missing) - 1);
      strncat(missing, names[op], sizeof missing - strlen(missing) - 1);
    }
  if (missing[0]) fail_msg("superinstructions no test made:%s", missing);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_and_truth_table),
    cmocka_unit_test(test_or_truth_table),
    cmocka_unit_test(test_not_truth_table),
    cmocka_unit_test(test_kleene_compound),
    cmocka_unit_test(test_at_least),
    cmocka_unit_test(test_comparisons),
    cmocka_unit_test(test_arithmetic),
    cmocka_unit_test(test_known_and_coalesce),
    cmocka_unit_test(test_date_arithmetic),
    cmocka_unit_test(test_windows),
    cmocka_unit_test(test_membership),
    cmocka_unit_test(test_quantifiers),
    cmocka_unit_test(test_count_ranges),
    cmocka_unit_test(test_count_distinct),
    cmocka_unit_test(test_coverage),
    cmocka_unit_test(test_coverage_order),
    cmocka_unit_test(test_window_reads),
    cmocka_unit_test(test_leaf_quantifiers),
    cmocka_unit_test(test_date_arith_memo),
    cmocka_unit_test(test_evidence_values),
    cmocka_unit_test(test_extern_calls),
    cmocka_unit_test(test_for_each_items),
    cmocka_unit_test(test_jumps_hand_assembled),
    cmocka_unit_test(test_coalesce_hand_assembled),
    cmocka_unit_test(test_instruction_budget),
    cmocka_unit_test(test_no_trace_code),
    cmocka_unit_test(test_fused_field_compare),
    cmocka_unit_test(test_folded_returns),
    cmocka_unit_test(test_budget_stops_at_once),
    cmocka_unit_test(test_registers_cleared),
    cmocka_unit_test(test_determinations),
    cmocka_unit_test(test_prerequisites),
    cmocka_unit_test(test_effective_date_routing),
    cmocka_unit_test(test_range_route_memo),
    cmocka_unit_test(test_caresource_examples),
    cmocka_unit_test(test_decimal_arithmetic),
    cmocka_unit_test(test_decimal_ranges),
    cmocka_unit_test(test_decimal_overflow),
    cmocka_unit_test(test_range_arithmetic),
    cmocka_unit_test(test_nested_count_distinct),
    cmocka_unit_test(test_nested_cover),
    cmocka_unit_test(test_nested_latest),
    cmocka_unit_test(test_sum),
    cmocka_unit_test(test_latest),
    cmocka_unit_test(test_if),
    cmocka_unit_test(test_unknown_literal),
    cmocka_unit_test(test_min_max),
    cmocka_unit_test(test_first),
    cmocka_unit_test(test_tables),
    cmocka_unit_test(test_set_quantifiers),
    cmocka_unit_test(test_durations),
    cmocka_unit_test(test_value_set_membership),
    cmocka_unit_test(test_value_set_systems),
    cmocka_unit_test(test_calendar_windows),
    cmocka_unit_test(test_longest_run),
    cmocka_unit_test(test_longest_gap),
    cmocka_unit_test(test_periods),
    cmocka_unit_test(test_sides),
    cmocka_unit_test(test_superinstructions),
    cmocka_unit_test(test_deep_walks),
    cmocka_unit_test(test_every_opcode_ran),
    cmocka_unit_test(test_every_superinstruction_made),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
