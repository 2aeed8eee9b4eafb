/*
 * diag.h -- compiler diagnostics: collected, never fatal at the first.
 *
 * A message prints as
 *     file:line:col: error[E0201]: unknown name 'pain_nr'
 *        12 |     pain_nr >= 5
 *           |     ^~~~~~~
 * Line and column are computed from the span's byte offsets only here.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#include "ast.h"

typedef struct pol_Diag {
  pol_Source **files;   /* borrowed: the compile's file table */
  int *nfiles;
  int nerrors;
  int nwarnings;
  FILE *out;
} pol_Diag;

#if defined(__GNUC__)
#define POL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define POL_PRINTF(f, a)
#endif

void pol_error(pol_Diag *d, pol_Span sp, const char *code, const char *fmt, ...)
  POL_PRINTF(4, 5);
void pol_warning(pol_Diag *d, pol_Span sp, const char *code, const char *fmt, ...)
  POL_PRINTF(4, 5);

/* 1-based line and column (in bytes) of offset off in file. */
void pol_linecol(const pol_Source *src, uint32_t off, int *line, int *col);

#endif
