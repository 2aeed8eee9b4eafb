/*
 * bundle.h -- the on-disk bundle: serialise a pol_Program, load one back,
 * and verify it before anything runs.  Format: docs/bundle-format.md.
 */
#ifndef POL_BUNDLE_H
#define POL_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "bytecode.h"

#define POL_BUNDLE_MAJOR 2      /* 2.0: numbers are decimals (KONS: an i64) */
#define POL_BUNDLE_MINOR 6      /* 2.6: opcodes FEQK, FINK (a field read
                                   and its comparison with a constant; the
                                   compiler writes none, the no-trace code
                                   has them: vm/lean_opt.c); EXTRA role 'q'.
                                   2.5: code(ELEMENT, "NAME") in a FHIR
                                   binding may name a code system of value
                                   sets ("procedure": CPT or HCPCS codings;
                                   a 2.4 reader compares NAME with the
                                   coding's system URI, and matches none).
                                   2.4: a policy's routing value set (VSET)
                                   may hold drug keys, bounds prefixed
                                   "rxnorm:" or "ndc:" (routing by drug
                                   code; a 2.3 reader routes no line by them);
                                   FHIR binding flag 2 (`where ELEMENT in
                                   VALUESET`, code0 names the value set);
                                   the opcodes EQK, NEK, LTK, LEK, GTK, GEK,
                                   INK (comparisons with a constant; issue
                                   14, a leaner VM).
                                   2.3: the FHIR section (FHIR bindings),
                                   the optional WITN section (witnesses) and
                                   the optional PARM section (reviewer-chosen
                                   parameters criteria read) and the opcodes
                                   UNKNOWN, MIN, MAX, FIRST, LOOKUP (issue 11:
                                   unknown literals, min/max, first, lookup
                                   tables) and missing-fact reasons.
                                   2.2: the AUTH and the optional NOTE sections;
                                   opcodes SUM, LATEST, EARLIEST, SETLIST, DUR,
                                   MERGE, INVS, RUN, GAP, CALWIN, LIST, PERIODS;
                                   the optional VSET section (value sets); the
                                   criterion flag POL_CRIT_PREREQ (prerequisites)
                                   and the optional NEXT section (next steps).
                                   2.1: the optional ELSE section.  (1.1 added
                                   the optional final SIGN section, 1.2 XLIB,
                                   the SHA-256 of extern libraries) */

/* Ed25519 key and signature sizes (libsodium crypto_sign_*). */
enum { POL_PUBKEY_LEN = 32, POL_SECKEY_LEN = 64, POL_SIG_LEN = 64 };

/* Serialises p into a new buffer (*out, owned by the caller, free()) and
   stores the content hash in p->sha256.  0 on success. */
int pol_bundle_write(pol_Program *p, uint8_t **out, size_t *outlen);

/* Parses and verifies a bundle.  On success *out is a new program (owned by
   the caller, pol_program_free) and 0 is returned; on failure a reason is
   written to err and -1 is returned.  buf is borrowed.  An unsigned bundle
   and one with a valid signature by any key load; a bad signature is
   refused. */
int pol_bundle_load(const uint8_t *buf, size_t len, pol_Program **out,
                    char *err, size_t errlen);

/* pol_bundle_load with a signature policy (docs/bundle-format.md,
   "Signature").  trust: the Ed25519 public key (POL_PUBKEY_LEN bytes,
   borrowed) that must have signed the bundle, or NULL to accept unsigned
   bundles and any signer.  A signature that does not verify is refused,
   unless keep_bad and trust is NULL: then 0 is returned and the program
   has sig == POL_SIG_BAD, for a report only (polvm verify); the caller
   must check p->sig and never run it.  Refusals: "bundle is not signed"
   and "bundle signed by an untrusted key" (with trust), "bad signature:
   bundle altered after signing".  pol_bundle_load(buf, len, out, err,
   errlen) is pol_bundle_load_ex(buf, len, NULL, 0, out, err, errlen). */
int pol_bundle_load_ex(const uint8_t *buf, size_t len, const uint8_t *trust, int keep_bad,
                       pol_Program **out, char *err, size_t errlen);

/* pol_bundle_load_ex on a buffer handed over: buf (malloc'd, len bytes)
   belongs to the loader from the call on, whatever the outcome: on
   success the program keeps it and its strings point into it (they are
   terminated in place, so buf's bytes change); on failure it is freed.
   Saves the copy and the allocation of every string (polvm's start-up,
   docs/performance.md); the same checks, results and messages. */
int pol_bundle_load_owned(uint8_t *buf, size_t len, const uint8_t *trust, int keep_bad,
                          pol_Program **out, char *err, size_t errlen);

/* Appends a SIGN section to an unsigned bundle as pol_bundle_write made it:
   the Ed25519 signature by sk (POL_SECKEY_LEN bytes, libsodium's layout,
   borrowed) over its content hash, and sk's public key.  *buf is
   realloc'd (still owned by the caller) and *len grows by 104.  -1, buffer
   unchanged, if buf is not an unsigned bundle whose hash matches. */
int pol_bundle_sign(uint8_t **buf, size_t *len, const uint8_t *sk);

/* Key files (docs/cli.md): one line of lowercase hex.  pol_key_generate
   writes a new secret key to path (mode 0600) and its public key to
   path.pub; it refuses to overwrite either file.  The readers check the
   length and the hex; the secret key's embedded public key must match its
   seed.  0 on success; else -1 and a reason (naming the path) in err. */
int pol_key_generate(const char *path, char *err, size_t errlen);
int pol_key_read_secret(const char *path, uint8_t *sk, char *err, size_t errlen);
int pol_key_read_public(const char *path, uint8_t *pk, char *err, size_t errlen);

/* Formats a reason into err (NULL or errlen 0: nothing); the loader's and
   the signature checker's messages go through it. */
void pol_errf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* Reads a whole file into a malloc'd buffer; 0 on success. */
int pol_read_file(const char *path, uint8_t **out, size_t *outlen,
                  char *err, size_t errlen);

/* Is name acceptable as an extern library's file name?  A plain file name
   of the POSIX portable set [A-Za-z0-9._-], not starting with '.' or '-',
   at most POL_EXTERN_LIB_NAME_MAX bytes: no path separator, no "..", no
   search by the dynamic loader (docs/security.md).  polc (E0242) and the
   verifier apply the same rule. */
#define POL_EXTERN_LIB_NAME_MAX 255
int pol_extern_lib_name_ok(const char *name);

/* For polc: finds each library of p->xlib in dirs (ndirs paths, borrowed;
   directories or library files, as pol_vm_bind_externs's allow) and
   stores the SHA-256 of its file there.  0, or -1 and a reason in err. */
int pol_extern_pin(pol_Program *p, const char *const *dirs, size_t ndirs, char *err,
                   size_t errlen);

/* The default bundle, shared by polc's output and polvm's input
   (docs/cli.md "The default bundle"): $POLVM_BUNDLE when set and not
   empty, which must then be an absolute path; else
   $XDG_DATA_HOME/polc/policies.polb ($XDG_DATA_HOME when absolute),
   else $HOME/.local/share/polc/policies.polb ($HOME when absolute).
   Never relative, so never a file of the current directory.  Writes the
   path to buf (n bytes) and returns 0; -1 and a reason in err. */
int pol_default_bundle(char *buf, size_t n, char *err, size_t errlen);

/* Checks every structural invariant the VM relies on: opcodes, operand
   kinds and ranges, register indices against block frames, jump targets,
   block call order (callee index > caller), terminators, string/constant/
   set/fact/evidence/record/extern/criterion indices.  0 if p is safe to
   run; else -1 and a reason in err. */
int pol_verify(const pol_Program *p, char *err, size_t errlen);

/* pol_verify for the loader (vm/bundle_load.c): every string's bytes
   were checked as they were read (rd_strs: valid UTF-8, no NUL, str[i]
   NUL-terminated at slen[i]), so the strings are not measured again. */
int pol_verify_loaded(const pol_Program *p, char *err, size_t errlen);

#endif
