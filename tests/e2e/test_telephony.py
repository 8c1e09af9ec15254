"""Telephony integration (SPEC §5.7-§5.16): port group servers (§5.8), port group codecs (§5.9),
codec definitions (§5.10), AXL servers (§5.11) and SIP security profiles (§5.12). The exact
listings of the seed fixture, every row of the "more cases" tables (each from a fresh seed), the
shared rules of §5.7.1, "a rejected request changes nothing" (§4.3), the cascades, careless
client bodies (§2.6, §7), 201 bodies (§2.7), audit, metrics, reset and the cache (§5.16.4, §6).
Written from the SPEC, never from the implementation. The §5.13 workflow is in
test_telephony_sdk.py."""

import json
import re
import urllib.parse

import pytest

from cupidtest import (BUILTIN_SIP, CODEC_ALAW, CODEC_G722, CODEC_G729, CODEC_ILBC,
                       CODEC_MULAW, CODECDEFS_SORTED, GUID_V4, JSON, MAX_AXL_SERVERS,
                       MAX_PG_SERVERS, PG_PIMG, PG_ROHIT, PG_SCCP, PG_SIP, PG_SIP_DIGIT1,
                       PS, SEED_AXL, SEED_AXL_FIELDS, SEED_CODECS, SEED_GROUPS, SIP_5060,
                       SIP_5061TLS, SPEC_AXL_EMPTY_XML, SPEC_AXL_JSON, SPEC_AXL_LIST_JSON,
                       SPEC_AXL_LIST_XML, SPEC_AXL_POST_BODY, SPEC_AXL_PUT_BODY, SPEC_AXL_XML,
                       SPEC_CODEC_DUP_JSON, SPEC_CODECDEF_MULAW_JSON, SPEC_CODECDEF_MULAW_XML,
                       SPEC_CODECDEFS_JSON, SPEC_CODECDEFS_XML, SPEC_EMPTY_JSON,
                       SPEC_PGC_EMPTY_XML, SPEC_PGC_MULAW_JSON, SPEC_PGC_MULAW_XML,
                       SPEC_PGC_SIP_LIST_JSON, SPEC_PGC_SIP_LIST_XML, SPEC_PGS_EMPTY_XML,
                       SPEC_PGS_SCCP_LIST_JSON, SPEC_PGS_SIP_LIST_JSON, SPEC_PGS_SIP_LIST_XML,
                       SPEC_PGS_TFTP_JSON, SPEC_PGS_TFTP_XML, SPEC_PSA_EMPTY_XML,
                       SPEC_SDK_CODEC_BODY, SPEC_SDK_TFTP_BODY, SPEC_SIP_LIST_JSON,
                       SPEC_SIP_LIST_XML, SPEC_SIP_TLS_JSON, SPEC_SIP_TLS_XML, SRV_PIMG,
                       SRV_ROHIT, SRV_SCCP_A, SRV_SCCP_B, SRV_SCCP_TFTP, SRV_SIP, TPL_PIMG,
                       TPL_SCCP, TPL_SIP, X, XML, assert_error, axl_fields, axl_path,
                       codecdef_fields, json_coll, json_obj, pgc_path, pgcodec_fields,
                       pgs_path, pgserver_fields, portgroup_fields, seed_pgcodecs,
                       seed_pgservers, sip_path, sipprofile_fields, start_server, xml_coll,
                       xml_doc)

MU_SIP, G729_SIP = SEED_CODECS[PG_SIP]
FMTS = ("xml", "json")
ACCEPT = {"xml": XML, "json": JSON}
CODECDEFS = "/vmrest/rtpcodecdefs"
SIPS = "/vmrest/sipsecurityprofiles"
SDK_HDRS = ("Date", "Cache-Control", "Pragma", "Expires", "X-Frame-Options", "X-Request-Id")


# --- helpers ------------------------------------------------------------------------------------

@pytest.fixture
def host(server):
    return f"127.0.0.1:{server.https_port}"


def _xesc(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xval(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def to_xml(root, doc):
    """The XML equivalent of a JSON body (a wrapper {"Root":{...}} is unwrapped)."""
    if len(doc) == 1:
        (k, v), = doc.items()
        if isinstance(v, dict) and k.lower() == root.lower():
            doc = v
    out = []
    for k, v in doc.items():
        t = _xval(v)
        out.append(f"<{k}/>" if t == "" else f"<{k}>{_xesc(t)}</{k}>")
    return f"<{root}>{''.join(out)}</{root}>"


def send(cli, method, path, doc, fmt="json", root="X", accept=None):
    """Sends doc (a dict, or a literal str) as JSON or as its XML equivalent."""
    if isinstance(doc, str):
        body = doc
    elif fmt == "json":
        body = json.dumps(doc)
    else:
        body = to_xml(root, doc)
    return cli.request(method, path, body=body, ctype=ACCEPT[fmt], accept=accept or ACCEPT[fmt])


def check_201(r, host, prefix, length):
    """§2.7: 201, text/plain, exact relative URI, absolute Location, the usual headers."""
    assert r.status == 201, r
    assert r.headers["Content-Type"] == "text/plain", r
    assert r.headers["Content-Length"] == str(length), r
    assert len(r.body) == length, r.body
    body = r.body.decode()
    assert body.startswith(prefix + "/"), (body, prefix)
    oid = body[len(prefix) + 1:]
    assert GUID_V4.match(oid), oid
    assert r.headers["Location"] == f"https://{host}{body}", r.headers
    for h in SDK_HDRS:
        assert h in r.headers, h
    return oid


def new_id(r, prefix):
    assert r.status == 201, r
    body = r.body.decode()
    assert body.startswith(prefix + "/"), (body, prefix)
    return body[len(prefix) + 1:]


def check_204(r):
    assert r.status == 204, r
    assert r.body == b""
    assert "Content-Type" not in r.headers
    for h in SDK_HDRS:
        assert h in r.headers, h


def items(cli, path, elem):
    """(total, [element dicts]) of a JSON collection, checking the shape rules of §2.4."""
    r = cli.get(path, accept=JSON)
    assert r.status == 200, r
    assert r.headers["Content-Type"] == JSON, r
    assert r.body.startswith(b'{"@total":"'), r.body[:80]
    d = json.loads(r.body)
    total = int(d["@total"])
    v = d.get(elem)
    if v is None:
        assert list(d) == ["@total"], d
        return total, []
    assert list(d) == ["@total", elem], list(d)
    if isinstance(v, dict):
        return total, [v]
    assert isinstance(v, list) and len(v) >= 2, v
    return total, v


def ids(cli, path, elem):
    total, its = items(cli, path, elem)
    return total, [e["ObjectId"] for e in its]


def get_obj(cli, path):
    r = cli.get(path, accept=JSON)
    assert r.status == 200, r
    return json.loads(r.body)


def sub_listings():
    out = []
    for g in SEED_GROUPS:
        out += [pgs_path(g), pgc_path(g)]
    return out + [axl_path(PS), SIPS, CODECDEFS, "/vmrest/portgroups", "/vmrest/phonesystems",
                  "/vmrest/ports"]


def snapshot(cli, extra=()):
    """Every telephony listing (and the main ones) in XML and JSON, as bytes."""
    out = {}
    for p in list(sub_listings()) + list(extra):
        for acc in (XML, JSON):
            r = cli.get(p, accept=acc)
            assert r.status == 200, (p, r)
            out[(p, acc)] = r.body
    return out


def assert_unchanged(cli, before, extra=()):
    after = snapshot(cli, extra)
    for k in before:
        assert after[k] == before[k], f"{k} changed:\n{before[k][:400]!r}\n{after[k][:400]!r}"


def q(v):
    return urllib.parse.quote(v, safe="()")


def metrics_text(cli):
    r = cli.get("/cupid/metrics")
    assert r.status == 200, r
    return r.text


def metric(text, name, labels=None):
    pat = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else r"(?:\{\})?")
    m = re.search(r"^" + pat + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def obj_counts(cli):
    t = metrics_text(cli)
    return {k: metric(t, "cupid_objects", f'type="{k}"')
            for k in ("phonesystem", "portgroup", "port", "vmsserver", "portgroupserver",
                      "portgroupcodec", "axlserver", "sipsecurityprofile")}


SEED_COUNTS = {"phonesystem": 1, "portgroup": 4, "port": 2, "vmsserver": 1,
               "portgroupserver": 6, "portgroupcodec": 8, "axlserver": 1,
               "sipsecurityprofile": 2}


def audit_since(cli, since):
    out = []
    for _ in range(50):
        r = cli.get(f"/cupid/audit?since={since}&limit=1000")
        assert r.status == 200, r
        es = r.json()["entries"]
        if not es:
            return out
        out += es
        since = es[-1]["id"]
    return out


def last_audit_id(cli):
    es = audit_since(cli, 0)
    return es[-1]["id"] if es else 0


# =================================================================================================
# 1. exact listings and objects of the seed fixture (§5.8.5, §5.9.5, §5.10, §5.11, §5.12)

def _spec_exact():
    sccp = seed_pgservers(PG_SCCP)
    cases = [
        (pgs_path(PG_SIP), "xml", SPEC_PGS_SIP_LIST_XML),
        (pgs_path(PG_SIP), "json", SPEC_PGS_SIP_LIST_JSON),
        (pgs_path(PG_SCCP), "json", SPEC_PGS_SCCP_LIST_JSON),
        (pgs_path(PG_SCCP), "xml", xml_coll("PortGroupServers", "PortGroupServer", sccp)),
        (pgs_path(PG_SCCP, SRV_SCCP_TFTP), "xml", SPEC_PGS_TFTP_XML),
        (pgs_path(PG_SCCP, SRV_SCCP_TFTP), "json", SPEC_PGS_TFTP_JSON),
        (pgs_path(PG_SIP_DIGIT1), "xml", SPEC_PGS_EMPTY_XML),
        (pgs_path(PG_SIP_DIGIT1), "json", SPEC_EMPTY_JSON),
        (pgc_path(PG_SIP), "xml", SPEC_PGC_SIP_LIST_XML),
        (pgc_path(PG_SIP), "json", SPEC_PGC_SIP_LIST_JSON),
        (pgc_path(PG_SIP, MU_SIP), "xml", SPEC_PGC_MULAW_XML),
        (pgc_path(PG_SIP, MU_SIP), "json", SPEC_PGC_MULAW_JSON),
        (CODECDEFS, "xml", SPEC_CODECDEFS_XML),
        (CODECDEFS, "json", SPEC_CODECDEFS_JSON),
        (CODECDEFS + "/" + CODEC_MULAW, "xml", SPEC_CODECDEF_MULAW_XML),
        (CODECDEFS + "/" + CODEC_MULAW, "json", SPEC_CODECDEF_MULAW_JSON),
        (axl_path(PS), "xml", SPEC_AXL_LIST_XML),
        (axl_path(PS), "json", SPEC_AXL_LIST_JSON),
        (axl_path(PS, SEED_AXL), "xml", SPEC_AXL_XML),
        (axl_path(PS, SEED_AXL), "json", SPEC_AXL_JSON),
        (axl_path(PS), "json", json_coll("AXLServer", [SEED_AXL_FIELDS])),
        ("/vmrest/phonesystems/nope/axlservers", "xml", SPEC_AXL_EMPTY_XML),
        ("/vmrest/phonesystems/nope/axlservers", "json", SPEC_EMPTY_JSON),
        (SIPS, "xml", SPEC_SIP_LIST_XML),
        (SIPS, "json", SPEC_SIP_LIST_JSON),
        (sip_path(SIP_5061TLS), "xml", SPEC_SIP_TLS_XML),
        (sip_path(SIP_5061TLS), "json", SPEC_SIP_TLS_JSON),
    ]
    # every other seed object, from the field tables (§5.8.2, §5.9.2, §6.7)
    for g in SEED_GROUPS:
        for fmt in FMTS:
            srv, cod = seed_pgservers(g), seed_pgcodecs(g)
            if fmt == "xml":
                cases.append((pgs_path(g), fmt, xml_coll("PortGroupServers", "PortGroupServer",
                                                          srv)))
                cases.append((pgc_path(g), fmt, xml_coll("PortGroupCodecs", "PortGroupCodec",
                                                          cod)))
            else:
                cases.append((pgs_path(g), fmt, json_coll("PortGroupServer", srv)))
                cases.append((pgc_path(g), fmt, json_coll("PortGroupCodec", cod)))
            for f in srv:
                oid = dict(f)["ObjectId"]
                cases.append((pgs_path(g, oid), fmt, xml_doc("PortGroupServer", f)
                              if fmt == "xml" else json_obj(f)))
            for f in cod:
                oid = dict(f)["ObjectId"]
                cases.append((pgc_path(g, oid), fmt, xml_doc("PortGroupCodec", f)
                              if fmt == "xml" else json_obj(f)))
    for c in CODECDEFS_SORTED:
        f = codecdef_fields(c)
        cases.append((CODECDEFS + "/" + c, "xml", xml_doc("RtpCodecDef", f)))
        cases.append((CODECDEFS + "/" + c, "json", json_obj(f)))
    for f in BUILTIN_SIP:
        oid = dict(f)["ObjectId"]
        cases.append((sip_path(oid), "xml", xml_doc("SipSecurityProfile", f)))
        cases.append((sip_path(oid), "json", json_obj(f)))
    return cases


SPEC_EXACT = _spec_exact()


def test_seed_exact_bodies(seed):
    """Every listing and object of the seed's telephony part, byte for byte, GET and HEAD."""
    bad = []
    for path, fmt, want in SPEC_EXACT:
        r = seed.get(path, accept=ACCEPT[fmt])
        if r.status != 200 or r.body != want.encode() or \
                r.headers.get("Content-Type") != ACCEPT[fmt]:
            bad.append((path, fmt, r.status, r.body[:300], want[:300]))
            continue
        h = seed.head(path, accept=ACCEPT[fmt])
        if h.status != 200 or h.body != b"" or \
                h.headers.get("Content-Length") != str(len(want.encode())) or \
                h.headers.get("Content-Type") != ACCEPT[fmt]:
            bad.append(("HEAD " + path, fmt, h.status, dict(h.headers)))
    assert not bad, "\n".join(map(repr, bad))


def test_seed_json_is_default_for_accept_star(seed):
    """§2.3: no Accept gives XML, 'application/json, */*' JSON (the SDK's GET header)."""
    assert seed.get(pgs_path(PG_SIP)).body == SPEC_PGS_SIP_LIST_XML.encode()
    r = seed.get(pgs_path(PG_SIP), accept="application/json, */*")
    assert r.body == SPEC_PGS_SIP_LIST_JSON.encode()
    r = seed.get(pgs_path(PG_SIP), accept="text/html")
    assert_error(r, 406, "NOT_ACCEPTABLE", "xml")


@pytest.mark.parametrize("path,root", [
    (pgs_path(PG_SIP_DIGIT1), "PortGroupServers"),
    (pgs_path("bogus"), "PortGroupServers"),
    (pgc_path(PG_SIP_DIGIT1), "PortGroupCodecs"),
    (pgc_path("bogus"), "PortGroupCodecs"),
    ("/vmrest/phonesystems/nope/axlservers", "AXLServers"),
    ("/vmrest/phonesystems/objectid/phonesystemassociations", "PhoneSystemAssociations"),
    (f"/vmrest/phonesystems/{PS}/phonesystemassociations", "PhoneSystemAssociations"),
])
def test_unknown_parent_lists_are_empty(seed, path, root):
    """§5.7.1: GET and HEAD of a sub-collection of an unknown parent → 200 empty."""
    for fmt, want in (("xml", X + f'<{root} total="0"/>'), ("json", SPEC_EMPTY_JSON)):
        r = seed.get(path, accept=ACCEPT[fmt])
        assert r.status == 200, r
        assert r.headers["Content-Type"] == ACCEPT[fmt]
        assert r.body == want.encode(), r.body
        h = seed.head(path, accept=ACCEPT[fmt])
        assert h.status == 200 and h.body == b"", h
        assert h.headers["Content-Length"] == str(len(want)), h
    # valid paging is applied to the (empty) collection too
    for params in ("?pageNumber=0", "?rowsPerPage=5&pageNumber=2", "?sort=(ObjectId%20desc)"):
        if root == "PhoneSystemAssociations":
            continue
        r = seed.get(path + params, accept=JSON)
        assert (r.status, r.body) == (200, SPEC_EMPTY_JSON.encode()), (params, r)


def test_empty_literals_match_spec():
    assert SPEC_PGC_EMPTY_XML == X + '<PortGroupCodecs total="0"/>'
    assert SPEC_PSA_EMPTY_XML == X + '<PhoneSystemAssociations total="0"/>'


@pytest.mark.parametrize("path,param", [
    (pgs_path(PG_SIP_DIGIT1), "rowsPerPage"), (pgc_path("bogus"), "rowsPerPage"),
    ("/vmrest/phonesystems/nope/axlservers", "rowsPerPage"),
    (pgs_path(PG_SIP_DIGIT1), "pageNumber"), (pgc_path("bogus"), "pageNumber"),
    ("/vmrest/phonesystems/nope/axlservers", "pageNumber"),
    (pgs_path(PG_SIP_DIGIT1), "query"), (pgc_path("bogus"), "sort"),
    ("/vmrest/phonesystems/nope/axlservers", "query"),
])
def test_unknown_parent_bad_paging_still_400(seed, path, param):
    """§5.7.1: paging, query and sort are still checked first (a bad value → 400)."""
    bad = {"rowsPerPage": "rowsPerPage=-1", "pageNumber": "pageNumber=abc",
           "query": "query=(Bogus%20is%201)", "sort": "sort=(Bogus)"}[param]
    for fmt in FMTS:
        r = seed.get(path + "?" + bad, accept=ACCEPT[fmt])
        assert_error(r, 400, "INVALID_PARAMETER", fmt, field=param)
    r = seed.head(path + "?" + bad)
    assert r.status == 400 and r.body == b"", r


@pytest.mark.parametrize("params", ["rowsPerPage=abc", "query=(((", "pageNumber=-3",
                                    "rowsPerPage=1&rowsPerPage=2"])
def test_phonesystemassociations_ignore_paging(seed, params):
    """§3.1: paging parameters are ignored, even when malformed, on phonesystemassociations."""
    for ps in (PS, "objectid"):
        r = seed.get(f"/vmrest/phonesystems/{ps}/phonesystemassociations?{params}", accept=JSON)
        assert (r.status, r.body) == (200, SPEC_EMPTY_JSON.encode()), r
        r = seed.get(f"/vmrest/phonesystems/{ps}/phonesystemassociations?{params}")
        assert (r.status, r.body) == (200, SPEC_PSA_EMPTY_XML.encode()), r


# =================================================================================================
# 2. §5.8 port group servers: the SDK's TFTP example and every "more cases" row

def test_sdk_tftp_example(seed, host):
    """§5.8.5: the SDK's XML (space before '>', the group repeated in the body)."""
    before_pg = seed.get(f"/vmrest/portgroups/{PG_SIP}").body
    r = seed.post(pgs_path(PG_SIP), body=SPEC_SDK_TFTP_BODY, ctype=XML)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    want = pgserver_fields(sid, PG_SIP, 101, "192.0.2.21", prec=0)
    assert seed.get(pgs_path(PG_SIP, sid)).body == xml_doc("PortGroupServer", want).encode()
    assert seed.get(pgs_path(PG_SIP, sid), accept=JSON).body == json_obj(want).encode()
    assert b"TlsPort" not in seed.get(pgs_path(PG_SIP, sid)).body
    # the list, in default order (Precedence, then ObjectId)
    lst = sorted([seed_pgservers(PG_SIP)[0], want],
                 key=lambda f: (int(dict(f)["Precedence"]), dict(f)["ObjectId"]))
    assert seed.get(pgs_path(PG_SIP), accept=JSON).body == \
        json_coll("PortGroupServer", lst).encode()
    check_204(seed.put(pgs_path(PG_SIP, sid), body="<PortGroupServer><Port>1234</Port>"
                       "</PortGroupServer>", ctype=XML))
    want = pgserver_fields(sid, PG_SIP, 101, "192.0.2.21", port=1234, prec=0)
    assert seed.get(pgs_path(PG_SIP, sid), accept=JSON).body == json_obj(want).encode()
    check_204(seed.delete(pgs_path(PG_SIP, sid)))
    assert seed.get(pgs_path(PG_SIP, sid)).status == 404
    assert seed.get(pgs_path(PG_SIP)).body == SPEC_PGS_SIP_LIST_XML.encode()
    assert seed.get(f"/vmrest/portgroups/{PG_SIP}").body == before_pg  # parent unchanged
    assert_error(seed.delete(pgs_path(PG_SIP, sid), accept=JSON), 404, "NOT_FOUND", "json")


def _srv_created(service, host_=None, v6=None, port=None, tls=None, prec=None):
    def check(cli, r, oid, pg=PG_SIP):
        d = get_obj(cli, pgs_path(pg, oid))
        dport, dtls = {100: (2000, 2443), 101: (69, None), 102: (5060, 5061),
                       104: (5060, 5061)}[service]
        want = pgserver_fields(oid, pg, service, host_, v6,
                               port=dport if port is None else port,
                               tls=dtls if tls is None else tls, prec=prec)
        assert list(d.items()) == [(k, v) for k, v in want if v is not None], d
    return check


SIP_SRV = pgs_path(PG_SIP, SRV_SIP)
SRV_ROWS = [
    # (id, method, path, body, status, code, field, check)
    ("primary-default", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "192.0.2.23"}, 201, None,
     None, _srv_created(102, "192.0.2.23", prec=1)),
    ("ccm-on-sip", "POST", pgs_path(PG_SIP),
     {"MediaRemoteServiceEnum": 100, "HostOrIPAddress": "192.0.2.23"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("axl-on-sip", "POST", pgs_path(PG_SIP),
     {"MediaRemoteServiceEnum": 103, "HostOrIPAddress": "192.0.2.23"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("service-99", "POST", pgs_path(PG_SIP), {"MediaRemoteServiceEnum": 99, "HostOrIPAddress": "x"},
     400, "INVALID_PARAMETER", "MediaRemoteServiceEnum", None),
    ("service-107", "POST", pgs_path(PG_SIP),
     {"MediaRemoteServiceEnum": 107, "HostOrIPAddress": "x"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("asr-105", "POST", pgs_path(PG_SIP), {"MediaRemoteServiceEnum": 105, "HostOrIPAddress": "x"},
     400, "INVALID_PARAMETER", "MediaRemoteServiceEnum", None),
    ("tts-106-sccp", "POST", pgs_path(PG_SCCP),
     {"MediaRemoteServiceEnum": 106, "HostOrIPAddress": "x"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("no-address", "POST", pgs_path(PG_SIP), {"MediaRemoteServiceEnum": 102}, 400,
     "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("empty-address", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": ""}, 400,
     "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("both-empty", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "", "HostOrIPAddressV6": ""},
     400, "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("v6-only", "POST", pgs_path(PG_SIP), {"HostOrIPAddressV6": "2001:db8::21"}, 201, None, None,
     _srv_created(102, None, "2001:db8::21", prec=1)),
    ("port-0", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "192.0.2.23", "Port": 0}, 400,
     "INVALID_PARAMETER", "Port", None),
    ("port-65536", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "192.0.2.23", "Port": 65536},
     400, "INVALID_PARAMETER", "Port", None),
    ("tlsport-x", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "192.0.2.23", "TlsPort": "x"},
     400, "INVALID_PARAMETER", "TlsPort", None),
    ("tlsport-0", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "192.0.2.23", "TlsPort": 0},
     400, "INVALID_PARAMETER", "TlsPort", None),
    ("port-65535-ok", "POST", pgs_path(PG_SIP),
     {"HostOrIPAddress": "192.0.2.23", "Port": 65535, "TlsPort": 1}, 201, None, None,
     _srv_created(102, "192.0.2.23", port=65535, tls=1, prec=1)),
    ("space-in-address", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "a b"}, 400,
     "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("address-256", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "h" * 256}, 400,
     "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("address-255-ok", "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "h" * 255}, 201, None, None,
     _srv_created(102, "h" * 255, prec=1)),
    ("ssm-30", "POST", pgs_path(PG_SIP),
     {"HostOrIPAddress": "192.0.2.23", "SkinnyStateMachineEnum": 30}, 400, "INVALID_PARAMETER",
     "SkinnyStateMachineEnum", None),
    ("precedence-10000", "POST", pgs_path(PG_SIP),
     {"HostOrIPAddress": "192.0.2.23", "Precedence": 10000}, 400, "INVALID_PARAMETER",
     "Precedence", None),
    ("precedence-neg", "POST", pgs_path(PG_SIP),
     {"HostOrIPAddress": "192.0.2.23", "Precedence": -1}, 400, "INVALID_PARAMETER",
     "Precedence", None),
    ("precedence-given", "POST", pgs_path(PG_SIP),
     {"HostOrIPAddress": "192.0.2.23", "Precedence": 9999, "SkinnyStateMachineEnum": 20}, 201,
     None, None, None),
    ("format-before-address", "POST", pgs_path(PG_SIP), {"Port": 0}, 400, "INVALID_PARAMETER",
     "Port", None),
    ("address-before-service", "POST", pgs_path(PG_SIP), {"MediaRemoteServiceEnum": 100}, 400,
     "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("unknown-group", "POST", pgs_path(PG_SIP_DIGIT1), {"HostOrIPAddress": "x"}, 404,
     "NOT_FOUND", None, None),
    ("unknown-group-bad-body", "POST", pgs_path(PG_SIP_DIGIT1), {"Port": "bad"}, 404,
     "NOT_FOUND", None, None),
    ("pimg-tftp", "POST", pgs_path(PG_PIMG), {"MediaRemoteServiceEnum": 101, "HostOrIPAddress": "x"},  # noqa: E501
     400, "INVALID_PARAMETER", "MediaRemoteServiceEnum", None),
    ("pimg-sip", "POST", pgs_path(PG_PIMG), {"MediaRemoteServiceEnum": 102, "HostOrIPAddress": "x"},
     400, "INVALID_PARAMETER", "MediaRemoteServiceEnum", None),
    ("pimg-default", "POST", pgs_path(PG_PIMG), {"HostOrIPAddress": "192.0.2.32"}, 201, None,
     None, lambda c, r, o: _srv_created(104, "192.0.2.32", prec=1)(c, r, o, PG_PIMG)),
    ("sccp-default", "POST", pgs_path(PG_SCCP), {"HostOrIPAddress": "192.0.2.23"}, 201, None,
     None, lambda c, r, o: _srv_created(100, "192.0.2.23", prec=2)(c, r, o, PG_SCCP)),
    ("sccp-tftp", "POST", pgs_path(PG_SCCP),
     {"MediaRemoteServiceEnum": 101, "HostOrIPAddress": "192.0.2.23"}, 201, None, None,
     lambda c, r, o: _srv_created(101, "192.0.2.23", prec=1)(c, r, o, PG_SCCP)),
    ("sccp-sip-refused", "POST", pgs_path(PG_SCCP),
     {"MediaRemoteServiceEnum": 102, "HostOrIPAddress": "x"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("sccp-pimg-refused", "POST", pgs_path(PG_SCCP),
     {"MediaRemoteServiceEnum": 104, "HostOrIPAddress": "x"}, 400, "INVALID_PARAMETER",
     "MediaRemoteServiceEnum", None),
    ("sip-tftp", "POST", pgs_path(PG_SIP),
     {"MediaRemoteServiceEnum": 101, "HostOrIPAddress": "192.0.2.21"}, 201, None, None,
     _srv_created(101, "192.0.2.21", prec=0)),
    ("put-casing", "PUT", SIP_SRV,
     "<PortGroupServer><HostOrIpAddress>cucm-a.example.net</HostOrIpAddress></PortGroupServer>",
     204, None, None,
     lambda c, r, o: _srv_created(102, "cucm-a.example.net", prec=0)(c, r, SRV_SIP)),
    ("put-no-address", "PUT", SIP_SRV, {"HostOrIPAddress": ""}, 400, "INVALID_PARAMETER",
     "HostOrIPAddress", None),
    ("put-v6-left", "PUT", SIP_SRV, {"HostOrIPAddressV6": "2001:db8::21", "HostOrIPAddress": ""},
     204, None, None, lambda c, r, o: _srv_created(102, None, "2001:db8::21", prec=0)(c, r, SRV_SIP)),  # noqa: E501
    ("put-both", "PUT", SIP_SRV, {"HostOrIPAddressV6": "2001:db8::21"}, 204, None, None,
     lambda c, r, o: _srv_created(102, "192.0.2.21", "2001:db8::21", prec=0)(c, r, SRV_SIP)),
    ("put-service-ignored", "PUT", SIP_SRV, {"MediaRemoteServiceEnum": 101, "Precedence": "5"},
     204, None, None, lambda c, r, o: _srv_created(102, "192.0.2.21", prec=5)(c, r, SRV_SIP)),
    ("put-service-invalid-ignored", "PUT", SIP_SRV, {"MediaRemoteServiceEnum": "junk"}, 204,
     None, None, lambda c, r, o: _srv_created(102, "192.0.2.21", prec=0)(c, r, SRV_SIP)),
    ("put-port-70000", "PUT", SIP_SRV, {"Port": 70000}, 400, "INVALID_PARAMETER", "Port", None),
    ("put-port-null", "PUT", SIP_SRV, {"Port": None}, 400, "INVALID_PARAMETER", "Port", None),
    ("put-atomic", "PUT", SIP_SRV, {"Port": 1234, "TlsPort": 0}, 400, "INVALID_PARAMETER",
     "TlsPort", None),
    ("put-ssm-20", "PUT", SIP_SRV, {"SkinnyStateMachineEnum": 20, "Port": "5070", "TlsPort": 5071},
     204, None, None, None),
    ("put-unknown-server", "PUT", pgs_path(PG_SIP, "bogus"), {"Port": 1}, 404, "NOT_FOUND",
     None, None),
    ("put-wrong-group", "PUT", pgs_path(PG_SCCP, SRV_SIP), {"Port": 1}, 404, "NOT_FOUND", None,
     None),
    ("delete-wrong-group", "DELETE", pgs_path(PG_SCCP, SRV_SIP), None, 404, "NOT_FOUND", None,
     None),
    ("get-wrong-group", "GET", pgs_path(PG_SCCP, SRV_SIP), None, 404, "NOT_FOUND", None, None),
    ("head-wrong-group", "HEAD", pgs_path(PG_SCCP, SRV_SIP), None, 404, None, None, None),
    ("put-collection", "PUT", pgs_path(PG_SIP), {"Port": 1}, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("delete-collection", "DELETE", pgs_path(PG_SIP), None, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("post-object", "POST", SIP_SRV, {"HostOrIPAddress": "x"}, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("delete-last", "DELETE", SIP_SRV, None, 204, None, None,
     lambda c, r, o: (items(c, pgs_path(PG_SIP), "PortGroupServer") == (0, []) or
                      pytest.fail("list not empty"))),
]


def row_params(rows):
    """Each row in both formats; a row whose body is literal XML only in XML."""
    return [pytest.param(r, f, id=f"{r[0]}-{f}") for r in rows for f in FMTS
            if f == "xml" or not isinstance(r[3], str)]


@pytest.mark.parametrize("row,fmt", row_params(SRV_ROWS))
def test_pgserver_cases(seed, host, row, fmt):
    """§5.8.3, §5.8.5 "more cases": each from a fresh seed, JSON and XML bodies; a rejected
    request leaves every listing byte-identical."""
    _run_row(seed, host, row, fmt, "PortGroupServer", 109)


def _run_row(cli, host, row, fmt, root, length):
    name, method, path, body, status, code, field, check = row
    before = snapshot(cli) if status >= 400 else None
    if body is None:
        r = cli.request(method, path, accept=ACCEPT[fmt])
    else:
        r = send(cli, method, path, body, "xml" if isinstance(body, str) else fmt, root,
                 accept=ACCEPT[fmt])
    oid = None
    if status == 201:
        oid = check_201(r, host, path, length)
    elif status == 204:
        check_204(r)
    elif method == "HEAD":
        assert r.status == status and r.body == b"", r
    else:
        assert_error(r, status, code, fmt, field=field)
        if status == 405:
            want = "GET, HEAD, POST" if method in ("PUT", "DELETE") else "GET, HEAD, PUT, DELETE"
            assert r.headers.get("Allow") == want, r.headers
    if check:
        check(cli, r, oid)
    if before is not None:
        assert_unchanged(cli, before)


def test_pgserver_query_sort_example(seed):
    """§5.8.5: the two CCM servers of the SCCP group, 192.0.2.22 first."""
    p = pgs_path(PG_SCCP) + "?query=(MediaRemoteServiceEnum%20is%20100)&sort=(Precedence%20desc)"
    want = [seed_pgservers(PG_SCCP)[2], seed_pgservers(PG_SCCP)[0]]
    assert seed.get(p, accept=JSON).body == json_coll("PortGroupServer", want).encode()
    assert seed.get(p).body == xml_coll("PortGroupServers", "PortGroupServer", want).encode()


def test_pgserver_32_limit(seed, host):
    """§5.8.2: at most 32 servers per group; the 33rd → LICENSE_EXCEEDED and changes nothing;
    Precedence is assigned highest + 1 per service; a delete frees a slot."""
    made = []
    for i in range(MAX_PG_SERVERS - 1):
        r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": f"10.0.0.{i + 1}"}),
                      ctype=JSON)
        made.append(check_201(r, host, pgs_path(PG_SIP), 109))
    total, its = items(seed, pgs_path(PG_SIP), "PortGroupServer")
    assert total == MAX_PG_SERVERS
    assert [e["Precedence"] for e in its] == [str(i) for i in range(MAX_PG_SERVERS)]
    before = snapshot(seed)
    for fmt in FMTS:
        r = send(seed, "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "10.9.9.9"}, fmt,
                 "PortGroupServer")
        assert_error(r, 400, "LICENSE_EXCEEDED", fmt)
        # a TFTP server counts towards the same limit
        r = send(seed, "POST", pgs_path(PG_SIP),
                 {"HostOrIPAddress": "10.9.9.9", "MediaRemoteServiceEnum": 101}, fmt,
                 "PortGroupServer")
        assert_error(r, 400, "LICENSE_EXCEEDED", fmt)
    # field checks come before the limit (§5.8.3 steps 2-4 before 5)
    r = send(seed, "POST", pgs_path(PG_SIP), {"HostOrIPAddress": "x", "MediaRemoteServiceEnum":
                                               100}, "json", "PortGroupServer")
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="MediaRemoteServiceEnum")
    r = send(seed, "POST", pgs_path(PG_SIP), {"Port": 0, "HostOrIPAddress": "x"}, "json",
             "PortGroupServer")
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="Port")
    assert_unchanged(seed, before)
    # the limit is per group
    r = seed.post(pgs_path(PG_ROHIT), body='{"HostOrIPAddress":"10.9.9.9"}', ctype=JSON)
    check_201(r, host, pgs_path(PG_ROHIT), 109)
    # deleting one frees a slot
    check_204(seed.delete(pgs_path(PG_SIP, made[-1])))
    r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"10.9.9.9"}', ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    assert get_obj(seed, pgs_path(PG_SIP, sid))["Precedence"] == "31"


def test_pgserver_precedence_never_renumbered(seed, host):
    """§5.8.2: deleting a server never renumbers the others; precedence per service."""
    a = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a"}', ctype=JSON),
               pgs_path(PG_SIP))
    b_ = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"b"}', ctype=JSON),
                pgs_path(PG_SIP))
    assert get_obj(seed, pgs_path(PG_SIP, a))["Precedence"] == "1"
    assert get_obj(seed, pgs_path(PG_SIP, b_))["Precedence"] == "2"
    check_204(seed.delete(pgs_path(PG_SIP, a)))
    assert get_obj(seed, pgs_path(PG_SIP, b_))["Precedence"] == "2"
    assert get_obj(seed, SIP_SRV)["Precedence"] == "0"
    # a TFTP server starts its own sequence at 0
    t = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a",'
                         '"MediaRemoteServiceEnum":101}', ctype=JSON), pgs_path(PG_SIP))
    assert get_obj(seed, pgs_path(PG_SIP, t))["Precedence"] == "0"
    t2 = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a",'
                          '"MediaRemoteServiceEnum":101}', ctype=JSON), pgs_path(PG_SIP))
    assert get_obj(seed, pgs_path(PG_SIP, t2))["Precedence"] == "1"
    # highest + 1 even after an explicit high value; never more than 9999
    h = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a","Precedence":9999}',
                         ctype=JSON), pgs_path(PG_SIP))
    assert get_obj(seed, pgs_path(PG_SIP, h))["Precedence"] == "9999"
    n = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a"}', ctype=JSON),
               pgs_path(PG_SIP))
    assert get_obj(seed, pgs_path(PG_SIP, n))["Precedence"] == "9999"


def test_pgserver_same_address_allowed(seed, host):
    """§5.8.2: no uniqueness; a DisplayName in a body is an unknown field."""
    for _ in range(2):
        r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"192.0.2.21",'
                      '"DisplayName":"ignored"}', ctype=JSON)
        sid = check_201(r, host, pgs_path(PG_SIP), 109)
        assert "DisplayName" not in get_obj(seed, pgs_path(PG_SIP, sid))
    assert items(seed, pgs_path(PG_SIP), "PortGroupServer")[0] == 3


# =================================================================================================
# 3. §5.9 port group codecs

def test_sdk_codec_example(seed, host):
    """§5.9.5: the SDK's XML adds G.711 a-law with Preference 1; it and G.729 tie on Preference
    and are ordered by ObjectId."""
    r = seed.post(pgc_path(PG_SIP), body=SPEC_SDK_CODEC_BODY, ctype=XML)
    cid = check_201(r, host, pgc_path(PG_SIP), 108)
    new = pgcodec_fields(cid, PG_SIP, CODEC_ALAW, 20, 1)
    mu, g729 = seed_pgcodecs(PG_SIP)
    assert seed.get(pgc_path(PG_SIP, cid)).body == xml_doc("PortGroupCodec", new).encode()
    tail = sorted([new, g729], key=lambda f: dict(f)["ObjectId"])
    assert seed.get(pgc_path(PG_SIP), accept=JSON).body == \
        json_coll("PortGroupCodec", [mu] + tail).encode()
    assert seed.get(pgc_path(PG_SIP)).body == \
        xml_coll("PortGroupCodecs", "PortGroupCodec", [mu] + tail).encode()


def test_codec_duplicate_exact(seed):
    """§5.9.5: the exact DUPLICATE_NAME body."""
    before = snapshot(seed)
    r = seed.post(pgc_path(PG_SIP), body='{"RtpCodecDefObjectId":"' + CODEC_MULAW + '"}',
                  ctype=JSON, accept=JSON)
    assert r.status == 400, r
    assert r.body == SPEC_CODEC_DUP_JSON.encode(), r.body
    r = seed.post(pgc_path(PG_SIP), body=f"<PortGroupCodec><RtpCodecDefObjectId>{CODEC_MULAW}"
                  "</RtpCodecDefObjectId></PortGroupCodec>", ctype=XML)
    assert r.status == 400
    assert r.body == (X + "<ErrorDetails><errors><code>DUPLICATE_NAME</code><message>port group "
                      "PhoneSystem-1 already advertises G.711 mu-law</message></errors>"
                      "</ErrorDetails>").encode(), r.body
    assert_unchanged(seed, before)


def _codec_created(codec, size, pref, pg=PG_SIP):
    def check(cli, r, oid):
        assert get_obj(cli, pgc_path(pg, oid)) == dict(pgcodec_fields(oid, pg, codec, size, pref))
    return check


def _codec_is(cid, codec, size, pref, pg=PG_SIP):
    def check(cli, r, oid):
        assert cli.get(pgc_path(pg, cid), accept=JSON).body == \
            json_obj(pgcodec_fields(cid, pg, codec, size, pref)).encode()
    return check


def _after_pref5(cli, r, oid):
    mu, g729 = seed_pgcodecs(PG_SIP)
    mu5 = pgcodec_fields(MU_SIP, PG_SIP, CODEC_MULAW, 30, 5)
    assert cli.get(pgc_path(PG_SIP), accept=JSON).body == \
        json_coll("PortGroupCodec", [g729, mu5]).encode()


MU_PATH = pgc_path(PG_SIP, MU_SIP)
CODEC_ROWS = [
    ("duplicate", "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": CODEC_MULAW}, 400,
     "DUPLICATE_NAME", None, None),
    ("duplicate-g729", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G729, "PreferredPacketSizeMs": 30}, 400, "DUPLICATE_NAME",
     None, None),
    ("g722", "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": CODEC_G722}, 201, None, None,
     _codec_created(CODEC_G722, 20, 2)),
    ("ilbc-30-pref", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_ILBC, "PreferredPacketSizeMs": "30", "Preference": "9999"},
     201, None, None, _codec_created(CODEC_ILBC, 30, 9999)),
    ("size-10", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G722, "PreferredPacketSizeMs": 10}, 201, None, None,
     _codec_created(CODEC_G722, 10, 2)),
    ("nope", "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": "nope"}, 400,
     "INVALID_PARAMETER", "RtpCodecDefObjectId", None),
    ("codec-case", "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": CODEC_G722.upper()}, 400,
     "INVALID_PARAMETER", "RtpCodecDefObjectId", None),
    ("size-25", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G722, "PreferredPacketSizeMs": 25}, 400, "INVALID_PARAMETER",
     "PreferredPacketSizeMs", None),
    ("size-0", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G722, "PreferredPacketSizeMs": 0}, 400, "INVALID_PARAMETER",
     "PreferredPacketSizeMs", None),
    ("pref-10000", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G722, "Preference": 10000}, 400, "INVALID_PARAMETER",
     "Preference", None),
    ("pref-neg", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_G722, "Preference": "-1"}, 400, "INVALID_PARAMETER",
     "Preference", None),
    ("format-before-reference", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": "nope", "PreferredPacketSizeMs": 25}, 400, "INVALID_PARAMETER",
     "PreferredPacketSizeMs", None),
    ("format-before-duplicate", "POST", pgc_path(PG_SIP),
     {"RtpCodecDefObjectId": CODEC_MULAW, "Preference": "x"}, 400, "INVALID_PARAMETER",
     "Preference", None),
    ("missing-def", "POST", pgc_path(PG_SIP), {"PreferredPacketSizeMs": 20}, 400,
     "INVALID_PARAMETER", "RtpCodecDefObjectId", None),
    ("empty-body", "POST", pgc_path(PG_SIP), {}, 400, "INVALID_PARAMETER",
     "RtpCodecDefObjectId", None),
    ("empty-def", "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": ""}, 400,
     "INVALID_PARAMETER", "RtpCodecDefObjectId", None),
    ("unknown-group", "POST", pgc_path(PG_SIP_DIGIT1), {"RtpCodecDefObjectId": CODEC_G722},
     404, "NOT_FOUND", None, None),
    ("put-wrapper", "PUT", MU_PATH,
     {"PortGroupCodec": {"PreferredPacketSizeMs": "30", "Preference": 5}}, 204, None, None,
     _after_pref5),
    ("put-def-ignored", "PUT", MU_PATH,
     f"<PortGroupCodec><RtpCodecDefObjectId>{CODEC_G722}</RtpCodecDefObjectId></PortGroupCodec>",
     204, None, None, _codec_is(MU_SIP, CODEC_MULAW, 20, 0)),
    ("put-def-json-ignored", "PUT", MU_PATH, {"RtpCodecDefObjectId": "nope"}, 204, None, None,
     _codec_is(MU_SIP, CODEC_MULAW, 20, 0)),
    ("put-size-15", "PUT", MU_PATH, {"PreferredPacketSizeMs": 15}, 400, "INVALID_PARAMETER",
     "PreferredPacketSizeMs", None),
    ("put-atomic", "PUT", MU_PATH, {"PreferredPacketSizeMs": 30, "Preference": 10000}, 400,
     "INVALID_PARAMETER", "Preference", None),
    ("put-order", "PUT", MU_PATH, {"Preference": "x", "PreferredPacketSizeMs": 15}, 400,
     "INVALID_PARAMETER", "PreferredPacketSizeMs", None),
    ("put-wrong-group", "PUT", pgc_path(PG_SCCP, MU_SIP), {"Preference": 3}, 404, "NOT_FOUND",
     None, None),
    ("get-wrong-group", "GET", pgc_path(PG_SCCP, MU_SIP), None, 404, "NOT_FOUND", None, None),
    ("delete-wrong-group", "DELETE", pgc_path(PG_SCCP, MU_SIP), None, 404, "NOT_FOUND", None,
     None),
    ("put-collection", "PUT", pgc_path(PG_SIP), {"Preference": 3}, 405, "METHOD_NOT_ALLOWED",
     None, None),
    ("delete-collection", "DELETE", pgc_path(PG_SIP), None, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("post-object", "POST", MU_PATH, {"RtpCodecDefObjectId": CODEC_G722}, 405,
     "METHOD_NOT_ALLOWED", None, None),
]


@pytest.mark.parametrize("row,fmt", row_params(CODEC_ROWS))
def test_pgcodec_cases(seed, host, row, fmt):
    """§5.9.3, §5.9.5: each row from a fresh seed, JSON and XML bodies."""
    _run_row(seed, host, row, fmt, "PortGroupCodec", 108)


def test_codec_delete_all_then_add(seed, host):
    """§5.9.5: DELETE both codecs → 204, 204, then the list is empty; a second DELETE → 404;
    a group may advertise all five codecs and no more."""
    check_204(seed.delete(pgc_path(PG_SIP, MU_SIP)))
    check_204(seed.delete(pgc_path(PG_SIP, G729_SIP)))
    assert seed.get(pgc_path(PG_SIP), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert seed.get(pgc_path(PG_SIP)).body == SPEC_PGC_EMPTY_XML.encode()
    for fmt in FMTS:
        assert_error(seed.delete(pgc_path(PG_SIP, MU_SIP), accept=ACCEPT[fmt]), 404, "NOT_FOUND",
                     fmt)
    # Preference starts at 0 again in an empty group
    got = []
    for c in CODECDEFS_SORTED:
        r = seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": c}), ctype=JSON)
        got.append(check_201(r, host, pgc_path(PG_SIP), 108))
    want = [pgcodec_fields(o, PG_SIP, c, 20, i)
            for i, (o, c) in enumerate(zip(got, CODECDEFS_SORTED))]
    assert seed.get(pgc_path(PG_SIP), accept=JSON).body == \
        json_coll("PortGroupCodec", want).encode()
    before = snapshot(seed)
    for c in CODECDEFS_SORTED:
        r = seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": c}), ctype=JSON,
                      accept=JSON)
        assert_error(r, 400, "DUPLICATE_NAME", "json")
    assert_unchanged(seed, before)


def test_codec_same_definition_in_other_group(seed, host):
    """One definition once *per group*: G.722 can be added to two groups."""
    for g in (PG_SIP, PG_SCCP, PG_PIMG):
        r = seed.post(pgc_path(g), body=json.dumps({"RtpCodecDefObjectId": CODEC_G722}),
                      ctype=JSON)
        cid = check_201(r, host, pgc_path(g), 108)
        assert get_obj(seed, pgc_path(g, cid)) == dict(pgcodec_fields(cid, g, CODEC_G722, 20, 2))


# =================================================================================================
# 4. §5.10 codec definitions

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", [CODECDEFS, CODECDEFS + "/" + CODEC_MULAW,
                                  CODECDEFS + "/bogus",
                                  f"/vmrest/phonesystems/{PS}/phonesystemassociations"])
def test_readonly_writes_403(seed, reader, path, method):
    """§5, §5.10: POST, PUT and DELETE on read-only resources → 403, for every user."""
    before = snapshot(seed)
    for cli in (seed, reader):
        for fmt in FMTS:
            r = cli.request(method, path, body='{"DisplayName":"x"}', ctype=JSON,
                            accept=ACCEPT[fmt])
            assert_error(r, 403, "FORBIDDEN", fmt)
    assert_unchanged(seed, before)


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", [CODECDEFS, CODECDEFS + "/" + CODEC_MULAW,
                                  f"/vmrest/phonesystems/{PS}/phonesystemassociations"])
def test_readonly_other_methods_405(seed, path, method):
    r = seed.request(method, path, accept=JSON)
    assert r.status == 405, r
    assert r.headers.get("Allow") == "GET, HEAD", r.headers
    assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")


def test_codecdefs_unknown_404(seed):
    for p in ("bogus", CODEC_MULAW.upper(), "G.711 mu-law"):
        for fmt in FMTS:
            r = seed.get(CODECDEFS + "/" + urllib.parse.quote(p), accept=ACCEPT[fmt])
            assert_error(r, 404, "NOT_FOUND", fmt)


def test_codecdefs_unchanged_by_fixtures_and_reset(admin):
    for name in ("empty", "seed-example2", "seed"):
        admin.load(name)
        assert admin.get(CODECDEFS).body == SPEC_CODECDEFS_XML.encode()
    r = admin.post("/cupid/reset")
    assert r.status == 200
    assert admin.get(CODECDEFS, accept=JSON).body == SPEC_CODECDEFS_JSON.encode()
    admin.load("seed")


# =================================================================================================
# 5. §5.11 AXL servers

def _axl_check(host_, port=443, tls=443, prec=0, ssm=10, pin=False, user="", version=5,
               oid=None, ps=PS):
    def check(cli, r, new):
        o = oid or new
        want = axl_fields(o, ps, host_, port, tls, prec, ssm, pin, user, version)
        assert cli.get(axl_path(ps, o), accept=JSON).body == json_obj(want).encode()
        assert cli.get(axl_path(ps, o)).body == xml_doc("AXLServer", want).encode()
    return check


AXL = axl_path(PS)
AXL1 = axl_path(PS, SEED_AXL)
AXL_ROWS = [
    ("spec-post", "POST", AXL, SPEC_AXL_POST_BODY, 201, None, None,
     _axl_check("192.0.2.22", port=8443, prec=1, user="axladmin")),
    ("spec-put", "PUT", AXL1, SPEC_AXL_PUT_BODY, 204, None, None,
     _axl_check("192.0.2.21", user="CiscoCCM", oid=SEED_AXL)),
    ("no-host", "POST", AXL, {"Port": 443}, 400, "INVALID_PARAMETER", "HostOrIPAddress", None),
    ("empty-host", "POST", AXL, {"HostOrIPAddress": ""}, 400, "INVALID_PARAMETER",
     "HostOrIPAddress", None),
    ("space-host", "POST", AXL, {"HostOrIPAddress": "a b"}, 400, "INVALID_PARAMETER",
     "HostOrIPAddress", None),
    ("pin-yes", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "IsPinSyncEnabled": "yes"}, 400,
     "INVALID_PARAMETER", "IsPinSyncEnabled", None),
    ("port-0", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "Port": 0}, 400,
     "INVALID_PARAMETER", "Port", None),
    ("tls-65536", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "TlsPort": 65536}, 400,
     "INVALID_PARAMETER", "TlsPort", None),
    ("prec-10000", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "Precedence": 10000}, 400,
     "INVALID_PARAMETER", "Precedence", None),
    ("ssm-15", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "SkinnyStateMachineEnum": 15}, 400,
     "INVALID_PARAMETER", "SkinnyStateMachineEnum", None),
    ("user-129", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "CcmAXLUser": "u" * 129}, 400,
     "INVALID_PARAMETER", "CcmAXLUser", None),
    ("password-129", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "CcmAXLPassword": "p" * 129},
     400, "INVALID_PARAMETER", "CcmAXLPassword", None),
    ("version-100", "POST", AXL, {"HostOrIPAddress": "192.0.2.22", "CcmVersion": 100}, 400,
     "INVALID_PARAMETER", "CcmVersion", None),
    ("format-before-host", "POST", AXL, {"Port": "x"}, 400, "INVALID_PARAMETER", "Port", None),
    ("all-fields", "POST", AXL,
     {"HostOrIPAddress": "cucm.example.net", "Port": 8443, "TlsPort": 8444, "Precedence": 7,
      "SkinnyStateMachineEnum": 20, "IsPinSyncEnabled": "TRUE", "CcmAXLUser": "u" * 128,
      "CcmAXLPassword": "p" * 128, "CcmVersion": 99, "MediaRemoteServiceEnum": 100,
      "MediaSwitchObjectId": "nope"}, 201, None, None,
     _axl_check("cucm.example.net", 8443, 8444, 7, 20, True, "u" * 128, 99)),
    ("version-0", "POST", AXL, {"HostOrIPAddress": "h", "CcmVersion": 0}, 201, None, None,
     _axl_check("h", prec=1, version=0)),
    ("unknown-ps", "POST", "/vmrest/phonesystems/nope/axlservers", {"HostOrIPAddress": "x"}, 404,
     "NOT_FOUND", None, None),
    ("put-host-empty", "PUT", AXL1, {"HostOrIPAddress": ""}, 400, "INVALID_PARAMETER",
     "HostOrIPAddress", None),
    ("put-port-0", "PUT", AXL1, {"Port": 0}, 400, "INVALID_PARAMETER", "Port", None),
    ("put-atomic", "PUT", AXL1, {"CcmAXLUser": "changed", "CcmVersion": -1}, 400,
     "INVALID_PARAMETER", "CcmVersion", None),
    ("put-fields", "PUT", AXL1,
     {"HostOrIPAddress": "192.0.2.99", "Port": 1, "TlsPort": 65535, "Precedence": 3,
      "IsPinSyncEnabled": 1, "CcmAXLPassword": "new-secret", "MediaRemoteServiceEnum": 7},
     204, None, None,
     _axl_check("192.0.2.99", 1, 65535, 3, pin=True, user="axladmin", oid=SEED_AXL)),
    ("put-unknown", "PUT", axl_path(PS, "bogus"), {"Port": 1}, 404, "NOT_FOUND", None, None),
    ("put-unknown-ps", "PUT", axl_path("nope", SEED_AXL), {"Port": 1}, 404, "NOT_FOUND", None,
     None),
    ("get-unknown-ps", "GET", axl_path("nope", SEED_AXL), None, 404, "NOT_FOUND", None, None),
    ("delete-unknown-ps", "DELETE", axl_path("nope", SEED_AXL), None, 404, "NOT_FOUND", None,
     None),
    ("put-collection", "PUT", AXL, {"Port": 1}, 405, "METHOD_NOT_ALLOWED", None, None),
    ("delete-collection", "DELETE", AXL, None, 405, "METHOD_NOT_ALLOWED", None, None),
    ("post-object", "POST", AXL1, {"HostOrIPAddress": "x"}, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("delete", "DELETE", AXL1, None, 204, None, None,
     lambda c, r, o: c.get(AXL).body == SPEC_AXL_EMPTY_XML.encode() or pytest.fail("not empty")),
]


@pytest.mark.parametrize("row,fmt", row_params(AXL_ROWS))
def test_axl_cases(seed, host, row, fmt):
    """§5.11: each row from a fresh seed, JSON and XML bodies."""
    _run_row(seed, host, row, fmt, "AXLServer", 105)


def test_axl_password_query_sort_400(seed):
    for p in ("query=(CcmAXLPassword%20is%20x)", "query=(ccmaxlpassword%20startswith%20)",
              "query=(CcmAXLPassword%20is%20%20)"):
        for fmt in FMTS:
            assert_error(seed.get(AXL + "?" + p, accept=ACCEPT[fmt]), 400, "INVALID_PARAMETER",
                         fmt, field="query")
    for fmt in FMTS:
        assert_error(seed.get(AXL + "?sort=(CcmAXLPassword)", accept=ACCEPT[fmt]), 400,
                     "INVALID_PARAMETER", fmt, field="sort")
        assert_error(seed.get(AXL + "?sort=(CcmAXLPassword%20desc)", accept=ACCEPT[fmt]), 400,
                     "INVALID_PARAMETER", fmt, field="sort")


def test_axl_password_never_shown(seed, server, host):
    """§5.11: the password is accepted, checked, then dropped; never in a representation, the
    audit log or the metrics."""
    secret = "AxlSecretMarker-7f3"
    since = last_audit_id(seed)
    r = seed.post(AXL, body=json.dumps({"HostOrIPAddress": "h", "CcmAXLPassword": secret}),
                  ctype=JSON)
    aid = check_201(r, host, AXL, 105)
    check_204(seed.put(axl_path(PS, aid), body=f"<AXLServer><CcmAXLPassword>{secret}2"
                       "</CcmAXLPassword></AXLServer>", ctype=XML))
    for acc in (XML, JSON):
        for p in (AXL, axl_path(PS, aid)):
            body = seed.get(p, accept=acc).body
            assert secret.encode() not in body
        assert b"<CcmAXLPassword/>" in seed.get(axl_path(PS, aid)).body
        assert get_obj(seed, axl_path(PS, aid))["CcmAXLPassword"] == ""
    text = seed.get(f"/cupid/audit?since={since}").text
    assert secret not in text
    assert secret not in metrics_text(seed)
    assert secret not in server.stderr_text()


def test_axl_16_limit(seed, host):
    """§5.11: at most 16 AXL servers per phone system; another phone system is independent."""
    for i in range(MAX_AXL_SERVERS - 1):
        r = seed.post(AXL, body=json.dumps({"HostOrIPAddress": f"10.0.1.{i}"}), ctype=JSON)
        aid = check_201(r, host, AXL, 105)
        assert get_obj(seed, axl_path(PS, aid))["Precedence"] == str(i + 1)
    assert items(seed, AXL, "AXLServer")[0] == MAX_AXL_SERVERS
    before = snapshot(seed)
    for fmt in FMTS:
        r = send(seed, "POST", AXL, {"HostOrIPAddress": "10.9.9.9"}, fmt, "AXLServer")
        assert_error(r, 400, "LICENSE_EXCEEDED", fmt)
    # field checks come before the limit
    r = send(seed, "POST", AXL, {"Port": 443}, "json", "AXLServer")
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    assert_unchanged(seed, before)
    r = seed.post("/vmrest/phonesystems", body='{"DisplayName":"Other"}', ctype=JSON)
    ps2 = new_id(r, "/vmrest/phonesystems")
    r = seed.post(axl_path(ps2), body='{"HostOrIPAddress":"10.9.9.9"}', ctype=JSON)
    aid = check_201(r, host, axl_path(ps2), 105)
    assert get_obj(seed, axl_path(ps2, aid)) == dict(axl_fields(aid, ps2, "10.9.9.9"))


def test_axl_wrong_parent_404(seed, host):
    """§5.7.1: a child is reached only below its own parent."""
    ps2 = new_id(seed.post("/vmrest/phonesystems", body='{"DisplayName":"Other"}', ctype=JSON),
                 "/vmrest/phonesystems")
    assert seed.get(axl_path(ps2), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    before = snapshot(seed, [axl_path(ps2)])
    for method, body in (("GET", None), ("HEAD", None), ("PUT", '{"Port":1}'), ("DELETE", None)):
        r = seed.request(method, axl_path(ps2, SEED_AXL), body=body,
                         ctype=JSON if body else None, accept=JSON)
        assert r.status == 404, (method, r)
        if method != "HEAD":
            assert_error(r, 404, "NOT_FOUND", "json")
    assert_unchanged(seed, before, [axl_path(ps2)])
    # the parent in the body is ignored: the path decides
    r = seed.post(axl_path(ps2), body=json.dumps({"HostOrIPAddress": "x",
                                                  "MediaSwitchObjectId": PS}), ctype=JSON)
    aid = check_201(r, host, axl_path(ps2), 105)
    assert get_obj(seed, axl_path(ps2, aid))["MediaSwitchObjectId"] == ps2
    assert items(seed, AXL, "AXLServer")[0] == 1
    check_204(seed.put(axl_path(ps2, aid), body=json.dumps({"MediaSwitchObjectId": PS}),
                       ctype=JSON))
    assert seed.get(axl_path(PS, aid)).status == 404
    assert get_obj(seed, axl_path(ps2, aid))["MediaSwitchObjectId"] == ps2


# =================================================================================================
# 6. §5.12 SIP security profiles

def _sip_check(port, tls, oid=None):
    def check(cli, r, new):
        o = oid or new
        want = sipprofile_fields(o, port, tls)
        assert cli.get(sip_path(o), accept=JSON).body == json_obj(want).encode()
        assert cli.get(sip_path(o)).body == xml_doc("SipSecurityProfile", want).encode()
    return check


def _sip_reset_restores(cli, r, new):
    assert cli.get(sip_path(SIP_5060)).status == 404
    assert items(cli, SIPS, "SipSecurityProfile")[1] == [dict(BUILTIN_SIP[1])]
    rr = cli.post("/cupid/reset")
    assert rr.status == 200, rr
    assert cli.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    cli.load("seed")


SIP_ROWS = [
    ("spec-post", "POST", SIPS, "<SipSecurityProfile><Port>5070</Port><DoTLS>true</DoTLS>"
     "</SipSecurityProfile>", 201, None, None, _sip_check(5070, True)),
    ("dup-5060", "POST", SIPS, {"Port": "5060"}, 400, "DUPLICATE_NAME", None, None),
    ("dup-5061tls", "POST", SIPS, {"Port": 5061, "DoTLS": 1}, 400, "DUPLICATE_NAME", None, None),
    ("5060-tls", "POST", SIPS, {"Port": "5060", "DoTLS": "true"}, 201, None, None,
     _sip_check(5060, True)),
    ("5061-plain", "POST", SIPS, {"Port": 5061}, 201, None, None, _sip_check(5061, False)),
    ("no-port", "POST", SIPS, {"DoTLS": True}, 400, "INVALID_PARAMETER", "Port", None),
    ("port-70000", "POST", SIPS, {"Port": 70000}, 400, "INVALID_PARAMETER", "Port", None),
    ("port-0", "POST", SIPS, {"Port": 0}, 400, "INVALID_PARAMETER", "Port", None),
    ("dotls-maybe", "POST", SIPS, {"Port": 5070, "DoTLS": "maybe"}, 400, "INVALID_PARAMETER",
     "DoTLS", None),
    ("format-before-required", "POST", SIPS, {"DoTLS": "maybe"}, 400, "INVALID_PARAMETER",
     "DoTLS", None),
    ("format-before-dup", "POST", SIPS, {"Port": 5060, "DoTLS": "maybe"}, 400,
     "INVALID_PARAMETER", "DoTLS", None),
    ("displayname-ignored", "POST", SIPS, {"Port": 6000, "DisplayName": "5060"}, 201, None, None,
     _sip_check(6000, False)),
    ("put-tls-off", "PUT", sip_path(SIP_5061TLS), {"DoTLS": "false"}, 204, None, None,
     _sip_check(5061, False, SIP_5061TLS)),
    ("put-dup", "PUT", sip_path(SIP_5061TLS), {"Port": 5060, "DoTLS": False}, 400,
     "DUPLICATE_NAME", None, None),
    ("put-same-name", "PUT", sip_path(SIP_5061TLS), {"Port": 5061, "DoTLS": True}, 204, None,
     None, _sip_check(5061, True, SIP_5061TLS)),
    ("put-port-0", "PUT", sip_path(SIP_5060), {"Port": 0}, 400, "INVALID_PARAMETER", "Port",
     None),
    ("put-unknown", "PUT", sip_path("bogus"), {"Port": 7000}, 404, "NOT_FOUND", None, None),
    ("delete-unknown", "DELETE", sip_path("bogus"), None, 404, "NOT_FOUND", None, None),
    ("put-collection", "PUT", SIPS, {"Port": 1}, 405, "METHOD_NOT_ALLOWED", None, None),
    ("delete-collection", "DELETE", SIPS, None, 405, "METHOD_NOT_ALLOWED", None, None),
    ("post-object", "POST", sip_path(SIP_5060), {"Port": 1}, 405, "METHOD_NOT_ALLOWED", None,
     None),
    ("delete-builtin", "DELETE", sip_path(SIP_5060), None, 204, None, None, _sip_reset_restores),
]


@pytest.mark.parametrize("row,fmt", row_params(SIP_ROWS))
def test_sipprofile_cases(seed, host, row, fmt):
    """§5.12: each row from the built-in profiles, JSON and XML bodies."""
    _run_row(seed, host, row, fmt, "SipSecurityProfile", 64)


def test_sipprofile_delete_twice(seed):
    check_204(seed.delete(sip_path(SIP_5061TLS)))
    assert_error(seed.delete(sip_path(SIP_5061TLS)), 404, "NOT_FOUND")
    # the name is free again
    r = seed.post(SIPS, body='{"Port":5061,"DoTLS":true}', ctype=JSON)
    assert r.status == 201, r


# =================================================================================================
# 7. §5.7.1: methods, Allow, wrong parents, the parent id in a body

WRITABLE_COLLS = [pgs_path(PG_SIP), pgc_path(PG_SIP), AXL, SIPS, pgs_path("bogus"),
                  pgc_path("bogus"), "/vmrest/phonesystems/nope/axlservers"]
WRITABLE_OBJS = [SIP_SRV, MU_PATH, AXL1, sip_path(SIP_5060), pgs_path("bogus", "bogus"),
                 pgc_path(PG_SIP, "bogus"), axl_path("nope", "x"), sip_path("bogus")]


@pytest.mark.parametrize("path", WRITABLE_COLLS)
def test_collection_405(seed, path):
    """§5 method table: PUT/DELETE/other on a writable collection → 405 with Allow (routing,
    step 6, comes before the parent check of step 10)."""
    for method in ("PUT", "DELETE", "PATCH"):
        r = seed.request(method, path, body='{"Port":1}', ctype=JSON, accept=JSON)
        assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")
        assert r.headers["Allow"] == "GET, HEAD, POST", r.headers


@pytest.mark.parametrize("path", WRITABLE_OBJS)
def test_object_405(seed, path):
    for method in ("POST", "PATCH"):
        r = seed.request(method, path, body='{"Port":1}', ctype=JSON, accept=JSON)
        assert_error(r, 405, "METHOD_NOT_ALLOWED", "json")
        assert r.headers["Allow"] == "GET, HEAD, PUT, DELETE", r.headers


def test_unknown_parent_writes_404(seed):
    """§5.7.1: POST on the collection, GET/HEAD/PUT/DELETE of a child under an unknown parent
    → 404, whatever the body; nothing changes."""
    before = snapshot(seed)
    cases = [
        ("POST", pgs_path("invalidObjectId"), '{"HostOrIPAddress":"x"}'),
        ("POST", pgs_path(PG_SIP_DIGIT1), "<!DOCTYPE x><PortGroupServer/>"),
        ("POST", pgc_path("bogus"), json.dumps({"RtpCodecDefObjectId": CODEC_G722})),
        ("POST", pgc_path("bogus"), "{broken"),
        ("POST", "/vmrest/phonesystems/nope/axlservers", '{"HostOrIPAddress":"x"}'),
        ("GET", pgs_path("bogus", "bogus"), None), ("PUT", pgs_path("bogus", "bogus"), "{}"),
        ("DELETE", pgs_path("bogus", "bogus"), None),
        ("GET", pgs_path("bogus", SRV_SIP), None), ("PUT", pgs_path("bogus", SRV_SIP), "{}"),
        ("DELETE", pgs_path("bogus", SRV_SIP), None),
        ("GET", pgc_path("bogus", MU_SIP), None), ("PUT", pgc_path("bogus", MU_SIP), "{}"),
        ("DELETE", pgc_path("bogus", MU_SIP), None),
        ("GET", axl_path("nope", SEED_AXL), None), ("PUT", axl_path("nope", SEED_AXL), "{}"),
        ("DELETE", axl_path("nope", SEED_AXL), None),
        ("GET", pgs_path(PG_SIP, "bogus"), None), ("GET", pgc_path(PG_SIP, "bogus"), None),
        ("GET", axl_path(PS, "bogus"), None), ("GET", sip_path("bogus"), None),
        ("GET", pgs_path(PG_SIP, SRV_SIP.upper()), None),
    ]
    for method, path, body in cases:
        for fmt in FMTS:
            ct = None
            if body is not None:
                ct = XML if body.startswith("<") else JSON
            r = seed.request(method, path, body=body, ctype=ct, accept=ACCEPT[fmt])
            assert_error(r, 404, "NOT_FOUND", fmt)
        if method == "GET":
            h = seed.head(path)
            assert h.status == 404 and h.body == b"", (path, h)
    assert_unchanged(seed, before)


def test_check_order_before_parent(seed, reader):
    """§4.2: routing (405), role (403), Accept (406), Content-Type (415) come before the
    unknown parent (404)."""
    r = reader.post(pgs_path("bogus"), body='{"HostOrIPAddress":"x"}', ctype=JSON, accept=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    r = reader.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"x"}', ctype=JSON, accept=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    r = reader.delete(AXL1, accept=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    r = reader.put(sip_path(SIP_5060), body='{"Port":1}', ctype=JSON, accept=JSON)
    assert_error(r, 403, "FORBIDDEN", "json")
    r = seed.post(pgs_path("bogus"), body='{"HostOrIPAddress":"x"}', ctype=JSON,
                  accept="text/html")
    assert_error(r, 406, "NOT_ACCEPTABLE", "xml")
    r = seed.post(pgs_path("bogus"), body='{"HostOrIPAddress":"x"}', accept=JSON)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "json")
    r = seed.post(pgc_path(PG_SIP), body='{"RtpCodecDefObjectId":"x"}', ctype="text/plain",
                  accept=JSON)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "json")
    for p in (pgs_path(PG_SIP), pgc_path(PG_SIP), AXL, SIPS):
        assert reader.get(p).status == 200
    r = seed.get(pgs_path(PG_SIP), auth=None, accept=JSON)
    assert_error(r, 401, "AUTHENTICATION_FAILED", "json")
    r = seed.get(pgs_path("bogus"), auth=("admin", "wrong"))
    assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")


def test_parent_in_body_ignored(seed, host):
    """§5.7.1: the parent's id in a body is read-only and ignored; the path decides."""
    sccp_before = (seed.get(pgs_path(PG_SCCP)).body, seed.get(pgc_path(PG_SCCP)).body)
    r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": "h",
                                                     "MediaPortGroupObjectId": PG_SCCP}),
                  ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    assert get_obj(seed, pgs_path(PG_SIP, sid))["MediaPortGroupObjectId"] == PG_SIP
    r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": "h",
                                                     "MediaPortGroupObjectId": "nope"}),
                  ctype=JSON)
    check_201(r, host, pgs_path(PG_SIP), 109)
    check_204(seed.put(pgs_path(PG_SIP, sid), body=json.dumps({"MediaPortGroupObjectId":
                                                                 PG_SCCP}), ctype=JSON))
    assert seed.get(pgs_path(PG_SCCP, sid)).status == 404
    r = seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_G722,
                                                     "MediaPortGroupObjectId": PG_SCCP}),
                  ctype=JSON)
    cid = check_201(r, host, pgc_path(PG_SIP), 108)
    assert get_obj(seed, pgc_path(PG_SIP, cid))["MediaPortGroupObjectId"] == PG_SIP
    check_204(seed.put(pgc_path(PG_SIP, cid), body=f"<PortGroupCodec><MediaPortGroupObjectId>"
                       f"{PG_SCCP}</MediaPortGroupObjectId></PortGroupCodec>", ctype=XML))
    assert seed.get(pgc_path(PG_SCCP, cid)).status == 404
    assert (seed.get(pgs_path(PG_SCCP)).body, seed.get(pgc_path(PG_SCCP)).body) == sccp_before


def test_children_never_change_parent(seed, host):
    """§5.7.1: creating, changing or deleting a child never changes its parent's
    representation; none counts towards the port licence."""
    parents = [f"/vmrest/portgroups/{PG_SIP}", f"/vmrest/phonesystems/{PS}", "/vmrest/portgroups",
               "/vmrest/phonesystems", "/cupid/health"]
    before = {p: (seed.get(p).body, seed.get(p, accept=JSON).body) for p in parents}
    sid = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"h"}', ctype=JSON),
                 pgs_path(PG_SIP))
    check_204(seed.put(pgs_path(PG_SIP, sid), body='{"Port":7}', ctype=JSON))
    cid = new_id(seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_ILBC}),
                           ctype=JSON), pgc_path(PG_SIP))
    check_204(seed.put(pgc_path(PG_SIP, cid), body='{"Preference":7}', ctype=JSON))
    aid = new_id(seed.post(AXL, body='{"HostOrIPAddress":"h"}', ctype=JSON), AXL)
    check_204(seed.put(axl_path(PS, aid), body='{"Port":7}', ctype=JSON))
    for p in (pgs_path(PG_SIP, sid), pgc_path(PG_SIP, cid), axl_path(PS, aid), SIP_SRV, MU_PATH,
              AXL1):
        check_204(seed.delete(p))
    after = {p: (seed.get(p).body, seed.get(p, accept=JSON).body) for p in parents}
    assert after == before
    h = seed.get("/cupid/health").json()
    assert h["portsUsed"] == 2 and h["portGroups"] == 4


# =================================================================================================
# 8. paging, query and sort on the new collections (§3)

SCCP_IDS = [SRV_SCCP_A, SRV_SCCP_TFTP, SRV_SCCP_B]
PAGING = [
    # (path, params, elem, total, ids in order)
    (pgs_path(PG_SCCP), "", "PortGroupServer", 3, SCCP_IDS),
    (pgs_path(PG_SCCP), "pageNumber=0", "PortGroupServer", 3, []),
    (pgs_path(PG_SCCP), "rowsPerPage=0", "PortGroupServer", 3, []),
    (pgs_path(PG_SCCP), "rowsPerPage=1", "PortGroupServer", 3, [SRV_SCCP_A]),
    (pgs_path(PG_SCCP), "rowsPerPage=1&pageNumber=2", "PortGroupServer", 3, [SRV_SCCP_TFTP]),
    (pgs_path(PG_SCCP), "rowsPerPage=2&pageNumber=2", "PortGroupServer", 3, [SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "rowsPerPage=2&pageNumber=3", "PortGroupServer", 3, []),
    (pgs_path(PG_SCCP), "pageNumber=2", "PortGroupServer", 3, []),
    (pgs_path(PG_SCCP), "rowsPerPage=5000", "PortGroupServer", 3, SCCP_IDS),
    (pgs_path(PG_SCCP), "sort=(Precedence%20desc)", "PortGroupServer", 3,
     [SRV_SCCP_B, SRV_SCCP_A, SRV_SCCP_TFTP]),
    (pgs_path(PG_SCCP), "sort=(TlsPort)", "PortGroupServer", 3,
     [SRV_SCCP_TFTP, SRV_SCCP_A, SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "sort=(tlsport%20DESC)", "PortGroupServer", 3,
     [SRV_SCCP_A, SRV_SCCP_B, SRV_SCCP_TFTP]),
    (pgs_path(PG_SCCP), "sort=(Port)", "PortGroupServer", 3,
     [SRV_SCCP_TFTP, SRV_SCCP_A, SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "sort=(HostOrIPAddress%20desc)", "PortGroupServer", 3,
     [SRV_SCCP_B, SRV_SCCP_A, SRV_SCCP_TFTP]),
    (pgs_path(PG_SCCP), "sort=(MediaRemoteServiceEnum%20desc)", "PortGroupServer", 3,
     [SRV_SCCP_TFTP, SRV_SCCP_A, SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "query=(TlsPort%20is%202443)", "PortGroupServer", 2,
     [SRV_SCCP_A, SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "query=(HostOrIPAddress%20is%20192.0.2.22)", "PortGroupServer", 1,
     [SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "query=(HostOrIPAddress%20startswith%20192.0.2.2)", "PortGroupServer", 3,
     SCCP_IDS),
    (pgs_path(PG_SCCP), "query=(Port%20startswith%206)", "PortGroupServer", 1, [SRV_SCCP_TFTP]),
    (pgs_path(PG_SCCP), "query=(HostOrIPAddressV6%20is%20x)", "PortGroupServer", 0, []),
    (pgs_path(PG_SCCP), "query=(ObjectId%20is%20" + SRV_SCCP_B.upper() + ")", "PortGroupServer",
     1, [SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "query=(MediaPortGroupObjectId%20is%20" + PG_SCCP + ")",
     "PortGroupServer", 3, SCCP_IDS),
    (pgs_path(PG_SCCP), "query=(SkinnyStateMachineEnum%20is%2010)&rowsPerPage=1&pageNumber=3",
     "PortGroupServer", 3, [SRV_SCCP_B]),
    (pgs_path(PG_SCCP), "QUERY=(PortGroupURI%20startswith%20/vmrest/portgroups/3c)",
     "PortGroupServer", 3, SCCP_IDS),
    (pgc_path(PG_SIP), "", "PortGroupCodec", 2, [MU_SIP, G729_SIP]),
    (pgc_path(PG_SIP), "sort=(Preference%20desc)", "PortGroupCodec", 2, [G729_SIP, MU_SIP]),
    (pgc_path(PG_SIP), "sort=(RtpCodecDefDisplayName%20desc)", "PortGroupCodec", 2,
     [G729_SIP, MU_SIP]),
    (pgc_path(PG_SIP), "query=(RtpCodecDefDisplayName%20startswith%20g.7)", "PortGroupCodec", 2,
     [MU_SIP, G729_SIP]),
    (pgc_path(PG_SIP), "query=(RtpCodecDefObjectId%20is%20" + CODEC_G729 + ")", "PortGroupCodec",
     1, [G729_SIP]),
    (pgc_path(PG_SIP), "query=(PreferredPacketSizeMs%20is%2020)&rowsPerPage=1&pageNumber=2",
     "PortGroupCodec", 2, [G729_SIP]),
    (CODECDEFS, "", "RtpCodecDef", 5, CODECDEFS_SORTED),
    (CODECDEFS, "sort=(DisplayName%20desc)", "RtpCodecDef", 5, CODECDEFS_SORTED[::-1]),
    (CODECDEFS, "query=(DisplayName%20startswith%20g.711)", "RtpCodecDef", 2,
     [CODEC_ALAW, CODEC_MULAW]),
    (CODECDEFS, "query=(DisplayName%20is%20ilbc)", "RtpCodecDef", 1, [CODEC_ILBC]),
    (CODECDEFS, "rowsPerPage=2&pageNumber=3", "RtpCodecDef", 5, [CODEC_ILBC]),
    (CODECDEFS, "rowsPerPage=2&pageNumber=2", "RtpCodecDef", 5, [CODEC_G722, CODEC_G729]),
    (CODECDEFS, "sort=(ObjectId)", "RtpCodecDef", 5, sorted(CODECDEFS_SORTED)),
    (CODECDEFS, "pageNumber=0", "RtpCodecDef", 5, []),
    (AXL, "", "AXLServer", 1, [SEED_AXL]),
    (AXL, "query=(CcmAXLUser%20is%20AXLADMIN)", "AXLServer", 1, [SEED_AXL]),
    (AXL, "query=(IsPinSyncEnabled%20is%20true)", "AXLServer", 0, []),
    (AXL, "query=(MediaRemoteServiceEnum%20is%20103)&sort=(Port%20desc)", "AXLServer", 1,
     [SEED_AXL]),
    (AXL, "rowsPerPage=0", "AXLServer", 1, []),
    (SIPS, "", "SipSecurityProfile", 2, [SIP_5060, SIP_5061TLS]),
    (SIPS, "sort=(Port%20desc)", "SipSecurityProfile", 2, [SIP_5061TLS, SIP_5060]),
    (SIPS, "sort=(DoTLS%20desc)", "SipSecurityProfile", 2, [SIP_5061TLS, SIP_5060]),
    (SIPS, "query=(DoTLS%20is%201)", "SipSecurityProfile", 1, [SIP_5061TLS]),
    (SIPS, "query=(DisplayName%20is%205061/tls)", "SipSecurityProfile", 1, [SIP_5061TLS]),
    (SIPS, "query=(Port%20startswith%20506)&rowsPerPage=1", "SipSecurityProfile", 2, [SIP_5060]),
]


@pytest.mark.paging
@pytest.mark.parametrize("path,params,elem,total,want", PAGING,
                         ids=[f"{p[0].rsplit('/', 1)[1]}?{p[1]}" for p in PAGING])
def test_paging_query_sort(seed, path, params, elem, total, want):
    got = ids(seed, path + ("?" + params if params else ""), elem)
    assert got == (total, want)
    # the XML form agrees (count, order)
    r = seed.get(path + ("?" + params if params else ""))
    assert r.status == 200
    assert f' total="{total}"'.encode() in r.body[:200]
    assert re.findall(rb"<ObjectId>([^<]+)</ObjectId>", r.body) == [w.encode() for w in want]


BAD_PARAMS = [
    ("query=(Bogus%20is%201)", "query"), ("query=(HostOrIPAddress%20contains%20x)", "query"),
    ("query=(Port%20is%20abc)", "query"), ("query=Port%20is%201", "query"),
    ("query=(Precedence%20is%20)", "query"), ("sort=(Bogus)", "sort"),
    ("sort=(Port%20up)", "sort"), ("rowsPerPage=-1", "rowsPerPage"),
    ("rowsPerPage=abc", "rowsPerPage"), ("rowsPerPage=", "rowsPerPage"),
    ("pageNumber=1.5", "pageNumber"), ("pageNumber=1&pageNumber=2", "pageNumber"),
    ("rowsPerPage=2147483648", "rowsPerPage"), ("query=(a%20is%20b)&query=(a%20is%20b)", "query"),
]
BAD_PARAM_PATHS = [pgs_path(PG_SIP), pgc_path(PG_SIP), CODECDEFS, AXL, SIPS]


@pytest.mark.paging
@pytest.mark.parametrize("path", BAD_PARAM_PATHS)
def test_bad_paging_400(seed, path):
    for params, name in BAD_PARAMS:
        for fmt in FMTS:
            r = seed.get(path + "?" + params, accept=ACCEPT[fmt])
            assert_error(r, 400, "INVALID_PARAMETER", fmt, field=name)


@pytest.mark.paging
def test_type_specific_query_errors(seed):
    cases = [
        (SIPS, "query=(DoTLS%20startswith%201)"), (SIPS, "query=(DoTLS%20is%20yes)"),
        (AXL, "query=(IsPinSyncEnabled%20is%202)"), (pgc_path(PG_SIP), "query=(Preference%20is%20x)"),  # noqa: E501
        # fields never written out are not columns (§3.3)
        ("/vmrest/portgroups", "query=(HostOrIPAddress%20is%20x)"),
        ("/vmrest/portgroups", "query=(HostOrIPAddressV6%20is%20x)"),
        ("/vmrest/portgroups", "sort=(HostOrIPAddress)"),
    ]
    for path, params in cases:
        r = seed.get(path + "?" + params, accept=JSON)
        assert_error(r, 400, "INVALID_PARAMETER", "json",
                     field="sort" if params.startswith("sort") else "query")


@pytest.mark.paging
def test_params_ignored_on_single_objects(seed):
    for p in (SIP_SRV, MU_PATH, AXL1, sip_path(SIP_5060), CODECDEFS + "/" + CODEC_MULAW):
        a = seed.get(p, accept=JSON)
        b_ = seed.get(p + "?query=(((&pageNumber=x&rowsPerPage=-1&sort=(", accept=JSON)
        assert a.status == b_.status == 200 and a.body == b_.body


@pytest.mark.paging
def test_sip_default_order_ties(seed):
    """§3.3, §5.12: default order Port, then ObjectId."""
    r = seed.post(SIPS, body='{"Port":5060,"DoTLS":true}', ctype=JSON)
    new = new_id(r, SIPS)
    r = seed.post(SIPS, body='{"Port":1}', ctype=JSON)
    low = new_id(r, SIPS)
    want = [low] + sorted([SIP_5060, new]) + [SIP_5061TLS]
    assert ids(seed, SIPS, "SipSecurityProfile") == (4, want)
    got = ids(seed, SIPS + "?sort=(Port%20desc)", "SipSecurityProfile")
    assert got == (4, [SIP_5061TLS] + sorted([SIP_5060, new]) + [low])


# =================================================================================================
# 9. "bad input changes nothing" across the resources (§4.3)

DOCTYPE_XML = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "y">]><{r}><{f}>{v}</{f}></{r}>'
BAD_BODIES = [
    # (method, path, Content-Type, body, status, code, field)
    ("POST", pgs_path(PG_SIP), XML, DOCTYPE_XML.format(r="PortGroupServer", f="HostOrIPAddress",
                                                       v="h"), 400, "INVALID_PARAMETER", None),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h"', 400, "INVALID_PARAMETER", None),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h"} x', 400, "INVALID_PARAMETER", None),
    ("POST", pgs_path(PG_SIP), JSON, '["HostOrIPAddress"]', 400, "INVALID_PARAMETER", None),
    ("POST", pgs_path(PG_SIP), XML, "<PortGroupServer><HostOrIPAddress>h</PortGroupServer>", 400,
     "INVALID_PARAMETER", None),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":{"a":1}}', 400, "INVALID_PARAMETER",
     "HostOrIPAddress"),
    ("POST", pgs_path(PG_SIP), XML, "<S><HostOrIPAddress><a>h</a></HostOrIPAddress></S>", 400,
     "INVALID_PARAMETER", "HostOrIPAddress"),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h\\u0001"}', 400, "INVALID_PARAMETER",
     "HostOrIPAddress"),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h","Port":2.0}', 400,
     "INVALID_PARAMETER", "Port"),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h","Port":"+1"}', 400,
     "INVALID_PARAMETER", "Port"),
    ("POST", pgs_path(PG_SIP), JSON, '{"HostOrIPAddress":"h","Precedence":"1e2"}', 400,
     "INVALID_PARAMETER", "Precedence"),
    ("PUT", SIP_SRV, XML, DOCTYPE_XML.format(r="PortGroupServer", f="Port", v="7"), 400,
     "INVALID_PARAMETER", None),
    ("PUT", SIP_SRV, JSON, '{"Port":7,', 400, "INVALID_PARAMETER", None),
    ("PUT", SIP_SRV, JSON, '"Port"', 400, "INVALID_PARAMETER", None),
    ("POST", pgc_path(PG_SIP), XML, DOCTYPE_XML.format(r="PortGroupCodec", f="RtpCodecDefObjectId",
                                                       v=CODEC_G722), 400, "INVALID_PARAMETER",
     None),
    ("POST", pgc_path(PG_SIP), JSON, "{'RtpCodecDefObjectId': 'x'}", 400, "INVALID_PARAMETER",
     None),
    ("POST", pgc_path(PG_SIP), JSON, '{"RtpCodecDefObjectId":["' + CODEC_G722 + '","x"]}', 400,
     "INVALID_PARAMETER", "RtpCodecDefObjectId"),
    ("PUT", MU_PATH, XML, DOCTYPE_XML.format(r="PortGroupCodec", f="Preference", v="3"), 400,
     "INVALID_PARAMETER", None),
    ("PUT", MU_PATH, JSON, "{", 400, "INVALID_PARAMETER", None),
    ("POST", AXL, XML, DOCTYPE_XML.format(r="AXLServer", f="HostOrIPAddress", v="h"), 400,
     "INVALID_PARAMETER", None),
    ("POST", AXL, JSON, '{"HostOrIPAddress":"h",}', 400, "INVALID_PARAMETER", None),
    ("PUT", AXL1, XML, DOCTYPE_XML.format(r="AXLServer", f="CcmAXLUser", v="u"), 400,
     "INVALID_PARAMETER", None),
    ("PUT", AXL1, JSON, "nul", 400, "INVALID_PARAMETER", None),
    ("POST", SIPS, XML, DOCTYPE_XML.format(r="SipSecurityProfile", f="Port", v="7000"), 400,
     "INVALID_PARAMETER", None),
    ("POST", SIPS, JSON, '{"Port":7000', 400, "INVALID_PARAMETER", None),
    ("POST", SIPS, JSON, '{"Port":1e400}', 400, "INVALID_PARAMETER", None),
    ("PUT", sip_path(SIP_5060), XML, DOCTYPE_XML.format(r="SipSecurityProfile", f="Port",
                                                        v="7000"), 400, "INVALID_PARAMETER", None),
    ("PUT", sip_path(SIP_5060), JSON, "[]", 400, "INVALID_PARAMETER", None),
    # a port group POST that fails creates neither group nor server nor codecs
    ("POST", "/vmrest/portgroups", JSON, json.dumps({"MediaSwitchObjectId": PS,
                                                     "TelephonyIntegrationMethodEnum": 2,
                                                     "HostOrIPAddress": "a b"}), 400,
     "INVALID_PARAMETER", "HostOrIPAddress"),
    ("POST", "/vmrest/portgroups", JSON, json.dumps({"MediaSwitchObjectId": PS,
                                                     "TelephonyIntegrationMethodEnum": 2,
                                                     "HostOrIPAddressV6": "h" * 256}), 400,
     "INVALID_PARAMETER", "HostOrIPAddressV6"),
    ("POST", "/vmrest/portgroups", JSON, json.dumps({"MediaSwitchObjectId": PS,
                                                     "TelephonyIntegrationMethodEnum": 2,
                                                     "DisplayName": "PhoneSystem-1",
                                                     "HostOrIPAddress": "10.1.1.1"}), 400,
     "DUPLICATE_NAME", None),
    ("POST", "/vmrest/portgroups", XML, "<PortGroup><MediaSwitchObjectId>" + PS +
     "</MediaSwitchObjectId><TelephonyIntegrationMethodEnum>4</TelephonyIntegrationMethodEnum>"
     "<HostOrIPAddress>10.1.1.1</HostOrIPAddress></PortGroup>", 400, "INVALID_PARAMETER",
     "TelephonyIntegrationMethodEnum"),
]


@pytest.mark.parametrize("case", BAD_BODIES, ids=[f"{c[0]}-{i}" for i, c in
                                                  enumerate(BAD_BODIES)])
def test_bad_body_changes_nothing(seed, case):
    method, path, ctype, body, status, code, field = case
    before = snapshot(seed)
    c0 = obj_counts(seed)
    for fmt in FMTS:
        r = seed.request(method, path, body=body, ctype=ctype, accept=ACCEPT[fmt])
        assert_error(r, status, code, fmt, field=field)
    assert_unchanged(seed, before)
    assert obj_counts(seed) == c0


# =================================================================================================
# 10. cascades and the first server of a new port group (§5.3, §5.5, §5.8.4, §5.9.4)

def test_delete_portgroup_cascades(seed):
    """§5.8.5 last row: DELETE the SCCP group → its servers and codecs are gone."""
    c0 = obj_counts(seed)
    others = {p: seed.get(p).body for g in (PG_SIP, PG_ROHIT, PG_PIMG)
              for p in (pgs_path(g), pgc_path(g))}
    check_204(seed.delete(f"/vmrest/portgroups/{PG_SCCP}"))
    for fmt, want in (("json", SPEC_EMPTY_JSON), ("xml", SPEC_PGS_EMPTY_XML)):
        r = seed.get(pgs_path(PG_SCCP), accept=ACCEPT[fmt])
        assert (r.status, r.body) == (200, want.encode()), r
    assert seed.get(pgc_path(PG_SCCP)).body == SPEC_PGC_EMPTY_XML.encode()
    for s in SCCP_IDS:
        assert seed.get(pgs_path(PG_SCCP, s)).status == 404
    for c in SEED_CODECS[PG_SCCP]:
        assert seed.get(pgc_path(PG_SCCP, c)).status == 404
    assert {p: seed.get(p).body for p in others} == others
    c1 = obj_counts(seed)
    assert c1["portgroupserver"] == c0["portgroupserver"] - 3
    assert c1["portgroupcodec"] == c0["portgroupcodec"] - 2
    assert c1["portgroup"] == c0["portgroup"] - 1
    assert c1["axlserver"] == c0["axlserver"]


def test_delete_phonesystem_cascades(seed):
    """§5.3: DELETE a phone system → its AXL servers, groups, their ports, servers, codecs."""
    ps2 = new_id(seed.post("/vmrest/phonesystems", body='{"DisplayName":"Keep"}', ctype=JSON),
                 "/vmrest/phonesystems")
    keep_ax = new_id(seed.post(axl_path(ps2), body='{"HostOrIPAddress":"k"}', ctype=JSON),
                     axl_path(ps2))
    keep_pg = new_id(seed.post("/vmrest/portgroups", body=json.dumps(
        {"MediaSwitchObjectId": ps2, "TelephonyIntegrationMethodEnum": 2,
         "HostOrIPAddress": "k"}), ctype=JSON), "/vmrest/portgroups")
    keep = {p: seed.get(p).body for p in (axl_path(ps2), pgs_path(keep_pg), pgc_path(keep_pg))}
    check_204(seed.delete(f"/vmrest/phonesystems/{PS}"))
    assert seed.get(AXL).body == SPEC_AXL_EMPTY_XML.encode()
    assert seed.get(AXL, accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert seed.get(AXL1).status == 404
    for g in SEED_GROUPS:
        assert seed.get(pgs_path(g), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        assert seed.get(pgc_path(g), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        assert seed.get(f"/vmrest/portgroups/{g}").status == 404
    for s in (SRV_SIP, SRV_SCCP_A, SRV_ROHIT, SRV_PIMG):
        assert seed.get(pgs_path(PG_SIP, s)).status == 404
    assert {p: seed.get(p).body for p in keep} == keep
    c = obj_counts(seed)
    assert c == {"phonesystem": 1, "portgroup": 1, "port": 0, "vmsserver": 1,
                 "portgroupserver": 1, "portgroupcodec": 2, "axlserver": 1,
                 "sipsecurityprofile": 2}, c
    assert seed.get(sip_path()).body == SPEC_SIP_LIST_XML.encode()
    assert get_obj(seed, axl_path(ps2, keep_ax))["HostOrIPAddress"] == "k"


def _new_group_children(cli, pg):
    _, srv = items(cli, pgs_path(pg), "PortGroupServer")
    _, cod = items(cli, pgc_path(pg), "PortGroupCodec")
    return srv, cod


def _check_default_codecs(cli, pg):
    _, cod = items(cli, pgc_path(pg), "PortGroupCodec")
    assert len(cod) == 2, cod
    for c in cod:
        assert GUID_V4.match(c["ObjectId"]), c
    want = [pgcodec_fields(cod[0]["ObjectId"], pg, CODEC_MULAW, 20, 0),
            pgcodec_fields(cod[1]["ObjectId"], pg, CODEC_G729, 20, 1)]
    assert cli.get(pgc_path(pg), accept=JSON).body == json_coll("PortGroupCodec", want).encode()
    assert cli.get(pgc_path(pg)).body == xml_coll("PortGroupCodecs", "PortGroupCodec",
                                                  want).encode()


NEW_GROUPS = [
    # (id, body (XML str or JSON dict), type, expected server (host, v6) or None, display name)
    ("spec-sccp", "<PortGroup><DisplayName>Lab-SCCP</DisplayName><MediaPortGroupTemplateObjectId>"
     "90dd306f-b8af-46b6-8289-f13437cc1e5e</MediaPortGroupTemplateObjectId><MediaSwitchObjectId>"
     "a8eb65f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><HostOrIPAddress>10.1.1.1"
     "</HostOrIPAddress><TelephonyIntegrationMethodEnum>1</TelephonyIntegrationMethodEnum>"
     "<SkinnyDevicePrefix>Lab-VI</SkinnyDevicePrefix></PortGroup>", 1, ("10.1.1.1", None),
     "Lab-SCCP"),
    ("spec-json-no-address", {"PortGroup": {"MediaSwitchObjectId": PS,
                                            "TelephonyIntegrationMethodEnum": 2}}, 2, None,
     "PhoneSystem-2"),
    ("sip-v6-only", {"MediaSwitchObjectId": PS, "MediaPortGroupTemplateObjectId": TPL_SIP,
                     "HostOrIPAddressV6": "2001:db8::1"}, 2, (None, "2001:db8::1"),
     "PhoneSystem-2"),
    ("sip-both", {"MediaSwitchObjectId": PS, "TelephonyIntegrationMethodEnum": "2",
                  "HostOrIPAddress": "cuc1", "HostOrIPAddressV6": "cuc1-v6"}, 2,
     ("cuc1", "cuc1-v6"), "PhoneSystem-2"),
    ("pimg", {"MediaSwitchObjectId": PS, "MediaPortGroupTemplateObjectId": TPL_PIMG,
              "HostOrIpAddress": "192.0.2.40"}, 3, ("192.0.2.40", None), "PhoneSystem-2"),
    ("sccp-no-address", {"MediaSwitchObjectId": PS, "MediaPortGroupTemplateObjectId": TPL_SCCP},
     1, None, "PhoneSystem-2"),
]


@pytest.mark.parametrize("case", NEW_GROUPS, ids=[c[0] for c in NEW_GROUPS])
def test_new_portgroup_first_server_and_codecs(seed, host, case):
    """§5.8.4, §5.9.4: one transaction creates the group, its first server (only with an
    address) and always the two default codecs; HostOrIPAddress is never written out."""
    name, body, ptype, srv, display = case
    c0 = obj_counts(seed)
    if isinstance(body, str):
        r = seed.post("/vmrest/portgroups", body=body, ctype=XML)
    else:
        r = seed.post("/vmrest/portgroups", body=json.dumps(body), ctype=JSON)
    pg = check_201(r, host, "/vmrest/portgroups", 55)
    servers, _ = _new_group_children(seed, pg)
    if srv is None:
        assert servers == []
        assert seed.get(pgs_path(pg)).body == (X + '<PortGroupServers total="0"/>').encode()
    else:
        assert len(servers) == 1, servers
        sid = servers[0]["ObjectId"]
        assert GUID_V4.match(sid)
        want = pgserver_fields(sid, pg, {1: 100, 2: 102, 3: 104}[ptype], srv[0], srv[1], prec=0)
        assert seed.get(pgs_path(pg, sid), accept=JSON).body == json_obj(want).encode()
        assert seed.get(pgs_path(pg)).body == xml_coll("PortGroupServers", "PortGroupServer",
                                                       [want]).encode()
    _check_default_codecs(seed, pg)
    prefix = "Lab-VI" if name == "spec-sccp" else None
    want_pg = portgroup_fields(pg, ptype, display, 0, prefix=prefix)
    for acc in (XML, JSON):
        gb = seed.get(f"/vmrest/portgroups/{pg}", accept=acc).body
        assert b"HostOrIP" not in gb, gb
    assert seed.get(f"/vmrest/portgroups/{pg}", accept=JSON).body == json_obj(want_pg).encode()
    assert b"HostOrIP" not in seed.get("/vmrest/portgroups").body
    c1 = obj_counts(seed)
    assert c1["portgroupserver"] == c0["portgroupserver"] + (0 if srv is None else 1)
    assert c1["portgroupcodec"] == c0["portgroupcodec"] + 2
    # the address lives only in the server: PUT of HostOrIPAddress to the group is ignored
    before = {p: seed.get(p).body for p in (f"/vmrest/portgroups/{pg}", pgs_path(pg))}
    for b_, ct in (('{"HostOrIPAddress":"9.9.9.9","HostOrIPAddressV6":"x"}', JSON),
                   ('{"HostOrIPAddress":"a b"}', JSON),
                   ("<PortGroup><HostOrIPAddress>9.9.9.9</HostOrIPAddress></PortGroup>", XML)):
        check_204(seed.put(f"/vmrest/portgroups/{pg}", body=b_, ctype=ct))
    assert {p: seed.get(p).body for p in before} == before
    # deleting the first server changes nothing on the group
    if srv is not None:
        check_204(seed.delete(pgs_path(pg, sid)))
        assert seed.get(f"/vmrest/portgroups/{pg}").body == before[f"/vmrest/portgroups/{pg}"]
        assert seed.get(pgs_path(pg), accept=JSON).body == SPEC_EMPTY_JSON.encode()


def test_portgroup_representation_has_no_address(seed):
    for g in SEED_GROUPS:
        for acc in (XML, JSON):
            assert b"HostOrIP" not in seed.get(f"/vmrest/portgroups/{g}", accept=acc).body


# =================================================================================================
# 11. careless client bodies (§2.6, §7)

def test_careless_xml_and_casing(seed, host):
    """Space before '>', other letter case of names and of the root, attributes, comments,
    CDATA, whitespace around values, a BOM, a repeated field (last wins)."""
    bodies = [
        "<PortGroupServer ><HostOrIpAddress >h1</HostOrIpAddress ><PORT >70</PORT ></PortGroupServer >",  # noqa: E501
        "<portgroupserver><hostoripaddress>h1</hostoripaddress><port>70</port></portgroupserver>",
        '<Anything a="1"><!-- c --><HostOrIPAddress> h1 </HostOrIPAddress><?pi x?>'
        "<Port>\n\t70\r\n</Port></Anything>",
        "<S><HostOrIPAddress><![CDATA[h1]]></HostOrIPAddress><Port>0070</Port></S>",
        "\ufeff<S><HostOrIPAddress>zz</HostOrIPAddress><HostOrIPAddress>h1</HostOrIPAddress>"
        "<Port>70</Port></S>",
        '<?xml version="1.0" encoding="UTF-8"?>\n<PortGroupServer>\n  <HostOrIPAddress>h1'
        "</HostOrIPAddress>\n  <Port>70</Port>\n</PortGroupServer>\n",
    ]
    for body in bodies:
        r = seed.post(pgs_path(PG_SIP), body=body, ctype="text/xml; charset=utf-8")
        sid = check_201(r, host, pgs_path(PG_SIP), 109)
        d = get_obj(seed, pgs_path(PG_SIP, sid))
        assert (d["HostOrIPAddress"], d["Port"], d["TlsPort"], d["MediaRemoteServiceEnum"]) == \
            ("h1", "70", "5061", "102"), (body, d)
        check_204(seed.delete(pgs_path(PG_SIP, sid)))
    # a namespaced element is an unknown field: no address → 400
    r = seed.post(pgs_path(PG_SIP), body="<S><a:HostOrIPAddress>h</a:HostOrIPAddress></S>",
                  ctype=XML)
    assert_error(r, 400, "INVALID_PARAMETER", "xml", field="HostOrIPAddress")


def test_careless_json(seed, host):
    """Numbers vs strings, wrapper forms in any case, JSON numbers and booleans for str fields,
    null as the empty value."""
    strs = {"MediaRemoteServiceEnum": "101", "HostOrIPAddress": "h", "Port": "70",
            "Precedence": "3", "SkinnyStateMachineEnum": "20"}
    nums = {"MediaRemoteServiceEnum": 101, "HostOrIPAddress": "h", "Port": 70, "Precedence": 3,
            "SkinnyStateMachineEnum": 20}
    got = []
    for body in (strs, nums, {"PortGroupServer": nums}, {"portGROUPserver": strs},
                 {k.lower(): v for k, v in nums.items()}):
        r = seed.post(pgs_path(PG_SIP), body=json.dumps(body), ctype="Application/JSON")
        sid = check_201(r, host, pgs_path(PG_SIP), 109)
        d = get_obj(seed, pgs_path(PG_SIP, sid))
        del d["URI"], d["ObjectId"]
        got.append(d)
        check_204(seed.delete(pgs_path(PG_SIP, sid)))
    assert all(g == got[0] for g in got), got
    assert got[0] == {k: v for k, v in dict(pgserver_fields("x", PG_SIP, 101, "h", port=70,
                                                            prec=3, ssm=20)).items()
                      if v is not None and k not in ("URI", "ObjectId")}
    # a JSON number for a str field becomes text; null clears the optional address
    r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":12345,"HostOrIPAddressV6":null}',
                  ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    d = get_obj(seed, pgs_path(PG_SIP, sid))
    assert d["HostOrIPAddress"] == "12345" and "HostOrIPAddressV6" not in d
    check_204(seed.put(pgs_path(PG_SIP, sid), body='{"HostOrIPAddressV6":"v6",'
                       '"HostOrIPAddress":null}', ctype=JSON))
    d = get_obj(seed, pgs_path(PG_SIP, sid))
    assert "HostOrIPAddress" not in d and d["HostOrIPAddressV6"] == "v6"
    # a wrapper with the wrong element name is not a wrapper: an unknown field, no address
    r = seed.post(pgs_path(PG_SIP), body='{"PortGroupCodec":{"HostOrIPAddress":"h"}}',
                  ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    # wrappers of the other resources
    for path, body, prefix, length in (
            (pgc_path(PG_SIP), {"PortGroupCodec": {"RtpCodecDefObjectId": CODEC_G722,
                                                   "PreferredPacketSizeMs": 30}},
             pgc_path(PG_SIP), 108),
            (AXL, {"axlserver": {"HostOrIPAddress": "h", "IsPinSyncEnabled": True,
                                 "CcmVersion": "07"}}, AXL, 105),
            (SIPS, {"SipSecurityProfile": {"Port": 7000, "DoTLS": 1}}, SIPS, 64)):
        r = seed.post(path, body=json.dumps(body), ctype=JSON)
        oid = check_201(r, host, prefix, length)
        d = get_obj(seed, prefix + "/" + oid)
        if path == AXL:
            assert (d["IsPinSyncEnabled"], d["CcmVersion"]) == ("true", "7")
        elif path == SIPS:
            assert (d["DoTLS"], d["DisplayName"]) == ("true", "7000/TLS")
        else:
            assert d["PreferredPacketSizeMs"] == "30"


@pytest.mark.parametrize("path", [SIP_SRV, MU_PATH, AXL1, sip_path(SIP_5060)])
def test_null_and_empty_put_is_noop(seed, path):
    """§2.6, §7: a PUT body `null`, empty or whitespace has no fields → 204, nothing changes;
    the same on a missing object → 404."""
    before = snapshot(seed)
    for body, ct in (("null", JSON), (" null\n", JSON), ("", None), ("  \r\n", None), ("{}", JSON),
                     ("<x/>", XML)):
        check_204(seed.put(path, body=body, ctype=ct))
    assert_unchanged(seed, before)
    missing = path.rsplit("/", 1)[0] + "/bogus"
    assert_error(seed.put(missing, body="null", ctype=JSON, accept=JSON), 404, "NOT_FOUND",
                 "json")


@pytest.mark.parametrize("path,field", [(pgs_path(PG_SIP), "HostOrIPAddress"),
                                        (pgc_path(PG_SIP), "RtpCodecDefObjectId"),
                                        (AXL, "HostOrIPAddress"), (SIPS, "Port")])
def test_null_post_fails_on_required(seed, path, field):
    before = snapshot(seed)
    for body, ct in (("null", JSON), ("", None), ("{}", JSON)):
        r = seed.post(path, body=body, ctype=ct, accept=JSON)
        assert_error(r, 400, "INVALID_PARAMETER", "json", field=field)
    assert_unchanged(seed, before)


@pytest.mark.parametrize("path", [SIP_SRV, MU_PATH, AXL1, sip_path(SIP_5061TLS)])
def test_delete_with_body_ignored(seed, path):
    """§2.3, §7: a `{}` body on DELETE (any Content-Type, even none) is ignored."""
    check_204(seed.delete(path, body="{}", ctype=JSON))
    assert seed.get(path).status == 404
    assert_error(seed.delete(path, body="<junk", headers={"Content-Type": "text/html"}), 404,
                 "NOT_FOUND")


def test_json_content_type_on_get(seed):
    r = seed.get(pgs_path(PG_SIP), accept=JSON, ctype=JSON, body="{}")
    assert (r.status, r.body) == (200, SPEC_PGS_SIP_LIST_JSON.encode())


def test_trailing_slash_and_case_sensitive_paths(seed):
    """§2.8: one trailing slash is ignored; paths are case-sensitive; . and .. → 404."""
    assert seed.get(pgs_path(PG_SIP) + "/").body == SPEC_PGS_SIP_LIST_XML.encode()
    assert seed.get(SIP_SRV + "/", accept=JSON).body == \
        json_obj(seed_pgservers(PG_SIP)[0]).encode()
    for p in (f"/vmrest/portgroups/{PG_SIP}/PortGroupServers", "/vmrest/RtpCodecDefs",
              "/vmrest/SipSecurityProfiles", f"/vmrest/phonesystems/{PS}/AXLServers",
              f"/vmrest/portgroups/{PG_SIP}/portgroupservers//{SRV_SIP}",
              f"/vmrest/portgroups/{PG_SIP}/portgroupservers/./{SRV_SIP}",
              "/vmrest/sipcertificates", "/vmrest/sipcertificates/x",
              f"/vmrest/portgroup/{PG_SIP}/portgroupservers"):
        assert_error(seed.get(p), 404, "NOT_FOUND")


# =================================================================================================
# 12. 201 bodies and Location (§2.7)

def test_201_lengths_and_location(server, seed):
    h = f"127.0.0.1:{server.https_port}"
    cases = [(pgs_path(PG_SIP), '{"HostOrIPAddress":"h"}', 109),
             (pgc_path(PG_SIP), json.dumps({"RtpCodecDefObjectId": CODEC_G722}), 108),
             (AXL, '{"HostOrIPAddress":"h"}', 105), (SIPS, '{"Port":7000}', 64)]
    for path, body, length in cases:
        for acc in (JSON, XML, "*/*"):
            r = seed.post(path, body=body, ctype=JSON, accept=acc)
            oid = check_201(r, h, path, length)
            assert seed.get(r.text).status == 200
            check_204(seed.delete(r.text))
        # the query string of a POST is ignored; the Host header is copied into Location
        r = seed.post(path + "?rowsPerPage=abc", body=body, ctype=JSON,
                      headers={"Host": "cupi.example.net:9443"})
        assert r.status == 201, r
        assert r.headers["Location"] == "https://cupi.example.net:9443" + r.text
        assert len(r.body) == length
        check_204(seed.delete(r.text))
        # plain HTTP listener: scheme http
        hc = server.client(scheme="http")
        r = hc.post(path, body=body, ctype=JSON)
        assert r.status == 201, r
        assert r.headers["Location"] == f"http://127.0.0.1:{server.http_port}{r.text}"
        check_204(seed.delete(r.text))
        assert GUID_V4.match(oid)


# =================================================================================================
# 13. audit, metrics, reset (§5.16.4, §6.3, §6.4, §6.5)

def test_audit_entries_name_the_child(seed, host):
    since = last_audit_id(seed)
    steps = []

    def do(method, path, body=None, status=None):
        r = seed.request(method, path, body=body, ctype=JSON if body else None, accept=JSON)
        assert r.status == status, (method, path, r)
        oid = r.text.rsplit("/", 1)[1] if status == 201 else \
            (path.rsplit("/", 1)[1] if status == 204 else None)
        steps.append((method, path, status, oid))
        return oid

    s = do("POST", pgs_path(PG_SIP), '{"HostOrIPAddress":"h"}', 201)
    do("PUT", pgs_path(PG_SIP, s), '{"Port":7}', 204)
    do("DELETE", pgs_path(PG_SIP, s), None, 204)
    c = do("POST", pgc_path(PG_SIP), json.dumps({"RtpCodecDefObjectId": CODEC_G722}), 201)
    do("PUT", pgc_path(PG_SIP, c), '{"Preference":7}', 204)
    do("DELETE", pgc_path(PG_SIP, c), None, 204)
    a = do("POST", AXL, '{"HostOrIPAddress":"h","CcmAXLPassword":"pw-audit-secret"}', 201)
    do("PUT", axl_path(PS, a), '{"CcmAXLPassword":"pw-audit-secret2"}', 204)
    do("DELETE", axl_path(PS, a), None, 204)
    p = do("POST", SIPS, '{"Port":7000}', 201)
    do("PUT", sip_path(p), '{"Port":7001}', 204)
    do("DELETE", sip_path(p), None, 204)
    do("POST", pgs_path(PG_SIP), '{"Port":0}', 400)
    do("POST", pgs_path("bogus"), '{"HostOrIPAddress":"h"}', 404)
    do("POST", pgc_path(PG_SIP), json.dumps({"RtpCodecDefObjectId": CODEC_MULAW}), 400)
    do("POST", CODECDEFS, "{}", 403)
    r = seed.post("/vmrest/portgroups", body=json.dumps({"MediaSwitchObjectId": PS,
                                                         "TelephonyIntegrationMethodEnum": 2,
                                                         "HostOrIPAddress": "h"}), ctype=JSON)
    pg = new_id(r, "/vmrest/portgroups")
    steps.append(("POST", "/vmrest/portgroups", 201, pg))
    seed.get(pgs_path(PG_SIP))  # GETs are not recorded
    es = audit_since(seed, since)
    got = [(e["method"], e["path"], e["status"], e.get("objectId")) for e in es]
    want = [(m, pth, st, oid) for m, pth, st, oid in steps]
    assert [g[:3] for g in got] == [w[:3] for w in want], got
    for g, w in zip(got, want):
        if w[2] in (201, 204):
            assert g[3] == w[3], (g, w)
        elif w[0] == "POST":
            assert g[3] is None, g  # a rejected POST created nothing
    assert all(e["user"] == "admin" for e in es)
    text = seed.get(f"/cupid/audit?since={since}").text
    assert "pw-audit-secret" not in text


def test_metrics_object_counts(seed, host):
    assert obj_counts(seed) == SEED_COUNTS
    s = new_id(seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"h"}', ctype=JSON),
               pgs_path(PG_SIP))
    new_id(seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_G722}),
                     ctype=JSON), pgc_path(PG_SIP))
    new_id(seed.post(AXL, body='{"HostOrIPAddress":"h"}', ctype=JSON), AXL)
    new_id(seed.post(SIPS, body='{"Port":7000}', ctype=JSON), SIPS)
    c = obj_counts(seed)
    assert c == dict(SEED_COUNTS, portgroupserver=7, portgroupcodec=9, axlserver=2,
                     sipsecurityprofile=3), c
    check_204(seed.delete(pgs_path(PG_SIP, s)))
    assert obj_counts(seed)["portgroupserver"] == 6
    # a rejected write changes no count
    seed.post(pgs_path(PG_SIP), body='{"Port":0}', ctype=JSON)
    assert obj_counts(seed)["portgroupserver"] == 6
    seed.load("empty")
    assert obj_counts(seed) == {"phonesystem": 0, "portgroup": 0, "port": 0, "vmsserver": 1,
                                "portgroupserver": 0, "portgroupcodec": 0, "axlserver": 0,
                                "sipsecurityprofile": 2}
    seed.load("seed-example2")
    assert obj_counts(seed) == {"phonesystem": 1, "portgroup": 1, "port": 1, "vmsserver": 1,
                                "portgroupserver": 1, "portgroupcodec": 2, "axlserver": 0,
                                "sipsecurityprofile": 2}
    seed.load("seed")


def test_metrics_route_labels(seed):
    t0 = metrics_text(seed)
    lbl = 'method="GET",route="/vmrest/portgroups/{id}/portgroupservers/{serverId}",status="200"'
    n0 = metric(t0, "cupid_http_requests_total", lbl) or 0
    for _ in range(3):
        assert seed.get(SIP_SRV).status == 200
    for p in (pgs_path(PG_SIP), MU_PATH, pgc_path(PG_SIP), AXL, AXL1, SIPS, sip_path(SIP_5060),
              CODECDEFS, CODECDEFS + "/" + CODEC_MULAW, pgs_path("bogus")):
        assert seed.get(p).status == 200
    t = metrics_text(seed)
    assert metric(t, "cupid_http_requests_total", lbl) == n0 + 3
    assert metric(t, "cupid_http_requests_total",
                  'method="GET",route="/vmrest/portgroups/{id}/portgroupservers",status="200"')
    routes = set(re.findall(r'route="([^"]*)"', t))
    for rx in (r"/vmrest/portgroups/\{\w+\}/portgroupcodecs/\{\w+\}",
               r"/vmrest/portgroups/\{\w+\}/portgroupcodecs",
               r"/vmrest/phonesystems/\{\w+\}/axlservers/\{\w+\}",
               r"/vmrest/phonesystems/\{\w+\}/axlservers", r"/vmrest/sipsecurityprofiles",
               r"/vmrest/sipsecurityprofiles/\{\w+\}", r"/vmrest/rtpcodecdefs",
               r"/vmrest/rtpcodecdefs/\{\w+\}"):
        assert any(re.fullmatch(rx, r) for r in routes), (rx, routes)
    for oid in (SRV_SIP, MU_SIP, SEED_AXL, SIP_5060, CODEC_MULAW, PG_SIP, PS, "bogus"):
        assert oid not in t


def test_reset_restores_builtin_profiles(admin):
    admin.load("seed")
    check_204(admin.put(sip_path(SIP_5060), body='{"Port":5070}', ctype=JSON))
    check_204(admin.delete(sip_path(SIP_5061TLS)))
    assert admin.post(SIPS, body='{"Port":9000}', ctype=JSON).status == 201
    r = admin.post("/cupid/reset")
    assert r.status == 200, r
    assert r.body == (b'{"reset":true,"counts":{"vmsservers":1,"phonesystems":0,"portgroups":0,'
                      b'"ports":0}}')
    assert admin.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    assert admin.get(SIPS, accept=JSON).body == SPEC_SIP_LIST_JSON.encode()
    assert admin.get(CODECDEFS).body == SPEC_CODECDEFS_XML.encode()
    for g in SEED_GROUPS:
        assert admin.get(pgs_path(g), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert admin.get(AXL, accept=JSON).body == SPEC_EMPTY_JSON.encode()
    # loading a fixture restores them too, and the counts keep their four keys
    check_204(admin.delete(sip_path(SIP_5060)))
    r = admin.post("/cupid/fixtures/seed")
    assert r.body == (b'{"loaded":"seed","counts":{"vmsservers":1,"phonesystems":1,'
                      b'"portgroups":4,"ports":2}}')
    assert admin.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    check_204(admin.delete(sip_path(SIP_5060)))
    r = admin.post("/cupid/fixtures/empty")
    assert r.status == 200
    assert admin.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    admin.load("seed")


def test_seed_example2_telephony(admin):
    """§6.7 seed-example2: one server and two codecs, no AXL server, built-in profiles."""
    from cupidtest import EX2_CODECS, EX2_PG, EX2_PS, EX2_SRV
    admin.load("seed-example2")
    try:
        want = [pgserver_fields(EX2_SRV, EX2_PG, 102, "192.0.2.21")]
        assert admin.get(pgs_path(EX2_PG), accept=JSON).body == \
            json_coll("PortGroupServer", want).encode()
        cod = [pgcodec_fields(EX2_CODECS[0], EX2_PG, CODEC_MULAW, 20, 0),
               pgcodec_fields(EX2_CODECS[1], EX2_PG, CODEC_G729, 20, 1)]
        assert admin.get(pgc_path(EX2_PG)).body == xml_coll("PortGroupCodecs", "PortGroupCodec",
                                                            cod).encode()
        assert admin.get(axl_path(EX2_PS), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        assert admin.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    finally:
        admin.load("seed")


# =================================================================================================
# 14. the cache (§5.16.4): a write is seen by the next GET, on this and on another process

@pytest.fixture(scope="module")
def pair():
    a = start_server()
    try:
        b_ = start_server(data_dir=a.data_dir)
    except BaseException:
        a.cleanup()
        raise
    yield a, b_
    b_.cleanup()
    a.cleanup()


@pytest.fixture
def ab(pair):
    a, b_ = pair
    a.client().load("seed")
    return a.client(keep=True), b_.client(keep=True)


def _warm(cli, paths):
    out = {}
    for p in paths:
        for acc in (XML, JSON):
            r1 = cli.get(p, accept=acc)
            r2 = cli.get(p, accept=acc)
            assert r1.status == r2.status and r1.body == r2.body
            out[(p, acc)] = r1
    return out


@pytest.mark.parametrize("writer", ["same", "other"])
def test_cache_sees_child_writes(ab, writer):
    a, b_ = ab
    w = a if writer == "same" else b_
    paths = [pgs_path(PG_SIP), pgc_path(PG_SIP), AXL, SIPS, SIP_SRV, MU_PATH, AXL1,
             sip_path(SIP_5060)]
    _warm(a, paths)
    r = w.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"cache-h"}', ctype=JSON)
    sid = new_id(r, pgs_path(PG_SIP))
    assert items(a, pgs_path(PG_SIP), "PortGroupServer")[0] == 2
    assert b"cache-h" in a.get(pgs_path(PG_SIP)).body
    check_204(w.put(SIP_SRV, body='{"Port":1111}', ctype=JSON))
    assert get_obj(a, SIP_SRV)["Port"] == "1111"
    assert b"<Port>1111</Port>" in a.get(pgs_path(PG_SIP)).body
    check_204(w.put(MU_PATH, body='{"Preference":9}', ctype=JSON))
    assert get_obj(a, MU_PATH)["Preference"] == "9"
    assert ids(a, pgc_path(PG_SIP), "PortGroupCodec")[1] == [G729_SIP, MU_SIP]
    check_204(w.put(AXL1, body='{"CcmAXLUser":"cached"}', ctype=JSON))
    assert get_obj(a, AXL1)["CcmAXLUser"] == "cached"
    assert b"<CcmAXLUser>cached</CcmAXLUser>" in a.get(AXL).body
    check_204(w.put(sip_path(SIP_5060), body='{"DoTLS":true,"Port":5062}', ctype=JSON))
    assert get_obj(a, sip_path(SIP_5060))["DisplayName"] == "5062/TLS"
    assert ids(a, SIPS, "SipSecurityProfile")[1] == [SIP_5061TLS, SIP_5060]
    check_204(w.delete(pgs_path(PG_SIP, sid)))
    assert a.get(pgs_path(PG_SIP, sid)).status == 404
    assert items(a, pgs_path(PG_SIP), "PortGroupServer")[0] == 1
    # a new group's server and codecs are seen at once
    _warm(a, [pgs_path(PG_SCCP), pgc_path(PG_SCCP)])
    r = w.post("/vmrest/portgroups", body=json.dumps({"MediaSwitchObjectId": PS,
                                                      "TelephonyIntegrationMethodEnum": 1,
                                                      "HostOrIPAddress": "n"}), ctype=JSON)
    pg = new_id(r, "/vmrest/portgroups")
    assert items(a, pgs_path(pg), "PortGroupServer")[0] == 1
    assert items(a, pgc_path(pg), "PortGroupCodec")[0] == 2
    # deleting parents: the sub-collections answer 200 empty at once
    _warm(a, [pgs_path(PG_SCCP), pgc_path(PG_SCCP)])
    _warm(a, [pgs_path(PG_SCCP, SRV_SCCP_A), pgc_path(PG_SCCP, SEED_CODECS[PG_SCCP][0])])
    check_204(w.delete(f"/vmrest/portgroups/{PG_SCCP}"))
    assert a.get(pgs_path(PG_SCCP), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert a.get(pgs_path(PG_SCCP)).body == SPEC_PGS_EMPTY_XML.encode()
    assert a.get(pgc_path(PG_SCCP), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert a.get(pgs_path(PG_SCCP, SRV_SCCP_A)).status == 404
    assert a.get(pgc_path(PG_SCCP, SEED_CODECS[PG_SCCP][0])).status == 404
    _warm(a, [AXL, AXL1, pgs_path(PG_ROHIT), pgs_path(pg)])
    check_204(w.delete(f"/vmrest/phonesystems/{PS}"))
    assert a.get(AXL).body == SPEC_AXL_EMPTY_XML.encode()
    assert a.get(AXL1).status == 404
    assert a.get(pgs_path(PG_ROHIT), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    assert a.get(pgs_path(pg), accept=JSON).body == SPEC_EMPTY_JSON.encode()
    # a reset restores the profiles on every process
    _warm(a, [SIPS])
    assert w.post("/cupid/reset").status == 200
    assert a.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
    a.load("seed")
    assert a.get(pgs_path(PG_SIP)).body == SPEC_PGS_SIP_LIST_XML.encode()
    assert b_.get(AXL).body == SPEC_AXL_LIST_XML.encode()


def test_cache_rejected_write_serves_same(ab):
    a, b_ = ab
    got = _warm(a, [pgs_path(PG_SIP), pgc_path(PG_SIP)])
    assert b_.post(pgs_path(PG_SIP), body='{"Port":0}', ctype=JSON).status == 400
    assert b_.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_MULAW}),
                   ctype=JSON).status == 400
    for (p, acc), r in got.items():
        assert a.get(p, accept=acc).body == r.body



# =================================================================================================
# 15. fixture documents with the telephony keys (§5.16.1)

FX_DOC = {
    # deliberately listed in an order other than the order of application
    "portgroupcodecs": [{"ObjectId": "codec-1", "MediaPortGroupObjectId": "pg-1",
                         "RtpCodecDefObjectId": CODEC_G722, "PreferredPacketSizeMs": 30,
                         "Preference": 4}],
    "portgroupservers": [{"ObjectId": "srv-1", "MediaPortGroupObjectId": "pg-1",
                          "MediaRemoteServiceEnum": 101, "HostOrIPAddress": "tftp"}],
    "axlservers": [{"ObjectId": "axl-1", "MediaSwitchObjectId": "ps-1", "HostOrIPAddress": "axl",
                    "CcmAXLUser": "u", "CcmAXLPassword": "fixture-secret-9"}],
    "sipsecurityprofiles": [{"ObjectId": "sip-1", "Port": 5080, "DoTLS": True}],
    "portgroups": [{"ObjectId": "pg-1", "MediaSwitchObjectId": "ps-1",
                    "TelephonyIntegrationMethodEnum": 2, "HostOrIPAddress": "sip-a"},
                   {"ObjectId": "pg-2", "MediaSwitchObjectId": "ps-1",
                    "TelephonyIntegrationMethodEnum": 1}],
    "phonesystems": [{"ObjectId": "ps-1", "DisplayName": "FX"}],
}


def load_doc(cli, doc):
    return cli.post("/cupid/fixtures", body=json.dumps(doc), ctype=JSON)


def test_fixture_document_with_telephony_keys(admin):
    r = load_doc(admin, FX_DOC)
    try:
        assert r.status == 200, r
        assert r.json() == {"loaded": "custom", "counts": {"vmsservers": 1, "phonesystems": 1,
                                                           "portgroups": 2, "ports": 0}}
        assert list(r.json()["counts"]) == ["vmsservers", "phonesystems", "portgroups", "ports"]
        assert admin.get(SIPS, accept=JSON).body == json_coll(
            "SipSecurityProfile", [sipprofile_fields("sip-1", 5080, True)]).encode()
        assert admin.get(axl_path("ps-1"), accept=JSON).body == json_coll(
            "AXLServer", [axl_fields("axl-1", "ps-1", "axl", user="u")]).encode()
        # codecs present → exactly those listed; pg-2 advertises none
        assert admin.get(pgc_path("pg-1"), accept=JSON).body == json_coll(
            "PortGroupCodec", [pgcodec_fields("codec-1", "pg-1", CODEC_G722, 30, 4)]).encode()
        assert admin.get(pgc_path("pg-2"), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        # the group's HostOrIPAddress made its first server, besides the listed one
        _, srv = items(admin, pgs_path("pg-1"), "PortGroupServer")
        first = [s for s in srv if s["ObjectId"] != "srv-1"]
        assert len(srv) == 2 and len(first) == 1, srv
        fid = first[0]["ObjectId"]
        want = sorted([pgserver_fields(fid, "pg-1", 102, "sip-a", prec=0),
                       pgserver_fields("srv-1", "pg-1", 101, "tftp", prec=0)],
                      key=lambda f: dict(f)["ObjectId"])
        assert admin.get(pgs_path("pg-1"), accept=JSON).body == \
            json_coll("PortGroupServer", want).encode()
        assert admin.get(pgs_path("pg-2"), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        assert b"fixture-secret-9" not in admin.get(axl_path("ps-1")).body
        assert obj_counts(admin) == {"phonesystem": 1, "portgroup": 2, "port": 0,
                                     "vmsserver": 1, "portgroupserver": 2, "portgroupcodec": 1,
                                     "axlserver": 1, "sipsecurityprofile": 1}
    finally:
        admin.load("seed")


def test_fixture_document_defaults(admin):
    """Keys absent → the built-in profiles and every group's default codecs; an empty
    sipsecurityprofiles list → no profiles."""
    doc = {"phonesystems": [{"ObjectId": "ps-1", "DisplayName": "FX"}],
           "portgroups": [{"ObjectId": "pg-1", "MediaSwitchObjectId": "ps-1",
                           "TelephonyIntegrationMethodEnum": 3, "HostOrIPAddressV6": "v6"}]}
    try:
        assert load_doc(admin, doc).status == 200
        assert admin.get(SIPS).body == SPEC_SIP_LIST_XML.encode()
        _check_default_codecs(admin, "pg-1")
        _, srv = items(admin, pgs_path("pg-1"), "PortGroupServer")
        assert len(srv) == 1
        assert srv[0] == dict((k, v) for k, v in pgserver_fields(srv[0]["ObjectId"], "pg-1", 104,
                                                                 None, "v6", prec=0) if v)
        assert admin.get(axl_path("ps-1"), accept=JSON).body == SPEC_EMPTY_JSON.encode()
        doc2 = dict(doc, sipsecurityprofiles=[])
        assert load_doc(admin, doc2).status == 200
        assert admin.get(SIPS).body == (X + '<SipSecurityProfiles total="0"/>').encode()
    finally:
        admin.load("seed")


def _fx(**over):
    d = json.loads(json.dumps(FX_DOC))
    for k, v in over.items():
        d[k] = v
    return d


FX_BAD = [
    ("server-parent-missing", _fx(portgroupservers=[{"MediaPortGroupObjectId": "nope",
                                                     "HostOrIPAddress": "h"}])),
    ("server-no-parent", _fx(portgroupservers=[{"HostOrIPAddress": "h"}])),
    ("server-parent-is-ps", _fx(portgroupservers=[{"MediaPortGroupObjectId": "ps-1",
                                                   "HostOrIPAddress": "h"}])),
    ("server-service-refused", _fx(portgroupservers=[{"MediaPortGroupObjectId": "pg-1",
                                                      "MediaRemoteServiceEnum": 100,
                                                      "HostOrIPAddress": "h"}])),
    ("server-no-address", _fx(portgroupservers=[{"MediaPortGroupObjectId": "pg-1"}])),
    ("server-port", _fx(portgroupservers=[{"MediaPortGroupObjectId": "pg-1",
                                           "HostOrIPAddress": "h", "Port": 0}])),
    ("server-33", _fx(portgroupservers=[{"MediaPortGroupObjectId": "pg-2",
                                         "HostOrIPAddress": f"h{i}"} for i in range(33)])),
    ("codec-dup", _fx(portgroupcodecs=[{"MediaPortGroupObjectId": "pg-1",
                                        "RtpCodecDefObjectId": CODEC_G722},
                                       {"MediaPortGroupObjectId": "pg-1",
                                        "RtpCodecDefObjectId": CODEC_G722}])),
    ("codec-unknown-def", _fx(portgroupcodecs=[{"MediaPortGroupObjectId": "pg-1",
                                                "RtpCodecDefObjectId": "nope"}])),
    ("codec-no-parent", _fx(portgroupcodecs=[{"RtpCodecDefObjectId": CODEC_G722}])),
    ("codec-size", _fx(portgroupcodecs=[{"MediaPortGroupObjectId": "pg-1",
                                         "RtpCodecDefObjectId": CODEC_G722,
                                         "PreferredPacketSizeMs": 25}])),
    ("axl-parent-is-pg", _fx(axlservers=[{"MediaSwitchObjectId": "pg-1",
                                          "HostOrIPAddress": "h"}])),
    ("axl-no-host", _fx(axlservers=[{"MediaSwitchObjectId": "ps-1"}])),
    ("axl-password-long", _fx(axlservers=[{"MediaSwitchObjectId": "ps-1", "HostOrIPAddress": "h",
                                           "CcmAXLPassword": "p" * 129}])),
    ("axl-17", _fx(axlservers=[{"MediaSwitchObjectId": "ps-1", "HostOrIPAddress": f"h{i}"}
                               for i in range(17)])),
    ("sip-dup", _fx(sipsecurityprofiles=[{"Port": 5080}, {"Port": 5080, "DoTLS": False}])),
    ("sip-no-port", _fx(sipsecurityprofiles=[{"DoTLS": True}])),
    ("sip-port", _fx(sipsecurityprofiles=[{"Port": 70000}])),
    ("dup-id", _fx(sipsecurityprofiles=[{"ObjectId": "pg-1", "Port": 5090}])),
    ("group-address-space", _fx(portgroups=[{"ObjectId": "pg-1", "MediaSwitchObjectId": "ps-1",
                                             "TelephonyIntegrationMethodEnum": 2,
                                             "HostOrIPAddress": "a b"}])),
]


@pytest.mark.parametrize("doc", [d for _, d in FX_BAD], ids=[n for n, _ in FX_BAD])
def test_fixture_document_invalid_changes_nothing(seed, doc):
    before = snapshot(seed)
    r = load_doc(seed, doc)
    assert r.status == 400, r
    assert r.json()["errors"]["code"] in ("INVALID_PARAMETER", "DUPLICATE_NAME",
                                          "LICENSE_EXCEEDED"), r.body
    assert_unchanged(seed, before)
    assert obj_counts(seed) == SEED_COUNTS


def test_fixture_document_limits_exact(admin):
    """32 servers and 16 AXL servers are allowed in a document (the limits, not beyond)."""
    doc = _fx(portgroupservers=[{"MediaPortGroupObjectId": "pg-2", "HostOrIPAddress": f"h{i}"}
                                for i in range(32)],
              axlservers=[{"MediaSwitchObjectId": "ps-1", "HostOrIPAddress": f"h{i}"}
                          for i in range(16)])
    try:
        r = load_doc(admin, doc)
        assert r.status == 200, r
        t, srv = items(admin, pgs_path("pg-2"), "PortGroupServer")
        assert t == 32
        assert sorted(int(s["Precedence"]) for s in srv) == list(range(32))
        assert all(s["MediaRemoteServiceEnum"] == "100" for s in srv)
        t, ax = items(admin, axl_path("ps-1"), "AXLServer")
        assert t == 16
        assert sorted(int(a["Precedence"]) for a in ax) == list(range(16))
    finally:
        admin.load("seed")


# =================================================================================================
# 16. concurrency (§4.3): uniqueness and the limits hold under concurrent requests

def test_concurrent_codec_duplicates(server, seed):
    from cupidtest import fire
    res = fire([(server, "POST", pgc_path(PG_SIP), {"RtpCodecDefObjectId": CODEC_G722})] * 8)
    assert sorted(s for s, _ in res) == [201] + [400] * 7, res
    for s, b_ in res:
        if s == 400:
            assert b_["errors"]["code"] == "DUPLICATE_NAME", b_
    assert items(seed, pgc_path(PG_SIP), "PortGroupCodec")[0] == 3


def test_concurrent_sip_profile_duplicates(server, seed):
    from cupidtest import fire
    res = fire([(server, "POST", SIPS, {"Port": 7100, "DoTLS": True})] * 8)
    assert sorted(s for s, _ in res) == [201] + [400] * 7, res
    assert items(seed, SIPS + "?query=(Port%20is%207100)", "SipSecurityProfile")[0] == 1


def test_concurrent_server_limit(server, seed):
    from cupidtest import fire
    for i in range(MAX_PG_SERVERS - 3):
        assert seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": f"p{i}"}),
                         ctype=JSON).status == 201
    assert items(seed, pgs_path(PG_SIP), "PortGroupServer")[0] == MAX_PG_SERVERS - 2
    res = fire([(server, "POST", pgs_path(PG_SIP), {"HostOrIPAddress": f"c{i}"})
                for i in range(8)])
    assert sorted(s for s, _ in res) == [201, 201] + [400] * 6, res
    assert all(b_["errors"]["code"] == "LICENSE_EXCEEDED" for s, b_ in res if s == 400), res
    assert items(seed, pgs_path(PG_SIP), "PortGroupServer")[0] == MAX_PG_SERVERS


def test_concurrent_axl_limit_two_processes(pair):
    from cupidtest import fire
    a, b_ = pair
    cli = a.client()
    cli.load("seed")
    for i in range(MAX_AXL_SERVERS - 3):
        assert cli.post(AXL, body=json.dumps({"HostOrIPAddress": f"p{i}"}),
                        ctype=JSON).status == 201
    res = fire([(srv, "POST", AXL, {"HostOrIPAddress": f"c{i}"})
                for i, srv in enumerate([a, b_] * 4)])
    assert sorted(s for s, _ in res) == [201, 201] + [400] * 6, res
    assert items(cli, AXL, "AXLServer")[0] == MAX_AXL_SERVERS
    cli.load("seed")


def test_concurrent_codec_two_processes(pair):
    from cupidtest import fire
    a, b_ = pair
    cli = a.client()
    cli.load("seed")
    res = fire([(srv, "POST", pgc_path(PG_ROHIT), {"RtpCodecDefObjectId": CODEC_ILBC})
                for srv in [a, b_] * 4])
    assert sorted(s for s, _ in res) == [201] + [400] * 7, res
    assert items(b_.client(), pgc_path(PG_ROHIT), "PortGroupCodec")[0] == 3
    cli.load("seed")


# =================================================================================================
# 17. rendering details: escaping, Unicode lengths, HEAD of objects (§2.4, §2.6)

def test_escaping_and_unicode(seed, host):
    addr = 'a&b<c>"\'x'
    r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": addr}), ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    xb = seed.get(pgs_path(PG_SIP, sid)).body
    assert b"<HostOrIPAddress>a&amp;b&lt;c&gt;\"'x</HostOrIPAddress>" in xb, xb
    assert get_obj(seed, pgs_path(PG_SIP, sid))["HostOrIPAddress"] == addr
    jb = seed.get(pgs_path(PG_SIP, sid), accept=JSON).body
    assert b'"HostOrIPAddress":"a&b<c>\\"\'x"' in jb, jb
    # lengths count code points: 255 two-byte characters fit, 256 do not
    ok = "\u00e9" * 255
    r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": ok}, ensure_ascii=False),
                  ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    assert get_obj(seed, pgs_path(PG_SIP, sid))["HostOrIPAddress"] == ok
    assert ok.encode() in seed.get(pgs_path(PG_SIP, sid), accept=JSON).body  # raw UTF-8
    before = snapshot(seed)
    r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": ok + "\u00e9"}),
                  ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    for bad in ("a\tb", "a\x7fb", "a\nb"):
        r = seed.post(pgs_path(PG_SIP), body=json.dumps({"HostOrIPAddress": bad}), ctype=JSON,
                      accept=JSON)
        assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    # whitespace only is the empty value: no address
    r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"  \\t "}', ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    r = seed.post(AXL, body=json.dumps({"HostOrIPAddress": "h", "CcmAXLUser": "\u00fc" * 129}),
                  ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="CcmAXLUser")
    r = seed.post(pgs_path(PG_SIP), body=b'{"HostOrIPAddress":"\xff"}', ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json")
    r = seed.post(pgs_path(PG_SIP), body=b'{"HostOrIPAddress":"a\x00b"}', ctype=JSON,
                  accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json")
    r = seed.post(SIPS, body='{"Port":"99999999999"}', ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="Port")
    assert_unchanged(seed, before)
    r = seed.post(AXL, body=json.dumps({"HostOrIPAddress": "h", "CcmAXLUser": "\u00fc" * 128,
                                        "Port": "00000000000000000443"}), ctype=JSON)
    aid = check_201(r, host, AXL, 105)
    d = get_obj(seed, axl_path(PS, aid))
    assert d["CcmAXLUser"] == "\u00fc" * 128 and d["Port"] == "443"


@pytest.mark.parametrize("path", [SIP_SRV, MU_PATH, AXL1, sip_path(SIP_5060),
                                  CODECDEFS + "/" + CODEC_G722])
def test_head_objects(seed, path):
    for acc in (XML, JSON):
        g = seed.get(path, accept=acc)
        h = seed.head(path, accept=acc)
        assert (g.status, h.status) == (200, 200)
        assert h.body == b"" and h.headers["Content-Length"] == str(len(g.body))
        assert h.headers["Content-Type"] == g.headers["Content-Type"] == acc


# =================================================================================================
# 18. finer body and sort rules (§2.6, §3.3) on the new resources

def test_body_rules_fine(seed, host):
    # the last occurrence of a field wins (JSON too)
    r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"a","HostOrIPAddress":"b"}',
                  ctype=JSON)
    sid = check_201(r, host, pgs_path(PG_SIP), 109)
    assert get_obj(seed, pgs_path(PG_SIP, sid))["HostOrIPAddress"] == "b"
    check_204(seed.delete(pgs_path(PG_SIP, sid)))
    before = snapshot(seed)
    bad = [
        # two members: not a wrapper, so PortGroupServer is an unknown field → no address
        (pgs_path(PG_SIP), '{"PortGroupServer":{"HostOrIPAddress":"h"},"Port":5}',
         "HostOrIPAddress"),
        # a wrapper whose value is not an object is not a wrapper
        (pgs_path(PG_SIP), '{"PortGroupServer":"h"}', "HostOrIPAddress"),
        (pgc_path(PG_SIP), '{"RtpCodecDefObjectId":5}', "RtpCodecDefObjectId"),
        (pgc_path(PG_SIP), '{"RtpCodecDefObjectId":true}', "RtpCodecDefObjectId"),
        (pgs_path(PG_SIP), '{"HostOrIPAddress":"h","Precedence":1.5}', "Precedence"),
        (pgs_path(PG_SIP), '{"HostOrIPAddress":"h","Port":true}', "Port"),
        (SIPS, '{"Port":5070,"DoTLS":2}', "DoTLS"),
        (SIPS, '{"Port":5070,"DoTLS":""}', "DoTLS"),
        (AXL, '{"HostOrIPAddress":"h","IsPinSyncEnabled":null}', "IsPinSyncEnabled"),
        # nesting deeper than 32, even in an unknown field
        (pgs_path(PG_SIP), '{"HostOrIPAddress":"h","x":' + "[" * 40 + "]" * 40 + "}", None),
        # more than 1,000 fields
        (pgs_path(PG_SIP), json.dumps(dict({"HostOrIPAddress": "h"},
                                           **{f"u{i}": i for i in range(1001)})), None),
    ]
    for path, body, field in bad:
        r = seed.post(path, body=body, ctype=JSON, accept=JSON)
        assert_error(r, 400, "INVALID_PARAMETER", "json", field=field)
    # the address rule on PUT applies to the result, for either address
    r = seed.post(pgs_path(PG_SIP), body='{"HostOrIPAddressV6":"v6"}', ctype=JSON)
    v6 = check_201(r, host, pgs_path(PG_SIP), 109)
    snap_v6 = seed.get(pgs_path(PG_SIP, v6)).body
    for body in ('{"HostOrIPAddressV6":""}', '{"HostOrIPAddressV6":"  "}',
                 '{"HostOrIPAddressV6":null,"HostOrIPAddress":""}'):
        r = seed.put(pgs_path(PG_SIP, v6), body=body, ctype=JSON, accept=JSON)
        assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    assert seed.get(pgs_path(PG_SIP, v6)).body == snap_v6
    check_204(seed.put(pgs_path(PG_SIP, v6), body='{"HostOrIPAddress":"x",'
                       '"HostOrIPAddressV6":""}', ctype=JSON))
    d = get_obj(seed, pgs_path(PG_SIP, v6))
    assert d["HostOrIPAddress"] == "x" and "HostOrIPAddressV6" not in d
    check_204(seed.delete(pgs_path(PG_SIP, v6)))
    for body, field in (('{"HostOrIPAddress":"  "}', "HostOrIPAddress"),
                        ('{"Port":""}', "Port"), ('{"CcmVersion":"5.0"}', "CcmVersion")):
        assert_error(seed.put(AXL1, body=body, ctype=JSON, accept=JSON), 400,
                     "INVALID_PARAMETER", "json", field=field)
    for body, field in (('{"Port":""}', "Port"), ('{"DoTLS":""}', "DoTLS")):
        assert_error(seed.put(sip_path(SIP_5060), body=body, ctype=JSON, accept=JSON), 400,
                     "INVALID_PARAMETER", "json", field=field)
    assert_unchanged(seed, before)
    # read-only fields in a body are ignored and not validated
    r = seed.post(pgc_path(PG_SIP), body=json.dumps({
        "RtpCodecDefObjectId": CODEC_G722, "RtpCodecDefDisplayName": "x" * 500, "URI": "bad",
        "ObjectId": "mine"}), ctype=JSON)
    cid = check_201(r, host, pgc_path(PG_SIP), 108)
    assert get_obj(seed, pgc_path(PG_SIP, cid)) == dict(pgcodec_fields(cid, PG_SIP, CODEC_G722,
                                                                       20, 2))
    r = seed.post(SIPS, body='{"Port":7200,"DisplayName":"","ObjectId":"x y","URI":1}',
                  ctype=JSON)
    pid = check_201(r, host, SIPS, 64)
    assert get_obj(seed, sip_path(pid)) == dict(sipprofile_fields(pid, 7200, False))


def test_preference_and_precedence_cap(seed, host):
    """§5.9.2, §5.11: assigned Preference / Precedence never exceed 9999."""
    check_204(seed.put(pgc_path(PG_SIP, G729_SIP), body='{"Preference":9999}', ctype=JSON))
    r = seed.post(pgc_path(PG_SIP), body=json.dumps({"RtpCodecDefObjectId": CODEC_ILBC}),
                  ctype=JSON)
    cid = check_201(r, host, pgc_path(PG_SIP), 108)
    assert get_obj(seed, pgc_path(PG_SIP, cid))["Preference"] == "9999"
    check_204(seed.put(AXL1, body='{"Precedence":9999}', ctype=JSON))
    r = seed.post(AXL, body='{"HostOrIPAddress":"h"}', ctype=JSON)
    aid = check_201(r, host, AXL, 105)
    assert get_obj(seed, axl_path(PS, aid))["Precedence"] == "9999"


@pytest.mark.paging
def test_sort_ties_and_nulls(seed, host):
    """§3.3: strings fold A-Z, then byte order, then ObjectId; NULL first ascending and last
    descending; ties by ObjectId ascending in both directions."""
    made = {}
    for h in ("b", "A", "a", "B"):
        r = seed.post(pgs_path(PG_ROHIT), body=json.dumps({"HostOrIPAddress": h}), ctype=JSON)
        made[h] = check_201(r, host, pgs_path(PG_ROHIT), 109)
    r = seed.post(pgs_path(PG_ROHIT), body='{"HostOrIPAddressV6":"v6"}', ctype=JSON)
    null = check_201(r, host, pgs_path(PG_ROHIT), 109)
    got = ids(seed, pgs_path(PG_ROHIT) + "?sort=(HostOrIPAddress)", "PortGroupServer")
    assert got == (6, [null, SRV_ROHIT, made["A"], made["a"], made["B"], made["b"]])
    got = ids(seed, pgs_path(PG_ROHIT) + "?sort=(HostOrIPAddress%20desc)", "PortGroupServer")
    assert got[1][0] in (made["b"], made["B"]) and got[1][-1] == null, got
    assert set(got[1][:2]) == {made["b"], made["B"]} and got[1][4] == SRV_ROHIT
    # NULL never matches a query
    got = ids(seed, pgs_path(PG_ROHIT) + "?query=(HostOrIPAddressV6%20is%20V6)",
              "PortGroupServer")
    assert got == (1, [null])
    got = ids(seed, pgs_path(PG_ROHIT) + "?query=(HostOrIPAddress%20is%20a)", "PortGroupServer")
    assert got == (2, [made["A"], made["a"]])  # default order: Precedence 2, 3
    # ties on Precedence: ordered by ObjectId, ascending in both directions
    for i in ("A", "a", "B", "b"):
        check_204(seed.put(pgs_path(PG_ROHIT, made[i]), body='{"Precedence":7}', ctype=JSON))
    tie = sorted(made.values())
    got = ids(seed, pgs_path(PG_ROHIT) + "?sort=(Precedence%20desc)", "PortGroupServer")
    assert got[1][:4] == tie, got
    got = ids(seed, pgs_path(PG_ROHIT) + "?sort=(URI%20desc)&rowsPerPage=2&pageNumber=1",
              "PortGroupServer")
    assert got[0] == 6 and len(got[1]) == 2
    assert ids(seed, pgs_path(PG_ROHIT) + "?query=(Port%20startswith%2050)",
               "PortGroupServer")[0] == 6
    got = ids(seed, pgs_path(PG_ROHIT) + "?sort=(HostOrIPAddressV6%20desc)", "PortGroupServer")
    assert got[1][0] == null


@pytest.mark.paging
def test_portgroup_v6_not_a_sort_column(seed):
    for p in ("sort=(HostOrIPAddressV6)", "sort=(hostoripaddress%20desc)"):
        assert_error(seed.get("/vmrest/portgroups?" + p, accept=JSON), 400, "INVALID_PARAMETER",
                     "json", field="sort")


def test_limits_and_paths_misc(make_server):
    """§4.2 step 2 (413 before the parent check), `[]` as the empty value, percent-decoded
    path segments, trimmed ids in bodies."""
    srv = make_server({"http.max_body_bytes": "2000"})
    cli = srv.client()
    big = '{"HostOrIPAddress":"' + "h" * 3000 + '"}'
    for path in (pgs_path(PG_SIP), pgs_path("bogus"), AXL, SIPS):
        r = cli.post(path, body=big, ctype=JSON, accept=JSON)
        assert_error(r, 413, "PAYLOAD_TOO_LARGE", "json")
    r = cli.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":[]}', ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddress")
    r = cli.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"h","HostOrIPAddressV6":[]}',
                 ctype=JSON)
    sid = new_id(r, pgs_path(PG_SIP))
    assert "HostOrIPAddressV6" not in get_obj(cli, pgs_path(PG_SIP, sid))
    r = cli.post(pgs_path(PG_SIP), body='{"HostOrIPAddress":"h","HostOrIPAddressV6":["x"]}',
                 ctype=JSON, accept=JSON)
    assert_error(r, 400, "INVALID_PARAMETER", "json", field="HostOrIPAddressV6")
    enc = SRV_SIP.replace("-", "%2D", 1)
    assert cli.get(pgs_path(PG_SIP, enc), accept=JSON).body == \
        json_obj(seed_pgservers(PG_SIP)[0]).encode()
    assert cli.get(pgs_path(PG_SIP, SRV_SIP + "%20")).status == 404
    r = cli.post(pgc_path(PG_SIP), body=f"<PortGroupCodec><RtpCodecDefObjectId> {CODEC_G722}\n"
                 "</RtpCodecDefObjectId></PortGroupCodec>", ctype=XML)
    cid = new_id(r, pgc_path(PG_SIP))
    assert get_obj(cli, pgc_path(PG_SIP, cid))["RtpCodecDefObjectId"] == CODEC_G722
