/*
 * interp.h -- the reference evaluator: judges a request line by walking the
 * checked AST directly, with no bytecode.
 *
 * It exists to be compared with the VM (tests/interp_diff.c): it is written
 * from the language semantics, plainly, and shares no code path with the
 * code generator or the VM beyond the case loader (which provides the fact
 * values) and the calendar helper pol_add_months.
 *
 * Ownership: everything is borrowed.  c must have been checked (pol_check
 * returned 0) and given fact slots by pol_codegen; p is the program built
 * from c (or a bundle of it) and cs a case loaded for p.
 */
#ifndef POL_INTERP_H
#define POL_INTERP_H

#include <stdint.h>

#include "compile.h"
#include "../vm/case.h"

/* ---- full parity ------------------------------------------------------- */

/* Most `assess` blocks of a policy (vm/bytecode.h). */
#define POL_INTERP_MAX_ASPECTS POL_MAX_ASPECTS

/* Everything the reference evaluator says about one request line: what a
   trace shows, criterion by criterion.  Owned by the caller: free with
   pol_interp_result_free. */
typedef struct pol_InterpResult {
  int policy;            /* program policy index, or -1 (no policy covers the line) */
  int branch;            /* program branch index of the main branch, or -1 */
  int bstate;            /* pol_BranchState (vm/vm.h): the branch rule's
                            outcome for a routed line */
  int det;               /* pol_Det: the line's, items included */
  int line_det;          /* pol_Det: from the line-level criteria alone */
  uint32_t ncrit;        /* the routed policy's criteria */
  uint8_t *status;       /* owned: ncrit pol_Status, program order; the
                            main branch's and the assess blocks' criteria
                            (per-item criteria are not_applicable here) */
  int has_each;          /* the main branch has a `for each` */
  int items_known;       /* 0: its list is unknown */
  uint32_t nitems;
  int *item_det;         /* owned: nitems pol_Det */
  uint8_t *item_status;  /* owned: nitems rows of ncrit pol_Status (only
                            the per-item criteria are judged) */
  int naspects;          /* assess blocks whose condition is true or unknown */
  int aspect_branch[POL_INTERP_MAX_ASPECTS];   /* program branch indices */
  int aspect_open[POL_INTERP_MAX_ASPECTS];     /* its condition is unknown:
                                                  pend, criteria not judged */
  int aspect_det[POL_INTERP_MAX_ASPECTS];      /* pol_Det */
  uint32_t authmask;     /* the line's authorization (approve or partial):
                            bit f, field f (vm/authfields.def) is stated */
  int auth_open;         /* a stated value is unknown: det is pend */
  char *auth_text[POL_AUTH__COUNT];   /* owned: each authorized value in
                            the canonical words of pol_interp_auth_text,
                            NULL when unknown or not stated */
  int recommended;       /* -1, or the adverse pol_Det (deny, loi, partial)
                            that det = refer recommends: the line's plan
                            declaration, else the compile's default, says
                            denials are recommendations */
  int overflow;          /* an arithmetic result left the range of numbers
                            (vm/decimal.h): the VM refuses to judge such a
                            case (pol_vm_eval fails, "number out of range");
                            the rest is then meaningless */
  /* the first such result, in the order of evaluation (docs/language.md,
     "Evaluation order and errors"): what the VM's message names */
  int ovf_op;            /* O_ADD .. O_DIV (compiler/ast.h), or -1: floor */
  pol_Dec ovf_a, ovf_b;  /* its operands (floor: ovf_a) */
  const char *ovf_crit;  /* the id of the leaf criterion being judged
                            (borrowed from c), or NULL (a branch condition,
                            a `for each` list, an authorized value) */
} pol_InterpResult;

/* Judges line `line` of cs with every construct of the language: routing
   (codes, effective dates and versions, plans), branches, criteria,
   decision rules and tags, `assess` blocks, `for each` with per-item
   determinations and `partial`.  Extern functions are unknown (never
   called).  Returns 0 with *r filled in (r->policy -1: no_policy), -1 on
   out-of-memory, -2 if c and p do not describe the same policies. */
int pol_interp_judge(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs,
                     uint32_t line, pol_InterpResult *r);
void pol_interp_result_free(pol_InterpResult *r);

/* The canonical words of an authorized value, for comparing two
   evaluators: a number as pol_dec_format writes it, a date YYYY-MM-DD, a
   duration "Mm Dd", a string itself, levels their distinct strings
   sorted and joined by ", ".  Each caller renders its own values. */

#endif
