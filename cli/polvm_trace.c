/*
 * polvm_trace.c -- `polvm trace [--bundle B] [--format text|json|fhir|fhir-bundle] CASE.json...`:
 * one case file at a time, its text or pretty JSON trace, or its FHIR R4
 * Da Vinci PAS ClaimResponse (alone or in a response Bundle, vm/fhir_out.c).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "notice.h"
#include "fhir_out.h"
#include "cli.h"
#include "opts.h"
#include "output.h"
#include "trace.h"
#include "vm.h"

typedef cli_Loaded Loaded;

static void trace_usage(FILE *f)
{
  fputs("usage: polvm trace [--bundle B] [--format F] CASE.json...\n"
        "  --bundle B      the bundle (default: the default bundle, docs/cli.md)\n"
        "  --format F      text (default), json (pretty, with criteria), notice (the\n"
        "                  notice of determination, text), notice-html (the same,\n"
        "                  one standalone HTML page per case; docs/notice.md), fhir\n"
        "                  (a Da Vinci PAS ClaimResponse, docs/fhir.md) or\n"
        "                  fhir-bundle (in a PAS response Bundle)\n"
        "  CASE.json ('-': standard input) is judged and its trace printed, in order.\n", f);
}

/* request.date of the case (borrowed from root), or NULL. */
static const char *request_date(const json_t *root)
{
  return json_string_value(json_object_get(json_object_get(root, "request"), "date"));
}

enum { OPT_BUNDLE = CLI_OPT_LONG, OPT_FORMAT };

static const struct option trace_options[] = {
  {"bundle", required_argument, NULL, OPT_BUNDLE},
  {"format", required_argument, NULL, OPT_FORMAT},
  CLI_OPTS_COMMON,
  {0}
};

int polvm_trace_main(int argc, char **argv)
{
  const char *bundle = NULL, *format = "text";   /* NULL: the default */
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm trace", argc, argv, ":h", trace_options)) != -1) {
    switch (opt) {
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_FORMAT: format = optarg; break;
    case 'h': trace_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: trace_usage(stderr); return EXIT_USAGE;
    }
  }
  char **files = argv + optind;
  int nfiles = argc - optind;
  int json = strcmp(format, "json") == 0;
  int notice = strcmp(format, "notice") == 0 ? POL_NOTICE_TEXT
             : strcmp(format, "notice-html") == 0 ? POL_NOTICE_HTML : -1;
  int fhir = strcmp(format, "fhir") == 0 ? 1 : strcmp(format, "fhir-bundle") == 0 ? 2 : 0;
  if (!json && notice < 0 && !fhir && strcmp(format, "text") != 0) {
    fprintf(stderr, "polvm trace: unknown format '%s' (text, json, notice, notice-html, fhir or fhir-bundle)\n", format);
    return EXIT_USAGE;
  }
  if (nfiles == 0) {
    polvm_usage(stderr);
    return EXIT_USAGE;
  }
  Loaded L;
  int rc = cli_load_bundle(bundle, &L);
  if (rc) { cli_unload(&L); return rc; }
  pol_vm_set_trace(L.vm, 1);
  cli_catch_stop();
  /* text and json read a case as polvm eval does, with the schema-directed
     reader; the notice and the FHIR outputs read from the document */
  pol_JRead *jr = !fhir && notice < 0 ? cli_case_reader(L.p) : NULL;
  pol_Buf out = {0};
  for (int f = 0; f < nfiles && !cli_stopped(); f++) {
    char err[1024];
    char case_hash[65];
    char *text = NULL;
    size_t text_len = 0;
    if (cli_read_case_bytes(files[f], &text, &text_len, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s\n", err);
      rc = EXIT_CASE;
      continue;
    }
    json_t *root = NULL;
    int bad = 0;
    /* The reader loads the case and the key warnings come from the text.
       Where it refuses the text (an error: the reference path reports it),
       or the text has a backslash: jansson and pol_case_load, as before. */
    if (jr && text_len <= POL_CASE_MAX_BYTES && pol_jread_load(jr, L.c, text, text_len) == 0 &&
        cli_case_key_warnings_text(L.p, files[f], text, text_len) >= 0) {
      cli_case_hash(text, text_len, case_hash);
    } else {
      root = cli_parse_case_bytes(files[f], text, text_len, case_hash, err, sizeof err);
      if (!root) {
        fprintf(stderr, "polvm: %s\n", err);
        rc = EXIT_CASE;
        free(text);
        continue;
      }
      cli_case_key_warnings(L.p, root, files[f], text, text_len);
      bad = pol_case_load(L.c, root, err, sizeof err) != 0;
    }
    free(text);
    const pol_LineResult *lines = NULL;
    cli_case_notes(L.c, files[f]);
    if (bad) {
      fprintf(stderr, "polvm: %s: %s\n", files[f], err);
      rc = EXIT_CASE;
    } else if (pol_vm_eval(L.vm, L.c, &lines, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s: C0201 %s\n", files[f], err);
      rc = EXIT_CASE;
    } else {
      pol_TraceMeta meta = {case_hash};
      pol_buf_reset(&out);
      if (fhir) {
        pol_FhirMeta fm = {case_hash, request_date(root)};
        if (pol_trace_fhir(&out, L.vm, L.c, lines, &fm, fhir == 2 ? POL_FHIR_BUNDLE : 0) != 0) {
          fprintf(stderr, "polvm: %s: out of memory writing the ClaimResponse\n", files[f]);
          rc = EXIT_INTERNAL;
          json_decref(root);
          break;
        }
      } else if (json) pol_trace_json(&out, L.vm, L.c, lines, &meta, POL_TRACE_PRETTY | POL_TRACE_CRITERIA);
      else if (notice >= 0) pol_notice(&out, L.vm, L.c, root, lines, &meta, notice);
      else pol_trace_text(&out, L.vm, L.c, lines, &meta);
      if (f + 1 < nfiles && !json && !fhir) pol_buf_puts(&out, "\n");
      if (cli_write_out(&out) != 0) {
        rc = EXIT_INTERNAL;
        json_decref(root);
        break;
      }
    }
    json_decref(root);
  }
  pol_buf_free(&out);
  pol_jread_free(jr);
  cli_unload(&L);
  if (rc != EXIT_INTERNAL && cli_stopped()) rc = cli_stop_code();   /* an output error wins */
  return rc;
}
