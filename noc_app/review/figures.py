"""The how-soon figures a review shows beside the replay, each printed with its definition.

The figures are ``noc_app.postmortem.metrics.compute_metrics`` over what the
bundle holds (header, timeline, transitions, notifications), so a review and
an export of the same incident give the same numbers; the definitions are
that package's, written once.
"""

from __future__ import annotations

import datetime as dt

from noc_app.durations import format_duration
from noc_app.postmortem.metrics import (CONTRACT_KEYS, DEFINITIONS, EXTRA_DEFINITIONS, Event, HowSoon,
                                        IncidentFacts, MetricInputs, Notice, Transition, compute_metrics)
from noc_app.review.reader import Bundle, parse_time


def bundle_metrics(bundle: Bundle) -> HowSoon:
    """The incident's how-soon figures, as of when it was bundled."""
    incident = bundle.incident
    tiers = {c.id: c.tier for c in bundle.topology.customers}
    facts = IncidentFacts(
        id=bundle.incident_id, first_recorded_at=parse_time(incident["first_recorded_at"]),
        detected_at=parse_time(incident.get("detected_at")), restored_at=parse_time(incident.get("restored_at")),
        restore_path=incident.get("restore_path"), closed_at=parse_time(incident.get("closed_at")),
        components=dict(incident.get("components") or {}),
        customer_tiers={cid: tiers[cid] for cid in incident.get("customers") or () if cid in tiers},
        tier_weights=dict(bundle.topology.tier_weights))
    events = [Event(e.at, e.kind, e.data) for e in bundle.timeline]
    transitions = [Transition(cid, at, a, b, key) for _i, key, cid, at, a, b, _r, _f in bundle.transitions()]
    notices = [Notice(parse_time(n["sent_at"]), n["audience"], bool(n["ok"]), n["template_kind"], n["template_id"])
               for n in bundle.table("notifications")]
    as_of = parse_time(bundle.manifest.get("created_at"))
    return compute_metrics(MetricInputs(facts, events, transitions, notices), as_of)


def _duration(value: float | None, why: str | None) -> str:
    return format_duration(value) if value is not None else f"— ({why or 'not reached'})"


def review_figures(material) -> tuple[list[tuple[str, str, str]], str]:
    """(rows of (figure, value, definition), a note under the table)."""
    m = material.extras.get("metrics") or bundle_metrics(material.bundle)
    material.extras["metrics"] = m
    rows = []
    for name in CONTRACT_KEYS:
        d = DEFINITIONS[name]
        value = m.value(name)
        text = (f"{value.astimezone(dt.timezone.utc):%H:%M:%S} UTC" if isinstance(value, dt.datetime)
                else _duration(value, m.why(name)))
        rows.append((d.label, text, d.sentence))
    per_tier = ", ".join(f"{tier} {minutes:.0f}" for tier, minutes in m.customer_impact_minutes) or "none"
    extra = {
        "customer_impact_minutes": per_tier,
        "customer_impact_weighted_minutes": f"{m.customer_impact_weighted_minutes:.0f}",
        "updates_sent": str(m.updates_sent),
        "promises": f"{m.promises_kept} of {len(m.promises)} kept" if m.promises else "none made",
    }
    rows += [(EXTRA_DEFINITIONS[k].label, v, EXTRA_DEFINITIONS[k].sentence) for k, v in extra.items()]
    note = ("In progress when bundled: figures as of " f"{m.as_of:%Y-%m-%d %H:%M} UTC." if m.in_progress else "")
    return rows, note
