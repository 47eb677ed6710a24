"""Every report in every format, on SQLite and PostgreSQL, read back (PDF through pdftotext)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import main
from availability_scenario import add_operations, build
from noc_app.availability import ACCOUNTING_RULES

ROOT = Path(__file__).resolve().parent.parent
REPORTS = {
    "availability": ["availability", "--from", "2026-11-02", "--to", "2026-11-02"],
    "daily": ["daily", "--date", "2026-11-02"],
    "customer-success": ["customer-success", "--week", "2026-W45"],
    "spof": ["spof"],
}


@pytest.fixture
def scenario_db(db_url):
    workspace = build(db_url)
    add_operations(workspace)
    workspace.close()
    return db_url


def contains(text: str, needle: str, fmt: str) -> bool:
    """In a PDF a table cell wraps and its lines interleave with its neighbours': look for each word."""
    text = " ".join(text.split())
    return needle in text if fmt != "pdf" else all(word in text for word in needle.split())


def run_report(kind: str, fmt: str, out: Path, db_url: str, *extra: str) -> str:
    code = main.main(["report", *REPORTS[kind], "--db", db_url, "--tz", "UTC", "--format", fmt, "--out", str(out),
                      *extra])
    assert code == 0
    if fmt == "pdf":
        text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                              text=True).stdout
        return unicodedata.normalize("NFKC", text)  # the PDF's "fi" ligatures back to letters
    return out.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_every_report_in_every_format(scenario_db, tmp_path, qapp):
    # qapp first: the PDF renderer would otherwise make a bare QGuiApplication, and a later widget test aborts.
    texts = {(kind, fmt): run_report(kind, fmt, tmp_path / f"{kind}.{fmt}", scenario_db)
             for kind in REPORTS for fmt in ("html", "md", "csv", "json", "pdf")}

    # Availability: the figures of the hand computation, the SLA breach, the rules.
    for fmt in ("html", "md", "pdf"):
        text = texts["availability", fmt]
        # db down 30 min; api no data 3,590 s = 59.8 min
        for needle in ("BREACHED", "ACME Corp", "How the figures are counted", "30.0", "59.8",
                       ACCOUNTING_RULES[0][:40]):
            assert contains(text, needle, fmt), (fmt, needle)
    data = json.loads(texts["availability", "json"])
    acme = next(c for c in data["customers"] if c["id"] == "acme")
    assert (acme["down_s"], acme["no_data_s"], acme["maintenance_s"]) == (1800.0, 3590.0, 3600.0)
    assert acme["sla"]["standing"] == "BREACHED" and data["rules"] == list(ACCOUNTING_RULES)
    rows = list(csv.reader(io.StringIO(texts["availability", "csv"])))
    assert any(r[:2] == ["ACME Corp (acme)", "97.728%"] for r in rows)

    # Daily: the open P2 overdue, the outage, the follow-up, the change, tomorrow's maintenance, flapping.
    for fmt in ("html", "md", "pdf"):
        for needle in ("Slow API responses", "OVERDUE", "Main database", "Add a replica", "chg-42", "db-patch",
                       "web#0", "detect 0 s; resolve 29 min 00 s"):
            assert contains(texts["daily", fmt], needle, fmt), (fmt, needle)
    daily = json.loads(texts["daily", "json"])
    assert [o["component"] for o in daily["outages"]] == ["db"]
    assert [i["id"] for i in daily["open_incidents"]] == [2] and daily["open_incidents"][0]["overdue"]

    # Customer success: acme red (SLA breached), beta red (two P1/P2 this month); acme's promise missed.
    cs = json.loads(texts["customer-success", "json"])
    flags = {c["id"]: (c["flag"], c["promises_missed"], c["p1_p2_this_month"]) for c in cs["customers"]}
    assert flags == {"acme": ("red", 1, 1), "beta": ("red", 1, 2)}
    for fmt in ("html", "md", "pdf"):
        for needle in ("RED", "2 P1/P2 incidents this month", "ORANGE (when not red)"):
            assert contains(texts["customer-success", fmt], needle, fmt), (fmt, needle)

    # SPOF: losing the API or the database takes both customers down, the web app only ACME (weight 10).
    spof = json.loads(texts["spof", "json"])
    assert [(c["id"], c["customers"], c["weight"]) for c in spof["components"]] == [
        ("api", 2, 11.0), ("db", 2, 11.0), ("web", 1, 10.0)]
    assert {c["redundancy"] for c in spof["components"]} == {"none modelled"}
    for fmt in ("html", "md", "pdf", "csv"):
        assert "Redundancy" in texts["spof", fmt]


def test_business_hours_report_for_one_customer(scenario_db, tmp_path):
    text = run_report("availability", "json", tmp_path / "beta.json", scenario_db, "--customer", "beta",
                      "--business-hours")
    data = json.loads(text)
    assert [c["id"] for c in data["customers"]] == ["beta"]
    assert data["customers"][0]["period_s"] == 28_800.0 and data["customers"][0]["no_data_s"] == 3_590.0


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    db = f"sqlite:///{tmp_path}/bad.db"
    workspace = build(db)
    workspace.close()
    out = str(tmp_path / "r.html")
    cases = {
        ("availability", "--from", "2026-11-03", "--to", "2026-11-02"): "--from 2026-11-03 is after --to 2026-11-02",
        ("availability", "--from", "2026-11-02", "--to", "2026-11-02", "--customer", "nope"): 'unknown customer "nope"',
        ("availability", "--from", "2026-11-02", "--to", "2026-11-02", "--group", "Mars"): 'unknown group "Mars"',
        ("availability", "--from", "2026-13-02", "--to", "2026-11-02"): '"2026-13-02" is not a date',
        ("daily", "--date", "yesterday"): '"yesterday" is not a date',
        ("customer-success", "--week", "2026-W60"): '"2026-W60" is not an ISO week',
        ("spof", "--tz", "Mars/Olympus"): 'unknown timezone "Mars/Olympus"',
        ("availability", "--from", "2026-11-02", "--to", "2026-11-02", "--customer", "acme", "--group", "Core"):
            "argument --group: not allowed with argument --customer",
        ("availability", "--to", "2026-11-02"): "the following arguments are required: --from",
    }
    for args, expected in cases.items():
        result = cli("report", *args, "--db", db, "--out", out)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    result = cli("report", "spof", "--db", db, "--out", str(tmp_path / "no" / "such" / "dir.html"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not Path(out).exists()
