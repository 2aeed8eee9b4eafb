#!/bin/sh
# tests/suites/numbers.sh BUILD_DIR -- numbers are exact decimals
# (docs/language.md, "Numbers"): a case's 6.3 prints as 6.3 in every output
# (JSON and text traces, polc --dump, polc doc), literals and case
# numbers out of range or too precise are errors with their codes, and an
# arithmetic result out of range stops the case (C0201) instead of
# becoming unknown.
set -u
. tests/lib.sh
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm

cat > "$T/n.pol" <<'EOF'
policy "NUM" { title "numbers" version "1" effective 2020-01-01 codes "99999" }
import "case"
fact tiny: number = nums.tiny
fact big: number = nums.big
branch "N" "numbers" when cpt == "99999" {
  criterion "N.1" "Pain of at least 7.5." { pain_nrs >= 7.5 }
  criterion "N.2" "A tiny amount." { tiny >= 0.00000001 }
  criterion "N.3" "A product in range." { (big ?? 0) * 2 < 100 }
}
EOF
case_with() {   # case_with NUMS-MEMBERS -> one line of JSON
  printf '{"case_id": "n", "request": {"date": "2025-06-01", "procedures": [{"line": 1, "cpt": "99999"}]}, "symptoms": {"pain_nrs": 6.3}, "nums": {%s}}\n' "$1"
}
has() {   # has FILE TEXT WHAT
  grep -qF -- "$2" "$1" && ok || ko "$3: no '$2' in: $(head -c 600 "$1")"
}

$POLC -o "$T/n.polb" "$T/n.pol" > "$T/e" 2>&1 && ok || ko "compile: $(head -3 "$T/e")"
case_with '"tiny": 0.00000002, "big": -0.5' > "$T/c.json"

# traces: the shortest exact text, as the case wrote it (was 6.2999999999999998, 2e-08)
$POLVM trace --format json --bundle "$T/n.polb" "$T/c.json" > "$T/j" 2> "$T/e" && ok || ko "trace json: $(cat "$T/e")"
has "$T/j" '{"fact": "symptoms.pain_nrs", "value": 6.3, "expected": ">= 7.5"}' "JSON trace"
has "$T/j" '{"fact": "nums.tiny", "value": 0.00000002, "expected": ">= 0.00000001"}' "JSON trace"
has "$T/j" '{"fact": "nums.big", "value": -0.5}' "JSON trace"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/j" && ok || ko "the JSON trace is not JSON"
$POLVM trace --bundle "$T/n.polb" "$T/c.json" > "$T/t" 2> "$T/e" && ok || ko "trace text: $(cat "$T/e")"
has "$T/t" 'symptoms.pain_nrs = 6.3 (>= 7.5)' "text trace"
has "$T/t" 'nums.tiny = 0.00000002' "text trace"
grep -q '6\.29999' "$T/j" "$T/t" && ko "a binary double's digits are printed" || ok

# the compiler's outputs: constants and thresholds
$POLC --dump "$T/n.pol" > "$T/d" 2> "$T/e" && ok || ko "dump: $(cat "$T/e")"
has "$T/d" '; 0.00000001' "polc --dump"
has "$T/d" '; 7.5' "polc --dump"
$POLC doc -o "$T/doc.md" "$T/n.pol" > "$T/e" 2>&1 && ok || ko "doc: $(cat "$T/e")"
has "$T/doc.md" '0.00000001' "polc doc"

# an arithmetic result out of range: an error for the case, with where and what
case_with '"tiny": 1, "big": 92233720368' > "$T/o.json"
$POLVM trace --bundle "$T/n.polb" "$T/o.json" > "$T/o" 2> "$T/e"
[ $? -eq 3 ] && ok || ko "overflow: trace exit is not 3"
has "$T/e" "polvm: $T/o.json: C0201 request line 1, criterion N.3 of NUM: number out of range: 92233720368 * 2 is not within -92233720368.54775807 .. 92233720368.54775807" "overflow"
$POLVM eval --bundle "$T/n.polb" < "$T/o.json" > "$T/o" 2> "$T/e"
has "$T/o" '"error": "C0201 request line 1, criterion N.3 of NUM: number out of range: 92233720368 * 2' "eval overflow"

# a case number out of range
case_with '"tiny": 1e300' > "$T/r.json"
$POLVM trace --bundle "$T/n.polb" "$T/r.json" > "$T/o" 2> "$T/e"
[ $? -eq 3 ] && ok || ko "case out of range: trace exit is not 3"
has "$T/e" "C0112 nums.tiny: number out of range (-92233720368.54775807 .. 92233720368.54775807)" "case out of range"

# literals: at most 8 digits after the point, within the range
for lit in 0.000000001:E0108 6.300000000:E0108 92233720368.54775808:E0109 100000000000:E0109; do
  sed "s/>= 7.5/>= ${lit%%:*}/" "$T/n.pol" > "$T/l.pol"
  $POLC --check "$T/l.pol" > "$T/o" 2> "$T/e"
  [ $? -eq 1 ] && ok || ko "literal ${lit%%:*}: polc --check exit is not 1"
  has "$T/e" "error[${lit##*:}]" "literal ${lit%%:*}"
done
sed 's/>= 7.5/>= 92233720368.54775807/' "$T/n.pol" > "$T/l.pol"
$POLC --check "$T/l.pol" > "$T/o" 2> "$T/e" && ok || ko "the largest literal: $(head -3 "$T/e")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
