#!/usr/bin/env python3
"""Random policies against the VM and the reference evaluator, and the
completion check; many seeds, reproducible.

Usage:
    python3 tests/gen/diffrun.py --build B [--seeds A-Z | --seed S] [--cases N]
        [--completion-seeds A-Z] [--completion-cases N] [--open] [--keep DIR]
        [--report] [--quiet]

For each seed of --seeds: tests/gen/genpol.py writes random policies and
cases, and B/tests/interp_diff compares the VM with the AST evaluator on
every request line.  For each seed of --completion-seeds: genpol.py
--completions writes bases and their completions, B/polc compiles the
policies, B/polvm eval --criteria judges every case, and
tests/gen/completion.py checks soundness and measures precision.

A failing seed is printed with the command that re-runs it alone (its
files are kept in --keep DIR, default a temporary directory).  --open also
generates the known-open classes (genpol.py KNOWN_OPEN): a differential
failure still fails, completion violations of those classes are counted
apart.  Last line: "N passed, N failed" (seeds); exit 1 if any failed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def seeds(spec):
    if not spec:
        return []
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--completion-seeds", default="")
    ap.add_argument("--completion-seed", type=int)
    ap.add_argument("--completion-cases", type=int, default=40)
    ap.add_argument("--open", action="store_true")
    ap.add_argument("--keep", default="")
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    B = a.build
    diff_seeds = seeds(a.seeds) + ([a.seed] if a.seed is not None else [])
    comp_seeds = seeds(a.completion_seeds) + ([a.completion_seed] if a.completion_seed is not None else [])
    tmp = a.keep or tempfile.mkdtemp(prefix="polgen.")
    os.makedirs(tmp, exist_ok=True)
    gen = [sys.executable, os.path.join(HERE, "genpol.py")]
    openf = ["--open"] if a.open else []
    passed = failed = 0
    lines = lines_failed = stopped = 0
    totals = {"bases": 0, "completions": 0, "known": 0, "unknown": 0, "decided": 0, "open": 0,
              "stopped bases": 0, "stopped completions": 0}
    prim = {}

    def rerun(kind, s):
        n = "--cases %d" % a.cases if kind == "seed" else "--completion-cases %d" % a.completion_cases
        return "python3 tests/gen/diffrun.py --build %s --%s %d %s%s --keep DIR" % (
            B, kind, s, n, " --open" if a.open else "")

    for s in diff_seeds:
        d = os.path.join(tmp, "d%d" % s)
        r = run(gen + ["--seed", str(s), "--out", d, "--cases", str(a.cases), "--externs"] + openf)
        if r.returncode != 0:
            failed += 1
            print("FAIL seed %d: genpol.py: %s" % (s, r.stdout.strip()[-500:]))
            continue
        pols = sorted(os.path.join(d, f) for f in os.listdir(d) if re.match(r"p\d+\.pol$", f))
        r = run([os.path.join(B, "tests", "interp_diff"), "-I", d, os.path.join(d, "cases.ndjson")] + pols)
        m = re.search(r"^out of range: (\d+) cases stopped$", r.stdout, re.M)
        if m:
            stopped += int(m.group(1))
        m = re.search(r"^(\d+) passed, (\d+) failed$", r.stdout, re.M)
        if m:
            lines += int(m.group(1)) + int(m.group(2))
            lines_failed += int(m.group(2))
        if r.returncode != 0:
            failed += 1
            print("FAIL seed %d (re-run: %s)" % (s, rerun("seed", s)))
            print("\n".join("  " + x for x in r.stdout.strip().splitlines()[:14]))
            continue
        passed += 1
        if not a.keep:
            shutil.rmtree(d)
    for s in comp_seeds:
        d = os.path.join(tmp, "c%d" % s)
        r = run(gen + ["--seed", str(s), "--out", d, "--cases", str(a.completion_cases), "--completions"] + openf)
        if r.returncode != 0:
            failed += 1
            print("FAIL completion seed %d: genpol.py: %s" % (s, r.stdout.strip()[-500:]))
            continue
        pols = sorted(os.path.join(d, f) for f in os.listdir(d) if re.match(r"p\d+\.pol$", f))
        bundle = os.path.join(d, "b.polb")
        r = run([os.path.join(B, "polc"), "-I", d, "-o", bundle] + pols)
        if r.returncode != 0:
            failed += 1
            print("FAIL completion seed %d: polc: %s" % (s, r.stdout.strip()[-800:]))
            continue
        with open(os.path.join(d, "cases.ndjson")) as fin, open(os.path.join(d, "res.ndjson"), "w") as fout:
            r = subprocess.run([os.path.join(B, "polvm"), "eval", "--criteria", "--bundle", bundle],
                               stdin=fin, stdout=fout, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            failed += 1
            print("FAIL completion seed %d: polvm eval: %s" % (s, r.stderr.strip()[-500:]))
            continue
        r = run([sys.executable, os.path.join(HERE, "completion.py"), os.path.join(d, "cases.ndjson"),
                 os.path.join(d, "res.ndjson"), os.path.join(d, "meta.json"), "--report"] + openf)
        m = re.search(r"^completion: (\d+) bases, (\d+) completions; (\d+) known statuses checked, \d+ violations"
                      r"(?: \((\d+) more)?", r.stdout, re.M)
        if m:
            totals["bases"] += int(m.group(1))
            totals["completions"] += int(m.group(2))
            totals["known"] += int(m.group(3))
            totals["open"] += int(m.group(4) or 0)
        m = re.search(r"^stopped on a number out of range: (\d+) bases left out, (\d+) completions", r.stdout, re.M)
        if m:
            totals["stopped bases"] += int(m.group(1))
            totals["stopped completions"] += int(m.group(2))
        m = re.search(r"^precision: (\d+) unknown statuses, (\d+) decided", r.stdout, re.M)
        if m:
            totals["unknown"] += int(m.group(1))
            totals["decided"] += int(m.group(2))
        for pm in re.finditer(r"^  ((?:one: )?.+?)\s+(\d+) / (\d+)\s", r.stdout, re.M):
            k = pm.group(1).strip()
            x = prim.setdefault(k, [0, 0])
            x[0] += int(pm.group(2))
            x[1] += int(pm.group(3))
        if r.returncode != 0:
            failed += 1
            print("FAIL completion seed %d (re-run: %s)" % (s, rerun("completion-seed", s)))
            print("\n".join("  " + x for x in r.stdout.strip().splitlines() if x.startswith("UNSOUND"))[:3000])
            continue
        passed += 1
        if not a.keep:
            shutil.rmtree(d)
    if diff_seeds:
        print("differential: %d seeds, %d request lines compared, %d disagreed" % (len(diff_seeds), lines, lines_failed))
        print("out of range: %d cases stopped alike by both (same line, criterion and operation)" % stopped)
    if comp_seeds:
        u, dd = totals["unknown"], totals["decided"]
        print("completion: %d seeds, %d bases, %d completions, %d known statuses checked%s" % (
            len(comp_seeds), totals["bases"], totals["completions"], totals["known"],
            ", %d violations of known-open classes" % totals["open"] if a.open else ""))
        print("completion: stopped on a number out of range, left out: %d bases, %d completions" % (
            totals["stopped bases"], totals["stopped completions"]))
        print("precision: %d unknown statuses, %d decided alike by every completion: %.1f%% of the unknowns"
              " are necessary" % (u, dd, 100.0 * (u - dd) / u if u else 100.0))
        if a.report:
            print("imprecise unknowns by primitive (leaf criteria using it: decided alike / unknown):")
            for one in (False, True):
                if one:
                    print("imprecise unknowns of leaves with one primitive (beside comparisons, lets, windows):")
                for k, (x, n) in sorted(prim.items(), key=lambda kv: (-kv[1][0] / max(kv[1][1], 1), kv[0])):
                    if k.startswith("one: ") == one:
                        print("  %-28s %6d / %-6d %5.1f%%" % (k, x, n, 100.0 * x / n if n else 0))
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
