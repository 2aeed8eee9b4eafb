/*
 * compile.h -- one compile: the files, the symbol tables, and the passes
 *   load (parse + imports) -> check (names, types) -> codegen (bytecode).
 *
 * The pol_Compiler owns the arena (AST, names) and the file table; the
 * pol_Program that codegen returns is owned by the caller.
 */
#ifndef POL_COMPILE_H
#define POL_COMPILE_H

#include "ast.h"
#include "diag.h"
#include "../vm/bytecode.h"

/* Expressions nest at most this deep, counting through the lets they use
   (check.c, E0113); the parser's own limit is the same (parser.y, E0112).
   It keeps the recursive passes far from the end of the C stack. */
#define POL_MAX_EXPR_DEPTH 1000

/* Grows the array arr (n used, cap allocated) to hold one more item;
   aborts on out-of-memory, as a compiler may. */
#define POL_GROW(arr, n, cap)                                          \
  do {                                                                 \
    if ((n) >= (cap)) {                                                \
      (cap) = (cap) ? (cap) * 2 : 16;                                  \
      void *np_ = realloc((arr), (size_t)(cap) * sizeof *(arr));       \
      if (!np_) { fputs("polc: out of memory\n", stderr); abort(); }   \
      (arr) = np_;                                                     \
    }                                                                  \
  } while (0)

/* A scope of declarations: the global one (stdlib modules) or one per
   policy file. */
typedef struct pol_Scope {
  pol_Node **decls;      /* N_FACT, N_LET, N_EXTERN (records are global) */
  int n, cap;
  struct pol_Scope *parent;
} pol_Scope;

typedef struct pol_PolicyUnit {
  pol_Source *src;
  uint32_t file;
  pol_Node *header;      /* N_POLICY */
  pol_Scope scope;       /* the file's own declarations */
  /* header fields, checked */
  const char *id, *title, *version, *source;
  int32_t effective;
  pol_Node *codes;       /* N_STR (a code, or a family "2744*") and N_VSITEM
                            (a range "A" .. "B", a value set's name) */
  const struct pol_VSetC *route;      /* its families, ranges and value sets,
                                         or NULL (compiler/valueset.h) */
  const struct pol_VSetC *codes_all;  /* every code it covers (E0326) */
  pol_Node *plans;       /* N_STR list, or NULL: any plan */
  const char *tags[32];  /* tag names; bit i of a criterion's tagbits */
  int ntags;
  pol_Node *decision;    /* N_DECISION or NULL (the default rule) */
  pol_Node *otherwise;   /* N_OTHERWISE or NULL (refer) */
} pol_PolicyUnit;

typedef struct pol_Compiler {
  pol_Arena *arena;
  pol_Diag diag;
  pol_Source **files;
  int nfiles, capfiles;
  int *modules;          /* indices into files of the imported modules */
  int nmodules, capmodules;
  const char **path;     /* module search path */
  int npath;
  pol_Scope global;
  pol_Node **records;    /* N_RECORD, global; index = record type index */
  int nrecords, caprecords;
  pol_PolicyUnit **units;  /* each owned; stable addresses: scopes and
                             N_LET.scope point into them */
  int nunits, capunits;
  const char *built;     /* timestamp recorded in the bundle */
  pol_Node **plans;      /* N_PLAN declarations, in file order (malloc'd
                            array of arena nodes) */
  int nplans, capplans;
  int require_review_tags;   /* polc --require-review-tags: every criterion
                                tagged documentation or clinical (E0353-E0355) */
  int denials_recommended;   /* polc --denials-recommended: the bundle's
                                adverse determinations are recommendations */
  int depth;             /* check.c: nesting of the expression being checked,
                            through the lets it uses */
} pol_Compiler;

void pol_compiler_init(pol_Compiler *c, FILE *diag_out);
void pol_compiler_free(pol_Compiler *c);
void pol_compiler_add_path(pol_Compiler *c, const char *dir);

/* Reads and parses a policy file and, transitively, its imports. */
int pol_compiler_load(pol_Compiler *c, const char *filename);
/* Reads a policy from memory (name is used in messages). */
int pol_compiler_load_text(pol_Compiler *c, const char *name, const char *text, size_t len);

/* Resolves names and checks types of everything loaded.  Errors go to the
   diagnostics; returns the error count. */
int pol_check(pol_Compiler *c);

/* Generates the program; call only after pol_check returned 0.
   Returns a new program (owned by the caller) or NULL. */
pol_Program *pol_codegen(pol_Compiler *c);

/* ---- the pipeline in one call (compile.c) ---- */

/* Longest module directory path kept for the default search path. */
#define POL_PATH_MAX 4096

/* Appends the default module search path, after any -I: $POL_PATH, the
   stdlib beside the executable (a source tree's build/polc finds
   stdlib/), then the installed POL_STDLIB_DIR.  Call once per compile. */
void pol_compiler_default_paths(pol_Compiler *c);

typedef enum pol_CompileStatus {
  POL_COMPILE_OK,
  POL_COMPILE_ERRORS,       /* diagnostics printed; c->diag.nerrors > 0 */
  POL_COMPILE_UNREADABLE    /* a file could not be opened: E0001 printed */
} pol_CompileStatus;

/* load each file (and its imports) -> check -> codegen.  With out NULL
   it stops after check (polc --check needs the program, doc does not).
   On POL_COMPILE_OK *out is a new program, owned by the caller; else
   NULL.  Every unreadable file is reported before giving up. */
pol_CompileStatus pol_compile_files(pol_Compiler *c, const char *const *files, int nfiles,
                                    pol_Program **out);

/* The same on one source in memory (name in messages): the program, or
   NULL after the diagnostics. */
pol_Program *pol_compile_text(pol_Compiler *c, const char *name, const char *text, size_t len);

/* helpers shared by the passes */
pol_Node *pol_scope_find(const pol_Scope *s, const char *name);
pol_Node *pol_record_find(const pol_Compiler *c, const char *name, int *index);
const char *pol_type_name(const pol_Compiler *c, uint32_t t, char *buf, size_t n);
int pol_field_index(const pol_Compiler *c, uint32_t rec, const char *name);

/* Decision outcomes: index into approve, deny, pend, loi, refer; -1 if none. */
int pol_outcome(const char *name);

/* Builtin functions callable in expressions. */
enum { B_NONE, B_FLOOR, B_START_OF, B_END_OF, B_KNOWN,
       B_DAYS, B_WEEKS, B_YEARS,  /* a number to a duration */
       /* calendar windows, the sides of a line, sliding periods
          (docs/language.md, "Calendar windows", "Sides", "Periods") */
       B_CAL_MONTH, B_CAL_QUARTER, B_CAL_YEAR, B_SIDES, B_PERIODS,
       B_MIN, B_MAX   /* docs/language.md, "Unknown, min and max, first, tables" */ };
#define POL_MAX_TABLE_ENTRIES 4096   /* entries of one `table` (E0417) */
int pol_builtin(const char *name);

#endif
