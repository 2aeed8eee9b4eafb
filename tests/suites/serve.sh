#!/bin/sh
# tests/suites/serve.sh BUILD_DIR -- polvm serve (docs/serve.md) on an
# ephemeral loopback port, driven with curl and tests/serve/client.py:
# every endpoint and error path, malformed HTTP and a slow client over raw
# sockets, hot reload (SIGHUP, the admin endpoint; bad, tampered and
# untrusted bundles refused while the old one keeps serving), the decision
# log (masking, due-by times, appeals), polvm metrics and polvm replay; a
# bounded load test (ab, loopback) while the bundle is swapped twice, then
# SIGKILL under load and a restart: every acknowledged decision is in the
# log, and the whole log replays byte for byte.
#
# $VALGRIND (make valgrind): the server runs under it; the load, SIGKILL and
# slow-client parts are skipped (docs/testing.md).
B=${1:-build}
. tests/lib.sh
POLVM=$B/polvm
POLC=$B/polc
CLIENT="python3 tests/serve/client.py"
VG=${VALGRIND:-}
command -v curl > /dev/null || { echo "serve: curl missing (tools/deps.sh); skipped"; echo "0 passed, 0 failed"; exit 0; }
S=$T/s
mkdir -p "$S"
CASE=examples/caresource-sij/denied-one-injection.json
CASE2=examples/caresource-sij/approve-all-criteria.json
# the bundles: b1 every policy, b2 one of them (another SHA-256)
cp "$B/policies.polb" "$S/b1.polb"
$POLC -o "$S/b2.polb" policies/caresource-nc-sij-fusion.pol 2> "$T/e" || ko "polc b2: $(cat "$T/e")"
cp "$S/b1.polb" "$S/cur.polb"
sha_of() { $POLVM trace --bundle "$1" --format json "$CASE" | sed -n 's/.*"bundle": {"sha256": "\([0-9a-f]*\)".*/\1/p'; }
SHA1=$(sha_of "$S/b1.polb")
SHA2=$(sha_of "$S/b2.polb")
[ -n "$SHA1" ] && [ -n "$SHA2" ] && [ "$SHA1" != "$SHA2" ] && ok || ko "two bundle revisions: '$SHA1' '$SHA2'"
TOK=s3cret
AUTH="Authorization: Bearer $TOK"
PID=
URL=
PORT=

# start NAME ARGS...: polvm [global options] serve ARGS in the background
# (stdout $S/NAME.out, stderr $S/NAME.err), waits for its first line
start() {
  name=$1; shift
  $VG $POLVM "$@" > "$S/$name.out" 2> "$S/$name.err" &
  PID=$!
  i=0
  while [ $i -lt 600 ]; do
    URL=$(sed -n '1s/^listening on //p' "$S/$name.out")
    [ -n "$URL" ] && break
    kill -0 $PID 2> /dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  PORT=${URL##*:}
  [ -n "$URL" ] && ok || { ko "$name did not start: $(cat "$S/$name.err")"; return 1; }
}
# stop: SIGTERM, wait; ok if it exits 0
stop() {
  kill -TERM $PID 2> /dev/null
  wait $PID
  rc=$?
  [ $rc -eq 0 ] && ok || ko "server exited $rc after SIGTERM: $(tail -5 "$S/$1.err")"
}
# req WANT_STATUS CURL_ARGS...: body in $T/o, headers in $T/h
req() {
  want=$1; shift
  code=$(curl -s -o "$T/o" -D "$T/h" -w '%{http_code}' "$@")
  [ "$code" = "$want" ] && ok || ko "curl $*: status $code, expected $want: $(head -c 300 "$T/o")"
}
# has FILE TEXT: FILE contains TEXT
has() { grep -qF -- "$2" "$1" && ok || ko "$1 lacks '$2': $(head -c 400 "$1")"; }
# grown N: waits (at most 20 s) until the log has N decisions more than
# when $mark was taken
grown() {
  i=0
  while [ $i -lt 1000 ] && [ "$(sql "$S/log.db" "select count(*) from decisions")" -lt $((mark + $1)) ]; do
    sleep 0.02; i=$((i + 1))
  done
}
# sql LOG QUERY: one value per line
sql() { python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in r))' "$@"; }

# the Questionnaires served by GET /fhir/Questionnaire/ID (--questionnaires)
mkdir -p "$S/q"
$POLC questionnaire -o "$S/q/MP-MM-1366.json" policies/caresource-nc-sij-fusion.pol 2> "$T/e" || ko "polc questionnaire: $(cat "$T/e")"
echo '{"resourceType": "Questionnaire", "id": "other"}' > "$S/q/COMM-SIJF-001.json"

# ---- 1. endpoints ------------------------------------------------------------
start main serve --bundle "$S/cur.polb" --port 0 --log "$S/log.db" --log-cases --token "$TOK" --max-body 100000 -j 2 \
  --questionnaires "$S/q" \
  || { echo "$pass passed, $fail failed"; exit 1; }
case $URL in http://127.0.0.1:[0-9]*) ok ;; *) ko "listening line: $URL" ;; esac
req 200 "$URL/health"
has "$T/o" '"status": "ok"'
req 200 -H "$AUTH" "$URL/v1/status"
has "$T/o" "\"sha256\": \"$SHA1\""
has "$T/o" '"id": "MP-MM-1366"'
has "$T/o" '"loaded_at": "'
has "$T/o" '"version": "'
# decide: the answer is the JSON trace polvm trace prints, byte for byte
$POLVM trace --bundle "$S/b1.polb" --format json "$CASE" > "$T/want.json"
req 200 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide"
cmp -s "$T/o" "$T/want.json" && ok || ko "decide: not the trace of polvm trace --format json"
grep -qi '^x-decision-id: [0-9a-f-]\{36\}' "$T/h" && ok || ko "decide: no X-Decision-Id: $(cat "$T/h")"
grep -qi '^content-type: application/json' "$T/h" && ok || ko "decide: content type: $(cat "$T/h")"
$POLVM trace --bundle "$S/b1.polb" --format fhir "$CASE" > "$T/want.fhir"
req 200 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide?format=fhir"
cmp -s "$T/o" "$T/want.fhir" && ok || ko "decide?format=fhir: not the ClaimResponse of polvm trace --format fhir"
grep -qi '^content-type: application/fhir+json' "$T/h" && ok || ko "fhir content type: $(cat "$T/h")"
req 200 -H "$AUTH" --data-binary @"$CASE2" "$URL/v1/decide"
has "$T/o" '"determination": "approve"'
ID=$(sed -n 's/^[Xx]-[Dd]ecision-[Ii]d: \([0-9a-f-]*\).*/\1/p' "$T/h")
req 200 -H "$AUTH" "$URL/metrics"
has "$T/o" 'polvm_requests_total{endpoint="decide",status="200"} 3'
has "$T/o" 'polvm_request_duration_seconds_bucket{endpoint="decide",le="+Inf"} 3'
has "$T/o" 'polvm_determinations_total{determination="deny"} 2'
has "$T/o" 'polvm_determinations_total{determination="approve"} 1'
has "$T/o" "polvm_bundle_info{sha256=\"$SHA1\"} 1"
# HEAD of a GET endpoint
req 200 -I "$URL/health"
# FHIR in (docs/fhir.md): a PAS request Bundle to /v1/decide is the trace of
# polvm trace on the Bundle; /fhir/Claim/$submit answers the response Bundle
$POLVM case-to-fhir "$CASE" > "$T/bundle.json" 2> /dev/null
$POLVM trace --bundle "$S/b1.polb" --format json "$T/bundle.json" > "$T/want.json" 2> /dev/null
req 200 -H "$AUTH" --data-binary @"$T/bundle.json" "$URL/v1/decide"
cmp -s "$T/o" "$T/want.json" && ok || ko "decide of a FHIR Bundle: not the trace of polvm trace"
$POLVM trace --bundle "$S/b1.polb" --format fhir-bundle "$T/bundle.json" > "$T/want.fhir" 2> /dev/null
req 200 -H "$AUTH" --data-binary @"$T/bundle.json" "$URL/fhir/Claim/\$submit"
cmp -s "$T/o" "$T/want.fhir" && ok || ko "\$submit: not the response Bundle of polvm trace --format fhir-bundle"
grep -qi '^content-type: application/fhir+json' "$T/h" && ok || ko "\$submit content type: $(cat "$T/h")"
grep -qi '^x-decision-id: ' "$T/h" && ok || ko "\$submit: no X-Decision-Id"
# the reader's notes on a Bundle are in the answer (docs/serve.md, "Notes"):
# a first member "notes" of the JSON trace, processNotes of a ClaimResponse
req 200 -H "$AUTH" --data-binary @tests/fhir/request.json "$URL/v1/decide"
python3 - "$T/o" > "$T/py" 2>&1 <<'PY' && ok || ko "decide of a noted Bundle: $(tail -3 "$T/py")"
import json, sys
t = json.load(open(sys.argv[1]))
assert list(t)[0] == "notes", list(t)[:3]
assert any(n.startswith("C0154 entry[5].resource.resourceType: ") for n in t["notes"]), t["notes"]
assert any(n.startswith("C0157 ") for n in t["notes"]) and any(n.startswith("C0155 ") for n in t["notes"])
PY
for fmt in "v1/decide?format=fhir" "fhir/Claim/\$submit"; do
  req 200 -H "$AUTH" --data-binary @tests/fhir/request.json "$URL/$fmt"
  python3 - "$T/o" > "$T/py" 2>&1 <<'PY' && ok || ko "$fmt of a noted Bundle: $(tail -3 "$T/py")"
import json, sys
d = json.load(open(sys.argv[1]))
cr = d["entry"][0]["resource"] if d["resourceType"] == "Bundle" else d
assert cr["resourceType"] == "ClaimResponse", cr["resourceType"]
notes = [n for n in cr["processNote"] if n["text"].startswith("Note from reading the request Bundle: C0154 ")]
assert notes and notes[0]["type"] == "display", cr["processNote"]
nums = [n["number"] for n in cr["processNote"]]
assert len(set(nums)) == len(nums) and nums == sorted(nums), nums
PY
done
# the FHIR endpoints answer errors as OperationOutcome
req 400 -H "$AUTH" --data-binary @"$CASE" "$URL/fhir/Claim/\$submit"
has "$T/o" '"resourceType": "OperationOutcome"'
has "$T/o" '"code": "H0014"'
req 400 -H "$AUTH" --data-binary '{"resourceType": ' "$URL/fhir/Claim/\$submit"
has "$T/o" '"code": "C0001"'
has "$T/o" '"diagnostics": "line 1, column'
req 401 --data-binary @"$T/bundle.json" "$URL/fhir/Claim/\$submit"
has "$T/o" '"code": "security"'
req 405 -H "$AUTH" "$URL/fhir/Claim/\$submit"
has "$T/o" '"code": "not-supported"'
req 404 -H "$AUTH" "$URL/fhir/Nothing"
has "$T/o" '"code": "not-found"'

# ---- 2. error paths ----------------------------------------------------------------
req 400 -H "$AUTH" --data-binary '{"case_id": ' "$URL/v1/decide"
has "$T/o" '"code": "C0001"'
has "$T/o" '"line": 1'
has "$T/o" '"column": 12'
req 400 -H "$AUTH" --data-binary '' "$URL/v1/decide"
has "$T/o" '"code": "C0001"'
req 422 -H "$AUTH" --data-binary '{"case_id": "x", "symptoms": {"pain_nrs": "high"}}' "$URL/v1/decide"
has "$T/o" '"code": "C0102"'
has "$T/o" '"path": "symptoms.pain_nrs"'
has "$T/o" '"message": "C0102 symptoms.pain_nrs: expected number, got string"'
req 422 -H "$AUTH" --data-binary '{"symptoms": {}}' "$URL/v1/decide"
has "$T/o" '"code": "C0101"'
req 422 -H "$AUTH" --data-binary '{"case_id": "x", "request": {"priority": "urgent"}}' "$URL/v1/decide"
has "$T/o" '"code": "H0010"'
req 400 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide?format=xml"
has "$T/o" '"code": "H0005"'
head -c 200000 /dev/zero | tr '\0' ' ' > "$T/big"
req 413 -H "$AUTH" --data-binary @"$T/big" "$URL/v1/decide"
has "$T/o" '"code": "H0003"'
# a body over the limit without a Content-Length (chunked)
req 413 -H "$AUTH" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$URL/v1/decide"
has "$T/o" '"code": "H0003"'
req 405 -H "$AUTH" "$URL/v1/decide"
has "$T/o" '"code": "H0002"'
grep -qi '^allow: POST' "$T/h" && ok || ko "405 without Allow: $(cat "$T/h")"
req 405 -H "$AUTH" -X DELETE "$URL/health"
req 404 -H "$AUTH" "$URL/v2/nothing"
has "$T/o" '"code": "H0001"'
req 401 --data-binary @"$CASE" "$URL/v1/decide"
has "$T/o" '"code": "H0004"'
req 401 -H 'Authorization: Bearer wrong' --data-binary @"$CASE" "$URL/v1/decide"
req 401 -H "Authorization: Bearer ${TOK}x" "$URL/v1/status"
req 401 -H "Authorization: Basic $TOK" "$URL/metrics"
req 200 "$URL/health"   # /health needs no token
req 404 -H "$AUTH" --data '{"outcome": "approve"}' "$URL/v1/decisions/00000000-0000-4000-8000-000000000000/appeal"
has "$T/o" '"code": "H0009"'
req 404 -H "$AUTH" --data '{}' "$URL/v1/decisions/a%2Fb/appeal"
# malformed HTTP on a raw socket: an answer of 400 (or a closed
# connection), and the server keeps serving
# rawreq PRINTF_FORMAT ARGS...: the bytes sent on a fresh connection; the
# status line answered (or "closed") in $out
rawreq() { printf "$@" > "$T/raw"; out=$($CLIENT raw "$PORT" "$T/raw"); }
rawreq 'GARBAGE\r\n\r\n'
case $out in "HTTP/1.1 400"*|closed) ok ;; *) ko "garbage request: '$out'" ;; esac
rawreq 'GET /health HTTP/1.1\r\nHost: x\r\nX: %s\r\n\r\n' "$(head -c 70000 /dev/zero | tr '\0' a)"
case $out in "HTTP/1.1 431"*|"HTTP/1.1 400"*|"HTTP/1.1 413"*|closed) ok ;; *) ko "huge header: '$out'" ;; esac
rawreq 'POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'
case $out in "HTTP/1.1 4"*|closed) ok ;; *) ko "negative length: '$out'" ;; esac
rawreq '\001\002\003\r\n\r\n'
case $out in "HTTP/1.1 400"*|closed) ok ;; *) ko "binary request: '$out'" ;; esac
rawreq 'POST /v1/decide HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'
case $out in "HTTP/1.1 4"*|closed) ok ;; *) ko "bad chunk: '$out'" ;; esac
rawreq 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n'
case $out in "HTTP/1.1 505"*|"HTTP/1.1 400"*|closed) ok ;; *) ko "HTTP/9.9: '$out'" ;; esac
req 200 "$URL/health"

# ---- 3. appeals, extensions, the log -------------------------------------------------
req 201 -H "$AUTH" --data '{"outcome": "approve", "note": "peer review"}' "$URL/v1/decisions/$ID/appeal"
has "$T/o" '"event": "appeal"'
req 400 -H "$AUTH" --data '{"outcome": "maybe"}' "$URL/v1/decisions/$ID/appeal"
has "$T/o" '"code": "H0011"'
req 400 -H "$AUTH" --data '{"outcome": ' "$URL/v1/decisions/$ID/appeal"
has "$T/o" '"code": "C0001"'
req 201 -H "$AUTH" --data '' "$URL/v1/decisions/$ID/extension"
# masking: the logged case has *** for the member's name and id
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["case_id"]="masked"; c["patient"]["name"]="Jane Roe"; c["patient"]["member_id"]="M123"; c["request"]["priority"]="expedited"; print(json.dumps(c))' "$CASE" > "$T/named.json"
req 200 -H "$AUTH" --data-binary @"$T/named.json" "$URL/v1/decide"
MID=$(sed -n 's/^[Xx]-[Dd]ecision-[Ii]d: \([0-9a-f-]*\).*/\1/p' "$T/h")
sql "$S/log.db" "select case_json from decisions where id = '$MID'" > "$T/logged"
has "$T/logged" '"name":"***"'
has "$T/logged" '"member_id":"***"'
grep -q 'Jane Roe\|M123' "$T/logged" && ko "the member's name or id is in the log" || ok
[ "$(sql "$S/log.db" "select priority, (due_ms - received_ms) / 3600000 from decisions where id = '$MID'")" = "expedited|72" ] && ok \
  || ko "expedited due-by: $(sql "$S/log.db" "select priority, due_ms - received_ms from decisions where id = '$MID'")"
[ "$(sql "$S/log.db" "select priority, (due_ms - received_ms) / 3600000 from decisions where id = '$ID'")" = "standard|168" ] && ok \
  || ko "standard due-by"
# a Bundle: its Claim's priority "stat" is expedited; the Patient's name and
# identifiers are not logged
python3 -c 'import json,sys
b = json.load(open(sys.argv[1]))
for e in b["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Claim":
        r["priority"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "stat"}]}
    if r["resourceType"] == "Patient":
        r["name"] = [{"family": "Roe", "given": ["Jane"]}]
        r["identifier"] = [{"value": "M123"}]
print(json.dumps(b))' "$T/bundle.json" > "$T/stat.json"
req 200 -H "$AUTH" --data-binary @"$T/stat.json" "$URL/fhir/Claim/\$submit"
FID=$(sed -n 's/^[Xx]-[Dd]ecision-[Ii]d: \([0-9a-f-]*\).*/\1/p' "$T/h")
[ "$(sql "$S/log.db" "select priority, (due_ms - received_ms) / 3600000, format from decisions where id = '$FID'")" = "expedited|72|fhir-bundle" ] && ok \
  || ko "Bundle priority: $(sql "$S/log.db" "select priority, format from decisions where id = '$FID'")"
sql "$S/log.db" "select case_json from decisions where id = '$FID'" > "$T/logged"
grep -q 'Roe\|M123' "$T/logged" && ko "the Patient's name or identifier is in the log" || ok
has "$T/logged" '"resourceType":"Patient"'
[ "$(sql "$S/log.db" "select policy_id, policy_version, determination from lines where decision_id = '$ID'")" = "MP-MM-1366|2025-08-01|approve" ] && ok \
  || ko "logged line: $(sql "$S/log.db" "select * from lines where decision_id = '$ID'")"
[ "$(sql "$S/log.db" "select count(*) from decisions where bundle_sha256 = '$SHA1' and case_sha256 != '' and latency_us >= 0")" -ge 4 ] && ok \
  || ko "logged decisions: $(sql "$S/log.db" "select count(*) from decisions")"

# ---- 4. hot reload ------------------------------------------------------------------
cp "$S/b2.polb" "$S/new.polb" && mv "$S/new.polb" "$S/cur.polb"
kill -HUP $PID
i=0
while [ $i -lt 600 ]; do
  curl -s -H "$AUTH" "$URL/v1/status" | grep -q "$SHA2" && break
  sleep 0.05; i=$((i + 1))
done
req 200 -H "$AUTH" "$URL/v1/status"
has "$T/o" "\"sha256\": \"$SHA2\""
req 200 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide"
has "$T/o" "\"sha256\": \"$SHA2\""
# a bad bundle is refused; the old one keeps serving
head -c 3000 "$S/b1.polb" > "$S/new.polb" && mv "$S/new.polb" "$S/cur.polb"
req 422 -H "$AUTH" -X POST "$URL/v1/admin/reload"
has "$T/o" '"code": "H0008"'
has "$T/o" 'B0001'
has "$S/main.err" 'reload refused'
req 200 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide"
has "$T/o" "\"sha256\": \"$SHA2\""
req 401 -X POST "$URL/v1/admin/reload"
cp "$S/b1.polb" "$S/new.polb" && mv "$S/new.polb" "$S/cur.polb"
req 200 -H "$AUTH" -X POST "$URL/v1/admin/reload"
has "$T/o" "\"sha256\": \"$SHA1\""
req 200 -H "$AUTH" "$URL/metrics"
has "$T/o" 'polvm_reloads_total{result="ok"} 2'
has "$T/o" 'polvm_reloads_total{result="refused"} 1'
[ -f "$S/log.db.bundles/$SHA1.polb" ] && [ -f "$S/log.db.bundles/$SHA2.polb" ] && ok || ko "bundle store: $(ls "$S/log.db.bundles")"
# the examples of docs/serve.md: each ```sh serve block is run with $URL,
# $TOKEN and $ID set; its output must contain the text of the
# <!-- serve: TEXT --> line after it
mkdir -p "$T/docs"
awk -v dir="$T/docs" '
  /^```sh serve$/ { inblk = 1; k++; f = sprintf("%s/ex%02d.sh", dir, k); next }
  /^```/ && inblk { inblk = 0; close(f); next }
  inblk { print > f }
  /^<!-- serve: .* -->$/ && k { sub(/^<!-- serve: /, ""); sub(/ -->$/, "");
                                w = sprintf("%s/ex%02d.want", dir, k); print > w; close(w) }
' docs/serve.md
n=0
for f in "$T"/docs/ex*.sh; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  URL=$URL TOKEN=$TOK ID=$ID sh "$f" > "$T/o" 2>&1
  want=$(cat "${f%.sh}.want" 2> /dev/null)
  [ -n "$want" ] && grep -qF -- "$want" "$T/o" && ok || ko "docs/serve.md example $(basename "$f"): $(cat "$f") gave $(head -c 300 "$T/o"), not '$want'"
done
[ $n -ge 8 ] && ok || ko "docs/serve.md: $n examples found"
stop main

# without --token the admin endpoint is closed
start plain serve --bundle "$S/cur.polb" --port 0 || exit 1
req 403 -X POST "$URL/v1/admin/reload"
has "$T/o" '"code": "H0006"'
req 409 --data '{"outcome": "deny"}' "$URL/v1/decisions/$ID/appeal"
has "$T/o" '"code": "H0012"'
req 200 --data-binary @"$CASE" "$URL/v1/decide"   # no token needed
# a slow client is cut off after --timeout; others are served meanwhile
stop plain

# trust: an unsigned or tampered bundle is refused on reload
$POLC keygen "$S/k" > /dev/null 2>&1
$POLC --sign "$S/k" -o "$S/signed.polb" policies/*.pol 2> /dev/null
cp "$S/signed.polb" "$S/tcur.polb"
start trusted --trust "$S/k.pub" serve --bundle "$S/tcur.polb" --port 0 --token "$TOK" || exit 1
cp "$S/b2.polb" "$S/tcur.polb"   # unsigned
req 422 -H "$AUTH" -X POST "$URL/v1/admin/reload"
has "$T/o" 'not signed'
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[len(b)//2]^=1; open(sys.argv[2],"wb").write(b)' "$S/signed.polb" "$S/tcur.polb"
req 422 -H "$AUTH" -X POST "$URL/v1/admin/reload"
has "$T/o" 'B0001'
req 200 -H "$AUTH" --data-binary @"$CASE" "$URL/v1/decide"
stop trusted
# a refused bundle at start: exit 4
$VG $POLVM serve --bundle "$S/tcur.polb" --port 0 > "$T/o" 2> "$T/e"
[ $? -eq 4 ] && grep -q B0001 "$T/e" && ok || ko "tampered bundle at start: $(cat "$T/e")"

# ---- 4b. CDS Hooks (Da Vinci CRD) and the DTR Questionnaire --------------------------------
# jt FILE EXPR: the Python expression EXPR on the JSON document d of FILE is true
jt() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" \
  && ok || ko "$1: not $2: $(head -c 600 "$1")"; }
# the coverage-information extension of the n-th system action, as {url: value}
CI='{x["url"]: [v for k, v in x.items() if k.startswith("value")][0] for x in [e for e in d["systemActions"][N]["resource"]["extension"] if e["url"] == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"][0]["extension"]}'
ci() { echo "$CI" | sed "s/\[N\]/[$1]/"; }
start cds serve --bundle "$S/b1.polb" --port 0 --token "$TOK" --questionnaires "$S/q" || exit 1
req 200 -H "$AUTH" "$URL/cds-services"
jt "$T/o" '[(x["hook"], x["id"]) for x in d["services"]] == [("order-sign", "polvm-crd-order-sign"), ("order-select", "polvm-crd-order-select")]'
jt "$T/o" 'all("prefetch" in x and x["description"] for x in d["services"])'
# order-sign: a covered order (the case approve-all-criteria as a hook request)
req 200 -H "$AUTH" --data-binary @tests/serve/cds-covered.json "$URL/cds-services/polvm-crd-order-sign"
grep -qi '^content-type: application/json' "$T/h" && ok || ko "cds content type: $(cat "$T/h")"
jt "$T/o" 'len(d["cards"]) == 1 and d["cards"][0]["indicator"] == "info" and d["cards"][0]["source"]["label"] == "polvm: MP-MM-1366 2025-08-01"'
jt "$T/o" 'd["cards"][0]["summary"].startswith("27279: covered") and len(d["cards"][0]["summary"]) <= 140'
jt "$T/o" "$(ci 0) == {'coverage': {'reference': 'Coverage/coverage-1'}, 'covered': 'covered', 'pa-needed': 'satisfied', 'date': '2025-09-15', 'coverage-assertion-id': 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea-1'}"
jt "$T/o" 'd["systemActions"][0]["type"] == "update" and d["systemActions"][0]["resource"]["id"] == "order-1"'
# a not-covered order: no pa-needed (CRD invariant crd-ci-q2), the reason in the card
req 200 -H "$AUTH" --data-binary @tests/serve/cds-not-covered.json "$URL/cds-services/polvm-crd-order-sign"
jt "$T/o" 'd["cards"][0]["indicator"] == "warning" and "not covered" in d["cards"][0]["summary"] and "I.B.7 not_met" in d["cards"][0]["detail"]'
jt "$T/o" "$(ci 0)['covered'] == 'not-covered' and 'pa-needed' not in $(ci 0)"
# order-select: both orders in one request, one card and one action each;
# with selections, only the selected order is judged
python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a["hook"] = "order-select"
o = b["context"]["draftOrders"]["entry"][0]
o["resource"]["id"] = "order-2"
a["context"]["draftOrders"]["entry"].append(o)
json.dump(a, open(sys.argv[3], "w"))
a["context"]["selections"] = ["ServiceRequest/order-2"]
json.dump(a, open(sys.argv[4], "w"))' tests/serve/cds-covered.json tests/serve/cds-not-covered.json "$T/sel.json" "$T/sel2.json"
req 200 -H "$AUTH" --data-binary @"$T/sel.json" "$URL/cds-services/polvm-crd-order-select"
jt "$T/o" '[c["indicator"] for c in d["cards"]] == ["info", "warning"] and [a["resource"]["id"] for a in d["systemActions"]] == ["order-1", "order-2"]'
jt "$T/o" "$(ci 0)['covered'] == 'covered' and $(ci 1)['covered'] == 'not-covered'"
req 200 -H "$AUTH" --data-binary @"$T/sel2.json" "$URL/cds-services/polvm-crd-order-select"
jt "$T/o" 'len(d["cards"]) == 1 and d["systemActions"][0]["resource"]["id"] == "order-2"'
# facts missing: conditional, auth-needed, doc-needed, info-needed, the Questionnaire
python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
r = a["prefetch"]["records"]
r["entry"] = [e for e in r["entry"] if e["resource"]["resourceType"] == "Patient"]
json.dump(a, open(sys.argv[2], "w"))' tests/serve/cds-covered.json "$T/miss.json"
req 200 -H "$AUTH" --data-binary @"$T/miss.json" "$URL/cds-services/polvm-crd-order-sign"
jt "$T/o" "$(ci 0)['covered'] == 'conditional' and $(ci 0)['pa-needed'] == 'auth-needed' and $(ci 0)['doc-needed'] == 'clinical' and $(ci 0)['info-needed'] == 'OTH'"
jt "$T/o" "$(ci 0)['questionnaire'] == 'urn:polc:questionnaire:MP-MM-1366'"
jt "$T/o" '"missing: symptoms.pain_radiating" in d["cards"][0]["detail"]'
# malformed hook requests: 400 with their code; an unknown service: 404
req 400 -H "$AUTH" --data-binary '{"hook": ' "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0016"'
has "$T/o" '"line": 1'
req 400 -H "$AUTH" --data-binary '[]' "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0016"'
req 400 -H "$AUTH" --data-binary @tests/serve/cds-covered.json "$URL/cds-services/polvm-crd-order-select"
has "$T/o" '"code": "H0017"'
# bad: FILE PYTHON-STATEMENTS-ON-a: tests/serve/cds-covered.json changed, into $T/bad.json
bad() { python3 -c 'import json,sys; a=json.load(open("tests/serve/cds-covered.json")); exec(sys.argv[1]); json.dump(a, open(sys.argv[2], "w"))' "$1" "$T/bad.json"; }
bad 'del a["hookInstance"]'
req 400 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0018"'
bad 'del a["context"]["draftOrders"]'
req 400 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0019"'
bad 'a["context"]["draftOrders"]["entry"] = [{"resource": {"resourceType": "Patient"}}]'
req 400 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0019"'
bad 'a["prefetch"] = ["Patient"]'
req 400 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0020"'
bad 'del a["context"]["draftOrders"]["entry"][0]["resource"]["code"]'
req 400 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "H0021"'
# an order the FHIR reader refuses: its C code, 422
bad 'a["context"]["draftOrders"]["entry"][0]["resource"]["subject"] = {"reference": "Patient/nobody"}'
req 422 -H "$AUTH" --data-binary @"$T/bad.json" "$URL/cds-services/polvm-crd-order-sign"
has "$T/o" '"code": "C0153"'
req 404 -H "$AUTH" --data-binary @tests/serve/cds-covered.json "$URL/cds-services/polvm-crd-nothing"
has "$T/o" '"code": "H0015"'
req 405 -H "$AUTH" "$URL/cds-services/polvm-crd-order-sign"
req 401 --data-binary @tests/serve/cds-covered.json "$URL/cds-services/polvm-crd-order-sign"
# the Questionnaire: the file polc questionnaire made, as FHIR JSON
req 200 -H "$AUTH" "$URL/fhir/Questionnaire/MP-MM-1366"
grep -qi '^content-type: application/fhir+json' "$T/h" && ok || ko "questionnaire content type: $(cat "$T/h")"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$T/o" "$S/q/MP-MM-1366.json" \
  && ok || ko "GET /fhir/Questionnaire/MP-MM-1366: not the file of polc questionnaire"
req 404 -H "$AUTH" "$URL/fhir/Questionnaire/nothing"
has "$T/o" '"code": "H0022"'
has "$T/o" '"resourceType": "OperationOutcome"'
req 404 -H "$AUTH" "$URL/fhir/Questionnaire/ODG-SIJ-INJ"
has "$T/o" '"code": "H0023"'
req 500 -H "$AUTH" "$URL/fhir/Questionnaire/COMM-SIJF-001"
has "$T/o" '"code": "H0024"'
req 200 -H "$AUTH" "$URL/metrics"
has "$T/o" 'polvm_requests_total{endpoint="cds-hook",status="200"} 5'
stop cds

# ---- 5. metrics of a known log ------------------------------------------------------------
start m serve --bundle "$S/b1.polb" --port 0 --log "$S/m.db" || exit 1
req 200 --data-binary @"$CASE2" "$URL/v1/decide"                # approve, standard
A_ID=$(sed -n 's/^[Xx]-[Dd]ecision-[Ii]d: \([0-9a-f-]*\).*/\1/p' "$T/h")
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["request"]["priority"]="expedited"; print(json.dumps(c))' "$CASE" > "$T/exp.json"
req 200 --data-binary @"$T/exp.json" "$URL/v1/decide"           # deny, expedited
D_ID=$(sed -n 's/^[Xx]-[Dd]ecision-[Ii]d: \([0-9a-f-]*\).*/\1/p' "$T/h")
req 201 --data '{"outcome": "approve"}' "$URL/v1/decisions/$D_ID/appeal"
req 201 --data '{}' "$URL/v1/decisions/$A_ID/extension"
stop m
expect_rc 0 $VG $POLVM metrics "$S/m.db" --format json
python3 - "$T/o" <<'EOF' && ok || ko "metrics: $(cat "$T/o")"
import json, sys
m = json.load(open(sys.argv[1]))
t = m["total"]
want = {"requests": 2, "approved": 1, "denied": 1, "approved_after_appeal": 1, "extended": 1,
        "extended_approved": 1, "approved_pct": 50.0}
bad = {k: t[k] for k in want if t[k] != want[k]}
assert not bad, bad
assert t["standard"]["decisions"] == 1 and t["expedited"]["decisions"] == 1
assert [s["service"] for s in m["services"]] == ["27279"]
EOF
expect_rc 0 $VG $POLVM metrics "$S/m.db" --from 2000-01-01 --to 2000-01-02
has "$T/o" 'total: 0 requests'
expect_rc 0 $VG $POLVM metrics "$S/m.db"
has "$T/o" '27279: 2 requests: approved 1 (50.0%), denied 1 (50.0%)'
expect_rc 2 $POLVM metrics "$S/m.db" --from yesterday
expect_rc 5 $POLVM metrics "$S/none.db"
# replay without logged cases: nothing to replay, exit 0
expect_rc 0 $VG $POLVM replay "$S/m.db"
has "$T/o" '0 identical, 0 different, 0 not replayed, 2 without a logged case'

# ---- 6. load, two swaps, SIGKILL, restart ---------------------------------------------------
if [ -n "$VG" ]; then
  echo "serve: load, slow-client and SIGKILL parts skipped under valgrind"
elif ! command -v ab > /dev/null; then
  echo "serve: ab (apache2-utils) missing: load test skipped (tools/deps.sh --extra)"
else
  # a slow client is cut off after --timeout 1 while others are served
  start slow serve --bundle "$S/cur.polb" --port 0 --token "$TOK" -j 4 --timeout 1 || exit 1
  $CLIENT slow "$PORT" 8 > "$T/slow" &
  SLOW=$!
  req 200 "$URL/health"
  wait $SLOW
  case $(cat "$T/slow") in "closed after "[0-4]" s") ok ;; *) ko "slow client: $(cat "$T/slow")" ;; esac
  stop slow
  # The load server keeps the default idle timeout (30 s): with --timeout 1
  # an ab connection starved for a second on a host loaded far beyond its
  # cores was cut and counted failed (seen at load average 9).  A failure
  # message shows ab's breakdown (Connect, Receive, Length, Exceptions).
  start load serve --bundle "$S/cur.polb" --port 0 --log "$S/log.db" --log-cases --token "$TOK" -j 4 || exit 1
  before=$(sql "$S/log.db" "select max(received_ms) from decisions")
  # 4 seconds of load (at most 100000 requests); the swaps after 1 and 2 s.
  ab -q -t 4 -n 100000 -c 8 -s 10 -p "$CASE" -T application/json -H "$AUTH" "$URL/v1/decide" > "$T/ab" 2>&1 &
  AB=$!
  for b in b2 b1; do
    sleep 1
    cp "$S/$b.polb" "$S/new.polb" && mv "$S/new.polb" "$S/cur.polb" && kill -HUP $PID
  done
  wait $AB
  grep -q '^Complete requests: *[1-9]' "$T/ab" && grep -q '^Failed requests: *0' "$T/ab" && ! grep -q 'Non-2xx' "$T/ab" && ok \
    || ko "ab: $(grep -A1 -E 'Complete|Failed|Non-2xx' "$T/ab")"
  grep -E 'Requests per second|Complete requests' "$T/ab" | sed 's/^/serve: ab: /'
  n=$(sql "$S/log.db" "select count(*), count(distinct bundle_sha256) from decisions where received_ms > $before")
  case $n in *"|2") ok ;; *) ko "both revisions in the log under load (decisions|revisions): $n" ;; esac
  # SIGKILL mid-load: every acknowledged decision is in the log
  : > "$S/ids"
  mark=$(sql "$S/log.db" "select count(*) from decisions")
  $CLIENT load "$PORT" "$TOK" "$CASE" 10 8 "$S/ids" > "$T/load" &
  LOAD=$!
  grown 50
  kill -KILL $PID
  wait $PID 2> /dev/null
  wait $LOAD
  case $(cat "$T/load") in "ok "[1-9]*" non2xx 0 "*) ok ;; *) ko "load before SIGKILL: $(cat "$T/load")" ;; esac
  start restarted serve --bundle "$S/cur.polb" --port 0 --log "$S/log.db" --log-cases --token "$TOK" || exit 1
  req 200 "$URL/health"
  # missing, acknowledged: of the ids in $S/ids
  all_logged() { python3 -c 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
ids = [l.strip() for l in open(sys.argv[2]) if l.strip()]
print(sum(1 for i in ids if not db.execute("select 1 from decisions where id = ?", (i,)).fetchone()), len(ids))' "$S/log.db" "$S/ids"; }
  missing=$(all_logged)
  case $missing in "0 "[1-9]*) ok ;; *) ko "acknowledged decisions missing from the log after SIGKILL (missing, acknowledged): $missing" ;; esac
  echo "serve: SIGKILL: $(cat "$T/load"); missing/acknowledged: $missing"
  # SIGTERM under load: the requests in flight finish, exit 0
  mark=$(sql "$S/log.db" "select count(*) from decisions")
  $CLIENT load "$PORT" "$TOK" "$CASE" 10 4 "$S/ids" > "$T/load" &
  LOAD=$!
  grown 20
  stop restarted
  wait $LOAD
  case $(cat "$T/load") in "ok "[1-9]*" non2xx 0 "*) ok ;; *) ko "load through SIGTERM: $(cat "$T/load")" ;; esac
  missing=$(all_logged)
  case $missing in "0 "[1-9]*) ok ;; *) ko "acknowledged decisions missing from the log after SIGTERM: $missing" ;; esac
fi

# ---- 7. replay the whole log ----------------------------------------------------------------
expect_rc 0 $VG $POLVM replay "$S/log.db"
grep -q '^replay: [1-9][0-9]* identical, 0 different, 0 not replayed, 0 without' "$T/o" && ok || ko "replay: $(tail -3 "$T/o")"
tail -1 "$T/o" | sed 's/^/serve: /'
# a changed answer is reported at its first differing byte
python3 -c 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
db.execute("update decisions set response = replace(response, \"case_id\", \"case_iD\"), response_sha256 = \"0\" where id = ?", (sys.argv[2],))
db.commit()' "$S/log.db" "$MID"
expect_rc 1 $POLVM replay "$S/log.db"
has "$T/o" "$MID: differs from the logged answer at byte"
expect_rc 2 $POLVM replay
expect_rc 5 $POLVM replay "$S/none.db"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
