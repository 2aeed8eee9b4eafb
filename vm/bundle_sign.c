/*
 * bundle_sign.c -- signed bundles: appending the SIGN section
 * (docs/bundle-format.md, "Signature"), and the key files of `polc keygen`,
 * `polc --sign` and `polvm --trust` (docs/cli.md).  The loader checks
 * signatures (bundle_load.c).
 *
 * Ownership: key buffers are the caller's; secret key bytes this file
 * holds on its own (file text, a fresh key pair) are wiped before return.
 */
#include "bundle.h"
#include "output.h"
#include "sha256.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { HEADER_LEN = 48, HASH_AT = 16 };


static void put_u32(uint8_t *b, uint32_t v)
{
  for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
}

int pol_bundle_sign(uint8_t **buf, size_t *len, const uint8_t *sk)
{
  if (sodium_init() < 0 || !*buf || *len < HEADER_LEN) return -1;
  /* Unsigned and intact: the stored hash covers every byte after the
     header (a signed bundle's hash stops before its SIGN section). */
  uint8_t hash[32];
  pol_sha256(hash, *buf + HEADER_LEN, *len - HEADER_LEN);
  if (sodium_memcmp(hash, *buf + HASH_AT, sizeof hash) != 0) return -1;

  uint8_t sec[8 + POL_PUBKEY_LEN + POL_SIG_LEN];
  put_u32(sec, (uint32_t)'S' | (uint32_t)'I' << 8 | (uint32_t)'G' << 16 | (uint32_t)'N' << 24);
  put_u32(sec + 4, POL_PUBKEY_LEN + POL_SIG_LEN);
  if (crypto_sign_ed25519_sk_to_pk(sec + 8, sk) != 0) return -1;
  if (crypto_sign_detached(sec + 8 + POL_PUBKEY_LEN, NULL, hash, sizeof hash, sk) != 0) return -1;
  uint8_t *nb = realloc(*buf, *len + sizeof sec);
  if (!nb) return -1;
  memcpy(nb + *len, sec, sizeof sec);
  *buf = nb;
  *len += sizeof sec;
  return 0;
}

/* ---- key files --------------------------------------------------------- */

/* Writes hex of key[0..n) and a newline to a new file, complete or not at
   all (pol_write_file, POL_WRITE_NEW: an existing file or symlink is never
   overwritten), with exactly mode.  0, or -1 with errno and the reason in
   err. */
static int write_new(const char *path, mode_t mode, const uint8_t *key, size_t n, char *err,
                     size_t errlen)
{
  char hex[2 * POL_SECKEY_LEN + 2];
  sodium_bin2hex(hex, sizeof hex - 1, key, n);
  size_t hl = 2 * n;
  hex[hl++] = '\n';
  int rc = pol_write_file(path, hex, hl, mode, POL_WRITE_NEW, err, errlen);
  int e = errno;
  sodium_memzero(hex, sizeof hex);
  errno = e;
  return rc;
}

int pol_key_generate(const char *path, char *err, size_t errlen)
{
  if (sodium_init() < 0) { pol_errf(err, errlen, "libsodium failed to initialise"); return -1; }
  size_t n = strlen(path);
  char *pub = malloc(n + 5);
  if (!pub) { pol_errf(err, errlen, "out of memory"); return -1; }
  memcpy(pub, path, n);
  memcpy(pub + n, ".pub", 5);
  /* refuse before creating anything if either exists */
  struct stat st;
  const char *exists = lstat(path, &st) == 0 ? path : lstat(pub, &st) == 0 ? pub : NULL;
  if (exists) {
    pol_errf(err, errlen, "%s already exists: not overwriting a key", exists);
    free(pub);
    return -1;
  }
  uint8_t pk[POL_PUBKEY_LEN], sk[POL_SECKEY_LEN];
  crypto_sign_keypair(pk, sk);
  int rc = 0;
  char why[600];
  if (write_new(path, 0600, sk, sizeof sk, why, sizeof why) != 0) {
    pol_errf(err, errlen, "%s: %s%s", path, why, errno == EEXIST ? ": not overwriting a key" : "");
    rc = -1;
  } else if (write_new(pub, 0644, pk, sizeof pk, why, sizeof why) != 0) {
    pol_errf(err, errlen, "%s: %s%s", pub, why, errno == EEXIST ? ": not overwriting a key" : "");
    unlink(path);   /* no secret key without its public half */
    rc = -1;
  }
  sodium_memzero(sk, sizeof sk);
  free(pub);
  return rc;
}

/* Reads a key file: n bytes as 2n hex digits, then optional whitespace. */
static int read_key(const char *path, uint8_t *key, size_t n, const char *what, char *err,
                    size_t errlen)
{
  char text[4 * POL_SECKEY_LEN];
  FILE *f = fopen(path, "rb");
  if (!f) { pol_errf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
  size_t got = fread(text, 1, sizeof text - 1, f);
  int rerr = ferror(f);
  fclose(f);
  if (rerr) { pol_errf(err, errlen, "%s: read error", path); return -1; }
  text[got] = '\0';
  size_t used = 0;
  const char *end = NULL;
  int bad = got == sizeof text - 1 ||
            sodium_hex2bin(key, n, text, got, NULL, &used, &end) != 0 || used != n ||
            end != text + 2 * n;
  for (size_t i = 2 * n; !bad && i < got; i++)
    if (!strchr(" \t\r\n", text[i])) bad = 1;
  if (bad) sodium_memzero(key, n);
  sodium_memzero(text, sizeof text);
  if (bad) {
    pol_errf(err, errlen, "%s: not an Ed25519 %s key (%zu hex digits expected)", path, what, 2 * n);
    return -1;
  }
  return 0;
}

int pol_key_read_secret(const char *path, uint8_t *sk, char *err, size_t errlen)
{
  if (sodium_init() < 0) { pol_errf(err, errlen, "libsodium failed to initialise"); return -1; }
  if (read_key(path, sk, POL_SECKEY_LEN, "secret", err, errlen) != 0) return -1;
  /* libsodium's secret key is seed || public key: they must agree */
  uint8_t pk[POL_PUBKEY_LEN], sk2[POL_SECKEY_LEN];
  crypto_sign_seed_keypair(pk, sk2, sk);
  int ok = sodium_memcmp(sk2, sk, POL_SECKEY_LEN) == 0;
  sodium_memzero(sk2, sizeof sk2);
  if (!ok) {
    sodium_memzero(sk, POL_SECKEY_LEN);
    pol_errf(err, errlen, "%s: damaged secret key (its public half does not match)", path);
    return -1;
  }
  return 0;
}

int pol_key_read_public(const char *path, uint8_t *pk, char *err, size_t errlen)
{
  return read_key(path, pk, POL_PUBKEY_LEN, "public", err, errlen);
}
