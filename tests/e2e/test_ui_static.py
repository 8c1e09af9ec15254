"""The web page's static files (§2.2, §6.1): /cupid/ui/ served from the binary to anyone for
GET and HEAD, with a Content-Type per extension and the usual headers; the page itself is
tested in a real browser by tests/browser."""

import pytest

from cupidtest import ADMIN, READER

FILES = [
    ("/cupid/ui/", "text/html; charset=utf-8", b"<!doctype html>"),
    ("/cupid/ui/index.html", "text/html; charset=utf-8", b"<!doctype html>"),
    ("/cupid/ui/app.js", "text/javascript; charset=utf-8", b"'use strict';"),
    ("/cupid/ui/style.css", "text/css; charset=utf-8", b":root"),
]


@pytest.mark.parametrize("path,ctype,start", FILES, ids=[f[0] for f in FILES])
@pytest.mark.parametrize("auth", [None, ADMIN, READER, ("admin", "wrong")],
                         ids=["anonymous", "admin", "reader", "wrong password"])
def test_served_to_anyone(server, path, ctype, start, auth):
    cli = server.client(auth=auth)
    r = cli.get(path)
    assert r.status == 200, r
    assert r.headers["Content-Type"] == ctype
    assert start in r.body
    assert r.headers["Content-Length"] == str(len(r.body))
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "WWW-Authenticate" not in r.headers
    h = cli.head(path)
    assert h.status == 200 and h.body == b""
    assert h.headers["Content-Length"] == str(len(r.body))
    assert h.headers["Content-Type"] == ctype


def test_same_over_plain_http(server):
    a = server.client(auth=None).get("/cupid/ui/app.js").body
    b = server.client(auth=None, scheme="http").get("/cupid/ui/app.js").body
    assert a == b and len(a) > 1000


@pytest.mark.parametrize("path", ["/cupid/ui/nope.html", "/cupid/ui/%2e%2e%2fMakefile",
                                  "/cupid/ui/APP.JS", "/cupid/ui/index.htm"])
def test_unknown_file_is_404(server, path):
    r = server.client(auth=None).get(path)
    assert r.status == 404, r
    assert r.headers["Content-Type"] == "application/json"
    assert r.json()["errors"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["/cupid/ui/app.js/x", "/cupid/ui/..", "/cupid/ui//app.js",
                                  "/cupid/uix/"])
def test_paths_outside_the_page(server, path):
    """Paths that are no file of the page are /cupid paths like any other (§4.2): credentials
    first, then 404."""
    assert server.client(auth=None).get(path).status == 401
    r = server.client(auth=READER).get(path)
    assert r.status == 404, r
    assert r.json()["errors"]["code"] == "NOT_FOUND"


def test_without_slash_redirects(server):
    r = server.client(auth=None).get("/cupid/ui")
    assert r.status == 301
    assert r.headers["Location"] == "ui/"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods(server, method):
    r = server.client(auth=None).request(method, "/cupid/ui/")
    assert r.status == 401
    r = server.client(auth=None).request(method, "/cupid/ui/",
                                         headers={"X-Requested-With": "cupid-ui"})
    assert r.status == 401 and "WWW-Authenticate" not in r.headers
    r = server.client(auth=ADMIN).request(method, "/cupid/ui/app.js")
    assert r.status == 405
    assert r.headers["Allow"] == "GET, HEAD"


def test_page_talks_only_to_the_public_api(server):
    """The page reaches /vmrest, /cupid/health and /cupid/whoami, and keeps no credentials in
    storage or cookies."""
    js = server.client(auth=None).get("/cupid/ui/app.js").body.decode()
    for word in ("localStorage", "sessionStorage", "document.cookie", "indexedDB"):
        assert word not in js
    assert "X-Requested-With': 'cupid-ui'" in js
    paths = {p for p in ("/cupid/reset", "/cupid/fixtures", "/cupid/throttle", "/cupid/metrics")
             if p in js}
    assert paths == set()
