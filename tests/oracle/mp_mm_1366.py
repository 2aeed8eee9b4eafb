#!/usr/bin/env python3
"""Independent reference oracle for the CareSource MP-MM-1366 reading (v2).

Implements /work/shared/spec/mp-mm-1366-reading.md ("the reading", version 2)
over case format v1 and the fields it marks "added in reading v2", in plain
Python 3 (stdlib only), so the compiler/VM can be checked against it.  It
shares no code or data with the C implementation.

Usage:
    python3 tests/oracle/mp_mm_1366.py < cases.ndjson > results.ndjson
    python3 tests/oracle/mp_mm_1366.py [--pretty] case.json

Output per case:
    {"case_id": ..., "determinations": [
        {"line": N, "cpt": "...", "determination": "approve|deny|pend|no_policy",
         "reasons": [ids], "missing": [ids],
         "criteria": {"I.A.1": "met|not_met|unknown|not_applicable", ...}}]}
One determination per request.procedures item, sorted by `line`.
In NDJSON mode blank input lines are skipped; a line that is not a JSON object
yields {"line_no": N, "error": "..."} so output stays aligned with input.

Three-valued logic: internally a criterion value is True (met), False
(not_met) or None (unknown); Kleene and/or/not throughout.

Points where the reading is ambiguous or silent, and what this oracle does
(the "AMBIGUITY n" tags are repeated in the code where each one is decided):

 1. "Deny if any criterion of the branch is not_met" is read over the
    TOP-LEVEL criteria (I.A.1, I.A.2 / I.B.1..I.B.10) and the exclusions.  A
    failed alternative of the any-of I.A.1 must not deny on its own; for the
    all-of composites I.B.4 / I.B.9 a failed sub-criterion already makes the
    parent not_met, so nothing changes there.
 2. `reasons`: top-level not_met criteria, applying exclusions, plus the
    not_met sub-criteria of I.B.4 / I.B.9 when the parent is a reason.  For
    the any-of I.A.1 only "I.A.1" (the reading allows its alternatives "as
    detail"; compare.py has --allow-any-of-detail to tolerate that).
 3. `missing` (only for pend and deny): unknown top-level criteria and
    exclusions, plus the unknown sub-criteria of I.B.4 / I.B.9 whenever there
    are any (so also when the parent is not_met because of its other
    sub-criterion: e.g. I.B.4 not_met by I.B.4.a with I.B.4.b unknown lists
    I.B.4.b, as "help for a deny"), plus the unknown alternatives of I.A.1
    when I.A.1 itself is unknown.  For approve and no_policy both lists are
    empty.
 4. "Covers N months" (reading v2, "Unknown facts"): the episodes with a
    known `kind`; the sure days are those of the episodes where the test X
    (e.g. "active and failed") is met, with a known start; the possible days
    those where X is met or unknown.  Such a possible episode with an
    unknown `start` makes a short coverage `unknown` even if its known `end`
    lies before the window (the reading's rule is applied literally).
 5. Section C, per episode (reading v2, "Definitions"): failed, active
    (home_exercise only as a qualifying HEP), inactive (the listed kinds,
    tens only with use_documented); a kind outside every list is neither.
    The HEP's 42 days run from `start` to min(`end` or request.date,
    request.date), both days counted.
 6. A therapy interval with start > end (or, if ongoing, start after
    request.date) is empty: it covers no day and overlaps nothing.  An item
    "overlapping W12" (I.B.4.a second half) means its interval
    [start, end-or-request.date] shares at least one day with W12; with an
    unknown start the overlap is unknown unless the end is before W12.
 7. The kind-unknown clarification is limited to "covers N months".  In the
    I.B.4.a alternative ("an active therapy overlapping W12 has outcome in
    {contraindicated, increased_pain, intolerant}") an unknown kind makes
    "kind is active" unknown for that item (plain Kleene).
 8. Branch routing: code first.  cpt "27280" -> open branch whatever the
    approach; cpt "27279" or "27278" -> open branch if approach == "open",
    else the percutaneous branch (approach absent, null or any other value).
    Any other code, or no code, -> no_policy, even with approach "open".
 9. Effective date: service_date if known, else request.date, compared with
    2025-08-01 (equal is in force).  If neither is known the policy cannot
    be shown to be in force: no_policy.  Windows always end at request.date
    (never at service_date).  If request.date is unknown every window test
    is unknown (the generator never produces that).
10. Windows and dates: W12/W6 = [request.date - 12/6 calendar months,
    request.date], both ends inclusive, month arithmetic clamping to month
    end.  Only I.B.4 (therapies, W12) and I.A.2 (imaging, W6) are windowed:
    injections (I.B.7, I.B.10), I.B.9 imaging and the neural-compression
    exclusions have no date limit in the reading, so none is applied.
11. Items inside lists are read per item with Kleene logic: a study whose
    `findings` is absent "has finding X" = unknown; `findings: []` = no.  A
    finding item with no `finding` is unknown.  Any object (symptoms, exam,
    exam.maneuvers, history, request) that is absent makes its fields
    unknown.
12. "On k different dates" (I.B.7, I.B.10): sure dates = distinct known
    dates of items whose condition is met; possible dates = distinct known
    dates of items met-or-unknown, plus one per such item with unknown date.
    met if sure >= k; not_met if possible < k; else unknown.
13. I.B.9.a "no sij/pelvis study has destructive_lesion or
    inflammatory_arthropathy" looks at every modality (also ct_myelogram);
    I.B.9.b's "none of those" = the films of the hip of side s (reading v2,
    "Sides"); I.B.9.c's = lumbar ct/mri.  I.B.7 and I.B.9.b are side-bound:
    per side of the line, joined by and; a line side that is absent or
    outside left/right/bilateral: met if both sides are met, not_met if both
    are not_met, else unknown.
14. `conditions` absent: every "X in conditions" test is unknown (this also
    reaches I.B.8 and I.A.1.a, not only the exclusions).
15. The open branch's exclusions are II.A.1-4; II.B.* are not_applicable
    there, and II.A.* are not_applicable on the percutaneous branch.  An
    II.A exclusion applies only where I.A.1 is not_met; its status is met
    when it applies and not_met otherwise, also where I.A.1 or (for II.A.4)
    the compression facts are unknown: the reading never lists it in
    `missing` and it never decides a line (I.A.1 not_met denies already).
    "Correlates with the patient's symptoms" (II.A.4 / II.B.5) is read, as
    the reading says, as radicular_symptoms or pain_radiating being true; the
    level and side of the compression are not compared.
16. Every line of a request is judged against the same case facts; an
    `open_indication` on a line routed to the percutaneous branch is ignored,
    and I.A.1.a is met by `pelvic_fracture` in conditions whatever the line's
    open_indication says.
"""

import calendar
import datetime
import json
import sys

EFFECTIVE_DATE = datetime.date(2025, 8, 1)

# Criterion ids in document order (this order is used for reasons/missing).
OPEN_IDS = ["I.A.1", "I.A.1.a", "I.A.1.b", "I.A.1.c", "I.A.1.d", "I.A.1.e", "I.A.2"]
PERC_IDS = ["I.B.1", "I.B.2", "I.B.3", "I.B.4", "I.B.4.a", "I.B.4.b", "I.B.5",
            "I.B.6", "I.B.7", "I.B.8", "I.B.9", "I.B.9.a", "I.B.9.b", "I.B.9.c",
            "I.B.10"]
EXCL_IDS = ["II.A.1", "II.A.2", "II.A.3", "II.A.4", "II.B.1", "II.B.2", "II.B.3", "II.B.4", "II.B.5"]
ALL_IDS = OPEN_IDS + PERC_IDS + EXCL_IDS
DOC_ORDER = {cid: i for i, cid in enumerate(ALL_IDS)}

# Per branch: top-level criteria, exclusions, composites.
BRANCHES = {
    "open": {
        "top": ["I.A.1", "I.A.2"],
        "excl": ["II.A.1", "II.A.2", "II.A.3", "II.A.4"],
        "all_of": {},
        "any_of": {"I.A.1": ["I.A.1.a", "I.A.1.b", "I.A.1.c", "I.A.1.d", "I.A.1.e"]},
    },
    "perc": {
        "top": ["I.B.1", "I.B.2", "I.B.3", "I.B.4", "I.B.5", "I.B.6", "I.B.7",
                "I.B.8", "I.B.9", "I.B.10"],
        "excl": ["II.B.1", "II.B.2", "II.B.3", "II.B.4", "II.B.5"],
        "all_of": {"I.B.4": ["I.B.4.a", "I.B.4.b"],
                   "I.B.9": ["I.B.9.a", "I.B.9.b", "I.B.9.c"]},
        "any_of": {},
    },
}

# Section C of the policy (reading v2, "Definitions").
ACTIVE_KINDS = {"physical_therapy", "occupational_therapy", "chiropractic"}  # + qualifying HEP
INACTIVE_KINDS = {"rest", "ice", "heat", "medical_device", "nsaid", "acetaminophen", "opioid",
                  "neuropathic_agent", "oral_steroid", "muscle_relaxant",
                  "other_medication"}  # + tens with use_documented
FAILED_OUTCOMES = {"failed", "increased_pain", "intolerant", "contraindicated"}
PHYSICAL_REASONS = {"increased_pain", "intolerant", "contraindicated"}
HEP_DAYS = 42
LUMBAR_SOURCES = {"neural_compression", "cord_compression", "spinal_stenosis",
                  "spondylolisthesis", "retrolisthesis", "disc_protrusion",
                  "disc_herniation", "facet_arthropathy"}
PERCUTANEOUS_CPTS = {"27279", "27278"}
IMAGE_GUIDANCE = {"fluoroscopy", "ct", "ultrasound"}
SIJ_PATHOLOGY = {"sij_pathology", "sij_degeneration", "sij_disruption",
                 "destructive_lesion", "inflammatory_arthropathy", "fracture"}
COVER_DAYS_6_MONTHS = int(6 * 365.25 / 12)  # floor(182.625) = 182
COVER_DAYS_3_MONTHS = int(3 * 365.25 / 12)  # floor(91.3125) = 91


# --------------------------------------------------------------------------
# Kleene three-valued logic.  True = met, False = not_met, None = unknown.

def t_and(*xs):
    if any(x is False for x in xs):
        return False
    if any(x is None for x in xs):
        return None
    return True


def t_or(*xs):
    if any(x is True for x in xs):
        return True
    if any(x is None for x in xs):
        return None
    return False


def t_not(x):
    return None if x is None else not x


def status(x):
    return {True: "met", False: "not_met", None: "unknown"}[x]


# --------------------------------------------------------------------------
# Fact access: absent and null are both unknown (None).

def field(obj, key):
    """obj[key], or None when obj is not an object or the key is absent/null."""
    if not isinstance(obj, dict):
        return None
    return obj.get(key)


def eq(value, const):
    return None if value is None else value == const


def one_of(value, consts):
    return None if value is None else value in consts


def at_least(value, bound):
    return None if value is None else value >= bound


def parse_date(s):
    return None if s is None else datetime.date.fromisoformat(s)


def add_months(d, n):
    """Calendar-month arithmetic, clamping the day to the end of the month."""
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def in_window(date_str, lo, hi):
    d = parse_date(date_str)
    if d is None or lo is None or hi is None:
        return None
    return lo <= d <= hi


# --------------------------------------------------------------------------
# Quantifiers over lists (an absent list is unknown as a whole).

def exists(items, pred):
    if items is None:
        return None
    return t_or(*[pred(it) for it in items])  # t_or() of nothing is False


def no_item(items, pred):
    return t_not(exists(items, pred))


def at_least_k(values, k):
    """At least k of the three-valued values are met."""
    met = sum(1 for v in values if v is True)
    possible = sum(1 for v in values if v is not False)
    if met >= k:
        return True
    if possible < k:
        return False
    return None


def at_least_k_dates(items, pred, k):
    """At least k items satisfying pred, on k different dates (AMBIGUITY 12).

    An item with an unknown date whose condition is met or unknown may fall on
    a new date: it raises the possible count by one, never the sure count.
    """
    if items is None:
        return None
    sure, possible, undated = set(), set(), 0
    for it in items:
        p = pred(it)
        if p is False:
            continue
        d = field(it, "date")
        if d is None:
            undated += 1
            continue
        possible.add(d)
        if p is True:
            sure.add(d)
    if len(sure) >= k:
        return True
    if len(possible) + undated < k:
        return False
    return None


def lies_on(item_side, side):
    """An item lies on side `side` when its side is that side or bilateral."""
    if item_side is None:
        return None
    return item_side in (side, "bilateral")


def has_finding(study, names):
    """The study has a finding in `names`; absent findings list = unknown."""
    return exists(field(study, "findings"), lambda f: one_of(field(f, "finding"), names))


# --------------------------------------------------------------------------
# The case and its windows.

class Case:
    def __init__(self, case):
        self.case = case
        self.request = field(case, "request")
        self.symptoms = field(case, "symptoms")
        self.exam = field(case, "exam")
        self.maneuvers = field(self.exam, "maneuvers")
        self.history = field(case, "history")
        self.therapies = field(case, "therapies")
        self.injections = field(case, "injections")
        self.imaging = field(case, "imaging")
        self.conditions = field(case, "conditions")
        self.req_date = parse_date(field(self.request, "date"))
        self.service_date = parse_date(field(self.request, "service_date"))
        r = self.req_date
        # AMBIGUITY 10: windows end at request.date, both ends inclusive.
        self.w12 = (add_months(r, -12), r) if r else (None, None)
        self.w6 = (add_months(r, -6), r) if r else (None, None)

    def sym(self, key):
        return field(self.symptoms, key)

    def ex(self, key):
        return field(self.exam, key)

    def man(self, key):
        return field(self.maneuvers, key)

    def has_condition(self, names):
        # AMBIGUITY 14: an absent conditions list makes every test unknown.
        if self.conditions is None:
            return None
        return any(c in names for c in self.conditions)

    # ---- therapies ------------------------------------------------------

    def therapy_interval(self, t):
        """(start, end) with end absent/null = request.date; start may be None."""
        start = parse_date(field(t, "start"))
        end = parse_date(field(t, "end")) or self.req_date  # absent end = ongoing
        return start, end

    def covers(self, test, days_needed):
        """The episodes where the three-valued `test` holds cover at least
        days_needed days of W12 (union, both end days counted): met when the
        episodes where it is met reach it, not_met when those where it is
        met or unknown do not (and none of them has an unknown start)."""
        if self.therapies is None:
            return None
        lo, hi = self.w12
        sure, possible = set(), set()
        unknown_start = False
        for t in self.therapies:
            if field(t, "kind") is None:
                continue  # clarification: unknown kind is not a relevant item
            x = test(t)
            if x is False:
                continue
            start, end = self.therapy_interval(t)
            if start is None or lo is None or end is None:
                unknown_start = True  # AMBIGUITY 4: literal rule
                continue
            a, b = max(start, lo), min(end, hi)
            while a <= b:  # AMBIGUITY 6: an inverted interval adds nothing
                possible.add(a)
                if x is True:
                    sure.add(a)
                a += datetime.timedelta(days=1)
        if len(sure) >= days_needed:
            return True
        if unknown_start or len(possible) >= days_needed:
            return None
        return False

    # ---- section C definitions, per episode -------------------------------

    @staticmethod
    def failed_episode(t):
        o = field(t, "outcome")
        if o is None or o == "ongoing":
            return None
        return o in FAILED_OUTCOMES

    def qualifying_hep(self, t):
        o = field(t, "outcome")
        start, end = self.therapy_interval(t)
        if start is None or self.req_date is None:
            long_enough = None
        else:
            last = min(end, self.req_date)
            long_enough = (last - start).days + 1 >= HEP_DAYS
        completed = t_and(eq(field(t, "formal"), True),
                          eq(field(t, "follow_up_documented"), True),
                          long_enough)
        return t_and(eq(field(t, "physician_supervised"), True),
                     t_or(one_of(o, PHYSICAL_REASONS), completed))

    def active_episode(self, t):
        kind = field(t, "kind")
        if kind is None:
            return None
        if kind in ACTIVE_KINDS:
            return True
        if kind == "home_exercise":
            return self.qualifying_hep(t)
        return False

    @staticmethod
    def inactive_episode(t):
        kind = field(t, "kind")
        if kind is None:
            return None
        if kind in INACTIVE_KINDS:
            return True
        if kind == "tens":
            return eq(field(t, "use_documented"), True)
        return False

    def overlaps_w12(self, t):
        """[start, end-or-request.date] shares a day with W12 (AMBIGUITY 6)."""
        lo, hi = self.w12
        start, end = self.therapy_interval(t)
        if lo is None or end is None:
            return None
        last = min(end, hi)  # last day of the item that can lie in W12
        start_ok = None if start is None else max(start, lo) <= last
        return t_and(start_ok, lo <= last)

    # ---- criteria -------------------------------------------------------

    def open_criteria(self, line):
        s = {}
        ind = field(line, "open_indication")
        # An indication outside the five values is a known value: it meets
        # none of a..e.  Only absent/null is unknown.
        s["I.A.1.a"] = t_or(eq(ind, "post_traumatic_injury"),
                            self.has_condition({"pelvic_fracture"}))
        s["I.A.1.b"] = eq(ind, "sij_infection")
        s["I.A.1.c"] = eq(ind, "sacral_tumor")
        s["I.A.1.d"] = eq(ind, "multisegmental_deformity_construct")
        s["I.A.1.e"] = t_or(eq(ind, "failed_percutaneous_fusion"),
                            exists(field(self.history, "prior_surgeries"),
                                   lambda p: t_and(one_of(field(p, "cpt"), PERCUTANEOUS_CPTS),
                                                   eq(field(p, "failed"), True))))
        s["I.A.1"] = t_or(s["I.A.1.a"], s["I.A.1.b"], s["I.A.1.c"],
                          s["I.A.1.d"], s["I.A.1.e"])
        lo, hi = self.w6
        s["I.A.2"] = exists(self.imaging, lambda st: t_and(
            one_of(field(st, "region"), {"sij", "pelvis"}),
            one_of(field(st, "modality"), {"xray", "ct", "mri"}),
            in_window(field(st, "date"), lo, hi),
            has_finding(st, SIJ_PATHOLOGY)))
        # II.A: "any other indication not outlined above" (AMBIGUITY 15).
        not_listed = s["I.A.1"] is False
        for cid, other in (("II.A.1", "mechanical_low_back_syndrome"),
                           ("II.A.2", "sij_syndrome"), ("II.A.3", "degenerative_sij")):
            s[cid] = not_listed and ind == other
        s["II.A.4"] = not_listed and self.compression_exclusion() is True
        return s

    def compression_exclusion(self):
        """II.A.4 / II.B.5: ct/mri/ct_myelogram shows neural or cord
        compression, and the symptoms correlate (radicular or radiating)."""
        seen = exists(self.imaging, lambda st: t_and(
            one_of(field(st, "modality"), {"ct", "mri", "ct_myelogram"}),
            has_finding(st, {"neural_compression", "cord_compression"})))
        return t_and(seen, t_or(eq(self.sym("radicular_symptoms"), True),
                                eq(self.sym("pain_radiating"), True)))

    @staticmethod
    def side_bound(line, per_side):
        """Reading v2, "Sides": per side of the line, joined by and; an
        unknown or out-of-vocabulary side: both sides must agree."""
        side = field(line, "side")
        if side == "left":
            return per_side("left")
        if side == "right":
            return per_side("right")
        if side == "bilateral":
            return t_and(per_side("left"), per_side("right"))
        left, right = per_side("left"), per_side("right")
        if left is True and right is True:
            return True
        if left is False and right is False:
            return False
        return None

    def perc_criteria(self, line):
        s = {}
        s["I.B.1"] = t_and(eq(self.sym("pain_radiating"), False),
                           eq(self.sym("pain_caudal_to_l5"), True),
                           eq(self.sym("pain_over_posterior_sij"), True))
        s["I.B.2"] = at_least(self.sym("pain_nrs"), 5)
        s["I.B.3"] = t_and(eq(self.ex("posterior_sij_tenderness"), True),
                           eq(self.ex("similar_tenderness_elsewhere"), False),
                           eq(self.ex("other_obvious_pain_source"), False))

        # I.B.4.a: 6 months of active therapy in W12, or an active therapy
        # overlapping W12 that could not be completed (AMBIGUITY 7).
        active_cover = self.covers(
            lambda t: t_and(self.active_episode(t), self.failed_episode(t)),
            COVER_DAYS_6_MONTHS)
        active_failed = exists(self.therapies, lambda t: t_and(
            self.active_episode(t),
            self.overlaps_w12(t),
            one_of(field(t, "outcome"), PHYSICAL_REASONS)))
        s["I.B.4.a"] = t_or(active_cover, active_failed)
        s["I.B.4.b"] = self.covers(
            lambda t: t_and(self.inactive_episode(t), self.failed_episode(t)),
            COVER_DAYS_6_MONTHS)
        s["I.B.4"] = t_and(s["I.B.4.a"], s["I.B.4.b"])

        s["I.B.5"] = t_or(eq(self.man("thigh_thrust"), True),
                          eq(self.man("compression"), True))
        s["I.B.6"] = at_least_k([eq(self.man(m), True)
                                 for m in ("gaenslen", "distraction", "patrick_faber")], 2)
        s["I.B.7"] = self.side_bound(line, lambda side: at_least_k_dates(
            self.injections, lambda inj: t_and(
                eq(field(inj, "target"), "sij"),
                lies_on(field(inj, "side"), side),
                one_of(field(inj, "guidance"), IMAGE_GUIDANCE),
                eq(field(inj, "contrast"), True),
                at_least(field(inj, "relief_pct"), 50),
                eq(field(inj, "relief_for_anesthetic_duration"), True)), 2))
        s["I.B.8"] = t_and(eq(self.sym("generalized_pain_behavior"), False),
                           t_not(self.has_condition({"fibromyalgia", "somatoform_disorder"})))

        img = self.imaging

        def study(modalities, regions):
            return lambda st: t_and(one_of(field(st, "modality"), modalities),
                                    one_of(field(st, "region"), regions))
        # AMBIGUITY 13: which studies each "none of those" ranges over.
        s["I.B.9.a"] = t_and(
            exists(img, study({"xray"}, {"sij", "pelvis"})),
            exists(img, study({"ct", "mri"}, {"sij", "pelvis"})),
            no_item(img, lambda st: t_and(
                one_of(field(st, "region"), {"sij", "pelvis"}),
                has_finding(st, {"destructive_lesion", "inflammatory_arthropathy"}))))
        def hip_film(st, side):
            region = field(st, "region")
            return t_and(eq(field(st, "modality"), "xray"),
                         t_or(eq(region, "pelvis"),
                              t_and(eq(region, "hip"), lies_on(field(st, "side"), side))))

        def finding_on(st, f, side):
            fs = field(f, "side")
            if fs is not None:
                return fs in (side, "bilateral")
            return t_or(eq(field(st, "region"), "pelvis"), lies_on(field(st, "side"), side))

        def hip_clear(side):
            return t_and(
                exists(img, lambda st: hip_film(st, side)),
                no_item(img, lambda st: t_and(
                    hip_film(st, side),
                    exists(field(st, "findings"), lambda f: t_and(
                        eq(field(f, "finding"), "hip_osteoarthritis"),
                        finding_on(st, f, side))))))
        s["I.B.9.b"] = self.side_bound(line, hip_clear)
        lumbar = study({"ct", "mri"}, {"lumbar"})
        s["I.B.9.c"] = t_and(
            exists(img, lumbar),
            no_item(img, lambda st: t_and(lumbar(st), has_finding(st, LUMBAR_SOURCES))))
        s["I.B.9"] = t_and(s["I.B.9.a"], s["I.B.9.b"], s["I.B.9.c"])

        def failed_trial(inj):
            o = field(inj, "outcome")
            pct, days = field(inj, "relief_pct"), field(inj, "relief_days")
            short = t_or(None if pct is None else pct < 50,
                         None if days is None else days < COVER_DAYS_3_MONTHS)
            return t_or(eq(o, "failed"), t_and(eq(o, "temporary_relief"), short))
        s["I.B.10"] = at_least_k_dates(self.injections, lambda inj: t_and(
            eq(field(inj, "target"), "sij"),
            eq(field(inj, "steroid"), True),
            eq(field(inj, "intra_articular"), True),
            failed_trial(inj)), 2)
        return s

    def perc_exclusions(self):
        gpb = eq(self.sym("generalized_pain_behavior"), True)
        return {
            "II.B.1": self.has_condition({"ankylosing_spondylitis", "rheumatoid_arthritis",
                                          "psoriatic_arthritis", "spondyloarthropathy"}),
            "II.B.2": t_or(self.has_condition({"fibromyalgia", "somatoform_disorder"}), gpb),
            "II.B.3": self.has_condition({"sij_infection", "sacral_tumor", "pelvic_fracture"}),
            "II.B.4": self.has_condition({"acute_traumatic_sij_instability"}),
            "II.B.5": self.compression_exclusion(),
        }

    # ---- one line ---------------------------------------------------------

    def branch_of(self, line):
        """AMBIGUITY 8: "open", "perc" or None (not this policy's code)."""
        cpt = field(line, "cpt")
        if cpt == "27280":
            return "open"
        if cpt in PERCUTANEOUS_CPTS:
            return "open" if field(line, "approach") == "open" else "perc"
        return None

    def in_force(self):
        """AMBIGUITY 9: service_date, else request.date, >= 2025-08-01."""
        d = self.service_date or self.req_date
        return d is not None and d >= EFFECTIVE_DATE

    def determine(self, line):
        out = {"line": field(line, "line"), "cpt": field(line, "cpt"),
               "determination": "no_policy", "reasons": [], "missing": [],
               "criteria": {}}
        branch = self.branch_of(line)
        # The effective-date check comes first; both give the same output.
        if not self.in_force() or branch is None:
            return out

        if branch == "open":
            st = self.open_criteria(line)
        else:
            st = self.perc_criteria(line)
            st.update(self.perc_exclusions())
        b = BRANCHES[branch]

        reasons, missing = [], []
        for cid in b["top"]:
            subs = b["all_of"].get(cid, [])
            alts = b["any_of"].get(cid, [])
            if st[cid] is False:
                reasons.append(cid)  # AMBIGUITY 2
                reasons.extend(x for x in subs if st[x] is False)
            if st[cid] is None:
                missing.append(cid)
                missing.extend(x for x in alts if st[x] is None)
            # AMBIGUITY 3: unknown parts of an all-of, whatever the parent.
            missing.extend(x for x in subs if st[x] is None)
        for cid in b["excl"]:
            if st[cid] is True:
                reasons.append(cid)
            elif st[cid] is None and not cid.startswith("II.A."):
                missing.append(cid)  # II.A is never missing (reading v2)

        # AMBIGUITY 1: only top-level criteria and exclusions decide.
        if any(st[c] is False for c in b["top"]) or any(st[c] is True for c in b["excl"]):
            det = "deny"
        elif any(st[c] is None for c in b["top"] + b["excl"]):
            det = "pend"
        else:
            det = "approve"  # nothing unknown can be left over here
        out["determination"] = det
        out["reasons"] = sorted(reasons, key=DOC_ORDER.get)
        out["missing"] = sorted(set(missing), key=DOC_ORDER.get)
        out["criteria"] = {cid: (status(st[cid]) if cid in st else "not_applicable")
                           for cid in ALL_IDS}
        return out


def evaluate(case):
    """Evaluate one case (a dict) and return the result object."""
    c = Case(case)
    procs = field(c.request, "procedures") or []
    # Sort by line number (stable; lines without a number go last).
    order = sorted(range(len(procs)),
                   key=lambda i: (field(procs[i], "line") is None,
                                  field(procs[i], "line") or 0, i))
    return {"case_id": field(case, "case_id"),
            "determinations": [c.determine(procs[i]) for i in order]}


def main(argv):
    pretty = "--pretty" in argv
    args = [a for a in argv if a != "--pretty"]
    if args:
        with open(args[0], encoding="utf-8") as f:
            result = evaluate(json.load(f))
        print(json.dumps(result, indent=2 if pretty else None))
        return 0
    out = sys.stdout
    for line_no, text in enumerate(sys.stdin, 1):
        if not text.strip():
            continue
        try:
            case = json.loads(text)
            if not isinstance(case, dict):
                raise ValueError("case is not a JSON object")
        except ValueError as e:
            out.write(json.dumps({"line_no": line_no, "error": str(e)}) + "\n")
            continue
        out.write(json.dumps(evaluate(case), indent=2 if pretty else None) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
