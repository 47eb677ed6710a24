"""Single points of failure: the customer weight lost if one component alone fails.

Plain dependency edges are hard: losing a component loses every customer who
uses it or anything depending on it.  Redundancy groups are honoured: a
member of a group with spare capacity takes nothing down alone (unless the
members share a dependency, which is then the single point of failure), so
it is listed apart as *redundant*, with its spare count; each group also
says what the loss of two of its members would cost.  The numbers come
precomputed with the model (its blast radius, ``blast.py``).
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


@dataclass(frozen=True)
class RedundantEntry:
    """A group member whose loss alone costs nothing."""

    id: str
    name: str
    groups: tuple[str, ...]  # labels of the groups it is a member of
    spare: int  # fewest spare members among those groups (after losing this one: spare - 1)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "groups": list(self.groups), "spare": self.spare}


@dataclass(frozen=True)
class GroupEntry:
    """One redundancy group and what losing it, or two of its members, costs."""

    id: str  # the [[redundancy]] id, or a label like "any 1 of lb-a / lb-b"
    named: bool
    members: tuple[str, ...]
    need: int
    spare: int
    dependents: tuple[str, ...]
    lost_weight: float  # customer weight behind the group (lost when it falls below need)
    lost_customers: int
    pair: tuple[str, str]  # the two members whose joint loss costs the most
    pair_customers: int
    pair_weight: float
    pair_share: float
    pair_by_tier: dict[str, int]

    @property
    def survives_two(self) -> bool:
        return self.spare >= 2

    def to_dict(self) -> dict:
        return {"id": self.id, "named": self.named, "members": list(self.members),
                "need": self.need, "spare": self.spare, "dependents": list(self.dependents),
                "if_lost": {"customers": self.lost_customers, "weight": self.lost_weight},
                "loss_of_two": {"members": list(self.pair), "survives": self.survives_two,
                                "customers": self.pair_customers, "weight": self.pair_weight,
                                "share": round(self.pair_share, 6), "by_tier": self.pair_by_tier}}


def redundant_members(model: ImpactModel) -> list[RedundantEntry]:
    """Group members whose loss alone hurts nobody, fewest spare first, then by id."""
    groups = model.groups
    if groups is None:
        return []
    ids = model.graph.ids
    out = []
    for i in np.flatnonzero(groups.is_member & (model.blast_weight == 0)).tolist():
        mine = groups.groups_of_member(i).tolist()
        out.append(RedundantEntry(ids[i], model.component_names[i],
                                  tuple(groups.labels[j] for j in mine),
                                  int(min(groups.spare[j] for j in mine))))
    return sorted(out, key=lambda e: (e.spare, e.id))


def group_entries(model: ImpactModel) -> list[GroupEntry]:
    """Every redundancy group, the costliest loss of two members first."""
    groups = model.groups
    if groups is None:
        return []
    ids, tiers = model.graph.ids, model.customers.tier_names
    total = model.customers.total_weight
    out = []
    for j in range(len(groups)):
        (a, b), counts = model.group_pair_loss[j]
        weight = float(counts @ model.customers.tier_weight)
        out.append(GroupEntry(
            id=groups.labels[j], named=groups.names[j] is not None,
            members=tuple(ids[m] for m in groups.members[j]), need=int(groups.need[j]),
            spare=int(groups.spare[j]),
            dependents=tuple(ids[i] for i in groups.declared_by(j).tolist()),
            lost_weight=float(model.group_blast_weight[j]),
            lost_customers=int(model.group_blast_counts[j].sum()),
            pair=(ids[a], ids[b]), pair_customers=int(counts.sum()), pair_weight=weight,
            pair_share=weight / total if total else 0.0,
            pair_by_tier={t: int(counts[k]) for k, t in enumerate(tiers)}))
    return sorted(out, key=lambda e: (-e.pair_weight, e.id))


def spof_document(model: ImpactModel, limit: int | None = None) -> dict:
    """JSON-able SPOF report (``main.py spof --json``).

    ``components``: single points of failure, worst first; ``redundant``: group
    members that take nothing down alone, with their spare count; ``groups``:
    per redundancy group, what its loss and the loss of two members cost.
    """
    return {
        "total_customers": len(model.customers),
        "total_customer_weight": model.customers.total_weight,
        "tier_weights": {t: float(w) for t, w in
                         zip(model.customers.tier_names, model.customers.tier_weight)},
        "components": [e.to_dict() for e in spof_ranking(model, limit)],
        "redundant": [e.to_dict() for e in redundant_members(model)],
        "groups": [e.to_dict() for e in group_entries(model)],
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
    out.extend(_redundancy_lines(model))
    return "\n".join(out)


def _redundancy_lines(model: ImpactModel) -> list[str]:
    redundant, groups = redundant_members(model), group_entries(model)
    if not groups:
        return []
    out = ["", "Redundant (their loss alone takes nothing down):"]
    out += [f"  {e.id:<24} spare {e.spare} in {', '.join(e.groups)}" for e in redundant] or ["  none"]
    out += ["", "Redundancy groups, if two members are lost:"]
    for g in groups:
        members = " / ".join(g.members)
        cost = ("survives (spare " + str(g.spare) + ")" if g.survives_two else
                f"loses {g.pair_customers} customers, weight {g.pair_weight:g} ({g.pair_share:.1%})"
                f" when {g.pair[0]} and {g.pair[1]} fail")
        out.append(f"  {g.id}: {members}, need {g.need}: {cost}")
    return out
