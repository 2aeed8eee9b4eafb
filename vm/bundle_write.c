/*
 * bundle_write.c -- serialises a pol_Program into the bundle format of
 * docs/bundle-format.md: a fixed header, a SHA-256 of the content, then
 * tagged, length-prefixed sections of explicit little-endian integers.
 *
 * Ownership: p is borrowed (only p->sha256 is written); the output buffer is
 * malloc'd and owned by the caller.
 */
#include "bundle.h"
#include "sha256.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TAG(a, b, c, d) \
  ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

enum { HEADER_LEN = 48, HASH_AT = 16 };

typedef struct {
  uint8_t *b;
  size_t n, cap;
  int bad;        /* out of memory or a section too long: sticky */
} Buf;

static void put(Buf *w, const void *src, size_t n)
{
  if (w->bad) return;
  if (n > w->cap - w->n) {
    size_t cap = w->cap ? w->cap : 4096;
    while (n > cap - w->n) {
      if (cap > SIZE_MAX / 2) { w->bad = 1; return; }
      cap *= 2;
    }
    uint8_t *nb = realloc(w->b, cap);
    if (!nb) { w->bad = 1; return; }
    w->b = nb;
    w->cap = cap;
  }
  memcpy(w->b + w->n, src, n);
  w->n += n;
}

static void put_u8(Buf *w, uint8_t v) { put(w, &v, 1); }

static void put_u16(Buf *w, uint16_t v)
{
  uint8_t t[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  put(w, t, 2);
}

static void put_u32(Buf *w, uint32_t v)
{
  uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(w, t, 4);
}

static void put_u64(Buf *w, uint64_t v)
{
  put_u32(w, (uint32_t)v);
  put_u32(w, (uint32_t)(v >> 32));
}

static void put_u32s(Buf *w, uint32_t n, const uint32_t *a)
{
  put_u32(w, n);
  for (uint32_t i = 0; i < n; i++) put_u32(w, a[i]);
}

/* Starts a section; returns where its length field is, for sec_end. */
static size_t sec_begin(Buf *w, uint32_t tag)
{
  put_u32(w, tag);
  size_t at = w->n;
  put_u32(w, 0);
  return at;
}

static void sec_end(Buf *w, size_t at)
{
  if (w->bad) return;
  size_t len = w->n - at - 4;
  if (len > UINT32_MAX) { w->bad = 1; return; }
  for (int i = 0; i < 4; i++) w->b[at + (size_t)i] = (uint8_t)(len >> (8 * i));
}

/* Only the tags a constant can have; 0 if v cannot be a constant. */
static int put_const(Buf *w, const pol_Value *v)
{
  put_u8(w, (uint8_t)v->tag);
  switch ((pol_Tag)v->tag) {
  case PV_UNK: return 1;
  case PV_BOOL: case PV_STR: case PV_DATE: case PV_SET: put_u32(w, v->aux); return 1;
  case PV_NUM: put_u64(w, (uint64_t)v->u.d); return 1;   /* two's complement */
  case PV_DUR: case PV_WIN:
    put_u32(w, (uint32_t)v->u.r.lo);
    put_u32(w, (uint32_t)v->u.r.hi);
    return 1;
  case PV_RANGE: case PV_LIST: case PV_REC: default: return 0;
  }
}

/* Arrays with a count must exist; strings must exist. */
static int writable(const pol_Program *p)
{
#define NEED(n, a) if ((n) && !(a)) return 0
#define TABLE(n, a) NEED(p->n, p->a);
#include "sections.def"
  for (uint32_t i = 0; i < p->nstr; i++) NEED(1, p->str[i]);
  for (uint32_t i = 0; i < p->nrec; i++) NEED(p->rec[i].nfields, p->rec[i].fields);
#undef NEED
  return 1;
}

static void wr_strs(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nstr);
  for (uint32_t i = 0; i < p->nstr; i++) {
    put_u32(w, p->slen[i]);
    put(w, p->str[i], p->slen[i]);
  }
}

static void wr_kons(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nk);
  for (uint32_t i = 0; i < p->nk; i++)
    if (!put_const(w, &p->k[i])) w->bad = 1;
}

static void wr_sets(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nsets);
  for (uint32_t i = 0; i < p->nsets; i++) { put_u32(w, p->set0[i]); put_u32(w, p->setn[i]); }
  put_u32s(w, p->nsetitems, p->setitems);
}

static void wr_recs(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nrec);
  for (uint32_t i = 0; i < p->nrec; i++) {
    const pol_RecType *r = &p->rec[i];
    put_u32(w, r->name); put_u32(w, r->path); put_u32(w, r->nfields);
    for (uint32_t j = 0; j < r->nfields; j++) {
      put_u32(w, r->fields[j].name);
      put_u32(w, r->fields[j].type);
    }
  }
}

static void wr_fact(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nfacts);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const pol_Fact *f = &p->facts[i];
    put_u32(w, f->name); put_u32(w, f->path); put_u32(w, f->type); put_u32(w, f->scope);
  }
}

static void wr_code(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->ncode, p->code);
}

static void wr_blks(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nblocks);
  for (uint32_t i = 0; i < p->nblocks; i++) {
    const pol_Block *b = &p->blocks[i];
    put_u32(w, b->start); put_u32(w, b->len); put_u32(w, b->nregs);
  }
}

static void wr_evid(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nevid);
  for (uint32_t i = 0; i < p->nevid; i++) {
    put_u32(w, p->evid[i].fact);
    put_u32(w, p->evid[i].expected);
    put_u32(w, p->evid[i].query);
  }
}

static void wr_crit(Buf *w, const pol_Program *p)
{
  put_u32(w, p->ncrit);
  for (uint32_t i = 0; i < p->ncrit; i++) {
    const pol_Crit *c = &p->crit[i];
    const uint32_t f[15] = {c->id, c->text, c->file, c->line, c->col, c->kind, c->k,
                            c->flags, c->tags, c->block, c->parent, c->child0, c->nchildren,
                            c->cite, c->next};
    for (int j = 0; j < 15; j++) put_u32(w, f[j]);
  }
}

static void wr_kids(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->nchildren, p->crit_children);
}

static void wr_brch(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nbranches);
  for (uint32_t i = 0; i < p->nbranches; i++) {
    const pol_Branch *b = &p->branches[i];
    const uint32_t f[9] = {b->name, b->text, b->aspect, b->cond, b->crit0, b->ncrit,
                           b->each, b->ecrit0, b->necrit};
    for (int j = 0; j < 9; j++) put_u32(w, f[j]);
  }
}

static void wr_brcr(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->nbranch_crit, p->branch_crit);
}

static void wr_cods(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->ncodes, p->codes);
}

static void wr_pols(Buf *w, const pol_Program *p)
{
  put_u32(w, p->npol);
  for (uint32_t i = 0; i < p->npol; i++) {
    const pol_Policy *o = &p->pol[i];
    const uint32_t f[17] = {o->id, o->title, o->version, o->source, (uint32_t)o->effective,
                            o->code0, o->ncodes, o->branch0, o->nbranches, o->crit0, o->ncrit,
                            o->tag0, o->ntags, o->dec0, o->ndec, o->plan0, o->nplans};
    for (int j = 0; j < 17; j++) put_u32(w, f[j]);
  }
}

static void wr_tags(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->ntagnames, p->tagnames);
}

static void wr_decs(Buf *w, const pol_Program *p)
{
  put_u32s(w, p->ndec, p->dec);
}

static void wr_extn(Buf *w, const pol_Program *p)
{
  put_u32(w, p->next);
  for (uint32_t i = 0; i < p->next; i++) {
    const pol_Extern *e = &p->ext[i];
    put_u32(w, e->name); put_u32(w, e->lib); put_u32(w, e->ret); put_u32(w, e->nargs);
    for (int j = 0; j < POL_MAX_ARGS; j++) put_u32(w, e->args[j]);
  }
}

/* 1.2: only when there are externs (sections.def: EXTERNS), so that a
   bundle without them stays readable by a 1.1 reader and one with them is
   refused by it */
static void wr_xlib(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nxlib);
  for (uint32_t i = 0; i < p->nxlib; i++) {
    put_u32(w, p->xlib[i].lib);
    put(w, p->xlib[i].sha256, sizeof p->xlib[i].sha256);
  }
}

/* 2.1: what a line no branch applies to gets; the branch conditions */
static void wr_else(Buf *w, const pol_Program *p)
{
  put_u32(w, p->npol);
  for (uint32_t i = 0; i < p->npol; i++) {
    put_u32(w, p->pol[i].otherwise);
    put_u32(w, p->pol[i].otherwise_text);
  }
  put_u32(w, p->nbranches);
  for (uint32_t i = 0; i < p->nbranches; i++) put_u32(w, p->branches[i].when);
}

/* 2.2: only when a branch authorizes (sections.def: AUTHS), so a bundle
   without `authorize` is byte for byte what 2.1 wrote */
static void wr_auth(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nauth);
  for (uint32_t i = 0; i < p->nauth; i++) {
    put_u32(w, p->auth[i].branch);
    put_u32(w, p->auth[i].field);
    put_u32(w, p->auth[i].block);
    put_u32(w, p->auth[i].reqfact);
  }
}

/* 2.2: only when there are value sets (sections.def: VSETS), so a bundle
   without them is byte for byte what 2.1 wrote */
static void wr_vset(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nvs);
  for (uint32_t i = 0; i < p->nvs; i++) {
    const pol_VSet *v = &p->vs[i];
    put_u32(w, v->name); put_u32(w, v->title); put_u32(w, v->system);
    put_u32(w, v->r0); put_u32(w, v->nr);
  }
  put_u32(w, p->nvsr);
  for (uint32_t i = 0; i < p->nvsr; i++) { put_u32(w, p->vsr[i].lo); put_u32(w, p->vsr[i].hi); }
  put_u32s(w, p->npolvs, p->polvs);
}

/* 2.2: only when there are next steps (sections.def: STEPS), so a bundle
   without `next` statements is what 2.1 wrote (but for the minor version
   and, with prerequisites, their criterion flag) */
static void wr_steps(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nsteps);
  for (uint32_t i = 0; i < p->nsteps; i++) {
    put_u32(w, p->steps[i].policy);
    put_u32(w, p->steps[i].branch);
    put_u32(w, p->steps[i].text);
  }
}

/* 2.3: only when a criterion reads a reviewer-chosen param (sections.def:
   PARAMS) */
static void wr_parm(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nchosen);
  for (uint32_t i = 0; i < p->nchosen; i++) {
    put_u32(w, p->chosen[i].crit);
    put_u32(w, p->chosen[i].name);
    put_u32(w, p->chosen[i].value);
    put_u32(w, p->chosen[i].why);
  }
}

/* 2.2: per criterion its logic in English; the bundle's denials rule;
   the plan declarations */
static void wr_note(Buf *w, const pol_Program *p)
{
  put_u32(w, p->ncrit);
  for (uint32_t i = 0; i < p->ncrit; i++) put_u32(w, p->crit[i].english);
  put_u32(w, p->denials);
  put_u32(w, p->nplandecl);
  for (uint32_t i = 0; i < p->nplandecl; i++) {
    put_u32(w, p->plandecl[i].name);
    put_u32(w, p->plandecl[i].denials);
    for (int t = 0; t < POL_NT__COUNT; t++) put_u32(w, p->plandecl[i].text[t]);
  }
}

/* 2.3: only when there are `fhir` bindings (sections.def: FHIRS) */
static void wr_fhir(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nfhir);
  for (uint32_t i = 0; i < p->nfhir; i++) {
    const pol_FhirBind *b = &p->fhir[i];
    put_u32(w, b->target);
    put_u32(w, b->source);
    put_u32(w, b->where);
    put_u32(w, b->code0);
    put_u32(w, b->ncodes);
    put_u32(w, b->map0);
    put_u32(w, b->nmap);
    put_u32(w, b->flags);
  }
  put_u32(w, p->nfhirstr);
  for (uint32_t i = 0; i < p->nfhirstr; i++) put_u32(w, p->fhirstr[i]);
}

/* 2.3: the witness descriptors (an older reader refuses the tag) */
static void wr_witn(Buf *w, const pol_Program *p)
{
  put_u32(w, p->nwit);
  for (uint32_t i = 0; i < p->nwit; i++) {
    const pol_Witness *x = &p->wit[i];
    put_u32(w, x->evid); put_u32(w, x->pc); put_u32(w, x->kind); put_u32(w, x->list);
    put_u32(w, x->lfield);
    put_u32(w, x->data0); put_u32(w, x->nfields); put_u32(w, x->nconj); put_u32(w, x->ninner);
  }
  put_u32(w, p->nwitdata);
  for (uint32_t i = 0; i < p->nwitdata; i++) put_u32(w, p->witdata[i]);
  put_u32(w, p->nevgrp);
  for (uint32_t i = 0; i < p->nevgrp; i++) put_u32(w, p->evgrp[i]);
  put_u32(w, p->ngrp);
  for (uint32_t i = 0; i < p->ngrp; i++) put_u32(w, p->grp[i]);
}

static void wr_meta(Buf *w, const pol_Program *p)
{
  put_u32(w, p->built);
}

/* The sections in the order of vm/sections.def. */
static void write_sections(Buf *w, const pol_Program *p)
{
  enum { REQUIRED, EXTERNS, OPTIONAL, AUTHS, VSETS, STEPS, FHIRS, PARAMS };
  static const struct {
    char name[5];   /* the tag's four characters */
    void (*write)(Buf *, const pol_Program *);
    int when;
  } sections[] = {
#define SECTION(tag, fn, when, contents, fields) {#tag, wr_##fn, when},
#include "sections.def"
  };
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    if (sections[i].when == EXTERNS && !p->nxlib) continue;
    if (sections[i].when == AUTHS && !p->nauth) continue;
    if (sections[i].when == VSETS && !p->nvs) continue;
    if (sections[i].when == STEPS && !p->nsteps) continue;
    if (sections[i].when == FHIRS && !p->nfhir) continue;
    if (sections[i].when == PARAMS && !p->nchosen) continue;
    const char *t = sections[i].name;
    size_t s = sec_begin(w, TAG(t[0], t[1], t[2], t[3]));
    sections[i].write(w, p);
    sec_end(w, s);
  }
}

int pol_bundle_write(pol_Program *p, uint8_t **out, size_t *outlen)
{
  static const uint8_t magic[8] = {0x89, 'P', 'O', 'L', '\r', '\n', 0x1a, '\n'};
  *out = NULL;
  *outlen = 0;
  if (!writable(p) || sodium_init() < 0) return -1;

  Buf w = {NULL, 0, 0, 0};
  put(&w, magic, sizeof magic);
  put_u16(&w, POL_BUNDLE_MAJOR);
  put_u16(&w, POL_BUNDLE_MINOR);
  put_u32(&w, 0);                      /* flags */
  uint8_t zero[32] = {0};
  put(&w, zero, sizeof zero);          /* hash, filled in below */
  write_sections(&w, p);
  if (w.bad) { free(w.b); return -1; }

  pol_sha256(w.b + HASH_AT, w.b + HEADER_LEN, w.n - HEADER_LEN);
  memcpy(p->sha256, w.b + HASH_AT, 32);
  *out = w.b;
  *outlen = w.n;
  return 0;
}
