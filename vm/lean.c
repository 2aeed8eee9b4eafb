/*
 * lean.c -- the no-trace code: the program's code without its EVID
 * instructions, which only record evidence for a trace.  With tracing off
 * the VM runs this copy (exec.c, run), so an untraced evaluation never
 * dispatches an EVID.
 *
 * The copy is derived, not trusted: each EVID word inside a block is
 * dropped, every forward jump is relinked to the new position of its
 * target (a jump to a dropped EVID lands on the instruction after it, what
 * the EVID did without a trace: nothing), the blocks start where their
 * first kept word went, and the witness descriptors point at their
 * operations' new positions.  The result, with the program's other tables,
 * then passes pol_verify like any loaded bundle; if it does not (it
 * cannot, barring a bug here), the VM keeps running the original code.
 * The budget charges a block its original length either way (exec.c), so
 * tracing never changes where an evaluation runs out.
 *
 * Before the compaction, vm/lean_opt.c rewrites the copy further, as only
 * a run without a trace allows (reads whose value nobody uses dropped,
 * copies of reads re-read, jumps threaded, a field read and its
 * comparison with a constant fused, returns folded): same positions, more
 * words dropped.  The compaction writes FACT and FIELD as FACTQ and
 * FIELDQ, which do not test for a trace.
 *
 * Also here: the constant sets as bitmaps over the string ids they span,
 * for `in` against a constant set (INK) in a few instructions instead of a
 * binary search.
 *
 * Ownership: pol_vm_lean_build fills vm->lean and vm->lean_blocks,
 * pol_vm_sets_build vm->setlo, setspan, setw0 and setbits, all owned by
 * the VM (pol_vm_free); both borrow vm->p.
 */
#include "bundle.h"
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

/* keep[w]: word w stays (everything but the EVIDs inside blocks). */
static uint32_t mark(const pol_Program *p, uint8_t *keep)
{
  memset(keep, 1, p->ncode);
  uint32_t dropped = 0;
  for (uint32_t b = 0; b < p->nblocks; b++) {
    const pol_Block *bl = &p->blocks[b];
    /* inside a verified block every word is an instruction or an EXTRA
       word (opcode EXTRA): a word with opcode EVID starts an EVID */
    for (uint32_t w = bl->start; w < bl->start + bl->len; w++)
      if (POL_OP(p->code[w]) == OP_EVID && keep[w]) { keep[w] = 0; dropped++; }
  }
  return dropped;
}

/* FACT and FIELD as FACTQ and FIELDQ, which do not ask whether a trace
   notes a missing fact: the copy runs without one.  (An EXTRA word has
   the opcode EXTRA, so word w is rewritten only if it is an instruction.) */
static pol_Instr quiet(pol_Instr w)
{
  pol_Op op = POL_OP(w);
  if (op == OP_FACT) return (w & ~(pol_Instr)0xffu) | OP_FACTQ;
  if (op == OP_FIELD) return (w & ~(pol_Instr)0xffu) | OP_FIELDQ;
  return w;
}

int pol_vm_lean_build(pol_VM *vm, char *err, size_t errlen)
{
  const pol_Program *p = vm->p;
  int rc = -1;
  uint8_t *keep = malloc(p->ncode ? p->ncode : 1);
  uint32_t *at = malloc(((size_t)p->ncode + 1) * sizeof *at);   /* old word -> new */
  pol_Instr *code = NULL;
  pol_Block *run = malloc((p->nblocks ? p->nblocks : 1) * sizeof *run);
  pol_Block *blocks = malloc((p->nblocks ? p->nblocks : 1) * sizeof *blocks);
  pol_Witness *wit = malloc((p->nwit ? p->nwit : 1) * sizeof *wit);
  pol_Instr *src = malloc((p->ncode ? p->ncode : 1) * sizeof *src);   /* rewritten in place */
  if (!keep || !at || !run || !blocks || !wit || !src) goto out;
  memcpy(src, p->code, p->ncode * sizeof *src);
  mark(p, keep);
  if (pol_lean_optimize(p, src, keep) != 0) {   /* out of memory: the EVIDs alone */
    memcpy(src, p->code, p->ncode * sizeof *src);
    mark(p, keep);
  }
  uint32_t n = 0;
  for (uint32_t w = 0; w < p->ncode; w++) n += keep[w];
  code = malloc((n ? n : 1) * sizeof *code);
  if (!code) goto out;
  /* at[w]: where word w goes, or for a dropped word where the next kept
     word goes; at[ncode] = n */
  uint32_t k = 0;
  for (uint32_t w = 0; w < p->ncode; w++) {
    at[w] = k;
    if (keep[w]) code[k++] = quiet(src[w]);
  }
  at[p->ncode] = k;
  /* relink the jumps: every kept word with a jump opcode inside a block
     starts a jump (EXTRA words have the opcode EXTRA) */
  for (uint32_t b = 0; b < p->nblocks; b++) {
    const pol_Block *bl = &p->blocks[b];
    for (uint32_t w = bl->start; w < bl->start + bl->len; w++) {
      pol_Instr ins = src[w];
      pol_Op op = POL_OP(ins);
      if (!keep[w] || op >= OP__COUNT || pol_opinfo[op].b != 'J') continue;
      uint64_t t = (uint64_t)w + 1 + POL_Bx(ins);
      if (t > p->ncode) goto out;   /* not verified code: keep the original */
      uint32_t off = at[t] - (at[w] + 1);
      code[at[w]] = POL_MK_ABx(op, POL_A(ins), off);
    }
    blocks[b] = *bl;
    blocks[b].start = at[bl->start];
    blocks[b].len = at[bl->start + bl->len] - at[bl->start];
    run[b] = *bl;   /* the original length: what the budget charges */
    run[b].start = blocks[b].start;
  }
  for (uint32_t i = 0; i < p->nwit; i++) {
    wit[i] = p->wit[i];
    wit[i].pc = p->wit[i].pc < p->ncode ? at[p->wit[i].pc] : p->wit[i].pc;
  }
  /* the derived program: the new code, blocks and witnesses, every other
     table borrowed; it must pass the verifier as a bundle would */
  pol_Program q = *p;
  q.code = code;
  q.ncode = n;
  q.blocks = blocks;
  q.wit = wit;
  if (pol_verify(&q, err, errlen) != 0) goto out;
  vm->lean = code;
  vm->nlean = n;
  vm->lean_blocks = run;
  code = NULL;
  run = NULL;
  rc = 0;
out:
  free(src);
  free(keep);
  free(at);
  free(code);
  free(run);
  free(blocks);
  free(wit);
  return rc;
}

/* A set spanning more string ids than this is searched, not mapped: the
   bitmaps stay small (a set's strings are interned together, so they
   usually lie close). */
#define SET_SPAN_MAX 4096u

int pol_vm_sets_build(pol_VM *vm)
{
  const pol_Program *p = vm->p;
  if (p->nsets == 0) return 0;
  vm->setlo = calloc(p->nsets, sizeof *vm->setlo);
  vm->setspan = calloc(p->nsets, sizeof *vm->setspan);
  vm->setw0 = calloc(p->nsets, sizeof *vm->setw0);
  if (!vm->setlo || !vm->setspan || !vm->setw0) return -1;
  size_t words = 0;
  for (uint32_t i = 0; i < p->nsets; i++) {
    const uint32_t *it = p->setitems + p->set0[i];   /* in range: verified */
    uint32_t lo = POL_NOSTR, hi = 0;
    for (uint32_t j = 0; j < p->setn[i]; j++) {
      if (it[j] < lo) lo = it[j];
      if (it[j] > hi) hi = it[j];
    }
    if (p->setn[i] == 0) lo = hi = 0;   /* spans nothing: no id is in it */
    uint64_t span = p->setn[i] ? (uint64_t)hi - lo + 1 : 0;
    vm->setlo[i] = lo;
    vm->setspan[i] = span <= SET_SPAN_MAX ? (uint32_t)span : POL_NOSTR;
    vm->setw0[i] = (uint32_t)words;
    if (span <= SET_SPAN_MAX) words += (span + 63) / 64;
  }
  vm->setbits = calloc(words ? words : 1, sizeof *vm->setbits);
  if (!vm->setbits) return -1;
  for (uint32_t i = 0; i < p->nsets; i++) {
    if (vm->setspan[i] == POL_NOSTR) continue;
    const uint32_t *it = p->setitems + p->set0[i];
    for (uint32_t j = 0; j < p->setn[i]; j++) {
      uint32_t d = it[j] - vm->setlo[i];
      vm->setbits[vm->setw0[i] + d / 64] |= (uint64_t)1 << (d % 64);
    }
  }
  return 0;
}
