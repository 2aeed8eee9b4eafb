/*
 * serve.c -- the request handler of `polvm serve` (serve.h): routing,
 * bearer tokens, judging a case on the current bundle generation, the
 * decision log, hot reload and the Prometheus counters.  No HTTP here:
 * polvm_serve.c is the transport.  Endpoints and error codes:
 * docs/serve.md, docs/errors.md ("HTTP: H codes").
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "case.h"
#include "cds.h"
#include "cli.h"
#include "declog.h"
#include "fhir_in.h"
#include "fhir_out.h"
#include "output.h"
#include "polvm.h"
#include "serve.h"
#include "trace.h"
#include "vm.h"

/* ---- generations: one loaded bundle revision ----------------------------- */

/* A VM and a case holder of one generation, used by one request at a time. */
typedef struct Worker {
  pol_VM *vm;              /* owned */
  pol_Case *c;             /* owned */
  struct Worker *next;
} Worker;

typedef struct Gen {
  pol_Program *p;          /* owned */
  char sha[65];
  char loaded[32];         /* ISO time */
  int refs;                /* under srv_Server.mu: the server's (while current)
                              and one per request using it */
  Worker *idle;            /* under srv_Server.mu */
} Gen;

/* The endpoints, for routing and the metrics' labels. */
#define ENDPOINTS(X) \
  X(DECIDE, "decide") X(SUBMIT, "submit") X(HEALTH, "health") X(STATUS, "status") X(METRICS, "metrics") \
  X(RELOAD, "reload") X(APPEAL, "appeal") X(EXTENSION, "extension") X(CDS_SERVICES, "cds-services") \
  X(CDS_HOOK, "cds-hook") X(QUESTIONNAIRE, "questionnaire") X(OTHER, "other")
typedef enum {
#define X(N, s) EP_##N,
  ENDPOINTS(X)
#undef X
  EP__COUNT
} Endpoint;
static const char *const endpoint_name[] = {
#define X(N, s) s,
  ENDPOINTS(X)
#undef X
};

/* latency histogram bounds, seconds */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
enum { NBUCKETS = sizeof buckets / sizeof buckets[0], NSTATUS = 600, NDET = PD_REFER + 1 };

struct srv_Server {
  srv_Config cfg;
  pthread_mutex_t mu;            /* cur, every Gen's refs and idle, the counters */
  pthread_mutex_t reload_mu;     /* one reload at a time */
  Gen *cur;
  dl_Log *log;                   /* or NULL */
  char started[32];
  char listen[128];
  /* counters (under mu) */
  uint64_t requests[EP__COUNT][NSTATUS];
  uint64_t hist[EP__COUNT][NBUCKETS + 1];
  double hist_sum[EP__COUNT];
  uint64_t dets[NDET];
  uint64_t reloads_ok, reloads_refused;
};

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void worker_free(Worker *w)
{
  pol_case_free(w->c);
  pol_vm_free(w->vm);
  free(w);
}

static void gen_free(Gen *g)
{
  if (!g) return;
  for (Worker *w = g->idle, *next; w; w = next) {
    next = w->next;
    worker_free(w);
  }
  pol_program_free(g->p);
  free(g);
}

/* Drops one reference to g (under s->mu); the last one frees it. */
static void gen_release(srv_Server *s, Gen *g, Worker *w)
{
  pthread_mutex_lock(&s->mu);
  if (w) {
    w->next = g->idle;
    g->idle = w;
  }
  int last = --g->refs == 0;
  pthread_mutex_unlock(&s->mu);
  if (last) gen_free(g);
}

/* The current generation with one more reference, and an idle worker of it
   (a new one if none is idle).  NULL *w with the reason in err if a worker
   cannot be made (out of memory, externs that do not bind). */
static Gen *gen_acquire(srv_Server *s, Worker **w, char *err, size_t errlen)
{
  pthread_mutex_lock(&s->mu);
  Gen *g = s->cur;
  g->refs++;
  *w = g->idle;
  if (*w) g->idle = (*w)->next;
  pthread_mutex_unlock(&s->mu);
  if (*w) return g;
  Worker *nw = calloc(1, sizeof *nw);
  if (nw) {
    nw->vm = pol_vm_new(g->p);
    nw->c = pol_case_new(g->p);
  }
  if (!nw || !nw->vm || !nw->c) {
    snprintf(err, errlen, "out of memory");
    if (nw) worker_free(nw);
    return g;
  }
  if (cli_bind_externs(g->p, nw->vm, err, errlen) != 0) {
    worker_free(nw);
    return g;
  }
  pol_vm_set_trace(nw->vm, 1);
  *w = nw;
  return g;
}

/* Writes the bundle's bytes to STORE/SHA.polb (once; atomically) and
   records the revision in the log. */
static int store_bundle(srv_Server *s, const Gen *g, const uint8_t *bytes, size_t len, char *err,
                        size_t errlen)
{
  char path[4096] = "";
  if (s->cfg.store) {
    snprintf(path, sizeof path, "%s/%s.polb", s->cfg.store, g->sha);
    struct stat st;
    if (stat(path, &st) != 0) {
      char tmp[4200];
      snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
      FILE *f = fopen(tmp, "wb");
      int ok = f && fwrite(bytes, 1, len, f) == len;
      if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0)) ok = 0;
      if (f && fclose(f) != 0) ok = 0;
      if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot store the bundle: %s", path, strerror(errno));
        remove(tmp);
        return -1;
      }
    }
  }
  if (s->log && dl_put_bundle(s->log, g->sha, g->p->str[g->p->built], path[0] ? path : NULL, now_ms(),
                              err, errlen) != 0)
    return -1;
  return 0;
}

/* A new generation of the bundle file, checked as far as a request would
   use it (a VM bound), stored.  NULL with the reason in err. */
static Gen *gen_load(srv_Server *s, char *err, size_t errlen)
{
  pol_Program *p;
  uint8_t *bytes;
  size_t len;
  if (cli_bundle_read(s->cfg.bundle, &p, &bytes, &len, err, errlen) != 0) return NULL;
  Gen *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(err, errlen, "out of memory");
    pol_program_free(p);
    free(bytes);
    return NULL;
  }
  g->p = p;
  g->refs = 1;
  pol_sha_hex(p->sha256, g->sha);
  dl_iso_time(now_ms(), g->loaded);
  /* one worker now: a bundle whose externs do not bind is refused here,
     not at its first request */
  Worker *w = calloc(1, sizeof *w);
  char why[512] = "out of memory";
  if (!w || !(w->vm = pol_vm_new(p)) || !(w->c = pol_case_new(p))
      || cli_bind_externs(p, w->vm, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: %s", s->cfg.bundle, why);
    if (w) worker_free(w);
    free(bytes);
    gen_free(g);
    return NULL;
  }
  pol_vm_set_trace(w->vm, 1);
  g->idle = w;
  int rc = store_bundle(s, g, bytes, len, err, errlen);
  free(bytes);
  if (rc != 0) {
    gen_free(g);
    return NULL;
  }
  return g;
}

srv_Server *srv_new(const srv_Config *cfg, char *err, size_t errlen)
{
  srv_Server *s = calloc(1, sizeof *s);
  if (!s) { snprintf(err, errlen, "out of memory"); return NULL; }
  s->cfg = *cfg;
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->reload_mu, NULL);
  dl_iso_time(now_ms(), s->started);
  if (cfg->store && mkdir(cfg->store, 0700) != 0 && errno != EEXIST) {
    snprintf(err, errlen, "%s: cannot make the bundle store: %s", cfg->store, strerror(errno));
    srv_free(s);
    return NULL;
  }
  if (cfg->log && !(s->log = dl_open(cfg->log, 0, err, errlen))) {
    srv_free(s);
    return NULL;
  }
  if (!(s->cur = gen_load(s, err, errlen))) {
    srv_free(s);
    return NULL;
  }
  return s;
}

void srv_free(srv_Server *s)
{
  if (!s) return;
  if (s->cur) gen_release(s, s->cur, NULL);
  dl_close(s->log);
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->reload_mu);
  free(s);
}

void srv_set_listen(srv_Server *s, const char *url)
{
  snprintf(s->listen, sizeof s->listen, "%s", url);
}

int srv_reload(srv_Server *s, char *msg, size_t msglen)
{
  pthread_mutex_lock(&s->reload_mu);
  char err[1024];
  Gen *g = gen_load(s, err, sizeof err);
  int rc = 0;
  if (!g) {
    snprintf(msg, msglen, "reload refused, still serving %s: %s", s->cur->sha, err);
    rc = -1;
  } else {
    pthread_mutex_lock(&s->mu);
    Gen *old = s->cur;
    s->cur = g;
    pthread_mutex_unlock(&s->mu);
    snprintf(msg, msglen, "reloaded %s: bundle %s (was %s)", s->cfg.bundle, g->sha, old->sha);
    gen_release(s, old, NULL);
  }
  pthread_mutex_lock(&s->mu);
  if (rc) s->reloads_refused++;
  else s->reloads_ok++;
  pthread_mutex_unlock(&s->mu);
  pthread_mutex_unlock(&s->reload_mu);
  fprintf(stderr, "polvm serve: %s\n", msg);
  return rc;
}

/* ---- answers ----------------------------------------------------------- */

static void put_json(srv_Response *rs, int status, json_t *v)
{
  rs->status = status;
  rs->content_type = "application/json";
  pol_buf_reset(&rs->body);
  char *text = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
  if (!text) {
    pol_buf_puts(&rs->body, "{\"error\": {\"code\": \"H0013\", \"message\": \"H0013 out of memory\"}}\n");
    rs->status = 500;
  } else {
    pol_buf_puts(&rs->body, text);
    pol_buf_putc(&rs->body, '\n');
  }
  free(text);
  json_decref(v);
}

/* {"error": {"code": CODE, "message": "CODE text", ...}} */
static void put_error(srv_Response *rs, int status, const char *code, const char *path, int line,
                      int column, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void put_error(srv_Response *rs, int status, const char *code, const char *path, int line,
                      int column, const char *fmt, ...)
{
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  char message[1100];
  snprintf(message, sizeof message, "%s %s", code, text);
  json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
  if (e && path) json_object_set_new(e, "path", json_string(path));
  if (e && line) {
    json_object_set_new(e, "line", json_integer(line));
    json_object_set_new(e, "column", json_integer(column));
  }
  put_json(rs, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

/* A case loader's "CODE path: message" as an error answer (422). */
static void put_case_error(srv_Response *rs, const char *err)
{
  char code[8] = "C0110";
  char path[256] = "";
  const char *sp = strchr(err, ' ');
  if (sp && sp - err == 5) {
    memcpy(code, err, 5);
    code[5] = '\0';
    const char *colon = strstr(sp + 1, ": ");
    if (colon && (size_t)(colon - sp - 1) < sizeof path) {
      memcpy(path, sp + 1, (size_t)(colon - sp - 1));
      path[colon - sp - 1] = '\0';
    }
  }
  const char *text = sp && sp - err == 5 ? sp + 1 : err;
  put_error(rs, 422, code, path[0] ? path : NULL, 0, 0, "%s", text);
}

/* ---- POST /v1/decide ---------------------------------------------------- */

/* Replaces the member at path (dotted; "[]" after a name: every item of
   that list) in v: a string by "***", anything else but null by null. */
static void mask_path(json_t *v, const char *path)
{
  if (!json_is_object(v)) return;
  const char *dot = strchr(path, '.');
  size_t n = dot ? (size_t)(dot - path) : strlen(path);
  int each = n >= 2 && path[n - 2] == '[' && path[n - 1] == ']';
  char key[256];
  size_t kn = each ? n - 2 : n;
  if (kn >= sizeof key) return;
  memcpy(key, path, kn);
  key[kn] = '\0';
  json_t *m = json_object_get(v, key);
  if (!m) return;
  if (each) {
    size_t i;
    json_t *item;
    json_array_foreach(m, i, item) if (dot) mask_path(item, dot + 1);
    return;
  }
  if (dot) { mask_path(m, dot + 1); return; }
  if (json_is_string(m)) json_object_set_new(v, key, json_string("***"));
  else if (!json_is_null(m)) json_object_set_new(v, key, json_null());
}

/* The identifying elements of a FHIR request Bundle, dropped from the
   logged copy (docs/serve.md): the Patient's name, identifiers, telecom,
   address, photo and contacts, the Coverage's identifiers and subscriber
   id.  (Patient.birthDate stays: the bindings make the age of it.) */
static void mask_bundle(json_t *bundle)
{
  static const char *const patient[] = {"name", "identifier", "telecom", "address", "photo", "contact"};
  static const char *const coverage[] = {"identifier", "subscriberId"};
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(bundle, "entry"), i, e) {
    json_t *r = json_object_get(e, "resource");
    const char *rt = json_string_value(json_object_get(r, "resourceType"));
    if (!rt) continue;
    int pat = strcmp(rt, "Patient") == 0, cov = strcmp(rt, "Coverage") == 0;
    const char *const *keys = pat ? patient : coverage;
    size_t n = pat ? sizeof patient / sizeof *patient : cov ? sizeof coverage / sizeof *coverage : 0;
    for (size_t k = 0; k < n; k++) json_object_del(r, keys[k]);
  }
}

static void random_id(char out[40])
{
  uint8_t r[16];
  randombytes_buf(r, sizeof r);
  r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);   /* UUID version 4 */
  r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
  static const char hex[] = "0123456789abcdef";
  char *o = out;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
    *o++ = hex[r[i] >> 4];
    *o++ = hex[r[i] & 15];
  }
  *o = '\0';
}

static void sha_of(const void *data, size_t len, char out[65])
{
  uint8_t h[32];
  crypto_hash_sha256(h, data, len);
  pol_sha_hex(h, out);
}

/* The logged lines of a judged case, from its compact trace (borrowed
   strings point into trace and strs, which the caller frees). */
static int log_lines(const json_t *trace, dl_Line *lines, size_t n, char **strs)
{
  const json_t *dets = json_object_get(trace, "determinations");
  if (json_array_size(dets) != n) return -1;
  for (size_t i = 0; i < n; i++) {
    const json_t *d = json_array_get(dets, i);
    const json_t *pol = json_object_get(d, "policy");
    dl_Line *l = &lines[i];
    l->line = (int32_t)json_integer_value(json_object_get(d, "line"));
    l->cpt = json_string_value(json_object_get(d, "cpt"));
    l->policy_id = json_string_value(json_object_get(pol, "id"));
    l->policy_version = json_string_value(json_object_get(pol, "version"));
    l->determination = json_string_value(json_object_get(d, "determination"));
    strs[2 * i] = json_dumps(json_object_get(d, "reasons"), JSON_COMPACT | JSON_ENCODE_ANY);
    strs[2 * i + 1] = json_dumps(json_object_get(d, "missing"), JSON_COMPACT | JSON_ENCODE_ANY);
    l->reasons = strs[2 * i] ? strs[2 * i] : "[]";
    l->missing = strs[2 * i + 1] ? strs[2 * i + 1] : "[]";
    if (!l->determination) l->determination = "unknown";
  }
  return 0;
}

enum { MS_PER_HOUR = 3600 * 1000 };
/* CMS-0057-F: 72 hours for expedited requests, 7 calendar days for standard */
enum { DUE_EXPEDITED_HOURS = 72, DUE_STANDARD_HOURS = 7 * 24 };

/* The priority of a PAS request Bundle: its Claim's priority code "stat"
   is expedited (X12 278 "03" urgent; docs/serve.md), anything else
   standard. */
static const char *bundle_priority(const json_t *bundle)
{
  size_t i;
  const json_t *e;
  json_array_foreach(json_object_get(bundle, "entry"), i, e) {
    const json_t *r = json_object_get(e, "resource");
    const char *rt = json_string_value(json_object_get(r, "resourceType"));
    if (!rt || strcmp(rt, "Claim") != 0) continue;
    const json_t *codings = json_object_get(json_object_get(r, "priority"), "coding");
    size_t k;
    const json_t *c;
    json_array_foreach(codings, k, c) {
      const char *code = json_string_value(json_object_get(c, "code"));
      if (code && strcmp(code, "stat") == 0) return "expedited";
    }
    return "standard";
  }
  return "standard";
}

void srv_created_date(const json_t *root, int64_t received, char out[11])
{
  const char *d = json_string_value(json_object_get(json_object_get(root, "request"), "date"));
  if (d && strlen(d) == 10) {
    memcpy(out, d, 11);
    return;
  }
  char iso[32];
  dl_iso_time(received, iso);
  memcpy(out, iso, 10);
  out[10] = '\0';
}

/* The FHIR reader's notes on the case c (a Bundle's: ignored entries,
   codes without a system; docs/fhir.md) put into the answer out (docs/serve.md,
   "Notes"): a JSON trace gets a first member "notes", the notes' texts; a
   ClaimResponse (fhir 1), or the one of a response Bundle (fhir 2), one
   processNote each (type display, numbered after its own).  0, or -1 when
   the FHIR answer could not be read back (out of memory). */
int srv_reader_notes(pol_Buf *out, const pol_Case *c, int fhir)
{
  const char *s = pol_case_notes(c);
  if (!*s) return 0;
  json_t *texts = json_array();
  while (*s) {
    const char *e = strchr(s, '\n');
    size_t k = e ? (size_t)(e - s) : strlen(s);
    json_array_append_new(texts, json_stringn(s, k));
    s += k + (e != NULL);
  }
  if (!fhir) {
    pol_Buf b = {0};
    pol_buf_puts(&b, "{\n  \"notes\": [");
    for (size_t i = 0; i < json_array_size(texts); i++) {
      if (i) pol_buf_puts(&b, ", ");
      pol_buf_json_str(&b, json_string_value(json_array_get(texts, i)));
    }
    pol_buf_puts(&b, "],");
    size_t skip = out->n && out->s[0] == '{' ? 1 : 0;   /* the trace's "{" */
    pol_buf_put(&b, out->s + skip, out->n - skip);
    pol_buf_free(out);
    *out = b;
    json_decref(texts);
    return 0;
  }
  json_t *doc = json_loadb(out->s, out->n, 0, NULL);
  json_t *cr = fhir == 2 ? json_object_get(json_array_get(json_object_get(doc, "entry"), 0), "resource") : doc;
  if (!json_is_object(cr)) {
    json_decref(doc);
    json_decref(texts);
    return -1;
  }
  json_t *pn = json_object_get(cr, "processNote");
  if (!json_is_array(pn)) {
    pn = json_array();
    json_object_set_new(cr, "processNote", pn);
  }
  json_int_t num = 0;
  for (size_t i = 0; i < json_array_size(pn); i++) {
    json_int_t k = json_integer_value(json_object_get(json_array_get(pn, i), "number"));
    if (k > num) num = k;
  }
  for (size_t i = 0; i < json_array_size(texts); i++) {
    char t[640];
    snprintf(t, sizeof t, "Note from reading the request Bundle: %s", json_string_value(json_array_get(texts, i)));
    json_array_append_new(pn, json_pack("{s:I, s:s, s:s}", "number", (json_int_t)(num + 1 + (json_int_t)i),
                                        "type", "display", "text", t));
  }
  pol_buf_reset(out);
  pol_fhir_emit(out, doc);
  json_decref(doc);
  json_decref(texts);
  return 0;
}

/* POST /v1/decide (submit 0) and POST /fhir/Claim/$submit (submit 1: a
   FHIR Bundle in, the PAS response Bundle out). */
static void decide(srv_Server *s, const srv_Request *rq, srv_Response *rs, double t0, int submit)
{
  int64_t received = now_ms();
  int fhir = submit ? 2 : !rq->format || strcmp(rq->format, "json") == 0 ? 0
           : strcmp(rq->format, "fhir") == 0 ? 1 : strcmp(rq->format, "fhir-bundle") == 0 ? 2 : -1;
  if (fhir < 0) {
    put_error(rs, 400, "H0005", NULL, 0, 0, "unknown format '%.100s' (json, fhir or fhir-bundle)", rq->format);
    return;
  }
  pol_CaseError ce;
  json_t *root = cli_parse_case(rq->body ? rq->body : "", rq->len, &ce);
  if (!root) {
    put_error(rs, 400, ce.code, NULL, ce.line, ce.column, "%s", ce.text);
    return;
  }
  int is_bundle = pol_fhir_is_bundle(root);
  if (submit && !is_bundle) {
    put_error(rs, 400, "H0014", NULL, 0, 0, "$submit takes a FHIR Bundle (resourceType \"Bundle\")");
    json_decref(root);
    return;
  }
  const json_t *pr = json_object_get(json_object_get(root, "request"), "priority");
  const char *priority = is_bundle ? bundle_priority(root) : "standard";
  if (!is_bundle && pr && !json_is_null(pr)) {
    priority = json_string_value(pr);
    if (!priority || (strcmp(priority, "standard") != 0 && strcmp(priority, "expedited") != 0)) {
      put_error(rs, 422, "H0010", "request.priority", 0, 0,
                "request.priority: expected \"standard\" or \"expedited\"");
      json_decref(root);
      return;
    }
  }
  Worker *w;
  char err[1024];
  Gen *g = gen_acquire(s, &w, err, sizeof err);
  if (!w) {
    put_error(rs, 500, "H0013", NULL, 0, 0, "%s", err);
    gen_release(s, g, NULL);
    json_decref(root);
    return;
  }
  const pol_LineResult *lines = NULL;
  char case_hash[65];
  sha_of(rq->body ? rq->body : "", rq->len, case_hash);
  if (pol_case_load(w->c, root, err, sizeof err) != 0) {
    put_case_error(rs, err);
  } else if (pol_vm_eval(w->vm, w->c, &lines, err, sizeof err) != 0) {
    put_error(rs, 422, "C0201", NULL, 0, 0, "%s", err);
  } else {
    pol_Buf out = {0}, compact = {0};
    pol_TraceMeta meta = {case_hash};
    int bad = 0;
    if (fhir) {
      char created[11];
      srv_created_date(root, received, created);
      pol_FhirMeta fm = {case_hash, created};
      bad = pol_trace_fhir(&out, w->vm, w->c, lines, &fm, fhir == 2 ? POL_FHIR_BUNDLE : 0) != 0;
    } else {
      pol_trace_json(&out, w->vm, w->c, lines, &meta, POL_TRACE_PRETTY | POL_TRACE_CRITERIA);
    }
    if (!bad) bad = srv_reader_notes(&out, w->c, fhir) != 0;
    pol_trace_json(&compact, w->vm, w->c, lines, NULL, POL_TRACE_COMPACT);
    json_t *ct = bad ? NULL : json_loadb(compact.s, compact.n, 0, NULL);
    size_t n = pol_case_nlines(w->c);
    dl_Line *dl = calloc(n ? n : 1, sizeof *dl);
    char **strs = calloc(n ? 2 * n : 1, sizeof *strs);
    if (!ct || !dl || !strs || log_lines(ct, dl, n, strs) != 0) {
      put_error(rs, 500, "H0013", NULL, 0, 0, "out of memory writing the answer");
    } else {
      random_id(rs->decision_id);
      const char *det = n ? dl[0].determination : "none";
      for (size_t i = 1; i < n; i++)
        if (strcmp(dl[i].determination, det) != 0) det = "mixed";
      char resp_sha[65];
      sha_of(out.s ? out.s : "", out.n, resp_sha);
      int expedited = strcmp(priority, "expedited") == 0;
      int64_t decided = now_ms();
      int logged = 0;
      if (s->log) {
        char *masked = NULL;
        if (s->cfg.log_cases) {
          json_t *copy = json_deep_copy(root);
          if (copy && is_bundle) mask_bundle(copy);
          for (size_t i = 0; copy && !is_bundle && i < s->cfg.nmask; i++) mask_path(copy, s->cfg.mask[i]);
          masked = copy ? json_dumps(copy, JSON_COMPACT) : NULL;
          json_decref(copy);
        }
        dl_Decision d = {
          .id = rs->decision_id, .received_ms = received, .decided_ms = decided,
          .due_ms = received + (int64_t)(expedited ? DUE_EXPEDITED_HOURS : DUE_STANDARD_HOURS) * MS_PER_HOUR,
          .priority = priority, .bundle_sha256 = g->sha, .bundle_built = g->p->str[g->p->built],
          .case_id = pol_case_id(w->c), .case_sha256 = case_hash, .determination = det,
          .format = fhir == 2 ? "fhir-bundle" : fhir ? "fhir" : "json",
          .latency_us = (int64_t)((mono_s() - t0) * 1e6), .response_sha256 = resp_sha,
          .case_json = masked, .response = s->cfg.log_cases ? out.s : NULL, .lines = dl, .nlines = n,
        };
        if (s->cfg.log_cases && !masked) {
          snprintf(err, sizeof err, "out of memory masking the case");
          logged = -1;
        } else {
          logged = dl_put_decision(s->log, &d, err, sizeof err);
        }
        free(masked);
      }
      if (logged != 0) {
        rs->decision_id[0] = '\0';
        put_error(rs, 503, "H0007", NULL, 0, 0, "the decision could not be logged, so it is not given: %s", err);
      } else {
        rs->status = 200;
        rs->content_type = fhir ? "application/fhir+json" : "application/json";
        pol_buf_reset(&rs->body);
        pol_buf_put(&rs->body, out.s ? out.s : "", out.n);
        pthread_mutex_lock(&s->mu);
        for (uint32_t i = 0; i < n; i++)
          if ((unsigned)lines[i].det < NDET) s->dets[lines[i].det]++;
        pthread_mutex_unlock(&s->mu);
      }
    }
    for (size_t i = 0; strs && i < 2 * n; i++) free(strs[i]);
    free(strs);
    free(dl);
    json_decref(ct);
    pol_buf_free(&compact);
    pol_buf_free(&out);
  }
  gen_release(s, g, w);
  json_decref(root);
}

/* ---- the other endpoints ------------------------------------------------- */

static void status(srv_Server *s, srv_Response *rs)
{
  pthread_mutex_lock(&s->mu);
  Gen *g = s->cur;
  g->refs++;
  pthread_mutex_unlock(&s->mu);
  const pol_Program *p = g->p;
  json_t *pols = json_array();
  for (uint32_t i = 0; i < p->npol; i++)
    json_array_append_new(pols, json_pack("{s:s, s:s, s:s}", "id", p->str[p->pol[i].id], "title",
                                          p->str[p->pol[i].title], "version", p->str[p->pol[i].version]));
  json_t *v = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:b}, s:o, s:s, s:s, s:s?, s:b}",
                        "status", "ok", "version", polvm_version(),
                        "bundle", "sha256", g->sha, "built", p->str[p->built], "path", s->cfg.bundle,
                        "loaded_at", g->loaded, "signed", p->sig == POL_SIG_VALID,
                        "policies", pols, "started_at", s->started, "listen", s->listen,
                        "decision_log", s->cfg.log, "log_cases", s->cfg.log_cases);
  gen_release(s, g, NULL);
  put_json(rs, 200, v);
}

static void metrics(srv_Server *s, srv_Response *rs)
{
  pol_Buf *b = &rs->body;
  pol_buf_reset(b);
  pthread_mutex_lock(&s->mu);
  pol_buf_puts(b, "# HELP polvm_requests_total HTTP requests answered, by endpoint and status.\n"
                  "# TYPE polvm_requests_total counter\n");
  for (int e = 0; e < EP__COUNT; e++)
    for (int st = 0; st < NSTATUS; st++)
      if (s->requests[e][st])
        pol_buf_printf(b, "polvm_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n", endpoint_name[e], st,
                       (unsigned long long)s->requests[e][st]);
  pol_buf_puts(b, "# HELP polvm_request_duration_seconds Time to answer a request, by endpoint.\n"
                  "# TYPE polvm_request_duration_seconds histogram\n");
  for (int e = 0; e < EP__COUNT; e++) {
    uint64_t count = 0;
    for (int k = 0; k <= NBUCKETS; k++) count += s->hist[e][k];
    if (!count) continue;
    uint64_t cum = 0;
    for (int k = 0; k < NBUCKETS; k++) {
      cum += s->hist[e][k];
      pol_buf_printf(b, "polvm_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
                     endpoint_name[e], buckets[k], (unsigned long long)cum);
    }
    pol_buf_printf(b, "polvm_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
                   endpoint_name[e], (unsigned long long)count);
    pol_buf_printf(b, "polvm_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", endpoint_name[e],
                   s->hist_sum[e]);
    pol_buf_printf(b, "polvm_request_duration_seconds_count{endpoint=\"%s\"} %llu\n", endpoint_name[e],
                   (unsigned long long)count);
  }
  pol_buf_puts(b, "# HELP polvm_determinations_total Request lines judged, by determination.\n"
                  "# TYPE polvm_determinations_total counter\n");
  for (int d = 0; d < NDET; d++)
    pol_buf_printf(b, "polvm_determinations_total{determination=\"%s\"} %llu\n", pol_det_name((pol_Det)d),
                   (unsigned long long)s->dets[d]);
  pol_buf_printf(b, "# HELP polvm_reloads_total Bundle reloads, by result.\n"
                    "# TYPE polvm_reloads_total counter\n"
                    "polvm_reloads_total{result=\"ok\"} %llu\npolvm_reloads_total{result=\"refused\"} %llu\n",
                 (unsigned long long)s->reloads_ok, (unsigned long long)s->reloads_refused);
  pol_buf_printf(b, "# HELP polvm_bundle_info The bundle being served.\n"
                    "# TYPE polvm_bundle_info gauge\npolvm_bundle_info{sha256=\"%s\"} 1\n", s->cur->sha);
  pthread_mutex_unlock(&s->mu);
  rs->status = 200;
  rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void reload(srv_Server *s, srv_Response *rs)
{
  char msg[2048];
  int rc = srv_reload(s, msg, sizeof msg);
  if (rc == 0) {
    pthread_mutex_lock(&s->mu);
    json_t *v = json_pack("{s:s, s:s, s:s}", "status", "reloaded", "sha256", s->cur->sha, "message", msg);
    pthread_mutex_unlock(&s->mu);
    put_json(rs, 200, v);
  } else {
    put_error(rs, 422, "H0008", NULL, 0, 0, "%s", msg);
  }
}

/* POST /v1/decisions/{id}/appeal {"outcome": ..., "note": ...} and
   POST /v1/decisions/{id}/extension {"note": ...} */
static void decision_event(srv_Server *s, const srv_Request *rq, srv_Response *rs, const char *id, int appeal)
{
  if (!s->log) {
    put_error(rs, 409, "H0012", NULL, 0, 0, "no decision log: start the server with --log FILE");
    return;
  }
  json_error_t je;
  json_t *v = rq->len ? json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je) : json_object();
  if (!v) {
    put_error(rs, 400, "C0001", NULL, je.line, je.column, "invalid JSON: %s", je.text);
    return;
  }
  const char *outcome = json_string_value(json_object_get(v, "outcome"));
  const json_t *note = json_object_get(v, "note");
  if (!json_is_object(v) || (note && !json_is_null(note) && !json_is_string(note))
      || (appeal && (!outcome || (strcmp(outcome, "approve") != 0 && strcmp(outcome, "deny") != 0
                                  && strcmp(outcome, "partial") != 0)))) {
    put_error(rs, 400, "H0011", NULL, 0, 0,
              appeal ? "expected {\"outcome\": \"approve\" | \"deny\" | \"partial\", \"note\": \"...\"}"
                     : "expected {\"note\": \"...\"} or an empty body");
    json_decref(v);
    return;
  }
  char err[512];
  int64_t at = now_ms();
  int rc = dl_put_event(s->log, id, appeal ? "appeal" : "extension", appeal ? outcome : NULL, at,
                        json_string_value(note), err, sizeof err);
  if (rc == 1) put_error(rs, 404, "H0009", NULL, 0, 0, "no decision %.64s in the log", id);
  else if (rc != 0) put_error(rs, 503, "H0007", NULL, 0, 0, "the event could not be logged: %s", err);
  else {
    char iso[32];
    dl_iso_time(at, iso);
    put_json(rs, 201, json_pack("{s:s, s:s, s:s*, s:s}", "decision_id", id, "event", appeal ? "appeal" : "extension",
                                "outcome", appeal ? outcome : NULL, "recorded", iso));
  }
  json_decref(v);
}

/* An error answer of a FHIR endpoint (/fhir/...) as an OperationOutcome:
   the same code (in details.coding, system POL_ERROR_SYSTEM) and message,
   the member at fault as its expression. */
#define POL_ERROR_SYSTEM "https://polvm.dev/fhir/CodeSystem/error"
static void to_operation_outcome(srv_Response *rs)
{
  json_t *v = json_loadb(rs->body.s ? rs->body.s : "", rs->body.n, 0, NULL);
  const json_t *e = json_object_get(v, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const char *msg = json_string_value(json_object_get(e, "message"));
  const char *path = json_string_value(json_object_get(e, "path"));
  json_int_t line = json_integer_value(json_object_get(e, "line"));
  json_int_t column = json_integer_value(json_object_get(e, "column"));
  if (!code || !msg) {
    json_decref(v);
    return;
  }
  int st = rs->status;
  const char *icode = st == 401 ? "security" : st == 403 ? "forbidden" : st == 404 ? "not-found"
                    : st == 405 ? "not-supported" : st == 413 ? "too-long" : st == 503 ? "transient"
                    : st >= 500 ? "exception" : st == 422 ? "processing" : "invalid";
  json_t *issue = json_pack("{s:s, s:s, s:{s:[{s:s, s:s}], s:s}}", "severity", "error", "code", icode, "details",
                            "coding", "system", POL_ERROR_SYSTEM, "code", code, "text", msg);
  if (issue && path) json_object_set_new(issue, "expression", json_pack("[s]", path));
  if (issue && line) {
    char where[64];
    snprintf(where, sizeof where, "line %lld, column %lld", (long long)line, (long long)column);
    json_object_set_new(issue, "diagnostics", json_string(where));
  }
  json_t *oo = issue ? json_pack("{s:s, s:[o]}", "resourceType", "OperationOutcome", "issue", issue) : NULL;
  json_decref(v);
  if (!oo) return;   /* out of memory: the plain error stays */
  const char *allow = rs->allow;
  put_json(rs, st, oo);
  rs->allow = allow;
  rs->content_type = "application/fhir+json";
}

/* ---- CDS Hooks (cds.c) and the DTR Questionnaire --------------------------- */

/* POST /cds-services/{id}: the hook request made into a PAS request Bundle
   (cds_request_bundle), judged on the current generation like
   /fhir/Claim/$submit, answered with the cards and system actions.  Not
   written to the decision log (docs/serve.md: CRD answers are advice,
   not decisions). */
static void cds_hook(srv_Server *s, const srv_Request *rq, srv_Response *rs, const char *hook)
{
  json_error_t je;
  json_t *req = json_loadb(rq->body ? rq->body : "", rq->len, JSON_REJECT_DUPLICATES, &je);
  if (!req) {
    put_error(rs, 400, "H0016", NULL, je.line, je.column, "invalid JSON: %s", je.text);
    return;
  }
  char today[32];
  dl_iso_time(now_ms(), today);
  today[10] = '\0';
  const char *code = "H0016";
  char err[1024];
  json_t *bundle = cds_request_bundle(req, hook, today, &code, err, sizeof err);
  if (!bundle) {
    put_error(rs, 400, code, NULL, 0, 0, "%s", err);
    json_decref(req);
    return;
  }
  Worker *w;
  Gen *g = gen_acquire(s, &w, err, sizeof err);
  const pol_LineResult *lines = NULL;
  if (!w) {
    put_error(rs, 500, "H0013", NULL, 0, 0, "%s", err);
  } else if (pol_case_load(w->c, bundle, err, sizeof err) != 0) {
    put_case_error(rs, err);
  } else if (pol_vm_eval(w->vm, w->c, &lines, err, sizeof err) != 0) {
    put_error(rs, 422, "C0201", NULL, 0, 0, "%s", err);
  } else {
    pol_Buf compact = {0};
    pol_trace_json(&compact, w->vm, w->c, lines, NULL, POL_TRACE_COMPACT);
    json_t *ct = json_loadb(compact.s ? compact.s : "", compact.n, 0, NULL);
    const char *date =
        json_string_value(json_object_get(json_object_get(json_array_get(json_object_get(bundle, "entry"), 0),
                                                           "resource"), "created"));
    json_t *answer = ct ? cds_response(req, ct, date) : NULL;
    if (!answer) {
      put_error(rs, 500, "H0013", NULL, 0, 0, "out of memory writing the answer");
    } else {
      put_json(rs, 200, answer);
      size_t n = pol_case_nlines(w->c);
      pthread_mutex_lock(&s->mu);
      for (size_t i = 0; i < n; i++)
        if ((unsigned)lines[i].det < NDET) s->dets[lines[i].det]++;
      pthread_mutex_unlock(&s->mu);
    }
    json_decref(ct);
    pol_buf_free(&compact);
  }
  gen_release(s, g, w);
  json_decref(bundle);
  json_decref(req);
}

/* GET /fhir/Questionnaire/{policy}: the bundle carries the policies'
   bytecode, not the checked sources `polc questionnaire` reads, so the
   server serves the Questionnaires made beforehand: --questionnaires DIR,
   DIR/ID.json (docs/serve.md).  404 H0022 for an id no policy of the
   bundle has, 404 H0023 for a policy without its file, 500 H0024 for a
   file that is not that Questionnaire. */
static void questionnaire(srv_Server *s, srv_Response *rs, const char *id)
{
  pthread_mutex_lock(&s->mu);
  Gen *g = s->cur;
  g->refs++;
  pthread_mutex_unlock(&s->mu);
  int found = 0;
  for (uint32_t i = 0; i < g->p->npol && !found; i++) found = strcmp(g->p->str[g->p->pol[i].id], id) == 0;
  gen_release(s, g, NULL);
  if (!found) {
    put_error(rs, 404, "H0022", NULL, 0, 0, "no policy %.64s in the bundle", id);
    return;
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/%s.json", s->cfg.questionnaires ? s->cfg.questionnaires : "", id);
  struct stat st;
  if (!s->cfg.questionnaires || stat(path, &st) != 0) {
    put_error(rs, 404, "H0023", NULL, 0, 0,
              "no Questionnaire of %.64s: the bundle does not carry it; make it with polc questionnaire and "
              "serve it with --questionnaires DIR (docs/serve.md)", id);
    return;
  }
  json_error_t je;
  json_t *q = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  const char *rt = json_string_value(json_object_get(q, "resourceType"));
  const char *qid = json_string_value(json_object_get(q, "id"));
  if (!rt || strcmp(rt, "Questionnaire") != 0 || !qid || strcmp(qid, id) != 0) {
    put_error(rs, 500, "H0024", NULL, 0, 0, "%.200s is not the Questionnaire of %.64s", path, id);
    json_decref(q);
    return;
  }
  put_json(rs, 200, q);
  rs->content_type = "application/fhir+json";
}

/* "PREFIX{id}" with id of letters, digits, '-' and '.' (at most 64 bytes):
   id into id, 1; else 0. */
static int id_path(const char *path, const char *prefix, char id[65])
{
  size_t n = strlen(prefix);
  if (strncmp(path, prefix, n) != 0) return 0;
  const char *p = path + n;
  size_t len = strlen(p);
  if (len == 0 || len > 64) return 0;
  for (const char *q = p; *q; q++)
    if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-'
          || *q == '.'))
      return 0;
  memcpy(id, p, len + 1);
  return 1;
}

/* ---- routing --------------------------------------------------------------- */

/* 1 if the request carries "Bearer TOKEN" (constant time in the token). */
static int authorized(const srv_Server *s, const srv_Request *rq)
{
  const char *a = rq->authorization;
  if (!a || strncmp(a, "Bearer ", 7) != 0) return 0;
  a += 7;
  size_t n = strlen(a), m = strlen(s->cfg.token);
  return n == m && sodium_memcmp(a, s->cfg.token, n) == 0;
}

/* "/v1/decisions/ID/WHAT": ID into id (at most 64 bytes), 1; else 0. */
static int decision_path(const char *path, const char *what, char id[65])
{
  static const char pre[] = "/v1/decisions/";
  if (strncmp(path, pre, sizeof pre - 1) != 0) return 0;
  const char *p = path + sizeof pre - 1, *slash = strchr(p, '/');
  if (!slash || slash == p || slash - p > 64 || strcmp(slash + 1, what) != 0) return 0;
  for (const char *q = p; q < slash; q++)
    if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-'))
      return 0;
  memcpy(id, p, (size_t)(slash - p));
  id[slash - p] = '\0';
  return 1;
}

void srv_handle(srv_Server *s, const srv_Request *rq, srv_Response *rs)
{
  double t0 = mono_s();
  const char *path = rq->path ? rq->path : "";
  const char *method = rq->method ? rq->method : "";
  char id[65];
  Endpoint ep = EP_OTHER;
  int post = 0;   /* the endpoint's method: POST, else GET (and HEAD) */
  if (strcmp(path, "/v1/decide") == 0) { ep = EP_DECIDE; post = 1; }
  else if (strcmp(path, "/fhir/Claim/$submit") == 0) { ep = EP_SUBMIT; post = 1; }
  else if (strcmp(path, "/health") == 0) ep = EP_HEALTH;
  else if (strcmp(path, "/v1/status") == 0) ep = EP_STATUS;
  else if (strcmp(path, "/metrics") == 0) ep = EP_METRICS;
  else if (strcmp(path, "/v1/admin/reload") == 0) { ep = EP_RELOAD; post = 1; }
  else if (decision_path(path, "appeal", id)) { ep = EP_APPEAL; post = 1; }
  else if (decision_path(path, "extension", id)) { ep = EP_EXTENSION; post = 1; }
  else if (strcmp(path, "/cds-services") == 0) ep = EP_CDS_SERVICES;
  else if (id_path(path, "/cds-services/", id)) { ep = EP_CDS_HOOK; post = 1; }
  else if (id_path(path, "/fhir/Questionnaire/", id)) ep = EP_QUESTIONNAIRE;
  int method_ok = post ? strcmp(method, "POST") == 0
                       : strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
  if (ep == EP_OTHER) {
    put_error(rs, 404, "H0001", NULL, 0, 0, "no such endpoint: %.200s (docs/serve.md)", path);
  } else if (!method_ok) {
    rs->allow = post ? "POST" : "GET, HEAD";
    put_error(rs, 405, "H0002", NULL, 0, 0, "%.200s takes %s, not %.20s", path, post ? "POST" : "GET", method);
  } else if (ep == EP_RELOAD && !s->cfg.token) {
    put_error(rs, 403, "H0006", NULL, 0, 0, "the admin endpoints need a token: start the server with --token");
  } else if (s->cfg.token && ep != EP_HEALTH && !authorized(s, rq)) {
    put_error(rs, 401, "H0004", NULL, 0, 0, "missing or wrong bearer token (Authorization: Bearer TOKEN)");
  } else if (rq->too_large) {
    put_error(rs, 413, "H0003", NULL, 0, 0, "request body larger than %zu bytes (--max-body)", s->cfg.max_body);
  } else {
    switch (ep) {
    case EP_DECIDE: decide(s, rq, rs, t0, 0); break;
    case EP_SUBMIT: decide(s, rq, rs, t0, 1); break;
    case EP_HEALTH:
      rs->status = 200;
      rs->content_type = "application/json";
      pol_buf_puts(&rs->body, "{\"status\": \"ok\"}\n");
      break;
    case EP_STATUS: status(s, rs); break;
    case EP_METRICS: metrics(s, rs); break;
    case EP_RELOAD: reload(s, rs); break;
    case EP_APPEAL: decision_event(s, rq, rs, id, 1); break;
    case EP_EXTENSION: decision_event(s, rq, rs, id, 0); break;
    case EP_CDS_SERVICES: put_json(rs, 200, cds_discovery()); break;
    case EP_CDS_HOOK:
      if (cds_service_hook(id)) cds_hook(s, rq, rs, cds_service_hook(id));
      else put_error(rs, 404, "H0015", NULL, 0, 0, "no CDS service %.64s (GET /cds-services lists them)", id);
      break;
    case EP_QUESTIONNAIRE: questionnaire(s, rs, id); break;
    case EP_OTHER:
    case EP__COUNT: break;   /* answered above */
    }
  }
  if (rs->status < 100 || rs->status >= NSTATUS) rs->status = 500;
  if (rs->status >= 400 && strncmp(path, "/fhir/", 6) == 0) to_operation_outcome(rs);
  if (!rs->content_type) rs->content_type = "application/json";
  if (rs->status == 401) rs->content_type = "application/json";
  double dt = mono_s() - t0;
  int k = 0;
  while (k < NBUCKETS && dt > buckets[k]) k++;
  pthread_mutex_lock(&s->mu);
  s->requests[ep][rs->status]++;
  s->hist[ep][k]++;
  s->hist_sum[ep] += dt;
  pthread_mutex_unlock(&s->mu);
}
