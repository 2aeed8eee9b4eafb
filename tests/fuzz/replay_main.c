/*
 * replay_main.c -- a main() for a libFuzzer target without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named.  tests/suites/fuzz_regress.sh
 * replays the regression inputs of fuzz_program and fuzz_eval through it,
 * in the normal build (make test), the sanitizer build (make check) and
 * under valgrind (make valgrind); a target reports a finding by aborting.
 *
 * Ownership: each file's bytes are freed after its run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) { perror(argv[i]); return 2; }
    size_t n = 0, cap = 4096;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
      n += got;
      if (n == cap) {
        uint8_t *nb = realloc(buf, cap *= 2);
        if (!nb) free(buf);
        buf = nb;
      }
    }
    if (!buf || ferror(f)) { fprintf(stderr, "%s: cannot read\n", argv[i]); return 2; }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
  }
  return 0;
}
