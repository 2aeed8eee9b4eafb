/*
 * cds.h -- CDS Hooks for Da Vinci CRD in `polvm serve` (docs/serve.md
 * "CDS Hooks"): the discovery document, a hook request made into a PAS
 * request Bundle for the FHIR input reader (vm/fhir_in.c), and the
 * judged lines made into cards and coverage-information system actions.
 * No HTTP and no judging here: cli/serve.c does both.
 *
 * Ownership: every json_t argument is borrowed; every json_t returned is
 * a new reference owned by the caller.
 */
#ifndef POL_CDS_H
#define POL_CDS_H

#include <jansson.h>
#include <stddef.h>

/* The body of GET /cds-services. */
json_t *cds_discovery(void);

/* The hook ("order-sign", "order-select") of a service id, or NULL when
   no service has that id. */
const char *cds_service_hook(const char *id);

/* The PAS request Bundle of the CDS Hooks request req for hook: one
   Claim whose items are context.draftOrders' orders, in order, and
   beside it the orders and every prefetch resource.  today (YYYY-MM-DD)
   is the Claim's created date when no order has authoredOn.  NULL with
   an H code (static) in *code and the reason in err when req is not a
   request of that hook. */
json_t *cds_request_bundle(const json_t *req, const char *hook, const char *today, const char **code,
                           char *err, size_t errlen);

/* The CDS Hooks response: one card and one systemActions update per
   order of req (as cds_request_bundle read them), from trace, the
   compact JSON trace of that Bundle (one determination per order);
   date (YYYY-MM-DD, or NULL) is the assertions' date. */
json_t *cds_response(const json_t *req, const json_t *trace, const char *date);

#endif
