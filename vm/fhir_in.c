/*
 * fhir_in.c -- a FHIR R4 Bundle (Da Vinci PAS request) as a case-format
 * document, through the `fhir` bindings of the program (docs/fhir.md).
 *
 * Three steps.  (1) The resources: every entry[i].resource and the
 * resources each one contains, by type; unknown types are noted and
 * ignored; resources whose status says entered-in-error or cancelled are
 * left out (noted); every reference (Claim.patient, subject, patient) must
 * resolve inside the bundle.  (2) The structured bindings, in source
 * order: a binding selects the nodes of its source ("Claim.item": each
 * item of each Claim), keeps those whose `where` element has a coding in
 * its list, and writes the case path: a list binding one record per node
 * (nothing when no node matches: unknown, never an empty list), a scalar
 * binding the first node's value.  (3) QuestionnaireResponse answers: an
 * item whose linkId is a fact's case path answers that fact (docs/fhir.md
 * "Answers"), unless a structured binding already gave it.
 *
 * The document is then loaded by pol_case_load like any case, so a FHIR
 * element that is absent is an unknown fact exactly as an absent case
 * field is.  Errors name the entry and element ("C0152 entry[3].resource.
 * valueQuantity.value: expected number, got string").
 */
#include "fhir_in.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "value.h"

#define C_NOCLAIM "C0150"   /* no Claim, or not a Bundle of entries */
#define C_NOID    "C0151"   /* no case id (Claim.identifier / Claim.id) */
#define C_TYPE    "C0152"   /* an element of the wrong type */
#define C_REF     "C0153"   /* a reference that does not resolve in the bundle */
#define C_UNKRES  "C0154"   /* note: a resource type the reader ignores */
#define C_NOSYS   "C0155"   /* note: a coding without a system */
#define C_UNIT    "C0156"   /* a quantity whose unit does not convert */
#define C_EXCL    "C0157"   /* note: a resource left out by its status */
#define C_LINKID  "C0158"   /* note: a linkId that answers no fact */
#define C_USE     "C0159"   /* note: a Claim whose use is not preauthorization */

#define PATH_MAX_LEN 200
#define MAX_RES 100000u      /* resources in one bundle, contained ones too */

/* The resource types the reader takes (docs/fhir.md). */
static const char *const known_types[] = {
  "Claim", "Patient", "Coverage", "Condition", "Procedure", "Observation",
  "MedicationRequest", "MedicationStatement", "ServiceRequest", "DiagnosticReport",
  "ImagingStudy", "QuestionnaireResponse", "Practitioner", "PractitionerRole",
  "Organization", "Encounter", "Location", "DocumentReference",
};

int pol_fhir_resource_known(const char *rt)
{
  for (size_t i = 0; i < sizeof known_types / sizeof *known_types; i++)
    if (strcmp(rt, known_types[i]) == 0) return 1;
  return 0;
}

/* UCUM units quantity(...) converts between: a dimension and the factor
   to its first unit. */
static const struct { const char *unit; int dim; double factor; } units[] = {
  {"mm", 1, 1}, {"cm", 1, 10}, {"m", 1, 1000},
  {"mg", 2, 1}, {"g", 2, 1000}, {"kg", 2, 1e6},
  {"min", 3, 1}, {"h", 3, 60}, {"d", 3, 1440}, {"wk", 3, 10080},
  {"%", 4, 1}, {"{score}", 5, 1}, {"1", 6, 1},
  {"kg/m2", 7, 1}, {"mg/dL", 8, 1}, {"mmol/L", 9, 1},
};

static int unit_at(const char *u)
{
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(units[i].unit, u) == 0) return (int)i;
  return -1;
}

int pol_fhir_unit_known(const char *unit) { return unit_at(unit) >= 0; }

int pol_fhir_unit_info(const char *unit, int *dim, double *factor)
{
  int i = unit_at(unit);
  if (i < 0) return -1;
  *dim = units[i].dim;
  *factor = units[i].factor;
  return 0;
}

/* The FHIR URIs of the code systems of value sets (docs/fhir.md). */
static const struct { const char *uri; uint32_t sys; } sys_uris[] = {
  {"http://hl7.org/fhir/sid/icd-10-cm", POL_CS_ICD10CM},
  {"http://www.ama-assn.org/go/cpt", POL_CS_CPT},
  {"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", POL_CS_HCPCS},
  {"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", POL_CS_HCPCS},
  {"http://loinc.org", POL_CS_LOINC},
  {"http://www.nlm.nih.gov/research/umls/rxnorm", POL_CS_RXNORM},
  {"http://hl7.org/fhir/sid/ndc", POL_CS_NDC},
  {"http://snomed.info/sct", POL_CS_SNOMED},
};

int pol_fhir_vset_match(const pol_Program *p, uint32_t vs, const char *sys, size_t sl, const char *code,
                        size_t cl)
{
  if (vs >= p->nvs) return 0;
  uint32_t want = p->vs[vs].system;
  for (size_t i = 0; i < sizeof sys_uris / sizeof *sys_uris; i++) {
    const char *u = sys_uris[i].uri;
    if (strlen(u) != sl || memcmp(u, sys, sl) != 0) continue;
    uint32_t have = sys_uris[i].sys;
    if (have != want && !(want == POL_CS_PROCEDURE && (have == POL_CS_CPT || have == POL_CS_HCPCS)))
      return 0;
    char norm[POL_CODE_BUF];
    return pol_code_norm(want, code, cl, norm, NULL) == 0 && pol_vset_has(p, vs, norm);
  }
  return 0;
}

int pol_fhir_system_is(const char *want, const char *sys, size_t sl)
{
  int cs = strchr(want, ':') ? -1 : pol_code_system_find(want);
  if (cs < 0) return strlen(want) == sl && memcmp(want, sys, sl) == 0;
  for (size_t i = 0; i < sizeof sys_uris / sizeof *sys_uris; i++) {
    const char *u = sys_uris[i].uri;
    if (strlen(u) != sl || memcmp(u, sys, sl) != 0) continue;
    uint32_t have = sys_uris[i].sys;
    return have == (uint32_t)cs || (cs == POL_CS_PROCEDURE && (have == POL_CS_CPT || have == POL_CS_HCPCS));
  }
  return 0;
}

int pol_fhir_is_bundle(const json_t *root)
{
  const char *t = json_string_value(json_object_get(root, "resourceType"));
  return json_is_object(root) && t && strcmp(t, "Bundle") == 0;
}

/* ---- state ---------------------------------------------------------------- */

typedef struct Res {
  const json_t *r;
  const char *type, *id, *full;   /* full: the entry's fullUrl, or NULL */
  const json_t *host;             /* a contained resource: its container */
  char path[PATH_MAX_LEN];        /* "entry[3].resource" */
} Res;

typedef struct Node {
  const json_t *j;
  const Res *res;
  char path[PATH_MAX_LEN];
} Node;

typedef struct R {
  const pol_Program *p;
  Res *res;
  size_t nres;
  Node *nodes;
  size_t nnodes, capnodes;
  json_t *doc;
  pol_Buf *notes;
  char *err;
  size_t errlen;
  int failed;
  /* age(...) waits for request.date: the records and keys to fill */
  struct Age { json_t *obj; char key[64]; int32_t birth; } *ages;
  size_t nages, capages;
} R;

static int failf(R *r, const char *code, const char *path, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static int failf(R *r, const char *code, const char *path, const char *fmt, ...)
{
  if (r->failed) return -1;
  r->failed = 1;
  char msg[240];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->err && r->errlen) snprintf(r->err, r->errlen, "%s %s: %s", code, path, msg);
  return -1;
}

static void note(R *r, const char *code, const char *path, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void note(R *r, const char *code, const char *path, const char *fmt, ...)
{
  if (!r->notes) return;
  char msg[240];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pol_buf_printf(r->notes, "%s %s: %s\n", code, path, msg);
}

/* Is there a note CODE PATH already? */
static int noted(const R *r, const char *code, const char *path)
{
  if (!r->notes || !r->notes->s) return 0;
  char head[PATH_MAX_LEN + 16];
  int n = snprintf(head, sizeof head, "%s %s:", code, path);
  for (const char *q = r->notes->s; (q = strstr(q, head)) != NULL; q += n)
    if (q == r->notes->s || q[-1] == '\n') return 1;
  return 0;
}

static const char *S(const R *r, uint32_t id) { return id == POL_NOSTR ? NULL : r->p->str[id]; }

static const char *kind_of(const json_t *j)
{
  switch (json_typeof(j)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: case JSON_REAL: return "number";
  case JSON_TRUE: case JSON_FALSE: return "boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

/* An element path into out (PATH_MAX_LEN bytes), cut if longer. */
static void pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pathf(char *out, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, PATH_MAX_LEN, fmt, ap);
  va_end(ap);
}

static void join(char *out, const char *base, const char *key, long idx)
{
  char b[PATH_MAX_LEN];
  pathf(b, "%s", base);   /* out may be base */
  if (idx >= 0) pathf(out, "%s.%s[%ld]", b, key, idx);
  else pathf(out, "%s.%s", b, key);
}

/* ---- resources ------------------------------------------------------------ */

static int excluded(const json_t *res)
{
  const char *st = json_string_value(json_object_get(res, "status"));
  if (st && (strcmp(st, "entered-in-error") == 0 || strcmp(st, "cancelled") == 0)) return 1;
  const json_t *vs = json_object_get(json_object_get(res, "verificationStatus"), "coding");
  for (size_t i = 0; i < json_array_size(vs); i++) {
    const char *c = json_string_value(json_object_get(json_array_get(vs, i), "code"));
    if (c && (strcmp(c, "entered-in-error") == 0 || strcmp(c, "refuted") == 0)) return 1;
  }
  return 0;
}

static int add_res(R *r, const json_t *res, const char *path, const char *full, const json_t *host)
{
  if (!json_is_object(res)) return failf(r, C_TYPE, path, "expected object, got %s", kind_of(res));
  const json_t *t = json_object_get(res, "resourceType");
  char tp[PATH_MAX_LEN];
  join(tp, path, "resourceType", -1);
  if (!json_is_string(t)) return failf(r, C_TYPE, tp, "expected string, got %s", t ? kind_of(t) : "nothing");
  const char *type = json_string_value(t);
  if (!pol_fhir_resource_known(type)) {
    note(r, C_UNKRES, tp, "resource type '%.60s' is not read (ignored)", type);
    return 0;
  }
  if (excluded(res)) {
    note(r, C_EXCL, path, "%.60s left out: its status is entered-in-error, cancelled or refuted", type);
    return 0;
  }
  if (r->nres >= MAX_RES) return failf(r, C_TYPE, path, "more than %u resources", MAX_RES);
  const json_t *id = json_object_get(res, "id");
  char ip[PATH_MAX_LEN];
  join(ip, path, "id", -1);
  if (id && !json_is_string(id)) return failf(r, C_TYPE, ip, "expected string, got %s", kind_of(id));
  Res *x = &r->res[r->nres++];
  x->r = res;
  x->type = type;
  x->id = json_string_value(id);
  x->full = full;
  x->host = host;
  pathf(x->path, "%s", path);
  const json_t *cont = json_object_get(res, "contained");
  if (cont && !host) {
    char cp[PATH_MAX_LEN];
    join(cp, path, "contained", -1);
    if (!json_is_array(cont)) return failf(r, C_TYPE, cp, "expected array, got %s", kind_of(cont));
    for (size_t i = 0; i < json_array_size(cont); i++) {
      join(cp, path, "contained", (long)i);
      if (add_res(r, json_array_get(cont, i), cp, NULL, res)) return -1;
    }
  }
  return 0;
}

static size_t count_res(const json_t *entries)
{
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(entries); i++) {
    const json_t *res = json_object_get(json_array_get(entries, i), "resource");
    n += 1 + json_array_size(json_object_get(res, "contained"));
  }
  return n;
}

/* The resource ref names, seen from resource `from`: "#id" (contained in
   from's container, or in from), "Type/id", or a fullUrl. */
static const Res *resolve(const R *r, const Res *from, const char *ref)
{
  const json_t *host = from->host ? from->host : from->r;
  for (size_t i = 0; i < r->nres; i++) {
    const Res *x = &r->res[i];
    if (ref[0] == '#') {
      if (x->host == host && x->id && strcmp(x->id, ref + 1) == 0) return x;
      continue;
    }
    if (x->full && strcmp(x->full, ref) == 0) return x;
    size_t tl = strlen(x->type);
    if (x->id && !x->host && strncmp(ref, x->type, tl) == 0 && ref[tl] == '/' &&
        strcmp(ref + tl + 1, x->id) == 0)
      return x;
  }
  return NULL;
}

/* Every Reference under subject / patient / beneficiary resolves. */
static int check_refs(R *r)
{
  static const char *const keys[] = {"subject", "patient", "beneficiary"};
  for (size_t i = 0; i < r->nres; i++)
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
      const json_t *ref = json_object_get(r->res[i].r, keys[k]);
      if (!ref) continue;
      char path[PATH_MAX_LEN];
      join(path, r->res[i].path, keys[k], -1);
      if (!json_is_object(ref)) return failf(r, C_TYPE, path, "expected a Reference object, got %s", kind_of(ref));
      const json_t *s = json_object_get(ref, "reference");
      char rp[PATH_MAX_LEN];
      join(rp, path, "reference", -1);
      if (!s) continue;   /* an identifier-only reference: nothing to resolve */
      if (!json_is_string(s)) return failf(r, C_TYPE, rp, "expected string, got %s", kind_of(s));
      if (!resolve(r, &r->res[i], json_string_value(s)))
        return failf(r, C_REF, rp, "'%.80s' does not resolve inside the bundle", json_string_value(s));
    }
  return 0;
}

/* ---- element paths -------------------------------------------------------- */

static void push_node(R *r, const json_t *j, const Res *res, const char *path)
{
  if (r->nnodes == r->capnodes) {
    size_t cap = r->capnodes ? r->capnodes * 2 : 16;
    Node *n = realloc(r->nodes, cap * sizeof *n);
    if (!n) abort();
    r->nodes = n;
    r->capnodes = cap;
  }
  Node *n = &r->nodes[r->nnodes++];
  n->j = j;
  n->res = res;
  pathf(n->path, "%s", path);
}

/* Calls each node at path (dotted, arrays flattened) under j. */
typedef int (*Visit)(R *r, const json_t *j, const char *path, void *ctx);

static int walk(R *r, const json_t *j, const char *elem, const char *path, Visit f, void *ctx)
{
  if (!j || json_is_null(j)) return 0;
  if (json_is_array(j)) {
    for (size_t i = 0; i < json_array_size(j); i++) {
      char p[PATH_MAX_LEN];
      pathf(p, "%s[%zu]", path, i);
      int rc = walk(r, json_array_get(j, i), elem, p, f, ctx);
      if (rc) return rc;
    }
    return 0;
  }
  if (!*elem) return f(r, j, path, ctx);
  size_t n = strcspn(elem, ".");
  if (!json_is_object(j)) return failf(r, C_TYPE, path, "expected object, got %s", kind_of(j));
  char key[64];
  snprintf(key, sizeof key, "%.*s", (int)(n < 63 ? n : 63), elem);
  char p[PATH_MAX_LEN];
  join(p, path, key, -1);
  return walk(r, json_object_get(j, key), elem[n] ? elem + n + 1 : "", p, f, ctx);
}

typedef struct First { const json_t *j; char path[PATH_MAX_LEN]; } First;

static int take_first(R *r, const json_t *j, const char *path, void *ctx)
{
  (void)r;
  First *f = ctx;
  f->j = j;
  pathf(f->path, "%s", path);
  return 1;   /* stop */
}

static int push_visit(R *r, const json_t *j, const char *path, void *ctx)
{
  push_node(r, j, ctx, path);
  return 0;
}

typedef struct Match { const R *r; const pol_FhirBind *b; int hit; } Match;

/* A CodeableConcept (or Coding): does one of its codings match? */
static int match_visit(R *r, const json_t *j, const char *path, void *ctx)
{
  Match *m = ctx;
  const json_t *codings = json_object_get(j, "coding");
  const json_t *one = codings ? NULL : j;
  for (size_t i = 0; i < (one ? 1 : json_array_size(codings)); i++) {
    const json_t *c = one ? one : json_array_get(codings, i);
    const char *sys = json_string_value(json_object_get(c, "system"));
    const char *code = json_string_value(json_object_get(c, "code"));
    if (!code) continue;
    if (!sys) {
      char p[PATH_MAX_LEN];
      if (one) pathf(p, "%s", path);
      else pathf(p, "%s.coding[%zu]", path, i);
      note(r, C_NOSYS, p, "code '%.40s' has no system: it matches no value set", code);
      continue;
    }
    size_t sl = strlen(sys);
    if (m->b->flags & POL_FHIR_VSET) {   /* `where ELEMENT in VALUESET` */
      if (pol_fhir_vset_match(m->r->p, m->b->code0, sys, sl, code, strlen(code))) {
        m->hit = 1;
        return 1;
      }
      continue;
    }
    for (uint32_t k = 0; k < m->b->ncodes; k++) {
      const char *want = S(m->r, m->r->p->fhirstr[m->b->code0 + k]);
      if (strncmp(want, sys, sl) == 0 && want[sl] == '|' && strcmp(want + sl + 1, code) == 0) {
        m->hit = 1;
        return 1;
      }
    }
  }
  return 0;
}

/* ---- types ---------------------------------------------------------------- */

uint32_t pol_fhir_want_type(const pol_Program *p, const char *target, const char *field)
{
  int lines = strcmp(target, "request.procedures") == 0;
  for (uint32_t f = 0; f < p->nfacts; f++) {
    const char *path = p->str[p->facts[f].path];
    uint32_t t = p->facts[f].type;
    if (field && lines && p->facts[f].scope == POL_SCOPE_LINE && strcmp(path, field) == 0) return t;
    if (p->facts[f].scope != POL_SCOPE_CASE || strcmp(path, target) != 0) continue;
    if (!field) return t;
    if (POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && POL_TREC(t) < p->nrec) {
      const pol_RecType *rt = &p->rec[POL_TREC(t)];
      for (uint32_t i = 0; i < rt->nfields; i++)
        if (strcmp(p->str[rt->fields[i].name], field) == 0) return rt->fields[i].type;
    }
  }
  return 0;
}

/* A primitive FHIR value as the case value of type t (0: as it is); a
   dateTime for a date keeps its date. */
static json_t *as_case(R *r, const json_t *v, uint32_t t, const char *path)
{
  pol_Kind k = t ? POL_TKIND(t) : PK_NONE;
  int ok = 1;
  switch (k) {
  case PK_BOOL: ok = json_is_boolean(v); break;
  case PK_NUM: ok = json_is_number(v); break;
  case PK_STR: ok = json_is_string(v); break;
  case PK_DATE:
    ok = json_is_string(v);
    if (ok && json_string_length(v) > 10 && json_string_value(v)[10] == 'T')
      return json_stringn(json_string_value(v), 10);
    break;
  case PK_NONE:
    ok = !json_is_object(v) && !json_is_array(v);
    break;
  case PK_LIST: case PK_REC: case PK_DUR: case PK_WIN: case PK_SET: case PK__COUNT:
    ok = 0;
    break;
  }
  if (!ok) {
    static const char *const names[] = {"a value", "boolean", "number", "string", "date"};
    failf(r, C_TYPE, path, "expected %s, got %s", k <= PK_DATE ? names[k] : "a primitive value",
          kind_of(v));
    return NULL;
  }
  return json_copy((json_t *)v);
}

/* ---- conversions ---------------------------------------------------------- */

/* quantity(elem, "unit"): a Quantity's value in unit. */
static json_t *conv_quantity(R *r, const json_t *q, const char *path, const char *to)
{
  if (!json_is_object(q)) {
    failf(r, C_TYPE, path, "expected a Quantity object, got %s", kind_of(q));
    return NULL;
  }
  const json_t *v = json_object_get(q, "value");
  char vp[PATH_MAX_LEN], up[PATH_MAX_LEN];
  join(vp, path, "value", -1);
  if (!v || json_is_null(v)) return NULL;   /* no value: unknown */
  if (!json_is_number(v)) {
    failf(r, C_TYPE, vp, "expected number, got %s", kind_of(v));
    return NULL;
  }
  const json_t *u = json_object_get(q, "code");
  join(up, path, "code", -1);
  if (!u) {
    u = json_object_get(q, "unit");
    join(up, path, "unit", -1);
  }
  int ti = unit_at(to);
  const char *from = json_string_value(u);
  if (u && !from) {
    failf(r, C_TYPE, up, "expected string, got %s", kind_of(u));
    return NULL;
  }
  if (!from) {
    if (units[ti].dim == 5 || units[ti].dim == 6) return json_copy((json_t *)v);
    failf(r, C_UNIT, up, "no unit: expected a quantity in %s", to);
    return NULL;
  }
  int fi = unit_at(from);
  if (fi < 0 || units[fi].dim != units[ti].dim) {
    failf(r, C_UNIT, up, "unit '%.30s' does not convert to %s", from, to);
    return NULL;
  }
  if (fi == ti) return json_copy((json_t *)v);
  double x = json_number_value(v) * units[fi].factor / units[ti].factor;
  char buf[40];
  snprintf(buf, sizeof buf, "%.8f", x);
  return json_real(strtod(buf, NULL));
}

typedef struct Seqs { long seq[64]; int n; } Seqs;

static int seq_visit(R *r, const json_t *j, const char *path, void *ctx)
{
  Seqs *s = ctx;
  if (!json_is_integer(j)) return failf(r, C_TYPE, path, "expected integer, got %s", kind_of(j));
  if (s->n < 64) s->seq[s->n++] = (long)json_integer_value(j);
  return 0;
}

/* info(informationSequence, "name"): the value of the Claim.supportingInfo
   entry of category code `name` among those the item points to; for a
   list field (t a list) the values of all such entries, in order. */
static json_t *conv_info(R *r, const Node *n, const char *elem, const char *name, uint32_t t)
{
  Seqs s = {{0}, 0};
  if (walk(r, n->j, elem, n->path, seq_visit, &s) < 0) return NULL;
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  json_t *out = list ? json_array() : NULL;
  const json_t *infos = json_object_get(n->res->r, "supportingInfo");
  for (size_t i = 0; i < json_array_size(infos); i++) {
    const json_t *si = json_array_get(infos, i);
    const json_t *sq = json_object_get(si, "sequence");
    int in = 0;
    for (int k = 0; k < s.n; k++) in |= json_is_integer(sq) && json_integer_value(sq) == s.seq[k];
    if (!in) continue;
    const json_t *cod = json_object_get(json_object_get(si, "category"), "coding");
    int hit = 0;
    for (size_t c = 0; c < json_array_size(cod); c++) {
      const char *code = json_string_value(json_object_get(json_array_get(cod, c), "code"));
      hit |= code && strcmp(code, name) == 0;
    }
    if (!hit) continue;
    static const char *const vals[] = {"valueBoolean", "valueString", "valueQuantity"};
    for (size_t v = 0; v < 3; v++) {
      const json_t *x = json_object_get(si, vals[v]);
      if (!x) continue;
      char path[PATH_MAX_LEN];
      pathf(path, "%s.supportingInfo[%zu].%s%s", n->res->path, i, vals[v], v == 2 ? ".value" : "");
      if (v == 2) x = json_object_get(x, "value");
      if (!x) break;
      json_t *y = as_case(r, x, et, path);
      if (!y) { json_decref(out); return NULL; }
      if (!list) return y;
      json_array_append_new(out, y);
      break;
    }
  }
  return out;
}

typedef struct Coded { const char *sys; const json_t *code; char path[PATH_MAX_LEN]; } Coded;

/* A CodeableConcept or Coding: its first coding of system c->sys. */
static int coded_visit(R *r, const json_t *j, const char *path, void *ctx)
{
  Coded *c = ctx;
  const json_t *codings = json_object_get(j, "coding");
  const json_t *one = codings ? NULL : j;
  for (size_t i = 0; i < (one ? 1 : json_array_size(codings)); i++) {
    const json_t *x = one ? one : json_array_get(codings, i);
    const char *sys = json_string_value(json_object_get(x, "system"));
    const char *code = json_string_value(json_object_get(x, "code"));
    if (!sys && code) {   /* said, so that a line without its code is not a mystery */
      char p[PATH_MAX_LEN];
      if (one) pathf(p, "%s", path);
      else pathf(p, "%s.coding[%zu]", path, i);
      if (!noted(r, C_NOSYS, p))   /* once, whichever bindings ask */
        note(r, C_NOSYS, p, "code '%.40s' has no system: no binding reads it as a code", code);
      continue;
    }
    if (!sys || !pol_fhir_system_is(c->sys, sys, strlen(sys)) || !json_object_get(x, "code")) continue;
    c->code = json_object_get(x, "code");
    if (one) pathf(c->path, "%s.code", path);
    else pathf(c->path, "%s.coding[%zu].code", path, i);
    return 1;
  }
  return 0;
}

/* code(elem, "system"): the code of the first coding of that system (a
   URI, or a code system's name: pol_fhir_system_is). */
static json_t *conv_code(R *r, const Node *n, const char *elem, const char *sys, uint32_t t)
{
  Coded c = {sys, NULL, ""};
  if (walk(r, n->j, elem, n->path, coded_visit, &c) < 0 || !c.code) return NULL;
  return as_case(r, c.code, t, c.path);
}

#define SYS_ICD10CM "http://hl7.org/fhir/sid/icd-10-cm"

/* diagnosis(diagnosisSequence): the ICD-10-CM codes of the Claim.diagnosis
   entries the item points to, in the item's order (a list of strings). */
static json_t *conv_diagnosis(R *r, const Node *n, const char *elem, uint32_t t)
{
  Seqs s = {{0}, 0};
  if (walk(r, n->j, elem, n->path, seq_visit, &s) < 0 || s.n == 0) return NULL;
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  json_t *out = list ? json_array() : NULL;
  const json_t *diags = json_object_get(n->res->r, "diagnosis");
  for (int k = 0; k < s.n; k++)
    for (size_t i = 0; i < json_array_size(diags); i++) {
      const json_t *d = json_array_get(diags, i);
      const json_t *sq = json_object_get(d, "sequence");
      if (!json_is_integer(sq) || json_integer_value(sq) != s.seq[k]) continue;
      Coded c = {SYS_ICD10CM, NULL, ""};
      char dp[PATH_MAX_LEN];
      pathf(dp, "%s.diagnosis[%zu]", n->res->path, i);
      if (walk(r, d, "diagnosisCodeableConcept", dp, coded_visit, &c) < 0) { json_decref(out); return NULL; }
      if (!c.code) continue;
      json_t *y = as_case(r, c.code, et, c.path);
      if (!y) { json_decref(out); return NULL; }
      if (!list) return y;
      json_array_append_new(out, y);
    }
  return out;
}

/* One map of a binding applied to node n: the case value, or NULL (no
   value: unknown) with r->failed set on an error. */
static json_t *map_value(R *r, const pol_FhirBind *b, uint32_t m, const Node *n, json_t *rec,
                         const char *key)
{
  const uint32_t *v = &r->p->fhirstr[b->map0 + 4 * m];
  const char *elem = S(r, v[1]), *conv = S(r, v[2]), *arg = S(r, v[3]);
  uint32_t t = pol_fhir_want_type(r->p, S(r, b->target), S(r, v[0]));
  /* `=` into a list of values: each node gives an element (diagnosis(...)
     a list of them) */
  if (!(b->flags & POL_FHIR_LIST) && t && POL_TKIND(t) == PK_LIST && POL_TELEM(t) != PK_REC &&
      !(conv && strcmp(conv, "diagnosis") == 0))
    t = POL_TYPE(POL_TELEM(t), 0, 0);
  if (conv && strcmp(conv, "info") == 0) return conv_info(r, n, elem, arg ? arg : "", t);
  if (conv && strcmp(conv, "code") == 0) return conv_code(r, n, elem, arg ? arg : "", t);
  if (conv && strcmp(conv, "diagnosis") == 0) return conv_diagnosis(r, n, elem, t);
  First f = {NULL, ""};
  if (walk(r, n->j, elem, n->path, take_first, &f) < 0) return NULL;
  if (!f.j) return NULL;
  if (!conv) return as_case(r, f.j, t, f.path);
  if (strcmp(conv, "quantity") == 0) return conv_quantity(r, f.j, f.path, arg ? arg : "1");
  if (strcmp(conv, "age") == 0) {
    int32_t d;
    if (!json_is_string(f.j)) {
      failf(r, C_TYPE, f.path, "expected date string, got %s", kind_of(f.j));
      return NULL;
    }
    if (json_string_length(f.j) != 10 || pol_parse_date(json_string_value(f.j), &d) != 0) {
      note(r, C_TYPE, f.path, "birth date '%.20s' is not a full date: age unknown", json_string_value(f.j));
      return NULL;
    }
    if (r->nages == r->capages) {
      size_t cap = r->capages ? r->capages * 2 : 4;
      struct Age *a = realloc(r->ages, cap * sizeof *a);
      if (!a) abort();
      r->ages = a;
      r->capages = cap;
    }
    struct Age *a = &r->ages[r->nages++];
    a->obj = rec;
    snprintf(a->key, sizeof a->key, "%s", key);
    a->birth = d;
    return NULL;
  }
  failf(r, C_TYPE, f.path, "unknown conversion '%s'", conv);
  return NULL;
}

/* ---- the case document ---------------------------------------------------- */

/* The object holding the last component of path (created on the way), and
   that component in *last. */
static json_t *parent_of(json_t *doc, const char *path, char *last, size_t lastlen)
{
  json_t *o = doc;
  for (;;) {
    size_t n = strcspn(path, ".");
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(n < 63 ? n : 63), path);
    if (!path[n]) {
      snprintf(last, lastlen, "%s", key);
      return o;
    }
    json_t *x = json_object_get(o, key);
    if (!json_is_object(x)) {
      x = json_object();
      json_object_set_new(o, key, x);
    }
    o = x;
    path += n + 1;
  }
}

/* A line fact no map of the request.procedures binding gave: the item's
   supportingInfo of that category code (system line-field), if any --
   the line's analogue of a QuestionnaireResponse answer (docs/fhir.md). */
static void line_infos(R *r, const Node *n, json_t *rec)
{
  const pol_Program *p = r->p;
  for (uint32_t f = 0; f < p->nfacts && !r->failed; f++) {
    if (p->facts[f].scope != POL_SCOPE_LINE) continue;
    const char *key = p->str[p->facts[f].path];
    if (strchr(key, '.') || json_object_get(rec, key)) continue;
    json_t *v = conv_info(r, n, "informationSequence", key, p->facts[f].type);
    if (v && json_is_array(v) && json_array_size(v) == 0) { json_decref(v); v = NULL; }
    if (v) json_object_set_new(rec, key, v);
  }
}

static int apply(R *r, const pol_FhirBind *b)
{
  const char *source = S(r, b->source);
  size_t tl = strcspn(source, ".");
  r->nnodes = 0;
  for (size_t i = 0; i < r->nres; i++) {
    const Res *x = &r->res[i];
    if (strlen(x->type) != tl || strncmp(x->type, source, tl) != 0) continue;
    if (walk(r, x->r, source[tl] ? source + tl + 1 : "", x->path, push_visit, (void *)x) < 0) return -1;
  }
  char key[64];
  json_t *parent = parent_of(r->doc, S(r, b->target), key, sizeof key);
  json_t *list = (b->flags & POL_FHIR_LIST) ? json_array() : NULL;
  int lines = (b->flags & POL_FHIR_LIST) && strcmp(S(r, b->target), "request.procedures") == 0;
  /* `=` into a fact that is a list of values collects every node's value */
  uint32_t tt = (b->flags & POL_FHIR_LIST) ? 0 : pol_fhir_want_type(r->p, S(r, b->target), NULL);
  json_t *vals = tt && POL_TKIND(tt) == PK_LIST && POL_TELEM(tt) != PK_REC ? json_array() : NULL;
  for (size_t i = 0; i < r->nnodes && !r->failed; i++) {
    const Node *n = &r->nodes[i];
    if (b->where != POL_NOSTR) {
      Match m = {r, b, 0};
      if (walk(r, n->j, S(r, b->where), n->path, match_visit, &m) < 0) break;
      if (!m.hit) continue;
    }
    if (!(b->flags & POL_FHIR_LIST) && vals) {   /* `=` into a list of values: one per node */
      json_t *v = map_value(r, b, 0, n, parent, key);
      if (v && json_is_array(v)) {   /* a list (diagnosis(...)): its items */
        json_array_extend(vals, v);
        json_decref(v);
      } else if (v) {
        json_array_append_new(vals, v);
      }
      continue;
    }
    if (!(b->flags & POL_FHIR_LIST)) {
      if (json_object_get(parent, key)) break;
      json_t *v = map_value(r, b, 0, n, parent, key);
      if (v) json_object_set_new(parent, key, v);
      continue;
    }
    json_t *rec = json_object();
    json_array_append_new(list, rec);
    for (uint32_t m = 0; m < b->nmap && !r->failed; m++) {
      const char *field = S(r, r->p->fhirstr[b->map0 + 4 * m]);
      json_t *v = map_value(r, b, m, n, rec, field);
      if (v) json_object_set_new(rec, field, v);
    }
    if (lines) line_infos(r, n, rec);
  }
  if (vals) {
    if (json_array_size(vals) && !json_object_get(parent, key)) json_object_set_new(parent, key, vals);
    else json_decref(vals);
  }
  if (list) {
    /* no node: the list stays unknown (docs/fhir.md "Unknown and empty") */
    if (json_array_size(list) && !json_object_get(parent, key)) json_object_set_new(parent, key, list);
    else json_decref(list);
  }
  return r->failed ? -1 : 0;
}

/* ---- QuestionnaireResponse ------------------------------------------------ */

static const json_t *answer_value(const json_t *a, char *which)
{
  static const char *const keys[] = {"valueBoolean", "valueDecimal", "valueInteger", "valueDate",
                                     "valueDateTime", "valueString", "valueCoding", "valueQuantity"};
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
    const json_t *v = json_object_get(a, keys[k]);
    if (!v) continue;
    strcpy(which, keys[k]);
    if (k == 6) { strcpy(which, "valueCoding.code"); return json_object_get(v, "code"); }
    if (k == 7) { strcpy(which, "valueQuantity.value"); return json_object_get(v, "value"); }
    return v;
  }
  return NULL;
}

static json_t *qr_value(R *r, const json_t *items, const char *link, uint32_t t, const char *path,
                        int depth);

/* The answers of item (at path) as a value of type t. */
static json_t *answers(R *r, const json_t *item, uint32_t t, const char *path)
{
  const json_t *ans = json_object_get(item, "answer");
  int list = POL_TKIND(t) == PK_LIST;
  uint32_t et = list ? POL_TYPE(POL_TELEM(t), 0, 0) : t;
  json_t *arr = list ? json_array() : NULL;
  for (size_t i = 0; i < json_array_size(ans); i++) {
    char which[32] = "", p[PATH_MAX_LEN];
    const json_t *v = answer_value(json_array_get(ans, i), which);
    pathf(p, "%s.answer[%zu].%s", path, i, which);
    if (!v) continue;
    json_t *x = as_case(r, v, et, p);
    if (!x) { json_decref(arr); return NULL; }
    if (!list) return x;
    json_array_append_new(arr, x);
  }
  return arr;
}

/* A group item as a record of type rec: its children by linkId ("kind",
   "therapies.kind", or the questionnaire's "therapies[].kind"). */
static json_t *qr_record(R *r, const json_t *item, uint32_t rec, const char *link, const char *path,
                         int depth)
{
  const pol_RecType *rt = &r->p->rec[rec];
  json_t *o = json_object();
  const json_t *kids = json_object_get(item, "item");
  char ip[PATH_MAX_LEN];
  join(ip, path, "item", -1);
  for (uint32_t f = 0; f < rt->nfields && !r->failed; f++) {
    const char *name = r->p->str[rt->fields[f].name];
    char full[128], qlink[128];
    snprintf(full, sizeof full, "%s.%s", link, name);
    snprintf(qlink, sizeof qlink, "%s[].%s", link, name);
    json_t *v = qr_value(r, kids, name, rt->fields[f].type, ip, depth + 1);
    if (!v && !r->failed) v = qr_value(r, kids, full, rt->fields[f].type, ip, depth + 1);
    if (!v && !r->failed) v = qr_value(r, kids, qlink, rt->fields[f].type, ip, depth + 1);
    if (v) json_object_set_new(o, name, v);
  }
  return o;
}

/* The value of linkId link among items (an array at path), of type t;
   NULL when no item has that linkId (unknown). */
static json_t *qr_value(R *r, const json_t *items, const char *link, uint32_t t, const char *path,
                        int depth)
{
  if (depth > 16) return NULL;
  int reclist = POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC && POL_TREC(t) < r->p->nrec;
  json_t *out = NULL;
  for (size_t i = 0; i < json_array_size(items) && !r->failed; i++) {
    const json_t *it = json_array_get(items, i);
    const char *l = json_string_value(json_object_get(it, "linkId"));
    if (!l || strcmp(l, link) != 0) continue;
    char p[PATH_MAX_LEN];
    pathf(p, "%s[%zu]", path, i);
    if (reclist) {
      if (!out) out = json_array();
      if (json_object_get(it, "item")) json_array_append_new(out, qr_record(r, it, POL_TREC(t), link, p, depth));
      continue;   /* an item with no children: the list is known (empty so far) */
    }
    json_t *v = answers(r, it, t, p);
    if (v) { json_decref(out); return v; }
  }
  if (r->failed) { json_decref(out); return NULL; }
  return out;
}

/* The items (at path) answering fact paths, recursively through groups. */
static void qr_walk(R *r, const json_t *items, const char *path, int depth)
{
  if (depth > 16) return;
  for (size_t i = 0; i < json_array_size(items) && !r->failed; i++) {
    const json_t *it = json_array_get(items, i);
    char p[PATH_MAX_LEN];
    pathf(p, "%s[%zu]", path, i);
    if (!json_is_object(it)) { failf(r, C_TYPE, p, "expected object, got %s", kind_of(it)); return; }
    const json_t *lj = json_object_get(it, "linkId");
    char lp[PATH_MAX_LEN];
    join(lp, p, "linkId", -1);
    if (!json_is_string(lj)) { failf(r, C_TYPE, lp, "expected string, got %s", lj ? kind_of(lj) : "nothing"); return; }
    const char *link = json_string_value(lj);
    uint32_t t = pol_fhir_want_type(r->p, link, NULL);
    if (!t) {
      if (json_object_get(it, "answer")) note(r, C_LINKID, lp, "'%.60s' answers no fact (ignored)", link);
      char kp[PATH_MAX_LEN];
      join(kp, p, "item", -1);
      qr_walk(r, json_object_get(it, "item"), kp, depth + 1);
      continue;
    }
    char key[64];
    json_t *parent = parent_of(r->doc, link, key, sizeof key);
    if (json_object_get(parent, key)) continue;   /* a structured binding, or an earlier item */
    json_t *v = qr_value(r, items, link, t, path, depth);
    if (v) json_object_set_new(parent, key, v);
  }
}

/* ---- the bundle ----------------------------------------------------------- */

static int read_bundle(R *r, const json_t *bundle)
{
  const json_t *entries = json_object_get(bundle, "entry");
  if (!json_is_array(entries))
    return failf(r, C_NOCLAIM, "entry", "a Bundle needs an entry array (got %s)",
                 entries ? kind_of(entries) : "nothing");
  size_t n = count_res(entries);
  r->res = calloc(n ? n : 1, sizeof *r->res);
  if (!r->res) abort();
  for (size_t i = 0; i < json_array_size(entries); i++) {
    const json_t *e = json_array_get(entries, i);
    char p[PATH_MAX_LEN];
    pathf(p, "entry[%zu]", i);
    if (!json_is_object(e)) return failf(r, C_TYPE, p, "expected object, got %s", kind_of(e));
    const json_t *full = json_object_get(e, "fullUrl");
    char fp[PATH_MAX_LEN];
    join(fp, p, "fullUrl", -1);
    if (full && !json_is_string(full)) return failf(r, C_TYPE, fp, "expected string, got %s", kind_of(full));
    const json_t *res = json_object_get(e, "resource");
    join(p, p, "resource", -1);
    if (!res) { note(r, C_UNKRES, p, "an entry without a resource (ignored)"); continue; }
    if (add_res(r, res, p, json_string_value(full), NULL)) return -1;
  }
  return 0;
}

static const Res *the_claim(R *r)
{
  const Res *claim = NULL;
  for (size_t i = 0; i < r->nres; i++)
    if (strcmp(r->res[i].type, "Claim") == 0 && !r->res[i].host) {
      if (claim) {
        failf(r, C_NOCLAIM, r->res[i].path, "a second Claim: a request bundle has one");
        return NULL;
      }
      claim = &r->res[i];
    }
  if (!claim) failf(r, C_NOCLAIM, "entry", "no Claim resource: a PAS request bundle has one");
  return claim;
}

static int case_id(R *r, const Res *claim)
{
  const json_t *ids = json_object_get(claim->r, "identifier");
  const json_t *v = json_object_get(json_array_get(ids, 0), "value");
  char p[PATH_MAX_LEN];
  if (ids && !json_is_array(ids)) {
    join(p, claim->path, "identifier", -1);
    return failf(r, C_TYPE, p, "expected array, got %s", kind_of(ids));
  }
  pathf(p, "%s.identifier[0].value", claim->path);
  if (v && !json_is_string(v)) return failf(r, C_TYPE, p, "expected string, got %s", kind_of(v));
  if (!v) v = json_object_get(claim->r, "id");
  if (!json_is_string(v))
    return failf(r, C_NOID, claim->path, "no case id: Claim.identifier[0].value or Claim.id");
  json_object_set_new(r->doc, "case_id", json_copy((json_t *)v));
  return 0;
}

static void ages(R *r)
{
  const char *d = json_string_value(json_object_get(json_object_get(r->doc, "request"), "date"));
  int32_t on;
  for (size_t i = 0; i < r->nages; i++) {
    if (!d || pol_parse_date(d, &on) != 0 || json_object_get(r->ages[i].obj, r->ages[i].key)) continue;
    int by, bm, bd, y, m, dd;
    pol_civil_from_days(r->ages[i].birth, &by, &bm, &bd);
    pol_civil_from_days(on, &y, &m, &dd);
    int age = y - by - (m < bm || (m == bm && dd < bd));
    if (age >= 0) json_object_set_new(r->ages[i].obj, r->ages[i].key, json_integer(age));
  }
}

json_t *pol_fhir_to_case(const pol_Program *p, const json_t *bundle, pol_Buf *notes, char *err,
                         size_t errlen)
{
  R r = {0};
  r.p = p;
  r.notes = notes;
  r.err = err;
  r.errlen = errlen;
  if (err && errlen) err[0] = '\0';
  r.doc = json_object();
  const Res *claim = NULL;
  if (read_bundle(&r, bundle) == 0 && check_refs(&r) == 0 && (claim = the_claim(&r)) &&
      case_id(&r, claim) == 0) {
    const char *use = json_string_value(json_object_get(claim->r, "use"));
    if (!use || strcmp(use, "preauthorization") != 0)
      note(&r, C_USE, claim->path, "Claim.use is '%s', not 'preauthorization': judged as a request anyway",
           use ? use : "absent");
    for (uint32_t i = 0; i < p->nfhir && !r.failed; i++) apply(&r, &p->fhir[i]);
    if (!r.failed) ages(&r);
    for (size_t i = 0; i < r.nres && !r.failed; i++)
      if (strcmp(r.res[i].type, "QuestionnaireResponse") == 0) {
        char ip[PATH_MAX_LEN];
        join(ip, r.res[i].path, "item", -1);
        qr_walk(&r, json_object_get(r.res[i].r, "item"), ip, 0);
      }
  }
  free(r.res);
  free(r.nodes);
  free(r.ages);
  if (r.failed) {
    json_decref(r.doc);
    return NULL;
  }
  return r.doc;
}
