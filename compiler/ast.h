/*
 * ast.h -- the syntax tree of .pol sources.
 *
 * Every node lives in the arena of one compile (pol_Arena) and is freed with
 * it in one call.  Every node carries a span: the source file id and the
 * byte offsets [start, end); line:column is computed only for messages.
 * The checker (check.c) fills the `type` and resolution fields in place.
 */
#ifndef POL_AST_H
#define POL_AST_H

#include <stddef.h>
#include <stdint.h>

#include "../vm/decimal.h"

typedef struct pol_Span {
  uint32_t file;
  uint32_t start, end;
} pol_Span;

/* Arena: bump allocation in chunks; everything freed at once. */
typedef struct pol_Arena pol_Arena;
pol_Arena *pol_arena_new(void);
void *pol_arena_alloc(pol_Arena *a, size_t n);   /* zeroed; aborts on OOM */
char *pol_arena_strndup(pol_Arena *a, const char *s, size_t n);
void pol_arena_free(pol_Arena *a);

typedef enum {
  /* expressions */
  N_NUM, N_STR, N_DATE, N_DUR, N_BOOL, N_SET, N_WINDOW,
  N_NAME,      /* str: identifier */
  N_IT,        /* the item of the innermost quantifier */
  N_FIELD,     /* a.str */
  N_CALL,      /* str(args...) : let with parameters, builtin or extern */
  N_UNARY,     /* op a */
  N_BINARY,    /* a op b */
  N_QUANT,     /* op in Q_*: list a, predicate b (NULL: none, every
                  item), key c (count distinct) or value c (sum, latest,
                  earliest), ordering key d (latest, earliest; NULL: the
                  item's `date` field), binder str (or NULL) */
  N_COVER,     /* days of window a covered by list b where pred c
                  from start d to end e; binder str (or NULL); op: COV_DAYS,
                  or COV_RUN for `longest run of` */
  N_GAP,       /* longest gap in window a of key d of list b where pred c
                  (may be NULL); binder str (or NULL) */
  N_ATLEAST,   /* at least num of (args) */
  N_IF,        /* if a then b else c (Kleene) */
  N_UNKNOWN,   /* unknown "str": a value the policy leaves open (its type
                  from the context: bool, or the other branch of an `if`,
                  a declared `let` type, a table's values) */
  N_LOOKUP,    /* a[b]: a names a table (N_NAME), b the key; c: the lowered
                  form the checker builds (a tree of `if key in {...}`),
                  which codegen and the evaluator run */
  /* declarations */
  N_POLICY,    /* str id; args: header fields (N_HEADER) */
  N_HEADER,    /* str key; args: values (N_STR / N_DATE) */
  N_IMPORT,    /* str module */
  N_RECORD,    /* str name; args: N_PARAM fields */
  N_PARAM,     /* str name; tref type (also record fields) */
  N_TYPEREF,   /* str name; a: element type for list<T> */
  N_FACT,      /* str name; tref type; path (dotted) */
  N_LET,       /* str name; args: N_PARAM params (NULL: a value);
                  tref declared type (optional); a: body; flags 1: has
                  parameters, POL_LET_PARAM: a reviewer-chosen `param`
                  whose text is why it was chosen */
  N_EXTERN,    /* str name; lib; args: N_TYPEREF params; tref result */
  N_BRANCH,    /* id, text; a: condition; args: clauses (and `next` steps:
                  N_STR with flags 1); path: aspect (`assess ASPECT`) or
                  NULL for a main branch; b: the N_AUTHFIELD list of its
                  `authorize` block, or NULL; ival, ival2: that block's
                  byte span (for polc fmt) */
  N_CRITERION, /* id, text; op: combinator; num: k; a: body (leaves);
                  args: children; flags; tags; cite */
  N_TAG,       /* str name (criterion attribute) */
  N_FOREACH,   /* clause: for each str in a { args: clauses } */
  N_DECISION,  /* args: N_RULE; str: a named standard decision
                  (`decision review`), its rules written by the checker */
  N_RULE,      /* str outcome; a: N_DCOND, or NULL for `otherwise` */
  N_DCOND,     /* op: D_*; a, b operands; str: tag */
  N_OTHERWISE, /* str outcome (deny, refer, pend) for a line no branch
                  applies to; text: its reason, or NULL */
  N_AUTHFIELD, /* a field of a branch's `authorize` block (the list hangs
                  off N_BRANCH.b): str the field's name, a its value;
                  index: pol_AuthField (set by the checker); flags:
                  AF_PERIOD_TO / AF_PERIOD_FOR on the `start` of a
                  `period S to E` / `period S for D` (its `end` follows,
                  flagged AF_PERIOD_END; for D: b is D, a is S + D - 1 day) */
  N_VALUESET,  /* valueset str "text" path { args: N_VSITEM }: path is the
                  code system's spelling; vset: its compiled ranges */
  N_VSITEM,    /* an item of a value set or of `codes`: str a code or a
                  family ("M05.*"), text the end of a range (str .. text)
                  or NULL; flags VS_* */
  N_TABLE,     /* table str "text" { args: N_HEADER entries: str the key,
                  a the value; flags 1: the `default` (str NULL) } */
  N_PLAN,      /* plan "str" { ... }: args: N_HEADER settings, each with
                  text (a word: `denials recommended`) or args (an N_STR) */
  N_FHIR,      /* a FHIR binding (docs/fhir.md): path the case path it
                  fills; str the source (Resource or Resource.element...);
                  a: its `where` (N_FHIRMAP: path the coded element, args
                  the N_STR "system|code" list, or str the name of a value
                  set and decl that N_VALUESET) or NULL; args: N_FHIRMAP
                  list; flags 1: a list of records (`{ field = ... }`) */
  N_FHIRMAP    /* str the record field (NULL for `= elem`); path the
                  element path; text a conversion (age, quantity) or NULL;
                  cite its argument (a UCUM unit) or NULL */
} pol_NodeKind;

enum { Q_EXISTS, Q_EVERY, Q_NO, Q_COUNT, Q_COUNTD, Q_SUM, Q_LATEST, Q_EARLIEST,
       Q_FIRST   /* `first x in L where P`: P of the first item */ };
enum { POL_STR_CALENDAR = 2 };   /* N_STR flags: `calendar year` (a `per` period) */
enum { COV_DAYS, COV_RUN };                       /* N_COVER op */
/* decision conditions */
enum { D_FAILED, D_UNKNOWN, D_ANY_FAILED_TAG, D_EVERY_FAILED_TAG, D_ANY_UNKNOWN_TAG,
       D_AND, D_OR, D_NOT };
enum { C_LEAF, C_ALL, C_ANY, C_ATLEAST };       /* criterion combinator */
enum { CF_EXCLUSION = 1, CF_PREREQ = 2 };  /* N_CRITERION flags; a prerequisite
                                                  (a top-level item) keeps its governed
                                                  branch ids (N_STR) in e */
enum { POL_LET_PARAM = 2 };   /* N_LET flags (1: with parameters): a reviewer-chosen
                                 `param NAME = VALUE "WHY"` (docs/language.md) */
enum { AF_PERIOD_TO = 1, AF_PERIOD_FOR = 2, AF_PERIOD_END = 4 };   /* N_AUTHFIELD flags */
enum { VS_EXCEPT = 1, VS_NAME = 2 };            /* N_VSITEM flags: str names a value set */
enum { POL_DECISION_REVIEW_FLOW = 1 };   /* N_DECISION flags: written by the
                                            checker (check.c review_flow) */

/* operator codes for N_UNARY / N_BINARY (operators.def) */
enum {
#define X(code, spelling) O_##code,
#include "operators.def"
#undef X
};

/* The source spelling of operator op ("==", "not in", "??"); static. */
const char *pol_op_text(int op);

/* resolution of N_NAME / N_CALL, filled by the checker */
enum {
  R_NONE, R_FACT, R_LET, R_PARAM, R_FIELD, R_ITEM, R_BUILTIN, R_EXTERN,
  R_EACH,      /* the item of the enclosing `for each` */
  R_VSET       /* a value set (the right side of `in`); decl its N_VALUESET */
};

typedef struct pol_Node pol_Node;
struct pol_Node {
  pol_NodeKind kind;
  int op;
  pol_Span span;
  pol_Node *a, *b, *c, *d, *e;
  pol_Node *args;      /* first of a list linked through next */
  pol_Node *next;
  pol_Node *last;      /* the head of a list: its last item (pol_list_append) */
  pol_Node *tref;      /* declared type */
  const char *str;     /* name, string literal, id */
  const char *text;    /* criterion / branch text; extern lib */
  const char *cite;
  const char *next_step;  /* criterion: what would resolve its failure */
  const char *path;    /* fact path */
  pol_Dec num;         /* N_NUM; N_ATLEAST: k */
  int32_t ival, ival2; /* date days; duration months, days */
  int flags;
  /* filled by the checker */
  uint32_t type;       /* type code, see vm/bytecode.h */
  int res;             /* R_* */
  pol_Node *decl;      /* the declaration a name/call resolves to */
  int index;           /* param/field index, builtin; N_FACT: its slot */
  int depth;           /* R_FIELD / R_ITEM: enclosing quantifier, 0 = innermost */
  uint32_t tagbits;
  void *scope;         /* N_LET: the pol_Scope its body resolves in */
  int state;           /* N_LET, N_VALUESET: 0 unchecked, 1 checking, 2 checked */
  void *vset;          /* N_VALUESET: its pol_VSetC (compiler/valueset.h) */
};

pol_Node *pol_node(pol_Arena *a, pol_NodeKind kind, pol_Span span);
/* Appends item to the list whose head is *head, in O(1) amortized. */
void pol_list_append(pol_Node **head, pol_Node *item);

/* The first node of the trees in list (linked through next) that lies more
   than limit levels below its item, or NULL.  Its recursion is bounded by
   limit, so it is safe on any tree the parser builds (a 100000-term `and`
   chain is 100000 levels deep): passes that recurse without a bound of
   their own (polc fmt) call it first. */
const pol_Node *pol_ast_too_deep(const pol_Node *list, int limit);

/* A source file known to the compile. */
typedef struct pol_Source {
  char *name;       /* as given on the command line / resolved import */
  char *text;       /* whole contents, NUL-terminated */
  size_t len;
  pol_Node *items;  /* top-level declarations */
  int is_module;    /* imported from stdlib */
} pol_Source;

#endif
