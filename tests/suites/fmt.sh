#!/bin/sh
# tests/suites/fmt.sh BUILD_DIR -- `polc fmt`:
#   1. format check: every .pol of the tree (tools/pol-files.sh) is in the
#      canonical layout (`make format` fixes it);
#   2. the layout is idempotent and does not depend on the input's spacing:
#      each file with its white space scrambled (tests/fmt/mangle.py)
#      formats to the same text; with comments between random tokens
#      (tests/fmt/sprinkle.py) every comment is kept and the result is
#      idempotent;
#   3. formatting never changes meaning: the disassembly (`polc --dump`,
#      source positions stripped) of every policy compiled from scrambled
#      sources and from their formatted text is the same, the stdlib
#      modules included; and so are the determinations of 2000 generated
#      cases and of the examples under both bundles;
#   4. goldens: tests/fmt/*.pol formats to tests/fmt/*.expected (comments
#      in every position, long expressions); the broken and hostile inputs
#      of the other suites give a diagnostic or an idempotent layout, never
#      an internal error or a crash; the exit codes.
# Prints one line per failure and a summary line; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh
export SOURCE_DATE_EPOCH=0

FILES=$(sh tools/pol-files.sh)

# ---- 1. format check --------------------------------------------------------
if $POLC fmt --check $FILES > "$T/unformatted" 2> "$T/err"; then ok
else ko "not in the canonical layout (run 'make format'): $(tr '\n' ' ' < "$T/unformatted") $(head -5 "$T/err")"; fi

# ---- 2. idempotent, independent of the input's spacing -----------------------
mkdir -p "$T/orig" "$T/mangled" "$T/fmt"
seed=1
for f in $FILES; do
  seed=$((seed + 1))
  mkdir -p "$T/orig/$(dirname "$f")" "$T/mangled/$(dirname "$f")" "$T/fmt/$(dirname "$f")"
  $POLC fmt "$f" > "$T/orig/$f" 2> "$T/err" || { ko "fmt $f: $(head -3 "$T/err")"; continue; }
  $POLC fmt "$T/orig/$f" > "$T/again" 2>&1
  cmp -s "$T/orig/$f" "$T/again" && ok || { ko "fmt is not idempotent on $f:"; diff "$T/orig/$f" "$T/again" | head -10; }
  python3 tests/fmt/mangle.py $seed < "$f" > "$T/mangled/$f"
  cmp -s "$f" "$T/mangled/$f" && ko "mangle.py left $f unchanged"
  $POLC fmt "$T/mangled/$f" > "$T/fmt/$f" 2> "$T/err" || { ko "fmt (scrambled) $f: $(head -3 "$T/err")"; continue; }
  cmp -s "$T/orig/$f" "$T/fmt/$f" && ok || { ko "fmt of $f depends on its spacing:"; diff "$T/orig/$f" "$T/fmt/$f" | head -10; }
done

# comments anywhere: 40 comments between random tokens of each file (and the
# spacing scrambled); all kept, in order (polc fmt checks), and idempotent
for f in $FILES tests/fmt/comments.pol tests/fmt/comments-odd.pol; do
  for s in 1 2; do
    seed=$((seed + 1))
    python3 tests/fmt/sprinkle.py $seed 40 < "$f" | python3 tests/fmt/mangle.py $seed > "$T/sp.pol"
    $POLC fmt "$T/sp.pol" > "$T/sp1" 2> "$T/err" || { ko "fmt of $f with comments sprinkled (seed $seed): $(head -3 "$T/err")"; continue; }
    $POLC fmt - < "$T/sp1" > "$T/sp2" 2>&1
    cmp -s "$T/sp1" "$T/sp2" && ok || { ko "fmt is not idempotent on $f with comments sprinkled (seed $seed):"; diff "$T/sp1" "$T/sp2" | head -10; }
  done
done

# ---- 3. same meaning ---------------------------------------------------------
# a policy's disassembly: source positions (file:line:col) stripped
dump() { # ROOT FILE
  $POLC -I "$1/stdlib" --dump "$1/$2" 2> "$T/err" | sed -e 's/([^()]*:[0-9]*:[0-9]*)//g'
}
for f in $FILES; do
  grep -q '^policy ' "$f" || continue
  dump "$T/mangled" "$f" > "$T/d1" && dump "$T/fmt" "$f" > "$T/d2"
  if [ ! -s "$T/d1" ]; then ko "--dump of scrambled $f: $(head -3 "$T/err")"; continue; fi
  cmp -s "$T/d1" "$T/d2" && ok || { ko "formatting changed the bundle of $f:"; diff "$T/d1" "$T/d2" | head -10; }
done
# the policies' determinations under both bundles
POLS=$(for f in $FILES; do case $f in policies/*) echo "$f";; esac; done)
for v in mangled fmt; do
  $POLC -I "$T/$v/stdlib" -o "$T/$v.polb" $(for f in $POLS; do echo "$T/$v/$f"; done) 2> "$T/err" ||
    ko "compile $v policies: $(head -3 "$T/err")"
done
python3 tests/oracle/gencases.py --seed 31 --count 2000 > "$T/cases.ndjson"
for e in examples/*/*.json; do
  case "$e" in */expected/*) continue ;; esac
  tr -d '\n' < "$e" >> "$T/cases.ndjson"; echo >> "$T/cases.ndjson"
done
unbundle() { sed -e 's/"bundle": {[^}]*}, //'; }
$POLVM eval --criteria --bundle "$T/mangled.polb" < "$T/cases.ndjson" | unbundle > "$T/e1"
$POLVM eval --criteria --bundle "$T/fmt.polb" < "$T/cases.ndjson" | unbundle > "$T/e2"
if [ -s "$T/e1" ] && cmp -s "$T/e1" "$T/e2"; then ok
else ko "determinations differ between scrambled and formatted policies:"; diff "$T/e1" "$T/e2" | head -5; fi

# ---- 4. goldens and exit codes -------------------------------------------------
for f in tests/fmt/*.pol; do
  exp=${f%.pol}.expected
  $POLC fmt "$f" > "$T/out" 2>&1
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/out" "$exp"; fi
  cmp -s "$T/out" "$exp" && ok || { ko "fmt $f differs from $exp:"; diff "$exp" "$T/out" | head -20; }
  $POLC fmt "$exp" > "$T/out" 2>&1
  cmp -s "$T/out" "$exp" && ok || ko "fmt is not idempotent on $exp"
done
# broken and hostile inputs: a diagnostic (exit 1) or a layout (exit 0, then
# idempotent), never an internal error or a crash
for f in tests/golden/errors/*.pol tests/hostile/*.pol tests/fuzz/regress/*/*.pol; do
  [ -f "$f" ] || continue
  $POLC fmt "$f" > "$T/h1" 2> "$T/err"
  rc=$?
  case $rc in
    0) $POLC fmt - < "$T/h1" > "$T/h2" 2>&1; cmp -s "$T/h1" "$T/h2" && ok || ko "fmt is not idempotent on $f" ;;
    1) ok ;;
    *) ko "fmt $f exited $rc: $(tail -2 "$T/err")" ;;
  esac
done
expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
expect_rc 2 $POLC fmt
expect_rc 2 $POLC fmt --frob policies/caresource-nc-sij-fusion.pol
expect_rc 3 $POLC fmt /nonexistent.pol
expect_rc 1 $POLC fmt tests/golden/errors/syntax-two-errors.pol
expect_rc 1 $POLC fmt --check tests/fmt/comments.pol
grep -qx 'tests/fmt/comments.pol' "$T/o" && ok || ko "fmt --check does not name the unformatted file: $(cat "$T/o")"
expect_rc 0 $POLC fmt --check policies/caresource-nc-sij-fusion.pol
[ ! -s "$T/o" ] && ok || ko "fmt --check printed something for a formatted file"
cp tests/fmt/comments.pol "$T/w.pol"
expect_rc 0 $POLC fmt -w "$T/w.pol"
cmp -s "$T/w.pol" tests/fmt/comments.expected && ok || ko "fmt -w did not rewrite the file"
expect_rc 0 $POLC fmt - < tests/fmt/comments.pol
cmp -s "$T/o" tests/fmt/comments.expected && ok || ko "fmt - (standard input)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
