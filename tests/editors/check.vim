" tests/editors/check.vim -- run by tests/suites/editors.sh as
"   vim -Es -u NONE -N -i NONE --cmd 'set rtp^=editors/vim' -S tests/editors/check.vim SAMPLE.pol
" with editors/vim first in 'runtimepath': the file type comes from
" ftdetect/pol.vim, the highlighting from syntax/pol.vim.  Each check finds
" the first match of a pattern (from line 1) and compares the syntax group
" at its first character; the failures, or "ok N", go to $POL_VIM_OUT.
filetype on
syntax on
doautocmd BufRead
let s:out = []
let s:n = 0
function! s:Check(pat, group) abort
  let s:n += 1
  call cursor(1, 1)
  let [l, c] = searchpos(a:pat, 'cW')
  if l == 0
    call add(s:out, 'pattern not found: ' . a:pat)
    return
  endif
  let got = synIDattr(synID(l, c, 1), 'name')
  if got !=# a:group
    call add(s:out, printf('%d:%d %s: %s, expected %s', l, c, a:pat, got == '' ? '(none)' : got, a:group))
  endif
endfunction
if &filetype !=# 'pol'
  call add(s:out, 'filetype is "' . &filetype . '", expected "pol" (ftdetect/pol.vim)')
endif
if get(b:, 'current_syntax', '') !=# 'pol'
  call add(s:out, 'syntax/pol.vim was not loaded')
endif
call s:Check('^// tests', 'polComment')
call s:Check('^policy', 'polDecl')
call s:Check('"Lumbar facet', 'polString')
call s:Check('2025-03-01', 'polDate')
call s:Check('\<import\>', 'polDecl')
call s:Check('\<extern\>', 'polDecl')
call s:Check('\<bool\>', 'polType')
call s:Check('12 months', 'polDuration')
call s:Check('\<branch\>', 'polDecl')
call s:Check('"RF" "Radio', 'polBranchId')
call s:Check('\<when\>', 'polKeyword')
call s:Check('\<criterion\>', 'polClause')
call s:Check('"RF.1"', 'polCritId')
call s:Check('\<tag\>', 'polKeyword')
call s:Check('\<cite\>', 'polKeyword')
call s:Check('\<next\>', 'polKeyword')
call s:Check('\<all of\>', 'polKeyword')
call s:Check('\<count distinct\>', 'polQuantifier')
call s:Check('\<where\>', 'polQuantifier')
call s:Check('\<and\>', 'polOperator')
call s:Check('>= min', 'polOperatorSym')
call s:Check('80) >= 2', 'polNumber')
call s:Check('\<days of\>', 'polQuantifier')
call s:Check('\<known\>', 'polBuiltin')
call s:Check('== true', 'polOperatorSym')
call s:Check('\<true\>', 'polBoolean')
call s:Check('\<exclusion\>', 'polClause')
call s:Check('"RF.X"', 'polCritId')
call s:Check('\<it in\>', 'polIt')
call s:Check('\<for each\>', 'polKeyword')
call s:Check('\<decision\>', 'polDecl')
call s:Check('\<refer\>', 'polOutcome')
call s:Check('\<tagged\>', 'polKeyword')
call s:Check('\<otherwise\>', 'polKeyword')
if empty(s:out)
  call add(s:out, 'ok ' . s:n)
endif
call writefile(s:out, $POL_VIM_OUT)
qa!
