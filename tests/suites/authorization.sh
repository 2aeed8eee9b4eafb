#!/bin/sh
# tests/suites/authorization.sh BUILD_DIR -- `authorize` blocks end to end
# (docs/language.md, "Authorizations"): the language.md example compiled and
# run (text report, JSON trace, eval), approved as modified and as asked,
# an unknown value pending with its facts, polvm diff of two bundles, polvm
# test expectations, seed 001's level of care, polc fmt and doc, and the
# compile errors E0260-E0264.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh

# contains FILE TEXT WHAT: ok if FILE has the line fragment TEXT
contains() { grep -qF -- "$2" "$1" && ok || { ko "$3: no '$2' in:"; head -20 "$1"; }; }
lacks() { grep -qF -- "$2" "$1" && { ko "$3: unexpected '$2'"; head -20 "$1"; } || ok; }

# ---- the language.md example ------------------------------------------------
awk '/^## Authorizations/{f=1} f && /^```pol$/{p=1;next} p && /^```/{exit} p' docs/language.md > "$T/ex.pol"
awk '/^## Authorizations/{f=1} f && /^```json$/{p=1;next} p && /^```/{exit} p' docs/language.md > "$T/ex.json"
[ -s "$T/ex.pol" ] && [ -s "$T/ex.json" ] && ok || ko "docs/language.md: no Authorizations example"
expect_rc 0 "$B/polc" -o "$T/ex.polb" "$T/ex.pol"
expect_rc 0 "$B/polvm" trace --bundle "$T/ex.polb" "$T/ex.json"
cp "$T/o" "$T/text"
contains "$T/text" "->  APPROVE ==" "determination"
contains "$T/text" "APPROVED AS MODIFIED: quantity 12 (requested 20); setting outpatient (requested inpatient); 0 inpatient days (requested 2)" "text report"
contains "$T/text" "Authorized: quantity 12 per 1 year; period from 2025-03-01 to 2025-08-31; setting outpatient; 0 inpatient days" "text report"
# the report in language.md is the one polvm writes
for l in "APPROVED AS MODIFIED: quantity 12" "Authorized: quantity 12 per 1 year; period from 2025-03-01 to 2025-08-31"; do
  contains docs/language.md "$l" "docs/language.md shows the report"
done

expect_rc 0 "$B/polvm" trace --bundle "$T/ex.polb" --format json "$T/ex.json"
cp "$T/o" "$T/json"
python3 - "$T/json" > "$T/py" 2>&1 <<'EOF' && ok || { ko "JSON authorization:"; cat "$T/py"; }
import json, sys
line = json.load(open(sys.argv[1]))["determinations"][0]
a = line["authorization"]
assert line["determination"] == "approve", line["determination"]
assert a["modified"] is True, a
assert a["requested"] == {"quantity": 20, "setting": "inpatient", "inpatient_days": 2}, a["requested"]
assert a["authorized"] == {"quantity": 12, "per": "1 year", "start": "2025-03-01", "end": "2025-08-31",
                           "setting": "outpatient", "inpatient_days": 0}, a["authorized"]
assert [c["field"] for c in a["changes"]] == ["quantity", "setting", "inpatient_days"], a["changes"]
assert a["changes"][0] == {"field": "quantity", "requested": 20, "authorized": 12}, a["changes"][0]
assert line["missing"] == [], line["missing"]
EOF

# as asked: not modified, "Authorized:" only
sed -e 's/"units": 20/"units": 12/' -e 's/"setting": "inpatient"/"setting": "outpatient"/' \
    -e 's/"inpatient_days": 2/"inpatient_days": 0/' "$T/ex.json" > "$T/asked.json"
expect_rc 0 "$B/polvm" trace --bundle "$T/ex.polb" "$T/asked.json"
contains "$T/o" "Authorized: quantity 12 per 1 year" "as asked"
lacks "$T/o" "APPROVED AS MODIFIED" "as asked"
expect_rc 0 "$B/polvm" trace --bundle "$T/ex.polb" --format json "$T/asked.json"
contains "$T/o" '"authorization": {"modified": false' "as asked, JSON"
contains "$T/o" '"changes": []' "as asked, JSON"

# denied: no authorization
sed -e 's/"pain_nrs": 6/"pain_nrs": 2/' "$T/ex.json" > "$T/denied.json"
expect_rc 0 "$B/polvm" trace --bundle "$T/ex.polb" --format json "$T/denied.json"
contains "$T/o" '"determination": "deny"' "denied"
lacks "$T/o" '"authorization"' "denied"

# eval: one line per case, with the modified flag
tr -d '\n' < "$T/ex.json" > "$T/cases.ndjson"; echo >> "$T/cases.ndjson"
tr -d '\n' < "$T/asked.json" >> "$T/cases.ndjson"; echo >> "$T/cases.ndjson"
"$B/polvm" eval --bundle "$T/ex.polb" < "$T/cases.ndjson" > "$T/eval" 2> "$T/e"
[ "$(grep -c '"modified": true' "$T/eval")" = 1 ] && [ "$(grep -c '"modified": false' "$T/eval")" = 1 ] && ok \
  || { ko "eval: modified flags:"; cat "$T/eval"; }

# ---- an unknown value: the line pends, naming the field and its facts ------
cat > "$T/unk.pol" <<'EOF'
policy "EX-UNK" { title "t" version "1" effective 2025-01-01 codes "97110" }
import "case"
branch "PT" "t" when cpt == "97110" {
  criterion "PT.1" "Pain of at least 5/10." { pain_nrs >= 5 }
  authorize { quantity requested_units per 1 year }
}
EOF
expect_rc 0 "$B/polc" -o "$T/unk.polb" "$T/unk.pol"
sed -e 's/"units": 20, //' "$T/ex.json" > "$T/nounits.json"
expect_rc 0 "$B/polvm" trace --bundle "$T/unk.polb" --format json "$T/nounits.json"
contains "$T/o" '"determination": "pend"' "unknown quantity"
contains "$T/o" '{"criterion": "authorize quantity", "field": "quantity", "branch": "PT", "facts": ["request.procedures[].units"]' "unknown quantity: missing"
contains "$T/o" '"authorized": {"quantity": null, "per": "1 year"}' "unknown quantity: authorized"
expect_rc 0 "$B/polvm" trace --bundle "$T/unk.polb" "$T/nounits.json"
contains "$T/o" "->  PEND ==" "unknown quantity, text"
contains "$T/o" "Authorization unknown (decides the request):" "unknown quantity, text"
contains "$T/o" "  - authorize quantity" "unknown quantity, text"
contains "$T/o" 'needs: "request.procedures[].units"' "unknown quantity, text"
expect_rc 0 "$B/polvm" trace --bundle "$T/unk.polb" "$T/ex.json"
contains "$T/o" "Authorized: quantity 20 per 1 year" "known quantity"

# ---- polvm diff: an authorization change between two bundles --------------
sed -e 's/let visit_cap = 12/let visit_cap = 20/' "$T/ex.pol" > "$T/ex2.pol"
expect_rc 0 "$B/polc" -o "$T/ex2.polb" "$T/ex2.pol"
expect_rc 0 "$B/polvm" diff "$T/ex.polb" "$T/ex2.polb" "$T/cases.ndjson"
cp "$T/o" "$T/diff"
contains "$T/diff" "pt-1 line 1: approve -> approve; authorization: quantity=12, per=1 year, start=2025-03-01, end=2025-08-31, setting=outpatient, inpatient_days=0 -> quantity=20," "diff line"
contains "$T/diff" "authorization changed: 2" "diff count"
contains "$T/diff" "unchanged: 0" "diff count"
expect_rc 0 "$B/polvm" diff "$T/ex.polb" "$T/ex.polb" "$T/cases.ndjson"
contains "$T/o" "unchanged: 2" "diff of a bundle with itself"
lacks "$T/o" "authorization" "diff of a bundle with itself"

# ---- polvm test expectations ----------------------------------------------
cat > "$T/t.test.json" <<EOF
{"policy": "EX-AUTH", "tests": [
  {"name": "modified", "case": "$T/ex.json",
   "expect": {"determination": "approve",
              "authorization": {"modified": true, "requested": {"quantity": 20},
                                "authorized": {"quantity": 12, "per": "1 year", "setting": "outpatient"}}}},
  {"name": "wrong on purpose", "case": "$T/ex.json",
   "expect": {"determination": "approve", "authorization": {"modified": false, "authorized": {"quantity": 13}}}},
  {"name": "none expected", "case": "$T/denied.json", "expect": {"determination": "deny", "authorization": null}}
]}
EOF
expect_rc 1 "$B/polvm" test --bundle "$T/ex.polb" "$T/t.test.json"
contains "$T/o" "authorization modified true, expected false" "polvm test"
contains "$T/o" "authorized quantity 12, expected 13" "polvm test"
contains "$T/o" "2 passed, 1 failed" "polvm test"

# ---- seed 001: level of care, approved as modified -------------------------
expect_rc 0 "$B/polc" -o "$T/seeds.polb" policies/*.pol
expect_rc 0 "$B/polvm" trace --bundle "$T/seeds.polb" examples/seeds/seed-001-ifuse-approved-as-modified.json
contains "$T/o" "->  APPROVE ==" "seed 001 approved as modified"
contains "$T/o" "APPROVED AS MODIFIED: setting outpatient (requested inpatient); 0 inpatient days (requested 2)" "seed 001"
expect_rc 0 "$B/polvm" trace --bundle "$T/seeds.polb" examples/seeds/seed-001-ifuse-inpatient.json
contains "$T/o" "->  DENY ==" "seed 001 as decided"
lacks "$T/o" "Authorized:" "seed 001 as decided"

# ---- polc fmt keeps the block, polc doc shows it ---------------------------
expect_rc 0 "$B/polc" fmt "$T/ex.pol"
contains "$T/o" "quantity visit_cap per 1 year" "fmt"
contains "$T/o" "period service_date ?? request_date for 6 months" "fmt"
cp "$T/o" "$T/fmt.pol"
expect_rc 0 "$B/polc" fmt "$T/fmt.pol"
cmp -s "$T/o" "$T/fmt.pol" && ok || ko "fmt is not idempotent on an authorize block"
expect_rc 0 "$B/polc" doc "$T/ex.pol"
contains "$T/o" "Authorized when approved:" "doc"

# ---- the bundle: 2.4, AUTH verified -----------------------------------------
expect_rc 0 "$B/polvm" verify "$T/ex.polb"
od -An -tx1 -j8 -N4 "$T/ex.polb" | tr -d ' \n' > "$T/ver"
[ "$(cat "$T/ver")" = "02000700" ] && ok || ko "bundle version: $(cat "$T/ver"), expected 2.7 (2.2 added AUTH, 2.3 FHIR and the opcodes of issue 11, 2.4 value-set FHIR bindings and routing by drug code, the comparisons with a constant of issue 14, 2.5 code(ELEMENT, "NAME") with a code system name, 2.6 the fused field comparisons FEQK, FINK, 2.7 the folded returns RETF .. FINKRF, the quiet reads FACTQ, FIELDQ and the compare-and-jumps FEQKJT .. FINKJF)"

# ---- compile errors ----------------------------------------------------------
err_case() {   # err_case CODE AUTHORIZE-BODY [MORE]
  { sed -n '1,2p' "$T/unk.pol"
    printf 'branch "PT" "t" when true {\n  criterion "PT.1" "c" { true }\n  authorize { %s }\n}\n%s\n' "$2" "${3:-}"
  } > "$T/err.pol"
  "$B/polc" --check "$T/err.pol" > "$T/eo" 2>&1
  grep -q "error\[$1\]" "$T/eo" && ok || { ko "$1 expected for: $2"; cat "$T/eo"; }
}
err_case E0260 'visits 12'
err_case E0260 'window service_date to service_date'
err_case E0261 'quantity "twelve"'
err_case E0261 'period 3 to 4'
err_case E0261 'levels {"a"} setting 3'
err_case E0262 'quantity 1 quantity 2'
err_case E0263 'setting "outpatient"' 'assess "loc" "l" when true { criterion "L.1" "c" { true } authorize { setting "inpatient" } }'
err_case E0264 'per 1 year'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
