/*
 * trace.c -- the trace formats: JSON (shared/spec/trace-format.md), the
 * compact NDJSON record of `polvm eval`, and the reviewer's text report.
 *
 * Reasons and missing information follow the decision rule:
 *  - reasons: each top-level criterion that is not met and each exclusion
 *    that applies; under an "all of" criterion, recursively, the children
 *    that are not met (they made it fail).  An "any of" / "at least k of"
 *    criterion that fails is the reason itself; its alternatives are listed
 *    under it as "detail".
 *  - missing: each unknown top-level criterion or exclusion and, beneath
 *    it, its unknown children; beneath an "all of" that is not met, its
 *    unknown children too (help for a deny: they still need an answer).
 *    Facts are the unknown facts the clause read.
 *
 * Strings from the case reach the output only through the escaping
 * function of the format: pol_buf_json_str, pol_buf_text_str
 * (docs/security.md "Outputs").
 */
#include "trace.h"

#include "auth.h"
#include "frag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Code points that would mislead a reader of the output: the C1
   controls, the line and paragraph separators, and the invisible format
   characters, bidirectional overrides and isolates first of all
   (docs/security.md "Outputs").  C0 controls and DEL are handled by the
   callers, byte by byte. */
static int hidden_cp(uint32_t cp)
{
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* The code point of the UTF-8 sequence at p, its length in *len; 0 and
   *len 0 when p does not start a valid sequence (a case string cannot
   hold one: jansson checks them; this is defence). */
static uint32_t utf8_at(const unsigned char *p, int *len)
{
  uint32_t cp;
  int n;
  if (p[0] >= 0xc2 && p[0] <= 0xdf) { cp = p[0] & 0x1fu; n = 2; }
  else if (p[0] >= 0xe0 && p[0] <= 0xef) { cp = p[0] & 0x0fu; n = 3; }
  else if (p[0] >= 0xf0 && p[0] <= 0xf4) { cp = p[0] & 0x07u; n = 4; }
  else { *len = 0; return 0; }
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80) { *len = 0; return 0; }
    cp = cp << 6 | (p[i] & 0x3fu);
  }
  *len = n;
  return cp;
}

/* \uXXXX (lower-case hex, as printf's "\\u%04x" writes it) at o; cp < 0x10000.
   Returns the end. */
static char *put_u4(char *o, uint32_t cp)
{
  static const char hex[] = "0123456789abcdef";
  o[0] = '\\';
  o[1] = 'u';
  o[2] = hex[cp >> 12 & 15];
  o[3] = hex[cp >> 8 & 15];
  o[4] = hex[cp >> 4 & 15];
  o[5] = hex[cp & 15];
  return o + 6;
}

/* What the JSON escaper does with a byte: 0 copy it; 'e' a two-byte
   escape (\" \\ \n \t \r); 'u' \u00XX; 'h' a
   lead byte that may start one of the misleading code points (U+0080..9F
   start with c2, U+061C with d8, U+200B.. with e2, U+FEFF and U+FFF9.. with
   ef; an overlong form of any of them, which utf8_at does not refuse, with
   e0 or f0; every other code point passes unchanged, byte by byte). */
static const char json_class[256] = {
  ['\b'] = 'u', [1] = 'u', [2] = 'u', [3] = 'u', [4] = 'u', [5] = 'u', [6] = 'u', [7] = 'u',
  [0] = 'u', ['\t'] = 'e', ['\n'] = 'e', [0x0b] = 'u', [0x0c] = 'u', ['\r'] = 'e', [0x0e] = 'u',
  [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u',
  [0x16] = 'u', [0x17] = 'u', [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u',
  [0x1d] = 'u', [0x1e] = 'u', [0x1f] = 'u', ['"'] = 'e', ['\\'] = 'e', [0x7f] = 'u',
  [0xc2] = 'h', [0xd8] = 'h', [0xe0] = 'h', [0xe2] = 'h', [0xef] = 'h', [0xf0] = 'h',
};

/* One escaping function per output format: every string that did not
   come from the program itself goes through it.  Runs of plain bytes are
   copied whole. */

void pol_buf_json_strn(pol_Buf *b, const char *s, size_t n)
{
  pol_buf_reserve(b, n * 6 + 2);
  char *o = b->s + b->n;
  *o++ = '"';
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    const unsigned char *run = p;
    while (p < end && !json_class[*p]) p++;
    memcpy(o, run, (size_t)(p - run));
    o += p - run;
    if (p == end) break;
    unsigned char ch = *p;
    int len;
    uint32_t cp;
    switch (json_class[ch]) {
    case 'e':
      *o++ = '\\';
      *o++ = ch == '\n' ? 'n' : ch == '\t' ? 't' : ch == '\r' ? 'r' : (char)ch;
      p++;
      break;
    case 'u': o = put_u4(o, ch); p++; break;
    case 'h':
      /* at most 3 bytes in, 6 out: within the reserve; a sequence cut by
         the end or the NUL is not valid and passes as it is */
      if (end - p >= (ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2) && (cp = utf8_at(p, &len)) != 0 && hidden_cp(cp)) {
        o = put_u4(o, cp);
        p += len;
      }
      else *o++ = (char)*p++;
      break;
    default: *o++ = (char)*p++; break;   /* unreachable: class 0 is copied above */
    }
  }
  *o++ = '"';
  *o = '\0';
  b->n = (size_t)(o - b->s);
}

void pol_buf_json_str(pol_Buf *b, const char *s) { pol_buf_json_strn(b, s, strlen(s)); }

void pol_buf_text_str(pol_Buf *b, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  pol_buf_reserve(b, strlen(s) * 6);
  char *o = b->s + b->n;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char ch = *p;
    int len = 1;
    uint32_t cp = 0;
    if (ch >= 0x80) cp = utf8_at(p, &len);
    if (ch == '\\') { *o++ = '\\'; *o++ = '\\'; }
    else if (ch == '\n') { *o++ = '\\'; *o++ = 'n'; }
    else if (ch == '\t') { *o++ = '\\'; *o++ = 't'; }
    else if (ch == '\r') { *o++ = '\\'; *o++ = 'r'; }
    else if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !len)) {   /* "\\x%02x" */
      *o++ = '\\';
      *o++ = 'x';
      *o++ = hex[ch >> 4];
      *o++ = hex[ch & 15];
    }
    else if (ch >= 0x80 && hidden_cp(cp)) { o = put_u4(o, cp); p += len - 1; }
    else if (ch >= 0x80) { memcpy(o, p, (size_t)len); o += len; p += len - 1; }
    else *o++ = (char)ch;
  }
  *o = '\0';
  b->n = (size_t)(o - b->s);
}

void pol_sha_hex(const uint8_t sha[32], char out[65])
{
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[sha[i] >> 4];
    out[2 * i + 1] = hex[sha[i] & 15];
  }
  out[64] = '\0';
}

/* ",NL\"KEY": the separator, the indentation nl and a key whose opening
   quote is written here: key_json(b, nl, "reasons\": [").  The writers
   take the keys and the other fixed text as literals, lengths known at
   compile time. */
#define key_json(b, nl, rest) \
  do { pol_buf_lit((b), ","); pol_buf_puts((b), (nl)); pol_buf_lit((b), "\"" rest); } while (0)

/* A name of the VM's own (a status, a determination, an eligibility, a
   hex digest), plain ASCII: quoted, with nothing to escape. */
static void name_json(pol_Buf *b, const char *name)
{
  pol_buf_lit(b, "\"");
  pol_buf_puts(b, name);
  pol_buf_lit(b, "\"");
}

/* The trace's bundle object: {"sha256": "HEX", "built": "...", and
   "signed_by": "HEX" when the signature is valid}. */
static void bundle_json(pol_Buf *b, const pol_Program *p)
{
  char hex[65];
  pol_sha_hex(p->sha256, hex);
  pol_buf_lit(b, "{\"sha256\": ");
  name_json(b, hex);
  pol_buf_lit(b, ", \"built\": ");
  pol_frag_json(b, p, p->built);
  if (p->sig == POL_SIG_VALID) {   /* only signed bundles: unsigned traces unchanged */
    pol_sha_hex(p->signer, hex);
    pol_buf_lit(b, ", \"signed_by\": ");
    name_json(b, hex);
  }
  pol_buf_lit(b, "}");
}

/* ---- values ------------------------------------------------------------ */

/* The shortest exact text: a JSON number as the case or policy wrote it. */
static void num_json(pol_Buf *b, pol_Dec n) { pol_buf_dec(b, n); }

/* A value as JSON: exact numbers and booleans stay typed; ranges, dates,
   windows and lists become short readable strings. */
static void value_json(pol_Buf *b, const pol_Program *p, const pol_Value *v)
{
  switch (v->tag) {
  case PV_BOOL: pol_buf_puts(b, v->aux ? "true" : "false"); break;
  case PV_NUM: num_json(b, v->u.d); break;
  case PV_RANGE:
    if (v->u.r.lo == v->u.r.hi) pol_buf_int(b, v->u.r.lo);
    else {
      pol_buf_lit(b, "\"");
      pol_buf_int(b, v->u.r.lo);
      pol_buf_lit(b, " to ");
      pol_buf_int(b, v->u.r.hi);
      pol_buf_lit(b, "\"");
    }
    break;
  case PV_STR: pol_buf_json_str(b, v->u.s); break;
  case PV_DATE:
    pol_buf_lit(b, "\"");
    pol_buf_date(b, (int32_t)v->aux);
    pol_buf_lit(b, "\"");
    break;
  case PV_WIN:
    pol_buf_lit(b, "\"");
    if (v->aux & POL_WIN_LO_UNK) pol_buf_lit(b, "unknown");
    else pol_buf_date(b, v->u.r.lo);
    pol_buf_lit(b, " to ");
    if (v->aux & POL_WIN_HI_UNK) pol_buf_lit(b, "unknown");
    else pol_buf_date(b, v->u.r.hi);
    pol_buf_lit(b, "\"");
    break;
  case PV_LIST: {
    const pol_List *l = v->u.p;
    if (POL_TKIND(l->elem) == PK_STR) {   /* elem is the items' type */
      pol_buf_puts(b, "[");
      for (uint32_t i = 0; i < l->n; i++) {
        if (i) pol_buf_puts(b, ", ");
        if (l->items[i].tag == PV_STR) pol_buf_json_str(b, l->items[i].u.s);
        else pol_buf_puts(b, "null");
      }
      pol_buf_puts(b, "]");
    } else {
      pol_buf_lit(b, "\"");
      pol_buf_uint(b, l->n);
      pol_buf_puts(b, l->n == 1 ? " item\"" : " items\"");
    }
    break;
  }
  case PV_SET: pol_buf_puts(b, "\"(set)\""); break;
  case PV_UNK: case PV_DUR: case PV_REC:   /* never evidence of their own */
    pol_buf_puts(b, "null");
    break;
  }
  (void)p;
}

static void value_text(pol_Buf *b, const pol_Program *p, const pol_Value *v)
{
  if (v->tag == PV_STR) { pol_buf_text_str(b, v->u.s); return; }
  if (v->tag == PV_UNK) { pol_buf_lit(b, "unknown"); return; }
  size_t at = b->n;
  value_json(b, p, v);
  /* strip the quotes of the readable strings, in place */
  if (b->n - at >= 2 && b->s[at] == '"') {
    memmove(b->s + at, b->s + at + 1, b->n - at - 2);
    b->n -= 2;
    b->s[b->n] = '\0';
  }
}

/* ---- per-criterion records --------------------------------------------- */

static int same_value(const pol_Value *a, const pol_Value *b)
{
  if (a->tag != b->tag) return 0;
  switch (a->tag) {
  case PV_STR: return strcmp(a->u.s, b->u.s) == 0;
  case PV_NUM: return a->u.d == b->u.d;
  case PV_UNK: return 1;
  case PV_LIST: case PV_REC: return a->u.p == b->u.p;
  case PV_BOOL: case PV_RANGE: case PV_DATE: case PV_DUR: case PV_WIN: case PV_SET:
    return a->aux == b->aux && a->u.r.lo == b->u.r.lo && a->u.r.hi == b->u.r.hi;
  }
  return 0;
}

/* The truth of the operand whose evidence is e, in its group (word). */
static pol_Tri operand_truth(const pol_EvRec *e, uint32_t word)
{
  pol_Tri t = pol_truth(&e->v);
  if (t != POL_UNKNOWN && (word & POL_EVGRP_NEG)) t = t == POL_TRUE ? POL_FALSE : POL_TRUE;
  return t;
}

/* Did evidence record i of r decide its group's value?  Records outside a
   group always count.  A group's value is computed from its operands'
   records in r (an operand short-circuited away has none: `and` stops at
   a false one, `or` at a true one); the operands that decided it are those
   whose truth is the group's value, or, when it is unknown, those that
   are not true (`and`) or not false (`or`, `at least`).  So `a or b` met
   by b does not show the failed a, and `at least 2 of (a, b, c)` met by b
   and c does not show a. */
static int decisive(const pol_VM *vm, const pol_CritResult *r, uint32_t i)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_EvRec *ev = pol_vm_evidence(vm) + r->ev0;
  if (ev[i].evid >= p->nevgrp || (p->evgrp[ev[i].evid] & ~POL_EVGRP_NEG) == 0) return 1;
  uint32_t g = (p->evgrp[ev[i].evid] & ~POL_EVGRP_NEG) - 1, word = p->grp[g];
  uint32_t kind = word & 0xffu, k = word >> 8 & 0xffu, n = word >> 16, yes = 0, no = 0;
  for (uint32_t j = 0; j < r->nev; j++) {
    uint32_t w = ev[j].evid < p->nevgrp ? p->evgrp[ev[j].evid] : 0;
    if ((w & ~POL_EVGRP_NEG) != g + 1) continue;
    pol_Tri t = operand_truth(&ev[j], w);
    yes += t == POL_TRUE;
    no += t == POL_FALSE;
  }
  pol_Tri res;
  if (kind == PG_AND) res = no ? POL_FALSE : yes == n ? POL_TRUE : POL_UNKNOWN;
  else if (kind == PG_OR) res = yes ? POL_TRUE : no == n ? POL_FALSE : POL_UNKNOWN;
  else res = yes >= k ? POL_TRUE : n - no < k ? POL_FALSE : POL_UNKNOWN;
  pol_Tri t = operand_truth(&ev[i], p->evgrp[ev[i].evid]);
  if (res != POL_UNKNOWN) return t == res;
  return kind == PG_AND ? t != POL_TRUE : t != POL_FALSE;
}

/* Is evidence record i of r shown: the first of its kind (dedup), and one
   that decided its group (decisive)? */
static int first_evidence(const pol_VM *vm, const pol_CritResult *r, uint32_t i)
{
  if (!decisive(vm, r, i)) return 0;
  const pol_EvRec *e = &pol_vm_evidence(vm)[r->ev0 + i];
  for (uint32_t j = 0; j < i; j++) {
    const pol_EvRec *f = &pol_vm_evidence(vm)[r->ev0 + j];
    if (f->evid == e->evid && same_value(&f->v, &e->v)) return 0;
  }
  return 1;
}

/* Appends s to buf[0..n) at *at as snprintf would (cut to n - 1 bytes,
   NUL-terminated): the short texts the writers build on the stack. */
static void cut_cat(char *buf, size_t n, size_t *at, const char *s)
{
  size_t len = strlen(s);
  if (len > n - 1 - *at) len = n - 1 - *at;
  memcpy(buf + *at, s, len);
  *at += len;
  buf[*at] = '\0';
}

/* The same for v in decimal. */
static void cut_uint(char *buf, size_t n, size_t *at, unsigned v)
{
  char d[12];
  size_t i = sizeof d - 1;
  d[i] = '\0';
  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  cut_cat(buf, n, at, d + i);
}

/* The case path of missing record m into buf[0..n) (n >= 1), cut as
   snprintf cuts it; its length. */
static size_t missing_path(const pol_Program *p, const pol_Missing *m, char *buf, size_t n)
{
  size_t at = 0;
  if (n == 0) return 0;
  buf[0] = '\0';
  if (m->rec == POL_MISS_REASON) {   /* verified: a string constant */
    cut_cat(buf, n, &at, m->idx < p->nk && p->k[m->idx].tag == PV_STR ? p->k[m->idx].u.s : "?");
  } else if (m->rec == POL_NOSTR) {
    const pol_Fact *f = &p->facts[m->idx];
    if (f->scope == POL_SCOPE_LINE) cut_cat(buf, n, &at, "request.procedures[].");
    cut_cat(buf, n, &at, p->str[f->path]);
  } else {
    const pol_RecType *rt = &p->rec[m->rec];
    cut_cat(buf, n, &at, p->str[rt->path]);
    cut_cat(buf, n, &at, ".");
    cut_cat(buf, n, &at, p->str[rt->fields[m->idx].name]);
  }
  return at;
}

static const pol_CritResult *res_of(const pol_Policy *pol, const pol_LineResult *lr, uint32_t ci)
{
  return &lr->crit[ci - pol->crit0];
}

/* ---- witnesses (docs/cli.md "Witnesses") -------------------------------- */

/* Does descriptor d list field k of its item: a field its predicate
   tested, or the item's `date` (it identifies the item)?  A list of
   records is shown by its own witnesses instead. */
static int wit_shows(const pol_Program *p, const pol_Witness *d, const pol_RecType *rt, uint32_t k)
{
  uint32_t t = rt->fields[k].type;
  if (POL_TKIND(t) == PK_LIST) return 0;
  if (POL_TKIND(t) == PK_DATE && strcmp(p->str[rt->fields[k].name], "date") == 0) return 1;
  for (uint32_t i = 0; i < d->nfields; i++)
    if (p->witdata[d->data0 + i] == k) return 1;
  return 0;
}

/* The record type of a witness item, or NULL if it is not a record. */
static const pol_RecType *wit_rec(const pol_Program *p, const pol_Value *it)
{
  return it->tag == PV_REC && it->aux < p->nrec ? &p->rec[it->aux] : NULL;
}

static int wit_date(const pol_Program *p, const pol_RecType *rt, const pol_Value *it, char out[11])
{
  for (uint32_t k = 0; rt && k < rt->nfields; k++) {
    const pol_Value *f = &((const pol_Value *)it->u.p)[k];
    if (POL_TKIND(rt->fields[k].type) == PK_DATE && f->tag == PV_DATE &&
        strcmp(p->str[rt->fields[k].name], "date") == 0) {
      pol_format_date((int32_t)f->aux, out);
      return 1;
    }
  }
  return 0;
}

static void wit_conj_json(pol_Buf *b, const pol_Program *p, const pol_Witness *d, const char *key,
                          uint32_t mask)
{
  if (!mask) return;
  pol_buf_lit(b, ", \"");
  pol_buf_puts(b, key);
  pol_buf_lit(b, "\": [");
  int first = 1;
  for (uint32_t k = 0; k < d->nconj && k < 32; k++)
    if (mask >> k & 1u) {
      pol_buf_puts(b, first ? "" : ", ");
      first = 0;
      pol_frag_json(b, p, p->witdata[d->data0 + d->nfields + 2 * k + 1]);
    }
  pol_buf_puts(b, "]");
}

static void wit_roles_json(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t parent,
                           uint32_t wit);

/* {"index": 1, "item": {...}}: the item with the fields its predicate
   tested, unknown ones null. */
static void wit_item_json(pol_Buf *b, const pol_Program *p, const pol_WitRec *r)
{
  const pol_Witness *d = &p->wit[r->wit];
  pol_buf_lit(b, "\"index\": ");
  pol_buf_uint(b, r->index);
  pol_buf_lit(b, ", \"item\": ");
  const pol_RecType *rt = wit_rec(p, &r->item);
  if (!rt) { value_json(b, p, &r->item); return; }
  pol_buf_puts(b, "{");
  int first = 1;
  for (uint32_t k = 0; k < rt->nfields; k++) {
    if (!wit_shows(p, d, rt, k)) continue;
    pol_buf_puts(b, first ? "" : ", ");
    first = 0;
    pol_frag_json(b, p, rt->fields[k].name);
    pol_buf_puts(b, ": ");
    value_json(b, p, &((const pol_Value *)r->item.u.p)[k]);
  }
  pol_buf_puts(b, "}");
}

/* One witness or closest item: list, index, item, what it lacked, and its
   nested lists' witnesses under "inner". */
static void wit_one_json(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t ri)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_WitRec *all = pol_vm_witnesses(vm), *r = &all[ri];
  const pol_Witness *d = &p->wit[r->wit];
  pol_buf_puts(b, "{\"list\": ");
  pol_frag_json(b, p, d->list);
  pol_buf_puts(b, ", ");
  wit_item_json(b, p, r);
  wit_conj_json(b, p, d, "lacked", r->lacked);
  wit_conj_json(b, p, d, "unknown", r->unknown);
  int first = 1;
  for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
    if (all[j].parent != ri) continue;
    uint32_t seen = 0;   /* one object per nested operation, its first record */
    for (uint32_t k = e->wit0; k < j && !seen; k++) seen = all[k].parent == ri && all[k].wit == all[j].wit;
    if (seen) continue;
    pol_buf_puts(b, first ? ", \"inner\": [{" : ", {");
    first = 0;
    wit_roles_json(b, vm, e, ri, all[j].wit);
    pol_buf_puts(b, "}");
  }
  if (!first) pol_buf_puts(b, "]");
  pol_buf_puts(b, "}");
}

/* The keys of the records of descriptor wit under parent:
   "witness": {...}, "closest": {...}, "counted": {"list", "items", "more",
   "unknown", "unknown_more"}.  The first key has no leading comma. */
static void wit_roles_json(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t parent,
                           uint32_t wit)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_WitRec *all = pol_vm_witnesses(vm);
  int first = 1, counted = 0;
  uint32_t more = 0, umore = 0;
  for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
    const pol_WitRec *r = &all[j];
    if (r->parent != parent || r->wit != wit) continue;
    if (r->role == PWR_WITNESS || r->role == PWR_CLOSEST) {
      if (!first) pol_buf_lit(b, ", ");
      pol_buf_puts(b, r->role == PWR_WITNESS ? "\"witness\": " : "\"closest\": ");
      first = 0;
      wit_one_json(b, vm, e, j);
    } else if (r->index == POL_NOSTR) {
      if (r->role == PWR_COUNTED) more = r->more;
      else umore = r->more;
    } else {
      counted = 1;
    }
  }
  if (!counted && !more && !umore) return;
  if (!first) pol_buf_lit(b, ", ");
  pol_buf_lit(b, "\"counted\": {\"list\": ");
  pol_frag_json(b, p, p->wit[wit].list);
  for (uint32_t role = PWR_COUNTED; role <= PWR_UNKNOWN; role++) {
    int any = 0;
    for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
      const pol_WitRec *r = &all[j];
      if (r->parent != parent || r->wit != wit || r->role != role || r->index == POL_NOSTR) continue;
      pol_buf_puts(b, any ? ", {" : role == PWR_COUNTED ? ", \"items\": [{" : ", \"unknown\": [{");
      any = 1;
      wit_item_json(b, p, r);
      pol_buf_puts(b, "}");
    }
    if (role == PWR_COUNTED && !any) pol_buf_puts(b, ", \"items\": [");
    if (any || role == PWR_COUNTED) pol_buf_puts(b, "]");
    if (role == PWR_COUNTED && more) { pol_buf_lit(b, ", \"more\": "); pol_buf_uint(b, more); }
    if (role == PWR_UNKNOWN && umore) { pol_buf_lit(b, ", \"unknown_more\": "); pol_buf_uint(b, umore); }
  }
  pol_buf_puts(b, "}");
}

/* ", " and the witness keys of evidence record e, if it has any. */
static void witness_json(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e)
{
  if (!e->nwit) return;
  pol_buf_puts(b, ", ");
  wit_roles_json(b, vm, e, POL_NOSTR, pol_vm_witnesses(vm)[e->wit0].wit);
}

/* " (DATE)" and "+N more" of the witness texts. */
static void date_text(pol_Buf *b, const char *date)
{
  pol_buf_lit(b, " (");
  pol_buf_puts(b, date);
  pol_buf_lit(b, ")");
}

static void more_text(pol_Buf *b, uint32_t more)
{
  pol_buf_lit(b, "+");
  pol_buf_uint(b, more);
  pol_buf_lit(b, " more");
}

/* A text line of three pieces and '\n': "INDENTcites: CITE". */
static void line_text(pol_Buf *b, const char *a, const char *m, const char *c)
{
  pol_buf_puts(b, a);
  pol_buf_puts(b, m);
  pol_buf_puts(b, c);
  pol_buf_lit(b, "\n");
}

/* "imaging #2 (2025-03-01): modality mri, region sij" */
static void wit_item_text(pol_Buf *b, const pol_Program *p, const pol_WitRec *r)
{
  const pol_Witness *d = &p->wit[r->wit];
  char date[11];
  pol_buf_puts(b, p->str[d->list]);
  pol_buf_lit(b, " #");
  pol_buf_uint(b, r->index + 1u);
  const pol_RecType *rt = wit_rec(p, &r->item);
  if (!rt) {
    pol_buf_puts(b, ": ");
    value_text(b, p, &r->item);
    return;
  }
  if (wit_date(p, rt, &r->item, date)) date_text(b, date);
  int first = 1;
  for (uint32_t k = 0; k < rt->nfields; k++) {
    if (!wit_shows(p, d, rt, k) || strcmp(p->str[rt->fields[k].name], "date") == 0) continue;
    pol_buf_puts(b, first ? ": " : ", ");
    pol_buf_puts(b, p->str[rt->fields[k].name]);
    pol_buf_lit(b, " ");
    first = 0;
    value_text(b, p, &((const pol_Value *)r->item.u.p)[k]);
  }
}

static void wit_conj_text(pol_Buf *b, const pol_Program *p, const pol_Witness *d, const char *what,
                          uint32_t mask)
{
  if (!mask) return;
  pol_buf_lit(b, "; ");
  pol_buf_puts(b, what);
  pol_buf_lit(b, " ");
  int first = 1;
  for (uint32_t k = 0; k < d->nconj && k < 32; k++)
    if (mask >> k & 1u) {
      if (!first) pol_buf_lit(b, ", ");
      pol_buf_puts(b, p->str[p->witdata[d->data0 + d->nfields + 2 * k + 1]]);
      first = 0;
    }
}

static void wit_roles_text(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t parent,
                           uint32_t wit, int nested);

/* A witness or closest item, what it lacked, then its nested lists'. */
static void wit_one_text(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t ri)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_WitRec *all = pol_vm_witnesses(vm), *r = &all[ri];
  wit_item_text(b, p, r);
  wit_conj_text(b, p, &p->wit[r->wit], "lacked", r->lacked);
  wit_conj_text(b, p, &p->wit[r->wit], "unknown", r->unknown);
  for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
    if (all[j].parent != ri) continue;
    uint32_t seen = 0;
    for (uint32_t k = e->wit0; k < j && !seen; k++) seen = all[k].parent == ri && all[k].wit == all[j].wit;
    if (!seen) wit_roles_text(b, vm, e, ri, all[j].wit, 1);
  }
}

/* "witness: ...", "closest: ...", "counted: ...; +2 more", "may count: ..."
   (nested: after "; ", on the same line). */
static void wit_roles_text(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, uint32_t parent,
                           uint32_t wit, int nested)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_WitRec *all = pol_vm_witnesses(vm);
  static const char *const label[] = {"witness", "closest", "counted", "may count"};
  for (uint32_t role = PWR_WITNESS; role <= PWR_UNKNOWN; role++) {
    int any = 0;
    for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
      const pol_WitRec *r = &all[j];
      if (r->parent != parent || r->wit != wit || r->role != role) continue;
      /* nested, a witness needs no label: "imaging #3; findings #1: ..." */
      if (!any && nested && role == PWR_WITNESS) pol_buf_puts(b, "; ");
      else if (!any) {
        if (nested) pol_buf_lit(b, "; ");
        pol_buf_puts(b, label[role]);
        pol_buf_lit(b, ": ");
      }
      else pol_buf_puts(b, "; ");
      any = 1;
      if (r->index == POL_NOSTR) more_text(b, r->more);
      else if (role == PWR_WITNESS || role == PWR_CLOSEST) wit_one_text(b, vm, e, j);
      else wit_item_text(b, p, r);
    }
    if (any && !nested) pol_buf_puts(b, "\n");
  }
}

void pol_trace_witness_lines(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e)
{
  if (e->nwit) wit_roles_text(b, vm, e, POL_NOSTR, pol_vm_witnesses(vm)[e->wit0].wit, 0);
}

/* Under an evidence line of the text report: one line per role. */
static void witness_text(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e, const char *indent)
{
  if (!e->nwit) return;
  const pol_WitRec *all = pol_vm_witnesses(vm);
  pol_Buf all_roles = {0};
  wit_roles_text(&all_roles, vm, e, POL_NOSTR, all[e->wit0].wit, 0);
  /* each line indented under the evidence */
  for (char *s = all_roles.s, *nl; s && *s; s = nl + 1) {
    nl = strchr(s, '\n');
    if (!nl) break;
    pol_buf_printf(b, "%s  %.*s\n", indent, (int)(nl - s), s);
  }
  pol_buf_free(&all_roles);
}

/* The summary table's form, after the value: " [imaging #2 (2025-03-01):
   modality mri, region sij]", " [closest: imaging #1 (2025-01-02)]",
   " [counted: #1 (2025-03-10), #3 (2025-05-01), +2 more]", items of a
   list of values with the value: " [counted: #6 glipizide, #17 metformin]"
   (the reasons above it give the whole witness). */
static void witness_ref_text(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_WitRec *all = pol_vm_witnesses(vm);
  int first = 1;
  for (uint32_t j = e->wit0; j < e->wit0 + e->nwit; j++) {
    const pol_WitRec *r = &all[j];
    if (r->parent != POL_NOSTR || r->role == PWR_UNKNOWN) continue;
    if (r->role == PWR_WITNESS) {   /* the item, without its nested lists */
      pol_buf_puts(b, " [");
      wit_item_text(b, p, r);
      pol_buf_puts(b, "]");
      continue;
    }
    if (r->role == PWR_CLOSEST) {
      char date[11];
      pol_buf_lit(b, " [closest: ");
      pol_buf_puts(b, p->str[p->wit[r->wit].list]);
      pol_buf_lit(b, " #");
      pol_buf_uint(b, r->index + 1u);
      if (wit_date(p, wit_rec(p, &r->item), &r->item, date)) date_text(b, date);
      pol_buf_puts(b, "]");
      continue;
    }
    pol_buf_puts(b, first ? " [counted: " : ", ");
    first = 0;
    char date[11];
    if (r->index == POL_NOSTR) more_text(b, r->more);
    else {
      pol_buf_lit(b, "#");
      pol_buf_uint(b, r->index + 1u);
    }
    if (r->index == POL_NOSTR) continue;
    const pol_RecType *rt = wit_rec(p, &r->item);
    if (!rt) {   /* a value, not a record: the value itself ("#6 metformin") */
      pol_buf_lit(b, " ");
      value_text(b, p, &r->item);
    } else if (wit_date(p, rt, &r->item, date))
      date_text(b, date);
  }
  if (!first) pol_buf_puts(b, "]");
}

/* Evidence of a leaf criterion; a composite's is its children's. */
static void evidence_json(pol_Buf *b, const pol_VM *vm, const pol_CritResult *r, int leaf)
{
  const pol_Program *p = pol_vm_program(vm);
  pol_buf_puts(b, "[");
  int first = 1;
  for (uint32_t i = 0; leaf && i < r->nev; i++) {
    if (!first_evidence(vm, r, i)) continue;
    const pol_EvRec *e = &pol_vm_evidence(vm)[r->ev0 + i];
    const pol_Evid *d = &p->evid[e->evid];
    pol_buf_puts(b, first ? "{\"fact\": " : ", {\"fact\": ");
    first = 0;
    pol_frag_json(b, p, d->fact);
    pol_buf_puts(b, ", \"value\": ");
    value_json(b, p, &e->v);
    if (d->expected != POL_NOSTR) {
      pol_buf_puts(b, ", \"expected\": ");
      pol_frag_json(b, p, d->expected);
    }
    if (d->query != POL_NOSTR) {
      pol_buf_puts(b, ", \"query\": ");
      pol_frag_json(b, p, d->query);
    }
    witness_json(b, vm, e);
    pol_buf_puts(b, "}");
  }
  pol_buf_puts(b, "]");
}

/* The unknown facts a criterion or a branch condition recorded itself;
   with reasons, instead, the reasons of the `unknown "REASON"` values and
   tables without the key it met (the trace's `open`, docs/cli.md). */
static void record_facts(pol_Buf *b, const pol_VM *vm, const pol_CritResult *r, int *first,
                         char (*seen)[160], int *nseen, int reasons)
{
  const pol_Program *p = pol_vm_program(vm);
  for (uint32_t i = 0; i < r->nmiss; i++) {
    if ((pol_vm_missing(vm)[r->miss0 + i].rec == POL_MISS_REASON) != (reasons != 0)) continue;
    char path[160];
    size_t len = missing_path(p, &pol_vm_missing(vm)[r->miss0 + i], path, sizeof path);
    int dup = 0;
    for (int s = 0; s < *nseen && !dup; s++) dup = strcmp(seen[s], path) == 0;
    if (dup) continue;
    if (*nseen < 64) memcpy(seen[(*nseen)++], path, len + 1);
    if (!*first) pol_buf_lit(b, ", ");
    *first = 0;
    pol_buf_json_strn(b, path, len);
  }
}

/* The unknown facts of criterion ci: its own records for a leaf, the union
   over its unknown children for a composite.  Appends JSON strings. */
static void missing_facts(pol_Buf *b, const pol_VM *vm, const pol_Policy *pol,
                          const pol_LineResult *lr, uint32_t ci, int *first,
                          char (*seen)[160], int *nseen, int reasons)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(pol, lr, ci);
  if (cr->kind != PC_LEAF) {
    for (uint32_t j = 0; j < cr->nchildren; j++) {
      uint32_t k = p->crit_children[cr->child0 + j];
      if (res_of(pol, lr, k)->status == PS_UNKNOWN)
        missing_facts(b, vm, pol, lr, k, first, seen, nseen, reasons);
    }
    return;
  }
  record_facts(b, vm, r, first, seen, nseen, reasons);
}

/* The reasons (record_facts) of the records of r, or of criterion ci when
   r is NULL, as JSON strings into why. */
/* record_facts of r, or missing_facts of criterion ci when r is NULL,
   into b, with a list of the facts seen of its own.  Not inlined: the
   10 KB list then takes stack only during the call, not in the frame of
   every caller (the recursive missing and missing_text had two, 20 KB a
   level, and the stack pages below them were fresh ones at every start:
   docs/performance.md, "Start-up, fifth pass"). */
__attribute__((noinline)) static void facts_into(pol_Buf *b, const pol_VM *vm, const pol_Policy *pol,
                                                 const pol_LineResult *lr, uint32_t ci,
                                                 const pol_CritResult *r, int reasons)
{
  int first = 1, nseen = 0;
  char seen[64][160];
  if (r) record_facts(b, vm, r, &first, seen, &nseen, reasons);
  else missing_facts(b, vm, pol, lr, ci, &first, seen, &nseen, reasons);
}

static void open_reasons(pol_Buf *why, const pol_VM *vm, const pol_Policy *pol, const pol_LineResult *lr,
                         uint32_t ci, const pol_CritResult *r)
{
  facts_into(why, vm, pol, lr, ci, r, 1);
}

/* `], "open": [...` after a `missing` entry's facts when it has reasons
   (an addition to the trace format, docs/cli.md): open_reasons' strings,
   written in place and taken back when there are none. */
static void open_json(pol_Buf *b, const pol_VM *vm, const pol_Policy *pol, const pol_LineResult *lr,
                      uint32_t ci, const pol_CritResult *r)
{
  size_t at = b->n;
  pol_buf_lit(b, "], \"open\": [");
  size_t body = b->n;
  open_reasons(b, vm, pol, lr, ci, r);
  if (b->n == body) {
    b->n = at;
    b->s[at] = '\0';
  }
}

static void crit_head(pol_Buf *b, const pol_Program *p, uint32_t ci, const char *idkey,
                      uint8_t status)
{
  const pol_Crit *cr = &p->crit[ci];
  pol_buf_lit(b, "{\"");
  pol_buf_puts(b, idkey);
  pol_buf_lit(b, "\": ");
  pol_frag_json(b, p, cr->id);
  pol_buf_lit(b, ", \"status\": \"");
  pol_buf_puts(b, pol_status_name((pol_Status)status));
  pol_buf_lit(b, "\", \"text\": ");
  pol_frag_json(b, p, cr->text);
  if (cr->flags & POL_CRIT_PREREQ) pol_buf_puts(b, ", \"prerequisite\": true");
}

/* An item of a `for each` is eligible or not; the line alone is approved
   or denied (docs/cli.md, "items"): deny and loi are not eligible, approve
   eligible, any other outcome (pend, refer) leaves it undetermined. */
static const char *eligibility(pol_Det d, int json)
{
  if (d == PD_APPROVE) return "eligible";
  if (d == PD_DENY || d == PD_LOI) return json ? "not_eligible" : "not eligible";
  return "undetermined";
}

/* The next steps shown for a line of policy pol judged by branch br
   (POL_NOSTR: none) that is not approved: the policy's, then the
   branch's (docs/language.md, "Next steps").  main: also the policy's. */
static int step_shown(const pol_Step *s, uint32_t pol, uint32_t br, int main)
{
  return s->policy == pol && ((main && s->branch == POL_NOSTR) || (br != POL_NOSTR && s->branch == br));
}

static void steps_json(pol_Buf *b, const pol_Program *p, uint32_t pol, uint32_t br, int main,
                       const char *nl)
{
  int first = 1;
  for (uint32_t i = 0; i < p->nsteps; i++) {
    if (!step_shown(&p->steps[i], pol, br, main)) continue;
    if (first) key_json(b, nl, "next_steps\": [");
    else pol_buf_lit(b, ", ");
    first = 0;
    pol_frag_json(b, p, p->steps[i].text);
  }
  if (!first) pol_buf_puts(b, "]");
}

static void steps_text(pol_Buf *b, const pol_Program *p, uint32_t pol, uint32_t br, int main)
{
  int first = 1;
  for (uint32_t i = 0; i < p->nsteps; i++) {
    if (!step_shown(&p->steps[i], pol, br, main)) continue;
    if (first) pol_buf_puts(b, "\nNext steps:\n");
    first = 0;
    pol_buf_printf(b, "  - %s\n", p->str[p->steps[i].text]);
  }
}

static void upper(char *dst, size_t n, const char *src);

/* The outcome of a review of a prior determination (docs/cli.md,
   "review_outcome"): upheld when the line's determination is the prior
   one; overturned when an adverse one (deny, loi) becomes approve or an
   approval becomes adverse; overturned_in_part when an adverse one
   becomes partial; otherwise (pend, refer, no policy) undetermined. */
static const char *review_outcome(const char *prior, pol_Det det)
{
  const char *now = pol_det_name(det);
  int adverse = strcmp(prior, "deny") == 0 || strcmp(prior, "loi") == 0;
  if (strcmp(prior, now) == 0) return "upheld";
  if (adverse && det == PD_APPROVE) return "overturned";
  if (adverse && det == PD_PARTIAL) return "overturned_in_part";
  if (strcmp(prior, "approve") == 0 && (det == PD_DENY || det == PD_LOI)) return "overturned";
  return "undetermined";
}

static void review_json(pol_Buf *b, const pol_LineInfo *li, pol_Det det, const char *nl)
{
  if (!li->prior) return;
  key_json(b, nl, "review\": ");
  pol_buf_json_str(b, li->review ? li->review : "review");
  key_json(b, nl, "prior_determination\": ");
  pol_buf_json_str(b, li->prior);
  key_json(b, nl, "review_outcome\": ");
  name_json(b, review_outcome(li->prior, det));
}

/* "Independent review of the prior determination DENY: Denial UPHELD" */
/* "  CPT 27279", or a pharmacy line's drug code ("  RxNorm 1551291",
   "  NDC 00169-4060-12") when it has no CPT; "  CPT (none)" without either. */
static void line_code_text(pol_Buf *b, const pol_LineInfo *li)
{
  const char *label = "  CPT ", *code = li->cpt;
  if (!code && li->rxnorm) label = "  RxNorm ", code = li->rxnorm;
  else if (!code && li->ndc) label = "  NDC ", code = li->ndc;
  pol_buf_puts(b, label);
  if (code) pol_buf_text_str(b, code);
  else pol_buf_puts(b, "(none)");
}

static void review_text(pol_Buf *b, const pol_LineInfo *li, pol_Det det)
{
  if (!li->prior) return;
  static const struct { const char *det, *noun; } nouns[] = {
    {"deny", "Denial"}, {"loi", "Non-certification"}, {"approve", "Approval"},
    {"partial", "Partial approval"}, {"pend", "Pended determination"}, {"refer", "Referral"},
  };
  const char *noun = "Prior determination";
  for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
    if (strcmp(li->prior, nouns[i].det) == 0) noun = nouns[i].noun;
  char kind[64], prior[32], out[32];
  snprintf(kind, sizeof kind, "%s", li->review ? li->review : "review");
  for (char *k = kind; *k; k++) if (*k == '_') *k = ' ';
  if (kind[0] >= 'a' && kind[0] <= 'z') kind[0] = (char)(kind[0] - 32);
  upper(prior, sizeof prior, li->prior);
  upper(out, sizeof out, review_outcome(li->prior, det));
  for (char *k = out; *k; k++) if (*k == '_') *k = ' ';
  pol_buf_text_str(b, kind);
  pol_buf_puts(b, " of the prior determination ");
  pol_buf_text_str(b, prior);
  pol_buf_printf(b, ": %s %s\n", noun, out);
}

typedef struct Out {
  pol_Buf *b;
  const pol_VM *vm;
  const pol_Policy *pol;
  const pol_LineResult *lr;   /* lr->crit replaced by the view's results */
  int first;
  int compact;
} Out;

/* The reviewer-chosen params criterion ci reads (section PARM): JSON
   `, "reviewer_chosen": [...]` and text lines; nothing when there are none. */
static void chosen_json(pol_Buf *b, const pol_Program *p, uint32_t ci)
{
  int first = 1;
  for (uint32_t i = 0; i < p->nchosen; i++) {
    const pol_Chosen *c = &p->chosen[i];
    if (c->crit != ci) continue;
    pol_buf_puts(b, first ? ", \"reviewer_chosen\": [{\"param\": " : ", {\"param\": ");
    first = 0;
    pol_frag_json(b, p, c->name);
    pol_buf_puts(b, ", \"value\": ");
    pol_frag_json(b, p, c->value);
    pol_buf_puts(b, ", \"why\": ");
    pol_frag_json(b, p, c->why);
    pol_buf_puts(b, "}");
  }
  if (!first) pol_buf_puts(b, "]");
}

static void chosen_text(pol_Buf *b, const pol_Program *p, uint32_t ci, const char *ind)
{
  for (uint32_t i = 0; i < p->nchosen; i++) {
    const pol_Chosen *c = &p->chosen[i];
    if (c->crit == ci)
      pol_buf_printf(b, "%sreviewer-chosen (not in the policy document): %s = %s -- %s\n", ind,
                     p->str[c->name], p->str[c->value], p->str[c->why]);
  }
}

static void sep(Out *o)
{
  pol_buf_puts(o->b, o->first ? "" : ", ");
  o->first = 0;
}

static void reason(Out *o, uint32_t ci)
{
  const pol_Program *p = pol_vm_program(o->vm);
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(o->pol, o->lr, ci);
  sep(o);
  crit_head(o->b, p, ci, "criterion", r->status);
  if (!o->compact) {
    pol_buf_puts(o->b, ", \"evidence\": ");
    evidence_json(o->b, o->vm, r, cr->kind == PC_LEAF);
  }
  chosen_json(o->b, p, ci);
  if (cr->next != POL_NOSTR) {
    pol_buf_puts(o->b, ", \"next_step\": ");
    pol_frag_json(o->b, p, cr->next);
  }
  if (cr->kind == PC_ANY || cr->kind == PC_ATLEAST) {
    pol_buf_puts(o->b, ", \"detail\": [");
    for (uint32_t j = 0; j < cr->nchildren; j++) {
      uint32_t k = p->crit_children[cr->child0 + j];
      pol_buf_puts(o->b, j ? ", " : "");
      pol_buf_puts(o->b, "{\"criterion\": ");
      pol_frag_json(o->b, p, p->crit[k].id);
      pol_buf_lit(o->b, ", \"status\": ");
      name_json(o->b, pol_status_name((pol_Status)res_of(o->pol, o->lr, k)->status));
      pol_buf_lit(o->b, "}");
    }
    pol_buf_puts(o->b, "]");
  }
  pol_buf_puts(o->b, "}");
  if (cr->kind == PC_ALL)
    for (uint32_t j = 0; j < cr->nchildren; j++) {
      uint32_t k = p->crit_children[cr->child0 + j];
      if (res_of(o->pol, o->lr, k)->status == PS_NOT_MET) reason(o, k);
    }
}

/* Beneath a criterion listed as missing: its children when it is unknown,
   and an "all of"'s children when it failed (they still need an answer). */
static int descend_missing(const pol_Crit *cr, const pol_CritResult *r)
{
  return cr->kind != PC_LEAF &&
         (r->status == PS_UNKNOWN || (r->status == PS_NOT_MET && cr->kind == PC_ALL));
}

static void missing(Out *o, uint32_t ci)
{
  const pol_Program *p = pol_vm_program(o->vm);
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(o->pol, o->lr, ci);
  if (r->status == PS_UNKNOWN) {
    sep(o);
    pol_buf_puts(o->b, "{\"criterion\": ");
    pol_frag_json(o->b, p, cr->id);
    pol_buf_puts(o->b, ", \"facts\": [");
    facts_into(o->b, o->vm, o->pol, o->lr, ci, NULL, 0);
    open_json(o->b, o->vm, o->pol, o->lr, ci, NULL);
    pol_buf_puts(o->b, "], \"text\": ");
    pol_frag_json(o->b, p, cr->text);
    chosen_json(o->b, p, ci);
    pol_buf_puts(o->b, "}");
  }
  if (descend_missing(cr, r))
    for (uint32_t j = 0; j < cr->nchildren; j++) missing(o, p->crit_children[cr->child0 + j]);
}


/* How the trace names a branch condition in `missing`: "branch I.A", or
   "assess level_of_care" for an assess block. */
static void cond_name(char *buf, size_t n, const pol_Program *p, const pol_Branch *br)
{
  size_t at = 0;
  cut_cat(buf, n, &at, br->aspect != POL_NOSTR ? "assess " : "branch ");
  cut_cat(buf, n, &at, p->str[br->aspect != POL_NOSTR ? br->aspect : br->name]);
}

/* A branch condition that is unknown, in `missing`: which branch judges
   the line (or whether an assess block applies) waits for its facts. */
static void cond_missing(Out *o, uint32_t b)
{
  const pol_Program *p = pol_vm_program(o->vm);
  const pol_Branch *br = &p->branches[b];
  char name[300];
  cond_name(name, sizeof name, p, br);
  sep(o);
  pol_buf_puts(o->b, "{\"criterion\": ");
  pol_buf_json_str(o->b, name);
  pol_buf_puts(o->b, ", \"branch\": ");
  pol_frag_json(o->b, p, br->aspect != POL_NOSTR ? br->aspect : br->name);
  if (br->when != POL_NOSTR) {
    pol_buf_puts(o->b, ", \"when\": ");
    pol_frag_json(o->b, p, br->when);
  }
  pol_buf_puts(o->b, ", \"facts\": [");
  facts_into(o->b, o->vm, NULL, NULL, 0, &o->lr->cond[b - o->pol->branch0], 0);
  open_json(o->b, o->vm, NULL, NULL, 0, &o->lr->cond[b - o->pol->branch0]);
  pol_buf_puts(o->b, "], \"text\": ");
  pol_frag_json(o->b, p, br->text);
  pol_buf_puts(o->b, "}");
}

/* The reason a line no branch applies to gets the policy's `otherwise`. */
static const char *otherwise_text(const pol_Program *p, const pol_Policy *pol, char *buf, size_t n)
{
  if (pol->otherwise_text != POL_NOSTR) return p->str[pol->otherwise_text];
  size_t at = 0;
  cut_cat(buf, n, &at, "No branch of policy ");
  cut_cat(buf, n, &at, p->str[pol->id]);
  cut_cat(buf, n, &at, " applies to this line");
  return buf;
}

static void otherwise_reason(Out *o)
{
  char buf[300];
  sep(o);
  pol_buf_puts(o->b, "{\"criterion\": \"otherwise\", \"status\": \"not_met\", \"text\": ");
  pol_buf_json_str(o->b, otherwise_text(pol_vm_program(o->vm), o->pol, buf, sizeof buf));
  if (!o->compact) pol_buf_puts(o->b, ", \"evidence\": []");
  pol_buf_lit(o->b, ", \"otherwise\": ");
  name_json(o->b, pol_det_name(o->lr->det));
  pol_buf_lit(o->b, "}");
}

/* An authorized value that is unknown, in `missing`: the line pends until
   its facts are known ("criterion": "authorize quantity"). */
static void auth_missing(Out *o)
{
  const pol_Program *p = pol_vm_program(o->vm);
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    const pol_AuthResult *a = &o->lr->auth[f];
    if (!(o->lr->authmask >> f & 1u) || a->value.tag != PV_UNK) continue;
    const pol_Branch *br = &p->branches[a->branch];
    sep(o);
    pol_buf_lit(o->b, "{\"criterion\": \"authorize ");
    pol_buf_puts(o->b, pol_auth_name(f));
    pol_buf_lit(o->b, "\", \"field\": ");
    name_json(o->b, pol_auth_name(f));
    pol_buf_lit(o->b, ", \"branch\": ");
    pol_frag_json(o->b, p, br->aspect != POL_NOSTR ? br->aspect : br->name);
    pol_buf_puts(o->b, ", \"facts\": [");
    pol_CritResult r = {PS_UNKNOWN, 0, 0, a->miss0, a->nmiss};
    facts_into(o->b, o->vm, NULL, NULL, 0, &r, 0);
    open_json(o->b, o->vm, NULL, NULL, 0, &r);
    pol_buf_lit(o->b, "], \"text\": \"The authorized ");
    pol_buf_puts(o->b, pol_auth_name(f));
    pol_buf_lit(o->b, " is unknown\"}");
  }
}

/* A recommended adverse determination: the first reason of the refer
   (the criteria that caused it follow). */
static void recommended_reason(Out *o)
{
  sep(o);
  pol_buf_puts(o->b, "{\"criterion\": \"review\", \"status\": \"not_met\", \"text\": ");
  pol_buf_json_str(o->b, POL_RECOMMENDED_TEXT);
  if (!o->compact) pol_buf_puts(o->b, ", \"evidence\": []");
  pol_buf_lit(o->b, ", \"recommended\": ");
  name_json(o->b, pol_det_name((pol_Det)o->lr->recommended));
  pol_buf_lit(o->b, "}");
}

/* ---- JSON -------------------------------------------------------------- */

/* Is criterion ci (or its root) one of tops[0..n)? */
static int in_view(const pol_Program *p, uint32_t ci, const uint32_t *tops, uint32_t n)
{
  while (p->crit[ci].parent != POL_NOSTR) ci = p->crit[ci].parent;
  for (uint32_t j = 0; j < n; j++)
    if (tops[j] == ci) return 1;
  return 0;
}

/* A view: the criteria judged together (a branch, one item, an assess
   block) with their results and determination. */
typedef struct View {
  const uint32_t *tops;
  uint32_t ntops;
  const pol_CritResult *res;
  pol_Det det;
  int main;              /* list the criteria of every main branch */
  uint32_t cond;         /* an assess block's branch (its condition may be
                            unknown), or POL_NOSTR */
} View;

static int listed(const pol_Program *p, const pol_Policy *pol, const View *v, uint32_t ci)
{
  if (!v->main) return in_view(p, ci, v->tops, v->ntops);
  for (uint32_t b = pol->branch0; b < pol->branch0 + pol->nbranches; b++) {
    const pol_Branch *br = &p->branches[b];
    if (br->aspect == POL_NOSTR && in_view(p, ci, p->branch_crit + br->crit0, br->ncrit)) return 1;
  }
  return 0;
}

static void view_json(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr0, const View *v,
                      int flags, const char *nl, const char *nl2)
{
  const pol_Program *p = pol_vm_program(vm);
  pol_LineResult lr = *lr0;
  lr.crit = (pol_CritResult *)v->res;
  Out o = {b, vm, &p->pol[lr.policy], &lr, 1, (flags & POL_TRACE_COMPACT) != 0};
  key_json(b, nl, "determination\": ");
  name_json(b, pol_det_name(v->det));
  key_json(b, nl, "reasons\": [");
  int failing = v->det != PD_APPROVE && v->det != PD_PEND;
  if (v->main && lr.recommended >= 0) recommended_reason(&o);
  if (v->main && lr.bstate == PB_NONE) otherwise_reason(&o);
  if (failing)
    for (uint32_t j = 0; j < v->ntops; j++)
      if (pol_crit_fails(p, v->tops[j], res_of(o.pol, &lr, v->tops[j])->status)) reason(&o, v->tops[j]);
  pol_buf_lit(b, "]");
  key_json(b, nl, "missing\": [");
  o.first = 1;
  if (v->main && lr.bstate == PB_UNKNOWN)
    for (uint32_t k = o.pol->branch0; k < o.pol->branch0 + o.pol->nbranches; k++)
      if (p->branches[k].aspect == POL_NOSTR && lr.cond[k - o.pol->branch0].status == PS_UNKNOWN)
        cond_missing(&o, k);
  if (v->cond != POL_NOSTR && lr.cond[v->cond - o.pol->branch0].status == PS_UNKNOWN)
    cond_missing(&o, v->cond);
  if (v->det != PD_APPROVE)
    for (uint32_t j = 0; j < v->ntops; j++) missing(&o, v->tops[j]);
  if (v->main && lr.auth_open) auth_missing(&o);
  pol_buf_puts(b, "]");
  if (!(flags & POL_TRACE_CRITERIA)) return;
  key_json(b, nl, "criteria\": [");
  int first = 1;
  for (uint32_t j = 0; j < o.pol->ncrit; j++) {
    uint32_t ci = o.pol->crit0 + j;
    if (!listed(p, o.pol, v, ci)) continue;
    const pol_Crit *cr = &p->crit[ci];
    const pol_CritResult *r = &v->res[j];
    if (flags & POL_TRACE_COMPACT) {
      pol_buf_puts(b, first ? "{\"id\": " : ", {\"id\": ");
      first = 0;
      pol_frag_json(b, p, cr->id);
      pol_buf_lit(b, ", \"status\": ");
      name_json(b, pol_status_name((pol_Status)r->status));
      pol_buf_lit(b, "}");
      continue;
    }
    if (!first) pol_buf_lit(b, ",");
    pol_buf_puts(b, nl2);
    first = 0;
    crit_head(b, p, ci, "id", r->status);
    pol_buf_puts(b, ", \"source\": ");
    char src[512];
    size_t at = 0;
    cut_cat(src, sizeof src, &at, p->str[cr->file]);
    cut_cat(src, sizeof src, &at, ":");
    cut_uint(src, sizeof src, &at, cr->line);
    cut_cat(src, sizeof src, &at, ":");
    cut_uint(src, sizeof src, &at, cr->col);
    pol_buf_json_strn(b, src, at);
    if (cr->flags & POL_CRIT_EXCLUSION) pol_buf_puts(b, ", \"exclusion\": true");
    if (cr->cite != POL_NOSTR) {
      pol_buf_puts(b, ", \"cite\": ");
      pol_frag_json(b, p, cr->cite);
    }
    if (cr->tags) {
      pol_buf_puts(b, ", \"tags\": [");
      int ft = 1;
      for (uint32_t t = 0; t < o.pol->ntags; t++)
        if (cr->tags >> t & 1u) {
          pol_buf_puts(b, ft ? "" : ", ");
          ft = 0;
          pol_frag_json(b, p, p->tagnames[o.pol->tag0 + t]);
        }
      pol_buf_puts(b, "]");
    }
    pol_buf_puts(b, ", \"evidence\": ");
    evidence_json(b, vm, r, cr->kind == PC_LEAF);
    chosen_json(b, p, ci);
    pol_buf_puts(b, "}");
  }
  if ((flags & POL_TRACE_PRETTY) && !first) pol_buf_puts(b, nl);
  pol_buf_lit(b, "]");
}

static void line_json(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const pol_LineResult *lr,
                      int flags)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_LineInfo *li = pol_case_line(c, lr->line);
  int pretty = (flags & POL_TRACE_PRETTY) != 0;
  const char *nl = pretty ? "\n      " : " ", *nl2 = pretty ? "\n        " : " ";
  const char *inl = pretty ? "\n          " : " ", *inl2 = pretty ? "\n            " : " ";
  pol_buf_lit(b, "{");
  pol_buf_puts(b, nl);
  pol_buf_lit(b, "\"line\": ");
  pol_buf_int(b, li->number);
  key_json(b, nl, "cpt\": ");
  if (li->cpt) pol_buf_json_str(b, li->cpt);
  else pol_buf_puts(b, "null");
  key_json(b, nl, "policy\": ");
  if (lr->policy == POL_NOSTR) {
    pol_buf_puts(b, "null");
    key_json(b, nl, "determination\": ");
    name_json(b, pol_det_name(lr->det));
    key_json(b, nl, "reasons\": []");
    key_json(b, nl, "missing\": []");
    if (flags & POL_TRACE_CRITERIA) key_json(b, nl, "criteria\": []");
    review_json(b, li, lr->det, nl);
    pol_buf_puts(b, pretty ? "\n    }" : " }");
    return;
  }
  const pol_Policy *pol = &p->pol[lr->policy];
  pol_buf_puts(b, "{\"id\": ");
  pol_frag_json(b, p, pol->id);
  pol_buf_puts(b, ", \"title\": ");
  pol_frag_json(b, p, pol->title);
  pol_buf_puts(b, ", \"version\": ");
  pol_frag_json(b, p, pol->version);
  pol_buf_puts(b, "}");
  const pol_Branch *br = lr->branch == POL_NOSTR ? NULL : &p->branches[lr->branch];
  if (br) {
    key_json(b, nl, "branch\": ");
    pol_frag_json(b, p, br->name);
  }
  if (lr->recommended >= 0) {
    key_json(b, nl, "recommended\": ");
    name_json(b, pol_det_name((pol_Det)lr->recommended));
  }
  View v = {br ? p->branch_crit + br->crit0 : NULL, br ? br->ncrit : 0, lr->crit, lr->det, 1,
            POL_NOSTR};
  view_json(b, vm, lr, &v, flags, nl, nl2);
  if (lr->det != PD_APPROVE) steps_json(b, p, lr->policy, lr->branch, 1, nl);
  review_json(b, li, lr->det, nl);
  if (br && br->each != POL_NOSTR) {
    key_json(b, nl, "line_determination\": ");
    name_json(b, pol_det_name(lr->line_det));
    key_json(b, nl, "items\": ");
    if (!lr->items_known) pol_buf_puts(b, "null");
    else {
      pol_buf_puts(b, "[");
      for (uint32_t i = 0; i < lr->nitems; i++) {
        const pol_ItemResult *it = &lr->items[i];
        if (i) pol_buf_lit(b, ",");
        pol_buf_puts(b, nl2);
        pol_buf_lit(b, "{");
        pol_buf_puts(b, inl);
        pol_buf_lit(b, "\"item\": ");
        value_json(b, p, &it->item);
        key_json(b, inl, "eligibility\": ");
        name_json(b, eligibility(it->det, 1));
        View iv = {p->branch_crit + br->ecrit0, br->necrit, it->crit, it->det, 0, POL_NOSTR};
        view_json(b, vm, lr, &iv, flags, inl, inl2);
        pol_buf_puts(b, pretty ? "\n        }" : " }");
      }
      if (pretty && lr->nitems) pol_buf_puts(b, nl);
      pol_buf_lit(b, "]");
    }
  }
  if (pol_auth_shown(lr)) {
    key_json(b, nl, "authorization\": ");
    pol_auth_json(b, p, lr);
  }
  if (lr->naspects) {
    key_json(b, nl, "assessments\": [");
    for (uint32_t a = 0; a < lr->naspects; a++) {
      const pol_Branch *ab = &p->branches[lr->aspects[a].branch];
      if (a) pol_buf_lit(b, ",");
      pol_buf_puts(b, nl2);
      pol_buf_lit(b, "{");
      pol_buf_puts(b, inl);
      pol_buf_lit(b, "\"aspect\": ");
      pol_frag_json(b, p, ab->aspect);
      key_json(b, inl, "text\": ");
      pol_frag_json(b, p, ab->text);
      View av = {p->branch_crit + ab->crit0, ab->ncrit, lr->crit, lr->aspects[a].det, 0,
                 lr->aspects[a].branch};
      view_json(b, vm, lr, &av, flags, inl, inl2);
      if (lr->aspects[a].det != PD_APPROVE)
        steps_json(b, p, lr->policy, lr->aspects[a].branch, 0, inl);
      pol_buf_puts(b, pretty ? "\n        }" : " }");
    }
    pol_buf_puts(b, nl);
    pol_buf_lit(b, "]");
  }
  pol_buf_puts(b, pretty ? "\n    }" : " }");
}

void pol_trace_json(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const pol_LineResult *lines,
                    const pol_TraceMeta *meta, int flags)
{
  const pol_Program *p = pol_vm_program(vm);
  int pretty = (flags & POL_TRACE_PRETTY) != 0;
  const char *nl = pretty ? "\n  " : " ";
  pol_buf_lit(b, "{");
  pol_buf_puts(b, nl);
  pol_buf_lit(b, "\"case_id\": ");
  pol_buf_json_str(b, pol_case_id(c));
  key_json(b, nl, "bundle\": ");
  bundle_json(b, p);
  if (meta && meta->case_sha256) {
    key_json(b, nl, "case_sha256\": ");
    name_json(b, meta->case_sha256);
  }
  key_json(b, nl, "determinations\": [");
  uint32_t n = pol_case_nlines(c);
  for (uint32_t i = 0; i < n; i++) {
    if (i) pol_buf_lit(b, ",");
    pol_buf_puts(b, pretty ? "\n    " : (i ? " " : ""));
    line_json(b, vm, c, &lines[i], flags);
  }
  if (pretty && n) pol_buf_lit(b, "\n  ");
  pol_buf_puts(b, pretty ? "]\n}" : "]}");
}

/* ---- text -------------------------------------------------------------- */

static const char *status_word(uint8_t s)
{
  static const char *w[] = {"NOT MET", "MET", "UNKNOWN", "n/a"};
  return s <= PS_NA ? w[s] : "?";
}

static void evidence_text(pol_Buf *b, const pol_VM *vm, const pol_CritResult *r, const char *indent)
{
  const pol_Program *p = pol_vm_program(vm);
  for (uint32_t i = 0; i < r->nev; i++) {
    if (!first_evidence(vm, r, i)) continue;
    const pol_EvRec *e = &pol_vm_evidence(vm)[r->ev0 + i];
    const pol_Evid *d = &p->evid[e->evid];
    pol_buf_puts(b, indent);
    if (d->query != POL_NOSTR) {
      pol_buf_lit(b, "[");
      pol_buf_puts(b, p->str[d->query]);
      pol_buf_lit(b, "] => ");
    } else {
      pol_buf_puts(b, p->str[d->fact]);
      pol_buf_lit(b, " = ");
    }
    value_text(b, p, &e->v);
    if (d->expected != POL_NOSTR) {
      pol_buf_lit(b, "   (expected ");
      pol_buf_puts(b, p->str[d->expected]);
      pol_buf_lit(b, ")");
    }
    pol_buf_lit(b, "\n");
    witness_text(b, vm, e, indent);
  }
}

static void reason_text(pol_Buf *b, const pol_VM *vm, const pol_Policy *pol, const pol_LineResult *lr,
                        uint32_t ci, int depth)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(pol, lr, ci);
  char ind[64];   /* 6 + 2 * depth spaces (as "%*s" pads), cut to fit */
  size_t nind = 6 + 2 * (size_t)depth < sizeof ind - 1 ? 6 + 2 * (size_t)depth : sizeof ind - 1;
  memset(ind, ' ', nind);
  ind[nind] = '\0';
  pol_buf_lit(b, "  ");
  for (int i = 0; i < depth; i++) pol_buf_lit(b, "  ");
  pol_buf_lit(b, "- ");
  if (cr->flags & POL_CRIT_PREREQ) pol_buf_lit(b, "prerequisite ");
  pol_buf_puts(b, p->str[cr->id]);
  pol_buf_puts(b, (cr->flags & POL_CRIT_EXCLUSION) ? " APPLIES: " : " NOT MET: ");
  pol_buf_puts(b, p->str[cr->text]);
  pol_buf_lit(b, "\n");
  if (cr->kind == PC_LEAF) evidence_text(b, vm, r, ind);
  chosen_text(b, p, ci, ind);
  if (cr->cite != POL_NOSTR) line_text(b, ind, "cites: ", p->str[cr->cite]);
  if (cr->next != POL_NOSTR) line_text(b, ind, "next step: ", p->str[cr->next]);
  for (uint32_t j = 0; j < cr->nchildren; j++) {
    uint32_t k = p->crit_children[cr->child0 + j];
    uint8_t st = res_of(pol, lr, k)->status;
    if (cr->kind == PC_ALL && st == PS_NOT_MET) reason_text(b, vm, pol, lr, k, depth + 1);
    else if (cr->kind != PC_ALL) {
      pol_buf_puts(b, ind);
      pol_buf_puts(b, p->str[p->crit[k].id]);
      line_text(b, " ", status_word(st), "");
    }
  }
}

static void missing_text(pol_Buf *b, const pol_VM *vm, const pol_Policy *pol, const pol_LineResult *lr,
                         uint32_t ci)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(pol, lr, ci);
  if (r->status == PS_UNKNOWN) {
    pol_Buf facts = {0};
    facts_into(&facts, vm, pol, lr, ci, NULL, 0);
    pol_Buf why = {0};
    open_reasons(&why, vm, pol, lr, ci, NULL);
    pol_buf_printf(b, "  - %s: %s\n", p->str[cr->id], p->str[cr->text]);
    if (facts.n || !why.n) pol_buf_printf(b, "      needs: %s\n", facts.n ? facts.s : "(see evidence)");
    if (why.n) pol_buf_printf(b, "      not judged: %s\n", why.s);
    chosen_text(b, p, ci, "      ");
    pol_buf_free(&facts);
    pol_buf_free(&why);
  }
  if (descend_missing(cr, r))
    for (uint32_t j = 0; j < cr->nchildren; j++) missing_text(b, vm, pol, lr, p->crit_children[cr->child0 + j]);
}

static void upper(char *dst, size_t n, const char *src)
{
  size_t i = 0;
  for (; src[i] && i + 1 < n; i++) dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
  dst[i] = '\0';
}

/* Failing criteria of a view, then its unknown ones, one line each. */
static void view_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr, const uint32_t *tops,
                      uint32_t n, pol_Det det)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Policy *pol = &p->pol[lr->policy];
  if (det != PD_APPROVE && det != PD_PEND)
    for (uint32_t j = 0; j < n; j++)
      if (pol_crit_fails(p, tops[j], res_of(pol, lr, tops[j])->status)) reason_text(b, vm, pol, lr, tops[j], 1);
  if (det != PD_APPROVE)
    for (uint32_t j = 0; j < n; j++) missing_text(b, vm, pol, lr, tops[j]);
}

static void items_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr, const pol_Branch *br)
{
  const pol_Program *p = pol_vm_program(vm);
  char det[16];
  upper(det, sizeof det, pol_det_name(lr->line_det));
  pol_buf_printf(b, "\nLine-level criteria alone: %s\nPer-item eligibility:\n", det);
  if (!lr->items_known) {
    pol_buf_puts(b, "  the list of items is unknown\n");
    return;
  }
  for (uint32_t i = 0; i < lr->nitems; i++) {
    const pol_ItemResult *it = &lr->items[i];
    upper(det, sizeof det, pol_det_name(it->det));
    pol_buf_puts(b, "  * ");
    value_text(b, p, &it->item);
    if (it->det == PD_APPROVE || it->det == PD_DENY) pol_buf_printf(b, ": %s\n", eligibility(it->det, 0));
    else pol_buf_printf(b, ": %s (%s)\n", eligibility(it->det, 0), det);
    pol_LineResult view = *lr;
    view.crit = it->crit;
    view_text(b, vm, &view, p->branch_crit + br->ecrit0, br->necrit, it->det);
  }
}

/* A branch condition that is unknown, as a missing item. */
static void cond_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr, uint32_t bi)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Branch *br = &p->branches[bi];
  char name[300];
  cond_name(name, sizeof name, p, br);
  pol_Buf facts = {0};
  const pol_CritResult *cr = &lr->cond[bi - p->pol[lr->policy].branch0];
  facts_into(&facts, vm, NULL, NULL, 0, cr, 0);
  pol_Buf why = {0};
  open_reasons(&why, vm, NULL, NULL, 0, cr);
  pol_buf_printf(b, "  - %s: %s\n", name, p->str[br->text]);
  if (br->when != POL_NOSTR) pol_buf_printf(b, "      when: %s\n", p->str[br->when]);
  if (facts.n || !why.n) pol_buf_printf(b, "      needs: %s\n", facts.n ? facts.s : "(see the condition)");
  if (why.n) pol_buf_printf(b, "      not judged: %s\n", why.s);
  pol_buf_free(&facts);
  pol_buf_free(&why);
}

static void aspect_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr, uint32_t a)
{
  const pol_Program *p = pol_vm_program(vm);
  uint32_t bi = lr->aspects[a].branch;
  const pol_Branch *ab = &p->branches[bi];
  char det[16];
  upper(det, sizeof det, pol_det_name(lr->aspects[a].det));
  pol_buf_printf(b, "\nAssessment %s (%s): %s\n", p->str[ab->aspect], p->str[ab->text], det);
  if (lr->cond[bi - p->pol[lr->policy].branch0].status == PS_UNKNOWN) {
    pol_buf_puts(b, "Whether it applies is unknown; information missing:\n");
    cond_text(b, vm, lr, bi);
    return;
  }
  view_text(b, vm, lr, p->branch_crit + ab->crit0, ab->ncrit, lr->aspects[a].det);
  if (lr->aspects[a].det != PD_APPROVE) steps_text(b, p, lr->policy, bi, 0);
}

/* "APPROVED AS MODIFIED: setting outpatient (requested inpatient)" when
   the authorization differs from the request, "Authorized: ..."; or, when
   an authorized value is unknown, what it needs (the line pends). */
static void auth_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr)
{
  const pol_Program *p = pol_vm_program(vm);
  if (lr->auth_open) {
    pol_buf_puts(b, "Authorization unknown (decides the request):\n");
    for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
      const pol_AuthResult *a = &lr->auth[f];
      if (!(lr->authmask >> f & 1u) || a->value.tag != PV_UNK) continue;
      pol_Buf facts = {0};
      pol_CritResult r = {PS_UNKNOWN, 0, 0, a->miss0, a->nmiss};
      facts_into(&facts, vm, NULL, NULL, 0, &r, 0);
      pol_Buf why = {0};
      open_reasons(&why, vm, NULL, NULL, 0, &r);
      pol_buf_printf(b, "  - authorize %s\n", pol_auth_name(f));
      if (facts.n || !why.n) pol_buf_printf(b, "      needs: %s\n", facts.n ? facts.s : "(see the authorize block)");
      if (why.n) pol_buf_printf(b, "      not judged: %s\n", why.s);
      pol_buf_free(&facts);
      pol_buf_free(&why);
    }
    return;
  }
  uint32_t ch = pol_auth_changes(p, lr);
  if (ch) {
    pol_buf_puts(b, "APPROVED AS MODIFIED: ");
    pol_auth_changes_text(b, p, lr, ch);
    pol_buf_puts(b, "\n");
  }
  pol_buf_puts(b, "Authorized: ");
  pol_auth_summary(b, p, lr);
  pol_buf_puts(b, "\n");
}

/* A routed line no main branch judges: open which one, or none applies. */
static void no_branch_text(pol_Buf *b, const pol_VM *vm, const pol_LineResult *lr)
{
  const pol_Program *p = pol_vm_program(vm);
  const pol_Policy *pol = &p->pol[lr->policy];
  if (lr->bstate == PB_UNKNOWN) {
    pol_buf_puts(b, "Which branch of the policy applies is unknown.\n"
                    "\nInformation missing (decides the request):\n");
    for (uint32_t k = pol->branch0; k < pol->branch0 + pol->nbranches; k++)
      if (p->branches[k].aspect == POL_NOSTR && lr->cond[k - pol->branch0].status == PS_UNKNOWN)
        cond_text(b, vm, lr, k);
    return;
  }
  char buf[300], det[16];
  upper(det, sizeof det, pol_det_name(lr->det));
  pol_buf_printf(b, "No branch of the policy applies to this line: %s (otherwise)\n  - %s\n", det,
                 otherwise_text(p, pol, buf, sizeof buf));
}

void pol_trace_text(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const pol_LineResult *lines,
                    const pol_TraceMeta *meta)
{
  const pol_Program *p = pol_vm_program(vm);
  char hex[65];
  pol_sha_hex(p->sha256, hex);
  pol_buf_puts(b, "Case ");
  pol_buf_text_str(b, pol_case_id(c));
  pol_buf_lit(b, "\nBundle sha256 ");
  pol_buf_put(b, hex, 16);
  line_text(b, "... built ", p->str[p->built], "");
  if (p->sig == POL_SIG_VALID) {
    pol_sha_hex(p->signer, hex);
    pol_buf_printf(b, "Bundle signed by %s\n", hex);
  }
  if (meta && meta->case_sha256) pol_buf_printf(b, "Case sha256 %.16s...\n", meta->case_sha256);
  uint32_t n = pol_case_nlines(c);
  if (n == 0) pol_buf_puts(b, "\nThe request has no procedure lines.\n");
  for (uint32_t i = 0; i < n; i++) {
    const pol_LineResult *lr = &lines[i];
    const pol_LineInfo *li = pol_case_line(c, lr->line);
    char det[16];
    upper(det, sizeof det, pol_det_name(lr->det));
    pol_buf_lit(b, "\n== Line ");
    pol_buf_int(b, li->number);
    line_code_text(b, li);
    line_text(b, "  ->  ", det, " ==");
    review_text(b, li, lr->det);
    if (lr->recommended >= 0) {
      upper(det, sizeof det, pol_det_name((pol_Det)lr->recommended));
      pol_buf_printf(b, "Recommended: %s (" POL_RECOMMENDED_TEXT ")\n", det);
    }
    if (lr->policy == POL_NOSTR) {
      pol_buf_puts(b, "No policy in this bundle covers this code on this date.\n");
      continue;
    }
    const pol_Policy *pol = &p->pol[lr->policy];
    pol_buf_lit(b, "Policy ");
    pol_buf_puts(b, p->str[pol->id]);
    pol_buf_lit(b, " \"");
    line_text(b, p->str[pol->title], "\", version ", p->str[pol->version]);
    if (lr->branch == POL_NOSTR) {
      no_branch_text(b, vm, lr);
      if (lr->det != PD_APPROVE) steps_text(b, p, lr->policy, POL_NOSTR, 1);
      for (uint32_t a = 0; a < lr->naspects; a++) aspect_text(b, vm, lr, a);
      continue;
    }
    const pol_Branch *br = &p->branches[lr->branch];
    line_text(b, "Criteria ", p->str[br->name], "");
    if (pol_auth_shown(lr)) auth_text(b, vm, lr);
    if (lr->line_det != PD_APPROVE && lr->line_det != PD_PEND) {
      /* the heading only over a reason: a refer on an unknown criterion
         alone (`refer when any unknown tagged …`) has none */
      int head = 0;
      for (uint32_t j = 0; j < br->ncrit; j++) {
        uint32_t ci = p->branch_crit[br->crit0 + j];
        if (!pol_crit_fails(p, ci, res_of(pol, lr, ci)->status)) continue;
        if (!head++)
          pol_buf_puts(b, lr->line_det == PD_DENY ? "\nDenied because:\n" : "\nNot certified because:\n");
        reason_text(b, vm, pol, lr, ci, 0);
      }
    }
    if (lr->line_det != PD_APPROVE) {
      pol_Buf mt = {0};
      for (uint32_t j = 0; j < br->ncrit; j++) missing_text(&mt, vm, pol, lr, p->branch_crit[br->crit0 + j]);
      if (mt.n) pol_buf_printf(b, "\nInformation missing%s:\n%s", lr->line_det == PD_PEND ? " (decides the request)" : "", mt.s);
      pol_buf_free(&mt);
    }
    if (br->each != POL_NOSTR) items_text(b, vm, lr, br);
    if (lr->det != PD_APPROVE) steps_text(b, p, lr->policy, lr->branch, 1);
    for (uint32_t a = 0; a < lr->naspects; a++) aspect_text(b, vm, lr, a);
    uint32_t met = 0, total = 0;
    for (uint32_t j = 0; j < br->ncrit; j++) {
      uint32_t ci = p->branch_crit[br->crit0 + j];
      if (p->crit[ci].flags & POL_CRIT_EXCLUSION) continue;
      total++;
      met += res_of(pol, lr, ci)->status == PS_MET;
    }
    pol_buf_lit(b, "\nSummary of policy compliance: ");
    pol_buf_uint(b, met);
    pol_buf_lit(b, " of ");
    pol_buf_uint(b, total);
    pol_buf_lit(b, " criteria met\n");
    pol_buf_puts(b, "  | Criterion | Status | Evidence |\n  |---|---|---|\n");
    for (uint32_t j = 0; j < pol->ncrit; j++) {
      const pol_CritResult *r = &lr->crit[j];
      if (r->status == PS_NA) continue;
      const pol_Crit *cr = &p->crit[pol->crit0 + j];
      const char *st = (cr->flags & POL_CRIT_EXCLUSION)
                         ? (r->status == PS_MET ? "APPLIES" : r->status == PS_NOT_MET ? "does not apply" : "UNKNOWN")
                         : status_word(r->status);
      pol_buf_puts(b, cr->parent != POL_NOSTR ? "  |   " : "  | ");
      pol_buf_puts(b, p->str[cr->id]);
      pol_buf_lit(b, " | ");
      pol_buf_puts(b, st);
      pol_buf_lit(b, " | ");
      int first = 1;
      for (uint32_t e = 0; cr->kind == PC_LEAF && e < r->nev; e++) {
        if (!first_evidence(vm, r, e)) continue;
        const pol_EvRec *ev = &pol_vm_evidence(vm)[r->ev0 + e];
        if (!first) pol_buf_lit(b, "; ");
        pol_buf_puts(b, p->str[p->evid[ev->evid].fact]);
        pol_buf_lit(b, " = ");
        value_text(b, p, &ev->v);
        uint32_t x = p->evid[ev->evid].expected;
        /* a bool shown as true/false already says whether it is as expected */
        if (x != POL_NOSTR && ev->v.tag != PV_BOOL) {
          pol_buf_lit(b, " (");
          pol_buf_puts(b, p->str[x]);
          pol_buf_lit(b, ")");
        }
        witness_ref_text(b, vm, ev);
        first = 0;
      }
      if (first && cr->kind != PC_LEAF) pol_buf_puts(b, "(see sub-criteria)");
      pol_buf_puts(b, " |\n");
    }
  }
}

/* ---- for the public API (trace.h) ---------------------------------------- */

int pol_trace_evidence_shown(const pol_VM *vm, const pol_CritResult *r, uint32_t i)
{
  return first_evidence(vm, r, i);
}

void pol_trace_value_text(pol_Buf *b, const pol_Program *p, const pol_Value *v)
{
  value_text(b, p, v);
}

void pol_trace_missing_path(const pol_Program *p, const pol_Missing *m, char *buf, size_t n)
{
  missing_path(p, m, buf, n);
}
