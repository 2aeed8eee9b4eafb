/*
 * jleaf.c -- the leaves both fast readers share (jleaf.h): the schema
 * rules, and the conversions of a valid value's bytes, exactly as vm/case.c
 * converts the jansson value of the same text.
 *
 * Ownership: see jleaf.h.
 */
#include "jleaf.h"

#include <math.h>
#include <stdlib.h>

int pol_jleaf_type_ok(const pol_Program *p, uint32_t t)
{
  pol_Kind k = POL_TKIND(t);
  if (k == PK_LIST) {
    k = POL_TELEM(t);
    if (k == PK_LIST) return 0;
  }
  switch (k) {
  case PK_BOOL: case PK_NUM: case PK_STR: case PK_DATE: return 1;
  case PK_REC: return POL_TREC(t) < p->nrec;
  case PK_NONE: case PK_LIST: case PK_DUR: case PK_WIN: case PK_SET: case PK__COUNT: return 0;
  }
  return 0;
}

int pol_jleaf_schema_bad(const pol_Program *p)
{
  for (uint32_t r = 0; r < p->nrec; r++)
    for (uint32_t i = 0; i < p->rec[r].nfields; i++)
      if (p->rec[r].fields[i].name >= p->nstr || !pol_jleaf_type_ok(p, p->rec[r].fields[i].type)) return 1;
  for (uint32_t f = 0; f < p->nfacts; f++)
    if (p->facts[f].path >= p->nstr || !pol_jleaf_type_ok(p, p->facts[f].type) ||
        p->facts[f].scope > POL_SCOPE_LINE)
      return 1;
  return 0;
}

int pol_jleaf_fields_once(const pol_Program *p)
{
  for (uint32_t r = 0; r < p->nrec; r++)
    for (uint32_t i = 0; i < p->rec[r].nfields; i++)
      for (uint32_t j = 0; j < i; j++) {
        uint32_t a = p->rec[r].fields[i].name, b = p->rec[r].fields[j].name;
        if (p->slen[a] == p->slen[b] && memcmp(p->str[a], p->str[b], p->slen[a]) == 0) return 0;
      }
  return 1;
}

static int grow(char **buf, size_t *cap, size_t need)
{
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  char *b = realloc(*buf, n);
  if (!b) return -1;
  *buf = b;
  *cap = n;
  return 0;
}

int pol_jleaf_strtod(const unsigned char *s, size_t n, char **buf, size_t *cap, double *x)
{
  if (grow(buf, cap, n + 1)) return -1;
  memcpy(*buf, s, n);
  (*buf)[n] = '\0';
  *x = strtod(*buf, NULL);
  return 0;
}

int pol_jleaf_real_finite(const unsigned char *s, size_t n, char **buf, size_t *cap)
{
  double x;
  return pol_jleaf_strtod(s, n, buf, cap, &x) == 0 && !isinf(x);
}

const unsigned char *pol_jleaf_num_long(const unsigned char *v, const unsigned char *e, char **buf, size_t *cap,
                                        pol_Dec *d)
{
  int is_int;
  int64_t i;
  double x;
  const unsigned char *end = pol_jleaf_num_at(v, e, buf, cap, &is_int, &i, &x);
  if (!end) return NULL;
  if (is_int) {
    if (pol_dec_of_int(i, d) != POL_DEC_OK) return NULL;
  } else {
    if (!isfinite(x) || pol_dec_from_double(x, d) != POL_DEC_OK) return NULL;
  }
  return end;
}

int pol_jleaf_line_number(const unsigned char *v, const unsigned char *e, char **buf, size_t *cap,
                          int32_t *number)
{
  int is_int;
  int64_t iv;
  double d;
  if (!pol_jleaf_num_at(v, e, buf, cap, &is_int, &iv, &d)) return -1;
  if (is_int) d = (double)iv;
  if (!(d >= INT32_MIN && d <= INT32_MAX) || (double)(int32_t)d != d) return -1;
  *number = (int32_t)d;
  return 0;
}

int pol_jleaf_date(const char *s, size_t n, int32_t *d)
{
  if (n != 10) return -1;
  if (pol_jleaf_ymd((const unsigned char *)s, d)) return 0;
  char b[11];
  memcpy(b, s, 10);
  b[10] = '\0';
  return pol_parse_date(b, d) == 0 ? 0 : -1;
}
