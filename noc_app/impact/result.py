"""An immutable snapshot of the engine: statuses, causes, who is hurt.

Arrays are kept as they are and read lazily: the wall asks for totals and the
top causes on every transition, while the full list of hurt customers (one
Python object each) is only built when a report or a dialog asks for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from noc_app.domain import Status
from noc_app.impact import codes as c
from noc_app.impact.customers import CustomerImpact, require_aware
from noc_app.impact.model import ImpactModel


@dataclass(frozen=True)
class TierTotals:
    tier: str
    weight_each: float
    customers: int  # customers of this tier in the topology
    impacted: int
    impacted_weight: float
    in_business_hours: int  # impacted and inside their business hours now
    down: int  # impacted at DOWN severity (the rest are degraded)
    partners: int  # impacted customers flagged partner/channel


class ImpactResult:
    def __init__(self, model: ImpactModel, *, own: np.ndarray, effective: np.ndarray,
                 severity: np.ndarray, probable_cause: np.ndarray, customer_hurt: np.ndarray,
                 customer_down: np.ndarray, down_upstream: np.ndarray,
                 degraded_upstream: np.ndarray, redundancy_lost: np.ndarray | None = None,
                 group_code: np.ndarray | None = None,
                 group_lost: np.ndarray | None = None) -> None:
        self.model = model
        self.own = own
        self.effective = effective
        self.severity = severity
        self.probable_cause_mask = probable_cause
        self.customer_hurt = customer_hurt
        self.customer_down = customer_down
        self.down_upstream = down_upstream
        self.degraded_upstream = degraded_upstream
        n = own.size
        # Redundancy: per component "a group it declares lost members"; per
        # group its derived code (OK while it has ``need`` healthy members);
        # per member entry of the model's GroupTable, lost or not.
        self.redundancy_lost = (np.zeros(n, dtype=bool) if redundancy_lost is None
                                else redundancy_lost)
        self.group_code = np.zeros(0, dtype=np.int8) if group_code is None else group_code
        self.group_lost = np.zeros(0, dtype=bool) if group_lost is None else group_lost
        self._totals_cache: dict[dt.datetime, dict[str, TierTotals]] = {}
        for array in (own, effective, severity, probable_cause, customer_hurt, customer_down,
                      down_upstream, degraded_upstream, self.redundancy_lost, self.group_code,
                      self.group_lost):
            array.flags.writeable = False

    # -- components -------------------------------------------------------
    def status(self, component_id: str) -> Status:
        """Effective status (may be IMPACTED)."""
        return c.STATUS_BY_CODE[self.effective[self.model.graph.index[component_id]]]

    def own_status(self, component_id: str) -> Status:
        return c.STATUS_BY_CODE[self.own[self.model.graph.index[component_id]]]

    def is_probable_cause(self, component_id: str) -> bool:
        return bool(self.probable_cause_mask[self.model.graph.index[component_id]])

    @cached_property
    def probable_causes(self) -> tuple[str, ...]:
        """Failing components with no failing dependency, most customer weight behind first."""
        idx = np.flatnonzero(self.probable_cause_mask)
        ids, weight = self.model.graph.ids, self._cause_weights
        return tuple(ids[i] for i in sorted(idx.tolist(), key=lambda i: (-weight[i], ids[i])))

    @cached_property
    def _cause_weights(self) -> np.ndarray:
        """Blast radius, raised for members of failed groups to what the group's loss costs.

        A member of a pair takes nothing down alone, but once the pair is lost
        the members are the cause of everything behind it, together.
        """
        weight = self.model.blast_weight
        groups = self.model.groups
        failed = np.flatnonzero(self.group_code != c.OK)
        if groups is None or failed.size == 0:
            return weight
        weight = weight.copy()
        in_failed = self.group_code[groups.entry_group] != c.OK
        np.maximum.at(weight, groups.entry_comp[in_failed],
                      self.model.group_blast_weight[groups.entry_group[in_failed]])
        return weight

    # -- redundancy -------------------------------------------------------------
    @property
    def has_redundancy(self) -> bool:
        return self.model.groups is not None

    def redundancy_state(self, component_id: str) -> str | None:
        """None, "degraded" (groups lost members, none below need) or "failed"."""
        i = self.model.graph.index[component_id]
        groups = self.model.groups
        if groups is None or not self.redundancy_lost[i]:
            return None
        declared = groups.decl_group[groups.decl_comp == i]
        return "failed" if (self.group_code[declared] != c.OK).any() else "degraded"

    @cached_property
    def at_risk_mask(self) -> np.ndarray:
        """AT RISK per component: redundancy lost, no group below need, fine for customers."""
        groups = self.model.groups
        if groups is None:
            return self.redundancy_lost
        failed = groups.per_component(self.group_code != c.OK)
        # Only an OK component is marked: UNKNOWN, MAINTENANCE and the failing
        # statuses say more about it than its redundancy does.
        return self.redundancy_lost & ~failed & (self.effective == c.OK)

    def is_at_risk(self, component_id: str) -> bool:
        """AT RISK: redundancy lost, yet the component is fine for its customers."""
        return bool(self.at_risk_mask[self.model.graph.index[component_id]])

    def lost_members(self, component_id: str) -> tuple[str, ...]:
        """Members lost from the groups ``component_id`` depends on, in group order."""
        groups = self.model.groups
        if groups is None:
            return ()
        i = self.model.graph.index[component_id]
        ids = self.model.graph.ids
        out: list[str] = []
        for j in groups.decl_group[groups.decl_comp == i].tolist():
            out.extend(ids[m] for m in self._lost_of_group(j) if ids[m] not in out)
        return tuple(out)

    def _lost_of_group(self, j: int) -> list[int]:
        groups = self.model.groups
        lo, hi = groups.entry_ptr[j], groups.entry_ptr[j + 1]
        return groups.entry_comp[lo:hi][self.group_lost[lo:hi]].tolist()

    @cached_property
    def group_lost_count(self) -> np.ndarray:
        """Per group: members lost now."""
        groups = self.model.groups
        if groups is None:
            return np.zeros(0, dtype=np.int64)
        return np.bincount(groups.entry_group, weights=self.group_lost,
                           minlength=len(groups)).astype(np.int64)

    def group_summary(self, j: int) -> dict:
        """One group as plain values: label, members, need, lost, healthy, failed, dependents."""
        groups, ids = self.model.groups, self.model.graph.ids
        lost = self._lost_of_group(j)
        return {"group": groups.labels[j], "members": [ids[m] for m in groups.members[j]],
                "need": int(groups.need[j]), "lost": [ids[m] for m in lost],
                "healthy": int(groups.size[j]) - len(lost),
                "failed": bool(self.group_code[j] != c.OK),
                "dependents": [ids[i] for i in groups.declared_by(j).tolist()]}

    @cached_property
    def degraded_groups(self) -> tuple[dict, ...]:
        """Groups that lost members (``group_summary`` each), failed ones first."""
        if self.model.groups is None:
            return ()
        order = sorted(np.flatnonzero(self.group_lost_count > 0).tolist(),
                       key=lambda j: (self.group_code[j] == c.OK, j))
        return tuple(self.group_summary(j) for j in order)

    @cached_property
    def symptoms(self) -> tuple[str, ...]:
        """Failing components that have a failing dependency, in model order."""
        mask = (self.own >= c.DEGRADED) & ~self.probable_cause_mask
        return tuple(self.model.graph.ids[i] for i in np.flatnonzero(mask))

    @cached_property
    def failing(self) -> tuple[str, ...]:
        return tuple(self.model.graph.ids[i] for i in np.flatnonzero(self.own >= c.DEGRADED))

    def cause_weight(self, component_id: str) -> float:
        """Customer weight that depends on ``component_id`` (its blast radius, or the
        blast radius of a failed redundancy group it belongs to)."""
        return float(self._cause_weights[self.model.graph.index[component_id]])

    # -- customers ----------------------------------------------------------
    @cached_property
    def impacted_mask(self) -> np.ndarray:
        return self.customer_hurt > 0

    @property
    def impacted_count(self) -> int:
        return int(np.count_nonzero(self.impacted_mask))

    @cached_property
    def impacted_weight(self) -> float:
        return float(self.model.customers.weight[self.impacted_mask].sum())

    @property
    def impacted_share(self) -> float:
        """Share of all customer weight that is hurt now (0..1)."""
        total = self.model.customers.total_weight
        return self.impacted_weight / total if total else 0.0

    def is_customer_impacted(self, customer_id: str) -> bool:
        return bool(self.impacted_mask[self.model.customers.index[customer_id]])

    def customer_impacts(self, at: dt.datetime, limit: int | None = None) -> list[CustomerImpact]:
        """Hurt customers, heaviest tier first then by id; ``limit`` keeps the first ones."""
        customers, usage = self.model.customers, self.model.usage
        idx = np.flatnonzero(self.impacted_mask)
        idx = idx[np.lexsort((idx, -customers.weight[idx]))][:limit]
        in_hours = customers.in_business_hours(at)
        comp_ids = self.model.graph.ids
        out = []
        for k in idx.tolist():
            used = usage.component_by_cust[usage.cust_ptr[k]:usage.cust_ptr[k + 1]]
            hurting = used[self.severity[used] > c.SEVERITY_NONE]
            out.append(CustomerImpact(
                id=customers.ids[k], name=customers.names[k],
                tier=customers.tier_names[customers.tier_of[k]],
                weight=float(customers.weight[k]), partner=bool(customers.partner[k]),
                severity=Status.DOWN if self.customer_down[k] else Status.DEGRADED,
                components=tuple(comp_ids[i] for i in hurting.tolist()),
                in_business_hours=bool(in_hours[k])))
        return out

    def totals_by_tier(self, at: dt.datetime) -> dict[str, TierTotals]:
        """Per tier (heaviest first): how many hurt, their weight, how many at work now."""
        key = require_aware(at)
        if key not in self._totals_cache:
            self._totals_cache[key] = self._totals(key)
        return self._totals_cache[key]

    def _totals(self, at: dt.datetime) -> dict[str, TierTotals]:
        customers = self.model.customers
        n_tiers = len(customers.tier_names)
        hit = self.impacted_mask
        # One pass: each hurt customer lands in a (tier, in hours, down, partner) cell.
        cell = (customers.tier_of[hit] * 8 + customers.in_business_hours(at)[hit] * 4
                + (self.customer_down[hit] > 0) * 2 + customers.partner[hit])
        cells = np.bincount(cell, minlength=n_tiers * 8).reshape(n_tiers, 2, 2, 2)
        impacted = cells.sum(axis=(1, 2, 3)).tolist()
        in_hours = cells[:, 1].sum(axis=(1, 2)).tolist()
        down = cells[:, :, 1].sum(axis=(1, 2)).tolist()
        partners = cells[:, :, :, 1].sum(axis=(1, 2)).tolist()
        population = np.bincount(customers.tier_of, minlength=n_tiers).tolist()
        return {
            tier: TierTotals(tier=tier, weight_each=float(customers.tier_weight[t]),
                             customers=population[t], impacted=impacted[t],
                             impacted_weight=impacted[t] * float(customers.tier_weight[t]),
                             in_business_hours=in_hours[t], down=down[t], partners=partners[t])
            for t, tier in enumerate(customers.tier_names)
        }

    def in_business_hours_weight(self, at: dt.datetime) -> float:
        """Weight of hurt customers inside their business hours at ``at``."""
        return sum(t.in_business_hours * t.weight_each for t in self.totals_by_tier(at).values())
