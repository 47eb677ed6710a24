"""The post-mortem record: what a review needs besides root cause and follow-ups.

Six free-text fields on the incident header and two more written for the
affected customers (the customer version of the report prints them as
written), all saved with the same version check, conflict report and merge
as every other header field, text of any size and content kept exactly;
and the *key moments*: timeline events
starred for the report.  Starring is an addition like a note — two people
starring different events never conflict — so it takes no version; each
mark and unmark is itself recorded in the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.incidents.errors import NotFoundError, ValidationError
from noc_app.incidents.values import IncidentChange, check_text
from noc_app.storage import models as db

#: Field name -> the label a reader sees, in the order a post-mortem is written.
POSTMORTEM_FIELDS: dict[str, str] = {
    "summary": "Summary",
    "triggered_by": "Trigger",
    "went_well": "What went well",
    "went_wrong": "What went wrong",
    "got_lucky": "Where we got lucky",
    "lessons_learned": "Lessons learned",
    # Written for the affected customers: the customer version prints exactly these.
    "customer_summary": "For customers: what happened and what was done",
    "customer_prevention": "For customers: what will prevent a recurrence",
}
CUSTOMER_FIELDS = ("customer_summary", "customer_prevention")


@dataclass(frozen=True)
class PostmortemRecord:
    incident_id: int
    summary: str
    triggered_by: str
    went_well: str
    went_wrong: str
    got_lucky: str
    lessons_learned: str
    customer_summary: str
    customer_prevention: str
    key_moments: tuple[int, ...]  # timeline event ids, in timeline order

    def text(self, name: str) -> str:
        return getattr(self, name)


def checked_fields(values: Mapping[str, Any]) -> dict[str, str]:
    """The post-mortem texts given, checked (exact text; only a NUL is refused)."""
    unknown = sorted(set(values) - set(POSTMORTEM_FIELDS))
    if unknown:
        raise ValidationError(f"not a post-mortem field: {', '.join(unknown)}; "
                              f"fields are {', '.join(POSTMORTEM_FIELDS)}", unknown[0])
    return {name: check_text(value, name) for name, value in values.items()}


def key_moment_ids(session: Session, incident_id: int) -> tuple[int, ...]:
    return tuple(session.scalars(
        select(db.IncidentKeyMoment.event_id)
        .join(db.TimelineEvent, db.TimelineEvent.id == db.IncidentKeyMoment.event_id)
        .where(db.IncidentKeyMoment.incident_id == incident_id)
        .order_by(db.TimelineEvent.at, db.TimelineEvent.id)))


class PostmortemMixin:
    """The post-mortem operations of ``IncidentService`` (uses ``ServiceBase``'s plumbing)."""

    def record_postmortem(self, incident_id: int, expected_version: int,
                          **texts: str) -> IncidentChange:
        """Save any of ``POSTMORTEM_FIELDS`` if the caller saw ``expected_version``."""
        values = checked_fields(texts)

        def events(incident, changed):
            if not changed:
                return []
            labels = ", ".join(POSTMORTEM_FIELDS[n].lower() for n in changed)
            return [("postmortem_updated", f"post-mortem: {labels} updated",
                     {n: values[n] for n in changed})]
        return self._update(incident_id, expected_version, values, events)

    def mark_key_moment(self, incident_id: int, event_id: int, key: bool = True) -> IncidentChange:
        """Star (or unstar) one of the incident's timeline events for the report; idempotent."""
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise ValidationError("event_id must be a timeline event id", "event_id")
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            event = session.get(db.TimelineEvent, event_id)
            if event is None or event.incident_id != incident_id:
                raise NotFoundError(f"incident {incident_id} has no timeline event {event_id}")
            row = session.get(db.IncidentKeyMoment, (incident_id, event_id))
            if (row is not None) == bool(key):
                return IncidentChange(incident_id, incident.version, ())
            if key:
                session.add(db.IncidentKeyMoment(incident_id=incident_id, event_id=event_id,
                                                 marked_by=self.author, marked_at=self._now()))
            else:
                session.delete(row)
            summary = event.summary if len(event.summary) <= 120 else event.summary[:119] + "…"
            self._append(session, incident_id, "key_moment",
                         f"{'starred' if key else 'unstarred'} for the report: {summary}",
                         {"event_id": event_id, "key": bool(key)})
            version = incident.version
        return IncidentChange(incident_id, version, ("key_moments", "timeline"))

    def postmortem(self, incident_id: int) -> PostmortemRecord:
        with self._tx() as session:
            incident = self._incident(session, incident_id)
            return record_of(session, incident)


def record_of(session: Session, incident: db.Incident) -> PostmortemRecord:
    return PostmortemRecord(incident.id, *(getattr(incident, n) for n in POSTMORTEM_FIELDS),
                            key_moments=key_moment_ids(session, incident.id))
