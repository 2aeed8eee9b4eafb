/*
 * bench_eval.c -- in-process throughput of the VM: evaluation only (trace
 * off, trace on), evaluation plus the JSON trace writers, and the parts of
 * the end-to-end path (JSON parse, case load, the whole in-process
 * pipeline) so that `polvm eval` timings can be explained.
 *
 *   bench_eval [--min-time S] [--rounds R] [--count N] [--prefix P]
 *              [--out FILE] [--only MODE] BUNDLE CASES.ndjson
 *
 * --only runs one measurement (parse, load, off, on, json, compact, pipe)
 * and prints its rate alone: for profilers.
 *
 * Every case of CASES.ndjson (the first N with --count) is parsed once and
 * loaded into its own pol_Case; the parsed documents stay alive for the
 * whole run.  Each measurement runs one warm-up pass over the cases, then
 * whole passes until at least S seconds (default 1) of this thread's CPU
 * time have elapsed; it is repeated in R rounds (default 3, modes
 * interleaved) and the best round counts, which filters out other processes
 * on a shared box.  A table goes to stdout; with --out, "P.key value" lines
 * are appended to FILE for tests/bench/run.sh.
 *
 * Allocation check: run.sh links this program with
 * -Wl,--wrap=malloc,--wrap=realloc,--wrap=calloc, so every malloc, realloc
 * and calloc made by this file and by libpolvm.a goes through the counters
 * below (jansson and libc allocate through their own references and are
 * not counted; neither is reached by pol_vm_eval).  After the warm-up pass
 * the VM and the trace writers must allocate nothing (vm/vm.h); the exit
 * status is 1 if they do.
 *
 * Ownership: everything is owned by main and freed before it returns.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "case.h"
#include "jread.h"
#include "trace.h"
#include "vm.h"

/* ---- allocation counter (the --wrap targets) --------------------------- */

/* The linker's --wrap protocol fixes these reserved names. */
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t k, size_t n);

static uint64_t n_alloc;   /* single-threaded: a plain counter */

void *__wrap_malloc(size_t n) { n_alloc++; return __real_malloc(n); }
void *__wrap_realloc(void *p, size_t n) { n_alloc++; return __real_realloc(p, n); }
void *__wrap_calloc(size_t k, size_t n) { n_alloc++; return __real_calloc(k, n); }

/* ---- the cases ---------------------------------------------------------- */

typedef struct Bench {
  pol_Program *p;
  pol_VM *vm;
  uint32_t n;           /* cases */
  char **text;          /* NDJSON lines (owned) */
  size_t *len;
  json_t **root;        /* parsed documents, kept alive (owned) */
  pol_Case **c;         /* one loaded case per document (owned) */
  size_t bytes;         /* NDJSON bytes of the n cases */
  uint64_t lines;       /* request lines over the n cases */
  double min_time;      /* per measurement */
  pol_Buf buf;          /* reused by the JSON writers */
  uint64_t sink;        /* keeps results observable */
} Bench;

typedef struct Run {
  double secs;          /* thread CPU time */
  double wall;
  uint64_t cases;
  uint64_t allocs;      /* during the timed passes, warm-up excluded */
  uint64_t out_bytes;   /* JSON bytes written during the timed passes */
  uint64_t det[8];      /* determinations of one pass, by pol_Det */
} Run;

/* Rates are per second of this thread's CPU time: on a shared machine
   wall time also counts the time other processes held the core.  The wall
   time is kept to show how much that was. */
static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, const char *why)
{
  fprintf(stderr, "bench_eval: %s: %s\n", what, why);
  exit(2);
}

/* Reads the NDJSON file into b->text / b->len (at most max lines). */
static void read_cases(Bench *b, const char *path, uint32_t max)
{
  FILE *f = fopen(path, "r");
  if (!f) die(path, "cannot open");
  uint32_t cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t n;
  while (b->n < max && (n = getline(&line, &lcap, f)) != -1) {
    if (n <= 1) continue;
    if (b->n == cap) {
      cap = cap ? cap * 2 : 1024;
      b->text = realloc(b->text, cap * sizeof *b->text);
      b->len = realloc(b->len, cap * sizeof *b->len);
      if (!b->text || !b->len) die(path, "out of memory");
    }
    b->text[b->n] = malloc((size_t)n + 1);
    if (!b->text[b->n]) die(path, "out of memory");
    memcpy(b->text[b->n], line, (size_t)n + 1);
    b->len[b->n++] = (size_t)n;
    b->bytes += (size_t)n;
  }
  free(line);
  fclose(f);
  if (b->n == 0) die(path, "no cases");
}

static void load_cases(Bench *b)
{
  b->root = calloc(b->n, sizeof *b->root);
  b->c = calloc(b->n, sizeof *b->c);
  if (!b->root || !b->c) die("cases", "out of memory");
  for (uint32_t i = 0; i < b->n; i++) {
    char err[512];
    json_error_t je;
    b->root[i] = json_loadb(b->text[i], b->len[i], JSON_REJECT_DUPLICATES, &je);
    if (!b->root[i]) die("invalid JSON", je.text);
    b->c[i] = pol_case_new(b->p);
    if (!b->c[i]) die("cases", "out of memory");
    if (pol_case_load(b->c[i], b->root[i], err, sizeof err) != 0) die("case", err);
    b->lines += pol_case_nlines(b->c[i]);
  }
}

/* ---- measurements ------------------------------------------------------- */

enum Mode { M_OFF, M_ON, M_JSON, M_COMPACT };

/* One pass of pol_vm_eval over every pre-loaded case. */
static void eval_pass(Bench *b, enum Mode m, Run *r, int tally)
{
  char err[256];
  for (uint32_t i = 0; i < b->n; i++) {
    const pol_LineResult *lines;
    if (pol_vm_eval(b->vm, b->c[i], &lines, err, sizeof err) != 0) die("eval", err);
    uint32_t nl = pol_case_nlines(b->c[i]);
    for (uint32_t j = 0; j < nl; j++) {
      b->sink += lines[j].det;
      if (tally && (unsigned)lines[j].det < 8) r->det[lines[j].det]++;
    }
    if (m == M_JSON || m == M_COMPACT) {
      pol_buf_reset(&b->buf);
      pol_trace_json(&b->buf, b->vm, b->c[i], lines, NULL,
                     m == M_JSON ? POL_TRACE_PRETTY | POL_TRACE_CRITERIA : POL_TRACE_COMPACT);
      r->out_bytes += b->buf.n;
    }
  }
}

static Run measure_eval(Bench *b, enum Mode m)
{
  Run r = {0};
  pol_vm_set_trace(b->vm, m != M_OFF);
  /* witnesses only where evidence is written (polvm trace), as polvm eval
     (trace on, compact output without evidence) runs */
  pol_vm_set_witnesses(b->vm, m == M_JSON);
  eval_pass(b, m, &r, 1);              /* warm-up: buffers grow here */
  r.out_bytes = 0;
  uint64_t a0 = n_alloc;
  double t0 = now(), w0 = wall();
  do {
    eval_pass(b, m, &r, 0);
    r.cases += b->n;
    r.secs = now() - t0;
  } while (r.secs < b->min_time);
  r.wall = wall() - w0;
  r.allocs = n_alloc - a0;
  return r;
}

/* json_loadb + json_decref over every NDJSON line. */
static Run measure_parse(Bench *b)
{
  Run r = {0};
  double t0 = now(), w0 = wall();
  do {
    for (uint32_t i = 0; i < b->n; i++) {
      json_error_t je;
      json_t *j = json_loadb(b->text[i], b->len[i], JSON_REJECT_DUPLICATES, &je);
      if (!j) die("invalid JSON", je.text);
      b->sink += json_object_size(j);
      json_decref(j);
    }
    r.cases += b->n;
    r.secs = now() - t0;
  } while (r.secs < b->min_time);
  r.wall = wall() - w0;
  return r;
}

/* pol_case_load of the kept documents into one reused case. */
static Run measure_load(Bench *b)
{
  Run r = {0};
  char err[512];
  pol_Case *c = pol_case_new(b->p);
  if (!c) die("case", "out of memory");
  for (uint32_t i = 0; i < b->n; i++)   /* warm-up: the arena grows here */
    if (pol_case_load(c, b->root[i], err, sizeof err) != 0) die("case", err);
  uint64_t a0 = n_alloc;
  double t0 = now(), w0 = wall();
  do {
    for (uint32_t i = 0; i < b->n; i++) {
      if (pol_case_load(c, b->root[i], err, sizeof err) != 0) die("case", err);
      b->sink += pol_case_nlines(c);
    }
    r.cases += b->n;
    r.secs = now() - t0;
  } while (r.secs < b->min_time);
  r.wall = wall() - w0;
  r.allocs = n_alloc - a0;
  pol_case_free(c);
  return r;
}

/* The schema-directed reader (vm/jread.c): each case's text straight into
   one reused case, as `polvm eval` reads it. */
static Run measure_read(Bench *b)
{
  Run r = {0};
  pol_Case *c = pol_case_new(b->p);
  pol_JRead *jr = pol_jread_new(b->p);
  if (!c || !jr) die("case", "out of memory");
  for (uint32_t i = 0; i < b->n; i++)   /* warm-up: the arena and scratch grow here */
    if (pol_jread_load(jr, c, b->text[i], b->len[i]) != 0) die("case", "refused by the reader");
  uint64_t a0 = n_alloc;
  double t0 = now(), w0 = wall();
  do {
    for (uint32_t i = 0; i < b->n; i++) {
      if (pol_jread_load(jr, c, b->text[i], b->len[i]) != 0) die("case", "refused by the reader");
      b->sink += pol_case_nlines(c);
    }
    r.cases += b->n;
    r.secs = now() - t0;
  } while (r.secs < b->min_time);
  r.wall = wall() - w0;
  r.allocs = n_alloc - a0;
  pol_jread_free(jr);
  pol_case_free(c);
  return r;
}

/* What `polvm eval` does per line, minus reading and writing: read the
   text into one reused case (vm/jread.c), judge with trace on, compact JSON. */
static Run measure_pipeline(Bench *b)
{
  Run r = {0};
  char err[512];
  pol_Case *c = pol_case_new(b->p);
  pol_JRead *jr = pol_jread_new(b->p);
  if (!c || !jr) die("case", "out of memory");
  pol_vm_set_trace(b->vm, 1);
  pol_vm_set_witnesses(b->vm, 0);   /* as polvm eval: no evidence written */
  double t0 = now(), w0 = wall();
  do {
    for (uint32_t i = 0; i < b->n; i++) {
      const pol_LineResult *lines;
      if (pol_jread_load(jr, c, b->text[i], b->len[i]) != 0) die("case", "refused by the reader");
      if (pol_vm_eval(b->vm, c, &lines, err, sizeof err) != 0) die("eval", err);
      pol_buf_reset(&b->buf);
      pol_trace_json(&b->buf, b->vm, c, lines, NULL, POL_TRACE_COMPACT);
      r.out_bytes += b->buf.n;
    }
    r.cases += b->n;
    r.secs = now() - t0;
  } while (r.secs < b->min_time);
  r.wall = wall() - w0;
  pol_jread_free(jr);
  pol_case_free(c);
  return r;
}

/* ---- report ------------------------------------------------------------- */

static double cps(const Run *r) { return (double)r->cases / r->secs; }

/* Keeps the faster of *best and r; allocations add up over all rounds.
   *worst (if given) tracks the slowest rate. */
static void keep_best(Run *best, Run r, double *worst)
{
  uint64_t allocs = best->allocs + r.allocs;
  if (worst && (*worst == 0 || cps(&r) < *worst)) *worst = cps(&r);
  if (best->cases == 0 || cps(&r) > cps(best)) *best = r;
  best->allocs = allocs;
}

/* The best round of each measurement. */
typedef struct Results {
  Run parse, load, read, off, on, js, cj, pipe;
  double off_worst, on_worst;   /* slowest rounds, to show the spread */
} Results;

static void row(const char *what, const Run *r, double ref, int allocs)
{
  printf("  %-34s %12.0f cases/s  %9.3f us/case", what, cps(r), 1e6 / cps(r));
  if (ref > 0) printf("  x%5.2f", ref / cps(r));
  else printf("        ");
  if (allocs) printf("  %llu allocs", (unsigned long long)r->allocs);
  printf("\n");
}

static void put(FILE *f, const char *prefix, const char *key, double v)
{
  fprintf(f, "%s.%s %.6g\n", prefix, key, v);
}

static void report(const Bench *b, const Results *x, const char *bundle, const char *cases,
                   int rounds, int counting, int same)
{
  printf("bench_eval: %s: %u policies, %u criteria, %u instructions\n", bundle, b->p->npol,
         b->p->ncrit, b->p->ncode);
  printf("bench_eval: %u cases (%.0f bytes/case, %.2f lines/case) from %s,"
         " best of %d rounds of >= %.1f s\n",
         b->n, (double)b->bytes / b->n, (double)b->lines / b->n, cases, rounds, b->min_time);
  printf("  determinations:");
  for (unsigned d = 0; d < 8; d++)
    if (x->off.det[d])
      printf(" %llu %s", (unsigned long long)x->off.det[d], pol_det_name((pol_Det)d));
  printf(" (trace on: %s)\n", same ? "same" : "DIFFERENT");
  printf("  %-34s %20s  %14s  %6s\n", "", "", "", "/off");
  row("eval, trace off", &x->off, 0, 1);
  row("eval, trace on", &x->on, cps(&x->off), 1);
  row("trace + JSON output (polvm trace)", &x->js, cps(&x->off), 1);
  row("trace + compact JSON (polvm eval)", &x->cj, cps(&x->off), 1);
  row("JSON parse only (jansson)", &x->parse, 0, 0);
  row("case load only (pol_case_load)", &x->load, 0, 1);
  row("parse+load+eval+compact, in-proc", &x->pipe, 0, 0);
  printf("  spread over rounds: trace off %.0f..%.0f, trace on %.0f..%.0f cases/s;"
         " wall/CPU time of the best trace-off round %.2f\n",
         x->off_worst, cps(&x->off), x->on_worst, cps(&x->on), x->off.wall / x->off.secs);
  printf("  JSON trace: %.0f bytes/case; compact: %.0f bytes/case\n",
         (double)x->js.out_bytes / (double)x->js.cases,
         (double)x->cj.out_bytes / (double)x->cj.cases);
  if (!counting) printf("  allocation counter NOT active (link with -Wl,--wrap=malloc,...)\n");
}

static void save(FILE *f, const char *prefix, const Bench *b, const Results *x, int counting,
                 int same)
{
  put(f, prefix, "cases", b->n);
  put(f, prefix, "bytes_per_case", (double)b->bytes / b->n);
  put(f, prefix, "lines_per_case", (double)b->lines / b->n);
  put(f, prefix, "off_cps", cps(&x->off));
  put(f, prefix, "on_cps", cps(&x->on));
  put(f, prefix, "json_cps", cps(&x->js));
  put(f, prefix, "compact_cps", cps(&x->cj));
  put(f, prefix, "parse_cps", cps(&x->parse));
  put(f, prefix, "parse_mbps", cps(&x->parse) * ((double)b->bytes / b->n) / 1e6);
  put(f, prefix, "load_cps", cps(&x->load));
  put(f, prefix, "read_cps", cps(&x->read));
  put(f, prefix, "read_allocs", (double)x->read.allocs);
  put(f, prefix, "pipe_cps", cps(&x->pipe));
  put(f, prefix, "allocs_off", (double)x->off.allocs);
  put(f, prefix, "allocs_on", (double)x->on.allocs);
  put(f, prefix, "allocs_json", (double)x->js.allocs);
  put(f, prefix, "allocs_compact", (double)x->cj.allocs);
  put(f, prefix, "allocs_load", (double)x->load.allocs);
  put(f, prefix, "alloc_counter", counting);
  put(f, prefix, "same_det", same);
  put(f, prefix, "off_worst_cps", x->off_worst);
  put(f, prefix, "on_worst_cps", x->on_worst);
  put(f, prefix, "off_wall_per_cpu", x->off.wall / x->off.secs);
  put(f, prefix, "json_bytes", (double)x->js.out_bytes / (double)x->js.cases);
  put(f, prefix, "compact_bytes", (double)x->cj.out_bytes / (double)x->cj.cases);
}

int main(int argc, char **argv)
{
  Bench b = {0};
  b.min_time = 1.0;
  uint32_t max = UINT32_MAX;
  int rounds = 3;
  const char *prefix = "eval", *outpath = NULL, *bundle = NULL, *cases = NULL, *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) b.min_time = atof(argv[++i]);
    else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) max = (uint32_t)atol(argv[++i]);
    else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc) prefix = argv[++i];
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) outpath = argv[++i];
    else if (!bundle) bundle = argv[i];
    else if (!cases) cases = argv[i];
    else bundle = NULL, i = argc;
  }
  if (!bundle || !cases || b.min_time <= 0 || max == 0 || rounds < 1) {
    fputs("usage: bench_eval [--min-time S] [--rounds R] [--count N] [--prefix P] [--out FILE]\n"
          "                  [--only parse|load|off|on|json|compact|pipe] BUNDLE CASES.ndjson\n",
          stderr);
    return 2;
  }

  char err[512];
  uint8_t *buf;
  size_t len;
  if (pol_read_file(bundle, &buf, &len, err, sizeof err) != 0) die(bundle, err);
  if (pol_bundle_load(buf, len, &b.p, err, sizeof err) != 0) die(bundle, err);
  free(buf);
  b.vm = pol_vm_new(b.p);
  if (!b.vm) die(bundle, "out of memory");
  /* the benchmark's bundles call no native code: none is allowed */
  if (pol_vm_bind_externs(b.vm, NULL, 0, err, sizeof err) != 0) die(bundle, err);

  read_cases(&b, cases, max);
  /* pol_case_new (in libpolvm.a) mallocs: if the counter does not move,
     the program was linked without --wrap and cannot check anything */
  uint64_t a0 = n_alloc;
  load_cases(&b);
  int counting = n_alloc > a0;

  /* Rounds interleave the modes so that a noisy neighbour hurts them
     alike; each keeps its best round. */
  Results x = {0};
  for (int k = 0; k < rounds; k++) {
#define WANT(name) (!only || strcmp(only, name) == 0)
    if (WANT("parse")) keep_best(&x.parse, measure_parse(&b), NULL);
    if (WANT("load")) keep_best(&x.load, measure_load(&b), NULL);
    if (WANT("read")) keep_best(&x.read, measure_read(&b), NULL);
    if (WANT("off")) keep_best(&x.off, measure_eval(&b, M_OFF), &x.off_worst);
    if (WANT("on")) keep_best(&x.on, measure_eval(&b, M_ON), &x.on_worst);
    if (WANT("json")) keep_best(&x.js, measure_eval(&b, M_JSON), NULL);
    if (WANT("compact")) keep_best(&x.cj, measure_eval(&b, M_COMPACT), NULL);
    if (WANT("pipe")) keep_best(&x.pipe, measure_pipeline(&b), NULL);
#undef WANT
  }

  int rc = 0;
  if (only) {   /* a profiling run: its one rate, no table, no checks */
    const Run *all[] = {&x.parse, &x.load, &x.read, &x.off, &x.on, &x.js, &x.cj, &x.pipe}, *r = NULL;
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
      if (all[k]->cases) r = all[k];
    if (r) printf("%s: %.0f cases/s, %llu allocs\n", only, cps(r), (unsigned long long)r->allocs);
    else fprintf(stderr, "bench_eval: unknown --only '%s'\n", only), rc = 2;
  } else {
    int same = memcmp(x.off.det, x.on.det, sizeof x.off.det) == 0;
    report(&b, &x, bundle, cases, rounds, counting, same);
    if (outpath) {
      FILE *f = fopen(outpath, "a");
      if (!f) die(outpath, "cannot open");
      save(f, prefix, &b, &x, counting, same);
      fclose(f);
    }
    if (!counting || x.off.allocs || x.on.allocs || x.js.allocs || x.cj.allocs) {
      fprintf(stderr, "bench_eval: steady-state pol_vm_eval or a trace writer allocated, or could not count\n");
      rc = 1;
    }
    if (!same) {
      fprintf(stderr, "bench_eval: trace on and off gave different determinations\n");
      rc = 1;
    }
  }

  pol_buf_free(&b.buf);
  for (uint32_t i = 0; i < b.n; i++) {
    pol_case_free(b.c[i]);
    json_decref(b.root[i]);
    free(b.text[i]);
  }
  free(b.c);
  free(b.root);
  free(b.text);
  free(b.len);
  pol_vm_free(b.vm);
  pol_program_free(b.p);
  if (b.sink == 42) putchar('\n');     /* never: keeps the sink live */
  return rc;
}
