#!/bin/sh
# tests/valgrind.sh BUILD_DIR -- `make valgrind`: the compiler and the VM
# under valgrind's memcheck; any error or any definitely or indirectly lost
# block fails the run (valgrind exits 99).
#   polc: compile policies/ (bundle, --check, --dump);
#   polvm: trace (text and JSON; the notice of the seeds and a hostile
#   case) and eval (with criteria) over every
#   example case, verify and dump of the bundle; the public C API
#   (tests/unit/test_api.c);
#   then the hostile-input suite (tests/suites/hostile.sh, parts 1 and 2)
#   and the fuzz regressions (tests/suites/fuzz_regress.sh), each command
#   under valgrind; then polvm serve, replay and metrics
#   (tests/suites/serve.sh, without its load and SIGKILL parts).
# Prints a line per step and "N passed, N failed".
set -u
B=${1:-build}
command -v valgrind > /dev/null || { echo "valgrind: not installed (make deps)" >&2; exit 1; }
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
POLC=$B/polc
POLVM=$B/polvm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

step() {
  what=$1; shift
  "$@" > "$T/out" 2> "$T/err" < "${STDIN:-/dev/null}"
  rc=$?
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1)); echo "ok: $what"
  else
    fail=$((fail + 1)); echo "FAIL: $what: exit $rc"; head -40 "$T/err"
  fi
}

CASES=$(ls examples/*/*.json)
step "polc: compile policies/" $VG $POLC -o "$T/p.polb" policies/*.pol
step "polc --check policies/" $VG $POLC --check policies/*.pol
step "polc --dump policies/" $VG $POLC --dump policies/*.pol
step "polvm verify" $VG $POLVM verify "$T/p.polb"
step "polvm dump" $VG $POLVM dump "$T/p.polb"
step "polvm trace (text), $(echo $CASES | wc -w) cases" $VG $POLVM trace --bundle "$T/p.polb" $CASES
step "polvm trace (JSON), $(echo $CASES | wc -w) cases" $VG $POLVM trace --bundle "$T/p.polb" --format json $CASES
for f in examples/seeds/*.json tests/notice/hostile.json; do
  for fmt in notice notice-html; do
    step "polvm trace --format $fmt $f" $VG $POLVM trace --bundle "$T/p.polb" --format $fmt "$f"
  done
done
step "polvm trace (FHIR bundle), $(echo $CASES | wc -w) cases" $VG $POLVM trace --bundle "$T/p.polb" --format fhir-bundle $CASES
step "polc questionnaire policies/" $VG $POLC questionnaire policies/*.pol
for f in $CASES; do tr -d '\n' < "$f"; echo; done > "$T/cases.ndjson"
python3 tests/oracle/gencases.py --seed 31 --count 300 >> "$T/cases.ndjson"
STDIN=$T/cases.ndjson step "polvm eval --criteria, $(wc -l < "$T/cases.ndjson") lines" \
  $VG $POLVM eval --criteria --bundle "$T/p.polb"
STDIN=$T/cases.ndjson step "polvm eval --no-trace" $VG $POLVM eval --no-trace --bundle "$T/p.polb"
step "test_api (the public C API, every function)" $VG $B/tests/test_api

VALGRIND=$VG sh tests/suites/hostile.sh "$B" > "$T/hostile" 2>&1
rc=$?
grep -v '^[0-9]* passed' "$T/hostile" | sed 's/^/  /'
if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "ok: hostile inputs under valgrind"
else fail=$((fail + 1)); echo "FAIL: hostile inputs under valgrind"; fi
VALGRIND=$VG sh tests/suites/fuzz_regress.sh "$B" > "$T/replay" 2>&1
rc=$?
sed 's/^/  /' "$T/replay" | tail -20
if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "ok: fuzz regressions under valgrind"
else fail=$((fail + 1)); echo "FAIL: fuzz regressions under valgrind"; fi
# polvm serve, replay and metrics: the server under valgrind, stopped by
# SIGTERM (the load, slow-client and SIGKILL parts are skipped there)
VALGRIND=$VG sh tests/suites/serve.sh "$B" > "$T/serve" 2>&1
rc=$?
sed 's/^/  /' "$T/serve" | tail -20
if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "ok: polvm serve under valgrind"
else fail=$((fail + 1)); echo "FAIL: polvm serve under valgrind"; fi

echo "valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ]
