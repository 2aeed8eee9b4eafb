#!/bin/sh
# tests/suites/signed.sh BUILD_DIR -- signed bundles: polc keygen and
#   --sign, polvm verify, --trust and POLVM_TRUST; every refusal (unsigned,
#   untrusted key, altered signature or content, truncated, another bundle's
#   signature, a newer major format) exits 4 with its message
#   (docs/security.md).
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

S=$T/sign; mkdir -p "$S"
CASE=examples/caresource-sij/denied-one-injection.json
# flip BIT of byte OFF (negative: from the end) of IN into OUT; "major" sets the major version to 2
patch() { python3 - "$@" <<'PY'
import sys
src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
b = bytearray(open(src, 'rb').read())
if what == 'major': b[8] = 3
elif what.startswith('cut'): b = b[:int(what[3:])]
else: b[int(what)] ^= 1
open(dst, 'wb').write(b)
PY
}
expect_rc 0 $POLC keygen "$S/k"
[ "$(stat -c %a "$S/k")" = 600 ] && grep -Eqx '[0-9a-f]{128}' "$S/k" && grep -Eqx '[0-9a-f]{64}' "$S/k.pub" \
  && ok || ko "keygen: key files $(stat -c %a "$S/k") $(cat "$S/k.pub")"
cp "$S/k" "$S/k.before"
expect_rc 3 $POLC keygen "$S/k"
cmp -s "$S/k" "$S/k.before" && grep -q 'already exists' "$T/e" && ok || ko "keygen overwrote a key: $(cat "$T/e")"
expect_rc 2 $POLC keygen
expect_rc 0 $POLC keygen "$S/other"
expect_rc 0 $POLC --sign "$S/k" -o "$S/s.polb" policies/*.pol
expect_rc 3 $POLC --sign "$S/k.pub" -o "$S/x.polb" policies/*.pol
[ ! -e "$S/x.polb" ] && ok || ko "polc --sign with a bad key wrote a bundle"
pub=$(cat "$S/k.pub")
expect_rc 0 $POLVM verify "$S/s.polb"
grep -qx "  signed by $pub (signature valid)" "$T/o" && ok || ko "verify names the signer: $(cat "$T/o")"
expect_rc 0 $POLVM verify "$BUNDLE"
grep -qx "  not signed" "$T/o" && ok || ko "verify of an unsigned bundle: $(cat "$T/o")"
# signed and trusted: every command runs; the trace names the signer, nothing else changes
for cmd in "verify $S/s.polb" "dump $S/s.polb" "trace --bundle $S/s.polb $CASE"; do
  expect_rc 0 $POLVM --trust "$S/k.pub" $cmd
done
tr -d '\n' < "$CASE" > "$S/case.ndjson"; echo >> "$S/case.ndjson"
expect_rc 0 env POLVM_TRUST="$S/k.pub" $POLVM eval --bundle "$S/s.polb" < "$S/case.ndjson"
grep -q "\"signed_by\": \"$pub\"" "$T/o" && ok || ko "eval: no signed_by: $(head -c 300 "$T/o")"
$POLVM --trust "$S/k.pub" trace --format json --bundle "$S/s.polb" "$CASE" > "$S/signed.json"
grep -q "^  \"bundle\": {\"sha256\": \"[0-9a-f]*\", \"built\": \"[^\"]*\", \"signed_by\": \"$pub\"}," "$S/signed.json" \
  && ok || ko "trace: signed_by in the bundle object: $(sed -n 3p "$S/signed.json")"
$POLVM trace --format json --bundle "$BUNDLE" "$CASE" > "$S/unsigned.json"
sed "s/, \"signed_by\": \"$pub\"//" "$S/signed.json" > "$S/stripped.json"
mask "$S/stripped.json" > "$S/a"; mask "$S/unsigned.json" > "$S/b"
cmp -s "$S/a" "$S/b" && ok || { ko "signed trace differs beyond signed_by:"; diff "$S/a" "$S/b" | head; }
# without --trust a signed bundle runs as usual
expect_rc 0 $POLVM trace --bundle "$S/s.polb" "$CASE"
# refusals, exit 4, for every command
for cmd in verify dump trace eval; do
  case $cmd in trace) args="--bundle $BUNDLE $CASE" ;; eval) args="--bundle $BUNDLE" ;; *) args=$BUNDLE ;; esac
  expect_rc 4 $POLVM --trust "$S/k.pub" $cmd $args < /dev/null
  grep -q 'bundle is not signed' "$T/e" && ok || ko "$cmd --trust, unsigned: $(cat "$T/e")"
  expect_rc 4 env POLVM_TRUST="$S/k.pub" $POLVM $cmd $args < /dev/null
done
expect_rc 4 $POLVM --trust "$S/other.pub" trace --bundle "$S/s.polb" "$CASE"
grep -q 'bundle signed by an untrusted key' "$T/e" && ok || ko "wrong key: $(cat "$T/e")"
# the last --trust wins over POLVM_TRUST
expect_rc 0 env POLVM_TRUST="$S/other.pub" $POLVM --trust "$S/k.pub" verify "$S/s.polb"
# a bit of the signature: refused with or without --trust; verify says why
patch "$S/s.polb" "$S/badsig.polb" -1
expect_rc 4 $POLVM --trust "$S/k.pub" trace --bundle "$S/badsig.polb" "$CASE"
grep -q 'bad signature: bundle altered after signing' "$T/e" && ok || ko "bad signature: $(cat "$T/e")"
expect_rc 4 $POLVM trace --bundle "$S/badsig.polb" "$CASE"
expect_rc 4 $POLVM verify "$S/badsig.polb"
grep -qx "  signed by $pub (signature INVALID: bundle altered after signing)" "$T/o" && ok || ko "verify, bad signature: $(cat "$T/o")"
# a bit of the content
patch "$S/s.polb" "$S/badbody.polb" 200
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/badbody.polb"
grep -q 'content hash mismatch' "$T/e" && ok || ko "content bit: $(cat "$T/e")"
# truncated, in the signature and just before it (the signature stripped)
n=$(wc -c < "$S/s.polb")
patch "$S/s.polb" "$S/cut.polb" cut$((n - 10))
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/cut.polb"
expect_rc 4 $POLVM verify "$S/cut.polb"
patch "$S/s.polb" "$S/cut.polb" cut$((n - 104))
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/cut.polb"
grep -q 'bundle is not signed' "$T/e" && ok || ko "signature stripped: $(cat "$T/e")"
# A's signature on B's content
$POLC --sign "$S/k" -o "$S/a.polb" policies/caresource-nc-sij-fusion.pol > /dev/null 2>&1
{ cat "$BUNDLE"; tail -c 104 "$S/a.polb"; } > "$S/mix.polb"
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/mix.polb"
grep -q 'bad signature: bundle altered after signing' "$T/e" && ok || ko "signature of other content: $(cat "$T/e")"
# a newer major format
patch "$S/s.polb" "$S/major.polb" major
expect_rc 4 $POLVM --trust "$S/k.pub" verify "$S/major.polb"
grep -q 'bundle format 3.x is newer than this polvm (2.x)' "$T/e" && ok || ko "newer major: $(cat "$T/e")"
# bad --trust arguments
expect_rc 2 $POLVM --trust
expect_rc 2 $POLVM --trust "$S/nonexistent.pub" verify "$S/s.polb"
expect_rc 2 $POLVM --trust "$S/k" verify "$S/s.polb"
expect_rc 2 env POLVM_TRUST="$S/nonexistent.pub" $POLVM verify "$S/s.polb"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
