"""The review bundle through the real command line, on SQLite and PostgreSQL, and every bad input.

A scripted outage with known times (``review_scenario``) is bundled; the
source database is then deleted and the bundle alone must replay what the
wall showed at known moments.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

import main
import review_scenario as scenario
from noc_app.postmortem.reader import metrics_for
from noc_app.review import open_bundle
from noc_app.review.figures import bundle_metrics
from noc_app.review.replay import replay_of
from noc_app.workspace import open_workspace


LIVE_METRICS: dict[str, dict] = {}


def _bundle_cli(db_url: str, out, capsys, incident: str | None = None) -> tuple[int, str, str]:
    workspace = open_workspace(scenario.TOPOLOGY, db_url)
    try:
        incident_id = scenario.write_outage(workspace.sessions)
        with workspace.sessions() as session:
            LIVE_METRICS[db_url] = metrics_for(session, incident_id).to_json()
    finally:
        workspace.close()
    code = main.main(["bundle", incident or str(incident_id), "--out", str(out), "--db", db_url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _replayed(path) -> dict[str, dict[str, str]]:
    with open_bundle(path) as bundle:
        replay = replay_of(bundle)
        return {when: {cid: replay.state_at(scenario.at(when)).status(cid).value for cid in expected}
                for when, expected in scenario.EXPECTED}


def test_bundle_replays_the_outage_after_the_source_is_gone(db_url, tmp_path, capsys):
    out = tmp_path / "incident.noc-bundle"
    code, stdout, stderr = _bundle_cli(db_url, out, capsys)
    assert (code, stderr) == (0, "")
    assert "wrote" in stdout and "5 transitions" in stdout
    if db_url.startswith("sqlite"):
        (tmp_path / "noc.db").unlink()  # the reviewer's laptop has no database at all
    assert _replayed(out) == {when: expected for when, expected in scenario.EXPECTED}
    with open_bundle(out) as bundle:
        assert bundle.manifest["format_version"] == "1"
        assert bundle.manifest["source"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
        assert "@" not in bundle.manifest["source"]  # never a URL (it may hold a password)
        assert (bundle.window_start, bundle.window_end) == (scenario.at("13:50"), scenario.at("16:40"))
        kinds = [e.kind for e in bundle.timeline]
        assert kinds[0] == "check_transition" and "closed" in kinds and "note" in kinds
        assert [c["id"] for c in bundle.table("changes")] == ["chg-101"]  # within 24 h before the window
        assert [a["id"] for a in bundle.table("kb_articles")] == ["kb-1"]
        assert bundle.neighbourhood == {"db-main", "api", "web"}
        samples = bundle.samples("db-main#0")
        # 10 s samples over the window 13:50-16:40, DOWN from 14:55 to 15:30.
        assert len(samples.at) == 170 * 6 + 1
        assert int((samples.status == 2).sum()) == 35 * 6
        assert {c.id for c in bundle.topology.components} >= {"db-main", "api", "web", "reporting"}
        # The review's how-soon figures are the live database's, computed from the bundle alone.
        offline = bundle_metrics(bundle).to_json()
        live = LIVE_METRICS[db_url]
        assert {k: v for k, v in offline.items() if k != "as_of"} == {k: v for k, v in live.items() if k != "as_of"}
        assert offline["impact_started_at"] == scenario.at("14:50").isoformat()
        assert offline["detect_s"] == 7 * 60 and offline["resolve_s"] == 35 * 60


def test_replay_is_the_same_from_any_direction(tmp_path, capsys):
    """Event-sourced with snapshots: jumping back and forth gives what a fresh replay gives."""
    out = tmp_path / "b.noc-bundle"
    assert _bundle_cli(f"sqlite:///{tmp_path}/noc.db", out, capsys)[0] == 0
    with open_bundle(out) as bundle:
        replay = replay_of(bundle)
        fresh = {w: replay_of(bundle).state_at(scenario.at(w)).own for w, _ in scenario.EXPECTED}
        for when, _ in reversed(scenario.EXPECTED * 2):
            assert replay.state_at(scenario.at(when)).own == fresh[when]


@pytest.fixture
def good_bundle(tmp_path, capsys):
    out = tmp_path / "good.noc-bundle"
    assert _bundle_cli(f"sqlite:///{tmp_path}/noc.db", out, capsys)[0] == 0
    return out


def _review(capsys, *args) -> tuple[int, str]:
    code = main.main(["review", *map(str, args)])
    err = capsys.readouterr().err
    return code, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_truncated_bundle(good_bundle, tmp_path, capsys):
    cut = tmp_path / "cut.noc-bundle"
    data = good_bundle.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, err = _review(capsys, cut)
    assert code == 2 and "truncated" in _one_line(err) and str(cut) in err


def test_corrupted_bundle(good_bundle, tmp_path, capsys):
    bad = tmp_path / "bad.noc-bundle"
    data = bytearray(good_bundle.read_bytes())
    for i in range(4096, len(data), 997):  # scribble over every page but the header
        data[i] = (data[i] + 1) % 256
    bad.write_bytes(bytes(data))
    code, err = _review(capsys, bad)
    line = _one_line(err)
    assert code == 2 and ("damaged" in line or "checksum" in line), line


def test_tampered_bundle_fails_the_checksum(good_bundle, tmp_path, capsys):
    tampered = tmp_path / "tampered.noc-bundle"
    shutil.copy(good_bundle, tampered)
    with sqlite3.connect(tampered) as conn:
        conn.execute("UPDATE timeline SET summary = 'nothing happened' WHERE kind = 'note'")
    code, err = _review(capsys, tampered)
    assert code == 2 and "checksum mismatch" in _one_line(err)


def test_newer_format_is_refused_with_what_to_do(good_bundle, tmp_path, capsys):
    newer = tmp_path / "newer.noc-bundle"
    shutil.copy(good_bundle, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE manifest SET value = '99' WHERE key = 'format_version'")
        conn.execute("UPDATE manifest SET value = '7.0' WHERE key = 'app_version'")
    code, err = _review(capsys, newer)
    line = _one_line(err)
    assert code == 2 and "format 99 is newer" in line and "Vigil NOC 7.0 or later" in line


def test_files_that_are_not_bundles(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 100)
    code, err = _review(capsys, text)
    assert code == 2 and "not a Vigil NOC bundle" in _one_line(err)
    live = tmp_path / "live.db"
    open_workspace(scenario.TOPOLOGY, f"sqlite:///{live}").close()
    code, err = _review(capsys, live)
    assert code == 2 and "not a Vigil NOC bundle (a live database?)" in _one_line(err)
    code, err = _review(capsys, tmp_path / "missing.noc-bundle")
    assert code == 2 and "no such file" in _one_line(err)


def test_review_arguments_are_checked_before_any_window(good_bundle, capsys):
    code, err = _review(capsys, good_bundle, "--at", "2026-11-23T03:00:00Z")
    assert code == 2 and "outside the bundle's window" in _one_line(err)
    code, err = _review(capsys, good_bundle, "--at", "yesterday")
    assert code == 2 and "not a time" in _one_line(err)
    code, err = _review(capsys, good_bundle, "--screenshot", "shots")
    assert code == 2 and "--screenshot needs --at" in _one_line(err)


def test_unknown_incident_and_bad_out(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/noc.db"
    code, _, err = _bundle_cli(url, tmp_path / "x.noc-bundle", capsys, incident="999")
    assert code == 2 and "incident 999: no such incident" in _one_line(err)
    for out, words in ((tmp_path / "no-such-folder" / "x.noc-bundle", "does not exist"),
                       (tmp_path, "is a folder"),
                       ("/proc/x.noc-bundle", "cannot write there")):
        code = main.main(["bundle", "1", "--out", str(out), "--db", url])
        err = capsys.readouterr().err
        assert code == 2 and words in _one_line(err), err
    code = main.main(["bundle", "twelve", "--out", str(tmp_path / "y"), "--db", url])
    assert code == 2 and "not an incident number" in _one_line(capsys.readouterr().err)
    assert not list(tmp_path.glob(".*.part"))  # nothing half-written left behind



def test_an_open_incident_bundles_up_to_now_and_says_so(tmp_path):
    """Bundled while still open: the window ends when it was bundled; the figures say "in progress"."""
    import datetime as dt

    from noc_app.incidents import IncidentService
    from noc_app.review import write_bundle
    from noc_app.review.figures import review_figures
    from noc_app.review.material import load_review

    workspace = open_workspace(scenario.TOPOLOGY, f"sqlite:///{tmp_path}/noc.db")
    try:
        service = IncidentService(workspace.sessions, "alice", clock=lambda: scenario.at("15:00"))
        incident_id = service.open_incident("Still burning", "customer_call", "",
                                            component_ids={"api": "affected"}).incident_id
        now = scenario.at("15:20")
        info = write_bundle(workspace.sessions, incident_id, tmp_path / "open.noc-bundle", now=now)
    finally:
        workspace.close()
    assert info.window_end == now and info.window_start == scenario.at("14:00")
    material = load_review(open_bundle(info.path))
    try:
        rows, note = review_figures(material)
        assert "In progress when bundled" in note
        assert dict((name, value) for name, value, _ in rows)["Time to restore"] == "— (not restored yet)"
    finally:
        material.close()


REDUNDANT = """
[[component]]
id = "lb-a"
name = "LB A"
  [[component.check]]
  url = "http://127.0.0.1:9/lb-a"
[[component]]
id = "lb-b"
name = "LB B"
  [[component.check]]
  url = "http://127.0.0.1:9/lb-b"
[[component]]
id = "api"
name = "Public API"
depends_on = [{ any_of = ["lb-a", "lb-b"], need = 1 }]
  [[component.check]]
  url = "http://127.0.0.1:9/api"
[[customer]]
id = "acme"
name = "ACME"
tier = "enterprise"
uses = ["api"]
"""


def test_redundancy_groups_replay_as_the_wall_showed_them(tmp_path):
    """One load balancer of two lost: the API is not IMPACTED (a redundancy group still has what it
    needs); both lost: it is. The bundle keeps the groups, so the replay says the same."""
    import datetime as dt

    from noc_app.incidents import IncidentService
    from noc_app.review import write_bundle
    from noc_app.storage import models as db
    from noc_app.storage.db import transaction

    path = tmp_path / "topology.toml"
    path.write_text(REDUNDANT)
    workspace = open_workspace(path, f"sqlite:///{tmp_path}/noc.db")
    try:
        with transaction(workspace.sessions) as s:
            for key in ("lb-a#0", "lb-b#0", "api#0"):
                s.add(db.StateTransition(check_key=key, component_id=key.split("#")[0], at=scenario.at("09:00"),
                                         from_status="UNKNOWN", to_status="OK"))
            s.add(db.StateTransition(check_key="lb-a#0", component_id="lb-a", at=scenario.at("14:50"),
                                     from_status="OK", to_status="DOWN"))
            s.add(db.StateTransition(check_key="lb-b#0", component_id="lb-b", at=scenario.at("15:10"),
                                     from_status="OK", to_status="DOWN"))
        service = IncidentService(workspace.sessions, "alice", clock=lambda: scenario.at("15:00"))
        incident_id = service.open_incident("LB lost", "internal_monitoring", "",
                                            component_ids={"lb-a": "cause"}).incident_id
        info = write_bundle(workspace.sessions, incident_id, tmp_path / "lb.noc-bundle",
                            now=scenario.at("15:30"))
    finally:
        workspace.close()
    with open_bundle(info.path) as bundle:
        api = bundle.topology.component("api")
        assert [(g.members, g.need) for g in api.redundancy] == [(("lb-a", "lb-b"), 1)]
        replay = replay_of(bundle)
        assert replay.state_at(scenario.at("15:00")).status("api").value == "OK"
        assert replay.state_at(scenario.at("15:20")).status("api").value == "IMPACTED"
        assert dt.timedelta(0) < bundle.window_end - bundle.window_start
