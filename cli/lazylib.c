/*
 * lazylib.c -- libmicrohttpd and libsqlite3 loaded on first use (lazylib.h).
 *
 * Each function of lazylib.def is defined here under the library's own name
 * and prototype (the headers are included, so a wrong line does not
 * compile) and forwards to the function dlsym() found in the library.  The
 * executable does not link the libraries, so these definitions are the
 * only ones it sees; they are not exported (polvm is not linked with
 * --export-dynamic), so the loaded library's own calls stay inside it.
 *
 * Loading: RTLD_NOW | RTLD_LOCAL, by soname only (the dynamic linker's
 * usual search, as for a DT_NEEDED entry), once per library under
 * pthread_once.  polvm.c loads what a command needs before running it and
 * reports C0160 if it cannot; a forwarder reached without a loaded
 * library (a command that forgot to declare its need) stops the process
 * with the reason rather than call through a null pointer.
 */
#include "lazylib.h"

#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LAZY_MHD_SONAME
#define LAZY_MHD_SONAME "libmicrohttpd.so.12"
#endif
#ifndef LAZY_SQLITE_SONAME
#define LAZY_SQLITE_SONAME "libsqlite3.so.0"
#endif

enum {
#define LAZY_SYM(lib, name) SYM_##name,
#define LAZY_FN(lib, ret, name, params, args) SYM_##name,
#define LAZY_VOID(lib, name, params, args) SYM_##name,
#include "lazylib.def"
#undef LAZY_SYM
#undef LAZY_FN
#undef LAZY_VOID
  SYM_COUNT
};

static const struct { lazy_Lib lib; const char *name; } syms[SYM_COUNT] = {
#define LAZY_SYM(lib, name) [SYM_##name] = {lib, #name},
#define LAZY_FN(lib, ret, name, params, args) [SYM_##name] = {lib, #name},
#define LAZY_VOID(lib, name, params, args) [SYM_##name] = {lib, #name},
#include "lazylib.def"
#undef LAZY_SYM
#undef LAZY_FN
#undef LAZY_VOID
};

static const char *const sonames[LAZY_NLIB] = {
  [LAZY_MHD] = LAZY_MHD_SONAME,
  [LAZY_SQLITE] = LAZY_SQLITE_SONAME,
};

/* written once under the library's pthread_once, read-only afterwards;
   kept as function pointers (dlsym's object pointer copied, as POSIX
   allows), so that the forwarders convert between function types only */
typedef void (*lazy_Fn)(void);
_Static_assert(sizeof(lazy_Fn) == sizeof(void *), "dlsym results fit a function pointer");
static lazy_Fn fn[SYM_COUNT];
static char why[LAZY_NLIB][256];   /* "" when loaded */
static pthread_once_t once[LAZY_NLIB] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};

static void load(lazy_Lib lib)
{
  void *h = dlopen(sonames[lib], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(why[lib], sizeof why[lib], "cannot load %s: %s", sonames[lib], dlerror());
    return;
  }
  for (int i = 0; i < SYM_COUNT; i++) {
    if (syms[i].lib != lib) continue;
    void *p = dlsym(h, syms[i].name);
    memcpy(&fn[i], &p, sizeof fn[i]);
    if (!p) {
      snprintf(why[lib], sizeof why[lib], "%s has no function %s", sonames[lib], syms[i].name);
      return;   /* the handle stays open: dlclose is not worth a half-loaded state */
    }
  }
}

static void load_mhd(void) { load(LAZY_MHD); }
static void load_sqlite(void) { load(LAZY_SQLITE); }

int lazy_load(lazy_Lib lib, char *err, size_t errlen)
{
  switch (lib) {
  case LAZY_MHD: pthread_once(&once[lib], load_mhd); break;
  case LAZY_SQLITE: pthread_once(&once[lib], load_sqlite); break;
  case LAZY_NLIB: snprintf(err, errlen, "no such library"); return -1;
  }
  if (!why[lib][0]) return 0;
  snprintf(err, errlen, "%s", why[lib]);
  return -1;
}

/* the function SYM, its library loaded; never returns null */
static lazy_Fn lazy_fn(int sym)
{
  char err[256];
  if (lazy_load(syms[sym].lib, err, sizeof err) != 0) {
    fprintf(stderr, "polvm: %s\n", err);
    abort();
  }
  return fn[sym];
}

#define LAZY_SYM(lib, name)
#define LAZY_FN(lib, ret, name, params, args) \
  ret name params { return ((__typeof__(&name))lazy_fn(SYM_##name)) args; }
#define LAZY_VOID(lib, name, params, args) \
  void name params { ((__typeof__(&name))lazy_fn(SYM_##name)) args; }
#include "lazylib.def"
#undef LAZY_SYM
#undef LAZY_FN
#undef LAZY_VOID

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
  __typeof__(&MHD_start_daemon_va) f = (__typeof__(&MHD_start_daemon_va))lazy_fn(SYM_MHD_start_daemon_va);
  va_list ap;
  va_start(ap, dh_cls);
  struct MHD_Daemon *d = f(flags, port, apc, apc_cls, dh, dh_cls, ap);
  va_end(ap);
  return d;
}

/* no info type polvm asks for (MHD_DAEMON_INFO_BIND_PORT) reads further
   arguments, and libmicrohttpd's own implementation reads none */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType type, ...)
{
  __typeof__(&MHD_get_daemon_info) f = (__typeof__(&MHD_get_daemon_info))lazy_fn(SYM_MHD_get_daemon_info);
  return f(daemon, type);
}
