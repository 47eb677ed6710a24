"""SLA targets in the topology: one-line errors, stored in the database and read back; the gap tolerance."""

from __future__ import annotations

import datetime as dt

import pytest

from availability_scenario import TOPOLOGY
from noc_app.polling.gaps import record_gaps
from noc_app.storage import models as db
from noc_app.storage.db import transaction
from noc_app.storage.readers import read_topology
from noc_app.topology import TopologyError, parse_topology
from noc_app.workspace import open_workspace


@pytest.mark.parametrize("text, message", [
    ('[[customer]]\nid = "a"\nname = "A"\ntier = "standard"\nsla = "99.9"\n',
     'topology.toml:5: customer "a" > sla: "99.9" is not an SLA target; write a percentage below 100, e.g. "99.9%"'),
    ('[sla]\nenterprise = "100%"\n', '"100%" is not an SLA target'),
    ('[sla]\ngold = "99%"\n', '[sla] names unknown tier "gold"'),
])
def test_bad_sla_is_one_line(text, message):
    with pytest.raises(TopologyError) as err:
        parse_topology(text, "topology.toml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_sla_targets_round_trip_through_the_database(tmp_path):
    topology = parse_topology(TOPOLOGY, "scenario.toml")
    assert topology.sla_by_tier == {"standard": 0.995}
    workspace = open_workspace(topology, f"sqlite:///{tmp_path}/sla.db")
    with workspace.sessions() as session:
        stored = read_topology(session)
    workspace.close()
    assert stored.sla_by_tier == {"standard": 0.995}
    by_id = {c.id: c for c in stored.customers}
    assert stored.sla_of(by_id["acme"]) == 0.999 and stored.sla_of(by_id["beta"]) == 0.995


def test_a_short_silence_is_not_a_gap(tmp_path):
    """A lease handed over within the tolerance (3 intervals, at least 1 minute) records nothing."""
    workspace = open_workspace(parse_topology(TOPOLOGY, "scenario.toml"), f"sqlite:///{tmp_path}/gap.db")
    last = dt.datetime(2026, 11, 2, 12, tzinfo=dt.timezone.utc)
    with transaction(workspace.sessions) as session:
        for key in ("db#0", "api#0"):
            state = session.get(db.CheckState, key)
            state.status, state.last_result_at = "OK", last
        session.flush()
        assert record_gaps(session, ["db#0"], last + dt.timedelta(seconds=60)) == set()
        assert record_gaps(session, ["api#0"], last + dt.timedelta(seconds=61)) == {"api#0"}
    with workspace.sessions() as session:
        assert session.get(db.CheckState, "api#0").status == "UNKNOWN"
    workspace.close()
