"""The failure script: which demo component is in which state, and when.

A script is data (``data/demo/failure_script.toml``): a cycle length and a list
of steps at offsets from the start of the cycle. Each step *changes* the state
of some components; a component keeps its state until a later step changes it,
and everything is back to ``ok`` when the cycle wraps. So a step only lists
what happens at that moment, the way an incident timeline reads.

File shape::

    name = "Primary database outage"
    cycle = "6m"

    [[step]]
    at = "45s"
    note = "db-main connection pool filling up"
    [step.set]
    db-main = { state = "degraded", latency_ms = 1300, message = "pool 85% used", check = "db:connections" }
    api = "ok"                      # shorthand: just the state

Times are script time; the fleet's ``speed`` factor decides how fast it runs.
"""

from __future__ import annotations

import enum
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from noc_app.durations import format_duration, parse_duration

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class ScriptError(ValueError):
    """A failure script that cannot be used; the message names file and place."""


class DemoState(str, enum.Enum):
    """What a simulated component does when polled."""

    OK = "ok"
    DEGRADED = "degraded"  # answers slowly and/or with a warning (warn, yellow)
    DOWN = "down"  # answers, but failing (fail, DOWN, red, 503/500)
    UNREACHABLE = "unreachable"  # the connection is reset: no HTTP answer at all


@dataclass(frozen=True)
class ComponentState:
    """One component's simulated state.

    ``latency_ms`` of None means "the fleet's usual latency for this state";
    ``check`` names the internal health check that is failing (e.g. ``db``),
    None leaves the choice to the wire format.
    """

    state: DemoState = DemoState.OK
    latency_ms: float | None = None
    message: str = ""
    check: str | None = None

    @classmethod
    def coerce(cls, value: "ComponentState | DemoState | str") -> "ComponentState":
        """Accept a ready state, a ``DemoState`` or its name (``"down"``)."""
        if isinstance(value, ComponentState):
            return value
        try:
            return cls(state=DemoState(value))
        except ValueError:
            raise ValueError(f'"{value}" is not a demo state; use {_STATE_NAMES}') from None

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "latency_ms": self.latency_ms,
            "message": self.message,
            "check": self.check,
        }


_STATE_NAMES = ", ".join(s.value for s in DemoState)
OK_STATE = ComponentState()


@dataclass(frozen=True)
class ScriptStep:
    at_s: float
    note: str
    changes: Mapping[str, ComponentState] = field(default_factory=dict)


@dataclass(frozen=True)
class FailureScript:
    cycle_s: float
    steps: tuple[ScriptStep, ...]
    name: str = ""
    source: str = ""

    @property
    def components(self) -> frozenset[str]:
        """Every component id the script ever mentions."""
        return frozenset(cid for step in self.steps for cid in step.changes)

    def position(self, elapsed_s: float) -> float:
        """Offset inside the current cycle for ``elapsed_s`` of script time."""
        return max(0.0, elapsed_s) % self.cycle_s

    def step_at(self, elapsed_s: float) -> ScriptStep | None:
        """The latest step that has happened in the current cycle (None before the first)."""
        offset = self.position(elapsed_s)
        current = None
        for step in self.steps:
            if step.at_s > offset:
                break
            current = step
        return current

    def states_at(self, elapsed_s: float) -> dict[str, ComponentState]:
        """State of every component the script mentions, at ``elapsed_s``.

        Components the script never mentions are not in the result: they are
        always ``ok`` (``OK_STATE``).
        """
        offset = self.position(elapsed_s)
        states = {cid: OK_STATE for cid in self.components}
        for step in self.steps:
            if step.at_s > offset:
                break
            states.update(step.changes)
        return states

    def next_change_in(self, elapsed_s: float) -> float:
        """Script seconds until the next step (or the cycle wrap)."""
        offset = self.position(elapsed_s)
        upcoming = [s.at_s for s in self.steps if s.at_s > offset]
        return (upcoming[0] if upcoming else self.cycle_s) - offset


def load_script(path: str | Path) -> FailureScript:
    """Read and validate a failure script file; raises ``ScriptError``."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ScriptError(f"{path}: no such failure script") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError(f"{path}: not valid TOML: {exc}") from None
    return parse_script(raw, source=str(path))


def parse_script(raw: Mapping[str, Any], source: str = "<script>") -> FailureScript:
    """Validate an already-parsed TOML document (see the module docstring)."""
    _refuse_unknown(raw, {"name", "cycle", "step"}, source)
    if "cycle" not in raw:
        raise ScriptError(f'{source}: missing "cycle", e.g. cycle = "6m"')
    cycle_s = _duration(raw["cycle"], f"{source}: cycle")
    if cycle_s <= 0:
        raise ScriptError(f"{source}: cycle must be longer than 0s")
    raw_steps = raw.get("step", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScriptError(f"{source}: needs at least one [[step]]")

    steps: list[ScriptStep] = []
    for index, raw_step in enumerate(raw_steps, start=1):
        where = f"{source}: step {index}"
        if not isinstance(raw_step, dict):
            raise ScriptError(f"{where}: must be a table")
        _refuse_unknown(raw_step, {"at", "note", "set"}, where)
        if "at" not in raw_step:
            raise ScriptError(f'{where}: missing "at", e.g. at = "90s"')
        at_s = _duration(raw_step["at"], f"{where}: at")
        where = f"{where} (at {format_duration(at_s)})"
        if at_s >= cycle_s:
            raise ScriptError(f"{where}: is not inside the {format_duration(cycle_s)} cycle")
        if steps and at_s <= steps[-1].at_s:
            raise ScriptError(f"{where}: steps must be in increasing order of time")
        note = raw_step.get("note", "")
        if not isinstance(note, str):
            raise ScriptError(f"{where}: note must be text")
        raw_set = raw_step.get("set", {})
        if not isinstance(raw_set, dict):
            raise ScriptError(f"{where}: set must be a table of component = state")
        changes = {cid: _component_state(cid, value, where) for cid, value in raw_set.items()}
        steps.append(ScriptStep(at_s=at_s, note=note, changes=changes))

    name = raw.get("name", "")
    if not isinstance(name, str):
        raise ScriptError(f"{source}: name must be text")
    return FailureScript(cycle_s=cycle_s, steps=tuple(steps), name=name, source=source)


def _component_state(component_id: str, value: Any, where: str) -> ComponentState:
    where = f"{where}: {component_id}"
    if not _ID_RE.match(component_id):
        raise ScriptError(f'{where}: "{component_id}" is not a component id')
    if isinstance(value, str):
        value = {"state": value}
    if not isinstance(value, dict):
        raise ScriptError(f'{where}: write a state ("down") or a table {{ state = "down", ... }}')
    _refuse_unknown(value, {"state", "latency_ms", "message", "check"}, where)
    try:
        state = DemoState(value.get("state"))
    except ValueError:
        raise ScriptError(f'{where}: state "{value.get("state")}" is not one of {_STATE_NAMES}') from None
    latency = value.get("latency_ms")
    if latency is not None and (
        isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0
    ):
        raise ScriptError(f"{where}: latency_ms must be a number of milliseconds >= 0")
    message = value.get("message", "")
    check = value.get("check")
    if not isinstance(message, str) or (check is not None and not isinstance(check, str)):
        raise ScriptError(f"{where}: message and check must be text")
    return ComponentState(
        state=state,
        latency_ms=float(latency) if latency is not None else None,
        message=message,
        check=check,
    )


def _duration(value: Any, where: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ScriptError(f"{where}: {exc}") from None


def _refuse_unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScriptError(
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}"
        )
