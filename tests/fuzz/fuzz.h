/*
 * fuzz.h -- what the libFuzzer targets share: judging a program on case
 * documents and rendering every trace form, with the one oracle we have
 * besides the sanitizers: a JSON trace must parse back as JSON.
 *
 * POL_FUZZ_ROOT (set by the Makefile) is the source tree: the stdlib and
 * the example cases are read from it once, at start-up.
 *
 * Ownership: everything loaded at start-up lives until exit (libFuzzer never
 * returns from its loop); per-input memory is freed before each target
 * returns, so LeakSanitizer sees any leak of the code under test.
 */
#ifndef POL_FUZZ_H
#define POL_FUZZ_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "case.h"
#include "trace.h"
#include "vm.h"

#ifndef POL_FUZZ_ROOT
#define POL_FUZZ_ROOT "."
#endif

/* The real bundle: $POL_FUZZ_BUNDLE, else build/policies.polb of the
   source tree, loaded once; aborts (naming WHO, the target) if it cannot. */
static inline pol_Program *fz_real_bundle(const char *who)
{
  const char *path = getenv("POL_FUZZ_BUNDLE");
  char def[4096], err[512];
  if (!path || !*path) {
    snprintf(def, sizeof def, "%s/build/policies.polb", POL_FUZZ_ROOT);
    path = def;
  }
  uint8_t *buf = NULL;
  size_t len = 0;
  pol_Program *p = NULL;
  if (pol_read_file(path, &buf, &len, err, sizeof err) != 0 ||
      pol_bundle_load(buf, len, &p, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s: %s\n", who, path, err);
    abort();
  }
  free(buf);
  return p;
}

/* A sink for diagnostics and disassembly. */
static inline FILE *fz_null(void)
{
  static FILE *f;
  if (!f) f = fopen("/dev/null", "w");
  if (!f) abort();
  return f;
}

/* Parses a case document from the source tree; aborts if it is missing,
   since a fuzzer without its fixtures would test nothing. */
static inline json_t *fz_load_case(const char *rel)
{
  char path[4096];
  json_error_t je;
  snprintf(path, sizeof path, "%s/%s", POL_FUZZ_ROOT, rel);
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    fprintf(stderr, "fuzz: cannot load %s: %s\n", path, je.text);
    abort();
  }
  return j;
}

/* Renders every trace form of a judged case; the JSON ones must parse. */
static inline void fz_traces(const pol_VM *vm, const pol_Case *c, const pol_LineResult *lines)
{
  static const int flags[] = {POL_TRACE_PRETTY | POL_TRACE_CRITERIA, POL_TRACE_COMPACT,
                              POL_TRACE_COMPACT | POL_TRACE_CRITERIA};
  pol_TraceMeta meta = {"0000000000000000000000000000000000000000000000000000000000000000"};
  pol_Buf b = {0};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    pol_buf_reset(&b);
    pol_trace_json(&b, vm, c, lines, &meta, flags[i]);
    json_error_t je;
    json_t *back = json_loadb(b.s, b.n, 0, &je);
    if (!back) {
      fprintf(stderr, "fuzz: the JSON trace does not parse: %s\n%.*s\n", je.text,
              b.n > 2000 ? 2000 : (int)b.n, b.s);
      abort();
    }
    json_decref(back);
  }
  pol_buf_reset(&b);
  pol_trace_text(&b, vm, c, lines, &meta);
  pol_buf_free(&b);
}

/* Judges each of the n documents with p, tracing on and off.  budget
   bounds the work per case (0: the VM's default). */
static inline void fz_judge(const pol_Program *p, json_t *const *docs, size_t n, uint64_t budget)
{
  pol_VM *vm = pol_vm_new(p);
  pol_Case *c = pol_case_new(p);
  if (!vm || !c) abort();
  pol_vm_set_budget(vm, budget);
  for (int tracing = 1; tracing >= 0; tracing--) {
    pol_vm_set_trace(vm, tracing);
    for (size_t i = 0; i < n; i++) {
      char err[512];
      const pol_LineResult *lines = NULL;
      if (pol_case_load(c, docs[i], err, sizeof err) != 0) continue;
      if (pol_vm_eval(vm, c, &lines, err, sizeof err) != 0) continue;
      fz_traces(vm, c, lines);
    }
  }
  pol_case_free(c);
  pol_vm_free(vm);
}

/* The example cases every fuzzed program is judged on. */
static inline json_t **fz_example_cases(size_t *n)
{
  static const char *const rel[] = {
    "examples/caresource-sij/approve-all-criteria.json",
    "examples/caresource-sij/denied-one-injection.json",
    "examples/caresource-sij/pend-missing-exam-maneuvers.json",
    "examples/caresource-sij/multi-line-27279-and-other-code.json",
    "examples/seeds/seed-004-t12-s2-fusion.json",
    "examples/seeds/seed-000-ifuse-loi.json",
  };
  static json_t *docs[sizeof rel / sizeof rel[0]];
  if (!docs[0])
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) docs[i] = fz_load_case(rel[i]);
  *n = sizeof rel / sizeof rel[0];
  return docs;
}

/* ---- comparing two readings of one case (fuzz_jread, fuzz_fhir) ---------- */

static inline int fz_same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

static inline int fz_same_value(const pol_Program *p, const pol_Value *a, const pol_Value *b)
{
  if (a->tag != b->tag) return 0;
  switch ((pol_Tag)a->tag) {
  case PV_UNK: return 1;
  case PV_BOOL: case PV_DATE: case PV_SET: return a->aux == b->aux;
  case PV_NUM: return a->u.d == b->u.d;
  case PV_RANGE: case PV_DUR: case PV_WIN:
    return a->aux == b->aux && a->u.r.lo == b->u.r.lo && a->u.r.hi == b->u.r.hi;
  case PV_STR: return a->aux == b->aux && strcmp(a->u.s, b->u.s) == 0;
  case PV_LIST: {
    const pol_List *x = a->u.p, *y = b->u.p;
    if (x->n != y->n || x->elem != y->elem) return 0;
    for (uint32_t i = 0; i < x->n; i++)
      if (!fz_same_value(p, &x->items[i], &y->items[i])) return 0;
    return 1;
  }
  case PV_REC: {
    if (a->aux != b->aux) return 0;
    const pol_Value *x = a->u.p, *y = b->u.p;
    for (uint32_t i = 0; i < p->rec[a->aux].nfields; i++)
      if (!fz_same_value(p, &x[i], &y[i])) return 0;
    return 1;
  }
  }
  return 0;
}

/* Where cases a and b (p's, read by two readers) differ: NULL if they
   do not, else what (in what[n], or a literal). */
static inline const char *fz_case_diff(const pol_Program *p, const pol_Case *a, const pol_Case *b,
                                       char *what, size_t n)
{
  if (!fz_same_str(pol_case_id(a), pol_case_id(b))) return "case_id";
  uint32_t nl = pol_case_nlines(a);
  if (nl != pol_case_nlines(b)) return "number of lines";
  for (uint32_t i = 0; i < nl; i++) {
    const pol_LineInfo *x = pol_case_line(a, i), *y = pol_case_line(b, i);
    if (x->number != y->number || !fz_same_str(x->cpt, y->cpt) || x->cpt_id != y->cpt_id ||
        x->date != y->date || x->date_known != y->date_known || !fz_same_str(x->plan, y->plan) ||
        x->plan_id != y->plan_id || !fz_same_str(x->review, y->review) || !fz_same_str(x->prior, y->prior) ||
        !fz_same_str(x->rxnorm, y->rxnorm) || !fz_same_str(x->ndc, y->ndc))
      return "a request line";
  }
  for (uint32_t i = 0; i < (nl ? nl : 1); i++) {
    const pol_Value *x = pol_case_slots(a, i), *y = pol_case_slots(b, i);
    for (uint32_t f = 0; f < p->nfacts; f++)
      if (!fz_same_value(p, &x[f], &y[f])) {
        snprintf(what, n, "fact %s of row %u", p->str[p->facts[f].path], (unsigned)i);
        return what;
      }
  }
  return NULL;
}

#endif
