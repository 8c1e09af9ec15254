"""SPEC §5.13: the whole integration that Cisco's .NET SDK tests, request for request (21 steps
and the failure tests after it), once with the XML bodies printed in the SPEC and once with their
JSON equivalents; responses requested as JSON. Every answer is checked, and the objects after
each write. It runs on the seed and on the empty fixture ("any fixture"), and at the end every
listing is byte-identical to what it was before step 1."""

import json

import pytest

from cupidtest import (CODEC_ALAW, CODEC_G729, CODEC_MULAW, CODECDEFS_SORTED, GUID_V4, JSON,
                       PG_SIP, PS, SEED_GROUPS, SPEC_CODECDEFS_JSON, SPEC_EMPTY_JSON,
                       SPEC_PGS_EMPTY_XML, SPEC_PGC_EMPTY_XML, SPEC_PSA_EMPTY_XML, TEMPLATES,
                       TPL_SIP, XML, assert_error, axl_path, json_coll, json_obj, pgc_path,
                       pgcodec_fields, pgs_path, pgserver_fields, phonesystem_fields,
                       port_fields, portgroup_fields, sip_path)

SDK_HDRS = ("Date", "Cache-Control", "Pragma", "Expires", "X-Frame-Options", "X-Request-Id")


def listings(cli):
    paths = ["/vmrest/phonesystems", "/vmrest/portgroups", "/vmrest/ports", "/vmrest/vmsservers",
             "/vmrest/rtpcodecdefs", sip_path(), axl_path(PS)]
    for g in SEED_GROUPS:
        paths += [pgs_path(g), pgc_path(g)]
    out = {}
    for p in paths:
        for acc in (XML, JSON):
            r = cli.get(p, accept=acc)
            assert r.status == 200, (p, r)
            out[(p, acc)] = r.body
    return out


def created(r, host, prefix, length):
    assert r.status == 201, r
    assert r.headers["Content-Type"] == "text/plain"
    assert len(r.body) == length, r.body
    body = r.body.decode()
    assert body.startswith(prefix + "/"), body
    oid = body[len(prefix) + 1:]
    assert GUID_V4.match(oid), oid
    assert r.headers["Location"] == f"https://{host}{body}"
    for h in SDK_HDRS:
        assert h in r.headers
    return oid


def no_content(r):
    assert r.status == 204, r
    assert r.body == b""
    assert "Content-Type" not in r.headers


def ok_json(r, want):
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON, r
    assert r.body == want.encode(), f"\n got {r.body[:600]!r}\nwant {want[:600]!r}"


# the SPEC's XML bodies (§5.13, §5.8.5, §5.9.5) and their JSON equivalents
def body_ps(fmt):
    if fmt == "xml":
        return "<PhoneSystem><DisplayName>UnitTest_1</DisplayName></PhoneSystem>", XML
    return json.dumps({"DisplayName": "UnitTest_1"}), JSON


def body_pg(fmt, ps):
    if fmt == "xml":
        return ("<PortGroup><DisplayName>UnitTest_2</DisplayName><MediaPortGroupTemplateObjectId>"
                "47e03eca-d077-466b-9c97-54e62938cf26</MediaPortGroupTemplateObjectId>"
                f"<MediaSwitchObjectId>{ps}</MediaSwitchObjectId><HostOrIPAddress>cuc1"
                "</HostOrIPAddress><TelephonyIntegrationMethodEnum>2"
                "</TelephonyIntegrationMethodEnum></PortGroup>"), XML
    return json.dumps({"DisplayName": "UnitTest_2", "MediaPortGroupTemplateObjectId": TPL_SIP,
                       "MediaSwitchObjectId": ps, "HostOrIPAddress": "cuc1",
                       "TelephonyIntegrationMethodEnum": 2}), JSON


def body_ports(fmt, pg, vms):
    if fmt == "xml":
        return (f"<Port><CapMwi>1</CapMwi><MediaPortGroupObjectId>{pg}</MediaPortGroupObjectId>"
                f"<NumberOfPorts>2</NumberOfPorts><VmsServerObjectId>{vms}</VmsServerObjectId>"
                "</Port>"), XML
    return json.dumps({"CapMwi": 1, "MediaPortGroupObjectId": pg, "NumberOfPorts": 2,
                       "VmsServerObjectId": vms}), JSON


def body_rename(fmt, root, name):
    if fmt == "xml":
        return f"<{root}><DisplayName>{name}</DisplayName></{root}>", XML
    return json.dumps({"DisplayName": name}), JSON


def body_capmwi(fmt):
    if fmt == "xml":
        return "<Port><CapMWI>1</CapMWI></Port>", XML
    return '{"CapMWI":"1"}', JSON


def body_codec(fmt, pg):
    if fmt == "xml":
        return (f"<PortGroupCodec><MediaPortGroupObjectId>{pg}</MediaPortGroupObjectId>"
                "<PreferredPacketSizeMs>20</PreferredPacketSizeMs><RtpCodecDefObjectId>"
                "568914d1-6ac1-42f9-94fb-8d6beddef6cb</RtpCodecDefObjectId><Preference>1"
                "</Preference></PortGroupCodec>"), XML
    return json.dumps({"MediaPortGroupObjectId": pg, "PreferredPacketSizeMs": 20,
                       "RtpCodecDefObjectId": CODEC_ALAW, "Preference": 1}), JSON


def body_tftp(fmt, pg):
    if fmt == "xml":
        return (f"<PortGroupServer><MediaPortGroupObjectId >{pg}</MediaPortGroupObjectId >"
                "<MediaRemoteServiceEnum >101</MediaRemoteServiceEnum ><HostOrIPAddress>cuc1"
                "</HostOrIPAddress></PortGroupServer>"), XML
    return json.dumps({"MediaPortGroupObjectId": pg, "MediaRemoteServiceEnum": 101,
                       "HostOrIPAddress": "cuc1"}), JSON


def body_port1234(fmt):
    if fmt == "xml":
        return "<PortGroupServer><Port>1234</Port></PortGroupServer>", XML
    return '{"Port":1234}', JSON


@pytest.fixture
def host(server):
    return f"127.0.0.1:{server.https_port}"


@pytest.mark.parametrize("fixture", ["seed", "empty"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_sdk_workflow(admin, host, fmt, fixture):
    cli = admin
    cli.load(fixture)
    before = listings(cli)
    first_ps = fixture == "empty"  # DefaultTRaPSwitch: true only when no other phone system

    def req(method, path, body=None):
        b, ct = body if body else (None, None)
        return cli.request(method, path, body=b, ctype=ct, accept=JSON)

    # 1
    ps = created(req("POST", "/vmrest/phonesystems", body_ps(fmt)), host, "/vmrest/phonesystems",
                 57)
    # 2
    ok_json(req("GET", f"/vmrest/phonesystems/{ps}"),
            json_obj(phonesystem_fields(ps, "UnitTest_1", 0, default_trap=first_ps)))
    # 3
    r = req("GET", "/vmrest/portgrouptemplates")
    ok_json(r, json_coll("PortGroupTemplate", TEMPLATES))
    sip_tpl = [t for t in r.json()["PortGroupTemplate"] if t["TemplateDescriptionDefault"] == "SIP"]
    assert sip_tpl[0]["ObjectId"] == TPL_SIP
    # 4
    pg = created(req("POST", "/vmrest/portgroups", body_pg(fmt, ps)), host, "/vmrest/portgroups",
                 55)
    r = req("GET", pgs_path(pg))
    assert r.status == 200, r
    srv = r.json()["PortGroupServer"]
    assert isinstance(srv, dict), srv  # exactly one server: an object (§2.4)
    first = srv["ObjectId"]
    want_first = pgserver_fields(first, pg, 102, "cuc1", port=5060, tls=5061, prec=0)
    ok_json(r, json_coll("PortGroupServer", [want_first]))
    r = req("GET", pgc_path(pg))
    assert r.status == 200, r
    cods = r.json()["PortGroupCodec"]
    assert isinstance(cods, list) and len(cods) == 2, cods
    c1, c2 = cods[0]["ObjectId"], cods[1]["ObjectId"]
    ok_json(r, json_coll("PortGroupCodec", [pgcodec_fields(c1, pg, CODEC_MULAW, 20, 0),
                                            pgcodec_fields(c2, pg, CODEC_G729, 20, 1)]))
    # 5
    ok_json(req("GET", f"/vmrest/portgroups/{pg}"),
            json_obj(portgroup_fields(pg, 2, "UnitTest_2", 0, ms_id=ps, ms_name="UnitTest_1")))
    # 6
    vms = cli.get_json("/vmrest/vmsservers")["VmsServer"]
    vms = vms[0] if isinstance(vms, list) else vms
    vid, vname = vms["ObjectId"], vms["ServerName"]
    p1 = created(req("POST", "/vmrest/ports", body_ports(fmt, pg, vid)), host, "/vmrest/ports",
                 50)
    # 7
    r = req("GET", f"/vmrest/ports?query=(MediaPortGroupObjectId%20is%20{pg})"
                   "&rowsPerPage=100&pageNumber=1")
    assert r.status == 200, r
    plist = r.json()["Port"]
    assert isinstance(plist, list) and len(plist) == 2
    assert plist[0]["ObjectId"] == p1
    p2 = plist[1]["ObjectId"]
    kw = dict(vms=vid, vms_name=vname, ms_name="UnitTest_1", ms_id=ps, pg_name="UnitTest_2")
    ok_json(r, json_coll("Port", [port_fields(p1, pg, 2, 1, "UnitTest_2-001", **kw),
                                  port_fields(p2, pg, 2, 2, "UnitTest_2-002", **kw)]))
    # 8
    no_content(req("PUT", f"/vmrest/phonesystems/{ps}", body_rename(fmt, "PhoneSystem",
                                                                   "UnitTest_3")))
    no_content(req("PUT", f"/vmrest/portgroups/{pg}", body_rename(fmt, "PortGroup",
                                                                 "UnitTest_4")))
    no_content(req("PUT", f"/vmrest/ports/{p1}", body_capmwi(fmt)))
    kw.update(ms_name="UnitTest_3", pg_name="UnitTest_4")
    ok_json(req("GET", f"/vmrest/ports/{p1}"),
            json_obj(port_fields(p1, pg, 2, 1, "UnitTest_2-001", **kw)))
    ok_json(req("GET", f"/vmrest/portgroups/{pg}"),
            json_obj(portgroup_fields(pg, 2, "UnitTest_4", 2, ms_id=ps, ms_name="UnitTest_3")))
    ok_json(req("GET", f"/vmrest/phonesystems/{ps}"),
            json_obj(phonesystem_fields(ps, "UnitTest_3", 2, default_trap=first_ps)))
    # 9
    ok_json(req("GET", pgc_path(pg)),
            json_coll("PortGroupCodec", [pgcodec_fields(c1, pg, CODEC_MULAW, 20, 0),
                                         pgcodec_fields(c2, pg, CODEC_G729, 20, 1)]))
    # 10
    no_content(req("DELETE", pgc_path(pg, c1)))
    no_content(req("DELETE", pgc_path(pg, c2)))
    ok_json(req("GET", pgc_path(pg)), SPEC_EMPTY_JSON)
    # 11
    r = req("GET", "/vmrest/rtpcodecdefs")
    ok_json(r, SPEC_CODECDEFS_JSON)
    assert r.json()["RtpCodecDef"][0]["DisplayName"] == "G.711 a-law"
    assert r.json()["RtpCodecDef"][0]["ObjectId"] == CODECDEFS_SORTED[0] == CODEC_ALAW
    # 12
    c = created(req("POST", pgc_path(pg), body_codec(fmt, pg)), host, pgc_path(pg), 108)
    # 13
    ok_json(req("GET", pgc_path(pg, c)), json_obj(pgcodec_fields(c, pg, CODEC_ALAW, 20, 1)))
    # 14
    r = req("GET", pgs_path(pg) + "?pageNumber=1&rowsPerPage=20")
    ok_json(r, json_coll("PortGroupServer", [want_first]))
    assert r.json()["@total"] == "1"
    # 15
    s = created(req("POST", pgs_path(pg), body_tftp(fmt, pg)), host, pgs_path(pg), 109)
    # 16
    ok_json(req("GET", pgs_path(pg, s)),
            json_obj(pgserver_fields(s, pg, 101, "cuc1", port=69, tls=None, prec=0)))
    # 17
    no_content(req("PUT", pgs_path(pg, s), body_port1234(fmt)))
    ok_json(req("GET", pgs_path(pg, s)),
            json_obj(pgserver_fields(s, pg, 101, "cuc1", port=1234, tls=None, prec=0)))
    # 18
    no_content(req("DELETE", pgs_path(pg, s)))
    assert_error(req("GET", pgs_path(pg, s)), 404, "NOT_FOUND", "json")
    ok_json(req("GET", pgs_path(pg)), json_coll("PortGroupServer", [want_first]))
    # 19
    no_content(req("DELETE", f"/vmrest/ports/{p1}"))
    no_content(req("DELETE", f"/vmrest/ports/{p2}"))
    ok_json(req("GET", f"/vmrest/ports?query=(MediaPortGroupObjectId%20is%20{pg})"),
            SPEC_EMPTY_JSON)
    # 20
    no_content(req("DELETE", f"/vmrest/portgroups/{pg}"))
    ok_json(req("GET", pgs_path(pg)), SPEC_EMPTY_JSON)
    ok_json(req("GET", pgc_path(pg)), SPEC_EMPTY_JSON)
    assert cli.get(pgs_path(pg)).body == SPEC_PGS_EMPTY_XML.encode()
    assert cli.get(pgc_path(pg)).body == SPEC_PGC_EMPTY_XML.encode()
    assert_error(req("GET", pgs_path(pg, first)), 404, "NOT_FOUND", "json")
    assert_error(req("GET", pgc_path(pg, c)), 404, "NOT_FOUND", "json")
    assert_error(req("GET", f"/vmrest/portgroups/{pg}"), 404, "NOT_FOUND", "json")
    # 21
    no_content(req("DELETE", f"/vmrest/phonesystems/{ps}"))
    assert_error(req("GET", f"/vmrest/phonesystems/{ps}"), 404, "NOT_FOUND", "json")
    ok_json(req("GET", axl_path(ps)), SPEC_EMPTY_JSON)

    # the SDK's failure tests
    ok_json(req("GET", "/vmrest/portgroups/bogus/portgroupservers"), SPEC_EMPTY_JSON)
    r = req("POST", "/vmrest/portgroups/invalidObjectId/portgroupservers", body_tftp(fmt, pg))
    assert_error(r, 404, "NOT_FOUND", "json")
    for method in ("GET", "PUT", "DELETE"):
        body = body_port1234(fmt) if method == "PUT" else None
        r = req(method, "/vmrest/portgroups/bogus/portgroupservers/bogus", body)
        assert_error(r, 404, "NOT_FOUND", "json")
    assert_error(req("GET", "/vmrest/rtpcodecdefs/bogus"), 404, "NOT_FOUND", "json")
    ok_json(req("GET", "/vmrest/phonesystems/objectid/phonesystemassociations"), SPEC_EMPTY_JSON)
    assert cli.get("/vmrest/phonesystems/objectid/phonesystemassociations").body == \
        SPEC_PSA_EMPTY_XML.encode()

    # nothing of the workflow is left
    assert listings(cli) == before
    cli.load("seed")


def test_sdk_workflow_group_lists_survive_parent_rename(admin, host):
    """§5.7.1: renaming the parent never changes a child; the child URIs stay valid."""
    admin.load("seed")
    before = (admin.get(pgs_path(PG_SIP)).body, admin.get(pgc_path(PG_SIP)).body,
              admin.get(axl_path(PS)).body)
    assert admin.put(f"/vmrest/portgroups/{PG_SIP}", body='{"DisplayName":"Renamed"}',
                     ctype=JSON).status == 204
    assert admin.put(f"/vmrest/phonesystems/{PS}", body='{"DisplayName":"RenamedPS"}',
                     ctype=JSON).status == 204
    after = (admin.get(pgs_path(PG_SIP)).body, admin.get(pgc_path(PG_SIP)).body,
             admin.get(axl_path(PS)).body)
    assert after == before
    r = admin.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_MULAW}),
                   ctype=JSON, accept=JSON)
    assert_error(r, 400, "DUPLICATE_NAME", "json")
    admin.load("seed")
