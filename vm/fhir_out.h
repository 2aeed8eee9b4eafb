/*
 * fhir_out.h -- the FHIR R4 output of a judged case (docs/fhir.md): a Da Vinci
 * PAS ClaimResponse, alone or in a PAS response Bundle.
 *
 * Built from the trace model (the JSON trace of vm/trace.c, reasons,
 * missing facts and authorization included), so the FHIR output says
 * exactly what the trace says.  Output goes to a growable buffer (pol_Buf,
 * owned by the caller); every string from the case or the program goes
 * through pol_buf_json_str.
 */
#ifndef POL_FHIR_OUT_H
#define POL_FHIR_OUT_H

#include "util.h"   /* pol_Buf */
#include "vm.h"

enum {
  POL_FHIR_BUNDLE = 1 << 0   /* wrap the ClaimResponse in a PAS response Bundle */
};

/* What the output records about the run.  Borrowed strings, any may be
   NULL. */
typedef struct pol_FhirMeta {
  const char *case_sha256;   /* hex: the authorization number derives from it */
  const char *created;       /* the request date YYYY-MM-DD (the response's
                                `created`); NULL or malformed: today (UTC) */
} pol_FhirMeta;

/* Appends the ClaimResponse (or Bundle) of the judged lines to b, pretty
   JSON ending in a newline: 0, or -1 when the trace could not be read
   back (out of memory), with b unchanged. */
int pol_trace_fhir(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const pol_LineResult *lines,
                   const pol_FhirMeta *meta, int flags);

/* The pretty JSON text of v (borrowed) appended to b: objects in their
   insertion order, strings through pol_buf_json_str, reals in their
   shortest %.15g form.  Shared with `polc questionnaire`. */
void pol_fhir_emit(pol_Buf *b, const json_t *v);

/* A FHIR id ([A-Za-z0-9.-]{1,64}) made from s (borrowed): every other
   byte becomes '-', cut at 64; empty when s is. */
void pol_fhir_id(char out[65], const char *s);

#endif
