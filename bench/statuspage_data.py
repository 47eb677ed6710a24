"""Fill a database with a status page's worth of history (bench and screenshot helper).

``topology_text(n)``: n components in 10 groups, one HTTP check each on a
port nobody polls, and public components over them. ``fill(...)``: for each
check, confirmed transitions over ``days`` (a short outage or slowdown every
few days), current check states, and ``incidents`` public incidents of 2-5
status-page updates each, one of them still open. Bulk inserts (SQLAlchemy
core): the point is the page build, not the load.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select, update

from noc_app.storage import models as db

UTC = dt.timezone.utc
MESSAGES = [
    ("investigating", "We are investigating reports of errors. Next update within 30 minutes."),
    ("identified", "The cause is identified: a failed database node. We are moving traffic to a healthy one."),
    ("monitoring", "A fix is in place and error rates are back to normal. We are watching it closely."),
    ("resolved", "This incident is resolved. We are sorry for the disruption."),
]


def topology_text(components: int, publics: int, port: int = 9) -> str:
    out = []
    for i in range(components):
        out += [f'[[component]]\nid = "c{i:04d}"\nname = "Component {i}"\ngroup = "G{i % 10}"',
                f'  [[component.check]]\n  url = "http://127.0.0.1:{port}/c{i:04d}"\n']
    out.append('[status_page]\nname = "Bench Status"\nurl = "https://status.bench.example"\ntime_zone = "Europe/Paris"\n')
    per = max(1, components // publics)
    for p in range(publics):
        members = ", ".join(f'"c{i:04d}"' for i in range(p * per, min(components, (p + 1) * per)))
        out.append(f'[[status_page.component]]\nid = "p{p:03d}"\nname = "Service {p}"\ncomponents = [{members}]\n')
    return "\n".join(out)


def fill(sessions, now: dt.datetime, days: int = 90, incidents: int = 500, seed: int = 7,
         outage_every_days: float = 9.0, open_incident: bool = True) -> dict:
    rng = random.Random(seed)
    start = now - dt.timedelta(days=days)
    with sessions.begin() as s:
        checks = s.execute(select(db.Check.key, db.Check.component_id)).all()
        publics = [p for p in s.scalars(select(db.PublicComponent.id).order_by(db.PublicComponent.position))] \
            or list({c[1] for c in checks})[:7]
        rows, states = [], []
        for key, cid in checks:
            t = start + dt.timedelta(minutes=rng.randint(0, 60))
            rows.append(dict(check_key=key, component_id=cid, at=t, from_status="UNKNOWN", to_status="OK"))
            status = "OK"
            while True:
                t += dt.timedelta(days=rng.expovariate(1 / outage_every_days))
                if t >= now:
                    break
                bad = "DOWN" if rng.random() < 0.6 else "DEGRADED"
                back = t + dt.timedelta(minutes=rng.choice((3, 5, 12, 25, 48, 90)))
                rows.append(dict(check_key=key, component_id=cid, at=t, from_status="OK", to_status=bad))
                if back >= now:
                    status = bad
                    break
                rows.append(dict(check_key=key, component_id=cid, at=back, from_status=bad, to_status="OK"))
                t = back
            states.append((key, status, t if status != "OK" else rows[-1]["at"]))
        for chunk in range(0, len(rows), 5000):
            s.execute(insert(db.StateTransition), rows[chunk:chunk + 5000])
        for key, status, since in states:
            s.execute(update(db.CheckState).where(db.CheckState.check_key == key)
                      .values(status=status, status_since=since, last_result_at=now))
        made = s.scalar(select(db.Incident.id).order_by(db.Incident.id.desc()).limit(1)) or 0
        entries = []
        for n in range(incidents):
            opened = start + dt.timedelta(seconds=rng.uniform(0, days * 86400 - 7200))
            last = open_incident and n == incidents - 1
            if last:
                opened = now - dt.timedelta(minutes=35)
            s.add(db.Incident(title=f"internal title {n}", first_recorded_at=opened, created_at=opened))
            s.flush()
            iid = made + n + 1
            public = rng.sample(publics, k=min(len(publics), rng.choice((1, 1, 2))))
            state = rng.choice(("partial_outage", "major_outage", "degraded"))
            # every past incident ends resolved, after 1-3 updates; the last one is still open
            steps = MESSAGES[:2] if last else MESSAGES[:rng.randint(1, 3)] + MESSAGES[3:]
            t = opened
            for status, body in steps:
                entries.append(dict(service_group=public[0], state="operational" if status == "resolved" else state,
                                    message=body, at=t, incident_id=iid, author="bench", incident_status=status,
                                    components=public, title=None))
                t += dt.timedelta(minutes=rng.choice((10, 15, 20, 30)))
        s.execute(insert(db.StatusPageEntry), entries)
    return {"transitions": len(rows), "checks": len(checks), "entries": len(entries)}
