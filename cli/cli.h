/*
 * cli.h -- what the subcommands of polvm share: exit codes, loading a
 * bundle, judging one case into its compact JSON trace, a sorted set of
 * strings.  Implemented in cli.c; the commands are polvm_COMMAND.c, the
 * dispatch polvm.c.  Private to the polvm executable: nothing here is part
 * of libpolvm.
 */
#ifndef POL_CLI_H
#define POL_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "bytecode.h"
#include "case.h"
#include "jread.h"
#include "trace.h"
#include "vm.h"

/* docs/cli.md: 1 is "tests failed" (polvm test); EXIT_SIGNAL + N: stopped
   by signal N (SIGINT 130, SIGTERM 143) after finishing the current case */
enum { EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CASE = 3, EXIT_BUNDLE = 4, EXIT_INTERNAL = 5,
       EXIT_SIGNAL = 128 };

typedef struct cli_Loaded {
  pol_Program *p;   /* owned */
  pol_VM *vm;       /* owned */
  pol_Case *c;      /* owned; reused for every case */
} cli_Loaded;

/* Loads, verifies and binds the bundle at path (NULL: the default one,
   pol_default_bundle) into *L, its externs bound only where
   --allow-extern allows.  0 on success, else an exit code with the reason
   on stderr.  Call cli_unload either way. */
int cli_load_bundle(const char *path, cli_Loaded *L);
/* The same; keep_bad (polvm verify, without --trust): a bundle with a bad
   signature is still returned in L->p, unbound, with EXIT_BUNDLE; bind 0
   (verify, dump): the externs stay unbound. */
int cli_load_bundle_ex(const char *path, cli_Loaded *L, int keep_bad, int bind);
void cli_unload(cli_Loaded *L);
/* Reads the bundle file at path and loads and verifies it under --trust,
   without binding: 0, *p (owned, pol_program_free) and the file's bytes
   in *bytes (owned, free; *len bytes); or -1 with "PATH: B000N reason" in
   err.  Thread-safe once the global options are set. */
int cli_bundle_read(const char *path, pol_Program **p, uint8_t **bytes, size_t *len, char *err,
                    size_t errlen);
/* Binds vm's externs (vm made from p) where --allow-extern allows: 0, or
   -1 with "B0003 ..." or "B0004 ..." in err. */
int cli_bind_externs(const pol_Program *p, pol_VM *vm, char *err, size_t errlen);

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

/* ---- cases: one way in for trace, eval, test and diff ---- */

/* Parses a case document (pol_case_parse) of len bytes; len >
   POL_CASE_MAX_BYTES (a file or line cut by the readers below) is refused
   as C0002 "case too large: more than N bytes", line 0.  A new reference,
   or NULL with ce filled in. */
json_t *cli_parse_case(const char *text, size_t len, pol_CaseError *ce);

/* The case reader of p (vm/jread.h; owned by the caller: pol_jread_free),
   or NULL for the reference path alone (jansson, vm/case.c): when
   $POLVM_CASE_READER is "jansson" (differential tests), or out of memory. */
pol_JRead *cli_case_reader(const pol_Program *p);

/* A case text (a stream line or a file) into c, as pol_jread_case, with
   cli_parse_case's message for a text over POL_CASE_MAX_BYTES. */
int cli_load_case_text(pol_JRead *r, pol_Case *c, const char *text, size_t len, json_t **root,
                       pol_CaseError *ce, char *err, size_t errlen);

/* Reads the case file at path ("-": stdin), at most POL_CASE_MAX_BYTES,
   and parses it.  A new reference and, if case_hash is not NULL, the
   SHA-256 of the bytes in hex; or NULL with "PATH: CODE message" or
   "PATH:LINE:COL: CODE message" in err. */
json_t *cli_read_case(const char *path, char case_hash[65], char *err, size_t errlen);
/* The same, and on success the file's text in *keep (malloc'd, owned by
   the caller, *keep_len bytes; not NUL-terminated), for positions. */
json_t *cli_read_case_text(const char *path, char case_hash[65], char **keep, size_t *keep_len,
                           char *err, size_t errlen);
/* The two halves of cli_read_case_text.  Reads the case file at path ("-":
   stdin), at most POL_CASE_MAX_BYTES + 1 bytes, into *text (malloc'd,
   owned by the caller; not NUL-terminated): 0, or -1 with "PATH: C0004
   ..." in err. */
int cli_read_case_bytes(const char *path, char **text, size_t *len, char *err, size_t errlen);
/* Parses what cli_read_case_bytes read, as cli_read_case_text does (the
   same messages, case_hash set on success). */
json_t *cli_parse_case_bytes(const char *path, const char *text, size_t len, char case_hash[65],
                             char *err, size_t errlen);
/* The SHA-256 of len bytes at data, in hex: the case_hash of a trace. */
void cli_case_hash(const void *data, size_t len, char out[65]);

/* Lines of a case stream (NDJSON), read with read(2) in large blocks.  A
   line longer than POL_CASE_MAX_BYTES is read to its end but kept cut to
   the limit + 1 bytes, so memory stays bounded whatever the input. */
typedef struct cli_Lines {
  int fd;                /* borrowed */
  pol_Buf *pending;      /* borrowed, or NULL: answers written out (and
                            reset) before each wait for more input */
  char *buf;             /* owned */
  size_t cap, lo, hi;    /* unread bytes: buf[lo .. hi) */
  int eof;
  int failed;            /* an exit code: reading, or writing pending, failed
                            (reported on stderr) */
} cli_Lines;

void cli_lines_init(cli_Lines *in, int fd, pol_Buf *pending);
void cli_lines_free(cli_Lines *in);
/* The next line, without its '\n', at *line (valid until the next call)
   with *len bytes (> POL_CASE_MAX_BYTES: too long, cut).  0; or -1 at the
   end, on failure (in->failed) or once SIGINT/SIGTERM was caught
   (cli_catch_stop). */
int cli_next_line(cli_Lines *in, char **line, size_t *len);

/* "did you mean" for the keys of a case (case_keys.c): for each key of
   root (borrowed) that no fact path, record field or case-format key of
   p uses, but that is near one (suggest.h), prints
     polvm: warning: FILE: symptoms.pain_nr is not a known field; did you mean symptoms.pain_nrs?
   on stderr, with FILE:LINE:COL when text (len bytes, the document root
   was parsed from; borrowed) is given, else FILE alone.  Returns how
   many. */
int cli_case_key_warnings(const pol_Program *p, const json_t *root, const char *file, const char *text,
                          size_t len);
/* The same warnings from the text alone (len bytes, borrowed), for a case
   the schema-directed reader loaded (so the text is a valid case
   document): how many, or -1 without a word when the text has a
   backslash (keys would need unescaping) and the caller must parse it and
   use cli_case_key_warnings. */
int cli_case_key_warnings_text(const pol_Program *p, const char *file, const char *text, size_t len);

/* ---- output and signals ---- */

/* Writes b to standard output (after what stdio holds), retrying after
   signals.  0, or -1 with "polvm: cannot write the output: ..." on
   stderr. */
int cli_write_out(const pol_Buf *b);

/* SIGINT and SIGTERM set a flag instead of ending the process (once: a
   second one ends it): the loops finish the case in hand, write every
   answer and return cli_stop_code(). */
void cli_catch_stop(void);
int cli_stopped(void);
int cli_stop_code(void);   /* EXIT_SIGNAL + the signal's number */

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

/* ---- global options: --trust, --allow-extern ---- */

/* The global options before the command (polvm.c parses them): each
   --allow-extern PATH goes to cli_allow_extern (0, or -1 with the reason
   on stderr); then cli_global_set with the last --trust KEY.pub (NULL:
   $POLVM_TRUST, if set) and whether any --allow-extern was given (if not,
   $POLVM_ALLOW_EXTERN's ':'-separated paths are used).  It reads the
   key: 0, or -1 with the reason on stderr. */
int cli_allow_extern(const char *path);
int cli_global_set(const char *trust_path, int allowed);
int cli_trusted(void);          /* 1: --trust (or $POLVM_TRUST) was given */
void cli_global_free(void);

/* polvm's usage, on f (polvm.c). */
void polvm_usage(FILE *f);

/* The subcommands, one file each (polvm_NAME.c); argv[0] is the
   subcommand's name ("trace"), the options and operands follow. */
/* Prints the notes of a case read from a FHIR Bundle (pol_case_notes) to
   stderr, each as "polvm: FILE: note: CODE path: ...". */
void cli_case_notes(const pol_Case *c, const char *file);

int polvm_case_to_fhir_main(int argc, char **argv);
int polvm_trace_main(int argc, char **argv);
int polvm_eval_main(int argc, char **argv);
int polvm_verify_main(int argc, char **argv);
int polvm_dump_main(int argc, char **argv);
int polvm_test_main(int argc, char **argv);
int polvm_diff_main(int argc, char **argv);
int polvm_serve_main(int argc, char **argv);
int polvm_replay_main(int argc, char **argv);
int polvm_metrics_main(int argc, char **argv);

#endif
