"""The how-soon figures a review shows beside the replay, each with its definition."""

from __future__ import annotations

import datetime as dt

from noc_app.review.reader import parse_time

MOMENTS = (
    ("impact started", "bundle_impact_started_at",
     "earlier of the first confirmed non-OK transition of the incident's components in the hour "
     "before it opened, and detected_at"),
    ("detected", "detected_at", "when the problem was first noticed"),
    ("opened", "first_recorded_at", "when the incident was recorded"),
    ("restored", "restored_at", "service restored (resolve, workaround or failover)"),
    ("closed", "closed_at", "post-mortem stage closed"),
)


def review_figures(material) -> tuple[list[tuple[str, str, str]], str]:
    """(rows of (figure, value, definition), a note)."""
    incident = material.incident
    rows = []
    for name, key, definition in MOMENTS:
        moment = parse_time(incident.get(key))
        rows.append((name, "—" if moment is None else f"{moment.astimezone(dt.timezone.utc):%H:%M:%S} UTC",
                     definition))
    return rows, ""
