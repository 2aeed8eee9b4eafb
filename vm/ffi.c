/*
 * ffi.c -- extern functions: native C functions in shared libraries,
 * declared in .pol with their types and called through libffi.
 *
 * Type mapping (C side):  bool -> int (0/1),  number -> double,
 * string -> const char * (NUL-terminated, borrowed for the call),
 * date -> int32_t days since 1970-01-01.  A string result must point to
 * storage that outlives the call (static or owned by the library); NULL
 * means unknown.  A number result that is NaN means unknown.
 *
 * Who may run native code (docs/security.md): nothing is loaded unless the
 * caller names the allowed places (polvm --allow-extern).  A library is
 * opened there by its exact file name (a plain name, checked by the
 * verifier), never found by the dynamic loader's search; its bytes must
 * have the SHA-256 the bundle pinned (section XLIB), and the bytes hashed
 * are the bytes loaded: they are copied into a sealed memfd that dlopen
 * maps through /proc/self/fd.  A symbol must be a function defined in its
 * own library, not one of its dependencies (libc's system()).
 *
 * The VM owns the dlopen handles, the descriptors behind them, the
 * prepared call interfaces and the arena of string results.
 */
#include "vm_impl.h"
#include "bundle.h"
#include "trace.h"
#include "util.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ffi.h>
#include <link.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* The largest extern library file polvm hashes and loads. */
#define POL_EXTERN_LIB_MAX_BYTES (256u << 20)
/* Tries to find a /proc/self/fd/N name no loaded library already has. */
#define FD_NAME_TRIES 16
/* One chunk of the string-result arena holds at least one longest result. */
#define XCHUNK_BYTES (2 * (POL_EXTERN_STR_MAX + 1))

struct pol_Native {
  void (*fn)(void);
  ffi_cif cif;
  ffi_type *args[POL_MAX_ARGS];
  ffi_type *ret;
};

struct pol_XChunk {
  struct pol_XChunk *next;
  size_t used;
  char data[XCHUNK_BYTES];
};

static ffi_type *ffi_of(uint32_t type)
{
  switch (POL_TKIND(type)) {
  case PK_BOOL: return &ffi_type_sint;
  case PK_NUM: return &ffi_type_double;
  case PK_STR: return &ffi_type_pointer;
  case PK_DATE: return &ffi_type_sint32;
  default: return NULL;
  }
}

/* ---- finding and hashing a library ------------------------------------- */

/* Opens lib at the first entry of allow that has it: a directory holding
   a file of that name, or a file whose last path component is lib.  The
   descriptor, with its path in path; -1 with errno ENOENT when no entry
   has it, or the open's errno. */
static int open_lib(const char *lib, const char *const *allow, size_t nallow, char *path,
                    size_t pathlen)
{
  for (size_t i = 0; i < nallow; i++) {
    const char *a = allow[i];
    struct stat st;
    if (stat(a, &st) != 0) continue;
    int n;
    if (S_ISDIR(st.st_mode)) {
      n = snprintf(path, pathlen, "%s/%s", a, lib);
    } else {
      const char *base = strrchr(a, '/');
      if (strcmp(base ? base + 1 : a, lib) != 0) continue;
      n = snprintf(path, pathlen, "%s", a);
    }
    if (n < 0 || (size_t)n >= pathlen) continue;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno != ENOENT) return -1;
  }
  errno = ENOENT;
  return -1;
}

/* Reads the regular file behind fd whole into *out (malloc'd, owned by
   the caller).  0, or -1 and a reason in err. */
static int read_lib(int fd, const char *path, uint8_t **out, size_t *len, char *err,
                    size_t errlen)
{
  struct stat st;
  *out = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    pol_errf(err, errlen, "%s is not a regular file", path);
    return -1;
  }
  if ((uint64_t)st.st_size > POL_EXTERN_LIB_MAX_BYTES) {
    pol_errf(err, errlen, "%s is larger than %u bytes", path, (unsigned)POL_EXTERN_LIB_MAX_BYTES);
    return -1;
  }
  size_t cap = (size_t)st.st_size + 1, n = 0;
  uint8_t *b = malloc(cap);
  if (!b) { pol_errf(err, errlen, "out of memory"); return -1; }
  for (;;) {
    ssize_t got = read(fd, b + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      pol_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
      free(b);
      return -1;
    }
    if (got == 0) break;
    n += (size_t)got;
    if (n == cap) {   /* grew while read */
      pol_errf(err, errlen, "%s changed while it was read", path);
      free(b);
      return -1;
    }
  }
  *out = b;
  *len = n;
  return 0;
}

/* Finds lib in allow, reads it into *bytes (owned by the caller) and
   hashes it into sha.  0; 1 when no entry has it; -1 and a reason. */
static int hash_lib(const char *lib, const char *const *allow, size_t nallow, uint8_t **bytes,
                    size_t *len, uint8_t sha[32], char *err, size_t errlen)
{
  char path[4096];
  int fd = open_lib(lib, allow, nallow, path, sizeof path);
  if (fd < 0) {
    if (errno == ENOENT) return 1;
    pol_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  int rc = read_lib(fd, path, bytes, len, err, errlen);
  close(fd);
  if (rc != 0) return -1;
  if (sodium_init() < 0) {
    pol_errf(err, errlen, "cannot initialise libsodium");
    free(*bytes);
    return -1;
  }
  crypto_hash_sha256(sha, *bytes, *len);
  return 0;
}

int pol_extern_pin(pol_Program *p, const char *const *dirs, size_t ndirs, char *err,
                   size_t errlen)
{
  for (uint32_t i = 0; i < p->nxlib; i++) {
    const char *lib = p->str[p->xlib[i].lib];
    uint8_t *bytes = NULL;
    size_t len = 0;
    char why[512];
    int rc = hash_lib(lib, dirs, ndirs, &bytes, &len, p->xlib[i].sha256, why, sizeof why);
    free(bytes);
    if (rc == 1) {
      pol_errf(err, errlen, "extern library %s not found%s", lib,
               ndirs ? " in the --extern-dir directories" : ": name its directory with --extern-dir DIR");
      return -1;
    }
    if (rc != 0) {
      pol_errf(err, errlen, "extern library %s: %s", lib, why);
      return -1;
    }
  }
  return 0;
}

/* ---- loading ----------------------------------------------------------- */

/* dlopen of the file behind *fd by its /proc/self/fd name.  glibc reuses
   an already loaded object whose name matches, and fd numbers are reused:
   a name some loaded library already has is skipped by moving *fd to a
   higher number. */
static void *dlopen_fd(int *fd)
{
  char name[64];
  for (int t = 0; t < FD_NAME_TRIES; t++) {
    snprintf(name, sizeof name, "/proc/self/fd/%d", *fd);
    void *old = dlopen(name, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
    if (!old) return dlopen(name, RTLD_NOW | RTLD_LOCAL);
    dlclose(old);
    int nfd = fcntl(*fd, F_DUPFD_CLOEXEC, *fd + 1);
    if (nfd < 0) return NULL;
    close(*fd);
    *fd = nfd;
  }
  return NULL;
}

/* A sealed in-memory copy of bytes: what is loaded is what was hashed,
   whoever writes to the file meanwhile.  -1 if memfds are not available. */
static int sealed_copy(const char *lib, const uint8_t *bytes, size_t len)
{
  int fd = memfd_create(lib, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  size_t n = 0;
  while (n < len) {
    ssize_t w = write(fd, bytes + n, len - n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) { close(fd); return -1; }
    n += (size_t)w;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Is fn a function defined in the object h itself? */
static int own_function(void *h, void *fn)
{
  struct link_map *lm = NULL, *own = NULL;
  const ElfW(Sym) *sym = NULL;
  Dl_info info;
  if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm) return 0;
  if (!dladdr1(fn, &info, (void **)&own, RTLD_DL_LINKMAP) || own != lm) return 0;
  if (!dladdr1(fn, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym || info.dli_saddr != fn) return 0;
  int type = ELF64_ST_TYPE(sym->st_info);
  return type == STT_FUNC || type == STT_GNU_IFUNC;
}

/* Loads p->xlib[i] into vm->libs[i]: checks every library's hash first,
   so that no library's code runs unless all of them match. */
static int load_libs(pol_VM *vm, const char *const *allow, size_t nallow, char *err,
                     size_t errlen)
{
  const pol_Program *p = vm->p;
  uint8_t **bytes = calloc(p->nxlib, sizeof *bytes);
  size_t *lens = calloc(p->nxlib, sizeof *lens);
  int rc = 0;
  if (!bytes || !lens) { pol_errf(err, errlen, "out of memory"); rc = -1; }
  for (uint32_t i = 0; rc == 0 && i < p->nxlib; i++) {
    const char *lib = p->str[p->xlib[i].lib];
    uint8_t sha[32];
    char why[512];
    int r = hash_lib(lib, allow, nallow, &bytes[i], &lens[i], sha, why, sizeof why);
    if (r == 1) {
      pol_errf(err, errlen, "extern library %s is not in an allowed place (--allow-extern)", lib);
      rc = -1;
    } else if (r != 0) {
      pol_errf(err, errlen, "extern library %s: %s", lib, why);
      rc = -1;
    } else if (sodium_memcmp(sha, p->xlib[i].sha256, 32) != 0) {
      char got[65], want[65];
      pol_sha_hex(sha, got);
      pol_sha_hex(p->xlib[i].sha256, want);
      pol_errf(err, errlen, "extern library %s has SHA-256 %s, the bundle was built against %s",
               lib, got, want);
      rc = -1;
    }
  }
  for (uint32_t i = 0; rc == 0 && i < p->nxlib; i++) {
    const char *lib = p->str[p->xlib[i].lib];
    int fd = sealed_copy(lib, bytes[i], lens[i]);
    if (fd < 0) {
      pol_errf(err, errlen, "extern library %s: cannot make an in-memory copy: %s", lib,
               strerror(errno));
      rc = -1;
      break;
    }
    vm->libfds[i] = fd;
    vm->libs[i] = dlopen_fd(&vm->libfds[i]);
    vm->nlibs = i + 1;
    if (!vm->libs[i]) {
      const char *why = dlerror();
      pol_errf(err, errlen, "cannot load extern library %s: %s", lib, why ? why : "no free name");
      rc = -1;
    }
  }
  for (uint32_t i = 0; bytes && i < p->nxlib; i++) free(bytes[i]);
  free(bytes);
  free(lens);
  return rc;
}

int pol_vm_bind_externs(pol_VM *vm, const char *const *allow, size_t nallow, char *err,
                        size_t errlen)
{
  const pol_Program *p = vm->p;
  pol_natives_free(vm);
  if (p->next == 0) return 0;
  if (nallow == 0) {
    pol_errf(err, errlen, "the bundle calls native code (extern %s in %s) and no --allow-extern allows it",
             p->str[p->ext[0].name], p->str[p->ext[0].lib]);
    return -1;
  }
  vm->natives = calloc(p->next, sizeof *vm->natives);
  vm->libs = calloc(p->nxlib, sizeof *vm->libs);
  vm->libfds = malloc(p->nxlib * sizeof *vm->libfds);
  if (!vm->natives || !vm->libs || !vm->libfds) {
    pol_errf(err, errlen, "out of memory");
    pol_natives_free(vm);
    return -1;
  }
  if (load_libs(vm, allow, nallow, err, errlen) != 0) { pol_natives_free(vm); return -1; }
  for (uint32_t i = 0; i < p->next; i++) {
    const pol_Extern *e = &p->ext[i];
    const char *lib = p->str[e->lib], *sym = p->str[e->name];
    uint32_t x = 0;
    while (p->xlib[x].lib != e->lib) x++;   /* verified: one exists */
    void *fn = dlsym(vm->libs[x], sym);
    if (!fn || !own_function(vm->libs[x], fn)) {
      pol_errf(err, errlen, "extern %s: no function %s defined in %s", sym, sym, lib);
      pol_natives_free(vm);
      return -1;
    }
    pol_Native *n = &vm->natives[i];
    memcpy(&n->fn, &fn, sizeof fn);
    n->ret = ffi_of(e->ret);
    for (uint32_t a = 0; a < e->nargs; a++) n->args[a] = ffi_of(e->args[a]);
    int ok = n->ret != NULL;
    for (uint32_t a = 0; a < e->nargs; a++) ok &= n->args[a] != NULL;
    if (!ok || ffi_prep_cif(&n->cif, FFI_DEFAULT_ABI, e->nargs, n->ret, n->args) != FFI_OK) {
      pol_errf(err, errlen, "extern %s: unsupported signature", sym);
      pol_natives_free(vm);
      return -1;
    }
  }
  return 0;
}

void pol_natives_free(pol_VM *vm)
{
  for (uint32_t i = 0; i < vm->nlibs; i++) {
    if (vm->libs[i]) dlclose(vm->libs[i]);
    close(vm->libfds[i]);
  }
  free(vm->libs);
  free(vm->libfds);
  free(vm->natives);
  vm->libs = NULL;
  vm->libfds = NULL;
  vm->natives = NULL;
  vm->nlibs = 0;
  while (vm->xstr) {
    pol_XChunk *next = vm->xstr->next;
    free(vm->xstr);
    vm->xstr = next;
  }
  vm->xcur = NULL;
}

/* ---- string results ---------------------------------------------------- */

void pol_natives_reset(pol_VM *vm)
{
  for (pol_XChunk *c = vm->xstr; c; c = c->next) c->used = 0;
  vm->xcur = vm->xstr;
}

/* Room for one longest result in the arena, NULL on out-of-memory. */
static pol_XChunk *xroom(pol_VM *vm)
{
  pol_XChunk *c = vm->xcur;
  while (c && XCHUNK_BYTES - c->used < POL_EXTERN_STR_MAX + 1) {
    c = c->next;
    if (c) c->used = 0;
  }
  if (!c) {
    c = malloc(sizeof *c);
    if (!c) return NULL;
    c->next = NULL;
    c->used = 0;
    if (vm->xcur) {   /* after the current one, before any spare ones */
      c->next = vm->xcur->next;
      vm->xcur->next = c;
    } else {
      c->next = vm->xstr;
      vm->xstr = c;
    }
  }
  vm->xcur = c;
  return c;
}

/* Copies up to max bytes at s into dst until a NUL, without faulting on
   memory that is not readable: process_vm_readv on our own pid fails with
   EFAULT instead, read page by page.  The length before the NUL, or -1
   (unreadable or no NUL within max). */
static long copy_cstr(char *dst, const char *s, size_t max)
{
  static long page;
  if (!page) page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
  size_t n = 0;
  pid_t self = getpid();
  while (n < max) {
    uintptr_t at = (uintptr_t)s + n;
    size_t chunk = (size_t)page - at % (size_t)page;
    if (chunk > max - n) chunk = max - n;
    struct iovec local = {dst + n, chunk}, remote = {(void *)at, chunk};
    ssize_t got = process_vm_readv(self, &local, 1, &remote, 1, 0);
    if (got < 0 && (errno == ENOSYS || errno == EPERM)) {
      /* no process_vm_readv (seccomp): at least refuse the first pages,
         where a small integer returned as a pointer points */
      if ((uintptr_t)s < 65536) return -1;
      size_t len = strnlen(s, max);
      if (len == max) return -1;
      memcpy(dst, s, len + 1);
      return (long)len;
    }
    if (got <= 0) return -1;
    char *nul = memchr(dst + n, '\0', (size_t)got);
    if (nul) return nul - dst;
    n += (size_t)got;
  }
  return -1;
}

/* A string result: a bundle string when equal to one (so that == against
   bundle strings compares ids), else a copy in the VM's arena, valid
   until the next case.  Unknown when NULL, unreadable, longer than
   POL_EXTERN_STR_MAX or not UTF-8. */
static pol_Value string_result(pol_VM *vm, const char *s)
{
  const pol_Program *p = vm->p;
  if (!s) return pol_unk();
  pol_XChunk *c = xroom(vm);
  if (!c) return pol_unk();
  char *dst = c->data + c->used;
  long len = copy_cstr(dst, s, POL_EXTERN_STR_MAX + 1);
  if (len < 0 || pol_utf8_check((const uint8_t *)dst, (size_t)len) != (size_t)len) return pol_unk();
  pol_Value v = {PV_STR, POL_NOSTR, {0}};
  for (uint32_t i = 0; i < p->nstr; i++)
    if (p->slen[i] == (uint32_t)len && memcmp(p->str[i], dst, (size_t)len) == 0) {
      v.aux = i;
      v.u.s = p->str[i];
      return v;
    }
  c->used += (size_t)len + 1;
  v.u.s = dst;
  return v;
}

pol_Value pol_native_call(pol_VM *vm, uint32_t ext, const pol_Value *args)
{
  const pol_Program *p = vm->p;
  if (!vm->natives) return pol_unk();   /* not bound: unknown, never a guess */
  const pol_Extern *e = &p->ext[ext];
  pol_Native *n = &vm->natives[ext];
  union { int i; double d; const char *s; int32_t d32; } in[8];
  void *argp[8];
  for (uint32_t a = 0; a < e->nargs; a++) {
    const pol_Value *v = &args[a];
    switch (POL_TKIND(e->args[a])) {
    case PK_BOOL:
      if (v->tag != PV_BOOL) return pol_unk();
      in[a].i = (int)v->aux;
      break;
    case PK_NUM:
      if (v->tag != PV_NUM) return pol_unk();
      in[a].d = pol_dec_to_double(v->u.d);   /* the nearest double */
      break;
    case PK_STR:
      if (v->tag != PV_STR) return pol_unk();
      in[a].s = v->u.s;
      break;
    default:
      if (v->tag != PV_DATE) return pol_unk();
      in[a].d32 = (int32_t)v->aux;
      break;
    }
    argp[a] = &in[a];
  }
  union { ffi_arg i; double d; const char *s; } out;
  memset(&out, 0, sizeof out);
  ffi_call(&n->cif, n->fn, &out, e->nargs ? argp : NULL);
  switch (POL_TKIND(e->ret)) {
  case PK_BOOL: return pol_bool((int)out.i != 0);
  case PK_NUM: {
    /* as a case's real: its shortest text, rounded to 8 digits after the
       point; NaN, an infinity or a number out of range is unknown */
    pol_Dec d;
    return pol_dec_from_double(out.d, &d) == POL_DEC_OK ? pol_num(d) : pol_unk();
  }
  case PK_DATE: {
    /* dates stay within 0001..9999 (exec.c relies on it): others are unknown */
    int32_t d = (int32_t)out.i;
    if (d < pol_days_from_civil(1, 1, 1) || d > pol_days_from_civil(9999, 12, 31)) return pol_unk();
    return pol_date(d);
  }
  default:
    return string_result(vm, out.s);
  }
}
