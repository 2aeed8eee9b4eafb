#!/usr/bin/env python3
"""same_trace.py A.json B.json: do two `polvm trace --format json` outputs
give the same determinations, reasons and missing facts?  Compares each
line's determination, branch, reasons and missing, then the rest of the
trace (criteria, evidence) except the case's hash.  Prints the first
difference and exits 1, or exits 0.

same_trace.py --pairs FILE: each line of FILE is "A B LABEL"; prints one
line per pair, "ok" or "ko LABEL: the first difference" (one process for
a whole suite: tests/suites/fhir_in.sh)."""
import json
import sys


def load(path):
    with open(path) as f:
        t = json.load(f)
    t.pop("case_sha256", None)
    t.pop("bundle", None)
    return t


def main():
    if sys.argv[1] == "--pairs":
        with open(sys.argv[2]) as f:
            for line in f:
                pa, pb, label = line.rstrip("\n").split(" ", 2)
                try:
                    d = diff(load(pa), load(pb))
                except (OSError, ValueError) as e:
                    d = "unreadable trace: %s" % e
                print("ok" if d is None else "ko %s: %s" % (label, d))
        return 0
    d = diff(load(sys.argv[1]), load(sys.argv[2]))
    if d is not None:
        print(d)
        return 1
    return 0


def diff(a, b):
    """The first difference of traces a and b, or None."""
    da, db = a.get("determinations", []), b.get("determinations", [])
    if len(da) != len(db):
        return f"{len(da)} lines against {len(db)}"
    for x, y in zip(da, db):
        for key in ("line", "cpt", "branch", "determination", "reasons", "missing"):
            if x.get(key) != y.get(key):
                return (f"line {x.get('line')}: {key}: {json.dumps(x.get(key))[:300]} "
                        f"against {json.dumps(y.get(key))[:300]}")
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            return f"{k}: {json.dumps(a.get(k))[:300]} against {json.dumps(b.get(k))[:300]}"
    return None


if __name__ == "__main__":
    sys.exit(main())
