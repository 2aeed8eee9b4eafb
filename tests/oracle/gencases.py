#!/usr/bin/env python3
"""Seeded random case generator (case format v1 and the fields added in reading
v2) for the MP-MM-1366 oracle.

Usage:
    python3 tests/oracle/gencases.py --seed S --count N [--realistic]

Prints N cases as NDJSON.  The same seed always gives the same cases.

Default mode is adversarial.  Half the cases are built from scratch: every
field is randomly typical, a boundary value, null or absent; lists have 0-5 items whose fields may be missing;
dates cluster around the window edges (request.date - 12 / - 6 months, the
182/181-day coverage marks) and around the effective date 2025-08-01; codes
are mostly 27279/27280 with some others; 1-2 procedure lines; approach is
sometimes "open".  The other half start from a realistic case that meets
its branch and apply 1-5 random perturbations (a key deleted or nulled, a
bool flipped, a number set to a threshold, a date moved by a day or onto a
window edge, a list emptied / shortened / given a same-day duplicate, active
therapy replaced by a 181/182/183-day block at the start of W12), so that the
decisive criteria sit right at their boundaries.

--realistic: every list populated and every field present with plausible
values, about 2 KB per case (used for throughput benchmarks).

Only well-typed values are produced.  Deliberately never produced, because the
reading leaves them undefined (see the oracle's header): a missing
request.date, request.procedures or procedure line/cpt, and therapy items
whose explicit end precedes their start.
"""

import argparse
import calendar
import datetime
import json
import random
import sys

D = datetime.date
ONE = datetime.timedelta(days=1)

ACTIVE = ["physical_therapy", "occupational_therapy", "home_exercise", "chiropractic"]
INACTIVE = ["rest", "ice", "heat", "medical_device", "tens", "nsaid", "acetaminophen",
            "opioid", "neuropathic_agent", "oral_steroid", "muscle_relaxant",
            "other_medication"]
NEITHER = ["radiofrequency_ablation", "injection", "acupuncture", "massage"]
SIDES = ["left", "right", "bilateral"]
THERAPY_OUTCOMES = ["failed", "improved", "ongoing", "increased_pain", "intolerant",
                    "contraindicated"]
TARGETS = ["sij", "hip", "facet", "medial_branch", "epidural", "trochanteric_bursa",
           "hardware", "other"]
GUIDANCE = ["fluoroscopy", "ct", "ultrasound", "none"]
INJ_OUTCOMES = ["failed", "improved", "temporary_relief"]
MODALITIES = ["xray", "ct", "mri", "ct_myelogram"]
REGIONS = ["sij", "pelvis", "hip", "lumbar", "thoracic", "full_spine"]
FINDINGS = ["sij_degeneration", "sij_pathology", "sij_disruption", "destructive_lesion",
            "inflammatory_arthropathy", "hip_osteoarthritis", "neural_compression",
            "spinal_stenosis", "spondylolisthesis", "retrolisthesis", "disc_degeneration",
            "disc_protrusion", "cord_compression", "scoliosis", "kyphosis", "flatback",
            "fracture", "pseudarthrosis", "hardware_failure", "dynamic_instability",
            "disc_herniation", "facet_arthropathy"]
CONDITIONS = ["ankylosing_spondylitis", "rheumatoid_arthritis", "psoriatic_arthritis",
              "spondyloarthropathy", "fibromyalgia", "somatoform_disorder", "sij_infection",
              "sacral_tumor", "pelvic_fracture", "acute_traumatic_sij_instability",
              "osteoporosis", "hip_osteoarthritis", "thoracic_myelopathy",
              "peripheral_neuropathy"]
OPEN_INDICATIONS = ["post_traumatic_injury", "sij_infection", "sacral_tumor",
                    "multisegmental_deformity_construct", "failed_percutaneous_fusion"]
OTHER_INDICATIONS = ["degenerative_sacroiliitis", "mechanical_low_back_syndrome",
                     "sij_syndrome", "degenerative_sij"]
OTHER_CPTS = ["27096", "22612", "22633", "63047", "64451", "20552"]
LEVELS = ["L2-L3", "L3-L4", "L4-L5", "L5-S1"]
LABS = [("esr", "mm/h", 2, 60), ("crp", "mg/L", 0.5, 40), ("hla_b27", "index", 0, 1),
        ("rf", "IU/mL", 2, 40), ("urine_cotinine", "ng/mL", 0, 500),
        ("serum_cotinine", "ng/mL", 0, 300)]


def iso(d):
    return d.isoformat()


def add_months(d, n):
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return D(y, m, min(d.day, calendar.monthrange(y, m)[1]))


class Gen:
    def __init__(self, rng):
        self.r = rng

    # ---- small helpers ---------------------------------------------------

    def maybe(self, obj, key, value, p_absent=0.12, p_null=0.12):
        """Set obj[key] to value, or null, or leave it absent."""
        x = self.r.random()
        if x < p_absent:
            return
        obj[key] = None if x < p_absent + p_null else value

    def chance(self, p):
        return self.r.random() < p

    def tri_bool(self, p_true=0.5):
        return self.r.random() < p_true

    def side(self):
        """A side, rarely one outside the vocabulary (the reading: unknown)."""
        return self.r.choice(SIDES * 6 + ["midline"])

    # ---- dates -----------------------------------------------------------

    def request_date(self):
        r = self.r
        choice = r.random()
        if choice < 0.3:  # near the effective date
            return D(2025, 8, 1) + r.randint(-10, 10) * ONE
        if choice < 0.5:  # month ends: clamping of month arithmetic
            y, m = r.choice([(2025, 8), (2025, 10), (2025, 12), (2026, 3), (2026, 5),
                             (2025, 9), (2026, 2), (2024, 2)])
            return D(y, m, calendar.monthrange(y, m)[1])
        return D(2025, 5, 1) + r.randint(0, 420) * ONE

    def service_date(self, req):
        r = self.r
        if self.chance(0.4):
            return D(2025, 8, 1) + r.randint(-3, 3) * ONE
        return req + r.randint(-5, 75) * ONE

    def near(self, anchors):
        """A date near one of the anchor dates (often exactly on it)."""
        r = self.r
        a = r.choice(anchors)
        off = r.choice([0, 0, -1, 1, r.randint(-20, 20), r.randint(-120, 120)])
        return a + off * ONE

    # ---- sections --------------------------------------------------------

    def procedures(self, req):
        r = self.r
        n = 1 if self.chance(0.75) else 2
        out = []
        for i in range(n):
            x = r.random()
            cpt = ("27279" if x < 0.4 else "27278" if x < 0.5 else "27280" if x < 0.8
                   else r.choice(OTHER_CPTS))
            p = {"line": i + 1, "cpt": cpt}
            appr = r.choice(["percutaneous", "minimally_invasive", "open", "open"])
            self.maybe(p, "approach", appr, 0.25, 0.1)
            self.maybe(p, "side", self.side())
            self.maybe(p, "setting", r.choice(["inpatient", "outpatient", "ambulatory"]))
            if cpt == "27280" or p.get("approach") == "open" or self.chance(0.2):
                ind = r.choice(OPEN_INDICATIONS * 2 + OTHER_INDICATIONS)
                self.maybe(p, "open_indication", ind, 0.2, 0.1)
            out.append(p)
        if n == 2 and self.chance(0.3):
            out.reverse()  # line order need not be list order
        return out

    def symptoms(self, req):
        r = self.r
        s = {}
        self.maybe(s, "pain_nrs", r.choice([4, 5, 5, 6, 7, 8, 10, 0, 4.5, 5.5]))
        for k, p in [("pain_caudal_to_l5", 0.8), ("pain_over_posterior_sij", 0.8),
                     ("pain_radiating", 0.25), ("radicular_symptoms", 0.2),
                     ("generalized_pain_behavior", 0.15)]:
            self.maybe(s, k, self.tri_bool(p))
        self.maybe(s, "onset", iso(req - r.randint(100, 900) * ONE))
        return s

    def exam(self):
        r = self.r
        e = {}
        for k, p in [("posterior_sij_tenderness", 0.8), ("similar_tenderness_elsewhere", 0.2),
                     ("other_obvious_pain_source", 0.15), ("strength_normal", 0.8),
                     ("reflexes_normal", 0.8)]:
            self.maybe(e, k, self.tri_bool(p))
        if not self.chance(0.1):
            m = {}
            for k in ["thigh_thrust", "compression", "distraction", "gaenslen",
                      "patrick_faber", "straight_leg_raise"]:
                self.maybe(m, k, self.tri_bool(0.6), 0.2, 0.1)
            e["maneuvers"] = None if self.chance(0.05) else m
        return e

    def therapy(self, anchors, req):
        r = self.r
        t = {}
        kind = (r.choice(ACTIVE) if self.chance(0.5) else r.choice(INACTIVE)
                if self.chance(0.9) else r.choice(NEITHER))
        self.maybe(t, "kind", kind, 0.08, 0.05)
        start = self.near(anchors)
        # Lengths around the 182-day mark (181/182/183 days inclusive) or any.
        length = r.choice([180, 181, 182, 183, r.randint(0, 400), r.randint(20, 120)])
        end = start + length * ONE
        self.maybe(t, "start", iso(start), 0.08, 0.07)
        x = r.random()
        if x < 0.15:
            pass                      # absent end: ongoing
        elif x < 0.3:
            t["end"] = None           # ongoing
        else:
            t["end"] = iso(end)
        self.maybe(t, "formal", self.tri_bool(0.7))
        self.maybe(t, "in_person", self.tri_bool(0.7))
        self.maybe(t, "outcome", r.choice(THERAPY_OUTCOMES), 0.15, 0.1)
        if kind == "home_exercise" or self.chance(0.2):
            self.maybe(t, "physician_supervised", self.tri_bool(0.7))
            self.maybe(t, "follow_up_documented", self.tri_bool(0.7))
            if self.chance(0.3):  # HEP lengths around the 42-day mark
                t["end"] = iso(start + r.choice([40, 41, 42]) * ONE)
        if kind == "tens" or self.chance(0.2):
            self.maybe(t, "use_documented", self.tri_bool(0.7))
        return t

    def injection(self, anchors, dates_used):
        r = self.r
        i = {}
        if dates_used and self.chance(0.2):
            d = r.choice(dates_used)   # same day as another injection
        else:
            d = self.near(anchors)
        dates_used.append(d)
        self.maybe(i, "date", iso(d), 0.1, 0.08)
        self.maybe(i, "target", "sij" if self.chance(0.75) else r.choice(TARGETS), 0.05, 0.05)
        self.maybe(i, "side", self.side())
        self.maybe(i, "purpose", r.choice(["diagnostic", "therapeutic"]))
        self.maybe(i, "guidance", r.choice(GUIDANCE + ["fluoroscopy"]), 0.1, 0.05)
        self.maybe(i, "contrast", self.tri_bool(0.75), 0.1, 0.05)
        self.maybe(i, "intra_articular", self.tri_bool(0.75), 0.1, 0.05)
        self.maybe(i, "steroid", self.tri_bool(0.6), 0.1, 0.05)
        self.maybe(i, "anesthetic", r.choice(["lidocaine", "bupivacaine", "ropivacaine"]))
        self.maybe(i, "relief_pct", r.choice([49, 50, 51, 0, 100, 49.5, 80, 30]), 0.1, 0.05)
        self.maybe(i, "relief_days", r.choice([0, 1, 3, 14, 60, 90, 91, 120]))
        self.maybe(i, "relief_for_anesthetic_duration", self.tri_bool(0.7), 0.1, 0.05)
        self.maybe(i, "isolated", self.tri_bool(0.8))
        self.maybe(i, "outcome", r.choice(INJ_OUTCOMES), 0.1, 0.05)
        return i

    def finding(self):
        r = self.r
        f = {}
        self.maybe(f, "finding", r.choice(FINDINGS), 0.05, 0.05)
        if self.chance(0.4):
            f["level"] = r.choice(LEVELS + ["T9-T10"])
        if self.chance(0.3):
            f["side"] = self.side()
        if f.get("finding") in ("scoliosis", "dynamic_instability") and self.chance(0.7):
            f["value"] = r.choice([4, 10, 25, 40])
            f["unit"] = "mm" if f["finding"] == "dynamic_instability" else "deg"
        return f

    def study(self, anchors):
        r = self.r
        s = {}
        self.maybe(s, "date", iso(self.near(anchors)), 0.08, 0.05)
        self.maybe(s, "modality", r.choice(MODALITIES + ["xray", "mri"]), 0.05, 0.05)
        self.maybe(s, "region", r.choice(REGIONS + ["sij", "pelvis", "lumbar", "hip"]), 0.05, 0.05)
        if s.get("region") in ("hip", "sij") or self.chance(0.1):
            self.maybe(s, "side", self.side())
        if self.chance(0.4):
            s["views"] = r.sample(["ap", "lateral", "flexion", "extension", "standing"],
                                  r.randint(1, 3))
        x = r.random()
        if x < 0.1:
            pass
        elif x < 0.15:
            s["findings"] = None
        else:
            s["findings"] = [self.finding() for _ in range(r.choice([0, 0, 1, 1, 2, 3]))]
        return s

    def a_list(self, make, n_max=5):
        """An absent, null, empty or 1..n_max-item list."""
        x = self.r.random()
        if x < 0.07:
            return "absent"
        if x < 0.12:
            return None
        if x < 0.2:
            return []
        return [make() for _ in range(self.r.randint(1, n_max))]

    def history(self, req):
        r = self.r
        h = {}
        self.maybe(h, "nicotine_use", r.choice(["never", "former", "current"]))
        if h.get("nicotine_use") == "former":
            self.maybe(h, "nicotine_free_since", iso(req - r.randint(30, 2000) * ONE))
        ps = self.a_list(lambda: self.prior_surgery(req), 2)
        if ps != "absent":
            h["prior_surgeries"] = ps
        self.maybe(h, "work_related", self.tri_bool(0.2))
        return h

    def prior_surgery(self, req):
        r = self.r
        s = {}
        cpt = r.choice(["27279", "27278", "22612", "63047", "22633"])
        self.maybe(s, "date", iso(req - r.randint(200, 3000) * ONE), 0.1, 0.05)
        s["procedure"] = {"27279": "percutaneous SIJ fusion", "27278": "percutaneous SIJ fusion",
                          "22612": "lumbar fusion",
                          "63047": "lumbar laminectomy", "22633": "lumbar interbody fusion"}[cpt]
        self.maybe(s, "cpt", cpt, 0.1, 0.1)
        self.maybe(s, "failed", self.tri_bool(0.6))
        if cpt not in ("27279", "27278"):
            s["levels"] = [r.choice(LEVELS)]
        return s

    def adversarial(self, case_id):
        r = self.r
        req = self.request_date()
        w12, w6 = add_months(req, -12), add_months(req, -6)
        anchors = [w12, w6, req, req - 181 * ONE, req - 182 * ONE, D(2025, 8, 1),
                   req - r.randint(0, 365) * ONE]
        case = {"case_id": case_id}
        request = {"date": iso(req)}
        self.maybe(request, "service_date", iso(self.service_date(req)), 0.25, 0.15)
        request["procedures"] = self.procedures(req)
        case["request"] = request
        if self.chance(0.8):
            pat = {}
            self.maybe(pat, "age", r.randint(19, 88))
            self.maybe(pat, "sex", r.choice(["female", "male", "other"]))
            case["patient"] = pat
        if self.chance(0.93):
            case["symptoms"] = self.symptoms(req)
        if self.chance(0.93):
            case["exam"] = self.exam()
        for key, make, n in [("therapies", lambda: self.therapy(anchors, req), 5),
                             ("imaging", lambda: self.study(anchors), 5)]:
            v = self.a_list(make, n)
            if v != "absent":
                case[key] = v
        used = []
        v = self.a_list(lambda: self.injection(anchors, used), 5)
        if v != "absent":
            case["injections"] = v
        if self.chance(0.85):
            case["history"] = self.history(req)
        x = r.random()
        if x < 0.1:
            pass                       # conditions absent
        elif x < 0.15:
            case["conditions"] = None
        elif x < 0.55:
            case["conditions"] = []
        else:
            case["conditions"] = r.sample(CONDITIONS, r.choice([1, 1, 1, 2, 3]))
        return case

    # ---- realistic mode ----------------------------------------------------

    def realistic(self, case_id, good=None):
        """A complete, plausible case.  good=True makes one that meets (almost)
        every criterion of its branch; None picks good 60% of the time."""
        r = self.r
        if good is None:
            good = self.chance(0.6)
        req = D(2025, 8, 4) + r.randint(0, 330) * ONE
        svc = req + r.randint(14, 60) * ONE
        w12 = add_months(req, -12)
        side = r.choice(["left", "right", "bilateral"])
        open_case = self.chance(0.25)
        if open_case:
            cpt, appr = ("27280", "open") if self.chance(0.7) else ("27279", "open")
        else:
            cpt, appr = r.choice(["27279", "27278"]), r.choice(["percutaneous", "minimally_invasive"])
        setting = r.choice(["inpatient", "outpatient", "ambulatory"])
        proc = {"line": 1, "cpt": cpt,
                "description": "SIJ fusion, " + ("open" if appr == "open" else "percutaneous"),
                "approach": appr, "side": side, "setting": setting,
                "inpatient_days": r.choice([1, 2]) if setting == "inpatient" else 0,
                "sedation": "general"}
        if open_case:
            proc["open_indication"] = r.choice(OPEN_INDICATIONS)
        procs = [proc]
        if self.chance(0.2):
            procs.append({"line": 2, "cpt": "27096", "description": "SIJ injection",
                          "approach": "percutaneous", "side": side, "setting": "outpatient",
                          "inpatient_days": 0, "sedation": "local"})
        bad = (lambda p: (not good) and self.chance(p))
        case = {
            "case_id": case_id,
            "request": {"date": iso(req), "service_date": iso(svc), "procedures": procs},
            "patient": {"age": r.randint(28, 79), "sex": r.choice(["female", "male"])},
            "symptoms": {
                "pain_nrs": r.choice([6, 7, 8, 9]) if good else r.randint(3, 9),
                "pain_caudal_to_l5": True, "pain_over_posterior_sij": True,
                "pain_radiating": bad(0.3), "radicular_symptoms": bad(0.3),
                "onset": iso(w12 - r.randint(30, 400) * ONE),
                "generalized_pain_behavior": bad(0.1)},
            "exam": {
                "posterior_sij_tenderness": True,
                "similar_tenderness_elsewhere": bad(0.3),
                "other_obvious_pain_source": bad(0.2),
                "maneuvers": {"thigh_thrust": True, "compression": self.chance(0.7),
                              "distraction": True, "gaenslen": self.chance(0.5),
                              "patrick_faber": good or self.chance(0.6),
                              "straight_leg_raise": False},
                "strength_normal": True, "reflexes_normal": True},
        }
        # An active block (formal PT then a home program) and a long inactive
        # block (ongoing NSAID).
        pt_start = w12 + r.randint(0, 60) * ONE
        pt_len = r.randint(185, 230) if good else r.randint(40, 200)
        pt_end = pt_start + min(pt_len, 120) * ONE
        case["therapies"] = [
            {"kind": "physical_therapy", "start": iso(pt_start), "end": iso(pt_end),
             "formal": True, "in_person": True, "outcome": "failed"},
            {"kind": "home_exercise", "start": iso(pt_end), "end": iso(pt_start + pt_len * ONE),
             "formal": True, "in_person": False, "physician_supervised": True,
             "follow_up_documented": True, "outcome": r.choice(["failed", "failed", "ongoing"])},
            {"kind": "nsaid", "start": iso(w12 - r.randint(0, 200) * ONE), "end": None,
             "formal": False, "in_person": False, "outcome": "failed"},
        ]
        if self.chance(0.3):
            case["therapies"].append(
                {"kind": "tens", "start": iso(w12 + r.randint(0, 100) * ONE), "end": None,
                 "use_documented": self.chance(0.8), "outcome": "failed"})
        # Intra-articular anesthetic + steroid injections: the anesthetic
        # phase is diagnostic, the steroid effect then wears off.
        inj, d = [], w12 + r.randint(150, 220) * ONE
        for _ in range(2):
            inj.append({
                "date": iso(d), "target": "sij", "side": side, "purpose": "diagnostic",
                "guidance": "fluoroscopy", "contrast": True, "intra_articular": True,
                "steroid": True, "anesthetic": r.choice(["lidocaine", "bupivacaine"]),
                "relief_pct": r.choice([60, 75, 80, 90]) if good else r.choice([30, 45, 55, 80]),
                "relief_days": r.choice([7, 14, 21, 91]), "relief_for_anesthetic_duration": True,
                "isolated": True, "outcome": r.choice(["failed", "temporary_relief"])})
            d += r.randint(21, 40) * ONE
        case["injections"] = inj
        day = req - r.randint(20, 150) * ONE
        sij_find = "sij_disruption" if open_case else "sij_degeneration"
        hip_side = side if self.chance(0.7) else r.choice(SIDES)
        case["imaging"] = [
            # The AP pelvis film shows both SIJs and both hips (I.B.9.a, I.B.9.b).
            {"date": iso(day), "modality": "xray", "region": "pelvis", "views": ["ap", "inlet"],
             "findings": [{"finding": sij_find, "side": side}] +
             ([] if good or self.chance(0.5) else
              [{"finding": "hip_osteoarthritis", "side": side}])},
            {"date": iso(day + 9 * ONE), "modality": r.choice(["ct", "mri"]), "region": "sij",
             "side": side, "findings": [{"finding": "sij_pathology", "side": side}]},
            {"date": iso(day), "modality": "xray", "region": "hip", "side": hip_side,
             "findings": [] if good or self.chance(0.5) else [{"finding": "hip_osteoarthritis"}]},
            {"date": iso(day - 30 * ONE), "modality": "mri", "region": "lumbar",
             "findings": [{"finding": "disc_degeneration", "level": "L4-L5"}] +
             ([] if good or self.chance(0.5) else
              [{"finding": "neural_compression", "level": "L5-S1", "side": side}])},
        ]
        case["labs"] = [{"date": iso(day), "test": "crp", "value": round(r.uniform(0.5, 8), 1),
                         "unit": "mg/L", "source": "lab_report"}]
        case["history"] = {"nicotine_use": "former",
                           "nicotine_free_since": iso(req - r.randint(400, 4000) * ONE),
                           "prior_surgeries": [{"date": iso(req - r.randint(700, 3000) * ONE),
                                                "procedure": "lumbar interbody fusion",
                                                "cpt": "22633", "levels": ["L4-L5"],
                                                "failed": False}],
                           "work_related": self.chance(0.15)}
        case["conditions"] = ["osteoporosis"] if good else r.sample(
            ["osteoporosis", "fibromyalgia", "rheumatoid_arthritis", "peripheral_neuropathy"], 1)
        return case

    # ---- perturbation of a good case (adversarial, near the boundaries) ----

    # In-vocabulary replacement strings, by (containing list or object, key).
    VOCAB = {
        ("therapies", "kind"): ACTIVE + INACTIVE + NEITHER,
        ("therapies", "outcome"): THERAPY_OUTCOMES,
        ("injections", "target"): TARGETS,
        ("injections", "guidance"): GUIDANCE,
        ("injections", "outcome"): INJ_OUTCOMES,
        ("injections", "purpose"): ["diagnostic", "therapeutic"],
        ("imaging", "modality"): MODALITIES,
        ("imaging", "region"): REGIONS,
        ("findings", "finding"): FINDINGS,
        ("procedures", "approach"): ["percutaneous", "minimally_invasive", "open"],
        ("procedures", "open_indication"): OPEN_INDICATIONS + OTHER_INDICATIONS,
        ("procedures", "side"): SIDES + ["midline"],
        ("injections", "side"): SIDES,
        ("imaging", "side"): SIDES,
        ("findings", "side"): SIDES,
        ("prior_surgeries", "cpt"): ["27279", "27278", "22612", "63047"],
    }
    # Never touched: identity and routing keys, and therapy dates (handled
    # by therapy_boundary so that start <= end always holds).
    FROZEN = {("request", "date"), ("request", "procedures"), ("procedures", "line"),
              ("procedures", "cpt"), ("", "case_id"), ("", "request"),
              ("therapies", "start"), ("therapies", "end")}
    BOUNDARY_NUMBERS = {"pain_nrs": [4, 4.9, 5, 5.1], "relief_pct": [49, 49.9, 50, 50.1]}

    def slots(self, node, ctx, out):
        """All (container, key, context) triples below node."""
        if isinstance(node, dict):
            for k, v in node.items():
                out.append((node, k, ctx))
                self.slots(v, k, out)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.slots(v, ctx, out)
        return out

    def mutate(self, case, windows):
        r = self.r
        cands = [(c, k, ctx) for c, k, ctx in self.slots(case, "", [])
                 if (ctx, k) not in self.FROZEN]
        c, k, ctx = r.choice(cands)
        v = c[k]
        x = r.random()
        if x < 0.2:
            del c[k]
            return
        if x < 0.35:
            c[k] = None
            return
        if isinstance(v, bool):
            c[k] = not v
        elif isinstance(v, (int, float)):
            c[k] = r.choice(self.BOUNDARY_NUMBERS.get(k, [0, 1, 3, 10, 60]))
        elif isinstance(v, str) and (ctx, k) in self.VOCAB:
            c[k] = r.choice(self.VOCAB[(ctx, k)])
        elif isinstance(v, str) and len(v) == 10 and v[4] == "-":   # a date
            d = datetime.date.fromisoformat(v)
            c[k] = iso(r.choice([d - ONE, d + ONE] + [w + r.choice([-1, 0, 1]) * ONE
                                                       for w in windows]))
        elif k == "conditions" or (isinstance(v, list) and v and isinstance(v[0], str)
                                   and ctx == ""):
            c[k] = r.sample(CONDITIONS, r.randint(0, 2))
        elif isinstance(v, list) and v:
            y = r.random()
            if y < 0.3:
                c[k] = []
            elif y < 0.65:
                v.pop(r.randrange(len(v)))
            else:
                dup = json.loads(json.dumps(r.choice(v)))  # same date, same facts
                v.append(dup)
        elif isinstance(v, dict) and v:
            self.mutate(v, windows)

    def therapy_boundary(self, case, req):
        """Replace the active therapies by one block whose coverage of W12 is
        exactly 181, 182 or 183 days, starting on or near W12's first day."""
        r = self.r
        w12 = add_months(req, -12)
        start = w12 + r.choice([0, 0, -1, 1, 30]) * ONE
        days = r.choice([181, 182, 183])
        end = max(start, w12) + (days - 1) * ONE
        keep = [t for t in case["therapies"] if t.get("kind") not in ACTIVE]
        block = {"kind": r.choice(ACTIVE), "start": iso(start), "formal": True,
                 "in_person": True, "outcome": r.choice(["failed", "improved", "intolerant"])}
        if end >= req and self.chance(0.5):
            block["end"] = None
        else:
            block["end"] = iso(end)
        case["therapies"] = keep + [block]

    def perturbed(self, case_id):
        r = self.r
        case = self.realistic(case_id, good=True)
        p = case["request"]["procedures"][0]
        if self.chance(0.3):  # make the routing interesting too
            p["cpt"], p["approach"] = r.choice([("27279", "open"), ("27280", "percutaneous"),
                                                 ("27279", "minimally_invasive"),
                                                 ("27278", "open"), ("27278", "percutaneous")])
            if p["approach"] == "open" or p["cpt"] == "27280":
                p["open_indication"] = r.choice(OPEN_INDICATIONS + OTHER_INDICATIONS)
        req = datetime.date.fromisoformat(case["request"]["date"])
        if self.chance(0.3):
            case["request"]["service_date"] = iso(D(2025, 8, 1) + r.choice([-1, 0, 0, 1]) * ONE)
        if self.chance(0.3):
            self.therapy_boundary(case, req)
        windows = [add_months(req, -12), add_months(req, -6), req]
        for _ in range(r.choice([1, 1, 2, 3, 5])):
            self.mutate(case, windows)
        return case

    def adversarial_any(self, case_id):
        return self.perturbed(case_id) if self.chance(0.5) else self.adversarial(case_id)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--realistic", action="store_true")
    a = ap.parse_args()
    g = Gen(random.Random(a.seed))
    out = sys.stdout
    for i in range(a.count):
        cid = "gen-%d-%06d" % (a.seed, i)
        case = g.realistic(cid) if a.realistic else g.adversarial_any(cid)
        out.write(json.dumps(case, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
