/*
 * api.c -- the public API (polvm.h) as a thin layer over the VM's
 * internals: bundle.h (load, verify, keys), case.h, vm.h and trace.h.
 * Nothing here judges or formats on its own: results are the VM's, traces
 * are trace.c's, messages are the loader's and the case reader's.
 *
 * Ownership: a polvm_program owns its pol_Program; a polvm_case owns its
 * pol_Case and the JSON document the case borrows; a polvm_vm owns its
 * pol_VM, the one polvm_result it hands out and the render buffer.
 */
#define POLVM_BUILD
#include "polvm.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "case.h"
#include "fhir_out.h"
#include "trace.h"
#include "vm.h"

_Static_assert((int)POLVM_PUBKEY_LEN == (int)POL_PUBKEY_LEN, "public key size");

struct polvm_program {
  pol_Program *p;       /* owned */
  char **allow;         /* owned, each owned: polvm_program_allow_extern's places */
  size_t nallow;
};

struct polvm_case {
  const polvm_program *prog;   /* borrowed */
  pol_Case *c;                 /* owned */
  json_t *root;                /* owned: the document c borrows while loaded */
  uint64_t gen;                /* counts load attempts: results of an older one are stale */
  int loaded;
  char sha256[65];             /* of the JSON text, for the traces */
};

struct polvm_result {
  polvm_vm *vm;                /* the VM that holds it */
  const polvm_case *c;         /* borrowed */
  uint64_t case_gen;           /* c->gen when judged */
  const pol_LineResult *lines; /* borrowed from the VM; NULL: no results */
};

struct polvm_vm {
  const polvm_program *prog;   /* borrowed */
  pol_VM *vm;                  /* owned */
  polvm_result res;
  pol_Buf out;                 /* owned: render scratch, reused */
};

/* ---- errors ------------------------------------------------------------ */

static polvm_status ok(polvm_error *e)
{
  if (e) memset(e, 0, sizeof *e);
  return POLVM_OK;
}

/* Fills e: status st, code (may be ""), message "CODE text". */
static polvm_status failf(polvm_error *e, polvm_status st, const char *code, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static polvm_status failf(polvm_error *e, polvm_status st, const char *code, const char *fmt, ...)
{
  if (!e) return st;
  memset(e, 0, sizeof *e);
  e->status = st;
  snprintf(e->code, sizeof e->code, "%s", code);
  int n = *code ? snprintf(e->message, sizeof e->message, "%s ", code) : 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message + n, sizeof e->message - (size_t)n, fmt, ap);
  va_end(ap);
  return st;
}

/* A case loader message, "CODE PATH: text" (docs/errors.md), into e with
   its code and path taken apart. */
static polvm_status case_fail(polvm_error *e, const char *msg)
{
  if (!e) return POLVM_ERR_CASE;
  failf(e, POLVM_ERR_CASE, "", "%s", msg);
  const char *sp = strchr(msg, ' ');
  if (!sp || (size_t)(sp - msg) >= sizeof e->code) return POLVM_ERR_CASE;
  memcpy(e->code, msg, (size_t)(sp - msg));
  const char *colon = strstr(sp + 1, ": ");
  if (colon && (size_t)(colon - sp - 1) < sizeof e->path)
    memcpy(e->path, sp + 1, (size_t)(colon - sp - 1));
  return POLVM_ERR_CASE;
}

const char *polvm_version(void) { return POLVM_VERSION_STRING; }

const char *polvm_strerror(polvm_status s)
{
  switch (s) {
  case POLVM_OK: return "success";
  case POLVM_ERR_ARG: return "invalid argument";
  case POLVM_ERR_NOMEM: return "out of memory";
  case POLVM_ERR_IO: return "a file cannot be read";
  case POLVM_ERR_BUNDLE: return "the bundle is refused";
  case POLVM_ERR_SIGNATURE: return "the bundle's signature is refused";
  case POLVM_ERR_EXTERN: return "an extern function cannot be bound";
  case POLVM_ERR_JSON: return "the case is not valid JSON";
  case POLVM_ERR_CASE: return "the case does not fit the bundle's schema";
  case POLVM_ERR_EVAL: return "judging the case failed";
  case POLVM_ERR_STATE: return "no case loaded, or results outdated";
  case POLVM_ERR_WRITE: return "the writer failed";
  }
  return "unknown status";
}

/* ---- programs ---------------------------------------------------------- */

enum { SIGN_TRAILER = 8 + POL_PUBKEY_LEN + POL_SIG_LEN };   /* tag, length, key, signature */

/* Which of the trusted keys the loader should require: the one that names
   the signer of a signed bundle's final SIGN section (docs/bundle-format.md),
   else the first (the loader then says why it refuses).  Only a choice:
   the loader checks the signature, and the key, itself. */
static const uint8_t *pick_key(const uint8_t *buf, size_t len, const uint8_t *keys, size_t nkeys)
{
  if (len >= SIGN_TRAILER && memcmp(buf + len - SIGN_TRAILER, "SIGN", 4) == 0) {
    const uint8_t *signer = buf + len - SIGN_TRAILER + 8;
    for (size_t k = 0; k < nkeys; k++)
      if (memcmp(keys + k * POL_PUBKEY_LEN, signer, POL_PUBKEY_LEN) == 0) return keys + k * POL_PUBKEY_LEN;
  }
  return keys;
}

/* The loader's refusals that concern the signature (docs/errors.md, B0001). */
static int signature_reason(const char *why)
{
  return strncmp(why, "bundle is not signed", 20) == 0 || strncmp(why, "bundle signed by", 16) == 0 ||
         strncmp(why, "bad signature", 13) == 0;
}

static polvm_status load(const void *bytes, size_t len, const uint8_t *keys, size_t nkeys,
                         polvm_program **out, polvm_error *err)
{
  if (!out) return failf(err, POLVM_ERR_ARG, "", "no place for the program");
  *out = NULL;
  if ((!bytes && len) || (!keys && nkeys)) return failf(err, POLVM_ERR_ARG, "", "NULL bytes or keys");
  polvm_program *prog = calloc(1, sizeof *prog);
  if (!prog) return failf(err, POLVM_ERR_NOMEM, "", "out of memory");
  char why[512];
  const uint8_t *trust = nkeys ? pick_key(bytes, len, keys, nkeys) : NULL;
  if (pol_bundle_load_ex(bytes, len, trust, 0, &prog->p, why, sizeof why) != 0) {
    free(prog);
    return failf(err, signature_reason(why) ? POLVM_ERR_SIGNATURE : POLVM_ERR_BUNDLE, "B0001",
                 "bundle refused: %s", why);
  }
  *out = prog;
  return ok(err);
}

polvm_status polvm_program_load(const void *bytes, size_t len, const uint8_t *trusted_keys,
                                size_t nkeys, polvm_program **out, polvm_error *err)
{
  return load(bytes, len, trusted_keys, nkeys, out, err);
}

polvm_status polvm_program_load_file(const char *path, const uint8_t *trusted_keys, size_t nkeys,
                                     polvm_program **out, polvm_error *err)
{
  if (out) *out = NULL;
  if (!path) return failf(err, POLVM_ERR_ARG, "", "no path");
  uint8_t *buf = NULL;
  size_t len = 0;
  char why[512];
  if (pol_read_file(path, &buf, &len, why, sizeof why) != 0)
    return failf(err, POLVM_ERR_IO, "B0002", "cannot read the bundle: %s", why);
  /* never the file's directory: native code only where allowed */
  polvm_status st = load(buf, len, trusted_keys, nkeys, out, err);
  free(buf);
  return st;
}

polvm_status polvm_program_allow_extern(polvm_program *p, const char *dir_or_lib, polvm_error *err)
{
  if (!p || !dir_or_lib || !*dir_or_lib) return failf(err, POLVM_ERR_ARG, "", "no program or place");
  char **a = realloc(p->allow, (p->nallow + 1) * sizeof *a);
  if (!a) return failf(err, POLVM_ERR_NOMEM, "", "out of memory");
  p->allow = a;
  if (!(a[p->nallow] = strdup(dir_or_lib))) return failf(err, POLVM_ERR_NOMEM, "", "out of memory");
  p->nallow++;
  return ok(err);
}

void polvm_program_free(polvm_program *p)
{
  if (!p) return;
  pol_program_free(p->p);
  for (size_t i = 0; i < p->nallow; i++) free(p->allow[i]);
  free(p->allow);
  free(p);
}

polvm_status polvm_program_verify(const polvm_program *p, polvm_error *err)
{
  if (!p) return failf(err, POLVM_ERR_ARG, "", "no program");
  char why[512];
  if (pol_verify(p->p, why, sizeof why) != 0)
    return failf(err, POLVM_ERR_BUNDLE, "B0001", "bundle refused: %s", why);
  return ok(err);
}

polvm_status polvm_key_read_public(const char *path, uint8_t key[POLVM_PUBKEY_LEN], polvm_error *err)
{
  if (!path || !key) return failf(err, POLVM_ERR_ARG, "", "no path or key");
  char why[512];
  if (pol_key_read_public(path, key, why, sizeof why) != 0) return failf(err, POLVM_ERR_IO, "", "%s", why);
  return ok(err);
}

void polvm_program_sha256(const polvm_program *p, char hex[65])
{
  if (p) pol_sha_hex(p->p->sha256, hex);
  else hex[0] = '\0';
}

int polvm_program_signer(const polvm_program *p, uint8_t key[POLVM_PUBKEY_LEN])
{
  if (!p || p->p->sig != POL_SIG_VALID) return 0;
  if (key) memcpy(key, p->p->signer, POL_PUBKEY_LEN);
  return 1;
}

const char *polvm_program_built(const polvm_program *p) { return p ? p->p->str[p->p->built] : NULL; }

uint32_t polvm_program_npolicies(const polvm_program *p) { return p ? p->p->npol : 0; }

static const pol_Policy *policy_at(const polvm_program *p, uint32_t i)
{
  return p && i < p->p->npol ? &p->p->pol[i] : NULL;
}

const char *polvm_program_policy_id(const polvm_program *p, uint32_t i)
{
  const pol_Policy *pol = policy_at(p, i);
  return pol ? p->p->str[pol->id] : NULL;
}

const char *polvm_program_policy_title(const polvm_program *p, uint32_t i)
{
  const pol_Policy *pol = policy_at(p, i);
  return pol ? p->p->str[pol->title] : NULL;
}

const char *polvm_program_policy_version(const polvm_program *p, uint32_t i)
{
  const pol_Policy *pol = policy_at(p, i);
  return pol ? p->p->str[pol->version] : NULL;
}

/* ---- VMs and cases ----------------------------------------------------- */

polvm_status polvm_vm_new(const polvm_program *p, polvm_vm **out, polvm_error *err)
{
  if (!out) return failf(err, POLVM_ERR_ARG, "", "no place for the VM");
  *out = NULL;
  if (!p) return failf(err, POLVM_ERR_ARG, "", "no program");
  polvm_vm *vm = calloc(1, sizeof *vm);
  if (!vm || !(vm->vm = pol_vm_new(p->p))) {
    free(vm);
    return failf(err, POLVM_ERR_NOMEM, "", "out of memory");
  }
  vm->prog = p;
  vm->res.vm = vm;
  pol_vm_set_trace(vm->vm, 1);
  char why[512];
  const pol_Program *pp = p->p;
  if (pp->next > 0 && p->nallow == 0) {
    polvm_vm_free(vm);
    return failf(err, POLVM_ERR_EXTERN, "B0004",
                 "the bundle calls native code (extern %s in %s) and no "
                 "polvm_program_allow_extern allows it",
                 pp->str[pp->ext[0].name], pp->str[pp->ext[0].lib]);
  }
  if (pol_vm_bind_externs(vm->vm, (const char *const *)p->allow, p->nallow, why, sizeof why) != 0) {
    polvm_vm_free(vm);
    return failf(err, POLVM_ERR_EXTERN, "B0003", "%s", why);
  }
  *out = vm;
  return ok(err);
}

void polvm_vm_free(polvm_vm *vm)
{
  if (!vm) return;
  pol_vm_free(vm->vm);
  pol_buf_free(&vm->out);
  free(vm);
}

void polvm_vm_set_trace(polvm_vm *vm, int on)
{
  if (vm) pol_vm_set_trace(vm->vm, on != 0);
}

void polvm_vm_set_budget(polvm_vm *vm, uint64_t instructions)
{
  if (vm) pol_vm_set_budget(vm->vm, instructions);
}

polvm_status polvm_case_new(const polvm_program *p, polvm_case **out, polvm_error *err)
{
  if (!out) return failf(err, POLVM_ERR_ARG, "", "no place for the case");
  *out = NULL;
  if (!p) return failf(err, POLVM_ERR_ARG, "", "no program");
  polvm_case *c = calloc(1, sizeof *c);
  if (!c || !(c->c = pol_case_new(p->p))) {
    free(c);
    return failf(err, POLVM_ERR_NOMEM, "", "out of memory");
  }
  c->prog = p;
  *out = c;
  return ok(err);
}

void polvm_case_free(polvm_case *c)
{
  if (!c) return;
  pol_case_free(c->c);
  json_decref(c->root);
  free(c);
}

polvm_status polvm_case_load_json(polvm_case *c, const char *text, size_t len, polvm_error *err)
{
  if (!c || (!text && len)) return failf(err, POLVM_ERR_ARG, "", "no case or text");
  c->gen++;
  c->loaded = 0;
  json_decref(c->root);
  pol_CaseError ce;
  c->root = pol_case_parse(text ? text : "", len, &ce);
  if (!c->root) {
    failf(err, POLVM_ERR_JSON, ce.code, "%s", ce.text);
    if (err) {
      err->line = ce.line;
      err->column = ce.column;
    }
    return POLVM_ERR_JSON;
  }
  char why[512];
  if (pol_case_load(c->c, c->root, why, sizeof why) != 0) {
    json_decref(c->root);
    c->root = NULL;
    return case_fail(err, why);
  }
  uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)text, len);
  pol_sha_hex(h, c->sha256);
  c->loaded = 1;
  return ok(err);
}

const char *polvm_case_id(const polvm_case *c)
{
  return c && c->loaded ? pol_case_id(c->c) : NULL;
}

/* ---- judging ----------------------------------------------------------- */

const char *polvm_det_name(polvm_det d)
{
  switch (d) {
  case POLVM_APPROVE: return pol_det_name(PD_APPROVE);
  case POLVM_DENY: return pol_det_name(PD_DENY);
  case POLVM_PEND: return pol_det_name(PD_PEND);
  case POLVM_NO_POLICY: return pol_det_name(PD_NO_POLICY);
  case POLVM_PARTIAL: return pol_det_name(PD_PARTIAL);
  case POLVM_LOI: return pol_det_name(PD_LOI);
  case POLVM_REFER: return pol_det_name(PD_REFER);
  }
  return "?";
}

const char *polvm_crit_state_name(polvm_crit_state s)
{
  switch (s) {
  case POLVM_NOT_MET: return pol_status_name(PS_NOT_MET);
  case POLVM_MET: return pol_status_name(PS_MET);
  case POLVM_UNKNOWN: return pol_status_name(PS_UNKNOWN);
  case POLVM_NA: return pol_status_name(PS_NA);
  }
  return "?";
}

static polvm_det det_of(pol_Det d)
{
  switch (d) {
  case PD_APPROVE: return POLVM_APPROVE;
  case PD_DENY: return POLVM_DENY;
  case PD_PEND: return POLVM_PEND;
  case PD_NO_POLICY: return POLVM_NO_POLICY;
  case PD_PARTIAL: return POLVM_PARTIAL;
  case PD_LOI: return POLVM_LOI;
  case PD_REFER: return POLVM_REFER;
  }
  return POLVM_NO_POLICY;
}

static polvm_crit_state status_of(uint8_t s)
{
  switch ((pol_Status)s) {
  case PS_NOT_MET: return POLVM_NOT_MET;
  case PS_MET: return POLVM_MET;
  case PS_UNKNOWN: return POLVM_UNKNOWN;
  case PS_NA: return POLVM_NA;
  }
  return POLVM_NA;
}

polvm_status polvm_eval(polvm_vm *vm, const polvm_case *c, const polvm_result **out, polvm_error *err)
{
  if (out) *out = NULL;
  if (!vm || !c || !out) return failf(err, POLVM_ERR_ARG, "", "no VM, case or place for the results");
  if (vm->prog != c->prog) return failf(err, POLVM_ERR_ARG, "", "the VM and the case belong to different programs");
  vm->res.lines = NULL;
  if (!c->loaded) return failf(err, POLVM_ERR_STATE, "", "no case loaded");
  char why[480];
  const pol_LineResult *lines = NULL;
  if (pol_vm_eval(vm->vm, c->c, &lines, why, sizeof why) != 0)
    return failf(err, POLVM_ERR_EVAL, "C0201", "%s", why);
  vm->res.c = c;
  vm->res.case_gen = c->gen;
  vm->res.lines = lines;
  *out = &vm->res;
  return ok(err);
}

/* ---- walking the results ------------------------------------------------ */

/* The results are current: the VM has not judged again (lines reset) and
   the case has not been loaded again since. */
static int current(const polvm_result *r)
{
  return r && r->lines && r->c->loaded && r->c->gen == r->case_gen;
}

static const pol_Program *prog_of(const polvm_result *r) { return r->vm->prog->p; }

static const pol_LineResult *line_at(const polvm_result *r, uint32_t i)
{
  return current(r) && i < pol_case_nlines(r->c->c) ? &r->lines[i] : NULL;
}

static const pol_Policy *line_policy(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr && lr->policy != POL_NOSTR ? &prog_of(r)->pol[lr->policy] : NULL;
}

const char *polvm_result_case_id(const polvm_result *r)
{
  return current(r) ? pol_case_id(r->c->c) : NULL;
}

uint32_t polvm_result_nlines(const polvm_result *r)
{
  return current(r) ? pol_case_nlines(r->c->c) : 0;
}

int32_t polvm_line_number(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr ? pol_case_line(r->c->c, lr->line)->number : 0;
}

const char *polvm_line_cpt(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr ? pol_case_line(r->c->c, lr->line)->cpt : NULL;
}

polvm_det polvm_line_determination(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr ? det_of(lr->det) : POLVM_NO_POLICY;
}

int polvm_line_recommended(const polvm_result *r, uint32_t i, polvm_det *recommended)
{
  const pol_LineResult *lr = line_at(r, i);
  if (!lr || lr->recommended < 0) return 0;
  if (recommended) *recommended = det_of((pol_Det)lr->recommended);
  return 1;
}

const char *polvm_line_policy_id(const polvm_result *r, uint32_t i)
{
  const pol_Policy *pol = line_policy(r, i);
  return pol ? prog_of(r)->str[pol->id] : NULL;
}

const char *polvm_line_policy_title(const polvm_result *r, uint32_t i)
{
  const pol_Policy *pol = line_policy(r, i);
  return pol ? prog_of(r)->str[pol->title] : NULL;
}

const char *polvm_line_policy_version(const polvm_result *r, uint32_t i)
{
  const pol_Policy *pol = line_policy(r, i);
  return pol ? prog_of(r)->str[pol->version] : NULL;
}

static const pol_Branch *line_branch(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr && lr->policy != POL_NOSTR && lr->branch != POL_NOSTR ? &prog_of(r)->branches[lr->branch]
                                                                   : NULL;
}

const char *polvm_line_branch(const polvm_result *r, uint32_t i)
{
  const pol_Branch *br = line_branch(r, i);
  return br ? prog_of(r)->str[br->name] : NULL;
}

/* -- criteria -- */

uint32_t polvm_line_ncriteria(const polvm_result *r, uint32_t i)
{
  const pol_Policy *pol = line_policy(r, i);
  return pol ? pol->ncrit : 0;
}

static const pol_Crit *crit_at(const polvm_result *r, uint32_t i, uint32_t j)
{
  const pol_Policy *pol = line_policy(r, i);
  return pol && j < pol->ncrit ? &prog_of(r)->crit[pol->crit0 + j] : NULL;
}

const char *polvm_crit_id(const polvm_result *r, uint32_t i, uint32_t j)
{
  const pol_Crit *cr = crit_at(r, i, j);
  return cr ? prog_of(r)->str[cr->id] : NULL;
}

const char *polvm_crit_text(const polvm_result *r, uint32_t i, uint32_t j)
{
  const pol_Crit *cr = crit_at(r, i, j);
  return cr ? prog_of(r)->str[cr->text] : NULL;
}

uint32_t polvm_crit_parent(const polvm_result *r, uint32_t i, uint32_t j)
{
  const pol_Crit *cr = crit_at(r, i, j);
  if (!cr || cr->parent == POL_NOSTR) return POLVM_NONE;
  return cr->parent - line_policy(r, i)->crit0;
}

int polvm_crit_is_exclusion(const polvm_result *r, uint32_t i, uint32_t j)
{
  const pol_Crit *cr = crit_at(r, i, j);
  return cr && (cr->flags & POL_CRIT_EXCLUSION) != 0;
}

/* Criterion j's result for the line or one of its items; NULL if out of
   range. */
static const pol_CritResult *result_at(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j)
{
  if (!crit_at(r, i, j)) return NULL;
  const pol_LineResult *lr = &r->lines[i];
  if (item == POLVM_LINE_LEVEL) return &lr->crit[j];
  if (!line_branch(r, i) || !lr->items_known || item >= lr->nitems) return NULL;
  return &lr->items[item].crit[j];
}

polvm_crit_state polvm_crit_status(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j)
{
  const pol_CritResult *cr = result_at(r, i, item, j);
  return cr ? status_of(cr->status) : POLVM_NA;
}

int polvm_crit_fails(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j)
{
  const pol_CritResult *cr = result_at(r, i, item, j);
  return cr && pol_crit_fails(prog_of(r), line_policy(r, i)->crit0 + j, cr->status);
}

/* The index in the VM's evidence of the e-th shown record of a leaf
   criterion's result, or UINT32_MAX; with e UINT32_MAX, *count is the
   number shown. */
static uint32_t evidence_index(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j,
                               uint32_t e, uint32_t *count)
{
  const pol_CritResult *cr = result_at(r, i, item, j);
  uint32_t n = 0;
  if (cr && crit_at(r, i, j)->kind == PC_LEAF)
    for (uint32_t k = 0; k < cr->nev; k++) {
      if (!pol_trace_evidence_shown(r->vm->vm, cr, k)) continue;
      if (n++ == e) return cr->ev0 + k;
    }
  if (count) *count = n;
  return UINT32_MAX;
}

uint32_t polvm_crit_nevidence(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j)
{
  uint32_t n = 0;
  evidence_index(r, i, item, j, UINT32_MAX, &n);
  return n;
}

static const pol_EvRec *evidence_at(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j,
                                    uint32_t e)
{
  uint32_t k = e == UINT32_MAX ? UINT32_MAX : evidence_index(r, i, item, j, e, NULL);
  return k == UINT32_MAX ? NULL : &pol_vm_evidence(r->vm->vm)[k];
}

const char *polvm_evidence_fact(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j, uint32_t e)
{
  const pol_EvRec *ev = evidence_at(r, i, item, j, e);
  return ev ? prog_of(r)->str[prog_of(r)->evid[ev->evid].fact] : NULL;
}

const char *polvm_evidence_expected(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j,
                                    uint32_t e)
{
  const pol_EvRec *ev = evidence_at(r, i, item, j, e);
  uint32_t x = ev ? prog_of(r)->evid[ev->evid].expected : POL_NOSTR;
  return x == POL_NOSTR ? NULL : prog_of(r)->str[x];
}

/* Copies s (n bytes) into buf snprintf-style; returns n. */
static size_t put_text(const char *s, size_t n, char *buf, size_t size)
{
  if (buf && size) {
    size_t k = n < size ? n : size - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
  }
  return n;
}

/* A value as the text report shows it, into buf. */
static size_t value_text(const polvm_result *r, const pol_Value *v, char *buf, size_t size)
{
  pol_Buf b = {0};
  pol_trace_value_text(&b, prog_of(r), v);
  size_t n = put_text(b.s ? b.s : "", b.n, buf, size);
  pol_buf_free(&b);
  return n;
}

size_t polvm_evidence_value(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j, uint32_t e,
                            char *buf, size_t size)
{
  const pol_EvRec *ev = evidence_at(r, i, item, j, e);
  return ev ? value_text(r, &ev->v, buf, size) : put_text("", 0, buf, size);
}

/* Like evidence_index for the missing-fact records, each (record type,
   index) once. */
static uint32_t missing_index(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j, uint32_t m,
                              uint32_t *count)
{
  const pol_CritResult *cr = result_at(r, i, item, j);
  uint32_t n = 0;
  if (cr && crit_at(r, i, j)->kind == PC_LEAF) {
    const pol_Missing *ms = pol_vm_missing(r->vm->vm) + cr->miss0;
    for (uint32_t k = 0; k < cr->nmiss; k++) {
      int seen = 0;
      for (uint32_t q = 0; q < k && !seen; q++) seen = ms[q].rec == ms[k].rec && ms[q].idx == ms[k].idx;
      if (seen) continue;
      if (n++ == m) return cr->miss0 + k;
    }
  }
  if (count) *count = n;
  return UINT32_MAX;
}

uint32_t polvm_crit_nmissing(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j)
{
  uint32_t n = 0;
  missing_index(r, i, item, j, UINT32_MAX, &n);
  return n;
}

size_t polvm_missing_fact(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j, uint32_t m,
                          char *buf, size_t size)
{
  uint32_t k = m == UINT32_MAX ? UINT32_MAX : missing_index(r, i, item, j, m, NULL);
  if (k == UINT32_MAX) return put_text("", 0, buf, size);
  char path[512];
  pol_trace_missing_path(prog_of(r), &pol_vm_missing(r->vm->vm)[k], path, sizeof path);
  return put_text(path, strlen(path), buf, size);
}

/* -- for each -- */

int polvm_line_has_items(const polvm_result *r, uint32_t i)
{
  const pol_Branch *br = line_branch(r, i);
  return br && br->each != POL_NOSTR;
}

polvm_det polvm_line_level_determination(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr ? det_of(lr->line_det) : POLVM_NO_POLICY;
}

int polvm_line_items_known(const polvm_result *r, uint32_t i)
{
  return polvm_line_has_items(r, i) && r->lines[i].items_known;
}

uint32_t polvm_line_nitems(const polvm_result *r, uint32_t i)
{
  return polvm_line_items_known(r, i) ? r->lines[i].nitems : 0;
}

size_t polvm_item_value(const polvm_result *r, uint32_t i, uint32_t item, char *buf, size_t size)
{
  if (item >= polvm_line_nitems(r, i)) return put_text("", 0, buf, size);
  return value_text(r, &r->lines[i].items[item].item, buf, size);
}

polvm_det polvm_item_determination(const polvm_result *r, uint32_t i, uint32_t item)
{
  if (item >= polvm_line_nitems(r, i)) return POLVM_NO_POLICY;
  return det_of(r->lines[i].items[item].det);
}

/* -- assessments -- */

uint32_t polvm_line_nassessments(const polvm_result *r, uint32_t i)
{
  const pol_LineResult *lr = line_at(r, i);
  return lr && lr->policy != POL_NOSTR ? lr->naspects : 0;
}

static const pol_Branch *aspect_at(const polvm_result *r, uint32_t i, uint32_t a)
{
  return a < polvm_line_nassessments(r, i) ? &prog_of(r)->branches[r->lines[i].aspects[a].branch] : NULL;
}

const char *polvm_assessment_aspect(const polvm_result *r, uint32_t i, uint32_t a)
{
  const pol_Branch *ab = aspect_at(r, i, a);
  return ab ? prog_of(r)->str[ab->aspect] : NULL;
}

const char *polvm_assessment_text(const polvm_result *r, uint32_t i, uint32_t a)
{
  const pol_Branch *ab = aspect_at(r, i, a);
  return ab ? prog_of(r)->str[ab->text] : NULL;
}

polvm_det polvm_assessment_determination(const polvm_result *r, uint32_t i, uint32_t a)
{
  return aspect_at(r, i, a) ? det_of(r->lines[i].aspects[a].det) : POLVM_NO_POLICY;
}

/* ---- rendering ---------------------------------------------------------- */

static polvm_status render(const polvm_result *r, int json, int flags, polvm_write_fn write, void *ctx)
{
  if (!r || !write) return POLVM_ERR_ARG;
  if (!current(r)) return POLVM_ERR_STATE;
  polvm_vm *vm = r->vm;
  pol_TraceMeta meta = {r->c->sha256};
  pol_buf_reset(&vm->out);
  if (json) {
    /* the compact record is `polvm eval`'s, which has no case hash */
    int tf = (flags & POLVM_JSON_PRETTY ? POL_TRACE_PRETTY : 0) |
             (flags & POLVM_JSON_CRITERIA ? POL_TRACE_CRITERIA : 0) |
             (flags & POLVM_JSON_COMPACT ? POL_TRACE_COMPACT : 0);
    pol_trace_json(&vm->out, vm->vm, r->c->c, r->lines, tf & POL_TRACE_COMPACT ? NULL : &meta, tf);
  } else {
    pol_trace_text(&vm->out, vm->vm, r->c->c, r->lines, &meta);
  }
  return write(ctx, vm->out.s ? vm->out.s : "", vm->out.n) == 0 ? POLVM_OK : POLVM_ERR_WRITE;
}

polvm_status polvm_render_json(const polvm_result *r, int flags, polvm_write_fn write, void *ctx)
{
  return render(r, 1, flags, write, ctx);
}

polvm_status polvm_render_text(const polvm_result *r, polvm_write_fn write, void *ctx)
{
  return render(r, 0, 0, write, ctx);
}

polvm_status polvm_render_fhir(const polvm_result *r, int flags, const char *created,
                               polvm_write_fn write, void *ctx)
{
  if (!r || !write) return POLVM_ERR_ARG;
  if (!current(r)) return POLVM_ERR_STATE;
  polvm_vm *vm = r->vm;
  pol_FhirMeta meta = {r->c->sha256, created};
  pol_buf_reset(&vm->out);
  if (pol_trace_fhir(&vm->out, vm->vm, r->c->c, r->lines, &meta,
                     flags & POLVM_FHIR_BUNDLE ? POL_FHIR_BUNDLE : 0) != 0)
    return POLVM_ERR_NOMEM;
  return write(ctx, vm->out.s ? vm->out.s : "", vm->out.n) == 0 ? POLVM_OK : POLVM_ERR_WRITE;
}
