"""The customer version: what the support team sends the affected customers after an outage.

Built from an allow-list, never by filtering the internal report: times and
durations, the public status-page components, incident name and messages
(already published), and the two texts written *for customers* in Close.  No internal
note, title, person, other customer, component id or internal URL can reach
it, because nothing else is read.  While those texts are not written, the
version says so at the top, so it is not sent by mistake.
"""

from __future__ import annotations

from typing import Any

from noc_app.postmortem.definitions import DEFINITIONS
from noc_app.postmortem.facts import ReportFacts
from noc_app.postmortem.formatting import NONE, duration, utc
from noc_app.postmortem.metrics import iso
from noc_app.reports import Document, Facts, Paragraph, Section, Table

DRAFT = ("DRAFT — the texts for customers are not written yet (incident dialog → Close → "
         "For customers); this version shows placeholders")
IN_PROGRESS = "IN PROGRESS — service is still being restored; we will update this report"
WHAT_WAS_DONE = {"resolve": "Our engineers fixed the affected systems.",
                 "workaround": "Our engineers put a workaround in place to restore service.",
                 "failover": "Our engineers switched service to standby systems."}
CUSTOMER_STATES = {"operational": "operational", "degraded": "degraded performance",
                   "partial_outage": "partial outage", "major_outage": "major outage",
                   "maintenance": "under maintenance"}


def _services(facts: ReportFacts) -> list[str]:
    return sorted({name for s in facts.status_updates for name in s.services})


def _public_title(facts: ReportFacts) -> str | None:
    """The latest public incident name given on the status page (internal titles never are)."""
    titles = [s.title for s in facts.status_updates if s.title]
    return titles[-1] if titles else None


def _drafted(facts: ReportFacts) -> bool:
    return bool(facts.record.customer_summary.strip() and facts.record.customer_prevention.strip())


def customer_times(facts: ReportFacts) -> list[tuple[str, Any, float | None]]:
    """(what, moment, seconds since the moment before) that a customer may read."""
    m = facts.metrics
    return [("Impact started", m.impact_started_at, None),
            ("We detected the problem", m.moment("detected_at"), m.detect_s),
            ("We first informed you", m.moment("customers_informed_at"), m.inform_customers_s),
            ("Service restored", m.moment("restored_at"), m.resolve_s),
            ("We announced the resolution", m.moment("resolution_announced_at"), m.inform_resolution_s)]


def customer_document(facts: ReportFacts) -> Document:
    m, record = facts.metrics, facts.record
    start = m.impact_started_at
    restored = m.moment("restored_at")
    services = _services(facts)
    nature = record.customer_summary if record.customer_summary.strip() else (
        f"A service disruption affected {', '.join(services) if services else 'our service'} "
        f"from {utc(start)}. " + WHAT_WAS_DONE.get(facts.header.restore_path or "", ""))
    prevention = record.customer_prevention if record.customer_prevention.strip() else (
        "We are reviewing the cause and will share the actions that prevent a recurrence.")
    banners = [b for b in (IN_PROGRESS if facts.in_progress else "", "" if _drafted(facts) else DRAFT) if b]
    impact_s = (restored - start).total_seconds() if restored and start else None
    times = Table(("What", "When (UTC)", "After"),
                  tuple((what, utc(at), duration(after) if at is not None and after is not None else NONE)
                        for what, at, after in customer_times(facts)))
    updates = Table(("When (UTC)", "Service", "State", "Message"),
                    tuple((utc(s.at), ", ".join(s.services), CUSTOMER_STATES.get(s.state, s.state), s.message)
                          for s in facts.status_updates), caption="Status-page updates")
    public_title = _public_title(facts)
    return Document(
        title="Incident report",
        subtitle=(f"{public_title} · " if public_title else "")
        + f"Service disruption of {start.strftime('%Y-%m-%d') if start else NONE}",
        banner=" · ".join(banners),
        footer="Incident report for affected customers",
        generated_at=facts.generated_at,
        sections=(
            Section("What happened and what we did", (Paragraph(nature),)),
            Section("Impact", (Facts((
                ("Affected services", ", ".join(services) if services else "our service"),
                ("Started", utc(start)),
                ("Restored", utc(restored) if restored else "not yet"),
                ("Duration", duration(impact_s) if impact_s is not None else "ongoing"),
                ("Updates sent to you", str(m.updates_sent)),
            )),)),
            Section("Times", (times,)),
            Section("What we publish", (updates,)),
            Section("What will prevent a recurrence", (Paragraph(prevention),)),
        ),
    )


def customer_json(facts: ReportFacts) -> dict[str, Any]:
    """The customer audience's JSON: the same top-level keys, only customer-safe values."""
    m, record = facts.metrics, facts.record
    return {
        "audience": "customer",
        "incident": {
            "impact_started_at": iso(m.impact_started_at),
            "detected_at": iso(m.moment("detected_at")),
            "restored_at": iso(m.moment("restored_at")),
            "in_progress": facts.in_progress,
            "services": _services(facts),
            "title": _public_title(facts),
            "summary": record.customer_summary,
            "prevention": record.customer_prevention,
            "draft": not _drafted(facts),
        },
        "metrics": m.to_json(),
        "timeline": [{"at": iso(s.at), "kind": "status_page_update", "services": list(s.services),
                      "state": s.state, "summary": s.message} for s in facts.status_updates],
        "notifications": [{"sent_at": iso(at), "kind": kind} for at, kind in sorted(
            {(n.sent_at, n.template_kind) for n in facts.notifications
             if n.audience == "customers" and n.ok}, key=lambda x: x[0])],
        "promises": [p.to_json() for p in m.promises],
        "follow_ups": [],
        "definitions": {name: d.sentence for name, d in DEFINITIONS.items()},
        "generated_at": iso(facts.generated_at),
        "format_version": 1,
    }
