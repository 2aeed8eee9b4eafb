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
# the reader's fast paths at their edges (one realistic case, varied):
# dates (the inline "YYYY-MM-DD" with a day up to 28, and the rest), reals
# (short ones parsed from the text, the rest through strtod), an escape
python3 tests/oracle/gencases.py --seed 5 --count 1 --realistic | python3 -c '
import json, sys
base = json.loads(sys.stdin.readline())
def put(c):
    sys.stdout.write(json.dumps(c, separators=(",", ":")) + "\n")
for i, d in enumerate(["2024-02-29", "2023-02-29", "2024-13-01", "0000-01-01", "0001-01-01",
                       "2024-04-31", "2024-04-30", "2024-01-00", "2024-00-10", "9999-12-31",
                       "2024-1-05", "2024-01-5x", "20240105", "2024/01/05", "2024-01-28", "2024-12-29"]):
    c = json.loads(json.dumps(base)); c["case_id"] = "edge-d%d" % i
    c["symptoms"]["onset"] = d
    for t in c.get("therapies", [])[:1]: t["start"] = d
    put(c)
for i, n in enumerate(["7.123456785", "7.123456775", "0.00001", "-0.0", "0.0", "1234567890.12345",
                       "12345678901.5", "1e-5", "7.1234567890123456", "9.99999999999999",
                       "99999999999.99", "0.000000005", "0.000000015", "3.00000000000000000000",
                       "-2.5", "8", "45.5", "-45.50000001"]):
    c = json.loads(json.dumps(base)); c["case_id"] = "edge-n%d" % i
    c["symptoms"]["pain_nrs"] = 123456789; c["patient"]["age"] = 987654321
    sys.stdout.write(json.dumps(c, separators=(",", ":")).replace("123456789", n, 1).replace("987654321", n, 1) + "\n")
c = json.loads(json.dumps(base)); c["case_id"] = "edge-esc"; c["symptoms"]["onset"] = "2024-03-05"
sys.stdout.write(json.dumps(c, separators=(",", ":")).replace("\"2024-03-05", "\"\\u0032024-03-05", 1) + "\n")
' > "$T/edge.ndjson"

for input in stream gen edge; do
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
