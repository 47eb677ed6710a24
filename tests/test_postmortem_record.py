"""The post-mortem record: exact text, version checks like every header field, key moments."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from noc_app.incidents import ConflictError, IncidentService, NotFoundError, ValidationError
from noc_app.postmortem.record import POSTMORTEM_FIELDS
from noc_app.storage import migrate
from noc_app.storage.db import make_engine
from noc_app.workspace import open_workspace
from postmortem_incident import START, TOPOLOGY, Clock

# Sizes and characters a text widget or a database might "helpfully" change.
AWKWARD = {
    "summary": "  leading and trailing spaces  \r\nCRLF line\u2029paragraph sep\u00a0nbsp\t",
    "triggered_by": "é日本語🙂 " * 20_000,  # ~260 KB of non-ASCII
    "went_well": "",
    "went_wrong": "x" * 1_000_000,
    "got_lucky": "<script>alert('x')</script> & ' \" \\ %s {0} $1",
    "lessons_learned": "\n\n\nonly newlines around\n\n",
    "customer_summary": "Tab\tand\u200bzero-width\ufeffBOM",
    "customer_prevention": "\r\r\nold Mac CR",
}


@pytest.fixture
def service(db_url):
    workspace = open_workspace(TOPOLOGY, db_url)
    yield IncidentService(workspace.sessions, "alice", clock=Clock(START))
    workspace.close()


def _open(service) -> tuple[int, int]:
    change = service.open_incident("Checkout failing", "internal_monitoring", "503s",
                                   component_ids=["api"], customer_ids=["acme"])
    return change.incident_id, change.version


def test_every_text_is_kept_exactly(service):
    iid, version = _open(service)
    change = service.record_postmortem(iid, version, **AWKWARD)
    snap = service.get(iid)
    for name, value in AWKWARD.items():
        assert getattr(snap, name) == value, name
    assert snap.version == change.version > version
    record = service.postmortem(iid)
    assert {n: record.text(n) for n in POSTMORTEM_FIELDS} == AWKWARD
    [event] = [e for e in service.timeline(iid) if e.kind == "postmortem_updated"]
    assert "went_well" not in event.data  # "" was already stored: not a change
    assert event.data["went_wrong"] == AWKWARD["went_wrong"]  # the timeline keeps the text too


def test_a_stale_save_is_refused_with_both_texts_and_a_replay_is_a_no_op(service):
    iid, v1 = _open(service)
    v2 = service.record_postmortem(iid, v1, summary="theirs").version
    with pytest.raises(ConflictError) as info:
        service.record_postmortem(iid, v1, summary="yours")
    [conflict] = info.value.conflicts
    assert (conflict.field, conflict.theirs, conflict.yours) == ("summary", "theirs", "yours")
    # The same edit replayed from the outbox after a lost reply changes nothing.
    assert service.record_postmortem(iid, v1, summary="theirs").kinds_of_change == ()
    # Another field edited from the old version: no overlap, but still stale -> refused.
    with pytest.raises(ConflictError):
        service.record_postmortem(iid, v1, lessons_learned="new")
    assert service.record_postmortem(iid, v2, lessons_learned="new").version > v2


def test_refusals_are_clear(service):
    iid, version = _open(service)
    with pytest.raises(ValidationError, match="NUL"):
        service.record_postmortem(iid, version, summary="a\x00b")
    with pytest.raises(ValidationError, match="not a post-mortem field: mood"):
        service.record_postmortem(iid, version, mood="good")


def test_close_carries_the_postmortem_texts(service):
    iid, version = _open(service)
    service.close(iid, "pool too small", [], None, None, version, summary="short", got_lucky="the DBA was awake")
    snap = service.get(iid)
    assert (snap.summary, snap.got_lucky, snap.stage) == ("short", "the DBA was awake", "closed")
    kinds = [e.kind for e in service.timeline(iid)]
    assert kinds[-2:] == ["postmortem_updated", "closed"]
    # The post-mortem is often written after closing: still editable.
    service.record_postmortem(iid, snap.version, lessons_learned="load-test pool changes")
    assert service.get(iid).lessons_learned == "load-test pool changes"


def test_key_moments_are_starred_events_of_this_incident(service):
    iid, _ = _open(service)
    other, _ = _open(service)
    service.add_note(iid, "first clue")
    service.add_note(iid, "the fix")
    events = {e.summary: e.id for e in service.timeline(iid)}
    assert service.mark_key_moment(iid, events["the fix"]).kinds_of_change == ("key_moments", "timeline")
    assert service.mark_key_moment(iid, events["the fix"]).kinds_of_change == ()  # idempotent
    service.mark_key_moment(iid, events["first clue"])
    assert service.get(iid).key_moments == (events["first clue"], events["the fix"])  # timeline order
    service.mark_key_moment(iid, events["first clue"], key=False)
    assert service.postmortem(iid).key_moments == (events["the fix"],)
    with pytest.raises(NotFoundError, match="no timeline event"):
        service.mark_key_moment(other, events["the fix"])
    with pytest.raises(NotFoundError):
        service.mark_key_moment(iid, 10**9)
    stars = [e.summary for e in service.timeline(iid) if e.kind == "key_moment"]
    assert stars == ["starred for the report: the fix", "starred for the report: first clue",
                     "unstarred for the report: first clue"]


def test_migration_0008_gives_existing_incidents_empty_texts(db_url):
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0005")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO incidents (title, stage, first_recorded_at, manifestation, "
                              "restore_summary, root_cause, created_at, updated_at, version) VALUES "
                              "('old', 'record', :t, '', '', '', :t, :t, 1)"), {"t": START})
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            row = conn.execute(text("SELECT " + ", ".join(POSTMORTEM_FIELDS) + " FROM incidents")).one()
        assert tuple(row) == ("",) * len(POSTMORTEM_FIELDS)
        migrate.downgrade(engine, "0005")
        migrate.upgrade(engine)
    finally:
        engine.dispose()
