"""Words, times and colours shared by the incident dialog and the incidents board.

Priority is always a word *and* a colour (Okabe–Ito, as the other views);
the next-update countdown is text that changes wording when overdue, so the
state never rests on colour alone.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, QTimeZone

#: P1/P2 loud, P3 blue, P4/P5 calm: the same scale as the customer-impact view.
PRIORITY_COLOURS = {"P1": "#D55E00", "P2": "#E69F00", "P3": "#0072B2", "P4": "#4a5260", "P5": "#4a5260"}
PRIORITY_TEXT = {"P1": "#FFFFFF", "P2": "#000000", "P3": "#FFFFFF", "P4": "#FFFFFF", "P5": "#FFFFFF"}
PRIORITY_WORDS = {"P1": "P1 CRITICAL", "P2": "P2 HIGH", "P3": "P3 MODERATE", "P4": "P4 LOW",
                  "P5": "P5 PLANNING"}
OVERDUE_BG, OVERDUE_FG = "#FFFFFF", "#B00020"  # inverted: white block, red bold text
SOON_S = 5 * 60  # the last five minutes before an update is due are called out
UTC = dt.timezone.utc


def priority_word(priority: str | None) -> str:
    return PRIORITY_WORDS.get(priority or "", "UNCLASSIFIED")


def clock(seconds: float) -> str:
    """5:03 or 1:02:03 — minutes:seconds for what matters in the next hour."""
    s = int(abs(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def elapsed(since: dt.datetime, now: dt.datetime) -> str:
    s = max(0, int((now - since).total_seconds()))
    d, rem = divmod(s, 86400)
    return (f"{d}d " if d else "") + clock(rem)


def update_state(due: dt.datetime | None, now: dt.datetime) -> tuple[str, str]:
    """(text, state) for the next customer update: state is none | ok | soon | overdue."""
    if due is None:
        return "no update promised", "none"
    left = (due - now).total_seconds()
    if left <= 0:
        return f"UPDATE OVERDUE {clock(-left)}", "overdue"
    return f"update due in {clock(left)}", "soon" if left <= SOON_S else "ok"


def local_text(value: dt.datetime | None) -> str:
    """A time as the operator reads it: local, with the zone, never ambiguous."""
    if value is None:
        return "—"
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def to_qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.systemTimeZone())


def from_qdatetime(value: QDateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


def __getattr__(name: str) -> str:
    """``DIALOG_STYLESHEET``: ``resources/themes/incident-dialog.qss``, read now."""
    if name == "DIALOG_STYLESHEET":
        from widgets.assets import stylesheet

        return stylesheet("incident-dialog")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
