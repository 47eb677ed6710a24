"""The incident workflow core (Qt-free): Detect, Record, Classify, Notify, Escalate,
Investigate, Restore, Close — all through ``IncidentService``, the single write path.

Typical use::

    service = IncidentService(workspace.sessions, author="alice", channels=ChannelConfig(...))
    pre = prefill_from_impact(workspace.sessions, None, at=now)
    change = service.open_incident("Checkout down", "internal_monitoring", "API 503s",
                                   component_ids=pre.component_roles,
                                   customer_ids=pre.customer_ids, suggested=pre.suggestion)
    change = service.classify(change.incident_id, "high", "high", change.version)
"""

from noc_app.incidents.channels import ChannelConfig
from noc_app.incidents.drafts import Draft, DraftStore, FlushResult, Outbox, QueuedOperation
from noc_app.incidents.errors import (
    ConflictError, DatabaseUnavailableError, FieldConflict, IncidentError, NotFoundError,
    TemplateError, ValidationError,
)
from noc_app.incidents.escalation import DueEscalation, EscalationTarget, LevelTarget, PageInfo
from noc_app.incidents.investigate import ChangeInfo, KbMatch
from noc_app.incidents.merge import MergeResult, merge_text
from noc_app.incidents.notify import Delivery, OutgoingMessage, SendResult
from noc_app.incidents.prefill import (
    AffectedComponent, AffectedCustomer, Prefill, SuggestedPriority, prefill_from_impact,
)
from noc_app.incidents.service import UNCHANGED, IncidentService
from noc_app.incidents.templates import PLACEHOLDERS, validate_template
from noc_app.incidents.values import (
    Audience, ComponentRole, DetectionMeans, IncidentChange, IncidentDue, IncidentSnapshot, Level,
    RestorePath, StatusPageState, TimelineEntry, priority_for,
)

__all__ = [
    "AffectedComponent", "AffectedCustomer", "Audience", "ChangeInfo", "ChannelConfig",
    "ComponentRole", "ConflictError", "DatabaseUnavailableError", "Delivery", "DetectionMeans",
    "Draft", "DraftStore", "DueEscalation", "EscalationTarget", "FieldConflict", "FlushResult",
    "IncidentChange", "IncidentDue", "IncidentError", "IncidentService", "IncidentSnapshot",
    "KbMatch", "Level", "LevelTarget", "MergeResult", "NotFoundError", "Outbox", "OutgoingMessage",
    "PLACEHOLDERS", "PageInfo", "Prefill", "QueuedOperation", "RestorePath", "SendResult",
    "StatusPageState", "SuggestedPriority", "TemplateError", "TimelineEntry", "UNCHANGED",
    "ValidationError", "merge_text", "prefill_from_impact", "priority_for", "validate_template",
]
