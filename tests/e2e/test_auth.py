"""Authentication and roles (§2.2, §6.9): 401 in every form, WWW-Authenticate, cupid-ui."""

import base64

import pytest

from cupidtest import ADMIN, JSON, READER, assert_error, basic

BAD_AUTH = [
    ("missing", None),
    ("wrong password", basic("admin", "wrong")),
    ("password case", basic("admin", "ADMINPW")),
    ("password prefix", basic("admin", "adminp")),
    ("password longer", basic("admin", "adminpw ")),
    ("unknown user", basic("nobody", "adminpw")),
    ("reader with admin password", basic("reader", "adminpw")),
    ("empty user and password", basic("", "")),
    ("empty password", basic("admin", "")),
    ("no colon", "Basic " + base64.b64encode(b"adminadminpw").decode()),
    ("bad base64", "Basic !!!not-base64!!!"),
    ("scheme only", "Basic"),
    ("scheme and space", "Basic "),
    ("bearer", "Bearer YWRtaW46YWRtaW5wdw=="),
    ("digest", 'Digest username="admin"'),
    ("garbage", "xyz"),
    ("user with leading space", basic(" admin", "adminpw")),
]


@pytest.mark.parametrize("name,auth", BAD_AUTH, ids=[n for n, _ in BAD_AUTH])
@pytest.mark.parametrize("path", ["/vmrest/ports", "/vmrest/version"])
def test_401(server, name, auth, path):
    cli = server.client(auth=auth)
    r = cli.get(path)
    assert_error(r, 401, "AUTHENTICATION_FAILED", "xml")
    assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'
    r = cli.get(path, accept=JSON)
    assert_error(r, 401, "AUTHENTICATION_FAILED", "json")
    assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'


@pytest.mark.parametrize("name,auth", BAD_AUTH[:6], ids=[n for n, _ in BAD_AUTH[:6]])
def test_401_cupid_endpoints_json(server, name, auth):
    cli = server.client(auth=auth)
    for path in ("/cupid/whoami", "/cupid/fixtures"):
        r = cli.get(path, accept="application/xml")
        assert_error(r, 401, "AUTHENTICATION_FAILED", "json")
        assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'
    r = cli.post("/cupid/reset")
    assert_error(r, 401, "AUTHENTICATION_FAILED", "json")


def test_401_on_writes(seed, server):
    cli = server.client(auth=("admin", "nope"))
    before = seed.get("/vmrest/ports").body
    for method, path in (("POST", "/vmrest/ports"), ("PUT", "/vmrest/ports/x"),
                         ("DELETE", "/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575")):
        r = cli.request(method, path, body='{"NumberOfPorts":2}', ctype=JSON)
        assert_error(r, 401, "AUTHENTICATION_FAILED")
    assert seed.get("/vmrest/ports").body == before


@pytest.mark.parametrize("auth", [None, basic("admin", "wrong")], ids=["missing", "wrong"])
@pytest.mark.parametrize("path,fmt", [("/vmrest/ports", "xml"), ("/cupid/whoami", "json")])
def test_cupid_ui_no_www_authenticate(server, auth, path, fmt):
    r = server.client(auth=auth).get(path, headers={"X-Requested-With": "cupid-ui"})
    assert_error(r, 401, "AUTHENTICATION_FAILED", fmt)
    assert "WWW-Authenticate" not in r.headers


def test_cupid_ui_with_good_credentials(admin):
    r = admin.get("/vmrest/version", headers={"X-Requested-With": "cupid-ui"})
    assert r.status == 200


@pytest.mark.parametrize("user", ["admin", "ADMIN", "Admin", "aDmIn"])
def test_user_names_case_insensitive(server, user):
    r = server.client(auth=(user, "adminpw")).get("/cupid/whoami")
    assert r.status == 200, r
    assert r.json()["role"] == "administrator"
    assert server.client(auth=(user, "adminpw")).get("/vmrest/version").status == 200


def test_reader_name_case_insensitive(server):
    r = server.client(auth=("READER", "readerpw")).get("/cupid/whoami")
    assert r.status == 200 and r.json()["role"] == "readonly"


def test_whoami_exact(admin, reader):
    r = admin.get("/cupid/whoami")
    assert r.status == 200
    assert r.headers["Content-Type"] == JSON
    assert r.body == b'{"user":"admin","role":"administrator"}'
    r = reader.get("/cupid/whoami")
    assert r.status == 200
    assert r.body == b'{"user":"reader","role":"readonly"}'


def test_health_needs_no_credentials(server):
    for auth in (None, ("admin", "wrong"), "garbage"):
        cli = server.client(auth=auth)
        assert cli.get("/cupid/health").status == 200
        assert cli.head("/cupid/health").status == 200


def test_credentials_needed_every_request_on_keepalive(server):
    """No session: a later request on the same connection without credentials is 401."""
    cli = server.client(keep=True)
    try:
        assert cli.get("/vmrest/version").status == 200
        assert cli.get("/vmrest/version", auth=None).status == 401
        assert cli.get("/vmrest/version", auth=READER).status == 200
        assert cli.get("/vmrest/version", auth=("reader", "adminpw")).status == 401
    finally:
        cli.close()


def test_password_with_colon(make_server):
    srv = make_server(args=["--user.colon=administrator:pa:ss:word"])
    assert srv.client(auth=("colon", "pa:ss:word")).get("/cupid/whoami").status == 200
    assert srv.client(auth=("colon", "pa")).get("/cupid/whoami").status == 401


def test_role_change_on_restart(make_server):
    """§6.9: at each start every user.<name> setting creates the user or updates its role and
    password."""
    srv = make_server(args=["--user.carol=administrator:one"])
    assert srv.client(auth=("carol", "one")).get("/cupid/whoami").json()["role"] == \
        "administrator"
    data_dir = srv.data_dir
    srv.stop()
    srv2 = make_server(data_dir=data_dir, args=["--user.carol=readonly:two"])
    assert srv2.client(auth=("carol", "one")).get("/cupid/whoami").status == 401
    r = srv2.client(auth=("carol", "two")).get("/cupid/whoami")
    assert r.status == 200 and r.json() == {"user": "carol", "role": "readonly"}
    # the users from the first start are still there
    assert srv2.client(auth=ADMIN).get("/cupid/whoami").status == 200
