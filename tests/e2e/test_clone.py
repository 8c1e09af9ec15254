"""cupid clone: a second cupid plays the live CUPI server; its inventory is read through the API
into fresh databases (--load, or --out then import), and every listing of the copy must be
byte-identical to the source's, the sub-collections of phone systems and port groups included,
also when the source's throttle answers 503 to the clone. A small fake CUPI server plays an
older or foreign source (SPEC §5.16.3)."""

import http.server
import json
import math
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import urllib.parse

import re

import pytest

import cupidtest
from cupidtest import ADMIN, JSON, XML, ServerFactory, cupid_bin

LICENSE = 5000
SETTINGS = {"license.voice_ports": LICENSE, "http.max_body_bytes": 16 << 20}
LISTINGS = ["/vmrest/vmsservers", "/vmrest/cluster", "/vmrest/sipsecurityprofiles",
            "/vmrest/phonesystems", "/vmrest/portgroups", "/vmrest/ports", "/vmrest/rtpcodecdefs"]
# (parent collection, sub-collection): listed below every parent object (SPEC §5.7.1)
SUBS = [("/vmrest/phonesystems", "axlservers"), ("/vmrest/portgroups", "portgroupservers"),
        ("/vmrest/portgroups", "portgroupcodecs")]
ELEM = {"/vmrest/phonesystems": "PhoneSystem", "/vmrest/portgroups": "PortGroup"}
AXL_PASSWORD = "Axl-Secret-7f3d"  # sent on every AXL server POST; must never come back
G711U, G711A, G722, G729, ILBC = ("0a588d98-bcd0-43f7-beed-4066b1b8bd89",
                                  "568914d1-6ac1-42f9-94fb-8d6beddef6cb",
                                  "40ee229d-e585-4b01-87af-e01283c34dd4",
                                  "07f16d07-3057-47e8-9029-9abee97dfffe",
                                  "0f437ce5-81b5-458c-a92f-cff6dbd90163")
PAGE = 500
VMS_A = "0c1a5e00-0000-4000-8000-00000000000a"
VMS_B = "0c1a5e00-0000-4000-8000-00000000000b"


def make_fixture():
    """2 VMS servers, 3 phone systems, 7 port groups of all three types and 1,500 ports with
    varied capabilities, numbers with gaps, and some generated names."""
    vms = [{"ObjectId": VMS_A, "ServerName": "cuc-pub", "IpAddress": "192.0.2.10",
            "HostName": "cuc-pub.example.net", "IpAddressV6": "2001:db8::10"},
           {"ObjectId": VMS_B, "ServerName": "cuc-sub", "IpAddress": "192.0.2.11"}]
    ps = [{"ObjectId": "ps-a", "DisplayName": "CUCM Cluster A", "MwiAlwaysUpdate": "true",
           "CallLoopDTMF": "B", "CallLoopGuardTimeMs": "3000", "DefaultTRaPSwitch": "false",
           "RestrictDialScheduled": "true", "RestrictDialStartTime": "60",
           "RestrictDialEndTime": "600"},
          {"ObjectId": "ps-b", "DisplayName": "CUCM Cluster B & <Lab>",
           "EnablePhoneApplications": "true", "DefaultTRaPSwitch": "true",
           "CallLoopExtensionDetect": "false"},
          {"ObjectId": "ps-c", "DisplayName": "PIMG gateways", "MwiForceOff": "true",
           "DefaultTRaPSwitch": "false", "MwiPortMemory": "true"}]
    groups = [
        ({"ObjectId": "pg-sccp-a", "MediaSwitchObjectId": "ps-a",
          "TelephonyIntegrationMethodEnum": "1", "DisplayName": "A-SCCP",
          "SkinnyDevicePrefix": "CiscoUM1-VI", "EnableMWI": "false"}, 300),
        ({"ObjectId": "pg-sip-a", "MediaSwitchObjectId": "ps-a",
          "TelephonyIntegrationMethodEnum": "2", "MwiOnCode": "*99#", "MwiOffCode": "#99*",
          "MwiRetryCountOnSuccess": "3", "MwiRetryIntervalOnSuccessMs": "50"}, 250),
        ({"ObjectId": "pg-sccp-b", "MediaSwitchObjectId": "ps-b",
          "MediaPortGroupTemplateObjectId": cupidtest.TPL_SCCP, "DisplayName": "B-SCCP",
          "SkinnyDevicePrefix": "LabVM-", "CcmDoAutoFailback": "false"}, 400),
        ({"ObjectId": "pg-sip-b1", "MediaSwitchObjectId": "ps-b",
          "TelephonyIntegrationMethodEnum": "2", "DisplayName": "B-SIP-TLS",
          "SipTransportProtocolEnum": "11", "SipDoSRTP": "true", "SipTLSModeEnum": "10",
          "SipRegisterWithProxyServer": "true", "SipDoAuthenticate": "true"}, 200),
        ({"ObjectId": "pg-sip-b2", "MediaSwitchObjectId": "ps-b",
          "TelephonyIntegrationMethodEnum": "2", "DisplayName": "B-SIP",
          "MwiMinRequestIntervalMs": "10", "MwiMaxConcurrentRequests": "4",
          "EnableAGC": "false"}, 150),
        ({"ObjectId": "pg-pimg-1", "MediaSwitchObjectId": "ps-c",
          "TelephonyIntegrationMethodEnum": "3", "DisplayName": "PIMG-1",
          "HostOrIPAddress": "pimg1.example.net"}, 120),
        ({"ObjectId": "pg-pimg-2", "MediaSwitchObjectId": "ps-c",
          "MediaPortGroupTemplateObjectId": cupidtest.TPL_PIMG, "DisplayName": "PIMG-2"}, 80),
    ]
    ports = []
    for g, (grp, n) in enumerate(groups):
        ptype = {cupidtest.TPL_SCCP: 1, cupidtest.TPL_PIMG: 3}.get(
            grp.get("MediaPortGroupTemplateObjectId"), int(grp.get("TelephonyIntegrationMethodEnum",
                                                                   0)))
        for i in range(n):
            p = {"ObjectId": f"{g:08x}-0000-4000-8000-{i:012x}",
                 "MediaPortGroupObjectId": grp["ObjectId"],
                 "PortNumInGroup": str(i + 1 + i // 50),  # a gap every 50
                 "HuntOrder": str(i % 100),
                 "CapAnswer": str(i % 2 == 0).lower(),
                 "CapNotification": str(i % 3 != 0).lower(),
                 "CapMWI": str(i % 5 != 0).lower(),
                 "CapEnabled": str(i % 7 != 0).lower(),
                 "CapDeliverAmis": str(i % 11 == 0).lower(),
                 "CapTrapConnection": str(i % 4 != 0).lower()}
            if i % 7:
                p["DisplayName"] = f"{grp.get('DisplayName', grp['ObjectId'])}-port-{i:04d}"
            if ptype != 3:
                p["VmsServerObjectId"] = VMS_A if i % 2 else VMS_B
            if ptype == 1:
                p["SkinnySecurityModeEnum"] = str(i % 3)
                p["SkinnyDoMediaEncryption"] = str(i % 2 == 1).lower()
            ports.append(p)
    assert len(ports) == 1500
    return {"vmsservers": vms, "phonesystems": ps, "portgroups": [g for g, _ in groups],
            "ports": ports}


def post_ok(cli, path, body):
    r = cli.post(path, json.dumps(body), ctype=JSON)
    assert r.status == 201, (path, body, r)
    return r.text.rsplit("/", 1)[1]


def add_telephony(cli, groups):
    """Adds over the API: SIP security profiles (and changes a built-in), AXL servers with a
    password on two phone systems, servers of every accepted service with cleared and IPv6
    addresses, and codecs (one default removed, the others added, packet sizes and
    preferences changed) on the port groups named in groups (SCCP, SIP, PIMG)."""
    sccp, sip, pimg = groups
    post_ok(cli, "/vmrest/sipsecurityprofiles", {"Port": "5070", "DoTLS": "true"})
    post_ok(cli, "/vmrest/sipsecurityprofiles", {"Port": "5090"})
    profiles = cli.get_json("/vmrest/sipsecurityprofiles?query=(Port%20is%205061)")
    r = cli.put("/vmrest/sipsecurityprofiles/" + profiles["SipSecurityProfile"]["ObjectId"],
                json.dumps({"Port": "5063"}), ctype=JSON)
    assert r.status == 204, r
    phones = [p["ObjectId"] for p in elements(cli.get_json("/vmrest/phonesystems"), "PhoneSystem")]
    for n, ps in enumerate(phones[:2]):
        for k in range(2 + n):
            post_ok(cli, f"/vmrest/phonesystems/{ps}/axlservers",
                    {"HostOrIPAddress": f"cucm-{n}-{k}.example.net", "Port": str(8443 + k),
                     "CcmAXLUser": "axl&admin" if k else "", "CcmAXLPassword": AXL_PASSWORD,
                     "IsPinSyncEnabled": str(k == 0).lower(), "CcmVersion": str(7 + k),
                     "SkinnyStateMachineEnum": "20" if k == 1 else "10"})
    for body in ({"MediaRemoteServiceEnum": "100", "HostOrIPAddress": "192.0.2.31"},
                 {"MediaRemoteServiceEnum": "100", "HostOrIPAddressV6": "2001:db8::31",
                  "Precedence": "7", "SkinnyStateMachineEnum": "20"},
                 {"MediaRemoteServiceEnum": "101", "HostOrIPAddress": "tftp.example.net",
                  "TlsPort": "6969"}):
        post_ok(cli, f"/vmrest/portgroups/{sccp}/portgroupservers", body)
    for body in ({"HostOrIPAddress": "sip-1.example.net", "Port": "5080", "TlsPort": "5081"},
                 {"MediaRemoteServiceEnum": "101", "HostOrIPAddress": "192.0.2.41"}):
        post_ok(cli, f"/vmrest/portgroups/{sip}/portgroupservers", body)
    sid = post_ok(cli, f"/vmrest/portgroups/{pimg}/portgroupservers",
                  {"HostOrIPAddress": "pimg.example.net", "HostOrIPAddressV6": "2001:db8::41"})
    r = cli.put(f"/vmrest/portgroups/{pimg}/portgroupservers/{sid}",
                json.dumps({"HostOrIPAddress": ""}), ctype=JSON)
    assert r.status == 204, r
    for g in groups:
        codecs = elements(cli.get_json(f"/vmrest/portgroups/{g}/portgroupcodecs"),
                          "PortGroupCodec")
        assert {c["RtpCodecDefObjectId"] for c in codecs} == {G711U, G729}, codecs
    mulaw = [c["ObjectId"] for c in elements(
        cli.get_json(f"/vmrest/portgroups/{sip}/portgroupcodecs"), "PortGroupCodec")
        if c["RtpCodecDefObjectId"] == G711U][0]
    assert cli.delete(f"/vmrest/portgroups/{sip}/portgroupcodecs/{mulaw}").status == 204
    for d, size, pref in ((G711A, "30", "5"), (G722, "10", None), (ILBC, "20", "0")):
        body = {"RtpCodecDefObjectId": d, "PreferredPacketSizeMs": size}
        if pref:
            body["Preference"] = pref
        post_ok(cli, f"/vmrest/portgroups/{sip}/portgroupcodecs", body)
    for c in elements(cli.get_json(f"/vmrest/portgroups/{pimg}/portgroupcodecs"),
                      "PortGroupCodec"):
        assert cli.delete(f"/vmrest/portgroups/{pimg}/portgroupcodecs/{c['ObjectId']}"
                          ).status == 204


def elements(doc, elem):
    """The elements of a JSON listing: none, one object or a list (SPEC §2.4)."""
    v = doc.get(elem, [])
    return [v] if isinstance(v, dict) else v


def collections(cli):
    """Every collection to compare: the top-level ones and the sub-collections of every phone
    system and port group."""
    paths = list(LISTINGS)
    for parent, sub in SUBS:
        for o in elements(cli.get_json(parent), ELEM[parent]):
            paths.append(f"{parent}/{urllib.parse.quote(o['ObjectId'])}/{sub}")
    return paths


@pytest.fixture(scope="module")
def env(request):
    """The source server, loaded with the generated fixture; a factory for targets; a temp
    directory."""
    f = ServerFactory()
    tmp = tempfile.mkdtemp(prefix="cupid-e2e-clone-")
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    request.addfinalizer(f.cleanup)
    src = f.start(SETTINGS, fixture="empty")
    r = src.client().post("/cupid/fixtures", json.dumps(make_fixture()), ctype=JSON)
    assert r.status == 200, r
    assert r.json()["counts"] == {"vmsservers": 2, "phonesystems": 3, "portgroups": 7,
                                  "ports": 1500}
    add_telephony(src.client(keep=True), ["pg-sccp-a", "pg-sip-b1", "pg-pimg-1"])
    return {"src": src, "factory": f, "tmp": tmp, "want": listings(src.client(keep=True)),
            "pg_dbs": []}


def listings(cli):
    """Every listing in XML and JSON, whole and in pages of PAGE (one past the end too), and
    the health figures."""
    out = {}
    for path in collections(cli):
        for accept in (XML, JSON):
            r = cli.get(path, accept=accept)
            assert r.status == 200, r
            out[(path, accept)] = r.body
            total = int(cli.get_json(path + "?pageNumber=0")["@total"])
            for p in range(1, math.ceil(total / PAGE) + 2):
                r = cli.get(f"{path}?rowsPerPage={PAGE}&pageNumber={p}", accept=accept)
                assert r.status == 200, r
                out[(path, accept, p)] = r.body
    health = cli.get_json("/cupid/health")
    out["health"] = {k: health[k] for k in ("portsUsed", "portGroups", "portsLicensed")}
    return out


def run_clone(env, *args, password=ADMIN[1], data_dir=None, timeout=180):
    """Runs `cupid clone` against the source with the password on stdin."""
    argv = [cupid_bin(), "clone", "--user", "admin", *args]
    if data_dir:
        argv += [f"--data_dir={data_dir}", f"--license.voice_ports={LICENSE}"]
        if cupidtest.PG_ADMIN_URI:
            uri, new = cupidtest._pg_database_for(os.path.abspath(data_dir))
            argv.append("--database=" + uri)
            if new:
                env["pg_dbs"].append(new)
    return subprocess.run(argv, input=(password + "\n").encode(), capture_output=True,
                          timeout=timeout, cwd=env["tmp"], env=cupidtest._clean_env())


def start_target(env, data_dir):
    srv = env["factory"].start(SETTINGS, data_dir=data_dir, fixture=None)
    srv.own_dbs += env["pg_dbs"]
    env["pg_dbs"] = []
    return srv


def assert_same(env, srv, want=None):
    want = want or env["want"]
    got = listings(srv.client(keep=True))
    assert got.keys() == want.keys()
    for k in want:
        assert got[k] == want[k], f"{k} differs"


def source_url(env):
    return f"https://127.0.0.1:{env['src'].https_port}"


def rejected(env):
    text = env["src"].client().get("/cupid/metrics").text
    for line in text.splitlines():
        if line.startswith("cupid_throttle_rejected_total "):
            return int(line.split()[1])
    raise AssertionError("no cupid_throttle_rejected_total in /cupid/metrics")


def test_clone_load_is_identical(env):
    data = os.path.join(env["tmp"], "target-load")
    p = run_clone(env, "--from", source_url(env), "--insecure", "--load", data_dir=data)
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert p.stdout == b""
    assert "cupid: clone: ports 1500 of 1500" in err, err
    assert "1500 ports" in err
    assert ADMIN[1] not in " ".join(p.args)  # the password came on stdin
    assert_same(env, start_target(env, data))


def test_clone_retries_when_throttled(env):
    """The source admits one request at a time and queues none; the clone sends four at once
    in pages of 100, gets 503s, backs off and still copies everything."""
    src = env["src"].client()
    before = rejected(env)
    r = src.put("/cupid/throttle", json.dumps({"enabled": True, "maxInFlight": 1, "queueDepth": 0,
                                               "queueTimeoutMs": 0, "latencyMs": 50}), ctype=JSON)
    assert r.status == 200, r
    try:
        data = os.path.join(env["tmp"], "target-throttled")
        cert = os.path.join(env["src"].data_dir, "cupid-cert.pem")
        p = run_clone(env, f"--from={source_url(env)}/", f"--cacert={cert}", "--parallel=4",
                      "--page-size", "100", "--load", data_dir=data)
    finally:
        r = src.put("/cupid/throttle", json.dumps({"enabled": False, "latencyMs": 0}), ctype=JSON)
        assert r.status == 200, r
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert "cupid: clone: ports 100 of 1500" in err
    assert "cupid: clone: ports 1500 of 1500" in err
    assert rejected(env) > before, err
    assert "0 answered 503" not in err, err
    assert_same(env, start_target(env, data))


def test_clone_out_then_import(env):
    out = os.path.join(env["tmp"], "clone.json")
    p = run_clone(env, "--from", source_url(env), "--insecure", "--out", out)
    assert p.returncode == 0, p.stderr.decode()
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    with open(out, encoding="utf-8") as f:
        assert AXL_PASSWORD not in f.read()
    assert list(doc) == ["vmsservers", "sipsecurityprofiles", "phonesystems", "axlservers",
                         "portgroups", "portgroupservers", "portgroupcodecs", "ports"]
    # 7 groups with 2 default codecs, then -1 +3 on the SIP group and -2 on the PIMG group
    assert [len(doc[k]) for k in doc] == [2, 4, 3, 5, 7, 7, 14, 1500]
    assert {"Port": "5063", "DoTLS": "true"}.items() <= doc["sipsecurityprofiles"][1].items()
    for a in doc["axlservers"]:
        assert "CcmAXLPassword" not in a and "URI" not in a and "PhoneSystemURI" not in a
        assert "MediaRemoteServiceEnum" not in a and a["MediaSwitchObjectId"] in ("ps-a", "ps-b")
    for k, parent in (("portgroupservers", "PortGroupURI"), ("portgroupcodecs",
                                                            "RtpCodecDefDisplayName")):
        for o in doc[k]:
            assert o["MediaPortGroupObjectId"].startswith("pg-") and parent not in o, o
    v6 = [o for o in doc["portgroupservers"] if o.get("HostOrIPAddressV6") == "2001:db8::41"]
    assert len(v6) == 1 and "HostOrIPAddress" not in v6[0], v6
    assert doc["vmsservers"][0] == {"ObjectId": VMS_A, "ServerName": "cuc-pub",
                                    "IpAddress": "192.0.2.10", "HostName": "cuc-pub.example.net",
                                    "IpAddressV6": "2001:db8::10"}
    pimg = {g["ObjectId"] for g in doc["portgroups"] if g["TelephonyIntegrationMethodEnum"] == "3"}
    assert pimg == {"pg-pimg-1", "pg-pimg-2"}
    for g in doc["portgroups"]:
        assert "MediaPortGroupTemplateObjectId" not in g and "URI" not in g
        assert "PortCount" not in g and "MediaSwitchDisplayName" not in g
    for port in doc["ports"]:
        assert {"ObjectId", "MediaPortGroupObjectId", "PortNumInGroup", "DisplayName",
                "CapAnswer", "CapTrapConnection", "HuntOrder"} <= set(port)
        assert ("VmsServerObjectId" in port) == (port["MediaPortGroupObjectId"] not in pimg)
        assert "VmsServerName" not in port and "URI" not in port
    data = os.path.join(env["tmp"], "target-import")
    argv = [cupid_bin(), "import", out, f"--data_dir={data}", f"--license.voice_ports={LICENSE}"]
    if cupidtest.PG_ADMIN_URI:
        uri, new = cupidtest._pg_database_for(os.path.abspath(data))
        argv.append("--database=" + uri)
        if new:
            env["pg_dbs"].append(new)
    p = subprocess.run(argv, capture_output=True, timeout=120, cwd=env["tmp"],
                       stdin=subprocess.DEVNULL, env=cupidtest._clean_env())
    assert p.returncode == 0, p.stderr.decode()
    assert_same(env, start_target(env, data))


def test_clone_to_stdout(env):
    p = run_clone(env, f"--from={source_url(env)}", "--insecure", "--page-size=700")
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    assert len(doc["ports"]) == 1500
    err = p.stderr.decode()
    assert "cupid: clone: ports 1500 of 1500" in err, err
    steps = re.findall(r"cupid: clone: ports (\d+) of 1500", err)
    assert len(steps) == 3 and {int(b) - int(a) for a, b in zip(["0"] + steps, steps)} <= {700, 100}


def test_clone_wrong_password(env):
    out = os.path.join(env["tmp"], "never.json")
    p = run_clone(env, "--from", source_url(env), "--insecure", "--out", out, password="wrong")
    err = p.stderr.decode()
    assert p.returncode == 1, err
    assert "refused the credentials of user admin" in err and "401" in err, err
    assert not os.path.exists(out)


def test_clone_untrusted_certificate(env):
    p = run_clone(env, "--from", source_url(env), "--out", os.path.join(env["tmp"], "x.json"))
    err = p.stderr.decode()
    assert p.returncode == 1, err
    assert "--insecure" in err and "--cacert" in err, err


@pytest.mark.parametrize("args", [[], ["--from", "https://127.0.0.1:1"], ["--user"],
                                  ["--page-size=0"], ["--parallel=99"], ["--insecure=yes"],
                                  ["--from", "ftp://x", "--user", "a"],
                                  ["--from", "https://h", "--user", "a", "--load", "--out", "x.json"]])
def test_clone_usage_errors(env, args):
    argv = [cupid_bin(), "clone", *args]
    if "--load" in args:
        argv.append("--data_dir=" + os.path.join(env["tmp"], "usage"))
    p = subprocess.run(argv, input=b"pw\n", capture_output=True, timeout=30, cwd=env["tmp"],
                       env=cupidtest._clean_env())
    assert p.returncode == 2, p.stderr.decode()
    assert p.stderr.startswith(b"cupid: "), p.stderr


def test_clone_seed_with_telephony(env, make_server):
    """The seed fixture plus profiles, AXL servers, servers and codecs added over the API:
    the copy lists every collection, sub-collections included, byte for byte as the source,
    and no AXL password reaches the document or the messages."""
    src = make_server(SETTINGS)
    add_telephony(src.client(keep=True), [cupidtest.PG_SCCP, cupidtest.PG_SIP, cupidtest.PG_PIMG])
    want = listings(src.client(keep=True))
    assert ("/vmrest/portgroups/" + cupidtest.PG_ROHIT + "/portgroupservers", XML) in want
    url = f"https://127.0.0.1:{src.https_port}"
    data = os.path.join(env["tmp"], "target-seed")
    p = run_clone(env, "--from", url, "--insecure", "--page-size=2", "--load", data_dir=data)
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert "left out" not in err and AXL_PASSWORD not in err, err
    assert ", 3 AXL servers," in err and ", 8 port group codecs," in err, err
    assert_same(env, start_target(env, data), want)
    p = run_clone(env, "--from", url, "--insecure")
    assert p.returncode == 0, p.stderr.decode()
    assert AXL_PASSWORD.encode() not in p.stdout + p.stderr
    assert b"CcmAXLPassword" not in p.stdout
    doc = json.loads(p.stdout)
    assert doc["axlservers"][0] == {
        "ObjectId": "ccc67ad1-3ee6-45ca-9556-855e5a3b3806", "HostOrIPAddress": "192.0.2.21",
        "Port": "443", "TlsPort": "443", "Precedence": "0", "MediaSwitchObjectId": cupidtest.PS,
        "SkinnyStateMachineEnum": "10", "IsPinSyncEnabled": "false", "CcmAXLUser": "axladmin",
        "CcmVersion": "5"}


# ---------------------------------------------------------------------------------------------
# a fake source: an older or foreign CUPI server

F_VMS = "f0000000-0000-4000-8000-0000000000a1"
F_PS1, F_PS2 = "f0000000-0000-4000-8000-0000000000b1", "f0000000-0000-4000-8000-0000000000b2"
F_SIP, F_PIMG = "f0000000-0000-4000-8000-0000000000c1", "f0000000-0000-4000-8000-0000000000c2"
F_AXL = "f0000000-0000-4000-8000-0000000000d1"


def fake_id(n):
    return f"f0000000-0000-4000-8000-{n:012x}"


def fake_collections():
    """path -> (element, objects) as the fake serves them. Neither /vmrest/sipsecurityprofiles
    nor the AXL servers of F_PS2 exist (404). The servers and codecs of F_PIMG name no parent,
    as an older server might not."""
    axl = {"ObjectId": F_AXL, "MediaRemoteServiceEnum": "103",
           "HostOrIPAddress": "cucm.example.net", "Port": "8443", "TlsPort": "443",
           "Precedence": "0", "SkinnyStateMachineEnum": "10",
           "IsPinSyncEnabled": "true", "CcmAXLUser": "axl", "CcmAXLPassword": AXL_PASSWORD,
           "CcmVersion": "12"}

    def server(n, group, svc, host, **kw):
        o = {"ObjectId": fake_id(n), "MediaRemoteServiceEnum": svc, "HostOrIPAddress": host,
             "Port": "5060", "Precedence": "0", "SkinnyStateMachineEnum": "10", **kw}
        if group:
            o["MediaPortGroupObjectId"] = group
        return o

    def codec(n, group, def_id, name, size, pref):
        o = {"ObjectId": fake_id(n), "RtpCodecDefObjectId": def_id,
             "RtpCodecDefDisplayName": name, "PreferredPacketSizeMs": size, "Preference": pref}
        if group:
            o["MediaPortGroupObjectId"] = group
        return o

    def port(n, group, vms):
        o = {"ObjectId": fake_id(n), "MediaPortGroupObjectId": group, "PortNumInGroup": str(n % 16),
             "DisplayName": f"old-port-{n}", "HuntOrder": "0", "CapAnswer": "true",
             "CapNotification": "false", "CapMWI": "true", "CapEnabled": "true",
             "CapTrapConnection": "true", "CapDeliverAmis": "false"}
        if vms:
            o["VmsServerObjectId"] = F_VMS
        return o

    return {
        "/vmrest/vmsservers": ("VmsServer", [{"ObjectId": F_VMS, "ServerName": "cuc-old",
                                              "IpAddress": "192.0.2.50", "ClusterMemberId": "0"}]),
        "/vmrest/phonesystems": ("PhoneSystem", [{"ObjectId": F_PS1, "DisplayName": "Old CUCM"},
                                                 {"ObjectId": F_PS2, "DisplayName": "Old PIMG"}]),
        f"/vmrest/phonesystems/{F_PS1}/axlservers": ("AXLServer", [axl]),
        "/vmrest/portgroups": ("PortGroup", [
            {"ObjectId": F_SIP, "MediaSwitchObjectId": F_PS1, "DisplayName": "Old-SIP",
             "TelephonyIntegrationMethodEnum": "2",
             "MediaPortGroupTemplateObjectId": "0ld-template"},
            {"ObjectId": F_PIMG, "MediaSwitchObjectId": F_PS2, "DisplayName": "Old-PIMG",
             "TelephonyIntegrationMethodEnum": "3"}]),
        f"/vmrest/portgroups/{F_SIP}/portgroupservers": ("PortGroupServer", [
            server(0x11, F_SIP, "102", "sip.example.net", TlsPort="5061"),
            server(0x12, F_SIP, "101", "tftp.example.net", Port="69")]),
        f"/vmrest/portgroups/{F_PIMG}/portgroupservers": ("PortGroupServer", [
            server(0x13, None, "104", "pimg.example.net", TlsPort="5061"),
            server(0x14, None, "101", "tftp.example.net", Port="69")]),  # left out
        f"/vmrest/portgroups/{F_SIP}/portgroupcodecs": ("PortGroupCodec", [
            codec(0x21, F_SIP, fake_id(0x91), "G.711 Mu-Law", "30", "2"),  # matched by name
            codec(0x22, F_SIP, G729, "G.729 (Annex A)", "20", "0"),  # matched by id
            codec(0x23, F_SIP, fake_id(0x92), "Opus", "20", "1")]),  # left out
        f"/vmrest/portgroups/{F_PIMG}/portgroupcodecs": ("PortGroupCodec", [
            codec(0x24, None, fake_id(0x93), "g722", "10", "1")]),
        "/vmrest/ports": ("Port", [port(0x31, F_SIP, True), port(0x32, F_SIP, True),
                                   port(0x33, F_PIMG, False), port(0x34, F_PIMG, False)]),
    }


class FakeCupi:
    """A CUPI source over HTTPS (a cupid data dir's certificate): JSON listings, count-only
    and paged, for admin/adminpw; 404 with an ErrorDetails body for any other path; 503 to
    the first request for each sub-collection."""

    def __init__(self, cert, key, colls):
        self.colls = colls
        self.requests = []
        self.busy = set()
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                fake.answer(self)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, h):
        u = urllib.parse.urlsplit(h.path)
        q = urllib.parse.parse_qs(u.query)
        with self.lock:
            first = u.path.count("/") > 3 and u.path not in self.busy
            self.busy.add(u.path)
        if h.headers.get("Authorization") != cupidtest.basic(*ADMIN):
            status, body = 401, {"errors": {"code": "AUTHENTICATION_FAILED", "message": "no"}}
        elif u.path not in self.colls:
            status, body = 404, {"errors": {"code": "NOT_FOUND", "message": "not found"}}
        elif first:
            status, body = 503, {"errors": {"code": "SERVICE_UNAVAILABLE", "message": "busy"}}
        else:
            elem, objs = self.colls[u.path]
            page = int(q.get("pageNumber", ["1"])[0])
            rows = int(q.get("rowsPerPage", ["0"])[0]) or max(len(objs), 1)
            status, body = 200, {"@total": str(len(objs))}
            chunk = objs[(page - 1) * rows:page * rows] if page > 0 else []
            if chunk:
                body[elem] = chunk[0] if len(chunk) == 1 else chunk
        with self.lock:
            self.requests.append((u.path, u.query, status))
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def fake(env):
    d = env["src"].data_dir
    f = FakeCupi(os.path.join(d, "cupid-cert.pem"), os.path.join(d, "cupid-key.pem"),
                 fake_collections())
    yield f
    f.close()


def test_clone_fake_source(env, fake):
    """Codecs are matched to the local definitions by id, else by name; a codec that matches
    none and a server that the group's type refuses are left out and counted; 404s mean an
    older server; 503s are retried; the AXL password the fake shows is never copied."""
    p = run_clone(env, "--from", fake.url, "--insecure", "--page-size=1", "--parallel=2")
    err = p.stderr.decode()
    assert p.returncode == 0, err
    assert "left out 1 port group codec that matches no codec definition" in err, err
    assert "left out 1 port group server whose service" in err, err
    assert "has no /vmrest/sipsecurityprofiles" in err, err
    assert ", 0 answered 503" not in err, err
    assert AXL_PASSWORD.encode() not in p.stdout + p.stderr
    # the count first, then pages of one; every sub-collection's first answer was a 503
    for path, (_, objs) in fake_collections().items():
        got = [(q, st) for p_, q, st in fake.requests if p_ == path]
        assert (got[0] == ("pageNumber=0", 503)) == (path.count("/") > 3), got
        got = [q for q, st in got if st == 200]
        assert got[0] == "pageNumber=0" and sorted(got[1:]) == sorted(
            f"rowsPerPage=1&pageNumber={i}" for i in range(1, len(objs) + 1)), got
    doc = json.loads(p.stdout)
    assert list(doc) == ["vmsservers", "phonesystems", "axlservers", "portgroups",
                         "portgroupservers", "portgroupcodecs", "ports"]
    assert doc["axlservers"] == [{
        "ObjectId": F_AXL, "HostOrIPAddress": "cucm.example.net", "Port": "8443",
        "TlsPort": "443", "Precedence": "0", "MediaSwitchObjectId": F_PS1,
        "SkinnyStateMachineEnum": "10", "IsPinSyncEnabled": "true", "CcmAXLUser": "axl",
        "CcmVersion": "12"}]
    assert [(s["ObjectId"], s["MediaPortGroupObjectId"], s["MediaRemoteServiceEnum"])
            for s in doc["portgroupservers"]] == [
        (fake_id(0x11), F_SIP, "102"), (fake_id(0x12), F_SIP, "101"),
        (fake_id(0x13), F_PIMG, "104")]
    assert doc["portgroupcodecs"] == [
        {"ObjectId": fake_id(0x21), "MediaPortGroupObjectId": F_SIP, "RtpCodecDefObjectId": G711U,
         "PreferredPacketSizeMs": "30", "Preference": "2"},
        {"ObjectId": fake_id(0x22), "MediaPortGroupObjectId": F_SIP, "RtpCodecDefObjectId": G729,
         "PreferredPacketSizeMs": "20", "Preference": "0"},
        {"ObjectId": fake_id(0x24), "MediaPortGroupObjectId": F_PIMG, "RtpCodecDefObjectId": G722,
         "PreferredPacketSizeMs": "10", "Preference": "1"}]
    assert "MediaPortGroupTemplateObjectId" not in doc["portgroups"][0]

    data = os.path.join(env["tmp"], "target-fake")
    p = run_clone(env, "--from", fake.url, "--insecure", "--load", data_dir=data)
    assert p.returncode == 0, p.stderr.decode()
    cli = start_target(env, data).client(keep=True)
    profiles = elements(cli.get_json("/vmrest/sipsecurityprofiles"), "SipSecurityProfile")
    assert [s["DisplayName"] for s in profiles] == ["5060", "5061/TLS"]  # the built-ins
    codecs = elements(cli.get_json(f"/vmrest/portgroups/{F_SIP}/portgroupcodecs"),
                      "PortGroupCodec")
    assert [(c["ObjectId"], c["RtpCodecDefDisplayName"]) for c in codecs] == [
        (fake_id(0x22), "G.729"), (fake_id(0x21), "G.711 mu-law")]
    servers = elements(cli.get_json(f"/vmrest/portgroups/{F_PIMG}/portgroupservers"),
                       "PortGroupServer")
    assert [s["ObjectId"] for s in servers] == [fake_id(0x13)]
    assert cli.get_json(f"/vmrest/phonesystems/{F_PS2}/axlservers") == {"@total": "0"}
    axl = cli.get_json(f"/vmrest/phonesystems/{F_PS1}/axlservers/{F_AXL}")
    assert axl["CcmAXLPassword"] == "" and axl["CcmVersion"] == "12", axl
    assert int(cli.get_json("/vmrest/ports?pageNumber=0")["@total"]) == 4
