"""Paging, query and sort on every CUPI collection (SPEC §3.1-§3.4, rendering §2.4): ports,
portgroups, phonesystems, portgrouptemplates, vmsservers and cluster. The data is a custom
fixture (§6.4) with chosen ObjectIds, so that ties, case, NULLs and odd names are known; the
expected orders and matches are computed here from the rules of §3.3, never taken from the
server."""

import functools
import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from cupidtest import (JSON, TPL_PIMG, TPL_SCCP, TPL_SIP, X, XML, assert_error,
                       phonesystem_fields, port_fields, portgroup_fields, start_server,
                       template_fields, vms_fields)

COLLS = {
    # path: (root, element, default sort column)
    "ports": ("Ports", "Port", "DisplayName"),
    "portgroups": ("PortGroups", "PortGroup", "DisplayName"),
    "phonesystems": ("PhoneSystems", "PhoneSystem", "DisplayName"),
    "portgrouptemplates": ("PortGroupTemplates", "PortGroupTemplate",
                           "CopyTelephonyIntegrationMethodEnum"),
    "vmsservers": ("VmsServers", "VmsServer", "ClusterMemberId"),
    "cluster": ("VmsServers", "VmsServer", "ClusterMemberId"),
}

# every field of each resource's table that is written out (§5): these are the columns (§3.3)
COLUMNS = {
    "ports": [k for k, _ in port_fields("x", "g", 1, 1, "d")],
    "portgroups": [k for k, _ in portgroup_fields("x", 1, "d", 0)],
    "phonesystems": [k for k, _ in phonesystem_fields("x", "d", 0)],
    "portgrouptemplates": [k for k, _ in template_fields("x", "l", 1)],
    "vmsservers": [k for k, _ in vms_fields("x")],
}
COLUMNS["cluster"] = COLUMNS["vmsservers"]

INT_COLS = {
    "PortNumInGroup", "TelephonyIntegrationMethodEnum", "SkinnySecurityModeEnum", "HuntOrder",
    "PimgPortNumber", "SipSendPort", "MwiRetryCountOnSuccess", "MwiRetryIntervalOnSuccessMs",
    "SipTransportProtocolEnum", "MwiMinRequestIntervalMs", "MwiMaxConcurrentRequests",
    "PortCount", "SipTLSModeEnum", "ResetStatusEnum", "CallLoopGuardTimeMs",
    "RestrictDialStartTime", "RestrictDialEndTime", "CopyTelephonyIntegrationMethodEnum",
    "ClusterMemberId", "ServerState", "ServerDisplayState",
}
BOOL_COLS = {
    "SkinnyDoMediaEncryption", "CapAnswer", "CapNotification", "CapMWI", "CapEnabled",
    "CapDeliverAmis", "CapTrapConnection", "MediaPortGroupEnableMWI",
    "MediaPortGroupMwiReqPortSpecific", "EnableMWI", "CcmDoAutoFailback",
    "SipRegisterWithProxyServer", "SipDoAuthenticate", "SipDoSRTP", "EnableAGC",
    "MwiAlwaysUpdate", "MwiPortMemory", "CallLoopSupervisedTransferDetect",
    "CallLoopForwardNotificationDetect", "EnablePhoneApplications", "DefaultTRaPSwitch",
    "MwiForceOff", "RestrictDialUnconditional", "RestrictDialScheduled",
    "CallLoopExtensionDetect", "SubToPerformReplicationRole",
}


def col_type(c):
    return "int" if c in INT_COLS else "bool" if c in BOOL_COLS else "str"


# --- the data ---------------------------------------------------------------------------------

PS_NAMES = {  # ObjectId -> DisplayName; ids deliberately not in name order
    "ps-k": "lab", "ps-c": "Lab", "ps-a": "LAB (old)", "ps-j": "Lab (old)", "ps-e": "_under",
    "ps-b": "alpha", "ps-i": "Zed", "ps-d": '"lab"', "ps-h": "C++", "ps-f": "Caf\u00e9",
    "ps-g": "two  spaces", "ps-l": "lab)x", "ps-m": "R&D=1", "ps-n": "100%",
}
# §3.3 order, worked out by hand: '"' < '1' < '_' < letters (A-Z folded to a-z); a tie under
# folding is broken byte by byte ("LAB" < "Lab" < "lab")
PS_ASC = ['"lab"', "100%", "_under", "alpha", "C++", "Caf\u00e9", "Lab", "lab", "LAB (old)",
          "Lab (old)", "lab)x", "R&D=1", "two  spaces", "Zed"]
PS_EXTRA = {
    "ps-k": {"CallLoopGuardTimeMs": 25, "RestrictDialStartTime": 600, "CallLoopDTMF": "#"},
    "ps-c": {"RestrictDialStartTime": 60, "MwiForceOff": True},
    "ps-a": {"CallLoopGuardTimeMs": 250, "CallLoopDTMF": "1"},
    "ps-i": {"CallLoopGuardTimeMs": 9, "DefaultTRaPSwitch": True, "RestrictDialEndTime": 1439},
    "ps-b": {"CallLoopGuardTimeMs": 100000, "MwiForceOff": True, "CallLoopDTMF": "*"},
    "ps-h": {"CallLoopGuardTimeMs": 0, "RestrictDialStartTime": 6},
}
VMS = [{"ObjectId": "vms-b", "ServerName": "beta", "IpAddress": "192.0.2.20"},
       {"ObjectId": "VMS-a", "ServerName": "Alpha", "IpAddress": "192.0.2.7",
        "IpAddressV6": "2001:db8::7", "HostName": "alpha.example.net"}]
PGS = [
    {"ObjectId": "g2", "MediaSwitchObjectId": "ps-k", "TelephonyIntegrationMethodEnum": 1,
     "DisplayName": "Same", "MwiOnCode": "12"},
    {"ObjectId": "G3", "MediaSwitchObjectId": "ps-c", "TelephonyIntegrationMethodEnum": 3,
     "DisplayName": "Same", "EnableMWI": False},
    {"ObjectId": "g1", "MediaSwitchObjectId": "ps-b", "TelephonyIntegrationMethodEnum": 2,
     "DisplayName": "sip", "SkinnyDevicePrefix": "zz", "SipTransportProtocolEnum": 11,
     "MwiRetryIntervalOnSuccessMs": 100},
    {"ObjectId": "G0", "MediaSwitchObjectId": "ps-k", "TelephonyIntegrationMethodEnum": 1,
     "DisplayName": "same", "SkinnyDevicePrefix": "AB", "MwiRetryIntervalOnSuccessMs": 20},
    {"ObjectId": "g4", "MediaSwitchObjectId": "ps-k", "TelephonyIntegrationMethodEnum": 3,
     "DisplayName": "Other", "SipTLSModeEnum": 10},
    {"ObjectId": "g5", "MediaSwitchObjectId": "ps-k", "TelephonyIntegrationMethodEnum": 2,
     "DisplayName": "Empty"},
]
PORTS = [
    # g2: SCCP on vms-b
    {"ObjectId": "p-07", "MediaPortGroupObjectId": "g2", "VmsServerObjectId": "vms-b",
     "DisplayName": "dup", "HuntOrder": 10},
    {"ObjectId": "P-02", "MediaPortGroupObjectId": "g2", "VmsServerObjectId": "vms-b",
     "DisplayName": "Port-a", "HuntOrder": 2, "SkinnySecurityModeEnum": 2},
    {"ObjectId": "p-11", "MediaPortGroupObjectId": "g2", "VmsServerObjectId": "vms-b",
     "HuntOrder": 100, "CapEnabled": False},
    {"ObjectId": "p-03", "MediaPortGroupObjectId": "g2", "VmsServerObjectId": "vms-b",
     "DisplayName": "dup", "HuntOrder": 9, "CapDeliverAmis": True},
    # G3: PIMG/TIMG, no server
    {"ObjectId": "p-05", "MediaPortGroupObjectId": "G3", "DisplayName": "port-A", "HuntOrder": 1},
    {"ObjectId": "p-10", "MediaPortGroupObjectId": "G3", "DisplayName": "dup", "HuntOrder": 1000,
     "CapAnswer": False},
    {"ObjectId": "p-01", "MediaPortGroupObjectId": "G3"},
    # g1: SIP on VMS-a
    {"ObjectId": "p-08", "MediaPortGroupObjectId": "g1", "VmsServerObjectId": "VMS-a",
     "DisplayName": "PORT-a", "HuntOrder": 2, "SkinnyDoMediaEncryption": True},
    {"ObjectId": "p-04", "MediaPortGroupObjectId": "g1", "VmsServerObjectId": "VMS-a"},
    {"ObjectId": "p-12", "MediaPortGroupObjectId": "g1", "VmsServerObjectId": "VMS-a",
     "DisplayName": "Lab (old)", "HuntOrder": 9999, "CapDeliverAmis": True},
    {"ObjectId": "p-06", "MediaPortGroupObjectId": "g1", "VmsServerObjectId": "VMS-a",
     "DisplayName": "zeta", "SkinnySecurityModeEnum": 1},
    # G0: SCCP on VMS-a, prefix AB, a gap in the numbers
    {"ObjectId": "p-09", "MediaPortGroupObjectId": "G0", "VmsServerObjectId": "VMS-a"},
    {"ObjectId": "p-00", "MediaPortGroupObjectId": "G0", "VmsServerObjectId": "VMS-a",
     "PortNumInGroup": 12, "DisplayName": "dup", "CapMWI": False},
]
DOC = {
    "vmsservers": VMS,
    "phonesystems": [{"ObjectId": k, "DisplayName": v, **PS_EXTRA.get(k, {})}
                     for k, v in PS_NAMES.items()],
    "portgroups": PGS,
    "ports": PORTS,
}
COUNTS = {"ports": len(PORTS), "portgroups": len(PGS), "phonesystems": len(PS_NAMES),
          "portgrouptemplates": 3, "vmsservers": 2, "cluster": 2}


def load_doc(cli):
    r = cli.post("/cupid/fixtures", body=json.dumps(DOC), ctype=JSON)
    assert r.status == 200, r
    assert r.json() == {"loaded": "custom", "counts": {
        "vmsservers": 2, "phonesystems": len(PS_NAMES), "portgroups": len(PGS),
        "ports": len(PORTS)}}


@pytest.fixture(scope="module")
def srv():
    s = start_server({"license.voice_ports": "100"})
    yield s
    s.cleanup()


@pytest.fixture(scope="module")
def cli(srv):
    """A keep-alive admin client on the module's server, with DOC loaded. Tests that write use
    `scratch`, which loads DOC again afterwards."""
    c = srv.client(keep=True)
    load_doc(c)
    yield c
    c.close()


@pytest.fixture
def scratch(cli):
    yield cli
    load_doc(cli)


@pytest.fixture(scope="module")
def every(cli):
    """The unpaged listing of each collection: the oracle for queries and sorts."""
    out = {}
    for c in COLLS:
        total, elems = get_coll(cli, c)
        assert total == len(elems) == COUNTS[c]
        out[c] = elems
    return out


# --- helpers ----------------------------------------------------------------------------------

def qv(v):
    return urllib.parse.quote(v, safe="")


def get_coll(cli, coll, params="", fmt="json", method="GET"):
    path = f"/vmrest/{coll}" + (("?" + params) if params else "")
    r = cli.request(method, path, accept=JSON if fmt == "json" else XML)
    return parse_coll(r, coll, fmt)


def parse_coll(r, coll, fmt="json"):
    """-> (total, [dict]) with the shape checks of §2.4: JSON object for one element on the
    page, array for two or more, no key for none; XML root with total and one child each."""
    root_tag, elem, _ = COLLS[coll]
    assert r.status == 200, r
    if fmt == "json":
        assert r.headers["Content-Type"] == JSON
        assert r.body.startswith(b'{"@total":"'), r.body[:80]
        d = json.loads(r.body)
        total = int(d["@total"])
        assert list(d)[0] == "@total"
        if elem not in d:
            assert list(d) == ["@total"]
            return total, []
        assert list(d) == ["@total", elem]
        v = d[elem]
        if isinstance(v, dict):
            return total, [v]
        assert isinstance(v, list) and len(v) >= 2, v
        return total, v
    assert r.headers["Content-Type"] == XML
    assert r.body.startswith(X.encode())
    root = ET.fromstring(r.body)
    assert root.tag == root_tag
    out = []
    for e in root:
        assert e.tag == elem
        out.append({c.tag: (c.text or "") for c in e})
    return int(root.get("total")), out


def ids(elems):
    return [e["ObjectId"] for e in elems]


def fold(s):
    return s.translate({c: c + 32 for c in range(65, 91)})


def keyval(v, typ):
    if typ == "int":
        return (int(v),)
    if typ == "bool":
        assert v in ("true", "false"), v
        return (v == "true",)
    return (fold(v).encode(), v.encode())


def expect_sorted(elems, col, desc=False):
    """§3.3: NULL first ascending / last descending; strings ASCII case-insensitively, then
    byte by byte; integers numerically; false < true; ties by ObjectId ascending always."""
    typ = col_type(col)

    def cmp(a, b):
        va, vb = a.get(col), b.get(col)
        if va is None or vb is None:
            c = (va is not None) - (vb is not None)
        else:
            ka, kb = keyval(va, typ), keyval(vb, typ)
            c = (ka > kb) - (ka < kb)
        if desc:
            c = -c
        if c == 0:
            oa, ob = a["ObjectId"].encode(), b["ObjectId"].encode()
            c = (oa > ob) - (oa < ob)
        return c

    return sorted(elems, key=functools.cmp_to_key(cmp))


def matches(e, col, op, value):
    v = e.get(col)
    if v is None:
        return False  # NULL never matches
    typ = col_type(col)
    if typ == "int":
        return int(v) == int(value) if op == "is" else v.startswith(value)
    if typ == "bool":
        return v == {"1": "true", "0": "false"}.get(value.lower(), value.lower())
    return fold(v) == fold(value) if op == "is" else fold(v).startswith(fold(value))


def default_sorted(coll, elems):
    return expect_sorted(elems, COLLS[coll][2])


def bad(cli, coll, params, param):
    """400 INVALID_PARAMETER naming param, in JSON and XML; and HEAD gets 400 with no body."""
    path = f"/vmrest/{coll}?{params}"
    assert_error(cli.get(path, accept=JSON), 400, "INVALID_PARAMETER", "json", field=param)
    assert_error(cli.get(path), 400, "INVALID_PARAMETER", "xml", field=param)
    r = cli.head(path)
    assert r.status == 400 and r.body == b"", r


# =============================================================================================
# the data is what the fixture says; default orders

def test_fixture_data_as_loaded(cli, every):
    assert sorted(e["DisplayName"] for e in every["phonesystems"]) == sorted(PS_NAMES.values())
    by_id = {e["ObjectId"]: e for e in every["ports"]}
    assert by_id["p-00"]["PortNumInGroup"] == "12" and by_id["p-00"]["SkinnyDeviceName"] == "AB12"
    assert by_id["p-09"]["DisplayName"] == "same-001" and by_id["p-09"]["SkinnyDeviceName"] == "AB1"
    assert by_id["p-11"]["DisplayName"] == "Same-003"
    assert "VmsServerName" not in by_id["p-01"] and "SkinnyDeviceName" not in by_id["p-04"]
    assert by_id["p-12"]["VmsServerName"] == "Alpha"
    g = {e["ObjectId"]: e for e in every["portgroups"]}
    assert "SkinnyDevicePrefix" not in g["G3"] and g["g1"]["SkinnyDevicePrefix"] == "zz"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("coll", list(COLLS))
def test_default_order(cli, every, coll, fmt):
    total, elems = get_coll(cli, coll, fmt=fmt)
    assert total == COUNTS[coll]
    assert ids(elems) == ids(default_sorted(coll, every[coll]))


def test_default_orders_by_hand(cli):
    _, pss = get_coll(cli, "phonesystems")
    assert [e["DisplayName"] for e in pss] == PS_ASC
    _, pgs = get_coll(cli, "portgroups")
    assert ids(pgs) == ["g5", "g4", "G3", "g2", "G0", "g1"]  # Empty Other Same Same same sip
    _, tpls = get_coll(cli, "portgrouptemplates")
    assert ids(tpls) == [TPL_SCCP, TPL_SIP, TPL_PIMG]
    for c in ("vmsservers", "cluster"):
        _, vms = get_coll(cli, c)
        assert ids(vms) == ["vms-b", "VMS-a"]  # ClusterMemberId, not name or id order
    _, ports = get_coll(cli, "ports")
    assert ids(ports)[:4] == ["p-00", "p-03", "p-07", "p-10"]  # four "dup": ObjectId order
    names = [p["DisplayName"] for p in ports]
    assert names[4:7] == ["Lab (old)", "PORT-a", "Port-a"]
    # folding first: "same-001" < "Same-003"; the two "Same-003" in ObjectId order
    assert names[7:] == ["port-A", "same-001", "Same-003", "Same-003", "sip-002", "zeta"]
    assert ids(ports) == ["p-00", "p-03", "p-07", "p-10", "p-12", "p-08", "P-02", "p-05", "p-09",
                          "p-01", "p-11", "p-04", "p-06"]


def test_hand_checked_sorts(cli):
    def order(params, coll="ports", key="ObjectId"):
        return [e.get(key) for e in get_coll(cli, coll, params)[1]]

    # ties broken by ObjectId ascending in both directions
    assert order("sort=(DisplayName%20desc)", "portgroups") == ["g1", "G0", "G3", "g2", "g4",
                                                               "g5"]
    # integers numerically: 12 after 2, 1000 after 100
    assert order("sort=(HuntOrder)", key="HuntOrder") == [
        "0", "0", "0", "0", "0", "1", "2", "2", "9", "10", "100", "1000", "9999"]
    assert order("query=(MediaPortGroupObjectId%20is%20G0)&sort=(PortNumInGroup%20desc)",
                 key="PortNumInGroup") == ["12", "1"]
    # NULL first ascending, last descending (PIMG/TIMG and SIP ports have no SkinnyDeviceName)
    asc = order("sort=(SkinnyDeviceName)")
    assert asc == ["p-01", "p-04", "p-05", "p-06", "p-08", "p-10", "p-12",
                   "p-09", "p-00", "p-07", "P-02", "p-11", "p-03"]
    assert order("sort=(SkinnyDeviceName%20desc)") == [
        "p-03", "p-11", "P-02", "p-07", "p-00", "p-09",
        "p-01", "p-04", "p-05", "p-06", "p-08", "p-10", "p-12"]
    assert order("sort=(VmsServerName)") == ["p-01", "p-05", "p-10", "p-00", "p-04", "p-06",
                                             "p-08", "p-09", "p-12", "P-02", "p-03", "p-07",
                                             "p-11"]
    assert order("sort=(VmsServerName%20DESC)")[-3:] == ["p-01", "p-05", "p-10"]
    # false before true
    assert order("sort=(CapEnabled)")[0] == "p-11"
    assert order("sort=(CapEnabled%20desc)")[-1] == "p-11"
    # vmsservers by name: "Alpha" < "beta" (case-insensitive), IpAddressV6 NULL first
    assert order("sort=(ServerName)", "vmsservers") == ["VMS-a", "vms-b"]
    assert order("sort=(IpAddressV6)", "cluster") == ["vms-b", "VMS-a"]
    assert order("sort=(IpAddressV6%20desc)", "cluster") == ["VMS-a", "vms-b"]
    assert order("sort=(TemplateDescriptionDefault%20desc)", "portgrouptemplates",
                 "TemplateDescriptionDefault") == ["SIP", "SCCP", "PIMG/TIMG"]


# =============================================================================================
# every column of every collection: sort both ways, is, startswith


def _cases():
    out = []
    for coll, cols in COLUMNS.items():
        for col in cols:
            out.append((coll, col))
    return out


CASES = _cases()


@pytest.mark.parametrize("coll,col", CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_sort_every_column(cli, every, coll, col):
    for spelled in (col, col.lower(), col.upper()):
        for d, desc in (("", False), ("%20asc", False), ("%20desc", True), ("%20DESC", True),
                        ("%20Asc", False)):
            _, elems = get_coll(cli, coll, f"sort=({spelled}{d})")
            assert ids(elems) == ids(expect_sorted(every[coll], col, desc)), (spelled, d)
            if spelled != col:
                break


@pytest.mark.parametrize("coll,col", CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_query_every_column(cli, every, coll, col):
    typ = col_type(col)
    values = sorted({e[col] for e in every[coll] if e.get(col)})
    probes = []
    if typ == "bool":
        probes = [("is", v) for v in ("true", "false", "1", "0", "TRUE", "False")]
    else:
        for v in values[:4]:
            probes.append(("is", v))
            if typ == "str":
                probes.append(("is", v.swapcase() if v.isascii() else v))
            probes.append(("startswith", v[:1]))
            probes.append(("startswith", v[:3]))
        if typ == "int":
            probes += [("is", "-1"), ("startswith", "9")]
        else:
            probes += [("is", "no such value"), ("startswith", "zzz")]
    for op, v in probes:
        for spelled_op in (op, op.upper()):
            params = "query=" + qv(f"({col} {spelled_op} {v})")
            total, elems = get_coll(cli, coll, params)
            want = [e for e in default_sorted(coll, every[coll]) if matches(e, col, op, v)]
            assert total == len(want), (op, v)
            assert ids(elems) == ids(want), (op, v)
    if typ == "bool":
        for v in ("1", "true", "t", "x"):
            bad(cli, coll, "query=" + qv(f"({col} startswith {v})"), "query")
        for v in ("yes", "2", "on", "truee", "-1"):
            bad(cli, coll, "query=" + qv(f"({col} is {v})"), "query")
    if typ == "int":
        for v in ("abc", "1.0", "1e2", "0x1", "+1", "1 2"):
            bad(cli, coll, "query=" + qv(f"({col} is {v})"), "query")


QUERY_ROWS = [
    # (collection, query as decoded text, ObjectIds expected in default order)
    ("ports", "(HuntOrder startswith 1)", ["p-07", "p-10", "p-05", "p-11"]),
    ("ports", "(HuntOrder is 010)", ["p-07"]),
    ("ports", "(HuntOrder is 0)", ["p-00", "p-09", "p-01", "p-04", "p-06"]),
    ("ports", "(HuntOrder startswith 99)", ["p-12"]),
    ("ports", "(PortNumInGroup startswith 1)", ["p-00", "p-07", "p-08", "p-05", "p-09"]),
    ("ports", "(PortNumInGroup is 12)", ["p-00"]),
    ("ports", "(CapEnabled is FALSE)", ["p-11"]),
    ("ports", "(CapAnswer is 0)", ["p-10"]),
    ("ports", "(SkinnyDeviceName startswith ab1)", ["p-00", "p-09"]),
    ("ports", "(SkinnyDeviceName is ab1)", ["p-09"]),
    ("ports", "(SkinnyDeviceName startswith C)", ["p-03", "p-07", "P-02", "p-11"]),
    ("ports", "(VmsServerName startswith a)", ["p-00", "p-12", "p-08", "p-09", "p-04", "p-06"]),
    ("ports", "(VmsServerObjectId is VMS-B)", ["p-03", "p-07", "P-02", "p-11"]),
    ("ports", "(ObjectId is p-02)", ["P-02"]),
    ("ports", "(URI is /VMREST/PORTS/P-02)", ["P-02"]),
    ("ports", "(PortGroupURI startswith /vmrest/portgroups/G3)", ["p-10", "p-05", "p-01"]),
    ("ports", "(DisplayName is PORT-A)", ["p-08", "P-02", "p-05"]),
    ("ports", "(DisplayName is Lab (old))", ["p-12"]),
    # "lab" and "Lab" are both phone systems: the comparison is case-insensitive
    ("ports", "(MediaSwitchDisplayName is lab)", ["p-00", "p-03", "p-07", "p-10", "P-02", "p-05",
                                                  "p-09", "p-01", "p-11"]),
    ("ports", "(MediaSwitchObjectId is ps-k)", ["p-00", "p-03", "p-07", "P-02", "p-09", "p-11"]),
    ("ports", "(MediaPortGroupEnableMWI is false)", ["p-10", "p-05", "p-01"]),
    ("ports", "(TelephonyIntegrationMethodEnum is 3)", ["p-10", "p-05", "p-01"]),
    ("portgroups", "(SkinnyDevicePrefix startswith z)", ["g1"]),
    ("portgroups", "(SkinnyDevicePrefix startswith c)", ["g2"]),
    ("portgroups", "(MwiOnCode is 12)", ["g2"]),
    ("portgroups", "(PortCount is 0)", ["g5", "g4"]),
    ("portgroups", "(MediaPortGroupTemplateObjectId is %s)" % TPL_PIMG.upper(), ["g4", "G3"]),
    ("portgroups", "(DisplayName is same)", ["G3", "g2", "G0"]),
    ("phonesystems", "(CallLoopGuardTimeMs startswith 25)", ["ps-d", "ps-n", "ps-e", "ps-f",
                                                             "ps-c", "ps-k", "ps-a", "ps-j",
                                                             "ps-l", "ps-m", "ps-g"]),
    ("phonesystems", "(CallLoopGuardTimeMs is 9)", ["ps-i"]),
    ("phonesystems", "(DefaultTRaPSwitch is true)", ["ps-i"]),
    ("phonesystems", "(CallLoopDTMF is #)", ["ps-k"]),
    ("phonesystems", "(PortCount is 6)", ["ps-k"]),
    ("vmsservers", "(IpAddressV6 startswith 2001)", ["VMS-a"]),
    ("vmsservers", "(HostName is ALPHA.example.net)", ["VMS-a"]),
    ("vmsservers", "(ServerState is 1)", ["vms-b"]),
    ("cluster", "(ClusterMemberId is 1)", ["VMS-a"]),
    ("cluster", "(ServerDisplayState startswith 4)", ["VMS-a"]),
    ("portgrouptemplates", "(TemplateDescriptionDefault startswith s)", [TPL_SCCP, TPL_SIP]),
    ("portgrouptemplates", "(TemplateDescriptionDefault is pimg/timg)", [TPL_PIMG]),
    ("portgrouptemplates", "(CopyTelephonyIntegrationMethodEnum is 9)", []),
    # a NULL (omitted) field never matches, whatever the value
    ("ports", "(SkinnyDeviceName is null)", []),
    ("ports", "(VmsServerName is NULL)", []),
    ("ports", "(VmsServerObjectId startswith n)", []),
    ("portgroups", "(SkinnyDevicePrefix is null)", []),
    ("vmsservers", "(IpAddressV6 is null)", []),
    ("cluster", "(IpAddressV6 startswith n)", []),
]


@pytest.mark.parametrize("coll,query,want", QUERY_ROWS, ids=[f"{r[0]}{r[1]}" for r in QUERY_ROWS])
def test_query_by_hand(cli, coll, query, want):
    total, elems = get_coll(cli, coll, "query=" + qv(query))
    assert total == len(want)
    assert ids(elems) == want


# =============================================================================================
# §3.2 grammar

GRAMMAR_OK = [
    # (raw query string as sent, phone system names expected, in default order)
    ("query=(DisplayName%20is%20lab)", ["Lab", "lab"]),
    ("query=(DisplayName+is+lab)", ["Lab", "lab"]),
    ("query=(%09DisplayName%09is%09lab%09)", ["Lab", "lab"]),
    ("query=(DisplayName%20%09%20is%09%20%09lab)", ["Lab", "lab"]),
    ("query=%20%09(%20DisplayName%20startswith%09la%20)%09%20",
     ["Lab", "lab", "LAB (old)", "Lab (old)", "lab)x"]),
    ("query=(displayname%20IS%20ZED)", ["Zed"]),
    ("query=(DISPLAYNAME%20StartsWith%20_)", ["_under"]),
    ("QUERY=(DisplayName%20is%20alpha)", ["alpha"]),
    # rule V: spaces and ')' in the value; everything up to the last ')'
    ("query=(DisplayName%20is%20Lab%20(old))", ["LAB (old)", "Lab (old)"]),
    ("query=(DisplayName%20is%20lab%20(OLD)%20%20%09)", ["LAB (old)", "Lab (old)"]),
    ("query=(DisplayName is Lab (old))".replace(" ", "%20"), ["LAB (old)", "Lab (old)"]),
    ("query=(DisplayName%20startswith%20LAB%20()", ["LAB (old)", "Lab (old)"]),
    ("query=(DisplayName%20is%20lab)x)", ["lab)x"]),
    ("query=(DisplayName%20is%20two%20%20spaces)", ["two  spaces"]),
    ("query=(DisplayName%20is%20two%20spaces)", []),
    # quotes are part of the value
    ("query=(DisplayName%20is%20%22lab%22)", ['"lab"']),
    ("query=(DisplayName%20is%20'lab')", []),
    ("query=(DisplayName%20startswith%20%22)", ['"lab"']),
    # percent-decoding: %2B is '+', a bare '+' is a space; & and = and % in values
    ("query=(DisplayName%20is%20C%2B%2B)", ["C++"]),
    ("query=(DisplayName%20is%20C++)", []),
    ("query=(DisplayName%20is%20R%26D%3D1)", ["R&D=1"]),
    ("query=(DisplayName%20is%20100%25)", ["100%"]),
    # only A-Z/a-z fold
    ("query=(DisplayName%20is%20caf%C3%A9)", ["Caf\u00e9"]),
    ("query=(DisplayName%20is%20CAF%C3%89)", []),
    ("query=(DisplayName%20startswith%20CAF)", ["Caf\u00e9"]),
    # other parameters are ignored
    ("query=(DisplayName%20is%20zed)&foo=(((&Query2=x", ["Zed"]),
]


@pytest.mark.parametrize("params,names", GRAMMAR_OK, ids=[g[0] for g in GRAMMAR_OK])
def test_grammar_ok(cli, params, names):
    total, elems = get_coll(cli, "phonesystems", params)
    assert total == len(names)
    assert [e["DisplayName"] for e in elems] == names
    _, xml_elems = get_coll(cli, "phonesystems", params, fmt="xml")
    assert [e["DisplayName"] for e in xml_elems] == names


SORT_OK = [
    ("sort=(DisplayName)", PS_ASC),
    ("sort=(%20DisplayName%20)", PS_ASC),
    ("sort=(DisplayName%09asc)", PS_ASC),
    ("sort=%20(displayname%20%20ASC)%09", PS_ASC),
    ("sort=(DisplayName%09DESC)", PS_ASC[::-1]),
    ("SORT=(%09DISPLAYNAME%20%09desc%09)", PS_ASC[::-1]),
    ("sort=(DisplayName+desc)", PS_ASC[::-1]),
]


@pytest.mark.parametrize("params,names", SORT_OK, ids=[s[0] for s in SORT_OK])
def test_sort_grammar_ok(cli, params, names):
    _, elems = get_coll(cli, "phonesystems", params)
    assert [e["DisplayName"] for e in elems] == names


GRAMMAR_BAD = [
    # (params, parameter named)
    ("query=DisplayName%20is%20lab", "query"),
    ("query=", "query"),
    ("query=%20%09", "query"),
    ("query=()", "query"),
    ("query=(%20)", "query"),
    ("query=(DisplayName%20is%20)", "query"),
    ("query=(DisplayName%20is%20%20%09)", "query"),
    ("query=(DisplayName%20is)", "query"),
    ("query=(DisplayName%20startswith)", "query"),
    ("query=(DisplayName)", "query"),
    ("query=(DisplayName%20is%20lab", "query"),
    ("query=DisplayName%20is%20lab)", "query"),
    ("query=(DisplayName%20is%20lab)%20x", "query"),
    ("query=((DisplayName%20is%20lab))", "query"),
    ("query=(DisplayName%20contains%20lab)", "query"),
    ("query=(DisplayName%20equals%20lab)", "query"),
    ("query=(DisplayName%20is_%20lab)", "query"),
    ("query=(DisplayNameis%20lab)", "query"),
    ("query=(Display%20Name%20is%20lab)", "query"),
    ("query=(1DisplayName%20is%20lab)", "query"),
    ("query=(Display-Name%20is%20lab)", "query"),
    ("query=(_DisplayName%20is%20lab)", "query"),
    ("query=(DisplayName%20is)lab)", "query"),
    ("query=(DisplayName%0Ais%20lab)", "query"),
    ("query=[DisplayName%20is%20lab]", "query"),
    ("sort=DisplayName", "sort"),
    ("sort=", "sort"),
    ("sort=()", "sort"),
    ("sort=(%20)", "sort"),
    ("sort=(DisplayName", "sort"),
    ("sort=DisplayName)", "sort"),
    ("sort=(DisplayName%20up)", "sort"),
    ("sort=(DisplayName%20ascending)", "sort"),
    ("sort=(DisplayName%20asc%20desc)", "sort"),
    ("sort=(DisplayName%20is%20lab)", "sort"),
    ("sort=(DisplayName)%20x", "sort"),
    ("sort=(DisplayName)(CallLoopDTMF)", "sort"),
    ("sort=(DisplayName,CallLoopDTMF)", "sort"),
    ("sort=(DisplayNamedesc)", "sort"),
    ("sort=(1DisplayName)", "sort"),
]


@pytest.mark.parametrize("params,param", GRAMMAR_BAD, ids=[g[0] for g in GRAMMAR_BAD])
def test_grammar_bad(cli, params, param):
    bad(cli, "phonesystems", params, param)


UNKNOWN_COLUMNS = [
    ("ports", "NumberOfPorts"), ("ports", "Bogus"), ("ports", "PortCount"),
    ("ports", "ServerName"), ("ports", "SkinnyDevicePrefix"), ("ports", "Port"),
    ("portgroups", "HostOrIPAddress"), ("portgroups", "NumberOfPorts"),
    ("portgroups", "SkinnyDeviceName"), ("portgroups", "Display_Name"),
    ("phonesystems", "MediaSwitchDisplayName"), ("phonesystems", "HostOrIPAddress"),
    ("phonesystems", "AXLServer"), ("portgrouptemplates", "DisplayName"),
    ("portgrouptemplates", "TelephonyIntegrationMethodEnum"), ("vmsservers", "DisplayName"),
    ("vmsservers", "VmsServerName"), ("cluster", "DisplayName"), ("cluster", "Bogus"),
]


@pytest.mark.parametrize("coll,col", UNKNOWN_COLUMNS, ids=[f"{c}-{k}" for c, k in UNKNOWN_COLUMNS])
def test_unknown_columns(cli, coll, col):
    bad(cli, coll, "query=" + qv(f"({col} is 1)"), "query")
    bad(cli, coll, "query=" + qv(f"({col} startswith 1)"), "query")
    bad(cli, coll, "sort=" + qv(f"({col})"), "sort")
    bad(cli, coll, "sort=" + qv(f"({col} desc)"), "sort")


# =============================================================================================
# §3.4 paging, on every collection


@pytest.mark.parametrize("coll", list(COLLS))
def test_paging_every_collection(cli, every, coll):
    want = ids(default_sorted(coll, every[coll]))
    n = len(want)
    for rows in (1, 2, 3, n - 1, n, n + 1, 2000, 5000):
        if rows < 1:
            continue
        got = []
        page = 1
        while True:
            total, elems = get_coll(cli, coll, f"rowsPerPage={rows}&pageNumber={page}")
            assert total == n
            if not elems:
                break
            assert len(elems) == min(rows, 2000, n - (page - 1) * rows)
            got += ids(elems)
            page += 1
            assert page <= n + 2
        assert got == want, rows
        assert page == -(-n // min(rows, 2000)) + 1
    # rowsPerPage alone is page 1
    assert ids(get_coll(cli, coll, "rowsPerPage=2")[1]) == want[:2]
    # pageNumber alone: page 1 holds everything, page 2 is past the end
    assert ids(get_coll(cli, coll, "pageNumber=1")[1]) == want
    assert get_coll(cli, coll, "pageNumber=2") == (n, [])
    assert get_coll(cli, coll, "rowsPerPage=1&pageNumber=99") == (n, [])
    assert get_coll(cli, coll, "rowsPerPage=2147483647&pageNumber=2147483647") == (n, [])
    assert get_coll(cli, coll, "pageNumber=2147483647") == (n, [])
    # leading zeros and outer whitespace in the numbers
    assert ids(get_coll(cli, coll, "rowsPerPage=001&pageNumber=02")[1]) == want[1:2]
    assert ids(get_coll(cli, coll, "rowsPerPage=%201%09&pageNumber=+2+")[1]) == want[1:2]
    # parameter names in any case
    assert ids(get_coll(cli, coll, "ROWSPERPAGE=1&pagenumber=2")[1]) == want[1:2]


@pytest.mark.parametrize("coll", list(COLLS))
def test_one_element_on_a_page_is_an_object(cli, every, coll):
    want = ids(default_sorted(coll, every[coll]))
    root, elem, _ = COLLS[coll]
    for page in range(1, len(want) + 1):
        r = cli.get(f"/vmrest/{coll}?rowsPerPage=1&pageNumber={page}", accept=JSON)
        d = json.loads(r.body)
        assert d["@total"] == str(len(want))
        assert isinstance(d[elem], dict), d
        assert d[elem]["ObjectId"] == want[page - 1]
        r = cli.get(f"/vmrest/{coll}?rowsPerPage=1&pageNumber={page}", accept=XML)
        root_el = ET.fromstring(r.body)
        assert root_el.get("total") == str(len(want)) and len(root_el) == 1
    # the last page holding one element of an odd-sized rest
    if len(want) % 2 == 1:
        r = cli.get(f"/vmrest/{coll}?rowsPerPage=2&pageNumber={len(want) // 2 + 1}", accept=JSON)
        assert isinstance(json.loads(r.body)[elem], dict)


@pytest.mark.parametrize("coll", list(COLLS))
def test_count_only(cli, coll):
    root, _, _ = COLLS[coll]
    n = COUNTS[coll]
    for params in ("rowsPerPage=0", "pageNumber=0", "rowsPerPage=0&pageNumber=0",
                   "rowsPerPage=0&pageNumber=7", "rowsPerPage=5&pageNumber=0", "pageNumber=000",
                   "rowsPerPage=0&sort=(ObjectId%20desc)"):
        r = cli.get(f"/vmrest/{coll}?{params}", accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"%d"}' % n, (params, r)
        r = cli.get(f"/vmrest/{coll}?{params}")
        assert r.status == 200 and r.body == (X + f'<{root} total="{n}"/>').encode(), (params, r)
    r = cli.get(f"/vmrest/{coll}?rowsPerPage=0&query=" + qv("(ObjectId startswith zzz)"),
                accept=JSON)
    assert r.body == b'{"@total":"0"}'


PAGING_BAD = [
    ("rowsPerPage=-1", "rowsPerPage"), ("rowsPerPage=abc", "rowsPerPage"),
    ("rowsPerPage=", "rowsPerPage"), ("rowsPerPage=%2B1", "rowsPerPage"),
    ("rowsPerPage=1.5", "rowsPerPage"), ("rowsPerPage=1e3", "rowsPerPage"),
    ("rowsPerPage=2147483648", "rowsPerPage"), ("rowsPerPage=99999999999999999999", "rowsPerPage"),
    ("rowsPerPage=1%202", "rowsPerPage"), ("rowsPerPage=0x10", "rowsPerPage"),
    ("rowsPerPage=%EF%BC%91", "rowsPerPage"),  # a full-width digit one
    ("pageNumber=-1", "pageNumber"), ("pageNumber=x", "pageNumber"), ("pageNumber=", "pageNumber"),
    ("pageNumber=2147483648", "pageNumber"), ("pageNumber=%2B2", "pageNumber"),
    ("rowsPerPage=1&pageNumber=1.0", "pageNumber"),
]


@pytest.mark.parametrize("coll", ["ports", "portgrouptemplates", "cluster"])
@pytest.mark.parametrize("params,param", PAGING_BAD, ids=[p[0] for p in PAGING_BAD])
def test_paging_bad(cli, coll, params, param):
    bad(cli, coll, params, param)


REPEATS = [
    ("rowsPerPage=1&rowsPerPage=1", "rowsPerPage"),
    ("rowsPerPage=1&RowsPerPage=2", "rowsPerPage"),
    ("pageNumber=1&pageNumber=1", "pageNumber"),
    ("PAGENUMBER=1&pagenumber=2&rowsPerPage=1", "pageNumber"),
    ("query=(ObjectId%20is%20x)&query=(ObjectId%20is%20x)", "query"),
    ("query=(ObjectId%20is%20x)&Query=(ObjectId%20is%20y)", "query"),
    ("sort=(ObjectId)&sort=(ObjectId)", "sort"),
    ("sort=(ObjectId)&SORT=(ObjectId%20desc)", "sort"),
    ("query=&query=", "query"),
]


@pytest.mark.parametrize("coll", list(COLLS))
@pytest.mark.parametrize("params,param", REPEATS, ids=[p[0] for p in REPEATS])
def test_repeated_parameters(cli, coll, params, param):
    bad(cli, coll, params, param)


BAD_ENCODING = [
    ("query=%ZZ", "query"), ("query=(ObjectId%20is%20a%2)", "query"),
    ("query=(ObjectId%20is%20a%)", "query"), ("query=(ObjectId%20is%20%C3%28)", "query"),
    ("query=(ObjectId%20is%20%FF)", "query"), ("query=(ObjectId%20is%20%C0%AF)", "query"),
    ("query=(ObjectId%20is%20%ED%A0%80)", "query"),
    ("sort=(ObjectId%2", "sort"), ("sort=(Object%G0Id)", "sort"), ("sort=(%E2%82)", "sort"),
    ("rowsPerPage=%3", "rowsPerPage"), ("rowsPerPage=1%", "rowsPerPage"),
    ("pageNumber=%G1", "pageNumber"), ("pageNumber=%FF", "pageNumber"),
]


@pytest.mark.parametrize("coll", ["ports", "vmsservers"])
@pytest.mark.parametrize("params,param", BAD_ENCODING, ids=[p[0] for p in BAD_ENCODING])
def test_bad_percent_encoding(cli, coll, params, param):
    bad(cli, coll, params, param)


def test_check_order_of_parameters(cli):
    """§4.2 step 11: rowsPerPage, then pageNumber, then query, then sort."""
    all_bad = "sort=(x%20up)&query=(Bogus%20is%201)&pageNumber=x&rowsPerPage=y"
    bad(cli, "ports", all_bad, "rowsPerPage")
    bad(cli, "ports", "sort=(x%20up)&query=(Bogus%20is%201)&pageNumber=x&rowsPerPage=1",
        "pageNumber")
    bad(cli, "ports", "sort=(x%20up)&query=(Bogus%20is%201)&pageNumber=1", "query")
    bad(cli, "ports", "sort=(x%20up)&query=(DisplayName%20is%201)&pageNumber=1", "sort")


def test_query_sort_and_paging_together(cli, every):
    """query and sort on different columns, paged."""
    full = ids(expect_sorted([p for p in every["ports"] if p["CapEnabled"] == "true"],
                             "HuntOrder", desc=True))
    assert len(full) == 12
    got = []
    for page in (1, 2, 3, 4, 5):
        total, elems = get_coll(cli, "ports", "query=(CapEnabled%20is%20true)&sort=(HuntOrder"
                                f"%20desc)&rowsPerPage=3&pageNumber={page}&query2=ignored")
        assert total == 12 and len(elems) == (3 if page < 5 else 0)
        got += ids(elems)
    assert got == full
    # XML gives the same page
    _, x = get_coll(cli, "ports", "query=(CapEnabled%20is%20true)&sort=(HuntOrder%20desc)"
                    "&rowsPerPage=3&pageNumber=2", fmt="xml")
    assert ids(x) == full[3:6]


def test_head_applies_parameters(cli):
    for params in ("rowsPerPage=1&pageNumber=2", "query=(DisplayName%20is%20dup)",
                   "rowsPerPage=0", "sort=(HuntOrder%20desc)"):
        for acc in (JSON, XML):
            g = cli.get(f"/vmrest/ports?{params}", accept=acc)
            h = cli.head(f"/vmrest/ports?{params}", accept=acc)
            assert h.status == 200 and h.body == b""
            assert h.headers["Content-Length"] == g.headers["Content-Length"]
            assert h.headers["Content-Type"] == g.headers["Content-Type"]


# =============================================================================================
# parameters are ignored where they do not apply (§3.1)

JUNK = ("query=(((&sort=)&rowsPerPage=-1&pageNumber=x&rowsPerPage=1&query=%ZZ&sort=%FF"
        "&pageNumber=%")


@pytest.mark.parametrize("path", [
    "/vmrest/ports/p-11", "/vmrest/ports/P-02", "/vmrest/portgroups/G3",
    "/vmrest/phonesystems/ps-j", "/vmrest/vmsservers/VMS-a",
    f"/vmrest/portgrouptemplates/{TPL_SIP}", "/vmrest/version",
    "/vmrest/phonesystems/ps-k/phonesystemassociations",
])
def test_parameters_ignored_on_single_objects(cli, path):
    for acc in (JSON, XML):
        clean = cli.get(path, accept=acc)
        assert clean.status == 200, clean
        for params in (JUNK, "rowsPerPage=0", "pageNumber=0", "query=(ObjectId%20is%20zzz)",
                       "sort=(Bogus)"):
            r = cli.get(f"{path}?{params}", accept=acc)
            assert r.status == 200 and r.body == clean.body, (params, r)
        h = cli.head(f"{path}?{JUNK}", accept=acc)
        assert h.status == 200 and h.body == b""


def test_unknown_object_still_404_with_junk_parameters(cli):
    assert_error(cli.get(f"/vmrest/ports/nope?{JUNK}", accept=JSON), 404, "NOT_FOUND", "json")
    assert_error(cli.get(f"/vmrest/phonesystems/nope/axlservers/nope?{JUNK}"), 404, "NOT_FOUND")


def test_parameters_ignored_on_writes(scratch):
    cli = scratch
    r = cli.post(f"/vmrest/phonesystems?{JUNK}", body='{"DisplayName":"New"}', ctype=JSON)
    assert r.status == 201, r
    ps = r.body.decode().rsplit("/", 1)[1]
    r = cli.post(f"/vmrest/portgroups?{JUNK}", ctype=JSON,
                 body=json.dumps({"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 3}))
    assert r.status == 201, r
    pg = r.body.decode().rsplit("/", 1)[1]
    r = cli.post(f"/vmrest/ports?{JUNK}", ctype=JSON,
                 body=json.dumps({"MediaPortGroupObjectId": pg, "NumberOfPorts": 2}))
    assert r.status == 201, r
    port = r.body.decode().rsplit("/", 1)[1]
    for path, body in ((f"/vmrest/ports/{port}", '{"HuntOrder":"7"}'),
                       (f"/vmrest/portgroups/{pg}", '{"DisplayName":"PG"}'),
                       (f"/vmrest/phonesystems/{ps}", '{"CallLoopDTMF":"c"}')):
        r = cli.put(f"{path}?{JUNK}", body=body, ctype=JSON)
        assert r.status == 204, r
    assert json.loads(cli.get(f"/vmrest/ports/{port}", accept=JSON).body)["HuntOrder"] == "7"
    assert json.loads(cli.get(f"/vmrest/phonesystems/{ps}", accept=JSON).body)[
        "CallLoopDTMF"] == "C"
    for path in (f"/vmrest/ports/{port}", f"/vmrest/portgroups/{pg}", f"/vmrest/phonesystems/{ps}"):
        r = cli.delete(f"{path}?{JUNK}")
        assert r.status == 204, r
        assert cli.get(path).status == 404
    # read-only resources still say 403, collections still say 405
    assert cli.post(f"/vmrest/vmsservers?{JUNK}", body="{}", ctype=JSON).status == 403
    assert cli.put(f"/vmrest/ports?{JUNK}", body="{}", ctype=JSON).status == 405


# =============================================================================================
# the 2000 cap (§3.4), with a raised licence


@pytest.fixture(scope="module")
def big():
    s = start_server({"license.voice_ports": "2200"}, fixture="empty")
    c = s.client(keep=True)
    r = c.post("/vmrest/phonesystems", body='{"DisplayName":"Big"}', ctype=JSON)
    ps = r.body.decode().rsplit("/", 1)[1]
    r = c.post("/vmrest/portgroups", ctype=JSON,
               body=json.dumps({"MediaSwitchObjectId": ps, "TelephonyIntegrationMethodEnum": 3}))
    pg = r.body.decode().rsplit("/", 1)[1]
    for n in (1050, 1050, 2):
        r = c.post("/vmrest/ports", ctype=JSON,
                   body=json.dumps({"MediaPortGroupObjectId": pg, "NumberOfPorts": n}))
        assert r.status == 201, r
    yield c
    c.close()
    s.cleanup()


BIG = 2102


def test_cap_2000(big):
    total, everything = get_coll(big, "ports")  # no rowsPerPage: no limit
    assert total == len(everything) == BIG
    want = ids(expect_sorted(everything, "DisplayName"))
    assert ids(everything) == want
    for params in ("rowsPerPage=5000", "rowsPerPage=2001", "rowsPerPage=2147483647",
                   "rowsPerPage=5000&pageNumber=1", "rowsPerPage=2000"):
        total, elems = get_coll(big, "ports", params)
        assert total == BIG and ids(elems) == want[:2000], params
    for params in ("rowsPerPage=5000&pageNumber=2", "rowsPerPage=2000&pageNumber=2"):
        total, elems = get_coll(big, "ports", params)
        assert total == BIG and ids(elems) == want[2000:], params
    assert get_coll(big, "ports", "rowsPerPage=5000&pageNumber=3") == (BIG, [])
    total, elems = get_coll(big, "ports", "rowsPerPage=5000", fmt="xml")
    assert total == BIG and ids(elems) == want[:2000]
    total, elems = get_coll(big, "ports", "rowsPerPage=9999&sort=(PortNumInGroup%20desc)")
    assert total == BIG and [int(e["PortNumInGroup"]) for e in elems] == list(
        range(BIG, BIG - 2000, -1))
    # an integer prefix of the decimal text; one element on a page is an object
    r = big.get("/vmrest/ports?rowsPerPage=3&pageNumber=2&query="
                + qv("(PortNumInGroup startswith 210)"), accept=JSON)
    d = json.loads(r.body)
    assert d["@total"] == "4" and isinstance(d["Port"], dict)
    assert d["Port"]["DisplayName"] == "Big-1-2102"
    r = big.head("/vmrest/ports?rowsPerPage=5000")
    assert r.status == 200 and r.body == b""
