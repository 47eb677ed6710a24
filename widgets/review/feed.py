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
    """``show(at)`` folds the state at ``at`` into the store and announces what changed.

    Only checks whose transition history differs between the previous moment
    and this one get new views (plus the sampled ones, whose latency moves), so
    dragging the slider costs a few checks per frame, not the whole topology.
    """

    def __init__(self, replay: Replay, store: BoardStore, samples: dict[str, Samples]):
        self.replay = replay
        self.store = store
        self.samples = samples
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
        board = self.store.board
        changed = board.replace_checks(views, state.own, at)
        board.last_data_at = at
        self.state = state
        if changed:
            self.store.componentsChanged.emit(changed)
        return state

    def _latencies(self, t: float) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key, s in self.samples.items():
            i = int(np.searchsorted(s.at, t, side="right")) - 1
            value = None
            if i >= 0 and t - s.at[i] <= SAMPLE_FRESH_S and not np.isnan(s.latency[i]):
                value = round(float(s.latency[i]))
            out[key] = value
        return out
