#!/bin/sh
# tests/suites/policy_diff.sh BUILD_DIR -- polvm diff: a bundle against
#   itself, and a policy change (the CareSource pain threshold moved from 5
#   to 6) over the examples, line by line; a bad case line; the exit codes
#   (docs/testing.md).
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

mkdir -p "$T/diff"
sed 's/pain_nrs >= 5/pain_nrs >= 6/' policies/caresource-nc-sij-fusion.pol > "$T/diff/caresource-nc-sij-fusion.pol"
grep -q 'pain_nrs >= 6' "$T/diff/caresource-nc-sij-fusion.pol" && ok || ko "diff: the pain threshold was not changed"
$POLC -o "$T/diff/new.polb" "$T/diff/caresource-nc-sij-fusion.pol" $(ls policies/*.pol | grep -v caresource-nc-sij-fusion) > "$T/e" 2>&1 \
  && ok || ko "diff: the modified policy does not compile: $(head -3 "$T/e")"
: > "$T/diff/cases.ndjson"
for f in examples/caresource-sij/*.json; do tr -d '\n' < "$f" >> "$T/diff/cases.ndjson"; echo >> "$T/diff/cases.ndjson"; done
# the examples have pain 4, 7 or 8: add two at exactly 5/10, where the threshold moved
{ tr -d '\n' < examples/caresource-sij/approve-all-criteria.json \
    | sed -e 's/"case_id": "[^"]*"/"case_id": "approve-pain-5"/' -e 's/"pain_nrs": [0-9]*/"pain_nrs": 5/'; echo
  tr -d '\n' < examples/caresource-sij/denied-one-injection.json \
    | sed -e 's/"case_id": "[^"]*"/"case_id": "denied-one-injection-pain-5"/' -e 's/"pain_nrs": [0-9]*/"pain_nrs": 5/'; echo
} >> "$T/diff/cases.ndjson"
expect_rc 0 $POLVM diff "$BUNDLE" "$BUNDLE" "$T/diff/cases.ndjson"
nlines=$(sed -n 's/^unchanged: //p' "$T/o")
[ "$(head -1 "$T/o")" = "" ] && [ "$(wc -l < "$T/o")" -eq 2 ] && [ "${nlines:-0}" -gt 50 ] && ok || ko "diff of a bundle with itself: $(cat "$T/o")"
expect_rc 0 $POLVM diff "$BUNDLE" "$T/diff/new.polb" "$T/diff/cases.ndjson"
cp "$T/o" "$T/diff/out"
{ echo 'approve-pain-5 line 1: approve -> deny; reasons added I.B.2'
  echo 'denied-one-injection-pain-5 line 1: deny -> deny; reasons added I.B.2'
  echo
  echo 'approve -> deny: 1'
  echo 'reasons changed only: 1'
  echo "unchanged: $((nlines - 2))"; } > "$T/diff/want"
cmp -s "$T/diff/want" "$T/diff/out" && ok || { ko "diff: pain threshold 5 -> 6:"; diff "$T/diff/want" "$T/diff/out" | head -20; }
# a bad case line is reported, the others still compared: exit 3
{ echo '{broken'; sed -n '$p' "$T/diff/cases.ndjson"; } > "$T/diff/bad.ndjson"
expect_rc 3 $POLVM diff "$BUNDLE" "$T/diff/new.polb" "$T/diff/bad.ndjson"
grep -q '^denied-one-injection-pain-5 line 1: deny -> deny; reasons added I.B.2$' "$T/o" && grep -q 'bad.ndjson:1:.*invalid JSON' "$T/e" \
  && ok || ko "diff: bad line: $(cat "$T/o" "$T/e")"
printf 'not a bundle' > "$T/notpolb"
expect_rc 4 $POLVM diff "$BUNDLE" "$T/notpolb" "$T/diff/cases.ndjson"
expect_rc 2 $POLVM diff "$BUNDLE" "$T/diff/new.polb"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
