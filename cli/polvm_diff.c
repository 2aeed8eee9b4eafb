/*
 * polvm_diff.c -- `polvm diff OLD.polb NEW.polb cases.ndjson`: what a
 * policy change does to a body of cases.
 *
 * Every case (one JSON object per line; blank lines skipped), read as
 * `polvm eval` reads it (cli_next_line, cli_parse_case: the same size
 * and nesting limits), is judged with both bundles.  Each request line
 * whose outcome changes is listed, in input order (case ids and items
 * escaped as in the text report):
 *
 *   CASE_ID line N: OLD -> NEW; reasons added A, B; removed C; ASPECT: OLD -> NEW;
 *     authorization: setting=inpatient -> setting=outpatient, inpatient_days=0
 *
 * then, after a blank line, one count per kind of change and the
 * unchanged lines.  An outcome is the line's determination, its reasons
 * (those of the line, of its assessments, and of its items written
 * "ID[ITEM]") and the determination of each assessment.  Kinds: "OLD ->
 * NEW" for a changed line determination; else "ASPECT OLD -> NEW" for a
 * changed assessment ("not_assessed" when its block did not apply); else
 * "authorization changed" (the authorized fields of the trace's
 * `authorization` object, "none" without one); else "reasons changed
 * only".
 *
 * Exit 0 whatever the differences (they are the output), 2 usage, 3 a
 * case could not be read or judged by either bundle (reported on stderr;
 * the others are still compared), 4 bad bundle, 5 I/O error.
 *
 * Ownership: all allocations are freed before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "trace.h"

/* The outcome of one request line under one bundle. */
typedef struct Outcome {
  const char *det;          /* borrowed from the trace */
  cli_Set reasons;
  cli_Set aspects;          /* "ASPECT\tDET" */
  pol_Buf auth;             /* "FIELD=VALUE, ..." authorized, or "none" */
} Outcome;

/* The authorized fields of a line's `authorization` object in words:
   "setting=outpatient, inpatient_days=0", levels "levels=[L4-L5, L5-S1]",
   "none" without one; values escaped as in the text report. */
static void auth_words(pol_Buf *b, const json_t *view)
{
  const json_t *az = json_object_get(json_object_get(view, "authorization"), "authorized");
  if (!json_is_object(az)) { pol_buf_puts(b, "none"); return; }
  const char *k;
  const json_t *v;
  int first = 1;
  json_object_foreach((json_t *)az, k, v) {
    pol_buf_printf(b, "%s%s=", first ? "" : ", ", k);
    first = 0;
    if (json_is_string(v)) { pol_buf_text_str(b, json_string_value(v)); continue; }
    if (json_is_array(v)) {
      pol_buf_puts(b, "[");
      size_t i;
      const json_t *x;
      json_array_foreach(v, i, x) {
        if (i) pol_buf_puts(b, ", ");
        pol_buf_text_str(b, json_is_string(x) ? json_string_value(x) : "?");
      }
      pol_buf_puts(b, "]");
      continue;
    }
    char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    pol_buf_puts(b, t ? t : "?");
    free(t);
  }
  if (first) pol_buf_puts(b, "none");
}

static void outcome(Outcome *o, const json_t *view)
{
  memset(o, 0, sizeof *o);
  o->det = json_string_value(json_object_get(view, "determination"));
  if (!o->det) o->det = "?";
  auth_words(&o->auth, view);
  cli_reason_ids(&o->reasons, view, "", "");
  size_t i;
  const json_t *a;
  json_array_foreach(json_object_get(view, "assessments"), i, a) {
    cli_reason_ids(&o->reasons, a, "", "");
    char key[512];
    snprintf(key, sizeof key, "%s\t%s", json_string_value(json_object_get(a, "aspect")),
             json_string_value(json_object_get(a, "determination")));
    cli_set_add(&o->aspects, key);
  }
  json_array_foreach(json_object_get(view, "items"), i, a) {
    const json_t *item = json_object_get(a, "item");
    char *text = json_is_string(item) ? strdup(json_string_value(item))
                                      : json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
    char suffix[512];
    snprintf(suffix, sizeof suffix, "[%s]", text ? text : "?");
    free(text);
    cli_reason_ids(&o->reasons, a, "", suffix);
  }
}

static void outcome_free(Outcome *o)
{
  cli_set_free(&o->reasons);
  cli_set_free(&o->aspects);
  pol_buf_free(&o->auth);
}

/* Appends the elements of a that are not in not_in, comma-separated
   (escaped: an item comes from the case); returns how many. */
static int minus(pol_Buf *b, const cli_Set *a, const cli_Set *not_in)
{
  int n = 0;
  for (size_t i = 0; i < a->n; i++)
    if (!cli_set_has(not_in, a->s[i])) {
      pol_buf_puts(b, n++ ? ", " : "");
      pol_buf_text_str(b, a->s[i]);
    }
  return n;
}

/* The determination of aspect name in s (entries "ASPECT\tDET"), or
   "not_assessed". */
static const char *aspect_det(const cli_Set *s, const char *name)
{
  size_t len = strlen(name);
  for (size_t i = 0; i < s->n; i++)
    if (strncmp(s->s[i], name, len) == 0 && s->s[i][len] == '\t') return s->s[i] + len + 1;
  return "not_assessed";
}

/* A kind of change and how many lines show it.  cat orders the listing:
   0 a line determination changed, 1 an assessment's, 2 the authorization,
   3 reasons only. */
typedef struct Kind {
  int cat;
  char *text;     /* owned */
  unsigned n;
} Kind;

typedef struct Kinds {
  Kind *k;        /* owned */
  size_t len, cap;
} Kinds;

static void tally(Kinds *ks, int cat, const char *text)
{
  for (size_t i = 0; i < ks->len; i++)
    if (ks->k[i].cat == cat && strcmp(ks->k[i].text, text) == 0) { ks->k[i].n++; return; }
  if (ks->len == ks->cap) {
    ks->cap = ks->cap ? 2 * ks->cap : 8;
    ks->k = realloc(ks->k, ks->cap * sizeof *ks->k);
    if (!ks->k) { fputs("polvm: out of memory\n", stderr); abort(); }
  }
  Kind *k = &ks->k[ks->len++];
  k->cat = cat;
  k->text = strdup(text);
  k->n = 1;
  if (!k->text) { fputs("polvm: out of memory\n", stderr); abort(); }
}

static int kind_cmp(const void *a, const void *b)
{
  const Kind *x = a, *y = b;
  if (x->cat != y->cat) return x->cat < y->cat ? -1 : 1;
  return strcmp(x->text, y->text);
}

/* Compares one line; appends its listing to out if it changed.  Returns 1
   if it changed. */
static int compare_line(pol_Buf *out, Kinds *kinds, const char *case_id, const json_t *oldv,
                        const json_t *newv)
{
  Outcome a, b;
  outcome(&a, oldv);
  outcome(&b, newv);
  pol_Buf add = {0}, rem = {0}, asp = {0};
  int det_changed = strcmp(a.det, b.det) != 0;
  int nadd = minus(&add, &b.reasons, &a.reasons), nrem = minus(&rem, &a.reasons, &b.reasons);
  /* assessments of either side, in name order */
  cli_Set names = {0};
  for (int side = 0; side < 2; side++) {
    const cli_Set *s = side ? &b.aspects : &a.aspects;
    for (size_t i = 0; i < s->n; i++) {
      char name[512];
      snprintf(name, sizeof name, "%.*s", (int)strcspn(s->s[i], "\t"), s->s[i]);
      cli_set_add(&names, name);
    }
  }
  char first_aspect[600] = "";
  for (size_t i = 0; i < names.n; i++) {
    const char *x = aspect_det(&a.aspects, names.s[i]), *y = aspect_det(&b.aspects, names.s[i]);
    if (strcmp(x, y) == 0) continue;
    pol_buf_printf(&asp, "; %s: %s -> %s", names.s[i], x, y);
    if (!*first_aspect) snprintf(first_aspect, sizeof first_aspect, "%s %s -> %s", names.s[i], x, y);
  }
  cli_set_free(&names);
  int auth_changed = strcmp(a.auth.s, b.auth.s) != 0;
  int changed = det_changed || nadd || nrem || asp.n || auth_changed;
  if (changed) {
    pol_buf_text_str(out, case_id);
    pol_buf_printf(out, " line %lld: %s -> %s", (long long)json_integer_value(json_object_get(newv, "line")),
                   a.det, b.det);
    if (nadd) pol_buf_printf(out, "; reasons added %s", add.s);
    if (nrem) pol_buf_printf(out, "; %s %s", nadd ? "removed" : "reasons removed", rem.s);
    if (asp.n) pol_buf_puts(out, asp.s);
    if (auth_changed) pol_buf_printf(out, "; authorization: %s -> %s", a.auth.s, b.auth.s);
    pol_buf_puts(out, "\n");
    char kind[64];
    snprintf(kind, sizeof kind, "%s -> %s", a.det, b.det);
    tally(kinds, det_changed ? 0 : *first_aspect ? 1 : auth_changed ? 2 : 3,
          det_changed ? kind : *first_aspect ? first_aspect
          : auth_changed ? "authorization changed" : "reasons changed only");
  }
  pol_buf_free(&add);
  pol_buf_free(&rem);
  pol_buf_free(&asp);
  outcome_free(&a);
  outcome_free(&b);
  return changed;
}

/* Only spaces, tabs and carriage returns (line is not NUL-terminated). */
static int blank(const char *line, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return 0;
  return 1;
}

static const struct option diff_options[] = {
  CLI_OPTS_COMMON,
  {0}
};

static void diff_usage(FILE *f)
{
  fputs("usage: polvm diff OLD.polb NEW.polb cases.ndjson\n", f);
}

int polvm_diff_main(int argc, char **argv)
{
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm diff", argc, argv, ":h", diff_options)) != -1) {
    switch (opt) {
    case 'h': diff_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: diff_usage(stderr); return EXIT_USAGE;
    }
  }
  if (argc - optind != 3) {
    diff_usage(stderr);
    return EXIT_USAGE;
  }
  char **pos = argv + optind;
  cli_Loaded L[2];
  int rc = cli_load_bundle(pos[0], &L[0]);
  if (!rc) rc = cli_load_bundle(pos[1], &L[1]);
  else memset(&L[1], 0, sizeof L[1]);
  int fd = -1;
  if (!rc) {
    fd = strcmp(pos[2], "-") == 0 ? fileno(stdin) : open(pos[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fprintf(stderr, "polvm diff: %s: %s\n", pos[2], strerror(errno));
      rc = EXIT_CASE;
    }
  }
  if (rc) {
    cli_unload(&L[0]);
    cli_unload(&L[1]);
    return rc;
  }
  pol_vm_set_trace(L[0].vm, 1);
  pol_vm_set_trace(L[1].vm, 1);
  pol_Buf out = {0};
  Kinds kinds = {0};
  unsigned unchanged = 0, errors = 0;
  cli_Lines in;
  cli_lines_init(&in, fd, NULL);
  char *line;
  size_t n;
  unsigned long line_no = 0;
  while (cli_next_line(&in, &line, &n) == 0) {
    line_no++;
    if (blank(line, n)) continue;
    char err[512];
    pol_CaseError ce;
    json_t *root = cli_parse_case(line, n, &ce);
    if (!root) {
      if (ce.line) fprintf(stderr, "polvm diff: %s:%lu:%d: %s %s\n", pos[2], line_no, ce.column, ce.code, ce.text);
      else fprintf(stderr, "polvm diff: %s:%lu: %s %s\n", pos[2], line_no, ce.code, ce.text);
      errors++;
      continue;
    }
    const char *cid = json_string_value(json_object_get(root, "case_id"));
    pol_Buf id = {0};
    if (cid) pol_buf_text_str(&id, cid);
    json_t *trace[2] = {NULL, NULL};
    const pol_LineResult *lr;
    int bad = 0;
    for (int side = 0; side < 2 && !bad; side++)
      if (cli_judge(&L[side], root, &trace[side], &lr, err, sizeof err) != 0) {
        fprintf(stderr, "polvm diff: %s:%lu%s%s%s: %s bundle: %s\n", pos[2], line_no, cid ? " (" : "",
                cid ? id.s : "", cid ? ")" : "", side ? "new" : "old", err);
        bad = 1;
      }
    if (bad) {
      errors++;
    } else {
      const json_t *da = json_object_get(trace[0], "determinations");
      const json_t *db = json_object_get(trace[1], "determinations");
      const char *tid = json_string_value(json_object_get(trace[1], "case_id"));
      for (size_t i = 0; i < json_array_size(db); i++)
        if (!compare_line(&out, &kinds, tid ? tid : "?", json_array_get(da, i), json_array_get(db, i)))
          unchanged++;
      if (out.n && fwrite(out.s, 1, out.n, stdout) != out.n) rc = EXIT_INTERNAL;
      pol_buf_reset(&out);
    }
    json_decref(trace[0]);
    json_decref(trace[1]);
    json_decref(root);
    pol_buf_free(&id);
  }
  if (in.failed) rc = in.failed;
  cli_lines_free(&in);
  if (fd != fileno(stdin)) close(fd);
  if (kinds.len) qsort(kinds.k, kinds.len, sizeof *kinds.k, kind_cmp);   /* qsort(NULL, 0) is undefined */
  printf("\n");
  for (size_t i = 0; i < kinds.len; i++) printf("%s: %u\n", kinds.k[i].text, kinds.k[i].n);
  printf("unchanged: %u\n", unchanged);
  if (errors) printf("errors: %u\n", errors);
  for (size_t i = 0; i < kinds.len; i++) free(kinds.k[i].text);
  free(kinds.k);
  pol_buf_free(&out);
  cli_unload(&L[0]);
  cli_unload(&L[1]);
  if (fflush(stdout) != 0) rc = EXIT_INTERNAL;
  if (!rc && errors) rc = EXIT_CASE;
  return rc;
}
