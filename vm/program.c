/*
 * program.c -- the opcode descriptor table, freeing a pol_Program, and the
 * disassembler.
 *
 * pol_opinfo[] is expanded from vm/opcodes.def, so names, formats, operand
 * kinds and EXTRA counts cannot drift from the one list.
 *
 * Ownership: pol_program_free releases p and everything it points to.
 * pol_disasm only reads p (borrowed); it tolerates out-of-range indices
 * (printing "?") so it can also list a program that failed verification.
 */
#include "bundle.h"
#include "bytecode.h"
#include "frag.h"
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Operand kind letters of opcodes.def as character constants. */
#define KIND_W 'W'
#define KIND_R 'R'
#define KIND_I 'I'
#define KIND_K 'K'
#define KIND_F 'F'
#define KIND_E 'E'
#define KIND_J 'J'
#define KIND_T 'T'
#define KIND_U 'U'
#define KIND_N 'N'
#define KIND__ '_'

const pol_OpInfo pol_opinfo[OP__COUNT] = {
#define OP(name, fmt, a, b, c, x, doc) \
  {#name, FMT_##fmt, KIND_##a, KIND_##b, KIND_##c, (int)sizeof x - 1, x, doc},
#include "opcodes.def"
#undef OP
};

/* Whether table q is one of the word arrays the loader left in the
   bundle's own bytes (vm/bundle_load.c rd_u32s): freed with strbuf. */
static int in_strbuf(const pol_Program *p, const void *q)
{
  uintptr_t a = (uintptr_t)q, lo = (uintptr_t)p->strbuf;
  return p->strbuf_len && a >= lo && a - lo < p->strbuf_len;
}

void pol_program_free(pol_Program *p)
{
  if (!p) return;
  pol_frags_free(p);
  if (!p->strbuf && p->str)   /* else the strings are in strbuf */
    for (uint32_t i = 0; i < p->nstr; i++) free(p->str[i]);
  if (p->rec)
    for (uint32_t i = 0; i < p->nrec; i++) free(p->rec[i].fields);
  /* the tables before strbuf: in_strbuf compares with its address, which
     must still be a live allocation's */
#define TABLE(n, a) if (!in_strbuf(p, p->a)) free(p->a);
#include "sections.def"
  free(p->strbuf);
  free(p);
}

/* ---- disassembler ---------------------------------------------------- */

static const char *S(const pol_Program *p, uint32_t id)
{
  if (id == POL_NOSTR) return "-";
  return id < p->nstr && p->str && p->str[id] ? p->str[id] : "?";
}

static void put_quoted(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
    if (*u == '"' || *u == '\\') fprintf(f, "\\%c", *u);
    else if (*u == '\n') fputs("\\n", f);
    else if (*u == '\t') fputs("\\t", f);
    else if (*u < 0x20 || *u == 0x7f) fprintf(f, "\\x%02x", *u);
    else fputc(*u, f);
  }
  fputc('"', f);
}

/* Dates outside 0000-01-01 .. 9999-12-31 (only in unverified programs)
   print as a day number. */
static void put_date(FILE *f, int32_t days)
{
  char buf[16];
  if (days < -719528 || days > 2932896) { fprintf(f, "day %ld", (long)days); return; }
  pol_format_date(days, buf);
  fputs(buf, f);
}

/* The shortest exact text of a decimal. */
static void put_num(FILE *f, pol_Dec d)
{
  char buf[POL_DEC_BUFSIZE];
  pol_dec_format(d, buf);
  fputs(buf, f);
}

static void put_dur(FILE *f, int32_t months, int32_t days)
{
  if (months)
    fprintf(f, "%ld month%s", (long)months, months == 1 || months == -1 ? "" : "s");
  if (days || !months)
    fprintf(f, "%s%ld day%s", months ? " " : "", (long)days,
            days == 1 || days == -1 ? "" : "s");
}

static void put_set(FILE *f, const pol_Program *p, uint32_t set)
{
  if (set >= p->nsets || !p->set0 || !p->setn) { fprintf(f, "set %u?", set); return; }
  uint64_t a = p->set0[set], n = p->setn[set];
  fputc('{', f);
  for (uint64_t i = a; i < a + n; i++) {
    if (i > a) fputc(',', f);
    if (i < p->nsetitems && p->setitems) put_quoted(f, S(p, p->setitems[i]));
    else fputc('?', f);
  }
  fputc('}', f);
}

static void put_value(FILE *f, const pol_Program *p, const pol_Value *v)
{
  switch ((pol_Tag)v->tag) {
  case PV_UNK: fputs("unknown", f); break;
  case PV_BOOL: fputs(v->aux == 1 ? "true" : v->aux == 0 ? "false" : "bool?", f); break;
  case PV_NUM: put_num(f, v->u.d); break;
  case PV_RANGE: fprintf(f, "%ld..%ld", (long)v->u.r.lo, (long)v->u.r.hi); break;
  case PV_STR: put_quoted(f, S(p, v->aux)); break;
  case PV_DATE: put_date(f, (int32_t)v->aux); break;
  case PV_DUR: put_dur(f, v->u.r.lo, v->u.r.hi); break;
  case PV_WIN:
    put_date(f, v->u.r.lo); fputs("..", f); put_date(f, v->u.r.hi);
    break;
  case PV_SET: put_set(f, p, v->aux); break;
  case PV_LIST: case PV_REC: default: fprintf(f, "<tag %u>", v->tag); break;
  }
}

static void put_type(FILE *f, const pol_Program *p, uint32_t t)
{
  static const char *const names[PK__COUNT] = {
    "none", "bool", "number", "string", "date", "duration", "window", "set", "list", "record"};
  pol_Kind k = POL_TKIND(t), e = POL_TELEM(t);
  if (k >= PK__COUNT || (k == PK_LIST && e >= PK__COUNT)) { fprintf(f, "type 0x%x?", t); return; }
  fputs(names[k], f);
  if (k == PK_LIST) fprintf(f, " of %s", names[e]);
  if (k == PK_REC || (k == PK_LIST && e == PK_REC))
    fprintf(f, " %s", POL_TREC(t) < p->nrec && p->rec ? S(p, p->rec[POL_TREC(t)].name) : "?");
}

/* Starts an instruction's trailing comment (padding the operands to the
   comment column, given in *pad) or separates its items. */
static void sep(FILE *f, int *pad)
{
  if (*pad >= 0) fprintf(f, "%*s  ; ", *pad, "");
  else fputs(", ", f);
  *pad = -1;
}

static void put_instr(FILE *f, const pol_Program *p, uint32_t pc, uint32_t end)
{
  pol_Instr ins = p->code[pc];
  pol_Op op = POL_OP(ins);
  if (op >= OP__COUNT) { fprintf(f, "  %5u  ??? 0x%08x\n", pc, ins); return; }
  const pol_OpInfo *oi = &pol_opinfo[op];
  uint32_t v[3] = {POL_A(ins), POL_B(ins), POL_C(ins)};
  char kind[3] = {oi->a, oi->b, oi->c};
  if (oi->fmt == FMT_ABx) { v[1] = POL_Bx(ins); v[2] = 0; }
  if (oi->fmt == FMT_Ax) { v[0] = POL_Ax(ins); kind[0] = 'n'; kind[1] = kind[2] = 0; }

  char ops[64] = "";
  size_t n = 0;
  for (int i = 0; i < 3; i++) {
    const char *pre;
    switch (kind[i]) {
    case 'W': case 'R': case 'I': pre = "r"; break;
    case 'K': pre = "k"; break;
    case 'F': pre = "f"; break;
    case 'E': pre = "e"; break;
    case 'J': pre = "+"; break;
    case 0: continue;
    case '_': if (v[i] == 0) continue; pre = "_"; break;   /* shows junk */
    default: pre = ""; break;
    }
    n += (size_t)snprintf(ops + n, sizeof ops - n, " %s%u", pre, v[i]);
  }
  const char *o = ops + (n > 0);
  fprintf(f, "  %5u  %-8s %s", pc, oi->name, o);

  int pad = strlen(o) < 14 ? 14 - (int)strlen(o) : 0;
  for (int i = 0; i < 3; i++) {
    switch (kind[i]) {
    case 'K':
      sep(f, &pad);
      if (v[i] < p->nk && p->k) put_value(f, p, &p->k[v[i]]);
      else fputc('?', f);
      break;
    case 'F':
      sep(f, &pad);
      if (v[i] < p->nfacts && p->facts) {
        const pol_Fact *fa = &p->facts[v[i]];
        fprintf(f, "%s (%s%s)", S(p, fa->name), fa->scope == POL_SCOPE_LINE ? "line: " : "",
                S(p, fa->path));
      } else fputc('?', f);
      break;
    case 'E':
      sep(f, &pad);
      if (v[i] < p->nevid && p->evid) {
        fprintf(f, "evidence %s", S(p, p->evid[v[i]].fact));
        if (p->evid[v[i]].expected != POL_NOSTR) {
          fputs(" expected ", f);
          put_quoted(f, S(p, p->evid[v[i]].expected));
        }
        if (p->evid[v[i]].query != POL_NOSTR) fprintf(f, " query %s", S(p, p->evid[v[i]].query));
      } else fputc('?', f);
      break;
    case 'J':
      sep(f, &pad);
      fprintf(f, "to %lu", (unsigned long)pc + 1 + v[i]);
      break;
    case 'U':
      sep(f, &pad);
      fputs(v[i] == 0 ? "false" : v[i] == 1 ? "true" : v[i] == 2 ? "unknown" : "?", f);
      break;
    default: break;
    }
  }
  if (op == OP_CALLX && pc + 1 < end && p->code[pc + 1] >> 8 < p->next && p->ext) {
    const pol_Extern *e = &p->ext[p->code[pc + 1] >> 8];
    sep(f, &pad);
    fprintf(f, "%s(%u args) in %s", S(p, e->name), e->nargs, S(p, e->lib));
  }
  fputc('\n', f);

  const char *roles = oi->xroles;
  for (int x = 0; x < oi->extra && pc + 1 + (uint32_t)x < end; x++) {
    pol_Instr w = p->code[pc + 1 + (uint32_t)x];
    uint32_t ax = POL_Ax(w);
    char r = roles[0] ? roles[x < (int)strlen(roles) ? x : 0] : '?';
    fprintf(f, "  %5u    EXTRA %-15u  ; ", pc + 1 + (uint32_t)x, ax);
    if (POL_OP(w) != OP_EXTRA) fputs("not an EXTRA word! ", f);
    if (r == 'w') fprintf(f, "window r%u", ax);
    else if (r == 'n') fprintf(f, "at least %u", ax);
    else if (r == 'f') {
      if (ax == 0) fputs("no fact", f);
      else fprintf(f, "fact %u %s", ax - 1, ax - 1 < p->nfacts && p->facts ? S(p, p->facts[ax - 1].path) : "?");
    }
    else if (r == 'x')
      fprintf(f, "extern %s", ax < p->next && p->ext ? S(p, p->ext[ax].name) : "?");
    else if (r == 'c')
      fprintf(f, "value set %s", ax < p->nvs && p->vs ? S(p, p->vs[ax].name) : "?");
    else if (r == 't') fprintf(f, "table keys: set %u", ax);
    else if (r == 'K') fprintf(f, "table values: K%u..", ax);
    else if (r == 'q') fprintf(f, "constant K%u", ax);
    else if (r == 'g') fprintf(f, "field %u of r%u", ax >> 8 & 0xffu, ax & 0xffu);
    else fprintf(f, "%s block %u", pol_xrole_name(r), ax);
    fputc('\n', f);
  }
}

static const char *tag_name(const pol_Program *p, const pol_Policy *po, uint32_t bit)
{
  uint64_t i = (uint64_t)po->tag0 + bit;
  return bit < po->ntags && i < p->ntagnames && p->tagnames ? S(p, p->tagnames[i]) : "?";
}

static void put_crit(FILE *f, const pol_Program *p, const pol_Policy *po, uint32_t i)
{
  static const char *const kinds[] = {"leaf", "all", "any", "at least"};
  const pol_Crit *c = &p->crit[i];
  fprintf(f, "  criterion %u %s%s: ", i, S(p, c->id),
          c->flags & POL_CRIT_EXCLUSION ? " (exclusion)" : "");
  if (c->kind == PC_LEAF) fprintf(f, "block %u", c->block);
  else {
    if (c->kind < 4) fputs(kinds[c->kind], f);
    else fprintf(f, "kind %u?", c->kind);
    if (c->kind == PC_ATLEAST) fprintf(f, " %u", c->k);
    fputs(" of", f);
    for (uint64_t j = c->child0; j < (uint64_t)c->child0 + c->nchildren; j++) {
      if (j < p->nchildren && p->crit_children) fprintf(f, " %u", p->crit_children[j]);
      else fputs(" ?", f);
    }
  }
  fprintf(f, "  (%s:%u:%u)", S(p, c->file), c->line, c->col);
  if (c->cite != POL_NOSTR) fprintf(f, " cite %s", S(p, c->cite));
  if (c->next != POL_NOSTR) fprintf(f, " next %s", S(p, c->next));
  for (uint32_t t = 0; t < 32; t++)
    if (c->tags >> t & 1u) fprintf(f, " tag %s", tag_name(p, po, t));
  fputs("\n    ", f);
  put_quoted(f, S(p, c->text));
  fputc('\n', f);
}

static void put_crit_list(FILE *f, const pol_Program *p, uint32_t first, uint32_t n)
{
  for (uint64_t j = first; j < (uint64_t)first + n; j++) {
    uint32_t c = j < p->nbranch_crit && p->branch_crit ? p->branch_crit[j] : POL_NOSTR;
    if (c < p->ncrit && p->crit) fprintf(f, " %u (%s)", c, S(p, p->crit[c].id));
    else fputs(" ?", f);
  }
}

const char *pol_outcome_name(pol_Outcome o)
{
#define POL_OUTCOME_1(s) s,
#define POL_OUTCOME_0(s)
  static const char *const n[PO__COUNT] = {
#define OUTCOME(N, s, authored, meaning) POL_OUTCOME_##authored(s)
#include "outcomes.def"
#undef OUTCOME
  };
#undef POL_OUTCOME_1
#undef POL_OUTCOME_0
  return (unsigned)o < PO__COUNT ? n[o] : "outcome?";
}

int pol_outcome_find(const char *name)
{
  for (int i = 0; i < PO__COUNT; i++)
    if (strcmp(pol_outcome_name((pol_Outcome)i), name) == 0) return i;
  return -1;
}

/* Decision rules, conditions shown in postfix as stored. */
static void put_rules(FILE *f, const pol_Program *p, const pol_Policy *po)
{
  static const char *const ops[PDC__COUNT] = {
    "failed", "unknown", "any-failed-tagged", "every-failed-tagged", "any-unknown-tagged",
    "and", "or", "not"};
  if (po->ndec == 0) { fputs("  decision: default (deny if failed, pend if unknown, else approve)\n", f); return; }
  uint64_t w = po->dec0, end = (uint64_t)po->dec0 + po->ndec;
  while (w < end && w < p->ndec && p->dec) {
    uint32_t h = p->dec[w++], n = h >> 8;
    fprintf(f, "  rule: %s", pol_outcome_name((pol_Outcome)(h & 0xffu)));
    fputs(n ? " if" : " otherwise", f);
    for (uint32_t k = 0; k < n && w < end && w < p->ndec; k++, w++) {
      uint32_t op = p->dec[w] >> 24, arg = p->dec[w] & 0xffu;
      fprintf(f, " %s", op < PDC__COUNT ? ops[op] : "op?");
      if (op >= PDC_ANY_FAILED_TAG && op <= PDC_ANY_UNKNOWN_TAG)
        fprintf(f, "(%s)", tag_name(p, po, arg));
    }
    fputc('\n', f);
  }
}

static void put_policy(FILE *f, const pol_Program *p, const pol_Policy *po)
{
  fprintf(f, "policy %s ", S(p, po->id));
  put_quoted(f, S(p, po->title));
  fprintf(f, " version %s effective ", S(p, po->version));
  put_date(f, po->effective);
  fprintf(f, " (%s)\n  codes:", S(p, po->source));
  for (uint64_t j = po->code0; j < (uint64_t)po->code0 + po->ncodes; j++) {
    fputc(' ', f);
    if (j < p->ncodes && p->codes) put_quoted(f, S(p, p->codes[j]));
    else fputc('?', f);
  }
  uint64_t pi = (uint64_t)(po - p->pol);
  if (pi < p->npolvs && p->polvs && p->polvs[pi] != POL_NOSTR)
    fprintf(f, " and the ranges of value set %u", p->polvs[pi]);
  if (po->nplans) {
    fputs("\n  plans:", f);
    for (uint64_t j = po->plan0; j < (uint64_t)po->plan0 + po->nplans; j++) {
      fputc(' ', f);
      if (j < p->ncodes && p->codes) put_quoted(f, S(p, p->codes[j]));
      else fputc('?', f);
    }
  }
  if (po->ntags) {
    fputs("\n  tags:", f);
    for (uint32_t t = 0; t < po->ntags && t < 32; t++) fprintf(f, " %u=%s", t, tag_name(p, po, t));
  }
  fputc('\n', f);
  put_rules(f, p, po);
  /* the outcome only: the texts of ELSE quote the source, whose spacing
     `polc fmt` may change (tests/suites/fmt.sh compares dumps) */
  fprintf(f, "  when no branch applies: %s\n",
          pol_outcome_name((pol_Outcome)po->otherwise));
  for (uint64_t b = po->branch0; b < (uint64_t)po->branch0 + po->nbranches; b++) {
    if (b >= p->nbranches || !p->branches) { fprintf(f, "  branch %lu?\n", (unsigned long)b); continue; }
    const pol_Branch *br = &p->branches[b];
    fprintf(f, "  branch %lu %s", (unsigned long)b, S(p, br->name));
    if (br->aspect != POL_NOSTR) fprintf(f, " (assess %s)", S(p, br->aspect));
    fprintf(f, ": cond block %u, criteria", br->cond);
    put_crit_list(f, p, br->crit0, br->ncrit);
    if (br->each != POL_NOSTR) {
      fprintf(f, "; for each of block %u:", br->each);
      put_crit_list(f, p, br->ecrit0, br->necrit);
    }
    for (uint32_t i = 0; i < p->nauth && p->auth; i++)
      if (p->auth[i].branch == b)
        fprintf(f, "; authorize %s block %u", pol_auth_name(p->auth[i].field), p->auth[i].block);
    fputs("\n    ", f);
    put_quoted(f, S(p, br->text));
    fputc('\n', f);
  }
  for (uint64_t c = po->crit0; c < (uint64_t)po->crit0 + po->ncrit; c++) {
    if (c < p->ncrit && p->crit) put_crit(f, p, po, (uint32_t)c);
    else fprintf(f, "  criterion %lu?\n", (unsigned long)c);
  }
}

/* Labels a block by who owns it: a criterion, a branch condition, or the
   quantifier whose EXTRA word names it. */
static void put_label(FILE *f, const pol_Program *p, uint32_t b)
{
  for (uint32_t i = 0; i < p->ncrit && p->crit; i++)
    if (p->crit[i].kind == PC_LEAF && p->crit[i].block == b) {
      fprintf(f, "criterion %s", S(p, p->crit[i].id));
      return;
    }
  for (uint32_t i = 0; i < p->nbranches && p->branches; i++) {
    if (p->branches[i].cond == b) {
      fprintf(f, "branch %s cond", S(p, p->branches[i].name));
      return;
    }
    if (p->branches[i].each == b) {
      fprintf(f, "branch %s for each", S(p, p->branches[i].name));
      return;
    }
  }
  for (uint32_t i = 0; i < p->nauth && p->auth; i++)
    if (p->auth[i].block == b && p->auth[i].branch < p->nbranches && p->branches) {
      fprintf(f, "branch %s authorize %s", S(p, p->branches[p->auth[i].branch].name),
              pol_auth_name(p->auth[i].field));
      return;
    }
  for (uint32_t c = 0; c < p->nblocks; c++) {
    const pol_Block *bl = &p->blocks[c];
    uint64_t end = (uint64_t)bl->start + bl->len;
    if (end > p->ncode) continue;
    for (uint32_t pc = bl->start; pc < end; pc++) {
      pol_Op op = POL_OP(p->code[pc]);
      if (op >= OP__COUNT || op == OP_EXTRA) continue;
      const char *roles = pol_opinfo[op].xroles;
      for (uint32_t x = 0; roles[x] && pc + 1 + x < end; x++)
        if (POL_XROLE_BLOCK(roles[x]) && POL_Ax(p->code[pc + 1 + x]) == b) {
          fprintf(f, "%s of block %u pc %u", pol_xrole_name(roles[x]), c, pc);
          return;
        }
      pc += (uint32_t)pol_opinfo[op].extra;
    }
  }
  fputs("unreferenced", f);
}

void pol_disasm(const pol_Program *p, FILE *f)
{
  fprintf(f, "; %u strings, %u constants, %u sets, %u facts, %u blocks, %u criteria, built %s\n",
          p->nstr, p->nk, p->nsets, p->nfacts, p->nblocks, p->ncrit, S(p, p->built));
  for (uint32_t i = 0; i < p->npol && p->pol; i++) put_policy(f, p, &p->pol[i]);
  for (uint32_t i = 0; i < p->nrec && p->rec; i++) {
    const pol_RecType *r = &p->rec[i];
    fprintf(f, "record %u %s (%s):", i, S(p, r->name), S(p, r->path));
    for (uint32_t j = 0; j < r->nfields && r->fields; j++) {
      fprintf(f, "%s %s ", j ? "," : "", S(p, r->fields[j].name));
      put_type(f, p, r->fields[j].type);
    }
    fputc('\n', f);
  }
  for (uint32_t i = 0; i < p->nfacts && p->facts; i++) {
    const pol_Fact *fa = &p->facts[i];
    fprintf(f, "fact %u %s: ", i, S(p, fa->name));
    put_type(f, p, fa->type);
    fprintf(f, " at %s%s\n", fa->scope == POL_SCOPE_LINE ? "line: " : "", S(p, fa->path));
  }
  for (uint32_t i = 0; i < p->nvs && p->vs; i++) {
    const pol_VSet *v = &p->vs[i];
    fprintf(f, "valueset %u %s (system %u) ", i, S(p, v->name), v->system);
    put_quoted(f, S(p, v->title));
    fprintf(f, ": %u range%s", v->nr, v->nr == 1 ? "" : "s");
    /* the first few: a payer's set may hold thousands */
    for (uint64_t r = v->r0; r < (uint64_t)v->r0 + v->nr && r < (uint64_t)v->r0 + 8; r++) {
      if (r >= p->nvsr || !p->vsr) { fputs(" ?", f); break; }
      fputs(" [", f);
      put_quoted(f, S(p, p->vsr[r].lo));
      fputs(", ", f);
      put_quoted(f, S(p, p->vsr[r].hi));
      fputs(")", f);
    }
    fputs(v->nr > 8 ? " ...\n" : "\n", f);
  }
  for (uint32_t i = 0; i < p->next && p->ext; i++) {
    const pol_Extern *e = &p->ext[i];
    fprintf(f, "extern %u %s(", i, S(p, e->name));
    for (uint32_t j = 0; j < e->nargs && j < 8; j++) {
      if (j) fputs(", ", f);
      put_type(f, p, e->args[j]);
    }
    fputs(") -> ", f);
    put_type(f, p, e->ret);
    fprintf(f, " in %s\n", S(p, e->lib));
  }
  for (uint32_t i = 0; i < p->nxlib && p->xlib; i++) {
    char hex[65];
    pol_sha_hex(p->xlib[i].sha256, hex);
    fprintf(f, "library %s sha256 %s\n", S(p, p->xlib[i].lib), hex);
  }
  for (uint32_t b = 0; b < p->nblocks && p->blocks; b++) {
    const pol_Block *bl = &p->blocks[b];
    fprintf(f, "\nblock %u (nregs %u) [", b, bl->nregs);
    put_label(f, p, b);
    fputs("]\n", f);
    uint64_t end = (uint64_t)bl->start + bl->len;
    if (end > p->ncode || !p->code) { fputs("  ; code range out of bounds\n", f); continue; }
    for (uint32_t pc = bl->start; pc < end; pc++) {
      put_instr(f, p, pc, (uint32_t)end);
      pol_Op op = POL_OP(p->code[pc]);
      if (op < OP__COUNT && op != OP_EXTRA) {
        uint32_t x = (uint32_t)pol_opinfo[op].extra;
        pc += x < end - pc - 1 ? x : (uint32_t)(end - pc - 1);
      }
    }
  }
}

void pol_errf(char *err, size_t errlen, const char *fmt, ...)
{
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

int pol_default_bundle(char *buf, size_t n, char *err, size_t errlen)
{
  const char *env = getenv("POLVM_BUNDLE");
  int len;
  if (env && *env) {
    if (env[0] != '/') {
      pol_errf(err, errlen, "$POLVM_BUNDLE must be an absolute path, not \"%s\"", env);
      return -1;
    }
    len = snprintf(buf, n, "%s", env);
  } else {
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') len = snprintf(buf, n, "%s/polc/policies.polb", xdg);
    else if (home && home[0] == '/') len = snprintf(buf, n, "%s/.local/share/polc/policies.polb", home);
    else {
      pol_errf(err, errlen, "no default bundle: $POLVM_BUNDLE, $XDG_DATA_HOME and $HOME are not "
               "set to absolute paths");
      return -1;
    }
  }
  if (len < 0 || (size_t)len >= n) {
    pol_errf(err, errlen, "the default bundle path is too long");
    return -1;
  }
  return 0;
}
