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
 * The bundle defaults to $POLVM_BUNDLE, else build/policies.polb.
 * Exit codes (docs/cli.md): 0 success, 2 usage, 3 bad case, 4 bad
 * bundle, 5 internal or I/O error.  A determination of deny or pend is a
 * result, not an error: exit 0.  `polvm test` exits 1 when a test fails.
 *
 * This file also holds what the subcommands share (polvm_cli.h).
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "case.h"
#include "polvm_cli.h"
#include "trace.h"
#include "vm.h"

static void usage(FILE *f)
{
  fputs("usage: polvm trace [--bundle B] [--format text|json] CASE.json...\n"
        "       polvm eval  [--bundle B] [--criteria] [--no-trace] < cases.ndjson\n"
        "       polvm verify BUNDLE\n"
        "       polvm dump BUNDLE\n"
        "       polvm test [--bundle B] [--coverage] [--coverage-json FILE] [--threshold P] TEST.json...\n"
        "       polvm diff OLD.polb NEW.polb cases.ndjson\n"
        "The bundle defaults to $POLVM_BUNDLE, else build/policies.polb.\n", f);
}

typedef cli_Loaded Loaded;

int cli_load_bundle(const char *path, Loaded *L)
{
  char err[512];
  uint8_t *buf = NULL;
  size_t len = 0;
  memset(L, 0, sizeof *L);
  if (pol_read_file(path, &buf, &len, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: %s: %s\n", path, err);
    return EXIT_BUNDLE;
  }
  int rc = pol_bundle_load(buf, len, &L->p, err, sizeof err);
  free(buf);
  if (rc != 0) {
    fprintf(stderr, "polvm: %s: bundle refused: %s\n", path, err);
    return EXIT_BUNDLE;
  }
  L->vm = pol_vm_new(L->p);
  L->c = pol_case_new(L->p);
  if (!L->vm || !L->c) {
    fputs("polvm: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  if (pol_vm_bind_externs(L->vm, dir, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: %s: %s\n", path, err);
    return EXIT_BUNDLE;
  }
  return 0;
}

void cli_unload(Loaded *L)
{
  pol_case_free(L->c);
  pol_vm_free(L->vm);
  pol_program_free(L->p);
}

static void hash_hex(const void *data, size_t len, char out[65])
{
  uint8_t h[32];
  crypto_hash_sha256(h, data, len);
  pol_sha_hex(h, out);
}

const char *cli_default_bundle(void)
{
  const char *e = getenv("POLVM_BUNDLE");
  return e && *e ? e : "build/policies.polb";
}

/* ---- shared by test and diff (polvm_cli.h) ----------------------------- */

json_t *cli_read_json(const char *path, char *err, size_t errlen)
{
  char why[512];
  uint8_t *text = NULL;
  size_t len = 0;
  if (pol_read_file(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &text, &len, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: %s", path, why);
    return NULL;
  }
  json_error_t je;
  json_t *root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &je);
  free(text);
  if (!root) snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, je.line, je.column, je.text);
  return root;
}

int cli_judge(Loaded *L, const json_t *root, json_t **trace, const pol_LineResult **lines,
              char *err, size_t errlen)
{
  *trace = NULL;
  if (pol_case_load(L->c, root, err, errlen) != 0) return -1;
  if (pol_vm_eval(L->vm, L->c, lines, err, errlen) != 0) return -1;
  /* The reasons are those of the trace by construction: read them back
     from the compact trace rather than re-deriving them here. */
  pol_Buf b = {0};
  pol_trace_json(&b, L->vm, L->c, *lines, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
  json_error_t je;
  *trace = json_loadb(b.s, b.n, 0, &je);
  pol_buf_free(&b);
  if (!*trace) {
    snprintf(err, errlen, "internal error: unreadable trace: %s", je.text);
    return -1;
  }
  return 0;
}

/* Index of the first element >= s (binary search). */
static size_t set_lower(const cli_Set *set, const char *s)
{
  size_t lo = 0, hi = set->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(set->s[mid], s) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void cli_set_add(cli_Set *set, const char *s)
{
  size_t at = set_lower(set, s);
  if (at < set->n && strcmp(set->s[at], s) == 0) return;
  if (set->n == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 8;
    char **a = realloc(set->s, cap * sizeof *a);
    if (!a) { fputs("polvm: out of memory\n", stderr); abort(); }
    set->s = a;
    set->cap = cap;
  }
  char *copy = strdup(s);
  if (!copy) { fputs("polvm: out of memory\n", stderr); abort(); }
  memmove(set->s + at + 1, set->s + at, (set->n - at) * sizeof *set->s);
  set->s[at] = copy;
  set->n++;
}

int cli_set_has(const cli_Set *set, const char *s)
{
  size_t at = set_lower(set, s);
  return at < set->n && strcmp(set->s[at], s) == 0;
}

void cli_set_free(cli_Set *set)
{
  for (size_t i = 0; i < set->n; i++) free(set->s[i]);
  free(set->s);
  set->s = NULL;
  set->n = set->cap = 0;
}

void cli_reason_ids(cli_Set *set, const json_t *view, const char *prefix, const char *suffix)
{
  const json_t *reasons = json_object_get(view, "reasons");
  size_t i;
  const json_t *r;
  json_array_foreach(reasons, i, r) {
    const char *id = json_string_value(json_object_get(r, "criterion"));
    if (!id) continue;
    char key[512];
    snprintf(key, sizeof key, "%s%s%s", prefix, id, suffix);
    cli_set_add(set, key);
  }
}

/* ---- trace ------------------------------------------------------------- */

static int cmd_trace(int argc, char **argv)
{
  const char *bundle = cli_default_bundle(), *format = "text";
  const char *files[4096];
  int nfiles = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc) bundle = argv[++i];
    else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) format = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "polvm trace: unknown option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else if (nfiles < 4096) files[nfiles++] = argv[i];
  }
  int json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "text") != 0) {
    fprintf(stderr, "polvm trace: unknown format '%s' (text or json)\n", format);
    return EXIT_USAGE;
  }
  if (nfiles == 0) {
    usage(stderr);
    return EXIT_USAGE;
  }
  Loaded L;
  int rc = cli_load_bundle(bundle, &L);
  if (rc) { cli_unload(&L); return rc; }
  pol_vm_set_trace(L.vm, 1);
  pol_Buf out = {0};
  for (int f = 0; f < nfiles; f++) {
    char err[512];
    uint8_t *text = NULL;
    size_t len = 0;
    if (pol_read_file(strcmp(files[f], "-") == 0 ? "/dev/stdin" : files[f], &text, &len, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s: %s\n", files[f], err);
      rc = EXIT_CASE;
      continue;
    }
    json_error_t je;
    json_t *root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
      fprintf(stderr, "polvm: %s:%d:%d: invalid JSON: %s\n", files[f], je.line, je.column, je.text);
      free(text);
      rc = EXIT_CASE;
      continue;
    }
    char case_hash[65];
    hash_hex(text, len, case_hash);
    free(text);
    const pol_LineResult *lines = NULL;
    if (pol_case_load(L.c, root, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s: %s\n", files[f], err);
      rc = EXIT_CASE;
    } else if (pol_vm_eval(L.vm, L.c, &lines, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s: %s\n", files[f], err);
      rc = EXIT_CASE;
    } else {
      pol_TraceMeta meta = {case_hash};
      pol_buf_reset(&out);
      if (json) pol_trace_json(&out, L.vm, L.c, lines, &meta, POL_TRACE_PRETTY | POL_TRACE_CRITERIA);
      else pol_trace_text(&out, L.vm, L.c, lines, &meta);
      fwrite(out.s, 1, out.n, stdout);
      if (f + 1 < nfiles && !json) fputs("\n", stdout);
    }
    json_decref(root);
  }
  pol_buf_free(&out);
  cli_unload(&L);
  if (fflush(stdout) != 0) return EXIT_INTERNAL;
  return rc;
}

/* ---- eval -------------------------------------------------------------- */

static int cmd_eval(int argc, char **argv)
{
  const char *bundle = cli_default_bundle();
  int criteria = 0, trace = 1;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--bundle") == 0 && i + 1 < argc) bundle = argv[++i];
    else if (strcmp(argv[i], "--criteria") == 0) criteria = 1;
    else if (strcmp(argv[i], "--no-trace") == 0) trace = 0;
    else {
      fprintf(stderr, "polvm eval: unknown argument '%s'\n", argv[i]);
      return EXIT_USAGE;
    }
  }
  Loaded L;
  int rc = cli_load_bundle(bundle, &L);
  if (rc) { cli_unload(&L); return rc; }
  pol_vm_set_trace(L.vm, trace);
  pol_Buf out = {0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long line_no = 0;
  int flags = POL_TRACE_COMPACT | (criteria ? POL_TRACE_CRITERIA : 0);
  while ((n = getline(&line, &cap, stdin)) != -1) {
    line_no++;
    pol_buf_reset(&out);
    char err[512];
    json_error_t je;
    json_t *root = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
    const pol_LineResult *lines = NULL;
    if (!root) {
      snprintf(err, sizeof err, "invalid JSON at column %d: %s", je.column, je.text);
      pol_buf_printf(&out, "{\"line_no\": %lu, \"error\": ", line_no);
      pol_buf_json_str(&out, err);
      pol_buf_puts(&out, "}\n");
    } else if (pol_case_load(L.c, root, err, sizeof err) != 0 ||
               pol_vm_eval(L.vm, L.c, &lines, err, sizeof err) != 0) {
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
    if (fwrite(out.s, 1, out.n, stdout) != out.n) { rc = EXIT_INTERNAL; break; }
  }
  free(line);
  pol_buf_free(&out);
  cli_unload(&L);
  if (fflush(stdout) != 0) rc = EXIT_INTERNAL;
  return rc;
}

/* ---- verify / dump ----------------------------------------------------- */

static int cmd_verify(int argc, char **argv, int dump)
{
  if (argc != 1) {
    usage(stderr);
    return EXIT_USAGE;
  }
  Loaded L;
  int rc = cli_load_bundle(argv[0], &L);
  if (rc) { cli_unload(&L); return rc; }
  if (dump) {
    pol_disasm(L.p, stdout);
  } else {
    char hex[65];
    pol_sha_hex(L.p->sha256, hex);
    printf("%s: ok\n  sha256 %s\n  built %s\n  %u polic%s, %u criteria, %u blocks, %u instructions\n",
           argv[0], hex, L.p->str[L.p->built], L.p->npol, L.p->npol == 1 ? "y" : "ies",
           L.p->ncrit, L.p->nblocks, L.p->ncode);
    for (uint32_t i = 0; i < L.p->npol; i++)
      printf("  policy %s \"%s\" version %s\n", L.p->str[L.p->pol[i].id], L.p->str[L.p->pol[i].title],
             L.p->str[L.p->pol[i].version]);
  }
  cli_unload(&L);
  return 0;
}

int main(int argc, char **argv)
{
  if (sodium_init() < 0) {
    fputs("polvm: cannot initialise libsodium\n", stderr);
    return EXIT_INTERNAL;
  }
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "trace") == 0) return cmd_trace(argc - 2, argv + 2);
  if (strcmp(cmd, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
  if (strcmp(cmd, "verify") == 0) return cmd_verify(argc - 2, argv + 2, 0);
  if (strcmp(cmd, "dump") == 0) return cmd_verify(argc - 2, argv + 2, 1);
  if (strcmp(cmd, "test") == 0) return polvm_test_main(argc - 2, argv + 2);
  if (strcmp(cmd, "diff") == 0) return polvm_diff_main(argc - 2, argv + 2);
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) { usage(stdout); return 0; }
  fprintf(stderr, "polvm: unknown command '%s'\n", cmd);
  usage(stderr);
  return EXIT_USAGE;
}
