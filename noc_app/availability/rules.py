"""The accounting rules, written once: every availability figure follows them and every report prints them.

Peers' uptime reports get closed as "everyone wants a different accounting
method"; ours says which one it uses, next to the figures.
"""

from __future__ import annotations

ACCOUNTING_RULES_TITLE = "How the figures are counted"

ACCOUNTING_RULES: tuple[str, ...] = (
    "Time-weighted from confirmed state changes (a check's state holds from one confirmed transition to the "
    "next), never from counts of samples.",
    "Each moment is counted in exactly one column: down, maintenance, no data, degraded or up. When several "
    "things decide a moment the first of that list wins (down > maintenance > no data > degraded > up).",
    "A component's state is that of its checks, combined by the same order. Components without checks are not "
    "measured: their failures show through the checked components that depend on them.",
    "Inside a maintenance window declared for a component its time is maintenance, whatever its checks said; "
    "maintenance is excluded from the SLA, in its own column.",
    "No data: before a check's first result, while it reported UNKNOWN, while no poller ran (a poller that "
    "resumes a check after a gap longer than 3 check intervals or 1 minute records the gap), and after its "
    "last result when no poller runs now. No data is never counted as up.",
    "Degraded (answering, but slow or warning) is available time, shown in its own column.",
    "A customer is down while any component it uses, or anything those depend on, is DOWN; its other columns "
    "follow the same components. A public component follows its internal components the same way. Today's "
    "dependencies and customer map are applied to the whole period.",
    "Redundancy groups (any_of, need N): a member's trouble does not reach what depends on the group; the "
    "group is down while fewer than N members are up (a member is not up while it, or anything it relies on, "
    "is DOWN or in maintenance).",
    "Availability = (up + degraded) / (period - maintenance - no data). Worst case counts no data as down: "
    "(up + degraded) / (period - maintenance).",
    "SLA budget = (1 - target) x (period - maintenance). Breached when down exceeds the budget; at risk when "
    "down plus no data would exceed it; 80 % used is flagged.",
    "Business hours: only the customer's business days and hours, in the customer's own timezone, are counted. "
    "Rows that are not a customer are counted around the clock unless a single customer's hours were asked for.",
    "The period runs from the start of --from to the end of --to, in the reader's timezone, and stops at the "
    "time of the report.",
)
