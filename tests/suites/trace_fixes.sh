#!/bin/sh
# tests/suites/trace_fixes.sh BUILD_DIR -- regressions of small trace defects
#   (issue 12), each failing on the code before its fix:
#   a. a list of strings as evidence is shown as its items, not "N items"
#      (vm/trace.c value_json read the element type's element kind);
#   b. the text trace prints no empty "Not certified because:" for a refer
#      caused only by an unknown criterion (pt-visit-limits' refer rule);
#   c. `missing` does not list the facts of a let argument whose parameter
#      the body never reads (tests/trace_fixes/unused-param.pol).
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh

# a. seed 004: the requested levels are evidence of F.2.a
$POLVM trace --bundle $B/policies.polb --format json examples/seeds/seed-004-t12-s2-fusion.json > "$T/a.json"
python3 - "$T/a.json" <<'PY' && ok || ko "a: request.procedures[].levels is not shown as its items"
import json, sys
d = json.load(open(sys.argv[1]))["determinations"][0]
ev = [e for c in d["criteria"] if c["id"] == "F.2.a" for e in c["evidence"] if e["fact"] == "request.procedures[].levels"]
assert ev and ev[0]["value"] == ["T12-L1", "L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"], ev
PY
$POLVM trace --bundle $B/policies.polb examples/seeds/seed-004-t12-s2-fusion.json > "$T/a.txt"
grep -q 'request.procedures\[\].levels = \["T12-L1", ' "$T/a.txt" && ok || ko "a: the text trace does not show the levels"

# b. pt-visit-limits: an extension with complete documents refers on the
#    unknown clinical finding alone
for ex in com-extension-complete ma-extension-complete com-progress-note-30-days; do
  $POLVM trace --bundle $B/policies.polb examples/pt-visits/$ex.json > "$T/b.txt"
  grep -q -- '->  REFER' "$T/b.txt" && ok || ko "b: $ex is not a refer"
  awk '/because:$/ { getline n; if (n !~ /^  - /) bad = 1 } END { exit bad }' "$T/b.txt" && ok ||
    ko "b: $ex: a 'because:' heading with no reason under it"
done

# c. the unused parameter's fact (patient.age) is not missing
expect_rc 0 $POLC -o "$T/c.polb" tests/trace_fixes/unused-param.pol
printf '{"case_id": "tf", "request": {"date": "2025-06-01", "procedures": [{"cpt": "99401"}]}}\n' > "$T/c.json"
$POLVM trace --bundle "$T/c.polb" --format json "$T/c.json" > "$T/c.out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; sys.exit(0 if d["determination"] == "pend" and d["missing"][0]["facts"] == ["symptoms.pain_nrs"] else 1)' "$T/c.out" && ok ||
  ko "c: missing of an unused let parameter: $(grep -o '"missing".*' "$T/c.out" | head -c 300)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
