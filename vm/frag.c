/*
 * frag.c -- the pre-built fragments of a program (frag.h).
 *
 * The table: one pointer per string of the program, each NULL until first
 * written; a piece is its length and bytes.  Strings are never changed
 * once a program is traced (a compiler may still add some: those are
 * written directly).
 * Reads and publications go through the compiler's __atomic builtins
 * (acquire / release), so threads sharing a program see whole pieces.
 *
 * Ownership: the table and its pieces belong to the program.
 */
#include "frag.h"

#include "trace.h"   /* pol_buf_json_str */

#include <stdlib.h>
#include <string.h>

typedef struct Piece {
  size_t len;
  char s[];
} Piece;

struct pol_Frags {
  uint32_t n;         /* p->nstr when the table was made */
  Piece *piece[];
};

/* p's table, made on first use; NULL when out of memory. */
static struct pol_Frags *table(const pol_Program *p)
{
  pol_Program *mp = (pol_Program *)p;   /* the table alone is written */
  struct pol_Frags *t = __atomic_load_n(&mp->frags, __ATOMIC_ACQUIRE);
  if (t) return t;
  t = calloc(1, sizeof *t + ((size_t)p->nstr + 1) * sizeof t->piece[0]);
  if (!t) return NULL;
  t->n = p->nstr;
  struct pol_Frags *none = NULL;
  if (__atomic_compare_exchange_n(&mp->frags, &none, t, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return t;
  free(t);    /* another thread's table won */
  return none;
}

/* Keeps b's bytes from `from` on as piece i of t (they were just written). */
static void keep(struct pol_Frags *t, uint32_t i, const pol_Buf *b, size_t from)
{
  size_t len = b->n - from;
  Piece *k = malloc(sizeof *k + len);
  if (!k) return;   /* written directly next time too */
  k->len = len;
  memcpy(k->s, b->s + from, len);
  Piece *none = NULL;
  if (!__atomic_compare_exchange_n(&t->piece[i], &none, k, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    free(k);
}

/* Piece i of t if it is built (t may be NULL; i may be a string added
   after t was made), else NULL. */
static const Piece *piece(const struct pol_Frags *t, uint32_t i)
{
  return t && i < t->n ? __atomic_load_n(&t->piece[i], __ATOMIC_ACQUIRE) : NULL;
}

void pol_frag_json(pol_Buf *b, const pol_Program *p, uint32_t id)
{
  struct pol_Frags *t = table(p);
  const Piece *k = piece(t, id);
  if (k) { pol_buf_put(b, k->s, k->len); return; }
  size_t from = b->n;
  pol_buf_json_str(b, p->str[id]);
  if (t && id < t->n) keep(t, id, b, from);
}

void pol_frags_free(pol_Program *p)
{
  struct pol_Frags *t = p->frags;
  if (!t) return;
  for (uint32_t i = 0; i < t->n; i++) free(t->piece[i]);
  free(t);
  p->frags = NULL;
}
