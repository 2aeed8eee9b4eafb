#!/bin/sh
# tests/suites/interp_diff.sh BUILD_DIR -- the AST reference evaluator
#   (compiler/interp.c, through BUILD_DIR/tests/interp_diff) agrees with the
#   VM on generated cases: the real policies, every language construct
#   (tests/lang/features.pol), the plan-limited seed policies (decision
#   rules, assess blocks, for each), and every example case (each must
#   load; the one suite comparing the two on examples/, examples_interp.sh
#   having done the same a second time).
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh

if [ -x "$B/tests/interp_diff" ]; then
  python3 tests/oracle/gencases.py --seed 21 --count 3000 > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM:"; tail -20 "$T/id"; fi
  # every language construct: a third of the lines re-coded for features.pol
  python3 tests/oracle/gencases.py --seed 22 --count 3000 | python3 tests/lang/retarget.py > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol tests/lang/features.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (tests/lang/features.pol):"; tail -20 "$T/id"; fi
  # the plan-limited seed policies: decision rules, assess blocks, for each
  python3 tests/oracle/gencases.py --seed 23 --count 3000 \
    | python3 tests/lang/retarget.py --plans commercial-sij-loi,commercial-sij,odg-workers-comp,commercial-spine \
        --codes 27279,27096,22612,63047,27280 > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol tests/lang/features.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (plans, seed policies):"; tail -20 "$T/id"; fi
  grep -q '^for each: [1-9][0-9]* lines, .*assess: [1-9][0-9]* determinations; authorize: [0-9]* fields$' "$T/id" && ok \
    || ko "AST evaluator vs VM: no line judged with for each or assess: $(grep '^for each' "$T/id")"
  # the example cases of every policy (the generated ones are SIJ-shaped:
  # drug requests such as examples/glp1/ reach their policy only here)
  for f in examples/*/*.json; do
    case "$f" in */expected/*) continue ;; esac
    python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"
  done > "$T/ex.ndjson"
  if $B/tests/interp_diff "$T/ex.ndjson" policies/*.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (examples/):"; tail -20 "$T/id"; fi
  grep -q 'loi [1-9]' "$T/id" && ok || ko "AST evaluator vs VM: no example line judged loi: $(grep '^request lines' "$T/id")"
  grep -q '^cases: \([0-9]*\) read, \1 loaded, 0 skipped$' "$T/id" && ok \
    || ko "every example loads: $(grep '^cases' "$T/id")"
else
  ko "$B/tests/interp_diff is not built (make test builds it)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
