/*
 * codes.c -- code systems: normal forms, shapes, and value-set membership
 * (codes.h; the systems are listed in codesystems.def).
 */
#include "codes.h"

#include <string.h>

static const struct {
  const char *name, *title, *example;
  int families;
} systems[] = {
#define CODESYS(N, spelling, title, families, example) {spelling, title, example, families},
#include "codesystems.def"
#undef CODESYS
};

int pol_code_system_find(const char *name)
{
  for (int i = 0; i < POL_CS__COUNT; i++)
    if (strcmp(systems[i].name, name) == 0) return i;
  return -1;
}

const char *pol_code_system_name(uint32_t sys) { return sys < POL_CS__COUNT ? systems[sys].name : "?"; }
const char *pol_code_system_title(uint32_t sys) { return sys < POL_CS__COUNT ? systems[sys].title : "?"; }
const char *pol_code_system_example(uint32_t sys) { return sys < POL_CS__COUNT ? systems[sys].example : "?"; }
int pol_code_system_families(uint32_t sys) { return sys < POL_CS__COUNT && systems[sys].families; }

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alnum(char c) { return is_digit(c) || is_upper(c); }

/* s without surrounding blanks, upper case, into buf (at most cap - 1
   bytes); the length, or -1 if too long or a byte is not printable ASCII. */
static int clean(const char *s, size_t n, char *buf, size_t cap)
{
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n >= cap) return -1;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c < 0x21 || c > 0x7e) return -1;
    buf[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
  }
  buf[n] = '\0';
  return (int)n;
}

static int all_digits(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i])) return 0;
  return 1;
}

/* digits s[0..n), leading zeros dropped, left-padded with zeros to width */
static int pad_digits(const char *s, size_t n, size_t width, char *out)
{
  while (n > 1 && *s == '0') s++, n--;
  if (n > width) return -1;
  memset(out, '0', width - n);
  memcpy(out + width - n, s, n);
  out[width] = '\0';
  return 0;
}

int pol_loinc_check_digit(const char *s, size_t n)
{
  /* Luhn: from the right, every other digit (the first included) doubled */
  int sum = 0;
  for (size_t k = 0; k < n; k++) {
    char c = s[n - 1 - k];
    if (!is_digit(c)) return -1;
    int d = c - '0';
    if (k % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return (10 - sum % 10) % 10;
}

/* ICD-10-CM: the code without its dot; prefix: a beginning of one */
static int icd(const char *b, int n, char *out, int prefix, const char **why)
{
  char t[POL_CODE_BUF];
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (b[i] == '.') {
      if (i != 3) { *why = "the dot of an ICD-10-CM code comes after its third character"; return -1; }
      continue;
    }
    if (m >= 7) { *why = "an ICD-10-CM code has at most 7 characters"; return -1; }
    t[m++] = b[i];
  }
  if (m < (prefix ? 1 : 3)) { *why = "an ICD-10-CM code has at least 3 characters"; return -1; }
  for (int i = 0; i < m; i++) {
    int ok = i == 0 ? is_upper(t[i]) : i == 1 ? is_digit(t[i]) : is_alnum(t[i]);
    if (!ok) {
      *why = i == 0 ? "an ICD-10-CM code starts with a letter"
           : i == 1 ? "the second character of an ICD-10-CM code is a digit"
                    : "an ICD-10-CM code holds only letters and digits";
      return -1;
    }
  }
  memcpy(out, t, (size_t)m);
  out[m] = '\0';
  return 0;
}

static int cpt(const char *b, int n, int prefix, const char **why)
{
  if (n != 5 && !(prefix && n >= 1 && n < 5)) { *why = "a CPT code has 5 characters"; return -1; }
  for (int i = 0; i < n; i++)
    if (!(is_digit(b[i]) || (i == 4 && (b[i] == 'F' || b[i] == 'T' || b[i] == 'U')))) {
      *why = i == 4 ? "a CPT code ends in a digit, F, T or U" : "a CPT code starts with 4 digits";
      return -1;
    }
  return 0;
}

static int hcpcs(const char *b, int n, int prefix, const char **why)
{
  if (n != 5 && !(prefix && n >= 1 && n < 5)) { *why = "a HCPCS code has 5 characters"; return -1; }
  if (!is_upper(b[0]) || !all_digits(b + 1, (size_t)n - 1)) {
    *why = "a HCPCS Level II code is a letter then 4 digits";
    return -1;
  }
  return 0;
}

/* NDC: 11 digits, or hyphenated 4-4-2, 5-3-2, 5-4-1 (or 5-4-2) */
static int ndc(const char *b, int n, char *out, int prefix, const char **why)
{
  const char *h1 = memchr(b, '-', (size_t)n);
  if (!h1) {
    if (!all_digits(b, (size_t)n)) { *why = "an NDC holds only digits and hyphens"; return -1; }
    if (prefix ? n < 1 || n > 10 : n != 11) {
      *why = n == 10 ? "a 10-digit NDC is ambiguous without its hyphens (4-4-2, 5-3-2 or 5-4-1)"
                     : "an NDC has 11 digits, or 10 with hyphens";
      return -1;
    }
    memcpy(out, b, (size_t)n);
    out[n] = '\0';
    return 0;
  }
  const char *h2 = memchr(h1 + 1, '-', (size_t)(b + n - h1 - 1));
  if (prefix || !h2 || memchr(h2 + 1, '-', (size_t)(b + n - h2 - 1))) {
    *why = prefix ? "the prefix of an NDC family is written in its 11-digit form"
                  : "a hyphenated NDC has three parts (4-4-2, 5-3-2 or 5-4-1)";
    return -1;
  }
  size_t l1 = (size_t)(h1 - b), l2 = (size_t)(h2 - h1 - 1), l3 = (size_t)(b + n - h2 - 1);
  if (!all_digits(b, l1) || !all_digits(h1 + 1, l2) || !all_digits(h2 + 1, l3) ||
      !((l1 == 4 && l2 == 4 && l3 == 2) || (l1 == 5 && l2 == 3 && l3 == 2) ||
        (l1 == 5 && l2 == 4 && l3 == 1) || (l1 == 5 && l2 == 4 && l3 == 2))) {
    *why = "a hyphenated NDC is 4-4-2, 5-3-2 or 5-4-1 digits (or 5-4-2)";
    return -1;
  }
  char *o = out;
  if (l1 == 4) *o++ = '0';
  memcpy(o, b, l1); o += l1;
  if (l2 == 3) *o++ = '0';
  memcpy(o, h1 + 1, l2); o += l2;
  if (l3 == 1) *o++ = '0';
  memcpy(o, h2 + 1, l3); o += l3;
  *o = '\0';
  return 0;
}

static int norm(uint32_t sys, const char *s, size_t n, char *out, int prefix, const char **why)
{
  const char *dummy;
  if (!why) why = &dummy;
  char b[64];
  int m = clean(s, n, b, sizeof b);
  if (m <= 0) { *why = m == 0 ? "an empty code" : "not a code: too long or not printable"; return -1; }
  if (prefix && !pol_code_system_families(sys)) {
    *why = "this system's codes are numbers: a family (prefix) of them means nothing";
    return -1;
  }
  switch ((pol_CodeSys)sys) {
  case POL_CS_ICD10CM: return icd(b, m, out, prefix, why);
  case POL_CS_CPT:
  case POL_CS_HCPCS:
  case POL_CS_PROCEDURE: {
    int r = sys == POL_CS_CPT ? cpt(b, m, prefix, why)
          : sys == POL_CS_HCPCS ? hcpcs(b, m, prefix, why)
          : is_upper(b[0]) ? hcpcs(b, m, prefix, why) : cpt(b, m, prefix, why);
    if (r == 0) memcpy(out, b, (size_t)m + 1);
    return r;
  }
  case POL_CS_LOINC: {
    const char *h = memchr(b, '-', (size_t)m);
    if (!h || h == b || b + m - h != 2 || !all_digits(b, (size_t)(h - b)) || !is_digit(h[1])) {
      *why = "a LOINC code is 1 to 7 digits, '-' and its check digit";
      return -1;
    }
    if (pol_loinc_check_digit(b, (size_t)(h - b)) != h[1] - '0') {
      *why = "the LOINC check digit (mod 10) does not match";
      return -1;
    }
    if (pad_digits(b, (size_t)(h - b), 7, out) != 0) { *why = "a LOINC code has at most 7 digits before '-'"; return -1; }
    out[7] = '-'; out[8] = h[1]; out[9] = '\0';
    return 0;
  }
  case POL_CS_RXNORM:
  case POL_CS_SNOMED: {
    size_t width = sys == POL_CS_RXNORM ? 8 : 18;
    if (!all_digits(b, (size_t)m) || pad_digits(b, (size_t)m, width, out) != 0 ||
        (sys == POL_CS_SNOMED && m < 6)) {
      *why = sys == POL_CS_RXNORM ? "an RxNorm code (RxCUI) is 1 to 8 digits"
                                  : "a SNOMED CT concept id is 6 to 18 digits";
      return -1;
    }
    return 0;
  }
  case POL_CS_NDC: return ndc(b, m, out, prefix, why);
  case POL_CS__COUNT: break;
  }
  *why = "unknown code system";
  return -1;
}

int pol_code_norm(uint32_t sys, const char *s, size_t n, char *out, const char **why)
{
  return norm(sys, s, n, out, 0, why);
}

int pol_code_prefix_norm(uint32_t sys, const char *s, size_t n, char *out, const char **why)
{
  return norm(sys, s, n, out, 1, why);
}

int pol_vset_has(const pol_Program *p, uint32_t vs, const char *c)
{
  const pol_VSet *v = &p->vs[vs];
  /* the last range whose lo <= c; c is in the set iff c < its hi */
  uint32_t lo = 0, hi = v->nr;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (strcmp(p->str[p->vsr[v->r0 + mid].lo], c) <= 0) lo = mid + 1; else hi = mid;
  }
  return lo > 0 && strcmp(c, p->str[p->vsr[v->r0 + lo - 1].hi]) < 0;
}

pol_Value pol_vset_member(const pol_Program *p, uint32_t vs, const pol_Value *v)
{
  if (v->tag != PV_STR) return pol_unk();
  char c[POL_CODE_BUF];
  if (pol_code_norm(p->vs[vs].system, v->u.s, strlen(v->u.s), c, NULL) != 0) return pol_bool(0);
  return pol_bool(pol_vset_has(p, vs, c));
}

const char *pol_route_prefix(uint32_t sys)
{
  return sys == POL_CS_RXNORM ? "rxnorm:" : sys == POL_CS_NDC ? "ndc:" : NULL;
}

int pol_route_key(uint32_t sys, const char *s, char *out)
{
  const char *pfx = pol_route_prefix(sys);
  char c[POL_CODE_BUF];
  if (!pfx || pol_code_norm(sys, s, strlen(s), c, NULL) != 0) return -1;
  size_t k = strlen(pfx), n = strlen(c);
  if (k + n + 1 > POL_ROUTE_KEY_BUF) return -1;
  memcpy(out, pfx, k);
  memcpy(out + k, c, n + 1);
  return 0;
}
