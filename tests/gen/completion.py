#!/usr/bin/env python3
"""Soundness and precision of unknowns, by completion.

Usage:
    python3 tests/gen/completion.py CASES.ndjson RESULTS.ndjson META.json [--open] [--report]

CASES.ndjson holds bases ("bK") each followed by its completions ("bK.cJ"),
as tests/gen/genpol.py --completions writes them; RESULTS.ndjson is
`polvm eval --criteria` over them; META.json the generator's primitives per
criterion.  For every request line of every base:

  soundness  every criterion the base finds met or not met (on the line, on
             each `for each` item, in each `assess` block) has that status
             in every completion; a line the base approves or denies is
             approved or denied alike by every completion (determinations
             are checked only for policies with the default rule: a
             decision block may turn unknown into any outcome on purpose);
  precision  of the criteria the base leaves unknown, the share that the
             completions do not all decide alike (an unknown that every
             completion decides the same way could have been decided).
             The completions are a sample of the values, so the share is
             a lower bound of the real precision.

A number out of range stops a case (C0201) only where the evaluation
reaches the operation (docs/language.md, "Evaluation order and errors"):
a completion may reach one its base skipped or could not compute (an
unknown times a number is unknown, not an error), and a base may reach one
a completion skips.  A case that stopped has no statuses: a base that
stopped is left out, and so is each completion that stopped (the others of
its base are still checked); both are counted.  That the VM stops exactly
where it should is the differential test's part (interp_diff compares the
first number out of range of the VM and of the reference evaluator).

Prints the counts, the first violations, and with --report the imprecise
unknowns by the primitives their expressions use.  With --open a violation
of a known-open class (genpol.py KNOWN_OPEN: a completion judged by another
main branch or other assess blocks; a criterion using a coverage, or a
composite) is counted apart and does not fail.
Last line: "N passed, N failed" (bases); exit 1 on a violation.
"""

import collections
import json
import sys

SHOW = 10
# primitives that only carry others (a comparison of what a count gives, a
# window of a coverage): a leaf's culprit is its one other primitive
CARRIERS = {"let", "window", "number compare", "date compare"}


def culprit(prims):
    """The one primitive a leaf's imprecision can be blamed on, or None."""
    core = [p for p in prims if p not in CARRIERS]
    if len(core) == 1:
        return core[0]
    if not core and len(prims) == 1:
        return prims[0]
    return None


def views(det):
    """(key, criteria statuses, determination or None) of a line result."""
    out = [("line", {c["id"]: c["status"] for c in det.get("criteria", [])}, det.get("determination"))]
    for i, it in enumerate(det.get("items") or []):
        out.append(("item %d" % (i + 1), {c["id"]: c["status"] for c in it.get("criteria", [])},
                    it.get("determination")))
    for a in det.get("assessments") or []:
        out.append(("assess %s" % a["aspect"], {c["id"]: c["status"] for c in a.get("criteria", [])},
                    a.get("determination")))
    return out


def moved(bdet, cdets):
    """Did a completion select another main branch or other assess blocks?"""
    def aspects(d):
        return sorted(a["aspect"] for a in d.get("assessments") or [])
    return any(cd.get("branch") != bdet.get("branch") or aspects(cd) != aspects(bdet) for cd in cdets)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = {a for a in sys.argv[1:] if a.startswith("--")}
    if len(args) != 3:
        print(__doc__)
        return 2
    cases_f, res_f, meta_f = args
    meta = json.load(open(meta_f))
    default_rule = set(meta.get("_default_rule", []))
    results = {}
    stopped = set()   # cases not judged: a number out of range
    for line in open(res_f):
        r = json.loads(line)
        if "error" in r:
            # an arithmetic result out of the range of numbers stops the case
            # (C0201, docs/language.md "Numbers"): it has no statuses
            if "number out of range" in r["error"]:
                stopped.add(r.get("case_id", ""))
                continue
            print("FAIL case %s: %s" % (r.get("case_id"), r["error"]))
            return 1
        results[r["case_id"]] = r
    groups = collections.OrderedDict()
    for line in open(cases_f):
        cid = json.loads(line)["case_id"]
        base = cid.split(".")[0]
        groups.setdefault(base, []).append(cid)

    nbase = ncomp = known = unknown = decided = 0
    violations, open_violations, shown = 0, 0, 0
    bad_bases = set()
    prim_unknown = collections.Counter()
    prim_decided = collections.Counter()
    one_unknown = collections.Counter()
    one_decided = collections.Counter()
    stopped_bases = stopped_comps = 0
    for base, ids in groups.items():
        if ids[0] in stopped:
            stopped_bases += 1
            continue
        stopped_comps += sum(c in stopped for c in ids[1:])
        comps = [results[c] for c in ids[1:] if c not in stopped]
        if not comps:
            continue
        nbase += 1
        ncomp += len(comps)
        b = results[ids[0]]
        for li, bdet in enumerate(b["determinations"]):
            pol = bdet.get("policy")
            pkey = "%s@%s" % (pol["id"], pol["version"]) if pol else None
            pmeta = meta.get(pkey, {}) if pkey else {}
            cdets = [c["determinations"][li] for c in comps]
            bviews = views(bdet)
            cviews = [dict((k, (s, d)) for k, s, d in views(cd)) for cd in cdets]
            for key, bst, bd in bviews:
                for cid_, st in bst.items():
                    got = [cv.get(key, ({}, None))[0].get(cid_, "absent") for cv in cviews]
                    if st in ("met", "not_met"):
                        known += 1
                        bad = [g for g in got if g != st]
                        if bad:
                            branch_moved = moved(bdet, cdets)
                            prims = pmeta.get(cid_, [])
                            is_open = "--open" in opts and (branch_moved or "coverage" in prims or
                                                            not prims)
                            if is_open:
                                open_violations += 1
                            else:
                                violations += 1
                                bad_bases.add(base)
                            if shown < SHOW and not is_open:
                                shown += 1
                                print("UNSOUND %s line %d %s criterion %s: %s in the base, %s in a completion"
                                      " (primitives: %s)" % (base, bdet["line"], key, cid_, st, bad[0],
                                                             ", ".join(prims) or "composite"))
                    elif st == "unknown":
                        unknown += 1
                        prims = pmeta.get(cid_)
                        alike = len(set(got)) == 1 and got[0] in ("met", "not_met")
                        decided += alike
                        if prims:
                            for p in prims:
                                prim_unknown[p] += 1
                                prim_decided[p] += alike
                            c1 = culprit(prims)
                            if c1:
                                one_unknown[c1] += 1
                                one_decided[c1] += alike
                if bd in ("approve", "deny") and pkey in default_rule and key != "assess":
                    cds = [cv.get(key, ({}, None))[1] for cv in cviews]
                    bad = [d for d in cds if d != bd]
                    if bad:
                        branch_moved = moved(bdet, cdets)
                        if "--open" in opts and branch_moved:
                            open_violations += 1
                        else:
                            violations += 1
                            bad_bases.add(base)
                            if shown < SHOW:
                                shown += 1
                                print("UNSOUND %s line %d %s: %s in the base, %s in a completion"
                                      % (base, bdet["line"], key, bd, bad[0]))
    if stopped:
        print("stopped on a number out of range: %d bases left out, %d completions left out"
              % (stopped_bases, stopped_comps))
    prec = 100.0 * (unknown - decided) / unknown if unknown else 100.0
    print("completion: %d bases, %d completions; %d known statuses checked, %d violations%s"
          % (nbase, ncomp, known, violations,
             " (%d more of the known-open classes)" % open_violations if "--open" in opts else ""))
    print("precision: %d unknown statuses, %d decided alike by every completion: %.1f%% of the"
          " unknowns are necessary" % (unknown, decided, prec))
    if "--report" in opts:
        print("imprecise unknowns by primitive (leaf criteria using it: decided alike / unknown):")
        rows = sorted(prim_unknown, key=lambda p: (-prim_decided[p] / max(prim_unknown[p], 1), p))
        for p in rows:
            print("  %-28s %5d / %-5d %5.1f%%" % (p, prim_decided[p], prim_unknown[p],
                                               100.0 * prim_decided[p] / prim_unknown[p]))
        print("imprecise unknowns of leaves with one primitive (beside comparisons, lets, windows):")
        rows = sorted(one_unknown, key=lambda p: (-one_decided[p] / max(one_unknown[p], 1), p))
        for p in rows:
            print("  one: %-23s %5d / %-5d %5.1f%%" % (p, one_decided[p], one_unknown[p],
                                                    100.0 * one_decided[p] / one_unknown[p]))
    print("%d passed, %d failed" % (nbase - len(bad_bases), len(bad_bases)))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
