"""Process, configuration, TLS and users (§2.1, §6.8, §6.9). Most tests start their own cupid."""

import datetime
import os
import re
import signal
import socket
import ssl
import stat
import subprocess
import tempfile
import time

import pytest

from cupidtest import (EX2_PORT, JSON, PORT1, SETTINGS, SPEC_VERSION_XML, STORE, USER_FLAGS,
                       VMS_KEYS, build_args, insecure_context, raw_request, run_cupid)


@pytest.fixture
def tmp(tmp_path):
    return str(tmp_path)


def health(srv):
    r = srv.client(None).get("/cupid/health")
    assert r.status == 200, r
    return r.json()


# --- --help, --version, exit codes ---------------------------------------------------------------

def test_help_lists_every_setting():
    p = run_cupid(["--help"])
    assert p.returncode == 0, p
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    missing = [s for s in SETTINGS if s not in out]
    assert not missing, f"--help does not mention {missing}"
    for k in VMS_KEYS:
        assert re.search(r"vms\.\S*" + re.escape(k), out), f"--help does not mention vms.*.{k}"
    assert "vms.2" in out or "vms.N" in out or "vms.<n>" in out or "vms.{1,2}" in out or \
        "vms.[12]" in out, "--help should say that vms.2.* exists"
    assert "user." in out
    assert "--config" in out or "config" in out


def test_version_flag():
    p = run_cupid(["--version"])
    assert p.returncode == 0, p
    out = (p.stdout + p.stderr).decode().strip()
    assert out and re.search(r"\d", out)


def _base(tmp):
    return ["--https.listen=127.0.0.1:0", "--http.listen=", f"--data_dir={tmp}/data"] + USER_FLAGS


BAD_ARGS = [
    ["--bogus.setting=1"],
    ["--nosuchsetting=x"],
    ["--license.voice_ports=abc"],
    ["--license.voice_ports=-1"],
    ["--license.voice_ports=1.5"],
    ["--ports.allow_odd=maybe"],
    ["--admin.allow_reset=perhaps"],
    ["--throttle.enabled=sometimes"],
    ["--sqlite.synchronous=sometimes"],
    ["--log.level=verbose"],
    ["--http.max_body_bytes=lots"],
    ["--limits.max_port_groups=many"],
    ["--throttle.max_in_flight=x"],
    ["--fixture=nosuchfixture"],
    ["--user.bob=superuser:pw"],
    ["--user.bob=administrator:"],
    ["--user.bob=administrator"],
    ["--user.bad!name=administrator:pw"],
]


@pytest.mark.parametrize("bad", BAD_ARGS, ids=[b[0] for b in BAD_ARGS])
def test_bad_setting_exits_2(tmp, bad):
    p = run_cupid(_base(tmp) + bad, timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])
    assert p.stderr.strip(), "a configuration error needs a message on stderr"


def test_bad_env_value_exits_2(tmp):
    p = run_cupid(_base(tmp), env={"CUPID_LICENSE_VOICE_PORTS": "abc"}, timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])


def test_both_listeners_empty_exits_2(tmp):
    p = run_cupid(["--https.listen=", "--http.listen=", f"--data_dir={tmp}/data"] + USER_FLAGS,
                  timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])


@pytest.fixture(scope="module")
def ec_cert():
    d = tempfile.mkdtemp(prefix="cupid-e2e-cert-")
    cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=cupid-e2e-custom"], check=True,
                   capture_output=True, timeout=30)
    yield cert, key
    import shutil
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("which", ["cert", "key"])
def test_only_one_tls_file_exits_2(tmp, ec_cert, which):
    arg = f"--tls.cert_file={ec_cert[0]}" if which == "cert" else f"--tls.key_file={ec_cert[1]}"
    p = run_cupid(_base(tmp) + [arg], timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])


def test_custom_tls_files_served(make_server, ec_cert):
    srv = make_server({"tls.cert_file": ec_cert[0], "tls.key_file": ec_cert[1]})
    with socket.create_connection(("127.0.0.1", srv.https_port), timeout=5) as s:
        with insecure_context().wrap_socket(s) as t:
            der = t.getpeercert(binary_form=True)
    with open(ec_cert[0]) as f:
        assert der == ssl.PEM_cert_to_DER_cert(f.read())
    assert not os.path.exists(os.path.join(srv.data_dir, "cupid-cert.pem"))


def test_unknown_name_in_config_file_exits_2(tmp):
    cfg = os.path.join(tmp, "bad.conf")
    with open(cfg, "w") as f:
        f.write("# a comment\nlicense.voice_ports = 10\nno.such.setting = 1\n")
    p = run_cupid(_base(tmp) + [f"--config={cfg}"], timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])


def test_port_in_use_exits_1(make_server, tmp):
    srv = make_server(http=None)
    p = run_cupid([f"--https.listen=127.0.0.1:{srv.https_port}", "--http.listen=",
                   f"--data_dir={tmp}/data"] + USER_FLAGS, timeout=8)
    assert p.returncode == 1, (p.returncode, p.stderr[-500:])


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_unreachable_postgresql_exits_1(tmp, scheme):
    """SPEC §6.8: a database that cannot be reached at start is exit code 1, with a message."""
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = run_cupid(_base(tmp) + [f"--database={scheme}://cupid:pw@127.0.0.1:{port}/cupid"],
                  timeout=15)
    assert p.returncode == 1, (p.returncode, p.stderr[-500:])
    err = p.stderr.decode()
    assert "PostgreSQL" in err and "pw@" not in err, err


def test_unsupported_database_scheme_exits(tmp):
    p = run_cupid(_base(tmp) + ["--database=mysql://x@127.0.0.1/db"], timeout=8)
    assert p.returncode in (1, 2), (p.returncode, p.stderr[-500:])
    assert b"database" in p.stderr


# --- signals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_exits_0(make_server, sig):
    srv = make_server()
    assert srv.client().get("/vmrest/version").status == 200
    t0 = time.monotonic()
    rc = srv.stop(sig=sig, timeout=6)
    assert rc == 0, f"exit code {rc} after {sig!r}"
    assert time.monotonic() - t0 < 6


def test_sigterm_with_idle_keepalive_connection(make_server):
    srv = make_server()
    c = srv.raw()
    try:
        c.send(raw_request("GET", "/vmrest/version"))
        assert c.read_response().status == 200
        t0 = time.monotonic()
        rc = srv.stop(timeout=7)
        assert rc == 0
        assert time.monotonic() - t0 < 6.5
    finally:
        c.close()


# --- data_dir, generated certificate, TLS versions ------------------------------------------------

def test_data_dir_modes(make_server, tmp):
    data = os.path.join(tmp, "fresh-data")
    srv = make_server(data_dir=data)
    assert srv.client().get("/vmrest/version").status == 200
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    if STORE == "sqlite":
        assert stat.S_IMODE(os.stat(os.path.join(data, "cupid.db")).st_mode) == 0o600
    else:  # the database is elsewhere: no SQLite file appears in data_dir
        assert not os.path.exists(os.path.join(data, "cupid.db"))
    assert stat.S_IMODE(os.stat(os.path.join(data, "cupid-key.pem")).st_mode) == 0o600
    assert os.path.isfile(os.path.join(data, "cupid-cert.pem"))


def _served_der(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        with insecure_context().wrap_socket(s) as t:
            return t.getpeercert(binary_form=True)


def _x509_text(der, tmp, *opts):
    path = os.path.join(tmp, "served.der")
    with open(path, "wb") as f:
        f.write(der)
    p = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", path, "-noout"] + list(opts),
                       capture_output=True, timeout=20, check=True)
    return p.stdout.decode()


def test_generated_certificate(make_server, tmp):
    data = os.path.join(tmp, "d")
    srv = make_server(data_dir=data)
    der = _served_der(srv.https_port)
    with open(os.path.join(data, "cupid-cert.pem")) as f:
        pem = f.read()
    assert ssl.PEM_cert_to_DER_cert(pem) == der
    text = _x509_text(der, tmp, "-text")
    assert "id-ecPublicKey" in text
    assert "P-256" in text or "prime256v1" in text
    assert "IP Address:127.0.0.1" in text
    assert "IP Address:0:0:0:0:0:0:0:1" in text or "IP Address:::1" in text
    assert "DNS:localhost" in text
    hosts = {socket.gethostname(), socket.getfqdn()}
    assert any(f"DNS:{h}" in text for h in hosts), text
    assert any(re.search(r"Subject:.*CN ?= ?" + re.escape(h) + r"\s*$", text, re.M)
               for h in hosts), text
    dates = _x509_text(der, tmp, "-startdate", "-enddate")
    nb = re.search(r"notBefore=(.*)", dates).group(1).strip()
    na = re.search(r"notAfter=(.*)", dates).group(1).strip()
    fmt = "%b %d %H:%M:%S %Y %Z"
    days = (datetime.datetime.strptime(re.sub(r"\s+", " ", na), fmt)
            - datetime.datetime.strptime(re.sub(r"\s+", " ", nb), fmt)).days
    assert 3649 <= days <= 3654, f"validity {days} days, want 10 years"
    # reused across restarts
    with open(os.path.join(data, "cupid-key.pem"), "rb") as f:
        key = f.read()
    srv.stop()
    srv2 = make_server(data_dir=data)
    assert _served_der(srv2.https_port) == der
    with open(os.path.join(data, "cupid-cert.pem")) as f:
        assert f.read() == pem
    with open(os.path.join(data, "cupid-key.pem"), "rb") as f:
        assert f.read() == key


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3],
                         ids=["TLSv1.2", "TLSv1.3"])
def test_tls_accepted(server, version):
    ctx = insecure_context(version, version)
    with socket.create_connection(("127.0.0.1", server.https_port), timeout=5) as s:
        with ctx.wrap_socket(s) as t:
            assert t.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2",
                                   ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]
            t.sendall(raw_request("GET", "/vmrest/version", headers=[("Connection", "close")]))
            data = b""
            while True:
                d = t.recv(65536)
                if not d:
                    break
                data += d
    assert data.startswith(b"HTTP/1.1 200")
    assert data.endswith(SPEC_VERSION_XML.encode())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1],
                         ids=["TLSv1.0", "TLSv1.1"])
def test_old_tls_refused(server, version):
    ctx = insecure_context(version, version)
    try:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except ssl.SSLError:
        pytest.skip("this OpenSSL cannot offer old TLS versions")
    with socket.create_connection(("127.0.0.1", server.https_port), timeout=5) as s:
        try:
            with ctx.wrap_socket(s) as t:
                got = t.version()
        except ssl.SSLError as e:
            if "NO_PROTOCOLS_AVAILABLE" in str(e) or "no protocols available" in str(e):
                pytest.skip("this OpenSSL refuses old TLS on the client side")
            return  # refused by the server: good
        except (ConnectionResetError, BrokenPipeError):
            return
    pytest.fail(f"handshake with {version!r} succeeded ({got})")


# --- configuration sources -------------------------------------------------------------------------

def _write_cfg(tmp, text):
    cfg = os.path.join(tmp, "cupid.conf")
    with open(cfg, "w") as f:
        f.write(text)
    return cfg


CFG = """# cupid test configuration
   # an indented comment

license.voice_ports = 40   # a comment after the value
cupi.version = 9.8.7-1
ports.allow_odd=true
user.filer = administrator:filepw
"""


def test_config_file(make_server, tmp):
    cfg = _write_cfg(tmp, CFG)
    srv = make_server(args=[f"--config={cfg}"])
    assert health(srv)["portsLicensed"] == 40
    r = srv.client(("filer", "filepw")).get("/vmrest/version", accept=JSON)
    assert r.status == 200
    assert r.body == b'{"name":"vmrest","version":"9.8.7-1"}'


def test_env_beats_file(make_server, tmp):
    cfg = _write_cfg(tmp, CFG)
    srv = make_server(args=[f"--config={cfg}"],
                      env={"CUPID_LICENSE_VOICE_PORTS": "30", "CUPID_CUPI_VERSION": "8.0"})
    assert health(srv)["portsLicensed"] == 30
    assert srv.client().get_json("/vmrest/version")["version"] == "8.0"


def test_flag_beats_env_and_file(make_server, tmp):
    cfg = _write_cfg(tmp, CFG)
    srv = make_server({"license.voice_ports": "20", "cupi.version": "7.0"},
                      args=[f"--config={cfg}"],
                      env={"CUPID_LICENSE_VOICE_PORTS": "30", "CUPID_CUPI_VERSION": "8.0"})
    assert health(srv)["portsLicensed"] == 20
    assert srv.client().get_json("/vmrest/version")["version"] == "7.0"


def test_env_beats_default(make_server):
    srv = make_server(env={"CUPID_LICENSE_VOICE_PORTS": "12", "CUPID_LIMITS_MAX_PORT_GROUPS": "7"})
    h = health(srv)
    assert (h["portsLicensed"], h["maxPortGroups"]) == (12, 7)


def test_two_vms_servers_from_config(make_server):
    srv = make_server({"vms.1.server_name": "alpha", "vms.1.ip_address": "10.0.0.5",
                       "vms.1.object_id": "11111111-2222-4333-8444-555555555555",
                       "vms.2.server_name": "beta", "vms.2.host_name": "beta.example.net",
                       "vms.2.ip_address": "10.0.0.6", "vms.2.ip_address_v6": "2001:db8::6"},
                      fixture=None)
    d = srv.client().get_json("/vmrest/vmsservers")
    assert d["@total"] == "2"
    a, b = d["VmsServer"]
    assert (a["ServerName"], a["IpAddress"], a["ClusterMemberId"], a["ServerState"],
            a["ServerDisplayState"]) == ("alpha", "10.0.0.5", "0", "1", "3")
    assert a["ObjectId"] == a["VmsServerObjectId"] == "11111111-2222-4333-8444-555555555555"
    assert "IpAddressV6" not in a
    assert (b["ServerName"], b["HostName"], b["IpAddress"], b["IpAddressV6"], b["ClusterMemberId"],
            b["ServerState"], b["ServerDisplayState"]) == \
        ("beta", "beta.example.net", "10.0.0.6", "2001:db8::6", "1", "8", "4")
    assert list(b)[9] == "IpAddressV6"
    assert health(srv)["portsLicensed"] == 500
    assert srv.client().get_json("/vmrest/cluster") == d


# --- users (§6.9) -------------------------------------------------------------------------------

CREATED = re.compile(r'cupid: created user "admin" with password ([A-Za-z0-9]+)')


def _wait_created(srv, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = CREATED.search(srv.stderr_text())
        if m:
            return m.group(1)
        time.sleep(0.05)
    return None


def test_first_start_creates_admin(make_server):
    srv = make_server(users=False)
    pw = _wait_created(srv)
    assert pw is not None, srv.stderr_text()[-1000:]
    assert len(pw) == 20
    r = srv.client(("admin", pw)).get("/cupid/whoami")
    assert r.status == 200 and r.body == b'{"user":"admin","role":"administrator"}'
    assert srv.client(("admin", pw + "x")).get("/cupid/whoami").status == 401
    assert srv.stderr_text().count("created user") == 1
    data = srv.data_dir
    srv.stop()
    srv2 = make_server(users=False, data_dir=data)
    time.sleep(0.3)
    assert "created user" not in srv2.stderr_text()
    assert srv2.client(("admin", pw)).get("/cupid/whoami").status == 200


def test_first_start_passwords_differ(make_server):
    a = _wait_created(make_server(users=False))
    b = _wait_created(make_server(users=False))
    assert a and b and a != b


@pytest.mark.parametrize("how", ["env", "flag"])
def test_admin_password_setting(make_server, how):
    if how == "env":
        srv = make_server(users=False, env={"CUPID_ADMIN_PASSWORD": "s3cret-Pass"})
    else:
        srv = make_server({"admin_password": "s3cret-Pass"}, users=False)
    r = srv.client(("admin", "s3cret-Pass")).get("/cupid/whoami")
    assert r.status == 200 and r.body == b'{"user":"admin","role":"administrator"}'
    time.sleep(0.2)
    assert "s3cret-Pass" not in srv.stderr_text(), "passwords are never logged"


def test_no_admin_when_users_configured(make_server):
    srv = make_server(users=False, args=["--user.bob=readonly:bobpw"],
                      env={"CUPID_ADMIN_PASSWORD": "x"})
    assert srv.client(("bob", "bobpw")).get("/cupid/whoami").body == \
        b'{"user":"bob","role":"readonly"}'
    assert srv.client(("admin", "x")).get("/cupid/whoami").status == 401
    time.sleep(0.2)
    assert not CREATED.search(srv.stderr_text())


# --- persistence and the fixture setting ---------------------------------------------------------

def test_data_survives_restart_and_fixture_only_for_new_db(make_server, tmp):
    data = os.path.join(tmp, "persist")
    srv = make_server(data_dir=data, fixture="seed")
    cli = srv.client()
    assert cli.get(f"/vmrest/ports/{PORT1}").status == 200
    cli.load("seed-example2")
    assert srv.stop() == 0
    srv2 = make_server(data_dir=data, fixture="seed")
    cli2 = srv2.client()
    d = cli2.get_json("/vmrest/ports")
    assert d["@total"] == "1" and d["Port"]["ObjectId"] == EX2_PORT
    assert cli2.get(f"/vmrest/ports/{PORT1}").status == 404


def test_fixture_setting_on_new_db(make_server):
    srv = make_server(fixture="seed-example2")
    assert srv.client().get(f"/vmrest/ports/{EX2_PORT}").status == 200
    srv = make_server(fixture=None)
    assert srv.client().get("/vmrest/ports", accept=JSON).body == b'{"@total":"0"}'


def test_configured_vms_id_survives_restart(make_server, tmp):
    data = os.path.join(tmp, "vmsid")
    srv = make_server(data_dir=data, fixture=None)
    oid = srv.client().get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"]
    srv.stop()
    srv2 = make_server(data_dir=data, fixture=None)
    assert srv2.client().get_json("/vmrest/vmsservers")["VmsServer"]["ObjectId"] == oid


# --- plain HTTP listener ------------------------------------------------------------------------

@pytest.mark.parametrize("path,accept", [
    ("/vmrest/ports", None), ("/vmrest/ports", JSON), (f"/vmrest/ports/{PORT1}", None),
    ("/vmrest/portgroups", JSON), ("/vmrest/phonesystems", None), ("/vmrest/vmsservers", JSON),
    ("/vmrest/version", None), ("/vmrest/ports/nope", JSON), ("/vmrest/ports/nope", None),
    ("/cupid/whoami", None), ("/cupid/fixtures", None), ("/nothing", None),
])
def test_http_listener_serves_identical_bytes(server, seed, path, accept):
    a = server.client(scheme="https").get(path, accept=accept)
    b = server.client(scheme="http").get(path, accept=accept)
    assert (a.status, a.headers.get("Content-Type"), a.body) == \
        (b.status, b.headers.get("Content-Type"), b.body)


def test_http_listener_auth(server):
    r = server.client(scheme="http", auth=None).get("/vmrest/version")
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == 'Basic realm="cupid"'


def test_build_args_sanity():
    """Self-check: the start command carries port 0 listeners, never 8443."""
    a = build_args(data_dir="/tmp/x")
    assert "--https.listen=127.0.0.1:0" in a and "--http.listen=127.0.0.1:0" in a
    assert not any("8443" in x for x in a)


@pytest.mark.parametrize("threads", ["1", "3"])
def test_http_threads(make_server, threads):
    """http.threads sets the request threads per listener; with any number, reads keep being
    answered while writes queue for the writer thread, and every write is kept."""
    import concurrent.futures

    srv = make_server({"http.threads": threads, "license.voice_ports": "1000"})
    group = "575f43be-f5d0-4af7-a689-06d968227ff7"
    body = (f'{{"MediaPortGroupObjectId":"{group}","VmsServerName":"ucbu-aricent-vm413",'
            '"NumberOfPorts":2}')
    before = int(srv.client().get_json("/vmrest/ports?rowsPerPage=0")["@total"])

    def write(_):
        return srv.client().post("/vmrest/ports", body=body, ctype=JSON).status

    def read(_):
        return srv.client().get(f"/vmrest/ports/{PORT1}").status

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as ex:
        writes = ex.map(write, range(20))
        reads = ex.map(read, range(40))
        assert list(writes) == [201] * 20 and list(reads) == [200] * 40
    after = int(srv.client().get_json("/vmrest/ports?rowsPerPage=0")["@total"])
    assert after == before + 40
