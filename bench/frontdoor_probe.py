#!/usr/bin/env python3
"""Front-door probe: how cupid holds up against slow clients and password guessing.
Prints figures; it is a measuring tool, not a test (it asserts nothing).

usage: python3 bench/frontdoor_probe.py --https-port P --http-port Q --user admin --password PW
           [--wrong-password X] [--slow 999] [--seconds 30] [--interval 2]
           [--mix http-head=0.5,http-body=0.15,tls-hello=0.15,tls-head=0.2]
           [--guess-seconds 10] [--guess-threads 4] [--skip-slow] [--skip-guess]

against a cupid already running on 127.0.0.1, for example:
    cupid --data_dir=/tmp/probe --https.listen=127.0.0.1:0 --http.listen=127.0.0.1:0 \\
          --user.admin=administrator:adminpw
    python3 bench/frontdoor_probe.py --https-port 41234 --http-port 41235 \\
          --user admin --password adminpw

(a) slow clients: opens --slow connections from 127.0.0.1 (--slow-source), a mix of request
    heads trickled over plain HTTP, bodies trickled after a complete head, TLS ClientHellos
    trickled, and request heads trickled after a TLS handshake (shares set by --mix, e.g.
    --mix tls-head=0.5,tls-hello=0.5 puts them all on the HTTPS listener); each gets one byte every
    --interval seconds for --seconds. Meanwhile a good client from 127.0.0.2 (--good-source)
    makes GET /vmrest/version with the right credentials, a fresh connection each, one after
    the other with a 5 s timeout, alternating HTTPS and HTTP. Reported: the good client's
    requests attempted / answered / timed out / failed, p50 and p99 latency; the slow
    connections opened, refused at once, closed by the server (and when, counted from their
    connect), and still held by the server at the end.
(b) password guessing: --guess-threads threads from 127.0.0.1, each on a keep-alive HTTPS
    connection (reopened when the server closes it), send GET /vmrest/version with the user
    and a different wrong password each time, for --guess-seconds. Reported: guesses per
    second and how many got 401, 429, another status, or no answer; meanwhile the right
    password from 127.0.0.2 every 0.5 s, with its statuses.

Python 3 standard library only. It raises its own RLIMIT_NOFILE as far as the hard limit
allows. 127.0.0.2 works as a source address on Linux's loopback without any setup.
"""

import argparse
import base64
import http.client
import random
import resource
import selectors
import socket
import ssl
import statistics
import threading
import time

HOST = "127.0.0.1"


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))]


def ms(x):
    return "-" if x != x else f"{x * 1e3:.1f} ms"  # x != x: NaN


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return soft
    new = want if hard == resource.RLIM_INFINITY else min(want, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return new


def client_hello():
    """The first bytes a TLS client sends, captured from Python's own handshake."""
    a, b = socket.socketpair()
    try:
        obj = ctx().wrap_socket(a, server_hostname="x", do_handshake_on_connect=False)
        obj.setblocking(False)
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        b.settimeout(2)
        return b.recv(65536)
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------------------------------------
# (a) slow clients

KINDS = [  # (kind, share of the connections)
    ("http-head", 0.50),  # a request head, one byte at a time
    ("http-body", 0.15),  # a complete head announcing a body, then the body one byte at a time
    ("tls-hello", 0.15),  # the TLS ClientHello, one byte at a time
    ("tls-head", 0.20),  # a TLS handshake, then a request head one byte at a time
]


class Slow:
    __slots__ = ("kind", "sock", "tls", "state", "script", "opened", "closed", "got",
                 "refused")

    def __init__(self, kind):
        self.kind = kind
        self.sock = None
        self.tls = None
        self.state = "new"  # new, connecting, handshake, trickle, closed, failed
        self.script = b""
        self.opened = None
        self.closed = None
        self.got = 0
        self.refused = False


class SlowClients:
    """All slow connections, driven without blocking by one thread over one selector."""

    def __init__(self, args, auth):
        self.a = args
        self.sel = selectors.DefaultSelector()
        hello = client_hello()
        head = (f"GET /vmrest/version HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\n"
                "X-Slow: ").encode() + b"s" * 100000
        body_head = (f"POST /vmrest/ports HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {auth}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").encode()
        self.scripts = {"http-head": head, "http-body": b" " * 100000, "tls-hello": hello,
                        "tls-head": head}
        self.body_head = body_head
        self.conns = []
        n = args.slow
        for kind, share in args.kinds:
            self.conns += [Slow(kind) for _ in range(int(round(n * share)))]
        self.conns = self.conns[:n]
        while len(self.conns) < n:
            self.conns.append(Slow("http-head"))
        # interleave the kinds, so that any cap of the server meets all of them
        random.Random(15).shuffle(self.conns)
        self.samples = []  # (t, held)

    def _port(self, c):
        return self.a.https_port if c.kind.startswith("tls") else self.a.http_port

    def _start(self, c):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((self.a.slow_source, 0))
            rc = s.connect_ex((HOST, self._port(c)))
        except OSError:
            s.close()
            c.state = "failed"
            return
        c.sock = s
        c.opened = time.monotonic()
        if rc not in (0, 115):  # EINPROGRESS
            c.state = "failed"
            s.close()
            return
        c.state = "connecting"
        self.sel.register(s, selectors.EVENT_WRITE, c)

    def _close(self, c, by_server=True, state="failed"):
        if c.state in ("closed", "failed", "held", "unconnected"):
            return
        try:
            self.sel.unregister(c.tls or c.sock)
        except (KeyError, ValueError):
            pass
        try:
            (c.tls or c.sock).close()
        except OSError:
            pass
        if by_server:
            c.closed = time.monotonic()
            c.state = "closed"
            c.refused = c.got == 0 and c.closed - c.opened < 1.0 and c.kind != "tls-head"
        else:
            c.state = state

    def _connected(self, c):
        err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            self._close(c, by_server=False)
            return
        self.sel.unregister(c.sock)
        if c.kind == "tls-head":
            c.tls = ctx().wrap_socket(c.sock, server_hostname=HOST, do_handshake_on_connect=False)
            c.state = "handshake"
            self.sel.register(c.tls, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
            self._handshake(c)
            return
        if c.kind == "http-body":
            try:
                c.sock.send(self.body_head)
            except OSError:
                self._close(c)
                return
        c.script = self.scripts[c.kind]
        c.state = "trickle"
        self.sel.register(c.sock, selectors.EVENT_READ, c)

    def _handshake(self, c):
        try:
            c.tls.do_handshake()
        except ssl.SSLWantReadError:
            self.sel.modify(c.tls, selectors.EVENT_READ, c)
            return
        except ssl.SSLWantWriteError:
            self.sel.modify(c.tls, selectors.EVENT_WRITE, c)
            return
        except (ssl.SSLError, OSError):
            self._close(c)
            return
        c.script = self.scripts[c.kind]
        c.state = "trickle"
        self.sel.modify(c.tls, selectors.EVENT_READ, c)

    def _readable(self, c):
        s = c.tls or c.sock
        try:
            d = s.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return
        except (ssl.SSLError, OSError):
            d = b""
        if d:
            c.got += len(d)
        else:
            self._close(c)

    def _trickle(self):
        for c in self.conns:
            if c.state != "trickle" or not c.script:
                continue
            try:
                n = (c.tls or c.sock).send(c.script[:1])
                c.script = c.script[n:]
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                pass
            except OSError:
                self._close(c)

    def held(self):
        return sum(1 for c in self.conns if c.state in ("connecting", "handshake", "trickle"))

    def run(self, stop_at, started):
        """Opens the connections (100 per 10 ms at most), trickles, watches; until stop_at."""
        pending = list(self.conns)
        next_tick = time.monotonic()
        next_sample = started
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            for c in pending[:100]:
                self._start(c)
            del pending[:100]
            if now >= next_tick:
                next_tick = now + self.a.interval
                self._trickle()
            if now >= next_sample:
                self.samples.append((now - started, self.held()))
                next_sample += 5.0
            timeout = 0.01 if pending else max(0.0, min(next_tick, stop_at, next_sample) - now)
            for key, _ in self.sel.select(timeout):
                c = key.data
                if c.state == "connecting":
                    self._connected(c)
                elif c.state == "handshake":
                    self._handshake(c)
                elif c.state == "trickle":
                    self._readable(c)
        self.samples.append((time.monotonic() - started, self.held()))
        self.held_at_end = {k: 0 for k, _ in KINDS}
        for c in self.conns:
            if c.state in ("handshake", "trickle"):
                self.held_at_end[c.kind] += 1
                self._close(c, by_server=False, state="held")
            elif c.state in ("new", "connecting"):  # TCP connect never completed
                self._close(c, by_server=False, state="unconnected")
        self.sel.close()


def good_request(a, tls, auth, timeout=5.0):
    """One GET /vmrest/version on a fresh connection from the good source address.
    Returns (status or None, seconds, error text)."""
    t0 = time.monotonic()
    port = a.https_port if tls else a.http_port
    try:
        if tls:
            conn = http.client.HTTPSConnection(HOST, port, timeout=timeout, context=ctx(),
                                               source_address=(a.good_source, 0))
        else:
            conn = http.client.HTTPConnection(HOST, port, timeout=timeout,
                                              source_address=(a.good_source, 0))
        try:
            conn.request("GET", "/vmrest/version", headers={"Authorization": auth,
                                                            "Connection": "close"})
            r = conn.getresponse()
            r.read()
            return r.status, time.monotonic() - t0, None
        finally:
            conn.close()
    except (socket.timeout, TimeoutError):
        return None, time.monotonic() - t0, "timeout"
    except (OSError, http.client.HTTPException) as e:
        return None, time.monotonic() - t0, type(e).__name__


def slow_clients(a):
    auth = basic(a.user, a.password)
    got_fds = raise_fd_limit(a.slow + 256)
    print(f"== (a) slow clients: {a.slow} connections from {a.slow_source}, one byte every "
          f"{a.interval:g} s for {a.seconds:g} s; good client from {a.good_source}")
    if got_fds < a.slow + 64:
        print(f"   note: RLIMIT_NOFILE is {got_fds}; some connections will not open")
    mix = ", ".join(f"{int(round(a.slow * s))} {k}" for k, s in a.kinds)
    print(f"   mix: {mix}")
    slow = SlowClients(a, auth)
    results = []
    stop = threading.Event()

    def good():
        i = 0
        while not stop.is_set():
            tls = i % 2 == 0
            i += 1
            st, d, err = good_request(a, tls, auth)
            results.append(("https" if tls else "http", st, d, err))
            stop.wait(0.1)

    started = time.monotonic()
    g = threading.Thread(target=good, daemon=True)
    g.start()
    slow.run(started + a.seconds, started)
    stop.set()
    g.join(timeout=10)

    failed = sum(1 for c in slow.conns if c.state == "failed")
    unconnected = sum(1 for c in slow.conns if c.state == "unconnected")
    opened = [c for c in slow.conns if c.state in ("closed", "held")]
    closed = [c for c in slow.conns if c.state == "closed"]
    refused = [c for c in closed if c.refused]
    later = [c for c in closed if not c.refused]
    print(f"   slow connections: {len(opened)} connected, {failed} failed to connect, "
          f"{unconnected} still waiting for the TCP connect at the end")
    print(f"   closed by the server: {len(closed)} ({len(refused)} at once: within 1 s, "
          f"no byte received)")
    if later:
        t = [c.closed - c.opened for c in later]
        print(f"     the others after (from connect): min {min(t):.1f} s, "
              f"median {statistics.median(t):.1f} s, max {max(t):.1f} s")
        for kind, _ in KINDS:
            tk = [c.closed - c.opened for c in later if c.kind == kind]
            if tk:
                print(f"       {kind:10} {len(tk):4} closed, median {statistics.median(tk):.1f} s"
                      f", max {max(tk):.1f} s")
    answered_before = sum(1 for c in closed if c.got)
    if answered_before:
        print(f"     {answered_before} of them got bytes (a response or an alert) first")
    held_total = sum(slow.held_at_end.values())
    print(f"   still held by the server at the end ({a.seconds:g} s): {held_total} "
          f"({', '.join(f'{k} {v}' for k, v in slow.held_at_end.items())})")
    print("   held over time: " + ", ".join(f"{t:.0f}s:{h}" for t, h in slow.samples))

    def report(rows, label):
        att = len(rows)
        ok = [d for _, st, d, _ in rows if st == 200]
        other = sum(1 for _, st, _, _ in rows if st is not None and st != 200)
        tmo = sum(1 for _, _, _, e in rows if e == "timeout")
        err = sum(1 for _, st, _, e in rows if st is None and e != "timeout")
        print(f"   good client {label}: {att} attempted, {len(ok)} answered 200, {other} other "
              f"status, {tmo} timed out (5 s), {err} failed; p50 {ms(pct(ok, 50))}, "
              f"p99 {ms(pct(ok, 99))}, max {ms(max(ok) if ok else float('nan'))}")

    report(results, "all  ")
    for scheme in ("https", "http"):
        report([r for r in results if r[0] == scheme], scheme.ljust(5))
    errs = sorted({e for _, st, _, e in results if e and e != "timeout"})
    if errs:
        print(f"   good client errors: {', '.join(errs)}")


# ---------------------------------------------------------------------------------------------
# (b) password guessing

def guessing(a):
    print(f"== (b) password guessing: {a.guess_threads} threads from {a.slow_source}, "
          f"keep-alive HTTPS, user {a.user!r}, wrong passwords, {a.guess_seconds:g} s")
    counts = {"401": 0, "429": 0, "other": 0, "no answer": 0}
    other = {}
    reconnects = [0]
    retry_after = set()
    lock = threading.Lock()
    stop_at = time.monotonic() + a.guess_seconds
    seq = iter(range(10 ** 9))

    def guesser():
        conn = None
        while time.monotonic() < stop_at:
            if conn is None:
                conn = http.client.HTTPSConnection(HOST, a.https_port, timeout=10, context=ctx(),
                                                   source_address=(a.slow_source, 0))
                with lock:
                    reconnects[0] += 1
            with lock:
                n = next(seq)
            try:
                conn.request("GET", "/vmrest/version",
                             headers={"Authorization": basic(a.user, f"{a.wrong_password}{n}")})
                r = conn.getresponse()
                r.read()
                key = str(r.status) if r.status in (401, 429) else "other"
                with lock:
                    counts[key] += 1
                    if key == "other":
                        other[r.status] = other.get(r.status, 0) + 1
                    if r.status == 429 and r.getheader("Retry-After"):
                        retry_after.add(r.getheader("Retry-After"))
                if r.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["no answer"] += 1
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    right = []

    def rightful():
        while time.monotonic() < stop_at:
            st, d, err = good_request(a, True, basic(a.user, a.password))
            right.append((st, d, err))
            time.sleep(0.5)

    t0 = time.monotonic()
    threads = [threading.Thread(target=guesser, daemon=True) for _ in range(a.guess_threads)]
    threads.append(threading.Thread(target=rightful, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=a.guess_seconds + 30)
    took = time.monotonic() - t0
    answered = counts["401"] + counts["429"] + counts["other"]
    print(f"   guesses answered: {answered} in {took:.1f} s = {answered / took:.0f} per second "
          f"({(counts['401']) / took:.0f}/s reached a password check as 401)")
    print(f"   401: {counts['401']}, 429: {counts['429']}, other: {counts['other']} "
          f"{other or ''}, no answer: {counts['no answer']}; connections opened: "
          f"{reconnects[0]}")
    if retry_after:
        print(f"   Retry-After values seen: {', '.join(sorted(retry_after))}")
    st = {}
    for s, _, e in right:
        k = str(s) if s is not None else (e or "error")
        st[k] = st.get(k, 0) + 1
    lat = [d for s, d, _ in right if s == 200]
    print(f"   right password from {a.good_source} meanwhile: {len(right)} requests, statuses "
          f"{st}, p50 {ms(pct(lat, 50))}, max {ms(max(lat) if lat else float('nan'))}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--https-port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--wrong-password", default="not-the-password-")
    p.add_argument("--slow", type=int, default=999, help="slow connections (default 999)")
    p.add_argument("--seconds", type=float, default=30, help="slow phase length (default 30)")
    p.add_argument("--interval", type=float, default=2, help="seconds between bytes (2)")
    p.add_argument("--mix", default=",".join(f"{k}={v:g}" for k, v in KINDS),
                   help="kind=share,... of the slow connections; kinds: "
                   + ", ".join(k for k, _ in KINDS))
    p.add_argument("--slow-source", default="127.0.0.1")
    p.add_argument("--good-source", default="127.0.0.2")
    p.add_argument("--guess-seconds", type=float, default=10)
    p.add_argument("--guess-threads", type=int, default=4)
    p.add_argument("--skip-slow", action="store_true")
    p.add_argument("--skip-guess", action="store_true")
    a = p.parse_args()
    a.kinds = []
    for item in a.mix.split(","):
        k, _, v = item.partition("=")
        if k not in dict(KINDS):
            p.error(f"--mix: unknown kind {k!r}")
        a.kinds.append((k, float(v or 0)))
    print(f"frontdoor_probe: cupid at https://{HOST}:{a.https_port} and "
          f"http://{HOST}:{a.http_port}")
    if not a.skip_slow:
        slow_clients(a)
    if not a.skip_guess:
        if not a.skip_slow:
            time.sleep(2)  # let the server release the slow connections
        guessing(a)


if __name__ == "__main__":
    main()
