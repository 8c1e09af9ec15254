"""Concurrency across processes on PostgreSQL (SPEC §4.3): two cupid processes on one
PostgreSQL database, parallel clients split between them. The licence count, the port-group
limit, name uniqueness, PortNumInGroup and the single DefaultTRaPSwitch hold, because every
write transaction first takes the same advisory lock. Runs in the PostgreSQL pass of
scripts/test.sh (CUPID_TEST_PG); the same races on one SQLite file are in test_races.py.
Every request of a race is sent on its own connection, all released together by a barrier;
every wait is bounded."""

import collections
import json
import os
import re
import threading

import pytest

from cupidtest import (JSON, PG_SIP, PS, STORE, VMS1, fire, pg_create_db, pg_drop_db, pg_uri,
                       psql, start_server)

pytestmark = pytest.mark.skipif(STORE != "postgresql",
                                reason="PostgreSQL pass only (CUPID_TEST_PG); "
                                       "the SQLite races are in test_races.py")

LICENCE = 12  # the seed holds 2 ports: 10 slots left
MAX_GROUPS = 6  # the seed holds 4 groups: 2 left
SETTINGS = {"license.voice_ports": str(LICENCE), "limits.max_port_groups": str(MAX_GROUPS)}


@pytest.fixture(scope="module")
def pair():
    """Two cupid processes on one PostgreSQL database."""
    db = pg_create_db()
    settings = dict(SETTINGS, database=pg_uri(db))
    a = start_server(settings)
    try:
        b = start_server(settings)
    except BaseException:
        a.cleanup()
        raise
    a.database = b.database = settings["database"]
    yield a, b
    b.cleanup()
    a.cleanup()
    pg_drop_db(db)


@pytest.fixture
def ab(pair):
    a, b = pair
    a.client().load("seed")
    return a, b


def code(body):
    return body["errors"]["code"] if isinstance(body, dict) else None


def listing(srv, path):
    d = srv.client().get_json(path)
    key = [k for k in d if k != "@total"]
    items = d[key[0]] if key else []
    return int(d["@total"]), items if isinstance(items, list) else [items]


def test_licence_race_across_processes(ab):
    """40 clients, 20 on each process, add 2 ports each with 10 slots left: exactly 5 win."""
    a, b = ab
    body = {"MediaPortGroupObjectId": PG_SIP, "NumberOfPorts": 2, "VmsServerObjectId": VMS1}
    stop = threading.Event()
    seen = []

    def watch():  # the total never goes above the licence, seen from either process
        while not stop.is_set():
            for s in (a, b):
                seen.append(s.client().get_json("/vmrest/ports?rowsPerPage=0")["@total"])

    w = threading.Thread(target=watch)
    w.start()
    try:
        res = fire([(a if i % 2 else b, "POST", "/vmrest/ports", body) for i in range(40)])
    finally:
        stop.set()
        w.join(timeout=30)
    statuses = collections.Counter(s for s, _ in res)
    assert statuses == {201: 5, 400: 35}, statuses
    assert all(code(bd) == "LICENSE_EXCEEDED" for s, bd in res if s == 400), res
    assert all(int(t) <= LICENCE for t in seen), seen
    for s in (a, b):
        total, ports = listing(s, "/vmrest/ports")
        assert total == LICENCE
        nums = [int(p["PortNumInGroup"]) for p in ports if p["MediaPortGroupObjectId"] == PG_SIP]
        assert sorted(nums) == list(range(1, LICENCE + 1)), nums  # no number twice, no gap
        assert s.client().get_json("/cupid/health")["portsUsed"] == LICENCE
    # each winner's Location names its first port, which exists on both processes
    for st, loc in res:
        if st == 201:
            for s in (a, b):
                assert s.client().get(loc.strip()).status == 200


def test_port_numbers_race_across_processes(pair):
    """With licence to spare, 30 parallel 2-port POSTs to one group, split between two processes,
    all succeed and get 60 distinct numbers in the group."""
    db = pair[0].database
    a, b = (start_server(dict(SETTINGS, database=db, **{"license.voice_ports": "1000"}))
            for _ in range(2))
    try:
        cli = a.client()
        cli.load("seed")
        r = cli.post("/vmrest/portgroups", json.dumps({"MediaSwitchObjectId": PS,
                                                       "TelephonyIntegrationMethodEnum": 3,
                                                       "DisplayName": "Race PIMG"}), ctype=JSON)
        assert r.status == 201, r
        gid = r.text.strip().rsplit("/", 1)[1]
        body = {"MediaPortGroupObjectId": gid, "NumberOfPorts": 2}
        res = fire([(a if i % 2 else b, "POST", "/vmrest/ports", body) for i in range(30)])
        assert [s for s, _ in res] == [201] * 30, res
        for s in (a, b):
            total, ports = listing(s, f"/vmrest/ports?query=(MediaPortGroupObjectId%20is%20{gid})")
            nums = sorted(int(p["PortNumInGroup"]) for p in ports)
            assert total == 60 and nums == list(range(1, 61)), nums
    finally:
        b.cleanup()
        a.cleanup()


def test_same_group_name_race_across_processes(ab):
    a, b = ab
    body = {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2,
            "DisplayName": "Same Name"}
    res = fire([(a if i % 2 else b, "POST", "/vmrest/portgroups", body) for i in range(20)])
    statuses = collections.Counter(s for s, _ in res)
    assert statuses == {201: 1, 400: 19}, statuses
    assert all(code(bd) == "DUPLICATE_NAME" for s, bd in res if s == 400), res
    for s in (a, b):
        total, groups = listing(s, "/vmrest/portgroups?query=(DisplayName%20is%20same%20name)")
        assert total == 1 and groups[0]["DisplayName"] == "Same Name"


def test_port_group_cap_race_across_processes(ab):
    """2 group slots left, 20 distinct names: exactly 2 win."""
    a, b = ab
    res = fire([(a if i % 2 else b, "POST", "/vmrest/portgroups",
                 {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2,
                  "DisplayName": f"Cap {i}"}) for i in range(20)])
    statuses = collections.Counter(s for s, _ in res)
    assert statuses == {201: 2, 400: 18}, statuses
    assert all(code(bd) == "LICENSE_EXCEEDED" for s, bd in res if s == 400), res
    for s in (a, b):
        assert listing(s, "/vmrest/portgroups?rowsPerPage=0")[0] == MAX_GROUPS


def test_same_phone_system_name_race_across_processes(ab):
    a, b = ab
    res = fire([(a if i % 2 else b, "POST", "/vmrest/phonesystems", {"DisplayName": "Twin"})
                for i in range(20)])
    statuses = collections.Counter(s for s, _ in res)
    assert statuses == {201: 1, 400: 19}, statuses
    assert all(code(bd) == "DUPLICATE_NAME" for s, bd in res if s == 400), res
    assert listing(b, "/vmrest/phonesystems?query=(DisplayName%20is%20Twin)")[0] == 1


def defaults(srv):
    _, systems = listing(srv, "/vmrest/phonesystems")
    return [p["ObjectId"] for p in systems if p["DefaultTRaPSwitch"] == "true"]


def test_default_trap_switch_race_across_processes(ab):
    """20 new phone systems, each created with DefaultTRaPSwitch true, half on each process:
    all are created and exactly one is the default afterwards; then 20 parallel PUTs make
    different systems the default: again exactly one is."""
    a, b = ab
    res = fire([(a if i % 2 else b, "POST", "/vmrest/phonesystems",
                 {"DisplayName": f"Trap {i}", "DefaultTRaPSwitch": "true"}) for i in range(20)])
    assert [s for s, _ in res] == [201] * 20, res
    for s in (a, b):
        assert len(defaults(s)) == 1
    ids = [loc.strip().rsplit("/", 1)[1] for _, loc in res]
    res = fire([(a if i % 2 else b, "PUT", f"/vmrest/phonesystems/{oid}",
                 {"DefaultTRaPSwitch": "true"}) for i, oid in enumerate(ids)])
    assert [s for s, _ in res] == [204] * 20, res
    for s in (a, b):
        d = defaults(s)
        assert len(d) == 1 and d[0] in ids


SCHEMA_PG = os.path.join(os.path.dirname(__file__), "..", "..", "src", "store", "schema_pg.h")


def test_concurrent_start_migrates_once():
    """Four processes started at once on a new database: every one starts, the schema is
    created once (schema_version, advisory lock) and the fixture is loaded once."""
    db = pg_create_db()
    uri = pg_uri(db)
    servers, errors = [], []

    def start():
        try:
            servers.append(start_server({"database": uri}, timeout=30))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert len(servers) == 4
        # One row, at the newest version: the migrations of src/store/schema_pg.h ran once.
        newest = len(re.findall(r"^\s*/\* \d+:", open(SCHEMA_PG).read(), re.M))
        assert psql("SELECT count(*), max(version) FROM schema_version", uri).strip() == \
            f"1|{newest}"
        for s in servers:
            assert s.client().get_json("/vmrest/ports?rowsPerPage=0")["@total"] == "2"
            assert s.client().get_json("/vmrest/vmsservers?rowsPerPage=0")["@total"] == "1"
    finally:
        for s in servers:
            s.cleanup()
        pg_drop_db(db)
