"""The GUI's Reports dialog writes a real report from a worker thread and shows one line of outcome."""

from __future__ import annotations

import datetime as dt

from availability_scenario import build
from widgets.reports.dialog import ReportsDialog, install_reports_menu


def test_dialog_writes_the_report_off_the_gui_thread(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path}/gui.db"
    workspace = build(url)
    topology = workspace.topology
    workspace.close()
    dialog = ReportsDialog(url, [(c.id, c.name) for c in topology.customers], ["Core", "Edge"],
                           out_dir=tmp_path, today=dt.date(2026, 11, 2))
    qtbot.addWidget(dialog)
    dialog.choose("availability")
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("md"))
    assert dialog.out.text() == str(tmp_path / "availability.md")
    dialog.date_from.setDate(dialog.date_to.date())
    dialog.customer.setCurrentIndex(dialog.customer.findData("acme"))
    dialog.start()
    assert dialog.runner.busy()  # the work is in the worker; the GUI thread came straight back
    qtbot.waitUntil(lambda: dialog.last_path is not None, timeout=30_000)
    text = (tmp_path / "availability.md").read_text()
    assert "ACME Corp" in text and "How the figures are counted" in text
    assert dialog.status.text().startswith("Written: ")

    dialog.choose("customer-success")
    dialog.week.setText("2026-W99")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("NOT WRITTEN"), timeout=30_000)
    assert '"2026-W99" is not an ISO week' in dialog.status.text()
    dialog.grab().save(str(tmp_path / "dialog.png"))


def test_reports_menu_on_the_main_window(qtbot, tmp_path):
    from PySide6.QtWidgets import QMainWindow

    from noc_app.topology import parse_topology
    from availability_scenario import TOPOLOGY

    window = QMainWindow()
    qtbot.addWidget(window)
    install_reports_menu(window, f"sqlite:///{tmp_path}/m.db", parse_topology(TOPOLOGY), out_dir=tmp_path)
    titles = [a.text() for a in window.reports_menu.actions()]
    assert titles == ["Availability and SLA…", "Daily Operations Sync…", "Customer Success weekly review…",
                      "SPOF analysis…"]
    window.reports_menu.actions()[3].trigger()
    assert window.reports_dialog.kind.currentData() == "spof" and window.reports_dialog.isVisible()
