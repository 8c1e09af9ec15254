"""cupid's own endpoints (§6.1, §6.2, §6.4): health, whoami, fixtures, reset, their errors."""

import json

import pytest

from cupidtest import (ADMIN, EX2_PORT, JSON, PORT1, READER, STORE, XML, assert_error)

SEED_LOADED = b'{"loaded":"seed","counts":{"vmsservers":1,"phonesystems":1,"portgroups":4,"ports":2}}'
EX2_LOADED = (b'{"loaded":"seed-example2","counts":{"vmsservers":1,"phonesystems":1,'
              b'"portgroups":1,"ports":1}}')
EMPTY_LOADED = (b'{"loaded":"empty","counts":{"vmsservers":1,"phonesystems":0,"portgroups":0,'
                b'"ports":0}}')
RESET = b'{"reset":true,"counts":{"vmsservers":1,"phonesystems":0,"portgroups":0,"ports":0}}'


def state(cli):
    return [cli.get(p, accept=JSON).body for p in
            ("/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems", "/vmrest/vmsservers")]


# --- health (§6.2) ------------------------------------------------------------------------------

def test_health_seed_exact(seed, anon):
    r = anon.get("/cupid/health")
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON
    d = json.loads(r.body)
    assert isinstance(d["version"], str) and d["version"]
    want = ('{"status":"ok","version":%s,"database":"%s","portsUsed":2,"portsLicensed":250,'
            '"portGroups":4,"maxPortGroups":90}' % (json.dumps(d["version"]), STORE))
    assert r.body == want.encode()


def test_health_follows_state(admin, anon):
    admin.load("empty")
    d = anon.get("/cupid/health").json()
    assert (d["portsUsed"], d["portGroups"], d["portsLicensed"]) == (0, 0, 250)
    admin.load("seed-example2")
    d = anon.get("/cupid/health").json()
    assert (d["portsUsed"], d["portGroups"]) == (1, 1)


def test_health_head(anon):
    r = anon.head("/cupid/health")
    assert r.status == 200 and r.body == b""
    assert int(r.headers["Content-Length"]) > 0


# --- fixtures and reset (§6.4) ----------------------------------------------------------------

def test_fixtures_list_exact(admin, reader):
    for cli in (admin, reader):
        r = cli.get("/cupid/fixtures")
        assert r.status == 200, r
        assert r.headers["Content-Type"] == JSON
        assert r.body == b'{"fixtures":["empty","seed","seed-example2"]}'


@pytest.mark.parametrize("name,body", [("seed", SEED_LOADED), ("seed-example2", EX2_LOADED),
                                       ("empty", EMPTY_LOADED)])
def test_fixture_load_answer(admin, name, body):
    r = admin.post("/cupid/fixtures/" + name)
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON
    assert r.body == body


def test_fixture_load_replaces_state(admin):
    admin.load("seed-example2")
    assert admin.get(f"/vmrest/ports/{PORT1}").status == 404
    assert admin.get(f"/vmrest/ports/{EX2_PORT}").status == 200
    admin.load("seed")
    assert admin.get(f"/vmrest/ports/{PORT1}").status == 200
    assert admin.get(f"/vmrest/ports/{EX2_PORT}").status == 404
    assert admin.get_json("/vmrest/ports")["@total"] == "2"
    # loading twice gives the same state
    s1 = state(admin)
    admin.load("seed")
    assert state(admin) == s1


def test_reset_exact(admin):
    admin.load("seed")
    r = admin.post("/cupid/reset")
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON
    assert r.body == RESET
    for coll in ("ports", "portgroups", "phonesystems"):
        assert admin.get(f"/vmrest/{coll}", accept=JSON).body == b'{"@total":"0"}'
    assert admin.get_json("/vmrest/vmsservers")["@total"] == "1"


def test_reset_keeps_users(admin, reader):
    assert admin.post("/cupid/reset").status == 200
    assert reader.get("/cupid/whoami").status == 200
    assert admin.get("/cupid/whoami").status == 200


def test_empty_same_as_reset(admin):
    admin.post("/cupid/reset")
    s1 = state(admin)
    admin.load("seed")
    admin.load("empty")
    assert state(admin) == s1


@pytest.mark.parametrize("name", ["nope", "Seed", "SEED", "seed2", "seed-example", "empty "])
def test_unknown_fixture_404(seed, name):
    before = state(seed)
    r = seed.post("/cupid/fixtures/" + name.replace(" ", "%20"), accept=XML)
    assert_error(r, 404, "NOT_FOUND", "json")
    assert state(seed) == before


def test_reader_forbidden_on_admin_endpoints(seed, reader):
    before = state(seed)
    for path in ("/cupid/reset", "/cupid/fixtures/empty", "/cupid/fixtures/seed-example2"):
        r = reader.post(path, accept=XML)
        assert_error(r, 403, "FORBIDDEN", "json")
    r = reader.post("/cupid/fixtures", body='{"phonesystems":[]}', ctype=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    assert state(seed) == before


def test_allow_reset_false(make_server):
    srv = make_server({"admin.allow_reset": "false"})
    admin = srv.client(ADMIN)
    before = state(admin)
    assert json.loads(before[0])["@total"] == "2"  # the seed fixture setting still applies
    for path in ("/cupid/reset", "/cupid/fixtures/empty", "/cupid/fixtures/seed"):
        assert_error(admin.post(path), 403, "FORBIDDEN", "json")
    assert_error(admin.post("/cupid/fixtures", body="{}", ctype=JSON), 403, "FORBIDDEN", "json")
    assert_error(srv.client(READER).post("/cupid/reset"), 403, "FORBIDDEN", "json")
    assert state(admin) == before
    # reading still works
    assert admin.get("/cupid/fixtures").status == 200


# --- other /cupid paths and methods -------------------------------------------------------------

@pytest.mark.parametrize("path", ["/cupid/nothing", "/cupid/fixtures/seed/x",
                                  "/cupid/Health", "/cupid/whoami/x", "/cupid/resets",
                                  "/cupid/vmrest/ports"])
def test_other_cupid_paths_404(admin, path):
    for accept in (None, XML, JSON):
        assert_error(admin.get(path, accept=accept), 404, "NOT_FOUND", "json")


CUPID_405 = [
    ("GET", "/cupid/reset", {"POST"}),
    ("PUT", "/cupid/reset", {"POST"}),
    ("DELETE", "/cupid/reset", {"POST"}),
    ("GET", "/cupid/fixtures/seed", {"POST"}),
    ("DELETE", "/cupid/fixtures/seed", {"POST"}),
    ("PUT", "/cupid/fixtures", {"GET", "HEAD", "POST"}),
    ("DELETE", "/cupid/fixtures", {"GET", "HEAD", "POST"}),
    ("POST", "/cupid/whoami", {"GET", "HEAD"}),
    ("PUT", "/cupid/whoami", {"GET", "HEAD"}),
    ("POST", "/cupid/health", {"GET", "HEAD"}),
    ("DELETE", "/cupid/health", {"GET", "HEAD"}),
    ("PATCH", "/cupid/whoami", {"GET", "HEAD"}),
]


@pytest.mark.parametrize("method,path,allow", CUPID_405, ids=[f"{m} {p}" for m, p, _ in CUPID_405])
def test_cupid_405(seed, method, path, allow):
    before = state(seed)
    r = seed.request(method, path, accept=XML)
    assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")
    assert {a.strip() for a in r.headers["Allow"].split(",")} == allow
    assert state(seed) == before


def test_cupid_head_where_get(admin):
    for path in ("/cupid/whoami", "/cupid/fixtures", "/cupid/health"):
        g = admin.get(path)
        h = admin.head(path)
        assert h.status == 200 and h.body == b""
        assert h.headers["Content-Length"] == g.headers["Content-Length"]


def test_fixture_load_with_empty_json_body_ok(admin):
    """§6.1: a body holding only whitespace needs no Content-Type."""
    r = admin.post("/cupid/fixtures/seed", body=" \r\n\t")
    assert r.status == 200 and r.body == SEED_LOADED
    r = admin.post("/cupid/reset", body="\n")
    assert r.status == 200 and r.body == RESET
