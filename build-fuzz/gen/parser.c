/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

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

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1





# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "parser.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_POLICY = 3,                     /* "policy"  */
  YYSYMBOL_IMPORT = 4,                     /* "import"  */
  YYSYMBOL_RECORD = 5,                     /* "record"  */
  YYSYMBOL_FACT = 6,                       /* "fact"  */
  YYSYMBOL_LET = 7,                        /* "let"  */
  YYSYMBOL_EXTERN = 8,                     /* "extern"  */
  YYSYMBOL_BRANCH = 9,                     /* "branch"  */
  YYSYMBOL_WHEN = 10,                      /* "when"  */
  YYSYMBOL_CRITERION = 11,                 /* "criterion"  */
  YYSYMBOL_EXCLUSION = 12,                 /* "exclusion"  */
  YYSYMBOL_ALL = 13,                       /* "all"  */
  YYSYMBOL_ANY = 14,                       /* "any"  */
  YYSYMBOL_AT = 15,                        /* "at"  */
  YYSYMBOL_LEAST = 16,                     /* "least"  */
  YYSYMBOL_OF = 17,                        /* "of"  */
  YYSYMBOL_AND = 18,                       /* "and"  */
  YYSYMBOL_OR = 19,                        /* "or"  */
  YYSYMBOL_NOT = 20,                       /* "not"  */
  YYSYMBOL_IN = 21,                        /* "in"  */
  YYSYMBOL_WITHIN = 22,                    /* "within"  */
  YYSYMBOL_EXISTS = 23,                    /* "exists"  */
  YYSYMBOL_EVERY = 24,                     /* "every"  */
  YYSYMBOL_NO = 25,                        /* "no"  */
  YYSYMBOL_COUNT = 26,                     /* "count"  */
  YYSYMBOL_DISTINCT = 27,                  /* "distinct"  */
  YYSYMBOL_WHERE = 28,                     /* "where"  */
  YYSYMBOL_DAYS = 29,                      /* "days"  */
  YYSYMBOL_COVERED = 30,                   /* "covered"  */
  YYSYMBOL_BY = 31,                        /* "by"  */
  YYSYMBOL_FROM = 32,                      /* "from"  */
  YYSYMBOL_TO = 33,                        /* "to"  */
  YYSYMBOL_TRUE = 34,                      /* "true"  */
  YYSYMBOL_FALSE = 35,                     /* "false"  */
  YYSYMBOL_IT = 36,                        /* "it"  */
  YYSYMBOL_TAG = 37,                       /* "tag"  */
  YYSYMBOL_CITE = 38,                      /* "cite"  */
  YYSYMBOL_DECISION = 39,                  /* "decision"  */
  YYSYMBOL_ASSESS = 40,                    /* "assess"  */
  YYSYMBOL_FOR = 41,                       /* "for"  */
  YYSYMBOL_EACH = 42,                      /* "each"  */
  YYSYMBOL_OTHERWISE = 43,                 /* "otherwise"  */
  YYSYMBOL_TAGGED = 44,                    /* "tagged"  */
  YYSYMBOL_NEXT = 45,                      /* "next"  */
  YYSYMBOL_NOTIN = 46,                     /* "not in"  */
  YYSYMBOL_EQ = 47,                        /* "=="  */
  YYSYMBOL_NE = 48,                        /* "!="  */
  YYSYMBOL_LE = 49,                        /* "<="  */
  YYSYMBOL_GE = 50,                        /* ">="  */
  YYSYMBOL_COALESCE = 51,                  /* "??"  */
  YYSYMBOL_NUMBER = 52,                    /* "number"  */
  YYSYMBOL_IDENT = 53,                     /* "name"  */
  YYSYMBOL_STRING = 54,                    /* "string"  */
  YYSYMBOL_DATE = 55,                      /* "date"  */
  YYSYMBOL_DURATION = 56,                  /* "duration"  */
  YYSYMBOL_57_ = 57,                       /* '<'  */
  YYSYMBOL_58_ = 58,                       /* '>'  */
  YYSYMBOL_59_ = 59,                       /* '+'  */
  YYSYMBOL_60_ = 60,                       /* '-'  */
  YYSYMBOL_61_ = 61,                       /* '*'  */
  YYSYMBOL_62_ = 62,                       /* '/'  */
  YYSYMBOL_UMINUS = 63,                    /* UMINUS  */
  YYSYMBOL_64_ = 64,                       /* '.'  */
  YYSYMBOL_65_ = 65,                       /* '{'  */
  YYSYMBOL_66_ = 66,                       /* '}'  */
  YYSYMBOL_67_ = 67,                       /* ':'  */
  YYSYMBOL_68_ = 68,                       /* '='  */
  YYSYMBOL_69_ = 69,                       /* '('  */
  YYSYMBOL_70_ = 70,                       /* ')'  */
  YYSYMBOL_71_ = 71,                       /* ','  */
  YYSYMBOL_72_ = 72,                       /* '['  */
  YYSYMBOL_73_ = 73,                       /* ']'  */
  YYSYMBOL_YYACCEPT = 74,                  /* $accept  */
  YYSYMBOL_file = 75,                      /* file  */
  YYSYMBOL_items = 76,                     /* items  */
  YYSYMBOL_item = 77,                      /* item  */
  YYSYMBOL_rules = 78,                     /* rules  */
  YYSYMBOL_rule = 79,                      /* rule  */
  YYSYMBOL_dcond = 80,                     /* dcond  */
  YYSYMBOL_dterm = 81,                     /* dterm  */
  YYSYMBOL_dfactor = 82,                   /* dfactor  */
  YYSYMBOL_headers = 83,                   /* headers  */
  YYSYMBOL_header = 84,                    /* header  */
  YYSYMBOL_hvalues = 85,                   /* hvalues  */
  YYSYMBOL_hvalue = 86,                    /* hvalue  */
  YYSYMBOL_fields = 87,                    /* fields  */
  YYSYMBOL_field = 88,                     /* field  */
  YYSYMBOL_type = 89,                      /* type  */
  YYSYMBOL_types = 90,                     /* types  */
  YYSYMBOL_params = 91,                    /* params  */
  YYSYMBOL_param = 92,                     /* param  */
  YYSYMBOL_path = 93,                      /* path  */
  YYSYMBOL_clauses = 94,                   /* clauses  */
  YYSYMBOL_clause = 95,                    /* clause  */
  YYSYMBOL_attrs = 96,                     /* attrs  */
  YYSYMBOL_attr = 97,                      /* attr  */
  YYSYMBOL_combinator = 98,                /* combinator  */
  YYSYMBOL_expr = 99,                      /* expr  */
  YYSYMBOL_primary = 100,                  /* primary  */
  YYSYMBOL_window = 101,                   /* window  */
  YYSYMBOL_setitems = 102,                 /* setitems  */
  YYSYMBOL_arglist = 103,                  /* arglist  */
  YYSYMBOL_args = 104                      /* args  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 27 "compiler/parser.y"

#include <string.h>
#include "parse.h"

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

#line 235 "build-fuzz/gen/parser.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_int16 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_USE_ALLOCA
#  if YYSTACK_USE_ALLOCA
#   ifdef __GNUC__
#    define YYSTACK_ALLOC __builtin_alloca
#   elif defined __BUILTIN_VA_ARG_INCR
#    include <alloca.h> /* INFRINGES ON USER NAME SPACE */
#   elif defined _AIX
#    define YYSTACK_ALLOC __alloca
#   elif defined _MSC_VER
#    include <malloc.h> /* INFRINGES ON USER NAME SPACE */
#    define alloca _alloca
#   else
#    define YYSTACK_ALLOC alloca
#    if ! defined _ALLOCA_H && ! defined EXIT_SUCCESS
#     include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
      /* Use EXIT_SUCCESS as a witness for stdlib.h.  */
#     ifndef EXIT_SUCCESS
#      define EXIT_SUCCESS 0
#     endif
#    endif
#   endif
#  endif
# endif

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL \
             && defined YYSTYPE_IS_TRIVIAL && YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  3
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   755

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  74
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  31
/* YYNRULES -- Number of rules.  */
#define YYNRULES  116
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  297

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   312


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
      69,    70,    61,    59,    71,    60,    64,    62,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    67,     2,
      57,    68,    58,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    72,     2,    73,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    65,     2,    66,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    24,
      25,    26,    27,    28,    29,    30,    31,    32,    33,    34,
      35,    36,    37,    38,    39,    40,    41,    42,    43,    44,
      45,    46,    47,    48,    49,    50,    51,    52,    53,    54,
      55,    56,    63
};

#if YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,   133,   133,   137,   138,   142,   144,   146,   148,   150,
     152,   154,   157,   159,   161,   164,   166,   170,   171,   175,
     176,   180,   181,   185,   186,   190,   191,   192,   193,   195,
     200,   201,   205,   209,   210,   214,   215,   216,   220,   221,
     225,   229,   230,   234,   235,   236,   240,   241,   245,   249,
     250,   254,   255,   259,   262,   265,   268,   270,   274,   275,
     279,   280,   281,   285,   286,   287,   297,   298,   299,   300,
     301,   302,   303,   304,   305,   306,   307,   308,   309,   310,
     311,   312,   313,   314,   315,   316,   317,   318,   319,   320,
     321,   322,   323,   325,   327,   332,   333,   334,   335,   336,
     337,   338,   339,   340,   341,   342,   343,   344,   345,   346,
     351,   355,   356,   361,   362,   366,   367
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "policy", "import", "record",
  "fact", "let", "extern", "branch", "when", "criterion", "exclusion",
  "all", "any", "at", "least", "of", "and", "or", "not", "in", "within",
  "exists", "every", "no", "count", "distinct", "where", "days", "covered",
  "by", "from", "to", "true", "false", "it", "tag", "cite", "decision",
  "assess", "for", "each", "otherwise", "tagged", "next", "not in", "==",
  "!=", "<=", ">=", "??", "number", "name", "string", "date", "duration",
  "'<'", "'>'", "'+'", "'-'", "'*'", "'/'", "UMINUS", "'.'", "'{'", "'}'",
  "':'", "'='", "'('", "')'", "','", "'['", "']'", "$accept", "file",
  "items", "item", "rules", "rule", "dcond", "dterm", "dfactor", "headers",
  "header", "hvalues", "hvalue", "fields", "field", "type", "types",
  "params", "param", "path", "clauses", "clause", "attrs", "attr",
  "combinator", "expr", "primary", "window", "setitems", "arglist", "args", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-183)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-3)

#define yytable_value_is_error(Yyn) \
  ((Yyn) == YYTABLE_NINF)

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
    -183,    16,   450,  -183,   -44,   -30,    -7,   -21,   -13,     1,
      40,    52,    48,    62,  -183,  -183,    69,  -183,    78,    65,
     110,   108,    72,  -183,    82,  -183,  -183,   109,   109,   104,
     112,   102,   175,   -39,   176,   -15,   -14,   135,   125,   127,
     180,   104,   195,   201,   246,   148,   182,  -183,  -183,  -183,
    -183,   140,  -183,  -183,  -183,   104,   157,   104,   104,   642,
     150,  -183,   152,    50,  -183,   109,   104,    99,  -183,  -183,
     104,    63,  -183,  -183,   155,  -183,  -183,   109,   162,   104,
     173,   676,   269,   -10,   -20,    -8,   -11,    -3,    39,   269,
      61,   104,   104,  -183,  -183,    26,   363,   318,   104,   104,
     104,   104,   104,   104,   104,   104,   104,   104,   104,   104,
     104,   104,   104,   104,   185,   109,   159,   112,  -183,    76,
     447,    -5,  -183,   481,  -183,  -183,  -183,   168,  -183,   109,
     170,  -183,   178,   642,   223,   150,   269,   104,   269,   104,
     269,   104,     4,   104,   535,   642,   189,   172,  -183,   191,
    -183,   104,   676,   659,   693,   693,   693,   693,   693,   693,
     693,   146,   693,   693,    88,    88,  -183,  -183,  -183,  -183,
     109,  -183,   179,   109,  -183,   199,    -5,   209,  -183,    -5,
     244,   247,  -183,  -183,    63,  -183,  -183,   215,   200,    67,
     642,    71,   642,    73,   642,   269,   642,   240,  -183,   104,
    -183,   298,   206,   109,  -183,    19,   231,  -183,   232,   -12,
      -5,    -5,    22,  -183,  -183,   104,   104,   104,   104,    77,
     269,   642,  -183,   104,  -183,   211,   224,   225,   241,  -183,
    -183,   233,   234,  -183,   247,  -183,  -183,    83,   642,   642,
     642,   104,    59,   642,  -183,   235,   236,   238,  -183,  -183,
    -183,   642,   104,   104,  -183,  -183,   264,   555,   589,   153,
     107,   104,   104,   104,   271,   275,   277,   243,   252,   253,
     104,  -183,   229,   104,   501,   608,   642,  -183,  -183,   245,
    -183,  -183,  -183,   380,  -183,   426,  -183,   104,   291,  -183,
      24,  -183,    45,   642,  -183,  -183,  -183
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       3,     0,     0,     1,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     4,    16,     0,     6,     0,     0,
       0,     0,     0,    17,     0,    30,    38,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,    41,     0,     0,
       0,     0,     0,     0,     0,     0,     0,    99,   100,   102,
      95,   101,    96,    97,    98,     0,     0,     0,     0,     9,
      66,   106,     0,     0,    46,    43,     0,     0,    15,    18,
       0,     0,     5,    31,     0,     7,    39,     0,     0,     0,
       0,    69,     0,   101,     0,   101,     0,   101,     0,     0,
     108,     0,   113,    84,   111,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,    44,     0,
       0,     0,    20,     0,    37,    35,    36,    32,    33,     0,
       0,    49,     8,    10,     0,   108,     0,     0,     0,     0,
       0,     0,     0,     0,     0,   115,     0,   114,   105,     0,
     104,     0,    68,    67,    76,    78,    77,    70,    71,    73,
      75,    79,    72,    74,    80,    81,    82,    83,   107,    48,
       0,    47,     0,     0,    51,     0,     0,     0,    27,     0,
      19,    21,    23,    51,     0,    40,    42,     0,     0,     0,
      85,     0,    87,     0,    89,     0,    91,     0,   103,     0,
     112,     0,     0,     0,    45,     0,     0,    25,     0,     0,
       0,     0,     0,    34,    50,     0,     0,     0,     0,     0,
       0,   116,   110,     0,    12,     0,     0,     0,     0,    13,
      52,     0,     0,    26,    22,    24,    14,     0,    86,    88,
      90,     0,     0,    11,    57,     0,     0,     0,    28,    29,
     109,    92,     0,     0,    58,    58,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,    59,     0,     0,     0,     0,    94,    63,    64,     0,
      60,    61,    62,     0,    51,     0,    51,     0,     0,    53,
       0,    55,     0,    93,    65,    54,    56
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
    -183,  -183,  -183,  -183,  -183,  -183,   130,   100,  -166,  -183,
    -183,  -183,   128,  -183,  -183,   -22,  -183,  -183,   196,  -183,
    -182,  -183,    74,  -183,  -183,   -29,   -40,  -183,  -183,  -183,
     111
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_int16 yydefgoto[] =
{
       0,     1,     2,    14,    33,    69,   180,   181,   182,    35,
      73,   127,   128,    36,    76,    38,   119,    63,    64,   132,
     205,   230,   259,   271,   272,   145,    60,    61,    95,   146,
     147
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      59,   212,    84,    86,    88,    90,    39,   210,   137,   175,
     207,   136,    81,   138,    67,   176,     3,   139,   140,   177,
     225,   195,    15,   225,    16,   225,    93,    68,    96,    97,
     226,   227,    18,   226,   227,   226,   227,   120,    71,    74,
      19,   123,   135,   118,   114,   235,   225,    17,   178,   142,
     133,    72,    75,   114,    20,   130,   226,   227,   233,    92,
     228,    92,   144,   228,   179,   228,    92,   141,   114,   152,
     153,   154,   155,   156,   157,   158,   159,   160,   161,   162,
     163,   164,   165,   166,   167,   229,   228,   252,   236,   143,
     295,   253,   148,   169,    21,   216,   189,   149,   191,   217,
     193,   218,   290,   114,   292,   241,    22,   185,   190,   121,
     192,   296,   194,    23,   196,   124,    24,   125,   126,    40,
     116,   117,   201,   114,    41,   114,    32,    42,    43,    44,
      45,   114,    27,    46,    25,   114,    34,   114,    47,    48,
      49,   114,   122,    26,   267,   268,   172,   173,   202,   112,
     113,   204,   269,   250,   199,   219,    50,    51,    52,    53,
      54,    31,    37,    40,    55,    62,   264,   265,   266,    56,
     221,    65,   273,    57,    82,    89,    58,    28,    29,    30,
     242,   224,    47,    48,    49,    66,    70,   238,   239,   240,
     267,   268,    77,    78,   243,    79,    80,   107,   269,    91,
      50,    51,    52,    53,    54,   110,   111,   112,   113,    92,
      40,    94,   251,    56,   114,   131,    40,    57,   270,   115,
      58,    82,   129,   257,   258,   134,   170,    82,   186,    47,
      48,    49,   274,   275,   276,    47,    48,    49,   168,   184,
     188,   283,   187,   199,   285,   200,   203,    50,    83,    52,
      53,    54,   206,    50,    85,    52,    53,    54,   293,   198,
      56,    40,   208,   210,    57,   211,    56,    58,   214,   215,
      57,   220,    82,    58,   223,   231,   232,   244,   245,   246,
      47,    48,    49,   247,    40,   261,   248,   249,   277,   254,
     255,   256,   278,   279,   284,    82,   280,   288,    50,    87,
      52,    53,    54,    47,    48,    49,   281,   282,   294,   209,
     234,    56,   213,   171,     0,    57,    98,    99,    58,   100,
     101,    50,    51,    52,    53,    54,   237,     0,     0,   260,
       0,     0,     0,     0,    56,     0,    98,    99,    57,   100,
     101,    58,     0,     0,   102,   103,   104,   105,   106,   107,
       0,     0,     0,     0,     0,   108,   109,   110,   111,   112,
     113,     0,     0,     0,   102,   103,   104,   105,   106,   107,
       0,   222,     0,     0,     0,   108,   109,   110,   111,   112,
     113,    98,    99,     0,   100,   101,     0,     0,     0,   151,
       0,     0,     0,     0,     0,     0,     0,     0,    98,    99,
       0,   100,   101,     0,     0,     0,     0,     0,     0,   102,
     103,   104,   105,   106,   107,     0,     0,     0,     0,     0,
     108,   109,   110,   111,   112,   113,   102,   103,   104,   105,
     106,   107,     0,   150,     0,     0,     0,   108,   109,   110,
     111,   112,   113,     0,    98,    99,   289,   100,   101,     0,
      -2,     4,     0,     5,     6,     7,     8,     9,    10,    11,
       0,     0,     0,     0,     0,    98,    99,     0,   100,   101,
       0,     0,   102,   103,   104,   105,   106,   107,     0,     0,
       0,     0,     0,   108,   109,   110,   111,   112,   113,    12,
      13,     0,   291,   102,   103,   104,   105,   106,   107,    98,
      99,     0,   100,   101,   108,   109,   110,   111,   112,   113,
       0,     0,   174,     0,     0,     0,     0,     0,     0,    98,
      99,     0,   100,   101,     0,     0,     0,   102,   103,   104,
     105,   106,   107,     0,     0,     0,     0,     0,   108,   109,
     110,   111,   112,   113,     0,     0,   183,   102,   103,   104,
     105,   106,   107,    98,    99,     0,   100,   101,   108,   109,
     110,   111,   112,   113,     0,   197,   286,     0,     0,     0,
       0,     0,     0,    98,    99,     0,   100,   101,     0,     0,
       0,   102,   103,   104,   105,   106,   107,   262,     0,     0,
       0,     0,   108,   109,   110,   111,   112,   113,     0,     0,
       0,   102,   103,   104,   105,   106,   107,    98,    99,     0,
     100,   101,   108,   109,   110,   111,   112,   113,     0,     0,
       0,     0,   263,     0,     0,     0,    98,    99,     0,   100,
     101,     0,     0,     0,     0,   102,   103,   104,   105,   106,
     107,   287,     0,     0,     0,     0,   108,   109,   110,   111,
     112,   113,     0,     0,   102,   103,   104,   105,   106,   107,
      98,    99,     0,   100,   101,   108,   109,   110,   111,   112,
     113,     0,     0,     0,     0,     0,     0,    98,     0,     0,
     100,   101,     0,     0,     0,     0,     0,     0,   102,   103,
     104,   105,   106,   107,     0,     0,     0,   100,   101,   108,
     109,   110,   111,   112,   113,   102,   103,   104,   105,   106,
     107,     0,     0,     0,    -3,    -3,   108,   109,   110,   111,
     112,   113,   102,   103,   104,   105,   106,   107,     0,     0,
       0,     0,     0,   108,   109,   110,   111,   112,   113,    -3,
      -3,    -3,    -3,    -3,   107,     0,     0,     0,     0,     0,
      -3,    -3,   110,   111,   112,   113
};

static const yytype_int16 yycheck[] =
{
      29,   183,    42,    43,    44,    45,    28,    19,    28,    14,
     176,    21,    41,    21,    53,    20,     0,    28,    21,    24,
       1,    17,    66,     1,    54,     1,    55,    66,    57,    58,
      11,    12,    53,    11,    12,    11,    12,    66,    53,    53,
      53,    70,    82,    65,    64,   211,     1,    54,    53,    89,
      79,    66,    66,    64,    53,    77,    11,    12,    70,    69,
      41,    69,    91,    41,    69,    41,    69,    28,    64,    98,
      99,   100,   101,   102,   103,   104,   105,   106,   107,   108,
     109,   110,   111,   112,   113,    66,    41,    28,    66,    28,
      66,    32,    66,   115,    54,    28,   136,    71,   138,    28,
     140,    28,   284,    64,   286,    28,    54,   129,   137,    10,
     139,    66,   141,    65,   143,    52,    54,    54,    55,    15,
      70,    71,   151,    64,    20,    64,    54,    23,    24,    25,
      26,    64,    67,    29,    65,    64,    54,    64,    34,    35,
      36,    64,    43,    65,    37,    38,    70,    71,   170,    61,
      62,   173,    45,    70,    71,   195,    52,    53,    54,    55,
      56,    53,    53,    15,    60,    53,    13,    14,    15,    65,
     199,    69,    65,    69,    26,    27,    72,    67,    68,    69,
     220,   203,    34,    35,    36,    10,    10,   216,   217,   218,
      37,    38,    57,    68,   223,    68,    16,    51,    45,    17,
      52,    53,    54,    55,    56,    59,    60,    61,    62,    69,
      15,    54,   241,    65,    64,    53,    15,    69,    65,    67,
      72,    26,    67,   252,   253,    52,    67,    26,    58,    34,
      35,    36,   261,   262,   263,    34,    35,    36,    53,    71,
      17,   270,    64,    71,   273,    54,    67,    52,    53,    54,
      55,    56,    53,    52,    53,    54,    55,    56,   287,    70,
      65,    15,    53,    19,    69,    18,    65,    72,    53,    69,
      69,    31,    26,    72,    68,    44,    44,    66,    54,    54,
      34,    35,    36,    42,    15,    21,    53,    53,    17,    54,
      54,    53,    17,    16,    65,    26,    53,    52,    52,    53,
      54,    55,    56,    34,    35,    36,    54,    54,    17,   179,
     210,    65,   184,   117,    -1,    69,    18,    19,    72,    21,
      22,    52,    53,    54,    55,    56,   215,    -1,    -1,   255,
      -1,    -1,    -1,    -1,    65,    -1,    18,    19,    69,    21,
      22,    72,    -1,    -1,    46,    47,    48,    49,    50,    51,
      -1,    -1,    -1,    -1,    -1,    57,    58,    59,    60,    61,
      62,    -1,    -1,    -1,    46,    47,    48,    49,    50,    51,
      -1,    73,    -1,    -1,    -1,    57,    58,    59,    60,    61,
      62,    18,    19,    -1,    21,    22,    -1,    -1,    -1,    71,
      -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    18,    19,
      -1,    21,    22,    -1,    -1,    -1,    -1,    -1,    -1,    46,
      47,    48,    49,    50,    51,    -1,    -1,    -1,    -1,    -1,
      57,    58,    59,    60,    61,    62,    46,    47,    48,    49,
      50,    51,    -1,    70,    -1,    -1,    -1,    57,    58,    59,
      60,    61,    62,    -1,    18,    19,    66,    21,    22,    -1,
       0,     1,    -1,     3,     4,     5,     6,     7,     8,     9,
      -1,    -1,    -1,    -1,    -1,    18,    19,    -1,    21,    22,
      -1,    -1,    46,    47,    48,    49,    50,    51,    -1,    -1,
      -1,    -1,    -1,    57,    58,    59,    60,    61,    62,    39,
      40,    -1,    66,    46,    47,    48,    49,    50,    51,    18,
      19,    -1,    21,    22,    57,    58,    59,    60,    61,    62,
      -1,    -1,    65,    -1,    -1,    -1,    -1,    -1,    -1,    18,
      19,    -1,    21,    22,    -1,    -1,    -1,    46,    47,    48,
      49,    50,    51,    -1,    -1,    -1,    -1,    -1,    57,    58,
      59,    60,    61,    62,    -1,    -1,    65,    46,    47,    48,
      49,    50,    51,    18,    19,    -1,    21,    22,    57,    58,
      59,    60,    61,    62,    -1,    30,    65,    -1,    -1,    -1,
      -1,    -1,    -1,    18,    19,    -1,    21,    22,    -1,    -1,
      -1,    46,    47,    48,    49,    50,    51,    32,    -1,    -1,
      -1,    -1,    57,    58,    59,    60,    61,    62,    -1,    -1,
      -1,    46,    47,    48,    49,    50,    51,    18,    19,    -1,
      21,    22,    57,    58,    59,    60,    61,    62,    -1,    -1,
      -1,    -1,    33,    -1,    -1,    -1,    18,    19,    -1,    21,
      22,    -1,    -1,    -1,    -1,    46,    47,    48,    49,    50,
      51,    33,    -1,    -1,    -1,    -1,    57,    58,    59,    60,
      61,    62,    -1,    -1,    46,    47,    48,    49,    50,    51,
      18,    19,    -1,    21,    22,    57,    58,    59,    60,    61,
      62,    -1,    -1,    -1,    -1,    -1,    -1,    18,    -1,    -1,
      21,    22,    -1,    -1,    -1,    -1,    -1,    -1,    46,    47,
      48,    49,    50,    51,    -1,    -1,    -1,    21,    22,    57,
      58,    59,    60,    61,    62,    46,    47,    48,    49,    50,
      51,    -1,    -1,    -1,    21,    22,    57,    58,    59,    60,
      61,    62,    46,    47,    48,    49,    50,    51,    -1,    -1,
      -1,    -1,    -1,    57,    58,    59,    60,    61,    62,    46,
      47,    48,    49,    50,    51,    -1,    -1,    -1,    -1,    -1,
      57,    58,    59,    60,    61,    62
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    75,    76,     0,     1,     3,     4,     5,     6,     7,
       8,     9,    39,    40,    77,    66,    54,    54,    53,    53,
      53,    54,    54,    65,    54,    65,    65,    67,    67,    68,
      69,    53,    54,    78,    54,    83,    87,    53,    89,    89,
      15,    20,    23,    24,    25,    26,    29,    34,    35,    36,
      52,    53,    54,    55,    56,    60,    65,    69,    72,    99,
     100,   101,    53,    91,    92,    69,    10,    53,    66,    79,
      10,    53,    66,    84,    53,    66,    88,    57,    68,    68,
      16,    99,    26,    53,   100,    53,   100,    53,   100,    27,
     100,    17,    69,    99,    54,   102,    99,    99,    18,    19,
      21,    22,    46,    47,    48,    49,    50,    51,    57,    58,
      59,    60,    61,    62,    64,    67,    70,    71,    89,    90,
      99,    10,    43,    99,    52,    54,    55,    85,    86,    67,
      89,    53,    93,    99,    52,   100,    21,    28,    21,    28,
      21,    28,   100,    28,    99,    99,   103,   104,    66,    71,
      70,    71,    99,    99,    99,    99,    99,    99,    99,    99,
      99,    99,    99,    99,    99,    99,    99,    99,    53,    89,
      67,    92,    70,    71,    65,    14,    20,    24,    53,    69,
      80,    81,    82,    65,    71,    89,    58,    64,    17,   100,
      99,   100,    99,   100,    99,    17,    99,    30,    70,    71,
      54,    99,    89,    67,    89,    94,    53,    82,    53,    80,
      19,    18,    94,    86,    53,    69,    28,    28,    28,   100,
      31,    99,    73,    68,    89,     1,    11,    12,    41,    66,
      95,    44,    44,    70,    81,    82,    66,   104,    99,    99,
      99,    28,   100,    99,    66,    54,    54,    42,    53,    53,
      70,    99,    28,    32,    54,    54,    53,    99,    99,    96,
      96,    21,    32,    33,    13,    14,    15,    37,    38,    45,
      65,    97,    98,    65,    99,    99,    99,    17,    17,    16,
      53,    54,    54,    99,    65,    99,    65,    33,    52,    66,
      94,    66,    94,    99,    17,    66,    66
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    74,    75,    76,    76,    77,    77,    77,    77,    77,
      77,    77,    77,    77,    77,    77,    77,    78,    78,    79,
      79,    80,    80,    81,    81,    82,    82,    82,    82,    82,
      83,    83,    84,    85,    85,    86,    86,    86,    87,    87,
      88,    89,    89,    90,    90,    90,    91,    91,    92,    93,
      93,    94,    94,    95,    95,    95,    95,    95,    96,    96,
      97,    97,    97,    98,    98,    98,    99,    99,    99,    99,
      99,    99,    99,    99,    99,    99,    99,    99,    99,    99,
      99,    99,    99,    99,    99,    99,    99,    99,    99,    99,
      99,    99,    99,    99,    99,   100,   100,   100,   100,   100,
     100,   100,   100,   100,   100,   100,   100,   100,   100,   100,
     101,   102,   102,   103,   103,   104,   104
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     1,     0,     2,     5,     2,     5,     6,     4,
       6,     9,     8,     8,     8,     4,     2,     0,     2,     3,
       2,     1,     3,     1,     3,     2,     3,     1,     4,     4,
       0,     2,     2,     1,     3,     1,     1,     1,     0,     2,
       3,     1,     4,     0,     1,     3,     1,     3,     3,     1,
       3,     0,     2,     7,     8,     7,     8,     2,     0,     2,
       2,     2,     2,     2,     2,     4,     1,     3,     3,     2,
       3,     3,     3,     3,     3,     3,     3,     3,     3,     3,
       3,     3,     3,     3,     2,     4,     6,     4,     6,     4,
       6,     4,     7,    12,    10,     1,     1,     1,     1,     1,
       1,     1,     1,     4,     3,     3,     1,     3,     2,     7,
       5,     1,     3,     0,     1,     1,     3
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, scanner, lx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use YYerror or YYUNDEF. */
#define YYERRCODE YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, scanner, lx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, yyscan_t scanner, struct pol_Lex *lx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (lx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, yyscan_t scanner, struct pol_Lex *lx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, scanner, lx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, yyscan_t scanner, struct pol_Lex *lx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), scanner, lx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, scanner, lx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  int yyn = yypact[+*yyctx->yyssp];
  if (!yypact_value_is_default (yyn))
    {
      /* Start YYX at -YYN if negative to avoid negative indexes in
         YYCHECK.  In other words, skip the first -YYN actions for
         this state because they are default actions.  */
      int yyxbegin = yyn < 0 ? -yyn : 0;
      /* Stay within bounds of both yycheck and yytname.  */
      int yychecklim = YYLAST - yyn + 1;
      int yyxend = yychecklim < YYNTOKENS ? yychecklim : YYNTOKENS;
      int yyx;
      for (yyx = yyxbegin; yyx < yyxend; ++yyx)
        if (yycheck[yyx + yyn] == yyx && yyx != YYSYMBOL_YYerror
            && !yytable_value_is_error (yytable[yyx + yyn]))
          {
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = YY_CAST (yysymbol_kind_t, yyx);
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




#ifndef yystrlen
# if defined __GLIBC__ && defined _STRING_H
#  define yystrlen(S) (YY_CAST (YYPTRDIFF_T, strlen (S)))
# else
/* Return the length of YYSTR.  */
static YYPTRDIFF_T
yystrlen (const char *yystr)
{
  YYPTRDIFF_T yylen;
  for (yylen = 0; yystr[yylen]; yylen++)
    continue;
  return yylen;
}
# endif
#endif

#ifndef yystpcpy
# if defined __GLIBC__ && defined _STRING_H && defined _GNU_SOURCE
#  define yystpcpy stpcpy
# else
/* Copy YYSRC to YYDEST, returning the address of the terminating '\0' in
   YYDEST.  */
static char *
yystpcpy (char *yydest, const char *yysrc)
{
  char *yyd = yydest;
  const char *yys = yysrc;

  while ((*yyd++ = *yys++) != '\0')
    continue;

  return yyd - 1;
}
# endif
#endif



static int
yy_syntax_error_arguments (const yypcontext_t *yyctx,
                           yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  /* There are many possibilities here to consider:
     - If this state is a consistent state with a default action, then
       the only way this function was invoked is if the default action
       is an error action.  In that case, don't check for expected
       tokens because there are none.
     - The only way there can be no lookahead present (in yychar) is if
       this state is a consistent state with a default action.  Thus,
       detecting the absence of a lookahead is sufficient to determine
       that there is no unexpected or expected token to report.  In that
       case, just report a simple "syntax error".
     - Don't assume there isn't a lookahead just because this state is a
       consistent state with a default action.  There might have been a
       previous inconsistent state, consistent state with a non-default
       action, or user semantic action that manipulated yychar.
     - Of course, the expected token list depends on states to have
       correct lookahead information, and it depends on the parser not
       to perform extra reductions after fetching a lookahead from the
       scanner and before detecting a syntax error.  Thus, state merging
       (from LALR or IELR) and default reductions corrupt the expected
       token list.  However, the list is correct for canonical LR with
       one exception: it will still contain any token that will not be
       accepted due to an error action in a later state.
  */
  if (yyctx->yytoken != YYSYMBOL_YYEMPTY)
    {
      int yyn;
      if (yyarg)
        yyarg[yycount] = yyctx->yytoken;
      ++yycount;
      yyn = yypcontext_expected_tokens (yyctx,
                                        yyarg ? yyarg + 1 : yyarg, yyargn - 1);
      if (yyn == YYENOMEM)
        return YYENOMEM;
      else
        yycount += yyn;
    }
  return yycount;
}

/* Copy into *YYMSG, which is of size *YYMSG_ALLOC, an error message
   about the unexpected token YYTOKEN for the state stack whose top is
   YYSSP.

   Return 0 if *YYMSG was successfully written.  Return -1 if *YYMSG is
   not large enough to hold the message.  In that case, also set
   *YYMSG_ALLOC to the required number of bytes.  Return YYENOMEM if the
   required number of bytes is too large to store.  */
static int
yysyntax_error (YYPTRDIFF_T *yymsg_alloc, char **yymsg,
                const yypcontext_t *yyctx)
{
  enum { YYARGS_MAX = 5 };
  /* Internationalized format string. */
  const char *yyformat = YY_NULLPTR;
  /* Arguments of yyformat: reported tokens (one for the "unexpected",
     one per "expected"). */
  yysymbol_kind_t yyarg[YYARGS_MAX];
  /* Cumulated lengths of YYARG.  */
  YYPTRDIFF_T yysize = 0;

  /* Actual size of YYARG. */
  int yycount = yy_syntax_error_arguments (yyctx, yyarg, YYARGS_MAX);
  if (yycount == YYENOMEM)
    return YYENOMEM;

  switch (yycount)
    {
#define YYCASE_(N, S)                       \
      case N:                               \
        yyformat = S;                       \
        break
    default: /* Avoid compiler warnings. */
      YYCASE_(0, YY_("syntax error"));
      YYCASE_(1, YY_("syntax error, unexpected %s"));
      YYCASE_(2, YY_("syntax error, unexpected %s, expecting %s"));
      YYCASE_(3, YY_("syntax error, unexpected %s, expecting %s or %s"));
      YYCASE_(4, YY_("syntax error, unexpected %s, expecting %s or %s or %s"));
      YYCASE_(5, YY_("syntax error, unexpected %s, expecting %s or %s or %s or %s"));
#undef YYCASE_
    }

  /* Compute error message size.  Don't count the "%s"s, but reserve
     room for the terminator.  */
  yysize = yystrlen (yyformat) - 2 * yycount + 1;
  {
    int yyi;
    for (yyi = 0; yyi < yycount; ++yyi)
      {
        YYPTRDIFF_T yysize1
          = yysize + yystrlen (yysymbol_name (yyarg[yyi]));
        if (yysize <= yysize1 && yysize1 <= YYSTACK_ALLOC_MAXIMUM)
          yysize = yysize1;
        else
          return YYENOMEM;
      }
  }

  if (*yymsg_alloc < yysize)
    {
      *yymsg_alloc = 2 * yysize;
      if (! (yysize <= *yymsg_alloc
             && *yymsg_alloc <= YYSTACK_ALLOC_MAXIMUM))
        *yymsg_alloc = YYSTACK_ALLOC_MAXIMUM;
      return -1;
    }

  /* Avoid sprintf, as that infringes on the user's name space.
     Don't have undefined behavior even if the translation
     produced a string with the wrong number of "%s"s.  */
  {
    char *yyp = *yymsg;
    int yyi = 0;
    while ((*yyp = *yyformat) != '\0')
      if (*yyp == '%' && yyformat[1] == 's' && yyi < yycount)
        {
          yyp = yystpcpy (yyp, yysymbol_name (yyarg[yyi++]));
          yyformat += 2;
        }
      else
        {
          ++yyp;
          ++yyformat;
        }
  }
  return 0;
}


/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, yyscan_t scanner, struct pol_Lex *lx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (lx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (yyscan_t scanner, struct pol_Lex *lx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined YYLTYPE_IS_TRIVIAL && YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];

  /* Buffer for error messages, and its allocated size.  */
  char yymsgbuf[128];
  char *yymsg = yymsgbuf;
  YYPTRDIFF_T yymsg_alloc = sizeof yymsgbuf;

#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = YYEMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, scanner);
    }

  if (yychar <= YYEOF)
    {
      yychar = YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    goto yydefault;
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = YYEMPTY;
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  switch (yyn)
    {
  case 2: /* file: items  */
#line 133 "compiler/parser.y"
                          { lx->items = (yyvsp[0].node); }
#line 1815 "build-fuzz/gen/parser.c"
    break;

  case 3: /* items: %empty  */
#line 137 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 1821 "build-fuzz/gen/parser.c"
    break;

  case 4: /* items: items item  */
#line 138 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); if ((yyvsp[0].node)) pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 1827 "build-fuzz/gen/parser.c"
    break;

  case 5: /* item: "policy" "string" '{' headers '}'  */
#line 143 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_POLICY, (yyloc)); (yyval.node)->str = (yyvsp[-3].str); (yyval.node)->args = (yyvsp[-1].node); }
#line 1833 "build-fuzz/gen/parser.c"
    break;

  case 6: /* item: "import" "string"  */
#line 145 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_IMPORT, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 1839 "build-fuzz/gen/parser.c"
    break;

  case 7: /* item: "record" "name" '{' fields '}'  */
#line 147 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_RECORD, (yyloc)); (yyval.node)->str = (yyvsp[-3].str); (yyval.node)->args = (yyvsp[-1].node); }
#line 1845 "build-fuzz/gen/parser.c"
    break;

  case 8: /* item: "fact" "name" ':' type '=' path  */
#line 149 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_FACT, (yyloc)); (yyval.node)->str = (yyvsp[-4].str); (yyval.node)->tref = (yyvsp[-2].node); (yyval.node)->path = (yyvsp[0].str); }
#line 1851 "build-fuzz/gen/parser.c"
    break;

  case 9: /* item: "let" "name" '=' expr  */
#line 151 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_LET, (yyloc)); (yyval.node)->str = (yyvsp[-2].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1857 "build-fuzz/gen/parser.c"
    break;

  case 10: /* item: "let" "name" ':' type '=' expr  */
#line 153 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_LET, (yyloc)); (yyval.node)->str = (yyvsp[-4].str); (yyval.node)->tref = (yyvsp[-2].node); (yyval.node)->a = (yyvsp[0].node); }
#line 1863 "build-fuzz/gen/parser.c"
    break;

  case 11: /* item: "let" "name" '(' params ')' ':' type '=' expr  */
#line 155 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_LET, (yyloc)); (yyval.node)->str = (yyvsp[-7].str); (yyval.node)->args = (yyvsp[-5].node); (yyval.node)->tref = (yyvsp[-2].node); (yyval.node)->a = (yyvsp[0].node);
        (yyval.node)->flags = 1; }
#line 1870 "build-fuzz/gen/parser.c"
    break;

  case 12: /* item: "extern" "string" "name" '(' types ')' ':' type  */
#line 158 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_EXTERN, (yyloc)); (yyval.node)->text = (yyvsp[-6].str); (yyval.node)->str = (yyvsp[-5].str); (yyval.node)->args = (yyvsp[-3].node); (yyval.node)->tref = (yyvsp[0].node); }
#line 1876 "build-fuzz/gen/parser.c"
    break;

  case 13: /* item: "branch" "string" "string" "when" expr '{' clauses '}'  */
#line 160 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_BRANCH, (yyloc)); (yyval.node)->str = (yyvsp[-6].str); (yyval.node)->text = (yyvsp[-5].str); (yyval.node)->a = (yyvsp[-3].node); (yyval.node)->args = (yyvsp[-1].node); }
#line 1882 "build-fuzz/gen/parser.c"
    break;

  case 14: /* item: "assess" "string" "string" "when" expr '{' clauses '}'  */
#line 162 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_BRANCH, (yyloc)); (yyval.node)->path = (yyvsp[-6].str); (yyval.node)->str = (yyvsp[-6].str); (yyval.node)->text = (yyvsp[-5].str); (yyval.node)->a = (yyvsp[-3].node);
        (yyval.node)->args = (yyvsp[-1].node); }
#line 1889 "build-fuzz/gen/parser.c"
    break;

  case 15: /* item: "decision" '{' rules '}'  */
#line 165 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_DECISION, (yyloc)); (yyval.node)->args = (yyvsp[-1].node); }
#line 1895 "build-fuzz/gen/parser.c"
    break;

  case 16: /* item: error '}'  */
#line 166 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 1901 "build-fuzz/gen/parser.c"
    break;

  case 17: /* rules: %empty  */
#line 170 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 1907 "build-fuzz/gen/parser.c"
    break;

  case 18: /* rules: rules rule  */
#line 171 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 1913 "build-fuzz/gen/parser.c"
    break;

  case 19: /* rule: "name" "when" dcond  */
#line 175 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_RULE, (yyloc)); (yyval.node)->str = (yyvsp[-2].str); (yyval.node)->a = (yyvsp[0].node); }
#line 1919 "build-fuzz/gen/parser.c"
    break;

  case 20: /* rule: "name" "otherwise"  */
#line 176 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_RULE, (yyloc)); (yyval.node)->str = (yyvsp[-1].str); }
#line 1925 "build-fuzz/gen/parser.c"
    break;

  case 21: /* dcond: dterm  */
#line 180 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 1931 "build-fuzz/gen/parser.c"
    break;

  case 22: /* dcond: dcond "or" dterm  */
#line 181 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->op = D_OR; (yyval.node)->a = (yyvsp[-2].node); (yyval.node)->b = (yyvsp[0].node); }
#line 1937 "build-fuzz/gen/parser.c"
    break;

  case 23: /* dterm: dfactor  */
#line 185 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 1943 "build-fuzz/gen/parser.c"
    break;

  case 24: /* dterm: dterm "and" dfactor  */
#line 186 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->op = D_AND; (yyval.node)->a = (yyvsp[-2].node); (yyval.node)->b = (yyvsp[0].node); }
#line 1949 "build-fuzz/gen/parser.c"
    break;

  case 25: /* dfactor: "not" dfactor  */
#line 190 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->op = D_NOT; (yyval.node)->a = (yyvsp[0].node); }
#line 1955 "build-fuzz/gen/parser.c"
    break;

  case 26: /* dfactor: '(' dcond ')'  */
#line 191 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); }
#line 1961 "build-fuzz/gen/parser.c"
    break;

  case 27: /* dfactor: "name"  */
#line 192 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->str = (yyvsp[0].str); (yyval.node)->op = -1; }
#line 1967 "build-fuzz/gen/parser.c"
    break;

  case 28: /* dfactor: "any" "name" "tagged" "name"  */
#line 194 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->text = (yyvsp[-2].str); (yyval.node)->str = (yyvsp[0].str); (yyval.node)->op = D_ANY_FAILED_TAG; }
#line 1973 "build-fuzz/gen/parser.c"
    break;

  case 29: /* dfactor: "every" "name" "tagged" "name"  */
#line 196 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_DCOND, (yyloc)); (yyval.node)->text = (yyvsp[-2].str); (yyval.node)->str = (yyvsp[0].str); (yyval.node)->op = D_EVERY_FAILED_TAG; }
#line 1979 "build-fuzz/gen/parser.c"
    break;

  case 30: /* headers: %empty  */
#line 200 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 1985 "build-fuzz/gen/parser.c"
    break;

  case 31: /* headers: headers header  */
#line 201 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 1991 "build-fuzz/gen/parser.c"
    break;

  case 32: /* header: "name" hvalues  */
#line 205 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_HEADER, (yyloc)); (yyval.node)->str = (yyvsp[-1].str); (yyval.node)->args = (yyvsp[0].node); }
#line 1997 "build-fuzz/gen/parser.c"
    break;

  case 33: /* hvalues: hvalue  */
#line 209 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2003 "build-fuzz/gen/parser.c"
    break;

  case 34: /* hvalues: hvalues ',' hvalue  */
#line 210 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-2].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2009 "build-fuzz/gen/parser.c"
    break;

  case 35: /* hvalue: "string"  */
#line 214 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_STR, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2015 "build-fuzz/gen/parser.c"
    break;

  case 36: /* hvalue: "date"  */
#line 215 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DATE, (yyloc)); (yyval.node)->ival = (yyvsp[0].date); }
#line 2021 "build-fuzz/gen/parser.c"
    break;

  case 37: /* hvalue: "number"  */
#line 216 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_NUM, (yyloc)); (yyval.node)->num = (yyvsp[0].num); }
#line 2027 "build-fuzz/gen/parser.c"
    break;

  case 38: /* fields: %empty  */
#line 220 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2033 "build-fuzz/gen/parser.c"
    break;

  case 39: /* fields: fields field  */
#line 221 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2039 "build-fuzz/gen/parser.c"
    break;

  case 40: /* field: "name" ':' type  */
#line 225 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_PARAM, (yyloc)); (yyval.node)->str = (yyvsp[-2].str); (yyval.node)->tref = (yyvsp[0].node); }
#line 2045 "build-fuzz/gen/parser.c"
    break;

  case 41: /* type: "name"  */
#line 229 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_TYPEREF, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2051 "build-fuzz/gen/parser.c"
    break;

  case 42: /* type: "name" '<' type '>'  */
#line 230 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_TYPEREF, (yyloc)); (yyval.node)->str = (yyvsp[-3].str); (yyval.node)->a = (yyvsp[-1].node); }
#line 2057 "build-fuzz/gen/parser.c"
    break;

  case 43: /* types: %empty  */
#line 234 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2063 "build-fuzz/gen/parser.c"
    break;

  case 44: /* types: type  */
#line 235 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2069 "build-fuzz/gen/parser.c"
    break;

  case 45: /* types: types ',' type  */
#line 236 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-2].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2075 "build-fuzz/gen/parser.c"
    break;

  case 46: /* params: param  */
#line 240 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2081 "build-fuzz/gen/parser.c"
    break;

  case 47: /* params: params ',' param  */
#line 241 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-2].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2087 "build-fuzz/gen/parser.c"
    break;

  case 48: /* param: "name" ':' type  */
#line 245 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_PARAM, (yyloc)); (yyval.node)->str = (yyvsp[-2].str); (yyval.node)->tref = (yyvsp[0].node); }
#line 2093 "build-fuzz/gen/parser.c"
    break;

  case 49: /* path: "name"  */
#line 249 "compiler/parser.y"
                          { (yyval.str) = (yyvsp[0].str); }
#line 2099 "build-fuzz/gen/parser.c"
    break;

  case 50: /* path: path '.' "name"  */
#line 250 "compiler/parser.y"
                          { (yyval.str) = join_path(lx, (yyvsp[-2].str), (yyvsp[0].str)); }
#line 2105 "build-fuzz/gen/parser.c"
    break;

  case 51: /* clauses: %empty  */
#line 254 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2111 "build-fuzz/gen/parser.c"
    break;

  case 52: /* clauses: clauses clause  */
#line 255 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); if ((yyvsp[0].node)) pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2117 "build-fuzz/gen/parser.c"
    break;

  case 53: /* clause: "criterion" "string" "string" attrs '{' expr '}'  */
#line 260 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_CRITERION, (yyloc)); (yyval.node)->str = (yyvsp[-5].str); (yyval.node)->text = (yyvsp[-4].str); (yyval.node)->args = (yyvsp[-3].node); (yyval.node)->a = (yyvsp[-1].node);
        (yyval.node)->op = C_LEAF; }
#line 2124 "build-fuzz/gen/parser.c"
    break;

  case 54: /* clause: "criterion" "string" "string" attrs combinator '{' clauses '}'  */
#line 263 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_CRITERION, (yyloc)); (yyval.node)->str = (yyvsp[-6].str); (yyval.node)->text = (yyvsp[-5].str); (yyval.node)->args = (yyvsp[-4].node);
        (yyval.node)->b = (yyvsp[-1].node); (yyval.node)->op = (yyvsp[-3].ival) < 0 ? C_ATLEAST : (yyvsp[-3].ival); (yyval.node)->ival = (yyvsp[-3].ival) < 0 ? -(yyvsp[-3].ival) : 0; }
#line 2131 "build-fuzz/gen/parser.c"
    break;

  case 55: /* clause: "exclusion" "string" "string" attrs '{' expr '}'  */
#line 266 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_CRITERION, (yyloc)); (yyval.node)->str = (yyvsp[-5].str); (yyval.node)->text = (yyvsp[-4].str); (yyval.node)->args = (yyvsp[-3].node); (yyval.node)->a = (yyvsp[-1].node);
        (yyval.node)->op = C_LEAF; (yyval.node)->flags = CF_EXCLUSION; }
#line 2138 "build-fuzz/gen/parser.c"
    break;

  case 56: /* clause: "for" "each" "name" "in" expr '{' clauses '}'  */
#line 269 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_FOREACH, (yyloc)); (yyval.node)->str = (yyvsp[-5].str); (yyval.node)->a = (yyvsp[-3].node); (yyval.node)->args = (yyvsp[-1].node); }
#line 2144 "build-fuzz/gen/parser.c"
    break;

  case 57: /* clause: error '}'  */
#line 270 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2150 "build-fuzz/gen/parser.c"
    break;

  case 58: /* attrs: %empty  */
#line 274 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2156 "build-fuzz/gen/parser.c"
    break;

  case 59: /* attrs: attrs attr  */
#line 275 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2162 "build-fuzz/gen/parser.c"
    break;

  case 60: /* attr: "tag" "name"  */
#line 279 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_TAG, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2168 "build-fuzz/gen/parser.c"
    break;

  case 61: /* attr: "cite" "string"  */
#line 280 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_STR, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2174 "build-fuzz/gen/parser.c"
    break;

  case 62: /* attr: "next" "string"  */
#line 281 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_STR, (yyloc)); (yyval.node)->str = (yyvsp[0].str); (yyval.node)->flags = 1; }
#line 2180 "build-fuzz/gen/parser.c"
    break;

  case 63: /* combinator: "all" "of"  */
#line 285 "compiler/parser.y"
                          { (yyval.ival) = C_ALL; }
#line 2186 "build-fuzz/gen/parser.c"
    break;

  case 64: /* combinator: "any" "of"  */
#line 286 "compiler/parser.y"
                          { (yyval.ival) = C_ANY; }
#line 2192 "build-fuzz/gen/parser.c"
    break;

  case 65: /* combinator: "at" "least" "number" "of"  */
#line 287 "compiler/parser.y"
                          { /* range first: (int) of a huge double is undefined */
                            if (!((yyvsp[-1].num) >= 1 && (yyvsp[-1].num) <= 255) || (yyvsp[-1].num) != (int)(yyvsp[-1].num)) {
                              pol_error(lx->diag, (yylsp[-1]), "E0110", "'at least' needs a whole number from 1 to 255");
                              (yyval.ival) = -1;
                            } else {
                              (yyval.ival) = -(int)(yyvsp[-1].num);
                            } }
#line 2204 "build-fuzz/gen/parser.c"
    break;

  case 66: /* expr: primary  */
#line 297 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2210 "build-fuzz/gen/parser.c"
    break;

  case 67: /* expr: expr "or" expr  */
#line 298 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_OR, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2216 "build-fuzz/gen/parser.c"
    break;

  case 68: /* expr: expr "and" expr  */
#line 299 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_AND, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2222 "build-fuzz/gen/parser.c"
    break;

  case 69: /* expr: "not" expr  */
#line 300 "compiler/parser.y"
                          { (yyval.node) = un(lx, O_NOT, (yyvsp[0].node), (yyloc)); }
#line 2228 "build-fuzz/gen/parser.c"
    break;

  case 70: /* expr: expr "==" expr  */
#line 301 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_EQ, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2234 "build-fuzz/gen/parser.c"
    break;

  case 71: /* expr: expr "!=" expr  */
#line 302 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_NE, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2240 "build-fuzz/gen/parser.c"
    break;

  case 72: /* expr: expr '<' expr  */
#line 303 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_LT, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2246 "build-fuzz/gen/parser.c"
    break;

  case 73: /* expr: expr "<=" expr  */
#line 304 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_LE, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2252 "build-fuzz/gen/parser.c"
    break;

  case 74: /* expr: expr '>' expr  */
#line 305 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_GT, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2258 "build-fuzz/gen/parser.c"
    break;

  case 75: /* expr: expr ">=" expr  */
#line 306 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_GE, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2264 "build-fuzz/gen/parser.c"
    break;

  case 76: /* expr: expr "in" expr  */
#line 307 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_IN, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2270 "build-fuzz/gen/parser.c"
    break;

  case 77: /* expr: expr "not in" expr  */
#line 308 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_NOTIN, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2276 "build-fuzz/gen/parser.c"
    break;

  case 78: /* expr: expr "within" expr  */
#line 309 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_WITHIN, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2282 "build-fuzz/gen/parser.c"
    break;

  case 79: /* expr: expr "??" expr  */
#line 310 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_COALESCE, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2288 "build-fuzz/gen/parser.c"
    break;

  case 80: /* expr: expr '+' expr  */
#line 311 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_ADD, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2294 "build-fuzz/gen/parser.c"
    break;

  case 81: /* expr: expr '-' expr  */
#line 312 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_SUB, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2300 "build-fuzz/gen/parser.c"
    break;

  case 82: /* expr: expr '*' expr  */
#line 313 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_MUL, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2306 "build-fuzz/gen/parser.c"
    break;

  case 83: /* expr: expr '/' expr  */
#line 314 "compiler/parser.y"
                          { (yyval.node) = bin(lx, O_DIV, (yyvsp[-2].node), (yyvsp[0].node), (yyloc)); }
#line 2312 "build-fuzz/gen/parser.c"
    break;

  case 84: /* expr: '-' expr  */
#line 315 "compiler/parser.y"
                          { (yyval.node) = un(lx, O_NEG, (yyvsp[0].node), (yyloc)); }
#line 2318 "build-fuzz/gen/parser.c"
    break;

  case 85: /* expr: "exists" primary "where" expr  */
#line 316 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_EXISTS, NULL, (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2324 "build-fuzz/gen/parser.c"
    break;

  case 86: /* expr: "exists" "name" "in" primary "where" expr  */
#line 317 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_EXISTS, (yyvsp[-4].str), (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2330 "build-fuzz/gen/parser.c"
    break;

  case 87: /* expr: "every" primary "where" expr  */
#line 318 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_EVERY, NULL, (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2336 "build-fuzz/gen/parser.c"
    break;

  case 88: /* expr: "every" "name" "in" primary "where" expr  */
#line 319 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_EVERY, (yyvsp[-4].str), (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2342 "build-fuzz/gen/parser.c"
    break;

  case 89: /* expr: "no" primary "where" expr  */
#line 320 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_NO, NULL, (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2348 "build-fuzz/gen/parser.c"
    break;

  case 90: /* expr: "no" "name" "in" primary "where" expr  */
#line 321 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_NO, (yyvsp[-4].str), (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2354 "build-fuzz/gen/parser.c"
    break;

  case 91: /* expr: "count" primary "where" expr  */
#line 322 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_COUNT, NULL, (yyvsp[-2].node), (yyvsp[0].node), NULL, (yyloc)); }
#line 2360 "build-fuzz/gen/parser.c"
    break;

  case 92: /* expr: "count" "distinct" primary "of" primary "where" expr  */
#line 324 "compiler/parser.y"
                                           { (yyval.node) = quant(lx, Q_COUNTD, NULL, (yyvsp[-2].node), (yyvsp[0].node), (yyvsp[-4].node), (yyloc)); }
#line 2366 "build-fuzz/gen/parser.c"
    break;

  case 93: /* expr: "days" "of" expr "covered" "by" primary "where" expr "from" expr "to" expr  */
#line 326 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_COVER, (yyloc)); (yyval.node)->a = (yyvsp[-9].node); (yyval.node)->b = (yyvsp[-6].node); (yyval.node)->c = (yyvsp[-4].node); (yyval.node)->d = (yyvsp[-2].node); (yyval.node)->e = (yyvsp[0].node); }
#line 2372 "build-fuzz/gen/parser.c"
    break;

  case 94: /* expr: "days" "of" expr "covered" "by" primary "from" expr "to" expr  */
#line 328 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_COVER, (yyloc)); (yyval.node)->a = (yyvsp[-7].node); (yyval.node)->b = (yyvsp[-4].node); (yyval.node)->d = (yyvsp[-2].node); (yyval.node)->e = (yyvsp[0].node); }
#line 2378 "build-fuzz/gen/parser.c"
    break;

  case 95: /* primary: "number"  */
#line 332 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_NUM, (yyloc)); (yyval.node)->num = (yyvsp[0].num); }
#line 2384 "build-fuzz/gen/parser.c"
    break;

  case 96: /* primary: "string"  */
#line 333 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_STR, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2390 "build-fuzz/gen/parser.c"
    break;

  case 97: /* primary: "date"  */
#line 334 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DATE, (yyloc)); (yyval.node)->ival = (yyvsp[0].date); }
#line 2396 "build-fuzz/gen/parser.c"
    break;

  case 98: /* primary: "duration"  */
#line 335 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_DUR, (yyloc)); (yyval.node)->ival = (yyvsp[0].dur).months; (yyval.node)->ival2 = (yyvsp[0].dur).days; }
#line 2402 "build-fuzz/gen/parser.c"
    break;

  case 99: /* primary: "true"  */
#line 336 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_BOOL, (yyloc)); (yyval.node)->ival = 1; }
#line 2408 "build-fuzz/gen/parser.c"
    break;

  case 100: /* primary: "false"  */
#line 337 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_BOOL, (yyloc)); (yyval.node)->ival = 0; }
#line 2414 "build-fuzz/gen/parser.c"
    break;

  case 101: /* primary: "name"  */
#line 338 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_NAME, (yyloc)); (yyval.node)->str = (yyvsp[0].str); }
#line 2420 "build-fuzz/gen/parser.c"
    break;

  case 102: /* primary: "it"  */
#line 339 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_IT, (yyloc)); }
#line 2426 "build-fuzz/gen/parser.c"
    break;

  case 103: /* primary: "name" '(' arglist ')'  */
#line 340 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_CALL, (yyloc)); (yyval.node)->str = (yyvsp[-3].str); (yyval.node)->args = (yyvsp[-1].node); }
#line 2432 "build-fuzz/gen/parser.c"
    break;

  case 104: /* primary: '(' expr ')'  */
#line 341 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-1].node); }
#line 2438 "build-fuzz/gen/parser.c"
    break;

  case 105: /* primary: '{' setitems '}'  */
#line 342 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_SET, (yyloc)); (yyval.node)->args = (yyvsp[-1].node); }
#line 2444 "build-fuzz/gen/parser.c"
    break;

  case 106: /* primary: window  */
#line 343 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2450 "build-fuzz/gen/parser.c"
    break;

  case 107: /* primary: primary '.' "name"  */
#line 344 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_FIELD, (yyloc)); (yyval.node)->a = (yyvsp[-2].node); (yyval.node)->str = (yyvsp[0].str); }
#line 2456 "build-fuzz/gen/parser.c"
    break;

  case 108: /* primary: "count" primary  */
#line 345 "compiler/parser.y"
                              { (yyval.node) = quant(lx, Q_COUNT, NULL, (yyvsp[0].node), NULL, NULL, (yyloc)); }
#line 2462 "build-fuzz/gen/parser.c"
    break;

  case 109: /* primary: "at" "least" "number" "of" '(' args ')'  */
#line 347 "compiler/parser.y"
      { (yyval.node) = mk(lx, N_ATLEAST, (yyloc)); (yyval.node)->num = (yyvsp[-4].num); (yyval.node)->args = (yyvsp[-1].node); }
#line 2468 "build-fuzz/gen/parser.c"
    break;

  case 110: /* window: '[' expr ',' expr ']'  */
#line 351 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_WINDOW, (yyloc)); (yyval.node)->a = (yyvsp[-3].node); (yyval.node)->b = (yyvsp[-1].node); }
#line 2474 "build-fuzz/gen/parser.c"
    break;

  case 111: /* setitems: "string"  */
#line 355 "compiler/parser.y"
                          { (yyval.node) = mk(lx, N_STR, (yylsp[0])); (yyval.node)->str = (yyvsp[0].str); }
#line 2480 "build-fuzz/gen/parser.c"
    break;

  case 112: /* setitems: setitems ',' "string"  */
#line 356 "compiler/parser.y"
                          { pol_Node *n = mk(lx, N_STR, (yylsp[0])); n->str = (yyvsp[0].str);
                            (yyval.node) = (yyvsp[-2].node); pol_list_append(&(yyval.node), n); }
#line 2487 "build-fuzz/gen/parser.c"
    break;

  case 113: /* arglist: %empty  */
#line 361 "compiler/parser.y"
                          { (yyval.node) = NULL; }
#line 2493 "build-fuzz/gen/parser.c"
    break;

  case 114: /* arglist: args  */
#line 362 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2499 "build-fuzz/gen/parser.c"
    break;

  case 115: /* args: expr  */
#line 366 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[0].node); }
#line 2505 "build-fuzz/gen/parser.c"
    break;

  case 116: /* args: args ',' expr  */
#line 367 "compiler/parser.y"
                          { (yyval.node) = (yyvsp[-2].node); pol_list_append(&(yyval.node), (yyvsp[0].node)); }
#line 2511 "build-fuzz/gen/parser.c"
    break;


#line 2515 "build-fuzz/gen/parser.c"

      default: break;
    }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yytoken, &yylloc};
        char const *yymsgp = YY_("syntax error");
        int yysyntax_error_status;
        yysyntax_error_status = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
        if (yysyntax_error_status == 0)
          yymsgp = yymsg;
        else if (yysyntax_error_status == -1)
          {
            if (yymsg != yymsgbuf)
              YYSTACK_FREE (yymsg);
            yymsg = YY_CAST (char *,
                             YYSTACK_ALLOC (YY_CAST (YYSIZE_T, yymsg_alloc)));
            if (yymsg)
              {
                yysyntax_error_status
                  = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
                yymsgp = yymsg;
              }
            else
              {
                yymsg = yymsgbuf;
                yymsg_alloc = sizeof yymsgbuf;
                yysyntax_error_status = YYENOMEM;
              }
          }
        yyerror (&yylloc, scanner, lx, yymsgp);
        if (yysyntax_error_status == YYENOMEM)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, scanner, lx);
          yychar = YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, scanner, lx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, scanner, lx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, scanner, lx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, scanner, lx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yymsg != yymsgbuf)
    YYSTACK_FREE (yymsg);
  return yyresult;
}

#line 370 "compiler/parser.y"


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

static char *join_path(struct pol_Lex *lx, const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  char *s = pol_arena_alloc(lx->arena, la + lb + 2);
  memcpy(s, a, la);
  s[la] = '.';
  memcpy(s + la + 1, b, lb + 1);
  return s;
}
