/*
 * fmt.h -- `polc fmt` and `polc doc`: the canonical layout of a .pol
 * source, and a clinician-readable rendering of a policy.
 *
 * Both are subcommands of polc (cli/polc.c dispatches on argv[1]); both only
 * read the AST, never change the language or the bundle.
 */
#ifndef POL_FMT_H
#define POL_FMT_H

#include <stddef.h>
#include <stdio.h>

/* `polc fmt [-w | --check] FILE...`.  argv[0] is "fmt".  Exit codes:
   0 success (or, with --check, every file already formatted), 1 a file is
   not formatted (--check) or does not parse, 2 usage, 3 I/O, 4 internal
   error (the formatted text would not parse to the same tree). */
int pol_fmt_main(int argc, char **argv);

/* Formats text (len bytes, NUL-terminated, named `name` in messages).
   On success returns 0 and sets *out to a malloc'd NUL-terminated string
   owned by the caller; 1 if the text does not parse (diagnostics go to
   errs); 4 if the layout would change the syntax tree (a bug). */
int pol_fmt_text(const char *name, const char *text, size_t len, char **out, FILE *errs);

/* `polc doc [--html] [-o OUT] [-I DIR]... FILE.pol`.  argv[0] is "doc".
   paths: the default module search path (after -I), borrowed.  Exit
   codes as for compiling: 0, 1 policy errors, 2 usage, 3 I/O. */
int pol_doc_main(int argc, char **argv, const char *const *paths, int npaths);

#endif
