/*
 * fmt.c -- `polc fmt`: the canonical layout of .pol sources.
 *
 * The parser keeps no comments, so the source text is scanned once more
 * for them (scan_comments) and each is put back where it stood: a comment
 * alone on its line goes on a line of its own before the declaration,
 * clause or operand that follows it; a comment after code stays at the end
 * of that line (aligned with the trailing comments of the lines next to
 * it).
 *
 * Layout is a small Wadler/Prettier document printer: the tree becomes a
 * document of texts, optional line breaks, groups that break together and
 * fills; the printer breaks a group only when it does not fit in WIDTH
 * columns.  Only white space changes: tokens are printed in their order
 * and with the source's parentheses (nested ones folded to one), and
 * pol_fmt_text parses its own output and compares the trees (and the
 * comments) before it returns anything.
 *
 * The canonical layout:
 *  - 2-space indentation; one header field, record field, declaration,
 *    clause or decision rule per line; blank lines between them kept (at
 *    most one), none after `{` or before `}`;
 *  - a criterion's attributes (tag, cite, next) stay on its line, or go
 *    one per line, indented 4, when the line is too long; a leaf's
 *    expression sits on its own line(s) inside the braces;
 *  - a long expression is broken after `and` / `or`, one operand per
 *    line: the operands of a quantifier's `where` go below it, indented
 *    2; a chain that starts its line (a criterion's expression, a let's
 *    value, inside parentheses) lines its operands up, any other chain
 *    hangs them 2 deeper; a coverage breaks before `from`; sets and
 *    argument lists wrap, aligned after their bracket.  Strings are never
 *    broken.
 *
 * Comments move only as far as the layout needs: one the source had after
 * code ends its output line too (what followed it starts the next line);
 * when two would meet on one line after a // comment, the second goes on
 * a line of its own (the printer's held-back list).  Formatting twice
 * changes nothing, wherever the comments stand (tests/suites/fmt.sh sprinkles
 * them between random tokens to check it).
 *
 * Memory: documents and strings live in one arena per call, freed at the
 * end; the result is malloc'd and owned by the caller.
 */
#include "fmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ast.h"
#include "compile.h"
#include "diag.h"
#include "parse.h"
#include "../vm/output.h"
#include "../vm/util.h"

#define WIDTH 100
/* levels a declaration and its nested criteria may add above the deepest
   expression the compiler accepts (criteria nest at most 16 deep, E0312) */
#define FMT_DEPTH_MARGIN 40
#define MARK '\x01'          /* starts a trailing comment in the printer's output */

/* ---- documents ---------------------------------------------------------- */

typedef enum {
  K_TEXT,     /* s, printed as is */
  K_LINE,     /* a space, or a new line when its group is broken */
  K_HARD,     /* always a new line */
  K_FRESH,    /* a new line unless the line is still empty */
  K_FLUSH,    /* the end of a block: comments held back go out here */
  K_NEST,     /* kid, with the indentation increased by n */
  K_ALIGN,    /* kid, with the indentation set to the current column */
  K_GROUP,    /* kid; its lines break together, only if it does not fit */
  K_CAT,      /* children in order */
  K_FILL,     /* content, LINE, content, ...: each line breaks only if needed */
  K_SUFFIX    /* s, a trailing comment: printed at the end of the line */
} DocKind;

typedef struct Doc Doc;
struct Doc {
  DocKind k;
  const char *s;
  int n;
  Doc *kid;
  Doc *first, *last;   /* K_CAT, K_FILL: children linked through next */
  Doc *next;
  int broken;          /* K_GROUP: holds a hard line break or a trailing comment */
};

typedef struct Comment {
  uint32_t start, end;
  int trailing;        /* code precedes it on its line */
} Comment;

typedef struct F {
  pol_Arena *arena;    /* owned */
  const char *src;     /* borrowed */
  size_t len;
  Comment *cm;         /* malloc'd, in source order */
  int ncm, next;       /* next: the first comment not yet placed */
} F;

static Doc *mk(F *f, DocKind k)
{
  Doc *d = pol_arena_alloc(f->arena, sizeof *d);
  d->k = k;
  return d;
}

static Doc *text(F *f, const char *s)
{
  Doc *d = mk(f, K_TEXT);
  d->s = s;
  return d;
}

static Doc *textf(F *f, const char *fmt, ...) POL_PRINTF(2, 3);
static Doc *textf(F *f, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = pol_arena_alloc(f->arena, (size_t)(n < 0 ? 0 : n) + 1);
  va_start(ap, fmt);
  if (n > 0) vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return text(f, s);
}

static Doc *line(F *f) { return mk(f, K_LINE); }
static Doc *hard(F *f) { return mk(f, K_HARD); }
static Doc *cat(F *f) { return mk(f, K_CAT); }

static Doc *add(Doc *c, Doc *d)
{
  if (!d) return c;
  d->next = NULL;
  if (c->last) c->last->next = d;
  else c->first = d;
  c->last = d;
  return c;
}

/* A K_CAT of the arguments, up to a NULL. */
static Doc *seq(F *f, ...)
{
  Doc *c = cat(f);
  va_list ap;
  va_start(ap, f);
  for (Doc *d = va_arg(ap, Doc *); d; d = va_arg(ap, Doc *)) add(c, d);
  va_end(ap);
  return c;
}

static Doc *wrap(F *f, DocKind k, int n, Doc *kid)
{
  Doc *d = mk(f, k);
  d->n = n;
  d->kid = kid;
  return d;
}

static Doc *nest(F *f, int n, Doc *d) { return wrap(f, K_NEST, n, d); }
static Doc *align(F *f, Doc *d) { return wrap(f, K_ALIGN, 0, d); }
static Doc *group(F *f, Doc *d) { return wrap(f, K_GROUP, 0, d); }

/* Adds one content to a K_FILL, with the separating line. */
static void fill_add(F *f, Doc *fill, Doc *d)
{
  if (fill->first) add(fill, line(f));
  add(fill, d);
}

/* Marks the groups that must break; returns whether d forces a break. */
static int propagate(Doc *d)
{
  int hardness = 0;
  switch (d->k) {
  case K_TEXT: return strchr(d->s, '\n') != NULL;
  case K_HARD: case K_FRESH: case K_SUFFIX: return 1;
  case K_FLUSH: return 0;
  case K_LINE: return 0;
  case K_NEST: case K_ALIGN: return propagate(d->kid);
  case K_GROUP: d->broken = propagate(d->kid); return d->broken;
  case K_CAT: case K_FILL:
    for (Doc *k = d->first; k; k = k->next) hardness |= propagate(k);
    return hardness;
  }
  return 0;
}

/* ---- the printer ---------------------------------------------------------- */

typedef struct Cmd {
  int ind;
  int flat;
  Doc *d;
  Doc *from;           /* K_FILL: the content to go on with (NULL: the first) */
} Cmd;

static void buf_rtrim(pol_Buf *b)
{
  while (b->n > 0 && (b->s[b->n - 1] == ' ' || b->s[b->n - 1] == '\t')) b->n--;
  if (b->s) b->s[b->n] = '\0';
}

/* Columns of a UTF-8 string: its code points. */
static int width_of(const char *s, size_t n)
{
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) w++;
  return w;
}

typedef struct Stack {
  Cmd *c;
  int n, cap;
} Stack;

static void push(Stack *s, Cmd c)
{
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 256;
    Cmd *nc = realloc(s->c, (size_t)s->cap * sizeof *nc);
    if (!nc) { fputs("polc: out of memory\n", stderr); abort(); }
    s->c = nc;
  }
  s->c[s->n++] = c;
}

/* Pushes the list of children from `from` on, so that the first pops first. */
static void push_list(Stack *s, int ind, int flat, Doc *from)
{
  int n = 0;
  for (Doc *k = from; k; k = k->next) n++;
  Doc **v = malloc((size_t)(n ? n : 1) * sizeof *v);
  if (!v) abort();
  n = 0;
  for (Doc *k = from; k; k = k->next) v[n++] = k;
  while (n > 0) push(s, (Cmd){ind, flat, v[--n], NULL});
  free(v);
}

/* Whether the commands init[0..ninit) (first first), flat, followed by the
   rest of the printer's stack, fit in `width` columns before the next
   possible line break. */
static int fits(const Cmd *init, int ninit, const Stack *rest, int width)
{
  Stack s = {NULL, 0, 0};
  for (int i = ninit - 1; i >= 0; i--) push(&s, init[i]);
  int ri = rest ? rest->n : 0, ok = 0;
  while (width >= 0) {
    if (s.n == 0) {
      if (ri == 0) { ok = 1; break; }
      push(&s, rest->c[--ri]);
    }
    Cmd c = s.c[--s.n];
    switch (c.d->k) {
    case K_TEXT: {
      const char *nl = strchr(c.d->s, '\n');
      if (nl) { width -= width_of(c.d->s, (size_t)(nl - c.d->s)); ok = width >= 0; goto done; }
      width -= width_of(c.d->s, strlen(c.d->s));
      break;
    }
    case K_CAT: push_list(&s, c.ind, c.flat, c.d->first); break;
    case K_FILL: push_list(&s, c.ind, c.flat, c.from ? c.from : c.d->first); break;
    case K_NEST: case K_ALIGN: push(&s, (Cmd){c.ind, c.flat, c.d->kid, NULL}); break;
    case K_GROUP: push(&s, (Cmd){c.ind, c.d->broken ? 0 : c.flat, c.d->kid, NULL}); break;
    case K_LINE:
      if (!c.flat) { ok = 1; goto done; }
      width--;
      break;
    case K_HARD: case K_FRESH: ok = 1; goto done;
    case K_SUFFIX: case K_FLUSH: break;
    }
  }
done:
  free(s.c);
  return ok;
}

/* Comments for the end of the line are held in `sf` until the line ends.
   Nothing can follow a // comment on its line, so a comment arriving after
   one waits in `ov` and goes out on lines of its own at the next line
   break, where the next run of the formatter reads it as a comment before
   what follows -- and places it there again. */
typedef struct Printer {
  pol_Buf out;
  int col;
  const char **sf, **ov;   /* comment texts, borrowed from the documents */
  int nsf, nov, cap_sf, cap_ov;
  int cur_line;            /* the line being printed ends in a // comment */
  int prev_line;           /* so does the line before */
  int ov_ind;              /* + 1: the indentation of the block the held back
                              comments belong to (K_FLUSH), or 0 */
} Printer;

static int is_line_comment(const char *s) { return s[0] == '/' && s[1] == '/'; }

static void hold(const char ***v, int *n, int *cap, const char *s)
{
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    const char **nv = realloc(*v, (size_t)*cap * sizeof *nv);
    if (!nv) { fputs("polc: out of memory\n", stderr); abort(); }
    *v = nv;
  }
  (*v)[(*n)++] = s;
}

static void put(Printer *p, const char *s)
{
  if (*s) p->cur_line = is_line_comment(s);
  pol_buf_puts(&p->out, s);
  for (; *s; s++) {
    if (*s == '\n') p->col = 0;
    else if (((unsigned char)*s & 0xc0) != 0x80) p->col++;
  }
}

static void indent(Printer *p, int ind)
{
  for (int i = 0; i < ind; i++) pol_buf_puts(&p->out, " ");
  p->col = ind;
}

/* Appends comments v[0..n) at the end of the current line: the first after
   a mark (unless the line already has one), the others after a space. */
static void trail(Printer *p, const char *const *v, int n)
{
  char m[2] = {MARK, '\0'};
  size_t bol = p->out.n;
  while (bol > 0 && p->out.s[bol - 1] != '\n') bol--;
  int marked = memchr(p->out.s + bol, MARK, p->out.n - bol) != NULL;
  for (int i = 0; i < n; i++) {
    pol_buf_puts(&p->out, i == 0 && !marked ? m : " ");
    pol_buf_puts(&p->out, v[i]);
    p->cur_line = is_line_comment(v[i]);
  }
}

/* Ends the line; `ind` is the indentation of the next. */
static void newline(Printer *p, int ind)
{
  buf_rtrim(&p->out);
  int blank = p->out.n == 0 || p->out.s[p->out.n - 1] == '\n';
  if (p->nsf && !blank) {
    trail(p, p->sf, p->nsf);
  } else if (p->nsf && p->out.n > 1 && p->out.s[p->out.n - 2] != '\n' && !p->prev_line) {
    /* nothing on this line yet: the comments go to the end of the one before,
       and this line stays empty */
    p->out.n--;
    buf_rtrim(&p->out);
    p->cur_line = p->prev_line;
    trail(p, p->sf, p->nsf);
    p->prev_line = p->cur_line;
    p->cur_line = 0;
    pol_buf_puts(&p->out, "\n");
  } else if (p->nsf) {
    /* the line before is empty or ends in a // comment: these lead lines
       of their own */
    for (int i = p->nsf - 1; i >= 0; i--) {
      hold(&p->ov, &p->nov, &p->cap_ov, NULL);
      memmove(p->ov + 1, p->ov, (size_t)(p->nov - 1) * sizeof *p->ov);
      p->ov[0] = p->sf[i];
    }
  }
  int had_suffix = p->nsf > 0;
  p->nsf = 0;
  if (!blank || (!had_suffix && !p->nov)) {
    pol_buf_puts(&p->out, "\n");
    p->prev_line = p->cur_line;
    p->cur_line = 0;
  }
  /* the comments held back: a line each, a comment leading it and the
     others (up to a // comment) trailing it */
  int oi = p->ov_ind ? p->ov_ind - 1 : ind;
  p->ov_ind = 0;
  for (int i = 0; i < p->nov;) {
    indent(p, oi);
    pol_buf_puts(&p->out, p->ov[i]);
    p->cur_line = is_line_comment(p->ov[i]);
    int j = i + 1;
    while (j < p->nov && !p->cur_line) j++, trail(p, p->ov + j - 1, 1);
    i = j;
    pol_buf_puts(&p->out, "\n");
    p->prev_line = p->cur_line;
    p->cur_line = 0;
  }
  p->nov = 0;
  indent(p, ind);
}

static char *print_doc(Doc *root)
{
  propagate(root);
  Printer p;
  memset(&p, 0, sizeof p);
  pol_buf_reserve(&p.out, 0);
  p.out.s[0] = '\0';
  Stack s = {NULL, 0, 0};
  push(&s, (Cmd){0, 0, root, NULL});
  while (s.n > 0) {
    Cmd c = s.c[--s.n];
    switch (c.d->k) {
    case K_TEXT: put(&p, c.d->s); break;
    case K_CAT: push_list(&s, c.ind, c.flat, c.d->first); break;
    case K_NEST: push(&s, (Cmd){c.ind + c.d->n, c.flat, c.d->kid, NULL}); break;
    case K_ALIGN: push(&s, (Cmd){p.col, c.flat, c.d->kid, NULL}); break;
    case K_GROUP: {
      Cmd flat = {c.ind, 1, c.d->kid, NULL};
      if (!c.d->broken && (c.flat || fits(&flat, 1, &s, WIDTH - p.col))) push(&s, flat);
      else push(&s, (Cmd){c.ind, 0, c.d->kid, NULL});
      break;
    }
    case K_FILL: {
      /* as Prettier's fill: a line breaks when the next content does not
         fit after it; the last content also needs what follows the fill */
      Doc *content = c.from ? c.from : c.d->first;
      if (!content) break;
      if (c.flat) { push_list(&s, c.ind, 1, content); break; }
      Cmd cf = {c.ind, 1, content, NULL}, cb = {c.ind, 0, content, NULL};
      Doc *ws = content->next;
      int content_fits = fits(&cf, 1, ws ? NULL : &s, WIDTH - p.col);
      if (!ws) { push(&s, content_fits ? cf : cb); break; }
      Doc *second = ws->next;
      Cmd pair[3] = {cf, {c.ind, 1, ws, NULL}, {c.ind, 1, second, NULL}};
      int pair_fits = fits(pair, 3, second->next ? NULL : &s, WIDTH - p.col);
      push(&s, (Cmd){c.ind, 0, c.d, second});
      push(&s, (Cmd){c.ind, pair_fits, ws, NULL});
      push(&s, content_fits ? cf : cb);
      break;
    }
    case K_LINE:
      if (c.flat) put(&p, " ");
      else newline(&p, c.ind);
      break;
    case K_HARD: newline(&p, c.ind); break;
    case K_FRESH: {
      size_t bol = p.out.n;
      while (bol > 0 && p.out.s[bol - 1] != '\n') bol--;
      int blank = 1;
      for (size_t i = bol; i < p.out.n; i++) blank &= p.out.s[i] == ' ';
      if (!blank) newline(&p, c.ind);
      break;
    }
    case K_SUFFIX:
      if (p.nov || (p.nsf ? is_line_comment(p.sf[p.nsf - 1]) : p.cur_line)) hold(&p.ov, &p.nov, &p.cap_ov, c.d->s);
      else hold(&p.sf, &p.nsf, &p.cap_sf, c.d->s);
      break;
    case K_FLUSH:
      p.ov_ind = c.ind + 1;
      break;
    }
  }
  newline(&p, 0);
  /* one new line at the end, none before */
  while (p.out.n > 1 && p.out.s[p.out.n - 1] == '\n' && p.out.s[p.out.n - 2] == '\n')
    p.out.s[--p.out.n] = '\0';
  free(s.c);
  free(p.sf);
  free(p.ov);
  return p.out.s;
}

/* Aligns the trailing comments of consecutive lines two columns after the
   longest code among them, and drops the markers. */
static char *align_trailing(char *in)
{
  pol_Buf out = {0};
  pol_buf_reserve(&out, strlen(in));
  out.s[0] = '\0';
  char *p = in;
  while (*p) {
    /* a run of consecutive lines holding a mark */
    char *q = p;
    int maxw = -1;
    while (*q) {
      char *eol = strchr(q, '\n');
      if (!eol) eol = q + strlen(q);
      char *m = memchr(q, MARK, (size_t)(eol - q));
      if (!m) break;
      int w = width_of(q, (size_t)(m - q));
      if (w > maxw) maxw = w;
      q = *eol ? eol + 1 : eol;
    }
    if (q == p) {
      char *eol = strchr(p, '\n');
      size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
      pol_buf_put(&out, p, n);
      p += n;
      continue;
    }
    while (p < q) {
      char *m = strchr(p, MARK);
      char *eol = strchr(m, '\n');
      size_t n = eol ? (size_t)(eol - m) : strlen(m);
      int w = width_of(p, (size_t)(m - p));
      pol_buf_put(&out, p, (size_t)(m - p));
      if (w > 0) for (int i = w; i < maxw + 2; i++) pol_buf_puts(&out, " ");
      pol_buf_put(&out, m + 1, n - 1);
      p = m + n;
      if (*p == '\n') { pol_buf_puts(&out, "\n"); p++; }
    }
  }
  free(in);
  return out.s;
}

/* ---- comments --------------------------------------------------------------- */

static void scan_comments(F *f)
{
  const char *s = f->src;
  size_t n = f->len, i = 0;
  int cap = 0;
  while (i < n) {
    char c = s[i];
    if (c == '"') {
      /* as the scanner: a string ends at its quote or at the end of the line */
      for (i++; i < n && s[i] != '"' && s[i] != '\n'; i++)
        if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') i++;
      if (i < n && s[i] == '"') i++;
      continue;
    }
    if (c != '/' || i + 1 >= n || (s[i + 1] != '/' && s[i + 1] != '*')) { i++; continue; }
    size_t start = i;
    if (s[i + 1] == '/') {
      while (i < n && s[i] != '\n') i++;
    } else {
      const char *e = strstr(s + i + 2, "*/");
      i = e ? (size_t)(e - s) + 2 : n;
    }
    if (f->ncm == cap) {
      cap = cap ? cap * 2 : 32;
      Comment *nc = realloc(f->cm, (size_t)cap * sizeof *nc);
      if (!nc) abort();
      f->cm = nc;
    }
    size_t j = start;
    while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\r')) j--;
    f->cm[f->ncm++] = (Comment){(uint32_t)start, (uint32_t)i, j > 0 && s[j - 1] != '\n'};
  }
}

/* The text of a comment, without trailing white space. */
static const char *comment_text(F *f, const Comment *c)
{
  size_t n = c->end - c->start;
  while (n > 0 && (f->src[c->start + n - 1] == ' ' || f->src[c->start + n - 1] == '\t' ||
                   f->src[c->start + n - 1] == '\r'))
    n--;
  return pol_arena_strndup(f->arena, f->src + c->start, n);
}

static Doc *suffix(F *f, const Comment *c)
{
  Doc *d = mk(f, K_SUFFIX);
  d->s = comment_text(f, c);
  return d;
}

/* Places the trailing comments that come next, before `upto`. */
static void trailing_comments(F *f, Doc *out, uint32_t upto)
{
  while (f->next < f->ncm && f->cm[f->next].start < upto && f->cm[f->next].trailing)
    add(out, suffix(f, &f->cm[f->next++]));
}

/* Inside an expression: places every comment before `upto`.  A comment
   that trailed code ends the output line too, so what follows it starts
   the next line, as in the source (and formatting again changes nothing). */
static void expr_comments(F *f, Doc *out, uint32_t upto)
{
  while (f->next < f->ncm && f->cm[f->next].start < upto) {
    Comment *c = &f->cm[f->next++];
    if (c->trailing) {
      add(out, suffix(f, c));
    } else {
      add(out, mk(f, K_FRESH));
      add(out, text(f, comment_text(f, c)));
    }
    add(out, hard(f));
  }
}

/* Whether a blank line precedes offset off (after other code). */
static int blank_before(F *f, uint32_t off)
{
  int nl = 0;
  while (off > 0) {
    char c = f->src[off - 1];
    if (c == '\n') nl++;
    else if (c != ' ' && c != '\t' && c != '\r') break;
    off--;
  }
  return nl >= 2 && off > 0;
}

/* The offset of the code character before off / at or after off,
   skipping white space and comments; -1 if none. */
static long code_before(F *f, long i)
{
  int k = f->ncm - 1;
  for (i--; i >= 0; i--) {
    char c = f->src[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    while (k >= 0 && f->cm[k].end > (uint32_t)i + 1) k--;
    if (k >= 0 && f->cm[k].end == (uint32_t)i + 1) { i = f->cm[k].start; continue; }
    return i;
  }
  return -1;
}

static long code_after(F *f, long i)
{
  int k = 0;
  for (; i < (long)f->len; i++) {
    char c = f->src[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    while (k < f->ncm && f->cm[k].start < (uint32_t)i) k++;
    if (k < f->ncm && f->cm[k].start == (uint32_t)i) { i = f->cm[k].end - 1; continue; }
    return i;
  }
  return -1;
}

/* How many pairs of parentheses enclose exactly the span. */
static int parens(F *f, pol_Span sp)
{
  int k = 0;
  long a = sp.start, b = sp.end;
  for (;;) {
    long p = code_before(f, a), q = code_after(f, b);
    if (p < 0 || q < 0 || f->src[p] != '(' || f->src[q] != ')') return k;
    k++;
    a = p;
    b = q + 1;
  }
}

/* ---- blocks: lines of declarations, clauses, fields ----------------------- */

typedef struct Blk {
  F *f;
  Doc *body;
  int n;          /* lines so far */
  int nested;     /* inside braces: every line starts with a new line */
} Blk;

static void blk_begin(Blk *b, F *f, int nested)
{
  b->f = f;
  b->body = cat(f);
  b->n = 0;
  b->nested = nested;
}

static void blk_sep(Blk *b, uint32_t start)
{
  if (b->n > 0 || b->nested) add(b->body, hard(b->f));
  if (b->n > 0 && blank_before(b->f, start)) add(b->body, hard(b->f));
  b->n++;
}

static void blk_comments(Blk *b, uint32_t upto)
{
  F *f = b->f;
  while (f->next < f->ncm && f->cm[f->next].start < upto) {
    Comment *c = &f->cm[f->next++];
    if (c->trailing && (b->n > 0 || b->nested)) { add(b->body, suffix(f, c)); continue; }
    blk_sep(b, c->start);
    add(b->body, text(f, comment_text(f, c)));
  }
}

/* Starts the line of an element whose source starts at `start`. */
static void blk_elem(Blk *b, uint32_t start)
{
  blk_comments(b, start);
  blk_sep(b, start);
}

/* Ends the block at the offset of its closing brace (or the end of file). */
static Doc *blk_end(Blk *b, uint32_t close)
{
  F *f = b->f;
  blk_comments(b, close);
  add(b->body, mk(f, K_FLUSH));
  if (!b->nested) return b->body;
  if (b->n == 0) return seq(f, text(f, "{"), b->body, text(f, "}"), NULL);
  return seq(f, text(f, "{"), nest(f, 2, b->body), hard(f), text(f, "}"), NULL);
}

/* ---- expressions ---------------------------------------------------------- */

static const char *quote(F *f, const char *s)
{
  size_t n = 2;
  for (const char *p = s; *p; p++) n += (*p == '"' || *p == '\\' || *p == '\n' || *p == '\t') ? 2 : 1;
  char *o = pol_arena_alloc(f->arena, n + 1), *q = o;
  *q++ = '"';
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case '"': *q++ = '\\'; *q++ = '"'; break;
    case '\\': *q++ = '\\'; *q++ = '\\'; break;
    case '\n': *q++ = '\\'; *q++ = 'n'; break;
    case '\t': *q++ = '\\'; *q++ = 't'; break;
    default: *q++ = *p;
    }
  }
  *q++ = '"';
  *q = '\0';
  return o;
}

/* The source text of a span with runs of white space folded to one space. */
static Doc *slice(F *f, pol_Span sp)
{
  char *o = pol_arena_alloc(f->arena, sp.end - sp.start + 1), *q = o;
  int space = 0;
  for (uint32_t i = sp.start; i < sp.end && i < f->len; i++) {
    char c = f->src[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') { space = 1; continue; }
    if (space && q > o) *q++ = ' ';
    space = 0;
    *q++ = c;
  }
  *q = '\0';
  return text(f, o);
}

/* Flags of ex(): X_SKIP, the first enclosing parentheses belong to the
   syntax around (the argument list of a call with one argument);
   X_LEAD, the expression starts its own line, so the operands of an
   `and` / `or` chain line up under the first instead of hanging. */
enum { X_SKIP = 1, X_LEAD = 2 };

static Doc *ex(F *f, pol_Node *n, int fl);
static Doc *dcond(F *f, pol_Node *n, int fl);

/* The operands of a chain of the same `and` / `or`, in order. */
static void chain(F *f, pol_Node *n, int op, int is_dcond, pol_Node ***v, int *nv, int *cap)
{
  int same = is_dcond ? n->kind == N_DCOND && n->op == op : n->kind == N_BINARY && n->op == op;
  if (same && (*nv == 0 || parens(f, n->span) == 0)) {
    chain(f, n->a, op, is_dcond, v, nv, cap);
    chain(f, n->b, op, is_dcond, v, nv, cap);
    return;
  }
  if (*nv == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    pol_Node **nn = pol_arena_alloc(f->arena, (size_t)*cap * sizeof *nn);
    if (*nv) memcpy(nn, *v, (size_t)*nv * sizeof *nn);
    *v = nn;
  }
  (*v)[(*nv)++] = n;
}

static int is_chain(const pol_Node *n)
{
  return n->kind == N_BINARY && (n->op == O_AND || n->op == O_OR);
}

/* a and b and c: the first operand, and the rest as ` and` LINE operand... */
static void chain_parts(F *f, pol_Node *n, int is_dcond, Doc **first, Doc **rest)
{
  pol_Node **v = NULL;
  int nv = 0, cap = 0;
  int op = n->op;
  chain(f, n, op, is_dcond, &v, &nv, &cap);
  const char *word = is_dcond ? (op == D_AND ? " and" : " or") : (op == O_AND ? " and" : " or");
  *first = is_dcond ? dcond(f, v[0], 0) : ex(f, v[0], 0);
  *rest = cat(f);
  for (int i = 1; i < nv; i++) {
    /* the `and` token: after the previous operand and its parentheses */
    long at = v[i - 1]->span.end;
    for (long j = code_after(f, at); j >= 0 && f->src[j] == ')'; j = code_after(f, at)) at = j + 1;
    at = code_after(f, at);
    trailing_comments(f, *rest, at >= 0 ? (uint32_t)at : v[i]->span.start);
    add(*rest, text(f, word));
    trailing_comments(f, *rest, v[i]->span.start);
    add(*rest, line(f));
    add(*rest, is_dcond ? dcond(f, v[i], 0) : ex(f, v[i], 0));
  }
}

/* A chain breaks after each `and` / `or`, one operand per line; the
   operands after the first hang 2 deeper unless the chain leads its line. */
static Doc *chain_doc(F *f, pol_Node *n, int is_dcond, int lead)
{
  Doc *first, *rest;
  chain_parts(f, n, is_dcond, &first, &rest);
  return group(f, seq(f, first, lead ? rest : nest(f, 2, rest), NULL));
}

/* f(a, b), at least k of (a, b), {"x", "y"}: a fill aligned after the bracket. */
static Doc *list_doc(F *f, const char *open, pol_Node *args, int strings, const char *close)
{
  Doc *fill = mk(f, K_FILL);
  int single = args && !args->next;
  for (pol_Node *a = args; a; a = a->next) {
    Doc *item = cat(f);
    if (strings) {
      expr_comments(f, item, a->span.start);
      add(item, text(f, quote(f, a->str)));
    } else {
      add(item, ex(f, a, single ? X_SKIP : 0));
    }
    fill_add(f, fill, a->next ? seq(f, item, text(f, ","), NULL) : item);
  }
  return seq(f, text(f, open), align(f, fill), text(f, close), NULL);
}

static Doc *ex_inner(F *f, pol_Node *n, int fl)
{
  switch (n->kind) {
  case N_NUM: case N_DATE: case N_DUR: return slice(f, n->span);
  case N_STR: return n->flags & POL_STR_CALENDAR ? text(f, n->str) : text(f, quote(f, n->str));
  case N_UNKNOWN: return seq(f, text(f, "unknown "), text(f, quote(f, n->str)), NULL);
  case N_LOOKUP: return seq(f, ex(f, n->a, 0), text(f, "["), ex(f, n->b, 0), text(f, "]"), NULL);
  case N_BOOL: return text(f, n->ival ? "true" : "false");
  case N_NAME: return text(f, n->str);
  case N_IT: return text(f, "it");
  case N_SET: return list_doc(f, "{", n->args, 1, "}");
  case N_WINDOW:
    return seq(f, text(f, "["), ex(f, n->a, 0), text(f, ", "), ex(f, n->b, 0), text(f, "]"), NULL);
  case N_FIELD: return seq(f, ex(f, n->a, 0), text(f, "."), text(f, n->str), NULL);
  case N_CALL: return list_doc(f, textf(f, "%s(", n->str)->s, n->args, 0, ")");
  case N_ATLEAST: {
    /* the number as written (the checker bounds it, the parser does not) */
    long i = code_after(f, (long)n->span.start + 2);              /* after "at" */
    if (i >= 0) i = code_after(f, i + 5);                         /* after "least" */
    long e = i;
    while (e >= 0 && e < (long)f->len && ((f->src[e] >= '0' && f->src[e] <= '9') || f->src[e] == '.')) e++;
    const char *k = i >= 0 && e > i ? pol_arena_strndup(f->arena, f->src + i, (size_t)(e - i)) : "?";
    return list_doc(f, textf(f, "at least %s of (", k)->s, n->args, 0, ")");
  }
  case N_UNARY:
    return seq(f, text(f, n->op == O_NOT ? "not " : "-"), ex(f, n->a, 0), NULL);
  case N_BINARY:
    if (is_chain(n)) return chain_doc(f, n, 0, fl & X_LEAD);
    return seq(f, ex(f, n->a, 0), textf(f, " %s ", pol_op_text(n->op)), ex(f, n->b, 0), NULL);
  case N_QUANT: {
    /* exists L where a and b: when too long, the operands go below, one per line */
    static const char *const kw[] = {"exists ", "every ", "no ", "count ", "count distinct ", "sum ",
                                     "latest ", "earliest ", "first "};
    Doc *d = seq(f, text(f, kw[n->op]), NULL);
    if (n->op == Q_COUNTD || n->op == Q_SUM || n->op == Q_LATEST || n->op == Q_EARLIEST) {
      add(d, ex(f, n->c, 0));
      add(d, text(f, " of "));
    }
    if (n->str) {
      add(d, textf(f, "%s in ", n->str));
    }
    add(d, ex(f, n->a, 0));
    /* latest / earliest: `by KEY` as written (none: the item's date) */
    Doc *by = n->d && !(n->d->flags & 1) ? seq(f, text(f, " by "), ex(f, n->d, 0), NULL) : NULL;
    if (!n->b) return by ? add(d, by) : d;
    if (!is_chain(n->b) || parens(f, n->b->span) != 0) {
      add(d, text(f, " where "));
      add(d, ex(f, n->b, 0));
      return by ? add(d, by) : d;
    }
    Doc *body = cat(f), *first, *rest;
    add(d, text(f, " where"));
    trailing_comments(f, d, n->b->span.start);
    add(body, line(f));
    expr_comments(f, body, n->b->span.start);
    chain_parts(f, n->b, 0, &first, &rest);
    add(body, first);
    add(body, rest);
    if (by) add(body, by);
    add(d, nest(f, 2, body));
    return group(f, d);
  }
  case N_IF:
    return group(f, seq(f, text(f, "if "), ex(f, n->a, 0), nest(f, 2, seq(f, line(f), text(f, "then "),
                        ex(f, n->b, 0), line(f), text(f, "else "), ex(f, n->c, 0), NULL)), NULL));
  case N_COVER: {
    Doc *d = seq(f, text(f, n->op == COV_RUN ? "longest run of " : "days of "), ex(f, n->a, 0),
                 text(f, " covered by "), NULL);
    if (n->str) add(d, textf(f, "%s in ", n->str));
    add(d, ex(f, n->b, 0));
    if (n->c) {
      add(d, text(f, " where "));
      add(d, ex(f, n->c, 0));
    }
    add(d, nest(f, 2, seq(f, line(f), text(f, "from "), ex(f, n->d, 0), text(f, " to "),
                          ex(f, n->e, 0), NULL)));
    return group(f, d);
  }
  case N_GAP: {
    Doc *d = seq(f, text(f, "longest gap in "), ex(f, n->a, 0), text(f, " of "), ex(f, n->d, 0),
                 text(f, " of "), NULL);
    if (n->str) add(d, textf(f, "%s in ", n->str));
    add(d, ex(f, n->b, 0));
    if (n->c) {
      add(d, text(f, " where "));
      add(d, ex(f, n->c, 0));
    }
    return group(f, d);
  }
  case N_POLICY: case N_HEADER: case N_IMPORT: case N_RECORD: case N_PARAM: case N_TYPEREF:
  case N_FACT: case N_LET: case N_EXTERN: case N_BRANCH: case N_CRITERION: case N_TAG:
  case N_FOREACH: case N_DECISION: case N_RULE: case N_DCOND: case N_OTHERWISE: case N_AUTHFIELD:
  case N_VALUESET: case N_VSITEM: case N_PLAN: case N_FHIR: case N_FHIRMAP:
  case N_TABLE:
    break;   /* not expressions */
  }
  return text(f, "?");
}

/* The offset of the first token of n that is not a parenthesis: the
   comments before it go before n's groups, which they would break. */
static uint32_t first_token(F *f, const pol_Node *n)
{
  long p = n->span.start;
  while (p >= 0 && p < (long)f->len && f->src[p] == '(') p = code_after(f, p + 1);
  return p >= 0 && p >= (long)n->span.start ? (uint32_t)p : n->span.start;
}

/* An expression with the comments before it and its parentheses. */
static Doc *ex(F *f, pol_Node *n, int fl)
{
  Doc *d = cat(f);
  expr_comments(f, d, first_token(f, n));
  int k = parens(f, n->span) - ((fl & X_SKIP) ? 1 : 0);
  if (k > 0) return add(d, seq(f, text(f, "("), align(f, ex_inner(f, n, X_LEAD)), text(f, ")"), NULL));
  return add(d, ex_inner(f, n, fl));
}

static Doc *dcond(F *f, pol_Node *n, int fl)
{
  Doc *d = cat(f);
  expr_comments(f, d, first_token(f, n));
  int k = parens(f, n->span) - ((fl & X_SKIP) ? 1 : 0);
  Doc *inner;
  switch (n->op) {
  case D_AND: case D_OR: inner = chain_doc(f, n, 1, k > 0); break;
  case D_NOT: inner = seq(f, text(f, "not "), dcond(f, n->a, 0), NULL); break;
  case D_ANY_FAILED_TAG: case D_EVERY_FAILED_TAG: case D_ANY_UNKNOWN_TAG:
    inner = textf(f, "%s %s tagged %s", n->op == D_EVERY_FAILED_TAG ? "every" : "any",
                  n->text ? n->text : (n->op == D_ANY_UNKNOWN_TAG ? "unknown" : "failed"), n->str);
    break;
  case D_FAILED: inner = text(f, "failed"); break;
  case D_UNKNOWN: inner = text(f, "unknown"); break;
  default: inner = text(f, n->str); break;
  }
  if (k > 0) inner = seq(f, text(f, "("), align(f, inner), text(f, ")"), NULL);
  return add(d, inner);
}

/* ---- declarations and clauses -------------------------------------------- */

static void type_text(const pol_Node *t, pol_Buf *b)
{
  pol_buf_puts(b, t->str);
  if (t->a) {
    pol_buf_puts(b, "<");
    type_text(t->a, b);
    pol_buf_puts(b, ">");
  }
}

static Doc *type_doc(F *f, const pol_Node *t)
{
  pol_Buf b = {0};
  type_text(t, &b);
  Doc *d = text(f, pol_arena_strndup(f->arena, b.s, b.n));
  free(b.s);
  return d;
}

static uint32_t close_brace(const pol_Node *n) { return n->span.end > 0 ? n->span.end - 1 : 0; }

static Doc *clause_doc(F *f, pol_Node *cl);
static Doc *authorize_doc(F *f, const pol_Node *br);

/* The clauses of a criterion or a branch; br: the branch, whose
   `authorize` block follows them, or NULL. */
static Doc *clauses_doc_of(F *f, pol_Node *list, uint32_t close, const pol_Node *br)
{
  Blk b;
  blk_begin(&b, f, 1);
  for (pol_Node *k = list; k; k = k->next) {
    blk_elem(&b, k->span.start);
    add(b.body, clause_doc(f, k));
  }
  if (br && br->b) {
    blk_elem(&b, (uint32_t)br->ival);
    add(b.body, authorize_doc(f, br));
  }
  return blk_end(&b, close);
}

static Doc *clauses_doc(F *f, pol_Node *list, uint32_t close)
{
  return clauses_doc_of(f, list, close, NULL);
}

/* `authorize { quantity 12 per 1 year  period S to E ... }`: one field a
   line, `per` on the line of its quantity. */
static Doc *authorize_doc(F *f, const pol_Node *br)
{
  Blk b;
  blk_begin(&b, f, 1);
  Doc *prev = NULL;
  for (pol_Node *fl = br->b; fl; fl = fl->next) {
    if (fl->flags & AF_PERIOD_END) continue;
    int join = prev && strcmp(fl->str, "per") == 0;   /* `quantity 12 per 1 year` */
    if (!join) blk_elem(&b, fl->span.start);   /* first: the comments before it */
    Doc *d;
    if (fl->flags & (AF_PERIOD_TO | AF_PERIOD_FOR)) {
      const pol_Node *end = fl->next;
      d = seq(f, textf(f, "%s ", fl->text), ex(f, fl->a, 0),
              text(f, (fl->flags & AF_PERIOD_TO) ? " to " : " for "),
              ex(f, (fl->flags & AF_PERIOD_TO) ? end->a : end->b, 0), NULL);
    } else {
      d = seq(f, textf(f, "%s ", fl->str), ex(f, fl->a, 0), NULL);
    }
    if (join) {
      add(prev, seq(f, text(f, " "), d, NULL));
      continue;
    }
    prev = cat(f);
    add(prev, d);
    add(b.body, prev);
  }
  return seq(f, text(f, "authorize "), blk_end(&b, (uint32_t)br->ival2 - 1), NULL);
}

static Doc *clause_doc(F *f, pol_Node *cl)
{
  if (cl->kind == N_FOREACH)
    return seq(f, textf(f, "for each %s in ", cl->str), ex(f, cl->a, 0), text(f, " "),
               clauses_doc(f, cl->args, close_brace(cl)), NULL);
  if (cl->kind == N_STR)   /* a `next` step of a branch or policy */
    return seq(f, text(f, "next "), text(f, quote(f, cl->str)), NULL);
  Doc *d = seq(f, text(f, (cl->flags & CF_EXCLUSION) ? "exclusion "
                          : (cl->flags & CF_PREREQ) ? "prerequisite " : "criterion "),
               text(f, quote(f, cl->str)), text(f, " "), text(f, quote(f, cl->text)), NULL);
  if (cl->flags & CF_PREREQ && cl->e) {
    add(d, text(f, " for "));
    for (pol_Node *g = cl->e; g; g = g->next)
      add(d, seq(f, text(f, quote(f, g->str)), text(f, g->next ? ", " : ""), NULL));
  }
  if (cl->args) {
    Doc *attrs = cat(f);
    for (pol_Node *a = cl->args; a; a = a->next) {
      add(attrs, line(f));
      if (a->kind == N_TAG) add(attrs, textf(f, "tag %s", a->str));
      else add(attrs, seq(f, text(f, a->flags ? "next " : "cite "), text(f, quote(f, a->str)), NULL));
    }
    add(d, group(f, nest(f, 4, attrs)));
  }
  switch (cl->op) {
  case C_ALL: add(d, text(f, " all of")); break;
  case C_ANY: add(d, text(f, " any of")); break;
  case C_ATLEAST: add(d, textf(f, " at least %d of", cl->ival)); break;
  default: break;
  }
  add(d, text(f, " "));
  if (cl->op != C_LEAF) return add(d, clauses_doc(f, cl->b, close_brace(cl)));
  Blk b;
  blk_begin(&b, f, 1);
  blk_elem(&b, cl->a->span.start);
  add(b.body, ex(f, cl->a, X_LEAD));
  return add(d, blk_end(&b, close_brace(cl)));
}

/* an item of a value set or of `codes`: "A", "A" .. "B", NAME, except … */
static Doc *vsitem(F *f, pol_Node *v)
{
  Doc *d = seq(f, text(f, v->flags & VS_EXCEPT ? "except " : ""), NULL);
  if (v->flags & VS_NAME) return add(d, text(f, v->str));
  add(d, text(f, quote(f, v->str)));
  if (v->text) add(d, seq(f, text(f, " .. "), text(f, quote(f, v->text)), NULL));
  return d;
}

static Doc *hvalue(F *f, pol_Node *v)
{
  if (v->kind == N_VSITEM) return vsitem(f, v);
  return v->kind == N_STR ? text(f, quote(f, v->str)) : slice(f, v->span);
}

/* A FHIR binding's element: path, conv(path) or conv(path, "unit"). */
static Doc *fhir_elem(F *f, const pol_Node *m)
{
  if (!m->text) return text(f, m->path);
  if (!m->cite) return textf(f, "%s(%s)", m->text, m->path);
  return seq(f, textf(f, "%s(%s, ", m->text, m->path), text(f, quote(f, m->cite)), text(f, ")"), NULL);
}

static Doc *item_doc(F *f, pol_Node *it)
{
  Blk b;
  switch (it->kind) {
  case N_POLICY:
    blk_begin(&b, f, 1);
    for (pol_Node *h = it->args; h; h = h->next) {
      blk_elem(&b, h->span.start);
      Doc *fill = mk(f, K_FILL);
      for (pol_Node *v = h->args; v; v = v->next)
        fill_add(f, fill, v->next ? seq(f, hvalue(f, v), text(f, ","), NULL) : hvalue(f, v));
      add(b.body, seq(f, textf(f, "%s ", h->str), align(f, fill), NULL));
    }
    return seq(f, text(f, "policy "), text(f, quote(f, it->str)), text(f, " "),
               blk_end(&b, close_brace(it)), NULL);
  case N_IMPORT:
    return seq(f, text(f, "import "), text(f, quote(f, it->str)), NULL);
  case N_RECORD:
    blk_begin(&b, f, 1);
    for (pol_Node *fl = it->args; fl; fl = fl->next) {
      blk_elem(&b, fl->span.start);
      add(b.body, seq(f, textf(f, "%s: ", fl->str), type_doc(f, fl->tref), NULL));
    }
    return seq(f, textf(f, "record %s ", it->str), blk_end(&b, close_brace(it)), NULL);
  case N_FACT:
    return seq(f, textf(f, "fact %s: ", it->str), type_doc(f, it->tref), textf(f, " = %s", it->path), NULL);
  case N_LET: {
    if (it->flags & POL_LET_PARAM)   /* param NAME = LITERAL "WHY" */
      return group(f, seq(f, textf(f, "param %s = ", it->str), ex(f, it->a, 0),
                          nest(f, 2, seq(f, line(f), text(f, quote(f, it->text)), NULL)), NULL));
    Doc *head = seq(f, textf(f, "let %s", it->str), NULL);
    if (it->flags & 1) {
      add(head, text(f, "("));
      for (pol_Node *p = it->args; p; p = p->next) {
        add(head, textf(f, "%s: ", p->str));
        add(head, type_doc(f, p->tref));
        if (p->next) add(head, text(f, ", "));
      }
      add(head, text(f, ")"));
    }
    if (it->tref) {
      add(head, text(f, ": "));
      add(head, type_doc(f, it->tref));
    }
    add(head, text(f, " ="));
    pol_Node *body = it->a;
    if ((body->kind == N_SET || body->kind == N_WINDOW || body->kind == N_CALL) && parens(f, body->span) == 0)
      return seq(f, head, text(f, " "), ex(f, body, 0), NULL);
    return group(f, seq(f, head, nest(f, 2, seq(f, line(f), ex(f, body, X_LEAD), NULL)), NULL));
  }
  case N_EXTERN: {
    Doc *d = seq(f, text(f, "extern "), text(f, quote(f, it->text)), textf(f, " %s(", it->str), NULL);
    for (pol_Node *t = it->args; t; t = t->next) {
      add(d, type_doc(f, t));
      if (t->next) add(d, text(f, ", "));
    }
    return seq(f, d, text(f, "): "), type_doc(f, it->tref), NULL);
  }
  case N_BRANCH: {
    Doc *d = seq(f, text(f, it->path ? "assess " : "branch "), text(f, quote(f, it->str)), text(f, " "),
                 text(f, quote(f, it->text)), text(f, " when "), nest(f, 2, ex(f, it->a, 0)), text(f, " "),
                 NULL);
    return add(d, clauses_doc_of(f, it->args, close_brace(it), it));
  }
  case N_DECISION:
    if (it->str) return textf(f, "decision %s", it->str);
    blk_begin(&b, f, 1);
    for (pol_Node *r = it->args; r; r = r->next) {
      blk_elem(&b, r->span.start);
      if (r->a) add(b.body, seq(f, textf(f, "%s when ", r->str), dcond(f, r->a, 0), NULL));
      else add(b.body, textf(f, "%s otherwise", r->str));
    }
    return seq(f, text(f, "decision "), blk_end(&b, close_brace(it)), NULL);
  case N_VALUESET: {
    /* one item a line, so that a comment beside an item stays with it */
    blk_begin(&b, f, 1);
    for (pol_Node *v = it->args; v; v = v->next) {
      blk_elem(&b, v->span.start);
      add(b.body, v->next ? seq(f, vsitem(f, v), text(f, ","), NULL) : vsitem(f, v));
    }
    Doc *d = seq(f, textf(f, "valueset %s ", it->str), NULL);
    if (it->text) add(d, seq(f, text(f, quote(f, it->text)), text(f, " "), NULL));
    return seq(f, d, textf(f, "%s ", it->path), blk_end(&b, close_brace(it)), NULL);
  }
  case N_TABLE: {
    /* one entry a line, like a value set's items */
    blk_begin(&b, f, 1);
    for (pol_Node *h = it->args; h; h = h->next) {
      blk_elem(&b, h->span.start);
      Doc *e = h->flags & 1 ? seq(f, text(f, "default "), ex(f, h->a, 0), NULL)
                            : seq(f, text(f, quote(f, h->str)), text(f, " => "), ex(f, h->a, 0), NULL);
      add(b.body, h->next ? seq(f, e, text(f, ","), NULL) : e);
    }
    Doc *d = seq(f, textf(f, "table %s ", it->str), NULL);
    if (it->text) add(d, seq(f, text(f, quote(f, it->text)), text(f, " "), NULL));
    return seq(f, d, blk_end(&b, close_brace(it)), NULL);
  }
  case N_PLAN:
    blk_begin(&b, f, 1);
    for (pol_Node *h = it->args; h; h = h->next) {
      blk_elem(&b, h->span.start);
      if (h->text) add(b.body, textf(f, "%s %s", h->str, h->text));
      else add(b.body, seq(f, textf(f, "%s ", h->str), text(f, quote(f, h->args->str)), NULL));
    }
    return seq(f, text(f, "plan "), text(f, quote(f, it->str)), text(f, " "),
               blk_end(&b, close_brace(it)), NULL);
  case N_OTHERWISE:
    if (!it->text) return textf(f, "otherwise %s", it->str);
    return group(f, seq(f, textf(f, "otherwise %s", it->str),
                        nest(f, 2, seq(f, line(f), text(f, quote(f, it->text)), NULL)), NULL));
  case N_CRITERION: case N_STR:   /* a prerequisite; a policy's `next` step */
    return clause_doc(f, it);
  case N_NUM: case N_DATE: case N_DUR: case N_BOOL: case N_SET: case N_WINDOW:
  case N_NAME: case N_IT: case N_FIELD: case N_CALL: case N_UNARY: case N_BINARY: case N_QUANT:
  case N_COVER: case N_ATLEAST: case N_IF: case N_HEADER: case N_PARAM: case N_TYPEREF:
  case N_FHIR: {
    Doc *d = textf(f, "fhir %s from %s", it->path, it->str);
    if (it->a) {
      d = seq(f, d, textf(f, " where %s in {", it->a->path), NULL);
      for (pol_Node *k = it->a->args; k; k = k->next)
        add(d, seq(f, text(f, quote(f, k->str)), text(f, k->next ? ", " : "}"), NULL));
    }
    if (!(it->flags & 1)) return seq(f, d, text(f, " = "), fhir_elem(f, it->args), NULL);
    blk_begin(&b, f, 1);
    for (pol_Node *m = it->args; m; m = m->next) {
      blk_elem(&b, m->span.start);
      add(b.body, seq(f, textf(f, "%s = ", m->str), fhir_elem(f, m), NULL));
    }
    return seq(f, d, text(f, " "), blk_end(&b, close_brace(it)), NULL);
  }
  case N_TAG: case N_FOREACH: case N_RULE: case N_DCOND: case N_AUTHFIELD: case N_VSITEM: case N_GAP: case N_FHIRMAP:
  case N_UNKNOWN: case N_LOOKUP:
    break;   /* not top-level items */
  }
  return text(f, "?");
}

/* ---- checking the result ------------------------------------------------- */

static int streq(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Same trees, spans aside (a branch's ival, ival2 are the span of its
   `authorize` block). */
static int same(const pol_Node *a, const pol_Node *b)
{
  for (; a || b; a = a->next, b = b->next) {
    if (!a || !b) return 0;
    int spans = a->kind == N_BRANCH;
    if (a->kind != b->kind || a->op != b->op || a->num != b->num ||
        (!spans && (a->ival != b->ival || a->ival2 != b->ival2)) || a->flags != b->flags)
      return 0;
    if (!streq(a->str, b->str) || !streq(a->text, b->text) || !streq(a->path, b->path)) return 0;
    if (!same(a->a, b->a) || !same(a->b, b->b) || !same(a->c, b->c) || !same(a->d, b->d) ||
        !same(a->e, b->e) || !same(a->args, b->args) || !same(a->tref, b->tref))
      return 0;
  }
  return 1;
}

static int parse_text(pol_Arena *arena, const char *name, const char *text, size_t len,
                      pol_Node **items, FILE *errs)
{
  pol_Source src;
  memset(&src, 0, sizeof src);
  src.name = (char *)name;
  src.text = (char *)text;
  src.len = len;
  pol_Source *files[1] = {&src};
  int nfiles = 1;
  pol_Diag d = {files, &nfiles, 0, 0, errs};
  if (strlen(text) != len) {
    pol_Span sp = {0, (uint32_t)strlen(text), (uint32_t)strlen(text) + 1};
    pol_error(&d, sp, "E0100", "NUL byte in source file");
    return d.nerrors;
  }
  pol_parse(arena, &d, &src, 0);
  *items = src.items;
  return d.nerrors;
}

/* The comments of a text, trimmed, one per line. */
static char *comment_list(pol_Arena *arena, const char *text, size_t len)
{
  F f = {arena, text, len, NULL, 0, 0};
  scan_comments(&f);
  pol_Buf b = {0};
  pol_buf_reserve(&b, 0);
  b.s[0] = '\0';
  for (int i = 0; i < f.ncm; i++) {
    pol_buf_puts(&b, comment_text(&f, &f.cm[i]));
    pol_buf_puts(&b, "\n");
  }
  free(f.cm);
  return b.s;
}

int pol_fmt_text(const char *name, const char *text, size_t len, char **out, FILE *errs)
{
  *out = NULL;
  pol_Arena *arena = pol_arena_new();
  pol_Node *items = NULL;
  if (parse_text(arena, name, text, len, &items, errs)) {
    pol_arena_free(arena);
    return 1;
  }
  /* the layout recurses over the tree: refuse what the compiler refuses
     (E0113) before it can exhaust the C stack.  Declarations and clauses
     add a few levels above their expressions, hence the margin. */
  const pol_Node *deep = pol_ast_too_deep(items, POL_MAX_EXPR_DEPTH + FMT_DEPTH_MARGIN);
  if (deep) {
    pol_Source src = {(char *)name, (char *)text, len, NULL, 0};
    pol_Source *files[1] = {&src};
    int nfiles = 1;
    pol_Diag d = {files, &nfiles, 0, 0, errs};
    pol_error(&d, deep->span, "E0113", "expression nested too deep (more than %d levels)",
              POL_MAX_EXPR_DEPTH);
    pol_arena_free(arena);
    return 1;
  }
  F f = {arena, text, len, NULL, 0, 0};
  scan_comments(&f);
  Blk b;
  blk_begin(&b, &f, 0);
  for (pol_Node *it = items; it; it = it->next) {
    blk_elem(&b, it->span.start);
    add(b.body, item_doc(&f, it));
  }
  Doc *root = blk_end(&b, (uint32_t)len);
  char *res = align_trailing(print_doc(root));
  free(f.cm);
  /* the layout changes white space only: same tree, same comments */
  pol_Node *again = NULL;
  int rc = 0;
  if (parse_text(arena, name, res, strlen(res), &again, errs) != 0 || !same(items, again)) {
    fprintf(errs, "%s: internal error: the formatted text does not parse to the same tree\n", name);
    rc = 4;
  } else {
    char *c1 = comment_list(arena, text, len), *c2 = comment_list(arena, res, strlen(res));
    if (strcmp(c1, c2) != 0) {
      fprintf(errs, "%s: internal error: the formatted text lost or changed a comment\n", name);
      rc = 4;
    }
    free(c1);
    free(c2);
  }
  pol_arena_free(arena);
  if (rc && getenv("POLC_FMT_DEBUG")) fputs(res, errs);   /* the layout that was refused */
  if (rc) { free(res); return rc; }
  *out = res;
  return 0;
}
