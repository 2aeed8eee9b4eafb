/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_YY_BUILD_FUZZ_GEN_PARSER_H_INCLUDED
# define YY_YY_BUILD_FUZZ_GEN_PARSER_H_INCLUDED
/* Debug traces.  */
#ifndef YYDEBUG
# define YYDEBUG 0
#endif
#if YYDEBUG
extern int yydebug;
#endif
/* "%code requires" blocks.  */
#line 17 "compiler/parser.y"

#include "ast.h"
typedef void *yyscan_t;
struct pol_Lex;

#line 55 "build-fuzz/gen/parser.h"

/* Token kinds.  */
#ifndef YYTOKENTYPE
# define YYTOKENTYPE
  enum yytokentype
  {
    YYEMPTY = -2,
    YYEOF = 0,                     /* "end of file"  */
    YYerror = 256,                 /* error  */
    YYUNDEF = 257,                 /* "invalid token"  */
    POLICY = 258,                  /* "policy"  */
    IMPORT = 259,                  /* "import"  */
    RECORD = 260,                  /* "record"  */
    FACT = 261,                    /* "fact"  */
    LET = 262,                     /* "let"  */
    EXTERN = 263,                  /* "extern"  */
    BRANCH = 264,                  /* "branch"  */
    WHEN = 265,                    /* "when"  */
    CRITERION = 266,               /* "criterion"  */
    EXCLUSION = 267,               /* "exclusion"  */
    ALL = 268,                     /* "all"  */
    ANY = 269,                     /* "any"  */
    AT = 270,                      /* "at"  */
    LEAST = 271,                   /* "least"  */
    OF = 272,                      /* "of"  */
    AND = 273,                     /* "and"  */
    OR = 274,                      /* "or"  */
    NOT = 275,                     /* "not"  */
    IN = 276,                      /* "in"  */
    WITHIN = 277,                  /* "within"  */
    EXISTS = 278,                  /* "exists"  */
    EVERY = 279,                   /* "every"  */
    NO = 280,                      /* "no"  */
    COUNT = 281,                   /* "count"  */
    DISTINCT = 282,                /* "distinct"  */
    WHERE = 283,                   /* "where"  */
    DAYS = 284,                    /* "days"  */
    COVERED = 285,                 /* "covered"  */
    BY = 286,                      /* "by"  */
    FROM = 287,                    /* "from"  */
    TO = 288,                      /* "to"  */
    TRUE = 289,                    /* "true"  */
    FALSE = 290,                   /* "false"  */
    IT = 291,                      /* "it"  */
    TAG = 292,                     /* "tag"  */
    CITE = 293,                    /* "cite"  */
    DECISION = 294,                /* "decision"  */
    ASSESS = 295,                  /* "assess"  */
    FOR = 296,                     /* "for"  */
    EACH = 297,                    /* "each"  */
    OTHERWISE = 298,               /* "otherwise"  */
    TAGGED = 299,                  /* "tagged"  */
    NEXT = 300,                    /* "next"  */
    NOTIN = 301,                   /* "not in"  */
    EQ = 302,                      /* "=="  */
    NE = 303,                      /* "!="  */
    LE = 304,                      /* "<="  */
    GE = 305,                      /* ">="  */
    COALESCE = 306,                /* "??"  */
    NUMBER = 307,                  /* "number"  */
    IDENT = 308,                   /* "name"  */
    STRING = 309,                  /* "string"  */
    DATE = 310,                    /* "date"  */
    DURATION = 311,                /* "duration"  */
    UMINUS = 312                   /* UMINUS  */
  };
  typedef enum yytokentype yytoken_kind_t;
#endif

/* Value type.  */
#if ! defined YYSTYPE && ! defined YYSTYPE_IS_DECLARED
union YYSTYPE
{
#line 54 "compiler/parser.y"

  double num;
  char *str;
  int32_t date;
  struct { int32_t months, days; } dur;
  pol_Node *node;
  int ival;

#line 138 "build-fuzz/gen/parser.h"

};
typedef union YYSTYPE YYSTYPE;
# define YYSTYPE_IS_TRIVIAL 1
# define YYSTYPE_IS_DECLARED 1
#endif

/* Location type.  */
typedef pol_Span YYLTYPE;




int yyparse (yyscan_t scanner, struct pol_Lex *lx);

/* "%code provides" blocks.  */
#line 23 "compiler/parser.y"

int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);

#line 159 "build-fuzz/gen/parser.h"

#endif /* !YY_YY_BUILD_FUZZ_GEN_PARSER_H_INCLUDED  */
