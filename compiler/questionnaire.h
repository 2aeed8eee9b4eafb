/*
 * questionnaire.h -- `polc questionnaire`: the FHIR R4 (Da Vinci DTR)
 * Questionnaire for the facts the checked policies read (docs/fhir.md
 * "The questionnaire").
 */
#ifndef POL_QUESTIONNAIRE_H
#define POL_QUESTIONNAIRE_H

#include <jansson.h>

#include "compile.h"

/* The Questionnaire of every policy unit of c (loaded and checked with no
   errors), as a new JSON object owned by the caller (json_decref). */
json_t *pol_questionnaire(pol_Compiler *c);

#endif
