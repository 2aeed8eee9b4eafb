#!/bin/sh
# tests/suites/hostile.sh BUILD_DIR -- hostile input: malformed policies,
# malformed and mistyped cases, tampered bundles.  Part of `make test` and
# of `make valgrind` (VALGRIND set to the valgrind command).
#
#  1. tests/hostile/NAME.expect: one input, NAME.pol (polc --check),
#     NAME.json (polvm trace) or NAME.polb (polvm verify), or a generator
#     NAME.pol.sh / NAME.json.sh whose output is the input (for inputs too
#     large to keep; it is run in a scratch directory, and so is the tool).
#     The .expect file holds, after any '#' comment lines, "exit N" and the
#     exact first line the tool writes to stderr (none: stderr is empty).
#  2. polvm eval over 1000 NDJSON lines, many of them broken: one output
#     line per input line, each valid JSON, errors numbered and coded.
#  3. 300 tampered copies of a bundle, its hash recomputed so that the
#     damage reaches the section parsers and the verifier: polvm verify
#     exits 0 or 4, and a bundle that verifies judges the examples (0 or 3).
# Nothing may end in a signal.  Prints a line per part, then "N passed, N
# failed"; exits 1 on any failure.
set -u
B=${1:-build}
# the messages depend on neither the module path nor a trusted key
unset POL_PATH POLVM_TRUST POLVM_BUNDLE
ROOT=$(pwd)
case $B in /*) ;; *) B=$ROOT/$B ;; esac
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
VG=${VALGRIND:-}
. tests/lib.sh

# ---- 1. one input, one exit code, one exact error line ------------------
p0=$pass f0=$fail
mkdir -p "$T/gen"
for exp in tests/hostile/*.expect; do
  name=$(basename "$exp" .expect)
  dir=$ROOT
  arg=
  for ext in pol json polb; do
    if [ -f "tests/hostile/$name.$ext" ]; then arg=tests/hostile/$name.$ext; break; fi
    if [ -f "tests/hostile/$name.$ext.sh" ]; then
      sh "tests/hostile/$name.$ext.sh" > "$T/gen/$name.$ext" || { ko "$name: generator failed"; continue 2; }
      dir=$T/gen
      arg=$name.$ext
      break
    fi
  done
  [ -n "$arg" ] || { ko "$name: no input for $exp"; continue; }
  case $arg in
    *.pol) set -- $POLC --check "$arg" ;;
    *.json) set -- $POLVM trace --bundle "$BUNDLE" "$arg" ;;
    *) set -- $POLVM verify "$arg" ;;
  esac
  (cd "$dir" && exec $VG "$@") > "$T/out" 2> "$T/err"
  rc=$?
  want_rc=$(grep -v '^#' "$exp" | sed -n '1s/^exit //p')
  want_line=$(grep -v '^#' "$exp" | sed -n 2p)
  got_line=$(grep -av '^==[0-9]*==' "$T/err" | head -1)
  if [ $rc -gt 128 ]; then
    ko "$name: killed by signal $((rc - 128)): $(head -3 "$T/err")"
  elif [ "$rc" != "$want_rc" ]; then
    ko "$name: exit $rc, expected $want_rc: $(head -3 "$T/err")"
  elif [ "$got_line" != "$want_line" ]; then
    ko "$name: first error line differs:"
    echo "  expected: $want_line"
    echo "  got:      $got_line"
  else
    ok
  fi
  rm -f "$T/gen/$name".*
done
echo "hostile inputs: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 2. eval: 1000 lines in, 1000 lines out -----------------------------
p0=$pass f0=$fail
python3 - "$T/mix.ndjson" <<'EOF'
import json, sys, glob
good = [json.dumps(json.load(open(f))) for f in sorted(glob.glob("examples/*/*.json"))]
bad = [
    b"{broken", b"", b"   ", b"null", b"[]", b'"text"', b"{}", b'{"case_id": 7}',
    b'{"case_id": "t", "symptoms": {"pain_nrs": "seven"}}',
    b'{"case_id": "t", "injections": [{"date": "2025-02-30"}]}',
    b'{"case_id": "t", "symptoms": {"pain_nrs": 1e400}}',
    b'{"case_id": "t", "symptoms": {"pain_nrs": NaN}}',
    b'{"case_id": "t", "a": 1, "a": 2}',
    b'{"case_id": "t", "x": ' + b"[" * 80 + b"]" * 80 + b"}",
    b'{"case_id": "t\xff"}', b'{"case_id": "t\x00"}', b'{"case_id": "cr"}\r',
    b'{"case_id": "t", "request": {"procedures": [{"line": 1.5}]}}',
    b'{"case_id": "t", "conditions": [null]}',
    b"\xef\xbb\xbf{}",
]
lines = []
for i in range(1000):
    lines.append(good[i % len(good)].encode() if i % 3 == 0 else bad[i % len(bad)])
lines[500] = b'{"case_id": "huge", "pad": "' + b"x" * (17 << 20) + b'"}'
with open(sys.argv[1], "wb") as f:
    f.write(b"\n".join(lines))   # the last line has no newline
EOF
(exec $VG "$POLVM" eval --bundle "$BUNDLE" < "$T/mix.ndjson") > "$T/mix.out" 2> "$T/mix.err"
rc=$?
[ $rc -eq 0 ] && ok || ko "eval of the mixed lines exited $rc: $(head -3 "$T/mix.err")"
if python3 - "$T/mix.out" <<'EOF' > "$T/mixcheck" 2>&1; then ok; else ko "eval of the mixed lines:"; head -10 "$T/mixcheck"; fi
import json, re, sys
out = open(sys.argv[1], "rb").read().split(b"\n")
assert out[-1] == b"", "output does not end with a newline"
out = out[:-1]
assert len(out) == 1000, "%d lines out for 1000 in" % len(out)
errors = judged = 0
for i, line in enumerate(out, 1):
    r = json.loads(line)
    if "error" in r:
        errors += 1
        assert r["line_no"] == i, "line %d reported as %s" % (i, r["line_no"])
        assert re.match(r"C0\d\d\d ", r["error"]), "line %d: error without a code: %s" % (i, r["error"])
    else:
        judged += 1
        assert "case_id" in r and "determinations" in r, "line %d: %s" % (i, line[:200])
big = json.loads(out[500])   # input line 501
assert big["error"].startswith("C0002 case too large"), big
print("eval: %d judged, %d errors" % (judged, errors))
EOF
echo "eval, 1000 mixed lines ($(cat "$T/mixcheck")): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 3. tampered bundles ------------------------------------------------
p0=$pass f0=$fail
if [ -z "$VG" ]; then   # 300 runs: too slow under valgrind
  mkdir -p "$T/tamper"
  SOURCE_DATE_EPOCH=0 $POLC -o "$T/small.polb" policies/seed-002-odg-sij-injection.pol > /dev/null 2>&1 ||
    ko "cannot compile the bundle to tamper with"
  python3 tests/hostile/tamper.py "$T/small.polb" "$T/tamper" 300
  verified=0 refused=0
  for f in "$T"/tamper/*.polb; do
    $POLVM verify "$f" > /dev/null 2> "$T/err"
    rc=$?
    case $rc in
      0) verified=$((verified + 1))
         $POLVM trace --bundle "$f" examples/caresource-sij/approve-all-criteria.json \
           examples/seeds/seed-002-odg-sij-injection.json > /dev/null 2> "$T/err"
         rc=$?
         [ $rc -eq 0 ] || [ $rc -eq 3 ] || { ko "tampered $(basename "$f") verifies, then trace exits $rc: $(head -2 "$T/err")"; continue; } ;;
      4) refused=$((refused + 1))
         grep -q '^polvm: .*: B0001 bundle refused: ' "$T/err" ||
           { ko "tampered $(basename "$f"): refused without B0001: $(head -2 "$T/err")"; continue; } ;;
      *) ko "tampered $(basename "$f"): polvm verify exits $rc: $(head -2 "$T/err")"; continue ;;
    esac
    ok
  done
  echo "tampered bundles ($refused refused, $verified verified and judged): $((pass - p0)) passed, $((fail - f0)) failed"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
