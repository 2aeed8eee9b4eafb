/*
 * polvm_cli.h -- what the subcommands of polvm share: exit codes, loading a
 * bundle, judging one case into its compact JSON trace, a sorted set of
 * strings.  Implemented in polvm.c; used by polvm_test.c and polvm_diff.c.
 * Private to the polvm executable: nothing here is part of libpolvm.
 */
#ifndef POLVM_CLI_H
#define POLVM_CLI_H

#include <jansson.h>
#include <stddef.h>

#include "bytecode.h"
#include "case.h"
#include "vm.h"

/* docs/cli.md: 1 is "tests failed" (polvm test) */
enum { EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CASE = 3, EXIT_BUNDLE = 4, EXIT_INTERNAL = 5 };

typedef struct cli_Loaded {
  pol_Program *p;   /* owned */
  pol_VM *vm;       /* owned */
  pol_Case *c;      /* owned; reused for every case */
} cli_Loaded;

/* $POLVM_BUNDLE, else build/policies.polb.  Borrowed. */
const char *cli_default_bundle(void);

/* Loads, verifies and binds the bundle at path into *L.  0 on success,
   else an exit code with the reason on stderr.  Call cli_unload either
   way. */
int cli_load_bundle(const char *path, cli_Loaded *L);
void cli_unload(cli_Loaded *L);

/* Reads and parses a JSON file ("-" is stdin).  NULL and a reason
   ("FILE:LINE:COL: invalid JSON: ..." or "FILE: ...") in err on failure;
   else a new reference, owned by the caller. */
json_t *cli_read_json(const char *path, char *err, size_t errlen);

/* Loads root (borrowed) into L->c and judges it.  On success 0, *trace is
   the compact trace with criteria, as `polvm eval --criteria` prints it
   (a new reference, owned by the caller), and *lines the VM's results,
   valid until the next judgement on L.  -1 and a reason in err if the
   case does not load or the evaluation fails. */
int cli_judge(cli_Loaded *L, const json_t *root, json_t **trace, const pol_LineResult **lines,
              char *err, size_t errlen);

/* A set of strings, kept sorted (strcmp) and free of duplicates. */
typedef struct cli_Set {
  char **s;       /* owned, each owned */
  size_t n, cap;
} cli_Set;

void cli_set_add(cli_Set *set, const char *s);     /* copies s */
int cli_set_has(const cli_Set *set, const char *s);
void cli_set_free(cli_Set *set);
/* The criterion ids of a view's "reasons" array (a trace line, an item or
   an assessment), each prefixed by prefix and suffixed by suffix. */
void cli_reason_ids(cli_Set *set, const json_t *view, const char *prefix, const char *suffix);

/* The subcommands; argv excludes "polvm" and the subcommand name. */
int polvm_test_main(int argc, char **argv);
int polvm_diff_main(int argc, char **argv);

#endif
