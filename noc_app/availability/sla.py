"""SLA targets and where a customer stands against one: budget, used, breach."""

from __future__ import annotations

from dataclasses import dataclass

from noc_app.availability.timeline import Breakdown

NEAR_SHARE = 0.8  # "80 % of the budget used" is flagged before it is breached


def parse_target(text: str) -> float:
    """``"99.9%"`` -> 0.999: the topology's own parser (imported when used: it brings pydantic, which a report
    read from the database does not otherwise need)."""
    from noc_app.topology.schema import parse_sla_target

    return parse_sla_target(text)


def format_target(target: float) -> str:
    return f"{target * 100:.10g}%"


@dataclass(frozen=True)
class SlaStanding:
    target: float
    budget_s: float  # allowed downtime in the period
    used_s: float  # downtime counted against it
    no_data_s: float

    @property
    def used_share(self) -> float:
        return self.used_s / self.budget_s if self.budget_s > 0 else (1.0 if self.used_s else 0.0)

    @property
    def breached(self) -> bool:
        return self.used_s > self.budget_s

    @property
    def at_risk(self) -> bool:
        """Not breached on what was seen, but would be if the unseen time was down."""
        return not self.breached and self.used_s + self.no_data_s > self.budget_s

    @property
    def near(self) -> bool:
        return not self.breached and self.used_share >= NEAR_SHARE

    @property
    def word(self) -> str:
        """A word for the standing (the report never relies on colour alone)."""
        if self.breached:
            return "BREACHED"
        if self.at_risk:
            return "AT RISK (no data)"
        if self.near:
            return "80 % USED"
        return "met"

    def to_dict(self) -> dict:
        return {"target": self.target, "budget_s": round(self.budget_s, 3), "used_s": round(self.used_s, 3),
                "used_share": round(self.used_share, 6), "breached": self.breached, "at_risk": self.at_risk,
                "near": self.near, "standing": self.word}


def standing(target: float, breakdown: Breakdown) -> SlaStanding:
    return SlaStanding(target=target, budget_s=(1.0 - target) * breakdown.accountable_s,
                       used_s=breakdown.down_s, no_data_s=breakdown.no_data_s)
