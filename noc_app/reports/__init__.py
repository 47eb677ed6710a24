"""Documents that people read afterwards: post-mortems, availability and the meetings' reports.

One small document model (``document.py``) that every report builds, and one
renderer per format (HTML, Markdown, CSV here; PDF in the Qt layer through
``pdf_hook``). ``write_report`` turns a document into a file atomically, so a
reader never opens a half-written report.
"""

from noc_app.reports.document import Document, Facts, Image, Paragraph, Rules, Section, Table
from noc_app.reports.output import FORMATS, ReportOutputError, render, write_report

__all__ = ["Document", "FORMATS", "Facts", "Image", "Paragraph", "ReportOutputError", "Rules", "Section",
           "Table", "render", "write_report"]
