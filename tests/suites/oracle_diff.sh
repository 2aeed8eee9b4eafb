#!/bin/sh
# tests/suites/oracle_diff.sh BUILD_DIR -- differential: the VM against the
#   independent Python oracle of MP-MM-1366 (tests/oracle/) on 10,000
#   generated cases, four seeds.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

for seed in 11 12 13 14; do
  python3 tests/oracle/gencases.py --seed $seed --count 2500 > "$T/gen.ndjson"
  python3 tests/oracle/mp_mm_1366.py < "$T/gen.ndjson" > "$T/oracle.ndjson"
  $POLVM eval --criteria --bundle "$BUNDLE" < "$T/gen.ndjson" > "$T/ours.ndjson"
  if python3 tests/oracle/compare.py "$T/oracle.ndjson" "$T/ours.ndjson" > "$T/cmp"; then ok
  else ko "differential seed $seed:"; head -30 "$T/cmp"; fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
