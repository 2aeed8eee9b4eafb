/*
 * fuzz_fhir.c -- libFuzzer target: the input is a FHIR Bundle (docs/fhir.md).
 *
 * Any JSON object is made a Bundle (its resourceType set to "Bundle"), so
 * every input reaches the FHIR reader (vm/fhir_in.c) through the stdlib
 * bindings, then pol_case_load, pol_vm_eval and every trace form, as
 * `polvm trace` takes a Bundle.  Oracles: an error starts with a C code; a
 * load that succeeds has a case id.  The bundle is build/policies.polb of
 * the source tree, or the file named by $POL_FUZZ_BUNDLE.  Seeds: the
 * examples converted by `polvm case-to-fhir`, tests/fhir/, the hostile
 * fhir-*.json (tests/fuzz/run.sh).
 *
 * Differential, too: the fast path for Bundles (vm/fhir_fast.c) against
 * the reference (pol_case_parse + pol_case_load through vm/fhir_in.c), on
 * the input as it is when it starts like a FHIR resource, and on the
 * input made a Bundle with "resourceType" its first key.  Where the fast
 * path accepts, the reference must accept with no notes, and both cases
 * must hold the same facts and give the same traces; pol_jread_case (fast
 * path, then the reference where it refuses) must give the reference's
 * status, error and notes.  The fast path's tape scanner (vm/fhir_tape.c)
 * must give pol_jread_tape's status and entries on every input.  Any
 * difference aborts with the text printed.
 */
#include "fhir_fast.h"
#include "fhir_tape.h"
#include "fuzz.h"
#include "jread.h"
#include "../fhir_tape_scalar.h"
#include "../tape_next.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Fixture {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *c, *ref, *fast, *via;
  pol_JRead *jr;
  pol_FhirFast *ff;
  pol_FhirTape *ft, *sc;   /* the library's scanner (SSE2 on x86-64), the portable one */
} Fixture;

static Fixture *fixture(void)
{
  static Fixture fx;
  if (fx.p) return &fx;
  fx.p = fz_real_bundle("fuzz_fhir");
  fx.vm = pol_vm_new(fx.p);
  fx.c = pol_case_new(fx.p);
  fx.ref = pol_case_new(fx.p);
  fx.fast = pol_case_new(fx.p);
  fx.via = pol_case_new(fx.p);
  fx.jr = pol_jread_new(fx.p);
  fx.ff = pol_fhir_fast_new(fx.p);
  fx.ft = pol_fhir_tape_new();
  fx.sc = scalar_tape_new();
  if (!fx.vm || !fx.c || !fx.ref || !fx.fast || !fx.via || !fx.jr || !fx.ff || !fx.ft || !fx.sc) abort();
  pol_vm_set_trace(fx.vm, 1);
  return &fx;
}

static void differ(const char *what, const char *text, size_t len)
{
  fprintf(stderr, "fuzz_fhir: the fast path and the reference differ: %s\ninput: %.*s\n", what,
          len > 3000 ? 3000 : (int)len, text);
  abort();
}

static void same_case(const Fixture *fx, const char *text, size_t len)
{
  char what[200];
  const char *d = fz_case_diff(fx->p, fx->ref, fx->fast, what, sizeof what);
  if (d) differ(d, text, len);
}

static void traces(Fixture *fx, pol_Case *c, pol_Buf *out)
{
  const pol_LineResult *lines = NULL;
  char err[512];
  pol_vm_set_trace(fx->vm, 1);
  if (pol_vm_eval(fx->vm, c, &lines, err, sizeof err) != 0) pol_buf_puts(out, err);
  else pol_trace_json(out, fx->vm, c, lines, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
}

/* The Bundle scanner (vm/fhir_tape.c: the library's, and its portable
   path) against the reader's (pol_jread_tape): the same status, the same
   entries. */
static void same_tape(Fixture *fx, const char *text, size_t len)
{
  const pol_JTape *a, *b, *c;
  size_t na = 0, nb = 0, nc = 0;
  int ra = pol_jread_tape(fx->jr, text, len, &a, &na);
  int rb = pol_fhir_tape(fx->ft, text, len, &b, &nb);
  int rc = scalar_tape(fx->sc, text, len, &c, &nc);
  if (ra != rb) differ("the tape scanners' status", text, len);
  if (ra != rc) differ("the tape scanners' status (the portable path)", text, len);
  if (ra == 0 && (na != nb || memcmp(a, b, na * sizeof *a) != 0)) differ("the tapes", text, len);
  if (ra == 0 && (na != nc || memcmp(a, c, na * sizeof *a) != 0)) differ("the tapes (the portable path)", text, len);
  uint32_t want;
  if (ra == 0 && tape_next_wrong(b, pol_fhir_tape_next(fx->ft), nb, text, len, &want) < nb)
    differ("the tape's next[]", text, len);
  if (ra == 0 && tape_next_wrong(c, scalar_tape_next(fx->sc), nc, text, len, &want) < nc)
    differ("the tape's next[] (the portable path)", text, len);
}

/* The fast path against the reference on one text. */
static void fast_vs_ref(Fixture *fx, const char *text, size_t len)
{
  pol_CaseError ce, vce;
  char rerr[512] = "", verr[512] = "";
  same_tape(fx, text, len);
  json_t *root = pol_case_parse(text, len, &ce);
  int rst = !root ? -1 : pol_case_load(fx->ref, root, rerr, sizeof rerr) == 0 ? 0 : -2;
  char *rnotes = strdup(rst == -1 ? "" : pol_case_notes(fx->ref));   /* -1: nothing loaded */
  if (!rnotes) abort();
  int fst = pol_fhir_fast_load(fx->ff, fx->jr, fx->fast, text, len);
  if (fst == 0 && rst != 0) differ("the fast path accepts, the reference refuses", text, len);
  if (fst == 0 && rnotes[0]) differ("the fast path accepts a Bundle the reference has notes on", text, len);
  if (fst == 0) {
    same_case(fx, text, len);
    pol_Buf x = {0}, y = {0};
    traces(fx, fx->ref, &x);
    traces(fx, fx->fast, &y);
    if (x.n != y.n || memcmp(x.s, y.s, x.n) != 0) differ("the traces", text, len);
    pol_buf_free(&x);
    pol_buf_free(&y);
  }
  json_t *vroot = NULL;
  int vst = pol_jread_case(fx->jr, fx->via, text, len, &vroot, &vce, verr, sizeof verr);
  if (vst != rst) differ("pol_jread_case's status", text, len);
  if (rst == -1 && (strcmp(ce.code, vce.code) != 0 || ce.line != vce.line || ce.column != vce.column ||
                    strcmp(ce.text, vce.text) != 0))
    differ("the document error", text, len);
  if (rst == -2 && strcmp(rerr, verr) != 0) differ("the load error", text, len);
  if (rst != -1 && strcmp(rnotes, pol_case_notes(fx->via)) != 0) differ("the notes", text, len);
  json_decref(vroot);
  json_decref(root);
  free(rnotes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Fixture *fx = fixture();
  same_tape(fx, (const char *)data, size);
  if (pol_fhir_fast_maybe((const char *)data, size)) fast_vs_ref(fx, (const char *)data, size);
  pol_CaseError ce;
  json_t *root = pol_case_parse((const char *)data, size, &ce);
  if (!root) return 0;
  if (json_is_object(root)) {
    /* the same object as a Bundle with "resourceType" first: the fast path's input */
    json_object_del(root, "resourceType");
    char *rest = json_dumps(root, JSON_COMPACT);
    if (rest) {
      size_t n = strlen(rest);
      char *text = malloc(n + 32);
      if (!text) abort();
      int k = snprintf(text, n + 32, "{\"resourceType\":\"Bundle\"%s%s", n > 2 ? "," : "", rest + 1);
      fast_vs_ref(fx, text, (size_t)k);
      free(text);
      free(rest);
    }
    json_object_set_new(root, "resourceType", json_string("Bundle"));
  }
  char err[512];
  const pol_LineResult *lines = NULL;
  if (pol_case_load(fx->c, root, err, sizeof err) == 0) {
    if (json_is_object(root) && !pol_case_id(fx->c)) {
      fprintf(stderr, "fuzz_fhir: a Bundle loaded without a case id\n");
      abort();
    }
    if (pol_vm_eval(fx->vm, fx->c, &lines, err, sizeof err) == 0) fz_traces(fx->vm, fx->c, lines);
  } else if (err[0] != 'C') {
    fprintf(stderr, "fuzz_fhir: an error without a code: %s\n", err);
    abort();
  }
  json_decref(root);
  return 0;
}
