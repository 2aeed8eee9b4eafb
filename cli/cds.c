/*
 * cds.c -- CDS Hooks for Da Vinci CRD (cds.h; docs/serve.md "CDS Hooks"):
 * the services, a hook request read as a PAS request Bundle, and the
 * cards and coverage-information extensions of the judged orders.
 */
#include "cds.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* The services: one per hook (docs/serve.md). */
#define CDS_SERVICES(X) \
  X("polvm-crd-order-sign", "order-sign", "polvm: coverage requirements at order signing") \
  X("polvm-crd-order-select", "order-select", "polvm: coverage requirements at order selection")

#define CRD_EXT "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
#define LINE_FIELD_EXT "https://polvm.dev/fhir/StructureDefinition/line-field/"
#define LINE_FIELD_SYSTEM "https://polvm.dev/fhir/CodeSystem/line-field"
#define ICD10_SYSTEM "http://hl7.org/fhir/sid/icd-10-cm"
/* CDS Hooks: a card's summary is at most 140 characters */
enum { CARD_SUMMARY_MAX = 140 };

/* H codes of a malformed hook request (docs/errors.md) */
#define H_NOT_REQUEST "H0016"
#define H_HOOK "H0017"
#define H_INSTANCE "H0018"
#define H_ORDERS "H0019"
#define H_PREFETCH "H0020"
#define H_CODE "H0021"

/* Cuts s (truncated by snprintf) before a UTF-8 sequence it left
   incomplete, so that it stays a JSON string; returns s. */
static char *utf8_trim(char *s)
{
  size_t n = strlen(s), i = n;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i == 0) return s;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (n - (i - 1) < want) s[i - 1] = '\0';
  return s;
}

json_t *cds_discovery(void)
{
  json_t *services = json_array();
#define X(id, hook, title)                                                                          \
  json_array_append_new(                                                                            \
      services, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "hook", hook, "id", id, "title", \
                          title, "description",                                                      \
                          "Judges each draft order against the loaded medical-necessity policies and "  \
                          "returns a card and the Da Vinci CRD coverage-information extension per order.", \
                          "prefetch", "patient", "Patient/{{context.patientId}}", "coverage",            \
                          "Coverage?patient={{context.patientId}}&status=active", "conditions",          \
                          "Condition?patient={{context.patientId}}"));
  CDS_SERVICES(X)
#undef X
  return json_pack("{s:o}", "services", services);
}

const char *cds_service_hook(const char *id)
{
#define X(sid, hook, title) \
  if (strcmp(id, sid) == 0) return hook;
  CDS_SERVICES(X)
#undef X
  return NULL;
}

/* ---- the request ------------------------------------------------------- */

static int is_order(const json_t *r)
{
  const char *rt = json_string_value(json_object_get(r, "resourceType"));
  return rt && (strcmp(rt, "ServiceRequest") == 0 || strcmp(rt, "DeviceRequest") == 0
                || strcmp(rt, "MedicationRequest") == 0);
}

/* The order's code: ServiceRequest.code, DeviceRequest.codeCodeableConcept,
   MedicationRequest.medicationCodeableConcept (borrowed), or NULL. */
static const json_t *order_code(const json_t *r)
{
  const json_t *c = json_object_get(r, "code");
  if (!c) c = json_object_get(r, "codeCodeableConcept");
  if (!c) c = json_object_get(r, "medicationCodeableConcept");
  return json_is_object(c) ? c : NULL;
}

/* Is order o (Type/id) among the order-select selections?  Every order is
   when there are none. */
static int selected(const json_t *context, const json_t *o)
{
  const json_t *sel = json_object_get(context, "selections");
  if (!json_is_array(sel) || json_array_size(sel) == 0) return 1;
  char ref[300];
  snprintf(ref, sizeof ref, "%s/%s", json_string_value(json_object_get(o, "resourceType")),
           json_string_value(json_object_get(o, "id")) ? json_string_value(json_object_get(o, "id")) : "");
  size_t i;
  const json_t *s;
  json_array_foreach(sel, i, s) if (json_is_string(s) && strcmp(json_string_value(s), ref) == 0) return 1;
  return 0;
}

/* The orders of req judged, in order: a new array of borrowed-then-
   incref'd resources, or NULL with *code and err. */
static json_t *orders_of(const json_t *req, const char **code, char *err, size_t errlen)
{
  const json_t *context = json_object_get(req, "context");
  const json_t *draft = json_object_get(context, "draftOrders");
  const json_t *entries = json_object_get(draft, "entry");
  if (!json_is_object(context) || !json_is_object(draft) || !json_is_array(entries)
      || strcmp(json_string_value(json_object_get(draft, "resourceType")) ? json_string_value(json_object_get(draft, "resourceType")) : "", "Bundle") != 0) {
    *code = H_ORDERS;
    snprintf(err, errlen, "context.draftOrders: expected a FHIR Bundle of orders");
    return NULL;
  }
  json_t *orders = json_array();
  size_t i;
  const json_t *e;
  json_array_foreach(entries, i, e) {
    const json_t *r = json_object_get(e, "resource");
    if (!is_order(r) || !selected(context, r)) continue;
    if (!order_code(r)) {
      *code = H_CODE;
      snprintf(err, errlen, "context.draftOrders.entry[%zu].resource: an order without a code", i);
      json_decref(orders);
      return NULL;
    }
    json_array_append(orders, (json_t *)r);
  }
  if (json_array_size(orders) == 0) {
    *code = H_ORDERS;
    snprintf(err, errlen,
             "context.draftOrders: no ServiceRequest, DeviceRequest or MedicationRequest to judge");
    json_decref(orders);
    return NULL;
  }
  return orders;
}

/* The date part of an order's authoredOn (borrowed), or NULL. */
static const char *authored(const json_t *o)
{
  const char *d = json_string_value(json_object_get(o, "authoredOn"));
  return d && strlen(d) >= 10 ? d : NULL;
}

/* The Claim item of order o (sequence seq); its line fields appended to
   info (the Claim's supportingInfo), the order's ICD-10 reasons to dx. */
static json_t *claim_item(const json_t *o, int seq, json_t *info, json_t *dx)
{
  json_t *item = json_pack("{s:i, s:O}", "sequence", seq, "productOrService", order_code(o));
  const char *when = json_string_value(json_object_get(o, "occurrenceDateTime"));
  if (!when) when = json_string_value(json_object_get(json_object_get(o, "occurrencePeriod"), "start"));
  if (when && strlen(when) >= 10) json_object_set_new(item, "servicedDate", json_stringn(when, 10));
  const json_t *qv = json_object_get(json_object_get(o, "quantityQuantity"), "value");
  if (json_is_number(qv)) json_object_set_new(item, "quantity", json_pack("{s:O}", "value", qv));
  json_t *seqs = json_array();
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(o, "extension"), i, x) {
    const char *url = json_string_value(json_object_get(x, "url"));
    if (!url || strncmp(url, LINE_FIELD_EXT, sizeof LINE_FIELD_EXT - 1) != 0) continue;
    json_t *si = json_pack("{s:I, s:{s:[{s:s, s:s}]}}", "sequence", (json_int_t)json_array_size(info) + 1,
                           "category", "coding", "system", LINE_FIELD_SYSTEM, "code",
                           url + sizeof LINE_FIELD_EXT - 1);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)x, k, v) if (strncmp(k, "value", 5) == 0) json_object_set(si, k, v);
    json_array_append_new(seqs, json_integer((json_int_t)json_array_size(info) + 1));
    json_array_append_new(info, si);
  }
  if (json_array_size(seqs)) json_object_set(item, "informationSequence", seqs);
  json_decref(seqs);
  json_t *dseq = json_array();
  const json_t *rc;
  json_array_foreach(json_object_get(o, "reasonCode"), i, rc) {
    size_t k;
    const json_t *c;
    json_array_foreach(json_object_get(rc, "coding"), k, c) {
      const char *sys = json_string_value(json_object_get(c, "system"));
      if (!sys || strcmp(sys, ICD10_SYSTEM) != 0) continue;
      json_int_t n = (json_int_t)json_array_size(dx) + 1;
      json_array_append_new(dx, json_pack("{s:I, s:{s:[O]}}", "sequence", n, "diagnosisCodeableConcept",
                                          "coding", c));
      json_array_append_new(dseq, json_integer(n));
    }
  }
  if (json_array_size(dseq)) json_object_set(item, "diagnosisSequence", dseq);
  json_decref(dseq);
  return item;
}

/* Appends the prefetch resources (a resource, or a Bundle's entries) to
   entries; -1 when prefetch is not an object of resources. */
static int add_prefetch(const json_t *prefetch, json_t *entries, const char **patient)
{
  if (!prefetch || json_is_null(prefetch)) return 0;
  if (!json_is_object(prefetch)) return -1;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)prefetch, k, v) {
    if (json_is_null(v)) continue;
    const char *rt = json_string_value(json_object_get(v, "resourceType"));
    if (!rt) return -1;
    if (strcmp(rt, "Bundle") == 0) {
      size_t i;
      const json_t *e;
      json_array_foreach(json_object_get(v, "entry"), i, e) {
        const json_t *r = json_object_get(e, "resource");
        if (!json_is_object(r)) continue;
        json_t *ne = json_pack("{s:O}", "resource", r);
        const json_t *full = json_object_get(e, "fullUrl");
        if (json_is_string(full)) json_object_set(ne, "fullUrl", (json_t *)full);
        json_array_append_new(entries, ne);
      }
      continue;
    }
    if (strcmp(rt, "Patient") == 0 && json_is_string(json_object_get(v, "id")))
      *patient = json_string_value(json_object_get(v, "id"));
    json_array_append_new(entries, json_pack("{s:O}", "resource", v));
  }
  return 0;
}

json_t *cds_request_bundle(const json_t *req, const char *hook, const char *today, const char **code,
                           char *err, size_t errlen)
{
  if (!json_is_object(req)) {
    *code = H_NOT_REQUEST;
    snprintf(err, errlen, "expected a CDS Hooks request object");
    return NULL;
  }
  const char *h = json_string_value(json_object_get(req, "hook"));
  if (!h || strcmp(h, hook) != 0) {
    *code = H_HOOK;
    snprintf(err, errlen, "hook: this service answers \"%s\", not \"%.60s\"", hook, h ? h : "(none)");
    return NULL;
  }
  const char *instance = json_string_value(json_object_get(req, "hookInstance"));
  if (!instance || !instance[0]) {
    *code = H_INSTANCE;
    snprintf(err, errlen, "hookInstance: expected a non-empty string");
    return NULL;
  }
  json_t *orders = orders_of(req, code, err, errlen);
  if (!orders) return NULL;
  json_t *entries = json_array();
  const char *patient = NULL;
  if (add_prefetch(json_object_get(req, "prefetch"), entries, &patient) != 0) {
    *code = H_PREFETCH;
    snprintf(err, errlen, "prefetch: expected an object of FHIR resources or Bundles (or null)");
    json_decref(orders);
    json_decref(entries);
    return NULL;
  }
  const char *created = NULL;
  json_t *items = json_array(), *info = json_array(), *dx = json_array();
  size_t i;
  json_t *o;
  json_array_foreach(orders, i, o) {
    if (!created) created = authored(o);
    json_array_append_new(items, claim_item(o, (int)i + 1, info, dx));
    json_array_insert_new(entries, i, json_pack("{s:O}", "resource", o));
  }
  char day[11];
  snprintf(day, sizeof day, "%.10s", created ? created : today);
  json_t *claim = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s}], s:s, s:o}", "resourceType", "Claim", "id", "cds",
                            "status", "active", "use", "preauthorization", "identifier", "value", instance,
                            "created", day, "item", items);
  if (json_array_size(info)) json_object_set(claim, "supportingInfo", info);
  if (json_array_size(dx)) json_object_set(claim, "diagnosis", dx);
  json_decref(info);
  json_decref(dx);
  if (patient) {
    char ref[300];
    snprintf(ref, sizeof ref, "Patient/%s", patient);
    utf8_trim(ref);
    json_object_set_new(claim, "patient", json_pack("{s:s}", "reference", ref));
  }
  json_array_insert_new(entries, 0, json_pack("{s:s, s:o}", "fullUrl", "urn:uuid:cds-claim", "resource", claim));
  json_decref(orders);
  return json_pack("{s:s, s:s, s:o}", "resourceType", "Bundle", "type", "collection", "entry", entries);
}

/* ---- the response ------------------------------------------------------ */

static const char *str_or(const json_t *v, const char *dflt)
{
  return json_is_string(v) ? json_string_value(v) : dflt;
}

/* The coverage-information values of a determination (docs/serve.md). */
typedef struct Coverage {
  const char *covered, *pa_needed, *doc_needed, *indicator, *says;
  int conditional;   /* info-needed, and the questionnaire when facts are missing */
} Coverage;

static Coverage coverage_of(const char *det)
{
  if (strcmp(det, "approve") == 0)
    return (Coverage){"covered", "satisfied", NULL, "info", "covered, the policy's criteria are met", 0};
  if (strcmp(det, "no_policy") == 0)
    return (Coverage){"covered", "no-auth", NULL, "info", "no policy governs it: no prior authorization", 0};
  if (strcmp(det, "deny") == 0)
    return (Coverage){"not-covered", NULL, NULL, "warning", "not covered: the policy's criteria are not met", 0};
  return (Coverage){"conditional", "auth-needed", "clinical", "warning",
                    "prior authorization needed: more documentation or review", 1};
}

static json_t *ext(const char *url, const char *type, json_t *value)
{
  return json_pack("{s:s, s:o}", "url", url, type, value);
}

/* The Coverage resource's reference among the prefetch resources, or NULL. */
static const char *coverage_id(const json_t *req, char *buf, size_t len)
{
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(req, "prefetch"), k, v) {
    const json_t *r = v;
    if (json_is_array(json_object_get(v, "entry"))) r = json_object_get(json_array_get(json_object_get(v, "entry"), 0), "resource");
    const char *rt = json_string_value(json_object_get(r, "resourceType"));
    const char *id = json_string_value(json_object_get(r, "id"));
    if (rt && id && strcmp(rt, "Coverage") == 0) {
      snprintf(buf, len, "Coverage/%s", id);
      return utf8_trim(buf);
    }
  }
  return NULL;
}

json_t *cds_response(const json_t *req, const json_t *trace, const char *date)
{
  const char *c;
  char err[256];
  json_t *orders = orders_of(req, &c, err, sizeof err);
  const json_t *dets = json_object_get(trace, "determinations");
  const char *instance = json_string_value(json_object_get(req, "hookInstance"));
  char covbuf[300];
  const char *cov = coverage_id(req, covbuf, sizeof covbuf);
  json_t *cards = json_array(), *actions = json_array();
  size_t i;
  json_t *o;
  json_array_foreach(orders, i, o) {
    const json_t *d = json_array_get(dets, i);
    const char *det = json_string_value(json_object_get(d, "determination"));
    if (!det) det = "no_policy";
    const json_t *pol = json_object_get(d, "policy");
    const char *pid = json_string_value(json_object_get(pol, "id"));
    const char *pver = json_string_value(json_object_get(pol, "version"));
    const json_t *codings = json_object_get(order_code(o), "coding");
    const char *code = json_string_value(json_object_get(json_array_get(codings, 0), "code"));
    const json_t *missing = json_object_get(d, "missing");
    Coverage k = coverage_of(det);
    char summary[CARD_SUMMARY_MAX + 1];
    snprintf(summary, sizeof summary, "%s: %s%s%s%s", code ? code : "order", k.says, pid ? " (" : "",
             pid ? pid : "", pid ? ")" : "");
    utf8_trim(summary);
    /* detail (markdown): the reasons, the facts still missing */
    pol_Buf detail = {0};
    size_t r;
    const json_t *reason;
    json_array_foreach(json_object_get(d, "reasons"), r, reason)
      pol_buf_printf(&detail, "* %s %s: %s\n", str_or(json_object_get(reason, "criterion"), ""),
                     str_or(json_object_get(reason, "status"), ""), str_or(json_object_get(reason, "text"), ""));
    const json_t *m;
    json_array_foreach(missing, r, m) {
      pol_buf_printf(&detail, "* %s unknown, missing:", str_or(json_object_get(m, "criterion"), ""));
      size_t f;
      const json_t *fact;
      json_array_foreach(json_object_get(m, "facts"), f, fact)
        pol_buf_printf(&detail, "%s %s", f ? "," : "", str_or(fact, "?"));
      pol_buf_puts(&detail, "\n");
    }
    char label[300];
    snprintf(label, sizeof label, "polvm%s%s%s%s", pid ? ": " : "", pid ? pid : "", pver ? " " : "",
             pver ? pver : "");
    utf8_trim(label);
    json_t *card = json_pack("{s:s, s:s, s:{s:s}}", "summary", summary, "indicator", k.indicator, "source",
                             "label", label);
    if (detail.n) json_object_set_new(card, "detail", json_stringn(detail.s, detail.n));
    pol_buf_free(&detail);
    json_array_append_new(cards, card);
    /* the extension */
    json_t *x = json_array();
    if (cov) json_array_append_new(x, ext("coverage", "valueReference", json_pack("{s:s}", "reference", cov)));
    json_array_append_new(x, ext("covered", "valueCode", json_string(k.covered)));
    if (k.pa_needed) json_array_append_new(x, ext("pa-needed", "valueCode", json_string(k.pa_needed)));
    if (k.doc_needed) json_array_append_new(x, ext("doc-needed", "valueCode", json_string(k.doc_needed)));
    if (k.conditional) json_array_append_new(x, ext("info-needed", "valueCode", json_string("OTH")));
    if (k.conditional && pid && json_array_size(missing)) {
      char q[300];
      snprintf(q, sizeof q, "urn:polc:questionnaire:%s", pid);
      utf8_trim(q);
      json_array_append_new(x, ext("questionnaire", "valueCanonical", json_string(q)));
    }
    if (date) json_array_append_new(x, ext("date", "valueDate", json_string(date)));
    char aid[300];
    snprintf(aid, sizeof aid, "%.200s-%zu", instance ? instance : "cds", i + 1);
    utf8_trim(aid);
    json_array_append_new(x, ext("coverage-assertion-id", "valueString", json_string(aid)));
    json_t *res = json_deep_copy(o);
    json_t *exts = json_object_get(res, "extension");
    if (!json_is_array(exts)) {
      exts = json_array();
      json_object_set_new(res, "extension", exts);
    }
    json_array_append_new(exts, json_pack("{s:s, s:o}", "url", CRD_EXT, "extension", x));
    json_array_append_new(actions, json_pack("{s:s, s:s, s:o}", "type", "update", "description", summary,
                                             "resource", res));
  }
  json_decref(orders);
  return json_pack("{s:o, s:o}", "cards", cards, "systemActions", actions);
}
