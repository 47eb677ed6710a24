"""Drafts and the outbox: nothing an operator typed is lost when the app or the database goes.

* ``DraftStore`` keeps each dialog's draft as one JSON file, written
  atomically (temp file + fsync + ``os.replace``): a crash mid-write leaves
  the previous draft, never half a file.  Drafts left after a restart are
  offered for recovery; a successful save deletes the draft.
* ``Outbox`` queues service operations while the database is unreachable,
  one file per operation, and replays them in order on reconnect, stopping
  at the first failure so later edits never overtake an earlier one.

Datetimes are stored as ISO 8601 with their offset, so nothing shifts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noc_app.private_files import private_dir

_DT_TAG = "$datetime"

#: Operations the outbox may replay: the service's database writes that do
#: not talk to the outside world (sending is never replayed blindly).
REPLAYABLE = frozenset({
    "open_incident", "record", "set_affected", "classify", "assign_manager", "add_participant",
    "add_note", "add_restore_step", "restore", "status_page_update", "close", "acknowledge",
    "page_level", "record_postmortem", "mark_key_moment",
})


# -- JSON with datetimes ---------------------------------------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be saved: give it a timezone")
        return {_DT_TAG: value.isoformat()}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DT_TAG}:
            return dt.datetime.fromisoformat(value[_DT_TAG])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(_encode(value), ensure_ascii=False, indent=1)


def loads(text: str) -> Any:
    return _decode(json.loads(text))


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old or the new file, never a mix.

    The folder is created 0700 and the file is 0600 (``mkstemp``'s mode):
    drafts and queued edits are the operator's, not the machine's.
    """
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if os.name == "posix":  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _safe_name(key: str) -> str:
    if not key or not re.fullmatch(r"[A-Za-z0-9._-]{1,120}", key) or key.startswith("."):
        raise ValueError(f"draft key {key!r}: use letters, digits, '.', '_' or '-' (at most 120)")
    return key


# -- drafts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    key: str  # e.g. "incident-12" or "new-3f9c..." for an incident not yet saved
    saved_at: dt.datetime
    data: dict[str, Any]


class DraftStore:
    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{_safe_name(key)}.json"

    def save(self, key: str, data: Mapping[str, Any], *, now: dt.datetime | None = None) -> Draft:
        saved_at = now or dt.datetime.now(dt.timezone.utc)
        atomic_write(self._path(key), dumps({"key": key, "saved_at": saved_at, "data": data}))
        return Draft(key, saved_at, dict(data))

    def load(self, key: str) -> Draft | None:
        path = self._path(key)
        try:
            doc = loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return Draft(doc["key"], doc["saved_at"], doc["data"])

    def delete(self, key: str) -> None:
        """Called after a successful save: the draft is no longer needed."""
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def unsent(self) -> list[Draft]:
        """Drafts left over (e.g. after a crash), oldest first, to offer for recovery.

        A file that cannot be read is skipped, not fatal: one damaged draft
        must not hide the others.
        """
        out = []
        if not self.directory.is_dir():
            return out
        for path in sorted(self.directory.glob("*.json")):
            try:
                doc = loads(path.read_text(encoding="utf-8"))
                out.append(Draft(doc["key"], doc["saved_at"], doc["data"]))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(out, key=lambda d: (d.saved_at, d.key))


# -- outbox -------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueuedOperation:
    seq: int
    name: str
    kwargs: dict[str, Any]
    queued_at: dt.datetime


@dataclass(frozen=True)
class FlushResult:
    done: tuple[QueuedOperation, ...]
    results: tuple[Any, ...]  # what each done operation returned (IncidentChange...)
    failed: QueuedOperation | None
    error: BaseException | None
    remaining: int  # still queued, the failed one included

    @property
    def complete(self) -> bool:
        return self.failed is None


class Outbox:
    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)

    def _files(self) -> list[tuple[int, Path]]:
        if not self.directory.is_dir():
            return []
        out = []
        for path in self.directory.glob("op-*.json"):
            try:
                out.append((int(path.stem.split("-")[1]), path))
            except (IndexError, ValueError):
                continue
        return sorted(out)

    def enqueue(self, operation_name: str, kwargs: Mapping[str, Any], *,
                now: dt.datetime | None = None) -> QueuedOperation:
        if operation_name not in REPLAYABLE:
            raise ValueError(f"operation {operation_name!r} cannot be queued; queueable: "
                             + ", ".join(sorted(REPLAYABLE)))
        files = self._files()
        seq = files[-1][0] + 1 if files else 1
        op = QueuedOperation(seq, operation_name, dict(kwargs), now or dt.datetime.now(dt.timezone.utc))
        atomic_write(self.directory / f"op-{seq:09d}.json",
                     dumps({"seq": seq, "name": operation_name, "kwargs": kwargs,
                            "queued_at": op.queued_at}))
        return op

    def pending(self) -> list[QueuedOperation]:
        out = []
        for _, path in self._files():
            doc = loads(path.read_text(encoding="utf-8"))
            out.append(QueuedOperation(doc["seq"], doc["name"], doc["kwargs"], doc["queued_at"]))
        return out

    def __len__(self) -> int:
        return len(self._files())

    def flush(self, service: Any) -> FlushResult:
        """Replay queued operations in order; stop at the first failure and keep the rest.

        A failure is returned, not raised: the caller shows it (a conflict to
        merge, a still-missing database) and the queue stays intact.
        """
        done, results = [], []
        pending = self.pending()
        for i, op in enumerate(pending):
            try:
                if op.name not in REPLAYABLE:
                    raise ValueError(f"operation {op.name!r} cannot be replayed")
                result = getattr(service, op.name)(**op.kwargs)
            except Exception as exc:  # noqa: BLE001 - reported to the caller with the operation
                return FlushResult(tuple(done), tuple(results), op, exc, len(pending) - i)
            (self.directory / f"op-{op.seq:09d}.json").unlink(missing_ok=True)
            done.append(op)
            results.append(result)
        return FlushResult(tuple(done), tuple(results), None, None, 0)
