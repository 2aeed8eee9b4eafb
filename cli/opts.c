/*
 * opts.c -- option parsing and --version for polc and polvm (opts.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "opts.h"
#include "polvm.h"

void cli_getopt_reset(void)
{
  /* 0, not 1: glibc then forgets the previous parse entirely (the "+"
     of polvm's global options and the permutation state included) */
  optind = 0;
  opterr = 0;
}

/* The option getopt_long just refused, as the user wrote it: "-o", or a
   long option without its "=VALUE". */
static void print_option(int letter, char **argv, int long_form)
{
  if (!long_form) {
    fprintf(stderr, "'-%c'", letter);
    return;
  }
  const char *a = argv[optind - 1];
  size_t n = strcspn(a, "=");
  fprintf(stderr, "'%.*s'", (int)n, a);
}

int cli_getopt(const char *prog, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
  opterr = 0;
  int c = getopt_long(argc, argv, shortopts, longopts, NULL);
  if (c != ':' && c != '?') return c;
  /* a missing argument: the option was the last word, as written; an
     unknown option: optopt is its letter, or 0 for a long one (then the
     word that holds it is the one getopt_long just passed) */
  int long_form = c == ':' ? strncmp(argv[optind - 1], "--", 2) == 0 : optopt == 0;
  fprintf(stderr, "%s: ", prog);
  if (c == ':') {
    fputs("option ", stderr);
    print_option(optopt, argv, long_form);
    fputs(" requires an argument\n", stderr);
  } else {
    fputs("unknown option ", stderr);
    print_option(optopt, argv, long_form);
    fputs("\n", stderr);
  }
  return '?';
}

void cli_version(const char *prog)
{
  printf("%s %s (bundle format %d.%d)\n", prog, POLVM_VERSION_STRING, POL_BUNDLE_MAJOR, POL_BUNDLE_MINOR);
}
