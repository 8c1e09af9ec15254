"""Password guessing (README "Security"): failed logins throttled per client address and user
name (429 with Retry-After once auth.max_failures distinct wrong passwords are reached in
auth.failure_window_s, even for the right password, while other addresses and other users are
served; a good login starts the count again), and the optional account lockout of
auth.lockout_* (a locked account gets the same 401 as a wrong password, shows in
`cupid user list`, and `cupid user unlock` clears it). Runs on both stores. Every wait is a
bounded loop with generous margins."""

import http.client
import os
import re
import shutil
import tempfile
import time

import pytest

from cupidtest import ADMIN, READER, basic, insecure_context, parse_error, run_subcommand

OTHER = "127.0.0.2"  # another client address (Linux's loopback takes all of 127/8)


def get(srv, auth, src="127.0.0.1", path="/vmrest/version", conn=None, accept=None):
    """GET with the given credentials (None: no Authorization) from address src; returns
    (status, headers dict, body bytes). Reuses conn when given (keep-alive)."""
    c = conn or http.client.HTTPSConnection("127.0.0.1", srv.https_port, timeout=15,
                                            context=insecure_context(), source_address=(src, 0))
    hdrs = {"Authorization": basic(*auth)} if auth else {}
    if accept:
        hdrs["Accept"] = accept
    c.request("GET", path, headers=hdrs)
    r = c.getresponse()
    body = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, body)
    if conn is None:
        c.close()
    return out


class _R:
    def __init__(self, status, headers, body):
        self.status, self.body = status, body
        self.headers = {"Content-Type": headers.get("content-type")}


def metric(srv, name):
    """Read from an address of its own: the one under test may be throttled."""
    st, _, body = get(srv, ADMIN, src="127.0.0.3", path="/cupid/metrics")
    assert st == 200, st
    text = body.decode()
    m = re.search(rf"^{name} (\d+)$", text, re.M)
    assert m, name
    return int(m.group(1))


def test_guessing_throttled_per_address(make_server):
    srv = make_server({"auth.max_failures": "5", "auth.failure_window_s": "60"})
    before = metric(srv, "cupid_auth_throttled_total")
    for i in range(5):
        assert get(srv, ("admin", f"guess{i}"))[0] == 401
    st, h, body = get(srv, ("admin", "guess5"))
    assert st == 429, (st, body)
    code, msg = parse_error(_R(st, h, body), "xml")
    assert code == "TOO_MANY_REQUESTS" and "try again" in msg, msg
    wait = int(h["retry-after"])
    assert 1 <= wait <= 60, wait
    # JSON when asked, like every other error
    st, h, body = get(srv, ("admin", "guess6"), accept="application/json")
    assert st == 429 and h["content-type"] == "application/json"
    assert parse_error(_R(st, h, body), "json")[0] == "TOO_MANY_REQUESTS"
    # the right password from the same address waits too; from another it is served
    assert get(srv, ADMIN)[0] == 429
    assert get(srv, ADMIN, src=OTHER)[0] == 200
    # another user from the same address is not held off
    assert get(srv, READER)[0] == 200
    # a request without credentials, or with unreadable ones, is no login attempt: the usual 401
    st, h, _ = get(srv, None)
    assert st == 401 and "retry-after" not in h
    assert metric(srv, "cupid_auth_throttled_total") == before + 3
    # nothing was changed by any of it: the throttled name still works from elsewhere
    assert get(srv, ADMIN, src=OTHER, path="/vmrest/ports?rowsPerPage=0")[0] == 200


def test_requests_without_credentials_do_not_count(make_server):
    srv = make_server({"auth.max_failures": "3"})
    for _ in range(10):
        assert get(srv, None)[0] == 401
    c = http.client.HTTPSConnection("127.0.0.1", srv.https_port, timeout=15,
                                    context=insecure_context())
    for scheme in ("Basic", "Basic !!!", "Bearer abc", "Basic " + "YWRtaW4="):  # "admin", no colon
        for _ in range(3):
            c.request("GET", "/vmrest/version", headers={"Authorization": scheme})
            r = c.getresponse()
            r.read()
            assert r.status == 401, scheme
    c.close()
    assert get(srv, ADMIN)[0] == 200


def test_guessing_many_names_from_one_address(make_server):
    """One address may fail five times auth.max_failures over all names: then every login from
    it waits, whatever the name; other addresses are served."""
    srv = make_server({"auth.max_failures": "3"})
    for i in range(15):  # one password each on 15 names: none reaches 3 on its own
        assert get(srv, (f"user{i}", "Winter2026"))[0] == 401
    st, h, _ = get(srv, ("user99", "Winter2026"))
    assert st == 429 and 1 <= int(h["retry-after"]) <= 60
    assert get(srv, READER)[0] == 429
    assert get(srv, READER, src=OTHER)[0] == 200
    for _ in range(5):  # the same name and password again counts once
        assert get(srv, ("user0", "Winter2026"), src=OTHER)[0] == 401
    assert get(srv, ADMIN, src=OTHER)[0] == 200


def test_the_same_wrong_password_counts_once(make_server):
    """A suite that sends the same wrong credentials over and over is not guessing."""
    srv = make_server({"auth.max_failures": "3"})
    for _ in range(30):
        assert get(srv, ("admin", "wrong"))[0] == 401
        assert get(srv, ("admin", "ADMINPW"))[0] == 401
    assert get(srv, ADMIN)[0] == 200
    for i in range(3):
        assert get(srv, ("admin", f"new{i}"))[0] == 401
    assert get(srv, ("admin", "wrong"))[0] == 429


def test_a_good_login_starts_the_count_again(make_server):
    srv = make_server({"auth.max_failures": "4"})
    for _ in range(3):
        for i in range(3):
            assert get(srv, ("admin", f"x{i}{_}"))[0] == 401
        assert get(srv, ADMIN)[0] == 200
    for i in range(4):
        assert get(srv, ("admin", f"y{i}"))[0] == 401
    # another account's good login does not clear it: a guesser holding one account gains
    # nothing on the others
    assert get(srv, READER)[0] == 200
    assert get(srv, ADMIN)[0] == 429


def test_window_ends(make_server):
    srv = make_server({"auth.max_failures": "2", "auth.failure_window_s": "2"})
    assert get(srv, ("admin", "a"))[0] == 401
    assert get(srv, ("admin", "b"))[0] == 401
    st, h, _ = get(srv, ADMIN)
    assert st == 429 and 1 <= int(h["retry-after"]) <= 2
    deadline = time.monotonic() + 8
    while get(srv, ADMIN)[0] == 429:
        assert time.monotonic() < deadline, "still throttled long after the window"
        time.sleep(0.25)
    assert get(srv, ADMIN)[0] == 200


def test_defaults_stay_out_of_the_way(make_server):
    """The defaults let a suite log in thousands of times, and a handful of typos through."""
    srv = make_server()
    c = http.client.HTTPSConnection("127.0.0.1", srv.https_port, timeout=15,
                                    context=insecure_context())
    try:
        statuses = {get(srv, ADMIN, conn=c)[0] for _ in range(3000)}
    finally:
        c.close()
    assert statuses == {200}
    for i in range(19):
        assert get(srv, ("admin", f"typo{i}"))[0] == 401
    assert get(srv, ADMIN)[0] == 200
    for _ in range(100):  # a suite checking its 401s
        assert get(srv, ("admin", "wrong"))[0] == 401
    assert get(srv, ADMIN)[0] == 200


# --- account lockout ---------------------------------------------------------------------------

@pytest.fixture
def data():
    d = tempfile.mkdtemp(prefix="cupid-e2e-guard-")
    yield os.path.join(d, "data")
    shutil.rmtree(d, ignore_errors=True)


def users(data):
    p = run_subcommand(["user", "list"], data)
    assert p.returncode == 0, p.stderr
    return dict(line.split("\t", 1) for line in p.stdout.decode().splitlines())


def test_lockout_until_unlocked(make_server, data):
    settings = {"auth.max_failures": "0", "auth.lockout_failures": "3",
                "auth.lockout_minutes": "0"}
    srv = make_server(settings, data_dir=data)
    before = metric(srv, "cupid_auth_lockouts_total")
    for i in range(3):
        assert get(srv, ("reader", f"wrong{i}"))[0] == 401
    st, h, body = get(srv, READER)  # the right password: the same 401
    assert st == 401, body
    assert b"lock" not in body.lower()
    assert get(srv, ADMIN)[0] == 200  # other accounts are not affected
    assert metric(srv, "cupid_auth_lockouts_total") == before + 1
    srv.stop()
    assert users(data)["reader"] == "readonly\tlocked until unlocked"
    assert users(data)["admin"] == "administrator"
    p = run_subcommand(["user", "unlock", "reader"], data)
    assert p.returncode == 0, p.stderr
    assert users(data)["reader"] == "readonly"
    assert run_subcommand(["user", "unlock", "nobody"], data).returncode == 1
    srv = make_server(settings, data_dir=data)
    assert get(srv, READER)[0] == 200


def test_lockout_for_minutes_and_count_reset(make_server, data):
    settings = {"auth.max_failures": "0", "auth.lockout_failures": "3",
                "auth.lockout_minutes": "1"}
    srv = make_server(settings, data_dir=data)
    # a good login between failures starts the count again
    for _ in range(3):
        assert get(srv, ("reader", "wrong"))[0] == 401
        assert get(srv, ("reader", "wrong"))[0] == 401
        assert get(srv, READER)[0] == 200
    for _ in range(3):
        assert get(srv, ("reader", "wrong"))[0] == 401
    t0 = time.time()
    assert get(srv, READER)[0] == 401
    srv.stop()
    state = users(data)["reader"]
    m = re.fullmatch(r"readonly\tlocked until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", state)
    assert m, state
    until = time.mktime(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert 45 <= until - t0 <= 75, until - t0


def test_unknown_names_do_not_touch_the_store(make_server, data):
    srv = make_server({"auth.max_failures": "0", "auth.lockout_failures": "2"}, data_dir=data)
    for i in range(5):
        assert get(srv, (f"ghost{i}", "pw"))[0] == 401
    assert get(srv, ADMIN)[0] == 200
    srv.stop()
    assert set(users(data)) == {"admin", "reader"}
    assert all("locked" not in v for v in users(data).values())
