/*
 * fhir_tape.h -- the tape of a FHIR Bundle's text for vm/fhir_fast.c: the
 * same entries as pol_jread_tape (vm/jread.h, pol_JTape), by a scanner of
 * its own made for Bundles (long strings, many small objects): one loop
 * with an explicit stack instead of a call per value, the cursor in a
 * register, strings 16 bytes at a time (SSE2, else 8 with SWAR), and an
 * object's keys checked for duplicates when it closes (two compared
 * directly; more by a 64-bit filter, pairwise only where it says two keys
 * may be equal).
 *
 * It accepts exactly the texts pol_jread_tape accepts, with the same
 * entries (tests/fuzz/fuzz_fhir.c compares the two on every input).
 *
 * Ownership: the scanner owns its tape and scratch, reused for every text;
 * the text is borrowed during the call.
 */
#ifndef POL_FHIR_TAPE_H
#define POL_FHIR_TAPE_H

#include <stddef.h>

#include "jread.h"

typedef struct pol_FhirTape pol_FhirTape;

/* NULL when out of memory. */
pol_FhirTape *pol_fhir_tape_new(void);
void pol_fhir_tape_free(pol_FhirTape *s);

/* As pol_jread_tape: 0 with *tape (owned by s, valid until its next call)
   and *n entries, or -1. */
int pol_fhir_tape(pol_FhirTape *s, const char *text, size_t len, const pol_JTape **tape, size_t *n);

/* After pol_fhir_tape returned 0: next[j], for each of its *n entries
   that is a value (not an object's key: a key's entry is not written), is
   the entry after j and its descendants (a container's aux, else j + 1),
   so a reader steps over a member without looking at the text.  Owned by
   s, valid until its next call. */
const uint32_t *pol_fhir_tape_next(const pol_FhirTape *s);

#endif
