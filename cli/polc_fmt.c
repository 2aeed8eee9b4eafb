/*
 * polc_fmt.c -- `polc fmt [-w | --check] FILE.pol...`: the canonical
 * layout (pol_fmt_text, compiler/fmt.c) printed, checked or written back.
 * Exit codes: 0 success (or, with --check, every file already formatted),
 * 1 a file is not formatted (--check) or does not parse, 2 usage, 3 I/O,
 * 4 internal error (the formatted text would not parse to the same tree).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_polc.h"
#include "fmt.h"
#include "opts.h"
#include "output.h"
#include "util.h"

/* The whole file ("-": standard input), NUL-terminated, malloc'd (owned
   by the caller), *len bytes; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) return NULL;
  char *s;
  int e = pol_read_stream(f, POL_READ_NO_LIMIT, &s, len);
  if (f != stdin) fclose(f);
  if (e) { errno = e; return NULL; }
  return s;
}

/* Replaces path's contents, keeping its mode (pol_write_file).  0, or -1
   with the reason in err. */
static int write_file(const char *path, const char *s, char *err, size_t errlen)
{
  return pol_write_file(path, s, strlen(s), 0666, 0, err, errlen);
}

static void fmt_usage(FILE *f)
{
  fputs("usage: polc fmt [-w | --check] FILE.pol...\n"
        "  (no option)  print the formatted files to standard output ('-': standard input)\n"
        "  -w           rewrite the files that are not formatted, in place\n"
        "  --check      list the files that are not formatted; exit 1 if there are any\n", f);
}

static const struct option fmt_options[] = {
  {"check", no_argument, NULL, CLI_OPT_LONG},
  CLI_OPTS_COMMON,
  {0}
};

int polc_fmt_main(int argc, char **argv)
{
  int write = 0, check = 0, opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polc fmt", argc, argv, ":wh", fmt_options)) != -1) {
    switch (opt) {
    case 'w': write = 1; break;
    case CLI_OPT_LONG: check = 1; break;
    case 'h': fmt_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polc"); return 0;
    default: fmt_usage(stderr); return 2;
    }
  }
  if (optind == argc || (write && check)) {
    fmt_usage(stderr);
    return 2;
  }
  int rc = 0;
  for (int i = optind; i < argc; i++) {
    const char *path = argv[i];
    size_t len = 0;
    char *src = read_file(path, &len);
    if (!src) {
      fprintf(stderr, "polc: cannot read %s: %s\n", path, strerror(errno));
      if (rc < 3) rc = 3;
      continue;
    }
    char *out = NULL;
    int r = pol_fmt_text(strcmp(path, "-") == 0 ? "<stdin>" : path, src, len, &out, stderr);
    if (r != 0) {
      if (rc < r) rc = r;
      free(src);
      continue;
    }
    int changed = strcmp(out, src) != 0;
    if (check) {
      if (changed) {
        printf("%s\n", path);
        if (rc < 1) rc = 1;
      }
    } else if (write && strcmp(path, "-") != 0) {
      char err[512];
      if (changed && write_file(path, out, err, sizeof err) != 0) {
        fprintf(stderr, "polc: cannot write %s: %s\n", path, err);
        if (rc < 3) rc = 3;
      }
    } else {
      fputs(out, stdout);
    }
    free(out);
    free(src);
  }
  if (fflush(stdout) != 0 && rc < 3) rc = 3;
  return rc;
}
