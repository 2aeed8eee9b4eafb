/*
 * auth.c -- the fields of `authorize` blocks (vm/authfields.def) and a
 * line's authorization in the outputs (auth.h).
 */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"

static const struct {
  const char *name;
  pol_Kind kind;
  const char *request;
} fields[POL_AUTH__COUNT] = {
#define AUTHF(N, s, kind, req) {s, kind, req},
#include "authfields.def"
#undef AUTHF
};

const char *pol_auth_name(uint32_t f) { return f < POL_AUTH__COUNT ? fields[f].name : "?"; }
pol_Kind pol_auth_kind(uint32_t f) { return f < POL_AUTH__COUNT ? fields[f].kind : PK_NONE; }
const char *pol_auth_request_key(uint32_t f) { return f < POL_AUTH__COUNT ? fields[f].request : NULL; }

int pol_auth_find(const char *name)
{
  for (int f = 0; f < POL_AUTH__COUNT; f++)
    if (strcmp(fields[f].name, name) == 0) return f;
  return -1;
}

int pol_auth_shown(const pol_LineResult *lr)
{
  return lr->authmask != 0;
}

/* The strings of a levels value (a list of strings or a constant set):
   n of them into out (at most cap); returns the count. */
static uint32_t level_strs(const pol_Program *p, const pol_Value *v, const char **out, uint32_t cap)
{
  uint32_t n = 0;
  if (v->tag == PV_LIST) {
    const pol_List *l = v->u.p;
    for (uint32_t i = 0; i < l->n && n < cap; i++)
      if (l->items[i].tag == PV_STR) out[n++] = l->items[i].u.s;
  } else if (v->tag == PV_SET) {
    for (uint32_t i = 0; i < p->setn[v->aux] && n < cap; i++)
      out[n++] = p->str[p->setitems[p->set0[v->aux] + i]];
  }
  return n;
}

static int has_str(const char *const *s, uint32_t n, const char *x)
{
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(s[i], x) == 0) return 1;
  return 0;
}

/* Levels compare as sets (each side's strings, in any order, repeats
   ignored). */
static int same_levels(const pol_Program *p, const pol_Value *a, const pol_Value *b)
{
  enum { CAP = 1024 };
  const char **sa = malloc(CAP * sizeof *sa), **sb = malloc(CAP * sizeof *sb);
  if (!sa || !sb) abort();
  uint32_t na = level_strs(p, a, sa, CAP), nb = level_strs(p, b, sb, CAP);
  int same = 1;
  for (uint32_t i = 0; i < na && same; i++) same = has_str(sb, nb, sa[i]);
  for (uint32_t i = 0; i < nb && same; i++) same = has_str(sa, na, sb[i]);
  free(sa);
  free(sb);
  return same;
}

static int same_field(const pol_Program *p, uint32_t f, const pol_Value *a, const pol_Value *b)
{
  if (f == POL_AUTH_LEVELS) return same_levels(p, a, b);
  if (a->tag != b->tag) return 0;
  switch ((pol_Tag)a->tag) {
  case PV_NUM: return a->u.d == b->u.d;
  case PV_STR: return strcmp(a->u.s, b->u.s) == 0;
  case PV_DATE: return a->aux == b->aux;
  case PV_DUR: return a->u.r.lo == b->u.r.lo && a->u.r.hi == b->u.r.hi;
  case PV_UNK: case PV_BOOL: case PV_RANGE: case PV_WIN: case PV_SET: case PV_LIST: case PV_REC:
    break;
  }
  return 1;
}

uint32_t pol_auth_changes(const pol_Program *p, const pol_LineResult *lr)
{
  uint32_t ch = 0;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(lr->authmask >> f & 1u)) continue;
    const pol_AuthResult *a = &lr->auth[f];
    if (a->value.tag == PV_UNK || a->requested.tag == PV_UNK) continue;
    if (!same_field(p, f, &a->requested, &a->value)) ch |= 1u << f;
  }
  return ch;
}

/* "1 year", "6 months", "30 days", "1 month 15 days" */
static void dur_text(pol_Buf *b, const pol_Value *v)
{
  int32_t m = v->u.r.lo, d = v->u.r.hi;
  if (m && m % 12 == 0) {
    pol_buf_int(b, m / 12);
    pol_buf_puts(b, m == 12 ? " year" : " years");
  } else if (m) {
    pol_buf_int(b, m);
    pol_buf_puts(b, m == 1 ? " month" : " months");
  }
  if (m && d) pol_buf_lit(b, " ");
  if (d || !m) {
    pol_buf_int(b, d);
    pol_buf_puts(b, d == 1 ? " day" : " days");
  }
}

void pol_auth_value_text(pol_Buf *b, const pol_Program *p, uint32_t f, const pol_Value *v)
{
  char d[11], nb[POL_DEC_BUFSIZE];
  if (f == POL_AUTH_LEVELS && (v->tag == PV_LIST || v->tag == PV_SET)) {
    enum { CAP = 1024 };
    const char **s = malloc(CAP * sizeof *s);
    if (!s) abort();
    uint32_t n = level_strs(p, v, s, CAP);
    for (uint32_t i = 0; i < n; i++) {
      if (i) pol_buf_puts(b, ", ");
      pol_buf_text_str(b, s[i]);
    }
    if (!n) pol_buf_puts(b, "none");
    free(s);
    return;
  }
  switch ((pol_Tag)v->tag) {
  case PV_NUM: pol_dec_format(v->u.d, nb); pol_buf_puts(b, nb); return;
  case PV_STR: pol_buf_text_str(b, v->u.s); return;
  case PV_DATE: pol_format_date((int32_t)v->aux, d); pol_buf_puts(b, d); return;
  case PV_DUR: dur_text(b, v); return;
  case PV_UNK: case PV_BOOL: case PV_RANGE: case PV_WIN: case PV_SET: case PV_LIST: case PV_REC:
    break;
  }
  pol_buf_puts(b, "unknown");
}

void pol_auth_value_json(pol_Buf *b, const pol_Program *p, uint32_t f, const pol_Value *v)
{
  if (f == POL_AUTH_LEVELS && (v->tag == PV_LIST || v->tag == PV_SET)) {
    enum { CAP = 1024 };
    const char **s = malloc(CAP * sizeof *s);
    if (!s) abort();
    uint32_t n = level_strs(p, v, s, CAP);
    pol_buf_puts(b, "[");
    for (uint32_t i = 0; i < n; i++) {
      if (i) pol_buf_puts(b, ", ");
      pol_buf_json_str(b, s[i]);
    }
    pol_buf_puts(b, "]");
    free(s);
    return;
  }
  switch ((pol_Tag)v->tag) {
  case PV_NUM: pol_buf_dec(b, v->u.d); return;
  case PV_STR: pol_buf_json_str(b, v->u.s); return;
  case PV_DATE:
    pol_buf_lit(b, "\"");
    pol_buf_date(b, (int32_t)v->aux);
    pol_buf_lit(b, "\"");
    return;
  case PV_DUR:   /* digits, letters and spaces: nothing to escape */
    pol_buf_lit(b, "\"");
    dur_text(b, v);
    pol_buf_lit(b, "\"");
    return;
  case PV_UNK: case PV_BOOL: case PV_RANGE: case PV_WIN: case PV_SET: case PV_LIST: case PV_REC:
    break;
  }
  pol_buf_puts(b, "null");
}

/* The fields of mask, in order, with the value of each as JSON. */
static void fields_json(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr, uint32_t mask,
                        int requested)
{
  pol_buf_puts(b, "{");
  int first = 1;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(mask >> f & 1u)) continue;
    const pol_Value *v = requested ? &lr->auth[f].requested : &lr->auth[f].value;
    if (requested && v->tag == PV_UNK) continue;
    pol_buf_puts(b, first ? "\"" : ", \"");
    pol_buf_puts(b, pol_auth_name(f));
    pol_buf_lit(b, "\": ");
    first = 0;
    pol_auth_value_json(b, p, f, v);
  }
  pol_buf_puts(b, "}");
}

void pol_auth_json(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr)
{
  uint32_t ch = pol_auth_changes(p, lr);
  pol_buf_puts(b, ch ? "{\"modified\": true, \"requested\": " : "{\"modified\": false, \"requested\": ");
  uint32_t reqmask = 0;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++)
    if (pol_auth_request_key(f)) reqmask |= 1u << f;
  fields_json(b, p, lr, lr->authmask & reqmask, 1);
  pol_buf_puts(b, ", \"authorized\": ");
  fields_json(b, p, lr, lr->authmask, 0);
  pol_buf_puts(b, ", \"changes\": [");
  int first = 1;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(ch >> f & 1u)) continue;
    pol_buf_puts(b, first ? "{\"field\": \"" : ", {\"field\": \"");
    pol_buf_puts(b, pol_auth_name(f));
    pol_buf_lit(b, "\", \"requested\": ");
    first = 0;
    pol_auth_value_json(b, p, f, &lr->auth[f].requested);
    pol_buf_puts(b, ", \"authorized\": ");
    pol_auth_value_json(b, p, f, &lr->auth[f].value);
    pol_buf_puts(b, "}");
  }
  pol_buf_puts(b, "]}");
}

/* One field in words: "setting outpatient", "0 inpatient days". */
static void phrase(pol_Buf *b, const pol_Program *p, uint32_t f, const pol_Value *v)
{
  switch ((pol_AuthField)f) {
  case POL_AUTH_QUANTITY: pol_buf_puts(b, "quantity "); break;
  case POL_AUTH_PER: pol_buf_puts(b, "per "); break;
  case POL_AUTH_START: pol_buf_puts(b, "period from "); break;
  case POL_AUTH_END: pol_buf_puts(b, "period to "); break;
  case POL_AUTH_SETTING: pol_buf_puts(b, "setting "); break;
  case POL_AUTH_INPATIENT_DAYS:
    pol_auth_value_text(b, p, f, v);
    pol_buf_puts(b, " inpatient days");
    return;
  case POL_AUTH_LEVELS: pol_buf_puts(b, "levels "); break;
  case POL_AUTH__COUNT: break;
  }
  pol_auth_value_text(b, p, f, v);
}

void pol_auth_summary(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr)
{
  uint32_t m = lr->authmask;
  int first = 1;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(m >> f & 1u)) continue;
    const pol_Value *v = &lr->auth[f].value;
    if (f == POL_AUTH_PER && (m >> POL_AUTH_QUANTITY & 1u)) {   /* "quantity 12 per 1 year" */
      pol_buf_puts(b, " ");
      phrase(b, p, f, v);
      continue;
    }
    if (f == POL_AUTH_END && (m >> POL_AUTH_START & 1u)) {      /* "period from A to B" */
      pol_buf_puts(b, " to ");
      pol_auth_value_text(b, p, f, v);
      continue;
    }
    if (!first) pol_buf_puts(b, "; ");
    first = 0;
    phrase(b, p, f, v);
  }
}

void pol_auth_changes_text(pol_Buf *b, const pol_Program *p, const pol_LineResult *lr,
                           uint32_t changes)
{
  int first = 1;
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(changes >> f & 1u)) continue;
    if (!first) pol_buf_puts(b, "; ");
    first = 0;
    phrase(b, p, f, &lr->auth[f].value);
    pol_buf_puts(b, " (requested ");
    pol_auth_value_text(b, p, f, &lr->auth[f].requested);
    pol_buf_puts(b, ")");
  }
}
