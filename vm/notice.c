/*
 * notice.c -- the notice of determination (notice.h, docs/notice.md).
 *
 * One walk over the case's lines writes both forms: N holds the format,
 * and the few helpers below are the only places that write case or
 * bundle text (esc, value) or markup (tag, the page's head and foot).
 */
#include "notice.h"

#include <string.h>

#include "auth.h"
#include "bundle.h"
#include "value.h"

typedef struct N {
  pol_Buf *b;
  const pol_VM *vm;
  const pol_Program *p;
  int html;
} N;

/* ---- writing -------------------------------------------------------------- */

/* s (from the case or the bundle) escaped for the format. */
static void esc(N *n, const char *s)
{
  pol_Buf t = {0};
  pol_buf_text_str(&t, s ? s : "");
  if (!n->html) {
    pol_buf_put(n->b, t.s ? t.s : "", t.n);
  } else {
    for (size_t i = 0; i < t.n; i++) {
      switch (t.s[i]) {
      case '&': pol_buf_puts(n->b, "&amp;"); break;
      case '<': pol_buf_puts(n->b, "&lt;"); break;
      case '>': pol_buf_puts(n->b, "&gt;"); break;
      case '"': pol_buf_puts(n->b, "&quot;"); break;
      case '\'': pol_buf_puts(n->b, "&#39;"); break;
      default: pol_buf_putc(n->b, t.s[i]);
      }
    }
  }
  pol_buf_free(&t);
}

/* Markup: written in HTML only. */
static void tag(N *n, const char *s)
{
  if (n->html) pol_buf_puts(n->b, s);
}

/* Words of the notice itself (no case or bundle text): as they are. */
static void words(N *n, const char *s) { pol_buf_puts(n->b, s); }

/* Text-form layout: written in the text form only. */
static void plain(N *n, const char *s)
{
  if (!n->html) pol_buf_puts(n->b, s);
}

/* s[0 .. len), text the text report already escaped (one line of visible
   characters): as it is, in HTML only the metacharacters escaped. */
static void reported(N *n, const char *s, size_t len)
{
  if (!n->html) { pol_buf_put(n->b, s ? s : "", len); return; }
  for (size_t i = 0; i < len; i++) {
    switch (s[i]) {
    case '&': pol_buf_puts(n->b, "&amp;"); break;
    case '<': pol_buf_puts(n->b, "&lt;"); break;
    case '>': pol_buf_puts(n->b, "&gt;"); break;
    case '"': pol_buf_puts(n->b, "&quot;"); break;
    case '\'': pol_buf_puts(n->b, "&#39;"); break;
    default: pol_buf_putc(n->b, s[i]);
    }
  }
}

static void value(N *n, const pol_Value *v)
{
  pol_Buf t = {0};
  pol_trace_value_text(&t, n->p, v);   /* escaped as a text report's */
  reported(n, t.s, t.n);
  pol_buf_free(&t);
}

/* The items that decided evidence record e (docs/notice.md, "Decisive
   records"): one line each under the record, as the text report words
   them ("closest: imaging #1 (2025-01-20): region thoracic; lacked
   region == \"sij\""); indent: the text form's.  Nothing without
   witnesses. */
static void witnesses_out(N *n, const pol_EvRec *e, const char *indent)
{
  pol_Buf t = {0};
  pol_trace_witness_lines(&t, n->vm, e);
  if (t.n) tag(n, "<ul class=\"wit\">");
  for (char *s = t.s, *nl; s && *s; s = nl + 1) {
    nl = strchr(s, '\n');
    if (!nl) break;
    tag(n, "<li>");
    plain(n, indent);
    reported(n, s, (size_t)(nl - s));
    tag(n, "</li>");
    plain(n, "\n");
  }
  if (t.n) tag(n, "</ul>");
  pol_buf_free(&t);
}

/* A labelled field: "Label: value" (text) or a table row (HTML). */
static void field(N *n, const char *label, const char *v, const char *absent)
{
  if (n->html) pol_buf_printf(n->b, "<tr><th>%s</th><td>", label);
  else pol_buf_printf(n->b, "  %-18s ", label);
  if (v) esc(n, v);
  else words(n, absent);
  tag(n, "</td></tr>");
  words(n, "\n");
}

/* ---- the case ------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *k1, const char *k2)
{
  const json_t *j = json_object_get(o, k1);
  if (k2) j = json_is_object(j) ? json_object_get(j, k2) : NULL;
  return json_is_string(j) ? json_string_value(j) : NULL;
}

/* The request.procedures item of line number `number` (its `line`, else
   its position), or NULL. */
static const json_t *proc_of(const json_t *root, int32_t number)
{
  const json_t *req = json_object_get(root, "request");
  const json_t *a = json_is_object(req) ? json_object_get(req, "procedures") : NULL;
  if (!json_is_array(a)) return NULL;
  for (size_t i = 0; i < json_array_size(a); i++) {
    const json_t *it = json_array_get(a, i);
    const json_t *ln = json_object_get(it, "line");
    if (json_is_number(ln) ? json_number_value(ln) == number : (int64_t)i + 1 == number) return it;
  }
  return NULL;
}

/* ---- the plan's texts ----------------------------------------------------- */

static const char *const nt_heading[] = {
#define NOTICE_TEXT(N, key, heading, dflt) heading,
#include "notice_texts.def"
#undef NOTICE_TEXT
};
static const char *const nt_default[] = {
#define NOTICE_TEXT(N, key, heading, dflt) dflt,
#include "notice_texts.def"
#undef NOTICE_TEXT
};

/* Text t of the plan declaration d (NULL: none), else the default. */
static const char *plan_text(const N *n, const pol_PlanDecl *d, int t)
{
  if (d && d->text[t] != POL_NOSTR) return n->p->str[d->text[t]];
  return nt_default[t];
}

/* ---- decisions ------------------------------------------------------------ */

/* The authorization of an approved line (vm/auth.h: the setting, units,
   period, days, levels an `authorize` block states): "approved as
   modified" when it differs from what was requested. */
static int authorization_of(const N *n, const pol_LineResult *lr)
{
  return pol_auth_changes(n->p, lr) != 0;
}

/* What is authorized, and what was changed from the request. */
static void authorization_out(N *n, const pol_LineResult *lr, int modified)
{
  if (!pol_auth_shown(lr)) return;
  pol_Buf t = {0};
  pol_auth_summary(&t, n->p, lr);
  plain(n, "  Authorized: ");
  tag(n, "<p class=\"auth\">Authorized: ");
  esc(n, t.s ? t.s : "");
  tag(n, "</p>");
  words(n, "\n");
  if (modified) {
    pol_buf_reset(&t);
    pol_auth_changes_text(&t, n->p, lr, pol_auth_changes(n->p, lr));
    plain(n, "  Modified from the request: ");
    tag(n, "<p class=\"auth\">Modified from the request: ");
    esc(n, t.s ? t.s : "");
    tag(n, "</p>");
    words(n, "\n");
  }
  pol_buf_free(&t);
}

static const char *decision_words(const pol_LineResult *lr, int modified)
{
  switch (lr->det) {
  case PD_APPROVE: return modified ? "APPROVED AS MODIFIED" : "APPROVED";
  case PD_DENY: return "DENIED";
  case PD_PEND: return "PENDED: more information is needed";
  case PD_NO_POLICY: return "NOT REVIEWED: no medical policy of this review covers the code";
  case PD_PARTIAL: return "PARTIALLY APPROVED";
  case PD_LOI: return "NOT CERTIFIED: lack of information";
  case PD_REFER:
    return lr->recommended >= 0 ? "REFERRED FOR PHYSICIAN REVIEW: adverse determination recommended"
                                : "REFERRED FOR PHYSICIAN REVIEW";
  }
  return "?";
}

static const pol_CritResult *res_of(const pol_Policy *pol, const pol_LineResult *lr, uint32_t ci)
{
  return &lr->crit[ci - pol->crit0];
}

/* The records a criterion looked at, with the values and the thresholds. */
static void evidence_out(N *n, const pol_CritResult *r)
{
  const pol_Program *p = n->p;
  int any = 0;
  for (uint32_t i = 0; i < r->nev; i++) {
    if (!pol_trace_evidence_shown(n->vm, r, i)) continue;
    const pol_EvRec *e = &pol_vm_evidence(n->vm)[r->ev0 + i];
    const pol_Evid *d = &p->evid[e->evid];
    if (!any) { plain(n, "        What the records show:\n"); tag(n, "<div class=\"k\">What the records show</div><ul>"); }
    any = 1;
    tag(n, "<li>");
    plain(n, "          - ");
    esc(n, p->str[d->fact]);
    if (d->query != POL_NOSTR) {
      words(n, " (");
      esc(n, p->str[d->query]);
      words(n, ")");
    }
    words(n, ": ");
    value(n, &e->v);
    if (d->expected != POL_NOSTR && e->v.tag != PV_UNK) {
      words(n, "; the policy requires ");
      esc(n, p->str[d->expected]);
    }
    plain(n, "\n");
    witnesses_out(n, e, "              ");
    tag(n, "</li>\n");
  }
  if (any) tag(n, "</ul>");
  else {
    plain(n, "        What the records show: no record that meets it\n");
    tag(n, "<div class=\"k\">What the records show</div><p>no record that meets it</p>\n");
  }
}

/* The citation: policy id, criterion, version, effective date, source. */
static void citation_out(N *n, const pol_Policy *pol, const pol_Crit *cr)
{
  const pol_Program *p = n->p;
  char eff[16];
  pol_format_date(pol->effective, eff);
  plain(n, "        Policy: ");
  tag(n, "<div class=\"k\">Policy</div><p class=\"cite\">");
  esc(n, p->str[pol->id]);
  words(n, ", criterion ");
  esc(n, p->str[cr->id]);
  words(n, ", version ");
  esc(n, p->str[pol->version]);
  pol_buf_printf(n->b, ", effective %s", eff);
  words(n, " (");
  esc(n, p->str[pol->title]);
  words(n, ")");
  if (cr->cite != POL_NOSTR) {
    words(n, "; evidence cited: ");
    esc(n, p->str[cr->cite]);
  }
  tag(n, "</p>");
  words(n, "\n");
}

/* The specific reason for criterion ci: its text, its requirement in
   English, the records looked at, the citation, what would change it.
   Under an "all of", the children that failed follow as reasons. */
/* The reviewer-chosen params criterion ci reads (section PARM): a value
   the policy document does not state, said so with its reason. */
static void chosen_out(N *n, uint32_t ci)
{
  const pol_Program *p = n->p;
  for (uint32_t i = 0; i < p->nchosen; i++) {
    const pol_Chosen *c = &p->chosen[i];
    if (c->crit != ci) continue;
    plain(n, "        Chosen by the reviewer (not stated in the policy document): ");
    tag(n, "<div class=\"k\">Chosen by the reviewer (not stated in the policy document)</div><p>");
    esc(n, p->str[c->name]);
    words(n, " = ");
    esc(n, p->str[c->value]);
    words(n, ": ");
    esc(n, p->str[c->why]);
    tag(n, "</p>");
    words(n, "\n");
  }
}

static void reason_out(N *n, const pol_Policy *pol, const pol_LineResult *lr, uint32_t ci, int *num,
                       int depth)
{
  const pol_Program *p = n->p;
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(pol, lr, ci);
  int excl = (cr->flags & POL_CRIT_EXCLUSION) != 0;
  ++*num;
  tag(n, "<li class=\"reason\"><div class=\"rhead\">");
  if (!n->html) pol_buf_printf(n->b, "    %*s%d. ", depth * 2, "", *num);
  words(n, excl ? "Exclusion " : "Criterion ");
  esc(n, p->str[cr->id]);
  words(n, excl ? " applies: " : " is not met: ");
  esc(n, p->str[cr->text]);
  tag(n, "</div>");
  words(n, "\n");
  if (cr->english != POL_NOSTR) {
    plain(n, excl ? "        The policy excludes: " : "        The policy requires: ");
    tag(n, excl ? "<div class=\"k\">The policy excludes</div><p>" : "<div class=\"k\">The policy requires</div><p>");
    esc(n, p->str[cr->english]);
    tag(n, "</p>");
    words(n, "\n");
  }
  if (cr->kind == PC_LEAF) evidence_out(n, r);
  chosen_out(n, ci);
  citation_out(n, pol, cr);
  plain(n, "        What would change this decision: ");
  tag(n, "<div class=\"k\">What would change this decision</div><p>");
  if (cr->next != POL_NOSTR) esc(n, p->str[cr->next]);
  else if (excl) words(n, "records showing that this exclusion does not apply");
  else words(n, "records showing that this criterion is met");
  tag(n, "</p>");
  words(n, "\n");
  tag(n, "</li>\n");
  if (cr->kind == PC_ALL)
    for (uint32_t j = 0; j < cr->nchildren; j++) {
      uint32_t k = p->crit_children[cr->child0 + j];
      if (pol_crit_fails(p, k, res_of(pol, lr, k)->status)) reason_out(n, pol, lr, k, num, depth + 1);
    }
}

/* The facts still missing for criterion ci (unknown), with its next step. */
static void missing_out(N *n, const pol_Policy *pol, const pol_LineResult *lr, uint32_t ci, int *any)
{
  const char *title = lr->det == PD_PEND || lr->det == PD_LOI || lr->recommended == PD_LOI
                    ? "Information needed" : "Also not documented (needed before an approval)";
  const pol_Program *p = n->p;
  const pol_Crit *cr = &p->crit[ci];
  const pol_CritResult *r = res_of(pol, lr, ci);
  if (r->status != PS_UNKNOWN) return;
  if (cr->kind != PC_LEAF) {
    for (uint32_t j = 0; j < cr->nchildren; j++) missing_out(n, pol, lr, p->crit_children[cr->child0 + j], any);
    return;
  }
  if (!*any) {
    if (n->html) pol_buf_printf(n->b, "<h4>%s</h4><ul class=\"needed\">", title);
    else pol_buf_printf(n->b, "  %s:\n", title);
  }
  *any = 1;
  tag(n, "<li>");
  plain(n, "    - ");
  esc(n, p->str[cr->id]);
  words(n, " ");
  esc(n, p->str[cr->text]);
  for (uint32_t i = 0; i < r->nmiss; i++) {
    char path[256];
    pol_trace_missing_path(p, &pol_vm_missing(n->vm)[r->miss0 + i], path, sizeof path);
    words(n, i ? ", " : n->html ? " <span class=\"facts\">(" : " (");
    esc(n, path);
    if (i + 1 == r->nmiss) words(n, n->html ? ")</span>" : ")");
  }
  if (cr->next != POL_NOSTR) {
    words(n, n->html ? "<br>Please send: " : "\n        Please send: ");
    esc(n, p->str[cr->next]);
  }
  plain(n, "\n");
  /* the records that may decide it, once the facts come */
  for (uint32_t i = 0; i < r->nev; i++)
    if (pol_trace_evidence_shown(n->vm, r, i))
      witnesses_out(n, &pol_vm_evidence(n->vm)[r->ev0 + i], "        ");
  tag(n, "</li>\n");
}

/* The reasons of one set of criteria (a branch, an item, an assessment). */
static void reasons_of(N *n, const pol_Policy *pol, const pol_LineResult *lr, const uint32_t *tops,
                       uint32_t ntops, int *num, int *open)
{
  for (uint32_t j = 0; j < ntops; j++)
    if (pol_crit_fails(n->p, tops[j], res_of(pol, lr, tops[j])->status)) {
      if (!*open) { plain(n, "  Reasons:\n"); tag(n, "<h4>Reasons</h4><ol class=\"reasons\">"); }
      *open = 1;
      reason_out(n, pol, lr, tops[j], num, 0);
    }
}

/* An item of a `for each` (a spinal level): eligible or not, never
   "approved" under a line that is not. */
static const char *item_words(pol_Det d)
{
  switch (d) {
  case PD_APPROVE: return "eligible";
  case PD_DENY: return "not eligible";
  case PD_LOI: return "not certified for lack of information";
  case PD_PEND: return "pended";
  case PD_REFER: return "referred for physician review";
  case PD_PARTIAL: return "partly eligible";
  case PD_NO_POLICY: return "not reviewed";
  }
  return "?";
}

static int adverse(pol_Det d) { return d != PD_APPROVE && d != PD_PEND && d != PD_NO_POLICY; }

static void line_out(N *n, const pol_Case *c, const json_t *root, const pol_LineResult *lr)
{
  const pol_Program *p = n->p;
  const pol_LineInfo *li = pol_case_line(c, lr->line);
  const json_t *proc = proc_of(root, li->number);
  int modified = lr->det == PD_APPROVE && authorization_of(n, lr);
  tag(n, "<section class=\"service\">");
  pol_buf_printf(n->b, n->html ? "<h3>Service %d: " : "\nService %d: ", li->number);
  if (li->cpt || (!li->rxnorm && !li->ndc)) {
    words(n, "CPT/HCPCS ");
    esc(n, li->cpt ? li->cpt : "(none)");
  } else {
    words(n, li->rxnorm ? "Drug RxNorm " : "Drug NDC ");
    esc(n, li->rxnorm ? li->rxnorm : li->ndc);
  }
  const char *desc = proc ? jstr(proc, "description", NULL) : NULL;
  if (desc) {
    words(n, " \xe2\x80\x94 ");
    esc(n, desc);
  }
  tag(n, "</h3>");
  words(n, "\n");
  if (li->date_known) {
    char d[16];
    pol_format_date(li->date, d);
    pol_buf_printf(n->b, n->html ? "<p>Date of service (else of the request): %s</p>\n"
                                 : "  Date of service (else of the request): %s\n", d);
  }
  if (n->html)
    pol_buf_printf(n->b, "<p class=\"decision d-%s\">Decision: <strong>%s</strong></p>\n",
                   pol_det_name(lr->det), decision_words(lr, modified));
  else pol_buf_printf(n->b, "  Decision: %s\n", decision_words(lr, modified));
  if (lr->det == PD_APPROVE || lr->det == PD_PARTIAL) authorization_out(n, lr, modified);
  if (lr->recommended >= 0) {
    char up[16];
    const char *r = pol_det_name((pol_Det)lr->recommended);
    size_t k = 0;
    for (; r[k] && k + 1 < sizeof up; k++) up[k] = (char)(r[k] >= 'a' && r[k] <= 'z' ? r[k] - 32 : r[k]);
    up[k] = '\0';
    pol_buf_printf(n->b, n->html ? "<p class=\"recommend\">Recommended: <strong>%s</strong> ("
                                   POL_RECOMMENDED_TEXT "). Not a final decision until a physician "
                                   "reviewer makes it.</p>\n"
                                 : "  Recommended: %s (" POL_RECOMMENDED_TEXT ").\n"
                                   "  Not a final decision until a physician reviewer makes it.\n", up);
  }
  if (lr->policy == POL_NOSTR) { tag(n, "</section>\n"); return; }
  const pol_Policy *pol = &p->pol[lr->policy];
  char eff[16];
  pol_format_date(pol->effective, eff);
  plain(n, "  Policy applied: ");
  tag(n, "<p>Policy applied: ");
  esc(n, p->str[pol->id]);
  words(n, " \"");
  esc(n, p->str[pol->title]);
  words(n, "\", version ");
  esc(n, p->str[pol->version]);
  pol_buf_printf(n->b, ", effective %s", eff);
  tag(n, "</p>");
  words(n, "\n");
  int num = 0, open = 0, any = 0;
  const pol_Branch *br = lr->branch == POL_NOSTR ? NULL : &p->branches[lr->branch];
  if (br && adverse(lr->line_det))
    reasons_of(n, pol, lr, p->branch_crit + br->crit0, br->ncrit, &num, &open);
  if (lr->bstate == PB_NONE && adverse(lr->det)) {
    if (!open) { plain(n, "  Reasons:\n"); tag(n, "<h4>Reasons</h4><ol class=\"reasons\">"); }
    open = 1;
    tag(n, "<li class=\"reason\">");
    ++num;
    if (!n->html) pol_buf_printf(n->b, "    %d. ", num);
    if (pol->otherwise_text != POL_NOSTR) esc(n, p->str[pol->otherwise_text]);
    else {
      words(n, "The request does not match any service the policy ");
      esc(n, p->str[pol->id]);
      words(n, " describes.");
    }
    tag(n, "</li>");
    words(n, "\n");
  }
  if (br && br->each != POL_NOSTR && lr->items_known)
    for (uint32_t i = 0; i < lr->nitems; i++) {
      const pol_ItemResult *it = &lr->items[i];
      if (!adverse(it->det)) continue;
      pol_LineResult view = *lr;
      view.crit = it->crit;
      if (!open) { plain(n, "  Reasons:\n"); tag(n, "<h4>Reasons</h4><ol class=\"reasons\">"); }
      open = 1;
      plain(n, "    For ");
      tag(n, "<li class=\"item\">For ");
      value(n, &it->item);
      pol_buf_printf(n->b, ": %s", item_words(it->det));
      tag(n, "</li>");
      words(n, "\n");
      int o2 = 1;
      reasons_of(n, pol, &view, p->branch_crit + br->ecrit0, br->necrit, &num, &o2);
    }
  for (uint32_t a = 0; a < lr->naspects; a++) {
    const pol_Branch *ab = &p->branches[lr->aspects[a].branch];
    if (!adverse(lr->aspects[a].det)) continue;
    if (!open) { plain(n, "  Reasons:\n"); tag(n, "<h4>Reasons</h4><ol class=\"reasons\">"); }
    open = 1;
    plain(n, "    ");
    tag(n, "<li class=\"item\">");
    esc(n, p->str[ab->text]);
    pol_buf_printf(n->b, ": %s", lr->aspects[a].det == PD_DENY ? "not approved as requested"
                                                               : item_words(lr->aspects[a].det));
    tag(n, "</li>");
    words(n, "\n");
    int o2 = 1;
    reasons_of(n, pol, lr, p->branch_crit + ab->crit0, ab->ncrit, &num, &o2);
  }
  if (open) tag(n, "</ol>\n");
  if (br && lr->det != PD_APPROVE)
    for (uint32_t j = 0; j < br->ncrit; j++) missing_out(n, pol, lr, p->branch_crit[br->crit0 + j], &any);
  if (lr->bstate == PB_UNKNOWN) {
    plain(n, "  Information needed: which service of the policy this is (");
    tag(n, "<h4>Information needed</h4><p>Which service of the policy this is (");
    int first = 1;
    for (uint32_t k = pol->branch0; k < pol->branch0 + pol->nbranches; k++) {
      const pol_CritResult *cr = &lr->cond[k - pol->branch0];
      if (p->branches[k].aspect != POL_NOSTR || cr->status != PS_UNKNOWN) continue;
      for (uint32_t i = 0; i < cr->nmiss; i++) {
        char path[256];
        pol_trace_missing_path(p, &pol_vm_missing(n->vm)[cr->miss0 + i], path, sizeof path);
        words(n, first ? "" : ", ");
        first = 0;
        esc(n, path);
      }
    }
    words(n, ")");
    tag(n, "</p>");
    words(n, "\n");
  }
  if (any) tag(n, "</ul>\n");
  tag(n, "</section>\n");
}

/* ---- the page ------------------------------------------------------------- */

static const char css[] =
  "body{font:15px/1.45 Georgia,serif;color:#111;max-width:46em;margin:2em auto;padding:0 1em}"
  "h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.6em}"
  "h3{font-size:1.05em;margin:.2em 0}h4{margin:.8em 0 .3em}"
  "table.req th{text-align:left;padding-right:1em;font-weight:normal;color:#444}"
  ".service{border:1px solid #bbb;border-radius:4px;padding:.6em 1em;margin:1em 0}"
  ".decision strong{font-size:1.05em}.d-approve strong{color:#185c18}.d-deny strong,.d-loi strong{color:#8b1111}"
  ".d-refer strong,.d-pend strong,.d-partial strong{color:#7a4b00}"
  ".recommend{background:#fff4d6;padding:.4em .6em}"
  ".k{font-variant:small-caps;color:#444;margin-top:.3em}.reason p{margin:.1em 0 .3em}"
  ".rhead{font-weight:bold}.cite{font-size:.93em}.facts{font-family:monospace;font-size:.9em}"
  ".sign{border-top:1px solid #999;margin-top:2em;padding-top:.5em}"
  "footer{color:#666;font-size:.85em;margin-top:2em}"
  "@media print{body{margin:0}.service{break-inside:avoid}}";

static void head_out(N *n, const pol_Case *c)
{
  if (!n->html) {
    words(n, "NOTICE OF PRIOR AUTHORIZATION DETERMINATION\n");
    return;
  }
  words(n, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'\">\n<title>Notice of determination: ");
  esc(n, pol_case_id(c));
  pol_buf_printf(n->b, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", css);
  words(n, "<h1>Notice of prior authorization determination</h1>\n");
}

static void section(N *n, const char *title)
{
  if (n->html) pol_buf_printf(n->b, "<h2>%s</h2>\n", title);
  else pol_buf_printf(n->b, "\n%s\n", title);
}

void pol_notice(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const json_t *root,
                const pol_LineResult *lines, const pol_TraceMeta *meta, int format)
{
  N n = {b, vm, pol_vm_program(vm), format == POL_NOTICE_HTML};
  const pol_Program *p = n.p;
  uint32_t nl = pol_case_nlines(c);
  const pol_LineInfo *l0 = nl ? pol_case_line(c, 0) : NULL;
  const pol_PlanDecl *plan = l0 ? pol_plan_decl(p, l0->plan_id) : NULL;
  const char *plan_name = plan_text(&n, plan, POL_NT_NAME);
  head_out(&n, c);

  section(&n, "The request");
  tag(&n, "<table class=\"req\">\n");
  const json_t *req = json_object_get(root, "request");
  field(&n, "Plan:", plan_name ? plan_name : l0 ? l0->plan : NULL, "(not given)");
  field(&n, "Member:", jstr(root, "patient", "name"), "(not given)");
  field(&n, "Member ID:", jstr(root, "patient", "member_id"), "(not given)");
  field(&n, "Request ID:", jstr(req, "id", NULL), "(not given)");
  field(&n, "Case:", pol_case_id(c), "");
  field(&n, "Request date:", jstr(req, "date", NULL), "(not given)");
  field(&n, "Date of service:", jstr(req, "service_date", NULL), "(not given)");
  tag(&n, "</table>\n");

  section(&n, "Decision on each service requested");
  if (nl == 0) words(&n, n.html ? "<p>The request names no service.</p>\n" : "  The request names no service.\n");
  int any_adverse = 0, any_recommended = 0;
  for (uint32_t i = 0; i < nl; i++) {
    line_out(&n, c, root, &lines[i]);
    any_adverse |= adverse(lines[i].det) || lines[i].det == PD_PEND;
    any_recommended |= lines[i].recommended >= 0;
  }
  if (any_recommended) {
    section(&n, "Physician review");
    tag(&n, "<p>");
    words(&n, "Under 42 CFR 422.566(d) an adverse medical-necessity decision is made by a physician: "
              "the adverse recommendations above are not decisions until the reviewer below signs them.");
    tag(&n, "</p>");
    words(&n, "\n");
  }
  for (int t = 0; t < POL_NT__COUNT; t++) {
    if (!nt_heading[t] || t == POL_NT_REVIEWER) continue;
    if (!any_adverse) break;   /* an approval needs no appeal rights */
    section(&n, nt_heading[t]);
    tag(&n, "<p>");
    plain(&n, "  ");
    esc(&n, plan_text(&n, plan, t));
    tag(&n, "</p>");
    words(&n, "\n");
  }
  tag(&n, "<div class=\"sign\">");
  section(&n, nt_heading[POL_NT_REVIEWER]);
  tag(&n, "<p>");
  plain(&n, "  ");
  esc(&n, plan_text(&n, plan, POL_NT_REVIEWER));
  tag(&n, "</p></div>");
  words(&n, "\n");

  char hex[65];
  pol_sha_hex(p->sha256, hex);
  tag(&n, "<footer>");
  pol_buf_printf(b, n.html ? "Prepared by polvm from bundle sha256 %.16s&hellip; built " : "\n--\nPrepared by polvm from bundle sha256 %.16s... built ", hex);
  esc(&n, p->str[p->built]);
  if (meta && meta->case_sha256) pol_buf_printf(b, "; case sha256 %.16s%s", meta->case_sha256, n.html ? "&hellip;" : "...");
  tag(&n, "</footer>\n</main>\n</body>\n</html>");
  words(&n, "\n");
}
