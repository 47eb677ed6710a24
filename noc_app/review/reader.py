"""``open_bundle``: a review file opened read-only and immutable, checked before anything is shown.

Opened with ``?mode=ro&immutable=1``: SQLite then never writes, never takes a
lock and never creates a journal beside the file, so the bytes a reviewer
received are the bytes that stay on disk (a test hashes them before and after
a review session). Every refusal is a ``BundleError`` with one line saying
what is wrong with which file and what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import numpy as np

from noc_app.incidents.values import TimelineEntry
from noc_app.domain import CheckKind, Criticality
from noc_app.review.format import APPLICATION_ID, FORMAT_VERSION, MAGIC, BundleError, content_sha256
from noc_app.topology.model import (CheckSpec, ComponentSpec, CustomerSpec, MaintenanceSpec, PersonSpec,
                                    RedundancyGroup, Topology, Usage)

UTC = dt.timezone.utc


def parse_time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# The incident service's own type: importing it no longer loads the service (lazy package).
TimelineEvent = TimelineEntry


@dataclass(frozen=True)
class Samples:
    """One check's raw samples over the window, as arrays (epoch seconds, status code, ms, HTTP)."""

    at: np.ndarray
    status: np.ndarray
    latency: np.ndarray
    http: np.ndarray
    errors: dict[int, str]


def open_bundle(path: str | Path) -> Bundle:
    path = Path(path)
    if not path.is_file():
        raise BundleError(f"{path}: no such file; give the path of a bundle written by `main.py bundle`")
    _check_header(path)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        # Not tied to one thread: a workstation loads a bundle in a worker and shows it on the GUI thread.
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise BundleError(f"{path}: cannot be opened ({exc}); check the file's permissions") from None
    try:
        manifest = _manifest(conn, path)
        _check_version(manifest, path)
        try:
            digest = content_sha256(conn)
        except sqlite3.DatabaseError as exc:
            raise BundleError(f"{path}: the bundle is damaged ({exc}); copy it again from its source") from None
        if digest != manifest.get("content_sha256"):
            raise BundleError(f"{path}: checksum mismatch — the bundle was modified or damaged after it was "
                              "written; copy it again or write a new one with `main.py bundle`")
        return Bundle(path, conn, manifest)
    except BaseException:
        conn.close()
        raise


def _check_header(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(MAGIC):
        raise BundleError(f"{path}: not a Vigil NOC bundle (not an SQLite file); "
                          "write one with `main.py bundle INCIDENT_ID --out FILE`")
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise BundleError(f"{path}: an SQLite file but not a Vigil NOC bundle (a live database?); "
                          "write a bundle with `main.py bundle INCIDENT_ID --out FILE`")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    size = path.stat().st_size
    if size < page_size * pages:
        raise BundleError(f"{path}: truncated ({size:,} of {page_size * pages:,} bytes); "
                          "the copy was cut short, copy it again")


def _manifest(conn: sqlite3.Connection, path: Path) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM manifest"))
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise BundleError(f"{path}: not a Vigil NOC bundle (no manifest)") from None
        raise BundleError(f"{path}: the bundle is damaged ({exc}); copy it again from its source") from None


def _check_version(manifest: dict[str, str], path: Path) -> None:
    try:
        version = int(manifest["format_version"])
    except (KeyError, ValueError):
        raise BundleError(f"{path}: not a Vigil NOC bundle (its manifest has no format version)") from None
    if version > FORMAT_VERSION:
        made_by = manifest.get("app_version", "a newer version")
        raise BundleError(f"{path}: bundle format {version} is newer than this Vigil NOC reads "
                          f"(format {FORMAT_VERSION}); open it with Vigil NOC {made_by} or later")


class Bundle:
    """A verified bundle; read-only accessors over its tables."""

    def __init__(self, path: Path, conn: sqlite3.Connection, manifest: dict[str, str]):
        self.path = path
        self._conn = conn
        self.manifest = manifest
        self.incident_id = int(manifest["incident_id"])
        self.window_start = parse_time(manifest["window_start"])
        self.window_end = parse_time(manifest["window_end"])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _rows(self, sql: str, *args):
        return self._conn.execute(sql, args).fetchall()

    # -- the incident -----------------------------------------------------
    @cached_property
    def incident(self) -> dict:
        (data,), = self._rows("SELECT data FROM incident")
        return json.loads(data)

    @cached_property
    def timeline(self) -> list[TimelineEvent]:
        return [TimelineEvent(id=i, incident_id=self.incident_id, at=parse_time(at), author=author or "",
                              kind=kind or "", summary=summary or "", data=json.loads(data) if data else {})
                for i, at, author, kind, summary, data in self._rows(
                    "SELECT id, at, author, kind, summary, data FROM timeline ORDER BY at, id")]

    def table(self, name: str) -> list[dict]:
        """Rows of a context table (notifications, escalation_pages, follow_ups, status_page,
        changes, kb_articles) as dicts, timestamps as text."""
        cursor = self._conn.execute(f"SELECT * FROM {name} ORDER BY rowid")  # noqa: S608 - caller names
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor]

    # -- the topology as it was -------------------------------------------
    @cached_property
    def topology(self) -> Topology:
        # As ``noc_app.storage.readers.read_topology`` rebuilds them: plain dependencies first, then
        # the members of redundancy groups (a group left with one member is a plain dependency).
        depends: dict[str, list[str]] = {}
        members: dict[tuple[str, int], list[str]] = {}
        for a, b, group in self._rows(
                "SELECT component_id, depends_on_id, group_position FROM dependencies ORDER BY rowid"):
            if group is None:
                depends.setdefault(a, []).append(b)
            else:
                members.setdefault((a, group), []).append(b)
        redundancy: dict[str, list[RedundancyGroup]] = {}
        for cid, position, need, name in self._rows(
                "SELECT component_id, position, need, name FROM redundancy_groups ORDER BY component_id, position"):
            group = members.get((cid, position), [])
            if len(group) >= 2:
                redundancy.setdefault(cid, []).append(RedundancyGroup(tuple(group), min(need, len(group)), name))
            else:
                depends.setdefault(cid, []).extend(group)
        for cid, groups in redundancy.items():
            depends.setdefault(cid, []).extend(m for g in groups for m in g.members)
        checks: dict[str, list[CheckSpec]] = {}
        for key, cid, kind, target, interval in self._rows(
                "SELECT key, component_id, kind, target, interval_s FROM checks ORDER BY key"):
            checks.setdefault(cid, []).append(CheckSpec(
                key=key, component_id=cid, kind=CheckKind(kind), interval_s=interval or 10.0,
                timeout_s=5.0, retries=2, url=target))
        uses: dict[str, list[Usage]] = {}
        for cust, comp, crit in self._rows(
                "SELECT customer_id, component_id, criticality FROM customer_components ORDER BY rowid"):
            uses.setdefault(cust, []).append(Usage(comp, Criticality(crit)))
        components = tuple(
            ComponentSpec(id=cid, name=name, group=group or "", team=team, kind=kind or "service",
                          criticality=Criticality(crit or "medium"), description=desc or "",
                          depends_on=tuple(depends.get(cid, ())), checks=tuple(checks.get(cid, ())),
                          redundancy=tuple(redundancy.get(cid, ())))
            for cid, name, group, team, kind, crit, desc, _near in self._rows(
                "SELECT * FROM components ORDER BY id"))
        customers = tuple(
            CustomerSpec(id=cid, name=name, tier=tier, timezone=tz or "UTC",
                         business_hours=(dt.time.fromisoformat(start), dt.time.fromisoformat(end)),
                         business_days=tuple(int(d) for d in (days or "").split(",") if d),
                         account_manager=manager, partner=bool(partner), uses=tuple(uses.get(cid, ())))
            for cid, name, tier, tz, start, end, days, manager, partner in self._rows(
                "SELECT * FROM customers ORDER BY id"))
        maintenance = tuple(
            MaintenanceSpec(wid, tuple(json.loads(comps)), parse_time(start), parse_time(end), reason or "")
            for wid, start, end, reason, comps in self._rows("SELECT * FROM maintenance ORDER BY id"))
        return Topology(
            source=f"bundle {self.path.name}",
            tier_weights=dict(self._rows("SELECT name, weight FROM tiers")),
            components=components, customers=customers, maintenance=maintenance,
            people=tuple(PersonSpec(pid, name, team=team) for pid, name, team in self._rows(
                "SELECT id, name, team_id FROM people ORDER BY id")))

    @cached_property
    def neighbourhood(self) -> frozenset[str]:
        return frozenset(r[0] for r in self._rows("SELECT id FROM components WHERE neighbourhood = 1"))

    # -- what the checks saw ----------------------------------------------
    def initial_states(self) -> list[tuple[str, str, dt.datetime | None, str | None]]:
        return [(key, status, parse_time(since), reason) for key, status, since, reason in self._rows(
            "SELECT check_key, status, since, reason FROM initial_states ORDER BY check_key")]

    def transitions(self) -> list[tuple]:
        """(id, check_key, component_id, at, from, to, reason, flapping), oldest first."""
        return [(i, key, cid, parse_time(at), a, b, reason, bool(flap)) for i, key, cid, at, a, b, reason, flap
                in self._rows("SELECT * FROM transitions ORDER BY at, id")]

    def samples(self, check_key: str) -> Samples | None:
        rows = self._rows("SELECT at, status, latency, http, errors FROM series WHERE check_key = ?", check_key)
        if not rows:
            return None
        at, status, latency, http, errors = rows[0]
        return Samples(np.frombuffer(at, "<f8"), np.frombuffer(status, "<i1"), np.frombuffer(latency, "<f4"),
                       np.frombuffer(http, "<i2"), {i: e for i, e in json.loads(errors or "[]")})

    def sampled_checks(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT check_key FROM series ORDER BY check_key")]
