/*
 * sha256.h -- SHA-256 of a bundle's content (vm/sha256.c).
 *
 * With the CPU's SHA instructions (SHA-NI) where the dynamic loader found
 * them, else libsodium's portable C: on a 128 KB bundle about 0.05 ms
 * against 1 to 2 ms, most of what `polvm trace` spent after start-up
 * (docs/performance.md, "Start-up", and its fifth pass for why not
 * nettle's any more: its constructor probed the CPU at every start).
 * tests/unit/test_sha256.c checks both paths against FIPS 180-4's
 * examples and each other.
 */
#ifndef POL_SHA256_H
#define POL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define POL_SHA256_LEN 32

/* out (caller's, POL_SHA256_LEN bytes) = SHA-256 of the n bytes at p */
void pol_sha256(uint8_t out[POL_SHA256_LEN], const void *p, size_t n);

/* 1 when pol_sha256 uses the SHA instructions on this machine, else 0
   (the tests). */
int pol_sha256_uses_ni(void);

#endif
