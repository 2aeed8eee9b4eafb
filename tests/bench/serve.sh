#!/bin/sh
# tests/bench/serve.sh BUILD_DIR -- `make bench`, part 7: polvm serve
# (docs/serve.md) on loopback under ab (apache2-utils; keep-alive): requests
# per second and p50/p99 latency at 1, 8 and 64 concurrent connections,
# without a decision log and with one (synchronous=FULL: an fsync per
# decision), beside `polvm eval` over the same case in the same run.
# Bounded: BENCH_SERVE_REQUESTS per level (default 5000), at most 20 s each.
set -u
B=${1:-build}
POLVM=$B/polvm
W=$B/bench
N=${BENCH_SERVE_REQUESTS:-5000}
mkdir -p "$W"
command -v ab > /dev/null || { echo "== 7. polvm serve: ab (apache2-utils) missing: skipped (make deps)"; exit 0; }
CASE=examples/caresource-sij/denied-one-injection.json
PID=
start() {   # start ARGS...: polvm serve on a free loopback port; sets URL
  "$POLVM" serve --bundle "$B/policies.polb" --port 0 "$@" > "$W/serve.out" 2> "$W/serve.err" &
  PID=$!
  i=0
  URL=
  while [ -z "$URL" ] && [ $i -lt 200 ]; do
    sleep 0.05
    URL=$(sed -n '1s/^listening on //p' "$W/serve.out")
    i=$((i + 1))
  done
  [ -n "$URL" ] || { echo "serve bench: the server did not start: $(cat "$W/serve.err")"; exit 1; }
}
stop() { kill -TERM $PID; wait $PID; }
# run LABEL CONCURRENCY: one ab run, one line of results
run() {
  ab -q -k -t 20 -n "$N" -c "$2" -p "$CASE" -T application/json "$URL/v1/decide" > "$W/ab.txt" 2>&1
  awk -v label="$1" -v c="$2" '
    /^Requests per second:/ { rps = $4 }
    /^Complete requests:/ { done = $3 }
    /^Non-2xx responses:/ { bad = $3 }
    /^Failed requests:/ { failed = $3 }
    /^ *50%/ { p50 = $2 }
    /^ *99%/ { p99 = $2 }
    END { printf "  %-34s c=%-3d %9.0f req/s  p50 %4s ms  p99 %4s ms  (%d requests, %d failed, %d non-2xx)\n",
                 label, c, rps, p50, p99, done, failed, bad }' "$W/ab.txt"
}
echo "== 7. polvm serve: POST /v1/decide of one case over loopback (ab -k), $N requests per level"
start -j 4
for c in 1 8 64; do run "no log, -j 4" $c; done
stop
rm -rf "$W/bench-log.db"*
rm -rf "$W/bench-log.db.bundles"
start -j 4 --log "$W/bench-log.db"
for c in 1 8 64; do run "--log (synchronous=FULL), -j 4" $c; done
stop
# polvm eval over the same case, N lines, one process: the VM's own rate
tr -d '\n' < "$CASE" > "$W/one.ndjson"
echo >> "$W/one.ndjson"
i=0
: > "$W/same.ndjson"
while [ $i -lt 20 ]; do cat "$W/one.ndjson" "$W/one.ndjson" "$W/one.ndjson" "$W/one.ndjson" "$W/one.ndjson" >> "$W/same.ndjson"; i=$((i + 1)); done
for k in 1 2 3 4 5 6; do cat "$W/same.ndjson"; done > "$W/same600.ndjson"
t0=$(date +%s%N)
k=0
while [ $k -lt 10 ]; do "$POLVM" eval --bundle "$B/policies.polb" --criteria < "$W/same600.ndjson" > /dev/null; k=$((k + 1)); done
t1=$(date +%s%N)
awk -v ns=$((t1 - t0)) 'BEGIN { printf "  %-34s       %9.0f cases/s (6000 cases, 10 processes; the same case)\n", "polvm eval --criteria", 6000 / (ns / 1e9) }'
rm -rf "$W/bench-log.db"*
rm -rf "$W/bench-log.db.bundles"
