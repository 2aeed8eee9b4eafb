/*
 * test_parser.c -- unit tests for compiler/parser.y: the shape of the AST.
 *
 * Expressions are compared as S-expressions printed from the tree
 * (sx()), so a precedence test reads like the grouping it expects:
 *   "a or b and c"  ->  "(or a (and b c))".
 * Sources are parsed through pol_compiler_load_text (imports resolve in
 * stdlib/: tests run from the repository root); diagnostics go to a memory
 * stream.  Each test owns
 * its Ps and frees it with ps_free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile.h"

/* ---- harness ------------------------------------------------------------ */

typedef struct Ps {
  pol_Compiler c;
  FILE *out;
  char *msgs;
  size_t msglen;
  int nerrors;
  pol_Node *items;
} Ps;

static void parse(Ps *P, const char *text)
{
  memset(P, 0, sizeof *P);
  P->out = open_memstream(&P->msgs, &P->msglen);
  assert_non_null(P->out);
  pol_compiler_init(&P->c, P->out);
  pol_compiler_add_path(&P->c, "stdlib");   /* tests run from the repo root */
  P->nerrors = pol_compiler_load_text(&P->c, "p.pol", text, strlen(text));
  fflush(P->out);
  assert_true(P->c.nfiles >= 1);
  P->items = P->c.files[0]->items;
}

static void ps_free(Ps *P)
{
  pol_compiler_free(&P->c);
  fclose(P->out);
  free(P->msgs);
}

/* ---- S-expressions ------------------------------------------------------- */

static void sx_list(FILE *f, const pol_Node *n);

static void sx_node(FILE *f, const pol_Node *n)
{
  static const char *const binop[] = {
    [O_AND] = "and", [O_OR] = "or", [O_EQ] = "==", [O_NE] = "!=", [O_LT] = "<",
    [O_LE] = "<=", [O_GT] = ">", [O_GE] = ">=", [O_IN] = "in", [O_NOTIN] = "notin",
    [O_WITHIN] = "within", [O_COALESCE] = "??", [O_ADD] = "+", [O_SUB] = "-",
    [O_MUL] = "*", [O_DIV] = "/",
  };
  static const char *const qname[] = {
    [Q_EXISTS] = "exists", [Q_EVERY] = "every", [Q_NO] = "no", [Q_COUNT] = "count",
    [Q_COUNTD] = "countd", [Q_SUM] = "sum", [Q_LATEST] = "latest", [Q_EARLIEST] = "earliest",
  };
  char d[11];
  if (!n) { fputs("_", f); return; }
  switch (n->kind) {
  case N_NUM: { char t[POL_DEC_BUFSIZE]; pol_dec_format(n->num, t); fputs(t, f); break; }
  case N_STR: fprintf(f, "\"%s\"", n->str); break;
  case N_DATE: pol_format_date(n->ival, d); fputs(d, f); break;
  case N_DUR: fprintf(f, "(dur %dm %dd)", n->ival, n->ival2); break;
  case N_BOOL: fputs(n->ival ? "true" : "false", f); break;
  case N_SET: fputs("{", f); sx_list(f, n->args); fputs("}", f); break;
  case N_WINDOW:
    fputs("(window ", f); sx_node(f, n->a); fputs(" ", f); sx_node(f, n->b); fputs(")", f);
    break;
  case N_NAME: fputs(n->str, f); break;
  case N_IT: fputs("it", f); break;
  case N_FIELD: fputs("(. ", f); sx_node(f, n->a); fprintf(f, " %s)", n->str); break;
  case N_CALL:
    fprintf(f, "(call %s", n->str);
    if (n->args) { fputs(" ", f); sx_list(f, n->args); }
    fputs(")", f);
    break;
  case N_UNARY:
    fputs(n->op == O_NOT ? "(not " : "(neg ", f); sx_node(f, n->a); fputs(")", f);
    break;
  case N_BINARY:
    fprintf(f, "(%s ", binop[n->op]); sx_node(f, n->a); fputs(" ", f); sx_node(f, n->b);
    fputs(")", f);
    break;
  case N_QUANT:
    fprintf(f, "(%s", qname[n->op]);
    if (n->str) fprintf(f, "[%s]", n->str);
    fputs(" ", f);
    sx_node(f, n->a);
    if (n->op == Q_COUNTD) { fputs(" key=", f); sx_node(f, n->c); }
    if (n->op == Q_SUM || n->op == Q_LATEST || n->op == Q_EARLIEST) { fputs(" value=", f); sx_node(f, n->c); }
    if (n->d) { fputs(" by=", f); sx_node(f, n->d); }
    fputs(" ", f);
    sx_node(f, n->b);
    fputs(")", f);
    break;
  case N_IF:
    fputs("(if ", f); sx_node(f, n->a); fputs(" ", f); sx_node(f, n->b); fputs(" ", f);
    sx_node(f, n->c); fputs(")", f);
    break;
  case N_COVER:
    fputs("(cover ", f); sx_node(f, n->a); fputs(" ", f); sx_node(f, n->b); fputs(" ", f);
    sx_node(f, n->c); fputs(" ", f); sx_node(f, n->d); fputs(" ", f); sx_node(f, n->e);
    fputs(")", f);
    break;
  case N_ATLEAST:
    fprintf(f, "(atleast %lld ", (long long)(n->num / POL_DEC_SCALE)); sx_list(f, n->args); fputs(")", f);
    break;
  default: fprintf(f, "<kind %d>", (int)n->kind); break;
  }
}

static void sx_list(FILE *f, const pol_Node *n)
{
  for (; n; n = n->next) {
    sx_node(f, n);
    if (n->next) fputs(" ", f);
  }
}

/* The S-expression of n, in a buffer the caller frees. */
static char *sx(const pol_Node *n)
{
  char *s = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&s, &len);
  assert_non_null(f);
  sx_node(f, n);
  fclose(f);
  return s;
}

static pol_Node *find_item(const Ps *P, pol_NodeKind k, const char *name)
{
  for (pol_Node *it = P->items; it; it = it->next)
    if (it->kind == k && (!name || (it->str && strcmp(it->str, name) == 0))) return it;
  return NULL;
}

/* Parses "let e = <expr>" and asserts the tree of <expr>. */
static void expr_is(const char *expr, const char *want)
{
  Ps P;
  char src[4096];
  snprintf(src, sizeof src, "let e = %s\n", expr);
  parse(&P, src);
  if (P.nerrors) fail_msg("%s: %d errors:\n%s", expr, P.nerrors, P.msgs);
  pol_Node *let = find_item(&P, N_LET, "e");
  assert_non_null(let);
  char *got = sx(let->a);
  if (strcmp(got, want) != 0) fail_msg("%s\n  parsed as %s\n  expected  %s", expr, got, want);
  free(got);
  ps_free(&P);
}

/* Asserts that expr does not parse, with an error message containing what. */
static void expr_fails(const char *expr, const char *what)
{
  Ps P;
  char src[4096];
  snprintf(src, sizeof src, "let e = %s\n", expr);
  parse(&P, src);
  if (P.nerrors == 0) fail_msg("%s: parsed without error", expr);
  if (!strstr(P.msgs, what)) fail_msg("%s: no \"%s\" in:\n%s", expr, what, P.msgs);
  ps_free(&P);
}

/* ---- literals and primaries ---------------------------------------------- */

static void test_primaries(void **state)
{
  (void)state;
  expr_is("42", "42");
  expr_is("3.5", "3.5");
  expr_is("\"x\"", "\"x\"");
  expr_is("2025-08-01", "2025-08-01");
  expr_is("6 weeks", "(dur 0m 42d)");
  expr_is("1 year", "(dur 12m 0d)");
  expr_is("true", "true");
  expr_is("false", "false");
  expr_is("name", "name");
  expr_is("{\"a\", \"b\", \"c\"}", "{\"a\" \"b\" \"c\"}");
  expr_is("[2025-01-01, d + 1 day]", "(window 2025-01-01 (+ d (dur 0m 1d)))");
  expr_is("f()", "(call f)");
  expr_is("f(a, b + 1, g(c))", "(call f a (+ b 1) (call g c))");
  expr_is("a.b.c", "(. (. a b) c)");
  expr_is("f(x).y", "(. (call f x) y)");
  expr_is("(a)", "a");
}

/* ---- precedence and associativity ---------------------------------------- */

static void test_boolean_precedence(void **state)
{
  (void)state;
  expr_is("a or b and c", "(or a (and b c))");
  expr_is("a and b or c", "(or (and a b) c)");
  expr_is("a or b or c", "(or (or a b) c)");
  expr_is("a and b and c", "(and (and a b) c)");
  expr_is("not a and b", "(and (not a) b)");
  expr_is("not a or not b", "(or (not a) (not b))");
  expr_is("not not a", "(not (not a))");
  expr_is("(a or b) and c", "(and (or a b) c)");
}

static void test_comparison_precedence(void **state)
{
  (void)state;
  expr_is("not a == b", "(not (== a b))");
  expr_is("a < b and c >= d", "(and (< a b) (>= c d))");
  expr_is("a + 1 <= b * 2", "(<= (+ a 1) (* b 2))");
  expr_is("x in s or y not in s", "(or (in x s) (notin y s))");
  expr_is("d within [a, b] and e", "(and (within d (window a b)) e)");
  expr_is("a != b", "(!= a b)");
  expr_is("a > b", "(> a b)");
  /* comparisons do not chain */
  expr_fails("a == b == c", "syntax error");
  expr_fails("a < b < c", "syntax error");
  expr_fails("a in s in t", "syntax error");
}

static void test_arithmetic_precedence(void **state)
{
  (void)state;
  expr_is("a + b * c", "(+ a (* b c))");
  expr_is("a * b + c", "(+ (* a b) c)");
  expr_is("a - b - c", "(- (- a b) c)");
  expr_is("a / b / c", "(/ (/ a b) c)");
  expr_is("a - b + c", "(+ (- a b) c)");
  expr_is("-a * b", "(* (neg a) b)");
  expr_is("- -a", "(neg (neg a))");
  expr_is("-a.b", "(neg (. a b))");
  expr_is("a * (b + c)", "(* a (+ b c))");
  expr_is("floor(n * 365.25 / 12)", "(call floor (/ (* n 365.25) 12))");
  expr_is("d - 12 months", "(- d (dur 12m 0d))");
}

static void test_coalesce_precedence(void **state)
{
  (void)state;
  expr_is("a ?? b ?? c", "(?? a (?? b c))");
  expr_is("a ?? b + c", "(?? a (+ b c))");
  expr_is("a + b ?? c", "(?? (+ a b) c)");
  expr_is("a ?? b >= c", "(>= (?? a b) c)");
  expr_is("e ?? d >= start_of(w)", "(>= (?? e d) (call start_of w))");
  expr_is("a ?? b and c", "(and (?? a b) c)");
}

/* ---- quantifiers --------------------------------------------------------- */

static void test_quantifier_greediness(void **state)
{
  (void)state;
  /* the condition after `where` takes everything to its right */
  expr_is("exists L where a and b", "(exists L (and a b))");
  expr_is("exists L where a or b", "(exists L (or a b))");
  expr_is("exists L where a and b or c", "(exists L (or (and a b) c))");
  expr_is("x and exists L where a and b", "(and x (exists L (and a b)))");
  expr_is("(exists L where a) and b", "(and (exists L a) b)");
  expr_is("not exists L where a", "(not (exists L a))");
  expr_is("every L where a == 1", "(every L (== a 1))");
  expr_is("no L where a and b", "(no L (and a b))");
  /* nested: the inner quantifier takes the rest too */
  expr_is("exists imaging where modality == \"ct\" and exists findings where f == 1 and g",
          "(exists imaging (and (== modality \"ct\") (exists findings (and (== f 1) g))))");
  /* `count ... where P >= 2` counts items with P >= 2 */
  expr_is("count L where p >= 2", "(count L (>= p 2))");
  expr_is("(count L where p) >= 2", "(>= (count L p) 2)");
  /* without `where`, count is a primary */
  expr_is("count L >= 2", "(>= (count L _) 2)");
  expr_is("count L + 1", "(+ (count L _) 1)");
  expr_is("count a.b", "(count (. a b) _)");
}

static void test_quantifier_binders(void **state)
{
  (void)state;
  expr_is("exists x in L where x.a > 1", "(exists[x] L (> (. x a) 1))");
  expr_is("every i in L where i.ok", "(every[i] L (. i ok))");
  expr_is("no x in L where x == \"a\"", "(no[x] L (== x \"a\"))");
  expr_is("exists conditions where it in {\"a\"}", "(exists conditions (in it {\"a\"}))");
  expr_is("exists x in f(y).z where true", "(exists[x] (. (call f y) z) true)");
}

static void test_count_distinct(void **state)
{
  (void)state;
  expr_is("count distinct date of L where P", "(countd L key=date P)");
  expr_is("count distinct date of injections where target == \"sij\" and contrast",
          "(countd injections key=date (and (== target \"sij\") contrast))");
  expr_is("(count distinct date of L where a) >= 2", "(>= (countd L key=date a) 2)");
  expr_is("count distinct x.y of a.b where true", "(countd (. a b) key=(. x y) true)");
  /* without `where` (every item), and with a named item, as `count` */
  expr_is("count distinct date of L", "(countd L key=date _)");
  expr_is("count distinct x.date of x in L", "(countd[x] L key=(. x date) _)");
  expr_is("count distinct x.date of x in L >= 2", "(>= (countd[x] L key=(. x date) _) 2)");
  expr_is("count x in L", "(count[x] L _)");
  expr_is("count x in L where x.ok", "(count[x] L (. x ok))");
  expr_is("count x in L >= 2", "(>= (count[x] L _) 2)");
  expr_fails("count distinct date of L where", "syntax error");
}

static void test_sum_latest(void **state)
{
  (void)state;
  expr_is("sum units of L", "(sum L value=units _)");
  expr_is("sum x.units of x in L where x.ok", "(sum[x] L value=(. x units) (. x ok))");
  expr_is("sum units of L where a and b", "(sum L value=units (and a b))");
  expr_is("(sum units of L where a) >= 10", "(>= (sum L value=units a) 10)");
  expr_is("sum units of L >= 10", "(>= (sum L value=units _) 10)");
  expr_is("latest value of labs", "(latest labs value=value _)");
  expr_is("latest x.value of x in labs where x.loinc == \"4548-4\" by x.date",
          "(latest[x] labs value=(. x value) by=(. x date) (== (. x loinc) \"4548-4\"))");
  /* `by` ends the form: what follows applies to the whole */
  expr_is("latest value of labs where ok by date < 7", "(< (latest labs value=value by=date ok) 7)");
  expr_is("earliest value of labs by seq", "(earliest labs value=value by=seq _)");
  /* without `by`, the `where` body extends as far as it can */
  expr_is("latest value of labs where ok < 7", "(latest labs value=value (< ok 7))");
  /* an inner `by` binds to the inner form */
  expr_is("latest v of L where latest w of M where q by k", "(latest L value=v (latest M value=w by=k q))");
}

static void test_if_and_sets(void **state)
{
  (void)state;
  expr_is("if a then 1 else 2", "(if a 1 2)");
  expr_is("if a then 1 else 2 + 3", "(if a 1 (+ 2 3))");
  expr_is("(if a then 1 else 2) + 3", "(+ (if a 1 2) 3)");
  expr_is("if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)");
  expr_is("if a and b then x else y", "(if (and a b) x y)");
  expr_fails("if a then 1", "syntax error");
  expr_is("exists s in {\"left\", \"right\"} where s == side",
          "(exists[s] {\"left\" \"right\"} (== s side))");
  expr_is("count s in {\"a\"} where s != x", "(count[s] {\"a\"} (!= s x))");
  expr_is("days(14)", "(call days 14)");
  expr_is("weeks(n) + years(1)", "(+ (call weeks n) (call years 1))");
  expr_is("days of W covered by L from S to E", "(cover W L _ S E)");
}

static void test_cover(void **state)
{
  (void)state;
  expr_is("days of W covered by L where P from S to E", "(cover W L P S E)");
  expr_is("days of W covered by L from S to E", "(cover W L _ S E)");
  /* the `to` expression extends as far as it can; ?? binds inside it */
  expr_is("days of W12 covered by therapies where kind in a from start to end ?? request_date",
          "(cover W12 therapies (in kind a) start (?? end request_date))");
  expr_is("(days of W covered by L where k not in s from start to end ?? d) >= months(6)",
          "(>= (cover W L (notin k s) start (?? end d)) (call months 6))");
  expr_is("days of [a, b] covered by L where x and y from s to e",
          "(cover (window a b) L (and x y) s e)");
  expr_is("days of past(12 months) covered by L where p from s to e",
          "(cover (call past (dur 12m 0d)) L p s e)");
  expr_fails("days of W covered by L where P", "syntax error");
  expr_fails("days of W by L from s to e", "syntax error");
}

static void test_at_least(void **state)
{
  (void)state;
  expr_is("at least 2 of (a, b, c)", "(atleast 2 a b c)");
  expr_is("at least 1 of (a)", "(atleast 1 a)");
  expr_is("at least 2 of (a and b, not c, d == 1)", "(atleast 2 (and a b) (not c) (== d 1))");
  expr_is("x and at least 2 of (a, b, c)", "(and x (atleast 2 a b c))");
  expr_is("not at least 2 of (a, b)", "(not (atleast 2 a b))");
  expr_fails("at least 2 of ()", "syntax error");
  expr_fails("at least 2 (a, b)", "syntax error");
}

/* ---- spans --------------------------------------------------------------- */

static void test_expression_spans(void **state)
{
  (void)state;
  Ps P;
  /*                   0123456789012345678901234 */
  parse(&P, "let e = a + b * c\nlet f = (x)\n");
  assert_int_equal(P.nerrors, 0);
  pol_Node *e = find_item(&P, N_LET, "e");
  assert_int_equal(e->span.start, 0);
  assert_int_equal(e->span.end, 17);
  pol_Node *sum = e->a;
  assert_int_equal(sum->span.start, 8);
  assert_int_equal(sum->span.end, 17);
  assert_int_equal(sum->b->span.start, 12);   /* b * c */
  assert_int_equal(sum->b->span.end, 17);
  assert_int_equal(sum->a->span.start, 8);    /* a */
  assert_int_equal(sum->a->span.end, 9);
  /* parentheses are not a node: the span is that of the inner expression */
  pol_Node *f = find_item(&P, N_LET, "f");
  assert_int_equal(f->a->span.start, 27);
  assert_int_equal(f->a->span.end, 28);
  ps_free(&P);
}

/* ---- declarations -------------------------------------------------------- */

static const char policy_src[] =
  "policy \"MP-1\" {\n"
  "  title \"Fusion\"\n"
  "  version \"2025-08-01\"\n"
  "  effective 2025-08-01\n"
  "  codes \"27279\", \"27280\"\n"
  "  source \"doc\"\n"
  "  extra 12\n"
  "}\n"
  "import \"case\"\n"
  "record R { a: number  b: list<string>  c: list<R> }\n"
  "fact pain: number = symptoms.pain_nrs\n"
  "fact cpt: string = line.cpt\n"
  "let W = 12 months\n"
  "let T: bool = true\n"
  "let f(x: number, y: date): number = x\n"
  "extern \"libx.so\" g(string, number): bool\n"
  "extern \"libx.so\" h(): number\n";

static void test_header_fields(void **state)
{
  (void)state;
  Ps P;
  parse(&P, policy_src);
  assert_int_equal(P.nerrors, 0);
  pol_Node *pol = find_item(&P, N_POLICY, NULL);
  assert_non_null(pol);
  assert_string_equal(pol->str, "MP-1");
  static const char *const keys[] = {"title", "version", "effective", "codes", "source", "extra"};
  pol_Node *h = pol->args;
  for (size_t i = 0; i < 6; i++, h = h->next) {
    assert_non_null(h);
    assert_int_equal(h->kind, N_HEADER);
    assert_string_equal(h->str, keys[i]);
  }
  assert_null(h);
  h = pol->args;
  assert_int_equal(h->args->kind, N_STR);
  assert_string_equal(h->args->str, "Fusion");
  h = h->next->next;
  assert_int_equal(h->args->kind, N_DATE);
  assert_int_equal(h->args->ival, pol_days_from_civil(2025, 8, 1));
  h = h->next;                                   /* codes: a list of two */
  assert_int_equal(h->args->kind, N_STR);
  assert_string_equal(h->args->str, "27279");
  assert_string_equal(h->args->next->str, "27280");
  assert_null(h->args->next->next);
  h = h->next->next;                             /* extra 12: a number */
  assert_int_equal(h->args->kind, N_NUM);
  assert_true(h->args->num == 12 * POL_DEC_SCALE);
  ps_free(&P);
}

static void test_declarations(void **state)
{
  (void)state;
  Ps P;
  parse(&P, policy_src);
  assert_int_equal(P.nerrors, 0);

  pol_Node *imp = find_item(&P, N_IMPORT, NULL);
  assert_string_equal(imp->str, "case");

  pol_Node *r = find_item(&P, N_RECORD, "R");
  pol_Node *fl = r->args;
  assert_string_equal(fl->str, "a");
  assert_string_equal(fl->tref->str, "number");
  assert_null(fl->tref->a);
  fl = fl->next;
  assert_string_equal(fl->str, "b");
  assert_string_equal(fl->tref->str, "list");
  assert_string_equal(fl->tref->a->str, "string");
  fl = fl->next;
  assert_string_equal(fl->tref->a->str, "R");
  assert_null(fl->next);

  pol_Node *fact = find_item(&P, N_FACT, "pain");
  assert_string_equal(fact->path, "symptoms.pain_nrs");
  assert_string_equal(fact->tref->str, "number");
  assert_string_equal(find_item(&P, N_FACT, "cpt")->path, "line.cpt");

  pol_Node *w = find_item(&P, N_LET, "W");
  assert_null(w->args);
  assert_null(w->tref);
  assert_int_equal(w->flags, 0);
  pol_Node *t = find_item(&P, N_LET, "T");
  assert_string_equal(t->tref->str, "bool");
  pol_Node *f = find_item(&P, N_LET, "f");
  assert_int_equal(f->flags, 1);
  assert_string_equal(f->args->str, "x");
  assert_string_equal(f->args->tref->str, "number");
  assert_string_equal(f->args->next->str, "y");
  assert_string_equal(f->args->next->tref->str, "date");
  assert_string_equal(f->tref->str, "number");

  pol_Node *g = find_item(&P, N_EXTERN, "g");
  assert_string_equal(g->text, "libx.so");
  assert_string_equal(g->args->str, "string");
  assert_string_equal(g->args->next->str, "number");
  assert_string_equal(g->tref->str, "bool");
  pol_Node *h = find_item(&P, N_EXTERN, "h");
  assert_null(h->args);
  ps_free(&P);
}

/* ---- criteria ------------------------------------------------------------ */

static const char criteria_src[] =
  "branch \"I.B\" \"Percutaneous\" when cpt == \"27279\" {\n"
  "  criterion \"1\" \"leaf\" { a }\n"
  "  criterion \"2\" \"all\" tag core cite \"p. 3\" all of {\n"
  "    criterion \"2.a\" \"x\" { b }\n"
  "    criterion \"2.b\" \"any\" any of {\n"
  "      criterion \"2.b.i\" \"y\" { c }\n"
  "      criterion \"2.b.ii\" \"z\" { d }\n"
  "    }\n"
  "  }\n"
  "  criterion \"3\" \"two of three\" at least 2 of {\n"
  "    criterion \"3.a\" \"\" { e }\n"
  "    criterion \"3.b\" \"\" { f }\n"
  "    criterion \"3.c\" \"\" { g }\n"
  "  }\n"
  "  exclusion \"X.1\" \"excluded\" tag a tag b { h }\n"
  "}\n"
  "branch \"I.A\" \"Open\" when true { }\n";

static void test_branch_and_criteria(void **state)
{
  (void)state;
  Ps P;
  parse(&P, criteria_src);
  assert_int_equal(P.nerrors, 0);
  pol_Node *b = find_item(&P, N_BRANCH, "I.B");
  assert_non_null(b);
  assert_string_equal(b->text, "Percutaneous");
  char *cond = sx(b->a);
  assert_string_equal(cond, "(== cpt \"27279\")");
  free(cond);

  pol_Node *c1 = b->args;
  assert_int_equal(c1->kind, N_CRITERION);
  assert_string_equal(c1->str, "1");
  assert_string_equal(c1->text, "leaf");
  assert_int_equal(c1->op, C_LEAF);
  assert_int_equal(c1->flags, 0);
  assert_string_equal(c1->a->str, "a");
  assert_null(c1->args);

  pol_Node *c2 = c1->next;
  assert_int_equal(c2->op, C_ALL);
  assert_null(c2->a);
  /* attributes: a tag, then a citation (N_STR) */
  assert_int_equal(c2->args->kind, N_TAG);
  assert_string_equal(c2->args->str, "core");
  assert_int_equal(c2->args->next->kind, N_STR);
  assert_string_equal(c2->args->next->str, "p. 3");
  pol_Node *k = c2->b;
  assert_string_equal(k->str, "2.a");
  assert_int_equal(k->op, C_LEAF);
  k = k->next;
  assert_string_equal(k->str, "2.b");
  assert_int_equal(k->op, C_ANY);
  assert_string_equal(k->b->str, "2.b.i");
  assert_string_equal(k->b->next->str, "2.b.ii");
  assert_null(k->b->next->next);
  assert_null(k->next);

  pol_Node *c3 = c2->next;
  assert_int_equal(c3->op, C_ATLEAST);
  assert_int_equal(c3->ival, 2);
  int n = 0;
  for (pol_Node *x = c3->b; x; x = x->next) n++;
  assert_int_equal(n, 3);
  assert_string_equal(c3->b->text, "");

  pol_Node *x1 = c3->next;
  assert_int_equal(x1->flags, CF_EXCLUSION);
  assert_int_equal(x1->op, C_LEAF);
  assert_string_equal(x1->args->str, "a");
  assert_string_equal(x1->args->next->str, "b");
  assert_null(x1->next);

  pol_Node *open = find_item(&P, N_BRANCH, "I.A");
  assert_null(open->args);
  assert_int_equal(open->a->kind, N_BOOL);
  ps_free(&P);
}

static void test_at_least_combinator_range(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "branch \"B\" \"b\" when true {\n"
            "  criterion \"1\" \"\" at least 0 of { criterion \"1.a\" \"\" { a } }\n"
            "  criterion \"2\" \"\" at least 256 of { criterion \"2.a\" \"\" { a } }\n"
            "  criterion \"3\" \"\" at least 1.5 of { criterion \"3.a\" \"\" { a } }\n"
            "  criterion \"4\" \"\" at least 255 of { criterion \"4.a\" \"\" { a } }\n"
            "}\n");
  assert_int_equal(P.nerrors, 3);
  assert_non_null(strstr(P.msgs, "p.pol:2:29: error[E0110]: 'at least' needs a whole number from 1 to 255"));
  assert_non_null(strstr(P.msgs, "p.pol:3:29: error[E0110]"));
  assert_non_null(strstr(P.msgs, "p.pol:4:29: error[E0110]"));
  assert_null(strstr(P.msgs, "p.pol:5:"));
  ps_free(&P);
}

/* ---- syntax errors and recovery ------------------------------------------ */

static void test_syntax_error_message(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "branch \"B\" \"b\" when true {\n  criterion \"C1\" \"c\" { pain >= }\n}\n");
  assert_int_equal(P.nerrors, 1);
  assert_string_equal(P.msgs,
                      "p.pol:2:32: error[E0111]: syntax error, unexpected '}'\n"
                      "    2 |   criterion \"C1\" \"c\" { pain >= }\n"
                      "      |                                ^\n");
  ps_free(&P);
}

static void test_two_errors_both_reported(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "branch \"B\" \"b\" when true {\n"
            "  criterion \"C1\" \"c\" { a >= }\n"
            "  criterion \"C2\" \"c\" { a >= 5 }\n"
            "  criterion \"C3\" \"c\" { a ) 5 }\n"
            "  criterion \"C4\" \"c\" { b }\n"
            "}\n");
  assert_int_equal(P.nerrors, 2);
  assert_non_null(strstr(P.msgs, "p.pol:2:29: error[E0111]: syntax error, unexpected '}'"));
  assert_non_null(strstr(P.msgs, "p.pol:4:26: error[E0111]: syntax error, unexpected ')'"));
  /* recovery at the clause: the good clauses are kept, the bad dropped */
  pol_Node *b = find_item(&P, N_BRANCH, "B");
  assert_non_null(b);
  assert_string_equal(b->args->str, "C2");
  assert_string_equal(b->args->next->str, "C4");
  assert_null(b->args->next->next);
  ps_free(&P);
}

static void test_errors_in_separate_branches(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "branch \"A\" \"a\" when true {\n"
            "  criterion \"A1\" \"c\" all of {\n"
            "    criterion \"A1.a\" \"c\" { x == }\n"
            "    criterion \"A1.b\" \"c\" { y }\n"
            "  }\n"
            "}\n"
            "branch \"B\" \"b\" when true {\n"
            "  criterion \"B1\" \"c\" { == 5 }\n"
            "  criterion \"B2\" \"c\" { z }\n"
            "}\n");
  assert_int_equal(P.nerrors, 2);
  assert_non_null(strstr(P.msgs, "p.pol:3:33: error[E0111]"));
  assert_non_null(strstr(P.msgs, "p.pol:8:24: error[E0111]"));
  pol_Node *b = find_item(&P, N_BRANCH, "B");
  assert_non_null(b);
  assert_string_equal(b->args->str, "B2");
  ps_free(&P);
}

static void test_error_at_top_level(void **state)
{
  (void)state;
  Ps P;
  /* recovery at the next '}' after a bad header; the branch that follows
     parses */
  parse(&P, "policy { title \"T\" }\n"
            "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { a } }\n");
  assert_int_equal(P.nerrors, 1);
  assert_non_null(strstr(P.msgs, "p.pol:1:8: error[E0111]: syntax error, unexpected '{', expecting string"));
  assert_non_null(find_item(&P, N_BRANCH, "B"));
  ps_free(&P);
}

static void test_unexpected_end_of_file(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "branch \"B\" \"b\" when true {\n  criterion \"C\" \"c\" { a }\n");
  assert_int_equal(P.nerrors, 1);
  assert_non_null(strstr(P.msgs, "syntax error, unexpected end of file"));
  ps_free(&P);
}

static void test_deep_nesting_is_an_error(void **state)
{
  (void)state;
  enum { N = 3000 };
  char *src = malloc(N * 2 + 64);
  assert_non_null(src);
  size_t k = (size_t)sprintf(src, "let e = ");
  for (int i = 0; i < N; i++) src[k++] = '(';
  src[k++] = 'a';
  for (int i = 0; i < N; i++) src[k++] = ')';
  src[k++] = '\n';
  src[k] = '\0';
  Ps P;
  parse(&P, src);
  assert_int_equal(P.nerrors, 1);
  assert_non_null(strstr(P.msgs, "error[E0112]: nesting too deep"));
  ps_free(&P);
  free(src);

  /* a few hundred levels are fine */
  char buf[2048];
  k = (size_t)sprintf(buf, "let e = ");
  for (int i = 0; i < 500; i++) buf[k++] = '(';
  buf[k++] = 'a';
  for (int i = 0; i < 500; i++) buf[k++] = ')';
  buf[k] = '\0';
  parse(&P, buf);
  assert_int_equal(P.nerrors, 0);
  assert_int_equal(find_item(&P, N_LET, "e")->a->kind, N_NAME);
  ps_free(&P);
}

static void test_empty_and_comment_only(void **state)
{
  (void)state;
  Ps P;
  parse(&P, "");
  assert_int_equal(P.nerrors, 0);
  assert_null(P.items);
  ps_free(&P);
  parse(&P, "// nothing\n/* at all */\n");
  assert_int_equal(P.nerrors, 0);
  assert_null(P.items);
  ps_free(&P);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_primaries),
    cmocka_unit_test(test_boolean_precedence),
    cmocka_unit_test(test_comparison_precedence),
    cmocka_unit_test(test_arithmetic_precedence),
    cmocka_unit_test(test_coalesce_precedence),
    cmocka_unit_test(test_quantifier_greediness),
    cmocka_unit_test(test_quantifier_binders),
    cmocka_unit_test(test_count_distinct),
    cmocka_unit_test(test_sum_latest),
    cmocka_unit_test(test_if_and_sets),
    cmocka_unit_test(test_cover),
    cmocka_unit_test(test_at_least),
    cmocka_unit_test(test_expression_spans),
    cmocka_unit_test(test_header_fields),
    cmocka_unit_test(test_declarations),
    cmocka_unit_test(test_branch_and_criteria),
    cmocka_unit_test(test_at_least_combinator_range),
    cmocka_unit_test(test_syntax_error_message),
    cmocka_unit_test(test_two_errors_both_reported),
    cmocka_unit_test(test_errors_in_separate_branches),
    cmocka_unit_test(test_error_at_top_level),
    cmocka_unit_test(test_unexpected_end_of_file),
    cmocka_unit_test(test_deep_nesting_is_an_error),
    cmocka_unit_test(test_empty_and_comment_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
