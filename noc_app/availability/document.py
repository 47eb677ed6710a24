"""An availability computation as a report document (every format) and as its JSON contract."""

from __future__ import annotations

import datetime as dt

from noc_app.availability.accounting import Availability, Row
from noc_app.availability.rules import ACCOUNTING_RULES, ACCOUNTING_RULES_TITLE
from noc_app.availability.sla import format_target
from noc_app.reader_time import ReaderClock, duration, minutes
from noc_app.reports import Document, Facts, Paragraph, Rules, Section, Table

# Seven narrow columns: a PDF page (A4) keeps every cell on one line.
HEADERS = ("Name (id)", "Avail.", "Worst case", "Down", "Degraded", "Maint.", "No data")
SLA_HEADERS = ("Customer", "Tier", "Target", "Budget", "Used", "Used %", "Standing")


def accounting_rules() -> Rules:
    return Rules(ACCOUNTING_RULES_TITLE, ACCOUNTING_RULES)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.3f}%"


def _cells(row: Row, with_hours: bool) -> tuple[str, ...]:
    b = row.breakdown
    name = f"{row.name} ({row.id})" if row.name != row.id else row.id
    hours = (row.hours,) if with_hours else ()
    if b is None:
        return (name, "not measured", "—", "—", "—", "—", "—", *hours)
    return (name, percent(b.availability), percent(b.worst_case), minutes(b.down_s),
            minutes(b.degraded_s), minutes(b.maintenance_s), minutes(b.no_data_s), *hours)


def _table(rows: tuple[Row, ...], caption: str, with_hours: bool) -> Table:
    headers = HEADERS + (("Hours counted",) if with_hours else ())
    return Table(headers, tuple(_cells(r, with_hours) for r in rows), caption=caption, numeric=(1, 2, 3, 4, 5, 6))


def _worst_first(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """Lowest availability first; rows never measured last (they have no figure to rank)."""
    return tuple(sorted(rows, key=lambda r: (r.breakdown is None,
                                             r.breakdown.availability if r.breakdown and
                                             r.breakdown.availability is not None else 2.0, r.id)))


def _most_used_first(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    return tuple(sorted(rows, key=lambda r: (-(r.sla.used_share if r.sla else 0.0), r.id)))


def _limited(rows: tuple[Row, ...], limit: int | None, order, what: str) -> tuple[tuple[Row, ...], Paragraph | None]:
    """``rows`` as they are, or the ``limit`` first by ``order`` with a line saying where the rest is."""
    if limit is None or len(rows) <= limit:
        return rows, None
    return order(rows)[:limit], Paragraph(
        f"Listed here: the {limit} {what}, of {len(rows)}; every row is in the html, md, csv and json "
        "formats of this report.", "note")


def sla_table(rows: tuple[Row, ...]) -> Table:
    cells = []
    for r in rows:
        if r.sla is None:
            continue
        s = r.sla
        cells.append((f"{r.name} ({r.id})", r.detail, format_target(s.target), duration(s.budget_s),
                      duration(s.used_s), f"{s.used_share * 100:.0f} %", s.word))
    return Table(SLA_HEADERS, tuple(cells), caption="SLA: budget of allowed downtime, used, breaches",
                 numeric=(3, 4, 5))


# A PDF is read by a person: the worst rows of a big estate, not 100 pages of them (Qt lays out
# and paints ~5,000 rows in ~8 s). Every other format carries every row.
PDF_ROW_LIMIT = 100
BREACHES_NAMED = 25  # a summary line, not the table: the SLA table below lists every one


def breach_list(breached: list[Row]) -> str:
    named = ", ".join(f"{r.name} ({r.id})" for r in breached[:BREACHES_NAMED])
    more = len(breached) - BREACHES_NAMED
    return named + (f" and {more} more (every one in the SLA table)" if more > 0 else "")


def availability_document(result: Availability, clock: ReaderClock, generated_at: dt.datetime,
                          row_limit: int | None = None) -> Document:
    """``row_limit``: at most that many rows per table, worst first, saying so (the PDF: see PDF_ROW_LIMIT)."""
    scope = (f"customer {result.customer}" if result.customer else f"group {result.group}" if result.group
             else "all components and customers")
    meta = (("Period", f"{clock.when(result.start)} → {clock.when(result.requested_end)}"),
            ("Counted until", clock.when(result.end)),
            ("Scope", scope),
            ("Hours", "business hours (customer's timezone)" if result.business_hours else "around the clock"))
    breached = [r for r in result.customers if r.sla and r.sla.breached]
    sections = []
    summary = [Facts((("Customers", str(len(result.customers))),
                      ("SLA breached", str(len(breached))),
                      ("SLA at risk (no data)", str(sum(1 for r in result.customers if r.sla and r.sla.at_risk))),
                      ("80 % of budget used", str(sum(1 for r in result.customers if r.sla and r.sla.near)))))]
    if breached:
        summary.append(Paragraph("SLA BREACHED: " + breach_list(breached), tone="warning"))
    sections.append(Section("Summary", tuple(summary)))
    hours = result.business_hours

    def section(title: str, rows: tuple[Row, ...], what: str, table, order=_worst_first) -> Section:
        shown, note = _limited(rows, row_limit, order, what)
        return Section(title, ((note,) if note else ()) + (table(shown),))

    with_sla = tuple(r for r in result.customers if r.sla)
    if with_sla:
        sections.append(section("SLA", with_sla, "customers with the most of their budget used", sla_table,
                                _most_used_first))
    sections.append(section("Customers", result.customers, "customers with the lowest availability",
                            lambda rows: _table(rows, "Per customer; times in minutes", hours)))
    sections.append(section("Public components", result.public, "public components with the lowest availability",
                            lambda rows: _table(rows, "As the status page shows them; times in minutes", hours)))
    sections.append(section("Internal components", result.components, "components with the lowest availability",
                            lambda rows: _table(rows, "Per component, its own checks; times in minutes", hours)))
    sections.append(Section("Accounting rules", (accounting_rules(),)))
    return Document(title="Availability and SLA", generated_at=generated_at,
                    subtitle=f"{clock.when(result.start)} → {clock.when(result.requested_end)}",
                    meta=meta, sections=tuple(sections), footer="Vigil NOC availability report")


def availability_json(result: Availability, generated_at: dt.datetime) -> dict:
    return {
        "report": "availability",
        "generated_at": generated_at.isoformat(),
        "from": result.start.isoformat(), "to": result.requested_end.isoformat(),
        "counted_until": result.end.isoformat(),
        "business_hours": result.business_hours, "customer": result.customer, "group": result.group,
        "public_components": [r.to_dict() for r in result.public],
        "components": [r.to_dict() for r in result.components],
        "customers": [r.to_dict() for r in result.customers],
        "rules": list(ACCOUNTING_RULES),
    }
