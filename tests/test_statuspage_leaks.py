"""Nothing internal leaks: unique strings planted in every internal field never reach a published file."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from fleet_topology import quiet_fleet
from noc_app.incidents import IncidentService
from noc_app.polling.service import poll_once
from noc_app.workspace import open_workspace

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.timezone.utc

SECRETS = {
    "person id": "zq-person-7781", "person name": "Zelda Hiddenperson", "person email": "zelda@zq-mail.example",
    "person phone": "+33 6 99 77 81 81", "team": "zq-team-5120", "team name": "Zq Nightshift",
    "customer id": "zq-customer-3301", "customer name": "Zq Megabank", "customer email": "ops@zq-megabank.example",
    "component id": "zq-ledger-5521", "component name": "Zq Ledger Shard", "component description": "zq-desc-8890",
    "component group": "Zq Vault Room", "component kind": "zq-kind-1230", "check url": "zq-check-path-4411",
    "check host": "zq-db-host.internal",
    "maintenance id": "zq-mw-3318", "maintenance reason": "zq reason: kim patches the ledger",
    "change": "zq-change-7001", "change summary": "zq change summary", "change author": "zq-change-author",
    "kb": "zq-kb-6402", "kb solution": "zq restart the ledger", "template": "zq-template-9012",
    "template body": "zq template body", "notification list": "zq-list-4545", "list email": "zq-list@example.org",
    "incident title": "Zq ledger double-spend", "manifestation": "zq manifestation text",
    "note": "zq internal note: blame the vendor", "restore summary": "zq restored by hand",
    "root cause": "zq root cause", "follow-up": "zq follow-up", "update author": "zq-author-2207",
}
PUBLIC_MESSAGE = "We are investigating slow payments."


def topology(path: Path, base_url: str, now: dt.datetime) -> Path:
    s = SECRETS
    start, end = now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)
    path.write_text(f"""
[defaults]
interval = "1s"
timeout = "1s"
retries = 0

[[team]]
id = "{s['team']}"
name = "{s['team name']}"

[[person]]
id = "{s['person id']}"
name = "{s['person name']}"
email = "{s['person email']}"
phone = "{s['person phone']}"
team = "{s['team']}"

[[component]]
id = "api"
name = "Public API"
group = "{s['component group']}"
  [[component.check]]
  url = "{base_url}/api/health"
  format = "plain"

[[component]]
id = "{s['component id']}"
name = "{s['component name']}"
description = "{s['component description']}"
group = "{s['component group']}"
team = "{s['team']}"
kind = "{s['component kind']}"
  [[component.check]]
  url = "http://127.0.0.1:9/{s['check url']}?token=zq-token-1"
  [[component.check]]
  kind = "tcp"
  host = "{s['check host']}"
  port = 5432

[[customer]]
id = "{s['customer id']}"
name = "{s['customer name']}"
tier = "enterprise"
email = "{s['customer email']}"
account_manager = "{s['person id']}"
uses = ["{s['component id']}"]

[[maintenance]]
id = "{s['maintenance id']}"
components = ["{s['component id']}"]
start = {start:%Y-%m-%dT%H:%M:%SZ}
end = {end:%Y-%m-%dT%H:%M:%SZ}
reason = "{s['maintenance reason']}"

[[change]]
id = "{s['change']}"
summary = "{s['change summary']}"
components = ["{s['component id']}"]
at = {now - dt.timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}
author = "{s['change author']}"

[[kb]]
id = "{s['kb']}"
title = "zq kb title"
components = ["{s['component id']}"]
solution = "{s['kb solution']}"

[[template]]
id = "{s['template']}"
name = "zq template name"
audience = "customers"
kind = "initial"
subject = "zq subject"
body = "{s['template body']}"

[[notification_list]]
id = "{s['notification list']}"
name = "zq list name"
priorities = ["P1"]
people = ["{s['person id']}"]
emails = ["{s['list email']}"]

[status_page]
name = "Payments Status"

[[status_page.component]]
id = "payments"
name = "Payments"
components = ["api", "{s['component id']}"]
""")
    return path


def test_no_internal_string_reaches_any_published_file(tmp_path):
    now = dt.datetime.now(UTC)
    fleet = quiet_fleet()
    url = f"sqlite:///{tmp_path}/noc.db"
    try:
        workspace = open_workspace(topology(tmp_path / "t.toml", fleet.base_url, now), url)
        poll_once(workspace)
    finally:
        fleet.stop()
    s = SECRETS
    try:
        service = IncidentService(workspace.sessions, s["update author"])
        iid = service.open_incident(s["incident title"], "customer_call", s["manifestation"],
                                    component_ids=["api", s["component id"]],
                                    customer_ids=[s["customer id"]]).incident_id
        version = service.get(iid).version
        version = service.classify(iid, "high", "high", expected_version=version).version
        version = service.assign_manager(iid, s["person id"], expected_version=version).version
        service.add_participant(iid, s["person id"])
        service.add_note(iid, s["note"])
        service.status_page_update(None, "major_outage", PUBLIC_MESSAGE, incident_id=iid, components=["payments"])
        version = service.get(iid).version
        version = service.restore(iid, "workaround", s["restore summary"], expected_version=version).version
        service.status_page_update(None, "operational", "Payments work again.", incident_id=iid,
                                   components=["payments"], incident_status="resolved")
        version = service.get(iid).version
        service.close(iid, s["root cause"], [{"description": s["follow-up"], "owner_id": s["person id"]}],
                      s["person id"], None, expected_version=version)
        open_iid = service.open_incident(s["incident title"] + " 2", "internal_monitoring").incident_id
        service.status_page_update(None, "degraded", PUBLIC_MESSAGE + " (2)", incident_id=open_iid,
                                   components=["payments"], incident_status="identified")
    finally:
        workspace.close()

    out = tmp_path / "site"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "statuspage", "--out", str(out), "--db", url],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 14
    published = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in files}
    everything = "\n".join(published.values())
    assert PUBLIC_MESSAGE in everything and "Payments" in everything  # the test sees what is published
    assert "Scheduled maintenance: Payments" in everything  # the window is published, under a public name
    leaks = [(what, name) for what, secret in s.items() for name, text in published.items()
             if secret.lower() in text.lower()]
    assert leaks == []
    for internal in ("127.0.0.1", "zq-", "token", "double-spend"):
        assert internal not in everything.lower()
