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
    # environment variable holding "user:password" for HTTP basic auth (never the value)
    basic_auth_env: str | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    max_body_bytes: int = 1024 * 1024
    max_redirects: int = 5
    warn_days: int = 14  # tls: DEGRADED when the certificate expires sooner
    # (user, password) the file wrote into ``url``, which shows "***" instead.
    # Memory only: never stored, printed or compared (see SECRET_FIELDS).
    url_credentials: tuple[str, str] | None = field(default=None, repr=False, compare=False)


#: CheckSpec fields that must never leave the process (storage skips them).
SECRET_FIELDS = frozenset({"url_credentials"})


@dataclass(frozen=True)
class RedundancyGroup:
    """Members that stand in for each other: the dependent needs ``need`` of them healthy.

    ``id`` is set when the group was named once under ``[[redundancy]]`` and
    reused by that id; inline ``{ any_of = [...] }`` groups have none.
    """

    members: tuple[str, ...]
    need: int = 1
    id: str | None = None

    @property
    def spare(self) -> int:
        """How many members may be lost before the dependents are impacted."""
        return len(self.members) - self.need

    @property
    def label(self) -> str:
        return self.id or f"any {self.need} of " + " / ".join(self.members)


@dataclass(frozen=True)
class ComponentSpec:
    id: str
    name: str
    group: str = ""
    team: str | None = None
    kind: str = "service"
    criticality: Criticality = Criticality.MEDIUM
    description: str = ""
    # Every dependency id, plain ones first, then the members of redundancy
    # groups (so graph walks, layouts and correlation see every edge); which of
    # them are soft is said by ``redundancy``.
    depends_on: tuple[str, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    redundancy: tuple[RedundancyGroup, ...] = ()

    @property
    def hard_depends_on(self) -> tuple[str, ...]:
        """Plain dependencies: any one of them failing impacts this component."""
        if not self.redundancy:
            return self.depends_on
        soft = {m for g in self.redundancy for m in g.members}
        return tuple(d for d in self.depends_on if d not in soft)


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
    sla: float | None = None  # availability target, 0.999 for "99.9%"; else the tier's


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
    sla_by_tier: dict[str, float] = field(default_factory=dict)  # tier -> availability target

    def sla_of(self, customer: CustomerSpec) -> float | None:
        """A customer's own SLA target, else its tier's, else none."""
        return customer.sla if customer.sla is not None else self.sla_by_tier.get(customer.tier)

    def component(self, component_id: str) -> ComponentSpec:
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    @property
    def checks(self) -> tuple[CheckSpec, ...]:
        return tuple(ch for c in self.components for ch in c.checks)
