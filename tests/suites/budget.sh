#!/bin/sh
# tests/suites/budget.sh BUILD_DIR -- the instruction budget bounds all the
# work of a case (issue 9, finding 5).
#
# A 24-line policy of doubling lets (2^17 copies of a count, each walking
# the whole list) over a case of 100000 injections.  Before the fix, once
# the budget ran out the running block went on and every remaining count
# still walked its 100000 items: over a minute of work after the budget
# was spent.  Now the first unit of work the budget cannot pay stops the
# evaluation: `trace` reports C0201 (exit 3, both formats) and `eval`
# answers that line with the C0201 error and judges the next one.  The
# check is the outcome, not a time: `timeout 60` only keeps a regression
# from hanging the suite.  Then the real bundle over every list of a real
# case grown to 100000 items.
set -u
B=${1:-build}
unset POL_PATH POLVM_TRUST POLVM_BUNDLE
. tests/lib.sh
POLC=$B/polc
POLVM=$B/polvm
MSG="C0201 evaluation exceeded the limit of 10000000 instructions"

{
  echo 'policy "DBL" { title "doubling lets" version "1" effective 2020-01-01 codes "27279" }'
  echo 'import "case"'
  echo 'let e0 = count injections where true'
  i=1
  while [ $i -lt 18 ]; do echo "let e$i = e$((i - 1)) + e$((i - 1))"; i=$((i + 1)); done
  echo 'branch "B" "b" when true {'
  echo '  criterion "1" "c" { exists injections where e17 > 0 }'
  echo '}'
} > "$T/doubling.pol"
python3 - "$T" <<'EOF'
import json, sys
inj = [{"date": "2024-01-01", "target": "sij"} for _ in range(100000)]
req = {"date": "2025-09-22", "procedures": [{"line": 1, "cpt": "27279"}]}
big = json.dumps({"case_id": "big", "request": req, "injections": inj})
small = json.dumps({"case_id": "small", "request": req, "injections": inj[:1]})
open(sys.argv[1] + "/big.json", "w").write(big)
open(sys.argv[1] + "/two.ndjson", "w").write(big + "\n" + small + "\n")
EOF

if $POLC -o "$T/doubling.polb" "$T/doubling.pol" > "$T/polc.err" 2>&1; then ok
else ko "the doubling policy does not compile: $(head -3 "$T/polc.err")"; fi

# trace, text and JSON: exit 3 and the budget error, nothing on stdout
for fmt in text json; do
  (cd "$T" && timeout 60 "$OLDPWD/$POLVM" trace --bundle doubling.polb --format $fmt big.json) \
    > "$T/out" 2> "$T/err"
  rc=$?
  if [ $rc -eq 124 ]; then ko "trace --format $fmt: still running after 60 s"
  elif [ $rc -ne 3 ]; then ko "trace --format $fmt: exit $rc, expected 3: $(head -3 "$T/err")"
  elif [ "$(cat "$T/err")" != "polvm: big.json: $MSG" ]; then ko "trace --format $fmt: stderr: $(head -3 "$T/err")"
  elif [ -s "$T/out" ]; then ko "trace --format $fmt: wrote a trace for a case it could not judge"
  else ok; fi
done

# eval: an error line for the case over budget, the next case judged
timeout 60 $POLVM eval --bundle "$T/doubling.polb" < "$T/two.ndjson" > "$T/out" 2> "$T/err"
rc=$?
if [ $rc -eq 124 ]; then ko "eval: still running after 60 s"
elif [ $rc -ne 0 ]; then ko "eval: exit $rc, expected 0: $(head -3 "$T/err")"
elif python3 - "$T/out" "$MSG" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
assert lines[0] == {"line_no": 1, "case_id": "big", "error": sys.argv[2]}, lines[0]
assert lines[1]["case_id"] == "small" and "error" not in lines[1], lines[1]
assert lines[1]["determinations"][0]["determination"] == "approve", lines[1]
EOF
then ok
else ko "eval: $(head -c 300 "$T/out")"; fi

# large inputs with the real bundle: each list of a real case grown to
# 100000 items (the case loader's limit), one case per list, plus the
# request lines, in one eval stream: every line is answered, judged or
# C0201, and the stream ends (exit 0)
python3 - "$T/large.ndjson" <<'EOF'
import copy, json, sys
base = json.load(open("examples/caresource-sij/approve-all-criteria.json"))
out = []
def grown(path):
    d = copy.deepcopy(base)
    o = d
    for k in path[:-1]:
        o = o[k]
    items = o[path[-1]] or ["x"]
    o[path[-1]] = [copy.deepcopy(items[i % len(items)]) for i in range(100000)]
    return d
for path in (["therapies"], ["injections"], ["imaging"], ["conditions"], ["request", "procedures"]):
    d = grown(path)
    if path == ["request", "procedures"]:
        for i, p in enumerate(d["request"]["procedures"]):
            p["line"] = i + 1
    d["case_id"] = "large-" + path[-1]
    out.append(json.dumps(d))
d = copy.deepcopy(base)
d["imaging"] = [dict(copy.deepcopy(base["imaging"][0]), findings=base["imaging"][0]["findings"] * 20000)
                for _ in range(5)]
d["case_id"] = "large-findings"
out.append(json.dumps(d))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
timeout 60 $POLVM eval --bundle "$B/policies.polb" < "$T/large.ndjson" > "$T/out" 2> "$T/err"
rc=$?
if [ $rc -ne 0 ]; then ko "eval of large lists: exit $rc: $(head -3 "$T/err")"
elif python3 - "$T/out" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 6, len(lines)
for l in lines:
    assert "determinations" in l or l["error"].startswith(("C0201 ", "C0107 ", "C0002 ")), l
EOF
then ok
else ko "eval of large lists: $(head -c 300 "$T/out")"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
