"""Status and customer-impact engine: dependency rollup, probable causes,
who is hurt and how urgently, SPOF analysis.  Pure Python + numpy, no Qt.

Typical use::

    model = ImpactModel.from_topology(topology)
    engine = ImpactEngine(model, {"db-main": Status.DOWN})
    engine.set_status("api", Status.DOWN)        # incremental, ~ms
    doc = status_document(engine.result(), at=now)
"""

from noc_app.impact.customers import BusinessHours, CustomerImpact
from noc_app.impact.engine import ImpactEngine
from noc_app.impact.graph import DependencyCycleError, DependencyGraph
from noc_app.impact.model import ImpactModel
from noc_app.impact.priority import Level, PriorityPolicy, PrioritySuggestion, suggest_priority
from noc_app.impact.report import status_document
from noc_app.impact.result import ImpactResult, TierTotals
from noc_app.impact.spof import (
    GroupEntry, RedundantEntry, SpofEntry, group_entries, redundant_members, spof_document,
    spof_ranking, spof_table)

__all__ = [
    "BusinessHours", "CustomerImpact", "DependencyCycleError", "DependencyGraph", "ImpactEngine",
    "GroupEntry", "ImpactModel", "ImpactResult", "Level", "RedundantEntry", "PriorityPolicy", "PrioritySuggestion", "SpofEntry",
    "TierTotals", "group_entries", "redundant_members", "spof_document", "spof_ranking", "spof_table", "status_document",
    "suggest_priority",
]
