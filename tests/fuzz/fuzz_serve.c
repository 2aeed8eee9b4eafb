/*
 * fuzz_serve.c -- libFuzzer target: the request handler of `polvm serve`
 * (cli/serve.c, srv_handle), called directly, without a socket.
 *
 * The first byte of the input chooses the request: bits 0-3 the endpoint
 * and method (/v1/decide, /fhir/Claim/$submit, the others, a wrong method
 * too, an unknown path, a path taken from the body: up to its first NUL,
 * the body then being the rest, GET with bit 6, else POST: the CDS Hooks
 * and Questionnaire routes), bits 4-5 the Authorization header (right, wrong, none, not
 * Bearer), bit 6 the format (json or fhir; with bit 7 an unknown one),
 * bit 7 alone the too_large flag.  The rest is the body.  Two servers on
 * the real bundle (build/policies.polb or $POL_FUZZ_BUNDLE), both with the
 * token "t" and a decision log in memory: one logs cases (masked) and is
 * made again every 256 uses, so starting, reloading and freeing are
 * exercised too.  Oracles besides the sanitizers: the status is a real
 * HTTP status, a JSON (or FHIR JSON) answer parses, a 200 of /v1/decide
 * carries a decision id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char bundle[4096];
static char last_id[40];

static srv_Server *make(int log_cases)
{
  static const char *const masks[] = {"patient.name", "patient.member_id", "injections[].date"};
  srv_Config cfg = {
    .bundle = bundle, .token = "t", .log = ":memory:", .store = NULL, .log_cases = log_cases,
    .mask = masks, .nmask = 3, .max_body = 1 << 20,
  };
  char err[1024];
  srv_Server *s = srv_new(&cfg, err, sizeof err);
  if (!s) {
    fprintf(stderr, "fuzz_serve: %s\n", err);
    abort();
  }
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static srv_Server *plain, *logging;
  static unsigned uses;
  if (!plain) {
    const char *b = getenv("POL_FUZZ_BUNDLE");
    snprintf(bundle, sizeof bundle, "%s", b && *b ? b : POL_FUZZ_ROOT "/build/policies.polb");
    plain = make(0);
  }
  if (!logging || ++uses % 256 == 0) {
    srv_free(logging);
    logging = make(1);
  }
  if (size == 0) return 0;
  uint8_t sel = data[0];
  const char *body = (const char *)data + 1;
  size_t len = size - 1;
  char path[200];
  static const char *const routes[][2] = {
    {"POST", "/v1/decide"}, {"POST", "/v1/decide"}, {"POST", "/fhir/Claim/$submit"}, {"GET", "/health"},
    {"GET", "/v1/status"},  {"GET", "/metrics"},    {"POST", "/v1/admin/reload"}, {"POST", NULL /* appeal */},
    {"POST", NULL /* extension */}, {"GET", "/v1/decide"}, {"DELETE", "/health"}, {"HEAD", "/health"},
    {"POST", "/nope"}, {"POST", NULL /* path from the body */}, {"PUT", "/v1/decisions/x/appeal"}, {"", ""},
  };
  unsigned r = sel & 15;
  const char *method = routes[r][0], *p = routes[r][1];
  if (!p && r == 13) {
    size_t n = len < sizeof path - 1 ? len : sizeof path - 1;
    memcpy(path, body, n);
    path[n] = '\0';   /* cut at the first NUL */
    p = path;
    const char *nul = memchr(body, '\0', len);
    if (nul) {
      len -= (size_t)(nul + 1 - body);
      body = nul + 1;
      if (sel & 0x40) method = "GET";
    }
  } else if (!p) {
    snprintf(path, sizeof path, "/v1/decisions/%s/%s", last_id[0] && (sel & 0x40) ? last_id : "0123-abc",
             r == 7 ? "appeal" : "extension");
    p = path;
  }
  static const char *const auths[] = {"Bearer t", "Bearer x", NULL, "Basic t"};
  srv_Request rq = {
    .method = method, .path = p,
    .format = (sel & 0xc0) == 0xc0 ? "xml" : (sel & 0x40) ? "fhir" : NULL,
    .authorization = auths[(sel >> 4) & 3],
    .body = body, .len = len, .too_large = (sel & 0xc0) == 0x80,
  };
  srv_Server *s = (sel & 0x20) ? logging : plain;
  srv_Response rs = {0};
  srv_handle(s, &rq, &rs);
  if (rs.status < 100 || rs.status > 599) abort();
  if (rs.status == 200 && r <= 2 && (rq.authorization == auths[0]) && !rs.decision_id[0]) abort();
  if (rs.decision_id[0]) memcpy(last_id, rs.decision_id, sizeof last_id);
  if ((strcmp(rs.content_type, "application/json") == 0 || strcmp(rs.content_type, "application/fhir+json") == 0)
      && strcmp(method, "HEAD") != 0) {
    json_error_t je;
    json_t *j = json_loadb(rs.body.s ? rs.body.s : "", rs.body.n, 0, &je);
    if (!j) {
      fprintf(stderr, "fuzz_serve: answer %d is not JSON: %s\n", rs.status, je.text);
      abort();
    }
    json_decref(j);
  }
  pol_buf_free(&rs.body);
  return 0;
}
