#!/bin/sh
# tests/bench/run.sh BUILD_DIR -- `make bench`: throughput and latency.
#
#   1. eval-only throughput in process (bench_eval.c): pre-loaded realistic
#      cases, trace off / on / + JSON writer, with an allocation counter;
#   2. end to end: `polvm eval` over a realistic NDJSON file, trace on/off;
#   3. a generated 5000-criterion policy (genpolicy.py): compile time,
#      bundle size, eval throughput;
#   4. process latency of `polvm trace` on one case;
#   5. the precision of unknowns, by completion over random policies
#      (tests/gen/: the share of unknown results every completion does not
#      decide alike, and which primitives leave the others);
#   6. many policies: policies/ plus 995 generated ones (genpolicies.py),
#      1000 files in one bundle: compile time, load + verify time, and
#      eval throughput against the 5-policy bundle (routing by code index);
#   7. FHIR input: the same cases as FHIR R4 Bundles of ~40 resources
#      (genfhir.py), `polvm eval` on both forms, the ratio (target <= 3x).
#   8. polvm serve over loopback (tests/bench/serve.sh): requests/s and
#      p50/p99 latency at 1, 8 and 64 connections, with and without the
#      decision log, beside polvm eval.
# Ends with one table: our numbers, the targets, the hand-written C
# reference, and ratios computed from this run.  docs/performance.md says
# what each number means.
#
# Knobs (environment): BENCH_MIN_TIME (seconds per in-process measurement,
# default 1), BENCH_ROUNDS (3), BENCH_E2E_CASES (20000), BENCH_LAT_RUNS
# (200), BENCH_CFLAGS (-O2 -g), BENCH_COMPLETION_SEEDS (1-20),
# BENCH_PROFILE=1 (perf profile of
# bench_eval at the end, if perf works).
# Exit 1 if steady-state evaluation or a trace writer allocates, or trace
# on/off disagree.
set -eu
B=${1:-build}
W=$B/bench
CC=${CC:-cc}
MIN_TIME=${BENCH_MIN_TIME:-1}
ROUNDS=${BENCH_ROUNDS:-3}
E2E_CASES=${BENCH_E2E_CASES:-20000}
LAT_RUNS=${BENCH_LAT_RUNS:-200}
BIG_CRITERIA=5000
MANY=${BENCH_MANY:-1000}   # policy files in the many-policies bundle
# the Makefile's object flags, -O2 as there
WARN="-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
-Wformat=2 -Wimplicit-fallthrough -Wvla"
CFLAGS_B="-std=c11 -D_GNU_SOURCE $WARN ${BENCH_CFLAGS:--O2 -g}"
POLVM=$B/polvm
POLC=$B/polc
BUNDLE=$B/policies.polb
RES=$W/results.txt

mkdir -p "$W"
: > "$RES"

# ---- build the harness ----------------------------------------------------
# --wrap routes every malloc/realloc/calloc of bench_eval.o and libpolvm.a
# through bench_eval's counters.
$CC $CFLAGS_B -I vm -o "$W/bench_eval" tests/bench/bench_eval.c "$B/libpolvm.a" \
  -Wl,--wrap=malloc,--wrap=realloc,--wrap=calloc -ljansson -lsodium -lffi -ldl -lm -lpthread
$CC $CFLAGS_B -o "$W/timeit" tests/bench/timeit.c

# ---- inputs -----------------------------------------------------------------
python3 tests/oracle/gencases.py --realistic --seed 1 --count 2000 > "$W/cases2000.ndjson"
python3 tests/oracle/gencases.py --realistic --seed 1 --count "$E2E_CASES" > "$W/cases_e2e.ndjson"
head -n 1 "$W/cases2000.ndjson" > "$W/case1.json"
python3 tests/bench/genpolicy.py --criteria $BIG_CRITERIA --seed 1 > "$W/gen$BIG_CRITERIA.pol"

put() { echo "$1 $2" >> "$RES"; }
val() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "nan" : v) }' "$RES"; }
# timeit's "key value" line -> PREFIX.key lines in the results
timed() {
  prefix=$1; shift
  out=$("$W/timeit" "$@") || { echo "bench: timing failed: $*" >&2; exit 1; }
  echo "$out" | awk -v p="$prefix" '{ for (i = 1; i < NF; i += 2) print p "." $i, $(i + 1) }' >> "$RES"
}

status=0

# ---- 1. eval-only, in process ----------------------------------------------
echo "== 1. eval-only throughput (bench_eval, $ROUNDS rounds of >= ${MIN_TIME} s CPU each)"
"$W/bench_eval" --min-time "$MIN_TIME" --rounds "$ROUNDS" --prefix eval --out "$RES" \
  "$BUNDLE" "$W/cases2000.ndjson" || status=1

# ---- 2. end to end ------------------------------------------------------------
echo "== 2. end to end: $POLVM eval < $E2E_CASES cases"
n_out=$("$POLVM" eval --bundle "$BUNDLE" < "$W/cases_e2e.ndjson" | wc -l)
[ "$n_out" -eq "$E2E_CASES" ] || { echo "bench: polvm eval wrote $n_out lines for $E2E_CASES cases" >&2; status=1; }
put e2e.bytes "$(wc -c < "$W/cases_e2e.ndjson")"
put e2e.cases "$E2E_CASES"
timed e2e_on -n 5 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE"
timed e2e_off -n 5 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE" --no-trace
timed e2e_crit -n 5 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE" --criteria
# the reference case reader (jansson DOM + pol_case_load), for the ratio
POLVM_CASE_READER=jansson timed e2e_ref -n 3 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE"
# threads: wall time of -j 1 and -j 2, back to back (wall time: the load
# average beside it)
put e2e_j.load "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo nan)"
timed e2e_j1 -n 5 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE" -j 1
timed e2e_j2 -n 5 -w 1 -i "$W/cases_e2e.ndjson" -- "$POLVM" eval --bundle "$BUNDLE" -j 2

# ---- 3. a 5000-criterion policy -------------------------------------------------
echo "== 3. generated policy: $BIG_CRITERIA criteria ($(wc -c < "$W/gen$BIG_CRITERIA.pol") bytes of source)"
timed polc -n 3 -w 1 -- "$POLC" -o "$W/gen$BIG_CRITERIA.polb" "$W/gen$BIG_CRITERIA.pol"
put big.src_bytes "$(wc -c < "$W/gen$BIG_CRITERIA.pol")"
put big.polb_bytes "$(wc -c < "$W/gen$BIG_CRITERIA.polb")"
put small.polb_bytes "$(wc -c < "$BUNDLE")"
"$POLVM" verify "$W/gen$BIG_CRITERIA.polb" | sed -n 4p
"$W/bench_eval" --min-time "$MIN_TIME" --rounds 1 --count 20 --prefix big --out "$RES" \
  "$W/gen$BIG_CRITERIA.polb" "$W/cases2000.ndjson" || status=1
timed big_load -n 20 -w 2 -- "$POLVM" verify "$W/gen$BIG_CRITERIA.polb"

# ---- 4. latency ------------------------------------------------------------------
echo "== 4. latency: $POLVM trace, one case, $LAT_RUNS runs"
put lat.load "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo nan)"
timed lat -n "$LAT_RUNS" -w 5 -- "$POLVM" trace --bundle "$BUNDLE" "$W/case1.json"
timed lat_json -n "$LAT_RUNS" -w 5 -- "$POLVM" trace --bundle "$BUNDLE" --format json "$W/case1.json"
timed lat_verify -n "$LAT_RUNS" -w 5 -- "$POLVM" verify "$BUNDLE"
timed lat_true -n "$LAT_RUNS" -w 5 -- true

# ---- 6. many policies --------------------------------------------------------------
NGEN=$((MANY - $(ls policies/*.pol | wc -l)))
echo "== 6. many policies: policies/ + $NGEN generated = $MANY files in one bundle"
rm -rf "$W/many"
python3 tests/bench/genpolicies.py --count "$NGEN" --dir "$W/many" --seed 1
timed many_polc -n 3 -w 1 -- "$POLC" -o "$W/many.polb" policies/*.pol "$W/many"/*.pol
put many.files "$MANY"
put many.polb_bytes "$(wc -c < "$W/many.polb")"
timed many_load -n 20 -w 2 -- "$POLVM" verify "$W/many.polb"
# the same cases against both bundles (they route to the same policies),
# one mode at a time, the two bundles back to back so that a noisy
# neighbour hurts both alike
only() {  # only PREFIX MODE BUNDLE: PREFIX.MODE_cps
  v=$("$W/bench_eval" --min-time "$MIN_TIME" --rounds "$ROUNDS" --only "$2" "$3" "$W/cases2000.ndjson" \
      | awk '{ print $2 }') || status=1
  put "$1.$2_cps" "${v:-nan}"
}
for mode in off load; do
  only few $mode "$BUNDLE"
  only many $mode "$W/many.polb"
done

# ---- 7. FHIR input ------------------------------------------------------------------
# The same realistic cases as FHIR R4 Bundles (tests/bench/genfhir.py:
# case-to-fhir, filled up to ~40 resources with what no binding reads):
# end-to-end `polvm eval` on each form, the same determinations.
FHIR_CASES=${BENCH_FHIR_CASES:-2000}
echo "== 7. FHIR input: $POLVM eval < $FHIR_CASES cases, case format and FHIR Bundles"
head -n "$FHIR_CASES" "$W/cases_e2e.ndjson" > "$W/fhir_cases.ndjson"
python3 tests/bench/genfhir.py "$POLVM" "$W/fhir_cases.ndjson" "$W/fhir_bundles.ndjson"
put fhir.cases "$FHIR_CASES"
put fhir.case_bytes "$(wc -c < "$W/fhir_cases.ndjson")"
put fhir.bundle_bytes "$(wc -c < "$W/fhir_bundles.ndjson")"
put fhir.resources "$(head -n 1 "$W/fhir_bundles.ndjson" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entry"]))')"
same=$(for f in fhir_cases fhir_bundles; do
         "$POLVM" eval --bundle "$BUNDLE" < "$W/$f.ndjson" |
           python3 -c 'import json,sys; [print([(d["line"], d["determination"]) for d in json.loads(l)["determinations"]]) for l in sys.stdin]' | md5sum
       done | uniq | wc -l)
[ "$same" -eq 1 ] || { echo "bench: FHIR Bundles and their cases are judged differently" >&2; status=1; }
timed fhir_case -n 5 -w 1 -i "$W/fhir_cases.ndjson" -- "$POLVM" eval --bundle "$BUNDLE"
timed fhir_bundle -n 5 -w 1 -i "$W/fhir_bundles.ndjson" -- "$POLVM" eval --bundle "$BUNDLE"
# the reference FHIR reader (jansson + vm/fhir_in.c), beside the fast path (vm/fhir_fast.c)
POLVM_CASE_READER=jansson timed fhir_bundle_ref -n 3 -w 1 -i "$W/fhir_bundles.ndjson" -- "$POLVM" eval --bundle "$BUNDLE"

# ---- the table ---------------------------------------------------------------------
# row(label, ours, target, reference, verdict, note); ratios come from this run.
awk -v cpu="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)" \
    -v ncpu="$(nproc 2>/dev/null || echo '?')" -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" -v rounds="$ROUNDS" \
    -v bigcrit="$BIG_CRITERIA" '
  { v[$1] = $2 }
  function n(k) { return (k in v) ? v[k] + 0 : 0 }
  function row(label, ours, target, ref, verdict, note,   line) {
    line = sprintf("  %-44s %14s  %-13s %-12s %-5s %s", label, ours, target, ref, verdict, note)
    sub(/ +$/, "", line)
    print line
  }
  function ok(c) { return c ? "ok" : "MISS" }
  function rate(x) { return sprintf("%.0f /s", x) }
  function ms(x) { return sprintf("%.3f ms", x) }
  # MB/s of the fastest run, and the rate per CPU-second (mean user + sys)
  function e2e_note(k) {
    return sprintf("%.1f MB/s; %.0f /CPU-s", mb / (n(k ".min_ms") / 1e3), cases / (n(k ".cpu_ms") / 1e3))
  }
  END {
    off = n("eval.off_cps"); on = n("eval.on_cps"); js = n("eval.json_cps"); cj = n("eval.compact_cps")
    mb = n("e2e.bytes") / 1e6; cases = n("e2e.cases")
    e2e_on = cases / (n("e2e_on.min_ms") / 1e3); e2e_off = cases / (n("e2e_off.min_ms") / 1e3)
    e2e_crit = cases / (n("e2e_crit.min_ms") / 1e3)
    printf "\npolvm benchmarks, %s, %s (%s CPUs), load average %s\n", when, cpu, ncpu, load
    printf "in process: best of %d rounds, rates per CPU-second of one thread; processes: fastest of 5 runs (latency: all runs)\n\n", rounds
    row("", "ours", "target", "C+jansson", "", "notes")
    print "eval only: " n("eval.cases") " pre-loaded realistic cases, " sprintf("%.2f", n("eval.lines_per_case")) " lines/case"
    row("  pol_vm_eval, trace off", rate(off), ">= 1200000/s", "~4000000/s", ok(off >= 1.2e6), sprintf("%.2f us/case", 1e6 / off))
    row("  pol_vm_eval, trace on", rate(on), "", "", "", sprintf("%.2f us/case", 1e6 / on))
    row("  trace on / off (time per case)", sprintf("x%.2f", off / on), "<= x1.30", "", ok(off / on <= 1.3), "")
    row("  trace + JSON output (trace --format json)", rate(js), "", "", "", sprintf("x%.1f of trace off; %.0f bytes/case", off / js, n("eval.json_bytes")))
    row("  trace + compact JSON output (polvm eval)", rate(cj), "", "", "", sprintf("x%.1f of trace off; %.0f bytes/case", off / cj, n("eval.compact_bytes")))
    row("  allocations in timed passes", sprintf("%d/%d/%d/%d", n("eval.allocs_off"), n("eval.allocs_on"), n("eval.allocs_json"), n("eval.allocs_compact")), "0", "", ok(n("eval.alloc_counter") && n("eval.allocs_off") + n("eval.allocs_on") + n("eval.allocs_json") + n("eval.allocs_compact") == 0), "off/on/json/compact, all cases")
    print "parts of the end-to-end path, in process"
    row("  JSON parse (jansson json_loadb)", rate(n("eval.parse_cps")), "", "", "", sprintf("%.0f MB/s", n("eval.parse_mbps")))
    row("  case load (pol_case_load)", rate(n("eval.load_cps")), "", "", "", "from the jansson document")
    row("  case read (pol_jread_load, text to slots)", rate(n("eval.read_cps")), "", "", "", sprintf("%.0f MB/s; x%.1f json_loadb alone; %d allocations", n("eval.read_cps") * n("eval.bytes_per_case") / 1e6, n("eval.read_cps") / n("eval.parse_cps"), n("eval.read_allocs")))
    row("  read + eval + compact JSON", rate(n("eval.pipe_cps")), "", "", "", "what polvm eval does, minus I/O")
    print "end to end: polvm eval < " cases " cases (" sprintf("%.1f", mb) " MB NDJSON) > /dev/null"
    row("  polvm eval", rate(e2e_on), "", "~27000/s", "", e2e_note("e2e_on"))
    e2e_cpu = cases / (n("e2e_on.cpu_ms") / 1e3)
    row("  polvm eval / jansson parse alone", sprintf("x%.2f", e2e_cpu / n("eval.parse_cps")), ">= x4", "", ok(e2e_cpu >= 4 * n("eval.parse_cps")), sprintf("per CPU-s: %.0f /s vs json_loadb %.0f /s", e2e_cpu, n("eval.parse_cps")))
    row("  polvm eval, reference reader (jansson)", rate(cases / (n("e2e_ref.min_ms") / 1e3)), "", "", "", sprintf("%s; schema-directed reader x%.2f faster per CPU-s", e2e_note("e2e_ref"), n("e2e_ref.cpu_ms") / n("e2e_on.cpu_ms")))
    row("  polvm eval -j 1 (wall)", rate(cases / (n("e2e_j1.min_ms") / 1e3)), "", "", "", "")
    row("  polvm eval -j 2 (wall)", rate(cases / (n("e2e_j2.min_ms") / 1e3)), "", "", "", sprintf("%.0f /CPU-s", cases / (n("e2e_j2.cpu_ms") / 1e3)))
    row("  -j 2 / -j 1 (wall)", sprintf("x%.2f", n("e2e_j1.min_ms") / n("e2e_j2.min_ms")), ">= x1.80", "", ok(n("e2e_j1.min_ms") >= 1.8 * n("e2e_j2.min_ms")), sprintf("fastest runs; load average %s when they started", n("e2e_j.load")))
    row("  polvm eval --no-trace", rate(e2e_off), "", "", "", e2e_note("e2e_off"))
    row("  polvm eval --criteria", rate(e2e_crit), "", "", "", e2e_note("e2e_crit"))
    row("  eval only (trace on) / end to end", sprintf("x%.1f", on / e2e_on), "", "~x150", "", sprintf("evaluation is %.1f%% of end-to-end time", 100 * e2e_on / on))
    row("  in-process pipeline / end to end", sprintf("x%.2f", n("eval.pipe_cps") / e2e_on), "", "", "", "")
    print "generated policy: " bigcrit " criteria, " sprintf("%.0f", n("big.src_bytes") / 1024) " KB of source; " n("big.cases") " cases"
    row("  polc compile", sprintf("%.0f ms", n("polc.min_ms")), "", "", "", sprintf("median %.0f ms", n("polc.median_ms")))
    row("  bundle size", sprintf("%.0f KB", n("big.polb_bytes") / 1024), "", "", "", sprintf("policies.polb: %.1f KB", n("small.polb_bytes") / 1024))
    row("  polvm verify (process: load + verify)", ms(n("big_load.median_ms")), "", "", "", "median")
    row("  pol_vm_eval, trace off", rate(n("big.off_cps")), "", "", "", sprintf("%.1f us/case", 1e6 / n("big.off_cps")))
    row("  pol_vm_eval, trace on", rate(n("big.on_cps")), "", "", "", sprintf("x%.2f of trace off", n("big.off_cps") / n("big.on_cps")))
    row("  trace + JSON output", rate(n("big.json_cps")), "", "", "", sprintf("%.0f KB/case", n("big.json_bytes") / 1024))
    print "many policies: " n("many.files") " policy files in one bundle (5 real + generated), the same cases"
    row("  polc compile, all files", sprintf("%.0f ms", n("many_polc.min_ms")), "< 2000 ms", "", ok(n("many_polc.min_ms") < 2000), sprintf("median %.0f ms; bundle %.0f KB", n("many_polc.median_ms"), n("many.polb_bytes") / 1024))
    row("  polvm verify (process: load + verify)", ms(n("many_load.median_ms")), "", "", "", sprintf("x%.1f of the 5-policy bundle", n("many_load.median_ms") / n("lat_verify.median_ms")))
    row("  pol_vm_eval, trace off, 5 policies", rate(n("few.off_cps")), "", "", "", "")
    row("  pol_vm_eval, trace off, many policies", rate(n("many.off_cps")), "", "", "", "")
    row("  eval time per case, many / 5 policies", sprintf("x%.2f", n("few.off_cps") / n("many.off_cps")), "~x1", "", "", "routing by code index: no scan of the policies")
    row("  case load, many / 5 policies", sprintf("x%.2f", n("few.load_cps") / n("many.load_cps")), "", "", "", "facts of one path share a slot; cost follows distinct facts")
    fc = n("fhir.cases") / (n("fhir_case.min_ms") / 1e3); fb = n("fhir.cases") / (n("fhir_bundle.min_ms") / 1e3)
    print "FHIR input: the same " n("fhir.cases") " cases as FHIR R4 Bundles of " n("fhir.resources") " resources (" sprintf("%.1f", n("fhir.bundle_bytes") / n("fhir.case_bytes")) "x the bytes), polvm eval"
    row("  case format", rate(fc), "", "", "", sprintf("%.0f bytes/case", n("fhir.case_bytes") / n("fhir.cases")))
    row("  FHIR Bundle", rate(fb), "", "", "", sprintf("%.0f bytes/case", n("fhir.bundle_bytes") / n("fhir.cases")))
    row("  FHIR / case format (time per case)", sprintf("x%.2f", fc / fb), "<= x3", "", ok(fc / fb <= 3), sprintf("per CPU-s: x%.2f", n("fhir_bundle.cpu_ms") / n("fhir_case.cpu_ms")))
    fr = n("fhir.cases") / (n("fhir_bundle_ref.min_ms") / 1e3)
    row("  FHIR Bundle, reference reader (jansson)", rate(fr), "", "", "", sprintf("x%.2f of the case format; fast path x%.2f faster", fc / fr, fb / fr))
    print "latency: one case, process start to exit, " n("lat.runs") " runs; load average " n("lat.load") " when they started (wall time: read it with the load)"
    row("  polvm trace, mean", ms(n("lat.mean_ms")), "", "~0.8 ms", "", "")
    row("  polvm trace, median", ms(n("lat.median_ms")), "", "~0.8 ms", "", sprintf("fastest %.3f ms", n("lat.min_ms")))
    row("  polvm trace - true, medians", ms(n("lat.median_ms") - n("lat_true.median_ms")), "<= 0.3 ms", "", ok(n("lat.median_ms") - n("lat_true.median_ms") <= 0.3), sprintf("fastest runs: %.3f ms", n("lat.min_ms") - n("lat_true.min_ms")))
    row("  polvm trace --format json, median", ms(n("lat_json.median_ms")), "", "", "", sprintf("mean %.3f ms", n("lat_json.mean_ms")))
    row("  polvm verify (start + load bundle), median", ms(n("lat_verify.median_ms")), "", "", "", sprintf("mean %.3f ms", n("lat_verify.mean_ms")))
    row("  true (process floor), median", ms(n("lat_true.median_ms")), "", "", "", sprintf("mean %.3f ms", n("lat_true.mean_ms")))
  }' "$RES"
echo "(raw numbers: $RES)"

# ---- precision of unknowns (tests/gen/completion.py) -----------------------------------
# Random policies, bases with up to 6 unknown facts, and their completions:
# the share of unknown criterion statuses that the completions do not all
# decide alike (100% = every unknown was necessary), and the primitives of
# the imprecise ones.  Soundness (no known status changes) is `make test`'s.
echo
echo "precision of unknowns: random policies, seeds ${BENCH_COMPLETION_SEEDS:-1-20} (tests/gen/completion.py)"
python3 tests/gen/diffrun.py --build "$B" --completion-seeds "${BENCH_COMPLETION_SEEDS:-1-20}" \
  --completion-cases 40 --report > "$W/completion.txt" 2>&1 || status=1
grep -v ' passed, [0-9]* failed$' "$W/completion.txt" | sed 's/^/  /'

# ---- polvm serve (tests/bench/serve.sh) ---------------------------------------------
echo
sh tests/bench/serve.sh "$B" || status=1

# ---- optional profile ----------------------------------------------------------------
if [ "${BENCH_PROFILE:-0}" = 1 ] && command -v perf > /dev/null 2>&1; then
  echo "== profile: perf record of bench_eval"
  if perf record -q -g -o "$W/perf.data" "$W/bench_eval" --only off --min-time 2 --rounds 1 \
       "$BUNDLE" "$W/cases2000.ndjson" > /dev/null 2>&1; then
    perf report -i "$W/perf.data" --no-children --stdio 2> /dev/null | grep -v '^$' | grep '%' | head -40
  else
    echo "perf record failed (perf_event_paranoid?)"
  fi
fi
exit $status
