"""The replay as a feed: a moment in, the board the live views observe brought to that moment."""

from __future__ import annotations

import datetime as dt

import numpy as np

from noc_app.live import CheckView
from noc_app.review.reader import Samples
from noc_app.review.replay import Replay, ReplayState
from widgets.board_store import BoardStore

#: A sample older than this before the moment says nothing about latency then.
SAMPLE_FRESH_S = 120.0


class ReplayFeed:
    """``show(at)`` folds the state at ``at`` into the board and announces what changed.

    Only checks whose transition history differs between the previous moment
    and this one get new views (plus the sampled ones, whose latency moves), so
    dragging the slider costs a few checks per frame, not the whole topology.

    Each view has a store of its own (views may share a board: the map has one
    of the neighbourhood only), and only the view on screen hears of changes as
    they happen; a hidden one is told everything it
    missed when it is shown. A live view repaints on every announcement, and a
    dependency map of 1,000 nodes nobody is looking at must not slow a drag.
    """

    def __init__(self, replay: Replay, stores: dict[str, BoardStore], samples: dict[str, Samples],
                 visible: str):
        self.replay = replay
        self.stores = stores
        self.store = stores[visible]
        self.visible = visible
        self.samples = samples
        self._missed: dict[str, set[str]] = {name: set() for name in stores}
        self.state: ReplayState | None = None
        self._latency: dict[str, float | None] = {}

    def show(self, at: dt.datetime) -> ReplayState:
        state = self.replay.state_at(at)
        keys = set(self.replay.changed_checks(self.state, state))
        latencies = self._latencies(at.timestamp())
        keys |= {k for k, v in latencies.items() if self._latency.get(k) != v}
        self._latency = latencies
        views = []
        for key in keys:
            check = self.replay.check_at(state, key)
            views.append(CheckView(check_key=key, component_id=check.component_id, status=check.status,
                                   raw_status=check.status, since=check.since, latency_ms=latencies.get(key),
                                   error=check.reason, flapping=check.flapping, at=at, changed=False))
        changed_by_board: dict[int, set[str]] = {}
        for store in self.stores.values():
            board = store.board
            if id(board) not in changed_by_board:
                changed_by_board[id(board)] = board.replace_checks(views, state.own, at)
                board.last_data_at = at
        self.state = state
        for name, store in self.stores.items():
            changed = changed_by_board[id(store.board)]
            if not changed:
                continue
            if name == self.visible:
                store.componentsChanged.emit(changed)
            else:
                self._missed[name] |= changed
        return state

    def set_visible(self, name: str) -> None:
        """``name``'s view is on screen now: tell it what changed while it was hidden."""
        self.visible, self.store = name, self.stores[name]
        missed, self._missed[name] = self._missed[name], set()
        if missed:
            self.store.componentsChanged.emit(missed)

    def _latencies(self, t: float) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key, s in self.samples.items():
            i = int(np.searchsorted(s.at, t, side="right")) - 1
            value = None
            if i >= 0 and t - s.at[i] <= SAMPLE_FRESH_S and not np.isnan(s.latency[i]):
                value = round(float(s.latency[i]))
            out[key] = value
        return out
