#!/bin/sh
# tests/suites/docs_examples.sh BUILD_DIR -- every ```pol block of docs/*.md
# is a complete policy file: each compiles with polc --check (one check per
# block; none found is a failure).
set -u
B=${1:-build}
. tests/lib.sh
for md in docs/*.md; do
  awk -v dir="$T" -v base="$(basename "$md" .md)" '
    /^```pol$/ { inblk = 1; k++; f = dir "/" base "-" k ".pol"; next }
    /^```/ && inblk { inblk = 0; close(f); next }
    inblk { print > f }
  ' "$md"
done
n=0
for f in "$T"/*.pol; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  if "$B/polc" --check "$f" > "$T/out" 2>&1; then ok
  else ko "docs example $(basename "$f") does not compile:"; cat "$T/out"; fi
done
[ $n -gt 0 ] || ko "no \`\`\`pol block found in docs/*.md"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
