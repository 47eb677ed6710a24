"""Check results the database would not take before the poller stopped, kept on disk for the next start.

Like the incident outbox: one JSON file per stop (``spool/results-*.json``
in the data directory, 0600 in a 0700 folder, written atomically), each
naming the database it was meant for. The next poller start on that
database writes them with their original times (samples, transitions, and
the latest state of a check unless a newer result is there already, from
another poller) and deletes the file; a file for another database is left
alone and mentioned.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.live.change_hints import notify_changes
from noc_app.paths import data_dir
from noc_app.polling.recorder import Item, sample_rows, short, state_row, transition_row
from noc_app.polling.state import Outcome, Transition
from noc_app.storage import models as db
from noc_app.storage.db import transaction

if TYPE_CHECKING:
    from noc_app.workspace import Workspace

SPOOL_DIR = "spool"


def database_identity(engine: Engine) -> str:
    """Which database a spool file belongs to: the URL without password, SQLite paths absolute."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).expanduser().resolve()))
    return url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class ReplayReport:
    written: int = 0
    transitions: int = 0
    unknown_checks: int = 0  # results of checks no longer in the database: dropped
    other_databases: int = 0  # spool files kept for another database
    failed: str | None = None  # why a file could not be replayed now (kept for next time)


class ResultSpool:
    def __init__(self, directory: str | os.PathLike, database: str) -> None:
        self.directory = Path(directory)
        self.database = database

    def save(self, items: list[Item], *, now: dt.datetime | None = None) -> Path:
        from noc_app.incidents.drafts import atomic_write, dumps  # the incident package: only when used

        now = now or dt.datetime.now(dt.timezone.utc)
        path = self.directory / f"results-{now:%Y%m%dT%H%M%S%f}-{os.getpid()}.json"
        atomic_write(path, dumps({"database": self.database, "saved_at": now,
                                  "results": [_encode(r, o) for r, o in items]}))
        return path

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("results-*.json")) if self.directory.is_dir() else []

    def replay(self, sessions: sessionmaker[Session]) -> ReplayReport:
        """Write every spool file meant for this database, oldest first; stop at the first failure."""
        written = transitions = unknown = others = 0
        files = self.files()
        if not files:
            return ReplayReport(written, transitions, unknown, others, None)
        # Importing the incident package costs a third of a poller's start-up: only with a spool to read.
        from noc_app.incidents.drafts import loads

        for path in files:
            try:
                doc = loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                return ReplayReport(written, transitions, unknown, others, f"cannot read {path}: {exc}")
            if doc.get("database") != self.database:
                others += 1
                continue
            items = [_decode(entry) for entry in doc["results"]]
            try:
                with transaction(sessions) as session:
                    kept = _known(session, items)
                    write_replayed(session, kept)
                    notify_changes(session)  # shared desktops pick the replayed changes up at once
            except Exception as exc:  # noqa: BLE001 - kept for the next start, reported by the caller
                return ReplayReport(written, transitions, unknown, others,
                                    f"{type(exc).__name__} replaying {path.name}")
            path.unlink(missing_ok=True)
            written += len(kept)
            transitions += sum(1 for _, o in kept if o.transition is not None)
            unknown += len(items) - len(kept)
        return ReplayReport(written, transitions, unknown, others)


def _known(session: Session, items: list[Item]) -> list[Item]:
    keys = set(session.scalars(select(db.Check.key)))
    return [item for item in items if item[0].check_key in keys]


def write_replayed(session: Session, items: list[Item]) -> None:
    """Samples and transitions as they were; a check's state only where nothing newer is stored."""
    if not items:
        return
    session.execute(insert(db.CheckSample), sample_rows(items))
    found = [o.transition for _, o in items if o.transition is not None]
    if found:
        session.execute(insert(db.StateTransition), [transition_row(t) for t in found])
    latest: dict[str, Item] = {}
    since: dict[str, Transition] = {}
    for r, o in items:
        latest[r.check_key] = (r, o)
        if o.transition is not None:
            since[r.check_key] = o.transition
    for key, (r, o) in latest.items():
        values = state_row(key, r, o, since.get(key))
        values.pop("check_key")
        session.execute(
            update(db.CheckState)
            .where(db.CheckState.check_key == key,
                   or_(db.CheckState.last_result_at.is_(None), db.CheckState.last_result_at < r.at))
            .values(**values)
        )


def _encode(result: CheckResult, outcome: Outcome) -> dict:
    t = outcome.transition
    return {
        "check": result.check_key, "component": result.component_id, "status": result.status.value,
        "latency_ms": result.latency_ms, "http_status": result.http_status, "error": short(result.error),
        "detail": result.detail, "at": result.at,
        "state": outcome.status.value, "pending": outcome.pending, "flapping": outcome.flapping,
        "consecutive_failures": outcome.consecutive_failures,
        "transition": None if t is None else {
            "at": t.at, "from": t.from_status.value, "to": t.to_status.value,
            "reason": short(t.reason), "flapping": t.flapping,
        },
    }


def _decode(entry: dict) -> Item:
    result = CheckResult(entry["check"], entry["component"], Status(entry["status"]), entry["latency_ms"],
                         entry["http_status"], entry["error"], entry.get("detail") or {}, entry["at"])
    t = entry.get("transition")
    transition = None if t is None else Transition(
        entry["check"], entry["component"], t["at"], Status(t["from"]), Status(t["to"]), t["reason"],
        t["flapping"])
    outcome = Outcome(Status(entry["state"]), transition, entry["pending"], entry["flapping"],
                      entry["consecutive_failures"])
    return result, outcome


def spool_for(engine: Engine) -> ResultSpool:
    """The spool of this data directory, for this database."""
    return ResultSpool(data_dir() / SPOOL_DIR, database_identity(engine))


def replay_spool(workspace: Workspace, on_error: Callable[[str], None]) -> ReplayReport:
    """Write what earlier stops kept in the spool for this database; say what happened."""
    spool = spool_for(workspace.engine)
    if not spool.files():
        return ReplayReport()
    report = spool.replay(workspace.sessions)
    if report.written:
        on_error(f"replayed {report.written} check results ({report.transitions} state changes) "
                 f"kept at an earlier stop, with their original times")
    if report.unknown_checks:
        on_error(f"dropped {report.unknown_checks} kept results of checks no longer in the database")
    if report.failed:
        on_error(f"kept results not replayed yet ({report.failed}); the next start tries again")
    if report.other_databases:
        on_error(f"{report.other_databases} spool file(s) in {spool.directory} belong to another database; "
                 "left for a poller on that one")
    return report
