"""The change hint writers send and desktops wait for: ``NOTIFY noc_changes``.

Its own module so that every writer (the poller's recorder, the ack sharer)
and the database feed that listens can import it without importing each other.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

CHANNEL = "noc_changes"


def notify_changes(session: Session) -> None:
    """Hint desktops that check data changed: ``NOTIFY noc_changes``.

    Call it inside the writing transaction (PostgreSQL delivers the
    notification at COMMIT, and drops it on ROLLBACK; identical notifications
    of one transaction are folded into one). A no-op on SQLite, whose
    watchers see ``data_version`` move by themselves.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))
