/*
 * test_sign.c -- signed bundles (docs/bundle-format.md, "Signature"):
 * pol_bundle_sign, the loader's SIGN checks with and without a trusted key,
 * the key files of polc keygen, and the signer in traces.
 *
 * Bundles are compiled from two small policies (A and B).  Tampering tests
 * edit the bytes of a signed bundle; where a test wants the structure or
 * the signature to be what fails, it recomputes the content hash first,
 * as an attacker can.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "case.h"
#include "compile.h"
#include "trace.h"
#include "vm.h"

enum { SIGN_SECTION = 8 + POL_PUBKEY_LEN + POL_SIG_LEN };

#define POLICY(title)                                                               \
  "policy \"P\" { title \"" title "\" version \"1\" effective 2025-01-01 codes \"X1\" }\n" \
  "fact a: bool = a\n"                                                              \
  "branch \"B\" \"b\" when true {\n  criterion \"C\" \"c\" { a }\n}\n"

static const char *const src_a = POLICY("Policy A");
static const char *const src_b = POLICY("Policy B, not A");

/* ---- helpers ------------------------------------------------------------ */

/* An unsigned bundle compiled from src; *len bytes, owned by the caller. */
static uint8_t *compile(const char *src, size_t *len)
{
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  c.built = "2025-01-01T00:00:00Z";
  pol_compiler_load_text(&c, "x.pol", src, strlen(src));
  pol_Program *p = NULL;
  if (c.diag.nerrors == 0 && pol_check(&c) == 0) p = pol_codegen(&c);
  if (!p) fail_msg("does not compile:\n%s", src);
  uint8_t *buf = NULL;
  assert_int_equal(pol_bundle_write(p, &buf, len), 0);
  pol_program_free(p);
  pol_compiler_free(&c);
  return buf;
}

static void keypair(uint8_t pk[POL_PUBKEY_LEN], uint8_t sk[POL_SECKEY_LEN], unsigned char seed_byte)
{
  uint8_t seed[crypto_sign_SEEDBYTES];
  memset(seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
}

/* src compiled and signed by sk. */
static uint8_t *signed_bundle(const char *src, const uint8_t *sk, size_t *len)
{
  uint8_t *buf = compile(src, len);
  size_t before = *len;
  assert_int_equal(pol_bundle_sign(&buf, len, sk), 0);
  assert_int_equal(*len, before + SIGN_SECTION);
  return buf;
}

static void rehash(uint8_t *buf, size_t end)
{
  crypto_hash_sha256(buf + 16, buf + 48, end - 48);
}

static pol_Program *load_ok(const uint8_t *buf, size_t len, const uint8_t *trust)
{
  char err[256] = "";
  pol_Program *p = NULL;
  if (pol_bundle_load_ex(buf, len, trust, 0, &p, err, sizeof err) != 0) fail_msg("refused: %s", err);
  assert_non_null(p);
  return p;
}

static void expect_refused(const uint8_t *buf, size_t len, const uint8_t *trust, const char *words)
{
  char err[256] = "";
  pol_Program *q = (pol_Program *)&err;   /* must be reset to NULL */
  assert_int_equal(pol_bundle_load_ex(buf, len, trust, 0, &q, err, sizeof err), -1);
  assert_null(q);
  if (!strstr(err, words)) fail_msg("load said \"%s\", expected \"%s\"", err, words);
}

static uint8_t *dup_mem(const void *src, size_t n)
{
  uint8_t *d = malloc(n ? n : 1);
  assert_non_null(d);
  memcpy(d, src, n);
  return d;
}

/* ---- signing and loading ------------------------------------------------ */

static void test_roundtrip(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN], other[POL_PUBKEY_LEN], osk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  keypair(other, osk, 2);
  size_t ulen, len;
  uint8_t *unsig = compile(src_a, &ulen);
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  /* the content and its hash are those of the unsigned bundle */
  assert_int_equal(len, ulen + SIGN_SECTION);
  assert_memory_equal(buf, unsig, ulen);
  assert_memory_equal(buf + ulen, "SIGN\x60\0\0\0", 8);
  assert_memory_equal(buf + ulen + 8, pk, POL_PUBKEY_LEN);
  assert_int_equal(crypto_sign_verify_detached(buf + ulen + 8 + POL_PUBKEY_LEN, buf + 16, 32, pk), 0);

  pol_Program *p = load_ok(buf, len, NULL);             /* no trust: loads, signer known */
  assert_int_equal(p->sig, POL_SIG_VALID);
  assert_memory_equal(p->signer, pk, POL_PUBKEY_LEN);
  assert_memory_equal(p->sha256, buf + 16, 32);
  pol_program_free(p);
  p = load_ok(buf, len, pk);                            /* trusted */
  assert_int_equal(p->sig, POL_SIG_VALID);
  pol_program_free(p);
  assert_int_equal(pol_bundle_load(buf, len, &p, NULL, 0), 0);
  pol_program_free(p);
  p = load_ok(unsig, ulen, NULL);                       /* unsigned: as before */
  assert_int_equal(p->sig, POL_SIG_NONE);
  pol_program_free(p);

  /* signing twice, or an altered bundle, is refused and leaves buf alone */
  size_t len2 = len;
  assert_int_equal(pol_bundle_sign(&buf, &len2, osk), -1);
  assert_int_equal(len2, len);
  unsig[100] ^= 1;
  assert_int_equal(pol_bundle_sign(&unsig, &ulen, sk), -1);
  free(unsig);
  free(buf);
}

static void test_content_bit_flip(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  /* every bit of the stored hash and of the content: with or without trust */
  for (size_t i = 16; i < len - SIGN_SECTION; i++)
    for (int bit = 0; bit < 8; bit += 7) {
      buf[i] ^= (uint8_t)(1u << bit);
      expect_refused(buf, len, NULL, "content hash mismatch: bundle altered or corrupt");
      expect_refused(buf, len, pk, "content hash mismatch: bundle altered or corrupt");
      buf[i] ^= (uint8_t)(1u << bit);
    }
  /* rehashed content: the hash matches, the signature no longer does */
  size_t end = len - SIGN_SECTION;
  buf[end - 1] ^= 1;
  rehash(buf, end);
  expect_refused(buf, len, NULL, "bad signature: bundle altered after signing");
  expect_refused(buf, len, pk, "bad signature: bundle altered after signing");
  free(buf);
}

static void test_signature_bit_flip(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  size_t sig = len - POL_SIG_LEN, key = sig - POL_PUBKEY_LEN;
  for (size_t i = sig; i < len; i++)
    for (int bit = 0; bit < 8; bit++) {
      buf[i] ^= (uint8_t)(1u << bit);
      expect_refused(buf, len, NULL, "bad signature: bundle altered after signing");
      expect_refused(buf, len, pk, "bad signature: bundle altered after signing");
      buf[i] ^= (uint8_t)(1u << bit);
    }
  /* a changed public key: another signer, whose signature this is not */
  for (size_t i = key; i < sig; i++) {
    buf[i] ^= 0x10;
    expect_refused(buf, len, NULL, "bad signature");
    expect_refused(buf, len, pk, "bundle signed by an untrusted key");
    buf[i] ^= 0x10;
  }
  /* keep_bad: returned for a report, marked bad, never with a trusted key */
  buf[len - 1] ^= 1;
  pol_Program *p = NULL;
  char err[256] = "";
  assert_int_equal(pol_bundle_load_ex(buf, len, NULL, 1, &p, err, sizeof err), 0);
  assert_int_equal(p->sig, POL_SIG_BAD);
  assert_memory_equal(p->signer, pk, POL_PUBKEY_LEN);
  pol_program_free(p);
  assert_int_equal(pol_bundle_load_ex(buf, len, pk, 1, &p, err, sizeof err), -1);
  assert_null(p);
  free(buf);
}

static void test_truncated(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  size_t end = len - SIGN_SECTION;
  for (size_t n = 0; n < len; n++) {
    uint8_t *cut = dup_mem(buf, n);   /* exact size, so ASan sees overreads */
    char err[256] = "";
    pol_Program *q = NULL;
    int rc = pol_bundle_load_ex(cut, n, pk, 0, &q, err, sizeof err);
    assert_int_equal(rc, -1);
    assert_null(q);
    if (n < 48) assert_non_null(strstr(err, "truncated bundle"));
    else if (n == end) assert_string_equal(err, "bundle is not signed");
    else if (n > end) assert_string_equal(err, "content hash mismatch: bundle altered or corrupt");
    /* without trust only the cut exactly before SIGN loads: unsigned */
    rc = pol_bundle_load_ex(cut, n, NULL, 0, &q, err, sizeof err);
    assert_int_equal(rc, n == end ? 0 : -1);
    if (q) assert_int_equal(q->sig, POL_SIG_NONE);
    pol_program_free(q);
    free(cut);
  }
  free(buf);
}

static void test_signature_of_other_content(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t alen, blen;
  uint8_t *a = signed_bundle(src_a, sk, &alen);
  uint8_t *b = compile(src_b, &blen);
  /* B's content, intact hash, A's (valid) SIGN section */
  uint8_t *mix = malloc(blen + SIGN_SECTION);
  assert_non_null(mix);
  memcpy(mix, b, blen);
  memcpy(mix + blen, a + alen - SIGN_SECTION, SIGN_SECTION);
  expect_refused(mix, blen + SIGN_SECTION, NULL, "bad signature: bundle altered after signing");
  expect_refused(mix, blen + SIGN_SECTION, pk, "bad signature: bundle altered after signing");
  /* and A's hash in B's header does not help */
  memcpy(mix + 16, a + 16, 32);
  expect_refused(mix, blen + SIGN_SECTION, pk, "content hash mismatch");
  free(mix);
  free(a);
  free(b);
}

static void test_trust_refusals(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN], other[POL_PUBKEY_LEN], osk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  keypair(other, osk, 2);
  size_t ulen, len;
  uint8_t *unsig = compile(src_a, &ulen);
  uint8_t *buf = signed_bundle(src_a, osk, &len);
  expect_refused(unsig, ulen, pk, "bundle is not signed");
  expect_refused(buf, len, pk, "bundle signed by an untrusted key");
  pol_program_free(load_ok(buf, len, other));
  free(unsig);
  free(buf);
}

static void test_newer_major(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  assert_int_equal(buf[8] | buf[9] << 8, POL_BUNDLE_MAJOR);
  assert_int_equal(buf[10] | buf[11] << 8, POL_BUNDLE_MINOR);
  buf[8] = POL_BUNDLE_MAJOR + 1;
  expect_refused(buf, len, NULL, "bundle format 3.x is newer than this polvm (2.x)");
  expect_refused(buf, len, pk, "bundle format 3.x is newer than this polvm (2.x)");
  buf[8] = POL_BUNDLE_MAJOR;
  buf[10] = POL_BUNDLE_MINOR + 1;   /* a newer minor still loads, signed */
  pol_program_free(load_ok(buf, len, pk));
  free(buf);
}

/* SIGN must be last, at most once, 96 bytes: each with the hash made to
   match, so the structure is what refuses. */
static void test_sign_placement(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  size_t end = len - SIGN_SECTION;
  uint8_t *big = malloc(len + SIGN_SECTION + 16);
  assert_non_null(big);

  /* twice, the second a valid signature over content that ends with the
     first: the first SIGN is then content, and not last */
  memcpy(big, buf, len);
  rehash(big, len);
  size_t blen = len;
  assert_int_equal(pol_bundle_sign(&big, &blen, sk), 0);
  assert_int_equal(blen, len + SIGN_SECTION);
  expect_refused(big, blen, NULL, "section SIGN at byte");
  expect_refused(big, blen, pk, "is not the last section");
  /* the same without the valid second signature: that is what fails */
  memcpy(big + len, buf + end, SIGN_SECTION);
  expect_refused(big, blen, NULL, "bad signature: bundle altered after signing");

  /* SIGN, then another section (META's header with an empty payload) */
  memcpy(big, buf, len);
  memcpy(big + len, "META\0\0\0\0", 8);
  rehash(big, len + 8);
  expect_refused(big, len + 8, NULL, "is not the last section");

  /* last, but 100 bytes long */
  memcpy(big, buf, len);
  big[end + 4] = 100;
  memset(big + len, 0, 4);
  rehash(big, len + 4);
  expect_refused(big, len + 4, NULL, "section SIGN at byte");
  expect_refused(big, len + 4, NULL, "has length 100, expected 96");
  free(big);
  free(buf);
}

/* ---- key files ---------------------------------------------------------- */

static void test_key_files(void **state)
{
  (void)state;
  char dir[] = "/tmp/test_sign.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char key[256], pub[256];
  snprintf(key, sizeof key, "%s/k", dir);
  snprintf(pub, sizeof pub, "%s/k.pub", dir);
  char err[512];
  if (pol_key_generate(key, err, sizeof err) != 0) fail_msg("keygen: %s", err);
  struct stat st;
  assert_int_equal(stat(key, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_size, 2 * POL_SECKEY_LEN + 1);
  assert_int_equal(stat(pub, &st), 0);
  assert_int_equal(st.st_size, 2 * POL_PUBKEY_LEN + 1);

  /* never overwritten */
  FILE *f = fopen(key, "rb");
  char before[256] = "";
  assert_non_null(fgets(before, sizeof before, f));
  fclose(f);
  assert_int_equal(pol_key_generate(key, err, sizeof err), -1);
  assert_non_null(strstr(err, "already exists"));
  f = fopen(key, "rb");
  char after[256] = "";
  assert_non_null(fgets(after, sizeof after, f));
  fclose(f);
  assert_string_equal(before, after);
  char key2[256];
  snprintf(key2, sizeof key2, "%s/k2", dir);
  f = fopen(key2, "w");           /* only k2.pub missing: still refused */
  fclose(f);
  assert_int_equal(pol_key_generate(key2, err, sizeof err), -1);
  snprintf(pub, sizeof pub, "%s/k2.pub", dir);
  assert_int_equal(stat(pub, &st), -1);
  unlink(key2);
  snprintf(pub, sizeof pub, "%s/k.pub", dir);

  /* the pair works: sign with one, trust the other */
  uint8_t sk[POL_SECKEY_LEN], pk[POL_PUBKEY_LEN];
  if (pol_key_read_secret(key, sk, err, sizeof err) != 0) fail_msg("%s", err);
  if (pol_key_read_public(pub, pk, err, sizeof err) != 0) fail_msg("%s", err);
  size_t len;
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  pol_program_free(load_ok(buf, len, pk));
  free(buf);

  /* damaged files */
  char bad[256];
  snprintf(bad, sizeof bad, "%s/bad", dir);
  static const char *const texts[] = {
    "", "zz\n", "0123\n",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00\n",   /* 33 bytes */
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX\n",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef junk\n",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    f = fopen(bad, "w");
    fputs(texts[i], f);
    fclose(f);
    if (pol_key_read_public(bad, pk, err, sizeof err) == 0) fail_msg("accepted \"%s\"", texts[i]);
    assert_non_null(strstr(err, "not an Ed25519 public key"));
  }
  f = fopen(bad, "w");            /* trailing whitespace is fine */
  fputs("0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF \r\n\n", f);
  fclose(f);
  assert_int_equal(pol_key_read_public(bad, pk, err, sizeof err), 0);
  assert_int_equal(pk[31], 0xef);
  assert_int_equal(pol_key_read_secret(pub, sk, err, sizeof err), -1);   /* wrong kind */
  /* a secret key whose public half does not match its seed */
  f = fopen(key, "rb");
  char text[256] = "";
  assert_non_null(fgets(text, sizeof text, f));
  fclose(f);
  text[127] = text[127] == '0' ? '1' : '0';
  f = fopen(bad, "w");
  fputs(text, f);
  fclose(f);
  assert_int_equal(pol_key_read_secret(bad, sk, err, sizeof err), -1);
  assert_non_null(strstr(err, "damaged secret key"));
  assert_int_equal(pol_key_read_public("/nonexistent/k.pub", pk, err, sizeof err), -1);
  assert_non_null(strstr(err, "/nonexistent/k.pub: "));

  unlink(bad);
  unlink(key);
  unlink(pub);
  rmdir(dir);
}

/* ---- traces ------------------------------------------------------------- */

/* The JSON trace of a case with a = true over the bundle buf. */
static char *trace_of(const uint8_t *buf, size_t len)
{
  pol_Program *p = load_ok(buf, len, NULL);
  pol_VM *vm = pol_vm_new(p);
  pol_Case *c = pol_case_new(p);
  assert_true(vm && c);
  json_error_t je;
  json_t *root = json_loads("{\"case_id\": \"t\", \"a\": true, \"request\": {\"date\": \"2025-06-01\", "
                            "\"procedures\": [{\"line\": 1, \"cpt\": \"X1\"}]}}", 0, &je);
  assert_non_null(root);
  char err[512];
  if (pol_case_load(c, root, err, sizeof err) != 0) fail_msg("case: %s", err);
  const pol_LineResult *lines;
  assert_int_equal(pol_vm_eval(vm, c, &lines, err, sizeof err), 0);
  pol_TraceMeta meta = {"00"};
  pol_Buf b = {0};
  pol_trace_json(&b, vm, c, lines, &meta, POL_TRACE_PRETTY | POL_TRACE_CRITERIA);
  char *s = strndup(b.s, b.n);
  assert_non_null(s);
  pol_buf_free(&b);
  json_decref(root);
  pol_case_free(c);
  pol_vm_free(vm);
  pol_program_free(p);
  return s;
}

static void test_trace_signed_by(void **state)
{
  (void)state;
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  keypair(pk, sk, 1);
  size_t ulen, len;
  uint8_t *unsig = compile(src_a, &ulen);
  uint8_t *buf = signed_bundle(src_a, sk, &len);
  char *u = trace_of(unsig, ulen), *s = trace_of(buf, len);
  assert_null(strstr(u, "signed_by"));
  char field[128], hex[65];
  sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
  snprintf(field, sizeof field, ", \"signed_by\": \"%s\"}", hex);
  char *at = strstr(s, field);
  if (!at) fail_msg("no %s in\n%s", field, s);
  /* without the field, byte for byte the unsigned trace */
  memmove(at, at + strlen(field) - 1, strlen(at + strlen(field) - 1) + 1);
  assert_string_equal(s, u);
  free(u);
  free(s);
  free(unsig);
  free(buf);
}

int main(void)
{
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_content_bit_flip),
    cmocka_unit_test(test_signature_bit_flip),
    cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_signature_of_other_content),
    cmocka_unit_test(test_trust_refusals),
    cmocka_unit_test(test_newer_major),
    cmocka_unit_test(test_sign_placement),
    cmocka_unit_test(test_key_files),
    cmocka_unit_test(test_trace_signed_by),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
