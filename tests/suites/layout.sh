#!/bin/sh
# tests/suites/layout.sh BUILD_DIR -- every suite file follows the contract
# of tests/suites/README.md (sources tests/lib.sh, ends with the summary).
set -u
. tests/lib.sh
for s in tests/suites/*.sh; do
  if grep -q '^\. tests/lib.sh' "$s" && grep -q 'passed, \$fail failed' "$s"; then ok
  else ko "$s: does not source tests/lib.sh or print the summary line"; fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
