"""Operating cupid (SPEC §6): throttle emulation (§6.6), metrics (§6.3), the audit log (§6.5),
custom fixtures (§6.4), `cupid export` / `cupid import`, user management (§6.9), the access log
(§6.8 log.level) and admin.allow_reset (§6.1). Written from the SPEC."""

import json
import os
import re
import shutil
import tempfile
import threading
import time

import pytest

import cupidtest
from cupidtest import (ADMIN, JSON, PG_PIMG, PG_ROHIT, PG_SIP, PG_SCCP, PORT1, PORT2, PS, READER, VMS1, XML,
                       assert_error, basic, parse_error, run_subcommand)

THROTTLE_DEFAULT = (b'{"enabled":false,"maxInFlight":5,"queueDepth":255,"queueTimeoutMs":20000,'
                    b'"latencyMs":0,"inFlight":0,"queued":0}')
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LISTINGS = ["/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems", "/vmrest/vmsservers",
            "/vmrest/sipsecurityprofiles", f"/vmrest/phonesystems/{PS}/axlservers"] + [
    f"/vmrest/portgroups/{g}/{sub}" for g in (PG_SIP, PG_SCCP, PG_ROHIT, PG_PIMG)
    for sub in ("portgroupservers", "portgroupcodecs")]


# ---------------------------------------------------------------------------------------------
# helpers


def parallel(fn, n):
    """Runs fn(i) for i in range(n) in n threads started together; returns the results."""
    out = [None] * n
    gate = threading.Barrier(n)

    def run(i):
        gate.wait()
        try:
            out[i] = fn(i)
        except Exception as e:  # noqa: BLE001 - reported by the caller
            out[i] = e

    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=30)
    return out


def put_throttle(cli, doc, auth=ADMIN):
    return cli.put("/cupid/throttle", json.dumps(doc), ctype=JSON, auth=auth)


def metrics(cli):
    r = cli.get("/cupid/metrics")
    assert r.status == 200, r
    return r.text


def metric(text, name, labels=None):
    """The value of the sample name{labels} (labels: exact label text without braces), or None."""
    pat = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else r"(?:\{\})?")
    m = re.search(r"^" + pat + r" (\S+)$", text, re.M)
    return float(m.group(m.lastindex)) if m else None


def audit_all(cli, since=0):
    """Every audit entry with an id greater than since, following the pages."""
    out = []
    while True:
        r = cli.get(f"/cupid/audit?since={since}&limit=1000")
        assert r.status == 200, r
        assert r.headers["Content-Type"].startswith(JSON), r
        es = r.json()["entries"]
        if not es:
            return out
        out += es
        since = es[-1]["id"]


def last_audit_id(cli):
    es = audit_all(cli)
    return es[-1]["id"] if es else 0


def listings(cli):
    """Every listing in XML and JSON (bytes), to compare states exactly."""
    out = {}
    for p in LISTINGS:
        for acc in (XML, JSON):
            r = cli.get(p, accept=acc)
            assert r.status == 200, r
            out[(p, acc)] = r.body
    return out


run = run_subcommand


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="cupid-e2e-ops-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def small_doc(n_ports=2, **extra):
    doc = {
        "vmsservers": [{"ObjectId": "vms-a", "ServerName": "lab-vms", "IpAddress": "192.0.2.7"}],
        "phonesystems": [{"ObjectId": "ps-a", "DisplayName": "Lab PS"}],
        "portgroups": [{"ObjectId": "pg-a", "MediaSwitchObjectId": "ps-a",
                        "TelephonyIntegrationMethodEnum": 2, "DisplayName": "Lab SIP"}],
        "ports": [{"ObjectId": f"port-{i}", "MediaPortGroupObjectId": "pg-a",
                   "VmsServerObjectId": "vms-a"} for i in range(1, n_ports + 1)],
    }
    doc.update(extra)
    return doc


def post_doc(cli, doc, auth=ADMIN):
    body = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    return cli.post("/cupid/fixtures", body, ctype=JSON, auth=auth)


# ---------------------------------------------------------------------------------------------
# throttle (§6.6)


def test_throttle_default_exact(server):
    for auth in (ADMIN, READER):
        r = server.client(auth).get("/cupid/throttle")
        assert r.status == 200 and r.body == THROTTLE_DEFAULT, r
        assert r.headers["Content-Type"].startswith(JSON)


def test_throttle_put_subset_and_restore(make_server):
    srv = make_server()
    cli = srv.client()
    r = put_throttle(cli, {"maxInFlight": 7, "latencyMs": 1})
    assert r.status == 200, r
    assert r.json() == {"enabled": False, "maxInFlight": 7, "queueDepth": 255,
                        "queueTimeoutMs": 20000, "latencyMs": 1, "inFlight": 0, "queued": 0}
    assert cli.get("/cupid/throttle").body == r.body  # answers like GET
    r = put_throttle(cli, {"enabled": True, "queueDepth": 0, "queueTimeoutMs": 600000})
    assert r.status == 200 and r.json()["enabled"] is True and r.json()["queueDepth"] == 0
    assert r.json()["maxInFlight"] == 7  # untouched
    r = put_throttle(cli, {"enabled": False, "maxInFlight": 5, "queueDepth": 255,
                           "queueTimeoutMs": 20000, "latencyMs": 0})
    assert r.status == 200 and r.body == THROTTLE_DEFAULT, r


@pytest.mark.parametrize("doc", [
    {"maxInFlight": 0}, {"maxInFlight": 1001}, {"queueDepth": -1}, {"queueDepth": 10001},
    {"queueTimeoutMs": -1}, {"queueTimeoutMs": 600001}, {"latencyMs": -1}, {"latencyMs": 60001},
    {"maxInFlight": 2.5}, {"maxInFlight": "x"}, {"latencyMs": True}, {"enabled": "maybe"},
])
def test_throttle_put_invalid_400(server, doc):
    cli = server.client()
    r = put_throttle(cli, doc)
    assert r.status == 400, r
    code, _ = parse_error(r, "json")
    assert code == "INVALID_PARAMETER"
    assert cli.get("/cupid/throttle").body == THROTTLE_DEFAULT  # nothing changed


def test_throttle_put_reader_403(server):
    r = put_throttle(server.client(READER), {"latencyMs": 5}, auth=READER)
    assert r.status == 403, r
    assert server.client().get("/cupid/throttle").body == THROTTLE_DEFAULT


def test_throttle_put_wrong_content_type_415(server):
    r = server.client().put("/cupid/throttle", '{"latencyMs":5}', ctype="text/plain")
    assert r.status == 415, r
    assert server.client().get("/cupid/throttle").body == THROTTLE_DEFAULT


def test_throttle_burst_503_then_recovers(make_server):
    srv = make_server()
    cli = srv.client()
    rej0 = metric(metrics(cli), "cupid_throttle_rejected_total")
    assert rej0 is not None
    r = put_throttle(cli, {"enabled": True, "maxInFlight": 1, "queueDepth": 2,
                           "queueTimeoutMs": 300, "latencyMs": 300})
    assert r.status == 200, r
    res = parallel(lambda i: srv.client(timeout=20).get("/vmrest/version", accept=JSON), 10)
    for x in res:
        assert not isinstance(x, Exception), x
    statuses = sorted(x.status for x in res)
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses and 503 in statuses, statuses
    for x in res:
        if x.status == 503:
            assert_error(x, 503, "SERVER_BUSY", "json")
            assert "Retry-After" not in x.headers
    rej = metric(metrics(cli), "cupid_throttle_rejected_total")
    assert rej >= rej0 + statuses.count(503), (rej0, rej, statuses)
    # off again: everything passes
    r = put_throttle(cli, {"enabled": False, "latencyMs": 0})
    assert r.status == 200 and r.json()["inFlight"] == 0 and r.json()["queued"] == 0, r
    res = parallel(lambda i: srv.client().get("/vmrest/version"), 10)
    assert [x.status for x in res] == [200] * 10, res


def test_throttle_queue_timeout_zero_no_wait(make_server):
    srv = make_server()
    cli = srv.client()
    assert put_throttle(cli, {"enabled": True, "maxInFlight": 1, "queueTimeoutMs": 0,
                              "latencyMs": 800}).status == 200
    slow = {}
    t = threading.Thread(target=lambda: slow.setdefault("r", srv.client().get("/vmrest/version")))
    t.start()
    time.sleep(0.25)
    t0 = time.monotonic()
    r = srv.client().get("/vmrest/ports", accept=JSON)
    took = time.monotonic() - t0
    assert_error(r, 503, "SERVER_BUSY", "json")
    assert took < 0.5, took  # no waiting at all
    # /cupid is never throttled, even while the only slot is taken
    t0 = time.monotonic()
    assert cli.get("/cupid/throttle").json()["inFlight"] == 1
    assert cli.get("/cupid/whoami").status == 200
    assert cli.get("/cupid/health").status == 200
    assert time.monotonic() - t0 < 0.5
    t.join(timeout=10)
    assert slow["r"].status == 200
    assert put_throttle(cli, {"enabled": False, "latencyMs": 0, "queueTimeoutMs": 20000,
                              "maxInFlight": 5}).body == THROTTLE_DEFAULT


def test_throttle_latency_applies_when_off(make_server):
    srv = make_server()
    cli = srv.client()
    assert put_throttle(cli, {"latencyMs": 300}).status == 200
    t0 = time.monotonic()
    assert cli.get("/vmrest/version").status == 200
    assert time.monotonic() - t0 >= 0.3
    t0 = time.monotonic()
    assert cli.get("/cupid/whoami").status == 200
    assert time.monotonic() - t0 < 0.3  # /cupid is never delayed
    assert put_throttle(cli, {"latencyMs": 0}).body == THROTTLE_DEFAULT


def test_throttle_from_settings(make_server):
    srv = make_server({"throttle.enabled": "true", "throttle.max_in_flight": "3",
                       "throttle.queue_depth": "4", "throttle.queue_timeout_ms": "50",
                       "throttle.latency_ms": "2"})
    assert srv.client().get("/cupid/throttle").json() == {
        "enabled": True, "maxInFlight": 3, "queueDepth": 4, "queueTimeoutMs": 50, "latencyMs": 2,
        "inFlight": 0, "queued": 0}


# ---------------------------------------------------------------------------------------------
# metrics (§6.3)


def test_metrics_content_type_and_gauges(seed, reader):
    r = reader.get("/cupid/metrics")
    assert r.status == 200, r
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4"
    t = r.text
    for typ, n in (("vmsserver", 1), ("phonesystem", 1), ("portgroup", 4), ("port", 2)):
        assert metric(t, "cupid_objects", f'type="{typ}"') == n, typ
    assert metric(t, "cupid_license_voice_ports") == 250
    assert metric(t, "cupid_ports_in_use") == 2
    assert metric(t, "cupid_throttle_in_flight") == 0
    assert metric(t, "cupid_throttle_queued") == 0
    assert metric(t, "cupid_throttle_rejected_total") is not None
    for name in ("cupid_http_requests_total", "cupid_http_request_duration_seconds"):
        assert re.search(rf"^# TYPE {name} (counter|histogram)$", t, re.M), name


def test_metrics_counts_requests_by_route(seed):
    before = metrics(seed)
    lbl = 'method="GET",route="/vmrest/ports/{id}",status="200"'
    n0 = metric(before, "cupid_http_requests_total", lbl) or 0
    for p in (PORT1, PORT2, PORT1):
        assert seed.get("/vmrest/ports/" + p).status == 200
    assert seed.get("/vmrest/bogus").status == 404
    after = metrics(seed)
    assert metric(after, "cupid_http_requests_total", lbl) == n0 + 3
    assert re.search(r'^cupid_http_requests_total\{method="GET",route="other",status="404"\} '
                     r'[1-9]', after, re.M), after
    assert "/vmrest/bogus" not in after
    h = 'cupid_http_request_duration_seconds'
    assert re.search(rf'^{h}_bucket\{{method="GET",route="/vmrest/ports/{{id}}",le="\+Inf"\}} '
                     r'\d', after, re.M)
    cnt = metric(after, h + "_count", 'method="GET",route="/vmrest/ports/{id}"')
    assert cnt is not None and cnt >= 3
    assert metric(after, h + "_sum", 'method="GET",route="/vmrest/ports/{id}"') is not None
    inf = re.search(rf'^{h}_bucket\{{method="GET",route="/vmrest/ports/{{id}}",le="\+Inf"\}} '
                    r'(\S+)$', after, re.M)
    assert float(inf.group(1)) == cnt


def test_metrics_follow_state(make_server):
    srv = make_server({"license.voice_ports": "40"})
    cli = srv.client()
    r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                              "VmsServerObjectId": VMS1, "NumberOfPorts": 4}),
                 ctype=JSON)
    assert r.status == 201, r
    t = metrics(cli)
    assert metric(t, "cupid_objects", 'type="port"') == 6
    assert metric(t, "cupid_ports_in_use") == 6
    assert metric(t, "cupid_license_voice_ports") == 40


# ---------------------------------------------------------------------------------------------
# audit log (§6.5)


def test_audit_records_writes(seed, server):
    cli = server.client()
    since = last_audit_id(cli)
    rid = "ops-audit-1"
    r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                              "VmsServerObjectId": VMS1, "NumberOfPorts": 2}),
                 ctype=JSON, headers={"X-Request-Id": rid})
    assert r.status == 201, r
    new_id = r.text.rsplit("/", 1)[1]
    r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                              "VmsServerObjectId": VMS1, "NumberOfPorts": 3}),
                 ctype=JSON)
    assert r.status == 400
    r = cli.delete("/vmrest/ports/" + PORT2, auth=READER)
    assert r.status == 403
    r = cli.put("/vmrest/ports/" + PORT1, '{"HuntOrder":"3"}', ctype=JSON)
    assert r.status == 204, r
    cli.get("/vmrest/ports")  # GETs are not recorded
    cli.get("/vmrest/ports/" + PORT1)
    r = cli.post("/vmrest/ports", "{}", ctype=JSON, auth=("admin", "wrong-pw-ops"))
    assert r.status == 401  # 401s are not recorded
    r = cli.post("/cupid/fixtures/seed")
    assert r.status == 200
    es = audit_all(cli, since)
    got = [(e["user"], e["method"], e["path"], e["status"]) for e in es]
    assert got == [
        ("admin", "POST", "/vmrest/ports", 201),
        ("admin", "POST", "/vmrest/ports", 400),
        ("reader", "DELETE", "/vmrest/ports/" + PORT2, 403),
        ("admin", "PUT", "/vmrest/ports/" + PORT1, 204),
        ("admin", "POST", "/cupid/fixtures/seed", 200),
    ], es
    assert es[0]["objectId"] == new_id
    assert es[0]["requestId"] == rid
    assert "objectId" not in es[1]
    assert es[3]["objectId"] == PORT1
    assert "objectId" not in es[4]
    ids = [e["id"] for e in es]
    assert ids == sorted(set(ids)) and ids[0] > since
    for e in es:
        assert ISO_MS_Z.match(e["time"]), e
        assert isinstance(e["status"], int) and isinstance(e["id"], int)
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", e["requestId"]), e
        assert set(e) <= {"id", "time", "user", "method", "path", "status", "objectId",
                          "requestId"}, e


def test_audit_never_holds_bodies_or_passwords(seed, server):
    cli = server.client()
    since = last_audit_id(cli)
    marker = "OpsAuditMarker"
    r = cli.post("/vmrest/phonesystems", json.dumps({"DisplayName": marker}), ctype=JSON)
    assert r.status == 201, r
    r = cli.put("/vmrest/phonesystems/" + PS, json.dumps({"DisplayName": marker + "2"}),
                ctype=JSON)
    assert r.status == 204, r
    r = cli.get(f"/cupid/audit?since={since}")
    text = r.text
    assert marker not in text
    for secret in ("adminpw", "readerpw", basic(*ADMIN)[6:], basic(*READER)[6:]):
        assert secret not in text
    es = r.json()["entries"]
    assert [e["status"] for e in es] == [201, 204]
    cli.load("seed")


def test_audit_reader_403(seed, reader):
    r = reader.get("/cupid/audit")
    assert r.status == 403, r
    assert parse_error(r, "json")[0] == "FORBIDDEN"


@pytest.mark.parametrize("q", ["limit=1001", "limit=abc", "limit=-1", "since=-1", "since=x",
                               "limit=", "since=1.5"])
def test_audit_bad_params_400(server, q):
    r = server.client().get("/cupid/audit?" + q)
    assert r.status == 400, r
    assert parse_error(r, "json")[0] == "INVALID_PARAMETER"


def test_audit_since_limit_and_max_entries(make_server):
    srv = make_server({"audit.max_entries": "5"})
    cli = srv.client()
    for i in range(8):
        assert cli.put("/vmrest/ports/" + PORT1, json.dumps({"HuntOrder": str(i)}),
                       ctype=JSON).status == 204
    es = cli.get("/cupid/audit").json()["entries"]
    assert len(es) == 5, es
    ids = [e["id"] for e in es]
    assert ids == sorted(set(ids))
    # the newest 5: one more write drops the oldest
    assert cli.put("/vmrest/ports/" + PORT1, '{"HuntOrder":"9"}', ctype=JSON).status == 204
    es2 = cli.get("/cupid/audit").json()["entries"]
    assert [e["id"] for e in es2][:4] == ids[1:] and es2[-1]["id"] > ids[-1]
    # limit and since
    lim = cli.get("/cupid/audit?limit=2").json()["entries"]
    assert [e["id"] for e in lim] == [e["id"] for e in es2[:2]]
    sin = cli.get(f"/cupid/audit?since={es2[2]['id']}").json()["entries"]
    assert [e["id"] for e in sin] == [e["id"] for e in es2[3:]]
    both = cli.get(f"/cupid/audit?since={es2[0]['id']}&limit=1").json()["entries"]
    assert [e["id"] for e in both] == [es2[1]["id"]]
    assert cli.get(f"/cupid/audit?since={es2[-1]['id']}").json() == {"entries": []}


def test_audit_default_limit_100(make_server):
    srv = make_server()
    cli = srv.client()
    res = parallel(lambda i: srv.client().put("/vmrest/ports/" + PORT1, '{"HuntOrder":"1"}',
                                              ctype=JSON).status, 21)
    assert res == [204] * 21
    for _ in range(5):
        res = parallel(lambda i: srv.client().put("/vmrest/ports/" + PORT1, '{"HuntOrder":"2"}',
                                                  ctype=JSON).status, 20)
        assert res == [204] * 20
    assert len(cli.get("/cupid/audit").json()["entries"]) == 100
    assert len(cli.get("/cupid/audit?limit=1000").json()["entries"]) == 121


def test_audit_survives_fixture_load_and_restart(make_server):
    srv = make_server()
    cli = srv.client()
    assert cli.put("/vmrest/ports/" + PORT1, '{"HuntOrder":"4"}', ctype=JSON).status == 204
    assert cli.post("/cupid/reset").status == 200
    before = cli.get("/cupid/audit").json()["entries"]
    assert [(e["method"], e["path"]) for e in before] == [
        ("PUT", "/vmrest/ports/" + PORT1), ("POST", "/cupid/reset")]
    cli.load("seed")
    data = srv.data_dir
    srv.stop()
    srv2 = make_server(data_dir=data)
    after = srv2.client().get("/cupid/audit").json()["entries"]
    assert after[:2] == before
    assert after[2]["path"] == "/cupid/fixtures/seed"


# ---------------------------------------------------------------------------------------------
# custom fixtures (§6.4)


def test_custom_fixture_loads(make_server):
    srv = make_server()
    cli = srv.client()
    r = post_doc(cli, small_doc())
    assert r.status == 200, r
    assert r.body == (b'{"loaded":"custom","counts":{"vmsservers":1,"phonesystems":1,'
                      b'"portgroups":1,"ports":2}}')
    ports = cli.get_json("/vmrest/ports")["Port"]
    assert sorted(p["ObjectId"] for p in ports) == ["port-1", "port-2"]
    assert {p["DisplayName"] for p in ports} == {"Lab SIP-001", "Lab SIP-002"}
    assert {p["PortNumInGroup"] for p in ports} == {"1", "2"}
    vms = cli.get_json("/vmrest/vmsservers")["VmsServer"]
    assert vms["ObjectId"] == "vms-a" and vms["HostName"] == "lab-vms"


@pytest.mark.parametrize("case", ["unknown_group", "dup_id", "over_licence", "bad_json",
                                  "top_level_array", "bad_value", "three_vms"])
def test_custom_fixture_invalid_rejected_whole(server, case):
    cli = server.client()
    cli.load("seed")
    before = listings(cli)
    doc = small_doc()
    want = "INVALID_PARAMETER"
    if case == "unknown_group":
        doc["ports"].append({"MediaPortGroupObjectId": "no-such-group",
                             "VmsServerObjectId": "vms-a"})
    elif case == "dup_id":
        doc["portgroups"][0]["ObjectId"] = "ps-a"
        doc["ports"] = []
    elif case == "over_licence":
        doc = small_doc(251)
        want = "LICENSE_EXCEEDED"
    elif case == "bad_json":
        doc = '{"phonesystems":['
    elif case == "top_level_array":
        doc = "[]"
    elif case == "bad_value":
        doc["ports"][0]["CapAnswer"] = "perhaps"
    elif case == "three_vms":
        doc["vmsservers"] = [{"ServerName": f"v{i}"} for i in range(3)]
        doc["ports"] = []
    r = post_doc(cli, doc)
    assert r.status == 400, r
    assert parse_error(r, "json")[0] == want
    assert listings(cli) == before


def test_custom_fixture_415(server):
    cli = server.client()
    for ct in ("text/plain", "application/xml", None):
        r = cli.post("/cupid/fixtures", json.dumps(small_doc()), ctype=ct)
        assert r.status == 415, (ct, r)


# ---------------------------------------------------------------------------------------------
# export / import


def test_export_import_round_trip(make_server, tmp):
    src = make_server()
    c = src.client()
    # make the source a little richer than the seed
    r = c.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SCCP,
                                            "VmsServerObjectId": VMS1, "NumberOfPorts": 4}),
               ctype=JSON)
    assert r.status == 201, r
    assert c.put("/vmrest/ports/" + PORT1, '{"CapMWI":"false","HuntOrder":"7"}',
                 ctype=JSON).status == 204
    # and the telephony objects (§5.16.2): a server, a codec change, an AXL server with a
    # password that must never reach the export
    assert c.post(f"/vmrest/portgroups/{PG_SIP}/portgroupservers",
                  '{"MediaRemoteServiceEnum":101,"HostOrIPAddressV6":"2001:db8::9"}',
                  ctype=JSON).status == 201
    assert c.put(f"/vmrest/portgroups/{PG_SIP}/portgroupcodecs/8ef891b4-b0e7-4301-b15f-9114e3b146f4",
                 '{"Preference":7,"PreferredPacketSizeMs":30}', ctype=JSON).status == 204
    assert c.post(f"/vmrest/phonesystems/{PS}/axlservers",
                  '{"HostOrIPAddress":"axl2","CcmAXLPassword":"s3cretAXL"}',
                  ctype=JSON).status == 201
    assert c.post("/vmrest/sipsecurityprofiles", '{"Port":5070}', ctype=JSON).status == 201
    want = listings(c)
    data = src.data_dir
    src.stop()
    p = run(["export"], data)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert list(doc) == ["vmsservers", "sipsecurityprofiles", "phonesystems", "axlservers",
                         "portgroups", "portgroupservers", "portgroupcodecs", "ports"]
    assert len(doc["ports"]) == 6 and len(doc["portgroups"]) == 4
    assert (len(doc["sipsecurityprofiles"]), len(doc["axlservers"]),
            len(doc["portgroupservers"]), len(doc["portgroupcodecs"])) == (3, 2, 7, 8)
    assert b"s3cretAXL" not in p.stdout and b"CcmAXLPassword" not in p.stdout
    assert all("HostOrIPAddress" not in g for g in doc["portgroups"])
    assert b"adminpw" not in p.stdout and b"pbkdf2" not in p.stdout.lower()
    f = os.path.join(tmp, "inv.json")
    with open(f, "wb") as fh:
        fh.write(p.stdout)
    fresh = os.path.join(tmp, "fresh")
    p = run(["import", f], fresh)
    assert p.returncode == 0, p.stderr
    dst = make_server(data_dir=fresh, fixture=None)
    assert listings(dst.client()) == want
    # an invalid file: exit 1, database unchanged
    dst.stop()
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as fh:
        json.dump(small_doc(extra_unused=1, ports=[{"MediaPortGroupObjectId": "nope"}]), fh)
    p = run(["import", bad], fresh)
    assert p.returncode == 1, p
    with open(bad, "w") as fh:
        fh.write("{not json")
    assert run(["import", bad], fresh).returncode == 1
    assert run(["import", os.path.join(tmp, "missing.json")], fresh).returncode == 1
    dst2 = make_server(data_dir=fresh, fixture=None)
    assert listings(dst2.client()) == want


# ---------------------------------------------------------------------------------------------
# users (§6.9)


def user_list(data):
    p = run(["user", "list"], data)
    assert p.returncode == 0, p.stderr
    return sorted(p.stdout.decode().splitlines())


def test_user_subcommands(make_server, tmp):
    data = os.path.join(tmp, "data")
    # create the database with the usual users, then stop
    s = make_server(data_dir=data)
    s.stop()
    assert user_list(data) == ["admin\tadministrator", "reader\treadonly"]
    p = run(["user", "add", "carol", "administrator"], data, stdin=b"Carol-Secret-1\n")
    assert p.returncode == 0, p.stderr
    p = run(["user", "add", "dave", "readonly"], data, stdin=b"Dave-Secret-1\n")
    assert p.returncode == 0, p.stderr
    assert run(["user", "add", "carol", "readonly"], data, stdin=b"x\n").returncode == 1
    assert run(["user", "passwd", "nobody"], data, stdin=b"x\n").returncode == 1
    assert run(["user", "del", "nobody"], data).returncode == 1
    for bad in (["user", "add", "eve", "superuser"], ["user", "add", "eve"], ["user"],
                ["user", "frobnicate", "eve"], ["user", "add", "bad name!", "readonly"],
                ["user", "list", "extra"]):
        assert run(bad, data, stdin=b"pw\n").returncode == 2, bad
    assert run(["user", "add", "eve", "readonly"], data, stdin=b"").returncode != 0  # no pw
    assert user_list(data) == ["admin\tadministrator", "carol\tadministrator", "dave\treadonly",
                               "reader\treadonly"]
    p = run(["user", "passwd", "carol"], data, stdin=b"Carol-Secret-2\n")
    assert p.returncode == 0, p.stderr
    assert run(["user", "del", "reader"], data).returncode == 0
    assert "reader\treadonly" not in user_list(data)
    # the password is never stored in plain text
    if not cupidtest.PG_ADMIN_URI:
        for name in os.listdir(data):
            with open(os.path.join(data, name), "rb") as fh:
                blob = fh.read()
            assert b"Carol-Secret" not in blob and b"Dave-Secret" not in blob, name
    srv = make_server(data_dir=data, users=False)
    cli = srv.client(None)
    assert cli.get("/cupid/whoami", auth=("carol", "Carol-Secret-2")).json() == {
        "user": "carol", "role": "administrator"}
    assert cli.get("/cupid/whoami", auth=("carol", "Carol-Secret-1")).status == 401
    assert cli.get("/cupid/whoami", auth=("dave", "Dave-Secret-1")).json() == {
        "user": "dave", "role": "readonly"}
    assert cli.get("/cupid/whoami", auth=READER).status == 401
    assert cli.get("/cupid/whoami", auth=ADMIN).status == 200


WRITES = [
    ("POST", "/vmrest/ports"), ("PUT", "/vmrest/ports/" + PORT1),
    ("DELETE", "/vmrest/ports/" + PORT1),
    ("POST", "/vmrest/portgroups"), ("PUT", "/vmrest/portgroups/" + PG_SIP),
    ("DELETE", "/vmrest/portgroups/" + PG_SCCP),
    ("POST", "/vmrest/phonesystems"), ("PUT", "/vmrest/phonesystems/" + PS),
    ("DELETE", "/vmrest/phonesystems/" + PS),
    ("POST", "/cupid/reset"), ("POST", "/cupid/fixtures"), ("POST", "/cupid/fixtures/seed"),
    ("PUT", "/cupid/throttle"),
]
READS = ["/vmrest/ports", "/vmrest/ports/" + PORT1, "/vmrest/portgroups",
         "/vmrest/portgroups/" + PG_SIP, "/vmrest/phonesystems", "/vmrest/phonesystems/" + PS,
         "/vmrest/vmsservers", "/vmrest/version", "/cupid/throttle", "/cupid/metrics",
         "/cupid/fixtures", "/cupid/whoami"]


def test_readonly_user_writes_403_reads_200(seed, reader):
    before = listings(seed)
    for method, path in WRITES:
        body = "{}" if method != "DELETE" else None
        r = reader.request(method, path, body=body, ctype=JSON if body else None, accept=JSON)
        assert r.status == 403, (method, path, r)
    for path in READS:
        assert reader.get(path).status == 200, path
    assert listings(seed) == before
    assert seed.get("/cupid/throttle").body == THROTTLE_DEFAULT


# ---------------------------------------------------------------------------------------------
# access log (§6.8 log.level)


def test_access_log_info(make_server):
    srv = make_server({"log.level": "info"})
    cli = srv.client()
    secret_body = "AccessLogBodyMarker"
    assert cli.get("/vmrest/ports", headers={"X-Request-Id": "ops-log-1"}).status == 200
    assert cli.post("/vmrest/phonesystems", json.dumps({"DisplayName": secret_body}),
                    ctype=JSON, headers={"X-Request-Id": "ops-log-2"}).status == 201
    assert cli.get("/vmrest/nothing", auth=READER,
                   headers={"X-Request-Id": "ops-log-3"}).status == 404
    assert cli.get("/vmrest/ports", auth=("admin", "BadPassw0rd-ops")).status == 401
    time.sleep(0.2)
    srv.stop()
    log = srv.stderr_text()
    lines = log.splitlines()

    def one(rid):
        hit = [ln for ln in lines if rid in ln]
        assert len(hit) == 1, (rid, log)
        return hit[0]

    ln = one("ops-log-1")
    assert "GET" in ln and "/vmrest/ports" in ln and " 200" in ln and "admin" in ln
    assert re.search(r"\d+(\.\d+)?\s*(ms|s|µs|us)\b", ln), ln
    ln = one("ops-log-2")
    assert "POST" in ln and "/vmrest/phonesystems" in ln and " 201" in ln and "admin" in ln
    ln = one("ops-log-3")
    assert "/vmrest/nothing" in ln and " 404" in ln and "reader" in ln
    assert any(" 401" in x and "/vmrest/ports" in x for x in lines), log
    for s in (secret_body, "adminpw", "readerpw", "BadPassw0rd-ops", basic(*ADMIN)[6:],
              basic(*READER)[6:], basic("admin", "BadPassw0rd-ops")[6:], "Authorization"):
        assert s not in log, s


def test_access_log_warn_silent(make_server):
    srv = make_server({"log.level": "warn"})
    cli = srv.client()
    for _ in range(3):
        assert cli.get("/vmrest/ports", headers={"X-Request-Id": "ops-warn-1"}).status == 200
    assert cli.get("/vmrest/bogus").status == 404
    time.sleep(0.2)
    srv.stop()
    log = srv.stderr_text()
    assert "ops-warn-1" not in log and "/vmrest/ports" not in log and "/vmrest/bogus" not in log


# ---------------------------------------------------------------------------------------------
# admin.allow_reset (§6.1)


def test_allow_reset_false(make_server):
    srv = make_server({"admin.allow_reset": "false"})
    cli = srv.client()
    before = listings(cli)
    for path, body in (("/cupid/reset", None), ("/cupid/fixtures/seed", None),
                       ("/cupid/fixtures/empty", None),
                       ("/cupid/fixtures", json.dumps(small_doc()))):
        r = cli.post(path, body, ctype=JSON if body else None)
        assert r.status == 403, (path, r)
        assert parse_error(r, "json")[0] == "FORBIDDEN"
    assert listings(cli) == before
    # other writes still work
    assert cli.put("/vmrest/ports/" + PORT1, '{"HuntOrder":"1"}', ctype=JSON).status == 204
