#!/bin/sh
# tests/suites/docs_run.sh BUILD_DIR -- the examples of docs/*.md that come
# with a case: a ```pol block, then a ```json block (a case), then a line
# "Determinations: `DET DET ...`" (one per request line).  Each policy is
# compiled, the case judged with it, and the determinations compared.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
. tests/lib.sh
python3 - "$T" docs/*.md <<'PY' > "$T/list"
import re, sys
out = sys.argv[1]
k = 0
for md in sys.argv[2:]:
    lines = open(md, encoding="utf-8").read().split("\n")
    i, pol, case = 0, None, None
    while i < len(lines):
        l = lines[i]
        if l in ("```pol", "```json"):
            j = lines.index("```", i + 1)
            body = "\n".join(lines[i + 1:j]) + "\n"
            if l == "```pol":
                pol, case = body, None
            else:
                case = body
            i = j + 1
            continue
        m = re.match(r"^Determinations: `([a-z_ ]+)`$", l)
        if m and pol and case:
            k += 1
            open("%s/run%d.pol" % (out, k), "w").write(pol)
            open("%s/run%d.json" % (out, k), "w").write(case)
            print("%d %s:%d %s" % (k, md, i + 1, m.group(1)))
            case = None
        i += 1
PY
n=0
while read -r k where want; do
  n=$((n + 1))
  if ! "$B/polc" -o "$T/run$k.polb" "$T/run$k.pol" > "$T/err" 2>&1; then
    ko "$where: the example does not compile: $(head -3 "$T/err")"; continue
  fi
  got=$("$B/polvm" trace --format json --bundle "$T/run$k.polb" "$T/run$k.json" 2> "$T/err" |
        python3 -c 'import json,sys; print(" ".join(d["determination"] for d in json.load(sys.stdin)["determinations"]))' 2>> "$T/err")
  [ "$got" = "$want" ] && ok || ko "$where: got '$got', the text says '$want' $(head -2 "$T/err")"
done < "$T/list"
[ $n -gt 0 ] || ko "no example with a case and its determinations in docs/*.md"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
