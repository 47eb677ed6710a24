"""Qt-free rules of the wall: how big its text must be, and when its data is stale.

Kept apart from the widgets so the two decisions a reviewer cares about most
(legible at 5 m, never silently frozen) are plain functions tested alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from noc_app.durations import format_duration

#: The smallest text on the wall is at least this fraction of the screen's height.
#:
#: Why 1/45: a typical wall panel is 55" (68.5 cm tall). At 1080 lines one pixel
#: is 0.63 mm, so 1080/45 = 24 px gives a 15 mm em and ~11 mm capitals, which
#: subtend ~7.5 arc-minutes at 5 m: 1.5x the 5' letter of 20/20 acuity, the usual
#: margin for short labels read at a glance. Names and status words are drawn
#: bigger whenever space allows; this is the floor. The rule is in *logical*
#: pixels of the screen, so a 4K panel (2160 lines, or 1080 at 200 % scaling)
#: gets the same physical letter size.
MIN_TEXT_FRACTION = 1 / 45
#: Below this no screen is read from across a room; keeps tiny test windows sane.
MIN_TEXT_PX = 12


def wall_text_px(screen_height_px: int) -> int:
    """Pixel size of the smallest text for a screen ``screen_height_px`` logical pixels tall."""
    return max(MIN_TEXT_PX, round(screen_height_px * MIN_TEXT_FRACTION))


#: Data older than this many poll intervals means the feed (or the poller) has stopped.
STALE_INTERVALS = 3.0
#: Never cry wolf faster than this, even with a 1 s check.
MIN_STALE_S = 15.0


def stale_threshold_for(interval_s: float | None) -> float:
    """Data age that makes the wall loud, for checks polled every ``interval_s`` seconds.

    Pass the *shortest* check interval of the topology: with many checks,
    results arrive far more often than that, so three silent intervals of the
    fastest check can only mean the feed has stopped.
    """
    if not interval_s or interval_s <= 0:
        return 3 * 10.0
    return max(MIN_STALE_S, STALE_INTERVALS * interval_s)


@dataclass(frozen=True)
class DataAge:
    age_s: float | None  # None: no data yet
    stale: bool
    text: str


class StaleWatch:
    """Decides whether the wall's data is fresh; ``check`` is called every second.

    Before the first result arrives, time counts from ``started_at``: a wall
    that never got data is as frozen as one that stopped getting it.
    """

    def __init__(self, threshold_s: float, started_at: dt.datetime):
        if threshold_s <= 0:
            raise ValueError("the stale threshold must be positive")
        self.threshold_s = threshold_s
        self.started_at = started_at

    def check(self, last_data_at: dt.datetime | None, now: dt.datetime) -> DataAge:
        if last_data_at is None:
            waited = max(0.0, (now - self.started_at).total_seconds())
            if waited > self.threshold_s:
                return DataAge(None, True, f"NO DATA FOR {format_duration(waited)}")
            return DataAge(None, False, "waiting for data…")
        age = max(0.0, (now - last_data_at).total_seconds())
        if age > self.threshold_s:
            return DataAge(age, True, f"NO DATA FOR {format_duration(age)}")
        return DataAge(age, False, f"data {age:.0f}s old")
