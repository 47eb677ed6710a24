"""Suggested incident classification: impact x urgency -> P1..P5 (ITIL matrix).

Impact is how much of the customer base is hurt (weight share) and whether
key-tier customers are among them.  Urgency is *when* and *how badly*: a 9-to-5
product failing at 11:00 in the customers' timezone is more urgent than the
same failure at night, and losing the transaction database is more urgent than
losing the reporting one.  The result is a suggestion with its reasons in
words; the incident manager decides.

Redundancy: a group that lost members but still has what it needs hurts
nobody, so it suggests a low priority with that reason (P5, or P4 when the
group has no spare member left: the next failure is an outage).  A group
that lost its last healthy member (fell below ``need``) is urgent whatever
else the urgency points say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from noc_app.domain import Criticality
from noc_app.domain import ITIL_MATRIX, Level
from noc_app.impact import codes as c
from noc_app.impact.model import CRITICALITY_RANK
from noc_app.impact.result import ImpactResult


@dataclass(frozen=True)
class PriorityPolicy:
    """Thresholds; defaults suit a B2B SaaS with a few key accounts."""

    high_share: float = 0.20  # share of customer weight hurt for High impact
    medium_share: float = 0.05
    key_tiers: tuple[str, ...] = ("enterprise",)
    high_key_customers: int = 5  # this many key-tier customers hurt: High impact
    medium_key_customers: int = 1
    # Urgency points: business hours (0-2) + component criticality (0-2) + usage (0-1).
    high_urgency_points: int = 3
    medium_urgency_points: int = 1


@dataclass(frozen=True)
class PrioritySuggestion:
    priority: str  # "P1".."P5"
    impact: Level
    urgency: Level
    reasons: tuple[str, ...]
    summary: str  # e.g. "12 enterprise customers, 9 in business hours; Primary database down"

    def to_dict(self) -> dict:
        return {"priority": self.priority, "impact": self.impact.value,
                "urgency": self.urgency.value, "summary": self.summary,
                "reasons": list(self.reasons)}


def suggest_priority(result: ImpactResult, at: dt.datetime,
                     policy: PriorityPolicy = PriorityPolicy()) -> PrioritySuggestion:
    totals = result.totals_by_tier(at)
    who = _who_is_hurt(totals)
    what = _what_fails(result)
    impact, impact_why = _impact(result, totals, policy)
    urgency, urgency_why = _urgency(result, at, policy)
    redundancy = _redundancy(result)
    if redundancy is not None:
        impact, urgency, who, impact_why, urgency_why = redundancy(
            impact, urgency, who, impact_why, urgency_why)
    summary = "; ".join(part for part in (who, what) if part)
    return PrioritySuggestion(
        priority=ITIL_MATRIX[impact, urgency], impact=impact, urgency=urgency,
        reasons=tuple(r for r in (who, what, impact_why, urgency_why) if r), summary=summary)


def _redundancy(result: ImpactResult, shown: int = 3):
    """How redundancy changes the suggestion, as a function of the plain one (or None)."""
    if result.model.groups is None:
        return None
    groups = result.model.groups
    failed = np.flatnonzero(result.group_code != c.OK)
    lost = result.group_lost_count
    degraded = np.flatnonzero(lost > 0)
    if failed.size:
        def last_member_lost(impact, urgency, who, impact_why, urgency_why):
            weight = result.model.group_blast_weight
            order = sorted(failed.tolist(), key=lambda j: (-weight[j], groups.labels[j]))
            names = _names([f'"{groups.labels[j]}"' for j in order], shown, "more")
            plural = len(order) > 1
            return (impact, Level.HIGH, who, impact_why,
                    f"urgency high: redundancy group{'s' if plural else ''} {names} "
                    f"lost {'their' if plural else 'its'} last healthy member; "
                    + urgency_why.split(": ", 1)[-1])
        return last_member_lost
    if degraded.size == 0 or result.impacted_count:
        return None
    healthy = groups.size - lost
    no_spare = degraded[healthy[degraded] <= groups.need[degraded]]

    def redundancy_only(impact, urgency, who, impact_why, urgency_why):
        ids = result.model.graph.ids
        parts = [f"{groups.labels[j]} lost "
                 + ", ".join(ids[m] for m in result._lost_of_group(j))
                 + f" ({healthy[j]} of {groups.size[j]} healthy, {groups.need[j]} needed)"
                 for j in degraded[:shown].tolist()]
        if degraded.size > shown:
            parts.append(f"{degraded.size - shown} more groups")
        level = Level.MEDIUM if no_spare.size else Level.LOW
        why = (f"no spare member left in {_names([groups.labels[j] for j in no_spare.tolist()], shown, 'more groups')}; "
               "the next failure is an outage" if no_spare.size else "spare capacity remains")
        return (Level.LOW, level, "redundancy lost, no customer affected: " + "; ".join(parts),
                "impact low: redundancy lost, no customer affected", f"urgency {level.value}: {why}")
    return redundancy_only


def _names(names: list[str], shown: int, more: str) -> str:
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} {more}" if len(names) > shown else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _who_is_hurt(totals, detailed_tiers: int = 2) -> str:
    """Heaviest tiers in detail, the rest as one count: it must fit one line."""
    hit = [t for t in totals.values() if t.impacted]
    if not hit:
        return "no customers affected"
    parts = [f"{_plural(t.impacted, t.tier + ' customer')}, {t.in_business_hours} in business hours"
             for t in hit[:detailed_tiers]]
    others = sum(t.impacted for t in hit[detailed_tiers:])
    if others:
        parts.append(f"{_plural(others, 'other customer')}")
    partners = sum(t.partners for t in hit)
    if partners:
        parts.append(f"{_plural(partners, 'partner')} among them")
    return "; ".join(parts)


def _what_fails(result: ImpactResult, shown: int = 3) -> str:
    causes = result.probable_causes
    if not causes:
        return ""
    names = result.model.component_names
    index = result.model.graph.index
    words = [f"{names[index[cid]]} {result.own_status(cid).value.lower()}" for cid in causes[:shown]]
    if len(causes) > shown:
        words.append(f"{len(causes) - shown} more probable causes")
    return ", ".join(words)


def _impact(result: ImpactResult, totals, policy: PriorityPolicy) -> tuple[Level, str]:
    share = result.impacted_share
    key_hurt = sum(totals[t].impacted for t in policy.key_tiers if t in totals)
    if share >= policy.high_share or key_hurt >= policy.high_key_customers:
        level = Level.HIGH
    elif share >= policy.medium_share or key_hurt >= policy.medium_key_customers:
        level = Level.MEDIUM
    else:
        level = Level.LOW
    why = f"impact {level.value}: {share:.0%} of customer weight affected"
    if key_hurt:
        why += f", {_plural(key_hurt, 'key-tier customer')}"
    return level, why


def _urgency(result: ImpactResult, at: dt.datetime, policy: PriorityPolicy) -> tuple[Level, str]:
    model = result.model
    points = 0
    words = []
    hurt_weight = result.impacted_weight
    at_work = result.in_business_hours_weight(at) / hurt_weight if hurt_weight else 0.0
    if at_work >= 0.5:
        points += 2
        words.append("most affected customers are in business hours")
    elif at_work > 0:
        points += 1
        words.append(f"{at_work:.0%} of affected weight in business hours")
    elif hurt_weight:
        words.append("affected customers are outside business hours")

    failing = np.flatnonzero(result.own >= c.DEGRADED)
    if failing.size:
        # The most critical failing component; among equals, prefer a probable cause.
        worst = max(failing.tolist(), key=lambda i: (
            model.criticality_rank[i], bool(result.probable_cause_mask[i])))
        criticality = model.component_criticality[worst]
        points += {Criticality.CRITICAL: 2, Criticality.HIGH: 1}.get(criticality, 0)
        words.append(f"{criticality.value} component {model.component_names[worst]} "
                     f"{c.STATUS_BY_CODE[result.own[worst]].value.lower()}")

    hurting = result.severity > c.SEVERITY_NONE
    usage_rank = model.usage.max_rank_of_comp[hurting].max(initial=-1)
    if usage_rank >= CRITICALITY_RANK[Criticality.CRITICAL]:
        points += 1
        words.append("a critical usage is affected")

    if points >= policy.high_urgency_points:
        level = Level.HIGH
    elif points >= policy.medium_urgency_points:
        level = Level.MEDIUM
    else:
        level = Level.LOW
    return level, f"urgency {level.value}: " + ("; ".join(words) or "nothing failing")
