/*
 * fuzz_bundle.c -- libFuzzer target: the input is a bundle.
 *
 * The bytes are loaded as they are (nearly every mutation then fails the
 * content hash), and again with the hash recomputed, so the mutations reach
 * the section parsers and the verifier.  A bundle that loads is judged on
 * the example cases, traced in every form and disassembled: whatever the
 * verifier accepts must run without a crash.  Externs are never bound.
 */
#include "fuzz.h"

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HEADER_LEN = 48, HASH_AT = 16 };   /* docs/bundle-format.md */

static void try_load(const uint8_t *buf, size_t len)
{
  size_t ncases;
  json_t **cases = fz_example_cases(&ncases);
  char err[512];
  pol_Program *p = NULL;
  if (pol_bundle_load(buf, len, &p, err, sizeof err) != 0) {
    if (p) abort();          /* a refusal returns no program */
    if (!memchr(err, '\0', sizeof err)) abort();
    return;
  }
  fz_judge(p, cases, ncases, 200000);
  pol_disasm(p, fz_null());
  pol_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (sodium_init() < 0) abort();
  try_load(data, size);
  if (size < HEADER_LEN) return 0;
  uint8_t *copy = malloc(size);
  if (!copy) return 0;
  memcpy(copy, data, size);
  crypto_hash_sha256(copy + HASH_AT, copy + HEADER_LEN, size - HEADER_LEN);
  if (memcmp(copy + HASH_AT, data + HASH_AT, 32) != 0) try_load(copy, size);
  free(copy);
  return 0;
}
