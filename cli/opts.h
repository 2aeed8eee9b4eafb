/*
 * opts.h -- what polc and polvm share on their command lines: option
 * parsing with getopt_long and its messages, --help and --version.
 * Private to the two executables.
 *
 * Every command parses with cli_getopt: options and operands in any order
 * (GNU permutation; `--` ends the options), `-h`/`--help` and `--version`
 * everywhere, and the same two messages for a mistake, exit 2:
 *     PROG: option '-o' requires an argument
 *     PROG: unknown option '--bundel'
 */
#ifndef POL_CLI_OPTS_H
#define POL_CLI_OPTS_H

#include <getopt.h>
#include <stdio.h>

/* getopt_long's value for --version; long options without a short form
   use values from CLI_OPT_LONG up, so that optopt tells them apart. */
enum { CLI_OPT_VERSION = 256, CLI_OPT_LONG = 257 };

/* The options every command accepts; put them at the end of its table,
   before the terminating {0}. */
#define CLI_OPTS_COMMON                                  \
  {"help", no_argument, NULL, 'h'},                      \
  {"version", no_argument, NULL, CLI_OPT_VERSION}

/* Starts a new parse (optind = 0: glibc reinitialises): call before the first cli_getopt on a
   new argv. */
void cli_getopt_reset(void);

/* getopt_long over argv (argv[0] is not parsed); shortopts must begin
   with ':' (or "+:" to stop at the first operand).  Returns the option's
   value, or -1 at the end (operands from optind), or '?' after printing
   "PROG: option 'X' requires an argument" or "PROG: unknown option 'X'"
   on stderr. */
int cli_getopt(const char *prog, int argc, char **argv, const char *shortopts,
               const struct option *longopts);

/* "polc 0.1.0 (bundle format 2.0)" on standard output: the version is
   POLVM_VERSION_STRING (vm/polvm.h), the one place it is written. */
void cli_version(const char *prog);

#endif
