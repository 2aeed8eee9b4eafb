/*
 * ast.c -- the compile's arena and node constructors.
 */
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Chunk {
  struct Chunk *next;
  size_t used, cap;
  max_align_t data[];
} Chunk;

struct pol_Arena {
  Chunk *head;
};

pol_Arena *pol_arena_new(void)
{
  pol_Arena *a = calloc(1, sizeof *a);
  if (!a) { fputs("polc: out of memory\n", stderr); abort(); }
  return a;
}

void *pol_arena_alloc(pol_Arena *a, size_t n)
{
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  Chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    c = malloc(sizeof *c + cap);
    if (!c) { fputs("polc: out of memory\n", stderr); abort(); }
    c->next = a->head;
    c->used = 0;
    c->cap = cap;
    a->head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *pol_arena_strndup(pol_Arena *a, const char *s, size_t n)
{
  char *p = pol_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void pol_arena_free(pol_Arena *a)
{
  if (!a) return;
  for (Chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(a);
}

pol_Node *pol_node(pol_Arena *a, pol_NodeKind kind, pol_Span span)
{
  pol_Node *n = pol_arena_alloc(a, sizeof *n);
  n->kind = kind;
  n->span = span;
  return n;
}

void pol_list_append(pol_Node **head, pol_Node *item)
{
  if (!*head) {
    *head = item;
    item->last = item;
    return;
  }
  /* from the remembered last item (walking on, should anything have been
     linked after it), so building a list of n items is O(n) */
  pol_Node *t = (*head)->last ? (*head)->last : *head;
  while (t->next) t = t->next;
  t->next = item;
  (*head)->last = item;
}

/* Levels of the tree at n (its list siblings aside): 1 + the deepest
   child's, counted only until it exceeds limit.  The recursion is
   at most limit deep; lists (args, next) are walked in a loop. */
static int depth_upto(const pol_Node *n, int limit, const pol_Node **deep)
{
  if (limit <= 0) {   /* n itself is one level too many */
    *deep = n;
    return 1;
  }
  int d = 1;
  /* each child may head a list (a criterion's sub-criteria in b) */
  const pol_Node *kids[7] = {n->a, n->b, n->c, n->d, n->e, n->tref, n->args};
  for (int i = 0; i < 7; i++)
    for (const pol_Node *k = kids[i]; k; k = k->next) {
      int kd = 1 + depth_upto(k, limit - 1, deep);
      if (kd > d) d = kd;
      if (d > limit) return d;
    }
  return d;
}

const pol_Node *pol_ast_too_deep(const pol_Node *list, int limit)
{
  for (const pol_Node *n = list; n; n = n->next) {
    const pol_Node *deep = NULL;
    if (depth_upto(n, limit, &deep) > limit) return deep ? deep : n;
  }
  return NULL;
}

const char *pol_op_text(int op)
{
  static const char *const text[] = {
#define X(code, spelling) [O_##code] = spelling,
#include "operators.def"
#undef X
  };
  return text[op];
}
