/*
 * decimal.h -- the numbers of the policy language: exact decimals with 8
 * digits after the point (as CQL's Decimal), stored as an int64_t count of
 * hundred-millionths.  docs/language.md, "Numbers", is the contract.
 *
 *   value = d / POL_DEC_SCALE,  |d| <= POL_DEC_MAX
 *   range   -92233720368.54775807 .. 92233720368.54775807
 *
 * INT64_MIN is not a number: the range is symmetric so that negation never
 * overflows (the verifier refuses it in a constant, nothing else makes it).
 * + and - are exact; * and / round to 8 digits after the point, half to
 * even; floor is exact.  Every operation that can leave the range says so
 * (POL_DEC_RANGE) instead of wrapping; what to do then is the caller's
 * decision (the VM stops judging the case).
 *
 * Used by the compiler (literals, constant folding, `polc doc`), the case
 * loader, the VM and the reference evaluator alike, so that they cannot
 * disagree on a number.  No allocation, no global state.
 */
#ifndef POL_DECIMAL_H
#define POL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"   /* pol_Buf */

typedef int64_t pol_Dec;

#define POL_DEC_DIGITS 8                       /* digits after the point */
#define POL_DEC_SCALE  INT64_C(100000000)      /* 10^POL_DEC_DIGITS */
#define POL_DEC_MAX    INT64_MAX
#define POL_DEC_MIN    (-INT64_MAX)
/* The largest whole number in range: 92233720368. */
#define POL_DEC_MAX_INT (POL_DEC_MAX / POL_DEC_SCALE)
/* The range in words, for messages. */
#define POL_DEC_RANGE_TEXT "-92233720368.54775807 .. 92233720368.54775807"
/* Bytes pol_dec_format may write, NUL included: "-92233720368.54775807". */
#define POL_DEC_BUFSIZE 24

/* Results of the operations below. */
typedef enum {
  POL_DEC_OK = 0,
  POL_DEC_RANGE,    /* the result is beyond +-POL_DEC_MAX */
  POL_DEC_INEXACT,  /* parsing, exact mode: more than 8 digits after the point */
  POL_DEC_SYNTAX    /* parsing: not a number */
} pol_DecStatus;

/* A whole number as a decimal: exact for |i| <= POL_DEC_MAX_INT. */
static inline pol_Dec pol_dec_of_int32(int32_t i) { return (pol_Dec)i * POL_DEC_SCALE; }
pol_DecStatus pol_dec_of_int(int64_t i, pol_Dec *out);

/* The arithmetic.  *out is written only on POL_DEC_OK.  pol_dec_div needs
   b != 0 (the language makes x / 0 unknown before it gets here). */
pol_DecStatus pol_dec_add(pol_Dec a, pol_Dec b, pol_Dec *out);
pol_DecStatus pol_dec_sub(pol_Dec a, pol_Dec b, pol_Dec *out);
pol_DecStatus pol_dec_mul(pol_Dec a, pol_Dec b, pol_Dec *out);
pol_DecStatus pol_dec_div(pol_Dec a, pol_Dec b, pol_Dec *out);
/* The largest whole number <= a (may be out of range below -92233720368). */
pol_DecStatus pol_dec_floor(pol_Dec a, pol_Dec *out);

static inline int pol_dec_cmp(pol_Dec a, pol_Dec b) { return (a > b) - (a < b); }
static inline int pol_dec_is_int(pol_Dec a) { return a % POL_DEC_SCALE == 0; }

/* Parses a decimal number from s[0..len): an optional sign, digits, an
   optional point with digits after it, an optional exponent (e or E, an
   optional sign, digits); nothing else, no spaces.  With round 0 (exact:
   number literals) a digit beyond the 8th after the point is
   POL_DEC_INEXACT, even a zero; with round 1 the value is rounded to 8
   digits after the point, half to even.  Then POL_DEC_RANGE if it is
   beyond +-POL_DEC_MAX.  Any number of digits is read without overflow. */
pol_DecStatus pol_dec_parse(const char *s, size_t len, int round, pol_Dec *out);

/* The decimal of a double: its shortest decimal text that reads back as
   the same double (%.15g, %.16g or %.17g), parsed with rounding -- so a
   JSON 6.3 is 6.3, not 6.29999999999999982236431605997495353221893310546875.
   POL_DEC_RANGE for an infinity, a NaN or a value out of range. */
pol_DecStatus pol_dec_from_double(double x, pol_Dec *out);

/* The double nearest to a (correctly rounded). */
double pol_dec_to_double(pol_Dec a);

/* Writes the shortest exact text of a and a NUL into buf (at least
   POL_DEC_BUFSIZE bytes): "6.3", "182", "-0.5", "0.00000001".  No
   exponent, no trailing zeros after the point, no point in a whole number;
   it is also a valid JSON number and a valid .pol literal (after a minus
   sign's removal).  Returns its length. */
size_t pol_dec_format(pol_Dec a, char *buf);
/* The same text appended to b. */
void pol_buf_dec(pol_Buf *b, pol_Dec a);

#endif
