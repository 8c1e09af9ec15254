"""Wire conventions: content negotiation (§2.3), headers and paths (§2.8), HTTP behaviour
(§2.1): HEAD, HTTP/1.0, keep-alive, pipelining, Connection: close, Expect: 100-continue,
request-head limits and garbage."""

import email.utils
import re

import pytest

from cupidtest import (ADMIN, HEX32, JSON, PORT1, SPEC_PORT1_JSON, SPEC_PORT1_XML,
                       SPEC_VERSION_JSON, SPEC_VERSION_XML, X, XML, basic, parse_error,
                       raw_request)

# --- §2.3 content negotiation --------------------------------------------------------------

NEGOTIATION = [
    # (Accept header or None for absent, expected: 'xml' | 'json' | 406)
    (None, "xml"),
    ("", "xml"),
    ("*/*", "xml"),
    ("application/json", "json"),
    ("application/json, */*", "json"),
    ("application/xml, */*", "xml"),
    ("application/xml, application/json", "json"),
    ("application/json;q=0, */*", "xml"),
    ("text/html", 406),
    # rules 1-4 beyond the table
    ("APPLICATION/JSON", "json"),
    ("Application/Xml", "xml"),
    ("application/json; charset=utf-8", "json"),
    ("application/json;q=0.5", "json"),
    ("application/json;q=0.001, application/xml", "json"),
    ("text/xml", "xml"),
    ("application/*", "xml"),
    ("text/html, application/*", "xml"),
    ("text/html,application/json", "json"),
    ("application/json;q=0", 406),
    ("application/json;q=0.0", 406),
    ("application/json;q=0.00", 406),
    ("application/json;q=0.000", 406),
    ("application/json;q=0.000, application/xml;q=0", 406),
    ("*/*;q=0", 406),
    ("application/json;q=0, text/xml", "xml"),
    ("text/*", 406),
    ("image/png, text/plain", 406),
]


@pytest.mark.parametrize("accept,expect", NEGOTIATION, ids=[repr(a) for a, _ in NEGOTIATION])
def test_content_negotiation(admin, accept, expect):
    headers = {} if accept is None else {"Accept": accept}
    r = admin.get(f"/vmrest/ports/{PORT1}", headers=headers)
    if expect == 406:
        assert r.status == 406, r
        assert r.headers["Content-Type"] == XML
        code, _ = parse_error(r, "xml")
        assert code == "NOT_ACCEPTABLE"
    else:
        assert r.status == 200, r
        assert r.headers["Content-Type"] == (JSON if expect == "json" else XML)
        want = SPEC_PORT1_JSON if expect == "json" else SPEC_PORT1_XML
        assert r.body == want.encode()


def test_406_on_collection_and_version(admin):
    for path in ("/vmrest/ports", "/vmrest/version", "/vmrest/vmsservers"):
        r = admin.get(path, accept="text/html")
        assert r.status == 406, r
        assert parse_error(r, "xml")[0] == "NOT_ACCEPTABLE"


def test_cupid_endpoints_ignore_accept(admin):
    """§6: /cupid endpoints always answer JSON; 406 is for /vmrest only (§4.2 step 8)."""
    r = admin.get("/cupid/whoami", accept="text/html")
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON


def test_body_on_get_is_ignored(admin):
    """§2.3: bodies sent with GET, HEAD or DELETE are ignored, whatever their Content-Type."""
    for ctype in ("text/plain", "application/json", None):
        r = admin.get("/vmrest/version", body="this is <not> {json}", ctype=ctype)
        assert r.status == 200, r
        assert r.body == SPEC_VERSION_XML.encode()


def test_json_content_type_on_get_tolerated(admin):
    """§7: a client sends Content-Type: application/json on GETs."""
    r = admin.get("/vmrest/version", ctype=JSON, accept=JSON)
    assert r.status == 200 and r.body == SPEC_VERSION_JSON.encode()


# --- §2.8 headers on every response ----------------------------------------------------------

HEADER_CASES = [
    # (name, method, path, auth, accept, expected status)
    ("200 xml", "GET", "/vmrest/ports", ADMIN, None, 200),
    ("200 json", "GET", f"/vmrest/ports/{PORT1}", ADMIN, JSON, 200),
    ("200 version", "GET", "/vmrest/version", ADMIN, JSON, 200),
    ("401", "GET", "/vmrest/ports", None, None, 401),
    ("403", "POST", "/vmrest/vmsservers", ADMIN, None, 403),
    ("404 id", "GET", "/vmrest/ports/nope", ADMIN, JSON, 404),
    ("404 outside", "GET", "/nothing-here", None, None, 404),
    ("405", "PUT", "/vmrest/ports", ADMIN, None, 405),
    ("406", "GET", "/vmrest/ports", ADMIN, "text/html", 406),
    ("health", "GET", "/cupid/health", None, None, 200),
    ("whoami", "GET", "/cupid/whoami", ADMIN, None, 200),
    ("cupid 404", "GET", "/cupid/nothing", ADMIN, None, 404),
    ("cupid 401", "GET", "/cupid/whoami", None, None, 401),
]


@pytest.mark.parametrize("name,method,path,auth,accept,status", HEADER_CASES,
                         ids=[c[0] for c in HEADER_CASES])
def test_common_headers(seed, name, method, path, auth, accept, status):
    r = seed.request(method, path, auth=auth, accept=accept)
    assert r.status == status, r
    h = r.headers
    assert "Date" in h
    dt = email.utils.parsedate_to_datetime(h["Date"])
    assert dt is not None and h["Date"].endswith("GMT")
    assert h["Content-Length"] == str(len(r.body))
    assert h["Cache-Control"] == "no-cache"
    assert h["Pragma"] == "no-cache"
    assert h["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert h["X-Frame-Options"] == "SAMEORIGIN"
    assert HEX32.match(h["X-Request-Id"]), h["X-Request-Id"]
    assert "Set-Cookie" not in h
    if r.body:
        assert "Content-Type" in h


REQUEST_IDS = [
    ("abc", True),
    ("A-Z_a.z-0.9", True),
    ("x" * 64, True),
    ("0", True),
    ("x" * 65, False),
    ("", False),
    ("has space", False),
    ("a/b", False),
    ("semi;colon", False),
    ("caf\u00e9", False),
    ("a+b", False),
]


@pytest.mark.parametrize("rid,echoed", REQUEST_IDS, ids=[repr(r) for r, _ in REQUEST_IDS])
def test_x_request_id(server, rid, echoed):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version",
                           headers=[("X-Request-Id", rid), ("Connection", "close")]))
        r = c.read_response()
    assert r.status == 200, r
    got = r.headers["X-Request-Id"]
    if echoed:
        assert got == rid
    else:
        assert HEX32.match(got), got


def test_x_request_id_fresh_each_time(admin):
    ids = {admin.get("/vmrest/version").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(HEX32.match(i) for i in ids)


def test_x_request_id_on_errors_echoed(admin):
    r = admin.get("/vmrest/nope", headers={"X-Request-Id": "trace-42"})
    assert r.status == 404 and r.headers["X-Request-Id"] == "trace-42"
    r = admin.get("/cupid/health", auth=None, headers={"X-Request-Id": "trace-43"})
    assert r.headers["X-Request-Id"] == "trace-43"


def test_cookies_ignored(admin, anon):
    """§2.2: no cookies are set, Cookie headers are ignored."""
    r = anon.get("/vmrest/version", headers={"Cookie": "JSESSIONID=abc; vmrest=1"})
    assert r.status == 401
    r = admin.get("/vmrest/version", headers={"Cookie": "JSESSIONID=abc"})
    assert r.status == 200 and "Set-Cookie" not in r.headers


# --- §2.8 paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("path,body", [
    ("/vmrest/ports/", None),
    (f"/vmrest/ports/{PORT1}/", SPEC_PORT1_XML),
    ("/vmrest/p%6Frts", None),
    ("/vmrest/%70%6f%72%74%73", None),
    ("/vmrest/ports/ec664876%2D5879-4cff-a022-4929b37bd575", SPEC_PORT1_XML),
    ("/vmrest/version/", SPEC_VERSION_XML),
    ("/vmrest/version?x=1", SPEC_VERSION_XML),
])
def test_path_equivalents(seed, path, body):
    r = seed.get(path)
    assert r.status == 200, r
    if body is None:
        body = seed.get("/vmrest/ports").body.decode()
    assert r.body == body.encode()


@pytest.mark.parametrize("path", [
    "/vmrest/Ports",
    "/vmrest/PORTS",
    "/vmrest/Version",
    "/vmrest/vmsServers",
    "/vmrest/portGroups",
    "/vmrest/phonesystem/a8eb65f5-795b-41cd-98b1-934f6b987313",
    "/vmrest/phonesystem",
    "/vmrest//ports",
    "/vmrest/ports//",
    f"/vmrest/ports//{PORT1}",
    "/vmrest/./ports",
    "/vmrest/ports/.",
    "/vmrest/ports/..",
    "/vmrest/ports/../ports",
    "/vmrest/%2e/ports",
    "/vmrest/ports/%2E%2E",
    "/vmrest/users",
    "/vmrest/callhandlers",
    "/vmrest/application.wadl",
    "/vmrest/schema",
    f"/vmrest/ports/{PORT1}/extra",
    "/vmrest/version/extra",
    "/vmrest/vmsservers/574ca5d3-9041-4ff9-8e7d-727c32d80dab/x",
    "/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/other",
    "/vmrest/cluster/574ca5d3-9041-4ff9-8e7d-727c32d80dab",
])
def test_unknown_paths_404(seed, path):
    for accept, fmt in ((None, "xml"), (JSON, "json")):
        r = seed.get(path, accept=accept)
        assert r.status == 404, (path, r)
        assert parse_error(r, fmt)[0] == "NOT_FOUND"


# --- HEAD ------------------------------------------------------------------------------------

SKIP_COMPARE = {"date", "x-request-id"}


@pytest.mark.parametrize("path,accept", [
    ("/vmrest/ports", None), ("/vmrest/ports", JSON), (f"/vmrest/ports/{PORT1}", None),
    ("/vmrest/version", JSON), ("/vmrest/portgroups", None), ("/vmrest/vmsservers", JSON),
    ("/cupid/health", None), ("/cupid/whoami", None),
])
def test_head_same_headers_no_body(seed, server, path, accept):
    g = seed.get(path, accept=accept)
    assert g.status == 200
    hdrs = [("Connection", "close")] + ([("Accept", accept)] if accept else [])
    with server.raw() as c:
        c.send(raw_request("HEAD", path, headers=hdrs))
        h = c.read_response(method="HEAD")
        rest = c.read_until_close(timeout=3)
    assert h.status == 200, h
    assert rest == b"", f"HEAD response carried body bytes: {rest[:200]!r}"
    gh = {k.lower(): v for k, v in g.headers.items() if k.lower() not in SKIP_COMPARE}
    hh = {k.lower(): v for k, v in h.headers.items()
          if k.lower() not in SKIP_COMPARE and k.lower() != "connection"}
    gh.pop("connection", None)
    assert hh == gh
    assert h.headers["Content-Length"] == str(len(g.body))


def test_head_error_has_no_body(server, seed):
    with server.raw() as c:
        c.send(raw_request("HEAD", "/vmrest/ports/nope", headers=[("Connection", "close")]))
        r = c.read_response(method="HEAD")
        rest = c.read_until_close(timeout=3)
    assert r.status == 404
    assert rest == b""


# --- connections -----------------------------------------------------------------------------

def test_http10(server, seed):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", version="HTTP/1.0",
                           headers=[("Accept", JSON)]))
        r = c.read_response()
        assert r.status == 200, r
        assert r.body == SPEC_VERSION_JSON.encode()
        assert c.wait_closed(timeout=5), "HTTP/1.0 without keep-alive: connection should close"


def test_http10_no_host(server):
    with server.raw() as c:
        c.send(b"GET /vmrest/version HTTP/1.0\r\nAuthorization: " + basic(*ADMIN).encode()
               + b"\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert r.body == SPEC_VERSION_XML.encode()


def test_connection_close(server):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", headers=[("Connection", "close")]))
        r = c.read_response()
        assert r.status == 200
        assert r.body == SPEC_VERSION_XML.encode()
        assert r.headers.get("Connection", "").lower() == "close"
        assert c.wait_closed(timeout=5)


@pytest.mark.parametrize("tls", [True, False], ids=["https", "http"])
def test_keep_alive_reuse(server, tls):
    with server.raw(tls=tls) as c:
        for i in range(5):
            c.send(raw_request("GET", "/vmrest/version", headers=[("Accept", JSON)]))
            r = c.read_response()
            assert r.status == 200, (i, r)
            assert r.body == SPEC_VERSION_JSON.encode()
            assert r.headers.get("Connection", "").lower() != "close"
        # errors keep the connection too
        c.send(raw_request("GET", "/vmrest/nope"))
        assert c.read_response().status == 404
        c.send(raw_request("GET", "/vmrest/version", auth=None))
        assert c.read_response().status == 401
        c.send(raw_request("GET", "/vmrest/version"))
        assert c.read_response().status == 200


def test_keep_alive_with_http_client(server):
    cli = server.client(keep=True)
    try:
        r1 = cli.get("/vmrest/version")
        sock = cli.conn.sock
        r2 = cli.get("/vmrest/version", accept=JSON)
        assert cli.conn.sock is sock
        assert r1.status == r2.status == 200
    finally:
        cli.close()


def test_pipelining(server, seed):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", headers=[("Accept", JSON)])
               + raw_request("GET", f"/vmrest/ports/{PORT1}")
               + raw_request("HEAD", "/vmrest/version")
               + raw_request("GET", "/cupid/whoami", headers=[("Connection", "close")]))
        r1 = c.read_response()
        r2 = c.read_response()
        r3 = c.read_response(method="HEAD")
        r4 = c.read_response()
        assert (r1.status, r2.status, r3.status, r4.status) == (200, 200, 200, 200)
        assert r1.body == SPEC_VERSION_JSON.encode()
        assert r2.body == SPEC_PORT1_XML.encode()
        assert r3.body == b""
        assert r4.body == b'{"user":"admin","role":"administrator"}'
        assert c.wait_closed(timeout=5)


def test_content_length_body_on_get_then_next_request(server):
    """A GET with a Content-Length body: the body is consumed and ignored, the next request
    on the connection is parsed correctly."""
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", body=b"hello", headers=[("Accept", JSON)])
               + raw_request("GET", "/vmrest/version"))
        r1 = c.read_response()
        r2 = c.read_response()
        assert r1.status == 200 and r1.body == SPEC_VERSION_JSON.encode()
        assert r2.status == 200 and r2.body == SPEC_VERSION_XML.encode()


def test_chunked_body_on_get_ignored(server):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", headers=[("Transfer-Encoding", "chunked")])
               + b"5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"
               + raw_request("GET", "/vmrest/version", headers=[("Accept", JSON)]))
        r1 = c.read_response()
        r2 = c.read_response()
        assert r1.status == 200 and r1.body == SPEC_VERSION_XML.encode()
        assert r2.status == 200 and r2.body == SPEC_VERSION_JSON.encode()


def test_expect_100_continue(server, seed):
    """§2.1: Expect: 100-continue works (here on a fixture load with a whitespace body)."""
    body = b"  \n"
    with server.raw() as c:
        c.send(raw_request("POST", "/cupid/fixtures/seed",
                           headers=[("Content-Type", JSON), ("Expect", "100-continue"),
                                    ("Content-Length", str(len(body)))]))
        c.sock.settimeout(3)
        first = None
        try:
            first = c.read_response()
        except (TimeoutError, OSError):
            pass  # no interim response: a client sends the body after a short wait anyway
        c.sock.settimeout(5)
        if first is not None:
            assert first.status == 100, first
        c.send(body)
        r = c.read_response()
        assert r.status == 200, r
        assert r.body == (b'{"loaded":"seed","counts":{"vmsservers":1,"phonesystems":1,'
                          b'"portgroups":4,"ports":2}}')


def test_expect_100_continue_get(server):
    with server.raw() as c:
        c.send(raw_request("GET", "/vmrest/version",
                           headers=[("Expect", "100-continue"), ("Content-Length", "4")]))
        c.sock.settimeout(3)
        first = None
        try:
            first = c.read_response()
        except (TimeoutError, OSError):
            pass
        c.sock.settimeout(5)
        if first is not None and first.status == 100:
            c.send(b"abcd")
            r = c.read_response()
        elif first is not None:
            r = first
        else:
            c.send(b"abcd")
            r = c.read_response()
        assert r.status == 200, r
        assert r.body == SPEC_VERSION_XML.encode()


# --- request-head limits and garbage (§2.1) ----------------------------------------------------

def _head_of_size(size, path="/vmrest/version", many=False):
    """A GET request head of exactly size bytes, padded with one or many X-Pad headers."""
    base = raw_request("GET", path)[:-2]  # without the final CRLF
    pad = size - len(base) - 2
    out = b""
    if many:
        i = 0
        while pad - len(out) > 200:
            out += f"X-Pad-{i:04d}: ".encode() + b"p" * 50 + b"\r\n"
            i += 1
    name = b"X-Pad-End: "
    out += name + b"q" * (pad - len(out) - len(name) - 2) + b"\r\n"
    req = base + out + b"\r\n"
    assert len(req) == size, (len(req), size)
    return req


@pytest.mark.parametrize("many", [False, True], ids=["one-header", "many-headers"])
def test_8k_head_accepted(server, many):
    req = _head_of_size(8192, many=many)
    with server.raw() as c:
        c.send(req)
        r = c.read_response()
        assert r.status == 200, r
        assert r.body == SPEC_VERSION_XML.encode()


def test_8k_url_accepted(server):
    base = raw_request("GET", "/vmrest/version?x=")
    pad = 8192 - len(base)
    req = raw_request("GET", "/vmrest/version?x=" + "a" * pad)
    assert len(req) == 8192
    with server.raw() as c:
        c.send(req)
        r = c.read_response()
        assert r.status == 200, r


def _refused_and_closed(server, req):
    with server.raw() as c:
        c.try_send(req)
        try:
            r = c.read_response()
        except EOFError:
            r = None
        assert r is not None, "expected a 413/414/431/400 response before the close"
        assert r.status in (400, 413, 414, 431), r
        assert c.wait_closed(timeout=5), "connection should be closed after refusing the head"


@pytest.mark.parametrize("size", [16 * 1024 + 512, 20000, 40000])
def test_oversized_head_refused(server, size):
    _refused_and_closed(server, _head_of_size(size))


def test_oversized_head_many_headers_refused(server):
    _refused_and_closed(server, _head_of_size(20000, many=True))


def test_oversized_url_refused(server):
    _refused_and_closed(server, raw_request("GET", "/vmrest/version?x=" + "a" * 20000))


@pytest.mark.parametrize("line,codes", [
    (b"GARBAGE\r\n\r\n", (400,)),
    (b"this is not http\r\n\r\n", (400, 505)),
    (b"GET /vmrest/version HTTP/9.9\r\nHost: x\r\n\r\n", (400, 505)),
    (b"GET /vmrest/version FOO\r\nHost: x\r\n\r\n", (400, 505)),
    (b"GET /vmrest/version HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", (400,)),
    (b"GET /vmrest/version HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", (400,)),
    (b"GET /vmrest/version HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", (400,)),
])
def test_garbage_refused_and_closed(server, line, codes):
    with server.raw() as c:
        c.try_send(line)
        try:
            r = c.read_response()
        except EOFError:
            r = None
        assert r is not None, "expected a 400 response before the close"
        assert r.status in codes, r
        assert c.wait_closed(timeout=5)


def test_server_still_fine_after_garbage(admin):
    assert admin.get("/vmrest/version").status == 200


def test_no_whitespace_in_bodies(seed):
    for path in ("/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems",
                 "/vmrest/vmsservers", "/vmrest/portgrouptemplates", "/vmrest/version"):
        for accept in (None, JSON):
            r = seed.get(path, accept=accept)
            assert not r.body.endswith(b"\n")
            assert not re.search(rb">\s+<", r.body)
            if accept == JSON:
                assert not re.search(rb'[,:{\[]\s', r.body)
            else:
                assert r.body.startswith(X.encode() + b"<")
