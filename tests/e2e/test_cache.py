"""The response cache (README "Performance"): a repeated /vmrest GET is answered from memory
until the data changes. A change made by this process is seen by the very next GET; so is one
made by another process on the same SQLite file, or on the same PostgreSQL database with
postgresql.notify=false. With notify (PostgreSQL's default) another process's change is pushed
by LISTEN/NOTIFY and seen once it arrives, and a cached GET asks the database nothing; when the
notification channel drops, each cached GET reads the change counter again until it is back.
Hits and misses are counted in /cupid/metrics."""

import re
import time

import pytest

from cupidtest import _PG_DBS, JSON, PG_ROHIT, PORT1, PORT2, STORE, VMS_NAME, XML, psql, start_server

# the pair's modes: "strict" (SQLite; PostgreSQL with notify off), "pushed" (PostgreSQL's default)
MODES = ["pushed", "strict"] if STORE == "postgresql" else ["strict"]


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


def eventually(f, want, timeout=5.0):
    """f() once it equals want (polled for up to timeout seconds), else its last value."""
    deadline = time.monotonic() + timeout
    while True:
        got = f()
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.002)


@pytest.fixture(scope="module", params=MODES)
def pair(request):
    """Two processes on one data_dir: one SQLite file (or one PostgreSQL database)."""
    settings = {"license.voice_ports": "1000"}
    if request.param == "strict" and STORE == "postgresql":
        settings["postgresql.notify"] = "false"
    a = start_server(settings)
    try:
        b = start_server(settings, data_dir=a.data_dir)
    except BaseException:
        a.cleanup()
        raise
    yield a, b, request.param
    b.cleanup()
    a.cleanup()


@pytest.fixture
def ab(pair):
    a, b, _ = pair
    a.client().load("seed")
    return a.client(keep=True), b.client(keep=True)


@pytest.fixture
def seen(pair):
    """seen(f, want): what b shows after a's write: f() at once in strict mode, f() once
    it equals want (within 5 s) in pushed mode."""
    if pair[2] == "strict":
        return lambda f, want: f()
    return eventually


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


def test_another_process_writes_are_seen(ab, seen):
    a, b = ab
    for i in range(5):
        display_name(b)
        display_name(b)  # the second is a hit in b
        rename(a, f"cache-other-{i}")
        assert seen(lambda: display_name(b), f"cache-other-{i}") == f"cache-other-{i}"
    before = total(b)
    total(b)
    uri = add_ports(a)
    assert seen(lambda: total(b), before + 2) == before + 2
    assert b.get(uri).status == 200
    b.get(f"/vmrest/ports/{PORT1}")
    assert a.delete(f"/vmrest/ports/{PORT1}").status == 204
    assert seen(lambda: b.get(f"/vmrest/ports/{PORT1}").status, 404) == 404


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


def test_how_cached_gets_learn_of_writes(pair, ab):
    """Pushed: cached GETs read nothing from the database; strict on PostgreSQL: each reads
    the change counter once; SQLite has no such counter in the metrics."""
    a, b = ab
    mode = pair[2]
    if STORE == "sqlite":
        assert "cupid_cache_version_reads_total" not in a.get("/cupid/metrics").text
        return
    display_name(b)
    assert metric(b, "cupid_cache_pushed") == (1 if mode == "pushed" else 0)
    reads = metric(b, "cupid_cache_version_reads_total")
    hits = metric(b, "cupid_cache_hits_total")
    for _ in range(20):
        display_name(b)
    assert metric(b, "cupid_cache_hits_total") == hits + 20
    assert metric(b, "cupid_cache_version_reads_total") == reads + (0 if mode == "pushed" else 20)


def backends(dbname, app="cupid-notify"):
    return psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{dbname}'"
                f" AND application_name = '{app}'").strip()


@pytest.mark.skipif(STORE != "postgresql", reason="PostgreSQL's notification channel")
def test_a_lost_notification_channel_falls_back_and_comes_back():
    a = start_server({"license.voice_ports": "1000"})
    try:
        b = start_server({"license.voice_ports": "1000"}, data_dir=a.data_dir)
        try:
            ca, cb = a.client(keep=True), b.client(keep=True)
            dbname = _PG_DBS[a.data_dir]
            display_name(ca)
            display_name(cb)
            assert eventually(lambda: metric(cb, "cupid_cache_pushed"), 1) == 1
            assert backends(dbname) == "2"  # one listener each
            # Both listeners cut off; writes from a go unnotified to b until b's is back.
            for i in range(3):
                psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     f" WHERE datname = '{dbname}' AND application_name = 'cupid-notify'")
                rename(ca, f"lost-{i}")
                assert eventually(lambda: display_name(cb), f"lost-{i}") == f"lost-{i}"
                assert eventually(lambda: metric(cb, "cupid_cache_pushed"), 1) == 1
                assert eventually(lambda: backends(dbname), "2") == "2"
                # pushed again: the next write is seen without a read per GET
                rename(ca, f"back-{i}")
                assert eventually(lambda: display_name(cb), f"back-{i}") == f"back-{i}"
                reads = metric(cb, "cupid_cache_version_reads_total")
                assert display_name(cb) == display_name(cb) == f"back-{i}"
                assert metric(cb, "cupid_cache_version_reads_total") == reads
            assert "notification channel lost" in b.stderr_text()
        finally:
            b.cleanup()
    finally:
        a.cleanup()


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
