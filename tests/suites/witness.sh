#!/bin/sh
# tests/suites/witness.sh BUILD_DIR -- evidence a reviewer can use
#   (docs/cli.md "Witnesses", "Decisive evidence"), end to end through
#   polc and polvm: tests/witness/w.pol over tests/witness/case.json.
#   (a) exists: the witness study with its date and the fields tested;
#   a failed exists: the closest study and what it lacked; nested lists;
#   every: the first counter-example, not an unknown item before it;
#   (b) a let's arguments in the query; (c) a met `or` / `at least`
#   without its failed alternatives; polvm eval shows none of it and gives
#   the same results with and without witnesses.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh

$POLC -o "$T/w.polb" tests/witness/w.pol > "$T/c" 2>&1 && ok || { ko "compile:"; cat "$T/c"; }
$POLVM trace --format json --bundle "$T/w.polb" tests/witness/case.json > "$T/t.json" && ok || ko "trace json"
$POLVM trace --bundle "$T/w.polb" tests/witness/case.json > "$T/t.txt" && ok || ko "trace text"

# one check per line: criterion id, then a Python expression over its
# evidence list `ev` that must be true
cat > "$T/checks" <<'CHECKS'
W.1 ev[0]["witness"] == {"list": "imaging", "index": 1, "item": {"date": "2025-03-01", "modality": "mri", "region": "sij"}}
W.2 ev[0]["closest"] == {"list": "imaging", "index": 1, "item": {"date": "2025-03-01", "modality": "mri", "region": "sij"}, "lacked": ["region == \"lumbar\""]}
W.2 "witness" not in ev[0]
W.3 ev[0]["witness"]["inner"] == [{"witness": {"list": "findings", "index": 1, "item": {"finding": "sij_pathology"}}}]
W.3 ev[0]["witness"]["item"] == {"date": "2025-03-01", "region": "sij"}
W.4 ev[0]["witness"] == {"list": "injections", "index": 2, "item": {"date": "2025-04-01", "contrast": False}, "lacked": ["i.contrast"]}
W.5 ev[0]["query"] == "count distinct date of injections where target == \"sij\" and relief_pct >= 80"
W.5 [i["index"] for i in ev[0]["counted"]["items"]] == [0, 1, 2] and "more" not in ev[0]["counted"]
W.6 [e["fact"] for e in ev] == ["exam.maneuvers.compression"]
W.7 [e["fact"] for e in ev] == ["exam.maneuvers.distraction", "exam.maneuvers.patrick_faber"]
CHECKS
python3 - "$T/t.json" "$T/checks" > "$T/py" 2>&1 <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
crit = {c["id"]: c for c in t["determinations"][0]["criteria"]}
for line in open(sys.argv[2]):
    cid, expr = line.rstrip("\n").split(" ", 1)
    ev = crit[cid]["evidence"]
    try:
        good = eval(expr, {"ev": ev})
    except Exception as e:  # a missing key is a failure too
        good = False
    print(("ok " if good else "FAIL ") + cid + ": " + expr + ("" if good else "\n   evidence: " + json.dumps(ev)))
PY
while read -r r rest; do
  if [ "$r" = ok ]; then ok; else ko "$rest"; fi
done < "$T/py"

# the text report: readable witnesses under the reasons and in the table
for want in \
  'closest: imaging #2 (2025-03-01): modality mri, region sij; lacked region == "lumbar"' \
  'witness: injections #3 (2025-04-01): contrast false; lacked i.contrast' \
  '| W.1 | MET | imaging = true [imaging #2 (2025-03-01): modality mri, region sij] |' \
  '| W.6 | MET | exam.maneuvers.compression = true |' \
  '[counted: #1 (2025-02-01), #2 (2025-03-01), #3 (2025-04-01)]'; do
  grep -qF -- "$want" "$T/t.txt" && ok || ko "text report lacks: $want"
done
grep -qF 'min_relief' "$T/t.json" "$T/t.txt" && ko "a parameter name in the trace" || ok

# polvm eval: no evidence, so no witnesses; the same answers as trace's
tr -d '\n' < tests/witness/case.json > "$T/in.ndjson"; echo >> "$T/in.ndjson"
$POLVM eval --criteria --bundle "$T/w.polb" < "$T/in.ndjson" > "$T/e1" && ok || ko "eval"
$POLVM eval --criteria --no-trace --bundle "$T/w.polb" < "$T/in.ndjson" > "$T/e2" && ok || ko "eval --no-trace"
grep -q '"witness"\|"closest"\|"counted"' "$T/e1" && ko "polvm eval wrote witnesses" || ok
python3 - "$T/t.json" "$T/e1" "$T/e2" > "$T/same" 2>&1 <<'PY' && ok || { ko "trace and eval disagree:"; cat "$T/same"; }
import json, sys
t = json.load(open(sys.argv[1]))["determinations"][0]
for f in sys.argv[2:]:
    e = json.loads(open(f).read())["determinations"][0]
    assert e["determination"] == t["determination"], (f, e["determination"])
    assert {c["id"]: c["status"] for c in e["criteria"]} == {c["id"]: c["status"] for c in t["criteria"]}, f
PY

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
