"""The manage dialog end to end (pytest-qt) on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from noc_app.admin import ChangesAdmin, KnowledgeBase, MaintenanceAdmin, NotificationsAdmin, PeopleAdmin
from noc_app.workspace import open_workspace
from widgets.admin import ManageDialog
from widgets.theme import DARK_STYLESHEET

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
NASTY = "it's \"quoted\" 🔥 '); DROP TABLE changes;--\n  second line kept  "


@pytest.fixture
def ws(db_url):
    workspace = open_workspace(TOPOLOGY, db_url)
    yield workspace
    workspace.close()


@pytest.fixture
def dialog(qtbot, ws):
    dlg = ManageDialog(ws.sessions)
    qtbot.addWidget(dlg)
    settle(qtbot, dlg)
    return dlg


def settle(qtbot, dlg) -> None:
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=10_000)


def ids(page) -> list[str]:
    return [r.id for r in page.model.rows()]


def check(picker, *component_ids) -> None:
    for i in range(picker.count()):
        item = picker.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in component_ids:
            item.setCheckState(Qt.CheckState.Checked)


def save(qtbot, dlg, page) -> None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dlg)


def test_every_list_model_passes_the_model_tester(qtmodeltester, dialog):
    for page in (dialog.changes, dialog.kb, dialog.maintenance, dialog.people.people, dialog.people.teams,
                 dialog.people.policies, dialog.notifications.lists, dialog.notifications.templates):
        assert page.model.rowCount() > 0, page.noun
        qtmodeltester.check(page.model)


def test_changes_add_filter_and_invalid_input_keeps_text(qtbot, dialog, ws):
    page = dialog.changes
    assert ids(page) == ["chg-101"]
    page.new()
    page.id_edit.setText("chg-900")
    page.at_edit.setText("next tuesday")
    page.summary_edit.setPlainText(NASTY)
    check(page.components, "api")
    save(qtbot, dialog, page)
    assert page.error_text() == "when: 'next tuesday' is not a date and time like 2026-11-24 02:00"
    assert page.summary_edit.toPlainText() == NASTY and page.id_edit.text() == "chg-900"

    page.at_edit.setText("2026-11-23 06:00")
    save(qtbot, dialog, page)
    assert page.error_text() == ""
    assert ids(page) == ["chg-900", "chg-101"]  # newest first
    assert ChangesAdmin(ws.sessions).get("chg-900").summary == NASTY
    assert page.summary_edit.toPlainText() == NASTY and page.id_edit.isReadOnly()

    page.component_filter.setCurrentIndex(page.component_filter.findData("db-main"))
    settle(qtbot, dialog)
    assert ids(page) == ["chg-101"]


def test_changes_import_csv(qtbot, dialog, tmp_path):
    page = dialog.changes
    csv_file = tmp_path / "changes.csv"
    csv_file.write_text("id,at,author,summary,components\n"
                        "chg-300,2026-11-23T07:00:00+00:00,bob,Rotate keys,web\n", encoding="utf-8")
    page.import_file(str(csv_file))
    settle(qtbot, dialog)
    assert "1 added" in page.status.text() and "chg-300" in ids(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,at,author,summary,components\nchg-301,2026-11-23T07:00:00+00:00,bob,x,nope\n",
                   encoding="utf-8")
    page.import_file(str(bad))
    settle(qtbot, dialog)
    assert "nothing imported" in page.status.text() and "chg-301" not in ids(page)


def test_kb_live_search_and_add(qtbot, dialog, ws):
    page = dialog.kb
    qtbot.keyClicks(page.search_edit, "certificate")
    qtbot.waitUntil(lambda: not page._search_timer.isActive() and not dialog.busy(), timeout=5000)
    assert ids(page) == []
    page.new()
    page.id_edit.setText("kb-tls")
    page.title_edit.setText("TLS certificate expired")
    page.symptoms_edit.setPlainText("handshake failure\nbrowser warning")
    page.solution_edit.setPlainText(NASTY)
    page.script_edit.setPlainText("certbot renew --force-renewal\n")
    save(qtbot, dialog, page)
    assert page.error_text() == "" and ids(page) == ["kb-tls"]
    assert KnowledgeBase(ws.sessions).get("kb-tls").solution == NASTY

    page.search_edit.setText("HANDSHAKE")
    qtbot.waitUntil(lambda: not page._search_timer.isActive() and not dialog.busy(), timeout=5000)
    assert ids(page) == ["kb-tls"]
    assert "handshake" in page.model.data(page.model.index(0, 3)).lower()
    page.search_edit.setText("exhausted")
    qtbot.waitUntil(lambda: not page._search_timer.isActive() and not dialog.busy(), timeout=5000)
    assert ids(page) == ["kb-1"]
    page.table.selectRow(0)
    assert page.solution_edit.toPlainText().startswith("Restart the pgbouncer pods")


def test_maintenance_end_before_start_is_refused(qtbot, dialog, ws):
    page = dialog.maintenance
    page.new()
    page.id_edit.setText("mw-9")
    page.start_edit.setText("2026-12-01 04:00")
    page.end_edit.setText("2026-12-01 03:00")
    page.reason_edit.setPlainText(NASTY)
    check(page.components, "api", "web")
    save(qtbot, dialog, page)
    assert page.error_text().startswith("end: must be after the start")
    assert page.reason_edit.toPlainText() == NASTY and page.end_edit.text() == "2026-12-01 03:00"
    assert "mw-9" not in ids(page)

    page.end_edit.setText("2026-12-01T06:00+01:00")
    save(qtbot, dialog, page)
    assert page.error_text() == "" and "mw-9" in ids(page)
    stored = MaintenanceAdmin(ws.sessions).get("mw-9")
    assert stored.components == ("api", "web") and stored.reason == NASTY
    assert page.end_edit.text() == "2026-12-01 05:00"  # shown back in UTC


def test_people_add_invalid_and_delete_refused(qtbot, dialog, ws, monkeypatch):
    page = dialog.people.people
    page.new()
    page.id_edit.setText("carol")
    page.name_edit.setText("Carol 'DBA' O'Neil 🐘")
    page.email_edit.setText("carol.example.com")
    save(qtbot, dialog, page)
    assert page.error_text().startswith("email: 'carol.example.com' is not an e-mail address")
    assert page.name_edit.text() == "Carol 'DBA' O'Neil 🐘"
    page.email_edit.setText("carol@example.com")
    page.team_combo.setCurrentIndex(page.team_combo.findData("platform"))
    save(qtbot, dialog, page)
    assert page.error_text() == "" and "carol" in ids(page)
    assert PeopleAdmin(ws.sessions).get_person("carol").team_id == "platform"

    monkeypatch.setattr(type(page), "confirm_delete", lambda self, _id: True)
    page.table.selectRow(ids(page).index("alice"))
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert page.error_text().startswith("cannot delete person 'alice': still used by escalation policy")
    assert "alice" in ids(page)


def test_escalation_policy_levels(qtbot, dialog, ws):
    page = dialog.people.policies
    page.new()
    page.id_edit.setText("night")
    page.name_edit.setText("Night shift")
    page.levels_edit.set_levels(())
    page.levels_edit.add_level("0s", "bob")
    page.levels_edit.add_level("soon", "alice")
    save(qtbot, dialog, page)
    assert page.error_text().startswith("level 2:")
    page.levels_edit.table.item(1, 0).setText("15m")
    page.levels_edit.table.item(1, 1).setText("alice, ghost")
    save(qtbot, dialog, page)
    assert page.error_text() == "level 2: unknown person ghost"
    page.levels_edit.table.item(1, 1).setText("alice, bob")
    save(qtbot, dialog, page)
    assert page.error_text() == "" and "night" in ids(page)
    levels = PeopleAdmin(ws.sessions).get_policy("night").levels
    assert [(lv.delay_s, lv.people) for lv in levels] == [(0.0, ("bob",)), (900.0, ("alice", "bob"))]
    assert page.levels_edit.table.item(1, 0).text() == "15m"
    assert "night" in [dialog.people.teams.policy_combo.itemData(i)
                       for i in range(dialog.people.teams.policy_combo.count())]


def test_templates_preview_and_validation(qtbot, dialog, ws):
    page = dialog.notifications.templates
    page.new()
    page.id_edit.setText("resolved")
    page.name_edit.setText("Resolved")
    page.kind_combo.setCurrentText("resolved")
    page.body_edit.setPlainText("Fixed {incidnet_title}")
    assert page.preview_body.toPlainText().startswith("✖ template body: unknown placeholder {incidnet_title}")
    save(qtbot, dialog, page)
    assert page.error_text().startswith("template body: unknown placeholder {incidnet_title}")
    body = "Dear {customer_name}, {incident_title} is fixed. {{not a placeholder}} " + NASTY
    page.body_edit.setPlainText(body)
    assert page.preview_body.toPlainText().startswith("Dear ACME Corp, Checkout payments failing")
    assert "{not a placeholder}" in page.preview_body.toPlainText()
    assert page.preview_subject.text().startswith("[P1] ")
    save(qtbot, dialog, page)
    assert page.error_text() == "" and "resolved" in ids(page)
    assert NotificationsAdmin(ws.sessions).get_template("resolved").body == body


def test_notification_list_priorities(qtbot, dialog, ws):
    page = dialog.notifications.lists
    page.new()
    page.id_edit.setText("minor")
    page.name_edit.setText("Minor")
    page.people_edit.setText("bob")
    save(qtbot, dialog, page)
    assert page.error_text() == "priorities: pick at least one of P1–P5"
    page.priority_boxes["P3"].setChecked(True)
    page.emails_edit.setText("ops@example.com, oncall@example.com")
    save(qtbot, dialog, page)
    assert page.error_text() == "" and "minor" in ids(page)
    assert NotificationsAdmin(ws.sessions).get_list("minor").emails == ("ops@example.com", "oncall@example.com")


def test_database_failure_keeps_the_form(qtbot, dialog, monkeypatch):
    page = dialog.changes

    def down(_change):
        raise OperationalError("INSERT ...", {}, Exception("connection refused"))

    monkeypatch.setattr(page.admin, "create", down)
    page.new()
    page.id_edit.setText("chg-901")
    page.at_edit.setText("2026-11-23 06:00")
    page.summary_edit.setPlainText(NASTY)
    save(qtbot, dialog, page)
    assert page.error_text().startswith("database unavailable")
    assert page.summary_edit.toPlainText() == NASTY and page.id_edit.text() == "chg-901"
    assert page.save_button.isEnabled()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_screenshots(qtbot, dialog, tmp_path):
    """A PNG of each area at 1600×1000 (ADMIN_SHOTS_DIR to keep them, e.g. /tmp/admin-shots)."""
    out = Path(os.environ.get("ADMIN_SHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    dialog.setStyleSheet(DARK_STYLESHEET)
    dialog.resize(1600, 1000)
    dialog.show()
    dialog.kb.search_edit.setText("pool")
    qtbot.waitUntil(lambda: not dialog.kb._search_timer.isActive() and not dialog.busy(), timeout=5000)
    shots = {"changes": lambda: dialog.changes.table.selectRow(0),
             "kb": lambda: dialog.kb.table.selectRow(0),
             "maintenance": lambda: dialog.maintenance.table.selectRow(0),
             "people": lambda: dialog.people.setCurrentWidget(dialog.people.policies)
             or dialog.people.policies.table.selectRow(0),
             "notifications": lambda: dialog.notifications.setCurrentWidget(dialog.notifications.templates)
             or dialog.notifications.templates.table.selectRow(0)}
    for name, prepare in shots.items():
        dialog.show_area(name)
        prepare()
        qtbot.wait(50)
        assert dialog.grab().save(str(out / f"{name}.png"))
    page = dialog.maintenance  # what a refusal looks like: one line under the form, text kept
    dialog.show_area("maintenance")
    page.new()
    page.id_edit.setText("mw-late")
    page.start_edit.setText("2026-12-01 04:00")
    page.end_edit.setText("2026-12-01 03:00")
    page.reason_edit.setPlainText(NASTY)
    check(page.components, "api")
    save(qtbot, dialog, page)
    qtbot.wait(50)
    assert dialog.grab().save(str(out / "maintenance-error.png"))
    assert len(list(out.glob("*.png"))) >= 6
