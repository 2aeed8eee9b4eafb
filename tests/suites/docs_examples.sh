#!/bin/sh
# tests/suites/docs_examples.sh BUILD_DIR -- every ```pol block of docs/*.md
# is a complete policy file: each compiles with polc --check (one check per
# block; none found is a failure).  A ```json block after a ```pol block,
# followed by a line `<!-- expect: DETERMINATION ... -->`, is a case for
# that policy: polvm judges it and must give those determinations, one
# per request line (one check more).
# A ```json case block after a ```pol block is traced with that policy
# alone, and the ```text trace block after it must be the text trace
# exactly (the Bundle and Case sha256 lines aside).
set -u
B=${1:-build}
. tests/lib.sh
for md in docs/*.md; do
  awk -v dir="$T" -v base="$(basename "$md" .md)" '
    /^```pol$/ { inblk = 1; k++; f = dir "/" base "-" k ".pol"; next }
    /^```json$/ && k { inblk = 1; f = dir "/" base "-" k ".case"; next }
    /^```json case$/ { inblk = 1; f = dir "/" base "-" k ".case.json"; next }
    /^```text trace$/ { inblk = 1; f = dir "/" base "-" k ".trace.txt"; next }
    /^```/ && inblk { inblk = 0; close(f); next }
    inblk { print > f }
    /^<!-- expect: .* -->$/ && k { sub(/^<!-- expect: /, ""); sub(/ -->$/, "");
                                    print > (dir "/" base "-" k ".expect"); close(dir "/" base "-" k ".expect") }
  ' "$md"
done
n=0
for f in "$T"/*.pol; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  if "$B/polc" --check "$f" > "$T/out" 2>&1; then ok
  else ko "docs example $(basename "$f") does not compile:"; cat "$T/out"; fi
  x=${f%.pol}
  [ -f "$x.expect" ] && [ -f "$x.case" ] || continue
  "$B/polc" -o "$T/ex.polb" "$f" > "$T/out" 2>&1
  got=$("$B/polvm" trace --format json --bundle "$T/ex.polb" "$x.case" 2> "$T/err" \
        | python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))' 2>> "$T/err")
  [ "$got" = "$(cat "$x.expect")" ] && ok \
    || { ko "docs example $(basename "$f"): its case is judged '$got', the page says '$(cat "$x.expect")'"; cat "$T/err"; }
done
[ $n -gt 0 ] || ko "no \`\`\`pol block found in docs/*.md"
for c in "$T"/*.case.json; do
  [ -f "$c" ] || continue
  pol=${c%.case.json}.pol
  if ! "$B/polc" -o "$T/ex.polb" "$pol" > "$T/out" 2>&1; then ko "docs example $(basename "$pol"):"; cat "$T/out"; continue; fi
  "$B/polvm" trace --bundle "$T/ex.polb" "$c" 2>&1 | grep -v -e '^Bundle sha256' -e '^Case sha256' > "$T/got"
  if [ ! -f "${c%.case.json}.trace.txt" ]; then ok
  elif cmp -s "$T/got" "${c%.case.json}.trace.txt"; then ok
  else ko "docs example $(basename "$c"): the trace differs from the document:"; diff "${c%.case.json}.trace.txt" "$T/got" | head -20; fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
