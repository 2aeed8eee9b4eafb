/*
 * auth.h -- a line's authorization as the outputs show it: the JSON
 * `authorization` object of the trace (docs/trace-additions.md), the text
 * report's "Authorized:" and "APPROVED AS MODIFIED:" lines, and the words
 * `polvm diff` compares.
 *
 * Ownership: everything borrowed; output goes to the caller's pol_Buf.
 */
#ifndef POL_AUTH_H
#define POL_AUTH_H

#include "util.h"
#include "vm.h"

/* Does lr carry an authorization the outputs show (a stated field)? */
int pol_auth_shown(const pol_LineResult *lr);

/* One value of field f: JSON (null when unknown) or text ("unknown"). */
void pol_auth_value_json(pol_Buf *b, const pol_Program *p, uint32_t f, const pol_Value *v);
void pol_auth_value_text(pol_Buf *b, const pol_Program *p, uint32_t f, const pol_Value *v);

/* The `authorization` object: {"modified", "requested", "authorized",
   "changes"}; pretty: the indent of its lines, or NULL for one line. */
void pol_auth_json(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr);

/* "quantity 12 per 1 year; period 2025-01-01 to 2025-06-30; setting
   outpatient; 0 inpatient days; levels L4-L5" */
void pol_auth_summary(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr);
/* "setting outpatient (requested inpatient); 0 inpatient days (requested
   2)": the fields of changes (pol_auth_changes). */
void pol_auth_changes_text(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr,
                           uint32_t changes);

#endif
