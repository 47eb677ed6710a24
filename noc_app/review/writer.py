"""``write_bundle``: one incident out of the live database into a self-contained review file.

The file is written beside its destination under a temporary name and moved
into place only when complete, so a failed or interrupted run never leaves a
half bundle where a reviewer would pick it up.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

import noc_app
from noc_app.review.collector import collector_paused
from noc_app.review.format import APPLICATION_ID, FORMAT_VERSION, SCHEMA, BundleError, content_sha256
from noc_app.review.source import Material, read_material

UTC = dt.timezone.utc


class UnknownIncidentError(BundleError):
    """No incident with that id in the database."""


@dataclass(frozen=True)
class BundleInfo:
    path: Path
    incident_id: int
    window_start: dt.datetime
    window_end: dt.datetime
    bytes: int
    sha256: str
    counts: dict[str, int]  # rows per table


def check_writable(out: str | Path) -> Path:
    """Refuse a destination that cannot be written, before any database work."""
    path = Path(out)
    if path.is_dir():
        raise BundleError(f"--out {path}: is a folder; give a file name, e.g. {path / 'incident.noc-bundle'}")
    folder = path.parent
    if not folder.is_dir():
        raise BundleError(f"--out {path}: folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BundleError(f"--out {path}: not writable (permission denied); choose a writable path")
    return path


def write_bundle(sessions: sessionmaker[Session], incident_id: int, out: str | Path,
                 now: dt.datetime | None = None) -> BundleInfo:
    path = check_writable(out)
    now = now or dt.datetime.now(UTC)
    with collector_paused():
        with sessions() as session:
            material = read_material(session, incident_id, now)
        if material is None:
            raise UnknownIncidentError(f"incident {incident_id}: no such incident in the database; "
                                       "the incidents board lists their numbers")
        digest, counts = _write(path, material, incident_id, now)
    return BundleInfo(path, incident_id, material.window_start, material.window_end,
                      path.stat().st_size, digest, counts)


def _write(path: Path, material: Material, incident_id: int, now: dt.datetime) -> tuple[str, dict[str, int]]:
    """The file, beside ``path`` under a temporary name, moved into place once complete."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise BundleError(f"--out {path}: cannot write there ({exc.strerror}); choose a writable path") from None
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)  # transactions as written below
        try:
            # One plain rollback-journal file: no -wal/-shm beside it, safe to open immutable.
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            # One transaction for the schema, the rows and the manifest: one journal and one
            # sync for the whole file (each CREATE TABLE was a transaction of its own). The
            # checksum reads the rows back inside it, as SQLite holds them.
            conn.executescript("BEGIN;\n" + SCHEMA)
            counts = {}
            for table, rows in material.tables.items():
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
                counts[table] = len(rows)
            digest = content_sha256(conn)
            manifest = {
                "format_version": str(FORMAT_VERSION), "app_version": noc_app.__version__,
                "created_at": now.isoformat(), "incident_id": str(incident_id),
                "window_start": material.window_start.isoformat(),
                "window_end": material.window_end.isoformat(), "source": material.source,
                "content_sha256": digest,
            }
            conn.executemany("INSERT INTO manifest VALUES (?, ?)", sorted(manifest.items()))
            conn.execute("COMMIT")
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, counts
