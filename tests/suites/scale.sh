#!/bin/sh
# tests/suites/scale.sh BUILD_DIR -- the compiler at scale: many policy
# files in one bundle, huge policies, routing among many policies.  The
# inputs are generated here (nothing large is committed); each check has a
# generous `timeout` so that a quadratic pass fails instead of hanging.
# Timings are not asserted: `make bench` measures them (docs/performance.md).
set -u
B=${1:-build}
POLC=$B/polc
POLVM=$B/polvm
. tests/lib.sh

# Under AddressSanitizer (make check) the compiler is 10 to 100 times
# slower and its memory traffic costs seconds of system time on a loaded
# machine: the huge inputs shrink tenfold there (the same code paths).
if grep -q __asan_init "$POLC" 2> /dev/null; then SHRINK=10; else SHRINK=1; fi
GROUPS=$((400 / SHRINK)) SETN=$((90000 / SHRINK))

# run SECONDS CMD...: CMD's exit status; 124 if it ran out of time
run() { s=$1; shift; timeout "$s" "$@" > "$T/o" 2> "$T/e"; }

# ---- many files: the unit table grew while scopes pointed into it (17+ crashed)
python3 tests/bench/genpolicies.py --count 40 --dir "$T/p40" --seed 3
run 60 $POLC -o "$T/p40.polb" "$T/p40"/*.pol && ok || ko "40 generated policies: polc exited $?: $(head -5 "$T/e")"
run 60 $POLVM verify "$T/p40.polb" && grep -q '^  40 policies' "$T/o" && ok || ko "40 policies: verify: $(head -5 "$T/o" "$T/e")"
python3 tests/bench/genpolicies.py --count 1000 --dir "$T/p1000" --seed 4
run 60 $POLC -o "$T/p1000.polb" "$T/p1000"/*.pol && ok || ko "1000 generated policies: polc exited $?: $(head -5 "$T/e")"
run 60 $POLVM verify "$T/p1000.polb" && grep -q '^  1000 policies' "$T/o" && ok || ko "1000 policies: verify: $(head -5 "$T/o" "$T/e")"

# ---- conflicts among 1000 files are still found (by id and code, E0324/E0326)
sed 's/^  title .*/  title "A copy"/' "$T/p1000/gen-0001.pol" > "$T/copy.pol"
sed -e 's/^policy "GEN-0001"/policy "OTHER"/' "$T/p1000/gen-0001.pol" > "$T/other.pol"
run 60 $POLC --check "$T/p1000"/*.pol "$T/copy.pol" "$T/other.pol"
[ $? -eq 1 ] && grep -q 'copy.pol:3:1: error\[E0324\]: policy "GEN-0001" is defined twice with the same effective date' "$T/e" \
  && grep -q 'other.pol:3:1: error\[E0326\]: policies "GEN-0001" and "OTHER" cover the same code' "$T/e" \
  && [ "$(grep -c 'error\[' "$T/e")" -eq 3 ] \
  && ok || ko "conflicts among 1000 files: $(head -c 600 "$T/e")"

# ---- routing among 1000 policies is that of the reference evaluator -------
# The policies/ cases, re-coded for generated codes, with plans and dates
# that pick among versions; polvm (the code index) and the AST evaluator
# (a scan of every policy) must agree on every line.
cat > "$T/recode.py" <<'PY'
import json, random, sys, glob, re
codes = []
for f in sorted(glob.glob(sys.argv[1] + "/*.pol")):
    m = re.search(r'codes ([^\n]*)', open(f).read())
    codes += re.findall(r'"([^"]*)"', m.group(1))
r = random.Random(5)
for line in sys.stdin:
    c = json.loads(line)
    for p in c["request"]["procedures"]:
        p["cpt"] = r.choice(codes + ["27279", "27280", "99999"])
    c["request"]["plan"] = r.choice([None, "plan-0", "plan-1", "plan-2", "commercial-spine"])
    c["request"]["date"] = r.choice(["2023-06-01", "2024-06-01", "2025-06-01"])
    print(json.dumps(c))
PY
python3 tests/oracle/gencases.py --seed 31 --count 400 > "$T/cases.ndjson"
python3 "$T/recode.py" "$T/p1000" < "$T/cases.ndjson" > "$T/route.ndjson"
if [ -x "$B/tests/interp_diff" ]; then
  run 120 "$B/tests/interp_diff" "$T/route.ndjson" "$T/p1000"/*.pol policies/*.pol \
    && ok || ko "routing among 1000 policies: AST evaluator vs VM: $(cat "$T/o" "$T/e" | tail -5)"
fi

# ---- 100,000 criteria in one policy: the duplicate-id check was quadratic -
gen_big() {
  python3 - "$1" "$GROUPS" <<'PY'
import sys
w = sys.stdout.write
groups = int(sys.argv[2])
w('policy "BIG" { title "t" version "1" effective 2025-01-01 codes "99999" }\nimport "case"\n')
w('branch "B" "b" when cpt == "99999" {\n')
for g in range(groups):
    w('  criterion "g%d" "group" all of {\n' % g)
    for i in range(250):
        w('    criterion "g%d.%d" "x" { pain_nrs >= 5 }\n' % (g, i))
    w('  }\n')
if sys.argv[1] == "dup":
    w('  criterion "g7.123" "the same id again" { pain_nrs >= 5 }\n')
w('}\n')
PY
}
gen_big ok > "$T/big.pol"
run 30 $POLC -o "$T/big.polb" "$T/big.pol" && ok || ko "$((GROUPS * 251)) criteria: polc exited $?: $(head -3 "$T/e")"
gen_big dup > "$T/dup.pol"
run 30 $POLC --check "$T/dup.pol"
rc=$?
[ $rc -eq 1 ] && grep -q "^.*dup.pol:$((GROUPS * 252 + 4)):3: error\\[E0310\\]: criterion id \"g7.123\" is used twice" "$T/e" \
  && ok || ko "$((GROUPS * 251 + 1)) criteria, one id twice: exit $rc: $(head -3 "$T/e")"

# ---- a 90,000-item set literal: duplicates were dropped in quadratic time --
python3 -c '
import sys
n = int(sys.argv[1])
print("policy \"SET\" { title \"t\" version \"1\" effective 2025-01-01 codes \"99998\" }")
print("import \"case\"")
print("let big = {" + ", ".join("\"s%d\"" % (i % (n - n // 90)) for i in range(n)) + "}")
print("branch \"B\" \"b\" when cpt == \"99998\" {\n  criterion \"1\" \"x\" { cpt in big }\n}")' "$SETN" > "$T/set.pol"
run 10 $POLC -o "$T/set.polb" "$T/set.pol" && ok || ko "$SETN-item set: polc exited $?: $(head -3 "$T/e")"

# ---- polc fmt on a 100,000-term `and` chain: a clean error, not a crash ----
python3 -c '
print("policy \"AND\" { title \"t\" version \"1\" effective 2025-01-01 codes \"99997\" }")
print("import \"case\"")
print("branch \"B\" \"b\" when cpt == \"99997\" {\n  criterion \"1\" \"x\" {")
print("    " + " and ".join("pain_nrs >= %d" % (i % 10) for i in range(100000)))
print("  }\n}")' > "$T/and.pol"
run 30 $POLC fmt "$T/and.pol"
rc=$?
[ $rc -eq 1 ] && grep -q 'and.pol:5:5: error\[E0113\]: expression nested too deep' "$T/e" \
  && ok || ko "polc fmt, 100000-term chain: exit $rc: $(head -c 300 "$T/e")"
run 30 $POLC --check "$T/and.pol"
[ $? -eq 1 ] && grep -q 'error\[E0113\]' "$T/e" && ok || ko "polc --check, 100000-term chain: $(head -c 300 "$T/e")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
