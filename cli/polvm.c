/*
 * polvm.c -- the VM's command line.
 *
 *   polvm trace [--bundle B] [--format text|json] CASE.json...
 *   polvm eval  [--bundle B] [--criteria] [--no-trace] < cases.ndjson
 *   polvm verify BUNDLE          load and verify, print a summary (polvm_verify.c)
 *   polvm dump BUNDLE            disassemble a bundle
 *   polvm test [--bundle B] [--coverage] [--coverage-json F] [--threshold P] TEST.json...
 *                                policy tests and criteria coverage (polvm_test.c)
 *   polvm diff OLD.polb NEW.polb cases.ndjson
 *                                what changes between two bundles (polvm_diff.c)
 *   polvm serve [--bundle B] [--port P] [--log FILE] ...
 *                                the decision service over HTTP (polvm_serve.c, docs/serve.md)
 *   polvm replay LOG             re-judge logged decisions (polvm_replay.c)
 *   polvm metrics LOG            CMS-0057-F figures of a decision log (polvm_metrics.c)
 *
 * The bundle defaults to $POLVM_BUNDLE, else $XDG_DATA_HOME/polc/policies.polb
 * or ~/.local/share/polc/policies.polb (pol_default_bundle), never a relative path.
 * `polvm --trust KEY.pub COMMAND ...` (or $POLVM_TRUST) refuses bundles not
 * signed by that key (docs/cli.md, docs/bundle-format.md "Signature").
 * `polvm --allow-extern DIR_OR_LIB COMMAND ...` (or $POLVM_ALLOW_EXTERN)
 * lets a bundle's extern functions load their pinned libraries from there;
 * without it a bundle with externs is refused, and verify and dump never
 * load native code (docs/security.md).
 * Exit codes (docs/cli.md): 0 success, 2 usage, 3 bad case, 4 bad
 * bundle, 5 internal or I/O error (a failed write to stdout: always),
 * 130 / 143 eval or trace stopped by SIGINT / SIGTERM.  A determination of
 * deny or pend is a result, not an error: exit 0.  `polvm test` exits 1
 * when a test fails.
 *
 * This file parses the global options and dispatches; each command is
 * polvm_NAME.c, what they share cli.c (cli.h), the option handling
 * opts.c (opts.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lazylib.h"
#include "opts.h"
#include "output.h"

void polvm_usage(FILE *f)
{
  fputs("usage: polvm trace [--bundle B] [--format text|json] CASE.json...\n"
        "       polvm eval  [--bundle B] [--criteria] [--no-trace] < cases.ndjson\n"
        "       polvm case-to-fhir [--questionnaire Q.json] CASE.json\n"
        "       polvm verify BUNDLE\n"
        "       polvm dump BUNDLE\n"
        "       polvm test [--bundle B] [--coverage] [--coverage-json FILE] [--threshold P] TEST.json...\n"
        "       polvm diff OLD.polb NEW.polb cases.ndjson\n"
        "       polvm serve [--bundle B] [--port P] [--log FILE] [--token T] ...\n"
        "       polvm replay LOG\n"
        "       polvm metrics LOG [--from DATE] [--to DATE] [--format text|json]\n"
        "       polvm help [COMMAND]\n"
        "The bundle defaults to $POLVM_BUNDLE, else $XDG_DATA_HOME/polc/policies.polb\n"
        "or ~/.local/share/polc/policies.polb.\n"
        "Before the command, --trust KEY.pub (or $POLVM_TRUST=KEY.pub) refuses any\n"
        "bundle not signed by that key, and --allow-extern DIR_OR_LIB (repeatable; or\n"
        "$POLVM_ALLOW_EXTERN=PATH:PATH) lets a bundle's externs load their libraries\n"
        "from there (docs/security.md).\n"
        "polvm help COMMAND (or polvm COMMAND --help) describes one command;\n"
        "polvm --version prints the version.\n", f);
}

typedef struct Command {
  const char *name;
  int (*main)(int argc, char **argv);
  unsigned needs;   /* the lazy_Lib bits of the libraries it loads (lazylib.h) */
} Command;

#define NEEDS(lib) (1u << (lib))

static const Command commands[] = {
  {"trace", polvm_trace_main, 0}, {"eval", polvm_eval_main, 0}, {"verify", polvm_verify_main, 0},
  {"dump", polvm_dump_main, 0},   {"test", polvm_test_main, 0}, {"diff", polvm_diff_main, 0},
  {"case-to-fhir", polvm_case_to_fhir_main, 0},
  {"serve", polvm_serve_main, NEEDS(LAZY_MHD) | NEEDS(LAZY_SQLITE)},
  {"replay", polvm_replay_main, NEEDS(LAZY_SQLITE)}, {"metrics", polvm_metrics_main, NEEDS(LAZY_SQLITE)},
};

/* The libraries only some commands use are loaded here, before the
   command runs (cli/lazylib.c): C0160 if one cannot be. */
static int load_needs(const Command *cmd)
{
  for (int lib = 0; lib < LAZY_NLIB; lib++) {
    char err[320];
    if (!(cmd->needs & NEEDS(lib)) || lazy_load((lazy_Lib)lib, err, sizeof err) == 0) continue;
    fprintf(stderr, "polvm %s: C0160 %s\n", cmd->name, err);
    return -1;
  }
  return 0;
}

static const Command *find_command(const char *name)
{
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

enum { OPT_TRUST = CLI_OPT_LONG, OPT_ALLOW_EXTERN };

static const struct option global_options[] = {
  {"trust", required_argument, NULL, OPT_TRUST},
  {"allow-extern", required_argument, NULL, OPT_ALLOW_EXTERN},
  CLI_OPTS_COMMON,
  {0}
};

/* `polvm help [COMMAND]`: the usage, or the command's own help. */
static int help_main(int argc, char **argv)
{
  if (argc < 2) {
    polvm_usage(stdout);
    return 0;
  }
  const Command *cmd = find_command(argv[1]);
  if (!cmd) {
    fprintf(stderr, "polvm: unknown command '%s'\n", argv[1]);
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  char *args[] = {(char *)cmd->name, (char *)"--help", NULL};
  return cmd->main(2, args);
}

/* libsodium is initialised where it is used (its CPU probe costs a
   start 30 us on these VMs: docs/performance.md, "Start-up"): the
   loader before it checks a signature, polvm serve before its random
   tokens, vm/ffi.c before it hashes a library. */
static int polvm_main(int argc, char **argv)
{
  /* global options, before the command; then argv[optind] is the command */
  const char *trust_path = NULL;
  int allowed = 0, opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm", argc, argv, "+:h", global_options)) != -1) {
    switch (opt) {
    case OPT_TRUST: trust_path = optarg; break;
    case OPT_ALLOW_EXTERN:
      if (cli_allow_extern(optarg) != 0) return EXIT_USAGE;
      allowed = 1;
      break;
    case 'h': polvm_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: polvm_usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  argc -= optind;
  argv += optind;
  if (strcmp(argv[0], "help") == 0) return help_main(argc, argv);
  const Command *cmd = find_command(argv[0]);
  if (!cmd) {
    fprintf(stderr, "polvm: unknown command '%s'\n", argv[0]);
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  if (cli_global_set(trust_path, allowed) != 0) return EXIT_USAGE;
  if (load_needs(cmd) != 0) return EXIT_INTERNAL;
  return cmd->main(argc, argv);
}

/* Every command's output is checked once it is complete: a write error
   (a full disk, a closed pipe) is exit 5, whatever the command found. */
int main(int argc, char **argv)
{
  int rc = polvm_main(argc, argv);
  cli_global_free();
  if (pol_close_stdout("polvm") != 0) rc = EXIT_INTERNAL;
  return rc;
}
