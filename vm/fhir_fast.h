/*
 * fhir_fast.h -- the fast path for FHIR Bundles: a PAS request Bundle's
 * text into a pol_Case without a JSON document (docs/performance.md).
 *
 * It applies the program's `fhir` bindings as vm/fhir_in.c does, over the
 * tape of one validating scan (pol_fhir_tape, vm/fhir_tape.h), into the
 * case document fhir_in.c's would be, and fills the case's slots from it
 * as the schema-directed reader (pol_jread_load) fills them from that
 * document's text.  It has no messages of its
 * own: whenever the reference (pol_case_parse, pol_case_load through
 * fhir_in.c) would give an error or a note, or the input is unusual
 * (escaped keys or compared strings, huge objects), it refuses, and the
 * caller runs the reference path, which reports.  When it accepts, the
 * case is the reference's and the reference has no notes for it
 * (tests/fuzz/fuzz_fhir.c checks both).
 *
 * Ownership: pol_fhir_fast_new borrows the program (it must outlive the
 * state); the state owns its scratch buffers, reused for every Bundle.
 */
#ifndef POL_FHIR_FAST_H
#define POL_FHIR_FAST_H

#include <stddef.h>

#include "bytecode.h"
#include "case.h"

typedef struct pol_FhirFast pol_FhirFast;
struct pol_JRead;

/* NULL when out of memory. */
pol_FhirFast *pol_fhir_fast_new(const pol_Program *p);
void pol_fhir_fast_free(pol_FhirFast *f);

/* Does text look like a FHIR resource ('{' and "resourceType" its first
   key)?  Cheap: decides only whether to try the fast path. */
int pol_fhir_fast_maybe(const char *text, size_t len);

/* 0: the Bundle in text (len bytes, borrowed during the call) is loaded
   into c, as pol_case_parse + pol_case_load would load it, with no notes.
   -1: refused (c is then the empty case of a failed load).  r is not used
   (the fast path has its own scanner and fills the slots itself). */
int pol_fhir_fast_load(pol_FhirFast *f, struct pol_JRead *r, pol_Case *c, const char *text, size_t len);

#endif
