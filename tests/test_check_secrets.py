"""Issue 10 item 10: a password in a check URL is used, but never stored, printed or logged.

A unique password is planted in a check URL (and another in a
``basic_auth_env`` variable); the real poller runs once and as a daemon,
``status --json`` runs, and then every byte the app left behind is searched
for either password: the SQLite files (database, -wal, -shm) or every row of
every PostgreSQL table as text, stdout and stderr of every command.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from servers import HTTPTestServer
from test_poller_stop import Poller

ROOT = Path(__file__).resolve().parents[1]


def secrets_of(password: str, user: str) -> list[bytes]:
    """Every form the password could leak in: plain, percent-encoded, inside a basic-auth header."""
    forms = {password, quote(password, safe=""), base64.b64encode(f"{user}:{password}".encode()).decode()}
    return [f.encode() for f in forms]


def write_topology(path: Path, url_with_password: str, plain_url: str) -> Path:
    path.write_text(f"""
[defaults]
interval = "1s"
timeout = "2s"
retries = 0

[[component]]
id = "api"
name = "Public API"
  [[component.check]]
  url = "{url_with_password}"
  format = "plain"
  [[component.check]]
  url = "{plain_url}"
  basic_auth_env = "VIGIL_TEST_HEALTH_AUTH"
  format = "plain"
""")
    return path


def main_py(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def database_text(db_url: str) -> bytes:
    """Everything the database holds, as bytes to grep."""
    if db_url.startswith("sqlite"):
        db = Path(db_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            tables = c.execute(text(
                "select table_name from information_schema.tables where table_schema = 'public'"
            )).scalars().all()
            rows = [row for t in tables for row in c.execute(text(f'select t::text from "{t}" t')).scalars()]
    finally:
        engine.dispose()
    assert any("checks" == t for t in tables)
    return "\n".join(rows).encode()


def test_check_url_password_is_used_but_never_stored_or_shown(tmp_path, db_url):
    password = f"pw-{uuid.uuid4().hex}"  # unique: any hit anywhere is our leak
    env_password = f"envpw-{uuid.uuid4().hex}"
    env = {**os.environ, "VIGIL_TEST_HEALTH_AUTH": f"bob:{env_password}"}
    with HTTPTestServer() as server:
        server.add("/health", body="ok")
        server.add("/health2", body="ok")
        url = f"http://alice:{password}@127.0.0.1:{server.port}/health"
        config = write_topology(tmp_path / "t.toml", url, server.url("/health2"))
        outputs = []

        once = main_py("poll", "--config", str(config), "--db", db_url, "--once", "--json", env=env)
        outputs += [once.stdout, once.stderr]
        assert once.returncode == 0, once.stderr
        assert [json.loads(line)["status"] for line in once.stdout.splitlines()] == ["OK", "OK"]

        daemon = Poller("--config", str(config), "--db", db_url, "--json", env=env)
        try:
            daemon.wait_for(lambda: len(daemon.out) >= 4, 30, "two rounds of results")
            code = daemon.terminate()
        finally:
            daemon.kill()
        outputs += ["\n".join(daemon.out), "\n".join(daemon.err)]
        assert code == 0, daemon.err
        human = main_py("poll", "--config", str(config), "--db", db_url, "--once", env=env)
        status = main_py("status", "--db", db_url, "--json", env=env)
        outputs += [human.stdout, human.stderr, status.stdout, status.stderr]
        assert status.returncode == 0, status.stderr

        # The secrets were really used, as basic auth on the wire.
        sent = {headers.get("Authorization") for path, headers in server.requests}
        assert "Basic " + base64.b64encode(f"alice:{password}".encode()).decode() in sent
        assert "Basic " + base64.b64encode(f"bob:{env_password}".encode()).decode() in sent

    stored = database_text(db_url)
    # The URL is shown and stored with the password masked.
    assert f"http://alice:***@127.0.0.1:{server.port}/health".encode() in stored
    for secret in secrets_of(password, "alice") + secrets_of(env_password, "bob"):
        assert secret not in stored
        for output in outputs:
            assert secret.decode() not in output


def test_a_bad_url_quoting_its_password_back_masks_it(tmp_path):
    password = f"pw-{uuid.uuid4().hex}"
    config = tmp_path / "t.toml"
    config.write_text(f"""
[[component]]
id = "api"
name = "API"
  [[component.check]]
  url = "http://alice:{password}@127.0.0.1:notaport/health"
""")
    proc = main_py("poll", "--config", str(config), "--once", env=dict(os.environ))
    assert proc.returncode == 2
    assert password not in proc.stderr and "alice:***@" in proc.stderr


def test_missing_or_malformed_basic_auth_variable_is_unknown_naming_the_variable(tmp_path):
    from noc_app.checks import run_check
    from noc_app.topology import parse_topology

    topology = parse_topology("""
[[component]]
id = "api"
name = "API"
  [[component.check]]
  url = "http://127.0.0.1:9/health"
  basic_auth_env = "VIGIL_TEST_NO_SUCH_VAR"
""")
    spec = topology.checks[0]
    os.environ.pop("VIGIL_TEST_NO_SUCH_VAR", None)
    result = run_check(spec)
    assert result.status.value == "UNKNOWN" and result.error == "environment variable VIGIL_TEST_NO_SUCH_VAR not set"
    os.environ["VIGIL_TEST_NO_SUCH_VAR"] = "no-colon-here"
    try:
        result = run_check(spec)
    finally:
        del os.environ["VIGIL_TEST_NO_SUCH_VAR"]
    assert result.error == "environment variable VIGIL_TEST_NO_SUCH_VAR must hold user:password"
    assert "no-colon-here" not in repr(result)


def test_the_password_is_not_sent_after_a_redirect_to_another_origin():
    from noc_app.checks import run_check
    from noc_app.topology import parse_topology

    with HTTPTestServer() as other, HTTPTestServer() as first:
        other.add("/landing", body="ok")
        target = other.url("/landing", host="localhost")
        topology = parse_topology(f"""
[[component]]
id = "api"
name = "API"
  [[component.check]]
  url = "http://alice:pw@127.0.0.1:{first.port}/redirect?to={quote(target, safe='')}"
  format = "plain"
""")
        spec = topology.checks[0]
        assert "pw" not in repr(spec) and spec.url.startswith("http://alice:***@")
        result = run_check(spec)
        assert result.status.value == "OK", result.error
        assert first.requests[0][1].get("Authorization", "").startswith("Basic ")
        assert "Authorization" not in other.requests[0][1]
