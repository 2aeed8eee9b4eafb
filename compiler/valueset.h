/*
 * valueset.h -- value sets at compile time: from the items of a
 * `valueset` declaration or of a policy's `codes` to a sorted table of
 * disjoint half-open ranges over normal forms (vm/codes.h), the table the
 * bundle carries (section VSET) and the VM searches.
 *
 * Ownership: a pol_VSetC and its strings live in the compile's arena.
 */
#ifndef POL_VALUESET_H
#define POL_VALUESET_H

#include "compile.h"

typedef struct pol_VSetC {
  uint32_t system;       /* pol_CodeSys */
  uint32_t n;            /* ranges */
  const char **lo, **hi; /* lo[i] <= code < hi[i]; sorted, disjoint, non-empty */
} pol_VSetC;

/* Compiles value set vs (N_VALUESET) once: vs->vset, NULL after errors
   (reported).  Names in it resolve in scope. */
const pol_VSetC *pol_vset_compile(pol_Compiler *c, pol_Scope *scope, pol_Node *vs);

/* The value set a name means in scope, or NULL. */
pol_Node *pol_vset_find(const pol_Scope *scope, const char *name);

/* A policy's `codes` (N_STR, N_VSITEM): *exact gets whether there are
   plain codes; returns the ranges of its families, ranges and value sets
   (system procedure), NULL if none or after errors.  *all, if not NULL,
   gets every code it covers, plain codes included (for E0326). */
const pol_VSetC *pol_codes_compile(pol_Compiler *c, pol_Scope *scope, pol_Node *codes,
                                   const pol_VSetC **all);

/* Do two compiled sets share a code? */
int pol_vset_meet(const pol_VSetC *a, const pol_VSetC *b);

/* Checks a string literal used as a code of sys (`"M05.79" in RA_DX`):
   E0251 if it is not one. */
void pol_code_literal_check(pol_Compiler *c, const pol_Node *lit, uint32_t sys);

#endif
