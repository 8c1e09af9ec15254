"""Errors a server can produce before any write logic runs: §4.1 (403, 404, 405, 406, 413, 415),
the error body of §2.5, and the order of checks of §4.2. 401 is in test_auth.py."""

import pytest

from cupidtest import (ADMIN, JSON, PG_SIP, PORT1, PS, TPL_SIP, VMS1, XML,
                       assert_error, raw_request, start_server)

VALID_PORT_POST = ('{"MediaPortGroupObjectId":"575f43be-f5d0-4af7-a689-06d968227ff7",'
                   '"VmsServerObjectId":"574ca5d3-9041-4ff9-8e7d-727c32d80dab","NumberOfPorts":2}')


def fmt_of(accept):
    return "json" if accept == JSON else "xml"


# --- 403: read-only resources, any user (§5 method table) -------------------------------------

READ_ONLY = [
    "/vmrest/version",
    "/vmrest/vmsservers",
    f"/vmrest/vmsservers/{VMS1}",
    "/vmrest/cluster",
    "/vmrest/portgrouptemplates",
    f"/vmrest/portgrouptemplates/{TPL_SIP}",
    "/vmrest/portgrouptemplates/00000000-0000-4000-8000-000000000000",  # routing before id
    f"/vmrest/phonesystems/{PS}/phonesystemassociations",
]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", READ_ONLY)
@pytest.mark.parametrize("accept", [None, JSON])
def test_read_only_resources_403(seed, path, method, accept):
    r = seed.request(method, path, body="<x/>", ctype=XML, accept=accept)
    assert_error(r, 403, "FORBIDDEN", fmt_of(accept))


@pytest.mark.parametrize("path", READ_ONLY[:3])
def test_read_only_resources_403_for_reader_too(reader, path):
    assert_error(reader.post(path, body="<x/>", ctype=XML), 403, "FORBIDDEN")


def test_read_only_403_changes_nothing(seed):
    before = seed.get("/vmrest/vmsservers").body
    assert seed.delete(f"/vmrest/vmsservers/{VMS1}").status == 403
    assert seed.put(f"/vmrest/vmsservers/{VMS1}", body='{"ServerName":"x"}', ctype=JSON
                    ).status == 403
    assert seed.get("/vmrest/vmsservers").body == before


# --- 403: readonly user writing (§2.2) ---------------------------------------------------------

READER_WRITES = [
    ("POST", "/vmrest/ports", VALID_PORT_POST),
    ("POST", "/vmrest/portgroups", '{"MediaSwitchObjectId":"%s","TelephonyIntegrationMethodEnum":2}' % PS),
    ("POST", "/vmrest/phonesystems", '{"DisplayName":"X"}'),
    ("PUT", f"/vmrest/ports/{PORT1}", '{"HuntOrder":"3"}'),
    ("PUT", f"/vmrest/portgroups/{PG_SIP}", '{"DisplayName":"Y"}'),
    ("PUT", f"/vmrest/phonesystems/{PS}", '{"DisplayName":"Z"}'),
    ("DELETE", f"/vmrest/ports/{PORT1}", None),
    ("DELETE", f"/vmrest/portgroups/{PG_SIP}", None),
    ("DELETE", f"/vmrest/phonesystems/{PS}", None),
    ("DELETE", "/vmrest/ports/does-not-exist", None),  # role (7) before ObjectId (10)
    ("PUT", "/vmrest/ports/does-not-exist", '{"HuntOrder":"3"}'),
]


@pytest.mark.parametrize("method,path,body", READER_WRITES,
                         ids=[f"{m} {p}" for m, p, _ in READER_WRITES])
@pytest.mark.parametrize("accept", [None, JSON])
def test_reader_writes_403(seed, reader, method, path, body, accept):
    before = [seed.get(p, accept=JSON).body for p in
              ("/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems")]
    r = reader.request(method, path, body=body, ctype=JSON if body else None, accept=accept)
    assert_error(r, 403, "FORBIDDEN", fmt_of(accept))
    after = [seed.get(p, accept=JSON).body for p in
             ("/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems")]
    assert after == before


@pytest.mark.parametrize("path", ["/vmrest/ports", f"/vmrest/ports/{PORT1}", "/vmrest/version",
                                  "/vmrest/vmsservers", "/vmrest/portgroups",
                                  "/vmrest/phonesystems", "/vmrest/portgrouptemplates"])
def test_reader_may_read(seed, reader, path):
    r = reader.get(path)
    assert r.status == 200
    assert r.body == seed.get(path).body
    assert reader.head(path).status == 200


# --- 405 (§5 method table, Allow values) -------------------------------------------------------

COLL = "GET, HEAD, POST"
OBJ = "GET, HEAD, PUT, DELETE"
RO = "GET, HEAD"

METHOD_405 = [
    ("PUT", "/vmrest/ports", COLL),
    ("DELETE", "/vmrest/ports", COLL),
    ("PUT", "/vmrest/portgroups", COLL),
    ("DELETE", "/vmrest/portgroups", COLL),
    ("PUT", "/vmrest/phonesystems", COLL),
    ("DELETE", "/vmrest/phonesystems", COLL),
    ("POST", f"/vmrest/ports/{PORT1}", OBJ),
    ("POST", "/vmrest/ports/does-not-exist", OBJ),  # routing (6) before ObjectId (10)
    ("POST", f"/vmrest/portgroups/{PG_SIP}", OBJ),
    ("POST", f"/vmrest/phonesystems/{PS}", OBJ),
    ("PATCH", "/vmrest/ports", COLL),
    ("PATCH", f"/vmrest/ports/{PORT1}", OBJ),
    ("OPTIONS", "/vmrest/ports", COLL),
    ("OPTIONS", f"/vmrest/phonesystems/{PS}", OBJ),
    ("PATCH", "/vmrest/version", RO),
    ("OPTIONS", "/vmrest/version", RO),
    ("PATCH", "/vmrest/vmsservers", RO),
    ("OPTIONS", f"/vmrest/vmsservers/{VMS1}", RO),
    ("PATCH", "/vmrest/cluster", RO),
    ("OPTIONS", "/vmrest/portgrouptemplates", RO),
    ("PATCH", f"/vmrest/portgrouptemplates/{TPL_SIP}", RO),
    ("PATCH", f"/vmrest/phonesystems/{PS}/axlservers", "GET, HEAD, POST"),
    ("OPTIONS", f"/vmrest/phonesystems/{PS}/phonesystemassociations", RO),
    ("TRACE", "/vmrest/ports", COLL),
]


@pytest.mark.parametrize("method,path,allow", METHOD_405, ids=[f"{m} {p}" for m, p, _ in METHOD_405])
@pytest.mark.parametrize("accept", [None, JSON])
def test_405_with_allow(seed, method, path, allow, accept):
    r = seed.request(method, path, accept=accept)
    assert_error(r, 405, "METHOD_NOT_ALLOWED", fmt_of(accept))
    assert r.headers["Allow"] == allow


def test_405_for_reader_before_role(reader):
    """§4.2: routing (405) comes before the role check (403)."""
    r = reader.put("/vmrest/ports", body=VALID_PORT_POST, ctype=JSON)
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert r.headers["Allow"] == COLL


# --- 406 ---------------------------------------------------------------------------------------

def test_406_body_is_xml(admin):
    r = admin.get("/vmrest/ports", accept="text/html")
    assert_error(r, 406, "NOT_ACCEPTABLE", "xml")


# --- 415 (§2.3) --------------------------------------------------------------------------------

@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded",
                                   "application/jsonx", "text/json"])
@pytest.mark.parametrize("accept", [None, JSON])
def test_415_post(seed, ctype, accept):
    before = seed.get("/vmrest/ports", accept=JSON).body
    r = seed.post("/vmrest/ports", body=VALID_PORT_POST, ctype=ctype, accept=accept)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", fmt_of(accept))
    assert seed.get("/vmrest/ports", accept=JSON).body == before


@pytest.mark.parametrize("path", [f"/vmrest/ports/{PORT1}", "/vmrest/ports/does-not-exist"])
def test_415_put(seed, path):
    """§4.2: 415 (step 9) comes before the ObjectId check (step 10)."""
    r = seed.put(path, body='{"HuntOrder":"3"}', ctype="text/plain")
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    r = seed.put(path, body='<Port><HuntOrder>3</HuntOrder></Port>')
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_415_cupid_is_json(seed):
    admin = seed
    r = admin.post("/cupid/fixtures/seed", body="<x/>", ctype=XML)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "json")
    r = admin.post("/cupid/reset", body="reset please", ctype="text/plain", accept=XML)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "json")
    assert admin.get("/vmrest/ports", accept=JSON).json()["@total"] == "2"


# --- order of checks (§4.2) --------------------------------------------------------------------

def test_order_outside_path_404_before_401(anon):
    for path in ("/", "/foo", "/index.html", "/vmrestx/ports", "/cupidx", "/VMREST/ports",
                 "/Cupid/health", "/api/vmrest/ports"):
        r = anon.get(path)
        assert_error(r, 404, "NOT_FOUND", "xml")
        assert "WWW-Authenticate" not in r.headers
        assert_error(anon.get(path, accept=JSON), 404, "NOT_FOUND", "json")
        # "XML when it selects neither"
        assert_error(anon.get(path, accept="text/html"), 404, "NOT_FOUND", "xml")
        assert_error(anon.post(path, body="x", ctype="text/plain"), 404, "NOT_FOUND", "xml")


def test_order_401_before_404_under_vmrest(anon):
    for path in ("/vmrest/bogus", "/vmrest/Ports", "/vmrest/ports/does-not-exist",
                 "/vmrest/phonesystem/x"):
        r = anon.get(path)
        assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")
        assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'


def test_order_401_before_404_under_cupid(anon, admin):
    assert_error(anon.get("/cupid/bogus"), 401, "AUTHENTICATION_FAILED", "json")
    assert_error(admin.get("/cupid/bogus"), 404, "NOT_FOUND", "json")


def test_order_401_before_403_and_405(anon):
    assert_error(anon.post("/vmrest/vmsservers", body="<x/>", ctype=XML), 401,
                 "AUTHENTICATION_FAILED")
    assert_error(anon.request("PATCH", "/vmrest/ports"), 401, "AUTHENTICATION_FAILED")
    assert_error(anon.put("/vmrest/ports"), 401, "AUTHENTICATION_FAILED")


def test_order_401_before_406(anon):
    r = anon.get("/vmrest/ports", accept="text/html")
    assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")


def test_order_403_read_only_before_406_and_415(admin, reader):
    assert_error(admin.post("/vmrest/vmsservers", body="x", ctype="text/plain",
                            accept="text/html"), 403, "FORBIDDEN", "xml")
    assert_error(reader.post("/vmrest/ports", body="x", ctype="text/plain", accept="text/html"),
                 403, "FORBIDDEN", "xml")


def test_order_405_before_406(admin):
    r = admin.put("/vmrest/ports", accept="text/html")
    assert_error(r, 405, "METHOD_NOT_ALLOWED", "xml")


def test_order_404_path_before_405(admin):
    """An unknown path is 404 whatever the method (§4.2 step 6)."""
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
        assert_error(admin.request(method, "/vmrest/bogus"), 404, "NOT_FOUND")
        assert_error(admin.request(method, f"/vmrest/cluster/{VMS1}"), 404, "NOT_FOUND")


def test_order_406_before_415(admin):
    r = admin.post("/vmrest/ports", body=VALID_PORT_POST, ctype="text/plain", accept="text/html")
    assert_error(r, 406, "NOT_ACCEPTABLE", "xml")


def test_order_406_before_404_id(admin):
    assert_error(admin.get("/vmrest/ports/does-not-exist", accept="text/html"), 406,
                 "NOT_ACCEPTABLE", "xml")


# --- 413 (§4.1, http.max_body_bytes) -------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    s = start_server({"http.max_body_bytes": "1000"})
    yield s
    s.cleanup()


def _send_head_only(srv, path, length, auth=ADMIN, ctype=JSON, accept=None):
    """Sends a head announcing `length` body bytes but no body; the answer must come anyway
    (the cap is judged from Content-Length before reading)."""
    hdrs = [("Content-Type", ctype), ("Content-Length", str(length))]
    if accept:
        hdrs.append(("Accept", accept))
    with srv.raw() as c:
        c.send(raw_request("POST", path, headers=hdrs, auth=auth))
        return c.read_response()


class _R:  # adapts RawResp to assert_error
    def __init__(self, r):
        self.status, self.headers, self.body = r.status, r.headers, r.body

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


@pytest.mark.parametrize("length", [1001, 5000, 10 ** 9])
def test_413_content_length_before_reading(small, length):
    r = _send_head_only(small, "/vmrest/ports", length)
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE", "xml")
    r = _send_head_only(small, "/vmrest/ports", length, accept=JSON)
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE", "json")


def test_413_before_401(small):
    r = _send_head_only(small, "/vmrest/ports", 5000, auth=None)
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE")
    r = _send_head_only(small, "/vmrest/ports", 5000, auth=("admin", "wrong"))
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE")


def test_413_before_404_outside(small):
    r = _send_head_only(small, "/not-here", 5000, auth=None)
    assert r.status == 413, r


def test_413_on_cupid_is_json(small):
    r = _send_head_only(small, "/cupid/fixtures", 5000)
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE", "json")


def test_413_on_get_body(small):
    """§2.3: bodies of GET count towards the limit."""
    with small.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", headers=[("Content-Length", "2000")]))
        r = c.read_response()
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE")


def test_body_at_cap_accepted(small):
    cli = small.client()
    r = cli.get("/vmrest/version", body=b" " * 1000, ctype="text/plain")
    assert r.status == 200, r
    r = cli.post("/cupid/fixtures/seed", body=b" " * 1000, ctype=JSON)
    assert r.status == 200, r


def test_413_chunked_over_cap(small):
    before = small.client().get("/vmrest/ports", accept=JSON).body
    with small.raw() as c:
        c.send(raw_request("POST", "/vmrest/ports",
                           headers=[("Content-Type", JSON), ("Transfer-Encoding", "chunked")]))
        chunk = b'{"MediaPortGroupObjectId":"575f43be-f5d0-4af7-a689-06d968227ff7",' + b" " * 500
        ok = c.try_send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        filler = b" " * 600
        for _ in range(3):
            if ok:
                ok = c.try_send(b"%x\r\n" % len(filler) + filler + b"\r\n")
        if ok:
            tail = b'"NumberOfPorts":2}'
            c.try_send(b"%x\r\n" % len(tail) + tail + b"\r\n0\r\n\r\n")
        r = c.read_response()
    assert r is not None
    assert_error(_R(r), 413, "PAYLOAD_TOO_LARGE")
    assert small.client().get("/vmrest/ports", accept=JSON).body == before


def test_chunked_under_cap_accepted(small):
    with small.raw() as c:
        c.send(raw_request("GET", "/vmrest/version", headers=[("Transfer-Encoding", "chunked")])
               + b"100\r\n" + b"x" * 256 + b"\r\n0\r\n\r\n")
        r = c.read_response()
    assert r.status == 200, r
