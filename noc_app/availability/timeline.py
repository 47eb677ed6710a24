"""What the accounting hands out: nested spans of one thing's state, and a row's seconds per column.

``Levels`` keeps "at least level L" rather than "exactly L" (where was it at
least DEGRADED, at least NO_DATA, ...): the daily report lists outages off
its DOWN spans. ``Breakdown`` is one report row's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from noc_app.availability.intervals import Spans
from noc_app.availability.states import LEVELS

if TYPE_CHECKING:
    from noc_app.availability.steps import Steps


@dataclass(frozen=True)
class Levels:
    """``at_least[i]`` = spans where the state was >= ``LEVELS[i]``; each contains the next."""

    at_least: tuple[Spans, Spans, Spans, Spans]

    @classmethod
    def of(cls, steps: Steps) -> Levels:
        return cls(tuple(steps.at_least(level) for level in LEVELS))


@dataclass(frozen=True)
class Breakdown:
    """Seconds of a period in each column; they add up to ``period_s``."""

    period_s: float
    up_s: float
    degraded_s: float
    no_data_s: float
    maintenance_s: float
    down_s: float

    @property
    def measured_s(self) -> float:
        """What availability is a share of: the period without maintenance and without data gaps."""
        return self.period_s - self.maintenance_s - self.no_data_s

    @property
    def accountable_s(self) -> float:
        """The period without maintenance: what an SLA budget is a share of."""
        return self.period_s - self.maintenance_s

    @property
    def availability(self) -> float | None:
        measured = self.measured_s
        return (self.up_s + self.degraded_s) / measured if measured > 0 else None

    @property
    def worst_case(self) -> float | None:
        accountable = self.accountable_s
        return (self.up_s + self.degraded_s) / accountable if accountable > 0 else None

    def to_dict(self) -> dict:
        return {"period_s": round(self.period_s, 3), "up_s": round(self.up_s, 3),
                "degraded_s": round(self.degraded_s, 3), "no_data_s": round(self.no_data_s, 3),
                "maintenance_s": round(self.maintenance_s, 3), "down_s": round(self.down_s, 3),
                "availability": None if self.availability is None else round(self.availability, 8),
                "worst_case": None if self.worst_case is None else round(self.worst_case, 8)}
