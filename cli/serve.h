/*
 * serve.h -- the request handler of `polvm serve` (docs/serve.md), apart
 * from HTTP transport: polvm_serve.c feeds it requests from
 * libmicrohttpd, tests/fuzz/fuzz_serve.c calls it directly.
 *
 * A srv_Server holds the current bundle revision (a reference-counted
 * generation: a request keeps the generation it started on until it ends,
 * a reload swaps in a new one for the requests after it), a pool of VMs
 * and case holders per generation, the decision log and the counters of
 * GET /metrics.  srv_handle and srv_reload may be called from any number
 * of threads at once.
 */
#ifndef POL_SERVE_H
#define POL_SERVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "util.h"

typedef struct srv_Config {
  const char *bundle;              /* the bundle file, read again on reload (borrowed,
                                      must outlive the server) */
  const char *token;               /* bearer token, or NULL: none */
  const char *log;                 /* the decision log (SQLite), or NULL: none */
  const char *store;               /* the bundle store directory, or NULL */
  int log_cases;                   /* keep the (masked) case and the answer in the log */
  const char *const *mask;         /* member paths masked in logged cases */
  size_t nmask;
  size_t max_body;                 /* bytes */
  const char *questionnaires;      /* directory of ID.json Questionnaires, or NULL */
} srv_Config;

typedef struct srv_Server srv_Server;

/* A request as the transport saw it; every pointer borrowed for the call. */
typedef struct srv_Request {
  const char *method;              /* "GET", "POST", ... */
  const char *path;                /* without the query: "/v1/decide" */
  const char *format;              /* the query's format=, or NULL */
  const char *authorization;       /* the Authorization header, or NULL */
  const char *body;                /* len bytes, or NULL */
  size_t len;
  int too_large;                   /* the body was longer than max_body (not kept) */
} srv_Request;

typedef struct srv_Response {
  int status;
  const char *content_type;        /* static */
  const char *allow;               /* the Allow header of a 405, or NULL (static) */
  char decision_id[40];            /* X-Decision-Id, or "" */
  pol_Buf body;                    /* owned: pol_buf_free */
} srv_Response;

/* Loads the bundle, opens the log, stores the bundle.  NULL with the
   reason in err.  cfg is copied; its strings are borrowed. */
srv_Server *srv_new(const srv_Config *cfg, char *err, size_t errlen);
void srv_free(srv_Server *s);

/* Answers one request into *rs (zeroed by the caller; free rs->body). */
void srv_handle(srv_Server *s, const srv_Request *rq, srv_Response *rs);

/* Loads the bundle file again and swaps it in: 0 with "reloaded ..." in
   msg, or -1 with the reason the new one is refused in msg (the old one
   keeps serving).  Either way the message is also printed on stderr. */
int srv_reload(srv_Server *s, char *msg, size_t msglen);

/* The `created` date (YYYY-MM-DD) of the ClaimResponse of the case or
   Bundle root received at received_ms: the case's request.date, else the
   day it was received (UTC), so that replay makes the same bytes on any
   later day (polvm_replay.c). */
void srv_created_date(const json_t *root, int64_t received_ms, char out[11]);

/* The FHIR reader's notes on the judged case c put into the answer out
   (fhir: 0 a JSON trace, 1 a ClaimResponse, 2 a response Bundle;
   docs/serve.md "Notes"), as the server and replay answer.  0, or -1 out
   of memory. */
int srv_reader_notes(pol_Buf *out, const pol_Case *c, int fhir);

/* The URL of the listener, for the status (borrowed; set once). */
void srv_set_listen(srv_Server *s, const char *url);

#endif
