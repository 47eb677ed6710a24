"""The quarterly SPOF analysis as a document: what each component's loss takes down, worst first.

Built on ``noc_app.impact.spof`` (the blast radius the impact engine
precomputes). The *Redundancy* column says, per component, whether anything
covers for it; today's dependency model has hard edges only, so it reads
"none modelled" everywhere until redundancy groups arrive.
"""

from __future__ import annotations

import datetime as dt

from noc_app.impact.model import ImpactModel
from noc_app.impact.spof import SpofEntry, spof_ranking
from noc_app.reader_time import ReaderClock
from noc_app.reports import Document, Facts, Paragraph, Rules, Section, Table
from noc_app.topology.model import Topology

NO_REDUNDANCY = "none modelled"

SPOF_RULES = (
    "Each component is imagined lost on its own; the customers lost are those who use it, or use anything "
    "that depends on it, directly or through other components.",
    "Weight lost = the sum of those customers' tier weights ([tiers] in the topology); share = of all "
    "customer weight. Ranked by weight lost, then id.",
    "Redundancy: what covers for the component if it fails. Every dependency edge is hard today, so no "
    "component is covered ('none modelled').",
    "Components whose loss hurts no customer are left out.",
)


def redundancy_of(topology: Topology, entry: SpofEntry) -> str:
    # MERGE POINT (redundancy groups): when depends_on carries any_of groups, say here which
    # group covers this component (e.g. "1 of 2 in lb-a|lb-b") and rank covered ones apart.
    return NO_REDUNDANCY


def spof_report(topology: Topology, clock: ReaderClock, generated_at: dt.datetime) -> tuple[Document, dict]:
    model = ImpactModel.from_topology(topology)
    entries = spof_ranking(model)
    tiers = model.customers.tier_names
    by_id = {c.id: c for c in topology.components}
    # Seven columns (tiers in one cell) so an A4 PDF keeps words whole.
    rows = tuple((str(e.rank), f"{e.name} ({e.id}), {by_id[e.id].group or 'no group'}", e.criticality,
                  str(e.customers), f"{e.weight:g} ({e.share * 100:.1f} %)",
                  ", ".join(f"{t} {e.by_tier[t]}" for t in tiers if e.by_tier[t]),
                  redundancy_of(topology, e)) for e in entries)
    headers = ("#", "Component, group", "Criticality", "Customers lost", "Weight lost (share)", "By tier",
               "Redundancy")
    uncovered = [e for e in entries if redundancy_of(topology, e) == NO_REDUNDANCY]
    top = entries[0] if entries else None
    facts = Facts((("Components", str(len(topology.components))), ("Customers", str(len(model.customers))),
                   ("Total customer weight", f"{model.customers.total_weight:g}"),
                   ("Components putting customers at risk", str(len(entries))),
                   ("Without redundancy", str(len(uncovered)))))
    blocks: list = [facts]
    if top is not None:
        blocks.append(Paragraph(f"Worst single point of failure: {top.name} ({top.id}) — losing it takes down "
                                f"{top.customers} customers, {top.share * 100:.1f} % of all customer weight.",
                                "warning"))
    sections = (
        Section("Summary", tuple(blocks)),
        Section("Ranking", (Table(headers, rows, caption="Customer weight lost if each component alone fails",
                                  numeric=(0, 3, 4)),)),
        Section("Rules", (Rules("How the ranking is made", SPOF_RULES),)),
    )
    document = Document(title="SPOF analysis", generated_at=generated_at, subtitle=f"as of {clock.when(generated_at)}",
                        sections=sections, footer="Vigil NOC SPOF report")
    data = {"report": "spof", "generated_at": generated_at.isoformat(),
            "total_customers": len(model.customers), "total_customer_weight": model.customers.total_weight,
            "components": [{**e.to_dict(), "group": by_id[e.id].group, "redundancy": redundancy_of(topology, e)}
                           for e in entries],
            "rules": list(SPOF_RULES)}
    return document, data
