/*
 * polvm_serve.c -- `polvm serve`: the decision service over HTTP
 * (libmicrohttpd), docs/serve.md.  This file is the transport: options,
 * the listener, reading request bodies within the limits, signals
 * (SIGHUP reloads, SIGTERM and SIGINT stop after the requests in flight).
 * What a request gets is serve.c's (srv_handle).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "opts.h"
#include "serve.h"

/* Defaults (docs/serve.md, "Limits"). */
enum {
  SERVE_DEFAULT_PORT = 8080,
  SERVE_DEFAULT_THREADS = 4,
  SERVE_MAX_THREADS = 256,
  SERVE_DEFAULT_MAX_BODY = 1 << 20,          /* 1 MiB */
  SERVE_DEFAULT_CONNECTIONS = 256,
  SERVE_DEFAULT_TIMEOUT = 30,                /* seconds a connection may idle */
  SERVE_HEADER_MEMORY = 64 * 1024,           /* per connection: the request line and headers */
  SERVE_GRACE_SECONDS = 30,                  /* SIGTERM: longest wait for requests in flight */
  SERVE_MAX_MASKS = 64
};

static void serve_usage(FILE *f)
{
  fputs("usage: polvm serve [--bundle B] [--port P] [--bind ADDR] [-j N] [--log FILE]\n"
        "                   [--store DIR] [--log-cases] [--mask PATH]... [--token T]\n"
        "                   [--max-body BYTES] [--max-connections N] [--timeout S]\n"
        "                   [--questionnaires DIR]\n"
        "  --bundle B          the bundle (default: the default bundle); SIGHUP or\n"
        "                      POST /v1/admin/reload reads it again\n"
        "  --port P            TCP port (default 8080; 0: a free one)\n"
        "  --bind ADDR         address to listen on (default 127.0.0.1)\n"
        "  -j N                worker threads (default 4)\n"
        "  --log FILE          the decision log (SQLite); a decision is answered only\n"
        "                      once it is logged\n"
        "  --store DIR         keep every bundle served as DIR/SHA256.polb (default with\n"
        "                      --log: FILE.bundles)\n"
        "  --log-cases         keep the case (masked) and the answer in the log, for replay\n"
        "  --mask PATH         mask this case member in logged cases (repeatable; default:\n"
        "                      patient.name, patient.member_id, patient.birth_date)\n"
        "  --token T           require 'Authorization: Bearer T' (all but /health);\n"
        "                      enables POST /v1/admin/reload ($POLVM_SERVE_TOKEN too)\n"
        "  --max-body BYTES    largest request body (default 1048576)\n"
        "  --max-connections N open connections at most (default 256)\n"
        "  --timeout S         close a connection idle S seconds (default 30)\n"
        "  --questionnaires DIR  GET /fhir/Questionnaire/ID serves DIR/ID.json (made by\n"
        "                      polc questionnaire; the bundle does not carry them)\n"
        "The first line on stdout is 'listening on http://ADDR:PORT'.  docs/serve.md.\n", f);
}

enum { OPT_BUNDLE = CLI_OPT_LONG, OPT_PORT, OPT_BIND, OPT_LOG, OPT_STORE, OPT_LOG_CASES, OPT_MASK,
       OPT_TOKEN, OPT_MAX_BODY, OPT_MAX_CONN, OPT_TIMEOUT, OPT_QUESTIONNAIRES };

static const struct option serve_options[] = {
  {"bundle", required_argument, NULL, OPT_BUNDLE},
  {"port", required_argument, NULL, OPT_PORT},
  {"bind", required_argument, NULL, OPT_BIND},
  {"log", required_argument, NULL, OPT_LOG},
  {"store", required_argument, NULL, OPT_STORE},
  {"log-cases", no_argument, NULL, OPT_LOG_CASES},
  {"mask", required_argument, NULL, OPT_MASK},
  {"token", required_argument, NULL, OPT_TOKEN},
  {"max-body", required_argument, NULL, OPT_MAX_BODY},
  {"max-connections", required_argument, NULL, OPT_MAX_CONN},
  {"timeout", required_argument, NULL, OPT_TIMEOUT},
  {"questionnaires", required_argument, NULL, OPT_QUESTIONNAIRES},
  CLI_OPTS_COMMON,
  {0}
};

/* A whole number in [lo, hi] from s, or -1. */
static long long number_arg(const char *s, long long lo, long long hi)
{
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  return v;
}

/* ---- per-connection state ------------------------------------------------ */

typedef struct Conn {
  pol_Buf body;
  int too_large;
  int answered;                /* a response is queued: the rest is discarded */
} Conn;

typedef struct Ctx {
  srv_Server *srv;
  size_t max_body;
  pthread_mutex_t mu;
  int inflight;                /* requests begun and not completed */
} Ctx;

static enum MHD_Result answer(struct MHD_Connection *con, srv_Response *rs)
{
  struct MHD_Response *r = MHD_create_response_from_buffer(rs->body.n, rs->body.s ? rs->body.s : (char *)"",
                                                           MHD_RESPMEM_MUST_COPY);
  if (!r) return MHD_NO;
  MHD_add_response_header(r, "Content-Type", rs->content_type);
  if (rs->decision_id[0]) MHD_add_response_header(r, "X-Decision-Id", rs->decision_id);
  if (rs->allow) MHD_add_response_header(r, "Allow", rs->allow);
  if (rs->status == 401) MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
  enum MHD_Result ret = MHD_queue_response(con, (unsigned)rs->status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result handle(struct MHD_Connection *con, Ctx *ctx, const char *url, const char *method,
                              Conn *cc)
{
  srv_Request rq = {
    .method = method, .path = url,
    .format = MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "format"),
    .authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization"),
    .body = cc->body.s, .len = cc->body.n, .too_large = cc->too_large,
  };
  srv_Response rs = {0};
  srv_handle(ctx->srv, &rq, &rs);
  enum MHD_Result ret = answer(con, &rs);
  pol_buf_free(&rs.body);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
  (void)version;
  Ctx *ctx = cls;
  Conn *cc = *con_cls;
  if (!cc) {
    cc = calloc(1, sizeof *cc);
    if (!cc) return MHD_NO;
    *con_cls = cc;
    pthread_mutex_lock(&ctx->mu);
    ctx->inflight++;
    pthread_mutex_unlock(&ctx->mu);
    /* a declared length over the limit is answered before the body is read */
    const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > ctx->max_body) {
      cc->too_large = cc->answered = 1;
      return handle(con, ctx, url, method, cc);
    }
    return MHD_YES;
  }
  if (*upload_data_size) {
    if (!cc->too_large && !cc->answered) {
      if (cc->body.n + *upload_data_size > ctx->max_body) {
        cc->too_large = 1;
        pol_buf_free(&cc->body);
      } else {
        pol_buf_put(&cc->body, upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (cc->answered) return MHD_YES;
  cc->answered = 1;
  return handle(con, ctx, url, method, cc);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  (void)con;
  (void)toe;
  Ctx *ctx = cls;
  Conn *cc = *con_cls;
  if (!cc) return;
  pol_buf_free(&cc->body);
  free(cc);
  *con_cls = NULL;
  pthread_mutex_lock(&ctx->mu);
  ctx->inflight--;
  pthread_mutex_unlock(&ctx->mu);
}

/* ---- the command ------------------------------------------------------------ */

int polvm_serve_main(int argc, char **argv)
{
  const char *bundle = NULL, *bind_addr = "127.0.0.1", *log = NULL, *store = NULL;
  const char *questionnaires = NULL;
  const char *token = getenv("POLVM_SERVE_TOKEN");
  const char *masks[SERVE_MAX_MASKS];
  size_t nmask = 0;
  long long port = SERVE_DEFAULT_PORT, threads = SERVE_DEFAULT_THREADS, max_body = SERVE_DEFAULT_MAX_BODY;
  long long max_conn = SERVE_DEFAULT_CONNECTIONS, timeout = SERVE_DEFAULT_TIMEOUT;
  int log_cases = 0, opt;
  if (sodium_init() < 0) {   /* before randombytes_buf (cli/polvm.c) */
    fputs("polvm: cannot initialise libsodium\n", stderr);
    return EXIT_INTERNAL;
  }
  cli_getopt_reset();
  while ((opt = cli_getopt("polvm serve", argc, argv, ":hj:", serve_options)) != -1) {
    long long *num = NULL, lo = 0, hi = 0;
    switch (opt) {
    case OPT_BUNDLE: bundle = optarg; break;
    case OPT_PORT: num = &port; hi = 65535; break;
    case OPT_BIND: bind_addr = optarg; break;
    case 'j': num = &threads; lo = 1; hi = SERVE_MAX_THREADS; break;
    case OPT_LOG: log = optarg; break;
    case OPT_STORE: store = optarg; break;
    case OPT_LOG_CASES: log_cases = 1; break;
    case OPT_MASK:
      if (nmask == SERVE_MAX_MASKS) {
        fprintf(stderr, "polvm serve: at most %d --mask\n", SERVE_MAX_MASKS);
        return EXIT_USAGE;
      }
      masks[nmask++] = optarg;
      break;
    case OPT_TOKEN: token = optarg; break;
    case OPT_MAX_BODY: num = &max_body; lo = 1; hi = 1LL << 30; break;
    case OPT_MAX_CONN: num = &max_conn; lo = 1; hi = 1 << 16; break;
    case OPT_TIMEOUT: num = &timeout; lo = 1; hi = 86400; break;
    case OPT_QUESTIONNAIRES: questionnaires = optarg; break;
    case 'h': serve_usage(stdout); return 0;
    case CLI_OPT_VERSION: cli_version("polvm"); return 0;
    default: serve_usage(stderr); return EXIT_USAGE;
    }
    if (num && (*num = number_arg(optarg, lo, hi)) < 0) {
      fprintf(stderr, "polvm serve: bad number '%s' (%lld to %lld)\n", optarg, lo, hi);
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    serve_usage(stderr);
    return EXIT_USAGE;
  }
  if (token && !*token) token = NULL;
  static const char *const default_masks[] = {"patient.name", "patient.member_id", "patient.birth_date"};
  char defpath[4096], err[2048], store_buf[4200];
  if (!bundle) {
    if (pol_default_bundle(defpath, sizeof defpath, err, sizeof err) != 0) {
      fprintf(stderr, "polvm: %s; give the bundle with --bundle B\n", err);
      return EXIT_USAGE;
    }
    bundle = defpath;
  }
  if (log && !store) {
    snprintf(store_buf, sizeof store_buf, "%s.bundles", log);
    store = store_buf;
  }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  int ipv6 = 0;
  if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
  } else if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    ipv6 = 1;
  } else {
    fprintf(stderr, "polvm serve: --bind %s: not an IPv4 or IPv6 address\n", bind_addr);
    return EXIT_USAGE;
  }
  srv_Config cfg = {
    .bundle = bundle, .token = token, .log = log, .store = store, .log_cases = log_cases,
    .questionnaires = questionnaires, .mask = nmask ? masks : default_masks, .nmask = nmask ? nmask : 3, .max_body = (size_t)max_body,
  };
  srv_Server *srv = srv_new(&cfg, err, sizeof err);
  if (!srv) {
    fprintf(stderr, "polvm: %s\n", err);
    return strstr(err, " B000") ? EXIT_BUNDLE : EXIT_INTERNAL;
  }
  /* the signals go to this thread alone (sigwait below): block them before
     the daemon's threads start, they inherit the mask */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGHUP);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);
  Ctx ctx = {.srv = srv, .max_body = (size_t)max_body};
  pthread_mutex_init(&ctx.mu, NULL);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG
                 | (ipv6 ? MHD_USE_IPv6 : 0);
  struct MHD_Daemon *d = MHD_start_daemon(
    flags, (uint16_t)port, NULL, NULL, on_request, &ctx,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned)max_conn,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_HEADER_MEMORY,
    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &ctx,
    MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "polvm serve: cannot listen on %s port %lld: %s\n", bind_addr, port, strerror(errno));
    srv_free(srv);
    pthread_mutex_destroy(&ctx.mu);
    return EXIT_INTERNAL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char url[128];
  snprintf(url, sizeof url, ipv6 ? "http://[%s]:%u" : "http://%s:%u", bind_addr,
           info ? (unsigned)info->port : (unsigned)port);
  srv_set_listen(srv, url);
  printf("listening on %s\n", url);
  fflush(stdout);
  int sig = 0;
  for (;;) {
    if (sigwait(&sigs, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    char msg[2048];
    srv_reload(srv, msg, sizeof msg);
  }
  /* stop accepting; let the requests in flight finish, then stop */
  fprintf(stderr, "polvm serve: %s: stopping after the requests in flight\n", strsignal(sig));
  MHD_socket ls = MHD_quiesce_daemon(d);
  if (ls != MHD_INVALID_SOCKET) close(ls);
  time_t until = time(NULL) + SERVE_GRACE_SECONDS;
  for (;;) {
    pthread_mutex_lock(&ctx.mu);
    int n = ctx.inflight;
    pthread_mutex_unlock(&ctx.mu);
    if (n == 0 || time(NULL) > until) break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(d);
  srv_free(srv);
  pthread_mutex_destroy(&ctx.mu);
  return 0;
}
