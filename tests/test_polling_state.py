"""Confirmation, recovery, flapping and maintenance of one check's state."""

from __future__ import annotations

import datetime as dt

from noc_app.checks.result import CheckResult
from noc_app.domain import Status
from noc_app.polling.state import CheckStateMachine

T0 = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.timezone.utc)


def result(status: Status, second: int = 0, error: str | None = None) -> CheckResult:
    return CheckResult("api#0", "api", status, 10.0, 200, error, {}, T0 + dt.timedelta(seconds=second))


def feed_all(machine, statuses, maintenance=False):
    return [machine.feed(result(s, i, None if s == Status.OK else "HTTP 503"), maintenance)
            for i, s in enumerate(statuses)]


def test_first_result_is_accepted_at_once():
    m = CheckStateMachine("api#0", "api", retries=2)
    out = m.feed(result(Status.OK))
    assert out.status == Status.OK and out.transition.from_status == Status.UNKNOWN


def test_down_needs_retries_plus_one_consecutive_failures():
    m = CheckStateMachine("api#0", "api", retries=2)
    outs = feed_all(m, [Status.OK, Status.DOWN, Status.DOWN, Status.DOWN])
    assert [o.status for o in outs] == [Status.OK, Status.OK, Status.OK, Status.DOWN]
    assert [o.pending for o in outs] == [False, True, True, False]
    t = outs[-1].transition
    assert (t.from_status, t.to_status, t.reason, t.at) == (
        Status.OK, Status.DOWN, "HTTP 503", T0 + dt.timedelta(seconds=3))


def test_a_single_blip_is_not_an_outage():
    m = CheckStateMachine("api#0", "api", retries=2)
    outs = feed_all(m, [Status.OK, Status.DOWN, Status.OK, Status.DOWN, Status.OK])
    assert all(o.status == Status.OK for o in outs)
    assert all(o.transition is None for o in outs[1:])


def test_recovery_is_confirmed_the_same_way_and_recorded():
    m = CheckStateMachine("api#0", "api", retries=1)
    outs = feed_all(m, [Status.OK, Status.DOWN, Status.DOWN, Status.OK, Status.OK])
    assert outs[2].status == Status.DOWN
    assert outs[3].status == Status.DOWN and outs[3].pending
    assert outs[4].transition.to_status == Status.OK


def test_severity_changes_inside_an_outage_at_once():
    m = CheckStateMachine("api#0", "api", retries=0)
    outs = feed_all(m, [Status.OK, Status.DEGRADED, Status.DOWN])
    assert [o.status for o in outs] == [Status.OK, Status.DEGRADED, Status.DOWN]


def test_flapping_is_marked_and_cleared():
    m = CheckStateMachine("api#0", "api", retries=0)
    outs = feed_all(m, [Status.OK, Status.DOWN] * 8)
    assert outs[-1].flapping and outs[-1].transition.flapping
    assert m.percent_state_change() > 50
    outs = feed_all(m, [Status.OK] * 25)
    assert not outs[-1].flapping


def test_maintenance_shows_as_maintenance_and_ends_cleanly():
    m = CheckStateMachine("api#0", "api", retries=2)
    feed_all(m, [Status.OK])
    out = m.feed(result(Status.DOWN, 1, "connection refused"), in_maintenance=True)
    assert out.status == Status.MAINTENANCE and out.transition.reason == "maintenance window"
    out = m.feed(result(Status.DOWN, 2, "connection refused"))
    assert out.status == Status.DOWN  # leaving the window accepts the real state at once


def test_a_recovery_needs_only_the_first_ok_and_one_quick_recheck():
    m = CheckStateMachine("api#0", "api", retries=2)
    outs = feed_all(m, [Status.OK, Status.DOWN, Status.DOWN, Status.DOWN, Status.OK, Status.OK])
    assert outs[3].status == Status.DOWN  # three failures confirm the outage
    assert outs[4].status == Status.DOWN and outs[4].pending  # the first OK: re-check at once
    assert outs[5].transition.to_status == Status.OK  # the second OK is the recovery
    assert outs[5].transition.at == T0 + dt.timedelta(seconds=5)


def test_a_recovery_that_fails_again_stays_down():
    m = CheckStateMachine("api#0", "api", retries=2)
    outs = feed_all(m, [Status.OK, Status.DOWN, Status.DOWN, Status.DOWN, Status.OK, Status.DOWN])
    assert [o.status for o in outs[3:]] == [Status.DOWN] * 3
    assert all(o.transition is None for o in outs[4:])
