"""Read a topology TOML file into a validated ``Topology``.

Four passes, each stopping at the first problem so the user gets one line:
TOML syntax (tomllib), text no database can store (NUL characters), shapes
and values (pydantic schema, which also knows each column's width), then
references and cycles across tables.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from noc_app.domain import DEFAULT_TIER_WEIGHTS, CheckKind
from noc_app.topology import model as m
from noc_app.topology.errors import TopologyError, describe_loc, find_line, shown
from noc_app.topology import redundancy
from noc_app.topology.references import find_problems
from noc_app.topology.schema import TopologyFile
from noc_app.url_secrets import split_credentials

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def load_topology(path: str | Path) -> m.Topology:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TopologyError(str(path), "file not found; check the path given to --config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TopologyError(str(path), f"cannot read the file ({type(exc).__name__})") from None
    return parse_topology(text, str(path))


def parse_topology(text: str, source: str = "<topology>") -> m.Topology:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopologyError(source, f"not valid TOML: {exc}") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively
        raise TopologyError(source, "not a usable topology: arrays or tables nested too deeply "
                                    "(thousands of levels); a topology needs a few") from None
    nul = _find_nul(data)
    if nul is not None:
        raise TopologyError(source, "contains a NUL character (\\u0000), which no database can store; "
                                    "remove it", find_line(text, nul), describe_loc(nul, data))
    try:
        doc = TopologyFile.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, data, text, source) from None
    for loc, message in find_problems(doc):
        raise TopologyError(source, message, find_line(text, loc), describe_loc(loc, data))
    return _build(doc, source)


def _schema_error(exc: ValidationError, data: dict, text: str, source: str) -> TopologyError:
    errors = exc.errors()
    # A table given where a string-or-table is allowed (``depends_on``, ``uses``):
    # the string branch's complaint says nothing useful, the table's does.
    error = next((e for e in errors[1:] if errors[0]["type"] == "string_type"
                  and isinstance(errors[0]["input"], dict)
                  and e["loc"][:-2] == errors[0]["loc"][:-1]), errors[0])
    loc = tuple(p for p in error["loc"] if not _is_union_branch(p))
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(TopologyFile, loc[:-1])
        allowed = ", ".join(
            (f.alias or n) for n, f in parent.model_fields.items()
        ) if parent else ""
        message = f'unknown key "{loc[-1]}"' + (f"; allowed keys here: {allowed}" if allowed else "")
    elif kind == "missing":
        message = f'required key "{loc[-1]}" is missing'
    elif kind == "value_error":
        message = str(error["ctx"]["error"])
    elif kind == "string_too_long":
        limit = error["ctx"]["max_length"]
        message = (f"{len(error['input']):,} characters, longer than the {limit} that fit; "
                   f"shorten it to at most {limit}")
    else:
        message = f"{error['msg']} (got {shown(error.get('input'))})"
    extra = len(errors) - 1 - (error is not errors[0])
    if extra:
        message += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return TopologyError(source, message, find_line(text, loc), describe_loc(loc, data))


def _find_nul(data: dict) -> tuple | None:
    """The path of the first key or string holding a NUL (iterative: nesting may be deep)."""
    stack: list[tuple[tuple, object]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return loc
        elif isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                if "\x00" in key:
                    return loc + (key,)
                stack.append((loc + (key,), value))
        elif isinstance(node, list):
            stack.extend((loc + (i,), v) for i, v in reversed(list(enumerate(node))))
    return None


def _is_union_branch(part) -> bool:
    # pydantic adds the tried union member ("str", "UsageTable") to the loc
    return isinstance(part, str) and (part[:1].isupper() or part in ("str", "int", "float", "bool", "constrained-str"))


def _model_at(model: type[BaseModel], loc) -> type[BaseModel] | None:
    """The schema model that owns the key at ``loc`` (for listing allowed keys)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = next(
            (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
        )
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    return None


def _build(doc: TopologyFile, source: str) -> m.Topology:
    d = doc.defaults
    defaults = m.Defaults(d.interval, d.timeout, d.retries, d.degraded_ms)
    return m.Topology(
        source=source,
        defaults=defaults,
        tier_weights={**DEFAULT_TIER_WEIGHTS, **doc.tiers},
        components=tuple(_component(c, defaults, {r.id: r for r in doc.redundancy})
                         for c in doc.component),
        customers=tuple(_customer(c) for c in doc.customer),
        people=tuple(m.PersonSpec(p.id, p.name, p.email, p.phone, p.team) for p in doc.person),
        teams=tuple(m.TeamSpec(t.id, t.name, t.escalation_policy) for t in doc.team),
        escalation_policies=tuple(
            m.EscalationPolicySpec(
                p.id, p.name,
                tuple(m.EscalationLevel(lv.delay, tuple(lv.people)) for lv in p.level),
                tuple(p.components),
            )
            for p in doc.escalation_policy
        ),
        notification_lists=tuple(
            m.NotificationListSpec(n.id, n.name, tuple(n.priorities), tuple(n.people),
                                   tuple(n.emails), n.webhook_url)
            for n in doc.notification_list
        ),
        templates=tuple(
            m.TemplateSpec(t.id, t.name, t.audience, t.kind, t.subject, t.body) for t in doc.template
        ),
        maintenance=tuple(
            m.MaintenanceSpec(w.id, tuple(w.components), w.start, w.end, w.reason)
            for w in doc.maintenance
        ),
        changes=tuple(
            m.ChangeSpec(c.id, c.summary, tuple(c.components), c.at, c.author) for c in doc.change
        ),
        kb_articles=tuple(
            m.KbArticleSpec(k.id, k.title, tuple(k.components), tuple(k.symptoms), k.solution, k.script)
            for k in doc.kb
        ),
        status_page=_status_page(doc.status_page),
        sla_by_tier=dict(doc.sla),
    )


def _status_page(sp) -> m.StatusPageSpec | None:
    if sp is None:
        return None
    return m.StatusPageSpec(
        name=sp.name, url=sp.url, time_zone=sp.time_zone,
        components=tuple(m.PublicComponentSpec(c.id, c.name, tuple(dict.fromkeys(c.components)),
                                               c.description) for c in sp.component),
    )


def _address(check) -> tuple[str | None, int | None]:
    """host and port of a check: written as keys, or in a tcp:// / tls:// / https:// url."""
    if check.kind == CheckKind.HTTP or not check.url:
        return check.host, check.port
    parts = urlsplit(check.url)
    return parts.hostname, parts.port or 443  # tcp:// always has a port (schema)


def _component(c, defaults: m.Defaults, named: dict) -> m.ComponentSpec:
    checks = tuple(
        m.CheckSpec(
            key=f"{c.id}#{i}",
            component_id=c.id,
            kind=ch.kind,
            interval_s=ch.interval if ch.interval is not None else defaults.interval_s,
            timeout_s=ch.timeout if ch.timeout is not None else defaults.timeout_s,
            retries=ch.retries if ch.retries is not None else defaults.retries,
            url=split_credentials(ch.url)[0] if ch.url else None,  # password shown as "***"
            url_credentials=split_credentials(ch.url)[1] if ch.url else None,  # memory only
            host=_address(ch)[0],
            port=_address(ch)[1],
            expect_status=tuple(ch.expect_status),
            format=ch.format,
            degraded_ms=ch.degraded_ms if ch.degraded_ms is not None else defaults.degraded_ms,
            keyword=ch.keyword,
            json=m.JsonExpectation(ch.json_.path, ch.json_.equals) if ch.json_ else None,
            headers_env=tuple(sorted(ch.headers_env.items())),
            basic_auth_env=ch.basic_auth_env,
            verify_tls=ch.verify_tls,
            ca_bundle=ch.ca_bundle,
            max_body_bytes=ch.max_body_bytes,
            max_redirects=ch.max_redirects,
            warn_days=ch.warn_days,
        )
        for i, ch in enumerate(c.check)
    )
    _, groups = redundancy.split(c, named)
    return m.ComponentSpec(
        id=c.id, name=c.name, group=c.group, team=c.team, kind=c.kind,
        criticality=c.criticality, description=c.description,
        depends_on=tuple(redundancy.all_dependencies(c, named)), checks=checks,
        redundancy=tuple(groups),
    )


def _customer(c) -> m.CustomerSpec:
    uses = tuple(
        m.Usage(u) if isinstance(u, str) else m.Usage(u.component, u.criticality) for u in c.uses
    )
    return m.CustomerSpec(
        id=c.id, name=c.name, tier=c.tier, timezone=c.timezone,
        business_hours=c.business_hours,
        business_days=tuple(sorted({_DAYS.index(d) for d in c.business_days})),
        account_manager=c.account_manager, partner=c.partner, email=c.email, uses=uses, sla=c.sla,
    )
