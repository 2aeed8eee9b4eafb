/*
 * test_lean.c -- the rewrites of the no-trace code (vm/lean_opt.c) on
 * hand-built code: what each may do, and each case where it must not
 * (a register a body reads, a record register written in between, by the
 * instruction or by a body it runs, arithmetic that may stop the case).
 * The end-to-end check, the same results traced and untraced on random
 * policies, is tests/interp_diff.c (suite random_diff).
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
#include "vm_impl.h"

#define ABC(op, a, b, c) POL_MK_ABC(OP_##op, a, b, c)
#define ABx(op, a, bx) POL_MK_ABx(OP_##op, a, bx)
#define XW(ax) POL_MK_Ax(OP_EXTRA, ax)

enum { MAXW = 64 };

typedef struct Lean {
  pol_Program p;
  pol_Block blocks[4];
  pol_Instr code[MAXW];
  uint8_t keep[MAXW];
} Lean;

/* Blocks of the given lengths, one after the other, over code c[0..n);
   then the rewrites. */
static void optimize(Lean *x, const pol_Instr *c, uint32_t n, const uint32_t *lens, uint32_t nb)
{
  memset(x, 0, sizeof *x);
  memcpy(x->code, c, n * sizeof *c);
  uint32_t at = 0;
  for (uint32_t b = 0; b < nb; b++) {
    x->blocks[b] = (pol_Block){at, lens[b], 16};
    at += lens[b];
  }
  assert_int_equal(at, n);
  x->p.code = x->code;
  x->p.ncode = n;
  x->p.blocks = x->blocks;
  x->p.nblocks = nb;
  memset(x->keep, 1, n);
  pol_Instr *work = malloc(n * sizeof *work);
  assert_non_null(work);
  memcpy(work, c, n * sizeof *c);
  assert_int_equal(pol_lean_optimize(&x->p, work, x->keep), 0);
  memcpy(x->code, work, n * sizeof *work);
  free(work);
}

/* A copy of a field read becomes the read; the eager read is then dead. */
static void test_reread(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),      /* 0: r1 := a record */
    ABC(FIELD, 2, 1, 0),  /* 1: r2 := r1.0, only copied */
    ABC(MOVE, 3, 2, 0),   /* 2 */
    ABC(RET, 3, 0, 0),    /* 3 */
  };
  Lean x;
  optimize(&x, c, 4, (const uint32_t[]){4}, 1);
  assert_int_equal(x.code[2], ABC(FIELD, 3, 1, 0));
  assert_int_equal(x.keep[1], 0);
  assert_int_equal(x.keep[0], 1);
}

/* Not when the record register is written in between. */
static void test_reread_record_written(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),      /* 0 */
    ABC(FIELD, 2, 1, 0),  /* 1 */
    ABx(FACT, 1, 1),      /* 2: another record in r1 */
    ABC(MOVE, 3, 2, 0),   /* 3: stays a copy */
    ABC(RET, 3, 0, 0),
  };
  Lean x;
  optimize(&x, c, 5, (const uint32_t[]){5}, 1);
  assert_int_equal(x.code[3], ABC(MOVE, 3, 2, 0));
  assert_int_equal(x.keep[1], 1);
}

/* Nor when a body the instruction runs may write it, nor on a path where
   the read did not happen. */
static void test_reread_body_writes(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),        /* 0 */
    ABC(FIELD, 2, 1, 0),    /* 1 */
    ABx(FACT, 5, 2),        /* 2: a list */
    ABC(EXISTS, 4, 5, 6),   /* 3: its body writes r1 */
    XW(1),                  /* 4 */
    ABC(MOVE, 3, 2, 0),     /* 5: stays a copy */
    ABC(AND, 3, 3, 4),      /* 6 */
    ABC(RET, 3, 0, 0),      /* 7 */
    ABx(FACT, 1, 3),        /* 8: body */
    ABC(RET, 1, 0, 0),      /* 9 */
  };
  Lean x;
  optimize(&x, c, 10, (const uint32_t[]){8, 2}, 2);
  assert_int_equal(x.code[5], ABC(MOVE, 3, 2, 0));
  static const pol_Instr d[] = {
    ABx(FACT, 0, 0),        /* 0 */
    ABx(JFALSE, 0, 1),      /* 1: to 3, past the read */
    ABx(FACT, 2, 1),        /* 2 */
    ABC(MOVE, 3, 2, 0),     /* 3: r2 is read on one path only */
    ABC(RET, 3, 0, 0),
  };
  optimize(&x, d, 5, (const uint32_t[]){5}, 1);
  assert_int_equal(x.code[3], ABC(MOVE, 3, 2, 0));
}

/* A register only a body reads stays written; one nobody reads goes,
   unless its instruction may stop the case. */
static void test_dead_writes(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),        /* 0: read by the body */
    ABx(FACT, 7, 0),        /* 1: read by nobody */
    ABx(FACT, 2, 1),        /* 2: the list */
    ABC(ADD, 8, 2, 2),      /* 3: read by nobody, but may stop the case */
    ABC(EXISTS, 0, 2, 3),   /* 4 */
    XW(1),                  /* 5 */
    ABC(RET, 0, 0, 0),      /* 6 */
    ABC(FIELD, 4, 3, 0),    /* 7: body */
    ABC(EQ, 4, 4, 1),       /* 8 */
    ABC(RET, 4, 0, 0),      /* 9 */
  };
  Lean x;
  optimize(&x, c, 10, (const uint32_t[]){7, 3}, 2);
  assert_int_equal(x.keep[0], 1);
  assert_int_equal(x.keep[1], 0);
  assert_int_equal(x.keep[2], 1);
  assert_int_equal(x.keep[3], 1);
  assert_int_equal(x.keep[4] & x.keep[5], 1);
  assert_int_equal(x.keep[7] & x.keep[8], 1);
}

/* A register the caller reads after the body ran is live at the body's
   return. */
static void test_body_result_read(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 2, 1),        /* 0 */
    ABx(LOADB, 5, 0),       /* 1: r5 := false (the body may overwrite it) */
    ABC(EXISTS, 0, 2, 3),   /* 2 */
    XW(1),                  /* 3 */
    ABC(AND, 0, 0, 5),      /* 4: reads r5 */
    ABC(RET, 0, 0, 0),      /* 5 */
    ABx(FACT, 5, 0),        /* 6: body: writes r5 */
    ABC(FIELD, 4, 3, 0),    /* 7 */
    ABC(RET, 4, 0, 0),      /* 8 */
  };
  Lean x;
  optimize(&x, c, 9, (const uint32_t[]){6, 3}, 2);
  assert_int_equal(x.keep[6], 1);
}

/* A jump on r that lands on another jump on r, or on `r and x` while r
   is false, goes on to where that leads. */
static void test_threading(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 0, 0),        /* 0 */
    ABx(JFALSE, 0, 2),      /* 1: to 4 -> 6 */
    ABx(FACT, 1, 1),        /* 2 */
    ABC(AND, 0, 0, 1),      /* 3 */
    ABx(JFALSE, 0, 1),      /* 4: to 6 */
    ABx(FACT, 0, 2),        /* 5 */
    ABC(RET, 0, 0, 0),      /* 6 */
  };
  Lean x;
  optimize(&x, c, 7, (const uint32_t[]){7}, 1);
  /* threaded to 6, the RET of r0: then folded into RETF (fuse_ret) */
  assert_int_equal(x.code[1], ABC(RETF, 0, 0, 0));
  static const pol_Instr d[] = {
    ABx(FACT, 0, 0),        /* 0 */
    ABx(JTRUE, 0, 1),       /* 1: to 3: r0 true, `r0 and r1` may change it */
    ABx(FACT, 1, 1),        /* 2 */
    ABC(AND, 0, 0, 1),      /* 3 */
    ABx(JFALSE, 0, 1),      /* 4 */
    ABx(FACT, 0, 2),        /* 5 */
    ABC(RET, 0, 0, 0),      /* 6 */
  };
  optimize(&x, d, 7, (const uint32_t[]){7}, 1);
  assert_int_equal(x.code[1], ABx(JTRUE, 0, 1));
}

/* A jump to a RET of its register becomes a conditional return, an AND
   or OR before the RET of its register a logic return; not to (before) a
   RET of another register. */
static void test_fold_returns(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 0, 0),        /* 0 */
    ABx(JFALSE, 0, 4),      /* 1: to 6, RET r0 -> RETF */
    ABx(FACT, 1, 1),        /* 2 */
    ABx(JTRUE, 1, 3),       /* 3: to 7, RET r0: another register, stays */
    ABx(FACT, 2, 2),        /* 4 */
    ABC(OR, 0, 1, 2),       /* 5: before RET r0 -> ORRET */
    ABC(RET, 0, 0, 0),      /* 6 */
    ABC(RET, 0, 0, 0),      /* 7 (unreachable but by the jump) */
  };
  Lean x;
  optimize(&x, c, 8, (const uint32_t[]){8}, 1);
  assert_int_equal(x.code[1], ABC(RETF, 0, 0, 0));
  assert_int_equal(x.code[3], ABx(JTRUE, 1, 3));
  assert_int_equal(x.code[5], ABC(ORRET, 0, 1, 2));
  assert_int_equal(x.keep[6], 1);   /* the RET stays, the block's last word */
  static const pol_Instr d[] = {
    ABx(FACT, 0, 0),        /* 0 */
    ABx(FACT, 1, 1),        /* 1 */
    ABC(AND, 1, 0, 1),      /* 2: before RET r0, not r1: stays */
    ABC(RET, 0, 0, 0),      /* 3 */
  };
  optimize(&x, d, 4, (const uint32_t[]){4}, 1);
  assert_int_equal(x.code[2], ABC(AND, 1, 0, 1));
}

/* AND, FEQK and FINK followed by RETF of their register become one
   instruction (the RETF word dropped), unless a jump lands on the RETF. */
static void test_fold_retf(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),        /* 0: a record */
    ABC(FEQK, 0, 1, 2),     /* 1 */
    XW(0),                  /* 2 */
    ABx(JFALSE, 0, 5),      /* 3: to 9 -> RETF, then FEQKRF */
    ABx(FACT, 2, 1),        /* 4 */
    ABC(AND, 0, 0, 2),      /* 5 */
    ABx(JFALSE, 0, 2),      /* 6: to 9 -> RETF, then ANDRF */
    ABx(FACT, 3, 2),        /* 7 */
    ABC(AND, 0, 0, 3),      /* 8 */
    ABC(RET, 0, 0, 0),      /* 9 */
  };
  Lean x;
  optimize(&x, c, 10, (const uint32_t[]){10}, 1);
  assert_int_equal(x.code[1], ABC(FEQKRF, 0, 1, 2));
  assert_int_equal(x.keep[3], 0);
  assert_int_equal(x.code[5], ABC(ANDRF, 0, 0, 2));
  assert_int_equal(x.keep[6], 0);
  assert_int_equal(x.code[8], ABC(ANDRET, 0, 0, 3));
  static const pol_Instr d[] = {
    ABx(FACT, 1, 0),        /* 0 */
    ABx(FACT, 0, 1),        /* 1 */
    ABx(JKNOWN, 0, 2),      /* 2: to 5, lands on the RETF */
    ABC(FINK, 0, 1, 2),     /* 3 */
    XW(0),                  /* 4 */
    ABx(JFALSE, 0, 1),      /* 5: to 7 -> RETF */
    ABx(FACT, 0, 2),        /* 6 */
    ABC(RET, 0, 0, 0),      /* 7 */
  };
  optimize(&x, d, 8, (const uint32_t[]){8}, 1);
  assert_int_equal(x.code[3], ABC(FINK, 0, 1, 2));
  assert_int_equal(x.code[5], ABC(RETF, 0, 0, 0));
  assert_int_equal(x.keep[5], 1);
  /* and without the jump, FINKRF */
  static const pol_Instr e[] = {
    ABx(FACT, 1, 0),        /* 0 */
    ABC(FINK, 0, 1, 2),     /* 1 */
    XW(0),                  /* 2 */
    ABx(JFALSE, 0, 1),      /* 3: to 5 -> RETF */
    ABx(FACT, 0, 2),        /* 4 */
    ABC(RET, 0, 0, 0),      /* 5 */
  };
  optimize(&x, e, 6, (const uint32_t[]){6}, 1);
  assert_int_equal(x.code[1], ABC(FINKRF, 0, 1, 2));
  assert_int_equal(x.keep[3], 0);
}

/* A register the caller reads after the body is live at every return of
   the body, RETF's included. */
static void test_live_at_retf(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 2, 0),        /* 0: a list */
    ABC(EXISTS, 0, 2, 3),   /* 1 */
    XW(1),                  /* 2 */
    ABC(AND, 0, 0, 5),      /* 3: reads r5, which the body wrote */
    ABC(RET, 0, 0, 0),      /* 4 */
    ABx(FACT, 5, 1),        /* 5: body: r5, read after a return at 7 */
    ABx(FACT, 4, 2),        /* 6 */
    ABC(RETF, 4, 0, 0),     /* 7 */
    ABx(FACT, 5, 3),        /* 8: r5 again: 5 is dead on this path */
    ABC(RET, 4, 0, 0),      /* 9 */
  };
  Lean x;
  optimize(&x, c, 10, (const uint32_t[]){5, 5}, 2);
  assert_int_equal(x.keep[5], 1);
}

/* FEQK (FINK) and a JTRUE or JFALSE on its register become one
   compare-and-jump, its target counted from it, the record register and
   field in its first EXTRA word; not when a jump lands on the jump. */
static void test_fuse_jump(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),        /* 0: a record */
    ABC(FEQK, 0, 1, 2),     /* 1 */
    XW(5),                  /* 2 */
    ABx(JTRUE, 0, 2),       /* 3: to 6 */
    ABC(FIELD, 2, 1, 3),    /* 4 */
    ABC(AND, 0, 0, 2),      /* 5 */
    ABC(NOT, 0, 0, 0),      /* 6 */
    ABC(RET, 0, 0, 0),      /* 7 */
  };
  Lean x;
  optimize(&x, c, 8, (const uint32_t[]){8}, 1);
  assert_int_equal(x.code[1], ABx(FEQKJT, 0, 4));   /* 1 + 1 + 4 = 6 */
  assert_int_equal(x.code[2], XW(1 | 2 << 8));
  assert_int_equal(x.code[3], XW(5));
  assert_int_equal(x.keep[3], 1);
  static const pol_Instr d[] = {
    ABx(FACT, 1, 0),        /* 0 */
    ABx(FACT, 0, 1),        /* 1 */
    ABx(JKNOWN, 0, 2),      /* 2: to 5, lands on the JFALSE */
    ABC(FINK, 0, 1, 2),     /* 3 */
    XW(5),                  /* 4 */
    ABx(JFALSE, 0, 1),      /* 5: to 7 */
    ABC(NOT, 0, 0, 0),      /* 6 */
    ABC(NOT, 0, 0, 0),      /* 7 */
    ABC(RET, 0, 0, 0),      /* 8 */
  };
  optimize(&x, d, 9, (const uint32_t[]){9}, 1);
  assert_int_equal(x.code[3], ABC(FINK, 0, 1, 2));
  assert_int_equal(x.code[5], ABx(JFALSE, 0, 1));
}

/* A compare-and-jump writes its register: its jump to the next
   instruction is not dropped as a jump to where control goes anyway. */
static void test_writing_jump_kept(void **state)
{
  (void)state;
  static const pol_Instr c[] = {
    ABx(FACT, 1, 0),        /* 0 */
    ABx(FEQKJF, 0, 2),      /* 1: to 4, the next instruction */
    XW(1 | 2 << 8),         /* 2 */
    XW(5),                  /* 3 */
    ABC(RET, 0, 0, 0),      /* 4 */
  };
  Lean x;
  optimize(&x, c, 5, (const uint32_t[]){5}, 1);
  assert_int_equal(x.keep[1], 1);
  assert_int_equal(x.code[1], ABx(FEQKJF, 0, 2));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reread),
    cmocka_unit_test(test_reread_record_written),
    cmocka_unit_test(test_reread_body_writes),
    cmocka_unit_test(test_dead_writes),
    cmocka_unit_test(test_body_result_read),
    cmocka_unit_test(test_threading),
    cmocka_unit_test(test_fold_returns),
    cmocka_unit_test(test_fold_retf),
    cmocka_unit_test(test_live_at_retf),
    cmocka_unit_test(test_fuse_jump),
    cmocka_unit_test(test_writing_jump_kept),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
