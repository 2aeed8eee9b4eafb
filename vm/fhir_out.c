/*
 * fhir_out.c -- the Da Vinci PAS ClaimResponse of a judged case (docs/fhir.md).
 *
 * The trace model is rendered once as JSON (pol_trace_json: reasons,
 * evidence, missing facts, authorization), read back, and mapped:
 *   determination -> X12 306 review action (A1 certified in total, A2
 *   certified partial, A3 not certified, A4 pended, A6 modified), its
 *   reason in plain words, the authorization number, period and quantity,
 *   and one processNote per specific reason or question to answer.
 * The JSON is written by pol_fhir_emit, whose strings all go through
 * fhir_str: a valid FHIR string, escaped by pol_buf_json_str
 * (docs/security.md "Outputs").
 */
#include "fhir_out.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trace.h"

#define PAS_SD "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
#define X12_306 "https://codesystem.x12.org/005010/306"
#define ADJ_CS "http://terminology.hl7.org/CodeSystem/adjudication"
#define CASE_ID_SYSTEM "urn:polvm:case-id"

/* ---- emitting ------------------------------------------------------------ */

/* Is cp whitespace that a FHIR string may not hold?  The R4 JSON Schema's
   string pattern is ^[ \r\n\t\S]+$: only these four of the whitespace
   characters of its regular expressions (ECMAScript \s) are allowed. */
static int bad_space(uint32_t cp)
{
  return cp == 0x0b || cp == 0x0c || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
         cp == 0xfeff;
}

/* s as a FHIR string, then a JSON string literal: whitespace other than
   space, tab, CR and LF becomes a space; the other control characters
   (which FHIR strings may not contain) U+FFFD; the rest through
   pol_buf_json_str (which escapes the misleading code points). */
static void fhir_str(pol_Buf *b, const char *s)
{
  pol_Buf t = {0};
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t cp = *p;
    int n = 1;
    if (*p >= 0xf0) { cp = *p & 0x07u; n = 4; }
    else if (*p >= 0xe0) { cp = *p & 0x0fu; n = 3; }
    else if (*p >= 0xc0) { cp = *p & 0x1fu; n = 2; }
    for (int i = 1; i < n; i++) {
      if ((p[i] & 0xc0) != 0x80) { n = i; break; }   /* cannot happen: jansson checked */
      cp = cp << 6 | (p[i] & 0x3fu);
    }
    if (bad_space(cp)) pol_buf_putc(&t, ' ');
    else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
      pol_buf_puts(&t, "\xef\xbf\xbd");
    else pol_buf_put(&t, (const char *)p, (size_t)n);
    p += n;
  }
  pol_buf_json_str(b, t.s ? t.s : "");
  pol_buf_free(&t);
}

static void emit_at(pol_Buf *b, const json_t *v, int depth)
{
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    const char *k;
    json_t *x;
    int first = 1;
    if (json_object_size(v) == 0) { pol_buf_puts(b, "{}"); return; }
    pol_buf_puts(b, "{");
    json_object_foreach((json_t *)v, k, x) {
      pol_buf_printf(b, "%s\n%*s", first ? "" : ",", (depth + 1) * 2, "");
      first = 0;
      pol_buf_json_str(b, k);
      pol_buf_puts(b, ": ");
      emit_at(b, x, depth + 1);
    }
    pol_buf_printf(b, "\n%*s}", depth * 2, "");
    return;
  }
  case JSON_ARRAY: {
    size_t i;
    json_t *x;
    if (json_array_size(v) == 0) { pol_buf_puts(b, "[]"); return; }
    pol_buf_puts(b, "[");
    json_array_foreach((json_t *)v, i, x) {
      pol_buf_printf(b, "%s\n%*s", i ? "," : "", (depth + 1) * 2, "");
      emit_at(b, x, depth + 1);
    }
    pol_buf_printf(b, "\n%*s]", depth * 2, "");
    return;
  }
  case JSON_STRING: fhir_str(b, json_string_value(v)); return;
  case JSON_INTEGER: pol_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return;
  case JSON_REAL: pol_buf_printf(b, "%.15g", json_real_value(v)); return;
  case JSON_TRUE: pol_buf_puts(b, "true"); return;
  case JSON_FALSE: pol_buf_puts(b, "false"); return;
  case JSON_NULL: pol_buf_puts(b, "null"); return;
  }
}

void pol_fhir_emit(pol_Buf *b, const json_t *v)
{
  emit_at(b, v, 0);
}

/* ---- small builders --------------------------------------------------- */

static const char *str_of(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static json_t *coding(const char *system, const char *code, const char *display)
{
  json_t *c = json_pack("{s:s, s:s}", "system", system, "code", code);
  if (display) json_object_set_new(c, "display", json_string(display));
  return json_pack("{s:[o]}", "coding", c);
}

static json_t *text_concept(const char *text)
{
  return json_pack("{s:s}", "text", text);
}

/* A value of the trace as plain words: strings as they are, null as
   "not documented", lists joined. */
static void value_words(pol_Buf *b, const json_t *v)
{
  switch (json_typeof(v)) {
  case JSON_STRING: pol_buf_puts(b, json_string_value(v)); return;
  case JSON_INTEGER: pol_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return;
  case JSON_REAL: pol_buf_printf(b, "%.15g", json_real_value(v)); return;
  case JSON_TRUE: pol_buf_puts(b, "true"); return;
  case JSON_FALSE: pol_buf_puts(b, "false"); return;
  case JSON_NULL: pol_buf_puts(b, "not documented"); return;
  case JSON_ARRAY: {
    size_t i;
    json_t *x;
    json_array_foreach((json_t *)v, i, x) {
      pol_buf_puts(b, i ? ", " : "");
      value_words(b, x);
    }
    if (!json_array_size(v)) pol_buf_puts(b, "none");
    return;
  }
  case JSON_OBJECT: pol_buf_puts(b, "(record)"); return;
  }
}

/* "fact = value (expected E; from: QUERY)" for each evidence record. */
static void evidence_words(pol_Buf *b, const json_t *ev)
{
  size_t i;
  json_t *e;
  json_array_foreach((json_t *)ev, i, e) {
    pol_buf_puts(b, i ? "; " : " Case values: ");
    pol_buf_puts(b, str_of(e, "fact"));
    pol_buf_puts(b, " = ");
    value_words(b, json_object_get(e, "value"));
    const char *x = json_string_value(json_object_get(e, "expected"));
    const char *q = json_string_value(json_object_get(e, "query"));
    if (x || q) {
      pol_buf_puts(b, " (");
      if (x) pol_buf_printf(b, "expected %s", x);
      if (q) pol_buf_printf(b, "%sfrom: %s", x ? "; " : "", q);
      pol_buf_puts(b, ")");
    }
  }
  if (i) pol_buf_puts(b, ".");
}

/* ---- one line ------------------------------------------------------------ */

typedef struct Line {
  json_t *notes;        /* the ClaimResponse's processNote array (borrowed) */
  json_t *numbers;      /* this item's noteNumber array (owned until set) */
  const json_t *policy; /* the trace's policy object, or NULL */
} Line;

static void add_note(Line *L, const char *text)
{
  json_int_t n = (json_int_t)json_array_size(L->notes) + 1;
  json_array_append_new(L->notes, json_pack("{s:I, s:s, s:s}", "number", n, "type", "display",
                                            "text", text));
  json_array_append_new(L->numbers, json_integer(n));
}

static void policy_words(pol_Buf *b, const json_t *pol)
{
  pol_buf_printf(b, "policy %s version %s", str_of(pol, "id"), str_of(pol, "version"));
}

/* One note per specific reason: the criterion's id and text, the policy,
   the case values that failed. */
static void reason_notes(Line *L, const json_t *reasons, const char *scope)
{
  size_t i;
  json_t *r;
  json_array_foreach((json_t *)reasons, i, r) {
    pol_Buf t = {0};
    const char *id = str_of(r, "criterion");
    int applies = strcmp(str_of(r, "status"), "met") == 0;
    if (strcmp(id, "otherwise") == 0) pol_buf_puts(&t, "No branch applies");
    else pol_buf_printf(&t, "%s %s %s", applies ? "Exclusion" : "Criterion", id,
                        applies ? "applies" : "not met");
    pol_buf_puts(&t, " (");
    policy_words(&t, L->policy);
    if (scope) pol_buf_printf(&t, ", %s", scope);
    pol_buf_printf(&t, "): %s", str_of(r, "text"));
    const json_t *det = json_object_get(r, "detail");
    if (json_array_size(det)) {
      size_t j;
      json_t *d;
      pol_buf_puts(&t, " Alternatives:");
      json_array_foreach((json_t *)det, j, d)
        pol_buf_printf(&t, "%s %s %s", j ? "," : "", str_of(d, "criterion"),
                       strcmp(str_of(d, "status"), "not_met") == 0 ? "not met" : str_of(d, "status"));
      pol_buf_puts(&t, ".");
    }
    evidence_words(&t, json_object_get(r, "evidence"));
    const char *next = json_string_value(json_object_get(r, "next_step"));
    if (next) pol_buf_printf(&t, " Next step: %s", next);
    add_note(L, t.s);
    pol_buf_free(&t);
  }
}

/* One note per question to answer: the facts (Questionnaire linkIds,
   `polc questionnaire`) whose answers decide the line. */
static void missing_notes(Line *L, const json_t *missing, json_t *linkids)
{
  size_t i;
  json_t *m;
  json_array_foreach((json_t *)missing, i, m) {
    pol_Buf t = {0};
    pol_buf_printf(&t, "Question to answer for %s (", str_of(m, "criterion"));
    policy_words(&t, L->policy);
    pol_buf_printf(&t, "): %s", str_of(m, "text"));
    const json_t *facts = json_object_get(m, "facts");
    size_t j;
    json_t *f;
    json_array_foreach((json_t *)facts, j, f) {
      pol_buf_puts(&t, j ? ", " : " Answer linkIds: ");
      pol_buf_puts(&t, json_string_value(f));
      int seen = 0;
      size_t k;
      json_t *g;
      json_array_foreach(linkids, k, g) seen |= json_equal(g, f);
      if (!seen) json_array_append(linkids, f);
    }
    if (j) pol_buf_puts(&t, ".");
    add_note(L, t.s);
    pol_buf_free(&t);
  }
}

/* The review action of a determination (docs/fhir.md "Mapping"). */
static const char *action_code(const char *det, int modified, const char **display)
{
  if (!strcmp(det, "approve")) {
    *display = modified ? "Modified" : "Certified in total";
    return modified ? "A6" : "A1";
  }
  if (!strcmp(det, "partial")) { *display = "Certified - partial"; return "A2"; }
  if (!strcmp(det, "deny") || !strcmp(det, "loi")) { *display = "Not certified"; return "A3"; }
  *display = "Pended";   /* pend, refer, no_policy */
  return "A4";
}

/* ": A.1, A.2" -- the ids of the failing criteria (*n counts them). */
static void reason_ids(pol_Buf *b, const json_t *reasons, int *n)
{
  size_t i;
  json_t *r;
  json_array_foreach((json_t *)reasons, i, r) {
    const char *id = str_of(r, "criterion");
    if (!strcmp(id, "otherwise")) continue;
    pol_buf_printf(b, "%s%s", (*n)++ ? ", " : ": criteria ", id);
  }
}

/* The review action's reason in plain words. */
static void reason_words(pol_Buf *b, const json_t *line, const char *det, const json_t *auth)
{
  const json_t *pol = json_object_get(line, "policy");
  if (!strcmp(det, "no_policy")) {
    pol_buf_puts(b, "No policy covers this service on this date; pended for manual review.");
    return;
  }
  if (!strcmp(det, "approve")) {
    pol_buf_puts(b, "Criteria met (");
    policy_words(b, pol);
    pol_buf_puts(b, ")");
    const json_t *ch = json_object_get(auth, "changes");
    size_t i;
    json_t *c;
    json_array_foreach((json_t *)ch, i, c) {
      pol_buf_printf(b, "%s%s ", i ? "; " : "; authorized as modified: ", str_of(c, "field"));
      value_words(b, json_object_get(c, "authorized"));
      pol_buf_puts(b, " (requested ");
      value_words(b, json_object_get(c, "requested"));
      pol_buf_puts(b, ")");
    }
    pol_buf_puts(b, ".");
    return;
  }
  if (!strcmp(det, "partial")) pol_buf_puts(b, "Some items certified, some not (");
  else if (!strcmp(det, "deny")) pol_buf_puts(b, "Not medically necessary (");
  else if (!strcmp(det, "loi")) pol_buf_puts(b, "Not certified for lack of information (");
  else if (!strcmp(det, "refer")) pol_buf_puts(b, "Pended for physician review (");
  else pol_buf_puts(b, "Pended: information missing (");
  policy_words(b, pol);
  pol_buf_puts(b, ")");
  int n = 0;
  reason_ids(b, json_object_get(line, "reasons"), &n);
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(line, "assessments"), i, a)
    if (strcmp(str_of(a, "determination"), "approve") != 0) reason_ids(b, json_object_get(a, "reasons"), &n);
  pol_buf_puts(b, n ? " not met" : "");
  pol_buf_puts(b, "; see the notes of this item.");
}

static json_t *ext_str(const char *url, const char *key, json_t *value)
{
  json_t *e = json_pack("{s:s}", "url", url);
  json_object_set_new(e, key, value);
  return e;
}

/* The ClaimResponse.item of one trace line. */
static json_t *line_item(const json_t *line, json_t *notes, json_t *linkids, const char *authno,
                         int *certified, json_t **period)
{
  Line L = {notes, json_array(), json_object_get(line, "policy")};
  const char *det = str_of(line, "determination");
  const json_t *auth = json_object_get(line, "authorization");
  const json_t *authz = json_object_get(auth, "authorized");
  int modified = json_is_true(json_object_get(auth, "modified"));
  const char *display;
  const char *code = action_code(det, modified, &display);
  json_int_t seq = json_integer_value(json_object_get(line, "line"));
  if (seq < 1) seq = 1;   /* positiveInt */

  /* notes: the specific reasons, then the questions */
  if (!strcmp(det, "refer")) add_note(&L, "Sent to a physician reviewer: the criteria leave this "
                                          "service to a physician's review.");
  if (!strcmp(det, "no_policy")) add_note(&L, "No policy of the payer's bundle covers this service "
                                              "code on this date: pended for manual review.");
  if (!strcmp(det, "loi")) add_note(&L, "Not certified for lack of information: the documentation "
                                        "needed to decide was not supplied.");
  if (L.policy && json_is_object(L.policy)) {
    reason_notes(&L, json_object_get(line, "reasons"), NULL);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(line, "assessments"), i, a) {
      if (!strcmp(str_of(a, "determination"), "approve")) continue;
      pol_Buf s = {0};
      pol_buf_printf(&s, "assessment %s", str_of(a, "aspect"));
      reason_notes(&L, json_object_get(a, "reasons"), s.s);
      pol_buf_free(&s);
    }
    json_t *it;
    json_array_foreach(json_object_get(line, "items"), i, it) {
      pol_Buf s = {0}, v = {0};
      value_words(&v, json_object_get(it, "item"));
      pol_buf_printf(&s, "item %s: %s", v.s ? v.s : "", str_of(it, "determination"));
      reason_notes(&L, json_object_get(it, "reasons"), s.s);
      pol_buf_free(&s);
      pol_buf_free(&v);
    }
    if (strcmp(det, "approve") != 0) {
      missing_notes(&L, json_object_get(line, "missing"), linkids);
      json_array_foreach(json_object_get(line, "items"), i, it)
        missing_notes(&L, json_object_get(it, "missing"), linkids);
    }
  }

  pol_Buf why = {0};
  reason_words(&why, line, det, auth);
  json_t *ra = json_pack("{s:s, s:[]}", "url", PAS_SD "extension-reviewAction", "extension");
  json_t *rax = json_object_get(ra, "extension");
  int cert = code[1] == '1' || code[1] == '2' || code[1] == '6';
  if (cert) {
    char num[128];
    snprintf(num, sizeof num, "%s-%lld", authno, (long long)seq);
    json_array_append_new(rax, ext_str("number", "valueString", json_string(num)));
    *certified = 1;
  }
  json_array_append_new(rax, ext_str("reasonCode", "valueCodeableConcept", text_concept(why.s)));
  json_t *cc = coding(X12_306, code, display);
  json_array_append_new(rax, ext_str(PAS_SD "extension-reviewActionCode", "valueCodeableConcept", cc));
  pol_buf_free(&why);

  json_t *adj = json_pack("{s:[o], s:o}", "extension", ra, "category",
                          coding(ADJ_CS, "submitted", "Submitted Amount"));
  json_t *item = json_object();
  json_t *exts = json_array();
  const char *start = json_string_value(json_object_get(authz, "start"));
  const char *end = json_string_value(json_object_get(authz, "end"));
  if (cert && (start || end)) {
    json_t *p = json_object();
    if (start) json_object_set_new(p, "start", json_string(start));
    if (end) json_object_set_new(p, "end", json_string(end));
    if (!*period) *period = json_deep_copy(p);
    json_array_append_new(exts, ext_str(PAS_SD "extension-itemPreAuthPeriod", "valuePeriod", p));
  }
  if (json_array_size(exts)) json_object_set_new(item, "extension", exts);
  else json_decref(exts);
  json_object_set_new(item, "itemSequence", json_integer(seq));
  if (json_array_size(L.numbers)) json_object_set_new(item, "noteNumber", L.numbers);
  else json_decref(L.numbers);
  json_t *adjs = json_pack("[o]", adj);
  const json_t *qty = json_object_get(authz, "quantity");
  if (cert && json_is_number(qty)) {
    json_t *q = json_pack("{s:o, s:O}", "category", text_concept("authorized quantity"), "value", qty);
    const char *per = json_string_value(json_object_get(authz, "per"));
    if (per) {
      char buf[96];
      snprintf(buf, sizeof buf, "per %s", per);
      json_object_set_new(q, "reason", text_concept(buf));
    }
    json_array_append_new(adjs, q);
  }
  json_object_set_new(item, "adjudication", adjs);
  return item;
}

/* ---- the resource -------------------------------------------------------- */

void pol_fhir_id(char out[65], const char *s)
{
  size_t n = 0;
  for (; s[n] && n < 64; n++) {
    char ch = s[n];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '.';
    out[n] = ok ? ch : '-';
  }
  out[n] = '\0';
}

static int is_date(const char *s)
{
  if (!s || strlen(s) != 10) return 0;
  for (int i = 0; i < 10; i++)
    if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
  return 1;
}

/* The overall outcome: queued when every item pends, partial when some
   do, complete when none does (docs/fhir.md). */
static const char *outcome_of(int npend, int nitems)
{
  if (nitems && npend == nitems) return "queued";
  return npend ? "partial" : "complete";
}

static json_t *claim_response(const json_t *trace, const pol_FhirMeta *meta, const char *created,
                              const char *sha_src)
{
  const char *case_id = str_of(trace, "case_id");
  if (!*case_id) case_id = "(no case id)";   /* a FHIR string is never empty */
  char id[65], authno[32];
  pol_fhir_id(id, case_id);
  snprintf(authno, sizeof authno, "PA-%.12s", sha_src);
  json_t *cr = json_pack("{s:s}", "resourceType", "ClaimResponse");
  if (*id) json_object_set_new(cr, "id", json_string(id));
  json_t *m = json_pack("{s:[s]}", "profile", PAS_SD "profile-claimresponse");
  const json_t *bundle = json_object_get(trace, "bundle");
  char src[128];
  snprintf(src, sizeof src, "urn:polvm:bundle:sha256:%.64s", str_of(bundle, "sha256"));
  json_object_set_new(m, "source", json_string(src));
  json_object_set_new(cr, "meta", m);
  json_object_set_new(cr, "identifier",
                      json_pack("[{s:s, s:s}]", "system", CASE_ID_SYSTEM, "value", case_id));
  json_object_set_new(cr, "status", json_string("active"));
  json_object_set_new(cr, "type", coding("http://terminology.hl7.org/CodeSystem/claim-type",
                                         "professional", "Professional"));
  json_object_set_new(cr, "use", json_string("preauthorization"));
  pol_Buf who = {0};
  pol_buf_printf(&who, "The patient of case %s", case_id);
  json_object_set_new(cr, "patient", json_pack("{s:s}", "display", who.s));
  pol_buf_free(&who);
  json_object_set_new(cr, "created", json_string(created));
  json_object_set_new(cr, "insurer", json_pack("{s:s}", "display", "The payer (polvm policy bundle)"));
  json_object_set_new(cr, "request", json_pack("{s:{s:s, s:s}}", "identifier", "system",
                                               CASE_ID_SYSTEM, "value", case_id));
  json_t *notes = json_array(), *items = json_array(), *linkids = json_array();
  json_t *period = NULL;
  int certified = 0, npend = 0;
  pol_Buf disp = {0};
  size_t i;
  json_t *line;
  json_array_foreach(json_object_get(trace, "determinations"), i, line) {
    const char *det = str_of(line, "determination");
    const char *display;
    action_code(det, json_is_true(json_object_get(json_object_get(line, "authorization"), "modified")),
                &display);
    npend += !strcmp(display, "Pended");
    json_t *cpt = json_object_get(line, "cpt");
    pol_buf_printf(&disp, "%sLine %" JSON_INTEGER_FORMAT " (%s): %s", i ? "; " : "",
                   json_integer_value(json_object_get(line, "line")),
                   json_is_string(cpt) ? json_string_value(cpt) : "no code", display);
    if (!strcmp(det, "loi")) pol_buf_puts(&disp, " (lack of information)");
    if (!strcmp(det, "refer")) pol_buf_puts(&disp, " (physician review)");
    json_array_append_new(items, line_item(line, notes, linkids, authno, &certified, &period));
  }
  size_t nlines = json_array_size(items);
  json_object_set_new(cr, "outcome", json_string(outcome_of(npend, (int)nlines)));
  if (!nlines) pol_buf_puts(&disp, "The request has no service lines.");
  else pol_buf_puts(&disp, ".");
  json_object_set_new(cr, "disposition", json_string(disp.s));
  pol_buf_free(&disp);
  if (certified) json_object_set_new(cr, "preAuthRef", json_string(authno));
  if (period) json_object_set_new(cr, "preAuthPeriod", period);
  if (nlines) json_object_set_new(cr, "item", items);
  else json_decref(items);
  if (json_array_size(notes)) json_object_set_new(cr, "processNote", notes);
  else json_decref(notes);
  json_decref(linkids);
  (void)meta;
  return cr;
}

/* A UUID-shaped text from 32 hex digits (the case hash): deterministic. */
static void uuid_of(char out[37], const char *hex)
{
  char h[33];
  snprintf(h, sizeof h, "%-32.32s", hex);
  for (int i = 0; i < 32; i++)
    if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) h[i] = '0';
  snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

int pol_trace_fhir(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const pol_LineResult *lines,
                   const pol_FhirMeta *meta, int flags)
{
  pol_Buf t = {0};
  pol_TraceMeta tm = {meta ? meta->case_sha256 : NULL};
  pol_trace_json(&t, vm, c, lines, &tm, 0);
  json_t *trace = json_loadb(t.s, t.n, 0, NULL);
  /* a number beyond 64-bit integers: read as a real */
  if (!trace) trace = json_loadb(t.s, t.n, JSON_DECODE_INT_AS_REAL, NULL);
  pol_buf_free(&t);
  if (!trace) return -1;

  char today[11];
  const char *created = meta ? meta->created : NULL;
  if (!is_date(created)) {
    time_t now = time(NULL);
    struct tm g;
    gmtime_r(&now, &g);
    strftime(today, sizeof today, "%Y-%m-%d", &g);
    created = today;
  }
  const char *sha = meta && meta->case_sha256 ? meta->case_sha256 : "000000000000";
  json_t *cr = claim_response(trace, meta, created, sha);
  json_t *out = cr;
  if (flags & POL_FHIR_BUNDLE) {
    char uuid[37], id[65], ts[32];
    uuid_of(uuid, sha);
    pol_fhir_id(id, str_of(trace, "case_id"));
    snprintf(ts, sizeof ts, "%sT00:00:00Z", created);
    out = json_pack("{s:s}", "resourceType", "Bundle");
    if (*id) json_object_set_new(out, "id", json_sprintf("%.50s-response", id));
    json_object_set_new(out, "meta", json_pack("{s:[s]}", "profile", PAS_SD "profile-pas-response-bundle"));
    json_object_set_new(out, "identifier", json_pack("{s:s, s:s}", "system", CASE_ID_SYSTEM, "value",
                                                     str_of(trace, "case_id")));
    json_object_set_new(out, "type", json_string("collection"));
    json_object_set_new(out, "timestamp", json_string(ts));
    json_object_set_new(out, "entry", json_pack("[{s:s+, s:o}]", "fullUrl", "urn:uuid:", uuid,
                                                "resource", cr));
  }
  pol_fhir_emit(b, out);
  pol_buf_puts(b, "\n");
  json_decref(out);
  json_decref(trace);
  return 0;
}
