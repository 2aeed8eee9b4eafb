#!/usr/bin/env python3
"""Generate a large, valid .pol policy for the compiler and VM benchmarks.

Usage:
    python3 tests/bench/genpolicy.py [--criteria N] [--seed S] > big.pol

Prints one policy with exactly N criteria (default 5000, composites
included), all over the facts of stdlib/case.pol: comparisons, set
membership, date windows, exists/every/no/count/count distinct quantifiers
(nested ones too), "days of ... covered by", "at least k of", and the
helpers of stdlib/windows.pol.  The same seed gives the same file.

Shape: two branches (27279 percutaneous, 27280 open), each with the same
number of criteria.  A branch has a few top-level leaves and exclusions, and
"all of" groups; a group holds "any of" / "at least 2 of" / "all of"
subgroups of leaves.  Nesting stays within the compiler's limits (at most
1024 top-level criteria per branch, 16 levels deep).

The policy covers 27279 and 27280 from 2025-01-01, so the realistic cases
of tests/oracle/gencases.py route to it when it is compiled on its own.
"""

import argparse
import random
import sys

ACTIVE = ["physical_therapy", "occupational_therapy", "home_exercise", "chiropractic"]
INACTIVE = ["rest", "ice", "heat", "tens", "nsaid", "acetaminophen", "opioid",
            "muscle_relaxant"]
MODALITIES = ["xray", "ct", "mri", "ct_myelogram"]
REGIONS = ["sij", "pelvis", "hip", "lumbar", "thoracic"]
FINDINGS = ["sij_degeneration", "sij_pathology", "sij_disruption", "destructive_lesion",
            "inflammatory_arthropathy", "hip_osteoarthritis", "neural_compression",
            "disc_degeneration", "spinal_stenosis", "fracture"]
CONDITIONS = ["ankylosing_spondylitis", "rheumatoid_arthritis", "fibromyalgia",
              "somatoform_disorder", "sij_infection", "sacral_tumor", "pelvic_fracture",
              "osteoporosis", "peripheral_neuropathy"]
GUIDANCE = ["fluoroscopy", "ct", "ultrasound", "none"]
LEVELS = ["L3-L4", "L4-L5", "L5-S1"]
BOOLS = ["pain_caudal_to_l5", "pain_over_posterior_sij", "pain_radiating",
         "radicular_symptoms", "generalized_pain_behavior", "posterior_sij_tenderness",
         "similar_tenderness_elsewhere", "other_obvious_pain_source", "thigh_thrust",
         "compression", "distraction", "gaenslen", "patrick_faber", "straight_leg_raise",
         "strength_normal", "reflexes_normal", "work_related"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def sset(self, items, k=None):
        k = k or self.r.randint(1, min(3, len(items)))
        return "{" + ", ".join('"%s"' % s for s in self.r.sample(items, k)) + "}"

    def one(self, items):
        return self.r.choice(items)

    def leaf(self):
        """One criterion body; templates cover every kind of expression."""
        r = self.r
        t = r.randrange(22)
        if t == 0:
            return "pain_nrs >= %d" % r.randint(3, 8)
        if t == 1:
            return "age >= %d and age < %d" % (r.randint(18, 40), r.randint(60, 90))
        if t == 2:
            return "%s and not %s" % (self.one(BOOLS), self.one(BOOLS))
        if t == 3:
            return "at least 2 of (%s, %s, %s)" % tuple(r.sample(BOOLS, 3))
        if t == 4:
            return ("exists imaging where region in %s and modality in %s and date within past(%d months)"
                    % (self.sset(REGIONS), self.sset(MODALITIES), r.randint(3, 24)))
        if t == 5:
            return ("exists imaging where region == \"%s\"\n        and exists findings where finding in %s"
                    % (self.one(REGIONS), self.sset(FINDINGS)))
        if t == 6:
            return ("no imaging where modality in %s\n        and exists findings where finding == \"%s\""
                    % (self.sset(MODALITIES), self.one(FINDINGS)))
        if t == 7:
            return ("(count distinct date of injections\n        where target == \"sij\" and guidance in %s"
                    " and relief_pct >= %d) >= %d"
                    % (self.sset(GUIDANCE), r.choice([30, 50, 75]), r.randint(1, 2)))
        if t == 8:
            return ("(count injections where steroid and intra_articular and outcome != \"improved\") >= %d"
                    % r.randint(1, 3))
        if t == 9:
            return ("(days of past(%d months) covered by therapies where kind in %s\n"
                    "        from start to end ?? request_date) >= months(%d)"
                    % (r.choice([6, 12, 18]), self.sset(ACTIVE), r.randint(1, 6)))
        if t == 10:
            return ("(days of W12 covered by therapies from start to end ?? request_date) >= %d"
                    % r.randint(30, 300))
        if t == 11:
            return ("exists therapies where kind in %s and overlaps(start, end, past(%d months))"
                    % (self.sset(ACTIVE + INACTIVE), r.randint(3, 12)))
        if t == 12:
            return "every therapies where outcome in {\"failed\", \"ongoing\", \"increased_pain\"}"
        if t == 13:
            return "no conditions where it in %s" % self.sset(CONDITIONS)
        if t == 14:
            return "\"%s\" in conditions or \"%s\" not in conditions" % (self.one(CONDITIONS),
                                                                       self.one(CONDITIONS))
        if t == 15:
            return ("onset <= request_date - %d months and request_date - onset >= %d"
                    % (r.randint(3, 12), r.randint(60, 400)))
        if t == 16:
            return ("nicotine_use != \"current\"\n        and (nicotine_free_since ?? onset) <= request_date - %d months"
                    % r.randint(1, 12))
        if t == 17:
            return ("exists labs where test == \"crp\" and value < %d and date within W12"
                    % r.randint(2, 10))
        if t == 18:
            return ("no s in prior_surgeries where s.cpt == \"27279\" and s.date >= request_date - %d months"
                    % r.randint(6, 60))
        if t == 19:
            return ("cpt in {\"27279\", \"27280\"} and setting in %s and (inpatient_days ?? 0) <= %d"
                    % (self.sset(["inpatient", "outpatient", "ambulatory"]), r.randint(0, 3)))
        if t == 20:
            return ("every injections where guidance != \"none\" and (relief_pct ?? 0) * %d / 100 >= %d"
                    % (r.randint(1, 4), r.randint(10, 60)))
        return ("exists i in injections where \"%s\" in i.levels or (known(i.relief_days) and i.relief_days >= %d)"
                % (self.one(LEVELS), r.randint(1, 30)))


def branch(g, out, name, title, cond, budget, tag):
    """Writes one branch with exactly budget criteria."""
    r = g.r
    n = 0
    out.append('branch "%s" "%s" when %s {' % (name, title, cond))
    # a few top-level leaves and exclusions
    top = min(20, budget // 10)
    for i in range(top):
        kw = "exclusion" if i % 4 == 3 else "criterion"
        out.append('  %s "%s.%d" "Top-level clause %d of branch %s." {\n    %s\n  }'
                   % (kw, tag, i + 1, i + 1, name, g.leaf()))
    n += top
    gi = 0
    while n < budget:
        gi += 1
        left = budget - n
        # a group: 1 + subgroups * (1 + leaves), or leaves only for the tail
        subs, per = 7, 6
        if left < 1 + 1 + 2:
            for j in range(left):
                out.append('  criterion "%s.L%d" "Tail clause %d." {\n    %s\n  }'
                           % (tag, n + 1, j + 1, g.leaf()))
                n += 1
            break
        gid = "%s.G%d" % (tag, gi)
        out.append('  criterion "%s" "Group %d: all of the following." all of {' % (gid, gi))
        n += 1
        for si in range(subs):
            left = budget - n
            if left < 3:
                break
            k = min(per, left - 1)
            comb = r.choice(["any of", "all of", "at least 2 of"]) if k >= 2 else "all of"
            sid = "%s.%d" % (gid, si + 1)
            out.append('    criterion "%s" "Subgroup %s: %s the following." %s {' % (sid, sid, comb, comb))
            n += 1
            for li in range(k):
                out.append('      criterion "%s.%s" "Clause %s.%s, generated."\n        cite "generated"'
                           ' {\n        %s\n      }' % (sid, "abcdefghij"[li], sid, "abcdefghij"[li],
                                                       g.leaf()))
                n += 1
            out.append("    }")
        out.append("  }")
    out.append("}")
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--criteria", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.criteria < 20:
        ap.error("--criteria must be at least 20")
    g = Gen(random.Random(a.seed))
    out = ["// Generated by tests/bench/genpolicy.py --criteria %d --seed %d: do not edit."
           % (a.criteria, a.seed),
           "",
           'policy "BENCH-%d" {' % a.criteria,
           '  title "Generated benchmark policy (%d criteria)"' % a.criteria,
           '  version "1"',
           "  effective 2025-01-01",
           '  codes "27279", "27280"',
           '  source "tests/bench/genpolicy.py"',
           "}",
           "",
           'import "case"',
           'import "windows"',
           "",
           "let W12 = past(12 months)",
           ""]
    half = a.criteria // 2
    n = branch(g, out, "P", "Percutaneous", 'cpt == "27279" and approach != "open"', half, "P")
    n += branch(g, out, "O", "Open or other", 'cpt == "27280" or cpt == "27279"',
                a.criteria - half, "O")
    assert n == a.criteria, n
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
