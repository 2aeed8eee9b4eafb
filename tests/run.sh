#!/bin/sh
# tests/run.sh BUILD_DIR -- the end-to-end suites of `make test`:
#   golden traces, hand-checked expectations, the differential test against
#   the independent oracle, compiler diagnostics, CLI behaviour.
# Each suite prints one line; the last line is "N passed, N failed".
# Set UPDATE_GOLDEN=1 to rewrite the golden files from the current output.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

# Golden JSON traces mask nothing but the bundle's hash and build time
# (they change with every policy edit); the case hash stays.
mask() { sed -e 's/"sha256": "[0-9a-f]*", "built": "[^"]*"/"sha256": "*", "built": "*"/' "$1"; }

# ---- 1. golden traces of the CareSource examples (JSON and text) --------
for f in examples/*/*.json; do
  [ -f "$f" ] || continue
  case "$f" in */expected/*) continue ;; esac
  dir=$(basename "$(dirname "$f")")
  stem=$(basename "$f" .json)
  for fmt in json text; do
    g=tests/golden/$dir/$stem.$fmt
    $POLVM trace --bundle "$BUNDLE" --format $fmt "$f" > "$T/out" 2> "$T/err"
    rc=$?
    [ $rc -eq 0 ] || { ko "trace $f ($fmt) exit $rc: $(cat "$T/err")"; continue; }
    if [ $fmt = json ]; then mask "$T/out" > "$T/got"; else sed -e 's/^Bundle sha256 .*/Bundle sha256 */' "$T/out" > "$T/got"; fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then mkdir -p "$(dirname "$g")"; cp "$T/got" "$g"; fi
    if [ ! -f "$g" ]; then ko "missing golden $g"; continue; fi
    if cmp -s "$T/got" "$g"; then ok; else ko "golden $g differs:"; diff "$g" "$T/got" | head -20; fi
  done
done
echo "golden traces: $pass passed, $fail failed"

# ---- 2. hand-checked expectations (examples/*/expected) ----------------
p0=$pass f0=$fail
for d in examples/*/expected; do
  [ -d "$d" ] || continue
  src=$(dirname "$d")
  : > "$T/in.ndjson"; : > "$T/exp.ndjson"
  for e in "$d"/*.json; do
    stem=$(basename "$e" .json)
    tr -d '\n' < "$src/$stem.json" >> "$T/in.ndjson"; echo >> "$T/in.ndjson"
    tr -d '\n' < "$e" >> "$T/exp.ndjson"; echo >> "$T/exp.ndjson"
  done
  $POLVM eval --criteria --bundle "$BUNDLE" < "$T/in.ndjson" > "$T/ours.ndjson"
  if python3 tests/oracle/compare.py "$T/exp.ndjson" "$T/ours.ndjson" > "$T/cmp"; then ok
  else ko "expectations in $d:"; cat "$T/cmp"; fi
done
python3 tests/oracle/check_matrix.py examples/caresource-sij/expected/*.json > "$T/m" && ok || { ko "coverage matrix"; cat "$T/m"; }
echo "expectations: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 3. differential: VM vs the independent oracle on generated cases ---
p0=$pass f0=$fail
for seed in 11 12 13 14; do
  python3 tests/oracle/gencases.py --seed $seed --count 2500 > "$T/gen.ndjson"
  python3 tests/oracle/mp_mm_1366.py < "$T/gen.ndjson" > "$T/oracle.ndjson"
  $POLVM eval --criteria --bundle "$BUNDLE" < "$T/gen.ndjson" > "$T/ours.ndjson"
  if python3 tests/oracle/compare.py "$T/oracle.ndjson" "$T/ours.ndjson" > "$T/cmp"; then ok
  else ko "differential seed $seed:"; head -30 "$T/cmp"; fi
done
echo "differential (10000 generated cases): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 4. the AST reference evaluator agrees with the VM on every construct --
p0=$pass f0=$fail
if [ -x "$B/tests/interp_diff" ]; then
  python3 tests/oracle/gencases.py --seed 21 --count 3000 > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM:"; tail -20 "$T/id"; fi
  # every language construct: a third of the lines re-coded for features.pol
  python3 tests/oracle/gencases.py --seed 22 --count 3000 | python3 tests/lang/retarget.py > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol tests/lang/features.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (tests/lang/features.pol):"; tail -20 "$T/id"; fi
  # the plan-limited seed policies: decision rules, assess blocks, for each
  python3 tests/oracle/gencases.py --seed 23 --count 3000 \
    | python3 tests/lang/retarget.py --plans commercial-sij-loi,commercial-sij,odg-workers-comp,commercial-spine \
        --codes 27279,27096,22612,63047,27280 > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol tests/lang/features.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (plans, seed policies):"; tail -20 "$T/id"; fi
  grep -q '^for each: [1-9][0-9]* lines, .*assess: [1-9][0-9]* determinations$' "$T/id" && ok \
    || ko "AST evaluator vs VM: no line judged with for each or assess: $(grep '^for each' "$T/id")"
fi
echo "AST evaluator vs VM: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 5. compiler diagnostics (tests/golden/errors/*.pol) ---------------
p0=$pass f0=$fail
for f in tests/golden/errors/*.pol; do
  [ -f "$f" ] || continue
  exp=${f%.pol}.err
  $POLC --check "$f" > "$T/out" 2>&1
  rc=$?
  echo "exit $rc" >> "$T/out"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/out" "$exp"; fi
  if cmp -s "$T/out" "$exp"; then ok; else ko "diagnostics $f:"; diff "$exp" "$T/out" | head -20; fi
done
echo "diagnostics: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 6. command line behaviour and exit codes ---------------------------
p0=$pass f0=$fail
expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
expect_rc 2 $POLVM
expect_rc 2 $POLVM frobnicate
expect_rc 2 $POLVM trace --format yaml examples/caresource-sij/denied-one-injection.json
expect_rc 4 $POLVM trace --bundle /nonexistent.polb examples/caresource-sij/denied-one-injection.json
printf 'not a bundle' > "$T/bad.polb"
expect_rc 4 $POLVM verify "$T/bad.polb"
expect_rc 0 $POLVM verify "$BUNDLE"
printf '{"case_id": "x", "symptoms": {"pain_nrs": "seven"}}' > "$T/bad.json"
expect_rc 3 $POLVM trace --bundle "$BUNDLE" "$T/bad.json"
grep -qx "polvm: $T/bad.json: C0102 symptoms.pain_nrs: expected number, got string" "$T/e" && ok || ko "type error names its path: $(cat "$T/e")"
printf '{"case_id": "x",\n  "request": [1,}' > "$T/bad.json"
expect_rc 3 $POLVM trace --bundle "$BUNDLE" "$T/bad.json"
grep -q "bad.json:2:17: C0001 invalid JSON: " "$T/e" && ok || ko "JSON syntax error has line:col: $(cat "$T/e")"
expect_rc 2 $POLC
expect_rc 3 $POLC --check /nonexistent.pol
expect_rc 0 $POLC --check policies/caresource-nc-sij-fusion.pol
# eval: every input line gives exactly one output line, errors included
{ tr -d '\n' < examples/caresource-sij/denied-one-injection.json; echo
  echo '{broken'
  echo '{"case_id": "typed", "injections": "none"}'
  tr -d '\n' < examples/caresource-sij/approve-all-criteria.json; echo; } > "$T/mix.ndjson"
$POLVM eval --bundle "$BUNDLE" < "$T/mix.ndjson" > "$T/mix.out"
[ "$(wc -l < "$T/mix.out")" -eq 4 ] && ok || ko "eval: 4 lines in, $(wc -l < "$T/mix.out") out"
sed -n 2p "$T/mix.out" | grep -q '"line_no": 2, "error"' && ok || ko "eval: bad JSON line reported: $(sed -n 2p "$T/mix.out")"
sed -n 3p "$T/mix.out" | grep -q '"line_no": 3, "case_id": "typed", "error": "C0102 injections: expected array' && ok || ko "eval: typed error: $(sed -n 3p "$T/mix.out")"
sed -n 4p "$T/mix.out" | grep -q '"determination": "approve"' && ok || ko "eval: line after errors judged: $(sed -n 4p "$T/mix.out")"
# same bundle + same case -> byte-identical JSON
$POLVM trace --format json examples/caresource-sij/denied-one-injection.json --bundle "$BUNDLE" > "$T/a"
$POLVM trace --format json examples/caresource-sij/denied-one-injection.json --bundle "$BUNDLE" > "$T/b"
cmp -s "$T/a" "$T/b" && ok || ko "trace output is not deterministic"
echo "command line: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 6b. language regressions: each policy + case with its determination --
# (and, where NAME.missing exists, its "missing" list: one "criterion: facts"
# line per entry, in trace order; where NAME.text exists, the text trace,
# its bundle and case hash lines masked)
p0=$pass f0=$fail
for f in tests/lang/regress/*.pol; do
  [ -f "$f" ] || continue
  n=${f%.pol}
  $POLC -o "$T/r.polb" "$f" > "$T/e" 2>&1 || { ko "regression $f does not compile: $(head -3 "$T/e")"; continue; }
  $POLVM trace --format json --bundle "$T/r.polb" "$n.json" > "$T/r.json"
  got=$(python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))' < "$T/r.json")
  [ "$got" = "$(cat "$n.expect")" ] && ok || ko "regression $f: got $got, expected $(cat "$n.expect")"
  if [ -f "$n.text" ]; then
    $POLVM trace --bundle "$T/r.polb" "$n.json" | sed -e 's/^Bundle sha256 .*/Bundle sha256 */' -e 's/^Case sha256 .*/Case sha256 */' > "$T/r.text"
    cmp -s "$T/r.text" "$n.text" && ok || { ko "regression $f: text trace differs:"; diff "$n.text" "$T/r.text" | head -10; }
  fi
  [ -f "$n.missing" ] || continue
  python3 -c 'import json,sys
for d in json.load(sys.stdin)["determinations"]:
    for m in d["missing"]: print("%s: %s" % (m["criterion"], ", ".join(m["facts"])))' < "$T/r.json" > "$T/r.missing"
  cmp -s "$T/r.missing" "$n.missing" && ok || { ko "regression $f: missing differs:"; diff "$n.missing" "$T/r.missing" | head -10; }
done
echo "language regressions: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 7. documentation examples compile and run --------------------------
p0=$pass f0=$fail
if [ -f tests/docs_examples.sh ]; then
  if sh tests/docs_examples.sh "$B" > "$T/d" 2>&1; then ok; else ko "docs examples:"; tail -20 "$T/d"; fi
fi
echo "docs examples: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 8. policy tests: policies/*.test.json, every criterion both ways --
p0=$pass f0=$fail
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
echo "policy tests: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 9. polvm diff: a policy change over the CareSource examples --------
p0=$pass f0=$fail
mkdir -p "$T/diff"
sed 's/pain_nrs >= 5/pain_nrs >= 6/' policies/caresource-nc-sij-fusion.pol > "$T/diff/caresource-nc-sij-fusion.pol"
grep -q 'pain_nrs >= 6' "$T/diff/caresource-nc-sij-fusion.pol" && ok || ko "diff: the pain threshold was not changed"
$POLC -o "$T/diff/new.polb" "$T/diff/caresource-nc-sij-fusion.pol" $(ls policies/*.pol | grep -v caresource-nc-sij-fusion) > "$T/e" 2>&1 \
  && ok || ko "diff: the modified policy does not compile: $(head -3 "$T/e")"
: > "$T/diff/cases.ndjson"
for f in examples/caresource-sij/*.json; do tr -d '\n' < "$f" >> "$T/diff/cases.ndjson"; echo >> "$T/diff/cases.ndjson"; done
# the examples have pain 4, 7 or 8: add two at exactly 5/10, where the threshold moved
{ tr -d '\n' < examples/caresource-sij/approve-all-criteria.json \
    | sed -e 's/"case_id": "[^"]*"/"case_id": "approve-pain-5"/' -e 's/"pain_nrs": [0-9]*/"pain_nrs": 5/'; echo
  tr -d '\n' < examples/caresource-sij/denied-one-injection.json \
    | sed -e 's/"case_id": "[^"]*"/"case_id": "denied-one-injection-pain-5"/' -e 's/"pain_nrs": [0-9]*/"pain_nrs": 5/'; echo
} >> "$T/diff/cases.ndjson"
expect_rc 0 $POLVM diff "$BUNDLE" "$BUNDLE" "$T/diff/cases.ndjson"
nlines=$(sed -n 's/^unchanged: //p' "$T/o")
[ "$(head -1 "$T/o")" = "" ] && [ "$(wc -l < "$T/o")" -eq 2 ] && [ "${nlines:-0}" -gt 50 ] && ok || ko "diff of a bundle with itself: $(cat "$T/o")"
expect_rc 0 $POLVM diff "$BUNDLE" "$T/diff/new.polb" "$T/diff/cases.ndjson"
cp "$T/o" "$T/diff/out"
{ echo 'approve-pain-5 line 1: approve -> deny; reasons added I.B.2'
  echo 'denied-one-injection-pain-5 line 1: deny -> deny; reasons added I.B.2'
  echo
  echo 'approve -> deny: 1'
  echo 'reasons changed only: 1'
  echo "unchanged: $((nlines - 2))"; } > "$T/diff/want"
cmp -s "$T/diff/want" "$T/diff/out" && ok || { ko "diff: pain threshold 5 -> 6:"; diff "$T/diff/want" "$T/diff/out" | head -20; }
# a bad case line is reported, the others still compared: exit 3
{ echo '{broken'; sed -n '$p' "$T/diff/cases.ndjson"; } > "$T/diff/bad.ndjson"
expect_rc 3 $POLVM diff "$BUNDLE" "$T/diff/new.polb" "$T/diff/bad.ndjson"
grep -q '^denied-one-injection-pain-5 line 1: deny -> deny; reasons added I.B.2$' "$T/o" && grep -q 'bad.ndjson:1:.*invalid JSON' "$T/e" \
  && ok || ko "diff: bad line: $(cat "$T/o" "$T/e")"
expect_rc 4 $POLVM diff "$BUNDLE" "$T/notpolb" "$T/diff/cases.ndjson"
expect_rc 2 $POLVM diff "$BUNDLE" "$T/diff/new.polb"
echo "policy diff: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- fmt: the canonical layout, kept by every .pol; meaning unchanged -----
p0=$pass f0=$fail
if sh tests/fmt.sh "$B" > "$T/fmt" 2>&1; then ok; else ko "polc fmt (tests/fmt.sh):"; grep -v '^fmt:' "$T/fmt" | head -30; fi
echo "fmt ($(tail -1 "$T/fmt")): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- signed bundles: polc keygen / --sign, polvm --trust ------------------
p0=$pass f0=$fail
S=$T/sign; mkdir -p "$S"
CASE=examples/caresource-sij/denied-one-injection.json
# flip BIT of byte OFF (negative: from the end) of IN into OUT; "major" sets the major version to 2
patch() { python3 - "$@" <<'PY'
import sys
src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
b = bytearray(open(src, 'rb').read())
if what == 'major': b[8] = 3
elif what.startswith('cut'): b = b[:int(what[3:])]
else: b[int(what)] ^= 1
open(dst, 'wb').write(b)
PY
}
expect_rc 0 $POLC keygen "$S/k"
[ "$(stat -c %a "$S/k")" = 600 ] && grep -Eqx '[0-9a-f]{128}' "$S/k" && grep -Eqx '[0-9a-f]{64}' "$S/k.pub" \
  && ok || ko "keygen: key files $(stat -c %a "$S/k") $(cat "$S/k.pub")"
cp "$S/k" "$S/k.before"
expect_rc 3 $POLC keygen "$S/k"
cmp -s "$S/k" "$S/k.before" && grep -q 'already exists' "$T/e" && ok || ko "keygen overwrote a key: $(cat "$T/e")"
expect_rc 2 $POLC keygen
expect_rc 0 $POLC keygen "$S/other"
expect_rc 0 $POLC --sign "$S/k" -o "$S/s.polb" policies/*.pol
expect_rc 3 $POLC --sign "$S/k.pub" -o "$S/x.polb" policies/*.pol
[ ! -e "$S/x.polb" ] && ok || ko "polc --sign with a bad key wrote a bundle"
pub=$(cat "$S/k.pub")
expect_rc 0 $POLVM verify "$S/s.polb"
grep -qx "  signed by $pub (signature valid)" "$T/o" && ok || ko "verify names the signer: $(cat "$T/o")"
expect_rc 0 $POLVM verify "$BUNDLE"
grep -qx "  not signed" "$T/o" && ok || ko "verify of an unsigned bundle: $(cat "$T/o")"
# signed and trusted: every command runs; the trace names the signer, nothing else changes
for cmd in "verify $S/s.polb" "dump $S/s.polb" "trace --bundle $S/s.polb $CASE"; do
  expect_rc 0 $POLVM --trust "$S/k.pub" $cmd
done
tr -d '\n' < "$CASE" > "$S/case.ndjson"; echo >> "$S/case.ndjson"
expect_rc 0 env POLVM_TRUST="$S/k.pub" $POLVM eval --bundle "$S/s.polb" < "$S/case.ndjson"
grep -q "\"signed_by\": \"$pub\"" "$T/o" && ok || ko "eval: no signed_by: $(head -c 300 "$T/o")"
$POLVM --trust "$S/k.pub" trace --format json --bundle "$S/s.polb" "$CASE" > "$S/signed.json"
grep -q "^  \"bundle\": {\"sha256\": \"[0-9a-f]*\", \"built\": \"[^\"]*\", \"signed_by\": \"$pub\"}," "$S/signed.json" \
  && ok || ko "trace: signed_by in the bundle object: $(sed -n 3p "$S/signed.json")"
$POLVM trace --format json --bundle "$BUNDLE" "$CASE" > "$S/unsigned.json"
sed "s/, \"signed_by\": \"$pub\"//" "$S/signed.json" > "$S/stripped.json"
mask "$S/stripped.json" > "$S/a"; mask "$S/unsigned.json" > "$S/b"
cmp -s "$S/a" "$S/b" && ok || { ko "signed trace differs beyond signed_by:"; diff "$S/a" "$S/b" | head; }
# without --trust a signed bundle runs as usual
expect_rc 0 $POLVM trace --bundle "$S/s.polb" "$CASE"
# refusals, exit 4, for every command
for cmd in verify dump trace eval; do
  case $cmd in trace) args="--bundle $BUNDLE $CASE" ;; eval) args="--bundle $BUNDLE" ;; *) args=$BUNDLE ;; esac
  expect_rc 4 $POLVM --trust "$S/k.pub" $cmd $args < /dev/null
  grep -q 'bundle is not signed' "$T/e" && ok || ko "$cmd --trust, unsigned: $(cat "$T/e")"
  expect_rc 4 env POLVM_TRUST="$S/k.pub" $POLVM $cmd $args < /dev/null
done
expect_rc 4 $POLVM --trust "$S/other.pub" trace --bundle "$S/s.polb" "$CASE"
grep -q 'bundle signed by an untrusted key' "$T/e" && ok || ko "wrong key: $(cat "$T/e")"
# the last --trust wins over POLVM_TRUST
expect_rc 0 env POLVM_TRUST="$S/other.pub" $POLVM --trust "$S/k.pub" verify "$S/s.polb"
# a bit of the signature: refused with or without --trust; verify says why
patch "$S/s.polb" "$S/badsig.polb" -1
expect_rc 4 $POLVM --trust "$S/k.pub" trace --bundle "$S/badsig.polb" "$CASE"
grep -q 'bad signature: bundle altered after signing' "$T/e" && ok || ko "bad signature: $(cat "$T/e")"
expect_rc 4 $POLVM trace --bundle "$S/badsig.polb" "$CASE"
expect_rc 4 $POLVM verify "$S/badsig.polb"
grep -qx "  signed by $pub (signature INVALID: bundle altered after signing)" "$T/o" && ok || ko "verify, bad signature: $(cat "$T/o")"
# a bit of the content
patch "$S/s.polb" "$S/badbody.polb" 200
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/badbody.polb"
grep -q 'content hash mismatch' "$T/e" && ok || ko "content bit: $(cat "$T/e")"
# truncated, in the signature and just before it (the signature stripped)
n=$(wc -c < "$S/s.polb")
patch "$S/s.polb" "$S/cut.polb" cut$((n - 10))
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/cut.polb"
expect_rc 4 $POLVM verify "$S/cut.polb"
patch "$S/s.polb" "$S/cut.polb" cut$((n - 104))
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/cut.polb"
grep -q 'bundle is not signed' "$T/e" && ok || ko "signature stripped: $(cat "$T/e")"
# A's signature on B's content
$POLC --sign "$S/k" -o "$S/a.polb" policies/caresource-nc-sij-fusion.pol > /dev/null 2>&1
{ cat "$BUNDLE"; tail -c 104 "$S/a.polb"; } > "$S/mix.polb"
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/mix.polb"
grep -q 'bad signature: bundle altered after signing' "$T/e" && ok || ko "signature of other content: $(cat "$T/e")"
# a newer major format
patch "$S/s.polb" "$S/major.polb" major
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/major.polb"
grep -q 'bundle format 3.x is newer than this polvm (2.x)' "$T/e" && ok || ko "newer major: $(cat "$T/e")"
# bad --trust arguments
expect_rc 2 $POLVM --trust
expect_rc 2 $POLVM --trust "$S/nonexistent.pub" verify "$S/s.polb"
expect_rc 2 $POLVM --trust "$S/k" verify "$S/s.polb"
expect_rc 2 env POLVM_TRUST="$S/nonexistent.pub" $POLVM verify "$S/s.polb"
echo "signed bundles: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- doc: polc doc as Markdown and HTML, the HTML in headless chromium -----
p0=$pass f0=$fail
if sh tests/doc.sh "$B" > "$T/doc" 2>&1; then ok; else ko "polc doc (tests/doc.sh):"; grep -v '^doc:' "$T/doc" | head -30; fi
grep '^SKIP' "$T/doc"
echo "doc ($(tail -1 "$T/doc")): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- editors: the TextMate grammar and the vim syntax follow the lexer ------
p0=$pass f0=$fail
if sh tests/editors.sh "$B" > "$T/ed" 2>&1; then ok; else ko "editor support (tests/editors.sh):"; grep -v '^editors:' "$T/ed" | head -30; fi
grep '^SKIP' "$T/ed"
echo "editors ($(tail -1 "$T/ed")): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- fuzz regressions: what the fuzzers found, through the real binaries --
# (the "8. fuzz regressions" of the hostile-input issue; 8 was taken)
p0=$pass f0=$fail
if sh tests/fuzz/replay.sh "$B" > "$T/fz" 2>&1; then ok; else ko "fuzz regressions (tests/fuzz/replay.sh):"; grep -v '^fuzz regressions:' "$T/fz" | head -30; fi
echo "fuzz regressions ($(tail -1 "$T/fz" | sed 's/^fuzz regressions: //')): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- hostile input: tests/hostile/, eval of broken lines, tampered bundles --
p0=$pass f0=$fail
if sh tests/hostile.sh "$B" > "$T/ho" 2>&1; then ok; else ko "hostile input (tests/hostile.sh):"; grep -v '^[a-z].*: [0-9]* passed, [0-9]* failed$' "$T/ho" | head -30; fi
grep -v '^[0-9]* passed' "$T/ho" | grep ' passed, ' | sed 's/^/  /'
echo "hostile input ($(tail -1 "$T/ho")): $((pass - p0)) passed, $((fail - f0)) failed"

# ---- suites of their own: tests/suites/NAME.sh BUILD_DIR ------------------
# Each prints its failures and, last, "N passed, N failed"; exit 0 when green.
for s in tests/suites/*.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  p0=$pass f0=$fail
  if sh "$s" "$B" > "$T/suite" 2>&1; then ok; else ko "suite $name ($s):"; grep -v ' passed, [0-9]* failed$' "$T/suite" | head -30; fi
  echo "$name ($(tail -1 "$T/suite")): $((pass - p0)) passed, $((fail - f0)) failed"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
