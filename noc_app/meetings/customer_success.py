"""The weekly Customer Success review: per customer touched, what it lived through, flagged red or orange.

A customer is *touched* in a week when an incident names it or it had down
or degraded time. Flags follow the rules printed in the report (FLAG_RULES).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from noc_app.availability.accounting import compute_availability
from noc_app.availability.document import accounting_rules
from noc_app.availability.history import read_history
from noc_app.availability.sla import SlaStanding, format_target
from noc_app.reader_time import ReaderClock
from noc_app.reports import Document, Facts, Paragraph, Rules, Section, Table
from noc_app.storage import models as db
from noc_app.topology.model import Topology

URGENT = ("P1", "P2")
RED, ORANGE, NONE = "RED", "ORANGE", "—"

FLAG_RULES = (
    "RED: the customer's SLA is breached month to date, or it had two or more P1/P2 incidents this month.",
    "ORANGE (when not red): 80 % or more of the month's SLA budget is used, or the budget would be "
    "breached if its no-data time was down, or an update promised to customers in one of its incidents "
    "came late or never this week.",
    "Impact minutes: time the customer was down or degraded this week (maintenance excluded), as in the "
    "availability report.",
    "SLA standing: month to date, from the 1st of the month of the week's last day to the end of the week "
    "(or now).",
    "A promise is the 'next update by' time set when customers were notified; it is missed when the next "
    "customer notice was sent after it, or none was by then.",
)


@dataclass(frozen=True)
class CustomerWeek:
    id: str
    name: str
    tier: str
    incidents: tuple[tuple[int, str | None, str], ...]  # (id, priority, title) this week
    impact_s: float
    down_s: float
    sla: SlaStanding | None
    urgent_this_month: int
    promises_missed: int
    flag: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "tier": self.tier,
                "incidents": [{"id": i, "priority": p, "title": t} for i, p, t in self.incidents],
                "impact_minutes": round(self.impact_s / 60, 2), "down_minutes": round(self.down_s / 60, 2),
                "sla": self.sla.to_dict() if self.sla else None, "p1_p2_this_month": self.urgent_this_month,
                "promises_missed": self.promises_missed, "flag": self.flag.lower() if self.flag != NONE else None,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class CustomerSuccessReview:
    week: str
    start: dt.datetime
    end: dt.datetime
    month_start: dt.datetime
    customers: tuple[CustomerWeek, ...]

    def to_dict(self) -> dict:
        return {"report": "customer-success", "week": self.week, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "month_from": self.month_start.isoformat(),
                "customers": [c.to_dict() for c in self.customers], "flag_rules": list(FLAG_RULES)}


def _missed_promises(session: Session, incident_ids: list[int], start: dt.datetime, end: dt.datetime,
                     now: dt.datetime) -> dict[int, int]:
    """Per incident: promises due inside [start, end) that the next customer notice did not keep."""
    if not incident_ids:
        return {}
    e = db.TimelineEvent
    events = session.execute(select(e.incident_id, e.at, e.data).where(
        e.incident_id.in_(incident_ids), e.kind == "notification_sent").order_by(e.incident_id, e.at)).all()
    notices: dict[int, list[dt.datetime]] = {}
    promises: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for incident_id, at, data in events:
        data = data or {}
        if data.get("audience") != "customers":
            continue
        notices.setdefault(incident_id, []).append(at)
        if data.get("next_update_due_at"):
            promises.setdefault(incident_id, []).append((at, dt.datetime.fromisoformat(data["next_update_due_at"])))
    missed: dict[int, int] = {}
    for incident_id, made in promises.items():
        for made_at, due in made:
            if not (start <= due < end) or due > now:
                continue
            following = [n for n in notices.get(incident_id, ()) if n > made_at]
            if not following or following[0] > due:
                missed[incident_id] = missed.get(incident_id, 0) + 1
    return missed


def read_customer_success(session: Session, topology: Topology, start: dt.datetime, end: dt.datetime,
                          now: dt.datetime, week: str, clock: ReaderClock | None = None) -> CustomerSuccessReview:
    zone = clock.zone if clock else dt.timezone.utc
    last_day = (end - dt.timedelta(seconds=1)).astimezone(zone).date()
    month_start = dt.datetime.combine(last_day.replace(day=1), dt.time(0), zone).astimezone(dt.timezone.utc)
    stop = min(end, now)
    week_avail = compute_availability(topology, read_history(session, start, stop), start, end, now=now)
    month_avail = compute_availability(topology, read_history(session, month_start, stop), month_start, end, now=now)
    month_rows = {r.id: r for r in month_avail.customers}

    i, ic = db.Incident, db.IncidentCustomer
    linked = session.execute(select(ic.customer_id, i.id, i.priority, i.title, i.first_recorded_at)
                             .join(i, i.id == ic.incident_id)
                             .where(i.first_recorded_at < end,
                                    or_(i.closed_at.is_(None), i.closed_at >= month_start))).all()
    in_week: dict[str, list[tuple[int, str | None, str]]] = {}
    urgent: dict[str, int] = {}
    week_ids: set[int] = set()
    for customer_id, iid, priority, title, recorded in linked:
        if recorded >= month_start and priority in URGENT:
            urgent[customer_id] = urgent.get(customer_id, 0) + 1
        if recorded < end and (recorded >= start or _open_in(session, iid, start)):
            in_week.setdefault(customer_id, []).append((iid, priority, title))
            week_ids.add(iid)
    missed_by_incident = _missed_promises(session, sorted(week_ids), start, end, now)

    rows = []
    for r in week_avail.customers:
        b = r.breakdown
        impact = (b.down_s + b.degraded_s) if b else 0.0
        incidents = tuple(sorted(in_week.get(r.id, ())))
        if not incidents and impact <= 0:
            continue
        sla = month_rows[r.id].sla if r.id in month_rows else None
        missed = sum(missed_by_incident.get(iid, 0) for iid, _, _ in incidents)
        reasons, flag = [], NONE
        if sla and sla.breached:
            reasons.append("SLA breached (month to date)")
        if urgent.get(r.id, 0) >= 2:
            reasons.append(f"{urgent[r.id]} P1/P2 incidents this month")
        if reasons:
            flag = RED
        else:
            if sla and sla.used_share >= 0.8:
                reasons.append(f"{sla.used_share * 100:.0f} % of the SLA budget used")
            elif sla and sla.at_risk:
                reasons.append("SLA at risk: breached if its no-data time was down")
            if missed:
                reasons.append(f"{missed} update promise{'s' if missed > 1 else ''} missed")
            if reasons:
                flag = ORANGE
        rows.append(CustomerWeek(r.id, r.name, r.detail, incidents, impact, b.down_s if b else 0.0, sla,
                                 urgent.get(r.id, 0), missed, flag, tuple(reasons)))
    order = {RED: 0, ORANGE: 1, NONE: 2}
    rows.sort(key=lambda c: (order[c.flag], -c.impact_s, c.id))
    return CustomerSuccessReview(week, start, end, month_start, tuple(rows))


def _open_in(session: Session, incident_id: int, start: dt.datetime) -> bool:
    closed = session.scalar(select(db.Incident.closed_at).where(db.Incident.id == incident_id))
    return closed is None or closed >= start


def customer_success_document(review: CustomerSuccessReview, clock: ReaderClock,
                              generated_at: dt.datetime) -> Document:
    red = [c for c in review.customers if c.flag == RED]
    orange = [c for c in review.customers if c.flag == ORANGE]
    blocks = [Facts((("Week", f"{review.week}: {clock.when(review.start)} → {clock.when(review.end)}"),
                     ("Customers touched", str(len(review.customers))),
                     ("RED flags", str(len(red))), ("ORANGE flags", str(len(orange)))))]
    if red:
        blocks.append(Paragraph("RED: " + "; ".join(f"{c.name} — {', '.join(c.reasons)}" for c in red), "warning"))
    if orange:
        blocks.append(Paragraph("ORANGE: " + "; ".join(f"{c.name} — {', '.join(c.reasons)}" for c in orange),
                                "warning"))

    def sla_cell(sla: SlaStanding | None) -> str:
        if sla is None:
            return "no SLA"
        return f"{sla.word}, {sla.used_share * 100:.0f} % of budget ({format_target(sla.target)})"

    # Seven short columns so the A4 PDF keeps words whole; the reasons are in the flags above.
    table = Table(("Flag", "Customer", "Incidents", "Impact min", "SLA, month to date", "P1/P2 month", "Promises missed"),
                  tuple((c.flag, f"{c.name} ({c.id})",
                         ", ".join(f"#{iid} {p or '—'}" for iid, p, _ in c.incidents) or "none",
                         f"{c.impact_s / 60:.1f}", sla_cell(c.sla), str(c.urgent_this_month),
                         str(c.promises_missed)) for c in review.customers),
                  caption="Customers touched this week, red first", numeric=(3, 5, 6))
    sections = (Section("Summary", tuple(blocks)), Section("Customers", (table,)),
                Section("Rules", (Rules("Flags", FLAG_RULES), accounting_rules())))
    return Document(title="Customer Success weekly review", generated_at=generated_at,
                    subtitle=f"{review.week} · {clock.when(review.start)} → {clock.when(review.end)}",
                    sections=sections, footer="Vigil NOC customer-success report")
