"""Status and customer-impact engine: dependency rollup, probable causes,
who is hurt and how urgently, SPOF analysis.  Pure Python + numpy, no Qt.

Typical use::

    model = ImpactModel.from_topology(topology)
    engine = ImpactEngine(model, {"db-main": Status.DOWN})
    engine.set_status("api", Status.DOWN)        # incremental, ~ms
    doc = status_document(engine.result(), at=now)

Names load on first use (``noc_app/lazy_exports.py``): a module that needs
only ``BusinessHours`` must not load the engine, the topology loader and
pydantic with it.
"""

from __future__ import annotations

from noc_app.lazy_exports import lazy_exports

# name -> the module of this package that defines it
_EXPORTS = {
    **dict.fromkeys(("BusinessHours", "CustomerImpact"), "customers"),
    "ImpactEngine": "engine",
    **dict.fromkeys(("DependencyCycleError", "DependencyGraph"), "graph"),
    "ImpactModel": "model",
    **dict.fromkeys(("Level", "PriorityPolicy", "PrioritySuggestion", "suggest_priority"), "priority"),
    "status_document": "report",
    **dict.fromkeys(("ImpactResult", "TierTotals"), "result"),
    **dict.fromkeys(("GroupEntry", "RedundantEntry", "SpofEntry", "group_entries", "redundant_members",
                     "spof_document", "spof_ranking", "spof_table"), "spof"),
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
