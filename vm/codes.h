/*
 * codes.h -- code systems (ICD-10-CM, CPT, HCPCS, LOINC, RxNorm, NDC,
 * SNOMED CT) and value-set membership.
 *
 * Every code is compared in its system's normal form (pol_code_norm):
 * upper case, ICD-10-CM without its dot, NDC as 11 digits, numeric ids
 * zero-padded to a fixed width.  A value set is a sorted table of
 * half-open ranges [lo, hi) over normal forms (section VSET of the bundle,
 * docs/bundle-format.md): an exact code c is [c, c "!"), a family P is
 * [P, P "~"): normal forms use only 0-9, A-Z and '-', all between '!' and
 * '~'.  Membership is a binary search: O(log n) whatever the size.
 *
 * Ownership: every function borrows its arguments; reasons are static.
 */
#ifndef POL_CODES_H
#define POL_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "bytecode.h"

typedef enum {
#define CODESYS(N, spelling, title, families, example) POL_CS_##N,
#include "codesystems.def"
#undef CODESYS
  POL_CS__COUNT
} pol_CodeSys;

/* The longest normal form (SNOMED CT: 18 digits), and a buffer that holds
   one with a bound character and its NUL. */
#define POL_CODE_MAX 18
#define POL_CODE_BUF (POL_CODE_MAX + 2)

/* Bound characters: just after a code, and after every code with a prefix. */
#define POL_CODE_NEXT '!'
#define POL_CODE_AFTER '~'

/* The system spelled name ("icd10cm"), -1 if none. */
int pol_code_system_find(const char *name);
/* Its spelling, title, an example code (for messages), and whether
   families mean something in it; "?" / 0 out of range. */
const char *pol_code_system_name(uint32_t sys);
const char *pol_code_system_title(uint32_t sys);
const char *pol_code_system_example(uint32_t sys);
int pol_code_system_families(uint32_t sys);

/* Writes the normal form of the code s (n bytes) of system sys and a NUL
   into out (POL_CODE_BUF bytes).  0, or -1 when s is not a code of the
   system, with a reason in *why (static) when why is not NULL. */
int pol_code_norm(uint32_t sys, const char *s, size_t n, char *out, const char **why);

/* The same for the prefix of a family ("M05" of "M05.*"): the normal form
   of the beginning of a code.  -1 when no code of sys starts so. */
int pol_code_prefix_norm(uint32_t sys, const char *s, size_t n, char *out, const char **why);

/* The LOINC check digit (mod 10) of the digits s[0..n); -1 if one is not
   a digit. */
int pol_loinc_check_digit(const char *s, size_t n);

/* Is the normal form c in value set vs of p (verified)?  1 or 0. */
int pol_vset_has(const pol_Program *p, uint32_t vs, const char *c);

/* Membership of the string v in value set vs: true or false when v is a
   known string (a string that is not a code of the set's system is not in
   it), unknown when v is unknown. */
pol_Value pol_vset_member(const pol_Program *p, uint32_t vs, const pol_Value *v);

/* Routing by drug code (docs/language.md "Routing by drug code"): a
   policy's `codes` may name value sets of RxNorm or NDC codes.  Their
   ranges join the policy's routing ranges (section VSET, the policy's
   value set) as keys: the system's prefix ("rxnorm:", "ndc:") and the
   normal form.  A CPT/HCPCS normal form, and every bound of a range of
   them, starts with a digit or an upper-case letter, a key with a
   lower-case letter: no key of one kind falls in a range of the other. */
#define POL_ROUTE_KEY_BUF (POL_CODE_BUF + 8)
/* The key prefix of sys, NULL when sys does not route (not a drug code). */
const char *pol_route_prefix(uint32_t sys);
/* Writes the key of the code s of sys into out (POL_ROUTE_KEY_BUF bytes):
   0, or -1 when sys does not route or s is not a code of it. */
int pol_route_key(uint32_t sys, const char *s, char *out);

#endif
