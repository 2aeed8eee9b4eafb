#!/bin/sh
# tests/suites/unit.sh BUILD_DIR -- the cmocka unit tests: each
#   tests/unit/test_MODULE.c, built as BUILD_DIR/tests/test_MODULE, run with
#   CMOCKA_MESSAGE_OUTPUT=TAP; every cmocka test is one check.  A binary that
#   is missing, exits non-zero without a failed test, or stops before the
#   end of its plan (a crash, a sanitizer report) fails the tests it did not
#   finish, at least one.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh

for src in tests/unit/test_*.c; do
  name=$(basename "$src" .c)
  bin=$B/tests/$name
  [ -x "$bin" ] || { ko "$bin is not built (make test builds it)"; continue; }
  CMOCKA_MESSAGE_OUTPUT=TAP "$bin" > "$T/tap" 2> "$T/err"
  rc=$?
  good=$(grep -c '^ok ' "$T/tap")
  bad=$(grep -c '^not ok ' "$T/tap")
  plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/tap" | head -n 1)
  pass=$((pass + good))
  grep '^not ok ' "$T/tap" | while IFS= read -r line; do echo "FAIL: $name: ${line#not ok }"; done
  fail=$((fail + bad))
  left=$((${plan:-0} - good - bad))
  if [ $left -gt 0 ]; then
    fail=$((fail + left)); echo "FAIL: $name: exit $rc after $((good + bad)) of $plan tests ($left not finished)"
  elif [ $rc -ne 0 ] && [ $bad -eq 0 ]; then
    ko "$name: exit $rc, no test failed"
  elif [ -z "$plan" ]; then
    ko "$name: no TAP plan (1..N) in its output"
  fi
  if [ $rc -ne 0 ]; then
    grep -v '^ok ' "$T/tap" | head -n 20 | sed 's/^/  /'
    head -n 20 "$T/err" | sed 's/^/  /'
  fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
