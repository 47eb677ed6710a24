"""The incident workflow core (Qt-free): Detect, Record, Classify, Notify, Escalate,
Investigate, Restore, Close — all through ``IncidentService``, the single write path.

Typical use::

    service = IncidentService(workspace.sessions, author="alice", channels=ChannelConfig(...))
    pre = prefill_from_impact(workspace.sessions, None, at=now)
    change = service.open_incident("Checkout down", "internal_monitoring", "API 503s",
                                   component_ids=pre.component_roles,
                                   customer_ids=pre.customer_ids, suggested=pre.suggestion)
    change = service.classify(change.incident_id, "high", "high", change.version)

The names below are loaded on first use (PEP 562): importing one small
module of the package (``noc_app.incidents.errors``, which the export and
status commands need) must not load escalation, notification channels
(requests, smtplib), the impact engine and the rest, ~0.8 s at every start
(see ``noc_app/lazy_exports.py``).
"""

from __future__ import annotations

from noc_app.lazy_exports import lazy_exports

# name -> the module of this package that defines it
_EXPORTS = {
    "ChannelConfig": "channels",
    **dict.fromkeys(("Draft", "DraftStore", "FlushResult", "Outbox", "QueuedOperation"), "drafts"),
    **dict.fromkeys(("ConflictError", "DatabaseUnavailableError", "FieldConflict", "IncidentError",
                     "NotFoundError", "TemplateError", "ValidationError"), "errors"),
    **dict.fromkeys(("DueEscalation", "EscalationTarget", "LevelTarget", "PageInfo"), "escalation"),
    **dict.fromkeys(("ChangeInfo", "KbMatch"), "investigate"),
    **dict.fromkeys(("MergeResult", "merge_text"), "merge"),
    **dict.fromkeys(("Delivery", "OutgoingMessage", "SendResult"), "notify"),
    **dict.fromkeys(("AffectedComponent", "AffectedCustomer", "Prefill", "SuggestedPriority",
                     "prefill_from_impact"), "prefill"),
    **dict.fromkeys(("UNCHANGED", "IncidentService"), "service"),
    **dict.fromkeys(("PLACEHOLDERS", "validate_template"), "templates"),
    **dict.fromkeys(("Audience", "ComponentRole", "DetectionMeans", "IncidentChange", "IncidentDue",
                     "IncidentSnapshot", "Level", "RestorePath", "StatusPageState", "TimelineEntry",
                     "priority_for"), "values"),
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
