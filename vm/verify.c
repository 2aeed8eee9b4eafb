/*
 * verify.c -- checks a pol_Program before anything runs, so the VM can
 * index without bounds checks: tables and their cross-references, then every
 * block's code (opcodes, EXTRA words, operand kinds and ranges, forward jumps
 * to instruction boundaries, RET at the end), then the block call graph (a
 * DAG by construction: callees have higher indices; nesting depth bounded),
 * then criteria trees, branches, policies and their decision rules, and
 * last that every register is written before it is read on every path
 * (definite assignment, through the calls into a block too).  The
 * full list is in docs/bundle-format.md, "What a loaded bundle guarantees".
 *
 * The code checks read a per-opcode plan derived from pol_opinfo once per
 * call (build_plan).  A block is checked in one pass on it
 * (verify_block_fast); where that pass is not sure, the two-pass walk
 * (verify_block_slow) checks the block again and names the first rule
 * broken, so the messages do not depend on the fast path
 * (docs/performance.md, "Start-up, third pass").
 *
 * Ownership: p is borrowed and not modified; scratch memory is freed here.
 */
#include "bundle.h"
#include "codes.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What the code checks need of an opcode, derived once per pol_verify
   from pol_opinfo (opcodes.def), indexed by the opcode byte (all 256: a
   byte that is no opcode is P_BAD).  lim[] are limit classes (LIM_*): an
   operand x passes when x < the block's limit of its class, so the common
   instruction is checked with three compares; verify_instr, which makes
   the same checks one by one, says what failed and handles the rest
   (P_SLOW). */
typedef struct OpPlan {
  uint16_t flags;   /* P_* */
  uint8_t nx;       /* EXTRA words that follow */
  uint8_t lim[3];   /* limit class of A, B (or Bx), C */
  uint8_t dc;       /* DC_*: what def_block reads and writes */
} OpPlan;

typedef struct {
  const pol_Program *p;
  char *err;
  size_t errlen;
  OpPlan plan[256];
  uint32_t *blk_of;   /* check_code, for check_witnesses: see there */
  int strings_checked;   /* pol_verify_loaded: rd_strs refused NULs */
} V;

static int fail(V *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(V *v, const char *fmt, ...)
{
  if (v->err && v->errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, v->errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* A string id field: what[idx].field must name a string (or be POL_NOSTR
   when nostr_ok). */
static int str_id(V *v, uint32_t id, int nostr_ok, const char *what, uint32_t idx,
                  const char *field)
{
  if (id < v->p->nstr || (nostr_ok && id == POL_NOSTR)) return 0;
  return fail(v, "%s %u: %s%sstring id %u out of range (nstr %u)", what, idx, field,
              *field ? " " : "", id, v->p->nstr);
}

/* [A-Za-z_][A-Za-z0-9_]*, at most POL_EXTERN_LIB_NAME_MAX bytes: what the
   compiler's identifiers are, and all a symbol name needs to be. */
static int c_identifier(const char *s)
{
  size_t n = strlen(s);
  if (n == 0 || n > POL_EXTERN_LIB_NAME_MAX || (s[0] >= '0' && s[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
      return 0;
  }
  return 1;
}

/* [first, first+n) within a table of size total. */
static int range_ok(uint32_t first, uint32_t n, uint32_t total)
{
  return (uint64_t)first + n <= total;
}

/* A well-formed type code: a kind, a list's element kind, a record index
   when a record is involved; bits that do not apply must be 0.  Any kind
   is allowed here; which kinds a case can supply is a narrower rule,
   case.c's case_type_ok. */
static int type_code_ok(const pol_Program *p, uint32_t t)
{
  uint32_t k = POL_TKIND(t), e = POL_TELEM(t), r = POL_TREC(t);
  if (k >= PK__COUNT) return 0;
  if (k != PK_LIST && e != 0) return 0;
  if (k == PK_LIST && e >= PK__COUNT) return 0;
  if (k == PK_REC || (k == PK_LIST && e == PK_REC)) return r < p->nrec;
  return r == 0;
}

/* Dates the compiler can write: "YYYY-MM-DD" with a year 0001..9999. */
static int date_ok(int32_t d)
{
  return d >= pol_days_from_civil(1, 1, 1) && d <= pol_days_from_civil(9999, 12, 31);
}

static int check_arrays(V *v)
{
  const pol_Program *p = v->p;
#define NEED(n, a) \
  if ((n) && !(a)) return fail(v, "%s is %u but %s is NULL", #n, (n), #a)
#define TABLE(n, a) NEED(p->n, p->a);
#include "sections.def"
#undef NEED
  return 0;
}

static int check_tables(V *v)
{
  const pol_Program *p = v->p;
  for (uint32_t i = 0; i < p->nstr && !v->strings_checked; i++)
    if (!p->str[i] || strlen(p->str[i]) != p->slen[i])
      return fail(v, "string %u: missing, or has an embedded NUL (length %u)", i, p->slen[i]);

  for (uint32_t i = 0; i < p->nk; i++) {
    const pol_Value *k = &p->k[i];
    switch ((pol_Tag)k->tag) {
    case PV_UNK: break;
    case PV_NUM:   /* the range is symmetric: INT64_MIN is not a number */
      if (k->u.d < POL_DEC_MIN) return fail(v, "constant %u: number out of range", i);
      break;
    case PV_DUR:   /* within +-10000 years, so date arithmetic cannot overflow */
      if (k->u.r.lo < -120000 || k->u.r.lo > 120000 || k->u.r.hi < -3652425 ||
          k->u.r.hi > 3652425)
        return fail(v, "constant %u: duration %ld months %ld days beyond 10000 years", i,
                    (long)k->u.r.lo, (long)k->u.r.hi);
      break;
    case PV_DATE:
      if (!date_ok((int32_t)k->aux))
        return fail(v, "constant %u: date %ld outside 0001-01-01..9999-12-31", i, (long)(int32_t)k->aux);
      break;
    case PV_WIN:
      if (!date_ok(k->u.r.lo) || !date_ok(k->u.r.hi))
        return fail(v, "constant %u: window %ld..%ld outside 0001-01-01..9999-12-31", i,
                    (long)k->u.r.lo, (long)k->u.r.hi);
      break;
    case PV_BOOL:
      if (k->aux > 1) return fail(v, "constant %u: boolean %u is not 0 or 1", i, k->aux);
      break;
    case PV_STR:
      if (str_id(v, k->aux, 0, "constant", i, "text")) return -1;
      if (k->u.s != p->str[k->aux])
        return fail(v, "constant %u: string pointer does not match string id %u", i, k->aux);
      break;
    case PV_SET:
      if (k->aux >= p->nsets)
        return fail(v, "constant %u: set %u out of range (nsets %u)", i, k->aux, p->nsets);
      break;
    case PV_RANGE: case PV_LIST: case PV_REC: default:
      return fail(v, "constant %u: tag %u is not allowed in constants", i, k->tag);
    }
  }

  for (uint32_t i = 0; i < p->nsets; i++)
    if (!range_ok(p->set0[i], p->setn[i], p->nsetitems))
      return fail(v, "set %u: items %u+%u out of range (nsetitems %u)", i, p->set0[i],
                  p->setn[i], p->nsetitems);
  for (uint32_t i = 0; i < p->nsetitems; i++)
    if (str_id(v, p->setitems[i], 0, "set item", i, "")) return -1;

  for (uint32_t i = 0; i < p->nrec; i++) {
    const pol_RecType *r = &p->rec[i];
    if (str_id(v, r->name, 0, "record type", i, "name") ||
        str_id(v, r->path, 0, "record type", i, "path"))
      return -1;
    if (r->nfields && !r->fields) return fail(v, "record type %u: fields are NULL", i);
    for (uint32_t j = 0; j < r->nfields; j++) {
      if (r->fields[j].name >= p->nstr)
        return fail(v, "record type %u field %u: name string id %u out of range (nstr %u)",
                    i, j, r->fields[j].name, p->nstr);
      if (!type_code_ok(p, r->fields[j].type))
        return fail(v, "record type %u field %u: bad type code 0x%x", i, j, r->fields[j].type);
    }
  }

  for (uint32_t i = 0; i < p->nfacts; i++) {
    const pol_Fact *f = &p->facts[i];
    if (str_id(v, f->name, 0, "fact", i, "name") || str_id(v, f->path, 0, "fact", i, "path"))
      return -1;
    if (!type_code_ok(p, f->type)) return fail(v, "fact %u: bad type code 0x%x", i, f->type);
    if (f->scope > POL_SCOPE_LINE) return fail(v, "fact %u: bad scope %u", i, f->scope);
  }

  for (uint32_t i = 0; i < p->nevid; i++)
    if (str_id(v, p->evid[i].fact, 0, "evidence", i, "fact") ||
        str_id(v, p->evid[i].expected, 1, "evidence", i, "expected") ||
        str_id(v, p->evid[i].query, 1, "evidence", i, "query"))
      return -1;

  for (uint32_t i = 0; i < p->next; i++) {
    const pol_Extern *e = &p->ext[i];
    if (str_id(v, e->name, 0, "extern", i, "name") || str_id(v, e->lib, 0, "extern", i, "lib"))
      return -1;
    if (e->ret != PK_BOOL && e->ret != PK_NUM && e->ret != PK_STR && e->ret != PK_DATE)
      return fail(v, "extern %u: bad return type 0x%x", i, e->ret);
    if (!c_identifier(p->str[e->name]))
      return fail(v, "extern %u: name is not a C identifier", i);
    if (e->nargs > POL_MAX_ARGS)
      return fail(v, "extern %u: %u arguments, at most %d", i, e->nargs, POL_MAX_ARGS);
    for (uint32_t j = 0; j < e->nargs; j++)
      if (!type_code_ok(p, e->args[j]))
        return fail(v, "extern %u: argument %u has bad type code 0x%x", i, j, e->args[j]);
    uint32_t x = 0;
    while (x < p->nxlib && p->xlib[x].lib != e->lib) x++;
    if (x == p->nxlib)
      return fail(v, "extern %u: library %s has no SHA-256 (section XLIB; recompile with polc)", i,
                  p->str[e->lib]);
  }
  /* XLIB: exactly the libraries of the externs, each once, by a safe name */
  for (uint32_t i = 0; i < p->nxlib; i++) {
    uint32_t lib = p->xlib[i].lib;
    if (str_id(v, lib, 0, "extern library", i, "name")) return -1;
    if (!pol_extern_lib_name_ok(p->str[lib]))
      return fail(v, "extern library %u: \"%s\" is not a plain file name", i, p->str[lib]);
    for (uint32_t j = 0; j < i; j++)
      if (p->xlib[j].lib == lib) return fail(v, "extern library %u: %s listed twice", i, p->str[lib]);
    uint32_t e = 0;
    while (e < p->next && p->ext[e].lib != lib) e++;
    if (e == p->next) return fail(v, "extern library %u: %s is used by no extern", i, p->str[lib]);
  }
  return 0;
}

int pol_extern_lib_name_ok(const char *name)
{
  size_t n = strlen(name);
  if (n == 0 || n > POL_EXTERN_LIB_NAME_MAX || name[0] == '.' || name[0] == '-') return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = name[i];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-';
    if (!ok) return 0;
  }
  return 1;
}

/* ---- code -------------------------------------------------------------- */

#define AT "block %u pc %u: "

/* Limit classes of OpPlan.lim: the bound an operand must stay below.
   LIM_ANY: not checked by the fast path; LIM_NONE: never passes (an
   operand kind the plan does not know: verify_instr reports it). */
enum { LIM_ANY, LIM_REG, LIM_K, LIM_F, LIM_E, LIM_T, LIM_U, LIM_ZERO, LIM_NONE, LIM__COUNT };

enum {
  P_BAD = 1 << 0,     /* EXTRA, or a byte that is no opcode */
  P_SLOW = 1 << 1,    /* operands checked by verify_instr only: EXTRA roles, N, UNKNOWN */
  P_BX = 1 << 2,      /* B is the 16-bit Bx (format ABx) */
  P_JB = 1 << 3,      /* B is a forward jump offset */
  P_RA = 1 << 4,      /* reads R[A] */
  P_RB = 1 << 5,      /* reads R[B] (one register) */
  P_RC = 1 << 6,      /* reads R[C] */
  P_NARGS = 1 << 7,   /* reads R[B] .. R[B+C-1] */
  P_WA = 1 << 8,      /* writes R[A] */
  P_ROLES = 1 << 9,   /* has EXTRA words */
  P_CALL0 = 1 << 10,  /* its first EXTRA word names a block (a quantifier body) */
  P_CALLS = 1 << 11,  /* some EXTRA word names a block */
  P_NOFALL = 1 << 12, /* control never falls through (JMP, RET) */
  P_NOFAST = 1 << 13, /* P_SLOW with a jump operand: verify_block_slow only */
};

/* The shapes of register use def_block handles without the general walk
   (DC_GENERAL: argument lists, EXTRA words, anything else; DC_RET and DC_JMP
   do not fall through). */
typedef enum { DC_GENERAL, DC_W, DC_WR, DC_WRR, DC_R, DC_RJ, DC_J, DC_RET, DC_JMP } DefClass;

static uint8_t def_class(uint16_t f)
{
  uint16_t use = f & (P_RA | P_RB | P_RC | P_NARGS | P_WA | P_ROLES | P_JB | P_BX | P_NOFALL);
  if (use == (P_RA | P_NOFALL)) return DC_RET;
  if (use == (P_JB | P_BX | P_NOFALL)) return DC_JMP;
  if (use == P_WA || use == (P_WA | P_BX)) return DC_W;
  if (use == (P_WA | P_RB)) return DC_WR;
  if (use == (P_WA | P_RB | P_RC)) return DC_WRR;
  if (use == P_RA || use == (P_RA | P_BX)) return DC_R;
  if (use == (P_RA | P_JB | P_BX)) return DC_RJ;
  if (use == (P_JB | P_BX)) return DC_J;
  return DC_GENERAL;
}

static uint8_t kind_lim(char kind)
{
  switch (kind) {
  case 'W': case 'R': case 'I': return LIM_REG;
  case 'K': return LIM_K;
  case 'F': return LIM_F;
  case 'E': return LIM_E;
  case 'T': return LIM_T;
  case 'U': return LIM_U;
  case '_': return LIM_ZERO;
  case 'J': case 'N': return LIM_ANY;   /* J: P_JB; N: P_SLOW */
  default: return LIM_NONE;
  }
}

/* plan[op] from pol_opinfo, as verify_block, verify_instr and def_block
   read an instruction. */
static void build_plan(OpPlan *plan)
{
  for (unsigned op = 0; op < 256; op++) {
    OpPlan *o = &plan[op];
    *o = (OpPlan){P_BAD, 0, {LIM_NONE, LIM_NONE, LIM_NONE}, DC_GENERAL};
    if (op >= OP__COUNT || op == OP_EXTRA) continue;
    const pol_OpInfo *oi = &pol_opinfo[op];
    const char *roles = oi->xroles;
    uint16_t f = 0;
    if (oi->fmt == FMT_ABx) f |= P_BX;
    if (oi->a == 'J' || oi->c == 'J' || oi->a == 'N' || oi->b == 'N' || oi->c == 'N' || roles[0] ||
        op == OP_UNKNOWN)
      f |= P_SLOW;
    if (oi->b == 'J') f |= P_JB;
    if (oi->a == 'R') f |= P_RA;
    if (oi->b == 'R' && oi->c != 'N') f |= P_RB;
    if (oi->fmt == FMT_ABC && oi->c == 'R') f |= P_RC;
    if (oi->c == 'N') f |= P_NARGS;
    if (oi->a == 'W') f |= P_WA;
    if (roles[0]) f |= P_ROLES;
    if (POL_XROLE_BLOCK(roles[0])) f |= P_CALL0;
    for (uint32_t i = 0; roles[i]; i++)
      if (POL_XROLE_BLOCK(roles[i])) f |= P_CALLS;
    if (op == OP_JMP || op == OP_RET) f |= P_NOFALL;
    if ((f & P_SLOW) && (oi->a == 'J' || oi->b == 'J' || oi->c == 'J')) f |= P_NOFAST;
    o->flags = f;
    o->dc = def_class(f);
    o->nx = (uint8_t)oi->extra;
    o->lim[0] = kind_lim(oi->a);
    o->lim[1] = kind_lim(oi->b);
    o->lim[2] = oi->fmt == FMT_ABC ? kind_lim(oi->c) : LIM_ANY;
  }
}

static int operand(V *v, uint32_t b, uint32_t pc, uint32_t end, const uint8_t *isop,
                   char name, char kind, uint32_t x)
{
  const pol_Program *p = v->p;
  uint32_t nregs = p->blocks[b].nregs;
  switch (kind) {
  case 'W': case 'R': case 'I':
    if (x >= nregs) return fail(v, AT "register %u out of range (nregs %u)", b, pc, x, nregs);
    return 0;
  case 'K':
    if (x >= p->nk) return fail(v, AT "constant %u out of range (nk %u)", b, pc, x, p->nk);
    return 0;
  case 'F':
    if (x >= p->nfacts) return fail(v, AT "fact %u out of range (nfacts %u)", b, pc, x, p->nfacts);
    return 0;
  case 'E':
    if (x >= p->nevid)
      return fail(v, AT "evidence %u out of range (nevid %u)", b, pc, x, p->nevid);
    return 0;
  case 'T':
    if (x >= 256) return fail(v, AT "field index %u out of range", b, pc, x);
    return 0;
  case 'U':
    if (x > 2) return fail(v, AT "truth immediate %u out of range (0..2)", b, pc, x);
    return 0;
  case 'J': {
    /* Strictly inside the block: the last instruction is RET, so a jump to
       the end would skip it and run off the block. */
    uint64_t t = (uint64_t)pc + 1 + x;
    if (t >= end) return fail(v, AT "jump to %lu past end of block (ends at %u)", b, pc,
                              (unsigned long)t, end);
    if (!isop[t]) return fail(v, AT "jump to %lu lands on an EXTRA word", b, pc, (unsigned long)t);
    return 0;
  }
  case 'N':
    return 0;  /* a count of registers from B: see verify_instr */
  case '_':
    if (x != 0) return fail(v, AT "unused operand %c is %u, must be 0", b, pc, name, x);
    return 0;
  default:
    return fail(v, AT "internal: unknown operand kind '%c'", b, pc, kind);
  }
}

static int verify_instr(V *v, uint32_t b, uint32_t pc, uint32_t end, const uint8_t *isop)
{
  const pol_Program *p = v->p;
  const pol_Block *bl = &p->blocks[b];
  pol_Instr ins = p->code[pc];
  pol_Op op = POL_OP(ins);
  const pol_OpInfo *oi = &pol_opinfo[op];
  uint32_t A = POL_A(ins), B = POL_B(ins), C = POL_C(ins);
  if (oi->fmt == FMT_ABx) B = POL_Bx(ins);
  if (operand(v, b, pc, end, isop, 'A', oi->a, A) ||
      operand(v, b, pc, end, isop, 'B', oi->b, B) ||
      (oi->fmt == FMT_ABC && operand(v, b, pc, end, isop, 'C', oi->c, C)))
    return -1;
  if (oi->c == 'N') {   /* R[B] .. R[B+C-1] */
    if (C > POL_MAX_ARGS) return fail(v, AT "argument count %u exceeds %d", b, pc, C, POL_MAX_ARGS);
    if (B + C > bl->nregs)
      return fail(v, AT "argument registers %u..%u out of range (nregs %u)", b, pc, B,
                  B + C - 1, bl->nregs);
  }

  if (op == OP_UNKNOWN && p->k[B].tag != PV_STR)   /* B < nk: checked above */
    return fail(v, AT "the reason of UNKNOWN, constant %u, is not a string", b, pc, B);

  const char *roles = oi->xroles;   /* opcodes.def: one letter a word */
  for (uint32_t i = 0; roles[i]; i++) {
    uint32_t x = POL_Ax(p->code[pc + 1 + i]);
    const char *role = pol_xrole_name(roles[i]);
    if (POL_XROLE_BLOCK(roles[i])) {
      if (x >= p->nblocks)
        return fail(v, AT "%s block %u out of range (nblocks %u)", b, pc, role, x,
                    p->nblocks);
      if (x <= b)
        return fail(v, AT "%s block %u does not come after block %u (calls go forward only)",
                    b, pc, role, x, b);
      if (p->blocks[x].nregs > bl->nregs)
        return fail(v, AT "%s block %u needs %u registers, its caller has %u", b, pc,
                    role, x, p->blocks[x].nregs, bl->nregs);
    } else if (roles[i] == 'w') {
      if (x >= bl->nregs)
        return fail(v, AT "%s register %u out of range (nregs %u)", b, pc, role, x,
                    bl->nregs);
    } else if (roles[i] == 'f') {
      if (x > p->nfacts) return fail(v, AT "fact %u out of range (nfacts %u)", b, pc, x - 1, p->nfacts);
    } else if (roles[i] == 'n') {
      if (x < 1 || x > C) return fail(v, AT "at least %u of %u items", b, pc, x, C);
    } else if (roles[i] == 'c') {
      if (x >= p->nvs) return fail(v, AT "value set %u out of range (nvs %u)", b, pc, x, p->nvs);
    } else if (roles[i] == 't') {
      if (x >= p->nsets) return fail(v, AT "table keys: set %u out of range (nsets %u)", b, pc, x, p->nsets);
    } else if (roles[i] == 'K') {
      /* LOOKUP (2.3): a value per key of the set before it, then the
         default (C = 1) or the reason a key is absent (C = 0, a string) */
      uint32_t set = i > 0 && roles[i - 1] == 't' ? POL_Ax(p->code[pc + i]) : 0;
      uint64_t n = set < p->nsets ? p->setn[set] : 0;
      if ((uint64_t)x + n + 1 > p->nk)
        return fail(v, AT "table values %u..%lu out of range (nk %u)", b, pc, x,
                    (unsigned long)((uint64_t)x + n), p->nk);
      if (C > 1) return fail(v, AT "table default flag %u is not 0 or 1", b, pc, C);
      if (C == 0 && p->k[x + n].tag != PV_STR)
        return fail(v, AT "table without a default: constant %lu is not its reason (a string)", b, pc,
                    (unsigned long)(x + n));
    } else if (roles[i] == 'q') {   /* FEQK, FINK (2.6) */
      if (x >= p->nk) return fail(v, AT "constant %u out of range (nk %u)", b, pc, x, p->nk);
    } else if (roles[i] == 'g') {   /* FEQKJT .. FINKJF (2.7) */
      if ((x & 0xffu) >= bl->nregs)
        return fail(v, AT "%s: register %u out of range (nregs %u)", b, pc, role, x & 0xffu, bl->nregs);
      if (x >> 16) return fail(v, AT "%s: bits 16-23 are %u, must be 0", b, pc, role, x >> 16);
    } else if (roles[i] == 'x') {
      if (x >= p->next) return fail(v, AT "extern %u out of range (next %u)", b, pc, x, p->next);
      if (C != p->ext[x].nargs)
        return fail(v, AT "extern %s takes %u arguments, called with %u", b, pc,
                    p->str[p->ext[x].name], p->ext[x].nargs, C);
    }
  }
  return 0;
}

/* The shape check of the instruction at pc, whose predecessors in the block
   passed it: the error it fails with, or 0. */
static int shape_instr(V *v, uint32_t b, uint32_t pc, uint32_t end)
{
  const pol_Program *p = v->p;
  pol_Op op = POL_OP(p->code[pc]);
  if (op >= OP__COUNT) return fail(v, AT "unknown opcode %u", b, pc, (unsigned)op);
  if (op == OP_EXTRA) return fail(v, AT "EXTRA word without an instruction", b, pc);
  uint32_t nx = (uint32_t)pol_opinfo[op].extra;
  if (nx > end - pc - 1)
    return fail(v, AT "%s needs %u EXTRA words but the block ends", b, pc,
                pol_opinfo[op].name, nx);
  for (uint32_t i = 1; i <= nx; i++)
    if (POL_OP(p->code[pc + i]) != OP_EXTRA)
      return fail(v, AT "%s needs %u EXTRA words, pc %u is not one", b, pc,
                  pol_opinfo[op].name, nx, pc + i);
  return 0;
}

/* Code checks that span blocks: where the calls are (for check_depth) and
   which block each instruction starts in (check_witnesses). */
typedef struct Sites {
  uint32_t *pc;    /* instructions naming a block in an EXTRA word, block by block */
  uint32_t n, cap;
  uint32_t *end;   /* end[b]: pc[] of block b end here */
} Sites;

/* Blocks may share code, so there may be more sites than words. */
static int site_add(Sites *s, uint32_t pc)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * (size_t)s->cap : 64;
    uint32_t *np = cap <= UINT32_MAX ? realloc(s->pc, cap * sizeof *np) : NULL;
    if (!np) return -1;
    s->pc = np;
    s->cap = (uint32_t)cap;
  }
  s->pc[s->n++] = pc;
  return 0;
}

/* Decodes block b the long way: shape first (opcodes, EXTRA words, RET
   last), marking instruction starts in isop, then operands (jumps need all
   the marks).  The first check that fails is the error. */
static int verify_block_slow(V *v, uint32_t b, uint8_t *isop)
{
  const pol_Program *p = v->p;
  const pol_Block *bl = &p->blocks[b];
  uint32_t end = bl->start + bl->len, last = bl->start;
  memset(isop + bl->start, 0, bl->len);
  for (uint32_t pc = bl->start; pc < end;) {
    if (shape_instr(v, b, pc, end)) return -1;
    isop[pc] = 1;
    last = pc;
    pc += 1 + (uint32_t)pol_opinfo[POL_OP(p->code[pc])].extra;
  }
  if (POL_OP(p->code[last]) != OP_RET)
    return fail(v, "block %u: does not end in RET (last instruction %s at pc %u)", b,
                pol_opinfo[POL_OP(p->code[last])].name, last);

  for (uint32_t pc = bl->start; pc < end; pc++)
    if (isop[pc] && verify_instr(v, b, pc, end, isop)) return -1;
  return 0;
}

/* Block b in one pass, on the plan: 0 when every check of
   verify_block_slow passes, -1 when one may not (then verify_block_slow
   says which).  A jump's target is marked in mark[] and must not be
   an EXTRA word when the scan gets there (jumps go forward).  Records
   the block's call sites and instruction starts (verify_block). */
static int verify_block_fast(V *v, uint32_t b, uint8_t *mark, Sites *sites)
{
  const pol_Program *p = v->p;
  const pol_Block *bl = &p->blocks[b];
  const pol_Instr *code = p->code;
  uint32_t end = bl->start + bl->len, last = bl->start;
  uint32_t lim[LIM__COUNT] = {[LIM_ANY] = UINT32_MAX, [LIM_REG] = bl->nregs, [LIM_K] = p->nk,
                              [LIM_F] = p->nfacts,    [LIM_E] = p->nevid,    [LIM_T] = 256,
                              [LIM_U] = 3,            [LIM_ZERO] = 1,        [LIM_NONE] = 0};
  memset(mark + bl->start, 0, bl->len);
  for (uint32_t pc = bl->start; pc < end;) {
    pol_Instr ins = code[pc];
    const OpPlan *o = &v->plan[POL_OP(ins)];
    uint32_t nx = o->nx, f = o->flags;
    if ((f & (P_BAD | P_NOFAST)) || nx > end - pc - 1) return -1;
    for (uint32_t i = 1; i <= nx; i++)
      if (POL_OP(code[pc + i]) != OP_EXTRA || mark[pc + i]) return -1;
    uint32_t A = POL_A(ins), B = f & P_BX ? POL_Bx(ins) : POL_B(ins), C = POL_C(ins);
    if (f & P_SLOW) {
      if (verify_instr(v, b, pc, end, NULL)) return -1;   /* P_NOFAST: no jump operand */
    } else if (A >= lim[o->lim[0]] || B >= lim[o->lim[1]] || C >= lim[o->lim[2]]) {
      return -1;
    } else if (f & P_JB) {
      uint64_t t = (uint64_t)pc + 1 + B;
      if (t >= end || t <= pc + nx) return -1;
      mark[t] = 1;
    }
    if (v->blk_of) v->blk_of[pc] = b;
    if ((f & P_CALLS) && site_add(sites, pc)) return -1;
    last = pc;
    pc += 1 + nx;
  }
  return POL_OP(code[last]) == OP_RET ? 0 : -1;
}

/* Block b: its header, then its code (verify_block_fast, or where that is
   not sure, verify_block_slow for the error); records its call sites and
   its instruction starts in blk_of. */
static int verify_block(V *v, uint32_t b, uint8_t *isop, Sites *sites)
{
  const pol_Program *p = v->p;
  const pol_Block *bl = &p->blocks[b];
  if (bl->len == 0) return fail(v, "block %u: empty (len 0)", b);
  if (!range_ok(bl->start, bl->len, p->ncode))
    return fail(v, "block %u: code %u+%u past the end of the code (ncode %u)", b, bl->start,
                bl->len, p->ncode);
  if (bl->nregs > POL_MAX_REGS)
    return fail(v, "block %u: %u registers, at most %d", b, bl->nregs, POL_MAX_REGS);
  uint32_t site0 = sites->n;
  if (verify_block_fast(v, b, isop, sites) == 0) {
    sites->end[b] = sites->n;
    return 0;
  }
  if (verify_block_slow(v, b, isop)) return -1;
  /* the fast pass was wrong to doubt (or ran out of memory): record anew */
  sites->n = site0;
  uint32_t end = bl->start + bl->len;
  for (uint32_t pc = bl->start; pc < end; pc += 1 + v->plan[POL_OP(p->code[pc])].nx) {
    if (v->blk_of) v->blk_of[pc] = b;
    if ((v->plan[POL_OP(p->code[pc])].flags & P_CALLS) && site_add(sites, pc))
      return fail(v, "out of memory while verifying");
  }
  sites->end[b] = sites->n;
  return 0;
}

/* Longest chain of nested quantifier calls from each block.  Callees have
   higher indices, so one pass from the last block down suffices. */
static int check_depth(V *v, uint32_t *depth, const Sites *sites)
{
  const pol_Program *p = v->p;
  for (uint32_t b = p->nblocks; b-- > 0;) {
    uint32_t d = 0;
    for (uint32_t s = b ? sites->end[b - 1] : 0; s < sites->end[b]; s++) {
      uint32_t pc = sites->pc[s];
      const char *roles = pol_opinfo[POL_OP(p->code[pc])].xroles;
      for (uint32_t i = 0; roles[i]; i++) {
        uint32_t x = POL_Ax(p->code[pc + 1 + i]);
        if (POL_XROLE_BLOCK(roles[i]) && depth[x] + 1 > d) d = depth[x] + 1;
      }
    }
    if (d > POL_MAX_DEPTH)
      return fail(v, "block %u: quantifier nesting depth %u exceeds %d", b, d, POL_MAX_DEPTH);
    depth[b] = d;
  }
  return 0;
}

static int check_code(V *v)
{
  const pol_Program *p = v->p;
  size_t ncode = p->ncode ? p->ncode : 1, nblocks = p->nblocks ? p->nblocks : 1;
  uint8_t *isop = malloc(ncode);
  uint32_t *depth = malloc(nblocks * sizeof *depth);
  Sites sites = {NULL, 0, 0, malloc(nblocks * sizeof *sites.end)};
  int rc = 0;
  if (p->nwit) {   /* every instruction start: its block; NOSTR elsewhere */
    v->blk_of = malloc(ncode * sizeof *v->blk_of);
    if (v->blk_of) memset(v->blk_of, 0xff, ncode * sizeof *v->blk_of);
  }
  if (!isop || !depth || !sites.end || (p->nwit && !v->blk_of))
    rc = fail(v, "out of memory while verifying");
  for (uint32_t b = 0; rc == 0 && b < p->nblocks; b++) rc = verify_block(v, b, isop, &sites);
  if (rc == 0) rc = check_depth(v, depth, &sites);
  free(isop);
  free(depth);
  free(sites.pc);
  free(sites.end);
  return rc;
}

/* ---- definite assignment ------------------------------------------------ */

/* A set of registers (POL_MAX_REGS < 256). */
typedef struct RegSet {
  uint64_t w[4];
} RegSet;

static int rs_has(const RegSet *s, uint32_t r) { return (int)(s->w[r >> 6] >> (r & 63) & 1u); }
static void rs_add(RegSet *s, uint32_t r) { s->w[r >> 6] |= (uint64_t)1 << (r & 63); }
static void rs_meet(RegSet *s, const RegSet *t)
{
  for (int i = 0; i < 4; i++) s->w[i] &= t->w[i];
}

/* What the block's callers all set: the frame is shared, so a body block
   starts with every register its caller had written before the call, plus
   the item register the VM writes before each run.  Roots (criteria,
   branch conditions, `for each` lists) and blocks nobody calls start with
   none: registers are not cleared between runs, so without this rule a
   block could read what an earlier case left there. */
typedef struct Entry {
  RegSet set;
  uint8_t known;   /* set holds at least one caller's registers */
} Entry;

static void entry_meet(Entry *e, const RegSet *s)
{
  if (e->known) rs_meet(&e->set, s);
  else e->set = *s;
  e->known = 1;
}

/* A read of register r at pc with the registers surely written in `have`. */
static int def_unset(V *v, uint32_t b, uint32_t pc, uint32_t r)
{
  return fail(v, AT "register %u is read before it is written (on some path from the "
              "start of the block and its callers)", b, pc, r);
}

static int def_read(V *v, uint32_t b, uint32_t pc, const RegSet *have, uint32_t r)
{
  return rs_has(have, r) ? 0 : def_unset(v, b, pc, r);
}

/* def_block's mark for block b in stamp[] (never 0, which calloc gives). */
static uint32_t tag_of(uint32_t b) { return b + 1; }

/* A jump to offset j of the block with the registers in `have`. */
static void def_jump(RegSet *in, uint32_t *stamp, uint32_t tag, uint32_t j, const RegSet *have)
{
  if (stamp[j] == tag) rs_meet(&in[j], have);
  else { in[j] = *have; stamp[j] = tag; }
}

/* The instruction at pc of block b, reached with *have, any shape of
   register use (opcodes.def): reads, argument lists, EXTRA words, calls
   into quantifier bodies, the write, a jump. */
static int def_general(V *v, uint32_t b, uint32_t pc, Entry *entry, RegSet *have, RegSet *in,
                       uint32_t *stamp)
{
  const pol_Program *p = v->p;
  const pol_Instr *code = p->code;
  pol_Instr ins = code[pc];
  const OpPlan *o = &v->plan[POL_OP(ins)];
  uint32_t f = o->flags, t = pc - p->blocks[b].start;
  uint32_t A = POL_A(ins), B = f & P_BX ? POL_Bx(ins) : POL_B(ins), C = POL_C(ins);
  if ((f & P_RA) && !rs_has(have, A)) return def_unset(v, b, pc, A);
  if ((f & P_RB) && !rs_has(have, B)) return def_unset(v, b, pc, B);
  if ((f & P_RC) && !rs_has(have, C)) return def_unset(v, b, pc, C);
  if (f & P_NARGS)   /* B is where the C arguments start: none when C is 0 */
    for (uint32_t r = B; r < B + C; r++)
      if (def_read(v, b, pc, have, r)) return -1;
  if (f & P_ROLES) {
    const char *roles = pol_opinfo[POL_OP(ins)].xroles;   /* opcodes.def */
    for (uint32_t i = 0; roles[i]; i++)
      if ((roles[i] == 'w' && def_read(v, b, pc, have, POL_Ax(code[pc + 1 + i]))) ||
          (roles[i] == 'g' && def_read(v, b, pc, have, POL_Ax(code[pc + 1 + i]) & 0xffu)))
        return -1;
    if (f & P_CALL0) {   /* quantifier bodies see these and the item */
      RegSet callee = *have;
      rs_add(&callee, C);
      for (uint32_t i = 0; roles[i]; i++)
        if (POL_XROLE_BLOCK(roles[i])) entry_meet(&entry[POL_Ax(code[pc + 1 + i])], &callee);
    }
  }
  if (f & P_WA) rs_add(have, A);
  if (f & P_JB) def_jump(in, stamp, tag_of(b), t + 1 + B, have);   /* forward, inside the block */
  return 0;
}

/* One pass in order over block b: jumps go forward, so the set at pc is
   final when pc is reached (the meet of its predecessors).  `have` is the
   set on the fall-through edge while `live`; in[t] holds the meet of the
   jumps to offset t, valid when stamp[t] is b + 1 (so no scratch is
   cleared per block).  in[] and stamp[] are scratch of at least the
   block's length. */
static int def_block(V *v, uint32_t b, Entry *entry, RegSet *in, uint32_t *stamp)
{
  const pol_Program *p = v->p;
  const pol_Block *bl = &p->blocks[b];
  const pol_Instr *code = p->code;
  uint32_t end = bl->start + bl->len, tag = tag_of(b);
  RegSet have = entry[b].set;   /* roots and uncalled blocks: entry[b] is all 0 */
  int live = 1;
  for (uint32_t pc = bl->start, next; pc < end; pc = next) {
    pol_Instr ins = code[pc];
    const OpPlan *o = &v->plan[POL_OP(ins)];
    uint32_t t = pc - bl->start;
    next = pc + 1 + o->nx;
    if (stamp[t] == tag) {   /* a jump lands here */
      if (live) rs_meet(&have, &in[t]);
      else have = in[t];
      live = 1;
    }
    if (!live) continue;   /* never runs */
    switch ((DefClass)o->dc) {   /* reads in the order A, B, C, as def_general */
    case DC_W: rs_add(&have, POL_A(ins)); break;
    case DC_WR:
      if (!rs_has(&have, POL_B(ins))) return def_unset(v, b, pc, POL_B(ins));
      rs_add(&have, POL_A(ins));
      break;
    case DC_WRR:
      if (!rs_has(&have, POL_B(ins))) return def_unset(v, b, pc, POL_B(ins));
      if (!rs_has(&have, POL_C(ins))) return def_unset(v, b, pc, POL_C(ins));
      rs_add(&have, POL_A(ins));
      break;
    case DC_R:
      if (!rs_has(&have, POL_A(ins))) return def_unset(v, b, pc, POL_A(ins));
      break;
    case DC_RJ:
      if (!rs_has(&have, POL_A(ins))) return def_unset(v, b, pc, POL_A(ins));
      def_jump(in, stamp, tag, t + 1 + POL_Bx(ins), &have);
      break;
    case DC_J: def_jump(in, stamp, tag, t + 1 + POL_Bx(ins), &have); break;
    /* control does not fall through: the next instruction runs only if a
       jump lands there */
    case DC_RET:
      if (!rs_has(&have, POL_A(ins))) return def_unset(v, b, pc, POL_A(ins));
      live = 0;
      break;
    case DC_JMP:
      def_jump(in, stamp, tag, t + 1 + POL_Bx(ins), &have);
      live = 0;
      break;
    case DC_GENERAL:
      if (def_general(v, b, pc, entry, &have, in, stamp)) return -1;
      if (o->flags & P_NOFALL) live = 0;
      break;
    }
  }
  return 0;
}

/* ---- witness descriptors (WITN) ---------------------------------------- */

/* Each descriptor names a list operation: code[pc] starts an instruction
   whose C operand is an item register and whose first EXTRA word is its
   body; its conjunct blocks are that body or come after it (they run where the body
   runs, on the same frame: check_defs gives them the body's entry); its
   inner descriptors' operations lie in blocks after its own, so chains of
   them end.  v->blk_of[] maps every instruction start to its block (NOSTR
   elsewhere; the last block when blocks share code). */
static int check_groups(V *v)
{
  const pol_Program *p = v->p;
  if (p->nevgrp != 0 && p->nevgrp != p->nevid)
    return fail(v, "%u evidence group words for %u evidence descriptors", p->nevgrp, p->nevid);
  for (uint32_t i = 0; i < p->nevgrp; i++)
    if ((p->evgrp[i] & ~POL_EVGRP_NEG) > p->ngrp)
      return fail(v, "evidence %u: group %u out of range (ngrp %u)", i,
                  p->evgrp[i] & ~POL_EVGRP_NEG, p->ngrp);
  for (uint32_t i = 0; i < p->ngrp; i++) {
    uint32_t kind = p->grp[i] & 0xffu, k = p->grp[i] >> 8 & 0xffu, n = p->grp[i] >> 16;
    if (kind >= PG__COUNT || n < 2 || (kind == PG_ATLEAST && (k < 1 || k > n)))
      return fail(v, "evidence group %u: bad word 0x%x", i, p->grp[i]);
  }
  return 0;
}

/* The list operations each witness kind walks (vm/witness.c reads their
   blocks by role). */
static int wit_kind_fits(pol_WitKind k, pol_Op op)
{
  switch (k) {
  case PW_FIRST_TRUE:
  case PW_FIRST_FALSE: return op == OP_EXISTS || op == OP_EVERY;
  case PW_COLLECT:
    return op == OP_COUNT || op == OP_COUNTD || op == OP_SUM || op == OP_COVER || op == OP_RUN ||
           op == OP_GAP;
  case PW_PICK: return op == OP_LATEST || op == OP_EARLIEST;
  case PW__COUNT: return 0;
  }
  return 0;
}

static int check_witnesses(V *v)
{
  const pol_Program *p = v->p;
  if (check_groups(v)) return -1;
  if (p->nwit == 0) return 0;
  const uint32_t *blk_of = v->blk_of;   /* filled by check_code's verify_block */
  int rc = 0;
  for (uint32_t i = 0; rc == 0 && i < p->nwit; i++) {
    const pol_Witness *w = &p->wit[i];
    uint64_t need = (uint64_t)w->data0 + w->nfields + 2 * (uint64_t)w->nconj + w->ninner;
    if (w->kind >= PW__COUNT) { rc = fail(v, "witness %u: bad kind %u", i, w->kind); break; }
    if (str_id(v, w->list, 0, "witness", i, "list")) { rc = -1; break; }
    if (w->lfield != POL_NOSTR && w->lfield >= 256) {
      rc = fail(v, "witness %u: list field %u out of range", i, w->lfield);
      break;
    }
    if (w->evid != POL_NOSTR && w->evid >= p->nevid) {
      rc = fail(v, "witness %u: evidence %u out of range (nevid %u)", i, w->evid, p->nevid);
      break;
    }
    if (need > p->nwitdata) {
      rc = fail(v, "witness %u: data %u+%lu past the end (nwitdata %u)", i, w->data0,
                (unsigned long)(need - w->data0), p->nwitdata);
      break;
    }
    if (w->pc >= p->ncode || blk_of[w->pc] == POL_NOSTR) {
      rc = fail(v, "witness %u: pc %u is not an instruction", i, w->pc);
      break;
    }
    const pol_OpInfo *oi = &pol_opinfo[POL_OP(p->code[w->pc])];
    if (oi->b != 'R' || oi->c != 'I' || oi->xroles[0] != 'b') {
      rc = fail(v, "witness %u: pc %u is %s, not a list operation with a body", i, w->pc, oi->name);
      break;
    }
    if (!wit_kind_fits((pol_WitKind)w->kind, POL_OP(p->code[w->pc]))) {
      rc = fail(v, "witness %u: kind %u does not explain %s", i, w->kind, oi->name);
      break;
    }
    uint32_t b = blk_of[w->pc], body = POL_Ax(p->code[w->pc + 1]);
    /* a bundle without witness data has none to point into (NULL + 0 is UB) */
    const uint32_t *d = p->witdata ? p->witdata + w->data0 : NULL;
    for (uint32_t f = 0; rc == 0 && f < w->nfields; f++)
      if (d[f] >= 256) rc = fail(v, "witness %u: field index %u out of range", i, d[f]);
    for (uint32_t k = 0; rc == 0 && k < w->nconj; k++) {
      uint32_t cb = d[w->nfields + 2 * k];
      if (cb >= p->nblocks || cb < body || p->blocks[cb].nregs > p->blocks[b].nregs)
        rc = fail(v, "witness %u: conjunct block %u is not its body %u or after it, or "
                  "needs more registers", i, cb, body);
      else if (str_id(v, d[w->nfields + 2 * k + 1], 0, "witness", i, "conjunct"))
        rc = -1;
    }
    for (uint32_t k = 0; rc == 0 && k < w->ninner; k++) {
      uint32_t x = d[w->nfields + 2 * w->nconj + k];
      if (x >= p->nwit || p->wit[x].evid != POL_NOSTR || p->wit[x].pc >= p->ncode ||
          blk_of[p->wit[x].pc] == POL_NOSTR || blk_of[p->wit[x].pc] <= b)
        rc = fail(v, "witness %u: inner witness %u is not a nested list operation", i, x);
    }
  }
  return rc;
}

/* Every register is written before it is read, on every path: within a
   block and through the calls into it.  Runs after the other checks, so
   every index it follows is valid.  Callers have lower indices than their
   callees, so one pass over the blocks in order sees every call into a
   block before the block itself. */
static int check_defs(V *v)
{
  const pol_Program *p = v->p;
  uint32_t maxlen = 1;
  for (uint32_t b = 0; b < p->nblocks; b++)
    if (p->blocks[b].len > maxlen) maxlen = p->blocks[b].len;
  Entry *entry = calloc(p->nblocks ? p->nblocks : 1, sizeof *entry);
  RegSet *in = malloc((size_t)maxlen * sizeof *in);
  uint32_t *stamp = calloc(maxlen, sizeof *stamp);
  int rc = 0;
  if (!entry || !in || !stamp) rc = fail(v, "out of memory while verifying");
  /* roots start with nothing written, whoever else calls them */
  RegSet none = {{0}};
  for (uint32_t i = 0; rc == 0 && i < p->ncrit; i++)
    if (p->crit[i].kind == PC_LEAF) entry_meet(&entry[p->crit[i].block], &none);
  for (uint32_t i = 0; rc == 0 && i < p->nbranches; i++) {
    entry_meet(&entry[p->branches[i].cond], &none);
    if (p->branches[i].each != POL_NOSTR) entry_meet(&entry[p->branches[i].each], &none);
  }
  for (uint32_t i = 0; rc == 0 && i < p->nauth; i++) entry_meet(&entry[p->auth[i].block], &none);
  /* a witness's conjunct blocks run where its body runs (check_witnesses:
     after the body, so the body's entry is final when they are reached) */
  uint32_t *body_of = rc == 0 && p->nwit ? malloc((size_t)p->nblocks * sizeof *body_of) : NULL;
  if (rc == 0 && p->nwit && !body_of) rc = fail(v, "out of memory while verifying");
  for (uint32_t b = 0; body_of && b < p->nblocks; b++) body_of[b] = POL_NOSTR;
  for (uint32_t i = 0; rc == 0 && body_of && i < p->nwit; i++) {
    const pol_Witness *w = &p->wit[i];
    uint32_t body = POL_Ax(p->code[w->pc + 1]);
    for (uint32_t k = 0; rc == 0 && k < w->nconj; k++) {
      uint32_t cb = p->witdata[w->data0 + w->nfields + 2 * k];
      if (body_of[cb] != POL_NOSTR && body_of[cb] != body)
        rc = fail(v, "witness %u: conjunct block %u also runs for body %u", i, cb, body_of[cb]);
      body_of[cb] = body;
    }
  }
  for (uint32_t b = 0; rc == 0 && b < p->nblocks; b++) {
    if (body_of && body_of[b] != POL_NOSTR && entry[body_of[b]].known)
      entry_meet(&entry[b], &entry[body_of[b]].set);
    rc = def_block(v, b, entry, in, stamp);
  }
  free(body_of);
  free(entry);
  free(in);
  free(stamp);
  return rc;
}

#undef AT

/* ---- criteria, branches, policies ------------------------------------- */

/* Parent chains end at a root (no cycles) within MAX_CRIT_DEPTH levels:
   the VM and the trace recurse down the criteria tree. */
enum { MAX_CRIT_DEPTH = 256 };

static int check_crit_depth(V *v)
{
  const pol_Program *p = v->p;
  const uint32_t on_walk = UINT32_MAX;
  uint32_t *depth = calloc(p->ncrit ? p->ncrit : 1, sizeof *depth);   /* 0 = not yet known */
  if (!depth) return fail(v, "out of memory while verifying");
  int rc = 0;
  for (uint32_t i = 0; rc == 0 && i < p->ncrit; i++) {
    uint32_t j = i, n = 0;
    for (; j != POL_NOSTR && depth[j] == 0; j = p->crit[j].parent, n++) depth[j] = on_walk;
    if (j != POL_NOSTR && depth[j] == on_walk) {
      rc = fail(v, "criterion %u (%s): cycle in the criteria tree", i, p->str[p->crit[i].id]);
      break;
    }
    uint32_t d = (j == POL_NOSTR ? 0 : depth[j]) + n;
    if (d > MAX_CRIT_DEPTH) {
      rc = fail(v, "criterion %u (%s): nested %u levels deep, at most %d", i,
                p->str[p->crit[i].id], d, MAX_CRIT_DEPTH);
      break;
    }
    for (j = i; n > 0; n--, j = p->crit[j].parent) depth[j] = d--;
  }
  free(depth);
  return rc;
}

static int check_crit(V *v)
{
  const pol_Program *p = v->p;
  /* listed[i]: how many child lists name i (each must then be i's parent). */
  uint8_t *listed = calloc(p->ncrit ? p->ncrit : 1, 1);
  if (!listed) return fail(v, "out of memory while verifying");
  int rc = 0;
  for (uint32_t i = 0; rc == 0 && i < p->ncrit; i++) {
    const pol_Crit *c = &p->crit[i];
    if (str_id(v, c->id, 0, "criterion", i, "id") || str_id(v, c->text, 0, "criterion", i, "text") ||
        str_id(v, c->file, 0, "criterion", i, "file") || str_id(v, c->cite, 1, "criterion", i, "cite") ||
        str_id(v, c->next, 1, "criterion", i, "next") ||
        str_id(v, c->english, 1, "criterion", i, "english")) {
      rc = -1;
      break;
    }
    const char *id = p->str[c->id];
    if (c->kind > PC_ATLEAST) { rc = fail(v, "criterion %u (%s): unknown kind %u", i, id, c->kind); break; }
    if (c->parent != POL_NOSTR && (c->parent >= p->ncrit || c->parent == i)) {
      rc = fail(v, "criterion %u (%s): bad parent %u", i, id, c->parent);
      break;
    }
    if (c->flags & ~(uint32_t)(POL_CRIT_EXCLUSION | POL_CRIT_PREREQ)) {
      rc = fail(v, "criterion %u (%s): unknown flags 0x%x", i, id, c->flags);
      break;
    }
    if ((c->flags & POL_CRIT_PREREQ) &&
        (c->parent != POL_NOSTR || (c->flags & POL_CRIT_EXCLUSION))) {
      rc = fail(v, "criterion %u (%s): a prerequisite is a top-level criterion, not an exclusion", i,
                id);
      break;
    }
    if (c->kind == PC_LEAF) {
      if (c->block >= p->nblocks)
        rc = fail(v, "criterion %u (%s): block %u out of range (nblocks %u)", i, id, c->block,
                  p->nblocks);
      else if (c->nchildren)
        rc = fail(v, "criterion %u (%s): a leaf with %u children", i, id, c->nchildren);
      continue;
    }
    if (c->block != POL_NOSTR) {
      rc = fail(v, "criterion %u (%s): composite with block %u (must be none)", i, id, c->block);
      break;
    }
    if (!range_ok(c->child0, c->nchildren, p->nchildren)) {
      rc = fail(v, "criterion %u (%s): children %u+%u out of range (nchildren %u)", i, id,
                c->child0, c->nchildren, p->nchildren);
      break;
    }
    if (c->kind == PC_ATLEAST && c->k > c->nchildren) {
      rc = fail(v, "criterion %u (%s): at least %u of %u children", i, id, c->k, c->nchildren);
      break;
    }
    for (uint32_t j = c->child0; rc == 0 && j < c->child0 + c->nchildren; j++) {
      uint32_t ch = p->crit_children[j];
      if (ch >= p->ncrit || ch == i)
        rc = fail(v, "criterion %u (%s): bad child %u", i, id, ch);
      else if (p->crit[ch].parent != i)
        rc = fail(v, "criterion %u (%s): child %u names parent %u", i, id, ch, p->crit[ch].parent);
      else if (listed[ch]++)
        rc = fail(v, "criterion %u (%s): child %u listed twice", i, id, ch);
    }
  }
  for (uint32_t i = 0; rc == 0 && i < p->ncrit; i++)
    if ((p->crit[i].parent != POL_NOSTR) != (listed[i] == 1))
      rc = fail(v, "criterion %u (%s): parent %u does not list it as a child", i,
                p->str[p->crit[i].id], p->crit[i].parent);

  free(listed);
  return rc == 0 ? check_crit_depth(v) : rc;
}

/* Decision rules: each header's outcome and length are in range, every
   condition is a well-formed postfix expression (depth <= 64, exactly one
   value left), tag bits name tags of the policy, the last rule always
   holds. */
static int check_decision(V *v, uint32_t pol, const uint32_t *w, uint32_t n, uint32_t ntags)
{
  uint32_t i = 0, last_len = 1;
  while (i < n) {
    uint32_t outcome = w[i] & 0xffu, len = w[i] >> 8;
    if (outcome >= PO__COUNT) return fail(v, "policy %u: decision word %u: bad outcome %u", pol, i, outcome);
    if (len > n - i - 1) return fail(v, "policy %u: decision word %u: rule past the end", pol, i);
    i++;
    int depth = 0;
    for (uint32_t k = 0; k < len; k++, i++) {
      uint32_t op = w[i] >> 24, arg = w[i] & 0xffffffu;
      if (op >= PDC__COUNT) return fail(v, "policy %u: decision word %u: bad op %u", pol, i, op);
      int tagged = op == PDC_ANY_FAILED_TAG || op == PDC_EVERY_FAILED_TAG || op == PDC_ANY_UNKNOWN_TAG;
      if (tagged ? arg >= ntags : arg != 0)
        return fail(v, "policy %u: decision word %u: bad argument %u", pol, i, arg);
      if (op == PDC_AND || op == PDC_OR) depth--;
      else if (op != PDC_NOT) depth++;
      if (depth < 1 || depth > POL_MAX_DEC_STACK)
        return fail(v, "policy %u: decision word %u: malformed condition", pol, i);
    }
    if (len && depth != 1) return fail(v, "policy %u: decision rule ending at %u leaves %d values", pol, i, depth);
    last_len = len;
  }
  if (n && last_len != 0) return fail(v, "policy %u: the last decision rule must always hold", pol);
  return 0;
}

static int check_policies(V *v)
{
  const pol_Program *p = v->p;
  for (uint32_t i = 0; i < p->nbranch_crit; i++)
    if (p->branch_crit[i] >= p->ncrit)
      return fail(v, "branch criterion entry %u: criterion %u out of range (ncrit %u)", i,
                  p->branch_crit[i], p->ncrit);
  for (uint32_t i = 0; i < p->ncodes; i++)
    if (str_id(v, p->codes[i], 0, "code", i, "")) return -1;

  for (uint32_t i = 0; i < p->nbranches; i++) {
    const pol_Branch *br = &p->branches[i];
    if (str_id(v, br->name, 0, "branch", i, "name")) return -1;
    if (br->cond >= p->nblocks)
      return fail(v, "branch %u: cond block %u out of range (nblocks %u)", i, br->cond, p->nblocks);
    if (!range_ok(br->crit0, br->ncrit, p->nbranch_crit))
      return fail(v, "branch %u: criteria %u+%u out of range (nbranch_crit %u)", i, br->crit0,
                  br->ncrit, p->nbranch_crit);
    for (uint32_t j = br->crit0; j < br->crit0 + br->ncrit; j++)
      if (p->crit[p->branch_crit[j]].parent != POL_NOSTR)
        return fail(v, "branch %u: criterion %u is not top-level", i, p->branch_crit[j]);
    if (str_id(v, br->text, 0, "branch", i, "text")) return -1;
    if (br->aspect != POL_NOSTR && str_id(v, br->aspect, 0, "branch", i, "aspect")) return -1;
    if (str_id(v, br->when, 1, "branch", i, "when")) return -1;
    if (br->each != POL_NOSTR && br->each >= p->nblocks)
      return fail(v, "branch %u: each block %u out of range (nblocks %u)", i, br->each, p->nblocks);
    if (br->each == POL_NOSTR && br->necrit != 0)
      return fail(v, "branch %u: per-item criteria without a list", i);
    if (!range_ok(br->ecrit0, br->necrit, p->nbranch_crit))
      return fail(v, "branch %u: per-item criteria %u+%u out of range (nbranch_crit %u)", i,
                  br->ecrit0, br->necrit, p->nbranch_crit);
    for (uint32_t j = br->ecrit0; j < br->ecrit0 + br->necrit; j++)
      if (p->crit[p->branch_crit[j]].parent != POL_NOSTR)
        return fail(v, "branch %u: criterion %u is not top-level", i, p->branch_crit[j]);
  }
  for (uint32_t i = 0; i < p->ntagnames; i++)
    if (str_id(v, p->tagnames[i], 0, "tag", i, "")) return -1;

  for (uint32_t i = 0; i < p->npol; i++) {
    const pol_Policy *o = &p->pol[i];
    if (str_id(v, o->id, 0, "policy", i, "id") || str_id(v, o->title, 0, "policy", i, "title") ||
        str_id(v, o->version, 0, "policy", i, "version") ||
        str_id(v, o->source, 0, "policy", i, "source"))
      return -1;
    if (!date_ok(o->effective))
      return fail(v, "policy %u: effective date %ld outside 0001-01-01..9999-12-31", i,
                  (long)o->effective);
    if (!range_ok(o->code0, o->ncodes, p->ncodes))
      return fail(v, "policy %u: codes %u+%u out of range (ncodes %u)", i, o->code0, o->ncodes,
                  p->ncodes);
    if (!range_ok(o->plan0, o->nplans, p->ncodes))
      return fail(v, "policy %u: plans %u+%u out of range (ncodes %u)", i, o->plan0, o->nplans,
                  p->ncodes);
    if (!range_ok(o->branch0, o->nbranches, p->nbranches))
      return fail(v, "policy %u: branches %u+%u out of range (nbranches %u)", i, o->branch0,
                  o->nbranches, p->nbranches);
    if (!range_ok(o->crit0, o->ncrit, p->ncrit))
      return fail(v, "policy %u: criteria %u+%u out of range (ncrit %u)", i, o->crit0, o->ncrit,
                  p->ncrit);
    uint32_t naspects = 0;
    for (uint32_t b = o->branch0; b < o->branch0 + o->nbranches; b++) {
      const pol_Branch *br = &p->branches[b];
      if (br->aspect != POL_NOSTR && ++naspects > POL_MAX_ASPECTS)
        return fail(v, "policy %u: more than %d assess blocks", i, POL_MAX_ASPECTS);
      for (uint32_t j = br->crit0; j < br->crit0 + br->ncrit; j++)
        if (p->branch_crit[j] < o->crit0 || p->branch_crit[j] - o->crit0 >= o->ncrit)
          return fail(v, "policy %u: branch %u uses criterion %u of another policy", i, b,
                      p->branch_crit[j]);
      for (uint32_t j = br->ecrit0; j < br->ecrit0 + br->necrit; j++)
        if (p->branch_crit[j] < o->crit0 || p->branch_crit[j] - o->crit0 >= o->ncrit)
          return fail(v, "policy %u: branch %u uses criterion %u of another policy", i, b,
                      p->branch_crit[j]);
    }
    /* The VM keeps a policy's results in an array indexed by c - crit0. */
    for (uint32_t c = o->crit0; c < o->crit0 + o->ncrit; c++) {
      const pol_Crit *cr = &p->crit[c];
      if (o->ntags < 32 && (cr->tags >> o->ntags) != 0)
        return fail(v, "policy %u: criterion %u has tags beyond the policy's %u", i, c, o->ntags);
      for (uint32_t j = cr->child0; j < cr->child0 + cr->nchildren; j++)
        if (p->crit_children[j] - o->crit0 >= o->ncrit)
          return fail(v, "policy %u: criterion %u has child %u of another policy", i, c,
                      p->crit_children[j]);
    }
    if (o->ntags > 32 || !range_ok(o->tag0, o->ntags, p->ntagnames))
      return fail(v, "policy %u: tags %u+%u out of range (ntagnames %u)", i, o->tag0, o->ntags,
                  p->ntagnames);
    if (!range_ok(o->dec0, o->ndec, p->ndec))
      return fail(v, "policy %u: decision words %u+%u out of range (ndec %u)", i, o->dec0,
                  o->ndec, p->ndec);
    if (o->ndec && check_decision(v, i, p->dec + o->dec0, o->ndec, o->ntags)) return -1;
    if (o->otherwise != PO_DENY && o->otherwise != PO_PEND && o->otherwise != PO_REFER)
      return fail(v, "policy %u: outcome %u when no branch applies is not deny, pend or refer", i,
                  o->otherwise);
    if (str_id(v, o->otherwise_text, 1, "policy", i, "otherwise text")) return -1;
  }
  for (uint32_t i = 0; i < p->nsteps; i++) {
    const pol_Step *s = &p->steps[i];
    if (s->policy >= p->npol)
      return fail(v, "next step %u: policy %u out of range (npol %u)", i, s->policy, p->npol);
    if (i > 0 && s->policy < p->steps[i - 1].policy)
      return fail(v, "next step %u: not sorted by policy", i);
    const pol_Policy *o = &p->pol[s->policy];
    if (s->branch != POL_NOSTR && (s->branch < o->branch0 || s->branch - o->branch0 >= o->nbranches))
      return fail(v, "next step %u: branch %u is not a branch of policy %u", i, s->branch, s->policy);
    if (str_id(v, s->text, 0, "next step", i, "text")) return -1;
  }
  for (uint32_t i = 0; i < p->nchosen; i++) {
    const pol_Chosen *s = &p->chosen[i];
    if (s->crit >= p->ncrit)
      return fail(v, "reviewer-chosen parameter %u: criterion %u out of range (ncrit %u)", i, s->crit,
                  p->ncrit);
    if (i > 0 && s->crit < p->chosen[i - 1].crit)
      return fail(v, "reviewer-chosen parameter %u: not sorted by criterion", i);
    if (str_id(v, s->name, 0, "reviewer-chosen parameter", i, "name") ||
        str_id(v, s->value, 0, "reviewer-chosen parameter", i, "value") ||
        str_id(v, s->why, 0, "reviewer-chosen parameter", i, "reason"))
      return -1;
  }
  if (p->denials > POL_DENIALS_RECOMMENDED)
    return fail(v, "note: denials rule %u out of range", p->denials);
  for (uint32_t i = 0; i < p->nplandecl; i++) {
    const pol_PlanDecl *d = &p->plandecl[i];
    if (str_id(v, d->name, 0, "plan", i, "name")) return -1;
    if (d->denials > POL_DENIALS_RECOMMENDED)
      return fail(v, "plan %u: denials rule %u out of range", i, d->denials);
    for (int t = 0; t < POL_NT__COUNT; t++)
      if (str_id(v, d->text[t], 1, "plan", i, "text")) return -1;
  }
  if (p->built >= p->nstr)
    return fail(v, "meta: built string id %u out of range (nstr %u)", p->built, p->nstr);
  return 0;
}

/* AUTH (2.2): each entry names a branch, a field of authfields.def and a
   block; entries are sorted by (branch, field), each pair once; the fact
   holding what was requested is a line fact of the type the request
   states (a list of strings for levels), or none for a field a request
   does not state. */
static int check_auth(V *v)
{
  const pol_Program *p = v->p;
  for (uint32_t i = 0; i < p->nauth; i++) {
    const pol_Auth *a = &p->auth[i];
    if (a->branch >= p->nbranches)
      return fail(v, "authorize entry %u: branch %u out of range (nbranches %u)", i, a->branch,
                  p->nbranches);
    if (a->field >= POL_AUTH__COUNT)
      return fail(v, "authorize entry %u: field %u is not a field of authorize", i, a->field);
    if (a->block >= p->nblocks)
      return fail(v, "authorize entry %u: block %u out of range (nblocks %u)", i, a->block,
                  p->nblocks);
    if (i > 0 && (a->branch < a[-1].branch || (a->branch == a[-1].branch && a->field <= a[-1].field)))
      return fail(v, "authorize entry %u: not sorted by branch and field, or a field twice", i);
    if (!pol_auth_request_key(a->field)) {
      if (a->reqfact != POL_NOSTR)
        return fail(v, "authorize entry %u: field %s has no requested fact", i, pol_auth_name(a->field));
      continue;
    }
    if (a->reqfact >= p->nfacts)
      return fail(v, "authorize entry %u: requested fact %u out of range (nfacts %u)", i,
                  a->reqfact, p->nfacts);
    const pol_Fact *f = &p->facts[a->reqfact];
    pol_Kind k = pol_auth_kind(a->field);
    uint32_t want = k == PK_LIST ? POL_TYPE(PK_LIST, PK_STR, 0) : POL_TYPE(k, 0, 0);
    if (f->scope != POL_SCOPE_LINE || f->type != want)
      return fail(v, "authorize entry %u: requested fact %u is not a line fact of the field's type",
                  i, a->reqfact);
  }
  return 0;
}

/* Value sets (section VSET): names, systems, ranges in bounds; each
   set's ranges non-empty (lo < hi), sorted and disjoint (hi <= the next
   lo), so a binary search finds a code's range; the policies' sets. */
static int check_vsets(V *v)
{
  const pol_Program *p = v->p;
  for (uint32_t i = 0; i < p->nvsr; i++)
    if (str_id(v, p->vsr[i].lo, 0, "value set range", i, "lo") ||
        str_id(v, p->vsr[i].hi, 0, "value set range", i, "hi"))
      return -1;
  for (uint32_t i = 0; i < p->nvs; i++) {
    const pol_VSet *s = &p->vs[i];
    if (str_id(v, s->name, 0, "value set", i, "name") || str_id(v, s->title, 0, "value set", i, "title"))
      return -1;
    if (s->system >= POL_CS__COUNT)
      return fail(v, "value set %u: unknown code system %u", i, s->system);
    if (!range_ok(s->r0, s->nr, p->nvsr))
      return fail(v, "value set %u: ranges %u+%u out of range (nvsr %u)", i, s->r0, s->nr, p->nvsr);
    for (uint32_t j = s->r0; j < s->r0 + s->nr; j++) {
      const pol_VRange *r = &p->vsr[j];
      if (strcmp(p->str[r->lo], p->str[r->hi]) >= 0)
        return fail(v, "value set %u: range %u is empty (lo >= hi)", i, j);
      if (j > s->r0 && strcmp(p->str[p->vsr[j - 1].hi], p->str[r->lo]) > 0)
        return fail(v, "value set %u: range %u is not sorted after range %u, or overlaps it", i, j, j - 1);
    }
  }
  if (p->npolvs != 0 && p->npolvs != p->npol)
    return fail(v, "%u policy value sets for %u policies", p->npolvs, p->npol);
  for (uint32_t i = 0; i < p->npolvs; i++)
    if (p->polvs[i] != POL_NOSTR && p->polvs[i] >= p->nvs)
      return fail(v, "policy %u: value set %u out of range (nvs %u)", i, p->polvs[i], p->nvs);
  return 0;
}

/* FHIR (2.3): every binding names strings of the table (where, a map's
   field, conversion and argument may be POL_NOSTR), its codes and maps
   lie inside fhirstr (2.4: or it names a value set), and flags holds
   only POL_FHIR_LIST and POL_FHIR_VSET. */
static int check_fhir(V *v)
{
  const pol_Program *p = v->p;
  for (uint32_t i = 0; i < p->nfhirstr; i++)
    if (p->fhirstr[i] >= p->nstr && p->fhirstr[i] != POL_NOSTR)
      return fail(v, "fhir string %u: id %u out of range (nstr %u)", i, p->fhirstr[i], p->nstr);
  for (uint32_t i = 0; i < p->nfhir; i++) {
    const pol_FhirBind *b = &p->fhir[i];
    if (b->target >= p->nstr || b->source >= p->nstr || (b->where >= p->nstr && b->where != POL_NOSTR))
      return fail(v, "fhir binding %u: a string id out of range (nstr %u)", i, p->nstr);
    if ((b->flags & POL_FHIR_VSET) && (b->code0 >= p->nvs || b->ncodes != 0 || b->where == POL_NOSTR))
      return fail(v, "fhir binding %u: value set %u out of range (nvs %u)", i, b->code0, p->nvs);
    if ((!(b->flags & POL_FHIR_VSET) && (b->code0 > p->nfhirstr || b->ncodes > p->nfhirstr - b->code0)) ||
        b->map0 > p->nfhirstr || b->nmap > (p->nfhirstr - b->map0) / 4 || b->nmap == 0)
      return fail(v, "fhir binding %u: codes or maps outside the fhir strings (%u)", i, p->nfhirstr);
    if ((b->flags & ~(POL_FHIR_LIST | POL_FHIR_VSET)) || (!(b->flags & POL_FHIR_LIST) && b->nmap != 1))
      return fail(v, "fhir binding %u: bad flags %u or a scalar with %u maps", i, b->flags, b->nmap);
    for (uint32_t k = 0; k < b->ncodes; k++)
      if (p->fhirstr[b->code0 + k] == POL_NOSTR)
        return fail(v, "fhir binding %u: code %u is no string", i, k);
    for (uint32_t k = 0; k < b->nmap; k++)
      if (p->fhirstr[b->map0 + 4 * k + 1] == POL_NOSTR ||
          !!(b->flags & POL_FHIR_LIST) != (p->fhirstr[b->map0 + 4 * k] != POL_NOSTR))
        return fail(v, "fhir binding %u: map %u has no element, or a field name it should not", i, k);
  }
  return 0;
}

static int verify(const pol_Program *p, int strings_checked, char *err, size_t errlen)
{
  V v = {.p = p, .err = err, .errlen = errlen, .strings_checked = strings_checked};
  if (!p) return fail(&v, "no program");
  build_plan(v.plan);
  int rc = check_arrays(&v) || check_tables(&v) || check_code(&v) || check_witnesses(&v) ||
           check_crit(&v) || check_policies(&v) || check_auth(&v) || check_vsets(&v) ||
           check_fhir(&v) || check_defs(&v);
  free(v.blk_of);
  return rc ? -1 : 0;
}

int pol_verify(const pol_Program *p, char *err, size_t errlen)
{
  return verify(p, 0, err, errlen);
}

int pol_verify_loaded(const pol_Program *p, char *err, size_t errlen)
{
  return verify(p, 1, err, errlen);
}
