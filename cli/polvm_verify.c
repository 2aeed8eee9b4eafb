/*
 * polvm_verify.c -- `polvm verify BUNDLE` (load and verify, print a
 * summary) and `polvm dump BUNDLE` (disassemble).  Neither loads native
 * code.
 */
#include <getopt.h>
#include <stdio.h>

#include "bundle.h"
#include "cli.h"
#include "opts.h"
#include "output.h"

typedef cli_Loaded Loaded;

/* polvm verify's signature line. */
static void print_signature(const pol_Program *p)
{
  char hex[65];
  if (p->sig == POL_SIG_NONE) { puts("  not signed"); return; }
  pol_sha_hex(p->signer, hex);
  printf("  signed by %s (%s)\n", hex,
         p->sig == POL_SIG_BAD ? "signature INVALID: bundle altered after signing"
         : cli_trusted() ? "signature valid, trusted key" : "signature valid");
}

static const struct option verify_options[] = {
  CLI_OPTS_COMMON,
  {0}
};

static void verify_usage(FILE *f, int dump)
{
  fputs(dump ? "usage: polvm dump BUNDLE\n"
               "  the bundle's disassembly: policies, criteria, every block (no native code is loaded)\n"
             : "usage: polvm verify BUNDLE\n"
               "  load and verify the bundle, print a summary (no native code is loaded)\n", f);
}

static int verify_or_dump(int argc, char **argv, int dump)
{
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt(dump ? "polvm dump" : "polvm verify", argc, argv, ":h", verify_options)) != -1) {
    switch (opt) {
    case 'h': verify_usage(stdout, dump); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: verify_usage(stderr, dump); return EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  argv += optind;
  Loaded L;
  int rc = cli_load_bundle_ex(argv[0], &L, !dump, 0);   /* inspection never loads native code */
  /* a bad signature is reported below, then refused */
  if (rc && !(L.p && L.p->sig == POL_SIG_BAD)) { cli_unload(&L); return rc; }
  if (dump) {
    pol_disasm(L.p, stdout);
  } else {
    char hex[65];
    pol_sha_hex(L.p->sha256, hex);
    printf("%s: %s\n  sha256 %s\n", argv[0], rc ? "bad signature" : "ok", hex);
    print_signature(L.p);
    printf("  built %s\n  %u polic%s, %u criteria, %u blocks, %u instructions\n",
           L.p->str[L.p->built], L.p->npol, L.p->npol == 1 ? "y" : "ies",
           L.p->ncrit, L.p->nblocks, L.p->ncode);
    for (uint32_t i = 0; i < L.p->npol; i++)
      printf("  policy %s \"%s\" version %s\n", L.p->str[L.p->pol[i].id], L.p->str[L.p->pol[i].title],
             L.p->str[L.p->pol[i].version]);
    /* named and pinned, never loaded here */
    for (uint32_t i = 0; i < L.p->nxlib; i++) {
      pol_sha_hex(L.p->xlib[i].sha256, hex);
      printf("  extern library %s sha256 %s\n", L.p->str[L.p->xlib[i].lib], hex);
    }
  }
  cli_unload(&L);
  return rc;
}

int polvm_verify_main(int argc, char **argv)
{
  return verify_or_dump(argc, argv, 0);
}

int polvm_dump_main(int argc, char **argv)
{
  return verify_or_dump(argc, argv, 1);
}
