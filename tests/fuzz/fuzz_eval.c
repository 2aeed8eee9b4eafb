/*
 * fuzz_eval.c -- libFuzzer target: the input is a `polvm eval` stream,
 * NDJSON, one case per line.
 *
 * It runs polvm's own loop (cli_eval_stream, vm/polvm_eval.c) over the
 * real bundle (build/policies.polb, or $POL_FUZZ_BUNDLE), so every line
 * goes through the same VM and case as the lines before it, as in polvm:
 * what one case leaves behind (registers, the case arena, scratch) meets
 * the next.  The budget is a tenth of the default, so a line cannot take
 * long.  Oracles besides the sanitizers: exactly one output line per
 * input line, each valid JSON, in order.
 */
#include "fuzz.h"
#include "polvm_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_BUDGET = 1000000 };

static cli_Loaded *fixture(void)
{
  static cli_Loaded L;
  if (L.p) return &L;
  const char *path = getenv("POL_FUZZ_BUNDLE");
  char def[4096], err[512];
  if (!path || !*path) {
    snprintf(def, sizeof def, "%s/build/policies.polb", POL_FUZZ_ROOT);
    path = def;
  }
  uint8_t *buf = NULL;
  size_t len = 0;
  if (pol_read_file(path, &buf, &len, err, sizeof err) != 0 ||
      pol_bundle_load(buf, len, &L.p, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz_eval: %s: %s\n", path, err);
    abort();
  }
  free(buf);
  L.vm = pol_vm_new(L.p);
  L.c = pol_case_new(L.p);
  if (!L.vm || !L.c) abort();
  pol_vm_set_budget(L.vm, FUZZ_BUDGET);
  return &L;
}

/* Input lines as next_line counts them: every '\n' ends one, and bytes
   after the last '\n' make one more. */
static size_t count_lines(const uint8_t *d, size_t n)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += d[i] == '\n';
  return k + (n && d[n - 1] != '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  cli_Loaded *L = fixture();
  if (size == 0) return 0;
  FILE *in = fmemopen((void *)data, size, "r");
  char *outs = NULL;
  size_t outlen = 0;
  FILE *out = open_memstream(&outs, &outlen);
  if (!in || !out) abort();
  pol_vm_set_trace(L->vm, data[0] & 1);
  int flags = POL_TRACE_COMPACT | (data[0] & 2 ? POL_TRACE_CRITERIA : 0);
  if (cli_eval_stream(L, in, out, flags) != 0) abort();
  fclose(in);
  fclose(out);
  size_t want = count_lines(data, size), got = 0;
  for (char *line = outs, *nl; line < outs + outlen; line = nl + 1, got++) {
    nl = memchr(line, '\n', (size_t)(outs + outlen - line));
    if (!nl) {
      fprintf(stderr, "fuzz_eval: the last output line has no newline\n");
      abort();
    }
    json_error_t je;
    json_t *j = json_loadb(line, (size_t)(nl - line), 0, &je);
    if (!j) {
      fprintf(stderr, "fuzz_eval: output line %zu is not JSON: %s\n%.*s\n", got + 1, je.text,
              (int)(nl - line > 2000 ? 2000 : nl - line), line);
      abort();
    }
    json_t *no = json_object_get(j, "line_no");
    if (no && json_integer_value(no) != (json_int_t)(got + 1)) {
      fprintf(stderr, "fuzz_eval: output line %zu answers line %lld\n", got + 1,
              (long long)json_integer_value(no));
      abort();
    }
    json_decref(j);
  }
  if (got != want) {
    fprintf(stderr, "fuzz_eval: %zu lines in, %zu lines out\n", want, got);
    abort();
  }
  free(outs);
  return 0;
}
