/*
 * test_util.c -- vm/util.h: pol_utf8_check (its 8-byte ASCII path) against
 * a byte-at-a-time reference, on every placement of a NUL, a high byte and
 * a multi-byte sequence in short strings, and on random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

/* the check as it was before the 8-byte path: one byte at a time */
static size_t ref_check(const uint8_t *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (b == 0) return i;
    if (b < 0x80) { i++; continue; }
    size_t need;
    uint32_t cp, min;
    if ((b & 0xe0) == 0xc0) { need = 1; cp = b & 0x1fu; min = 0x80; }
    else if ((b & 0xf0) == 0xe0) { need = 2; cp = b & 0x0fu; min = 0x800; }
    else if ((b & 0xf8) == 0xf0) { need = 3; cp = b & 0x07u; min = 0x10000; }
    else return i;
    if (need > n - i - 1) return i;
    for (size_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = cp << 6 | (s[i + k] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

static void test_utf8_placements(void **state)
{
  (void)state;
  static const char *const inserts[] = {"\x00", "\x80", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                        "\xc3", "\xed\xa0\x80", "\x7f", "\x01", "\xff", "\xc0\x80"};
  uint8_t buf[64];
  for (size_t len = 0; len <= 40; len++)
    for (size_t at = 0; at <= len; at++)
      for (size_t k = 0; k < sizeof inserts / sizeof inserts[0]; k++) {
        size_t il = k == 0 ? 1 : strlen(inserts[k]);
        memset(buf, 'a', sizeof buf);
        if (at + il > len) continue;
        memcpy(buf + at, inserts[k], il);
        assert_int_equal(pol_utf8_check(buf, len), ref_check(buf, len));
        assert_int_equal(pol_utf8_check(buf, len), (k == 0 || k == 1 || k == 5 || k == 6 || k == 9 || k == 10) ? at : len);
      }
}

static void test_utf8_random(void **state)
{
  (void)state;
  uint8_t buf[96];
  srand(14);
  for (int round = 0; round < 200000; round++) {
    size_t len = (size_t)(rand() % (int)sizeof buf);
    int mode = rand() % 4;   /* mostly ASCII, with rarer other bytes */
    for (size_t i = 0; i < len; i++)
      buf[i] = mode == 0 ? (uint8_t)rand() : rand() % 16 ? (uint8_t)(0x20 + rand() % 0x5f) : (uint8_t)rand();
    assert_int_equal(pol_utf8_check(buf, len), ref_check(buf, len));
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_utf8_placements),
    cmocka_unit_test(test_utf8_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
