"""The five states time is accounted in, ordered by precedence (higher wins).

When several things decide one moment (two checks of a component, the
components a customer relies on), the highest state wins: a customer with
one component DOWN and another in maintenance is down at that moment.
"""

from __future__ import annotations

import enum

from noc_app.domain import Status


class State(enum.IntEnum):
    UP = 0
    DEGRADED = 1
    NO_DATA = 2
    MAINTENANCE = 3
    DOWN = 4


#: A confirmed check status as an accounting state.
STATE_OF_STATUS: dict[str, State] = {
    Status.OK.value: State.UP,
    Status.DEGRADED.value: State.DEGRADED,
    Status.UNKNOWN.value: State.NO_DATA,
    Status.MAINTENANCE.value: State.MAINTENANCE,
    Status.DOWN.value: State.DOWN,
    Status.IMPACTED.value: State.UP,  # never a check's own state; derived views only
}

LEVELS = (State.DEGRADED, State.NO_DATA, State.MAINTENANCE, State.DOWN)
