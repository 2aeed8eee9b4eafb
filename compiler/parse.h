/*
 * parse.h -- glue between the flex scanner and the bison parser.
 */
#ifndef POL_PARSE_H
#define POL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "../vm/value.h"

struct pol_Lex {
  pol_Arena *arena;   /* borrowed */
  pol_Diag *diag;     /* borrowed */
  uint32_t file;
  uint32_t off;       /* byte offset of the next token */
  size_t len;
  pol_Node *items;    /* result: top-level declarations */
  unsigned depth;     /* expression nesting, bounded */
};

#define POL_MAX_NESTING 200

/* Parses src (file id `file`) into src->items; errors go to diag. */
void pol_parse(pol_Arena *arena, pol_Diag *diag, pol_Source *src, uint32_t file);

#endif
