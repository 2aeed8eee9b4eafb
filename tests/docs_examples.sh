#!/bin/sh
# tests/docs_examples.sh BUILD_DIR -- every ```pol block of docs/*.md is a
# complete policy file: compile each with polc --check.
set -u
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 bad=0
for md in docs/*.md; do
  awk -v dir="$T" -v base="$(basename "$md" .md)" '
    /^```pol$/ { inblk = 1; k++; f = dir "/" base "-" k ".pol"; next }
    /^```/ && inblk { inblk = 0; close(f); next }
    inblk { print > f }
  ' "$md"
done
for f in "$T"/*.pol; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  if ! "$B/polc" --check "$f" > "$T/out" 2>&1; then
    bad=$((bad + 1))
    echo "docs example $(basename "$f") does not compile:"
    cat "$T/out"
  fi
done
echo "docs examples: $n compiled, $bad failed"
[ $n -gt 0 ] && [ $bad -eq 0 ]
