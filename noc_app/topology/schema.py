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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from noc_app.domain import CheckKind, Criticality, HealthFormat
from noc_app.durations import parse_duration
from noc_app.topology import limits
from noc_app.topology.errors import shown
from noc_app.webhook_address import check_webhook

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_SLA_RE = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f'{shown(value)} is not a valid id; use lowercase letters, digits, "-", "_" '
            "and \".\", starting with a letter or digit"
        )
    return value


def _no_team(value):
    # team = "" is no team, not a team with an empty id
    return None if isinstance(value, str) and not value.strip() else value


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f'{shown(value)} is not an http(s) URL; write e.g. "https://host:8443/health"')
    _port_of(value, parts)
    return value


def _port_of(value: str, parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        raise ValueError(f"{shown(value)} has an invalid port; write a number from 1 to 65535") from None


# What a check's url may look like, by kind: the schemes, and an example for the message.
_CHECK_URL_SCHEMES = {
    CheckKind.HTTP: (("http", "https"), '"https://host:8443/health"', "an http(s) URL"),
    CheckKind.TCP: (("tcp",), '"tcp://host:5432"', "a tcp:// URL"),
    CheckKind.TLS: (("tls", "https"), '"tls://host:443"', "a tls:// (or https://) URL"),
}


def check_url_for_kind(value: str, kind: CheckKind) -> str:
    """A check's ``url`` in the form its kind takes: http(s):// for http, tcp:// or tls:// for the others."""
    schemes, example, what = _CHECK_URL_SCHEMES[kind]
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        # tcp://... on an http check: most likely the kind was left at its default
        other = {"tcp": CheckKind.TCP, "tls": CheckKind.TLS}.get(parts.scheme)
        hint = (f'; for a {other.value} check set kind = "{other.value}", or write e.g. {example}'
                if other else f"; write e.g. {example}")
        raise ValueError(f"{shown(value)} is not {what}{hint}")
    if not parts.hostname:
        raise ValueError(f"{shown(value)} has no host; write e.g. {example}")
    port = _port_of(value, parts)
    if parts.scheme == "tcp" and port is None:
        raise ValueError(f"{shown(value)} has no port; write e.g. {example}")
    return value


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'unknown timezone {shown(value)}; use an IANA name like "Europe/Paris" or "UTC"'
        ) from None
    return value


def _parse_hours(value: str) -> tuple[dt.time, dt.time]:
    match = _HOURS_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'{shown(value)} is not a span of hours; write e.g. "09:00-18:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        return dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        raise ValueError(f'{shown(value)} has an impossible time of day') from None


def _check_weekday(value: str) -> str:
    if value.lower() not in _WEEKDAYS:
        raise ValueError(f'{shown(value)} is not a weekday; use mon, tue, wed, thu, fri, sat or sun')
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


def Text(max_length: int, **kwargs):  # noqa: N802 - reads as a type
    """A string that fits its column (``limits``); longer is refused with the limit."""
    return Annotated[str, Field(max_length=max_length, **kwargs)]


Id = Annotated[str, Field(max_length=limits.ID), AfterValidator(_check_id)]
Ref = Text(limits.ID)  # names another table's id; checked in references.py
TeamId = Annotated[Id | None, BeforeValidator(_no_team)]
Duration = Annotated[float, BeforeValidator(parse_duration)]
Url = Annotated[str, Field(max_length=limits.URL), AfterValidator(_check_url)]
# A URL without a secret in it, or env:NAME (noc_app/webhook_address.py): never a chat service's token.
WebhookAddress = Annotated[str, Field(max_length=limits.URL), AfterValidator(check_webhook)]
TimeZoneName = Annotated[str, Field(max_length=limits.TIMEZONE), AfterValidator(_check_timezone)]
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
    url: Text(limits.URL) | None = None  # http(s):// for http; tcp://host:port, tls://host:port for tcp/tls
    host: Text(253) | None = None  # the longest DNS name
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
    basic_auth_env: str | None = Field(None, min_length=1)
    verify_tls: bool = True
    ca_bundle: str | None = None
    max_body_bytes: int = Field(1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0, le=30)
    warn_days: int = Field(14, ge=0)

    @field_validator("url")
    @classmethod
    def _url_fits_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        return value if value is None or kind is None else check_url_for_kind(value, kind)


class AnyOfTable(_Table):
    """An inline redundancy group in ``depends_on``: ``{ any_of = [...], need = 1 }``."""

    any_of: list[str]
    need: int = 1


class RedundancyTable(_Table):
    """A redundancy group named once and reused by id in ``depends_on``."""

    id: Id
    any_of: list[str]
    need: int = 1
    description: str = ""


class ComponentTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    group: Text(limits.GROUP) = ""
    team: TeamId = None  # a team named only here is created, named after its id
    kind: Text(limits.KIND) = "service"
    criticality: Criticality = Criticality.MEDIUM
    description: str = ""
    depends_on: list[Ref | AnyOfTable] = []
    check: list[CheckTable] = []


class UsageTable(_Table):
    component: Ref
    criticality: Criticality = Criticality.HIGH


class CustomerTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    tier: Text(limits.TIER, min_length=1)
    timezone: TimeZoneName = "UTC"
    business_hours: BusinessHours = (dt.time(9), dt.time(18))
    business_days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    account_manager: Text(limits.PERSON_REF) | None = None
    partner: bool = False
    email: Text(limits.EMAIL) | None = None
    uses: list[Ref | UsageTable] = []
    sla: SlaTarget | None = None  # "99.9%"; overrides the tier's [sla] target


class TeamTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    escalation_policy: Ref | None = None


class PersonTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    email: Text(limits.EMAIL) | None = None
    phone: Text(limits.PHONE) | None = None
    team: Ref | None = None


class EscalationLevelTable(_Table):
    delay: Duration = 0.0
    people: list[Ref] = Field(min_length=1)


class EscalationPolicyTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    components: list[Ref] = []
    level: list[EscalationLevelTable] = Field(min_length=1)


class NotificationListTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    priorities: list[Priority] = Field(min_length=1)
    people: list[Ref] = []
    emails: list[str] = []
    webhook_url: WebhookAddress | None = None


class TemplateTable(_Table):
    id: Id
    name: Text(limits.NAME, min_length=1)
    audience: Literal["internal", "customers", "partners"]
    kind: Literal["initial", "update", "resolved"]
    subject: Text(limits.TITLE, min_length=1)
    body: str = Field(min_length=1)


class MaintenanceTable(_Table):
    id: Id
    components: list[Ref] = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime
    reason: str = ""


class ChangeTable(_Table):
    id: Id
    summary: str = Field(min_length=1)
    components: list[Ref] = []
    at: AwareDatetime
    author: Text(limits.AUTHOR) = ""


class KbTable(_Table):
    id: Id
    title: Text(limits.TITLE, min_length=1)
    components: list[Ref] = []
    symptoms: list[str] = []
    solution: str = ""
    script: str | None = None


class PublicComponentTable(_Table):
    """What the public sees: a name over a set of internal components."""

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    components: list[str] = Field(min_length=1)


class StatusPageTable(_Table):
    name: str = Field("Status", min_length=1)
    url: Url | None = None
    time_zone: TimeZoneName = "UTC"
    component: list[PublicComponentTable] = []


class TopologyFile(_Table):
    defaults: DefaultsTable = DefaultsTable()
    tiers: dict[Text(limits.TIER), Annotated[float, Field(gt=0)]] = {}
    sla: dict[str, SlaTarget] = {}  # tier -> "99.9%"
    team: list[TeamTable] = []
    person: list[PersonTable] = []
    escalation_policy: list[EscalationPolicyTable] = []
    notification_list: list[NotificationListTable] = []
    template: list[TemplateTable] = []
    redundancy: list[RedundancyTable] = []
    component: list[ComponentTable] = []
    customer: list[CustomerTable] = []
    maintenance: list[MaintenanceTable] = []
    change: list[ChangeTable] = []
    kb: list[KbTable] = []
    status_page: StatusPageTable | None = None
