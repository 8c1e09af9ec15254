"""Fault injection (README "Testing your scripts against cupid"): rules under /cupid/faults
match a method, a path pattern, a query substring, a body substring or field, and answer a
CUPI error, add latency or drop the connection (before any byte, or in the middle of the
body), for the next `times` matches or with a probability; applied after authentication and
before the handler, so a faulted write changes nothing. Runs on both stores."""

import json
import re
import socket
import ssl
import threading
import time

import pytest

from cupidtest import (JSON, PG_ROHIT, READER, VMS_NAME, XML, assert_error, insecure_context,
                       raw_request)

PORTS = f'{{"MediaPortGroupObjectId":"{PG_ROHIT}","VmsServerName":"{VMS_NAME}","NumberOfPorts":2}}'


@pytest.fixture
def srv(make_server):
    return make_server()


def add(cli, rule, status=201):
    r = cli.post("/cupid/faults", body=json.dumps(rule), ctype=JSON)
    assert r.status == status, r
    return r.json()


def rules(cli):
    r = cli.get("/cupid/faults")
    assert r.status == 200, r
    return r.json()["faults"]


def port_total(cli):
    return int(cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"])


def metric(cli, action):
    text = cli.get("/cupid/metrics").body.decode()
    m = re.search(rf'^cupid_faults_fired_total{{action="{action}"}} (\d+)$', text, re.M)
    assert m, text[-500:]
    return int(m.group(1))


def test_the_next_post_fails_and_changes_nothing(srv):
    cli = srv.client()
    rule = add(cli, {"method": "POST", "path": "/vmrest/ports", "times": 1, "status": 503,
                     "code": "SERVER_BUSY"})
    assert rule["id"] >= 1 and rule["hits"] == 0 and rule["times"] == 1
    assert rule["action"] == "error" and rule["status"] == 503
    before = port_total(cli)
    r = cli.post("/vmrest/ports", body=PORTS, ctype=JSON)
    assert_error(r, 503, "SERVER_BUSY", "xml", field=f"rule {rule['id']}")
    assert port_total(cli) == before  # nothing was written
    assert cli.post("/vmrest/ports", body=PORTS, ctype=JSON).status == 201  # once only
    assert port_total(cli) == before + 2
    (listed,) = rules(cli)
    assert listed["hits"] == 1 and listed["remaining"] == 0
    assert metric(cli, "error") == 1


def test_errors_in_the_negotiated_format_with_any_code(srv):
    cli = srv.client()
    add(cli, {"path": "/vmrest/phonesystems", "status": 404})
    add(cli, {"path": "/vmrest/portgroups", "code": "LICENSE_EXCEEDED", "message": "no licence"})
    add(cli, {"path": "/vmrest/vmsservers", "status": 502, "code": "SERVER_BUSY"})
    add(cli, {"path": "/vmrest/ports", "status": 401, "code": "AUTHENTICATION_FAILED"})
    assert_error(cli.get("/vmrest/phonesystems", accept=JSON), 404, "NOT_FOUND", "json")
    msg = assert_error(cli.get("/vmrest/portgroups"), 400, "LICENSE_EXCEEDED", "xml")
    assert msg == "no licence"
    assert_error(cli.get("/vmrest/vmsservers"), 502, "SERVER_BUSY", "xml")
    r = cli.get("/vmrest/ports")
    assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")
    assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'
    assert cli.get("/vmrest/version").status == 200  # not matched


def test_latency_holds_no_thread(make_server):
    srv = make_server({"http.threads": "1"})
    cli = srv.client()
    rule = add(cli, {"method": "GET", "path": "/vmrest/ports/*", "delayMs": 400})
    assert rule["action"] == "delay"
    done = {}

    def slow():
        t0 = time.monotonic()
        r = srv.client().get("/vmrest/ports/nope")
        done["slow"] = (r.status, time.monotonic() - t0, time.monotonic())

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.05)
    # meanwhile others are served by the one request thread: nothing waits on it
    for _ in range(5):
        assert cli.get("/vmrest/version").status == 200
    fast_done = time.monotonic()
    t.join(timeout=30)
    status, took, finished = done["slow"]
    assert status == 404  # the real answer, late
    assert took >= 0.39, took
    assert fast_done < finished
    assert metric(cli, "delay") == 1


def test_latency_then_an_error(make_server):
    srv = make_server({"http.threads": "1"})
    cli = srv.client()
    add(cli, {"method": "DELETE", "path": "/vmrest/ports/*", "delayMs": 300, "status": 500})
    before = port_total(cli)
    port = cli.get_json("/vmrest/ports?rowsPerPage=1")["Port"]["ObjectId"]
    t0 = time.monotonic()
    r = cli.delete(f"/vmrest/ports/{port}")
    assert time.monotonic() - t0 >= 0.29
    assert_error(r, 500, "INTERNAL_ERROR", "xml")
    assert port_total(cli) == before


def raw_exchange(srv, tls, request):
    """Sends request on a fresh connection and reads until the server ends it. Returns
    (bytes received, how it ended: 'reset' or 'eof')."""
    s = socket.create_connection(("127.0.0.1", srv.https_port if tls else srv.http_port),
                                 timeout=10)
    if tls:  # ragged EOFs raised: a reset (or any close without close_notify) is seen
        s = insecure_context().wrap_socket(s, server_hostname="127.0.0.1",
                                           suppress_ragged_eofs=False)
    got = b""
    try:
        s.sendall(request)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                return got, "reset"
            except ssl.SSLEOFError:  # what a TCP reset under TLS looks like from Python
                return got, "cut"
            except OSError as e:
                return got, f"error: {e}"
            if not d:
                return got, "eof"
            got += d
        return got, "timeout"
    finally:
        s.close()


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_drop_before_any_byte_is_a_reset_and_changes_nothing(srv, tls):
    cli = srv.client()
    add(cli, {"method": "DELETE", "path": "/vmrest/ports/*", "action": "drop"})
    before = port_total(cli)
    port = cli.get_json("/vmrest/ports?rowsPerPage=1")["Port"]["ObjectId"]
    got, how = raw_exchange(srv, tls, raw_request("DELETE", f"/vmrest/ports/{port}"))
    assert got == b"" and how == ("cut" if tls else "reset"), (got, how)
    assert port_total(cli) == before
    assert cli.get(f"/vmrest/ports/{port}").status == 200
    assert metric(cli, "drop") == 1


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_drop_in_the_middle_of_the_body(srv, tls):
    cli = srv.client()
    full = cli.get("/vmrest/portgroups", accept=XML).body
    rule = add(cli, {"method": "GET", "path": "/vmrest/portgroups", "action": "drop",
                     "drop": "midBody"})
    assert rule["drop"] == "midBody"
    got, how = raw_exchange(srv, tls, raw_request("GET", "/vmrest/portgroups"))
    head, _, body = got.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK"), got[:200]
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    assert length == len(full)
    assert 0 < len(body) < length and full.startswith(body)
    assert how == ("cut" if tls else "reset"), how
    # a write cut in the middle changes nothing either
    add(cli, {"method": "POST", "path": "/vmrest/ports", "action": "drop", "drop": "midBody"})
    before = port_total(cli)
    got, how = raw_exchange(srv, tls, raw_request("POST", "/vmrest/ports", body=PORTS,
                                                  headers=[("Content-Type", JSON)]))
    assert got.startswith(b"HTTP/1.1 503 "), got[:200]
    assert port_total(cli) == before


def test_matching(srv):
    cli = srv.client()
    add(cli, {"method": "get", "path": "/vmrest/portgroups/*/portgroupservers", "status": 500})
    add(cli, {"method": "*", "path": "/vmrest/phonesystems/**", "status": 503})
    add(cli, {"path": "/vmrest/ports", "query": "rowsPerPage=7", "status": 500})
    add(cli, {"method": "POST", "path": "/vmrest/portgroups", "bodyContains": "Lab-X",
              "status": 500})
    add(cli, {"method": "POST", "path": "/vmrest/ports", "field": "NumberOfPorts", "value": "6",
              "status": 500})
    assert cli.get(f"/vmrest/portgroups/{PG_ROHIT}/portgroupservers").status == 500
    assert cli.get(f"/vmrest/portgroups/{PG_ROHIT}/portgroupservers/").status == 500
    assert cli.get(f"/vmrest/portgroups/{PG_ROHIT}/portgroupcodecs").status == 200
    assert cli.get(f"/vmrest/portgroups/{PG_ROHIT}").status == 200  # * is one segment
    assert cli.get("/vmrest/phonesystems").status == 200  # ** needs the slash before it
    assert cli.get("/vmrest/phonesystems/x/y").status == 503
    assert cli.get("/vmrest/ports?rowsPerPage=7").status == 500
    assert cli.get("/vmrest/ports?rowsPerPage=8").status == 200
    r = cli.post("/vmrest/portgroups", body='{"DisplayName":"Lab-X"}', ctype=JSON)
    assert r.status == 500
    r = cli.post("/vmrest/portgroups", body="<PortGroup><DisplayName>Lab-Y</DisplayName>"
                 "</PortGroup>", ctype=XML)
    assert r.status == 400  # not faulted: the handler's own answer
    six = PORTS.replace('"NumberOfPorts":2', '"NumberOfPorts" : 6')
    assert cli.post("/vmrest/ports", body=six, ctype=JSON).status == 500
    xml6 = (f"<Port><MediaPortGroupObjectId>{PG_ROHIT}</MediaPortGroupObjectId>"
            f"<NumberOfPorts>6</NumberOfPorts></Port>")
    assert cli.post("/vmrest/ports", body=xml6, ctype=XML).status == 500
    sixty = PORTS.replace('"NumberOfPorts":2', '"NumberOfPorts":60')
    assert cli.post("/vmrest/ports", body=sixty, ctype=JSON).status != 500
    assert [f["hits"] for f in rules(cli)] == [2, 1, 1, 1, 2]


def test_probability(srv):
    cli = srv.client(keep=True)
    add(cli, {"path": "/vmrest/version", "status": 503, "probability": 0.5})
    statuses = [cli.get("/vmrest/version").status for _ in range(300)]
    faulted = statuses.count(503)
    assert statuses.count(200) + faulted == 300
    assert 60 <= faulted <= 240, faulted  # 150 expected; far outside these is not chance
    assert rules(cli)[0]["hits"] == faulted


def test_list_remove_clear(srv):
    cli = srv.client()
    a = add(cli, {"path": "/vmrest/version", "status": 500})
    b = add(cli, {"path": "/vmrest/ports", "delayMs": 1})
    assert [f["id"] for f in rules(cli)] == [a["id"], b["id"]]
    assert rules(cli)[0] == a
    r = cli.delete(f"/cupid/faults/{a['id']}")
    assert r.status == 204
    assert_error(cli.delete(f"/cupid/faults/{a['id']}"), 404, "NOT_FOUND", "json")
    assert_error(cli.delete("/cupid/faults/abc"), 404, "NOT_FOUND", "json")
    assert [f["id"] for f in rules(cli)] == [b["id"]]
    assert cli.get("/vmrest/version").status == 200
    c = add(cli, {"path": "/vmrest/version", "status": 500})
    assert c["id"] > b["id"]
    assert cli.delete("/cupid/faults").status == 204
    assert rules(cli) == []
    assert cli.get("/vmrest/version").status == 200


def test_fixture_loads_keep_rules_unless_asked(srv):
    cli = srv.client()
    add(cli, {"path": "/vmrest/version", "status": 500})
    assert cli.post("/cupid/reset").status == 200
    assert cli.post("/cupid/fixtures/seed").status == 200
    assert len(rules(cli)) == 1
    assert cli.get("/vmrest/version").status == 500
    assert cli.post("/cupid/fixtures/seed?clearFaults=true").status == 200
    assert rules(cli) == []
    add(cli, {"path": "/vmrest/version", "status": 500})
    assert cli.post("/cupid/reset?clearFaults=true").status == 200
    assert rules(cli) == []
    assert_error(cli.post("/cupid/reset?clearFaults=yes"), 400, "INVALID_PARAMETER", "json")


def test_its_own_endpoints_are_never_faulted(srv):
    cli = srv.client()
    add(cli, {"method": "*", "path": "/**", "status": 500})
    assert cli.get("/vmrest/version").status == 500
    assert cli.get("/cupid/health").status == 200  # no credentials needed: no fault
    assert cli.get("/cupid/whoami").status == 500
    assert cli.get("/cupid/requests?count=true").status == 200
    assert len(rules(cli)) == 1
    assert cli.delete("/cupid/faults").status == 204
    assert cli.get("/cupid/whoami").status == 200


def test_before_authentication_nothing_fires(srv):
    cli = srv.client()
    add(cli, {"path": "/vmrest/version", "status": 500})
    r = srv.client(("admin", "wrong")).get("/vmrest/version")
    assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")
    assert rules(cli)[0]["hits"] == 0


@pytest.mark.parametrize("rule,field", [
    ("not json", "JSON object"),
    ("[]", "JSON object"),
    ({"path": "/x", "status": 500, "colour": "red"}, "colour"),
    ({"status": 500}, "path"),
    ({"path": "x", "status": 500}, "path"),
    ({"path": "/x", "status": 200}, "status"),
    ({"path": "/x", "status": "500"}, "status"),
    ({"path": "/x", "code": "TEAPOT"}, "code"),
    ({"path": "/x", "status": 500, "times": 0}, "times"),
    ({"path": "/x", "status": 500, "probability": 2}, "probability"),
    ({"path": "/x", "status": 500, "probability": 0}, "probability"),
    ({"path": "/x", "delayMs": -1}, "delayMs"),
    ({"path": "/x", "delayMs": 700000}, "delayMs"),
    ({"path": "/x", "action": "explode"}, "action"),
    ({"path": "/x", "action": "error", "status": 500, "drop": "midBody"}, "drop"),
    ({"path": "/x", "action": "drop", "drop": "sideways"}, "drop"),
    ({"path": "/x", "action": "error"}, "status or a code"),
    ({"path": "/x"}, "delayMs"),
    ({"path": "/x", "action": "delay", "delayMs": 5, "status": 500}, "no status"),
    ({"path": "/x", "status": 500, "field": "NumberOfPorts"}, "field and value"),
    ({"path": "/x", "status": 500, "method": 5}, "method"),
    ('{"path":"/x","path":"/y","status":500}', "JSON object"),
])
def test_bad_rules_are_refused_and_change_nothing(srv, rule, field):
    cli = srv.client()
    body = rule if isinstance(rule, str) else json.dumps(rule)
    r = cli.post("/cupid/faults", body=body, ctype=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field=field)
    assert rules(cli) == []


def test_administrators_only(server):
    r = server.client(READER).post("/cupid/faults", body='{"path":"/x","status":500}',
                                   ctype=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    for method, path in (("GET", "/cupid/faults"), ("DELETE", "/cupid/faults"),
                         ("DELETE", "/cupid/faults/1")):
        assert_error(server.client(READER).request(method, path), 403, "FORBIDDEN", "json")
