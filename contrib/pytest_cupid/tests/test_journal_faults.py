"""The example script against fault rules and the request journal (/cupid/faults and
/cupid/requests): a refused POST is reported, and the journal shows what the script sent."""

import json

import pytest

from example_script import ProvisioningError, add_sip_ports

SIP_GROUP = "575f43be-f5d0-4af7-a689-06d968227ff7"
VMS = "574ca5d3-9041-4ff9-8e7d-727c32d80dab"


def run_script(cupid):
    return add_sip_ports(cupid.url, cupid.user, cupid.password, SIP_GROUP, VMS,
                         cafile=cupid.cert)


def test_busy_server_is_reported(cupid):
    rule = cupid.add_fault(method="POST", path="/vmrest/ports", times=1, status=503,
                           code="SERVER_BUSY")
    assert rule["id"] and rule["hits"] == 0
    with pytest.raises(ProvisioningError) as e:
        run_script(cupid)
    assert e.value.status == 503 and e.value.code == "SERVER_BUSY"
    assert [f["hits"] for f in cupid.faults() if f["id"] == rule["id"]] == [1]
    assert cupid.get_json("/vmrest/ports?pageNumber=0")["@total"] == "2"  # nothing added
    assert len(run_script(cupid)) == 2  # times=1: the next attempt goes through


def test_journal_shows_the_post(cupid):
    uris = run_script(cupid)
    posts = cupid.requests(method="POST", path="/vmrest/ports")
    assert len(posts) == 1 and posts[0]["status"] == 201
    assert json.loads(posts[0]["body"]) == {
        "MediaPortGroupObjectId": SIP_GROUP, "VmsServerObjectId": VMS, "NumberOfPorts": 2}
    assert cupid.request_count(method="POST", path="/vmrest/ports") == 1
    assert cupid.request_count(method="GET", path="/vmrest/ports") == 2  # before and after
    assert len(uris) == 2
    cupid.get_json("/vmrest/version")
    last = cupid.requests(path="/vmrest/version")[-1]["id"]
    cupid.get_json("/vmrest/version")
    assert len(cupid.requests(path="/vmrest/version")) == 2
    assert len(cupid.requests(path="/vmrest/version", since_id=last)) == 1
    cupid.clear_requests()
    assert cupid.request_count(path="/vmrest/ports") == 0


def test_fault_rules_are_listed_and_removed(cupid):
    delay = cupid.add_fault(method="GET", path="/vmrest/ports/*", delayMs=300)
    drop = cupid.add_fault(method="DELETE", path="/vmrest/ports/*", action="drop")
    assert {f["id"] for f in cupid.faults()} == {delay["id"], drop["id"]}
    cupid.remove_fault(delay["id"])
    assert [f["id"] for f in cupid.faults()] == [drop["id"]]
    cupid.clear_faults()
    assert cupid.faults() == []


def test_each_test_starts_with_no_faults_and_an_empty_journal(cupid):
    assert cupid.faults() == []
    assert cupid.request_count(path="/vmrest/ports") == 0
