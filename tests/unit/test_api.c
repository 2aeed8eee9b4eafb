/*
 * test_api.c -- the public API (vm/polvm.h, docs/embedding.md): every
 * function, with its error paths (bad bundle bytes, refused signatures,
 * bad JSON with line:column, case errors with their path, the budget,
 * externs that do not bind, stale results, a failing writer).
 *
 * Bundles are compiled from a small policy with every kind of result: a
 * composite criterion, an exclusion, a `for each` and an `assess` block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "compile.h"
#include "polvm.h"
#include "trace.h"

static const char policy[] =
  "policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
  "record Inj { steroid: bool }\n"
  "fact a: bool = a\nfact n: number = n\nfact tags: list<string> = tags\n"
  "fact inj: list<Inj> = inj\nfact setting: string = setting\n"
  "branch \"B\" \"the branch\" when true {\n"
  "  criterion \"C1\" \"n at least 5\" { n >= 5 }\n"
  "  criterion \"C2\" \"both\" all of {\n"
  "    criterion \"C2.a\" \"a holds\" { a }\n"
  "    criterion \"C2.b\" \"n small\" { n < 100 }\n"
  "  }\n"
  "  exclusion \"X\" \"bad tag\" { \"bad\" in tags }\n"
  "  for each i in inj {\n"
  "    criterion \"E\" \"steroid\" { i.steroid }\n"
  "  }\n"
  "}\n"
  "assess \"loc\" \"Level of care\" when known(setting) {\n"
  "  criterion \"L1\" \"outpatient\" { setting == \"outpatient\" }\n"
  "}\n";

/* Criterion indices in policy order. */
enum { C1, C2, C2A, C2B, X, E, L1, NCRIT };

#define REQ "\"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 4, \"cpt\": \"X1\"}, {\"line\": 9, \"cpt\": \"Z9\"}]}"
static const char good_case[] =
  "{\"case_id\": \"c1\", " REQ ", \"n\": 7, \"a\": true, \"tags\": [],"
  " \"inj\": [{\"steroid\": true}, {\"steroid\": false}], \"setting\": \"inpatient\"}";

/* src compiled into a bundle; *len bytes, owned by the caller. */
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

/* One program, VM and case over the test policy. */
typedef struct Fix {
  polvm_program *p;
  polvm_vm *vm;
  polvm_case *c;
  polvm_error err;
} Fix;

static int fix_setup(void **state)
{
  Fix *f = calloc(1, sizeof *f);
  size_t len;
  uint8_t *b = compile(policy, &len);
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &f->p, &f->err), POLVM_OK);
  free(b);
  assert_int_equal(polvm_vm_new(f->p, &f->vm, &f->err), POLVM_OK);
  assert_int_equal(polvm_case_new(f->p, &f->c, &f->err), POLVM_OK);
  *state = f;
  return 0;
}

static int fix_teardown(void **state)
{
  Fix *f = *state;
  polvm_case_free(f->c);
  polvm_vm_free(f->vm);
  polvm_program_free(f->p);
  free(f);
  return 0;
}

static const polvm_result *judge(Fix *f, const char *json)
{
  if (polvm_case_load_json(f->c, json, strlen(json), &f->err) != POLVM_OK) fail_msg("case: %s", f->err.message);
  const polvm_result *r = NULL;
  if (polvm_eval(f->vm, f->c, &r, &f->err) != POLVM_OK) fail_msg("eval: %s", f->err.message);
  assert_non_null(r);
  return r;
}

/* ---- status, names, version --------------------------------------------- */

static void test_names(void **state)
{
  (void)state;
  assert_string_equal(polvm_version(), POLVM_VERSION_STRING);
  /* every status has its own sentence */
  for (int s = POLVM_OK; s <= POLVM_ERR_WRITE; s++)
    for (int t = POLVM_OK; t < s; t++)
      assert_string_not_equal(polvm_strerror((polvm_status)s), polvm_strerror((polvm_status)t));
  assert_string_equal(polvm_strerror((polvm_status)99), "unknown status");
  assert_string_equal(polvm_det_name(POLVM_APPROVE), "approve");
  assert_string_equal(polvm_det_name(POLVM_NO_POLICY), "no_policy");
  assert_string_equal(polvm_det_name(POLVM_REFER), pol_det_name(PD_REFER));
  assert_string_equal(polvm_det_name((polvm_det)99), "?");
  assert_string_equal(polvm_crit_state_name(POLVM_NOT_MET), "not_met");
  assert_string_equal(polvm_crit_state_name(POLVM_NA), pol_status_name(PS_NA));
  assert_string_equal(polvm_crit_state_name((polvm_crit_state)99), "?");
}

/* ---- programs ------------------------------------------------------------ */

static void test_program_load(void **state)
{
  (void)state;
  size_t len;
  uint8_t *b = compile(policy, &len);
  polvm_program *p = NULL;
  polvm_error err;
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &p, &err), POLVM_OK);
  assert_int_equal(err.status, POLVM_OK);
  assert_string_equal(err.message, "");
  char hex[65], want[65];
  polvm_program_sha256(p, hex);
  pol_sha_hex(b + 16, want);   /* the header's content hash */
  assert_string_equal(hex, want);
  assert_int_equal(polvm_program_signer(p, NULL), 0);
  assert_string_equal(polvm_program_built(p), "2025-01-01T00:00:00Z");
  assert_int_equal(polvm_program_npolicies(p), 1);
  assert_string_equal(polvm_program_policy_id(p, 0), "P");
  assert_string_equal(polvm_program_policy_title(p, 0), "T");
  assert_string_equal(polvm_program_policy_version(p, 0), "1");
  assert_null(polvm_program_policy_id(p, 1));
  assert_null(polvm_program_policy_title(p, 1));
  assert_null(polvm_program_policy_version(p, 1));
  assert_int_equal(polvm_program_verify(p, &err), POLVM_OK);
  assert_int_equal(polvm_program_verify(p, NULL), POLVM_OK);
  polvm_program_free(p);

  /* NULL handles */
  polvm_program_free(NULL);
  polvm_program_sha256(NULL, hex);
  assert_string_equal(hex, "");
  assert_int_equal(polvm_program_signer(NULL, NULL), 0);
  assert_null(polvm_program_built(NULL));
  assert_int_equal(polvm_program_npolicies(NULL), 0);
  assert_null(polvm_program_policy_id(NULL, 0));
  assert_int_equal(polvm_program_verify(NULL, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_program_load(b, len, NULL, 0, NULL, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_program_load(NULL, 5, NULL, 0, &p, &err), POLVM_ERR_ARG);
  assert_null(p);
  assert_int_equal(polvm_program_load(b, len, NULL, 1, &p, &err), POLVM_ERR_ARG);
  free(b);
}

static void test_program_bad_bytes(void **state)
{
  (void)state;
  size_t len;
  uint8_t *b = compile(policy, &len);
  polvm_program *p = (polvm_program *)&p;   /* overwritten with NULL */
  polvm_error err;
  assert_int_equal(polvm_program_load("hello, world", 12, NULL, 0, &p, &err), POLVM_ERR_BUNDLE);
  assert_null(p);
  assert_int_equal(err.status, POLVM_ERR_BUNDLE);
  assert_string_equal(err.code, "B0001");
  assert_string_equal(err.message, "B0001 bundle refused: not a bundle: bad magic");
  assert_int_equal(err.line, 0);
  assert_string_equal(err.path, "");
  assert_int_equal(polvm_program_load(b, len - 1, NULL, 0, &p, &err), POLVM_ERR_BUNDLE);
  assert_string_equal(err.message, "B0001 bundle refused: content hash mismatch: bundle altered or corrupt");
  assert_int_equal(polvm_program_load(NULL, 0, NULL, 0, &p, &err), POLVM_ERR_BUNDLE);
  assert_non_null(strstr(err.message, "truncated bundle: 0 bytes"));
  /* err may be NULL */
  assert_int_equal(polvm_program_load(b, 10, NULL, 0, &p, NULL), POLVM_ERR_BUNDLE);
  free(b);
}

static void keypair(uint8_t pk[POL_PUBKEY_LEN], uint8_t sk[POL_SECKEY_LEN], unsigned char seed_byte)
{
  uint8_t seed[crypto_sign_SEEDBYTES];
  memset(seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
}

static void test_program_signatures(void **state)
{
  (void)state;
  assert_true(sodium_init() >= 0);
  uint8_t keys[2 * POLVM_PUBKEY_LEN], ska[POL_SECKEY_LEN], skb[POL_SECKEY_LEN];
  uint8_t *pkb = keys, *pka = keys + POLVM_PUBKEY_LEN;   /* keys: B then A */
  keypair(pka, ska, 1);
  keypair(pkb, skb, 2);
  size_t ulen, len;
  uint8_t *unsigned_b = compile(policy, &ulen);
  uint8_t *b = compile(policy, &len);
  assert_int_equal(pol_bundle_sign(&b, &len, ska), 0);
  polvm_program *p = NULL;
  polvm_error err;
  uint8_t signer[POLVM_PUBKEY_LEN];

  /* without keys: any signer */
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &p, &err), POLVM_OK);
  assert_int_equal(polvm_program_signer(p, signer), 1);
  assert_memory_equal(signer, pka, POLVM_PUBKEY_LEN);
  polvm_program_free(p);
  /* the signer's key, alone or among others */
  assert_int_equal(polvm_program_load(b, len, pka, 1, &p, &err), POLVM_OK);
  polvm_program_free(p);
  assert_int_equal(polvm_program_load(b, len, keys, 2, &p, &err), POLVM_OK);
  assert_int_equal(polvm_program_signer(p, signer), 1);
  polvm_program_free(p);
  /* refusals */
  assert_int_equal(polvm_program_load(b, len, pkb, 1, &p, &err), POLVM_ERR_SIGNATURE);
  assert_null(p);
  assert_string_equal(err.message, "B0001 bundle refused: bundle signed by an untrusted key");
  assert_int_equal(polvm_program_load(unsigned_b, ulen, keys, 2, &p, &err), POLVM_ERR_SIGNATURE);
  assert_string_equal(err.message, "B0001 bundle refused: bundle is not signed");
  b[len - 1] ^= 1;   /* the signature's last byte */
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &p, &err), POLVM_ERR_SIGNATURE);
  assert_string_equal(err.message, "B0001 bundle refused: bad signature: bundle altered after signing");
  assert_int_equal(polvm_program_load(b, len, keys, 2, &p, &err), POLVM_ERR_SIGNATURE);
  assert_string_equal(err.code, "B0001");
  free(b);
  free(unsigned_b);
}

static void test_program_files(void **state)
{
  (void)state;
  char dir[] = "/tmp/test_api_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256], key[256], pub[256];
  snprintf(path, sizeof path, "%s/b.polb", dir);
  snprintf(key, sizeof key, "%s/k", dir);
  snprintf(pub, sizeof pub, "%s/k.pub", dir);
  size_t len;
  uint8_t *b = compile(policy, &len);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, len, f), len);
  fclose(f);
  polvm_program *p = NULL;
  polvm_error err;
  assert_int_equal(polvm_program_load_file(path, NULL, 0, &p, &err), POLVM_OK);
  assert_string_equal(polvm_program_policy_id(p, 0), "P");
  polvm_program_free(p);
  p = NULL;
  assert_int_equal(polvm_program_load_file("b.polb-none", NULL, 0, &p, &err), POLVM_ERR_IO);
  assert_null(p);
  assert_string_equal(err.code, "B0002");
  assert_non_null(strstr(err.message, "B0002 cannot read the bundle: b.polb-none: No such file"));
  assert_int_equal(polvm_program_load_file(NULL, NULL, 0, &p, &err), POLVM_ERR_ARG);

  /* public keys of polc keygen */
  char why[256];
  assert_int_equal(pol_key_generate(key, why, sizeof why), 0);
  uint8_t pk[POLVM_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  assert_int_equal(polvm_key_read_public(pub, pk, &err), POLVM_OK);
  assert_int_equal(pol_key_read_secret(key, sk, why, sizeof why), 0);
  assert_int_equal(pol_bundle_sign(&b, &len, sk), 0);
  f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, len, f), len);
  fclose(f);
  assert_int_equal(polvm_program_load_file(path, pk, 1, &p, &err), POLVM_OK);
  polvm_program_free(p);
  assert_int_equal(polvm_key_read_public(key, pk, &err), POLVM_ERR_IO);   /* a secret key */
  assert_string_not_equal(err.message, "");
  assert_int_equal(polvm_key_read_public(NULL, pk, &err), POLVM_ERR_ARG);
  free(b);
  unlink(path);
  unlink(key);
  unlink(pub);
  rmdir(dir);
}

static void test_extern_unbound(void **state)
{
  (void)state;
  size_t len;
  uint8_t *b = compile("policy \"P\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
                       "extern \"libpolvm-test-none.so\" f(number): bool\n"
                       "branch \"B\" \"b\" when true {\n  criterion \"C\" \"c\" { f(1) }\n}\n",
                       &len);
  polvm_program *p = NULL;
  polvm_vm *vm = (polvm_vm *)&vm;
  polvm_error err;
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &p, &err), POLVM_OK);
  /* native code is off unless allowed */
  assert_int_equal(polvm_vm_new(p, &vm, &err), POLVM_ERR_EXTERN);
  assert_null(vm);
  assert_string_equal(err.code, "B0004");
  assert_non_null(strstr(err.message, "B0004 the bundle calls native code (extern f in libpolvm-test-none.so)"));
  /* allowed where the library is not: never the dynamic loader's search */
  assert_int_equal(polvm_program_allow_extern(p, "/nonexistent", &err), POLVM_OK);
  vm = (polvm_vm *)&vm;
  assert_int_equal(polvm_vm_new(p, &vm, &err), POLVM_ERR_EXTERN);
  assert_null(vm);
  assert_string_equal(err.code, "B0003");
  assert_non_null(strstr(err.message, "B0003 extern library libpolvm-test-none.so is not in an allowed place"));
  assert_int_equal(polvm_program_allow_extern(p, NULL, &err), POLVM_ERR_ARG);
  polvm_program_free(p);
  free(b);
}

/* ---- cases --------------------------------------------------------------- */

static void test_case_bad_json(void **state)
{
  Fix *f = *state;
  const char *text = "{\"case_id\": \"x\",\n  \"n\": 3,\n  oops\n}";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_JSON);
  assert_int_equal(f->err.status, POLVM_ERR_JSON);
  assert_string_equal(f->err.code, "C0001");
  assert_int_equal(f->err.line, 3);
  assert_true(f->err.column >= 3);
  assert_non_null(strstr(f->err.message, "C0001 invalid JSON: "));
  assert_null(polvm_case_id(f->c));
  /* empty, duplicate keys, too deep */
  assert_int_equal(polvm_case_load_json(f->c, "", 0, &f->err), POLVM_ERR_JSON);
  assert_int_equal(f->err.line, 1);
  text = "{\"case_id\": \"x\", \"case_id\": \"y\"}";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_JSON);
  assert_non_null(strstr(f->err.message, "duplicate object key"));
  char deep[200];
  memset(deep, '[', 100);
  memset(deep + 100, ']', 100);
  assert_int_equal(polvm_case_load_json(f->c, deep, sizeof deep, &f->err), POLVM_ERR_JSON);
  assert_string_equal(f->err.code, "C0003");
  assert_int_equal(f->err.line, 1);
  assert_int_equal(f->err.column, 65);
  assert_int_equal(polvm_case_load_json(NULL, "{}", 2, &f->err), POLVM_ERR_ARG);
  assert_int_equal(polvm_case_load_json(f->c, NULL, 2, &f->err), POLVM_ERR_ARG);
  /* a case that failed holds nothing to judge */
  const polvm_result *r = (const polvm_result *)f;
  assert_int_equal(polvm_eval(f->vm, f->c, &r, &f->err), POLVM_ERR_STATE);
  assert_null(r);
}

static void test_case_schema_errors(void **state)
{
  Fix *f = *state;
  const char *text = "{\"case_id\": \"x\", " REQ ", \"n\": \"seven\"}";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_CASE);
  assert_string_equal(f->err.code, "C0102");
  assert_string_equal(f->err.path, "n");
  assert_string_equal(f->err.message, "C0102 n: expected number, got string");
  assert_int_equal(f->err.line, 0);
  text = "{\"inj\": [{\"steroid\": 1}]}";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_CASE);
  assert_string_equal(f->err.code, "C0101");
  assert_string_equal(f->err.path, "case_id");
  text = "{\"case_id\": \"x\", " REQ ", \"inj\": [{\"steroid\": true}, {\"steroid\": 1}]}";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_CASE);
  assert_string_equal(f->err.path, "inj[1].steroid");
  text = "[]";
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), &f->err), POLVM_ERR_CASE);
  assert_string_equal(f->err.path, "case");
  assert_null(polvm_case_id(f->c));
  /* without err */
  assert_int_equal(polvm_case_load_json(f->c, text, strlen(text), NULL), POLVM_ERR_CASE);
  /* and a good one afterwards */
  assert_int_equal(polvm_case_load_json(f->c, good_case, strlen(good_case), &f->err), POLVM_OK);
  assert_string_equal(polvm_case_id(f->c), "c1");
  assert_int_equal(f->err.status, POLVM_OK);
}

static void test_handles(void **state)
{
  Fix *f = *state;
  polvm_error err;
  polvm_vm *vm = NULL;
  polvm_case *c = NULL;
  assert_int_equal(polvm_vm_new(NULL, &vm, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_vm_new(f->p, NULL, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_case_new(NULL, &c, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_case_new(f->p, NULL, &err), POLVM_ERR_ARG);
  polvm_vm_free(NULL);
  polvm_case_free(NULL);
  polvm_vm_set_trace(NULL, 1);
  polvm_vm_set_budget(NULL, 1);
  assert_null(polvm_case_id(NULL));
  const polvm_result *r = NULL;
  assert_int_equal(polvm_eval(NULL, f->c, &r, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_eval(f->vm, NULL, &r, &err), POLVM_ERR_ARG);
  assert_int_equal(polvm_eval(f->vm, f->c, NULL, &err), POLVM_ERR_ARG);

  /* a VM and a case of different programs */
  size_t len;
  uint8_t *b = compile(policy, &len);
  polvm_program *other = NULL;
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &other, &err), POLVM_OK);
  assert_int_equal(polvm_case_new(other, &c, &err), POLVM_OK);
  assert_int_equal(polvm_case_load_json(c, good_case, strlen(good_case), &err), POLVM_OK);
  assert_int_equal(polvm_eval(f->vm, c, &r, &err), POLVM_ERR_ARG);
  assert_non_null(strstr(err.message, "different programs"));
  polvm_case_free(c);
  polvm_program_free(other);
  free(b);
}

/* ---- results ------------------------------------------------------------- */

static void test_walk(void **state)
{
  Fix *f = *state;
  const polvm_result *r = judge(f, good_case);
  char buf[64];
  assert_string_equal(polvm_result_case_id(r), "c1");
  assert_int_equal(polvm_result_nlines(r), 2);

  /* line 0: code X1, policy P, branch B */
  assert_int_equal(polvm_line_number(r, 0), 4);
  assert_string_equal(polvm_line_cpt(r, 0), "X1");
  assert_int_equal(polvm_line_determination(r, 0), POLVM_PARTIAL);
  assert_string_equal(polvm_line_policy_id(r, 0), "P");
  assert_string_equal(polvm_line_policy_title(r, 0), "T");
  assert_string_equal(polvm_line_policy_version(r, 0), "1");
  assert_string_equal(polvm_line_branch(r, 0), "B");
  assert_int_equal(polvm_line_ncriteria(r, 0), NCRIT);
  static const char *const ids[NCRIT] = {"C1", "C2", "C2.a", "C2.b", "X", "E", "L1"};
  for (uint32_t j = 0; j < NCRIT; j++) assert_string_equal(polvm_crit_id(r, 0, j), ids[j]);
  assert_string_equal(polvm_crit_text(r, 0, C1), "n at least 5");
  assert_int_equal(polvm_crit_parent(r, 0, C2A), C2);
  assert_int_equal(polvm_crit_parent(r, 0, C1), POLVM_NONE);
  assert_int_equal(polvm_crit_is_exclusion(r, 0, X), 1);
  assert_int_equal(polvm_crit_is_exclusion(r, 0, C1), 0);

  /* line-level results: every criterion met, the exclusion does not apply */
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, C1), POLVM_MET);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, C2), POLVM_MET);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, X), POLVM_NOT_MET);
  assert_int_equal(polvm_crit_fails(r, 0, POLVM_LINE_LEVEL, C1), 0);
  assert_int_equal(polvm_crit_fails(r, 0, POLVM_LINE_LEVEL, C2), 0);
  assert_int_equal(polvm_crit_fails(r, 0, POLVM_LINE_LEVEL, X), 0);
  assert_int_equal(polvm_line_level_determination(r, 0), POLVM_APPROVE);
  assert_int_equal(polvm_crit_nevidence(r, 0, POLVM_LINE_LEVEL, C1), 1);
  assert_string_equal(polvm_evidence_fact(r, 0, POLVM_LINE_LEVEL, C1, 0), "n");
  assert_non_null(polvm_evidence_expected(r, 0, POLVM_LINE_LEVEL, C1, 0));
  assert_int_equal(polvm_evidence_value(r, 0, POLVM_LINE_LEVEL, C1, 0, buf, sizeof buf), 1);
  assert_string_equal(buf, "7");
  /* snprintf-style: the length is the whole text's */
  assert_int_equal(polvm_evidence_value(r, 0, POLVM_LINE_LEVEL, C1, 0, NULL, 0), 1);
  assert_int_equal(polvm_crit_nevidence(r, 0, POLVM_LINE_LEVEL, C2), 0);   /* composite */
  assert_null(polvm_evidence_fact(r, 0, POLVM_LINE_LEVEL, C1, 1));
  assert_null(polvm_evidence_expected(r, 0, POLVM_LINE_LEVEL, C1, 1));
  assert_int_equal(polvm_evidence_value(r, 0, POLVM_LINE_LEVEL, C1, 1, buf, sizeof buf), 0);
  assert_string_equal(buf, "");
  assert_int_equal(polvm_crit_nmissing(r, 0, POLVM_LINE_LEVEL, C1), 0);

  /* items: steroid true, then false */
  assert_int_equal(polvm_line_has_items(r, 0), 1);
  assert_int_equal(polvm_line_items_known(r, 0), 1);
  assert_int_equal(polvm_line_nitems(r, 0), 2);
  assert_int_equal(polvm_item_determination(r, 0, 0), POLVM_APPROVE);
  assert_int_equal(polvm_item_determination(r, 0, 1), POLVM_DENY);
  assert_int_equal(polvm_item_determination(r, 0, 2), POLVM_NO_POLICY);
  assert_int_equal(polvm_crit_status(r, 0, 0, E), POLVM_MET);
  assert_int_equal(polvm_crit_status(r, 0, 1, E), POLVM_NOT_MET);
  assert_int_equal(polvm_crit_fails(r, 0, 1, E), 1);
  assert_int_equal(polvm_crit_status(r, 0, 2, E), POLVM_NA);
  size_t n = polvm_item_value(r, 0, 0, buf, sizeof buf);
  assert_int_equal(n, strlen(buf));
  assert_true(n > 0);
  assert_int_equal(polvm_item_value(r, 0, 2, buf, sizeof buf), 0);

  /* the assessment: setting inpatient */
  assert_int_equal(polvm_line_nassessments(r, 0), 1);
  assert_string_equal(polvm_assessment_aspect(r, 0, 0), "loc");
  assert_string_equal(polvm_assessment_text(r, 0, 0), "Level of care");
  assert_int_equal(polvm_assessment_determination(r, 0, 0), POLVM_DENY);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, L1), POLVM_NOT_MET);
  assert_null(polvm_assessment_aspect(r, 0, 1));
  assert_null(polvm_assessment_text(r, 0, 1));
  assert_int_equal(polvm_assessment_determination(r, 0, 1), POLVM_NO_POLICY);

  /* line 1: no policy covers Z9 */
  assert_int_equal(polvm_line_number(r, 1), 9);
  assert_int_equal(polvm_line_determination(r, 1), POLVM_NO_POLICY);
  assert_null(polvm_line_policy_id(r, 1));
  assert_null(polvm_line_policy_title(r, 1));
  assert_null(polvm_line_policy_version(r, 1));
  assert_null(polvm_line_branch(r, 1));
  assert_int_equal(polvm_line_ncriteria(r, 1), 0);
  assert_null(polvm_crit_id(r, 1, 0));
  assert_null(polvm_crit_text(r, 1, 0));
  assert_int_equal(polvm_crit_parent(r, 1, 0), POLVM_NONE);
  assert_int_equal(polvm_crit_status(r, 1, POLVM_LINE_LEVEL, 0), POLVM_NA);
  assert_int_equal(polvm_line_has_items(r, 1), 0);
  assert_int_equal(polvm_line_nitems(r, 1), 0);
  assert_int_equal(polvm_line_nassessments(r, 1), 0);

  /* out of range */
  assert_int_equal(polvm_line_number(r, 2), 0);
  assert_null(polvm_line_cpt(r, 2));
  assert_int_equal(polvm_line_determination(r, 2), POLVM_NO_POLICY);
  assert_int_equal(polvm_line_level_determination(r, 2), POLVM_NO_POLICY);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, NCRIT), POLVM_NA);
  assert_int_equal(polvm_crit_fails(r, 0, 5, E), 0);
  assert_int_equal(polvm_crit_nevidence(r, 0, 9, C1), 0);
  assert_int_equal(polvm_result_nlines(NULL), 0);
  assert_null(polvm_result_case_id(NULL));

  /* n = 3 fails C1; a bad tag makes the exclusion apply */
  r = judge(f, "{\"case_id\": \"c4\", " REQ ", \"n\": 3, \"a\": true, \"tags\": [\"bad\"], \"inj\": []}");
  assert_int_equal(polvm_line_determination(r, 0), POLVM_DENY);
  assert_int_equal(polvm_crit_fails(r, 0, POLVM_LINE_LEVEL, C1), 1);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, X), POLVM_MET);
  assert_int_equal(polvm_crit_fails(r, 0, POLVM_LINE_LEVEL, X), 1);
  assert_int_equal(polvm_line_nitems(r, 0), 0);
  assert_int_equal(polvm_line_items_known(r, 0), 1);
}

static void test_missing_and_unknown_items(void **state)
{
  Fix *f = *state;
  const char *text = "{\"case_id\": \"c2\", " REQ ", \"n\": 7, \"tags\": [], \"inj\": [{\"steroid\": null}]}";
  const polvm_result *r = judge(f, text);
  char buf[64];
  assert_int_equal(polvm_line_determination(r, 0), POLVM_PEND);
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, C2A), POLVM_UNKNOWN);
  assert_int_equal(polvm_crit_nmissing(r, 0, POLVM_LINE_LEVEL, C2A), 1);
  assert_int_equal(polvm_missing_fact(r, 0, POLVM_LINE_LEVEL, C2A, 0, buf, sizeof buf), 1);
  assert_string_equal(buf, "a");
  assert_int_equal(polvm_missing_fact(r, 0, POLVM_LINE_LEVEL, C2A, 1, buf, sizeof buf), 0);
  assert_int_equal(polvm_missing_fact(r, 0, POLVM_LINE_LEVEL, C2A, UINT32_MAX, buf, sizeof buf), 0);
  assert_int_equal(polvm_crit_nmissing(r, 0, POLVM_LINE_LEVEL, C2), 0);   /* composite */
  char small[4];
  assert_int_equal(polvm_evidence_value(r, 0, POLVM_LINE_LEVEL, C2A, 0, small, sizeof small), 7);
  assert_string_equal(small, "unk");   /* cut, NUL-terminated */
  /* the item's unknown field */
  assert_int_equal(polvm_crit_status(r, 0, 0, E), POLVM_UNKNOWN);
  assert_int_equal(polvm_crit_nmissing(r, 0, 0, E), 1);
  polvm_missing_fact(r, 0, 0, E, 0, buf, sizeof buf);
  assert_string_equal(buf, "inj[].steroid");
  assert_int_equal(polvm_line_nassessments(r, 0), 0);   /* setting unknown */

  /* the list of items unknown */
  text = "{\"case_id\": \"c3\", " REQ ", \"n\": 7, \"a\": true, \"tags\": []}";
  r = judge(f, text);
  assert_int_equal(polvm_line_has_items(r, 0), 1);
  assert_int_equal(polvm_line_items_known(r, 0), 0);
  assert_int_equal(polvm_line_nitems(r, 0), 0);
  assert_int_equal(polvm_crit_status(r, 0, 0, E), POLVM_NA);

  /* tracing off: no evidence, same determinations */
  polvm_vm_set_trace(f->vm, 0);
  r = judge(f, good_case);
  assert_int_equal(polvm_line_determination(r, 0), POLVM_PARTIAL);
  assert_int_equal(polvm_crit_nevidence(r, 0, POLVM_LINE_LEVEL, C1), 0);
  polvm_vm_set_trace(f->vm, 1);
  r = judge(f, good_case);
  assert_int_equal(polvm_crit_nevidence(r, 0, POLVM_LINE_LEVEL, C1), 1);
}

static void test_budget(void **state)
{
  Fix *f = *state;
  assert_int_equal(polvm_case_load_json(f->c, good_case, strlen(good_case), &f->err), POLVM_OK);
  polvm_vm_set_budget(f->vm, 1);
  const polvm_result *r = NULL;
  assert_int_equal(polvm_eval(f->vm, f->c, &r, &f->err), POLVM_ERR_EVAL);
  assert_null(r);
  assert_string_equal(f->err.code, "C0201");
  assert_non_null(strstr(f->err.message, "C0201 evaluation exceeded"));
  polvm_vm_set_budget(f->vm, 0);   /* the default */
  assert_int_equal(polvm_eval(f->vm, f->c, &r, &f->err), POLVM_OK);
  assert_int_equal(polvm_line_determination(r, 0), POLVM_PARTIAL);
}

/* ---- rendering ----------------------------------------------------------- */

typedef struct Sink {
  char *s;
  size_t n;
  int calls;
} Sink;

static int sink_write(void *ctx, const char *data, size_t len)
{
  Sink *k = ctx;
  k->s = realloc(k->s, k->n + len + 1);
  memcpy(k->s + k->n, data, len);
  k->n += len;
  k->s[k->n] = '\0';
  k->calls++;
  return 0;
}

static int failing_write(void *ctx, const char *data, size_t len)
{
  (void)ctx; (void)data; (void)len;
  return -1;
}

static void test_render(void **state)
{
  Fix *f = *state;
  const polvm_result *r = judge(f, good_case);
  Sink k = {0};
  assert_int_equal(polvm_render_json(r, POLVM_JSON_PRETTY | POLVM_JSON_CRITERIA, sink_write, &k), POLVM_OK);
  assert_int_equal(k.calls, 1);
  json_error_t je;
  json_t *t = json_loadb(k.s, k.n, 0, &je);
  assert_non_null(t);
  assert_string_equal(json_string_value(json_object_get(t, "case_id")), "c1");
  /* the case's hash, as polvm trace records it */
  uint8_t h[32];
  char hex[65];
  crypto_hash_sha256(h, (const unsigned char *)good_case, strlen(good_case));
  pol_sha_hex(h, hex);
  assert_string_equal(json_string_value(json_object_get(t, "case_sha256")), hex);
  json_t *d = json_array_get(json_object_get(t, "determinations"), 0);
  assert_string_equal(json_string_value(json_object_get(d, "determination")), "partial");
  /* the branch's own: E is listed per item, L1 under the assessment */
  assert_int_equal(json_array_size(json_object_get(d, "criteria")), NCRIT - 2);
  json_decref(t);

  /* compact: one line, no case hash (polvm eval) */
  free(k.s);
  memset(&k, 0, sizeof k);
  assert_int_equal(polvm_render_json(r, POLVM_JSON_COMPACT, sink_write, &k), POLVM_OK);
  assert_null(strchr(k.s, '\n'));
  t = json_loadb(k.s, k.n, 0, &je);
  assert_non_null(t);
  assert_null(json_object_get(t, "case_sha256"));
  assert_null(json_object_get(json_array_get(json_object_get(t, "determinations"), 0), "criteria"));
  json_decref(t);

  free(k.s);
  memset(&k, 0, sizeof k);
  assert_int_equal(polvm_render_text(r, sink_write, &k), POLVM_OK);
  assert_non_null(strstr(k.s, "Case c1\n"));
  assert_non_null(strstr(k.s, "== Line 4  CPT X1  ->  PARTIAL =="));
  free(k.s);

  assert_int_equal(polvm_render_json(r, 0, failing_write, NULL), POLVM_ERR_WRITE);
  assert_int_equal(polvm_render_text(r, failing_write, NULL), POLVM_ERR_WRITE);
  assert_int_equal(polvm_render_json(r, 0, NULL, NULL), POLVM_ERR_ARG);
  assert_int_equal(polvm_render_text(NULL, sink_write, &k), POLVM_ERR_ARG);
}

/* The FHIR ClaimResponse (docs/fhir.md): a partial line is A2, the
   response is complete, created is the date given; the Bundle wraps it. */
static void test_render_fhir(void **state)
{
  Fix *f = *state;
  const polvm_result *r = judge(f, good_case);
  Sink k = {0};
  assert_int_equal(polvm_render_fhir(r, 0, "2025-03-04", sink_write, &k), POLVM_OK);
  assert_int_equal(k.calls, 1);
  json_error_t je;
  json_t *t = json_loadb(k.s, k.n, 0, &je);
  assert_non_null(t);
  assert_string_equal(json_string_value(json_object_get(t, "resourceType")), "ClaimResponse");
  assert_string_equal(json_string_value(json_object_get(t, "created")), "2025-03-04");
  assert_string_equal(json_string_value(json_object_get(t, "use")), "preauthorization");
  assert_non_null(strstr(k.s, "\"code\": \"A2\""));
  json_decref(t);
  free(k.s);
  memset(&k, 0, sizeof k);
  assert_int_equal(polvm_render_fhir(r, POLVM_FHIR_BUNDLE, NULL, sink_write, &k), POLVM_OK);
  t = json_loadb(k.s, k.n, 0, &je);
  assert_non_null(t);
  assert_string_equal(json_string_value(json_object_get(t, "resourceType")), "Bundle");
  json_decref(t);
  free(k.s);
  assert_int_equal(polvm_render_fhir(r, 0, NULL, failing_write, NULL), POLVM_ERR_WRITE);
  assert_int_equal(polvm_render_fhir(NULL, 0, NULL, sink_write, &k), POLVM_ERR_ARG);
}

/* Results outlived by a new load of their case, or a failed judgement. */
/* Plans whose denials are recommendations: deny, loi and partial become
   refer, the recommendation kept (docs/language.md "Plans"). */
static void test_recommended(void **state)
{
  (void)state;
  static const char src[] =
    "policy \"R\" { title \"T\" version \"1\" effective 2025-01-01 codes \"X1\" }\n"
    "fact n: number = n\nfact lv: list<string> = lv\n"
    "plan \"ma\" { denials recommended }\nplan \"strict\" { denials final }\n"
    "branch \"B\" \"b\" when true {\n"
    "  criterion \"C1\" \"n at least 5\" { n >= 5 }\n"
    "  for each l in lv { criterion \"E\" \"level\" { l == \"ok\" } }\n"
    "}\n";
  Fix f = {0};
  size_t len;
  uint8_t *b = compile(src, &len);
  assert_int_equal(polvm_program_load(b, len, NULL, 0, &f.p, &f.err), POLVM_OK);
  free(b);
  assert_int_equal(polvm_vm_new(f.p, &f.vm, &f.err), POLVM_OK);
  assert_int_equal(polvm_case_new(f.p, &f.c, &f.err), POLVM_OK);
  static const struct { const char *plan, *facts; polvm_det det; int rec; polvm_det what; } t[] = {
    {"ma", "\"n\": 3, \"lv\": []", POLVM_REFER, 1, POLVM_DENY},
    {"ma", "\"n\": 7, \"lv\": [\"ok\", \"no\"]", POLVM_REFER, 1, POLVM_PARTIAL},
    {"ma", "\"lv\": []", POLVM_PEND, 0, POLVM_PEND},        /* a pend is not adverse */
    {"ma", "\"n\": 7, \"lv\": []", POLVM_APPROVE, 0, POLVM_APPROVE},
    {"strict", "\"n\": 3, \"lv\": []", POLVM_DENY, 0, POLVM_DENY},
    {"other", "\"n\": 3, \"lv\": []", POLVM_DENY, 0, POLVM_DENY},   /* the bundle's rule: final */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char json[512];
    snprintf(json, sizeof json, "{\"case_id\": \"r\", \"request\": {\"date\": \"2025-06-01\", \"plan\": \"%s\", "
             "\"procedures\": [{\"cpt\": \"X1\"}]}, %s}", t[i].plan, t[i].facts);
    const polvm_result *r = judge(&f, json);
    assert_int_equal(polvm_line_determination(r, 0), t[i].det);
    polvm_det what = POLVM_NO_POLICY;
    assert_int_equal(polvm_line_recommended(r, 0, &what), t[i].rec);
    if (t[i].rec) assert_int_equal(what, t[i].what);
  }
  polvm_case_free(f.c);
  polvm_vm_free(f.vm);
  polvm_program_free(f.p);
}

static void test_stale_results(void **state)
{
  Fix *f = *state;
  const polvm_result *r = judge(f, good_case);
  assert_int_equal(polvm_result_nlines(r), 2);
  const char *bad = "{";
  assert_int_equal(polvm_case_load_json(f->c, bad, 1, &f->err), POLVM_ERR_JSON);
  assert_int_equal(polvm_result_nlines(r), 0);
  assert_null(polvm_result_case_id(r));
  assert_null(polvm_line_policy_id(r, 0));
  assert_int_equal(polvm_crit_status(r, 0, POLVM_LINE_LEVEL, C1), POLVM_NA);
  Sink k = {0};
  assert_int_equal(polvm_render_json(r, 0, sink_write, &k), POLVM_ERR_STATE);
  assert_int_equal(polvm_render_text(r, sink_write, &k), POLVM_ERR_STATE);
  assert_int_equal(k.calls, 0);
  /* a load of another case also outdates them */
  r = judge(f, good_case);
  assert_int_equal(polvm_case_load_json(f->c, good_case, strlen(good_case), &f->err), POLVM_OK);
  assert_int_equal(polvm_result_nlines(r), 0);
  /* so does a judgement that fails */
  r = judge(f, good_case);
  polvm_vm_set_budget(f->vm, 1);
  const polvm_result *r2 = NULL;
  assert_int_equal(polvm_eval(f->vm, f->c, &r2, &f->err), POLVM_ERR_EVAL);
  assert_int_equal(polvm_result_nlines(r), 0);
  polvm_vm_set_budget(f->vm, 0);
}

/* ---- threading: one program, a VM and a case per thread ------------------- */

enum { NTHREADS = 4, ROUNDS = 25 };

typedef struct Worker {
  const polvm_program *p;   /* shared */
  const char *want;         /* the JSON trace every round must give */
  int bad;
} Worker;

static void *work(void *arg)
{
  Worker *w = arg;
  polvm_vm *vm = NULL;
  polvm_case *c = NULL;
  if (polvm_vm_new(w->p, &vm, NULL) != POLVM_OK || polvm_case_new(w->p, &c, NULL) != POLVM_OK) w->bad++;
  for (int k = 0; k < ROUNDS && !w->bad; k++) {
    const polvm_result *r = NULL;
    Sink got = {0};
    if (polvm_case_load_json(c, good_case, strlen(good_case), NULL) != POLVM_OK ||
        polvm_eval(vm, c, &r, NULL) != POLVM_OK ||
        polvm_render_json(r, POLVM_JSON_CRITERIA, sink_write, &got) != POLVM_OK ||
        strcmp(got.s, w->want) != 0)
      w->bad++;
    free(got.s);
  }
  polvm_case_free(c);
  polvm_vm_free(vm);
  return NULL;
}

static void test_threads(void **state)
{
  Fix *f = *state;
  const polvm_result *r = judge(f, good_case);
  Sink want = {0};
  assert_int_equal(polvm_render_json(r, POLVM_JSON_CRITERIA, sink_write, &want), POLVM_OK);
  pthread_t t[NTHREADS];
  Worker w[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    w[i] = (Worker){f->p, want.s, 0};
    assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[i].bad, 0);
  }
  free(want.s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_program_load),
    cmocka_unit_test(test_program_bad_bytes),
    cmocka_unit_test(test_program_signatures),
    cmocka_unit_test(test_program_files),
    cmocka_unit_test(test_extern_unbound),
    cmocka_unit_test_setup_teardown(test_case_bad_json, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_case_schema_errors, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_handles, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_walk, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_missing_and_unknown_items, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_budget, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_render, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_render_fhir, fix_setup, fix_teardown),
    cmocka_unit_test_setup_teardown(test_stale_results, fix_setup, fix_teardown),
    cmocka_unit_test(test_recommended),
    cmocka_unit_test_setup_teardown(test_threads, fix_setup, fix_teardown),
  };
  return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
