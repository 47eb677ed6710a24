"""``export --format json``: the stable contract (DESIGN.md; keys are only ever added).

Top level: ``incident``, ``metrics`` (the DESIGN.md figure names with their
``<name>_why``), ``timeline``, ``notifications``, ``promises``,
``follow_ups``; then ``escalation``, ``changes``, ``kb_articles``,
``status_page_updates``, ``definitions``, ``audience``, ``generated_at``,
``format_version``.
"""

from __future__ import annotations

from typing import Any

from noc_app.postmortem.definitions import DEFINITIONS, EXTRA_DEFINITIONS
from noc_app.postmortem.facts import ReportFacts
from noc_app.postmortem.metrics import iso
from noc_app.postmortem.record import POSTMORTEM_FIELDS

FORMAT_VERSION = 1


def _person(person):
    return {"id": person[0], "name": person[1]} if person else None


def internal_json(facts: ReportFacts) -> dict[str, Any]:
    h, record = facts.header, facts.record
    stars = set(record.key_moments)
    return {
        "incident": {
            "id": h.id, "title": h.title, "stage": h.stage, "in_progress": facts.in_progress,
            "priority": h.priority, "impact": h.impact, "urgency": h.urgency,
            "detection_means": h.detection_means, "manifestation": h.manifestation,
            "detected_at": iso(h.detected_at), "first_recorded_at": iso(h.first_recorded_at),
            "restored_at": iso(h.restored_at), "closed_at": iso(h.closed_at),
            "restore_path": h.restore_path, "restore_summary": h.restore_summary,
            "root_cause": h.root_cause, "incident_manager": _person(h.manager),
            "postmortem_owner": _person(h.postmortem_owner), "postmortem_due_at": iso(h.postmortem_due_at),
            "next_update_due_at": iso(h.next_update_due_at),
            "components": [{"id": c.id, "name": c.name, "role": c.role, "group": c.group, "team": c.team}
                           for c in facts.components],
            "customers": [{"id": c.id, "name": c.name, "tier": c.tier, "partner": c.partner,
                           "timezone": c.timezone, "in_business_hours": c.in_business_hours,
                           "account_manager": c.account_manager} for c in facts.customers],
            "postmortem": {**{n: record.text(n) for n in POSTMORTEM_FIELDS},
                           "key_moments": list(record.key_moments)},
        },
        "metrics": facts.metrics.to_json(),
        "timeline": [{"id": e.id, "at": iso(e.at), "author": e.author, "kind": e.kind, "summary": e.summary,
                      "data": e.data, "key_moment": e.id in stars} for e in facts.timeline],
        "notifications": [{"sent_at": iso(n.sent_at), "audience": n.audience, "channel": n.channel,
                           "recipient": n.recipient, "customer_id": n.customer_id,
                           "template_kind": n.template_kind, "subject": n.subject, "ok": n.ok,
                           "error": n.error} for n in facts.notifications],
        "promises": [p.to_json() for p in facts.metrics.promises],
        "follow_ups": [{"description": f.description, "owner": _person(f.owner), "due_at": iso(f.due_at),
                        "done_at": iso(f.done_at)} for f in facts.follow_ups],
        "escalation": [{"paged_at": iso(p.paged_at), "person": {"id": p.person_id, "name": p.person_name},
                        "policy_id": p.policy, "level": p.level, "acknowledged_at": iso(p.acknowledged_at)}
                       for p in facts.pages],
        "changes": [{"id": c.id, "at": iso(c.at), "author": c.author, "summary": c.summary,
                     "components": list(c.components), "direct": c.direct} for c in facts.changes],
        "kb_articles": [{"id": a.id, "title": a.title, "reasons": list(a.reasons)} for a in facts.articles],
        "status_page_updates": [{"at": iso(s.at), "service_group": s.service_group, "services": list(s.services),
                                 "state": s.state, "message": s.message, "title": s.title}
                                for s in facts.status_updates],
        "definitions": {name: d.sentence for name, d in {**DEFINITIONS, **EXTRA_DEFINITIONS}.items()},
        "audience": "internal",
        "generated_at": iso(facts.generated_at),
        "format_version": FORMAT_VERSION,
    }
