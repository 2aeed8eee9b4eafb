/*
 * compile.c -- the compile pipeline in one call (compile.h): the module
 * search path, then load (parse + imports) -> check -> codegen.  Used by
 * polc (compile, --check, --dump; doc stops after check), the tests and
 * the fuzzers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"

#ifndef POL_STDLIB_DIR
#define POL_STDLIB_DIR "/usr/local/share/polc/stdlib"
#endif

/* The stdlib next to the executable (build/polc -> stdlib/), for use from
   a source tree; 0 and the path in buf, or -1. */
static int exe_stdlib(char *buf, size_t n)
{
  static const char tail[] = "/stdlib";
  if (n <= sizeof tail) return -1;
  ssize_t len = readlink("/proc/self/exe", buf, n - sizeof tail);
  if (len <= 0) return -1;
  buf[len] = '\0';
  for (int up = 0; up < 2; up++) {   /* drop the executable, then its directory */
    char *slash = strrchr(buf, '/');
    if (!slash) return -1;
    *slash = '\0';
  }
  strcat(buf, tail);
  return access(buf, R_OK) == 0 ? 0 : -1;
}

void pol_compiler_default_paths(pol_Compiler *c)
{
  const char *env = getenv("POL_PATH");
  if (env && *env) pol_compiler_add_path(c, env);
  static char here[POL_PATH_MAX];   /* the path table borrows it */
  if (exe_stdlib(here, sizeof here) == 0) pol_compiler_add_path(c, here);
  pol_compiler_add_path(c, POL_STDLIB_DIR);
}

static pol_CompileStatus finish(pol_Compiler *c, pol_Program **out)
{
  if (c->diag.nerrors == 0) pol_check(c);
  if (c->diag.nerrors) return POL_COMPILE_ERRORS;
  if (!out) return POL_COMPILE_OK;
  *out = pol_codegen(c);
  return *out ? POL_COMPILE_OK : POL_COMPILE_ERRORS;
}

pol_CompileStatus pol_compile_files(pol_Compiler *c, const char *const *files, int nfiles,
                                    pol_Program **out)
{
  if (out) *out = NULL;
  int unreadable = 0;
  for (int i = 0; i < nfiles; i++) {
    FILE *f = fopen(files[i], "rb");
    if (!f) {
      fprintf(c->diag.out, "%s: error[E0001]: cannot read: %s\n", files[i], strerror(errno));
      unreadable = 1;
      continue;
    }
    fclose(f);
    pol_compiler_load(c, files[i]);
  }
  if (unreadable) return POL_COMPILE_UNREADABLE;
  return finish(c, out);
}

pol_Program *pol_compile_text(pol_Compiler *c, const char *name, const char *text, size_t len)
{
  pol_Program *p = NULL;
  pol_compiler_load_text(c, name, text, len);
  finish(c, &p);
  return p;
}
