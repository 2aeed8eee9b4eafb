/*
 * test_case.c -- unit tests for vm/case.c: JSON cases into typed fact slots.
 *
 * The program under test is built by hand (no compiler, no bundle): a few
 * record types, case-scope facts of every kind and line-scope facts.  All
 * of it is static and owned by this file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "case.h"

/* ---- the program -------------------------------------------------------- */

#define STRINGS(X)                                                          \
  X(INJECTION, "Injection") X(INJ_PATH, "injections[]") X(DATE, "date")      \
  X(TARGET, "target") X(RELIEF, "relief_pct") X(LEVELS, "levels")            \
  X(FINDING_T, "Finding") X(FINDING_PATH, "imaging[].findings[]")           \
  X(FINDING, "finding") X(VALUE, "value") X(IMAGING_T, "Imaging")           \
  X(IMG_PATH, "imaging[]") X(VIEWS, "views") X(FINDINGS, "findings")        \
  X(NODE, "Node") X(KIDS, "kids")                                           \
  X(P_PAIN, "symptoms.pain_nrs") X(P_RAD, "symptoms.pain_radiating")        \
  X(P_ONSET, "symptoms.onset") X(P_THIGH, "exam.maneuvers.thigh_thrust")    \
  X(P_SEX, "patient.sex") X(P_COND, "conditions") X(P_INJ, "injections")    \
  X(P_IMG, "imaging") X(P_RDATE, "request.date") X(P_NUMS, "x.nums")        \
  X(P_DATES, "x.dates") X(P_FLAGS, "x.flags") X(P_TREE, "tree")             \
  X(P_CPT, "cpt") X(P_APPR, "approach")                                     \
  X(V_27279, "27279") X(V_SIJ, "sij") X(V_PERC, "percutaneous")             \
  X(V_FEMALE, "female") X(V_FIBRO, "fibromyalgia") X(V_MRI_AP, "ap")

enum {
#define X(id, s) S_##id,
  STRINGS(X)
#undef X
  NSTR
};
static char *strs[NSTR] = {
#define X(id, s) s,
  STRINGS(X)
#undef X
};
static uint32_t slens[NSTR];

enum { R_INJ, R_FINDING, R_IMAGING, R_NODE };
#define T(k) POL_TYPE(k, 0, 0)
#define TL(k) POL_TYPE(PK_LIST, k, 0)
#define TLR(r) POL_TYPE(PK_LIST, PK_REC, r)

static pol_Field inj_fields[] = {
  {S_DATE, T(PK_DATE)}, {S_TARGET, T(PK_STR)}, {S_RELIEF, T(PK_NUM)},
  {S_LEVELS, TL(PK_STR)},
};
static pol_Field finding_fields[] = {{S_FINDING, T(PK_STR)}, {S_VALUE, T(PK_NUM)}};
static pol_Field imaging_fields[] = {
  {S_DATE, T(PK_DATE)}, {S_VIEWS, TL(PK_STR)}, {S_FINDINGS, TLR(R_FINDING)},
};
static pol_Field node_fields[] = {{S_KIDS, TLR(R_NODE)}};   /* recursive */
static pol_RecType recs[] = {
  {S_INJECTION, S_INJ_PATH, 4, inj_fields},
  {S_FINDING_T, S_FINDING_PATH, 2, finding_fields},
  {S_IMAGING_T, S_IMG_PATH, 3, imaging_fields},
  {S_NODE, S_P_TREE, 1, node_fields},
};

enum {
  F_PAIN, F_RAD, F_ONSET, F_THIGH, F_SEX, F_COND, F_INJ, F_IMG, F_RDATE,
  F_NUMS, F_DATES, F_FLAGS, F_TREE, F_CPT, F_APPR, F_LLEV, NFACTS
};
#define CF(path, type) {path, path, type, POL_SCOPE_CASE}
#define LF(path, type) {path, path, type, POL_SCOPE_LINE}
static pol_Fact facts[NFACTS] = {
  CF(S_P_PAIN, T(PK_NUM)), CF(S_P_RAD, T(PK_BOOL)), CF(S_P_ONSET, T(PK_DATE)),
  CF(S_P_THIGH, T(PK_BOOL)), CF(S_P_SEX, T(PK_STR)), CF(S_P_COND, TL(PK_STR)),
  CF(S_P_INJ, TLR(R_INJ)), CF(S_P_IMG, TLR(R_IMAGING)), CF(S_P_RDATE, T(PK_DATE)),
  CF(S_P_NUMS, TL(PK_NUM)), CF(S_P_DATES, TL(PK_DATE)), CF(S_P_FLAGS, TL(PK_BOOL)),
  CF(S_P_TREE, TLR(R_NODE)),
  LF(S_P_CPT, T(PK_STR)), LF(S_P_APPR, T(PK_STR)), LF(S_LEVELS, TL(PK_STR)),
};

static pol_Program prog;

static void init_program(void)
{
  for (int i = 0; i < NSTR; i++) slens[i] = (uint32_t)strlen(strs[i]);
  prog.nstr = NSTR;
  prog.str = strs;
  prog.slen = slens;
  prog.nrec = sizeof recs / sizeof recs[0];
  prog.rec = recs;
  prog.nfacts = NFACTS;
  prog.facts = facts;
}

/* ---- helpers ------------------------------------------------------------ */

typedef struct { pol_Case *c; char err[4096]; } Fx;

static int setup(void **state)
{
  Fx *fx = calloc(1, sizeof *fx);
  assert_non_null(fx);
  fx->c = pol_case_new(&prog);
  assert_non_null(fx->c);
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  Fx *fx = *state;
  pol_case_free(fx->c);
  free(fx);
  return 0;
}

/* Loads text; returns the result and leaves the error in fx->err.  The
   document is kept alive until the next call (strings must not point into
   it, which the tests check by freeing it before reading values). */
/* x as a decimal: exact for the small test values */
#define DEC(x) ((pol_Dec)((x) * (double)POL_DEC_SCALE))

static int load(Fx *fx, const char *text)
{
  json_error_t je;
  json_t *root = json_loads(text, 0, &je);
  if (!root) fail_msg("bad test JSON: %s: %s", je.text, text);
  int r = pol_case_load(fx->c, root, fx->err, sizeof fx->err);
  json_decref(root);
  return r;
}

static void load_ok(Fx *fx, const char *text)
{
  if (load(fx, text) != 0) fail_msg("load failed: %s\n  for %s", fx->err, text);
}

static void load_err(Fx *fx, const char *text, const char *want)
{
  if (load(fx, text) == 0) fail_msg("load succeeded, wanted \"%s\"\n  for %s", want, text);
  assert_string_equal(fx->err, want);
  /* a failed load leaves an empty case */
  assert_null(pol_case_id(fx->c));
  assert_int_equal(pol_case_nlines(fx->c), 0);
  const pol_Value *s = pol_case_slots(fx->c, 0);
  assert_non_null(s);
  for (int f = 0; f < NFACTS; f++) assert_int_equal(s[f].tag, PV_UNK);
}

static const pol_Value *slot(Fx *fx, int f) { return &pol_case_slots(fx->c, 0)[f]; }

static const pol_List *list_of(const pol_Value *v)
{
  assert_int_equal(v->tag, PV_LIST);
  return v->u.p;
}

static const pol_Value *field(const pol_Value *rec, int i)
{
  assert_int_equal(rec->tag, PV_REC);
  return &((const pol_Value *)rec->u.p)[i];
}

static int32_t ymd(int y, int m, int d) { return pol_days_from_civil(y, m, d); }

/* ---- tests -------------------------------------------------------------- */

static void test_unknown_vs_false(void **state)
{
  Fx *fx = *state;
  load_ok(fx, "{\"case_id\": \"a\"}");
  for (int f = 0; f < NFACTS; f++) assert_int_equal(slot(fx, f)->tag, PV_UNK);

  load_ok(fx, "{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": null, \"pain_radiating\": null},"
              " \"conditions\": null, \"injections\": null, \"exam\": null,"
              " \"patient\": {}, \"request\": null}");
  for (int f = 0; f < NFACTS; f++) assert_int_equal(slot(fx, f)->tag, PV_UNK);
  load_ok(fx, "{\"case_id\": \"a\", \"exam\": {\"maneuvers\": null}}");
  assert_int_equal(slot(fx, F_THIGH)->tag, PV_UNK);
  load_ok(fx, "{\"case_id\": \"a\", \"exam\": {\"maneuvers\": {}}}");
  assert_int_equal(slot(fx, F_THIGH)->tag, PV_UNK);

  load_ok(fx, "{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": 0, \"pain_radiating\": false},"
              " \"exam\": {\"maneuvers\": {\"thigh_thrust\": false}},"
              " \"conditions\": [], \"injections\": [], \"x\": {\"nums\": [0.0]}}");
  assert_int_equal(slot(fx, F_PAIN)->tag, PV_NUM);
  assert_true(slot(fx, F_PAIN)->u.d == DEC(0.0));
  assert_int_equal(slot(fx, F_RAD)->tag, PV_BOOL);
  assert_int_equal(slot(fx, F_RAD)->aux, 0);
  assert_int_equal(pol_truth(slot(fx, F_THIGH)), POL_FALSE);
  assert_int_equal(list_of(slot(fx, F_COND))->n, 0);
  assert_int_equal(list_of(slot(fx, F_INJ))->n, 0);
  assert_int_equal(list_of(slot(fx, F_INJ))->elem, POL_TYPE(PK_REC, 0, R_INJ));
  assert_int_equal(list_of(slot(fx, F_NUMS))->n, 1);
  assert_int_equal(slot(fx, F_IMG)->tag, PV_UNK);

  load_ok(fx, "{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": 7.5, \"pain_radiating\": true},"
              " \"x\": {\"nums\": [1, -2.5, 92233720368], \"flags\": [true, false],"
              " \"dates\": [\"2025-06-02\"]}}");
  assert_true(slot(fx, F_PAIN)->u.d == DEC(7.5));
  assert_int_equal(pol_truth(slot(fx, F_RAD)), POL_TRUE);
  const pol_List *l = list_of(slot(fx, F_NUMS));
  assert_int_equal(l->n, 3);
  assert_int_equal(l->elem, T(PK_NUM));
  assert_true(l->items[0].u.d == DEC(1) && l->items[1].u.d == DEC(-2.5) && l->items[2].u.d == DEC(92233720368));
  l = list_of(slot(fx, F_FLAGS));
  assert_int_equal(l->items[0].aux, 1);
  assert_int_equal(l->items[1].aux, 0);
  l = list_of(slot(fx, F_DATES));
  assert_int_equal(l->items[0].tag, PV_DATE);
  assert_int_equal((int32_t)l->items[0].aux, ymd(2025, 6, 2));
}

static void test_records(void **state)
{
  Fx *fx = *state;
  load_ok(fx,
    "{\"case_id\": \"r\","
    " \"injections\": [{\"date\": \"2025-03-10\", \"target\": \"sij\", \"relief_pct\": 85,"
    "                   \"levels\": [\"L4-L5\", \"L5-S1\"], \"extra\": {\"ignored\": 1}},"
    "                  {\"target\": null, \"levels\": []}],"
    " \"imaging\": [{\"date\": \"2025-01-20\", \"views\": [\"ap\", \"lateral\"],"
    "               \"findings\": [{\"finding\": \"cord_compression\", \"value\": 3},"
    "                             {\"finding\": \"scoliosis\"}]},"
    "              {\"findings\": []}]}");
  const pol_List *inj = list_of(slot(fx, F_INJ));
  assert_int_equal(inj->n, 2);
  const pol_Value *i0 = &inj->items[0], *i1 = &inj->items[1];
  assert_int_equal(i0->aux, R_INJ);
  assert_int_equal((int32_t)field(i0, 0)->aux, ymd(2025, 3, 10));
  assert_string_equal(field(i0, 1)->u.s, "sij");
  assert_int_equal(field(i0, 1)->aux, S_V_SIJ);
  assert_true(field(i0, 2)->u.d == DEC(85));
  const pol_List *lv = list_of(field(i0, 3));
  assert_int_equal(lv->n, 2);
  assert_int_equal(lv->elem, T(PK_STR));
  assert_string_equal(lv->items[1].u.s, "L5-S1");
  assert_int_equal(lv->items[1].aux, POL_NOSTR);
  for (int f = 0; f < 3; f++) assert_int_equal(field(i1, f)->tag, PV_UNK);
  assert_int_equal(list_of(field(i1, 3))->n, 0);

  const pol_List *img = list_of(slot(fx, F_IMG));
  assert_int_equal(img->n, 2);
  const pol_List *views = list_of(field(&img->items[0], 1));
  assert_string_equal(views->items[0].u.s, "ap");
  assert_int_equal(views->items[0].aux, S_V_MRI_AP);
  assert_string_equal(views->items[1].u.s, "lateral");
  const pol_List *fd = list_of(field(&img->items[0], 2));
  assert_int_equal(fd->n, 2);
  assert_int_equal(fd->elem, POL_TYPE(PK_REC, 0, R_FINDING));
  assert_int_equal(fd->items[0].aux, R_FINDING);
  assert_string_equal(field(&fd->items[0], 0)->u.s, "cord_compression");
  assert_true(field(&fd->items[0], 1)->u.d == DEC(3));
  assert_int_equal(field(&fd->items[1], 1)->tag, PV_UNK);
  assert_int_equal(field(&img->items[1], 0)->tag, PV_UNK);
  assert_int_equal(field(&img->items[1], 1)->tag, PV_UNK);
  assert_int_equal(list_of(field(&img->items[1], 2))->n, 0);
}

static void test_wrong_types(void **state)
{
  Fx *fx = *state;
  static const char *const cases[][2] = {
    {"[]", "C0102 case: expected object, got array"},
    {"{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": \"7\"}}",
     "C0102 symptoms.pain_nrs: expected number, got string"},
    {"{\"case_id\": \"a\", \"symptoms\": 5}", "C0102 symptoms: expected object, got number"},
    {"{\"case_id\": \"a\", \"symptoms\": {\"pain_radiating\": 1}}",
     "C0102 symptoms.pain_radiating: expected boolean, got number"},
    {"{\"case_id\": \"a\", \"exam\": {\"maneuvers\": []}}",
     "C0102 exam.maneuvers: expected object, got array"},
    {"{\"case_id\": \"a\", \"exam\": true}", "C0102 exam: expected object, got boolean"},
    {"{\"case_id\": \"a\", \"exam\": {\"maneuvers\": {\"thigh_thrust\": \"yes\"}}}",
     "C0102 exam.maneuvers.thigh_thrust: expected boolean, got string"},
    {"{\"case_id\": \"a\", \"patient\": {\"sex\": {}}}", "C0102 patient.sex: expected string, got object"},
    {"{\"case_id\": \"a\", \"conditions\": \"fibromyalgia\"}",
     "C0102 conditions: expected array, got string"},
    {"{\"case_id\": \"a\", \"conditions\": [\"a\", 1]}", "C0102 conditions[1]: expected string, got number"},
    {"{\"case_id\": \"a\", \"conditions\": [\"a\", null]}", "C0102 conditions[1]: expected string, got null"},
    {"{\"case_id\": \"a\", \"injections\": {}}", "C0102 injections: expected array, got object"},
    {"{\"case_id\": \"a\", \"injections\": [{}, {\"relief_pct\": \"80\"}]}",
     "C0102 injections[1].relief_pct: expected number, got string"},
    {"{\"case_id\": \"a\", \"injections\": [{\"levels\": [\"L4-L5\", 3]}]}",
     "C0102 injections[0].levels[1]: expected string, got number"},
    {"{\"case_id\": \"a\", \"injections\": [{\"levels\": \"L4-L5\"}]}",
     "C0102 injections[0].levels: expected array, got string"},
    {"{\"case_id\": \"a\", \"injections\": [{}, null]}", "C0102 injections[1]: expected object, got null"},
    {"{\"case_id\": \"a\", \"injections\": [[]]}", "C0102 injections[0]: expected object, got array"},
    {"{\"case_id\": \"a\", \"injections\": [{\"date\": 20250101}]}",
     "C0102 injections[0].date: expected date string, got number"},
    {"{\"case_id\": \"a\", \"imaging\": [{\"findings\": [{\"finding\": \"x\"}, {\"value\": \"big\"}]}]}",
     "C0102 imaging[0].findings[1].value: expected number, got string"},
    {"{\"case_id\": \"a\", \"imaging\": [{}, {\"findings\": [3]}]}",
     "C0102 imaging[1].findings[0]: expected object, got number"},
    {"{\"case_id\": \"a\", \"imaging\": [{\"views\": {}}]}", "C0102 imaging[0].views: expected array, got object"},
    {"{\"case_id\": \"a\", \"x\": {\"nums\": [1, true]}}", "C0102 x.nums[1]: expected number, got boolean"},
    {"{\"case_id\": \"a\", \"x\": {\"dates\": [1]}}", "C0102 x.dates[0]: expected date string, got number"},
    {"{\"case_id\": \"a\", \"x\": {\"flags\": [\"true\"]}}", "C0102 x.flags[0]: expected boolean, got string"},
    {"{\"case_id\": \"a\", \"request\": []}", "C0102 request: expected object, got array"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": {}}}",
     "C0102 request.procedures: expected array, got object"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{}, 1]}}",
     "C0102 request.procedures[1]: expected object, got number"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{\"line\": \"1\"}]}}",
     "C0102 request.procedures[0].line: expected number, got string"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{\"line\": 1.5}]}}",
     "C0109 request.procedures[0].line: not a whole line number"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{\"line\": 1e12}]}}",
     "C0109 request.procedures[0].line: not a whole line number"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{\"cpt\": 27279}]}}",
     "C0102 request.procedures[0].cpt: expected string, got number"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{}, {\"levels\": [\"L4-L5\", \"L5-S1\", 3]}]}}",
     "C0102 request.procedures[1].levels[2]: expected string, got number"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": [{\"approach\": []}]}}",
     "C0102 request.procedures[0].approach: expected string, got array"},
    {"{\"case_id\": \"a\", \"request\": {\"service_date\": 5}}",
     "C0102 request.service_date: expected date string, got number"},
    /* the first error wins: fact order, then lines in document order */
    {"{\"case_id\": \"a\", \"conditions\": 1, \"symptoms\": {\"pain_nrs\": \"x\"}}",
     "C0102 symptoms.pain_nrs: expected number, got string"},
    {"{\"case_id\": \"a\", \"request\": {\"procedures\": ["
     "{\"line\": 2, \"approach\": 1}, {\"line\": 1, \"approach\": true}]}}",
     "C0102 request.procedures[0].approach: expected string, got number"},
    {"{\"case_id\": 1, \"symptoms\": 5}", "C0102 case_id: expected string, got number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) load_err(fx, cases[i][0], cases[i][1]);
}

static void test_dates(void **state)
{
  Fx *fx = *state;
  static const struct { const char *s; int y, m, d; } good[] = {
    {"2024-02-29", 2024, 2, 29}, {"2000-02-29", 2000, 2, 29}, {"2025-12-31", 2025, 12, 31},
    {"1970-01-01", 1970, 1, 1}, {"0001-01-01", 1, 1, 1},
  };
  static const char *const bad[] = {
    "2025-02-30", "2023-02-29", "1900-02-29", "2025-1-01", "2025-01-1", "2025-13-01",
    "2025-00-10", "2025-01-00", "0000-01-01", "", "2025-01-01T00:00", " 2025-01-01",
    "2025/01/01", "20250101",
  };
  char text[256], want[256];
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    snprintf(text, sizeof text, "{\"case_id\": \"d\", \"symptoms\": {\"onset\": \"%s\"}}", good[i].s);
    load_ok(fx, text);
    assert_int_equal(slot(fx, F_ONSET)->tag, PV_DATE);
    assert_int_equal((int32_t)slot(fx, F_ONSET)->aux, ymd(good[i].y, good[i].m, good[i].d));
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(text, sizeof text, "{\"case_id\": \"d\", \"symptoms\": {\"onset\": \"%s\"}}", bad[i]);
    snprintf(want, sizeof want, "C0103 symptoms.onset: not a valid date: \"%s\"", bad[i]);
    load_err(fx, text, want);
  }
  load_err(fx, "{\"case_id\": \"d\", \"injections\": [{\"date\": \"2025-01-01\"}, {\"date\": \"2025-02-30\"}]}",
           "C0103 injections[1].date: not a valid date: \"2025-02-30\"");
  load_err(fx, "{\"case_id\": \"d\", \"imaging\": [{\"findings\": []}, {\"date\": \"2025-1-01\"}]}",
           "C0103 imaging[1].date: not a valid date: \"2025-1-01\"");
  load_err(fx, "{\"case_id\": \"d\", \"request\": {\"date\": \"2023-02-29\"}}",
           "C0103 request.date: not a valid date: \"2023-02-29\"");
  /* the bad string is escaped and cut */
  load_err(fx, "{\"case_id\": \"d\", \"symptoms\": {\"onset\": \"a\\\"b\\n\"}}",
           "C0103 symptoms.onset: not a valid date: \"a\\\"b\\x0a\"");
  load_err(fx, "{\"case_id\": \"d\", \"symptoms\": {\"onset\": "
               "\"0123456789012345678901234567890123456789XYZ\"}}",
           "C0103 symptoms.onset: not a valid date: \"0123456789012345678901234567890123456789...\"");
}

static void test_intern(void **state)
{
  Fx *fx = *state;
  assert_int_equal(pol_case_intern(fx->c, "sij"), S_V_SIJ);
  assert_int_equal(pol_case_intern(fx->c, "27279"), S_V_27279);
  assert_int_equal(pol_case_intern(fx->c, "symptoms.pain_nrs"), S_P_PAIN);
  assert_int_equal(pol_case_intern(fx->c, "si"), POL_NOSTR);
  assert_int_equal(pol_case_intern(fx->c, "sijx"), POL_NOSTR);
  assert_int_equal(pol_case_intern(fx->c, ""), POL_NOSTR);
  assert_int_equal(pol_case_intern(fx->c, NULL), POL_NOSTR);

  /* load() frees the document before we look, so copies must be real */
  load_ok(fx, "{\"case_id\": \"case-7\", \"patient\": {\"sex\": \"female\"},"
              " \"conditions\": [\"fibromyalgia\", \"gout\", \"\"]}");
  assert_string_equal(pol_case_id(fx->c), "case-7");
  assert_int_equal(slot(fx, F_SEX)->tag, PV_STR);
  assert_int_equal(slot(fx, F_SEX)->aux, S_V_FEMALE);
  assert_ptr_equal(slot(fx, F_SEX)->u.s, strs[S_V_FEMALE]);
  const pol_List *l = list_of(slot(fx, F_COND));
  assert_int_equal(l->items[0].aux, S_V_FIBRO);
  assert_ptr_equal(l->items[0].u.s, strs[S_V_FIBRO]);
  assert_int_equal(l->items[1].aux, POL_NOSTR);
  assert_string_equal(l->items[1].u.s, "gout");
  assert_int_equal(l->items[2].aux, POL_NOSTR);
  assert_string_equal(l->items[2].u.s, "");
}

static void test_strings_and_lists_limits(void **state)
{
  Fx *fx = *state;
  size_t big = 65536;
  char *s = malloc(big + 2);
  assert_non_null(s);
  memset(s, 'x', big + 1);
  s[big + 1] = '\0';
  json_t *root = json_pack("{s:s, s:{s:s#}}", "case_id", "L", "patient", "sex", s, (int)big);
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), 0);
  assert_int_equal(strlen(slot(fx, F_SEX)->u.s), big);
  json_decref(root);
  root = json_pack("{s:s, s:{s:s}}", "case_id", "L", "patient", "sex", s);
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), -1);
  assert_string_equal(fx->err, "C0105 patient.sex: string too long (65537 bytes, at most 65536)");
  json_decref(root);
  free(s);

  root = json_pack("{s:s#, s:{s:s}}", "case_id", "a\0b", 3, "patient", "sex", "x");
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), -1);
  assert_string_equal(fx->err, "C0106 case_id: string contains a NUL character");
  json_decref(root);

  json_t *a = json_array();
  for (int i = 0; i < 100000; i++) json_array_append_new(a, json_integer(i));
  root = json_pack("{s:s, s:{s:O}}", "case_id", "L", "x", "nums", a);
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), 0);
  assert_int_equal(list_of(slot(fx, F_NUMS))->n, 100000);
  assert_true(list_of(slot(fx, F_NUMS))->items[99999].u.d == DEC(99999));
  json_array_append_new(a, json_integer(0));
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), -1);
  assert_string_equal(fx->err, "C0107 x.nums: list too long (100001 items, at most 100000)");
  json_decref(root);
  json_decref(a);

  /* a short error buffer is cut, still NUL-terminated; NULL is allowed */
  root = json_loads("{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": \"7\"}}", 0, NULL);
  char tiny[16];
  assert_int_equal(pol_case_load(fx->c, root, tiny, sizeof tiny), -1);
  assert_string_equal(tiny, "C0102 symptoms.");
  assert_int_equal(pol_case_load(fx->c, root, NULL, 0), -1);
  json_decref(root);
}

static void test_recursive_type_depth(void **state)
{
  Fx *fx = *state;
  json_t *root = json_pack("{s:s}", "case_id", "deep");
  json_t *leaf = json_object();
  json_object_set_new(leaf, "kids", json_array());
  for (int i = 0; i < 200; i++) {
    json_t *up = json_object();
    json_object_set_new(up, "kids", json_pack("[o]", leaf));
    leaf = up;
  }
  json_object_set_new(root, "tree", json_pack("[o]", leaf));
  assert_int_equal(pol_case_load(fx->c, root, fx->err, sizeof fx->err), -1);
  assert_non_null(strstr(fx->err, ": records nested too deeply"));
  assert_memory_equal(fx->err, "C0108 tree[0].kids[0].kids[0]", 29);
  json_decref(root);

  load_ok(fx, "{\"case_id\": \"t\", \"tree\": [{\"kids\": [{\"kids\": []}, {}]}]}");
  const pol_List *t = list_of(slot(fx, F_TREE));
  const pol_List *k = list_of(field(&t->items[0], 0));
  assert_int_equal(k->n, 2);
  assert_int_equal(list_of(field(&k->items[0], 0))->n, 0);
  assert_int_equal(field(&k->items[1], 0)->tag, PV_UNK);
}

static void test_lines(void **state)
{
  Fx *fx = *state;
  load_ok(fx, "{\"case_id\": \"l\", \"symptoms\": {\"pain_nrs\": 6},"
              " \"request\": {\"date\": \"2025-06-02\", \"service_date\": \"2025-07-15\","
              "  \"procedures\": ["
              "   {\"line\": 3, \"cpt\": \"27280\", \"approach\": \"open\"},"
              "   {\"cpt\": \"27279\", \"approach\": \"percutaneous\", \"levels\": [\"L4-L5\"]},"
              "   {\"line\": 1, \"cpt\": null},"
              "   {\"line\": 2, \"approach\": null, \"levels\": []}]}}");
  assert_int_equal(pol_case_nlines(fx->c), 4);
  static const struct { int32_t number; const char *cpt; uint32_t cpt_id; } want[] = {
    {1, NULL, POL_NOSTR}, {2, "27279", S_V_27279}, {2, NULL, POL_NOSTR}, {3, "27280", POL_NOSTR},
  };
  for (uint32_t i = 0; i < 4; i++) {
    const pol_LineInfo *li = pol_case_line(fx->c, i);
    assert_non_null(li);
    assert_int_equal(li->number, want[i].number);
    if (want[i].cpt) assert_string_equal(li->cpt, want[i].cpt);
    else assert_null(li->cpt);
    assert_int_equal(li->cpt_id, want[i].cpt_id);
    assert_int_equal(li->date, ymd(2025, 7, 15));
    assert_int_equal(li->date_known, 1);
    const pol_Value *s = pol_case_slots(fx->c, i);
    assert_true(s[F_PAIN].tag == PV_NUM && s[F_PAIN].u.d == DEC(6));
    assert_int_equal((int32_t)s[F_RDATE].aux, ymd(2025, 6, 2));
  }
  assert_null(pol_case_line(fx->c, 4));
  assert_null(pol_case_slots(fx->c, 4));
  const pol_Value *s = pol_case_slots(fx->c, 0);   /* line 1 */
  for (int f = F_CPT; f <= F_LLEV; f++) assert_int_equal(s[f].tag, PV_UNK);
  s = pol_case_slots(fx->c, 1);                    /* line 2 at position 2 */
  assert_int_equal(s[F_CPT].aux, S_V_27279);
  assert_ptr_equal(s[F_APPR].u.s, strs[S_V_PERC]);
  assert_string_equal(list_of(&s[F_LLEV])->items[0].u.s, "L4-L5");
  s = pol_case_slots(fx->c, 2);                    /* line 2 at position 4 */
  assert_int_equal(s[F_CPT].tag, PV_UNK);
  assert_int_equal(s[F_APPR].tag, PV_UNK);
  assert_int_equal(list_of(&s[F_LLEV])->n, 0);
  s = pol_case_slots(fx->c, 3);
  assert_string_equal(s[F_CPT].u.s, "27280");
  assert_string_equal(s[F_APPR].u.s, "open");

  /* routing date: request.date when no service_date; neither: unknown */
  load_ok(fx, "{\"case_id\": \"l\", \"request\": {\"date\": \"2025-06-02\", \"service_date\": null,"
              " \"procedures\": [{}]}}");
  assert_int_equal(pol_case_line(fx->c, 0)->date, ymd(2025, 6, 2));
  assert_int_equal(pol_case_line(fx->c, 0)->date_known, 1);
  assert_int_equal(pol_case_line(fx->c, 0)->number, 1);
  load_ok(fx, "{\"case_id\": \"l\", \"request\": {\"service_date\": \"2025-07-15\", \"procedures\": [{}]}}");
  assert_int_equal(pol_case_line(fx->c, 0)->date, ymd(2025, 7, 15));
  load_ok(fx, "{\"case_id\": \"l\", \"request\": {\"procedures\": [{}, {}]}}");
  assert_int_equal(pol_case_line(fx->c, 1)->date_known, 0);
  assert_int_equal(pol_case_line(fx->c, 1)->number, 2);
  load_err(fx, "{\"case_id\": \"l\", \"request\": {\"service_date\": \"2025-02-30\", \"date\": \"2025-01-01\"}}",
           "C0103 request.service_date: not a valid date: \"2025-02-30\"");
  /* an invalid request.date is an error even with a valid service_date */
  load_err(fx, "{\"case_id\": \"l\", \"request\": {\"service_date\": \"2025-02-01\", \"date\": \"x\"}}",
           "C0103 request.date: not a valid date: \"x\"");
}

static void test_no_lines(void **state)
{
  Fx *fx = *state;
  static const char *const texts[] = {
    "{\"case_id\": \"n\", \"symptoms\": {\"pain_nrs\": 4}}",
    "{\"case_id\": \"n\", \"symptoms\": {\"pain_nrs\": 4}, \"request\": {}}",
    "{\"case_id\": \"n\", \"symptoms\": {\"pain_nrs\": 4}, \"request\": {\"procedures\": null}}",
    "{\"case_id\": \"n\", \"symptoms\": {\"pain_nrs\": 4}, \"request\": {\"procedures\": []}}",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    load_ok(fx, "{\"case_id\": \"x\", \"request\": {\"procedures\": [{\"cpt\": \"27279\"}]}}");
    load_ok(fx, texts[i]);
    assert_int_equal(pol_case_nlines(fx->c), 0);
    assert_null(pol_case_line(fx->c, 0));
    const pol_Value *s = pol_case_slots(fx->c, 0);
    assert_non_null(s);
    assert_true(s[F_PAIN].tag == PV_NUM && s[F_PAIN].u.d == DEC(4));
    for (int f = F_CPT; f <= F_LLEV; f++) assert_int_equal(s[f].tag, PV_UNK);
    assert_null(pol_case_slots(fx->c, 1));
  }
}

static void test_case_id(void **state)
{
  Fx *fx = *state;
  load_err(fx, "{}", "C0101 case_id: missing");
  load_err(fx, "{\"case_id\": null}", "C0101 case_id: missing");
  load_err(fx, "{\"case_id\": 12}", "C0102 case_id: expected string, got number");
  load_err(fx, "{\"case_id\": [\"a\"]}", "C0102 case_id: expected string, got array");
  load_ok(fx, "{\"case_id\": \"\"}");
  assert_string_equal(pol_case_id(fx->c), "");
  load_ok(fx, "{\"case_id\": \"sij\"}");   /* interned: the program's copy */
  assert_ptr_equal(pol_case_id(fx->c), strs[S_V_SIJ]);
}

/* One case reused for 1000 loads: after warm-up the arena and the slot
   arrays do not move (they would if they grew), and valgrind sees no leak. */
static void test_reuse(void **state)
{
  Fx *fx = *state;
  json_t *small = json_loads(
    "{\"case_id\": \"s\", \"conditions\": [\"gout\"], \"request\": {\"procedures\": [{\"cpt\": \"x\"}]}}",
    0, NULL);
  json_t *large = json_pack("{s:s}", "case_id", "L");
  json_t *inj = json_array(), *procs = json_array();
  for (int i = 0; i < 300; i++)
    json_array_append_new(inj, json_pack("{s:s, s:s, s:i, s:[s,s]}", "date", "2025-01-01",
                                         "target", i % 2 ? "sij" : "knee", "relief_pct", i,
                                         "levels", "L4-L5", "other-level"));
  for (int i = 0; i < 40; i++)
    json_array_append_new(procs, json_pack("{s:i, s:s, s:[s]}", "line", 40 - i, "cpt", "99999",
                                           "levels", "S1-S2"));
  json_object_set_new(large, "injections", inj);
  json_object_set_new(large, "request", json_pack("{s:o}", "procedures", procs));
  assert_non_null(small);
  assert_non_null(large);

  const void *ps[6] = {0};
  for (int i = 0; i < 1000; i++) {
    const void *now[6];
    assert_int_equal(pol_case_load(fx->c, small, fx->err, sizeof fx->err), 0);
    now[0] = pol_case_slots(fx->c, 0);
    now[1] = list_of(&pol_case_slots(fx->c, 0)[F_COND])->items;
    now[2] = pol_case_id(fx->c);
    assert_int_equal(pol_case_load(fx->c, large, fx->err, sizeof fx->err), 0);
    assert_int_equal(pol_case_nlines(fx->c), 40);
    assert_int_equal(pol_case_line(fx->c, 0)->number, 1);
    const pol_List *l = list_of(&pol_case_slots(fx->c, 39)[F_INJ]);
    assert_int_equal(l->n, 300);
    now[3] = pol_case_slots(fx->c, 0);
    now[4] = l->items;
    now[5] = pol_case_line(fx->c, 39)->cpt;
    if (i >= 2)
      for (int k = 0; k < 6; k++) assert_ptr_equal(now[k], ps[k]);
    memcpy(ps, now, sizeof ps);
  }
  json_decref(small);
  json_decref(large);
}

/* Random JSON at every fact position: a load must succeed or give an error,
   never crash (run under ASan/UBSan and valgrind). */
static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n) { rng = rng * 1103515245u + 12345u; return (rng >> 16) % n; }

static json_t *random_json(int depth)
{
  static const char *const keys[] = {"date", "target", "relief_pct", "levels", "views",
                                     "findings", "finding", "value", "kids", "line", "cpt",
                                     "approach", "procedures", "service_date"};
  static const char *const strings[] = {"2025-01-01", "2025-02-30", "sij", "", "27279", "x"};
  switch (rnd(depth > 4 ? 6 : 8)) {
  case 0: return json_null();
  case 1: return json_boolean(rnd(2));
  case 2: return json_integer((json_int_t)rnd(5) - 2);
  case 3: return json_real(rnd(100) / 7.0);
  case 4: case 5: return json_string(strings[rnd(6)]);
  case 6: {
    json_t *a = json_array();
    for (uint32_t i = rnd(4); i > 0; i--) json_array_append_new(a, random_json(depth + 1));
    return a;
  }
  default: {
    json_t *o = json_object();
    for (uint32_t i = rnd(5); i > 0; i--)
      json_object_set_new(o, keys[rnd(sizeof keys / sizeof keys[0])], random_json(depth + 1));
    return o;
  }
  }
}

static void test_random_json(void **state)
{
  Fx *fx = *state;
  static const char *const top[] = {"case_id", "symptoms", "exam", "patient", "conditions",
                                    "injections", "imaging", "request", "x", "tree"};
  int ok = 0;
  for (int it = 0; it < 3000; it++) {
    json_t *root = rnd(20) ? json_object() : random_json(0);
    if (json_is_object(root)) {
      if (rnd(4)) json_object_set_new(root, "case_id", json_string("r"));
      for (uint32_t i = rnd(6); i > 0; i--)
        json_object_set_new(root, top[rnd(sizeof top / sizeof top[0])], random_json(1));
    }
    fx->err[0] = 'z';
    int r = pol_case_load(fx->c, root, fx->err, sizeof fx->err);
    if (r == 0) ok++;
    else assert_true(r == -1 && strstr(fx->err, ": ") != NULL);
    json_decref(root);
  }
  assert_true(ok > 0);
}

static void test_bad_program(void **state)
{
  (void)state;
  pol_Fact bad = {NSTR + 5, NSTR + 5, T(PK_NUM), POL_SCOPE_CASE};
  pol_Program p = prog;
  p.facts = &bad;
  p.nfacts = 1;
  pol_Case *c = pol_case_new(&p);
  assert_non_null(c);
  json_t *root = json_pack("{s:s}", "case_id", "a");
  char err[200];
  assert_int_equal(pol_case_load(c, root, err, sizeof err), -1);
  assert_string_equal(err, "C0111 program: a fact has a bad path, type or scope");
  pol_case_free(c);

  pol_Fact none[1];
  p.facts = none;
  p.nfacts = 0;
  p.nstr = 0;
  p.nrec = 0;
  c = pol_case_new(&p);
  assert_non_null(c);
  assert_int_equal(pol_case_load(c, root, err, sizeof err), 0);
  assert_non_null(pol_case_slots(c, 0));
  assert_int_equal(pol_case_intern(c, "sij"), POL_NOSTR);
  pol_case_free(c);
  json_decref(root);
}

/* Interning with many strings of one length, first and last byte (one
   crowded bucket, hashed: vm/case.c intern_build) and with few (scanned),
   duplicates among both: every string is found whole, a duplicate gives
   its first id, a near miss none. */
static void test_intern_buckets(void **state)
{
  (void)state;
  enum { N = 300 };
  static char text[N][16];
  static char *str[N];
  static uint32_t slen[N];
  for (int i = 0; i < N; i++) {
    if (i < 200) snprintf(text[i], sizeof text[i], "a%04dz", i % 150);   /* one bucket; 50 repeats */
    else snprintf(text[i], sizeof text[i], "k%d-%d", i % 250, i % 7);    /* a few repeats */
    str[i] = text[i];
    slen[i] = (uint32_t)strlen(text[i]);
  }
  pol_Program p = prog;
  p.str = str;
  p.slen = slen;
  p.nstr = N;
  p.nfacts = 0;
  p.nrec = 0;
  pol_Case *c = pol_case_new(&p);
  assert_non_null(c);
  for (int i = 0; i < N; i++) {
    uint32_t want = (uint32_t)i;
    for (int j = 0; j < i; j++)
      if (strcmp(text[j], text[i]) == 0) { want = (uint32_t)j; break; }
    assert_int_equal(pol_case_intern(c, text[i]), want);
    assert_int_equal(pol_case_intern_n(c, text[i], slen[i]), want);
  }
  assert_int_equal(pol_case_intern(c, "a0150z"), POL_NOSTR);
  assert_int_equal(pol_case_intern(c, "a0149y"), POL_NOSTR);
  assert_int_equal(pol_case_intern(c, "a014"), POL_NOSTR);
  assert_int_equal(pol_case_intern_n(c, "a0001zz", 6), 1);
  assert_int_equal(pol_case_intern(c, ""), POL_NOSTR);
  pol_case_free(c);
}

/* The document checks before loading: size, nesting, syntax, duplicates. */
static void test_parse(void **state)
{
  (void)state;
  pol_CaseError e;
  json_t *j = pol_case_parse("{\"case_id\": \"p\"}", 16, &e);
  assert_non_null(j);
  json_decref(j);

  /* 64 levels are fine, 65 are not; brackets inside strings do not count */
  char buf[512];
  size_t n = 0;
  n += (size_t)sprintf(buf + n, "{\"a\": \"[[[[{{\", \"b\": ");
  for (int i = 0; i < 63; i++) buf[n++] = '[';
  for (int i = 0; i < 63; i++) buf[n++] = ']';
  buf[n++] = '}';
  j = pol_case_parse(buf, n, &e);
  assert_non_null(j);
  json_decref(j);
  n = 0;
  buf[n++] = '\n';
  for (int i = 0; i < 65; i++) buf[n++] = '[';
  for (int i = 0; i < 65; i++) buf[n++] = ']';
  assert_null(pol_case_parse(buf, n, &e));
  assert_string_equal(e.code, "C0003");
  assert_int_equal(e.line, 2);
  assert_int_equal(e.column, 65);

  assert_null(pol_case_parse("{\"a\": 1, \"a\": 2}", 16, &e));
  assert_string_equal(e.code, "C0001");
  assert_non_null(strstr(e.text, "duplicate object key"));
  assert_null(pol_case_parse("{\"a\": 1e400}", 12, &e));
  assert_string_equal(e.code, "C0001");
  assert_null(pol_case_parse("{\"a\": \"\xff\"}", 10, &e));
  assert_string_equal(e.code, "C0001");

  /* the size is checked before anything is read */
  assert_null(pol_case_parse(buf, (size_t)POL_CASE_MAX_BYTES + 1, &e));
  assert_string_equal(e.code, "C0002");
  assert_string_equal(e.text, "case too large: 16777217 bytes, at most 16777216");
}

/* JSON numbers as decimals (docs/language.md, "Numbers"): integers
   exactly, reals by their shortest text rounded to 8 digits half to even,
   out of range refused with C0112 and the path. */
static void test_numbers(void **state)
{
  Fx *fx = *state;
  static const struct { const char *json; pol_Dec want; } ok[] = {
    {"6.3", 630000000}, {"0.1", 10000000}, {"8.2", 820000000}, {"-0.0", 0}, {"-0.5", -50000000},
    {"1e-9", 0}, {"5e-9", 0}, {"1.5e-8", 2}, {"2.5e-8", 2}, {"0.000000035", 4},
    {"123456.78901234", 12345678901234}, {"0.30000000000000004", 30000000},
    {"92233720368", INT64_C(9223372036800000000)}, {"-92233720368", -INT64_C(9223372036800000000)},
    {"92233720368.5", INT64_C(9223372036850000000)}, {"4.9e-324", 0}, {"1E2", 10000000000},
  };
  char text[256];
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    snprintf(text, sizeof text, "{\"case_id\": \"a\", \"symptoms\": {\"pain_nrs\": %s}}", ok[i].json);
    load_ok(fx, text);
    assert_int_equal(slot(fx, F_PAIN)->tag, PV_NUM);
    if (slot(fx, F_PAIN)->u.d != ok[i].want)
      fail_msg("%s loaded as %lld, expected %lld", ok[i].json, (long long)slot(fx, F_PAIN)->u.d,
               (long long)ok[i].want);
  }
  static const char *const bad[] = {"92233720369", "-92233720369", "1e11", "-1e300", "1e300",
                                    "9223372036854775807", "92233720368.6"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    snprintf(text, sizeof text, "{\"case_id\": \"a\", \"injections\": [{}, {\"relief_pct\": %s}]}", bad[i]);
    load_err(fx, text, "C0112 injections[1].relief_pct: number out of range "
                       "(-92233720368.54775807 .. 92233720368.54775807)");
  }
}

int main(void)
{
  init_program();
#define TC(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
    TC(test_unknown_vs_false), TC(test_records), TC(test_wrong_types), TC(test_dates),
    TC(test_intern), TC(test_strings_and_lists_limits), TC(test_recursive_type_depth),
    TC(test_lines), TC(test_no_lines), TC(test_case_id), TC(test_reuse),
    TC(test_random_json), TC(test_numbers), cmocka_unit_test(test_bad_program), cmocka_unit_test(test_intern_buckets),
    cmocka_unit_test(test_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
