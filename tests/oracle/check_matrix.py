#!/usr/bin/env python3
"""Coverage matrix of the MP-MM-1366 example cases.

Usage:
    python3 tests/oracle/check_matrix.py [EXPECTED_DIR_OR_FILES...]
    (default: examples/caresource-sij/expected/*.json)

Reads oracle outputs (one result object per file, or NDJSON) and prints, for
every criterion id, how many lines gave it met / not_met / unknown
(not_applicable is not counted), plus the determinations seen.  Exits 1 if
any criterion lacks one of the three statuses or any exclusion never
applies (an applying exclusion is status "met").  The II.A exclusions are
never unknown (reading v2: they apply only where I.A.1 is not_met and are
never missing; see the oracle's AMBIGUITY 15), so for them "unknown" is not
required.
"""

import glob
import json
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mp_mm_1366 import ALL_IDS, EXCL_IDS  # noqa: E402  (one list of ids)

STATUSES = ["met", "not_met", "unknown"]
NEVER_UNKNOWN = {"II.A.1", "II.A.2", "II.A.3", "II.A.4"}


def load(paths):
    """Yield result objects from .json files (one object) or NDJSON files."""
    for p in paths:
        with open(p, encoding="utf-8") as f:
            text = f.read()
        try:
            yield json.loads(text)
        except ValueError:
            for line in text.splitlines():
                if line.strip():
                    yield json.loads(line)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "examples", "caresource-sij", "expected")
    paths = []
    for a in argv or [default]:
        paths += sorted(glob.glob(os.path.join(a, "*.json"))) if os.path.isdir(a) else [a]
    if not paths:
        print("no expected files found", file=sys.stderr)
        return 1

    counts = {cid: {s: 0 for s in STATUSES} for cid in ALL_IDS}
    dets = {}
    n_cases = 0
    for res in load(paths):
        n_cases += 1
        for d in res.get("determinations", []):
            dets[d["determination"]] = dets.get(d["determination"], 0) + 1
            for cid, st in d.get("criteria", {}).items():
                if st in STATUSES:
                    counts.setdefault(cid, {s: 0 for s in STATUSES})[st] += 1

    print("%-9s %7s %7s %7s" % ("criterion", *STATUSES))
    bad = []
    for cid in counts:
        row = counts[cid]
        flag = ""
        lacking = [s for s in STATUSES if row[s] == 0
                   and not (s == "unknown" and cid in NEVER_UNKNOWN)]
        if lacking:
            flag = "  <-- never " + ", ".join(lacking)
            bad.append(cid)
        if cid in EXCL_IDS and row["met"] == 0:
            bad.append(cid)
        print("%-9s %7d %7d %7d%s" % (cid, row["met"], row["not_met"], row["unknown"], flag))
    print("cases: %d; determinations: %s" % (
        n_cases, ", ".join("%s=%d" % kv for kv in sorted(dets.items()))))
    if bad:
        print("FAIL: incomplete coverage for " + ", ".join(dict.fromkeys(bad)))
        return 1
    print("OK: every criterion met, not_met and unknown (II.A: met and not_met);"
          " every exclusion applies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
