"""What every how-soon figure means, written once.

The export, the README, the incident dialog and the board print these
sentences beside the figures, so a reader never has to guess where a
duration starts and ends.  The durations follow the table in DESIGN.md
(a contract: the JSON export uses these names).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    name: str
    label: str  # short human name for tables and the dialog strip
    start: str  # "from" moment
    end: str  # "to" moment
    sentence: str


DEFINITIONS: dict[str, Definition] = {d.name: d for d in (
    Definition(
        "impact_started_at", "Impact started", "—", "impact started",
        "The earlier of the first confirmed DOWN or DEGRADED transition of a component linked to "
        "the incident in the hour before it was first recorded, and its detected time."),
    Definition(
        "detect_s", "Time to detect", "impact started", "detected",
        "How long customers were hurt before anyone knew: impact started to detected."),
    Definition(
        "know_extent_s", "Time to know the extent", "detected", "classified",
        "Detected to the first classification (impact × urgency first set)."),
    Definition(
        "know_impact_s", "Time to know who is hurt", "detected", "affected customers set",
        "Detected to the moment affected customers were first set on the incident."),
    Definition(
        "start_handling_s", "Time to start handling", "detected", "manager assigned or page acknowledged",
        "Detected to an incident manager assigned or the first page acknowledged, whichever came first."),
    Definition(
        "inform_customers_s", "Time to inform customers", "detected", "first customer notice",
        "Detected to the first notice delivered to affected customers."),
    Definition(
        "workaround_s", "Time to workaround", "detected", "restored by workaround or failover",
        "Detected to service restored by a workaround or a failover (none when restored by a fix)."),
    Definition(
        "resolve_s", "Time to restore", "detected", "restored",
        "Detected to service restored, by whatever path."),
    Definition(
        "inform_resolution_s", "Time to announce the resolution", "restored", "first resolved notice",
        "Restored to the first \"resolved\" notice delivered to customers."),
)}

#: The nine contract figures, in the order of the practice's questions.
CONTRACT_KEYS: tuple[str, ...] = tuple(DEFINITIONS)
DURATION_KEYS: tuple[str, ...] = CONTRACT_KEYS[1:]

#: The other figures of the how-soon table (beside the contract ones).
EXTRA_DEFINITIONS: dict[str, Definition] = {d.name: d for d in (
    Definition(
        "customer_impact_minutes", "Customer-impact minutes", "impact started", "restored",
        "For each affected customer, the minutes from impact started to restored (to now while "
        "not restored), summed per tier."),
    Definition(
        "customer_impact_weighted_minutes", "Weighted customer-impact minutes", "impact started",
        "restored", "The customer-impact minutes of each tier times that tier's weight, summed."),
    Definition(
        "updates_sent", "Customer updates sent", "—", "—",
        "Notices delivered to affected customers, counted once per send (not per recipient)."),
    Definition(
        "promises", "Next-update promises", "promise made", "next customer update",
        "Each customer update promised the next one by a time: kept when the next update was "
        "delivered by then, late by how much otherwise, missed when none followed."),
)}

#: Moments a stage can be reached before its start (a detected time typed in
#: later than the classification, say). The duration is then 0, not negative.
CLAMP_NOTE = "a stage recorded before its starting moment counts as 0 s"
