#!/usr/bin/env python3
"""Compare our tool's determinations with the MP-MM-1366 oracle's.

Usage:
    python3 tests/oracle/compare.py [--allow-any-of-detail] ORACLE.ndjson OTHER.ndjson

Both files are NDJSON, one result per case, in the same order (blank lines
are skipped).  For every case: the case_id, and for every determination
(matched by position after sorting both by `line`): the line number, the
determination, the SET of reason ids, the SET of missing ids and every
criterion status.

OTHER may use the trace shape (trace-format.md): reasons / missing as id
strings or as objects with "criterion"; criteria as a dict id -> status or
as a list of {"id", "status", ...}.  A criterion absent from one side counts
as "not_applicable" (so a tool may omit the other branch's criteria).  An
error record ({"line_no": N, "error": ...}) in OTHER is a mismatch.

--allow-any-of-detail: the reading lets a tool list the failed alternatives
of the any-of I.A.1 under it as detail; with this flag, I.A.1.a-e in OTHER's
reasons are ignored when I.A.1 itself is a reason.  The oracle never lists
them.

Prints the first 20 mismatches, then "N passed, N failed"; exits 1 on any
mismatch.
"""

import json
import sys

MAX_SHOWN = 20
ANY_OF_ALTS = {"I.A.1.a", "I.A.1.b", "I.A.1.c", "I.A.1.d", "I.A.1.e"}


def read_ndjson(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                out.append(json.loads(text))
            except ValueError as e:
                out.append({"line_no": n, "error": "invalid JSON: %s" % e})
    return out


def ids(items):
    """A set of criterion ids from strings or {"criterion": id} objects."""
    out = set()
    for it in items or []:
        out.add(it.get("criterion") if isinstance(it, dict) else it)
    return out


def statuses(criteria):
    """id -> status from a dict or from a list of {"id", "status"}."""
    if isinstance(criteria, dict):
        return dict(criteria)
    return {c.get("id"): c.get("status") for c in criteria or [] if isinstance(c, dict)}


def by_line(result):
    dets = result.get("determinations") or []
    return sorted(dets, key=lambda d: (d.get("line") is None, d.get("line") or 0))


def diff_line(o, t, allow_detail):
    """Differences between one oracle determination and one of ours."""
    diffs = []
    if o.get("line") != t.get("line"):
        diffs.append("line: oracle=%r other=%r" % (o.get("line"), t.get("line")))
    if o.get("determination") != t.get("determination"):
        diffs.append("determination: oracle=%s other=%s"
                     % (o.get("determination"), t.get("determination")))
    for key in ("reasons", "missing"):
        a, b = ids(o.get(key)), ids(t.get(key))
        if key == "reasons" and allow_detail and "I.A.1" in b:
            b -= ANY_OF_ALTS
        if a != b:
            diffs.append("%s: only in oracle %s, only in other %s"
                         % (key, sorted(a - b), sorted(b - a)))
    so, st = statuses(o.get("criteria")), statuses(t.get("criteria"))
    for cid in sorted(set(so) | set(st)):
        x, y = so.get(cid, "not_applicable"), st.get(cid, "not_applicable")
        if x != y:
            diffs.append("criterion %s: oracle=%s other=%s" % (cid, x, y))
    return diffs


def compare_case(o, t, allow_detail):
    if "error" in t:
        return ["error record in other: %s" % t.get("error")]
    if "error" in o:
        return ["error record in oracle: %s" % o.get("error")]
    diffs = []
    if o.get("case_id") != t.get("case_id"):
        diffs.append("case_id: oracle=%r other=%r" % (o.get("case_id"), t.get("case_id")))
    od, td = by_line(o), by_line(t)
    if len(od) != len(td):
        diffs.append("determinations: oracle has %d, other has %d" % (len(od), len(td)))
    for a, b in zip(od, td):
        diffs += ["line %s: %s" % (a.get("line"), d) for d in diff_line(a, b, allow_detail)]
    return diffs


def main(argv):
    allow_detail = "--allow-any-of-detail" in argv
    args = [a for a in argv if a != "--allow-any-of-detail"]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    oracle, other = read_ndjson(args[0]), read_ndjson(args[1])
    passed = failed = shown = 0
    for i in range(max(len(oracle), len(other))):
        if i >= len(oracle) or i >= len(other):
            side = "oracle" if i >= len(oracle) else "other"
            rec = other[i] if i < len(other) else oracle[i]
            diffs = ["record %d missing from %s" % (i + 1, side)]
            cid = rec.get("case_id", "?")
        else:
            diffs = compare_case(oracle[i], other[i], allow_detail)
            cid = oracle[i].get("case_id", "?")
        if not diffs:
            passed += 1
            continue
        failed += 1
        if shown < MAX_SHOWN:
            shown += 1
            print("MISMATCH #%d case %s (record %d):" % (failed, cid, i + 1))
            for d in diffs:
                print("    " + d)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
