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
#include <stdint.h>

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

/* The tape of a JSON text (vm/fhir_fast.c): one entry per value and per
   object key, in document order.  off: the byte offset of the value (of a
   key's opening quote).  aux: for an object or array the index of the
   entry after its last descendant; for a string or key the length of its
   raw body (between the quotes), with POL_JTAPE_ESC when it has escapes;
   0 otherwise.  An object's entries are key, value, key, value... */
typedef struct pol_JTape { uint32_t off, aux; } pol_JTape;
#define POL_JTAPE_ESC 0x80000000u

/* A validating scan of text (an object at the top: accepted exactly when
   pol_case_parse accepts it, except that an escaped key, or an object of
   many keys, is refused too) into the reader's tape: 0 with *tape (owned
   by r, valid until its next call) and *n entries, or -1. */
int pol_jread_tape(pol_JRead *r, const char *text, size_t len, const pol_JTape **tape, size_t *n);

#endif
