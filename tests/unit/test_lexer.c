/*
 * test_lexer.c -- unit tests for compiler/lexer.l: the token stream of
 * small sources, with values, byte-offset spans and lexical diagnostics.
 *
 * The scanner is driven directly through yylex (build/gen/lexer.h), with a
 * pol_Diag whose output goes to a memory stream, so each test sees exactly
 * the tokens and messages one source produces.  Everything a test allocates
 * belongs to its Lx and is freed by lx_free.
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
#include "parse.h"
#include "parser.h"
#include "lexer.h"

/* ---- harness ------------------------------------------------------------ */

#define MAXTOK 128

typedef struct Tok {
  int kind;             /* yytoken_kind_t */
  uint32_t start, end;  /* byte offsets [start, end) */
  YYSTYPE v;
} Tok;

typedef struct Lx {
  pol_Arena *arena;
  pol_Source src;
  pol_Source *files[1];
  int nfiles;
  pol_Diag diag;
  FILE *out;
  char *msgs;           /* everything the diagnostics printed */
  size_t msglen;
  Tok t[MAXTOK];
  int n;                /* tokens before end of file */
} Lx;

/* Scans all of text (len bytes) into L->t; diagnostics into L->msgs. */
static void lex_n(Lx *L, const char *text, size_t len)
{
  memset(L, 0, sizeof *L);
  L->arena = pol_arena_new();
  L->src.name = (char *)"t.pol";
  L->src.text = (char *)text;
  L->src.len = len;
  L->files[0] = &L->src;
  L->nfiles = 1;
  L->out = open_memstream(&L->msgs, &L->msglen);
  assert_non_null(L->out);
  L->diag.files = L->files;
  L->diag.nfiles = &L->nfiles;
  L->diag.out = L->out;
  struct pol_Lex lx = {.arena = L->arena, .diag = &L->diag, .file = 0, .off = 0, .len = len};
  yyscan_t sc;
  assert_int_equal(yylex_init_extra(&lx, &sc), 0);
  YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)len, sc);
  for (;;) {
    Tok tk;
    YYLTYPE loc = {0, 0, 0};
    memset(&tk, 0, sizeof tk);
    tk.kind = yylex(&tk.v, &loc, sc);
    if (tk.kind == YYEOF) break;
    assert_true(L->n < MAXTOK);
    tk.start = loc.start;
    tk.end = loc.end;
    L->t[L->n++] = tk;
  }
  yy_delete_buffer(buf, sc);
  yylex_destroy(sc);
  fflush(L->out);
}

static void lex(Lx *L, const char *text) { lex_n(L, text, strlen(text)); }

static void lx_free(Lx *L)
{
  fclose(L->out);
  free(L->msgs);
  pol_arena_free(L->arena);
}

/* Asserts the token kinds, in order, ending with end of file (0). */
static void kinds(const Lx *L, ...)
{
  va_list ap;
  va_start(ap, L);
  int i = 0;
  for (;; i++) {
    int k = va_arg(ap, int);
    if (k == 0) break;
    if (i >= L->n) fail_msg("token %d: expected kind %d, got end of file", i, k);
    if (L->t[i].kind != k) fail_msg("token %d: expected kind %d, got %d", i, k, L->t[i].kind);
  }
  va_end(ap);
  assert_int_equal(L->n, i);
}

static void span(const Lx *L, int i, uint32_t start, uint32_t end)
{
  assert_true(i < L->n);
  assert_int_equal(L->t[i].start, start);
  assert_int_equal(L->t[i].end, end);
}

static int32_t civil(int y, int m, int d) { return pol_days_from_civil(y, m, d); }

/* ---- keywords, identifiers, punctuation --------------------------------- */

static void test_keywords(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "policy import record fact let extern branch when criterion exclusion "
          "all any at least of and or not within in exists every no count distinct "
          "where days covered by from to true false it tag cite");
  kinds(&L, POLICY, IMPORT, RECORD, FACT, LET, EXTERN, BRANCH, WHEN, CRITERION, EXCLUSION,
        ALL, ANY, AT, LEAST, OF, AND, OR, NOT, WITHIN, IN, EXISTS, EVERY, NO, COUNT, DISTINCT,
        WHERE, DAYS, COVERED, BY, FROM, TO, TRUE, FALSE, IT, TAG, CITE, 0);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);
}

static void test_identifiers(void **state)
{
  (void)state;
  Lx L;
  /* a keyword is only a keyword as a whole word */
  lex(&L, "policyx in_person days_x _a1 Zz9 notin its");
  kinds(&L, IDENT, IDENT, IDENT, IDENT, IDENT, IDENT, IDENT, 0);
  assert_string_equal(L.t[0].v.str, "policyx");
  assert_string_equal(L.t[1].v.str, "in_person");
  assert_string_equal(L.t[2].v.str, "days_x");
  assert_string_equal(L.t[3].v.str, "_a1");
  assert_string_equal(L.t[4].v.str, "Zz9");
  assert_string_equal(L.t[5].v.str, "notin");
  assert_string_equal(L.t[6].v.str, "its");
  lx_free(&L);
}

static void test_punctuation(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "== != <= >= ?? < > = + - * / ( ) { } [ ] , : .");
  kinds(&L, EQ, NE, LE, GE, COALESCE, '<', '>', '=', '+', '-', '*', '/', '(', ')', '{', '}',
        '[', ']', ',', ':', '.', 0);
  lx_free(&L);
  /* longest match: "<==" is "<=" then "=" */
  lex(&L, "a<==b");
  kinds(&L, IDENT, LE, '=', IDENT, 0);
  lx_free(&L);
}

static void test_numbers(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "0 42 3.25 365.25 007");
  kinds(&L, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, 0);
  assert_true(L.t[0].v.num == 0);
  assert_true(L.t[1].v.num == 42 * POL_DEC_SCALE);
  assert_true(L.t[2].v.num == 325000000);
  assert_true(L.t[3].v.num == 36525000000);
  assert_true(L.t[4].v.num == 7 * POL_DEC_SCALE);
  lx_free(&L);
  /* exactly as written: decimals, not binary doubles */
  lex(&L, "1.1 0.9 6.3 0.00000001 92233720368.54775807");
  kinds(&L, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, 0);
  assert_int_equal(L.diag.nerrors, 0);
  assert_true(L.t[0].v.num == 110000000 && L.t[1].v.num == 90000000 && L.t[2].v.num == 630000000);
  assert_true(L.t[3].v.num == 1 && L.t[4].v.num == INT64_MAX);
  lx_free(&L);
  /* more than 8 digits after the point (even zeros), or out of range */
  lex(&L, "0.000000001 1.000000000 92233720368.54775808 99999999999999999999999");
  kinds(&L, NUMBER, NUMBER, NUMBER, NUMBER, 0);
  assert_int_equal(L.diag.nerrors, 4);
  assert_non_null(strstr(L.msgs, "t.pol:1:1: error[E0108]: a number has at most 8 digits after the point"));
  assert_non_null(strstr(L.msgs, "t.pol:1:13: error[E0108]: a number has at most 8 digits after the point"));
  assert_non_null(strstr(L.msgs, "t.pol:1:25: error[E0109]: number out of range "
                                 "(-92233720368.54775807 .. 92233720368.54775807)"));
  assert_non_null(strstr(L.msgs, "t.pol:1:46: error[E0109]: number out of range"));
  lx_free(&L);
  /* no leading-dot numbers: ".5" is '.' then 5 */
  lex(&L, ".5");
  kinds(&L, '.', NUMBER, 0);
  lx_free(&L);
}

/* ---- "not in" ------------------------------------------------------------ */

static void test_not_in(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "kind not in s");
  kinds(&L, IDENT, NOTIN, IDENT, 0);
  span(&L, 1, 5, 11);
  lx_free(&L);

  /* any run of blanks between the words; one token spanning both */
  lex(&L, "x not \t  in{\"a\"}");
  kinds(&L, IDENT, NOTIN, '{', STRING, '}', 0);
  span(&L, 1, 2, 11);
  lx_free(&L);

  /* "not" followed by a word starting with "in" stays two tokens */
  lex(&L, "not in_person");
  kinds(&L, NOT, IDENT, 0);
  assert_string_equal(L.t[1].v.str, "in_person");
  lx_free(&L);

  lex(&L, "not inside");
  kinds(&L, NOT, IDENT, 0);
  lx_free(&L);

  /* a line break separates them: "not" then "in" */
  lex(&L, "not\nin x");
  kinds(&L, NOT, IN, IDENT, 0);
  lx_free(&L);

  /* plain "not" and "in" */
  lex(&L, "not a in b");
  kinds(&L, NOT, IDENT, IN, IDENT, 0);
  lx_free(&L);
}

/* ---- dates --------------------------------------------------------------- */

static void test_dates(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "2025-08-01 2024-02-29 2000-02-29 1970-01-01 9999-12-31");
  kinds(&L, DATE, DATE, DATE, DATE, DATE, 0);
  assert_int_equal(L.t[0].v.date, civil(2025, 8, 1));
  assert_int_equal(L.t[1].v.date, civil(2024, 2, 29));
  assert_int_equal(L.t[2].v.date, civil(2000, 2, 29));
  assert_int_equal(L.t[3].v.date, 0);
  assert_int_equal(L.t[4].v.date, civil(9999, 12, 31));
  span(&L, 1, 11, 21);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);
}

static void test_invalid_dates(void **state)
{
  (void)state;
  static const char *const bad[] = {
    "2025-02-30", "2023-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
    "2025-01-00", "0000-01-01",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    Lx L;
    char src[64];
    snprintf(src, sizeof src, "d < %s", bad[i]);
    lex(&L, src);
    /* still one DATE token (value 0), so parsing goes on */
    kinds(&L, IDENT, '<', DATE, 0);
    span(&L, 2, 4, 14);
    assert_int_equal(L.t[2].v.date, 0);
    assert_int_equal(L.diag.nerrors, 1);
    assert_non_null(strstr(L.msgs, "error[E0102]"));
    char want[64];
    snprintf(want, sizeof want, "not a valid date: %s", bad[i]);
    assert_non_null(strstr(L.msgs, want));
    lx_free(&L);
  }
}

static void test_date_diagnostic_text(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "let a = 1\n  onset < 2025-02-30 or x\n");
  assert_string_equal(L.msgs,
                      "t.pol:2:11: error[E0102]: not a valid date: 2025-02-30\n"
                      "    2 |   onset < 2025-02-30 or x\n"
                      "      |           ^~~~~~~~~~\n");
  lx_free(&L);
}

static void test_date_like_arithmetic(void **state)
{
  (void)state;
  Lx L;
  /* without two-digit month and day it is arithmetic, not a date */
  lex(&L, "2025-1-01");
  kinds(&L, NUMBER, '-', NUMBER, '-', NUMBER, 0);
  lx_free(&L);
}

/* ---- durations ----------------------------------------------------------- */

static void dur(const Lx *L, int i, int32_t months, int32_t days)
{
  assert_true(i < L->n);
  assert_int_equal(L->t[i].kind, DURATION);
  assert_int_equal(L->t[i].v.dur.months, months);
  assert_int_equal(L->t[i].v.dur.days, days);
}

static void test_durations(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "12 months 6 weeks 1 year 30 days 1 day 1 week 1 month 2 years 0 days");
  assert_int_equal(L.n, 9);
  dur(&L, 0, 12, 0);
  dur(&L, 1, 0, 42);
  dur(&L, 2, 12, 0);
  dur(&L, 3, 0, 30);
  dur(&L, 4, 0, 1);
  dur(&L, 5, 0, 7);
  dur(&L, 6, 1, 0);
  dur(&L, 7, 24, 0);
  dur(&L, 8, 0, 0);
  /* a duration is one token, number and unit together */
  span(&L, 0, 0, 9);
  span(&L, 1, 10, 17);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);

  /* blanks between number and unit */
  lex(&L, "6 \t weeks");
  kinds(&L, DURATION, 0);
  dur(&L, 0, 0, 42);
  span(&L, 0, 0, 9);
  lx_free(&L);

  /* without a blank it is a number and a name */
  lex(&L, "12months");
  kinds(&L, NUMBER, IDENT, 0);
  lx_free(&L);

  /* a line break ends the number */
  lex(&L, "12\nmonths");
  kinds(&L, NUMBER, IDENT, 0);
  lx_free(&L);
}

static void test_duration_limits(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "100000 days");
  dur(&L, 0, 0, 100000);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);

  lex(&L, "100001 days");
  kinds(&L, DURATION, 0);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "error[E0103]: duration too large"));
  lx_free(&L);

  lex(&L, "99999999999999999999 months");
  kinds(&L, DURATION, 0);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "E0103"));
  lx_free(&L);
}

static void test_date_plus_duration_tokens(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "2025-01-31 + 1 month");
  kinds(&L, DATE, '+', DURATION, 0);
  dur(&L, 2, 1, 0);
  span(&L, 2, 13, 20);
  lx_free(&L);
}

/* ---- strings ------------------------------------------------------------- */

static void test_strings(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "\"abc\" \"\" \"two words\"");
  kinds(&L, STRING, STRING, STRING, 0);
  assert_string_equal(L.t[0].v.str, "abc");
  assert_string_equal(L.t[1].v.str, "");
  assert_string_equal(L.t[2].v.str, "two words");
  span(&L, 0, 0, 5);
  span(&L, 1, 6, 8);
  span(&L, 2, 9, 20);
  lx_free(&L);
}

static void test_string_escapes(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "\"a\\nb\\tc\\\"d\\\\e\"");
  kinds(&L, STRING, 0);
  assert_string_equal(L.t[0].v.str, "a\nb\tc\"d\\e");
  span(&L, 0, 0, 15);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);

  /* an escaped quote does not end the string; a UTF-8 string is bytes */
  lex(&L, "\"say \\\"hi\\\"\" \"\xc3\xa9t\xc3\xa9\" x");
  kinds(&L, STRING, STRING, IDENT, 0);
  assert_string_equal(L.t[0].v.str, "say \"hi\"");
  assert_string_equal(L.t[1].v.str, "\xc3\xa9t\xc3\xa9");
  span(&L, 1, 13, 20);
  span(&L, 2, 21, 22);
  lx_free(&L);
}

static void test_bad_escape(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "s == \"fe\\qmale\" and t");
  /* still a STRING (empty), and scanning goes on */
  kinds(&L, IDENT, EQ, STRING, AND, IDENT, 0);
  assert_string_equal(L.t[2].v.str, "");
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "t.pol:1:6: error[E0106]: unknown escape '\\q' in string"));
  lx_free(&L);
}

static void test_unterminated_string(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "sex == \"female }\nx");
  kinds(&L, IDENT, EQ, STRING, IDENT, 0);
  /* the string runs to the end of its line, not beyond */
  span(&L, 2, 7, 16);
  span(&L, 3, 17, 18);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "t.pol:1:8: error[E0104]: unterminated string"));
  lx_free(&L);

  /* at the end of the file */
  lex(&L, "\"abc");
  kinds(&L, STRING, 0);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "E0104"));
  lx_free(&L);
}

/* ---- comments and blanks ------------------------------------------------- */

static void test_comments(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "a // line comment with \"quote\" and /* \nb /* multi\nline * / ** */ c /***/ d "
          "/* a ** b */ e// end");
  kinds(&L, IDENT, IDENT, IDENT, IDENT, IDENT, 0);
  assert_string_equal(L.t[0].v.str, "a");
  assert_string_equal(L.t[1].v.str, "b");
  assert_string_equal(L.t[2].v.str, "c");
  assert_string_equal(L.t[3].v.str, "d");
  assert_string_equal(L.t[4].v.str, "e");
  span(&L, 1, 39, 40);
  assert_int_equal(L.diag.nerrors, 0);
  lx_free(&L);

  /* a comment is not a string and a string is not a comment */
  lex(&L, "\"// not a comment\" \"/* nor this */\"");
  kinds(&L, STRING, STRING, 0);
  assert_string_equal(L.t[0].v.str, "// not a comment");
  lx_free(&L);
}

static void test_unterminated_comment(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "a\n  /* never closed\nb c");
  /* nothing after the opening is scanned */
  kinds(&L, IDENT, 0);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "t.pol:2:3: error[E0101]: unterminated comment"));
  assert_non_null(strstr(L.msgs, "      |   ^~\n"));
  lx_free(&L);

  /* a star right before the end is not a close */
  lex(&L, "x /* *");
  kinds(&L, IDENT, 0);
  assert_int_equal(L.diag.nerrors, 1);
  lx_free(&L);
}

/* ---- locations ----------------------------------------------------------- */

static void test_locations(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "  ab\n\tcd\r\n  12 weeks\n");
  kinds(&L, IDENT, IDENT, DURATION, 0);
  span(&L, 0, 2, 4);
  span(&L, 1, 6, 8);
  span(&L, 2, 12, 20);
  lx_free(&L);

  /* offsets are bytes: a two-byte character in a comment counts twice */
  lex(&L, "/* \xc3\xa9 */ x");
  kinds(&L, IDENT, 0);
  span(&L, 0, 9, 10);
  lx_free(&L);

  /* byte offsets through every token kind */
  lex(&L, "f(2025-01-01, \"s\") >= 3.5");
  kinds(&L, IDENT, '(', DATE, ',', STRING, ')', GE, NUMBER, 0);
  span(&L, 0, 0, 1);
  span(&L, 1, 1, 2);
  span(&L, 2, 2, 12);
  span(&L, 3, 12, 13);
  span(&L, 4, 14, 17);
  span(&L, 5, 17, 18);
  span(&L, 6, 19, 21);
  span(&L, 7, 22, 25);
  lx_free(&L);
}

static void test_linecol(void **state)
{
  (void)state;
  pol_Source s = {.name = (char *)"t.pol", .text = (char *)"ab\ncd\n\nx", .len = 8};
  int line, col;
  pol_linecol(&s, 0, &line, &col);
  assert_int_equal(line, 1);
  assert_int_equal(col, 1);
  pol_linecol(&s, 4, &line, &col);
  assert_int_equal(line, 2);
  assert_int_equal(col, 2);
  pol_linecol(&s, 7, &line, &col);
  assert_int_equal(line, 4);
  assert_int_equal(col, 1);
  /* past the end: clamped to the end */
  pol_linecol(&s, 1000, &line, &col);
  assert_int_equal(line, 4);
  assert_int_equal(col, 2);
}

/* ---- stray input --------------------------------------------------------- */

static void test_unexpected_character(void **state)
{
  (void)state;
  Lx L;
  lex(&L, "a $ b # c");
  kinds(&L, IDENT, IDENT, IDENT, 0);
  assert_int_equal(L.diag.nerrors, 2);
  assert_non_null(strstr(L.msgs, "t.pol:1:3: error[E0105]: unexpected character '$'"));
  assert_non_null(strstr(L.msgs, "t.pol:1:7: error[E0105]: unexpected character '#'"));
  lx_free(&L);

  /* a control character is not printed raw */
  lex(&L, "a \x01 b");
  kinds(&L, IDENT, IDENT, 0);
  assert_int_equal(L.diag.nerrors, 1);
  assert_non_null(strstr(L.msgs, "unexpected character '?'"));
  lx_free(&L);

  /* non-ASCII outside strings and comments is an error (at least one) */
  lex(&L, "pain \xe2\x89\xa5 5");
  kinds(&L, IDENT, NUMBER, 0);
  assert_true(L.diag.nerrors >= 1);
  assert_non_null(strstr(L.msgs, "t.pol:1:6: error[E0105]: unexpected character"));
  lx_free(&L);
}

static void test_nul_byte(void **state)
{
  (void)state;
  /* through the compiler: a NUL byte in a source file is refused before
     scanning, at its position */
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  pol_Compiler c;
  pol_compiler_init(&c, f);
  static const char src[] = "let a = 1\nlet b\0 = 2\n";
  assert_int_equal(pol_compiler_load_text(&c, "nul.pol", src, sizeof src - 1), 1);
  fflush(f);
  assert_non_null(strstr(out, "nul.pol:2:6: error[E0100]: NUL byte in source file"));
  pol_compiler_free(&c);
  fclose(f);
  free(out);
}

/* The scanner is reentrant: two scanners interleaved do not disturb each
   other. */
static void test_reentrant(void **state)
{
  (void)state;
  pol_Arena *a = pol_arena_new();
  pol_Source s1 = {.name = (char *)"1", .text = (char *)"x 1 y", .len = 5};
  pol_Source s2 = {.name = (char *)"2", .text = (char *)"\"s\" 2025-01-01", .len = 14};
  pol_Source *files[2] = {&s1, &s2};
  int nfiles = 2;
  pol_Diag d = {.files = files, .nfiles = &nfiles, .out = stderr};
  struct pol_Lex l1 = {.arena = a, .diag = &d, .file = 0, .len = 5};
  struct pol_Lex l2 = {.arena = a, .diag = &d, .file = 1, .len = 14};
  yyscan_t sc1, sc2;
  assert_int_equal(yylex_init_extra(&l1, &sc1), 0);
  assert_int_equal(yylex_init_extra(&l2, &sc2), 0);
  YY_BUFFER_STATE b1 = yy_scan_bytes(s1.text, 5, sc1);
  YY_BUFFER_STATE b2 = yy_scan_bytes(s2.text, 14, sc2);
  YYSTYPE v;
  YYLTYPE loc;
  assert_int_equal(yylex(&v, &loc, sc1), IDENT);
  assert_int_equal(yylex(&v, &loc, sc2), STRING);
  assert_int_equal(loc.file, 1);
  assert_int_equal(yylex(&v, &loc, sc1), NUMBER);
  assert_int_equal(loc.start, 2);
  assert_int_equal(yylex(&v, &loc, sc2), DATE);
  assert_int_equal(loc.start, 4);
  assert_int_equal(yylex(&v, &loc, sc1), IDENT);
  assert_int_equal(loc.file, 0);
  assert_int_equal(yylex(&v, &loc, sc1), YYEOF);
  assert_int_equal(yylex(&v, &loc, sc2), YYEOF);
  assert_int_equal(d.nerrors, 0);
  yy_delete_buffer(b1, sc1);
  yy_delete_buffer(b2, sc2);
  yylex_destroy(sc1);
  yylex_destroy(sc2);
  pol_arena_free(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_keywords),
    cmocka_unit_test(test_identifiers),
    cmocka_unit_test(test_punctuation),
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_not_in),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_invalid_dates),
    cmocka_unit_test(test_date_diagnostic_text),
    cmocka_unit_test(test_date_like_arithmetic),
    cmocka_unit_test(test_durations),
    cmocka_unit_test(test_duration_limits),
    cmocka_unit_test(test_date_plus_duration_tokens),
    cmocka_unit_test(test_strings),
    cmocka_unit_test(test_string_escapes),
    cmocka_unit_test(test_bad_escape),
    cmocka_unit_test(test_unterminated_string),
    cmocka_unit_test(test_comments),
    cmocka_unit_test(test_unterminated_comment),
    cmocka_unit_test(test_locations),
    cmocka_unit_test(test_linecol),
    cmocka_unit_test(test_unexpected_character),
    cmocka_unit_test(test_nul_byte),
    cmocka_unit_test(test_reentrant),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
