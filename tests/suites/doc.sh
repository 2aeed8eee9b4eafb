#!/bin/sh
# tests/suites/doc.sh BUILD_DIR -- `polc doc`:
#   1. every policy renders as Markdown and as HTML, deterministically; each
#      names every criterion id; the HTML is well formed and standalone
#      (tests/doc/check_html.py);
#   2. golden: tests/doc/sample.pol (every construct the English rendering
#      knows) renders to tests/doc/sample.md and sample.html;
#   3. in a real headless browser (Debian's chromium; skipped with a
#      message when it is not installed -- `tools/deps.sh --extra` installs
#      it): the HTML of the CareSource policy loads, its DOM holds every
#      criterion id, and a screenshot is kept as BUILD_DIR/doc-caresource.png;
#   4. exit codes;
#   5. the man pages docs/polc.1 and docs/polvm.1 name every command and
#      exit status, and groff renders them without a warning.
# Prints one line per failure and a summary line; exits 1 on a failure.
set -u
B=${1:-build}
POLC=$B/polc
. tests/lib.sh

# ---- 1. every policy ----------------------------------------------------------
for f in policies/*.pol; do
  stem=$(basename "$f" .pol)
  $POLC doc "$f" > "$T/$stem.md" 2> "$T/err" || { ko "polc doc $f: $(head -3 "$T/err")"; continue; }
  $POLC doc --html -o "$T/$stem.html" "$f" 2> "$T/err" || { ko "polc doc --html $f: $(head -3 "$T/err")"; continue; }
  $POLC doc "$f" | cmp -s - "$T/$stem.md" && ok || ko "polc doc $f is not deterministic"
  missing=""
  for id in $(python3 -c 'import sys; sys.path.insert(0, "tests/doc"); import check_html; print("\n".join(check_html.criterion_ids(sys.argv[1])))' "$f"); do
    grep -qF "**$id**" "$T/$stem.md" || missing="$missing $id"
  done
  [ -z "$missing" ] && ok || ko "polc doc $f: criteria missing from the Markdown:$missing"
  python3 tests/doc/check_html.py "$T/$stem.html" "$f" > "$T/chk" && ok || { ko "polc doc --html $f:"; head -10 "$T/chk"; }
done

# ---- 2. goldens ---------------------------------------------------------------
for fmt in md html; do
  exp=tests/doc/sample.$fmt
  if [ $fmt = md ]; then $POLC doc tests/doc/sample.pol > "$T/out" 2>&1; else $POLC doc --html tests/doc/sample.pol > "$T/out" 2>&1; fi
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/out" "$exp"; fi
  cmp -s "$T/out" "$exp" && ok || { ko "polc doc tests/doc/sample.pol ($fmt) differs from $exp:"; diff "$exp" "$T/out" | head -20; }
done
python3 tests/doc/check_html.py tests/doc/sample.html tests/doc/sample.pol > "$T/chk" && ok || { ko "tests/doc/sample.html:"; head -10 "$T/chk"; }

# ---- 3. the HTML in a headless browser ------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed: the browser check of 'polc doc --html' did not run" \
       "(install it with 'sh tools/deps.sh --extra' or 'apt-get install -y chromium')"
else
  page=$(pwd)/$B/doc-caresource.html
  $POLC doc --html -o "$page" policies/caresource-nc-sij-fusion.pol
  rm -f "$B/doc-caresource.png"
  TO=$(command -v timeout >/dev/null && echo "timeout 120" || true)
  browse() { # ARGS... -- a fresh profile each time, nothing fetched from the network
    prof=$(mktemp -d)
    $TO "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" "$@" 2> "$T/chromium.err"
    rc=$?
    rm -rf "$prof"
    return $rc
  }
  browse --screenshot="$B/doc-caresource.png" --window-size=1200,2000 "file://$page" > /dev/null ||
    ko "chromium --screenshot failed: $(tail -3 "$T/chromium.err")"
  python3 - "$B/doc-caresource.png" > "$T/png" <<'PY' && ok || ko "screenshot $B/doc-caresource.png: $(cat "$T/png")"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1200, 2000), f"{w}x{h}, expected 1200x2000"
assert len(b) > 30000, f"only {len(b)} bytes: a blank page?"
PY
  browse --dump-dom "file://$page" > "$T/dom.html" || ko "chromium --dump-dom failed: $(tail -3 "$T/chromium.err")"
  python3 tests/doc/check_html.py "$page" policies/caresource-nc-sij-fusion.pol "$T/dom.html" > "$T/chk" && ok ||
    { ko "the browser's DOM of polc doc --html:"; head -10 "$T/chk"; }
fi

# ---- 4. exit codes ---------------------------------------------------------------
expect_rc() { want=$1; shift; "$@" > "$T/o" 2> "$T/e"; rc=$?; [ $rc -eq "$want" ] && ok || ko "'$*' exited $rc, expected $want: $(head -3 "$T/e")"; }
expect_rc 2 $POLC doc
expect_rc 2 $POLC doc --frob policies/caresource-nc-sij-fusion.pol
expect_rc 2 $POLC doc policies/caresource-nc-sij-fusion.pol policies/seed-002-odg-sij-injection.pol
expect_rc 3 $POLC doc /nonexistent.pol
expect_rc 1 $POLC doc tests/golden/errors/type-errors.pol
expect_rc 1 $POLC doc stdlib/windows.pol
expect_rc 0 $POLC doc -o "$T/x.md" policies/seed-002-odg-sij-injection.pol
[ -s "$T/x.md" ] && [ ! -s "$T/o" ] && ok || ko "polc doc -o did not write the file"

# ---- 5. man pages: every command and exit code, and clean roff -------------------
for w in "polc keygen" "polc fmt" "polc doc" "polc questionnaire" "\\-\\-check" "\\-\\-dump" "\\-\\-sign" "\\-\\-html" \
         "\\-\\-extern\\-dir" "POL_PATH" "SOURCE_DATE_EPOCH"; do
  grep -qF -- "$w" docs/polc.1 && ok || ko "docs/polc.1 does not mention $w"
done
for w in "^\\.B trace" "^\\.B eval" "^\\.B verify" "^\\.B dump" "^\\.B test" "^\\.B diff" "^\\.B serve" \
         "^\\.B replay" "^\\.B metrics" "trust " \
         "POLVM_BUNDLE" "POLVM_TRUST" "allow\\\\-extern" "POLVM_ALLOW_EXTERN"; do
  grep -q -- "$w" docs/polvm.1 && ok || ko "docs/polvm.1 does not mention $w"
done
for code in 0 1 2 3 4; do grep -A1 '^\.TP' docs/polc.1 | grep -qx "\.B $code" && ok || ko "docs/polc.1: no exit status $code"; done
for code in 0 1 2 3 4 5; do grep -A1 '^\.TP' docs/polvm.1 | grep -qx "\.B $code" && ok || ko "docs/polvm.1: no exit status $code"; done
if command -v groff > /dev/null 2>&1; then
  for m in docs/polc.1 docs/polvm.1; do
    LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$m" > "$T/groff" 2>&1
    [ ! -s "$T/groff" ] && ok || ko "groff warns about $m: $(head -3 "$T/groff")"
  done
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
