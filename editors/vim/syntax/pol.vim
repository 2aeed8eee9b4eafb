" Vim syntax file
" Language:    pol -- medical-necessity policies (polc/polvm, docs/language.md)
" Install:     copy editors/vim/ into ~/.vim, or: set runtimepath^=/path/to/editors/vim
" Keep in step with compiler/lexer.l (tests/suites/editors.sh checks the
" keywords).

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

" declarations and clauses
syn keyword polDecl      policy import record fact let extern decision valueset
syn keyword polDecl      branch assess nextgroup=polBranchId skipwhite
syn keyword polClause    criterion exclusion prerequisite nextgroup=polCritId skipwhite
syn keyword polKeyword   when all any at least of for each tag cite next otherwise tagged authorize except fhir
" expressions
syn keyword polOperator  and or not in within
syn keyword polQuantifier exists every no count distinct where days covered by from to sum latest earliest if then else longest
syn keyword polBoolean   true false
syn keyword polIt        it
syn keyword polType      bool number string date duration window set list
syn keyword polBuiltin   floor start_of end_of known calendar_year calendar_quarter calendar_month sides periods
syn keyword polOutcome   approve deny pend loi refer failed unknown

" literals: later definitions win where several start at the same column
syn match   polNumber    "\<\d\+\%(\.\d\+\)\=\>"
syn match   polDuration  "\<\d\+[ \t]\+\%(days\=\|weeks\=\|months\=\|years\=\)\>"
syn match   polDate      "\<\d\{4}-\d\{2}-\d\{2}\>"
syn match   polEscape    contained +\\[nt"\\]+
syn region  polString    start=+"+ skip=+\\.+ end=+"+ end=+$+ contains=polEscape
" the outline id of a criterion or exclusion, and a branch's id
syn match   polCritId    contained +"\%([^"\\]\|\\.\)*"+
syn match   polBranchId  contained +"\%([^"\\]\|\\.\)*"+
syn match   polOperatorSym "==\|!=\|<=\|>=\|??\|[<>+*/-]"

syn keyword polTodo      contained TODO FIXME XXX NOTE
syn match   polComment   "//.*$" contains=polTodo,@Spell
syn region  polComment   start="/\*" end="\*/" contains=polTodo,@Spell

hi def link polDecl        Statement
hi def link polClause      Statement
hi def link polKeyword     Keyword
hi def link polOperator    Operator
hi def link polQuantifier  Repeat
hi def link polBoolean     Boolean
hi def link polIt          Identifier
hi def link polType        Type
hi def link polBuiltin     Function
hi def link polOutcome     Constant
hi def link polNumber      Number
hi def link polDuration    Number
hi def link polDate        Number
hi def link polString      String
hi def link polEscape      SpecialChar
hi def link polCritId      Label
hi def link polBranchId    Title
hi def link polOperatorSym Operator
hi def link polTodo        Todo
hi def link polComment     Comment

let b:current_syntax = "pol"
let &cpo = s:cpo_save
unlet s:cpo_save
