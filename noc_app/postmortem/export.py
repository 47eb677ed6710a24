"""Write one incident's post-mortem report in any format, for either audience.

Three steps:

1. ``prepare_export`` — read every fact in one transaction, and the chart's
   data when the format shows it (internal HTML, Markdown, PDF);
2. ``chart.draw`` — the Qt layer draws the PNG (QPainter on a QImage: any thread);
3. ``finish_export`` — build the document and write it atomically through
   ``noc_app.reports``.

``export_incident`` runs the three in a row, on the command line's thread
or on a worker of the GUI ("Export…").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from noc_app.postmortem import AUDIENCES, EXPORT_FORMATS, chart
from noc_app.postmortem.customer_report import customer_document, customer_json
from noc_app.postmortem.export_json import internal_json
from noc_app.postmortem.facts import ReportFacts, load_report_facts
from noc_app.postmortem.report import internal_document, report_moment
from noc_app.reports import write_report

CHART_FORMATS = ("html", "md", "pdf")


@dataclass(frozen=True, eq=False)
class PreparedExport:
    facts: ReportFacts
    fmt: str
    audience: str
    chart: chart.ChartRequest | None  # None: this format or audience shows no chart


@dataclass(frozen=True)
class ExportResult:
    path: Path
    incident_id: int
    fmt: str
    audience: str
    in_progress: bool


def _check(fmt: str, audience: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")


def _chart_request(session: Session, facts: ReportFacts) -> chart.ChartRequest | None:
    if not facts.components:
        return None
    start, _end = facts.window
    return chart.chart_request(session, [(c.id, c.role) for c in facts.components], start,
                               facts.metrics.moment("detected_at"), facts.header.restored_at,
                               facts.generated_at)


def prepare_export(sessions: sessionmaker[Session], incident_id: int, fmt: str,
                   audience: str = "internal", now: dt.datetime | None = None,
                   with_chart: bool = True) -> PreparedExport:
    """Step 1 (database only). Raises ``NotFoundError`` for an unknown incident."""
    _check(fmt, audience)
    with sessions() as session:
        facts = load_report_facts(session, incident_id, report_moment(now))
        wants_chart = with_chart and audience == "internal" and fmt in CHART_FORMATS
        request = _chart_request(session, facts) if wants_chart else None
    return PreparedExport(facts, fmt, audience, request)


def finish_export(prepared: PreparedExport, out: str | Path, chart_png: bytes | None = None) -> ExportResult:
    """Step 3 (no database): the document, written. ``ReportOutputError`` for a bad ``out``."""
    facts = prepared.facts
    if prepared.audience == "customer":
        document, data = customer_document(facts), customer_json(facts)
    else:
        omitted = prepared.chart.omitted if prepared.chart is not None else 0
        document, data = internal_document(facts, chart_png, omitted), internal_json(facts)
    path = write_report(document, prepared.fmt, out, json_data=data)
    return ExportResult(path, facts.header.id, prepared.fmt, prepared.audience, facts.in_progress)


def export_incident(sessions: sessionmaker[Session], incident_id: int, fmt: str, out: str | Path,
                    audience: str = "internal", now: dt.datetime | None = None) -> ExportResult:
    """All three steps in this thread (the command line, or a GUI worker)."""
    prepared = prepare_export(sessions, incident_id, fmt, audience, now,
                              with_chart=chart.renderer() is not None)
    png = chart.draw(prepared.chart) if prepared.chart is not None else None
    return finish_export(prepared, out, png)
