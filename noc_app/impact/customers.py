"""Customers as the engine sees them: tier weight, partner flag, business hours.

Business hours are evaluated per *schedule* (timezone + hours + days), not
per customer: 50,000 customers typically share a handful of schedules, so
"who is in business hours now" is a few zoneinfo conversions and one gather.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from noc_app.domain import DEFAULT_TIER_WEIGHTS, Status


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def require_aware(at: dt.datetime) -> dt.datetime:
    """``at`` as UTC; a naive datetime is refused because its meaning is a guess."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required (got a naive one)")
    return at.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class BusinessHours:
    """When a customer's people are at work, in their own timezone.

    ``start == end`` means around the clock on business days.  When ``end`` is
    earlier than ``start`` the shift crosses midnight and belongs to the day it
    started on: 22:00-06:00 on Fridays covers Saturday 03:00, not Monday 03:00.
    """

    timezone: str = "UTC"
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(18)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0

    def __post_init__(self) -> None:
        _zone(self.timezone)  # fail early on an unknown zone name

    def contains(self, at: dt.datetime) -> bool:
        local = require_aware(at).astimezone(_zone(self.timezone))
        now = local.time().replace(tzinfo=None)
        weekday = local.weekday()
        if self.start == self.end:
            return weekday in self.days
        if self.start < self.end:
            return weekday in self.days and self.start <= now < self.end
        if now >= self.start:
            return weekday in self.days
        if now < self.end:
            return (weekday - 1) % 7 in self.days
        return False


@dataclass(frozen=True)
class CustomerImpact:
    """One hurt customer, ready for a view, a notification list or JSON."""

    id: str
    name: str
    tier: str
    weight: float
    partner: bool
    severity: Status  # DOWN or DEGRADED: the worst of what reaches them
    components: tuple[str, ...]  # components they use that are failing or IMPACTED
    in_business_hours: bool


class CustomerTable:
    """Column arrays over customers 0..k-1 (in the order given)."""

    def __init__(self, ids: Sequence[str], tiers: Sequence[str], *,
                 names: Sequence[str] | None = None,
                 tier_weights: dict[str, float] | None = None,
                 partner: Sequence[bool] | np.ndarray | None = None,
                 schedules: Sequence[BusinessHours] = (BusinessHours(),),
                 schedule_of: Sequence[int] | np.ndarray | None = None) -> None:
        self.ids: tuple[str, ...] = tuple(ids)
        k = len(self.ids)
        self.index: dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        if len(self.index) != k:
            raise ValueError("duplicate customer id")
        self.names: tuple[str, ...] = tuple(names) if names is not None else self.ids
        weights = {**DEFAULT_TIER_WEIGHTS, **(tier_weights or {})}
        # Tiers ordered heaviest first: that is the order people read totals in.
        self.tier_names: tuple[str, ...] = tuple(
            sorted(set(tiers), key=lambda t: (-weights.get(t, 1.0), t)))
        self.tier_weight = np.array([weights.get(t, 1.0) for t in self.tier_names])
        position = {t: i for i, t in enumerate(self.tier_names)}
        self.tier_of = np.fromiter((position[t] for t in tiers), dtype=np.int32, count=k)
        self.weight = self.tier_weight[self.tier_of] if k else np.zeros(0)
        self.total_weight = float(self.weight.sum())
        self.partner = (np.zeros(k, dtype=bool) if partner is None
                        else np.asarray(partner, dtype=bool))
        self.schedules: tuple[BusinessHours, ...] = tuple(schedules)
        self.schedule_of = (np.zeros(k, dtype=np.int32) if schedule_of is None
                            else np.asarray(schedule_of, dtype=np.int32))
        if len(self.names) != k or self.partner.shape != (k,) or self.schedule_of.shape != (k,):
            raise ValueError("customer columns must all have one entry per customer")
        if k and (self.schedule_of.min() < 0 or self.schedule_of.max() >= len(self.schedules)):
            raise ValueError("customer schedule index out of range")

    def __len__(self) -> int:
        return len(self.ids)

    def in_business_hours(self, at: dt.datetime) -> np.ndarray:
        """Bool per customer: inside its own business hours at ``at``."""
        per_schedule = np.fromiter((s.contains(at) for s in self.schedules), dtype=bool,
                                   count=len(self.schedules))
        return per_schedule[self.schedule_of]
