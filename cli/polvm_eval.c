/*
 * polvm_eval.c -- `polvm eval [--bundle B] [--criteria] [--no-trace] < cases.ndjson`:
 * one compact JSON answer per case line, in order.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "opts.h"
#include "output.h"
#include "trace.h"
#include "vm.h"

typedef cli_Loaded Loaded;

/* Loads root into L->c and judges it: 0, or -1 with "CODE ..." in err. */
static int load_and_judge(Loaded *L, const json_t *root, const pol_LineResult **lines, char *err,
                          size_t errlen)
{
  char why[480];
  int bad = pol_case_load(L->c, root, err, errlen) != 0;
  cli_case_notes(L->c, "-");
  if (bad) return -1;
  if (pol_vm_eval(L->vm, L->c, lines, why, sizeof why) == 0) return 0;
  snprintf(err, errlen, "C0201 %s", why);
  return -1;
}

#define EVAL_OUT_BLOCK 65536

static void eval_usage(FILE *f)
{
  fputs("usage: polvm eval [--bundle B] [--criteria] [--no-trace] < cases.ndjson\n"
        "  --bundle B      the bundle (default: the default bundle, docs/cli.md)\n"
        "  --criteria      every criterion's status in each answer\n"
        "  --no-trace      determinations only, no reasons (fastest)\n"
        "  One case per input line; one JSON answer per line, in order.\n", f);
}

enum { OPT_BUNDLE = CLI_OPT_LONG, OPT_CRITERIA, OPT_NO_TRACE };

static const struct option eval_options[] = {
  {"bundle", required_argument, NULL, OPT_BUNDLE},
  {"criteria", no_argument, NULL, OPT_CRITERIA},
  {"no-trace", no_argument, NULL, OPT_NO_TRACE},
  CLI_OPTS_COMMON,
  {0}
};

int polvm_eval_main(int argc, char **argv)
{
  const char *bundle = NULL;   /* the default */
  int criteria = 0, trace = 1;
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm eval", argc, argv, ":h", eval_options)) != -1) {
    switch (opt) {
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_CRITERIA: criteria = 1; break;
    case OPT_NO_TRACE: trace = 0; break;
    case 'h': eval_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: eval_usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "polvm eval: unknown argument '%s' (the cases come on standard input)\n", argv[optind]);
    eval_usage(stderr);
    return EXIT_USAGE;
  }
  Loaded L;
  int rc = cli_load_bundle(bundle, &L);
  if (rc) { cli_unload(&L); return rc; }
  pol_vm_set_trace(L.vm, trace);
  pol_vm_set_witnesses(L.vm, 0);   /* the compact output shows no evidence */
  cli_catch_stop();
  pol_Buf out = {0};
  cli_Lines in;
  cli_lines_init(&in, fileno(stdin), &out);
  char *line;
  size_t n;
  unsigned long line_no = 0;
  int flags = POL_TRACE_COMPACT | (criteria ? POL_TRACE_CRITERIA : 0);
  while (!cli_stopped() && cli_next_line(&in, &line, &n) == 0) {
    line_no++;
    char err[512];
    pol_CaseError ce;
    json_t *root = cli_parse_case(line, n, &ce);
    const pol_LineResult *lines = NULL;
    if (!root) {
      if (!ce.line) snprintf(err, sizeof err, "%s %s", ce.code, ce.text);
      else snprintf(err, sizeof err, "%s %s (column %d)", ce.code, ce.text, ce.column);
      pol_buf_printf(&out, "{\"line_no\": %lu, \"error\": ", line_no);
      pol_buf_json_str(&out, err);
      pol_buf_puts(&out, "}\n");
    } else if (load_and_judge(&L, root, &lines, err, sizeof err) != 0) {
      pol_buf_printf(&out, "{\"line_no\": %lu, ", line_no);
      json_t *id = json_object_get(root, "case_id");
      if (json_is_string(id)) {
        pol_buf_puts(&out, "\"case_id\": ");
        pol_buf_json_str(&out, json_string_value(id));
        pol_buf_puts(&out, ", ");
      }
      pol_buf_puts(&out, "\"error\": ");
      pol_buf_json_str(&out, err);
      pol_buf_puts(&out, "}\n");
    } else {
      pol_trace_json(&out, L.vm, L.c, lines, NULL, flags);
      pol_buf_puts(&out, "\n");
    }
    if (root) json_decref(root);
    if (out.n >= EVAL_OUT_BLOCK) {
      if (cli_write_out(&out) != 0) { rc = EXIT_INTERNAL; break; }
      pol_buf_reset(&out);
    }
  }
  if (in.failed) rc = in.failed;
  else if (!rc && cli_write_out(&out) != 0) rc = EXIT_INTERNAL;
  cli_lines_free(&in);
  pol_buf_free(&out);
  cli_unload(&L);
  if (!rc && cli_stopped()) rc = cli_stop_code();   /* an input or output error wins */
  return rc;
}
