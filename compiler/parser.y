/*
 * parser.y -- the .pol grammar (pure bison parser with locations).
 *
 * It builds the AST (ast.h) and nothing else: names and types are the
 * checker's business.  Syntax errors are reported and parsing resumes at the
 * next declaration or clause, so one run shows every error.
 */
%require "3.8"
%define api.pure full
%define api.location.type {pol_Span}
%define parse.error detailed
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {struct pol_Lex *lx}

%code requires {
#include "ast.h"
typedef void *yyscan_t;
struct pol_Lex;
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <string.h>
#include "parse.h"

/* The words a top-level declaration starts with, for E0350 (one list:
   keep it in step with the `item` rules below). */
#define DECL_KEYWORDS "(policy, import, record, fact, let, param, table, extern, valueset, " \
  "fhir, plan, prerequisite, next, branch, assess, decision, otherwise)"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                          \
  do {                                                       \
    if (N) {                                                 \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                    \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                  \
      (Cur).end = YYRHSLOC(Rhs, N).end;                      \
    } else {                                                 \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                    \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;        \
    }                                                        \
  } while (0)

#define YYMAXDEPTH 2000

static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct pol_Lex *lx, const char *msg);
static pol_Node *mk(struct pol_Lex *lx, pol_NodeKind k, pol_Span sp);
static pol_Node *bin(struct pol_Lex *lx, int op, pol_Node *a, pol_Node *b, pol_Span sp);
static pol_Node *un(struct pol_Lex *lx, int op, pol_Node *a, pol_Span sp);
static pol_Node *quant(struct pol_Lex *lx, int op, const char *binder, pol_Node *list,
                       pol_Node *pred, pol_Node *key, pol_Span sp);
static char *join_path(struct pol_Lex *lx, const char *a, const char *b);
static pol_Node *table(struct pol_Lex *lx, const char *kw, pol_Span kwsp, const char *name,
                       const char *title, pol_Node *entries, pol_Span sp);
static pol_Node *period(struct pol_Lex *lx, const char *name, pol_Node *s, pol_Node *x, int how,
                        pol_Span sp);
static pol_Node *longest(struct pol_Lex *lx, const char *word, pol_Span wsp, const char *want,
                         pol_Node *n);
}

%union {
  pol_Dec num;
  char *str;
  int32_t date;
  struct { int32_t months, days; } dur;
  pol_Node *node;
  int ival;
}

%token POLICY "policy"
%token IMPORT "import"
%token RECORD "record"
%token FACT "fact"
%token LET "let"
%token PARAM "param"
%token EXTERN "extern"
%token BRANCH "branch"
%token WHEN "when"
%token CRITERION "criterion"
%token EXCLUSION "exclusion"
%token ALL "all"
%token ANY "any"
%token AT "at"
%token LEAST "least"
%token OF "of"
%token AND "and"
%token OR "or"
%token NOT "not"
%token IN "in"
%token WITHIN "within"
%token EXISTS "exists"
%token EVERY "every"
%token NO "no"
%token COUNT "count"
%token DISTINCT "distinct"
%token WHERE "where"
%token DAYS "days"
%token COVERED "covered"
%token LONGEST "longest"
%token BY "by"
%token FROM "from"
%token TO "to"
%token TRUE "true"
%token FALSE "false"
%token IT "it"
%token TAG "tag"
%token CITE "cite"
%token DECISION "decision"
%token ASSESS "assess"
%token FOR "for"
%token EACH "each"
%token OTHERWISE "otherwise"
%token TAGGED "tagged"
%token NEXT "next"
%token AUTHORIZE "authorize"
%token SUM "sum"
%token LATEST "latest"
%token EARLIEST "earliest"
%token IF "if"
%token THEN "then"
%token ELSE "else"
%token VALUESET "valueset"
%token EXCEPT "except"
%token DOTDOT ".."
%token PREREQUISITE "prerequisite"
%token FIRST "first"
%token ARROW "=>"
%token <str> CALPERIOD "calendar period"
%token FHIR "fhir"
%token NOTIN "not in"
%token EQ "==" NE "!=" LE "<=" GE ">=" COALESCE "??"
%token <num> NUMBER "number"
%token <str> IDENT "name" STRING "string"
%token <date> DATE "date"
%token <dur> DURATION "duration"

%type <node> item items header headers hvalue hvalues fields field type params param
%type <node> types expr primary args arglist clauses clause attrs attr setitems window
%type <node> rules rule dcond dterm dfactor authorize authfields authfield
%type <node> vsitems vsitem vsterm
%type <node> governs strlist
%type <node> fwhere fcodes fmaps fmap felem
%type <node> psettings psetting
%type <node> tentries tentry
%type <str> path
%type <ival> combinator latest

%precedence NOWHERE     /* a list form without `where` (or `by`) ends here */
%precedence WHERE TO BY
%left OR
%left AND
%precedence NOT
%nonassoc EQ NE '<' LE '>' GE IN NOTIN WITHIN
%right COALESCE
%left '+' '-'
%left '*' '/'
%precedence UMINUS
%precedence '.' '[' STRING  /* STRING: after a name, `unknown "REASON"` (also at the end of `param N = V "WHY"`) */

%%

file
  : items                 { lx->items = $1; }
  ;

items
  : %empty                { $$ = NULL; }
  | items item            { $$ = $1; if ($2) pol_list_append(&$$, $2); }
  ;

item
  : POLICY STRING '{' headers '}'
      { $$ = mk(lx, N_POLICY, @$); $$->str = $2; $$->args = $4; }
  | IMPORT STRING
      { $$ = mk(lx, N_IMPORT, @$); $$->str = $2; }
  | RECORD IDENT '{' fields '}'
      { $$ = mk(lx, N_RECORD, @$); $$->str = $2; $$->args = $4; }
  | FACT IDENT ':' type '=' path
      { $$ = mk(lx, N_FACT, @$); $$->str = $2; $$->tref = $4; $$->path = $6; }
  | LET IDENT '=' expr
      { $$ = mk(lx, N_LET, @$); $$->str = $2; $$->a = $4; }
  | LET IDENT ':' type '=' expr
      { $$ = mk(lx, N_LET, @$); $$->str = $2; $$->tref = $4; $$->a = $6; }
  | LET IDENT '(' params ')' ':' type '=' expr
      { $$ = mk(lx, N_LET, @$); $$->str = $2; $$->args = $4; $$->tref = $7; $$->a = $9;
        $$->flags = 1; }
  | PARAM IDENT '=' expr STRING
      { $$ = mk(lx, N_LET, @$); $$->str = $2; $$->a = $4; $$->text = $5; $$->flags = POL_LET_PARAM; }
  | EXTERN STRING IDENT '(' types ')' ':' type
      { $$ = mk(lx, N_EXTERN, @$); $$->text = $2; $$->str = $3; $$->args = $5; $$->tref = $8; }
  | BRANCH STRING STRING WHEN expr '{' clauses authorize '}'
      { $$ = mk(lx, N_BRANCH, @$); $$->str = $2; $$->text = $3; $$->a = $5; $$->args = $7;
        $$->b = $8; $$->ival = (int32_t)@8.start; $$->ival2 = (int32_t)@8.end; }
  | ASSESS STRING STRING WHEN expr '{' clauses authorize '}'
      { $$ = mk(lx, N_BRANCH, @$); $$->path = $2; $$->str = $2; $$->text = $3; $$->a = $5;
        $$->args = $7; $$->b = $8; $$->ival = (int32_t)@8.start; $$->ival2 = (int32_t)@8.end; }
  | PREREQUISITE STRING STRING governs attrs '{' expr '}'
      { $$ = mk(lx, N_CRITERION, @$); $$->str = $2; $$->text = $3; $$->e = $4; $$->args = $5;
        $$->a = $7; $$->op = C_LEAF; $$->flags = CF_PREREQ; }
  | PREREQUISITE STRING STRING governs attrs combinator '{' clauses '}'
      { $$ = mk(lx, N_CRITERION, @$); $$->str = $2; $$->text = $3; $$->e = $4; $$->args = $5;
        $$->b = $8; $$->op = $6 < 0 ? C_ATLEAST : $6; $$->ival = $6 < 0 ? -$6 : 0;
        $$->flags = CF_PREREQ; }
  | NEXT STRING
      { $$ = mk(lx, N_STR, @$); $$->str = $2; $$->flags = 1; }
  | DECISION '{' rules '}'
      { $$ = mk(lx, N_DECISION, @$); $$->args = $3; }
  | DECISION IDENT
      { $$ = mk(lx, N_DECISION, @$); $$->str = $2; }
  | OTHERWISE IDENT
      { $$ = mk(lx, N_OTHERWISE, @$); $$->str = $2; }
  | OTHERWISE IDENT STRING
      { $$ = mk(lx, N_OTHERWISE, @$); $$->str = $2; $$->text = $3; }
  | VALUESET IDENT STRING IDENT '{' vsitems '}'
      { $$ = mk(lx, N_VALUESET, @$); $$->str = $2; $$->text = $3; $$->path = $4; $$->args = $6; }
  | VALUESET IDENT IDENT '{' vsitems '}'
      { $$ = mk(lx, N_VALUESET, @$); $$->str = $2; $$->path = $3; $$->args = $5; }
  | FHIR path FROM path fwhere '=' felem
      { $$ = mk(lx, N_FHIR, @$); $$->path = $2; $$->str = $4; $$->a = $5; $$->args = $7; }
  | FHIR path FROM path fwhere '{' fmaps '}'
      { $$ = mk(lx, N_FHIR, @$); $$->path = $2; $$->str = $4; $$->a = $5; $$->args = $7;
        $$->flags = 1; }
  | IDENT STRING '{' psettings '}'
      { if (strcmp($1, "plan") != 0) {
          pol_error(lx->diag, @1, "E0350", "unexpected '%s': expected a declaration "
                    DECL_KEYWORDS, $1);
          $$ = NULL;
        } else { $$ = mk(lx, N_PLAN, @$); $$->str = $2; $$->args = $4; } }
  | IDENT IDENT '{' tentries '}'
      { $$ = table(lx, $1, @1, $2, NULL, $4, @$); }
  | IDENT IDENT STRING '{' tentries '}'
      { $$ = table(lx, $1, @1, $2, $3, $5, @$); }
  | error '}'             { $$ = NULL; }
  ;

/* the entries of `table NAME { "key" => VALUE, ..., default VALUE }` */
tentries
  : tentry                { $$ = $1; }
  | tentries ',' tentry   { $$ = $1; pol_list_append(&$$, $3); }
  | tentries ','          { $$ = $1; }
  ;

tentry
  : STRING ARROW expr     { $$ = mk(lx, N_HEADER, @$); $$->str = $1; $$->a = $3; }
  | IDENT expr            { $$ = mk(lx, N_HEADER, @$); $$->a = $2; $$->flags = 1;
                            if (strcmp($1, "default") != 0)
                              pol_error(lx->diag, @1, "E0410", "expected '\"KEY\" => VALUE' or "
                                        "'default VALUE' in a table, found '%s'", $1); }
  ;

psettings
  : %empty                { $$ = NULL; }
  | psettings psetting    { $$ = $1; pol_list_append(&$$, $2); }
  ;

psetting
  : IDENT IDENT           { $$ = mk(lx, N_HEADER, @$); $$->str = $1; $$->text = $2; }
  | IDENT STRING          { $$ = mk(lx, N_HEADER, @$); $$->str = $1;
                            $$->args = mk(lx, N_STR, @2); $$->args->str = $2; }
  ;

vsitems
  : vsitem                { $$ = $1; }
  | vsitems ',' vsitem    { $$ = $1; pol_list_append(&$$, $3); }
  ;

vsitem
  : vsterm                { $$ = $1; }
  | EXCEPT vsterm         { $$ = $2; $$->flags |= VS_EXCEPT; $$->span = @$; }
  ;

vsterm
  : STRING                { $$ = mk(lx, N_VSITEM, @$); $$->str = $1; }
  | STRING DOTDOT STRING  { $$ = mk(lx, N_VSITEM, @$); $$->str = $1; $$->text = $3; }
  | IDENT                 { $$ = mk(lx, N_VSITEM, @$); $$->str = $1; $$->flags = VS_NAME; }
  ;

governs
  : %empty                { $$ = NULL; }
  | FOR strlist           { $$ = $2; }
  ;

strlist
  : STRING                { $$ = mk(lx, N_STR, @$); $$->str = $1; }
  | strlist ',' STRING    { $$ = $1; pol_Node *n = mk(lx, N_STR, @3); n->str = $3;
                            pol_list_append(&$$, n); }
  ;

rules
  : %empty                { $$ = NULL; }
  | rules rule            { $$ = $1; pol_list_append(&$$, $2); }
  ;

rule
  : IDENT WHEN dcond      { $$ = mk(lx, N_RULE, @$); $$->str = $1; $$->a = $3; }
  | IDENT OTHERWISE       { $$ = mk(lx, N_RULE, @$); $$->str = $1; }
  ;

dcond
  : dterm                 { $$ = $1; }
  | dcond OR dterm        { $$ = mk(lx, N_DCOND, @$); $$->op = D_OR; $$->a = $1; $$->b = $3; }
  ;

dterm
  : dfactor               { $$ = $1; }
  | dterm AND dfactor     { $$ = mk(lx, N_DCOND, @$); $$->op = D_AND; $$->a = $1; $$->b = $3; }
  ;

dfactor
  : NOT dfactor           { $$ = mk(lx, N_DCOND, @$); $$->op = D_NOT; $$->a = $2; }
  | '(' dcond ')'         { $$ = $2; }
  | IDENT                 { $$ = mk(lx, N_DCOND, @$); $$->str = $1; $$->op = -1; }
  | ANY IDENT TAGGED IDENT
      { $$ = mk(lx, N_DCOND, @$); $$->text = $2; $$->str = $4; $$->op = D_ANY_FAILED_TAG; }
  | EVERY IDENT TAGGED IDENT
      { $$ = mk(lx, N_DCOND, @$); $$->text = $2; $$->str = $4; $$->op = D_EVERY_FAILED_TAG; }
  ;

headers
  : %empty                { $$ = NULL; }
  | headers header        { $$ = $1; pol_list_append(&$$, $2); }
  ;

header
  : IDENT hvalues         { $$ = mk(lx, N_HEADER, @$); $$->str = $1; $$->args = $2; }
  ;

hvalues
  : hvalue                { $$ = $1; }
  | hvalues ',' hvalue    { $$ = $1; pol_list_append(&$$, $3); }
  ;

hvalue
  : STRING                { $$ = mk(lx, N_STR, @$); $$->str = $1; }
  | DATE                  { $$ = mk(lx, N_DATE, @$); $$->ival = $1; }
  | NUMBER                { $$ = mk(lx, N_NUM, @$); $$->num = $1; }
  | STRING DOTDOT STRING  { $$ = mk(lx, N_VSITEM, @$); $$->str = $1; $$->text = $3; }
  | IDENT                 { $$ = mk(lx, N_VSITEM, @$); $$->str = $1; $$->flags = VS_NAME; }
  ;

fields
  : %empty                { $$ = NULL; }
  | fields field          { $$ = $1; pol_list_append(&$$, $2); }
  ;

field
  : IDENT ':' type        { $$ = mk(lx, N_PARAM, @$); $$->str = $1; $$->tref = $3; }
  ;

type
  : IDENT                 { $$ = mk(lx, N_TYPEREF, @$); $$->str = $1; }
  | IDENT '<' type '>'    { $$ = mk(lx, N_TYPEREF, @$); $$->str = $1; $$->a = $3; }
  ;

types
  : %empty                { $$ = NULL; }
  | type                  { $$ = $1; }
  | types ',' type        { $$ = $1; pol_list_append(&$$, $3); }
  ;

params
  : param                 { $$ = $1; }
  | params ',' param      { $$ = $1; pol_list_append(&$$, $3); }
  ;

/* FHIR bindings (docs/fhir.md) */
fwhere
  : %empty                { $$ = NULL; }
  | WHERE path IN '{' fcodes '}'
      { $$ = mk(lx, N_FHIRMAP, @$); $$->path = $2; $$->args = $5; }
  | WHERE path IN IDENT
      { $$ = mk(lx, N_FHIRMAP, @$); $$->path = $2; $$->str = $4; }
  ;

fcodes
  : STRING                { $$ = mk(lx, N_STR, @$); $$->str = $1; }
  | fcodes ',' STRING     { $$ = $1; pol_Node *s = mk(lx, N_STR, @3); s->str = $3; pol_list_append(&$$, s); }
  ;

fmaps
  : fmap                  { $$ = $1; }
  | fmaps fmap            { $$ = $1; pol_list_append(&$$, $2); }
  ;

fmap
  : IDENT '=' felem       { $$ = $3; $$->str = $1; }
  ;

felem
  : path                  { $$ = mk(lx, N_FHIRMAP, @$); $$->path = $1; }
  | IDENT '(' path ')'    { $$ = mk(lx, N_FHIRMAP, @$); $$->text = $1; $$->path = $3; }
  | IDENT '(' path ',' STRING ')'
      { $$ = mk(lx, N_FHIRMAP, @$); $$->text = $1; $$->path = $3; $$->cite = $5; }
  ;

param
  : IDENT ':' type        { $$ = mk(lx, N_PARAM, @$); $$->str = $1; $$->tref = $3; }
  ;

path
  : IDENT                 { $$ = $1; }
  | path '.' IDENT        { $$ = join_path(lx, $1, $3); }
  ;

clauses
  : %empty                { $$ = NULL; }
  | clauses clause        { $$ = $1; if ($2) pol_list_append(&$$, $2); }
  ;

clause
  : CRITERION STRING STRING attrs '{' expr '}'
      { $$ = mk(lx, N_CRITERION, @$); $$->str = $2; $$->text = $3; $$->args = $4; $$->a = $6;
        $$->op = C_LEAF; }
  | CRITERION STRING STRING attrs combinator '{' clauses '}'
      { $$ = mk(lx, N_CRITERION, @$); $$->str = $2; $$->text = $3; $$->args = $4;
        $$->b = $7; $$->op = $5 < 0 ? C_ATLEAST : $5; $$->ival = $5 < 0 ? -$5 : 0; }
  | EXCLUSION STRING STRING attrs '{' expr '}'
      { $$ = mk(lx, N_CRITERION, @$); $$->str = $2; $$->text = $3; $$->args = $4; $$->a = $6;
        $$->op = C_LEAF; $$->flags = CF_EXCLUSION; }
  | FOR EACH IDENT IN expr '{' clauses '}'
      { $$ = mk(lx, N_FOREACH, @$); $$->str = $3; $$->a = $5; $$->args = $7; }
  | NEXT STRING           { $$ = mk(lx, N_STR, @$); $$->str = $2; $$->flags = 1; }
  | error '}'             { $$ = NULL; }
  ;

authorize
  : %empty                { $$ = NULL; }
  | AUTHORIZE '{' authfields '}'   { $$ = $3; }
  ;

authfields
  : authfield             { $$ = $1; }
  | authfields authfield  { $$ = $1; pol_list_append(&$$, $2); }
  ;

/* `NAME EXPR`; `period S to E` and `period S for D` give a start and an
   end.  Fields follow each other without a separator: an expression never
   continues with a name, so `quantity 12 per 1 year` reads as two fields. */
authfield
  : IDENT expr            { $$ = mk(lx, N_AUTHFIELD, @$); $$->str = $1; $$->a = $2; }
  | IDENT expr TO expr    { $$ = period(lx, $1, $2, $4, AF_PERIOD_TO, @$); }
  | IDENT expr FOR expr   { $$ = period(lx, $1, $2, $4, AF_PERIOD_FOR, @$); }
  ;

attrs
  : %empty                { $$ = NULL; }
  | attrs attr            { $$ = $1; pol_list_append(&$$, $2); }
  ;

attr
  : TAG IDENT             { $$ = mk(lx, N_TAG, @$); $$->str = $2; }
  | CITE STRING           { $$ = mk(lx, N_STR, @$); $$->str = $2; }
  | NEXT STRING           { $$ = mk(lx, N_STR, @$); $$->str = $2; $$->flags = 1; }
  ;

combinator
  : ALL OF                { $$ = C_ALL; }
  | ANY OF                { $$ = C_ANY; }
  | AT LEAST NUMBER OF    { if (!($3 >= POL_DEC_SCALE && $3 <= 255 * POL_DEC_SCALE) || !pol_dec_is_int($3)) {
                              pol_error(lx->diag, @3, "E0110", "'at least' needs a whole number from 1 to 255");
                              $$ = -1;
                            } else {
                              $$ = -(int)($3 / POL_DEC_SCALE);
                            } }
  ;

expr
  : primary               { $$ = $1; }
  | expr OR expr          { $$ = bin(lx, O_OR, $1, $3, @$); }
  | expr AND expr         { $$ = bin(lx, O_AND, $1, $3, @$); }
  | NOT expr              { $$ = un(lx, O_NOT, $2, @$); }
  | expr EQ expr          { $$ = bin(lx, O_EQ, $1, $3, @$); }
  | expr NE expr          { $$ = bin(lx, O_NE, $1, $3, @$); }
  | expr '<' expr         { $$ = bin(lx, O_LT, $1, $3, @$); }
  | expr LE expr          { $$ = bin(lx, O_LE, $1, $3, @$); }
  | expr '>' expr         { $$ = bin(lx, O_GT, $1, $3, @$); }
  | expr GE expr          { $$ = bin(lx, O_GE, $1, $3, @$); }
  | expr IN expr          { $$ = bin(lx, O_IN, $1, $3, @$); }
  | expr NOTIN expr       { $$ = bin(lx, O_NOTIN, $1, $3, @$); }
  | expr WITHIN expr      { $$ = bin(lx, O_WITHIN, $1, $3, @$); }
  | expr COALESCE expr    { $$ = bin(lx, O_COALESCE, $1, $3, @$); }
  | expr '+' expr         { $$ = bin(lx, O_ADD, $1, $3, @$); }
  | expr '-' expr         { $$ = bin(lx, O_SUB, $1, $3, @$); }
  | expr '*' expr         { $$ = bin(lx, O_MUL, $1, $3, @$); }
  | expr '/' expr         { $$ = bin(lx, O_DIV, $1, $3, @$); }
  | '-' expr %prec UMINUS { $$ = un(lx, O_NEG, $2, @$); }
  | EXISTS primary WHERE expr              { $$ = quant(lx, Q_EXISTS, NULL, $2, $4, NULL, @$); }
  | EXISTS IDENT IN primary WHERE expr     { $$ = quant(lx, Q_EXISTS, $2, $4, $6, NULL, @$); }
  | FIRST primary WHERE expr               { $$ = quant(lx, Q_FIRST, NULL, $2, $4, NULL, @$); }
  | FIRST IDENT IN primary WHERE expr      { $$ = quant(lx, Q_FIRST, $2, $4, $6, NULL, @$); }
  | EVERY primary WHERE expr               { $$ = quant(lx, Q_EVERY, NULL, $2, $4, NULL, @$); }
  | EVERY IDENT IN primary WHERE expr      { $$ = quant(lx, Q_EVERY, $2, $4, $6, NULL, @$); }
  | NO primary WHERE expr                  { $$ = quant(lx, Q_NO, NULL, $2, $4, NULL, @$); }
  | NO IDENT IN primary WHERE expr         { $$ = quant(lx, Q_NO, $2, $4, $6, NULL, @$); }
  | COUNT primary WHERE expr               { $$ = quant(lx, Q_COUNT, NULL, $2, $4, NULL, @$); }
  | COUNT IDENT IN primary WHERE expr      { $$ = quant(lx, Q_COUNT, $2, $4, $6, NULL, @$); }
  | COUNT DISTINCT primary OF primary WHERE expr
                                           { $$ = quant(lx, Q_COUNTD, NULL, $5, $7, $3, @$); }
  | COUNT DISTINCT primary OF IDENT IN primary WHERE expr
                                           { $$ = quant(lx, Q_COUNTD, $5, $7, $9, $3, @$); }
  | COUNT IDENT IN primary %prec NOWHERE   { $$ = quant(lx, Q_COUNT, $2, $4, NULL, NULL, @$); }
  | COUNT DISTINCT primary OF primary %prec NOWHERE
                                           { $$ = quant(lx, Q_COUNTD, NULL, $5, NULL, $3, @$); }
  | COUNT DISTINCT primary OF IDENT IN primary %prec NOWHERE
                                           { $$ = quant(lx, Q_COUNTD, $5, $7, NULL, $3, @$); }
  | SUM primary OF primary %prec NOWHERE   { $$ = quant(lx, Q_SUM, NULL, $4, NULL, $2, @$); }
  | SUM primary OF primary WHERE expr      { $$ = quant(lx, Q_SUM, NULL, $4, $6, $2, @$); }
  | SUM primary OF IDENT IN primary %prec NOWHERE
                                           { $$ = quant(lx, Q_SUM, $4, $6, NULL, $2, @$); }
  | SUM primary OF IDENT IN primary WHERE expr
                                           { $$ = quant(lx, Q_SUM, $4, $6, $8, $2, @$); }
  | latest primary OF primary %prec NOWHERE
                                           { $$ = quant(lx, $1, NULL, $4, NULL, $2, @$); }
  | latest primary OF primary BY primary   { $$ = quant(lx, $1, NULL, $4, NULL, $2, @$); $$->d = $6; }
  | latest primary OF primary WHERE expr %prec NOWHERE
                                           { $$ = quant(lx, $1, NULL, $4, $6, $2, @$); }
  | latest primary OF primary WHERE expr BY primary
                                           { $$ = quant(lx, $1, NULL, $4, $6, $2, @$); $$->d = $8; }
  | latest primary OF IDENT IN primary %prec NOWHERE
                                           { $$ = quant(lx, $1, $4, $6, NULL, $2, @$); }
  | latest primary OF IDENT IN primary BY primary
                                           { $$ = quant(lx, $1, $4, $6, NULL, $2, @$); $$->d = $8; }
  | latest primary OF IDENT IN primary WHERE expr %prec NOWHERE
                                           { $$ = quant(lx, $1, $4, $6, $8, $2, @$); }
  | latest primary OF IDENT IN primary WHERE expr BY primary
                                           { $$ = quant(lx, $1, $4, $6, $8, $2, @$); $$->d = $10; }
  | IF expr THEN expr ELSE expr %prec WHERE
      { $$ = mk(lx, N_IF, @$); $$->a = $2; $$->b = $4; $$->c = $6; }
  | DAYS OF expr COVERED BY primary WHERE expr FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->a = $3; $$->b = $6; $$->c = $8; $$->d = $10; $$->e = $12; }
  | DAYS OF expr COVERED BY primary FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->a = $3; $$->b = $6; $$->d = $8; $$->e = $10; }
  | DAYS OF expr COVERED BY IDENT IN primary WHERE expr FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->str = $6; $$->a = $3; $$->b = $8; $$->c = $10; $$->d = $12;
        $$->e = $14; }
  | DAYS OF expr COVERED BY IDENT IN primary FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->str = $6; $$->a = $3; $$->b = $8; $$->d = $10; $$->e = $12; }
  | LONGEST IDENT OF expr COVERED BY primary WHERE expr FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->a = $4; $$->b = $7; $$->c = $9; $$->d = $11; $$->e = $13;
        $$ = longest(lx, $2, @2, "run", $$); }
  | LONGEST IDENT OF expr COVERED BY primary FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->a = $4; $$->b = $7; $$->d = $9; $$->e = $11;
        $$ = longest(lx, $2, @2, "run", $$); }
  | LONGEST IDENT OF expr COVERED BY IDENT IN primary WHERE expr FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->str = $7; $$->a = $4; $$->b = $9; $$->c = $11; $$->d = $13;
        $$->e = $15; $$ = longest(lx, $2, @2, "run", $$); }
  | LONGEST IDENT OF expr COVERED BY IDENT IN primary FROM expr TO expr
      { $$ = mk(lx, N_COVER, @$); $$->str = $7; $$->a = $4; $$->b = $9; $$->d = $11; $$->e = $13;
        $$ = longest(lx, $2, @2, "run", $$); }
  | LONGEST IDENT IN primary OF primary OF primary WHERE expr
      { $$ = mk(lx, N_GAP, @$); $$->a = $4; $$->d = $6; $$->b = $8; $$->c = $10;
        $$ = longest(lx, $2, @2, "gap", $$); }
  | LONGEST IDENT IN primary OF primary OF primary %prec WHERE
      { $$ = mk(lx, N_GAP, @$); $$->a = $4; $$->d = $6; $$->b = $8;
        $$ = longest(lx, $2, @2, "gap", $$); }
  | LONGEST IDENT IN primary OF primary OF IDENT IN primary WHERE expr
      { $$ = mk(lx, N_GAP, @$); $$->a = $4; $$->d = $6; $$->str = $8; $$->b = $10; $$->c = $12;
        $$ = longest(lx, $2, @2, "gap", $$); }
  | LONGEST IDENT IN primary OF primary OF IDENT IN primary %prec WHERE
      { $$ = mk(lx, N_GAP, @$); $$->a = $4; $$->d = $6; $$->str = $8; $$->b = $10;
        $$ = longest(lx, $2, @2, "gap", $$); }
  ;

primary
  : NUMBER                { $$ = mk(lx, N_NUM, @$); $$->num = $1; }
  | STRING                { $$ = mk(lx, N_STR, @$); $$->str = $1; }
  | DATE                  { $$ = mk(lx, N_DATE, @$); $$->ival = $1; }
  | DURATION              { $$ = mk(lx, N_DUR, @$); $$->ival = $1.months; $$->ival2 = $1.days; }
  | TRUE                  { $$ = mk(lx, N_BOOL, @$); $$->ival = 1; }
  | FALSE                 { $$ = mk(lx, N_BOOL, @$); $$->ival = 0; }
  | IDENT %prec WHERE     { $$ = mk(lx, N_NAME, @$); $$->str = $1; }
                          /* %prec: after `count` (and `count distinct K of`),
                             `x in L where` names the item rather than asking
                             whether the count is in L */
  | IT                    { $$ = mk(lx, N_IT, @$); }
  | IDENT STRING          { $$ = mk(lx, N_UNKNOWN, @$); $$->str = $2;
                            if (strcmp($1, "unknown") != 0)
                              pol_error(lx->diag, @1, "E0411", "unexpected string after '%s' "
                                        "(the only name a string follows is `unknown \"REASON\"`)", $1); }
  | CALPERIOD             { $$ = mk(lx, N_STR, @$); $$->str = $1; $$->flags = POL_STR_CALENDAR; }
  | primary '[' expr ']'  { $$ = mk(lx, N_LOOKUP, @$); $$->a = $1; $$->b = $3; }
  | IDENT '(' arglist ')' { $$ = mk(lx, N_CALL, @$); $$->str = $1; $$->args = $3; }
  | DAYS '(' arglist ')'  { $$ = mk(lx, N_CALL, @$); $$->str = "days"; $$->args = $3; }
  | '(' expr ')'          { $$ = $2; }
  | '{' setitems '}'      { $$ = mk(lx, N_SET, @$); $$->args = $2; }
  | window                { $$ = $1; }
  | primary '.' IDENT     { $$ = mk(lx, N_FIELD, @$); $$->a = $1; $$->str = $3; }
  | COUNT primary %prec WHERE { $$ = quant(lx, Q_COUNT, NULL, $2, NULL, NULL, @$); }
  | AT LEAST NUMBER OF '(' args ')'
      { $$ = mk(lx, N_ATLEAST, @$); $$->num = $3; $$->args = $6; }
  ;

latest
  : LATEST                { $$ = Q_LATEST; }
  | EARLIEST              { $$ = Q_EARLIEST; }
  ;

window
  : '[' expr ',' expr ']' { $$ = mk(lx, N_WINDOW, @$); $$->a = $2; $$->b = $4; }
  ;

setitems
  : STRING                { $$ = mk(lx, N_STR, @1); $$->str = $1; }
  | setitems ',' STRING   { pol_Node *n = mk(lx, N_STR, @3); n->str = $3;
                            $$ = $1; pol_list_append(&$$, n); }
  ;

arglist
  : %empty                { $$ = NULL; }
  | args                  { $$ = $1; }
  ;

args
  : expr                  { $$ = $1; }
  | args ',' expr         { $$ = $1; pol_list_append(&$$, $3); }
  ;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct pol_Lex *lx, const char *msg)
{
  (void)scanner;
  if (strcmp(msg, "memory exhausted") == 0)
    pol_error(lx->diag, *loc, "E0112", "nesting too deep (more than %d levels)", YYMAXDEPTH / 2);
  else
    pol_error(lx->diag, *loc, "E0111", "%s", msg);
}

static pol_Node *mk(struct pol_Lex *lx, pol_NodeKind k, pol_Span sp)
{
  return pol_node(lx->arena, k, sp);
}

static pol_Node *bin(struct pol_Lex *lx, int op, pol_Node *a, pol_Node *b, pol_Span sp)
{
  pol_Node *n = mk(lx, N_BINARY, sp);
  n->op = op; n->a = a; n->b = b;
  return n;
}

static pol_Node *un(struct pol_Lex *lx, int op, pol_Node *a, pol_Span sp)
{
  pol_Node *n = mk(lx, N_UNARY, sp);
  n->op = op; n->a = a;
  return n;
}

static pol_Node *quant(struct pol_Lex *lx, int op, const char *binder, pol_Node *list,
                       pol_Node *pred, pol_Node *key, pol_Span sp)
{
  pol_Node *n = mk(lx, N_QUANT, sp);
  n->op = op; n->str = binder; n->a = list; n->b = pred; n->c = key;
  return n;
}

/* `longest run of …` (N_COVER, op 1) and `longest gap in …` (N_GAP): the
   word after `longest` is a name, not a keyword, so `run` and `gap` stay
   free for fields and facts. */
static pol_Node *longest(struct pol_Lex *lx, const char *word, pol_Span wsp, const char *want,
                         pol_Node *n)
{
  if (strcmp(word, want) != 0)
    pol_error(lx->diag, wsp, "E0280", "expected 'longest %s %s', found 'longest %s'", want,
              strcmp(want, "run") == 0 ? "of" : "in", word);
  if (n->kind == N_COVER) n->op = COV_RUN;
  return n;
}

/* `table NAME ["TITLE"] { ... }`: `table` is a name, not a keyword, so
   facts and fields may still be called `table`. */
static pol_Node *table(struct pol_Lex *lx, const char *kw, pol_Span kwsp, const char *name,
                       const char *title, pol_Node *entries, pol_Span sp)
{
  if (strcmp(kw, "table") != 0) {
    pol_error(lx->diag, kwsp, "E0350", "unexpected '%s': expected a declaration "
              DECL_KEYWORDS, kw);
    return NULL;
  }
  pol_Node *n = mk(lx, N_TABLE, sp);
  n->str = name;
  n->text = title;
  n->args = entries;
  return n;
}

static char *join_path(struct pol_Lex *lx, const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  char *s = pol_arena_alloc(lx->arena, la + lb + 2);
  memcpy(s, a, la);
  s[la] = '.';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}

/* `period S to E` / `period S for D`: the fields `start` S and `end` (E, or
   S + D - 1 day: a period of 6 months from 2025-01-01 ends 2025-06-30).
   name must be "period" (else the checker's E0261 names it). */
static pol_Node *period(struct pol_Lex *lx, const char *name, pol_Node *s, pol_Node *x, int how,
                        pol_Span sp)
{
  int is_period = strcmp(name, "period") == 0;
  pol_Node *start = mk(lx, N_AUTHFIELD, sp);
  start->str = is_period ? "start" : name;
  start->text = name;
  start->a = s;
  start->flags = how;
  pol_Node *end = mk(lx, N_AUTHFIELD, sp);
  end->str = is_period ? "end" : name;
  end->text = name;
  end->flags = AF_PERIOD_END;
  if (how == AF_PERIOD_TO) {
    end->a = x;
  } else {
    pol_Node *day = mk(lx, N_DUR, x->span);
    day->ival2 = 1;
    end->b = x;
    end->a = bin(lx, O_SUB, bin(lx, O_ADD, s, x, sp), day, sp);
  }
  pol_Node *head = NULL;
  pol_list_append(&head, start);
  pol_list_append(&head, end);
  return head;
}
