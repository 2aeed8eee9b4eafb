/* sha256.c -- SHA-256 through nettle (sha256.h says why). */
#include "sha256.h"

#include <nettle/sha2.h>

_Static_assert(SHA256_DIGEST_SIZE == POL_SHA256_LEN, "SHA-256 is 32 bytes");

void pol_sha256(uint8_t out[POL_SHA256_LEN], const void *p, size_t n)
{
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, n, p);
  sha256_digest(&c, POL_SHA256_LEN, out);
}
