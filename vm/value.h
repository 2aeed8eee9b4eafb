/*
 * value.h -- tagged three-valued values of the policy VM.
 *
 * A value is 16 bytes: a tag, a 32-bit auxiliary word and an 8-byte payload.
 * PV_UNK is the third truth value: a fact that is absent or null, or any
 * result that depends on one.  Booleans are PV_BOOL with aux 0 or 1.
 * Numbers are exact decimals with 8 digits after the point (decimal.h).
 *
 * PV_RANGE is a number known only to lie in [lo, hi]; counts and coverages
 * over lists with unknown items produce ranges (sure count .. possible
 * count), and comparisons on ranges are three-valued by construction.
 *
 * Ownership: strings, lists and records point into either the bundle
 * (constants) or the case arena (facts); values never own memory.
 */
#ifndef POL_VALUE_H
#define POL_VALUE_H

#include <stdint.h>

#include "decimal.h"

typedef enum {
  PV_UNK = 0,  /* unknown */
  PV_BOOL,     /* aux: 0 or 1 */
  PV_NUM,      /* u.d: a decimal (decimal.h) */
  PV_RANGE,    /* u.r.lo .. u.r.hi (integers; a count or a number of days) */
  PV_STR,      /* u.s (NUL-terminated); aux: bundle string id or POL_NOSTR */
  PV_DATE,     /* aux: days since 1970-01-01 */
  PV_DUR,      /* u.r.lo months, u.r.hi days */
  PV_WIN,      /* u.r.lo .. u.r.hi: a closed window of dates (days);
                  aux: POL_WIN_* bits, an end that is unknown */
  PV_SET,      /* aux: index of a constant string set */
  PV_LIST,     /* u.p: const pol_List * */
  PV_REC       /* u.p: const pol_Value * (fields); aux: record type index */
} pol_Tag;

#define POL_NOSTR 0xffffffffu

/* PV_WIN aux bits: [s, e] with s or e unknown keeps the other end (a date
   before a known start is not within it, whatever the end).  A window
   with an unknown end is not known (known(), ??); with both ends unknown
   it is PV_UNK. */
enum { POL_WIN_LO_UNK = 1u, POL_WIN_HI_UNK = 2u };

typedef struct pol_Value {
  uint32_t tag;
  uint32_t aux;
  union {
    pol_Dec d;
    struct { int32_t lo, hi; } r;
    const char *s;
    const void *p;
  } u;
} pol_Value;

typedef struct pol_List {
  uint32_t n;
  uint32_t elem;          /* type code of the items (see bytecode.h) */
  const pol_Value *items;
} pol_List;

/* Three-valued truth as stored in PV_BOOL / PV_UNK values. */
typedef enum { POL_FALSE = 0, POL_TRUE = 1, POL_UNKNOWN = 2 } pol_Tri;

static inline pol_Value pol_unk(void) { pol_Value v = {PV_UNK, 0, {0}}; return v; }
static inline pol_Value pol_bool(int b) { pol_Value v = {PV_BOOL, (uint32_t)(b != 0), {0}}; return v; }
static inline pol_Value pol_num(pol_Dec d) { pol_Value v = {PV_NUM, 0, {0}}; v.u.d = d; return v; }
/* A whole number (a count, a number of days) as a number. */
static inline pol_Value pol_num_int(int32_t i) { return pol_num(pol_dec_of_int32(i)); }
static inline pol_Value pol_date(int32_t d) { pol_Value v = {PV_DATE, (uint32_t)d, {0}}; return v; }
static inline pol_Value pol_range(int32_t lo, int32_t hi)
{
  pol_Value v = {PV_RANGE, 0, {0}};
  v.u.r.lo = lo; v.u.r.hi = hi;
  return v;
}
static inline pol_Value pol_tri(pol_Tri t)
{
  return t == POL_UNKNOWN ? pol_unk() : pol_bool(t == POL_TRUE);
}
static inline pol_Tri pol_truth(const pol_Value *v)
{
  return v->tag == PV_BOOL ? (pol_Tri)v->aux : POL_UNKNOWN;
}

/* Is v known: not PV_UNK, and not a window with an unknown end? */
static inline int pol_known(const pol_Value *v)
{
  return v->tag != PV_UNK && !(v->tag == PV_WIN && v->aux != 0);
}

/* Civil dates <-> day numbers (proleptic Gregorian). */
int32_t pol_days_from_civil(int y, int m, int d);
/* The day numbers of 0001-01-01 and 9999-12-31, the range of every date
   value (pol_days_from_civil of each; tests/unit/test_exec.c checks). */
#define POL_DAY_FIRST (-719162)
#define POL_DAY_LAST 2932896
void pol_civil_from_days(int32_t z, int *y, int *m, int *d);
/* Parses exactly "YYYY-MM-DD" of a real calendar date; 0 on success. */
int pol_parse_date(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes); a day
   outside the years 0000-9999 as "0000-00-00". */
#define POL_DATE_LEN 10
#define POL_DATE_BUFSIZE (POL_DATE_LEN + 1)
void pol_format_date(int32_t days, char *buf);
/* The same text appended to b. */
void pol_buf_date(pol_Buf *b, int32_t days);
/* Calendar-month arithmetic, clamped to the end of the month. */
int32_t pol_add_months(int32_t days, int32_t months);

#endif
