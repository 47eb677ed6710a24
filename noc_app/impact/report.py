"""The ``status --json`` document (contract in DESIGN.md; keys may be added, never renamed)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from noc_app.impact import codes as c
from noc_app.impact.customers import require_aware
from noc_app.impact.priority import PriorityPolicy, suggest_priority
from noc_app.impact.result import ImpactResult


def status_document(result: ImpactResult, at: dt.datetime,
                    policy: PriorityPolicy = PriorityPolicy()) -> dict:
    """Everything the wall and scripts need, as plain JSON-able values.

    Contract keys: ``at``, ``components[{id, status, own_status, probable_cause}]``,
    ``probable_causes``, ``impacted_customers[{id, tier, components,
    in_business_hours}]``.  Added: per-customer ``name``, ``weight``, ``severity``,
    ``partner``; ``symptoms``, ``totals_by_tier``, ``impacted_weight_share`` and
    ``suggested_priority``.  Redundancy: a component whose groups lost members
    carries ``"redundancy": "degraded"`` (still enough healthy members: not
    IMPACTED, shown AT RISK) or ``"failed"`` (a group fell below ``need``: IMPACTED),
    with ``"lost": [member ids]``; ``redundancy_groups`` lists the groups that lost
    members.
    """
    at = require_aware(at)
    model = result.model
    effective = [c.STATUS_BY_CODE[s].value for s in result.effective.tolist()]
    own = [c.STATUS_BY_CODE[s].value for s in result.own.tolist()]
    cause = result.probable_cause_mask.tolist()
    components = [
        {"id": cid, "status": effective[i], "own_status": own[i], "probable_cause": cause[i]}
        for i, cid in enumerate(model.graph.ids)
    ]
    for i in np.flatnonzero(result.redundancy_lost).tolist():
        cid = model.graph.ids[i]
        components[i]["redundancy"] = result.redundancy_state(cid)
        components[i]["lost"] = list(result.lost_members(cid))
    customers = [
        {"id": ci.id, "tier": ci.tier, "components": list(ci.components),
         "in_business_hours": ci.in_business_hours, "name": ci.name, "weight": ci.weight,
         "severity": ci.severity.value, "partner": ci.partner}
        for ci in result.customer_impacts(at)
    ]
    totals = {
        tier: {"customers": t.customers, "impacted": t.impacted,
               "impacted_weight": t.impacted_weight, "in_business_hours": t.in_business_hours,
               "down": t.down, "degraded": t.impacted - t.down, "partners": t.partners}
        for tier, t in result.totals_by_tier(at).items()
    }
    return {
        "at": at.isoformat(),
        "components": components,
        "probable_causes": list(result.probable_causes),
        "symptoms": list(result.symptoms),
        "impacted_customers": customers,
        "totals_by_tier": totals,
        "impacted_weight_share": round(result.impacted_share, 6),
        "suggested_priority": suggest_priority(result, at, policy).to_dict(),
        "redundancy_groups": list(result.degraded_groups),
    }


__all__ = ["status_document"]
