/*
 * polvm_test.c -- `polvm test`: the policy tests kept next to a policy
 * (policies/<policy>.test.json; format in docs/testing.md) and the
 * coverage of its criteria.
 *
 *   polvm test [--bundle B] [--coverage] [--coverage-json FILE] [--threshold P] TEST.json|DIR...
 *
 * A directory stands for every *.test.json file under it (recursively,
 * symbolic links to directories not followed), in the byte order of
 * their paths, as `opa test DIR` finds its tests; a directory without one
 * is an error (exit 3), as is one that cannot be read.
 *
 * A test file is checked whole before any of its tests runs: an unknown
 * key or a misspelt status is an error naming its path (exit 3), never a
 * test that silently checks nothing.  Each test's case (a file relative to
 * the test file, or inline, optionally with a JSON merge patch) is judged
 * with the bundle; determinations and reasons are read from the compact
 * trace (what `polvm eval --criteria` prints), criterion statuses from the
 * VM's results, per item for `for each` criteria.
 *
 * Output, in this order: one line per failing test, the coverage tables
 * (--coverage), the policies below the threshold, and last the line
 * "N passed, N failed".  Exit 0, 1 (a test failed, an outcome declared
 * unreachable was reached, or a policy is below the threshold), 2 usage,
 * 3 a test file is unreadable or malformed (its tests are skipped, the
 * others still run), 4 bad bundle, 5 I/O error.
 *
 * Ownership: every JSON value and buffer here is freed before returning.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output.h"
#include "cli.h"
#include "opts.h"
#include "trace.h"

/* ---- coverage ----------------------------------------------------------- */

/* Per criterion of a policy, how many judgements gave each status; indexed
   by pol_Status (PS_NOT_MET 0, PS_MET 1, PS_UNKNOWN 2). */
typedef struct Cov {
  int shown;              /* named by a test file, or a case reached it */
  uint32_t (*n)[3];       /* owned, pol->ncrit rows */
  /* outcomes a test file declares unreachable (docs/testing.md): per
     criterion 0 or the pol_Status (PS_MET, PS_NOT_MET) that can never be,
     plus 1; why and the declaring file */
  uint8_t *unreach;       /* owned */
  char **why;             /* owned, each owned */
  const char **file;      /* owned array; borrowed strings (argv) */
} Cov;

typedef struct Run {
  cli_Loaded L;
  Cov *cov;               /* owned, one per program policy */
  unsigned passed, failed;
  pol_Buf msg;            /* what differed in the current test */
} Run;

static void count(Cov *c, const pol_CritResult *res, uint32_t ncrit)
{
  for (uint32_t j = 0; j < ncrit; j++)
    if (res[j].status <= PS_UNKNOWN) c->n[j][res[j].status]++;
}

static void cover(Run *r, const pol_LineResult *lines, uint32_t nlines)
{
  for (uint32_t i = 0; i < nlines; i++) {
    const pol_LineResult *lr = &lines[i];
    if (lr->policy == POL_NOSTR) continue;
    Cov *c = &r->cov[lr->policy];
    uint32_t ncrit = r->L.p->pol[lr->policy].ncrit;
    c->shown = 1;
    count(c, lr->crit, ncrit);
    for (uint32_t k = 0; k < lr->nitems; k++) count(c, lr->items[k].crit, ncrit);
  }
}

/* Met and not met both seen, or one seen and the other declared
   unreachable. */
static int both_ways(const Cov *c, uint32_t j)
{
  int never = c->unreach[j] ? c->unreach[j] - 1 : -1;
  return (c->n[j][PS_MET] > 0 || never == PS_MET) && (c->n[j][PS_NOT_MET] > 0 || never == PS_NOT_MET);
}

static uint32_t ncovered(const pol_Policy *pol, const Cov *c)
{
  uint32_t k = 0;
  for (uint32_t j = 0; j < pol->ncrit; j++) k += both_ways(c, j) != 0;
  return k;
}

static uint32_t nunreach(const pol_Policy *pol, const Cov *c)
{
  uint32_t k = 0;
  for (uint32_t j = 0; j < pol->ncrit; j++) k += c->unreach[j] != 0;
  return k;
}

static const char *both_text(const Cov *c, uint32_t j)
{
  if (!both_ways(c, j)) return "no";
  if (!c->unreach[j]) return "yes";
  return c->unreach[j] - 1 == PS_MET ? "yes (met unreachable)" : "yes (not_met unreachable)";
}

static double percent(const pol_Policy *pol, const Cov *c)
{
  return pol->ncrit ? 100.0 * ncovered(pol, c) / pol->ncrit : 100.0;
}

static int below(const pol_Policy *pol, const Cov *c, double threshold)
{
  /* exact: covered / total < threshold / 100, without rounding */
  return (double)ncovered(pol, c) * 100.0 < threshold * pol->ncrit;
}

static void coverage_table(const Run *r)
{
  const pol_Program *p = r->L.p;
  for (uint32_t i = 0; i < p->npol; i++) {
    const Cov *c = &r->cov[i];
    if (!c->shown) continue;
    const pol_Policy *pol = &p->pol[i];
    int w = (int)strlen("criterion");
    for (uint32_t j = 0; j < pol->ncrit; j++) {
      int l = (int)p->slen[p->crit[pol->crit0 + j].id];
      if (l > w) w = l;
    }
    printf("\nCoverage of %s version %s: %u of %u criteria exercised both ways (%.1f%%)",
           p->str[pol->id], p->str[pol->version], ncovered(pol, c), pol->ncrit, percent(pol, c));
    uint32_t nu = nunreach(pol, c);
    if (nu) printf(", %u with an outcome declared unreachable", nu);
    fputs("\n", stdout);
    printf("  %-*s  %5s  %7s  %7s  %s\n", w, "criterion", "met", "not_met", "unknown", "both ways");
    for (uint32_t j = 0; j < pol->ncrit; j++)
      printf("  %-*s  %5u  %7u  %7u  %s\n", w, p->str[p->crit[pol->crit0 + j].id], c->n[j][PS_MET],
             c->n[j][PS_NOT_MET], c->n[j][PS_UNKNOWN], both_text(c, j));
    for (uint32_t j = 0; j < pol->ncrit; j++)
      if (c->unreach[j])
        printf("  %s: %s unreachable (%s): %s\n", p->str[p->crit[pol->crit0 + j].id],
               pol_status_name((pol_Status)(c->unreach[j] - 1)), c->file[j], c->why[j]);
  }
}

static int coverage_json(const Run *r, const char *path, int has_threshold, double threshold)
{
  const pol_Program *p = r->L.p;
  pol_Buf b = {0};
  pol_buf_puts(&b, "{\n  \"threshold\": ");
  if (has_threshold) pol_buf_printf(&b, "%g", threshold);
  else pol_buf_puts(&b, "null");
  pol_buf_puts(&b, ",\n  \"policies\": [");
  int first = 1;
  for (uint32_t i = 0; i < p->npol; i++) {
    const Cov *c = &r->cov[i];
    if (!c->shown) continue;
    const pol_Policy *pol = &p->pol[i];
    pol_buf_puts(&b, first ? "\n    {\"policy\": " : ",\n    {\"policy\": ");
    first = 0;
    pol_buf_json_str(&b, p->str[pol->id]);
    pol_buf_puts(&b, ", \"version\": ");
    pol_buf_json_str(&b, p->str[pol->version]);
    pol_buf_puts(&b, ", \"title\": ");
    pol_buf_json_str(&b, p->str[pol->title]);
    pol_buf_printf(&b, ",\n     \"criteria_total\": %u, \"criteria_both_ways\": %u, \"declared_unreachable\": %u, \"percent\": %.1f",
                   pol->ncrit, ncovered(pol, c), nunreach(pol, c), percent(pol, c));
    if (has_threshold)
      pol_buf_printf(&b, ", \"below_threshold\": %s", below(pol, c, threshold) ? "true" : "false");
    pol_buf_puts(&b, ",\n     \"criteria\": [");
    for (uint32_t j = 0; j < pol->ncrit; j++) {
      pol_buf_puts(&b, j ? ",\n       {\"criterion\": " : "\n       {\"criterion\": ");
      pol_buf_json_str(&b, p->str[p->crit[pol->crit0 + j].id]);
      pol_buf_printf(&b, ", \"met\": %u, \"not_met\": %u, \"unknown\": %u, \"both_ways\": %s",
                     c->n[j][PS_MET], c->n[j][PS_NOT_MET], c->n[j][PS_UNKNOWN],
                     both_ways(c, j) ? "true" : "false");
      if (c->unreach[j]) {
        pol_buf_printf(&b, ", \"unreachable\": \"%s\", \"why\": ",
                       pol_status_name((pol_Status)(c->unreach[j] - 1)));
        pol_buf_json_str(&b, c->why[j]);
      }
      pol_buf_puts(&b, "}");
    }
    pol_buf_puts(&b, pol->ncrit ? "\n     ]}" : "]}");
  }
  pol_buf_puts(&b, first ? "]\n}\n" : "\n  ]\n}\n");
  char err[512];
  int rc = pol_write_file(path, b.s, b.n, 0666, 0, err, sizeof err);
  pol_buf_free(&b);
  if (rc != 0) {
    fprintf(stderr, "polvm test: %s: cannot write the coverage: %s\n", path, err);
    return EXIT_INTERNAL;
  }
  return 0;
}

/* ---- checking the test file's shape ------------------------------------ */

/* the determinations a test may expect: every name of vm/outcomes.def */
static const char *const DETS[] = {
#define OUTCOME(N, s, authored, meaning) s,
#include "outcomes.def"
#undef OUTCOME
  NULL};
static const char *const STATUSES[] = {"met", "not_met", "unknown", "not_applicable", NULL};

static int one_of(const char *s, const char *const *names)
{
  for (; *names; names++)
    if (strcmp(s, *names) == 0) return 1;
  return 0;
}

static int bad(char *err, size_t n, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;
static int bad(char *err, size_t n, const char *path, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(err, n, "%s: %s", path, msg);
  return -1;
}

static int only_keys(const json_t *o, const char *const *keys, const char *path, char *err, size_t n)
{
  if (!json_is_object(o)) return bad(err, n, path, "expected an object");
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    if (one_of(k, keys)) continue;
    char list[256] = "";
    for (const char *const *q = keys; *q; q++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", q == keys ? "" : ", ", *q);
    return bad(err, n, path, "unknown key \"%s\" (known: %s)", k, list);
  }
  return 0;
}

static int check_det(const json_t *o, int required, const char *path, char *err, size_t n)
{
  const json_t *d = json_object_get(o, "determination");
  if (!d) return required ? bad(err, n, path, "\"determination\" missing") : 0;
  if (!json_is_string(d) || !one_of(json_string_value(d), DETS))
    return bad(err, n, path, "\"determination\" must be one of approve, deny, pend, no_policy, partial, loi, refer");
  return 0;
}

static int check_criteria(const json_t *o, const char *path, char *err, size_t n)
{
  const json_t *cs = json_object_get(o, "criteria");
  if (!cs) return 0;
  if (!json_is_object(cs)) return bad(err, n, path, "\"criteria\" must be an object of criterion id -> status");
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)cs, k, v)
    if (!json_is_string(v) || !one_of(json_string_value(v), STATUSES))
      return bad(err, n, path, "criteria \"%s\": status must be one of met, not_met, unknown, not_applicable", k);
  return 0;
}

static int check_reasons(const json_t *o, const char *path, char *err, size_t n)
{
  const json_t *rs = json_object_get(o, "reasons");
  if (!rs) return 0;
  if (!json_is_array(rs)) return bad(err, n, path, "\"reasons\" must be an array of criterion ids");
  size_t i;
  const json_t *v;
  json_array_foreach(rs, i, v)
    if (!json_is_string(v)) return bad(err, n, path, "reasons[%zu]: expected a criterion id (string)", i);
  return 0;
}

static int check_line(const json_t *e, const char *path, char *err, size_t n)
{
  static const char *const keys[] = {"line", "determination", "criteria", "reasons", "items", "assessments",
                                     "authorization", NULL};
  static const char *const zkeys[] = {"modified", "requested", "authorized", NULL};
  static const char *const ikeys[] = {"item", "index", "determination", "criteria", "reasons", NULL};
  static const char *const akeys[] = {"determination", "reasons", NULL};
  char sub[256];
  if (only_keys(e, keys, path, err, n) || check_det(e, 1, path, err, n) ||
      check_criteria(e, path, err, n) || check_reasons(e, path, err, n))
    return -1;
  const json_t *line = json_object_get(e, "line");
  if (line && !json_is_integer(line)) return bad(err, n, path, "\"line\" must be an integer");
  const json_t *items = json_object_get(e, "items");
  if (items && !json_is_array(items)) return bad(err, n, path, "\"items\" must be an array");
  size_t i;
  const json_t *it;
  json_array_foreach(items, i, it) {
    snprintf(sub, sizeof sub, "%s.items[%zu]", path, i);
    if (only_keys(it, ikeys, sub, err, n) || check_det(it, 0, sub, err, n) ||
        check_criteria(it, sub, err, n) || check_reasons(it, sub, err, n))
      return -1;
    const json_t *name = json_object_get(it, "item"), *index = json_object_get(it, "index");
    if (!name == !index) return bad(err, n, sub, "give exactly one of \"item\" (its value) and \"index\" (from 0)");
    if (name && !json_is_string(name)) return bad(err, n, sub, "\"item\" must be a string");
    if (index && (!json_is_integer(index) || json_integer_value(index) < 0))
      return bad(err, n, sub, "\"index\" must be an integer >= 0");
  }
  const json_t *az = json_object_get(e, "authorization");
  if (az && !json_is_null(az)) {
    snprintf(sub, sizeof sub, "%s.authorization", path);
    if (!json_is_object(az)) return bad(err, n, path, "\"authorization\" must be an object or null");
    if (only_keys(az, zkeys, sub, err, n)) return -1;
    const json_t *m = json_object_get(az, "modified");
    if (m && !json_is_boolean(m)) return bad(err, n, sub, "\"modified\" must be true or false");
    if (json_object_get(az, "authorized") && !json_is_object(json_object_get(az, "authorized")))
      return bad(err, n, sub, "\"authorized\" must be an object of field -> value");
    if (json_object_get(az, "requested") && !json_is_object(json_object_get(az, "requested")))
      return bad(err, n, sub, "\"requested\" must be an object of field -> value");
  }
  const json_t *as = json_object_get(e, "assessments");
  if (as && !json_is_object(as)) return bad(err, n, path, "\"assessments\" must be an object of aspect -> expectation");
  const char *k;
  json_object_foreach((json_t *)as, k, it) {
    snprintf(sub, sizeof sub, "%s.assessments.%s", path, k);
    if (only_keys(it, akeys, sub, err, n) || check_det(it, 1, sub, err, n) || check_reasons(it, sub, err, n))
      return -1;
  }
  return 0;
}

/* The tests of a test file: root itself if an array, else root.tests. */
static const json_t *tests_of(const json_t *root)
{
  return json_is_array(root) ? root : json_object_get(root, "tests");
}

static int check_file(const json_t *root, char *err, size_t n)
{
  static const char *const fkeys[] = {"policy", "description", "unreachable", "tests", NULL};
  static const char *const ukeys[] = {"criterion", "status", "why", NULL};
  static const char *const tkeys[] = {"name", "description", "case", "patch", "expect", NULL};
  if (!json_is_array(root)) {
    if (only_keys(root, fkeys, "(top)", err, n)) return -1;
    const json_t *pol = json_object_get(root, "policy");
    if (pol && !json_is_string(pol)) return bad(err, n, "policy", "expected a policy id (string)");
    if (!json_is_array(json_object_get(root, "tests"))) return bad(err, n, "tests", "expected an array of tests");
    const json_t *un = json_object_get(root, "unreachable");
    if (un && !json_is_array(un)) return bad(err, n, "unreachable", "expected an array");
    if (un && !pol) return bad(err, n, "unreachable", "needs the file's \"policy\"");
    size_t i;
    const json_t *u;
    json_array_foreach(un, i, u) {
      char path[64];
      snprintf(path, sizeof path, "unreachable[%zu]", i);
      if (only_keys(u, ukeys, path, err, n)) return -1;
      const json_t *id = json_object_get(u, "criterion"), *st = json_object_get(u, "status");
      const json_t *why = json_object_get(u, "why");
      if (!json_is_string(id)) return bad(err, n, path, "\"criterion\" missing");
      if (!json_is_string(st) || (strcmp(json_string_value(st), "met") != 0 &&
                                  strcmp(json_string_value(st), "not_met") != 0))
        return bad(err, n, path, "\"status\" must be met or not_met");
      if (!json_is_string(why) || !*json_string_value(why))
        return bad(err, n, path, "\"why\" missing: say why no case can reach it");
      for (size_t j = 0; j < i; j++)
        if (json_equal(id, json_object_get(json_array_get(un, j), "criterion")))
          return bad(err, n, path, "criterion %s is also listed by unreachable[%zu]", json_string_value(id), j);
    }
  }
  const json_t *tests = tests_of(root);
  size_t i;
  const json_t *t;
  json_array_foreach(tests, i, t) {
    char path[128];
    snprintf(path, sizeof path, "tests[%zu]", i);
    if (only_keys(t, tkeys, path, err, n)) return -1;
    const json_t *name = json_object_get(t, "name");
    if (!json_is_string(name) || !*json_string_value(name)) return bad(err, n, path, "\"name\" missing");
    for (size_t j = 0; j < i; j++)
      if (json_equal(name, json_object_get(json_array_get(tests, j), "name")))
        return bad(err, n, path, "name \"%s\" also used by tests[%zu]", json_string_value(name), j);
    const json_t *c = json_object_get(t, "case");
    if (!json_is_string(c) && !json_is_object(c))
      return bad(err, n, path, "\"case\" must be a case file (relative to the test file) or an inline case object");
    const json_t *patch = json_object_get(t, "patch");
    if (patch && !json_is_object(patch)) return bad(err, n, path, "\"patch\" must be an object (JSON merge patch)");
    const json_t *ex = json_object_get(t, "expect");
    if (json_is_object(ex)) {
      snprintf(path + strlen(path), sizeof path - strlen(path), ".expect");
      if (check_line(ex, path, err, n)) return -1;
      continue;
    }
    if (!json_is_array(ex) || json_array_size(ex) == 0)
      return bad(err, n, path, "\"expect\" must be a line expectation or a non-empty array of them");
    size_t k;
    const json_t *e;
    json_array_foreach(ex, k, e) {
      char sub[160];
      snprintf(sub, sizeof sub, "%s.expect[%zu]", path, k);
      if (check_line(e, sub, err, n)) return -1;
    }
  }
  return 0;
}

/* ---- running a test ----------------------------------------------------- */

/* RFC 7386 JSON merge patch: target is stolen, the result is a new
   reference; patch is borrowed.  null in the patch removes the key (for a
   fact, absent and null are the same: unknown). */
static json_t *merge_patch(json_t *target, const json_t *patch)
{
  if (!json_is_object(patch)) {
    json_decref(target);
    return json_deep_copy(patch);
  }
  if (!json_is_object(target)) {
    json_decref(target);
    target = json_object();
  }
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)patch, k, v) {
    if (json_is_null(v)) {
      json_object_del(target, k);
      continue;
    }
    json_t *cur = json_object_get(target, k);
    json_object_set_new(target, k, merge_patch(cur ? json_incref(cur) : NULL, v));
  }
  return target;
}

static void differ(Run *r, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
static void differ(Run *r, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->msg.n) pol_buf_puts(&r->msg, "; ");
  pol_buf_puts(&r->msg, msg);
}

static void set_text(pol_Buf *b, const cli_Set *s)
{
  pol_buf_puts(b, "[");
  for (size_t i = 0; i < s->n; i++) pol_buf_printf(b, "%s%s", i ? ", " : "", s->s[i]);
  pol_buf_puts(b, "]");
}

static void expect_det(Run *r, const char *where, const json_t *view, const json_t *e)
{
  const char *want = json_string_value(json_object_get(e, "determination"));
  const char *got = json_string_value(json_object_get(view, "determination"));
  if (want && (!got || strcmp(want, got) != 0))
    differ(r, "%sdetermination %s, expected %s", where, got ? got : "(none)", want);
}

static void expect_reasons(Run *r, const char *where, const json_t *view, const json_t *e)
{
  const json_t *want = json_object_get(e, "reasons");
  if (!want) return;
  cli_Set got = {0}, exp = {0};
  cli_reason_ids(&got, view, "", "");
  size_t i;
  const json_t *v;
  json_array_foreach(want, i, v) cli_set_add(&exp, json_string_value(v));
  int same = got.n == exp.n;
  for (size_t k = 0; same && k < got.n; k++) same = strcmp(got.s[k], exp.s[k]) == 0;
  if (!same) {
    pol_Buf b = {0};
    pol_buf_puts(&b, "reasons ");
    set_text(&b, &got);
    pol_buf_puts(&b, ", expected ");
    set_text(&b, &exp);
    differ(r, "%s%s", where, b.s);
    pol_buf_free(&b);
  }
  cli_set_free(&got);
  cli_set_free(&exp);
}

/* Is criterion ci (a criterion of pol) judged per item of a `for each`? */
static int per_item(const pol_Program *p, const pol_Policy *pol, uint32_t ci)
{
  while (p->crit[ci].parent != POL_NOSTR) ci = p->crit[ci].parent;
  for (uint32_t b = pol->branch0; b < pol->branch0 + pol->nbranches; b++)
    for (uint32_t k = 0; k < p->branches[b].necrit; k++)
      if (p->branch_crit[p->branches[b].ecrit0 + k] == ci) return 1;
  return 0;
}

/* Criterion statuses from res (a line's or an item's results). */
static void expect_criteria(Run *r, const char *where, const pol_LineResult *lr,
                            const pol_CritResult *res, int item, const json_t *e)
{
  const json_t *cs = json_object_get(e, "criteria");
  if (!cs) return;
  const pol_Program *p = r->L.p;
  const char *id;
  const json_t *v;
  json_object_foreach((json_t *)cs, id, v) {
    const char *want = json_string_value(v);
    if (lr->policy == POL_NOSTR) {
      differ(r, "%s%s: no policy judged the line", where, id);
      continue;
    }
    const pol_Policy *pol = &p->pol[lr->policy];
    uint32_t j = 0;
    while (j < pol->ncrit && strcmp(p->str[p->crit[pol->crit0 + j].id], id) != 0) j++;
    if (j == pol->ncrit) {
      differ(r, "%sno criterion %s in policy %s", where, id, p->str[pol->id]);
      continue;
    }
    if (per_item(p, pol, pol->crit0 + j) != item) {
      differ(r, item ? "%s%s is not judged per item: expect it at the line"
                     : "%s%s is judged per item: expect it under \"items\"", where, id);
      continue;
    }
    const char *got = pol_status_name((pol_Status)res[j].status);
    if (strcmp(got, want) != 0) differ(r, "%s%s %s, expected %s", where, id, got, want);
  }
}

/* The text of an item as `items` name it: a string as is, else its JSON. */
static int item_is(const json_t *item, const char *name)
{
  if (json_is_string(item)) return strcmp(json_string_value(item), name) == 0;
  char *s = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
  int same = s && strcmp(s, name) == 0;
  free(s);
  return same;
}

static void expect_items(Run *r, int number, const json_t *view, const pol_LineResult *lr, const json_t *e)
{
  const json_t *want = json_object_get(e, "items");
  if (!want) return;
  const json_t *got = json_object_get(view, "items");
  if (!json_is_array(got)) {
    differ(r, "line %d: %s", number, got ? "its list of items is unknown" : "is not judged per item");
    return;
  }
  size_t i;
  const json_t *w;
  json_array_foreach(want, i, w) {
    const json_t *name = json_object_get(w, "item");
    size_t k = json_array_size(got);
    if (name) {
      for (k = 0; k < json_array_size(got); k++)
        if (item_is(json_object_get(json_array_get(got, k), "item"), json_string_value(name))) break;
    } else if ((size_t)json_integer_value(json_object_get(w, "index")) < json_array_size(got)) {
      k = (size_t)json_integer_value(json_object_get(w, "index"));
    }
    char where[256];
    if (name) snprintf(where, sizeof where, "line %d item %s: ", number, json_string_value(name));
    else snprintf(where, sizeof where, "line %d item #%lld: ", number,
                  (long long)json_integer_value(json_object_get(w, "index")));
    if (k >= json_array_size(got) || k >= lr->nitems) {
      differ(r, "%sno such item (the line has %zu)", where, json_array_size(got));
      continue;
    }
    const json_t *iv = json_array_get(got, k);
    expect_det(r, where, iv, w);
    expect_criteria(r, where, lr, lr->items[k].crit, 1, w);
    expect_reasons(r, where, iv, w);
  }
}

static void expect_assessments(Run *r, int number, const json_t *view, const json_t *e)
{
  const json_t *want = json_object_get(e, "assessments");
  const json_t *got = json_object_get(view, "assessments");
  const char *aspect;
  const json_t *w;
  json_object_foreach((json_t *)want, aspect, w) {
    char where[256];
    snprintf(where, sizeof where, "line %d %s: ", number, aspect);
    const json_t *av = NULL;
    for (size_t k = 0; k < json_array_size(got) && !av; k++) {
      const json_t *a = json_array_get(got, k);
      if (strcmp(json_string_value(json_object_get(a, "aspect")), aspect) == 0) av = a;
    }
    if (!av) {
      differ(r, "%snot assessed", where);
      continue;
    }
    expect_det(r, where, av, w);
    expect_reasons(r, where, av, w);
  }
}

/* "authorization": null (the line has none), or {"modified", "requested",
   "authorized"}: each field given must have that value in the trace's
   `authorization` object (fields not given are not checked). */
static void expect_authorization(Run *r, const char *where, const json_t *view, const json_t *e)
{
  const json_t *want = json_object_get(e, "authorization");
  if (!want) return;
  const json_t *got = json_object_get(view, "authorization");
  if (json_is_null(want)) {
    if (got) differ(r, "%san authorization, expected none", where);
    return;
  }
  if (!got) {
    differ(r, "%sno authorization, expected one", where);
    return;
  }
  const json_t *m = json_object_get(want, "modified");
  if (m && !json_equal(m, json_object_get(got, "modified")))
    differ(r, "%sauthorization modified %s, expected %s", where,
           json_is_true(json_object_get(got, "modified")) ? "true" : "false", json_is_true(m) ? "true" : "false");
  static const char *const parts[] = {"requested", "authorized"};
  for (int k = 0; k < 2; k++) {
    const char *f;
    const json_t *w;
    json_object_foreach((json_t *)json_object_get(want, parts[k]), f, w) {
      const json_t *g = json_object_get(json_object_get(got, parts[k]), f);
      if (g && json_equal(g, w)) continue;
      char *gs = g ? json_dumps(g, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
      char *ws = json_dumps(w, JSON_COMPACT | JSON_ENCODE_ANY);
      differ(r, "%s%s %s %s, expected %s", where, parts[k], f, gs ? gs : "(none)", ws ? ws : "?");
      free(gs);
      free(ws);
    }
  }
}

static void expect_line(Run *r, const json_t *trace, const pol_LineResult *lines, const json_t *e)
{
  const pol_Case *c = r->L.c;
  uint32_t nl = pol_case_nlines(c), i = 0;
  const json_t *line = json_object_get(e, "line");
  if (line) {
    while (i < nl && pol_case_line(c, i)->number != json_integer_value(line)) i++;
    if (i == nl) {
      differ(r, "the case has no line %lld", (long long)json_integer_value(line));
      return;
    }
  } else if (nl != 1) {
    differ(r, "the case has %u lines: say which with \"line\"", nl);
    return;
  }
  int number = pol_case_line(c, i)->number;
  const json_t *view = json_array_get(json_object_get(trace, "determinations"), i);
  char where[64];
  snprintf(where, sizeof where, "line %d: ", number);
  expect_det(r, where, view, e);
  expect_criteria(r, where, &lines[i], lines[i].crit, 0, e);
  expect_reasons(r, where, view, e);
  expect_items(r, number, view, &lines[i], e);
  expect_assessments(r, number, view, e);
  expect_authorization(r, where, view, e);
}

/* The case of test t: read (relative to dir) or copied, then patched.
   A new reference, or NULL with a reason in err. */
static json_t *test_case(const json_t *t, const char *dir, char *err, size_t n)
{
  const json_t *c = json_object_get(t, "case");
  json_t *root;
  if (json_is_string(c)) {
    const char *f = json_string_value(c);
    char path[4096];
    int len = f[0] == '/' || !*dir ? snprintf(path, sizeof path, "%s", f)
                                   : snprintf(path, sizeof path, "%s/%s", dir, f);
    if (len < 0 || (size_t)len >= sizeof path) {
      snprintf(err, n, "%s: path too long", f);
      return NULL;
    }
    root = cli_read_case(path, NULL, err, n);   /* as trace reads it: size and nesting limits */
    if (!root) return NULL;
  } else {
    root = json_deep_copy(c);
  }
  const json_t *patch = json_object_get(t, "patch");
  if (patch) root = merge_patch(root, patch);
  /* an inline case may leave its id to the test's name */
  if (json_is_object(root) && !json_object_get(root, "case_id"))
    json_object_set(root, "case_id", json_object_get(t, "name"));
  return root;
}

static void run_test(Run *r, const char *file, const char *dir, const json_t *t)
{
  const char *name = json_string_value(json_object_get(t, "name"));
  char err[1024];
  pol_buf_reset(&r->msg);
  json_t *root = test_case(t, dir, err, sizeof err);
  json_t *trace = NULL;
  const pol_LineResult *lines = NULL;
  if (root) {
    char where[1024];
    snprintf(where, sizeof where, "%s: %s", file, name ? name : "?");
    cli_case_key_warnings(r->L.p, root, where, NULL, 0);
  }
  if (!root) {
    differ(r, "case: %s", err);
  } else if (cli_judge(&r->L, root, &trace, &lines, err, sizeof err) != 0) {
    differ(r, "case: %s", err);
  } else {
    cover(r, lines, pol_case_nlines(r->L.c));
    const json_t *ex = json_object_get(t, "expect");
    if (json_is_object(ex)) expect_line(r, trace, lines, ex);
    size_t i;
    const json_t *e;
    json_array_foreach(ex, i, e) expect_line(r, trace, lines, e);
  }
  if (r->msg.n) {
    /* the name and what differed hold the test file's and the case's text */
    pol_Buf line = {0};
    pol_buf_text_str(&line, name);
    pol_buf_puts(&line, ": ");
    pol_buf_text_str(&line, r->msg.s);
    printf("FAIL %s: %s\n", file, line.s);
    pol_buf_free(&line);
    r->failed++;
  } else {
    r->passed++;
  }
  json_decref(trace);
  json_decref(root);
}

/* 0, or EXIT_CASE if the file cannot be read or is malformed. */
static int run_file(Run *r, const char *file)
{
  char err[1024];
  json_t *root = cli_read_json(file, err, sizeof err);
  if (!root) {
    fprintf(stderr, "polvm test: %s\n", err);
    return EXIT_CASE;
  }
  char why[1024];
  if (check_file(root, why, sizeof why) != 0) {
    fprintf(stderr, "polvm test: %s: %s\n", file, why);
    json_decref(root);
    return EXIT_CASE;
  }
  const pol_Program *p = r->L.p;
  const char *pol = json_string_value(json_object_get(root, "policy"));
  if (pol) {
    int found = 0;
    for (uint32_t i = 0; i < p->npol; i++)
      if (strcmp(p->str[p->pol[i].id], pol) == 0) r->cov[i].shown = found = 1;
    if (!found) {
      printf("FAIL %s: policy %s is not in the bundle\n", file, pol);
      r->failed++;
    }
  }
  size_t k;
  const json_t *u;
  json_array_foreach(json_object_get(root, "unreachable"), k, u) {
    const char *id = json_string_value(json_object_get(u, "criterion"));
    int st = strcmp(json_string_value(json_object_get(u, "status")), "met") == 0 ? PS_MET : PS_NOT_MET;
    int found = 0;
    for (uint32_t i = 0; i < p->npol; i++) {
      const pol_Policy *pl = &p->pol[i];
      if (strcmp(p->str[pl->id], pol) != 0) continue;
      for (uint32_t j = 0; j < pl->ncrit; j++)
        if (strcmp(p->str[p->crit[pl->crit0 + j].id], id) == 0) {
          Cov *c = &r->cov[i];
          c->unreach[j] = (uint8_t)(st + 1);
          free(c->why[j]);
          c->why[j] = strdup(json_string_value(json_object_get(u, "why")));
          c->file[j] = file;
          found = 1;
        }
    }
    if (!found) {
      printf("FAIL %s: unreachable: no criterion %s in policy %s\n", file, id, pol);
      r->failed++;
    }
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", file);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else dir[0] = '\0';
  const json_t *tests = tests_of(root);
  size_t i;
  const json_t *t;
  json_array_foreach(tests, i, t) run_test(r, file, dir, t);
  json_decref(root);
  return 0;
}

/* A declared-unreachable outcome that a test reached is a failure: the
   declaration is wrong, or the policy changed and it must go. */
static void unreachable_reached(Run *r)
{
  const pol_Program *p = r->L.p;
  for (uint32_t i = 0; i < p->npol; i++)
    for (uint32_t j = 0; j < p->pol[i].ncrit; j++) {
      const Cov *c = &r->cov[i];
      if (!c->unreach[j] || !c->n[j][c->unreach[j] - 1]) continue;
      printf("FAIL %s: %s was judged %s %u time%s, which the file declares unreachable\n", c->file[j],
             p->str[p->crit[p->pol[i].crit0 + j].id], pol_status_name((pol_Status)(c->unreach[j] - 1)),
             c->n[j][c->unreach[j] - 1], c->n[j][c->unreach[j] - 1] == 1 ? "" : "s");
      r->failed++;
    }
}

/* Adds the *.test.json files under dir (recursively) to set.  0, or -1
   with "polvm test: PATH: cannot read the directory: ..." on stderr. */
static int find_tests(const char *dir, cli_Set *set)
{
  static const char suffix[] = ".test.json";
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "polvm test: %s: cannot read the directory: %s\n", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t n = strlen(dir);
    char *path = malloc(n + strlen(e->d_name) + 2);
    if (!path) { fputs("polvm: out of memory\n", stderr); abort(); }
    sprintf(path, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (find_tests(path, set) != 0) rc = -1;
    } else {
      size_t len = strlen(e->d_name);
      if (len > sizeof suffix - 1 && strcmp(e->d_name + len - (sizeof suffix - 1), suffix) == 0)
        cli_set_add(set, path);
    }
    free(path);
  }
  closedir(d);
  return rc;
}

/* The test files of the operands, in order, each directory replaced by
   its *.test.json files (sorted), into *out (owned strings, owned
   array, *n of them).  0, or -1 after naming a directory that cannot be
   read or holds no test file (the others are still listed). */
static int test_files(char **operands, int noperands, char ***out, size_t *n)
{
  int rc = 0;
  size_t cap = (size_t)noperands + 1;
  char **list = malloc(cap * sizeof *list);
  if (!list) { fputs("polvm: out of memory\n", stderr); abort(); }
  *n = 0;
  for (int i = 0; i < noperands; i++) {
    struct stat st;
    if (strcmp(operands[i], "-") == 0 || stat(operands[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
      if (*n == cap) {
        cap *= 2;
        list = realloc(list, cap * sizeof *list);
        if (!list) { fputs("polvm: out of memory\n", stderr); abort(); }
      }
      list[(*n)++] = strdup(operands[i]);   /* run_file reports what cannot be read */
      if (!list[*n - 1]) { fputs("polvm: out of memory\n", stderr); abort(); }
      continue;
    }
    cli_Set found = {0};
    if (find_tests(operands[i], &found) != 0) rc = -1;
    else if (found.n == 0) {
      fprintf(stderr, "polvm test: %s: no *.test.json file in this directory\n", operands[i]);
      rc = -1;
    }
    if (*n + found.n > cap) {
      cap = *n + found.n + cap;
      list = realloc(list, cap * sizeof *list);
      if (!list) { fputs("polvm: out of memory\n", stderr); abort(); }
    }
    for (size_t j = 0; j < found.n; j++) list[(*n)++] = found.s[j];   /* moved */
    free(found.s);
  }
  *out = list;
  return rc;
}

static void free_files(char **files, size_t n)
{
  for (size_t i = 0; i < n; i++) free(files[i]);
  free(files);
}

static void test_usage(FILE *f)
{
  fputs("usage: polvm test [--bundle B] [--coverage] [--coverage-json FILE] [--threshold P] TEST.json|DIR...\n"
        "  DIR: every *.test.json file under it, sorted\n"
        "  --bundle B           the bundle (default: the default bundle, docs/cli.md)\n"
        "  --coverage           print the criteria coverage table\n"
        "  --coverage-json F    write the coverage as JSON to F\n"
        "  --threshold P        fail when a policy's coverage is below P percent\n", f);
}

enum { OPT_BUNDLE = CLI_OPT_LONG, OPT_COVERAGE, OPT_COVERAGE_JSON, OPT_THRESHOLD };

static const struct option test_options[] = {
  {"bundle", required_argument, NULL, OPT_BUNDLE},
  {"coverage", no_argument, NULL, OPT_COVERAGE},
  {"coverage-json", required_argument, NULL, OPT_COVERAGE_JSON},
  {"threshold", required_argument, NULL, OPT_THRESHOLD},
  CLI_OPTS_COMMON,
  {0}
};

int polvm_test_main(int argc, char **argv)
{
  const char *bundle = NULL, *json_out = NULL;   /* NULL: the default */
  int table = 0, has_threshold = 0, noperands = 0;
  double threshold = 0;
  int opt, usage_rc = -1;
  cli_getopt_reset();
  while (usage_rc < 0 && (opt = cli_getopt("polvm test", argc, argv, ":h", test_options)) != -1) {
    switch (opt) {
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_COVERAGE: table = 1; break;
    case OPT_COVERAGE_JSON: json_out = optarg; break;
    case OPT_THRESHOLD: {
      char *end;
      threshold = strtod(optarg, &end);
      if (*end == '%') end++;
      if (end == optarg || *end || !(threshold >= 0 && threshold <= 100)) {
        fprintf(stderr, "polvm test: --threshold wants a percentage from 0 to 100, not '%s'\n", optarg);
        usage_rc = EXIT_USAGE;
      }
      has_threshold = 1;
      break;
    }
    case 'h': test_usage(stdout); usage_rc = 0; break;
    case CLI_OPT_VERSION: cli_version("polvm"); usage_rc = 0; break;
    default: test_usage(stderr); usage_rc = EXIT_USAGE; break;
    }
  }
  noperands = argc - optind;
  if (usage_rc < 0 && noperands == 0) {
    test_usage(stderr);
    usage_rc = EXIT_USAGE;
  }
  if (usage_rc >= 0) return usage_rc;
  char **files = NULL;
  size_t nfiles = 0;
  int unreadable = test_files(argv + optind, noperands, &files, &nfiles) != 0;
  Run r = {0};
  int rc = cli_load_bundle(bundle, &r.L);
  if (rc) {
    cli_unload(&r.L);
    free_files(files, nfiles);
    return rc;
  }
  pol_vm_set_trace(r.L.vm, 1);
  r.cov = calloc(r.L.p->npol ? r.L.p->npol : 1, sizeof *r.cov);
  for (uint32_t i = 0; r.cov && i < r.L.p->npol; i++) {
    size_t nc = r.L.p->pol[i].ncrit ? r.L.p->pol[i].ncrit : 1;
    r.cov[i].n = calloc(nc, sizeof *r.cov[i].n);
    r.cov[i].unreach = calloc(nc, 1);
    r.cov[i].why = calloc(nc, sizeof *r.cov[i].why);
    r.cov[i].file = calloc(nc, sizeof *r.cov[i].file);
    if (!r.cov[i].n || !r.cov[i].unreach || !r.cov[i].why || !r.cov[i].file) {
      fputs("polvm: out of memory\n", stderr);
      abort();
    }
  }
  if (!r.cov) { fputs("polvm: out of memory\n", stderr); abort(); }
  for (size_t f = 0; f < nfiles; f++)
    if (run_file(&r, files[f]) != 0) unreadable = 1;
  unreachable_reached(&r);
  int low = 0;
  if (table) coverage_table(&r);
  if (has_threshold) {
    const pol_Program *p = r.L.p;
    for (uint32_t i = 0; i < p->npol; i++)
      if (r.cov[i].shown && below(&p->pol[i], &r.cov[i], threshold)) {
        if (!low) fputs("\n", stdout);
        printf("Coverage of %s is %.1f%%, below the threshold of %g%%\n", p->str[p->pol[i].id],
               percent(&p->pol[i], &r.cov[i]), threshold);
        low = 1;
      }
  }
  if (table || low) fputs("\n", stdout);
  printf("%u passed, %u failed\n", r.passed, r.failed);
  if (json_out && coverage_json(&r, json_out, has_threshold, threshold) != 0) rc = EXIT_INTERNAL;
  if (fflush(stdout) != 0) rc = EXIT_INTERNAL;
  if (!rc) rc = unreadable ? EXIT_CASE : (r.failed || low) ? EXIT_FAIL : 0;
  for (uint32_t i = 0; i < r.L.p->npol; i++) {
    for (uint32_t j = 0; j < r.L.p->pol[i].ncrit; j++) free(r.cov[i].why[j]);
    free(r.cov[i].n);
    free(r.cov[i].unreach);
    free(r.cov[i].why);
    free(r.cov[i].file);
  }
  free(r.cov);
  pol_buf_free(&r.msg);
  cli_unload(&r.L);
  free_files(files, nfiles);
  return rc;
}
