"""Paging, query and sort (§3): the worked examples of §3.5 on the seed fixture. Every test here
is marked `paging` (a later step); deselect with -m "not paging"."""

import pytest

from cupidtest import JSON, PORT1, SPEC_PORT1_JSON, assert_error

pytestmark = pytest.mark.paging

P1, P2 = "PhoneSystem-1-001", "PhoneSystem-1-002"


def elems(d, key):
    v = d.get(key)
    if v is None:
        return []
    return [v] if isinstance(v, dict) else v


OK_ROWS = [
    # (request, total, element names in order, element is an object (one on the page))
    ("ports", "2", [P1, P2], False),
    ("ports?rowsPerPage=1", "2", [P1], True),
    ("ports?rowsPerPage=1&pageNumber=2", "2", [P2], True),
    ("ports?rowsPerPage=5000", "2", [P1, P2], False),
    ("ports?query=(MediaPortGroupObjectId%20is%20ledf504a-e9a1-4876-bcfc-bb674da8e385)", "2",
     [P1, P2], False),
    ("ports?query=(%20DisplayName%20startswith%20phonesystem-1-00%20)", "2", [P1, P2], False),
    ("ports?query=(CapEnabled%20is%201)&sort=(DisplayName%20desc)", "2", [P2, P1], False),
    ("ports?query=(HuntOrder%20is%200)", "2", [P1, P2], False),
    ("portgroups?sort=(DisplayName%20desc)", "4",
     ["PhoneSystem-SCCP", "PhoneSystem-Rohit", "PhoneSystem-PIMG", "PhoneSystem-1"], False),
    ("ports?ROWSPERPAGE=1&PageNumber=2", "2", [P2], True),
    ("ports?rowsPerPage=1&pageNumber=1", "2", [P1], True),
]


@pytest.mark.parametrize("req,total,names,single", OK_ROWS, ids=[r[0] for r in OK_ROWS])
def test_paging_ok(seed, req, total, names, single):
    r = seed.get("/vmrest/" + req, accept=JSON)
    assert r.status == 200, r
    assert r.body.startswith(b'{"@total":"%s"' % total.encode())
    d = r.json()
    key = "Port" if req.startswith("ports") else "PortGroup"
    assert [e["DisplayName"] for e in elems(d, key)] == names
    assert isinstance(d[key], dict) == single


@pytest.mark.parametrize("req,body", [
    ("ports?pageNumber=0", b'{"@total":"2"}'),
    ("ports?rowsPerPage=0", b'{"@total":"2"}'),
    ("ports?rowsPerPage=1&pageNumber=3", b'{"@total":"2"}'),
    ("ports?pageNumber=2", b'{"@total":"2"}'),
    ("ports?query=(mediaportgroupobjectid+IS+1edf504a-e9a1-4876-bcfc-bb674da8e385)",
     b'{"@total":"0"}'),
])
def test_paging_count_only_and_empty(seed, req, body):
    r = seed.get("/vmrest/" + req, accept=JSON)
    assert r.status == 200 and r.body == body


def test_paging_count_only_xml(seed):
    from cupidtest import X
    assert seed.get("/vmrest/ports?pageNumber=0").body == (X + '<Ports total="2"/>').encode()


def test_portcount_query(seed):
    d = seed.get_json("/vmrest/portgroups?query=(PortCount%20is%200)")
    assert d["@total"] == "3"


def test_params_ignored_on_single_object(seed):
    r = seed.get(f"/vmrest/ports/{PORT1}?query=(((&pageNumber=x", accept=JSON)
    assert r.status == 200 and r.body == SPEC_PORT1_JSON.encode()


BAD_ROWS = [
    ("ports?query=DisplayName%20is%20x", "query"),
    ("ports?query=(Bogus%20is%201)", "query"),
    ("ports?query=(DisplayName%20contains%20x)", "query"),
    ("ports?query=(CapAnswer%20is%20yes)", "query"),
    ("ports?query=(CapAnswer%20startswith%201)", "query"),
    ("ports?query=(HuntOrder%20is%20abc)", "query"),
    ("ports?query=(NumberOfPorts%20is%202)", "query"),
    ("ports?sort=(DisplayName%20up)", "sort"),
    ("ports?sort=(Bogus)", "sort"),
    ("ports?rowsPerPage=-1", "rowsPerPage"),
    ("ports?rowsPerPage=abc", "rowsPerPage"),
    ("ports?rowsPerPage=", "rowsPerPage"),
    ("ports?rowsPerPage=%2B1", "rowsPerPage"),
    ("ports?rowsPerPage=1.5", "rowsPerPage"),
    ("ports?rowsPerPage=2147483648", "rowsPerPage"),
    ("ports?pageNumber=1&pageNumber=2", "pageNumber"),
    ("ports?pageNumber=x", "pageNumber"),
    ("ports?query=(DisplayName%20is%20)", "query"),
]


@pytest.mark.parametrize("req,param", BAD_ROWS, ids=[r[0] for r in BAD_ROWS])
def test_paging_errors(seed, req, param):
    assert_error(seed.get("/vmrest/" + req, accept=JSON), 400, "INVALID_PARAMETER", "json",
                 field=param)
    assert_error(seed.get("/vmrest/" + req), 400, "INVALID_PARAMETER", "xml", field=param)
