"""GET /cupid/openapi.json (SPEC §2.2, §6.1): an OpenAPI 3.1 description of every route, built
by the server from its route table and field tables. The tests hold it against the route table
in src/api/router.c and against what the live server writes and accepts."""

import json
import os
import re

import pytest

from cupidtest import JSON, XML

ROUTER_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "api",
                        "router.c")

# One object of every kind, every optional field set somewhere: an SCCP port (SkinnyDeviceName)
# on a VMS server with IpAddressV6, a PIMG/TIMG port (no VMS server).
FIXTURE = {
    "vmsservers": [
        {"ObjectId": "vms-a", "ServerName": "cuc-a", "IpAddress": "192.0.2.1",
         "HostName": "cuc-a.example.net", "IpAddressV6": "2001:db8::1"},
        {"ObjectId": "vms-b", "ServerName": "cuc-b", "IpAddress": "192.0.2.2"}],
    "phonesystems": [{"ObjectId": "ps-1", "DisplayName": "PS", "DefaultTRaPSwitch": "true"}],
    "portgroups": [
        {"ObjectId": "pg-sccp", "MediaSwitchObjectId": "ps-1", "TelephonyIntegrationMethodEnum": 1,
         "DisplayName": "G-SCCP"},
        {"ObjectId": "pg-sip", "MediaSwitchObjectId": "ps-1", "TelephonyIntegrationMethodEnum": 2,
         "DisplayName": "G-SIP"},
        {"ObjectId": "pg-pimg", "MediaSwitchObjectId": "ps-1",
         "TelephonyIntegrationMethodEnum": 3, "DisplayName": "G-PIMG",
         "HostOrIPAddress": "10.0.0.9"}],
    "ports": [
        {"ObjectId": "p-sccp", "MediaPortGroupObjectId": "pg-sccp", "VmsServerObjectId": "vms-a"},
        {"ObjectId": "p-sip", "MediaPortGroupObjectId": "pg-sip", "VmsServerObjectId": "vms-b"},
        {"ObjectId": "p-pimg", "MediaPortGroupObjectId": "pg-pimg"}],
}

# path of a listing -> (element name, the id of one object to GET)
LISTINGS = {
    "/vmrest/vmsservers": ("VmsServer", "vms-a"),
    "/vmrest/cluster": ("VmsServer", "vms-b"),
    "/vmrest/portgrouptemplates": ("PortGroupTemplate", "47e03eca-d077-466b-9c97-54e62938cf26"),
    "/vmrest/phonesystems": ("PhoneSystem", "ps-1"),
    "/vmrest/portgroups": ("PortGroup", "pg-sccp"),
    "/vmrest/ports": ("Port", "p-sccp"),
}


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


def test_every_route_and_method(live):
    _, _, doc = live
    routes = router_routes()
    assert sorted(norm(p) for p in doc["paths"]) == sorted(norm(r[0]) for r in routes)
    assert any(r[0] == "/cupid/openapi.json" for r in routes)
    by = {norm(p): item for p, item in doc["paths"].items()}
    for pattern, flags, get, post, put, dele in routes:
        item = by[norm(pattern)]
        want = set()
        if get != "NULL":
            want |= {"get", "head"}
        if post != "NULL":
            want.add("post")
        if put != "NULL":
            want.add("put")
        if dele != "NULL":
            want.add("delete")
        assert set(item) == want, (pattern, sorted(item))
        for method, op in item.items():
            ids = re.findall(r"\{([^}]*)\}", [p for p in doc["paths"] if norm(p) == norm(pattern)][0])
            params = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            for name in ids:
                assert (name, "path") in params, (pattern, method)
            if get == "coll_get" and method in ("get", "head"):
                assert {("rowsPerPage", "query"), ("pageNumber", "query"), ("query", "query"),
                        ("sort", "query")} <= params, pattern
            noauth = "R_NOAUTH" in flags and method in ("get", "head")
            if noauth:
                assert op["security"] == [], (pattern, method)
                assert "401" not in op["responses"]
            else:
                assert op.get("security", doc["security"]) == [{"basicAuth": []}]
                assert "401" in op["responses"], (pattern, method)
            codes = set(op["responses"])
            vmrest = pattern.startswith("/vmrest/")
            if vmrest:
                assert "406" in codes and "500" in codes
            if method == "get" and vmrest:
                assert "200" in codes
                c = op["responses"]["200"]["content"]
                assert set(c) == {JSON, XML}
            if method == "head":
                assert all("content" not in v for v in op["responses"].values())
            if method == "post" and vmrest:
                assert {"201", "400", "403", "413", "415"} <= codes
                assert "text/plain" in op["responses"]["201"]["content"]
                assert "Location" in op["responses"]["201"]["headers"]
            if method in ("put", "delete") and vmrest:
                assert {"204", "403", "404"} <= codes
            if "R_ADMIN" in flags:
                assert "403" in codes
    assert doc["components"]["securitySchemes"]["basicAuth"] == {"type": "http",
                                                                 "scheme": "basic"}


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
    for path, (elem, oid) in LISTINGS.items():
        op = doc["paths"][path]["get"]
        lst = resolve(doc, op["responses"]["200"]["content"][JSON]["schema"])
        assert lst["required"] == ["@total"]
        assert list(lst["properties"]) == ["@total", elem]
        body = cli.get_json(path)
        assert list(body)[0] == "@total"
        assert set(body) <= set(lst["properties"])
        items = body[elem] if isinstance(body[elem], list) else [body[elem]]
        schema = resolve(doc, lst["properties"][elem]["oneOf"][0])
        check_objects(elem, items, schema)
        single = "/vmrest/vmsservers" if path == "/vmrest/cluster" else path
        sop = doc["paths"][single + "/{ObjectId}"]["get"]
        sschema = resolve(doc, sop["responses"]["200"]["content"][JSON]["schema"])
        assert sschema is schema or sschema == schema
        one = cli.get_json(f"{single}/{oid}")
        assert list(one) == [p for p in schema["properties"] if p in one]
        # the XML form names the same element
        assert sschema["xml"]["name"] == elem
        x = cli.get(f"{single}/{oid}", accept=XML)
        assert f"<{elem}><URI>".encode() in x.body
    # version: a single object
    vs = resolve(doc, doc["paths"]["/vmrest/version"]["get"]["responses"]["200"]["content"][JSON]
                 ["schema"])
    check_objects("VersionInformation", [cli.get_json("/vmrest/version")], vs)
    # the always-empty sub-lists
    for sub, elem in (("axlservers", "AXLServer"),
                      ("phonesystemassociations", "PhoneSystemAssociation")):
        s = resolve(doc, doc["paths"]["/vmrest/phonesystems/{ObjectId}/" + sub]["get"]
                    ["responses"]["200"]["content"][JSON]["schema"])
        assert list(s["properties"]) == ["@total", elem]
        assert cli.get_json(f"/vmrest/phonesystems/ps-1/{sub}") == {"@total": "0"}


def sample(name, schema, current):
    """A valid value for a request field that differs from the current one."""
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "boolean" in types and "integer" in types:
        return "false" if current == "true" else "true"
    if "integer" in types:
        lo, hi = schema["minimum"], schema["maximum"]
        return str(lo + 1 if current == str(lo) and hi > lo else lo)
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


@pytest.mark.parametrize("path,oid,elem", [("/vmrest/ports", "p-sccp", "Port"),
                                           ("/vmrest/portgroups", "pg-sccp", "PortGroup"),
                                           ("/vmrest/phonesystems", "ps-1", "PhoneSystem")])
def test_update_schema_fields_are_accepted(live, path, oid, elem):
    """Every field of the PUT schema is taken by a PUT and shows in the object afterwards."""
    srv, cli, doc = live
    op = doc["paths"][path + "/{ObjectId}"]["put"]
    schema = resolve(doc, op["requestBody"]["content"][JSON]["schema"])
    assert resolve(doc, op["requestBody"]["content"][XML]["schema"]) == schema
    assert schema["properties"], elem
    for name, fs in schema["properties"].items():
        before = cli.get_json(f"{path}/{oid}")
        value = sample(name, fs, before.get(name))
        r = cli.put(f"{path}/{oid}", json.dumps({name: value}), ctype=JSON)
        assert r.status == 204, (name, value, r)
        after = cli.get_json(f"{path}/{oid}")
        assert after.get(name) == value, (name, value, after.get(name))


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
            "TelephonyIntegrationMethodEnum"} <= set(pg)
    # read-only resources take no bodies
    for name in ("VmsServerCreate", "PortGroupTemplateCreate", "VmsServerUpdate"):
        assert name not in s


def test_valid_openapi_document(live):
    _, _, doc = live
    try:
        from openapi_spec_validator import validate
    except ImportError:
        pytest.skip("openapi-spec-validator is not installed (python3-openapi-spec-validator)")
    validate(doc)
