/*
 * fhir_tape_scalar.h -- vm/fhir_tape.c's portable path (the one other
 * architectures build), compiled beside the SSE2 one of the library into
 * $(B)/tests/fhir_tape_scalar.o (POL_FHIR_TAPE_SCALAR defined, the names
 * below; see the Makefile): the same functions as fhir_tape.h's under
 * other names.  test_fhir_tape and fuzz_fhir check it as they check the
 * library's.
 */
#ifndef POL_TESTS_FHIR_TAPE_SCALAR_H
#define POL_TESTS_FHIR_TAPE_SCALAR_H

#include "fhir_tape.h"

pol_FhirTape *scalar_tape_new(void);
void scalar_tape_free(pol_FhirTape *s);
int scalar_tape(pol_FhirTape *s, const char *text, size_t len, const pol_JTape **tape, size_t *n);
const uint32_t *scalar_tape_next(const pol_FhirTape *s);

#endif
