"""The demo: topology file, failure script and the simulated fleet over real HTTP.

Every fleet here listens on 127.0.0.1 with port 0 (a free port). Slow
(degraded) answers are kept to a handful so the module runs in a few seconds.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import signal
import subprocess
import sys
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from noc_app.demo import DEMO_DATA_DIR, DEMO_SCRIPT_PATH, DEMO_TOPOLOGY_PATH
from noc_app.demo.fleet import DemoFleet, is_demo_fleet
from noc_app.demo.formats import CHECK_PATHS, split_health_path
from noc_app.demo.script import (
    ComponentState,
    DemoState,
    ScriptError,
    load_script,
    parse_script,
)
from noc_app.domain import HealthFormat, Tier

REPO_ROOT = Path(__file__).resolve().parents[1]
FORMATS = [f for f in HealthFormat if f is not HealthFormat.AUTO]
ALL_GREEN = parse_script({"cycle": "1h", "step": [{"at": "0s", "note": "all green"}]})
QUICK = 10.0  # latency_ms for degraded/down overrides in tests that check bodies, not speed


@pytest.fixture
def fleet():
    with DemoFleet(ALL_GREEN, port=0) as running:
        yield running


@pytest.fixture(scope="module")
def topology() -> dict:
    with DEMO_TOPOLOGY_PATH.open("rb") as fh:
        return tomllib.load(fh)


def get(fleet: DemoFleet, component_id: str, fmt: HealthFormat, **kwargs) -> requests.Response:
    return requests.get(fleet.url_for(component_id, fmt), timeout=5, **kwargs)


# -- wire formats -------------------------------------------------------------


@pytest.mark.parametrize("state", ["ok", "degraded", "down"])
def test_plain_text(fleet, state):
    fleet.set_override("api", ComponentState(DemoState(state), QUICK, "pool exhausted"))
    answer = get(fleet, "api", HealthFormat.PLAIN)
    assert answer.headers["Content-Type"].startswith("text/plain")
    if state == "down":
        assert answer.status_code == 503
        assert answer.text.startswith("ERROR: pool exhausted")
    else:
        assert answer.status_code == 200
        assert answer.text.startswith("OK")
        assert ("pool exhausted" in answer.text) == (state == "degraded")


@pytest.mark.parametrize(
    "state, verdict, code", [("ok", "pass", 200), ("degraded", "warn", 200), ("down", "fail", 503)]
)
def test_health_json(fleet, state, verdict, code):
    fleet.set_override(
        "db-main", ComponentState(DemoState(state), QUICK, "pool 97% used", "db:connections")
    )
    answer = get(fleet, "db-main", HealthFormat.HEALTH_JSON)
    assert answer.status_code == code
    assert answer.headers["Content-Type"] == "application/health+json"
    body = answer.json()
    assert body["status"] == verdict
    assert body["checks"]["db:connections"][0]["status"] == verdict
    assert all(entry[0]["status"] == "pass" for name, entry in body["checks"].items()
               if name != "db:connections")
    assert (body.get("output") == "pool 97% used") == (state != "ok")


@pytest.mark.parametrize(
    "state, verdict, code", [("ok", "UP", 200), ("degraded", "UP", 200), ("down", "DOWN", 503)]
)
def test_spring_actuator(fleet, state, verdict, code):
    fleet.set_override("billing", ComponentState(DemoState(state), QUICK, "no connection", "db"))
    answer = get(fleet, "billing", HealthFormat.SPRING)
    assert answer.status_code == code
    assert answer.headers["Content-Type"] == "application/vnd.spring-boot.actuator.v3+json"
    body = answer.json()
    assert body["status"] == verdict
    assert body["components"]["db"]["status"] == verdict
    assert body["components"]["ping"]["status"] == "UP"
    if state == "down":
        assert body["components"]["db"]["details"]["error"] == "no connection"


@pytest.mark.parametrize("state", ["ok", "degraded", "down"])
def test_kubernetes_readyz_verbose(fleet, state):
    fleet.set_override("workers", ComponentState(DemoState(state), QUICK, check="db"))
    answer = get(fleet, "workers", HealthFormat.K8S)
    lines = answer.text.splitlines()
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert "[+]ping ok" in lines
    if state == "down":
        assert answer.status_code == 500
        assert "[-]db failed: reason withheld" in lines
        assert lines[-1] == "readyz check failed"
    else:
        assert answer.status_code == 200
        assert all(line.startswith("[+]") for line in lines[:-1])
        assert lines[-1] == "readyz check passed"


def test_kubernetes_readyz_without_verbose_is_terse(fleet):
    answer = requests.get(f"{fleet.base_url}/k8s-eu/readyz", timeout=5)
    assert (answer.status_code, answer.text) == (200, "ok")


@pytest.mark.parametrize("state, colour", [("ok", "green"), ("degraded", "yellow"), ("down", "red")])
def test_elasticsearch_cluster_health(fleet, state, colour):
    fleet.set_override("search", ComponentState(DemoState(state), QUICK))
    answer = get(fleet, "search", HealthFormat.ELASTICSEARCH)
    # Like real Elasticsearch, _cluster/health is a 200 even for a red cluster.
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["status"] == colour
    assert body["cluster_name"] == "vigil-search"
    assert (body["unassigned_shards"] == 0) == (colour == "green")
    assert (body["active_primary_shards"] < 48) == (colour == "red")


def test_elasticsearch_wait_for_status_times_out_when_worse(fleet):
    fleet.set_override("search", ComponentState(DemoState.DEGRADED, QUICK))
    url = fleet.url_for("search", HealthFormat.ELASTICSEARCH)
    waited = requests.get(url, params={"wait_for_status": "green", "timeout": "1s"}, timeout=5)
    assert waited.status_code == 408 and waited.json()["timed_out"] is True
    lenient = requests.get(url, params={"wait_for_status": "yellow"}, timeout=5)
    assert lenient.status_code == 200 and lenient.json()["timed_out"] is False


def test_unknown_component_answers_ok_in_every_format(fleet):
    for fmt in FORMATS:
        answer = get(fleet, "no-such-thing", fmt)
        assert answer.status_code == 200, fmt


def test_path_that_names_no_format_is_404(fleet):
    answer = requests.get(f"{fleet.base_url}/api/metrics", timeout=5)
    assert answer.status_code == 404
    assert "/<id>/health" in answer.text


def test_unreachable_component_resets_the_connection_at_once(fleet):
    fleet.set_override("db-main", "unreachable")
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        get(fleet, "db-main", HealthFormat.HEALTH_JSON)
    assert time.monotonic() - started < 1.0
    # Other components on the same port are unaffected.
    assert get(fleet, "api", HealthFormat.SPRING).status_code == 200


# -- latency ------------------------------------------------------------------


def test_degraded_answers_slower_than_800ms_and_ok_answers_fast(fleet):
    fast_started = time.monotonic()
    assert get(fleet, "api", HealthFormat.PLAIN).status_code == 200
    assert time.monotonic() - fast_started < 0.5

    fleet.set_override("api", "degraded")  # the fleet's default degraded latency
    slow_started = time.monotonic()
    assert get(fleet, "api", HealthFormat.PLAIN).status_code == 200
    assert time.monotonic() - slow_started > 0.8


def test_stop_cuts_slow_answers_short_and_frees_the_port():
    fleet = DemoFleet(ALL_GREEN, port=0).start()
    fleet.set_override("api", ComponentState(DemoState.DEGRADED, latency_ms=10_000))
    outcome: list[object] = []

    def slow_request():
        try:
            outcome.append(get(fleet, "api", HealthFormat.PLAIN).status_code)
        except requests.RequestException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=slow_request)
    worker.start()
    time.sleep(0.2)
    port = urlsplit(fleet.base_url).port
    started = time.monotonic()
    fleet.stop()
    worker.join(timeout=3)
    assert time.monotonic() - started < 2.0
    assert outcome and isinstance(outcome[0], requests.ConnectionError)
    # The port is free again: a new fleet can take it.
    with DemoFleet(ALL_GREEN, port=port) as again:
        assert again.base_url.endswith(f":{port}")


# -- identity, port clash, overrides, webhooks ---------------------------------


def test_identity_probe_tells_a_demo_fleet_from_other_servers(fleet):
    assert is_demo_fleet(fleet.base_url)

    class Other(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"service": "something else"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        assert not is_demo_fleet(f"http://127.0.0.1:{other.server_address[1]}")
    finally:
        other.shutdown()
        other.server_close()
    stopped_port = urlsplit(fleet.base_url).port
    fleet.stop()
    assert not is_demo_fleet(f"http://127.0.0.1:{stopped_port}", timeout=0.3)


def test_taken_port_is_a_clear_oserror(fleet):
    port = urlsplit(fleet.base_url).port
    with pytest.raises(OSError, match=rf"port {port} .* already in use"):
        DemoFleet(ALL_GREEN, port=port).start()


def test_override_wins_over_the_script_and_can_be_lifted():
    script = load_script(DEMO_SCRIPT_PATH)
    with DemoFleet(script, port=0) as fleet:  # speed 1: the script is all green for 40 s
        assert get(fleet, "api", HealthFormat.SPRING).status_code == 200
        fleet.set_override("api", "down")
        assert get(fleet, "api", HealthFormat.SPRING).status_code == 503
        assert "api" in requests.get(f"{fleet.base_url}/__fleet__", timeout=5).json()["not_ok"]
        fleet.set_override("api", None)
        assert get(fleet, "api", HealthFormat.SPRING).status_code == 200


def test_webhook_posts_are_kept(fleet):
    answer = requests.post(f"{fleet.base_url}/__hooks__/chat", json={"text": "P1 declared"}, timeout=5)
    assert answer.status_code == 204
    [hook] = fleet.received_hooks()
    assert hook["path"] == "/__hooks__/chat" and "P1 declared" in hook["body"]


# -- the failure script ----------------------------------------------------------


def test_demo_script_tells_the_database_outage_story():
    script = load_script(DEMO_SCRIPT_PATH)
    assert script.cycle_s == 360
    assert all(s.state is DemoState.OK for s in script.states_at(0).values())

    # First the standby fails alone: redundancy lost, nobody hurt yet.
    assert script.states_at(30)["db-replica"].state is DemoState.DOWN
    assert script.states_at(30)["db-main"].state is DemoState.OK
    during = script.states_at(120)
    assert during["db-main"].state is DemoState.DOWN
    assert during["db-replica"].state is DemoState.DOWN  # no standby to fail over to
    for symptom in ("api", "workers", "billing"):
        assert during[symptom].state is DemoState.DOWN, symptom
    assert "reporting" not in during  # never mentioned: always ok

    crashed = script.states_at(160)
    assert crashed["db-main"].state is DemoState.UNREACHABLE
    # A step changes only what it lists: the symptoms set earlier persist.
    assert crashed["api"].state is DemoState.DOWN
    after = script.states_at(280)
    assert all(s.state is DemoState.OK for cid, s in after.items() if cid != "search")
    # The cycle repeats.
    assert script.states_at(360 + 120) == during


def test_speed_factor_runs_the_script_faster():
    script = parse_script(
        {"cycle": "10s", "step": [{"at": "0s"}, {"at": "4s", "set": {"api": "down"}}]}
    )
    with DemoFleet(script, port=0, speed=20) as fleet:
        assert get(fleet, "api", HealthFormat.PLAIN).status_code == 200
        deadline = time.monotonic() + 2.0
        while get(fleet, "api", HealthFormat.PLAIN).status_code != 503:
            assert time.monotonic() < deadline, "api never went down at speed 20"
            time.sleep(0.02)
        # 4 s of script time took about 0.2 s of wall time.
        assert 4.0 <= fleet.elapsed_s() < 8.0


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"cycle": "1m", "step": [{"at": "0s", "when": 1}]}, "unknown key 'when'"),
        ({"cycle": "1m", "step": [{"at": "20s"}, {"at": "10s"}]}, "increasing order"),
        ({"cycle": "1m", "step": [{"at": "2m"}]}, "not inside the 1m00s cycle"),
        ({"cycle": "1m", "step": [{"at": "0s", "set": {"api": "broken"}}]}, 'state "broken"'),
        ({"step": [{"at": "0s"}]}, 'missing "cycle"'),
    ],
)
def test_bad_scripts_are_refused_with_the_place(raw, complaint):
    with pytest.raises(ScriptError, match="step|cycle") as caught:
        parse_script(raw, source="story.toml")
    assert complaint in str(caught.value) and str(caught.value).startswith("story.toml")


# -- the topology file -----------------------------------------------------------


def test_topology_has_a_believable_size(topology):
    assert len(topology["component"]) >= 30
    assert len(topology["customer"]) >= 150
    tiers = {c["tier"] for c in topology["customer"]}
    assert tiers == {t.value for t in Tier} == set(topology["tiers"])
    assert all(c.get("partner") is True for c in topology["customer"] if c["tier"] == "partner")
    assert len({c["timezone"] for c in topology["customer"]}) >= 10
    assert any(not c.get("check") for c in topology["component"])  # a derived data centre


def test_topology_passes_the_schema(topology):
    from noc_app.topology.schema import TopologyFile

    TopologyFile.model_validate(topology)


def dependencies(topology, component) -> set[str]:
    """Every component id ``component`` depends on, redundancy group members included."""
    named = {g["id"]: g["any_of"] for g in topology.get("redundancy", [])}
    out: set[str] = set()
    for entry in component["depends_on"]:
        if isinstance(entry, dict):
            out |= set(entry["any_of"])
        else:
            out |= set(named.get(entry, [entry]))
    return out


def test_topology_references_exist(topology):
    components = {c["id"] for c in topology["component"]}
    people = {p["id"] for p in topology["person"]}
    teams = {t["id"] for t in topology["team"]}
    assert len(components) == len(topology["component"])
    assert len({c["id"] for c in topology["customer"]}) == len(topology["customer"])
    for component in topology["component"]:
        assert dependencies(topology, component) <= components, component["id"]
        assert component["team"] in teams
    for customer in topology["customer"]:
        used = {u if isinstance(u, str) else u["component"] for u in customer["uses"]}
        assert used and used <= components, customer["id"]
        assert customer.get("account_manager", "dave") in people
    for table in ("escalation_policy", "maintenance", "change", "kb"):
        for row in topology[table]:
            assert set(row.get("components", [])) <= components, row["id"]
    for policy in topology["escalation_policy"]:
        assert {p for level in policy["level"] for p in level["people"]} <= people


def test_dependency_graph_is_acyclic(topology):
    remaining = {c["id"]: dependencies(topology, c) for c in topology["component"]}
    while remaining:
        leaves = [cid for cid, deps in remaining.items() if not deps]
        assert leaves, f"cycle among {sorted(remaining)}"
        for cid in leaves:
            del remaining[cid]
        for deps in remaining.values():
            deps.difference_update(leaves)


def test_every_check_is_served_by_the_fleet_and_healthy_at_start(topology, fleet):
    formats_declared = set()
    for component in topology["component"]:
        for check in component.get("check", []):
            formats_declared.add(check["format"])
            url = urlsplit(check["url"])
            assert (url.hostname, url.port) == ("127.0.0.1", 47800)
            target = split_health_path(url.path)
            assert target is not None and target[0] == component["id"], check["url"]
            assert check["format"] in ("auto", target[1].value)
            path = url.path + (f"?{url.query}" if url.query else "")
            answer = requests.get(fleet.base_url + path, timeout=5)
            assert answer.status_code in check["expect_status"], check["url"]
    assert formats_declared == {f.value for f in HealthFormat}


@pytest.mark.parametrize(
    "state, expected", [("ok", "OK"), ("down", "DOWN"), ("unreachable", "DOWN")]
)
def test_the_real_loader_and_checker_read_the_fleet_as_scripted(fleet, state, expected):
    """End to end: the app's own loader and HTTP checks, against the fleet."""
    from noc_app.checks import run_check
    from noc_app.topology.loader import load_topology

    specs = [
        dataclasses.replace(spec, url=spec.url.replace("http://127.0.0.1:47800", fleet.base_url))
        for spec in load_topology(DEMO_TOPOLOGY_PATH).checks
    ]
    for spec in specs:
        fleet.set_override(spec.component_id, ComponentState(DemoState(state), QUICK))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run_check, specs))
    assert {(r.check_key, r.status.value) for r in results} == {(s.key, expected) for s in specs}


@pytest.mark.parametrize("fmt", [HealthFormat.HEALTH_JSON, HealthFormat.ELASTICSEARCH])
def test_the_real_checker_reads_warn_and_yellow_as_degraded(fleet, fmt):
    from noc_app.checks import run_check
    from noc_app.topology.loader import load_topology

    [spec] = [s for s in load_topology(DEMO_TOPOLOGY_PATH).checks if s.format is fmt][:1]
    spec = dataclasses.replace(spec, url=spec.url.replace("http://127.0.0.1:47800", fleet.base_url))
    fleet.set_override(spec.component_id, ComponentState(DemoState.DEGRADED, QUICK))
    assert run_check(spec).status.value == "DEGRADED"


def test_script_names_only_topology_components(topology):
    components = {c["id"] for c in topology["component"]}
    assert load_script(DEMO_SCRIPT_PATH).components <= components


def test_committed_topology_is_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("generate_topology", DEMO_DATA_DIR / "generate_topology.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.render() == DEMO_TOPOLOGY_PATH.read_text(encoding="utf-8")
    assert generator.FORMAT_PATHS == {f.value: p for f, p in CHECK_PATHS.items()}


# -- the command-line entry point --------------------------------------------------


def test_run_fleet_forever_prints_where_and_stops_on_ctrl_c():
    code = "from noc_app.demo.fleet import run_fleet_forever; raise SystemExit(run_fleet_forever(port=0, speed=10))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO_ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(REPO_ROOT), "PATH": ""},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Demo fleet serving http://127.0.0.1:"), line
        base_url = line.split()[3]
        assert is_demo_fleet(base_url, timeout=2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=5)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
