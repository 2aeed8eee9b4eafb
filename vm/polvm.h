/*
 * polvm.h -- the public C API of libpolvm: load and verify a policy bundle,
 * load cases, judge them, walk the results, render traces.
 * Guide and complete example: docs/embedding.md.
 *
 * Everything here starts with polvm_ / POLVM_; the types are opaque and
 * the results are read through accessors by index, so the ABI does not
 * depend on the VM's internal structures.
 *
 * Ownership words: *owned* -- the caller must free it (with the named
 * function); *borrowed* -- the library keeps it, valid as long as stated.
 * Pointer arguments are borrowed for the duration of the call unless said.
 *
 * Threading: a polvm_program is read-only once loaded and may be shared by
 * any number of threads.  A polvm_vm and a polvm_case (and the results
 * they produce) belong to one thread at a time: give each thread its own.
 *
 * Errors: functions that can fail return a polvm_status and, when err is
 * not NULL, fill *err (status, stable code of docs/errors.md, place,
 * message).  Accessors never fail: out of range or stale, they return 0,
 * NULL or POLVM_NO_POLICY / POLVM_NA.
 */
#ifndef POLVM_H
#define POLVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(POLVM_BUILD) && defined(__GNUC__)
#define POLVM_API __attribute__((visibility("default")))
#else
#define POLVM_API
#endif

/* The library's version; the Makefile's SONAME and polvm.pc read it here.
   The major number changes only with an incompatible ABI. */
#define POLVM_VERSION_MAJOR 0
#define POLVM_VERSION_MINOR 1
#define POLVM_VERSION_PATCH 0
#define POLVM_VERSION_STRING "0.1.0"

/* The version of the library linked at run time ("0.1.0"; static). */
POLVM_API const char *polvm_version(void);

/* ---- status and errors ------------------------------------------------ */

typedef enum polvm_status {
  POLVM_OK = 0,
  POLVM_ERR_ARG = 1,        /* a NULL handle, a bad length, handles of different programs */
  POLVM_ERR_NOMEM = 2,      /* out of memory */
  POLVM_ERR_IO = 3,         /* a file cannot be read (B0002) */
  POLVM_ERR_BUNDLE = 4,     /* the bundle is refused: malformed, altered, fails verification (B0001) */
  POLVM_ERR_SIGNATURE = 5,  /* not signed, signed by an untrusted key, bad signature (B0001) */
  POLVM_ERR_EXTERN = 6,     /* externs not allowed (B0004) or not bound (B0003) */
  POLVM_ERR_JSON = 7,       /* the case text is not valid JSON, too large, too deep (C0001-C0003) */
  POLVM_ERR_CASE = 8,       /* the case does not fit the bundle's schema (C01xx) */
  POLVM_ERR_EVAL = 9,       /* judging failed: the instruction budget ran out, or a number
                               went out of range (C0201) */
  POLVM_ERR_STATE = 10,     /* no case loaded, or results outdated by a newer load or eval */
  POLVM_ERR_WRITE = 11      /* the writer callback of a render function failed */
} polvm_status;

/* A short sentence for s ("the bundle is refused"; static). */
POLVM_API const char *polvm_strerror(polvm_status s);

/* What went wrong.  Filled by every function that takes one (on success:
   status POLVM_OK, the rest empty).  Plain data: copy it freely.  Its
   layout is part of the ABI: changing it changes POLVM_VERSION_MAJOR. */
typedef struct polvm_error {
  polvm_status status;
  char code[8];          /* stable code (docs/errors.md): "B0001", "C0102", ...; "" if none */
  int line, column;      /* 1-based place in the case's JSON text (C0001, C0003); else 0 */
  char path[256];        /* the case member at fault (C01xx): "injections[1].date"; else "" */
  char message[512];     /* the whole message, code first:
                            "C0102 symptoms.pain_nrs: expected number, got string" */
} polvm_error;

/* ---- programs: a loaded, verified bundle ------------------------------ */

typedef struct polvm_program polvm_program;

enum { POLVM_PUBKEY_LEN = 32 };   /* an Ed25519 public key */

/* Loads and verifies a bundle from memory (bytes: len bytes, borrowed for
   the call).  trusted_keys: nkeys public keys of POLVM_PUBKEY_LEN bytes
   each, one after another (borrowed), or NULL / 0 keys: then unsigned
   bundles and any signer are accepted, but a bad signature never is.
   With keys, the bundle must carry a valid signature by one of them, and
   nothing else of it is parsed before that is checked.  On success *out
   is a new program (owned: polvm_program_free).  Its extern functions, if
   any, run only where polvm_program_allow_extern allows them. */
POLVM_API polvm_status polvm_program_load(const void *bytes, size_t len,
                                          const uint8_t *trusted_keys, size_t nkeys,
                                          polvm_program **out, polvm_error *err);

/* polvm_program_load of the file at path.  Nothing is loaded from the
   file's directory. */
POLVM_API polvm_status polvm_program_load_file(const char *path, const uint8_t *trusted_keys,
                                               size_t nkeys, polvm_program **out,
                                               polvm_error *err);

/* Allows p's extern functions to load their libraries from dir_or_lib (a
   directory: the libraries in it by file name; a file: that library), as
   `polvm --allow-extern` (docs/security.md); call it once per place,
   before polvm_vm_new.  Each library must have the SHA-256 the bundle
   recorded when it was compiled, and is never found by the dynamic
   loader's search.  Without any place, polvm_vm_new refuses a program
   with externs (POLVM_ERR_EXTERN, B0004).  dir_or_lib is copied. */
POLVM_API polvm_status polvm_program_allow_extern(polvm_program *p, const char *dir_or_lib,
                                                  polvm_error *err);

/* Frees p (NULL: nothing).  Every VM and case made from it must be freed
   first. */
POLVM_API void polvm_program_free(polvm_program *p);

/* Runs the bytecode verifier over p again (loading already did): POLVM_OK,
   or POLVM_ERR_BUNDLE with the reason. */
POLVM_API polvm_status polvm_program_verify(const polvm_program *p, polvm_error *err);

/* Reads a public key file of `polc keygen` (one line of hex) into key. */
POLVM_API polvm_status polvm_key_read_public(const char *path, uint8_t key[POLVM_PUBKEY_LEN],
                                             polvm_error *err);

/* The SHA-256 of the bundle's content as 64 hex digits and a NUL. */
POLVM_API void polvm_program_sha256(const polvm_program *p, char hex[65]);
/* 1 and the signer's public key in key if the bundle is signed (validly:
   others do not load); else 0.  key may be NULL. */
POLVM_API int polvm_program_signer(const polvm_program *p, uint8_t key[POLVM_PUBKEY_LEN]);
/* When the bundle was compiled (ISO 8601; borrowed from p). */
POLVM_API const char *polvm_program_built(const polvm_program *p);

/* The policies of the bundle; strings borrowed from p, NULL if i is out
   of range. */
POLVM_API uint32_t polvm_program_npolicies(const polvm_program *p);
POLVM_API const char *polvm_program_policy_id(const polvm_program *p, uint32_t i);
POLVM_API const char *polvm_program_policy_title(const polvm_program *p, uint32_t i);
POLVM_API const char *polvm_program_policy_version(const polvm_program *p, uint32_t i);

/* ---- VMs and cases: one of each per thread ---------------------------- */

typedef struct polvm_vm polvm_vm;
typedef struct polvm_case polvm_case;

/* A VM for p (borrowed; it must outlive the VM), with tracing on and the
   default budget, its extern functions bound.  *out: owned,
   polvm_vm_free.  POLVM_ERR_EXTERN if p has externs and no place allows
   native code (B0004), or an extern cannot be bound (B0003). */
POLVM_API polvm_status polvm_vm_new(const polvm_program *p, polvm_vm **out, polvm_error *err);
POLVM_API void polvm_vm_free(polvm_vm *vm);
/* Tracing records the evidence and missing facts of every criterion (on by
   default); off, judging is faster and those lists are empty. */
POLVM_API void polvm_vm_set_trace(polvm_vm *vm, int on);
/* Most instructions one case may execute; 0: the default (10 million). */
POLVM_API void polvm_vm_set_budget(polvm_vm *vm, uint64_t instructions);

/* A case holder for p (borrowed; it must outlive the case), reused for
   every case: after warm-up, loading allocates little.  *out: owned,
   polvm_case_free. */
POLVM_API polvm_status polvm_case_new(const polvm_program *p, polvm_case **out, polvm_error *err);
POLVM_API void polvm_case_free(polvm_case *c);

/* Parses text (len bytes of JSON, borrowed for the call; case format:
   shared/spec/case-format.md, or a FHIR R4 Bundle read through the
   program's `fhir` bindings, docs/fhir.md) and loads it into c, replacing
   the case before.  POLVM_ERR_JSON with err->line and err->column, or
   POLVM_ERR_CASE with err->path; c then holds no case. */
POLVM_API polvm_status polvm_case_load_json(polvm_case *c, const char *text, size_t len,
                                            polvm_error *err);
/* The loaded case's case_id (borrowed from c, until its next load), or
   NULL. */
POLVM_API const char *polvm_case_id(const polvm_case *c);

/* ---- judging ---------------------------------------------------------- */

typedef struct polvm_result polvm_result;

/* Determinations (docs/language.md). */
typedef enum polvm_det {
  POLVM_APPROVE = 0, POLVM_DENY = 1, POLVM_PEND = 2, POLVM_NO_POLICY = 3,
  POLVM_PARTIAL = 4,   /* per-item results differ */
  POLVM_LOI = 5,       /* non-certified for lack of information */
  POLVM_REFER = 6      /* sent to a physician reviewer */
} polvm_det;

/* Criterion statuses; POLVM_NA: not judged (another branch, or not an
   item criterion). */
typedef enum polvm_crit_state {
  POLVM_NOT_MET = 0, POLVM_MET = 1, POLVM_UNKNOWN = 2, POLVM_NA = 3
} polvm_crit_state;

/* Their names as in traces ("approve", "not_met"; static). */
POLVM_API const char *polvm_det_name(polvm_det d);
POLVM_API const char *polvm_crit_state_name(polvm_crit_state s);

/* Judges the case loaded in c (both made from vm's program) line by line.
   On success *out (borrowed from vm) holds the results until the next
   polvm_eval on vm or the next load into (or free of) c.  POLVM_ERR_EVAL
   if the budget ran out or an arithmetic result left the range of
   numbers; POLVM_ERR_STATE if c holds no case. */
POLVM_API polvm_status polvm_eval(polvm_vm *vm, const polvm_case *c, const polvm_result **out,
                                  polvm_error *err);

/* ---- walking the results ---------------------------------------------- */
/*
 * Strings returned are borrowed from the program or the case and live as
 * long as the results.  Values (evidence, items, missing facts) are
 * written as text into a caller buffer, snprintf-style: at most size
 * bytes, NUL-terminated, returning the length the whole text needs.
 */

POLVM_API const char *polvm_result_case_id(const polvm_result *r);
POLVM_API uint32_t polvm_result_nlines(const polvm_result *r);

/* Request line i (0 .. nlines-1, ascending `line` order). */
POLVM_API int32_t polvm_line_number(const polvm_result *r, uint32_t i);   /* its `line` */
POLVM_API const char *polvm_line_cpt(const polvm_result *r, uint32_t i);  /* NULL if absent */
POLVM_API polvm_det polvm_line_determination(const polvm_result *r, uint32_t i);
/* A line whose determination is POLVM_REFER because its plan's denials
   are recommendations (docs/language.md "Plans"): 1 and *recommended the
   adverse determination it recommends (POLVM_DENY, POLVM_LOI or
   POLVM_PARTIAL); else 0. */
POLVM_API int polvm_line_recommended(const polvm_result *r, uint32_t i, polvm_det *recommended);
/* The policy that judged it; NULL: none covers the code on that date. */
POLVM_API const char *polvm_line_policy_id(const polvm_result *r, uint32_t i);
POLVM_API const char *polvm_line_policy_title(const polvm_result *r, uint32_t i);
POLVM_API const char *polvm_line_policy_version(const polvm_result *r, uint32_t i);
/* The branch whose condition held; NULL: none. */
POLVM_API const char *polvm_line_branch(const polvm_result *r, uint32_t i);

/* Criteria of the line's policy, in policy order: j in 0 .. ncriteria-1
   (0 without a policy).  Sub-criteria follow their parent. */
POLVM_API uint32_t polvm_line_ncriteria(const polvm_result *r, uint32_t i);
POLVM_API const char *polvm_crit_id(const polvm_result *r, uint32_t i, uint32_t j);   /* "I.B.4.a" */
POLVM_API const char *polvm_crit_text(const polvm_result *r, uint32_t i, uint32_t j);
/* The parent's index j, or POLVM_NONE for a top-level criterion. */
#define POLVM_NONE UINT32_MAX
POLVM_API uint32_t polvm_crit_parent(const polvm_result *r, uint32_t i, uint32_t j);
POLVM_API int polvm_crit_is_exclusion(const polvm_result *r, uint32_t i, uint32_t j);

/* Criterion results come per line (item = POLVM_LINE_LEVEL) and, under a
   `for each`, per item (item = 0 .. nitems-1) for the per-item criteria. */
#define POLVM_LINE_LEVEL UINT32_MAX

POLVM_API polvm_crit_state polvm_crit_status(const polvm_result *r, uint32_t i, uint32_t item,
                                              uint32_t j);
/* 1 if the criterion counts against the line: not met, or an exclusion
   that applies.  The trace's reasons are the failing top-level criteria
   (and, under an "all of", its failing children). */
POLVM_API int polvm_crit_fails(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j);

/* Evidence of a leaf criterion (composites: none; see their children):
   the facts its clause read and their values, each once, as in the trace. */
POLVM_API uint32_t polvm_crit_nevidence(const polvm_result *r, uint32_t i, uint32_t item,
                                        uint32_t j);
POLVM_API const char *polvm_evidence_fact(const polvm_result *r, uint32_t i, uint32_t item,
                                          uint32_t j, uint32_t e);
/* What the clause expected ("at least 6"), or NULL. */
POLVM_API const char *polvm_evidence_expected(const polvm_result *r, uint32_t i, uint32_t item,
                                              uint32_t j, uint32_t e);
POLVM_API size_t polvm_evidence_value(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j,
                                      uint32_t e, char *buf, size_t size);

/* The unknown facts a leaf criterion read, each once, as case paths
   ("symptoms.pain_nrs", "request.procedures[].modifier"). */
POLVM_API uint32_t polvm_crit_nmissing(const polvm_result *r, uint32_t i, uint32_t item,
                                       uint32_t j);
POLVM_API size_t polvm_missing_fact(const polvm_result *r, uint32_t i, uint32_t item, uint32_t j,
                                    uint32_t m, char *buf, size_t size);

/* `for each`: 1 if the line's branch judges items; the determination
   from the line-level criteria alone; whether the list was known; the
   items. */
POLVM_API int polvm_line_has_items(const polvm_result *r, uint32_t i);
POLVM_API polvm_det polvm_line_level_determination(const polvm_result *r, uint32_t i);
POLVM_API int polvm_line_items_known(const polvm_result *r, uint32_t i);
POLVM_API uint32_t polvm_line_nitems(const polvm_result *r, uint32_t i);
POLVM_API size_t polvm_item_value(const polvm_result *r, uint32_t i, uint32_t item, char *buf,
                                  size_t size);
POLVM_API polvm_det polvm_item_determination(const polvm_result *r, uint32_t i, uint32_t item);

/* `assess` blocks that applied to the line (e.g. level of care); their
   criteria's results are the line-level ones. */
POLVM_API uint32_t polvm_line_nassessments(const polvm_result *r, uint32_t i);
POLVM_API const char *polvm_assessment_aspect(const polvm_result *r, uint32_t i, uint32_t a);
POLVM_API const char *polvm_assessment_text(const polvm_result *r, uint32_t i, uint32_t a);
POLVM_API polvm_det polvm_assessment_determination(const polvm_result *r, uint32_t i, uint32_t a);

/* ---- rendering -------------------------------------------------------- */

/* Receives a rendered trace: len bytes at data (borrowed for the call; no
   NUL).  Returns 0 on success; anything else makes the render function
   return POLVM_ERR_WRITE.  A whole trace is passed in one call. */
typedef int (*polvm_write_fn)(void *ctx, const char *data, size_t len);

enum {
  POLVM_JSON_PRETTY = 1 << 0,    /* indented, as `polvm trace --format json` */
  POLVM_JSON_CRITERIA = 1 << 1,  /* with the per-criterion table */
  POLVM_JSON_COMPACT = 1 << 2    /* one line, as `polvm eval` (--criteria: | CRITERIA) */
};

/* The JSON trace (shared/spec/trace-format.md).  PRETTY | CRITERIA gives
   exactly `polvm trace --format json` (with the case's SHA-256); COMPACT
   gives `polvm eval`'s record, without a newline.  ctx is passed to
   write. */
POLVM_API polvm_status polvm_render_json(const polvm_result *r, int flags, polvm_write_fn write,
                                         void *ctx);
/* The reviewer's text report, exactly as `polvm trace`. */
POLVM_API polvm_status polvm_render_text(const polvm_result *r, polvm_write_fn write, void *ctx);

enum {
  POLVM_FHIR_BUNDLE = 1 << 0     /* the ClaimResponse in a PAS response Bundle */
};

/* The FHIR R4 Da Vinci PAS ClaimResponse of the result (docs/fhir.md),
   exactly as `polvm trace --format fhir` (fhir-bundle with
   POLVM_FHIR_BUNDLE).  created: the response's date, YYYY-MM-DD (borrowed;
   NULL: today, UTC). */
POLVM_API polvm_status polvm_render_fhir(const polvm_result *r, int flags, const char *created,
                                         polvm_write_fn write, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
