"""The fast accounting (step functions, one packed sweep per row) against the one it replaced, on random estates.

Random layered topologies with redundancy groups, components with zero to
three checks, transitions into every state (some at the same instant),
maintenance windows reaching outside the period, checks that stopped
reporting, business hours in several timezones, a report made mid-period.
Every figure must be the same float, not merely close.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from availability_reference import reference_breakdowns
from noc_app.availability import CheckHistory, State, compute_availability
from noc_app.availability.intervals import Spans
from noc_app.topology import parse_topology

DAY = dt.datetime(2026, 3, 27, tzinfo=dt.timezone.utc)  # Paris and New York change clocks around here
PERIOD_S = 3 * 86_400
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata")


def random_topology(rng: random.Random, n: int, customers: int) -> str:
    out = ['[defaults]\ninterval = "10s"\n']
    for i in range(n):
        below = list(range(i))[-8:]
        plain = set(rng.sample(below, min(len(below), rng.randint(0, 2))))
        deps = [f'"c{j}"' for j in sorted(plain)]
        others = [j for j in below if j not in plain]
        if len(others) >= 3 and rng.random() < 0.3:
            members = ", ".join(f'"c{j}"' for j in rng.sample(others, rng.randint(2, 3)))
            deps.append(f'{{ any_of = [{members}], need = {rng.randint(1, 2)} }}')
        checks = "".join(f'  [[component.check]]\n  url = "http://127.0.0.1:9/c{i}/{k}"\n'
                         for k in range(rng.choice((0, 1, 1, 1, 2, 3))))
        out.append(f'[[component]]\nid = "c{i}"\nname = "C{i}"\ngroup = "G{i % 3}"\n'
                   f'depends_on = [{", ".join(deps)}]\n{checks}')
    for k in range(customers):
        uses = ", ".join(f'"c{j}"' for j in sorted(set(rng.sample(range(n), rng.randint(1, 3)))))
        opens, closes = rng.choice(((9, 17), (22, 6), (0, 0), (8, 20)))
        out.append(f'[[customer]]\nid = "k{k}"\nname = "K{k}"\ntier = "standard"\ntimezone = "{rng.choice(ZONES)}"\n'
                   f'business_hours = "{opens:02d}:00-{closes:02d}:00"\nuses = [{uses}]\n')
    return "\n".join(out)


def random_history(rng: random.Random, topology, t0: float) -> CheckHistory:
    history = CheckHistory()
    for check in topology.checks:
        if rng.random() < 0.9:
            history.initial[check.key] = State(rng.randrange(5))
        count = rng.randint(0, 40)
        times = np.sort(np.round([t0 + rng.uniform(0, PERIOD_S) for _ in range(count)], 3))
        if count > 4:
            times[3] = times[2]  # two confirmed changes in the same millisecond
        history.times[check.key] = times
        history.states[check.key] = np.array([rng.randrange(5) for _ in range(count)], dtype=np.int8)
        last = rng.random()
        if last < 0.8:
            history.last_result[check.key] = t0 + PERIOD_S if last < 0.6 else round(t0 + rng.uniform(0, PERIOD_S), 3)
    for comp in topology.components:
        if rng.random() < 0.3:
            starts = [t0 + rng.uniform(-3_600, PERIOD_S) for _ in range(rng.randint(1, 3))]
            history.maintenance[comp.id] = Spans.of(starts, [a + rng.uniform(60, 10_000) for a in starts])
    return history


@pytest.mark.parametrize("seed", range(12))
def test_same_figures_as_the_interval_unions(seed):
    rng = random.Random(seed)
    topology = parse_topology(random_topology(rng, n=rng.randint(5, 40), customers=rng.randint(1, 30)), "random.toml")
    history = random_history(rng, topology, DAY.timestamp())
    end = DAY + dt.timedelta(seconds=PERIOD_S)
    now = end if seed % 3 else DAY + dt.timedelta(seconds=rng.uniform(0, PERIOD_S))  # sometimes mid-period
    for business_hours in (False, True):
        result = compute_availability(topology, history, DAY, end, now=now, business_hours=business_hours)
        expected = reference_breakdowns(topology, history, DAY.timestamp(), min(end, now).timestamp(), business_hours)
        got = {(r.kind, r.id): r.breakdown for r in result.rows}
        assert got.keys() == expected.keys()
        for key, breakdown in expected.items():
            assert got[key] == breakdown, key


def test_times_off_one_grid_take_the_merging_path():
    """A period starting at 1970-01-01 00:00 has times in many binades: no common quantum, so the rows'
    step functions are merged instead of swept."""
    rng = random.Random(99)
    topology = parse_topology(random_topology(rng, n=25, customers=20), "random.toml")
    start = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    history = random_history(rng, topology, start.timestamp())
    end = start + dt.timedelta(seconds=PERIOD_S)
    result = compute_availability(topology, history, start, end, now=end)
    expected = reference_breakdowns(topology, history, 0.0, end.timestamp())
    for row in result.rows:
        want = expected[row.kind, row.id]
        assert (row.breakdown is None) == (want is None)
        if want is not None:  # sums of differences of times of several binades: equal to the microsecond, not the bit
            assert row.breakdown.to_dict() == pytest.approx(want.to_dict(), abs=1e-6)


@pytest.mark.parametrize("odd_row", [False, True], ids=["as-stored", "one-row-written-by-hand"])
def test_sqlite_text_reads_as_julianday_would(tmp_path, odd_row):
    """The transitions' stored text, parsed by numpy, gives julianday's milliseconds (half-way cases included)."""
    from sqlalchemy import insert, text

    from noc_app.availability.history import _transitions_as_numbers, read_history
    from noc_app.storage import models as db
    from noc_app.storage.db import transaction
    from noc_app.workspace import open_workspace

    topology = parse_topology("".join(f'[[component]]\nid = "{c}"\nname = "{c}"\n  [[component.check]]\n'
                                      f'  url = "http://127.0.0.1:9/"\n' for c in "ab"), "two.toml")
    workspace = open_workspace(topology, f"sqlite:///{tmp_path}/noc.db")
    rng = random.Random(7)
    micros = [rng.randrange(1_000_000) for _ in range(300)] + [500, 1_500, 999_500, 999_999, 0, 123_456]
    rows = [{"check_key": key, "component_id": key[0], "at": DAY + dt.timedelta(seconds=rng.randrange(86_400),
                                                                                microseconds=us),
             "from_status": "OK", "to_status": rng.choice(["OK", "DOWN", "DEGRADED", "UNKNOWN", "MAINTENANCE", "??"]),
             "reason": None, "flapping": False}
            for us in micros for key in ("a#0", "b#0")]
    with transaction(workspace.sessions) as session:
        session.execute(insert(db.StateTransition), rows)
        if odd_row:  # no fraction: not the 26 characters SQLAlchemy writes
            session.execute(text("INSERT INTO state_transitions (check_key, component_id, at, from_status, to_status, "
                                 "flapping) VALUES ('a#0', 'a', '2026-03-27 05:00:00', 'OK', 'DOWN', 0)"))
    with workspace.sessions() as session:
        history = read_history(session, DAY, DAY + dt.timedelta(days=1))
        expected = _transitions_as_numbers(session, DAY, DAY + dt.timedelta(days=1))
    workspace.close()
    assert history.times.keys() == expected.keys() == {"a#0", "b#0"}
    for key, (times, states) in expected.items():
        order = np.argsort(times, kind="stable")
        assert np.array_equal(history.times[key], times[order])
        assert np.array_equal(history.states[key], states[order])
