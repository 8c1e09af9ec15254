"""The whole object graph (SPEC §5.3, §5.5, §4.3): the provisioning workflow from the `empty`
fixture in XML and in JSON (phone system -> port groups of each type -> ports -> paging ->
renames and derived fields -> cascading delete and the licence), then every rule and example of
§5.3 (phone systems) and §5.5 (port groups), and that a rejected write changes nothing."""

import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from cupidtest import (GUID_V4, JSON, PG_PIMG, PG_ROHIT, PG_SCCP, PG_SIP, PORT1, PORT2, PS,
                       SPEC_PG_SIP_JSON, SPEC_PG_SIP_XML, SPEC_PS_JSON, TPL_PIMG, TPL_SCCP,
                       TPL_SIP, VMS1, VMS_NAME, X, XML, assert_error, phonesystem_fields,
                       port_fields, portgroup_fields, start_server)

LICENCE = 2000
MAX_GROUPS = 10
PG_SIP_UNKNOWN = "1edf504a-e9a1-4876-bcfc-bb674da8e385"  # digit one: no such group

ROOTS = {
    "ports": ("Ports", "Port"),
    "portgroups": ("PortGroups", "PortGroup"),
    "phonesystems": ("PhoneSystems", "PhoneSystem"),
    "vmsservers": ("VmsServers", "VmsServer"),
}
BODY_LEN = {"ports": 50, "portgroups": 55, "phonesystems": 57}
FMTS = ("xml", "json")
ACCEPT = {"xml": XML, "json": JSON}


# --- servers and clients ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def srv():
    """One server for the module: licence 2000 (for the 1,000-port paging walk) and a port-group
    cap of 10 (for the LICENSE_EXCEEDED rule of §5.5). Every test loads its own fixture."""
    s = start_server({"license.voice_ports": str(LICENCE),
                      "limits.max_port_groups": str(MAX_GROUPS)})
    yield s
    s.cleanup()


@pytest.fixture
def cli(srv):
    c = srv.client(keep=True)
    yield c
    c.close()


@pytest.fixture
def seed(cli):
    cli.load("seed")
    return cli


@pytest.fixture
def empty(cli):
    cli.load("empty")
    return cli


@pytest.fixture
def host(srv):
    return f"127.0.0.1:{srv.https_port}"


# --- encoding and decoding --------------------------------------------------------------------

def _xesc(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def enc(fmt, root, fields):
    """A request body with the given fields, in fmt; returns (body, Content-Type)."""
    if fmt == "json":
        return json.dumps(fields), JSON
    out = []
    for k, v in fields.items():
        v = ("true" if v else "false") if isinstance(v, bool) else str(v)
        out.append(f"<{k}/>" if v == "" else f"<{k}>{_xesc(v)}</{k}>")
    return f"<{root}>{''.join(out)}</{root}>", XML


def parse_obj(r, fmt, tag):
    """A single-object body as an ordered list of (field, value)."""
    assert r.status == 200, r
    assert r.headers["Content-Type"] == ACCEPT[fmt], r
    if fmt == "json":
        return list(json.loads(r.body).items())
    assert r.body.startswith(X.encode()), r.body[:100]
    root = ET.fromstring(r.body)
    assert root.tag == tag
    return [(c.tag, c.text or "") for c in root]


def parse_coll(r, fmt, coll):
    """A collection body -> (total, [dict]), checking the shape rules of §2.4."""
    root_tag, elem = ROOTS[coll]
    assert r.status == 200, r
    assert r.headers["Content-Type"] == ACCEPT[fmt], r
    if fmt == "json":
        assert r.body.startswith(b'{"@total":"'), r.body[:100]
        d = json.loads(r.body)
        assert list(d)[0] == "@total"
        total = int(d["@total"])
        v = d.get(elem)
        if v is None:
            assert list(d) == ["@total"], d
            return total, []
        if isinstance(v, dict):
            return total, [v]
        assert isinstance(v, list) and len(v) >= 2, v
        return total, v
    assert r.body.startswith(X.encode()), r.body[:100]
    root = ET.fromstring(r.body)
    assert root.tag == root_tag
    out = []
    for e in root:
        assert e.tag == elem, e.tag
        out.append({c.tag: (c.text or "") for c in e})
    return int(root.get("total")), out


def pairs(fields):
    return [(k, v) for k, v in fields if v is not None]


def q(v):
    return urllib.parse.quote(v, safe="")


def coll(cli, coll_name, fmt="json", params=""):
    r = cli.get(f"/vmrest/{coll_name}" + (("?" + params) if params else ""), accept=ACCEPT[fmt])
    return parse_coll(r, fmt, coll_name)


def obj(cli, coll_name, oid, fmt="json"):
    return parse_obj(cli.get(f"/vmrest/{coll_name}/{oid}", accept=ACCEPT[fmt]), fmt,
                     ROOTS[coll_name][1])


def objd(cli, coll_name, oid):
    return dict(obj(cli, coll_name, oid))


def ports_of(cli, group, fmt="json"):
    total, ps = coll(cli, "ports", fmt, "query=" + q(f"(MediaPortGroupObjectId is {group})"))
    assert total == len(ps)
    return sorted(ps, key=lambda p: int(p["PortNumInGroup"]))


def health(cli):
    r = cli.get("/cupid/health", auth=None)
    assert r.status == 200, r
    return r.json()


def snapshot(cli):
    """Everything a write could change: the three writable listings and the counters."""
    out = [cli.get(f"/vmrest/{c}", accept=JSON).body
           for c in ("ports", "portgroups", "phonesystems")]
    h = health(cli)
    return out + [(h["portsUsed"], h["portGroups"])]


def create(cli, coll_name, fields, fmt="json", host=None):
    """POSTs fields; asserts the 201 of §2.7 (text body of 50/55/57 bytes, Location)."""
    body, ctype = enc(fmt, ROOTS[coll_name][1], fields)
    r = cli.post(f"/vmrest/{coll_name}", body=body, ctype=ctype, accept=ACCEPT[fmt])
    assert r.status == 201, r
    assert r.headers["Content-Type"] == "text/plain"
    assert len(r.body) == BODY_LEN[coll_name] == int(r.headers["Content-Length"])
    path = r.body.decode()
    assert path.startswith(f"/vmrest/{coll_name}/")
    oid = path.rsplit("/", 1)[1]
    assert GUID_V4.match(oid), oid
    if host is not None:
        assert r.headers["Location"] == f"https://{host}{path}"
    return oid


def put(cli, coll_name, oid, fields, fmt="json"):
    body, ctype = enc(fmt, ROOTS[coll_name][1], fields)
    return cli.put(f"/vmrest/{coll_name}/{oid}", body=body, ctype=ctype, accept=ACCEPT[fmt])


def post(cli, coll_name, fields, fmt="json"):
    body, ctype = enc(fmt, ROOTS[coll_name][1], fields)
    return cli.post(f"/vmrest/{coll_name}", body=body, ctype=ctype, accept=ACCEPT[fmt])


def check_204(r):
    assert r.status == 204, r
    assert r.body == b""
    assert "Content-Type" not in r.headers


def rejected(cli, r, code, fmt, field, before):
    """A 400 whose ErrorDetails names field, and no change at all (§4.3)."""
    msg = assert_error(r, 400, code, fmt)
    if field is not None:
        fields = field if isinstance(field, tuple) else (field,)
        assert any(f in msg for f in fields), f"message {msg!r} should name one of {fields}"
    assert snapshot(cli) == before
    return msg


def fold(s):
    """ASCII-only case folding (A-Z -> a-z), SPEC notation."""
    return s.translate(_FOLD)


_FOLD = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def name_key(e):
    """§3.3 string order: ASCII case-insensitive, then byte order, then ObjectId."""
    return (fold(e["DisplayName"]).encode(), e["DisplayName"].encode(), e["ObjectId"].encode())


def vms_of(cli, fmt="json"):
    total, servers = coll(cli, "vmsservers", fmt)
    assert total == len(servers) >= 1
    return servers[0]["VmsServerObjectId"], servers[0]["ServerName"]


# =============================================================================================
# the whole workflow, once in XML and once in JSON

@pytest.mark.parametrize("fmt", FMTS)
def test_workflow(empty, host, fmt):
    cli = empty
    for c in ("ports", "portgroups", "phonesystems"):
        assert coll(cli, c, fmt) == (0, [])
    vms_id, vms_name = vms_of(cli, fmt)

    # a phone system: 201, 57 bytes, Location; the first one is the TRAP default
    ps = create(cli, "phonesystems", {"DisplayName": "WF"}, fmt, host)
    assert obj(cli, "phonesystems", ps, fmt) == pairs(phonesystem_fields(ps, "WF", 0, True))

    # one port group of each type, three ways of naming the type
    sccp = create(cli, "portgroups", {"MediaSwitchObjectId": ps,
                                      "MediaPortGroupTemplateObjectId": TPL_SCCP}, fmt, host)
    sip = create(cli, "portgroups", {"MediaSwitchObjectId": ps,
                                     "TelephonyIntegrationMethodEnum": 2}, fmt, host)
    pimg = create(cli, "portgroups", {"MediaSwitchObjectId": ps,
                                      "MediaPortGroupTemplateObjectId": TPL_PIMG,
                                      "TelephonyIntegrationMethodEnum": 3}, fmt, host)
    for oid, t, name in ((sccp, 1, "WF-1"), (sip, 2, "WF-2"), (pimg, 3, "WF-3")):
        assert obj(cli, "portgroups", oid, fmt) == pairs(
            portgroup_fields(oid, t, name, 0, ms_id=ps, ms_name="WF"))

    # ports in each: the VMS server from /vmrest/vmsservers, none for PIMG/TIMG
    first = {
        sccp: create(cli, "ports", {"MediaPortGroupObjectId": sccp, "VmsServerObjectId": vms_id,
                                    "NumberOfPorts": 4}, fmt, host),
        sip: create(cli, "ports", {"MediaPortGroupObjectId": sip, "VmsServerObjectId": vms_id,
                                   "NumberOfPorts": 2}, fmt, host),
        pimg: create(cli, "ports", {"MediaPortGroupObjectId": pimg, "NumberOfPorts": 2},
                     fmt, host),
    }
    groups = ((sccp, 1, "WF-1", 4), (sip, 2, "WF-2", 2), (pimg, 3, "WF-3", 2))
    for g, t, gname, n in groups:
        ports = ports_of(cli, g, fmt)
        assert len(ports) == n
        assert ports[0]["ObjectId"] == first[g]  # the 201 names the lowest PortNumInGroup
        for i, p in enumerate(ports, 1):
            want = port_fields(p["ObjectId"], g, t, i, f"{gname}-{i:03d}", vms=vms_id,
                               vms_name=vms_name, ms_name="WF", ms_id=ps, pg_name=gname)
            assert list(p.items()) == pairs(want)
            assert obj(cli, "ports", p["ObjectId"], fmt) == pairs(want)
        assert dict(obj(cli, "portgroups", g, fmt))["PortCount"] == str(n)
    assert dict(obj(cli, "phonesystems", ps, fmt))["PortCount"] == "8"
    assert health(cli)["portsUsed"] == 8

    # 1,000 ports, paged 100 at a time: each seen once, in DisplayName order
    for _ in range(2):
        create(cli, "ports", {"MediaPortGroupObjectId": sip, "VmsServerObjectId": vms_id,
                              "NumberOfPorts": 496}, fmt)
    total, every = coll(cli, "ports", fmt)
    assert total == len(every) == 1000
    want_order = [e["ObjectId"] for e in sorted(every, key=name_key)]
    assert [e["ObjectId"] for e in every] == want_order
    seen = []
    for page in range(1, 11):
        t, elems = coll(cli, "ports", fmt, f"rowsPerPage=100&pageNumber={page}")
        assert t == 1000 and len(elems) == 100
        seen += [e["ObjectId"] for e in elems]
    assert seen == want_order and len(set(seen)) == 1000
    assert coll(cli, "ports", fmt, "rowsPerPage=100&pageNumber=11") == (1000, [])
    assert dict(obj(cli, "portgroups", sip, fmt))["PortCount"] == "994"

    # rename the group: derived field changes, port names do not; later ports use the new name
    check_204(put(cli, "portgroups", sip, {"DisplayName": "WF-SIP"}, fmt))
    t, sip_ports = coll(cli, "ports", fmt, "query=" + q("(MediaPortGroupDisplayName is WF-SIP)"))
    assert t == 994
    assert all(p["MediaPortGroupObjectId"] == sip for p in sip_ports)
    assert all(p["DisplayName"].startswith("WF-2-") for p in sip_ports)
    assert coll(cli, "ports", fmt, "rowsPerPage=0&query=" + q("(DisplayName startswith WF-2-)")
                )[0] == 994
    new = create(cli, "ports", {"MediaPortGroupObjectId": sip, "VmsServerObjectId": vms_id,
                                "NumberOfPorts": 2}, fmt)
    p = objd(cli, "ports", new)
    assert (p["DisplayName"], p["PortNumInGroup"]) == ("WF-SIP-995", "995")
    assert ports_of(cli, sip)[-1]["DisplayName"] == "WF-SIP-996"

    # rename the phone system: every group and port shows it; group and port names stay
    check_204(put(cli, "phonesystems", ps, {"DisplayName": "WF-Renamed"}, fmt))
    assert coll(cli, "ports", fmt, "rowsPerPage=0&query=" + q(
        "(MediaSwitchDisplayName is WF-Renamed)"))[0] == 1002
    assert coll(cli, "ports", fmt, "rowsPerPage=0&query=" + q(
        "(MediaSwitchDisplayName is WF)"))[0] == 0
    _, pgs = coll(cli, "portgroups", fmt)
    assert sorted(g["DisplayName"] for g in pgs) == ["WF-1", "WF-3", "WF-SIP"]
    assert {g["MediaSwitchDisplayName"] for g in pgs} == {"WF-Renamed"}
    p = objd(cli, "ports", first[pimg])
    assert (p["DisplayName"], p["MediaSwitchDisplayName"]) == ("WF-3-001", "WF-Renamed")
    extra = create(cli, "portgroups", {"MediaSwitchObjectId": ps,
                                       "TelephonyIntegrationMethodEnum": 2}, fmt)
    assert objd(cli, "portgroups", extra)["DisplayName"] == "WF-Renamed-1"

    # EnableMWI and SkinnyDevicePrefix show at once in the ports
    check_204(put(cli, "portgroups", sccp, {"EnableMWI": False, "SkinnyDevicePrefix": "Lab-VI"},
                  fmt))
    for i, p in enumerate(ports_of(cli, sccp, fmt), 1):
        assert p["MediaPortGroupEnableMWI"] == "false"
        assert p["SkinnyDeviceName"] == f"Lab-VI{i}"
        assert p["DisplayName"] == f"WF-1-{i:03d}"
    assert {p["MediaPortGroupEnableMWI"] for p in ports_of(cli, pimg, fmt)} == {"true"}
    assert "SkinnyDeviceName" not in ports_of(cli, pimg, fmt)[0]

    # delete the phone system: everything below it is gone, the licence is freed
    h = health(cli)
    assert (h["portsUsed"], h["portGroups"]) == (1002, 4)
    check_204(cli.delete(f"/vmrest/phonesystems/{ps}", accept=ACCEPT[fmt]))
    for c, oid in [("phonesystems", ps), ("portgroups", sccp), ("portgroups", sip),
                   ("portgroups", pimg), ("portgroups", extra), ("ports", first[sccp]),
                   ("ports", first[sip]), ("ports", first[pimg]), ("ports", new)]:
        assert_error(cli.get(f"/vmrest/{c}/{oid}", accept=ACCEPT[fmt]), 404, "NOT_FOUND", fmt)
    for c in ("ports", "portgroups", "phonesystems"):
        r = cli.get(f"/vmrest/{c}", accept=ACCEPT[fmt])
        want = '{"@total":"0"}' if fmt == "json" else X + f'<{ROOTS[c][0]} total="0"/>'
        assert r.status == 200 and r.body == want.encode(), r
    h = health(cli)
    assert (h["portsUsed"], h["portGroups"], h["portsLicensed"]) == (0, 0, LICENCE)

    # the whole licence can be used again
    ps2 = create(cli, "phonesystems", {"DisplayName": "WF"}, fmt)
    g2 = create(cli, "portgroups", {"MediaSwitchObjectId": ps2,
                                    "TelephonyIntegrationMethodEnum": 3}, fmt)
    create(cli, "ports", {"MediaPortGroupObjectId": g2, "NumberOfPorts": LICENCE}, fmt)
    assert health(cli)["portsUsed"] == LICENCE
    before = snapshot(cli)
    rejected(cli, post(cli, "ports", {"MediaPortGroupObjectId": g2, "NumberOfPorts": 2}, fmt),
             "LICENSE_EXCEEDED", fmt, None, before)
    cli.load("empty")


# =============================================================================================
# §5.3 phone systems

def test_ps_spec_post_xml_example(seed, host):
    r = seed.post("/vmrest/phonesystems", ctype=XML,
                  body="<PhoneSystem><DisplayName>PhoneSystem1</DisplayName></PhoneSystem>")
    assert r.status == 201 and len(r.body) == 57, r
    oid = r.body.decode().rsplit("/", 1)[1]
    assert r.headers["Location"] == f"https://{host}/vmrest/phonesystems/{oid}"
    # defaults; not the TRAP default because another phone system exists
    for fmt in FMTS:
        assert obj(seed, "phonesystems", oid, fmt) == pairs(
            phonesystem_fields(oid, "PhoneSystem1", 0, default_trap=False))


def test_ps_spec_duplicate_name_exact_body(seed):
    before = snapshot(seed)
    r = seed.post("/vmrest/phonesystems", ctype=JSON, accept=JSON,
                  body='{"DisplayName":"PhoneSystem"}')
    assert r.status == 400, r
    assert r.body == (b'{"errors":{"code":"DUPLICATE_NAME","message":'
                      b'"a phone system named PhoneSystem already exists"}}')
    assert snapshot(seed) == before
    rejected(seed, post(seed, "phonesystems", {"DisplayName": "PhoneSystem"}, "xml"),
             "DUPLICATE_NAME", "xml", None, before)


def test_ps_spec_post_empty_object(seed):
    before = snapshot(seed)
    rejected(seed, seed.post("/vmrest/phonesystems", ctype=JSON, body="{}", accept=JSON),
             "INVALID_PARAMETER", "json", "DisplayName", before)
    rejected(seed, seed.post("/vmrest/phonesystems", ctype=XML, body="<PhoneSystem/>"),
             "INVALID_PARAMETER", "xml", "DisplayName", before)


def test_ps_spec_put_example(seed):
    r = seed.put(f"/vmrest/phonesystems/{PS}", ctype=XML,
                 body="<PhoneSystem><MwiAlwaysUpdate>false</MwiAlwaysUpdate><CallLoopDTMF>A"
                      "</CallLoopDTMF><CallLoopGuardTimeMs>2500</CallLoopGuardTimeMs>"
                      "<PortCount>2</PortCount></PhoneSystem>")
    check_204(r)
    r = seed.get(f"/vmrest/phonesystems/{PS}", accept=JSON)
    assert r.status == 200 and r.body == SPEC_PS_JSON.encode()
    # PortCount is read-only: a wrong or invalid value is ignored, not validated
    check_204(put(seed, "phonesystems", PS, {"PortCount": "x", "ObjectId": "zz",
                                             "AXLServerURI": "/nope"}))
    assert seed.get(f"/vmrest/phonesystems/{PS}", accept=JSON).body == SPEC_PS_JSON.encode()


def test_ps_spec_delete_example(seed):
    check_204(seed.delete(f"/vmrest/phonesystems/{PS}"))
    for c in ("portgroups", "ports", "phonesystems"):
        r = seed.get(f"/vmrest/{c}", accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"0"}'
    for g in (PG_SIP, PG_SCCP, PG_ROHIT, PG_PIMG):
        assert seed.get(f"/vmrest/portgroups/{g}").status == 404
    for p in (PORT1, PORT2):
        assert seed.get(f"/vmrest/ports/{p}").status == 404
    h = health(seed)
    assert (h["portsUsed"], h["portGroups"]) == (0, 0)
    assert_error(seed.delete(f"/vmrest/phonesystems/{PS}"), 404, "NOT_FOUND")


@pytest.mark.parametrize("fmt", FMTS)
def test_ps_all_fields_on_post(empty, fmt):
    fields = {"DisplayName": "All", "MwiAlwaysUpdate": True, "MwiPortMemory": "1",
              "CallLoopSupervisedTransferDetect": "TRUE", "CallLoopForwardNotificationDetect": 1,
              "CallLoopDTMF": " d ", "CallLoopGuardTimeMs": "007", "EnablePhoneApplications":
              "true", "DefaultTRaPSwitch": "false", "MwiForceOff": "True",
              "RestrictDialUnconditional": "1", "RestrictDialScheduled": "true",
              "RestrictDialStartTime": 1439, "RestrictDialEndTime": "0",
              "CallLoopExtensionDetect": "false", "PortCount": "77", "Bogus": "x"}
    oid = create(empty, "phonesystems", fields, fmt)
    d = objd(empty, "phonesystems", oid)
    assert d["CallLoopDTMF"] == "D"
    assert d["CallLoopGuardTimeMs"] == "7"
    assert d["DefaultTRaPSwitch"] == "false"  # explicit false wins even for the first one
    assert d["RestrictDialStartTime"] == "1439" and d["RestrictDialEndTime"] == "0"
    assert d["PortCount"] == "0"
    for k in ("MwiAlwaysUpdate", "MwiPortMemory", "CallLoopSupervisedTransferDetect",
              "CallLoopForwardNotificationDetect", "EnablePhoneApplications", "MwiForceOff",
              "RestrictDialUnconditional", "RestrictDialScheduled"):
        assert d[k] == "true", k
    assert d["CallLoopExtensionDetect"] == "false"


def test_ps_display_name_rules(seed):
    ok64 = "N" * 64
    oid = create(seed, "phonesystems", {"DisplayName": ok64})
    assert objd(seed, "phonesystems", oid)["DisplayName"] == ok64
    # uniqueness is an exact comparison
    create(seed, "phonesystems", {"DisplayName": "phonesystem"})
    create(seed, "phonesystems", {"DisplayName": "PHONESYSTEM"})
    # code points, not bytes
    create(seed, "phonesystems", {"DisplayName": "é" * 64})
    before = snapshot(seed)
    for bad in ("", "N" * 65, "é" * 65, "a\u0001b", "a\u007fb", "   "):
        for fmt in FMTS:
            if fmt == "xml" and bad in ("a\u0001b",):
                continue  # not representable in XML 1.0
            rejected(seed, post(seed, "phonesystems", {"DisplayName": bad}, fmt),
                     "INVALID_PARAMETER", fmt, "DisplayName", before)


DTMF_OK = list("0123456789*#ABCDabcd")


def test_ps_calldtmf_valid_and_upper_cased(seed):
    for c in DTMF_OK:
        check_204(put(seed, "phonesystems", PS, {"CallLoopDTMF": c}))
        assert objd(seed, "phonesystems", PS)["CallLoopDTMF"] == c.upper()
    oid = create(seed, "phonesystems", {"DisplayName": "D", "CallLoopDTMF": "b"}, "xml")
    assert objd(seed, "phonesystems", oid)["CallLoopDTMF"] == "B"


PS_BAD = [
    # (field, value) rejected on POST and on PUT with INVALID_PARAMETER naming the field
    ("CallLoopDTMF", "E"), ("CallLoopDTMF", "e"), ("CallLoopDTMF", "AB"), ("CallLoopDTMF", ""),
    ("CallLoopDTMF", "**"), ("CallLoopDTMF", "x"), ("CallLoopDTMF", "1 2"),
    ("CallLoopDTMF", "\u0661"),
    ("CallLoopGuardTimeMs", "-1"), ("CallLoopGuardTimeMs", "2147483648"),
    ("CallLoopGuardTimeMs", "x"), ("CallLoopGuardTimeMs", ""), ("CallLoopGuardTimeMs", "1.0"),
    ("RestrictDialStartTime", "-1"), ("RestrictDialStartTime", "1440"),
    ("RestrictDialStartTime", "99999"), ("RestrictDialEndTime", "-1"),
    ("RestrictDialEndTime", "1440"), ("RestrictDialEndTime", "+1"),
    ("MwiAlwaysUpdate", "yes"), ("MwiPortMemory", "2"), ("DefaultTRaPSwitch", ">true"),
    ("RestrictDialScheduled", ""), ("CallLoopExtensionDetect", "on"), ("MwiForceOff", "t"),
]


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("field,value", PS_BAD, ids=[f"{f}={v!r}" for f, v in PS_BAD])
def test_ps_invalid_values(seed, fmt, field, value):
    before = snapshot(seed)
    rejected(seed, post(seed, "phonesystems", {"DisplayName": "New", field: value}, fmt),
             "INVALID_PARAMETER", fmt, field, before)
    rejected(seed, put(seed, "phonesystems", PS, {"DisplayName": "Renamed", field: value}, fmt),
             "INVALID_PARAMETER", fmt, field, before)


@pytest.mark.parametrize("field,value,shown", [
    ("CallLoopGuardTimeMs", "0", "0"), ("CallLoopGuardTimeMs", "2147483647", "2147483647"),
    ("RestrictDialStartTime", "0", "0"), ("RestrictDialStartTime", "1439", "1439"),
    ("RestrictDialEndTime", "1439", "1439"), ("RestrictDialEndTime", "0720", "720"),
])
def test_ps_ranges_accepted(seed, field, value, shown):
    oid = create(seed, "phonesystems", {"DisplayName": "R", field: value})
    assert objd(seed, "phonesystems", oid)[field] == shown
    check_204(put(seed, "phonesystems", PS, {field: value}, "xml"))
    assert objd(seed, "phonesystems", PS)[field] == shown


def test_ps_rename_rules(seed):
    other = create(seed, "phonesystems", {"DisplayName": "Other"})
    before = snapshot(seed)
    for fmt in FMTS:
        rejected(seed, put(seed, "phonesystems", other, {"DisplayName": "PhoneSystem"}, fmt),
                 "DUPLICATE_NAME", fmt, None, before)
        rejected(seed, put(seed, "phonesystems", other, {"DisplayName": ""}, fmt),
                 "INVALID_PARAMETER", fmt, "DisplayName", before)
    # its own name is not a duplicate; a case variant of another's name is allowed
    check_204(put(seed, "phonesystems", other, {"DisplayName": "Other"}))
    check_204(put(seed, "phonesystems", other, {"DisplayName": "PHONESYSTEM"}))
    # the rename shows at once in the groups and ports of the renamed phone system only
    check_204(put(seed, "phonesystems", PS, {"DisplayName": "PBX"}, "xml"))
    _, pgs = coll(seed, "portgroups")
    assert {g["MediaSwitchDisplayName"] for g in pgs} == {"PBX"}
    assert sorted(g["DisplayName"] for g in pgs) == [
        "PhoneSystem-1", "PhoneSystem-PIMG", "PhoneSystem-Rohit", "PhoneSystem-SCCP"]
    for p in (PORT1, PORT2):
        d = objd(seed, "ports", p)
        assert d["MediaSwitchDisplayName"] == "PBX"
        assert d["DisplayName"].startswith("PhoneSystem-1-00")
    assert objd(seed, "phonesystems", other)["DisplayName"] == "PHONESYSTEM"


def _defaults(cli):
    _, pss = coll(cli, "phonesystems")
    return {p["DisplayName"]: p["DefaultTRaPSwitch"] for p in pss}


def test_ps_default_trap_switch(empty):
    cli = empty
    a = create(cli, "phonesystems", {"DisplayName": "A"})
    b = create(cli, "phonesystems", {"DisplayName": "B"})
    assert _defaults(cli) == {"A": "true", "B": "false"}
    c = create(cli, "phonesystems", {"DisplayName": "C", "DefaultTRaPSwitch": "true"}, "xml")
    assert _defaults(cli) == {"A": "false", "B": "false", "C": "true"}
    check_204(put(cli, "phonesystems", a, {"DefaultTRaPSwitch": "1"}))
    assert _defaults(cli) == {"A": "true", "B": "false", "C": "false"}
    check_204(put(cli, "phonesystems", a, {"DefaultTRaPSwitch": True}))  # idempotent
    assert _defaults(cli) == {"A": "true", "B": "false", "C": "false"}
    # false is allowed and may leave no default
    check_204(put(cli, "phonesystems", a, {"DefaultTRaPSwitch": "false"}, "xml"))
    assert _defaults(cli) == {"A": "false", "B": "false", "C": "false"}
    # others exist, so a new one is not the default even though none is
    d = create(cli, "phonesystems", {"DisplayName": "D"})
    assert _defaults(cli)["D"] == "false"
    check_204(put(cli, "phonesystems", b, {"DefaultTRaPSwitch": "TRUE"}))
    assert _defaults(cli) == {"A": "false", "B": "true", "C": "false", "D": "false"}
    # a rejected request that would set it clears nothing (§4.3)
    before = snapshot(cli)
    rejected(cli, post(cli, "phonesystems", {"DisplayName": "A", "DefaultTRaPSwitch": True}),
             "DUPLICATE_NAME", "json", None, before)
    rejected(cli, put(cli, "phonesystems", c, {"DefaultTRaPSwitch": True, "CallLoopDTMF": "Z"}),
             "INVALID_PARAMETER", "json", "CallLoopDTMF", before)
    rejected(cli, put(cli, "phonesystems", c, {"DefaultTRaPSwitch": True, "DisplayName": "A"}),
             "DUPLICATE_NAME", "json", None, before)
    # deleting the default promotes none
    check_204(cli.delete(f"/vmrest/phonesystems/{b}"))
    assert _defaults(cli) == {"A": "false", "C": "false", "D": "false"}
    for oid in (a, c, d):
        check_204(cli.delete(f"/vmrest/phonesystems/{oid}"))
    # alone again: the first one is the default
    create(cli, "phonesystems", {"DisplayName": "E"}, "xml")
    assert _defaults(cli) == {"E": "true"}


@pytest.mark.parametrize("sub,root", [("phonesystemassociations", "PhoneSystemAssociations")])
def test_ps_sublists(seed, sub, root):
    oid = create(seed, "phonesystems", {"DisplayName": "Second"})
    for ps in (PS, oid):
        path = f"/vmrest/phonesystems/{ps}/{sub}"
        assert seed.get(path).body == (X + f'<{root} total="0"/>').encode()
        r = seed.get(path, accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"0"}'
        assert r.headers["Content-Type"] == JSON
        # paging parameters are ignored there, even malformed or repeated
        r = seed.get(path + "?query=(((&sort=x&rowsPerPage=-1&pageNumber=1&pageNumber=2",
                     accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"0"}'
        r = seed.head(path)
        assert r.status == 200 and r.body == b""
        for m in ("POST", "PUT", "DELETE"):
            assert_error(seed.request(m, path, body="{}", ctype=JSON, accept=JSON), 403,
                         "FORBIDDEN", "json")
        r = seed.request("PATCH", path)
        assert r.status == 405 and r.headers["Allow"] == "GET, HEAD"
    # the object links to them
    d = objd(seed, "phonesystems", oid)
    assert d["AXLServerURI"] == f"/vmrest/phonesystems/{oid}/axlservers"
    assert d["PhoneSystemAssociationURI"] == f"/vmrest/phonesystems/{oid}/phonesystemassociations"
    # an unknown phone system: 200 with an empty list (§5.7.1)
    for bad in ("a8eb65f5-795b-41cd-98b1-934f6b987314", PS.upper(), "nope"):
        r = seed.get(f"/vmrest/phonesystems/{bad}/{sub}", accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"0"}', r
    # after the phone system is deleted its sub-lists are empty, still 200 (§5.7.1)
    check_204(seed.delete(f"/vmrest/phonesystems/{oid}"))
    r = seed.get(f"/vmrest/phonesystems/{oid}/{sub}", accept=JSON)
    assert r.status == 200 and r.body == b'{"@total":"0"}', r


# =============================================================================================
# §5.5 port groups

def test_pg_spec_get_bodies_exact(seed):
    r = seed.get(f"/vmrest/portgroups/{PG_SIP}")
    assert r.status == 200 and r.body == SPEC_PG_SIP_XML.encode(), r
    r = seed.get(f"/vmrest/portgroups/{PG_SIP}", accept=JSON)
    assert r.status == 200 and r.body == SPEC_PG_SIP_JSON.encode(), r


def test_pg_spec_sccp_xml_creation(seed, host):
    r = seed.post("/vmrest/portgroups", ctype=XML, body=(
        "<PortGroup><DisplayName>Lab-SCCP</DisplayName><MediaPortGroupTemplateObjectId>"
        "90dd306f-b8af-46b6-8289-f13437cc1e5e</MediaPortGroupTemplateObjectId>"
        "<MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId>"
        "<HostOrIPAddress>10.1.1.1</HostOrIPAddress><TelephonyIntegrationMethodEnum>1"
        "</TelephonyIntegrationMethodEnum><SkinnyDevicePrefix>Lab-VI</SkinnyDevicePrefix>"
        "</PortGroup>"))
    assert r.status == 201 and len(r.body) == 55, r
    oid = r.body.decode().rsplit("/", 1)[1]
    assert GUID_V4.match(oid)
    assert r.headers["Location"] == f"https://{host}/vmrest/portgroups/{oid}"
    want = pairs(portgroup_fields(oid, 1, "Lab-SCCP", 0, prefix="Lab-VI"))
    for fmt in FMTS:
        assert obj(seed, "portgroups", oid, fmt) == want
    # HostOrIPAddress is never written out
    for acc in (XML, JSON):
        assert b"HostOrIPAddress" not in seed.get(f"/vmrest/portgroups/{oid}", accept=acc).body
        assert b"HostOrIPAddress" not in seed.get("/vmrest/portgroups", accept=acc).body


def test_pg_spec_json_default_name(seed):
    r = seed.post("/vmrest/portgroups", ctype=JSON, body='{"PortGroup":{"MediaSwitchObjectId":'
                  '"a8eb65f5-795b-41cd-98b1-934f6b987313","TelephonyIntegrationMethodEnum":2}}')
    assert r.status == 201, r
    oid = r.body.decode().rsplit("/", 1)[1]
    assert obj(seed, "portgroups", oid) == pairs(portgroup_fields(oid, 2, "PhoneSystem-2", 0))


def test_pg_spec_error_examples(seed):
    before = snapshot(seed)
    rejected(seed, seed.post("/vmrest/portgroups", ctype=JSON, accept=JSON, body=(
        '{"MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313",'
        '"TelephonyIntegrationMethodEnum":"1",'
        '"MediaPortGroupTemplateObjectId":"47e03eca-d077-466b-9c97-54e62938cf26"}')),
        "INVALID_PARAMETER", "json", "TelephonyIntegrationMethodEnum", before)
    rejected(seed, seed.post("/vmrest/portgroups", ctype=JSON, accept=JSON, body=(
        '{"MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313",'
        '"TelephonyIntegrationMethodEnum":2,"DisplayName":"PhoneSystem-1"}')),
        "DUPLICATE_NAME", "json", None, before)


def test_pg_spec_put_example(seed):
    check_204(seed.put(f"/vmrest/portgroups/{PG_SIP}", ctype=XML, body=(
        "<PortGroup><DisplayName>Main</DisplayName><MwiOnCode>678</MwiOnCode>"
        "<MwiOffCode>876</MwiOffCode></PortGroup>")))
    g = objd(seed, "portgroups", PG_SIP)
    assert (g["DisplayName"], g["MwiOnCode"], g["MwiOffCode"]) == ("Main", "678", "876")
    for p, n in ((PORT1, 1), (PORT2, 2)):
        d = objd(seed, "ports", p)
        assert d["MediaPortGroupDisplayName"] == "Main"
        assert d["DisplayName"] == f"PhoneSystem-1-00{n}"
    oid = create(seed, "ports", {"MediaPortGroupObjectId": PG_SIP, "VmsServerObjectId": VMS1,
                                 "NumberOfPorts": 2}, "xml")
    assert objd(seed, "ports", oid)["DisplayName"] == "Main-003"
    assert [p["DisplayName"] for p in ports_of(seed, PG_SIP)] == [
        "PhoneSystem-1-001", "PhoneSystem-1-002", "Main-003", "Main-004"]


def test_pg_spec_delete_example(seed):
    check_204(seed.delete(f"/vmrest/portgroups/{PG_SIP}"))
    r = seed.get("/vmrest/ports", accept=JSON)
    assert r.status == 200 and r.body == b'{"@total":"0"}'
    assert objd(seed, "phonesystems", PS)["PortCount"] == "0"
    assert coll(seed, "portgroups")[0] == 3
    for p in (PORT1, PORT2):
        assert seed.get(f"/vmrest/ports/{p}").status == 404
    assert_error(seed.get(f"/vmrest/portgroups/{PG_SIP}"), 404, "NOT_FOUND")
    assert_error(seed.delete(f"/vmrest/portgroups/{PG_SIP}"), 404, "NOT_FOUND")
    assert health(seed)["portsUsed"] == 0
    # the numbers start again in a new group; ids are never reused
    g = create(seed, "portgroups", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2})
    assert objd(seed, "portgroups", g)["DisplayName"] == "PhoneSystem-1"
    assert g != PG_SIP


@pytest.mark.parametrize("fmt", FMTS)
def test_pg_type_three_ways(seed, fmt):
    for fields, t in [({"MediaPortGroupTemplateObjectId": TPL_SCCP}, 1),
                      ({"MediaPortGroupTemplateObjectId": TPL_SIP}, 2),
                      ({"MediaPortGroupTemplateObjectId": TPL_PIMG}, 3),
                      ({"TelephonyIntegrationMethodEnum": 1}, 1),
                      ({"TelephonyIntegrationMethodEnum": "2"}, 2),
                      ({"TelephonyIntegrationMethodEnum": "03"}, 3),
                      ({"MediaPortGroupTemplateObjectId": TPL_SCCP,
                        "TelephonyIntegrationMethodEnum": 1}, 1),
                      ({"MediaPortGroupTemplateObjectId": TPL_SIP,
                        "TelephonyIntegrationMethodEnum": 2}, 2),
                      ({"MediaPortGroupTemplateObjectId": TPL_PIMG,
                        "TelephonyIntegrationMethodEnum": 3}, 3),
                      # an empty id that the other field can stand in for is absent (§2.6)
                      ({"MediaPortGroupTemplateObjectId": "",
                        "TelephonyIntegrationMethodEnum": 2}, 2)]:
        cli = seed
        cli.load("seed")
        oid = create(cli, "portgroups", {"MediaSwitchObjectId": PS, **fields}, fmt)
        assert obj(cli, "portgroups", oid, fmt) == pairs(
            portgroup_fields(oid, t, "PhoneSystem-2", 0)), fields


def test_pg_default_names_smallest_unused(seed):
    cli = seed

    def mk(**kw):
        return create(cli, "portgroups", {"MediaSwitchObjectId": PS,
                                          "TelephonyIntegrationMethodEnum": 3, **kw})

    def name(oid):
        return objd(cli, "portgroups", oid)["DisplayName"]

    g2, g3, g4 = mk(), mk(), mk()
    assert [name(g) for g in (g2, g3, g4)] == ["PhoneSystem-2", "PhoneSystem-3", "PhoneSystem-4"]
    check_204(cli.delete(f"/vmrest/portgroups/{g3}"))
    assert name(mk()) == "PhoneSystem-3"
    check_204(cli.delete(f"/vmrest/portgroups/{PG_SIP}"))
    assert name(mk()) == "PhoneSystem-1"
    assert name(mk(DisplayName="PhoneSystem-6")) == "PhoneSystem-6"
    assert name(mk()) == "PhoneSystem-5"
    assert name(mk()) == "PhoneSystem-7"
    # a rename frees a name and takes another
    check_204(put(cli, "portgroups", g2, {"DisplayName": "X"}))
    assert health(cli)["portGroups"] == MAX_GROUPS
    check_204(cli.delete(f"/vmrest/portgroups/{g4}"))
    assert name(mk()) == "PhoneSystem-2"


def test_pg_default_names_exact_and_per_phone_system(seed):
    cli = seed
    check_204(put(cli, "portgroups", PG_SIP, {"DisplayName": "phonesystem-1"}))
    g = create(cli, "portgroups", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2})
    assert objd(cli, "portgroups", g)["DisplayName"] == "PhoneSystem-1"  # exact comparison
    other = create(cli, "phonesystems", {"DisplayName": "Other"})
    g = create(cli, "portgroups", {"MediaSwitchObjectId": other,
                                   "MediaPortGroupTemplateObjectId": TPL_SCCP})
    d = objd(cli, "portgroups", g)
    assert (d["DisplayName"], d["MediaSwitchDisplayName"], d["MediaSwitchObjectId"]) == (
        "Other-1", "Other", other)
    # the default uses the phone system's current name
    check_204(put(cli, "phonesystems", other, {"DisplayName": "Renamed"}))
    g = create(cli, "portgroups", {"MediaSwitchObjectId": other,
                                   "TelephonyIntegrationMethodEnum": 1})
    assert objd(cli, "portgroups", g)["DisplayName"] == "Renamed-1"


@pytest.mark.parametrize("fmt", FMTS)
def test_pg_duplicate_names(seed, fmt):
    cli = seed
    other = create(cli, "phonesystems", {"DisplayName": "Other"})
    before = snapshot(cli)
    base = {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2}
    for n in ("PhoneSystem-1", "PhoneSystem-SCCP"):
        rejected(cli, post(cli, "portgroups", {**base, "DisplayName": n}, fmt),
                 "DUPLICATE_NAME", fmt, None, before)
        rejected(cli, put(cli, "portgroups", PG_ROHIT, {"DisplayName": n}, fmt),
                 "DUPLICATE_NAME", fmt, None, before)
    # the same name under another phone system is fine, and so is a case variant
    g = create(cli, "portgroups", {**base, "MediaSwitchObjectId": other,
                                   "DisplayName": "PhoneSystem-1"}, fmt)
    create(cli, "portgroups", {**base, "DisplayName": "PHONESYSTEM-1"}, fmt)
    # renaming a group to its own name, or to a name used under another phone system
    check_204(put(cli, "portgroups", PG_ROHIT, {"DisplayName": "PhoneSystem-Rohit"}, fmt))
    check_204(put(cli, "portgroups", g, {"DisplayName": "PhoneSystem-SCCP"}, fmt))
    before = snapshot(cli)
    rejected(cli, put(cli, "portgroups", PG_ROHIT, {"DisplayName": "PHONESYSTEM-1",
                                                    "EnableMWI": "false"}, fmt),
             "DUPLICATE_NAME", fmt, None, before)


PG_BASE = {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2}
PG_BAD = [
    # (name, body, field named in the message)
    ("type-template-disagree-1", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 1,
                                  "MediaPortGroupTemplateObjectId": TPL_SIP},
     "TelephonyIntegrationMethodEnum"),
    ("type-template-disagree-3", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 3,
                                  "MediaPortGroupTemplateObjectId": TPL_SCCP},
     "TelephonyIntegrationMethodEnum"),
    ("type-template-disagree-2", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": 2,
                                  "MediaPortGroupTemplateObjectId": TPL_PIMG},
     "TelephonyIntegrationMethodEnum"),
    ("unknown-template", {"MediaSwitchObjectId": PS,
                          "MediaPortGroupTemplateObjectId":
                          "90dd306f-b8af-46b6-8289-f13437cc1e5f"},
     "MediaPortGroupTemplateObjectId"),
    ("template-upper-case", {"MediaSwitchObjectId": PS,
                             "MediaPortGroupTemplateObjectId": TPL_SCCP.upper()},
     "MediaPortGroupTemplateObjectId"),
    ("template-is-a-phone-system", {"MediaSwitchObjectId": PS,
                                    "MediaPortGroupTemplateObjectId": PS},
     "MediaPortGroupTemplateObjectId"),
    ("type-0", {**PG_BASE, "TelephonyIntegrationMethodEnum": 0}, "TelephonyIntegrationMethodEnum"),
    ("type-4", {**PG_BASE, "TelephonyIntegrationMethodEnum": "4"},
     "TelephonyIntegrationMethodEnum"),
    ("type-x", {**PG_BASE, "TelephonyIntegrationMethodEnum": "SIP"},
     "TelephonyIntegrationMethodEnum"),
    ("type-empty", {**PG_BASE, "TelephonyIntegrationMethodEnum": ""},
     "TelephonyIntegrationMethodEnum"),
    ("missing-both", {"MediaSwitchObjectId": PS, "DisplayName": "G"},
     ("TelephonyIntegrationMethodEnum", "MediaPortGroupTemplateObjectId")),
    ("missing-phone-system", {"TelephonyIntegrationMethodEnum": 2}, "MediaSwitchObjectId"),
    ("empty-phone-system", {**PG_BASE, "MediaSwitchObjectId": ""}, "MediaSwitchObjectId"),
    ("unknown-phone-system", {**PG_BASE, "MediaSwitchObjectId": PS.upper()},
     "MediaSwitchObjectId"),
    ("phone-system-is-a-group", {**PG_BASE, "MediaSwitchObjectId": PG_SIP},
     "MediaSwitchObjectId"),
    ("name-empty", {**PG_BASE, "DisplayName": ""}, "DisplayName"),
    ("name-65", {**PG_BASE, "DisplayName": "G" * 65}, "DisplayName"),
    ("name-control", {**PG_BASE, "DisplayName": "a\u007fb"}, "DisplayName"),
    ("mwi-bool", {**PG_BASE, "EnableMWI": "yes"}, "EnableMWI"),
    ("failback-bool", {**PG_BASE, "CcmDoAutoFailback": "2"}, "CcmDoAutoFailback"),
    ("agc-bool", {**PG_BASE, "EnableAGC": ""}, "EnableAGC"),
    ("srtp-bool", {**PG_BASE, "SipDoSRTP": ">true"}, "SipDoSRTP"),
    ("register-bool", {**PG_BASE, "SipRegisterWithProxyServer": "no"},
     "SipRegisterWithProxyServer"),
    ("auth-bool", {**PG_BASE, "SipDoAuthenticate": "truee"}, "SipDoAuthenticate"),
    ("mwion-letter", {**PG_BASE, "MwiOnCode": "12a"}, "MwiOnCode"),
    ("mwion-41", {**PG_BASE, "MwiOnCode": "1" * 41}, "MwiOnCode"),
    ("mwion-space", {**PG_BASE, "MwiOnCode": "1 2"}, "MwiOnCode"),
    ("mwion-plus", {**PG_BASE, "MwiOnCode": "+1"}, "MwiOnCode"),
    ("mwioff-letter", {**PG_BASE, "MwiOffCode": "A"}, "MwiOffCode"),
    ("mwioff-41", {**PG_BASE, "MwiOffCode": "#" * 41}, "MwiOffCode"),
    ("mwioff-dash", {**PG_BASE, "MwiOffCode": "1-2"}, "MwiOffCode"),
    ("retry-count", {**PG_BASE, "MwiRetryCountOnSuccess": "-1"}, "MwiRetryCountOnSuccess"),
    ("retry-interval", {**PG_BASE, "MwiRetryIntervalOnSuccessMs": "2147483648"},
     "MwiRetryIntervalOnSuccessMs"),
    ("min-interval", {**PG_BASE, "MwiMinRequestIntervalMs": "1.5"}, "MwiMinRequestIntervalMs"),
    ("max-concurrent", {**PG_BASE, "MwiMaxConcurrentRequests": "-5"},
     "MwiMaxConcurrentRequests"),
    ("transport-9", {**PG_BASE, "SipTransportProtocolEnum": "9"}, "SipTransportProtocolEnum"),
    ("transport-12", {**PG_BASE, "SipTransportProtocolEnum": 12}, "SipTransportProtocolEnum"),
    ("transport-udp", {**PG_BASE, "SipTransportProtocolEnum": "UDP"},
     "SipTransportProtocolEnum"),
    ("tls-9", {**PG_BASE, "SipTLSModeEnum": "9"}, "SipTLSModeEnum"),
    ("tls-12", {**PG_BASE, "SipTLSModeEnum": "12"}, "SipTLSModeEnum"),
    ("tls-0", {**PG_BASE, "SipTLSModeEnum": "0"}, "SipTLSModeEnum"),
    ("prefix-12", {**PG_BASE, "SkinnyDevicePrefix": "A" * 12}, "SkinnyDevicePrefix"),
    ("prefix-space", {**PG_BASE, "SkinnyDevicePrefix": "a b"}, "SkinnyDevicePrefix"),
    ("prefix-slash", {**PG_BASE, "SkinnyDevicePrefix": "a/b"}, "SkinnyDevicePrefix"),
    ("prefix-nonascii", {**PG_BASE, "SkinnyDevicePrefix": "Caf\u00e9"}, "SkinnyDevicePrefix"),
    ("prefix-empty-sccp", {**PG_BASE, "TelephonyIntegrationMethodEnum": 1,
                           "SkinnyDevicePrefix": ""}, "SkinnyDevicePrefix"),
    ("prefix-empty-sccp-template", {"MediaSwitchObjectId": PS,
                                    "MediaPortGroupTemplateObjectId": TPL_SCCP,
                                    "SkinnyDevicePrefix": "  "}, "SkinnyDevicePrefix"),
    ("host-space", {**PG_BASE, "HostOrIPAddress": "10.1.1.1 x"}, "HostOrIPAddress"),
    ("host-256", {**PG_BASE, "HostOrIPAddress": "h" * 256}, "HostOrIPAddress"),
    ("host-empty", {**PG_BASE, "HostOrIPAddress": ""}, "HostOrIPAddress"),
    # order of checks (§5.5): formats, required, references, type agreement, duplicate name
    ("format-before-reference", {"MediaSwitchObjectId": "nope",
                                 "TelephonyIntegrationMethodEnum": 7},
     "TelephonyIntegrationMethodEnum"),
    ("format-before-type-rule", {**PG_BASE, "TelephonyIntegrationMethodEnum": 1,
                                 "SkinnyDevicePrefix": "", "SipTLSModeEnum": 9},
     "SipTLSModeEnum"),
    ("reference-before-agreement", {"MediaSwitchObjectId": "nope",
                                    "TelephonyIntegrationMethodEnum": 1,
                                    "MediaPortGroupTemplateObjectId": TPL_SIP},
     "MediaSwitchObjectId"),
    ("agreement-before-duplicate", {"MediaSwitchObjectId": PS,
                                    "TelephonyIntegrationMethodEnum": 1,
                                    "MediaPortGroupTemplateObjectId": TPL_SIP,
                                    "DisplayName": "PhoneSystem-1"},
     "TelephonyIntegrationMethodEnum"),
    ("type-rule-before-duplicate", {"MediaSwitchObjectId": PS,
                                    "TelephonyIntegrationMethodEnum": 1,
                                    "SkinnyDevicePrefix": "",
                                    "DisplayName": "PhoneSystem-1"},
     "SkinnyDevicePrefix"),
]


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("name,body,field", PG_BAD, ids=[b[0] for b in PG_BAD])
def test_pg_post_rejected(seed, fmt, name, body, field):
    before = snapshot(seed)
    rejected(seed, post(seed, "portgroups", body, fmt), "INVALID_PARAMETER", fmt, field, before)


PG_PUT_BAD = [(f, v) for f, v in [
    ("DisplayName", ""), ("DisplayName", "G" * 65), ("EnableMWI", "yes"),
    ("CcmDoAutoFailback", "2"), ("MwiOnCode", "12a"), ("MwiOnCode", "1" * 41),
    ("MwiOffCode", "x"), ("MwiRetryCountOnSuccess", "-1"),
    ("MwiRetryIntervalOnSuccessMs", "abc"), ("SipTransportProtocolEnum", "9"),
    ("SipTransportProtocolEnum", "12"), ("SipRegisterWithProxyServer", "2"),
    ("SipDoAuthenticate", ""), ("SkinnyDevicePrefix", "A" * 12), ("SkinnyDevicePrefix", "a b"),
    ("MwiMinRequestIntervalMs", "-1"), ("MwiMaxConcurrentRequests", "2147483648"),
    ("SipDoSRTP", "nope"), ("SipTLSModeEnum", "9"), ("SipTLSModeEnum", "12"),
    ("EnableAGC", "0.0"),
]]


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("field,value", PG_PUT_BAD, ids=[f"{f}={v[:12]!r}" for f, v in PG_PUT_BAD])
def test_pg_put_rejected(seed, fmt, field, value):
    before = snapshot(seed)
    rejected(seed, put(seed, "portgroups", PG_SCCP, {"MwiOnCode": "1", field: value}, fmt),
             "INVALID_PARAMETER", fmt, field, before)


def test_pg_put_empty_prefix_on_sccp_rejected(seed):
    before = snapshot(seed)
    for fmt in FMTS:
        rejected(seed, put(seed, "portgroups", PG_SCCP, {"SkinnyDevicePrefix": ""}, fmt),
                 "INVALID_PARAMETER", fmt, "SkinnyDevicePrefix", before)


@pytest.mark.parametrize("fmt", FMTS)
def test_pg_values_accepted(seed, fmt):
    cli = seed
    fields = {**PG_BASE, "DisplayName": "G" * 64, "EnableMWI": "0", "CcmDoAutoFailback": "FALSE",
              "MwiOnCode": "*#0123456789" + "9" * 28, "MwiOffCode": "", "MwiRetryCountOnSuccess":
              "2147483647", "MwiRetryIntervalOnSuccessMs": "0", "SipTransportProtocolEnum": "11",
              "SipRegisterWithProxyServer": "1", "SipDoAuthenticate": "true",
              "SkinnyDevicePrefix": "a.b_C-9", "MwiMinRequestIntervalMs": "10",
              "MwiMaxConcurrentRequests": "3", "SipDoSRTP": "True", "SipTLSModeEnum": "10",
              "EnableAGC": "false", "HostOrIPAddress": "h" * 255,
              # R fields are ignored, invalid or not
              "PortCount": "x", "ResetStatusEnum": "9", "MediaSwitchDisplayName": "zz",
              "ObjectId": "mine", "URI": "/x", "PhoneSystemURI": "/y", "Bogus": "1"}
    oid = create(cli, "portgroups", fields, fmt)
    want = dict(portgroup_fields(oid, 2, "G" * 64, 0, prefix="a.b_C-9"))
    want.update(EnableMWI="false", CcmDoAutoFailback="false", MwiOnCode=fields["MwiOnCode"],
                MwiRetryCountOnSuccess="2147483647", MwiRetryIntervalOnSuccessMs="0",
                SipTransportProtocolEnum="11", SipRegisterWithProxyServer="true",
                SipDoAuthenticate="true", MwiMinRequestIntervalMs="10",
                MwiMaxConcurrentRequests="3", SipDoSRTP="true", SipTLSModeEnum="10",
                EnableAGC="false")
    assert obj(cli, "portgroups", oid, fmt) == list(want.items())
    assert b"HostOrIPAddress" not in cli.get(f"/vmrest/portgroups/{oid}", accept=ACCEPT[fmt]).body


def test_pg_skinny_prefix_per_type(seed):
    cli = seed
    sccp = create(cli, "portgroups", {**PG_BASE, "TelephonyIntegrationMethodEnum": 1})
    assert objd(cli, "portgroups", sccp)["SkinnyDevicePrefix"] == "CiscoUM1-VI"
    sccp11 = create(cli, "portgroups", {**PG_BASE, "TelephonyIntegrationMethodEnum": 1,
                                        "SkinnyDevicePrefix": "ABCDEFGHIJK"})
    assert objd(cli, "portgroups", sccp11)["SkinnyDevicePrefix"] == "ABCDEFGHIJK"
    # other types: absent by default, an empty value is accepted and means none
    sip = create(cli, "portgroups", PG_BASE)
    assert "SkinnyDevicePrefix" not in objd(cli, "portgroups", sip)
    pimg = create(cli, "portgroups", {**PG_BASE, "TelephonyIntegrationMethodEnum": 3,
                                      "SkinnyDevicePrefix": ""})
    assert "SkinnyDevicePrefix" not in objd(cli, "portgroups", pimg)
    # stored if given, without effect on the ports
    check_204(put(cli, "portgroups", sip, {"SkinnyDevicePrefix": "Sip-VI"}))
    assert objd(cli, "portgroups", sip)["SkinnyDevicePrefix"] == "Sip-VI"
    create(cli, "ports", {"MediaPortGroupObjectId": sip, "VmsServerObjectId": VMS1,
                          "NumberOfPorts": 2})
    assert all("SkinnyDeviceName" not in p for p in ports_of(cli, sip))
    # and an empty value clears it
    check_204(put(cli, "portgroups", sip, {"SkinnyDevicePrefix": ""}, "xml"))
    assert "SkinnyDevicePrefix" not in objd(cli, "portgroups", sip)
    # on SCCP the prefix shows at once in the ports
    create(cli, "ports", {"MediaPortGroupObjectId": sccp11, "VmsServerObjectId": VMS1,
                          "NumberOfPorts": 2})
    assert [p["SkinnyDeviceName"] for p in ports_of(cli, sccp11)] == ["ABCDEFGHIJK1",
                                                                      "ABCDEFGHIJK2"]
    check_204(put(cli, "portgroups", sccp11, {"SkinnyDevicePrefix": "X"}))
    assert [p["SkinnyDeviceName"] for p in ports_of(cli, sccp11)] == ["X1", "X2"]


def test_pg_put_ignores_create_only_and_read_only(seed):
    cli = seed
    other = create(cli, "phonesystems", {"DisplayName": "Other"})
    before = obj(cli, "portgroups", PG_SIP)
    check_204(put(cli, "portgroups", PG_SIP, {
        "MediaSwitchObjectId": other, "TelephonyIntegrationMethodEnum": "3",
        "MediaPortGroupTemplateObjectId": TPL_PIMG, "HostOrIPAddress": "bad value with spaces",
        "PortCount": "99", "ObjectId": "x", "URI": "/y", "ResetStatusEnum": "x",
        "MediaSwitchDisplayName": "z", "PhoneSystemURI": "/q"}))
    assert obj(cli, "portgroups", PG_SIP) == before
    # a PUT with no fields is a no-op
    check_204(cli.put(f"/vmrest/portgroups/{PG_SIP}", body="", ctype=XML))
    check_204(cli.put(f"/vmrest/portgroups/{PG_SIP}", body="null", ctype=JSON))
    assert obj(cli, "portgroups", PG_SIP) == before
    assert_error(put(cli, "portgroups", PG_SIP_UNKNOWN, {"DisplayName": "x"}), 404, "NOT_FOUND",
                 "json")



def test_pg_enable_mwi_in_ports(seed):
    cli = seed
    check_204(put(cli, "portgroups", PG_SIP, {"EnableMWI": "0"}))
    assert {objd(cli, "ports", p)["MediaPortGroupEnableMWI"] for p in (PORT1, PORT2)} == {"false"}
    check_204(put(cli, "portgroups", PG_SIP, {"EnableMWI": "true"}, "xml"))
    assert {objd(cli, "ports", p)["MediaPortGroupEnableMWI"] for p in (PORT1, PORT2)} == {"true"}


def test_pg_mixed_types_under_one_phone_system(seed):
    cli = seed
    _, pgs = coll(cli, "portgroups", "json", "query=" + q(f"(MediaSwitchObjectId is {PS})"))
    assert sorted(g["TelephonyIntegrationMethodEnum"] for g in pgs) == ["1", "2", "2", "3"]


@pytest.mark.parametrize("fmt", FMTS)
def test_pg_limit_license_exceeded(seed, fmt):
    cli = seed
    made = [create(cli, "portgroups", {**PG_BASE, "DisplayName": f"L{i}"}, fmt)
            for i in range(MAX_GROUPS - 4)]
    h = health(cli)
    assert (h["portGroups"], h["maxPortGroups"]) == (MAX_GROUPS, MAX_GROUPS)
    before = snapshot(cli)
    rejected(cli, post(cli, "portgroups", {**PG_BASE, "DisplayName": "L-over"}, fmt),
             "LICENSE_EXCEEDED", fmt, None, before)
    rejected(cli, post(cli, "portgroups", PG_BASE, fmt), "LICENSE_EXCEEDED", fmt, None, before)
    # uniqueness and field checks come before capacity (§4.2)
    rejected(cli, post(cli, "portgroups", {**PG_BASE, "DisplayName": "L0"}, fmt),
             "DUPLICATE_NAME", fmt, None, before)
    rejected(cli, post(cli, "portgroups", {**PG_BASE, "SipTLSModeEnum": "1"}, fmt),
             "INVALID_PARAMETER", fmt, "SipTLSModeEnum", before)
    # the limit is system-wide: another phone system does not help
    other = create(cli, "phonesystems", {"DisplayName": "Other"}, fmt)
    before = snapshot(cli)
    rejected(cli, post(cli, "portgroups", {**PG_BASE, "MediaSwitchObjectId": other}, fmt),
             "LICENSE_EXCEEDED", fmt, None, before)
    # deleting frees a slot at once
    check_204(cli.delete(f"/vmrest/portgroups/{made[0]}"))
    create(cli, "portgroups", {**PG_BASE, "MediaSwitchObjectId": other}, fmt)
    # a cascading delete frees many
    check_204(cli.delete(f"/vmrest/phonesystems/{PS}"))
    assert health(cli)["portGroups"] == 1


# =============================================================================================
# GET bodies sent back with PUT, and rejected writes


def _sccp_and_pimg_ports(cli):
    p_sccp = create(cli, "ports", {"MediaPortGroupObjectId": PG_SCCP, "VmsServerObjectId": VMS1,
                                   "NumberOfPorts": 2})
    p_pimg = create(cli, "ports", {"MediaPortGroupObjectId": PG_PIMG, "NumberOfPorts": 2})
    return p_sccp, p_pimg


@pytest.mark.parametrize("fmt", FMTS)
def test_put_get_body_back_unchanged(seed, fmt):
    cli = seed
    p_sccp, p_pimg = _sccp_and_pimg_ports(cli)
    other = create(cli, "phonesystems", {"DisplayName": "Other", "CallLoopDTMF": "#"})
    targets = [("phonesystems", PS), ("phonesystems", other), ("portgroups", PG_SIP),
               ("portgroups", PG_SCCP), ("portgroups", PG_PIMG), ("ports", PORT1),
               ("ports", p_sccp), ("ports", p_pimg)]
    for c, oid in targets:
        before = snapshot(cli)
        r = cli.get(f"/vmrest/{c}/{oid}", accept=ACCEPT[fmt])
        assert r.status == 200
        check_204(cli.put(f"/vmrest/{c}/{oid}", body=r.body, ctype=ACCEPT[fmt]))
        assert cli.get(f"/vmrest/{c}/{oid}", accept=ACCEPT[fmt]).body == r.body
        assert snapshot(cli) == before, (c, oid)
    # the same with the JSON wrapper form
    if fmt == "json":
        for c, oid in targets:
            r = cli.get(f"/vmrest/{c}/{oid}", accept=JSON)
            wrapped = b'{"%s":%s}' % (ROOTS[c][1].encode(), r.body)
            check_204(cli.put(f"/vmrest/{c}/{oid}", body=wrapped, ctype=JSON))
            assert cli.get(f"/vmrest/{c}/{oid}", accept=JSON).body == r.body


REJECTED_WRITES = [
    # (method, path, body in JSON, status, code, field)
    ("POST", "/vmrest/phonesystems", {"DisplayName": "PhoneSystem"}, 400, "DUPLICATE_NAME", None),
    ("POST", "/vmrest/phonesystems", {"DisplayName": "x", "CallLoopDTMF": "Q"}, 400,
     "INVALID_PARAMETER", "CallLoopDTMF"),
    ("PUT", f"/vmrest/phonesystems/{PS}", {"DisplayName": "Y", "MwiForceOff": "true",
                                           "RestrictDialEndTime": "1440"}, 400,
     "INVALID_PARAMETER", "RestrictDialEndTime"),
    ("PUT", f"/vmrest/phonesystems/{PS}x", {"DisplayName": "Y"}, 404, "NOT_FOUND", None),
    ("DELETE", f"/vmrest/phonesystems/{PS}x", None, 404, "NOT_FOUND", None),
    ("DELETE", f"/vmrest/phonesystems/{PS.upper()}", None, 404, "NOT_FOUND", None),
    ("POST", "/vmrest/portgroups", {**PG_BASE, "DisplayName": "PhoneSystem-PIMG"}, 400,
     "DUPLICATE_NAME", None),
    ("PUT", f"/vmrest/portgroups/{PG_SIP}", {"DisplayName": "Z", "EnableMWI": "0",
                                             "SipTLSModeEnum": "3"}, 400, "INVALID_PARAMETER",
     "SipTLSModeEnum"),
    ("PUT", f"/vmrest/portgroups/{PG_SIP}", {"DisplayName": "PhoneSystem-PIMG", "EnableMWI": "0"},
     400, "DUPLICATE_NAME", None),
    ("DELETE", f"/vmrest/portgroups/{PG_SIP_UNKNOWN}", None, 404, "NOT_FOUND", None),
    ("POST", "/vmrest/ports", {"MediaPortGroupObjectId": PG_SIP, "VmsServerObjectId": VMS1,
                               "NumberOfPorts": 250}, 400, "LICENSE_EXCEEDED", None),
]


@pytest.mark.parametrize("method,path,body,status,code,field", REJECTED_WRITES,
                         ids=[f"{w[0]} {w[1][8:30]} {w[4]}" for w in REJECTED_WRITES])
def test_rejected_writes_change_nothing(seed, method, path, body, status, code, field):
    cli = seed
    if code == "LICENSE_EXCEEDED":  # fill the licence but for 4, then ask for 4 more
        create(cli, "ports", {"MediaPortGroupObjectId": PG_PIMG, "NumberOfPorts": LICENCE - 4})
        body = {**body, "NumberOfPorts": 4}
    before = snapshot(cli)
    r = cli.request(method, path, body=None if body is None else json.dumps(body),
                    ctype=None if body is None else JSON, accept=JSON)
    msg = assert_error(r, status, code, "json")
    if field:
        assert field in msg
    assert snapshot(cli) == before


def test_phone_system_put_on_collection_405(seed):
    before = snapshot(seed)
    for c in ("phonesystems", "portgroups"):
        r = seed.put(f"/vmrest/{c}", body='{"DisplayName":"x"}', ctype=JSON, accept=JSON)
        assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")
        assert r.headers["Allow"] == "GET, HEAD, POST"
        r = seed.delete(f"/vmrest/{c}", accept=JSON)
        assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")
    r = seed.post(f"/vmrest/phonesystems/{PS}", body='{"DisplayName":"x"}', ctype=JSON)
    assert r.status == 405 and r.headers["Allow"] == "GET, HEAD, PUT, DELETE"
    assert snapshot(seed) == before


def test_vms_name_in_ports_from_vmsservers(seed):
    # the server a port shows is the one /vmrest/vmsservers lists
    vms_id, vms_name = vms_of(seed)
    assert (vms_id, vms_name) == (VMS1, VMS_NAME)
    d = objd(seed, "ports", PORT1)
    assert (d["VmsServerObjectId"], d["VmsServerName"]) == (VMS1, VMS_NAME)
