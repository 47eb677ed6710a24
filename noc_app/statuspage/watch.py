"""``statuspage --watch``: rewrite the page when the database hints at a change.

The same change hints the desktops wait for (LISTEN/NOTIFY on PostgreSQL,
``data_version`` on SQLite, see ``noc_app.live.db_source``): a change shows
within a second or two, well inside 5 s. On SQLite the hint is a poll, and
its period is latency added to every rewrite: the desktops' 250 ms becomes
``HINT_POLL_S`` here (a ``PRAGMA data_version`` costs microseconds). Rewrites are at most one per
``min_interval_s``, and one every ``refresh_s`` anyway, for what changes
with the clock alone (a maintenance window starting, "Last updated").
A lost database is one line and a retry, never the end of the loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from noc_app.statuspage.publisher import Published, StatusPagePublisher

HINT_POLL_S = 0.05


def change_hints(engine):
    """The change watcher for ``engine``: ``watcher_for``'s, SQLite's polled every ``HINT_POLL_S``."""
    from noc_app.live.db_source import SqliteChangeWatcher, watcher_for

    watcher = watcher_for(engine)
    if isinstance(watcher, SqliteChangeWatcher):  # not connected yet: nothing to close
        return SqliteChangeWatcher(engine.url.database, interval_s=HINT_POLL_S)
    return watcher


def watch(publisher: StatusPagePublisher, watcher, stop: threading.Event,
          on_published: Callable[[Published], None], on_problem: Callable[[str], None],
          min_interval_s: float = 1.0, refresh_s: float = 30.0, wait_s: float = 0.5,
          retry_s: float = 2.0) -> None:
    last = float("-inf")
    due = True  # the first page at once
    failing = False
    started = False
    try:
        while not stop.is_set():
            try:
                if not started:
                    watcher.start()  # hints first, then the read: nothing slips between them
                    started, due = True, True
                if not due:
                    due = watcher.wait(wait_s) or watcher.take_resync() or time.monotonic() - last >= refresh_s
                    if not due:
                        continue
                pause = last + min_interval_s - time.monotonic()
                if pause > 0 and stop.wait(pause):
                    break
                last = time.monotonic()
                result = publisher.publish()
                last = result.started  # the next one starts at least min_interval_s after this one did
            except Exception as exc:  # noqa: BLE001 - the loop outlives any database error
                if not failing:
                    on_problem(f"status page not updated: {_one_line(exc)}; retrying")
                failing, started = True, False
                stop.wait(retry_s)
                continue
            failing, due = False, False
            on_published(result)
    finally:
        watcher.close()


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}"[:200] if text else type(exc).__name__
