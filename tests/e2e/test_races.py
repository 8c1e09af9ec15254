"""Concurrency (SPEC §4.3): the licence count, the port-group limit, name uniqueness,
PortNumInGroup and the single DefaultTRaPSwitch hold under parallel requests, from one cupid
process and from two processes sharing one SQLite database. Every request of a race is sent on
its own connection, all released together by a barrier; every wait is bounded."""

import json

import pytest

from cupidtest import JSON, fire, start_server

LICENCE = 60
MAX_GROUPS = 20
SETTINGS = {"license.voice_ports": str(LICENCE), "limits.max_port_groups": str(MAX_GROUPS)}


# --- servers ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def one():
    s = start_server(SETTINGS, fixture="empty")
    yield [s]
    s.cleanup()


@pytest.fixture(scope="module")
def two():
    """Two cupid processes on the same data_dir, so the same SQLite file (§4.3)."""
    a = start_server(SETTINGS, fixture="empty")
    try:
        b = start_server(SETTINGS, fixture="empty", data_dir=a.data_dir)
    except BaseException:
        a.cleanup()
        raise
    yield [a, b]
    b.cleanup()
    a.cleanup()


@pytest.fixture(params=["one-process", "two-processes"])
def servers(request, one, two):
    srvs = one if request.param == "one-process" else two
    cli = srvs[0].client()
    cli.load("empty")
    return srvs


# --- helpers ----------------------------------------------------------------------------------

def code(result):
    status, body = result
    return body["errors"]["code"] if status >= 400 else None


def create(cli, coll, fields):
    r = cli.post(f"/vmrest/{coll}", body=json.dumps(fields), ctype=JSON)
    assert r.status == 201, r
    return r.body.decode().rsplit("/", 1)[1]


def listing(cli, coll, params=""):
    r = cli.get(f"/vmrest/{coll}" + (("?" + params) if params else ""), accept=JSON)
    assert r.status == 200, r
    d = r.json()
    elem = {"ports": "Port", "portgroups": "PortGroup", "phonesystems": "PhoneSystem"}[coll]
    v = d.get(elem, [])
    v = [v] if isinstance(v, dict) else v
    assert int(d["@total"]) == len(v)
    return v


def ports_of(cli, group):
    return listing(cli, "ports", f"query=(MediaPortGroupObjectId%20is%20{group})")


def health(srv):
    r = srv.client(None).get("/cupid/health")
    assert r.status == 200, r
    return r.json()


def vms_id(cli):
    r = cli.get("/vmrest/vmsservers", accept=JSON)
    v = r.json()["VmsServer"]
    return (v if isinstance(v, dict) else v[0])["VmsServerObjectId"]


def spread(servers, n):
    """The i-th of n clients goes to server i mod len(servers)."""
    return [servers[i % len(servers)] for i in range(n)]


def check_consistent(servers, ports_total, groups_total):
    """Every process sees the same totals, and the listings agree with /cupid/health."""
    for s in servers:
        cli = s.client()
        h = health(s)
        assert (h["portsUsed"], h["portGroups"]) == (ports_total, groups_total)
        assert len(listing(cli, "ports")) == ports_total
        assert len(listing(cli, "portgroups")) == groups_total
        assert sum(int(g["PortCount"]) for g in listing(cli, "portgroups")) == ports_total


# =============================================================================================
# (a) the licence: 40 clients x 2 ports with 10 slots left


@pytest.mark.parametrize("layout", ["one-group", "three-types"])
def test_licence_race(servers, layout):
    cli = servers[0].client()
    vms = vms_id(cli)
    ps = create(cli, "phonesystems", {"DisplayName": "Race"})
    groups = [create(cli, "portgroups", {"MediaSwitchObjectId": ps,
                                         "TelephonyIntegrationMethodEnum": t})
              for t in ((2,) if layout == "one-group" else (1, 2, 3))]
    create(cli, "ports", {"MediaPortGroupObjectId": groups[0], "VmsServerObjectId": vms,
                          "NumberOfPorts": LICENCE - 10})
    bodies = []
    for i in range(40):
        g = groups[i % len(groups)]
        body = {"MediaPortGroupObjectId": g, "NumberOfPorts": 2}
        if g != groups[-1] or layout == "one-group":
            body["VmsServerObjectId"] = vms  # the PIMG/TIMG group (last of three) has none
        bodies.append(body)
    results = fire([(s, "POST", "/vmrest/ports", b)
                    for s, b in zip(spread(servers, 40), bodies)])
    assert all(r[0] in (201, 400) for r in results), results
    ok = [body for status, body in results if status == 201]
    assert len(ok) == 5, results
    assert {code(r) for r in results if r[0] == 400} == {"LICENSE_EXCEEDED"}
    check_consistent(servers, LICENCE, len(groups))
    # numbering never repeats within a group, and has no holes (nothing was deleted)
    firsts = set()
    for g in groups:
        ports = ports_of(cli, g)
        nums = sorted(int(p["PortNumInGroup"]) for p in ports)
        assert nums == list(range(1, len(nums) + 1)), nums
        assert len({p["DisplayName"] for p in ports}) == len(ports)
        firsts |= {p["ObjectId"] for p in ports if int(p["PortNumInGroup"]) % 2 == 1}
    # each 201 named the lower-numbered port of its own pair
    assert {b.rsplit("/", 1)[1] for b in ok} <= firsts
    assert len({b for b in ok}) == 5
    # and the licence is really full
    results = fire([(s, "POST", "/vmrest/ports", bodies[0]) for s in spread(servers, 4)])
    assert [code(r) for r in results] == ["LICENSE_EXCEEDED"] * 4


def test_numbering_race_without_licence_pressure(servers):
    """30 clients add 2 ports each to one SCCP group at once: 60 ports numbered 1..60, every
    SkinnyDeviceName and DisplayName distinct."""
    cli = servers[0].client()
    vms = vms_id(cli)
    ps = create(cli, "phonesystems", {"DisplayName": "Num"})
    g = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 1})
    body = {"MediaPortGroupObjectId": g, "VmsServerObjectId": vms, "NumberOfPorts": 2}
    results = fire([(s, "POST", "/vmrest/ports", body) for s in spread(servers, 30)])
    assert [r[0] for r in results] == [201] * 30, results
    ports = ports_of(cli, g)
    assert sorted(int(p["PortNumInGroup"]) for p in ports) == list(range(1, 61))
    assert len({p["SkinnyDeviceName"] for p in ports}) == 60
    assert len({p["DisplayName"] for p in ports}) == 60
    check_consistent(servers, 60, 1)


def test_mixed_writes_at_once_are_each_all_or_nothing(servers):
    """Writes that arrive together share commits (README "Performance"): 40 at once, of which
    10 add ports, 20 are refused for different reasons and 10 rename the group. Exactly the
    accepted ones take effect, each whole, and every one of the 40 is audited once."""
    cli = servers[0].client()
    vms = vms_id(cli)
    ps = create(cli, "phonesystems", {"DisplayName": "Mixed"})
    g = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 2})
    since = 0
    while True:  # the newest audit entry so far
        page = cli.get_json(f"/cupid/audit?since={since}&limit=1000")["entries"]
        if not page:
            break
        since = page[-1]["id"]
    good = {"MediaPortGroupObjectId": g, "VmsServerObjectId": vms, "NumberOfPorts": 2}
    odd = dict(good, NumberOfPorts=3)
    nogroup = dict(good, MediaPortGroupObjectId="00000000-0000-4000-8000-00000000000f")
    reqs = ([("POST", "/vmrest/ports", good)] * 10 + [("POST", "/vmrest/ports", odd)] * 10 +
            [("POST", "/vmrest/ports", nogroup)] * 10 +
            [("PUT", f"/vmrest/portgroups/{g}", {"DisplayName": f"Mixed-{i}"}) for i in range(10)])
    results = fire([(s, m, p, b) for s, (m, p, b) in zip(spread(servers, 40), reqs)])
    assert [r[0] for r in results] == [201] * 10 + [400] * 20 + [204] * 10, results
    ports = ports_of(cli, g)
    assert sorted(int(p["PortNumInGroup"]) for p in ports) == list(range(1, 21))
    name = cli.get_json(f"/vmrest/portgroups/{g}")["DisplayName"]
    assert name in {f"Mixed-{i}" for i in range(10)}
    entries = [e for e in cli.get_json(f"/cupid/audit?since={since}&limit=1000")["entries"]]
    assert sorted(e["status"] for e in entries) == sorted(r[0] for r in results)
    assert len({e["requestId"] for e in entries}) == 40
    check_consistent(servers, 20, 1)


# =============================================================================================
# (b) port-group names


def test_portgroup_same_name_race(servers):
    cli = servers[0].client()
    ps = create(cli, "phonesystems", {"DisplayName": "Names"})
    other = create(cli, "phonesystems", {"DisplayName": "Names2"})
    reqs = []
    for i, s in enumerate(spread(servers, 24)):
        owner = ps if i % 3 else other  # 16 under ps, 8 under other
        reqs.append((s, "POST", "/vmrest/portgroups",
                     {"MediaSwitchObjectId": owner, "TelephonyIntegrationMethodEnum": 2,
                      "DisplayName": "Same"}))
    results = fire(reqs)
    assert all(r[0] in (201, 400) for r in results), results
    for owner in (ps, other):
        mine = [r for r, q in zip(results, reqs) if q[3]["MediaSwitchObjectId"] == owner]
        assert [r[0] for r in mine].count(201) == 1, mine
        assert {code(r) for r in mine if r[0] == 400} == {"DUPLICATE_NAME"}
    pgs = listing(cli, "portgroups")
    assert sorted((g["MediaSwitchObjectId"], g["DisplayName"]) for g in pgs) == sorted(
        [(ps, "Same"), (other, "Same")])
    check_consistent(servers, 0, 2)


def test_portgroup_default_name_race(servers):
    """12 groups created at once without a name: each gets its own default name."""
    cli = servers[0].client()
    ps = create(cli, "phonesystems", {"DisplayName": "Dflt"})
    body = {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 3}
    results = fire([(s, "POST", "/vmrest/portgroups", body) for s in spread(servers, 12)])
    assert [r[0] for r in results] == [201] * 12, results
    names = sorted(g["DisplayName"] for g in listing(cli, "portgroups"))
    assert names == sorted(f"Dflt-{n}" for n in range(1, 13))


def test_rename_race(servers):
    """Two groups are both renamed to "X", 10 times each, at once: one of them ends up "X"
    (all its PUTs 204), every PUT on the other gets DUPLICATE_NAME."""
    cli = servers[0].client()
    ps = create(cli, "phonesystems", {"DisplayName": "Ren"})
    a = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 2})
    b = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 2})
    reqs = [(s, "PUT", f"/vmrest/portgroups/{a if i % 2 else b}", {"DisplayName": "X"})
            for i, s in enumerate(spread(servers, 20))]
    results = fire(reqs)
    by_group = {a: [], b: []}
    for (status, body), q in zip(results, reqs):
        by_group[q[2].rsplit("/", 1)[1]].append(status if status == 204 else code((status, body)))
    names = {g["ObjectId"]: g["DisplayName"] for g in listing(cli, "portgroups")}
    assert sorted(names.values()) in (["Ren-1", "X"], ["Ren-2", "X"])
    winner = a if names[a] == "X" else b
    loser = b if winner == a else a
    assert by_group[winner] == [204] * 10, by_group
    assert by_group[loser] == ["DUPLICATE_NAME"] * 10, by_group


def test_phone_system_same_name_race(servers):
    results = fire([(s, "POST", "/vmrest/phonesystems", {"DisplayName": "Twin"})
                    for s in spread(servers, 20)])
    assert [r[0] for r in results].count(201) == 1, results
    assert {code(r) for r in results if r[0] != 201} == {"DUPLICATE_NAME"}
    cli = servers[0].client()
    assert [p["DisplayName"] for p in listing(cli, "phonesystems")] == ["Twin"]


# =============================================================================================
# (c) the port-group limit


def test_portgroup_limit_race(servers):
    cli = servers[0].client()
    ps = create(cli, "phonesystems", {"DisplayName": "Cap"})
    for i in range(MAX_GROUPS - 3):
        create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 3,
                                   "DisplayName": f"pre-{i}"})
    reqs = [(s, "POST", "/vmrest/portgroups",
             {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 1 + i % 3,
              "DisplayName": f"new-{i}"}) for i, s in enumerate(spread(servers, 20))]
    results = fire(reqs)
    assert all(r[0] in (201, 400) for r in results), results
    assert [r[0] for r in results].count(201) == 3, results
    assert {code(r) for r in results if r[0] == 400} == {"LICENSE_EXCEEDED"}
    check_consistent(servers, 0, MAX_GROUPS)
    assert len([g for g in listing(cli, "portgroups") if g["DisplayName"].startswith("new-")]) == 3


# =============================================================================================
# (e) one DefaultTRaPSwitch


def test_default_trap_switch_race(servers):
    cli = servers[0].client()
    existing = [create(cli, "phonesystems", {"DisplayName": f"old-{i}"}) for i in range(4)]
    reqs = [(s, "POST", "/vmrest/phonesystems", {"DisplayName": f"new-{i}",
                                                  "DefaultTRaPSwitch": "true"})
            for i, s in enumerate(spread(servers, 20))]
    reqs += [(s, "PUT", f"/vmrest/phonesystems/{existing[i % 4]}", {"DefaultTRaPSwitch": True})
             for i, s in enumerate(spread(servers, 8))]
    results = fire(reqs)
    assert [r[0] for r in results] == [201] * 20 + [204] * 8, results
    pss = listing(cli, "phonesystems")
    assert len(pss) == 24
    assert [p["DefaultTRaPSwitch"] for p in pss].count("true") == 1, pss
    for s in servers[1:]:
        assert listing(s.client(), "phonesystems") == pss


def test_first_phone_systems_race(servers):
    """Many first phone systems at once, none saying DefaultTRaPSwitch: at most one becomes
    the default (it defaults to true only when no other phone system exists)."""
    results = fire([(s, "POST", "/vmrest/phonesystems", {"DisplayName": f"first-{i}"})
                    for i, s in enumerate(spread(servers, 16))])
    assert [r[0] for r in results] == [201] * 16, results
    pss = listing(servers[0].client(), "phonesystems")
    assert [p["DefaultTRaPSwitch"] for p in pss].count("true") == 1


# =============================================================================================
# cascades racing with creation


def test_delete_phone_system_while_adding_ports(servers):
    cli = servers[0].client()
    vms = vms_id(cli)
    ps = create(cli, "phonesystems", {"DisplayName": "Doomed"})
    keep = create(cli, "phonesystems", {"DisplayName": "Kept"})
    g = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 2})
    kg = create(cli, "portgroups", {"MediaSwitchObjectId": keep,
                                    "TelephonyIntegrationMethodEnum": 2})
    create(cli, "ports", {"MediaPortGroupObjectId": g, "VmsServerObjectId": vms,
                          "NumberOfPorts": 10})
    reqs = [(s, "POST", "/vmrest/ports", {"MediaPortGroupObjectId": g if i % 2 else kg,
                                          "VmsServerObjectId": vms, "NumberOfPorts": 2})
            for i, s in enumerate(spread(servers, 20))]
    reqs.insert(10, (servers[-1], "DELETE", f"/vmrest/phonesystems/{ps}", None))
    results = fire(reqs)
    assert results[10][0] == 204, results[10]
    for r, q in zip(results, reqs):
        if q[1] != "POST":
            continue
        if q[3]["MediaPortGroupObjectId"] == kg:
            assert r[0] == 201, r
        else:  # before the delete: created (then deleted with it); after: no such group
            assert r[0] == 201 or code(r) == "INVALID_PARAMETER", r
            if r[0] == 400:
                assert "MediaPortGroupObjectId" in r[1]["errors"]["message"]
    assert ports_of(cli, g) == []
    assert cli.get(f"/vmrest/portgroups/{g}").status == 404
    assert len(ports_of(cli, kg)) == 20
    check_consistent(servers, 20, 1)


def test_concurrent_puts_last_wins_and_stay_valid(servers):
    """Concurrent PUTs to one port group: it ends with the values of one of them, whole."""
    cli = servers[0].client()
    ps = create(cli, "phonesystems", {"DisplayName": "Puts"})
    g = create(cli, "portgroups", {"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 1})
    sent = [{"MwiOnCode": str(i) * 3, "MwiOffCode": str(i) * 4, "SkinnyDevicePrefix": f"P{i}"}
            for i in range(10)]
    results = fire([(s, "PUT", f"/vmrest/portgroups/{g}", b)
                    for s, b in zip(spread(servers, 10), sent)])
    assert [r[0] for r in results] == [204] * 10, results
    d = cli.get(f"/vmrest/portgroups/{g}", accept=JSON).json()
    got = {k: d[k] for k in ("MwiOnCode", "MwiOffCode", "SkinnyDevicePrefix")}
    assert got in sent
