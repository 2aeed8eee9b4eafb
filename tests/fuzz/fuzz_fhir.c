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
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Fixture {
  pol_Program *p;
  pol_VM *vm;
  pol_Case *c;
} Fixture;

static Fixture *fixture(void)
{
  static Fixture fx;
  if (fx.p) return &fx;
  fx.p = fz_real_bundle("fuzz_fhir");
  fx.vm = pol_vm_new(fx.p);
  fx.c = pol_case_new(fx.p);
  if (!fx.vm || !fx.c) abort();
  pol_vm_set_trace(fx.vm, 1);
  return &fx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Fixture *fx = fixture();
  pol_CaseError ce;
  json_t *root = pol_case_parse((const char *)data, size, &ce);
  if (!root) return 0;
  if (json_is_object(root)) json_object_set_new(root, "resourceType", json_string("Bundle"));
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
