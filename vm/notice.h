/*
 * notice.h -- the determination as a notice a reviewer can send
 * (`polvm trace --format notice` and `notice-html`; docs/notice.md).
 *
 * The notice says, per requested service, the decision and, for every
 * adverse one, a specific reason built from the case: the criterion, the
 * policy's requirement in plain English (as `polc doc` words it, kept in
 * the bundle's NOTE section), the records and values looked at with the
 * threshold, the policy citation, and what information would change the
 * decision; then the plan's texts on peer-to-peer discussion, appeal,
 * expedited appeal and external review (its `plan` declaration, else the
 * defaults of vm/notice_texts.def) and the reviewer's signature block.
 *
 * Everything that comes from the case or the bundle is escaped: for the
 * text form as pol_buf_text_str does (one value stays on one line, control
 * characters visible); for HTML that text again with the HTML
 * metacharacters as entities, in a page whose Content-Security-Policy
 * allows no script at all.
 *
 * Ownership: everything is borrowed; output is appended to b.
 */
#ifndef POL_NOTICE_H
#define POL_NOTICE_H

#include <jansson.h>

#include "trace.h"

enum { POL_NOTICE_TEXT = 0, POL_NOTICE_HTML = 1 };

/* The notice of the case c (its JSON root: the request's identifiers and
   the services' descriptions) judged into lines by vm; format
   POL_NOTICE_TEXT or POL_NOTICE_HTML (one standalone page). */
void pol_notice(pol_Buf *b, const pol_VM *vm, const pol_Case *c, const json_t *root,
                const pol_LineResult *lines, const pol_TraceMeta *meta, int format);

#endif
