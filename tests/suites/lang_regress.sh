#!/bin/sh
# tests/suites/lang_regress.sh BUILD_DIR -- language regressions: each
#   tests/lang/regress/NAME.pol compiles, and NAME.json judged with it gives
#   the determinations in NAME.expect (and, where NAME.missing exists, its
#   "missing" list: one "criterion: facts" line per entry, in trace order;
#   where NAME.text exists, the text trace, bundle and case hash lines masked).
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
  $POLVM trace --format json --bundle "$T/r.polb" "$n.json" > "$T/r.json"
  got=$(python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))' < "$T/r.json")
  [ "$got" = "$(cat "$n.expect")" ] && ok || ko "regression $f: got $got, expected $(cat "$n.expect")"
  if [ -f "$n.text" ]; then
    $POLVM trace --bundle "$T/r.polb" "$n.json" | sed -e 's/^Bundle sha256 .*/Bundle sha256 */' -e 's/^Case sha256 .*/Case sha256 */' > "$T/r.text"
    cmp -s "$T/r.text" "$n.text" && ok || { ko "regression $f: text trace differs:"; diff "$n.text" "$T/r.text" | head -10; }
  fi
  [ -f "$n.missing" ] || continue
  python3 -c 'import json,sys
for d in json.load(sys.stdin)["determinations"]:
    for m in d["missing"]: print("%s: %s" % (m["criterion"], ", ".join(m["facts"])))' < "$T/r.json" > "$T/r.missing"
  cmp -s "$T/r.missing" "$n.missing" && ok || { ko "regression $f: missing differs:"; diff "$n.missing" "$T/r.missing" | head -10; }
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
