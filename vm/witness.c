/*
 * witness.c -- the items that decided a list operation, for the trace
 * (docs/cli.md "Witnesses").
 *
 * When an EVID records the result of a quantifier, count, count distinct
 * or coverage at the root of a criterion, and witnesses are on, the list
 * is walked again here with the operation's own blocks (its instruction
 * names them: opcodes.def) and the items that decided the result are
 * recorded:
 *
 *   PW_FIRST_TRUE (exists, no)  true: the first item whose predicate is
 *                               true.  False: the closest item, the one
 *                               whose predicate has the most top-level
 *                               conjuncts true, at least one (the first
 *                               in list order of equals), with the
 *                               conjuncts it lacked; none if no item has
 *                               a conjunct true.
 *                               Unknown: none (no item decided it).
 *   PW_FIRST_FALSE (every)      false: the first item whose predicate is
 *                               false, with the conjuncts it lacked.
 *                               True, unknown: none.
 *   PW_COLLECT (count, count    the items counted (predicate true; for a
 *   distinct, sum, coverage,    count distinct the first of each key; for
 *   any new list operation)     a coverage those with both ends known that
 *                               meet the window) and, apart, those that
 *                               may count (predicate unknown, or a key or
 *                               an end unknown); at most
 *                               POL_MAX_WITNESS_ITEMS of each, then a
 *                               record of how many more.  A sum
 *                               counts an item whose value is unknown
 *                               as one that may count; a longest gap
 *                               counts the items whose date is in its
 *                               window.
 *   PW_PICK (latest, earliest)  known: the item the value is taken from
 *                               (body true, greatest or least key, the
 *                               first in list order of equals).
 *                               Unknown: none.
 *
 * An item whose predicate is unknown is never the witness of a true or
 * false result: only an item whose predicate value decides the result is.
 * A witness or closest item's nested list operations (a list that is a
 * field of the item) are explained the same way, beneath it.
 *
 * The walk runs with tracing off (no evidence, no missing facts), on a
 * budget of its own (one evaluation budget per case for all witnesses),
 * and leaves no trace in the results: an arithmetic error or a spent
 * budget here only drops the witness.  Nothing here runs with witnesses
 * off.
 */
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

/* A new record (NULL when memory runs out: the trace loses a witness). */
static pol_WitRec *add(pol_VM *vm, uint32_t w, uint32_t parent, pol_WitRole role, uint32_t index,
                       const pol_Value *item)
{
  if (vm->nwr == vm->capwr) {
    uint32_t cap = vm->capwr ? vm->capwr * 2 : 64;
    pol_WitRec *r = realloc(vm->wr, cap * sizeof *r);
    if (!r) return NULL;
    vm->wr = r;
    vm->capwr = cap;
  }
  pol_WitRec *r = &vm->wr[vm->nwr++];
  memset(r, 0, sizeof *r);
  r->wit = w;
  r->parent = parent;
  r->role = (uint32_t)role;
  r->index = index;
  r->more = 0;
  if (item) r->item = *item;
  return r;
}

static pol_Tri run_on(pol_VM *vm, uint32_t block, int item_reg, const pol_Value *item)
{
  vm->regs[item_reg] = *item;
  pol_Value v = pol_vm_run_block(vm, block);
  return pol_truth(&v);
}

/* Conjunct k of descriptor d: its block. */
static uint32_t conj_block(const pol_Program *p, const pol_Witness *d, uint32_t k)
{
  return p->witdata[d->data0 + d->nfields + 2 * k];
}

/* Which conjuncts of d are false, which unknown, for item; returns how
   many are true. */
static uint32_t conj_masks(pol_VM *vm, const pol_Witness *d, int item_reg, const pol_Value *item,
                           uint32_t *lacked, uint32_t *unknown)
{
  uint32_t n = d->nconj < 32 ? d->nconj : 32, yes = 0;
  *lacked = *unknown = 0;
  for (uint32_t k = 0; k < n && !vm->out_of_budget; k++) {
    pol_Tri t = run_on(vm, conj_block(vm->p, d, k), item_reg, item);
    if (t == POL_TRUE) yes++;
    else if (t == POL_FALSE) *lacked |= 1u << k;
    else *unknown |= 1u << k;
  }
  return yes;
}

static void explain(pol_VM *vm, uint32_t w, const pol_Value *list, uint32_t parent, int depth);

/* The nested operations of d, for the item of record rec: those whose list
   is a field of the item. */
static void explain_inner(pol_VM *vm, const pol_Witness *d, uint32_t rec, const pol_Value *item,
                          int depth)
{
  const pol_Program *p = vm->p;
  if (depth >= POL_MAX_DEPTH || item->tag != PV_REC || item->aux >= p->nrec) return;
  const pol_Value *fields = item->u.p;
  for (uint32_t k = 0; k < d->ninner && !vm->out_of_budget; k++) {
    uint32_t x = p->witdata[d->data0 + d->nfields + 2 * d->nconj + k];
    uint32_t f = p->wit[x].lfield;
    if (f == POL_NOSTR || f >= p->rec[item->aux].nfields) continue;
    /* the inner body may read what the outer body computed for this item
       (a let's argument): run the outer body on it first */
    const pol_Instr *ins = p->code + d->pc;
    run_on(vm, pol_extra_at(ins, 'b'), (int)POL_C(*ins), item);
    if (vm->out_of_budget) return;
    explain(vm, x, &fields[f], rec, depth + 1);
  }
}

/* Appends the "k more" record of a group whose listing stopped. */
static void add_more(pol_VM *vm, uint32_t w, uint32_t parent, pol_WitRole role, uint32_t more)
{
  if (!more) return;
  pol_WitRec *r = add(vm, w, parent, role, POL_NOSTR, NULL);
  if (r) r->more = more;
}

static int key_same(const pol_Value *a, const pol_Value *b)
{
  if (a->tag != b->tag) return 0;
  switch (a->tag) {
  case PV_STR: return strcmp(a->u.s, b->u.s) == 0;
  case PV_NUM: return a->u.d == b->u.d;
  default: return a->aux == b->aux;
  }
}

/* PW_COLLECT: the items counted and those that may count. */
static void collect(pol_VM *vm, uint32_t w, const pol_List *l, uint32_t parent)
{
  const pol_Program *p = vm->p;
  const pol_Instr *ins = p->code + p->wit[w].pc;
  pol_Op op = POL_OP(*ins);
  int item_reg = (int)POL_C(*ins);
  uint32_t body = pol_extra_at(ins, 'b');
  int dated = op == OP_COVER || op == OP_RUN || op == OP_GAP;
  const pol_Value *win = dated ? &vm->regs[pol_extra_at(ins, 'w')] : NULL;
  if (win && (win->tag != PV_WIN || !pol_known(win))) return;
  uint32_t ncounted = 0, nmaybe = 0, nkeys = 0;
  for (uint32_t i = 0; i < l->n && !vm->out_of_budget; i++) {
    const pol_Value *it = &l->items[i];
    pol_Tri t = run_on(vm, body, item_reg, it);
    if (t == POL_FALSE || vm->out_of_budget) continue;
    int sure = t == POL_TRUE;
    if (op == OP_COUNTD) {
      vm->regs[item_reg] = *it;
      pol_Value k = pol_vm_run_block(vm, pol_extra_at(ins, 'k'));
      if (k.tag == PV_UNK || k.tag == PV_RANGE) sure = 0;
      else if (sure) {
        uint32_t j = 0;
        while (j < nkeys && !key_same(&vm->wkeys[j], &k)) j++;
        if (j < nkeys) continue;   /* a key already counted */
        if (nkeys == vm->capwkeys) {
          uint32_t cap = vm->capwkeys ? vm->capwkeys * 2 : 16;
          pol_Value *nk = realloc(vm->wkeys, cap * sizeof *nk);
          if (!nk) return;
          vm->wkeys = nk;
          vm->capwkeys = cap;
        }
        vm->wkeys[nkeys++] = k;
      }
    } else if (op == OP_SUM) {
      vm->regs[item_reg] = *it;
      pol_Value v = pol_vm_run_block(vm, pol_extra_at(ins, 'k'));
      if (!pol_known(&v)) sure = 0;
    } else if (op == OP_GAP) {
      vm->regs[item_reg] = *it;
      pol_Value d = pol_vm_run_block(vm, pol_extra_at(ins, 'k'));
      if (d.tag != PV_DATE) sure = 0;
      else if ((int32_t)d.aux < win->u.r.lo || (int32_t)d.aux > win->u.r.hi)
        continue;   /* outside the window */
    } else if (dated) {
      vm->regs[item_reg] = *it;
      pol_Value s = pol_vm_run_block(vm, pol_extra_at(ins, 's'));
      vm->regs[item_reg] = *it;
      pol_Value e = pol_vm_run_block(vm, pol_extra_at(ins, 'e'));
      if (s.tag != PV_DATE || e.tag != PV_DATE) sure = 0;
      else if ((int32_t)s.aux > win->u.r.hi || (int32_t)e.aux < win->u.r.lo ||
               (int32_t)s.aux > (int32_t)e.aux)
        continue;   /* outside the window: counts no day */
    }
    uint32_t *n = sure ? &ncounted : &nmaybe;
    if ((*n)++ < POL_MAX_WITNESS_ITEMS) add(vm, w, parent, sure ? PWR_COUNTED : PWR_UNKNOWN, i, it);
  }
  if (vm->out_of_budget) return;
  if (ncounted > POL_MAX_WITNESS_ITEMS) add_more(vm, w, parent, PWR_COUNTED, ncounted - POL_MAX_WITNESS_ITEMS);
  if (nmaybe > POL_MAX_WITNESS_ITEMS) add_more(vm, w, parent, PWR_UNKNOWN, nmaybe - POL_MAX_WITNESS_ITEMS);
}

/* PW_PICK: the item a known latest / earliest took its value from: body
   true, key known and greatest (least), the first in list order of
   equals.  The value register (A) holds the result when this runs. */
static void pick(pol_VM *vm, uint32_t w, const pol_List *l, uint32_t parent, int depth)
{
  const pol_Program *p = vm->p;
  const pol_Witness *d = &p->wit[w];
  const pol_Instr *ins = p->code + d->pc;
  if (!pol_known(&vm->regs[POL_A(*ins)])) return;   /* unknown: no item decided it */
  int item_reg = (int)POL_C(*ins), dir = POL_OP(*ins) == OP_LATEST ? 1 : -1;
  uint32_t best = POL_NOSTR;
  pol_Value m = pol_unk();
  for (uint32_t i = 0; i < l->n && !vm->out_of_budget; i++) {
    if (run_on(vm, pol_extra_at(ins, 'b'), item_reg, &l->items[i]) != POL_TRUE) continue;
    vm->regs[item_reg] = l->items[i];
    pol_Value k = pol_vm_run_block(vm, pol_extra_at(ins, 'k'));
    if (k.tag == PV_RANGE && k.u.r.lo == k.u.r.hi) k = pol_num_int(k.u.r.lo);
    if (k.tag != PV_DATE && k.tag != PV_NUM) continue;
    if (best != POL_NOSTR && k.tag != m.tag) continue;
    int c = best == POL_NOSTR ? 0
          : k.tag == PV_DATE ? ((int32_t)k.aux > (int32_t)m.aux) - ((int32_t)k.aux < (int32_t)m.aux)
                             : (k.u.d > m.u.d) - (k.u.d < m.u.d);
    if (best == POL_NOSTR || dir * c > 0) { best = i; m = k; }
  }
  if (vm->out_of_budget || best == POL_NOSTR) return;
  uint32_t rec = vm->nwr;
  if (!add(vm, w, parent, PWR_WITNESS, best, &l->items[best])) return;
  explain_inner(vm, d, rec, &l->items[best], depth);
}

static void explain(pol_VM *vm, uint32_t w, const pol_Value *list, uint32_t parent, int depth)
{
  const pol_Program *p = vm->p;
  const pol_Witness *d = &p->wit[w];
  if (list->tag != PV_LIST) return;   /* unknown: no item decided it */
  const pol_List *l = list->u.p;
  const pol_Instr *ins = p->code + d->pc;
  int item_reg = (int)POL_C(*ins);
  uint32_t body = pol_extra_at(ins, 'b');
  switch ((pol_WitKind)d->kind) {
  case PW_FIRST_TRUE:
  case PW_FIRST_FALSE: {
    pol_Tri want = d->kind == PW_FIRST_TRUE ? POL_TRUE : POL_FALSE;
    int open = 0;
    for (uint32_t i = 0; i < l->n && !vm->out_of_budget; i++) {
      pol_Tri t = run_on(vm, body, item_reg, &l->items[i]);
      open |= t == POL_UNKNOWN;
      if (t != want) continue;
      uint32_t lacked = 0, unknown = 0;
      if (want == POL_FALSE) conj_masks(vm, d, item_reg, &l->items[i], &lacked, &unknown);
      uint32_t rec = vm->nwr;
      pol_WitRec *r = add(vm, w, parent, PWR_WITNESS, i, &l->items[i]);
      if (!r) return;
      r->lacked = lacked;
      r->unknown = unknown;
      explain_inner(vm, d, rec, &l->items[i], depth);
      return;
    }
    /* every: true or unknown, no counter-example; exists: unknown, or
       false over an empty list */
    if (want == POL_FALSE || open || l->n == 0 || vm->out_of_budget) return;
    uint32_t best = 0, best_yes = 0, best_lacked = 0, best_unknown = 0;
    for (uint32_t i = 0; i < l->n && !vm->out_of_budget; i++) {
      uint32_t lacked, unknown;
      uint32_t yes = conj_masks(vm, d, item_reg, &l->items[i], &lacked, &unknown);
      if (i == 0 || yes > best_yes) {
        best = i;
        best_yes = yes;
        best_lacked = lacked;
        best_unknown = unknown;
      }
    }
    if (vm->out_of_budget || best_yes == 0) return;   /* none came close */
    uint32_t rec = vm->nwr;
    pol_WitRec *r = add(vm, w, parent, PWR_CLOSEST, best, &l->items[best]);
    if (!r) return;
    r->lacked = best_lacked;
    r->unknown = best_unknown;
    explain_inner(vm, d, rec, &l->items[best], depth);
    return;
  }
  case PW_COLLECT:
    collect(vm, w, l, parent);
    return;
  case PW_PICK:
    pick(vm, w, l, parent, depth);
    return;
  case PW__COUNT:
    return;
  }
}

void pol_witness_note(pol_VM *vm, uint32_t w)
{
  const pol_Program *p = vm->p;
  const pol_Instr *ins = p->code + p->wit[w].pc;
  pol_Value list = vm->regs[POL_B(*ins)];
  /* what the evaluation itself keeps: the walk must not change it */
  uint64_t left = vm->left, visits = vm->visits;
  int tracing = vm->tracing, overflow = vm->overflow;
  pol_Op ovf_op = vm->ovf_op;
  pol_Dec ovf_a = vm->ovf_a, ovf_b = vm->ovf_b;
  uint32_t ovf_crit = vm->ovf_crit, start = vm->nwr;
  vm->tracing = 0;
  vm->left = vm->wit_left;
  explain(vm, w, &list, POL_NOSTR, 0);
  if (vm->out_of_budget) {   /* witnesses spent their budget: none from now on */
    vm->nwr = start;
    vm->wit_left = 0;
  } else {
    vm->wit_left = vm->left;
  }
  vm->left = left;
  vm->visits = visits;
  vm->out_of_budget = 0;
  vm->tracing = tracing;
  vm->overflow = overflow;
  vm->ovf_op = ovf_op;
  vm->ovf_a = ovf_a;
  vm->ovf_b = ovf_b;
  vm->ovf_crit = ovf_crit;
}
