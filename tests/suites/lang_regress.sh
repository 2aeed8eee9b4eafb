#!/bin/sh
# tests/suites/lang_regress.sh BUILD_DIR -- language regressions: each
#   tests/lang/regress/NAME.pol compiles, and NAME.json judged with it gives
#   the determinations in NAME.expect.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh

for f in tests/lang/regress/*.pol; do
  [ -f "$f" ] || continue
  n=${f%.pol}
  $POLC -o "$T/r.polb" "$f" > "$T/e" 2>&1 || { ko "regression $f does not compile: $(head -3 "$T/e")"; continue; }
  got=$($POLVM trace --format json --bundle "$T/r.polb" "$n.json" | python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))')
  [ "$got" = "$(cat "$n.expect")" ] && ok || ko "regression $f: got $got, expected $(cat "$n.expect")"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
