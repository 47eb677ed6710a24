"""``demo-fleet``: serve the simulated health endpoints alone (for a separate poller)."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("demo-fleet", help="run the simulated demo fleet of health endpoints")
    parser.add_argument("--port", type=int, default=47800, help="port on 127.0.0.1 (default 47800)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="run the failure script this many times faster (default 1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from noc_app.demo.fleet import run_fleet_forever

    run_fleet_forever(port=args.port, speed=args.speed)
    return 0
