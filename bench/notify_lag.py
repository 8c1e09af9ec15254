#!/usr/bin/env python3
"""How long another cupid process on the same PostgreSQL database serves a cached body from
before a write (postgresql.notify=true): process A renames a port, and the moment A has
answered, process B is asked for the port over and over until it shows the new name.

    bench/notify_lag.py CUPID_BIN POSTGRESQL_URI [ROUNDS]

The database must exist (cupid creates its tables). Prints how many rounds B answered with the
old name at least once, and the time from A's answer to B's first fresh one (p50, p99, max).
Standard library only."""

import base64
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

PORT = "ec664876-5879-4cff-a022-4929b37bd575"  # a port of the seed fixture
AUTH = {"Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}


def start(binary, uri, data_dir, fixture):
    args = [binary, "serve", "--https.listen=", "--http.listen=127.0.0.1:0", f"--database={uri}",
            f"--data_dir={data_dir}", "--user.admin=administrator:pw", "--log.level=warn",
            "--postgresql.notify=true"] + ([f"--fixture={fixture}"] if fixture else [])
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    line = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # "cupid: listening on ..." lines come on stdout
        line = p.stdout.readline().decode()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
    p.kill()
    sys.exit(f"cupid did not start: {line!r}")


def request(conn, method, path, body=None):
    headers = dict(AUTH, Accept="application/json")
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def main():
    binary, uri = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    with tempfile.TemporaryDirectory() as d:
        a, pa = start(binary, uri, os.path.join(d, "a"), "seed")
        b, pb = start(binary, uri, os.path.join(d, "b"), None)
        try:
            ca = http.client.HTTPConnection("127.0.0.1", pa, timeout=10)
            cb = http.client.HTTPConnection("127.0.0.1", pb, timeout=10)
            path = f"/vmrest/ports/{PORT}"
            lags, stale_rounds, stale_reads = [], 0, 0
            for i in range(rounds):
                name = f"lag-{i}"
                request(cb, "GET", path)  # B holds the body from before the write
                status, _ = request(ca, "PUT", path, json.dumps({"DisplayName": name}))
                assert status == 204, status
                t0 = time.perf_counter()
                stale = 0
                while True:
                    status, body = request(cb, "GET", path)
                    assert status == 200, status
                    if json.loads(body)["DisplayName"] == name:
                        break
                    stale += 1
                    if time.perf_counter() - t0 > 10:
                        sys.exit(f"round {i}: B still shows the old name after 10 s")
                lags.append((time.perf_counter() - t0) * 1000)
                stale_rounds += stale > 0
                stale_reads += stale
            lags.sort()
            pct = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
            print(f"notify lag: {rounds} rounds; B answered the old body at least once in "
                  f"{stale_rounds} ({stale_reads} stale answers in all); A's answer to B's first "
                  f"fresh one: p50 {pct(0.5):.3f} ms, p99 {pct(0.99):.3f} ms, max {lags[-1]:.3f} ms")
        finally:
            for p in (a, b):
                p.terminate()
                p.wait(timeout=10)


if __name__ == "__main__":
    main()
