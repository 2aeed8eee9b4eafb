/*
 * diag.c -- printing diagnostics with the source line and a caret.
 */
#include "diag.h"

#include <string.h>

/* A hostile source can hold a million errors on one megabyte-long line:
   the first MAX_SHOWN are printed (all are counted), and a line longer
   than MAX_LINE bytes is shown as a window around the error. */
enum { MAX_SHOWN = 100, MAX_LINE = 200, LEAD = 60 };

void pol_linecol(const pol_Source *src, uint32_t off, int *line, int *col)
{
  int l = 1, c = 1;
  if (off > src->len) off = (uint32_t)src->len;
  for (uint32_t i = 0; i < off; i++) {
    if (src->text[i] == '\n') { l++; c = 1; }
    else c++;
  }
  *line = l;
  *col = c;
}

static void report(pol_Diag *d, pol_Span sp, const char *kind, const char *code,
                   const char *fmt, va_list ap) POL_PRINTF(5, 0);

static void report(pol_Diag *d, pol_Span sp, const char *kind, const char *code,
                   const char *fmt, va_list ap)
{
  FILE *f = d->out ? d->out : stderr;
  const pol_Source *src = (int)sp.file < *d->nfiles ? d->files[sp.file] : NULL;
  int line = 0, col = 0;
  if (src) {
    pol_linecol(src, sp.start, &line, &col);
    fprintf(f, "%s:%d:%d: ", src->name, line, col);
  }
  fprintf(f, "%s[%s]: ", kind, code);
  vfprintf(f, fmt, ap);
  fputc('\n', f);
  if (!src) return;
  /* the source line, then carets under the span (clipped to the line) */
  uint32_t bol = sp.start > src->len ? (uint32_t)src->len : sp.start;
  while (bol > 0 && src->text[bol - 1] != '\n') bol--;
  uint32_t eol = bol;
  while (eol < src->len && src->text[eol] != '\n') eol++;
  uint32_t from = bol, to = eol;
  if (eol - bol > MAX_LINE) {
    uint32_t at = sp.start < eol ? sp.start : eol;
    from = at > bol + LEAD ? at - LEAD : bol;
    to = eol - from > MAX_LINE ? from + MAX_LINE : eol;
  }
  fprintf(f, "%5d | %s%.*s%s\n      | %s", line, from > bol ? "..." : "", (int)(to - from),
          src->text + from, to < eol ? "..." : "", from > bol ? "   " : "");
  for (uint32_t i = from; i < sp.start && i < to; i++)
    fputc(src->text[i] == '\t' ? '\t' : ' ', f);
  uint32_t end = sp.end > to ? to : sp.end;
  fputc('^', f);
  for (uint32_t i = sp.start + 1; i < end; i++) fputc('~', f);
  fputc('\n', f);
}

void pol_error(pol_Diag *d, pol_Span sp, const char *code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (d->nerrors < MAX_SHOWN) report(d, sp, "error", code, fmt, ap);
  else if (d->nerrors == MAX_SHOWN)
    fprintf(d->out ? d->out : stderr, "polc: more than %d errors; the others are not shown\n", MAX_SHOWN);
  va_end(ap);
  d->nerrors++;
}

void pol_warning(pol_Diag *d, pol_Span sp, const char *code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report(d, sp, "warning", code, fmt, ap);
  va_end(ap);
  d->nwarnings++;
}
