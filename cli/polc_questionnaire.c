/*
 * polc_questionnaire.c -- `polc questionnaire [-o OUT] [-I DIR]... FILE.pol...`:
 * the FHIR R4 (Da Vinci DTR) Questionnaire for the facts the policies read
 * (pol_questionnaire, compiler/questionnaire.c; docs/fhir.md), the
 * policies loaded and checked as for compiling.  Exit codes as for
 * compiling: 0, 1 policy errors (or no policy in the files), 2 usage, 3 I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_polc.h"
#include "compile.h"
#include "fhir_out.h"
#include "opts.h"
#include "output.h"
#include "questionnaire.h"

static void questionnaire_usage(FILE *f)
{
  fputs("usage: polc questionnaire [-o OUT] [-I DIR]... FILE.pol...\n"
        "  the FHIR R4 Questionnaire (Da Vinci DTR) for the facts the policies read\n"
        "  -o OUT   write here (default: standard output)\n"
        "  -I DIR   search DIR for imported modules (before the stdlib)\n", f);
}

static const struct option questionnaire_options[] = {
  CLI_OPTS_COMMON,
  {0}
};

int polc_questionnaire_main(int argc, char **argv)
{
  int opt, rc = -1;
  const char *outfile = NULL;
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  cli_getopt_reset();
  while (rc < 0 && (opt = cli_getopt("polc questionnaire", argc, argv, ":o:I:h", questionnaire_options)) != -1) {
    switch (opt) {
    case 'o': outfile = optarg; break;
    case 'I': pol_compiler_add_path(&c, optarg); break;
    case 'h': questionnaire_usage(stdout); rc = 0; break;
    case CLI_OPT_VERSION: cli_version("polc"); rc = 0; break;
    default: questionnaire_usage(stderr); rc = 2; break;
    }
  }
  if (rc < 0 && argc - optind == 0) {
    questionnaire_usage(stderr);
    rc = 2;
  }
  if (rc >= 0) {
    pol_compiler_free(&c);
    return rc;
  }
  pol_compiler_default_paths(&c);
  switch (pol_compile_files(&c, (const char *const *)argv + optind, argc - optind, NULL)) {
  case POL_COMPILE_OK: break;
  case POL_COMPILE_UNREADABLE:
    pol_compiler_free(&c);
    return 3;
  case POL_COMPILE_ERRORS:
    fprintf(stderr, "polc: %d error%s\n", c.diag.nerrors, c.diag.nerrors == 1 ? "" : "s");
    pol_compiler_free(&c);
    return 1;
  }
  int any = 0;
  for (int i = 0; i < c.nunits; i++) any |= c.units[i]->header != NULL;
  if (!any) {
    fprintf(stderr, "polc questionnaire: no policy in the files\n");
    pol_compiler_free(&c);
    return 1;
  }
  json_t *qn = pol_questionnaire(&c);
  pol_Buf out = {0};
  pol_fhir_emit(&out, qn);
  pol_buf_puts(&out, "\n");
  json_decref(qn);
  rc = 0;
  char err[512];
  if (outfile ? pol_write_file(outfile, out.s, out.n, 0666, 0, err, sizeof err) != 0
              : fwrite(out.s, 1, out.n, stdout) != out.n || fflush(stdout) != 0) {
    fprintf(stderr, "polc: cannot write %s: %s\n", outfile ? outfile : "standard output",
            outfile ? err : strerror(errno));
    rc = 3;
  }
  pol_buf_free(&out);
  pol_compiler_free(&c);
  return rc;
}
