/*
 * lazylib.h -- libmicrohttpd and libsqlite3, loaded by polvm only for the
 * commands that use them (serve, replay, metrics), so that `polvm trace`,
 * `eval`, `verify` ... do not map and relocate them and their
 * dependencies (gnutls, p11-kit, nettle, gmp, ...) at every start
 * (docs/performance.md, "Start-up"; docs/security.md, "Loading").
 *
 * cli/lazylib.c defines the library functions the CLI calls (the list is
 * cli/lazylib.def) as small forwarders that dlopen the library by its
 * soname on first use: the name the linker would have written into the
 * executable (LAZY_MHD_SONAME, LAZY_SQLITE_SONAME from the Makefile),
 * never a path from input.  Only the polvm executable links lazylib.o; the
 * tests and fuzzers link the libraries directly.
 */
#ifndef POL_LAZYLIB_H
#define POL_LAZYLIB_H

#include <stddef.h>

typedef enum lazy_Lib {
  LAZY_MHD,      /* libmicrohttpd: polvm serve */
  LAZY_SQLITE,   /* libsqlite3: the decision log (serve --log, replay, metrics) */
  LAZY_NLIB
} lazy_Lib;

/* Loads LIB and resolves all its functions once (thread-safe); later calls
   return at once.  0 on success; -1 with the reason in err (the soname and
   dlerror()) when the library or one of its functions is missing. */
int lazy_load(lazy_Lib lib, char *err, size_t errlen);

#endif
