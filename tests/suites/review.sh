#!/bin/sh
# tests/suites/review.sh BUILD_DIR -- who may deny (docs/language.md "The
#   review flow" and "Plans"; fixtures in tests/review/):
#   * `decision review`, the review flow of a policy whose every criterion
#     is tagged documentation or clinical: pend (request for information)
#     -> loi (only documentation failed) -> deny (a clinical criterion
#     failed), on met / not met / unknown criteria, inherited tags included;
#   * the flow is opt-in: the same policy without `decision review` keeps
#     the default rule; a policy tagged in part is refused by `decision
#     review` and by polc --require-review-tags (E0353, E0354, E0355);
#     another standard decision is E0356;
#   * plan declarations: `denials recommended` turns deny and loi into
#     refer with "recommended" in the trace, the reasons kept; the bundle
#     default (polc --denials-recommended) and `denials final`; E0350-E0352;
#   * plan declarations survive polc fmt, and the notice uses the plan's texts.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
R=tests/review
. tests/lib.sh

# case JSON for code $1 with the fields $2 (JSON members, may be empty)
mkcase() {
  printf '{"case_id": "rv", "request": {"date": "2025-06-01", %s"procedures": [{"cpt": "%s"}]}%s}\n' \
    "${3:-}" "$1" "${2:+, $2}" > "$T/case.json"
}
# det BUNDLE: the first line's determination (and recommended, if any)
det() {
  $POLVM trace --bundle "$1" --format json "$T/case.json" > "$T/tr.json" 2> "$T/tr.err" || { echo "error: $(cat "$T/tr.err")"; return; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; print(d["determination"] + ("/" + d["recommended"] if "recommended" in d else ""))' "$T/tr.json"
}
check() {   # check BUNDLE WANT CPT FIELDS [REQUEST-FIELDS]
  b=$1 want=$2; shift 2
  mkcase "$@"
  got=$(det "$b")
  [ "$got" = "$want" ] && ok || ko "$b: case {$*}: got $got, expected $want"
}

OKPT='"therapies": [{"kind": "physical_therapy", "start": "2025-01-01", "end": "2025-03-01"}]'
NOPT='"therapies": []'
IMG='"imaging": [{"region": "lumbar", "date": "2025-02-01"}, {"region": "sij", "date": "2025-02-01"}]'
LUMBAR='"imaging": [{"region": "lumbar", "date": "2025-02-01"}]'
NOCOND='"conditions": []'

# ---- the review flow ---------------------------------------------------------
expect_rc 0 $POLC -o "$T/flow.polb" $R/flow.pol
F=$T/flow.polb
check $F approve 99101 "$OKPT, \"symptoms\": {\"pain_nrs\": 7}, $IMG, $NOCOND"
check $F pend    99101 "$OKPT, $IMG, $NOCOND"                                        # R.2 unknown
check $F pend    99101 "$OKPT, \"symptoms\": {\"pain_nrs\": 7}, $IMG"                 # R.4 unknown
check $F loi     99101 "$NOPT, \"symptoms\": {\"pain_nrs\": 7}, $IMG, $NOCOND"        # R.1 documentation
check $F loi     99101 "$NOPT, $IMG, $NOCOND"                                        # documentation failed, clinical unknown
check $F loi     99101 "$OKPT, \"symptoms\": {\"pain_nrs\": 7}, $LUMBAR, $NOCOND"     # R.3.b, tag inherited from R.3
check $F deny    99101 "$NOPT, \"symptoms\": {\"pain_nrs\": 3}, $IMG, $NOCOND"        # R.2 clinical
check $F deny    99101 "$OKPT, \"symptoms\": {\"pain_nrs\": 7}, $IMG, \"conditions\": [\"fibromyalgia\"]"
# the loi's reasons are the documentation criteria; the pend's missing facts are listed
mkcase 99101 "$NOPT, \"symptoms\": {\"pain_nrs\": 7}, $LUMBAR, $NOCOND"
$POLVM trace --bundle $F --format json "$T/case.json" > "$T/o.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; sys.exit(0 if [r["criterion"] for r in d["reasons"]] == ["R.1", "R.3", "R.3.b"] else 1)' "$T/o.json" && ok || ko "flow: loi reasons are not R.1, R.3, R.3.b"
mkcase 99101 "$OKPT, $IMG, $NOCOND"
$POLVM trace --bundle $F --format json "$T/case.json" > "$T/o.json"
grep -q '"symptoms.pain_nrs"' "$T/o.json" && ok || ko "flow: the pend does not list symptoms.pain_nrs"
# polc doc shows the rules the flow wrote
$POLC doc $R/flow.pol > "$T/doc.md" && grep -q "Non-certify for lack of information" "$T/doc.md" && ok || ko "flow: polc doc lacks the review flow's rules"
# the flow's policy passes --require-review-tags
expect_rc 0 $POLC --require-review-tags --check $R/flow.pol
# without `decision review` the same tags leave the default rule: deny, not loi
grep -v '^decision review$' $R/flow.pol > "$T/flow-default.pol"
expect_rc 0 $POLC -o "$T/flow-default.polb" "$T/flow-default.pol"
check "$T/flow-default.polb" deny 99101 "$NOPT, \"symptoms\": {\"pain_nrs\": 7}, $IMG, $NOCOND"
expect_rc 0 $POLC --require-review-tags --check "$T/flow-default.pol"
# `decision review` on a policy tagged in part: the classification errors
{ cat $R/untagged.pol; echo 'decision review'; } > "$T/part-review.pol"
expect_rc 1 $POLC --check "$T/part-review.pol"
[ "$(grep -c 'error\[E035[345]\]' "$T/e")" -eq 4 ] && ok || ko "decision review on untagged: $(head -3 "$T/e")"
sed 's/^decision review$/decision triage/' $R/flow.pol > "$T/flow-other.pol"
expect_rc 1 $POLC --check "$T/flow-other.pol"
grep -q "error\[E0356\]: unknown standard decision 'triage'" "$T/e" && ok || ko "decision triage: $(head -2 "$T/e")"

# ---- a policy tagged in part -------------------------------------------------
expect_rc 0 $POLC -o "$T/part.polb" $R/untagged.pol
check "$T/part.polb" deny 99102 "$NOPT, \"symptoms\": {\"pain_nrs\": 7}, $LUMBAR"     # default rule: deny, not loi
expect_rc 1 $POLC --require-review-tags --check $R/untagged.pol
for code in 'R.2 is tagged neither' 'E0354]: criterion R.3 is tagged both' \
            'E0355]: criterion R.4.a is tagged documentation inside a criterion tagged clinical' 'E0353]: criterion R.5'; do
  grep -qF "$code" "$T/e" && ok || ko "--require-review-tags: no '$code' in: $(head -3 "$T/e")"
done
[ "$(grep -c 'error\[E035' "$T/e")" -eq 4 ] && ok || ko "--require-review-tags: expected 4 errors: $(grep -c 'error' "$T/e")"
# the policies of policies/ compile as before without the option
expect_rc 0 $POLC --check policies/caresource-nc-sij-fusion.pol

# ---- plans -------------------------------------------------------------------
expect_rc 0 $POLC -o "$T/plans.polb" $R/plans.pol
expect_rc 0 $POLC --denials-recommended -o "$T/plans-rec.polb" $R/plans.pol
P=$T/plans.polb
PR=$T/plans-rec.polb
PAIN3='"symptoms": {"pain_nrs": 3}'
check $P refer/deny 99103 "$OKPT, $PAIN3" '"plan": "ma", '
check $P refer/loi  99103 "$NOPT, \"symptoms\": {\"pain_nrs\": 7}" '"plan": "ma", '
check $P pend       99103 "$OKPT" '"plan": "ma", '
check $P approve    99103 "$OKPT, \"symptoms\": {\"pain_nrs\": 7}" '"plan": "ma", '
check $P deny       99103 "$OKPT, $PAIN3" '"plan": "other", '
check $P deny       99103 "$OKPT, $PAIN3"
check $PR refer/deny 99103 "$OKPT, $PAIN3" '"plan": "other", '
check $PR refer/deny 99103 "$OKPT, $PAIN3"
check $PR deny       99103 "$OKPT, $PAIN3" '"plan": "strict", '
# the reasons are kept, after the review reason
mkcase 99103 "$OKPT, $PAIN3" '"plan": "ma", '
$POLVM trace --bundle $P --format json "$T/case.json" > "$T/o.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["determinations"][0]; r=d["reasons"]; sys.exit(0 if [x["criterion"] for x in r] == ["review", "P.1"] and r[0]["recommended"] == "deny" and "physician review required" in r[0]["text"] else 1)' "$T/o.json" && ok || ko "plans: the refer's reasons are not [review, P.1]: $(grep -o '"reasons".*' "$T/o.json" | head -c 300)"
$POLVM trace --bundle $P "$T/case.json" > "$T/o.txt"
grep -q '^Recommended: DENY (adverse determination recommended' "$T/o.txt" && ok || ko "plans: the text trace does not say what was recommended"
# the notice: the plan's name, appeal and reviewer texts, and the recommendation
$POLVM trace --bundle $P --format notice "$T/case.json" > "$T/o.notice"
for w in 'Example Medicare Advantage' 'Call 1-800-555-0100 within 60 days.' 'board-certified in orthopedic surgery' \
         'REFERRED FOR PHYSICIAN REVIEW: adverse determination recommended' 'Recommended: DENY' '42 CFR 422.566(d)' \
         'Criterion P.1 is not met' 'The policy requires: pain NRS'; do
  grep -qF "$w" "$T/o.notice" && ok || ko "plans: the notice lacks '$w'"
done
# errors
expect_rc 1 $POLC --check tests/golden/errors/plan-settings.pol
[ "$(grep -c 'error\[E0352\]' "$T/e")" -eq 3 ] && grep -q 'error\[E0351\]: plan "ma" is declared twice' "$T/e" && ok || ko "bad plans: $(cat "$T/e" | head -5)"
expect_rc 1 $POLC --check tests/golden/errors/plan-misspelt.pol
grep -q "error\[E0350\]: unexpected 'plam'" "$T/e" && ok || ko "bad plan word: $(head -2 "$T/e")"
# fmt keeps the declarations
for f in $R/flow.pol $R/plans.pol $R/untagged.pol; do
  $POLC fmt "$f" > "$T/fmt.pol" && cmp -s "$f" "$T/fmt.pol" && ok || ko "polc fmt changes $f"
done

# the examples of docs/language.md are these fixtures, so the docs' examples run
block_after() {   # block_after HEADING: the first ```pol block after the line HEADING
  awk -v h="$1" '$0 == h { on = 1; next } on && /^```pol$/ { inb = 1; next }
                 inb && /^```/ { exit } inb { print }' docs/language.md
}
block_after '### The review flow' > "$T/doc-flow.pol"
cmp -s "$T/doc-flow.pol" $R/flow.pol && ok || ko "docs/language.md's review flow example is not tests/review/flow.pol"
block_after '### Plans' > "$T/doc-plans.pol"
cmp -s "$T/doc-plans.pol" $R/plans.pol && ok || ko "docs/language.md's plan example is not tests/review/plans.pol"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
