#!/bin/sh
# tests/fuzz/run.sh FUZZ_BUILD SECONDS [TARGET...] -- `make fuzz`: runs each
# libFuzzer target for SECONDS seconds, one after the other.
#
# Seeds (rebuilt each run in FUZZ_BUILD/seed/TARGET): fuzz_compile gets the
# policies, stdlib modules, language tests, docs examples and the hostile
# .pol files; fuzz_bundle gets build/policies.polb and one small bundle per
# policy and docs example; fuzz_case gets every example case and the hostile
# .json files (fuzz_jread too, and generated cases); fuzz_eval gets NDJSON streams of the example cases, some with
# broken lines between them; fuzz_program gets 32 inputs of 300 bytes from a
# fixed pseudo-random stream (its input is a list of choices, and longer
# inputs make larger programs, so it also runs with -len_control=0);
# fuzz_serve gets every example case as a request to polvm serve's handler.
# Each target's regression inputs (tests/fuzz/regress/TARGET) are seeds
# too.  The growing corpus is FUZZ_BUILD/corpus/TARGET; a crash,
# leak or timeout leaves its input in FUZZ_BUILD/artifacts/TARGET/ -- copy it
# to tests/fuzz/regress/TARGET/ once it is fixed.
# Prints one line per target (executions, coverage, corpus); exits 1 if any
# target found something.
set -u
FB=${1:-build-fuzz}
SECS=${2:-60}
shift 2 2>/dev/null || shift $#
TARGETS=${*:-fuzz_compile fuzz_bundle fuzz_case fuzz_program fuzz_eval fuzz_fhir fuzz_jread fuzz_serve}
B=build          # the normal build: polc and the real bundle
POLC=$B/polc

seed() { mkdir -p "$FB/seed/$1"; }

# ---- seeds --------------------------------------------------------------
rm -rf "$FB/seed"
seed fuzz_compile; seed fuzz_bundle; seed fuzz_case; seed fuzz_program; seed fuzz_eval; seed fuzz_fhir; seed fuzz_jread; seed fuzz_serve
for f in policies/*.pol stdlib/*.pol tests/lang/*.pol tests/lang/regress/*.pol \
         tests/golden/errors/*.pol tests/hostile/*.pol; do
  [ -f "$f" ] && cp "$f" "$FB/seed/fuzz_compile/$(echo "$f" | tr / _)"
done
for md in docs/*.md; do
  awk -v dir="$FB/seed/fuzz_compile" -v base="docs_$(basename "$md" .md)" '
    /^```pol$/ { inblk = 1; k++; f = dir "/" base "-" k ".pol"; next }
    /^```/ && inblk { inblk = 0; close(f); next }
    inblk { print > f }
  ' "$md"
done
cp "$B/policies.polb" "$FB/seed/fuzz_bundle/policies.polb"
for f in "$FB"/seed/fuzz_compile/policies_*.pol "$FB"/seed/fuzz_compile/docs_*.pol; do
  [ -f "$f" ] || continue
  SOURCE_DATE_EPOCH=0 $POLC -o "$FB/seed/fuzz_bundle/$(basename "$f" .pol).polb" "$f" > /dev/null 2>&1
done
for f in tests/hostile/*.polb; do
  [ -f "$f" ] && cp "$f" "$FB/seed/fuzz_bundle/hostile_$(basename "$f")"
done
for f in examples/*/*.json examples/*/expected/*.json tests/hostile/*.json; do
  [ -f "$f" ] && cp "$f" "$FB/seed/fuzz_case/$(echo "$f" | tr / _)"
  [ -f "$f" ] && cp "$f" "$FB/seed/fuzz_jread/$(echo "$f" | tr / _)"
done
# fuzz_fhir: every example as a Bundle, tests/fhir/, the hostile Bundles
for f in examples/*/*.json; do
  [ -f "$f" ] && $B/polvm case-to-fhir "$f" > "$FB/seed/fuzz_fhir/$(echo "$f" | tr / _)" 2>/dev/null
done
for f in tests/fhir/*.json tests/hostile/fhir-*.json; do
  [ -f "$f" ] && cp "$f" "$FB/seed/fuzz_fhir/$(echo "$f" | tr / _)"
done
# fuzz_jread: also realistic and plain generated cases, one per file
python3 tests/oracle/gencases.py --seed 7 --count 40 --realistic | split -l 1 - "$FB/seed/fuzz_jread/realistic-"
python3 tests/oracle/gencases.py --seed 8 --count 40 | split -l 1 - "$FB/seed/fuzz_jread/plain-"
python3 - "$FB/seed" <<'EOF'
import glob, json, random, sys
out = sys.argv[1]
cases = [json.dumps(json.load(open(f))) for f in sorted(glob.glob("examples/*/*.json"))]
broken = ["{broken", "", "null", '{"case_id": 7}', cases[0][: len(cases[0]) // 2]]
rnd = random.Random(9)
for i in range(24):
    lines = [rnd.choice(cases) for _ in range(rnd.randint(1, 4))]
    if i % 3 == 0:
        lines.insert(rnd.randrange(len(lines) + 1), rnd.choice(broken))
    open("%s/fuzz_eval/stream-%02d.ndjson" % (out, i), "w").write("\n".join(lines) + "\n")
for i in range(32):
    open("%s/fuzz_program/random-%02d" % (out, i), "wb").write(bytes(rnd.randrange(256) for _ in range(300)))
EOF
for t in fuzz_compile fuzz_bundle fuzz_case fuzz_program fuzz_eval fuzz_fhir fuzz_jread fuzz_serve; do
  for f in tests/fuzz/regress/$t/*; do
    [ -f "$f" ] && cp "$f" "$FB/seed/$t/regress_$(basename "$f")"
  done
done

# fuzz_serve: each example case as a logged POST /v1/decide (first byte 0x20)
for f in examples/*/*.json; do
  { printf '\040'; cat "$f"; } > "$FB/seed/fuzz_serve/$(echo "$f" | tr / _)"
done

# ---- runs ---------------------------------------------------------------
bad=0
for t in $TARGETS; do
  extra=
  case $t in
    fuzz_compile) maxlen=16384 ;;
    fuzz_bundle) maxlen=65536 ;;
    fuzz_program) maxlen=1024; extra=-len_control=0 ;;
    fuzz_eval) maxlen=16384 ;;
    *) maxlen=8192 ;;
  esac
  [ -f "tests/fuzz/$t.dict" ] && extra="$extra -dict=tests/fuzz/$t.dict"
  [ "$t" = fuzz_jread ] && extra="$extra -dict=tests/fuzz/fuzz_case.dict"
  mkdir -p "$FB/corpus/$t" "$FB/artifacts/$t"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=tests/fuzz/ubsan.supp \
  POL_FUZZ_BUNDLE="$B/policies.polb" \
  "$FB/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen $extra \
    -artifact_prefix="$FB/artifacts/$t/" -print_final_stats=1 \
    "$FB/corpus/$t" "$FB/seed/$t" > "$FB/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FB/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$FB/$t.log" | tail -1)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$FB/$t.log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "$t: ${execs:-?} executions in ${SECS}s, $cov, $corp: no findings"
  else
    bad=1
    echo "$t: FOUND A PROBLEM after ${execs:-?} executions (exit $rc); log $FB/$t.log:"
    grep -E 'ERROR|SUMMARY|Test unit written|fuzz:' "$FB/$t.log" | head -10
  fi
done
exit $bad
