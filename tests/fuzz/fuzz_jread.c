/*
 * fuzz_jread.c -- libFuzzer target, differential: the schema-directed case
 * reader (vm/jread.c) against the reference path (pol_case_parse +
 * pol_case_load, jansson).
 *
 * For each input both read it into their own pol_Case of the real bundle
 * (build/policies.polb, or $POL_FUZZ_BUNDLE).  They must accept and refuse
 * the same inputs; pol_jread_case must give the reference's error (code,
 * line:column, message) on a refused one; on an accepted one the two cases
 * must hold the same facts (case id, request lines, every slot of every
 * row, lists and records compared deeply) and give byte-identical traces
 * (compact JSON with criteria, and text), trace on and off.  Any
 * difference aborts with both sides printed.
 */
#include "fuzz.h"
#include "jread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Fixture {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *ref, *fast, *via;
  pol_JRead *jr;
} Fixture;

static Fixture *fixture(void)
{
  static Fixture fx;
  if (fx.p) return &fx;
  fx.p = fz_real_bundle("fuzz_jread");
  fx.vm = pol_vm_new(fx.p);
  fx.ref = pol_case_new(fx.p);
  fx.fast = pol_case_new(fx.p);
  fx.via = pol_case_new(fx.p);
  fx.jr = pol_jread_new(fx.p);
  if (!fx.vm || !fx.ref || !fx.fast || !fx.via || !fx.jr) abort();
  return &fx;
}

static void differ(const char *what, const uint8_t *data, size_t size)
{
  fprintf(stderr, "fuzz_jread: the reader and the reference differ: %s\ninput: %.*s\n", what,
          size > 2000 ? 2000 : (int)size, (const char *)data);
  abort();
}

static void same_case(const Fixture *fx, const uint8_t *data, size_t size)
{
  char what[200];
  const char *d = fz_case_diff(fx->p, fx->ref, fx->fast, what, sizeof what);
  if (d) differ(d, data, size);
}

/* The traces of c, trace on and off, into out. */
static void traces(Fixture *fx, pol_Case *c, pol_Buf *out)
{
  for (int on = 1; on >= 0; on--) {
    const pol_LineResult *lines = NULL;
    char err[512];
    pol_vm_set_trace(fx->vm, on);
    if (pol_vm_eval(fx->vm, c, &lines, err, sizeof err) != 0) {
      pol_buf_puts(out, err);
      continue;
    }
    pol_trace_json(out, fx->vm, c, lines, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
    if (on) pol_trace_text(out, fx->vm, c, lines, NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Fixture *fx = fixture();
  const char *text = (const char *)data;
  pol_CaseError ce;
  char rerr[512] = "", verr[512] = "";
  int rst;   /* reference: 0 loaded, -1 not a document, -2 does not load */
  json_t *root = pol_case_parse(text, size, &ce);
  if (!root) rst = -1;
  else rst = pol_case_load(fx->ref, root, rerr, sizeof rerr) == 0 ? 0 : -2;

  int fst = pol_jread_load(fx->jr, fx->fast, text, size);
  /* a FHIR resource (top-level resourceType) is the reference's to read */
  int fhir = root && json_object_get(root, "resourceType") != NULL;
  if (fhir && fst == 0) differ("the reader read a FHIR resource", data, size);
  if (!fhir && (fst == 0) != (rst == 0))
    differ(fst == 0 ? "the reader accepts, the reference refuses"
                    : "the reader refuses, the reference accepts", data, size);

  /* pol_jread_case reports what the reference reports */
  json_t *vroot = NULL;
  pol_CaseError vce;
  int vst = pol_jread_case(fx->jr, fx->via, text, size, &vroot, &vce, verr, sizeof verr);
  if (vst != rst) differ("pol_jread_case's status", data, size);
  if (rst == -1 && (strcmp(ce.code, vce.code) != 0 || ce.line != vce.line || ce.column != vce.column ||
                    strcmp(ce.text, vce.text) != 0))
    differ("the document error", data, size);
  if (rst == -2 && strcmp(rerr, verr) != 0) differ("the load error", data, size);
  json_decref(vroot);

  if (rst == 0 && !fhir) {
    same_case(fx, data, size);
    pol_Buf x = {0}, y = {0};
    traces(fx, fx->ref, &x);
    traces(fx, fx->fast, &y);
    if (x.n != y.n || memcmp(x.s, y.s, x.n) != 0) differ("the traces", data, size);
    pol_buf_free(&x);
    pol_buf_free(&y);
  }
  json_decref(root);
  return 0;
}
