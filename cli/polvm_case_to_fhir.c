/*
 * polvm_case_to_fhir.c -- `polvm case-to-fhir CASE.json`: the case as a
 * PAS-like FHIR R4 request Bundle that stdlib/fhir.pol reads back into the
 * same case (docs/fhir.md, "From a case to a Bundle").
 *
 * request -> Claim (created; one item per procedure: sequence, CPT coding,
 * description, quantity, servicedDate or servicedPeriod; the other line
 * fields as supportingInfo the item points to); patient.sex and .age ->
 * Patient (gender, a birthDate that gives the same age on request.date);
 * symptoms.pain_nrs -> an Observation (LOINC 72514-3); everything else ->
 * one QuestionnaireResponse whose linkIds are the case paths.  What it
 * cannot carry is named on stderr ("not carried: ..."), never dropped
 * silently.  With --questionnaire Q (the output of `polc questionnaire`)
 * the QuestionnaireResponse answers Q instead: its items nested as Q's,
 * one answer per question the case answers, a repeating group per record
 * (docs/fhir.md, "The round trip").
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "value.h"

#define SYS_CPT "http://www.ama-assn.org/go/cpt"
#define SYS_LOINC "http://loinc.org"
#define SYS_UCUM "http://unitsofmeasure.org"
#define SYS_LINE "https://polvm.dev/fhir/CodeSystem/line-field"
#define SYS_ICD10CM "http://hl7.org/fhir/sid/icd-10-cm"
#define SYS_RXNORM "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SYS_NDC "http://hl7.org/fhir/sid/ndc"
#define SYS_OBSCAT "http://terminology.hl7.org/CodeSystem/observation-category"
#define SYS_CLAIM_TYPE "http://terminology.hl7.org/CodeSystem/claim-type"
#define SYS_PRIORITY "http://terminology.hl7.org/CodeSystem/processpriority"

static int is_date(const json_t *v)
{
  int32_t d;
  return json_is_string(v) && json_string_length(v) == 10 &&
         pol_parse_date(json_string_value(v), &d) == 0;
}

/* A FHIR administrative-gender code? */
static int is_gender(const char *s)
{
  return strcmp(s, "male") == 0 || strcmp(s, "female") == 0 || strcmp(s, "other") == 0 ||
         strcmp(s, "unknown") == 0;
}

static json_t *coding(const char *sys, const char *code)
{
  return json_pack("{s:[{s:s,s:s}]}", "coding", "system", sys, "code", code);
}

/* A QuestionnaireResponse answer for a primitive value, or NULL. */
static json_t *answer(const json_t *v)
{
  if (json_is_boolean(v)) return json_pack("{s:O}", "valueBoolean", v);
  if (json_is_integer(v)) return json_pack("{s:O}", "valueInteger", v);
  if (json_is_real(v)) return json_pack("{s:O}", "valueDecimal", v);
  if (is_date(v)) return json_pack("{s:O}", "valueDate", v);
  if (json_is_string(v)) return json_pack("{s:O}", "valueString", v);
  return NULL;
}

static void not_carried(const char *path)
{
  fprintf(stderr, "polvm case-to-fhir: not carried: %s\n", path);
}

/* The item for value v at case path `path`, linkId `link`; NULL for null. */
static json_t *qr_item(const char *link, const char *path, const json_t *v);

/* The items of the members of object o (at path) into arr; linkIds are
   full paths when full, else the member names (fields of a record). */
static void qr_members(json_t *arr, const json_t *o, const char *path, int full)
{
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    char p[512];
    snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", k);
    if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
      /* a list of records: one group item per record */
      for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *g = json_pack("{s:s,s:[]}", "linkId", full ? p : k, "item");
        qr_members(json_object_get(g, "item"), json_array_get(v, i), p, 0);
        json_array_append_new(arr, g);
      }
      continue;
    }
    json_t *it = qr_item(full ? p : k, p, v);
    if (it) json_array_append_new(arr, it);
  }
}

static json_t *qr_item(const char *link, const char *path, const json_t *v)
{
  if (!v || json_is_null(v)) return NULL;
  json_t *it = json_pack("{s:s}", "linkId", link);
  if (json_is_object(v)) {
    json_t *kids = json_array();
    qr_members(kids, v, path, 1);
    if (json_array_size(kids)) json_object_set_new(it, "item", kids);
    else json_decref(kids);
    return it;
  }
  json_t *ans = json_array();
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++) {
      json_t *a = answer(json_array_get(v, i));
      if (a) json_array_append_new(ans, a);
      else {
        char p[540];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        not_carried(p);
      }
    }
  } else {
    json_t *a = answer(v);
    if (a) json_array_append_new(ans, a);
  }
  if (json_array_size(ans)) json_object_set_new(it, "answer", ans);   /* none: a known empty list */
  else json_decref(ans);
  return it;
}

static void entry(json_t *entries, const char *type, const char *id, json_t *res)
{
  char url[128];
  snprintf(url, sizeof url, "urn:uuid:%s", id);
  json_t *r = json_pack("{s:s,s:s}", "resourceType", type, "id", id);   /* first, for readers */
  json_object_update(r, res);
  json_decref(res);
  json_array_append_new(entries, json_pack("{s:s,s:o}", "fullUrl", url, "resource", r));
}

/* A birthDate giving `age` whole years on `on`, or NULL. */
static json_t *birth_date(const json_t *age, const json_t *on)
{
  int32_t d;
  if (!json_is_integer(age) || !is_date(on) || pol_parse_date(json_string_value(on), &d) != 0)
    return NULL;
  int y, m, dd;
  pol_civil_from_days(d, &y, &m, &dd);
  json_int_t a = json_integer_value(age);
  if (a < 0 || a > 200) return NULL;
  y -= (int)a;
  if (m == 2 && dd == 29) dd = 28;   /* a birthday that exists every year */
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, dd);
  return json_string(buf);
}

/* ---- the answers shaped by a Questionnaire (--questionnaire Q) ---------- */

/* The case value at a dotted path, or NULL. */
static const json_t *case_at(const json_t *c, const char *path)
{
  const json_t *o = c;
  while (o && *path) {
    size_t n = strcspn(path, ".");
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(n < 127 ? n : 127), path);
    o = json_object_get(o, key);
    path += n + (path[n] == '.');
  }
  return o && !json_is_null(o) ? o : NULL;
}

/* The answer item of question q (borrowed) for value v: as qr_item, a
   number answering a `decimal` question as valueDecimal. */
static json_t *q_answer(const json_t *q, const char *link, const json_t *v)
{
  const char *type = json_string_value(json_object_get(q, "type"));
  if (type && strcmp(type, "decimal") == 0 && json_is_integer(v)) {
    json_t *it = json_pack("{s:s,s:[{s:f}]}", "linkId", link, "answer", "valueDecimal",
                           (double)json_integer_value(v));
    return it;
  }
  return qr_item(link, link, v);
}

static void q_walk(json_t *out, const json_t *qitems, const json_t *c, const json_t *rec, const char *prefix);

/* The group items of a repeating group q (a list of records) for list v:
   one per record, none but an empty one for an empty list. */
static void q_records(json_t *out, const json_t *q, const char *link, const json_t *v)
{
  if (!json_is_array(v)) return;
  if (json_array_size(v) == 0) {   /* a known empty list: the group without items */
    json_array_append_new(out, json_pack("{s:s}", "linkId", link));
    return;
  }
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%s[].", link);
  for (size_t i = 0; i < json_array_size(v); i++) {
    json_t *kids = json_array();
    q_walk(kids, json_object_get(q, "item"), NULL, json_array_get(v, i), prefix);
    json_t *g = json_pack("{s:s}", "linkId", link);
    if (json_array_size(kids)) json_object_set_new(g, "item", kids);
    else json_decref(kids);
    json_array_append_new(out, g);
  }
}

/* The answers to the items qitems of a Questionnaire: questions about the
   case c (linkId a case path), or, under a repeating group, about the
   record rec (linkId prefix + field).  Groups keep the Questionnaire's
   nesting; a group with nothing answered is left out, as are the line
   fields (request.procedures[].X: the Claim carries them). */
static void q_walk(json_t *out, const json_t *qitems, const json_t *c, const json_t *rec, const char *prefix)
{
  for (size_t i = 0; i < json_array_size(qitems); i++) {
    const json_t *q = json_array_get(qitems, i);
    const char *link = json_string_value(json_object_get(q, "linkId"));
    const char *type = json_string_value(json_object_get(q, "type"));
    if (!link || !type || strcmp(type, "display") == 0) continue;
    const json_t *v = NULL;
    if (rec) {
      size_t pl = strlen(prefix);
      if (strncmp(link, prefix, pl) != 0) continue;
      v = json_object_get(rec, link + pl);
    } else if (!strstr(link, "[]")) {
      v = case_at(c, link);
    }
    int repeats = json_is_true(json_object_get(q, "repeats"));
    if (strcmp(type, "group") == 0 && repeats) {
      q_records(out, q, link, v);
    } else if (strcmp(type, "group") == 0) {
      json_t *kids = json_array();
      q_walk(kids, json_object_get(q, "item"), c, rec, prefix);
      if (json_array_size(kids))
        json_array_append_new(out, json_pack("{s:s,s:o}", "linkId", link, "item", kids));
      else json_decref(kids);
    } else if (v && !json_is_null(v)) {
      json_t *it = q_answer(q, link, v);
      if (it) json_array_append_new(out, it);
    }
  }
}

/* labs -> one laboratory Observation per record (stdlib/fhir.pol's labs
   binding): 1 when every record has only the fields it reads and a name
   or a LOINC code (Observation.code is required), else 0 and nothing
   added (the list goes to the answers). */
static int lab_observations(json_t *entries, const json_t *labs)
{
  static const char *const fields[] = {"date", "test", "loinc", "value", "unit", "source"};
  if (!json_is_array(labs) || json_array_size(labs) == 0) return 0;
  size_t i;
  json_t *lab;
  json_array_foreach((json_t *)labs, i, lab) {
    if (!json_is_object(lab)) return 0;
    const char *k;
    json_t *v;
    json_object_foreach(lab, k, v) {
      int known = 0;
      for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) known |= strcmp(k, fields[f]) == 0;
      if (!known) return 0;
    }
    const json_t *date = json_object_get(lab, "date"), *val = json_object_get(lab, "value");
    if (!json_is_string(json_object_get(lab, "test")) && !json_is_string(json_object_get(lab, "loinc"))) return 0;
    if ((date && !is_date(date)) || (val && !json_is_number(val))) return 0;
    const json_t *unit = json_object_get(lab, "unit"), *src = json_object_get(lab, "source");
    if ((unit && (!json_is_string(unit) || !val)) || (src && !json_is_string(src))) return 0;
  }
  json_array_foreach((json_t *)labs, i, lab) {
    json_t *code = json_object();
    const char *loinc = json_string_value(json_object_get(lab, "loinc"));
    if (loinc) json_object_set_new(code, "coding", json_pack("[{s:s,s:s}]", "system", SYS_LOINC, "code", loinc));
    const json_t *test = json_object_get(lab, "test");
    if (json_is_string(test)) json_object_set(code, "text", (json_t *)test);
    json_t *obs = json_pack("{s:s,s:[{s:[{s:s,s:s}]}],s:o,s:{s:s}}", "status", "final", "category", "coding",
                            "system", SYS_OBSCAT, "code", "laboratory", "code", code, "subject", "reference",
                            "urn:uuid:patient-1");
    const json_t *date = json_object_get(lab, "date"), *val = json_object_get(lab, "value");
    const json_t *unit = json_object_get(lab, "unit"), *src = json_object_get(lab, "source");
    if (date) json_object_set(obs, "effectiveDateTime", (json_t *)date);
    if (val) {
      json_t *q = json_pack("{s:O}", "value", val);
      if (unit) {
        json_t *u = json_pack("{s:O,s:s,s:O}", "unit", unit, "system", SYS_UCUM, "code", unit);
        json_object_update(q, u);
        json_decref(u);
      }
      json_object_set_new(obs, "valueQuantity", q);
    }
    if (src) json_object_set_new(obs, "method", json_pack("{s:O}", "text", src));
    char id[32];
    snprintf(id, sizeof id, "lab-%zu", i + 1);
    entry(entries, "Observation", id, obs);
  }
  return 1;
}

/* The sequence of the Claim.diagnosis entry of ICD-10-CM code `code`
   (a string), added when the Claim has none yet. */
static json_int_t diagnosis_seq(json_t *claim, const json_t *code)
{
  json_t *diags = json_object_get(claim, "diagnosis");
  if (!diags) json_object_set_new(claim, "diagnosis", diags = json_array());
  size_t i;
  json_t *d;
  json_array_foreach(diags, i, d) {
    const json_t *c = json_object_get(json_array_get(json_object_get(json_object_get(d, "diagnosisCodeableConcept"), "coding"), 0), "code");
    if (json_equal((json_t *)c, (json_t *)code)) return json_integer_value(json_object_get(d, "sequence"));
  }
  json_int_t seq = (json_int_t)json_array_size(diags) + 1;
  json_array_append_new(diags, json_pack("{s:I,s:{s:[{s:s,s:O}]}}", "sequence", seq, "diagnosisCodeableConcept",
                                         "coding", "system", SYS_ICD10CM, "code", code));
  return seq;
}

static json_t *claim_items(const json_t *req, json_t *claim, json_t *qr_extra)
{
  json_t *items = json_array(), *infos = json_array();
  const json_t *procs = json_object_get(req, "procedures");
  const json_t *sdate = json_object_get(req, "service_date");
  int sdate_used = 0, seq = 0;
  for (size_t i = 0; i < json_array_size(procs); i++) {
    const json_t *pr = json_array_get(procs, i);
    json_t *it = json_object();
    const json_t *ln = json_object_get(pr, "line");
    json_object_set_new(it, "sequence", json_is_integer(ln) ? json_copy((json_t *)ln) : json_integer((json_int_t)i + 1));
    const char *cpt = json_string_value(json_object_get(pr, "cpt"));
    json_t *ps = cpt ? coding(SYS_CPT, cpt) : json_object();
    const json_t *desc = json_object_get(pr, "description");
    if (json_is_string(desc)) json_object_set(ps, "text", (json_t *)desc);
    json_object_set_new(it, "productOrService", ps);
    const json_t *u = json_object_get(pr, "units");
    if (json_is_number(u)) json_object_set_new(it, "quantity", json_pack("{s:O}", "value", u));
    const json_t *ps0 = json_object_get(pr, "period_start"), *pe = json_object_get(pr, "period_end");
    if (is_date(ps0) || is_date(pe)) {
      json_t *per = json_object();
      if (is_date(ps0)) json_object_set(per, "start", (json_t *)ps0);
      if (is_date(pe)) json_object_set(per, "end", (json_t *)pe);
      json_object_set_new(it, "servicedPeriod", per);
    } else if (is_date(sdate)) {
      json_object_set(it, "servicedDate", (json_t *)sdate);
      sdate_used = 1;
    }
    /* the line's diagnoses: Claim.diagnosis entries the item points to */
    const json_t *dx = json_object_get(pr, "diagnoses");
    if (json_is_array(dx) && json_array_size(dx)) {
      json_t *dseq = json_array();
      for (size_t j = 0; j < json_array_size(dx); j++)
        json_array_append_new(dseq, json_integer(diagnosis_seq(claim, json_array_get(dx, j))));
      json_object_set_new(it, "diagnosisSequence", dseq);
    } else if (json_is_array(dx)) {
      char p[128];
      snprintf(p, sizeof p, "request.procedures[%zu].diagnoses (an empty list)", i);
      not_carried(p);
    }
    /* the drug: RxNorm and NDC codings beside the procedure code */
    static const struct { const char *key, *sys; } drug[] = {{"rxnorm", SYS_RXNORM}, {"ndc", SYS_NDC}};
    for (size_t d = 0; d < sizeof drug / sizeof *drug; d++) {
      const char *code = json_string_value(json_object_get(pr, drug[d].key));
      if (!code) continue;
      json_t *cod = json_object_get(ps, "coding");
      if (!cod) json_object_set_new(ps, "coding", cod = json_array());
      json_array_append_new(cod, json_pack("{s:s,s:s}", "system", drug[d].sys, "code", code));
    }
    /* every other line field: supportingInfo of that category, the item
       pointing to it (stdlib's info(...) bindings, and for a policy's own
       line facts the reader's fallback) */
    json_t *seqs = json_array();
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)pr, k, v) {
      static const char *const done[] = {"line", "cpt", "description", "units", "period_start",
                                         "period_end", "diagnoses", "rxnorm", "ndc"};
      int known = 0;
      for (size_t d = 0; d < sizeof done / sizeof *done; d++) known |= strcmp(k, done[d]) == 0;
      if (known || json_is_null(v)) continue;
      /* a list: one entry per item; an empty list cannot be said */
      size_t nv = json_is_array(v) ? json_array_size(v) : 1;
      int ok = !json_is_object(v) && nv > 0;
      for (size_t j = 0; ok && json_is_array(v) && j < nv; j++) {
        const json_t *x = json_array_get(v, j);
        ok = json_is_string(x) || json_is_number(x) || json_is_boolean(x);
      }
      if (!ok) {
        char p[128];
        snprintf(p, sizeof p, "request.procedures[%zu].%s%s", i, k, nv ? "" : " (an empty list)");
        not_carried(p);
        continue;
      }
      for (size_t j = 0; j < nv; j++) {
        const json_t *x = json_is_array(v) ? json_array_get(v, j) : v;
        json_t *si = json_pack("{s:i,s:o}", "sequence", ++seq, "category", coding(SYS_LINE, k));
        if (json_is_number(x)) json_object_set_new(si, "valueQuantity", json_pack("{s:O}", "value", x));
        else if (json_is_boolean(x)) json_object_set(si, "valueBoolean", (json_t *)x);
        else json_object_set(si, "valueString", (json_t *)x);
        json_array_append_new(infos, si);
        json_array_append_new(seqs, json_integer(seq));
      }
    }
    if (json_array_size(seqs)) json_object_set_new(it, "informationSequence", seqs);
    else json_decref(seqs);
    json_array_append_new(items, it);
  }
  if (json_array_size(infos)) json_object_set_new(claim, "supportingInfo", infos);
  else json_decref(infos);
  /* a service date no item could carry goes to the questionnaire */
  if (!sdate_used && is_date(sdate)) {
    json_t *a = qr_item("request.service_date", "request.service_date", sdate);
    json_array_append_new(qr_extra, a);
  }
  return items;
}

int polvm_case_to_fhir_main(int argc, char **argv)
{
  const char *qpath = NULL, *cpath = NULL;
  int usage = 0, help = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) help = 1;
    else if (strcmp(argv[i], "--questionnaire") == 0 && i + 1 < argc && !qpath) qpath = argv[++i];
    else if (argv[i][0] != '-' && !cpath) cpath = argv[i];
    else usage = 1;
  }
  if (help || usage || !cpath) {
    fputs("usage: polvm case-to-fhir [--questionnaire Q.json] CASE.json\n"
          "  writes the case as a FHIR R4 request Bundle (docs/fhir.md) on standard output;\n"
          "  what the Bundle cannot carry is named on standard error; with --questionnaire\n"
          "  the QuestionnaireResponse answers that Questionnaire (polc questionnaire)\n",
          help ? stdout : stderr);
    return help ? 0 : EXIT_USAGE;
  }
  char err[512];
  json_t *quest = NULL;
  if (qpath) {
    quest = cli_read_json(qpath, err, sizeof err);
    const char *rt = json_string_value(json_object_get(quest, "resourceType"));
    if (!quest || !rt || strcmp(rt, "Questionnaire") != 0) {
      fprintf(stderr, "polvm: %s: %s\n", qpath, quest ? "not a FHIR Questionnaire" : err);
      json_decref(quest);
      return EXIT_CASE;
    }
  }
  json_t *c = cli_read_json(cpath, err, sizeof err);
  if (!c) {
    fprintf(stderr, "polvm: %s\n", err);
    json_decref(quest);
    return EXIT_CASE;
  }
  if (!json_is_object(c)) {
    fprintf(stderr, "polvm: %s: a case is a JSON object\n", cpath);
    json_decref(c);
    json_decref(quest);
    return EXIT_CASE;
  }
  json_t *entries = json_array();
  json_t *qr_items = json_array();
  const json_t *req = json_object_get(c, "request");
  const json_t *pat = json_object_get(c, "patient");
  const json_t *date = json_object_get(req, "date");

  /* the elements FHIR R4 requires of a Claim (type, priority, provider,
     insurance) with neutral values: the case format names no provider or
     payer, and no binding reads them */
  json_t *claim = json_pack("{s:s,s:o,s:s,s:{s:s},s:{s:s},s:o,s:[{s:i,s:b,s:{s:s}}]}", "status", "active",
                            "type", coding(SYS_CLAIM_TYPE, "professional"), "use", "preauthorization",
                            "patient", "reference", "urn:uuid:patient-1", "provider", "display",
                            "not stated", "priority", coding(SYS_PRIORITY, "normal"), "insurance",
                            "sequence", 1, "focal", 1, "coverage", "reference", "urn:uuid:coverage-1");
  const json_t *id = json_object_get(c, "case_id");
  if (json_is_string(id)) json_object_set_new(claim, "identifier", json_pack("[{s:O}]", "value", id));
  if (is_date(date)) json_object_set(claim, "created", (json_t *)date);
  /* the request's diagnoses: Claim.diagnosis (stdlib reads every entry,
     the lines' ones too) */
  const json_t *rdx = json_object_get(req, "diagnoses");
  int rdx_done = json_is_array(rdx) && json_array_size(rdx) > 0;
  for (size_t i = 0; rdx_done && i < json_array_size(rdx); i++)
    rdx_done = json_is_string(json_array_get(rdx, i));
  for (size_t i = 0; rdx_done && i < json_array_size(rdx); i++) diagnosis_seq(claim, json_array_get(rdx, i));
  json_object_set_new(claim, "item", claim_items(req, claim, qr_items));
  if (json_is_object(req)) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)req, k, v) {
      if (strcmp(k, "date") == 0 || strcmp(k, "service_date") == 0 || strcmp(k, "procedures") == 0 ||
          (strcmp(k, "diagnoses") == 0 && rdx_done))
        continue;
      char p[128];
      snprintf(p, sizeof p, "request.%s", k);
      if (strcmp(k, "review") == 0) {   /* read by vm/case.c, not by facts: no binding yet */
        not_carried(p);
        continue;
      }
      json_t *it = qr_item(p, p, v);
      if (it) json_array_append_new(qr_items, it);
    }
  }
  entry(entries, "Claim", "claim-1", claim);

  json_t *patient = json_object();
  const json_t *sex = json_object_get(pat, "sex");
  /* FHIR's gender codes only; another spelling ("F") goes to the answers */
  int gender = json_is_string(sex) && is_gender(json_string_value(sex));
  if (gender) json_object_set(patient, "gender", (json_t *)sex);
  json_t *bd = birth_date(json_object_get(pat, "age"), date);
  if (bd) json_object_set_new(patient, "birthDate", bd);
  entry(entries, "Patient", "patient-1", patient);
  entry(entries, "Coverage", "coverage-1",
        json_pack("{s:s,s:{s:s},s:[{s:s}]}", "status", "active", "beneficiary", "reference",
                  "urn:uuid:patient-1", "payor", "display", "not stated"));
  if (json_is_object(pat)) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)pat, k, v) {
      if ((strcmp(k, "sex") == 0 && gender) || (strcmp(k, "age") == 0 && bd)) continue;
      char p[128];
      snprintf(p, sizeof p, "patient.%s", k);
      json_t *it = qr_item(p, p, v);
      if (it) json_array_append_new(qr_items, it);
    }
  }

  const json_t *sym = json_object_get(c, "symptoms");
  const json_t *nrs = json_object_get(sym, "pain_nrs");
  if (json_is_number(nrs))
    entry(entries, "Observation", "pain-nrs",
          json_pack("{s:s,s:o,s:{s:s},s:{s:O,s:s,s:s,s:s}}", "status", "final", "code",
                    coding(SYS_LOINC, "72514-3"), "subject", "reference", "urn:uuid:patient-1",
                    "valueQuantity", "value", nrs, "unit", "{score}", "system", SYS_UCUM, "code",
                    "{score}"));

  const char *k;
  const json_t *v;
  json_object_foreach(c, k, v) {
    if (strcmp(k, "case_id") == 0 || strcmp(k, "request") == 0 || strcmp(k, "patient") == 0) continue;
    if (strcmp(k, "labs") == 0 && lab_observations(entries, v)) continue;
    if (strcmp(k, "symptoms") == 0 && json_is_object(v)) {
      json_t *copy = json_deep_copy(v);
      if (json_is_number(nrs)) json_object_del(copy, "pain_nrs");
      json_t *it = qr_item(k, k, copy);
      json_decref(copy);
      if (it) json_array_append_new(qr_items, it);
      continue;
    }
    if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
      json_t *wrap = json_object();
      json_object_set(wrap, k, (json_t *)v);
      qr_members(qr_items, wrap, "", 1);
      json_decref(wrap);
      continue;
    }
    json_t *it = qr_item(k, k, v);
    if (it) json_array_append_new(qr_items, it);
  }
  json_t *qr = json_pack("{s:s,s:{s:s}}", "status", "completed", "subject", "reference", "urn:uuid:patient-1");
  if (quest) {
    /* the Questionnaire's items, then what the Claim could not carry
       (request.service_date, request.plan: the questionnaire leaves the
       request to the Claim) */
    json_t *shaped = json_array();
    q_walk(shaped, json_object_get(quest, "item"), c, NULL, "");
    size_t i;
    json_t *it;
    json_array_foreach(qr_items, i, it) {
      const char *l = json_string_value(json_object_get(it, "linkId"));
      if (l && strncmp(l, "request.", 8) == 0) json_array_append(shaped, it);
    }
    json_decref(qr_items);
    qr_items = shaped;
    const json_t *url = json_object_get(quest, "url");
    if (json_is_string(url)) json_object_set(qr, "questionnaire", (json_t *)url);
  }
  json_object_set_new(qr, "item", qr_items);
  entry(entries, "QuestionnaireResponse", "answers", qr);

  json_t *b = json_pack("{s:s,s:s,s:o}", "resourceType", "Bundle", "type", "collection", "entry", entries);
  int rc = json_dumpf(b, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && putchar('\n') != EOF ? 0 : EXIT_INTERNAL;
  json_decref(b);
  json_decref(c);
  json_decref(quest);
  return rc;
}
