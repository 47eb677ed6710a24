"""The validated topology: what a TOML file says, as frozen dataclasses.

The loader (``noc_app.topology.loader``) produces a ``Topology``; storage
syncs it into the database; the polling and status engines read it.
Durations are seconds (float); timestamps are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from noc_app.domain import CheckKind, Criticality, HealthFormat


@dataclass(frozen=True)
class Defaults:
    interval_s: float = 10.0
    timeout_s: float = 5.0
    retries: int = 2
    degraded_ms: float | None = None


@dataclass(frozen=True)
class JsonExpectation:
    path: str  # dotted path, e.g. "status" or "checks.db.status"
    equals: str | int | float | bool


@dataclass(frozen=True)
class CheckSpec:
    key: str  # stable id: "<component>#<index>" unless the file names it
    component_id: str
    kind: CheckKind
    interval_s: float
    timeout_s: float
    retries: int
    url: str | None = None  # http
    host: str | None = None  # tcp / tls
    port: int | None = None  # tcp / tls
    expect_status: tuple[int, ...] = (200,)
    format: HealthFormat = HealthFormat.AUTO
    degraded_ms: float | None = None
    keyword: str | None = None
    json: JsonExpectation | None = None
    # header name -> environment variable holding its value (never the value)
    headers_env: tuple[tuple[str, str], ...] = ()
    verify_tls: bool = True
    ca_bundle: str | None = None
    max_body_bytes: int = 1024 * 1024
    max_redirects: int = 5
    warn_days: int = 14  # tls: DEGRADED when the certificate expires sooner


@dataclass(frozen=True)
class ComponentSpec:
    id: str
    name: str
    group: str = ""
    team: str | None = None
    kind: str = "service"
    criticality: Criticality = Criticality.MEDIUM
    description: str = ""
    depends_on: tuple[str, ...] = ()
    checks: tuple[CheckSpec, ...] = ()


@dataclass(frozen=True)
class Usage:
    """One row of the customer-component map."""

    component_id: str
    criticality: Criticality = Criticality.HIGH


@dataclass(frozen=True)
class CustomerSpec:
    id: str
    name: str
    tier: str
    timezone: str = "UTC"
    business_hours: tuple[dt.time, dt.time] = (dt.time(9), dt.time(18))
    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    account_manager: str | None = None
    partner: bool = False
    email: str | None = None
    uses: tuple[Usage, ...] = ()


@dataclass(frozen=True)
class PersonSpec:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class TeamSpec:
    id: str
    name: str
    escalation_policy: str | None = None


@dataclass(frozen=True)
class EscalationLevel:
    delay_s: float  # after the previous level, if nobody acknowledged
    people: tuple[str, ...]


@dataclass(frozen=True)
class EscalationPolicySpec:
    id: str
    name: str
    levels: tuple[EscalationLevel, ...]
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotificationListSpec:
    id: str
    name: str
    priorities: tuple[str, ...]  # "P1".."P5" this list is notified for
    people: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    webhook_url: str | None = None


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    name: str
    audience: str  # internal | customers | partners
    kind: str  # initial | update | resolved
    subject: str
    body: str


@dataclass(frozen=True)
class MaintenanceSpec:
    id: str
    components: tuple[str, ...]
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    id: str
    summary: str
    components: tuple[str, ...]
    at: dt.datetime
    author: str = ""


@dataclass(frozen=True)
class KbArticleSpec:
    id: str
    title: str
    components: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    solution: str = ""
    script: str | None = None


@dataclass(frozen=True)
class PublicComponentSpec:
    """A ``[[status_page.component]]``: the public name over internal components."""

    id: str
    name: str
    components: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class StatusPageSpec:
    """``[status_page]``; no public components declared means one per group."""

    name: str = "Status"
    url: str | None = None
    time_zone: str = "UTC"
    components: tuple[PublicComponentSpec, ...] = ()


@dataclass(frozen=True)
class Topology:
    source: str  # file it came from, for messages
    defaults: Defaults = Defaults()
    tier_weights: dict[str, float] = field(default_factory=dict)
    components: tuple[ComponentSpec, ...] = ()
    customers: tuple[CustomerSpec, ...] = ()
    people: tuple[PersonSpec, ...] = ()
    teams: tuple[TeamSpec, ...] = ()
    escalation_policies: tuple[EscalationPolicySpec, ...] = ()
    notification_lists: tuple[NotificationListSpec, ...] = ()
    templates: tuple[TemplateSpec, ...] = ()
    maintenance: tuple[MaintenanceSpec, ...] = ()
    changes: tuple[ChangeSpec, ...] = ()
    kb_articles: tuple[KbArticleSpec, ...] = ()
    status_page: StatusPageSpec | None = None  # None: the file has no [status_page]

    def component(self, component_id: str) -> ComponentSpec:
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    @property
    def checks(self) -> tuple[CheckSpec, ...]:
        return tuple(ch for c in self.components for ch in c.checks)
