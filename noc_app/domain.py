"""Vocabulary shared by every part of the core: statuses, tiers, criticality.

Plain enums and frozen dataclasses only, so the polling engine, the status
engine, storage and the Qt layer can all speak them without importing each
other.
"""

from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """Health of a component or a check.

    OK/DEGRADED/DOWN/UNKNOWN/MAINTENANCE come from a component's own checks;
    IMPACTED is derived: OK itself, but something it depends on is not.
    """

    OK = "OK"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"
    UNKNOWN = "UNKNOWN"
    MAINTENANCE = "MAINTENANCE"
    IMPACTED = "IMPACTED"

    @property
    def is_failing(self) -> bool:
        return self in (Status.DOWN, Status.DEGRADED)


#: Worst first; used to combine several checks of one component.
SEVERITY_ORDER: tuple[Status, ...] = (
    Status.DOWN,
    Status.DEGRADED,
    Status.UNKNOWN,
    Status.IMPACTED,
    Status.MAINTENANCE,
    Status.OK,
)


def worst(statuses) -> Status:
    """The most severe of ``statuses`` (OK when there are none)."""
    ranked = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return min(statuses, key=ranked.__getitem__, default=Status.OK)


class Tier(str, enum.Enum):
    ENTERPRISE = "enterprise"
    BUSINESS = "business"
    STANDARD = "standard"
    PARTNER = "partner"


#: Default customer weight per tier; a topology's ``[tiers]`` table overrides it.
DEFAULT_TIER_WEIGHTS: dict[str, float] = {
    Tier.ENTERPRISE.value: 10.0,
    Tier.BUSINESS.value: 5.0,
    Tier.STANDARD.value: 1.0,
    Tier.PARTNER.value: 3.0,
}


class Criticality(str, enum.Enum):
    """How much it matters when a component (or a customer's use of it) fails."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class CheckKind(str, enum.Enum):
    HTTP = "http"
    TCP = "tcp"
    TLS = "tls"


class HealthFormat(str, enum.Enum):
    AUTO = "auto"
    PLAIN = "plain"
    HEALTH_JSON = "health+json"
    SPRING = "spring"
    K8S = "k8s"
    ELASTICSEARCH = "elasticsearch"


class DetectionMeans(str, enum.Enum):
    """How an incident was first noticed (recorded with it)."""

    CUSTOMER_CALL = "customer_call"
    INTERNAL_MONITORING = "internal_monitoring"
    EXTERNAL_MONITORING = "external_monitoring"
    VENDOR_CALL = "vendor_call"
    INTERNAL_STAFF = "internal_staff"
    OTHER = "other"


class Level(str, enum.Enum):
    """Impact or urgency on the ITIL scale."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: The ITIL priority matrix, (impact, urgency) -> priority; the impact engine's
#: suggestion and the incident dialog's classification both use it.
ITIL_MATRIX: dict[tuple[Level, Level], str] = {
    (Level.HIGH, Level.HIGH): "P1", (Level.HIGH, Level.MEDIUM): "P2", (Level.HIGH, Level.LOW): "P3",
    (Level.MEDIUM, Level.HIGH): "P2", (Level.MEDIUM, Level.MEDIUM): "P3", (Level.MEDIUM, Level.LOW): "P4",
    (Level.LOW, Level.HIGH): "P3", (Level.LOW, Level.MEDIUM): "P4", (Level.LOW, Level.LOW): "P5",
}
