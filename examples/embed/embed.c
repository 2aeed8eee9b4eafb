/*
 * embed.c -- judging a case through libpolvm's public API (polvm.h).
 *
 *   embed [--trust KEY.pub] [--json | --text] BUNDLE CASE.json
 *
 * Loads and verifies the bundle, loads the case, judges it and prints one
 * line per request line (determination, policy, branch), the criteria
 * that count against it with their evidence, and the missing facts.
 * --json / --text print the trace instead, exactly as `polvm trace`.
 * Exit status: 0 judged, 1 the bundle or the case was refused, 2 usage.
 *
 * Build it against an installed libpolvm:
 *   cc $(pkg-config --cflags polvm) embed.c $(pkg-config --libs polvm)
 * A walkthrough: docs/embedding.md.
 */
#include <polvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A polvm_write_fn writing to a FILE *. */
static int write_file(void *ctx, const char *data, size_t len)
{
  return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

/* Reads a whole file into a malloc'd buffer (owned by the caller). */
static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0, got;
  do {
    if (n == cap) {
      char *nb = realloc(buf, cap = cap ? 2 * cap : 65536);
      if (!nb) { free(buf); fclose(f); return NULL; }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(buf); return NULL; }
  *len = n;
  return buf;
}

/* The criteria of line i that count against it (item: POLVM_LINE_LEVEL or
   an item), with the evidence their clauses saw. */
static void reasons(const polvm_result *r, uint32_t i, uint32_t item, const char *indent)
{
  char value[256];
  for (uint32_t j = 0; j < polvm_line_ncriteria(r, i); j++) {
    if (polvm_crit_parent(r, i, j) != POLVM_NONE || !polvm_crit_fails(r, i, item, j)) continue;
    printf("%s%s %s: %s\n", indent, polvm_crit_is_exclusion(r, i, j) ? "applies" : "not met",
           polvm_crit_id(r, i, j), polvm_crit_text(r, i, j));
    for (uint32_t e = 0; e < polvm_crit_nevidence(r, i, item, j); e++) {
      const char *expected = polvm_evidence_expected(r, i, item, j, e);
      polvm_evidence_value(r, i, item, j, e, value, sizeof value);
      printf("%s  %s = %s%s%s%s\n", indent, polvm_evidence_fact(r, i, item, j, e), value,
             expected ? " (expected " : "", expected ? expected : "", expected ? ")" : "");
    }
  }
}

/* The facts that would decide line i's unknown criteria. */
static void missing(const polvm_result *r, uint32_t i, uint32_t item, const char *indent)
{
  char fact[256];
  for (uint32_t j = 0; j < polvm_line_ncriteria(r, i); j++)
    if (polvm_crit_status(r, i, item, j) == POLVM_UNKNOWN)
      for (uint32_t m = 0; m < polvm_crit_nmissing(r, i, item, j); m++) {
        polvm_missing_fact(r, i, item, j, m, fact, sizeof fact);
        printf("%smissing %s (for %s)\n", indent, fact, polvm_crit_id(r, i, j));
      }
}

static void summary(const polvm_result *r)
{
  printf("case %s: %u line(s)\n", polvm_result_case_id(r), polvm_result_nlines(r));
  for (uint32_t i = 0; i < polvm_result_nlines(r); i++) {
    const char *cpt = polvm_line_cpt(r, i), *policy = polvm_line_policy_id(r, i);
    printf("line %d %s: %s", polvm_line_number(r, i), cpt ? cpt : "(no code)",
           polvm_det_name(polvm_line_determination(r, i)));
    if (policy) printf(" (policy %s version %s", policy, polvm_line_policy_version(r, i));
    if (policy && polvm_line_branch(r, i)) printf(", branch %s", polvm_line_branch(r, i));
    printf("%s\n", policy ? ")" : "");
    reasons(r, i, POLVM_LINE_LEVEL, "  ");
    missing(r, i, POLVM_LINE_LEVEL, "  ");
    for (uint32_t k = 0; k < polvm_line_nitems(r, i); k++) {
      char item[256];
      polvm_item_value(r, i, k, item, sizeof item);
      printf("  item %s: %s\n", item, polvm_det_name(polvm_item_determination(r, i, k)));
      reasons(r, i, k, "    ");
    }
    for (uint32_t a = 0; a < polvm_line_nassessments(r, i); a++)
      printf("  assessment %s: %s\n", polvm_assessment_aspect(r, i, a),
             polvm_det_name(polvm_assessment_determination(r, i, a)));
  }
}

int main(int argc, char **argv)
{
  const char *trust = NULL, *mode = "summary";
  int a = 1;
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (strcmp(argv[a], "--trust") == 0 && a + 1 < argc) trust = argv[++a];
    else if (strcmp(argv[a], "--json") == 0 || strcmp(argv[a], "--text") == 0) mode = argv[a] + 2;
    else break;
  }
  if (argc - a != 2) {
    fputs("usage: embed [--trust KEY.pub] [--json | --text] BUNDLE CASE.json\n", stderr);
    return 2;
  }
  const char *bundle = argv[a], *case_file = argv[a + 1];

  polvm_error err;
  uint8_t key[POLVM_PUBKEY_LEN];
  polvm_program *prog = NULL;
  polvm_vm *vm = NULL;
  polvm_case *c = NULL;
  int rc = 1;
  if (trust && polvm_key_read_public(trust, key, &err) != POLVM_OK) {
    fprintf(stderr, "embed: %s\n", err.message);
    return 1;
  }
  if (polvm_program_load_file(bundle, trust ? key : NULL, trust ? 1 : 0, &prog, &err) != POLVM_OK ||
      polvm_vm_new(prog, &vm, &err) != POLVM_OK || polvm_case_new(prog, &c, &err) != POLVM_OK) {
    fprintf(stderr, "embed: %s: %s (%s)\n", bundle, err.message, polvm_strerror(err.status));
    goto done;
  }

  size_t len = 0;
  char *text = slurp(case_file, &len);
  if (!text) {
    fprintf(stderr, "embed: %s: cannot read the case\n", case_file);
    goto done;
  }
  polvm_status st = polvm_case_load_json(c, text, len, &err);
  free(text);   /* the case keeps what it needs */
  if (st == POLVM_ERR_JSON && err.line)
    fprintf(stderr, "embed: %s:%d:%d: %s\n", case_file, err.line, err.column, err.message);
  else if (st != POLVM_OK)
    fprintf(stderr, "embed: %s: %s\n", case_file, err.message);
  if (st != POLVM_OK) goto done;

  const polvm_result *r = NULL;
  if (polvm_eval(vm, c, &r, &err) != POLVM_OK) {
    fprintf(stderr, "embed: %s: %s\n", case_file, err.message);
    goto done;
  }
  if (strcmp(mode, "json") == 0)
    st = polvm_render_json(r, POLVM_JSON_PRETTY | POLVM_JSON_CRITERIA, write_file, stdout);
  else if (strcmp(mode, "text") == 0)
    st = polvm_render_text(r, write_file, stdout);
  else
    summary(r);
  rc = st == POLVM_OK && fflush(stdout) == 0 ? 0 : 1;

done:
  polvm_case_free(c);
  polvm_vm_free(vm);
  polvm_program_free(prog);
  return rc;
}
