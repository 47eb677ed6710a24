"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from noc_app.storage.base import Base
from noc_app.storage.models.incidents import (
    EscalationPage, FollowUpAction, Incident, IncidentComponent, IncidentCustomer,
    IncidentKeyMoment, IncidentParticipant, NotificationSent, TimelineEvent,
)
from noc_app.storage.models.monitoring import (
    AlertAck, CheckRollup, CheckSample, CheckState, Poller, StateTransition,
)
from noc_app.storage.models.operations import (
    ChangeComponent, ChangeRecord, KbArticle, KbArticleComponent, MaintenanceComponent,
    MaintenanceWindow, PublicComponent, PublicComponentMember, StatusPageEntry, StatusPageSettings,
)
from noc_app.storage.models.people import (
    EscalationLevel, EscalationPolicy, EscalationPolicyComponent, MessageTemplate,
    NotificationList, Person, Team,
)
from noc_app.storage.models.topology import (
    Check, Component, ComponentDependency, ComponentRedundancyGroup, Customer, CustomerComponent,
    Tier,
)

__all__ = [
    "AlertAck", "Base", "ChangeComponent", "ChangeRecord", "Check", "CheckRollup", "CheckSample",
    "CheckState", "Component", "ComponentDependency", "ComponentRedundancyGroup", "Customer", "CustomerComponent",
    "EscalationLevel", "EscalationPage", "EscalationPolicy", "EscalationPolicyComponent",
    "FollowUpAction", "Incident", "IncidentComponent", "IncidentCustomer",
    "IncidentKeyMoment", "IncidentParticipant", "KbArticle", "KbArticleComponent", "MaintenanceComponent",
    "MaintenanceWindow", "MessageTemplate", "NotificationList", "NotificationSent", "Person",
    "Poller", "PublicComponent", "PublicComponentMember", "StatusPageSettings",
    "StateTransition", "StatusPageEntry", "Team", "Tier", "TimelineEvent",
]
