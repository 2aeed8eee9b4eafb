/*
 * polvm_replay.c -- `polvm replay LOG [--store DIR]`: judges every logged
 * decision whose case was kept (`polvm serve --log-cases`) again, against
 * the bundle revision that made it (kept by SHA-256 in the store), and
 * reports each answer that differs from the logged one by a single byte
 * (docs/serve.md, "Replay").
 *
 * Exit: 0 every replayed answer is identical; 1 some differ; 3 a logged
 * case no longer loads or judges; 4 a bundle is missing from the store or
 * refused; 5 the log cannot be read.  The highest applies.
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "case.h"
#include "cli.h"
#include "declog.h"
#include "fhir_out.h"
#include "opts.h"
#include "serve.h"
#include "trace.h"
#include "vm.h"

static void replay_usage(FILE *f)
{
  fputs("usage: polvm replay LOG [--store DIR] [--verbose]\n"
        "  LOG          a decision log of polvm serve --log (SQLite)\n"
        "  --store DIR  the bundle store (default: where the log says each bundle is)\n"
        "  --verbose    one line per decision replayed, not only those that differ\n"
        "Exit 0 if every answer is byte-identical, 1 if some differ (docs/serve.md).\n", f);
}

enum { OPT_STORE = CLI_OPT_LONG, OPT_VERBOSE };
static const struct option replay_options[] = {
  {"store", required_argument, NULL, OPT_STORE},
  {"verbose", no_argument, NULL, OPT_VERBOSE},
  CLI_OPTS_COMMON,
  {0}
};

/* The bundles loaded so far, by SHA-256. */
typedef struct Rev {
  char sha[65];
  pol_Program *p;   /* owned; NULL: could not be loaded (reported once) */
  pol_VM *vm;       /* owned */
  pol_Case *c;      /* owned */
} Rev;

static Rev *find_rev(Rev **revs, size_t *nrevs, sqlite3 *db, const char *store, const char *sha, int *rc)
{
  for (size_t i = 0; i < *nrevs; i++)
    if (strcmp((*revs)[i].sha, sha) == 0) return (*revs)[i].p ? &(*revs)[i] : NULL;
  Rev *a = realloc(*revs, (*nrevs + 1) * sizeof *a);
  if (!a) { fputs("polvm: out of memory\n", stderr); abort(); }
  *revs = a;
  Rev *r = &a[(*nrevs)++];
  memset(r, 0, sizeof *r);
  snprintf(r->sha, sizeof r->sha, "%s", sha);
  char path[4200] = "";
  if (store) {
    snprintf(path, sizeof path, "%s/%s.polb", store, sha);
  } else {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT stored FROM bundles WHERE sha256 = ?", -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, sha, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(path, sizeof path, "%s", (const char *)sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
    }
  }
  if (!path[0]) {
    fprintf(stderr, "polvm replay: bundle %s: not in the store (polvm serve --store)\n", sha);
    if (*rc < EXIT_BUNDLE) *rc = EXIT_BUNDLE;
    return NULL;
  }
  char err[1024];
  uint8_t *bytes;
  size_t len;
  pol_Program *p;
  if (cli_bundle_read(path, &p, &bytes, &len, err, sizeof err) != 0) {
    fprintf(stderr, "polvm replay: %s\n", err);
    if (*rc < EXIT_BUNDLE) *rc = EXIT_BUNDLE;
    return NULL;
  }
  free(bytes);
  char got[65];
  pol_sha_hex(p->sha256, got);
  r->vm = pol_vm_new(p);
  r->c = pol_case_new(p);
  r->p = p;
  if (strcmp(got, sha) != 0 || !r->vm || !r->c || cli_bind_externs(p, r->vm, err, sizeof err) != 0) {
    if (strcmp(got, sha) != 0) snprintf(err, sizeof err, "its content hash is %s", got);
    fprintf(stderr, "polvm replay: %s: bundle %s refused: %s\n", path, sha, err);
    pol_case_free(r->c);
    pol_vm_free(r->vm);
    pol_program_free(p);
    r->p = NULL;
    r->vm = NULL;
    r->c = NULL;
    if (*rc < EXIT_BUNDLE) *rc = EXIT_BUNDLE;
    return NULL;
  }
  pol_vm_set_trace(r->vm, 1);
  return r;
}

/* Judges case_json again into out, as the server answered in format.
   0, or -1 with the reason in err. */
static int rejudge(Rev *r, const char *case_json, const char *case_sha, const char *format, int64_t received,
                   pol_Buf *out, char *err, size_t errlen)
{
  pol_CaseError ce;
  json_t *root = cli_parse_case(case_json, strlen(case_json), &ce);
  if (!root) {
    snprintf(err, errlen, "%s %s", ce.code, ce.text);
    return -1;
  }
  const pol_LineResult *lines;
  int rc = 0;
  if (pol_case_load(r->c, root, err, errlen) != 0) rc = -1;
  else if (pol_vm_eval(r->vm, r->c, &lines, err, errlen) != 0) rc = -1;
  else if (strcmp(format, "json") == 0) {
    pol_TraceMeta meta = {case_sha};
    pol_trace_json(out, r->vm, r->c, lines, &meta, POL_TRACE_PRETTY | POL_TRACE_CRITERIA);
    srv_reader_notes(out, r->c, 0);
  } else {
    char created[11];
    srv_created_date(root, received, created);
    pol_FhirMeta fm = {case_sha, created};
    if (pol_trace_fhir(out, r->vm, r->c, lines, &fm, strcmp(format, "fhir-bundle") == 0 ? POL_FHIR_BUNDLE : 0) != 0) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
    } else if (srv_reader_notes(out, r->c, strcmp(format, "fhir-bundle") == 0 ? 2 : 1) != 0) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
    }
  }
  json_decref(root);
  return rc;
}

int polvm_replay_main(int argc, char **argv)
{
  const char *store = NULL;
  int verbose = 0, opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm replay", argc, argv, ":h", replay_options)) != -1) {
    switch (opt) {
    case OPT_STORE: store = optarg; break;
    case OPT_VERBOSE: verbose = 1; break;
    case 'h': replay_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: replay_usage(stderr); return EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    replay_usage(stderr);
    return EXIT_USAGE;
  }
  char err[1024];
  dl_Log *log = dl_open(argv[optind], 1, err, sizeof err);
  if (!log) {
    fprintf(stderr, "polvm replay: %s\n", err);
    return EXIT_INTERNAL;
  }
  sqlite3 *db = dl_db(log);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT id, bundle_sha256, case_sha256, format, response_sha256, case_json, response,"
                         " received_ms"
                         " FROM decisions ORDER BY received_ms, id", -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "polvm replay: %s: %s\n", argv[optind], sqlite3_errmsg(db));
    dl_close(log);
    return EXIT_INTERNAL;
  }
  Rev *revs = NULL;
  size_t nrevs = 0;
  int rc = 0, step;
  unsigned long same = 0, differ = 0, skipped = 0, failed = 0;
  pol_Buf out = {0};
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const char *sha = (const char *)sqlite3_column_text(st, 1);
    const char *case_sha = (const char *)sqlite3_column_text(st, 2);
    const char *format = (const char *)sqlite3_column_text(st, 3);
    const char *resp_sha = (const char *)sqlite3_column_text(st, 4);
    const char *case_json = (const char *)sqlite3_column_text(st, 5);
    const char *resp = (const char *)sqlite3_column_text(st, 6);
    int resp_len = sqlite3_column_bytes(st, 6);
    int64_t received = sqlite3_column_int64(st, 7);
    if (!id || !sha || !case_sha || !format || !resp_sha) continue;
    if (!case_json) {
      skipped++;
      continue;
    }
    Rev *r = find_rev(&revs, &nrevs, db, store, sha, &rc);
    if (!r) {
      failed++;
      continue;
    }
    pol_buf_reset(&out);
    if (rejudge(r, case_json, case_sha, format, received, &out, err, sizeof err) != 0) {
      printf("%s: no longer judged: %s\n", id, err);
      failed++;
      if (rc < EXIT_CASE) rc = EXIT_CASE;
      continue;
    }
    uint8_t h[32];
    char got[65];
    crypto_hash_sha256(h, (const uint8_t *)(out.s ? out.s : ""), out.n);
    pol_sha_hex(h, got);
    if (strcmp(got, resp_sha) == 0) {
      same++;
      if (verbose) printf("%s: identical\n", id);
      continue;
    }
    differ++;
    if (rc < EXIT_FAIL) rc = EXIT_FAIL;
    if (!resp) {
      printf("%s: differs from the logged answer (SHA-256 %s, now %s)\n", id, resp_sha, got);
      continue;
    }
    size_t n = (size_t)resp_len, at = 0, line = 1, col = 1;
    while (at < n && at < out.n && resp[at] == out.s[at]) {
      if (resp[at] == '\n') { line++; col = 1; }
      else col++;
      at++;
    }
    printf("%s: differs from the logged answer at byte %zu (line %zu, column %zu): logged %zu bytes, now %zu\n",
           id, at, line, col, n, out.n);
  }
  if (step != SQLITE_DONE) {
    fprintf(stderr, "polvm replay: %s: %s\n", argv[optind], sqlite3_errmsg(db));
    rc = EXIT_INTERNAL;
  }
  printf("replay: %lu identical, %lu different, %lu not replayed, %lu without a logged case\n", same, differ,
         failed, skipped);
  sqlite3_finalize(st);
  pol_buf_free(&out);
  for (size_t i = 0; i < nrevs; i++) {
    pol_case_free(revs[i].c);
    pol_vm_free(revs[i].vm);
    pol_program_free(revs[i].p);
  }
  free(revs);
  dl_close(log);
  return rc;
}
