"""How a user tests a provisioning script with pytest_cupid: the script talks CUPI to the
session's cupid; every test starts from the seed fixture."""

import pytest

from example_script import ProvisioningError, add_sip_ports

SIP_GROUP = "575f43be-f5d0-4af7-a689-06d968227ff7"  # PhoneSystem-Rohit in the seed
VMS = "574ca5d3-9041-4ff9-8e7d-727c32d80dab"


def run_script(cupid, **kw):
    return add_sip_ports(cupid.url, cupid.user, cupid.password, SIP_GROUP, VMS,
                         cafile=cupid.cert, **kw)


def test_adds_two_sip_ports(cupid):
    uris = run_script(cupid)
    assert len(uris) == 2
    ports = [cupid.get_json(u) for u in uris]
    assert [p["PortNumInGroup"] for p in ports] == ["1", "2"]
    assert all(p["MediaPortGroupObjectId"] == SIP_GROUP for p in ports)
    assert all(p["TelephonyIntegrationMethodEnum"] == "2" for p in ports)  # SIP


def test_odd_count_is_reported(cupid):
    with pytest.raises(ProvisioningError) as e:
        run_script(cupid, count=3)
    assert e.value.status == 400 and e.value.code == "INVALID_PARAMETER"
    assert cupid.get_json("/vmrest/ports?pageNumber=0")["@total"] == "2"  # nothing added


@pytest.mark.cupid_fixture("empty")
def test_missing_port_group_is_reported(cupid):
    with pytest.raises(ProvisioningError) as e:
        run_script(cupid)
    assert e.value.status in (400, 404)
