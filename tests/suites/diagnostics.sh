#!/bin/sh
# tests/suites/diagnostics.sh BUILD_DIR -- compiler diagnostics: polc
#   --check of each tests/golden/errors/NAME.pol prints exactly NAME.err
#   (messages and exit code).
# UPDATE_GOLDEN=1 rewrites the .err files from the current output.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
. tests/lib.sh

for f in tests/golden/errors/*.pol; do
  [ -f "$f" ] || continue
  exp=${f%.pol}.err
  $POLC --check "$f" > "$T/out" 2>&1
  rc=$?
  echo "exit $rc" >> "$T/out"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/out" "$exp"; fi
  if cmp -s "$T/out" "$exp"; then ok; else ko "diagnostics $f:"; diff "$exp" "$T/out" | head -20; fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
