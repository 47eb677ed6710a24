"""The words of the Atlassian Statuspage v2 API, which existing clients read."""

from __future__ import annotations

import enum


class ComponentStatus(str, enum.Enum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class IncidentStatus(str, enum.Enum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"


class MaintenanceStatus(str, enum.Enum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"


INDICATORS = ("none", "minor", "major", "critical")
IMPACTS = ("none", "minor", "major", "critical")
CLOSED_INCIDENT = frozenset({IncidentStatus.RESOLVED.value, IncidentStatus.POSTMORTEM.value})

#: The state words stored by the incident dialog before migration 0009 -> component status.
LEGACY_STATE = {"degraded": "degraded_performance", "maintenance": "under_maintenance"}

#: Worst first, for "the worst of these" (maintenance is planned, so it ranks below outages).
SEVERITY = {"major_outage": 4, "partial_outage": 3, "degraded_performance": 2,
            "under_maintenance": 1, "operational": 0}

#: An update's component status -> the incident impact it implies.
IMPACT_OF = {"major_outage": "critical", "partial_outage": "major", "degraded_performance": "minor",
             "under_maintenance": "none", "operational": "none"}

WORDS = {"operational": "Operational", "degraded_performance": "Degraded performance",
         "partial_outage": "Partial outage", "major_outage": "Major outage",
         "under_maintenance": "Under maintenance",
         "investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring",
         "resolved": "Resolved", "postmortem": "Post-mortem",
         "scheduled": "Scheduled", "in_progress": "In progress", "verifying": "Verifying",
         "completed": "Completed"}


def component_status(value: str | None) -> str:
    """A stored state (new or legacy word) as a Statuspage component status."""
    value = LEGACY_STATE.get(value or "", value or "operational")
    return value if value in SEVERITY else "operational"
