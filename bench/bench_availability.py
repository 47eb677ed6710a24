"""Speed bench for the availability report (issue 12): the real command on 1,000 components x 90 days.

    PYTHONPATH=. python bench/bench_availability.py [--components 1000] [--days 90] [--customers 2000]
                                                    [--per-day 4] [--bundles N] [--runs 3] [--postgres]
                                                    [--also md,csv,pdf] [--keep DIR]

Builds a database through the real topology sync: 1,000 components in 20
groups and four layers (network, data stores, services, apps; each depends on
1-3 of the layer below in its group, so a component relies on ~5-15 others),
each with one check; 2,000 customers using 1-4 services or apps each, 40
maintenance windows; then ``--per-day``
confirmed transitions per check per day for ``--days`` days (outages of 1-30
minutes, some DEGRADED spells, a few poller gaps as UNKNOWN). Then runs
``python main.py report availability --from ... --to ... --format json`` (then
html, then json --business-hours; ``--also``: other formats once each) as a
user would, a fresh process each time with its bytecode cached (one warm-up
run first), and prints wall time, the child's CPU time (user + system) and
the load average before and after each set. Target: <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import insert, update  # noqa: E402

from noc_app.storage import models as db  # noqa: E402
from noc_app.storage.db import transaction  # noqa: E402
from noc_app.topology import parse_topology  # noqa: E402
from noc_app.workspace import open_workspace  # noqa: E402

END = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)


def layer_of(i: int, n: int) -> int:
    """Four layers, like a real estate: 2 % network/DC, 18 % data stores, 40 % services, 40 % apps."""
    share = i / n
    return 0 if share < 0.02 else 1 if share < 0.2 else 2 if share < 0.6 else 3


def topology_text(n: int, customers: int, rng: random.Random, bundles: int = 0) -> str:
    out = ['[defaults]\ninterval = "10s"\n', '[sla]\nenterprise = "99.95%"\nbusiness = "99.9%"\nstandard = "99.5%"\n']
    groups = 20
    by_layer: dict[tuple[int, int], list[int]] = {}
    for i in range(n):
        by_layer.setdefault((layer_of(i, n), i % groups), []).append(i)
    for i in range(n):
        layer, group = layer_of(i, n), i % groups
        below = [j for j in by_layer.get((layer - 1, group), []) if j < i] if layer else []
        deps = sorted({f"c{rng.choice(below)}" for _ in range(rng.randint(1, 3))}) if below else []
        out.append(f'[[component]]\nid = "c{i}"\nname = "Component {i}"\ngroup = "G{group}"\n'
                   f'depends_on = {deps!r}\n  [[component.check]]\n  url = "http://127.0.0.1:9/c{i}"\n'.replace("'", '"'))
    apps = [i for i in range(n) if layer_of(i, n) >= 2]
    zones = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"]
    offers = [sorted({f"c{rng.choice(apps)}" for _ in range(rng.randint(1, 4))}) for _ in range(bundles)]
    for k in range(customers):
        # With bundles, customers buy one of a few products (the demo: 160 customers, 52 distinct maps);
        # without, every customer uses its own random 1-4 components (the worst case).
        uses = rng.choice(offers) if offers else sorted({f"c{rng.choice(apps)}" for _ in range(rng.randint(1, 4))})
        tier = rng.choice(["enterprise", "business", "standard"])
        out.append(f'[[customer]]\nid = "k{k}"\nname = "Customer {k}"\ntier = "{tier}"\n'
                   f'timezone = "{rng.choice(zones)}"\nuses = {uses!r}\n'.replace("'", '"'))
    for w in range(40):
        start = END - dt.timedelta(days=rng.uniform(1, 89))
        comps = sorted({f"c{rng.randrange(n)}" for _ in range(5)})
        out.append(f'[[maintenance]]\nid = "m{w}"\ncomponents = {comps!r}\nstart = {start:%Y-%m-%dT%H:%M:%SZ}\n'
                   f'end = {start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}\n'.replace("'", '"'))
    return "\n".join(out)


def fill(db_url: str, args) -> int:
    rng = random.Random(args.seed)
    topology = parse_topology(topology_text(args.components, args.customers, rng, args.bundles), "bench.toml")
    workspace = open_workspace(topology, db_url)
    start = END - dt.timedelta(days=args.days)
    rows = []
    for i in range(args.components):
        key, comp = f"c{i}#0", f"c{i}"
        rows.append({"check_key": key, "component_id": comp, "at": start - dt.timedelta(hours=1),
                     "from_status": "UNKNOWN", "to_status": "OK", "reason": None, "flapping": False})
        t = start
        per_spell = 86_400 * 2 / args.per_day  # each spell is two transitions (bad, then back to OK)
        while True:
            t += dt.timedelta(seconds=rng.expovariate(1 / per_spell))
            if t >= END:
                break
            bad = rng.choices(["DOWN", "DEGRADED", "UNKNOWN"], weights=[6, 3, 1])[0]
            back = t + dt.timedelta(seconds=rng.uniform(60, 1800))
            rows.append({"check_key": key, "component_id": comp, "at": t, "from_status": "OK", "to_status": bad,
                         "reason": "bench", "flapping": False})
            rows.append({"check_key": key, "component_id": comp, "at": back, "from_status": bad, "to_status": "OK",
                         "reason": None, "flapping": False})
            t = back
    with transaction(workspace.sessions) as session:
        for lo in range(0, len(rows), 20_000):
            session.execute(insert(db.StateTransition), rows[lo:lo + 20_000])
        session.execute(update(db.CheckState), [
            {"check_key": f"c{i}#0", "status": "OK", "last_result_at": END} for i in range(args.components)])
    workspace.close()
    return len(rows)


def run_report(db_url: str, fmt: str, out: Path, *extra: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one run of the real command in a fresh process."""
    # Bytecode cached, as users run it: the shell's PYTHONDONTWRITEBYTECODE would make every child recompile.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    before = os.times()
    began = time.perf_counter()
    subprocess.run([sys.executable, "main.py", "report", "availability", "--from",
                    (END - dt.timedelta(days=90)).date().isoformat(), "--to", (END - dt.timedelta(days=1)).date().isoformat(),
                    "--tz", "UTC", "--db", db_url, "--format", fmt, "--out", str(out), *extra],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - began
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def bench(db_url: str, args, label: str) -> None:
    began = time.perf_counter()
    transitions = fill(db_url, args)
    print(f"[{label}] filled {transitions:,} transitions for {args.components} components x {args.days} days, "
          f"{args.customers} customers ({args.bundles or 'no'} bundles) in {time.perf_counter() - began:.1f} s")
    out = Path(tempfile.mkdtemp(prefix="bench-avail-"))
    run_report(db_url, "json", out / "warm.json")  # writes the bytecode once (not counted)
    plan = [("json", (), args.runs), ("html", (), args.runs), ("json", ("--business-hours",), args.runs)]
    plan += [(fmt, (), 1) for fmt in args.also]
    for fmt, extra, count in plan:
        load = os.getloadavg()[0]
        runs = [run_report(db_url, fmt, out / f"report.{fmt}", *extra) for _ in range(count)]
        walls = sorted(w for w, _ in runs)
        cpus = sorted(c for _, c in runs)
        name = f"{fmt}{' --business-hours' if extra else ''}"
        print(f"[{label}] report availability --format {name}: wall best {walls[0]:.2f} s, median "
              f"{walls[len(walls) // 2]:.2f} s; CPU (user+sys) best {cpus[0]:.2f} s, median "
              f"{cpus[len(cpus) // 2]:.2f} s over {count} run{'s' if count > 1 else ''}; "
              f"target <= 2 s {'met' if walls[0] <= 2 else 'MISSED'} ({walls[0] / 2:.2f} of budget); "
              f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=float, default=4.0, help="transitions per check per day")
    parser.add_argument("--bundles", type=int, default=0,
                        help="customers pick one of N component bundles (0: each its own random map)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    parser.add_argument("--also", type=lambda v: [f for f in v.split(",") if f], default=[], metavar="FORMATS",
                        help="also time these formats once each, e.g. md,csv,pdf")
    parser.add_argument("--keep", metavar="DIR", help="build the SQLite database in DIR and leave it there (profiling)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-avail-db-"))
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "bench.db").exists():
        (folder / "bench.db").unlink()
    bench(f"sqlite:///{folder / 'bench.db'}", args, "sqlite")
    if args.postgres:
        from pgserver import PgServer

        server = PgServer()
        server.start()
        try:
            bench(server.create_database("bench_availability"), args, "postgresql")
        finally:
            server.cleanup()


if __name__ == "__main__":
    main()
