"""Per-check confirmation, flap detection and maintenance: raw results in, confirmed states out.

Pure and single-threaded (the scheduler serialises calls per check), so it is
tested with plain sequences of results and no clock.

Rules:
- A new state is *confirmed* after ``retries + 1`` consecutive results of its
  class (failing = DOWN/DEGRADED, OK, UNKNOWN). While a change is pending the
  scheduler re-checks quickly, so an outage is confirmed in seconds rather
  than intervals, and a recovery the same way.
- A recovery needs fewer: ``recovery_confirmations`` OK results (default 2:
  the first OK and one quick re-check), so the all-clear comes within a
  second of the first OK instead of after the whole failure confirmation.
  A resolution is never held back for longer than that.
- The first result of a check is accepted at once: there is nothing to
  confirm a change against.
- Within the failing class, DOWN <-> DEGRADED moves at once (the outage is
  already confirmed; only its severity changed).
- Flapping, Nagios-style: the weighted percentage of state changes over the
  last ``window`` raw results; above ``flap_high`` a check is marked flapping,
  below ``flap_low`` it is cleared. A flapping check keeps being recorded, but
  its transitions carry ``flapping=True`` so alerting can stay quiet.
- In a maintenance window the confirmed state is MAINTENANCE; leaving the
  window accepts the next result at once.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

from noc_app.checks.result import CheckResult
from noc_app.domain import Status


@dataclass(frozen=True)
class Transition:
    check_key: str
    component_id: str
    at: dt.datetime
    from_status: Status
    to_status: Status
    reason: str | None
    flapping: bool


@dataclass(frozen=True)
class Outcome:
    """What one raw result did to its check."""

    status: Status  # confirmed status after this result
    transition: Transition | None
    pending: bool  # a change awaits confirmation: re-check soon
    flapping: bool
    consecutive_failures: int


def status_class(status: Status) -> str:
    return "failing" if status.is_failing else status.value


class CheckStateMachine:
    def __init__(self, check_key: str, component_id: str, retries: int,
                 window: int = 21, flap_low: float = 25.0, flap_high: float = 50.0,
                 recovery_confirmations: int = 2):
        self.check_key = check_key
        self.component_id = component_id
        self.retries = retries
        self.recovery_confirmations = max(1, recovery_confirmations)
        self.status = Status.UNKNOWN
        self.since: dt.datetime | None = None
        self.flapping = False
        self.consecutive_failures = 0
        self._fresh = True  # no result accepted yet (or just left maintenance)
        self._pending_class: str | None = None
        self._pending_count = 0
        self._history: deque[str] = deque(maxlen=window)
        self._flap_low = flap_low
        self._flap_high = flap_high

    def seed(self, status: Status, since: dt.datetime | None) -> None:
        """Continue from a confirmed state another poller recorded (lease takeover)."""
        self.status = status
        self.since = since
        self._fresh = status in (Status.UNKNOWN, Status.MAINTENANCE)

    def feed(self, result: CheckResult, in_maintenance: bool = False) -> Outcome:
        self.consecutive_failures = self.consecutive_failures + 1 if result.status.is_failing else 0
        self._history.append(status_class(result.status))
        self._update_flapping()

        if in_maintenance:
            return self._settle(result, Status.MAINTENANCE)
        if self.status == Status.MAINTENANCE or self._fresh:
            return self._settle(result, result.status)

        new_class = status_class(result.status)
        if new_class == status_class(self.status):
            self._pending_class, self._pending_count = None, 0
            if result.status != self.status:  # DOWN <-> DEGRADED
                return self._settle(result, result.status)
            return self._outcome(None)

        if new_class == self._pending_class:
            self._pending_count += 1
        else:
            self._pending_class, self._pending_count = new_class, 1
        if self._pending_count >= self._needed(new_class):
            return self._settle(result, result.status)
        return self._outcome(None, pending=True)

    def _needed(self, new_class: str) -> int:
        """Consecutive results that confirm a change into ``new_class``."""
        if new_class == Status.OK.value and self.status.is_failing:
            return min(self.retries + 1, self.recovery_confirmations)
        return self.retries + 1

    def percent_state_change(self) -> float:
        """Weighted share of changes between consecutive results (newest weigh most)."""
        history = list(self._history)
        if len(history) < 2:
            return 0.0
        n = len(history) - 1
        total = weighted = 0.0
        for i in range(n):
            weight = 0.8 + 0.4 * i / max(n - 1, 1)  # 0.8 oldest .. 1.2 newest
            total += weight
            if history[i] != history[i + 1]:
                weighted += weight
        return 100.0 * weighted / total

    def _update_flapping(self) -> None:
        if len(self._history) < self._history.maxlen // 2:
            return  # too little history to call it flapping
        if self._history.count(self._history[-1]) == len(self._history):
            # No change in the whole window (nearly every check, nearly always): 0 %,
            # without the weighted walk over it on every result.
            self.flapping = False
            return
        pct = self.percent_state_change()
        if not self.flapping and pct > self._flap_high:
            self.flapping = True
        elif self.flapping and pct < self._flap_low:
            self.flapping = False

    def _settle(self, result: CheckResult, status: Status) -> Outcome:
        self._fresh = status == Status.MAINTENANCE
        self._pending_class, self._pending_count = None, 0
        if status == self.status:
            return self._outcome(None)
        transition = Transition(
            check_key=self.check_key,
            component_id=self.component_id,
            at=result.at,
            from_status=self.status,
            to_status=status,
            reason=result.error if status != Status.MAINTENANCE else "maintenance window",
            flapping=self.flapping,
        )
        self.status = status
        self.since = result.at
        return self._outcome(transition)

    def _outcome(self, transition: Transition | None, pending: bool = False) -> Outcome:
        return Outcome(self.status, transition, pending, self.flapping, self.consecutive_failures)
