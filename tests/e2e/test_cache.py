"""The response cache (README "Performance"): a repeated /vmrest GET is answered from memory
until the data changes, and a change made by this process or by another process on the same
database is seen by the very next GET. Hits and misses are counted in /cupid/metrics."""

import re

import pytest

from cupidtest import JSON, PG_ROHIT, PORT1, PORT2, VMS_NAME, XML, start_server


def metric(cli, name):
    r = cli.get("/cupid/metrics")
    assert r.status == 200, r
    m = re.search(r"^" + re.escape(name) + r" (\S+)$", r.text, re.M)
    assert m, f"{name} missing from /cupid/metrics"
    return float(m.group(1))


def display_name(cli, port=PORT1):
    return cli.get_json(f"/vmrest/ports/{port}")["DisplayName"]


def total(cli, path="/vmrest/ports"):
    return int(cli.get_json(path)["@total"])


def rename(cli, name, port=PORT1):
    r = cli.put(f"/vmrest/ports/{port}", body=f'{{"DisplayName":"{name}"}}', ctype=JSON)
    assert r.status == 204, r


def add_ports(cli, n=2):
    body = (f'{{"MediaPortGroupObjectId":"{PG_ROHIT}","VmsServerName":"{VMS_NAME}",'
            f'"NumberOfPorts":{n}}}')
    r = cli.post("/vmrest/ports", body=body, ctype=JSON)
    assert r.status == 201, r
    return r.text


@pytest.fixture(scope="module")
def pair():
    """Two processes on one data_dir: one SQLite file (or one PostgreSQL database)."""
    a = start_server({"license.voice_ports": "1000"})
    try:
        b = start_server({"license.voice_ports": "1000"}, data_dir=a.data_dir)
    except BaseException:
        a.cleanup()
        raise
    yield a, b
    b.cleanup()
    a.cleanup()


@pytest.fixture
def ab(pair):
    a, b = pair
    a.client().load("seed")
    return a.client(keep=True), b.client(keep=True)


def test_repeated_get_is_a_hit_with_the_same_bytes(ab):
    a, _ = ab
    first = a.get(f"/vmrest/ports/{PORT1}")
    hits = metric(a, "cupid_cache_hits_total")
    again = a.get(f"/vmrest/ports/{PORT1}")
    assert (first.status, again.status) == (200, 200)
    assert again.body == first.body
    assert again.headers["Content-Type"] == first.headers["Content-Type"] == "application/xml"
    assert metric(a, "cupid_cache_hits_total") == hits + 1


def test_formats_and_queries_are_kept_apart(ab):
    a, _ = ab
    for _ in range(2):
        x = a.get(f"/vmrest/ports/{PORT1}", accept=XML)
        j = a.get(f"/vmrest/ports/{PORT1}", accept=JSON)
        assert x.headers["Content-Type"] == "application/xml" and x.body.startswith(b"<?xml")
        assert j.headers["Content-Type"] == "application/json" and j.body.startswith(b"{")
        one = a.get_json("/vmrest/ports?rowsPerPage=1")
        two = a.get_json("/vmrest/ports?rowsPerPage=2")
        assert isinstance(one["Port"], dict) and len(two["Port"]) == 2
    head = a.head(f"/vmrest/ports/{PORT1}", accept=JSON)
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Type"] == "application/json"


def test_own_writes_are_seen_at_once(ab):
    a, _ = ab
    for i in range(3):
        display_name(a)
        rename(a, f"cache-own-{i}")
        assert display_name(a) == f"cache-own-{i}"
    before = total(a)
    total(a)
    add_ports(a)
    assert total(a) == before + 2
    assert a.delete(f"/vmrest/ports/{PORT2}").status == 204
    assert a.get(f"/vmrest/ports/{PORT2}").status == 404
    assert total(a) == before + 1


def test_another_process_writes_are_seen_at_once(ab):
    a, b = ab
    for i in range(5):
        display_name(b)
        display_name(b)  # the second is a hit in b
        rename(a, f"cache-other-{i}")
        assert display_name(b) == f"cache-other-{i}"
    before = total(b)
    total(b)
    uri = add_ports(a)
    assert total(b) == before + 2
    assert b.get(uri).status == 200
    b.get(f"/vmrest/ports/{PORT1}")
    assert a.delete(f"/vmrest/ports/{PORT1}").status == 204
    assert b.get(f"/vmrest/ports/{PORT1}").status == 404


def test_errors_are_not_kept(ab):
    a, _ = ab
    hits = metric(a, "cupid_cache_hits_total")
    missing = "/vmrest/ports/00000000-0000-4000-8000-000000000000"
    for _ in range(3):
        assert a.get(missing).status == 404
        assert a.get("/vmrest/ports?rowsPerPage=x").status == 400
    assert metric(a, "cupid_cache_hits_total") == hits


def test_a_rejected_write_changes_nothing_seen(ab):
    a, b = ab
    name = display_name(b)
    r = a.put(f"/vmrest/ports/{PORT1}", body='{"DisplayName":""}', ctype=JSON)
    assert r.status == 400, r
    assert display_name(b) == name == display_name(a)


def test_cache_off():
    s = start_server({"cache.max_bytes": "0"})
    try:
        cli = s.client(keep=True)
        for i in range(3):
            assert display_name(cli) == display_name(cli)
            rename(cli, f"off-{i}")
            assert display_name(cli) == f"off-{i}"
        assert metric(cli, "cupid_cache_hits_total") == 0
        assert metric(cli, "cupid_cache_entries") == 0
    finally:
        s.cleanup()


def test_a_small_cache_stays_within_its_bytes():
    cap = 8192
    s = start_server({"cache.max_bytes": str(cap), "license.voice_ports": "1000"})
    try:
        cli = s.client(keep=True)
        for _ in range(2):
            add_ports(cli, 50)
        big = cli.get("/vmrest/ports", accept=JSON)  # over a quarter of the cache: not kept
        assert big.status == 200 and len(big.body) > cap // 4
        assert cli.get("/vmrest/ports", accept=JSON).body == big.body
        for k in range(1, 40):
            r = cli.get(f"/vmrest/ports?rowsPerPage=1&pageNumber={k}", accept=JSON)
            assert r.status == 200
            assert metric(cli, "cupid_cache_bytes") <= cap
        assert metric(cli, "cupid_cache_entries") >= 1
        first = cli.get("/vmrest/ports?rowsPerPage=1&pageNumber=39", accept=JSON)
        hits = metric(cli, "cupid_cache_hits_total")
        assert cli.get("/vmrest/ports?rowsPerPage=1&pageNumber=39", accept=JSON).body == first.body
        assert metric(cli, "cupid_cache_hits_total") == hits + 1
    finally:
        s.cleanup()
