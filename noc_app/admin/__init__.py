"""Managing what surrounds incidents: changes, knowledge base, maintenance, people, notifications.

One small service per area, each built from a ``sessionmaker``; every
method opens its own short transaction and returns frozen dataclasses, so
the GUI can call them from a worker thread and keep the results.
Refusals are ``ValidationError`` (``InUseError`` for a delete) with a
one-line message that starts with the field name.
"""

from noc_app.admin.changes import Change, ChangesAdmin, ImportResult
from noc_app.admin.common import (
    InUseError, NotFoundError, ValidationError, format_when, list_components, parse_when, split_list,
)
from noc_app.admin.knowledge import Article, KnowledgeBase, SearchHit
from noc_app.admin.maintenance import MaintenanceAdmin, Window
from noc_app.admin.notifications import (
    AUDIENCES, KINDS, PRIORITIES, SAMPLE_VALUES, NotificationsAdmin, NotifList, Preview, Template, preview,
)
from noc_app.admin.people import Level, PeopleAdmin, PersonInfo, Policy, TeamInfo

__all__ = [
    "AUDIENCES", "Article", "Change", "ChangesAdmin", "ImportResult", "InUseError", "KINDS",
    "KnowledgeBase", "Level", "MaintenanceAdmin", "NotFoundError", "NotifList", "NotificationsAdmin",
    "PRIORITIES", "PeopleAdmin", "PersonInfo", "Policy", "Preview", "SAMPLE_VALUES", "SearchHit",
    "TeamInfo", "Template", "ValidationError", "Window", "format_when", "list_components",
    "parse_when", "preview", "split_list",
]
