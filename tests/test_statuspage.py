"""The public status page: Statuspage v2 shape, the status rule, the real poller, atomic writes, --watch."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from fleet_topology import quiet_fleet, write_topology
from noc_app.incidents import IncidentService, ValidationError
from noc_app.polling.service import PollingService, poll_once
from noc_app.statuspage import config as page_config
from noc_app.statuspage.publisher import StatusPagePublisher
from noc_app.storage import models as db
from noc_app.workspace import open_workspace
from statuspage_shape import validate

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.timezone.utc

STATUS_PAGE = """
[status_page]
name = "Example Status"
url = "https://status.example.com"
time_zone = "Europe/Paris"

[[status_page.component]]
id = "core-api"
name = "API"
description = "Everything behind api.example.com"
components = ["api", "db-main"]

[[status_page.component]]
id = "search-public"
name = "Search"
components = ["search"]
"""


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def maintenance(now: dt.datetime) -> str:
    def window(wid, start, end):
        return (f'\n[[maintenance]]\nid = "{wid}"\ncomponents = ["search"]\nstart = {start:%Y-%m-%dT%H:%M:%SZ}\n'
                f'end = {end:%Y-%m-%dT%H:%M:%SZ}\nreason = "internal reason {wid}"\n')
    return (window("mw-upcoming", now + dt.timedelta(days=2), now + dt.timedelta(days=2, hours=1))
            + window("mw-active", now - dt.timedelta(minutes=5), now + dt.timedelta(hours=1)))


@pytest.fixture
def fleet():
    fleet = quiet_fleet()
    yield fleet
    fleet.stop()


def topology(tmp_path: Path, fleet, extra: str = "", interval: str = "1s") -> Path:
    path = write_topology(tmp_path / "t.toml", fleet.base_url, interval=interval)
    path.write_text(path.read_text() + STATUS_PAGE + extra)
    return path


def test_json_has_the_statuspage_v2_shape_and_the_status_rule(tmp_path, fleet, db_url):
    now = dt.datetime.now(UTC)
    workspace = open_workspace(topology(tmp_path, fleet, maintenance(now)), db_url)
    try:
        poll_once(workspace)
        service = IncidentService(workspace.sessions, "alice")
        iid = service.open_incident("db pool exhausted", "internal_monitoring", component_ids=["db-main"]).incident_id
        service.status_page_update(None, "partial_outage", "We are looking into errors on the API.", incident_id=iid,
                                   components=["core-api"], incident_status="investigating",
                                   at=now - dt.timedelta(minutes=20))
        service.status_page_update(None, "major_outage", "Cause found; fixing.", incident_id=iid,
                                   components=["core-api"], incident_status="identified", title="API errors",
                                   at=now - dt.timedelta(minutes=10))
        old = service.open_incident("old one", "customer_call", component_ids=["search"]).incident_id
        service.status_page_update(None, "degraded", "Search is slow.", incident_id=old,
                                   components=["search-public"], at=now - dt.timedelta(days=3))
        service.status_page_update(None, "operational", "Search is fast again.", incident_id=old,
                                   components=["search-public"], incident_status="resolved",
                                   at=now - dt.timedelta(days=3, minutes=-30))
    finally:
        workspace.close()

    out = tmp_path / "site"
    proc = run_cli("statuspage", "--out", str(out), "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    docs = validate(out)
    summary = docs["summary.json"]
    assert summary["page"]["name"] == "Example Status" and summary["page"]["time_zone"] == "Europe/Paris"
    assert summary["page"]["updated_at"].endswith("+01:00")  # Paris in winter
    comps = {c["id"]: c for c in summary["components"]}
    assert set(comps) == {"core-api", "search-public"}
    # The status rule: the latest update of an open incident wins over the rollup (everything polls OK) ...
    assert comps["core-api"]["status"] == "major_outage"
    # ... a resolved incident no longer does, and the active maintenance window shows.
    assert comps["search-public"]["status"] == "under_maintenance"
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    [open_incident] = docs["incidents/unresolved.json"]["incidents"]
    assert open_incident["name"] == "API errors" and open_incident["status"] == "identified"
    assert open_incident["impact"] == "critical"
    assert [u["body"] for u in open_incident["incident_updates"]] == ["Cause found; fixing.",
                                                                      "We are looking into errors on the API."]
    assert open_incident["incident_updates"][0]["affected_components"] == [
        {"code": "core-api", "name": "API", "old_status": "partial_outage", "new_status": "major_outage"}]
    assert open_incident["shortlink"] == f"https://status.example.com/incidents/{open_incident['id']}.html"
    assert [i["status"] for i in docs["incidents.json"]["incidents"]] == ["identified", "resolved"]
    resolved = docs["incidents.json"]["incidents"][1]
    assert resolved["resolved_at"] and resolved["name"] == "Degraded performance: Search"
    assert [m["status"] for m in docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]] == ["scheduled"]
    assert [m["status"] for m in docs["scheduled-maintenances/active.json"]["scheduled_maintenances"]] == ["in_progress"]
    assert summary["scheduled_maintenances"][0]["status"] == "in_progress"
    for name in ("index.html", "history.html", "history.atom", "history.rss",
                 f"incidents/{open_incident['id']}.html", f"incidents/{resolved['id']}.html"):
        assert (out / name).stat().st_size > 200, name
    index = (out / "index.html").read_text()
    assert "<script" not in index and "Last updated" in index
    assert index.index("Cause found; fixing.") < index.index("We are looking into errors")  # newest first
    assert "% uptime" in index


def test_an_outage_through_the_real_poller_changes_the_indicator_and_its_component(tmp_path, fleet):
    workspace = open_workspace(topology(tmp_path, fleet), f"sqlite:///{tmp_path}/noc.db")
    service = PollingService(workspace, workers=4, recheck_s=0.2)
    publisher = StatusPagePublisher(workspace.sessions, tmp_path / "site")
    service.start()
    try:
        _wait_for(lambda: _statuses(workspace) == {"OK"} and len(_states(workspace)) == 4, 10)
        before = publisher.publish().page
        assert before.status.indicator == "none"
        fleet.set_override("db-main", "down")
        _wait_for(lambda: _states(workspace).get("db-main#0") == "DOWN", 10)
        after = publisher.publish().page
    finally:
        service.stop()
        workspace.close()
    status = json.loads((tmp_path / "site/api/v2/status.json").read_text())["status"]
    assert status == {"indicator": "major", "description": "Partial System Outage"}
    comps = {c["id"]: c["status"] for c in
             json.loads((tmp_path / "site/api/v2/components.json").read_text())["components"]}
    assert comps == {"core-api": "partial_outage", "search-public": "operational"}  # api is up, db-main is not
    today = {c.id: c.uptime.days[-1] for c in after.components}
    assert today["core-api"].status == "partial_outage" and today["core-api"].down_s > 0
    assert today["search-public"].down_s == 0


def _states(workspace) -> dict[str, str]:
    with workspace.sessions() as s:
        return {k: v for k, v in s.execute(select(db.CheckState.check_key, db.CheckState.status))}


def _statuses(workspace) -> set[str]:
    return set(_states(workspace).values())


def _wait_for(predicate, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        time.sleep(0.05)


def test_writes_are_atomic_and_unchanged_files_are_left_alone(tmp_path, fleet):
    workspace = open_workspace(topology(tmp_path, fleet), f"sqlite:///{tmp_path}/noc.db")
    poll_once(workspace)
    service = IncidentService(workspace.sessions, "alice")
    iid = service.open_incident("x", "internal_monitoring").incident_id
    out = tmp_path / "site"
    publisher = StatusPagePublisher(workspace.sessions, out)
    publisher.publish()
    incident_page = next((out / "incidents").glob("*.html"), None) if (out / "incidents").exists() else None
    assert incident_page is None  # an incident nobody posted about stays internal
    stop, bad, reads = threading.Event(), [], [0]

    def reader():
        while not stop.is_set():
            for name in ("index.html", "api/v2/summary.json"):
                data = (out / name).read_bytes()
                reads[0] += 1
                if name.endswith(".json"):
                    try:
                        json.loads(data)
                    except ValueError:
                        bad.append(name)
                elif not data.endswith(b"</html>\n"):
                    bad.append(name)
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(20):  # every publish changes index.html and summary.json (a new message, a new time)
            service.status_page_update(None, "degraded", f"update {n} " + "long text " * 500, incident_id=iid,
                                       components=["core-api"])
            publisher.publish()
    finally:
        stop.set()
        thread.join()
    assert reads[0] > 20 and bad == []
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    page = next((out / "incidents").iterdir())
    before = (page.stat().st_ino, page.stat().st_mtime_ns)
    time.sleep(0.01)
    written = publisher.publish().written
    workspace.close()
    assert "index.html" in written  # "Last updated" moved on
    assert f"incidents/{page.name}" not in written  # unchanged: not rewritten
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == before


def test_watch_rewrites_within_seconds_of_a_change(tmp_path, fleet):
    url = f"sqlite:///{tmp_path}/noc.db"
    workspace = open_workspace(topology(tmp_path, fleet), url)
    poll_once(workspace)
    service = IncidentService(workspace.sessions, "alice")
    iid = service.open_incident("x", "internal_monitoring").incident_id
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "statuspage", "--out", str(out), "--db", url,
                             "--watch"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    summary = out / "api/v2/summary.json"
    try:
        _wait_for(summary.exists, 20)
        time.sleep(1.2)
        posted = time.monotonic()
        service.status_page_update(None, "major_outage", "Watch me", incident_id=iid, components=["core-api"])
        _wait_for(lambda: "Watch me" in summary.read_text(), 5)
        assert time.monotonic() - posted < 5
        assert json.loads(summary.read_text())["status"]["indicator"] == "critical"
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
        workspace.close()
    assert proc.returncode == 0 and "Traceback" not in err


def test_watch_rewrites_at_most_once_a_second_and_wakes_on_the_hint(tmp_path, fleet, db_url):
    from noc_app.live.db_source import watcher_for
    from noc_app.statuspage.watch import watch

    workspace = open_workspace(topology(tmp_path, fleet), db_url)
    poll_once(workspace)
    service = IncidentService(workspace.sessions, "alice")
    iid = service.open_incident("x", "internal_monitoring").incident_id
    publisher = StatusPagePublisher(workspace.sessions, tmp_path / "site")
    stop, times, pages = threading.Event(), [], []
    # refresh_s far away: every rewrite after the first comes from a change hint
    # (LISTEN/NOTIFY on PostgreSQL, data_version on SQLite), not from the clock.
    thread = threading.Thread(target=watch, args=(publisher, watcher_for(workspace.engine), stop,
                                                  lambda r: (times.append(r.started), pages.append(r.page)), print),
                              kwargs={"refresh_s": 3600})
    thread.start()
    try:
        _wait_for(lambda: len(times) == 1, 10)
        time.sleep(1.5)  # quiet: no hint, no rewrite
        assert len(times) == 1
        posted = time.monotonic()
        service.status_page_update(None, "major_outage", "hinted", incident_id=iid, components=["core-api"])
        _wait_for(lambda: len(times) == 2, 5)
        assert times[1] - posted < 5 and pages[1].status.indicator == "critical"
        end = time.monotonic() + 3.2
        n = 0
        while time.monotonic() < end:  # a change every 50 ms
            service.status_page_update(None, "degraded", f"n{n}", incident_id=iid, components=["core-api"])
            n += 1
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
        workspace.close()
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) >= 4 and min(gaps) >= 1.0, gaps


def test_bad_input_is_one_line_and_exit_2(tmp_path, fleet):
    bad = write_topology(tmp_path / "bad.toml", fleet.base_url)
    bad.write_text(bad.read_text() + STATUS_PAGE.replace('["search"]', '["search", "serach-old"]'))
    proc = run_cli("statuspage", "--out", str(tmp_path / "site"), "--config", str(bad),
                   "--db", f"sqlite:///{tmp_path}/x.db")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "serach-old" in proc.stderr and "bad.toml:" in proc.stderr and "status_page" in proc.stderr
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    proc = run_cli("statuspage", "--out", str(a_file), "--db", f"sqlite:///{tmp_path}/x.db")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--out" in proc.stderr, proc.stderr
    assert not (tmp_path / "site").exists()


def test_updates_name_known_public_components_only(tmp_path, fleet):
    workspace = open_workspace(topology(tmp_path, fleet), f"sqlite:///{tmp_path}/noc.db")
    try:
        service = IncidentService(workspace.sessions, "alice")
        with pytest.raises(ValidationError, match="not a public component.*core-api, search-public"):
            service.status_page_update(None, "degraded", "x", components=["api"])  # an internal id
        with pytest.raises(ValidationError, match="incident_status"):
            service.status_page_update(None, "degraded", "x", components=["core-api"], incident_status="fixed")
        with workspace.sessions() as s:
            page = page_config.from_database(s)
        assert [(c.id, c.members) for c in page.components] == [("core-api", ("api", "db-main")),
                                                                ("search-public", ("search",))]
        assert page.time_zone == "Europe/Paris"
    finally:
        workspace.close()


def test_without_declared_public_components_there_is_one_per_group(tmp_path, fleet):
    path = write_topology(tmp_path / "t.toml", fleet.base_url)
    text = path.read_text().replace('name = "Search"', 'name = "Search"\ngroup = "EU West"')
    path.write_text(text)
    workspace = open_workspace(path, f"sqlite:///{tmp_path}/noc.db")
    try:
        with workspace.sessions() as s:
            page = page_config.from_database(s)
    finally:
        workspace.close()
    assert [(c.id, c.name, c.members) for c in page.components] == [
        ("eu-west", "EU West", ("search",)), ("services", "Services", ("api", "db-main"))]


def test_cached_rewrites_agree_with_a_fresh_build(tmp_path, fleet, db_url):
    workspace = open_workspace(topology(tmp_path, fleet), db_url)
    try:
        poll_once(workspace)
        service = IncidentService(workspace.sessions, "alice")
        first = service.open_incident("a", "internal_monitoring").incident_id
        second = service.open_incident("b", "internal_monitoring").incident_id
        publisher = StatusPagePublisher(workspace.sessions, tmp_path / "site")
        service.status_page_update(None, "degraded", "one", incident_id=first, components=["core-api"])
        publisher.publish()
        service.status_page_update(None, "major_outage", "two", incident_id=second, components=["search-public"])
        service.status_page_update(None, "operational", "fixed", incident_id=first, components=["core-api"],
                                   incident_status="resolved")
        cached = publisher.publish().page
        version = service.get(second).version
        service.close(second, "cause", [], None, None, expected_version=version)  # closing resolves it publicly
        closed = publisher.publish().page
        fresh = StatusPagePublisher(workspace.sessions, tmp_path / "fresh").read()
    finally:
        workspace.close()
    assert [(i.id, i.status, len(i.updates)) for i in cached.incidents] == [
        (f"inc-{second}", "investigating", 1), (f"inc-{first}", "resolved", 2)]
    assert closed.incidents == fresh.incidents
    assert [i.status for i in closed.incidents] == ["resolved", "resolved"]


def test_declare_posts_to_the_declared_public_components(tmp_path, fleet):
    from noc_app.incidents.declare import declare

    workspace = open_workspace(topology(tmp_path, fleet), f"sqlite:///{tmp_path}/noc.db")
    try:
        service = IncidentService(workspace.sessions, "alice")
        with pytest.raises(ValidationError, match="EU-West is not a public component.*API, Search"):
            declare(service, title="t", detection_means="internal_monitoring", impact="high", urgency="high",
                    status_groups=("EU-West",), status_message="m")
        with workspace.sessions() as s:
            assert s.scalars(select(db.Incident)).all() == []  # refused before anything was written
        change = declare(service, title="t", detection_means="internal_monitoring", impact="high", urgency="high",
                         status_groups=("API",), status_state="major_outage", status_message="We are on it.")
        with workspace.sessions() as s:
            entry = s.scalars(select(db.StatusPageEntry)).one()
        assert entry.incident_id == change.incident_id and entry.components == ["core-api"]
        assert entry.incident_status == "investigating"
    finally:
        workspace.close()


def test_an_incident_that_leaves_the_page_takes_its_page_with_it(tmp_path, fleet):
    workspace = open_workspace(topology(tmp_path, fleet), f"sqlite:///{tmp_path}/noc.db")
    out = tmp_path / "site"
    try:
        service = IncidentService(workspace.sessions, "alice")
        iid = service.open_incident("x", "internal_monitoring").incident_id
        service.status_page_update(None, "degraded", "slow", incident_id=iid, components=["search-public"])
        StatusPagePublisher(workspace.sessions, out).publish()
        assert (out / f"incidents/inc-{iid}.html").exists()
        (out / "incidents/keep-me.txt").write_text("not ours")
        text = (tmp_path / "t.toml").read_text().replace('id = "search-public"', 'id = "search-2"')
        (tmp_path / "t.toml").write_text(text)
        workspace.close()
        workspace = open_workspace(tmp_path / "t.toml", f"sqlite:///{tmp_path}/noc.db")  # search-public retired
        written = StatusPagePublisher(workspace.sessions, out).publish().written
    finally:
        workspace.close()
    assert f"incidents/inc-{iid}.html" in written and not (out / f"incidents/inc-{iid}.html").exists()
    assert (out / "incidents/keep-me.txt").exists()
