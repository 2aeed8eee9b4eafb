/*
 * jread.h -- the schema-directed case reader: case-format JSON text
 * straight into a pol_Case's fact slots, without a JSON document.
 *
 * The reader is made once per program (pol_jread_new) and reused for every
 * case; it borrows the program, which must outlive it.  A load makes one
 * validating pass over the text that records where the values of the
 * declared paths begin (the program's fact paths, case_id and the request
 * fields that pol_case_load reads), then converts only those values, by
 * type, into the case.  Everything else is checked (syntax, UTF-8, escapes,
 * duplicate keys, depth, number ranges) and skipped.  After warm-up a load
 * allocates nothing: the reader's scratch buffers and the case's arena are
 * reused.
 *
 * It accepts exactly the texts that pol_case_parse + pol_case_load accept,
 * and fills the same facts (tests/fuzz/fuzz_jread.c checks both).  It has
 * no error messages of its own: when it refuses a text, pol_jread_case
 * runs the reference path (jansson, vm/case.c) on it, so every message,
 * code, path and line:column is the reference's (docs/performance.md).
 */
#ifndef POL_JREAD_H
#define POL_JREAD_H

#include <jansson.h>
#include <stddef.h>

#include "case.h"

typedef struct pol_JRead pol_JRead;

/* NULL when out of memory. */
pol_JRead *pol_jread_new(const pol_Program *p);
void pol_jread_free(pol_JRead *r);

/* The fast path alone: 0 when text (len bytes, borrowed only during the
   call) was loaded into c (c belongs to the same program); -1 when it is
   refused, c then being the empty case of a failed load. */
int pol_jread_load(pol_JRead *r, pol_Case *c, const char *text, size_t len);

/* A case text into c: the fast path, and the reference path where it
   refuses (or always, when r is NULL).  0: loaded.  -1: not a case
   document, ce filled in as by pol_case_parse.  -2: the document does not
   load, "CODE path: message" in err, and *root the parsed document (owned
   by the caller: json_decref) for whatever the caller reports with it.
   *root is NULL except in that case. */
int pol_jread_case(pol_JRead *r, pol_Case *c, const char *text, size_t len, json_t **root,
                   pol_CaseError *ce, char *err, size_t errlen);

#endif
