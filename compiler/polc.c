/*
 * polc.c -- the policy compiler's command line.
 *
 *   polc [-o BUNDLE] [-I DIR]... FILE.pol...     compile into a bundle
 *   polc --check FILE.pol...                      check only, write nothing
 *   polc --dump FILE.pol...                       print the disassembly
 *
 * Exit codes (docs/cli.md): 0 success, 1 errors in the policies,
 * 2 usage, 3 cannot read or write a file, 4 internal error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "../vm/bundle.h"

#ifndef POL_STDLIB_DIR
#define POL_STDLIB_DIR "/usr/local/share/polc/stdlib"
#endif
#define POL_VERSION "0.1.0"

enum { EXIT_POLICY = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

static void usage(FILE *f)
{
  fputs("usage: polc [-o BUNDLE] [-I DIR]... [--check | --dump] FILE.pol...\n"
        "  -o BUNDLE   write the bundle here (default: policies.polb)\n"
        "  -I DIR      search DIR for imported modules (before the stdlib)\n"
        "  --check     check the policies, write nothing\n"
        "  --dump      print a readable disassembly with source lines\n"
        "  --version   print the version\n", f);
}

/* The stdlib next to the executable (build/polc -> stdlib/), for use from
   a source tree; else the installed one. */
static char *exe_stdlib(void)
{
  static char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 32);
  if (n <= 0) return NULL;
  buf[n] = '\0';
  char *slash = strrchr(buf, '/');
  if (!slash) return NULL;
  *slash = '\0';
  slash = strrchr(buf, '/');
  if (!slash) return NULL;
  strcpy(slash, "/stdlib");
  return access(buf, R_OK) == 0 ? buf : NULL;
}

int main(int argc, char **argv)
{
  const char *out = "policies.polb";
  int check_only = 0, dump = 0;
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  const char *files[4096];
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-o") == 0 && i + 1 < argc) out = argv[++i];
    else if (strcmp(a, "-I") == 0 && i + 1 < argc) pol_compiler_add_path(&c, argv[++i]);
    else if (strcmp(a, "--check") == 0) check_only = 1;
    else if (strcmp(a, "--dump") == 0) dump = 1;
    else if (strcmp(a, "--version") == 0) { printf("polc %s (bundle format %d.%d)\n", POL_VERSION, POL_BUNDLE_MAJOR, POL_BUNDLE_MINOR); pol_compiler_free(&c); return 0; }
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(stdout); pol_compiler_free(&c); return 0; }
    else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "polc: unknown option '%s'\n", a);
      usage(stderr);
      pol_compiler_free(&c);
      return EXIT_USAGE;
    } else if (nfiles < 4096) files[nfiles++] = a;
  }
  if (nfiles == 0) {
    usage(stderr);
    pol_compiler_free(&c);
    return EXIT_USAGE;
  }
  const char *env = getenv("POL_PATH");
  if (env && *env) pol_compiler_add_path(&c, env);
  char *here = exe_stdlib();
  if (here) pol_compiler_add_path(&c, here);
  pol_compiler_add_path(&c, POL_STDLIB_DIR);

  int io_error = 0;
  for (int i = 0; i < nfiles; i++) {
    FILE *f = fopen(files[i], "rb");
    if (!f) {
      fprintf(stderr, "polc: cannot read %s: %s\n", files[i], strerror(errno));
      io_error = 1;
      continue;
    }
    fclose(f);
    pol_compiler_load(&c, files[i]);
  }
  if (io_error) { pol_compiler_free(&c); return EXIT_IO; }
  if (c.diag.nerrors == 0) pol_check(&c);
  if (c.diag.nerrors) {
    fprintf(stderr, "polc: %d error%s\n", c.diag.nerrors, c.diag.nerrors == 1 ? "" : "s");
    pol_compiler_free(&c);
    return EXIT_POLICY;
  }
  pol_Program *p = pol_codegen(&c);
  if (!p) {
    fprintf(stderr, "polc: %d error%s\n", c.diag.nerrors, c.diag.nerrors == 1 ? "" : "s");
    pol_compiler_free(&c);
    return EXIT_POLICY;
  }
  int rc = 0;
  uint8_t *buf = NULL;
  size_t len = 0;
  if (pol_bundle_write(p, &buf, &len) != 0) {
    fputs("polc: internal error: cannot serialise the bundle\n", stderr);
    rc = EXIT_INTERNAL;
  } else {
    /* the compiler's own output must pass the loader's verifier */
    char err[512];
    pol_Program *check = NULL;
    if (pol_bundle_load(buf, len, &check, err, sizeof err) != 0) {
      fprintf(stderr, "polc: internal error: generated bundle fails verification: %s\n", err);
      rc = EXIT_INTERNAL;
    }
    pol_program_free(check);
  }
  if (rc == 0 && dump) pol_disasm(p, stdout);
  if (rc == 0 && !check_only && !dump) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
      fprintf(stderr, "polc: cannot write %s: %s\n", out, strerror(errno));
      rc = EXIT_IO;
      remove(tmp);
    } else if (rename(tmp, out) != 0) {
      fprintf(stderr, "polc: cannot write %s: %s\n", out, strerror(errno));
      rc = EXIT_IO;
    }
  }
  free(buf);
  pol_program_free(p);
  pol_compiler_free(&c);
  return rc;
}
