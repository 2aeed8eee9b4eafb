/*
 * parse.c -- runs the flex scanner and the bison parser over one source.
 */
#include "parse.h"

#include "parser.h"
#include "lexer.h"

void pol_parse(pol_Arena *arena, pol_Diag *diag, pol_Source *src, uint32_t file)
{
  struct pol_Lex lx = {arena, diag, file, 0, src->len, NULL, 0};
  yyscan_t scanner;
  if (yylex_init_extra(&lx, &scanner) != 0) {
    pol_Span sp = {file, 0, 0};
    pol_error(diag, sp, "E0001", "cannot start the scanner");
    return;
  }
  YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
  yyparse(scanner, &lx);
  yy_delete_buffer(buf, scanner);
  yylex_destroy(scanner);
  src->items = lx.items;
}
