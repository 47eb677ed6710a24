"""Screenshots of the review window on a demo-topology outage (for review and the README).

    PYTHONPATH=. python bench/shot_review.py [OUT_DIR]   # default /tmp/review-shots

Writes the outage the wall screenshots show (the primary database fails and
takes the API, workers, billing and the scheduler with it; search is in
planned maintenance) as the poller and the incident service would, bundles it
with the real ``bundle`` command, deletes the database, and saves the replayed
views at three moments with the real ``review --at --screenshot`` command.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from noc_app.demo import DEMO_TOPOLOGY_PATH  # noqa: E402
from noc_app.impact import ImpactEngine, ImpactModel  # noqa: E402
from noc_app.incidents import IncidentService  # noqa: E402
from noc_app.storage import models as db  # noqa: E402
from noc_app.storage.db import transaction  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402

UTC = dt.timezone.utc
DAY = dt.datetime(2026, 11, 23, tzinfo=UTC)  # a Monday


def at(hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return DAY.replace(hour=int(h), minute=int(m))


OUTAGE = [  # (component, at, to, reason)
    ("search", "13:30", "MAINTENANCE", "maintenance window"),
    ("db-main", "14:20", "DEGRADED", "slow: 1900 ms"),
    ("db-main", "14:24", "DOWN", "connection pool exhausted: 200/200 in use"),
    ("api", "14:25", "DOWN", "timeout acquiring connection after 2500ms"),
    ("db-replica", "14:25", "DOWN", "replication stopped"),
    ("workers", "14:26", "DOWN", "database not ready"),
    ("billing", "14:26", "DOWN", "timeout acquiring connection after 2500ms"),
    ("scheduler", "14:27", "DOWN", "database not ready"),
    ("cache-us", "14:31", "DEGRADED", "slow: 950 ms"),
    ("cache-us", "14:32", "OK", None),
    ("db-main", "15:05", "OK", None),
    ("api", "15:06", "OK", None),
    ("scheduler", "15:06", "OK", None),
    ("workers", "15:07", "OK", None),
    ("billing", "15:07", "OK", None),
    ("db-replica", "15:08", "OK", None),
    ("search", "15:30", "OK", None),
]


class Clock:
    def __init__(self):
        self.now = at("14:28")

    def __call__(self):
        return self.now


def seed(workspace) -> int:
    topology = workspace.topology
    state = {c.key: "OK" for c in topology.checks}
    with transaction(workspace.sessions) as s:
        for check in topology.checks:
            s.add(db.StateTransition(check_key=check.key, component_id=check.component_id, at=at("08:00"),
                                     from_status="UNKNOWN", to_status="OK"))
        for cid, when, to, reason in OUTAGE:
            for check in topology.component(cid).checks:
                s.add(db.StateTransition(check_key=check.key, component_id=cid, at=at(when),
                                         from_status=state[check.key], to_status=to, reason=reason))
                state[check.key] = to
    hurt = ImpactEngine(ImpactModel.from_topology(topology),
                        {"db-main": "DOWN", "api": "DOWN", "workers": "DOWN", "billing": "DOWN"}, strict=False)
    customers = [c.id for c in hurt.result().customer_impacts(at("14:40"))]
    clock = Clock()
    service = IncidentService(workspace.sessions, "grace", clock=clock)
    change = service.open_incident(
        "Checkout and API failing: primary database", "internal_monitoring",
        "API answers 503; workers and billing stalled",
        component_ids={"db-main": "cause", "api": "symptom", "workers": "symptom", "billing": "symptom",
                       "scheduler": "symptom"}, customer_ids=customers, detected_at=at("14:26"))
    iid = change.incident_id
    service.record_check_transitions(iid)
    steps = [("14:30", lambda v: service.assign_manager(iid, "grace", v)),
             ("14:31", lambda v: service.classify(iid, "high", "high", v)),
             ("14:35", lambda v: service.add_note(iid, "pgbouncer at 200/200; long transactions from the "
                                                       "nightly export")),
             ("14:40", lambda v: service.status_page_update(None, "major_outage",
                                                             "API and checkout failing; investigating", iid,
                                                             components=["api", "payments"],
                                                             title="API and payments failing")),
             ("14:52", lambda v: service.add_restore_step(iid, "killed the export; failing over to db-replica")),
             ("15:08", lambda v: service.restore(iid, "failover", "failed over to the replica", v)),
             ("15:30", lambda v: service.close(iid, "nightly export held 180 connections", [], None, None, v))]
    for when, step in steps:
        clock.now = at(when)
        step(service.get(iid).version)
    service.record_check_transitions(iid)
    return iid


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/review-shots")
    folder = Path(tempfile.mkdtemp(prefix="vigil-shot-review-"))
    url = f"sqlite:///{folder / 'noc.db'}"
    workspace = open_workspace(DEMO_TOPOLOGY_PATH, url)
    try:
        incident_id = seed(workspace)
    finally:
        workspace.close()
    bundle = folder / "incident.noc-bundle"
    subprocess.run([sys.executable, "main.py", "bundle", str(incident_id), "--out", str(bundle), "--db", url],
                   cwd=ROOT, check=True)
    (folder / "noc.db").unlink()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for moment in ("14:22", "14:40", "15:06"):
        shots = folder / moment.replace(":", "")
        subprocess.run([sys.executable, "main.py", "review", str(bundle), "--at", f"2026-11-23T{moment}:00Z",
                        "--screenshot", str(shots)], cwd=ROOT, env=env, check=True, capture_output=True)
        out.mkdir(parents=True, exist_ok=True)
        for png in shots.iterdir():
            png.rename(out / f"{png.stem}-{moment.replace(':', '')}.png")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
