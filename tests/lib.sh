# tests/lib.sh -- sourced by the shell test suites: a scratch directory
# removed on exit, and the pass/fail counters every suite reports.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
