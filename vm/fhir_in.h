/*
 * fhir_in.h -- reading a FHIR R4 Bundle (a Da Vinci PAS request) as a case.
 *
 * The bindings that say which resources and elements fill which case
 * paths are written in .pol (`fhir` declarations, stdlib/fhir.pol) and
 * compiled into the bundle's FHIR section (pol_FhirBind).  The reader
 * applies them to the Bundle and builds a case-format document, which
 * pol_case_load then loads exactly as it loads a case-format case: the
 * same slots, the same unknowns, the same evaluation.  docs/fhir.md.
 *
 * Ownership: the program and the Bundle are borrowed; the returned
 * document is owned by the caller (json_decref).
 */
#ifndef POL_FHIR_IN_H
#define POL_FHIR_IN_H

#include <jansson.h>

#include "bytecode.h"
#include "util.h"

/* Is root a FHIR Bundle (a JSON object whose resourceType is "Bundle")? */
int pol_fhir_is_bundle(const json_t *root);

/* Is a coding's system sys (sl bytes) the one code(element, want) asks
   for?  want is a URI (it has a colon): that URI; or the name of a code
   system of value sets ("procedure", "cpt", "rxnorm"...,
   vm/codesystems.def): one of its URIs (docs/fhir.md; "procedure": CPT's
   or HCPCS's).  Any other want: that text exactly (bundles before 2.5). */
int pol_fhir_system_is(const char *want, const char *sys, size_t sl);

/* Is rt a resource type the reader takes?  Is unit a UCUM unit that
   quantity(...) converts to? */
int pol_fhir_resource_known(const char *rt);
int pol_fhir_unit_known(const char *unit);
/* The dimension (1 length, 2 mass, 3 time; 4 and up: a unit converting only
   to itself) and the factor to that dimension's first unit, of a unit
   quantity(...) takes: 0, or -1 for another unit (vm/fhir_fast.c). */
int pol_fhir_unit_info(const char *unit, int *dim, double *factor);

/* Does the coding (system URI sys, sl bytes; code, cl bytes) belong to
   value set vs of p: a system of the set's code system (a `procedure` set
   takes CPT and HCPCS), and the code, normalised, in the set? */
int pol_fhir_vset_match(const pol_Program *p, uint32_t vs, const char *sys, size_t sl, const char *code,
                        size_t cl);

/* The type a case value at target (and record field, or NULL) must have:
   a fact's type, a field of its record type, or for request.procedures
   the line fact of that key; 0 when no fact reads it.  Shared by the two
   FHIR readers (fhir_in.c, fhir_fast.c). */
uint32_t pol_fhir_want_type(const pol_Program *p, const char *target, const char *field);

/* The case-format document the bindings of p make of bundle: a new
   reference, or NULL with "CODE path: message" in err (C0150-C0159,
   docs/errors.md).  Notes (ignored entries, excluded resources, codes
   without a system) are appended to notes, one per line, when it is not
   NULL. */
json_t *pol_fhir_to_case(const pol_Program *p, const json_t *bundle, pol_Buf *notes, char *err,
                         size_t errlen);

#endif
