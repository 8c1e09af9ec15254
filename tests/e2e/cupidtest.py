"""Shared helpers for the cupid end-to-end suite: starting the real binary, an HTTP(S) client
over http.client, a raw-socket client for exact wire control, and the expected bodies of the
SPEC (docs: /work/shared/cupi/SPEC.md), written from the SPEC, never from the implementation."""

import base64
import concurrent.futures
import http.client
import itertools
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Mapping

# ---------------------------------------------------------------------------------------------
# constants from the SPEC

X = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
JSON = "application/json"
XML = "application/xml"

ADMIN = ("admin", "adminpw")
READER = ("reader", "readerpw")
USER_FLAGS = ["--user.admin=administrator:adminpw", "--user.reader=readonly:readerpw"]

# templates (§5.4)
TPL_SCCP = "90dd306f-b8af-46b6-8289-f13437cc1e5e"
TPL_SIP = "47e03eca-d077-466b-9c97-54e62938cf26"
TPL_PIMG = "d867d725-4e4b-4b60-b114-10aa0833ec14"
TPL_BY_TYPE = {1: TPL_SCCP, 2: TPL_SIP, 3: TPL_PIMG}

# seed fixture (§6.7)
VMS1 = "574ca5d3-9041-4ff9-8e7d-727c32d80dab"
VMS_NAME = "ucbu-aricent-vm413"
PS = "a8eb65f5-795b-41cd-98b1-934f6b987313"
PG_SIP = "ledf504a-e9a1-4876-bcfc-bb674da8e385"  # letter L
PG_SIP_DIGIT1 = "1edf504a-e9a1-4876-bcfc-bb674da8e385"  # digit one: does not exist
PG_SCCP = "3c011243-e3e2-42f7-b658-d9fbdc966f26"
PG_ROHIT = "575f43be-f5d0-4af7-a689-06d968227ff7"
PG_PIMG = "2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3"
PORT1 = "ec664876-5879-4cff-a022-4929b37bd575"
PORT2 = "761fa322-63ae-47d9-9fbf-b35142b11eef"

# seed-example2 fixture (§6.7)
EX2_VMS = "d190d99e-e9e8-4d63-8c6c-9aca4956afff"
EX2_PS = "0d15753c-e1b4-4865-b00b-999a1ccf56ce"
EX2_PG = "668e5869-7c16-48d6-8858-cd0e00fdd47c"
EX2_PORT = "e4a48f12-d22b-438c-89eb-0b25f2f73d12"

GUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")

SETTINGS = [
    "https.listen", "http.listen", "tls.cert_file", "tls.key_file", "data_dir", "database",
    "sqlite.synchronous", "public_url", "admin.allow_reset", "license.voice_ports",
    "ports.allow_odd", "limits.max_port_groups", "http.max_body_bytes", "throttle.enabled",
    "throttle.max_in_flight", "throttle.queue_depth", "throttle.queue_timeout_ms",
    "throttle.latency_ms", "cupi.version", "fixture", "admin_password", "audit.max_entries",
    "log.level", "http.threads", "cache.max_bytes", "ephemeral",
]
VMS_KEYS = ["server_name", "host_name", "ip_address", "ip_address_v6", "object_id"]


def join_xml(s):
    """Joins a SPEC example that is "indented for reading" into its wire form."""
    return "".join(line.strip() for line in s.strip().splitlines())


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def insecure_context(min_version=None, max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if min_version is not None:
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    return ctx


# ---------------------------------------------------------------------------------------------
# responses and headers


class CIHeaders(Mapping):
    """Case-insensitive, read-only header mapping. Repeated headers are joined with ', ';
    getall() returns every value."""

    def __init__(self, pairs):
        self._pairs = list(pairs)
        self._map = {}
        for k, v in self._pairs:
            lk = k.lower()
            self._map[lk] = (self._map[lk] + ", " + v) if lk in self._map else v

    def __getitem__(self, k):
        return self._map[k.lower()]

    def __iter__(self):
        return iter(self._map)

    def __len__(self):
        return len(self._map)

    def __contains__(self, k):
        return isinstance(k, str) and k.lower() in self._map

    def getall(self, k):
        return [v for kk, v in self._pairs if kk.lower() == k.lower()]

    def names(self):
        return [k for k, _ in self._pairs]

    def __repr__(self):
        return f"CIHeaders({self._pairs!r})"


class Resp:
    def __init__(self, status, headers, body, reason=""):
        self.status = status
        self.headers = headers
        self.body = body
        self.reason = reason

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __iter__(self):  # allows: status, headers, body = resp
        return iter((self.status, self.headers, self.body))

    def __repr__(self):
        return f"<Resp {self.status} {dict(self.headers)!r} {self.body[:300]!r}>"


_DEFAULT = object()


class Client:
    """A small client over http.client. Each call opens a fresh connection unless keep=True
    was given, in which case one connection is reused (keep-alive)."""

    def __init__(self, port, scheme="https", auth=ADMIN, host="127.0.0.1", keep=False,
                 timeout=15):
        self.port = port
        self.scheme = scheme
        self.auth = auth
        self.host = host
        self.keep = keep
        self.timeout = timeout
        self.conn = None

    def _connect(self):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, context=insecure_context(),
                                               timeout=self.timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None, auth=_DEFAULT, accept=None,
                ctype=None):
        hdrs = {}
        a = self.auth if auth is _DEFAULT else auth
        if isinstance(a, tuple):
            hdrs["Authorization"] = basic(*a)
        elif isinstance(a, str):
            hdrs["Authorization"] = a
        if accept is not None:
            hdrs["Accept"] = accept
        if ctype is not None:
            hdrs["Content-Type"] = ctype
        if headers:
            hdrs.update(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = self.conn if (self.keep and self.conn is not None) else self._connect()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            resp = Resp(r.status, CIHeaders(r.getheaders()), data, r.reason)
        except Exception:
            conn.close()
            self.conn = None
            raise
        if self.keep:
            self.conn = conn
        else:
            conn.close()
        return resp

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def load(self, name):
        """Loads a built-in fixture (§6.4) as the client's user; asserts success."""
        r = self.post("/cupid/fixtures/" + name, auth=ADMIN)
        assert r.status == 200, f"loading fixture {name}: {r!r}"
        return r

    def get_json(self, path, **kw):
        r = self.get(path, accept=JSON, **kw)
        assert r.status == 200, r
        return r.json()


# ---------------------------------------------------------------------------------------------
# raw socket client


class RawResp:
    def __init__(self, version, status, reason, headers, body, head_bytes):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.head_bytes = head_bytes

    def __repr__(self):
        return f"<RawResp {self.status} {self.headers!r} {self.body[:200]!r}>"


class Raw:
    """An HTTP connection at the byte level (TLS by default), for exact wire control."""

    def __init__(self, port, tls=True, timeout=5.0, host="127.0.0.1", ctx=None):
        s = socket.create_connection((host, port), timeout=timeout)
        if tls:
            s = (ctx or insecure_context()).wrap_socket(s, server_hostname=host)
        self.sock = s
        self.buf = b""
        self.eof = False

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def try_send(self, data):
        """sendall that tolerates the server having closed the connection already."""
        try:
            self.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return False

    def _fill(self):
        if self.eof:
            return False
        try:
            d = self.sock.recv(65536)
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError, ConnectionResetError, BrokenPipeError):
            d = b""
        except ssl.SSLError:
            d = b""
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def _read_exact(self, n):
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("connection closed in the middle of a body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_line(self):
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise EOFError("connection closed in the middle of a line")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_response(self, method="GET"):
        """Reads one response. Returns None if the connection closed before any byte."""
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                if not self.buf:
                    return None
                raise EOFError(f"connection closed inside a response head: {self.buf[:200]!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        version, status = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        pairs = []
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            pairs.append((k.strip(), v.strip()))
        headers = CIHeaders(pairs)
        body = b""
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            pass
        elif "chunked" in headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self._read_line().split(b";")[0].strip(), 16)
                if size == 0:
                    while self._read_line() != b"":
                        pass
                    break
                body += self._read_exact(size)
                self._read_line()
        elif "Content-Length" in headers:
            body = self._read_exact(int(headers["Content-Length"]))
        else:
            while self._fill():
                pass
            body, self.buf = self.buf, b""
        return RawResp(version, status, reason, headers, body, head + b"\r\n\r\n")

    def wait_closed(self, timeout=3.0):
        """True if the peer closes the connection (EOF) within timeout with no more data."""
        deadline = time.monotonic() + timeout
        self.sock.settimeout(0.2)
        try:
            while time.monotonic() < deadline:
                try:
                    if not self._fill():
                        return True
                except (socket.timeout, TimeoutError):
                    continue
            return False
        finally:
            self.sock.settimeout(5.0)

    def read_until_close(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        self.sock.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                if not self._fill():
                    break
            except (socket.timeout, TimeoutError):
                continue
        out, self.buf = self.buf, b""
        return out

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def raw_request(method, path, headers=(), body=b"", host="127.0.0.1", version="HTTP/1.1",
                auth=ADMIN):
    """Builds request bytes. headers: list of (name, value)."""
    lines = [f"{method} {path} {version}", f"Host: {host}"]
    if auth:
        lines.append("Authorization: " + basic(*auth))
    for k, v in headers:
        lines.append(f"{k}: {v}")
    if isinstance(body, str):
        body = body.encode()
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ---------------------------------------------------------------------------------------------
# the store under test: SQLite by default. With CUPID_TEST_PG set to the libpq URI of a
# maintenance database on a throwaway cluster (scripts/pg-test-cluster.sh), every server gets
# its own fresh PostgreSQL database instead; servers started with the same data_dir share one
# (as they would share one SQLite file).

PG_ADMIN_URI = os.environ.get("CUPID_TEST_PG", "")
STORE = "postgresql" if PG_ADMIN_URI else "sqlite"
_PG_SEQ = itertools.count(1)
_PG_DBS = {}  # data_dir -> database name
_PG_LOCK = threading.RLock()


def pg_uri(dbname, admin_uri=None):
    """The URI of database dbname on the cluster of admin_uri (default: CUPID_TEST_PG)."""
    u = urllib.parse.urlsplit(admin_uri or PG_ADMIN_URI)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + dbname, u.query, u.fragment))


def psql(sql, uri=None, timeout=60):
    """Runs sql with psql on uri (default: the maintenance database); returns stdout."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-d", uri or PG_ADMIN_URI, "-c", sql],
                       capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"psql {sql!r}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def _pg_new_name():
    return f"cupid_test_{os.getpid()}_{next(_PG_SEQ)}"


# Creating a database takes about 0.3 s and dropping one about 0.4 s: on the suite's own cluster
# background threads keep a few fresh databases ready and drop the used ones.
_PG_AHEAD = 3
_PG_THREADS = 2
_PG_READY = queue.Queue()
_PG_JOBS = queue.Queue()
_PG_WORKERS = []
_PG_RUN_DB = None  # the one database of run_cupid's runs to completion


def _pg_work():
    while True:
        job, name = _PG_JOBS.get()
        if job is None:
            return
        try:
            if job == "create":
                psql(f"CREATE DATABASE {name}")
                _PG_READY.put(name)
            else:
                psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except Exception as e:  # noqa: BLE001 - handed to the waiting test
            if job == "create":
                _PG_READY.put(e)


def pg_wait_idle():
    """Lets the background threads finish their queue (called at exit)."""
    for _ in _PG_WORKERS:
        _PG_JOBS.put((None, None))
    for t in _PG_WORKERS:
        t.join(timeout=60)
    _PG_WORKERS.clear()


def pg_create_db(admin_uri=None):
    """Creates a fresh database (on the cluster of admin_uri, default CUPID_TEST_PG); returns
    its name."""
    if admin_uri:
        name = _pg_new_name()
        psql(f"CREATE DATABASE {name}", admin_uri)
        return name
    with _PG_LOCK:
        if not _PG_WORKERS:
            for _ in range(_PG_THREADS):
                _PG_WORKERS.append(threading.Thread(target=_pg_work, daemon=True))
                _PG_WORKERS[-1].start()
            for _ in range(_PG_AHEAD):
                _PG_JOBS.put(("create", _pg_new_name()))
        _PG_JOBS.put(("create", _pg_new_name()))
    r = _PG_READY.get(timeout=120)
    if isinstance(r, Exception):
        raise r
    return r


def pg_drop_db(name, admin_uri=None):
    """Drops a database (in the background on the suite's own cluster)."""
    if not admin_uri and _PG_WORKERS:
        _PG_JOBS.put(("drop", name))
        return
    try:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin_uri)
    except (RuntimeError, subprocess.TimeoutExpired):
        pass


def _pg_database_for(data_dir):
    """(URI, name if newly created for this data_dir else None)."""
    with _PG_LOCK:
        name = _PG_DBS.get(data_dir)
        if name:
            return pg_uri(name), None
        name = pg_create_db()
        _PG_DBS[data_dir] = name
        return pg_uri(name), name


def data_dir_args(data_dir):
    """Settings naming the store of data_dir (its PostgreSQL database when CUPID_TEST_PG)."""
    a = [f"--data_dir={data_dir}"]
    if PG_ADMIN_URI:
        uri, _ = _pg_database_for(os.path.abspath(data_dir))
        a.append("--database=" + uri)
    return a


def run_subcommand(args, data_dir, stdin=b"", timeout=30):
    """Runs a cupid subcommand against data_dir's store; returns the CompletedProcess."""
    return subprocess.run([cupid_bin()] + args + data_dir_args(data_dir), input=stdin,
                          capture_output=True, timeout=timeout, env=_clean_env(),
                          cwd=os.path.dirname(data_dir))


def _names_database(settings, args, env):
    return ("database" in (settings or {}) or any(a.startswith("--database=") for a in args or [])
            or "CUPID_DATABASE" in (env or {}))


# ---------------------------------------------------------------------------------------------
# the server process

_LIVE = set()
_LIVE_LOCK = threading.Lock()


def _clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUPID_")}
    if extra:
        env.update(extra)
    return env


def cupid_bin():
    b = os.environ.get("CUPID_BIN")
    if not b:
        raise RuntimeError("CUPID_BIN is not set (the Makefile sets it: make e2e)")
    if not os.access(b, os.X_OK):
        raise RuntimeError(f"CUPID_BIN={b} is not an executable file")
    return b


class StartError(Exception):
    pass


class Server:
    """One running cupid process."""

    def __init__(self, proc, data_dir, stderr_path, own_dirs):
        self.proc = proc
        self.data_dir = data_dir
        self.stderr_path = stderr_path
        self.own_dirs = own_dirs
        self.own_dbs = []  # PostgreSQL databases created for this server, dropped on cleanup
        self.https_port = None
        self.http_port = None
        self.lines = []
        self._drain = None
        self.returncode = None

    @property
    def port(self):
        return self.https_port

    def client(self, auth=ADMIN, scheme="https", **kw):
        port = self.https_port if scheme == "https" else self.http_port
        return Client(port, scheme=scheme, auth=auth, **kw)

    def raw(self, tls=True, **kw):
        return Raw(self.https_port if tls else self.http_port, tls=tls, **kw)

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends sig and waits; returns the exit code (None if it had to be killed)."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.returncode = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                self.returncode = None
        else:
            self.returncode = self.proc.returncode
        with _LIVE_LOCK:
            _LIVE.discard(self.proc)
        return self.returncode

    def cleanup(self):
        self.stop()
        for d in self.own_dirs:
            shutil.rmtree(d, ignore_errors=True)
        for name in self.own_dbs:
            with _PG_LOCK:
                for k in [k for k, v in _PG_DBS.items() if v == name]:
                    del _PG_DBS[k]
            pg_drop_db(name)
        self.own_dbs = []


def build_args(settings=None, data_dir=None, users=True, fixture="seed", https=True, http=True,
               args=None):
    a = [cupid_bin()]
    if https is not None:
        a.append("--https.listen=" + ("127.0.0.1:0" if https is True else (https or "")))
    if http is not None:
        a.append("--http.listen=" + ("127.0.0.1:0" if http is True else (http or "")))
    if data_dir is not None:
        a.append("--data_dir=" + data_dir)
    if fixture is not None:
        a.append("--fixture=" + fixture)
    if users:
        a.extend(USER_FLAGS)
    for k, v in (settings or {}).items():
        a.append(f"--{k}={v}")
    a.extend(args or [])
    return a


def start_server(settings=None, *, data_dir=None, users=True, fixture="seed", env=None,
                 args=None, https=True, http=True, timeout=10.0):
    """Starts cupid on free ports with a fresh temp data dir (unless data_dir is given) and
    waits for its 'listening on' lines. Raises StartError if it exits first."""
    work = tempfile.mkdtemp(prefix="cupid-e2e-")
    own = [work]
    if data_dir is None:
        data_dir = os.path.join(work, "data")
    stderr_path = os.path.join(work, "stderr.log")
    argv = build_args(settings, data_dir, users, fixture, https, http, args)
    new_db = None
    if PG_ADMIN_URI and not _names_database(settings, args, env):
        uri, new_db = _pg_database_for(os.path.abspath(data_dir))
        argv.append("--database=" + uri)
    errf = open(stderr_path, "wb")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errf, stdin=subprocess.DEVNULL,
                            cwd=work, env=_clean_env(env))
    errf.close()
    with _LIVE_LOCK:
        _LIVE.add(proc)
    srv = Server(proc, data_dir, stderr_path, own)
    if new_db:
        srv.own_dbs.append(new_db)
    want_https = https is True
    want_http = http is True
    fd = proc.stdout.fileno()
    buf = b""
    deadline = time.monotonic() + timeout
    try:
        while (want_https and srv.https_port is None) or (want_http and srv.http_port is None):
            left = deadline - time.monotonic()
            if left <= 0:
                raise StartError(f"cupid did not print its listening lines within {timeout}s; "
                                 f"stdout={buf!r} stderr={srv.stderr_text()[-2000:]!r}")
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not r:
                if proc.poll() is not None:
                    raise StartError(f"cupid exited with {proc.returncode} before listening; "
                                     f"stderr={srv.stderr_text()[-2000:]!r}")
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                proc.wait(timeout=5)
                raise StartError(f"cupid exited with {proc.returncode} before listening; "
                                 f"stdout={buf!r} stderr={srv.stderr_text()[-2000:]!r}")
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode("utf-8", "replace").rstrip("\r")
                srv.lines.append(line)
                m = re.fullmatch(r"cupid: listening on (https?)://127\.0\.0\.1:(\d+)", line)
                if m:
                    if m.group(1) == "https":
                        srv.https_port = int(m.group(2))
                    else:
                        srv.http_port = int(m.group(2))
    except BaseException:
        srv.cleanup()
        raise

    def drain():
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass

    srv._drain = threading.Thread(target=drain, daemon=True)
    srv._drain.start()
    return srv


def run_cupid(args, env=None, timeout=10.0, cwd=None):
    """Runs cupid to completion (for --help, --version, configuration errors)."""
    tmp = None
    if cwd is None:
        tmp = cwd = tempfile.mkdtemp(prefix="cupid-e2e-run-")
    global _PG_RUN_DB
    args = list(args)
    if PG_ADMIN_URI and not _names_database(None, args, env) and \
            not any(a in ("--help", "-h", "--version") for a in args):
        with _PG_LOCK:
            _PG_RUN_DB = _PG_RUN_DB or pg_create_db()
        args.append("--database=" + pg_uri(_PG_RUN_DB))
    try:
        p = subprocess.run([cupid_bin()] + args, capture_output=True, timeout=timeout,
                           cwd=cwd, env=_clean_env(env), stdin=subprocess.DEVNULL)
        return p
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


class ServerFactory:
    """Starts servers and stops every one of them on cleanup()."""

    def __init__(self):
        self.servers = []

    def start(self, settings=None, **kw):
        s = start_server(settings, **kw)
        self.servers.append(s)
        return s

    def cleanup(self):
        for s in reversed(self.servers):  # later servers may use an earlier one's data dir
            s.cleanup()
        self.servers = []


def kill_leftovers():
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for p in procs:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


# ---------------------------------------------------------------------------------------------
# rendering expected bodies (§2.4)


def _xml_escape(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_obj(tag, fields):
    out = [f"<{tag}>"]
    for k, v in fields:
        if v is None:
            continue
        out.append(f"<{k}/>" if v == "" else f"<{k}>{_xml_escape(v)}</{k}>")
    out.append(f"</{tag}>")
    return "".join(out)


def json_obj(fields):
    return json.dumps({k: v for k, v in fields if v is not None}, separators=(",", ":"),
                      ensure_ascii=False)


def xml_doc(tag, fields):
    return X + xml_obj(tag, fields)


def xml_coll(root, elem, items, total=None):
    total = len(items) if total is None else total
    if not items:
        return X + f'<{root} total="{total}"/>'
    return X + f'<{root} total="{total}">' + "".join(xml_obj(elem, f) for f in items) + f"</{root}>"


def json_coll(elem, items, total=None):
    total = len(items) if total is None else total
    s = '{"@total":"%d"' % total
    if len(items) == 1:
        s += ',"%s":%s' % (elem, json_obj(items[0]))
    elif len(items) > 1:
        s += ',"%s":[%s]' % (elem, ",".join(json_obj(f) for f in items))
    return s + "}"


def b(v):
    return "true" if v else "false"


def port_fields(oid, group, ptype, num, display, vms=VMS1, vms_name=VMS_NAME, hunt=0,
                sec=0, enc=False, caps=None, ms_name="PhoneSystem", ms_id=PS,
                pg_name="PhoneSystem-1", pg_mwi=True, skinny_prefix="CiscoUM1-VI"):
    c = dict(CapAnswer=True, CapNotification=True, CapMWI=True, CapEnabled=True,
             CapDeliverAmis=False, CapTrapConnection=True)
    c.update(caps or {})
    pimg = ptype == 3
    return [
        ("URI", f"/vmrest/ports/{oid}"),
        ("ObjectId", oid),
        ("MediaPortGroupObjectId", group),
        ("PortGroupURI", f"/vmrest/portgroups/{group}"),
        ("TelephonyIntegrationMethodEnum", str(ptype)),
        ("PortNumInGroup", str(num)),
        ("SkinnySecurityModeEnum", str(sec)),
        ("SkinnyDoMediaEncryption", b(enc)),
        ("VmsServerObjectId", None if pimg else vms),
        ("HuntOrder", str(hunt)),
        ("DisplayName", display),
        ("SkinnyDeviceName", f"{skinny_prefix}{num}" if ptype == 1 else None),
        ("PimgPortNumber", str(num)),
        ("CapAnswer", b(c["CapAnswer"])),
        ("CapNotification", b(c["CapNotification"])),
        ("CapMWI", b(c["CapMWI"])),
        ("CapEnabled", b(c["CapEnabled"])),
        ("CapDeliverAmis", b(c["CapDeliverAmis"])),
        ("CapTrapConnection", b(c["CapTrapConnection"])),
        ("MediaSwitchDisplayName", ms_name),
        ("MediaSwitchObjectId", ms_id),
        ("PhoneSystemURI", f"/vmrest/phonesystems/{ms_id}"),
        ("MediaPortGroupDisplayName", pg_name),
        ("MediaPortGroupEnableMWI", b(pg_mwi)),
        ("MediaPortGroupMwiReqPortSpecific", "true"),
        ("SipSendPort", "0"),
        ("VmsServerName", None if pimg else vms_name),
    ]


def portgroup_fields(oid, ptype, display, port_count, ms_id=PS, ms_name="PhoneSystem",
                     prefix=None):
    if prefix is None and ptype == 1:
        prefix = "CiscoUM1-VI"
    return [
        ("URI", f"/vmrest/portgroups/{oid}"),
        ("MediaPortGroupTemplateObjectId", TPL_BY_TYPE[ptype]),
        ("MediaSwitchObjectId", ms_id),
        ("PhoneSystemURI", f"/vmrest/phonesystems/{ms_id}"),
        ("TelephonyIntegrationMethodEnum", str(ptype)),
        ("EnableMWI", "true"),
        ("DisplayName", display),
        ("CcmDoAutoFailback", "true"),
        ("MwiOnCode", ""),
        ("MwiOffCode", ""),
        ("MwiRetryCountOnSuccess", "0"),
        ("MwiRetryIntervalOnSuccessMs", "5"),
        ("ObjectId", oid),
        ("SipTransportProtocolEnum", "10"),
        ("SipRegisterWithProxyServer", "false"),
        ("SipDoAuthenticate", "false"),
        ("SkinnyDevicePrefix", prefix),
        ("MwiMinRequestIntervalMs", "0"),
        ("MwiMaxConcurrentRequests", "0"),
        ("MediaSwitchDisplayName", ms_name),
        ("PortCount", str(port_count)),
        ("SipDoSRTP", "false"),
        ("SipTLSModeEnum", "11"),
        ("ResetStatusEnum", "0"),
        ("EnableAGC", "true"),
    ]


def phonesystem_fields(oid, display, port_count, default_trap=True):
    return [
        ("URI", f"/vmrest/phonesystems/{oid}"),
        ("ObjectId", oid),
        ("DisplayName", display),
        ("MwiAlwaysUpdate", "false"),
        ("MwiPortMemory", "false"),
        ("CallLoopSupervisedTransferDetect", "false"),
        ("CallLoopForwardNotificationDetect", "false"),
        ("CallLoopDTMF", "A"),
        ("CallLoopGuardTimeMs", "2500"),
        ("PortCount", str(port_count)),
        ("EnablePhoneApplications", "false"),
        ("DefaultTRaPSwitch", b(default_trap)),
        ("MwiForceOff", "false"),
        ("RestrictDialUnconditional", "false"),
        ("RestrictDialScheduled", "false"),
        ("RestrictDialStartTime", "0"),
        ("RestrictDialEndTime", "0"),
        ("CallLoopExtensionDetect", "true"),
        ("AXLServerURI", f"/vmrest/phonesystems/{oid}/axlservers"),
        ("PhoneSystemAssociationURI", f"/vmrest/phonesystems/{oid}/phonesystemassociations"),
    ]


def vms_fields(oid, name=VMS_NAME, ip="192.0.2.13", member=0, state=20, host=None,
               display_state=3, ipv6=None):
    return [
        ("URI", f"/vmrest/vmsservers/{oid}"),
        ("ObjectId", oid),
        ("ServerName", name),
        ("IpAddress", ip),
        ("VmsServerObjectId", oid),
        ("ClusterMemberId", str(member)),
        ("ServerState", str(state)),
        ("HostName", host or name),
        ("ServerDisplayState", str(display_state)),
        ("IpAddressV6", ipv6),
        ("SubToPerformReplicationRole", "false"),
    ]


def template_fields(oid, label, ptype):
    return [
        ("URI", f"/vmrest/portgrouptemplates/{oid}"),
        ("ObjectId", oid),
        ("TemplateDescriptionDefault", label),
        ("CopyTelephonyIntegrationMethodEnum", str(ptype)),
    ]


TEMPLATES = [
    template_fields(TPL_SCCP, "SCCP", 1),
    template_fields(TPL_SIP, "SIP", 2),
    template_fields(TPL_PIMG, "PIMG/TIMG", 3),
]

SEED_PORT1 = port_fields(PORT1, PG_SIP, 2, 1, "PhoneSystem-1-001")
SEED_PORT2 = port_fields(PORT2, PG_SIP, 2, 2, "PhoneSystem-1-002")
SEED_VMS = vms_fields(VMS1)
SEED_PS = phonesystem_fields(PS, "PhoneSystem", 2)
SEED_PG_SIP = portgroup_fields(PG_SIP, 2, "PhoneSystem-1", 2)
SEED_PG_SCCP = portgroup_fields(PG_SCCP, 1, "PhoneSystem-SCCP", 0)
SEED_PG_ROHIT = portgroup_fields(PG_ROHIT, 2, "PhoneSystem-Rohit", 0)
SEED_PG_PIMG = portgroup_fields(PG_PIMG, 3, "PhoneSystem-PIMG", 0)
SEED_PGS_SORTED = [SEED_PG_SIP, SEED_PG_PIMG, SEED_PG_ROHIT, SEED_PG_SCCP]

EX2_PORT_FIELDS = port_fields(EX2_PORT, EX2_PG, 2, 2, "PhoneSystem-1-002", vms=EX2_VMS,
                              caps={"CapNotification": False}, ms_id=EX2_PS)
EX2_VMS_FIELDS = vms_fields(EX2_VMS)
EX2_PS_FIELDS = phonesystem_fields(EX2_PS, "PhoneSystem", 1)
EX2_PG_FIELDS = portgroup_fields(EX2_PG, 2, "PhoneSystem-1", 1, ms_id=EX2_PS)

# --- literal SPEC examples (copied from the SPEC text, joined where "indented for reading")

SPEC_PORT1_XML = X + join_xml("""
<Port><URI>/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575</URI>
 <ObjectId>ec664876-5879-4cff-a022-4929b37bd575</ObjectId>
 <MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId>
 <PortGroupURI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385</PortGroupURI>
 <TelephonyIntegrationMethodEnum>2</TelephonyIntegrationMethodEnum><PortNumInGroup>1</PortNumInGroup>
 <SkinnySecurityModeEnum>0</SkinnySecurityModeEnum><SkinnyDoMediaEncryption>false</SkinnyDoMediaEncryption>
 <VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId><HuntOrder>0</HuntOrder>
 <DisplayName>PhoneSystem-1-001</DisplayName><PimgPortNumber>1</PimgPortNumber>
 <CapAnswer>true</CapAnswer><CapNotification>true</CapNotification><CapMWI>true</CapMWI>
 <CapEnabled>true</CapEnabled><CapDeliverAmis>false</CapDeliverAmis><CapTrapConnection>true</CapTrapConnection>
 <MediaSwitchDisplayName>PhoneSystem</MediaSwitchDisplayName>
 <MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId>
 <PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI>
 <MediaPortGroupDisplayName>PhoneSystem-1</MediaPortGroupDisplayName>
 <MediaPortGroupEnableMWI>true</MediaPortGroupEnableMWI>
 <MediaPortGroupMwiReqPortSpecific>true</MediaPortGroupMwiReqPortSpecific>
 <SipSendPort>0</SipSendPort><VmsServerName>ucbu-aricent-vm413</VmsServerName></Port>
""")

SPEC_PORT1_JSON = '{"URI":"/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575","ObjectId":"ec664876-5879-4cff-a022-4929b37bd575","MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","PortGroupURI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385","TelephonyIntegrationMethodEnum":"2","PortNumInGroup":"1","SkinnySecurityModeEnum":"0","SkinnyDoMediaEncryption":"false","VmsServerObjectId":"574ca5d3-9041-4ff9-8e7d-727c32d80dab","HuntOrder":"0","DisplayName":"PhoneSystem-1-001","PimgPortNumber":"1","CapAnswer":"true","CapNotification":"true","CapMWI":"true","CapEnabled":"true","CapDeliverAmis":"false","CapTrapConnection":"true","MediaSwitchDisplayName":"PhoneSystem","MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","PhoneSystemURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","MediaPortGroupDisplayName":"PhoneSystem-1","MediaPortGroupEnableMWI":"true","MediaPortGroupMwiReqPortSpecific":"true","SipSendPort":"0","VmsServerName":"ucbu-aricent-vm413"}'  # noqa: E501

SPEC_PG_SIP_XML = X + join_xml("""
<PortGroup><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385</URI>
 <MediaPortGroupTemplateObjectId>47e03eca-d077-466b-9c97-54e62938cf26</MediaPortGroupTemplateObjectId>
 <MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId>
 <PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI>
 <TelephonyIntegrationMethodEnum>2</TelephonyIntegrationMethodEnum><EnableMWI>true</EnableMWI>
 <DisplayName>PhoneSystem-1</DisplayName><CcmDoAutoFailback>true</CcmDoAutoFailback>
 <MwiOnCode/><MwiOffCode/><MwiRetryCountOnSuccess>0</MwiRetryCountOnSuccess>
 <MwiRetryIntervalOnSuccessMs>5</MwiRetryIntervalOnSuccessMs>
 <ObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</ObjectId>
 <SipTransportProtocolEnum>10</SipTransportProtocolEnum>
 <SipRegisterWithProxyServer>false</SipRegisterWithProxyServer><SipDoAuthenticate>false</SipDoAuthenticate>
 <MwiMinRequestIntervalMs>0</MwiMinRequestIntervalMs><MwiMaxConcurrentRequests>0</MwiMaxConcurrentRequests>
 <MediaSwitchDisplayName>PhoneSystem</MediaSwitchDisplayName><PortCount>2</PortCount>
 <SipDoSRTP>false</SipDoSRTP><SipTLSModeEnum>11</SipTLSModeEnum>
 <ResetStatusEnum>0</ResetStatusEnum><EnableAGC>true</EnableAGC></PortGroup>
""")

SPEC_PG_SIP_JSON = '{"URI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385","MediaPortGroupTemplateObjectId":"47e03eca-d077-466b-9c97-54e62938cf26","MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","PhoneSystemURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","TelephonyIntegrationMethodEnum":"2","EnableMWI":"true","DisplayName":"PhoneSystem-1","CcmDoAutoFailback":"true","MwiOnCode":"","MwiOffCode":"","MwiRetryCountOnSuccess":"0","MwiRetryIntervalOnSuccessMs":"5","ObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","SipTransportProtocolEnum":"10","SipRegisterWithProxyServer":"false","SipDoAuthenticate":"false","MwiMinRequestIntervalMs":"0","MwiMaxConcurrentRequests":"0","MediaSwitchDisplayName":"PhoneSystem","PortCount":"2","SipDoSRTP":"false","SipTLSModeEnum":"11","ResetStatusEnum":"0","EnableAGC":"true"}'  # noqa: E501

SPEC_PS_JSON = '{"URI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","ObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","DisplayName":"PhoneSystem","MwiAlwaysUpdate":"false","MwiPortMemory":"false","CallLoopSupervisedTransferDetect":"false","CallLoopForwardNotificationDetect":"false","CallLoopDTMF":"A","CallLoopGuardTimeMs":"2500","PortCount":"2","EnablePhoneApplications":"false","DefaultTRaPSwitch":"true","MwiForceOff":"false","RestrictDialUnconditional":"false","RestrictDialScheduled":"false","RestrictDialStartTime":"0","RestrictDialEndTime":"0","CallLoopExtensionDetect":"true","AXLServerURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers","PhoneSystemAssociationURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/phonesystemassociations"}'  # noqa: E501

SPEC_VMS_LIST_XML = X + join_xml("""
<VmsServers total="1"><VmsServer><URI>/vmrest/vmsservers/574ca5d3-9041-4ff9-8e7d-727c32d80dab</URI>
 <ObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</ObjectId><ServerName>ucbu-aricent-vm413</ServerName>
 <IpAddress>192.0.2.13</IpAddress><VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId>
 <ClusterMemberId>0</ClusterMemberId><ServerState>20</ServerState><HostName>ucbu-aricent-vm413</HostName>
 <ServerDisplayState>3</ServerDisplayState><SubToPerformReplicationRole>false</SubToPerformReplicationRole>
</VmsServer></VmsServers>
""")

SPEC_VMS_LIST_JSON = '{"@total":"1","VmsServer":{"URI":"/vmrest/vmsservers/574ca5d3-9041-4ff9-8e7d-727c32d80dab","ObjectId":"574ca5d3-9041-4ff9-8e7d-727c32d80dab","ServerName":"ucbu-aricent-vm413","IpAddress":"192.0.2.13","VmsServerObjectId":"574ca5d3-9041-4ff9-8e7d-727c32d80dab","ClusterMemberId":"0","ServerState":"20","HostName":"ucbu-aricent-vm413","ServerDisplayState":"3","SubToPerformReplicationRole":"false"}}'  # noqa: E501

SPEC_TPL_SIP_XML = X + '<PortGroupTemplate><URI>/vmrest/portgrouptemplates/47e03eca-d077-466b-9c97-54e62938cf26</URI><ObjectId>47e03eca-d077-466b-9c97-54e62938cf26</ObjectId><TemplateDescriptionDefault>SIP</TemplateDescriptionDefault><CopyTelephonyIntegrationMethodEnum>2</CopyTelephonyIntegrationMethodEnum></PortGroupTemplate>'  # noqa: E501
SPEC_TPL_SIP_JSON = '{"URI":"/vmrest/portgrouptemplates/47e03eca-d077-466b-9c97-54e62938cf26","ObjectId":"47e03eca-d077-466b-9c97-54e62938cf26","TemplateDescriptionDefault":"SIP","CopyTelephonyIntegrationMethodEnum":"2"}'  # noqa: E501

SPEC_TPL_Q0_XML = X + '<PortGroupTemplates total="0"/>'
SPEC_TPL_Q0_JSON = '{"@total":"0"}'
SPEC_TPL_Q1_XML = X + '<PortGroupTemplates total="1"><PortGroupTemplate><URI>/vmrest/portgrouptemplates/d867d725-4e4b-4b60-b114-10aa0833ec14</URI><ObjectId>d867d725-4e4b-4b60-b114-10aa0833ec14</ObjectId><TemplateDescriptionDefault>PIMG/TIMG</TemplateDescriptionDefault><CopyTelephonyIntegrationMethodEnum>3</CopyTelephonyIntegrationMethodEnum></PortGroupTemplate></PortGroupTemplates>'  # noqa: E501
SPEC_TPL_Q1_JSON = '{"@total":"1","PortGroupTemplate":{"URI":"/vmrest/portgrouptemplates/d867d725-4e4b-4b60-b114-10aa0833ec14","ObjectId":"d867d725-4e4b-4b60-b114-10aa0833ec14","TemplateDescriptionDefault":"PIMG/TIMG","CopyTelephonyIntegrationMethodEnum":"3"}}'  # noqa: E501
SPEC_TPL_Q2_XML = X + '<PortGroupTemplates total="2"><PortGroupTemplate><URI>/vmrest/portgrouptemplates/90dd306f-b8af-46b6-8289-f13437cc1e5e</URI><ObjectId>90dd306f-b8af-46b6-8289-f13437cc1e5e</ObjectId><TemplateDescriptionDefault>SCCP</TemplateDescriptionDefault><CopyTelephonyIntegrationMethodEnum>1</CopyTelephonyIntegrationMethodEnum></PortGroupTemplate><PortGroupTemplate><URI>/vmrest/portgrouptemplates/47e03eca-d077-466b-9c97-54e62938cf26</URI><ObjectId>47e03eca-d077-466b-9c97-54e62938cf26</ObjectId><TemplateDescriptionDefault>SIP</TemplateDescriptionDefault><CopyTelephonyIntegrationMethodEnum>2</CopyTelephonyIntegrationMethodEnum></PortGroupTemplate></PortGroupTemplates>'  # noqa: E501
SPEC_TPL_Q2_JSON = '{"@total":"2","PortGroupTemplate":[{"URI":"/vmrest/portgrouptemplates/90dd306f-b8af-46b6-8289-f13437cc1e5e","ObjectId":"90dd306f-b8af-46b6-8289-f13437cc1e5e","TemplateDescriptionDefault":"SCCP","CopyTelephonyIntegrationMethodEnum":"1"},{"URI":"/vmrest/portgrouptemplates/47e03eca-d077-466b-9c97-54e62938cf26","ObjectId":"47e03eca-d077-466b-9c97-54e62938cf26","TemplateDescriptionDefault":"SIP","CopyTelephonyIntegrationMethodEnum":"2"}]}'  # noqa: E501

SPEC_VERSION_XML = X + "<VersionInformation><name>vmrest</name><version>14.0.1.10000-1</version></VersionInformation>"  # noqa: E501
SPEC_VERSION_JSON = '{"name":"vmrest","version":"14.0.1.10000-1"}'

SPEC_404_XML = X + "<ErrorDetails><errors><code>NOT_FOUND</code><message>no portgroup has ObjectId 1edf504a-e9a1-4876-bcfc-bb674da8e385</message></errors></ErrorDetails>"  # noqa: E501
SPEC_404_JSON = '{"errors":{"code":"NOT_FOUND","message":"no portgroup has ObjectId 1edf504a-e9a1-4876-bcfc-bb674da8e385"}}'  # noqa: E501


# ---------------------------------------------------------------------------------------------
# assertions

_XML_ERR = re.compile(
    r"^" + re.escape(X) + r"<ErrorDetails><errors><code>([A-Z_]+)</code>"
    r"<message>([^<]*)</message></errors></ErrorDetails>$", re.S)


def parse_error(resp, fmt):
    """Returns (code, message) of an ErrorDetails body in format fmt ('xml' or 'json'),
    asserting its exact shape (§2.5)."""
    if fmt == "xml":
        assert resp.headers.get("Content-Type") == XML, resp
        m = _XML_ERR.match(resp.body.decode("utf-8"))
        assert m, f"not an XML ErrorDetails body: {resp.body[:500]!r}"
        msg = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return m.group(1), msg
    assert resp.headers.get("Content-Type") == JSON, resp
    assert resp.body.startswith(b'{"errors":{"code":"'), resp.body[:200]
    doc = json.loads(resp.body, object_pairs_hook=list)
    assert [k for k, _ in doc] == ["errors"], doc
    errs = doc[0][1]
    assert isinstance(errs, list) and [k for k, _ in errs] == ["code", "message"], errs
    code, msg = errs[0][1], errs[1][1]
    assert isinstance(code, str) and isinstance(msg, str)
    assert "\n" not in msg
    return code, msg


def assert_error(resp, status, code, fmt="xml", field=None):
    assert resp.status == status, f"expected {status} {code}, got {resp!r}"
    c, msg = parse_error(resp, fmt)
    assert c == code, f"expected code {code}, got {c} ({msg})"
    if field is not None:
        assert field in msg, f"message {msg!r} should name {field}"
    return msg


# ---------------------------------------------------------------------------------------------
# races

def fire(reqs, timeout=90):
    """reqs: [(server, method, path, body-dict-or-None)], each in its own thread on its own
    connection, all sent together after a barrier. Returns [(status, body)] in order: the
    Location text for a 201, the parsed JSON otherwise."""
    barrier = threading.Barrier(len(reqs), timeout=30)

    def one(req):
        srv, method, path, body = req
        conn = http.client.HTTPSConnection("127.0.0.1", srv.https_port,
                                           context=insecure_context(), timeout=30)
        try:
            conn.connect()
            barrier.wait()
            hdrs = {"Authorization": basic(*ADMIN), "Accept": JSON}
            data = None
            if body is not None:
                hdrs["Content-Type"] = JSON
                data = json.dumps(body)
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            raw = r.read()
            if r.status == 201:
                return r.status, raw.decode()
            return r.status, (json.loads(raw) if raw else None)
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(reqs)) as ex:
        futs = [ex.submit(one, r) for r in reqs]
        return [f.result(timeout=timeout) for f in futs]


# ---------------------------------------------------------------------------------------------
# telephony (§5.7-§5.16): ids of the fixed codec definitions and of the seed's telephony
# objects, field builders for the new resources, and the literal SPEC examples

# codec definitions (§5.10), in their default order (DisplayName)
CODEC_ALAW = "568914d1-6ac1-42f9-94fb-8d6beddef6cb"
CODEC_MULAW = "0a588d98-bcd0-43f7-beed-4066b1b8bd89"
CODEC_G722 = "40ee229d-e585-4b01-87af-e01283c34dd4"
CODEC_G729 = "07f16d07-3057-47e8-9029-9abee97dfffe"
CODEC_ILBC = "0f437ce5-81b5-458c-a92f-cff6dbd90163"
CODEC_NAMES = {CODEC_ALAW: "G.711 a-law", CODEC_MULAW: "G.711 mu-law", CODEC_G722: "G.722",
               CODEC_G729: "G.729", CODEC_ILBC: "iLBC"}
CODECDEFS_SORTED = [CODEC_ALAW, CODEC_MULAW, CODEC_G722, CODEC_G729, CODEC_ILBC]

# built-in SIP security profiles (§5.12)
SIP_5060 = "0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13"
SIP_5061TLS = "eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39"

# seed fixture (§6.7): AXL server, port group servers and codecs
SEED_AXL = "ccc67ad1-3ee6-45ca-9556-855e5a3b3806"
SRV_SIP = "2cbf5f65-6490-46d8-8972-b497c3f8c634"      # PG_SIP, 102, .21
SRV_SCCP_A = "34a9a308-f724-43de-b860-6b914668971e"   # PG_SCCP, 100, .21, Precedence 0
SRV_SCCP_B = "a383ab04-54aa-4c27-9010-237261c5df29"   # PG_SCCP, 100, .22, Precedence 1
SRV_SCCP_TFTP = "4d37a130-1c53-4ce2-a8fd-fddd8095edde"  # PG_SCCP, 101, .21, no TlsPort
SRV_ROHIT = "4009b408-09e7-455b-856a-d18dfd71a8d6"    # PG_ROHIT, 102, .21
SRV_PIMG = "5c3a6c05-f872-4978-acd7-35bd25cb6ac2"     # PG_PIMG, 104, .31
SEED_CODECS = {  # group -> (G.711 mu-law codec, G.729 codec)
    PG_SIP: ("8ef891b4-b0e7-4301-b15f-9114e3b146f4", "4c01713a-9173-41ad-99f1-68e7846a09e9"),
    PG_SCCP: ("3d358e3b-c2a2-43e2-a5b1-52feff843903", "a12fb7b0-29d5-4d28-bbeb-ea30bd46b638"),
    PG_ROHIT: ("283cdb73-a014-4fcc-9640-3e09f9731414", "8d3f8727-4633-47e3-b9cb-a5b147ae145d"),
    PG_PIMG: ("74150598-84ba-4519-a43d-3ecd1ee4f100", "e82e7bf7-c231-43b1-aba6-80d96bbe8de0"),
}
SEED_GROUPS = (PG_SIP, PG_SCCP, PG_ROHIT, PG_PIMG)
EX2_SRV = "9fa816f9-6721-4020-b801-03d1dda14982"
EX2_CODECS = ("bc718e12-19f3-4422-9556-40780248707c", "50ad8e70-ce89-4ca2-a207-742c55787451")

# services (§5.8.2): default (Port, TlsPort); the primary service of each integration type
SERVICE_PORTS = {100: (2000, 2443), 101: (69, None), 102: (5060, 5061), 104: (5060, 5061)}
PRIMARY_SERVICE = {1: 100, 2: 102, 3: 104}
ACCEPTED_SERVICES = {1: (100, 101), 2: (101, 102), 3: (104,)}

MAX_PG_SERVERS = 32
MAX_AXL_SERVERS = 16


def pgs_path(pg, sid=None):
    p = f"/vmrest/portgroups/{pg}/portgroupservers"
    return p + ("/" + sid if sid else "")


def pgc_path(pg, cid=None):
    p = f"/vmrest/portgroups/{pg}/portgroupcodecs"
    return p + ("/" + cid if cid else "")


def axl_path(ps, aid=None):
    p = f"/vmrest/phonesystems/{ps}/axlservers"
    return p + ("/" + aid if aid else "")


def sip_path(oid=None):
    return "/vmrest/sipsecurityprofiles" + ("/" + oid if oid else "")


def _s(v):
    return None if v is None else (b(v) if isinstance(v, bool) else str(v))


_DEF = object()


def pgserver_fields(oid, pg, service, host=None, v6=None, port=_DEF, tls=_DEF, prec=0, ssm=10):
    """A port group server (§5.8.2) in field-table order; Port/TlsPort default by service."""
    dport, dtls = SERVICE_PORTS.get(service, (None, None))
    return [
        ("URI", f"/vmrest/portgroups/{pg}/portgroupservers/{oid}"),
        ("ObjectId", oid),
        ("MediaRemoteServiceEnum", str(service)),
        ("HostOrIPAddress", host),
        ("HostOrIPAddressV6", v6),
        ("Port", _s(dport if port is _DEF else port)),
        ("TlsPort", _s(dtls if tls is _DEF else tls)),
        ("Precedence", str(prec)),
        ("MediaPortGroupObjectId", pg),
        ("PortGroupURI", f"/vmrest/portgroups/{pg}"),
        ("SkinnyStateMachineEnum", str(ssm)),
    ]


def pgcodec_fields(oid, pg, codec, size=20, pref=0):
    """A port group codec (§5.9.2) in field-table order."""
    return [
        ("URI", f"/vmrest/portgroups/{pg}/portgroupcodecs/{oid}"),
        ("ObjectId", oid),
        ("MediaPortGroupObjectId", pg),
        ("RtpCodecDefObjectId", codec),
        ("RtpCodecDefDisplayName", CODEC_NAMES[codec]),
        ("PreferredPacketSizeMs", str(size)),
        ("Preference", str(pref)),
    ]


def codecdef_fields(oid):
    return [("URI", f"/vmrest/rtpcodecdefs/{oid}"), ("ObjectId", oid),
            ("DisplayName", CODEC_NAMES[oid])]


def axl_fields(oid, ps, host, port=443, tls=443, prec=0, ssm=10, pin=False, user="",
               version=5):
    """An AXL server (§5.11) in field-table order; CcmAXLPassword is always shown empty."""
    return [
        ("URI", f"/vmrest/phonesystems/{ps}/axlservers/{oid}"),
        ("ObjectId", oid),
        ("MediaRemoteServiceEnum", "103"),
        ("HostOrIPAddress", host),
        ("Port", str(port)),
        ("TlsPort", str(tls)),
        ("Precedence", str(prec)),
        ("MediaSwitchObjectId", ps),
        ("PhoneSystemURI", f"/vmrest/phonesystems/{ps}"),
        ("SkinnyStateMachineEnum", str(ssm)),
        ("IsPinSyncEnabled", b(pin)),
        ("CcmAXLUser", user),
        ("CcmAXLPassword", ""),
        ("CcmVersion", str(version)),
    ]


def sipprofile_fields(oid, port, tls):
    """A SIP security profile (§5.12); DisplayName derived from Port and DoTLS."""
    return [
        ("URI", f"/vmrest/sipsecurityprofiles/{oid}"),
        ("ObjectId", oid),
        ("Port", str(port)),
        ("DoTLS", b(tls)),
        ("DisplayName", f"{port}/TLS" if tls else str(port)),
    ]


def seed_pgservers(pg):
    """The servers of a seed group (§6.7) in the default order (Precedence, then ObjectId)."""
    return {
        PG_SIP: [pgserver_fields(SRV_SIP, PG_SIP, 102, "192.0.2.21")],
        PG_SCCP: [pgserver_fields(SRV_SCCP_A, PG_SCCP, 100, "192.0.2.21"),
                  pgserver_fields(SRV_SCCP_TFTP, PG_SCCP, 101, "192.0.2.21"),
                  pgserver_fields(SRV_SCCP_B, PG_SCCP, 100, "192.0.2.22", prec=1)],
        PG_ROHIT: [pgserver_fields(SRV_ROHIT, PG_ROHIT, 102, "192.0.2.21")],
        PG_PIMG: [pgserver_fields(SRV_PIMG, PG_PIMG, 104, "192.0.2.31")],
    }[pg]


def seed_pgcodecs(pg):
    mu, g729 = SEED_CODECS[pg]
    return [pgcodec_fields(mu, pg, CODEC_MULAW, 20, 0), pgcodec_fields(g729, pg, CODEC_G729, 20, 1)]


SEED_AXL_FIELDS = axl_fields(SEED_AXL, PS, "192.0.2.21", user="axladmin")
BUILTIN_SIP = [sipprofile_fields(SIP_5060, 5060, False), sipprofile_fields(SIP_5061TLS, 5061, True)]

# --- literal SPEC examples of §5.8.5, §5.9.5, §5.10, §5.11, §5.12 (copied from the SPEC text)

SPEC_PGS_SIP_LIST_XML = X + '<PortGroupServers total="1"><PortGroupServer><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupservers/2cbf5f65-6490-46d8-8972-b497c3f8c634</URI><ObjectId>2cbf5f65-6490-46d8-8972-b497c3f8c634</ObjectId><MediaRemoteServiceEnum>102</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.21</HostOrIPAddress><Port>5060</Port><TlsPort>5061</TlsPort><Precedence>0</Precedence><MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><PortGroupURI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385</PortGroupURI><SkinnyStateMachineEnum>10</SkinnyStateMachineEnum></PortGroupServer></PortGroupServers>'  # noqa: E501
SPEC_PGS_SIP_LIST_JSON = '{"@total":"1","PortGroupServer":{"URI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupservers/2cbf5f65-6490-46d8-8972-b497c3f8c634","ObjectId":"2cbf5f65-6490-46d8-8972-b497c3f8c634","MediaRemoteServiceEnum":"102","HostOrIPAddress":"192.0.2.21","Port":"5060","TlsPort":"5061","Precedence":"0","MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","PortGroupURI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385","SkinnyStateMachineEnum":"10"}}'  # noqa: E501
SPEC_PGS_SCCP_LIST_JSON = '{"@total":"3","PortGroupServer":[{"URI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26/portgroupservers/34a9a308-f724-43de-b860-6b914668971e","ObjectId":"34a9a308-f724-43de-b860-6b914668971e","MediaRemoteServiceEnum":"100","HostOrIPAddress":"192.0.2.21","Port":"2000","TlsPort":"2443","Precedence":"0","MediaPortGroupObjectId":"3c011243-e3e2-42f7-b658-d9fbdc966f26","PortGroupURI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26","SkinnyStateMachineEnum":"10"},{"URI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26/portgroupservers/4d37a130-1c53-4ce2-a8fd-fddd8095edde","ObjectId":"4d37a130-1c53-4ce2-a8fd-fddd8095edde","MediaRemoteServiceEnum":"101","HostOrIPAddress":"192.0.2.21","Port":"69","Precedence":"0","MediaPortGroupObjectId":"3c011243-e3e2-42f7-b658-d9fbdc966f26","PortGroupURI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26","SkinnyStateMachineEnum":"10"},{"URI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26/portgroupservers/a383ab04-54aa-4c27-9010-237261c5df29","ObjectId":"a383ab04-54aa-4c27-9010-237261c5df29","MediaRemoteServiceEnum":"100","HostOrIPAddress":"192.0.2.22","Port":"2000","TlsPort":"2443","Precedence":"1","MediaPortGroupObjectId":"3c011243-e3e2-42f7-b658-d9fbdc966f26","PortGroupURI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26","SkinnyStateMachineEnum":"10"}]}'  # noqa: E501
SPEC_PGS_TFTP_XML = X + '<PortGroupServer><URI>/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26/portgroupservers/4d37a130-1c53-4ce2-a8fd-fddd8095edde</URI><ObjectId>4d37a130-1c53-4ce2-a8fd-fddd8095edde</ObjectId><MediaRemoteServiceEnum>101</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.21</HostOrIPAddress><Port>69</Port><Precedence>0</Precedence><MediaPortGroupObjectId>3c011243-e3e2-42f7-b658-d9fbdc966f26</MediaPortGroupObjectId><PortGroupURI>/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26</PortGroupURI><SkinnyStateMachineEnum>10</SkinnyStateMachineEnum></PortGroupServer>'  # noqa: E501
SPEC_PGS_TFTP_JSON = '{"URI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26/portgroupservers/4d37a130-1c53-4ce2-a8fd-fddd8095edde","ObjectId":"4d37a130-1c53-4ce2-a8fd-fddd8095edde","MediaRemoteServiceEnum":"101","HostOrIPAddress":"192.0.2.21","Port":"69","Precedence":"0","MediaPortGroupObjectId":"3c011243-e3e2-42f7-b658-d9fbdc966f26","PortGroupURI":"/vmrest/portgroups/3c011243-e3e2-42f7-b658-d9fbdc966f26","SkinnyStateMachineEnum":"10"}'  # noqa: E501
SPEC_PGS_EMPTY_XML = X + '<PortGroupServers total="0"/>'
SPEC_EMPTY_JSON = '{"@total":"0"}'
# the XML that Cisco's SDK builds (space before '>'), §5.8.5
SPEC_SDK_TFTP_BODY = '<PortGroupServer><MediaPortGroupObjectId >ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId ><MediaRemoteServiceEnum >101</MediaRemoteServiceEnum ><HostOrIPAddress>192.0.2.21</HostOrIPAddress></PortGroupServer>'  # noqa: E501

SPEC_PGC_SIP_LIST_XML = X + '<PortGroupCodecs total="2"><PortGroupCodec><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/8ef891b4-b0e7-4301-b15f-9114e3b146f4</URI><ObjectId>8ef891b4-b0e7-4301-b15f-9114e3b146f4</ObjectId><MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><RtpCodecDefObjectId>0a588d98-bcd0-43f7-beed-4066b1b8bd89</RtpCodecDefObjectId><RtpCodecDefDisplayName>G.711 mu-law</RtpCodecDefDisplayName><PreferredPacketSizeMs>20</PreferredPacketSizeMs><Preference>0</Preference></PortGroupCodec><PortGroupCodec><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/4c01713a-9173-41ad-99f1-68e7846a09e9</URI><ObjectId>4c01713a-9173-41ad-99f1-68e7846a09e9</ObjectId><MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><RtpCodecDefObjectId>07f16d07-3057-47e8-9029-9abee97dfffe</RtpCodecDefObjectId><RtpCodecDefDisplayName>G.729</RtpCodecDefDisplayName><PreferredPacketSizeMs>20</PreferredPacketSizeMs><Preference>1</Preference></PortGroupCodec></PortGroupCodecs>'  # noqa: E501
SPEC_PGC_SIP_LIST_JSON = '{"@total":"2","PortGroupCodec":[{"URI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/8ef891b4-b0e7-4301-b15f-9114e3b146f4","ObjectId":"8ef891b4-b0e7-4301-b15f-9114e3b146f4","MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","RtpCodecDefObjectId":"0a588d98-bcd0-43f7-beed-4066b1b8bd89","RtpCodecDefDisplayName":"G.711 mu-law","PreferredPacketSizeMs":"20","Preference":"0"},{"URI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/4c01713a-9173-41ad-99f1-68e7846a09e9","ObjectId":"4c01713a-9173-41ad-99f1-68e7846a09e9","MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","RtpCodecDefObjectId":"07f16d07-3057-47e8-9029-9abee97dfffe","RtpCodecDefDisplayName":"G.729","PreferredPacketSizeMs":"20","Preference":"1"}]}'  # noqa: E501
SPEC_PGC_MULAW_XML = X + '<PortGroupCodec><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/8ef891b4-b0e7-4301-b15f-9114e3b146f4</URI><ObjectId>8ef891b4-b0e7-4301-b15f-9114e3b146f4</ObjectId><MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><RtpCodecDefObjectId>0a588d98-bcd0-43f7-beed-4066b1b8bd89</RtpCodecDefObjectId><RtpCodecDefDisplayName>G.711 mu-law</RtpCodecDefDisplayName><PreferredPacketSizeMs>20</PreferredPacketSizeMs><Preference>0</Preference></PortGroupCodec>'  # noqa: E501
SPEC_PGC_MULAW_JSON = '{"URI":"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385/portgroupcodecs/8ef891b4-b0e7-4301-b15f-9114e3b146f4","ObjectId":"8ef891b4-b0e7-4301-b15f-9114e3b146f4","MediaPortGroupObjectId":"ledf504a-e9a1-4876-bcfc-bb674da8e385","RtpCodecDefObjectId":"0a588d98-bcd0-43f7-beed-4066b1b8bd89","RtpCodecDefDisplayName":"G.711 mu-law","PreferredPacketSizeMs":"20","Preference":"0"}'  # noqa: E501
SPEC_SDK_CODEC_BODY = '<PortGroupCodec><MediaPortGroupObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><PreferredPacketSizeMs>20</PreferredPacketSizeMs><RtpCodecDefObjectId>568914d1-6ac1-42f9-94fb-8d6beddef6cb</RtpCodecDefObjectId><Preference>1</Preference></PortGroupCodec>'  # noqa: E501
SPEC_CODEC_DUP_JSON = '{"errors":{"code":"DUPLICATE_NAME","message":"port group PhoneSystem-1 already advertises G.711 mu-law"}}'  # noqa: E501

SPEC_CODECDEFS_XML = X + '<RtpCodecDefs total="5"><RtpCodecDef><URI>/vmrest/rtpcodecdefs/568914d1-6ac1-42f9-94fb-8d6beddef6cb</URI><ObjectId>568914d1-6ac1-42f9-94fb-8d6beddef6cb</ObjectId><DisplayName>G.711 a-law</DisplayName></RtpCodecDef><RtpCodecDef><URI>/vmrest/rtpcodecdefs/0a588d98-bcd0-43f7-beed-4066b1b8bd89</URI><ObjectId>0a588d98-bcd0-43f7-beed-4066b1b8bd89</ObjectId><DisplayName>G.711 mu-law</DisplayName></RtpCodecDef><RtpCodecDef><URI>/vmrest/rtpcodecdefs/40ee229d-e585-4b01-87af-e01283c34dd4</URI><ObjectId>40ee229d-e585-4b01-87af-e01283c34dd4</ObjectId><DisplayName>G.722</DisplayName></RtpCodecDef><RtpCodecDef><URI>/vmrest/rtpcodecdefs/07f16d07-3057-47e8-9029-9abee97dfffe</URI><ObjectId>07f16d07-3057-47e8-9029-9abee97dfffe</ObjectId><DisplayName>G.729</DisplayName></RtpCodecDef><RtpCodecDef><URI>/vmrest/rtpcodecdefs/0f437ce5-81b5-458c-a92f-cff6dbd90163</URI><ObjectId>0f437ce5-81b5-458c-a92f-cff6dbd90163</ObjectId><DisplayName>iLBC</DisplayName></RtpCodecDef></RtpCodecDefs>'  # noqa: E501
SPEC_CODECDEFS_JSON = '{"@total":"5","RtpCodecDef":[{"URI":"/vmrest/rtpcodecdefs/568914d1-6ac1-42f9-94fb-8d6beddef6cb","ObjectId":"568914d1-6ac1-42f9-94fb-8d6beddef6cb","DisplayName":"G.711 a-law"},{"URI":"/vmrest/rtpcodecdefs/0a588d98-bcd0-43f7-beed-4066b1b8bd89","ObjectId":"0a588d98-bcd0-43f7-beed-4066b1b8bd89","DisplayName":"G.711 mu-law"},{"URI":"/vmrest/rtpcodecdefs/40ee229d-e585-4b01-87af-e01283c34dd4","ObjectId":"40ee229d-e585-4b01-87af-e01283c34dd4","DisplayName":"G.722"},{"URI":"/vmrest/rtpcodecdefs/07f16d07-3057-47e8-9029-9abee97dfffe","ObjectId":"07f16d07-3057-47e8-9029-9abee97dfffe","DisplayName":"G.729"},{"URI":"/vmrest/rtpcodecdefs/0f437ce5-81b5-458c-a92f-cff6dbd90163","ObjectId":"0f437ce5-81b5-458c-a92f-cff6dbd90163","DisplayName":"iLBC"}]}'  # noqa: E501
SPEC_CODECDEF_MULAW_XML = X + '<RtpCodecDef><URI>/vmrest/rtpcodecdefs/0a588d98-bcd0-43f7-beed-4066b1b8bd89</URI><ObjectId>0a588d98-bcd0-43f7-beed-4066b1b8bd89</ObjectId><DisplayName>G.711 mu-law</DisplayName></RtpCodecDef>'  # noqa: E501
SPEC_CODECDEF_MULAW_JSON = '{"URI":"/vmrest/rtpcodecdefs/0a588d98-bcd0-43f7-beed-4066b1b8bd89","ObjectId":"0a588d98-bcd0-43f7-beed-4066b1b8bd89","DisplayName":"G.711 mu-law"}'  # noqa: E501

SPEC_AXL_LIST_XML = X + '<AXLServers total="1"><AXLServer><URI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806</URI><ObjectId>ccc67ad1-3ee6-45ca-9556-855e5a3b3806</ObjectId><MediaRemoteServiceEnum>103</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.21</HostOrIPAddress><Port>443</Port><TlsPort>443</TlsPort><Precedence>0</Precedence><MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI><SkinnyStateMachineEnum>10</SkinnyStateMachineEnum><IsPinSyncEnabled>false</IsPinSyncEnabled><CcmAXLUser>axladmin</CcmAXLUser><CcmAXLPassword/><CcmVersion>5</CcmVersion></AXLServer></AXLServers>'  # noqa: E501
SPEC_AXL_LIST_JSON = '{"@total":"1","AXLServer":{"URI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806","ObjectId":"ccc67ad1-3ee6-45ca-9556-855e5a3b3806","MediaRemoteServiceEnum":"103","HostOrIPAddress":"192.0.2.21","Port":"443","TlsPort":"443","Precedence":"0","MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","PhoneSystemURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","SkinnyStateMachineEnum":"10","IsPinSyncEnabled":"false","CcmAXLUser":"axladmin","CcmAXLPassword":"","CcmVersion":"5"}}'  # noqa: E501
SPEC_AXL_XML = X + '<AXLServer><URI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806</URI><ObjectId>ccc67ad1-3ee6-45ca-9556-855e5a3b3806</ObjectId><MediaRemoteServiceEnum>103</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.21</HostOrIPAddress><Port>443</Port><TlsPort>443</TlsPort><Precedence>0</Precedence><MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI><SkinnyStateMachineEnum>10</SkinnyStateMachineEnum><IsPinSyncEnabled>false</IsPinSyncEnabled><CcmAXLUser>axladmin</CcmAXLUser><CcmAXLPassword/><CcmVersion>5</CcmVersion></AXLServer>'  # noqa: E501
SPEC_AXL_JSON = '{"URI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806","ObjectId":"ccc67ad1-3ee6-45ca-9556-855e5a3b3806","MediaRemoteServiceEnum":"103","HostOrIPAddress":"192.0.2.21","Port":"443","TlsPort":"443","Precedence":"0","MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","PhoneSystemURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","SkinnyStateMachineEnum":"10","IsPinSyncEnabled":"false","CcmAXLUser":"axladmin","CcmAXLPassword":"","CcmVersion":"5"}'  # noqa: E501
SPEC_AXL_POST_BODY = '<AXLServer><MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><MediaRemoteServiceEnum>103</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.22</HostOrIPAddress><Port>8443</Port><CcmAXLUser>axladmin</CcmAXLUser><CcmAXLPassword>s3cret</CcmAXLPassword><CcmVersion>5</CcmVersion><IsPinSyncEnabled>false</IsPinSyncEnabled></AXLServer>'  # noqa: E501
SPEC_AXL_PUT_BODY = '<AXLServer><CcmAXLUser>CiscoCCM</CcmAXLUser><CcmAXLPassword/><CcmVersion>5</CcmVersion></AXLServer>'  # noqa: E501
SPEC_AXL_EMPTY_XML = X + '<AXLServers total="0"/>'

SPEC_SIP_LIST_XML = X + '<SipSecurityProfiles total="2"><SipSecurityProfile><URI>/vmrest/sipsecurityprofiles/0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13</URI><ObjectId>0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13</ObjectId><Port>5060</Port><DoTLS>false</DoTLS><DisplayName>5060</DisplayName></SipSecurityProfile><SipSecurityProfile><URI>/vmrest/sipsecurityprofiles/eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39</URI><ObjectId>eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39</ObjectId><Port>5061</Port><DoTLS>true</DoTLS><DisplayName>5061/TLS</DisplayName></SipSecurityProfile></SipSecurityProfiles>'  # noqa: E501
SPEC_SIP_LIST_JSON = '{"@total":"2","SipSecurityProfile":[{"URI":"/vmrest/sipsecurityprofiles/0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13","ObjectId":"0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13","Port":"5060","DoTLS":"false","DisplayName":"5060"},{"URI":"/vmrest/sipsecurityprofiles/eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39","ObjectId":"eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39","Port":"5061","DoTLS":"true","DisplayName":"5061/TLS"}]}'  # noqa: E501
SPEC_SIP_TLS_XML = X + '<SipSecurityProfile><URI>/vmrest/sipsecurityprofiles/eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39</URI><ObjectId>eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39</ObjectId><Port>5061</Port><DoTLS>true</DoTLS><DisplayName>5061/TLS</DisplayName></SipSecurityProfile>'  # noqa: E501
SPEC_SIP_TLS_JSON = '{"URI":"/vmrest/sipsecurityprofiles/eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39","ObjectId":"eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39","Port":"5061","DoTLS":"true","DisplayName":"5061/TLS"}'  # noqa: E501

SPEC_PSA_EMPTY_XML = X + '<PhoneSystemAssociations total="0"/>'
SPEC_PGC_EMPTY_XML = X + '<PortGroupCodecs total="0"/>'
