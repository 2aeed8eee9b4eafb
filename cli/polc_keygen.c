/*
 * polc_keygen.c -- `polc keygen KEYFILE`: an Ed25519 key pair for
 * `polc --sign` (KEYFILE secret, mode 0600; KEYFILE.pub public).
 */
#include <getopt.h>
#include <stdio.h>

#include "bundle.h"
#include "cli_polc.h"
#include "opts.h"

enum { EXIT_USAGE = 2, EXIT_IO = 3 };

static const struct option keygen_options[] = {
  CLI_OPTS_COMMON,
  {0}
};

static void keygen_usage(FILE *f)
{
  fputs("usage: polc keygen KEYFILE   (writes KEYFILE and KEYFILE.pub)\n", f);
}

/* polc keygen KEYFILE: a new key pair in KEYFILE (secret, 0600) and
   KEYFILE.pub; never overwrites. */
int polc_keygen_main(int argc, char **argv)
{
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polc keygen", argc, argv, ":h", keygen_options)) != -1) {
    switch (opt) {
    case 'h': keygen_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polc"); return 0;
    default: keygen_usage(stderr); return EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    keygen_usage(stderr);
    return EXIT_USAGE;
  }
  const char *keyfile = argv[optind];
  char err[512];
  if (pol_key_generate(keyfile, err, sizeof err) != 0) {
    fprintf(stderr, "polc: keygen: %s\n", err);
    return EXIT_IO;
  }
  printf("secret key: %s\npublic key: %s.pub\n", keyfile, keyfile);
  return 0;
}

