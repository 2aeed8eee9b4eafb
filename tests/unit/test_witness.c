/*
 * test_witness.c -- unit tests for the witnesses of list evidence
 * (vm/witness.c, the WITN section) and the decisive evidence of groups,
 * in the JSON and text traces (docs/cli.md "Witnesses", "Decisive
 * evidence"): exists, no, every, count, count distinct, coverage, sum,
 * latest / earliest, set literals, longest run and gap,
 * nested quantifiers, unknown items, let arguments, `or` / `and` /
 * `at least`, the verifier's checks of the descriptors, and results that
 * do not depend on whether witnesses are on.
 *
 * Programs go through the whole pipeline (check, codegen, bundle write,
 * bundle load with verification).  Ownership: a W owns everything it
 * holds; w_free frees it.
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
#include "trace.h"
#include "vm.h"
#include "unit_compile.h"

#define PRE                                                                   \
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n" \
  "record Finding { finding: string  level: string }\n"                         \
  "record Study { date: date  modality: string  region: string  findings: list<Finding> }\n" \
  "record Inj { date: date  target: string  steroid: bool  relief: number }\n"  \
  "record Th { kind: string  start: date  end: date }\n"                        \
  "fact a: bool = a\nfact b: bool = b\nfact c: bool = c\nfact n: number = n\n"  \
  "fact imaging: list<Study> = imaging\nfact inj: list<Inj> = inj\n"            \
  "fact th: list<Th> = th\nfact tags: list<string> = tags\n"                    \
  "fact rdate: date = request.date\n"

#define REQ "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 1, \"cpt\": \"X1\"}]}"

typedef struct W {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *cs;
  json_t *root;
  pol_Buf json, text;
  char err[1024];
} W;

/* Compiles PRE + decls + a branch with criterion "C" { expr }, loads the
   case {REQ, facts}, judges it with witnesses `wit` and renders both
   traces into w->json (compact criteria) and w->text. */
static void w_run(W *w, const char *decls, const char *expr, const char *facts, int wit)
{
  memset(w, 0, sizeof *w);
  char src[8192];
  snprintf(src, sizeof src, PRE "%s\nbranch \"B\" \"b\" when true {\n  criterion \"C\" \"c\" { %s }\n}\n",
           decls, expr);
  char *msgs;
  pol_Program *p = ut_compile(src, &msgs);
  if (!p) fail_msg("compile failed:\n%s\n--- source:\n%s", msgs, src);
  free(msgs);
  w->p = ut_reload(p);
  w->vm = pol_vm_new(w->p);
  w->cs = pol_case_new(w->p);
  assert_non_null(w->vm);
  assert_non_null(w->cs);
  char js[8192];
  snprintf(js, sizeof js, "{\"case_id\": \"t\", " REQ "%s%s}", facts[0] ? ", " : "", facts);
  json_error_t je;
  w->root = json_loads(js, 0, &je);
  if (!w->root) fail_msg("bad test JSON (%s): %s", je.text, js);
  if (pol_case_load(w->cs, w->root, w->err, sizeof w->err) != 0) fail_msg("case: %s", w->err);
  pol_vm_set_trace(w->vm, 1);
  pol_vm_set_witnesses(w->vm, wit);
  const pol_LineResult *lines;
  if (pol_vm_eval(w->vm, w->cs, &lines, w->err, sizeof w->err) != 0) fail_msg("eval: %s", w->err);
  pol_trace_json(&w->json, w->vm, w->cs, lines, NULL, POL_TRACE_CRITERIA);
  pol_trace_text(&w->text, w->vm, w->cs, lines, NULL);
}

static void w_free(W *w)
{
  pol_buf_free(&w->json);
  pol_buf_free(&w->text);
  pol_case_free(w->cs);
  pol_vm_free(w->vm);
  pol_program_free(w->p);
  json_decref(w->root);
}

#define HAS(w, buf, want)                                                       \
  do {                                                                          \
    if (!strstr((w)->buf.s, (want))) fail_msg("missing %s\n  in: %s", (want), (w)->buf.s); \
  } while (0)
#define HASNT(w, buf, want)                                                     \
  do {                                                                          \
    if (strstr((w)->buf.s, (want))) fail_msg("unexpected %s\n  in: %s", (want), (w)->buf.s); \
  } while (0)

#define STUDIES                                                                 \
  "\"imaging\": [{\"date\": \"2025-01-02\", \"modality\": \"xray\", \"region\": \"sij\", \"findings\": []}," \
  " {\"date\": \"2025-03-01\", \"modality\": \"mri\", \"region\": \"sij\", \"findings\": "         \
  "[{\"finding\": \"other\"}, {\"finding\": \"sij_pathology\", \"level\": \"L5\"}]},"                 \
  " {\"date\": \"2025-04-01\", \"modality\": \"ct\", \"region\": \"lumbar\", \"findings\": "        \
  "[{\"finding\": \"neural_compression\"}]}]"

/* (a) exists true: the first item whose predicate is true, its date and
   the fields tested, and nothing else. */
static void test_exists_witness(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "exists imaging where modality in {\"ct\", \"mri\"} and region == \"sij\"", STUDIES, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"imaging\", \"index\": 1, \"item\": "
                "{\"date\": \"2025-03-01\", \"modality\": \"mri\", \"region\": \"sij\"}}");
  HASNT(&w, json, "findings");
  HAS(&w, text, "imaging = true [imaging #2 (2025-03-01): modality mri, region sij]");
  w_free(&w);
}

/* (a) exists false: the closest item (most conjuncts true, first on
   ties) and what it lacked; an empty list has none. */
static void test_exists_closest(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "exists imaging where modality == \"mri\" and region == \"lumbar\" and date >= 2025-02-01",
        STUDIES, 1);
  /* #2 (mri, 2025-03-01) and #3 (lumbar, 2025-04-01) both have 2 of 3: the first wins */
  HAS(&w, json, "\"closest\": {\"list\": \"imaging\", \"index\": 1, \"item\": {\"date\": \"2025-03-01\", "
                "\"modality\": \"mri\", \"region\": \"sij\"}, \"lacked\": [\"region == \\\"lumbar\\\"\"]}");
  HAS(&w, text, "closest: imaging #2 (2025-03-01): modality mri, region sij; lacked region == \"lumbar\"");
  w_free(&w);
  w_run(&w, "", "exists imaging where modality == \"pet\" and region == \"knee\"", STUDIES, 1);
  HASNT(&w, json, "closest");   /* no item has a conjunct true */
  w_free(&w);
  w_run(&w, "", "exists imaging where modality == \"mri\"", "\"imaging\": []", 1);
  HASNT(&w, json, "closest");
  HASNT(&w, json, "witness");
  w_free(&w);
}

/* (a) nested quantifiers: the witness study and, beneath it, its finding. */
static void test_nested(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "exists imaging where modality == \"mri\" and exists findings where finding == \"sij_pathology\"",
        STUDIES, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"imaging\", \"index\": 1, \"item\": {\"date\": \"2025-03-01\", "
                "\"modality\": \"mri\"}, \"inner\": [{\"witness\": {\"list\": \"findings\", \"index\": 1, "
                "\"item\": {\"finding\": \"sij_pathology\"}}}]}");
  w_free(&w);
  /* named items, and a `no` that fails: its witness is the study with the finding */
  w_run(&w, "", "no s in imaging where exists f in s.findings where f.finding == \"neural_compression\"",
        STUDIES, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"imaging\", \"index\": 2, \"item\": {\"date\": \"2025-04-01\"}, "
                "\"inner\": [{\"witness\": {\"list\": \"s.findings\", \"index\": 0, \"item\": "
                "{\"finding\": \"neural_compression\"}}}]}");
  HAS(&w, text, "witness: imaging #3 (2025-04-01); s.findings #1: finding neural_compression");
  w_free(&w);
  /* exists false: the closest study and its closest finding */
  w_run(&w, "", "exists imaging where modality == \"mri\" and exists findings where finding == \"sij_pathology\" and level == \"S1\"",
        STUDIES, 1);
  HAS(&w, json, "\"closest\": {\"list\": \"imaging\", \"index\": 1");
  HAS(&w, json, "\"inner\": [{\"closest\": {\"list\": \"findings\", \"index\": 1, \"item\": "
                "{\"finding\": \"sij_pathology\", \"level\": \"L5\"}, \"lacked\": [\"level == \\\"S1\\\"\"]}}]");
  w_free(&w);
}

/* An item whose tested field is unknown never witnesses a result it did
   not decide: exists over [unknown, false] is unknown (no witness), over
   [unknown, true] the true one is the witness; every's counter-example is
   the false item, not the unknown one before it. */
static void test_unknown_items(void **state)
{
  (void)state;
  W w;
  const char *inj_uf = "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\"}, "
                       "{\"date\": \"2025-02-01\", \"target\": \"sij\", \"steroid\": false}]";
  w_run(&w, "", "exists inj where target == \"sij\" and steroid", inj_uf, 1);
  HAS(&w, json, "\"value\": null");
  HASNT(&w, json, "witness");
  HASNT(&w, json, "closest");
  w_free(&w);
  const char *inj_ut = "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\"}, "
                       "{\"date\": \"2025-02-01\", \"target\": \"sij\", \"steroid\": true}]";
  w_run(&w, "", "exists inj where target == \"sij\" and steroid", inj_ut, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"inj\", \"index\": 1, \"item\": {\"date\": \"2025-02-01\", "
                "\"target\": \"sij\", \"steroid\": true}}");
  w_free(&w);
  w_run(&w, "", "every inj where steroid", inj_uf, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"inj\", \"index\": 1, \"item\": {\"date\": \"2025-02-01\", "
                "\"steroid\": false}, \"lacked\": [\"steroid\"]}");
  w_free(&w);
  /* every true: nothing to show */
  w_run(&w, "", "every inj where target == \"sij\"", inj_uf, 1);
  HASNT(&w, json, "witness");
  w_free(&w);
}

/* Counts: the items counted, at most 5 then "more"; those that may count
   apart; count distinct shows the first item of each key. */
static void test_counts(void **state)
{
  (void)state;
  W w;
  char facts[2048];
  size_t o = (size_t)snprintf(facts, sizeof facts, "\"inj\": [");
  for (int i = 0; i < 8; i++)
    o += (size_t)snprintf(facts + o, sizeof facts - o, "%s{\"date\": \"2025-01-0%d\", \"target\": \"sij\"}",
                          i ? ", " : "", i + 1);
  snprintf(facts + o, sizeof facts - o, ", {\"date\": \"2025-02-01\"}, {\"date\": \"2025-02-02\", \"target\": \"knee\"}]");
  w_run(&w, "", "(count inj where target == \"sij\") >= 2", facts, 1);
  HAS(&w, json, "\"counted\": {\"list\": \"inj\", \"items\": [{\"index\": 0, \"item\": {\"date\": \"2025-01-01\", "
                "\"target\": \"sij\"}}");
  HAS(&w, json, "{\"index\": 4, \"item\": {\"date\": \"2025-01-05\", \"target\": \"sij\"}}], \"more\": 3, "
                "\"unknown\": [{\"index\": 8, \"item\": {\"date\": \"2025-02-01\", \"target\": null}}]}");
  HAS(&w, text, "[counted: #1 (2025-01-01), #2 (2025-01-02), #3 (2025-01-03), #4 (2025-01-04), #5 (2025-01-05), +3 more]");
  w_free(&w);
  w_run(&w, "", "(count distinct date of inj where target == \"sij\") >= 2",
        "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\"}, {\"date\": \"2025-01-01\", \"target\": \"sij\"},"
        " {\"date\": \"2025-01-03\", \"target\": \"sij\"}]", 1);
  HAS(&w, json, "\"counted\": {\"list\": \"inj\", \"items\": [{\"index\": 0, \"item\": {\"date\": \"2025-01-01\", "
                "\"target\": \"sij\"}}, {\"index\": 2, \"item\": {\"date\": \"2025-01-03\", \"target\": \"sij\"}}]}");
  w_free(&w);
}

/* Coverage: the items covering the window; one outside it is not shown,
   one with an unknown end may count. */
static void test_cover(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "(days of [2025-01-01, 2025-05-31] covered by th where kind == \"pt\" from start to end) >= 30",
        "\"th\": [{\"kind\": \"pt\", \"start\": \"2024-01-01\", \"end\": \"2024-02-01\"},"
        " {\"kind\": \"pt\", \"start\": \"2025-01-10\", \"end\": \"2025-03-01\"},"
        " {\"kind\": \"pt\", \"start\": \"2025-04-01\"}, {\"kind\": \"chiro\", \"start\": \"2025-01-01\", \"end\": \"2025-05-01\"}]", 1);
  HAS(&w, json, "\"counted\": {\"list\": \"th\", \"items\": [{\"index\": 1, \"item\": {\"kind\": \"pt\", "
                "\"start\": \"2025-01-10\", \"end\": \"2025-03-01\"}}], \"unknown\": [{\"index\": 2, \"item\": "
                "{\"kind\": \"pt\", \"start\": \"2025-04-01\", \"end\": null}}]}");
  w_free(&w);
}

/* (b) a parameterised let shows its arguments, not its parameter names. */
static void test_let_arguments(void **state)
{
  (void)state;
  W w;
  w_run(&w, "let relieved(min: number, t: string): number = count inj where relief >= min and target == t\n",
        "relieved(80, \"sij\") >= 1",
        "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\", \"relief\": 85}]", 1);
  HAS(&w, json, "\"query\": \"count inj where relief >= 80 and target == \\\"sij\\\"\"");
  HAS(&w, json, "\"expected\": \">= 1\"");
  HASNT(&w, json, ">= min");
  w_free(&w);
  /* a list passed as the argument: shown by the list's own name */
  w_run(&w, "let any_sij(l: list<Inj>): bool = exists x in l where x.target == \"sij\"\n", "any_sij(inj)",
        "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\"}]", 1);
  HAS(&w, json, "\"fact\": \"inj\"");
  HAS(&w, json, "\"query\": \"exists x in inj where x.target == \\\"sij\\\"\"");
  w_free(&w);
}

/* (c) a met `or` does not list its failed alternative; `at least` shows
   the operands that decided it; a failed `and` its false operands; an
   unknown `and` its unknown ones. */
static void test_decisive(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "a or b", "\"a\": false, \"b\": true", 1);
  HAS(&w, json, "\"evidence\": [{\"fact\": \"b\", \"value\": true, \"expected\": \"true\"}]");
  w_free(&w);
  w_run(&w, "", "a or b", "\"a\": false, \"b\": false", 1);   /* not met: both decided it */
  HAS(&w, json, "\"evidence\": [{\"fact\": \"a\", \"value\": false, \"expected\": \"true\"}, {\"fact\": \"b\"");
  w_free(&w);
  w_run(&w, "", "at least 2 of (a, b, c)", "\"a\": false, \"b\": true, \"c\": true", 1);
  HAS(&w, json, "\"evidence\": [{\"fact\": \"b\", \"value\": true, \"expected\": \"true\"}, "
                "{\"fact\": \"c\", \"value\": true, \"expected\": \"true\"}]");
  w_free(&w);
  w_run(&w, "", "at least 2 of (a, b, c)", "\"a\": false, \"b\": true, \"c\": false", 1);
  HAS(&w, json, "\"evidence\": [{\"fact\": \"a\", \"value\": false, \"expected\": \"true\"}, "
                "{\"fact\": \"c\", \"value\": false, \"expected\": \"true\"}]");
  w_free(&w);
  w_run(&w, "", "a and not b and c", "\"a\": true, \"b\": true, \"c\": true", 1);
  HAS(&w, json, "\"evidence\": [{\"fact\": \"b\", \"value\": true, \"expected\": \"false\"}]");
  w_free(&w);
  w_run(&w, "", "a and b", "\"a\": true", 1);   /* unknown: the unknown operand */
  HAS(&w, json, "\"evidence\": [{\"fact\": \"b\", \"value\": null, \"expected\": \"true\"}]");
  w_free(&w);
  /* quantifiers are operands too; a comparison is not (its group is not formed) */
  w_run(&w, "", "(exists imaging where modality == \"pet\") or (exists imaging where modality == \"mri\")", STUDIES, 1);
  HASNT(&w, json, "\"pet");
  HAS(&w, json, "\"witness\": {\"list\": \"imaging\", \"index\": 1");
  w_free(&w);
  w_run(&w, "", "a or n > 3", "\"a\": false, \"n\": 5", 1);
  HAS(&w, json, "{\"fact\": \"a\", \"value\": false");
  w_free(&w);
}

/* Witnesses change no result: the compact output with witnesses on and
   off is the same, and off there are none. */
static void test_off_same(void **state)
{
  (void)state;
  W on, off;
  const char *e = "exists imaging where modality in {\"ct\", \"mri\"} and exists findings where finding == \"other\"";
  w_run(&on, "", e, STUDIES, 1);
  w_run(&off, "", e, STUDIES, 0);
  HASNT(&off, json, "witness");
  HAS(&on, json, "witness");
  pol_Buf a = {0}, b = {0};
  const pol_LineResult *l1, *l2;
  assert_int_equal(pol_vm_eval(on.vm, on.cs, &l1, on.err, sizeof on.err), 0);
  pol_trace_json(&a, on.vm, on.cs, l1, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
  assert_int_equal(pol_vm_eval(off.vm, off.cs, &l2, off.err, sizeof off.err), 0);
  pol_trace_json(&b, off.vm, off.cs, l2, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
  assert_string_equal(a.s, b.s);
  pol_buf_free(&a);
  pol_buf_free(&b);
  w_free(&on);
  w_free(&off);
}

/* The constructs of bundle 2.2 explained like the quantifiers: sum (the
   items summed, one whose value is unknown may count), latest / earliest
   (the item the value came from; none when the result is unknown), a
   quantifier over a set literal (the string), longest run and longest
   gap (the items in the window). */
static void test_new_constructs(void **state)
{
  (void)state;
  W w;
  const char *inj = "\"inj\": [{\"date\": \"2025-01-01\", \"target\": \"sij\", \"relief\": 40},"
                    " {\"date\": \"2025-03-01\", \"target\": \"knee\", \"relief\": 90},"
                    " {\"date\": \"2025-02-01\", \"target\": \"sij\", \"relief\": 70},"
                    " {\"date\": \"2025-04-01\", \"target\": \"sij\"}]";
  w_run(&w, "", "(sum i.relief of i in inj where i.target == \"sij\") >= 100", inj, 1);
  HAS(&w, json, "\"counted\": {\"list\": \"inj\", \"items\": [{\"index\": 0, \"item\": {\"date\": \"2025-01-01\", "
                "\"target\": \"sij\", \"relief\": 40}}, {\"index\": 2, \"item\": {\"date\": \"2025-02-01\", "
                "\"target\": \"sij\", \"relief\": 70}}], \"unknown\": [{\"index\": 3, \"item\": {\"date\": "
                "\"2025-04-01\", \"target\": \"sij\", \"relief\": null}}]}");
  w_free(&w);
  w_run(&w, "", "(latest i.relief of i in inj where i.target == \"sij\" and known(i.relief) by i.date) >= 50",
        inj, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"inj\", \"index\": 2, \"item\": {\"date\": \"2025-02-01\", "
                "\"target\": \"sij\", \"relief\": 70}}");
  HAS(&w, text, "[inj #3 (2025-02-01): target sij, relief 70]");
  w_free(&w);
  w_run(&w, "", "(earliest i.relief of i in inj where i.target == \"sij\" by i.date) >= 50", inj, 1);
  HAS(&w, json, "\"witness\": {\"list\": \"inj\", \"index\": 0, \"item\": {\"date\": \"2025-01-01\"");
  w_free(&w);
  /* the latest sij item has no relief: unknown, no item decided it */
  w_run(&w, "", "(latest i.relief of i in inj where i.target == \"sij\" by i.date) >= 50", inj, 1);
  HAS(&w, json, "\"value\": null");
  HASNT(&w, json, "witness");
  w_free(&w);
  w_run(&w, "", "exists x in {\"left\", \"right\"} where x == \"right\"", "", 1);
  HAS(&w, json, "\"witness\": {\"list\": \"{\\\"left\\\", \\\"right\\\"}\", \"index\": 1, \"item\": \"right\"}");
  w_free(&w);
  const char *th = "\"th\": [{\"kind\": \"pt\", \"start\": \"2024-01-01\", \"end\": \"2024-02-01\"},"
                   " {\"kind\": \"pt\", \"start\": \"2025-01-10\", \"end\": \"2025-03-01\"},"
                   " {\"kind\": \"chiro\", \"start\": \"2025-01-01\", \"end\": \"2025-05-01\"}]";
  w_run(&w, "", "(longest run of [2025-01-01, 2025-05-31] covered by t in th where t.kind == \"pt\" "
                "from t.start to t.end) >= 30", th, 1);
  HAS(&w, json, "\"counted\": {\"list\": \"th\", \"items\": [{\"index\": 1, \"item\": {\"kind\": \"pt\", "
                "\"start\": \"2025-01-10\", \"end\": \"2025-03-01\"}}]}");
  w_free(&w);
  w_run(&w, "", "(longest gap in [2025-01-15, 2025-12-31] of i.date of i in inj where i.target == \"sij\") <= 60",
        inj, 1);
  /* 2025-01-01 is outside the window, the knee injection does not count */
  HAS(&w, json, "\"counted\": {\"list\": \"inj\", \"items\": [{\"index\": 2, \"item\": {\"date\": \"2025-02-01\", "
                "\"target\": \"sij\"}}, {\"index\": 3, \"item\": {\"date\": \"2025-04-01\", \"target\": \"sij\"}}]}");
  w_free(&w);
}

/* The verifier refuses a bad descriptor, a bad group and a conjunct block
   before its body. */
static void test_verify(void **state)
{
  (void)state;
  W w;
  w_run(&w, "", "(exists imaging where modality == \"mri\" and region == \"sij\") or a", STUDIES, 1);
  pol_Program *p = w.p;
  char err[256];
  assert_true(p->nwit > 0 && p->ngrp > 0);
  assert_int_equal(pol_verify(p, err, sizeof err), 0);
  uint32_t save = p->wit[0].pc;
  p->wit[0].pc = 0;   /* the branch condition's first instruction: no list operation */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  assert_non_null(strstr(err, "not a list operation"));
  p->wit[0].pc = save;
  save = p->witdata[p->wit[0].data0 + p->wit[0].nfields];
  p->witdata[p->wit[0].data0 + p->wit[0].nfields] = 0;   /* a conjunct block before its body */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->witdata[p->wit[0].data0 + p->wit[0].nfields] = save;
  save = p->wit[0].kind;
  p->wit[0].kind = PW__COUNT;
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->wit[0].kind = PW_PICK;   /* an exists explained as a latest */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  assert_non_null(strstr(err, "does not explain"));
  p->wit[0].kind = save;
  save = p->grp[0];
  p->grp[0] = PG_ATLEAST | 5u << 8 | 2u << 16;   /* at least 5 of 2 */
  assert_int_not_equal(pol_verify(p, err, sizeof err), 0);
  p->grp[0] = save;
  assert_int_equal(pol_verify(p, err, sizeof err), 0);
  w_free(&w);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exists_witness),
    cmocka_unit_test(test_exists_closest),
    cmocka_unit_test(test_nested),
    cmocka_unit_test(test_unknown_items),
    cmocka_unit_test(test_counts),
    cmocka_unit_test(test_cover),
    cmocka_unit_test(test_new_constructs),
    cmocka_unit_test(test_let_arguments),
    cmocka_unit_test(test_decisive),
    cmocka_unit_test(test_off_same),
    cmocka_unit_test(test_verify),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
