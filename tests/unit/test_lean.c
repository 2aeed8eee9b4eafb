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
  assert_int_equal(x.code[1], ABx(JFALSE, 0, 4));
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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reread),
    cmocka_unit_test(test_reread_record_written),
    cmocka_unit_test(test_reread_body_writes),
    cmocka_unit_test(test_dead_writes),
    cmocka_unit_test(test_body_result_read),
    cmocka_unit_test(test_threading),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
