"""GET /cupid/openapi.json (SPEC §2.2, §6.1): an OpenAPI 3.1 description of every route, built
by the server from its route table and field tables. The tests hold it against the route table
in src/api/router.c and against what the live server writes and accepts."""

import json
import os
import re

import pytest

from cupidtest import JSON, READER, XML

ROUTER_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "api",
                        "router.c")

# One object of every kind, every optional field set somewhere: an SCCP port (SkinnyDeviceName)
# on a VMS server with IpAddressV6, a PIMG/TIMG port (no VMS server); port group servers with an
# IPv4 address only, an IPv6 address only, both, and a TFTP server (no TlsPort); codecs, AXL
# servers and SIP security profiles.
FIXTURE = {
    "vmsservers": [
        {"ObjectId": "vms-a", "ServerName": "cuc-a", "IpAddress": "192.0.2.1",
         "HostName": "cuc-a.example.net", "IpAddressV6": "2001:db8::1"},
        {"ObjectId": "vms-b", "ServerName": "cuc-b", "IpAddress": "192.0.2.2"}],
    "sipsecurityprofiles": [
        {"ObjectId": "sp-5060", "Port": 5060, "DoTLS": False},
        {"ObjectId": "sp-5061", "Port": 5061, "DoTLS": True}],
    "phonesystems": [{"ObjectId": "ps-1", "DisplayName": "PS", "DefaultTRaPSwitch": "true"}],
    "axlservers": [
        {"ObjectId": "ax-1", "MediaSwitchObjectId": "ps-1", "HostOrIPAddress": "192.0.2.31",
         "Port": 8443, "CcmAXLUser": "axladmin", "CcmAXLPassword": "s3cret",
         "IsPinSyncEnabled": True, "SkinnyStateMachineEnum": 20, "CcmVersion": 7},
        {"ObjectId": "ax-2", "MediaSwitchObjectId": "ps-1", "HostOrIPAddress": "cucm-b"}],
    "portgroups": [
        {"ObjectId": "pg-sccp", "MediaSwitchObjectId": "ps-1", "TelephonyIntegrationMethodEnum": 1,
         "DisplayName": "G-SCCP"},
        {"ObjectId": "pg-sip", "MediaSwitchObjectId": "ps-1", "TelephonyIntegrationMethodEnum": 2,
         "DisplayName": "G-SIP"},
        {"ObjectId": "pg-pimg", "MediaSwitchObjectId": "ps-1",
         "TelephonyIntegrationMethodEnum": 3, "DisplayName": "G-PIMG",
         "HostOrIPAddress": "10.0.0.9"}],
    "portgroupservers": [
        {"ObjectId": "gs-ccm", "MediaPortGroupObjectId": "pg-sccp", "MediaRemoteServiceEnum": 100,
         "HostOrIPAddress": "192.0.2.21", "HostOrIPAddressV6": "2001:db8::21",
         "SkinnyStateMachineEnum": 20},
        {"ObjectId": "gs-tftp", "MediaPortGroupObjectId": "pg-sccp",
         "MediaRemoteServiceEnum": 101, "HostOrIPAddress": "192.0.2.21"},
        {"ObjectId": "gs-sip", "MediaPortGroupObjectId": "pg-sip", "MediaRemoteServiceEnum": 102,
         "HostOrIPAddressV6": "2001:db8::22", "Precedence": 3}],
    "portgroupcodecs": [
        {"ObjectId": "gc-mu", "MediaPortGroupObjectId": "pg-sip",
         "RtpCodecDefObjectId": "0a588d98-bcd0-43f7-beed-4066b1b8bd89",
         "PreferredPacketSizeMs": 20, "Preference": 0},
        {"ObjectId": "gc-729", "MediaPortGroupObjectId": "pg-sip",
         "RtpCodecDefObjectId": "07f16d07-3057-47e8-9029-9abee97dfffe",
         "PreferredPacketSizeMs": 30, "Preference": 1}],
    "ports": [
        {"ObjectId": "p-sccp", "MediaPortGroupObjectId": "pg-sccp", "VmsServerObjectId": "vms-a"},
        {"ObjectId": "p-sip", "MediaPortGroupObjectId": "pg-sip", "VmsServerObjectId": "vms-b"},
        {"ObjectId": "p-pimg", "MediaPortGroupObjectId": "pg-pimg"}],
}

CODEC_MU = "0a588d98-bcd0-43f7-beed-4066b1b8bd89"
CODEC_722 = "40ee229d-e585-4b01-87af-e01283c34dd4"

# document path of a listing -> (live path, element, document path of one object, live path of
# one object)
LISTINGS = {
    "/vmrest/vmsservers": ("/vmrest/vmsservers", "VmsServer", "/vmrest/vmsservers/{ObjectId}",
                           "/vmrest/vmsservers/vms-a"),
    "/vmrest/cluster": ("/vmrest/cluster", "VmsServer", "/vmrest/vmsservers/{ObjectId}",
                        "/vmrest/vmsservers/vms-b"),
    "/vmrest/portgrouptemplates": (
        "/vmrest/portgrouptemplates", "PortGroupTemplate", "/vmrest/portgrouptemplates/{ObjectId}",
        "/vmrest/portgrouptemplates/47e03eca-d077-466b-9c97-54e62938cf26"),
    "/vmrest/phonesystems": ("/vmrest/phonesystems", "PhoneSystem",
                             "/vmrest/phonesystems/{ObjectId}", "/vmrest/phonesystems/ps-1"),
    "/vmrest/portgroups": ("/vmrest/portgroups", "PortGroup", "/vmrest/portgroups/{ObjectId}",
                           "/vmrest/portgroups/pg-sccp"),
    "/vmrest/ports": ("/vmrest/ports", "Port", "/vmrest/ports/{ObjectId}", "/vmrest/ports/p-sccp"),
    "/vmrest/rtpcodecdefs": ("/vmrest/rtpcodecdefs", "RtpCodecDef",
                             "/vmrest/rtpcodecdefs/{ObjectId}",
                             "/vmrest/rtpcodecdefs/" + CODEC_MU),
    "/vmrest/sipsecurityprofiles": ("/vmrest/sipsecurityprofiles", "SipSecurityProfile",
                                    "/vmrest/sipsecurityprofiles/{ObjectId}",
                                    "/vmrest/sipsecurityprofiles/sp-5061"),
    "/vmrest/phonesystems/{ObjectId}/axlservers": (
        "/vmrest/phonesystems/ps-1/axlservers", "AXLServer",
        "/vmrest/phonesystems/{ObjectId}/axlservers/{axlServerId}",
        "/vmrest/phonesystems/ps-1/axlservers/ax-1"),
    "/vmrest/portgroups/{ObjectId}/portgroupservers": (
        "/vmrest/portgroups/pg-sccp/portgroupservers", "PortGroupServer",
        "/vmrest/portgroups/{ObjectId}/portgroupservers/{serverId}",
        "/vmrest/portgroups/pg-sccp/portgroupservers/gs-ccm"),
    "/vmrest/portgroups/{ObjectId}/portgroupcodecs": (
        "/vmrest/portgroups/pg-sip/portgroupcodecs", "PortGroupCodec",
        "/vmrest/portgroups/{ObjectId}/portgroupcodecs/{codecId}",
        "/vmrest/portgroups/pg-sip/portgroupcodecs/gc-mu"),
}
# Sub-collections whose objects of one parent do not show every field: more parents to list.
MORE_PARENTS = {
    "/vmrest/portgroups/{ObjectId}/portgroupservers": [
        "/vmrest/portgroups/pg-sip/portgroupservers",
        "/vmrest/portgroups/pg-pimg/portgroupservers"],
}

# the sub-collection patterns of router.c (SPEC §5.7.1): GET of an unknown parent is 200 empty
SUBLISTS = ["/vmrest/phonesystems/{id}/axlservers",
            "/vmrest/phonesystems/{id}/phonesystemassociations",
            "/vmrest/portgroups/{id}/portgroupservers",
            "/vmrest/portgroups/{id}/portgroupcodecs"]


def router_routes():
    """(pattern, flags, get, post, put, del) for every entry of router_routes[]."""
    with open(ROUTER_C, encoding="utf-8") as f:
        src = f.read()
    table = src[src.index("router_routes[] = {"):]
    table = table[:table.index("\n};")]
    out = []
    for m in re.finditer(r'\{\s*"(/[^"]*)",\s*([^,]+),\s*([^,]+),\s*([^}]*)\}', table):
        hs = [h.strip() for h in m.group(4).split(",") if h.strip()]
        hs += ["NULL"] * (4 - len(hs))
        out.append((m.group(1), m.group(2).strip(), *hs))
    assert len(out) >= 20, out
    return out


def norm(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def resolve(doc, schema):
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/components/schemas/"), ref
        schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


@pytest.fixture(scope="module")
def live(request):
    """A server loaded with FIXTURE, and the document it serves."""
    from cupidtest import ServerFactory
    f = ServerFactory()
    request.addfinalizer(f.cleanup)
    srv = f.start(fixture="empty")
    cli = srv.client()
    r = cli.post("/cupid/fixtures", json.dumps(FIXTURE), ctype=JSON)
    assert r.status == 200, r
    doc = srv.client(None).get("/cupid/openapi.json")
    assert doc.status == 200, doc
    return srv, cli, doc.json()


def test_served_without_credentials(anon, admin):
    r = anon.get("/cupid/openapi.json")
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON
    doc = json.loads(r.body)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["version"] == admin.get_json("/cupid/health")["version"]
    h = anon.head("/cupid/openapi.json")
    assert h.status == 200 and h.body == b""
    assert int(h.headers["Content-Length"]) == len(r.body)
    # the same bytes every time, whoever asks
    assert admin.get("/cupid/openapi.json").body == r.body
    p = admin.post("/cupid/openapi.json", "{}", ctype=JSON)
    assert p.status == 405 and p.headers["Allow"] == "GET, HEAD", p


def doc_path(doc, pattern):
    """The document's path for a route pattern (placeholder names may differ)."""
    found = [p for p in doc["paths"] if norm(p) == norm(pattern)]
    assert len(found) == 1, (pattern, found)
    return found[0]


def test_every_route_and_method(live):
    _, _, doc = live
    routes = router_routes()
    assert sorted(norm(p) for p in doc["paths"]) == sorted(norm(r[0]) for r in routes)
    assert any(r[0] == "/cupid/openapi.json" for r in routes)
    for sub in SUBLISTS + ["/vmrest/portgroups/{id}/portgroupservers/{serverId}",
                           "/vmrest/portgroups/{id}/portgroupcodecs/{codecId}",
                           "/vmrest/phonesystems/{id}/axlservers/{axlServerId}",
                           "/vmrest/rtpcodecdefs", "/vmrest/rtpcodecdefs/{id}",
                           "/vmrest/sipsecurityprofiles", "/vmrest/sipsecurityprofiles/{id}"]:
        assert sub in [r[0] for r in routes], sub
    by = {norm(p): item for p, item in doc["paths"].items()}
    op_ids = []
    for pattern, flags, get, post, put, dele in routes:
        item = by[norm(pattern)]
        vmrest = pattern.startswith("/vmrest/")
        readonly = vmrest and "R_READONLY" in flags
        want = set()
        if get != "NULL":
            want |= {"get", "head"}
        if post != "NULL" or readonly:
            want.add("post")
        if put != "NULL" or readonly:
            want.add("put")
        if dele != "NULL" or readonly:
            want.add("delete")
        assert set(item) == want, (pattern, sorted(item))
        path = doc_path(doc, pattern)
        ids = re.findall(r"\{([^}]*)\}", path)
        # the route's placeholders, in order; the first is named ObjectId, the others as in
        # router.c
        assert len(ids) == len(re.findall(r"\{[^}]*\}", pattern)) == len(set(ids)), path
        assert ids == [("ObjectId" if vmrest else "name") if i == 0 else n
                       for i, n in enumerate(re.findall(r"\{([^}]*)\}", pattern))], path
        sublist = pattern in SUBLISTS
        for method, op in item.items():
            op_ids.append(op["operationId"])
            handler = {"get": get, "head": get, "post": post, "put": put, "delete": dele}[method]
            refused = handler == "NULL"
            params = [(p["name"], p["in"]) for p in op.get("parameters", [])]
            assert [n for n, where in params if where == "path"] == ids, (pattern, method)
            assert all(p["required"] for p in op.get("parameters", []) if p["in"] == "path")
            paged = {("rowsPerPage", "query"), ("pageNumber", "query"), ("query", "query"),
                     ("sort", "query")}
            if get == "coll_get" and method in ("get", "head"):
                assert paged <= set(params), pattern
            else:
                assert not paged & set(params), (pattern, method)
            noauth = "R_NOAUTH" in flags and method in ("get", "head")
            if noauth:
                assert op["security"] == [], (pattern, method)
                assert "401" not in op["responses"] and "429" not in op["responses"]
            else:
                assert op.get("security", doc["security"]) == [{"basicAuth": []}]
                assert "401" in op["responses"], (pattern, method)
                # the failed-login throttle, with the header that says how long
                assert "Retry-After" in op["responses"]["429"]["headers"], (pattern, method)
            codes = set(op["responses"])
            if vmrest:
                assert "500" in codes
            if refused:
                # POST, PUT and DELETE of a read-only resource: 403 at routing, whoever asks
                assert readonly, (pattern, method)
                assert "403" in codes and not {c for c in codes if c < "400"}, (pattern, method)
                assert codes <= {"401", "403", "413", "429", "500", "503"}, (pattern, method,
                                                                             codes)
                assert "read-only" in op["responses"]["403"]["description"]
                assert "requestBody" not in op
                continue
            if vmrest:
                assert "406" in codes
            if method == "get" and vmrest:
                assert "200" in codes
                c = op["responses"]["200"]["content"]
                assert set(c) == {JSON, XML}
            if method == "head":
                assert all("content" not in v for v in op["responses"].values())
            if method in ("get", "head") and sublist:
                # an unknown parent answers 200 with an empty collection (SPEC §5.7.1)
                assert "404" not in codes, (pattern, method)
                assert "empty" in op["description"]
            elif ids:
                assert "404" in codes, (pattern, method)
            if method == "post" and vmrest:
                assert {"201", "400", "403", "413", "415"} <= codes
                assert "text/plain" in op["responses"]["201"]["content"]
                assert "Location" in op["responses"]["201"]["headers"]
                assert "readonly" in op["responses"]["403"]["description"]
            if method in ("put", "delete") and vmrest:
                assert {"204", "403", "404"} <= codes
                assert "readonly" in op["responses"]["403"]["description"]
            if "R_ADMIN" in flags:
                assert "403" in codes
    assert len(op_ids) == len(set(op_ids)), sorted(op_ids)
    assert doc["components"]["securitySchemes"]["basicAuth"] == {"type": "http",
                                                                 "scheme": "basic"}


def test_readonly_writes_answer_403(live):
    """The refused writes the document lists answer 403 for every user; the writes it lists for
    writable resources answer 403 to a readonly user (PUT of a codec included)."""
    srv, cli, doc = live
    ro = srv.client(READER)
    for path in ("/vmrest/rtpcodecdefs", "/vmrest/rtpcodecdefs/" + CODEC_MU):
        item = doc["paths"][path.replace(CODEC_MU, "{ObjectId}")]
        for method in ("post", "put", "delete"):
            assert "403" in item[method]["responses"]
            r = cli.request(method.upper(), path, "{}", ctype=JSON)
            assert r.status == 403, (method, path, r)
    assert cli.get_json("/vmrest/rtpcodecdefs")["@total"] == "5"
    put = doc["paths"]["/vmrest/portgroups/{ObjectId}/portgroupcodecs/{codecId}"]["put"]
    assert "403" in put["responses"] and "204" in put["responses"]
    r = ro.put("/vmrest/portgroups/pg-sip/portgroupcodecs/gc-mu", '{"Preference":7}', ctype=JSON)
    assert r.status == 403, r
    assert cli.get_json("/vmrest/portgroups/pg-sip/portgroupcodecs/gc-mu")["Preference"] == "0"


def test_sublist_of_unknown_parent(live):
    """GET of a sub-collection below a parent that does not exist: 200 empty, as documented;
    POST there and the objects below it: 404."""
    srv, cli, doc = live
    for pattern in SUBLISTS:
        item = doc["paths"][doc_path(doc, pattern)]
        path = pattern.replace("{id}", "nope")
        assert "404" not in item["get"]["responses"]
        assert cli.get_json(path) == {"@total": "0"}, path
        if "201" not in item.get("post", {}).get("responses", {}):  # read-only: 403
            assert cli.post(path, "{}", ctype=JSON).status == 403
            continue
        if "post" in item:
            assert "404" in item["post"]["responses"]
            r = cli.post(path, '{"HostOrIPAddress":"x","RtpCodecDefObjectId":"%s"}' % CODEC_MU,
                         ctype=JSON)
            assert r.status == 404, (path, r)
            child = doc["paths"][doc_path(doc, pattern + "/{x}")]
            assert "404" in child["get"]["responses"]
            assert cli.get(path + "/nope", accept=JSON).status == 404


def test_error_details_schema(live):
    srv, cli, doc = live
    s = resolve(doc, doc["paths"]["/vmrest/ports/{ObjectId}"]["get"]["responses"]["404"]
                ["content"][JSON]["schema"])
    codes = s["properties"]["errors"]["properties"]["code"]["enum"]
    for code in ("INVALID_PARAMETER", "LICENSE_EXCEEDED", "DUPLICATE_NAME",
                 "AUTHENTICATION_FAILED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED",
                 "NOT_ACCEPTABLE", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE",
                 "INTERNAL_ERROR", "SERVER_BUSY"):
        assert code in codes
    r = cli.get("/vmrest/ports/nope", accept=JSON)
    assert r.status == 404
    body = r.json()
    assert list(body) == list(s["required"]) == ["errors"]
    assert set(body["errors"]) == set(s["properties"]["errors"]["properties"])


def check_value(name, value, schema):
    assert isinstance(value, str), (name, value)
    if "enum" in schema:
        assert value in schema["enum"], (name, value)
    if "const" in schema:
        assert value == schema["const"], (name, value)
    if "pattern" in schema:
        assert re.search(schema["pattern"], value), (name, value, schema["pattern"])
    if "maxLength" in schema:
        assert schema.get("minLength", 0) <= len(value) <= schema["maxLength"], (name, value)


def check_objects(elem, objs, schema):
    """The keys the server writes are exactly the schema's properties, in its order."""
    props = list(schema["properties"])
    seen = set()
    for o in objs:
        keys = list(o)
        assert keys == [p for p in props if p in o], (elem, keys)
        for k, v in o.items():
            check_value(f"{elem}.{k}", v, schema["properties"][k])
        for req in schema.get("required", []):
            assert req in o, (elem, req)
        seen |= set(keys)
    assert seen == set(props), (elem, sorted(set(props) - seen), sorted(seen - set(props)))


def test_response_schemas_match_live_bodies(live):
    srv, cli, doc = live
    for dpath, (path, elem, dsingle, single) in LISTINGS.items():
        op = doc["paths"][dpath]["get"]
        lst = resolve(doc, op["responses"]["200"]["content"][JSON]["schema"])
        assert lst["required"] == ["@total"]
        assert list(lst["properties"]) == ["@total", elem]
        items = []
        for p in [path] + MORE_PARENTS.get(dpath, []):
            body = cli.get_json(p)
            assert list(body)[0] == "@total"
            assert set(body) <= set(lst["properties"])
            if elem in body:
                items += body[elem] if isinstance(body[elem], list) else [body[elem]]
        assert items, path
        schema = resolve(doc, lst["properties"][elem]["oneOf"][0])
        check_objects(elem, items, schema)
        sop = doc["paths"][dsingle]["get"]
        sschema = resolve(doc, sop["responses"]["200"]["content"][JSON]["schema"])
        assert sschema is schema or sschema == schema
        one = cli.get_json(single)
        assert list(one) == [p for p in schema["properties"] if p in one]
        # the XML form names the same element, and the XML listing its collection
        assert sschema["xml"]["name"] == elem
        x = cli.get(single, accept=XML)
        assert f"<{elem}><URI>".encode() in x.body
        xl = resolve(doc, op["responses"]["200"]["content"][XML]["schema"])
        assert cli.get(path, accept=XML).body.split(b"<")[2].startswith(
            xl["xml"]["name"].encode() + b" total=")
    # version: a single object
    vs = resolve(doc, doc["paths"]["/vmrest/version"]["get"]["responses"]["200"]["content"][JSON]
                 ["schema"])
    check_objects("VersionInformation", [cli.get_json("/vmrest/version")], vs)
    # the always-empty associations
    s = resolve(doc, doc["paths"]["/vmrest/phonesystems/{ObjectId}/phonesystemassociations"]
                ["get"]["responses"]["200"]["content"][JSON]["schema"])
    assert list(s["properties"]) == ["@total", "PhoneSystemAssociation"]
    assert cli.get_json("/vmrest/phonesystems/ps-1/phonesystemassociations") == {"@total": "0"}


def test_enums_ranges_and_constants(live):
    """The values of the enumerations and the ranges come from the field tables (SPEC
    §5.16.5)."""
    srv, cli, doc = live
    s = doc["components"]["schemas"]
    ints = lambda *v: [str(x) for x in v]  # noqa: E731
    # responses: every scalar a string, the allowed values as an enum
    assert s["PortGroupServer"]["properties"]["MediaRemoteServiceEnum"]["enum"] == \
        ints(*range(100, 107))
    assert s["PortGroupServer"]["properties"]["SkinnyStateMachineEnum"]["enum"] == ints(10, 20)
    assert s["AXLServer"]["properties"]["SkinnyStateMachineEnum"]["enum"] == ints(10, 20)
    assert s["PortGroupCodec"]["properties"]["PreferredPacketSizeMs"]["enum"] == \
        ints(10, 20, 30)
    assert s["AXLServer"]["properties"]["MediaRemoteServiceEnum"]["const"] == "103"
    assert s["PortGroup"]["properties"]["TelephonyIntegrationMethodEnum"]["enum"] == \
        ints(1, 2, 3)
    assert s["SipSecurityProfile"]["properties"]["DoTLS"]["enum"] == ["true", "false"]
    assert set(s["RtpCodecDef"]["properties"]) == {"URI", "ObjectId", "DisplayName"}
    # requests: a number in the range, or its text; a list of values narrows both
    for name, field, lo, hi, values in (
            ("PortGroupServerCreate", "MediaRemoteServiceEnum", 100, 106, None),
            ("PortGroupServerCreate", "SkinnyStateMachineEnum", 10, 20, [10, 20]),
            ("PortGroupServerUpdate", "SkinnyStateMachineEnum", 10, 20, [10, 20]),
            ("AXLServerCreate", "SkinnyStateMachineEnum", 10, 20, [10, 20]),
            ("PortGroupCodecCreate", "PreferredPacketSizeMs", 10, 30, [10, 20, 30]),
            ("PortGroupCodecUpdate", "PreferredPacketSizeMs", 10, 30, [10, 20, 30]),
            ("PortGroupServerCreate", "Port", 1, 65535, None),
            ("PortGroupServerCreate", "TlsPort", 1, 65535, None),
            ("PortGroupServerCreate", "Precedence", 0, 9999, None),
            ("PortGroupCodecCreate", "Preference", 0, 9999, None),
            ("AXLServerCreate", "Port", 1, 65535, None),
            ("AXLServerCreate", "CcmVersion", 0, 99, None),
            ("SipSecurityProfileCreate", "Port", 1, 65535, None)):
        f = s[name]["properties"][field]
        assert set(f["type"]) == {"string", "integer"}, (name, field)
        assert (f["minimum"], f["maximum"]) == (lo, hi), (name, field)
        if values:
            assert f["if"] == {"type": "integer"} and f["then"] == {"enum": values}
        every = values or range(lo, hi + 1)
        if len(every) <= 16:
            for v in range(lo - 1, hi + 2):
                ok = v in every
                assert bool(re.search(f["pattern"], str(v))) == ok, (name, field, v)
                assert bool(re.search(f["pattern"], f" 0{v}\n")) == ok, (name, field, v)
    # host names: no spaces
    for name in ("PortGroupServerCreate", "AXLServerCreate", "PortGroupCreate"):
        f = s[name]["properties"]["HostOrIPAddress"]
        assert not re.search(f["pattern"], "a b") and re.search(f["pattern"], "cucm-a")
    # the live server agrees: a value in the range but not in the list is refused
    pgs = "/vmrest/portgroups/pg-sccp/portgroupservers"
    for body, field in (({"HostOrIPAddress": "h", "SkinnyStateMachineEnum": 15},
                         "SkinnyStateMachineEnum"),
                        ({"HostOrIPAddress": "h", "MediaRemoteServiceEnum": 99},
                         "MediaRemoteServiceEnum"),
                        ({"HostOrIPAddress": "h", "Port": 65536}, "Port")):
        r = cli.post(pgs, json.dumps(body), ctype=JSON, accept=JSON)
        assert r.status == 400 and field in r.json()["errors"]["message"], (body, r)
    r = cli.post("/vmrest/portgroups/pg-sip/portgroupcodecs",
                 json.dumps({"RtpCodecDefObjectId": CODEC_722, "PreferredPacketSizeMs": 25}),
                 ctype=JSON, accept=JSON)
    assert r.status == 400 and "PreferredPacketSizeMs" in r.json()["errors"]["message"], r


def test_axl_password_write_only(live):
    """CcmAXLPassword: writeOnly in the request schemas, the empty string in responses, and no
    query or sort column (SPEC §5.11)."""
    srv, cli, doc = live
    s = doc["components"]["schemas"]
    for name in ("AXLServerCreate", "AXLServerUpdate"):
        f = s[name]["properties"]["CcmAXLPassword"]
        assert f["writeOnly"] is True and f["maxLength"] == 128, name
    out = s["AXLServer"]["properties"]["CcmAXLPassword"]
    assert out["const"] == "" and "writeOnly" not in out
    assert "CcmAXLPassword" in s["AXLServer"]["required"]
    assert not any(p.get("writeOnly") for n, sc in s.items() if not n.endswith(("Create", "Update"))
                   for p in sc.get("properties", {}).values() if isinstance(p, dict))
    lst = doc["paths"]["/vmrest/phonesystems/{ObjectId}/axlservers"]["get"]
    q = {p["name"]: p for p in lst["parameters"]}
    assert "CcmAXLUser" in q["query"]["description"]
    assert "CcmAXLPassword" not in q["query"]["description"]
    assert "CcmAXLPassword" not in q["sort"]["description"]
    r = cli.get("/vmrest/phonesystems/ps-1/axlservers?query=(CcmAXLPassword%20is%20x)",
                accept=JSON)
    assert r.status == 400, r
    assert cli.get("/vmrest/phonesystems/ps-1/axlservers?query=(CcmAXLUser%20is%20axladmin)",
                   accept=JSON).status == 200
    one = cli.get_json("/vmrest/phonesystems/ps-1/axlservers/ax-1")
    assert one["CcmAXLPassword"] == "" and one["CcmAXLUser"] == "axladmin"
    assert b"<CcmAXLPassword/>" in cli.get("/vmrest/phonesystems/ps-1/axlservers/ax-1",
                                           accept=XML).body
    # the port group's input-only addresses are no columns either
    pq = {p["name"]: p for p in doc["paths"]["/vmrest/portgroups"]["get"]["parameters"]}
    assert "HostOrIPAddress" not in pq["query"]["description"]


def sample(name, schema, current):
    """A valid value for a request field that differs from the current one."""
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "boolean" in types and "integer" in types:
        return "false" if current == "true" else "true"
    if "integer" in types:
        lo, hi = schema["minimum"], schema["maximum"]
        cands = schema.get("then", {}).get("enum") or [lo, lo + 1, hi]
        for v in cands:
            if str(v) != current and lo <= v <= hi and re.search(schema["pattern"], str(v)):
                return str(v)
        raise AssertionError((name, schema))
    if name.endswith("ObjectId"):
        return {"VmsServerObjectId": "vms-b" if current == "vms-a" else "vms-a"}[name]
    n = max(schema.get("minLength", 1), 1)
    if "pattern" in schema:
        for cand in ("B" * n, "12", "Ab1", "7" * n):
            if re.search(schema["pattern"], cand) and cand != current and \
                    len(cand) <= schema.get("maxLength", 99) and len(cand) >= n:
                return cand
        raise AssertionError((name, schema))
    return ("Z" * n if schema.get("maxLength", 99) < 3 else "Renamed " + name)[:schema.get(
        "maxLength", 99)]


# document path of an object -> (live path of one object, element)
UPDATES = [
    ("/vmrest/ports/{ObjectId}", "/vmrest/ports/p-sccp", "Port"),
    ("/vmrest/portgroups/{ObjectId}", "/vmrest/portgroups/pg-sccp", "PortGroup"),
    ("/vmrest/phonesystems/{ObjectId}", "/vmrest/phonesystems/ps-1", "PhoneSystem"),
    ("/vmrest/portgroups/{ObjectId}/portgroupservers/{serverId}",
     "/vmrest/portgroups/pg-sccp/portgroupservers/gs-ccm", "PortGroupServer"),
    ("/vmrest/portgroups/{ObjectId}/portgroupcodecs/{codecId}",
     "/vmrest/portgroups/pg-sip/portgroupcodecs/gc-729", "PortGroupCodec"),
    ("/vmrest/phonesystems/{ObjectId}/axlservers/{axlServerId}",
     "/vmrest/phonesystems/ps-1/axlservers/ax-2", "AXLServer"),
    ("/vmrest/sipsecurityprofiles/{ObjectId}", "/vmrest/sipsecurityprofiles/sp-5060",
     "SipSecurityProfile"),
]


@pytest.mark.parametrize("dpath,path,elem", UPDATES, ids=[u[2] for u in UPDATES])
def test_update_schema_fields_are_accepted(live, dpath, path, elem):
    """Every field of the PUT schema is taken by a PUT and shows in the object afterwards (a
    write-only one as its constant)."""
    srv, cli, doc = live
    op = doc["paths"][dpath]["put"]
    schema = resolve(doc, op["requestBody"]["content"][JSON]["schema"])
    assert resolve(doc, op["requestBody"]["content"][XML]["schema"]) == schema
    assert schema == doc["components"]["schemas"][elem + "Update"]
    assert schema["properties"], elem
    out = doc["components"]["schemas"][elem]["properties"]
    for name, fs in schema["properties"].items():
        before = cli.get_json(path)
        value = sample(name, fs, before.get(name))
        r = cli.put(path, json.dumps({name: value}), ctype=JSON)
        assert r.status == 204, (name, value, r)
        after = cli.get_json(path)
        want = out[name]["const"] if fs.get("writeOnly") else value
        assert after.get(name) == want, (name, value, after.get(name))
    assert "anyOf" not in schema  # a PUT may leave the addresses as they are


def test_create_schemas(live):
    _, _, doc = live
    s = doc["components"]["schemas"]
    port = resolve(doc, doc["paths"]["/vmrest/ports"]["post"]["requestBody"]["content"][JSON]
                   ["schema"])
    assert "NumberOfPorts" in port["properties"] and "MediaPortGroupObjectId" in port["properties"]
    assert "MediaPortGroupObjectId" in port["required"]
    assert "DisplayName" not in port["properties"]  # update-only (U)
    assert "ObjectId" not in port["properties"] and "URI" not in port["properties"]
    put = s["PortUpdate"]["properties"]
    assert "DisplayName" in put and "MediaPortGroupObjectId" not in put
    assert s["PhoneSystemCreate"]["required"] == ["DisplayName"]
    pg = s["PortGroupCreate"]["properties"]
    assert {"MediaSwitchObjectId", "MediaPortGroupTemplateObjectId", "HostOrIPAddress",
            "HostOrIPAddressV6", "TelephonyIntegrationMethodEnum"} <= set(pg)
    assert "HostOrIPAddress" not in s["PortGroupUpdate"]["properties"]
    assert "HostOrIPAddressV6" not in s["PortGroupUpdate"]["properties"]
    assert "HostOrIPAddress" not in s["PortGroup"]["properties"]  # input only: never written
    assert "HostOrIPAddressV6" not in s["PortGroup"]["properties"]
    # the telephony objects (SPEC §5.8-§5.12)
    assert s["PortGroupCodecCreate"]["required"] == ["RtpCodecDefObjectId"]
    assert set(s["PortGroupCodecCreate"]["properties"]) == {
        "RtpCodecDefObjectId", "PreferredPacketSizeMs", "Preference"}
    assert set(s["PortGroupCodecUpdate"]["properties"]) == {"PreferredPacketSizeMs", "Preference"}
    assert s["AXLServerCreate"]["required"] == ["HostOrIPAddress"]
    assert "MediaRemoteServiceEnum" not in s["AXLServerCreate"]["properties"]
    assert "MediaSwitchObjectId" not in s["AXLServerCreate"]["properties"]
    assert s["SipSecurityProfileCreate"]["required"] == ["Port"]
    assert set(s["SipSecurityProfileCreate"]["properties"]) == {"Port", "DoTLS"}
    pgs = s["PortGroupServerCreate"]
    assert pgs["required"] == []
    assert sorted(sorted(b["required"]) for b in pgs["anyOf"]) == [["HostOrIPAddress"],
                                                                   ["HostOrIPAddressV6"]]
    for b in pgs["anyOf"]:
        assert b["properties"][b["required"][0]]["minLength"] == 1
    assert "MediaRemoteServiceEnum" in pgs["properties"]
    assert "MediaRemoteServiceEnum" not in s["PortGroupServerUpdate"]["properties"]  # C
    assert "MediaPortGroupObjectId" not in pgs["properties"]  # the path decides
    # read-only resources take no bodies
    for name in ("VmsServerCreate", "PortGroupTemplateCreate", "VmsServerUpdate",
                 "RtpCodecDefCreate", "RtpCodecDefUpdate"):
        assert name not in s


# document path of a collection -> live path
CREATES = [
    ("/vmrest/portgroups/{ObjectId}/portgroupservers",
     "/vmrest/portgroups/pg-sip/portgroupservers"),
    ("/vmrest/portgroups/{ObjectId}/portgroupcodecs", "/vmrest/portgroups/pg-sip/portgroupcodecs"),
    ("/vmrest/phonesystems/{ObjectId}/axlservers", "/vmrest/phonesystems/ps-1/axlservers"),
    ("/vmrest/sipsecurityprofiles", "/vmrest/sipsecurityprofiles"),
    ("/vmrest/phonesystems", "/vmrest/phonesystems"),
]
# values the schema cannot give: a reference that exists, a name that is not taken
GOOD = {"RtpCodecDefObjectId": CODEC_722, "DisplayName": "Created by the OpenAPI test",
        "Port": "5070", "HostOrIPAddress": "192.0.2.99", "HostOrIPAddressV6": "2001:db8::99"}


@pytest.mark.parametrize("dpath,path", CREATES, ids=[c[1] for c in CREATES])
def test_create_schema_required_fields(live, dpath, path):
    """A body with the fields the POST schema requires (or one branch of its anyOf) is
    created; without one of them it is refused with 400 naming it."""
    srv, cli, doc = live
    schema = resolve(doc, doc["paths"][dpath]["post"]["requestBody"]["content"][JSON]["schema"])
    branches = [b["required"] for b in schema.get("anyOf", [])] or [[]]
    for extra in branches:
        need = schema["required"] + extra
        assert need, dpath
        body = {n: GOOD[n] for n in need}
        for n in need:
            less = {k: v for k, v in body.items() if k != n}
            r = cli.post(path, json.dumps(less), ctype=JSON, accept=JSON)
            assert r.status == 400, (n, r)
            assert n in r.json()["errors"]["message"] or schema.get("anyOf"), (n, r)
        r = cli.post(path, json.dumps(body), ctype=JSON)
        assert r.status == 201, (body, r)
        uri = r.body.decode()
        one = cli.get_json(uri)
        for n in need:
            assert one[n] == GOOD[n], (n, one)
        # only the chosen address is kept
        for other in ("HostOrIPAddress", "HostOrIPAddressV6"):
            if schema.get("anyOf") and other not in need:
                assert other not in one
        assert cli.delete(uri).status == 204
    if schema.get("anyOf"):
        r = cli.post(path, json.dumps({"HostOrIPAddress": ""}), ctype=JSON, accept=JSON)
        assert r.status == 400 and "HostOrIPAddress" in r.json()["errors"]["message"], r


def test_portgroup_create_with_v6_address(live):
    """The port group POST schema's HostOrIPAddressV6 (input only) makes the first server."""
    srv, cli, doc = live
    assert "HostOrIPAddressV6" in doc["components"]["schemas"]["PortGroupCreate"]["properties"]
    r = cli.post("/vmrest/portgroups", json.dumps(
        {"DisplayName": "G-V6", "MediaSwitchObjectId": "ps-1", "TelephonyIntegrationMethodEnum": 2,
         "HostOrIPAddressV6": "2001:db8::7"}), ctype=JSON)
    assert r.status == 201, r
    gid = r.body.decode().rsplit("/", 1)[1]
    try:
        g = cli.get_json(f"/vmrest/portgroups/{gid}")
        assert "HostOrIPAddressV6" not in g and "HostOrIPAddress" not in g
        srv_ = cli.get_json(f"/vmrest/portgroups/{gid}/portgroupservers")["PortGroupServer"]
        assert srv_["HostOrIPAddressV6"] == "2001:db8::7" and "HostOrIPAddress" not in srv_
    finally:
        assert cli.delete(f"/vmrest/portgroups/{gid}").status == 204


def test_valid_openapi_document(live):
    _, _, doc = live
    try:
        from openapi_spec_validator import validate
    except ImportError:
        pytest.skip("openapi-spec-validator is not installed (python3-openapi-spec-validator)")
    validate(doc)
