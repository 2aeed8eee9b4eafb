#!/usr/bin/env python3
"""tests/serve/cds_request.py HOOK < PAS-BUNDLE > CDS-HOOKS-REQUEST

Makes a CDS Hooks request (docs/serve.md "CDS Hooks") of a PAS request
Bundle as `polvm case-to-fhir` writes it: each Claim item becomes a
ServiceRequest in context.draftOrders (its line fields as line-field
extensions, its servicedDate as occurrenceDateTime, the Claim's created
as authoredOn); the Coverage is prefetch.coverage, every other resource
is in the prefetch Bundle `records`."""
import json
import sys

LF = "https://polvm.dev/fhir/StructureDefinition/line-field/"
hook = sys.argv[1]
b = json.load(sys.stdin)
claim = next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Claim")
info = {s["sequence"]: s for s in claim.get("supportingInfo", [])}
orders = []
for it in claim["item"]:
    sr = {"resourceType": "ServiceRequest", "id": "order-%d" % it["sequence"], "status": "draft",
          "intent": "order", "code": it["productOrService"], "subject": {"reference": "urn:uuid:patient-1"},
          "authoredOn": claim["created"]}
    if "servicedDate" in it:
        sr["occurrenceDateTime"] = it["servicedDate"]
    ext = []
    for n in it.get("informationSequence", []):
        s = info[n]
        e = {"url": LF + s["category"]["coding"][0]["code"]}
        e.update({k: v for k, v in s.items() if k.startswith("value")})
        ext.append(e)
    if ext:
        sr["extension"] = ext
    orders.append({"resource": sr})
coverage = None
records = []
for e in b["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Claim":
        continue
    if r["resourceType"] == "Coverage":
        coverage = dict(r)
        coverage.pop("beneficiary", None)
        continue
    records.append({"fullUrl": e["fullUrl"], "resource": r})
req = {"hook": hook, "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
       "context": {"userId": "Practitioner/example", "patientId": "patient-1",
                   "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": orders}},
       "prefetch": {"coverage": coverage,
                    "records": {"resourceType": "Bundle", "type": "collection", "entry": records}}}
json.dump(req, sys.stdout, indent=1)
print()
