/*
 * test_fhir_tape.c -- the Bundle tape scanner (vm/fhir_tape.c) against
 * the reader's (pol_jread_tape, vm/jread.c): the same status and the same
 * entries on the edges of the grammar (escapes, UTF-8, numbers, literals,
 * the NUL jansson ignores, depth, duplicate and many keys, white space),
 * and on many mutations of a Bundle (bytes changed, cut, doubled).
 *
 * Ownership: each test owns its program, reader and scanner.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "bundle.h"
#include "compile.h"
#include "fhir_tape.h"
#include "../fhir_tape_scalar.h"
#include "jread.h"
#include "../tape_next.h"
#include "unit_compile.h"

typedef struct Two {
  pol_Program *p;
  pol_JRead *jr;
  pol_FhirTape *ft, *sc;   /* the library's scanner (SSE2 on x86-64), the portable one */
} Two;

static void two_new(Two *t)
{
  char *msgs;
  pol_Program *p = ut_compile("policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
                              "branch \"B\" \"b\" when true { criterion \"C\" \"c\" { true } }\n", &msgs);
  if (!p) fail_msg("compile failed:\n%s", msgs);
  free(msgs);
  t->p = ut_reload(p);
  t->jr = pol_jread_new(t->p);
  t->ft = pol_fhir_tape_new();
  t->sc = scalar_tape_new();
  assert_true(t->jr && t->ft && t->sc);
}

static void two_free(Two *t)
{
  pol_fhir_tape_free(t->ft);
  scalar_tape_free(t->sc);
  pol_jread_free(t->jr);
  pol_program_free(t->p);
}

/* The reader's scanner and one of the Bundle's (scan: the library's or
   the portable one) on text: the same status and entries; the status. */
static int same_as(Two *t, int (*scan)(pol_FhirTape *, const char *, size_t, const pol_JTape **, size_t *),
                   pol_FhirTape *ft, const uint32_t *(*next)(const pol_FhirTape *), const char *text, size_t len)
{
  const pol_JTape *a, *b;
  size_t na = 0, nb = 0;
  int ra = pol_jread_tape(t->jr, text, len, &a, &na);
  int rb = scan(ft, text, len, &b, &nb);
  if (ra != rb) fail_msg("status %d (jread) vs %d (fhir_tape): %.*s", ra, rb, (int)(len > 300 ? 300 : len), text);
  if (ra == 0) {
    if (na != nb) fail_msg("%zu vs %zu entries: %.*s", na, nb, (int)(len > 300 ? 300 : len), text);
    for (size_t i = 0; i < na; i++)
      if (a[i].off != b[i].off || a[i].aux != b[i].aux)
        fail_msg("entry %zu: %u/%u vs %u/%u: %.*s", i, a[i].off, a[i].aux, b[i].off, b[i].aux,
                 (int)(len > 300 ? 300 : len), text);
    const uint32_t *nx = next(ft);
    uint32_t want = 0;
    size_t i = tape_next_wrong(b, nx, nb, text, len, &want);
    if (i < nb) fail_msg("next[%zu] %u, not %u: %.*s", i, nx[i], want, (int)(len > 300 ? 300 : len), text);
  }
  return ra;
}

/* Both Bundle scanners against the reader's. */
static int same(Two *t, const char *text, size_t len)
{
  int r = same_as(t, pol_fhir_tape, t->ft, pol_fhir_tape_next, text, len);
  if (same_as(t, scalar_tape, t->sc, scalar_tape_next, text, len) != r) fail_msg("the portable scanner differs");
  return r;
}

static int same_s(Two *t, const char *text) { return same(t, text, strlen(text)); }

static void test_edges(void **state)
{
  (void)state;
  Two t;
  two_new(&t);
  static const char *const ok[] = {
    "{}", " {} ", "{\"a\":1}", "{\"a\" : [1, 2.5, -0, 1e3, -1.5E-2, true, false, null, \"x\"]}",
    "{\"a\":{\"b\":{\"c\":[[],{}]}}}", "{\"s\":\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\"}",
    "{\"s\":\"\\ud83d\\ude00\"}", "{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
    "{\"n\":9223372036854775807,\"m\":-9223372036854775808}",
    "{\"\":1,\"a\":\"\"}", "{\"abcdefghijklmnopqrstuvwxyz0123456789\":\"abcdefghijklmnopqrstuvwxyz0123456789\"}",
    "{\"a\":1,\"b\":1,\"ab\":1,\"ba\":1,\"aa\":1,\"bb\":1}", "\t{\r\n\"a\"\n:\n1\n}\n",
    "{\"r\":1.7976931348623157e308,\"s\":123456789012345678901234567890.5}",
    /* closing brackets in a row (closed one after the other), [{ */
    "{\"a\":[{\"b\":[{}]}]}", "{\"a\":[{} ] }", "{\"a\":[[{\"b\":{\"c\":[]}}]],\"d\":[{},{}]}",
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (same_s(&t, ok[i]) != 0) fail_msg("refused: %s", ok[i]);
  /* jansson ignores one NUL byte right after a number or a literal */
  assert_int_equal(same(&t, "{\"a\":1\0}", 8), 0);
  assert_int_equal(same(&t, "{\"a\":true\0,\"b\":null\0}", 21), 0);
  assert_int_equal(same(&t, "{\"a\":1\0\0}", 9), -1);
  assert_int_equal(same(&t, "{\"a\":\"x\"\0}", 10), -1);
  static const char *const bad[] = {
    "", "[]", "1", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":1}x", "{\"a\":01}",
    "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u0000\"}",
    "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
    "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":1,\"a\":2}", "{\"k\\u0041\":1}", "{\"a\":9223372036854775808}",
    "{\"a\":1e400}", "{\"a\":\"unterminated}", "{\"a\":[1,2}", "{\"a\":{]}", "{'a':1}",
    "{\"a\":[{}}]", "{\"a\":{}]}", "{\"a\":[[]}]", "{\"a\":{}}}", "{\"a\":[{}]]}", "{\"a\":[{}]", "{\"a\":[{",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_equal(same_s(&t, bad[i]), -1);
  /* depth: 64 levels are read, 65 are not */
  char deep[200];
  for (int levels = 63; levels <= 66; levels++) {
    size_t n = 0;
    deep[n++] = '{';
    memcpy(deep + n, "\"a\":", 4), n += 4;
    for (int k = 1; k < levels; k++) deep[n++] = '[';
    for (int k = 1; k < levels; k++) deep[n++] = ']';
    deep[n++] = '}';
    assert_int_equal(same(&t, deep, n), levels <= 64 ? 0 : -1);
  }
  /* 64 keys in an object are read, 65 are not (both scanners) */
  char many[2000];
  for (int keys = 63; keys <= 66; keys++) {
    size_t n = 0;
    many[n++] = '{';
    for (int k = 0; k < keys; k++) n += (size_t)snprintf(many + n, sizeof many - n, "%s\"k%d\":%d", k ? "," : "", k, k);
    many[n++] = '}';
    assert_int_equal(same(&t, many, n), keys <= 64 ? 0 : -1);
  }
  /* keys the duplicate filter cannot tell apart (one length, one last
     byte): refused past 64 (when the filter asks, or when it closes),
     duplicated or not */
  static char alike[8000];
  for (int keys = 60; keys <= 300; keys += 30) {
    for (int dup = 0; dup < 2; dup++) {
      size_t n = 0;
      alike[n++] = '{';
      for (int k = 0; k < keys; k++)
        n += (size_t)snprintf(alike + n, sizeof alike - n, "%s\"%03dz\":1", k ? "," : "", dup && k == keys - 1 ? 0 : k);
      alike[n++] = '}';
      assert_int_equal(same(&t, alike, n), keys <= 64 && !dup ? 0 : -1);
    }
  }
  two_free(&t);
}

/* Keys and string values of every length across the scanner's 16-byte
   blocks (a key's block read on into its value), plain, with an escape
   or a UTF-8 sequence at each place, and the text cut at each length. */
static void test_blocks(void **state)
{
  (void)state;
  Two t;
  two_new(&t);
  char buf[200];
  static const char *const kinds[] = {"", "\\n", "\xc3\xa9", "\\u00e9", "\x01"};
  for (int kl = 0; kl <= 20; kl++)
    for (int vl = 0; vl <= 40; vl++)
      for (size_t kind = 0; kind < sizeof kinds / sizeof *kinds; kind++)
        for (int at = 0; at <= vl; at += kind ? 3 : 100) {
          size_t n = 0;
          buf[n++] = '{';
          buf[n++] = '"';
          for (int i = 0; i < kl; i++) buf[n++] = (char)('a' + i % 26);
          memcpy(buf + n, "\":\"", 3), n += 3;
          for (int i = 0; i < vl; i++) {
            if (i == at && kind) {
              size_t kn = strlen(kinds[kind]);
              memcpy(buf + n, kinds[kind], kn), n += kn;
            }
            buf[n++] = (char)('A' + i % 26);
          }
          buf[n++] = '"';
          buf[n++] = '}';
          int want = kind == 4 && at < vl ? -1 : 0;
          if (same(&t, buf, n) != want) fail_msg("key %d, value %d, kind %zu at %d", kl, vl, kind, at);
          for (size_t cut = n > 24 ? n - 24 : 1; cut < n; cut++) assert_int_equal(same(&t, buf, cut), -1);
        }
  two_free(&t);
}

/* Duplicate keys, checked when their object closes (an object of two
   keys inline, of more by a filter and a pairwise search): at every
   place among an object's keys, after values that are containers (the
   search steps over them by next[]), in objects nested in arrays and
   objects, and keys alike but not equal (one length, one last byte; one
   differing byte anywhere, across 8-byte words). */
static void test_dup_keys(void **state)
{
  (void)state;
  Two t;
  two_new(&t);
  static const char *const ok[] = {
    "{\"a\":1,\"b\":2}", "{\"ab\":1,\"ba\":2}", "{\"a\":{\"a\":1},\"b\":[{\"a\":1,\"b\":2}]}",
    "{\"\":1,\"a\":2}", "{\"ax\":1,\"bx\":2,\"cx\":3}", "{\"ax\":[],\"bx\":{},\"cx\":[{}],\"dx\":null}",
    "{\"abcdefghij\":1,\"abcdefghik\":2}", "{\"abcdefghij\":1,\"abcdXfghij\":2}",
    "{\"abcdefghijklmnopqrstu\":1,\"abcdefghijklmnopqrstu \":2,\"abcdefghijklmnopqrstv\":3}",
    "{\"x\":[{\"k\":1,\"j\":2},{\"k\":1,\"j\":2}],\"k\":{\"k\":{\"k\":1}}}",
    "{\"linkId\":\"a\",\"answer\":[{\"valueBoolean\":true}]}",
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (same_s(&t, ok[i]) != 0) fail_msg("refused: %s", ok[i]);
  static const char *const bad[] = {
    "{\"a\":1,\"a\":1}", "{\"\":1,\"\":2}", "{\"a\":{\"x\":1},\"a\":2}", "{\"a\":[1,{\"b\":2}],\"a\":1}",
    "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":1,\"b\":2,\"b\":3}", "{\"a\":[{\"a\":1}],\"b\":{\"a\":{\"a\":1}},\"a\":3}",
    "{\"x\":[{\"k\":1,\"j\":2,\"k\":3}]}", "{\"x\":{\"y\":{\"k\":1,\"k\":2}}}", "{\"\":1,\"b\":2,\"\":3}",
    "{\"abcdefghijklmnopqrstu\":1,\"b\":[],\"abcdefghijklmnopqrstu\":2}",
    "{\"x\":[{\"a\":1},{\"b\":1,\"c\":{},\"d\":[],\"b\":2}]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (same_s(&t, bad[i]) != -1) fail_msg("taken: %s", bad[i]);
  /* n keys (2 to 9), a container or a scalar value each, the last one a
     copy of key d (or of none) */
  char buf[400];
  for (int keys = 2; keys <= 9; keys++)
    for (int d = -1; d < keys - 1; d++)
      for (int shape = 0; shape < 3; shape++) {
        size_t n = 0;
        buf[n++] = '{';
        for (int k = 0; k < keys; k++) {
          int name = k == keys - 1 && d >= 0 ? d : k;
          static const char *const vals[] = {"1", "{\"k0\":[1]}", "[{\"k1\":1,\"k0\":2}]"};
          n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"k%d\":%s", k ? "," : "", name, vals[(k + shape) % 3]);
        }
        buf[n++] = '}';
        if (same(&t, buf, n) != (d >= 0 ? -1 : 0)) fail_msg("%d keys, copy of %d, shape %d: %.*s", keys, d, shape, (int)n, buf);
      }
  two_free(&t);
}

static const char BUNDLE[] =
  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:c1\",\"resource\":"
  "{\"resourceType\":\"Claim\",\"id\":\"c\",\"use\":\"preauthorization\",\"created\":\"2025-09-15\","
  "\"patient\":{\"reference\":\"urn:uuid:p1\"},\"item\":[{\"sequence\":1,\"productOrService\":{\"coding\":"
  "[{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\"27279\"}],\"text\":\"SIJ fusion \\u2014 \xc3\xa9\"},"
  "\"quantity\":{\"value\":2.5}}]}},{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\","
  "\"id\":\"p1\",\"gender\":\"female\",\"birthDate\":\"1970-05-01\",\"active\":true,\"deceasedBoolean\":false,"
  "\"photo\":null}}, {\"resource\": {\"resourceType\": \"Observation\", \"valueQuantity\": {\"value\": -7e-1}}}]}";

/* Bytes changed, the text cut, a part doubled: a few thousand mutations
   (a fixed generator: the same ones every run). */
static void test_mutations(void **state)
{
  (void)state;
  Two t;
  two_new(&t);
  size_t n = sizeof BUNDLE - 1;
  char *buf = malloc(2 * n + 8);
  assert_non_null(buf);
  assert_int_equal(same(&t, BUNDLE, n), 0);
  static const char alphabet[] = "{}[]\",:\\ \n0123456789-+.eEtrufalsn\x80\xc3\xa9\xff\x00uU/";
  uint64_t x = 0x9e3779b97f4a7c15ull;
  int accepted = 0;
  for (int round = 0; round < 20000; round++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    memcpy(buf, BUNDLE, n);
    size_t len = n, at = (size_t)(x % n);
    switch ((x >> 32) % 4) {
    case 0: buf[at] = alphabet[(x >> 40) % (sizeof alphabet - 1)]; break;
    case 1: len = at; break;
    case 2: {   /* a part doubled */
      size_t k = (size_t)((x >> 40) % 40);
      if (at + k > n) k = n - at;
      memmove(buf + at + k, buf + at, n - at);
      len = n + k;
      break;
    }
    default:   /* two bytes changed */
      buf[at] = alphabet[(x >> 40) % (sizeof alphabet - 1)];
      buf[(at * 7 + 3) % n] = alphabet[(x >> 48) % (sizeof alphabet - 1)];
      break;
    }
    accepted += same(&t, buf, len) == 0;
  }
  assert_true(accepted > 100);   /* some mutations keep it valid */
  free(buf);
  two_free(&t);
}

/* Texts that end exactly where readable memory ends (a PROT_NONE page
   after them): no scanner may read a byte past the text.  A key whose
   closing quote is among the last bytes of the key's 16-byte block, with
   the text ending right after it or its colon (the "key":"string" look
   ahead read q[1] and q[2] past the end). */
static void test_end_of_memory(void **state)
{
  (void)state;
  Two t;
  two_new(&t);
  long pg = sysconf(_SC_PAGESIZE);
  assert_true(pg >= 4096);
  uint8_t *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(m != MAP_FAILED);
  assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
  static const char *const tails[] = {"", ":", ":\"", ":\"x", ":1", ":\"x\"}"};
  char text[128];
  for (int kl = 0; kl <= 40; kl++)
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
      size_t n = 0;
      text[n++] = '{';
      text[n++] = '"';
      for (int i = 0; i < kl; i++) text[n++] = (char)('a' + i % 26);
      text[n++] = '"';
      memcpy(text + n, tails[k], strlen(tails[k])), n += strlen(tails[k]);
      char *at = (char *)m + pg - n;   /* the text's last byte is the page's */
      memcpy(at, text, n);
      int want = k == 5 ? 0 : -1;
      if (same(&t, at, n) != want) fail_msg("key %d, tail %zu", kl, k);
    }
  /* and every cut of the Bundle, keys and strings ending at each place */
  for (size_t n = 1; n < sizeof BUNDLE; n++) {
    char *at = (char *)m + pg - n;
    memcpy(at, BUNDLE, n);
    (void)same(&t, at, n);
  }
  munmap(m, 2 * (size_t)pg);
  two_free(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_edges),
    cmocka_unit_test(test_blocks),
    cmocka_unit_test(test_dup_keys),
    cmocka_unit_test(test_mutations),
    cmocka_unit_test(test_end_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
