"""One thing's state over a period as a step function: sorted edges, one state per piece between them.

A check, a component (its checks, then its maintenance), a redundancy group:
each is a handful of numpy arrays, built once per report. "The highest state
of several things" is a merge of their edges and a maximum, and "where was
it at least L" a mask — no interval unions per level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from noc_app.availability.intervals import Spans, union_of
from noc_app.availability.states import State


@dataclass(frozen=True)
class Steps:
    """``states[i]`` holds over [``edges[i]``, ``edges[i + 1]``); the edges run from the period's start to its end.

    Canonical: no empty piece, no two neighbours in the same state (so two
    equal functions have equal arrays). An empty period has one edge.
    """

    edges: np.ndarray  # float64, strictly increasing, len(states) + 1
    states: np.ndarray  # int8 State codes

    @classmethod
    def constant(cls, state: State, start: float, end: float) -> Steps:
        if end <= start:
            return cls(np.array([float(start)]), np.zeros(0, dtype=np.int8))
        return cls(np.array([float(start), float(end)]), np.array([int(state)], dtype=np.int8))

    @property
    def start(self) -> float:
        return float(self.edges[0])

    @property
    def end(self) -> float:
        return float(self.edges[-1])

    def at(self, times: np.ndarray) -> np.ndarray:
        """The state at each of ``times`` (inside the period)."""
        i = np.searchsorted(self.edges, times, side="right") - 1
        return self.states[np.clip(i, 0, max(self.states.size - 1, 0))]

    def at_least(self, state: State) -> Spans:
        """Where the state was ``state`` or higher (touching pieces merged)."""
        mask = self.states >= int(state)
        return union_of(self.edges[:-1][mask], self.edges[1:][mask])


def _canonical(edges: np.ndarray, states: np.ndarray) -> Steps:
    """From contiguous pieces (some maybe empty, neighbours maybe equal)."""
    keep = edges[1:] > edges[:-1]
    starts, ends, states = edges[:-1][keep], edges[1:][keep], states[keep]
    if states.size == 0:
        return Steps(edges[:1].copy(), np.zeros(0, dtype=np.int8))
    change = np.ones(states.size, dtype=bool)
    change[1:] = states[1:] != states[:-1]
    return Steps(np.append(starts[change], ends[-1]), states[change].astype(np.int8, copy=False))


def from_transitions(start: float, end: float, initial: State, times: np.ndarray, states: np.ndarray,
                     no_data_from: float | None = None) -> Steps:
    """A check over [start, end) from its confirmed transitions.

    ``initial`` holds from ``start`` to the first of ``times`` (sorted,
    inside the period); ``states[i]`` from ``times[i]`` to the next. After
    ``no_data_from`` (its last result, when no poller runs now) it is NO_DATA.
    """
    if len(times) == 0:  # the usual check on a quiet day: the arrays the general case makes, sooner
        if no_data_from is None or no_data_from >= end:
            return Steps.constant(initial, start, end)
        cut = max(float(no_data_from), start)
        if cut <= start or int(initial) == int(State.NO_DATA) or end <= start:
            return Steps.constant(State.NO_DATA, start, end)
        return Steps(np.array([float(start), cut, float(end)]),
                     np.array([int(initial), int(State.NO_DATA)], dtype=np.int8))
    times = np.clip(np.asarray(times, dtype=np.float64), start, end)
    edges = np.concatenate([[start], times, [end]])
    codes = np.concatenate([[int(initial)], np.asarray(states, dtype=np.int8)]).astype(np.int8)
    if no_data_from is not None and no_data_from < end:
        cut = max(no_data_from, start)
        edges = np.append(np.minimum(edges, cut), end)
        codes = np.append(codes, np.int8(State.NO_DATA))
    return _canonical(edges, codes)


def highest(parts: list[Steps]) -> Steps:
    """Several things over the same period at once: the highest of their states at every moment."""
    if len(parts) == 1:
        return parts[0]
    edges = np.unique(np.concatenate([p.edges for p in parts]))
    if edges.size < 2:
        return Steps(edges, np.zeros(0, dtype=np.int8))
    pieces = edges[:-1]
    state = parts[0].at(pieces)
    for p in parts[1:]:
        state = np.maximum(state, p.at(pieces))
    return _canonical(edges, state)


def with_maintenance(steps: Steps, windows: Spans) -> Steps:
    """Inside declared maintenance the state is MAINTENANCE, whatever the checks said."""
    if not len(windows) or steps.states.size == 0:
        return steps
    inside_period = np.clip(np.concatenate([windows.starts, windows.ends]), steps.start, steps.end)
    edges = np.unique(np.concatenate([steps.edges, inside_period]))
    pieces = edges[:-1]
    state = steps.at(pieces)
    w = np.searchsorted(windows.starts, pieces, side="right") - 1
    covered = (w >= 0) & (pieces < windows.ends[np.maximum(w, 0)])
    return _canonical(edges, np.where(covered, np.int8(State.MAINTENANCE), state))


def down_while(spans: Spans, start: float, end: float) -> Steps:
    """DOWN on ``spans`` (clipped to the period), UP elsewhere: a redundancy group's state."""
    if end <= start:
        return Steps.constant(State.UP, start, end)
    starts, ends = np.clip(spans.starts, start, end), np.clip(spans.ends, start, end)
    edges = np.concatenate([[start], np.ravel(np.column_stack([starts, ends])), [end]])
    codes = np.zeros(edges.size - 1, dtype=np.int8)
    codes[1::2] = int(State.DOWN)
    return _canonical(edges, codes)
