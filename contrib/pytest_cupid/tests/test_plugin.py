"""pytest_cupid itself: one server per session, a fresh fixture for every test, the marker,
the client, and loading the plugin with -p."""

import json
import os
import ssl
import textwrap

import pytest

import pytest_cupid
from pytest_cupid import CupidClient, CupidError

PG_ROHIT = "575f43be-f5d0-4af7-a689-06d968227ff7"  # the seed's SIP port group
VMS1 = "574ca5d3-9041-4ff9-8e7d-727c32d80dab"
EX2_PORT = "e4a48f12-d22b-438c-89eb-0b25f2f73d12"  # a port of seed-example2

seen = {}


def total(cupid, path):
    return int(cupid.get_json(path + "?pageNumber=0")["@total"])


def test_session_server_first_use(cupid_server, cupid):
    seen["pid"] = cupid_server.proc.pid
    seen["url"] = cupid.url
    assert cupid_server.proc.poll() is None
    assert cupid.url == cupid_server.info["url"]


def test_session_server_is_the_same(cupid_server, cupid):
    assert seen, "runs after test_session_server_first_use"
    assert cupid_server.proc.pid == seen["pid"] and cupid.url == seen["url"]
    assert cupid_server.proc.poll() is None


def test_a_test_adds_ports(cupid):
    status, _, body = cupid.request("POST", "/vmrest/ports", json={
        "MediaPortGroupObjectId": PG_ROHIT, "VmsServerObjectId": VMS1, "NumberOfPorts": 2})
    assert status == 201, body
    assert total(cupid, "/vmrest/ports") == 4
    seen["added"] = body.decode().strip()


def test_the_next_test_starts_from_the_seed_again(cupid):
    assert "added" in seen, "runs after test_a_test_adds_ports"
    assert total(cupid, "/vmrest/ports") == 2
    status, _, _ = cupid.request("GET", seen["added"])
    assert status == 404


@pytest.mark.cupid_fixture("empty")
def test_marker_empty(cupid):
    assert total(cupid, "/vmrest/ports") == 0
    assert total(cupid, "/vmrest/portgroups") == 0


@pytest.mark.cupid_fixture("seed-example2")
def test_marker_other_builtin(cupid):
    assert cupid.get_json("/vmrest/ports/" + EX2_PORT)["ObjectId"] == EX2_PORT


@pytest.mark.cupid_fixture({"phonesystems": [{"ObjectId": "ps-1", "DisplayName": "Lab"}]})
def test_marker_document(cupid):
    d = cupid.get_json("/vmrest/phonesystems")
    assert d["@total"] == "1" and d["PhoneSystem"]["DisplayName"] == "Lab"


def test_default_is_seed(cupid):
    assert total(cupid, "/vmrest/portgroups") == 4


def test_client(cupid):
    assert cupid.user == "admin" and cupid.password
    assert cupid.url.startswith("https://127.0.0.1:")
    assert cupid.http_url.startswith("http://127.0.0.1:")
    assert os.path.isfile(cupid.cert)
    assert cupid.ssl_context.verify_mode == ssl.CERT_REQUIRED  # verified against .cert
    status, headers, body = cupid.request("GET", "/vmrest/version",
                                          headers={"Accept": "application/json"})
    assert status == 200 and json.loads(body)["name"] == "vmrest"
    assert headers["content-type"].startswith("application/json")
    status, _, body = cupid.request("GET", "/vmrest/version")
    assert status == 200 and body.startswith(b"<?xml")
    assert cupid.get_json("/cupid/whoami") == {"user": "admin", "role": "administrator"}
    wrong = CupidClient(cupid.url, None, cupid.user, "wrong", cupid.cert)
    assert wrong.request("GET", "/vmrest/version")[0] == 401
    plain = CupidClient(None, cupid.http_url, cupid.user, cupid.password, None)
    assert plain.get_json("/vmrest/version")["name"] == "vmrest"


def test_helpers_raise_on_unexpected_status(cupid):
    with pytest.raises(CupidError) as e:
        cupid.get_json("/vmrest/ports/no-such-port")
    assert e.value.status == 404 and b"NOT_FOUND" in e.value.body
    with pytest.raises(CupidError) as e:
        cupid.remove_fault("no-such-rule")
    assert e.value.status == 404
    with pytest.raises(CupidError):
        cupid.load_fixture("no-such-fixture")


INNER = textwrap.dedent("""
    import pytest

    def test_inner(cupid):
        assert cupid.get_json("/vmrest/ports?pageNumber=0")["@total"] == "2"

    @pytest.mark.cupid_fixture("empty")
    def test_inner_empty(cupid):
        assert cupid.get_json("/vmrest/ports?pageNumber=0")["@total"] == "0"
""")


@pytest.fixture
def inner_env(monkeypatch):
    """The inner session finds the plugin from its own directory (it runs elsewhere)."""
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(os.path.abspath(pytest_cupid.__file__)))
    monkeypatch.delenv("CUPID_BIN")


def test_loaded_with_p_and_cupid_bin(pytester, inner_env, cupid_server):
    binary = os.path.abspath(cupid_server.binary)
    assert "CUPID_BIN" not in os.environ
    pytester.makepyfile(test_inner=INNER)
    r = pytester.runpytest_subprocess("-p", "pytest_cupid", f"--cupid-bin={binary}",
                                      "-p", "no:cacheprovider", timeout=120)
    r.assert_outcomes(passed=2)


def test_no_binary_is_a_clear_error(pytester, inner_env, monkeypatch):
    monkeypatch.setenv("PATH", str(pytester.path))
    pytester.makepyfile(test_inner=INNER)
    r = pytester.runpytest_subprocess("-p", "pytest_cupid", "-p", "no:cacheprovider",
                                      timeout=120)
    r.assert_outcomes(errors=2)
    r.stdout.fnmatch_lines(["*pytest_cupid: no cupid binary*"])
