/*
 * polvm.c -- the VM's command line.
 *
 *   polvm trace [--bundle B] [--format text|json] CASE.json...
 *   polvm eval  [--bundle B] [--criteria] [--no-trace] < cases.ndjson
 *   polvm verify BUNDLE          load and verify, print a summary
 *   polvm dump BUNDLE            disassemble a bundle
 *   polvm test [--bundle B] [--coverage] [--coverage-json F] [--threshold P] TEST.json...
 *                                policy tests and criteria coverage (polvm_test.c)
 *   polvm diff OLD.polb NEW.polb cases.ndjson
 *                                what changes between two bundles (polvm_diff.c)
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
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "case.h"
#include "cli.h"
#include "output.h"
#include "trace.h"
#include "vm.h"

void polvm_usage(FILE *f)
{
  fputs("usage: polvm trace [--bundle B] [--format text|json] CASE.json...\n"
        "       polvm eval  [--bundle B] [--criteria] [--no-trace] < cases.ndjson\n"
        "       polvm verify BUNDLE\n"
        "       polvm dump BUNDLE\n"
        "       polvm test [--bundle B] [--coverage] [--coverage-json FILE] [--threshold P] TEST.json...\n"
        "       polvm diff OLD.polb NEW.polb cases.ndjson\n"
        "The bundle defaults to $POLVM_BUNDLE, else $XDG_DATA_HOME/polc/policies.polb\n"
        "or ~/.local/share/polc/policies.polb.\n"
        "Before the command, --trust KEY.pub (or $POLVM_TRUST=KEY.pub) refuses any\n"
        "bundle not signed by that key, and --allow-extern DIR_OR_LIB (repeatable; or\n"
        "$POLVM_ALLOW_EXTERN=PATH:PATH) lets a bundle's externs load their libraries\n"
        "from there (docs/security.md).\n", f);
}

static int polvm_main(int argc, char **argv)
{
  if (sodium_init() < 0) {
    fputs("polvm: cannot initialise libsodium\n", stderr);
    return EXIT_INTERNAL;
  }
  /* global options, before the command; then argv[1] is the command */
  if (cli_parse_global(&argc, &argv) != 0) return EXIT_USAGE;
  if (argc < 2) {
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "trace") == 0) return polvm_trace_main(argc - 2, argv + 2);
  if (strcmp(cmd, "eval") == 0) return polvm_eval_main(argc - 2, argv + 2);
  if (strcmp(cmd, "verify") == 0) return polvm_verify_main(argc - 2, argv + 2);
  if (strcmp(cmd, "dump") == 0) return polvm_dump_main(argc - 2, argv + 2);
  if (strcmp(cmd, "test") == 0) return polvm_test_main(argc - 2, argv + 2);
  if (strcmp(cmd, "diff") == 0) return polvm_diff_main(argc - 2, argv + 2);
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) { polvm_usage(stdout); return 0; }
  fprintf(stderr, "polvm: unknown command '%s'\n", cmd);
  polvm_usage(stderr);
  return EXIT_USAGE;
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
