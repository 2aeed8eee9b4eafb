/*
 * codes.c -- an example payer extension: a code-set look-up written in C,
 * called from .pol through libffi.
 *
 *   extern "libpolext_codes.so" code_in_set(string, string): bool
 *
 * A payer keeps its code sets (CPT/HCPCS, ICD-10) in its own systems; a
 * policy asks whether a code belongs to a named set.  This example holds
 * two small sets in a table; a real extension would query the payer's
 * code-set service or a file it loads once.
 *
 * Calling convention (see vm/ffi.c): strings arrive as NUL-terminated
 * const char *, bool is returned as int.
 */
#include <string.h>

int code_in_set(const char *set, const char *code);
double code_set_size(const char *set);

static const struct {
  const char *set;
  const char *codes[8];
} sets[] = {
  {"sij_fusion", {"27279", "27280", NULL}},
  {"spinal_fusion", {"22533", "22558", "22612", "22630", "22633", "22800", "22802", NULL}},
  {"sij_injection", {"27096", "G0260", NULL}},
};

int code_in_set(const char *set, const char *code)
{
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
    if (strcmp(sets[i].set, set) != 0) continue;
    for (size_t j = 0; sets[i].codes[j]; j++)
      if (strcmp(sets[i].codes[j], code) == 0) return 1;
    return 0;
  }
  return 0;
}

/* The number of codes in a set; NaN (unknown) for a set it does not know. */
double code_set_size(const char *set)
{
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
    if (strcmp(sets[i].set, set) != 0) continue;
    size_t n = 0;
    while (sets[i].codes[n]) n++;
    return (double)n;
  }
  return 0.0 / 0.0;
}
