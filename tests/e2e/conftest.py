"""Fixtures for the end-to-end suite: one session-scoped cupid for most tests, a factory for
extra servers with custom settings, and clients bound to the session server."""

import atexit

import pytest

from cupidtest import ADMIN, READER, ServerFactory, kill_leftovers, pg_wait_idle, start_server

atexit.register(pg_wait_idle)
atexit.register(kill_leftovers)  # runs first: atexit calls in reverse order


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "paging: needs query, sort, rowsPerPage or pageNumber on collections (SPEC section 3)")


@pytest.fixture(scope="session")
def server():
    """The shared server: both listeners on free ports, fresh data dir, seed fixture, the
    users admin (administrator, adminpw) and reader (readonly, readerpw)."""
    s = start_server()
    yield s
    s.cleanup()


@pytest.fixture
def make_server():
    """Starts extra servers: make_server({'setting': 'value'}, data_dir=..., env=...).
    Every server started is stopped (SIGTERM) and its temp dir removed after the test."""
    f = ServerFactory()
    yield f.start
    f.cleanup()


@pytest.fixture
def admin(server):
    return server.client(ADMIN)


@pytest.fixture
def reader(server):
    return server.client(READER)


@pytest.fixture
def anon(server):
    return server.client(None)


@pytest.fixture
def seed(admin):
    """Loads the seed fixture (§6.7) and returns the admin client."""
    admin.load("seed")
    return admin
