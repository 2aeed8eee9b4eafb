/*
 * suggest.h -- "did you mean": the nearest of some candidate names to a
 * name that is not one of them.  One helper for the compiler (unknown
 * names, functions and fields, compiler/check.c) and the command line
 * (unknown keys in a case, cli/).  Internal: not part of libpolvm's API.
 *
 * A candidate is suggested when it differs from the name only in letter
 * case, or is within POL_SUGGEST_MAX_DISTANCE edits (insert, delete,
 * replace, swap two neighbours) and fewer edits than the name has
 * letters; the nearest wins, ties by strcmp order, so the answer never
 * depends on the order candidates come in.
 */
#ifndef POL_SUGGEST_H
#define POL_SUGGEST_H

#include <stddef.h>

#define POL_SUGGEST_MAX_DISTANCE 2
/* Names longer than this are never compared (no suggestion). */
#define POL_SUGGEST_MAX_LEN 256

/* The edit distance between a and b (optimal string alignment: a swap of
   two neighbours is one edit), or limit + 1 if it exceeds limit or a name
   is longer than POL_SUGGEST_MAX_LEN. */
size_t pol_edit_distance(const char *a, const char *b, size_t limit);

typedef struct pol_Suggest {
  const char *name;      /* borrowed: the name not found */
  const char *best;      /* borrowed: the best candidate so far, or NULL */
  size_t dist;           /* its distance (0: differs in case only) */
} pol_Suggest;

void pol_suggest_init(pol_Suggest *s, const char *name);
/* Considers one candidate (borrowed until pol_suggest_best is used). */
void pol_suggest_consider(pol_Suggest *s, const char *candidate);
/* The suggestion, or NULL. */
const char *pol_suggest_best(const pol_Suggest *s);

#endif
