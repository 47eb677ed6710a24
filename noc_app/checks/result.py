"""The outcome of one check run: a plain frozen dataclass.

Workers hand these to the state machine, storage and (through Qt signals)
the GUI, so it carries only plain values. ``to_json_dict`` is the stable
``poll --once --json`` line shape from DESIGN.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from noc_app.domain import Status


@dataclass(frozen=True)
class CheckResult:
    check_key: str
    component_id: str
    status: Status
    latency_ms: float | None
    http_status: int | None
    error: str | None  # short human reason; None when OK
    detail: dict[str, Any] = field(default_factory=dict)
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def __post_init__(self) -> None:
        # A naive timestamp would be silently misread by every consumer
        # (storage, timeline, other pollers in other zones): refuse it early.
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("CheckResult.at must be timezone-aware")

    def to_json_dict(self) -> dict[str, Any]:
        """One ``poll --once --json`` line (see DESIGN.md, "Machine-readable output")."""
        return {
            "component": self.component_id,
            "check": self.check_key,
            "status": self.status.value,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "http_status": self.http_status,
            "error": self.error,
            "detail": self.detail,
            "at": self.at.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds"),
        }
