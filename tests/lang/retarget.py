#!/usr/bin/env python3
"""Points some generated cases at the language-features test policy.

Usage:
    python3 tests/lang/retarget.py [--every N] [--cpt CODE] < cases.ndjson > out.ndjson

Reads NDJSON cases (tests/oracle/gencases.py) and, on every N-th case line
(default 3: lines 3, 6, 9, ...), sets the cpt of the first procedure line to
CODE (default "99999", the code of tests/lang/features.pol).  Every other
line, and every other key, is copied unchanged, so the same file still
exercises the CareSource policy on the remaining lines.
"""

import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=3)
    ap.add_argument("--cpt", default="99999")
    a = ap.parse_args()
    for n, line in enumerate(sys.stdin, 1):
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
