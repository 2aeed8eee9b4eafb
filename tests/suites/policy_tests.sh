#!/bin/sh
# tests/suites/policy_tests.sh BUILD_DIR -- policy tests: polvm test
#   --coverage --threshold 100 over policies/*.test.json (every criterion of
#   every policy both ways), deterministic output, the coverage JSON; what a
#   failing test prints; the exit codes (docs/testing.md).
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

$POLVM test --bundle "$BUNDLE" --coverage --threshold 100 --coverage-json "$T/cov.json" policies/*.test.json > "$T/pt" 2> "$T/e"
rc=$?
[ $rc -eq 0 ] && ok || { ko "polvm test --coverage --threshold 100 policies/*.test.json exited $rc:"; grep -v '^  ' "$T/pt" | head -30; head -5 "$T/e"; }
tail -1 "$T/pt" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' && ok || ko "policy tests summary: $(tail -1 "$T/pt")"
[ "$(grep -c '^Coverage of .*(100.0%)' "$T/pt")" -eq "$(ls policies/*.pol | wc -l)" ] && ok || ko "coverage: not every policy at 100% (each policies/X.pol needs policies/X.test.json): $(grep '^Coverage of' "$T/pt")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all(p["percent"] == 100.0 for p in d["policies"]) and d["policies"]' "$T/cov.json" && ok || ko "coverage JSON"
$POLVM test --bundle "$BUNDLE" --coverage policies/*.test.json > "$T/pt2" 2>&1
cmp -s "$T/pt" "$T/pt2" && ok || ko "polvm test output is not deterministic"
# what a failing test prints; the exit codes
cat > "$T/f.test.json" <<'JSON'
{"policy": "MP-MM-1366", "tests": [
  {"name": "passes", "case": "EX/denied-one-injection.json", "expect": {"determination": "deny", "reasons": ["I.B.7"]}},
  {"name": "fails", "case": "EX/denied-one-injection.json", "patch": {"symptoms": {"pain_nrs": 4}},
   "expect": {"line": 1, "determination": "approve", "criteria": {"I.B.2": "met"}, "reasons": ["I.B.7"]}}]}
JSON
sed -i "s#EX/#$PWD/examples/caresource-sij/#" "$T/f.test.json"
expect_rc 1 $POLVM test --bundle "$BUNDLE" "$T/f.test.json"
grep -qx 'FAIL .*f.test.json: fails: line 1: determination deny, expected approve; line 1: I.B.2 not_met, expected met; line 1: reasons \[I.B.2, I.B.7\], expected \[I.B.7\]' "$T/o" && ok || ko "polvm test failure line: $(cat "$T/o")"
[ "$(tail -1 "$T/o")" = "1 passed, 1 failed" ] && ok || ko "polvm test summary: $(tail -1 "$T/o")"
expect_rc 1 $POLVM test --bundle "$BUNDLE" --threshold 100 policies/seed-002-odg-sij-injection.test.json "$T/f.test.json"
grep -q '^Coverage of MP-MM-1366 is .*below the threshold of 100%' "$T/o" && ok || ko "threshold: $(cat "$T/o")"
printf '{"tests": [{"name": "x", "case": "a.json", "expect": {"determination": "approve", "reason": []}}]}' > "$T/m.test.json"
expect_rc 3 $POLVM test --bundle "$BUNDLE" "$T/m.test.json"
grep -q 'tests\[0\].expect: unknown key "reason"' "$T/e" && ok || ko "malformed test file names its path: $(cat "$T/e")"
expect_rc 3 $POLVM test --bundle "$BUNDLE" "$T/nonexistent.test.json"
expect_rc 2 $POLVM test --bundle "$BUNDLE"
expect_rc 2 $POLVM test --bundle "$BUNDLE" --threshold lots "$T/f.test.json"
printf 'not a bundle' > "$T/notpolb"
expect_rc 4 $POLVM test --bundle "$T/notpolb" "$T/f.test.json"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
