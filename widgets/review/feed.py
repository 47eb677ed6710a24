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
    """``show(at)`` folds the state at ``at`` into the board on screen and announces what changed.

    Only checks whose transition history differs between the moment a board
    last showed and this one get new views (plus the sampled ones, whose
    latency moves), so dragging the slider costs a few checks per frame, not
    the whole topology.

    Each view has a store of its own (views may share a board: the map has one
    of the neighbourhood only). Only the board of the view on screen is moved
    as the cursor moves, and only that view hears of changes as they happen; a
    hidden board is brought to the cursor's moment when its view is shown, and
    its views are told everything they missed. A live view repaints on every
    announcement, and neither a dependency map of 1,000 nodes nobody is looking
    at nor the impact engine of a board nobody sees must slow a drag.
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
        # Per board (by id): the state it shows and the latencies its check views carry.
        self._shown: dict[int, ReplayState | None] = {id(s.board): None for s in stores.values()}
        self._latency: dict[int, dict[str, float | None]] = {id(s.board): {} for s in stores.values()}

    def show(self, at: dt.datetime) -> ReplayState:
        state = self.replay.state_at(at)
        self.state = state
        latencies = self._latencies(at.timestamp())
        for store in {id(s.board): s for s in self.stores.values()}.values():
            # The board on screen follows; one never shown yet is built now (the views start on it).
            if store.board is self.store.board or self._shown[id(store.board)] is None:
                self._announce(store.board, self._bring(store.board, state, latencies))
        return state

    def set_visible(self, name: str) -> None:
        """``name``'s view is on screen now: bring its board to the cursor, tell it what it missed."""
        self.visible, self.store = name, self.stores[name]
        if self.state is not None and self._shown[id(self.store.board)] is not self.state:
            self._announce(self.store.board,
                           self._bring(self.store.board, self.state, self._latencies(self.state.at.timestamp())))
        missed, self._missed[name] = self._missed[name], set()
        if missed:
            self.store.componentsChanged.emit(missed)

    def _bring(self, board, state: ReplayState, latencies: dict[str, float | None]) -> set[str]:
        """Move ``board`` from the state it shows to ``state``; the component ids that changed."""
        before = self._latency[id(board)]
        keys = set(self.replay.changed_checks(self._shown[id(board)], state))
        keys |= {k for k, v in latencies.items() if before.get(k) != v}
        at = state.at
        views = []
        for key in keys:
            check = self.replay.check_at(state, key)
            views.append(CheckView(check_key=key, component_id=check.component_id, status=check.status,
                                   raw_status=check.status, since=check.since, latency_ms=latencies.get(key),
                                   error=check.reason, flapping=check.flapping, at=at, changed=False))
        changed = board.replace_checks(views, state.own, at)
        board.last_data_at = at
        self._shown[id(board)] = state
        self._latency[id(board)] = latencies
        return changed

    def _announce(self, board, changed: set[str]) -> None:
        if not changed:
            return
        for name, store in self.stores.items():
            if store.board is not board:
                continue
            if name == self.visible:
                store.componentsChanged.emit(changed)
            else:
                self._missed[name] |= changed

    def _latencies(self, t: float) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key, s in self.samples.items():
            i = int(np.searchsorted(s.at, t, side="right")) - 1
            value = None
            if i >= 0 and t - s.at[i] <= SAMPLE_FRESH_S and not np.isnan(s.latency[i]):
                value = round(float(s.latency[i]))
            out[key] = value
        return out
