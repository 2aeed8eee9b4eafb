# tests/lib.sh -- sourced by the shell test suites: a scratch directory
# removed on exit, and the pass/fail counters every suite reports.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect_rc N CMD...: runs CMD (stdout in $T/o, stderr in $T/e), ok if it
# exits N
expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
# mask FILE: a JSON trace with the bundle's hash and build time masked
# (they change with every policy edit); the case hash stays
mask() { sed -e 's/"sha256": "[0-9a-f]*", "built": "[^"]*"/"sha256": "*", "built": "*"/' "$1"; }
