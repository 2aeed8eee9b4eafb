/*
 * codegen.c -- from the checked AST to a pol_Program.
 *
 * Each leaf criterion and each branch condition becomes a root block with
 * its own register frame; quantifier bodies become blocks of higher index
 * that share that frame.  Registers are allocated as a stack: an
 * expression is compiled into a destination register and its temporaries
 * are released when it is done.  `let` definitions are inlined, their
 * parameters bound to registers; constant subtrees (months(6) = 182) are
 * folded.  At the root level of a criterion every fact read and every list
 * query is followed by an EVID instruction, so the trace shows the values a
 * clause looked at, with what was expected of them.
 */
#include "compile.h"
#include "../vm/util.h"
#include "fmt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROWV POL_GROW
#define POL_MAX_GROUP 16   /* operands of one evidence group */

#include "valueset.h"

typedef struct Buf {
  pol_Instr *code;
  uint32_t n, cap;
} Buf;

typedef struct Bind {
  pol_Node *params;
  pol_Node *args;          /* argument nodes, for folding */
  const struct Bind *up;   /* the caller's bindings (for the args) */
  int regs[8];
} Bind;

typedef struct Hash {
  uint32_t *slot;          /* value+1, 0 = empty */
  uint32_t cap;
} Hash;

typedef struct Gen {
  pol_Compiler *c;
  pol_Program *p;
  struct {   /* the capacity of each table of the program (vm/sections.def) */
#define TABLE(count, array) uint32_t array;
#include "../vm/sections.def"
  } cap;
  Hash strs;
  Hash facts;              /* fact slots by path (fact_find) */
  Buf *bufs;               /* one per block */
  /* state of the root block being compiled */
  uint32_t cur;            /* current block */
  int top, max;            /* register stack */
  int items[POL_MAX_DEPTH + 1];
  int nitems;
  const Bind *bind;
  const char *expected;    /* evidence expectation for the next fact read */
  int quiet;               /* >0: no evidence (a quantifier's list operand) */
  /* line:column cache: criteria come in source order, so each lookup
     scans on from the previous one instead of from the file's start */
  const pol_Source *lc_src;
  uint32_t lc_off;
  int lc_line, lc_col;
  int reg_reported;        /* E0403 already reported for this root */
  int errors;
  /* lets are inlined: a small source can expand into a deep or huge tree.
     Depth and work per root expression are bounded (E0406). */
  int depth;               /* expr() and fold() calls in progress */
  uint32_t steps;          /* expr() and fold() calls for this root */
  int too_big;             /* E0406 reported for this root */
  pol_Node **factdecl;     /* slot -> declaration (NULL: a requested
                              value, request_facts) */
  uint32_t reqfact[POL_AUTH__COUNT];   /* request_facts: the slot of each
                                          field's requested value */
  pol_Node **extdecl;
  /* witnesses (section WITN): per quantifier level being compiled, the
     descriptor it builds, or NULL where nothing is explained (a list
     operand, a conjunct block) */
  struct WitBuild *wb[POL_MAX_DEPTH + 1];
  uint32_t *wit_blk;       /* per witness: the block of its operation (pc
                              holds the offset in it until the code is laid
                              out) */
  /* evidence groups (section WITN): the operands of the root-level `and`,
     `or` or `at least` being compiled whose evidence says their truth, and
     the group they belong to */
  struct { const pol_Node *leaf; uint32_t word; } gl[POL_MAX_GROUP];
  int ngl;
  int in_group;            /* compiling the operands of a group */
} Gen;

/* What a list operation's body reads of its item, gathered while it is
   compiled: the fields (for the trace's "item") and the operations nested
   in it (their witnesses). */
#define WIT_MAX_FIELDS 64
#define WIT_MAX_INNER 32
typedef struct WitBuild {
  uint32_t fields[WIT_MAX_FIELDS];
  uint32_t nfields;
  uint32_t inner[WIT_MAX_INNER];
  uint32_t ninner;
} WitBuild;

/* ---- tables ------------------------------------------------------------ */

static uint32_t hash_str(const char *s) { return pol_fnv1a_str(s); }

/* The length of s[0..n) without a UTF-8 sequence cut short at its end
   (the sources are valid UTF-8, check.c; only a cut can leave one). */
static size_t utf8_whole(const char *s, size_t n)
{
  size_t i = n, k = 0;
  while (i > 0 && k < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) { i--; k++; }
  if (i == 0) return n;
  unsigned char b = (unsigned char)s[i - 1];
  size_t need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
  return k < need ? i - 1 : n;
}

static uint32_t str_id(Gen *g, const char *s)
{
  pol_Program *p = g->p;
  /* a bundle holds only valid UTF-8 (bundle_load.c refuses anything else):
     text cut to fit a buffer loses its partial last character */
  size_t len = strlen(s), whole = utf8_whole(s, len);
  if (whole < len) {
    char *t = strndup(s, whole);
    if (!t) abort();
    uint32_t id = str_id(g, t);
    free(t);
    return id;
  }
  if ((p->nstr + 1) * 2 > g->strs.cap) {
    uint32_t ncap = g->strs.cap ? g->strs.cap * 2 : 256;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) abort();
    for (uint32_t i = 0; i < p->nstr; i++) {
      uint32_t h = hash_str(p->str[i]) & (ncap - 1);
      while (ns[h]) h = (h + 1) & (ncap - 1);
      ns[h] = i + 1;
    }
    free(g->strs.slot);
    g->strs.slot = ns;
    g->strs.cap = ncap;
  }
  uint32_t h = hash_str(s) & (g->strs.cap - 1);
  while (g->strs.slot[h]) {
    uint32_t id = g->strs.slot[h] - 1;
    if (strcmp(p->str[id], s) == 0) return id;
    h = (h + 1) & (g->strs.cap - 1);
  }
  GROWV(p->str, p->nstr, g->cap.str);
  p->slen = realloc(p->slen, (size_t)g->cap.str * sizeof *p->slen);
  if (!p->slen) abort();
  p->str[p->nstr] = strdup(s);
  p->slen[p->nstr] = (uint32_t)strlen(s);
  g->strs.slot[h] = p->nstr + 1;
  return p->nstr++;
}

static uint32_t konst(Gen *g, pol_Value v)
{
  pol_Program *p = g->p;
  if (v.tag == PV_STR) v.u.s = NULL;   /* rebuilt from aux at load */
  for (uint32_t i = p->nk > 64 ? p->nk - 64 : 0; i < p->nk; i++)
    if (memcmp(&p->k[i], &v, sizeof v) == 0) return i;
  GROWV(p->k, p->nk, g->cap.k);
  p->k[p->nk] = v;
  if (v.tag == PV_STR) p->k[p->nk].u.s = p->str[v.aux];
  return p->nk++;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint32_t make_set(Gen *g, pol_Node *items)
{
  pol_Program *p = g->p;
  uint32_t start = p->nsetitems;
  for (pol_Node *s = items; s; s = s->next) {
    GROWV(p->setitems, p->nsetitems, g->cap.setitems);
    p->setitems[p->nsetitems++] = str_id(g, s->str);
  }
  /* sorted, then duplicates dropped: O(n log n) for a literal of n items */
  qsort(p->setitems + start, p->nsetitems - start, sizeof *p->setitems, cmp_u32);
  uint32_t end = start;
  for (uint32_t i = start; i < p->nsetitems; i++)
    if (i == start || p->setitems[i] != p->setitems[end - 1]) p->setitems[end++] = p->setitems[i];
  p->nsetitems = end;
  GROWV(p->set0, p->nsets, g->cap.set0);
  p->setn = realloc(p->setn, (size_t)g->cap.set0 * sizeof *p->setn);
  if (!p->setn) abort();
  p->set0[p->nsets] = start;
  p->setn[p->nsets] = p->nsetitems - start;
  return p->nsets++;
}

/* An evidence descriptor; shared with an equal one unless `own` (one with
   a witness: it names its operation's registers). */
static uint32_t evid(Gen *g, const char *fact, const char *expected, const char *query, int own)
{
  pol_Program *p = g->p;
  uint32_t f = str_id(g, fact), e = expected ? str_id(g, expected) : POL_NOSTR;
  uint32_t q = query ? str_id(g, query) : POL_NOSTR;
  uint32_t from = own ? p->nevid : p->nevid > 256 ? p->nevid - 256 : 0;
  for (uint32_t i = from; i < p->nevid; i++)
    if (p->evid[i].fact == f && p->evid[i].expected == e && p->evid[i].query == q) return i;
  GROWV(p->evid, p->nevid, g->cap.evid);
  p->evid[p->nevid].fact = f;
  p->evid[p->nevid].expected = e;
  p->evid[p->nevid].query = q;
  return p->nevid++;
}

/* The source text of n with runs of white space folded, for the trace. */
static const char *source_text(Gen *g, const pol_Node *n, char *buf, size_t cap)
{
  const pol_Source *src = g->c->files[n->span.file];
  size_t o = 0;
  int space = 0;
  for (uint32_t i = n->span.start; i < n->span.end && i < src->len && o + 5 < cap; i++) {
    char ch = src->text[i];
    if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') { space = 1; continue; }
    if (space && o) buf[o++] = ' ';
    space = 0;
    buf[o++] = ch;
  }
  if (o + 5 >= cap) {
    o = utf8_whole(buf, o);
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* ---- source text with the arguments of a let ---------------------------- */

static int fold(Gen *g, pol_Node *n, const struct Bind *bind, pol_Value *out);
static void value_text(Gen *g, pol_Value v, char *buf, size_t n);

/* The parameter names in the tree of n (not in the lets it calls), at most
   max, sorted by position. */
static int param_refs(const pol_Node *n, const pol_Node **out, int k, int max)
{
  if (!n || k >= max) return k;
  if (n->kind == N_NAME && n->res == R_PARAM) {
    int j = k++;
    while (j > 0 && out[j - 1]->span.start > n->span.start) { out[j] = out[j - 1]; j--; }
    out[j] = n;
  }
  const pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) k = param_refs(kids[i], out, k, max);
  for (const pol_Node *a = n->args; a; a = a->next) k = param_refs(a, out, k, max);
  return k;
}

/* The source text of n with runs of white space folded, and each
   parameter of the let being inlined (bind) replaced by its argument: a
   constant's value, else the argument's own text.  "qualifying(80)" is
   shown as "... relief_pct >= 80", never "... >= min_relief". */
static const char *bound_text(Gen *g, const pol_Node *n, const Bind *bind, char *buf, size_t cap)
{
  const pol_Node *refs[32];
  int nrefs = bind ? param_refs(n, refs, 0, 32) : 0;
  const pol_Source *src = g->c->files[n->span.file];
  size_t o = 0;
  int space = 0, r = 0;
  for (uint32_t i = n->span.start; i < n->span.end && i < src->len && o + 5 < cap; i++) {
    char ch = src->text[i];
    if (r < nrefs && i == refs[r]->span.start) {
      char arg[200];
      const pol_Node *a = bind->args;
      for (int k = 0; k < refs[r]->index && a; k++) a = a->next;
      pol_Value v;
      if (!a) snprintf(arg, sizeof arg, "%s", refs[r]->str);
      else if (fold(g, (pol_Node *)a, bind->up, &v)) value_text(g, v, arg, sizeof arg);
      else bound_text(g, a, bind->up, arg, sizeof arg);
      if (space && o) buf[o++] = ' ';
      space = 0;
      for (const char *t = arg; *t && o + 5 < cap; t++) buf[o++] = *t;
      i = refs[r]->span.end - 1;
      r++;
      continue;
    }
    if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') { space = 1; continue; }
    if (space && o) buf[o++] = ' ';
    space = 0;
    buf[o++] = ch;
  }
  if (o + 5 >= cap) {
    o = utf8_whole(buf, o);
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* ---- emitting ---------------------------------------------------------- */

static uint32_t new_block(Gen *g)
{
  pol_Program *p = g->p;
  uint32_t cap = g->cap.blocks;
  GROWV(p->blocks, p->nblocks, g->cap.blocks);
  if (g->cap.blocks != cap) {   /* only when it grows: each realloc may copy */
    g->bufs = realloc(g->bufs, (size_t)g->cap.blocks * sizeof *g->bufs);
    if (!g->bufs) abort();
  }
  memset(&g->bufs[p->nblocks], 0, sizeof *g->bufs);
  memset(&p->blocks[p->nblocks], 0, sizeof *p->blocks);
  return p->nblocks++;
}

static uint32_t emit(Gen *g, pol_Instr i)
{
  Buf *b = &g->bufs[g->cur];
  GROWV(b->code, b->n, b->cap);
  b->code[b->n] = i;
  return b->n++;
}

static void emit_abc(Gen *g, pol_Op op, int a, int b, int c)
{
  /* every emitter checks its operand ranges (registers are < 256) */
  if (a < 0 || a > 255 || b < 0 || b > 255 || c < 0 || c > 255) abort();
  emit(g, POL_MK_ABC(op, a, b, c));
}

static void emit_abx(Gen *g, pol_Op op, int a, uint32_t bx, pol_Span sp)
{
  if (bx > POL_MAX_BX) {
    pol_error(&g->c->diag, sp, "E0401", "too many constants, facts or evidence records (more than %u)",
              POL_MAX_BX);
    g->errors++;
    bx = 0;
  }
  emit(g, POL_MK_ABx(op, a, bx));
}

static void emit_extra(Gen *g, uint32_t ax)
{
  if (ax > POL_MAX_AX) abort();
  emit(g, POL_MK_Ax(OP_EXTRA, ax));
}

/* Emits the EXTRA words of op in the order of its roles in opcodes.def:
   val[i] is the word of role letter have[i].  Borrowed have, val. */
static void emit_extras(Gen *g, pol_Op op, const char *have, const uint32_t *val)
{
  const char *roles = pol_opinfo[op].xroles;
  for (size_t i = 0; roles[i]; i++) {
    const char *at = strchr(have, roles[i]);
    if (!at) abort();   /* the caller does not know a role of the .def line */
    emit_extra(g, val[at - have]);
  }
}

static uint32_t emit_jump(Gen *g, pol_Op op, int a)
{
  return emit(g, POL_MK_ABx(op, a, 0));
}

static void patch_jump(Gen *g, uint32_t at, pol_Span sp)
{
  Buf *b = &g->bufs[g->cur];
  uint32_t off = b->n - (at + 1);
  if (off > POL_MAX_BX) {
    pol_error(&g->c->diag, sp, "E0402", "expression too large for a jump");
    g->errors++;
    off = 0;
  }
  b->code[at] = (b->code[at] & 0xffffu) | (off << 16);
}

static int reg(Gen *g, pol_Span sp)
{
  if (g->top >= POL_MAX_REGS) {
    if (!g->reg_reported)   /* once per criterion, not once per register */
      pol_error(&g->c->diag, sp, "E0403", "expression needs more than %d registers", POL_MAX_REGS);
    g->reg_reported = 1;
    g->errors++;
    return POL_MAX_REGS - 1;
  }
  int r = g->top++;
  if (g->top > g->max) g->max = g->top;
  return r;
}

/* ---- constant folding -------------------------------------------------- */

static int fold(Gen *g, pol_Node *n, const Bind *bind, pol_Value *out);

static int fold_arg(Gen *g, const Bind *bind, int index, pol_Value *out)
{
  if (!bind) return 0;
  pol_Node *a = bind->args;
  for (int i = 0; i < index && a; i++) a = a->next;
  return a ? fold(g, a, bind->up, out) : 0;
}

/* Without lets, expr() nests as deep as the tree and fold() one level more:
   the checker's limit and some room.  Through lets it can nest deeper, and a
   frame of expr() is about 1 KiB (3 KiB under ASan): this bound keeps the
   whole recursion under 4 MiB. */
#define MAX_GEN_DEPTH (POL_MAX_EXPR_DEPTH + 100)
#define MAX_GEN_STEPS (1u << 22)

/* Counts one step of work at one more level; 0 (and E0406 once per root)
   when the expansion is too deep or too large to go on. */
static int enter(Gen *g, pol_Node *n)
{
  if (++g->steps <= MAX_GEN_STEPS && g->depth < MAX_GEN_DEPTH) {
    g->depth++;
    return 1;
  }
  if (!g->too_big) {
    pol_error(&g->c->diag, n->span, "E0406", "expression too large once its lets are expanded "
              "(deeper than %d levels or more than %u steps)", MAX_GEN_DEPTH, MAX_GEN_STEPS);
    g->errors++;
    g->too_big = 1;
  }
  return 0;
}

static int fold_inner(Gen *g, pol_Node *n, const Bind *bind, pol_Value *out);

static int fold(Gen *g, pol_Node *n, const Bind *bind, pol_Value *out)
{
  if (!enter(g, n)) return 0;
  int r = fold_inner(g, n, bind, out);
  g->depth--;
  return r;
}

static int fold_inner(Gen *g, pol_Node *n, const Bind *bind, pol_Value *out)
{
  pol_Value a, b;
  switch (n->kind) {
  case N_NUM: *out = pol_num(n->num); return 1;
  case N_BOOL: *out = pol_bool(n->ival); return 1;
  case N_DATE: *out = pol_date(n->ival); return 1;
  case N_STR:
    out->tag = PV_STR; out->aux = str_id(g, n->str); out->u.s = NULL;
    return 1;
  case N_DUR:
    out->tag = PV_DUR; out->aux = 0; out->u.r.lo = n->ival; out->u.r.hi = n->ival2;
    return 1;
  case N_SET:
    /* one set per literal, however often the literal is folded */
    if (!n->state) { n->index = (int)make_set(g, n->args); n->state = 1; }
    out->tag = PV_SET; out->aux = (uint32_t)n->index; out->u.p = NULL;
    return 1;
  case N_NAME:
    if (n->res == R_PARAM) return fold_arg(g, bind, n->index, out);
    if (n->res == R_LET) return fold(g, n->decl->a, NULL, out);
    return 0;
  case N_CALL:
    if (n->res == R_BUILTIN && n->index == B_FLOOR) {
      if (!fold(g, n->args, bind, &a)) return 0;
      pol_Dec f;
      /* out of range: left to the VM, which reports it */
      if (a.tag != PV_NUM || pol_dec_floor(a.u.d, &f) != POL_DEC_OK) return 0;
      *out = pol_num(f);
      return 1;
    }
    if (n->res == R_BUILTIN && (n->index == B_DAYS || n->index == B_WEEKS || n->index == B_YEARS)) {
      /* days(14) is the constant 14 days when 14 is whole and within
         10000 years; otherwise the VM says unknown */
      if (!fold(g, n->args, bind, &a) || a.tag != PV_NUM || !pol_dec_is_int(a.u.d)) return 0;
      int64_t k = a.u.d / POL_DEC_SCALE;
      int64_t lim = n->index == B_YEARS ? 10000 : n->index == B_WEEKS ? 3652425 / 7 : 3652425;
      if (k < -lim || k > lim) return 0;
      out->tag = PV_DUR; out->aux = 0; out->u.r.lo = 0; out->u.r.hi = 0;
      if (n->index == B_YEARS) out->u.r.lo = (int32_t)(k * 12);
      else out->u.r.hi = (int32_t)(n->index == B_WEEKS ? k * 7 : k);
      return 1;
    }
    if (n->res == R_LET) {
      Bind nb = {n->decl->args, n->args, bind, {0}};
      return fold(g, n->decl->a, &nb, out);
    }
    return 0;
  case N_UNARY:
    if (n->op != O_NEG || !fold(g, n->a, bind, &a) || a.tag != PV_NUM) return 0;
    *out = pol_num(-a.u.d);
    return 1;
  case N_BINARY:
    if (n->op < O_ADD || !fold(g, n->a, bind, &a) || !fold(g, n->b, bind, &b)) return 0;
    if (a.tag == PV_NUM && b.tag == PV_NUM) {
      /* the VM's arithmetic exactly; x / 0 (unknown) and a result out of
         range (an error for the case) are left to the VM */
      pol_Dec r;
      pol_DecStatus st;
      switch (n->op) {
      case O_ADD: st = pol_dec_add(a.u.d, b.u.d, &r); break;
      case O_SUB: st = pol_dec_sub(a.u.d, b.u.d, &r); break;
      case O_MUL: st = pol_dec_mul(a.u.d, b.u.d, &r); break;
      default:
        if (b.u.d == 0) return 0;
        st = pol_dec_div(a.u.d, b.u.d, &r);
        break;
      }
      if (st != POL_DEC_OK) return 0;
      *out = pol_num(r);
      return 1;
    }
    if (a.tag == PV_DATE && b.tag == PV_DUR && (n->op == O_ADD || n->op == O_SUB)) {
      /* a is a date of years 1..9999 (literals are, and so is every folded
         date) and a duration is at most 100000 years: no overflow here.  A
         result outside 1..9999 is left to the VM, which makes it unknown. */
      int s = n->op == O_ADD ? 1 : -1;
      int32_t d = pol_add_months((int32_t)a.aux, s * b.u.r.lo) + s * b.u.r.hi;
      if (d < pol_days_from_civil(1, 1, 1) || d > pol_days_from_civil(9999, 12, 31)) return 0;
      *out = pol_date(d);
      return 1;
    }
    return 0;
  case N_WINDOW: case N_IT: case N_FIELD: case N_QUANT: case N_COVER: case N_ATLEAST: case N_IF: case N_GAP:
  case N_UNKNOWN: case N_LOOKUP: case N_TABLE:
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
    return 0;   /* not a constant */
  }
  return 0;
}

static void value_text(Gen *g, pol_Value v, char *buf, size_t n)
{
  switch (v.tag) {
  case PV_NUM: {
    char d[POL_DEC_BUFSIZE];
    pol_dec_format(v.u.d, d);
    snprintf(buf, n, "%s", d);
    break;
  }
  case PV_BOOL: snprintf(buf, n, "%s", v.aux ? "true" : "false"); break;
  case PV_STR: snprintf(buf, n, "\"%s\"", g->p->str[v.aux]); break;
  case PV_DATE: pol_format_date((int32_t)v.aux, buf); break;
  case PV_SET: {
    size_t off = (size_t)snprintf(buf, n, "{");
    for (uint32_t i = 0; i < g->p->setn[v.aux] && off < n; i++)
      off += (size_t)snprintf(buf + off, n - off, "%s\"%s\"", i ? ", " : "",
                              g->p->str[g->p->setitems[g->p->set0[v.aux] + i]]);
    if (off < n) snprintf(buf + off, n - off, "}");
    break;
  }
  default: snprintf(buf, n, "?"); break;
  }
}

/* ---- expressions ------------------------------------------------------- */

static void expr(Gen *g, pol_Node *n, int dst);

static const char *fact_display(Gen *g, pol_Node *decl, char *buf, size_t n)
{
  (void)g;
  if (strncmp(decl->path, "line.", 5) == 0)
    snprintf(buf, n, "request.procedures[].%s", decl->path + 5);
  else
    snprintf(buf, n, "%s", decl->path);
  return buf;
}

static int fact_slot(Gen *g, pol_Node *decl)
{
  (void)g;
  return decl->index;   /* assigned in collect_scope */
}

/* Records evidence for the value in dst, at the root level only; wit: the
   witness of the list operation that computed it, or -1. */
static void evidence(Gen *g, int dst, const char *what, const pol_Node *query, pol_Span sp, int wit,
                     const pol_Node *src)
{
  if (g->nitems > 0 || g->quiet > 0) return;
  char buf[200];
  uint32_t grp = 0;   /* its group word, if src is an operand of one */
  for (int i = 0; i < g->ngl; i++)
    if (g->gl[i].leaf == src) grp = g->gl[i].word;
  uint32_t e = evid(g, what, g->expected, query ? bound_text(g, query, g->bind, buf, sizeof buf) : NULL,
                    wit >= 0 || grp != 0);
  if (wit >= 0) g->p->wit[wit].evid = e;
  if (grp) {
    pol_Program *p = g->p;
    while (p->nevgrp < p->nevid) {   /* one word per evidence descriptor */
      GROWV(p->evgrp, p->nevgrp, g->cap.evgrp);
      p->evgrp[p->nevgrp++] = 0;
    }
    p->evgrp[e] = grp;
  }
  emit_abx(g, OP_EVID, dst, e, sp);
  g->expected = NULL;
}

static const char *list_display(Gen *g, pol_Node *list, char *buf, size_t n)
{
  if (list->kind == N_NAME && list->res == R_FACT) return fact_display(g, list->decl, buf, n);
  if (list->kind == N_NAME && list->res == R_PARAM && g->bind) {   /* the argument's */
    const pol_Node *a = g->bind->args;
    for (int k = 0; k < list->index && a; k++) a = a->next;
    if (a && a->kind == N_NAME && a->res == R_FACT) return fact_display(g, a->decl, buf, n);
    if (a) return bound_text(g, a, g->bind->up, buf, n);
  }
  return bound_text(g, list, g->bind, buf, n);
}

/* A field of the item of quantifier level `level` is read: the witness
   being built there (if any) shows it. */
static void wit_field(Gen *g, int level, int field)
{
  WitBuild *wb = level >= 0 && level < g->nitems ? g->wb[level] : NULL;
  if (!wb) return;
  for (uint32_t i = 0; i < wb->nfields; i++)
    if (wb->fields[i] == (uint32_t)field) return;
  if (wb->nfields < WIT_MAX_FIELDS) wb->fields[wb->nfields++] = (uint32_t)field;
}

/* Is a list operation compiled here explained by a witness: at the root
   level of a criterion (where its result is evidence), or in the body of
   one that is. */
static int wit_tracked(const Gen *g)
{
  return g->quiet == 0 && (g->nitems == 0 || g->wb[g->nitems - 1] != NULL);
}

/* Compiles a quantifier body into a new block, returns its index; wb: the
   witness gathering what it reads of its item, or NULL. */
static uint32_t body(Gen *g, pol_Node *n, int item, int is_bool, WitBuild *wb)
{
  uint32_t saved = g->cur;
  const char *saved_exp = g->expected;
  g->expected = NULL;
  uint32_t blk = new_block(g);
  g->cur = blk;
  g->wb[g->nitems] = wb;
  g->items[g->nitems++] = item;
  int base = g->top;
  pol_Span none = {0, 0, 0};
  int r = reg(g, n ? n->span : none);
  if (n) expr(g, n, r);
  else if (is_bool) emit_abc(g, OP_LOADB, r, 1, 0);
  emit_abc(g, OP_RET, r, 0, 0);
  g->top = base;
  g->nitems--;
  g->wb[g->nitems] = NULL;
  g->cur = saved;
  g->expected = saved_exp;
  return blk;
}

/* The top-level conjuncts of a predicate (a and b and c), at most max. */
static int conjuncts(pol_Node *n, pol_Node **out, int k, int max)
{
  if (n->kind == N_BINARY && n->op == O_AND) {
    k = conjuncts(n->a, out, k, max);
    return conjuncts(n->b, out, k, max);
  }
  if (k < max) out[k++] = n;
  return k;
}

#define WIT_MAX_CONJ 16

/* A witness descriptor for the list operation at offset `at` of the current
   block: what its body read (wb); for exists and every, the top-level
   conjuncts of its predicate, each compiled into a block of its own (run
   only by the trace, to find the closest item).  Nested in another
   tracked operation's body, it is one of that one's inner witnesses.
   Returns its index. */
static int new_witness(Gen *g, pol_WitKind kind, uint32_t at, const char *list, const WitBuild *wb,
                       pol_Node *pred, int item, uint32_t body_blk, const pol_Node *lnode)
{
  pol_Program *p = g->p;
  pol_Node *conj[WIT_MAX_CONJ];
  int nconj = (kind == PW_FIRST_TRUE || kind == PW_FIRST_FALSE) && pred ? conjuncts(pred, conj, 0, WIT_MAX_CONJ) : 0;
  if (nconj == WIT_MAX_CONJ) nconj = 1;   /* too many to rank: the whole predicate */
  uint32_t cblk[WIT_MAX_CONJ], ctext[WIT_MAX_CONJ];
  for (int k = 0; k < nconj; k++) {
    char buf[300];
    pol_Node *c = nconj == 1 ? pred : conj[k];
    ctext[k] = str_id(g, bound_text(g, c, g->bind, buf, sizeof buf));
    cblk[k] = nconj == 1 ? body_blk : body(g, c, item, 1, NULL);
  }
  uint32_t w = p->nwit;
  GROWV(p->wit, p->nwit, g->cap.wit);
  g->wit_blk = realloc(g->wit_blk, (size_t)g->cap.wit * sizeof *g->wit_blk);
  if (!g->wit_blk) abort();
  g->wit_blk[w] = g->cur;
  pol_Witness *x = &p->wit[p->nwit++];
  memset(x, 0, sizeof *x);
  x->evid = POL_NOSTR;
  x->pc = at;
  x->kind = (uint32_t)kind;
  x->list = str_id(g, list);
  /* nested: explained only when its list is a field of the item around it */
  x->lfield = POL_NOSTR;
  if (lnode && lnode->kind == N_NAME && lnode->res == R_FIELD && lnode->depth == 0)
    x->lfield = (uint32_t)lnode->index;
  else if (lnode && lnode->kind == N_FIELD && lnode->a->depth == 0 &&
           (lnode->a->kind == N_IT || (lnode->a->kind == N_NAME && lnode->a->res == R_ITEM)))
    x->lfield = (uint32_t)lnode->index;
  x->data0 = p->nwitdata;
  x->nfields = wb->nfields;
  x->nconj = (uint32_t)nconj;
  x->ninner = wb->ninner;
  for (uint32_t i = 0; i < wb->nfields; i++) {
    GROWV(p->witdata, p->nwitdata, g->cap.witdata);
    p->witdata[p->nwitdata++] = wb->fields[i];
  }
  for (int k = 0; k < nconj; k++) {
    GROWV(p->witdata, p->nwitdata, g->cap.witdata);
    p->witdata[p->nwitdata++] = cblk[k];
    GROWV(p->witdata, p->nwitdata, g->cap.witdata);
    p->witdata[p->nwitdata++] = ctext[k];
  }
  for (uint32_t i = 0; i < wb->ninner; i++) {
    GROWV(p->witdata, p->nwitdata, g->cap.witdata);
    p->witdata[p->nwitdata++] = wb->inner[i];
  }
  WitBuild *outer = g->nitems > 0 ? g->wb[g->nitems - 1] : NULL;
  if (outer && outer->ninner < WIT_MAX_INNER) outer->inner[outer->ninner++] = w;
  return (int)w;
}

/* The case facts expression n reads, lets followed, each once, as one
   evidence name "a, b": what a quantifier over a set literal looked at
   (the set itself is a constant, not a fact of the case).  Empty if none. */
typedef struct FactsRead {
  const pol_Node *seen[8];   /* facts named */
  int n;
  const pol_Node *lets[16];  /* lets followed (each once: no blow-up on shared lets) */
  int nlets;
} FactsRead;

static void facts_read(Gen *g, FactsRead *fr, const pol_Node *n, char *buf, size_t cap, int depth)
{
  if (!n || depth > MAX_GEN_DEPTH) return;
  if (n->kind == N_NAME && n->res == R_FACT && n->decl) {
    int seen = 0;
    for (int i = 0; i < fr->n; i++) seen |= fr->seen[i] == n->decl;
    if (!seen && fr->n < (int)(sizeof fr->seen / sizeof fr->seen[0])) {
      fr->seen[fr->n++] = n->decl;
      char f[256];
      size_t len = strlen(buf);
      snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", fact_display(g, n->decl, f, sizeof f));
    }
  }
  if ((n->kind == N_NAME || n->kind == N_CALL) && n->res == R_LET && n->decl) {
    int seen = 0;
    for (int i = 0; i < fr->nlets; i++) seen |= fr->lets[i] == n->decl;
    if (!seen && fr->nlets < (int)(sizeof fr->lets / sizeof fr->lets[0])) {
      fr->lets[fr->nlets++] = n->decl;
      facts_read(g, fr, n->decl->a, buf, cap, depth + 1);
    }
  }
  const pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) facts_read(g, fr, kids[i], buf, cap, depth + 1);
  for (const pol_Node *k = n->args; k; k = k->next) facts_read(g, fr, k, buf, cap, depth + 1);
}

/* quant, cover, gap, binary, call and lookup hold text buffers: kept out of
   line so that each level of expr's recursion (a let chain expands to one
   level per let, up to POL_MAX_EXPR_DEPTH) carries only the frames it
   uses, not all of them (hostile pol-let-chain-1200 under ASan). */
__attribute__((noinline)) static void quant(Gen *g, pol_Node *n, int dst)
{
  int base = g->top;
  const char *exp = g->expected;
  g->expected = NULL;
  int rl = reg(g, n->span);
  g->quiet++;
  expr(g, n->a, rl);
  g->quiet--;
  if (g->nitems >= POL_MAX_DEPTH) {
    pol_error(&g->c->diag, n->span, "E0404", "quantifiers nested more than %d deep", POL_MAX_DEPTH);
    g->errors++;
    g->top = base;
    return;
  }
  int wit = -1;
  char buf[512];
  list_display(g, n->a, buf, sizeof buf);
  /* a set literal is walked as the list of its strings */
  if (POL_TKIND(n->a->type) == PK_SET) emit_abc(g, OP_SETLIST, rl, rl, 0);
  if (n->op == Q_COUNT && !n->b) {
    emit_abc(g, OP_LEN, dst, rl, 0);
  } else if (n->op == Q_LATEST || n->op == Q_EARLIEST) {
    int ri = reg(g, n->span);
    int tracked = wit_tracked(g);
    WitBuild wb;
    memset(&wb, 0, sizeof wb);
    uint32_t b = body(g, n->b, ri, 1, tracked ? &wb : NULL);
    uint32_t k = body(g, n->d, ri, 0, tracked ? &wb : NULL);
    uint32_t v = body(g, n->c, ri, 0, tracked ? &wb : NULL);
    /* nothing matching: the list, when it is a fact, is noted missing */
    uint32_t f = n->a->kind == N_NAME && n->a->res == R_FACT ? (uint32_t)fact_slot(g, n->a->decl) + 1 : 0;
    pol_Op op = n->op == Q_LATEST ? OP_LATEST : OP_EARLIEST;
    uint32_t at = g->bufs[g->cur].n;
    emit_abc(g, op, dst, rl, ri);
    emit_extras(g, op, "bkvf", (const uint32_t[]){b, k, v, f});
    if (tracked) wit = new_witness(g, PW_PICK, at, buf, &wb, NULL, ri, b, n->a);
  } else {
    int ri = reg(g, n->span);
    int tracked = n->op != Q_FIRST && wit_tracked(g);   /* `first`: no witness (its item is the first) */
    WitBuild wb;
    memset(&wb, 0, sizeof wb);
    uint32_t b = body(g, n->b, ri, 1, tracked ? &wb : NULL);
    uint32_t key = n->op == Q_COUNTD || n->op == Q_SUM ? body(g, n->c, ri, 0, tracked ? &wb : NULL)
                                                       : POL_NOSTR;
    static const pol_Op ops[] = {OP_EXISTS, OP_EVERY, OP_EXISTS, OP_COUNT, OP_COUNTD, OP_SUM,
                                 OP_LATEST, OP_EARLIEST, OP_FIRST};
    uint32_t at = g->bufs[g->cur].n;
    emit_abc(g, ops[n->op], dst, rl, ri);
    emit_extra(g, b);
    if (n->op == Q_COUNTD || n->op == Q_SUM) emit_extra(g, key);
    if (tracked) {
      pol_WitKind k = n->op == Q_EVERY ? PW_FIRST_FALSE
                    : n->op == Q_EXISTS || n->op == Q_NO ? PW_FIRST_TRUE : PW_COLLECT;
      wit = new_witness(g, k, at, buf, &wb, n->b, ri, b, n->a);
    }
    if (n->op == Q_NO) emit_abc(g, OP_NOT, dst, dst, 0);
  }
  g->top = base;
  g->expected = exp;
  char facts[512] = "";
  if (n->a->kind == N_SET) {
    FactsRead fr = {{0}, 0, {0}, 0};
    facts_read(g, &fr, n, facts, sizeof facts, 0);
  }
  evidence(g, dst, facts[0] ? facts : buf, n, n->span, wit, n);
}

__attribute__((noinline)) static void cover(Gen *g, pol_Node *n, int dst)
{
  if (g->nitems >= POL_MAX_DEPTH) {
    pol_error(&g->c->diag, n->span, "E0404", "quantifiers nested more than %d deep", POL_MAX_DEPTH);
    g->errors++;
    return;
  }
  int base = g->top;
  const char *exp = g->expected;
  g->expected = NULL;
  int rw = reg(g, n->span);
  expr(g, n->a, rw);
  int rl = reg(g, n->span);
  g->quiet++;
  expr(g, n->b, rl);
  g->quiet--;
  int ri = reg(g, n->span);
  int tracked = wit_tracked(g);
  WitBuild wb;
  memset(&wb, 0, sizeof wb);
  uint32_t bp = body(g, n->c, ri, 1, tracked ? &wb : NULL);
  uint32_t bs = body(g, n->d, ri, 0, tracked ? &wb : NULL);
  uint32_t be = body(g, n->e, ri, 0, tracked ? &wb : NULL);
  pol_Op op = n->op == COV_RUN ? OP_RUN : OP_COVER;
  uint32_t at = g->bufs[g->cur].n;
  emit_abc(g, op, dst, rl, ri);
  emit_extras(g, op, "bsew", (const uint32_t[]){bp, bs, be, (uint32_t)rw});
  char buf[512];
  list_display(g, n->b, buf, sizeof buf);
  int wit = tracked ? new_witness(g, PW_COLLECT, at, buf, &wb, NULL, ri, bp, n->b) : -1;
  g->top = base;
  g->expected = exp;
  evidence(g, dst, buf, n, n->span, wit, n);
}

/* if C then A else B: C true, A; false, B; unknown, both, merged (MERGE:
   the value they agree on, or the range holding two numbers). */
static void if_expr(Gen *g, pol_Node *n, int dst)
{
  const char *exp = g->expected;
  g->expected = NULL;
  expr(g, n->a, dst);
  uint32_t jt = emit_jump(g, OP_JTRUE, dst);
  uint32_t jf = emit_jump(g, OP_JFALSE, dst);
  int base = g->top;
  expr(g, n->b, dst);
  int t = reg(g, n->span);
  expr(g, n->c, t);
  emit_abc(g, OP_MERGE, dst, dst, t);
  g->top = base;
  uint32_t j1 = emit_jump(g, OP_JMP, 0);
  patch_jump(g, jf, n->span);
  expr(g, n->c, dst);
  uint32_t j2 = emit_jump(g, OP_JMP, 0);
  patch_jump(g, jt, n->span);
  expr(g, n->b, dst);
  patch_jump(g, j1, n->span);
  patch_jump(g, j2, n->span);
  g->expected = exp;
}

/* longest gap in W of KEY of L where P (docs/language.md, "Contiguity") */
__attribute__((noinline)) static void gap(Gen *g, pol_Node *n, int dst)
{
  if (g->nitems >= POL_MAX_DEPTH) {
    pol_error(&g->c->diag, n->span, "E0404", "quantifiers nested more than %d deep", POL_MAX_DEPTH);
    g->errors++;
    return;
  }
  int base = g->top;
  const char *exp = g->expected;
  g->expected = NULL;
  int rw = reg(g, n->span);
  expr(g, n->a, rw);
  int rl = reg(g, n->span);
  g->quiet++;
  expr(g, n->b, rl);
  g->quiet--;
  int ri = reg(g, n->span);
  int tracked = wit_tracked(g);
  WitBuild wb;
  memset(&wb, 0, sizeof wb);
  uint32_t bp = body(g, n->c, ri, 1, tracked ? &wb : NULL);
  uint32_t bk = body(g, n->d, ri, 0, tracked ? &wb : NULL);
  uint32_t at = g->bufs[g->cur].n;
  emit_abc(g, OP_GAP, dst, rl, ri);
  emit_extras(g, OP_GAP, "bkw", (const uint32_t[]){bp, bk, (uint32_t)rw});
  char buf[512];
  list_display(g, n->b, buf, sizeof buf);
  int wit = tracked ? new_witness(g, PW_COLLECT, at, buf, &wb, NULL, ri, bp, n->b) : -1;
  g->top = base;
  g->expected = exp;
  evidence(g, dst, buf, n, n->span, wit, n);
}

/* sides(s): ["left", "right"] when s is "bilateral", [s] when s is another
   string, unknown when s is (docs/language.md, "Sides"). */
static void sides(Gen *g, pol_Node *n, int dst)
{
  int base = g->top;
  expr(g, n->args, dst);
  uint32_t jk = emit_jump(g, OP_JKNOWN, dst);
  uint32_t jend0 = emit_jump(g, OP_JMP, 0);   /* unknown: stays unknown */
  patch_jump(g, jk, n->span);
  int t1 = reg(g, n->span), t2 = reg(g, n->span);
  pol_Value v = {PV_STR, str_id(g, "bilateral"), {0}};
  emit_abx(g, OP_LOADK, t1, konst(g, v), n->span);
  emit_abc(g, OP_EQ, t1, dst, t1);
  uint32_t jone = emit_jump(g, OP_JFALSE, t1);
  v.aux = str_id(g, "left");
  emit_abx(g, OP_LOADK, t1, konst(g, v), n->span);
  v.aux = str_id(g, "right");
  emit_abx(g, OP_LOADK, t2, konst(g, v), n->span);
  emit_abc(g, OP_LIST, dst, t1, 2);
  uint32_t jend1 = emit_jump(g, OP_JMP, 0);
  patch_jump(g, jone, n->span);
  emit_abc(g, OP_LIST, dst, dst, 1);
  patch_jump(g, jend0, n->span);
  patch_jump(g, jend1, n->span);
  g->top = base;
}

/* A let called with constant arguments only: its body's first evidence
   is the value compared (qualifying(80) >= 2 expects ">= 2"). */
static int const_let_call(Gen *g, pol_Node *n)
{
  if (n->kind != N_CALL || n->res != R_LET) return 0;
  for (pol_Node *a = n->args; a; a = a->next) {
    pol_Value v;
    if (!fold(g, a, g->bind, &v)) return 0;
  }
  return 1;
}

static int is_evidence_source(Gen *g, pol_Node *n)
{
  return (n->kind == N_NAME && (n->res == R_FACT || n->res == R_LET)) || n->kind == N_QUANT ||
         n->kind == N_COVER || n->kind == N_GAP || const_let_call(g, n);
}

/* An operand whose one evidence record says its truth: a bool fact, a
   quantifier (not a count), or `not` of either (*neg).  The node that
   records the evidence, or NULL. */
static const pol_Node *truth_leaf(const pol_Node *n, int *neg)
{
  *neg = 0;
  if (n->kind == N_UNARY && n->op == O_NOT) {
    *neg = 1;
    n = n->a;
  }
  if (n->kind == N_NAME && n->res == R_FACT && POL_TKIND(n->type) == PK_BOOL) return n;
  if (n->kind == N_QUANT && n->op != Q_COUNT && n->op != Q_COUNTD) return n;
  return NULL;
}

/* The operands of a chain of one operator (a or b or c). */
static int chain(pol_Node *n, int op, pol_Node **out, int k, int max)
{
  if (n->kind == N_BINARY && n->op == op) {
    k = chain(n->a, op, out, k, max);
    return chain(n->b, op, out, k, max);
  }
  if (k < max) out[k] = n;
  return k + 1;
}

/* At the root of a criterion, the operands of an `and`, `or` or `at least`
   whose evidence says their truth form a group: the trace then shows only
   the evidence of the operands that decided it (docs/cli.md, "Decisive
   evidence").  Registers the group for ops[0..n) if every operand
   qualifies; 1 if it did (the caller resets g->ngl and g->in_group when the
   operands are compiled). */
static int start_group(Gen *g, pol_Node **ops, int n, pol_GroupKind kind, uint32_t k)
{
  if (g->nitems > 0 || g->quiet > 0 || g->in_group || n < 2 || n > POL_MAX_GROUP) return 0;
  const pol_Node *leaves[POL_MAX_GROUP];
  int neg[POL_MAX_GROUP];
  for (int i = 0; i < n; i++)
    if (!(leaves[i] = truth_leaf(ops[i], &neg[i]))) return 0;
  pol_Program *p = g->p;
  GROWV(p->grp, p->ngrp, g->cap.grp);
  p->grp[p->ngrp++] = (uint32_t)kind | k << 8 | (uint32_t)n << 16;
  for (int i = 0; i < n; i++) {
    g->gl[i].leaf = leaves[i];
    g->gl[i].word = p->ngrp | (neg[i] ? POL_EVGRP_NEG : 0);
  }
  g->ngl = n;
  g->in_group = 1;
  return 1;
}

static void end_group(Gen *g, int started)
{
  if (!started) return;
  g->ngl = 0;
  g->in_group = 0;
}

static uint32_t vset_index(Gen *g, pol_Node *vs);

/* A comparison or membership test whose right operand is a constant (not
   a boolean: LOADB has no constant) compiles to one instruction with the
   constant as its operand (EQK .. GEK, INK; bundle 2.4): its opcode, the
   constant in *kv; else OP__COUNT. */
static pol_Op const_operand_op(Gen *g, pol_Node *n, pol_Value *kv)
{
  static const pol_Op kform[] = {
    [O_EQ] = OP_EQK, [O_NE] = OP_NEK, [O_LT] = OP_LTK, [O_LE] = OP_LEK, [O_GT] = OP_GTK,
    [O_GE] = OP_GEK, [O_IN] = OP_INK, [O_NOTIN] = OP_INK
  };
  if ((size_t)n->op >= sizeof kform / sizeof kform[0] || kform[n->op] == OP_LOADK)   /* 0: none */
    return OP__COUNT;
  if (n->b->kind == N_NAME && n->b->res == R_FACT) return OP__COUNT;   /* as expr_inner */
  if (!fold(g, n->b, g->bind, kv) || kv->tag == PV_BOOL) return OP__COUNT;
  return kform[n->op];
}

__attribute__((noinline)) static void binary(Gen *g, pol_Node *n, int dst)
{
  static const pol_Op cmp[] = {
    [O_EQ] = OP_EQ, [O_NE] = OP_NE, [O_LT] = OP_LT, [O_LE] = OP_LE, [O_GT] = OP_GT,
    [O_GE] = OP_GE, [O_IN] = OP_IN, [O_NOTIN] = OP_IN, [O_WITHIN] = OP_WITHIN,
    [O_COALESCE] = OP_COALESCE, [O_ADD] = OP_ADD, [O_SUB] = OP_SUB, [O_MUL] = OP_MUL,
    [O_DIV] = OP_DIV
  };
  if ((n->op == O_IN || n->op == O_NOTIN) && n->b->res == R_VSET) {
    /* membership in a value set: a binary search over its ranges */
    char ebuf[512];
    g->expected = NULL;
    if (is_evidence_source(g, n->a)) {
      snprintf(ebuf, sizeof ebuf, "%s %s", pol_op_text(n->op), n->b->str);
      g->expected = ebuf;
    }
    expr(g, n->a, dst);
    g->expected = NULL;
    emit_abc(g, OP_INVS, dst, dst, 0);
    emit_extra(g, vset_index(g, n->b->decl));
    if (n->op == O_NOTIN) emit_abc(g, OP_NOT, dst, dst, 0);
    return;
  }
  if (n->op == O_AND || n->op == O_OR) {
    pol_Node *ops[POL_MAX_GROUP + 1];
    int nops = g->in_group ? 0 : chain(n, n->op, ops, 0, POL_MAX_GROUP + 1);
    int grouped = start_group(g, ops, nops, n->op == O_AND ? PG_AND : PG_OR, 0);
    const char *exp = g->expected;
    g->expected = NULL;
    expr(g, n->a, dst);
    uint32_t j = emit_jump(g, n->op == O_AND ? OP_JFALSE : OP_JTRUE, dst);
    int base = g->top;
    int t = reg(g, n->span);
    expr(g, n->b, t);
    emit_abc(g, n->op == O_AND ? OP_AND : OP_OR, dst, dst, t);
    g->top = base;
    patch_jump(g, j, n->span);
    g->expected = exp;
    end_group(g, grouped);
    return;
  }
  if (n->op == O_COALESCE) {
    /* `a ?? b` reads b only when a is unknown: a known a makes b irrelevant,
       so b's facts must not be listed as missing */
    const char *exp = g->expected;
    g->expected = NULL;
    expr(g, n->a, dst);
    uint32_t j = emit_jump(g, OP_JKNOWN, dst);
    expr(g, n->b, dst);
    patch_jump(g, j, n->span);
    g->expected = exp;
    return;
  }
  /* a comparison with a constant tells the trace what was expected */
  char ebuf[512];
  pol_Value kv;
  g->expected = NULL;
  if (n->op >= O_EQ && n->op <= O_WITHIN && is_evidence_source(g, n->a) && fold(g, n->b, g->bind, &kv)) {
    char vb[480];
    value_text(g, kv, vb, sizeof vb);
    snprintf(ebuf, sizeof ebuf, "%s %s", pol_op_text(n->op), vb);
    g->expected = ebuf;
  }
  int base = g->top;
  expr(g, n->a, dst);
  g->expected = NULL;
  pol_Op kop = const_operand_op(g, n, &kv);
  if (kop != OP__COUNT) {
    emit_abx(g, kop, dst, konst(g, kv), n->span);
  } else {
    int t = reg(g, n->span);
    expr(g, n->b, t);
    emit_abc(g, cmp[n->op], dst, dst, t);
  }
  if (n->op == O_NOTIN) emit_abc(g, OP_NOT, dst, dst, 0);
  g->top = base;
}

/* Does the let body n read its parameter k (a name resolved to it; a
   nested let call's arguments are part of the body)? */
static int param_used(const pol_Node *n, int k)
{
  if (!n) return 0;
  if (n->kind == N_NAME && n->res == R_PARAM && n->index == k) return 1;
  const pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++)
    if (param_used(kids[i], k)) return 1;
  for (const pol_Node *a = n->args; a; a = a->next)
    if (param_used(a, k)) return 1;
  return 0;
}

__attribute__((noinline)) static void call(Gen *g, pol_Node *n, int dst)
{
  int base = g->top;
  if (n->res == R_BUILTIN) {
    if (n->index == B_SIDES) { sides(g, n, dst); return; }
    if (n->index == B_MIN || n->index == B_MAX) {
      /* min(a, b, c) = MIN(MIN(a, b), c) */
      expr(g, n->args, dst);
      int t = reg(g, n->span);
      for (pol_Node *a = n->args->next; a; a = a->next) {
        expr(g, a, t);
        emit_abc(g, n->index == B_MIN ? OP_MIN : OP_MAX, dst, dst, t);
      }
      g->top = base;
      return;
    }
    expr(g, n->args, dst);
    switch (n->index) {
    case B_FLOOR: emit_abc(g, OP_FLOOR, dst, dst, 0); break;
    case B_START_OF: emit_abc(g, OP_WPART, dst, dst, 0); break;
    case B_END_OF: emit_abc(g, OP_WPART, dst, dst, 1); break;
    case B_DAYS: emit_abc(g, OP_DUR, dst, dst, 0); break;
    case B_WEEKS: emit_abc(g, OP_DUR, dst, dst, 1); break;
    case B_YEARS: emit_abc(g, OP_DUR, dst, dst, 2); break;
    case B_CAL_MONTH: emit_abc(g, OP_CALWIN, dst, dst, 0); break;
    case B_CAL_QUARTER: emit_abc(g, OP_CALWIN, dst, dst, 1); break;
    case B_CAL_YEAR: emit_abc(g, OP_CALWIN, dst, dst, 2); break;
    case B_PERIODS: {
      int t = reg(g, n->span);
      expr(g, n->args->next, t);
      emit_abc(g, OP_PERIODS, dst, dst, t);
      g->top = base;
      break;
    }
    default: emit_abc(g, OP_KNOWN, dst, dst, 0); break;
    }
    return;
  }
  int np = 0;
  for (pol_Node *a = n->args; a; a = a->next) np++;
  int first = g->top;
  for (int i = 0; i < np; i++) reg(g, n->span);
  int i = 0;
  for (pol_Node *a = n->args; a; a = a->next, i++) {
    pol_Value v;
    /* a constant argument of a let is folded wherever the body uses it;
       one its body never uses is not evaluated (its facts are neither
       evidence nor missing: they cannot change the result) */
    if (n->res == R_LET && fold(g, a, g->bind, &v)) continue;
    if (n->res == R_LET && !param_used(n->decl->a, i)) continue;
    expr(g, a, first + i);
  }
  if (n->res == R_EXTERN) {
    uint32_t ext = 0;
    while (g->extdecl[ext] != n->decl) ext++;
    /* B names the first argument register; with none, any valid one */
    emit_abc(g, OP_CALLX, dst, np ? first : dst, np);
    emit_extra(g, ext);
  } else {
    Bind nb = {n->decl->args, n->args, g->bind, {0}};
    for (int k = 0; k < np && k < 8; k++) nb.regs[k] = first + k;
    const Bind *saved = g->bind;
    int saved_items = g->nitems;
    g->bind = &nb;
    expr(g, n->decl->a, dst);
    g->bind = saved;
    g->nitems = saved_items;
  }
  g->top = base;
}

static void expr_inner(Gen *g, pol_Node *n, int dst);

/* The constant of a table value (a literal, or the negation of a number:
   check.c check_table). */
static pol_Value table_value(Gen *g, const pol_Node *v)
{
  pol_Value r = pol_unk();
  switch (v->kind) {
  case N_NUM: return pol_num(v->num);
  case N_UNARY: return pol_num(-v->a->num);
  case N_STR: r.tag = PV_STR; r.aux = str_id(g, v->str); return r;
  case N_DATE: return pol_date(v->ival);
  case N_BOOL: return pol_bool(v->ival);
  case N_DUR: r.tag = PV_DUR; r.u.r.lo = v->ival; r.u.r.hi = v->ival2; return r;
  default: return r;   /* the checker allows no other */
  }
}

/* TABLE[KEY]: the keys as a constant set, then one constant per key in the
   set's order and the default (or the reason a key is absent), contiguous:
   LOOKUP finds the key's place by a binary search. */
__attribute__((noinline)) static void lookup(Gen *g, pol_Node *n, int dst)
{
  const pol_Node *t = n->a->decl;
  pol_Program *p = g->p;
  const char *exp = g->expected;
  g->expected = NULL;
  expr(g, n->b, dst);
  g->expected = exp;
  pol_Node *keys = NULL, *dflt = NULL;
  for (pol_Node *e = t->args; e; e = e->next) {
    if (e->flags & 1) { dflt = e; continue; }
    pol_Node *k = pol_node(g->c->arena, N_STR, e->span);
    k->str = e->str;
    pol_list_append(&keys, k);
  }
  uint32_t set = make_set(g, keys);
  uint32_t k0 = p->nk, nkeys = p->setn[set];
  for (uint32_t i = 0; i < nkeys; i++) {
    const char *key = p->str[p->setitems[p->set0[set] + i]];
    const pol_Node *e = t->args;
    while (e && ((e->flags & 1) || strcmp(e->str, key) != 0)) e = e->next;
    pol_Value v = table_value(g, e ? e->a : NULL);
    if (v.tag == PV_STR) v.u.s = p->str[v.aux];
    GROWV(p->k, p->nk, g->cap.k);
    p->k[p->nk++] = v;
  }
  pol_Value last;
  if (dflt) {
    last = table_value(g, dflt->a);
  } else {
    char why[300];
    snprintf(why, sizeof why, "table %s: no entry for the key", t->str);
    last.tag = PV_STR;
    last.aux = str_id(g, why);
    memset(&last.u, 0, sizeof last.u);
  }
  if (last.tag == PV_STR) last.u.s = p->str[last.aux];
  GROWV(p->k, p->nk, g->cap.k);
  p->k[p->nk++] = last;
  emit_abc(g, OP_LOOKUP, dst, dst, dflt ? 1 : 0);
  emit_extras(g, OP_LOOKUP, "tK", (const uint32_t[]){set, k0});
}

/* The register holding n when n is an item (`it`, a named item) or a let
   parameter, which expr() would only copy with MOVE; else -1. */
static int field_source(Gen *g, const pol_Node *n)
{
  if (n->kind == N_IT || (n->kind == N_NAME && n->res == R_ITEM))
    return g->items[g->nitems - 1 - n->depth];
  if (n->kind == N_NAME && n->res == R_PARAM) return g->bind->regs[n->index];
  return -1;
}

static void expr(Gen *g, pol_Node *n, int dst)
{
  if (!enter(g, n)) return;
  expr_inner(g, n, dst);
  g->depth--;
}

static void expr_inner(Gen *g, pol_Node *n, int dst)
{
  pol_Value v;
  char buf[512];
  if (n->kind != N_NAME || n->res != R_FACT) {
    if (fold(g, n, g->bind, &v)) {
      if (v.tag == PV_BOOL) emit_abc(g, OP_LOADB, dst, (int)v.aux, 0);
      else emit_abx(g, OP_LOADK, dst, konst(g, v), n->span);
      return;
    }
    if (g->too_big) return;   /* fold gave up: a literal is not compiled below */
  }
  switch (n->kind) {
  case N_NAME:
    switch (n->res) {
    case R_FACT:
      emit_abx(g, OP_FACT, dst, (uint32_t)fact_slot(g, n->decl), n->span);
      if (!g->expected && POL_TKIND(n->type) == PK_BOOL) g->expected = "true";
      evidence(g, dst, fact_display(g, n->decl, buf, sizeof buf), NULL, n->span, -1, n);
      return;
    case R_LET: {
      const Bind *saved = g->bind;
      g->bind = NULL;
      expr(g, n->decl->a, dst);
      g->bind = saved;
      return;
    }
    case R_PARAM: {
      /* the argument was evaluated by the caller into a register */
      const Bind *b = g->bind;
      emit_abc(g, OP_MOVE, dst, b->regs[n->index], 0);
      return;
    }
    case R_FIELD:
      emit_abc(g, OP_FIELD, dst, g->items[g->nitems - 1 - n->depth], n->index);
      wit_field(g, g->nitems - 1 - n->depth, n->index);
      return;
    case R_ITEM:
      emit_abc(g, OP_MOVE, dst, g->items[g->nitems - 1 - n->depth], 0);
      return;
    case R_EACH:
      emit_abc(g, OP_CUR, dst, 0, 0);
      evidence(g, dst, n->str, NULL, n->span, -1, n);
      return;
    default: abort();
    }
  case N_IT:
    emit_abc(g, OP_MOVE, dst, g->items[g->nitems - 1 - n->depth], 0);
    return;
  case N_FIELD: {
    /* a field of an item or a parameter is read from its register, not
       from a copy of it */
    int src = field_source(g, n->a);
    if (src < 0) {
      expr(g, n->a, dst);
      src = dst;
    }
    emit_abc(g, OP_FIELD, dst, src, n->index);
    if (n->a->kind == N_IT || (n->a->kind == N_NAME && n->a->res == R_ITEM))
      wit_field(g, g->nitems - 1 - n->a->depth, n->index);
    return;
  }
  case N_CALL: call(g, n, dst); return;
  case N_UNARY: {
    if (n->op == O_NOT && g->expected == NULL && n->a->kind == N_NAME && n->a->res == R_FACT)
      g->expected = "false";
    expr(g, n->a, dst);
    emit_abc(g, n->op == O_NOT ? OP_NOT : OP_NEG, dst, dst, 0);
    return;
  }
  case N_BINARY:
    if (n->c) { expr(g, n->c, dst); return; }   /* min/max compared: its lowered form (check.c) */
    binary(g, n, dst);
    return;
  case N_WINDOW: {
    int base = g->top;
    expr(g, n->a, dst);
    int t = reg(g, n->span);
    expr(g, n->b, t);
    emit_abc(g, OP_WINDOW, dst, dst, t);
    g->top = base;
    return;
  }
  case N_QUANT: quant(g, n, dst); return;
  case N_COVER: cover(g, n, dst); return;
  case N_IF: if_expr(g, n, dst); return;
  case N_UNKNOWN: {
    pol_Value why = {PV_STR, str_id(g, n->str), {0}};
    emit_abx(g, OP_UNKNOWN, dst, konst(g, why), n->span);
    return;
  }
  case N_LOOKUP: lookup(g, n, dst); return;
  case N_GAP: gap(g, n, dst); return;
  case N_ATLEAST: {
    int base = g->top, np = 0;
    pol_Node *ops[POL_MAX_GROUP];
    for (pol_Node *a = n->args; a; a = a->next, np++)
      if (np < POL_MAX_GROUP) ops[np] = a;
    int grouped = start_group(g, ops, np, PG_ATLEAST, (uint32_t)(n->num / POL_DEC_SCALE));
    int first = g->top;
    for (int i = 0; i < np; i++) reg(g, n->span);
    int i = 0;
    for (pol_Node *a = n->args; a; a = a->next, i++) {
      g->expected = NULL;
      expr(g, a, first + i);
    }
    emit_abc(g, OP_ATLEAST, dst, first, np);
    emit_extra(g, (uint32_t)(n->num / POL_DEC_SCALE));   /* checked: 1 .. POL_MAX_ARGS */
    g->top = base;
    end_group(g, grouped);
    return;
  }
  case N_NUM: case N_STR: case N_DATE: case N_DUR: case N_BOOL: case N_SET: case N_POLICY:
  case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF: case N_FACT:
  case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG: case N_FOREACH:
  case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE:
    break;   /* literals are folded above; the rest are not expressions */
  }
  abort();
}

/* Compiles a root expression (criterion body, branch condition). */
static uint32_t root(Gen *g, pol_Node *e)
{
  uint32_t first = new_block(g);
  g->cur = first;
  g->top = g->max = 0;
  g->reg_reported = 0;
  g->nitems = 0;
  g->bind = NULL;
  g->expected = NULL;
  g->depth = 0;
  g->steps = 0;
  g->too_big = 0;
  int r = reg(g, e->span);
  expr(g, e, r);
  emit_abc(g, OP_RET, r, 0, 0);
  for (uint32_t b = first; b < g->p->nblocks; b++) g->p->blocks[b].nregs = (uint32_t)g->max;
  return first;
}

/* ---- criteria, branches, policies -------------------------------------- */

static void linecol(Gen *g, const pol_Source *src, uint32_t off, int *line, int *col)
{
  if (g->lc_src != src || off < g->lc_off) {
    g->lc_src = src;
    g->lc_off = 0;
    g->lc_line = g->lc_col = 1;
  }
  if (off > src->len) off = (uint32_t)src->len;
  for (uint32_t i = g->lc_off; i < off; i++) {
    if (src->text[i] == '\n') { g->lc_line++; g->lc_col = 1; }
    else g->lc_col++;
  }
  g->lc_off = off;
  *line = g->lc_line;
  *col = g->lc_col;
}

static void chosen_of(Gen *g, pol_PolicyUnit *u, uint32_t ci, const pol_Node *e);

static uint32_t criterion(Gen *g, pol_PolicyUnit *u, pol_Node *cl, uint32_t parent)
{
  pol_Program *p = g->p;
  GROWV(p->crit, p->ncrit, g->cap.crit);
  uint32_t idx = p->ncrit++;
  pol_Crit cr;
  memset(&cr, 0, sizeof cr);
  int line, col;
  linecol(g, u->src, cl->span.start, &line, &col);
  cr.id = str_id(g, cl->str);
  cr.text = str_id(g, cl->text);
  cr.file = str_id(g, u->src->name);
  cr.line = (uint32_t)line;
  cr.col = (uint32_t)col;
  cr.kind = cl->op == C_LEAF ? PC_LEAF : cl->op == C_ALL ? PC_ALL : cl->op == C_ANY ? PC_ANY : PC_ATLEAST;
  cr.k = (uint32_t)cl->ival;
  cr.flags = ((cl->flags & CF_EXCLUSION) ? POL_CRIT_EXCLUSION : 0) |
             ((cl->flags & CF_PREREQ) ? POL_CRIT_PREREQ : 0);
  cr.parent = parent;
  cr.cite = cl->cite ? str_id(g, cl->cite) : POL_NOSTR;
  cr.tags = cl->tagbits;
  cr.next = cl->next_step ? str_id(g, cl->next_step) : POL_NOSTR;
  cr.block = POL_NOSTR;
  cr.english = POL_NOSTR;
  if (cl->op == C_LEAF) {
    char *en = pol_doc_english(g->c, u, cl->a);
    cr.english = str_id(g, en);
    free(en);
    chosen_of(g, u, idx, cl->a);
  }
  p->crit[idx] = cr;
  if (cl->op == C_LEAF) {
    uint32_t b = root(g, cl->a);
    p->crit[idx].block = b;
    return idx;
  }
  uint32_t kids[256];
  uint32_t nk = 0;
  for (pol_Node *k = cl->b; k; k = k->next) {
    if (k->kind != N_CRITERION) continue;
    if (nk == 256) {   /* never drop a criterion silently */
      pol_error(&g->c->diag, k->span, "E0407", "more than 256 sub-criteria in criterion \"%s\"", cl->str);
      g->errors++;
      break;
    }
    kids[nk++] = criterion(g, u, k, idx);
  }
  p->crit[idx].child0 = p->nchildren;
  p->crit[idx].nchildren = nk;
  for (uint32_t i = 0; i < nk; i++) {
    GROWV(p->crit_children, p->nchildren, g->cap.crit_children);
    p->crit_children[p->nchildren++] = kids[i];
  }
  return idx;
}

static void dec_word(Gen *g, uint32_t w)
{
  GROWV(g->p->dec, g->p->ndec, g->cap.dec);
  g->p->dec[g->p->ndec++] = w;
}

static void dcond(Gen *g, const pol_Node *d)
{
  static const pol_DecOp ops[] = {
    [D_FAILED] = PDC_FAILED, [D_UNKNOWN] = PDC_UNKNOWN, [D_ANY_FAILED_TAG] = PDC_ANY_FAILED_TAG,
    [D_EVERY_FAILED_TAG] = PDC_EVERY_FAILED_TAG, [D_ANY_UNKNOWN_TAG] = PDC_ANY_UNKNOWN_TAG,
    [D_AND] = PDC_AND, [D_OR] = PDC_OR, [D_NOT] = PDC_NOT
  };
  if (d->a) dcond(g, d->a);
  if (d->b) dcond(g, d->b);
  uint32_t arg = d->op >= D_ANY_FAILED_TAG && d->op <= D_ANY_UNKNOWN_TAG ? (uint32_t)d->index : 0;
  dec_word(g, (uint32_t)ops[d->op] << 24 | arg);
}

static uint32_t dcond_len(const pol_Node *d)
{
  return d ? 1 + dcond_len(d->a) + dcond_len(d->b) : 0;
}

static void decision(Gen *g, const pol_Node *dec)
{
  for (const pol_Node *r = dec->args; r; r = r->next) {
    dec_word(g, (uint32_t)pol_outcome(r->str) | dcond_len(r->a) << 8);
    if (r->a) dcond(g, r->a);
  }
}

/* Appends a compiled value set to the program's value sets (VSET);
   returns its index. */
static uint32_t vset_emit(Gen *g, const char *name, const char *title, const pol_VSetC *v)
{
  pol_Program *p = g->p;
  GROWV(p->vs, p->nvs, g->cap.vs);
  pol_VSet *o = &p->vs[p->nvs];
  o->name = str_id(g, name);
  o->title = str_id(g, title ? title : "");
  o->system = v->system;
  o->r0 = p->nvsr;
  o->nr = v->n;
  for (uint32_t i = 0; i < v->n; i++) {
    GROWV(p->vsr, p->nvsr, g->cap.vsr);
    p->vsr[p->nvsr].lo = str_id(g, v->lo[i]);
    p->vsr[p->nvsr].hi = str_id(g, v->hi[i]);
    p->nvsr++;
  }
  return p->nvs++;
}

/* The index of value set vs (N_VALUESET) in the program, emitted the
   first time it is used. */
static uint32_t vset_index(Gen *g, pol_Node *vs)
{
  if (vs->index == 0) vs->index = (int)vset_emit(g, vs->str, vs->text, vs->vset) + 1;
  return (uint32_t)vs->index - 1;
}

/* Appends the string ids of a header list (codes, plans) to codes[]: its
   plain codes (families, ranges and value sets route by VSET); returns
   how many. */
static uint32_t code_list(Gen *g, const pol_Node *list)
{
  uint32_t n = 0;
  for (; list; list = list->next) {
    if (list->kind != N_STR || strchr(list->str, '*')) continue;
    n++;
    uint32_t id = str_id(g, list->str);
    GROWV(g->p->codes, g->p->ncodes, g->cap.codes);
    g->p->codes[g->p->ncodes++] = id;
  }
  return n;
}

/* What a line no branch applies to gets (refer unless the policy says),
   and why: the policy's text, or a reason naming the policy and the
   conditions of its branches. */
static void otherwise(Gen *g, pol_PolicyUnit *u, uint32_t pi)
{
  pol_Program *p = g->p;
  const pol_Node *o = u->otherwise;
  p->pol[pi].otherwise = o ? (uint32_t)pol_outcome(o->str) : PO_REFER;
  if (o && o->text) {
    p->pol[pi].otherwise_text = str_id(g, o->text);
    return;
  }
  size_t cap = 256, n = 0;
  char *t = malloc(cap);
  if (!t) { fputs("polc: out of memory\n", stderr); abort(); }
  n = (size_t)snprintf(t, cap, "No branch of policy %s applies to this line; its branches:", u->id);
  int first = 1;
  for (uint32_t b = p->pol[pi].branch0; b < p->nbranches; b++) {
    const pol_Branch *br = &p->branches[b];
    if (br->aspect != POL_NOSTR) continue;
    const char *name = p->str[br->name], *when = p->str[br->when];
    size_t need = n + strlen(name) + strlen(when) + 16;
    if (need > cap) {
      while (cap < need) cap *= 2;
      if (!(t = realloc(t, cap))) { fputs("polc: out of memory\n", stderr); abort(); }
    }
    n += (size_t)snprintf(t + n, cap - n, "%s %s when %s", first ? "" : ";", name, when);
    first = 0;
  }
  p->pol[pi].otherwise_text = str_id(g, t);
  free(t);
}

/* The AUTH entries of branch bi, in field order (the verifier wants them
   sorted by branch and field). */
static void authorize(Gen *g, const pol_Node *br, uint32_t bi)
{
  pol_Program *p = g->p;
  for (int f = 0; f < POL_AUTH__COUNT; f++)
    for (pol_Node *fl = br->b; fl; fl = fl->next) {
      if (fl->index != f) continue;
      uint32_t blk = root(g, fl->a);
      GROWV(p->auth, p->nauth, g->cap.auth);
      pol_Auth *a = &p->auth[p->nauth++];
      a->branch = bi;
      a->field = (uint32_t)f;
      a->block = blk;
      a->reqfact = g->reqfact[f];
      break;
    }
}

/* The reviewer-chosen params (`param`) expression n reads, directly or
   through lets, appended to out (each once; at most cap).  Lets are
   acyclic (check.c, E0207) and the walk visits a let once per criterion. */
typedef struct Chosen {
  const pol_Node *par[POL_MAX_CHOSEN];
  int npar;
  const pol_Node *seen[POL_MAX_CHOSEN_LETS];
  int nseen;
} Chosen;

static void chosen_walk(Chosen *ch, const pol_Node *n, int depth)
{
  if (!n || depth > MAX_GEN_DEPTH) return;
  if ((n->kind == N_NAME || n->kind == N_CALL) && n->res == R_LET && n->decl) {
    const pol_Node *d = n->decl;
    int seen = 0;
    for (int i = 0; i < ch->nseen; i++) seen |= ch->seen[i] == d;
    if (!seen) {
      if (ch->nseen < POL_MAX_CHOSEN_LETS) ch->seen[ch->nseen++] = d;
      if (d->flags & POL_LET_PARAM) {
        if (ch->npar < POL_MAX_CHOSEN) ch->par[ch->npar++] = d;
      } else {
        chosen_walk(ch, d->a, depth + 1);
      }
    }
  }
  const pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) chosen_walk(ch, kids[i], depth + 1);
  for (const pol_Node *k = n->args; k; k = k->next) chosen_walk(ch, k, depth + 1);
}

/* Section PARM: the params leaf criterion ci (expression e) reads. */
static void chosen_of(Gen *g, pol_PolicyUnit *u, uint32_t ci, const pol_Node *e)
{
  Chosen ch = {{0}, 0, {0}, 0};
  chosen_walk(&ch, e, 0);
  for (int i = 0; i < ch.npar; i++) {
    GROWV(g->p->chosen, g->p->nchosen, g->cap.chosen);
    pol_Chosen *s = &g->p->chosen[g->p->nchosen++];
    s->crit = ci;
    s->name = str_id(g, ch.par[i]->str);
    char *v = pol_doc_english(g->c, u, ch.par[i]->a);
    s->value = str_id(g, v);
    free(v);
    s->why = str_id(g, ch.par[i]->text ? ch.par[i]->text : "");
  }
}

/* PARM is sorted by criterion: criteria are numbered before their leaves
   are compiled, so sort what the leaves appended (stable). */
static void chosen_sort(pol_Program *p)
{
  for (uint32_t i = 1; i < p->nchosen; i++) {
    pol_Chosen x = p->chosen[i];
    uint32_t j = i;
    for (; j > 0 && p->chosen[j - 1].crit > x.crit; j--) p->chosen[j] = p->chosen[j - 1];
    p->chosen[j] = x;
  }
}

static void step(Gen *g, uint32_t pi, uint32_t branch, const char *text)
{
  GROWV(g->p->steps, g->p->nsteps, g->cap.steps);
  pol_Step *s = &g->p->steps[g->p->nsteps++];
  s->policy = pi;
  s->branch = branch;
  s->text = str_id(g, text);
}

/* The `next` steps of the policy (top-level items), then of its branches,
   in source order (pol_Step). */
static void steps(Gen *g, pol_PolicyUnit *u, uint32_t pi)
{
  for (pol_Node *it = u->src->items; it; it = it->next)
    if (it->kind == N_STR) step(g, pi, POL_NOSTR, it->str);
  uint32_t b = g->p->pol[pi].branch0;
  for (pol_Node *it = u->src->items; it; it = it->next) {
    if (it->kind != N_BRANCH) continue;
    for (pol_Node *cl = it->args; cl; cl = cl->next)
      if (cl->kind == N_STR) step(g, pi, b, cl->str);
    b++;
  }
}

/* Does prerequisite pr govern main branch br: it names no branch (the
   whole policy), or names br. */
static int governs(const pol_Node *pr, const pol_Node *br)
{
  if (!pr->e) return 1;
  for (const pol_Node *s = pr->e; s; s = s->next)
    if (strcmp(s->str, br->str) == 0) return 1;
  return 0;
}

static void policy(Gen *g, pol_PolicyUnit *u)
{
  pol_Program *p = g->p;
  GROWV(p->pol, p->npol, g->cap.pol);
  pol_Policy *pp = &p->pol[p->npol++];
  memset(pp, 0, sizeof *pp);
  uint32_t pi = p->npol - 1;
  p->pol[pi].id = str_id(g, u->id);
  p->pol[pi].title = str_id(g, u->title ? u->title : "");
  p->pol[pi].version = str_id(g, u->version ? u->version : "");
  p->pol[pi].source = str_id(g, u->source ? u->source : "");
  p->pol[pi].effective = u->effective;
  p->pol[pi].code0 = p->ncodes;
  p->pol[pi].ncodes = code_list(g, u->codes);
  p->pol[pi].plan0 = p->ncodes;
  p->pol[pi].nplans = code_list(g, u->plans);
  if (u->route) {   /* policies before the first with ranges route by none */
    uint32_t r = vset_emit(g, u->id, "codes", u->route);
    while (p->npolvs < pi) {
      GROWV(p->polvs, p->npolvs, g->cap.polvs);
      p->polvs[p->npolvs++] = POL_NOSTR;
    }
    GROWV(p->polvs, p->npolvs, g->cap.polvs);
    p->polvs[p->npolvs++] = r;
  }
  p->pol[pi].crit0 = p->ncrit;
  p->pol[pi].branch0 = p->nbranches;
  p->pol[pi].tag0 = p->ntagnames;
  for (int t = 0; t < u->ntags; t++) {
    GROWV(p->tagnames, p->ntagnames, g->cap.tagnames);
    p->tagnames[p->ntagnames++] = str_id(g, u->tags[t]);
  }
  p->pol[pi].ntags = (uint32_t)u->ntags;
  /* the prerequisites first: each is one criterion of the policy, listed
     first among the top-level criteria of every main branch it governs */
  uint32_t pre[1024];
  pol_Node *pren[1024];
  uint32_t npre = 0;
  for (pol_Node *it = u->src->items; it; it = it->next) {
    if (it->kind != N_CRITERION) continue;
    if (npre == 1024) {
      pol_error(&g->c->diag, it->span, "E0405", "more than 1024 prerequisites in a policy");
      g->errors++;
      break;
    }
    pren[npre] = it;
    pre[npre++] = criterion(g, u, it, POL_NOSTR);
  }
  for (pol_Node *it = u->src->items; it; it = it->next) {
    if (it->kind != N_BRANCH) continue;
    uint32_t cond = root(g, it->a);
    uint32_t tops[1024], items[1024];
    uint32_t nt = 0, ni = 0, each = POL_NOSTR;
    for (uint32_t j = 0; j < npre && !it->path; j++)
      if (governs(pren[j], it)) tops[nt++] = pre[j];
    for (pol_Node *cl = it->args; cl; cl = cl->next) {
      if (cl->kind == N_STR) continue;   /* a `next` step */
      if (cl->kind == N_FOREACH) {
        each = root(g, cl->a);
        for (pol_Node *k = cl->args; k; k = k->next) {
          if (ni == 1024) {
            pol_error(&g->c->diag, k->span, "E0405", "more than 1024 criteria in a 'for each'");
            g->errors++;
            break;
          }
          items[ni++] = criterion(g, u, k, POL_NOSTR);
        }
        continue;
      }
      uint32_t ci = criterion(g, u, cl, POL_NOSTR);
      if (nt < 1024) tops[nt++] = ci;
      else {
        pol_error(&g->c->diag, cl->span, "E0405", "more than 1024 top-level criteria in a branch");
        g->errors++;
      }
    }
    GROWV(p->branches, p->nbranches, g->cap.branches);
    pol_Branch *b = &p->branches[p->nbranches++];
    memset(b, 0, sizeof *b);
    char wbuf[512];
    b->name = str_id(g, it->str);
    b->text = str_id(g, it->text);
    b->aspect = it->path ? str_id(g, it->path) : POL_NOSTR;
    b->cond = cond;
    b->when = str_id(g, source_text(g, it->a, wbuf, sizeof wbuf));
    b->each = each;
    b->crit0 = p->nbranch_crit;
    b->ncrit = nt;
    for (uint32_t i = 0; i < nt; i++) {
      GROWV(p->branch_crit, p->nbranch_crit, g->cap.branch_crit);
      p->branch_crit[p->nbranch_crit++] = tops[i];
    }
    b = &p->branches[p->nbranches - 1];
    b->ecrit0 = p->nbranch_crit;
    b->necrit = ni;
    for (uint32_t i = 0; i < ni; i++) {
      GROWV(p->branch_crit, p->nbranch_crit, g->cap.branch_crit);
      p->branch_crit[p->nbranch_crit++] = items[i];
    }
    authorize(g, it, p->nbranches - 1);
  }
  p->pol[pi].nbranches = p->nbranches - p->pol[pi].branch0;
  steps(g, u, pi);
  p->pol[pi].ncrit = p->ncrit - p->pol[pi].crit0;
  p->pol[pi].dec0 = p->ndec;
  if (u->decision) decision(g, u->decision);
  p->pol[pi].ndec = p->ndec - p->pol[pi].dec0;
  otherwise(g, u, pi);
}

/* Section NOTE: the bundle's denials rule and the plan declarations
   (check.c check_plan has checked their settings). */
static void plans(Gen *g)
{
  pol_Program *p = g->p;
  static const char *const keys[] = {
#define NOTICE_TEXT(N, key, heading, dflt) key,
#include "../vm/notice_texts.def"
#undef NOTICE_TEXT
  };
  p->denials = g->c->denials_recommended ? POL_DENIALS_RECOMMENDED : POL_DENIALS_FINAL;
  for (int i = 0; i < g->c->nplans; i++) {
    const pol_Node *pl = g->c->plans[i];
    GROWV(p->plandecl, p->nplandecl, g->cap.plandecl);
    pol_PlanDecl *d = &p->plandecl[p->nplandecl++];
    d->name = str_id(g, pl->str);
    d->denials = POL_DENIALS_BUNDLE;
    for (int t = 0; t < POL_NT__COUNT; t++) d->text[t] = POL_NOSTR;
    for (const pol_Node *h = pl->args; h; h = h->next) {
      if (strcmp(h->str, "denials") == 0 && h->text)
        d->denials = strcmp(h->text, "recommended") == 0 ? POL_DENIALS_RECOMMENDED : POL_DENIALS_FINAL;
      for (int t = 0; t < POL_NT__COUNT; t++)
        if (!h->text && h->args && strcmp(h->str, keys[t]) == 0) d->text[t] = str_id(g, h->args->str);
    }
  }
}

/* Record types and their display paths ("injections[]", "imaging[].findings[]"). */
static void record_paths(Gen *g, uint32_t *paths)
{
  pol_Compiler *c = g->c;
  for (int r = 0; r < c->nrecords; r++) paths[r] = POL_NOSTR;
  char buf[1024];
  for (uint32_t i = 0; i < g->p->nfacts; i++) {
    uint32_t t = g->p->facts[i].type;
    if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && paths[POL_TREC(t)] == POL_NOSTR) {
      snprintf(buf, sizeof buf, "%s[]", g->p->str[g->p->facts[i].path]);
      if (g->p->facts[i].scope == POL_SCOPE_LINE) {
        char b2[1100];
        snprintf(b2, sizeof b2, "request.procedures[].%s", buf);
        paths[POL_TREC(t)] = str_id(g, b2);
        continue;
      }
      paths[POL_TREC(t)] = str_id(g, buf);
    }
  }
  /* nested lists: a field of list<Rec> inside a record with a path */
  for (int pass = 0; pass < 4; pass++)
    for (int r = 0; r < c->nrecords; r++) {
      if (paths[r] == POL_NOSTR) continue;
      for (pol_Node *f = c->records[r]->args; f; f = f->next)
        if (POL_TKIND(f->type) == PK_LIST && POL_TELEM(f->type) == PK_REC &&
            paths[POL_TREC(f->type)] == POL_NOSTR) {
          snprintf(buf, sizeof buf, "%s.%s[]", g->p->str[paths[r]], f->str);
          paths[POL_TREC(f->type)] = str_id(g, buf);
        }
    }
  for (int r = 0; r < c->nrecords; r++)
    if (paths[r] == POL_NOSTR) paths[r] = str_id(g, c->records[r]->str);
}

/* The fact slots by path string id: open addressing, at most half full. */
static void fact_add(Gen *g, uint32_t f)
{
  if ((g->p->nfacts + 1) * 2 > g->facts.cap) {
    uint32_t ncap = g->facts.cap ? g->facts.cap * 2 : 256;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) abort();
    for (uint32_t i = 0; i < g->p->nfacts; i++) {
      uint32_t h = (g->p->facts[i].path * 2654435761u) & (ncap - 1);
      while (ns[h]) h = (h + 1) & (ncap - 1);
      ns[h] = i + 1;
    }
    free(g->facts.slot);
    g->facts.slot = ns;
    g->facts.cap = ncap;
  }
  uint32_t h = (g->p->facts[f].path * 2654435761u) & (g->facts.cap - 1);
  while (g->facts.slot[h]) h = (h + 1) & (g->facts.cap - 1);
  g->facts.slot[h] = f + 1;
}

/* The slot of a fact with this path, type and scope, or -1. */
static int fact_find(Gen *g, uint32_t path, uint32_t type, uint8_t scope)
{
  if (!g->facts.cap) return -1;
  for (uint32_t h = (path * 2654435761u) & (g->facts.cap - 1); g->facts.slot[h];
       h = (h + 1) & (g->facts.cap - 1)) {
    const pol_Fact *f = &g->p->facts[g->facts.slot[h] - 1];
    if (f->path == path && f->type == type && f->scope == scope) return (int)(g->facts.slot[h] - 1);
  }
  return -1;
}

static void collect_scope(Gen *g, pol_Scope *s, uint32_t *capf, uint32_t *capx)
{
  pol_Program *p = g->p;
  for (int i = 0; i < s->n; i++) {
    pol_Node *d = s->decls[i];
    if (d->kind == N_FACT) {
      int line = strncmp(d->path, "line.", 5) == 0;
      uint32_t path = str_id(g, line ? d->path + 5 : d->path);
      uint8_t scope = line ? POL_SCOPE_LINE : POL_SCOPE_CASE;
      /* facts of the same path, type and scope (many policies declare
         `fact bmi: number = patient.bmi`) share one slot: the case loads
         each once, so its cost follows the distinct facts, not the files */
      int same = fact_find(g, path, d->type, scope);
      if (same >= 0) {
        d->index = same;
        continue;
      }
      GROWV(p->facts, p->nfacts, *capf);
      g->factdecl = realloc(g->factdecl, (size_t)*capf * sizeof *g->factdecl);
      if (!g->factdecl) abort();
      p->facts[p->nfacts].name = str_id(g, d->str);
      p->facts[p->nfacts].path = path;
      p->facts[p->nfacts].type = d->type;
      p->facts[p->nfacts].scope = scope;
      d->index = (int)p->nfacts;   /* its slot, for the AST evaluator */
      fact_add(g, p->nfacts);
      g->factdecl[p->nfacts++] = d;
    } else if (d->kind == N_EXTERN) {
      GROWV(p->ext, p->next, *capx);
      g->extdecl = realloc(g->extdecl, (size_t)*capx * sizeof *g->extdecl);
      if (!g->extdecl) abort();
      pol_Extern *e = &p->ext[p->next];
      memset(e, 0, sizeof *e);
      e->name = str_id(g, d->str);
      e->lib = str_id(g, d->text);
      e->ret = d->type;
      for (pol_Node *a = d->args; a && e->nargs < 8; a = a->next) e->args[e->nargs++] = a->type;
      g->extdecl[p->next++] = d;
      /* its library, once: polc pins its SHA-256 (pol_extern_pin) */
      uint32_t x = 0;
      while (x < p->nxlib && p->xlib[x].lib != e->lib) x++;
      if (x == p->nxlib) {
        pol_ExternLib *nx = realloc(p->xlib, (p->nxlib + 1) * sizeof *nx);
        if (!nx) abort();
        p->xlib = nx;
        memset(&nx[x], 0, sizeof nx[x]);
        nx[x].lib = e->lib;
        p->nxlib++;
      }
    }
  }
}

/* The line facts holding what a request line asked for, one per field
   some `authorize` block states (vm/authfields.def: request.procedures[]
   .units, .period_start, ...): shared with a policy's own fact of that
   path and type, else added. */
static void request_facts(Gen *g, uint32_t *capf)
{
  pol_Program *p = g->p;
  uint32_t need = 0;
  for (int i = 0; i < g->c->nunits; i++)
    for (pol_Node *it = g->c->units[i]->src->items; it; it = it->next)
      if (it->kind == N_BRANCH)
        for (pol_Node *fl = it->b; fl; fl = fl->next)
          if (fl->index >= 0) need |= 1u << fl->index;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    g->reqfact[f] = POL_NOSTR;
    const char *key = pol_auth_request_key(f);
    if (!(need >> f & 1u) || !key) continue;
    pol_Kind k = pol_auth_kind(f);
    uint32_t type = k == PK_LIST ? POL_TYPE(PK_LIST, PK_STR, 0) : POL_TYPE(k, 0, 0);
    uint32_t path = str_id(g, key);
    int same = fact_find(g, path, type, POL_SCOPE_LINE);
    if (same >= 0) { g->reqfact[f] = (uint32_t)same; continue; }
    GROWV(p->facts, p->nfacts, *capf);
    g->factdecl = realloc(g->factdecl, (size_t)*capf * sizeof *g->factdecl);
    if (!g->factdecl) abort();
    p->facts[p->nfacts].name = path;
    p->facts[p->nfacts].path = path;
    p->facts[p->nfacts].type = type;
    p->facts[p->nfacts].scope = POL_SCOPE_LINE;
    fact_add(g, p->nfacts);
    g->factdecl[p->nfacts] = NULL;
    g->reqfact[f] = p->nfacts++;
  }
}

/* The `fhir` bindings of every source, in source order (section FHIR). */
static void fhir_bindings(Gen *g)
{
  pol_Program *p = g->p;
  pol_Compiler *c = g->c;
  for (int f = 0; f < c->nfiles; f++)
    for (pol_Node *it = c->files[f]->items; it; it = it->next) {
      if (it->kind != N_FHIR) continue;
      GROWV(p->fhir, p->nfhir, g->cap.fhir);
      pol_FhirBind *b = &p->fhir[p->nfhir++];
      memset(b, 0, sizeof *b);
      b->target = str_id(g, it->path);
      b->source = str_id(g, it->str);
      b->where = it->a ? str_id(g, it->a->path) : POL_NOSTR;
      b->flags = (uint32_t)(it->flags & 1) ? POL_FHIR_LIST : 0;
      b->code0 = p->nfhirstr;
      if (it->a && it->a->decl) {   /* `where ELEMENT in VALUESET` (2.4) */
        b->flags |= POL_FHIR_VSET;
        b->code0 = vset_index(g, it->a->decl);
      }
      for (pol_Node *k = it->a ? it->a->args : NULL; k; k = k->next) {
        uint32_t id = str_id(g, k->str);
        GROWV(p->fhirstr, p->nfhirstr, g->cap.fhirstr);
        p->fhirstr[p->nfhirstr++] = id;
        b->ncodes++;
      }
      b->map0 = p->nfhirstr;
      for (pol_Node *m = it->args; m; m = m->next) {
        uint32_t v[4] = {m->str ? str_id(g, m->str) : POL_NOSTR, str_id(g, m->path),
                         m->text ? str_id(g, m->text) : POL_NOSTR,
                         m->cite ? str_id(g, m->cite) : POL_NOSTR};
        for (int k = 0; k < 4; k++) {
          GROWV(p->fhirstr, p->nfhirstr, g->cap.fhirstr);
          p->fhirstr[p->nfhirstr++] = v[k];
        }
        b->nmap++;
      }
    }
}

pol_Program *pol_codegen(pol_Compiler *c)
{
  Gen g;
  memset(&g, 0, sizeof g);
  g.c = c;
  g.p = calloc(1, sizeof *g.p);
  if (!g.p) abort();
  pol_Program *p = g.p;
  str_id(&g, "");   /* string 0 is the empty string */

  uint32_t capf = 0, capx = 0;
  collect_scope(&g, &c->global, &capf, &capx);
  for (int i = 0; i < c->nunits; i++) collect_scope(&g, &c->units[i]->scope, &capf, &capx);
  request_facts(&g, &capf);

  p->nrec = (uint32_t)c->nrecords;
  p->rec = calloc(p->nrec ? p->nrec : 1, sizeof *p->rec);
  uint32_t *paths = calloc(p->nrec ? p->nrec : 1, sizeof *paths);
  if (!p->rec || !paths) abort();
  record_paths(&g, paths);
  for (int r = 0; r < c->nrecords; r++) {
    pol_RecType *rt = &p->rec[r];
    rt->name = str_id(&g, c->records[r]->str);
    rt->path = paths[r];
    for (pol_Node *f = c->records[r]->args; f; f = f->next) rt->nfields++;
    rt->fields = calloc(rt->nfields ? rt->nfields : 1, sizeof *rt->fields);
    if (!rt->fields) abort();
    uint32_t i = 0;
    for (pol_Node *f = c->records[r]->args; f; f = f->next, i++) {
      rt->fields[i].name = str_id(&g, f->str);
      rt->fields[i].type = f->type;
    }
  }
  free(paths);

  for (int i = 0; i < c->nunits; i++)
    if (c->units[i]->header) policy(&g, c->units[i]);
  while (p->npolvs && p->npolvs < p->npol) {   /* one entry per policy, or none */
    GROWV(p->polvs, p->npolvs, g.cap.polvs);
    p->polvs[p->npolvs++] = POL_NOSTR;
  }
  plans(&g);
  chosen_sort(p);
  fhir_bindings(&g);

  /* concatenate the block buffers into one code array */
  uint32_t total = 0;
  for (uint32_t b = 0; b < p->nblocks; b++) total += g.bufs[b].n;
  p->code = calloc(total ? total : 1, sizeof *p->code);
  if (!p->code) abort();
  for (uint32_t b = 0; b < p->nblocks; b++) {
    p->blocks[b].start = p->ncode;
    p->blocks[b].len = g.bufs[b].n;
    memcpy(p->code + p->ncode, g.bufs[b].code, g.bufs[b].n * sizeof *p->code);
    p->ncode += g.bufs[b].n;
    free(g.bufs[b].code);
  }
  free(g.bufs);
  for (uint32_t w = 0; w < p->nwit; w++) p->wit[w].pc += p->blocks[g.wit_blk[w]].start;
  free(g.wit_blk);
  while (p->nevgrp && p->nevgrp < p->nevid) {   /* a word per descriptor, or none */
    GROWV(p->evgrp, p->nevgrp, g.cap.evgrp);
    p->evgrp[p->nevgrp++] = 0;
  }

  char ts[32];
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  time_t now = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  p->built = str_id(&g, c->built ? c->built : ts);

  free(g.strs.slot);
  free(g.facts.slot);
  free(g.factdecl);
  free(g.extdecl);
  if (g.errors) {
    pol_program_free(p);
    return NULL;
  }
  return p;
}
