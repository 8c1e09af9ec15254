"""A client written the way real CUPI clients are (§7): `requests`, certificate checks off,
once with Accept: application/json and once with no Accept header (XML)."""

import xml.etree.ElementTree as ET

import pytest
import requests
import urllib3

from cupidtest import ADMIN, PG_ROHIT

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
# pytest restores warning filters per test, so silence the warning for every test here too
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture
def session(server, seed):
    s = requests.Session()
    s.verify = False
    # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the environment would override Session.verify
    # (requests issue #3829); the server is on 127.0.0.1, so no proxy settings are needed.
    s.trust_env = False
    s.auth = ADMIN
    yield s, f"https://127.0.0.1:{server.https_port}"
    s.close()


def test_json_client(session):
    s, base = session
    s.headers["Accept"] = "application/json"

    r = s.get(base + "/vmrest/vmsservers", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    d = r.json()
    assert d["@total"] == "1"
    server = d["VmsServer"]  # one element: an object
    vms_id = server["VmsServerObjectId"]

    r = s.post(base + "/vmrest/ports", json={"MediaPortGroupObjectId": PG_ROHIT,
                                             "VmsServerObjectId": vms_id, "NumberOfPorts": 2},
               timeout=10)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "text/plain"
    new_id = r.text.rsplit("/", 1)[1]
    assert r.text == "/vmrest/ports/" + new_id
    assert r.headers["Location"].endswith(r.text)

    r = s.put(f"{base}/vmrest/ports/{new_id}", json={"HuntOrder": 7, "CapAnswer": False},
              timeout=10)
    assert r.status_code == 204
    assert r.content == b""

    r = s.get(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 200
    p = r.json()
    assert p["ObjectId"] == new_id
    assert p["HuntOrder"] == "7" and p["CapAnswer"] == "false"
    assert p["PortNumInGroup"] == "1" and p["DisplayName"] == "PhoneSystem-Rohit-001"
    assert p["VmsServerObjectId"] == vms_id

    r = s.delete(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 204

    r = s.get(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 404
    assert r.json()["errors"]["code"] == "NOT_FOUND"


def test_xml_client_without_accept(session):
    s, base = session
    s.headers.pop("Accept", None)  # requests sends Accept: */* unless told otherwise

    r = s.get(base + "/vmrest/vmsservers", timeout=10)
    assert r.status_code == 200
    assert "Accept" not in r.request.headers
    assert r.headers["Content-Type"] == "application/xml"
    root = ET.fromstring(r.content)
    assert root.tag == "VmsServers" and root.get("total") == "1"
    vms_id = root.find("VmsServer/VmsServerObjectId").text

    r = s.post(base + "/vmrest/ports", json={"MediaPortGroupObjectId": PG_ROHIT,
                                             "VmsServerObjectId": vms_id, "NumberOfPorts": 2},
               timeout=10)
    assert r.status_code == 201, r.text
    new_id = r.text.rsplit("/", 1)[1]

    r = s.put(f"{base}/vmrest/ports/{new_id}",
              data="<Port><CapMwi>0</CapMwi><HuntOrder>12</HuntOrder></Port>",
              headers={"Content-Type": "application/xml"}, timeout=10)
    assert r.status_code == 204

    r = s.get(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 200
    port = ET.fromstring(r.content)
    assert port.tag == "Port"
    assert port.find("ObjectId").text == new_id
    assert port.find("CapMWI").text == "false"
    assert port.find("HuntOrder").text == "12"

    r = s.delete(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 204

    r = s.get(f"{base}/vmrest/ports/{new_id}", timeout=10)
    assert r.status_code == 404
    err = ET.fromstring(r.content)
    assert err.tag == "ErrorDetails"
    assert err.find("errors/code").text == "NOT_FOUND"
