"""The status rule and the page indicator (printed in the README; keep them in step).

A public component's status is the latest update posted for it in a public
incident that is still open; else the rollup of its measured internal
components: all DOWN -> major_outage, some DOWN -> partial_outage, any
DEGRADED -> degraded_performance, any MAINTENANCE -> under_maintenance,
else operational (UNKNOWN and unmeasured components do not count).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from noc_app.statuspage.model import PageStatus
from noc_app.statuspage.vocabulary import IMPACTS, SEVERITY

INDICATOR_WORDS = {"none": "All Systems Operational", "minor": "Minor Service Outage",
                   "major": "Partial System Outage", "critical": "Major System Outage"}
INDICATOR_OF = {"major_outage": "critical", "partial_outage": "major", "degraded_performance": "minor",
                "under_maintenance": "none", "operational": "none"}


def rollup(own_statuses: Iterable[str]) -> str:
    """Internal own statuses (OK, DEGRADED, DOWN, MAINTENANCE, UNKNOWN) -> a component status."""
    known = [s for s in own_statuses if s != "UNKNOWN"]
    down = sum(1 for s in known if s == "DOWN")
    if known and down == len(known):
        return "major_outage"
    if down:
        return "partial_outage"
    if "DEGRADED" in known:
        return "degraded_performance"
    if "MAINTENANCE" in known:
        return "under_maintenance"
    return "operational"


#: ``rollup_codes``' answers, by index; -1 is no data (no member measured).
ROLLUP_WORDS = ("operational", "degraded_performance", "under_maintenance", "partial_outage", "major_outage")


def rollup_codes(down: np.ndarray, degraded: np.ndarray, maintenance: np.ndarray, known: np.ndarray
                 ) -> np.ndarray:
    """``rollup`` from counts of member components, for many moments at once (the uptime bars' pieces):
    indices in ROLLUP_WORDS, -1 where no member was known."""
    code = np.where(maintenance > 0, 2, 0)
    code = np.where(degraded > 0, 1, code)  # the rule's order: degraded is named before maintenance
    code = np.where(down > 0, 3, code)
    code = np.where((known > 0) & (down == known), 4, code)
    return np.where(known > 0, code, -1)


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=lambda s: SEVERITY.get(s, 0), default="operational")


def page_status(component_statuses: Iterable[str], open_impacts: Iterable[str]) -> PageStatus:
    """The worst of the components' statuses and the open incidents' impacts."""
    statuses = list(component_statuses)
    rank = {v: i for i, v in enumerate(IMPACTS)}
    levels = [INDICATOR_OF[s] for s in statuses] + list(open_impacts)
    indicator = max(levels, key=lambda v: rank.get(v, 0), default="none")
    if indicator == "none" and "under_maintenance" in statuses:
        return PageStatus("none", "Scheduled maintenance in progress")
    return PageStatus(indicator, INDICATOR_WORDS[indicator])
