/*
 * questionnaire.c -- the DTR Questionnaire of checked policies
 * (docs/fhir.md "The questionnaire").
 *
 * Pass 1 walks every criterion (and branch condition) of every policy in
 * source order, through the lets it uses, and records the case facts it
 * reads (the first reader and every reader's text) and, for each string
 * fact or record field, the string constants the policy compares it with
 * (==, !=, in, not in a set literal or a let holding one).  Pass 2 writes
 * one group per policy, in it one group per criterion, in that one item
 * per fact the criterion is the first to read: linkId = the fact's case
 * path, type from the fact's type, answer options from pass 1, the
 * readers' texts as a help child; a list of records is a repeating group
 * of its fields (linkIds PATH[].FIELD).  Facts the Claim itself carries
 * (asked() below) are not asked.
 *
 * Everything allocated here is freed before returning but the JSON, owned
 * by the caller; AST nodes are borrowed from the compile.
 */
#include "questionnaire.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/fhir_out.h"
#include "../vm/util.h"

/* Quantifiers nest, and lets refer to lets, at most this deep here (the
   checker bounds expressions far below what a real policy reaches). */
#define Q_MAX_NEST 64
/* A list of records inside a record inside ... is written this deep. */
#define Q_MAX_GROUP_DEPTH 4

typedef struct Reader {
  const char *policy, *version, *id, *text;
} Reader;

typedef struct Fact {
  const pol_Node *decl;  /* N_FACT */
  int first;             /* index of its first reader in Q.readers */
  int *readers;          /* indices into Q.readers, each once */
  int nreaders, capreaders;
} Fact;

/* The string constants compared with a fact (decl) or a record field
   (rec, field). */
typedef struct Opts {
  const pol_Node *decl;
  int rec, field;
  const char **vals;
  int n, cap;
} Opts;

typedef struct Q {
  pol_Compiler *c;
  Reader *readers;
  int nreaders, capreaders;
  Fact *facts;
  int nfacts, capfacts;
  Opts *opts;
  int nopts, capopts;
  const pol_Node *stack[Q_MAX_NEST];   /* the lists of the enclosing quantifiers */
  int top, base;                       /* base: the first of the current let body */
  int nest;
  int cur;                             /* the reader being walked */
} Q;

/* ---- pass 1 ----------------------------------------------------------------- */

/* The facts a PAS Claim carries itself (its dates, plan, items and each
   item's code, quantity and period) are not asked. */
static int asked(const pol_Node *fact)
{
  static const char *const claim[] = {"request.date", "request.service_date", "request.plan",
                                      "request.procedures", "line.cpt", "line.line", "line.units",
                                      "line.period_start", "line.period_end"};
  for (size_t i = 0; i < sizeof claim / sizeof *claim; i++)
    if (strcmp(fact->path, claim[i]) == 0) return 0;
  return 1;
}

/* The linkId of a fact: its case path, a request line's fields as
   request.procedures[].FIELD (as the traces name missing facts). */
static void fact_link(pol_Buf *b, const pol_Node *fact)
{
  if (strncmp(fact->path, "line.", 5) == 0) pol_buf_printf(b, "request.procedures[].%s", fact->path + 5);
  else pol_buf_puts(b, fact->path);
}

static void use_fact(Q *q, const pol_Node *decl)
{
  if (!asked(decl)) return;
  Fact *f = NULL;
  for (int i = 0; i < q->nfacts && !f; i++)
    if (q->facts[i].decl == decl) f = &q->facts[i];
  if (!f) {
    POL_GROW(q->facts, q->nfacts, q->capfacts);
    f = &q->facts[q->nfacts++];
    *f = (Fact){decl, q->cur, NULL, 0, 0};
  }
  for (int i = 0; i < f->nreaders; i++)
    if (f->readers[i] == q->cur) return;
  POL_GROW(f->readers, f->nreaders, f->capreaders);
  f->readers[f->nreaders++] = q->cur;
}

static Opts *opts_of(Q *q, const pol_Node *decl, int rec, int field, int create)
{
  for (int i = 0; i < q->nopts; i++) {
    Opts *o = &q->opts[i];
    if (decl ? o->decl == decl : (!o->decl && o->rec == rec && o->field == field)) return o;
  }
  if (!create) return NULL;
  POL_GROW(q->opts, q->nopts, q->capopts);
  Opts *o = &q->opts[q->nopts++];
  *o = (Opts){decl, rec, field, NULL, 0, 0};
  return o;
}

static void add_opt(Opts *o, const char *v)
{
  for (int i = 0; i < o->n; i++)
    if (strcmp(o->vals[i], v) == 0) return;
  POL_GROW(o->vals, o->n, o->cap);
  o->vals[o->n++] = v;
}

/* The record type of the items of the quantifier d levels out (0: the
   innermost), or -1. */
static int rec_at(const Q *q, int d)
{
  int i = q->top - 1 - d;
  if (d < 0 || i < q->base) return -1;
  uint32_t t = q->stack[i]->type;
  return POL_TKIND(t) == PK_LIST && POL_TELEM(t) == PK_REC ? (int)POL_TREC(t) : -1;
}

/* The fact or record field that subject s names, for its answer options:
   0 when it names neither. */
static int subject(const Q *q, const pol_Node *s, const pol_Node **decl, int *rec, int *field)
{
  *decl = NULL;
  if (s->kind == N_NAME && s->res == R_FACT) { *decl = s->decl; return 1; }
  if (s->kind == N_NAME && s->res == R_FIELD) {
    *rec = rec_at(q, s->depth);
    *field = s->index;
    return *rec >= 0;
  }
  if (s->kind == N_FIELD && POL_TKIND(s->a->type) == PK_REC) {
    *rec = (int)POL_TREC(s->a->type);
    *field = s->index;
    return 1;
  }
  if (s->kind == N_IT || (s->kind == N_NAME && s->res == R_ITEM)) {
    /* an item of a list of strings: the list's options */
    int i = q->top - 1 - s->depth;
    if (s->depth < 0 || i < q->base) return 0;
    return subject(q, q->stack[i], decl, rec, field);
  }
  return 0;
}

/* The string constants of l (a string, a set literal, a let holding one). */
static void constants(Q *q, const pol_Node *l, Opts **o, const pol_Node *decl, int rec, int field,
                      int nest)
{
  if (nest > Q_MAX_NEST) return;
  if (l->kind == N_STR) {
    if (!*o) *o = opts_of(q, decl, rec, field, 1);
    add_opt(*o, l->str);
  } else if (l->kind == N_SET) {
    for (const pol_Node *x = l->args; x; x = x->next) constants(q, x, o, decl, rec, field, nest + 1);
  } else if (l->kind == N_NAME && l->res == R_LET && l->decl && !l->decl->args && l->decl->a) {
    constants(q, l->decl->a, o, decl, rec, field, nest + 1);
  }
}

static void compared(Q *q, const pol_Node *s, const pol_Node *l)
{
  const pol_Node *decl;
  int rec = -1, field = -1;
  if (!subject(q, s, &decl, &rec, &field)) return;
  Opts *o = NULL;
  constants(q, l, &o, decl, rec, field, 0);
}

static void walk(Q *q, const pol_Node *n);

static void walk_list(Q *q, const pol_Node *n)
{
  for (; n; n = n->next) walk(q, n);
}

/* A let's body, in its own scope: no enclosing quantifier items. */
static void walk_let(Q *q, const pol_Node *let)
{
  if (!let || !let->a || q->nest >= Q_MAX_NEST) return;
  int base = q->base;
  q->nest++;
  q->base = q->top;
  walk(q, let->a);
  q->base = base;
  q->nest--;
}

static void push(Q *q, const pol_Node *list)
{
  if (q->top < Q_MAX_NEST) q->stack[q->top++] = list;
}

static void walk(Q *q, const pol_Node *n)
{
  if (!n || q->nest >= Q_MAX_NEST) return;
  q->nest++;
  switch (n->kind) {
  case N_NUM: case N_STR: case N_DATE: case N_DUR: case N_BOOL: case N_IT:
    break;
  case N_SET: case N_ATLEAST:
    walk_list(q, n->args);
    break;
  case N_WINDOW: case N_UNARY: case N_FIELD:
    walk(q, n->a);
    walk(q, n->b);
    break;
  case N_IF:
    walk(q, n->a);
    walk(q, n->b);
    walk(q, n->c);
    break;
  case N_NAME:
    if (n->res == R_FACT && n->decl) use_fact(q, n->decl);
    else if (n->res == R_LET) walk_let(q, n->decl);
    break;
  case N_CALL:
    if (n->res == R_LET) walk_let(q, n->decl);
    walk_list(q, n->args);
    break;
  case N_BINARY:
    walk(q, n->a);
    walk(q, n->b);
    if (n->op == O_EQ || n->op == O_NE || n->op == O_IN || n->op == O_NOTIN) {
      compared(q, n->a, n->b);
      compared(q, n->b, n->a);
    }
    break;
  case N_QUANT: {
    walk(q, n->a);
    int top = q->top;
    push(q, n->a);
    walk(q, n->b);   /* the predicate */
    walk(q, n->c);   /* the key or value */
    walk(q, n->d);   /* the ordering key */
    q->top = top;
    break;
  }
  case N_COVER: case N_GAP: {   /* window a, list b; inside: pred c, keys d, e */
    walk(q, n->a);
    walk(q, n->b);
    int top = q->top;
    push(q, n->b);
    walk(q, n->c);
    walk(q, n->d);
    walk(q, n->e);
    q->top = top;
    break;
  }
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD: case N_PLAN:
  case N_VALUESET: case N_VSITEM:   /* a value set named by `in` reads no fact */
  case N_FHIR: case N_FHIRMAP:      /* a binding is read by the FHIR input, not judged */
    break;
  }
  q->nest--;
}

static int reader(Q *q, const pol_PolicyUnit *u, const char *id, const char *text)
{
  POL_GROW(q->readers, q->nreaders, q->capreaders);
  q->readers[q->nreaders] = (Reader){u->id, u->version, id, text ? text : ""};
  return q->nreaders++;
}

static void walk_crit(Q *q, const pol_PolicyUnit *u, const pol_Node *cr)
{
  if (cr->kind == N_FOREACH) {
    walk(q, cr->a);   /* the list it runs over */
    for (const pol_Node *k = cr->args; k; k = k->next) walk_crit(q, u, k);
    return;
  }
  if (cr->kind != N_CRITERION) return;
  q->cur = reader(q, u, cr->str, cr->text);
  q->top = q->base = 0;
  walk(q, cr->a);
  for (const pol_Node *k = cr->b; k; k = k->next) walk_crit(q, u, k);   /* children */
}

/* ---- pass 2 ----------------------------------------------------------------- */

/* "pain_nrs" -> "Pain nrs" */
static json_t *label(const char *name)
{
  char *s = strdup(name);
  if (!s) abort();
  for (char *p = s; *p; p++)
    if (*p == '_') *p = ' ';
  if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 32);
  json_t *j = json_string(s);
  free(s);
  return j;
}

static json_t *help_item(const char *link, const char *text)
{
  json_t *ctl = json_pack("{s:s, s:{s:[{s:s, s:s}]}}", "url",
                          "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
                          "valueCodeableConcept", "coding", "system",
                          "http://hl7.org/fhir/questionnaire-item-control", "code", "help");
  json_t *it = json_pack("{s:[o], s:s+, s:s, s:s}", "extension", ctl, "linkId", link, ".help", "text",
                         text, "type", "display");
  return it;
}

static void set_type(json_t *it, const char *type)
{
  json_object_set_new(it, "type", json_string(type));
}

static json_t *typed_item(Q *q, const char *link, const char *name, uint32_t t, const Opts *o,
                          int depth);

/* The fields of record rec as items under prefix. */
static json_t *fields(Q *q, int rec, const char *prefix, int depth)
{
  json_t *items = json_array();
  int i = 0;
  for (const pol_Node *f = q->c->records[rec]->args; f; f = f->next, i++) {
    pol_Buf link = {0};
    pol_buf_printf(&link, "%s[].%s", prefix, f->str);
    json_t *it = typed_item(q, link.s, f->str, f->type, opts_of(q, NULL, rec, i, 0), depth + 1);
    if (it) json_array_append_new(items, it);
    pol_buf_free(&link);
  }
  return items;
}

static void answer_options(json_t *it, const Opts *o)
{
  json_t *a = json_array();
  for (int i = 0; i < o->n; i++) json_array_append_new(a, json_pack("{s:s}", "valueString", o->vals[i]));
  json_object_set_new(it, "answerOption", a);
}

/* The item asking for a value of type t; NULL past Q_MAX_GROUP_DEPTH. */
static json_t *typed_item(Q *q, const char *link, const char *name, uint32_t t, const Opts *o,
                          int depth)
{
  if (depth > Q_MAX_GROUP_DEPTH) return NULL;
  json_t *it = json_pack("{s:s, s:o}", "linkId", link, "text", label(name));
  pol_Kind k = POL_TKIND(t);
  if (k == PK_LIST) {
    json_object_set_new(it, "repeats", json_true());
    k = POL_TELEM(t);
    if (k == PK_REC) {
      set_type(it, "group");
      json_object_set_new(it, "item", fields(q, (int)POL_TREC(t), link, depth));
      return it;
    }
  }
  switch (k) {
  case PK_BOOL: set_type(it, "boolean"); break;
  case PK_NUM: set_type(it, "decimal"); break;
  case PK_DATE: set_type(it, "date"); break;
  case PK_REC:
    set_type(it, "group");
    json_object_set_new(it, "item", fields(q, (int)POL_TREC(t), link, depth));
    break;
  case PK_STR:
    if (o && o->n) {
      /* open: the policy names the values it tests, not every value */
      set_type(it, "open-choice");
      answer_options(it, o);
    } else {
      set_type(it, "string");
    }
    break;
  case PK_NONE: case PK_DUR: case PK_WIN: case PK_SET: case PK_LIST: case PK__COUNT:
    set_type(it, "string");
    break;
  }
  return it;
}

static json_t *fact_item(Q *q, const Fact *f)
{
  const pol_Node *d = f->decl;
  pol_Buf link = {0};
  fact_link(&link, d);
  json_t *it = typed_item(q, link.s, d->str, d->type, opts_of(q, d, -1, -1, 0), 0);
  pol_Buf help = {0};
  for (int i = 0; i < f->nreaders; i++) {
    const Reader *r = &q->readers[f->readers[i]];
    pol_buf_printf(&help, "%s%s %s (policy %s version %s): %s", i ? "\n" : "",
                   strncmp(r->id, "branch ", 7) == 0 ? "Read by" : "Criterion", r->id, r->policy,
                   r->version, r->text);
  }
  json_t *kids = json_object_get(it, "item");
  if (!kids) {
    kids = json_array();
    json_object_set_new(it, "item", kids);
  }
  /* the help first, before the fields of a group */
  json_array_insert_new(kids, 0, help_item(link.s, help.s ? help.s : ""));
  pol_buf_free(&help);
  pol_buf_free(&link);
  return it;
}

static const char *join_ids(pol_Buf *b, pol_Compiler *c, const char *sep)
{
  int first = 1;
  for (int i = 0; i < c->nunits; i++)
    if (c->units[i]->header) {
      pol_buf_printf(b, "%s%s", first ? "" : sep, c->units[i]->id);
      first = 0;
    }
  return b->s ? b->s : "";
}

json_t *pol_questionnaire(pol_Compiler *c)
{
  Q q = {0};
  q.c = c;
  /* pass 1; the readers of one policy are consecutive: [r0[u], r1[u]) */
  int *r0 = calloc((size_t)c->nunits + 1, sizeof *r0), *r1 = calloc((size_t)c->nunits + 1, sizeof *r1);
  if (!r0 || !r1) abort();
  for (int ui = 0; ui < c->nunits; ui++) {
    pol_PolicyUnit *u = c->units[ui];
    r0[ui] = q.nreaders;
    if (u->header) {
      for (const pol_Node *br = u->src->items; br; br = br->next) {
        if (br->kind != N_BRANCH) continue;
        char name[300];
        snprintf(name, sizeof name, "%s %s", br->path ? "assess" : "branch", br->path ? br->path : br->str);
        q.cur = reader(&q, u, pol_arena_strndup(c->arena, name, strlen(name)), br->text);
        q.top = q.base = 0;
        walk(&q, br->a);
        for (const pol_Node *k = br->args; k; k = k->next) walk_crit(&q, u, k);
      }
    }
    r1[ui] = q.nreaders;
  }
  /* pass 2 */
  pol_Buf ids = {0}, url = {0}, title = {0};
  char id[65];
  pol_fhir_id(id, join_ids(&ids, c, "--"));
  json_t *qn = json_pack("{s:s}", "resourceType", "Questionnaire");
  if (*id) json_object_set_new(qn, "id", json_string(id));
  pol_buf_printf(&url, "urn:polc:questionnaire:%s", id);
  json_object_set_new(qn, "url", json_string(url.s));
  pol_buf_reset(&ids);
  pol_buf_printf(&title, "Documentation for %s", join_ids(&ids, c, ", "));
  json_object_set_new(qn, "title", json_string(title.s));
  json_object_set_new(qn, "status", json_string("active"));
  json_object_set_new(qn, "subjectType", json_pack("[s]", "Patient"));
  json_object_set_new(qn, "description",
                      json_string("The facts the policies read that a prior-authorization request "
                                  "does not carry itself; each item's linkId is the fact's path in "
                                  "the case format, and its help says which criteria read it."));
  json_t *top = json_array();
  for (int ui = 0; ui < c->nunits; ui++) {
    pol_PolicyUnit *u = c->units[ui];
    if (!u->header) continue;
    json_t *groups = json_array();
    for (int r = r0[ui]; r < r1[ui]; r++) {
      json_t *items = json_array();
      for (int f = 0; f < q.nfacts; f++)
        if (q.facts[f].first == r) json_array_append_new(items, fact_item(&q, &q.facts[f]));
      if (!json_array_size(items)) { json_decref(items); continue; }
      const Reader *rd = &q.readers[r];
      pol_Buf link = {0}, text = {0};
      pol_buf_printf(&link, "%s:%s", rd->policy, rd->id);
      pol_buf_printf(&text, "%s: %s", rd->id, rd->text);
      json_array_append_new(groups, json_pack("{s:s, s:s, s:s, s:o}", "linkId", link.s, "text",
                                              text.s, "type", "group", "item", items));
      pol_buf_free(&link);
      pol_buf_free(&text);
    }
    if (!json_array_size(groups)) { json_decref(groups); continue; }
    pol_Buf text = {0};
    pol_buf_printf(&text, "%s %s (version %s)", u->id, u->title ? u->title : "", u->version ? u->version : "");
    json_array_append_new(top, json_pack("{s:s, s:s, s:s, s:o}", "linkId", u->id, "text", text.s, "type",
                                         "group", "item", groups));
    pol_buf_free(&text);
  }
  if (json_array_size(top)) json_object_set_new(qn, "item", top);
  else json_decref(top);
  pol_buf_free(&ids);
  pol_buf_free(&url);
  pol_buf_free(&title);
  for (int f = 0; f < q.nfacts; f++) free(q.facts[f].readers);
  for (int o = 0; o < q.nopts; o++) free(q.opts[o].vals);
  free(q.facts);
  free(q.opts);
  free(q.readers);
  free(r0);
  free(r1);
  return qn;
}
