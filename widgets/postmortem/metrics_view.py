"""The how-soon figures on screen: a one-line strip for the dialog header, the full table for Close.

Every figure carries its definition (``DEFINITIONS``, the same sentences the
reports print): in the table beside it, on the strip as its tooltip.  A
figure never reached says so in words ("not reached: no customer notice
sent"), never by colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from noc_app.postmortem.definitions import CONTRACT_KEYS, DEFINITIONS, EXTRA_DEFINITIONS
from noc_app.postmortem.formatting import duration, local
from noc_app.postmortem.metrics import HowSoon

#: The strip's short words, in the order of the practice's questions.
STRIP = (("detect_s", "detect"), ("know_extent_s", "extent"), ("know_impact_s", "who"),
         ("start_handling_s", "handling"), ("inform_customers_s", "told"), ("resolve_s", "restored"),
         ("inform_resolution_s", "resolved notice"))


def figure_text(metrics: HowSoon, name: str) -> str:
    value = metrics.value(name)
    if name == "impact_started_at":
        return local(value)
    return duration(value) if value is not None else f"not reached: {metrics.why(name)}"


def promises_text(metrics: HowSoon) -> str:
    if not metrics.promises:
        return "no promise made"
    late = [p for p in metrics.promises if p.status in ("late", "missed")]
    return f"{metrics.promises_kept} of {len(metrics.promises)} kept" + (
        f", {len(late)} late or missed" if late else "")


class MetricsStrip(QLabel):
    """``How soon: detect 2 min · extent 6 min · …`` — hidden until the service is restored."""

    def __init__(self, parent=None):
        super().__init__(parent, objectName="metricsStrip")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.hide()

    def show_metrics(self, metrics: HowSoon | None, restored: bool) -> None:
        if metrics is None or not restored:
            self.hide()
            return
        parts = []
        for name, word in STRIP:
            value = metrics.value(name)
            parts.append(f"{word} {duration(value) if value is not None else '—'}")
        parts.append(f"promises {metrics.promises_kept}/{len(metrics.promises)} kept")
        self.setText("How soon:  " + "  ·  ".join(parts))
        self.setToolTip("\n".join(
            f"{DEFINITIONS[name].label}: {figure_text(metrics, name)} — {DEFINITIONS[name].sentence}"
            for name, _ in STRIP))
        self.show()


def metric_table_rows(metrics: HowSoon) -> list[tuple[str, str, str]]:
    """(figure with its from → to on a second line, value, definition)."""
    rows = []
    for name in CONTRACT_KEYS:
        d = DEFINITIONS[name]
        label = d.label if name == "impact_started_at" else f"{d.label}\n{d.start} → {d.end}"
        rows.append((label, figure_text(metrics, name), d.sentence))
    extra = EXTRA_DEFINITIONS
    minutes = ", ".join(f"{tier} {m:.0f}" for tier, m in metrics.customer_impact_minutes) or "none"
    rows += [
        (extra["customer_impact_minutes"].label, minutes, extra["customer_impact_minutes"].sentence),
        (extra["customer_impact_weighted_minutes"].label, f"{metrics.customer_impact_weighted_minutes:.0f}",
         extra["customer_impact_weighted_minutes"].sentence),
        (extra["updates_sent"].label, str(metrics.updates_sent), extra["updates_sent"].sentence),
        (extra["promises"].label, promises_text(metrics), extra["promises"].sentence),
    ]
    return rows


class MetricsTable(QTableWidget):
    """Figure (from → to), value, definition: one row per how-soon figure, rows as tall as their text."""

    HEADERS = ("Figure (from → to)", "Value", "Definition")

    def __init__(self, parent=None):
        super().__init__(0, len(self.HEADERS), parent)
        self.setObjectName("metricsTable")
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        for column in range(2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # The definition wraps: rows follow its width whenever the columns change.
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())
        self._shown = None

    def show_metrics(self, metrics: HowSoon | None) -> None:
        rows = metric_table_rows(metrics) if metrics is not None else [
            ("—", "loading…", "", "")]
        if rows == self._shown:
            return  # the 2-second refresh must not reset the scroll position
        self._shown = rows
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(row[2])
                self.setItem(r, c, item)
        self.resizeRowsToContents()
