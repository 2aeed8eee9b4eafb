#!/bin/sh
# tests/suites/expectations.sh BUILD_DIR -- hand-checked expectations: each
#   examples/*/expected/CASE.json (determination, criteria, reasons) against
#   polvm eval --criteria, and the coverage matrix of the CareSource
#   expectations.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

for d in examples/*/expected; do
  [ -d "$d" ] || continue
  src=$(dirname "$d")
  : > "$T/in.ndjson"; : > "$T/exp.ndjson"
  for e in "$d"/*.json; do
    stem=$(basename "$e" .json)
    tr -d '\n' < "$src/$stem.json" >> "$T/in.ndjson"; echo >> "$T/in.ndjson"
    tr -d '\n' < "$e" >> "$T/exp.ndjson"; echo >> "$T/exp.ndjson"
  done
  $POLVM eval --criteria --bundle "$BUNDLE" < "$T/in.ndjson" > "$T/ours.ndjson"
  if python3 tests/oracle/compare.py "$T/exp.ndjson" "$T/ours.ndjson" > "$T/cmp"; then ok
  else ko "expectations in $d:"; cat "$T/cmp"; fi
done
python3 tests/oracle/check_matrix.py examples/caresource-sij/expected/*.json > "$T/m" && ok || { ko "coverage matrix"; cat "$T/m"; }

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
