"""Drafts, the outbox, and a PostgreSQL outage in the middle of an edit: nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from noc_app.incidents import (
    ConflictError, DatabaseUnavailableError, DraftStore, IncidentService, Outbox,
)
from noc_app.workspace import open_workspace

TOPOLOGY = Path(__file__).parent / "data" / "small_topology.toml"
PARIS = dt.timezone(dt.timedelta(hours=2))


def test_draft_save_is_atomic_and_recoverable(tmp_path, monkeypatch):
    store = DraftStore(tmp_path / "drafts")
    when = dt.datetime(2026, 11, 23, 17, 0, tzinfo=PARIS)
    store.save("incident-7", {"manifestation": "first 🔥", "detected_at": when})
    # A crash between writing and renaming leaves the previous draft whole.
    def boom(*_args):
        raise OSError("disk pulled")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.save("incident-7", {"manifestation": "second"})
    monkeypatch.undo()
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == ["incident-7.json"]
    # A restarted app (a new store) offers what was left, timezone intact.
    store.save("new-abc", {"title": "blank incident"})
    (tmp_path / "drafts" / "broken.json").write_text("{not json", encoding="utf-8")
    recovered = DraftStore(tmp_path / "drafts").unsent()
    assert [d.key for d in recovered] == ["incident-7", "new-abc"]
    assert recovered[0].data == {"manifestation": "first 🔥", "detected_at": when}
    assert recovered[0].data["detected_at"].utcoffset() == dt.timedelta(hours=2)
    store.delete("incident-7")
    assert [d.key for d in store.unsent()] == ["new-abc"]
    with pytest.raises(ValueError):
        store.save("../escape", {})
    with pytest.raises(ValueError, match="naive"):
        store.save("x", {"at": dt.datetime(2026, 1, 1)})


def test_outbox_replays_in_order_and_stops_at_a_conflict(tmp_path):
    workspace = open_workspace(TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    try:
        service = IncidentService(workspace.sessions, "alice")
        opened = service.open_incident("t", "customer_call", "base")
        outbox = Outbox(tmp_path / "outbox")
        outbox.enqueue("add_note", {"incident_id": opened.incident_id, "text": "one"})
        outbox.enqueue("record", {"incident_id": opened.incident_id, "expected_version": opened.version,
                                  "manifestation": "mine"})
        outbox.enqueue("add_note", {"incident_id": opened.incident_id, "text": "after"})
        with pytest.raises(ValueError, match="cannot be queued"):
            outbox.enqueue("send", {})
        # Meanwhile someone else edited the same field.
        IncidentService(workspace.sessions, "bob").record(opened.incident_id, opened.version,
                                                          manifestation="theirs")
        result = outbox.flush(service)
        assert [op.name for op in result.done] == ["add_note"]
        assert isinstance(result.error, ConflictError) and result.failed.name == "record"
        assert result.remaining == 2 and [op.name for op in outbox.pending()] == ["record", "add_note"]
        assert service.get(opened.incident_id).manifestation == "theirs"
    finally:
        workspace.close()


@pytest.mark.postgres
def test_database_outage_mid_edit(pg_server, pg_url, tmp_path):
    workspace = open_workspace(TOPOLOGY, pg_url)
    try:
        service = IncidentService(workspace.sessions, "alice")
        opened = service.open_incident("Checkout down", "internal_monitoring", "API 503",
                                       component_ids={"db-main": "cause"})
        incident_id = opened.incident_id
        base = service.get(incident_id)
        drafts, outbox = DraftStore(tmp_path / "drafts"), Outbox(tmp_path / "outbox")
        text = "API 503 since 14:55\n'quotes' and 🔥, -- nothing lost"
        key = f"incident-{incident_id}"
        drafts.save(key, {"version": base.version, "manifestation": text})

        pg_server.stop()
        try:
            edit = {"incident_id": incident_id, "expected_version": base.version,
                    "manifestation": text}
            with pytest.raises(DatabaseUnavailableError, match="database unreachable"):
                service.record(**edit)
            outbox.enqueue("record", edit)
            with pytest.raises(DatabaseUnavailableError):
                service.add_note(incident_id, "written while offline")
            outbox.enqueue("add_note", {"incident_id": incident_id, "text": "written while offline"})
            # Reconnect attempts while still down fail cleanly and keep the queue.
            still_down = outbox.flush(service)
            assert isinstance(still_down.error, DatabaseUnavailableError) and len(outbox) == 2
            # A restarted app finds the unsent draft and the queue on disk.
            assert [d.key for d in DraftStore(tmp_path / "drafts").unsent()] == [key]
        finally:
            pg_server.start()

        result = Outbox(tmp_path / "outbox").flush(service)
        assert result.complete and len(outbox) == 0, result.error
        drafts.delete(key)
        snapshot = service.get(incident_id)
        assert snapshot.manifestation == text and snapshot.version == base.version + 1
        kinds = [(e.kind, e.summary) for e in service.timeline(incident_id)]
        assert kinds[-2:] == [("recorded", "recorded: manifestation"), ("note", "written while offline")]
        # Replaying the same queue file again (say the app died before deleting it) is harmless.
        outbox.enqueue("record", json.loads(json.dumps(edit)))
        assert outbox.flush(service).complete
        assert service.get(incident_id).version == base.version + 1
    finally:
        workspace.close()
