"""Write one incident's post-mortem report in any format, for either audience.

The one function the command line, the incident dialog and the board all
call (the GUI from a worker thread): read the facts in one transaction,
draw the chart (internal HTML, Markdown and PDF), build the document, write
it atomically through ``noc_app.reports``.
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


@dataclass(frozen=True)
class ExportResult:
    path: Path
    incident_id: int
    fmt: str
    audience: str
    in_progress: bool


def _chart_png(session: Session, facts: ReportFacts) -> tuple[bytes | None, int]:
    if chart.renderer() is None or not facts.components:
        return None, 0
    start, _end = facts.window
    request = chart.chart_request(session, [(c.id, c.role) for c in facts.components], start,
                                  facts.metrics.moment("detected_at"), facts.header.restored_at,
                                  facts.generated_at)
    return chart.draw(request), request.omitted


def export_incident(sessions: sessionmaker[Session], incident_id: int, fmt: str, out: str | Path,
                    audience: str = "internal", now: dt.datetime | None = None) -> ExportResult:
    """Raises ``NotFoundError`` (unknown incident) or ``ReportOutputError`` (bad ``out``)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    moment = report_moment(now)
    with sessions() as session:
        facts = load_report_facts(session, incident_id, moment)
        png, omitted = (_chart_png(session, facts)
                        if audience == "internal" and fmt in CHART_FORMATS else (None, 0))
    if audience == "customer":
        document, data = customer_document(facts), customer_json(facts)
    else:
        document, data = internal_document(facts, png, omitted), internal_json(facts)
    path = write_report(document, fmt, out, json_data=data)
    return ExportResult(path, incident_id, fmt, audience, facts.in_progress)
