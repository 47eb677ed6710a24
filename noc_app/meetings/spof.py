"""The quarterly SPOF analysis as a document: what each component's loss takes down, worst first.

Built on ``noc_app.impact.spof`` (the blast radius the impact engine
precomputes, redundancy groups honoured). The *Redundancy* column says, per
single point of failure, whether a redundancy group has it as a member (and
why it still takes customers down: no spare member, or something all the
members share). Group members whose loss alone costs nothing are listed
apart with their spare count, and each group says what losing two of its
members would cost.
"""

from __future__ import annotations

import datetime as dt

from noc_app.impact.model import ImpactModel
from noc_app.impact.spof import GroupEntry, SpofEntry, group_entries, redundant_members, spof_ranking
from noc_app.reader_time import ReaderClock
from noc_app.reports import Document, Facts, Paragraph, Rules, Section, Table
from noc_app.topology.model import Topology

NO_REDUNDANCY = "none modelled"

SPOF_RULES = (
    "Each component is imagined lost on its own; the customers lost are those who use it, or use anything "
    "that depends on it, directly or through other components.",
    "Weight lost = the sum of those customers' tier weights ([tiers] in the topology); share = of all "
    "customer weight. Ranked by weight lost, then id.",
    "Redundancy groups ({ any_of = [...], need = N } in depends_on, or a named [[redundancy]]) are honoured: "
    "a group fails only when fewer than need members are healthy, so a member of a group with spare capacity "
    "takes nothing down alone and is listed under 'Redundant components' with its spare count, not ranked.",
    "Redundancy column: 'none modelled' when no group has the component as a member; for a member still "
    "ranked, the group and its spare count (no spare, or a loss it shares with the other members).",
    "Loss of two members: the two members whose joint loss costs the most, counting what each takes down "
    "alone and, when the group has fewer than two spare members, everything behind the group.",
    "Components whose loss hurts no customer are left out of the ranking.",
)


def redundancy_of(model: ImpactModel, entry: SpofEntry) -> str:
    """The groups a ranked component is a member of, and their spare count (or none)."""
    groups = model.groups
    i = model.graph.index[entry.id]
    if groups is None or not groups.is_member[i]:
        return NO_REDUNDANCY
    return "; ".join(f"member of {groups.labels[j]}, {groups.spare[j]} spare"
                     for j in groups.groups_of_member(i).tolist())


def _loss_of_two(g: GroupEntry) -> str:
    if g.survives_two:
        return f"survives ({g.spare} spare)"
    return (f"{g.pair[0]} and {g.pair[1]}: {g.pair_customers} customers, weight {g.pair_weight:g} "
            f"({g.pair_share * 100:.1f} %)")


def _redundancy_sections(model: ImpactModel) -> tuple[tuple, dict]:
    redundant, groups = redundant_members(model), group_entries(model)
    if not groups:
        return (), {"redundant": [], "groups": []}
    names = dict(zip(model.graph.ids, model.component_names))
    redundant_rows = tuple((f"{names[e.id]} ({e.id})", ", ".join(e.groups), str(e.spare), "nothing")
                           for e in redundant)
    # Five columns, like the ranking's seven, so an A4 PDF keeps words whole.
    group_rows = tuple((g.id, f"{', '.join(g.members)} (need {g.need}, spare {g.spare})",
                        ", ".join(g.dependents),
                        f"{g.lost_customers} customers, weight {g.lost_weight:g}", _loss_of_two(g))
                       for g in groups)
    sections = (
        Section("Redundant components", (
            Paragraph("Members of a redundancy group with spare capacity: losing one alone takes no "
                      "customer down (the wall shows its dependents AT RISK)."),
            Table(("Component", "Redundancy group", "Spare members", "Alone takes down"), redundant_rows,
                  caption="Covered by a redundancy group", numeric=(2,)),)),
        Section("Redundancy groups", (
            Table(("Group", "Members", "Dependents", "If the group is lost", "Loss of two members"),
                  group_rows,
                  caption="What each group's loss, and the loss of two of its members, would cost"),)),
    )
    return sections, {"redundant": [e.to_dict() for e in redundant],
                      "groups": [g.to_dict() for g in groups]}


def spof_report(topology: Topology, clock: ReaderClock, generated_at: dt.datetime) -> tuple[Document, dict]:
    model = ImpactModel.from_topology(topology)
    entries = spof_ranking(model)
    tiers = model.customers.tier_names
    by_id = {c.id: c for c in topology.components}
    # Seven columns (tiers in one cell) so an A4 PDF keeps words whole.
    rows = tuple((str(e.rank), f"{e.name} ({e.id}), {by_id[e.id].group or 'no group'}", e.criticality,
                  str(e.customers), f"{e.weight:g} ({e.share * 100:.1f} %)",
                  ", ".join(f"{t} {e.by_tier[t]}" for t in tiers if e.by_tier[t]),
                  redundancy_of(model, e)) for e in entries)
    headers = ("#", "Component, group", "Criticality", "Customers lost", "Weight lost (share)", "By tier",
               "Redundancy")
    uncovered = [e for e in entries if redundancy_of(model, e) == NO_REDUNDANCY]
    redundancy_sections, redundancy_data = _redundancy_sections(model)
    top = entries[0] if entries else None
    facts = Facts((("Components", str(len(topology.components))), ("Customers", str(len(model.customers))),
                   ("Total customer weight", f"{model.customers.total_weight:g}"),
                   ("Components putting customers at risk", str(len(entries))),
                   ("Without redundancy", str(len(uncovered))),
                   ("Redundant (no loss alone)", str(len(redundancy_data["redundant"]))),
                   ("Redundancy groups", str(len(redundancy_data["groups"])))))
    blocks: list = [facts]
    if top is not None:
        blocks.append(Paragraph(f"Worst single point of failure: {top.name} ({top.id}) — losing it takes down "
                                f"{top.customers} customers, {top.share * 100:.1f} % of all customer weight.",
                                "warning"))
    sections = (
        Section("Summary", tuple(blocks)),
        Section("Ranking", (Table(headers, rows, caption="Customer weight lost if each component alone fails",
                                  numeric=(0, 3, 4)),)),
        *redundancy_sections,
        Section("Rules", (Rules("How the ranking is made", SPOF_RULES),)),
    )
    document = Document(title="SPOF analysis", generated_at=generated_at, subtitle=f"as of {clock.when(generated_at)}",
                        sections=sections, footer="Vigil NOC SPOF report")
    data = {"report": "spof", "generated_at": generated_at.isoformat(),
            "total_customers": len(model.customers), "total_customer_weight": model.customers.total_weight,
            "components": [{**e.to_dict(), "group": by_id[e.id].group, "redundancy": redundancy_of(model, e)}
                           for e in entries],
            **redundancy_data,
            "rules": list(SPOF_RULES)}
    return document, data
