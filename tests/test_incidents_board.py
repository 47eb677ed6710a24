"""The incidents board and the worker it reads through."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from noc_app.incidents import DatabaseUnavailableError, IncidentService, Outbox
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace
from widgets.incidents import IncidentsBoard, IncidentWorker, Operation
from widgets.incidents.board import UPDATE
from widgets.incidents.worker import SAVED_LOCALLY, OpFailed, OpQueued

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(UTC)

    def __call__(self):
        return self.now


def test_operation_runs_a_plain_function_and_reports():
    op = Operation(lambda service: service["x"] * 2, {"x": 21}, ticket=7)
    got = []
    op.signals.done.connect(lambda ticket, result: got.append((ticket, result)))
    op.signals.failed.connect(lambda ticket, error: got.append((ticket, type(error).__name__)))
    op.run()
    Operation(lambda service: service["missing"], {}, ticket=8, signals=op.signals).run()
    assert got == [(7, 42), (8, "KeyError")]


class _Offline:
    def add_note(self, incident_id, text):
        raise DatabaseUnavailableError("database unreachable, nothing was saved (refused)")


def test_worker_queues_writes_while_the_database_is_away(qtbot, tmp_path):
    worker = IncidentWorker(_Offline(), Outbox(tmp_path / "outbox"), retry_ms=60_000)
    with qtbot.waitSignal(worker.queued, timeout=5000) as queued:
        worker.call("add_note", incident_id=1, text="kept 🔥")
    assert isinstance(queued.args[0], OpQueued) and queued.args[0].message == SAVED_LOCALLY
    assert [op.kwargs for op in worker.outbox.pending()] == [{"incident_id": 1, "text": "kept 🔥"}]
    # A read is never queued: it fails with one line.
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        worker.submit("get", lambda s: s.get(1))
    assert isinstance(failed.args[0], OpFailed) and failed.args[0].kind == "error"
    worker.pool.waitForDone(5000)


@pytest.fixture
def workspace(db_url):
    ws = open_workspace(TOPOLOGY, db_url)
    yield ws
    ws.close()


def test_board_counts_down_then_goes_overdue(workspace, qtbot, qtmodeltester):
    service = IncidentService(workspace.sessions, "alice")
    clock = Clock()
    first = service.open_incident("Checkout down", "internal_monitoring", component_ids=["api"])
    service.classify(first.incident_id, "high", "high", first.version)
    second = service.open_incident("Reports late", "customer_call", component_ids=["reporting"])
    with transaction(workspace.sessions) as s:
        s.get(db.Incident, first.incident_id).next_update_due_at = clock.now + dt.timedelta(minutes=2)
    board = IncidentsBoard(service, clock=clock)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitUntil(lambda: board.model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(board.model)
    model = board.model
    assert model.index(0, 0).data() == "P1 CRITICAL" and model.index(1, 0).data() == "UNCLASSIFIED"
    assert model.index(0, UPDATE).data() == "update due in 2:00"  # the clock is frozen
    assert model.index(1, UPDATE).data() == "no update promised"

    clock.now += dt.timedelta(minutes=3, seconds=5)
    with qtbot.waitSignal(board.updateDue, timeout=3000) as due:
        board.tick()
    assert due.args == [first.incident_id]
    assert model.index(0, UPDATE).data() == "UPDATE OVERDUE 1:05"
    assert model.index(0, UPDATE).data(Qt.ItemDataRole.BackgroundRole).name() == "#ffffff"
    assert "1 CUSTOMER UPDATE OVERDUE" in board.summary.text()
    fired = []
    board.updateDue.connect(fired.append)
    board.tick()
    assert fired == []  # once per promise

    # Another workstation's change shows within the 2 s refresh.
    IncidentService(workspace.sessions, "bob").record(second.incident_id, second.version,
                                                      title="Reports late for ACME")
    qtbot.waitUntil(lambda: "Reports late for ACME" in (model.index(1, 1).data() or ""), timeout=3000)

    with qtbot.waitSignal(board.openIncident, timeout=2000) as opened:
        board.view.doubleClicked.emit(model.index(1, 1))
    assert opened.args == [second.incident_id]
    board._refresh.stop()
    board.worker.pool.waitForDone(5000)
