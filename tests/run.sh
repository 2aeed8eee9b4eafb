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
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

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

# ---- 4. the AST reference evaluator agrees with the VM -----------------
p0=$pass f0=$fail
if [ -x "$B/tests/interp_diff" ]; then
  python3 tests/oracle/gencases.py --seed 21 --count 3000 > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM:"; tail -20 "$T/id"; fi
  # every language construct: a third of the lines re-coded for features.pol
  python3 tests/oracle/gencases.py --seed 22 --count 3000 | python3 tests/lang/retarget.py > "$T/gen.ndjson"
  if $B/tests/interp_diff "$T/gen.ndjson" policies/*.pol tests/lang/features.pol > "$T/id" 2>&1; then ok
  else ko "AST evaluator vs VM (tests/lang/features.pol):"; tail -20 "$T/id"; fi
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
grep -q 'symptoms.pain_nrs: expected number, got string' "$T/e" && ok || ko "type error names its path: $(cat "$T/e")"
printf '{"case_id": "x",\n  "request": [1,}' > "$T/bad.json"
expect_rc 3 $POLVM trace --bundle "$BUNDLE" "$T/bad.json"
grep -q "bad.json:2:" "$T/e" && ok || ko "JSON syntax error has line:col: $(cat "$T/e")"
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
sed -n 3p "$T/mix.out" | grep -q '"line_no": 3, "case_id": "typed", "error": "injections: expected array' && ok || ko "eval: typed error: $(sed -n 3p "$T/mix.out")"
sed -n 4p "$T/mix.out" | grep -q '"determination": "approve"' && ok || ko "eval: line after errors judged: $(sed -n 4p "$T/mix.out")"
# same bundle + same case -> byte-identical JSON
$POLVM trace --format json examples/caresource-sij/denied-one-injection.json --bundle "$BUNDLE" > "$T/a"
$POLVM trace --format json examples/caresource-sij/denied-one-injection.json --bundle "$BUNDLE" > "$T/b"
cmp -s "$T/a" "$T/b" && ok || ko "trace output is not deterministic"
echo "command line: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 6b. language regressions: each policy + case with its determination --
p0=$pass f0=$fail
for f in tests/lang/regress/*.pol; do
  [ -f "$f" ] || continue
  n=${f%.pol}
  $POLC -o "$T/r.polb" "$f" > "$T/e" 2>&1 || { ko "regression $f does not compile: $(head -3 "$T/e")"; continue; }
  got=$($POLVM trace --format json --bundle "$T/r.polb" "$n.json" | python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))')
  [ "$got" = "$(cat "$n.expect")" ] && ok || ko "regression $f: got $got, expected $(cat "$n.expect")"
done
echo "language regressions: $((pass - p0)) passed, $((fail - f0)) failed"

# ---- 7. documentation examples compile and run --------------------------
p0=$pass f0=$fail
if [ -f tests/docs_examples.sh ]; then
  if sh tests/docs_examples.sh "$B" > "$T/d" 2>&1; then ok; else ko "docs examples:"; tail -20 "$T/d"; fi
fi
echo "docs examples: $((pass - p0)) passed, $((fail - f0)) failed"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
