/*
 * interp.c -- the reference evaluator: the language semantics, read off the
 * checked AST one node at a time.
 *
 * Written to be obviously correct rather than fast: a recursive eval()
 * over a small value type of its own, Kleene three-valued logic, numbers as
 * closed intervals [lo, hi] of decimals (exact when lo == hi; counts and
 * coverages over partly unknown lists are wider), a `let` evaluated afresh
 * at every use.  The semantics are those of docs/language.md.  It shares no
 * code with codegen.c or the VM's dispatch loop; the only things it takes
 * from the VM library are the fact values of the loaded case,
 * pol_add_months, the calendar rule of the language, and the decimal
 * operations of vm/decimal.h, its number rule (rounding, range).
 *
 * It evaluates in the order docs/language.md ("Evaluation order and
 * errors") gives: left to right, `and`, `or`, `??`, `if`, `exists`, `no`,
 * `every` and `first` stopping once their result is decided, the parts of
 * a list operation's item only where its `where` is not false, a let's
 * arguments before its body (not one its body never names).  That
 * decides whether a number out of range stops the case, and which one is
 * named first.
 *
 * Where the documentation is silent it takes the reading that follows from
 * "a range is a number known only to lie in [lo, hi]": arithmetic on
 * ranges is interval arithmetic (division by a range that may be 0 is
 * unknown), and a range used as a `count distinct` key is an unknown key.
 *
 * Ownership: values borrow from the AST and the case.  The only
 * allocations are scratch arrays (a coverage's intervals, the truths and
 * keys of a `latest`, the arguments of a let with more than 8 parameters),
 * freed before the function returns,
 * and the lists sides() and periods() make, owned by the judgement's
 * Scratch and freed when it ends.
 */
#include "interp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/vm.h"
#include "../vm/codes.h"
#include "valueset.h"

/* ---- values ------------------------------------------------------------ */

typedef enum { V_UNK, V_BOOL, V_NUM, V_STR, V_DATE, V_DUR, V_WIN, V_SET, V_LIST, V_REC } VKind;

typedef struct Val {
  VKind k;
  int b;                    /* V_BOOL: 0 or 1 */
  pol_Dec lo, hi;           /* V_NUM: the number lies in [lo, hi] */
  int32_t d1, d2;           /* V_DATE: day d1; V_WIN: days [d1, d2];
                               V_DUR: d1 months and d2 days */
  unsigned wunk;            /* V_WIN: POL_WIN_* bits, an end is unknown */
  const char *s;            /* V_STR */
  const pol_Node *set;      /* V_SET: first N_STR of the literal */
  const pol_List *list;     /* V_LIST */
  const pol_Value *fields;  /* V_REC */
  uint32_t rec;             /* V_REC: record type index */
} Val;

typedef enum { F = 0, T = 1, U = 2 } Tri;

static Val unk(void)
{
  Val v;
  memset(&v, 0, sizeof v);
  v.k = V_UNK;
  return v;
}

static Val boolv(int b)
{
  Val v = unk();
  v.k = V_BOOL;
  v.b = b != 0;
  return v;
}

static Val triv(Tri t) { return t == U ? unk() : boolv(t == T); }

static Val range(pol_Dec lo, pol_Dec hi)
{
  Val v = unk();
  v.k = V_NUM;
  v.lo = lo;
  v.hi = hi;
  return v;
}

static Val num(pol_Dec x) { return range(x, x); }

/* Whole numbers [lo, hi] (counts, days); each within int32. */
static Val whole(int64_t lo, int64_t hi) { return range(lo * POL_DEC_SCALE, hi * POL_DEC_SCALE); }

static Val date(int32_t d)
{
  Val v = unk();
  v.k = V_DATE;
  v.d1 = d;
  return v;
}

static Tri truth(Val v) { return v.k == V_BOOL ? (v.b ? T : F) : U; }

/* known(x): a value, and not a window with an unknown end. */
static int known(Val v) { return v.k != V_UNK && !(v.k == V_WIN && v.wunk); }

static Tri tri_not(Tri a) { return a == U ? U : a == T ? F : T; }

static Tri tri_and(Tri a, Tri b)
{
  if (a == F || b == F) return F;
  if (a == U || b == U) return U;
  return T;
}

static Tri tri_or(Tri a, Tri b)
{
  if (a == T || b == T) return T;
  if (a == U || b == U) return U;
  return F;
}

/* A fact slot, record field or list item as loaded from the case. */
static Val from_case(const pol_Value *pv)
{
  Val v = unk();
  switch (pv->tag) {
  case PV_BOOL: return boolv(pv->aux != 0);
  case PV_NUM: return num(pv->u.d);
  case PV_RANGE: return whole(pv->u.r.lo, pv->u.r.hi);
  case PV_STR: v.k = V_STR; v.s = pv->u.s; return v;
  case PV_DATE: return date((int32_t)pv->aux);
  case PV_WIN: v.k = V_WIN; v.d1 = pv->u.r.lo; v.d2 = pv->u.r.hi; v.wunk = pv->aux; return v;
  case PV_LIST: v.k = V_LIST; v.list = pv->u.p; return v;
  case PV_REC: v.k = V_REC; v.fields = pv->u.p; v.rec = pv->aux; return v;
  default: return unk();
  }
}

/* ---- environment ------------------------------------------------------- */

/* The items of the enclosing quantifiers, innermost first. */
typedef struct Items {
  const struct Items *up;
  Val item;
} Items;

/* The lists a judgement makes (sides, periods): each a pol_List with its
   items after it in one allocation, freed together at the end. */
typedef struct Made {
  struct Made *next;
  pol_List list;
  pol_Value items[];
} Made;

typedef struct Scratch {
  Made *made;
} Scratch;

typedef struct Env {
  const pol_Program *p;
  const pol_Value *slots;   /* fact values of the line being judged */
  const Val *args;          /* arguments of the let whose body this is */
  int nargs;
  const Items *items;
  Val each;                 /* the item of the enclosing `for each` */
  pol_InterpResult *res;    /* its overflow fields: set when a result
                               leaves the range of numbers */
  const char *crit;         /* the leaf criterion being judged, or NULL */
  Scratch *scratch;         /* owns the lists the judgement makes */
} Env;

/* A new list of n items (filled by the caller) owned by e's scratch;
   NULL when out of memory. */
static pol_List *new_list(const Env *e, uint32_t n, uint32_t elem)
{
  Made *m = malloc(sizeof *m + (n ? n : 1) * sizeof(pol_Value));
  if (!m) return NULL;
  m->next = e->scratch->made;
  e->scratch->made = m;
  m->list.n = n;
  m->list.elem = elem;
  m->list.items = m->items;
  return &m->list;
}

static Val list_val(const pol_List *l)
{
  Val v;
  memset(&v, 0, sizeof v);
  v.k = l ? V_LIST : V_UNK;
  v.list = l;
  return v;
}

static Val item_at(const Env *e, int depth)
{
  const Items *it = e->items;
  for (int i = 0; i < depth && it; i++) it = it->up;
  return it ? it->item : unk();
}

static Val field_of(const Env *e, Val r, int index)
{
  if (r.k != V_REC || r.rec >= e->p->nrec || index < 0 ||
      (uint32_t)index >= e->p->rec[r.rec].nfields)
    return unk();
  return from_case(&r.fields[index]);
}

static uint32_t list_len(Val l) { return l.list->n; }

static Val list_item(Val l, uint32_t i) { return from_case(&l.list->items[i]); }

/* ---- comparisons -------------------------------------------------------- */

static int exact(Val v) { return v.lo == v.hi; }

static Tri yes_no(int yes, int no) { return yes ? T : no ? F : U; }

/* Numbers are intervals: a comparison is true when it holds for every pair
   of values the intervals allow, false when it holds for none. */
static Tri num_cmp(int op, Val a, Val b)
{
  switch (op) {
  case O_EQ: return yes_no(exact(a) && exact(b) && a.lo == b.lo, a.hi < b.lo || b.hi < a.lo);
  case O_NE: return tri_not(num_cmp(O_EQ, a, b));
  case O_LT: return yes_no(a.hi < b.lo, a.lo >= b.hi);
  case O_LE: return yes_no(a.hi <= b.lo, a.lo > b.hi);
  case O_GT: return num_cmp(O_LT, b, a);
  default:   return num_cmp(O_LE, b, a);   /* O_GE */
  }
}

static Tri ord_cmp(int op, long x, long y)
{
  switch (op) {
  case O_EQ: return x == y ? T : F;
  case O_NE: return x != y ? T : F;
  case O_LT: return x < y ? T : F;
  case O_LE: return x <= y ? T : F;
  case O_GT: return x > y ? T : F;
  default:   return x >= y ? T : F;
  }
}

static Tri compare(int op, Val a, Val b)
{
  if (a.k == V_UNK || b.k == V_UNK) return U;
  if (a.k != b.k) return U;   /* the checker allows no such comparison */
  switch (a.k) {
  case V_NUM: return num_cmp(op, a, b);
  case V_DATE: return ord_cmp(op, a.d1, b.d1);
  case V_BOOL: return ord_cmp(op, a.b, b.b);
  case V_STR:
    if (op == O_EQ) return strcmp(a.s, b.s) == 0 ? T : F;
    if (op == O_NE) return strcmp(a.s, b.s) != 0 ? T : F;
    return U;
  default: return U;
  }
}

/* s in a set literal or in a list of strings: false for an empty list,
   whatever s is. */
static Tri member(Val s, Val in)
{
  if (in.k == V_LIST && list_len(in) == 0) return F;
  if (s.k != V_STR || in.k == V_UNK) return U;
  if (in.k == V_SET) {
    for (const pol_Node *x = in.set; x; x = x->next)
      if (strcmp(x->str, s.s) == 0) return T;
    return F;
  }
  if (in.k == V_LIST) {
    /* "s == x1 or s == x2 or ..." */
    Tri acc = F;
    for (uint32_t i = 0; i < list_len(in); i++) acc = tri_or(acc, compare(O_EQ, s, list_item(in, i)));
    return acc;
  }
  return U;
}

/* d within w: false if d is before a known start or after a known end, or
   the window is empty; true if d is between two known ends; else U. */
static Tri within(Val d, Val w)
{
  if (w.k != V_WIN) return U;
  int lo = !(w.wunk & POL_WIN_LO_UNK), hi = !(w.wunk & POL_WIN_HI_UNK);
  if (lo && hi && w.d1 > w.d2) return F;
  if (d.k != V_DATE) return U;
  if ((lo && d.d1 < w.d1) || (hi && d.d1 > w.d2)) return F;
  return lo && hi ? T : U;
}

/* ---- arithmetic --------------------------------------------------------- */

__extension__ typedef __int128 Wide;   /* exact products of two decimals */

/* "Arithmetic on a range is interval arithmetic, widened to whole
   numbers" (docs/language.md): the whole numbers around [lo, hi],
   floor(lo / d) .. ceil(hi / d), d > 0. */
#define POL_RANGE_LIMIT 2000000000
static Val widened(Wide lo, Wide hi, Wide d)
{
  Wide l = lo / d - (lo % d < 0), h = hi / d + (hi % d > 0);
  /* a range beyond POL_RANGE_LIMIT is unknown (docs/limits.md) */
  if (l < -POL_RANGE_LIMIT || h > POL_RANGE_LIMIT) return unk();
  return whole((int64_t)l, (int64_t)h);
}

/* A result of op on a and b (floor: op -1, a) beyond the range: the case
   is not judged; the first is kept for the message. */
static Val overflowed(const Env *e, int op, pol_Dec a, pol_Dec b)
{
  pol_InterpResult *r = e->res;
  if (!r->overflow) {
    r->overflow = 1;
    r->ovf_op = op;
    r->ovf_a = a;
    r->ovf_b = b;
    r->ovf_crit = e->crit;
  }
  return unk();
}

/* Interval arithmetic: the result holds every value the operands allow.
   On exact numbers it is the arithmetic of decimal.h (a result out of
   range is an error); on a range it is computed exactly on the bounds and
   widened to whole numbers. */
static Val num_arith(const Env *e, int op, Val a, Val b)
{
  if (exact(a) && exact(b)) {
    pol_Dec r;
    pol_DecStatus st;
    switch (op) {
    case O_ADD: st = pol_dec_add(a.lo, b.lo, &r); break;
    case O_SUB: st = pol_dec_sub(a.lo, b.lo, &r); break;
    case O_MUL: st = pol_dec_mul(a.lo, b.lo, &r); break;
    default:
      if (b.lo == 0) return unk();
      st = pol_dec_div(a.lo, b.lo, &r);
      break;
    }
    return st == POL_DEC_OK ? num(r) : overflowed(e, op, a.lo, b.lo);
  }
  switch (op) {
  case O_ADD: return widened((Wide)a.lo + b.lo, (Wide)a.hi + b.hi, POL_DEC_SCALE);
  case O_SUB: return widened((Wide)a.lo - b.hi, (Wide)a.hi - b.lo, POL_DEC_SCALE);
  case O_MUL: {
    Wide w = (Wide)a.lo * b.lo, x = (Wide)a.lo * b.hi, y = (Wide)a.hi * b.lo, z = (Wide)a.hi * b.hi;
    Wide lo = w, hi = w;
    if (x < lo) lo = x;
    if (y < lo) lo = y;
    if (z < lo) lo = z;
    if (x > hi) hi = x;
    if (y > hi) hi = y;
    if (z > hi) hi = z;
    return widened(lo, hi, (Wide)POL_DEC_SCALE * POL_DEC_SCALE);
  }
  default: {   /* O_DIV: unknown if the divisor may be 0 */
    if (b.lo <= 0 && b.hi >= 0) return unk();
    /* the divisor has one sign: a / b over the corners, as fractions */
    Val lo = unk(), hi = unk();
    pol_Dec na[2] = {a.lo, a.hi}, nb[2] = {b.lo, b.hi};
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) {
        Wide n = nb[j] < 0 ? -(Wide)na[i] : na[i], d = nb[j] < 0 ? -(Wide)nb[j] : nb[j];
        Val q = widened(n, n, d);   /* [floor(n / d), ceil(n / d)] */
        if (q.k == V_UNK) return unk();
        if (lo.k == V_UNK || q.lo < lo.lo) lo = q;
        if (hi.k == V_UNK || q.hi > hi.hi) hi = q;
      }
    return range(lo.lo, hi.hi);
  }
  }
}

/* date +- duration.  "Dates computed by the VM stay in [0001-01-01,
   9999-12-31] or are unknown" (docs/limits.md). */
static Val date_plus(int op, Val a, Val b)
{
  int sign = op == O_ADD ? 1 : -1;
  double months = (double)sign * b.d1, days = (double)sign * b.d2;
  /* beyond these the result is out of range anyway (and pol_add_months
     would overflow) */
  if (fabs(months) > 1200000 || fabs(days) > 100000000) return unk();
  double d = (double)pol_add_months(a.d1, (int32_t)months) + days;
  if (d < pol_days_from_civil(1, 1, 1) || d > pol_days_from_civil(9999, 12, 31)) return unk();
  return date((int32_t)d);
}

static Val arith(const Env *e, int op, Val a, Val b)
{
  /* 0 times any number is 0 */
  if (op == O_MUL && ((a.k == V_UNK && b.k == V_NUM && b.lo == 0 && b.hi == 0) ||
                      (b.k == V_UNK && a.k == V_NUM && a.lo == 0 && a.hi == 0)))
    return num(0);
  if (a.k == V_UNK || b.k == V_UNK) return unk();
  if (a.k == V_NUM && b.k == V_NUM) return num_arith(e, op, a, b);
  if (a.k == V_DATE && b.k == V_DUR && (op == O_ADD || op == O_SUB)) return date_plus(op, a, b);
  if (a.k == V_DATE && b.k == V_DATE && op == O_SUB) return whole(a.d1 - (int64_t)b.d1, a.d1 - (int64_t)b.d1);
  return unk();
}

/* ---- expressions -------------------------------------------------------- */

static Val eval(const Env *e, const pol_Node *n);

/* Does the tree n name parameter k of the let whose body it is (a nested
   call's arguments are part of the tree; the bodies of the lets it calls
   are not)? */
static int mentions_param(const pol_Node *n, int k)
{
  if (!n) return 0;
  if (n->kind == N_NAME && n->res == R_PARAM && n->index == k) return 1;
  const pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++)
    if (mentions_param(kids[i], k)) return 1;
  for (const pol_Node *a = n->args; a; a = a->next)
    if (mentions_param(a, k)) return 1;
  return 0;
}

/* A call of a let: its arguments left to right, each one whose parameter
   the body mentions (another cannot change the result and is not
   evaluated), then the body (docs/language.md, "Evaluation order and
   errors"). */
static Val eval_let(const Env *e, const pol_Node *let, const pol_Node *args)
{
  Val small[8], *argv = small;
  int na = 0;
  for (const pol_Node *a = args; a; a = a->next) na++;
  if (na > 8 && !(argv = malloc((size_t)na * sizeof *argv))) return unk();
  na = 0;
  for (const pol_Node *a = args; a; a = a->next, na++)
    argv[na] = mentions_param(let->a, na) ? eval(e, a) : unk();
  /* a let's body sees its parameters and the declarations, nothing else */
  Env inner = {e->p, e->slots, argv, na, NULL, unk(), e->res, e->crit, e->scratch};
  Val v = eval(&inner, let->a);
  if (argv != small) free(argv);
  return v;
}

static Val eval_name(const Env *e, const pol_Node *n)
{
  switch (n->res) {
  case R_FACT:
    if (n->decl->index < 0 || (uint32_t)n->decl->index >= e->p->nfacts) return unk();
    return from_case(&e->slots[n->decl->index]);
  case R_LET: return eval_let(e, n->decl, NULL);
  case R_PARAM: return n->index < e->nargs ? e->args[n->index] : unk();
  case R_FIELD: return field_of(e, item_at(e, n->depth), n->index);
  case R_ITEM: return item_at(e, n->depth);
  case R_EACH: return e->each;
  default: return unk();
  }
}

/* days(n), weeks(n), years(n): a whole number of them within 10000 years
   (the bounds of a duration constant), else unknown. */
static Val duration(int unit, Val a)
{
  if (a.k != V_NUM || !exact(a) || !pol_dec_is_int(a.lo)) return unk();
  int64_t k = a.lo / POL_DEC_SCALE;
  int64_t lim = unit == B_YEARS ? 10000 : unit == B_WEEKS ? 3652425 / 7 : 3652425;
  if (k < -lim || k > lim) return unk();
  Val v = unk();
  v.k = V_DUR;
  if (unit == B_YEARS) v.d1 = (int32_t)(k * 12);
  else v.d2 = (int32_t)(unit == B_WEEKS ? 7 * k : k);
  return v;
}

/* calendar_month/quarter/year(d): the first to the last day of d's month,
   quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec) or year. */
static Val calendar(Val d, int which)
{
  if (d.k != V_DATE) return unk();
  int y, m, day;
  pol_civil_from_days(d.d1, &y, &m, &day);
  int m0 = m, m1 = m;
  if (which == B_CAL_QUARTER) { m0 = m - (m - 1) % 3; m1 = m0 + 2; }
  if (which == B_CAL_YEAR) { m0 = 1; m1 = 12; }
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  Val w = unk();
  w.k = V_WIN;
  w.d1 = pol_days_from_civil(y, m0, 1);
  w.d2 = pol_days_from_civil(y, m1, mdays[m1 - 1] + (m1 == 2 && leap));
  return w;
}

/* sides(s): ["left", "right"] for "bilateral", [s] for another string. */
static Val sides(const Env *e, Val s)
{
  if (s.k != V_STR) return unk();
  int both = strcmp(s.s, "bilateral") == 0;
  pol_List *l = new_list(e, both ? 2 : 1, POL_TYPE(PK_STR, 0, 0));
  if (!l) return unk();
  pol_Value *it = (pol_Value *)l->items;
  const char *names[2] = {both ? "left" : s.s, "right"};
  for (uint32_t i = 0; i < l->n; i++) {
    it[i] = (pol_Value){PV_STR, POL_NOSTR, {0}};
    it[i].u.s = names[i];
  }
  return list_val(l);
}

/* periods(D, W): the windows [s, s + D - 1 day] inside W, s from W's
   start day by day; empty windows (D under a day) are none. */
static Val periods(const Env *e, Val d, Val w)
{
  if (d.k != V_DUR || w.k != V_WIN || !known(w)) return unk();
  uint32_t n = 0;
  for (int32_t s = w.d1; s <= w.d2; s++) {
    int64_t end = (int64_t)pol_add_months(s, d.d1) + d.d2 - 1;
    if (end <= w.d2 && end >= s) n++;
  }
  pol_List *l = new_list(e, n, POL_TYPE(PK_WIN, 0, 0));
  if (!l) return unk();
  pol_Value *it = (pol_Value *)l->items;
  uint32_t k = 0;
  for (int32_t s = w.d1; s <= w.d2 && k < n; s++) {
    int64_t end = (int64_t)pol_add_months(s, d.d1) + d.d2 - 1;
    if (end > w.d2 || end < s) continue;
    it[k] = (pol_Value){PV_WIN, 0, {0}};
    it[k].u.r.lo = s;
    it[k++].u.r.hi = (int32_t)end;
  }
  return list_val(l);
}

/* The least (is_min) or greatest of two numbers, bound by bound (exact
   when both are; a range widened to whole numbers), or of two dates; else
   unknown. */
static Val min_max(Val a, Val b, int is_min)
{
  if (a.k == V_DATE && b.k == V_DATE)
    return date(is_min ? (a.d1 < b.d1 ? a.d1 : b.d1) : (a.d1 > b.d1 ? a.d1 : b.d1));
  if (a.k != V_NUM || b.k != V_NUM) return unk();
  pol_Dec lo = is_min ? (a.lo < b.lo ? a.lo : b.lo) : (a.lo > b.lo ? a.lo : b.lo);
  pol_Dec hi = is_min ? (a.hi < b.hi ? a.hi : b.hi) : (a.hi > b.hi ? a.hi : b.hi);
  if (exact(a) && exact(b)) return num(lo);
  return widened(lo, hi, POL_DEC_SCALE);
}

/* A value of a table (a literal, check.c). */
static Val table_val(const pol_Node *v)
{
  Val r = unk();
  switch (v->kind) {
  case N_NUM: return num(v->num);
  case N_UNARY: return num(-v->a->num);
  case N_STR: r.k = V_STR; r.s = v->str; return r;
  case N_DATE: return date(v->ival);
  case N_DUR: r.k = V_DUR; r.d1 = v->ival; r.d2 = v->ival2; return r;
  case N_BOOL: return boolv(v->ival);
  default: return r;
  }
}

/* TABLE[KEY]: the entry of a known key, else the default, else unknown; an
   unknown key is unknown.  A scan of the entries (the VM: a binary search). */
static Val eval_lookup(const Env *e, const pol_Node *n)
{
  Val k = eval(e, n->b);
  if (k.k != V_STR) return unk();
  const pol_Node *dflt = NULL;
  for (const pol_Node *x = n->a->decl->args; x; x = x->next) {
    if (x->flags & 1) dflt = x;
    else if (strcmp(x->str, k.s) == 0) return table_val(x->a);
  }
  return dflt ? table_val(dflt->a) : unk();
}

static Val eval_call(const Env *e, const pol_Node *n)
{
  if (n->res == R_LET) return eval_let(e, n->decl, n->args);
  if (n->res != R_BUILTIN) {
    /* externs are not called here (unknown), but their arguments are
       evaluated, as the VM does: an argument out of range is an error */
    for (const pol_Node *x = n->args; x; x = x->next) (void)eval(e, x);
    return unk();
  }
  Val a = eval(e, n->args);
  switch (n->index) {
  case B_CAL_MONTH: case B_CAL_QUARTER: case B_CAL_YEAR: return calendar(a, n->index);
  case B_SIDES: return sides(e, a);
  case B_PERIODS: return periods(e, a, eval(e, n->args->next));
  case B_FLOOR: {
    pol_Dec lo, hi;
    if (a.k != V_NUM) return unk();
    if (pol_dec_floor(a.lo, &lo) != POL_DEC_OK) return overflowed(e, -1, a.lo, 0);
    if (pol_dec_floor(a.hi, &hi) != POL_DEC_OK) return overflowed(e, -1, a.hi, 0);
    return range(lo, hi);
  }
  case B_START_OF: return a.k == V_WIN && !(a.wunk & POL_WIN_LO_UNK) ? date(a.d1) : unk();
  case B_END_OF: return a.k == V_WIN && !(a.wunk & POL_WIN_HI_UNK) ? date(a.d2) : unk();
  case B_KNOWN: return boolv(known(a));
  case B_DAYS: case B_WEEKS: case B_YEARS: return duration(n->index, a);
  case B_MIN: case B_MAX: {
    Val acc = a;
    for (const pol_Node *x = n->args->next; x; x = x->next) acc = min_max(acc, eval(e, x), n->index == B_MIN);
    return acc;
  }
  default: return unk();
  }
}

/* Is the normal form c in the compiled set v?  A scan of every range: the
   VM's binary search (vm/codes.c) checked against the plain definition. */
static int in_ranges(const pol_VSetC *v, const char *c)
{
  for (uint32_t i = 0; i < v->n; i++)
    if (strcmp(v->lo[i], c) <= 0 && strcmp(c, v->hi[i]) < 0) return 1;
  return 0;
}

/* `CODE in VS`: unknown code, unknown; a known string is a member or not
   (a string that is not a code of the set's system is not). */
static Tri vset_member(Val a, const pol_Node *vs)
{
  const pol_VSetC *v = vs->vset;
  if (a.k != V_STR) return U;
  char c[POL_CODE_BUF];
  if (pol_code_norm(v->system, a.s, strlen(a.s), c, NULL) != 0) return F;
  return in_ranges(v, c) ? T : F;
}

static Val eval_binary(const Env *e, const pol_Node *n)
{
  if ((n->op == O_IN || n->op == O_NOTIN) && n->b->res == R_VSET) {
    Tri t = vset_member(eval(e, n->a), n->b->decl);
    return triv(n->op == O_IN ? t : tri_not(t));
  }
  /* left to right, stopping once the left side decides (docs/language.md,
     "Evaluation order and errors"): b is not evaluated then */
  if (n->op == O_AND) {
    Tri a = truth(eval(e, n->a));
    return a == F ? boolv(0) : triv(tri_and(a, truth(eval(e, n->b))));
  }
  if (n->op == O_OR) {
    Tri a = truth(eval(e, n->a));
    return a == T ? boolv(1) : triv(tri_or(a, truth(eval(e, n->b))));
  }
  if (n->op == O_COALESCE) {
    Val a = eval(e, n->a);
    return known(a) ? a : eval(e, n->b);
  }
  Val a = eval(e, n->a), b = eval(e, n->b);
  switch (n->op) {
  case O_EQ: case O_NE: case O_LT: case O_LE: case O_GT: case O_GE:
    return triv(compare(n->op, a, b));
  case O_IN:
    return triv(member(a, b));
  case O_NOTIN:
    return triv(tri_not(member(a, b)));
  case O_WITHIN:
    return triv(within(a, b));
  default:
    return arith(e, n->op, a, b);
  }
}

/* The truth of a quantifier's predicate for one item (no predicate: true). */
static Tri pred_for(const Env *e, const pol_Node *pred, Val item)
{
  if (!pred) return T;
  Items it = {e->items, item};
  Env inner = *e;
  inner.items = &it;
  return truth(eval(&inner, pred));
}

static Val value_for(const Env *e, const pol_Node *x, Val item)
{
  Items it = {e->items, item};
  Env inner = *e;
  inner.items = &it;
  return eval(&inner, x);
}

/* A key of `count distinct` is known when it is one value: a number known
   only to lie in a range (a count used as a key) may or may not equal
   another key, so it counts as unknown. */
static int known_key(Val k) { return k.k != V_UNK && (k.k != V_NUM || exact(k)); }

/* Known keys compared by value. */
static int same_key(Val a, Val b)
{
  if (!known_key(a) || !known_key(b) || a.k != b.k) return 0;
  switch (a.k) {
  case V_STR: return strcmp(a.s, b.s) == 0;
  case V_NUM: return a.lo == b.lo;
  case V_DATE: return a.d1 == b.d1;
  case V_BOOL: return a.b == b.b;
  default: return 0;
  }
}

/* count distinct KEY of L where P:
     sure     = distinct keys among the items whose P is true (known keys),
                and at least 1 if P is true for an item whose key is
                unknown (it has some key);
     possible = distinct known keys among the items whose P may be true,
                plus every such item whose key is unknown (it may be new). */
static Val count_distinct(const Env *e, const pol_Node *n, Val l)
{
  uint32_t len = list_len(l);
  uint32_t sure = 0, possible = 0;
  int some_sure = 0;
  for (uint32_t i = 0; i < len; i++) {
    Val item = list_item(l, i);
    Tri pi = pred_for(e, n->b, item);
    if (pi == F) continue;
    Val ki = value_for(e, n->c, item);
    if (!known_key(ki)) {
      possible++;
      some_sure |= pi == T;
      continue;
    }
    /* item i is the first of its key among the items whose P may be true? */
    int first_possible = 1, first_sure = pi == T;
    for (uint32_t j = 0; j < i; j++) {
      Val other = list_item(l, j);
      Tri pj = pred_for(e, n->b, other);
      if (pj == F || !same_key(ki, value_for(e, n->c, other))) continue;
      first_possible = 0;
      if (pj == T) first_sure = 0;
    }
    possible += first_possible;
    sure += first_sure;
  }
  if (sure == 0 && some_sure) sure = 1;
  return whole(sure, possible);
}

/* Two known values that are one value: bools, numbers known exactly,
   strings, dates, durations. */
static int same_value(Val a, Val b)
{
  if (!known(a) || !known(b) || a.k != b.k) return 0;
  switch (a.k) {
  case V_BOOL: return a.b == b.b;
  case V_NUM: return exact(a) && exact(b) && a.lo == b.lo;
  case V_STR: return strcmp(a.s, b.s) == 0;
  case V_DATE: return a.d1 == b.d1;
  case V_DUR: return a.d1 == b.d1 && a.d2 == b.d2;
  default: return 0;
  }
}

/* sum V of L where P: v1 + v2 + ... over the items whose P is true, in
   order (a partial sum out of range is an error, as with `+`); an item
   whose P is unknown adds [min(0, v), max(0, v)], so the result is the
   range of every possible sum, widened to whole numbers; an item whose P
   may be true and whose value is unknown makes it unknown. */
static Val eval_sum(const Env *e, const pol_Node *n, Val l, uint32_t len)
{
  pol_Dec acc = 0;
  Wide lo = 0, hi = 0;
  int unknown = 0;
  for (uint32_t i = 0; i < len; i++) {
    Val item = list_item(l, i);
    Tri p = pred_for(e, n->b, item);
    if (p == F) continue;
    Val v = value_for(e, n->c, item);
    if (v.k != V_NUM) { unknown = 1; continue; }
    if (p == T && exact(v)) {
      pol_Dec r;
      if (pol_dec_add(acc, v.lo, &r) != POL_DEC_OK) return overflowed(e, O_ADD, acc, v.lo);
      acc = r;
    }
    if (p == T) { lo += v.lo; hi += v.hi; }
    else { lo += v.lo < 0 ? v.lo : 0; hi += v.hi > 0 ? v.hi : 0; }
  }
  if (unknown) return unk();
  if (lo == hi) return num(acc);
  return widened(lo, hi, POL_DEC_SCALE);
}

/* A key of latest / earliest: a date, or a number known exactly. */
static int order_known(Val k) { return k.k == V_DATE || (k.k == V_NUM && exact(k)); }

static int order_cmp(Val a, Val b)
{
  if (a.k == V_DATE) return a.d1 < b.d1 ? -1 : a.d1 > b.d1;
  return a.lo < b.lo ? -1 : a.lo > b.lo;
}

/* latest V of L where P by K (dir 1), earliest (dir -1), read as: over
   every completion, the value of the item whose P is true and whose K is
   greatest.  M = the greatest known K of the items whose P is true.  The
   items that may be that one: P true or unknown, K unknown or not before
   M.  Known when some P is true and they all agree on one value. */
static Val eval_latest(const Env *e, const pol_Node *n, Val l, uint32_t len, int dir)
{
  /* first P of each item and, where P is not false, its K, item by item */
  Tri *p = malloc((len ? len : 1) * sizeof *p);
  Val *k = malloc((len ? len : 1) * sizeof *k);
  if (!p || !k) { free(p); free(k); return unk(); }
  int some_true = 0, have_m = 0;
  Val m = unk();
  for (uint32_t i = 0; i < len; i++) {
    Val item = list_item(l, i);
    p[i] = pred_for(e, n->b, item);
    k[i] = p[i] == F ? unk() : value_for(e, n->d, item);
    if (p[i] != T) continue;
    some_true = 1;
    if (order_known(k[i]) && (!have_m || dir * order_cmp(k[i], m) > 0)) { m = k[i]; have_m = 1; }
  }
  /* then V of the items that may be the one, when some P is true */
  Val r = unk();
  int found = 0, agree = 1;
  for (uint32_t i = 0; i < len && some_true; i++) {
    if (p[i] == F || (have_m && order_known(k[i]) && dir * order_cmp(k[i], m) < 0)) continue;
    Val v = value_for(e, n->c, list_item(l, i));
    if (!found) { r = v; found = 1; }
    else if (!same_value(r, v)) agree = 0;
  }
  free(p);
  free(k);
  return some_true && found && agree ? r : unk();
}

/* The strings of a set literal as a list (a quantifier over a set), each
   once; *store holds them (freed by the caller). */
static Val set_as_list(Val s, pol_List *l, pol_Value **store)
{
  uint32_t n = 0;
  for (const pol_Node *x = s.set; x; x = x->next) n++;
  *store = calloc(n ? n : 1, sizeof **store);
  if (!*store) return unk();
  n = 0;
  for (const pol_Node *x = s.set; x; x = x->next) {
    int seen = 0;   /* a set holds each string once */
    for (uint32_t i = 0; i < n && !seen; i++) seen = strcmp((*store)[i].u.s, x->str) == 0;
    if (seen) continue;
    (*store)[n].tag = PV_STR;
    (*store)[n].aux = POL_NOSTR;
    (*store)[n++].u.s = x->str;
  }
  l->n = n;
  l->elem = PK_STR;
  l->items = *store;
  Val v = unk();
  v.k = V_LIST;
  v.list = l;
  return v;
}

static Val eval_quant_list(const Env *e, const pol_Node *n, Val l);

static Val eval_quant(const Env *e, const pol_Node *n)
{
  Val l = eval(e, n->a);
  if (l.k != V_SET) return eval_quant_list(e, n, l);
  pol_List sl;
  pol_Value *store;
  l = set_as_list(l, &sl, &store);
  Val r = eval_quant_list(e, n, l);
  free(store);
  return r;
}

static Val eval_quant_list(const Env *e, const pol_Node *n, Val l)
{
  if (l.k != V_LIST) return unk();
  uint32_t len = list_len(l);
  switch (n->op) {
  case Q_SUM: return eval_sum(e, n, l, len);
  case Q_LATEST: return eval_latest(e, n, l, len, 1);
  case Q_EARLIEST: return eval_latest(e, n, l, len, -1);
  case Q_EXISTS: case Q_NO: {   /* the items in order, up to the first true */
    Tri acc = F;
    for (uint32_t i = 0; i < len && acc != T; i++) acc = tri_or(acc, pred_for(e, n->b, list_item(l, i)));
    return triv(n->op == Q_NO ? tri_not(acc) : acc);
  }
  case Q_FIRST:   /* false over [], else P of the first item */
    return len == 0 ? boolv(0) : triv(pred_for(e, n->b, list_item(l, 0)));
  case Q_EVERY: {   /* the items in order, up to the first false */
    Tri acc = T;
    for (uint32_t i = 0; i < len && acc != F; i++) acc = tri_and(acc, pred_for(e, n->b, list_item(l, i)));
    return triv(acc);
  }
  case Q_COUNT: {
    if (!n->b) return whole(len, len);
    uint32_t yes = 0, maybe = 0;
    for (uint32_t i = 0; i < len; i++) {
      Tri t = pred_for(e, n->b, list_item(l, i));
      yes += t == T;
      maybe += t == U;
    }
    return whole(yes, (int64_t)yes + maybe);
  }
  default:
    return count_distinct(e, n, l);
  }
}

typedef struct Span32 { int32_t lo, hi; } Span32;

static int by_start(const void *a, const void *b)
{
  const Span32 *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Days of the union of sp[0..n) (sorts sp). */
static int64_t union_days(Span32 *sp, uint32_t n)
{
  qsort(sp, n, sizeof *sp, by_start);
  int64_t days = 0;
  int64_t last = INT64_MIN / 2;   /* the last day already counted */
  for (uint32_t i = 0; i < n; i++) {
    int64_t lo = sp[i].lo > last + 1 ? sp[i].lo : last + 1;
    if (sp[i].hi >= lo) {
      days += sp[i].hi - lo + 1;
      last = sp[i].hi;
    }
  }
  return days;
}

/* The spans of W that the items of L where P from S to E cover, measured:
     sure     = measure of the spans (clipped to W) of the items whose P is
                true and whose S and E are known;
     possible = the same over the items whose P is true or unknown; one of
                them with an unknown S or E may cover all of W.
   `cover` measures the days in the spans' union (union_days), `longest
   run` the longest stretch of consecutive days (longest_days). */
static Val eval_spans(const Env *e, const pol_Node *n, int64_t (*measure)(Span32 *, uint32_t))
{
  Val w = eval(e, n->a), l = eval(e, n->b);
  if (w.k != V_WIN || !known(w) || l.k != V_LIST) return unk();
  uint32_t len = list_len(l);
  Span32 *sure = malloc((len ? len : 1) * sizeof *sure);
  Span32 *maybe = malloc((len ? len : 1) * sizeof *maybe);
  if (!sure || !maybe) { free(sure); free(maybe); return unk(); }
  uint32_t nsure = 0, nmaybe = 0;
  int unbounded = 0;   /* an item that may count has an unknown start or end */
  for (uint32_t i = 0; i < len; i++) {
    Val item = list_item(l, i);
    Tri p = pred_for(e, n->c, item);
    if (p == F) continue;
    Val s = value_for(e, n->d, item), t = value_for(e, n->e, item);
    if (s.k != V_DATE || t.k != V_DATE) { unbounded = 1; continue; }
    Span32 x = {s.d1 > w.d1 ? s.d1 : w.d1, t.d1 < w.d2 ? t.d1 : w.d2};   /* clipped to W */
    if (x.lo > x.hi) continue;
    if (p == T) sure[nsure++] = x;
    maybe[nmaybe++] = x;   /* every item that counts surely also may count */
  }
  int64_t lo = measure(sure, nsure), hi = measure(maybe, nmaybe);
  free(sure);
  free(maybe);
  int64_t all = w.d2 >= w.d1 ? (int64_t)w.d2 - w.d1 + 1 : 0;
  return whole(lo, unbounded ? all : hi);
}

/* The longest stretch of consecutive days in the union of sp[0..n)
   (sorts sp): a stretch runs on while the next span starts by the day
   after its last day. */
static int64_t longest_days(Span32 *sp, uint32_t n)
{
  qsort(sp, n, sizeof *sp, by_start);
  int64_t best = 0, from = 0, last = INT64_MIN / 2;
  for (uint32_t i = 0; i < n; i++) {
    if (sp[i].lo > last + 1) from = sp[i].lo;
    if (sp[i].hi > last) last = sp[i].hi;
    if (last - from + 1 > best) best = last - from + 1;
  }
  return best;
}

/* days of W covered by L where P from S to E */
static Val eval_cover(const Env *e, const pol_Node *n) { return eval_spans(e, n, union_days); }

/* longest run of W covered by L where P from S to E */
static Val eval_run(const Env *e, const pol_Node *n) { return eval_spans(e, n, longest_days); }

static int by_day(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

/* The longest gap between neighbours of the days d[0..n) (sorts d). */
static int64_t widest(int32_t *d, uint32_t n)
{
  qsort(d, n, sizeof *d, by_day);
  int64_t best = 0;
  for (uint32_t i = 0; i + 1 < n; i++)
    if ((int64_t)d[i + 1] - d[i] > best) best = (int64_t)d[i + 1] - d[i];
  return best;
}

/* Can `extra` more days make every gap of the sorted d[0..n) at most m? */
static int fits(const int32_t *d, uint32_t n, int64_t m, uint64_t extra)
{
  uint64_t used = 0;
  for (uint32_t i = 0; i + 1 < n; i++) {
    int64_t g = (int64_t)d[i + 1] - d[i];
    if (g == 0) continue;
    if (m == 0) return 0;
    used += (uint64_t)((g - 1) / m);   /* g split into ceil(g / m) parts */
  }
  return used <= extra;
}

/* longest gap in W of K of L where P: the window's ends and the K of the
   items in W whose P holds are the days; the result is the longest gap
   between neighbours.  Most: the items whose P is true with K known.
   Least: every item whose P may be true with K known, and for each one
   with K unknown a day put where it splits the longest gaps best. */
static Val eval_gap(const Env *e, const pol_Node *n)
{
  Val w = eval(e, n->a), l = eval(e, n->b);
  if (w.k != V_WIN || !known(w) || l.k != V_LIST) return unk();
  if (w.d1 > w.d2) return whole(0, 0);   /* an empty window has no gap: no item is looked at */
  uint32_t len = list_len(l);
  int32_t *sure = malloc(((size_t)len + 2) * sizeof *sure);
  int32_t *all = malloc(((size_t)len + 2) * sizeof *all);
  if (!sure || !all) { free(sure); free(all); return unk(); }
  uint32_t ns = 0, na = 0;
  uint64_t unplaced = 0;
  for (uint32_t i = 0; i < len; i++) {
    Val item = list_item(l, i);
    Tri p = pred_for(e, n->c, item);
    if (p == F) continue;
    Val k = value_for(e, n->d, item);
    if (k.k != V_DATE) { unplaced++; continue; }
    if (k.d1 < w.d1 || k.d1 > w.d2) continue;
    if (p == T) sure[ns++] = k.d1;
    all[na++] = k.d1;
  }
  sure[ns++] = w.d1;
  sure[ns++] = w.d2;
  all[na++] = w.d1;
  all[na++] = w.d2;
  int64_t most = widest(sure, ns), least = widest(all, na);
  if (unplaced) {
    int64_t lo = 0, hi = least;   /* the least m that fits, by bisection */
    while (lo < hi) {
      int64_t m = (lo + hi) / 2;
      if (fits(all, na, m, unplaced)) hi = m;
      else lo = m + 1;
    }
    least = lo;
  }
  Val r = whole(least, most);
  free(sure);
  free(all);
  return r;
}

static Val eval_atleast(const Env *e, const pol_Node *n)
{
  int yes = 0, maybe = 0;
  for (const pol_Node *a = n->args; a; a = a->next) {
    Tri t = truth(eval(e, a));
    yes += t == T;
    maybe += t == U;
  }
  int k = (int)(n->num / POL_DEC_SCALE);   /* checked: 1 .. POL_MAX_ARGS */
  return triv(yes >= k ? T : yes + maybe < k ? F : U);
}

static Val eval(const Env *e, const pol_Node *n)
{
  Val v = unk();
  switch (n->kind) {
  case N_NUM: return num(n->num);
  case N_STR: v.k = V_STR; v.s = n->str; return v;
  case N_DATE: return date(n->ival);
  case N_DUR: v.k = V_DUR; v.d1 = n->ival; v.d2 = n->ival2; return v;
  case N_BOOL: return boolv(n->ival);
  case N_SET: v.k = V_SET; v.set = n->args; return v;
  case N_WINDOW: {
    /* one end unknown: a window whose other end still decides `within` */
    Val a = eval(e, n->a), b = eval(e, n->b);
    if (a.k != V_DATE && b.k != V_DATE) return unk();
    v.k = V_WIN;
    v.d1 = a.d1;
    v.d2 = b.d1;
    v.wunk = (a.k != V_DATE ? POL_WIN_LO_UNK : 0u) | (b.k != V_DATE ? POL_WIN_HI_UNK : 0u);
    return v;
  }
  case N_NAME: return eval_name(e, n);
  case N_IT: return item_at(e, n->depth);
  case N_FIELD: return field_of(e, eval(e, n->a), n->index);
  case N_CALL: return eval_call(e, n);
  case N_UNARY: {
    Val a = eval(e, n->a);
    if (n->op == O_NOT) return triv(tri_not(truth(a)));
    return a.k == V_NUM ? range(-a.hi, -a.lo) : unk();
  }
  case N_BINARY: return n->c ? eval(e, n->c) : eval_binary(e, n);   /* min/max compared: lowered */
  case N_QUANT: return eval_quant(e, n);
  case N_UNKNOWN: return unk();
  case N_LOOKUP: return eval_lookup(e, n);
  case N_COVER: return n->op == COV_RUN ? eval_run(e, n) : eval_cover(e, n);
  case N_GAP: return eval_gap(e, n);
  case N_ATLEAST: return eval_atleast(e, n);
  case N_IF: {
    /* Kleene: an unknown condition gives the value both branches agree
       on, or the whole-number range holding two numbers */
    Tri c = truth(eval(e, n->a));
    if (c != U) return eval(e, c == T ? n->b : n->c);
    Val a = eval(e, n->b), b = eval(e, n->c);
    if (same_value(a, b)) return a;
    if (a.k != V_NUM || b.k != V_NUM) return unk();
    return widened(a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi, POL_DEC_SCALE);
  }
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE:
    break;   /* not expressions */
  }
  return unk();
}

/* ---- criteria, branches, routing ---------------------------------------- */

static uint8_t status_of(Tri t) { return t == T ? PS_MET : t == F ? PS_NOT_MET : PS_UNKNOWN; }

/* Number of criteria in the clause and its sub-criteria. */
static int count_crit(const pol_Node *cl)
{
  int n = 1;
  if (cl->op != C_LEAF)
    for (const pol_Node *k = cl->b; k; k = k->next) n += count_crit(k);
  return n;
}

static int listed(const pol_Node *strs, const char *s)
{
  for (const pol_Node *x = strs; x; x = x->next)
    if (strcmp(x->str, s) == 0) return 1;
  return 0;
}

/* Does policy u cover code s: a plain code of its `codes`, or one of its
   families, ranges and value sets (its code in CPT/HCPCS normal form)? */
static int covers(const pol_PolicyUnit *u, const char *s)
{
  for (const pol_Node *x = u->codes; x; x = x->next)
    if (x->kind == N_STR && !strchr(x->str, '*') && strcmp(x->str, s) == 0) return 1;
  char c[POL_CODE_BUF];
  return u->route && pol_code_norm(POL_CS_PROCEDURE, s, strlen(s), c, NULL) == 0 && in_ranges(u->route, c);
}

/* The policy judging a line: among those that cover its code, are in force
   on its date and are open to the case's plan (a policy without `plans` is
   open to every plan), one naming the plan beats one for any plan; then
   the newest wins (the first of equals). */
/* Does policy u cover the line's drug, by a drug value set of its `codes`
   (its RxNorm or NDC code as a routing key, pol_route_key)? */
static int covers_drug(const pol_PolicyUnit *u, const pol_LineInfo *li)
{
  const char *code[2] = {li->rxnorm, li->ndc};
  const uint32_t sys[2] = {POL_CS_RXNORM, POL_CS_NDC};
  char key[POL_ROUTE_KEY_BUF];
  for (int i = 0; i < 2; i++)
    if (u->route && code[i] && pol_route_key(sys[i], code[i], key) == 0 && in_ranges(u->route, key))
      return 1;
  return 0;
}

static int route(const pol_PolicyUnit *const *units, int npol, const pol_LineInfo *li)
{
  if ((!li->cpt && !li->rxnorm && !li->ndc) || !li->date_known) return -1;
  int best = -1, best_named = 0;
  for (int i = 0; i < npol; i++) {
    const pol_PolicyUnit *u = units[i];
    int named = li->plan && listed(u->plans, li->plan);
    if (!((li->cpt && covers(u, li->cpt)) || covers_drug(u, li)) || u->effective > li->date ||
        (u->plans && !named))
      continue;
    if (best < 0 || named > best_named ||
        (named == best_named && u->effective > units[best]->effective)) {
      best = i;
      best_named = named;
    }
  }
  return best;
}

/* ---- full parity: decision rules, assess, for each ---------------------- */

/* The criteria of a policy in program order (per branch in source order;
   a clause in preorder; the criteria of a `for each` where it stands),
   with each one's subtree size, so that the children of criterion i are
   i + 1, then each next child after the previous one's subtree. */
typedef struct Crits {
  const pol_Node **node;
  int *size;
  int n;
} Crits;

static int crits_count(const pol_Node *cl)
{
  if (cl->kind == N_FOREACH) {
    int n = 0;
    for (const pol_Node *k = cl->args; k; k = k->next) n += crits_count(k);
    return n;
  }
  return count_crit(cl);
}

static void crits_add(Crits *t, const pol_Node *cl)
{
  if (cl->kind == N_FOREACH) {
    for (const pol_Node *k = cl->args; k; k = k->next) crits_add(t, k);
    return;
  }
  int me = t->n++;
  t->node[me] = cl;
  if (cl->op != C_LEAF)
    for (const pol_Node *k = cl->b; k; k = k->next) crits_add(t, k);
  t->size[me] = t->n - me;
}

/* Judges criterion i (and its subtree) of the table into status[]. */
static uint8_t judge_at(const Env *e, const Crits *t, int i, uint8_t *status)
{
  const pol_Node *cl = t->node[i];
  uint8_t st;
  if (cl->op == C_LEAF) {
    Env leaf = *e;
    leaf.crit = cl->str;   /* named by an overflow's message */
    st = status_of(truth(eval(&leaf, cl->a)));
  } else {
    int n = 0, met = 0, unknown = 0;
    for (int j = i + 1; j < i + t->size[i]; j += t->size[j], n++) {
      uint8_t s = judge_at(e, t, j, status);
      met += s == PS_MET;
      unknown += s == PS_UNKNOWN;
    }
    int need = cl->op == C_ALL ? n : cl->op == C_ANY ? 1 : cl->ival;
    st = met >= need ? PS_MET : met + unknown < need ? PS_NOT_MET : PS_UNKNOWN;
  }
  status[i] = st;
  return st;
}

/* A top-level criterion counts against the line: not met, or an
   exclusion that applies. */
static int fails(const pol_Node *cl, uint8_t st)
{
  return (cl->flags & CF_EXCLUSION) ? st == PS_MET : st == PS_NOT_MET;
}

/* What the decision rules look at (docs/language.md, "Decision rules"). */
typedef struct Facts {
  int failed, unknown;
  uint32_t any_failed;     /* tags of some cause of failure or its parents */
  uint32_t every_failed;   /* tags every cause of failure carries */
  uint32_t any_unknown;    /* tags of an unknown criterion or its unknown parts */
} Facts;

/* The causes of failure of a failing criterion i are, under an "all of",
   its children that are not met (recursively: their causes), else i
   itself; a cause carries its own tags and its parents'.  Returns the
   tags every cause of i carries (inherited: the parents' tags) and adds
   every tag met on the way to *any. */
static uint32_t cause_tags(const Crits *t, int i, const uint8_t *status, uint32_t inherited,
                           uint32_t *any)
{
  const pol_Node *cl = t->node[i];
  uint32_t mine = inherited | cl->tagbits;
  *any |= mine;
  if (cl->op != C_ALL) return mine;
  uint32_t every = 0xffffffffu;
  int causes = 0;
  for (int j = i + 1; j < i + t->size[i]; j += t->size[j])
    if (status[j] == PS_NOT_MET) {
      every &= cause_tags(t, j, status, mine, any);
      causes++;
    }
  return causes ? every : mine;
}

/* The tags of unknown criterion i and of its unknown parts. */
static uint32_t unknown_tags_at(const Crits *t, int i, const uint8_t *status)
{
  uint32_t tags = t->node[i]->tagbits;
  for (int j = i + 1; j < i + t->size[i]; j += t->size[j])
    if (status[j] == PS_UNKNOWN) tags |= unknown_tags_at(t, j, status);
  return tags;
}

static Facts facts_of(const Crits *t, const int *tops, int ntops, const uint8_t *status)
{
  Facts f = {0, 0, 0, 0xffffffffu, 0};
  for (int j = 0; j < ntops; j++) {
    int i = tops[j];
    if (fails(t->node[i], status[i])) {
      f.failed = 1;
      f.every_failed &= cause_tags(t, i, status, 0, &f.any_failed);
    } else if (status[i] == PS_UNKNOWN) {
      f.unknown = 1;
      f.any_unknown |= unknown_tags_at(t, i, status);
    }
  }
  if (!f.failed) f.every_failed = 0;
  return f;
}

static int dcond_holds(const pol_Node *d, const Facts *f)
{
  uint32_t bit = d->index >= 0 && d->index < 32 ? 1u << d->index : 0;
  switch (d->op) {
  case D_FAILED: return f->failed;
  case D_UNKNOWN: return f->unknown;
  case D_ANY_FAILED_TAG: return (f->any_failed & bit) != 0;
  case D_EVERY_FAILED_TAG: return (f->every_failed & bit) != 0;
  case D_ANY_UNKNOWN_TAG: return (f->any_unknown & bit) != 0;
  case D_AND: return dcond_holds(d->a, f) && dcond_holds(d->b, f);
  case D_OR: return dcond_holds(d->a, f) || dcond_holds(d->b, f);
  case D_NOT: return !dcond_holds(d->a, f);
  default: return 0;
  }
}

/* The determination of the criteria tops[0..ntops): the policy's decision
   rules, the first that holds, or the default rule. */
static int decide_tops(const pol_PolicyUnit *u, const Crits *t, const int *tops, int ntops,
                       const uint8_t *status)
{
  Facts f = facts_of(t, tops, ntops, status);
  if (u->decision)
    for (const pol_Node *r = u->decision->args; r; r = r->next)
      if (!r->a || dcond_holds(r->a, &f)) {
        int o = pol_outcome(r->str);
        return o >= 0 && o < PO__COUNT ? (int)pol_outcome_det[o] : PD_PEND;
      }
  return f.failed ? PD_DENY : f.unknown ? PD_PEND : PD_APPROVE;
}

/* A line's determination from its own (line) and its items'
   (docs/language.md, "Per-item criteria"): a line that does not approve
   or pend keeps its outcome; an unknown list pends; no items, or every
   item approved, keeps the line's; every item denied denies; approved and
   denied items alone, on an approved line, are partial; every item with
   one same other outcome (loi, refer, pend), on an approved line, gives
   it; anything else pends. */
static int combine_items(int line, int items_known, const int *item_det, uint32_t n)
{
  if (line != PD_APPROVE && line != PD_PEND) return line;
  if (!items_known) return PD_PEND;
  uint32_t approve = 0, deny = 0, same = 1;
  for (uint32_t i = 0; i < n; i++) {
    approve += item_det[i] == PD_APPROVE;
    deny += item_det[i] == PD_DENY;
    same &= item_det[i] == item_det[0];
  }
  if (n == 0 || approve == n) return line;
  if (deny == n) return PD_DENY;
  if (approve + deny == n) return line == PD_APPROVE ? PD_PARTIAL : PD_PEND;
  if (same && line == PD_APPROVE) return item_det[0];
  return PD_PEND;
}

/* No line is approved while a prerequisite among its tops fails (deny) or
   is unknown (pend), whatever the decision rules say. */
static int prereq_guard(const Crits *t, const int *tops, int ntops, const uint8_t *status, int det)
{
  if (det != PD_APPROVE) return det;
  int out = det;
  for (int j = 0; j < ntops; j++) {
    const pol_Node *cl = t->node[tops[j]];
    if (!(cl->flags & CF_PREREQ)) continue;
    if (status[tops[j]] == PS_NOT_MET) return PD_DENY;
    if (status[tops[j]] == PS_UNKNOWN) out = PD_PEND;
  }
  return out;
}

/* Does prerequisite pr govern main branch br (it names none: all). */
static int governs(const pol_Node *pr, const pol_Node *br)
{
  if (!pr->e) return 1;
  for (const pol_Node *s = pr->e; s; s = s->next)
    if (strcmp(s->str, br->str) == 0) return 1;
  return 0;
}

/* One branch (main or assess) of the unit: its top-level criteria (their
   indices in the table) and its `for each`. */
typedef struct BranchInfo {
  const pol_Node *node;
  int *tops, ntops;
  int *etops, netops;          /* the per-item criteria */
  const pol_Node *each;        /* N_FOREACH or NULL */
} BranchInfo;

void pol_interp_result_free(pol_InterpResult *r)
{
  for (int f = 0; f < POL_AUTH__COUNT; f++) free(r->auth_text[f]);
  free(r->status);
  free(r->item_det);
  free(r->item_status);
  memset(r, 0, sizeof *r);
}

/* ---- authorizations (docs/language.md, "Authorizations") ---------------- */

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* v as the canonical words of field f (interp.h), or NULL when it is not
   a known value of the field's kind (a count known only as a range is
   not a number of units).  Owned by the caller. */
static char *auth_words(uint32_t f, Val v)
{
  char buf[64];
  pol_Kind k = pol_auth_kind(f);
  if (k == PK_NUM && v.k == V_NUM && exact(v)) { pol_dec_format(v.lo, buf); return strdup(buf); }
  if (k == PK_DATE && v.k == V_DATE) { pol_format_date(v.d1, buf); return strdup(buf); }
  if (k == PK_DUR && v.k == V_DUR) { snprintf(buf, sizeof buf, "%dm %dd", (int)v.d1, (int)v.d2); return strdup(buf); }
  if ((k == PK_STR || f == POL_AUTH_PER) && v.k == V_STR) return strdup(v.s);   /* per calendar year */
  if (k != PK_LIST || (v.k != V_SET && v.k != V_LIST)) return NULL;
  size_t n = 0, len = 1;
  if (v.k == V_SET) for (const pol_Node *x = v.set; x; x = x->next) n++;
  else n = v.list->n;
  const char **s = calloc(n + 1, sizeof *s);
  if (!s) return NULL;
  size_t m = 0;
  if (v.k == V_SET) for (const pol_Node *x = v.set; x; x = x->next) s[m++] = x->str;
  else
    for (uint32_t i = 0; i < v.list->n; i++)
      if (v.list->items[i].tag == PV_STR) s[m++] = v.list->items[i].u.s;
  qsort(s, m, sizeof *s, cmp_str);
  for (size_t i = 0; i < m; i++) len += strlen(s[i]) + 2;
  char *out = malloc(len);
  if (out) {
    out[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < m; i++) {
      if (i && strcmp(s[i], s[i - 1]) == 0) continue;
      at += (size_t)snprintf(out + at, len - at, "%s%s", at ? ", " : "", s[i]);
    }
  }
  free(s);
  return out;
}

/* The `authorize` fields of branch node br into r; open: its assess
   condition is unknown, so its values are unknown. */
static void authorize_branch(const Env *env, const pol_Node *br, int open, pol_InterpResult *r)
{
  for (const pol_Node *fl = br->b; fl; fl = fl->next) {
    if (fl->index < 0) continue;
    uint32_t f = (uint32_t)fl->index;
    r->authmask |= 1u << f;
    free(r->auth_text[f]);
    r->auth_text[f] = open ? NULL : auth_words(f, eval(env, fl->a));
    if (!r->auth_text[f]) r->auth_open = 1;
  }
}

/* Which branches judge the line (the one place that says what a branch
   condition selects; docs/language.md, "Branches and the decision"): the
   first main branch whose condition is true, every condition before it
   false; an unknown condition before it (or, none true, anywhere) leaves
   it open (r->bstate PB_UNKNOWN); every condition false: PB_NONE.  Every
   assess block whose condition is true, or unknown (it pends). */
static void select_branches(const Env *env, const BranchInfo *bi, int nb, pol_InterpResult *r,
                            int branch0)
{
  int undecided = 0, decided = 0;
  for (int b = 0; b < nb; b++) {
    if (!bi[b].node->path) {
      if (decided) continue;   /* after the first true condition: not needed */
      Tri t = truth(eval(env, bi[b].node->a));
      if (t == U) undecided = 1;
      if (t != T) continue;
      decided = 1;
      if (!undecided) r->branch = branch0 + b;
    } else if (r->naspects < POL_INTERP_MAX_ASPECTS) {
      Tri t = truth(eval(env, bi[b].node->a));
      if (t == F) continue;
      r->aspect_open[r->naspects] = t == U;
      r->aspect_branch[r->naspects++] = branch0 + b;
    }
  }
  r->bstate = r->branch >= 0 ? PB_SELECTED : undecided ? PB_UNKNOWN : PB_NONE;
}

/* The determination of a line no branch judges. */
static int no_branch_det(const pol_PolicyUnit *u, int bstate)
{
  if (bstate == PB_UNKNOWN) return PD_PEND;
  for (const pol_Node *it = u->src->items; it; it = it->next)
    if (it->kind == N_OTHERWISE) {
      int k = pol_outcome(it->str);
      return k >= 0 ? (int)pol_outcome_det[k] : PD_REFER;
    }
  return PD_REFER;
}

/* Does the compile c make the adverse determinations of plan (NULL: the
   case names none) recommendations (docs/language.md "Plans")?  Its
   declaration says so, else the compile's default. */
static int recommends(const pol_Compiler *c, const char *plan)
{
  for (int i = 0; plan && i < c->nplans; i++) {
    if (strcmp(c->plans[i]->str, plan) != 0) continue;
    for (const pol_Node *h = c->plans[i]->args; h; h = h->next)
      if (strcmp(h->str, "denials") == 0 && h->text) return strcmp(h->text, "recommended") == 0;
  }
  return c->denials_recommended;
}

static int judge(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs, uint32_t line,
                 pol_InterpResult *r);

int pol_interp_judge(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs,
                     uint32_t line, pol_InterpResult *r)
{
  int rc = judge(c, p, cs, line, r);
  r->recommended = -1;
  if (rc == 0 && (r->det == PD_DENY || r->det == PD_LOI || r->det == PD_PARTIAL) &&
      recommends(c, pol_case_line(cs, line)->plan)) {
    r->recommended = r->det;
    r->det = PD_REFER;
  }
  return rc;
}

static int judge(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs, uint32_t line,
                 pol_InterpResult *r)
{
  memset(r, 0, sizeof *r);
  r->policy = r->branch = -1;
  r->det = r->line_det = PD_NO_POLICY;
  r->items_known = 1;
  const pol_PolicyUnit *units[4096];
  int npol = 0;
  for (int i = 0; i < c->nunits && npol < 4096; i++)
    if (c->units[i]->header) units[npol++] = c->units[i];
  if ((uint32_t)npol != p->npol) return -2;
  int best = route(units, npol, pol_case_line(cs, line));
  if (best < 0) return 0;
  r->policy = best;
  const pol_PolicyUnit *u = units[best];

  /* the criteria table and the branches */
  int ncrit = 0, nb = 0, npre = 0;
  for (const pol_Node *it = u->src->items; it; it = it->next)
    if (it->kind == N_BRANCH) {
      nb++;
      for (const pol_Node *cl = it->args; cl; cl = cl->next)
        if (cl->kind != N_STR) ncrit += crits_count(cl);
    } else if (it->kind == N_CRITERION) {
      npre++;
      ncrit += crits_count(it);
    }
  if ((uint32_t)ncrit != p->pol[best].ncrit || (uint32_t)nb != p->pol[best].nbranches) return -2;
  int rc = -1;
  Crits t = {calloc((size_t)ncrit + 1, sizeof *t.node), calloc((size_t)ncrit + 1, sizeof *t.size), 0};
  BranchInfo *bi = calloc((size_t)nb + 1, sizeof *bi);
  /* each main branch lists the prerequisites it is governed by */
  int *topbuf = calloc((size_t)ncrit + (size_t)nb * (size_t)npre + 1, sizeof *topbuf);
  int *pre = calloc((size_t)npre + 1, sizeof *pre);
  r->ncrit = (uint32_t)ncrit;
  r->status = malloc((size_t)ncrit + 1);
  if (!t.node || !t.size || !bi || !topbuf || !pre || !r->status) goto done;
  int b = 0, ntop = 0, ip = 0;
  for (const pol_Node *it = u->src->items; it; it = it->next)
    if (it->kind == N_CRITERION) {   /* numbered first, as the code generator does */
      pre[ip++] = t.n;
      crits_add(&t, it);
    }
  for (const pol_Node *it = u->src->items; it; it = it->next) {
    if (it->kind != N_BRANCH) continue;
    bi[b].node = it;
    bi[b].tops = topbuf + ntop;
    for (int j = 0; j < npre && !it->path; j++)
      if (governs(t.node[pre[j]], it)) {
        topbuf[ntop++] = pre[j];
        bi[b].ntops++;
      }
    for (const pol_Node *cl = it->args; cl; cl = cl->next)
      if (cl->kind == N_STR) {
        continue;   /* a `next` step */
      } else if (cl->kind != N_FOREACH) {
        topbuf[ntop++] = t.n;
        bi[b].ntops++;
        crits_add(&t, cl);
      } else {
        crits_add(&t, cl);   /* numbered here; listed after the branch's tops */
      }
    bi[b].etops = topbuf + ntop;
    for (const pol_Node *cl = it->args; cl; cl = cl->next)
      if (cl->kind == N_FOREACH) {
        bi[b].each = cl;
        /* the per-item tops: find their indices again by node */
        for (const pol_Node *k = cl->args; k; k = k->next)
          for (int i = 0; i < t.n; i++)
            if (t.node[i] == k) { topbuf[ntop++] = i; bi[b].netops++; }
      }
    b++;
  }
  for (int i = 0; i < ncrit; i++) r->status[i] = PS_NA;

  Scratch scratch = {NULL};
  Env env = {p, pol_case_slots(cs, line), NULL, 0, NULL, unk(), r, NULL, &scratch};
  select_branches(&env, bi, nb, r, (int)p->pol[best].branch0);
  rc = 0;
  if (r->branch < 0) r->det = r->line_det = no_branch_det(u, r->bstate);
  if (r->branch >= 0) {
    const BranchInfo *m = &bi[r->branch - (int)p->pol[best].branch0];
    for (int j = 0; j < m->ntops; j++) judge_at(&env, &t, m->tops[j], r->status);
    r->line_det = r->det = prereq_guard(&t, m->tops, m->ntops, r->status,
                                        decide_tops(u, &t, m->tops, m->ntops, r->status));
    if (m->each) {
      r->has_each = 1;
      Val l = eval(&env, m->each->a);
      r->items_known = l.k == V_LIST;
      uint32_t n = r->items_known ? list_len(l) : 0;
      r->nitems = n;
      r->item_det = calloc((size_t)n + 1, sizeof *r->item_det);
      r->item_status = malloc((size_t)n * (size_t)ncrit + 1);
      if (!r->item_det || !r->item_status) { rc = -1; goto done; }
      for (uint32_t i = 0; i < n; i++) {
        uint8_t *st = r->item_status + (size_t)i * (size_t)ncrit;
        for (int k = 0; k < ncrit; k++) st[k] = PS_NA;
        Env ie = env;
        ie.each = list_item(l, i);
        for (int j = 0; j < m->netops; j++) judge_at(&ie, &t, m->etops[j], st);
        r->item_det[i] = decide_tops(u, &t, m->etops, m->netops, st);
      }
      r->det = combine_items(r->line_det, r->items_known, r->item_det, n);
    }
  }
  for (int a = 0; a < r->naspects; a++) {
    const BranchInfo *ab = &bi[r->aspect_branch[a] - (int)p->pol[best].branch0];
    if (r->aspect_open[a]) {   /* its condition is unknown: it pends */
      r->aspect_det[a] = PD_PEND;
      continue;
    }
    for (int j = 0; j < ab->ntops; j++) judge_at(&env, &t, ab->tops[j], r->status);
    r->aspect_det[a] = decide_tops(u, &t, ab->tops, ab->ntops, r->status);
  }
  /* an approved (or partly approved) line: what it is authorized for;
     an unknown value leaves it pending */
  if (r->det == PD_APPROVE || r->det == PD_PARTIAL) {
    if (r->branch >= 0)
      authorize_branch(&env, bi[r->branch - (int)p->pol[best].branch0].node, 0, r);
    for (int a = 0; a < r->naspects; a++)
      authorize_branch(&env, bi[r->aspect_branch[a] - (int)p->pol[best].branch0].node,
                       r->aspect_open[a], r);
    if (r->auth_open) r->det = PD_PEND;
  }
done:
  while (scratch.made) {
    Made *next = scratch.made->next;
    free(scratch.made);
    scratch.made = next;
  }
  free(t.node);
  free(t.size);
  free(bi);
  free(topbuf);
  free(pre);
  return rc;
}
