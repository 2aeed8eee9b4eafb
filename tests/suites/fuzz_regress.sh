#!/bin/sh
# tests/suites/fuzz_regress.sh BUILD_DIR -- every input the fuzzers ever found a
# problem with (tests/fuzz/regress/TARGET/*), through the normal binaries:
# each must end with one of the documented exit codes (docs/errors.md),
# never a signal, never "internal error".
#   fuzz_compile: polc --check (0 or 1); what compiles is also judged on
#                 two example cases (0 or 3).
#   fuzz_bundle:  polvm verify of the file as it is and with its hash
#                 recomputed, as the fuzzer loads it (0 or 4); a bundle that
#                 verifies is judged on two example cases (0 or 3).
#   fuzz_case:    polvm trace with the real bundle (0 or 3).
#   fuzz_program, fuzz_eval, fuzz_fhir, fuzz_jread,
#                 fuzz_serve: the target itself, built without libFuzzer
#                 (BUILD_DIR/tests/replay_TARGET, tests/fuzz/replay_main.c),
#                 must exit 0: its oracles abort on a finding.  fuzz_jread
#                 also replays the fuzz_case inputs, the hostile and the
#                 example cases.
# Part of `make test` and `make valgrind` (VALGRIND set).
set -u
B=${1:-build}
# the messages depend on neither the module path nor a trusted key
unset POL_PATH POLVM_TRUST POLVM_BUNDLE
POLC=$B/polc
POLVM=$B/polvm
VG=${VALGRIND:-}
. tests/lib.sh
CASES="examples/caresource-sij/approve-all-criteria.json examples/seeds/seed-004-t12-s2-fusion.json"

# runs "$@" (under $VG); ok if the exit code is one of $want
expect_in() {
  want=$1; what=$2; shift 2
  $VG "$@" > /dev/null 2> "$T/err"
  rc=$?
  for w in $want; do
    if [ $rc -eq "$w" ] && ! grep -aq 'internal error' "$T/err"; then ok; return 0; fi
  done
  if [ $rc -gt 128 ]; then ko "$what: killed by signal $((rc - 128))"
  else ko "$what: exit $rc (expected one of: $want)"; fi
  grep -av '^==[0-9]*== *$' "$T/err" | head -5
  return 1
}

for f in tests/fuzz/regress/fuzz_compile/*; do
  [ -f "$f" ] || continue
  expect_in "0 1" "polc --check $f" $POLC --check "$f" || continue
  if $POLC -o "$T/r.polb" "$f" > /dev/null 2>&1; then
    expect_in "0 3" "trace with $f compiled" $POLVM trace --bundle "$T/r.polb" $CASES
  fi
done
for f in tests/fuzz/regress/fuzz_bundle/*; do
  [ -f "$f" ] || continue
  python3 -c '
import hashlib, sys
b = bytearray(open(sys.argv[1], "rb").read())
if len(b) >= 48:
    b[16:48] = hashlib.sha256(bytes(b[48:])).digest()
open(sys.argv[2], "wb").write(b)' "$f" "$T/rehashed.polb"
  for g in "$f" "$T/rehashed.polb"; do
    if expect_in "0 4" "polvm verify $f${g#$f}" $POLVM verify "$g" && [ $rc -eq 0 ]; then
      expect_in "0 3" "trace with $f" $POLVM trace --bundle "$g" $CASES
    fi
  done
done
for f in tests/fuzz/regress/fuzz_case/*; do
  [ -f "$f" ] || continue
  expect_in "0 3" "polvm trace $f" $POLVM trace --bundle "$B/policies.polb" "$f"
done
for t in fuzz_program fuzz_eval fuzz_fhir fuzz_serve; do
  for f in tests/fuzz/regress/$t/*; do
    [ -f "$f" ] || continue
    POL_FUZZ_BUNDLE=$B/policies.polb expect_in "0" "$t $f" $B/tests/replay_$t "$f"
  done
done
# the schema-directed case reader against the reference path, on every
# case-like input we keep (the target aborts on any difference)
for f in tests/fuzz/regress/fuzz_jread/* tests/fuzz/regress/fuzz_case/* tests/hostile/*.json \
         examples/*/*.json; do
  [ -f "$f" ] || continue
  POL_FUZZ_BUNDLE=$B/policies.polb expect_in "0" "fuzz_jread $f" $B/tests/replay_fuzz_jread "$f"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
