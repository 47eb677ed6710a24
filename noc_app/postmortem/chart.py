"""The incident's latency/availability chart: data from the app's history reader, drawing by Qt.

The core loads the histories (``noc_app.live.history.load_window``, the
same reader as the component detail view's) of the cause and the other linked components
over the incident window; the Qt layer draws them in the component detail
view's colours and drawing rules with QPainter on a QImage, and hands back a
PNG (``widgets/postmortem/chart_image.py``, installed by ``main.py``
through ``install``; the renderer may be called on any thread).  Without
that renderer (the core used alone) the report says the chart is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy and the history reader (numpy) load only when a chart is drawn:
    # main.py installs the renderer here at every command's start, which must stay cheap.
    from sqlalchemy.orm import Session

    from noc_app.live.history import History


MAX_COMPONENTS = 4  # cause first; more would make a chart nobody reads
MARGIN = dt.timedelta(minutes=15)  # before impact started and after restored


@dataclass(frozen=True, eq=False)
class ChartRequest:
    start: dt.datetime  # the x range drawn
    end: dt.datetime
    histories: tuple["History", ...]
    roles: tuple[str, ...]  # per history: cause | symptom | affected
    marks: tuple[tuple[dt.datetime, str], ...]  # vertical lines: impact started, detected, restored
    omitted: int = 0  # linked components left out (over MAX_COMPONENTS)


ChartRenderer = Callable[[ChartRequest], bytes]
_renderer: ChartRenderer | None = None


def install(renderer: ChartRenderer | None) -> None:
    global _renderer
    _renderer = renderer


def renderer() -> ChartRenderer | None:
    return _renderer


def chart_request(session: Session, components, impact_started: dt.datetime,
                  detected: dt.datetime | None, restored: dt.datetime | None,
                  now: dt.datetime) -> ChartRequest:
    """``components``: (id, role) pairs, cause first."""
    end = min((restored or now) + MARGIN, now)
    start = impact_started - MARGIN
    end = max(end, start + dt.timedelta(minutes=5))
    from noc_app.live.history import load_window

    picked = list(components)[:MAX_COMPONENTS]
    histories = tuple(load_window(session, cid, start, end, max_points=700) for cid, _ in picked)
    marks = [(impact_started, "impact started")]
    if detected is not None and detected != impact_started:
        marks.append((detected, "detected"))
    if restored is not None:
        marks.append((restored, "restored"))
    return ChartRequest(start, end, histories, tuple(role for _, role in picked), tuple(marks),
                        omitted=max(0, len(list(components)) - MAX_COMPONENTS))


def draw(request: ChartRequest) -> bytes | None:
    """The chart as PNG bytes, or None when no Qt renderer is installed."""
    return _renderer(request) if _renderer is not None and request.histories else None
