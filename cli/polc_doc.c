/*
 * polc_doc.c -- `polc doc [--html] [-o OUT] [-I DIR]... FILE.pol`: the
 * policy as a clinician-readable checklist (pol_doc_render,
 * compiler/doc.c), loaded and checked as for compiling.  Exit codes as
 * for compiling: 0, 1 policy errors (or no policy in the file), 2 usage,
 * 3 I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_polc.h"
#include "compile.h"
#include "fmt.h"
#include "opts.h"
#include "output.h"

static void doc_usage(FILE *f)
{
  fputs("usage: polc doc [--html] [-o OUT] [-I DIR]... FILE.pol\n"
        "  --html   a standalone HTML page (default: Markdown)\n"
        "  -o OUT   write here (default: standard output)\n"
        "  -I DIR   search DIR for imported modules (before the stdlib)\n", f);
}

enum { OPT_HTML = CLI_OPT_LONG, OPT_MARKDOWN };

static const struct option doc_options[] = {
  {"html", no_argument, NULL, OPT_HTML},
  {"markdown", no_argument, NULL, OPT_MARKDOWN},
  CLI_OPTS_COMMON,
  {0}
};

int polc_doc_main(int argc, char **argv)
{
  int html = 0, opt, rc = -1;
  const char *outfile = NULL;
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  cli_getopt_reset();
  while (rc < 0 && (opt = cli_getopt("polc doc", argc, argv, ":o:I:h", doc_options)) != -1) {
    switch (opt) {
    case OPT_HTML: html = 1; break;
    case OPT_MARKDOWN: html = 0; break;
    case 'o': outfile = optarg; break;
    case 'I': pol_compiler_add_path(&c, optarg); break;
    case 'h': doc_usage(stdout); rc = 0; break;
    case CLI_OPT_VERSION: cli_version("polc"); rc = 0; break;
    default: doc_usage(stderr); rc = 2; break;
    }
  }
  if (rc < 0 && argc - optind > 1) {
    fprintf(stderr, "polc doc: one policy file at a time ('%s')\n", argv[optind + 1]);
    doc_usage(stderr);
    rc = 2;
  } else if (rc < 0 && argc - optind == 0) {
    doc_usage(stderr);
    rc = 2;
  }
  if (rc >= 0) {
    pol_compiler_free(&c);
    return rc;
  }
  const char *file = argv[optind];
  pol_compiler_default_paths(&c);
  switch (pol_compile_files(&c, &file, 1, NULL)) {
  case POL_COMPILE_OK: break;
  case POL_COMPILE_UNREADABLE:
    pol_compiler_free(&c);
    return 3;
  case POL_COMPILE_ERRORS:
    fprintf(stderr, "polc: %d error%s\n", c.diag.nerrors, c.diag.nerrors == 1 ? "" : "s");
    pol_compiler_free(&c);
    return 1;
  }
  pol_PolicyUnit *u = NULL;
  for (int i = 0; i < c.nunits && !u; i++)
    if (c.units[i]->header) u = c.units[i];
  if (!u) {
    fprintf(stderr, "polc doc: %s holds no policy\n", file);
    pol_compiler_free(&c);
    return 1;
  }
  size_t len = 0;
  char *text = pol_doc_render(&c, u, html, file, &len);
  rc = 0;
  char err[512];
  if (outfile ? pol_write_file(outfile, text, len, 0666, 0, err, sizeof err) != 0
              : fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
    fprintf(stderr, "polc: cannot write %s: %s\n", outfile ? outfile : "standard output",
            outfile ? err : strerror(errno));
    rc = 3;
  }
  free(text);
  pol_compiler_free(&c);
  return rc;
}
