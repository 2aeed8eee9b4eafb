/*
 * tools/doc_tables.c -- the tables of docs/bundle-format.md, generated from
 * the one lists (vm/opcodes.def, vm/sections.def), so the document cannot drift from them.
 *
 *   doc_tables < docs/bundle-format.md > new.md
 *
 * copies its input, replacing the lines between each pair of markers
 *
 *   <!-- BEGIN GENERATED NAME: ... -->
 *   <!-- END GENERATED NAME -->
 *
 * by the table NAME ("opcodes", "sections").  `make docs-tables` rewrites the document;
 * tests/suites/docs_tables.sh fails when it differs from the output.
 * Exit status 1 on an unknown table name or an unclosed region.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"

static void table_opcodes(FILE *out)
{
  fputs("| op | name | format | A | B | C | EXTRA words | meaning |\n", out);
  fputs("|----|------|--------|---|---|---|-------------|---------|\n", out);
  int op = 0;
#define OP(name, fmt, a, b, c, x, doc)                                              \
  {                                                                                 \
    fprintf(out, "| %d | `%s` | %s | `%c` | `%c` | `%c` | ", op++, #name, #fmt, \
            #a[0], #b[0], #c[0]);                                                   \
    const char *xr = x;                                                             \
    if (!*xr) fputs("none", out);                                                    \
    for (const char *r = xr; *r; r++)                                               \
      fprintf(out, "%s%s", r == xr ? "" : ", ", pol_xrole_name(*r));                \
    fprintf(out, " | %s |\n", doc);                                                 \
  }
#include "opcodes.def"
#undef OP
}

/* SIGN is not in vm/sections.def (it is outside the content); its row
   is here, the one hand-written line of the table. */
static void table_sections(FILE *out)
{
  fputs("| tag    | contents                         | `pol_Program` fields                  |\n", out);
  fputs("|--------|----------------------------------|---------------------------------------|\n", out);
#define SECTION(tag, fn, when, contents, fields) \
  fprintf(out, "| `%s` | %-32s | %-37s |\n", #tag, contents, fields);
#include "sections.def"
  fprintf(out, "| `%s` | %-32s | %-37s |\n", "SIGN", "optional, last: signature",
          "`sig`, `signer` (not in the content)");
}

static int table(const char *name, FILE *out)
{
  if (strcmp(name, "opcodes") == 0) table_opcodes(out);
  else if (strcmp(name, "sections") == 0) table_sections(out);
  else return -1;
  return 0;
}

int main(void)
{
  static const char begin[] = "<!-- BEGIN GENERATED ", end[] = "<!-- END GENERATED ";
  char *line = NULL, name[64] = "";
  size_t cap = 0;
  int inside = 0;
  while (getline(&line, &cap, stdin) > 0) {
    if (!inside) fputs(line, stdout);
    if (!inside && strncmp(line, begin, sizeof begin - 1) == 0) {
      size_t n = strcspn(line + sizeof begin - 1, ": \n");
      if (n >= sizeof name) n = sizeof name - 1;
      memcpy(name, line + sizeof begin - 1, n);
      name[n] = 0;
      if (table(name, stdout) != 0) {
        fprintf(stderr, "doc_tables: unknown table '%s'\n", name);
        return 1;
      }
      inside = 1;
    } else if (inside && strncmp(line, end, sizeof end - 1) == 0) {
      fputs(line, stdout);
      inside = 0;
    }
  }
  free(line);
  if (inside) {
    fprintf(stderr, "doc_tables: table '%s' has no END marker\n", name);
    return 1;
  }
  return 0;
}
