#!/bin/sh
# tests/suites/golden.sh BUILD_DIR -- golden traces: every example case
#   (examples/*/*.json) traced with the bundle of policies/, as JSON and as
#   text, equals tests/golden/DIR/CASE.json and .text (the bundle's hash and
#   build time masked).
# UPDATE_GOLDEN=1 rewrites the goldens from the current output.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

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

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
