/*
 * fuzz_program.c -- libFuzzer target, structure-aware: the input bytes
 * choose a small program, which is verified and, if accepted, run over
 * several cases in a row on one VM with a small budget.
 *
 * A mutated bundle almost never gets past the loader; here every program
 * is well formed: 2 to 8 blocks sharing one frame, each up to 24
 * instructions of any opcode (but CALLX: externs are never bound while
 * fuzzing) with operands in range, forward jumps to instruction starts,
 * quantifier bodies of higher index, RET last; constants of every kind;
 * facts of every kind, a list of records and a list of records holding
 * lists.  Reads mostly name registers written before (else the verifier
 * refuses nearly everything), sometimes any register, so the definite-
 * assignment rule is exercised both ways.  What pol_verify accepts must
 * load back from its bundle, run without a sanitizer report over the
 * cases in the order the input gives (the case arena is poisoned between
 * cases in this build: a value left from an earlier case is caught where
 * it is read), and trace in every form.  Its oracle for the budget: the
 * loops never visit more items than the budget pays for (vm_impl.h).
 *
 * Issue 9: with the verifier's definite-assignment rule and the VM's
 * register reset taken out, this target finds the stale list read
 * (use-after-poison); with the budget checks in the loops taken out, it
 * finds the budget bypass ("visited ... items").
 */
#include "fuzz.h"
#include "vm_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input, read as a stream of choices ---------------------------- */

typedef struct In {
  const uint8_t *d;
  size_t n, at;
} In;

static uint32_t byte(In *in) { return in->at < in->n ? in->d[in->at++] : 0; }
/* 0 .. n-1 (n <= 256), 0 when n is 0 */
static uint32_t pick(In *in, uint32_t n) { return n ? byte(in) % n : 0; }
static uint32_t u16(In *in) { return byte(in) | byte(in) << 8; }

/* ---- the program's fixed part: strings, schema -------------------------- */

enum {
  S_ID, S_TITLE, S_VERSION, S_SOURCE, S_CODE, S_BRANCH, S_TEXT, S_C0, S_C1, S_C2,
  S_BUILT, S_A, S_N, S_D, S_S, S_TAGS, S_INJ, S_GRP, S_CPT, S_INJREC, S_INJPATH, S_GRPREC,
  S_GRPPATH, S_DATE, S_RELIEF, S_TARGET, S_NAME, S_SIJ, S_LEFT, NSTR
};
static const char *const fx_str[NSTR] = {
  "P", "fuzzed program", "1", "fuzz.pol", "X1", "B", "b", "C0", "C1", "C2",
  "2025-01-01T00:00:00Z", "a", "n", "d", "s", "tags", "inj", "grp", "cpt", "Inj", "inj[]",
  "Grp", "grp[]", "date", "relief", "target", "name", "sij", "left",
};

enum { F_A, F_N, F_D, F_S, F_TAGS, F_INJ, F_GRP, F_CPT, NFACTS };
enum { MAX_BLOCKS = 8, MAX_INSTR = 24, MAX_CONST = 8, MAX_CASE_RUNS = 6 };

static void *dup_mem(const void *src, size_t n)
{
  void *d = malloc(n ? n : 1);
  if (!d) abort();
  if (n) memcpy(d, src, n);
  return d;
}
#define DUP(arr) dup_mem(arr, sizeof arr)

static void schema(pol_Program *p)
{
  p->nstr = NSTR;
  p->str = calloc(NSTR, sizeof *p->str);
  p->slen = calloc(NSTR, sizeof *p->slen);
  if (!p->str || !p->slen) abort();
  for (uint32_t i = 0; i < NSTR; i++) {
    p->slen[i] = (uint32_t)strlen(fx_str[i]);
    p->str[i] = dup_mem(fx_str[i], p->slen[i] + 1);
  }
  pol_Field inj[] = {{S_DATE, PK_DATE}, {S_RELIEF, PK_NUM}, {S_TARGET, PK_STR}};
  pol_Field grp[] = {{S_NAME, PK_STR}, {S_INJ, POL_TYPE(PK_LIST, PK_REC, 0)}};
  pol_RecType rec[] = {{S_INJREC, S_INJPATH, 3, NULL}, {S_GRPREC, S_GRPPATH, 2, NULL}};
  rec[0].fields = DUP(inj);
  rec[1].fields = DUP(grp);
  p->nrec = 2;
  p->rec = DUP(rec);
  pol_Fact facts[NFACTS] = {
    {S_A, S_A, PK_BOOL, POL_SCOPE_CASE}, {S_N, S_N, PK_NUM, POL_SCOPE_CASE},
    {S_D, S_D, PK_DATE, POL_SCOPE_CASE}, {S_S, S_S, PK_STR, POL_SCOPE_CASE},
    {S_TAGS, S_TAGS, POL_TYPE(PK_LIST, PK_STR, 0), POL_SCOPE_CASE},
    {S_INJ, S_INJ, POL_TYPE(PK_LIST, PK_REC, 0), POL_SCOPE_CASE},
    {S_GRP, S_GRP, POL_TYPE(PK_LIST, PK_REC, 1), POL_SCOPE_CASE},
    {S_CPT, S_CPT, PK_STR, POL_SCOPE_LINE},
  };
  p->nfacts = NFACTS;
  p->facts = DUP(facts);
  uint32_t set0[] = {0}, setn[] = {2}, items[] = {S_SIJ, S_LEFT};
  p->nsets = 1;
  p->set0 = DUP(set0);
  p->setn = DUP(setn);
  p->nsetitems = 2;
  p->setitems = DUP(items);
  pol_Evid evid[] = {{S_N, POL_NOSTR, POL_NOSTR}, {S_INJ, S_SIJ, S_INJPATH}};
  p->nevid = 2;
  p->evid = DUP(evid);
  uint32_t codes[] = {S_CODE};
  p->ncodes = 1;
  p->codes = DUP(codes);
  p->built = S_BUILT;
}

static void constants(In *in, pol_Program *p)
{
  int32_t base = pol_days_from_civil(2024, 1, 1);
  p->nk = 1 + pick(in, MAX_CONST);
  p->k = calloc(p->nk, sizeof *p->k);
  if (!p->k) abort();
  for (uint32_t i = 0; i < p->nk; i++) {
    pol_Value *k = &p->k[i];
    switch (pick(in, 8)) {
    case 0: {   /* -200 .. 65335, in quarters: decimals too */
      int32_t q = (int32_t)u16(in) - 200;
      *k = pol_num(pol_dec_of_int32(q) / (pol_Dec)(byte(in) % 4 + 1));
      break;
    }
    case 1: *k = pol_bool((int)pick(in, 2)); break;
    case 2: {
      uint32_t s = pick(in, 3) == 0 ? S_LEFT : S_SIJ;
      k->tag = PV_STR;
      k->aux = s;
      k->u.s = p->str[s];
      break;
    }
    case 3: *k = pol_date(base + (int32_t)(u16(in) % 1000)); break;
    case 4:
      k->tag = PV_DUR;
      k->u.r.lo = (int32_t)pick(in, 25);
      k->u.r.hi = (int32_t)(u16(in) % 800) - 400;
      break;
    case 5: {
      int32_t lo = base + (int32_t)(u16(in) % 700);
      k->tag = PV_WIN;
      k->u.r.lo = lo;
      k->u.r.hi = lo + (int32_t)(u16(in) % 400);
      break;
    }
    case 6: k->tag = PV_SET; k->aux = 0; break;
    default: *k = pol_unk(); break;
    }
  }
}

/* ---- code --------------------------------------------------------------- */

typedef struct Ins {
  pol_Op op;
  uint32_t a, b, c;
  uint32_t x[4];      /* EXTRA words */
  uint32_t target;    /* jumps: index of the instruction jumped to */
} Ins;

typedef struct Gen {
  In *in;
  pol_Program *p;
  uint32_t nblocks, nregs;
  uint64_t entry[MAX_BLOCKS][4];   /* registers every caller wrote (as the verifier) */
  uint8_t called[MAX_BLOCKS];
  uint64_t wr[4];                  /* written so far in the block, in order */
  uint32_t last;                   /* the register written last, if any */
  int loop_next;                   /* last holds a list: loop over it next */
} Gen;

static int has(const uint64_t *s, uint32_t r) { return (int)(s[r >> 6] >> (r & 63) & 1u); }
static void add(uint64_t *s, uint32_t r) { s[r >> 6] |= (uint64_t)1 << (r & 63); }

/* A register to read: mostly one written before, sometimes any. */
static uint32_t rd(Gen *g)
{
  uint32_t n = 0, all[POL_MAX_REGS];
  for (uint32_t r = 0; r < g->nregs; r++)
    if (has(g->wr, r)) all[n++] = r;
  if (n && pick(g->in, 16) != 15) return all[pick(g->in, n)];
  return pick(g->in, g->nregs);
}

/* The item register: mostly the last one, so bodies agree on it. */
static uint32_t item(Gen *g) { return pick(g->in, 4) ? g->nregs - 1 : pick(g->in, g->nregs); }

/* A body block of higher index than b; -1 when there is none. */
static int body(Gen *g, uint32_t b)
{
  if (b + 1 >= g->nblocks) return -1;
  return (int)(b + 1 + pick(g->in, g->nblocks - b - 1));
}

static uint32_t operand(Gen *g, char kind)
{
  switch (kind) {
  case 'W': return pick(g->in, g->nregs);
  case 'R': return rd(g);
  case 'I': return item(g);
  case 'K': return pick(g->in, g->p->nk);
  case 'F': {   /* lists half of the time: loops are where the work is */
    static const uint32_t lists[] = {F_TAGS, F_INJ, F_GRP};
    uint32_t f = pick(g->in, 2 * NFACTS);
    return f < NFACTS ? f : lists[f % 3];
  }
  case 'E': return pick(g->in, g->p->nevid);
  case 'T': return pick(g->in, 4);
  case 'U': return pick(g->in, 3);
  default: return 0;   /* J, N: set by the caller; _ */
  }
}

/* Instruction i of n in block b. */
static void instr(Gen *g, uint32_t b, uint32_t i, uint32_t n, Ins *out)
{
  static const pol_Op first[] = {OP_LOADK, OP_LOADB, OP_FACT, OP_CUR};
  static const pol_Op loops[] = {OP_EXISTS, OP_EVERY, OP_COUNT, OP_COUNTD, OP_COVER, OP_LEN};
  static const uint32_t lists[] = {F_TAGS, F_INJ, F_GRP};
  Ins x = {0};
  int none = 1;
  for (int w = 0; w < 4; w++) none &= g->wr[w] == 0;
  if (i + 2 < n && !g->loop_next && pick(g->in, 4) == 0) {
    /* a list fact, and a loop over it next: most inputs would never line
       the two up by chance */
    x.op = OP_FACT;
    x.a = pick(g->in, g->nregs);
    x.b = lists[pick(g->in, 3)];
    add(g->wr, x.a);
    g->last = x.a;
    g->loop_next = 1;
    *out = x;
    return;
  }
  int loop = g->loop_next;
  g->loop_next = 0;
  if (i + 1 == n) x.op = OP_RET;
  else if (loop) x.op = loops[pick(g->in, 6)];
  else if (none && pick(g->in, 8) != 7) x.op = first[pick(g->in, 4)];
  else x.op = (pol_Op)pick(g->in, OP__COUNT);   /* the 2.2 opcodes come after EXTRA */
  if (x.op == OP_CALLX || x.op == OP_EXTRA) x.op = OP_LOADB;
  const pol_OpInfo *oi = &pol_opinfo[x.op];
  /* reads first, then the write (so AND r0 r0 r1 reads r0 before) */
  x.b = operand(g, oi->b);
  if (loop) x.b = g->last;
  x.c = oi->fmt == FMT_ABC ? operand(g, oi->c) : 0;
  x.a = operand(g, oi->a);
  if (oi->b == 'J') x.target = i + 1 + pick(g->in, n - i - 1);   /* RET at n - 1 */
  if (oi->c == 'N') {   /* ATLEAST: R[B] .. R[B+C-1] */
    uint32_t room = g->nregs - x.b;
    x.c = 1 + pick(g->in, room < 8 ? room : 8);
    x.x[0] = 1 + pick(g->in, x.c);
  }
  int bodies = x.op == OP_EXISTS || x.op == OP_EVERY || x.op == OP_COUNT || x.op == OP_COUNTD ||
               x.op == OP_COVER || x.op == OP_RUN || x.op == OP_GAP;
  if (bodies) {
    uint32_t nb = x.op == OP_COUNTD || x.op == OP_GAP ? 2 : x.op == OP_COVER || x.op == OP_RUN ? 3 : 1;
    for (uint32_t k = 0; k < nb; k++) {
      int to = body(g, b);
      if (to < 0) { x = (Ins){OP_LOADB, operand(g, 'W'), 2, 0, {0}, 0}; goto done; }
      x.x[k] = (uint32_t)to;
    }
    if (x.op == OP_COVER || x.op == OP_RUN) x.x[3] = rd(g);
    if (x.op == OP_GAP) x.x[2] = rd(g);
    uint64_t callee[4];
    memcpy(callee, g->wr, sizeof callee);
    add(callee, x.c);
    for (uint32_t k = 0; k < nb; k++) {
      uint32_t to = x.x[k];
      for (int w = 0; w < 4; w++) g->entry[to][w] = g->called[to] ? g->entry[to][w] & callee[w] : callee[w];
      g->called[to] = 1;
    }
  }
done:
  if (pol_opinfo[x.op].a == 'W') {
    add(g->wr, x.a);
    g->last = x.a;
  }
  *out = x;
}

/* Lays out block b's n instructions at p->code[*pc...]: EXTRA words, jump
   offsets from the instruction indices. */
static void layout(pol_Program *p, const Ins *ins, uint32_t n, uint32_t *pc)
{
  uint32_t at[MAX_INSTR + 1], o = *pc;
  for (uint32_t i = 0; i < n; i++) {
    at[i] = o;
    o += 1 + (uint32_t)pol_opinfo[ins[i].op].extra;
  }
  for (uint32_t i = 0; i < n; i++) {
    const Ins *x = &ins[i];
    const pol_OpInfo *oi = &pol_opinfo[x->op];
    uint32_t c = at[i];
    if (oi->fmt == FMT_ABx) {
      uint32_t bx = oi->b == 'J' ? at[x->target] - (c + 1) : x->b;
      p->code[c] = POL_MK_ABx(x->op, x->a, bx);
    } else {
      p->code[c] = POL_MK_ABC(x->op, x->a, x->b, x->c);
    }
    for (int e = 0; e < oi->extra; e++) p->code[c + 1 + (uint32_t)e] = POL_MK_Ax(OP_EXTRA, x->x[e]);
  }
  *pc = o;
}

/* The program the input describes (owned by the caller). */
static pol_Program *program(In *in)
{
  pol_Program *p = calloc(1, sizeof *p);
  if (!p) abort();
  schema(p);
  constants(in, p);
  Gen g = {.in = in, .p = p};
  g.nblocks = 2 + pick(in, MAX_BLOCKS - 1);
  g.nregs = 1 + pick(in, 24);
  int each = g.nblocks >= 4 && pick(in, 2);   /* block 2: the list, block 3: per item */
  p->blocks = calloc(g.nblocks, sizeof *p->blocks);
  p->code = calloc((size_t)g.nblocks * MAX_INSTR * 5, sizeof *p->code);
  if (!p->blocks || !p->code) abort();
  p->nblocks = g.nblocks;
  uint32_t pc = 0;
  for (uint32_t b = 0; b < g.nblocks; b++) {
    Ins ins[MAX_INSTR];
    uint32_t n = 2 + pick(in, MAX_INSTR - 1);
    int root = b < 2 || (each && b < 4);
    memset(g.wr, 0, sizeof g.wr);
    g.last = 0;
    if (!root && g.called[b]) {
      memcpy(g.wr, g.entry[b], sizeof g.wr);
      g.last = g.nregs - 1;   /* the usual item register */
    }
    for (uint32_t i = 0; i < n; i++) instr(&g, b, i, n, &ins[i]);
    p->blocks[b].start = pc;
    layout(p, ins, n, &pc);
    p->blocks[b].len = pc - p->blocks[b].start;
    p->blocks[b].nregs = g.nregs;
  }
  p->ncode = pc;

  /* criteria: C0 on block 1; C1 per item on block 3 (with `each`), or on
     a block the input picks (a root that may also be a body: the
     verifier then wants it to need nothing from its callers) */
  pol_Crit crit[3];
  uint32_t ncrit = 0;
  uint32_t blocks[3] = {1, each ? 3 : 1 + pick(in, g.nblocks - 1), 0};
  for (uint32_t i = 0; i < 2; i++)
    crit[ncrit++] = (pol_Crit){.id = S_C0 + i, .text = S_TEXT, .file = S_SOURCE, .line = 1 + i,
                               .col = 1, .kind = PC_LEAF, .flags = pick(in, 4) == 0 ? POL_CRIT_EXCLUSION : 0,
                               .block = blocks[i], .parent = POL_NOSTR, .cite = POL_NOSTR,
                               .next = POL_NOSTR};
  p->ncrit = ncrit;
  p->crit = dup_mem(crit, ncrit * sizeof *crit);
  uint32_t brcr[] = {0, 1};
  p->nbranch_crit = 2;
  p->branch_crit = DUP(brcr);
  pol_Branch br = {.name = S_BRANCH, .text = S_TEXT, .aspect = POL_NOSTR, .cond = 0, .crit0 = 0,
                   .ncrit = each ? 1 : 2, .each = each ? 2 : POL_NOSTR, .ecrit0 = 1,
                   .necrit = each ? 1 : 0};
  p->nbranches = 1;
  p->branches = dup_mem(&br, sizeof br);
  pol_Policy pol = {.id = S_ID, .title = S_TITLE, .version = S_VERSION, .source = S_SOURCE,
                    .effective = pol_days_from_civil(2020, 1, 1), .code0 = 0, .ncodes = 1,
                    .branch0 = 0, .nbranches = 1, .crit0 = 0, .ncrit = ncrit};
  p->npol = 1;
  p->pol = dup_mem(&pol, sizeof pol);
  return p;
}

/* ---- the cases ---------------------------------------------------------- */

enum { NCASES = 6 };

/* Case i: lists of `items` entries, `lines` request lines. */
static json_t *make_case(int i, int items, int lines, int nulls)
{
  json_t *c = json_object();
  char id[32];
  snprintf(id, sizeof id, "case-%d", i);
  json_object_set_new(c, "case_id", json_string(id));
  json_t *procs = json_array();
  for (int l = 0; l < lines; l++) {
    json_t *pr = json_object();
    json_object_set_new(pr, "line", json_integer(l + 1));
    json_object_set_new(pr, "cpt", json_string(l == 2 ? "Z9" : "X1"));
    json_array_append_new(procs, pr);
  }
  json_t *req = json_object();
  json_object_set_new(req, "date", json_string("2025-06-01"));
  json_object_set_new(req, "procedures", procs);
  json_object_set_new(c, "request", req);
  if (nulls) return c;
  json_object_set_new(c, "a", json_boolean(i & 1));
  json_object_set_new(c, "n", json_integer(i * 3 - 2));
  json_object_set_new(c, "d", json_string("2024-06-15"));
  json_object_set_new(c, "s", json_string(i & 1 ? "sij" : "left"));
  json_t *tags = json_array(), *inj = json_array(), *grp = json_array();
  for (int k = 0; k < items; k++) {
    json_array_append_new(tags, json_string(k % 3 ? "sij" : "t"));
    json_t *o = json_object();
    char date[16];
    snprintf(date, sizeof date, "2024-%02d-%02d", 1 + k % 12, 1 + k % 28);
    json_object_set_new(o, "date", k % 7 == 6 ? json_null() : json_string(date));
    json_object_set_new(o, "relief", json_integer(k % 101));
    json_object_set_new(o, "target", json_string(k % 2 ? "sij" : "left"));
    json_array_append_new(inj, o);
    if (k % 10 == 0) {   /* a group holds the injection and the two before it */
      json_t *gr = json_object(), *gi = json_array();
      for (size_t j = k >= 2 ? (size_t)k - 2 : 0; j <= (size_t)k; j++)
        json_array_append(gi, json_array_get(inj, j));
      json_object_set_new(gr, "name", json_string("g"));
      json_object_set_new(gr, "inj", gi);
      json_array_append_new(grp, gr);
    }
  }
  json_object_set_new(c, "tags", tags);
  json_object_set_new(c, "inj", inj);
  json_object_set_new(c, "grp", grp);
  return c;
}

static json_t **cases(void)
{
  static json_t *docs[NCASES];
  static const int shape[NCASES][3] = {
    {3, 1, 0}, {2000, 1, 0}, {0, 1, 1}, {20, 2, 0}, {200, 3, 0}, {1, 1, 0},
  };
  if (!docs[0])
    for (int i = 0; i < NCASES; i++) {
      docs[i] = make_case(i, shape[i][0], shape[i][1], shape[i][2]);
      if (!docs[i]) abort();
    }
  return docs;
}

/* ---- the target --------------------------------------------------------- */

/* With $FUZZ_PROGRAM_STATS set, how many programs were verified, and how
   many cases ran out of budget, are printed at exit: a generator whose
   programs are nearly all refused would test little but the verifier. */
static unsigned long n_inputs, n_verified, n_cases, n_spent, n_visits;

static void stats(void)
{
  fprintf(stderr, "fuzz_program: %lu programs, %lu verified; %lu cases run, %lu out of budget, %lu items visited\n",
          n_inputs, n_verified, n_cases, n_spent, n_visits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  In in = {data, size, 0};
  json_t **docs = cases();
  if (n_inputs++ == 0 && getenv("FUZZ_PROGRAM_STATS")) atexit(stats);
  pol_Program *built = program(&in);
  char err[512];
  int ok = pol_verify(built, err, sizeof err) == 0;
  if (!ok && getenv("FUZZ_PROGRAM_STATS") && n_inputs < 20) fprintf(stderr, "refused: %s\n", err);
  if (!ok && !memchr(err, '\0', sizeof err)) abort();
  /* what verifies must load back from its bundle, and be accepted again */
  pol_Program *p = NULL;
  if (ok) {
    uint8_t *buf = NULL;
    size_t len = 0;
    if (pol_bundle_write(built, &buf, &len) != 0) abort();
    if (pol_bundle_load(buf, len, &p, err, sizeof err) != 0) {
      fprintf(stderr, "fuzz_program: verified, but its bundle is refused: %s\n", err);
      abort();
    }
    free(buf);
  }
  pol_program_free(built);
  if (!p) return 0;
  n_verified++;

  uint64_t budget = 200 + u16(&in) % 20000;
  pol_VM *vm = pol_vm_new(p);
  pol_Case *c = pol_case_new(p);
  if (!vm || !c) abort();
  pol_vm_set_budget(vm, budget);
  pol_vm_set_trace(vm, (int)pick(&in, 4) != 0);
  uint32_t runs = 2 + pick(&in, MAX_CASE_RUNS - 1);
  for (uint32_t r = 0; r < runs; r++) {
    const json_t *doc = docs[pick(&in, NCASES)];
    const pol_LineResult *lines = NULL;
    if (pol_case_load(c, doc, err, sizeof err) != 0) abort();   /* the cases fit the schema */
    int rc = pol_vm_eval(vm, c, &lines, err, sizeof err);
    if (vm->visits > budget) {
      fprintf(stderr, "fuzz_program: the loops visited %llu items on a budget of %llu\n",
              (unsigned long long)vm->visits, (unsigned long long)budget);
      abort();
    }
    n_cases++;
    n_spent += vm->out_of_budget != 0;
    n_visits += vm->visits;
    if (rc == 0) fz_traces(vm, c, lines);
    else if (!strstr(err, "instructions") && !strstr(err, "out of memory")) abort();
  }
  pol_case_free(c);
  pol_vm_free(vm);
  pol_program_free(p);
  return 0;
}
