"""`cupid serve --ephemeral`: free ports, a throwaway data dir removed on exit, and one JSON line
on stdout with everything a test harness needs to connect (README "Testing your scripts")."""

import json
import os
import select
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from cupidtest import basic, cupid_bin, run_cupid, _clean_env

KEYS = ["url", "httpUrl", "user", "password", "cert", "dataDir"]


class Ephemeral:
    def __init__(self, proc, info, stdout_rest, stderr_path):
        self.proc = proc
        self.info = info
        self.stdout_rest = stdout_rest
        self.stderr_path = stderr_path

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None


@pytest.fixture
def work():
    d = tempfile.mkdtemp(prefix="cupid-e2e-eph-")
    yield d
    subprocess.run(["rm", "-rf", "--", d], check=False)


@pytest.fixture
def ephemeral(work):
    """ephemeral(args, env=None) starts cupid and returns it once its JSON line is read."""
    started = []

    def start(args=("serve", "--ephemeral"), env=None, timeout=10.0):
        errpath = os.path.join(work, f"stderr-{len(started)}.log")
        env = dict(env or {})
        env.setdefault("TMPDIR", work)
        with open(errpath, "wb") as errf:
            proc = subprocess.Popen([cupid_bin()] + list(args), stdout=subprocess.PIPE,
                                    stderr=errf, stdin=subprocess.DEVNULL, cwd=work,
                                    env=_clean_env(env))
        e = Ephemeral(proc, None, b"", errpath)
        started.append(e)
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            assert left > 0, f"no JSON line within {timeout}s: {buf!r} {e.stderr_text()!r}"
            r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
            if r:
                chunk = os.read(proc.stdout.fileno(), 4096)
                assert chunk, f"cupid exited ({proc.wait(5)}): {e.stderr_text()!r}"
                buf += chunk
        line, e.stdout_rest = buf.split(b"\n", 1)
        e.info = json.loads(line)
        return e

    yield start
    for e in started:
        e.stop()


def https_get(info, path, password=None, verify=True):
    if verify:
        ctx = ssl.create_default_context(cafile=info["cert"])  # checks 127.0.0.1 too
    else:
        ctx = ssl._create_unverified_context()
    req = urllib.request.Request(info["url"] + path, headers={
        "Authorization": basic(info["user"], password or info["password"])})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def http_get(info, path):
    req = urllib.request.Request(info["httpUrl"] + path, headers={
        "Authorization": basic(info["user"], info["password"]), "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


def port_of(url):
    return int(url.rsplit(":", 1)[1])


def test_json_line_and_its_urls_work(ephemeral, work):
    e = ephemeral()
    info = e.info
    assert list(info) == KEYS, info
    assert info["url"].startswith("https://127.0.0.1:") and port_of(info["url"]) > 0
    assert info["httpUrl"].startswith("http://127.0.0.1:") and port_of(info["httpUrl"]) > 0
    assert info["user"] == "admin" and len(info["password"]) >= 16
    assert os.path.dirname(info["dataDir"]) == os.path.realpath(work), info  # under $TMPDIR
    assert info["cert"] == os.path.join(info["dataDir"], "cupid-cert.pem")
    assert os.path.isfile(info["cert"])
    status, body = https_get(info, "/vmrest/version")
    assert status == 200 and b"<version>" in body, (status, body)
    assert https_get(info, "/vmrest/version", verify=False)[0] == 200
    assert https_get(info, "/vmrest/version", password="wrong-password")[0] == 401
    status, body = http_get(info, "/vmrest/version")
    assert status == 200 and json.loads(body)["name"] == "vmrest"
    # The JSON line is all of stdout: the listening lines go to stderr.
    assert e.stop() == 0
    rest = e.stdout_rest + e.proc.stdout.read()
    assert rest == b"", rest
    err = e.stderr_text()
    assert f"cupid: listening on {info['url']}" in err, err
    assert f"cupid: listening on {info['httpUrl']}" in err, err
    assert "password" not in err  # nor the generated password announced there


def test_plain_flag_without_serve(ephemeral):
    info = ephemeral(["--ephemeral"]).info
    assert list(info) == KEYS
    assert https_get(info, "/vmrest/version")[0] == 200


def test_two_servers_at_once_differ(ephemeral):
    a, b = ephemeral().info, ephemeral().info
    ports = {port_of(a["url"]), port_of(a["httpUrl"]), port_of(b["url"]), port_of(b["httpUrl"])}
    assert len(ports) == 4, (a, b)
    assert a["dataDir"] != b["dataDir"] and a["password"] != b["password"]
    assert https_get(a, "/vmrest/version")[0] == 200
    assert https_get(b, "/vmrest/version")[0] == 200
    assert https_get(b, "/vmrest/version", password=a["password"])[0] == 401


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_removes_the_directory(ephemeral, work, sig):
    e = ephemeral()
    d = e.info["dataDir"]
    assert os.path.isfile(os.path.join(d, "cupid.db")), os.listdir(d)
    # Something a harness left there, and a link out of it that must not be followed.
    outside = os.path.join(work, "outside")
    os.mkdir(outside)
    with open(os.path.join(outside, "keep"), "w") as f:
        f.write("x")
    os.makedirs(os.path.join(d, "sub", "deeper"))
    with open(os.path.join(d, "sub", "deeper", "note"), "w") as f:
        f.write("x")
    os.symlink(outside, os.path.join(d, "link"))
    assert e.stop(sig) == 0, e.stderr_text()
    assert not os.path.exists(d), os.listdir(d)
    assert os.path.isfile(os.path.join(outside, "keep"))
    assert os.path.isdir(work)
    # And the port is free again.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port_of(e.info["url"]))) != 0


def test_explicit_data_dir_is_kept(ephemeral, work):
    d = os.path.join(work, "mine")
    e = ephemeral(["serve", "--ephemeral", f"--data_dir={d}", "--admin_password=first-pw"])
    assert e.info["dataDir"] == os.path.realpath(d)
    assert https_get(e.info, "/vmrest/version")[0] == 200
    assert e.stop() == 0
    assert os.path.isfile(os.path.join(d, "cupid.db"))
    # Started again on it, with another password: the JSON line's credentials still hold.
    e = ephemeral(["serve", "--ephemeral", f"--data_dir={d}"])
    assert e.info["password"] != "first-pw"
    assert https_get(e.info, "/vmrest/version")[0] == 200
    assert https_get(e.info, "/vmrest/version", password="first-pw")[0] == 401
    assert e.stop() == 0
    assert os.path.isfile(os.path.join(d, "cupid.db"))


@pytest.mark.parametrize("how", ["flag", "env"])
def test_explicit_admin_password(ephemeral, how):
    if how == "flag":
        e = ephemeral(["serve", "--ephemeral", "--admin_password=Harness-pw-1"])
    else:
        e = ephemeral(env={"CUPID_ADMIN_PASSWORD": "Harness-pw-1"})
    assert e.info["password"] == "Harness-pw-1"
    assert https_get(e.info, "/vmrest/version")[0] == 200


def test_explicit_listeners_and_user(ephemeral):
    e = ephemeral(["serve", "--ephemeral", "--http.listen=", "--user.admin=administrator:u-pw"])
    assert list(e.info) == ["url", "user", "password", "cert", "dataDir"], e.info
    assert e.info["password"] == "u-pw"
    assert https_get(e.info, "/vmrest/version")[0] == 200
    e = ephemeral(["serve", "--ephemeral", "--https.listen=", "--http.listen=127.0.0.1:0"])
    assert list(e.info) == ["httpUrl", "user", "password", "dataDir"], e.info
    assert http_get(e.info, "/vmrest/version")[0] == 200


def test_serve_without_ephemeral_is_the_usual_server(make_server):
    srv = make_server(args=["serve"])
    assert srv.client().get("/vmrest/version").status == 200
    assert any(line.startswith("cupid: listening on https://") for line in srv.lines)


@pytest.mark.parametrize("args", [["serve", "extra"], ["--ephemeral", "export"],
                                  ["--ephemeral=maybe"]], ids=["operand", "export", "bad"])
def test_bad_use_exits_2(work, args):
    p = run_cupid(args + [f"--data_dir={work}/data"], timeout=8)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr.strip() and not p.stdout.strip()


def test_failed_start_removes_the_directory(work):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        p = run_cupid(["serve", "--ephemeral", f"--https.listen=127.0.0.1:{port}"],
                      env={"TMPDIR": work}, timeout=8, cwd=work)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert b"address in use" in p.stderr and not p.stdout.strip()
    assert not [n for n in os.listdir(work) if n.startswith("cupid-")], os.listdir(work)
