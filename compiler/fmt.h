/*
 * fmt.h -- `polc fmt` and `polc doc`: the canonical layout of a .pol
 * source, and a clinician-readable rendering of a policy.
 *
 * Both are subcommands of polc (cli/polc_fmt.c, cli/polc_doc.c); both only
 * read the AST, never change the language or the bundle.
 */
#ifndef POL_FMT_H
#define POL_FMT_H

#include <stddef.h>
#include <stdio.h>

/* Formats text (len bytes, NUL-terminated, named `name` in messages).
   On success returns 0 and sets *out to a malloc'd NUL-terminated string
   owned by the caller; 1 if the text does not parse (diagnostics go to
   errs); 4 if the layout would change the syntax tree (a bug). */
int pol_fmt_text(const char *name, const char *text, size_t len, char **out, FILE *errs);

struct pol_Compiler;
struct pol_PolicyUnit;

/* The policy unit u of the loaded and checked compile c (both borrowed)
   as Markdown, or (html) one standalone HTML page; file names it in the
   footer.  A malloc'd NUL-terminated string, owned by the caller, *len
   bytes. */
char *pol_doc_render(struct pol_Compiler *c, struct pol_PolicyUnit *u, int html, const char *file,
                     size_t *len);

/* The expression expr of policy unit u (all borrowed; c loaded and
   checked) in plain English, as `polc doc` words it, without markup: the
   criterion's logic the notice quotes (section NOTE).  A malloc'd
   NUL-terminated string, owned by the caller. */
struct pol_Node;
char *pol_doc_english(struct pol_Compiler *c, struct pol_PolicyUnit *u, struct pol_Node *expr);

#endif
