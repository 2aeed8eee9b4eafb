/*
 * case.h -- loading a case (JSON, case-format v1) into typed fact slots.
 *
 * A pol_Case is made once per program and reused for every case: its arena
 * is reset, not freed, so after warm-up loading allocates nothing beyond
 * what jansson itself allocates for the parsed document.
 *
 * Unknown versus false: an absent or null fact, list or field is PV_UNK;
 * false, 0 and [] are values.  A present value of the wrong JSON type, or a
 * date that is not a real "YYYY-MM-DD" date, is an error naming its path.
 */
#ifndef POL_CASE_H
#define POL_CASE_H

#include <jansson.h>
#include <stdint.h>

#include "bytecode.h"

typedef struct pol_Case pol_Case;

/* One request line (request.procedures[i]), in ascending `line` order. */
typedef struct pol_LineInfo {
  int32_t number;      /* `line`, or its 1-based position if absent */
  const char *cpt;     /* NULL if absent/null */
  uint32_t cpt_id;     /* bundle string id of cpt, or POL_NOSTR */
  int32_t date;        /* request.service_date, else request.date (days) */
  int date_known;      /* 0 if neither is known */
  const char *plan;    /* request.plan, or NULL */
  uint32_t plan_id;    /* bundle string id of plan, or POL_NOSTR */
  const char *review;  /* request.review.kind (e.g. "independent_review"), or
                          NULL: the case is not a review of a determination */
  const char *prior;   /* the determination under review for this line: its
                          prior_determination, else request.review's; NULL
                          if none (docs/case-extensions.md) */
  const char *rxnorm;  /* the line's drug: `rxnorm`, `ndc` (strings), NULL if */
  const char *ndc;     /* absent or not strings; they route too */
} pol_LineInfo;

/* Limits on a case document (docs/limits.md). */
#define POL_CASE_MAX_BYTES (16u << 20)   /* bytes of JSON text: 16 MiB */
#define POL_CASE_MAX_DEPTH 64            /* arrays and objects within each other */
#define POL_CASE_MAX_STR   65536u        /* bytes in one JSON string (C0105) */
#define POL_CASE_MAX_LIST  100000u       /* items in one JSON array, request lines
                                            too (C0107) */
#define POL_CASE_MAX_NEST  64            /* records within records (C0108); only a
                                            recursive record type can reach it */

/* Why a case document was refused before loading: code "C0001" (invalid
   JSON: syntax, bad UTF-8, duplicate key, number out of range), "C0002"
   (larger than POL_CASE_MAX_BYTES) or "C0003" (nested deeper than
   POL_CASE_MAX_DEPTH); 1-based line and column (0 for C0002). */
typedef struct pol_CaseError {
  const char *code;      /* static string */
  int line, column;
  char text[200];        /* e.g. "invalid JSON: '[' or '{' expected near 'x'" */
} pol_CaseError;

/* Parses text (len bytes, borrowed) as a case document.  Returns a new
   JSON reference (owned by the caller: json_decref) or NULL with e filled
   in. */
json_t *pol_case_parse(const char *text, size_t len, pol_CaseError *e);

/* p is borrowed and must outlive the case.  NULL on out-of-memory. */
pol_Case *pol_case_new(const pol_Program *p);
void pol_case_free(pol_Case *c);

/* Loads root (borrowed; it must stay alive while the case is used).
   0 on success; -1 with "CODE path: message" in err (docs/errors.md;
   e.g. "C0102 symptoms.pain_nrs: expected number, got string",
   "C0103 injections[1].date: not a valid date: \"2025-02-30\"",
   "C0101 case_id: missing"). */
int pol_case_load(pol_Case *c, const json_t *root, char *err, size_t errlen);

const char *pol_case_id(const pol_Case *c);

/* A case loaded from a FHIR Bundle (docs/fhir.md) is read through the
   program's `fhir` bindings; its notes (entries ignored, resources left
   out, codes without a system: "C0154 entry[3].resource.resourceType:
   ..."), one per line, or "".  Borrowed, valid until the next load. */
const char *pol_case_notes(const pol_Case *c);
uint32_t pol_case_nlines(const pol_Case *c);
const pol_LineInfo *pol_case_line(const pol_Case *c, uint32_t i);

/* The fact slots (p->nfacts values) as seen from line i: case-scope facts
   and line i's line-scope facts.  Borrowed, valid until the next load. */
const pol_Value *pol_case_slots(const pol_Case *c, uint32_t i);

/* Looks up s in the program's strings: its id or POL_NOSTR. */
uint32_t pol_case_intern(const pol_Case *c, const char *s);
uint32_t pol_case_intern_n(const pol_Case *c, const char *s, size_t n);

/* Filling a case from elsewhere than a jansson document: the
   schema-directed reader (vm/jread.c) converts the text itself and stores
   the results with these, in this order: begin (resets the arena and the
   lines; -1 if the program's schema cannot be loaded), the case-scope facts
   into row 0 (fill_row0: p->nfacts values), fill_lines (the case id and the
   request lines in document order: sorts them as pol_case_load does, makes
   every row a copy of row 0; -1 when out of memory), then each line's
   line-scope facts into fill_row(j) (j in document order).  fill_fail
   leaves the empty case of a failed load.  Memory from fill_alloc lives
   until the next load. */
int pol_case_fill_begin(pol_Case *c);
void *pol_case_fill_alloc(pol_Case *c, size_t n, size_t align);
pol_Value *pol_case_fill_row0(pol_Case *c);
int pol_case_fill_lines(pol_Case *c, const char *case_id, const pol_LineInfo *doc, uint32_t n);
pol_Value *pol_case_fill_row(pol_Case *c, uint32_t j);
void pol_case_fill_fail(pol_Case *c);

#endif
