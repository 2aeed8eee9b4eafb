/*
 * test_fhir_fast.c -- value-set bindings (`fhir PATH from Condition where
 * code in VALUESET`, docs/fhir.md) for Condition, MedicationRequest,
 * MedicationStatement, Procedure and Observation, and the fast path for
 * Bundles (vm/fhir_fast.c): it gives the reference's case (vm/fhir_in.c
 * through pol_case_load), and refuses -- leaving the notes and errors to
 * the reference -- where the reference notes or fails.
 *
 * Ownership: an Ex owns its program, cases and reader; ex_free frees them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "bundle.h"
#include "case.h"
#include "compile.h"
#include "fhir_fast.h"
#include "jread.h"
#include "unit_compile.h"
#include "../fuzz/fuzz.h"   /* fz_case_diff */

static const char SRC[] =
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
  "valueset RA \"RA\" icd10cm { \"M05.*\", except \"M05.9\" }\n"
  "valueset MTX \"MTX\" rxnorm { \"6851\" }\n"
  "valueset XR \"XR\" cpt { \"73500\" .. \"73660\" }\n"
  "valueset CRP \"CRP\" loinc { \"1988-5\" }\n"
  "record Dx { code: string\n day: date }\n"
  "fact ra: list<Dx> = ra\nfact req: list<Dx> = mtx.requests\nfact st: list<Dx> = mtx.statements\n"
  "fact xr: list<Dx> = xr\nfact crp: number = crp\nfact cpt: string = line.cpt\n"
  "fhir request.procedures from Claim.item { cpt = productOrService.coding.code }\n"
  "fhir ra from Condition where code in RA {\n"
  "  code = code(code, \"http://hl7.org/fhir/sid/icd-10-cm\")\n  day = onsetDateTime\n}\n"
  "fhir mtx.requests from MedicationRequest where medicationCodeableConcept in MTX {\n"
  "  code = code(medicationCodeableConcept, \"http://www.nlm.nih.gov/research/umls/rxnorm\")\n"
  "  day = authoredOn\n}\n"
  "fhir mtx.statements from MedicationStatement where medicationCodeableConcept in MTX {\n"
  "  code = code(medicationCodeableConcept, \"http://www.nlm.nih.gov/research/umls/rxnorm\")\n"
  "  day = effectivePeriod.start\n}\n"
  "fhir xr from Procedure where code in XR {\n"
  "  code = code(code, \"http://www.ama-assn.org/go/cpt\")\n  day = performedDateTime\n}\n"
  "fhir crp from Observation where code in CRP = valueQuantity.value\n"
  "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";

typedef struct Ex {
  pol_Program *p;
  pol_Case *ref, *fast;
  pol_JRead *jr;
  pol_FhirFast *ff;
  char text[8192];
  size_t len;
  char err[512];
} Ex;

/* The policy src compiled, through its bundle, with a reference case, a
   fast-path case and both readers on it. */
static void ex_compile_src(Ex *x, const char *src)
{
  memset(x, 0, sizeof *x);
  char *msgs;
  pol_Program *p = ut_compile(src, &msgs);
  if (!p) fail_msg("compile failed:\n%s", msgs);
  free(msgs);
  x->p = ut_reload(p);
  x->ref = pol_case_new(x->p);
  x->fast = pol_case_new(x->p);
  x->jr = pol_jread_new(x->p);
  x->ff = pol_fhir_fast_new(x->p);
  assert_true(x->ref && x->fast && x->jr && x->ff);
}

static void ex_compile(Ex *x) { ex_compile_src(x, SRC); }

static void ex_free(Ex *x)
{
  pol_fhir_fast_free(x->ff);
  pol_jread_free(x->jr);
  pol_case_free(x->ref);
  pol_case_free(x->fast);
  pol_program_free(x->p);
}

/* A Bundle text: a Claim, then entries.  The reference loads it into
   x->ref: its status. */
static int bundle(Ex *x, const char *entries)
{
  int n = snprintf(x->text, sizeof x->text,
                   "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": \"Claim\", "
                   "\"id\": \"t\", \"use\": \"preauthorization\", \"item\": [{\"sequence\": 1, "
                   "\"productOrService\": {\"coding\": [{\"system\": \"http://www.ama-assn.org/go/cpt\", "
                   "\"code\": \"X1\"}]}}]}}%s%s]}",
                   *entries ? ", " : "", entries);
  assert_true(n > 0 && (size_t)n < sizeof x->text);
  x->len = (size_t)n;
  pol_CaseError ce;
  json_t *root = pol_case_parse(x->text, x->len, &ce);
  if (!root) fail_msg("bad test JSON: %s: %s", ce.text, x->text);
  int rc = pol_case_load(x->ref, root, x->err, sizeof x->err);
  json_decref(root);
  return rc;
}

static const pol_Value *fact(const Ex *x, const pol_Case *c, const char *path)
{
  for (uint32_t f = 0; f < x->p->nfacts; f++)
    if (strcmp(x->p->str[x->p->facts[f].path], path) == 0) return &pol_case_slots(c, 0)[f];
  fail_msg("no fact %s", path);
  return NULL;
}

/* The codes of a list<Dx> fact, comma-separated; "?" when unknown. */
static const char *codes(const Ex *x, const pol_Case *c, const char *path, char *buf, size_t n)
{
  const pol_Value *v = fact(x, c, path);
  if (v->tag == PV_UNK) return "?";
  assert_int_equal(v->tag, PV_LIST);
  const pol_List *l = v->u.p;
  buf[0] = '\0';
  for (uint32_t i = 0; i < l->n; i++) {
    const pol_Value *r = l->items[i].u.p;
    snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : "", r[0].tag == PV_STR ? r[0].u.s : "?");
  }
  return buf;
}

/* The fast path gives the reference's case, with no notes. */
static void fast_same(Ex *x)
{
  assert_int_equal(pol_fhir_fast_load(x->ff, x->jr, x->fast, x->text, x->len), 0);
  assert_string_equal(pol_case_notes(x->ref), "");
  assert_string_equal(pol_case_id(x->fast), pol_case_id(x->ref));
  static const char *const lists[] = {"ra", "mtx.requests", "mtx.statements", "xr"};
  char a[256], b[256];
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(codes(x, x->fast, lists[i], a, sizeof a), codes(x, x->ref, lists[i], b, sizeof b));
  const pol_Value *u = fact(x, x->ref, "crp"), *v = fact(x, x->fast, "crp");
  assert_int_equal(u->tag, v->tag);
  if (u->tag == PV_NUM) assert_true(u->u.d == v->u.d);
}

#define RES(type, body) "{\"resource\": {\"resourceType\": \"" type "\", " body "}}"
#define CC(sys, code) "{\"coding\": [{\"system\": \"" sys "\", \"code\": \"" code "\"}]}"
#define ICD "http://hl7.org/fhir/sid/icd-10-cm"
#define RX "http://www.nlm.nih.gov/research/umls/rxnorm"
#define CPT "http://www.ama-assn.org/go/cpt"
#define LOINC "http://loinc.org"

static void test_each_resource_type(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  char buf[256];
  assert_int_equal(bundle(&x,
    RES("Condition", "\"code\": " CC(ICD, "M05.79") ", \"onsetDateTime\": \"2024-02-01\"") ", "
    RES("Condition", "\"code\": " CC(ICD, "M06.4") ) ", "
    RES("MedicationRequest", "\"status\": \"active\", \"medicationCodeableConcept\": " CC(RX, "6851")
        ", \"authoredOn\": \"2024-03-01\"") ", "
    RES("MedicationStatement", "\"status\": \"completed\", \"medicationCodeableConcept\": " CC(RX, "6851")
        ", \"effectivePeriod\": {\"start\": \"2023-01-01\"}") ", "
    RES("Procedure", "\"status\": \"completed\", \"code\": " CC(CPT, "73562")
        ", \"performedDateTime\": \"2024-01-05\"") ", "
    RES("Procedure", "\"status\": \"completed\", \"code\": " CC(CPT, "27279")) ", "
    RES("Observation", "\"status\": \"final\", \"code\": " CC(LOINC, "1988-5")
        ", \"valueQuantity\": {\"value\": 12.5, \"code\": \"mg/L\"}")), 0);
  assert_string_equal(codes(&x, x.ref, "ra", buf, sizeof buf), "M05.79");          /* M06.4: not RA here */
  assert_string_equal(codes(&x, x.ref, "mtx.requests", buf, sizeof buf), "6851");
  assert_string_equal(codes(&x, x.ref, "mtx.statements", buf, sizeof buf), "6851");
  assert_string_equal(codes(&x, x.ref, "xr", buf, sizeof buf), "73562");           /* in the range */
  assert_int_equal(fact(&x, x.ref, "crp")->tag, PV_NUM);
  fast_same(&x);
  ex_free(&x);
}

/* Membership is the value set's: normal forms (case, the ICD-10-CM dot),
   exclusions, and the code system of the coding (an ICD-10-CM code under
   another system is not a member); a list that selects nothing stays
   unknown. */
static void test_membership(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  char buf[256];
  assert_int_equal(bundle(&x,
    RES("Condition", "\"code\": " CC(ICD, "m0579")) ", "
    RES("Condition", "\"code\": " CC(ICD, "M05.9")) ", "
    RES("Condition", "\"code\": " CC("http://snomed.info/sct", "M05.79")) ", "
    RES("Condition", "\"code\": {\"coding\": [{\"system\": \"http://example.org\", \"code\": \"x\"}, "
                     "{\"system\": \"" ICD "\", \"code\": \"M05.1\"}]}")), 0);
  assert_string_equal(codes(&x, x.ref, "ra", buf, sizeof buf), "m0579,M05.1");
  assert_string_equal(codes(&x, x.ref, "mtx.requests", buf, sizeof buf), "?");
  assert_int_equal(fact(&x, x.ref, "crp")->tag, PV_UNK);
  fast_same(&x);
  ex_free(&x);
}

/* Entered-in-error and refuted resources are left out with a note: the
   fast path refuses, pol_jread_case gives the reference's case and notes. */
static void test_notes_go_to_the_reference(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  char buf[256];
  assert_int_equal(bundle(&x,
    RES("Condition", "\"code\": " CC(ICD, "M05.79") ", \"verificationStatus\": " CC("x", "refuted")) ", "
    RES("Condition", "\"code\": {\"coding\": [{\"code\": \"M05.79\"}]}") ", "
    RES("Frobnicator", "\"x\": 1")), 0);
  assert_string_equal(codes(&x, x.ref, "ra", buf, sizeof buf), "?");
  const char *notes = pol_case_notes(x.ref);
  assert_non_null(strstr(notes, "C0157"));
  assert_non_null(strstr(notes, "C0155"));
  assert_non_null(strstr(notes, "C0154"));
  assert_int_equal(pol_fhir_fast_load(x.ff, x.jr, x.fast, x.text, x.len), -1);
  json_t *root = NULL;
  pol_CaseError ce;
  char err[512];
  assert_int_equal(pol_jread_case(x.jr, x.fast, x.text, x.len, &root, &ce, err, sizeof err), 0);
  assert_string_equal(pol_case_notes(x.fast), notes);
  assert_string_equal(codes(&x, x.fast, "ra", buf, sizeof buf), "?");
  ex_free(&x);
}

/* A type error: the fast path refuses, the reference's error is given. */
static void test_errors_go_to_the_reference(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  assert_int_equal(bundle(&x, RES("Observation", "\"code\": " CC(LOINC, "1988-5")
                                  ", \"valueQuantity\": {\"value\": \"high\"}")), -1);
  char ref_err[512];
  snprintf(ref_err, sizeof ref_err, "%s", x.err);
  assert_non_null(strstr(ref_err, "C0152"));
  assert_int_equal(pol_fhir_fast_load(x.ff, x.jr, x.fast, x.text, x.len), -1);
  json_t *root = NULL;
  pol_CaseError ce;
  char err[512];
  assert_int_equal(pol_jread_case(x.jr, x.fast, x.text, x.len, &root, &ce, err, sizeof err), -2);
  assert_string_equal(err, ref_err);
  json_decref(root);
  ex_free(&x);
}

/* The fast path's own refusals: escaped strings it would compare, a
   document that is not a Bundle; the reference reads them. */
static void test_unusual_input_is_refused(void **state)
{
  (void)state;
  Ex x;
  ex_compile(&x);
  assert_int_equal(bundle(&x, RES("Condition", "\"code\": " CC("http:\\/\\/hl7.org/fhir/sid/icd-10-cm", "M05.79"))), 0);
  char buf[256];
  assert_string_equal(codes(&x, x.ref, "ra", buf, sizeof buf), "M05.79");
  assert_int_equal(pol_fhir_fast_load(x.ff, x.jr, x.fast, x.text, x.len), -1);
  assert_false(pol_fhir_fast_maybe("{\"case_id\": \"x\", \"resourceType\": \"Bundle\"}", 44));
  assert_true(pol_fhir_fast_maybe(" {\n \"resourceType\": \"Bundle\"}", 30));
  ex_free(&x);
}

/* code(element, "procedure"): a request line's CPT/HCPCS code is the code
   of its first CPT or HCPCS coding (either HCPCS URI), never a drug's:
   a pharmacy item (RxNorm only) has no cpt and is routed by its rxnorm;
   a coding without a system gives none (stdlib/fhir.pol's binding). */
static void test_procedure_code(void **state)
{
  (void)state;
  static const char src[] =
    "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "fact cpt: string = line.cpt\nfact rx: string = line.rxnorm\n"
    "fhir request.procedures from Claim.item {\n  line = sequence\n  cpt = code(productOrService, \"procedure\")\n"
    "  rxnorm = code(productOrService, \"rxnorm\")\n}\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";
  Ex x;
  ex_compile_src(&x, src);
  pol_Case *ref = x.ref, *fast = x.fast;
  pol_JRead *jr = x.jr;
  pol_FhirFast *ff = x.ff;
#define ITEM(n, coding) "{\"sequence\": " #n ", \"productOrService\": {\"coding\": [" coding "]}}"
#define CD(sys, code) "{\"system\": \"" sys "\", \"code\": \"" code "\"}"
  static const char text[] =
    "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": \"Claim\", \"id\": \"t\", "
    "\"use\": \"preauthorization\", \"item\": ["
    ITEM(1, CD(CPT, "27279")) ", "
    ITEM(2, CD(RX, "1991302")) ", "
    ITEM(3, CD(RX, "1991302") ", " CD("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "J3490")) ", "
    ITEM(4, CD("http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "J1745")) ", "
    ITEM(5, CD("http://www.ama-assn.org/go/cpt", "27280")) ", "
    ITEM(6, CD("http://hl7.org/fhir/sid/ndc", "0169-4130-13")) "]}}]}";
  pol_CaseError ce;
  json_t *root = pol_case_parse(text, sizeof text - 1, &ce);
  if (!root) fail_msg("bad test JSON: %s", ce.text);
  char err[512];
  assert_int_equal(pol_case_load(ref, root, err, sizeof err), 0);
  json_decref(root);
  assert_int_equal(pol_fhir_fast_load(ff, jr, fast, text, sizeof text - 1), 0);
  static const char *const cpt[] = {"27279", NULL, "J3490", "J1745", "27280", NULL};
  static const char *const rx[] = {NULL, "1991302", "1991302", NULL, NULL, NULL};
  for (int k = 0; k < 2; k++) {
    const pol_Case *c = k ? fast : ref;
    assert_int_equal(pol_case_nlines(c), 6);
    for (uint32_t i = 0; i < 6; i++) {
      const pol_LineInfo *li = pol_case_line(c, i);
      assert_int_equal(li->number, (int32_t)i + 1);
      if (cpt[i]) assert_string_equal(li->cpt, cpt[i]);
      else assert_null(li->cpt);
      if (rx[i]) assert_string_equal(li->rxnorm, rx[i]);
      else assert_null(li->rxnorm);
    }
  }
  /* a coding without a system: the fast path declines (the reference
     reads no cpt and notes C0155 once) */
  static const char nosys[] =
    "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": \"Claim\", \"id\": \"t\", "
    "\"use\": \"preauthorization\", \"item\": [" ITEM(1, "{\"code\": \"27280\"}") "]}}]}";
  assert_int_equal(pol_fhir_fast_load(ff, jr, fast, nosys, sizeof nosys - 1), -1);
  root = pol_case_parse(nosys, sizeof nosys - 1, &ce);
  if (!root) fail_msg("bad test JSON: %s", ce.text);
  assert_int_equal(pol_case_load(ref, root, err, sizeof err), 0);
  json_decref(root);
  assert_null(pol_case_line(ref, 0)->cpt);
  const char *notes = pol_case_notes(ref);
  assert_non_null(notes);
  const char *at = strstr(notes, "C0155 entry[0].resource.item[0].productOrService.coding[0]: code '27280' has no system");
  assert_non_null(at);
  assert_null(strstr(at + 1, "C0155"));
#undef ITEM
#undef CD
  ex_free(&x);
}

/* info(informationSequence, NAME) and the line facts no binding fills
   (line_infos): a supportingInfo's category code names the field.  The
   fast path looks for NAME only among the codes' key bits, so an escaped
   code (which may spell NAME once decoded) must still send the Bundle to
   the reference, and a name no code has must still read as unknown. */
static void test_info_codes(void **state)
{
  (void)state;
  static const char src[] =
    "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "fact cpt: string = line.cpt\nfact approach: string = line.approach\nfact side: string = line.side\n"
    "fact sedation: string = line.sedation\nfact setting: string = line.setting\n"
    "fhir request.procedures from Claim.item {\n  line = sequence\n  cpt = code(productOrService, \"procedure\")\n"
    "  approach = info(informationSequence, \"approach\")\n}\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";
  Ex x;
  ex_compile_src(&x, src);
#define SI(n, code, val) "{\"sequence\": " #n ", \"category\": {\"coding\": [{\"system\": " \
  "\"https://polvm.dev/fhir/CodeSystem/line-field\", \"code\": \"" code "\"}]}, \"valueString\": \"" val "\"}"
#define CLAIM(infos) "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": \"Claim\", " \
  "\"id\": \"t\", \"use\": \"preauthorization\", \"supportingInfo\": [" infos "], \"item\": [{\"sequence\": 1, " \
  "\"informationSequence\": [1, 2, 3], \"productOrService\": {\"coding\": [{\"system\": \"" CPT "\", " \
  "\"code\": \"27279\"}]}}]}}]}"
  static const char plain[] = CLAIM(SI(1, "approach", "open") ", " SI(2, "side", "left") ", " SI(3, "sedation", "general"));
  /* the only code escaped: no name asked is among the raw codes' bits */
  static const char escaped[] = CLAIM(SI(2, "sid\\u0065", "left"));
  static const char *const names[] = {"approach", "side", "sedation", "setting"};
  static const char *const want[2][4] = {{"open", "left", "general", NULL}, {NULL, "left", NULL, NULL}};
  for (int k = 0; k < 2; k++) {
    const char *text = k ? escaped : plain;
    size_t len = strlen(text);
    pol_CaseError ce;
    json_t *root = pol_case_parse(text, len, &ce);
    if (!root) fail_msg("bad test JSON: %s: %s", ce.text, text);
    assert_int_equal(pol_case_load(x.ref, root, x.err, sizeof x.err), 0);
    json_decref(root);
    assert_string_equal(pol_case_notes(x.ref), "");
    /* the escaped code is read by the reference, which decodes it */
    assert_int_equal(pol_fhir_fast_load(x.ff, x.jr, x.fast, text, len), k ? -1 : 0);
    for (int c = 0; c < 2 - k; c++) {
      const pol_Case *cs = c ? x.fast : x.ref;
      assert_int_equal(pol_case_nlines(cs), 1);
      for (size_t i = 0; i < 4; i++) {
        const pol_Value *v = NULL;
        for (uint32_t f = 0; f < x.p->nfacts; f++)
          if (strcmp(x.p->str[x.p->facts[f].path], names[i]) == 0) v = &pol_case_slots(cs, 0)[f];   /* line 0 */
        assert_non_null(v);
        if (!want[k][i]) {
          assert_int_equal(v->tag, PV_UNK);
          continue;
        }
        assert_int_equal(v->tag, PV_STR);
        assert_string_equal(v->u.s, want[k][i]);
      }
    }
  }
#undef SI
#undef CLAIM
  ex_free(&x);
}

/* code(element, NAME): NAME is a URI or a value-set system's name (E0391). */
static void test_code_system_name(void **state)
{
  (void)state;
  static const char bad[] =
    "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "fact cpt: string = line.cpt\n"
    "fhir request.procedures from Claim.item { cpt = code(productOrService, \"procedures\") }\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";
  char *msgs;
  pol_Program *p = ut_compile(bad, &msgs);
  assert_null(p);
  assert_non_null(strstr(msgs, "E0391"));
  assert_non_null(strstr(msgs, "procedures"));
  free(msgs);
}

/* A value set name that is not one is E0370. */
/* QuestionnaireResponse shapes the fast path takes by shortcuts (a linkId
   that is not the item's first member, prefixes that change and come
   back, a record's fields by name, by LINK.FIELD and by LINK[].FIELD, a
   field asked twice, an item with no answer): the reference's case. */
static void test_answer_shapes(void **state)
{
  (void)state;
  static const char src[] =
    "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "record Th { kind: string\n start: date\n done: bool\n note: string }\n"
    "fact th: list<Th> = therapies\nfact a: bool = exam.man.a\nfact b: bool = exam.man.b\n"
    "fact c: bool = exam.other.c\nfact d: string = exam.man.d\nfact e: number = exam.e\n"
    "fact cpt: string = line.cpt\n"
    "fhir request.procedures from Claim.item { cpt = productOrService.coding.code }\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n";
  static const char text[] =
    "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Claim\",\"id\":\"t\","
    "\"use\":\"preauthorization\",\"item\":[{\"sequence\":1,\"productOrService\":{\"coding\":[{\"system\":"
    "\"http://www.ama-assn.org/go/cpt\",\"code\":\"X1\"}]}}]}},"
    "{\"resource\":{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"item\":["
    "{\"linkId\":\"exam\",\"item\":["
    "{\"linkId\":\"exam.man.a\",\"answer\":[{\"valueBoolean\":true}]},"
    "{\"answer\":[{\"valueBoolean\":false}],\"linkId\":\"exam.other.c\"},"
    "{\"answer\":[{\"valueBoolean\":false}],\"linkId\":\"exam.man.b\"},"
    "{\"linkId\":\"exam.man.d\"},"
    "{\"linkId\":\"exam.man.d\",\"answer\":[{\"valueString\":\"second\"}]},"
    "{\"linkId\":\"exam.e\",\"answer\":[{\"valueDecimal\":2.5}]}]},"
    "{\"linkId\":\"therapies\",\"item\":["
    "{\"linkId\":\"kind\",\"answer\":[{\"valueString\":\"pt\"}]},"
    "{\"answer\":[{\"valueDate\":\"2024-01-02\"}],\"linkId\":\"therapies.start\"},"
    "{\"linkId\":\"therapies[].done\",\"answer\":[{\"valueBoolean\":true}]},"
    "{\"linkId\":\"note\"},{\"linkId\":\"note\",\"answer\":[{\"valueString\":\"n\"}]}]},"
    "{\"linkId\":\"therapies\",\"item\":["
    "{\"linkId\":\"therapies.kind\",\"answer\":[{\"valueString\":\"nsaid\"}]},"
    "{\"linkId\":\"kind\",\"answer\":[{\"valueString\":\"first by name\"}]}]}]}}]}";
  Ex x;
  ex_compile_src(&x, src);
  pol_Program *p = x.p;
  pol_Case *ref = x.ref, *fast = x.fast;
  pol_JRead *jr = x.jr;
  pol_FhirFast *ff = x.ff;
  pol_CaseError ce;
  char err[512];
  json_t *root = pol_case_parse(text, sizeof text - 1, &ce);
  if (!root) fail_msg("bad test JSON: %s", ce.text);
  assert_int_equal(pol_case_load(ref, root, err, sizeof err), 0);
  json_decref(root);
  assert_string_equal(pol_case_notes(ref), "");
  assert_int_equal(pol_fhir_fast_load(ff, jr, fast, text, sizeof text - 1), 0);
  char what[200];
  const char *d = fz_case_diff(p, ref, fast, what, sizeof what);
  if (d) fail_msg("the fast path's case differs: %s", d);
  const pol_Value *th = NULL;   /* two records, every field form read */
  for (uint32_t f = 0; f < p->nfacts; f++)
    if (strcmp(p->str[p->facts[f].path], "therapies") == 0) th = &pol_case_slots(fast, 0)[f];
  assert_non_null(th);
  assert_int_equal(th->tag, PV_LIST);
  const pol_List *l = th->u.p;
  assert_int_equal(l->n, 2);
  const pol_Value *r0 = l->items[0].u.p, *r1 = l->items[1].u.p;
  assert_string_equal(r0[0].u.s, "pt");
  assert_int_equal(r0[1].tag, PV_DATE);
  assert_int_equal(r0[2].tag, PV_BOOL);
  assert_string_equal(r0[3].u.s, "n");
  assert_string_equal(r1[0].u.s, "first by name");
  ex_free(&x);
}

static void test_not_a_value_set(void **state)
{
  (void)state;
  static const char bad[] =
    "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "fact n: number = obs.n\n"
    "fhir obs.n from Observation where code in NOPE = valueQuantity.value\n"
    "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { n > 1 } }\n";
  char *msgs;
  pol_Program *p = ut_compile(bad, &msgs);
  if (p) pol_program_free(p);
  assert_null(p);
  assert_non_null(strstr(msgs, "E0370"));
  free(msgs);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_each_resource_type),
    cmocka_unit_test(test_membership),
    cmocka_unit_test(test_notes_go_to_the_reference),
    cmocka_unit_test(test_errors_go_to_the_reference),
    cmocka_unit_test(test_unusual_input_is_refused),
    cmocka_unit_test(test_not_a_value_set),
    cmocka_unit_test(test_answer_shapes),
    cmocka_unit_test(test_procedure_code),
    cmocka_unit_test(test_code_system_name),
    cmocka_unit_test(test_info_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
