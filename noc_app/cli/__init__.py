"""The command line: one parser, one module per command, one-line errors.

``main.py`` owns the GUI commands (it is the only place that imports Qt);
headless commands live here so they run on a server without a display.
"""

from __future__ import annotations

import argparse

from noc_app.cli import (
    bundle_command, changes_command, db_commands, demo_fleet_command, export_command, poll_command,
    report_command, status_command, statuspage_command,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Vigil NOC: health, customer impact and incidents for a SaaS war room.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="GUI on the bundled demo topology with a simulated fleet")
    parser.add_argument("--config", metavar="FILE", help="topology file (TOML)")
    parser.add_argument("--db", metavar="URL",
                        help="database URL (default: NOC_DB_URL or the per-user SQLite file)")
    parser.add_argument("--wall", action="store_true",
                        help="full-screen kiosk wall: no input needed, rotates its views")
    parser.add_argument("--screen", type=int, metavar="N",
                        help="with --wall: the screen to fill (0 = first; falls back to the primary)")
    parser.add_argument("--view", metavar="NAME",
                        help="with --wall: stay on one view (components, impact, map, incidents) instead of rotating")
    parser.add_argument("--screenshot", metavar="DIR",
                        help="save a PNG of each view once data has loaded, then exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (poll_command, status_command, statuspage_command, changes_command, db_commands,
                   demo_fleet_command, export_command, report_command, bundle_command):
        module.add_parser(subparsers)
    return parser
