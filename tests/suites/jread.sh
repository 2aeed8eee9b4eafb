#!/bin/sh
# tests/suites/jread.sh BUILD_DIR -- the schema-directed case reader
# (vm/jread.c) and `polvm eval -j N` (docs/performance.md, docs/cli.md):
#   * polvm eval gives byte-identical output with the reader and with the
#     reference path (POLVM_CASE_READER=jansson) on a stream of every
#     example and hostile case, one per line, with broken lines between;
#   * the same stream with -j 1, -j 2 and -j 3: the same output, in order;
#   * generated realistic and plain cases, reader vs reference, -j 2;
#   * -j refuses what is not a thread count (exit 2).
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
unset POLVM_CASE_READER POLVM_BUNDLE POL_PATH POLVM_TRUST
. tests/lib.sh

# one case per line (compacted), broken lines between
python3 - "$T/stream.ndjson" <<'PY'
import glob, json, sys
out = open(sys.argv[1], "wb")
for i, f in enumerate(sorted(glob.glob("examples/*/*.json") + glob.glob("tests/hostile/case-*.json"))):
    raw = open(f, "rb").read()
    try:
        line = json.dumps(json.loads(raw)).encode()
    except Exception:
        line = raw.replace(b"\n", b" ")
    out.write(line + b"\n")
    if i % 5 == 0:
        out.write([b"{broken", b"", b"null", b'{"case_id": 7}', b'{"case_id": "x", "a": 1, "a": 2}'][i // 5 % 5] + b"\n")
PY
python3 tests/oracle/gencases.py --seed 3 --count 300 --realistic > "$T/gen.ndjson"
python3 tests/oracle/gencases.py --seed 4 --count 300 >> "$T/gen.ndjson"

for input in stream gen; do
  $POLVM eval --bundle "$BUNDLE" < "$T/$input.ndjson" > "$T/$input.fast" 2> "$T/e1"; r1=$?
  POLVM_CASE_READER=jansson $POLVM eval --bundle "$BUNDLE" < "$T/$input.ndjson" > "$T/$input.ref" 2> "$T/e2"; r2=$?
  [ $r1 -eq $r2 ] && ok || ko "$input: exit $r1 with the reader, $r2 with the reference"
  cmp -s "$T/$input.fast" "$T/$input.ref" && ok || { ko "$input: the reader's output differs from the reference's"; diff "$T/$input.fast" "$T/$input.ref" | head -5; }
  [ "$(wc -l < "$T/$input.fast")" -eq "$(wc -l < "$T/$input.ndjson")" ] && ok || ko "$input: not one answer per line"
  for j in 1 2 3; do
    $POLVM eval --bundle "$BUNDLE" -j $j < "$T/$input.ndjson" > "$T/$input.j$j" 2> /dev/null
    cmp -s "$T/$input.j$j" "$T/$input.ref" && ok || ko "$input: -j $j differs from the reference"
  done
  $POLVM eval --bundle "$BUNDLE" --no-trace --criteria -j 2 < "$T/$input.ndjson" > "$T/$input.nt2" 2> /dev/null
  POLVM_CASE_READER=jansson $POLVM eval --bundle "$BUNDLE" --no-trace --criteria < "$T/$input.ndjson" > "$T/$input.nt1" 2> /dev/null
  cmp -s "$T/$input.nt2" "$T/$input.nt1" && ok || ko "$input: --no-trace --criteria -j 2 differs from the reference"
done
grep -q '"error": "C0001' "$T/stream.ref" && ok || ko "the stream has no invalid JSON line"
grep -q '"error": "C01' "$T/stream.ref" && ok || ko "the stream has no case that fails to load"

for bad in 0 65 x "" -1; do
  expect_rc 2 $POLVM eval --bundle "$BUNDLE" -j "$bad"
  grep -q "polvm eval: -j wants a number of threads from 1 to 64" "$T/e" && ok || ko "-j '$bad': no message"
done
echo '{"case_id": "a"}' | $POLVM eval --bundle "$BUNDLE" --jobs 4 > "$T/o" 2>&1 && grep -q '"case_id": "a"' "$T/o" && ok || ko "--jobs 4"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
