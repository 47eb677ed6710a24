"""The component detail view: loads off the GUI thread, newest request wins, draws real rows."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from history_data import seed_history, write_history_topology
from noc_app.workspace import open_workspace

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@pytest.fixture
def workspace(tmp_path):
    ws = open_workspace(write_history_topology(tmp_path / "t.toml", NOW), f"sqlite:///{tmp_path}/d.db")
    seed_history(ws.sessions, NOW, sample_hours=1.0, sample_s=10.0, rollup_days=1.0)
    yield ws
    ws.close()


def test_detail_loads_in_a_worker_and_draws(qtbot, workspace):
    from widgets.views.component_detail import ComponentDetailView

    gui = threading.get_ident()
    threads = []

    def factory():
        threads.append(threading.get_ident())
        return workspace.sessions()

    view = ComponentDetailView(factory, clock=lambda: NOW)
    qtbot.addWidget(view)
    try:
        with qtbot.waitSignal(view.historyShown, timeout=10000) as shown:
            view.show_component("api")
        assert gui not in threads  # never on the GUI thread
        history = shown.args[0]
        assert history.span == "1h" and view.title.text().startswith("Public API")
        assert view.transitions.topLevelItemCount() == 4
        assert view.changes.topLevelItem(0).text(1) == "chg-1042"
        assert "pool size back to 50" in view.articles.toPlainText()
        assert "available over 1h" in view.availability_plot.plotItem.titleLabel.text
        # verify_tls = false is written down in the topology and shown, never silent
        assert [c.tls_verified for c in history.checks] == [True, False]
        assert "TLS certificate NOT verified: api#1" in view.status.text()
        assert view._legend_names[1].endswith("TLS certificate NOT verified")

        with qtbot.waitSignal(view.historyShown, timeout=10000) as shown:
            view._span_buttons["24h"].click()
        assert shown.args[0].span == "24h" and view._span_buttons["24h"].isChecked()
    finally:
        view.close_loader()


def test_a_newer_request_supersedes_an_older_one(qtbot, workspace):
    from widgets.views.component_detail import ComponentDetailView

    gate = threading.Event()

    def slow_factory():
        gate.wait(5)  # hold the first load until both requests are posted
        return workspace.sessions()

    view = ComponentDetailView(slow_factory, clock=lambda: NOW)
    qtbot.addWidget(view)
    shown = []
    view.historyShown.connect(shown.append)
    try:
        view.show_component("db-main")
        view.show_component("api")
        view.set_span("24h")
        gate.set()
        qtbot.waitUntil(lambda: bool(shown) and shown[-1].component_id == "api" and shown[-1].span == "24h",
                        timeout=10000)
        qtbot.wait(200)
        assert [(h.component_id, h.span) for h in shown] == [("api", "24h")]
    finally:
        view.close_loader()
