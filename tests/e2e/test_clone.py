"""cupid clone: a second cupid plays the live CUPI server; its inventory is read through the API
into fresh databases (--load, or --out then import), and every listing of the copy must be
byte-identical to the source's, also when the source's throttle answers 503 to the clone."""

import json
import math
import os
import shutil
import subprocess
import tempfile

import re

import pytest

import cupidtest
from cupidtest import ADMIN, JSON, XML, ServerFactory, cupid_bin

LICENSE = 5000
SETTINGS = {"license.voice_ports": LICENSE, "http.max_body_bytes": 16 << 20}
LISTINGS = ["/vmrest/vmsservers", "/vmrest/cluster", "/vmrest/phonesystems", "/vmrest/portgroups",
            "/vmrest/ports"]
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
    return {"src": src, "factory": f, "tmp": tmp, "want": listings(src.client(keep=True)),
            "pg_dbs": []}


def listings(cli):
    """Every listing in XML and JSON, whole and in pages of PAGE (one past the end too), and
    the health figures."""
    out = {}
    for path in LISTINGS:
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


def assert_same(env, srv):
    got = listings(srv.client(keep=True))
    assert got.keys() == env["want"].keys()
    for k in env["want"]:
        assert got[k] == env["want"][k], f"{k} differs"


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
    assert list(doc) == ["vmsservers", "phonesystems", "portgroups", "ports"]
    assert [len(doc[k]) for k in doc] == [2, 3, 7, 1500]
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
