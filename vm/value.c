/*
 * value.c -- civil-date arithmetic for the VM and the compiler.
 * Day numbers count from 1970-01-01 (day 0), proleptic Gregorian calendar.
 */
#include "value.h"

#include <stdio.h>

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
int32_t pol_days_from_civil(int y, int m, int d)
{
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

void pol_civil_from_days(int32_t z0, int *y, int *m, int *d)
{
  int z = z0 + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int yy = (int)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
  static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int pol_parse_date(const char *s, int32_t *out)
{
  int v[3] = {0, 0, 0};
  static const int width[3] = {4, 2, 2};
  const char *p = s;
  for (int f = 0; f < 3; f++) {
    for (int i = 0; i < width[f]; i++, p++) {
      if (*p < '0' || *p > '9') return -1;
      v[f] = v[f] * 10 + (*p - '0');
    }
    if (f < 2 && *p++ != '-') return -1;
  }
  if (*p != '\0') return -1;
  if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > month_days(v[0], v[1]))
    return -1;
  *out = pol_days_from_civil(v[0], v[1], v[2]);
  return 0;
}

void pol_format_date(int32_t days, char *buf)
{
  int y, m, d;
  pol_civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) y = m = d = 0;   /* "0000-00-00" */
  /* by hand, as "%04d-%02d-%02d" writes it (tests/unit/test_decimal.c) */
  buf[0] = (char)('0' + y / 1000);
  buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10);
  buf[3] = (char)('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + d / 10);
  buf[9] = (char)('0' + d % 10);
  buf[10] = '\0';
}

void pol_buf_date(pol_Buf *b, int32_t days)
{
  char d[POL_DATE_BUFSIZE];
  pol_format_date(days, d);
  pol_buf_put(b, d, POL_DATE_LEN);
}

int32_t pol_add_months(int32_t days, int32_t months)
{
  int y, m, d;
  pol_civil_from_days(days, &y, &m, &d);
  long t = (long)y * 12 + (m - 1) + months;
  int ny = (int)(t >= 0 ? t / 12 : (t - 11) / 12);
  int nm = (int)(t - (long)ny * 12) + 1;
  int md = month_days(ny, nm);
  return pol_days_from_civil(ny, nm, d > md ? md : d);
}
