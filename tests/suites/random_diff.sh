#!/bin/sh
# tests/suites/random_diff.sh BUILD_DIR -- random policies: the VM against
# the AST reference evaluator on every request line, and the soundness of
# unknowns by completion (tests/gen/, docs/testing.md "Random policies").
#
#   1. the kept reproducers tests/gen/regress/NAME/ (policies *.pol, cases
#      cases.ndjson): each once a disagreement, now none;
#   2. 40 seeds of tests/gen/genpol.py (300 cases each) through interp_diff;
#   3. 10 seeds of bases and their completions through polvm eval and
#      tests/gen/completion.py (no known result changes under completion).
# The known-open classes (genpol.py KNOWN_OPEN) are not generated here; the
# long run `make fuzz-diff` reports them apart.  A failing seed prints the
# command that re-runs it alone.
set -u
B=${1:-build}
. tests/lib.sh
for d in tests/gen/regress/*/; do
  [ -d "$d" ] || continue
  if "$B/tests/interp_diff" "$d/cases.ndjson" "$d"/*.pol > "$T/r" 2>&1; then ok
  else ko "reproducer $d:"; head -12 "$T/r"; fi
done
if python3 tests/gen/diffrun.py --build "$B" --seeds "${RANDOM_DIFF_SEEDS:-1-40}" --cases 300 \
     --completion-seeds "${RANDOM_COMPLETION_SEEDS:-1-10}" --completion-cases 40 > "$T/run" 2>&1; then ok
else ko "random policies (tests/gen/diffrun.py):"; grep -v ' passed, [0-9]* failed$' "$T/run" | head -40; fi
grep -E '^(differential|completion|precision):' "$T/run"
grep -q '^differential: 40 seeds, [1-9][0-9]* request lines compared, 0 disagreed$' "$T/run" \
  || [ -n "${RANDOM_DIFF_SEEDS:-}" ] && ok || ko "differential summary: $(grep '^differential' "$T/run")"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
