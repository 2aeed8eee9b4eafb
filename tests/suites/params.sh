#!/bin/sh
# tests/suites/params.sh BUILD_DIR -- reviewer-chosen parameters, `param
#   NAME = LITERAL "WHY"` (docs/language.md "Reviewer-chosen parameters";
#   fixture tests/params/param.pol, the docs' example):
#   * polc doc lists them and marks each use; polc fmt keeps them;
#   * the bundle carries them (section PARM, 2.3) and polvm verify accepts it;
#   * the trace shows them under each criterion that reads one (text, and
#     JSON `reviewer_chosen` in reasons, missing and criteria), and the
#     notice under the reason; a criterion reading none shows nothing;
#   * the value behaves as the literal (met / not met / unknown operand);
#   * E0357 (not a literal), E0358 (no reason);
#   * seed 004: the 20-degree Cobb threshold is marked reviewer-chosen.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
P=tests/params/param.pol
. tests/lib.sh

mkcase() {   # mkcase PAIN-JSON-MEMBERS
  printf '{"case_id": "pm", "request": {"date": "2025-06-01", "procedures": [{"cpt": "99013"}]}%s}\n' "${1:+, $1}" > "$T/case.json"
}
det() { $POLVM trace --bundle "$T/p.polb" --format json "$T/case.json" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["determinations"][0]["determination"])'; }

expect_rc 0 $POLC -o "$T/p.polb" $P
expect_rc 0 $POLVM verify "$T/p.polb"
# the value is the literal: 7 met, 6 not met, absent unknown
mkcase '"symptoms": {"pain_nrs": 7}'; [ "$(det)" = approve ] && ok || ko "pain 7: $(det)"
mkcase '"symptoms": {"pain_nrs": 6}'; [ "$(det)" = deny ] && ok || ko "pain 6: $(det)"
mkcase '';                            [ "$(det)" = pend ] && ok || ko "pain unknown: $(det)"

# polc doc: the section and the marker
$POLC doc $P > "$T/doc.md"
grep -q '^## Reviewer-chosen parameters$' "$T/doc.md" && ok || ko "polc doc: no Reviewer-chosen parameters section"
grep -qF -- '- `severe_pain` = 7: the document says severe pain but names no score' "$T/doc.md" && ok || ko "polc doc: the param is not listed: $(grep -n severe "$T/doc.md")"
grep -qF 'pain NRS ≥ 7 (reviewer-chosen: `severe_pain`)' "$T/doc.md" && ok || ko "polc doc: the use is not marked: $(grep -n 'Checked as' "$T/doc.md")"
$POLC doc --html $P > "$T/doc.html" 2>/dev/null || $POLC doc --format html $P > "$T/doc.html" 2>/dev/null
grep -q 'Reviewer-chosen parameters' "$T/doc.html" && ok || ko "polc doc html: no section"
# polc fmt keeps the declaration
$POLC fmt $P > "$T/fmt.pol" && grep -qx 'param severe_pain = 7 "the document says severe pain but names no score"' "$T/fmt.pol" &&
  $POLC fmt "$T/fmt.pol" | cmp -s - "$T/fmt.pol" && ok || ko "polc fmt does not keep the param: $(grep param "$T/fmt.pol")"

# the trace: text (reason), JSON (reasons, criteria, missing)
mkcase '"symptoms": {"pain_nrs": 5}'
$POLVM trace --bundle "$T/p.polb" "$T/case.json" > "$T/t.txt"
grep -qF 'reviewer-chosen (not in the policy document): severe_pain = 7 -- the document says severe pain but names no score' "$T/t.txt" && ok || ko "text trace: no reviewer-chosen line"
$POLVM trace --bundle "$T/p.polb" --format json "$T/case.json" > "$T/t.json"
python3 - "$T/t.json" <<'PY' && ok || ko "JSON trace: reviewer_chosen missing in reasons or criteria"
import json, sys
d = json.load(open(sys.argv[1]))["determinations"][0]
want = [{"param": "severe_pain", "value": "7", "why": "the document says severe pain but names no score"}]
assert d["reasons"][0]["reviewer_chosen"] == want, d["reasons"]
assert d["criteria"][0]["reviewer_chosen"] == want, d["criteria"]
PY
mkcase ''
$POLVM trace --bundle "$T/p.polb" --format json "$T/case.json" > "$T/t.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; sys.exit(0 if d["missing"][0]["reviewer_chosen"][0]["param"] == "severe_pain" else 1)' "$T/t.json" && ok || ko "JSON trace: reviewer_chosen missing in missing"
$POLVM trace --bundle "$T/p.polb" "$T/case.json" | grep -q 'reviewer-chosen (not in the policy document): severe_pain' && ok || ko "text trace (pend): no reviewer-chosen line"
# the notice
mkcase '"symptoms": {"pain_nrs": 5}'
$POLVM trace --bundle "$T/p.polb" --format notice "$T/case.json" > "$T/n.txt"
grep -qF 'Chosen by the reviewer (not stated in the policy document): severe_pain = 7: the document says severe pain but names no score' "$T/n.txt" && ok || ko "notice: no reviewer-chosen line"
grep -qF 'The policy requires: pain NRS ≥ 7 (reviewer-chosen: severe_pain)' "$T/n.txt" && ok || ko "notice: the requirement is not marked: $(grep requires "$T/n.txt")"
$POLVM trace --bundle "$T/p.polb" --format notice-html "$T/case.json" | grep -q 'Chosen by the reviewer (not stated in the policy document)</div><p>severe_pain = 7' && ok || ko "notice html: no reviewer-chosen block"
# a criterion reading no param shows nothing; a bundle without params has no PARM
sed 's/pain_nrs >= severe_pain/pain_nrs >= 7/' $P > "$T/plain.pol"
expect_rc 0 $POLC -o "$T/plain.polb" "$T/plain.pol"
$POLVM trace --bundle "$T/plain.polb" --format json "$T/case.json" | grep -q reviewer_chosen && ko "a criterion without a param shows reviewer_chosen" || ok
grep -q PARM "$T/plain.polb" && ko "a bundle without params has a PARM section" || ok
grep -q PARM "$T/p.polb" && ok || ko "a bundle with a param has no PARM section"

# errors
printf 'policy "E" { title "t" version "1" effective 2025-01-01 codes "99013" }\nimport "case"\nparam p = pain_nrs + 1 "why"\nparam q = 3 "  "\nparam r = (-2) "ok"\nparam s = {"a", "b"} "ok"\nparam u = 6 weeks "ok"\nbranch "B" "b" when cpt == "99013" {\n  criterion "B.1" "t" { pain_nrs >= q }\n}\n' > "$T/bad.pol"
expect_rc 1 $POLC --check "$T/bad.pol"
grep -q "error\[E0357\]: the value of param 'p' must be a literal" "$T/e" && ok || ko "E0357: $(cat "$T/e" | head -3)"
grep -q "error\[E0358\]: param 'q' needs its reason" "$T/e" && ok || ko "E0358: $(cat "$T/e" | head -3)"
[ "$(grep -c 'error\[' "$T/e")" -eq 2 ] && ok || ko "bad params: expected 2 errors: $(grep 'error\[' "$T/e")"

# seed 004: the Cobb threshold is marked, and decides F.2.b
$POLVM trace --bundle $B/policies.polb --format json examples/seeds/seed-004-variant-partial.json > "$T/s.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; c=[x for x in d["criteria"] if x["id"]=="F.2.b"][0]; sys.exit(0 if c["reviewer_chosen"][0]["param"]=="cobb_min" and c["reviewer_chosen"][0]["value"]=="20" else 1)' "$T/s.json" && ok || ko "seed 004: F.2.b does not show cobb_min = 20"
$POLC doc policies/seed-004-lumbar-fusion.pol | grep -q '^- `cobb_min` = 20: reviewer-chosen, not in the document' && ok || ko "seed 004: polc doc does not list cobb_min"

# the docs' example is the fixture
awk '$0 == "### Reviewer-chosen parameters: `param`" { on = 1; next } on && /^```pol$/ { inb = 1; next }
     inb && /^```/ { exit } inb { print }' docs/language.md > "$T/doc.pol"
cmp -s "$T/doc.pol" $P && ok || ko "docs/language.md's param example is not $P"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
