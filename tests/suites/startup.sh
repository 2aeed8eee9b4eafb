#!/bin/sh
# tests/suites/startup.sh BUILD_DIR -- what polvm loads at start
#   (docs/performance.md "Start-up", docs/security.md "Loading"): the
#   executable does not link libmicrohttpd, libsqlite3 or what they pull in
#   (gnutls ...); trace, eval and verify never load them; serve, replay and
#   metrics load them by soname (cli/lazylib.c) and say C0160 when they
#   cannot.
# Prints each failure, then "N passed, N failed"; exits 1 on a failure.
set -u
B=${1:-build}
POLVM=$B/polvm
BUNDLE=$B/policies.polb
CASE=examples/caresource-sij/denied-one-injection.json
. tests/lib.sh

# linked: none of the serve-only libraries
readelf -d "$POLVM" > "$T/dyn" 2>&1 || ko "readelf -d $POLVM failed"
for lib in libmicrohttpd libsqlite3 libgnutls libp11-kit libhogweed libgmp; do
  grep -q "NEEDED.*$lib" "$T/dyn" && ko "polvm links $lib: $(grep NEEDED "$T/dyn" | tr '\n' ' ')" || ok
done

# loaded: not by the one-shot commands
for cmd in "trace --bundle $BUNDLE $CASE" "verify $BUNDLE" "--version"; do
  # shellcheck disable=SC2086
  LD_DEBUG=libs $POLVM $cmd > /dev/null 2> "$T/ld" || ko "polvm $cmd failed: $(grep -v ' ld.so\|^ *[0-9]*:' "$T/ld" | head -3)"
  grep -q "calling init:.*\(libmicrohttpd\|libsqlite3\|libgnutls\)" "$T/ld" &&
    ko "polvm $cmd loads a serve library: $(grep 'calling init' "$T/ld" | tr '\n' ' ')" || ok
done
echo '{"case_id": "s1", "request": {"date": "2025-03-01"}}' |
  LD_DEBUG=libs $POLVM eval --bundle "$BUNDLE" > /dev/null 2> "$T/ld"
grep -q "calling init:.*\(libmicrohttpd\|libsqlite3\|libgnutls\)" "$T/ld" &&
  ko "polvm eval loads a serve library" || ok

# loaded on demand: metrics opens the log through libsqlite3 (its own message)
LD_DEBUG=libs $POLVM metrics "$T/no-such.db" > /dev/null 2> "$T/ld"
grep -q "calling init:.*libsqlite3" "$T/ld" && ok || ko "polvm metrics does not load libsqlite3"
grep -q "no-such.db: cannot open the decision log" "$T/ld" && ok ||
  ko "polvm metrics: no message from sqlite: $(grep -v '^ *[0-9]*:' "$T/ld" | head -3)"
expect_rc 0 $POLVM serve --help
expect_rc 0 $POLVM help replay

# cannot be loaded: C0160, exit 5, the soname and the reason
mkdir -p "$T/lib"
printf 'not a library' > "$T/lib/$(objdump -p "$(cc -print-file-name=libsqlite3.so)" 2>/dev/null |
  awk '$1 == "SONAME" { print $2 }')"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM metrics "$T/no-such.db"
grep -q "^polvm metrics: C0160 cannot load libsqlite3\.so\.[0-9]*: " "$T/e" && ok ||
  ko "unloadable libsqlite3: $(cat "$T/e")"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM replay "$T/no-such.db"
grep -q "^polvm replay: C0160 cannot load libsqlite3" "$T/e" && ok || ko "replay: $(cat "$T/e")"
# a library of that name without the functions
printf 'int pol_not_sqlite(void);\nint pol_not_sqlite(void) { return 0; }\n' > "$T/stub.c"
rm -f "$T/lib"/*
MHD=$(objdump -p "$(cc -print-file-name=libmicrohttpd.so)" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
cc -shared -fPIC -o "$T/lib/$MHD" "$T/stub.c" || ko "cannot build the stub library"
LD_LIBRARY_PATH="$T/lib" expect_rc 5 $POLVM serve --bundle "$BUNDLE" --port 0
grep -q "^polvm serve: C0160 libmicrohttpd\.so\.[0-9]* has no function MHD_" "$T/e" && ok ||
  ko "stub libmicrohttpd: $(cat "$T/e")"
# the other commands do not care
LD_LIBRARY_PATH="$T/lib" expect_rc 0 $POLVM verify "$BUNDLE"

# polvm trace reads a case with the schema-directed reader and takes the
# key warnings from the text; everything it prints is what the reference
# reader (jansson) prints: examples, misspelt keys, a backslash (the
# document path), bad cases (the reference's messages)
same_as_reference() {   # FILE... (trace arguments after the bundle)
  "$POLVM" trace --bundle "$BUNDLE" "$@" > "$T/fast.out" 2> "$T/fast.err"; r1=$?
  POLVM_CASE_READER=jansson "$POLVM" trace --bundle "$BUNDLE" "$@" > "$T/ref.out" 2> "$T/ref.err"; r2=$?
  if [ $r1 -eq $r2 ] && cmp -s "$T/fast.out" "$T/ref.out" && cmp -s "$T/fast.err" "$T/ref.err"; then ok
  else ko "trace $*: differs from the reference reader (rc $r1/$r2): $(diff "$T/fast.err" "$T/ref.err" | head -4)"; fi
}
for f in examples/*/*.json; do same_as_reference "$f"; done
same_as_reference --format json examples/caresource-sij/*.json
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
c = json.load(open('examples/caresource-sij/approve-all-criteria.json'))
c['symptoms']['pain_nr'] = c['symptoms'].pop('pain_nrs')
c['therapies'][0]['kin'] = c['therapies'][0].pop('kind')
c['request']['servce_date'] = '2025-01-01'
c['request']['procedures'][0]['cptt'] = 'x'
c['unrelated_blob'] = {'anything': [1, {"kind": 2}], 'x': "a,b}c"}
json.dump(c, open(t + '/mis.json', 'w'), indent=1)
json.dump(c, open(t + '/mis1.json', 'w'))
c['notes_\u00e9'] = 'tab\there'
c['symptoms']['pain_nr\u0073x'] = 3
open(t + '/esc.json', 'w').write(json.dumps(c).replace('pain_nrsx', 'pain_nr\\u0073x'))
c = json.load(open('examples/caresource-sij/approve-all-criteria.json'))
c['symptoms']['pain_nrs'] = 'seven'
json.dump(c, open(t + '/bad-type.json', 'w'), indent=1)
open(t + '/dup.json', 'w').write('{"case_id": "d", "case_id": "e"}')
open(t + '/syntax.json', 'w').write('{"case_id": "x",\n  "request": [1,}')
open(t + '/empty.json', 'w').write('{}')
PY
for f in mis mis1 esc bad-type dup syntax empty; do same_as_reference "$T/$f.json"; done
"$POLVM" trace --bundle "$BUNDLE" "$T/mis.json" > /dev/null 2> "$T/e"
[ "$(grep -c 'is not a known field' "$T/e")" -eq 4 ] && ok || ko "trace: misspelt keys, not 4 warnings: $(cat "$T/e")"
same_as_reference "$T/mis.json" "$T/bad-type.json" examples/caresource-sij/approve-all-criteria.json
printf '{"case_id": "stdin-1"}' | "$POLVM" trace --bundle "$BUNDLE" - > "$T/fast.out" 2>&1
printf '{"case_id": "stdin-1"}' | POLVM_CASE_READER=jansson "$POLVM" trace --bundle "$BUNDLE" - > "$T/ref.out" 2>&1
cmp -s "$T/fast.out" "$T/ref.out" && ok || ko "trace -: differs from the reference reader"

# reading the bundle and the case (cli/cli.c read_whole: a regular file in
# one read, everything else as before): a FIFO, standard input, a missing
# file, a directory give what they gave
$POLVM trace --bundle "$BUNDLE" "$CASE" > "$T/want" 2>&1
mkfifo "$T/fifo"
cat "$BUNDLE" > "$T/fifo" &
$POLVM trace --bundle "$T/fifo" "$CASE" > "$T/got" 2>&1; wait
cmp -s "$T/want" "$T/got" && ok || ko "bundle from a FIFO: $(head -3 "$T/got")"
cat "$CASE" > "$T/fifo" &
$POLVM trace --bundle "$BUNDLE" "$T/fifo" 2>&1 | sed "s|$T/fifo|$CASE|" > "$T/got"; wait
cmp -s "$T/want" "$T/got" && ok || ko "case from a FIFO: $(head -3 "$T/got")"
$POLVM trace --bundle - "$CASE" < "$BUNDLE" > "$T/got" 2>&1
cmp -s "$T/want" "$T/got" && ok || ko "bundle from stdin: $(head -3 "$T/got")"
expect_rc 4 $POLVM trace --bundle "$T/no-such.polb" "$CASE"
grep -qx "polvm: $T/no-such.polb: B0002 cannot read the bundle: No such file or directory" "$T/e" && ok ||
  ko "missing bundle: $(cat "$T/e")"
expect_rc 4 $POLVM trace --bundle "$T" "$CASE"
grep -qx "polvm: $T: B0002 cannot read the bundle: Is a directory" "$T/e" && ok || ko "directory bundle: $(cat "$T/e")"
expect_rc 3 $POLVM trace --bundle "$BUNDLE" "$T"
grep -qx "polvm: $T: C0004 cannot read the case: Is a directory" "$T/e" && ok || ko "directory case: $(cat "$T/e")"
: > "$T/empty.polb"
expect_rc 4 $POLVM trace --bundle "$T/empty.polb" "$CASE"
grep -qx "polvm: $T/empty.polb: B0001 bundle refused: truncated bundle: 0 bytes, the header needs 48" "$T/e" && ok || ko "empty bundle: $(cat "$T/e")"

# case keys of any length (cli/case_keys.c): a fact path of more than 1 KB
# is walked like a short one, and a misspelling under it is reported
# (with its suggestion), by the text walk and by the reference reader alike
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
seg = 's' * 210
deep = '.'.join([seg] * 5)   # 1054 bytes, then the last key
open(t + '/long.pol', 'w').write('\n'.join([
    'policy "LONG" {',
    '  title "long paths"',
    '  version "1"',
    '  effective 2020-01-01',
    '  codes LONG_CODES',
    '  source "https://example.org/long"',
    '}',
    'valueset LONG_CODES "codes" cpt { "99999" }',
    'record Visit {',
    '  date: date',
    '  kind: string',
    '}',
    'fact deep_score: number = %s.pain_score_value' % deep,
    'fact deep_visits: list<Visit> = %s.visit_history' % deep,
    'branch "1" "b" when true {',
    '  criterion "1.1" "score" { deep_score > 1 }',
    '  criterion "1.2" "visits" { (exists v in deep_visits where v.kind == "pt") ?? false }',
    '}', '']))
def case(last, field):
    d = {'case_id': 'long', 'request': {'date': '2025-01-01', 'procedures': [{'cpt': '99999'}]}}
    cur = d
    for _ in range(5):
        cur[seg] = {}
        cur = cur[seg]
    cur[last] = 3
    cur['visit_history'] = [{'date': '2024-12-01', field: 'pt'}]
    return d
json.dump(case('pain_score_value', 'kind'), open(t + '/long-ok.json', 'w'))
json.dump(case('pain_scor_value', 'kind'), open(t + '/long-mis.json', 'w'), indent=1)
json.dump(case('pain_score_value', 'kidn'), open(t + '/long-field.json', 'w'))
PY
if $B/polc -o "$T/long.polb" "$T/long.pol" 2> "$T/e"; then
  for f in long-ok long-mis long-field; do
    "$POLVM" trace --bundle "$T/long.polb" "$T/$f.json" > "$T/fast.out" 2> "$T/$f.err"; r1=$?
    POLVM_CASE_READER=jansson "$POLVM" trace --bundle "$T/long.polb" "$T/$f.json" > "$T/ref.out" 2> "$T/ref.err"; r2=$?
    [ $r1 -eq $r2 ] && cmp -s "$T/$f.err" "$T/ref.err" && ok ||
      ko "long paths, $f: differs from the reference reader: $(diff "$T/$f.err" "$T/ref.err" | head -4 | cut -c1-200)"
  done
  [ ! -s "$T/long-ok.err" ] && ok || ko "long paths: a known key reported: $(cut -c1-200 "$T/long-ok.err")"
  grep -q "long-mis.json:[0-9]*:[0-9]*: s*\.s*\.s*\.s*\.s*\.pain_scor_value is not a known field; did you mean s*\.s*\.s*\.s*\.s*\.pain_score_value?" "$T/long-mis.err" &&
    [ "$(wc -l < "$T/long-mis.err")" -eq 1 ] && ok || ko "long paths: the misspelt key not reported once: $(cut -c1-200 "$T/long-mis.err")"
  grep -q "\.visit_history\[0\]\.kidn is not a known field; did you mean s*\..*\.visit_history\[0\]\.kind?" "$T/long-field.err" && ok ||
    ko "long paths: the misspelt field not reported: $(cut -c1-200 "$T/long-field.err")"
else
  ko "polc long.pol: $(head -3 "$T/e")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
