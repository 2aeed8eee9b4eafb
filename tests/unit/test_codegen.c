/*
 * test_codegen.c -- unit tests for compiler/codegen.c: the instructions,
 * constants, blocks and tables generated from small checked policies.
 *
 * Structural properties (registers within the frame, bodies in later
 * blocks, evidence at root level only) are checked on every program the
 * tests build, by structure(); instruction-level tests look at the root
 * block of one criterion.  Programs come from pol_codegen and are freed
 * by cg_free; tests run from the repository root (stdlib/).
 *
 * Regression tests of former compiler crashes (deep operator chains, deep
 * coverage nesting) run in a child process: a crash fails the test, not
 * the binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "bundle.h"
#include "compile.h"

/* ---- harness ------------------------------------------------------------ */

typedef struct Cg {
  pol_Compiler c;
  FILE *out;
  char *msgs;
  size_t msglen;
  pol_Program *p;
} Cg;

#define HDR "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X\" }\n" \
            "import \"case\"\nimport \"windows\"\n"
#define CRIT(id, expr) "  criterion \"" id "\" \"\" { " expr " }\n"
#define BRANCH(crits) "branch \"B\" \"b\" when cpt == \"X\" {\n" crits "}\n"

static void structure(const pol_Program *p);

/* Compiles src; returns the error count (the program is in g->p if 0). */
static int cg_try(Cg *g, const char *src)
{
  memset(g, 0, sizeof *g);
  g->out = open_memstream(&g->msgs, &g->msglen);
  assert_non_null(g->out);
  pol_compiler_init(&g->c, g->out);
  pol_compiler_add_path(&g->c, "stdlib");
  pol_compiler_load_text(&g->c, "g.pol", src, strlen(src));
  if (g->c.diag.nerrors == 0 && pol_check(&g->c) == 0) g->p = pol_codegen(&g->c);
  fflush(g->out);
  return g->c.diag.nerrors;
}

static pol_Program *cg(Cg *g, const char *src)
{
  if (cg_try(g, src) != 0 || !g->p) fail_msg("compile failed:\n%s", g->msgs);
  structure(g->p);
  return g->p;
}

static void cg_free(Cg *g)
{
  pol_program_free(g->p);
  pol_compiler_free(&g->c);
  fclose(g->out);
  free(g->msgs);
}

static uint32_t crit_index(const pol_Program *p, const char *id)
{
  for (uint32_t i = 0; i < p->ncrit; i++)
    if (strcmp(p->str[p->crit[i].id], id) == 0) return i;
  fail_msg("no criterion %s", id);
  return 0;
}

static uint32_t crit_block(const pol_Program *p, const char *id)
{
  uint32_t b = p->crit[crit_index(p, id)].block;
  assert_true(b < p->nblocks);
  return b;
}

/* Instructions of a block, EXTRA words skipped: fills out, returns count. */
static int instrs(const pol_Program *p, uint32_t b, const pol_Instr **out, int max)
{
  const pol_Block *bl = &p->blocks[b];
  int n = 0;
  for (uint32_t pc = bl->start; pc < bl->start + bl->len; pc += 1 + (uint32_t)pol_opinfo[POL_OP(p->code[pc])].extra) {
    assert_true(n < max);
    out[n++] = &p->code[pc];
  }
  return n;
}

static int count_op(const pol_Program *p, uint32_t b, pol_Op op)
{
  const pol_Instr *in[512];
  int n = instrs(p, b, in, 512), c = 0;
  for (int i = 0; i < n; i++) c += POL_OP(*in[i]) == op;
  return c;
}

/* Asserts the opcodes of block b, in order (terminated by -1). */
static void ops_are(const pol_Program *p, uint32_t b, ...)
{
  const pol_Instr *in[512];
  int n = instrs(p, b, in, 512);
  va_list ap;
  va_start(ap, b);
  int i = 0;
  for (;; i++) {
    int op = va_arg(ap, int);
    if (op < 0) break;
    if (i >= n) fail_msg("block %u: instruction %d: expected %s, block ends", b, i, pol_opinfo[op].name);
    if ((int)POL_OP(*in[i]) != op)
      fail_msg("block %u: instruction %d: expected %s, got %s", b, i, pol_opinfo[op].name,
               pol_opinfo[POL_OP(*in[i])].name);
  }
  va_end(ap);
  if (i != n) fail_msg("block %u: %d instructions, expected %d", b, n, i);
}

static const pol_Instr *nth_op(const pol_Program *p, uint32_t b, pol_Op op, int nth)
{
  const pol_Instr *in[512];
  int n = instrs(p, b, in, 512);
  for (int i = 0; i < n; i++)
    if (POL_OP(*in[i]) == op && nth-- == 0) return in[i];
  fail_msg("block %u: no %s", b, pol_opinfo[op].name);
  return NULL;
}

static pol_Value loadk(const pol_Program *p, const pol_Instr *i)
{
  assert_int_equal(POL_OP(*i), OP_LOADK);
  assert_true(POL_Bx(*i) < p->nk);
  return p->k[POL_Bx(*i)];
}

/* Blocks that some instruction calls (bodies, keys, starts, ends). */
static void callees(const pol_Program *p, uint8_t *called)
{
  memset(called, 0, p->nblocks);
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    pol_Op op = POL_OP(p->code[pc]);
    int nb = op == OP_EXISTS || op == OP_EVERY || op == OP_COUNT ? 1
           : op == OP_COUNTD ? 2 : op == OP_COVER ? 3 : 0;
    for (int i = 0; i < nb; i++) called[POL_Ax(p->code[pc + 1 + i])] = 1;
    pc += (uint32_t)pol_opinfo[op].extra;
  }
}

/* The invariants every generated program keeps. */
static void structure(const pol_Program *p)
{
  char err[512];
  if (pol_verify(p, err, sizeof err) != 0) fail_msg("pol_verify: %s", err);
  uint8_t *called = calloc(p->nblocks ? p->nblocks : 1, 1);
  assert_non_null(called);
  callees(p, called);
  for (uint32_t b = 0; b < p->nblocks; b++) {
    const pol_Block *bl = &p->blocks[b];
    assert_true(bl->nregs >= 1 && bl->nregs <= POL_MAX_REGS);
    for (uint32_t pc = bl->start; pc < bl->start + bl->len;) {
      pol_Instr i = p->code[pc];
      pol_Op op = POL_OP(i);
      const pol_OpInfo *oi = &pol_opinfo[op];
      assert_int_not_equal(op, OP_EXTRA);
      uint32_t ops[3] = {POL_A(i), oi->fmt == FMT_ABx ? POL_Bx(i) : POL_B(i), POL_C(i)};
      char kinds[3] = {oi->a, oi->b, oi->fmt == FMT_ABC ? oi->c : '_'};
      for (int k = 0; k < 3; k++) {
        if (kinds[k] == 'W' || kinds[k] == 'R' || kinds[k] == 'I')
          if (ops[k] >= bl->nregs) fail_msg("block %u pc %u %s: register %u >= nregs %u", b, pc, oi->name, ops[k], bl->nregs);
      }
      if (oi->c == 'N') assert_true(POL_B(i) + POL_C(i) <= bl->nregs);
      /* quantifier bodies: blocks after this one */
      int nb = op == OP_EXISTS || op == OP_EVERY || op == OP_COUNT ? 1
             : op == OP_COUNTD ? 2 : op == OP_COVER ? 3 : 0;
      for (int k = 0; k < nb; k++) {
        uint32_t callee = POL_Ax(p->code[pc + 1 + (uint32_t)k]);
        if (callee <= b) fail_msg("block %u calls block %u (not after it)", b, callee);
        assert_true(p->blocks[callee].nregs <= bl->nregs);
      }
      if (op == OP_COVER) assert_true(POL_Ax(p->code[pc + 4]) < bl->nregs);
      /* evidence only at the root level of a criterion or condition */
      if (op == OP_EVID && called[b]) fail_msg("EVID in body block %u", b);
      pc += 1 + (uint32_t)oi->extra;
    }
  }
  /* leaves and conditions are roots, never called */
  for (uint32_t c = 0; c < p->ncrit; c++)
    if (p->crit[c].block != POL_NOSTR) assert_false(called[p->crit[c].block]);
  for (uint32_t br = 0; br < p->nbranches; br++) assert_false(called[p->branches[br].cond]);
  free(called);
}

/* The evidence descriptor of the n-th EVID of block b: fact and expected. */
static void evid_is(const pol_Program *p, uint32_t b, int nth, const char *fact, const char *expected)
{
  const pol_Instr *e = nth_op(p, b, OP_EVID, nth);
  const pol_Evid *ev = &p->evid[POL_Bx(*e)];
  assert_string_equal(p->str[ev->fact], fact);
  if (expected) assert_string_equal(p->str[ev->expected], expected);
  else assert_int_equal(ev->expected, POL_NOSTR);
}

/* ---- constant folding ---------------------------------------------------- */

static void test_fold_months(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("C", "pain_nrs >= months(6)")
                                           CRIT("D", "pain_nrs >= months(3)")));
  uint32_t b = crit_block(p, "C");
  /* months(6) = floor(6 * 365.25 / 12): one constant, no arithmetic */
  ops_are(p, b, OP_FACT, OP_EVID, OP_LOADK, OP_GE, OP_RET, -1);
  pol_Value v = loadk(p, nth_op(p, b, OP_LOADK, 0));
  assert_int_equal(v.tag, PV_NUM);
  assert_true(v.u.d == 182 * POL_DEC_SCALE);
  v = loadk(p, nth_op(p, crit_block(p, "D"), OP_LOADK, 0));
  assert_true(v.u.d == 91 * POL_DEC_SCALE);
  evid_is(p, b, 0, "symptoms.pain_nrs", ">= 182");
  cg_free(&g);
}

static void test_fold_arithmetic(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR "let k = 5 * 2\nlet f(x: number): number = x * 2 + k\n"
                                BRANCH(CRIT("A", "pain_nrs >= 3 * 4 + 1 - 10 / 5")
                                       CRIT("B", "pain_nrs > -(2 + 1)")
                                       CRIT("C", "pain_nrs > k")
                                       CRIT("D", "pain_nrs > f(3)")
                                       CRIT("E", "pain_nrs > floor(7 / 2)")
                                       CRIT("F", "pain_nrs > f(f(1))")));
  static const struct { const char *id; int64_t v; } want[] = {
    {"A", 11}, {"B", -3}, {"C", 10}, {"D", 16}, {"E", 3}, {"F", 34},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint32_t b = crit_block(p, want[i].id);
    /* no code for the folded subtree: no argument evaluated, no arithmetic */
    ops_are(p, b, OP_FACT, OP_EVID, OP_LOADK, i == 0 ? OP_GE : OP_GT, OP_RET, -1);
    pol_Value v = loadk(p, nth_op(p, b, OP_LOADK, 0));
    assert_int_equal(v.tag, PV_NUM);
    if (v.u.d != want[i].v * POL_DEC_SCALE)
      fail_msg("%s: folded to %lld, expected %lld", want[i].id, (long long)v.u.d, (long long)want[i].v);
  }
  cg_free(&g);
}

static void test_fold_dates(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("A", "onset < 2025-01-31 + 1 month")
                                           CRIT("B", "onset > 2024-02-29 - 12 months")
                                           CRIT("C", "onset < 2024-01-31 + 1 month")
                                           CRIT("D", "onset < 2025-03-01 - 1 day")
                                           CRIT("E", "onset < 2024-12-31 + 6 weeks")
                                           CRIT("F", "onset < 2023-02-28 + 1 year + 1 day")));
  static const struct { const char *id; int y, m, d; } want[] = {
    {"A", 2025, 2, 28}, {"B", 2023, 2, 28}, {"C", 2024, 2, 29}, {"D", 2025, 2, 28},
    {"E", 2025, 2, 11}, {"F", 2024, 2, 29},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint32_t b = crit_block(p, want[i].id);
    assert_int_equal(count_op(p, b, OP_ADD) + count_op(p, b, OP_SUB), 0);
    pol_Value v = loadk(p, nth_op(p, b, OP_LOADK, 0));
    assert_int_equal(v.tag, PV_DATE);
    char got[11];
    pol_format_date((int32_t)v.aux, got);
    if ((int32_t)v.aux != pol_days_from_civil(want[i].y, want[i].m, want[i].d))
      fail_msg("%s: folded to %s", want[i].id, got);
  }
  cg_free(&g);
}

static void test_no_fold(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("A", "pain_nrs + 1 > 2")
                                           CRIT("B", "pain_nrs > 1 / 0")
                                           CRIT("C", "onset + 1 month < request_date")));
  ops_are(p, crit_block(p, "A"), OP_FACT, OP_EVID, OP_LOADK, OP_ADD, OP_LOADK, OP_GT, OP_RET, -1);
  /* division by zero is left to the VM (unknown), not folded */
  assert_int_equal(count_op(p, crit_block(p, "B"), OP_DIV), 1);
  assert_int_equal(count_op(p, crit_block(p, "C"), OP_ADD), 1);
  cg_free(&g);
}

static void test_constants_shared(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("A", "pain_nrs > 5 or age > 5")
                                           CRIT("B", "sex == \"female\" or sex == \"female\"")));
  uint32_t b = crit_block(p, "A");
  assert_int_equal(POL_Bx(*nth_op(p, b, OP_LOADK, 0)), POL_Bx(*nth_op(p, b, OP_LOADK, 1)));
  b = crit_block(p, "B");
  pol_Value s = loadk(p, nth_op(p, b, OP_LOADK, 0));
  assert_int_equal(s.tag, PV_STR);
  assert_string_equal(p->str[s.aux], "female");
  assert_string_equal(s.u.s, "female");
  /* string 0 is the empty string */
  assert_string_equal(p->str[0], "");
  cg_free(&g);
}

/* ---- expressions --------------------------------------------------------- */

static void test_short_circuit(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("A", "thigh_thrust and compression")
                                           CRIT("O", "thigh_thrust or compression")));
  uint32_t b = crit_block(p, "A");
  ops_are(p, b, OP_FACT, OP_EVID, OP_JFALSE, OP_FACT, OP_EVID, OP_AND, OP_RET, -1);
  const pol_Instr *j = nth_op(p, b, OP_JFALSE, 0);
  /* the jump skips to the RET, with the left value (false) in place */
  assert_int_equal(POL_OP(j[1 + POL_Bx(*j)]), OP_RET);
  assert_int_equal(POL_A(*j), POL_A(j[1 + POL_Bx(*j)]));
  b = crit_block(p, "O");
  ops_are(p, b, OP_FACT, OP_EVID, OP_JTRUE, OP_FACT, OP_EVID, OP_OR, OP_RET, -1);
  evid_is(p, b, 0, "exam.maneuvers.thigh_thrust", "true");
  cg_free(&g);
}

static void test_operators(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(
    CRIT("NOTIN", "sex not in {\"a\", \"b\"}")
    CRIT("NOT", "not pain_radiating")
    CRIT("NO", "no injections where steroid")
    CRIT("LEN", "count injections >= 2")
    CRIT("CNT", "(count injections where steroid) >= 2")
    CRIT("CD", "(count distinct date of injections where steroid) >= 2")
    CRIT("COV", "(days of past(12 months) covered by therapies where kind == \"pt\" from start to end ?? request_date) >= 182")
    CRIT("AL", "at least 2 of (thigh_thrust, compression, gaenslen)")
    CRIT("W", "onset within [request_date - 6 months, request_date] and start_of(past(1 year)) < end_of(past(1 year))")
    CRIT("K", "known(onset) and (pain_nrs ?? 0) > floor(age / 10)")
    CRIT("EV", "every i in injections where i.contrast")));
  ops_are(p, crit_block(p, "NOTIN"), OP_FACT, OP_EVID, OP_LOADK, OP_IN, OP_NOT, OP_RET, -1);
  ops_are(p, crit_block(p, "NOT"), OP_FACT, OP_EVID, OP_NOT, OP_RET, -1);
  evid_is(p, crit_block(p, "NOT"), 0, "symptoms.pain_radiating", "false");
  ops_are(p, crit_block(p, "NO"), OP_FACT, OP_EXISTS, OP_NOT, OP_EVID, OP_RET, -1);
  ops_are(p, crit_block(p, "LEN"), OP_FACT, OP_LEN, OP_EVID, OP_LOADK, OP_GE, OP_RET, -1);
  ops_are(p, crit_block(p, "CNT"), OP_FACT, OP_COUNT, OP_EVID, OP_LOADK, OP_GE, OP_RET, -1);
  evid_is(p, crit_block(p, "CNT"), 0, "injections", ">= 2");
  ops_are(p, crit_block(p, "CD"), OP_FACT, OP_COUNTD, OP_EVID, OP_LOADK, OP_GE, OP_RET, -1);
  uint32_t b = crit_block(p, "COV");
  assert_int_equal(count_op(p, b, OP_COVER), 1);
  assert_int_equal(count_op(p, b, OP_WINDOW), 1);
  evid_is(p, b, count_op(p, b, OP_EVID) - 1, "therapies", ">= 182");
  b = crit_block(p, "AL");
  const pol_Instr *al = nth_op(p, b, OP_ATLEAST, 0);
  assert_int_equal(POL_C(*al), 3);
  assert_int_equal(POL_Ax(al[1]), 2);
  b = crit_block(p, "W");
  assert_int_equal(count_op(p, b, OP_WITHIN), 1);
  assert_int_equal(count_op(p, b, OP_WPART), 2);
  assert_int_equal(POL_C(*nth_op(p, b, OP_WPART, 0)), 0);
  assert_int_equal(POL_C(*nth_op(p, b, OP_WPART, 1)), 1);
  b = crit_block(p, "K");
  assert_int_equal(count_op(p, b, OP_KNOWN), 1);
  assert_int_equal(count_op(p, b, OP_JKNOWN), 1);   /* ?? reads its right side only when needed */
  assert_int_equal(count_op(p, b, OP_COALESCE), 0);
  assert_int_equal(count_op(p, b, OP_FLOOR), 1);
  assert_int_equal(count_op(p, b, OP_DIV), 1);
  b = crit_block(p, "EV");
  ops_are(p, b, OP_FACT, OP_EVERY, OP_EVID, OP_RET, -1);
  cg_free(&g);
}

/* ---- blocks, registers, evidence ----------------------------------------- */

static void test_quantifier_blocks(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(CRIT("C", "exists imaging where region == \"sij\" and "
                                                     "exists findings where finding == \"x\" and date > onset")));
  uint32_t b0 = crit_block(p, "C");
  const pol_Instr *ex = nth_op(p, b0, OP_EXISTS, 0);
  uint32_t b1 = POL_Ax(ex[1]);
  assert_true(b1 > b0);
  const pol_Instr *ex2 = nth_op(p, b1, OP_EXISTS, 0);
  uint32_t b2 = POL_Ax(ex2[1]);
  assert_true(b2 > b1);
  /* the inner body reads its item and the outer item's date field */
  const pol_Instr *f0 = nth_op(p, b2, OP_FIELD, 0);
  assert_int_equal(POL_B(*f0), POL_C(*ex2));          /* finding: inner item */
  const pol_Instr *f1 = nth_op(p, b2, OP_FIELD, 1);
  assert_int_equal(POL_B(*f1), POL_C(*ex));           /* date: outer item */
  assert_int_equal(POL_C(*f1), 0);
  /* a fact read inside a body leaves no evidence there */
  assert_int_equal(count_op(p, b2, OP_FACT), 1);
  assert_int_equal(count_op(p, b2, OP_EVID), 0);
  assert_int_equal(count_op(p, b1, OP_EVID), 0);
  /* one EVID at the root, for the list */
  assert_int_equal(count_op(p, b0, OP_EVID), 1);
  evid_is(p, b0, 0, "imaging", NULL);
  /* the frame: every block of the criterion shares the root's size */
  assert_int_equal(p->blocks[b1].nregs, p->blocks[b0].nregs);
  assert_int_equal(p->blocks[b2].nregs, p->blocks[b0].nregs);
  /* items live in distinct registers */
  assert_int_not_equal(POL_C(*ex), POL_C(*ex2));
  cg_free(&g);
}

static void test_count_distinct_and_cover_blocks(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR BRANCH(
    CRIT("CD", "(count distinct date of injections where steroid) >= 2")
    CRIT("COV", "(days of [request_date - 1 year, request_date] covered by therapies where kind == \"pt\" "
                "from start to end ?? request_date) >= 182")));
  uint32_t b = crit_block(p, "CD");
  const pol_Instr *cd = nth_op(p, b, OP_COUNTD, 0);
  uint32_t body = POL_Ax(cd[1]), key = POL_Ax(cd[2]);
  assert_true(body > b && key > body);
  ops_are(p, body, OP_FIELD, OP_RET, -1);
  ops_are(p, key, OP_FIELD, OP_RET, -1);
  assert_int_equal(POL_C(*nth_op(p, key, OP_FIELD, 0)), 0);    /* Injection.date */

  b = crit_block(p, "COV");
  const pol_Instr *cv = nth_op(p, b, OP_COVER, 0);
  uint32_t pb = POL_Ax(cv[1]), sb = POL_Ax(cv[2]), eb = POL_Ax(cv[3]), wr = POL_Ax(cv[4]);
  assert_true(pb > b && sb > pb && eb > sb);
  ops_are(p, sb, OP_FIELD, OP_RET, -1);
  ops_are(p, eb, OP_FIELD, OP_JKNOWN, OP_FACT, OP_RET, -1);
  /* the window register holds the WINDOW result */
  const pol_Instr *w = nth_op(p, b, OP_WINDOW, 0);
  assert_int_equal(POL_A(*w), wr);
  cg_free(&g);
}

static void test_registers_within_frame(void **state)
{
  (void)state;
  /* a wide and deep expression: the frame grows with nesting, not size */
  char src[16384];
  size_t n = (size_t)snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n"
                                               "  criterion \"Wide\" \"\" { pain_nrs > 0");
  for (int i = 0; i < 200; i++) n += (size_t)snprintf(src + n, sizeof src - n, " and age > %d", i);
  n += (size_t)snprintf(src + n, sizeof src - n, " }\n  criterion \"Deep\" \"\" { ");
  for (int i = 0; i < 100; i++) n += (size_t)snprintf(src + n, sizeof src - n, "age + (");
  n += (size_t)snprintf(src + n, sizeof src - n, "age");
  for (int i = 0; i < 100; i++) n += (size_t)snprintf(src + n, sizeof src - n, ")");
  snprintf(src + n, sizeof src - n, " > 1 }\n}\n");
  Cg g;
  const pol_Program *p = cg(&g, src);
  assert_true(p->blocks[crit_block(p, "Wide")].nregs <= 3);
  uint32_t nr = p->blocks[crit_block(p, "Deep")].nregs;
  assert_true(nr >= 100 && nr <= 103);
  cg_free(&g);
}

static void test_register_limit(void **state)
{
  (void)state;
  char src[16384];
  size_t n = (size_t)snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n  criterion \"Deep\" \"\" { ");
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(src + n, sizeof src - n, "age + (");
  n += (size_t)snprintf(src + n, sizeof src - n, "age");
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(src + n, sizeof src - n, ")");
  snprintf(src + n, sizeof src - n, " > 1 }\n}\n");
  Cg g;
  assert_true(cg_try(&g, src) >= 1);
  assert_null(g.p);
  assert_non_null(strstr(g.msgs, "error[E0403]: expression needs more than 255 registers"));
  cg_free(&g);
}

static void test_quantifier_depth_limit(void **state)
{
  (void)state;
  char src[16384];
  for (int depth = 32; depth <= 33; depth++) {
    size_t n = (size_t)snprintf(src, sizeof src, HDR "record N { kids: list<N> ok: bool }\n"
                                                 "fact tree: list<N> = tree\n"
                                                 "branch \"B\" \"b\" when cpt == \"X\" {\n"
                                                 "  criterion \"C\" \"\" { ");
    /* named items: a bare `kids` would be every level's field (E0208) */
    for (int i = 0; i < depth; i++)
      n += i ? (size_t)snprintf(src + n, sizeof src - n, "exists x%d in x%d.kids where ", i, i - 1)
             : (size_t)snprintf(src + n, sizeof src - n, "exists x0 in tree where ");
    snprintf(src + n, sizeof src - n, "x%d.ok }\n}\n", depth - 1);
    Cg g;
    if (depth == 32) {
      const pol_Program *p = cg(&g, src);
      assert_true(p->nblocks >= 34);
    } else {
      assert_true(cg_try(&g, src) >= 1);
      assert_null(g.p);
      assert_non_null(strstr(g.msgs, "error[E0404]: quantifiers nested more than 32 deep"));
    }
    cg_free(&g);
  }
}

static void test_branch_criteria_limit(void **state)
{
  (void)state;
  for (int n = 1024; n <= 1025; n++) {
    size_t cap = (size_t)n * 48 + 512, k;
    char *src = malloc(cap);
    assert_non_null(src);
    k = (size_t)snprintf(src, cap, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n");
    for (int i = 0; i < n; i++) k += (size_t)snprintf(src + k, cap - k, "criterion \"C%d\" \"\" { true }\n", i);
    snprintf(src + k, cap - k, "}\n");
    Cg g;
    if (n == 1024) {
      const pol_Program *p = cg(&g, src);
      assert_int_equal(p->branches[0].ncrit, 1024);
    } else {
      assert_int_equal(cg_try(&g, src), 1);
      assert_null(g.p);
      assert_non_null(strstr(g.msgs, "g.pol:1029:1: error[E0405]: more than 1024 top-level criteria in a branch"));
    }
    cg_free(&g);
    free(src);
  }
}

static void test_let_inlining(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR "let big(x: number, y: number): bool = x > y * 2\n"
                                BRANCH(CRIT("C", "big(pain_nrs, age) or big(age, pain_nrs)")));
  uint32_t b = crit_block(p, "C");
  /* the body twice, arguments in registers, read back with MOVE */
  assert_int_equal(count_op(p, b, OP_GT), 2);
  assert_int_equal(count_op(p, b, OP_MUL), 2);
  assert_int_equal(count_op(p, b, OP_MOVE), 4);
  assert_int_equal(count_op(p, b, OP_FACT), 4);
  cg_free(&g);

  /* a let used inside a quantifier body, with the item's fields as args */
  p = cg(&g, HDR BRANCH(CRIT("C", "exists therapies where overlaps(start, end, past(12 months))")));
  b = crit_block(p, "C");
  uint32_t body = POL_Ax(nth_op(p, b, OP_EXISTS, 0)[1]);
  assert_int_equal(count_op(p, body, OP_EVID), 0);
  assert_true(count_op(p, body, OP_WPART) == 2);
  cg_free(&g);
}

/* ---- tables -------------------------------------------------------------- */

static void test_criteria_table(void **state)
{
  (void)state;
  Cg g;
  const pol_Program *p = cg(&g, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n"
                                "  criterion \"1\" \"one\" cite \"ref 1\" { true }\n"
                                "  criterion \"2\" \"two\" at least 2 of {\n"
                                "    criterion \"2.a\" \"\" { pain_nrs > 1 }\n"
                                "    criterion \"2.b\" \"\" any of {\n"
                                "      criterion \"2.b.i\" \"\" { age > 1 }\n"
                                "    }\n"
                                "    criterion \"2.c\" \"\" { false }\n"
                                "  }\n"
                                "  exclusion \"X\" \"excl\" { false }\n"
                                "}\n");
  assert_int_equal(p->npol, 1);
  const pol_Policy *pol = &p->pol[0];
  assert_string_equal(p->str[pol->id], "P");
  assert_int_equal(pol->effective, pol_days_from_civil(2025, 1, 1));
  assert_int_equal(pol->ncodes, 1);
  assert_string_equal(p->str[p->codes[pol->code0]], "X");
  assert_int_equal(pol->ncrit, 7);
  assert_int_equal(pol->nbranches, 1);
  const pol_Branch *br = &p->branches[pol->branch0];
  assert_int_equal(br->ncrit, 3);

  const pol_Crit *c1 = &p->crit[crit_index(p, "1")];
  assert_int_equal(c1->kind, PC_LEAF);
  assert_string_equal(p->str[c1->text], "one");
  assert_string_equal(p->str[c1->cite], "ref 1");
  assert_int_equal(c1->parent, POL_NOSTR);
  assert_int_equal(c1->line, 5);
  assert_int_equal(c1->col, 3);
  assert_string_equal(p->str[c1->file], "g.pol");

  uint32_t i2 = crit_index(p, "2");
  const pol_Crit *c2 = &p->crit[i2];
  assert_int_equal(c2->kind, PC_ATLEAST);
  assert_int_equal(c2->k, 2);
  assert_int_equal(c2->block, POL_NOSTR);
  assert_int_equal(c2->nchildren, 3);
  assert_int_equal(p->crit_children[c2->child0], crit_index(p, "2.a"));
  assert_int_equal(p->crit_children[c2->child0 + 1], crit_index(p, "2.b"));
  assert_int_equal(p->crit_children[c2->child0 + 2], crit_index(p, "2.c"));
  assert_int_equal(p->crit[crit_index(p, "2.b")].kind, PC_ANY);
  assert_int_equal(p->crit[crit_index(p, "2.b.i")].parent, crit_index(p, "2.b"));
  assert_int_equal(p->crit[crit_index(p, "2.a")].parent, i2);

  const pol_Crit *x = &p->crit[crit_index(p, "X")];
  assert_int_equal(x->flags & POL_CRIT_EXCLUSION, POL_CRIT_EXCLUSION);
  assert_int_equal(p->branch_crit[br->crit0 + 2], crit_index(p, "X"));
  cg_free(&g);
}

static void test_caresource_policy(void **state)
{
  (void)state;
  Cg g;
  memset(&g, 0, sizeof g);
  g.out = open_memstream(&g.msgs, &g.msglen);
  pol_compiler_init(&g.c, g.out);
  pol_compiler_add_path(&g.c, "stdlib");
  assert_int_equal(pol_compiler_load(&g.c, "policies/caresource-nc-sij-fusion.pol"), 0);
  assert_int_equal(pol_check(&g.c), 0);
  g.p = pol_codegen(&g.c);
  assert_non_null(g.p);
  structure(g.p);
  /* I.B.4.a: months(6) folded to 182 against the coverage */
  uint32_t b = crit_block(g.p, "I.B.4.a");
  int found = 0;
  for (int i = 0; i < count_op(g.p, b, OP_LOADK); i++) {
    pol_Value v = loadk(g.p, nth_op(g.p, b, OP_LOADK, i));
    found |= v.tag == PV_NUM && v.u.d == 182 * POL_DEC_SCALE;
  }
  assert_true(found);
  /* the round trip through a bundle verifies */
  uint8_t *buf = NULL;
  size_t len = 0;
  assert_int_equal(pol_bundle_write(g.p, &buf, &len), 0);
  pol_Program *q = NULL;
  char err[512];
  if (pol_bundle_load(buf, len, &q, err, sizeof err) != 0) fail_msg("load: %s", err);
  assert_int_equal(q->ncode, g.p->ncode);
  assert_memory_equal(q->code, g.p->code, g.p->ncode * sizeof *q->code);
  pol_program_free(q);
  free(buf);
  cg_free(&g);
}

static void test_codegen_deterministic(void **state)
{
  (void)state;
  const char *src = HDR BRANCH(CRIT("C", "(count distinct date of injections where steroid) >= 2 "
                                         "and sex in {\"a\", \"b\"}"));
  Cg g1, g2;
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  cg(&g1, src);
  cg(&g2, src);
  uint8_t *b1 = NULL, *b2 = NULL;
  size_t l1 = 0, l2 = 0;
  assert_int_equal(pol_bundle_write(g1.p, &b1, &l1), 0);
  assert_int_equal(pol_bundle_write(g2.p, &b2, &l2), 0);
  assert_int_equal(l1, l2);
  assert_memory_equal(b1, b2, l1);
  assert_string_equal(g1.p->str[g1.p->built], "2023-11-14T22:13:20Z");
  unsetenv("SOURCE_DATE_EPOCH");
  free(b1);
  free(b2);
  cg_free(&g1);
  cg_free(&g2);
}

/* ---- former crashes --------------------------------------------------------- */

/* Compiles src in a child process: -signal if the child died, else 0 if
   the compile reported errors and 1 if it produced a program. */
static int compile_in_child(const char *src)
{
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    Cg g;
    memset(&g, 0, sizeof g);
    g.out = fopen("/dev/null", "w");
    pol_compiler_init(&g.c, g.out);
    pol_compiler_add_path(&g.c, "stdlib");
    pol_compiler_load_text(&g.c, "g.pol", src, strlen(src));
    pol_Program *p = NULL;
    if (g.c.diag.nerrors == 0 && pol_check(&g.c) == 0) p = pol_codegen(&g.c);
    int made = p != NULL;
    pol_program_free(p);
    pol_compiler_free(&g.c);
    _exit(made);
  }
  int st = 0;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

/* `days of W covered by L from S to E` (no `where`): its predicate block
   is a constant true.  (It used to crash codegen: run in a child.) */
static void test_cover_without_where(void **state)
{
  (void)state;
  const char *src = HDR BRANCH(CRIT("C", "(days of past(1 year) covered by therapies "
                                         "from start to end ?? request_date) >= 10"));
  assert_int_equal(compile_in_child(src), 1);
  Cg g;
  const pol_Program *p = cg(&g, src);
  const pol_Instr *cv = nth_op(p, crit_block(p, "C"), OP_COVER, 0);
  ops_are(p, POL_Ax(cv[1]), OP_LOADB, OP_RET, -1);
  assert_int_equal(POL_B(*nth_op(p, POL_Ax(cv[1]), OP_LOADB, 0)), 1);
  cg_free(&g);
}

static void test_known_bug_long_chain(void **state)
{
  (void)state;
  /* a left-associative chain is not bounded by the parser's stack; the
     checker refuses it past its depth limit instead of recursing on (this
     crashed before the limit existed) */
  enum { N = 100000 };
  char *src = malloc(N * 12 + 512);
  assert_non_null(src);
  size_t n = (size_t)sprintf(src, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n criterion \"C\" \"\" { true");
  for (int i = 0; i < N; i++) n += (size_t)sprintf(src + n, " and true");
  sprintf(src + n, " }\n}\n");
  int rc = compile_in_child(src);
  free(src);
  assert_true(rc >= 0);   /* compiled, or refused with a message: not a crash */
}

static void test_known_bug_cover_nesting(void **state)
{
  (void)state;
  /* coverage nested more than 32 deep is refused with E0404, as other
     quantifiers are (it used to write past Gen.items) */
  char src[16384], w[12000] = "true";
  for (int i = 0; i < 40; i++) {
    char t[sizeof w + 128];
    int n = snprintf(t, sizeof t, "(days of [request_date, request_date] covered by therapies where %s "
                                  "from start to end) >= 0", w);
    assert_true(n > 0 && (size_t)n < sizeof w);
    memcpy(w, t, (size_t)n + 1);
  }
  snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when cpt == \"X\" {\n  criterion \"C\" \"\" { %s }\n}\n", w);
  assert_int_equal(compile_in_child(src), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fold_months),
    cmocka_unit_test(test_fold_arithmetic),
    cmocka_unit_test(test_fold_dates),
    cmocka_unit_test(test_no_fold),
    cmocka_unit_test(test_constants_shared),
    cmocka_unit_test(test_short_circuit),
    cmocka_unit_test(test_operators),
    cmocka_unit_test(test_quantifier_blocks),
    cmocka_unit_test(test_count_distinct_and_cover_blocks),
    cmocka_unit_test(test_registers_within_frame),
    cmocka_unit_test(test_register_limit),
    cmocka_unit_test(test_quantifier_depth_limit),
    cmocka_unit_test(test_branch_criteria_limit),
    cmocka_unit_test(test_let_inlining),
    cmocka_unit_test(test_criteria_table),
    cmocka_unit_test(test_caresource_policy),
    cmocka_unit_test(test_codegen_deterministic),
    cmocka_unit_test(test_cover_without_where),
    cmocka_unit_test(test_known_bug_long_chain),
    cmocka_unit_test(test_known_bug_cover_nesting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
