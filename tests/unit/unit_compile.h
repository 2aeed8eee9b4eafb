/* tests/unit/unit_compile.h -- for the unit tests that judge policy text:
   compile it, and round-trip the program through the bundle writer and
   loader (what a VM runs).  Include after cmocka.h, compile.h and bundle.h. */
#ifndef POL_UNIT_COMPILE_H
#define POL_UNIT_COMPILE_H

/* src compiled as "x.pol" by *c, which the caller keeps (the reference
   evaluator reads its tree) and frees with pol_compiler_free: the program
   (the caller owns it), or NULL; the diagnostics in *msgs either way
   (malloc'd, the caller frees). */
static inline pol_Program *ut_compile_keep(pol_Compiler *c, const char *src, char **msgs)
{
  size_t len = 0;
  *msgs = NULL;
  FILE *out = open_memstream(msgs, &len);
  pol_compiler_init(c, out);
  c->built = "2025-01-01T00:00:00Z";
  pol_compiler_load_text(c, "x.pol", src, strlen(src));
  pol_Program *p = NULL;
  if (c->diag.nerrors == 0 && pol_check(c) == 0) p = pol_codegen(c);
  fclose(out);
  return p;
}

/* The same, with a compiler of its own. */
static inline pol_Program *ut_compile(const char *src, char **msgs)
{
  pol_Compiler c;
  pol_Program *p = ut_compile_keep(&c, src, msgs);
  pol_compiler_free(&c);
  return p;
}

/* p written as a bundle and loaded back (p is freed); fails the test if
   either step fails. */
static inline pol_Program *ut_reload(pol_Program *p)
{
  uint8_t *buf = NULL;
  size_t blen = 0;
  char err[512];
  pol_Program *q = NULL;
  assert_int_equal(pol_bundle_write(p, &buf, &blen), 0);
  if (pol_bundle_load(buf, blen, &q, err, sizeof err) != 0) fail_msg("load: %s", err);
  free(buf);
  pol_program_free(p);
  return q;
}

#endif
