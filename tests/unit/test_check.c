/*
 * test_check.c -- unit tests for compiler/check.c: loading and imports,
 * name resolution, types, declarations, headers and criteria.
 *
 * Each test compiles a small source from memory (pol_compiler_load_text,
 * stdlib/ on the module path: tests run from the repository root), runs
 * pol_check when it parsed, and asserts the error count and that the
 * diagnostics, captured through open_memstream, contain the expected text
 * (E-code and message) at the expected line:column.  Every E-code check.c
 * can emit appears at least once, except E0299 (no parsed expression can
 * reach it) and E0323 (65536 record types: too slow to build here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "compile.h"

/* ---- harness ------------------------------------------------------------ */

typedef struct Ck {
  pol_Compiler c;
  FILE *out;
  char *msgs;
  size_t msglen;
  int nerrors;
} Ck;

static void ck_init(Ck *k)
{
  memset(k, 0, sizeof *k);
  k->out = open_memstream(&k->msgs, &k->msglen);
  assert_non_null(k->out);
  pol_compiler_init(&k->c, k->out);
  pol_compiler_add_path(&k->c, "stdlib");
}

/* Loads one more source; returns the errors it caused. */
static int ck_load(Ck *k, const char *name, const char *text)
{
  int n = pol_compiler_load_text(&k->c, name, text, strlen(text));
  fflush(k->out);
  return n;
}

/* Checks everything loaded (unless it failed to parse); the error total. */
static int ck_check(Ck *k)
{
  if (k->c.diag.nerrors == 0) pol_check(&k->c);
  fflush(k->out);
  k->nerrors = k->c.diag.nerrors;
  return k->nerrors;
}

static void ck_free(Ck *k)
{
  pol_compiler_free(&k->c);
  fclose(k->out);
  free(k->msgs);
}

/* Compiles text as c.pol: the total error count. */
static int check(Ck *k, const char *text)
{
  ck_init(k);
  ck_load(k, "c.pol", text);
  return ck_check(k);
}

/* Asserts the diagnostics contain s. */
static void has(const Ck *k, const char *s)
{
  if (!k->msgs || !strstr(k->msgs, s)) fail_msg("no \"%s\" in the diagnostics:\n%s", s, k->msgs);
}

static void errors(Ck *k, int n)
{
  if (k->nerrors != n)
    fail_msg("expected %d error%s, got %d:\n%s", n, n == 1 ? "" : "s", k->nerrors, k->msgs);
}

/* One criterion "C" whose body is expr, under the standard header. */
#define HDR "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X\" }\n" \
            "import \"case\"\n"
#define CRIT(expr) "branch \"B\" \"b\" when cpt == \"X\" {\n  criterion \"C\" \"c\" { " expr " }\n}\n"

/* Checks HDR + decls + CRIT(expr): asserts n errors, each containing the
   matching string of the NULL-terminated list. */
static void expect_errors(const char *decls, const char *expr, int n, ...)
{
  Ck k;
  char src[8192];
  snprintf(src, sizeof src, HDR "%s\nbranch \"B\" \"b\" when cpt == \"X\" {\n"
                            "  criterion \"C\" \"c\" { %s }\n}\n", decls, expr);
  check(&k, src);
  errors(&k, n);
  va_list ap;
  va_start(ap, n);
  for (const char *s; (s = va_arg(ap, const char *)) != NULL;) has(&k, s);
  va_end(ap);
  ck_free(&k);
}

static void expect_ok(const char *decls, const char *expr)
{
  expect_errors(decls, expr, 0, (const char *)NULL);
}

/* The first N_NAME / N_IT named `name` (any name for N_IT) under n. */
static pol_Node *find_name(pol_Node *n, pol_NodeKind kind, const char *name, int skip)
{
  if (!n) return NULL;
  static int seen;
  if (skip >= 0) seen = skip;
  if (n->kind == kind && (kind == N_IT || strcmp(n->str, name) == 0)) {
    if (seen-- == 0) return n;
  }
  pol_Node *kids[] = {n->a, n->b, n->c, n->d, n->e, n->args};
  for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++)
    for (pol_Node *k = kids[i]; k; k = k->next) {
      pol_Node *r = find_name(k, kind, name, -1);
      if (r) return r;
      if (i < 5) break;   /* a..e are single nodes, args a list */
    }
  return NULL;
}

/* The body of criterion "C" of branch "B" of the file c.pol. */
static pol_Node *crit_body(Ck *k)
{
  for (pol_Node *it = k->c.files[0]->items; it; it = it->next)
    if (it->kind == N_BRANCH)
      for (pol_Node *cl = it->args; cl; cl = cl->next)
        if (strcmp(cl->str, "C") == 0) return cl->a;
  fail_msg("no criterion C");
  return NULL;
}

/* ---- a correct policy ---------------------------------------------------- */

static void test_policy_checks_clean(void **state)
{
  (void)state;
  Ck k;
  ck_init(&k);
  assert_int_equal(pol_compiler_load(&k.c, "policies/caresource-nc-sij-fusion.pol"), 0);
  ck_check(&k);
  errors(&k, 0);
  assert_int_equal(k.c.nunits, 1);
  pol_PolicyUnit *u = k.c.units[0];
  assert_string_equal(u->id, "MP-MM-1366");
  assert_string_equal(u->title, "Sacroiliac Joint Fusion-NC");
  assert_string_equal(u->version, "2025-08-01");
  assert_int_equal(u->effective, pol_days_from_civil(2025, 8, 1));
  assert_string_equal(u->codes->str, "27278");
  assert_string_equal(u->codes->next->str, "27279");
  assert_string_equal(u->codes->next->next->str, "27280");
  ck_free(&k);
}

/* ---- unknown names ------------------------------------------------------- */

/* "did you mean": a name in scope within two edits (suggest.h); values
   for names, callables for calls, the record's fields for fields; none
   when nothing is near */
static void test_did_you_mean(void **state)
{
  (void)state;
  expect_errors("", "pian_nrs >= 5", 1, "unknown name 'pian_nrs'; did you mean 'pain_nrs'?",
                (const char *)NULL);
  expect_errors("", "Pain_NRS >= 5", 1, "unknown name 'Pain_NRS'; did you mean 'pain_nrs'?",
                (const char *)NULL);
  expect_errors("let dbl(n: number): number = n * 2", "dbll(2) > 1 and flor(2.5) > 1", 2,
                "unknown function 'dbll'; did you mean 'dbl'?", "unknown function 'flor'; did you mean 'floor'?",
                (const char *)NULL);
  expect_errors("let limitt = 5", "pain_nrs >= limit", 1, "unknown name 'limit'; did you mean 'limitt'?",
                (const char *)NULL);
  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when cpt == \"X\" { criterion \"C\" \"c\" { frobnicate_all > 1 } }\n");
  errors(&k, 1);
  has(&k, "unknown name 'frobnicate_all'\n");
  ck_free(&k);
}

static void test_unknown_names(void **state)
{
  (void)state;
  expect_errors("", "pain_nr >= 5", 1,
                "c.pol:5:23: error[E0202]: unknown name 'pain_nr'; did you mean 'pain_nrs'?\n"
                "    5 |   criterion \"C\" \"c\" { pain_nr >= 5 }\n"
                "      |                       ^~~~~~~\n",
                (const char *)NULL);
  expect_errors("", "painnrs(3) > 1 and frobnicate(1, age)", 2,
                "c.pol:5:23: error[E0202]: unknown function 'painnrs'",
                "c.pol:5:42: error[E0202]: unknown function 'frobnicate'", (const char *)NULL);
  /* the arguments of an unknown function are still checked */
  expect_errors("", "frob(nosuch) > 1", 2, "unknown function 'frob'", "unknown name 'nosuch'",
                (const char *)NULL);
  /* an unknown name silences the errors that would follow from it */
  expect_errors("", "(nosuch + 1) * 2 >= \"x\" and nosuch", 2,
                "unknown name 'nosuch'", (const char *)NULL);
  /* in a let, reported once where it is written */
  expect_errors("let q = typo * 2", "q > 1", 1, "c.pol:3:9: error[E0202]: unknown name 'typo'",
                (const char *)NULL);
  /* in a branch condition */
  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when cptt == \"X\" { criterion \"C\" \"c\" { true } }\n");
  errors(&k, 1);
  has(&k, "c.pol:3:21: error[E0202]: unknown name 'cptt'");
  ck_free(&k);
}

static void test_unknown_type_and_field(void **state)
{
  (void)state;
  expect_errors("fact x: numbr = a.b", "true", 1, "c.pol:3:9: error[E0213]: unknown type 'numbr'",
                (const char *)NULL);
  expect_errors("record R { a: strng }", "true", 1, "error[E0213]: unknown type 'strng'",
                (const char *)NULL);
  expect_errors("", "exists injections where it.nosuch == 1", 1,
                "c.pol:5:47: error[E0206]: Injection has no field 'nosuch'", (const char *)NULL);
  expect_errors("", "exists x in imaging where x.region == \"l\" and x.regoin == \"l\"", 1,
                "error[E0206]: Study has no field 'regoin'; did you mean 'region'?", (const char *)NULL);
}

/* ---- types --------------------------------------------------------------- */

static void test_type_errors_E0220(void **state)
{
  (void)state;
  static const struct { const char *decls, *expr, *msg; } cases[] = {
    {"", "pain_nrs + 1", "error[E0220]: a criterion must be true or false, found number"},
    {"", "exists pain_nrs where true", "error[E0220]: a quantifier needs a list, found number"},
    {"", "not pain_nrs", "error[E0220]: 'not' needs true/false, found number"},
    {"", "pain_nrs and true", "error[E0220]: 'and'/'or' need true/false operands, found number"},
    {"", "true or sex", "error[E0220]: 'and'/'or' need true/false operands, found string"},
    {"", "onset within [1, onset]", "error[E0220]: a window starts at a date, found number"},
    {"", "onset within [onset, \"x\"]", "error[E0220]: a window ends at a date, found string"},
    {"", "onset.year > 1", "error[E0220]: only a record has fields, found date"},
    {"", "exists injections where relief_pct", "error[E0220]: a 'where' condition must be true or false, found number"},
    {"", "(count distinct i.levels of i in injections where true) > 1",
     "error[E0220]: 'count distinct' needs a string, number, date or bool key, found list<string>"},
    {"", "-sex == 1", "error[E0220]: '-' needs a number, found string"},
    {"", "floor(sex) == 1", "error[E0220]: floor needs a number, found string"},
    {"", "start_of(onset) == onset", "error[E0220]: needs a window, found date"},
    {"", "(days of onset covered by therapies from start to end) > 1",
     "error[E0220]: 'days of' needs a window, found date"},
    {"", "(days of [onset, onset] covered by conditions from onset to onset) > 1",
     "error[E0220]: 'covered by' needs a list of records, found list<string>"},
    {"", "(days of [onset, onset] covered by therapies from kind to end) > 1",
     "error[E0220]: 'from' needs a date, found string"},
    {"", "(days of [onset, onset] covered by therapies from start to 3) > 1",
     "error[E0220]: 'to' needs a date, found number"},
    {"", "at least 1 of (pain_nrs, true)", "error[E0220]: 'at least k of' needs true/false items, found number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_errors(cases[i].decls, cases[i].expr, 1, cases[i].msg, (const char *)NULL);

  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when age { criterion \"C\" \"c\" { true } }\n");
  errors(&k, 1);
  has(&k, "c.pol:3:21: error[E0220]: a branch condition must be true or false, found number");
  ck_free(&k);
}

static void test_operator_errors_E0221(void **state)
{
  (void)state;
  static const struct { const char *expr, *msg; } cases[] = {
    {"pain_nrs >= \"five\"", "c.pol:5:23: error[E0221]: operator '>=' does not apply to number and string"},
    {"\"a\" + 1 == 2", "operator '+' does not apply to string and number"},
    {"onset + 3 == onset", "operator '+' does not apply to date and number"},
    {"3 - onset == 1", "operator '-' does not apply to number and date"},
    {"pain_nrs in {\"a\"}", "operator 'in' does not apply to number and set"},
    {"sex not in levels and sex not in pain_nrs", "operator 'not in' does not apply to string and number"},
    {"onset within onset", "operator 'within' does not apply to date and date"},
    {"(pain_nrs ?? \"x\") == 1", "operator '?\?' does not apply to number and string"},
    {"true < false", "operator '<' does not apply to bool and bool"},
    {"sex < \"m\"", "operator '<' does not apply to string and string"},
    {"12 months == 1 year", "operator '==' does not apply to duration and duration"},
    {"injections == injections", "operator '==' does not apply to list<Injection> and list<Injection>"},
    {"onset * 2 == 1", "operator '*' does not apply to date and number"},
    {"1 / \"x\" == 1", "operator '/' does not apply to number and string"},
    {"onset != 2", "operator '!=' does not apply to date and number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_errors("", cases[i].expr, 1, cases[i].msg, (const char *)NULL);
  /* and what is allowed */
  expect_ok("", "sex in levels and sex not in {\"a\"} and onset - onset >= 0 and "
                "onset + 1 year > onset - 6 weeks and (onset ?? request_date) within "
                "[request_date - 12 months, request_date] and sex != \"f\" and "
                "pain_radiating == false and pain_nrs * 2 / 3 - 1 + -pain_nrs < 10");
}

static void test_at_least_errors(void **state)
{
  (void)state;
  expect_errors("", "at least 4 of (true, false, true)", 1,
                "c.pol:5:23: error[E0222]: 'at least 4 of' 3 items: k must be a whole number from 1 to 3",
                (const char *)NULL);
  expect_errors("", "at least 0 of (true)", 1, "error[E0222]", (const char *)NULL);
  expect_errors("", "at least 1.5 of (true, true)", 1, "error[E0222]", (const char *)NULL);
  expect_errors("", "at least 1 of (true, true, true, true, true, true, true, true, true)", 1,
                "error[E0223]: 'at least k of' takes at most 8 items", (const char *)NULL);
  expect_ok("", "at least 8 of (true, true, true, true, true, true, true, true)");
}

static void test_declared_type_mismatch(void **state)
{
  (void)state;
  expect_errors("let x: number = true", "x > 1", 1,
                "c.pol:3:17: error[E0224]: 'x' is declared number but its value is bool",
                (const char *)NULL);
  expect_errors("let f(a: number): date = a", "f(1) == onset", 1,
                "error[E0224]: 'f' is declared date but its value is number", (const char *)NULL);
  expect_ok("let x: window = [onset, onset]", "onset within x");
}

static void test_type_syntax_errors(void **state)
{
  (void)state;
  expect_errors("fact x: list = a", "true", 1, "c.pol:3:9: error[E0210]: list needs an element type: list<T>",
                (const char *)NULL);
  expect_errors("fact x: list<list<string>> = a", "true", 1,
                "c.pol:3:14: error[E0211]: a list cannot hold this type", (const char *)NULL);
  expect_errors("record R { w: list<window> }", "true", 1, "error[E0211]", (const char *)NULL);
  expect_errors("fact x: number<string> = a", "true", 1,
                "error[E0212]: 'number' takes no type argument", (const char *)NULL);
  expect_errors("fact x: window = a", "true", 1,
                "c.pol:3:9: error[E0214]: a fact is a bool, number, string, date or list",
                (const char *)NULL);
  expect_errors("fact x: Injection = a", "true", 1, "error[E0214]", (const char *)NULL);
  expect_errors("fact x: duration = a", "true", 1, "error[E0214]", (const char *)NULL);
  expect_ok("fact x: list<Injection> = a.b fact y: list<date> = y", "true");
}

static void test_extern_declarations(void **state)
{
  (void)state;
  expect_errors("extern \"l.so\" f(window): bool", "true", 1,
                "c.pol:3:17: error[E0240]: an extern takes bool, number, string or date",
                (const char *)NULL);
  expect_errors("extern \"l.so\" f(number): list<string>", "true", 1,
                "error[E0240]: an extern returns bool, number, string or date", (const char *)NULL);
  expect_errors("extern \"l.so\" f(number, number, number, number, number, number, number, number, number): bool",
                "true", 1, "c.pol:3:1: error[E0241]: an extern takes at most 8 arguments",
                (const char *)NULL);
  expect_errors("extern \"l.so\" f(number, string): bool", "f(1) and f(\"a\", 1) and f(1, \"a\")", 3,
                "error[E0230]: f takes 2 arguments, given 1",
                "error[E0231]: argument of f must be number",
                "error[E0231]: argument of f must be string", (const char *)NULL);
  /* library names polvm would refuse: paths, "..", names for the loader's search */
  const char *bad[] = {"/lib/x86_64-linux-gnu/libc.so.6", "../evil.so", "..", "sub/lib.so", ".hidden.so", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char decl[256];
    snprintf(decl, sizeof decl, "extern \"%s\" f(number): bool", bad[i]);
    expect_errors(decl, "true", 1, "c.pol:3:1: error[E0242]: extern library", (const char *)NULL);
  }
  expect_errors("extern \"libc.so.6\" f(number): bool", "true", 0, (const char *)NULL);
}

/* ---- calls and arity ----------------------------------------------------- */

static void test_calls(void **state)
{
  (void)state;
  const char *f = "let f(x: number): number = x * 2\n";
  expect_errors(f, "f(1, 2) > 3", 1, "c.pol:6:23: error[E0230]: f takes 1 argument, given 2",
                (const char *)NULL);
  expect_errors(f, "f() > 3", 1, "error[E0230]: f takes 1 argument, given 0", (const char *)NULL);
  expect_errors("let g(a: number, b: date): bool = a > 1\n", "g(1)", 1,
                "error[E0230]: g takes 2 arguments, given 1", (const char *)NULL);
  expect_errors(f, "f > 3", 1, "c.pol:6:23: error[E0203]: 'f' is a function: call it with arguments",
                (const char *)NULL);
  expect_errors("", "pain_nrs(3) > 3", 1, "error[E0204]: 'pain_nrs' is not a function",
                (const char *)NULL);
  expect_errors("let v = 3\n", "v(1) > 3", 1, "error[E0204]: 'v' is not a function", (const char *)NULL);
  expect_errors(f, "f(\"one\") > 3", 1, "c.pol:6:25: error[E0231]: argument of f must be number",
                (const char *)NULL);
  /* at most 8 parameters (codegen binds 8 registers) */
  expect_errors("let g(a: number, b: number, c: number, d: number, e: number, f: number, "
                "g: number, h: number, i: number): number = a\n", "g(1, 1, 1, 1, 1, 1, 1, 1, 1) > 3", 1,
                "c.pol:3:1: error[E0232]: 'g' has 9 parameters; at most 8", (const char *)NULL);
  expect_ok("let g(a: number, b: number, c: number, d: number, e: number, f: number, "
            "g: number, h: number): number = h\n", "g(1, 1, 1, 1, 1, 1, 1, 8) > 3");
  /* builtins */
  expect_errors("", "floor(1, 2) > 3", 1, "error[E0230]: floor takes 1 argument, given 2",
                (const char *)NULL);
  expect_errors("", "known() or known(a, b)", 2, "error[E0230]: known takes 1 argument, given 0",
                "error[E0230]: known takes 1 argument, given 2", (const char *)NULL);
  expect_ok("import \"windows\"", "floor(2.5) == 2 and known(onset) and start_of(past(6 months)) < "
                                  "end_of(past(6 months)) and months(6) == 182");
  /* a let of the same name as a builtin replaces it */
  expect_ok("let floor(x: string): bool = x == \"f\"", "floor(\"g\")");
}

/* ---- it ------------------------------------------------------------------ */

static void test_it(void **state)
{
  (void)state;
  expect_errors("", "it > 3", 1,
                "c.pol:5:23: error[E0205]: 'it' is only meaningful inside a quantifier\n"
                "    5 |   criterion \"C\" \"c\" { it > 3 }\n"
                "      |                       ^~\n",
                (const char *)NULL);
  /* a let's body is checked where it is written, not where it is used */
  expect_errors("let z = it == \"a\"\n", "exists conditions where z", 1,
                "c.pol:3:9: error[E0205]", (const char *)NULL);
  /* `it` in the list expression of a quantifier is outside it */
  expect_errors("", "exists it where true", 1, "error[E0205]", (const char *)NULL);
  expect_ok("", "exists conditions where it == \"a\"");
  /* nested: `it` is the innermost item */
  Ck k;
  check(&k, HDR CRIT("exists imaging where exists findings where it.finding == \"x\""));
  errors(&k, 0);
  pol_Node *it = find_name(crit_body(&k), N_IT, NULL, 0);
  assert_non_null(it);
  assert_int_equal(it->res, R_ITEM);
  assert_int_equal(it->depth, 0);
  ck_free(&k);
}

/* ---- resolution ---------------------------------------------------------- */

static const char nested_records[] =
  "record Inner { a: string  y: number }\n"
  "record Outer { a: number  x: string  inner: list<Inner> }\n"
  "fact outers: list<Outer> = outers\n"
  "fact x: bool = top.x\n";

static void test_fields_through_nested_quantifiers(void **state)
{
  (void)state;
  Ck k;
  char src[4096];
  /* `a` is both Inner.a and Outer.a, `x` both Outer.x and the fact x:
     each is an error (E0208), with the fix-it */
  snprintf(src, sizeof src, HDR "%s" CRIT("exists outers where exists inner where a == \"s\" and x == \"t\" and y > 1"),
           nested_records);
  check(&k, src);
  errors(&k, 2);
  has(&k, "error[E0208]: 'a' has two meanings here: the field 'a' of the Inner item of 'exists inner', and "
          "the field 'a' of the Outer item of 'exists outers'; name the item to say which: in 'exists x "
          "in inner where …', 'x.a' is the field and 'a' the outer item's field");
  has(&k, "error[E0208]: 'x' has two meanings here: the field 'x' of the Outer item of 'exists outers', "
          "and the fact 'x' declared at c.pol:");
  has(&k, "name the item to say which: in 'exists item in outers where …', 'item.x' is the field and "
          "'x' the fact");
  ck_free(&k);

  /* named, each has one meaning: inner `i.a` is Inner.a (a string), `o.x`
     Outer.x; a field of the outer unnamed item needs no name */
  snprintf(src, sizeof src, HDR "%s" CRIT("exists outers where exists i in inner where i.a == \"s\" and y == 1"),
           nested_records);
  check(&k, src);
  has(&k, "error[E0202]: unknown name 'y'");   /* fields of a named item need its name */
  ck_free(&k);
  snprintf(src, sizeof src, HDR "%s" CRIT("exists outers where exists i in inner where i.a == \"s\" and a > 1 and i.y > 1"),
           nested_records);
  check(&k, src);
  errors(&k, 0);
  pol_Node *body = crit_body(&k);
  pol_Node *a = find_name(body, N_NAME, "a", 0);   /* Outer.a: Inner's fields need i. */
  assert_int_equal(a->res, R_FIELD);
  assert_int_equal(a->depth, 1);
  assert_int_equal(a->index, 0);
  assert_int_equal(POL_TKIND(a->type), PK_NUM);
  pol_Node *i = find_name(body, N_NAME, "i", 1);   /* in i.y */
  assert_int_equal(i->res, R_ITEM);
  assert_int_equal(i->depth, 0);
  /* the list of the inner quantifier is a field of the outer item */
  pol_Node *inner = find_name(body, N_NAME, "inner", 0);
  assert_int_equal(inner->res, R_FIELD);
  assert_int_equal(inner->depth, 0);
  ck_free(&k);

  /* the stdlib shape: imaging's date seen from inside findings */
  check(&k, HDR CRIT("exists imaging where exists findings where finding == \"x\" and date > 2020-01-01"));
  errors(&k, 0);
  pol_Node *date = find_name(crit_body(&k), N_NAME, "date", 0);
  assert_int_equal(date->res, R_FIELD);
  assert_int_equal(date->depth, 1);
  assert_int_equal(POL_TKIND(date->type), PK_DATE);
  ck_free(&k);

  /* outside the quantifiers, x is the fact */
  snprintf(src, sizeof src, HDR "%s" CRIT("(exists o in outers where o.x == \"t\") and x"), nested_records);
  check(&k, src);
  errors(&k, 0);
  body = crit_body(&k);
  assert_int_equal(find_name(body, N_NAME, "x", 0)->res, R_FACT);
  ck_free(&k);

  /* issue 8.5: a field no longer hides a fact of the same name; `side ==
     side` was Injection.side == Injection.side, always true */
  check(&k, HDR CRIT("exists injections where side == side"));
  errors(&k, 2);
  has(&k, "error[E0208]: 'side' has two meanings here: the field 'side' of the Injection item of 'exists "
          "injections', and the fact 'side' of module \"case\" (line ");
  ck_free(&k);
  check(&k, HDR CRIT("exists i in injections where i.side == side"));
  errors(&k, 0);
  body = crit_body(&k);
  assert_int_equal(find_name(body, N_NAME, "i", 0)->res, R_ITEM);
  assert_int_equal(find_name(body, N_NAME, "side", 0)->res, R_FACT);
  ck_free(&k);
  /* count and count distinct name their items the same way */
  check(&k, HDR CRIT("(count i in injections where i.side == side) + "
                     "(count distinct i.date of i in injections where i.side == side) > 1"));
  errors(&k, 0);
  body = crit_body(&k);
  assert_int_equal(find_name(body, N_NAME, "side", 0)->res, R_FACT);
  assert_int_equal(find_name(body, N_NAME, "side", 1)->res, R_FACT);
  ck_free(&k);
}


/* sum, latest / earliest, if, sets, durations: types, new errors, and
   "one meaning per name" with their items */
static void test_new_expressions(void **state)
{
  (void)state;
  Ck k;
  /* the types they give */
  check(&k, HDR CRIT("(sum i.relief_days of i in injections where i.target == \"sij\") >= 10 and "
                     "(latest l.value of l in labs where l.test == \"hba1c\" by l.date) < 7 and "
                     "(earliest test of labs) == \"x\" and (latest date of labs where value > 1) < request_date and "
                     "(if pain_radiating then 6 else 4) <= pain_nrs and "
                     "request_date - weeks(2) < request_date - days(1) + years(1) and "
                     "(exists x in {\"left\", \"right\"} where x == side) and "
                     "(count x in {\"a\"} where x != side) >= 0 and (count i in injections) >= 0 and "
                     "(count distinct i.date of i in injections) >= 0 and "
                     "(if pain_radiating then request_date else service_date) < request_date"));
  errors(&k, 0);
  ck_free(&k);
  /* their items have one meaning per name, as every quantifier's */
  check(&k, HDR CRIT("(sum relief_days of injections where side == side) > 1"));
  errors(&k, 2);
  has(&k, "error[E0208]: 'side' has two meanings here: the field 'side' of the Injection item of 'sum … of "
          "injections', and the fact 'side' of module \"case\"");
  ck_free(&k);
  check(&k, HDR CRIT("(latest value of labs where date < request_date by date) > 1 and "
                     "(latest x.value of x in labs where exists x in injections where x.side == side) > 1"));
  errors(&k, 1);
  has(&k, "error[E0208]: 'x' has two meanings here: the item 'x' of 'exists x in injections', and the item "
          "'x' of 'latest … of x in labs'");
  ck_free(&k);
  check(&k, HDR CRIT("exists side in {\"left\"} where side == \"left\""));
  errors(&k, 1);
  has(&k, "error[E0208]: 'side' has two meanings here: the item 'side' of 'exists side in {\"left\"}', and "
          "the fact 'side'");
  ck_free(&k);
  /* a named item's fields are not in scope by bare name */
  expect_errors("", "(sum relief_days of i in injections) > 1", 1,
                "error[E0202]: unknown name 'relief_days'", (const char *)NULL);
  /* the errors */
  expect_errors("", "(sum target of injections) > 1", 1,
                "error[E0220]: 'sum' adds numbers, found string", (const char *)NULL);
  expect_errors("", "(latest i.levels of i in injections) == levels", 1,
                "error[E0274]: 'latest' gives a string, number, date or bool, found list<string>", (const char *)NULL);
  expect_errors("", "(latest value of labs by test) > 1", 1,
                "error[E0272]: 'latest' orders its items by a date or a number, found string", (const char *)NULL);
  expect_errors("", "(earliest finding of f in (latest date of imaging).findings) == \"x\"", 1,
                "error[E0220]", (const char *)NULL);
  expect_errors("", "exists s in imaging where (earliest f.value of f in s.findings) > 1", 1,
                "error[E0271]: 'earliest' needs 'by KEY': its items (Finding) have no 'date' field",
                (const char *)NULL);
  expect_errors("", "(if pain_radiating then 6 else \"x\") == 6", 1,
                "error[E0270]: 'if … then … else' needs two branches of one type (bool, number, string, "
                "date or duration), found number and string", (const char *)NULL);
  expect_errors("", "(if pain_radiating then [request_date, request_date] else [onset, onset]) == 6", 1,
                "error[E0270]", (const char *)NULL);
  expect_errors("", "if pain_nrs then true else false", 1,
                "error[E0220]: the condition of 'if' must be true or false, found number", (const char *)NULL);
  expect_errors("", "request_date - days(\"x\") < request_date", 1,
                "error[E0220]: needs a number, found string", (const char *)NULL);
  expect_errors("", "exists x in side where x == \"a\"", 1,
                "error[E0220]: a quantifier needs a list, found string", (const char *)NULL);
}

static void test_binders(void **state)
{
  (void)state;
  Ck k;
  char src[4096];
  /* the inner x would shadow the outer x: E0208 (the list `x.inner` is
     outside the inner quantifier, so it has one meaning) */
  snprintf(src, sizeof src, HDR "%s" CRIT("exists o in outers where exists o in o.inner where o.y > 1"),
           nested_records);
  check(&k, src);
  errors(&k, 1);
  has(&k, "error[E0208]: 'o' has two meanings here: the item 'o' of 'exists o in o.inner', and the item "
          "'o' of 'exists o in outers'; rename the item 'o' of 'exists o in o.inner'");
  ck_free(&k);
  snprintf(src, sizeof src, HDR "%s" CRIT("exists o in outers where exists i in o.inner where i.y > 1"),
           nested_records);
  check(&k, src);
  errors(&k, 0);
  pol_Node *body = crit_body(&k);
  pol_Node *outer_x = find_name(body, N_NAME, "o", 0);   /* in o.inner */
  assert_int_equal(outer_x->res, R_ITEM);
  assert_int_equal(outer_x->depth, 0);                    /* list is outside the inner */
  pol_Node *inner_x = find_name(body, N_NAME, "i", 0);   /* in i.y */
  assert_int_equal(inner_x->res, R_ITEM);
  assert_int_equal(inner_x->depth, 0);
  assert_int_equal(POL_TKIND(inner_x->type), PK_REC);
  ck_free(&k);

  /* and y is not a field of Outer: the outer binder alone would fail */
  snprintf(src, sizeof src, HDR "%s" CRIT("exists o in outers where exists i in o.inner where o.y > 1"),
           nested_records);
  check(&k, src);
  errors(&k, 1);
  has(&k, "error[E0206]: Outer has no field 'y'");
  ck_free(&k);

  /* a binder named like a fact would shadow it: E0208 */
  check(&k, HDR CRIT("exists pain_nrs in injections where pain_nrs.target == \"sij\""));
  errors(&k, 1);
  has(&k, "error[E0208]: 'pain_nrs' has two meanings here: the item 'pain_nrs' of 'exists pain_nrs in "
          "injections', and the fact 'pain_nrs' of module \"case\" (line ");
  ck_free(&k);

  /* with a binder the item's fields are not in scope by bare name */
  expect_errors("", "exists i in injections where target == \"sij\"", 1,
                "error[E0202]: unknown name 'target'", (const char *)NULL);
  /* the outer item stays reachable through its binder */
  expect_ok("", "exists s in imaging where exists s.findings where finding == \"x\" and s.region == \"l\"");
  /* a let parameter named like a fact, a field named like a parameter:
     E0208 each */
  snprintf(src, sizeof src, HDR "let f(pain_nrs: string): bool = pain_nrs == \"x\"\n"
                                "let g(target: number): bool = exists injections where target == \"sij\"\n"
                                CRIT("f(\"y\") and g(1)"));
  check(&k, src);
  errors(&k, 2);
  has(&k, "error[E0208]: 'pain_nrs' has two meanings here: the parameter 'pain_nrs' of 'f', and the fact "
          "'pain_nrs' of module \"case\" (line ");
  has(&k, "rename the parameter 'pain_nrs' of 'f'");
  has(&k, "error[E0208]: 'target' has two meanings here: the field 'target' of the Injection item of 'exists "
          "injections', and the parameter 'target' of 'g'; name the item to say which: in 'exists x in "
          "injections where …', 'x.target' is the field and 'target' the parameter");
  ck_free(&k);
}

/* ---- declarations -------------------------------------------------------- */

static void test_duplicate_declarations(void **state)
{
  (void)state;
  expect_errors("let a = 1\nlet a = 2", "a > 0", 1,
                "c.pol:4:1: error[E0201]: 'a' is already declared at c.pol:3:1", (const char *)NULL);
  expect_errors("fact q: number = q\nlet q = 2", "q > 0", 1,
                "error[E0201]: 'q' is already declared at c.pol:3:1", (const char *)NULL);
  expect_errors("record Injection { a: number }", "true", 1,
                "error[E0201]: record 'Injection' is already declared", (const char *)NULL);
  expect_errors("record R { a: number b: string a: date }", "true", 1,
                "c.pol:3:32: error[E0201]: field 'a' is declared twice", (const char *)NULL);
  /* a policy's own name may hide a module's */
  expect_ok("let pain_nrs = 3", "pain_nrs > 1");
}

static void test_duplicate_criterion_ids(void **state)
{
  (void)state;
  Ck k;
  check(&k, HDR "branch \"A\" \"a\" when cpt == \"X\" {\n"
                "  criterion \"C1\" \"c\" { true }\n"
                "  criterion \"C2\" \"c\" all of {\n"
                "    criterion \"C1\" \"again\" { false }\n"
                "  }\n"
                "}\n"
                "branch \"B\" \"b\" when true {\n"
                "  criterion \"C2\" \"c\" { true }\n"
                "}\n");
  errors(&k, 2);
  has(&k, "c.pol:6:5: error[E0310]: criterion id \"C1\" is used twice in this policy");
  has(&k, "c.pol:10:3: error[E0310]: criterion id \"C2\" is used twice in this policy");
  ck_free(&k);
}

static void test_let_cycles(void **state)
{
  (void)state;
  expect_errors("let a = a and true", "a", 1,
                "c.pol:3:1: error[E0207]: 'a' is defined in terms of itself", (const char *)NULL);
  expect_errors("let a = b + 1\nlet b = c * 2\nlet c = a - 1", "a > 1", 1,
                "error[E0207]: 'a' is defined in terms of itself", (const char *)NULL);
  expect_errors("let f(x: number): number = f(x - 1)", "f(3) > 1", 1,
                "error[E0207]: 'f' is defined in terms of itself", (const char *)NULL);
  expect_errors("let f(x: number): bool = g(x)\nlet g(x: number): bool = f(x)", "f(1)", 1,
                "error[E0207]", (const char *)NULL);
  /* not a cycle: the same let used twice */
  expect_ok("let a = 1\nlet b = a + a", "b > a");
}

/* ---- the header ---------------------------------------------------------- */

static void test_header_errors(void **state)
{
  (void)state;
  Ck k;
  /* a bad title or version is also reported missing (E0305) */
  check(&k, "policy \"P\" {\n  title 3\n  version \"1\", \"2\"\n  effective \"2025-01-01\"\n"
            "  codes \"27279\", 27280\n  titel \"x\"\n}\n"
            "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  errors(&k, 7);
  has(&k, "c.pol:2:3: error[E0301]: 'title' takes one string");
  has(&k, "c.pol:3:3: error[E0301]: 'version' takes one string");
  has(&k, "c.pol:4:3: error[E0302]: 'effective' takes one date, e.g. 2025-08-01");
  has(&k, "c.pol:5:18: error[E0303]: a code is a string, e.g. \"27279\"");
  has(&k, "c.pol:6:3: error[E0304]: unknown policy field 'titel'");
  has(&k, "c.pol:1:1: error[E0305]: policy \"P\" has no title");
  ck_free(&k);

  check(&k, "policy \"P\" { effective 2025-01-01 }\n"
            "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  errors(&k, 3);
  has(&k, "error[E0305]: policy \"P\" has no title");
  has(&k, "error[E0305]: policy \"P\" has no version");
  has(&k, "error[E0305]: policy \"P\" covers no codes");
  ck_free(&k);
}

static void test_policy_structure_errors(void **state)
{
  (void)state;
  Ck k;
  check(&k, "import \"case\"\nbranch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  errors(&k, 1);
  has(&k, "c.pol:1:1: error[E0322]: no policy header: start the file with policy \"ID\" { ... }");
  ck_free(&k);

  check(&k, HDR "policy \"Q\" { title \"T\" version \"1\" codes \"Y\" }\n" CRIT("true"));
  errors(&k, 1);
  has(&k, "c.pol:3:1: error[E0321]: one policy per file");
  ck_free(&k);

  check(&k, HDR "let a = 1\n");
  errors(&k, 1);
  has(&k, "c.pol:1:1: error[E0325]: policy \"P\" has no branch");
  ck_free(&k);

  /* two versions of a policy differ by effective date */
  ck_init(&k);
  ck_load(&k, "a.pol", HDR CRIT("true"));
  ck_load(&k, "b.pol", "policy \"P\" { title \"T2\" version \"2\" effective 2025-06-01 codes \"X\" }\n"
                       "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  ck_check(&k);
  errors(&k, 0);
  ck_free(&k);

  /* the same id and date twice is an error; so are two policies that
     would compete for the same line */
  ck_init(&k);
  ck_load(&k, "a.pol", "policy \"P\" { title \"T\" version \"1\" effective 2025-06-01 codes \"X\" }\n"
                       "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  ck_load(&k, "b.pol", "policy \"P\" { title \"T2\" version \"2\" effective 2025-06-01 codes \"X\" }\n"
                       "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  ck_load(&k, "c.pol", "policy \"R\" { title \"T3\" version \"1\" effective 2025-06-01 codes \"X\", \"Z\" }\n"
                       "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  ck_check(&k);
  errors(&k, 3);
  has(&k, "b.pol:1:1: error[E0324]: policy \"P\" is defined twice with the same effective date");
  has(&k, "c.pol:1:1: error[E0326]: policies \"P\" and \"R\" cover the same code");
  ck_free(&k);
}

static void test_criteria_errors(void **state)
{
  (void)state;
  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when true {\n"
                "  criterion \"\" \"no id\" { true }\n"                                   /* 4 */
                "  criterion \"C1\" \"c\" cite \"a\" cite \"b\" { true }\n"               /* 5 */
                "  criterion \"C2\" \"c\" all of {\n"                                      /* 6 */
                "    exclusion \"C2.x\" \"x\" { true }\n"                                  /* 7 */
                "  }\n"
                "  criterion \"C3\" \"c\" any of { }\n"                                    /* 9 */
                "  criterion \"C4\" \"c\" at least 3 of {\n"                               /* 10 */
                "    criterion \"C4.a\" \"\" { true }\n"
                "    criterion \"C4.b\" \"\" { true }\n"
                "  }\n"
                "  criterion \"C5\" \"c\" { pain_nrs }\n"                                   /* 14 */
                "}\n");
  errors(&k, 6);
  has(&k, "c.pol:4:3: error[E0311]: a criterion needs an id");
  has(&k, "c.pol:5:31: error[E0313]: a criterion has at most one citation");
  has(&k, "c.pol:7:5: error[E0314]: an exclusion cannot be nested inside a criterion");
  has(&k, "c.pol:9:3: error[E0315]: criterion \"C3\" has no sub-criteria");
  has(&k, "c.pol:10:3: error[E0316]: 'at least 3 of' but only 2 sub-criteria");
  has(&k, "c.pol:14:24: error[E0220]: a criterion must be true or false, found number");
  ck_free(&k);
}

static void test_criteria_nesting_limit(void **state)
{
  (void)state;
  char src[8192];
  for (int levels = 17; levels <= 18; levels++) {
    size_t n = (size_t)snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when true {\n");
    for (int i = 0; i < levels; i++)
      n += (size_t)snprintf(src + n, sizeof src - n, "criterion \"L%d\" \"\" all of {\n", i);
    n += (size_t)snprintf(src + n, sizeof src - n, "criterion \"leaf\" \"\" { true }\n");
    for (int i = 0; i < levels; i++) n += (size_t)snprintf(src + n, sizeof src - n, "}\n");
    snprintf(src + n, sizeof src - n, "}\n");
    Ck k;
    check(&k, src);
    /* 17 composites put the leaf at depth 17: one too deep */
    errors(&k, 1);
    has(&k, "error[E0312]: criteria nested more than 16 deep");
    ck_free(&k);
  }
  /* 16 composites: the leaf is at depth 16, allowed */
  size_t n = (size_t)snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when true {\n");
  for (int i = 0; i < 16; i++)
    n += (size_t)snprintf(src + n, sizeof src - n, "criterion \"L%d\" \"\" all of {\n", i);
  n += (size_t)snprintf(src + n, sizeof src - n, "criterion \"leaf\" \"\" { true }\n");
  for (int i = 0; i < 16; i++) n += (size_t)snprintf(src + n, sizeof src - n, "}\n");
  snprintf(src + n, sizeof src - n, "}\n");
  Ck k;
  check(&k, src);
  errors(&k, 0);
  ck_free(&k);
}

/* ---- modules ------------------------------------------------------------- */

static void test_imports(void **state)
{
  (void)state;
  Ck k;
  check(&k, "policy \"P\" { title \"T\" version \"1\" codes \"X\" }\n"
            "import \"cases\"\nimport \"../secret\"\nimport \"\"\nimport \"/etc/passwd\"\n"
            "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n");
  /* load errors stop before checking */
  errors(&k, 4);
  has(&k, "c.pol:2:1: error[E0003]: module \"cases\" not found (searched 1 directory)");
  has(&k, "c.pol:3:1: error[E0002]: bad module name \"../secret\"");
  has(&k, "c.pol:4:1: error[E0002]: bad module name \"\"");
  has(&k, "c.pol:5:1: error[E0002]: bad module name \"/etc/passwd\"");
  ck_free(&k);

  /* a module is loaded once however often it is imported */
  ck_init(&k);
  ck_load(&k, "a.pol", HDR "import \"windows\"\nimport \"case\"\n" CRIT("true"));
  ck_load(&k, "b.pol", "policy \"Q\" { title \"T\" version \"1\" effective 2025-01-01 codes \"Y\" }\nimport \"windows\"\n"
                       "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { pain_nrs > 1 } }\n");
  ck_check(&k);
  errors(&k, 0);
  assert_int_equal(k.c.nfiles, 5);   /* a, case, fhir (case imports it), windows, b */
  ck_free(&k);

  /* an unreadable file */
  ck_init(&k);
  assert_int_equal(pol_compiler_load(&k.c, "/nonexistent/x.pol"), 1);
  fflush(k.out);
  has(&k, "/nonexistent/x.pol: error[E0001]: cannot read: No such file or directory");
  ck_free(&k);
}

static void test_nul_byte(void **state)
{
  (void)state;
  Ck k;
  ck_init(&k);
  static const char src[] = HDR "let a = 1\0\n" CRIT("true");
  assert_int_equal(pol_compiler_load_text(&k.c, "c.pol", src, sizeof src - 1), 1);
  ck_check(&k);
  errors(&k, 1);
  has(&k, "c.pol:3:10: error[E0100]: NUL byte in source file");
  ck_free(&k);
}

static void test_module_cannot_declare_policy(void **state)
{
  (void)state;
  char dir[] = "/tmp/test_check_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/bad.pol", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("policy \"M\" { title \"T\" version \"1\" codes \"Z\" }\n"
        "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n"
        "let fine = 1\n", f);
  fclose(f);
  Ck k;
  ck_init(&k);
  pol_compiler_add_path(&k.c, dir);
  ck_load(&k, "c.pol", HDR "import \"bad\"\n" CRIT("fine > 0"));
  ck_check(&k);
  errors(&k, 2);
  has(&k, "bad.pol:1:1: error[E0320]: a module cannot declare a policy");
  has(&k, "bad.pol:2:1: error[E0320]: a module cannot declare branches");
  ck_free(&k);
  remove(path);
  rmdir(dir);
}

/* ---- types recorded on the tree ------------------------------------------ */

static void test_types_on_the_tree(void **state)
{
  (void)state;
  Ck k;
  check(&k, HDR "import \"windows\"\n"
                CRIT("(count injections where steroid) + (days of past(1 year) covered by therapies "
                     "from start to end ?? request_date) >= months(6)"));
  errors(&k, 0);
  pol_Node *ge = crit_body(&k);
  assert_int_equal(POL_TKIND(ge->type), PK_BOOL);
  assert_int_equal(POL_TKIND(ge->a->type), PK_NUM);
  assert_int_equal(ge->a->a->kind, N_QUANT);
  assert_int_equal(POL_TKIND(ge->a->a->type), PK_NUM);
  pol_Node *inj = ge->a->a->a;
  assert_int_equal(inj->res, R_FACT);
  assert_int_equal(POL_TKIND(inj->type), PK_LIST);
  assert_int_equal(POL_TELEM(inj->type), PK_REC);
  char buf[64];
  assert_string_equal(pol_type_name(&k.c, inj->type, buf, sizeof buf), "list<Injection>");
  assert_int_equal(ge->b->res, R_LET);        /* months(6) */
  ck_free(&k);
}

/* ---- decision rules, tags, for each -------------------------------------- */

static void test_tags_and_decision_errors(void **state)
{
  (void)state;
  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when true {\n"
                "  criterion \"C\" \"c\" tag doc { true }\n"
                "}\n"
                "decision {\n"
                "  deny when failed\n"
                "  loi when any unknown tagged doc\n"
                "  pend when any failed tagged nodoc\n"
                "  refer when maybe\n"
                "  refer when every unknown tagged doc\n"
                "  refer when any broken tagged doc\n"
                "  reject when unknown\n"
                "  approve otherwise\n"
                "  pend otherwise\n"
                "}\n"
                "decision { approve otherwise }\n");
  errors(&k, 7);
  has(&k, "c.pol:9:13: error[E0332]: no criterion of this policy is tagged 'nodoc'");
  has(&k, "c.pol:10:14: error[E0331]: a decision condition is 'failed', 'unknown'");
  has(&k, "c.pol:11:14: error[E0331]: 'every unknown tagged' is not a condition; use 'any unknown tagged'");
  has(&k, "c.pol:12:14: error[E0331]: expected 'failed' or 'unknown', found 'broken'");
  has(&k, "c.pol:13:3: error[E0334]: unknown outcome 'reject' (approve, deny, pend, loi, refer)");
  has(&k, "c.pol:14:3: error[E0335]: 'otherwise' must be the last rule");
  has(&k, "c.pol:17:1: error[E0333]: a policy has one decision block");
  ck_free(&k);

  check(&k, HDR CRIT("true") "decision { deny when failed }\n");
  errors(&k, 1);
  has(&k, "error[E0335]: a decision block ends with 'OUTCOME otherwise'");
  ck_free(&k);

  /* at most 32 distinct tags in a policy */
  char src[8192];
  size_t n = (size_t)snprintf(src, sizeof src, HDR "branch \"B\" \"b\" when true {\n");
  for (int i = 0; i < 33; i++)
    n += (size_t)snprintf(src + n, sizeof src - n, "criterion \"C%d\" \"\" tag t%d { true }\n", i, i);
  snprintf(src + n, sizeof src - n, "}\n");
  check(&k, src);
  errors(&k, 1);
  has(&k, "error[E0317]: a policy uses at most 32 distinct tags");
  ck_free(&k);
}

static void test_otherwise(void **state)
{
  (void)state;
  Ck k;
  /* deny, refer or pend, with or without a reason, anywhere in the file */
  static const char *const ok[] = {"otherwise deny \"not covered\"\n", "otherwise refer\n",
                                   "otherwise pend \"ask for the approach\"\n"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char src[1024];
    snprintf(src, sizeof src, HDR "%s" CRIT("true"), ok[i]);
    check(&k, src);
    errors(&k, 0);
    ck_free(&k);
    snprintf(src, sizeof src, HDR CRIT("true") "%s", ok[i]);
    check(&k, src);
    errors(&k, 0);
    ck_free(&k);
  }
  check(&k, HDR CRIT("true") "otherwise approve\notherwise loi \"x\"\notherwise reject\n");
  errors(&k, 3);
  has(&k, "error[E0338]: 'otherwise' takes deny, refer or pend, not 'approve'");
  has(&k, "error[E0339]: a policy has one 'otherwise'");
  ck_free(&k);
  check(&k, HDR CRIT("true") "otherwise loi \"x\"\n");
  errors(&k, 1);
  has(&k, "error[E0338]: 'otherwise' takes deny, refer or pend, not 'loi'");
  ck_free(&k);
}

static void test_for_each_errors(void **state)
{
  (void)state;
  Ck k;
  check(&k, HDR "branch \"B\" \"b\" when true {\n"
                "  for each p in procedures { criterion \"E1\" \"\" { true } }\n"
                "  for each p in procedures { criterion \"E2\" \"\" { true } }\n"        /* 5 */
                "  criterion \"C\" \"\" all of {\n"
                "    for each p in procedures { criterion \"E3\" \"\" { true } }\n"      /* 7 */
                "  }\n"
                "}\n"
                "branch \"D\" \"d\" when true {\n"
                "  for each q in pain_nrs { criterion \"E4\" \"\" { true } }\n"          /* 11 */
                "}\n");
  has(&k, "c.pol:5:3: error[E0319]: a branch has at most one 'for each'");
  has(&k, "c.pol:7:5: error[E0318]: 'for each' belongs directly in a branch, not nested");
  has(&k, "c.pol:11:17: error[E0220]: 'for each' needs a list, found number");
  ck_free(&k);

  check(&k, HDR CRIT("true") "assess \"LOC\" \"level of care\" when true {\n"
                "  for each p in procedures { criterion \"E1\" \"\" { true } }\n"
                "}\n");
  has(&k, "c.pol:7:3: error[E0319]: an 'assess' block cannot hold 'for each'");
  ck_free(&k);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_policy_checks_clean),
    cmocka_unit_test(test_unknown_names),
    cmocka_unit_test(test_did_you_mean),
    cmocka_unit_test(test_unknown_type_and_field),
    cmocka_unit_test(test_type_errors_E0220),
    cmocka_unit_test(test_operator_errors_E0221),
    cmocka_unit_test(test_at_least_errors),
    cmocka_unit_test(test_declared_type_mismatch),
    cmocka_unit_test(test_type_syntax_errors),
    cmocka_unit_test(test_extern_declarations),
    cmocka_unit_test(test_calls),
    cmocka_unit_test(test_it),
    cmocka_unit_test(test_fields_through_nested_quantifiers),
    cmocka_unit_test(test_binders),
    cmocka_unit_test(test_new_expressions),
    cmocka_unit_test(test_duplicate_declarations),
    cmocka_unit_test(test_duplicate_criterion_ids),
    cmocka_unit_test(test_let_cycles),
    cmocka_unit_test(test_header_errors),
    cmocka_unit_test(test_policy_structure_errors),
    cmocka_unit_test(test_criteria_errors),
    cmocka_unit_test(test_criteria_nesting_limit),
    cmocka_unit_test(test_imports),
    cmocka_unit_test(test_nul_byte),
    cmocka_unit_test(test_module_cannot_declare_policy),
    cmocka_unit_test(test_types_on_the_tree),
    cmocka_unit_test(test_tags_and_decision_errors),
    cmocka_unit_test(test_otherwise),
    cmocka_unit_test(test_for_each_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
