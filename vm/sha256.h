/*
 * sha256.h -- SHA-256 of a bundle's content (vm/sha256.c).
 *
 * Nettle's SHA-256 rather than libsodium's: nettle picks the CPU's SHA
 * instructions (SHA-NI) at run time, libsodium's SHA-256 is portable C.
 * On a 128 KB bundle that is about 0.2 ms against 2 ms, most of what
 * `polvm trace` spent after start-up (docs/performance.md, "Start-up").
 * libsodium stays for the Ed25519 signatures.
 */
#ifndef POL_SHA256_H
#define POL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define POL_SHA256_LEN 32

/* out (caller's, POL_SHA256_LEN bytes) = SHA-256 of the n bytes at p */
void pol_sha256(uint8_t out[POL_SHA256_LEN], const void *p, size_t n);

#endif
