/*
 * exec.c -- the VM: the dispatch loop over tagged three-valued values,
 * and the per-line driver (routing, branches, criteria, decision).
 *
 * Only verified programs run (verify.c): every register, constant, fact,
 * evidence and block index in the code is in range, blocks end in RET and
 * quantifier bodies have higher indices than their callers, so the
 * recursion in run() is bounded by POL_MAX_DEPTH.  What the verifier cannot
 * know (the tag of a value in a register) is checked here: an operation on
 * values of the wrong kind yields unknown, never undefined behaviour.
 */
#include "vm_impl.h"
#include "codes.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUDGET 10000000u
/* Besides the blocks it runs, each item a quantifier, count, count distinct
   or coverage visits costs this much: a loop whose body is cheap still
   pays per item, and stops when the budget does. */
#define ITEM_COST 1u

/* ---- values ------------------------------------------------------------ */

static int str_eq(const pol_Value *a, const pol_Value *b)
{
  if (a->aux != POL_NOSTR && b->aux != POL_NOSTR) return a->aux == b->aux;
  if (a->aux != b->aux && (a->aux != POL_NOSTR) != (b->aux != POL_NOSTR)) {
    /* one is a bundle string, the other is not: interned strings are
       unique, so they differ */
    return 0;
  }
  return strcmp(a->u.s, b->u.s) == 0;
}

/* Numeric view of a number or a range: its bounds as decimals (a range's
   whole-number bounds are exact decimals). */
static int num_range(const pol_Value *v, pol_Dec *lo, pol_Dec *hi)
{
  if (v->tag == PV_NUM) { *lo = *hi = v->u.d; return 1; }
  if (v->tag == PV_RANGE) { *lo = pol_dec_of_int32(v->u.r.lo); *hi = pol_dec_of_int32(v->u.r.hi); return 1; }
  return 0;
}

static pol_Value compare(pol_Op op, const pol_Value *a, const pol_Value *b)
{
  if (a->tag == PV_UNK || b->tag == PV_UNK) return pol_unk();
  pol_Dec alo, ahi, blo, bhi;
  if (num_range(a, &alo, &ahi) && num_range(b, &blo, &bhi)) {
    int yes, no;
    switch (op) {
    case OP_EQ: yes = alo == ahi && blo == bhi && alo == blo; no = ahi < blo || bhi < alo; break;
    case OP_NE: no = alo == ahi && blo == bhi && alo == blo; yes = ahi < blo || bhi < alo; break;
    case OP_LT: yes = ahi < blo; no = alo >= bhi; break;
    case OP_LE: yes = ahi <= blo; no = alo > bhi; break;
    case OP_GT: yes = alo > bhi; no = ahi <= blo; break;
    default:    yes = alo >= bhi; no = ahi < blo; break;
    }
    return yes ? pol_bool(1) : no ? pol_bool(0) : pol_unk();
  }
  if (a->tag != b->tag) return pol_unk();
  int c;
  switch (a->tag) {
  case PV_DATE: case PV_BOOL:
    c = (int32_t)a->aux < (int32_t)b->aux ? -1 : (int32_t)a->aux > (int32_t)b->aux;
    break;
  case PV_STR:
    if (op == OP_EQ || op == OP_NE) {
      int eq = str_eq(a, b);
      return pol_bool(op == OP_EQ ? eq : !eq);
    }
    c = strcmp(a->u.s, b->u.s);
    break;
  default:
    return pol_unk();
  }
  switch (op) {
  case OP_EQ: return pol_bool(c == 0);
  case OP_NE: return pol_bool(c != 0);
  case OP_LT: return pol_bool(c < 0);
  case OP_LE: return pol_bool(c <= 0);
  case OP_GT: return pol_bool(c > 0);
  default:    return pol_bool(c >= 0);
  }
}

/* A range known exactly is a number. */
static pol_Value exact(const pol_Value *v)
{
  return v->tag == PV_RANGE && v->u.r.lo == v->u.r.hi ? pol_num_int(v->u.r.lo) : *v;
}

/* An arithmetic result beyond the range of numbers: the case cannot be
   judged.  The first is kept for pol_vm_eval's message; the value is
   unknown meanwhile, and the evaluation stops after the line. */
static pol_Value overflow(pol_VM *vm, pol_Op op, pol_Dec a, pol_Dec b)
{
  if (!vm->overflow) {
    vm->overflow = 1;
    vm->ovf_op = op;
    vm->ovf_a = a;
    vm->ovf_b = b;
    vm->ovf_crit = vm->at_crit;
  }
  return pol_unk();
}

/* Ranges are whole numbers within +-RANGE_MAX; wider is unknown. */
#define RANGE_MAX 2000000000

__extension__ typedef __int128 i128;   /* decimal.c requires it too */

/* floor(n / d) or ceil(n / d), d > 0. */
static i128 div_floor(i128 n, i128 d) { return n / d - (n % d < 0); }
static i128 div_ceil(i128 n, i128 d) { return n / d + (n % d > 0); }

/* The whole-number range [floor(lo / d), ceil(hi / d)] (d > 0): sound, it
   only ever holds more than the exact interval. */
static pol_Value widen(i128 lo, i128 hi, i128 d)
{
  lo = div_floor(lo, d);
  hi = div_ceil(hi, d);
  if (!(lo >= -RANGE_MAX && hi <= RANGE_MAX && lo <= hi)) return pol_unk();
  pol_Value v = pol_range((int32_t)lo, (int32_t)hi);
  return exact(&v);
}

/* Interval arithmetic on a range and a number or two ranges: computed
   exactly on the decimals of the bounds, widened to whole numbers. */
static pol_Value range_arith(pol_Op op, const pol_Value *a, const pol_Value *b)
{
  pol_Dec alo, ahi, blo, bhi;
  if (!num_range(a, &alo, &ahi) || !num_range(b, &blo, &bhi)) return pol_unk();
  if (op == OP_ADD) return widen((i128)alo + blo, (i128)ahi + bhi, POL_DEC_SCALE);
  if (op == OP_SUB) return widen((i128)alo - bhi, (i128)ahi - blo, POL_DEC_SCALE);
  const pol_Dec x[4] = {alo, alo, ahi, ahi}, y[4] = {blo, bhi, blo, bhi};
  i128 lo = 0, hi = 0;
  if (op == OP_MUL) {
    /* products of decimals: scaled by POL_DEC_SCALE twice */
    for (int k = 0; k < 4; k++) {
      i128 c = (i128)x[k] * y[k];
      if (k == 0 || c < lo) lo = c;
      if (k == 0 || c > hi) hi = c;
    }
    return widen(lo, hi, (i128)POL_DEC_SCALE * POL_DEC_SCALE);
  }
  /* OP_DIV: the quotients of the bounds (their scales cancel), each
     rounded outwards; unknown when the divisor may be 0 */
  if (blo <= 0 && bhi >= 0) return pol_unk();
  for (int k = 0; k < 4; k++) {
    i128 n = y[k] < 0 ? -(i128)x[k] : x[k], d = y[k] < 0 ? -(i128)y[k] : y[k];
    i128 f = div_floor(n, d), e = div_ceil(n, d);
    if (k == 0 || f < lo) lo = f;
    if (k == 0 || e > hi) hi = e;
  }
  return widen(lo, hi, 1);
}

static pol_Value arith(pol_VM *vm, pol_Op op, const pol_Value *a0, const pol_Value *b0)
{
  pol_Value av = exact(a0), bv = exact(b0);
  const pol_Value *a = &av, *b = &bv;
  /* 0 times any number is 0 */
  if (op == OP_MUL && ((a->tag == PV_NUM && a->u.d == 0 && b->tag == PV_UNK) ||
                       (b->tag == PV_NUM && b->u.d == 0 && a->tag == PV_UNK)))
    return pol_num_int(0);
  if (a->tag == PV_UNK || b->tag == PV_UNK) return pol_unk();
  if (a->tag == PV_NUM && b->tag == PV_NUM) {
    pol_Dec r;
    pol_DecStatus st;
    switch (op) {
    case OP_ADD: st = pol_dec_add(a->u.d, b->u.d, &r); break;
    case OP_SUB: st = pol_dec_sub(a->u.d, b->u.d, &r); break;
    case OP_MUL: st = pol_dec_mul(a->u.d, b->u.d, &r); break;
    default:
      if (b->u.d == 0) return pol_unk();   /* x / 0 is unknown */
      st = pol_dec_div(a->u.d, b->u.d, &r);
      break;
    }
    return st == POL_DEC_OK ? pol_num(r) : overflow(vm, op, a->u.d, b->u.d);
  }
  if (a->tag == PV_RANGE || b->tag == PV_RANGE) return range_arith(op, a, b);
  if (a->tag == PV_DATE && b->tag == PV_DUR && (op == OP_ADD || op == OP_SUB)) {
    int s = op == OP_ADD ? 1 : -1;
    int64_t months = (int64_t)s * b->u.r.lo, days = (int64_t)s * b->u.r.hi;
    if (months < -1200000 || months > 1200000 || days < -100000000 || days > 100000000)
      return pol_unk();
    if (vm->dm_ok && vm->dm_date == (int32_t)a->aux && vm->dm_months == months && vm->dm_days == days)
      return vm->dm_ok == 1 ? pol_date(vm->dm_res) : pol_unk();
    int64_t d = (int64_t)pol_add_months((int32_t)a->aux, (int32_t)months) + days;
    /* every date value stays within 0001..9999 (the case loader and the
       verifier see to the others), so the date arithmetic cannot overflow */
    int in = d >= POL_DAY_FIRST && d <= POL_DAY_LAST;
    vm->dm_ok = in ? 1 : 2;   /* 2: the result is outside 0001..9999, unknown */
    vm->dm_date = (int32_t)a->aux;
    vm->dm_months = months;
    vm->dm_days = days;
    vm->dm_res = in ? (int32_t)d : 0;
    return in ? pol_date((int32_t)d) : pol_unk();
  }
  if (a->tag == PV_DATE && b->tag == PV_DATE && op == OP_SUB)   /* dates of 0001..9999 */
    return pol_num_int((int32_t)a->aux - (int32_t)b->aux);
  return pol_unk();
}

static pol_Value in_set(const pol_Program *p, const pol_Value *s, const pol_Value *set)
{
  /* nothing is in an empty list, whatever the string */
  if (set->tag == PV_LIST && ((const pol_List *)set->u.p)->n == 0) return pol_bool(0);
  if (s->tag == PV_UNK || set->tag == PV_UNK) return pol_unk();
  if (s->tag != PV_STR) return pol_unk();
  if (set->tag == PV_SET) {
    if (set->aux >= p->nsets || s->aux == POL_NOSTR) return pol_bool(0);
    const uint32_t *it = p->setitems + p->set0[set->aux];
    uint32_t lo = 0, hi = p->setn[set->aux];
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (it[mid] == s->aux) return pol_bool(1);
      if (it[mid] < s->aux) lo = mid + 1;
      else hi = mid;
    }
    return pol_bool(0);
  }
  if (set->tag == PV_LIST) {
    const pol_List *l = set->u.p;
    int unknown = 0;
    for (uint32_t i = 0; i < l->n; i++) {
      const pol_Value *it = &l->items[i];
      if (it->tag == PV_UNK) unknown = 1;
      else if (it->tag == PV_STR && str_eq(s, it)) return pol_bool(1);
    }
    return unknown ? pol_unk() : pol_bool(0);
  }
  return pol_unk();
}

/* d within w: false when d is before a known start or after a known end
   (or the window is empty), whatever is unknown; true when d and both ends
   are known and d lies between them; else unknown. */
static pol_Value within(const pol_Value *d, const pol_Value *w)
{
  if (w->tag != PV_WIN) return pol_unk();
  int lo_known = !(w->aux & POL_WIN_LO_UNK), hi_known = !(w->aux & POL_WIN_HI_UNK);
  if (lo_known && hi_known && w->u.r.lo > w->u.r.hi) return pol_bool(0);   /* empty */
  if (d->tag != PV_DATE) return pol_unk();
  int32_t x = (int32_t)d->aux;
  if ((lo_known && x < w->u.r.lo) || (hi_known && x > w->u.r.hi)) return pol_bool(0);
  return lo_known && hi_known ? pol_bool(1) : pol_unk();
}

/* R[A] := R[B] and R[C] (or_ 0), or R[B] or R[C] (or_ 1), in place
   (Kleene): z, the truth that decides alone (false for and), if either
   is z; else the other truth if both are booleans; else unknown.  Inline
   in run(): the call of an out-of-line copy cost more than the registers
   it takes there (docs/performance.md, "A fifth pass").  Tag and aux are
   read as the 32-bit words they are written as (a 64-bit read of two
   32-bit stores waits for them: no store forwarding). */
static inline void kleene_word(pol_Value *a, const pol_Value *b, const pol_Value *c, int or_)
{
  uint32_t z = or_ ? 1u : 0u;
  int bb = b->tag == PV_BOOL, cb = c->tag == PV_BOOL;
  if ((bb && b->aux == z) || (cb && c->aux == z)) *a = pol_bool((int)z);
  else if (bb && cb) *a = pol_bool(!z);
  else *a = pol_unk();
}

/* Whether *v is false (true): a boolean with aux 0 (1). */
static inline int is_false(const pol_Value *v) { return v->tag == PV_BOOL && v->aux == 0; }
static inline int is_true(const pol_Value *v) { return v->tag == PV_BOOL && v->aux == 1; }

/* ---- trace records ----------------------------------------------------- */

/* Records an unknown fact read by the criterion (or branch condition)
   being judged, once per criterion: its records start at miss_floor.  A
   criterion reads at most every fact and field of the program, so the
   search is bounded by the program, not by the case. */
static void note_missing(pol_VM *vm, uint32_t rec, uint32_t idx)
{
  for (uint32_t i = vm->miss_floor; i < vm->nmiss; i++)
    if (vm->miss[i].rec == rec && vm->miss[i].idx == idx) return;
  if (vm->nmiss == vm->capmiss) {
    uint32_t cap = vm->capmiss ? vm->capmiss * 2 : 256;
    pol_Missing *m = realloc(vm->miss, cap * sizeof *m);
    if (!m) return;   /* the trace loses a hint, the decision is unaffected */
    vm->miss = m;
    vm->capmiss = cap;
  }
  vm->miss[vm->nmiss].rec = rec;
  vm->miss[vm->nmiss++].idx = idx;
}

/* Out of line: only a traced run calls it; the loop stays as small as
   without witnesses. */
__attribute__((noinline)) static void note_evidence(pol_VM *vm, uint32_t evid, const pol_Value *v)
{
  if (vm->nev == vm->capev) {
    uint32_t cap = vm->capev ? vm->capev * 2 : 256;
    pol_EvRec *e = realloc(vm->ev, cap * sizeof *e);
    if (!e) return;
    vm->ev = e;
    vm->capev = cap;
  }
  pol_EvRec *r = &vm->ev[vm->nev++];
  r->evid = evid;
  r->v = *v;
  r->wit0 = vm->nwr;
  r->nwit = 0;
  if (vm->witnessing && vm->evwit && vm->evwit[evid] != POL_NOSTR) {
    pol_witness_note(vm, vm->evwit[evid]);
    vm->ev[vm->nev - 1].nwit = vm->nwr - vm->ev[vm->nev - 1].wit0;
  }
}

/* ---- the loop ---------------------------------------------------------- */

static pol_Value run(pol_VM *vm, uint32_t block);

/* Charges n units of work that are not instructions (a linear search, a
   row of item results, a loop's items, a sort) to the budget, so that no
   case can make the VM work or allocate much more than the budget says.
   0, or -1 once the budget is spent: then vm->out_of_budget is set and
   every loop, block and judgement stops at once (nothing runs after it;
   the case fails with C0201). */
static int charge(pol_VM *vm, uint64_t n)
{
  if (n > vm->left) {
    vm->out_of_budget = 1;
    vm->left = 0;
    return -1;
  }
  vm->left -= n;
  return 0;
}

static int grow_keys(pol_VM *vm, uint32_t n)
{
  if (n <= vm->capkeys) return 0;
  pol_Value *k = realloc(vm->keys, n * sizeof *k);
  if (!k) return -1;
  vm->keys = k;
  uint8_t *s = realloc(vm->keysure, n);
  if (!s) return -1;
  vm->keysure = s;
  vm->capkeys = n;
  return 0;
}

static int key_eq(const pol_Value *a, const pol_Value *b)
{
  if (a->tag != b->tag) return 0;
  switch (a->tag) {
  case PV_STR: return str_eq(a, b);
  case PV_NUM: return a->u.d == b->u.d;
  default: return a->aux == b->aux;
  }
}

/* COUNTD: [sure, possible] number of distinct keys of the items whose body
   holds.  An item with an unknown key whose body holds or may hold raises
   the possible count by one (it may fall on a new key); one whose body
   holds makes the sure count at least 1 (it has some key). */
static pol_Value count_distinct(pol_VM *vm, const pol_List *l, int item, uint32_t body, uint32_t key)
{
  pol_Value *R = vm->regs;
  /* the scratch is a stack: a nested COUNTD (in body or key) works above
     this one's keys; indices, not pointers, survive its growth */
  uint32_t base = vm->nkeys;
  if (grow_keys(vm, base + l->n) != 0) return pol_unk();
  uint32_t nk = 0, unknown_keys = 0;
  int some_sure = 0;   /* an item whose body holds, its key unknown */
  for (uint32_t i = 0; i < l->n; i++) {
    vm->nkeys = base + nk;
    if (charge(vm, ITEM_COST) != 0) break;
    vm->visits++;
    R[item] = l->items[i];
    pol_Value b = run(vm, body);
    if (vm->out_of_budget) break;
    pol_Tri t = pol_truth(&b);
    if (t == POL_FALSE) continue;
    R[item] = l->items[i];
    pol_Value k = run(vm, key);
    if (vm->out_of_budget) break;
    k = exact(&k);
    if (k.tag == PV_UNK || k.tag == PV_RANGE) {
      unknown_keys++;
      some_sure |= t == POL_TRUE;
      continue;
    }
    uint32_t j = 0;
    if (charge(vm, nk) != 0) break;   /* the search for the key is linear */
    while (j < nk && !key_eq(&vm->keys[base + j], &k)) j++;
    if (j == nk) { vm->keys[base + nk] = k; vm->keysure[base + nk++] = 0; }
    if (t == POL_TRUE) vm->keysure[base + j] = 1;
  }
  vm->nkeys = base;
  if (vm->out_of_budget) return pol_unk();
  uint32_t sure = 0;
  for (uint32_t j = 0; j < nk; j++) sure += vm->keysure[base + j];
  if (sure == 0 && some_sure) sure = 1;
  return pol_range((int32_t)sure, (int32_t)(nk + unknown_keys));
}

static int cmp_ival(const void *a, const void *b)
{
  const pol_Ival *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts iv[0..n) by lo: by insertion while short (most coverages see a
   few intervals, where qsort's set-up is most of the work), else qsort.
   The measures below depend only on the intervals, not on the order of
   those with the same lo. */
#define SORT_INSERTION_MAX 16
static void sort_ivals(pol_Ival *iv, uint32_t n)
{
  if (n > SORT_INSERTION_MAX) { qsort(iv, n, sizeof *iv, cmp_ival); return; }
  for (uint32_t i = 1; i < n; i++) {
    pol_Ival x = iv[i];
    uint32_t j = i;
    for (; j > 0 && iv[j - 1].lo > x.lo; j--) iv[j] = iv[j - 1];
    iv[j] = x;
  }
}

/* Days of the union of iv[0..n) (clipped to a window; sorted here). */
static int64_t union_days(pol_Ival *iv, uint32_t n)
{
  sort_ivals(iv, n);
  int64_t days = 0;
  int32_t cur_lo = 0, cur_hi = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i == 0 || iv[i].lo > cur_hi + 1) {
      if (i) days += (int64_t)cur_hi - cur_lo + 1;
      cur_lo = iv[i].lo;
      cur_hi = iv[i].hi;
    } else if (iv[i].hi > cur_hi) {
      cur_hi = iv[i].hi;
    }
  }
  if (n) days += (int64_t)cur_hi - cur_lo + 1;
  return days;
}

/* The longest stretch of consecutive days in the union of iv[0..n)
   (sorted here): intervals that meet or touch make one stretch. */
static int64_t longest_run(pol_Ival *iv, uint32_t n)
{
  sort_ivals(iv, n);
  int64_t best = 0;
  int32_t cur_lo = 0, cur_hi = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i == 0 || iv[i].lo > cur_hi + 1) {
      cur_lo = iv[i].lo;
      cur_hi = iv[i].hi;
    } else if (iv[i].hi > cur_hi) {
      cur_hi = iv[i].hi;
    }
    if ((int64_t)cur_hi - cur_lo + 1 > best) best = (int64_t)cur_hi - cur_lo + 1;
  }
  return best;
}

/* The Ax of the EXTRA word with role `role` of instruction x, whose
   opcode is op: pol_extra_at with the role's place known at compile time,
   for the loops below, which know their opcode (op and role constants,
   the role one of op's in opcodes.def: strchr of two constants folds). */
static inline uint32_t extra_of(const pol_Instr *x, pol_Op op, char role)
{
  const char *roles = "";
  switch (op) {
#define OP(name, fmt, a, b, c, xr, doc) case OP_##name: roles = xr; break;
#include "opcodes.def"
#undef OP
  case OP__COUNT: break;
  }
  return POL_Ax(x[1 + (strchr(roles, role) - roles)]);
}

/* A start, end or key block of COVER, RUN or GAP that only reads a field
   of a record register, `x.f` (FIELD a, r, f; RET a), or that field else
   a fact, `x.f ?? fact` (FIELD a, r, f; JKNOWN a +1; FACT a, k; RET a;
   FIELDQ and FACTQ, the no-trace code's forms, alike):
   without a trace such a block has no effect but R[a] and the budget, so
   the loops read it in place rather than run() it, per item (two runs an
   item of MP-MM-1366's coverages).  vm->lean_read[b], once per VM with the
   no-trace code (read_shapes).  Bodies are run: the hot ones are not of
   these shapes, and testing for them cost more than it saved. */
enum { READ_RUN, READ_FIELD, READ_FIELD_OR_FACT };

static inline void field(const pol_VM *vm, pol_Value *a, const pol_Value *r, uint32_t f);

/* Block b's shape in code (verified: the block ends with its RET, so c[1]
   .. c[3] are read only after the words before them matched). */
static uint8_t read_shape(const pol_Instr *code, const pol_Block *bk)
{
  const pol_Instr *c = code + bk->start;
  if (POL_OP(c[0]) != OP_FIELD && POL_OP(c[0]) != OP_FIELDQ) return READ_RUN;
  uint32_t a = POL_A(c[0]);
  if (POL_OP(c[1]) == OP_RET && POL_A(c[1]) == a) return READ_FIELD;
  if (POL_OP(c[1]) == OP_JKNOWN && POL_A(c[1]) == a && POL_Bx(c[1]) == 1 &&
      (POL_OP(c[2]) == OP_FACT || POL_OP(c[2]) == OP_FACTQ) && POL_A(c[2]) == a &&
      POL_OP(c[3]) == OP_RET && POL_A(c[3]) == a)
    return READ_FIELD_OR_FACT;
  return READ_RUN;
}

/* vm->lean_read for the no-trace code (vm->lean); left NULL (every block
   run) when memory runs out. */
static void read_shapes(pol_VM *vm)
{
  const pol_Program *p = vm->p;
  if (!vm->lean || !p->nblocks) return;
  vm->lean_read = malloc(p->nblocks);
  for (uint32_t b = 0; vm->lean_read && b < p->nblocks; b++)
    vm->lean_read[b] = read_shape(vm->lean, &vm->lean_blocks[b]);
}

/* How the loops get a start, end or key block's value: READ_RUN unless
   the no-trace code runs (tracing off: FIELD and FACT note nothing). */
static inline uint8_t read_kind(const pol_VM *vm, uint32_t block)
{
  return !vm->tracing && vm->lean_read && vm->run_code == vm->lean ? vm->lean_read[block] : READ_RUN;
}

/* The value of block `block` of shape kind, as run() gives it, with the
   same effects on the registers and the budget (charged the block's
   original length).  Inlined into each loop: a call costs a third of what
   a read does. */
__attribute__((always_inline))
static inline pol_Value read_value(pol_VM *vm, uint32_t block, uint8_t kind)
{
  if (kind == READ_RUN) return run(vm, block);
  const pol_Block *bk = &vm->run_blocks[block];
  if (charge(vm, bk->len) != 0) return pol_unk();
  const pol_Instr *c = vm->run_code + bk->start;
  pol_Value *R = vm->regs, *a = &R[POL_A(c[0])];
  field(vm, a, &R[POL_B(c[0])], POL_C(c[0]));
  if (kind == READ_FIELD_OR_FACT && !pol_known(a)) *a = vm->slots[POL_Bx(c[2])];
  return *a;
}

/* COVER: [sure, possible] days of window w covered by the union of
   [start, end] over the items whose body holds.  Sure: the items whose
   body is true and whose start and end are known.  Possible: the items
   whose body is true or unknown; one of them with an unknown start or end
   may cover the whole window.  Items whose body is false do not count.
   RUN (longest set): the same with the longest stretch of consecutive days
   instead of all the days: more intervals never shorten it, so the sure
   and possible items bound it exactly as they bound the days. */
static pol_Value cover(pol_VM *vm, const pol_List *l, int item, const pol_Instr *x,
                       const pol_Value *w, int longest)
{
  int64_t (*measure)(pol_Ival *, uint32_t) = longest ? longest_run : union_days;
  pol_Value *R = vm->regs;
  /* a stack, as for COUNTD: nested coverages work above this one */
  /* the scratch holds up to 2n intervals: the sure ones from the bottom,
     those whose body is unknown from the top */
  uint32_t base = vm->nivals, cap = 2 * l->n;
  if (base + cap > vm->capivals) {
    pol_Ival *iv = realloc(vm->ivals, (base + cap) * sizeof *iv);
    if (!iv) return pol_unk();
    vm->ivals = iv;
    vm->capivals = base + cap;
  }
  /* the blocks, read once rather than per item */
#define X_(role) (longest ? extra_of(x, OP_RUN, role) : extra_of(x, OP_COVER, role))
  uint32_t bbody = X_('b'), bstart = X_('s'), bend = X_('e');
#undef X_
  uint8_t kstart = read_kind(vm, bstart), kend = read_kind(vm, bend);
  int32_t wlo = w->u.r.lo, whi = w->u.r.hi;
  uint32_t n = 0, nmaybe = 0;
  int unbounded = 0;   /* an item that may count has an unknown start or end */
  for (uint32_t i = 0; i < l->n; i++) {
    vm->nivals = base + cap;   /* nested coverages work above this one's scratch */
    if (charge(vm, ITEM_COST) != 0) break;
    vm->visits++;
    R[item] = l->items[i];
    pol_Value b = run(vm, bbody);
    if (vm->out_of_budget) break;
    pol_Tri t = pol_truth(&b);
    if (t == POL_FALSE) continue;
    R[item] = l->items[i];
    pol_Value s = read_value(vm, bstart, kstart);
    if (vm->out_of_budget) break;
    R[item] = l->items[i];
    pol_Value e = read_value(vm, bend, kend);
    if (vm->out_of_budget) break;
    if (s.tag != PV_DATE || e.tag != PV_DATE) { unbounded = 1; continue; }
    int32_t lo = (int32_t)s.aux > wlo ? (int32_t)s.aux : wlo;
    int32_t hi = (int32_t)e.aux < whi ? (int32_t)e.aux : whi;
    if (lo > hi) continue;
    pol_Ival *slot = t == POL_TRUE ? &vm->ivals[base + n++] : &vm->ivals[base + cap - ++nmaybe];
    slot->lo = lo;
    slot->hi = hi;
  }
  vm->nivals = base;
  if (vm->out_of_budget) return pol_unk();
  /* the sorts of union_days: n log n */
  uint64_t log2n = 0;
  for (uint32_t m = n + nmaybe; m > 1; m >>= 1) log2n++;
  if (charge(vm, 2 * (uint64_t)(n + nmaybe) * log2n) != 0) return pol_unk();
  int64_t whole = whi >= wlo ? (int64_t)whi - wlo + 1 : 0;
  if (n + nmaybe == 0) return pol_range(0, unbounded ? (int32_t)whole : 0);
  /* never offset a NULL scratch: n + nmaybe > 0, so ivals exists */
  pol_Ival *iv = vm->ivals + base;
  int64_t sure = measure(iv, n);   /* sorts the sure block only */
  if (unbounded) return pol_range((int32_t)sure, (int32_t)whole);
  if (nmaybe == 0) return pol_range((int32_t)sure, (int32_t)sure);
  /* the intervals that may count, next to the sure ones */
  memmove(iv + n, iv + cap - nmaybe, nmaybe * sizeof *iv);
  int64_t possible = measure(iv, n + nmaybe);
  return pol_range((int32_t)sure, (int32_t)possible);
}

/* ---- sums, latest / earliest, sets, durations, if ----------------------- */

/* The list of the strings of constant set `set` (SETLIST), built for every
   set on first use; unknown if memory runs out. */
static pol_Value set_list(pol_VM *vm, const pol_Value *set)
{
  const pol_Program *p = vm->p;
  if (set->tag != PV_SET || set->aux >= p->nsets) return pol_unk();
  if (!vm->setlists) {
    pol_List *l = calloc(p->nsets, sizeof *l);
    pol_Value *v = calloc(p->nsetitems ? p->nsetitems : 1, sizeof *v);
    if (!l || !v) { free(l); free(v); return pol_unk(); }
    for (uint32_t i = 0; i < p->nsetitems; i++) {
      uint32_t id = p->setitems[i] < p->nstr ? p->setitems[i] : 0;
      v[i].tag = PV_STR;
      v[i].aux = id;
      v[i].u.s = p->str[id];
    }
    for (uint32_t i = 0; i < p->nsets; i++) {
      uint64_t a = p->set0[i], n = p->setn[i];
      if (a + n > p->nsetitems) a = n = 0;   /* the verifier refuses such a set */
      l[i].n = (uint32_t)n;
      l[i].elem = PK_STR;
      l[i].items = v + a;
    }
    vm->setlists = l;
    vm->setvals = v;
  }
  pol_Value r = {PV_LIST, 0, {0}};
  r.u.p = &vm->setlists[set->aux];
  return r;
}

/* days(n) (unit 0), weeks(n) (1), years(n) (2): a whole number of days,
   weeks or years within 10000 years (the bounds of duration constants);
   anything else is unknown. */
static pol_Value duration_of(const pol_Value *n0, uint32_t unit)
{
  pol_Value n = exact(n0);
  if (n.tag != PV_NUM || !pol_dec_is_int(n.u.d)) return pol_unk();
  int64_t k = n.u.d / POL_DEC_SCALE;
  int64_t lim = unit == 2 ? 10000 : unit == 1 ? 3652425 / 7 : 3652425;
  if (k < -lim || k > lim) return pol_unk();
  pol_Value d = {PV_DUR, 0, {0}};
  if (unit == 2) d.u.r.lo = (int32_t)(k * 12);
  else d.u.r.hi = (int32_t)(unit == 1 ? k * 7 : k);
  return d;
}

/* Two known values that are one value (bools, numbers known exactly,
   strings, dates, durations). */
static int same_value(const pol_Value *a0, const pol_Value *b0)
{
  pol_Value a1 = exact(a0), b1 = exact(b0);
  const pol_Value *a = &a1, *b = &b1;
  if (!pol_known(a) || !pol_known(b) || a->tag != b->tag) return 0;
  switch (a->tag) {
  case PV_BOOL: case PV_DATE: return a->aux == b->aux;
  case PV_NUM: return a->u.d == b->u.d;
  case PV_STR: return str_eq(a, b);
  case PV_DUR: return a->u.r.lo == b->u.r.lo && a->u.r.hi == b->u.r.hi;
  default: return 0;
  }
}

/* MERGE, `if C then A else B` with C unknown: the value both branches
   agree on; for two numbers (or ranges) the whole-number range holding
   both; else unknown. */
static pol_Value merge(const pol_Value *a0, const pol_Value *b0)
{
  pol_Value a = exact(a0), b = exact(b0);
  if (same_value(&a, &b)) return a;
  pol_Dec alo, ahi, blo, bhi;
  if (!num_range(&a, &alo, &ahi) || !num_range(&b, &blo, &bhi)) return pol_unk();
  return widen(alo < blo ? alo : blo, ahi > bhi ? ahi : bhi, POL_DEC_SCALE);
}

/* MIN (dir -1) / MAX (dir 1) of two known numbers (a range is known to
   lie in its bounds: the result's bounds are the least / greatest of the
   bounds, widened to whole numbers unless both are exact) or two dates;
   else unknown (a bound-free unknown number may be anything). */
static pol_Value min_max(const pol_Value *a0, const pol_Value *b0, int dir)
{
  pol_Value a = exact(a0), b = exact(b0);
  if (a.tag == PV_DATE && b.tag == PV_DATE) {
    int32_t x = (int32_t)a.aux, y = (int32_t)b.aux;
    return pol_date(dir < 0 ? (x < y ? x : y) : (x > y ? x : y));
  }
  pol_Dec alo, ahi, blo, bhi;
  if (!num_range(&a, &alo, &ahi) || !num_range(&b, &blo, &bhi)) return pol_unk();
  pol_Dec lo = dir < 0 ? (alo < blo ? alo : blo) : (alo > blo ? alo : blo);
  pol_Dec hi = dir < 0 ? (ahi < bhi ? ahi : bhi) : (ahi > bhi ? ahi : bhi);
  if (a.tag == PV_NUM && b.tag == PV_NUM) return pol_num(lo);
  return widen(lo, hi, POL_DEC_SCALE);
}

/* LOOKUP: the value of key s in the table whose keys are set `set` (sorted
   string ids) and whose values start at constant k0; the default K[k0 + n]
   when the table has one (dflt), else unknown with its reason noted. */
static pol_Value lookup(pol_VM *vm, const pol_Value *s, uint32_t set, uint32_t k0, int dflt)
{
  const pol_Program *p = vm->p;
  if (s->tag != PV_STR) return pol_unk();
  const uint32_t *it = p->setitems + p->set0[set];
  uint32_t lo = 0, hi = p->setn[set], n = hi;
  while (s->aux != POL_NOSTR && lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (it[mid] == s->aux) return p->k[k0 + mid];
    if (it[mid] < s->aux) lo = mid + 1;
    else hi = mid;
  }
  if (dflt) return p->k[k0 + n];
  if (vm->tracing) note_missing(vm, POL_MISS_REASON, k0 + n);
  return pol_unk();
}

/* SUM: v1 + v2 + ... over the items whose body is true, in list order (a
   partial sum out of range stops the case, as `+` does); an item whose
   body is unknown adds [min(0, v), max(0, v)]; a value that is a range adds
   its range.  Unknown when an item whose body is true or unknown has an
   unknown value (a number may be anything, negative too). */
static pol_Value sum(pol_VM *vm, const pol_List *l, int item, uint32_t body, uint32_t val)
{
  pol_Value *R = vm->regs;
  pol_Dec acc = 0;
  i128 lo = 0, hi = 0;
  int unknown = 0;
  for (uint32_t i = 0; i < l->n; i++) {
    if (charge(vm, ITEM_COST) != 0) return pol_unk();
    vm->visits++;
    R[item] = l->items[i];
    pol_Value b = run(vm, body);
    if (vm->out_of_budget) return pol_unk();
    pol_Tri t = pol_truth(&b);
    if (t == POL_FALSE) continue;
    R[item] = l->items[i];
    pol_Value v = run(vm, val);
    if (vm->out_of_budget) return pol_unk();
    v = exact(&v);
    pol_Dec vlo, vhi;
    if (!num_range(&v, &vlo, &vhi)) { unknown = 1; continue; }
    if (t == POL_TRUE && v.tag == PV_NUM) {
      pol_Dec r;
      if (pol_dec_add(acc, v.u.d, &r) != POL_DEC_OK) return overflow(vm, OP_ADD, acc, v.u.d);
      acc = r;
    }
    if (t == POL_TRUE) { lo += vlo; hi += vhi; }
    else { lo += vlo < 0 ? vlo : 0; hi += vhi > 0 ? vhi : 0; }
  }
  if (unknown) return pol_unk();
  if (lo == hi) return pol_num((pol_Dec)lo);   /* == acc */
  return widen(lo, hi, POL_DEC_SCALE);
}

/* The order of two known keys (dates, or numbers known exactly): <0, 0, >0. */
static int key_cmp(const pol_Value *a, const pol_Value *b)
{
  if (a->tag == PV_DATE) return (int32_t)a->aux < (int32_t)b->aux ? -1 : (int32_t)a->aux > (int32_t)b->aux;
  return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
}

static int key_known(const pol_Value *k) { return k->tag == PV_DATE || k->tag == PV_NUM; }

/* LATEST (dir 1) / EARLIEST (dir -1): the value of the item whose body is
   true and whose key is greatest (least).  M is the greatest known key of
   the items whose body is true.  The items that may be that item: body
   true or unknown, and key unknown or not before M.  The result is their
   value when they all agree on one (one item: its value); else unknown.
   No item whose body may be true: unknown, and fact f - 1 (the list) is
   noted missing; items whose bodies are all unknown: unknown. */
static pol_Value latest(pol_VM *vm, const pol_List *l, int item, const pol_Instr *x, int dir)
{
  pol_Value *R = vm->regs;
  uint32_t body = pol_extra_at(x, 'b'), key = pol_extra_at(x, 'k'), val = pol_extra_at(x, 'v');
  uint32_t f = pol_extra_at(x, 'f');
  /* the COUNTD scratch, as a stack: keys[base + i], keysure[base + i]
     the truth of item i's body */
  uint32_t base = vm->nkeys;
  if (grow_keys(vm, base + l->n) != 0) return pol_unk();
  int have_m = 0, some_true = 0, some = 0;
  pol_Value m = pol_unk();
  for (uint32_t i = 0; i < l->n; i++) {
    vm->nkeys = base + i;
    if (charge(vm, ITEM_COST) != 0) break;
    vm->visits++;
    R[item] = l->items[i];
    pol_Value b = run(vm, body);
    if (vm->out_of_budget) break;
    pol_Tri t = pol_truth(&b);
    vm->keysure[base + i] = (uint8_t)t;
    vm->keys[base + i] = pol_unk();
    if (t == POL_FALSE) continue;
    some = 1;
    some_true |= t == POL_TRUE;
    vm->nkeys = base + i + 1;   /* a nested COUNTD or LATEST in the key block works above item i */
    R[item] = l->items[i];
    pol_Value k = run(vm, key);
    if (vm->out_of_budget) break;
    k = exact(&k);
    vm->keys[base + i] = k;
    if (t == POL_TRUE && key_known(&k) && (!have_m || dir * key_cmp(&k, &m) > 0)) { m = k; have_m = 1; }
  }
  vm->nkeys = base + l->n;
  pol_Value r = pol_unk();
  int found = 0, agree = 1;
  for (uint32_t i = 0; i < l->n && !vm->out_of_budget && some_true; i++) {
    if ((pol_Tri)vm->keysure[base + i] == POL_FALSE) continue;
    const pol_Value *k = &vm->keys[base + i];
    if (have_m && key_known(k) && dir * key_cmp(k, &m) < 0) continue;
    R[item] = l->items[i];
    pol_Value v = run(vm, val);
    if (vm->out_of_budget) break;
    if (!found) { r = v; found = 1; }
    else if (!same_value(&r, &v)) agree = 0;
  }
  vm->nkeys = base;
  if (vm->out_of_budget) return pol_unk();
  if (!some && f && vm->tracing) note_missing(vm, POL_NOSTR, f - 1);
  if (!some_true || !found || !agree) return pol_unk();
  return r;
}

static int cmp_i32(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

/* The longest difference between neighbours of the sorted d[0..n), n >= 2. */
static int64_t max_gap(int32_t *d, uint32_t n)
{
  qsort(d, n, sizeof *d, cmp_i32);
  int64_t best = 0;
  for (uint32_t i = 1; i < n; i++)
    if ((int64_t)d[i] - d[i - 1] > best) best = (int64_t)d[i] - d[i - 1];
  return best;
}

/* The smallest longest gap k more dates can leave among the sorted
   d[0..n): the least m such that splitting every gap g into parts of at
   most m days takes no more than k dates (ceil(g / m) - 1 each). */
static int64_t min_gap_with(const int32_t *d, uint32_t n, uint64_t k, int64_t hi)
{
  int64_t lo = 0;   /* invariant: hi is reachable */
  while (lo < hi) {
    int64_t m = lo + (hi - lo) / 2;
    uint64_t need = 0;
    for (uint32_t i = 1; i < n && need <= k; i++) {
      int64_t g = (int64_t)d[i] - d[i - 1];
      if (g > 0) need += m == 0 ? k + 1 : (uint64_t)((g + m - 1) / m - 1);
    }
    if (need <= k) hi = m;
    else lo = m + 1;
  }
  return hi;
}

/* GAP: [least, most] of the longest gap between neighbouring dates among
   the window's two ends and key(x) of the items in the window whose body
   holds.  More dates never lengthen it: most comes from the items whose
   body is true with a known date; least from those whose body may be true
   with a known date, plus, for each one whose date is unknown, a date
   placed where it splits the longest gaps best. */
static pol_Value gap(pol_VM *vm, const pol_List *l, int item, const pol_Instr *x, const pol_Value *w)
{
  pol_Value *R = vm->regs;
  int32_t wlo = w->u.r.lo, whi = w->u.r.hi;
  if (whi < wlo) return pol_range(0, 0);   /* an empty window has no gap */
  /* scratch as in COVER: the sure dates from the bottom, the maybe ones
     from the top, the ends at both (a pair of dates per pol_Ival) */
  uint32_t base = vm->nivals, cap = l->n + 2;
  if (base + cap > vm->capivals) {
    pol_Ival *iv = realloc(vm->ivals, (base + cap) * sizeof *iv);
    if (!iv) return pol_unk();
    vm->ivals = iv;
    vm->capivals = base + cap;
  }
  uint32_t n = 0, nmaybe = 0;
  uint64_t nfree = 0;   /* items that may count, their date unknown */
  uint32_t body = extra_of(x, OP_GAP, 'b'), key = extra_of(x, OP_GAP, 'k');
  uint8_t kkey = read_kind(vm, key);
  for (uint32_t i = 0; i < l->n; i++) {
    vm->nivals = base + cap;
    if (charge(vm, ITEM_COST) != 0) break;
    vm->visits++;
    R[item] = l->items[i];
    pol_Value b = run(vm, body);
    if (vm->out_of_budget) break;
    pol_Tri t = pol_truth(&b);
    if (t == POL_FALSE) continue;
    R[item] = l->items[i];
    pol_Value k = read_value(vm, key, kkey);
    if (vm->out_of_budget) break;
    if (k.tag != PV_DATE) { nfree++; continue; }
    int32_t d = (int32_t)k.aux;
    if (d < wlo || d > whi) continue;
    if (t == POL_TRUE) vm->ivals[base + n++].lo = d;
    else vm->ivals[base + cap - ++nmaybe].lo = d;
  }
  vm->nivals = base;
  if (vm->out_of_budget) return pol_unk();
  uint64_t log2n = 0;
  for (uint32_t m = n + nmaybe + 2; m > 1; m >>= 1) log2n++;
  if (charge(vm, 2 * (uint64_t)(n + nmaybe + 2) * (log2n + 1)) != 0) return pol_unk();
  /* the dates, packed: the sure ones and the ends, then the maybe ones */
  int32_t *d = malloc(((size_t)n + nmaybe + 2) * sizeof *d);
  if (!d) return pol_unk();
  for (uint32_t i = 0; i < n; i++) d[i] = vm->ivals[base + i].lo;
  d[n] = wlo;
  d[n + 1] = whi;
  for (uint32_t i = 0; i < nmaybe; i++) d[n + 2 + i] = vm->ivals[base + cap - 1 - i].lo;
  int64_t most = max_gap(d, n + 2);   /* sorts the first n + 2 only */
  int64_t all = nmaybe ? max_gap(d, n + 2 + nmaybe) : most;
  int64_t least = nfree ? min_gap_with(d, n + 2 + nmaybe, nfree, all) : all;
  free(d);
  return pol_range((int32_t)least, (int32_t)most);
}

/* ---- lists the VM makes (LIST, PERIODS) --------------------------------- */

struct pol_LChunk {
  pol_LChunk *next;
  size_t used, cap;
  pol_Value data[];   /* pol_Value alignment serves pol_List too */
};

#define LCHUNK_VALUES 4096u

/* Room for n values from the VM's list arena (NULL when out of memory).
   The arena is reused from its start at each case. */
static pol_Value *list_room(pol_VM *vm, size_t n)
{
  pol_LChunk **at = &vm->lists;
  for (; *at; at = &(*at)->next)
    if ((*at)->cap - (*at)->used >= n) break;
  if (!*at) {
    size_t cap = n > LCHUNK_VALUES ? n : LCHUNK_VALUES;
    pol_LChunk *c = malloc(sizeof *c + cap * sizeof(pol_Value));
    if (!c) return NULL;
    c->next = NULL;
    c->used = 0;
    c->cap = cap;
    *at = c;
  }
  pol_Value *v = (*at)->data + (*at)->used;
  (*at)->used += n;
  return v;
}

static void lists_reset(pol_VM *vm)
{
  for (pol_LChunk *c = vm->lists; c; c = c->next) c->used = 0;
}

static void lists_free(pol_VM *vm)
{
  while (vm->lists) {
    pol_LChunk *next = vm->lists->next;
    free(vm->lists);
    vm->lists = next;
  }
}

/* A list of the n values v of element type elem, in the arena. */
static pol_Value make_list(pol_VM *vm, const pol_Value *v, uint32_t n, uint32_t elem)
{
  _Static_assert(sizeof(pol_List) <= sizeof(pol_Value), "a list header takes one value's room");
  pol_Value *room = list_room(vm, (size_t)n + 1);
  if (!room) return pol_unk();
  if (n) memcpy(room + 1, v, n * sizeof *v);
  pol_List *l = (pol_List *)(void *)room;
  *l = (pol_List){n, elem, room + 1};
  pol_Value out = {PV_LIST, 0, {0}};
  out.u.p = l;
  return out;
}

/* The element type of a list LIST makes: its first item's kind. */
static uint32_t elem_of(const pol_Value *v)
{
  switch (v->tag) {
  case PV_BOOL: return POL_TYPE(PK_BOOL, 0, 0);
  case PV_NUM: case PV_RANGE: return POL_TYPE(PK_NUM, 0, 0);
  case PV_STR: return POL_TYPE(PK_STR, 0, 0);
  case PV_DATE: return POL_TYPE(PK_DATE, 0, 0);
  case PV_DUR: return POL_TYPE(PK_DUR, 0, 0);
  case PV_WIN: return POL_TYPE(PK_WIN, 0, 0);
  case PV_SET: return POL_TYPE(PK_SET, 0, 0);
  case PV_LIST: return POL_TYPE(PK_LIST, 0, 0);
  case PV_REC: return POL_TYPE(PK_REC, 0, v->aux);
  case PV_UNK: return POL_TYPE(PK_NONE, 0, 0);
  }
  return POL_TYPE(PK_NONE, 0, 0);
}

/* PERIODS: every window [s, s + dur - 1 day] with s a day of w and the
   window inside w, in order of s; none when dur is shorter than a day. */
static pol_Value periods(pol_VM *vm, const pol_Value *dur, const pol_Value *w)
{
  if (dur->tag != PV_DUR || w->tag != PV_WIN || !pol_known(w)) return pol_unk();
  int32_t lo = w->u.r.lo, hi = w->u.r.hi;
  if (hi < lo) return make_list(vm, NULL, 0, POL_TYPE(PK_WIN, 0, 0));
  /* a period per day of w at most: paid for before it is made */
  uint64_t days = (uint64_t)((int64_t)hi - lo + 1);
  if (charge(vm, days * ITEM_COST) != 0) return pol_unk();
  pol_Value *room = list_room(vm, days + 1);
  if (!room) return pol_unk();
  uint32_t n = 0;
  for (int32_t s = lo; s <= hi; s++) {
    /* months first, then days, as date + duration (end within 0001-9999:
       s is, and the duration is bounded by the verifier) */
    int64_t e = (int64_t)pol_add_months(s, dur->u.r.lo) + dur->u.r.hi - 1;
    if (e > hi) break;   /* e grows with s: no later period fits */
    if (e < s) continue;
    pol_Value v = {PV_WIN, 0, {0}};
    v.u.r.lo = s;
    v.u.r.hi = (int32_t)e;
    room[1 + n++] = v;
  }
  pol_List *l = (pol_List *)(void *)room;
  *l = (pol_List){n, POL_TYPE(PK_WIN, 0, 0), room + 1};
  pol_Value out = {PV_LIST, 0, {0}};
  out.u.p = l;
  return out;
}

/* CALWIN: the calendar month (kind 0), quarter (1) or year (2) of date d. */
static pol_Value calendar_window(const pol_Value *d, uint32_t kind)
{
  if (d->tag != PV_DATE) return pol_unk();
  int y, m, day;
  pol_civil_from_days((int32_t)d->aux, &y, &m, &day);
  int first = kind == 2 ? 1 : kind == 1 ? (m - 1) / 3 * 3 + 1 : m;
  int last = kind == 2 ? 12 : kind == 1 ? first + 2 : m;
  pol_Value w = {PV_WIN, 0, {0}};
  w.u.r.lo = pol_days_from_civil(y, first, 1);
  w.u.r.hi = last == 12 ? pol_days_from_civil(y + 1, 1, 1) - 1 : pol_days_from_civil(y, last + 1, 1) - 1;
  return w;
}

/* The loop builds as a switch, or with computed goto (a GNU extension,
   about 20% faster here) where the compiler has it. */
#if defined(__GNUC__) && !defined(POL_SWITCH_DISPATCH)
#define POL_COMPUTED_GOTO 1
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
/* GCC merges the handlers' identical dispatch tails into one indirect
   jump (cross-jumping); kept apart, each handler jumps to the next itself:
   one x86 instruction less per VM instruction, and a jump the CPU can
   predict per handler (docs/performance.md, "A fourth pass"). */
#if defined(POL_COMPUTED_GOTO) && !defined(__clang__)
#define POL_RUN_ATTR __attribute__((optimize("no-crossjumping")))
#else
#define POL_RUN_ATTR
#endif

/* R[A] := field f of record *r: unknown unless r is a record with field f
   (the record types' field counts in one array of the VM: no stride of
   pol_RecType, no load of the program). */
static inline void field(const pol_VM *vm, pol_Value *a, const pol_Value *r, uint32_t f)
{
  if (r->tag != PV_REC || r->aux >= vm->nrec || f >= vm->recnf[r->aux]) *a = pol_unk();
  else *a = ((const pol_Value *)r->u.p)[f];
}

/* EQK: *a := *a == *k. */
static inline void eq_const(pol_Value *a, const pol_Value *k)
{
  /* a string against a bundle string: both interned, one comparison of
     ids (str_eq: a string the bundle does not hold is none of its own) */
  if (a->tag == PV_STR && k->tag == PV_STR && k->aux != POL_NOSTR) *a = pol_bool(a->aux == k->aux);
  else *a = compare(OP_EQ, a, k);
}

/* LTK, LEK, GTK, GEK: *a := *a op *k; two numbers compared in place, as
   compare() would (a number's bounds are itself). */
static inline void num_const(pol_Value *a, const pol_Value *k, pol_Op op)
{
  if (a->tag == PV_NUM && k->tag == PV_NUM) {
    pol_Dec x = a->u.d, y = k->u.d;
    *a = pol_bool(op == OP_LT ? x < y : op == OP_LE ? x <= y : op == OP_GT ? x > y : x >= y);
  } else {
    *a = compare(op, a, k);
  }
}

/* INK: *a := *a in the constant set *set; -1 when a list constant's
   search cannot be paid for (the case fails). */
static inline int in_const(pol_VM *vm, pol_Value *a, const pol_Value *set)
{
  const pol_Program *p = vm->p;
  /* a string in a mapped constant set (lean.c): one bit; as in_set */
  if (a->tag == PV_STR && set->tag == PV_SET && set->aux < p->nsets && vm->setspan[set->aux] != POL_NOSTR) {
    uint32_t d = a->aux - vm->setlo[set->aux];   /* POL_NOSTR: past any span */
    *a = pol_bool(d < vm->setspan[set->aux] &&
                  (vm->setbits[vm->setw0[set->aux] + d / 64] >> (d % 64) & 1u));
    return 0;
  }
  if (set->tag == PV_LIST && charge(vm, ((const pol_List *)set->u.p)->n) != 0) return -1;
  *a = in_set(p, a, set);
  return 0;
}

/* COVER, RUN, GAP (op): the list R[B] over the window in the register its
   EXTRA 'w' names, x the instruction; unknown unless R[B] is a list and the
   window is known. */
static pol_Value window_op(pol_VM *vm, const pol_Value *R, pol_Instr i, const pol_Instr *x, pol_Op op)
{
  const pol_Value *w = &R[op == OP_GAP ? extra_of(x, OP_GAP, 'w')
                          : op == OP_RUN ? extra_of(x, OP_RUN, 'w') : extra_of(x, OP_COVER, 'w')];
  if (R[POL_B(i)].tag != PV_LIST || !pol_known(w) || w->tag != PV_WIN) return pol_unk();
  if (op == OP_GAP) return gap(vm, R[POL_B(i)].u.p, (int)POL_C(i), x, w);
  return cover(vm, R[POL_B(i)].u.p, (int)POL_C(i), x, w, op == OP_RUN);
}

_Static_assert(OPW__COUNT <= 256, "a decoded opcode is a byte");

/* Whether block b of the no-trace code is one field read or field
   comparison and the RET of its register: FEQK a, r, f + EXTRA q + RET a,
   FINK alike, or FIELDQ a, r, f + RET a (`exists x in l where x.f in
   {...}`). */
static int leaf_body(const pol_VM *vm, uint32_t b)
{
  if (b >= vm->p->nblocks) return 0;
  const pol_Instr *c = vm->lean;
  uint32_t s = vm->lean_blocks[b].start;
  if (s >= vm->nlean) return 0;
  pol_Op op = POL_OP(c[s]);
  uint32_t n = op == OP_FEQK || op == OP_FINK ? 2 : op == OP_FIELDQ ? 1 : 0;
  if (n == 0 || s + n >= vm->nlean) return 0;
  if (n == 2 && POL_OP(c[s + 1]) != OP_EXTRA) return 0;
  return POL_OP(c[s + n]) == OP_RET && POL_A(c[s + n]) == POL_A(c[s]);
}

/* In the decoded no-trace code, EXISTS and EVERY over a leaf body
   (leaf_body) become OPW_EXISTS1 and OPW_EVERY1, which do the body's one
   instruction per item themselves (run()).  Without a trace the body's
   block has no other effect; a traced run runs the program's code. */
static void leaf_quantifiers(pol_VM *vm)
{
  for (uint32_t w = 0; w + 1 < vm->nlean; w++) {
    pol_Op op = POL_OP(vm->lean[w]);
    if ((op == OP_EXISTS || op == OP_EVERY) && POL_OP(vm->lean[w + 1]) == OP_EXTRA &&
        leaf_body(vm, POL_Ax(vm->lean[w + 1])))
      vm->wide_lean[w].op = op == OP_EXISTS ? OPW_EXISTS1 : OPW_EVERY1;
  }
}

/* The superinstructions (wide.def FUSE) as the decoder matches them. */
static const struct { uint8_t first, then, fused; } fuse_tab[] = {
#define OPW(name, doc)
#define FUSE(first, then) {OPW_##first, OPW_##then, OPW_##first##_##then},
#include "wide.def"
#undef OPW
#undef FUSE
};

/* Fuses the decoded no-trace code (wide.def FUSE), right to left: a word
   of a `first` whose next instruction (past its EXTRA words) is decoded
   as `then` becomes the superinstruction; failing an exact match, one
   whose `then` is the next instruction as it was before it was fused
   itself (then's handler runs it alone: the same work).  The words past
   the first keep their own opcodes, so a jump into them runs them alone.
   A first that can go on to its next instruction is never a block's last
   (a verified block ends in RET, ANDRET or ORRET), so the pair is in one
   block. */
__attribute__((noinline)) static void fuse_code(pol_VM *vm)
{
  enum { NF = sizeof fuse_tab / sizeof fuse_tab[0] };
  _Static_assert(NF < UINT8_MAX, "a FUSE entry's index is a byte");
  /* the entries of each first opcode, chained: head[op], then link[f]
     (UINT8_MAX ends a chain); a block's last instruction is never one */
  uint8_t head[OP__COUNT], link[NF];
  memset(head, UINT8_MAX, sizeof head);
  for (size_t f = NF; f-- > 0;) {
    uint8_t op = fuse_tab[f].first;
    if (op == OP_RET || op == OP_ANDRET || op == OP_ORRET || op == OP_JMP) continue;
    link[f] = head[op];
    head[op] = (uint8_t)f;
  }
  pol_Wide *w = vm->wide_lean;
  uint8_t *was = malloc(vm->nlean ? vm->nlean : 1);
  if (!was) return;   /* unfused code is as correct */
  for (uint32_t k = 0; k < vm->nlean; k++) was[k] = w[k].op;
  for (uint32_t k = vm->nlean; k-- > 0;) {
    uint8_t op = w[k].op;
    if (op >= OP__COUNT || head[op] == UINT8_MAX) continue;
    uint32_t next = k + 1 + (uint32_t)strlen(pol_opinfo[op].xroles);
    if (next >= vm->nlean) continue;
    uint8_t hit = UINT8_MAX;
    for (uint8_t f = head[op]; f != UINT8_MAX && hit == UINT8_MAX; f = link[f])
      if (fuse_tab[f].then == w[next].op) hit = f;
    for (uint8_t f = head[op]; f != UINT8_MAX && hit == UINT8_MAX; f = link[f])
      if (fuse_tab[f].then == was[next]) hit = f;
    if (hit != UINT8_MAX) w[k].op = fuse_tab[hit].fused;
  }
  /* The body of an OPW_EXISTS1 or OPW_EVERY1 keeps its own first opcode:
     those handlers do the body's one instruction themselves and choose
     what to do by that opcode (a FUSE of FEQK or FINK with RET would
     otherwise make them skip the comparison). */
  for (uint32_t k = 0; k + 1 < vm->nlean; k++)
    if (w[k].op == OPW_EXISTS1 || w[k].op == OPW_EVERY1) {
      uint32_t s = vm->lean_blocks[POL_Ax(vm->lean[k + 1])].start;
      w[s].op = was[s];
    }
  free(was);
}

/* An operand of kind k (opcodes.def) as run() reads it: a register as its
   byte offset in the frame, a constant or fact slot as its byte offset in
   its table, anything else as it is. */
static uint32_t wide_operand(char k, uint32_t v)
{
  return k == 'W' || k == 'R' || k == 'I' || k == 'K' || k == 'F' ? v * (uint32_t)sizeof(pol_Value) : v;
}

/* The code as run() runs it, word for word (pol_Wide, vm_impl.h): each
   word decoded by its own opcode byte (an EXTRA word is OP_EXTRA), so the
   positions, and with them every jump, block start and EXTRA word, are
   those of code; then the EXTRA words of roles 'q' and 'g' by their
   instruction; words [from, n) of it into w. */
_Static_assert(sizeof(pol_Wide) == 8, "a decoded word is 8 bytes");
/* A, B and C are 8-bit fields (bytecode.h), so any of them as a byte
   offset, of whatever kind, fits the 16 bits of pol_Wide's a, b and c;
   only Bx (16 bits) needs the 32 of u.x */
_Static_assert(0xffu * sizeof(pol_Value) <= UINT16_MAX, "an 8-bit operand's byte offset fits 16 bits");
static void widen_into(pol_Wide *w, const pol_Instr *code, uint32_t from, uint32_t n)
{
  for (uint32_t k = from; k < n; k++) {
    pol_Instr i = code[k];
    pol_Op op = POL_OP(i);
    pol_Wide d = {(uint8_t)op, 0, (uint16_t)POL_A(i), {{(uint16_t)POL_B(i), (uint16_t)POL_C(i)}}};
    if (op < OP__COUNT) {
      const pol_OpInfo *in = &pol_opinfo[op];
      if (in->fmt == FMT_Ax) {
        d.a = 0;
        d.u.x = POL_Ax(i);
      } else {
        d.a = (uint16_t)wide_operand(in->a, POL_A(i));
        if (in->fmt == FMT_ABx) {
          d.u.x = wide_operand(in->b, POL_Bx(i));
        } else {
          d.u.bc.b = (uint16_t)wide_operand(in->b, POL_B(i));
          d.u.bc.c = (uint16_t)wide_operand(in->c, POL_C(i));
        }
      }
    }
    w[k] = d;
  }
  /* the EXTRA words an instruction reads as a constant ('q': its byte
     offset) or as a field of a record register ('g': the register's byte
     offset in bits 0-15, the field in 16-31) */
  for (uint32_t k = from; k < n; k++) {
    pol_Op op = POL_OP(code[k]);
    if (op >= OP__COUNT || op == OP_EXTRA) continue;
    const char *roles = pol_opinfo[op].xroles;
    for (uint32_t j = 0; roles[j] && k + 1 + j < n && POL_OP(code[k + 1 + j]) == OP_EXTRA; j++) {
      uint32_t ax = POL_Ax(code[k + 1 + j]);
      if (roles[j] == 'q') w[k + 1 + j].u.x = ax * (uint32_t)sizeof(pol_Value);
      else if (roles[j] == 'g') w[k + 1 + j].u.x = (ax & 0xffu) * (uint32_t)sizeof(pol_Value) | (ax >> 8 & 0xffu) << 16;
    }
  }
}

/* code[0 .. n) decoded whole (the no-trace code: leaf_quantifiers rewrites
   it after); NULL when memory runs out */
static pol_Wide *widen_code(const pol_Instr *code, uint32_t n)
{
  pol_Wide *w = malloc((n ? n : 1) * sizeof *w);
  if (w) widen_into(w, code, 0, n);
  return w;
}

/* The program's (traced) code is decoded a block at a time, when the block
   first runs (run()): a one-case trace runs one policy's blocks of a
   bundle's many, and decoding all of them cost it 0.44 M instructions and
   16 fresh pages at start (docs/performance.md, "A fifth pass").  A
   block's jumps and EXTRA words stay inside it (the verifier), so the
   block is all run() reads. */
static void widen_block(pol_VM *vm, uint32_t b)
{
  const pol_Block *bk = &vm->p->blocks[b];
  widen_into(vm->wide_code, vm->p->code, bk->start, bk->start + bk->len);
  vm->wide_done[b] = 1;
}

/* POL_OPSTATS (a measuring build only, never shipped: make B=build-stats
   CFLAGS="-O2 -g -DPOL_OPSTATS"): counts the decoded opcodes run() enters,
   and the pairs and triples of them in a row within a block run, and
   writes them at exit to $POL_OPSTATS_OUT (default opstats.txt) as lines
   "op N count", "pair N M count", "tri N M L count" (opcode numbers of
   vm_impl.h; triples of opcodes below 128 only).  The superinstructions
   of wide.def were chosen from these counts over the bench cases
   (docs/performance.md, "A sixth pass"). */
#ifdef POL_OPSTATS
#include <stdio.h>
static uint64_t st_op[256], st_pair[256][256], st_tri[128][128][128];
static void st_dump(void) __attribute__((destructor));
static void st_dump(void)
{
  FILE *f = fopen(getenv("POL_OPSTATS_OUT") ? getenv("POL_OPSTATS_OUT") : "opstats.txt", "w");
  if (!f) return;
  for (int i = 0; i < 256; i++)
    if (st_op[i]) fprintf(f, "op %d %llu\n", i, (unsigned long long)st_op[i]);
  for (int i = 0; i < 256; i++)
    for (int j = 0; j < 256; j++)
      if (st_pair[i][j]) fprintf(f, "pair %d %d %llu\n", i, j, (unsigned long long)st_pair[i][j]);
  for (int i = 0; i < 128; i++)
    for (int j = 0; j < 128; j++)
      for (int k = 0; k < 128; k++)
        if (st_tri[i][j][k]) fprintf(f, "tri %d %d %d %llu\n", i, j, k, (unsigned long long)st_tri[i][j][k]);
  fclose(f);
}
#define ST_REC() do {                                                       \
    st_op[ip->op]++;                                                        \
    if (st_p1 < 256) st_pair[st_p1][ip->op]++;                              \
    if (st_p2 < 128 && st_p1 < 128 && ip->op < 128) st_tri[st_p2][st_p1][ip->op]++; \
    st_p2 = st_p1;                                                          \
    st_p1 = ip->op;                                                         \
  } while (0)
#define ST_BLOCK() (st_p1 = st_p2 = 999)
#else
#define ST_REC() ((void)0)
#define ST_BLOCK() ((void)0)
#endif

POL_RUN_ATTR static pol_Value run(pol_VM *vm, uint32_t block)
{
  const pol_Program *p = vm->p;
  /* untraced: the code without EVID (lean.c), when there is one */
  const pol_Block *bk = &vm->run_blocks[block];
  /* ip: the instruction being run, in the decoded code (pol_Wide) */
  const pol_Wide *ip = vm->run_wide + bk->start;
  pol_Value *R = vm->regs;
  const pol_Value *K = p->k;
  /* the walks of EXISTS and EVERY this run() is in, innermost last: their
     bodies run here, without a C call a block (docs/performance.md, "A
     sixth pass"); a walk deeper than QDEPTH calls run() as before */
  enum { QDEPTH = 8 };
  typedef struct { const pol_Wide *ip; const pol_List *l; uint32_t k; pol_Tri acc, stop; } Walk;
  Walk fr[QDEPTH], *fp = fr;
  pol_Value rv;   /* what a body returned to its walk */
#ifdef POL_OPSTATS
  unsigned st_p1, st_p2;   /* the two opcodes entered before (either dispatch) */
#endif

  /* budget: charged per block run, by its length (the original's, traced
     or not: the trace never changes where a case runs out).  Once it ran
     out, left is 0 and a block (len >= 1: its RET) cannot pay. */
  if (charge(vm, bk->len) != 0) return pol_unk();

  /* operands (pol_Wide): a register by its byte offset in the frame, a
     constant or a fact slot by its byte offset in its table */
#define REG(off) (*(pol_Value *)((char *)R + (off)))
#define RA REG(ip->a)
#define RB REG(ip->u.bc.b)
#define RC REG(ip->u.bc.c)
#define KX (*(const pol_Value *)((const char *)K + ip->u.x))
#define KQ(off) (*(const pol_Value *)((const char *)K + (off)))   /* an EXTRA 'q' */
#define SLOT (*(const pol_Value *)((const char *)vm->slots + ip->u.x))
#define OB ((uint32_t)ip->u.bc.b)   /* B, C, Bx as they are (U, T, N, J, E) */
#define OC ((uint32_t)ip->u.bc.c)
#define BX (ip->u.x)
#define XW(n) (ip[n].u.x)           /* the Ax of the n-th EXTRA word */
#define IDX(off) ((int)((off) / sizeof(pol_Value)))   /* a register's index */
  /* the 32-bit word of the instruction, for the loops that read their
     EXTRA words by role (window_op, latest) */
#define CODE32 (vm->run_code + (ip - vm->run_wide))
#ifdef POL_COMPUTED_GOTO
  static const void *const labels[OPW__COUNT] = {
#define OP(name, fmt, a, b, c, x, doc) &&L_##name,
#include "opcodes.def"
#undef OP
#define OPW(name, doc) &&L_##name,
#define FUSE(first, then) &&L_##first##_##then,
#include "wide.def"
#undef OPW
#undef FUSE
  };
  _Static_assert(sizeof labels / sizeof labels[0] == OPW__COUNT, "a label per opcode of the decoded code");
#define CASE(name) L_##name:
#define CASE_W(name) L_##name:
#define NEXT() do { ip++; ST_REC(); goto *labels[ip->op]; } while (0)
  /* a superinstruction's second half: a direct jump to its handler */
#define GO(then) do { ip++; ST_REC(); goto L_##then; } while (0)
#define DISPATCH() goto *labels[ip->op]
  ST_BLOCK();
  ST_REC();
  goto *labels[ip->op];
#else
#define CASE(name) case OP_##name:
#define CASE_W(name) case OPW_##name:
#define NEXT() do { ip++; goto dispatch; } while (0)
#define GO(then) NEXT()
#define DISPATCH() goto dispatch
  for (;;) {
  dispatch:
    switch ((int)ip->op) {
#endif

  /* a block's return: to the walk whose body it is (q_ret), else to the
     caller */
#define RETV(v) do { if (fp == fr) return (v); rv = (v); goto q_ret; } while (0)
  /* The handlers a superinstruction (wide.def FUSE) begins with, as
     macros of their continuation K: NEXT() alone, GO(then) in the
     superinstruction.  A jump taken, a return or a failure leaves as the
     handler alone would.  None reads ip->op: a superinstruction's word
     holds its own. */
#define B_FACTQ(K) { RA = SLOT; K; }
#define B_FIELDQ(K) { field(vm, &RA, &RB, OC); K; }
#define B_MOVE(K) { RA = RB; K; }
#define B_KNOWN(K) { RA = pol_bool(pol_known(&RB)); K; }
#define B_NOT(K) { pol_Tri t_ = pol_truth(&RB); RA = t_ == POL_UNKNOWN ? pol_unk() : pol_bool(t_ == POL_FALSE); K; }
#define B_AND(K) { kleene_word(&RA, &RB, &RC, 0); K; }
#define B_OR(K) { kleene_word(&RA, &RB, &RC, 1); K; }
#define B_ANDRF(K) { kleene_word(&RA, &RB, &RC, 0); if (is_false(&RA)) RETV(RA); K; }
#define B_RETF(K) { if (is_false(&RA)) RETV(RA); K; }
#define B_RETT(K) { if (is_true(&RA)) RETV(RA); K; }
#define B_JFALSE(K) { if (is_false(&RA)) { ip += BX; NEXT(); } K; }
#define B_JTRUE(K) { if (is_true(&RA)) { ip += BX; NEXT(); } K; }
#define B_EQK(K) { eq_const(&RA, &KX); K; }
#define B_INK(K) { if (in_const(vm, &RA, &KX) != 0) return pol_unk(); K; }
#define B_FEQK(K) { field(vm, &RA, &RB, OC); eq_const(&RA, &KQ(XW(1))); ip += POL_NEXTRA_FEQK; K; }
#define B_FINK(K) { field(vm, &RA, &RB, OC); if (in_const(vm, &RA, &KQ(XW(1))) != 0) return pol_unk(); \
                    ip += POL_NEXTRA_FINK; K; }
#define B_FEQKRF(K) { field(vm, &RA, &RB, OC); eq_const(&RA, &KQ(XW(1))); if (is_false(&RA)) RETV(RA); \
                      ip += POL_NEXTRA_FEQKRF; K; }
#define B_FINKRF(K) { field(vm, &RA, &RB, OC); if (in_const(vm, &RA, &KQ(XW(1))) != 0) return pol_unk(); \
                      if (is_false(&RA)) RETV(RA); \
                      ip += POL_NEXTRA_FINKRF; K; }
  /* FEQKJT .. FINKJF: the target is the first EXTRA word + Bx, one word
     past ip + Bx; jt: jump if true (else if false) */
#define B_FEQKJ(K, jt) { uint32_t g_ = XW(1); pol_Value *a_ = &RA; field(vm, a_, &REG(g_ & 0xffffu), g_ >> 16); \
                         eq_const(a_, &KQ(XW(2))); if ((jt) ? is_true(a_) : is_false(a_)) { ip += BX; NEXT(); } \
                         ip += POL_NEXTRA_FEQKJT; K; }
#define B_FINKJ(K, jt) { uint32_t g_ = XW(1); pol_Value *a_ = &RA; field(vm, a_, &REG(g_ & 0xffffu), g_ >> 16); \
                         if (in_const(vm, a_, &KQ(XW(2))) != 0) return pol_unk(); \
                         if ((jt) ? is_true(a_) : is_false(a_)) { ip += BX; NEXT(); } \
                         ip += POL_NEXTRA_FINKJT; K; }
#define B_FEQKJT(K) B_FEQKJ(K, 1)
#define B_FEQKJF(K) B_FEQKJ(K, 0)
#define B_FINKJT(K) B_FINKJ(K, 1)
#define B_FINKJF(K) B_FINKJ(K, 0)
  CASE(LOADK) RA = KX; NEXT();
  CASE(LOADB) RA = pol_tri((pol_Tri)OB); NEXT();
  CASE(MOVE) B_MOVE(NEXT());
  CASE(FACT) {
    const pol_Value *v = &SLOT;
    RA = *v;
    if (v->tag == PV_UNK && vm->tracing) note_missing(vm, POL_NOSTR, IDX(BX));
    NEXT();
  }
  CASE(FIELD) {
    const pol_Value *r = &RB;
    uint32_t f = OC;
    if (r->tag != PV_REC || r->aux >= vm->nrec || f >= vm->recnf[r->aux]) {
      RA = pol_unk();
      NEXT();
    }
    uint32_t rec = r->aux;
    pol_Value *a = &RA;
    *a = ((const pol_Value *)r->u.p)[f];
    if (a->tag == PV_UNK && vm->tracing) note_missing(vm, rec, f);
    NEXT();
  }
  CASE(NOT) B_NOT(NEXT());
  CASE(AND) B_AND(NEXT());
  CASE(OR) B_OR(NEXT());
  CASE(JFALSE) B_JFALSE(NEXT());
  CASE(JTRUE) B_JTRUE(NEXT());
  CASE(JKNOWN) if (pol_known(&RA)) ip += BX; NEXT();
  CASE(JMP) ip += BX; NEXT();
  CASE(EQ) RA = compare(OP_EQ, &RB, &RC); NEXT();
  CASE(NE) RA = compare(OP_NE, &RB, &RC); NEXT();
  CASE(LT) RA = compare(OP_LT, &RB, &RC); NEXT();
  CASE(LE) RA = compare(OP_LE, &RB, &RC); NEXT();
  CASE(GT) RA = compare(OP_GT, &RB, &RC); NEXT();
  CASE(GE) RA = compare(OP_GE, &RB, &RC); NEXT();
  CASE(ADD) RA = arith(vm, OP_ADD, &RB, &RC); NEXT();
  CASE(SUB) RA = arith(vm, OP_SUB, &RB, &RC); NEXT();
  CASE(MUL) RA = arith(vm, OP_MUL, &RB, &RC); NEXT();
  CASE(DIV) RA = arith(vm, OP_DIV, &RB, &RC); NEXT();
  CASE(NEG) {
    pol_Value v = exact(&RB);
    RA = v.tag == PV_NUM ? pol_num(-v.u.d)   /* the range is symmetric */
       : v.tag == PV_RANGE ? pol_range(-v.u.r.hi, -v.u.r.lo) : pol_unk();
    NEXT();
  }
  CASE(FLOOR) {
    pol_Value v = exact(&RB);
    pol_Dec f;
    if (v.tag == PV_NUM)
      RA = pol_dec_floor(v.u.d, &f) == POL_DEC_OK ? pol_num(f) : overflow(vm, OP_FLOOR, v.u.d, 0);
    else
      RA = v.tag == PV_RANGE ? v : pol_unk();
    NEXT();
  }
  CASE(EQK) B_EQK(NEXT());
  CASE(NEK) RA = compare(OP_NE, &RA, &KX); NEXT();
  CASE(LTK) num_const(&RA, &KX, OP_LT); NEXT();
  CASE(LEK) num_const(&RA, &KX, OP_LE); NEXT();
  CASE(GTK) num_const(&RA, &KX, OP_GT); NEXT();
  CASE(GEK) num_const(&RA, &KX, OP_GE); NEXT();
  CASE(INK) B_INK(NEXT());
  CASE(IN) {
    const pol_Value *set = &RC;
    /* a list is searched item by item */
    if (set->tag == PV_LIST && charge(vm, ((const pol_List *)set->u.p)->n) != 0)
      return pol_unk();
    RA = in_set(p, &RB, set);
    NEXT();
  }
  CASE(INVS) {
    /* a binary search over the set's ranges: O(log n) */
    RA = pol_vset_member(p, XW(1), &RB);
    ip += POL_NEXTRA_INVS;
    NEXT();
  }
  CASE(KNOWN) B_KNOWN(NEXT());
  CASE(COALESCE) RA = pol_known(&RB) ? RB : RC; NEXT();
  CASE(WINDOW) {
    const pol_Value *a = &RB, *b = &RC;
    if (a->tag != PV_DATE && b->tag != PV_DATE) { RA = pol_unk(); NEXT(); }
    pol_Value w = {PV_WIN, 0, {0}};
    /* one end unknown: kept as a window whose other end still decides */
    if (a->tag == PV_DATE) w.u.r.lo = (int32_t)a->aux;
    else w.aux |= POL_WIN_LO_UNK;
    if (b->tag == PV_DATE) w.u.r.hi = (int32_t)b->aux;
    else w.aux |= POL_WIN_HI_UNK;
    RA = w;
    NEXT();
  }
  CASE(WPART) {
    const pol_Value *w = &RB;
    uint32_t unk = OC ? POL_WIN_HI_UNK : POL_WIN_LO_UNK;
    RA = w->tag != PV_WIN || (w->aux & unk) ? pol_unk()
       : pol_date(OC ? w->u.r.hi : w->u.r.lo);
    NEXT();
  }
  CASE(WITHIN) RA = within(&RB, &RC); NEXT();
  CASE(LEN) {
    const pol_Value *l = &RB;
    /* lists hold at most 100000 items (the case loader) */
    RA = l->tag == PV_LIST ? pol_num_int((int32_t)((const pol_List *)l->u.p)->n) : pol_unk();
    NEXT();
  }
  CASE(EXISTS) {
    if (RB.tag == PV_LIST && ((const pol_List *)RB.u.p)->n > 0 && fp < fr + QDEPTH) {
      *fp++ = (Walk){ip, RB.u.p, 0, POL_FALSE, POL_TRUE};
      goto q_item;
    }
    pol_Value *a = &RA, *item = &RC;
    const pol_Value *lv = &RB;
    uint32_t body = XW(1);
    ip += POL_NEXTRA_EXISTS;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    const pol_List *l = lv->u.p;
    pol_Tri acc = POL_FALSE;
    for (uint32_t k = 0; k < l->n && acc != POL_TRUE; k++) {
      if (charge(vm, ITEM_COST) != 0) return pol_unk();
      vm->visits++;
      *item = l->items[k];
      pol_Value v = run(vm, body);
      if (vm->out_of_budget) return pol_unk();
      pol_Tri t = pol_truth(&v);
      if (t == POL_TRUE) acc = POL_TRUE;
      else if (t == POL_UNKNOWN) acc = POL_UNKNOWN;
    }
    *a = pol_tri(acc);
    NEXT();
  }
  CASE(FIRST) {
    pol_Value *a = &RA, *item = &RC;
    const pol_Value *lv = &RB;
    uint32_t body = XW(1);
    ip += POL_NEXTRA_FIRST;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    const pol_List *l = lv->u.p;
    if (l->n == 0) { *a = pol_bool(0); NEXT(); }
    if (charge(vm, ITEM_COST) != 0) return pol_unk();
    vm->visits++;
    *item = l->items[0];
    pol_Value v = run(vm, body);
    if (vm->out_of_budget) return pol_unk();
    *a = pol_tri(pol_truth(&v));
    NEXT();
  }
  CASE(EVERY) {
    if (RB.tag == PV_LIST && ((const pol_List *)RB.u.p)->n > 0 && fp < fr + QDEPTH) {
      *fp++ = (Walk){ip, RB.u.p, 0, POL_TRUE, POL_FALSE};
      goto q_item;
    }
    pol_Value *a = &RA, *item = &RC;
    const pol_Value *lv = &RB;
    uint32_t body = XW(1);
    ip += POL_NEXTRA_EVERY;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    const pol_List *l = lv->u.p;
    pol_Tri acc = POL_TRUE;
    for (uint32_t k = 0; k < l->n && acc != POL_FALSE; k++) {
      if (charge(vm, ITEM_COST) != 0) return pol_unk();
      vm->visits++;
      *item = l->items[k];
      pol_Value v = run(vm, body);
      if (vm->out_of_budget) return pol_unk();
      pol_Tri t = pol_truth(&v);
      if (t == POL_FALSE) acc = POL_FALSE;
      else if (t == POL_UNKNOWN) acc = POL_UNKNOWN;
    }
    *a = pol_tri(acc);
    NEXT();
  }
  CASE(COUNT) {
    pol_Value *a = &RA, *item = &RC;
    const pol_Value *lv = &RB;
    uint32_t body = XW(1);
    ip += POL_NEXTRA_COUNT;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    const pol_List *l = lv->u.p;
    int32_t sure = 0, maybe = 0;
    for (uint32_t k = 0; k < l->n; k++) {
      if (charge(vm, ITEM_COST) != 0) return pol_unk();
      vm->visits++;
      *item = l->items[k];
      pol_Value v = run(vm, body);
      if (vm->out_of_budget) return pol_unk();
      pol_Tri t = pol_truth(&v);
      sure += t == POL_TRUE;
      maybe += t == POL_UNKNOWN;
    }
    *a = pol_range(sure, sure + maybe);
    NEXT();
  }
  CASE(COUNTD) {
    pol_Value *a = &RA;
    const pol_Value *lv = &RB;
    int item = IDX(OC);
    uint32_t body = XW(1), key = XW(2);
    ip += POL_NEXTRA_COUNTD;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    *a = count_distinct(vm, lv->u.p, item, body, key);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(COVER) {
    pol_Value *a = &RA;
    const pol_Instr *x = CODE32;
    ip += POL_NEXTRA_COVER;
    *a = window_op(vm, R, *x, x, OP_COVER);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(RUN) {
    pol_Value *a = &RA;
    const pol_Instr *x = CODE32;
    ip += POL_NEXTRA_RUN;
    *a = window_op(vm, R, *x, x, OP_RUN);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(GAP) {
    pol_Value *a = &RA;
    const pol_Instr *x = CODE32;
    ip += POL_NEXTRA_GAP;
    *a = window_op(vm, R, *x, x, OP_GAP);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(CALWIN) RA = calendar_window(&RB, OC); NEXT();
  CASE(LIST) {
    uint32_t n = OC;
    if (n == 0 || charge(vm, n) != 0) { RA = pol_unk(); NEXT(); }
    RA = make_list(vm, &RB, n, elem_of(&RB));
    NEXT();
  }
  CASE(PERIODS) {
    RA = periods(vm, &RB, &RC);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(SUM) {
    pol_Value *a = &RA;
    const pol_Value *lv = &RB;
    int item = IDX(OC);
    uint32_t body = XW(1), val = XW(2);
    ip += POL_NEXTRA_SUM;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    *a = sum(vm, lv->u.p, item, body, val);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(LATEST) CASE(EARLIEST) {
    pol_Value *a = &RA;
    const pol_Value *lv = &RB;
    int item = IDX(OC);
    const pol_Instr *x = CODE32;
    int dir = ip->op == OP_LATEST ? 1 : -1;
    ip += POL_NEXTRA_LATEST;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    *a = latest(vm, lv->u.p, item, x, dir);
    if (vm->out_of_budget) return pol_unk();
    NEXT();
  }
  CASE(SETLIST) RA = set_list(vm, &RB); NEXT();
  CASE(DUR) RA = duration_of(&RB, OC); NEXT();
  CASE(MERGE) RA = merge(&RB, &RC); NEXT();
  CASE(UNKNOWN) {
    RA = pol_unk();
    if (vm->tracing) note_missing(vm, POL_MISS_REASON, IDX(BX));
    NEXT();
  }
  CASE(MIN) RA = min_max(&RB, &RC, -1); NEXT();
  CASE(MAX) RA = min_max(&RB, &RC, 1); NEXT();
  CASE(LOOKUP) {
    RA = lookup(vm, &RB, XW(1), XW(2), OC == 1);
    ip += POL_NEXTRA_LOOKUP;
    NEXT();
  }
  CASE(ATLEAST) {
    uint32_t k = XW(1), yes = 0, maybe = 0;
    const pol_Value *b = &RB;
    for (uint32_t j = 0; j < OC; j++) {
      pol_Tri t = pol_truth(&b[j]);
      yes += t == POL_TRUE;
      maybe += t == POL_UNKNOWN;
    }
    RA = yes >= k ? pol_bool(1) : yes + maybe < k ? pol_bool(0) : pol_unk();
    ip += POL_NEXTRA_ATLEAST;
    NEXT();
  }
  CASE(CALLX) {
    uint32_t ext = XW(1);
    const pol_Value *args = &RB;
    int unknown = 0;
    for (uint32_t j = 0; j < OC; j++) unknown |= args[j].tag == PV_UNK;
    RA = unknown ? pol_unk() : pol_native_call(vm, ext, args);
    ip += POL_NEXTRA_CALLX;
    NEXT();
  }
  CASE(CUR) RA = vm->cur; NEXT();
  CASE(EVID) if (vm->tracing) note_evidence(vm, BX, &RA); NEXT();
  CASE(FEQK) B_FEQK(NEXT());   /* no trace: nothing to note */
  CASE(FINK) B_FINK(NEXT());
  CASE(RET) RETV(RA);
  CASE(RETF) B_RETF(NEXT());
  CASE(RETT) B_RETT(NEXT());
  CASE(ANDRET) kleene_word(&RA, &RB, &RC, 0); RETV(RA);
  CASE(ORRET) kleene_word(&RA, &RB, &RC, 1); RETV(RA);
  CASE(ANDRF) B_ANDRF(NEXT());
  CASE(FEQKRF) B_FEQKRF(NEXT());
  CASE(FACTQ) B_FACTQ(NEXT());
  CASE(FIELDQ) B_FIELDQ(NEXT());
  CASE(FEQKJT) B_FEQKJT(NEXT());
  CASE(FEQKJF) B_FEQKJF(NEXT());
  CASE(FINKJT) B_FINKJT(NEXT());
  CASE(FINKJF) B_FINKJF(NEXT());
  CASE(FINKRF) B_FINKRF(NEXT());
  CASE_W(EXISTS1) CASE_W(EVERY1) {
    /* EXISTS or EVERY whose body is one field read or comparison and the
       RET of its register (leaf_quantifiers): each item's body done here
       as run() would do it -- charged the block's length, its one
       instruction, the truth of its register -- without a run() each */
    pol_Value *a = &RA, *item = &RC;
    const pol_Value *lv = &RB;
    uint32_t body = XW(1);
    int every = ip->op == OPW_EVERY1;
    ip += POL_NEXTRA_EXISTS;
    if (lv->tag != PV_LIST) { *a = pol_unk(); NEXT(); }
    const pol_List *l = lv->u.p;
    uint32_t len = vm->run_blocks[body].len;
    const pol_Wide *bi = vm->run_wide + vm->run_blocks[body].start;
    pol_Value *ba = &REG(bi->a);
    const pol_Value *br = &REG(bi->u.bc.b);
    const pol_Value *bkq = bi->op == OP_FIELDQ ? NULL : &KQ(bi[1].u.x);
    uint32_t bf = bi->u.bc.c;
    uint32_t stop = every ? 0u : 1u;   /* the aux of the boolean that ends the walk */
    pol_Tri acc = every ? POL_TRUE : POL_FALSE, done = every ? POL_FALSE : POL_TRUE;
    for (uint32_t k = 0; k < l->n && acc != done; k++) {
      if (charge(vm, ITEM_COST) != 0) return pol_unk();
      vm->visits++;
      *item = l->items[k];
      if (charge(vm, len) != 0) return pol_unk();
      field(vm, ba, br, bf);
      if (bi->op == OP_FEQK) eq_const(ba, bkq);
      else if (bi->op == OP_FINK && in_const(vm, ba, bkq) != 0) return pol_unk();
      if (ba->tag != PV_BOOL) acc = POL_UNKNOWN;
      else if (ba->aux == stop) acc = done;
    }
    *a = pol_tri(acc);
    NEXT();
  }
  /* the superinstructions (wide.def); POL_BREAK_FUSE (a test build,
     tests/unit/fuse_break.sh) skips one's first half, to show the tests
     catch it */
#ifdef POL_BREAK_FUSE
#define FUSE(first, then) CASE_W(first##_##then) \
  if (OPW_##first##_##then == POL_BREAK_FUSE) { ip += POL_NEXTRA_##first; GO(then); } B_##first(GO(then));
#else
#define FUSE(first, then) CASE_W(first##_##then) B_##first(GO(then));
#endif
#define OPW(name, doc)
#include "wide.def"
#undef OPW
#undef FUSE
  /* A walk of EXISTS or EVERY run in place (fp[-1]: its instruction, its
     list, the item, what it holds so far, the truth that ends it): the
     item's body is entered as run() enters a block -- the item, then the
     block's length charged -- and its return (RETV) comes back here, where
     EXISTS's or EVERY's loop would have had it from run(). */
  q_item: {
    ip = fp[-1].ip;
    if (charge(vm, ITEM_COST) != 0) return pol_unk();
    vm->visits++;
    RC = fp[-1].l->items[fp[-1].k];
    const pol_Block *b = &vm->run_blocks[XW(1)];
    if (charge(vm, b->len) != 0) return pol_unk();
    ip = vm->run_wide + b->start;
    ST_BLOCK();
    ST_REC();
    DISPATCH();
  }
  q_ret: {
    if (vm->out_of_budget) return pol_unk();
    pol_Tri t = pol_truth(&rv);
    if (t == POL_UNKNOWN || t == fp[-1].stop) fp[-1].acc = t;
    if (++fp[-1].k < fp[-1].l->n && fp[-1].acc != fp[-1].stop) goto q_item;
    fp--;
    ip = fp->ip;
    RA = pol_tri(fp->acc);
    ip += POL_NEXTRA_EXISTS;
    NEXT();
  }
  _Static_assert(POL_NEXTRA_EXISTS == POL_NEXTRA_EVERY, "EXISTS and EVERY end their walks alike");
  CASE_W(DECODE) {
    /* the first word of a block of the program's code that has not run
       yet (pol_vm_new): decoded now, then run */
    widen_block(vm, ip->u.x);
#ifdef POL_COMPUTED_GOTO
    goto *labels[ip->op];
#else
    goto dispatch;
#endif
  }
  CASE(EXTRA) return pol_unk();   /* unreachable in verified code */
#ifndef POL_COMPUTED_GOTO
    default: return pol_unk();
    }
  }
#endif
#undef CASE
#undef CASE_W
#undef NEXT
#undef GO
#undef DISPATCH
#undef RETV
#undef B_FACTQ
#undef B_FIELDQ
#undef B_MOVE
#undef B_KNOWN
#undef B_NOT
#undef B_AND
#undef B_OR
#undef B_ANDRF
#undef B_RETF
#undef B_RETT
#undef B_JFALSE
#undef B_JTRUE
#undef B_EQK
#undef B_INK
#undef B_FEQK
#undef B_FINK
#undef B_FEQKRF
#undef B_FINKRF
#undef B_FEQKJ
#undef B_FINKJ
#undef B_FEQKJT
#undef B_FEQKJF
#undef B_FINKJT
#undef B_FINKJF
#undef REG
#undef RA
#undef RB
#undef RC
#undef KX
#undef KQ
#undef SLOT
#undef OB
#undef OC
#undef BX
#undef XW
#undef IDX
#undef CODE32
}

pol_Value pol_vm_run_block(pol_VM *vm, uint32_t block)
{
  return run(vm, block);
}

/* ---- the VM object ----------------------------------------------------- */

static int cmp_route(const void *a, const void *b)
{
  const pol_Route *x = a, *y = b;
  if (x->code != y->code) return x->code < y->code ? -1 : 1;
  return x->pol < y->pol ? -1 : x->pol > y->pol;
}

/* The routing index: every (code, policy) pair of the program, sorted, so
   a line's candidates are found by binary search instead of a scan of
   every policy (docs/performance.md).  0, or -1 when out of memory. */
static int build_routes(pol_VM *vm)
{
  const pol_Program *p = vm->p;
  size_t n = 0;
  for (uint32_t i = 0; i < p->npol; i++) n += p->pol[i].ncodes;
  vm->routes = malloc((n ? n : 1) * sizeof *vm->routes);
  if (!vm->routes) return -1;
  n = 0;
  for (uint32_t i = 0; i < p->npol; i++)
    for (uint32_t j = 0; j < p->pol[i].ncodes; j++)
      vm->routes[n++] = (pol_Route){p->codes[p->pol[i].code0 + j], i};
  qsort(vm->routes, n, sizeof *vm->routes, cmp_route);
  /* a code listed twice by one policy makes one entry */
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (m == 0 || cmp_route(&vm->routes[m - 1], &vm->routes[i]) != 0) vm->routes[m++] = vm->routes[i];
  vm->nroutes = (uint32_t)m;
  return 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first bound >= s (nbound if none). */
static uint32_t bound_at(const pol_VM *vm, const char *s)
{
  uint32_t lo = 0, hi = vm->nbound;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (strcmp(vm->bound[mid], s) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* The range routing index (section VSET's polvs): every bound of every
   policy's ranges, sorted and distinct, and for each segment between two
   bounds the policies covering it, in program order.  A line's segment is
   found by binary search.  0, or -1 when out of memory. */
static int build_range_routes(pol_VM *vm)
{
  const pol_Program *p = vm->p;
  size_t n = 0;
  for (uint32_t i = 0; i < p->npolvs; i++)
    if (p->polvs[i] != POL_NOSTR) n += 2 * (size_t)p->vs[p->polvs[i]].nr;
  if (n == 0) return 0;
  vm->bound = malloc(n * sizeof *vm->bound);
  if (!vm->bound) return -1;
  n = 0;
  for (uint32_t i = 0; i < p->npolvs; i++) {
    if (p->polvs[i] == POL_NOSTR) continue;
    const pol_VSet *v = &p->vs[p->polvs[i]];
    for (uint32_t r = v->r0; r < v->r0 + v->nr; r++) {
      vm->bound[n++] = p->str[p->vsr[r].lo];
      vm->bound[n++] = p->str[p->vsr[r].hi];
    }
  }
  qsort(vm->bound, n, sizeof *vm->bound, cmp_str);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (m == 0 || strcmp(vm->bound[m - 1], vm->bound[i]) != 0) vm->bound[m++] = vm->bound[i];
  vm->nbound = (uint32_t)m;
  vm->seg0 = calloc(m + 1, sizeof *vm->seg0);
  if (!vm->seg0) return -1;
  /* two passes: count each segment's policies, then place them */
  for (int pass = 0; pass < 2; pass++) {
    uint32_t *fill = NULL;
    if (pass == 1) {
      for (size_t k = 0; k < m; k++) vm->seg0[k + 1] += vm->seg0[k];
      vm->segpol = malloc((vm->seg0[m] ? vm->seg0[m] : 1) * sizeof *vm->segpol);
      fill = calloc(m + 1, sizeof *fill);
      if (!vm->segpol || !fill) { free(fill); return -1; }
    }
    for (uint32_t i = 0; i < p->npolvs; i++) {
      if (p->polvs[i] == POL_NOSTR) continue;
      const pol_VSet *v = &p->vs[p->polvs[i]];
      for (uint32_t r = v->r0; r < v->r0 + v->nr; r++) {
        uint32_t a = bound_at(vm, p->str[p->vsr[r].lo]), b = bound_at(vm, p->str[p->vsr[r].hi]);
        for (uint32_t k = a; k < b; k++) {
          if (pass == 0) vm->seg0[k + 1]++;
          else vm->segpol[vm->seg0[k] + fill[k]++] = i;
        }
      }
    }
    free(fill);
  }
  return 0;
}

/* route()'s memo of code_segment per bundle string: all POL_NOSTR (not
   yet known); none without range bounds.  0, or -1 when out of memory. */
static int build_seg_memo(pol_VM *vm)
{
  if (!vm->nbound || !vm->p->nstr) return 0;
  vm->seg_of = malloc(vm->p->nstr * sizeof *vm->seg_of);
  if (!vm->seg_of) return -1;
  for (uint32_t s = 0; s < vm->p->nstr; s++) vm->seg_of[s] = POL_NOSTR;
  return 0;
}

pol_VM *pol_vm_new(const pol_Program *p)
{
  pol_VM *vm = calloc(1, sizeof *vm);
  if (!vm) return NULL;
  vm->p = p;
  vm->run_code = p->code;
  vm->run_blocks = p->blocks;
  /* decoded a block at a time (widen_block), when an OPW_DECODE at its
     start first runs: run() tests nothing per block (the no-trace code is
     decoded whole) */
  vm->run_wide = vm->wide_code = malloc((p->ncode ? p->ncode : 1) * sizeof *vm->wide_code);
  vm->wide_done = calloc(p->nblocks ? p->nblocks : 1, 1);
  if (vm->wide_code)
    for (uint32_t b = 0; b < p->nblocks; b++)
      if (p->blocks[b].len > 0 && p->blocks[b].start < p->ncode)
        vm->wide_code[p->blocks[b].start] = (pol_Wide){OPW_DECODE, 0, 0, {.x = b}};
  vm->recnf = malloc((p->nrec ? p->nrec : 1) * sizeof *vm->recnf);
  if (vm->recnf) {
    vm->nrec = p->nrec;
    for (uint32_t t = 0; t < p->nrec; t++) vm->recnf[t] = p->rec[t].nfields;
  }
  if (!vm->wide_code || !vm->wide_done || !vm->recnf || build_routes(vm) != 0 || build_range_routes(vm) != 0 || build_seg_memo(vm) != 0) {
    pol_vm_free(vm);   /* frees what was built; the rest is NULL */
    return NULL;
  }
  if (pol_vm_sets_build(vm) != 0) {
    pol_vm_free(vm);
    return NULL;
  }
  uint32_t nregs = 1;
  for (uint32_t b = 0; b < p->nblocks; b++)
    if (p->blocks[b].nregs > nregs) nregs = p->blocks[b].nregs;
  vm->regs = calloc(nregs, sizeof *vm->regs);
  vm->nregs = nregs;
  for (uint32_t i = 0; i < p->npol; i++) {
    if (p->pol[i].ncrit > vm->maxpolcrit) vm->maxpolcrit = p->pol[i].ncrit;
    if (p->pol[i].nbranches > vm->maxpolbr) vm->maxpolbr = p->pol[i].nbranches;
  }
  vm->budget = DEFAULT_BUDGET;
  if (!vm->regs) {
    pol_vm_free(vm);   /* frees what was built; the rest is NULL */
    return NULL;
  }
  if (p->nwit) {   /* which descriptor explains each evidence descriptor */
    vm->evwit = malloc((p->nevid ? p->nevid : 1) * sizeof *vm->evwit);
    if (!vm->evwit) {
      pol_vm_free(vm);
      return NULL;
    }
    for (uint32_t e = 0; e < p->nevid; e++) vm->evwit[e] = POL_NOSTR;
    for (uint32_t w = 0; w < p->nwit; w++)
      if (p->wit[w].evid != POL_NOSTR && vm->evwit[p->wit[w].evid] == POL_NOSTR)
        vm->evwit[p->wit[w].evid] = w;
  }
  return vm;
}

void pol_vm_free(pol_VM *vm)
{
  if (!vm) return;
  pol_natives_free(vm);
  lists_free(vm);
  free(vm->routes);
  free(vm->bound);
  free(vm->seg0);
  free(vm->segpol);
  free(vm->seg_of);
  free(vm->regs);
  free(vm->ev);
  free(vm->miss);
  free(vm->evwit);
  free(vm->lean);
  free(vm->lean_blocks);
  free(vm->lean_read);
  free(vm->wide_code);
  free(vm->wide_done);
  free(vm->wide_lean);
  free(vm->recnf);
  free(vm->setlo);
  free(vm->setspan);
  free(vm->setw0);
  free(vm->setbits);
  free(vm->wr);
  free(vm->wkeys);
  free(vm->lines);
  free(vm->crit);
  free(vm->cond);
  free(vm->keys);
  free(vm->keysure);
  free(vm->ivals);
  free(vm->setlists);
  free(vm->setvals);
  free(vm->items);
  free(vm->itemcrit);
  free(vm);
}

/* The code run() runs: the no-trace code while tracing is off, if built. */
static void select_code(pol_VM *vm)
{
  int lean = !vm->tracing && vm->lean && vm->wide_lean;
  vm->run_code = lean ? vm->lean : vm->p->code;
  vm->run_blocks = lean ? vm->lean_blocks : vm->p->blocks;
  vm->run_wide = lean ? vm->wide_lean : vm->wide_code;
}

void pol_vm_set_trace(pol_VM *vm, int on)
{
  vm->tracing = on;
  vm->witnessing = on != 0;
  select_code(vm);
}
void pol_vm_set_witnesses(pol_VM *vm, int on) { vm->witnessing = on != 0; }
const pol_WitRec *pol_vm_witnesses(const pol_VM *vm) { return vm->wr; }
void pol_vm_set_budget(pol_VM *vm, uint64_t budget) { vm->budget = budget ? budget : DEFAULT_BUDGET; }
const pol_EvRec *pol_vm_evidence(const pol_VM *vm) { return vm->ev; }
const pol_Missing *pol_vm_missing(const pol_VM *vm) { return vm->miss; }
const pol_Program *pol_vm_program(const pol_VM *vm) { return vm->p; }

/* regs[0..n) := unknown.  pol_unk() is all zero bytes (PV_UNK 0, aux 0,
   u.d 0), so one memset, which the C library does in wide stores, rather
   than a loop of 16-byte stores (about 200 x86 instructions a case for
   this bundle's 60-odd registers). */
_Static_assert(PV_UNK == 0, "an unknown value is all zero bytes");
static void clear_regs(pol_Value *regs, uint32_t n)
{
  memset(regs, 0, (size_t)n * sizeof *regs);
}

/* A fresh budget, and every register unknown: nothing a block reads can
   come from an earlier case (the verifier already sees to it that no
   register is read before it is written; this is the second line). */
static void begin(pol_VM *vm)
{
  vm->left = vm->budget;
  vm->out_of_budget = 0;
  vm->overflow = 0;
  vm->at_crit = POL_NOSTR;
  vm->visits = 0;
  vm->wit_left = vm->budget;
  clear_regs(vm->regs, vm->nregs);
}

pol_Value pol_vm_run(pol_VM *vm, uint32_t block, const pol_Value *slots)
{
  begin(vm);
  vm->slots = slots;
  vm->miss_floor = vm->nmiss;
  return run(vm, block);
}

const char *pol_det_name(pol_Det d)
{
  static const char *const n[] = {
#define OUTCOME(N, s, authored, meaning) s,
#include "outcomes.def"
#undef OUTCOME
  };
  return (size_t)d < sizeof n / sizeof n[0] ? n[d] : "?";
}

const char *pol_status_name(pol_Status s)
{
  static const char *n[] = {"not_met", "met", "unknown", "not_applicable"};
  return s <= PS_NA ? n[s] : "?";
}

/* ---- judging a line ---------------------------------------------------- */

/* A leaf criterion's status: the truth of its block (traced or not). */
_Static_assert(PS_NOT_MET == (int)POL_FALSE && PS_MET == (int)POL_TRUE &&
               PS_UNKNOWN == (int)POL_UNKNOWN, "a leaf's status is its block's truth");
static inline uint8_t leaf_status(pol_VM *vm, const pol_Crit *cr, uint32_t ci)
{
  vm->at_crit = ci;   /* for an overflow's message */
  pol_Value v = run(vm, cr->block);
  vm->at_crit = POL_NOSTR;
  return (uint8_t)pol_truth(&v);
}

/* A group's status from its children's: met when at least k of them are
   (all: k = n, any: k = 1), not met when fewer than k can be. */
static inline uint8_t group_status(const pol_Crit *cr, uint32_t met, uint32_t unk)
{
  uint32_t k = cr->kind == PC_ALL ? cr->nchildren : cr->kind == PC_ANY ? 1 : cr->k;
  return met >= k ? PS_MET : met + unk < k ? PS_NOT_MET : PS_UNKNOWN;
}

/* eval_crit without a trace: no evidence or missing fact is recorded (nev
   and nmiss stay 0), so a result's ev0, nev, miss0 and nmiss keep the
   zeros reset_results gave them; only its status is set.  The criteria
   ids[0..n) in order, a leaf judged here (leaf_status, inlined) and a
   group by eval_crit_quiet_group (most criteria are leaves: a call each
   cost more than the leaf's own bookkeeping); *met and *unk count their
   statuses. */
static uint8_t eval_crit_quiet_group(pol_VM *vm, const pol_Policy *pol, pol_CritResult *res,
                                     uint32_t ci);

static void eval_crits_quiet(pol_VM *vm, const pol_Policy *pol, pol_CritResult *res,
                             const uint32_t *ids, uint32_t n, uint32_t *met, uint32_t *unk)
{
  const pol_Crit *crit = vm->p->crit;
  uint32_t c0 = pol->crit0, nc = pol->ncrit;
  uint32_t count[4] = {0, 0, 0, 0};   /* by status */
  for (uint32_t j = 0; j < n && !vm->out_of_budget; j++) {
    uint32_t ci = ids[j];
    if (ci - c0 >= nc) continue;   /* one of pol's: verified */
    uint8_t st;
    if (crit[ci].kind == PC_LEAF) {
      st = leaf_status(vm, &crit[ci], ci);
      res[ci - c0].status = st;
    } else {
      st = eval_crit_quiet_group(vm, pol, res, ci);
    }
    count[st & 3]++;
  }
  *met = count[PS_MET];
  *unk = count[PS_UNKNOWN];
}

static uint8_t eval_crit_quiet_group(pol_VM *vm, const pol_Policy *pol, pol_CritResult *res,
                                     uint32_t ci)
{
  const pol_Crit *cr = &vm->p->crit[ci];
  uint32_t met, unk;
  eval_crits_quiet(vm, pol, res, vm->p->crit_children + cr->child0, cr->nchildren, &met, &unk);
  uint8_t st = group_status(cr, met, unk);
  res[ci - pol->crit0].status = st;
  return st;
}

static uint8_t eval_crit(pol_VM *vm, const pol_Policy *pol, pol_CritResult *res, uint32_t ci)
{
  const pol_Program *p = vm->p;
  const pol_Crit *cr = &p->crit[ci];
  pol_CritResult *r = &res[ci - pol->crit0];
  r->ev0 = vm->nev;
  r->miss0 = vm->nmiss;
  uint8_t st;
  if (cr->kind == PC_LEAF) {
    vm->miss_floor = vm->nmiss;
    st = leaf_status(vm, cr, ci);
  } else {
    uint32_t met = 0, unk = 0, n = cr->nchildren;
    for (uint32_t j = 0; j < n && !vm->out_of_budget; j++) {
      uint32_t child = p->crit_children[cr->child0 + j];
      if (child < pol->crit0 || child >= pol->crit0 + pol->ncrit) continue;  /* verified */
      uint8_t s = eval_crit(vm, pol, res, child);
      met += s == PS_MET;
      unk += s == PS_UNKNOWN;
    }
    st = group_status(cr, met, unk);
  }
  r->status = st;
  r->nev = vm->nev - r->ev0;
  r->nmiss = vm->nmiss - r->miss0;
  return st;
}

/* The policy judging a line: among those covering its code (exactly, or
   by a range, a family or a value set of its `codes`), in force on its
   date and open to the case's plan, one that names the plan beats one for
   any plan; then the newest version in force wins (the first, in program
   order, of equals).  The candidates come from two indexes, each searched
   in O(log n): the line's exact code, and the segment of ranges its code
   falls in; the cost depends on how many policies cover that code, not on
   how many the bundle holds. */
/* Is candidate policy i better for line li than best so far? */
static void consider(const pol_VM *vm, const pol_LineInfo *li, uint32_t i, uint32_t *best,
                     int *best_named)
{
  const pol_Program *p = vm->p;
  const pol_Policy *pol = &p->pol[i];
  int named = 0;
  for (uint32_t j = 0; j < pol->nplans && !named; j++)
    named = li->plan_id != POL_NOSTR && p->codes[pol->plan0 + j] == li->plan_id;
  if (pol->effective > li->date || (pol->nplans && !named)) return;
  if (*best == POL_NOSTR || named > *best_named ||
      (named == *best_named && (pol->effective > p->pol[*best].effective ||
                                (pol->effective == p->pol[*best].effective && i < *best)))) {
    *best = i;
    *best_named = named;
  }
}

/* The policies whose `codes` hold the line's drug, RxNorm or NDC (keys in
   the range index, pol_route_key; docs/language.md "Routing by drug code"). */
static void route_drugs(const pol_VM *vm, const pol_LineInfo *li, uint32_t *best, int *best_named)
{
  const char *code[2] = {li->rxnorm, li->ndc};
  const uint32_t sys[2] = {POL_CS_RXNORM, POL_CS_NDC};
  char key[POL_ROUTE_KEY_BUF];
  for (int i = 0; i < 2; i++) {
    if (!vm->nbound || !code[i] || pol_route_key(sys[i], code[i], key) != 0) continue;
    uint32_t k = bound_at(vm, key);
    if (k < vm->nbound && strcmp(vm->bound[k], key) == 0) k++;
    if (k > 0 && k < vm->nbound)
      for (uint32_t r = vm->seg0[k - 1]; r < vm->seg0[k]; r++)
        consider(vm, li, vm->segpol[r], best, best_named);
  }
}

/* k such that the line code cpt (in its normal form as a CPT or HCPCS
   code) falls in range segment k - 1: one past the last bound <= it (0:
   none, nor for a code that does not normalize). */
static uint32_t code_segment(const pol_VM *vm, const char *cpt)
{
  char c[POL_CODE_BUF];
  if (pol_code_norm(POL_CS_PROCEDURE, cpt, strlen(cpt), c, NULL) != 0) return 0;
  uint32_t k = bound_at(vm, c);
  if (k < vm->nbound && strcmp(vm->bound[k], c) == 0) k++;
  return k;
}

static uint32_t route(pol_VM *vm, const pol_LineInfo *li)
{
  uint32_t best = POL_NOSTR;
  int best_named = 0;
  if (!li->date_known) return POL_NOSTR;
  if (li->cpt_id != POL_NOSTR) {
    uint32_t lo = 0, hi = vm->nroutes;   /* first entry with code >= cpt_id */
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (vm->routes[mid].code < li->cpt_id) lo = mid + 1; else hi = mid;
    }
    for (uint32_t r = lo; r < vm->nroutes && vm->routes[r].code == li->cpt_id; r++)
      consider(vm, li, vm->routes[r].pol, &best, &best_named);
  }
  /* the policies whose ranges hold the line's code (in its normal form as
     a CPT or HCPCS code): the segment of the last bound <= code, k - 1
     (k 0: none); kept per bundle string (seg_of), as the lines of a batch
     mostly share a few codes */
  uint32_t k = 0;
  if (vm->nbound && li->cpt) {
    int memo = li->cpt_id != POL_NOSTR && li->cpt_id < vm->p->nstr;
    if (memo && vm->seg_of[li->cpt_id] != POL_NOSTR) {
      k = vm->seg_of[li->cpt_id];
    } else {
      k = code_segment(vm, li->cpt);
      if (memo) vm->seg_of[li->cpt_id] = k;
    }
  }
  if (k > 0 && k < vm->nbound)
    for (uint32_t r = vm->seg0[k - 1]; r < vm->seg0[k]; r++)
      consider(vm, li, vm->segpol[r], &best, &best_named);
  route_drugs(vm, li, &best, &best_named);
  return best;
}

/* ---- the decision ----------------------------------------------------- */

#define POL_OUTCOME_1(N) PD_##N,
#define POL_OUTCOME_0(N)
const pol_Det pol_outcome_det[PO__COUNT] = {
#define OUTCOME(N, s, authored, meaning) POL_OUTCOME_##authored(N)
#include "outcomes.def"
#undef OUTCOME
};
#undef POL_OUTCOME_1
#undef POL_OUTCOME_0

_Static_assert(PS_NOT_MET == 0 && PS_MET == 1, "pol_crit_fails: the failing status is the exclusion bit");
int pol_crit_fails(const pol_Program *p, uint32_t ci, uint8_t st)
{
  /* an exclusion fails when met (1), any other criterion when not met (0) */
  return st == ((p->crit[ci].flags & POL_CRIT_EXCLUSION) != 0);
}

/* Tags of what made criterion ci fail: under an "all of", the tags its
   failing children share; else its own.  (`every failed tagged T` asks
   whether every cause of failure is tagged T.) */
static uint32_t failing_tags(const pol_Program *p, const pol_Policy *pol, const pol_CritResult *res,
                             uint32_t ci, uint32_t *any)
{
  const pol_Crit *cr = &p->crit[ci];
  if (cr->kind != PC_ALL) {
    *any |= cr->tags;
    return cr->tags;
  }
  uint32_t all = 0xffffffffu;
  *any |= cr->tags;
  for (uint32_t j = 0; j < cr->nchildren; j++) {
    uint32_t k = p->crit_children[cr->child0 + j];
    if (res[k - pol->crit0].status == PS_NOT_MET) all &= failing_tags(p, pol, res, k, any) | cr->tags;
  }
  return all == 0xffffffffu ? cr->tags : all;
}

static uint32_t unknown_tags(const pol_Program *p, const pol_Policy *pol, const pol_CritResult *res,
                             uint32_t ci)
{
  const pol_Crit *cr = &p->crit[ci];
  uint32_t t = cr->tags;
  for (uint32_t j = 0; j < cr->nchildren; j++) {
    uint32_t k = p->crit_children[cr->child0 + j];
    if (res[k - pol->crit0].status == PS_UNKNOWN) t |= unknown_tags(p, pol, res, k);
  }
  return t;
}

/* Applies the policy's decision rules (or the default: deny if anything
   failed, else pend if anything is unknown, else approve) to the criteria
   tops[0..n) whose results are in res. */
static pol_Det decide(const pol_Program *p, const pol_Policy *pol, const uint32_t *tops, uint32_t n,
                      const pol_CritResult *res)
{
  if (pol->ndec == 0) {
    /* the default rule asks for no tags: the first failing criterion
       denies */
    int unknown = 0;
    uint32_t c0 = pol->crit0;
    for (uint32_t j = 0; j < n; j++) {
      uint8_t st = res[tops[j] - c0].status;
      if (pol_crit_fails(p, tops[j], st)) return PD_DENY;
      unknown |= st == PS_UNKNOWN;
    }
    return unknown ? PD_PEND : PD_APPROVE;
  }
  int failed = 0, unknown = 0;
  uint32_t every_failed = 0xffffffffu, any_failed = 0, any_unknown = 0;
  for (uint32_t j = 0; j < n; j++) {
    uint32_t ci = tops[j];
    uint8_t st = res[ci - pol->crit0].status;
    if (pol_crit_fails(p, ci, st)) {
      failed = 1;
      every_failed &= failing_tags(p, pol, res, ci, &any_failed);
    } else if (st == PS_UNKNOWN) {
      unknown = 1;
      any_unknown |= unknown_tags(p, pol, res, ci);
    }
  }
  if (!failed) every_failed = 0;
  const pol_Det *det = pol_outcome_det;
  const uint32_t *w = p->dec + pol->dec0, *end = w + pol->ndec;
  while (w < end) {
    uint32_t outcome = *w & 0xffu, len = *w >> 8;
    w++;
    int stack[POL_MAX_DEC_STACK], sp = 0;
    for (uint32_t k = 0; k < len; k++, w++) {
      uint32_t op = *w >> 24, bit = 1u << (*w & 31u);
      switch (op) {
      case PDC_FAILED: stack[sp++] = failed; break;
      case PDC_UNKNOWN: stack[sp++] = unknown; break;
      case PDC_ANY_FAILED_TAG: stack[sp++] = (any_failed & bit) != 0; break;
      case PDC_EVERY_FAILED_TAG: stack[sp++] = (every_failed & bit) != 0; break;
      case PDC_ANY_UNKNOWN_TAG: stack[sp++] = (any_unknown & bit) != 0; break;
      case PDC_AND: sp--; stack[sp - 1] = stack[sp - 1] && stack[sp]; break;
      case PDC_OR: sp--; stack[sp - 1] = stack[sp - 1] || stack[sp]; break;
      default: stack[sp - 1] = !stack[sp - 1]; break;
      }
    }
    if (len == 0 || stack[0]) return det[outcome];
  }
  return failed ? PD_DENY : unknown ? PD_PEND : PD_APPROVE;   /* verified: unreachable */
}

/* The line's determination from its own and its items': on an approved
   line, items that all share one other outcome (loi, refer, pend) give
   it, whatever their order; a mix of them pends. */
static pol_Det combine(pol_Det line, const pol_LineResult *out)
{
  if (line != PD_APPROVE && line != PD_PEND) return line;
  if (!out->items_known) return PD_PEND;
  uint32_t approve = 0, deny = 0, same = 1;
  for (uint32_t i = 0; i < out->nitems; i++) {
    approve += out->items[i].det == PD_APPROVE;
    deny += out->items[i].det == PD_DENY;
    same &= out->items[i].det == out->items[0].det;
  }
  if (out->nitems == 0 || approve == out->nitems) return line;
  if (deny == out->nitems) return PD_DENY;
  if (approve + deny == out->nitems && line == PD_APPROVE) return PD_PARTIAL;
  if (same && line == PD_APPROVE) return out->items[0].det;
  return PD_PEND;
}

static void reset_results(pol_CritResult *res, uint32_t n)
{
  for (uint32_t j = 0; j < n; j++) {
    res[j].status = PS_NA;
    res[j].ev0 = res[j].nev = res[j].miss0 = res[j].nmiss = 0;
  }
}

/* The criteria tops[0..n) of pol into res, traced or not. */
static void judge_crits(pol_VM *vm, const pol_Policy *pol, const uint32_t *tops, uint32_t n,
                        pol_CritResult *res)
{
  if (vm->tracing) {
    for (uint32_t j = 0; j < n && !vm->out_of_budget; j++) eval_crit(vm, pol, res, tops[j]);
  } else {
    uint32_t met, unk;
    eval_crits_quiet(vm, pol, res, tops, n, &met, &unk);
  }
}

static int judge_items(pol_VM *vm, const pol_Policy *pol, const pol_Branch *br, pol_LineResult *out)
{
  const pol_Program *p = vm->p;
  out->nitems = 0;
  out->items = NULL;
  uint32_t ev = vm->nev, miss = vm->nmiss;
  pol_Value lv = run(vm, br->each);
  vm->nev = ev;
  vm->nmiss = miss;
  out->items_known = lv.tag == PV_LIST;
  if (!out->items_known || vm->out_of_budget) return 0;
  const pol_List *l = lv.u.p;
  if (l->n == 0) return 0;
  /* each item takes a row of results: memory bounded by the budget */
  if (charge(vm, (uint64_t)l->n * (pol->ncrit ? pol->ncrit : 1)) != 0) return 0;
  /* the items of earlier lines come first, each with a row of its own
     policy's criteria (lines may go to policies of different sizes) */
  size_t need_items = 0, need_crit = 0;
  for (uint32_t i = 0; i < out->line; i++)
    if (vm->lines[i].nitems) {
      need_items += vm->lines[i].nitems;
      need_crit += (size_t)vm->lines[i].nitems * p->pol[vm->lines[i].policy].ncrit;
    }
  uint32_t base = (uint32_t)need_items;
  size_t cbase = need_crit;
  need_items += l->n;
  need_crit += (size_t)l->n * pol->ncrit;
  if (need_items > vm->capitems || need_crit > vm->capitemcrit) {
    /* earlier lines' item pointers move with the arrays: rebase them */
    pol_ItemResult *it = realloc(vm->items, need_items * sizeof *it);
    if (!it) return -1;
    vm->items = it;
    vm->capitems = (uint32_t)need_items;
    pol_CritResult *ic = realloc(vm->itemcrit, need_crit * sizeof *ic);
    if (!ic) return -1;
    vm->itemcrit = ic;
    vm->capitemcrit = need_crit;
    size_t k = 0, row = 0;
    for (uint32_t i = 0; i < out->line; i++) {
      vm->lines[i].items = vm->lines[i].nitems ? vm->items + k : NULL;
      for (uint32_t j = 0; j < vm->lines[i].nitems; j++, k++) {
        vm->items[k].crit = vm->itemcrit + row;
        row += p->pol[vm->lines[i].policy].ncrit;
      }
    }
  }
  out->items = vm->items + base;
  out->nitems = l->n;
  for (uint32_t i = 0; i < l->n; i++) {
    if (vm->out_of_budget) { out->nitems = i; break; }   /* the case fails */
    pol_ItemResult *ir = &out->items[i];
    ir->item = l->items[i];
    ir->crit = vm->itemcrit + cbase + (size_t)i * pol->ncrit;
    reset_results(ir->crit, pol->ncrit);
    vm->cur = l->items[i];
    judge_crits(vm, pol, p->branch_crit + br->ecrit0, br->necrit, ir->crit);
    ir->det = decide(p, pol, p->branch_crit + br->ecrit0, br->necrit, ir->crit);
  }
  vm->cur = pol_unk();
  return 0;
}

/* Evaluates the top-level criteria of a branch (main or assess) into res
   and applies the decision rule to them. */
static pol_Det judge_branch(pol_VM *vm, const pol_Policy *pol, const pol_Branch *br,
                            pol_CritResult *res)
{
  const pol_Program *p = vm->p;
  judge_crits(vm, pol, p->branch_crit + br->crit0, br->ncrit, res);
  return decide(p, pol, p->branch_crit + br->crit0, br->ncrit, res);
}

/* The prerequisites guard (docs/language.md, "Prerequisites"): while a
   prerequisite of the branch fails, no decision rule approves the line
   (deny); while one is unknown, none approves it (pend).  The default rule
   already decides so; a decision block may not say otherwise. */
static pol_Det prereq_guard(const pol_Program *p, const pol_Policy *pol, const pol_Branch *br,
                            const pol_CritResult *res, pol_Det det)
{
  if (det != PD_APPROVE) return det;
  pol_Det out = det;
  for (uint32_t j = 0; j < br->ncrit; j++) {
    uint32_t ci = p->branch_crit[br->crit0 + j];
    if (!(p->crit[ci].flags & POL_CRIT_PREREQ)) continue;
    uint8_t st = res[ci - pol->crit0].status;
    if (st == PS_NOT_MET) return PD_DENY;
    if (st == PS_UNKNOWN) out = PD_PEND;
  }
  return out;
}

/* Evaluates the condition of branch b into r: met (true), not_met
   (false) or unknown, with the facts it found missing (no evidence: a
   branch condition is not a criterion). */
static pol_Tri judge_cond(pol_VM *vm, const pol_Branch *br, pol_CritResult *r)
{
  uint32_t ev = vm->nev;
  r->miss0 = vm->miss_floor = vm->nmiss;
  pol_Value v = run(vm, br->cond);
  vm->nev = ev;
  pol_Tri t = pol_truth(&v);
  r->status = t == POL_TRUE ? PS_MET : t == POL_FALSE ? PS_NOT_MET : PS_UNKNOWN;
  /* only an unknown condition's missing facts are kept: they decide
     which branch judges the line */
  if (t != POL_UNKNOWN) vm->nmiss = r->miss0;
  r->nmiss = vm->nmiss - r->miss0;
  return t;
}

/* A value of authorize field f as the line's authorization holds it: of
   the field's kind, exact (a count known only to lie in a range is not a
   number of units), else unknown. */
static pol_Value auth_value(uint32_t f, pol_Value v)
{
  pol_Kind k = pol_auth_kind(f);
  switch ((pol_Tag)v.tag) {
  case PV_NUM: return k == PK_NUM ? v : pol_unk();
  case PV_RANGE: return k == PK_NUM && v.u.r.lo == v.u.r.hi ? pol_num_int(v.u.r.lo) : pol_unk();
  case PV_STR:   /* `per calendar year` is a string (docs/language.md) */
    return k == PK_STR || f == POL_AUTH_PER ? v : pol_unk();
  case PV_DATE: return k == PK_DATE ? v : pol_unk();
  case PV_DUR: return k == PK_DUR ? v : pol_unk();
  case PV_SET: return k == PK_LIST ? v : pol_unk();
  case PV_LIST:
    return k == PK_LIST && POL_TKIND(((const pol_List *)v.u.p)->elem) == PK_STR ? v : pol_unk();
  case PV_UNK: case PV_BOOL: case PV_WIN: case PV_REC: break;
  }
  return pol_unk();
}

/* Evaluates authorize entry a into r, with the facts an unknown value
   was missing (no evidence: a value is not a criterion); open: the
   block's assess condition is unknown, so whether it applies is open and
   its value unknown (not evaluated). */
static void auth_field(pol_VM *vm, const pol_Auth *a, int open, pol_AuthResult *r)
{
  r->branch = a->branch;
  r->miss0 = vm->miss_floor = vm->nmiss;
  r->nmiss = 0;
  r->requested = a->reqfact == POL_NOSTR ? pol_unk() : auth_value(a->field, vm->slots[a->reqfact]);
  if (open) { r->value = pol_unk(); return; }
  uint32_t ev = vm->nev;
  vm->at_crit = POL_NOSTR;
  r->value = auth_value(a->field, run(vm, a->block));
  vm->nev = ev;
  if (r->value.tag != PV_UNK) vm->nmiss = r->miss0;
  r->nmiss = vm->nmiss - r->miss0;
}

/* The authorization of a line its criteria approve (or partly approve):
   the `authorize` fields of its main branch and of the assess blocks that
   apply.  An unknown value makes the line pend: what is authorized is
   never guessed (docs/language.md, "Authorizations"). */
static void authorize_line(pol_VM *vm, const pol_Policy *pol, pol_LineResult *out,
                           const pol_CritResult *cond)
{
  const pol_Program *p = vm->p;
  /* the entries are sorted by branch: the first of this policy's */
  uint32_t lo = 0, hi = p->nauth;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (p->auth[mid].branch < pol->branch0) lo = mid + 1;
    else hi = mid;
  }
  for (uint32_t i = lo; i < p->nauth && p->auth[i].branch < pol->branch0 + pol->nbranches; i++) {
    const pol_Auth *a = &p->auth[i];
    int applies = a->branch == out->branch, open = 0;
    for (uint32_t k = 0; k < out->naspects && !applies; k++)
      if (out->aspects[k].branch == a->branch) {
        applies = 1;
        open = cond[a->branch - pol->branch0].status == PS_UNKNOWN;
      }
    if (!applies || vm->out_of_budget) continue;
    auth_field(vm, a, open, &out->auth[a->field]);
    out->authmask |= 1u << a->field;
    if (out->auth[a->field].value.tag == PV_UNK) out->auth_open = 1;
  }
  if (out->auth_open) out->det = PD_PEND;
}

/* The branch rule.  Main branches are tried in order; the first whose
   condition is true judges the line, if every condition before it is
   false.  An unknown condition before it (or, with none true, anywhere)
   leaves open which branch judges: the line pends, and its missing facts
   are those of the unknown conditions.  Every condition false: the
   policy's `otherwise` outcome (refer by default).  An assess block whose
   condition is true is judged; one whose condition is unknown pends. */
static int judge_line(pol_VM *vm, const pol_Case *c, uint32_t li, pol_LineResult *out,
                      pol_CritResult *res, pol_CritResult *cond)
{
  const pol_Program *p = vm->p;
  out->line = li;
  out->crit = res;
  out->cond = cond;
  out->branch = POL_NOSTR;
  out->bstate = PB_NONE;
  out->nitems = 0;
  out->items = NULL;
  out->items_known = 1;
  out->naspects = 0;
  out->authmask = 0;
  out->auth_open = 0;
  out->policy = route(vm, pol_case_line(c, li));
  if (out->policy == POL_NOSTR) { out->det = out->line_det = PD_NO_POLICY; return 0; }
  const pol_Policy *pol = &p->pol[out->policy];
  vm->slots = pol_case_slots(c, li);
  vm->cur = pol_unk();
  reset_results(res, pol->ncrit);
  reset_results(cond, pol->nbranches);
  int undecided = 0, decided = 0;
  for (uint32_t b = 0; b < pol->nbranches; b++) {
    const pol_Branch *br = &p->branches[pol->branch0 + b];
    if (br->aspect == POL_NOSTR) {
      if (decided) continue;   /* after the first true condition: not needed */
      pol_Tri t = judge_cond(vm, br, &cond[b]);
      if (vm->out_of_budget) return 0;   /* the case fails: stop here */
      if (t == POL_UNKNOWN) undecided = 1;
      if (t != POL_TRUE) continue;
      decided = 1;
      if (!undecided) out->branch = pol->branch0 + b;
    } else if (out->naspects < POL_MAX_ASPECTS) {
      pol_Tri t = judge_cond(vm, br, &cond[b]);
      if (vm->out_of_budget) return 0;
      if (t != POL_FALSE) out->aspects[out->naspects++].branch = pol->branch0 + b;
    }
  }
  if (out->branch != POL_NOSTR) {
    const pol_Branch *br = &p->branches[out->branch];
    out->bstate = PB_SELECTED;
    out->line_det = prereq_guard(p, pol, br, res, judge_branch(vm, pol, br, res));
    if (vm->out_of_budget) return 0;
    if (br->each != POL_NOSTR && judge_items(vm, pol, br, out) != 0) return -1;
    out->det = br->each != POL_NOSTR ? combine(out->line_det, out) : out->line_det;
  } else {
    out->bstate = undecided ? PB_UNKNOWN : PB_NONE;
    out->det = out->line_det = undecided ? PD_PEND
             : pol->otherwise < PO__COUNT ? pol_outcome_det[pol->otherwise] : PD_REFER;
  }
  for (uint32_t a = 0; a < out->naspects && !vm->out_of_budget; a++) {
    uint32_t b = out->aspects[a].branch;
    out->aspects[a].det = cond[b - pol->branch0].status == PS_UNKNOWN
                        ? PD_PEND : judge_branch(vm, pol, &p->branches[b], res);
  }
  if (p->nauth && (out->det == PD_APPROVE || out->det == PD_PARTIAL))
    authorize_line(vm, pol, out, cond);
  return 0;
}

const pol_PlanDecl *pol_plan_decl(const pol_Program *p, uint32_t plan_id)
{
  for (uint32_t i = 0; plan_id != POL_NOSTR && i < p->nplandecl; i++)
    if (p->plandecl[i].name == plan_id) return &p->plandecl[i];
  return NULL;
}

int pol_denials_recommended(const pol_Program *p, uint32_t plan_id)
{
  const pol_PlanDecl *d = pol_plan_decl(p, plan_id);
  if (d && d->denials != POL_DENIALS_BUNDLE) return d->denials == POL_DENIALS_RECOMMENDED;
  return p->denials == POL_DENIALS_RECOMMENDED;
}

/* 42 CFR 422.566(d): where denials are recommendations, an adverse
   determination of the line -- deny, loi (a non-certification for lack
   of information) or partial (adverse for some items) -- becomes refer,
   the recommendation kept (docs/language.md "Plans"). */
static void recommend(const pol_Program *p, const pol_LineInfo *li, pol_LineResult *out)
{
  out->recommended = -1;
  if (out->det != PD_DENY && out->det != PD_LOI && out->det != PD_PARTIAL) return;
  if (!pol_denials_recommended(p, li->plan_id)) return;
  out->recommended = (int)out->det;
  out->det = PD_REFER;
}

/* "request line 1, criterion D.2 of DEC: number out of range: 90000000000 *
   2 is not within -92233720368.54775807 .. 92233720368.54775807" */
static void overflow_message(const pol_VM *vm, const pol_LineInfo *li, const pol_LineResult *lr,
                             char *err, size_t errlen)
{
  const pol_Program *p = vm->p;
  char a[POL_DEC_BUFSIZE], b[POL_DEC_BUFSIZE], where[320] = "", what[64];
  pol_dec_format(vm->ovf_a, a);
  pol_dec_format(vm->ovf_b, b);
  if (vm->ovf_op == OP_FLOOR) snprintf(what, sizeof what, "floor(%s)", a);
  else snprintf(what, sizeof what, "%s %c %s", a, "+-*/"[vm->ovf_op - OP_ADD], b);
  if (vm->ovf_crit != POL_NOSTR && lr->policy != POL_NOSTR)
    snprintf(where, sizeof where, ", criterion %s of %s", p->str[p->crit[vm->ovf_crit].id],
             p->str[p->pol[lr->policy].id]);
  snprintf(err, errlen, "request line %ld%s: number out of range: %s is not within "
           POL_DEC_RANGE_TEXT, (long)li->number, where, what);
}

int pol_vm_eval(pol_VM *vm, const pol_Case *c, const pol_LineResult **out, char *err,
                size_t errlen)
{
  uint32_t n = pol_case_nlines(c);
  if (n > vm->caplines) {
    pol_LineResult *l = realloc(vm->lines, n * sizeof *l);
    if (!l) { snprintf(err, errlen, "out of memory"); return -1; }
    vm->lines = l;
    vm->caplines = n;
  }
  size_t need = (size_t)n * (vm->maxpolcrit ? vm->maxpolcrit : 1);
  if (need > vm->capcrit) {
    pol_CritResult *r = realloc(vm->crit, need * sizeof *r);
    if (!r) { snprintf(err, errlen, "out of memory"); return -1; }
    vm->crit = r;
    vm->capcrit = (uint32_t)need;
  }
  size_t needc = (size_t)n * (vm->maxpolbr ? vm->maxpolbr : 1);
  if (needc > vm->capcond) {
    pol_CritResult *r = realloc(vm->cond, needc * sizeof *r);
    if (!r) { snprintf(err, errlen, "out of memory"); return -1; }
    vm->cond = r;
    vm->capcond = (uint32_t)needc;
  }
  if (!vm->tracing && !vm->lean_tried) {
    /* once: the code without EVID for untraced runs (on failure the
       program's own code keeps running, as with tracing on) */
    char why[256];
    vm->lean_tried = 1;
    if (pol_vm_lean_build(vm, why, sizeof why) == 0 &&
        (vm->wide_lean = widen_code(vm->lean, vm->nlean)) != NULL) {
      leaf_quantifiers(vm);
      fuse_code(vm);
    }
    select_code(vm);
    read_shapes(vm);
  }
  vm->nev = vm->nmiss = vm->miss_floor = 0;
  vm->nkeys = vm->nivals = 0;
  vm->nwr = 0;
  pol_natives_reset(vm);
  lists_reset(vm);
  begin(vm);
  uint32_t i = 0;
  for (; i < n && !vm->out_of_budget && !vm->overflow; i++)
    if (judge_line(vm, c, i, &vm->lines[i], vm->crit + (size_t)i * vm->maxpolcrit,
                   vm->cond + (size_t)i * vm->maxpolbr) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    } else if (!vm->out_of_budget && !vm->overflow) {
      /* a line cut short by the budget or an overflow has no determination */
      recommend(vm->p, pol_case_line(c, i), &vm->lines[i]);
    }
  if (vm->overflow) {
    overflow_message(vm, pol_case_line(c, i - 1), &vm->lines[i - 1], err, errlen);
    return -1;
  }
  if (vm->out_of_budget) {
    snprintf(err, errlen, "evaluation exceeded the limit of %llu instructions",
             (unsigned long long)vm->budget);
    return -1;
  }
  *out = vm->lines;
  return 0;
}
