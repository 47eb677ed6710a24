"""The topology file: a good file loads; each kind of mistake is one precise line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from noc_app.demo import DEMO_TOPOLOGY_PATH
from noc_app.domain import CheckKind, Criticality, HealthFormat
from noc_app.topology import TopologyError, load_topology, parse_topology
from noc_app.topology.references import find_cycle

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "small_topology.toml"

BASE = """
[[component]]
id = "db"
name = "Database"

[[component]]
id = "api"
name = "API"
depends_on = ["db"]
  [[component.check]]
  url = "http://127.0.0.1:8081/health"
"""


def error_of(text: str) -> TopologyError:
    with pytest.raises(TopologyError) as info:
        parse_topology(text, "t.toml")
    return info.value


def test_small_topology_loads_with_defaults_applied():
    topo = load_topology(SMALL)
    api = topo.component("api")
    assert api.depends_on == ("db-main",)
    assert [c.key for c in api.checks] == ["api#0", "api#1"]
    http, tcp = api.checks
    assert http.format == HealthFormat.HEALTH_JSON and http.json.equals == "pass"
    assert http.timeout_s == 2.0 and http.interval_s == 10.0 and http.degraded_ms == 800
    assert tcp.kind == CheckKind.TCP and tcp.port == 47800
    acme = next(c for c in topo.customers if c.id == "acme")
    assert acme.business_hours == (dt.time(9), dt.time(18))
    assert [(u.component_id, u.criticality) for u in acme.uses] == [
        ("web", Criticality.HIGH), ("reporting", Criticality.LOW)]
    channel = next(c for c in topo.customers if c.id == "channelco")
    assert channel.partner and channel.business_days == (0, 1, 2, 3, 4, 5)
    assert topo.maintenance[0].starts_at.tzinfo is not None
    assert topo.escalation_policies[0].levels[1].delay_s == 600


def test_demo_topology_loads():
    topo = load_topology(DEMO_TOPOLOGY_PATH)
    assert len(topo.components) >= 30 and len(topo.customers) >= 150


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (BASE + '  colour = "red"\n', 12, 'component "api" > check[0] > colour: unknown key "colour"'),
        (BASE.replace('id = "api"', 'id = "db"'), 7, 'duplicate component id "db"'),
        (BASE.replace('depends_on = ["db"]', 'depends_on = ["dbb"]'), 9,
         'depends on "dbb", which is not a known component; did you mean "db"?'),
        (BASE + '[[customer]]\nid = "acme"\nname = "ACME"\ntier = "enterprise"\nuses = ["apx"]\n', 16,
         'uses "apx", which is not a known component'),
        (BASE + '  interval = "10 parsecs"\n', 12, '"10 parsecs" is not a duration'),
        (BASE + '[[customer]]\nid = "acme"\nname = "ACME"\ntier = "enterprise"\ntimezone = "Mars/Olympus"\n',
         16, 'unknown timezone "Mars/Olympus"'),
        (BASE.replace("http://127.0.0.1:8081/health", "ftp://x/health"), 11, "is not an http(s) URL"),
        (BASE + '[[customer]]\nid = "acme"\nname = "ACME"\ntier = "platinum"\n', 15, 'unknown tier "platinum"'),
        (BASE + '[[customer]]\nid = "acme"\nname = "ACME"\ntier = "standard"\nbusiness_hours = "9 to 5"\n',
         16, "is not a span of hours"),
        (BASE.replace('name = "Database"', 'name = "Database"\ndepends_on = ["api"]'), None,
         "dependency cycle db -> api -> db"),
        ("[[component]]\nid = \"api\"\n", 1, 'required key "name" is missing'),
        ("[[component]\nid = 1", None, "not valid TOML"),
        (BASE.replace('url = "http://127.0.0.1:8081/health"', 'kind = "tcp"'), 10, "needs host"),
    ],
    ids=["unknown-key", "duplicate-id", "dangling-depends-on", "dangling-uses", "bad-duration",
         "bad-timezone", "bad-url", "unknown-tier", "bad-hours", "cycle", "missing-key",
         "toml-syntax", "tcp-without-host"],
)
def test_each_mistake_is_named_precisely(text, line, expected):
    err = error_of(text)
    message = str(err)
    assert expected in message
    assert message.startswith("t.toml")
    assert "\n" not in message
    if line is not None:
        assert err.line == line, message


def test_cycle_names_every_member_in_order():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": []}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def test_deep_chain_has_no_recursion_limit():
    chain = {f"n{i}": [f"n{i + 1}"] for i in range(5000)}
    chain["n5000"] = []
    assert find_cycle(chain) is None


def test_missing_file_says_so(tmp_path):
    with pytest.raises(TopologyError, match="file not found"):
        load_topology(tmp_path / "nope.toml")


@pytest.mark.parametrize("mistake", [
    '[[component]]\nid = "a"\nname = "A"\ndepends_on = ["a"]\n',
    '[[component]]\nid = "a"\nname = "A"\nbogus = 1\n',
    'not toml at all = = =\n',
])
def test_command_line_prints_one_line_and_exits_2(tmp_path, mistake):
    config = tmp_path / "broken.toml"
    config.write_text(mistake)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--config", str(config)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {config}"), proc.stderr
    assert "Traceback" not in proc.stderr
