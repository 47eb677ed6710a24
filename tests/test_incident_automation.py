"""Without an operator: check transitions reach open incidents' timelines; unacknowledged pages escalate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, text

from noc_app.incidents import IncidentService
from noc_app.incidents.automation import _LOCK_KEY, IncidentAutomation
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.workspace import open_workspace

SMALL = Path(__file__).parent / "data" / "small_topology.toml"
UTC = dt.timezone.utc


def test_transitions_and_escalation_happen_once(db_url):
    workspace = open_workspace(SMALL, db_url)
    sessions = workspace.sessions
    now = dt.datetime.now(UTC)
    service = IncidentService(sessions, author="grace")
    incident = service.open_incident("DB down", "internal_monitoring", component_ids=["db-main"],
                                     detected_at=now - dt.timedelta(minutes=15))
    with transaction(sessions) as s:
        s.add(db.StateTransition(check_key="db-main#0", component_id="db-main",
                                 at=now - dt.timedelta(minutes=14), from_status="OK", to_status="DOWN",
                                 reason="connection refused"))
    service.page_level(incident.incident_id, "platform-oncall", 0, at=now - dt.timedelta(minutes=11))

    automation = IncidentAutomation(sessions)
    first = automation.tick(now)
    second = automation.tick(now + dt.timedelta(seconds=5))
    assert first.ran and first.timeline_updates == 1 and first.levels_paged == 1
    assert second.ran and second.timeline_updates == 0 and second.levels_paged == 0

    kinds = [e.kind for e in service.timeline(incident.incident_id)]
    assert kinds.count("check_transition") == 1 and kinds.count("escalated") == 2
    with sessions() as s:
        levels = sorted(p.level for p in s.scalars(select(db.EscalationPage)))
    assert levels == [0, 1]  # alice at level 0, then bob after 10 minutes without an acknowledgement
    workspace.close()


def test_only_one_poller_runs_it_at_a_time(pg_url):
    workspace = open_workspace(SMALL, pg_url)
    engine = workspace.engine
    with engine.connect() as other_poller:
        other_poller.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
        assert IncidentAutomation(workspace.sessions).tick().ran is False
        other_poller.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
        other_poller.commit()
    assert IncidentAutomation(workspace.sessions).tick().ran is True
    workspace.close()
