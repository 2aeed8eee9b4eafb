#!/bin/sh
# tests/suites/docs_examples.sh BUILD_DIR -- every ```pol block of docs/*.md
# is a complete policy file: each compiles with polc --check (one check per
# block; none found is a failure).  A ```json block after a ```pol block,
# followed by a line `<!-- expect: DETERMINATION ... -->`, is a case for
# that policy: polvm judges it and must give those determinations, one
# per request line (one check more).
set -u
B=${1:-build}
. tests/lib.sh
for md in docs/*.md; do
  awk -v dir="$T" -v base="$(basename "$md" .md)" '
    /^```pol$/ { inblk = 1; k++; f = dir "/" base "-" k ".pol"; next }
    /^```json$/ && k { inblk = 1; f = dir "/" base "-" k ".case"; next }
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

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
