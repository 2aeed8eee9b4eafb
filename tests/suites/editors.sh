#!/bin/sh
# tests/suites/editors.sh BUILD_DIR -- editor support:
#   1. editors/textmate/pol.tmLanguage.json is valid JSON whose regexes run
#      in Python, and on the CareSource policy (and two test policies)
#      every keyword token gets a keyword scope, every string a string
#      scope, every criterion id an entity scope, every comment, date,
#      duration and number theirs (tests/editors/check_textmate.py);
#   2. editors/vim/syntax/pol.vim names every keyword of compiler/lexer.l;
#   3. with vim installed (skipped with a message otherwise): ftdetect
#      gives *.pol the type pol, and synIDattr() names the expected group
#      at a few dozen positions of tests/doc/sample.pol
#      (tests/editors/check.vim, under vim -Es -u NONE).
# Prints one line per failure and a summary line; exits 1 on a failure.
set -u
. tests/lib.sh

# ---- 1. TextMate ---------------------------------------------------------------
if python3 tests/editors/check_textmate.py editors/textmate/pol.tmLanguage.json compiler/lexer.l \
     policies/caresource-nc-sij-fusion.pol tests/doc/sample.pol tests/fmt/comments.pol > "$T/tm"; then ok
else ko "TextMate grammar:"; head -20 "$T/tm"; fi

# ---- 2. the vim keywords follow the lexer ----------------------------------------
python3 - compiler/lexer.l editors/vim/syntax/pol.vim > "$T/kw" <<'PY' && ok || { ko "vim syntax keywords:"; cat "$T/kw"; }
import re, sys
lexer = set(re.findall(r'^"([a-z]+)"\s+return\s+[A-Z]+;', open(sys.argv[1]).read(), re.M))
vim = set()
for line in open(sys.argv[2]):
    m = re.match(r"\s*syn keyword\s+\w+\s+(.*)", line)
    if m:
        vim |= {w for w in m.group(1).split() if not re.match(r"\w+=|contained$|skipwhite$", w)}
missing = sorted(lexer - vim)
if missing or len(lexer) < 40:
    print("not highlighted as keywords:", " ".join(missing) or f"(only {len(lexer)} lexer keywords found)")
    sys.exit(1)
PY

# ---- 3. vim ----------------------------------------------------------------------
if ! command -v vim > /dev/null 2>&1; then
  echo "SKIP: vim is not installed: editors/vim was not checked in vim (apt-get install -y vim)"
else
  POL_VIM_OUT="$T/vim.out" vim -Es -u NONE -N -i NONE --cmd 'set rtp^=editors/vim' \
    -S tests/editors/check.vim tests/doc/sample.pol < /dev/null > "$T/vim.log" 2>&1
  if [ -f "$T/vim.out" ] && grep -q '^ok [0-9]' "$T/vim.out"; then ok
  else ko "vim syntax (tests/editors/check.vim):"; cat "$T/vim.out" "$T/vim.log" 2>/dev/null | head -20; fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
