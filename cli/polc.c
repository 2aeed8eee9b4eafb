/*
 * polc.c -- the policy compiler's command line.
 *
 *   polc [-o BUNDLE] [-I DIR]... [--extern-dir DIR]... FILE.pol...
 *                                                 compile into a bundle
 *   polc --check FILE.pol...                      check only, write nothing
 *   polc --dump FILE.pol...                       print the disassembly
 *   polc fmt [-w | --check] FILE.pol...           canonical layout (polc_fmt.c)
 *   polc doc [--html] [-o OUT] FILE.pol           clinician-readable checklist (polc_doc.c)
 *   polc questionnaire [-o OUT] FILE.pol...       FHIR Questionnaire of the facts (polc_questionnaire.c)
 *   polc keygen KEYFILE                           Ed25519 key pair for --sign (polc_keygen.c)
 *   polc --sign KEYFILE -o BUNDLE FILE.pol...      compile and sign
 *
 * Exit codes (docs/cli.md): 0 success, 1 errors in the policies,
 * 2 usage, 3 cannot read or write a file (standard output included),
 * 4 internal error.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "cli_polc.h"
#include "compile.h"
#include "opts.h"
#include "output.h"

enum { EXIT_POLICY = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

static void usage(FILE *f)
{
  fputs("usage: polc [-o BUNDLE] [-I DIR]... [--extern-dir DIR]... [--check | --dump] FILE.pol...\n"
        "       polc keygen KEYFILE\n"
        "       polc fmt [-w | --check] FILE.pol...\n"
        "       polc doc [--html] [-o OUT] [-I DIR]... FILE.pol\n"
        "       polc questionnaire [-o OUT] [-I DIR]... FILE.pol...\n"
        "  -o BUNDLE   write the bundle here (default: $POLVM_BUNDLE, else\n"
        "              $XDG_DATA_HOME/polc/policies.polb or ~/.local/share/polc/policies.polb)\n"
        "  -I DIR      search DIR for imported modules (before the stdlib)\n"
        "  --extern-dir DIR   find extern libraries in DIR (a directory or a library\n"
        "              file) and pin their SHA-256 in the bundle\n"
        "  --sign KEY  sign the bundle with the secret key in KEY (polc keygen)\n"
        "  --require-review-tags   every criterion must be tagged documentation or\n"
        "              clinical (the review flow, docs/language.md)\n"
        "  --denials-recommended   adverse determinations are recommendations: refer\n"
        "              to a physician reviewer (a plan's declaration may say otherwise)\n"
        "  --check     check the policies, write nothing\n"
        "  --dump      print a readable disassembly with source lines\n"
        "  -h, --help  print this help\n"
        "  --version   print the version\n"
        "polc COMMAND --help prints the help of keygen, fmt, doc and questionnaire.\n", f);
}

/* The default bundle path (pol_default_bundle, shared with polvm) into
   buf, its directory created when missing (mode 0700); 0, or -1 with the
   reason on stderr. */
static int default_output(char *buf, size_t n)
{
  char err[512];
  if (pol_default_bundle(buf, n, err, sizeof err) != 0) {
    fprintf(stderr, "polc: error[E0901]: %s; give the output with -o BUNDLE\n", err);
    return -1;
  }
  /* mkdir -p of its directory */
  for (char *s = strchr(buf + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    int bad = mkdir(buf, 0700) != 0 && errno != EEXIST;
    int e = errno;
    *s = '/';
    if (bad) {
      fprintf(stderr, "%s: error[E0901]: cannot create its directory: %s\n", buf, strerror(e));
      return -1;
    }
  }
  return 0;
}

/* Appends a signature by the secret key in keyfile to *buf: 0, or an exit
   code with the reason on stderr. */
static int sign_bundle(const char *keyfile, uint8_t **buf, size_t *len)
{
  uint8_t sk[POL_SECKEY_LEN];
  char err[512];
  if (pol_key_read_secret(keyfile, sk, err, sizeof err) != 0) {
    fprintf(stderr, "polc: cannot read the signing key: %s\n", err);
    return EXIT_IO;
  }
  int rc = pol_bundle_sign(buf, len, sk);
  sodium_memzero(sk, sizeof sk);
  if (rc != 0) {
    fputs("polc: internal error: cannot sign the bundle\n", stderr);
    return EXIT_INTERNAL;
  }
  return 0;
}


enum { OPT_EXTERN_DIR = CLI_OPT_LONG, OPT_CHECK, OPT_DUMP, OPT_SIGN, OPT_REVIEW_TAGS,
       OPT_DENIALS_RECOMMENDED };

static const struct option polc_options[] = {
  {"extern-dir", required_argument, NULL, OPT_EXTERN_DIR},
  {"check", no_argument, NULL, OPT_CHECK},
  {"dump", no_argument, NULL, OPT_DUMP},
  {"sign", required_argument, NULL, OPT_SIGN},
  {"require-review-tags", no_argument, NULL, OPT_REVIEW_TAGS},
  {"denials-recommended", no_argument, NULL, OPT_DENIALS_RECOMMENDED},
  CLI_OPTS_COMMON,
  {0}
};

/* polc [OPTIONS] FILE.pol...: compile (or --check, --dump). */
static int compile_main(int argc, char **argv)
{
  const char *out = NULL;
  const char *sign_key = NULL;
  const char **extern_dirs = calloc((size_t)argc, sizeof *extern_dirs);   /* at most one per word */
  size_t nextern_dirs = 0;
  int check_only = 0, dump = 0;
  if (!extern_dirs) {
    fputs("polc: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  int opt, rc = -1;
  cli_getopt_reset();
  while (rc < 0 && (opt = cli_getopt("polc", argc, argv, ":o:I:h", polc_options)) != -1) {
    switch (opt) {
    case 'o': out = optarg; break;
    case 'I': pol_compiler_add_path(&c, optarg); break;
    case OPT_EXTERN_DIR: extern_dirs[nextern_dirs++] = optarg; break;
    case OPT_CHECK: check_only = 1; break;
    case OPT_DUMP: dump = 1; break;
    case OPT_SIGN: sign_key = optarg; break;
    case OPT_REVIEW_TAGS: c.require_review_tags = 1; break;
    case OPT_DENIALS_RECOMMENDED: c.denials_recommended = 1; break;
    case 'h': usage(stdout); rc = 0; break;
    case CLI_OPT_VERSION: cli_version("polc"); rc = 0; break;
    default: usage(stderr); rc = EXIT_USAGE; break;
    }
  }
  int nfiles = argc - optind;
  if (rc < 0 && nfiles == 0) {
    usage(stderr);
    rc = EXIT_USAGE;
  }
  if (rc >= 0) {
    free(extern_dirs);
    pol_compiler_free(&c);
    return rc;
  }
  pol_compiler_default_paths(&c);
  pol_Program *p = NULL;
  switch (pol_compile_files(&c, (const char *const *)argv + optind, nfiles, &p)) {
  case POL_COMPILE_OK: break;
  case POL_COMPILE_UNREADABLE:
    free(extern_dirs);
    pol_compiler_free(&c);
    return EXIT_IO;
  case POL_COMPILE_ERRORS:
    fprintf(stderr, "polc: %d error%s\n", c.diag.nerrors, c.diag.nerrors == 1 ? "" : "s");
    free(extern_dirs);
    pol_compiler_free(&c);
    return EXIT_POLICY;
  }
  rc = 0;
  uint8_t *buf = NULL;
  size_t len = 0;
  char why[1024], defpath[4096];
  /* a bundle written pins its extern libraries; --check and --dump write
     none and need them only when told where they are */
  int pin = (!check_only && !dump) || nextern_dirs > 0;
  if (pin && pol_extern_pin(p, extern_dirs, nextern_dirs, why, sizeof why) != 0) {
    fprintf(stderr, "polc: error[E0243]: %s\n", why);
    rc = EXIT_POLICY;
  } else if (!out && !check_only && !dump && default_output(defpath, sizeof defpath) != 0) {
    rc = EXIT_IO;
  } else if (pol_bundle_write(p, &buf, &len) != 0) {
    fputs("polc: error[E0902]: internal error: cannot serialise the bundle\n", stderr);
    rc = EXIT_INTERNAL;
  } else if (sign_key && (rc = sign_bundle(sign_key, &buf, &len)) != 0) {
    /* reported */
  } else {
    /* the compiler's own output (and signature) must pass the loader */
    char err[512];
    pol_Program *check = NULL;
    if (pol_bundle_load(buf, len, &check, err, sizeof err) != 0) {
      fprintf(stderr, "polc: error[E0903]: internal error: generated bundle fails verification: %s\n", err);
      rc = EXIT_INTERNAL;
    }
    pol_program_free(check);
  }
  if (rc == 0 && dump) pol_disasm(p, stdout);
  if (rc == 0 && !check_only && !dump) {
    if (!out) out = defpath;
    char err[512];
    if (pol_write_file(out, buf, len, 0666, 0, err, sizeof err) != 0) {
      fprintf(stderr, "%s: error[E0901]: cannot write: %s\n", out, err);
      rc = EXIT_IO;
    }
  }
  free(buf);
  free(extern_dirs);
  pol_program_free(p);
  pol_compiler_free(&c);
  return rc;
}

static int polc_main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "keygen") == 0) return polc_keygen_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "fmt") == 0) return polc_fmt_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "doc") == 0) return polc_doc_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "questionnaire") == 0) return polc_questionnaire_main(argc - 1, argv + 1);
  return compile_main(argc, argv);
}

/* Every command's output is checked once it is complete: a write error
   (a full disk, a closed pipe) is exit 3, whatever the command. */
int main(int argc, char **argv)
{
  int rc = polc_main(argc, argv);
  if (pol_close_stdout("polc") != 0) rc = EXIT_IO;
  return rc;
}
