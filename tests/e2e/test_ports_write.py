"""Port writes (SPEC §5.6.3-§5.6.8): the seed's requests exactly as printed, the 201 response,
the error table in XML and JSON, the licence, numbering, atomicity and concurrency."""

import concurrent.futures
import http.client
import json
import threading

import pytest

from cupidtest import (ADMIN, GUID_V4, JSON, PG_PIMG, PG_ROHIT, PG_SCCP, PG_SIP, PORT1, PORT2,
                       PS, SPEC_PORT1_JSON, VMS1, VMS_NAME, X, XML, assert_error, basic,
                       insecure_context, json_obj, port_fields, raw_request, start_server,
                       xml_doc)

# --- the seed's bodies, byte for byte as printed (seed document, "Adding ..." / "Modifying ...")

SEED_SCCP_AS_PRINTED = """<Port>
  <MediaPortGroupObjectId>3c011243-e3e2-42f7-b658-d9fbdc966f26</MediaPortGroupObjectId>
  <VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId>
  <HuntOrder>0</HuntOrder>
  <CapAnswer>>true</CapAnswer>
  <CapNotification>>true</CapNotification>
  <NumberOfPorts>10</NumberOfPorts>
  <CapEnabled>>true</CapEnabled>
  <CapTrapConnection>>true</CapTrapConnection>
  <VmsServerName>ucbu-aricent-vm413</VmsServerName>
</Port>"""

SEED_SCCP_FIXED = SEED_SCCP_AS_PRINTED.replace(">>true", ">true")

SEED_SIP_AS_PRINTED = """<Port>
  <MediaPortGroupObjectId>575f43be-f5d0-4af7-a689-06d968227ff7</MediaPortGroupObjectId>
  <VmsServerName>ucbu-aricent-vm413</VmsServerName>
  <HuntOrder>0</HuntOrder>
  <DisplayName>PhoneSystem-Rohit-001</DisplayName>
  <CapAnswer>true</CapAnswer>
  <CapNotification>true</CapNotification>
  <NumberOfPorts>4</NumberOfPorts>
  <CapEnabled>true</CapEnabled>
  <CapTrapConnection>true</CapTrapConnection>
</Port>"""

SEED_PIMG_AS_PRINTED = """<Port>
  <MediaPortGroupObjectId>2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3</MediaPortGroupObjectId>
  <HuntOrder>0</HuntOrder>
  <DisplayName>PhoneSystem-Rohit-002</DisplayName>
  <CapAnswer>true</CapAnswer>
  <CapNotification>true</CapNotification>
  <NumberOfPorts>2</NumberOfPorts>
  <CapEnabled>true</CapEnabled>
  <CapTrapConnection>true</CapTrapConnection>
</Port>"""

SEED_PIMG_WITH_SERVER = SEED_PIMG_AS_PRINTED.replace(
    "  <HuntOrder>0</HuntOrder>\n",
    "  <HuntOrder>0</HuntOrder>\n"
    "<VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId>\n")

SEED_PUT_AS_PRINTED = """<Port>
  <CapAnswer>true</CapAnswer>
  <CapNotification>true</CapNotification>
  <CapMWI>true</CapMWI>
  <CapTrapConnection>true</CapTrapConnection>
<HuntOrder>0</HuntOrder>
<SkinnySecurityModeEnum>0</SkinnySecurityModeEnum>
<CapEnabled>true</CapEnabled>
</Port>"""

COLLS = ("/vmrest/ports", "/vmrest/portgroups", "/vmrest/phonesystems")


def snapshot(cli):
    out = []
    for p in COLLS:
        r = cli.get(p, accept=JSON)
        assert r.status == 200, r
        out.append(r.body)
    return out


def ports_of(cli, group):
    """The ports of one group, from the unpaged listing, ordered by PortNumInGroup."""
    d = cli.get_json("/vmrest/ports")
    ps = d.get("Port", [])
    if isinstance(ps, dict):
        ps = [ps]
    return sorted((p for p in ps if p["MediaPortGroupObjectId"] == group),
                  key=lambda p: int(p["PortNumInGroup"]))


def total_ports(cli):
    return int(cli.get_json("/vmrest/ports")["@total"])


def check_201(r, host, scheme="https", kind="ports", length=50):
    """§2.7: 201, text/plain, body = relative URI (no newline), Location absolute."""
    assert r.status == 201, r
    assert r.headers["Content-Type"] == "text/plain"
    assert r.headers["Content-Length"] == str(length)
    body = r.body.decode()
    assert len(r.body) == length
    assert body.startswith(f"/vmrest/{kind}/")
    oid = body.rsplit("/", 1)[1]
    assert GUID_V4.match(oid), oid
    assert r.headers["Location"] == f"{scheme}://{host}{body}"
    for h in ("Date", "Cache-Control", "Pragma", "Expires", "X-Frame-Options", "X-Request-Id"):
        assert h in r.headers
    return oid


def check_204(r):
    assert r.status == 204, r
    assert r.body == b""
    assert "Content-Type" not in r.headers
    assert "Content-Length" not in r.headers
    for h in ("Date", "Cache-Control", "Pragma", "Expires", "X-Frame-Options", "X-Request-Id"):
        assert h in r.headers


@pytest.fixture
def host(server):
    return f"127.0.0.1:{server.https_port}"


def post_xml(cli, body, **kw):
    return cli.post("/vmrest/ports", body=body, ctype=XML, **kw)


def post_json(cli, body, **kw):
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return cli.post("/vmrest/ports", body=body, ctype=JSON, **kw)


# --- §5.6.8 the seed's requests ----------------------------------------------------------------

def test_seed_sccp_as_printed_rejected(seed):
    before = snapshot(seed)
    r = post_xml(seed, SEED_SCCP_AS_PRINTED)
    assert_error(r, 400, "INVALID_PARAMETER", "xml", field="CapAnswer")
    assert r.body.startswith((X + "<ErrorDetails><errors><code>INVALID_PARAMETER</code>"
                              "<message>").encode())
    assert snapshot(seed) == before
    r = post_xml(seed, SEED_SCCP_AS_PRINTED, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="CapAnswer")
    assert snapshot(seed) == before


def test_seed_sccp_fixed_creates_10(seed, host):
    r = post_xml(seed, SEED_SCCP_FIXED)
    oid = check_201(r, host)
    ports = ports_of(seed, PG_SCCP)
    assert [p["DisplayName"] for p in ports] == [f"PhoneSystem-SCCP-{i:03d}" for i in range(1, 11)]
    assert [p["SkinnyDeviceName"] for p in ports] == [f"CiscoUM1-VI{i}" for i in range(1, 11)]
    assert [p["PortNumInGroup"] for p in ports] == [str(i) for i in range(1, 11)]
    assert ports[0]["ObjectId"] == oid
    assert len({p["ObjectId"] for p in ports}) == 10
    for p in ports:
        assert GUID_V4.match(p["ObjectId"])
        assert p["VmsServerObjectId"] == VMS1 and p["VmsServerName"] == VMS_NAME
        assert p["CapMWI"] == "true" and p["CapAnswer"] == "true"
        assert p["TelephonyIntegrationMethodEnum"] == "1"
        assert p["MediaPortGroupDisplayName"] == "PhoneSystem-SCCP"
    # the full representation of the first port, both formats, in field-table order
    want = port_fields(oid, PG_SCCP, 1, 1, "PhoneSystem-SCCP-001", pg_name="PhoneSystem-SCCP")
    assert seed.get(f"/vmrest/ports/{oid}", accept=JSON).body == json_obj(want).encode()
    assert seed.get(f"/vmrest/ports/{oid}").body == xml_doc("Port", want).encode()
    assert total_ports(seed) == 12
    assert seed.get_json(f"/vmrest/portgroups/{PG_SCCP}")["PortCount"] == "10"
    assert seed.get_json(f"/vmrest/phonesystems/{PS}")["PortCount"] == "12"


def test_seed_sip_as_printed(seed, host):
    oid = check_201(post_xml(seed, SEED_SIP_AS_PRINTED), host)
    ports = ports_of(seed, PG_ROHIT)
    assert [p["DisplayName"] for p in ports] == [f"PhoneSystem-Rohit-{i:03d}" for i in range(1, 5)]
    assert ports[0]["ObjectId"] == oid
    for p in ports:
        assert p["VmsServerObjectId"] == VMS1
        assert p["VmsServerName"] == VMS_NAME
        assert "SkinnyDeviceName" not in p
    want = port_fields(oid, PG_ROHIT, 2, 1, "PhoneSystem-Rohit-001", pg_name="PhoneSystem-Rohit")
    assert seed.get(f"/vmrest/ports/{oid}", accept=JSON).body == json_obj(want).encode()


def test_seed_pimg_as_printed(seed, host):
    oid = check_201(post_xml(seed, SEED_PIMG_AS_PRINTED), host)
    ports = ports_of(seed, PG_PIMG)
    assert [p["DisplayName"] for p in ports] == ["PhoneSystem-PIMG-001", "PhoneSystem-PIMG-002"]
    assert ports[0]["ObjectId"] == oid
    for p in ports:
        for k in ("VmsServerObjectId", "VmsServerName", "SkinnyDeviceName"):
            assert k not in p
    want = port_fields(oid, PG_PIMG, 3, 1, "PhoneSystem-PIMG-001", pg_name="PhoneSystem-PIMG")
    assert seed.get(f"/vmrest/ports/{oid}").body == xml_doc("Port", want).encode()
    assert b"VmsServer" not in seed.get(f"/vmrest/ports/{oid}").body


def test_seed_pimg_with_server_rejected(seed):
    before = snapshot(seed)
    r = post_xml(seed, SEED_PIMG_WITH_SERVER)
    assert_error(r, 400, "INVALID_PARAMETER", "xml", field="VmsServerObjectId")
    assert snapshot(seed) == before


def test_seed_three_posts_total_18(seed):
    for body in (SEED_SCCP_FIXED, SEED_SIP_AS_PRINTED, SEED_PIMG_AS_PRINTED):
        assert post_xml(seed, body).status == 201
    d = seed.get_json("/vmrest/ports")
    assert d["@total"] == "18" and len(d["Port"]) == 18
    h = seed.get("/cupid/health", auth=None).json()
    assert h["portsUsed"] == 18


@pytest.mark.paging
def test_seed_three_posts_total_18_count_only(seed):
    for body in (SEED_SCCP_FIXED, SEED_SIP_AS_PRINTED, SEED_PIMG_AS_PRINTED):
        assert post_xml(seed, body).status == 201
    assert seed.get("/vmrest/ports?pageNumber=0", accept=JSON).body == b'{"@total":"18"}'


@pytest.mark.parametrize("target", ["sccp", "sip"])
def test_seed_put_as_printed(seed, target):
    if target == "sccp":
        oid = post_xml(seed, SEED_SCCP_FIXED).body.decode().rsplit("/", 1)[1]
    else:
        oid = PORT1
    # make the port differ first, so that the seed's PUT visibly changes it back
    check_204(seed.put(f"/vmrest/ports/{oid}", ctype=JSON,
                       body='{"CapAnswer":"false","CapNotification":"0","CapMWI":false,'
                            '"CapTrapConnection":"FALSE","HuntOrder":"9",'
                            '"SkinnySecurityModeEnum":"2","CapEnabled":"false"}'))
    p = seed.get_json(f"/vmrest/ports/{oid}")
    assert (p["CapAnswer"], p["CapNotification"], p["CapMWI"], p["CapTrapConnection"],
            p["HuntOrder"], p["SkinnySecurityModeEnum"], p["CapEnabled"]) == \
        ("false", "false", "false", "false", "9", "2", "false")
    check_204(seed.put(f"/vmrest/ports/{oid}", body=SEED_PUT_AS_PRINTED, ctype=XML))
    p = seed.get_json(f"/vmrest/ports/{oid}")
    assert (p["CapAnswer"], p["CapNotification"], p["CapMWI"], p["CapTrapConnection"],
            p["HuntOrder"], p["SkinnySecurityModeEnum"], p["CapEnabled"]) == \
        ("true", "true", "true", "true", "0", "0", "true")
    if target == "sip":
        assert seed.get(f"/vmrest/ports/{PORT1}", accept=JSON).body == SPEC_PORT1_JSON.encode()


def test_seed_delete(seed):
    check_204(seed.delete(f"/vmrest/ports/{PORT2}"))
    assert_error(seed.get(f"/vmrest/ports/{PORT2}"), 404, "NOT_FOUND")
    assert_error(seed.delete(f"/vmrest/ports/{PORT2}"), 404, "NOT_FOUND")
    d = seed.get_json("/vmrest/ports")
    assert d["@total"] == "1" and d["Port"]["ObjectId"] == PORT1
    assert seed.get_json(f"/vmrest/portgroups/{PG_SIP}")["PortCount"] == "1"
    assert seed.get_json(f"/vmrest/phonesystems/{PS}")["PortCount"] == "1"


# --- 201 details ---------------------------------------------------------------------------------

def test_201_location_uses_host_header(seed):
    r = post_xml(seed, SEED_PIMG_AS_PRINTED, headers={"Host": "cupi.example.net:8443"})
    check_201(r, "cupi.example.net:8443")


def test_201_plain_http_listener(server, seed):
    cli = server.client(scheme="http")
    r = post_xml(cli, SEED_PIMG_AS_PRINTED)
    check_201(r, f"127.0.0.1:{server.http_port}", scheme="http")


def test_201_is_text_whatever_accept(seed, host):
    for accept in (JSON, XML, "application/json, */*"):
        seed.load("seed")
        check_201(post_xml(seed, SEED_PIMG_AS_PRINTED, accept=accept), host)


def test_201_without_host_header(server, seed):
    with server.raw() as c:
        body = SEED_PIMG_AS_PRINTED.encode()
        c.send(b"POST /vmrest/ports HTTP/1.0\r\nAuthorization: " + basic(*ADMIN).encode()
               + b"\r\nContent-Type: application/xml\r\nContent-Length: "
               + str(len(body)).encode() + b"\r\n\r\n" + body)
        r = c.read_response()
    assert r.status == 201, r
    assert r.headers["Location"] == f"https://127.0.0.1:{server.https_port}" + r.body.decode()


def test_post_chunked_and_expect_continue(server, seed):
    body = SEED_PIMG_AS_PRINTED.encode()
    with server.raw() as c:
        c.send(raw_request("POST", "/vmrest/ports",
                           headers=[("Content-Type", XML), ("Transfer-Encoding", "chunked")])
               + b"%x\r\n" % 40 + body[:40] + b"\r\n" + b"%x\r\n" % (len(body) - 40)
               + body[40:] + b"\r\n0\r\n\r\n")
        r = c.read_response()
        assert r.status == 201, r
        c.send(raw_request("POST", "/vmrest/ports",
                           headers=[("Content-Type", XML), ("Expect", "100-continue"),
                                    ("Content-Length", str(len(body)))]))
        c.sock.settimeout(3)
        try:
            first = c.read_response()
        except (TimeoutError, OSError):
            first = None
        c.sock.settimeout(5)
        if first is not None:
            assert first.status == 100, first
        c.send(body)
        r = c.read_response()
        assert r.status == 201, r
    assert len(ports_of(seed, PG_PIMG)) == 4


# --- "More error examples" (§5.6.8), each request in XML and in JSON --------------------------

def xml_body(fields):
    return "<Port>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields.items()) + "</Port>"


BASE = {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": VMS1}

POST_ERRORS = [
    # (id, fields (JSON values), status, code, field the message must name)
    ("odd", {**BASE, "NumberOfPorts": 3}, "INVALID_PARAMETER", "NumberOfPorts"),
    ("zero", {**BASE, "NumberOfPorts": 0}, "INVALID_PARAMETER", "NumberOfPorts"),
    ("minus-two", {**BASE, "NumberOfPorts": "-2"}, "INVALID_PARAMETER", "NumberOfPorts"),
    ("two", {**BASE, "NumberOfPorts": "two"}, "INVALID_PARAMETER", "NumberOfPorts"),
    ("250", {**BASE, "NumberOfPorts": 250}, "LICENSE_EXCEEDED", None),
    ("no-server", {"MediaPortGroupObjectId": PG_ROHIT, "NumberOfPorts": 2}, "INVALID_PARAMETER",
     "VmsServerObjectId"),
    ("no-such-group", {"MediaPortGroupObjectId": "1edf504a-e9a1-4876-bcfc-bb674da8e385",
                       "VmsServerObjectId": VMS1, "NumberOfPorts": 2}, "INVALID_PARAMETER",
     "MediaPortGroupObjectId"),
    ("server-nope", {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": "nope",
                     "NumberOfPorts": 2}, "INVALID_PARAMETER", "VmsServerObjectId"),
    ("pimg-with-server", {"MediaPortGroupObjectId": PG_PIMG, "VmsServerObjectId": VMS1,
                          "NumberOfPorts": 2}, "INVALID_PARAMETER", "VmsServerObjectId"),
    ("no-group", {"VmsServerObjectId": VMS1, "NumberOfPorts": 2}, "INVALID_PARAMETER",
     "MediaPortGroupObjectId"),
    ("no-count", {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": VMS1},
     "INVALID_PARAMETER", "NumberOfPorts"),
    ("bad-server-name", {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerName": "nobody",
                         "NumberOfPorts": 2}, "INVALID_PARAMETER", "VmsServerName"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("name,fields,code,field", POST_ERRORS, ids=[e[0] for e in POST_ERRORS])
def test_post_error_table(seed, name, fields, code, field, fmt):
    before = snapshot(seed)
    if fmt == "xml":
        r = post_xml(seed, xml_body(fields))
    else:
        r = post_json(seed, fields, accept=JSON)
    assert_error(r, 400, code, fmt, field=field)
    assert snapshot(seed) == before


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_licence_exactly_at_limit(seed, fmt, host):
    fields = {**BASE, "NumberOfPorts": 248}
    r = post_xml(seed, xml_body(fields)) if fmt == "xml" else post_json(seed, fields)
    check_201(r, host)
    assert total_ports(seed) == 250
    assert len(ports_of(seed, PG_ROHIT)) == 248
    before = snapshot(seed)
    fields = {**BASE, "NumberOfPorts": 2}
    r = post_xml(seed, xml_body(fields)) if fmt == "xml" else post_json(seed, fields, accept=JSON)
    assert_error(r, 400, "LICENSE_EXCEEDED", fmt)
    assert snapshot(seed) == before
    # a delete frees capacity at once
    check_204(seed.delete(f"/vmrest/ports/{PORT1}"))
    check_204(seed.delete(f"/vmrest/ports/{PORT2}"))
    r = post_xml(seed, xml_body(fields)) if fmt == "xml" else post_json(seed, fields)
    check_201(r, host)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_put_capmwi_lenient(seed, fmt):
    if fmt == "json":
        r = seed.put(f"/vmrest/ports/{PORT1}", body='{"Port":{"CapMwi":0,"HuntOrder":"12"}}',
                     ctype=JSON)
    else:
        r = seed.put(f"/vmrest/ports/{PORT1}",
                     body="<Port><CapMwi>0</CapMwi><HuntOrder>12</HuntOrder></Port>", ctype=XML)
    check_204(r)
    p = seed.get_json(f"/vmrest/ports/{PORT1}")
    assert p["CapMWI"] == "false" and p["HuntOrder"] == "12"
    # nothing else changed
    want = json.loads(SPEC_PORT1_JSON)
    want.update(CapMWI="false", HuntOrder="12")
    assert p == want
    assert seed.get_json(f"/vmrest/ports/{PORT2}")["CapMWI"] == "true"


PUT_ERRORS = [
    ("huntorder-10000", "HuntOrder", "10000", 10000),
    ("security-3", "SkinnySecurityModeEnum", "3", 3),
    ("huntorder-minus", "HuntOrder", "-1", -1),
    ("cap-typo", "CapAnswer", "&gt;true", ">true"),
    ("cap-yes", "CapEnabled", "yes", "yes"),
    ("displayname-empty", "DisplayName", "", ""),
    ("displayname-65", "DisplayName", "x" * 65, "x" * 65),
    ("server-nope", "VmsServerObjectId", "nope", "nope"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("name,field,xml_value,json_value", PUT_ERRORS,
                         ids=[e[0] for e in PUT_ERRORS])
def test_put_error_table(seed, name, field, xml_value, json_value, fmt):
    before = snapshot(seed)
    if fmt == "xml":
        r = seed.put(f"/vmrest/ports/{PORT1}", body=f"<Port><{field}>{xml_value}</{field}></Port>",
                     ctype=XML)
    else:
        r = seed.put(f"/vmrest/ports/{PORT1}", body=json.dumps({field: json_value}), ctype=JSON,
                     accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", fmt, field=field)
    assert snapshot(seed) == before


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_put_group_is_create_only(seed, fmt):
    if fmt == "xml":
        body = f"<Port><MediaPortGroupObjectId>{PG_ROHIT}</MediaPortGroupObjectId></Port>"
    else:
        body = json.dumps({"MediaPortGroupObjectId": PG_ROHIT})
    check_204(seed.put(f"/vmrest/ports/{PORT1}", body=body, ctype=XML if fmt == "xml" else JSON))
    assert seed.get(f"/vmrest/ports/{PORT1}", accept=JSON).body == SPEC_PORT1_JSON.encode()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_put_unknown_port_404(seed, fmt):
    if fmt == "xml":
        r = seed.put("/vmrest/ports/blah", body="<Port><HuntOrder>1</HuntOrder></Port>", ctype=XML)
    else:
        r = seed.put("/vmrest/ports/blah", body='{"HuntOrder":1}', ctype=JSON, accept=JSON)
    assert_error(r, 404, "NOT_FOUND", fmt)


def test_put_unknown_port_404_before_body_syntax(seed):
    """§4.2: ObjectId in the path (10) before body syntax (12)."""
    assert_error(seed.put("/vmrest/ports/blah", body="<Port><HuntOrder>", ctype=XML), 404,
                 "NOT_FOUND")


def test_get_uppercase_id_404(seed):
    assert_error(seed.get("/vmrest/ports/EC664876-5879-4CFF-A022-4929B37BD575"), 404, "NOT_FOUND")


def test_put_collection_405(seed):
    r = seed.put("/vmrest/ports", body="<Port><HuntOrder>1</HuntOrder></Port>", ctype=XML)
    assert_error(r, 405, "METHOD_NOT_ALLOWED")
    assert r.headers["Allow"] == "GET, HEAD, POST"


def test_post_without_content_type_415(seed):
    before = snapshot(seed)
    r = seed.post("/vmrest/ports", body=json.dumps({**BASE, "NumberOfPorts": 2}))
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert snapshot(seed) == before


def test_put_empty_body_is_noop(seed):
    for body, ctype in (("", None), ("  \n", None), ("null", JSON), ("{}", JSON),
                        ("<Port/>", XML)):
        check_204(seed.put(f"/vmrest/ports/{PORT1}", body=body, ctype=ctype))
    assert seed.get(f"/vmrest/ports/{PORT1}", accept=JSON).body == SPEC_PORT1_JSON.encode()
    assert_error(seed.put("/vmrest/ports/blah", body=""), 404, "NOT_FOUND")


def test_post_empty_body_400(seed):
    before = snapshot(seed)
    for body, ctype in (("", None), ("null", JSON), ("{}", JSON), ("<Port/>", XML)):
        r = seed.post("/vmrest/ports", body=body, ctype=ctype)
        assert_error(r, 400, "INVALID_PARAMETER")
    assert snapshot(seed) == before


def test_delete_body_tolerated(seed):
    """§7: a client sends a {} body on DELETE."""
    check_204(seed.request("DELETE", f"/vmrest/ports/{PORT2}", body="{}", ctype=JSON))


def test_xml_request_json_response(seed, host):
    r = post_xml(seed, SEED_PIMG_AS_PRINTED, accept=JSON)
    check_201(r, host)
    r = seed.put(f"/vmrest/ports/{PORT1}", body="<Port><HuntOrder>x</HuntOrder></Port>",
                 ctype=XML, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HuntOrder")


def test_json_wrapper_and_number_forms(seed, host):
    """§2.6: {"Port":{...}} equals {...}; NumberOfPorts as a number or a string."""
    check_201(post_json(seed, {"Port": {**BASE, "NumberOfPorts": 2}}), host)
    check_201(post_json(seed, {**BASE, "NumberOfPorts": "2"}), host)
    check_201(post_json(seed, {"port": {**BASE, "numberofports": 2}}), host)
    assert [p["PortNumInGroup"] for p in ports_of(seed, PG_ROHIT)] == \
        ["1", "2", "3", "4", "5", "6"]


def test_post_supplied_values_and_ignored_fields(seed, host):
    body = {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": VMS1, "NumberOfPorts": 2,
            "HuntOrder": 7, "CapAnswer": "0", "CapDeliverAmis": True,
            "SkinnySecurityModeEnum": "1", "SkinnyDoMediaEncryption": "TRUE",
            "DisplayName": "ignored", "TelephonyIntegrationMethodEnum": "3",
            "PortNumInGroup": "99", "ObjectId": "my-own-id", "Unknown": {"deep": [1, 2]}}
    oid = check_201(post_json(seed, body), host)
    assert oid != "my-own-id"
    for p in ports_of(seed, PG_ROHIT):
        assert (p["HuntOrder"], p["CapAnswer"], p["CapDeliverAmis"], p["SkinnySecurityModeEnum"],
                p["SkinnyDoMediaEncryption"], p["TelephonyIntegrationMethodEnum"]) == \
            ("7", "false", "true", "1", "true", "2")
        assert p["DisplayName"].startswith("PhoneSystem-Rohit-")
    assert [p["PortNumInGroup"] for p in ports_of(seed, PG_ROHIT)] == ["1", "2"]


# --- numbering (§5.6.4) -----------------------------------------------------------------------

def test_numbering_after_deletes(seed, host):
    add = {"MediaPortGroupObjectId": PG_SIP, "VmsServerObjectId": VMS1, "NumberOfPorts": 2}

    def nums():
        return [int(p["PortNumInGroup"]) for p in ports_of(seed, PG_SIP)]

    def by_num(n):
        return next(p for p in ports_of(seed, PG_SIP) if p["PortNumInGroup"] == str(n))

    oid = check_201(post_json(seed, add), host)
    assert nums() == [1, 2, 3, 4]
    assert by_num(3)["ObjectId"] == oid
    assert by_num(4)["DisplayName"] == "PhoneSystem-1-004"
    # deleting the highest lets its number be used again
    check_204(seed.delete("/vmrest/ports/" + by_num(4)["ObjectId"]))
    oid = check_201(post_json(seed, add), host)
    assert nums() == [1, 2, 3, 4, 5]
    assert by_num(4)["ObjectId"] == oid and by_num(4)["DisplayName"] == "PhoneSystem-1-004"
    # gaps are not filled, others never renumbered
    check_204(seed.delete(f"/vmrest/ports/{PORT2}"))
    p3 = by_num(3)["ObjectId"]
    oid = check_201(post_json(seed, add), host)
    assert nums() == [1, 3, 4, 5, 6, 7]
    assert by_num(6)["ObjectId"] == oid
    assert by_num(1)["ObjectId"] == PORT1 and by_num(3)["ObjectId"] == p3
    # an odd number of ports may remain after deletes
    check_204(seed.delete("/vmrest/ports/" + by_num(7)["ObjectId"]))
    assert nums() == [1, 3, 4, 5, 6]
    # an emptied group starts again at 1
    for p in ports_of(seed, PG_SIP):
        check_204(seed.delete("/vmrest/ports/" + p["ObjectId"]))
    assert nums() == []
    oid = check_201(post_json(seed, add), host)
    assert nums() == [1, 2]
    assert by_num(1)["ObjectId"] == oid
    assert by_num(1)["DisplayName"] == "PhoneSystem-1-001"
    assert oid not in (PORT1, PORT2)  # ids are never reused


# --- settings: ports.allow_odd, license.voice_ports, public_url ---------------------------------

@pytest.fixture(scope="module")
def odd():
    s = start_server({"ports.allow_odd": "true", "license.voice_ports": "7",
                      "public_url": "https://cupi.example.net"})
    yield s
    s.cleanup()


def test_allow_odd(odd):
    cli = odd.client()
    cli.load("seed")
    r = post_json(cli, {**BASE, "NumberOfPorts": 3})
    assert r.status == 201, r
    assert r.headers["Location"] == "https://cupi.example.net" + r.body.decode()
    assert len(ports_of(cli, PG_ROHIT)) == 3
    r = post_json(cli, {**BASE, "NumberOfPorts": 1})
    assert r.status == 201, r
    assert total_ports(cli) == 6


def test_license_setting(odd):
    cli = odd.client()
    cli.load("seed")
    assert cli.get("/cupid/health", auth=None).json()["portsLicensed"] == 7
    assert post_json(cli, {**BASE, "NumberOfPorts": 4}).status == 201
    before = snapshot(cli)
    assert_error(post_json(cli, {**BASE, "NumberOfPorts": 2}), 400, "LICENSE_EXCEEDED")
    assert snapshot(cli) == before
    assert post_json(cli, {**BASE, "NumberOfPorts": 1}).status == 201
    assert_error(post_json(cli, {**BASE, "NumberOfPorts": 1}), 400, "LICENSE_EXCEEDED")
    assert total_ports(cli) == 7


def test_public_url_location(odd):
    cli = odd.client()
    cli.load("seed")
    r = post_xml(cli, SEED_PIMG_AS_PRINTED, headers={"Host": "other.example:1"})
    assert r.status == 201
    assert r.headers["Location"] == "https://cupi.example.net" + r.body.decode()


def test_still_even_rule_without_allow_odd(seed):
    assert_error(post_json(seed, {**BASE, "NumberOfPorts": 1}), 400, "INVALID_PARAMETER",
                 "xml", field="NumberOfPorts")


POST_ORDER = [
    # §5.6.3: formats, then group, then count, then VMS server, then licence
    ("format-before-group", {"MediaPortGroupObjectId": "1edf504a-e9a1-4876-bcfc-bb674da8e385",
                             "CapAnswer": ">true", "NumberOfPorts": 3}, "CapAnswer"),
    ("field-table-order", {"MediaPortGroupObjectId": PG_ROHIT, "HuntOrder": "x",
                           "NumberOfPorts": "y"}, "HuntOrder"),
    ("group-before-count", {"MediaPortGroupObjectId": "1edf504a-e9a1-4876-bcfc-bb674da8e385",
                            "NumberOfPorts": 3}, "MediaPortGroupObjectId"),
    ("count-before-server", {"MediaPortGroupObjectId": PG_ROHIT, "NumberOfPorts": 3},
     "NumberOfPorts"),
    ("server-before-licence", {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": "nope",
                               "NumberOfPorts": 250}, "VmsServerObjectId"),
]


@pytest.mark.parametrize("name,fields,field", POST_ORDER, ids=[o[0] for o in POST_ORDER])
def test_post_check_order(seed, name, fields, field):
    before = snapshot(seed)
    assert_error(post_json(seed, fields, accept=JSON), 400, "INVALID_PARAMETER", "json",
                 field=field)
    assert snapshot(seed) == before


def test_empty_server_id_falls_back_to_name(seed, host):
    """§2.6 / §5.6.3: an empty VmsServerObjectId is treated as absent; the name is used."""
    r = post_json(seed, {"MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": "",
                         "VmsServerName": "UCBU-ARICENT-VM413", "NumberOfPorts": 2})
    check_201(r, host)
    assert all(p["VmsServerObjectId"] == VMS1 for p in ports_of(seed, PG_ROHIT))


# --- concurrency (§4.3) -----------------------------------------------------------------------

def _concurrent_posts(port, n, body):
    barrier = threading.Barrier(n, timeout=20)

    def one(_):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=insecure_context(),
                                           timeout=30)
        try:
            conn.connect()
            barrier.wait()
            conn.request("POST", "/vmrest/ports", body=body,
                         headers={"Authorization": basic(*ADMIN), "Content-Type": JSON,
                                  "Accept": JSON})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as ex:
        return list(ex.map(one, range(n), timeout=60))


def test_concurrent_licence(server, seed):
    check_201(post_json(seed, {**BASE, "NumberOfPorts": 238}), f"127.0.0.1:{server.https_port}")
    assert total_ports(seed) == 240
    body = json.dumps({"MediaPortGroupObjectId": PG_SIP, "VmsServerObjectId": VMS1,
                       "NumberOfPorts": 2})
    results = _concurrent_posts(server.https_port, 32, body)
    ok = [b for s, b in results if s == 201]
    rejected = [json.loads(b)["errors"]["code"] for s, b in results if s == 400]
    assert len(ok) == 5, results
    assert len(rejected) == 27 and set(rejected) == {"LICENSE_EXCEEDED"}, results
    assert total_ports(seed) == 250
    nums = [int(p["PortNumInGroup"]) for p in ports_of(seed, PG_SIP)]
    assert len(nums) == len(set(nums)) == 12
    assert sorted(nums) == list(range(1, 13))
    firsts = {b.decode().rsplit("/", 1)[1] for b in ok}
    lows = {p["ObjectId"] for p in ports_of(seed, PG_SIP) if int(p["PortNumInGroup"]) % 2 == 1}
    assert firsts == lows - {PORT1}


def test_concurrent_numbering(server, seed):
    body = json.dumps({"MediaPortGroupObjectId": PG_SCCP, "VmsServerObjectId": VMS1,
                       "NumberOfPorts": 2})
    results = _concurrent_posts(server.https_port, 16, body)
    assert [s for s, _ in results] == [201] * 16, results
    ports = ports_of(seed, PG_SCCP)
    nums = [int(p["PortNumInGroup"]) for p in ports]
    assert sorted(nums) == list(range(1, 33))
    assert len({p["SkinnyDeviceName"] for p in ports}) == 32
    assert len({p["DisplayName"] for p in ports}) == 32
