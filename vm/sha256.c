/* sha256.c -- SHA-256 of a bundle (sha256.h says why it is here). */
#include "sha256.h"

#include <string.h>

#include <sodium.h>

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>) && __has_include(<immintrin.h>)
#define POL_SHA_NI 1
#endif
#endif

_Static_assert(crypto_hash_sha256_BYTES == POL_SHA256_LEN, "SHA-256 is 32 bytes");

#ifdef POL_SHA_NI
#include <immintrin.h>
#include <sys/platform/x86.h>

/* FIPS 180-4, 4.2.2 */
static const uint32_t K[64] __attribute__((aligned(16))) = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The compression function over n 64-byte blocks with the SHA extensions
   (Intel's SHA-NI: SHA256RNDS2 does two rounds, SHA256MSG1/MSG2 the
   message schedule four words at a time). */
__attribute__((target("sha,ssse3,sse4.1"))) static void compress_ni(uint32_t st[8], const uint8_t *p,
                                                                     size_t n)
{
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xb1);   /* CDAB */
  __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1b);  /* EFGH */
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                          /* ABEF */
  s1 = _mm_blend_epi16(s1, t, 0xf0);                                               /* CDGH */
  for (; n; n--, p += 64) {
    __m128i a0 = s0, a1 = s1, w[4];
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {   /* rounds 4g .. 4g+3 */
      __m128i x;
      if (g < 4) {
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
      } else {   /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
        x = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
        x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
        x = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
      }
      w[g & 3] = x;
      __m128i m = _mm_add_epi32(x, _mm_load_si128((const __m128i *)&K[4 * g]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, m);
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
    }
    s0 = _mm_add_epi32(s0, a0);
    s1 = _mm_add_epi32(s1, a1);
  }
  t = _mm_shuffle_epi32(s0, 0x1b);    /* FEBA */
  s1 = _mm_shuffle_epi32(s1, 0xb1);   /* DCHG */
  _mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(t, s1, 0xf0));   /* DCBA */
  _mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(s1, t, 8));      /* HGFE */
}

/* The SHA extensions and what compress_ni's other instructions need, as
   the dynamic loader found them at start (no CPUID of our own: each traps
   to the hypervisor on a VM). */
static int have_sha_ni(void)
{
  return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1);
}

static void sha256_ni(uint8_t out[POL_SHA256_LEN], const uint8_t *p, size_t n)
{
  uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t full = n / 64;
  compress_ni(st, p, full);
  uint8_t last[128] = {0};   /* the rest, 0x80, zeros, the length in bits (big-endian) */
  size_t rest = n - 64 * full, nlast = rest < 56 ? 64 : 128;
  memcpy(last, p + 64 * full, rest);
  last[rest] = 0x80;
  uint64_t bits = (uint64_t)n * 8;
  for (int i = 0; i < 8; i++) last[nlast - 1 - i] = (uint8_t)(bits >> (8 * i));
  compress_ni(st, last, nlast / 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(st[i] >> 24);
    out[4 * i + 1] = (uint8_t)(st[i] >> 16);
    out[4 * i + 2] = (uint8_t)(st[i] >> 8);
    out[4 * i + 3] = (uint8_t)st[i];
  }
}
#endif

void pol_sha256(uint8_t out[POL_SHA256_LEN], const void *p, size_t n)
{
#ifdef POL_SHA_NI
  if (have_sha_ni()) {
    sha256_ni(out, p, n);
    return;
  }
#endif
  crypto_hash_sha256(out, p, n);   /* portable C; needs no sodium_init */
}

/* For the tests: 1 when pol_sha256 takes the SHA extensions here. */
int pol_sha256_uses_ni(void)
{
#ifdef POL_SHA_NI
  return have_sha_ni();
#else
  return 0;
#endif
}
