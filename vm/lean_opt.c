/*
 * lean_opt.c -- rewrites of the no-trace code that only a run without a
 * trace allows (issue 14, docs/performance.md "A third pass").
 *
 * With tracing off, reading a fact or a field has no effect but its value:
 * no missing fact is noted, no evidence recorded.  So in the no-trace copy
 * (lean.c) a read whose value nobody uses can go, and a copy of a read can
 * read again instead.  What must not change is everything pol_vm_eval
 * returns: every value a block returns, and every effect an instruction
 * has besides its register -- the budget (charged per block by its
 * original length, and per item, per list searched, per list made:
 * quantifiers, IN, LIST, PERIODS are never touched here) and the stop on a
 * number out of range (ADD, SUB, MUL, DIV, FLOOR are never touched here).
 * Four rewrites, on the program's code in its original positions (words
 * dropped by clearing keep[], which lean.c then compacts and relinks):
 *
 *  1. Jump threading: a conditional jump on register r that lands on
 *     another jump on r, or on `r := r and x` while r is false (`r or x`
 *     while true), goes on to where that one leads: the value of r there
 *     is known, so the instructions skipped do nothing.
 *  2. Re-reading instead of copying: `MOVE a, b` where b holds, on every
 *     path, the result of one FIELD (of a record register not written
 *     since), FACT, LOADK, LOADB or CUR becomes that instruction writing a.
 *     The let arguments of a function are read eagerly into registers and
 *     copied where used; after this the eager reads are dead.
 *  3. Dead writes: an instruction without effects (pure_op) whose register
 *     no later instruction can read goes, as does a jump to where control
 *     goes anyway.  "Can read" follows the calls: blocks share one register
 *     frame, so a quantifier reads whatever its body, key, start, end or
 *     value block read before writing (and a witness's conjunct blocks,
 *     which the verifier checks with the body's registers); a block's
 *     registers are live at its RET when live after any instruction that
 *     runs it, or read by a block that instruction runs again.
 *  4. Fusion: a FIELD and the EQK or INK on its register right after it
 *     become one FEQK or FINK (opcodes.def, 2.6), unless a jump lands on
 *     the comparison.
 *
 * Every rewrite keeps the verifier's rule that each register is written
 * before it is read (pol_verify checks the result: lean.c).
 *
 * Ownership: pol_lean_optimize borrows p and rewrites code[] and keep[] in
 * place; its scratch memory is freed before it returns.
 */
#include "bundle.h"
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* A set of registers (POL_MAX_REGS < 256). */
typedef struct Regs {
  uint64_t w[4];
} Regs;

static int rs_has(const Regs *s, uint32_t r) { return (int)(s->w[r >> 6] >> (r & 63) & 1u); }
static void rs_add(Regs *s, uint32_t r) { s->w[r >> 6] |= (uint64_t)1 << (r & 63); }
static void rs_del(Regs *s, uint32_t r) { s->w[r >> 6] &= ~((uint64_t)1 << (r & 63)); }
static void rs_or(Regs *s, const Regs *t)
{
  for (int i = 0; i < 4; i++) s->w[i] |= t->w[i];
}
typedef struct Opt {
  const pol_Program *p;
  pol_Instr *code;   /* the working copy, original positions */
  uint8_t *keep;     /* keep[w]: word w stays */
  Regs *ue;          /* [nblocks]: registers a run of the block may read
                        before writing them (its callees' too) */
  Regs *conj;        /* [nblocks]: what the witness conjunct blocks of body b read */
  Regs *may;         /* [nblocks]: registers a run of the block may write */
  Regs *lo;          /* [nblocks]: live when the block returns */
  Regs *live;        /* scratch [maxlen]: live before word start + i */
  uint32_t *src;     /* scratch [maxlen * (maxregs + 1)]: rewrite 2's states,
                        and the instruction starts of rewrite 3 */
  uint8_t *reached;  /* scratch [maxlen] */
} Opt;

static const pol_OpInfo *info(const Opt *o, uint32_t pc) { return &pol_opinfo[POL_OP(o->code[pc])]; }

static int is_call(const pol_OpInfo *oi) { return POL_XROLE_BLOCK(oi->xroles[0]); }

/* The first kept word at or after t (a block ends in its RET, always kept). */
static uint32_t kept(const Opt *o, uint32_t t)
{
  while (!o->keep[t]) t++;
  return t;
}

static void drop(Opt *o, uint32_t pc)
{
  uint32_t n = 1 + (uint32_t)info(o, pc)->extra;
  memset(o->keep + pc, 0, n);
}

/* The register the instruction surely writes, or NONE.  EQK .. INK read
   and write A (opcodes.def). */
static uint32_t dest(pol_Instr i)
{
  pol_Op op = POL_OP(i);
  if (pol_opinfo[op].a == 'W') return POL_A(i);
  if (op >= OP_EQK && op <= OP_INK) return POL_A(i);
  return NONE;
}

/* Without a trace, an instruction whose only effect is its register A.
   Not: arithmetic (a number out of range stops the case), anything that
   charges the budget (quantifiers, IN, LIST, PERIODS, INK on a list),
   externs, SETLIST (builds its lists), jumps, EVID, RET. */
static int pure_op(const pol_Program *p, pol_Instr i)
{
  switch (POL_OP(i)) {
  case OP_LOADK: case OP_LOADB: case OP_MOVE: case OP_FACT: case OP_FIELD: case OP_NOT:
  case OP_AND: case OP_OR: case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT:
  case OP_GE: case OP_NEG: case OP_KNOWN: case OP_COALESCE: case OP_WINDOW: case OP_WPART:
  case OP_WITHIN: case OP_LEN: case OP_CALWIN: case OP_DUR: case OP_MERGE: case OP_UNKNOWN:
  case OP_MIN: case OP_MAX: case OP_LOOKUP: case OP_CUR: case OP_EQK: case OP_NEK:
  case OP_LTK: case OP_LEK: case OP_GTK: case OP_GEK: case OP_INVS: case OP_ATLEAST:
    return 1;
  case OP_INK:
    return p->k[POL_Bx(i)].tag != PV_LIST;
  case OP_JFALSE: case OP_JTRUE: case OP_JKNOWN: case OP_JMP: case OP_ADD: case OP_SUB:
  case OP_MUL: case OP_DIV: case OP_FLOOR: case OP_IN:
  case OP_EXISTS: case OP_EVERY: case OP_COUNT: case OP_COUNTD: case OP_COVER:
  case OP_CALLX: case OP_EVID: case OP_RET: case OP_EXTRA: case OP_SUM: case OP_LATEST:
  case OP_EARLIEST: case OP_SETLIST: case OP_RUN: case OP_GAP: case OP_LIST:
  case OP_PERIODS: case OP_FIRST:
  case OP_FEQK: case OP_FINK:   /* made after the dead writes went (fuse_block) */
  case OP_RETF: case OP_RETT: case OP_ANDRET: case OP_ORRET: case OP_ANDRF:
  case OP_FEQKRF: case OP_FINKRF:   /* made last (fuse_ret) */
  case OP_FACTQ: case OP_FIELDQ:     /* made by lean.c (quiet) */
  case OP_FEQKJT: case OP_FEQKJF: case OP_FINKJT: case OP_FINKJF:   /* made last (fuse_jump) */
  case OP__COUNT:
    return 0;
  }
  return 0;
}

/* Whether the instruction may return from the block (the RETs of rewrite
   5; a bundle may hold them too, so the liveness knows them). */
static int returns(pol_Op op)
{
  return op == OP_RET || op == OP_RETF || op == OP_RETT || op == OP_ANDRET || op == OP_ORRET ||
         op == OP_ANDRF || op == OP_FEQKRF || op == OP_FINKRF;
}

/* The registers instruction pc reads (with the calls it makes: what its
   blocks read before writing, but the item register, which the VM writes
   before each run). */
static void reads(const Opt *o, uint32_t pc, Regs *r)
{
  pol_Instr i = o->code[pc];
  const pol_OpInfo *oi = info(o, pc);
  if (is_call(oi)) {
    Regs c = {{0}};
    for (uint32_t k = 0; oi->xroles[k]; k++)
      if (POL_XROLE_BLOCK(oi->xroles[k])) {
        uint32_t b = POL_Ax(o->code[pc + 1 + k]);
        rs_or(&c, &o->ue[b]);
        rs_or(&c, &o->conj[b]);
      }
    rs_del(&c, POL_C(i));
    rs_or(r, &c);
  }
  if (oi->a == 'R') rs_add(r, POL_A(i));
  if (oi->fmt == FMT_ABC && oi->b == 'R' && oi->c != 'N') rs_add(r, POL_B(i));
  if (oi->fmt == FMT_ABC && oi->c == 'R') rs_add(r, POL_C(i));
  if (oi->c == 'N')
    for (uint32_t k = POL_B(i); k < POL_B(i) + POL_C(i); k++) rs_add(r, k);
  for (uint32_t k = 0; oi->xroles[k]; k++) {
    if (oi->xroles[k] == 'w') rs_add(r, POL_Ax(o->code[pc + 1 + k]));
    if (oi->xroles[k] == 'g') rs_add(r, POL_Ax(o->code[pc + 1 + k]) & 0xffu);
  }
}

/* The registers instruction pc may write, its calls' included. */
static void writes(const Opt *o, uint32_t pc, Regs *r)
{
  pol_Instr i = o->code[pc];
  const pol_OpInfo *oi = info(o, pc);
  if (dest(i) != NONE) rs_add(r, dest(i));
  if (!is_call(oi)) return;
  rs_add(r, POL_C(i));
  for (uint32_t k = 0; oi->xroles[k]; k++)
    if (POL_XROLE_BLOCK(oi->xroles[k])) rs_or(r, &o->may[POL_Ax(o->code[pc + 1 + k])]);
}

/* ---- 1. jump threading -------------------------------------------------- */

/* Where control goes from t on when register r is false (val 0) or true
   (1) there, or nothing is known (val -1): past the jumps whose way that
   decides and the `r and x` (`r or x`) that leave r as it is. */
static uint32_t thread(const Opt *o, uint32_t t, uint32_t r, int val)
{
  for (;;) {
    t = kept(o, t);
    pol_Instr i = o->code[t];
    pol_Op op = POL_OP(i);
    if (op == OP_JMP) { t = t + 1 + POL_Bx(i); continue; }
    if (val < 0 || POL_A(i) != r) return t;
    if (op == OP_JFALSE || op == OP_JTRUE) {
      t = (op == OP_JFALSE) == (val == 0) ? t + 1 + POL_Bx(i) : t + 1;
      continue;
    }
    if (((op == OP_AND && val == 0) || (op == OP_OR && val == 1)) &&
        (POL_B(i) == r || POL_C(i) == r)) {
      t++;
      continue;
    }
    return t;
  }
}

static void thread_block(Opt *o, const pol_Block *bl)
{
  for (uint32_t pc = bl->start; pc < bl->start + bl->len; pc += 1 + (uint32_t)info(o, pc)->extra) {
    if (!o->keep[pc]) continue;
    pol_Instr i = o->code[pc];
    pol_Op op = POL_OP(i);
    if (op != OP_JFALSE && op != OP_JTRUE && op != OP_JMP) continue;
    int val = op == OP_JFALSE ? 0 : op == OP_JTRUE ? 1 : -1;
    uint32_t t = thread(o, pc + 1 + POL_Bx(i), POL_A(i), val);
    if (t - (pc + 1) <= 0xffffu) o->code[pc] = POL_MK_ABx(op, POL_A(i), t - (pc + 1));
  }
}

/* ---- 2. re-reading instead of copying ----------------------------------- */

/* Instructions a MOVE of their result may repeat: no effect, and the same
   value again as long as the registers they read are not written. */
static int rereadable(pol_Instr i)
{
  switch (POL_OP(i)) {
  case OP_FIELD: return POL_B(i) != POL_A(i);
  case OP_FACT: case OP_LOADK: case OP_LOADB: case OP_CUR: return 1;
  default: return 0;
  }
}

/* One pass in order (jumps go forward): src[pos * n + r] is the
   instruction whose value register r holds at word start + pos on every
   path there, with the registers it read unchanged since, or NONE. */
static void reread_block(Opt *o, const pol_Block *bl)
{
  uint32_t n = bl->nregs, *src = o->src, moves = 0;
  for (uint32_t pc = bl->start; pc < bl->start + bl->len; pc += 1 + (uint32_t)info(o, pc)->extra)
    moves += o->keep[pc] && POL_OP(o->code[pc]) == OP_MOVE;
  if (moves == 0) return;   /* nothing to rewrite */
  memset(o->reached, 0, bl->len);
  for (uint32_t r = 0; r < n; r++) src[r] = NONE;
  o->reached[0] = 1;
  uint32_t cur[POL_MAX_REGS + 1];
  for (uint32_t pc = bl->start; pc < bl->start + bl->len; pc += 1 + (uint32_t)info(o, pc)->extra) {
    uint32_t pos = pc - bl->start;
    if (!o->keep[pc] || !o->reached[pos]) continue;
    memcpy(cur, src + (size_t)pos * n, n * sizeof *cur);
    pol_Instr i = o->code[pc];
    if (POL_OP(i) == OP_MOVE && POL_B(i) < n && cur[POL_B(i)] != NONE) {
      pol_Instr d = o->code[cur[POL_B(i)]];
      /* the same instruction, writing A */
      o->code[pc] = i = (d & ~((pol_Instr)0xffu << 8)) | ((pol_Instr)POL_A(i) << 8);
    }
    Regs w = {{0}};
    writes(o, pc, &w);
    for (uint32_t r = 0; r < n; r++) {
      if (cur[r] == NONE) continue;
      pol_Instr d = o->code[cur[r]];
      if (rs_has(&w, r) || (POL_OP(d) == OP_FIELD && rs_has(&w, POL_B(d)))) cur[r] = NONE;
    }
    if (rereadable(i) && POL_A(i) < n) cur[POL_A(i)] = pc;
    pol_Op op = POL_OP(i);
    uint32_t next = pc + 1 + (uint32_t)info(o, pc)->extra, succ[2], ns = 0;
    if (info(o, pc)->b == 'J') succ[ns++] = kept(o, pc + 1 + POL_Bx(i));
    if (op != OP_JMP && op != OP_RET && next < bl->start + bl->len) succ[ns++] = kept(o, next);
    for (uint32_t k = 0; k < ns; k++) {
      uint32_t *to = src + (size_t)(succ[k] - bl->start) * n;
      if (!o->reached[succ[k] - bl->start]) {
        memcpy(to, cur, n * sizeof *cur);
        o->reached[succ[k] - bl->start] = 1;
      } else {
        for (uint32_t r = 0; r < n; r++)
          if (to[r] != cur[r]) to[r] = NONE;
      }
    }
  }
}

/* ---- 3. dead writes ----------------------------------------------------- */

/* Backward liveness over block b, live at its RET given by o->lo[b]
   (o->live[pos]: live before word start + pos).  With dce, drops the
   instructions without effect whose register is dead and the jumps to
   where control goes anyway, and adds to the live-at-return of every
   block b runs; returns whether it dropped anything. */
static int live_block(Opt *o, uint32_t b, int dce)
{
  const pol_Block *bl = &o->p->blocks[b];
  uint32_t end = bl->start + bl->len, starts_n = 0;
  uint32_t *starts = o->src;   /* free here: rewrite 2 is done */
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra)
    if (o->keep[pc]) starts[starts_n++] = pc;
  int changed = 0;
  Regs none = {{0}};
  for (uint32_t k = starts_n; k-- > 0;) {
    uint32_t pc = starts[k];
    pol_Instr i = o->code[pc];
    pol_Op op = POL_OP(i);
    const pol_OpInfo *oi = info(o, pc);
    uint32_t next = pc + 1 + (uint32_t)oi->extra;
    Regs out = returns(op) && dce ? o->lo[b] : none;
    uint32_t fall = op != OP_JMP && op != OP_RET && next < end ? kept(o, next) : NONE;
    uint32_t jump = oi->b == 'J' ? kept(o, pc + 1 + POL_Bx(i)) : NONE;
    if (fall != NONE) rs_or(&out, &o->live[fall - bl->start]);
    if (jump != NONE) rs_or(&out, &o->live[jump - bl->start]);
    if (dce && ((pure_op(o->p, i) && !rs_has(&out, dest(i))) ||
                (oi->b == 'J' && dest(i) == NONE && next < end && jump == kept(o, next)))) {
      drop(o, pc);
      o->live[pc - bl->start] = out;
      changed = 1;
      continue;
    }
    Regs in = out;
    if (dest(i) != NONE) rs_del(&in, dest(i));
    reads(o, pc, &in);
    o->live[pc - bl->start] = in;
    if (dce && is_call(oi)) {
      /* its blocks' registers are live at their return when live after
         it, or read by one of them, which runs again */
      Regs after = out, again = {{0}};
      for (uint32_t x = 0; oi->xroles[x]; x++)
        if (POL_XROLE_BLOCK(oi->xroles[x])) {
          rs_or(&again, &o->ue[POL_Ax(o->code[pc + 1 + x])]);
          rs_or(&again, &o->conj[POL_Ax(o->code[pc + 1 + x])]);
        }
      rs_or(&after, &again);
      for (uint32_t x = 0; oi->xroles[x]; x++)
        if (POL_XROLE_BLOCK(oi->xroles[x])) rs_or(&o->lo[POL_Ax(o->code[pc + 1 + x])], &after);
    }
  }
  return changed;
}

/* ue[] and conj[], callees first (they have higher indices). */
static void upward_reads(Opt *o, const uint32_t *body_of)
{
  const pol_Program *p = o->p;
  memset(o->conj, 0, p->nblocks * sizeof *o->conj);
  for (uint32_t b = p->nblocks; b-- > 0;) {
    live_block(o, b, 0);
    o->ue[b] = o->live[kept(o, p->blocks[b].start) - p->blocks[b].start];
    if (body_of && body_of[b] != NONE) rs_or(&o->conj[body_of[b]], &o->ue[b]);
  }
}

/* ---- 4. fused field comparisons --------------------------------------- */

/* o->reached[pc - bl->start] = 1 where a kept jump of block bl lands (on
   the kept word it reaches), 0 elsewhere: a pair is fused only where no
   jump lands between its words.  Returns o->reached. */
static const uint8_t *mark_targets(Opt *o, const pol_Block *bl)
{
  uint32_t end = bl->start + bl->len;
  uint8_t *target = o->reached;
  memset(target, 0, bl->len);
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra)
    if (o->keep[pc] && info(o, pc)->b == 'J') target[kept(o, pc + 1 + POL_Bx(o->code[pc])) - bl->start] = 1;
  return target;
}

/* `FIELD a, b, f` followed by `EQK a, k` (`INK a, k`) becomes `FEQK a, b,
   f` (`FINK`) with k in the EXTRA word after it, where the comparison was
   (or a dropped word before it), unless a jump lands on the comparison. */
static void fuse_block(Opt *o, const pol_Block *bl)
{
  uint32_t end = bl->start + bl->len;
  const uint8_t *target = mark_targets(o, bl);
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra) {
    pol_Instr i = o->code[pc];
    if (!o->keep[pc] || POL_OP(i) != OP_FIELD) continue;
    uint32_t n = kept(o, pc + 1);
    pol_Instr j = o->code[n];
    pol_Op op = POL_OP(j) == OP_EQK ? OP_FEQK : POL_OP(j) == OP_INK ? OP_FINK : OP_EXTRA;
    if (op == OP_EXTRA || POL_A(j) != POL_A(i) || target[n - bl->start]) continue;
    o->code[pc] = POL_MK_ABC(op, POL_A(i), POL_B(i), POL_C(i));
    o->code[pc + 1] = POL_MK_Ax(OP_EXTRA, POL_Bx(j));
    o->keep[pc + 1] = 1;
    if (n != pc + 1) o->keep[n] = 0;
  }
}

/* ---- 5. returns folded ------------------------------------------------ */

/* The opcode of `op a, ...` followed by `RETF a`, or OP_EXTRA: none. */
static pol_Op then_retf(pol_Op op)
{
  return op == OP_AND ? OP_ANDRF : op == OP_FEQK ? OP_FEQKRF : op == OP_FINK ? OP_FINKRF : OP_EXTRA;
}

/* `JFALSE r` (`JTRUE r`) to a `RET r` becomes `RETF r` (`RETT r`): where
   it jumped, the block returned R[r].  Then `AND a, b, c`, `FEQK a, ...`
   or `FINK a, ...` followed by `RETF a` where no jump lands becomes one
   ANDRF, FEQKRF or FINKRF.  `AND a, b, c` (`OR`) followed by `RET a`
   becomes `ANDRET a, b, c` (`ORRET`); the RET stays, for the jumps that
   land on it, and is the block's last word as before. */
static void fuse_ret(Opt *o, const pol_Block *bl)
{
  uint32_t end = bl->start + bl->len;
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra) {
    pol_Instr i = o->code[pc];
    pol_Op op = POL_OP(i);
    if (!o->keep[pc]) continue;
    if (op == OP_JFALSE || op == OP_JTRUE) {
      pol_Instr t = o->code[kept(o, pc + 1 + POL_Bx(i))];
      if (POL_OP(t) == OP_RET && POL_A(t) == POL_A(i))
        o->code[pc] = POL_MK_ABC(op == OP_JFALSE ? OP_RETF : OP_RETT, POL_A(i), 0, 0);
    } else if (op == OP_AND || op == OP_OR) {
      pol_Instr t = o->code[kept(o, pc + 1)];
      if (POL_OP(t) == OP_RET && POL_A(t) == POL_A(i))
        o->code[pc] = POL_MK_ABC(op == OP_AND ? OP_ANDRET : OP_ORRET, POL_A(i), POL_B(i), POL_C(i));
    }
  }
  const uint8_t *target = mark_targets(o, bl);
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra) {
    pol_Instr i = o->code[pc];
    pol_Op to = then_retf(POL_OP(i));
    if (!o->keep[pc] || to == OP_EXTRA) continue;
    uint32_t n = kept(o, pc + 1 + (uint32_t)info(o, pc)->extra);
    pol_Instr j = o->code[n];
    if (POL_OP(j) != OP_RETF || POL_A(j) != POL_A(i) || target[n - bl->start]) continue;
    o->code[pc] = (i & ~(pol_Instr)0xffu) | to;
    o->keep[n] = 0;
  }
}

/* ---- 6. compare and jump ---------------------------------------------- */

/* `FEQK a, b, f` (`FINK`) and its EXTRA word followed by `JTRUE a` or
   `JFALSE a`, where no jump lands on the jump, becomes FEQKJT, FEQKJF,
   FINKJT or FINKJF a, with the jump's target counted from it, then b and
   f in one EXTRA word (role g) and the constant in the next: three words
   where the pair had three (the third the jump's, or a dropped word
   between them, kept again). */
static void fuse_jump(Opt *o, const pol_Block *bl)
{
  uint32_t end = bl->start + bl->len;
  const uint8_t *target = mark_targets(o, bl);
  for (uint32_t pc = bl->start; pc < end; pc += 1 + (uint32_t)info(o, pc)->extra) {
    pol_Instr i = o->code[pc];
    pol_Op op = POL_OP(i);
    if (!o->keep[pc] || (op != OP_FEQK && op != OP_FINK)) continue;
    uint32_t n = kept(o, pc + 2);
    pol_Instr j = o->code[n];
    pol_Op jo = POL_OP(j);
    if ((jo != OP_JTRUE && jo != OP_JFALSE) || POL_A(j) != POL_A(i) || target[n - bl->start]) continue;
    uint32_t t = n + 1 + POL_Bx(j);   /* the jump's target */
    if (t - (pc + 1) > 0xffffu) continue;
    pol_Op to = op == OP_FEQK ? (jo == OP_JTRUE ? OP_FEQKJT : OP_FEQKJF)
                              : (jo == OP_JTRUE ? OP_FINKJT : OP_FINKJF);
    uint32_t k = POL_Ax(o->code[pc + 1]);
    o->code[pc] = POL_MK_ABx(to, POL_A(i), t - (pc + 1));
    o->code[pc + 1] = POL_MK_Ax(OP_EXTRA, POL_B(i) | POL_C(i) << 8);
    o->code[pc + 2] = POL_MK_Ax(OP_EXTRA, k);
    o->keep[pc + 2] = 1;
    if (n != pc + 2) o->keep[n] = 0;
  }
}

int pol_lean_optimize(const pol_Program *p, pol_Instr *code, uint8_t *keep)
{
  if (p->nblocks == 0) return 0;
  uint32_t maxlen = 1, maxregs = 1;
  for (uint32_t b = 0; b < p->nblocks; b++) {
    if (p->blocks[b].len > maxlen) maxlen = p->blocks[b].len;
    if (p->blocks[b].nregs > maxregs) maxregs = p->blocks[b].nregs;
  }
  Opt o = {p, code, keep, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  o.ue = calloc(p->nblocks, sizeof *o.ue);
  o.conj = calloc(p->nblocks, sizeof *o.conj);
  o.may = calloc(p->nblocks, sizeof *o.may);
  o.lo = calloc(p->nblocks, sizeof *o.lo);
  o.live = calloc(maxlen, sizeof *o.live);
  o.src = malloc((size_t)maxlen * (maxregs + 1) * sizeof *o.src);
  o.reached = malloc(maxlen);
  uint32_t *body_of = p->nwit ? malloc(p->nblocks * sizeof *body_of) : NULL;
  int rc = -1;
  if (!o.ue || !o.conj || !o.may || !o.lo || !o.live || !o.src || !o.reached ||
      (p->nwit && !body_of))
    goto out;
  /* the blocks a witness's conjunct blocks run beside (verified: each runs
     for one body) */
  for (uint32_t b = 0; body_of && b < p->nblocks; b++) body_of[b] = NONE;
  for (uint32_t w = 0; body_of && w < p->nwit; w++) {
    const pol_Witness *wi = &p->wit[w];
    for (uint32_t k = 0; k < wi->nconj; k++)
      body_of[p->witdata[wi->data0 + wi->nfields + 2 * k]] = POL_Ax(code[wi->pc + 1]);
  }
  /* what each block may write, callees first */
  for (uint32_t b = p->nblocks; b-- > 0;) {
    const pol_Block *bl = &p->blocks[b];
    for (uint32_t pc = bl->start; pc < bl->start + bl->len; pc += 1 + (uint32_t)info(&o, pc)->extra)
      if (keep[pc]) writes(&o, pc, &o.may[b]);
  }
  for (uint32_t b = 0; b < p->nblocks; b++) thread_block(&o, &p->blocks[b]);
  for (uint32_t b = 0; b < p->nblocks; b++) reread_block(&o, &p->blocks[b]);
  /* one round: each is sound on its own (what blocks read before writing
     only shrinks as writes go), and a second one drops nothing more on the
     policies of this repository */
  upward_reads(&o, body_of);
  for (uint32_t b = 0; b < p->nblocks; b++) live_block(&o, b, 1);
  for (uint32_t b = 0; b < p->nblocks; b++) fuse_block(&o, &p->blocks[b]);
  for (uint32_t b = 0; b < p->nblocks; b++) fuse_ret(&o, &p->blocks[b]);
  for (uint32_t b = 0; b < p->nblocks; b++) fuse_jump(&o, &p->blocks[b]);
  rc = 0;
out:
  free(o.ue);
  free(o.conj);
  free(o.may);
  free(o.lo);
  free(o.live);
  free(o.src);
  free(o.reached);
  free(body_of);
  return rc;
}
