"""Single points of failure: the customer weight lost if one component alone fails.

Every dependency edge is treated as hard (no redundancy modelled), so losing
a component loses every customer who uses it or anything depending on it.
The numbers come precomputed with the model (its blast radius).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noc_app.impact.model import ImpactModel


@dataclass(frozen=True)
class SpofEntry:
    rank: int
    id: str
    name: str
    criticality: str
    customers: int  # customers lost
    weight: float  # customer weight lost
    share: float  # of all customer weight (0..1)
    by_tier: dict[str, int]  # customers lost per tier, heaviest tier first

    def to_dict(self) -> dict:
        return {"rank": self.rank, "id": self.id, "name": self.name,
                "criticality": self.criticality, "customers": self.customers,
                "weight": self.weight, "share": round(self.share, 6), "by_tier": self.by_tier}


def spof_ranking(model: ImpactModel, limit: int | None = None,
                 include_harmless: bool = False) -> list[SpofEntry]:
    """Components by customer weight lost if each alone fails, worst first.

    Components whose loss hurts nobody are left out unless ``include_harmless``.
    """
    weight, counts = model.blast_weight, model.blast_counts
    ids = model.graph.ids
    idx = np.arange(model.graph.n) if include_harmless else np.flatnonzero(weight > 0)
    order = sorted(idx.tolist(), key=lambda i: (-weight[i], ids[i]))[:limit]
    total = model.customers.total_weight
    tiers = model.customers.tier_names
    return [
        SpofEntry(rank=r, id=ids[i], name=model.component_names[i],
                  criticality=model.component_criticality[i].value,
                  customers=int(counts[i].sum()), weight=float(weight[i]),
                  share=float(weight[i] / total) if total else 0.0,
                  by_tier={t: int(counts[i, j]) for j, t in enumerate(tiers)})
        for r, i in enumerate(order, start=1)
    ]


def spof_document(model: ImpactModel, limit: int | None = None) -> dict:
    """JSON-able SPOF report (``main.py spof --json``)."""
    return {
        "total_customers": len(model.customers),
        "total_customer_weight": model.customers.total_weight,
        "tier_weights": {t: float(w) for t, w in
                         zip(model.customers.tier_names, model.customers.tier_weight)},
        "components": [e.to_dict() for e in spof_ranking(model, limit)],
    }


def spof_table(model: ImpactModel, limit: int | None = 20) -> str:
    """Plain-text table for a terminal (``main.py spof``)."""
    entries = spof_ranking(model, limit)
    if not entries:
        return "No component failure affects any customer (empty customer map?)."
    tiers = model.customers.tier_names
    header = ["#", "component", "criticality", "customers", "weight", "share", *tiers]
    rows = [[str(e.rank), f"{e.id} ({e.name})" if e.name != e.id else e.id, e.criticality,
             str(e.customers), f"{e.weight:g}", f"{e.share:.1%}",
             *(str(e.by_tier[t]) for t in tiers)] for e in entries]
    widths = [max(len(r[col]) for r in [header, *rows]) for col in range(len(header))]
    left_aligned = {1, 2}

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(w) if col in left_aligned else cell.rjust(w)
                         for col, (cell, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *map(line, rows)]
    shown = len(entries)
    total = int(np.count_nonzero(model.blast_weight > 0))
    if shown < total:
        out.append(f"... {total - shown} more components put customers at risk")
    return "\n".join(out)
