/*
 * fuzz_case.c -- libFuzzer target: the input is a case document.
 *
 * It goes the way `polvm trace` takes it: pol_case_parse (size, nesting,
 * syntax), pol_case_load, pol_vm_eval with the default instruction budget,
 * then every trace form.  The bundle is the real one, build/policies.polb
 * of the source tree, or the file named by $POL_FUZZ_BUNDLE.
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
  fx.p = fz_real_bundle("fuzz_case");
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
  if (!root) {
    if (!ce.code || ce.code[0] != 'C') abort();
    return 0;
  }
  char err[512];
  const pol_LineResult *lines = NULL;
  if (pol_case_load(fx->c, root, err, sizeof err) == 0) {
    if (pol_vm_eval(fx->vm, fx->c, &lines, err, sizeof err) == 0) fz_traces(fx->vm, fx->c, lines);
  } else if (err[0] != 'C') {
    fprintf(stderr, "fuzz_case: a case error without a code: %s\n", err);
    abort();
  }
  json_decref(root);
  return 0;
}
