"""Issue 10 item 11: the data directory, SQLite files, drafts/ and outbox/ are private to their owner."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    # A fresh process with the usual umask 022, so the modes come from the app, not the test runner.
    full = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", "import os; os.umask(0o022)\n" + code],
                          cwd=ROOT, env=full, capture_output=True, text=True, timeout=60)


WRITE_EVERYTHING = """
import datetime as dt
from sqlalchemy import text
from noc_app.paths import data_dir, default_db_url
from noc_app.storage.db import make_engine
from noc_app.incidents.drafts import DraftStore, Outbox
engine = make_engine(default_db_url())
with engine.connect() as c:
    c.execute(text("create table if not exists t (x integer)"))
    c.execute(text("insert into t values (1)"))
    c.commit()
    base = data_dir()
    # -wal and -shm exist while a connection is open
    print(oct(os.stat(base / 'noc.db-wal').st_mode & 0o777), oct(os.stat(base / 'noc.db-shm').st_mode & 0o777))
DraftStore(data_dir() / "drafts").save("incident-1", {"notes": "customer list"})
Outbox(data_dir() / "outbox").enqueue("add_note", {"incident_id": 1, "text": "x"})
"""


def test_a_fresh_data_directory_and_its_files_are_private(tmp_path):
    base = tmp_path / "new" / "vigil"
    proc = run_python(WRITE_EVERYTHING, {"NOC_DATA_DIR": str(base)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0o600", "0o600"]  # -wal, -shm while open
    assert mode(base) == 0o700
    assert mode(base / "noc.db") == 0o600
    assert mode(base / "drafts") == 0o700 and mode(base / "outbox") == 0o700
    assert {mode(p) for p in (base / "drafts").iterdir()} == {0o600}
    assert {mode(p) for p in (base / "outbox").iterdir()} == {0o600}


def test_an_explicit_sqlite_path_gets_a_private_folder_and_file(tmp_path):
    db = tmp_path / "elsewhere" / "noc.db"
    proc = run_python(
        f"from noc_app.storage.db import make_engine\n"
        f"from sqlalchemy import text\n"
        f"e = make_engine('sqlite:///{db}')\n"
        f"c = e.connect(); c.execute(text('create table t (x)')); c.commit()\n"
        f"print(oct(os.stat('{db}-wal').st_mode & 0o777))\n",
        {"NOC_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0o600"
    assert mode(db.parent) == 0o700 and mode(db) == 0o600


def test_the_default_directory_an_older_version_left_open_is_tightened(tmp_path):
    # What an older version left: ~/.local/share/vigil-noc 0755 with noc.db 0644.
    old = tmp_path / "xdg" / "vigil-noc"
    old.mkdir(parents=True)
    old.chmod(0o755)
    (old / "noc.db").write_bytes(b"")
    (old / "noc.db").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k != "NOC_DATA_DIR"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    proc = subprocess.run(
        [sys.executable, "-c", "from noc_app.paths import default_db_url\n"
         "from noc_app.storage.db import make_engine\nmake_engine(default_db_url()).connect().close()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert mode(old) == 0o700 and mode(old / "noc.db") == 0o600


def test_an_existing_shared_data_dir_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o750)
    proc = run_python("from noc_app.paths import data_dir; data_dir()", {"NOC_DATA_DIR": str(shared)})
    assert proc.returncode == 0, proc.stderr
    assert mode(shared) == 0o750
