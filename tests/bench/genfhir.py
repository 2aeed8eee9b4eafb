#!/usr/bin/env python3
"""genfhir.py POLVM CASES.ndjson OUT.ndjson [--resources N]: the FHIR twin
of every case, for `make bench` (tests/bench/run.sh, "FHIR input").

Each case goes through `polvm case-to-fhir` (so the Bundle carries the
same facts); the Bundle is then filled up to about N resources (default
40, the issue's "about 30-80") with what a real PAS request carries and no
binding of stdlib/fhir.pol reads: vital-sign Observations, an Encounter, a
Practitioner, an Organization, a DocumentReference.  They cost the reader
what real ones would (parsed, typed, references resolved, codes compared)
without changing a fact, so both inputs are judged alike.  One compact
Bundle per line."""
import json
import random
import subprocess
import sys
import tempfile

VITALS = [("8867-4", "/min", 50, 110), ("8480-6", "mm[Hg]", 100, 160), ("8462-4", "mm[Hg]", 60, 100),
          ("29463-7", "kg", 50, 130), ("8302-2", "cm", 150, 195), ("8310-5", "Cel", 36, 38),
          ("9279-1", "/min", 10, 22), ("59408-5", "%", 90, 100)]


def filler(i, rnd, patient):
    if i == 0:
        return "Encounter", {"status": "finished", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                                            "code": "AMB"}, "subject": {"reference": patient}}
    if i == 1:
        return "Practitioner", {"name": [{"family": "Example", "given": ["Pat"]}],
                                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]}
    if i == 2:
        return "Organization", {"name": "Example Orthopedics",
                                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1699999999"}]}
    if i == 3:
        return "DocumentReference", {"status": "current", "subject": {"reference": patient},
                                     "content": [{"attachment": {"contentType": "text/plain", "title": "office note"}}]}
    code, unit, lo, hi = VITALS[i % len(VITALS)]
    return "Observation", {
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "vital-signs"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": patient},
        "effectiveDateTime": "2025-0%d-%02dT09:00:00Z" % (1 + i % 9, 1 + i % 28),
        "valueQuantity": {"value": round(rnd.uniform(lo, hi), 1), "unit": unit,
                          "system": "http://unitsofmeasure.org", "code": unit}}


def main():
    polvm, src, dst = sys.argv[1:4]
    n = int(sys.argv[sys.argv.index("--resources") + 1]) if "--resources" in sys.argv else 40
    rnd = random.Random(1)
    with open(src) as f, open(dst, "w") as out, tempfile.NamedTemporaryFile("w", suffix=".json") as tmp:
        for line in f:
            tmp.seek(0)
            tmp.truncate()
            tmp.write(line)
            tmp.flush()
            b = json.loads(subprocess.run([polvm, "case-to-fhir", tmp.name], check=True,
                                          capture_output=True, text=True).stdout)
            patient = "urn:uuid:patient-1"
            for i in range(max(0, n - len(b["entry"]))):
                rt, res = filler(i, rnd, patient)
                r = {"resourceType": rt, "id": "f%d" % i}
                r.update(res)
                b["entry"].append({"fullUrl": "urn:uuid:f%d" % i, "resource": r})
            out.write(json.dumps(b, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
