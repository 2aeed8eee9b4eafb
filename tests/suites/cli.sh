#!/bin/sh
# tests/suites/cli.sh BUILD_DIR -- command line behaviour: exit codes of
#   polc and polvm, error messages that name their path or line:col, polvm
#   eval's one output line per input line, deterministic traces.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

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

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
