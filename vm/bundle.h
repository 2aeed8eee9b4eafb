/*
 * bundle.h -- the on-disk bundle: serialise a pol_Program, load one back,
 * and verify it before anything runs.  Format: docs/bundle-format.md.
 */
#ifndef POL_BUNDLE_H
#define POL_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "bytecode.h"

#define POL_BUNDLE_MAJOR 1
#define POL_BUNDLE_MINOR 0

/* Serialises p into a new buffer (*out, owned by the caller, free()) and
   stores the content hash in p->sha256.  0 on success. */
int pol_bundle_write(pol_Program *p, uint8_t **out, size_t *outlen);

/* Parses and verifies a bundle.  On success *out is a new program (owned by
   the caller, pol_program_free) and 0 is returned; on failure a reason is
   written to err and -1 is returned.  buf is borrowed. */
int pol_bundle_load(const uint8_t *buf, size_t len, pol_Program **out,
                    char *err, size_t errlen);

/* Reads a whole file into a malloc'd buffer; 0 on success. */
int pol_read_file(const char *path, uint8_t **out, size_t *outlen,
                  char *err, size_t errlen);

/* Checks every structural invariant the VM relies on: opcodes, operand
   kinds and ranges, register indices against block frames, jump targets,
   block call order (callee index > caller), terminators, string/constant/
   set/fact/evidence/record/extern/criterion indices.  0 if p is safe to
   run; else -1 and a reason in err. */
int pol_verify(const pol_Program *p, char *err, size_t errlen);

#endif
