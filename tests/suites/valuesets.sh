#!/bin/sh
# tests/suites/valuesets.sh BUILD_DIR -- code systems and value sets
#   (docs/language.md, "Codes and value sets"):
#   1. the example of docs/language.md, run: a line routed by a range of
#      CPT codes, judged on its diagnoses (a family, a range, a union, an
#      exclusion, normalised spellings, unknown and empty lists), by the VM
#      and by the reference evaluator (interp_diff);
#   2. regression: `codes "2744*"` once compiled as a code no line carries
#      (a line for 27447 was no_policy); it is now the family 27440..2744x,
#      and a '*' inside a code is an error with a fix-it;
#   3. routing by range keeps the rule of duplicates: two policies whose
#      ranges meet, for the same plans from the same date, are E0326;
#      versions by date and plan-limited policies route as before;
#   4. scale: a value set of several thousand codes compiles into a sorted
#      table (the bundle verifies), and every code in it and around it is
#      judged as Python's own set says, VM and reference evaluator alike;
#   5. the stdlib value-set modules compile and mean their documented codes.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh

# ---- 1. the docs example ----------------------------------------------------
awk '/^```pol$/ { inb = 1; buf = ""; next }
     /^```/ && inb { inb = 0; if (buf ~ /policy "EX-VS"/) printf "%s", buf; next }
     inb { buf = buf $0 "\n" }' docs/language.md > "$T/ex.pol"
if grep -q 'policy "EX-VS"' "$T/ex.pol" && $B/polc -o "$T/ex.polb" "$T/ex.pol" > "$T/out" 2>&1; then ok
else ko "the EX-VS example of docs/language.md does not compile: $(cat "$T/out")"; fi

# one case per line of this table: cpt, line diagnoses (JSON or -), request
# diagnoses (JSON or -), expected determination
cat > "$T/table" <<'TAB'
97110 ["M05.79"] [] approve
97110 ["I10","m0579"] [] approve
97110 ["M06.0"] [] approve
97110 ["M06.99"] [] approve
97110 ["M06.4"] [] deny
97110 ["M06.41"] [] approve
97110 ["M45.0"] [] approve
97110 ["M07"] [] deny
97110 ["X"] [] deny
97110 [] [] deny
97110 - [] pend
97110 [null] [] error
97546 ["M05.79"] [] approve
97547 ["M05.79"] [] no_policy
97109 ["M05.79"] [] no_policy
97162 ["M05.79"] [] deny
97110 ["M05.79"] ["M08.00"] deny
97110 ["M05.79"] ["I10"] approve
97110 ["M05.79"] - pend
97110 ["M07"] - deny
TAB
n=0
: > "$T/all.ndjson"
while read -r cpt ld rd want; do
  n=$((n + 1))
  line="{\"line\": 1, \"cpt\": \"$cpt\""
  [ "$ld" = - ] || line="$line, \"diagnoses\": $ld"
  req="{\"date\": \"2025-06-01\", \"procedures\": [$line}]"
  [ "$rd" = - ] || req="$req, \"diagnoses\": $rd"
  echo "{\"case_id\": \"vs-$n\", \"request\": $req}}" > "$T/c$n.json"
  $B/polvm trace --format json --bundle "$T/ex.polb" "$T/c$n.json" > "$T/o" 2> "$T/e"
  rc=$?
  if [ "$want" = error ]; then
    [ $rc -ne 0 ] && ok || ko "case $n ($cpt $ld): a null diagnosis should be refused"
    continue
  fi
  cat "$T/c$n.json" >> "$T/all.ndjson"
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["determinations"][0]["determination"])' "$T/o" 2>/dev/null)
  [ "$got" = "$want" ] && ok || ko "case $n: cpt $cpt, line diagnoses $ld, request diagnoses $rd: $got, expected $want $(head -2 "$T/e")"
done < "$T/table"
if $B/tests/interp_diff "$T/all.ndjson" "$T/ex.pol" > "$T/id" 2>&1; then ok
else ko "VM vs reference evaluator on the docs example:"; tail -12 "$T/id"; fi

# ---- 2. regression: codes "2744*" -------------------------------------------
cat > "$T/fam.pol" <<'POL'
policy "FAM" { title "t" version "1" effective 2025-01-01 codes "2744*" }
branch "1" "b" when true { criterion "1.1" "c" { true } }
POL
echo '{"case_id": "f", "request": {"date": "2025-06-01", "procedures": [{"line": 1, "cpt": "27447"}, {"line": 2, "cpt": "27450"}, {"line": 3, "cpt": "2744*"}]}}' > "$T/fam.json"
if $B/polc -o "$T/fam.polb" "$T/fam.pol" > "$T/out" 2>&1; then
  $B/polvm trace --format json --bundle "$T/fam.polb" "$T/fam.json" > "$T/o" 2>&1
  got=$(python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(open(sys.argv[1]))["determinations"]))' "$T/o" 2>/dev/null)
  [ "$got" = "approve no_policy no_policy" ] && ok \
    || ko "codes \"2744*\": lines 27447, 27450, \"2744*\" got '$got', expected 'approve no_policy no_policy'"
else
  ko "codes \"2744*\" does not compile: $(cat "$T/out")"
fi
printf 'policy "S" { title "t" version "1" effective 2025-01-01 codes "27*4" }\nbranch "1" "b" when true { criterion "1.1" "c" { true } }\n' > "$T/star.pol"
expect_rc 1 $B/polc --check "$T/star.pol"
grep -q 'error\[E0252\].*final' "$T/e" && grep -q '\^~~~~~' "$T/e" && ok || ko "codes \"27*4\": no E0252 with a caret: $(cat "$T/e")"

# ---- 3. routing: overlap is E0326, versions and plans route ---------------
printf 'policy "R1" { title "t" version "1" effective 2025-01-01 codes "97110" .. "97546" }\nbranch "1" "b" when true { criterion "1.1" "c" { true } }\n' > "$T/r1.pol"
printf 'policy "R2" { title "t" version "1" effective 2025-01-01 codes "97530" }\nbranch "1" "b" when true { criterion "1.1" "c" { false } }\n' > "$T/r2.pol"
printf 'policy "R3" { title "t" version "1" effective 2025-01-01 codes "9754*" }\nbranch "1" "b" when true { criterion "1.1" "c" { false } }\n' > "$T/r3.pol"
printf 'policy "R4" { title "t" version "2" effective 2025-03-01 codes "97530" }\nbranch "1" "b" when true { criterion "1.1" "c" { false } }\n' > "$T/r4.pol"
printf 'policy "R5" { title "t" version "1" effective 2025-01-01 codes "975*" plans "p1" }\nbranch "1" "b" when true { criterion "1.1" "c" { false } }\n' > "$T/r5.pol"
expect_rc 1 $B/polc --check "$T/r1.pol" "$T/r2.pol"
grep -q 'E0326.*"R1" and "R2"' "$T/e" && ok || ko "an exact code inside another policy's range: no E0326: $(cat "$T/e")"
expect_rc 1 $B/polc --check "$T/r3.pol" "$T/r1.pol"
grep -q 'E0326.*"R3" and "R1"' "$T/e" && ok || ko "a family meeting a range: no E0326: $(cat "$T/e")"
expect_rc 0 $B/polc -o "$T/r.polb" "$T/r1.pol" "$T/r4.pol" "$T/r5.pol"
echo '{"case_id": "r", "request": {"date": "2025-06-01", "procedures": [{"line": 1, "cpt": "97530"}, {"line": 2, "cpt": "97110"}, {"line": 3, "cpt": "97546"}, {"line": 4, "cpt": "97547"}]}}' > "$T/r.json"
echo '{"case_id": "r", "request": {"date": "2025-02-01", "plan": "p1", "procedures": [{"line": 1, "cpt": "97530"}, {"line": 2, "cpt": "97110"}, {"line": 3, "cpt": "97599"}]}}' > "$T/r2.json"
for c in r r2; do
  $B/polvm trace --format json --bundle "$T/r.polb" "$T/$c.json" > "$T/o" 2>&1
  got=$(python3 -c 'import json,sys; print(" ".join((d.get("policy") or {}).get("id", "-") for d in json.load(open(sys.argv[1]))["determinations"]))' "$T/o" 2>/dev/null)
  case $c in
    r) want="R4 R1 R1 -" ;;      # the newer version in force beats the range
    r2) want="R5 R1 R5" ;;       # the plan named beats any plan (97110 is not in 975*)
  esac
  [ "$got" = "$want" ] && ok || ko "routing $c: got '$got', expected '$want'"
done
cat "$T/r.json" "$T/r2.json" > "$T/r.ndjson"
if $B/tests/interp_diff "$T/r.ndjson" "$T/r1.pol" "$T/r4.pol" "$T/r5.pol" > "$T/id" 2>&1; then ok
else ko "routing: VM vs reference evaluator:"; tail -12 "$T/id"; fi

# ---- 4. scale -------------------------------------------------------------------
python3 - "$T" <<'PY'
import json, random, sys
T = sys.argv[1]
r = random.Random(11)
letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
codes = set()
while len(codes) < 6000:
    c = r.choice(letters) + str(r.randint(0, 9)) + r.choice("0123456789AB")
    c += "".join(r.choice("0123456789X") for _ in range(r.randint(0, 3)))
    codes.add(c)
codes = sorted(codes)
members = set(codes[:5000])
excl = set(r.sample(codes[:5000], 200))
with open(T + "/big.pol", "w") as f:
    f.write('policy "BIG" { title "t" version "1" effective 2025-01-01 codes "99999" }\n')
    f.write('fact dx: string = line.dx\n')
    f.write('valueset BIG "several thousand codes" icd10cm {\n')
    items = ['"%s"' % (c[:3] + "." + c[3:] if len(c) > 3 else c) for c in codes[:5000]]
    items += ['except "%s"' % c for c in sorted(excl)]
    f.write(",\n".join("  " + i for i in items) + "\n}\n")
    f.write('branch "1" "b" when true { criterion "1.1" "c" { dx in BIG } }\n')
want = {}
with open(T + "/big.ndjson", "w") as f:
    for i, c in enumerate(codes):
        spelled = c.lower() if i % 3 == 0 else c
        f.write(json.dumps({"case_id": "b%d" % i, "request": {"date": "2025-06-01",
                 "procedures": [{"line": 1, "cpt": "99999", "dx": spelled}]}}) + "\n")
        want["b%d" % i] = "approve" if c in members and c not in excl else "deny"
json.dump(want, open(T + "/big.want", "w"))
PY
if $B/polc -o "$T/big.polb" "$T/big.pol" > "$T/out" 2>&1 && $B/polvm verify "$T/big.polb" > "$T/out" 2>&1; then ok
else ko "a value set of 5000 codes does not compile or verify: $(head -5 "$T/out")"; fi
$B/polvm eval --bundle "$T/big.polb" < "$T/big.ndjson" > "$T/big.out" 2> "$T/e"
if python3 - "$T" <<'PY'
import json, sys
T = sys.argv[1]
want = json.load(open(T + "/big.want"))
bad = 0
n = 0
for line in open(T + "/big.out"):
    d = json.loads(line)
    got = d["determinations"][0]["determination"]
    n += 1
    if got != want[d["case_id"]]:
        bad += 1
        if bad < 5:
            print("case %s: %s, expected %s" % (d["case_id"], got, want[d["case_id"]]))
sys.exit(0 if bad == 0 and n == len(want) else 1)
PY
then ok; else ko "membership in the 5000-code value set differs from Python's set ($(head -3 "$T/e"))"; fi
if $B/tests/interp_diff "$T/big.ndjson" "$T/big.pol" > "$T/id" 2>&1; then ok
else ko "5000-code value set: VM vs reference evaluator:"; tail -12 "$T/id"; fi

# ---- 5. the stdlib modules ------------------------------------------------------
cat > "$T/std.pol" <<'POL'
policy "STD" { title "t" version "1" effective 2025-01-01 codes PT_OT_TREATMENT, PT_OT_EVALUATION }
import "case"
import "vs_rheumatoid"
import "vs_diabetes"
import "vs_obesity"
import "vs_sleep"
import "vs_brca"
import "vs_therapy"
import "vs_glp1"
fact code: string = line.code
branch "1" "b" when true {
  criterion "RA" "c" { code in RA_DX }
  criterion "T2DM" "c" { code in T2DM_DX }
  criterion "OB" "c" { code in OBESITY_DX }
  criterion "BMI30" "c" { code in BMI_30_PLUS }
  criterion "BMI35" "c" { code in BMI_35_PLUS }
  criterion "OSA" "c" { code in OSA_DX }
  criterion "PAP" "c" { code in PAP_DEVICES }
  criterion "BRCA" "c" { code in BRCA_TESTS }
  criterion "HBOC" "c" { code in HBOC_HISTORY }
  criterion "GLP1" "c" { code in GLP1_AGONISTS }
}
POL
if $B/polc -o "$T/std.polb" "$T/std.pol" > "$T/out" 2>&1; then ok
else ko "the stdlib value-set modules do not compile: $(cat "$T/out")"; fi
# code -> the criteria it meets (the others are not met)
cat > "$T/stdtab" <<'TAB'
M05.79 RA
M06.4 -
E11.9 T2DM
E11 T2DM
E10.9 -
E66.01 OB
Z68.30 BMI30
Z68.34 BMI30
Z68.35 BMI30,BMI35
Z68.45 BMI30,BMI35
Z68.29 -
G47.33 OSA
G47.30 -
E0601 PAP
E0470 PAP
E0602 -
81162 BRCA
81167 BRCA
81168 -
81212 BRCA
81216 BRCA
81218 -
Z80.3 HBOC
Z85.43 HBOC
C50.911 HBOC
C56.1 HBOC
C57 -
1991302 GLP1
2601723 GLP1
60548 -
TAB
: > "$T/std.ndjson"
while read -r code met; do
  echo "{\"case_id\": \"$code=$met\", \"request\": {\"date\": \"2025-06-01\", \"procedures\": [{\"line\": 1, \"cpt\": \"97110\", \"code\": \"$code\"}, {\"line\": 2, \"cpt\": \"97161\"}, {\"line\": 3, \"cpt\": \"97547\"}]}}" >> "$T/std.ndjson"
done < "$T/stdtab"
$B/polvm eval --criteria --bundle "$T/std.polb" < "$T/std.ndjson" > "$T/std.out" 2> "$T/e"
if python3 - "$T/std.out" <<'PY'
import json, sys
bad = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    code, met = d["case_id"].split("=")
    want = set() if met == "-" else set(met.split(","))
    dets = d["determinations"]
    got = {c["id"] for c in dets[0]["criteria"] if c["status"] == "met"}
    routed = [(x.get("policy") or {}).get("id") for x in dets]
    if got != want or routed != ["STD", "STD", None]:
        bad += 1
        print("code %s: met %s, expected %s; routed %s" % (code, sorted(got), sorted(want), routed))
sys.exit(1 if bad else 0)
PY
then ok; else ko "the stdlib value sets do not mean their documented codes ($(head -3 "$T/e"))"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
