/*
 * polvm_metrics.c -- `polvm metrics LOG [--from D] [--to D] [--format
 * text|json]`: the prior-authorization figures CMS-0057-F asks payers to
 * publish, from a decision log of `polvm serve`, per service code (the
 * request line's CPT/HCPCS code) and in total (docs/serve.md, "Metrics":
 * which determination counts as what).
 */
#include <getopt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "declog.h"
#include "opts.h"

static void metrics_usage(FILE *f)
{
  fputs("usage: polvm metrics LOG [--from DATE] [--to DATE] [--format text|json]\n"
        "  LOG          a decision log of polvm serve --log\n"
        "  --from DATE  decisions received on or after DATE (YYYY-MM-DD, UTC, or an\n"
        "               ISO time YYYY-MM-DDTHH:MM:SSZ)\n"
        "  --to DATE    ... and on or before DATE (a day: its whole day)\n"
        "  --format F   text (default) or json\n", f);
}

enum { OPT_FROM = CLI_OPT_LONG, OPT_TO, OPT_FORMAT };
static const struct option metrics_options[] = {
  {"from", required_argument, NULL, OPT_FROM},
  {"to", required_argument, NULL, OPT_TO},
  {"format", required_argument, NULL, OPT_FORMAT},
  CLI_OPTS_COMMON,
  {0}
};

enum { MS_PER_DAY = 86400 * 1000 };

/* DATE or DATETIME (UTC) as milliseconds; end: a bare day means its last
   millisecond.  0, or -1 if s is neither. */
static int parse_time(const char *s, int end, int64_t *ms)
{
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
  size_t len = strlen(s);
  if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
  } else if (len == 20 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && n == 20) {
  } else {
    return -1;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  *ms = (int64_t)timegm(&tm) * 1000;
  if (end) *ms += len == 10 ? MS_PER_DAY - 1 : 999;
  return 0;
}

/* The times to decision (milliseconds) of one priority. */
typedef struct Times {
  int64_t *ms;
  size_t n, cap;
} Times;

/* The figures of one service code, or of all. */
typedef struct Group {
  char code[64];
  unsigned long requests, approved, denied, pending, appealed_approved, extended, extended_approved;
  Times standard, expedited;
} Group;

static void times_add(Times *t, int64_t ms)
{
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    int64_t *a = realloc(t->ms, t->cap * sizeof *a);
    if (!a) { fputs("polvm: out of memory\n", stderr); abort(); }
    t->ms = a;
  }
  t->ms[t->n++] = ms;
}

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* average and median in seconds (0 if none) */
static void times_stats(Times *t, double *avg, double *median)
{
  *avg = *median = 0;
  if (!t->n) return;
  qsort(t->ms, t->n, sizeof *t->ms, cmp_i64);
  double sum = 0;
  for (size_t i = 0; i < t->n; i++) sum += (double)t->ms[i];
  *avg = sum / (double)t->n / 1000.0;
  *median = (t->n % 2 ? (double)t->ms[t->n / 2] : ((double)t->ms[t->n / 2 - 1] + (double)t->ms[t->n / 2]) / 2.0)
            / 1000.0;
}

static double pct(unsigned long a, unsigned long b)
{
  return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* Which side of the figures a line's determination is on. */
static int is_approved(const char *d) { return strcmp(d, "approve") == 0 || strcmp(d, "partial") == 0; }
static int is_denied(const char *d) { return strcmp(d, "deny") == 0 || strcmp(d, "loi") == 0; }

static void add_line(Group *g, const char *det, const char *priority, int64_t ms, const char *appeal, int extended)
{
  g->requests++;
  if (is_approved(det)) g->approved++;
  else if (is_denied(det)) {
    g->denied++;
    if (appeal && is_approved(appeal)) g->appealed_approved++;
  } else {
    g->pending++;
  }
  if (extended) {
    g->extended++;
    if (is_approved(det) || (appeal && is_approved(appeal))) g->extended_approved++;
  }
  times_add(strcmp(priority, "expedited") == 0 ? &g->expedited : &g->standard, ms);
}

static json_t *group_json(Group *g)
{
  double sa, sm, ea, em;
  times_stats(&g->standard, &sa, &sm);
  times_stats(&g->expedited, &ea, &em);
  return json_pack("{s:s, s:I, s:I, s:f, s:I, s:f, s:I, s:I, s:f, s:I, s:I,"
                   " s:{s:I, s:f, s:f}, s:{s:I, s:f, s:f}}",
                   "service", g->code, "requests", (json_int_t)g->requests,
                   "approved", (json_int_t)g->approved, "approved_pct", pct(g->approved, g->requests),
                   "denied", (json_int_t)g->denied, "denied_pct", pct(g->denied, g->requests),
                   "pending", (json_int_t)g->pending,
                   "approved_after_appeal", (json_int_t)g->appealed_approved,
                   "approved_after_appeal_pct", pct(g->appealed_approved, g->denied),
                   "extended", (json_int_t)g->extended, "extended_approved", (json_int_t)g->extended_approved,
                   "standard", "decisions", (json_int_t)g->standard.n, "average_seconds", sa, "median_seconds", sm,
                   "expedited", "decisions", (json_int_t)g->expedited.n, "average_seconds", ea,
                   "median_seconds", em);
}

static void group_text(Group *g)
{
  double sa, sm, ea, em;
  times_stats(&g->standard, &sa, &sm);
  times_stats(&g->expedited, &ea, &em);
  printf("%s: %lu requests: approved %lu (%.1f%%), denied %lu (%.1f%%), pending %lu; "
         "approved after appeal %lu (%.1f%% of denied); extended timeframe %lu (approved %lu)\n",
         g->code, g->requests, g->approved, pct(g->approved, g->requests), g->denied, pct(g->denied, g->requests),
         g->pending, g->appealed_approved, pct(g->appealed_approved, g->denied), g->extended, g->extended_approved);
  printf("  time to decision: standard %zu, average %.3f s, median %.3f s; expedited %zu, average %.3f s, "
         "median %.3f s\n", g->standard.n, sa, sm, g->expedited.n, ea, em);
}

int polvm_metrics_main(int argc, char **argv)
{
  const char *from_s = NULL, *to_s = NULL, *format = "text";
  int64_t from = INT64_MIN, to = INT64_MAX;
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm metrics", argc, argv, ":h", metrics_options)) != -1) {
    switch (opt) {
    case OPT_FROM: from_s = optarg; break;
    case OPT_TO: to_s = optarg; break;
    case OPT_FORMAT: format = optarg; break;
    case 'h': metrics_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: metrics_usage(stderr); return EXIT_USAGE;
    }
  }
  int json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "text") != 0) {
    fprintf(stderr, "polvm metrics: unknown format '%s' (text or json)\n", format);
    return EXIT_USAGE;
  }
  if ((from_s && parse_time(from_s, 0, &from) != 0) || (to_s && parse_time(to_s, 1, &to) != 0)) {
    fprintf(stderr, "polvm metrics: --from and --to take YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n");
    return EXIT_USAGE;
  }
  if (argc - optind != 1) {
    metrics_usage(stderr);
    return EXIT_USAGE;
  }
  char err[1024];
  dl_Log *log = dl_open(argv[optind], 1, err, sizeof err);
  if (!log) {
    fprintf(stderr, "polvm metrics: %s\n", err);
    return EXIT_INTERNAL;
  }
  sqlite3 *db = dl_db(log);
  sqlite3_stmt *st;
  /* the latest appeal outcome of each decision, whether its timeframe was extended */
  if (sqlite3_prepare_v2(db,
                         "SELECT coalesce(l.cpt, '(none)'), l.determination, d.priority,"
                         " d.decided_ms - d.received_ms,"
                         " (SELECT outcome FROM events e WHERE e.decision_id = d.id AND e.kind = 'appeal'"
                         "  ORDER BY e.at_ms DESC, e.rowid DESC LIMIT 1),"
                         " EXISTS(SELECT 1 FROM events e WHERE e.decision_id = d.id AND e.kind = 'extension'),"
                         " d.id"
                         " FROM lines l JOIN decisions d ON d.id = l.decision_id"
                         " WHERE d.received_ms >= ? AND d.received_ms <= ? AND l.determination != 'no_policy'"
                         " ORDER BY 1, d.id", -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "polvm metrics: %s: %s\n", argv[optind], sqlite3_errmsg(db));
    dl_close(log);
    return EXIT_INTERNAL;
  }
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  Group total = {.code = "total"};
  Group *groups = NULL;
  size_t ngroups = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *code = (const char *)sqlite3_column_text(st, 0);
    const char *det = (const char *)sqlite3_column_text(st, 1);
    const char *priority = (const char *)sqlite3_column_text(st, 2);
    int64_t ms = sqlite3_column_int64(st, 3);
    const char *appeal = (const char *)sqlite3_column_text(st, 4);
    int extended = sqlite3_column_int(st, 5);
    const char *id = (const char *)sqlite3_column_text(st, 6);
    if (!code || !det || !priority || !id) continue;
    if (!ngroups || strcmp(groups[ngroups - 1].code, code) != 0) {
      Group *a = realloc(groups, (ngroups + 1) * sizeof *a);
      if (!a) { fputs("polvm: out of memory\n", stderr); abort(); }
      groups = a;
      memset(&groups[ngroups], 0, sizeof *groups);
      snprintf(groups[ngroups].code, sizeof groups[ngroups].code, "%s", code);
      ngroups++;
    }
    add_line(&groups[ngroups - 1], det, priority, ms, appeal, extended);
    add_line(&total, det, priority, ms, appeal, extended);
  }
  int rc = 0;
  if (step != SQLITE_DONE) {
    fprintf(stderr, "polvm metrics: %s: %s\n", argv[optind], sqlite3_errmsg(db));
    rc = EXIT_INTERNAL;
  } else if (json) {
    json_t *svc = json_array();
    for (size_t i = 0; i < ngroups; i++) json_array_append_new(svc, group_json(&groups[i]));
    json_t *v = json_pack("{s:s?, s:s?, s:o, s:o}", "from", from_s, "to", to_s, "total", group_json(&total),
                          "services", svc);
    char *text = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
    if (text) printf("%s\n", text);
    else rc = EXIT_INTERNAL;
    free(text);
    json_decref(v);
  } else {
    printf("decisions received from %s to %s; request lines by service code\n", from_s ? from_s : "the start",
           to_s ? to_s : "the end");
    for (size_t i = 0; i < ngroups; i++) group_text(&groups[i]);
    group_text(&total);
  }
  sqlite3_finalize(st);
  for (size_t i = 0; i < ngroups; i++) {
    free(groups[i].standard.ms);
    free(groups[i].expedited.ms);
  }
  free(groups);
  free(total.standard.ms);
  free(total.expedited.ms);
  dl_close(log);
  return rc;
}
