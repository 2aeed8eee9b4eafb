#!/usr/bin/env python3
"""same_trace.py A.json B.json: do two `polvm trace --format json` outputs
give the same determinations, reasons and missing facts?  Compares each
line's determination, branch, reasons and missing, then the rest of the
trace (criteria, evidence) except the case's hash.  Prints the first
difference and exits 1, or exits 0."""
import json
import sys


def load(path):
    with open(path) as f:
        t = json.load(f)
    t.pop("case_sha256", None)
    t.pop("bundle", None)
    return t


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    da, db = a.get("determinations", []), b.get("determinations", [])
    if len(da) != len(db):
        print(f"{len(da)} lines against {len(db)}")
        return 1
    for x, y in zip(da, db):
        for key in ("line", "cpt", "branch", "determination", "reasons", "missing"):
            if x.get(key) != y.get(key):
                print(f"line {x.get('line')}: {key}: {json.dumps(x.get(key))[:300]} "
                      f"against {json.dumps(y.get(key))[:300]}")
                return 1
    if a != b:
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                print(f"{k}: {json.dumps(a.get(k))[:300]} against {json.dumps(b.get(k))[:300]}")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
