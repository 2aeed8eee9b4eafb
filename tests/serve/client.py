#!/usr/bin/env python3
"""tests/serve/client.py -- the raw-socket and load clients of
tests/suites/serve.sh (and make bench) for polvm serve.

  client.py raw PORT FILE      send the bytes of FILE on a fresh connection,
                               print the status line of the answer, or
                               "closed" if the server closed without one
  client.py slow PORT SECONDS  send half a request line, then wait: print
                               "closed after N s" when the server hangs up,
                               or "still open" after SECONDS
  client.py load PORT TOKEN CASE SECONDS THREADS IDS
                               POST CASE to /v1/decide from THREADS threads
                               until SECONDS pass or the server goes away;
                               append the X-Decision-Id of every 2xx answer
                               to IDS; print "ok N non2xx N errors N"
  client.py bench PORT CASE REQUESTS CONNECTIONS
                               keep-alive clients: print "rps R p50 MS p99 MS"
"""
import http.client
import socket
import sys
import threading
import time


def raw(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    got = b""
    try:
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    line = got.split(b"\r\n", 1)[0].decode("latin-1")
    print(line if line else "closed")


def slow(port, seconds):
    s = socket.create_connection(("127.0.0.1", port), timeout=seconds)
    s.sendall(b"GET /hea")
    t0 = time.time()
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                print("closed after %d s" % round(time.time() - t0))
                return
    except socket.timeout:
        print("still open")
    except ConnectionResetError:
        print("closed after %d s" % round(time.time() - t0))


def load(port, token, case, seconds, threads, ids_path):
    body = open(case, "rb").read()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    lock = threading.Lock()
    counts = {"ok": 0, "non2xx": 0, "errors": 0}
    ids = []
    stop = time.time() + seconds

    def worker():
        con = None
        while time.time() < stop:
            try:
                if con is None:
                    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                con.request("POST", "/v1/decide", body, headers)
                r = con.getresponse()
                r.read()
                did = r.getheader("X-Decision-Id")
                with lock:
                    if 200 <= r.status < 300:
                        counts["ok"] += 1
                        if did:
                            ids.append(did)
                    else:
                        counts["non2xx"] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                if con is not None:
                    con.close()
                con = None
                return   # the server is gone: this client stops
        if con is not None:
            con.close()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(ids_path, "a") as f:
        for i in ids:
            f.write(i + "\n")
    print("ok %d non2xx %d errors %d" % (counts["ok"], counts["non2xx"], counts["errors"]))


def bench(port, case, requests, connections):
    body = open(case, "rb").read()
    headers = {"Content-Type": "application/json"}
    lat = []
    lock = threading.Lock()
    per = max(1, requests // connections)

    def worker():
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per):
            t0 = time.perf_counter()
            con.request("POST", "/v1/decide", body, headers)
            r = con.getresponse()
            r.read()
            mine.append(time.perf_counter() - t0)
        con.close()
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(connections)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.perf_counter() - t0
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print("rps %.0f p50 %.2f p99 %.2f" % (len(lat) / dt, p(0.50), p(0.99)))


def main():
    cmd = sys.argv[1]
    port = int(sys.argv[2])
    if cmd == "raw":
        raw(port, open(sys.argv[3], "rb").read())
    elif cmd == "slow":
        slow(port, float(sys.argv[3]))
    elif cmd == "load":
        load(port, sys.argv[3], sys.argv[4], float(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    elif cmd == "bench":
        bench(port, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
