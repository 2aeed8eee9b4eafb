/*
 * interp_diff.c -- differential test: the VM against the AST reference
 * evaluator (compiler/interp.c), line by line, criterion by criterion.
 *
 *   interp_diff [-v] [-I DIR]... CASES.ndjson POLICY.pol...
 *
 * Compiles the policies (modules from each -I DIR, then ./stdlib), round-trips the program
 * through a bundle so the VM runs verified code as in production, then for
 * every case line of the NDJSON file judges every request line both ways
 * and compares everything the trace's decision shows: the routed policy,
 * the main branch, the determination and the line-level one, the status of
 * every criterion, the `for each` items (each one's determination and
 * criteria), the `assess` blocks' determinations and the authorization
 * (the fields stated and each authorized value), and of each of these
 * the trace's reasons and missing criteria (the VM's trace against the rule
 * applied to the evaluator's statuses).  The evaluator judges
 * every construct of the language, so every line is compared; a line they
 * disagree on is a failure.  Lines that are not valid cases are skipped
 * and counted.  Prints the first 10 disagreements, a summary and
 * "N passed, N failed" (one comparison per request line); -v adds
 * per-criterion status counts.
 *
 * Extern functions are left unbound: the VM then yields unknown for them,
 * which is what the reference evaluator does.
 *
 * Exit: 0 all agree; 1 a disagreement, fewer than 90% of the lines loaded
 * or no line judged both ways; 2 usage, unreadable input or policies that do not compile.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "case.h"
#include "compile.h"
#include "interp.h"
#include "trace.h"
#include "vm.h"
#include "vm_impl.h"   /* pol_vm_lean_build: the no-trace code must verify */

#define SHOW_MAX 10
#define NDET (PD_REFER + 1)

typedef struct Stats {
  unsigned long read, loaded, skipped, lines, passed, failed, shown;
  unsigned long stopped;   /* cases the VM stopped on a number out of range */
  unsigned long det[NDET];
  unsigned long itemlines, items, aspects, auths;
  unsigned long *crit;   /* per program criterion: 4 status counts */
} Stats;

static const char *crit_id(const pol_Program *p, uint32_t ci) { return p->str[p->crit[ci].id]; }

static void show(Stats *st, unsigned long lineno, const char *case_id, const pol_LineInfo *li,
                 const char *what)
{
  if (st->shown++ >= SHOW_MAX) return;
  printf("DISAGREE line %lu case %s request line %d (cpt %s): %s\n", lineno, case_id,
         (int)li->number, li->cpt ? li->cpt : "-", what);
}

/* The evaluator's first number out of range as the VM words it
   (vm/exec.c overflow_message): "request line 1, criterion D.2 of DEC:
   number out of range: 90000000000 * 2 is not within ...". */
static void overflow_text(const pol_Program *p, const pol_LineInfo *li, const pol_InterpResult *r,
                          char *out, size_t n)
{
  char a[POL_DEC_BUFSIZE], b[POL_DEC_BUFSIZE], what[64], where[320] = "";
  pol_dec_format(r->ovf_a, a);
  pol_dec_format(r->ovf_b, b);
  if (r->ovf_op < 0) snprintf(what, sizeof what, "floor(%s)", a);
  else snprintf(what, sizeof what, "%s %c %s", a, "+-*/"[r->ovf_op - O_ADD], b);
  if (r->ovf_crit && r->policy >= 0)
    snprintf(where, sizeof where, ", criterion %s of %s", r->ovf_crit, p->str[p->pol[r->policy].id]);
  snprintf(out, n, "request line %ld%s: number out of range: %s is not within " POL_DEC_RANGE_TEXT,
           (long)li->number, where, what);
}

/* One criterion status of the VM against the evaluator's; where says
   where (the line, an item).  1 if they agree. */
static int same_status(Stats *st, const pol_Program *p, uint32_t ci, uint8_t vs, uint8_t is,
                       const char *where, unsigned long lineno, const char *case_id,
                       const pol_LineInfo *li)
{
  char what[512];
  if (vs == is) return 1;
  snprintf(what, sizeof what, "%scriterion %s: vm %s, evaluator %s", where, crit_id(p, ci),
           pol_status_name((pol_Status)vs), pol_status_name((pol_Status)is));
  show(st, lineno, case_id, li, what);
  return 0;
}

/* ---- reasons and missing, from the evaluator's statuses ------------------
   The rule of docs/language.md and vm/trace.c, written again: reasons (on
   a line that is neither approved nor pending) are the top-level criteria
   that fail and, under an "all of", recursively, its children not met;
   missing (on a line not approved) are the unknown criteria among the
   tops and, beneath one, its children when it is unknown or an "all of"
   not met.  Ids in order, comma-separated. */

static void add_id(char *out, size_t n, const pol_Program *p, uint32_t ci)
{
  size_t len = strlen(out);
  snprintf(out + len, n - len, "%s%s", len ? "," : "", crit_id(p, ci));
}

static void reasons_of(const pol_Program *p, const pol_Policy *pp, const uint8_t *st, uint32_t ci,
                       char *out, size_t n)
{
  add_id(out, n, p, ci);
  const pol_Crit *cr = &p->crit[ci];
  if (cr->kind != PC_ALL) return;
  for (uint32_t j = 0; j < cr->nchildren; j++) {
    uint32_t k = p->crit_children[cr->child0 + j];
    if (st[k - pp->crit0] == PS_NOT_MET) reasons_of(p, pp, st, k, out, n);
  }
}

static void missing_of(const pol_Program *p, const pol_Policy *pp, const uint8_t *st, uint32_t ci,
                       char *out, size_t n)
{
  const pol_Crit *cr = &p->crit[ci];
  uint8_t s = st[ci - pp->crit0];
  if (s == PS_UNKNOWN) add_id(out, n, p, ci);
  if (cr->kind != PC_LEAF && (s == PS_UNKNOWN || (s == PS_NOT_MET && cr->kind == PC_ALL)))
    for (uint32_t j = 0; j < cr->nchildren; j++)
      missing_of(p, pp, st, p->crit_children[cr->child0 + j], out, n);
}

/* The evaluator's reasons and missing of a view: tops[0..ntops) judged
   with statuses st (policy order) to determination det. */
static void expect_lists(const pol_Program *p, const pol_Policy *pp, const uint32_t *tops,
                         uint32_t ntops, const uint8_t *st, int det, char *reasons, char *missing,
                         size_t n)
{
  reasons[0] = missing[0] = '\0';
  for (uint32_t j = 0; j < ntops; j++) {
    if (det != PD_APPROVE && det != PD_PEND && pol_crit_fails(p, tops[j], st[tops[j] - pp->crit0]))
      reasons_of(p, pp, st, tops[j], reasons, n);
    if (det != PD_APPROVE) missing_of(p, pp, st, tops[j], missing, n);
  }
}

/* The criterion ids of a trace list ("reasons" or "missing") of a view. */
static void trace_list(const json_t *view, const char *key, char *out, size_t n)
{
  out[0] = '\0';
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(view, key), i, x) {
    size_t len = strlen(out);
    const char *id = json_string_value(json_object_get(x, "criterion"));
    /* a recommended denial's first reason: checked against the
       evaluator's `recommended` by same_recommended */
    if (i == 0 && id && strcmp(key, "reasons") == 0 && json_object_get(x, "recommended") &&
        strcmp(id, "review") == 0)
      continue;
    snprintf(out + len, n - len, "%s%s", len ? "," : "", id ? id : "?");
  }
}

#define LIST_MAX 4096

/* Compares the reasons and missing of one view of the VM's trace with the
   lists er and em the evaluator expects.  1 if they agree. */
static int same_as(Stats *st, const json_t *view, const char *er, const char *em,
                   const char *where, unsigned long lineno, const char *case_id,
                   const pol_LineInfo *li)
{
  static char vr[LIST_MAX], vmiss[LIST_MAX];
  char what[LIST_MAX * 2 + 200];
  trace_list(view, "reasons", vr, LIST_MAX);
  trace_list(view, "missing", vmiss, LIST_MAX);
  int ok = 1;
  if (strcmp(er, vr) != 0) {
    snprintf(what, sizeof what, "%sreasons: vm [%s], evaluator [%s]", where, vr, er);
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  if (strcmp(em, vmiss) != 0) {
    snprintf(what, sizeof what, "%smissing: vm [%s], evaluator [%s]", where, vmiss, em);
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  return ok;
}

/* The same, the lists being the rule applied to the evaluator's statuses
   of tops[0..ntops). */
static int same_lists(Stats *st, const pol_Program *p, const pol_Policy *pp, const json_t *view,
                      const uint32_t *tops, uint32_t ntops, const uint8_t *status, int det,
                      const char *where, unsigned long lineno, const char *case_id,
                      const pol_LineInfo *li)
{
  static char er[LIST_MAX], em[LIST_MAX];
  expect_lists(p, pp, tops, ntops, status, det, er, em, LIST_MAX);
  return same_as(st, view, er, em, where, lineno, case_id, li);
}
/* An authorized value of the VM in the canonical words of the reference
   evaluator (interp.h), written here again; NULL when unknown. */
static int cmp_cstr(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void vm_auth_words(const pol_Program *p, uint32_t f, const pol_Value *v, char *out, size_t n)
{
  out[0] = '\0';
  switch ((pol_Tag)v->tag) {
  case PV_NUM: pol_dec_format(v->u.d, out); return;
  case PV_DATE: pol_format_date((int32_t)v->aux, out); return;
  case PV_DUR: snprintf(out, n, "%dm %dd", (int)v->u.r.lo, (int)v->u.r.hi); return;
  case PV_STR: snprintf(out, n, "%s", v->u.s); return;
  case PV_SET: case PV_LIST: {
    const char *s[256];
    size_t m = 0;
    if (v->tag == PV_SET)
      for (uint32_t i = 0; i < p->setn[v->aux] && m < 256; i++) s[m++] = p->str[p->setitems[p->set0[v->aux] + i]];
    else
      for (uint32_t i = 0; i < ((const pol_List *)v->u.p)->n && m < 256; i++)
        if (((const pol_List *)v->u.p)->items[i].tag == PV_STR) s[m++] = ((const pol_List *)v->u.p)->items[i].u.s;
    qsort(s, m, sizeof *s, cmp_cstr);
    size_t at = 0;
    for (size_t i = 0; i < m && at < n; i++) {
      if (i && strcmp(s[i], s[i - 1]) == 0) continue;
      at += (size_t)snprintf(out + at, n - at, "%s%s", at ? ", " : "", s[i]);
    }
    return;
  }
  case PV_UNK: case PV_BOOL: case PV_RANGE: case PV_WIN: case PV_REC: break;
  }
  (void)f;
}

/* The authorization: the same fields stated, each with the same value
   (or both unknown), and the same open flag. */
static int same_auth(Stats *st, const pol_Program *p, const pol_LineResult *lr,
                     const pol_InterpResult *r, unsigned long lineno, const char *case_id,
                     const pol_LineInfo *li)
{
  char what[1200], vw[512];
  if (lr->authmask != r->authmask || lr->auth_open != r->auth_open) {
    snprintf(what, sizeof what, "authorization: vm fields 0x%x%s, evaluator fields 0x%x%s", lr->authmask,
             lr->auth_open ? " (open)" : "", r->authmask, r->auth_open ? " (open)" : "");
    show(st, lineno, case_id, li, what);
    return 0;
  }
  for (uint32_t f = 0; f < POL_AUTH__COUNT; f++) {
    if (!(lr->authmask >> f & 1u)) continue;
    st->auths++;
    const pol_Value *v = &lr->auth[f].value;
    if (v->tag == PV_UNK && !r->auth_text[f]) continue;
    vm_auth_words(p, f, v, vw, sizeof vw);
    if (v->tag != PV_UNK && r->auth_text[f] && strcmp(vw, r->auth_text[f]) == 0) continue;
    snprintf(what, sizeof what, "authorized %s: vm %s, evaluator %s", pol_auth_name(f),
             v->tag == PV_UNK ? "unknown" : vw, r->auth_text[f] ? r->auth_text[f] : "unknown");
    show(st, lineno, case_id, li, what);
    return 0;
  }
  return 1;
}

static const char *branch_name(const pol_Program *p, long b)
{
  return b < 0 || (uint32_t)b == POL_NOSTR ? "none" : p->str[p->branches[b].name];
}

/* Compares one request line: everything a trace shows that the decision
   depends on -- the routed policy, the main branch, the determination and
   the line-level one, every criterion's status, the `for each` items
   (their list known or not, their number, each one's determination and
   criteria) and the `assess` blocks (which, and each one's determination).
   1 if VM and evaluator agree, 0 if not. */
static int compare_line(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs,
                        const pol_LineResult *lr, const json_t *tline, Stats *st,
                        unsigned long lineno)
{
  char what[512];
  const pol_LineInfo *li = pol_case_line(cs, lr->line);
  const char *case_id = pol_case_id(cs);
  pol_InterpResult r;
  int rc = pol_interp_judge(c, p, cs, lr->line, &r);
  if (rc == -2) {
    fprintf(stderr, "interp_diff: the compiler and the program disagree on the policies\n");
    exit(2);
  }
  if (rc != 0) {
    fprintf(stderr, "interp_diff: out of memory\n");
    exit(2);
  }
  if (r.overflow) {
    char ovf[400];
    overflow_text(p, li, &r, ovf, sizeof ovf);
    snprintf(what, sizeof what, "the evaluator stopped (%s), the vm judged the line", ovf);
    show(st, lineno, case_id, li, what);
    pol_interp_result_free(&r);
    return 0;
  }
  int ok = 1;
  int vm_pol = lr->policy == POL_NOSTR ? -1 : (int)lr->policy;
  if (r.policy != vm_pol) {
    snprintf(what, sizeof what, "policy: vm %s, evaluator %s",
             vm_pol < 0 ? "none" : p->str[p->pol[vm_pol].id], r.policy < 0 ? "none" : p->str[p->pol[r.policy].id]);
    show(st, lineno, case_id, li, what);
    pol_interp_result_free(&r);
    return 0;
  }
  long vb = lr->branch == POL_NOSTR ? -1 : (long)lr->branch;
  if (vb != r.branch) {
    snprintf(what, sizeof what, "branch: vm %s, evaluator %s", branch_name(p, vb), branch_name(p, r.branch));
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  if (lr->recommended != r.recommended) {
    snprintf(what, sizeof what, "recommended: vm %s, evaluator %s",
             lr->recommended < 0 ? "none" : pol_det_name((pol_Det)lr->recommended),
             r.recommended < 0 ? "none" : pol_det_name((pol_Det)r.recommended));
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  {   /* the trace says what was recommended, as the evaluator does */
    json_t *r0 = json_array_get(json_object_get(tline, "reasons"), 0);
    const char *rec = json_string_value(json_object_get(tline, "recommended"));
    const char *rec0 = json_string_value(json_object_get(r0, "recommended"));
    const char *want = r.recommended < 0 ? NULL : pol_det_name((pol_Det)r.recommended);
    if (!(want ? rec && rec0 && strcmp(rec, want) == 0 && strcmp(rec0, want) == 0 : !rec && !rec0)) {
      snprintf(what, sizeof what, "trace's recommended: %s, evaluator %s", rec ? rec : "none",
               want ? want : "none");
      show(st, lineno, case_id, li, what);
      ok = 0;
    }
  }
  if ((int)lr->det != r.det || (int)lr->line_det != r.line_det) {
    snprintf(what, sizeof what, "determination: vm %s (line %s), evaluator %s (line %s)",
             pol_det_name(lr->det), pol_det_name(lr->line_det), pol_det_name((pol_Det)r.det),
             pol_det_name((pol_Det)r.line_det));
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  if (r.det >= 0 && r.det < NDET) st->det[r.det]++;
  if (r.policy < 0) return ok;
  const pol_Policy *pp = &p->pol[r.policy];
  for (uint32_t j = 0; j < pp->ncrit; j++) {
    uint8_t is = r.status[j];
    if (is <= PS_NA) st->crit[(size_t)(pp->crit0 + j) * 4 + is]++;
    ok &= same_status(st, p, pp->crit0 + j, lr->crit[j].status, is, "", lineno, case_id, li);
  }
  const pol_Branch *mb = r.branch >= 0 ? &p->branches[r.branch] : NULL;
  if (ok && mb) {
    /* the rule's lists, and an unknown authorized value after them */
    static char er[LIST_MAX], em[LIST_MAX];
    expect_lists(p, pp, p->branch_crit + mb->crit0, mb->ncrit, r.status, r.det, er, em, LIST_MAX);
    for (uint32_t f = 0; r.auth_open && f < POL_AUTH__COUNT; f++)
      if ((r.authmask >> f & 1u) && !r.auth_text[f]) {
        size_t len = strlen(em);
        snprintf(em + len, LIST_MAX - len, "%sauthorize %s", len ? "," : "", pol_auth_name(f));
      }
    ok &= same_as(st, tline, er, em, "", lineno, case_id, li);
  }
  ok &= same_auth(st, p, lr, &r, lineno, case_id, li);
  /* no branch applies: the policy's `otherwise` is the one reason */
  if (ok && !mb && r.bstate == PB_NONE) ok &= same_as(st, tline, "otherwise", "", "", lineno, case_id, li);
  /* which branch judges is open: only unknown branch conditions are missing */
  if (ok && !mb && r.bstate == PB_UNKNOWN) {
    size_t i;
    json_t *x;
    int n = 0;
    json_array_foreach(json_object_get(tline, "missing"), i, x) {
      const char *id = json_string_value(json_object_get(x, "criterion"));
      n += id && strncmp(id, "branch ", 7) == 0;
    }
    if (n == 0 || (size_t)n != json_array_size(json_object_get(tline, "missing")) ||
        json_array_size(json_object_get(tline, "reasons")) != 0) {
      show(st, lineno, case_id, li, "open branch: missing should list only branch conditions, reasons none");
      ok = 0;
    }
  }
  if (r.has_each) {
    st->itemlines++;
    if ((int)lr->items_known != r.items_known || lr->nitems != r.nitems) {
      snprintf(what, sizeof what, "items: vm %s%u, evaluator %s%u", lr->items_known ? "" : "unknown ",
               lr->nitems, r.items_known ? "" : "unknown ", r.nitems);
      show(st, lineno, case_id, li, what);
      ok = 0;
    } else {
      for (uint32_t i = 0; i < r.nitems; i++) {
        char where[64];
        snprintf(where, sizeof where, "item %u: ", i + 1);
        st->items++;
        if ((int)lr->items[i].det != r.item_det[i]) {
          snprintf(what, sizeof what, "%sdetermination: vm %s, evaluator %s", where,
                   pol_det_name(lr->items[i].det), pol_det_name((pol_Det)r.item_det[i]));
          show(st, lineno, case_id, li, what);
          ok = 0;
        }
        int item_ok = 1;
        for (uint32_t j = 0; j < pp->ncrit; j++)
          item_ok &= same_status(st, p, pp->crit0 + j, lr->items[i].crit[j].status,
                                 r.item_status[(size_t)i * pp->ncrit + j], where, lineno, case_id, li);
        if (item_ok && mb)
          item_ok &= same_lists(st, p, pp, json_array_get(json_object_get(tline, "items"), i),
                                p->branch_crit + mb->ecrit0, mb->necrit,
                                r.item_status + (size_t)i * pp->ncrit, r.item_det[i], where, lineno,
                                case_id, li);
        ok &= item_ok;
      }
    }
  }
  if ((int)lr->naspects != r.naspects) {
    snprintf(what, sizeof what, "assess blocks: vm %u, evaluator %d", lr->naspects, r.naspects);
    show(st, lineno, case_id, li, what);
    ok = 0;
  } else {
    for (int a = 0; a < r.naspects; a++) {
      st->aspects++;
      if ((long)lr->aspects[a].branch == r.aspect_branch[a] && (int)lr->aspects[a].det == r.aspect_det[a]) {
        const pol_Branch *ab = &p->branches[r.aspect_branch[a]];
        char where[64];
        snprintf(where, sizeof where, "assess %d: ", a + 1);
        if (r.aspect_open[a]) {   /* its condition is unknown: that is what is missing */
          char want[300];
          snprintf(want, sizeof want, "assess %s", p->str[ab->aspect]);
          ok &= same_as(st, json_array_get(json_object_get(tline, "assessments"), (size_t)a), "", want,
                        where, lineno, case_id, li);
          continue;
        }
        ok &= same_lists(st, p, pp, json_array_get(json_object_get(tline, "assessments"), (size_t)a),
                         p->branch_crit + ab->crit0, ab->ncrit, r.status, r.aspect_det[a], where,
                         lineno, case_id, li);
        continue;
      }
      snprintf(what, sizeof what, "assess %d: vm %s %s, evaluator %s %s", a + 1,
               branch_name(p, lr->aspects[a].branch), pol_det_name(lr->aspects[a].det),
               branch_name(p, r.aspect_branch[a]), pol_det_name((pol_Det)r.aspect_det[a]));
      show(st, lineno, case_id, li, what);
      ok = 0;
    }
  }
  pol_interp_result_free(&r);
  return ok;
}

static pol_Program *compile(pol_Compiler *c, char **files, int nfiles, char **dirs, int ndirs)
{
  for (int i = 0; i < ndirs; i++) pol_compiler_add_path(c, dirs[i]);
  pol_compiler_add_path(c, "stdlib");
  pol_Program *p = NULL;
  if (pol_compile_files(c, (const char *const *)files, nfiles, &p) != POL_COMPILE_OK) return NULL;
  /* run what production runs: a written, loaded and verified bundle */
  uint8_t *buf = NULL;
  size_t len = 0;
  pol_Program *q = NULL;
  char err[512];
  if (pol_bundle_write(p, &buf, &len) != 0)
    fprintf(stderr, "interp_diff: cannot write the bundle\n");
  else if (pol_bundle_load(buf, len, &q, err, sizeof err) != 0)
    fprintf(stderr, "interp_diff: the bundle does not load: %s\n", err);
  free(buf);
  pol_program_free(p);
  return q;
}

/* Two values a line's result holds alike (lists the VM made live in each
   VM's own arena: their lengths). */
static int value_same(const pol_Value *a, const pol_Value *b)
{
  if (a->tag != b->tag) return 0;
  switch ((pol_Tag)a->tag) {
  case PV_UNK: return 1;
  case PV_NUM: return a->u.d == b->u.d;
  case PV_STR: return strcmp(a->u.s, b->u.s) == 0;
  case PV_LIST: return ((const pol_List *)a->u.p)->n == ((const pol_List *)b->u.p)->n;
  case PV_DUR: case PV_RANGE: case PV_WIN:
    return a->aux == b->aux && a->u.r.lo == b->u.r.lo && a->u.r.hi == b->u.r.hi;
  case PV_BOOL: case PV_DATE: case PV_SET: case PV_REC: return a->aux == b->aux;
  }
  return 0;
}

static int same_crits(const pol_CritResult *a, const pol_CritResult *b, uint32_t n)
{
  for (uint32_t j = 0; j < n; j++)
    if (a[j].status != b[j].status) return 0;
  return 1;
}

/* The same case through a VM with tracing off, which runs the no-trace
   code (vm/lean.c, vm/lean_opt.c): the same success or error, and every
   line's routing, branch conditions, determinations, criterion statuses,
   items, assess blocks and authorization as the traced run's. */
static int same_untraced(pol_VM *vm0, const pol_Program *p, const pol_Case *cs, int rc,
                         const char *err, const pol_LineResult *lines, unsigned long lineno)
{
  const pol_LineResult *l0;
  char err0[512];
  int ok = pol_vm_eval(vm0, cs, &l0, err0, sizeof err0) == rc;
  if (ok && rc != 0) ok = strcmp(err, err0) == 0;
  for (uint32_t i = 0; ok && rc == 0 && i < pol_case_nlines(cs); i++) {
    const pol_LineResult *a = &l0[i], *b = &lines[i];
    ok = a->policy == b->policy && a->branch == b->branch && a->det == b->det &&
         a->line_det == b->line_det && a->nitems == b->nitems && a->bstate == b->bstate &&
         a->items_known == b->items_known && a->naspects == b->naspects &&
         a->authmask == b->authmask && a->auth_open == b->auth_open &&
         a->recommended == b->recommended;
    if (!ok || b->policy == POL_NOSTR) continue;
    const pol_Policy *pol = &p->pol[b->policy];
    ok = same_crits(a->crit, b->crit, pol->ncrit) && same_crits(a->cond, b->cond, pol->nbranches);
    for (uint32_t k = 0; ok && k < b->nitems; k++)
      ok = a->items[k].det == b->items[k].det && same_crits(a->items[k].crit, b->items[k].crit, pol->ncrit);
    for (uint32_t k = 0; ok && k < b->naspects; k++)
      ok = a->aspects[k].branch == b->aspects[k].branch && a->aspects[k].det == b->aspects[k].det;
    for (uint32_t f = 0; ok && f < POL_AUTH__COUNT; f++)
      ok = !(b->authmask >> f & 1u) || value_same(&a->auth[f].value, &b->auth[f].value);
  }
  if (!ok) printf("DISAGREE line %lu case %s: the VM with tracing off differs from tracing on\n",
                  lineno, pol_case_id(cs));
  return ok;
}

int main(int argc, char **argv)
{
  int verbose = 0, a = 1, ndirs = 0;
  char *dirs[16];
  for (;;) {
    if (a < argc && strcmp(argv[a], "-v") == 0) { verbose = 1; a++; }
    else if (a + 1 < argc && strcmp(argv[a], "-I") == 0 && ndirs < 16) { dirs[ndirs++] = argv[a + 1]; a += 2; }
    else break;
  }
  if (argc - a < 2) {
    fprintf(stderr, "usage: interp_diff [-v] [-I DIR]... CASES.ndjson POLICY.pol...\n");
    return 2;
  }
  FILE *in = fopen(argv[a], "r");
  if (!in) { perror(argv[a]); return 2; }
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  pol_Program *p = compile(&c, argv + a + 1, argc - a - 1, dirs, ndirs);
  if (!p) {
    fprintf(stderr, "interp_diff: the policies do not compile\n");
    pol_compiler_free(&c);
    fclose(in);
    return 2;
  }
  pol_Case *cs = pol_case_new(p);
  pol_VM *vm = pol_vm_new(p), *vm0 = pol_vm_new(p);
  Stats st;
  memset(&st, 0, sizeof st);
  st.crit = calloc((size_t)(p->ncrit ? p->ncrit : 1) * 4, sizeof *st.crit);
  if (!cs || !vm || !vm0 || !st.crit) { fprintf(stderr, "interp_diff: out of memory\n"); return 2; }
  pol_vm_set_trace(vm, 1);
  pol_vm_set_trace(vm0, 0);
  /* the no-trace code (rewritten by vm/lean_opt.c) must pass the verifier:
     else the VM would quietly run the traced code and test nothing */
  int lean_bad = 0;
  {
    pol_VM *vx = pol_vm_new(p);
    char why[512] = "out of memory";
    if (!vx || pol_vm_lean_build(vx, why, sizeof why) != 0) {
      printf("DISAGREE: the no-trace code does not verify: %s\n", why);
      lean_bad = 1;
    }
    pol_vm_free(vx);
  }

  char *text = NULL, err[512];
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  while ((n = getline(&text, &cap, in)) >= 0) {
    lineno++;
    if (strspn(text, " \t\r\n") == (size_t)n) continue;
    st.read++;
    json_error_t je;
    json_t *root = json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, &je);
    if (!root || pol_case_load(cs, root, err, sizeof err) != 0) {
      st.skipped++;
      json_decref(root);
      continue;
    }
    st.loaded++;
    const pol_LineResult *lines;
    if (pol_vm_eval(vm, cs, &lines, err, sizeof err) != 0) {
      /* a number out of range stops the VM: the evaluator must find the
         same first one (same line, criterion and operation: the order of
         evaluation is the language's, docs/language.md "Evaluation order
         and errors"), and none on an earlier line */
      int agree = 0;
      char want[512] = "the evaluator finds none";
      if (strstr(err, "number out of range"))
        for (uint32_t i = 0; i < pol_case_nlines(cs); i++) {
          pol_InterpResult r;
          int found = pol_interp_judge(&c, p, cs, i, &r) == 0 && r.overflow;
          if (found) {
            overflow_text(p, pol_case_line(cs, i), &r, want, sizeof want);
            agree = strcmp(want, err) == 0;
          }
          pol_interp_result_free(&r);
          if (found) break;
        }
      st.stopped += strstr(err, "number out of range") != NULL;
      agree &= same_untraced(vm0, p, cs, -1, err, NULL, lineno);
      if (agree) st.passed += pol_case_nlines(cs);
      else st.failed += pol_case_nlines(cs);
      st.lines += pol_case_nlines(cs);
      if (!agree && st.shown++ < SHOW_MAX)
        printf("DISAGREE line %lu case %s: vm: %s; evaluator: %s\n", lineno, pol_case_id(cs), err, want);
      json_decref(root);
      continue;
    }
    /* the VM's trace, as `polvm eval --criteria` writes it */
    pol_Buf tb = {0};
    pol_trace_json(&tb, vm, cs, lines, NULL, POL_TRACE_COMPACT | POL_TRACE_CRITERIA);
    json_t *trace = json_loads(tb.s, 0, &je);
    pol_buf_free(&tb);
    json_t *tlines = json_object_get(trace, "determinations");
    int untraced = same_untraced(vm0, p, cs, 0, "", lines, lineno);
    for (uint32_t i = 0; i < pol_case_nlines(cs); i++) {
      st.lines++;
      if (compare_line(&c, p, cs, &lines[i], json_array_get(tlines, i), &st, lineno) && untraced)
        st.passed++;
      else st.failed++;
    }
    json_decref(trace);
    json_decref(root);
  }
  free(text);
  fclose(in);

  if (verbose) {
    for (uint32_t i = 0; i < p->npol; i++)
      for (uint32_t j = 0; j < p->pol[i].ncrit; j++) {
        const unsigned long *k = &st.crit[(size_t)(p->pol[i].crit0 + j) * 4];
        printf("  %s %-10s met %5lu  not_met %5lu  unknown %5lu  n/a %5lu\n", p->str[p->pol[i].id],
               crit_id(p, p->pol[i].crit0 + j), k[PS_MET], k[PS_NOT_MET], k[PS_UNKNOWN], k[PS_NA]);
      }
  }
  printf("cases: %lu read, %lu loaded, %lu skipped\n", st.read, st.loaded, st.skipped);
  printf("request lines: %lu (by the evaluator:", st.lines);
  for (int d = 0; d < NDET; d++) printf(" %s %lu", pol_det_name((pol_Det)d), st.det[d]);
  printf(")\n");
  printf("out of range: %lu cases stopped\n", st.stopped);
  printf("for each: %lu lines, %lu items; assess: %lu determinations; authorize: %lu fields\n",
         st.itemlines, st.items, st.aspects, st.auths);
  if (st.shown > SHOW_MAX) printf("(%lu more disagreements not shown)\n", st.shown - SHOW_MAX);
  int few = st.loaded == 0 || st.loaded * 10 < st.read * 9;
  if (few) printf("too few cases loaded: %lu of %lu (need 90%%)\n", st.loaded, st.read);
  if (st.passed + st.failed == 0) {
    printf("no request line was judged by both\n");
    few = 1;
  }
  printf("%lu passed, %lu failed\n", st.passed, st.failed);

  free(st.crit);
  pol_vm_free(vm);
  pol_vm_free(vm0);
  pol_case_free(cs);
  pol_program_free(p);
  pol_compiler_free(&c);
  return st.failed || few || lean_bad ? 1 : 0;
}
