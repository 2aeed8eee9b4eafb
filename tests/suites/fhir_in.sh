#!/bin/sh
# fhir_in.sh BUILD_DIR -- FHIR in (docs/fhir.md): every example in
# examples/ converted by `polvm case-to-fhir` to a PAS-like request Bundle
# gives, through the bindings of stdlib/fhir.pol, the same determinations,
# reasons and missing facts (and the same trace) as the case itself
# (tests/fhir/same_trace.py); so does every example answered as a
# QuestionnaireResponse to `polc questionnaire`'s Questionnaire.  What the converter cannot carry is listed
# below, field by field; a field not listed that it cannot carry fails.
# Then the FHIR-only behaviour: references, contained resources, status,
# codes without a system, units, QuestionnaireResponse answers, errors.
# Every input Bundle is checked against the official FHIR R4 JSON Schema
# and FHIRPath assertions (tests/fhir/check.js), as fhir_out.sh does for
# the output.
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

# A pharmacy line (a drug code, no CPT/HCPCS code, docs/language.md "Routing
# by drug code") becomes an item whose productOrService has only the drug's
# coding; `cpt = code(productOrService, "procedure")` (stdlib/fhir.pol)
# reads only a CPT or HCPCS coding, so the Bundle's line has no cpt either,
# as its twin (which is the case as it is).

# the case-format twins, without what the Bundle cannot carry (listed above)
python3 - "$T" examples/*/*.json <<'PY'
import json, os, sys
for f in sys.argv[2:]:
    c = json.load(open(f))
    (c.get("request") or {}).pop("review", None)
    n = os.path.basename(os.path.dirname(f)) + "-" + os.path.basename(f)[:-5]
    json.dump(c, open(os.path.join(sys.argv[1], n + ".case.json"), "w"))
PY
: > "$T/pairs"
# judged_alike: compares every pair of traces listed in $T/pairs (one process)
judged_alike() {
  python3 tests/fhir/same_trace.py --pairs "$T/pairs" > "$T/alike" 2>&1 || ko "same_trace.py failed: $(tail -2 "$T/alike")"
  while IFS= read -r l; do
    case "$l" in ok) ok ;; *) ko "${l#ko }" ;; esac
  done < "$T/alike"
  : > "$T/pairs"
}
for f in examples/*/*.json; do
  n=$(basename "$(dirname "$f")")-$(basename "$f" .json)
  "$POLVM" case-to-fhir "$f" > "$T/$n.fhir.json" 2> "$T/$n.conv" || { ko "$f: case-to-fhir failed: $(head -2 "$T/$n.conv")"; continue; }
  while IFS= read -r l; do
    case "$NOT_CARRIED" in
      *" ${l#polvm case-to-fhir: not carried: } "*) ;;
      *) ko "$f: $l (not in the suite's list)"; continue 2 ;;
    esac
  done < "$T/$n.conv"
  "$POLVM" trace --bundle "$BUNDLE" --format json "$T/$n.case.json" > "$T/$n.a" 2>/dev/null
  ra=$?
  "$POLVM" trace --bundle "$BUNDLE" --format json "$T/$n.fhir.json" > "$T/$n.b" 2> "$T/$n.e"
  rb=$?
  [ $ra -eq $rb ] || { ko "$f: trace exits $ra, of the Bundle $rb: $(head -2 "$T/$n.e")"; continue; }
  [ -s "$T/$n.e" ] && { ko "$f: the Bundle gives notes: $(head -2 "$T/$n.e")"; continue; }
  echo "$T/$n.a $T/$n.b $f" >> "$T/pairs"
done
judged_alike

# ---- codes travel as structured resources, not as answers: the line's
# ICD-10-CM diagnoses as Claim.diagnosis entries the item points to, the
# drug as an RxNorm coding of productOrService, labs as laboratory
# Observations with LOINC codings (the GLP-1 examples read all three) ----
python3 - "$T"/glp1-*.fhir.json > "$T/py" 2>&1 <<'PY' && ok || ko "structured codes: $(tail -3 "$T/py")"
import json, sys
n = {"dx": 0, "rx": 0, "lab": 0}
for f in sys.argv[1:]:
    b = json.load(open(f))
    res = [e["resource"] for e in b["entry"]]
    claim = [r for r in res if r["resourceType"] == "Claim"][0]
    qr = [r for r in res if r["resourceType"] == "QuestionnaireResponse"][0]
    links = {it["linkId"] for it in qr.get("item", [])}
    assert "request.diagnoses" not in links, (f, links)
    # labs are answered only as a known empty list (no Observation says that)
    assert all("item" not in it and "answer" not in it for it in qr.get("item", []) if it["linkId"] == "labs"), f
    for it in claim["item"]:
        if it.get("diagnosisSequence"):
            n["dx"] += 1
            seqs = {d["sequence"] for d in claim["diagnosis"]}
            assert set(it["diagnosisSequence"]) <= seqs, f
        if any(c["system"] == "http://www.nlm.nih.gov/research/umls/rxnorm" for c in it["productOrService"].get("coding", [])):
            n["rx"] += 1
    n["lab"] += sum(1 for r in res if r["resourceType"] == "Observation" and
                    r.get("category", [{}])[0].get("coding", [{}])[0].get("code") == "laboratory")
assert all(v > 10 for v in n.values()), n
PY

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

# ---- a procedure coding without a system: no cpt, and one C0155 note says
# why (not a silent "no policy covers this code"; the three code bindings of
# the item -- cpt, rxnorm, ndc -- note it once) ----
python3 -c 'import json,sys
b = json.load(open(sys.argv[1]))
for e in b["entry"]:
    for it in e["resource"].get("item", []) if e["resource"]["resourceType"] == "Claim" else []:
        for c in it["productOrService"]["coding"]: c.pop("system", None)
json.dump(b, open(sys.argv[2], "w"))' tests/fhir/request.json "$T/nosys.json"
expect_rc 0 "$POLVM" trace --bundle "$BUNDLE" --format json "$T/nosys.json"
grep -q '"determination": "no_policy"' "$T/o" && ok || ko "system-less procedure code: $(head -c 300 "$T/o")"
[ "$(grep -c 'C0155 entry\[0\].resource.item\[0\].productOrService.coding\[0\]: code .27279. has no system' "$T/e")" = 1 ] && ok \
  || ko "system-less procedure code: want one C0155 note, got: $(cat "$T/e")"

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

# ---- docs/fhir.md's second example: resources selected by value sets
# (Condition, MedicationStatement, MedicationRequest, Procedure,
# Observation): approved; without the Observation it pends on ra.crp; the
# fast path (polvm eval) and the reference (polvm trace) agree ----
awk '/^```pol$/{k++; if (k==2) {p=1; next}} p&&/^```$/{exit} p' docs/fhir.md > "$T/doc2.pol"
awk '/^```pol$/{k++} k==2&&/^```json$/{p=1;next} p&&/^```$/{exit} p' docs/fhir.md > "$T/vs.json"
expect_rc 0 "$B/polc" -o "$T/doc2.polb" "$T/doc2.pol"
expect_rc 0 "$POLVM" trace --bundle "$T/doc2.polb" --format json "$T/vs.json"
grep -q '"determination": "approve"' "$T/o" && ok || ko "docs/fhir.md value-set example: not approved: $(head -c 300 "$T/o")"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["entry"].pop(); json.dump(b, open(sys.argv[2], "w"))' \
  "$T/vs.json" "$T/vs2.json"
expect_rc 0 "$POLVM" trace --bundle "$T/doc2.polb" --format json "$T/vs2.json"
grep -q '"determination": "pend"' "$T/o" && grep -q '"ra.crp"' "$T/o" && ok ||
  ko "docs/fhir.md value-set example without the Observation: not pended on ra.crp"
python3 -c 'import json,sys; [print(json.dumps(json.load(open(f)))) for f in sys.argv[1:]]' "$T/vs.json" "$T/vs2.json" > "$T/vs.ndjson"
"$POLVM" eval --bundle "$T/doc2.polb" < "$T/vs.ndjson" > "$T/vs.eval" 2> "$T/vs.err"
POLVM_CASE_READER=jansson "$POLVM" eval --bundle "$T/doc2.polb" < "$T/vs.ndjson" > "$T/vs.ref" 2>> "$T/vs.err"
cmp -s "$T/vs.eval" "$T/vs.ref" && ok || ko "docs/fhir.md value-set example: eval's fast path and the reference differ"

# ---- polvm eval: the reader's notes name the input line, in input order
# with -j too (one noted Bundle every other line) ----
python3 - "$T/req.json" "$T/vs.json" > "$T/mixed.ndjson" <<'PY'
import json, sys
noted, clean = (json.dumps(json.load(open(f))) for f in sys.argv[1:3])
for i in range(300):
    print(noted if i % 2 == 0 else clean)
PY
"$POLVM" eval --bundle "$T/doc2.polb" < "$T/mixed.ndjson" > /dev/null 2> "$T/n1"
"$POLVM" eval -j 4 --bundle "$T/doc2.polb" < "$T/mixed.ndjson" > /dev/null 2> "$T/n4"
python3 - "$T/n1" "$T/n4" > "$T/py" 2>&1 <<'PY' && ok || ko "eval notes: $(tail -3 "$T/py")"
import re, sys
a, b = (open(f).read() for f in sys.argv[1:3])
assert a == b, "eval -j 4 gives other notes, or in another order, than eval"
lines = [int(m) for m in re.findall(r"^polvm: -:(\d+): note: C01", a, re.M)]
assert lines and lines == sorted(lines), lines[:20]
assert set(lines) == set(range(1, 301, 2)), sorted(set(lines))[:10]
PY

# ---- the compiler's checks of bindings ----
printf 'policy "F" { title "t" version "1" effective 2025-01-01 codes "1" }\nimport "case"\n%s\nbranch "B" "b" when true { criterion "C" "c" { true } }\n' \
  'fhir patient.weight from Observation = valueQuantity.value
fhir patient.age from Patient = age(birthDate, "a")
fhir patient.sex from Basic = gender
fhir symptoms.pain_nrs from Observation where code in {"72514-3"} = quantity(valueQuantity, "furlong")
fhir request.procedures from Claim.item { cpt = sequence cpt = sequence }
fhir request.diagnoses from Claim.diagnosis = code(diagnosisCodeableConcept)
fhir symptoms.pain_nrs from Observation where code in NOT_A_SET = valueQuantity.value' > "$T/badbind.pol"
expect_rc 1 "$B/polc" --check "$T/badbind.pol"
for code in E0370 E0390 E0391 E0392 E0393 E0394; do
  grep -q "error\[$code\]" "$T/e" && ok || ko "bad bindings: no $code: $(head -3 "$T/e")"
done
grep -q "code(...) takes an element and a code system: its URI" "$T/e" && ok || ko "bad bindings: code() without a system accepted"

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

# ---- the round trip through the questionnaire: polc questionnaire of every
# policy; each example case of every policy answered as a
# QuestionnaireResponse to it (case-to-fhir --questionnaire) gives the same
# trace as the case ----
expect_rc 0 "$B/polc" questionnaire -o "$T/q-all.json" policies/*.pol
for f in examples/*/*.json; do
  m=$(basename "$(dirname "$f")")-$(basename "$f" .json)
  n=qr-$m
  "$POLVM" case-to-fhir --questionnaire "$T/q-all.json" "$f" > "$T/$n.fhir.json" 2>/dev/null ||
    { ko "$f: case-to-fhir --questionnaire failed"; continue; }
  "$POLVM" trace --bundle "$BUNDLE" --format json "$T/$n.fhir.json" > "$T/$n.b" 2> "$T/$n.e"
  [ -s "$T/$n.e" ] && { ko "$f: the answered Bundle gives notes: $(head -2 "$T/$n.e")"; continue; }
  echo "$T/$m.a $T/$n.b $f (questionnaire answers)" >> "$T/pairs"
done
judged_alike
# every answer's linkId is an item of the questionnaire, nested as there
python3 - "$T/q-all.json" "$T"/qr-*.fhir.json > "$T/py" 2>&1 <<'PY' && ok || ko "QuestionnaireResponse against its Questionnaire: $(tail -3 "$T/py")"
import json, sys
q = json.load(open(sys.argv[1]))
def tree(items):
    return {it["linkId"]: tree(it.get("item", [])) for it in items}
want = tree(q["item"])
n = 0
for f in sys.argv[2:]:
    b = json.load(open(f))
    qr = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"][0]
    assert qr["questionnaire"] == q["url"], f
    def check(items, where):
        global n
        for it in items:
            l = it["linkId"]
            if where is want and l.startswith("request."):
                continue   # the request facts the Claim could not carry
            assert l in where, (f, l)
            n += 1
            check(it.get("item", []), where[l])
    check(qr["item"], want)
assert n > 1000, n
PY

# ---- checked by others' tools: every input Bundle above (the converted
# examples, those answering the questionnaire, tests/fhir/request.json,
# the page's example) and the questionnaire are valid against
# the official FHIR R4 JSON Schema and meets the RequestBundle FHIRPath
# assertions of tests/fhir/check.js (one Claim, references and
# supportingInfo sequences resolve).  The tools as in fhir_out.sh: without
# npm or the registry a SKIP, a failure under CI.
tools=${FHIR_TOOLS:-build/fhir-tools}
if sh tests/fhir/install.sh "$tools" 2> "$T/npm.err" && command -v node > /dev/null 2>&1; then
  if node tests/fhir/check.js "$tools" "$T"/*.fhir.json "$T/q-all.json" tests/fhir/request.json "$T/doc.json" > "$T/check.out" 2>&1; then ok
  else ko "input Bundles: FHIR schema or FHIRPath check failed:"; grep -v '^[0-9]* files checked' "$T/check.out" | head -20 | cut -c1-600; fi
else
  msg="SKIP: FHIR schema and FHIRPath checks of the input Bundles: $(tail -1 "$T/npm.err")"
  case "${CI:-}" in
    1|true) ko "$msg (a skip fails under CI)" ;;
    *) echo "$msg" ;;
  esac
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
