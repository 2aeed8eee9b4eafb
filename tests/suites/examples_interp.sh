#!/bin/sh
# tests/suites/examples_interp.sh BUILD_DIR -- the AST reference evaluator
#   (compiler/interp.c, through BUILD_DIR/tests/interp_diff) agrees with the
#   VM on every hand-written example case (examples/*/*.json) judged with
#   the policies of policies/: the encoded payer policies' own cases, not
#   only generated ones.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh

if [ -x "$B/tests/interp_diff" ]; then
  : > "$T/ex.ndjson"
  for f in examples/*/*.json; do
    case "$f" in */expected/*) continue ;; esac
    python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f" >> "$T/ex.ndjson" \
      || ko "$f is not JSON"
  done
  if $B/tests/interp_diff "$T/ex.ndjson" policies/*.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM on examples/:"; grep -v '^ok' "$T/id" | tail -20; fi
  grep -q '^cases: \([0-9]*\) read, \1 loaded, 0 skipped$' "$T/id" && ok \
    || ko "every example loads: $(grep '^cases' "$T/id")"
else
  ko "$B/tests/interp_diff is not built (make test builds it)"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
