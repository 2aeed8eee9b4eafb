#!/bin/sh
# tests/suites/drug_routing.sh BUILD_DIR -- routing by drug code
#   (docs/language.md "Routing by drug code"): policies whose `codes` name
#   RxNorm and NDC value sets (tests/routing/*.pol) judge the lines that
#   carry those drugs, with or without a CPT/HCPCS code, and no other; a
#   wide CPT range does not catch a drug code made of digits; an invalid or
#   absent drug code routes nowhere.  Checked with both case readers of
#   `polvm eval` (schema-directed and jansson), `polvm trace`, and the
#   reference evaluator (interp_diff); a diagnosis value set in `codes` is
#   still E0258, and two drug policies sharing a code E0326.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh
D=tests/routing

if $B/polc -o "$T/r.polb" $D/*.pol > "$T/err" 2>&1; then ok; else ko "compile $D/*.pol: $(head -3 "$T/err")"; fi

# one line per case: CASE LINE:POLICY:DETERMINATION..., or CASE error CODE
summary() {
  python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if "error" in d:
        print(d["case_id"], "error", d["error"].split()[0])
        continue
    print(d["case_id"], " ".join("%s:%s:%s" % (x["line"], (x.get("policy") or {}).get("id", "-"),
                                              x["determination"]) for x in d["determinations"]))'
}
for reader in "" jansson; do
  POLVM_CASE_READER=$reader $B/polvm eval --bundle "$T/r.polb" < $D/cases.ndjson > "$T/out" 2> "$T/err"
  summary < "$T/out" > "$T/got"
  if cmp -s "$T/got" $D/expected.txt; then ok
  else ko "eval (reader '${reader:-default}') differs from $D/expected.txt:"; diff $D/expected.txt "$T/got"; fi
done

# the trace judges a pharmacy line (no CPT) by its drug
head -1 $D/cases.ndjson > "$T/c.json"
$B/polvm trace --bundle "$T/r.polb" --format json "$T/c.json" > "$T/tr" 2> "$T/err"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
l = d["determinations"][0]
sys.exit(0 if l["policy"]["id"] == "DRUG-RX" and l["determination"] == "approve" else 1)' "$T/tr" \
  && ok || ko "trace: line 1 (rxnorm only) not approved by DRUG-RX: $(head -c 300 "$T/tr")"

# the reference evaluator routes alike (on the cases that load: interp_diff
# wants 90 % of its cases loaded)
grep -v bad-type $D/cases.ndjson > "$T/good.ndjson"
if $B/tests/interp_diff "$T/good.ndjson" $D/*.pol > "$T/id" 2>&1; then ok
else ko "AST evaluator vs VM:"; tail -5 "$T/id"; fi
grep -q 'no_policy [1-9]' "$T/id" && grep -q 'approve [1-9]' "$T/id" && ok \
  || ko "interp_diff judged no routed and unrouted lines: $(grep '^request lines' "$T/id")"

# refused: a diagnosis value set routes nothing (E0258); a second policy for
# semaglutide from the same date, for the same plans, conflicts (E0326)
cat > "$T/bad-icd.pol" <<'EOF'
policy "BAD-ICD" { title "routes by a diagnosis" version "1" effective 2025-01-01 codes DX }
import "case"
valueset DX "diagnoses" icd10cm { "E11.*" }
branch "A" "any" when true { criterion "1" "adult" { age >= 18 } }
EOF
expect_rc 1 $B/polc -o "$T/x.polb" "$T/bad-icd.pol"
grep -q 'E0258' "$T/e" && ok || ko "bad-icd.pol: no E0258: $(head -3 "$T/e")"
cat > "$T/overlap.pol" <<'EOF'
policy "DRUG-RX-2" { title "semaglutide again" version "1" effective 2025-01-01 codes SEMA }
import "case"
valueset SEMA "semaglutide" rxnorm { "1991302" }
branch "A" "any" when true { criterion "1" "adult" { age >= 18 } }
EOF
expect_rc 1 $B/polc -o "$T/x.polb" $D/drug-rxnorm.pol "$T/overlap.pol"
grep -q 'E0326' "$T/e" && ok || ko "overlap.pol: no E0326: $(head -3 "$T/e")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
