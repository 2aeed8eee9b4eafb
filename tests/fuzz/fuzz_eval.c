/*
 * fuzz_eval.c -- libFuzzer target: the input is a `polvm eval` stream,
 * NDJSON, one case per line.
 *
 * It runs polvm itself: cli/polvm.c built with its main renamed polvm_entry
 * and its closing of stdout replaced by a flush (Makefile, POLVM_AS_LIB),
 * called as `polvm eval --bundle B` with the
 * input as standard input and standard output caught in a memory file, so
 * every line goes through the same VM and case as the lines before it,
 * as in polvm: what one case leaves behind (registers, the case arena,
 * scratch) meets the next.  The bundle is the real one
 * (build/policies.polb, or $POL_FUZZ_BUNDLE); the first byte chooses
 * --criteria and --no-trace.  Oracles besides the sanitizers: exit 0,
 * exactly one output line per input line, in order (line_no), each valid
 * JSON.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int polvm_entry(int argc, char **argv);
int polvm_entry_flush(const char *prog);

/* polvm's main closes stdout when it is done (pol_close_stdout); built
   for this target it calls this instead, which only flushes, so the
   fuzzer's own stdout survives. */
int polvm_entry_flush(const char *prog)
{
  (void)prog;
  return fflush(stdout) != 0 ? -1 : 0;
}

/* A memory file holding data[0..n), read from its start. */
static int mem_file(const char *name, const uint8_t *data, size_t n)
{
  int fd = memfd_create(name, 0);
  if (fd < 0) abort();
  for (size_t at = 0; at < n;) {
    ssize_t w = write(fd, data + at, n - at);
    if (w <= 0) abort();
    at += (size_t)w;
  }
  if (lseek(fd, 0, SEEK_SET) != 0) abort();
  return fd;
}

/* Input lines as polvm counts them: every '\n' ends one, and bytes after
   the last '\n' make one more. */
static size_t count_lines(const uint8_t *d, size_t n)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += d[i] == '\n';
  return k + (n && d[n - 1] != '\n');
}

static void check_output(const char *outs, size_t outlen, size_t want)
{
  size_t got = 0;
  for (const char *line = outs, *nl; line < outs + outlen; line = nl + 1, got++) {
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char bundle[4096];
  if (!bundle[0]) {
    const char *e = getenv("POL_FUZZ_BUNDLE");
    if (e && *e) snprintf(bundle, sizeof bundle, "%s", e);
    else snprintf(bundle, sizeof bundle, "%s/build/policies.polb", POL_FUZZ_ROOT);
  }
  if (size == 0) return 0;
  static char a0[] = "polvm", a1[] = "eval", a2[] = "--bundle", crit[] = "--criteria",
              notrace[] = "--no-trace";
  char *argv[7] = {a0, a1, a2, bundle};
  int argc = 4;
  if (data[0] & 1) argv[argc++] = crit;
  if (data[0] & 2) argv[argc++] = notrace;
  argv[argc] = NULL;

  int in = mem_file("fuzz_eval_in", data, size), out = mem_file("fuzz_eval_out", NULL, 0);
  fflush(stdout);
  int save_in = dup(0), save_out = dup(1);
  if (save_in < 0 || save_out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0) abort();
  int rc = polvm_entry(argc, argv);
  fflush(stdout);
  if (dup2(save_in, 0) < 0 || dup2(save_out, 1) < 0) abort();
  clearerr(stdin);
  close(save_in);
  close(save_out);
  close(in);
  if (rc != 0) {
    fprintf(stderr, "fuzz_eval: polvm eval exited %d\n", rc);
    abort();
  }
  off_t outlen = lseek(out, 0, SEEK_END);
  if (outlen < 0 || lseek(out, 0, SEEK_SET) != 0) abort();
  char *outs = malloc((size_t)outlen + 1);
  if (!outs) abort();
  for (off_t at = 0; at < outlen;) {
    ssize_t r = read(out, outs + at, (size_t)(outlen - at));
    if (r <= 0) abort();
    at += r;
  }
  close(out);
  check_output(outs, (size_t)outlen, count_lines(data, size));
  free(outs);
  return 0;
}
