"""Schema migrations (README "Operating cupid"): a database written by an older cupid is brought
up to date at start, in place. Schema 4 keeps the number of ports of each group in port_count,
so the counts it starts from must be those of the rows already there."""

import os
import sqlite3

from cupidtest import JSON, PG_ROHIT, PG_SIP, PS, VMS_NAME


def counts(cli):
    total = int(cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"])
    rohit = int(cli.get_json(f"/vmrest/portgroups/{PG_ROHIT}")["PortCount"])
    sip = int(cli.get_json(f"/vmrest/portgroups/{PG_SIP}")["PortCount"])
    ps = int(cli.get_json(f"/vmrest/phonesystems/{PS}")["PortCount"])
    return total, rohit, sip, ps


def add(cli, group, n):
    body = f'{{"MediaPortGroupObjectId":"{group}","VmsServerName":"{VMS_NAME}","NumberOfPorts":{n}}}'
    r = cli.post("/vmrest/ports", body=body, ctype=JSON)
    assert r.status == 201, r


def test_upgrade_from_schema_3_counts_existing_ports(make_server, tmp_path):
    data_dir = str(tmp_path / "data")
    path = os.path.join(data_dir, "cupid.db")
    settings = {"database": f"sqlite:{path}", "license.voice_ports": "1000"}
    srv = make_server(settings, data_dir=data_dir)
    cli = srv.client()
    add(cli, PG_ROHIT, 6)
    add(cli, PG_SIP, 4)
    before = counts(cli)
    assert before[1] >= 6 and before[2] >= 4 and before[0] >= before[1] + before[2]
    assert srv.stop() == 0

    # Back to schema 3: no port_count, no triggers; then ports added as an older cupid would.
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 4
        db.executescript("DROP TRIGGER port_added; DROP TRIGGER port_removed;"
                         " DROP TABLE port_count; DROP TABLE portgroupcodec;"
                         " DROP TABLE portgroupserver; DROP TABLE axlserver;"
                         " DROP TABLE sipsecurityprofile; DROP TABLE rtpcodecdef;"
                         " ALTER TABLE users DROP COLUMN failures;"
                         " ALTER TABLE users DROP COLUMN failed_since;"
                         " ALTER TABLE users DROP COLUMN locked_until;"
                         " PRAGMA user_version = 3;")
        db.execute("DELETE FROM port WHERE MediaPortGroupObjectId = ? AND PortNumInGroup > 2",
                   (PG_ROHIT,))
        db.commit()
        rohit_rows = db.execute("SELECT count(*) FROM port WHERE MediaPortGroupObjectId = ?",
                                (PG_ROHIT,)).fetchone()[0]
        all_rows = db.execute("SELECT count(*) FROM port").fetchone()[0]
    finally:
        db.close()

    srv = make_server(settings, data_dir=data_dir)
    cli = srv.client()
    total, rohit, sip, ps = counts(cli)
    assert (total, rohit, sip) == (all_rows, rohit_rows, before[2])
    assert ps == total  # the seed's one phone system holds every group
    # schema 5: every existing group gets the default codecs, and the built-in profiles exist
    codecs = cli.get_json(f"/vmrest/portgroups/{PG_ROHIT}/portgroupcodecs")
    assert codecs["@total"] == "2"
    assert [c["RtpCodecDefDisplayName"] for c in codecs["PortGroupCodec"]] == ["G.711 mu-law",
                                                                              "G.729"]
    assert cli.get_json("/vmrest/sipsecurityprofiles")["@total"] == "2"
    add(cli, PG_ROHIT, 2)
    assert counts(cli)[:2] == (total + 2, rohit + 2)
    r = cli.delete(f"/vmrest/portgroups/{PG_SIP}")
    assert r.status == 204, r
    after = int(cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"])
    assert after == total + 2 - sip
    assert int(cli.get_json(f"/vmrest/phonesystems/{PS}")["PortCount"]) == after
    assert srv.stop() == 0
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 4
        kept = dict(db.execute("SELECT group_id, n FROM port_count WHERE n > 0"))
        rows = dict(db.execute("SELECT MediaPortGroupObjectId, count(*) FROM port GROUP BY 1"))
        assert kept == rows
    finally:
        db.close()


def test_large_posts_back_to_back(make_server):
    """POSTs of 10,000 ports one after another: each one's savepoint journal is large (held in
    memory since temp_store=MEMORY) and every one is kept (a size-limited in-memory journal once
    made the second one fail with 'database or disk is full')."""
    srv = make_server({"license.voice_ports": "1000000"})
    cli = srv.client()
    before = int(cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"])
    for _ in range(3):
        add(cli, PG_ROHIT, 10000)
    assert int(cli.get_json("/vmrest/ports?rowsPerPage=0")["@total"]) == before + 30000
    rohit = cli.get_json(f"/vmrest/portgroups/{PG_ROHIT}")
    assert int(rohit["PortCount"]) >= 30000
