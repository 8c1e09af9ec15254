"""pytest plugin: one throwaway cupid (`cupid serve --ephemeral`) per test session, and a
`cupid` fixture that gives every test a client on a freshly loaded fixture, with an empty
request journal and no fault rules.

Load it with `-p pytest_cupid` (this directory on PYTHONPATH) or `pytest_plugins =
["pytest_cupid"]` in a conftest.py. Standard library and pytest only."""

import base64
import http.client
import json as jsonlib
import os
import select
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.parse

import pytest

__all__ = ["CupidClient", "CupidError", "CupidServer"]

DEFAULT_FIXTURE = "seed"


class CupidError(Exception):
    """An answer with a status the call did not expect."""

    def __init__(self, method, path, status, body):
        self.method, self.path, self.status, self.body = method, path, status, body
        text = body[:500].decode("utf-8", "replace")
        super().__init__(f"{method} {path}: {status} {text}")


class CupidClient:
    """A client bound to one cupid: HTTPS with Basic auth, trusting the server's certificate."""

    def __init__(self, url, http_url, user, password, cert, data_dir=None, timeout=30.0):
        self.url, self.http_url = url, http_url
        self.user, self.password = user, password
        self.cert, self.data_dir = cert, data_dir
        self.timeout = timeout
        # The generated certificate names 127.0.0.1 and localhost, so it verifies as its own CA.
        self.ssl_context = ssl.create_default_context(cafile=cert) if cert else None

    @property
    def auth_header(self):
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return "Basic " + token

    def request(self, method, path, body=None, headers=None, json=None):
        """Sends one request over HTTPS (plain HTTP if cupid has no HTTPS listener) with Basic
        auth; json= sends a JSON body. Returns (status, headers, body bytes); never raises on
        a status."""
        base = urllib.parse.urlsplit(self.url or self.http_url)
        hdrs = {"Authorization": self.auth_header}
        if json is not None:
            body = jsonlib.dumps(json)
            hdrs["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs.update(headers or {})
        if base.scheme == "https":
            conn = http.client.HTTPSConnection(base.hostname, base.port, timeout=self.timeout,
                                               context=self.ssl_context)
        else:
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()

    def _call(self, method, path, expect, json=None):
        status, _, body = self.request(method, path, json=json,
                                       headers={"Accept": "application/json"})
        if status not in expect:
            raise CupidError(method, path, status, body)
        return jsonlib.loads(body) if body.strip() else None

    def get_json(self, path):
        """GET path as JSON; returns the decoded body. Raises CupidError unless 200."""
        return self._call("GET", path, (200,))

    # -- state -----------------------------------------------------------------------------

    def load_fixture(self, fixture=DEFAULT_FIXTURE):
        """Replaces the whole state: a built-in fixture by name (POST /cupid/fixtures/{name})
        or a fixture document given as a dict (POST /cupid/fixtures)."""
        if isinstance(fixture, dict):
            return self._call("POST", "/cupid/fixtures", (200,), json=fixture)
        return self._call("POST", "/cupid/fixtures/" + urllib.parse.quote(fixture, safe=""),
                          (200,))

    def reset(self):
        """Empties the state (POST /cupid/reset)."""
        return self._call("POST", "/cupid/reset", (200,))

    # -- request journal (GET/DELETE /cupid/requests) --------------------------------------

    @staticmethod
    def _query(filters):
        q = {}
        for k, v in filters.items():
            if v is None:
                continue
            head, *rest = k.split("_")  # since_id= is sinceId=
            q[head + "".join(w.title() for w in rest)] = (
                ("true" if v else "false") if isinstance(v, bool) else str(v))
        return "?" + urllib.parse.urlencode(q) if q else ""

    def requests(self, **filters):
        """The journal's entries, oldest first, filtered by method=, path=, status=, sinceId=
        (or since_id=)."""
        return self._call("GET", "/cupid/requests" + self._query(filters), (200,))["requests"]

    def request_count(self, **filters):
        """How many journal entries match the filters."""
        q = self._query(dict(filters, count=True))
        return self._call("GET", "/cupid/requests" + q, (200,))["count"]

    def clear_requests(self):
        self._call("DELETE", "/cupid/requests", (200, 204))

    # -- fault rules (/cupid/faults) ---------------------------------------------------------

    def add_fault(self, **rule):
        """Adds a fault rule, e.g. add_fault(method="POST", path="/vmrest/ports", times=1,
        status=503, code="SERVER_BUSY"); returns it as cupid stored it (with id and hits)."""
        return self._call("POST", "/cupid/faults", (201,), json=rule)

    def faults(self):
        return self._call("GET", "/cupid/faults", (200,))["faults"]

    def remove_fault(self, fault_id):
        self._call("DELETE", "/cupid/faults/" + urllib.parse.quote(str(fault_id), safe=""),
                   (200, 204))

    def clear_faults(self):
        self._call("DELETE", "/cupid/faults", (200, 204))

    def _start_test(self, fixture):
        """Before each test: no fault rules (one might hit the fixture load), the fixture, an
        empty journal. A cupid without the journal or faults endpoints (404) is tolerated."""
        for path in ("/cupid/faults", None, "/cupid/requests"):
            if path is None:
                self.load_fixture(fixture)
                continue
            status, _, body = self.request("DELETE", path)
            if status not in (200, 204, 404):
                raise CupidError("DELETE", path, status, body)


class CupidServer:
    """One `cupid serve --ephemeral` process; info is its JSON line."""

    def __init__(self, binary, args=(), timeout=15.0):
        self.binary = binary
        self.log = tempfile.TemporaryFile(prefix="cupid-log-")  # its stderr
        self.proc = subprocess.Popen([binary, "serve", "--ephemeral", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.log)
        try:
            self.info = self._read_line(timeout)
        except BaseException:
            self.stop()
            raise
        self.url = self.info.get("url")
        self.http_url = self.info.get("httpUrl")
        self.user, self.password = self.info["user"], self.info["password"]
        self.cert, self.data_dir = self.info.get("cert"), self.info.get("dataDir")

    def _read_line(self, timeout):
        buf, fd = b"", self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"cupid printed no JSON line within {timeout}s; "
                                   f"stdout={buf!r} stderr={self.log_text()[-2000:]!r}")
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    code = self.proc.wait(timeout=10)
                    raise RuntimeError(f"cupid exited with {code} before it was ready; "
                                       f"stderr={self.log_text()[-2000:]!r}")
                buf += chunk
        return jsonlib.loads(buf.split(b"\n", 1)[0])

    def log_text(self):
        """What cupid wrote on stderr so far (the access log, errors)."""
        self.log.flush()
        return os.pread(self.log.fileno(), 1 << 24, 0).decode("utf-8", "replace")

    def client(self):
        return CupidClient(self.url, self.http_url, self.user, self.password, self.cert,
                           self.data_dir)

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL if it has not ended within timeout. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode


def pytest_addoption(parser):
    group = parser.getgroup("cupid")
    group.addoption("--cupid-bin", default=None,
                    help="the cupid binary (default: $CUPID_BIN, else cupid on PATH)")
    group.addoption("--cupid-arg", action="append", default=[],
                    help="a setting for the test server, e.g. --cupid-arg=--throttle.enabled; "
                         "repeatable")
    group.addoption("--cupid-timeout", type=float, default=15.0,
                    help="seconds to wait for the test server to start")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "cupid_fixture(name_or_document): the state the `cupid` fixture loads "
                   "before the test (default: seed)")


def _binary(config):
    b = config.getoption("cupid_bin") or os.environ.get("CUPID_BIN") or shutil.which("cupid")
    if not b or not os.access(b, os.X_OK):
        pytest.fail(f"pytest_cupid: no cupid binary ({b or 'not found'}); give --cupid-bin, "
                    f"set CUPID_BIN or put cupid on PATH", pytrace=False)
    return b


@pytest.fixture(scope="session")
def cupid_server(pytestconfig):
    """The session's cupid (CupidServer), started on first use and stopped at the end."""
    cfg = pytestconfig
    server = CupidServer(_binary(cfg), cfg.getoption("cupid_arg"), cfg.getoption("cupid_timeout"))
    yield server
    server.stop()


@pytest.fixture
def cupid(cupid_server, request):
    """A CupidClient on the session's cupid, after loading the fixture named by the nearest
    @pytest.mark.cupid_fixture(...) (default "seed"), clearing the request journal and
    removing every fault rule."""
    marker = request.node.get_closest_marker("cupid_fixture")
    fixture = DEFAULT_FIXTURE
    if marker is not None:
        fixture = marker.args[0] if marker.args else marker.kwargs.get("name", DEFAULT_FIXTURE)
    client = cupid_server.client()
    client._start_test(fixture)
    return client
