"""The post-mortem in the GUI: the how-soon strip and table, the record, stars, Export… (dialog and board)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

import main
from noc_app.incidents import DraftStore, IncidentService, Outbox
from noc_app.workspace import open_workspace
from postmortem_incident import TOPOLOGY, prepare, run_script
from smtp_server import SmtpServer
from widgets.incidents import IncidentDialog, IncidentWorker
from widgets.postmortem.closed_panel import ClosedIncidentsPanel

WAIT = 15_000


@pytest.fixture
def env(tmp_path, qtbot, qapp):
    main._install_pdf_renderer()  # the chart and PDF hooks, as the app has them
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
        prepare(workspace.sessions)
        iid = run_script(workspace.sessions, smtp.port, close=False)
    service = IncidentService(workspace.sessions, "alice")
    worker = IncidentWorker(service, Outbox(tmp_path / "outbox"), retry_ms=300)
    try:
        yield service, worker, DraftStore(tmp_path / "drafts"), iid, tmp_path
    finally:
        worker.pool.waitForDone(20_000)
        workspace.close()


def open_dialog(qtbot, worker, drafts, iid) -> IncidentDialog:
    dlg = IncidentDialog(worker, iid, drafts=drafts)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.snapshot is not None and dlg.postmortem.metrics is not None, timeout=WAIT)
    return dlg


def export_from_dialog(qtbot, dlg, fmt: str, path, done=("Wrote",)):
    """Export… in the incident dialog: format, path, Export; returns the export box once it answered."""
    qtbot.mouseClick(dlg.postmortem.export_button, Qt.MouseButton.LeftButton)
    box = dlg.postmortem.export_dialog
    box.format.setCurrentIndex(box.format.findData(fmt))
    box.path.setText(str(path))
    qtbot.mouseClick(box.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.status.text().startswith(done), timeout=30_000)
    return box


def test_strip_once_restored_and_the_full_table_in_close(env, qtbot):
    service, worker, drafts, iid, _ = env
    dlg = open_dialog(qtbot, worker, drafts, iid)
    strip = dlg.postmortem.strip
    qtbot.waitUntil(strip.isVisible, timeout=WAIT)
    assert strip.text().startswith("How soon:  detect 2 min 00 s  ·  extent 6 min 00 s")
    assert "restored 95 min" in strip.text() and "promises 1/2 kept" in strip.text()
    assert "How long customers were hurt before anyone knew" in strip.toolTip()
    table = dlg.close_section.metrics
    cells = {table.item(r, 0).text().split("\n")[0]: (table.item(r, 1).text(), table.item(r, 2).text())
             for r in range(table.rowCount())}
    assert cells["Time to inform customers"][0] == "9 min 00 s"
    assert cells["Time to announce the resolution"] == ("10 min", "Restored to the first \"resolved\" notice "
                                                                   "delivered to customers.")
    assert cells["Next-update promises"][0] == "1 of 2 kept, 1 late or missed"


def test_postmortem_texts_saved_exactly_and_merged_on_conflict(env, qtbot):
    service, worker, drafts, iid, _ = env
    alice = open_dialog(qtbot, worker, drafts, iid)
    bob = open_dialog(qtbot, worker, DraftStore(drafts.directory.parent / "bob"), iid)
    form = alice.close_section.postmortem
    text = "  We got lucky:\r\nthe DBA 🙂 was awake\u2029" + "x" * 50_000
    form.edits["got_lucky"].setPlainText(text)
    alice.tabs.setCurrentWidget(alice.close_section)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get(iid).got_lucky != "", timeout=WAIT)
    assert service.get(iid).got_lucky == form.edits["got_lucky"].toPlainText()
    # Two people write the lessons: the second save shows both and a line merge.
    service.record_postmortem(iid, service.get(iid).version, lessons_learned="one\ntwo\nthree\n")
    qtbot.waitUntil(lambda: bob.close_section.postmortem.edits["lessons_learned"].toPlainText() == "one\ntwo\nthree\n",
                    timeout=WAIT)
    alice_version = service.get(iid).version
    service.record_postmortem(iid, alice_version, lessons_learned="one (alice)\ntwo\nthree\n")
    bob.close_section.postmortem.edits["lessons_learned"].setPlainText("one\ntwo\nthree (bob)\n")
    qtbot.mouseClick(bob.close_section.postmortem.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bob.conflict_dialog is not None and bob.conflict_dialog.isVisible(), timeout=WAIT)
    merged = bob.conflict_dialog.merged["lessons_learned"]
    assert merged.toPlainText() == "one (alice)\ntwo\nthree (bob)\n"
    qtbot.mouseClick(bob.conflict_dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get(iid).lessons_learned == "one (alice)\ntwo\nthree (bob)\n", timeout=WAIT)


def test_starring_a_timeline_event_makes_it_a_key_moment(env, qtbot):
    service, worker, drafts, iid, _ = env
    dlg = open_dialog(qtbot, worker, drafts, iid)
    timeline = dlg.timeline
    restored = next(r for r in range(timeline.list.count()) if "service restored" in timeline.list.item(r).text())
    timeline.list.setCurrentRow(restored)
    assert timeline.star_button.isEnabled() and timeline.star_button.text().startswith("☆")
    qtbot.mouseClick(timeline.star_button, Qt.MouseButton.LeftButton)
    event_id = timeline.list.item(restored).data(Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(lambda: service.get(iid).key_moments == (event_id,), timeout=WAIT)
    qtbot.waitUntil(lambda: timeline.list.item(restored).text().startswith("★ "), timeout=WAIT)
    timeline.list.setCurrentRow(restored)
    assert timeline.star_button.text().startswith("★ Remove")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_export_from_the_dialog_and_from_the_board(env, qtbot):
    service, worker, drafts, iid, tmp_path = env
    dlg = open_dialog(qtbot, worker, drafts, iid)
    box = export_from_dialog(qtbot, dlg, "pdf", tmp_path / "from-dialog.pdf")
    assert "IN PROGRESS" in box.status.text()  # not closed yet
    text = subprocess.run(["pdftotext", str(tmp_path / "from-dialog.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Post-mortem: incident #" in text and "IN PROGRESS" in text
    box.path.setText(str(tmp_path / "no" / "such" / "dir" / "x.pdf"))
    qtbot.mouseClick(box.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.status.text().startswith("Not exported"), timeout=30_000)
    assert "does not exist" in box.status.text()

    # Closed: it shows on the board's closed panel with its figures, and exports from there.
    service.close(iid, "pool too small", [], None, None, service.get(iid).version)
    panel = ClosedIncidentsPanel(worker)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=WAIT)
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert row[0].startswith(f"#{iid}") and row[3:] == ["2 min 00 s", "9 min 00 s", "95 min", "10 min", "1/2"]
    panel.table.selectRow(0)
    export = panel.open_export()
    export.format.setCurrentIndex(export.format.findData("html"))
    export.audience.setCurrentIndex(export.audience.findData("customer"))
    export.path.setText(str(tmp_path / "board.html"))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: export.status.text().startswith("Wrote"), timeout=30_000)
    assert "Incident report" in (tmp_path / "board.html").read_text()


def test_export_draws_the_chart_in_a_worker_while_the_gui_thread_runs(env, qtbot):
    """The chart used to be drawn with widgets on the GUI thread (0.3-0.9 s frozen). The renderer
    here waits, while drawing, for a timer of the GUI thread to fire: on the GUI thread it would
    wait in vain."""
    import threading

    from PySide6.QtCore import QTimer

    from noc_app.postmortem import chart

    service, worker, drafts, iid, tmp_path = env
    drawing, gui_ran, seen = threading.Event(), threading.Event(), []
    real = chart.renderer()

    def watched(request):
        drawing.set()
        seen.append((threading.current_thread() is threading.main_thread(), gui_ran.wait(10)))
        return real(request)

    tick = QTimer(interval=10, timeout=lambda: drawing.is_set() and gui_ran.set())
    tick.start()
    chart.install(watched)
    try:
        dlg = open_dialog(qtbot, worker, drafts, iid)
        box = export_from_dialog(qtbot, dlg, "html", tmp_path / "threaded.html", done=("Wrote", "Not exported"))
    finally:
        chart.install(real)
        tick.stop()
    assert box.status.text().startswith("Wrote"), box.status.text()
    assert seen == [(False, True)]  # drawn once, off the GUI thread, while the GUI thread ran its timers
    assert (tmp_path / "threaded.html").read_text().count("data:image/png;base64,") == 1
