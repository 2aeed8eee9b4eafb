/*
 * vm.h -- evaluating a verified program over a loaded case.
 *
 * pol_vm_eval judges every request line of a case: it routes the line to
 * the policy covering its code on its date, picks the branch whose
 * condition holds, evaluates every criterion of that branch (Kleene
 * three-valued logic) and applies the decision rule.  With tracing on it
 * also records, per criterion, the evidence (fact values the clause
 * looked at) and the facts found missing.
 *
 * Ownership: the VM borrows the program and the case; results point into
 * the VM and stay valid until the next pol_vm_eval on the same VM.  After
 * warm-up, evaluation allocates nothing.
 */
#ifndef POL_VM_H
#define POL_VM_H

#include <stdint.h>

#include "bytecode.h"
#include "case.h"

typedef enum {   /* vm/outcomes.def: names and meanings */
#define OUTCOME(N, s, authored, meaning) PD_##N,
#include "outcomes.def"
#undef OUTCOME
} pol_Det;

/* The determination of each outcome a policy may write (pol_Outcome). */
extern const pol_Det pol_outcome_det[PO__COUNT];

typedef enum {
  PS_NOT_MET = 0, PS_MET = 1, PS_UNKNOWN = 2, PS_NA = 3
} pol_Status;

/* One piece of evidence: EVID descriptor and the value seen; with
   witnesses on, the records [wit0, wit0 + nwit) of pol_vm_witnesses
   explain it (nwit 0: none). */
typedef struct pol_EvRec {
  uint32_t evid;
  pol_Value v;
  uint32_t wit0, nwit;
} pol_EvRec;

/* What a witness record says of its item (docs/cli.md "Witnesses"). */
typedef enum {
  PWR_WITNESS,   /* the item that decided the result: the first whose
                    predicate is true (exists), false (every) */
  PWR_CLOSEST,   /* exists, false: the item satisfying the most conjuncts */
  PWR_COUNTED,   /* count, coverage: an item counted */
  PWR_UNKNOWN    /* count, coverage: an item that may count (unknown) */
} pol_WitRole;

/* One witness record: an item of a list (or, index POL_NOSTR, how many
   more items of its role were not listed). */
typedef struct pol_WitRec {
  uint32_t wit;        /* the descriptor (pol_Program.wit) */
  uint32_t parent;     /* the record whose item holds this list, or POL_NOSTR */
  uint32_t role;       /* pol_WitRole */
  uint32_t index;      /* the item's position in the list, from 0 */
  uint32_t more;       /* index POL_NOSTR: items of this role not listed */
  uint32_t lacked;     /* bit k: conjunct k of the predicate was false */
  uint32_t unknown;    /* bit k: conjunct k was unknown */
  pol_Value item;
} pol_WitRec;

/* A missing fact: a fact slot (rec == POL_NOSTR) or a field of a record
   type (rec = record type index, idx = field index). */
typedef struct pol_Missing {
  uint32_t rec;   /* a record type (idx its field), POL_NOSTR (idx a fact
                     slot) or POL_MISS_REASON (idx a string constant: the
                     reason of an `unknown "…"` or of a table without the key) */
  uint32_t idx;
} pol_Missing;
#define POL_MISS_REASON (POL_NOSTR - 1u)

typedef struct pol_CritResult {
  uint8_t status;             /* pol_Status */
  uint32_t ev0, nev;          /* into pol_LineResult's VM evidence */
  uint32_t miss0, nmiss;
} pol_CritResult;

/* One item of a `for each`: its value, determination and the results of
   the per-item criteria (indexed like pol_LineResult.crit). */
typedef struct pol_ItemResult {
  pol_Value item;
  pol_Det det;
  pol_CritResult *crit;
} pol_ItemResult;

/* One `assess` block that applied to the line (e.g. level of care). */
typedef struct pol_AspectResult {
  uint32_t branch;
  pol_Det det;
} pol_AspectResult;

/* One field of a line's authorization (docs/language.md,
   "Authorizations"): what the `authorize` block of the judging branch or
   of an assess block that applied states, beside what the request line
   asked for. */
typedef struct pol_AuthResult {
  uint32_t branch;            /* the branch whose `authorize` states it */
  pol_Value value;            /* the authorized value; PV_UNK: unknown, the
                                 line pends (auth_open) */
  pol_Value requested;        /* what the request line asked for; PV_UNK:
                                 the request does not say */
  uint32_t miss0, nmiss;      /* facts the value was missing (unknown only) */
} pol_AuthResult;

/* Which main branch judges a routed line. */
typedef enum {
  PB_SELECTED,   /* branch: the first whose condition is true, every
                    condition before it false */
  PB_UNKNOWN,    /* a condition before the first true one (or before the
                    end) is unknown: which branch judges is open, pend */
  PB_NONE        /* every condition false: the policy's `otherwise` */
} pol_BranchState;

typedef struct pol_LineResult {
  uint32_t line;              /* index into the case's lines */
  uint32_t policy;            /* program policy index or POL_NOSTR */
  uint32_t branch;            /* program branch index or POL_NOSTR */
  pol_BranchState bstate;     /* routed lines only */
  pol_CritResult *cond;       /* routed lines: one per branch of the policy
                                 (main and assess, in policy order), its
                                 condition: met = true, not_met = false,
                                 unknown, or not_applicable (not evaluated);
                                 with its missing facts */
  pol_Det det;                /* the line's determination, items included */
  pol_Det line_det;           /* from the line-level criteria alone */
  pol_CritResult *crit;       /* policy's ncrit results, in policy order */
  int items_known;            /* 0: the `for each` list is unknown */
  uint32_t nitems;
  pol_ItemResult *items;
  uint32_t naspects;
  pol_AspectResult aspects[POL_MAX_ASPECTS];
  /* the authorization of a line approved (or partial) by its criteria:
     bit f of authmask says auth[f] is stated (pol_AuthField) */
  uint32_t authmask;
  int auth_open;              /* an authorized value is unknown: det is pend */
  pol_AuthResult auth[POL_AUTH__COUNT];
  int recommended;            /* -1, or the adverse determination (deny, loi,
                                 partial: a pol_Det) that det = refer hands to
                                 a physician reviewer, the line's plan (or the
                                 bundle) making denials recommendations */
} pol_LineResult;

/* The fields of lr's authorization that differ from what was asked for:
   bit f set when the request and the authorization both state field f
   and they differ (levels compare as sets).  0: not modified. */
uint32_t pol_auth_changes(const pol_Program *p, const pol_LineResult *lr);

/* The reason a recommended adverse determination gives (trace, notice). */
#define POL_RECOMMENDED_TEXT "adverse determination recommended \xe2\x80\x94 physician review required"

/* Does a line of the plan with string id plan_id (POL_NOSTR: none) get
   recommended, not final, adverse determinations?  Its plan declaration
   says so, else the bundle's rule (polc --denials-recommended). */
int pol_denials_recommended(const pol_Program *p, uint32_t plan_id);
/* The plan declaration of plan_id, or NULL. */
const pol_PlanDecl *pol_plan_decl(const pol_Program *p, uint32_t plan_id);

typedef struct pol_VM pol_VM;

/* p is borrowed, and must not change while the VM exists (the VM keeps
   tables derived from it: routes, set bitmaps, the no-trace code).  NULL
   on out-of-memory. */
pol_VM *pol_vm_new(const pol_Program *p);
void pol_vm_free(pol_VM *vm);
/* Tracing: evidence and missing facts are recorded (off: neither).
   Turning it on also turns witnesses on. */
void pol_vm_set_trace(pol_VM *vm, int on);
/* Witnesses (with tracing on): each list operation whose result is
   evidence is explained by the items that decided it (pol_WitRec).  Off
   for output that shows no evidence (polvm eval): they cost a second pass
   over the lists. */
void pol_vm_set_witnesses(pol_VM *vm, int on);
/* Most units of work one case may take (0: the default, 10 million): an
   instruction, an item a loop visits, an item a search compares
   (docs/limits.md).  The first unit it cannot pay stops the evaluation:
   pol_vm_eval fails, pol_vm_run returns unknown.  Registers start unknown
   in every pol_vm_eval and pol_vm_run. */
void pol_vm_set_budget(pol_VM *vm, uint64_t budget);

/* Binds the program's extern functions (docs/security.md).  allow: nallow
   paths (borrowed) where libraries may be loaded from: a directory holds
   libraries by their file names, a file is the one library of its name;
   the first entry that has a library is used.  Every library must have
   the SHA-256 the bundle pinned (XLIB); all are checked before any is
   loaded, from a sealed copy of the bytes hashed, never through the
   dynamic loader's search.  Each symbol must be a function defined in
   its own library.  A program without externs binds whatever allow is;
   one with externs and nallow == 0 is refused.  0 on success; -1 and a
   reason in err (nothing stays bound).  An unbound extern yields unknown. */
int pol_vm_bind_externs(pol_VM *vm, const char *const *allow, size_t nallow, char *err,
                        size_t errlen);

/* The longest string an extern may return (bytes before its NUL); a
   longer one, an unreadable pointer or one that is not UTF-8 is unknown. */
#define POL_EXTERN_STR_MAX 65535

/* Judges every line of c.  0 on success, with *out an array of
   pol_case_nlines(c) results in line order; -1 and a reason in err if the
   instruction budget ran out, memory ran out, or an arithmetic result left
   the range of numbers (vm/decimal.h; "request line N[, criterion ID of
   POLICY]: number out of range: A * B is not within ..."). */
int pol_vm_eval(pol_VM *vm, const pol_Case *c, const pol_LineResult **out,
                char *err, size_t errlen);

/* The evidence and missing-fact records the results point into. */
const pol_EvRec *pol_vm_evidence(const pol_VM *vm);
const pol_Missing *pol_vm_missing(const pol_VM *vm);
const pol_WitRec *pol_vm_witnesses(const pol_VM *vm);
/* The program the VM runs (borrowed, as given to pol_vm_new). */
const pol_Program *pol_vm_program(const pol_VM *vm);

/* Runs one block on a fact slot array (used by tests). */
pol_Value pol_vm_run(pol_VM *vm, uint32_t block, const pol_Value *slots);

/* Does criterion ci with status st count against the line: a criterion
   not met, or an exclusion that applies? */
int pol_crit_fails(const pol_Program *p, uint32_t ci, uint8_t st);

const char *pol_det_name(pol_Det d);
const char *pol_status_name(pol_Status s);

#endif
