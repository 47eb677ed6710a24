"""Statuses as small integers, so per-component state fits in numpy arrays."""

from __future__ import annotations

from noc_app.domain import Status

OK, MAINTENANCE, UNKNOWN, IMPACTED, DEGRADED, DOWN = range(6)

STATUS_BY_CODE: tuple[Status, ...] = (
    Status.OK, Status.MAINTENANCE, Status.UNKNOWN, Status.IMPACTED, Status.DEGRADED, Status.DOWN,
)
CODE_BY_STATUS: dict[Status, int] = {s: i for i, s in enumerate(STATUS_BY_CODE)}

#: Severity reaching a customer: nothing, degraded service, no service.
SEVERITY_NONE, SEVERITY_DEGRADED, SEVERITY_DOWN = 0, 1, 2


def own_status_code(status: Status | str) -> int:
    """Code for a component's *own* status; IMPACTED is derived, never an input."""
    status = Status(status)
    if status is Status.IMPACTED:
        raise ValueError("IMPACTED is derived from dependencies; give the component's own status")
    return CODE_BY_STATUS[status]
