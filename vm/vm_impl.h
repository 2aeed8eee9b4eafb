/*
 * vm_impl.h -- the VM's private state, shared by exec.c and ffi.c.
 */
#ifndef POL_VM_IMPL_H
#define POL_VM_IMPL_H

#include "vm.h"

typedef struct pol_Native pol_Native;   /* ffi.c: one bound extern */
typedef struct pol_XChunk pol_XChunk;   /* ffi.c: arena of extern string results */
typedef struct pol_LChunk pol_LChunk;   /* exec.c: arena of the lists LIST and PERIODS make */

/* One word of the code as run() runs it (exec.c, pol_vm_widen): the same
   positions as the 32-bit code it comes from (jumps, block starts and
   EXTRA words unchanged), its operands decoded once when the VM is made
   instead of at every dispatch: a register operand (kinds W, R, I) as
   its byte offset in the frame (index * sizeof (pol_Value)), a constant
   or fact slot (K, F) as its byte offset in its table, every other
   operand as it is.  An EXTRA word keeps its Ax in x. */
typedef struct pol_Wide {
  uint8_t op;                 /* the opcode (OP_EXTRA for an EXTRA word) */
  uint8_t spare;              /* 0 */
  uint16_t a;                 /* A */
  union {
    struct { uint16_t b, c; } bc;   /* ABC: B and C */
    uint32_t x;               /* ABx: Bx; Ax: Ax */
  } u;
} pol_Wide;

/* The opcodes of the decoded code (pol_Wide.op): the bundle's, each also
   named OPW_name, then those of the decoded code only (wide.def: its own,
   and the superinstructions OPW_first_then), which run() has a label for
   and the bundle format never holds. */
enum {
#define OP(name, fmt, a, b, c, x, doc) OPW_##name = OP_##name,
#include "opcodes.def"
#undef OP
  OPW__BUNDLE = OP__COUNT - 1,
#define OPW(name, doc) OPW_##name,
#define FUSE(first, then) OPW_##first##_##then,
#include "wide.def"
#undef OPW
#undef FUSE
  OPW__COUNT
};

/* A date interval, scratch for COVER. */
typedef struct pol_Ival {
  int32_t lo, hi;
} pol_Ival;

/* The routing index: one entry per (code, policy covering it), sorted by
   code string id, then policy index (exec.c, route). */
typedef struct pol_Route {
  uint32_t code;
  uint32_t pol;
} pol_Route;

struct pol_VM {
  const pol_Program *p;
  pol_Route *routes;          /* nroutes entries, built by pol_vm_new */
  uint32_t nroutes;
  /* routing by range (`codes "97110" .. "97546"`, families, value sets):
     the sorted distinct bounds of every policy's ranges cut the codes
     into segments [bound[k], bound[k+1]); segment k is covered by the
     policies segpol[seg0[k] .. seg0[k+1]) (exec.c, build_range_routes) */
  const char **bound;         /* nbound strings, borrowed from the program */
  uint32_t nbound;
  uint32_t *seg0;             /* nbound + 1 entries (NULL when nbound is 0) */
  uint32_t *segpol;
  uint32_t *seg_of;           /* route(): the range segment (k) of each bundle
                                 string as a line code, p->nstr entries
                                 (POL_NOSTR: not yet seen); NULL without bounds */
  uint32_t *recnf;            /* nrec entries: the fields of each record type
                                 (p->rec[t].nfields, for FIELD's check) */
  uint32_t nrec;              /* p->nrec */
  pol_Value *regs;            /* one frame: max nregs over all blocks */
  uint32_t nregs;             /* its size; cleared to unknown per case */
  const pol_Value *slots;     /* fact slots of the line being judged */
  int tracing;
  /* the code run() runs: the program's, or while tracing is off the
     no-trace code (lean.c: without EVID), built by the first untraced
     pol_vm_eval (lean NULL: none, or not yet).  lean_blocks[nblocks]: the
     blocks' starts in it, each with its original length (what the budget
     charges a run of the block) */
  const pol_Instr *run_code;
  const pol_Block *run_blocks;
  pol_Instr *lean;
  pol_Block *lean_blocks;
  uint32_t nlean;             /* words of lean */
  int lean_tried;
  /* run_code as run() reads it (pol_Wide, word for word): wide_code of
     p->code, made with the VM; wide_lean of lean, made with it */
  const pol_Wide *run_wide;
  pol_Wide *wide_code, *wide_lean;
  /* per block of wide_code, whether it is decoded (exec.c widen_block:
     a block when it first runs; until then its first word is
     OPW_DECODE); wide_lean is decoded whole */
  uint8_t *wide_done;
  uint8_t *lean_read;         /* exec.c, read_shapes: per block of the no-trace
                                 code, whether COVER, RUN and GAP read it in
                                 place (a field, or a field else a fact) or
                                 run it; NULL: run every block */
  /* constant sets as bitmaps (lean.c, pol_vm_sets_build): string id s is
     in set i iff s - setlo[i] < setspan[i] and bit s - setlo[i] of
     setbits[setw0[i]...] is 1; setspan[i] POL_NOSTR: too sparse, searched
     (exec.c, in_set).  NULL when the program has no sets. */
  uint32_t *setlo, *setspan, *setw0;
  uint64_t *setbits;
  uint64_t budget, left;
  int out_of_budget;          /* set once left cannot pay: every loop and
                                 block stops at once, the case fails */
  uint64_t visits;            /* items the loops visited since the budget was
                                 reset: each is paid for first, so never more
                                 than the budget (the oracle of the fuzz
                                 target fuzz_program) */
  /* the first arithmetic result beyond the range of numbers (decimal.h):
     the case cannot be judged (pol_vm_eval says why, from these) */
  int overflow;
  pol_Op ovf_op;              /* ADD, SUB, MUL, DIV or FLOOR */
  pol_Dec ovf_a, ovf_b;
  uint32_t ovf_crit;          /* the criterion being judged, or POL_NOSTR */
  uint32_t at_crit;           /* the leaf criterion running, or POL_NOSTR */
  /* trace records for the case being judged */
  pol_EvRec *ev;
  uint32_t nev, capev;
  pol_Missing *miss;
  uint32_t nmiss, capmiss;
  /* witnesses (witness.c): on or off, which descriptor explains each
     evidence descriptor (evwit[nevid], POL_NOSTR: none), the records, the
     work they may still take in this case (their own budget: tracing
     never changes a result), and scratch for count distinct's keys */
  int witnessing;
  uint32_t *evwit;
  pol_WitRec *wr;
  uint32_t nwr, capwr;
  uint64_t wit_left;
  pol_Value *wkeys;
  uint32_t capwkeys;
  uint32_t miss_floor;        /* the current criterion's first record */
  /* results */
  pol_LineResult *lines;
  uint32_t caplines;
  pol_CritResult *crit;       /* lines x max policy ncrit */
  uint32_t capcrit;
  uint32_t maxpolcrit;
  pol_CritResult *cond;       /* lines x max policy nbranches */
  uint32_t capcond;
  uint32_t maxpolbr;
  /* `for each` items: results and their criteria */
  pol_ItemResult *items;
  uint32_t capitems;
  pol_CritResult *itemcrit;
  size_t capitemcrit;
  pol_Value cur;              /* the item being judged (CUR) */
  /* scratch for COUNTD and COVER, grown only when a list is larger than
     any seen before */
  pol_Value *keys;
  uint8_t *keysure;
  uint32_t capkeys, nkeys;    /* nkeys: top of the COUNTD stack */
  /* the last date +- duration (exec.c, arith): a quantifier body computes
     the same `request_date - 12 months` for every item; calendar-month
     arithmetic is the dearest step of an evaluation, so it is done once
     per distinct (date, months, days).  dm_ok 0: none yet */
  int dm_ok;
  int32_t dm_date, dm_res;
  int64_t dm_months, dm_days;
  pol_Ival *ivals;
  uint32_t capivals, nivals;  /* nivals: top of the COVER stack */
  /* SETLIST: every constant set as a list of its strings, built on first
     use (setlists[p->nsets], their items setvals[p->nsetitems]) */
  pol_List *setlists;
  pol_Value *setvals;
  /* externs: natives[p->next]; libs and libfds [p->nxlib], the first
     nlibs of them open (dlopen handles, the descriptors they map) */
  pol_Native *natives;
  void **libs;
  int *libfds;
  uint32_t nlibs;
  pol_XChunk *xstr, *xcur;    /* string results; xcur: the one in use */
  pol_LChunk *lists;          /* lists made by LIST and PERIODS, owned here:
                                 reused from the start at each case (values
                                 pointing into them live no longer) */
};

pol_Value pol_native_call(pol_VM *vm, uint32_t ext, const pol_Value *args);
/* lean.c: builds vm->lean and vm->lean_blocks and verifies them with the
   program's tables; 0, or -1 (nothing built; a reason in err) */
int pol_vm_lean_build(pol_VM *vm, char *err, size_t errlen);
/* lean_opt.c: rewrites the no-trace code in place before lean.c compacts
   it: code[] (a copy of p->code, same positions) and keep[] (0: the word
   is dropped).  0, or -1 when out of memory (code and keep half done). */
int pol_lean_optimize(const pol_Program *p, pol_Instr *code, uint8_t *keep);
/* lean.c: builds vm->setlo .. setbits; 0, or -1 when out of memory */
int pol_vm_sets_build(pol_VM *vm);
/* exec.c: runs a block on the current frame (for witness.c). */
pol_Value pol_vm_run_block(pol_VM *vm, uint32_t block);
/* witness.c: appends the witness records of descriptor w for the
   evidence record just noted (vm->ev[vm->nev - 1]). */
void pol_witness_note(pol_VM *vm, uint32_t w);
void pol_natives_free(pol_VM *vm);
/* Before each case: the string results of the last one are dropped. */
void pol_natives_reset(pol_VM *vm);

#endif
