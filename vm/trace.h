/*
 * trace.h -- turning line results into the trace formats:
 * JSON (shared/spec/trace-format.md), compact NDJSON for `polvm eval`,
 * and the reviewer's text report.
 *
 * Output goes to a growable buffer (pol_Buf, owned by the caller) so a
 * whole record is written at once and nothing is half-printed on error.
 */
#ifndef POL_TRACE_H
#define POL_TRACE_H

#include <stddef.h>

#include "util.h"   /* pol_Buf */
#include "vm.h"

/* The escaping function of each output format (docs/security.md
   "Outputs"); s is borrowed UTF-8.
   pol_buf_json_str: s as a JSON string literal, quoted; control
   characters, DEL and the misleading code points (bidirectional and
   invisible format characters, line separators) as \uXXXX.
   pol_buf_text_str: s for a text report, unquoted; a backslash doubled,
   \n \r \t, other control bytes and invalid UTF-8 as \xHH, the
   misleading code points as \uXXXX: one value stays on one line and reads
   as it will be processed. */
void pol_buf_json_str(pol_Buf *b, const char *s);
/* The same for s[0..n) (no NUL inside; s need not end there). */
void pol_buf_json_strn(pol_Buf *b, const char *s, size_t n);
void pol_buf_text_str(pol_Buf *b, const char *s);

enum {
  POL_TRACE_PRETTY = 1 << 0,    /* indented JSON */
  POL_TRACE_CRITERIA = 1 << 1,  /* include the per-criterion table */
  POL_TRACE_COMPACT = 1 << 2    /* eval form: criteria as id/status only */
};

/* Extra facts about the run that every trace records. */
typedef struct pol_TraceMeta {
  const char *case_sha256;      /* hex, or NULL */
} pol_TraceMeta;

void pol_trace_json(pol_Buf *b, const pol_VM *vm, const pol_Case *c,
                    const pol_LineResult *lines, const pol_TraceMeta *meta, int flags);
void pol_trace_text(pol_Buf *b, const pol_VM *vm, const pol_Case *c,
                    const pol_LineResult *lines, const pol_TraceMeta *meta);

/* The hex SHA-256 of the program's content (64 chars + NUL). */
void pol_sha_hex(const uint8_t sha[32], char out[65]);

/* What the traces show of one record, for the public API (vm/api.c):
   whether evidence record i of r is the first of its kind (the traces
   list each fact and value once); a value as the text report writes it;
   a missing fact as its case path. */
int pol_trace_evidence_shown(const pol_VM *vm, const pol_CritResult *r, uint32_t i);
void pol_trace_value_text(pol_Buf *b, const pol_Program *p, const pol_Value *v);
void pol_trace_missing_path(const pol_Program *p, const pol_Missing *m, char *buf, size_t n);
/* The witnesses of evidence record e as the text report writes them under
   its evidence line ("witness: …", "closest: …; lacked …", "counted: …",
   "may count: …"), one line each ending in '\n', not indented; nothing
   when it has none (docs/cli.md "Witnesses", docs/notice.md). */
void pol_trace_witness_lines(pol_Buf *b, const pol_VM *vm, const pol_EvRec *e);

#endif
