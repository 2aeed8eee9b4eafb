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
 * Libraries are looked up in the directory given to pol_vm_bind_externs
 * (the bundle's directory), then by the dynamic loader.  The VM owns the
 * dlopen handles and the prepared call interfaces.
 */
#include "vm_impl.h"

#include <dlfcn.h>
#include <ffi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pol_Native {
  void (*fn)(void);
  ffi_cif cif;
  ffi_type *args[8];
  ffi_type *ret;
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

int pol_vm_bind_externs(pol_VM *vm, const char *dir, char *err, size_t errlen)
{
  const pol_Program *p = vm->p;
  if (p->next == 0) return 0;
  pol_natives_free(vm);
  vm->natives = calloc(p->next, sizeof *vm->natives);
  vm->libs = calloc(p->next, sizeof *vm->libs);
  if (!vm->natives || !vm->libs) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (uint32_t i = 0; i < p->next; i++) {
    const pol_Extern *e = &p->ext[i];
    const char *lib = p->str[e->lib], *sym = p->str[e->name];
    if (strchr(lib, '/') != NULL) {
      snprintf(err, errlen, "extern %s: library name \"%s\" must not contain '/'", sym, lib);
      return -1;
    }
    void *h = NULL;
    if (dir) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, lib);
      h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    }
    if (!h) h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      snprintf(err, errlen, "extern %s: cannot load %s: %s", sym, lib, dlerror());
      return -1;
    }
    vm->libs[vm->nlibs++] = h;
    void *fn = dlsym(h, sym);
    if (!fn) {
      snprintf(err, errlen, "extern %s: symbol not found in %s", sym, lib);
      return -1;
    }
    pol_Native *n = &vm->natives[i];
    memcpy(&n->fn, &fn, sizeof fn);
    n->ret = ffi_of(e->ret);
    for (uint32_t a = 0; a < e->nargs; a++) n->args[a] = ffi_of(e->args[a]);
    int ok = n->ret != NULL;
    for (uint32_t a = 0; a < e->nargs; a++) ok &= n->args[a] != NULL;
    if (!ok || ffi_prep_cif(&n->cif, FFI_DEFAULT_ABI, e->nargs, n->ret, n->args) != FFI_OK) {
      snprintf(err, errlen, "extern %s: unsupported signature", sym);
      return -1;
    }
  }
  return 0;
}

void pol_natives_free(pol_VM *vm)
{
  for (uint32_t i = 0; i < vm->nlibs; i++) dlclose(vm->libs[i]);
  free(vm->libs);
  free(vm->natives);
  vm->libs = NULL;
  vm->natives = NULL;
  vm->nlibs = 0;
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
      in[a].d = v->u.n;
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
  ffi_call(&n->cif, n->fn, &out, argp);
  switch (POL_TKIND(e->ret)) {
  case PK_BOOL: return pol_bool((int)out.i != 0);
  case PK_NUM: return isnan(out.d) ? pol_unk() : pol_num(out.d);
  case PK_DATE: {
    /* dates stay within 0001..9999 (exec.c relies on it): others are unknown */
    int32_t d = (int32_t)out.i;
    if (d < pol_days_from_civil(1, 1, 1) || d > pol_days_from_civil(9999, 12, 31)) return pol_unk();
    return pol_date(d);
  }
  default: {
    if (!out.s) return pol_unk();
    pol_Value v = {PV_STR, POL_NOSTR, {0}};
    v.u.s = out.s;
    /* intern so that == against bundle strings compares ids */
    for (uint32_t s = 0; s < p->nstr; s++)
      if (strcmp(p->str[s], out.s) == 0) { v.aux = s; v.u.s = p->str[s]; break; }
    return v;
  }
  }
}
