/*
 * interp_diff.c -- differential test: the VM against the AST reference
 * evaluator (compiler/interp.c), line by line, criterion by criterion.
 *
 *   interp_diff [-v] CASES.ndjson POLICY.pol...
 *
 * Compiles the policies (stdlib from ./stdlib), round-trips the program
 * through a bundle so the VM runs verified code as in production, then for
 * every case line of the NDJSON file judges every request line both ways
 * and compares the routed policy, the determination and the status of every
 * criterion.  Lines that are not valid cases are skipped and counted.
 * Prints the first 10 disagreements, a summary and "N passed, N failed"
 * (one comparison per request line); -v adds per-criterion status counts.
 * A line routed to a policy that uses constructs the evaluator does not
 * implement (compiler/interp.h) is compared on its routing only and
 * counted apart; the summary names those policies.
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
#include "vm.h"

#define SHOW_MAX 10

typedef struct Stats {
  unsigned long read, loaded, skipped, lines, passed, failed, shown;
  unsigned long det[4];
  unsigned long notcmp;   /* lines routed to a policy the evaluator cannot judge */
  unsigned long *crit;   /* per program criterion: 4 status counts */
  uint8_t *unjudged;     /* per program policy: such a policy */
} Stats;

static const char *crit_id(const pol_Program *p, uint32_t ci) { return p->str[p->crit[ci].id]; }

static void show(Stats *st, unsigned long lineno, const char *case_id, const pol_LineInfo *li,
                 const char *what)
{
  if (st->shown++ >= SHOW_MAX) return;
  printf("DISAGREE line %lu case %s request line %d (cpt %s): %s\n", lineno, case_id,
         (int)li->number, li->cpt ? li->cpt : "-", what);
}

/* Compares one request line: 1 if VM and evaluator agree, 0 if not, -1
   if only the routing could be compared (and agrees). */
static int compare_line(const pol_Compiler *c, const pol_Program *p, const pol_Case *cs,
                        const pol_LineResult *lr, uint8_t *status, Stats *st,
                        unsigned long lineno)
{
  char what[512];
  const pol_LineInfo *li = pol_case_line(cs, lr->line);
  const char *case_id = pol_case_id(cs);
  int det = -1;
  int pol = pol_interp_line(c, p, cs, lr->line, &det, status);
  if (pol == -2) {
    fprintf(stderr, "interp_diff: the compiler and the program disagree on the policies\n");
    exit(2);
  }
  int vm_pol = lr->policy == POL_NOSTR ? -1 : (int)lr->policy;
  if (pol != vm_pol) {
    snprintf(what, sizeof what, "policy: vm %s, evaluator %s",
             vm_pol < 0 ? "none" : p->str[p->pol[vm_pol].id], pol < 0 ? "none" : p->str[p->pol[pol].id]);
    show(st, lineno, case_id, li, what);
    return 0;
  }
  if (det == -1) {   /* a policy with constructs the evaluator lacks */
    st->unjudged[pol] = 1;
    return -1;
  }
  int ok = 1;
  if ((int)lr->det != det) {
    snprintf(what, sizeof what, "determination: vm %s, evaluator %s", pol_det_name(lr->det),
             pol_det_name((pol_Det)det));
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  if (det >= 0 && det <= PD_NO_POLICY) st->det[det]++;
  if (pol < 0) return ok;
  const pol_Policy *pp = &p->pol[pol];
  for (uint32_t j = 0; j < pp->ncrit; j++) {
    uint8_t vs = lr->crit[j].status, is = status[j];
    if (is <= PS_NA) st->crit[(size_t)(pp->crit0 + j) * 4 + is]++;
    if (vs == is) continue;
    snprintf(what, sizeof what, "criterion %s: vm %s, evaluator %s", crit_id(p, pp->crit0 + j),
             pol_status_name((pol_Status)vs), pol_status_name((pol_Status)is));
    show(st, lineno, case_id, li, what);
    ok = 0;
  }
  return ok;
}

static pol_Program *compile(pol_Compiler *c, char **files, int nfiles)
{
  pol_compiler_add_path(c, "stdlib");
  for (int i = 0; i < nfiles; i++) pol_compiler_load(c, files[i]);
  if (c->diag.nerrors || pol_check(c)) return NULL;
  pol_Program *p = pol_codegen(c);
  if (!p) return NULL;
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

int main(int argc, char **argv)
{
  int verbose = 0, a = 1;
  if (a < argc && strcmp(argv[a], "-v") == 0) { verbose = 1; a++; }
  if (argc - a < 2) {
    fprintf(stderr, "usage: interp_diff [-v] CASES.ndjson POLICY.pol...\n");
    return 2;
  }
  FILE *in = fopen(argv[a], "r");
  if (!in) { perror(argv[a]); return 2; }
  pol_Compiler c;
  pol_compiler_init(&c, stderr);
  pol_Program *p = compile(&c, argv + a + 1, argc - a - 1);
  if (!p) {
    fprintf(stderr, "interp_diff: the policies do not compile\n");
    pol_compiler_free(&c);
    fclose(in);
    return 2;
  }
  pol_Case *cs = pol_case_new(p);
  pol_VM *vm = pol_vm_new(p);
  uint32_t maxcrit = 1;
  for (uint32_t i = 0; i < p->npol; i++)
    if (p->pol[i].ncrit > maxcrit) maxcrit = p->pol[i].ncrit;
  uint8_t *status = malloc(maxcrit);
  Stats st;
  memset(&st, 0, sizeof st);
  st.crit = calloc((size_t)(p->ncrit ? p->ncrit : 1) * 4, sizeof *st.crit);
  st.unjudged = calloc(p->npol ? p->npol : 1, 1);
  if (!cs || !vm || !status || !st.crit || !st.unjudged) { fprintf(stderr, "interp_diff: out of memory\n"); return 2; }
  pol_vm_set_trace(vm, 1);

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
      st.failed += pol_case_nlines(cs);
      st.lines += pol_case_nlines(cs);
      if (st.shown++ < SHOW_MAX) printf("DISAGREE line %lu case %s: vm: %s\n", lineno, pol_case_id(cs), err);
      json_decref(root);
      continue;
    }
    for (uint32_t i = 0; i < pol_case_nlines(cs); i++) {
      st.lines++;
      int r = compare_line(&c, p, cs, &lines[i], status, &st, lineno);
      if (r > 0) st.passed++;
      else if (r == 0) st.failed++;
      else st.notcmp++;
    }
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
  printf("request lines: %lu (approve %lu, deny %lu, pend %lu, no_policy %lu by the evaluator)\n",
         st.lines, st.det[PD_APPROVE], st.det[PD_DENY], st.det[PD_PEND], st.det[PD_NO_POLICY]);
  if (st.notcmp) {
    printf("%lu request lines routed alike but not judged (assess, for each or decision rules in",
           st.notcmp);
    for (uint32_t i = 0; i < p->npol; i++)
      if (st.unjudged[i]) printf(" %s", p->str[p->pol[i].id]);
    printf(")\n");
  }
  if (st.shown > SHOW_MAX) printf("(%lu more disagreements not shown)\n", st.shown - SHOW_MAX);
  int few = st.loaded == 0 || st.loaded * 10 < st.read * 9;
  if (few) printf("too few cases loaded: %lu of %lu (need 90%%)\n", st.loaded, st.read);
  if (st.passed + st.failed == 0) {
    printf("no request line was judged by both\n");
    few = 1;
  }
  printf("%lu passed, %lu failed\n", st.passed, st.failed);

  free(status);
  free(st.crit);
  free(st.unjudged);
  pol_vm_free(vm);
  pol_case_free(cs);
  pol_program_free(p);
  pol_compiler_free(&c);
  return st.failed || few ? 1 : 0;
}
