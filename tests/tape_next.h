/*
 * tape_next.h -- the oracle for pol_fhir_tape_next (vm/fhir_tape.h),
 * written once for its two checkers: tests/unit/test_fhir_tape.c and
 * tests/fuzz/fuzz_fhir.c.
 *
 * For a text both scanners accepted, with tape b[0..n): next[i] of a value
 * or an array item is the end of the container it opens ('{' or '['),
 * else i + 1; a key's entry is not written (no reader asks for it), so it
 * is not checked.
 *
 * Ownership: nothing is allocated; the pointers are borrowed.
 */
#ifndef POL_TESTS_TAPE_NEXT_H
#define POL_TESTS_TAPE_NEXT_H

#include <stddef.h>
#include <stdint.h>

#include "jread.h"

/* Is tape entry i (of an accepted text) an object's key: a string whose
   closing quote is followed, after white space, by a colon. */
static inline int tape_is_key(const pol_JTape *b, size_t i, const char *text, size_t len)
{
  if (text[b[i].off] != '"') return 0;
  size_t k = b[i].off + 1 + (b[i].aux & ~POL_JTAPE_ESC) + 1;
  while (k < len && (text[k] == ' ' || text[k] == '\n' || text[k] == '\r' || text[k] == '\t')) k++;
  return k < len && text[k] == ':';
}

/* The first entry whose next[] is not what it should be, its expected
   value in *want; n when every entry checked is right. */
static inline size_t tape_next_wrong(const pol_JTape *b, const uint32_t *nx, size_t n, const char *text,
                                     size_t len, uint32_t *want)
{
  for (size_t i = 0; i < n; i++) {
    if (tape_is_key(b, i, text, len)) continue;
    unsigned char c = (unsigned char)text[b[i].off];
    *want = c == '{' || c == '[' ? b[i].aux : (uint32_t)i + 1;
    if (nx[i] != *want) return i;
  }
  return n;
}

#endif
