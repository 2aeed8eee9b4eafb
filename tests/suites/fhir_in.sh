#!/bin/sh
# fhir_in.sh BUILD_DIR -- FHIR in (docs/fhir.md): every example in
# examples/ converted by `polvm case-to-fhir` to a PAS-like request Bundle
# gives, through the bindings of stdlib/fhir.pol, the same determinations,
# reasons and missing facts (and the same trace) as the case itself
# (tests/fhir/same_trace.py).  What the converter cannot carry is listed
# below, field by field; a field not listed that it cannot carry fails.
# Then the FHIR-only behaviour: references, contained resources, status,
# codes without a system, units, QuestionnaireResponse answers, errors.
B=${1:-build}
. tests/lib.sh
POLVM=$B/polvm
BUNDLE=$B/policies.polb

# Fields the bindings cannot carry yet, as "FILE: the converter's words".
# An empty list of levels on a request line has no FHIR form here (one
# supportingInfo per level: none says nothing, so the list is unknown).
# request.review (the review of an earlier determination, read by
# vm/case.c rather than by facts) has no binding yet: the case-format twin
# is judged without it.
NOT_CARRIED=' request.review '

for f in examples/seeds/*.json examples/caresource-sij/*.json; do
  n=$(basename "$f" .json)
  "$POLVM" case-to-fhir "$f" > "$T/$n.fhir.json" 2> "$T/$n.conv" || { ko "$f: case-to-fhir failed: $(head -2 "$T/$n.conv")"; continue; }
  while IFS= read -r l; do
    case "$NOT_CARRIED" in
      *" ${l#polvm case-to-fhir: not carried: } "*) ;;
      *) ko "$f: $l (not in the suite's list)"; continue 2 ;;
    esac
  done < "$T/$n.conv"
  # the case without what the Bundle cannot carry (listed above)
  python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); (c.get("request") or {}).pop("review", None); json.dump(c, open(sys.argv[2], "w"))' \
    "$f" "$T/$n.case.json"
  "$POLVM" trace --bundle "$BUNDLE" --format json "$T/$n.case.json" > "$T/$n.a" 2>/dev/null
  ra=$?
  "$POLVM" trace --bundle "$BUNDLE" --format json "$T/$n.fhir.json" > "$T/$n.b" 2> "$T/$n.e"
  rb=$?
  [ $ra -eq $rb ] || { ko "$f: trace exits $ra, of the Bundle $rb: $(head -2 "$T/$n.e")"; continue; }
  [ -s "$T/$n.e" ] && { ko "$f: the Bundle gives notes: $(head -2 "$T/$n.e")"; continue; }
  if python3 tests/fhir/same_trace.py "$T/$n.a" "$T/$n.b" > "$T/$n.d"; then ok; else ko "$f: $(cat "$T/$n.d")"; fi
done

# ---- the FHIR-only behaviour, on one hand-written Bundle (docs/fhir.md) ----
cp tests/fhir/request.json "$T/req.json"
expect_rc 0 "$POLVM" trace --bundle "$BUNDLE" --format json "$T/req.json"
cp "$T/o" "$T/req.trace"
python3 - "$T/req.trace" "$T/e" > "$T/py" 2>&1 <<'PY' && ok || ko "tests/fhir/request.json: $(tail -3 "$T/py")"
import json, sys
t = json.load(open(sys.argv[1])); notes = open(sys.argv[2]).read()
d = t["determinations"]
assert t["case_id"] == "PA-2025-0042", t["case_id"]
assert [x["cpt"] for x in d] == ["27279"], d
# the contained Observation (pain 7) counts, the entered-in-error one (pain 2) does not
for want in ("C0154 entry[5].resource.resourceType", "C0157 entry[4].resource",
             "C0155 entry[6].resource.code.coding[0]"):
    assert want in notes, (want, notes)
text = json.dumps(t)
# the contained Observation's 7: not the entered-in-error 2, not the
# system-less 3, not the QuestionnaireResponse's 1 (structured bindings first)
assert '"symptoms.pain_nrs", "value": 7' in text, "pain_nrs is not 7"
missing = [f for x in d for m in x["missing"] for f in m["facts"]]
for known in ("symptoms.pain_nrs", "exam.maneuvers.thigh_thrust", "exam.maneuvers.compression"):
    assert known not in missing, (known, missing)
PY

# ---- docs/fhir.md's example: its policy judges its Bundle (approve), and
# without the pain Observation the line pends on symptoms.pain_nrs ----
# (the page's first ```pol block and the first ```json block after it)
awk '/^```pol$/{p=1;next} p&&/^```$/{exit} p' docs/fhir.md > "$T/doc.pol"
awk '/^```pol$/{s=1} s&&/^```json$/{p=1;next} p&&/^```$/{exit} p' docs/fhir.md > "$T/doc.json"
expect_rc 0 "$B/polc" -o "$T/doc.polb" "$T/doc.pol"
expect_rc 0 "$POLVM" trace --bundle "$T/doc.polb" --format json "$T/doc.json"
grep -q '"determination": "approve"' "$T/o" && ok || ko "docs/fhir.md example: not approved: $(head -c 300 "$T/o")"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["entry"].pop(); json.dump(b, open(sys.argv[2], "w"))' \
  "$T/doc.json" "$T/doc2.json"
expect_rc 0 "$POLVM" trace --bundle "$T/doc.polb" --format json "$T/doc2.json"
grep -q '"determination": "pend"' "$T/o" && grep -q '"symptoms.pain_nrs"' "$T/o" && ok ||
  ko "docs/fhir.md example without the pain Observation: not pended on symptoms.pain_nrs"

# ---- the compiler's checks of bindings ----
printf 'policy "F" { title "t" version "1" effective 2025-01-01 codes "1" }\nimport "case"\n%s\nbranch "B" "b" when true { criterion "C" "c" { true } }\n' \
  'fhir patient.weight from Observation = valueQuantity.value
fhir patient.age from Patient = age(birthDate, "a")
fhir patient.sex from Basic = gender
fhir symptoms.pain_nrs from Observation where code in {"72514-3"} = quantity(valueQuantity, "furlong")
fhir request.procedures from Claim.item { cpt = sequence cpt = sequence }' > "$T/badbind.pol"
expect_rc 1 "$B/polc" --check "$T/badbind.pol"
for code in E0390 E0391 E0392 E0393 E0394; do
  grep -q "error\[$code\]" "$T/e" && ok || ko "bad bindings: no $code: $(head -3 "$T/e")"
done

# ---- bad FHIR: a stable code naming the entry and element, never a crash ----
bad() {   # bad NAME CODE PATH JSON
  printf '%s\n' "$4" > "$T/$1.json"
  "$POLVM" trace --bundle "$BUNDLE" "$T/$1.json" > "$T/o" 2> "$T/e"
  rc=$?
  if [ $rc -eq 3 ] && grep -q "$2 $3" "$T/e"; then ok; else ko "$1: exit $rc, expected 3 and '$2 $3': $(head -2 "$T/e")"; fi
}
P='{"resourceType":"Patient","id":"p"}'
bad no-claim C0150 'entry' "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":$P}]}"
bad no-entries C0150 'entry' '{"resourceType":"Bundle"}'
bad no-case-id C0151 'entry\[0\].resource' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim"}}]}'
bad wrong-type C0152 'entry\[0\].resource.item\[0\].sequence' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"c","item":[{"sequence":"one"}]}}]}'
bad unresolved C0153 'entry\[0\].resource.patient.reference' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"c","patient":{"reference":"Patient/nobody"}}}]}'
bad unit C0156 'entry\[1\].resource.valueQuantity.code' "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Claim\",\"id\":\"c\"}},{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"72514-3\"}]},\"valueQuantity\":{\"value\":7,\"code\":\"mm\"}}}]}"
bad entry-not-object C0152 'entry\[0\]' '{"resourceType":"Bundle","entry":[3]}'
bad qr-linkid C0152 'entry\[1\].resource.item\[0\].linkId' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"c"}},{"resource":{"resourceType":"QuestionnaireResponse","item":[{"linkId":7}]}}]}'
bad qr-answer-type C0152 'entry\[1\].resource.item\[0\].answer\[0\].valueString' '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"c"}},{"resource":{"resourceType":"QuestionnaireResponse","item":[{"linkId":"exam.maneuvers.thigh_thrust","answer":[{"valueString":"yes"}]}]}}]}'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
