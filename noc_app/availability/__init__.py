"""Availability and SLA accounting, time-weighted from confirmed transitions.

``read_history`` loads what the checks recorded, ``compute_availability``
accounts it per public component, internal component and customer, and
``ACCOUNTING_RULES`` is the one text of how, printed in every report.
"""

from noc_app.availability.accounting import (
    AROUND_THE_CLOCK, Availability, Row, ScopeError, compute_availability, gap_tolerance_s,
)
from noc_app.availability.history import CheckHistory, read_history
from noc_app.availability.rules import ACCOUNTING_RULES, ACCOUNTING_RULES_TITLE
from noc_app.availability.sla import SlaStanding, format_target, parse_target
from noc_app.availability.states import State
from noc_app.availability.timeline import Breakdown

__all__ = ["ACCOUNTING_RULES", "ACCOUNTING_RULES_TITLE", "AROUND_THE_CLOCK", "Availability", "Breakdown",
           "CheckHistory", "Row", "ScopeError", "SlaStanding", "State", "compute_availability", "format_target",
           "gap_tolerance_s", "parse_target", "read_history"]
