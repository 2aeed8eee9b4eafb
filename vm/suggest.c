/*
 * suggest.c -- edit distance and the nearest candidate (suggest.h).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "suggest.h"

size_t pol_edit_distance(const char *a, const char *b, size_t limit)
{
  size_t n = strlen(a), m = strlen(b);
  if (n > POL_SUGGEST_MAX_LEN || m > POL_SUGGEST_MAX_LEN) return limit + 1;
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  /* three rows of the table: i - 2, i - 1, i; a distance is at most
     POL_SUGGEST_MAX_LEN, so 16 bits hold it (1.5 KB of stack instead
     of 6: a fresh stack page less at start-up, docs/performance.md
     "Start-up, fifth pass") */
  _Static_assert(POL_SUGGEST_MAX_LEN + 1 <= UINT16_MAX, "distances fit in 16 bits");
  uint16_t rows[3][POL_SUGGEST_MAX_LEN + 1];
  uint16_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++) prev[j] = (uint16_t)j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = (uint16_t)i;
    size_t lo = cur[0];
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] != b[j - 1];
      size_t d = (size_t)prev[j - 1] + cost;
      if ((size_t)prev[j] + 1 < d) d = (size_t)prev[j] + 1;
      if ((size_t)cur[j - 1] + 1 < d) d = (size_t)cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && (size_t)pp[j - 2] + 1 < d)
        d = (size_t)pp[j - 2] + 1;
      cur[j] = (uint16_t)d;
      if (d < lo) lo = d;
    }
    if (lo > limit) return limit + 1;
    uint16_t *t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[m] > limit ? limit + 1 : prev[m];
}

void pol_suggest_init(pol_Suggest *s, const char *name)
{
  s->name = name;
  s->best = NULL;
  s->dist = POL_SUGGEST_MAX_DISTANCE + 1;
}

void pol_suggest_consider(pol_Suggest *s, const char *candidate)
{
  if (!candidate || strcmp(candidate, s->name) == 0) return;
  size_t d = strcasecmp(candidate, s->name) == 0
               ? 0 : pol_edit_distance(s->name, candidate, POL_SUGGEST_MAX_DISTANCE);
  if (d > POL_SUGGEST_MAX_DISTANCE || (d > 0 && d >= strlen(s->name))) return;
  if (d < s->dist || (d == s->dist && s->best && strcmp(candidate, s->best) < 0)) {
    s->best = candidate;
    s->dist = d;
  }
}

const char *pol_suggest_best(const pol_Suggest *s)
{
  return s->best;
}
