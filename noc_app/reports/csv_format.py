"""A document's tables as CSV, for a spreadsheet.

Every table in order; each starts with a row holding its section and caption
in the first cell, then its header row and its rows, then one empty row.
Prose is left out: CSV is for the figures (the HTML/PDF carry the rules).
"""

from __future__ import annotations

import csv
import io

from noc_app.reports.document import Document


def to_csv(document: Document) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for section, table in document.tables():
        writer.writerow([" — ".join(part for part in (section.title, table.caption) if part)])
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        writer.writerow([])
    return out.getvalue()
