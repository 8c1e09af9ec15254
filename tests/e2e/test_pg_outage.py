"""A PostgreSQL outage under a running cupid (SPEC §4.1, §6.2): while the database is down,
/vmrest answers 503 SERVER_BUSY and /cupid/health 503; when it is back, the same cupid process
answers 200 again by itself, with every committed write still there. The test starts its own
throwaway cluster (scripts/pg-test-cluster.sh) so that it can stop it; it runs in the
PostgreSQL pass of scripts/test.sh (CUPID_TEST_PG)."""

import json
import os
import subprocess
import time

import pytest

from cupidtest import (ADMIN, JSON, PG_SIP, READER, STORE, VMS1, assert_error, pg_create_db,
                       pg_uri, start_server)

pytestmark = pytest.mark.skipif(STORE != "postgresql",
                                reason="PostgreSQL pass only (CUPID_TEST_PG)")

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                      "pg-test-cluster.sh")


def cluster(*args):
    p = subprocess.run(["bash", SCRIPT] + list(args), capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return dict(line.split("=", 1) for line in p.stdout.decode().split() if "=" in line)


@pytest.fixture
def own_cluster():
    """A cluster of this test's own: {'dir': ..., 'uri': ...}; removed afterwards."""
    c = cluster("start")
    try:
        yield c
    finally:
        cluster("stop", c["dir"])


def wait_status(cli, path, want, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        r = cli.get(path, accept=JSON)
        if r.status == want or time.monotonic() > deadline:
            return r
        time.sleep(0.2)


def test_outage_and_recovery(own_cluster):
    admin_uri = own_cluster["uri"]
    db = pg_uri(pg_create_db(admin_uri), admin_uri)
    srv = start_server({"database": db})
    try:
        cli = srv.client(ADMIN)
        assert cli.get("/cupid/health").status == 200
        # a committed write before the outage
        r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                                  "NumberOfPorts": 2, "VmsServerObjectId": VMS1}),
                     ctype=JSON)
        assert r.status == 201, r
        new_port = r.text.strip()
        before = cli.get("/vmrest/ports", accept=JSON).body
        assert json.loads(before)["@total"] == "4"

        cluster("halt", own_cluster["dir"])
        pid = srv.proc.pid
        # listings, single objects and writes: 503 SERVER_BUSY, in the format asked for
        for path in ("/vmrest/ports", f"/vmrest/ports/{new_port.rsplit('/', 1)[1]}",
                     "/vmrest/portgroups?rowsPerPage=1"):
            assert_error(cli.get(path), 503, "SERVER_BUSY")
            assert_error(cli.get(path, accept=JSON), 503, "SERVER_BUSY", fmt="json")
        r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                                  "NumberOfPorts": 2, "VmsServerObjectId": VMS1}),
                     ctype=JSON)
        assert_error(r, 503, "SERVER_BUSY")
        # credentials not seen before cannot be checked either: 503, not 401
        assert_error(srv.client(READER).get("/vmrest/ports"), 503, "SERVER_BUSY")
        r = srv.client(None).get("/cupid/health")
        assert r.status == 503, r
        assert r.json()["status"] == "unavailable" and r.json()["database"] == "postgresql"

        cluster("resume", own_cluster["dir"])
        r = wait_status(srv.client(None), "/cupid/health", 200)
        assert r.status == 200, r
        assert r.json()["portsUsed"] == 4
        # every worker thread reconnects: many requests in a row all succeed
        for _ in range(40):
            assert cli.get("/vmrest/ports", accept=JSON).body == before
        assert srv.client(READER).get("/vmrest/ports").status == 200
        assert cli.get(new_port).status == 200
        r = cli.post("/vmrest/ports", json.dumps({"MediaPortGroupObjectId": PG_SIP,
                                                  "NumberOfPorts": 2, "VmsServerObjectId": VMS1}),
                     ctype=JSON)
        assert r.status == 201, r
        assert cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"] == "6"
        assert srv.proc.poll() is None and srv.proc.pid == pid  # no restart
    finally:
        srv.cleanup()


def test_outage_at_start_exits_1(own_cluster):
    """A database that cannot be reached at start: exit code 1 and a message (SPEC §6.8)."""
    admin_uri = own_cluster["uri"]
    db = pg_uri(pg_create_db(admin_uri), admin_uri)
    cluster("halt", own_cluster["dir"])
    with pytest.raises(Exception) as e:
        start_server({"database": db}, timeout=20)
    assert "exited with 1" in str(e.value), e.value
    assert "PostgreSQL" in str(e.value)
