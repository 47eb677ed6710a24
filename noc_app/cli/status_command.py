"""``status`` and ``spof``: what is failing, why, who is hurt; where the single points of failure are."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from noc_app.domain import Status


def add_parser(subparsers) -> None:
    status = subparsers.add_parser("status", help="current statuses, probable causes, impacted customers")
    _common(status)
    status.add_argument("--json", action="store_true", help="one JSON object (the stable contract)")
    status.set_defaults(run=run_status, short_lived=True)  # cli/short_lived.py
    spof = subparsers.add_parser("spof", help="single points of failure ranked by customer weight")
    _common(spof)
    spof.add_argument("--json", action="store_true", help="JSON instead of a table")
    spof.add_argument("--limit", type=int, default=20, help="rows in the table (default 20)")
    spof.set_defaults(run=run_spof, short_lived=True)


def _common(parser) -> None:
    parser.add_argument("--db", metavar="URL", help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    parser.add_argument("--config", metavar="FILE",
                        help="topology file; by default the topology stored in the database is used")


def _load(args):
    """(topology, statuses) from the database, or the topology from --config."""
    from noc_app.storage.db import make_engine, session_factory
    from noc_app.storage.readers import component_statuses, read_topology
    from noc_app.topology import load_topology
    from noc_app.workspace import prepare_database

    topology = load_topology(args.config) if args.config else None
    engine = make_engine(args.db)
    try:
        prepare_database(engine)
        with session_factory(engine)() as session:
            statuses = component_statuses(session)
            if topology is None:
                topology = read_topology(session)
    finally:
        engine.dispose()
    return topology, statuses


def run_status(args: argparse.Namespace) -> int:
    from noc_app.impact import ImpactEngine, ImpactModel, status_document

    topology, statuses = _load(args)
    engine = ImpactEngine(ImpactModel.from_topology(topology), statuses, strict=False)
    now = dt.datetime.now(dt.timezone.utc)
    document = status_document(engine.result(), now)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
        return 0
    _print_human(document)
    return 0


def _print_human(doc: dict) -> None:
    failing = [c for c in doc["components"] if c["status"] != Status.OK.value]
    print(f"at {doc['at']}: {len(doc['components'])} components, {len(failing)} not OK")
    for c in failing:
        mark = "  <- probable cause" if c["probable_cause"] else ""
        print(f"  {c['id']:<28} {c['status']:<11} (own {c['own_status']}){mark}")
    at_risk = [c for c in doc["components"]
               if c.get("redundancy") == "degraded" and c["status"] == Status.OK.value]
    if at_risk:
        print(f"at risk (redundancy lost, no customer affected): {len(at_risk)}")
        for c in at_risk:
            print(f"  {c['id']:<28} AT RISK     lost {', '.join(c['lost'])}")
    hurt = doc["impacted_customers"]
    print(f"impacted customers: {len(hurt)}")
    for tier, totals in doc["totals_by_tier"].items():
        if totals["impacted"]:
            print(f"  {tier:<11} {totals['impacted']:>4} impacted, {totals['in_business_hours']} in business hours")
    priority = doc["suggested_priority"]
    print(f"suggested priority: {priority['priority']} — {priority['summary']}")


def run_spof(args: argparse.Namespace) -> int:
    from noc_app.impact import ImpactModel, spof_document, spof_table

    topology, _ = _load(args)
    model = ImpactModel.from_topology(topology)
    if args.json:
        print(json.dumps(spof_document(model), ensure_ascii=False))
    else:
        print(spof_table(model, limit=args.limit))
    return 0
