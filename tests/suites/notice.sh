#!/bin/sh
# tests/suites/notice.sh BUILD_DIR -- the notice of determination
#   (polvm trace --format notice / notice-html, docs/notice.md):
#   * a golden notice, text and HTML, for every example of examples/seeds
#     and examples/caresource-sij (tests/golden/notice/DIR/CASE.notice and
#     .html, the bundle's hash and build time masked);
#   * the HTML in headless chromium: the page's text (--dump-dom) holds
#     every line's decision and every reason's criterion, and a screenshot
#     is kept as an artifact, BUILD_DIR/notice-CASE.png (skipped, with a
#     message, only when chromium is not installed; .ci/run installs it);
#   * hostile case strings (tests/notice/hostile.json: script tags, control
#     characters, bidirectional overrides) are inert in both forms.
# UPDATE_GOLDEN=1 rewrites the goldens from the current output.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
. tests/lib.sh

# the footer's bundle hash and build time change with every policy edit
masknotice() {
  sed -e 's/bundle sha256 [0-9a-f]*\(\.\.\.\|&hellip;\) built [0-9TZ:-]*/bundle sha256 * built */' "$1"
}

for f in examples/seeds/*.json examples/caresource-sij/*.json; do
  [ -f "$f" ] || continue
  dir=$(basename "$(dirname "$f")")
  stem=$(basename "$f" .json)
  for fmt in notice notice-html; do
    ext=notice; [ $fmt = notice-html ] && ext=html
    g=tests/golden/notice/$dir/$stem.$ext
    $POLVM trace --bundle "$BUNDLE" --format $fmt "$f" > "$T/out" 2> "$T/err"
    rc=$?
    [ $rc -eq 0 ] || { ko "notice $f ($fmt) exit $rc: $(cat "$T/err")"; continue; }
    masknotice "$T/out" > "$T/got"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then mkdir -p "$(dirname "$g")"; cp "$T/got" "$g"; fi
    if [ ! -f "$g" ]; then ko "missing golden $g"; continue; fi
    if cmp -s "$T/got" "$g"; then ok; else ko "golden $g differs:"; diff "$g" "$T/got" | head -20; fi
  done
done

# What the page must say, from the JSON trace: per line its decision's
# words, per reason its criterion id.
expect_words() {
  python3 - "$1" <<'PY'
import json, sys
words = {"approve": "APPROVED", "deny": "DENIED", "pend": "PENDED", "loi": "NOT CERTIFIED",
         "refer": "REFERRED FOR PHYSICIAN REVIEW", "partial": "PARTIALLY APPROVED",
         "no_policy": "NOT REVIEWED"}
t = json.load(open(sys.argv[1]))
for d in t["determinations"]:
    print("Service %d: CPT/HCPCS" % d["line"])
    print("Decision: " + words[d["determination"]])
    for r in d["reasons"]:
        if r["criterion"] not in ("review", "otherwise"):
            print(r["criterion"])
PY
}

# Text of a page as chromium renders it (the DOM after parsing, tags out).
page_text() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "$1" 2> /dev/null |
    python3 -c 'import html,re,sys; s=sys.stdin.read(); s=re.sub(r"(?s)<style.*?</style>","",s); print(html.unescape(re.sub(r"<[^>]*>","",s)))'
}

if command -v chromium > /dev/null 2>&1 && command -v python3 > /dev/null 2>&1; then
  for f in examples/seeds/*.json examples/caresource-sij/denied-one-injection.json \
           examples/caresource-sij/pend-missing-pain-score.json examples/caresource-sij/approve-all-criteria.json \
           examples/caresource-sij/multi-line-27279-and-other-code.json; do
    stem=$(basename "$f" .json)
    $POLVM trace --bundle "$BUNDLE" --format notice-html "$f" > "$T/$stem.html" &&
      $POLVM trace --bundle "$BUNDLE" --format json "$f" > "$T/$stem.json" || { ko "trace $f"; continue; }
    page_text "$T/$stem.html" > "$T/$stem.txt"
    [ -s "$T/$stem.txt" ] || { ko "chromium rendered no text for $f"; continue; }
    expect_words "$T/$stem.json" > "$T/$stem.want"
    missing=0
    while IFS= read -r w; do
      grep -qF -- "$w" "$T/$stem.txt" || { ko "$f: the rendered notice lacks '$w'"; missing=1; }
    done < "$T/$stem.want"
    [ $missing -eq 0 ] && ok
    rm -f "$B/notice-$stem.png"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=900,1600 \
      --screenshot="$B/notice-$stem.png" "$T/$stem.html" > /dev/null 2>&1
    [ -s "$B/notice-$stem.png" ] && ok || ko "no screenshot $B/notice-$stem.png"
  done
else
  echo "SKIP: chromium (or python3) is not installed: the notice's HTML is not rendered (.ci/run installs chromium)"
fi

# ---- hostile case strings ----------------------------------------------------
H=tests/notice/hostile.json
$POLVM trace --bundle "$BUNDLE" --format notice-html "$H" > "$T/h.html" 2> "$T/h.err" || ko "notice-html of $H failed: $(cat "$T/h.err")"
$POLVM trace --bundle "$BUNDLE" --format notice "$H" > "$T/h.txt" 2> "$T/h.err" || ko "notice of $H failed: $(cat "$T/h.err")"
for bad in '<script>' '<img' '<iframe' '<b>' '</td></table>'; do
  if grep -qiF -- "$bad" "$T/h.html"; then ko "hostile: '$bad' reached the HTML as markup"; else ok; fi
done
grep -q "<script" "$T/h.html" && ko "hostile: a script element in the HTML" || ok
grep -qF "default-src 'none'" "$T/h.html" && ok || ko "hostile: the page has no Content-Security-Policy"
# control characters and the right-to-left override are shown, not obeyed
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/h.txt" "$T/h.html"; then
  ko "hostile: a raw control character in a notice"
else ok; fi
if grep -q "$(printf '\342\200\256')" "$T/h.txt" "$T/h.html"; then ko "hostile: a raw U+202E in a notice"; else ok; fi
grep -qF 'PA-<img src=x onerror=alert(1)>\x1b[31mRED\x07' "$T/h.txt" && ok || ko "hostile: the request id is not shown escaped in the text notice: $(grep 'Request ID' "$T/h.txt")"
grep -qF 'PA-&lt;img src=x onerror=alert(1)&gt;\x1b[31mRED\x07' "$T/h.html" && ok || ko "hostile: the request id is not shown escaped in the HTML notice"
grep -qF '\u202eevil\r\nsecond line' "$T/h.txt" && ok || ko "hostile: the description is not on one line, escaped"
# every case string stays on its own line of the text form
[ "$(grep -c 'second line' "$T/h.txt")" -eq 1 ] && ! grep -q '^second line' "$T/h.txt" && ok || ko "hostile: a case string broke a line"
if command -v chromium > /dev/null 2>&1 && command -v python3 > /dev/null 2>&1; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom "$T/h.html" 2> /dev/null > "$T/h.dom"
  if grep -qiE '<(script|img|iframe|b)[ >]' "$T/h.dom"; then ko "hostile: chromium built an element from case text"; else ok; fi
  page_text "$T/h.html" > "$T/h.page"
  grep -qF "<script>alert('desc')</script>" "$T/h.page" && ok || ko "hostile: the description is not shown as text"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
