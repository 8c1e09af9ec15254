"""The request journal (README "Testing your scripts against cupid"): GET /cupid/requests lists
the last journal.max_entries requests, newest last, with headers (Authorization redacted), the
body up to journal.max_body_bytes (password fields redacted), status, sizes and duration;
filters by method, path prefix, status or class, sinceId, since (time) and limit; count=true
answers {"count":N}; DELETE clears it. Administrators only."""

import json
import threading
import time
import urllib.parse

import pytest

from cupidtest import ADMIN, JSON, PG_ROHIT, READER, VMS_NAME, XML, assert_error

PORTS = f'{{"MediaPortGroupObjectId":"{PG_ROHIT}","VmsServerName":"{VMS_NAME}","NumberOfPorts":2}}'


def entries(cli, query=""):
    r = cli.get("/cupid/requests" + (f"?{query}" if query else ""))
    assert r.status == 200, r
    assert r.headers["Content-Type"] == "application/json"
    return r.json()["requests"]


def count(cli, query=""):
    r = cli.get("/cupid/requests?count=true" + (f"&{query}" if query else ""))
    assert r.status == 200, r
    return r.json()["count"]


@pytest.fixture
def srv(make_server):
    return make_server()


def test_what_a_script_sent(srv):
    cli = srv.client()
    created = cli.post("/vmrest/ports?x=1", body=PORTS, ctype=JSON,
                       headers={"X-Request-Id": "script-1", "X-Custom": "hello"})
    assert created.status == 201, created
    r = cli.get(f"/vmrest/portgroups/{PG_ROHIT}", accept=XML)
    assert r.status == 200
    got = entries(cli)
    assert [(e["method"], e["path"], e["status"]) for e in got] == [
        ("POST", "/vmrest/ports", 201), ("GET", f"/vmrest/portgroups/{PG_ROHIT}", 200)]
    post = got[0]
    assert post["query"] == "x=1"
    assert post["body"] == PORTS and post["bodyBytes"] == len(PORTS)
    assert post["bodyTruncated"] is False
    assert post["requestId"] == "script-1"
    assert post["user"] == "admin"
    assert post["headers"]["X-Custom"] == "hello"
    assert post["headers"]["Content-Type"] == JSON
    assert post["headers"]["Authorization"] == "[redacted]"
    assert "adminpw" not in json.dumps(got) and "YWRtaW46" not in json.dumps(got)
    assert post["responseBytes"] == len(created.body)
    assert isinstance(post["durationMs"], (int, float)) and post["durationMs"] >= 0
    assert post["id"] < got[1]["id"]
    when = time.strptime(post["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert abs(time.mktime(when) - time.timezone - time.time()) < 120
    assert got[1]["query"] is None and got[1]["body"] == ""
    assert got[1]["responseBytes"] == len(r.body)


def test_refusals_and_unauthenticated_requests_are_kept(srv):
    cli = srv.client()
    assert cli.get("/vmrest/ports", auth=("admin", "nope")).status == 401
    assert cli.post("/vmrest/ports", body="<Port>", ctype=XML).status == 400
    assert cli.get("/nowhere").status == 404
    got = entries(cli)
    assert [(e["path"], e["status"], e["user"]) for e in got] == [
        ("/vmrest/ports", 401, None), ("/vmrest/ports", 400, "admin"), ("/nowhere", 404, None)]


def test_passwords_in_bodies_are_redacted(srv):
    cli = srv.client()
    xml = "<AxlServer><Password>s3cret</Password><UserName>axl</UserName></AxlServer>"
    js = '{"AxlPassword" : "s3\\"cret", "password":12345, "UserName":"axl"}'
    cli.post(f"/vmrest/portgroups/{PG_ROHIT}/x", body=xml, ctype=XML)
    cli.post(f"/vmrest/portgroups/{PG_ROHIT}/x", body=js, ctype=JSON)
    a, b = entries(cli)
    assert a["body"] == "<AxlServer><Password>***</Password><UserName>axl</UserName></AxlServer>"
    assert b["body"] == '{"AxlPassword" : "***", "password":***, "UserName":"axl"}'
    assert "s3" not in json.dumps([a, b]) and "12345" not in json.dumps([a, b])
    assert a["bodyBytes"] == len(xml)


def test_bodies_are_cut_at_the_cap(make_server):
    srv = make_server({"journal.max_body_bytes": "10"})
    cli = srv.client()
    cli.post("/vmrest/ports", body=PORTS, ctype=JSON)
    cli.post("/vmrest/ports", body="a" + "é" * 20, ctype=JSON)  # cut inside a character
    a, b = entries(cli)
    assert a["body"] == PORTS[:10] and a["bodyTruncated"] is True
    assert a["bodyBytes"] == len(PORTS)
    assert b["bodyTruncated"] is True and b["body"] == "a" + "é" * 4 + "\ufffd"
    assert b["bodyBytes"] == 41


def test_invalid_utf8_and_nul_are_shown_safely(srv):
    cli = srv.client()
    cli.post("/vmrest/ports", body=b"\xff\xfe<x>\x00</x>", ctype=XML)
    (e,) = entries(cli)
    assert e["body"] == "\ufffd\ufffd<x>\x00</x>"
    assert e["status"] == 400


def test_only_the_newest_are_kept(make_server):
    srv = make_server({"journal.max_entries": "5"})
    cli = srv.client(keep=True)
    for i in range(12):
        assert cli.get(f"/vmrest/version?i={i}").status == 200
    got = entries(cli)
    assert [e["query"] for e in got] == [f"i={i}" for i in range(7, 12)]
    assert [e["id"] for e in got] == list(range(got[0]["id"], got[0]["id"] + 5))
    assert count(cli) == 5


def test_off(make_server):
    srv = make_server({"journal.max_entries": "0"})
    cli = srv.client()
    assert cli.get("/vmrest/version").status == 200
    assert entries(cli) == [] and count(cli) == 0


def test_filters(srv):
    cli = srv.client()
    assert cli.post("/vmrest/ports", body=PORTS, ctype=JSON).status == 201
    assert cli.get("/vmrest/ports?rowsPerPage=1").status == 200
    assert cli.get("/vmrest/portgroups").status == 200
    assert cli.get("/vmrest/ports/nope").status == 404
    assert cli.delete("/vmrest/ports/nope").status == 404
    assert [e["path"] for e in entries(cli, "method=post")] == ["/vmrest/ports"]
    assert [e["method"] for e in entries(cli, "path=/vmrest/ports")] == [
        "POST", "GET", "GET", "DELETE"]
    assert [e["method"] for e in entries(cli, "path=/vmrest/ports&method=GET")] == ["GET", "GET"]
    assert [e["method"] for e in entries(cli, "status=404")] == ["GET", "DELETE"]
    assert len(entries(cli, "status=4xx")) == 2 and len(entries(cli, "status=2xx")) == 3
    assert count(cli, "method=DELETE&status=404") == 1
    everything = entries(cli)
    mid = everything[1]["id"]
    assert [e["id"] for e in entries(cli, f"sinceId={mid}")] == [e["id"] for e in everything[2:]]
    assert [e["id"] for e in entries(cli, "limit=2")] == [e["id"] for e in everything[-2:]]
    assert [e["path"] for e in entries(cli, "method=GET&limit=1")] == ["/vmrest/ports/nope"]
    # time: everything is after a minute ago, nothing after a minute from now
    past = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    future = time.strftime("%Y-%m-%dT%H:%M:%S.500Z", time.gmtime(time.time() + 60))
    assert count(cli, "since=" + urllib.parse.quote(past)) == 5
    assert count(cli, "since=" + future) == 0
    assert count(cli, "path=%2Fvmrest%2Fportgroups") == 1  # a decoded value


@pytest.mark.parametrize("query,field", [
    ("status=abc", "status"), ("status=6xx", "status"), ("status=99", "status"),
    ("sinceId=-1", "sinceId"), ("limit=x", "limit"), ("since=yesterday", "since"),
    ("since=2026-01-01T00:00:00", "since"), ("count=maybe", "count"),
    ("path=%zz", "decode"),
])
def test_bad_filters(server, query, field):
    r = server.client().get("/cupid/requests?" + query)
    assert_error(r, 400, "INVALID_PARAMETER", "json")
    assert field in r.json()["errors"]["message"]


def test_clear(srv):
    cli = srv.client()
    cli.get("/vmrest/version")
    last = entries(cli)[-1]["id"]
    r = cli.delete("/cupid/requests")
    assert r.status == 204 and r.body == b""
    assert entries(cli) == []
    cli.get("/vmrest/version")
    (e,) = entries(cli)
    assert e["id"] > last  # ids go on


def test_reading_the_journal_is_not_journaled(srv):
    cli = srv.client()
    for _ in range(3):
        entries(cli)
        count(cli)
    assert entries(cli) == []


def test_administrators_only(server):
    for method in ("GET", "DELETE"):
        r = server.client(READER).request(method, "/cupid/requests")
        assert_error(r, 403, "FORBIDDEN", "json")
        r = server.client(None).request(method, "/cupid/requests")
        assert_error(r, 401, "AUTHENTICATION_FAILED", "json")


def test_concurrent_requests_are_all_kept_once(srv):
    errors = []

    def worker(k):
        cli = srv.client(keep=True, scheme="http" if k % 2 else "https")
        try:
            for i in range(40):
                r = cli.get(f"/vmrest/version?w={k}&i={i}")
                if r.status != 200:
                    errors.append(r.status)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            cli.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    got = entries(srv.client())
    assert len(got) == 320
    ids = [e["id"] for e in got]
    assert ids == sorted(ids) and len(set(ids)) == 320
    assert {e["query"] for e in got} == {f"w={k}&i={i}" for k in range(8) for i in range(40)}


def test_a_faulted_request_names_its_rule(srv):
    cli = srv.client()
    r = cli.post("/cupid/faults", body='{"path":"/vmrest/version","status":500}', ctype=JSON)
    assert r.status == 201, r
    rule = r.json()["id"]
    assert cli.get("/vmrest/version").status == 500
    e = entries(cli, "path=/vmrest/version")[-1]
    assert e["status"] == 500 and e["fault"] == rule
