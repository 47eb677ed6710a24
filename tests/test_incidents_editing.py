"""Two operators on one incident, and free text of any content: nothing lost, nothing mangled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from noc_app.incidents import (
    ConflictError, IncidentService, NotFoundError, ValidationError, merge_text, validate_template,
    TemplateError,
)
from noc_app.incidents.templates import render
from noc_app.workspace import open_workspace

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


@pytest.fixture
def workspace(db_url):
    ws = open_workspace(TOPOLOGY, db_url)
    yield ws
    ws.close()


@pytest.fixture
def sqlite_workspace(tmp_path):
    """For checks made before any SQL runs: one backend is enough (keeps the suite fast)."""
    ws = open_workspace(TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    yield ws
    ws.close()


def test_stale_save_raises_conflict_with_both_texts(workspace):
    alice = IncidentService(workspace.sessions, "alice")
    bob = IncidentService(workspace.sessions, "bob")
    opened = alice.open_incident("Slow API", "customer_call", "line 1\nline 2\nline 3\n",
                                 component_ids=["api"])
    base = alice.get(opened.incident_id)
    # Both start from the same version; Alice saves first.
    saved = alice.record(base.id, base.version, manifestation="line 1 (alice)\nline 2\nline 3\n")
    assert saved.version == base.version + 1 and saved.kinds_of_change == ("manifestation", "timeline")
    with pytest.raises(ConflictError) as info:
        bob.record(base.id, base.version, manifestation="line 1\nline 2\nline 3 (bob)\n",
                   title="Slow API")  # title unchanged: not a conflict
    error = info.value
    assert error.current_version == saved.version and error.expected_version == base.version
    [conflict] = error.conflicts
    assert (conflict.field, conflict.theirs, conflict.yours) == (
        "manifestation", "line 1 (alice)\nline 2\nline 3\n", "line 1\nline 2\nline 3 (bob)\n")
    assert alice.get(base.id).manifestation == "line 1 (alice)\nline 2\nline 3\n"  # nothing overwritten
    # The dialog merges against its base and retries with the current version.
    merged = merge_text(base.manifestation, conflict.theirs, conflict.yours)
    assert merged.clean and merged.text == "line 1 (alice)\nline 2\nline 3 (bob)\n"
    bob.record(base.id, error.current_version, manifestation=merged.text)
    assert alice.get(base.id).manifestation == merged.text
    # Timeline additions never conflict, whatever version the writer saw.
    bob.add_note(base.id, "no version needed")
    authors = [(e.kind, e.author) for e in alice.timeline(base.id)]
    assert authors == [("opened", "alice"), ("recorded", "alice"), ("recorded", "bob"), ("note", "bob")]


def test_conflicting_classification_and_replayed_edit(sqlite_workspace):
    workspace = sqlite_workspace
    service = IncidentService(workspace.sessions, "alice")
    opened = service.open_incident("t", "internal_staff")
    first = service.classify(opened.incident_id, "high", "low", opened.version)
    with pytest.raises(ConflictError) as info:
        service.classify(opened.incident_id, "low", "low", opened.version)
    assert {c.field for c in info.value.conflicts} == {"impact", "priority"}
    # Same edit again from the old version (an outbox replay after a lost reply): no-op, no error.
    again = service.classify(opened.incident_id, "high", "low", opened.version)
    assert again.kinds_of_change == () and again.version == first.version
    assert [e.kind for e in service.timeline(opened.incident_id)] == ["opened", "classified"]


def test_merge_keeps_both_sides_of_a_real_conflict():
    result = merge_text("a\nb\nc", "a\nB1\nc", "a\nB2\nc")
    assert result.conflicts == 1
    assert "B1\n" in result.text and "B2\n" in result.text and "<<<<<<<" in result.text
    assert merge_text("x", "x", "y").text == "y" and merge_text("x", "y", "x").text == "y"
    assert merge_text("1\n2\n3\n4\n", "0\n1\n2\n3\n4\n", "1\n2\n3\n4\n5\n").text == "0\n1\n2\n3\n4\n5\n"


WEIRD = ("Robert'); DROP TABLE incidents;-- \"quoted\" {incident_title} {{}} 🔥🚒 ünïcødé\r\n\t"
         "$$ LANGUAGE plpgsql; \\x00-not-a-nul %s %(x)s")


def test_free_text_of_any_content_and_size_round_trips(workspace):
    service = IncidentService(workspace.sessions, "alice")
    big = (WEIRD * 2000)[:100_000]
    opened = service.open_incident(WEIRD[:300], "vendor_call", big)
    service.add_note(opened.incident_id, big)
    snapshot = service.get(opened.incident_id)
    assert snapshot.title == WEIRD[:300] and snapshot.manifestation == big
    assert service.timeline(opened.incident_id)[-1].summary == big
    # Braces in values are printed as typed, never expanded.
    assert render("[{priority}] {incident_title}", {"priority": "P1", "incident_title": WEIRD}) == f"[P1] {WEIRD}"


def test_input_is_validated_with_clear_messages(sqlite_workspace):
    workspace = sqlite_workspace
    service = IncidentService(workspace.sessions, "alice")
    cases = [
        (lambda: service.open_incident("  ", "customer_call"), "title must not be empty"),
        (lambda: service.open_incident("x" * 301, "customer_call"), "at most 300"),
        (lambda: service.open_incident("t", "carrier pigeon"), "detection_means"),
        (lambda: service.open_incident("t", "customer_call", detected_at=dt.datetime(2026, 1, 1)),
         "timezone"),
        (lambda: service.open_incident("t", "customer_call", "nul\x00"), "NUL"),
        (lambda: service.open_incident("t", "customer_call", component_ids={"api": "villain"}),
         "component role"),
    ]
    for call, message in cases:
        with pytest.raises(ValidationError, match=message):
            call()
    with pytest.raises(NotFoundError, match="unknown component"):
        service.open_incident("t", "customer_call", component_ids=["nope"])
    opened = service.open_incident("t", "customer_call")
    with pytest.raises(ValidationError, match="impact"):
        service.classify(opened.incident_id, "huge", "low", opened.version)
    with pytest.raises(ValidationError, match="P1"):
        service.classify(opened.incident_id, "low", "low", opened.version, priority="P9")
    with pytest.raises(ValidationError, match="reason"):
        service.classify(opened.incident_id, "low", "low", opened.version, priority="P1")
    with pytest.raises(ValidationError, match="path"):
        service.restore(opened.incident_id, "prayer", "x", opened.version)
    with pytest.raises(ValidationError, match="timezone"):
        service.close(opened.incident_id, "rc", [("fix", None, dt.datetime(2026, 1, 1))], None, None,
                      opened.version)
    with pytest.raises(NotFoundError):
        service.add_note(99999, "x")
    assert [e.kind for e in service.timeline(opened.incident_id)] == ["opened"]  # nothing half-written


def test_template_errors_are_reported_not_raised_midway():
    validate_template("[{priority}] {incident_title}", "literal {{braces}} ok")
    for subject, message in [("{nope}", "unknown placeholder {nope}"), ("{priority", "brace"),
                             ("{priority!r}", "without a format"), ("{}", "unknown placeholder")]:
        with pytest.raises(TemplateError, match=message):
            validate_template(subject, "")


def test_replayed_note_is_added_once(db_url):
    from noc_app.incidents import IncidentService
    from noc_app.workspace import open_workspace

    workspace = open_workspace(Path(__file__).parent / "data" / "small_topology.toml", db_url)
    service = IncidentService(workspace.sessions, author="alice")
    incident = service.open_incident("API errors", "customer_call")
    first = service.add_note(incident.incident_id, "restarted pgbouncer", client_ref="note-1")
    replay = service.add_note(incident.incident_id, "restarted pgbouncer", client_ref="note-1")
    other = service.add_note(incident.incident_id, "restarted pgbouncer")  # no key: a new note
    assert first.kinds_of_change == ("timeline",) and replay.kinds_of_change == ()
    assert other.kinds_of_change == ("timeline",)
    notes = [e for e in service.timeline(incident.incident_id) if e.kind == "note"]
    assert len(notes) == 2
    workspace.close()


def test_downgrade_and_upgrade_keep_the_timeline_append_only(db_url):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from noc_app.storage import migrate
    from noc_app.storage.db import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0002")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO incidents (title, stage, first_recorded_at, manifestation, "
                          "restore_summary, root_cause, created_at, updated_at, version) VALUES "
                          "('x', 'record', CURRENT_TIMESTAMP, '', '', '', CURRENT_TIMESTAMP, "
                          "CURRENT_TIMESTAMP, 1)"))
        conn.execute(text("INSERT INTO timeline_events (incident_id, at, author, kind, summary) "
                          "SELECT id, CURRENT_TIMESTAMP, 'a', 'note', 'n' FROM incidents"))
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM timeline_events"))
    engine.dispose()
