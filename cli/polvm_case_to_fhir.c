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
 * silently.
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

/* the line fields carried as Claim.supportingInfo (stdlib/fhir.pol) */
static const char *const info_keys[] = {"approach", "side", "setting", "inpatient_days",
                                        "sedation", "open_indication", "purpose", "levels"};

static int is_date(const json_t *v)
{
  int32_t d;
  return json_is_string(v) && json_string_length(v) == 10 &&
         pol_parse_date(json_string_value(v), &d) == 0;
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
    json_t *seqs = json_array();
    for (size_t k = 0; k < sizeof info_keys / sizeof *info_keys; k++) {
      const json_t *v = json_object_get(pr, info_keys[k]);
      if (!v || json_is_null(v)) continue;
      /* a list (levels): one entry per item; an empty list cannot be said */
      size_t nv = json_is_array(v) ? json_array_size(v) : 1;
      if (json_is_array(v) && nv == 0) {
        char p[128];
        snprintf(p, sizeof p, "request.procedures[%zu].%s (an empty list)", i, info_keys[k]);
        not_carried(p);
      }
      for (size_t j = 0; j < nv; j++) {
        const json_t *x = json_is_array(v) ? json_array_get(v, j) : v;
        json_t *si = json_pack("{s:i,s:o}", "sequence", ++seq, "category", coding(SYS_LINE, info_keys[k]));
        if (json_is_number(x)) json_object_set_new(si, "valueQuantity", json_pack("{s:O}", "value", x));
        else if (json_is_boolean(x)) json_object_set(si, "valueBoolean", (json_t *)x);
        else json_object_set(si, "valueString", (json_t *)x);
        json_array_append_new(infos, si);
        json_array_append_new(seqs, json_integer(seq));
      }
    }
    if (json_array_size(seqs)) json_object_set_new(it, "informationSequence", seqs);
    else json_decref(seqs);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)pr, k, v) {
      static const char *const done[] = {"line", "cpt", "description", "units", "period_start", "period_end"};
      int known = 0;
      for (size_t d = 0; d < sizeof done / sizeof *done; d++) known |= strcmp(k, done[d]) == 0;
      for (size_t d = 0; d < sizeof info_keys / sizeof *info_keys; d++) known |= strcmp(k, info_keys[d]) == 0;
      if (!known && !json_is_null(v)) {
        char p[128];
        snprintf(p, sizeof p, "request.procedures[%zu].%s", i, k);
        not_carried(p);
      }
    }
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
  if (argc != 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    fputs("usage: polvm case-to-fhir CASE.json\n"
          "  writes the case as a FHIR R4 request Bundle (docs/fhir.md) on standard output;\n"
          "  what the Bundle cannot carry is named on standard error\n",
          argc == 2 ? stdout : stderr);
    return argc == 2 ? 0 : EXIT_USAGE;
  }
  char err[512];
  json_t *c = cli_read_json(argv[1], err, sizeof err);
  if (!c) {
    fprintf(stderr, "polvm: %s\n", err);
    return EXIT_CASE;
  }
  if (!json_is_object(c)) {
    fprintf(stderr, "polvm: %s: a case is a JSON object\n", argv[1]);
    json_decref(c);
    return EXIT_CASE;
  }
  json_t *entries = json_array();
  json_t *qr_items = json_array();
  const json_t *req = json_object_get(c, "request");
  const json_t *pat = json_object_get(c, "patient");
  const json_t *date = json_object_get(req, "date");

  json_t *claim = json_pack("{s:s,s:s,s:{s:s}}", "status", "active", "use", "preauthorization",
                            "patient", "reference", "urn:uuid:patient-1");
  const json_t *id = json_object_get(c, "case_id");
  if (json_is_string(id)) json_object_set_new(claim, "identifier", json_pack("[{s:O}]", "value", id));
  if (is_date(date)) json_object_set(claim, "created", (json_t *)date);
  json_object_set_new(claim, "item", claim_items(req, claim, qr_items));
  if (json_is_object(req)) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)req, k, v) {
      if (strcmp(k, "date") == 0 || strcmp(k, "service_date") == 0 || strcmp(k, "procedures") == 0) continue;
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
  if (json_is_string(sex)) json_object_set(patient, "gender", (json_t *)sex);
  json_t *bd = birth_date(json_object_get(pat, "age"), date);
  if (bd) json_object_set_new(patient, "birthDate", bd);
  entry(entries, "Patient", "patient-1", patient);
  if (json_is_object(pat)) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)pat, k, v) {
      if ((strcmp(k, "sex") == 0 && json_is_string(v)) || (strcmp(k, "age") == 0 && bd)) continue;
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
  entry(entries, "QuestionnaireResponse", "answers",
        json_pack("{s:s,s:{s:s},s:o}", "status", "completed", "subject", "reference",
                  "urn:uuid:patient-1", "item", qr_items));

  json_t *b = json_pack("{s:s,s:s,s:o}", "resourceType", "Bundle", "type", "collection", "entry", entries);
  int rc = json_dumpf(b, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && putchar('\n') != EOF ? 0 : EXIT_INTERNAL;
  json_decref(b);
  json_decref(c);
  return rc;
}
