#!/bin/sh
# tests/suites/review_tags.sh BUILD_DIR -- every policy of policies/ is
#   classified for the review flow (docs/language.md "The review flow"):
#   * `polc --require-review-tags` accepts each policies/*.pol alone and all
#     of them in one compile (every criterion documentation or clinical,
#     no mixed nesting: E0353-E0355);
#   * each policy runs the flow (`decision review`), or writes its rules out
#     with one more rule (FLOW_PLUS: the flow's first two rules, then its
#     own), except those listed in KEEP_DEFAULT (their docs/policies/ page
#     gives the reason).
set -u
B=${1:-build}
POLC=$B/polc
. tests/lib.sh

# policies whose reading is a contract that keeps the default rule (deny on
# any failed criterion): the reason is in their docs/policies/ page
KEEP_DEFAULT="caresource-nc-sij-fusion"
# policies that write the flow out and add a rule (pt-visit-limits: refer
# when a clinical finding is still unknown, docs/policies/pt-visit-limits.md)
FLOW_PLUS="pt-visit-limits"

for f in policies/*.pol; do
  expect_rc 0 $POLC --require-review-tags --check "$f"
  name=$(basename "$f" .pol)
  case " $KEEP_DEFAULT " in
    *" $name "*) grep -q '^decision' "$f" && ko "$f: listed as keeping the default rule, but has a decision" || ok ;;
    *)
      case " $FLOW_PLUS " in
        *" $name "*)
          awk '/^decision \{/ { on = 1; next } on && NF { print; n++ } n == 2 { exit }' "$f" > "$T/rules"
          printf '  deny when any failed tagged clinical\n  loi when failed\n' | cmp -s - "$T/rules" && ok ||
            ko "$f: its decision does not begin with the review flow's rules: $(cat "$T/rules")" ;;
        *) grep -qx 'decision review' "$f" && ok || ko "$f: does not say 'decision review'" ;;
      esac ;;
  esac
done
expect_rc 0 $POLC --require-review-tags --check policies/*.pol

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
