#!/bin/sh
# tests/suites/cli_options.sh BUILD_DIR -- the command lines of polc and
# polvm (docs/cli.md, "Options"): getopt_long everywhere, --help and
# --version for both programs and every command, "requires an argument"
# and "unknown option" messages with exit 2, polvm help [COMMAND],
# polvm test over directories, and "did you mean" for misspelled names.
set -u
. tests/lib.sh
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
BUNDLE=$B/policies.polb

has() {   # has FILE TEXT WHAT
  grep -qF -- "$2" "$1" && ok || ko "$3: no '$2' in: $(head -c 600 "$1")"
}
code() {   # code WANT WHAT CMD...: the command's exit status is WANT
  want=$1 what=$2
  shift 2
  "$@" > "$T/o" 2> "$T/e"
  got=$?
  [ "$got" -eq "$want" ] && ok || ko "$what: exit $got, not $want: $(head -c 400 "$T/e")"
}

# ---- the version: one place (POLVM_VERSION_STRING), every program and command
V=$(sed -n 's/^#define POLVM_VERSION_STRING "\(.*\)"/\1/p' vm/polvm.h)
for p in "$POLC" "$POLC fmt" "$POLC doc" "$POLC questionnaire" "$POLC keygen" "$POLVM" "$POLVM trace" "$POLVM eval" \
         "$POLVM verify" "$POLVM dump" "$POLVM test" "$POLVM diff"; do
  code 0 "$p --version" $p --version
  has "$T/o" " $V (bundle format " "$p --version"
done

# ---- --help and -h: usage on standard output, exit 0
for p in "$POLC" "$POLC fmt" "$POLC doc" "$POLC questionnaire" "$POLC keygen" "$POLVM" "$POLVM trace" "$POLVM eval" \
         "$POLVM verify" "$POLVM dump" "$POLVM test" "$POLVM diff"; do
  code 0 "$p --help" $p --help
  has "$T/o" "usage: " "$p --help"
  code 0 "$p -h" $p -h
  has "$T/o" "usage: " "$p -h"
done
code 0 "polvm help" "$POLVM" help
has "$T/o" "usage: polvm trace" "polvm help"
for c in trace eval verify dump test diff; do
  code 0 "polvm help $c" "$POLVM" help $c
  has "$T/o" "usage: polvm $c" "polvm help $c"
done
code 2 "polvm help nosuch" "$POLVM" help nosuch
has "$T/e" "polvm: unknown command 'nosuch'" "polvm help nosuch"

# ---- a missing option argument says so, exit 2
code 2 "polc x.pol -o" "$POLC" x.pol -o
has "$T/e" "polc: option '-o' requires an argument" "polc -o"
code 2 "polc -I" "$POLC" x.pol -I
has "$T/e" "polc: option '-I' requires an argument" "polc -I"
code 2 "polc --extern-dir" "$POLC" x.pol --extern-dir
has "$T/e" "polc: option '--extern-dir' requires an argument" "polc --extern-dir"
code 2 "polc --sign" "$POLC" x.pol --sign
has "$T/e" "polc: option '--sign' requires an argument" "polc --sign"
code 2 "polc doc -o" "$POLC" doc x.pol -o
has "$T/e" "polc doc: option '-o' requires an argument" "polc doc -o"
code 2 "polvm --trust" "$POLVM" --trust
has "$T/e" "polvm: option '--trust' requires an argument" "polvm --trust"
code 2 "polvm --allow-extern" "$POLVM" --allow-extern
has "$T/e" "polvm: option '--allow-extern' requires an argument" "polvm --allow-extern"
code 2 "polvm trace CASE --bundle" "$POLVM" trace x.json --bundle
has "$T/e" "polvm trace: option '--bundle' requires an argument" "polvm trace --bundle"
code 2 "polvm trace --format" "$POLVM" trace --bundle "$BUNDLE" x.json --format
has "$T/e" "polvm trace: option '--format' requires an argument" "polvm trace --format"
code 2 "polvm eval --bundle" "$POLVM" eval --bundle
has "$T/e" "polvm eval: option '--bundle' requires an argument" "polvm eval --bundle"
code 2 "polvm test --threshold" "$POLVM" test x.test.json --threshold
has "$T/e" "polvm test: option '--threshold' requires an argument" "polvm test --threshold"
code 2 "polvm test --coverage-json" "$POLVM" test x.test.json --coverage-json
has "$T/e" "polvm test: option '--coverage-json' requires an argument" "polvm test --coverage-json"

# ---- unknown options name themselves, exit 2
code 2 "polc --bogus" "$POLC" --bogus x.pol
has "$T/e" "polc: unknown option '--bogus'" "polc --bogus"
code 2 "polc -x" "$POLC" -x x.pol
has "$T/e" "polc: unknown option '-x'" "polc -x"
code 2 "polc fmt --bogus=1" "$POLC" fmt --bogus=1 x.pol
has "$T/e" "polc fmt: unknown option '--bogus'" "polc fmt --bogus=1"
code 2 "polvm --bogus" "$POLVM" --bogus trace
has "$T/e" "polvm: unknown option '--bogus'" "polvm --bogus"
code 2 "polvm trace --bundel" "$POLVM" trace --bundel x x.json
has "$T/e" "polvm trace: unknown option '--bundel'" "polvm trace --bundel"
code 2 "polvm eval operand" "$POLVM" eval --bundle "$BUNDLE" cases.ndjson
has "$T/e" "polvm eval: unknown argument 'cases.ndjson'" "polvm eval operand"
code 2 "polvm nosuch" "$POLVM" nosuch
has "$T/e" "polvm: unknown command 'nosuch'" "polvm nosuch"

# ---- every existing invocation still works: options before or after operands
# (a fixed SOURCE_DATE_EPOCH: two compiles a second apart would differ in `built`)
export SOURCE_DATE_EPOCH=1735689600
code 0 "polc options after the files" "$POLC" policies/caresource-nc-sij-fusion.pol -o "$T/a.polb"
code 0 "polc options before the files" "$POLC" -o "$T/b.polb" policies/caresource-nc-sij-fusion.pol
cmp -s "$T/a.polb" "$T/b.polb" && ok || ko "polc: the option's place changes the bundle"
code 0 "polvm trace options after the case" "$POLVM" trace examples/caresource-sij/approve-all-criteria.json --bundle "$BUNDLE" --format json
has "$T/o" '"determination"' "polvm trace options after the case"
code 0 "polvm --trust=... form" "$POLVM" --allow-extern="$B" verify "$BUNDLE"
code 0 "polvm -- ends the options" "$POLVM" verify -- "$BUNDLE"

# ---- polvm test DIR: every *.test.json under it, sorted (as opa test DIR)
"$POLVM" test --bundle "$BUNDLE" policies/*.test.json > "$T/files" 2> "$T/e"
code 0 "polvm test policies/" "$POLVM" test --bundle "$BUNDLE" policies/
cmp -s "$T/o" "$T/files" && ok || ko "polvm test policies/ differs from policies/*.test.json: $(tail -1 "$T/o")"
mkdir -p "$T/td/b/deeper" "$T/td/a" "$T/empty/sub"
cp policies/caresource-nc-sij-fusion.test.json "$T/td/b/deeper/z.test.json"
cp policies/seed-004-lumbar-fusion.test.json "$T/td/a/y.test.json"
for f in "$T"/td/*/*.test.json "$T"/td/*/*/*.test.json; do
  sed -i "s|\"case\": \"\\([^/\"][^\"]*\\)\"|\"case\": \"$PWD/policies/\\1\"|g" "$f"
done
echo '{}' > "$T/td/a/not-a-test.json"
code 0 "polvm test DIR (nested)" "$POLVM" test --bundle "$BUNDLE" "$T/td"
"$POLVM" test --bundle "$BUNDLE" "$T/td/a/y.test.json" "$T/td/b/deeper/z.test.json" > "$T/files" 2>&1
cmp -s "$T/o" "$T/files" && ok || ko "polvm test DIR: not the sorted files: $(tail -1 "$T/o") vs $(tail -1 "$T/files")"
code 0 "polvm test FILE DIR (mixed)" "$POLVM" test --bundle "$BUNDLE" policies/seed-000-sij-fusion-loi.test.json "$T/td"
code 3 "polvm test EMPTY_DIR" "$POLVM" test --bundle "$BUNDLE" "$T/empty"
has "$T/e" "polvm test: $T/empty: no *.test.json file in this directory" "polvm test EMPTY_DIR"
has "$T/o" "0 passed, 0 failed" "polvm test EMPTY_DIR summary"

# ---- polc: every file is read, however many (there was a table of 4096
# that dropped the rest silently): 4100 missing files, 4100 E0001 lines
i=0
set --
while [ $i -lt 4100 ]; do set -- "$@" "$T/missing-$i.pol"; i=$((i + 1)); done
code 3 "polc over 4100 missing files" "$POLC" --check "$@"
n=$(grep -c 'error\[E0001\]: cannot read' "$T/e")
[ "$n" -eq 4100 ] && ok || ko "polc over 4100 files: $n reported, not 4100"
has "$T/e" "missing-4099.pol: error[E0001]" "polc: the 4100th file"

# ---- did you mean: unknown names in a .pol (vm/suggest.h)
cat > "$T/dym.pol" <<'POL'
policy "DYM" { title "d" version "1" effective 2020-01-01 codes "1" }
import "case"
branch "A" "a" when cpt == "1" {
  criterion "A.1" "x" { pain_nr >= 1 and frobnicate_everything }
  criterion "A.2" "y" { exists injections where it.guidence == "x" }
}
POL
code 1 "polc: misspelt names" "$POLC" --check "$T/dym.pol"
has "$T/e" "unknown name 'pain_nr'; did you mean 'pain_nrs'?" "did you mean a fact"
has "$T/e" "no field 'guidence'; did you mean 'guidance'?" "did you mean a field"
grep -q "unknown name 'frobnicate_everything'\$" "$T/e" && ok || ko "a name near nothing gets no suggestion: $(cat "$T/e")"

# ---- did you mean: misspelt keys in a case (trace and test warn; eval stays silent)
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
c = json.load(open('examples/caresource-sij/approve-all-criteria.json'))
c['symptoms']['pain_nr'] = c['symptoms'].pop('pain_nrs')
c['therapies'][0]['kin'] = c['therapies'][0].pop('kind')
c['request']['servce_date'] = '2025-01-01'
c['request']['procedures'][0]['cptt'] = 'x'
c['unrelated_blob'] = {'anything': 1}
c['symptoms']['zzz_other_data'] = 1
json.dump(c, open(t + '/mis.json', 'w'), indent=1)
json.dump({"tests": [{"name": "misspelt", "case": t + '/mis.json', "expect": {"determination": "pend"}}]},
          open(t + '/mis.test.json', 'w'))
PY
code 0 "polvm trace: a case with misspelt keys" "$POLVM" trace --bundle "$BUNDLE" "$T/mis.json"
# FILE:LINE:COL of the key as written (1-based; the column counts bytes)
at=$(grep -n '"pain_nr"' "$T/mis.json" | head -1 | sed 's/^\([0-9]*\):\( *\)".*/\1:X\2/' | awk -F: '{ print $1 ":" length($2) }')
has "$T/e" "polvm: warning: $T/mis.json:$at: symptoms.pain_nr is not a known field; did you mean symptoms.pain_nrs?" "case key: a fact"
has "$T/e" "therapies[0].kin is not a known field; did you mean therapies[0].kind?" "case key: a record field"
has "$T/e" "request.servce_date is not a known field; did you mean request.service_date?" "case key: request"
has "$T/e" "request.procedures[0].cptt is not a known field; did you mean request.procedures[0].cpt?" "case key: a line"
grep -q "unrelated_blob\|zzz_other_data" "$T/e" && ko "keys far from every name warned: $(cat "$T/e")" || ok
[ "$(wc -l < "$T/e")" -eq 4 ] && ok || ko "case key warnings: not 4 lines: $(cat "$T/e")"
"$POLVM" test --bundle "$BUNDLE" "$T/mis.test.json" > "$T/o" 2> "$T/e"
has "$T/e" "polvm: warning: $T/mis.test.json: misspelt: symptoms.pain_nr is not a known field; did you mean symptoms.pain_nrs?" "polvm test: case key warning"
tr -d '\n' < "$T/mis.json" > "$T/mis.ndjson"; echo >> "$T/mis.ndjson"
"$POLVM" eval --bundle "$BUNDLE" < "$T/mis.ndjson" > "$T/o" 2> "$T/e"
[ ! -s "$T/e" ] && ok || ko "polvm eval warned: $(cat "$T/e")"
code 0 "polvm trace: a clean case" "$POLVM" trace --bundle "$BUNDLE" examples/caresource-sij/approve-all-criteria.json
[ ! -s "$T/e" ] && ok || ko "a clean case warned: $(cat "$T/e")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
