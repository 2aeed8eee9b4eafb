/*
 * bytecode.h -- instruction encoding and the in-memory program (a loaded or
 * freshly compiled bundle).  Shared by the compiler (which fills a
 * pol_Program) and the VM (which loads, verifies and runs one).
 *
 * Instruction layout (32 bits, little-endian in the bundle):
 *
 *     31       24 23      16 15       8 7        0
 *    +----------+----------+----------+----------+
 *    |    C     |    B     |    A     |    op    |   ABC
 *    +----------+----------+----------+----------+
 *    |         Bx          |    A     |    op    |   ABx
 *    +---------------------+----------+----------+
 *    |              Ax                |    op    |   Ax (EXTRA)
 *    +--------------------------------+----------+
 *
 * Jumps are forward only (pc += Bx, counted from the next instruction).
 *
 * Ownership: a pol_Program owns every array it points to; pol_program_free
 * releases them all.  Strings are NUL-terminated and also carry a length.
 */
#ifndef POL_BYTECODE_H
#define POL_BYTECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "value.h"

typedef uint32_t pol_Instr;

typedef enum {
#define OP(name, fmt, a, b, c, x, doc) OP_##name,
#include "opcodes.def"
#undef OP
  OP__COUNT
} pol_Op;

typedef enum { FMT_ABC, FMT_ABx, FMT_Ax } pol_Fmt;

typedef struct pol_OpInfo {
  const char *name;
  pol_Fmt fmt;
  char a, b, c;   /* operand kinds, see opcodes.def */
  int extra;      /* EXTRA words that follow: strlen(xroles) */
  const char *xroles;   /* static: one role letter per EXTRA word, see opcodes.def */
  const char *doc;
} pol_OpInfo;

extern const pol_OpInfo pol_opinfo[OP__COUNT];

/* How many EXTRA words follow each opcode, as constants: POL_NEXTRA_COVER. */
enum {
#define OP(name, fmt, a, b, c, x, doc) POL_NEXTRA_##name = (int)sizeof x - 1,
#include "opcodes.def"
#undef OP
  POL_NEXTRA__END
};

/* The name of an EXTRA role letter of opcodes.def ("body", "window", ...);
   "?" for a letter that is not one.  Static string. */
static inline const char *pol_xrole_name(char role)
{
  switch (role) {
  case 'b': return "body";
  case 'k': return "key";
  case 's': return "start";
  case 'e': return "end";
  case 'w': return "window";
  case 'n': return "at least";
  case 'x': return "extern";
  case 'v': return "value";
  case 'f': return "fact";
  case 'c': return "value set";
  case 't': return "table keys";
  case 'K': return "table values";
  case 'q': return "constant";
  case 'g': return "record field";
  default: return "?";
  }
}

/* Whether role letter r names a block (body, key, start, end, value). */
#define POL_XROLE_BLOCK(r) ((r) == 'b' || (r) == 'k' || (r) == 's' || (r) == 'e' || (r) == 'v')

/* The Ax of the EXTRA word with role letter `role` of the instruction at
   ins (which must have one: verified code).  Borrowed ins. */
static inline uint32_t pol_extra_at(const pol_Instr *ins, char role)
{
  const char *roles = pol_opinfo[(*ins) & 0xffu].xroles;
  uint32_t i = 0;
  while (roles[i] && roles[i] != role) i++;
  return (ins[1 + i] >> 8) & 0xffffffu;
}

#define POL_OP(i)  ((pol_Op)((i) & 0xffu))
#define POL_A(i)   (((i) >> 8) & 0xffu)
#define POL_B(i)   (((i) >> 16) & 0xffu)
#define POL_C(i)   (((i) >> 24) & 0xffu)
#define POL_Bx(i)  (((i) >> 16) & 0xffffu)
#define POL_Ax(i)  (((i) >> 8) & 0xffffffu)

#define POL_MK_ABC(op, a, b, c) \
  ((pol_Instr)(op) | ((pol_Instr)(a) << 8) | ((pol_Instr)(b) << 16) | ((pol_Instr)(c) << 24))
#define POL_MK_ABx(op, a, bx) \
  ((pol_Instr)(op) | ((pol_Instr)(a) << 8) | ((pol_Instr)(bx) << 16))
#define POL_MK_Ax(op, ax) ((pol_Instr)(op) | ((pol_Instr)(ax) << 8))

#include "pol_limits.h"   /* POL_MAX_REGS, POL_MAX_DEPTH, POL_MAX_ARGS, ... */

/*
 * Type codes (facts, record fields, constants):
 *   bits 0-7  kind (pol_Kind)
 *   bits 8-15 element kind, for PK_LIST
 *   bits 16-31 record type index, for PK_REC and lists of records
 */
typedef enum {
  PK_NONE = 0, PK_BOOL, PK_NUM, PK_STR, PK_DATE, PK_DUR, PK_WIN, PK_SET,
  PK_LIST, PK_REC, PK__COUNT
} pol_Kind;

#define POL_TKIND(t)  ((pol_Kind)((t) & 0xffu))
#define POL_TELEM(t)  ((pol_Kind)(((t) >> 8) & 0xffu))
#define POL_TREC(t)   ((uint32_t)(t) >> 16)
#define POL_TYPE(kind, elem, rec) \
  ((uint32_t)(kind) | ((uint32_t)(elem) << 8) | ((uint32_t)(rec) << 16))

/* A record type: the shape of the items of a list fact. */
typedef struct pol_Field {
  uint32_t name;   /* string id: JSON key of the item object */
  uint32_t type;   /* type code */
} pol_Field;

typedef struct pol_RecType {
  uint32_t name;     /* string id */
  uint32_t path;     /* string id: where it is used, e.g. "injections[]" */
  uint32_t nfields;
  pol_Field *fields; /* owned */
} pol_RecType;

/* A fact: a typed slot filled from a JSON path of the case. */
enum { POL_SCOPE_CASE = 0, POL_SCOPE_LINE = 1 };
typedef struct pol_Fact {
  uint32_t name;   /* string id */
  uint32_t path;   /* string id: dotted path, e.g. "symptoms.pain_nrs";
                      scope LINE paths are relative to the request line */
  uint32_t type;
  uint32_t scope;
} pol_Fact;

/* A block of code: a criterion body, a branch condition or a quantifier body. */
typedef struct pol_Block {
  uint32_t start;  /* index into code[] */
  uint32_t len;    /* instruction count, EXTRA words included */
  uint32_t nregs;  /* frame size it needs */
} pol_Block;

/* Evidence descriptor: what an EVID instruction records. */
typedef struct pol_Evid {
  uint32_t fact;      /* string id: the fact path shown to the reviewer */
  uint32_t expected;  /* string id, or POL_NOSTR */
  uint32_t query;     /* string id: the list query's source text, or POL_NOSTR */
} pol_Evid;

/* Witness descriptor (section WITN, 2.2): how the trace finds the items
   that decided a list operation (a quantifier, count, count distinct,
   coverage) whose result an EVID records.  Generic over the opcode: the
   operation is the instruction at code[pc], whose B register holds the
   list, C register the item and whose EXTRA words name its blocks
   (opcodes.def); `kind` says which items decide it (pol_WitKind).  Its
   data are words of witdata[data0 ..]: nfields field indices of the item's
   record the predicate tested, then nconj pairs (block, text string id),
   the top-level conjuncts of the predicate ("closest"), then ninner
   witness indices: the list operations nested in its body. */
typedef enum {
  PW_FIRST_TRUE = 0,   /* exists: the first item whose body is true; if none
                          and the result is false, the closest item */
  PW_FIRST_FALSE,      /* every: the first item whose body is false */
  PW_COLLECT,          /* count, count distinct, sum, coverage, longest run,
                          longest gap: the items counted (body true), and
                          those that may count (unknown) */
  PW_PICK,             /* (2.3) latest, earliest: the item whose value is
                          the result, when the result is known */
  PW__COUNT
} pol_WitKind;

typedef struct pol_Witness {
  uint32_t evid;      /* the evidence descriptor it explains, or POL_NOSTR
                         for a list operation nested in another's body */
  uint32_t pc;        /* index into code[] of the list operation */
  uint32_t kind;      /* pol_WitKind */
  uint32_t list;      /* string id: the list as the trace names it */
  uint32_t lfield;    /* nested (evid POL_NOSTR): the list is this field of
                         the enclosing operation's item, else POL_NOSTR (not
                         explained) */
  uint32_t data0;     /* into witdata[] */
  uint32_t nfields, nconj, ninner;
} pol_Witness;

/* Evidence groups (section WITN, 2.2): the operands of a root-level
   `and`, `or` or `at least` whose evidence record says their truth (a bool
   fact, a quantifier, `not` of either).  evgrp[e] (nevgrp is 0 or nevid):
   0, or the group's index + 1 with POL_EVGRP_NEG if the operand is the
   negation of the value recorded.  grp[g]: pol_GroupKind | k << 8 (at
   least k) | operands << 16.  The trace shows only the evidence of the
   operands that decided the group's value (docs/cli.md). */
typedef enum { PG_AND = 0, PG_OR, PG_ATLEAST, PG__COUNT } pol_GroupKind;
#define POL_EVGRP_NEG 0x80000000u

/* Criteria: leaves have a block; composites combine their children. */
typedef enum {
  PC_LEAF = 0, PC_ALL, PC_ANY, PC_ATLEAST
} pol_CritKind;

enum {
  POL_CRIT_EXCLUSION = 1u << 0,
  POL_CRIT_PREREQ = 1u << 1     /* a prerequisite of the request (2.2): listed
                                   first among the top-level criteria of every
                                   main branch it governs; while it fails (or is
                                   unknown) no line it governs is approved */
};

typedef struct pol_Crit {
  uint32_t id;        /* string id: outline id, "I.B.4.a" */
  uint32_t text;      /* string id */
  uint32_t file;      /* string id: source file */
  uint32_t line, col; /* source position of the clause */
  uint32_t kind;      /* pol_CritKind */
  uint32_t k;         /* for PC_ATLEAST */
  uint32_t flags;     /* POL_CRIT_* */
  uint32_t tags;      /* bit set over the policy's tag names */
  uint32_t block;     /* leaves: block index; composites: POL_NOSTR */
  uint32_t parent;    /* criterion index or POL_NOSTR */
  uint32_t child0;    /* index into crit_children[] */
  uint32_t nchildren;
  uint32_t cite;      /* string id of a citation, or POL_NOSTR */
  uint32_t next;      /* string id: the next step that would resolve a
                         failure (e.g. "obtain a cotinine lab"), or POL_NOSTR */
  uint32_t english;   /* string id: the logic in plain English, as `polc doc`
                         writes it (section NOTE, 2.2), or POL_NOSTR */
} pol_Crit;

/* A branch: the criteria that judge a line when its condition holds. */
typedef struct pol_Branch {
  uint32_t name;      /* string id */
  uint32_t text;      /* string id */
  uint32_t aspect;    /* string id: an `assess` block judging one more
                         aspect of the line (e.g. level of care), or
                         POL_NOSTR for a main branch */
  uint32_t cond;      /* block index; the first main branch whose condition
                         is true judges the line; every assess block whose
                         condition is true adds a determination */
  uint32_t crit0;     /* index into branch_crit[] (top-level criteria) */
  uint32_t ncrit;
  uint32_t each;      /* block computing the list of a `for each`, or
                         POL_NOSTR */
  uint32_t ecrit0;    /* index into branch_crit[]: per-item criteria */
  uint32_t necrit;
  uint32_t when;      /* string id: the condition's source text (section
                         ELSE), or POL_NOSTR */
} pol_Branch;

/* The fields an `authorize` block states (vm/authfields.def). */
typedef enum {
#define AUTHF(N, s, kind, req) POL_AUTH_##N,
#include "authfields.def"
#undef AUTHF
  POL_AUTH__COUNT
} pol_AuthField;

/* One field of the `authorize` block of a branch (main or assess): what a
   line the branch approves is authorized for (section AUTH, 2.2).  The
   entries of a program are sorted by (branch, field), each pair once. */
typedef struct pol_Auth {
  uint32_t branch;    /* branch index */
  uint32_t field;     /* pol_AuthField */
  uint32_t block;     /* computes the authorized value */
  uint32_t reqfact;   /* fact slot (scope LINE) holding what the request
                         line asked for, or POL_NOSTR (a field a request
                         does not state: `per`) */
} pol_Auth;

/* A FHIR binding (section FHIR, 2.3; docs/fhir.md): which elements of
   which FHIR resources fill the case path `target`.  All string ids.
   source: "Claim.item", "Patient", "Observation" (a resource type, then
   elements to descend into).  where: the coded element the `where` tests,
   or POL_NOSTR; its "system|code" strings are fhirstr[code0 .. code0 +
   ncodes).  The maps are fhirstr[map0 .. map0 + 4 * nmap), four ids each:
   the record field (POL_NOSTR for a scalar binding), the element path,
   the conversion ("age", "quantity") or POL_NOSTR, its argument or
   POL_NOSTR.  A list binding (flags 1) makes one record per node.  2.4:
   with POL_FHIR_VSET the `where` tests a value set instead (`where code
   in RA_DX`): code0 is its index in vs[], ncodes 0. */
typedef struct pol_FhirBind {
  uint32_t target, source, where;
  uint32_t code0, ncodes;
  uint32_t map0, nmap;
  uint32_t flags;     /* POL_FHIR_LIST, POL_FHIR_VSET */
} pol_FhirBind;

#define POL_FHIR_LIST 1u    /* a list of records, one per node */
#define POL_FHIR_VSET 2u    /* 2.4: `where ELEMENT in VALUESET` (code0: the value set) */

/* The spelling of field f ("quantity"), "?" out of range; the kind of its
   value; the request line's key for it (NULL: none).  Static strings. */
const char *pol_auth_name(uint32_t f);
pol_Kind pol_auth_kind(uint32_t f);
const char *pol_auth_request_key(uint32_t f);
/* The field spelled name, or -1. */
int pol_auth_find(const char *name);

/* A next step (`next "..."`, 2.2): what the document says to do before
   the request can be approved, shown in the trace of every line the
   policy (branch POL_NOSTR) or the branch judges that is not approved.
   Sorted by policy, then in source order. */
typedef struct pol_Step {
  uint32_t policy;    /* policy index */
  uint32_t branch;    /* branch index (of that policy), or POL_NOSTR */
  uint32_t text;      /* string id */
} pol_Step;

/* A reviewer-chosen parameter a criterion reads (`param NAME = VALUE
   "WHY"`, docs/language.md "Reviewer-chosen parameters"): a value the
   policy document does not state.  Section PARM (2.3), sorted by crit. */
typedef struct pol_Chosen {
  uint32_t crit;      /* criterion index (a leaf that reads it) */
  uint32_t name;      /* string id: the param's name */
  uint32_t value;     /* string id: its value, in words (`polc doc`) */
  uint32_t why;       /* string id: the reason it was chosen */
} pol_Chosen;

typedef struct pol_Policy {
  uint32_t id, title, version, source;   /* string ids */
  int32_t effective;                     /* days */
  uint32_t code0, ncodes;                /* into codes[] (string ids) */
  uint32_t plan0, nplans;                /* into codes[]: the plans (request.plan)
                                            it is limited to; 0 = any plan */
  uint32_t branch0, nbranches;           /* into branches[] */
  uint32_t crit0, ncrit;                 /* its criteria, contiguous */
  uint32_t tag0, ntags;                  /* into tagnames[]: bit i of a
                                            criterion's tags */
  uint32_t dec0, ndec;                   /* into dec[]: the decision rules,
                                            0 words = the default rule */
  uint32_t otherwise;                    /* pol_Outcome of a line no branch
                                            applies to: PO_DENY, PO_PEND or
                                            PO_REFER (section ELSE) */
  uint32_t otherwise_text;               /* string id: its reason, or
                                            POL_NOSTR */
} pol_Policy;

/*
 * Decision rules, in dec[]: each rule is a header word
 *   outcome (pol_Outcome, bits 0-7) | number of condition words (bits 8-31)
 * followed by its condition in postfix, one word each:
 *   op (pol_DecOp, bits 24-31) | tag bit (bits 0-7).
 * The first rule whose condition holds gives the outcome; a rule with no
 * condition words always holds (`otherwise`).
 */
/* The outcomes a policy may write: the authored lines of vm/outcomes.def. */
#define POL_OUTCOME_1(N, s) PO_##N,
#define POL_OUTCOME_0(N, s)
typedef enum {
#define OUTCOME(N, s, authored, meaning) POL_OUTCOME_##authored(N, s)
#include "outcomes.def"
#undef OUTCOME
  PO__COUNT
} pol_Outcome;
#undef POL_OUTCOME_1
#undef POL_OUTCOME_0

/* The spelling of outcome o ("approve"), "outcome?" out of range; and the
   outcome spelled name, -1 if none.  Static strings; borrowed name. */
const char *pol_outcome_name(pol_Outcome o);
int pol_outcome_find(const char *name);
typedef enum {
  PDC_FAILED, PDC_UNKNOWN, PDC_ANY_FAILED_TAG, PDC_EVERY_FAILED_TAG, PDC_ANY_UNKNOWN_TAG,
  PDC_AND, PDC_OR, PDC_NOT, PDC__COUNT
} pol_DecOp;

/* A value set (section VSET, 2.2): the codes of one system, as the sorted,
   disjoint, non-empty half-open ranges vsr[r0 .. r0+nr) over normal forms
   (vm/codes.h). */
typedef struct pol_VSet {
  uint32_t name;      /* string id: its name in the source, "RA_DX" */
  uint32_t title;     /* string id */
  uint32_t system;    /* pol_CodeSys (vm/codesystems.def) */
  uint32_t r0, nr;    /* into vsr[] */
} pol_VSet;

typedef struct pol_VRange {
  uint32_t lo, hi;    /* string ids: lo <= code < hi (strcmp) */
} pol_VRange;
/* The notice texts a plan may set (vm/notice_texts.def). */
typedef enum {
#define NOTICE_TEXT(N, key, heading, dflt) POL_NT_##N,
#include "notice_texts.def"
#undef NOTICE_TEXT
  POL_NT__COUNT
} pol_NoticeText;

/* Whether a plan's adverse determinations are final or recommendations
   for a physician reviewer (docs/language.md "Plans"; section NOTE). */
enum { POL_DENIALS_BUNDLE = 0,        /* the bundle's default (pol_Program.denials) */
       POL_DENIALS_FINAL = 1,
       POL_DENIALS_RECOMMENDED = 2 };

/* A `plan "NAME" { ... }` declaration (section NOTE, 2.2). */
typedef struct pol_PlanDecl {
  uint32_t name;                   /* string id: the request.plan it configures */
  uint32_t denials;                /* POL_DENIALS_* */
  uint32_t text[POL_NT__COUNT];    /* string ids, or POL_NOSTR: the default */
} pol_PlanDecl;

/* An extern (native) function called through libffi. */
typedef struct pol_Extern {
  uint32_t name;      /* string id: C symbol */
  uint32_t lib;       /* string id: shared library file name */
  uint32_t ret;       /* type code: PK_BOOL, PK_NUM, PK_STR or PK_DATE */
  uint32_t nargs;
  uint32_t args[POL_MAX_ARGS];   /* type codes */
} pol_Extern;

/* A shared library the externs call, pinned by the SHA-256 of its file
   (section XLIB, docs/bundle-format.md; docs/security.md). */
typedef struct pol_ExternLib {
  uint32_t lib;         /* string id: the file name, as in pol_Extern.lib */
  uint8_t sha256[32];   /* of the whole file, computed by polc */
} pol_ExternLib;

typedef struct pol_Program {
  /* strings: str[i] is NUL-terminated, strlen_[i] its length */
  uint32_t nstr;
  char **str;
  uint32_t *slen;
  char *strbuf;            /* owned, or NULL: each str[i] is its own allocation;
                              else they all point into strbuf (the loader's
                              one block: vm/bundle_load.c rd_strs) */
  size_t strbuf_len;       /* strbuf's bytes when it is the bundle itself
                              (pol_bundle_load_owned), else 0: the word
                              arrays (TABLE in sections.def) that point into
                              it are not freed on their own (rd_u32s) */
  /* constants */
  uint32_t nk;
  pol_Value *k;
  /* constant string sets: set i is setitems[set0[i] .. set0[i]+setn[i]),
     sorted string ids */
  uint32_t nsets;
  uint32_t *set0, *setn;
  uint32_t nsetitems;
  uint32_t *setitems;
  /* schema */
  uint32_t nrec;
  pol_RecType *rec;
  uint32_t nfacts;
  pol_Fact *facts;
  /* code */
  uint32_t ncode;
  pol_Instr *code;
  uint32_t nblocks;
  pol_Block *blocks;
  uint32_t nevid;
  pol_Evid *evid;
  /* witness descriptors (section WITN, optional: none before 2.2) */
  uint32_t nwit;
  pol_Witness *wit;
  uint32_t nwitdata;
  uint32_t *witdata;
  uint32_t nevgrp;         /* evidence groups (WITN) */
  uint32_t *evgrp;
  uint32_t ngrp;
  uint32_t *grp;
  /* criteria and policies */
  uint32_t ncrit;
  pol_Crit *crit;
  uint32_t nchildren;
  uint32_t *crit_children;
  uint32_t nbranches;
  pol_Branch *branches;
  uint32_t nbranch_crit;
  uint32_t *branch_crit;
  uint32_t ncodes;
  uint32_t *codes;
  uint32_t npol;
  pol_Policy *pol;
  uint32_t ntagnames;
  uint32_t *tagnames;      /* string ids */
  uint32_t ndec;
  uint32_t *dec;
  uint32_t next;
  pol_Extern *ext;
  uint32_t nxlib;          /* one per distinct pol_Extern.lib; 0 iff next is 0 */
  pol_ExternLib *xlib;
  uint32_t nauth;          /* `authorize` fields, sorted by (branch, field) */
  pol_Auth *auth;
  /* value sets (section VSET, 2.2; none in an older bundle) */
  uint32_t nvs;
  pol_VSet *vs;
  uint32_t nvsr;
  pol_VRange *vsr;
  uint32_t npolvs;         /* 0, or npol: polvs[i] is the value set of the
                              codes policy i covers by range or family
                              (`codes "97110" .. "97546"`), or POL_NOSTR */
  uint32_t *polvs;
  uint32_t nsteps;         /* next steps of policies and branches (NEXT, 2.2) */
  pol_Step *steps;
  uint32_t nchosen;        /* reviewer-chosen parameters read by criteria (PARM, 2.3) */
  pol_Chosen *chosen;
  /* section NOTE (2.2): the bundle-wide denials rule (POL_DENIALS_FINAL
     or _RECOMMENDED) and the plan declarations */
  uint32_t denials;
  uint32_t nplandecl;
  pol_PlanDecl *plandecl;
  uint32_t nfhir;          /* FHIR bindings (section FHIR, 2.3), in source order */
  pol_FhirBind *fhir;
  uint32_t nfhirstr;       /* their string ids (pol_FhirBind) */
  uint32_t *fhirstr;
  /* metadata */
  uint32_t built;          /* string id: ISO timestamp */
  uint8_t sha256[32];      /* over the content sections, set by write/load */
  /* the optional SIGN section (docs/bundle-format.md), set by load */
  uint8_t sig;             /* POL_SIG_NONE, POL_SIG_VALID or POL_SIG_BAD */
  uint8_t signer[32];      /* its Ed25519 public key, when sig != POL_SIG_NONE */
  /* the writer's pre-built fragments (vm/frag.h), made on first use and
     owned by the program; not part of the bundle */
  struct pol_Frags *frags;
} pol_Program;

/* pol_Program.sig.  POL_SIG_BAD exists only when the loader was asked to
   keep such a bundle for a report (pol_bundle_load_ex); never run it. */
enum { POL_SIG_NONE = 0, POL_SIG_VALID = 1, POL_SIG_BAD = 2 };

void pol_program_free(pol_Program *p);

/* Writes a readable listing of every block to f. */
void pol_disasm(const pol_Program *p, FILE *f);

#endif
