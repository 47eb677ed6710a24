"""What happens to incidents without an operator: the monitoring's own timeline
entries and the escalation that nobody acknowledged.

Run by the pollers (headless, or in-process in the embedded app) every few
seconds. With several pollers on one PostgreSQL only one does the work per
round (a session advisory lock), so nobody is paged twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from noc_app.incidents.errors import IncidentError
from noc_app.incidents.service import IncidentService
from noc_app.storage import models as db
from noc_app.storage.base import utcnow

log = logging.getLogger(__name__)

AUTOMATION_AUTHOR = "escalation"
_LOCK_KEY = 0x5649_474C_0002  # "VIGL" + 2: distinct from the retention job's lock


@dataclass(frozen=True)
class AutomationReport:
    ran: bool  # False when another poller holds the lock this round
    incidents_checked: int = 0
    timeline_updates: int = 0
    levels_paged: int = 0


class IncidentAutomation:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self.service = IncidentService(sessions, author=AUTOMATION_AUTHOR)

    def tick(self, now: dt.datetime | None = None) -> AutomationReport:
        now = now or utcnow()
        engine = self.sessions.kw["bind"]
        with engine.connect() as lock_conn:
            if engine.dialect.name == "postgresql":
                got = lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LOCK_KEY}).scalar()
                if not got:
                    return AutomationReport(ran=False)
            try:
                return self._work(now)
            finally:
                if engine.dialect.name == "postgresql":
                    lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
                    lock_conn.commit()

    def _work(self, now: dt.datetime) -> AutomationReport:
        with self.sessions() as session:
            open_ids = list(session.scalars(
                select(db.Incident.id).where(db.Incident.closed_at.is_(None)).order_by(db.Incident.id)))
        updates = paged = 0
        for incident_id in open_ids:
            try:
                change = self.service.record_check_transitions(incident_id)
            except IncidentError as exc:  # e.g. closed meanwhile: not a reason to stop the others
                log.info("incident %s: %s", incident_id, exc)
                continue
            updates += bool(change.kinds_of_change)
        for due in self.service.due_escalations(now):
            try:
                self.service.page_level(due.incident_id, due.policy_id, due.level, at=now)
                paged += 1
            except IncidentError as exc:
                log.warning("could not page %s level %s: %s", due.policy_id, due.level, exc)
        return AutomationReport(True, len(open_ids), updates, paged)
