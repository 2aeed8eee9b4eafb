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
    POLICY = 258,                  /* POLICY  */
    IMPORT = 259,                  /* IMPORT  */
    RECORD = 260,                  /* RECORD  */
    FACT = 261,                    /* FACT  */
    LET = 262,                     /* LET  */
    EXTERN = 263,                  /* EXTERN  */
    BRANCH = 264,                  /* BRANCH  */
    WHEN = 265,                    /* WHEN  */
    CRITERION = 266,               /* CRITERION  */
    EXCLUSION = 267,               /* EXCLUSION  */
    ALL = 268,                     /* ALL  */
    ANY = 269,                     /* ANY  */
    AT = 270,                      /* AT  */
    LEAST = 271,                   /* LEAST  */
    OF = 272,                      /* OF  */
    AND = 273,                     /* AND  */
    OR = 274,                      /* OR  */
    NOT = 275,                     /* NOT  */
    IN = 276,                      /* IN  */
    WITHIN = 277,                  /* WITHIN  */
    EXISTS = 278,                  /* EXISTS  */
    EVERY = 279,                   /* EVERY  */
    NO = 280,                      /* NO  */
    COUNT = 281,                   /* COUNT  */
    DISTINCT = 282,                /* DISTINCT  */
    WHERE = 283,                   /* WHERE  */
    DAYS = 284,                    /* DAYS  */
    COVERED = 285,                 /* COVERED  */
    BY = 286,                      /* BY  */
    FROM = 287,                    /* FROM  */
    TO = 288,                      /* TO  */
    TRUE = 289,                    /* TRUE  */
    FALSE = 290,                   /* FALSE  */
    IT = 291,                      /* IT  */
    TAG = 292,                     /* TAG  */
    CITE = 293,                    /* CITE  */
    NOTIN = 294,                   /* "not in"  */
    DECISION = 295,                /* DECISION  */
    ASSESS = 296,                  /* ASSESS  */
    FOR = 297,                     /* FOR  */
    EACH = 298,                    /* EACH  */
    OTHERWISE = 299,               /* OTHERWISE  */
    TAGGED = 300,                  /* TAGGED  */
    NEXT = 301,                    /* NEXT  */
    EQ = 302,                      /* "=="  */
    NE = 303,                      /* "!="  */
    LE = 304,                      /* "<="  */
    GE = 305,                      /* ">="  */
    COALESCE = 306,                /* "??"  */
    NUMBER = 307,                  /* NUMBER  */
    IDENT = 308,                   /* IDENT  */
    STRING = 309,                  /* STRING  */
    DATE = 310,                    /* DATE  */
    DURATION = 311,                /* DURATION  */
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
