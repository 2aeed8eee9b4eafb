/*
 * polc_keygen.c -- `polc keygen KEYFILE`: an Ed25519 key pair for
 * `polc --sign` (KEYFILE secret, mode 0600; KEYFILE.pub public).
 */
#include <stdio.h>

#include "bundle.h"

enum { EXIT_USAGE = 2, EXIT_IO = 3 };

int polc_keygen_main(int argc, char **argv);

/* polc keygen KEYFILE: a new key pair in KEYFILE (secret, 0600) and
   KEYFILE.pub; never overwrites. */
int polc_keygen_main(int argc, char **argv)
{
  if (argc != 2 || argv[1][0] == '-') {
    fputs("usage: polc keygen KEYFILE   (writes KEYFILE and KEYFILE.pub)\n", stderr);
    return EXIT_USAGE;
  }
  char err[512];
  if (pol_key_generate(argv[1], err, sizeof err) != 0) {
    fprintf(stderr, "polc: keygen: %s\n", err);
    return EXIT_IO;
  }
  printf("secret key: %s\npublic key: %s.pub\n", argv[1], argv[1]);
  return 0;
}

