"""Pydantic schema of the topology TOML file: shapes, types and value rules.

Cross-references (dangling ids, duplicates, cycles) are checked afterwards in
``references.py``; this module only knows about one table at a time.
Unknown keys are refused everywhere: a typo must not silently do nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
import zoneinfo
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from noc_app.domain import CheckKind, Criticality, HealthFormat
from noc_app.durations import parse_duration

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_SLA_RE = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f'"{value}" is not a valid id; use lowercase letters, digits, "-", "_" '
            "and \".\", starting with a letter or digit"
        )
    return value


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f'"{value}" is not an http(s) URL; write e.g. "https://host:8443/health"')
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError(f'"{value}" has an invalid port') from None
    return value


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'unknown timezone "{value}"; use an IANA name like "Europe/Paris" or "UTC"'
        ) from None
    return value


def _parse_hours(value: str) -> tuple[dt.time, dt.time]:
    match = _HOURS_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'"{value}" is not a span of hours; write e.g. "09:00-18:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        return dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        raise ValueError(f'"{value}" has an impossible time of day') from None


def _check_weekday(value: str) -> str:
    if value.lower() not in _WEEKDAYS:
        raise ValueError(f'"{value}" is not a weekday; use mon, tue, wed, thu, fri, sat or sun')
    return value.lower()


def parse_sla_target(value: str) -> float:
    """``"99.9%"`` -> 0.999 (also used by the availability reports)."""
    match = _SLA_RE.match(value) if isinstance(value, str) else None
    if not match or not 0 < float(match.group(1)) < 100:
        raise ValueError(f'"{value}" is not an SLA target; write a percentage below 100, e.g. "99.9%"')
    return float(Decimal(match.group(1)) / 100)  # decimal: "99.9%" is 0.999, not 0.9990000000000001


def _check_aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("give the time with its offset, e.g. 2026-11-24T02:00:00Z")
    return value.astimezone(dt.timezone.utc)


Id = Annotated[str, AfterValidator(_check_id)]
Duration = Annotated[float, BeforeValidator(parse_duration)]
Url = Annotated[str, AfterValidator(_check_url)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
BusinessHours = Annotated[tuple[dt.time, dt.time], BeforeValidator(_parse_hours)]
Weekday = Annotated[str, AfterValidator(_check_weekday)]
SlaTarget = Annotated[float, BeforeValidator(parse_sla_target)]
AwareDatetime = Annotated[dt.datetime, AfterValidator(_check_aware)]
Priority = Literal["P1", "P2", "P3", "P4", "P5"]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DefaultsTable(_Table):
    interval: Duration = 10.0
    timeout: Duration = 5.0
    retries: int = Field(2, ge=0, le=10)
    degraded_ms: float | None = Field(None, gt=0)


class JsonTable(_Table):
    path: str = Field(min_length=1)
    equals: str | int | float | bool


class CheckTable(_Table):
    kind: CheckKind = CheckKind.HTTP
    name: str | None = None
    url: Url | None = None
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    expect_status: list[Annotated[int, Field(ge=100, le=599)]] = [200]
    format: HealthFormat = HealthFormat.AUTO
    degraded_ms: float | None = Field(None, gt=0)
    keyword: str | None = None
    json_: JsonTable | None = Field(None, alias="json")
    interval: Duration | None = None
    timeout: Duration | None = None
    retries: int | None = Field(None, ge=0, le=10)
    headers_env: dict[str, str] = {}
    verify_tls: bool = True
    ca_bundle: str | None = None
    max_body_bytes: int = Field(1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0, le=30)
    warn_days: int = Field(14, ge=0)


class ComponentTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    group: str = ""
    team: str | None = None
    kind: str = "service"
    criticality: Criticality = Criticality.MEDIUM
    description: str = ""
    depends_on: list[str] = []
    check: list[CheckTable] = []


class UsageTable(_Table):
    component: str
    criticality: Criticality = Criticality.HIGH


class CustomerTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    tier: str = Field(min_length=1)
    timezone: TimeZoneName = "UTC"
    business_hours: BusinessHours = (dt.time(9), dt.time(18))
    business_days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    account_manager: str | None = None
    partner: bool = False
    email: str | None = None
    uses: list[str | UsageTable] = []
    sla: SlaTarget | None = None  # "99.9%"; overrides the tier's [sla] target


class TeamTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    escalation_policy: str | None = None


class PersonTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    email: str | None = None
    phone: str | None = None
    team: str | None = None


class EscalationLevelTable(_Table):
    delay: Duration = 0.0
    people: list[str] = Field(min_length=1)


class EscalationPolicyTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    components: list[str] = []
    level: list[EscalationLevelTable] = Field(min_length=1)


class NotificationListTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    priorities: list[Priority] = Field(min_length=1)
    people: list[str] = []
    emails: list[str] = []
    webhook_url: Url | None = None


class TemplateTable(_Table):
    id: Id
    name: str = Field(min_length=1)
    audience: Literal["internal", "customers", "partners"]
    kind: Literal["initial", "update", "resolved"]
    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)


class MaintenanceTable(_Table):
    id: Id
    components: list[str] = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime
    reason: str = ""


class ChangeTable(_Table):
    id: Id
    summary: str = Field(min_length=1)
    components: list[str] = []
    at: AwareDatetime
    author: str = ""


class KbTable(_Table):
    id: Id
    title: str = Field(min_length=1)
    components: list[str] = []
    symptoms: list[str] = []
    solution: str = ""
    script: str | None = None


class TopologyFile(_Table):
    defaults: DefaultsTable = DefaultsTable()
    tiers: dict[str, Annotated[float, Field(gt=0)]] = {}
    sla: dict[str, SlaTarget] = {}  # tier -> "99.9%"
    team: list[TeamTable] = []
    person: list[PersonTable] = []
    escalation_policy: list[EscalationPolicyTable] = []
    notification_list: list[NotificationListTable] = []
    template: list[TemplateTable] = []
    component: list[ComponentTable] = []
    customer: list[CustomerTable] = []
    maintenance: list[MaintenanceTable] = []
    change: list[ChangeTable] = []
    kb: list[KbTable] = []
