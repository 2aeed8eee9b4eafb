/*
 * pol_limits.h -- the named limits the compiler, the verifier and the VM share.
 * docs/limits.md lists them for users, with the errors that enforce them.
 * A bundle that exceeds one is refused by the verifier (vm/verify.c); the
 * compiler refuses a policy that would need more (compiler/check.c,
 * codegen.c) with its own error code.
 */
#ifndef POL_LIMITS_H
#define POL_LIMITS_H

#define POL_MAX_REGS      255     /* registers of one block (A, B, C are 8 bits) */
#define POL_MAX_BX        0xffffu /* a 16-bit Bx operand */
#define POL_MAX_AX        0xffffffu /* a 24-bit Ax operand (EXTRA words) */
#define POL_MAX_DEPTH     32      /* nesting of quantifier bodies */
#define POL_MAX_WITNESS_ITEMS 5   /* items a trace lists per group of a
                                     count or coverage ("+k more") */
#define POL_MAX_ASPECTS   8       /* `assess` blocks of one policy (each may add a
                                     determination to a line; checker E0337,
                                     verifier) */
#define POL_MAX_ARGS      8       /* arguments of an extern (pol_Extern.args,
                                     E0241), items of `at least k of` (E0223):
                                     the N operand of CALLX and ATLEAST */
#define POL_MAX_LET_PARAMS 8      /* parameters of a `let` (E0232) */
#define POL_MAX_DEC_STACK 64      /* stack of a decision condition in postfix
                                     (exec.c evaluates, verify.c checks; the
                                     checker refuses deeper, E0336) */

#endif
