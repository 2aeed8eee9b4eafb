#!/usr/bin/env python3
"""Points some generated cases at the language-features test policy.

Usage:
    python3 tests/lang/retarget.py [--every N] [--cpt CODE] < cases.ndjson > out.ndjson

Reads NDJSON cases (tests/oracle/gencases.py) and, on every N-th case line
(default 3: lines 3, 6, 9, ...), sets the cpt of the first procedure line to
CODE (default "99999", the code of tests/lang/features.pol).  Every other
line, and every other key, is copied unchanged, so the same file still
exercises the CareSource policy on the remaining lines.

With --plans P1,P2,... (and --codes C1,C2,...), every case line that is not
retargeted names a plan in request.plan, in turn (one line in four keeps no
plan), and its first procedure takes a code in turn: the lines then go to
the plan-limited seed policies (decision rules, assess, for each), or to
the policy for any plan where the plan's policy does not cover the code.
"""

import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=3)
    ap.add_argument("--cpt", default="99999")
    ap.add_argument("--plans", default="")
    ap.add_argument("--codes", default="")
    a = ap.parse_args()
    plans = [p for p in a.plans.split(",") if p] + [None]
    codes = [c for c in a.codes.split(",") if c]
    k = 0
    for n, line in enumerate(sys.stdin, 1):
        if plans[:-1] and n % a.every != 0 and line.strip():
            case = json.loads(line)
            req = case.get("request")
            if isinstance(req, dict):
                plan = plans[k % len(plans)]
                if plan is not None:
                    req["plan"] = plan
                procs = req.get("procedures")
                if codes and isinstance(procs, list) and procs and isinstance(procs[0], dict):
                    procs[0]["cpt"] = codes[(k // len(plans)) % len(codes)]
                k += 1
                line = json.dumps(case, separators=(",", ":")) + "\n"
        if n % a.every == 0 and line.strip():
            case = json.loads(line)
            procs = case.get("request", {}).get("procedures")
            if isinstance(procs, list) and procs and isinstance(procs[0], dict):
                procs[0]["cpt"] = a.cpt
                line = json.dumps(case, separators=(",", ":")) + "\n"
        sys.stdout.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
