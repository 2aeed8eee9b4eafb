/*
 * polvm_eval.c -- `polvm eval [--bundle B] [--criteria] [--no-trace] < cases.ndjson`:
 * one compact JSON answer per case line, in order.
 */
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
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

/* The reader's notes on the case of input line line_no (a FHIR Bundle's:
   docs/fhir.md), one line each, "polvm: -:LINE: note: CODE path: message",
   appended to notes. */
static void line_notes(const pol_Case *c, unsigned long line_no, pol_Buf *notes)
{
  for (const char *s = pol_case_notes(c); *s;) {
    const char *e = strchr(s, '\n');
    size_t k = e ? (size_t)(e - s) : strlen(s);
    pol_buf_printf(notes, "polvm: -:%lu: note: %.*s\n", line_no, (int)k, s);
    s += k + (e != NULL);
  }
}

/* The answer to one case line (line_no, text[0..n)) appended to out:
   its compact JSON trace, or {"line_no": N, ["case_id": ID, ]"error": E};
   the reader's notes on it appended to notes. */
static void eval_line(Loaded *L, pol_JRead *jr, unsigned long line_no, const char *text, size_t n,
                      int flags, pol_Buf *out, pol_Buf *notes)
{
  char err[512], why[480];
  pol_CaseError ce;
  json_t *root = NULL;
  const pol_LineResult *lines = NULL;
  const char *id = NULL;
  int st = cli_load_case_text(jr, L->c, text, n, &root, &ce, err, sizeof err);
  if (st != -1) line_notes(L->c, line_no, notes);   /* a FHIR Bundle's notes */
  if (st == -1) {
    if (!ce.line) snprintf(err, sizeof err, "%s %s", ce.code, ce.text);
    else snprintf(err, sizeof err, "%s %s (column %d)", ce.code, ce.text, ce.column);
  } else if (st == -2) {
    id = json_string_value(json_object_get(root, "case_id"));
  } else if (pol_vm_eval(L->vm, L->c, &lines, why, sizeof why) != 0) {
    snprintf(err, sizeof err, "C0201 %s", why);
    id = pol_case_id(L->c);
    st = -3;
  }
  if (st == 0) {
    pol_trace_json(out, L->vm, L->c, lines, NULL, flags);
    pol_buf_puts(out, "\n");
  } else {
    pol_buf_printf(out, "{\"line_no\": %lu, ", line_no);
    if (id) {
      pol_buf_puts(out, "\"case_id\": ");
      pol_buf_json_str(out, id);
      pol_buf_puts(out, ", ");
    }
    pol_buf_puts(out, "\"error\": ");
    pol_buf_json_str(out, err);
    pol_buf_puts(out, "}\n");
  }
  json_decref(root);
}

#define EVAL_OUT_BLOCK 65536
#define EVAL_MAX_THREADS 64

/* ---- eval -j N: N threads, answers in input order ----------------------- */

/* The main thread reads lines into batches of a ring of 4N (below); the
   workers, each with its own VM, case and reader of the one program, take the
   filled batches in input order and answer them into the batch's buffer;
   the main thread writes the answered batches out in input order and
   refills them.  Memory: 4N batches of at most EVAL_BATCH_LINES lines or
   EVAL_BATCH_BYTES bytes of input (a longer line makes a batch alone), and
   their answers: constant, whatever the length of the stream. */
#define EVAL_BATCH_LINES 64
#define EVAL_BATCH_BYTES (256u << 10)
/* Batches per worker.  The oldest batch must be written before its slot
   is refilled, so a worker that lost its CPU for a while (to a neighbour
   process, or to the main thread) holds up the others once they have
   answered every other batch of the ring: with -j 2 and 2 per worker the
   other worker idled after 3 batches (about 3 ms of work), with 4 after 7. */
#define EVAL_RING_PER_THREAD 4u

enum { B_FREE, B_FILLED, B_TAKEN, B_DONE };

typedef struct Batch {
  char *text;                 /* the lines, back to back */
  size_t n, cap;
  size_t ends[EVAL_BATCH_LINES];
  unsigned nlines;
  unsigned long first_no;     /* line number of the first line */
  pol_Buf out;                /* the answers */
  pol_Buf notes;              /* the reader's notes on its lines, in order */
  int state;
} Batch;

typedef struct Pool {
  Loaded *L;
  int flags, trace;
  Batch *ring;
  unsigned nb;                /* EVAL_RING_PER_THREAD * threads */
  unsigned long take;         /* next batch (sequence number) for a worker */
  unsigned long filled;       /* batches filled so far */
  int finished;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
} Pool;

static void *worker(void *arg)
{
  Pool *P = arg;
  Loaded W = {P->L->p, pol_vm_new(P->L->p), pol_case_new(P->L->p)};
  pol_JRead *jr = cli_case_reader(P->L->p);
  int ok = W.vm && W.c;
  if (ok) {
    pol_vm_set_trace(W.vm, P->trace);
    pol_vm_set_witnesses(W.vm, 0);   /* as the main VM */
  }
  pthread_mutex_lock(&P->mu);
  for (;;) {
    while (!P->finished && P->take == P->filled) pthread_cond_wait(&P->work, &P->mu);
    if (P->take == P->filled) break;   /* finished, nothing left */
    Batch *b = &P->ring[P->take++ % P->nb];
    b->state = B_TAKEN;
    pthread_mutex_unlock(&P->mu);
    size_t start = 0;
    for (unsigned i = 0; i < b->nlines; i++) {
      if (ok)
        eval_line(&W, jr, b->first_no + i, b->text + start, b->ends[i] - start, P->flags, &b->out, &b->notes);
      else pol_buf_printf(&b->out, "{\"line_no\": %lu, \"error\": \"C0110 out of memory\"}\n", b->first_no + i);
      start = b->ends[i];
    }
    pthread_mutex_lock(&P->mu);
    b->state = B_DONE;
    pthread_cond_broadcast(&P->done);
  }
  pthread_mutex_unlock(&P->mu);
  pol_jread_free(jr);
  pol_case_free(W.c);
  pol_vm_free(W.vm);
  return NULL;
}

/* Waits for batch seq to be answered, writes it out and frees it. */
static int drain_one(Pool *P, unsigned long seq)
{
  Batch *b = &P->ring[seq % P->nb];
  pthread_mutex_lock(&P->mu);
  while (b->state != B_DONE) pthread_cond_wait(&P->done, &P->mu);
  pthread_mutex_unlock(&P->mu);
  /* the notes of the batch's lines, in input order: never interleaved
     with another batch's (the answers' order) */
  if (b->notes.n) fwrite(b->notes.s, 1, b->notes.n, stderr);
  pol_buf_reset(&b->notes);
  int rc = cli_write_out(&b->out);
  pol_buf_reset(&b->out);
  b->n = 0;
  b->nlines = 0;
  b->state = B_FREE;
  return rc;
}

/* Does a line wait in in's buffer, or could one be read without waiting? */
static int input_ready(const cli_Lines *in)
{
  if (in->eof || (in->hi > in->lo && memchr(in->buf + in->lo, '\n', in->hi - in->lo))) return 1;
  struct pollfd pfd = {in->fd, POLLIN, 0};
  return poll(&pfd, 1, 0) > 0;
}

static int eval_parallel(Loaded *L, int threads, int flags, int trace)
{
  Pool P = {.L = L, .flags = flags, .trace = trace, .nb = EVAL_RING_PER_THREAD * (unsigned)threads};
  pthread_t tid[EVAL_MAX_THREADS];
  int started = 0, rc = 0;
  P.ring = calloc(P.nb, sizeof *P.ring);
  if (!P.ring) { fputs("polvm: out of memory\n", stderr); return EXIT_INTERNAL; }
  pthread_mutex_init(&P.mu, NULL);
  pthread_cond_init(&P.work, NULL);
  pthread_cond_init(&P.done, NULL);
  for (; started < threads; started++)
    if (pthread_create(&tid[started], NULL, worker, &P) != 0) break;
  if (started == 0) {
    fputs("polvm: cannot start a thread\n", stderr);
    rc = EXIT_INTERNAL;
  }
  cli_Lines in;
  cli_lines_init(&in, fileno(stdin), NULL);
  unsigned long line_no = 0, written = 0;
  Batch *cur = NULL;
  char *line;
  size_t n;
  while (!rc && !cli_stopped()) {
    if (cur && cur->nlines && !input_ready(&in)) {
      /* about to wait for input: answer and write everything first */
      pthread_mutex_lock(&P.mu);
      cur->state = B_FILLED;
      P.filled++;
      pthread_cond_signal(&P.work);
      pthread_mutex_unlock(&P.mu);
      cur = NULL;
      while (!rc && written < P.filled) rc = drain_one(&P, written++) ? EXIT_INTERNAL : 0;
      if (rc) break;
    }
    if (cli_next_line(&in, &line, &n) != 0) break;
    line_no++;
    if (!cur) {
      if (P.filled - written == P.nb && drain_one(&P, written++) != 0) { rc = EXIT_INTERNAL; break; }
      cur = &P.ring[P.filled % P.nb];
      cur->first_no = line_no;
    }
    if (cur->n + n > cur->cap) {
      size_t cap = cur->cap ? cur->cap : 4096;
      while (cap < cur->n + n) cap *= 2;
      char *t = realloc(cur->text, cap);
      if (!t) { fputs("polvm: out of memory\n", stderr); rc = EXIT_INTERNAL; break; }
      cur->text = t;
      cur->cap = cap;
    }
    memcpy(cur->text + cur->n, line, n);
    cur->n += n;
    cur->ends[cur->nlines++] = cur->n;
    if (cur->nlines == EVAL_BATCH_LINES || cur->n >= EVAL_BATCH_BYTES) {
      pthread_mutex_lock(&P.mu);
      cur->state = B_FILLED;
      P.filled++;
      pthread_cond_signal(&P.work);
      pthread_mutex_unlock(&P.mu);
      cur = NULL;
    }
  }
  if (cur && cur->nlines) {
    pthread_mutex_lock(&P.mu);
    cur->state = B_FILLED;
    P.filled++;
    pthread_cond_signal(&P.work);
    pthread_mutex_unlock(&P.mu);
  }
  pthread_mutex_lock(&P.mu);
  P.finished = 1;
  pthread_cond_broadcast(&P.work);
  pthread_mutex_unlock(&P.mu);
  if (started)
    while (written < P.filled)
      if (drain_one(&P, written++) != 0 && !rc) rc = EXIT_INTERNAL;
  for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
  if (in.failed) rc = in.failed;
  cli_lines_free(&in);
  for (unsigned i = 0; i < P.nb; i++) {
    free(P.ring[i].text);
    pol_buf_free(&P.ring[i].out);
    pol_buf_free(&P.ring[i].notes);
  }
  free(P.ring);
  pthread_cond_destroy(&P.work);
  pthread_cond_destroy(&P.done);
  pthread_mutex_destroy(&P.mu);
  return rc;
}

static void eval_usage(FILE *f)
{
  fputs("usage: polvm eval [--bundle B] [--criteria] [--no-trace] [-j N] < cases.ndjson\n"
        "  --bundle B      the bundle (default: the default bundle, docs/cli.md)\n"
        "  --criteria      every criterion's status in each answer\n"
        "  --no-trace      determinations only, no reasons (fastest)\n"
        "  -j, --jobs N    judge with N threads (1 to 64; default 1), answers in order\n"
        "  One case per input line; one JSON answer per line, in order.\n", f);
}

enum { OPT_BUNDLE = CLI_OPT_LONG, OPT_CRITERIA, OPT_NO_TRACE };

static const struct option eval_options[] = {
  {"bundle", required_argument, NULL, OPT_BUNDLE},
  {"criteria", no_argument, NULL, OPT_CRITERIA},
  {"no-trace", no_argument, NULL, OPT_NO_TRACE},
  {"jobs", required_argument, NULL, 'j'},
  CLI_OPTS_COMMON,
  {0}
};

int polvm_eval_main(int argc, char **argv)
{
  const char *bundle = NULL;   /* the default */
  int criteria = 0, trace = 1, jobs = 1;
  int opt;
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm eval", argc, argv, ":hj:", eval_options)) != -1) {
    switch (opt) {
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_CRITERIA: criteria = 1; break;
    case OPT_NO_TRACE: trace = 0; break;
    case 'j': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || v < 1 || v > EVAL_MAX_THREADS) {
        fprintf(stderr, "polvm eval: -j wants a number of threads from 1 to %d, not '%s'\n",
                EVAL_MAX_THREADS, optarg);
        return EXIT_USAGE;
      }
      jobs = (int)v;
      break;
    }
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
  int flags = POL_TRACE_COMPACT | (criteria ? POL_TRACE_CRITERIA : 0);
  /* a bundle with externs stays on one thread: native code need not be
     thread-safe (docs/cli.md) */
  if (jobs > 1 && L.p->next == 0) {
    rc = eval_parallel(&L, jobs, flags, trace);
    cli_unload(&L);
    if (!rc && cli_stopped()) rc = cli_stop_code();
    return rc;
  }
  pol_Buf out = {0}, notes = {0};
  cli_Lines in;
  cli_lines_init(&in, fileno(stdin), &out);
  char *line;
  size_t n;
  unsigned long line_no = 0;
  pol_JRead *jr = cli_case_reader(L.p);
  while (!cli_stopped() && cli_next_line(&in, &line, &n) == 0) {
    line_no++;
    eval_line(&L, jr, line_no, line, n, flags, &out, &notes);
    if (notes.n) {
      fwrite(notes.s, 1, notes.n, stderr);
      pol_buf_reset(&notes);
    }
    if (out.n >= EVAL_OUT_BLOCK) {
      if (cli_write_out(&out) != 0) { rc = EXIT_INTERNAL; break; }
      pol_buf_reset(&out);
    }
  }
  pol_jread_free(jr);
  if (in.failed) rc = in.failed;
  else if (!rc && cli_write_out(&out) != 0) rc = EXIT_INTERNAL;
  cli_lines_free(&in);
  pol_buf_free(&out);
  pol_buf_free(&notes);
  cli_unload(&L);
  if (!rc && cli_stopped()) rc = cli_stop_code();   /* an input or output error wins */
  return rc;
}
