"""Reading resources: the exact bodies of SPEC §2.4, §5.1-§5.6 and the fixtures of §6.7."""

import pytest

from cupidtest import (EX2_PG, EX2_PG_FIELDS, EX2_PORT, EX2_PORT_FIELDS, EX2_PS, EX2_PS_FIELDS,
                       EX2_VMS, EX2_VMS_FIELDS, GUID_V4, JSON, PG_PIMG, PG_ROHIT, PG_SCCP,
                       PG_SIP, PORT1, PORT2, PS, SEED_PG_PIMG, SEED_PG_ROHIT, SEED_PG_SCCP,
                       SEED_PGS_SORTED, SEED_PORT1, SEED_PORT2, SEED_PS, SEED_VMS, SPEC_404_JSON,
                       SPEC_404_XML, SPEC_PG_SIP_JSON, SPEC_PG_SIP_XML, SPEC_PORT1_JSON,
                       SPEC_PORT1_XML, SPEC_PS_JSON, SPEC_TPL_Q0_JSON, SPEC_TPL_Q0_XML,
                       SPEC_TPL_Q1_JSON, SPEC_TPL_Q1_XML, SPEC_TPL_Q2_JSON, SPEC_TPL_Q2_XML,
                       SPEC_TPL_SIP_JSON, SPEC_TPL_SIP_XML, SPEC_VERSION_JSON, SPEC_VERSION_XML,
                       SPEC_VMS_LIST_JSON, SPEC_VMS_LIST_XML, TEMPLATES, TPL_PIMG, TPL_SCCP,
                       TPL_SIP, VMS1, X, XML, json_coll, json_obj, xml_coll, xml_doc)


def check(resp, body, fmt):
    assert resp.status == 200, resp
    assert resp.headers["Content-Type"] == (JSON if fmt == "json" else XML)
    assert resp.body == body.encode("utf-8"), f"\n got: {resp.body!r}\nwant: {body!r}"
    assert resp.headers["Content-Length"] == str(len(resp.body))


def get(cli, path, fmt):
    return cli.get(path, accept=JSON) if fmt == "json" else cli.get(path)


# --- (path, xml body, json body) on the seed fixture; both formats for every row -------------

SEED_ROWS = [
    # §2.4 single template, and every template by id
    (f"/vmrest/portgrouptemplates/{TPL_SIP}", SPEC_TPL_SIP_XML, SPEC_TPL_SIP_JSON),
    (f"/vmrest/portgrouptemplates/{TPL_SCCP}", xml_doc("PortGroupTemplate", TEMPLATES[0]),
     json_obj(TEMPLATES[0])),
    (f"/vmrest/portgrouptemplates/{TPL_PIMG}", xml_doc("PortGroupTemplate", TEMPLATES[2]),
     json_obj(TEMPLATES[2])),
    # §5.4 full list, ordered by CopyTelephonyIntegrationMethodEnum (§3.3)
    ("/vmrest/portgrouptemplates", xml_coll("PortGroupTemplates", "PortGroupTemplate", TEMPLATES),
     json_coll("PortGroupTemplate", TEMPLATES)),
    # §5.1
    ("/vmrest/version", SPEC_VERSION_XML, SPEC_VERSION_JSON),
    # §5.2 (one element: a JSON object, not an array)
    ("/vmrest/vmsservers", SPEC_VMS_LIST_XML, SPEC_VMS_LIST_JSON),
    ("/vmrest/cluster", SPEC_VMS_LIST_XML, SPEC_VMS_LIST_JSON),
    (f"/vmrest/vmsservers/{VMS1}", xml_doc("VmsServer", SEED_VMS), json_obj(SEED_VMS)),
    # §5.6.7
    (f"/vmrest/ports/{PORT1}", SPEC_PORT1_XML, SPEC_PORT1_JSON),
    (f"/vmrest/ports/{PORT2}", xml_doc("Port", SEED_PORT2), json_obj(SEED_PORT2)),
    ("/vmrest/ports", xml_coll("Ports", "Port", [SEED_PORT1, SEED_PORT2]),
     json_coll("Port", [SEED_PORT1, SEED_PORT2])),
    # §5.5
    (f"/vmrest/portgroups/{PG_SIP}", SPEC_PG_SIP_XML, SPEC_PG_SIP_JSON),
    (f"/vmrest/portgroups/{PG_SCCP}", xml_doc("PortGroup", SEED_PG_SCCP), json_obj(SEED_PG_SCCP)),
    (f"/vmrest/portgroups/{PG_ROHIT}", xml_doc("PortGroup", SEED_PG_ROHIT),
     json_obj(SEED_PG_ROHIT)),
    (f"/vmrest/portgroups/{PG_PIMG}", xml_doc("PortGroup", SEED_PG_PIMG), json_obj(SEED_PG_PIMG)),
    ("/vmrest/portgroups", xml_coll("PortGroups", "PortGroup", SEED_PGS_SORTED),
     json_coll("PortGroup", SEED_PGS_SORTED)),
    # §5.3
    (f"/vmrest/phonesystems/{PS}", xml_doc("PhoneSystem", SEED_PS), SPEC_PS_JSON),
    ("/vmrest/phonesystems", xml_coll("PhoneSystems", "PhoneSystem", [SEED_PS]),
     json_coll("PhoneSystem", [SEED_PS])),
    # §5.11 (the seed's one AXL server)
    (f"/vmrest/phonesystems/{PS}/axlservers", X + '<AXLServers total="1"><AXLServer><URI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806</URI><ObjectId>ccc67ad1-3ee6-45ca-9556-855e5a3b3806</ObjectId><MediaRemoteServiceEnum>103</MediaRemoteServiceEnum><HostOrIPAddress>192.0.2.21</HostOrIPAddress><Port>443</Port><TlsPort>443</TlsPort><Precedence>0</Precedence><MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI><SkinnyStateMachineEnum>10</SkinnyStateMachineEnum><IsPinSyncEnabled>false</IsPinSyncEnabled><CcmAXLUser>axladmin</CcmAXLUser><CcmAXLPassword/><CcmVersion>5</CcmVersion></AXLServer></AXLServers>',
     '{"@total":"1","AXLServer":{"URI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313/axlservers/ccc67ad1-3ee6-45ca-9556-855e5a3b3806","ObjectId":"ccc67ad1-3ee6-45ca-9556-855e5a3b3806","MediaRemoteServiceEnum":"103","HostOrIPAddress":"192.0.2.21","Port":"443","TlsPort":"443","Precedence":"0","MediaSwitchObjectId":"a8eb65f5-795b-41cd-98b1-934f6b987313","PhoneSystemURI":"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313","SkinnyStateMachineEnum":"10","IsPinSyncEnabled":"false","CcmAXLUser":"axladmin","CcmAXLPassword":"","CcmVersion":"5"}}'),
    (f"/vmrest/phonesystems/{PS}/phonesystemassociations",
     X + '<PhoneSystemAssociations total="0"/>', '{"@total":"0"}'),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("path,xml_body,json_body", SEED_ROWS, ids=[r[0] for r in SEED_ROWS])
def test_seed_bodies(seed, path, xml_body, json_body, fmt):
    check(get(seed, path, fmt), xml_body if fmt == "xml" else json_body, fmt)


def test_builders_match_spec_literals():
    """Self-check of this suite: the field-table builders reproduce the SPEC's literals."""
    assert json_obj(SEED_PORT1) == SPEC_PORT1_JSON
    assert xml_doc("Port", SEED_PORT1) == SPEC_PORT1_XML
    assert json_obj(SEED_PS) == SPEC_PS_JSON


def test_seed_port_spec_example_exact_xml(seed):
    """§5.6.7, XML joined from the indented example: no whitespace between elements."""
    r = seed.get(f"/vmrest/ports/{PORT1}", accept=XML)
    check(r, SPEC_PORT1_XML, "xml")
    assert b"\n" not in r.body and b"> <" not in r.body


def test_seed_port_listing_order_and_total(seed):
    d = seed.get_json("/vmrest/ports")
    assert d["@total"] == "2"
    assert [p["ObjectId"] for p in d["Port"]] == [PORT1, PORT2]
    r = seed.get("/vmrest/ports")
    assert r.body.startswith((X + '<Ports total="2"><Port><URI>/vmrest/ports/' + PORT1).encode())


def test_sublist_unknown_phone_system_empty(seed):
    # §5.7.1: GET of a sub-collection whose parent does not exist is 200 with no elements
    for sub, root in (("axlservers", "AXLServers"),
                      ("phonesystemassociations", "PhoneSystemAssociations")):
        r = seed.get(f"/vmrest/phonesystems/{PG_SIP}/{sub}")
        assert r.status == 200 and r.body == (X + f'<{root} total="0"/>').encode(), r
        r = seed.get(f"/vmrest/phonesystems/00000000-0000-4000-8000-000000000000/{sub}",
                     accept=JSON)
        assert r.status == 200 and r.body == b'{"@total":"0"}', r


def test_cluster_by_id_is_404(seed):
    r = seed.get(f"/vmrest/cluster/{VMS1}")
    assert r.status == 404, r
    assert b"<code>NOT_FOUND</code>" in r.body


def test_unknown_ids_404(seed):
    for path in (f"/vmrest/ports/{PORT1[:-1]}0", f"/vmrest/vmsservers/{PORT1}",
                 f"/vmrest/portgrouptemplates/{PORT1}", f"/vmrest/phonesystems/{PG_SIP}",
                 f"/vmrest/portgroups/{PS}", "/vmrest/ports/blah"):
        r = seed.get(path, accept=JSON)
        assert r.status == 404, (path, r)
        assert r.json()["errors"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_spec_404_example_exact(seed, fmt):
    """§2.5: GET /vmrest/portgroups/1edf504a-... (digit one) -> 404 with exactly this body."""
    r = get(seed, "/vmrest/portgroups/1edf504a-e9a1-4876-bcfc-bb674da8e385", fmt)
    assert r.status == 404
    assert r.headers["Content-Type"] == (JSON if fmt == "json" else XML)
    assert r.body == (SPEC_404_JSON if fmt == "json" else SPEC_404_XML).encode()


@pytest.mark.parametrize("path", [
    "/vmrest/ports/EC664876-5879-4CFF-A022-4929B37BD575",
    "/vmrest/ports/Ec664876-5879-4cff-a022-4929b37bd575",
    "/vmrest/portgroups/LEDF504A-E9A1-4876-BCFC-BB674DA8E385",
    "/vmrest/portgroups/Ledf504a-e9a1-4876-bcfc-bb674da8e385",
    "/vmrest/portgrouptemplates/47E03ECA-D077-466B-9C97-54E62938CF26",
    "/vmrest/vmsservers/574CA5D3-9041-4FF9-8E7D-727C32D80DAB",
    "/vmrest/phonesystems/A8EB65F5-795B-41CD-98B1-934F6B987313",
    "/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575x",
    "/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd57",
    "/vmrest/ports/%20ec664876-5879-4cff-a022-4929b37bd575",
])
def test_ids_are_exact(seed, path):
    """§2.9 / §1.5: ObjectIds are opaque strings compared exactly."""
    r = seed.get(path)
    assert r.status == 404, r
    assert b"<code>NOT_FOUND</code>" in r.body


def test_seed_example2(admin):
    """§6.7 seed-example2: the seed's Example 2 port, CapNotification false."""
    admin.load("seed-example2")
    port_xml = xml_doc("Port", EX2_PORT_FIELDS)
    check(admin.get(f"/vmrest/ports/{EX2_PORT}"), port_xml, "xml")
    check(admin.get(f"/vmrest/ports/{EX2_PORT}", accept=JSON), json_obj(EX2_PORT_FIELDS), "json")
    assert "<CapNotification>false</CapNotification>" in port_xml
    check(admin.get("/vmrest/ports", accept=JSON), json_coll("Port", [EX2_PORT_FIELDS]), "json")
    check(admin.get("/vmrest/ports"), xml_coll("Ports", "Port", [EX2_PORT_FIELDS]), "xml")
    check(admin.get("/vmrest/vmsservers", accept=JSON), json_coll("VmsServer", [EX2_VMS_FIELDS]),
          "json")
    check(admin.get(f"/vmrest/vmsservers/{EX2_VMS}", accept=JSON), json_obj(EX2_VMS_FIELDS),
          "json")
    check(admin.get(f"/vmrest/portgroups/{EX2_PG}", accept=JSON), json_obj(EX2_PG_FIELDS), "json")
    check(admin.get(f"/vmrest/phonesystems/{EX2_PS}", accept=JSON), json_obj(EX2_PS_FIELDS),
          "json")
    # the seed's objects are gone
    assert admin.get(f"/vmrest/ports/{PORT1}").status == 404


@pytest.mark.parametrize("coll,root,elem", [
    ("ports", "Ports", "Port"),
    ("portgroups", "PortGroups", "PortGroup"),
    ("phonesystems", "PhoneSystems", "PhoneSystem"),
])
def test_empty_collections(admin, coll, root, elem):
    """§2.4: a zero-element collection: no element key in JSON, a self-closed root in XML."""
    admin.load("empty")
    check(admin.get(f"/vmrest/{coll}", accept=JSON), '{"@total":"0"}', "json")
    check(admin.get(f"/vmrest/{coll}"), X + f'<{root} total="0"/>', "xml")


def test_empty_fixture_has_configured_vms_server(admin):
    """§6.7 empty: the configured VMS server (defaults of §5.2) with a v4 GUID."""
    admin.load("empty")
    d = admin.get_json("/vmrest/vmsservers")
    assert d["@total"] == "1"
    v = d["VmsServer"]
    assert isinstance(v, dict)
    assert GUID_V4.match(v["ObjectId"]), v
    assert v["VmsServerObjectId"] == v["ObjectId"]
    assert v["URI"] == "/vmrest/vmsservers/" + v["ObjectId"]
    assert v["IpAddress"] == "127.0.0.1"
    assert v["ClusterMemberId"] == "0"
    assert v["ServerState"] == "20"
    assert v["ServerDisplayState"] == "3"
    assert v["SubToPerformReplicationRole"] == "false"
    assert "." not in v["ServerName"] and v["ServerName"]
    assert v["HostName"].startswith(v["ServerName"])
    assert list(v) == ["URI", "ObjectId", "ServerName", "IpAddress", "VmsServerObjectId",
                       "ClusterMemberId", "ServerState", "HostName", "ServerDisplayState",
                       "SubToPerformReplicationRole"]
    assert admin.get_json("/vmrest/cluster") == d


def test_configured_vms_id_kept_across_reset_and_fixtures(admin):
    """§5.2: a configured server without vms.1.object_id keeps its random id for the life of
    the database, including across resets."""
    r = admin.post("/cupid/reset")
    assert r.status == 200, r
    oid = admin.get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"]
    admin.load("seed")
    assert admin.get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"] == VMS1
    admin.load("empty")
    assert admin.get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"] == oid
    assert admin.post("/cupid/reset").status == 200
    assert admin.get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"] == oid


def test_derived_fields(seed):
    ps = seed.get_json(f"/vmrest/phonesystems/{PS}")
    assert ps["PortCount"] == "2"
    counts = {g["ObjectId"]: g["PortCount"]
              for g in seed.get_json("/vmrest/portgroups")["PortGroup"]}
    assert counts == {PG_SIP: "2", PG_SCCP: "0", PG_ROHIT: "0", PG_PIMG: "0"}
    for g in seed.get_json("/vmrest/portgroups")["PortGroup"]:
        assert g["MediaSwitchDisplayName"] == "PhoneSystem"
        assert g["PhoneSystemURI"] == f"/vmrest/phonesystems/{PS}"
        assert "HostOrIPAddress" not in g
    for p in seed.get_json("/vmrest/ports")["Port"]:
        assert p["MediaSwitchDisplayName"] == "PhoneSystem"
        assert p["MediaPortGroupDisplayName"] == "PhoneSystem-1"
        assert p["PimgPortNumber"] == p["PortNumInGroup"]
        assert p["VmsServerName"] == "ucbu-aricent-vm413"
        assert "NumberOfPorts" not in p and "SkinnyDeviceName" not in p


def test_portgroups_sorted_by_display_name(seed):
    names = [g["DisplayName"] for g in seed.get_json("/vmrest/portgroups")["PortGroup"]]
    assert names == ["PhoneSystem-1", "PhoneSystem-PIMG", "PhoneSystem-Rohit", "PhoneSystem-SCCP"]


def test_templates_are_fixed_after_empty(admin):
    admin.load("empty")
    check(admin.get("/vmrest/portgrouptemplates", accept=JSON),
          json_coll("PortGroupTemplate", TEMPLATES), "json")


@pytest.mark.parametrize("path", [
    f"/vmrest/ports/{PORT1}?query=(((&pageNumber=x",
    f"/vmrest/ports/{PORT1}?rowsPerPage=abc&sort=bogus",
])
def test_paging_params_ignored_on_single_object(seed, path):
    """§3.1 / §3.5: parameters are ignored, even malformed, on single-object GETs."""
    check(seed.get(path, accept=JSON), SPEC_PORT1_JSON, "json")


@pytest.mark.parametrize("path,body", [
    ("/vmrest/version?rowsPerPage=abc&query=(((", SPEC_VERSION_JSON),
    (f"/vmrest/phonesystems/{PS}/phonesystemassociations?query=((", '{"@total":"0"}'),
])
def test_paging_params_ignored_on_version_and_sublists(seed, path, body):
    check(seed.get(path, accept=JSON), body, "json")


# --- §2.4 query examples: need §3 ------------------------------------------------------------

@pytest.mark.paging
@pytest.mark.parametrize("query,xml_body,json_body", [
    ("(CopyTelephonyIntegrationMethodEnum%20is%209)", SPEC_TPL_Q0_XML, SPEC_TPL_Q0_JSON),
    ("(CopyTelephonyIntegrationMethodEnum%20is%203)", SPEC_TPL_Q1_XML, SPEC_TPL_Q1_JSON),
    ("(TemplateDescriptionDefault%20startswith%20S)", SPEC_TPL_Q2_XML, SPEC_TPL_Q2_JSON),
])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_spec_2_4_template_queries(seed, query, xml_body, json_body, fmt):
    r = get(seed, "/vmrest/portgrouptemplates?query=" + query, fmt)
    check(r, xml_body if fmt == "xml" else json_body, fmt)
