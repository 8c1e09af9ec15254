"""Installation: `make install` into a DESTDIR puts the binary, the manual page and the sample
configuration (both generated from the settings table) and the systemd unit where they belong;
the manual page and the sample name every setting that `cupid --help` lists, so neither can
drift; cupid accepts the sample; the unit passes `systemd-analyze verify`."""

import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from cupidtest import ADMIN, cupid_bin, run_cupid

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/usr"

# path under DESTDIR -> mode
INSTALLED = {
    "usr/bin/cupid": 0o755,
    "usr/share/man/man8/cupid.8": 0o644,
    "usr/lib/systemd/system/cupid.service": 0o644,
    "etc/cupid/cupid.conf": 0o600,
    "etc/cupid/cupid.conf.sample": 0o644,
}

# The hardening the unit must keep (the "Operating cupid" issue).
UNIT_LINES = [
    "DynamicUser=yes", "StateDirectory=cupid", "NoNewPrivileges=yes", "ProtectSystem=strict",
    "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes", "ProtectControlGroups=yes",
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces=yes",
    "LockPersonality=yes", "MemoryDenyWriteExecute=yes", "SystemCallArchitectures=native",
    "CapabilityBoundingSet=", "AmbientCapabilities=", "UMask=0077", "Restart=on-failure",
    "KillSignal=SIGTERM", "TimeoutStopSec=10",
]

SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "SETTINGS", "ENVIRONMENT", "FILES",
            "EXIT STATUS", "SIGNALS", "SEE ALSO"]


def make_vars():
    """The make variables that select the build CUPID_BIN came from (SAN=1 for the sanitizer
    build), or None when CUPID_BIN is not one of this repository's builds."""
    b = Path(os.path.realpath(cupid_bin()))
    if b == REPO / "build" / "cupid":
        return []
    if b == REPO / "build" / "asan" / "cupid":
        return ["SAN=1"]
    return None


def make(*args):
    """Runs make in the repository. A make that runs this suite passes its flags and jobserver
    down through the environment; they are dropped so that only args count."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    p = subprocess.run(["make", "-C", str(REPO), "--no-print-directory"] + list(args)
                       + (make_vars() or []), capture_output=True, env=env, timeout=900,
                       stdin=subprocess.DEVNULL)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    assert p.returncode == 0, f"make {' '.join(args)} failed:\n{out}"
    return out


def install(dest):
    return make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")


@pytest.fixture(scope="module")
def dest():
    d = tempfile.mkdtemp(prefix="cupid-e2e-install-")
    try:
        install(d)
        yield Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def help_rows():
    """(name, default) for every setting row of `cupid --help`; default "" when empty."""
    p = run_cupid(["--help"])
    assert p.returncode == 0, p
    rows, started = [], False
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"^  (\S+) +(\S+)", line)
        if not m:
            continue
        if m.group(1) == "setting":
            started = True
        elif started:
            rows.append((m.group(1), "" if m.group(2) in ("(empty)", "(none)") else m.group(2)))
    names = [n for n, _ in rows]
    assert "https.listen" in names and "user.<name>" in names, \
        f"could not read the settings from cupid --help:\n{p.stdout.decode()}"
    return rows


def fixed(rows):
    """The rows of the settings table (user.<name> is a pattern, not a row)."""
    return [(n, d) for n, d in rows if "<" not in n]


def rendered(page):
    """The manual page as plain text; fails on any groff warning."""
    if not shutil.which("groff"):
        pytest.fail("groff not found: install the Debian package groff-base (scripts/deps.sh does)")
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-P-cbou", str(page)],
                       capture_output=True, timeout=60)
    assert p.returncode == 0 and not p.stderr, p.stderr.decode("utf-8", "replace")
    return p.stdout.decode("utf-8")


# --- make install / make uninstall ---------------------------------------------------------------

def test_install_puts_every_file_with_its_mode(dest):
    for rel, mode in INSTALLED.items():
        path = dest / rel
        assert path.is_file(), f"make install did not create {rel}"
        assert stat.S_IMODE(path.stat().st_mode) == mode, \
            f"{rel} has mode {stat.S_IMODE(path.stat().st_mode):o}, want {mode:o}"
    if make_vars() is not None:
        assert (dest / "usr/bin/cupid").read_bytes() == Path(cupid_bin()).read_bytes(), \
            "the installed binary is not the one under test"
    unit = (dest / "usr/lib/systemd/system/cupid.service").read_text()
    assert not re.search(r"@[A-Z_]+@", unit), "a template placeholder was left in the unit"
    assert re.search(r"^ExecStart=/usr/bin/cupid --config=\S+ --data_dir=/var/lib/cupid$", unit,
                     re.M), unit
    assert "LoadCredential=cupid.conf:/etc/cupid/cupid.conf\n" in unit
    missing = [l for l in UNIT_LINES if not re.search("^" + re.escape(l) + "$", unit, re.M)]
    assert not missing, f"the unit lacks {missing}"


def test_install_keeps_an_edited_config_and_uninstall_keeps_it_too():
    d = Path(tempfile.mkdtemp(prefix="cupid-e2e-install-"))
    try:
        install(d)
        conf, sample = d / "etc/cupid/cupid.conf", d / "etc/cupid/cupid.conf.sample"
        generated = sample.read_text()
        assert conf.read_text() == generated
        conf.write_text("log.level = debug\n")
        sample.write_text("# old\n")
        out = install(d)
        assert "kept the existing" in out, out
        assert conf.read_text() == "log.level = debug\n"
        assert stat.S_IMODE(conf.stat().st_mode) == 0o600
        assert sample.read_text() == generated, "make install should refresh the sample"
        make("uninstall", f"DESTDIR={d}", f"PREFIX={PREFIX}")
        left = sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())
        assert left == ["etc/cupid/cupid.conf"], left
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --- the manual page -----------------------------------------------------------------------------

def test_man_page_names_every_setting_of_help(dest, help_rows):
    text = rendered(dest / "usr/share/man/man8/cupid.8")
    for s in SECTIONS:
        assert re.search("^" + s + "$", text, re.M), f"cupid(8) has no {s} section"
    settings = text[text.index("\nSETTINGS\n"):text.index("\nENVIRONMENT\n")]
    missing = [n for n, _ in help_rows if n.replace("<", "").replace(">", "") not in settings]
    assert not missing, f"cupid(8) does not describe {missing}, which cupid --help lists"
    for name, default in fixed(help_rows):
        m = re.search(r"^ +" + re.escape(name) + r"=.*?^ +Default: (.+?)(?:;|\. Environment)",
                      settings, re.M | re.S)
        assert m, f"cupid(8): no entry with a default for {name}"
        assert m.group(1) == (default or "empty"), \
            f"cupid(8) gives {name} the default {m.group(1)!r}, cupid --help {default!r}"
        env = "CUPID_" + name.upper().replace(".", "_")
        assert env in settings, f"cupid(8) does not name {env}"
    for word in ["127.0.0.1:8443", "SQLite", "cupid.db", "cupid-cert.pem", "cupid-key.pem",
                 "cupid.conf", "SIGTERM", "SIGINT", "5 seconds", "CUPID_"]:
        assert word in text, f"cupid(8) does not mention {word}"


# --- the sample configuration --------------------------------------------------------------------

def sample_lines(dest):
    return (dest / "etc/cupid/cupid.conf.sample").read_text().splitlines()


def test_sample_config_lists_every_setting_with_its_default(dest, help_rows):
    lines = sample_lines(dest)
    assert all(not l.strip() or l.startswith("#") for l in lines), \
        "every line of the sample must be commented out"
    for name, default in fixed(help_rows):
        want = f"#{name} = {default}".rstrip()
        assert want in lines, f"the sample config has no line {want!r}"
    assert any(l.startswith("#user.") for l in lines), "the sample config shows no user.<name>"


@pytest.mark.parametrize("uncomment", [False, True], ids=["as-installed", "uncommented"])
def test_sample_config_is_accepted(dest, make_server, tmp_path, uncomment):
    """cupid starts with the sample as --config (flags still pick the port and data_dir), and
    with every setting of it uncommented, i.e. with each default written out."""
    lines = sample_lines(dest)
    if uncomment:
        lines = [re.sub(r"^#(?=[a-z][a-z0-9_.]* =)", "", l) for l in lines]
        assert sum(not l.startswith("#") and "=" in l for l in lines) > 20, lines
    conf = tmp_path / "cupid.conf"
    conf.write_text("\n".join(lines) + "\n")
    conf.chmod(0o600)
    srv = make_server(fixture=None, data_dir=str(tmp_path / "data"),
                      args=[f"--config={conf}"])
    assert srv.client(ADMIN).get("/cupid/whoami").status == 200
    assert srv.stop() == 0, srv.stderr_text()


# --- the systemd unit ----------------------------------------------------------------------------

def test_unit_passes_systemd_analyze_verify(dest, tmp_path):
    tool = shutil.which("systemd-analyze")
    if not tool:
        pytest.fail("systemd-analyze not found: install the Debian package systemd "
                    "(scripts/deps.sh does); it is needed to check contrib/cupid.service.in")
    unit = (dest / "usr/lib/systemd/system/cupid.service").read_text()
    # verify checks that ExecStart's binary exists: point it at the DESTDIR copy.
    unit = unit.replace("ExecStart=/usr/bin/cupid ", f"ExecStart={dest}/usr/bin/cupid ")
    unit = unit.replace(":/etc/cupid/cupid.conf", f":{dest}/etc/cupid/cupid.conf")
    copy = tmp_path / "cupid.service"
    copy.write_text(unit)
    env = dict(os.environ)
    args = [tool, "verify"]
    if shutil.which("man"):  # Documentation=man:cupid(8) must then resolve to the installed page
        env["MANPATH"] = str(dest / "usr/share/man")
    else:
        args.append("--man=no")
    p = subprocess.run(args + [str(copy)], capture_output=True, env=env, timeout=120,
                       stdin=subprocess.DEVNULL)
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    assert p.returncode == 0, out
    complaints = [l for l in out.splitlines() if "cupid" in l]
    assert not complaints, out
