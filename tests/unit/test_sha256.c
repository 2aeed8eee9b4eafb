/*
 * test_sha256.c -- vm/sha256.h: pol_sha256 (the SHA extensions where the
 * CPU has them) against FIPS 180-4's examples and, for every length up to
 * 600 bytes, every offset modulo 16 and lengths up to 300 KB, against
 * libsodium's portable crypto_hash_sha256 (the path taken without them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sha256.h"

static void hex(const uint8_t *h, char out[65])
{
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void expect_hash(const void *p, size_t n, const char *want)
{
  uint8_t h[POL_SHA256_LEN];
  char got[65];
  pol_sha256(h, p, n);
  hex(h, got);
  assert_string_equal(got, want);
}

/* FIPS 180-4 (the NIST examples): "abc", the empty message, 448 bits
   (the padding takes a second block), a million 'a's */
static void test_known_answers(void **state)
{
  (void)state;
  expect_hash("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  expect_hash("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  expect_hash(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  char *a = malloc(1000000);
  assert_non_null(a);
  memset(a, 'a', 1000000);
  expect_hash(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free(a);
}

static void same_as_sodium(const uint8_t *p, size_t n)
{
  uint8_t a[POL_SHA256_LEN], b[POL_SHA256_LEN];
  pol_sha256(a, p, n);
  crypto_hash_sha256(b, p, n);
  if (memcmp(a, b, sizeof a) != 0) fail_msg("length %zu: differs from libsodium", n);
}

/* every length around the block and padding boundaries, unaligned input */
static void test_against_sodium(void **state)
{
  (void)state;
  size_t max = 300000;
  uint8_t *buf = malloc(max + 16);
  assert_non_null(buf);
  uint32_t x = 12345;
  for (size_t i = 0; i < max + 16; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  for (size_t n = 0; n <= 600; n++) same_as_sodium(buf + n % 16, n);
  for (size_t n = 601; n <= max; n += 4099) same_as_sodium(buf + n % 16, n);
  same_as_sodium(buf, max);
  free(buf);
}

/* which path ran is printed, so a log tells whether the SHA extensions
   were tested here */
static void test_path(void **state)
{
  (void)state;
  int ni = pol_sha256_uses_ni();
  assert_true(ni == 0 || ni == 1);
  print_message("pol_sha256: %s\n", ni ? "SHA extensions" : "portable (libsodium)");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_known_answers),
    cmocka_unit_test(test_against_sodium),
    cmocka_unit_test(test_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
