/*
 * fuzz_compile.c -- libFuzzer target: the input is a .pol source.
 *
 * It goes through the whole compiler (parse, imports from the stdlib,
 * check, codegen), and a program that compiles must serialise, load back
 * through the verifier (a refusal is a compiler bug: abort) and be judged
 * on the example cases with every trace form.  Externs are never bound:
 * a fuzzed policy must not dlopen anything; unbound externs are unknown.
 */
#include "fuzz.h"

#include "compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 65536) return 0;   /* depth, not bulk, is what finds bugs here */
  size_t ncases;
  json_t **cases = fz_example_cases(&ncases);

  pol_Compiler c;
  pol_compiler_init(&c, fz_null());
  pol_compiler_add_path(&c, POL_FUZZ_ROOT "/stdlib");
  c.built = "2025-01-01T00:00:00Z";
  {
    pol_Program *p = pol_compile_text(&c, "fuzz.pol", (const char *)data, size);
    if (p) {
      uint8_t *buf = NULL;
      size_t len = 0;
      if (pol_bundle_write(p, &buf, &len) != 0) {
        fputs("fuzz: a compiled program does not serialise\n", stderr);
        abort();
      }
      char err[512];
      pol_Program *q = NULL;
      if (pol_bundle_load(buf, len, &q, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: a compiled program fails verification: %s\n", err);
        abort();
      }
      fz_judge(q, cases, ncases, 200000);
      pol_disasm(q, fz_null());
      pol_program_free(q);
      free(buf);
      pol_program_free(p);
    }
  }
  pol_compiler_free(&c);
  return 0;
}
