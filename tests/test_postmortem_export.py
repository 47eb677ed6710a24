"""``export``: every format, both audiences, SQLite and PostgreSQL; the PDF read back with pdftotext."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import main
from noc_app.postmortem.definitions import CONTRACT_KEYS
from noc_app.workspace import open_workspace
from postmortem_incident import (
    EXPECTED, INTERNAL_FACTS, PLANTED, PUBLIC, TOPOLOGY, plant, prepare, run_script,
)
from smtp_server import SmtpServer

FORMATS = ("html", "md", "json", "pdf")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


@pytest.fixture
def incident(db_url, qapp):
    """The scripted incident, closed, with a unique string planted in every internal field."""
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, db_url)
        prepare(workspace.sessions)
        iid = run_script(workspace.sessions, smtp.port)
        plant(workspace.sessions, iid)
        workspace.close()
    return db_url, iid


def export(db_url, iid, fmt, out, *extra) -> int:
    return main.main(["export", str(iid), "--format", fmt, "--out", str(out), "--db", db_url, *extra])


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text in reading order, ligatures (ﬁ) unfolded."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *pages, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return unicodedata.normalize("NFKC", text)


def read_back(path: Path, fmt: str) -> str:
    if fmt != "pdf":
        return path.read_text(encoding="utf-8")
    # Both reading orders: one keeps a cell's lines together, the other a page's lines.
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                            text=True).stdout
    return pdf_text(path) + "\n" + unicodedata.normalize("NFKC", layout)


def squeeze(text: str) -> str:
    """Whitespace removed: a PDF line break inside a planted word must not hide it."""
    return re.sub(r"\s+", "", text)


@needs_poppler
def test_every_format_of_the_internal_report(incident, tmp_path, capsys):
    db_url, iid = incident
    texts = {}
    for fmt in FORMATS:
        out = tmp_path / f"pm.{fmt}"
        assert export(db_url, iid, fmt, out) == 0
        assert f"wrote {out}" in capsys.readouterr().out
        texts[fmt] = read_back(out, fmt)
    data = json.loads(texts["json"])
    assert {"incident", "metrics", "timeline", "notifications", "promises", "follow_ups"} <= set(data)
    assert {k: data["metrics"][k] for k in CONTRACT_KEYS} == EXPECTED
    assert data["incident"]["in_progress"] is False and data["audience"] == "internal"
    assert [p["status"] for p in data["promises"]] == ["late", "kept"]
    assert data["follow_ups"][0]["owner"] == {"id": "bob", "name": "Bob Okafor"}
    assert sum(e["key_moment"] for e in data["timeline"]) == 2
    assert data["incident"]["postmortem"]["lessons_learned"].startswith(PLANTED["lessons_learned"])
    # The chart is the app's own drawing, embedded in HTML and written beside the Markdown.
    assert texts["html"].count("data:image/png;base64,") == 1
    assert (tmp_path / "pm-1.png").read_bytes().startswith(b"\x89PNG")
    for fmt in ("html", "md", "pdf"):
        flat = squeeze(texts[fmt])
        for needed in ("Timetodetect", "2min00s", "95min", "Timetoannounce", "10min",
                       "LATE", "6min00s", "BobOkafor", "Wherewegotlucky", PLANTED["got_lucky"],
                       "Load-testpoolsizechanges", "failovertostandby", "chg-101", "kb-1"):
            assert needed in flat, (fmt, needed)
        assert "INPROGRESS" not in flat
    assert "page 1 of" in texts["pdf"]
    # The page-high chart starts a page of its own, its heading on top (never orphaned at a page foot).
    pdf = tmp_path / "pm.pdf"
    pages = int(re.search(r"page 1 of (\d+)", texts["pdf"]).group(1))
    chart_page = next(n for n in range(1, pages + 1) if "Latency and availability" in pdf_text(pdf, n))
    assert pdf_text(pdf, chart_page).lstrip().startswith("Latency and availability")


@needs_poppler
def test_the_customer_version_carries_nothing_internal(incident, tmp_path, capsys):
    db_url, iid = incident
    secrets = [*PLANTED.values(), *INTERNAL_FACTS]
    for fmt in FORMATS:
        out = tmp_path / f"customer.{fmt}"
        assert export(db_url, iid, fmt, out, "--audience", "customer") == 0
        text = read_back(out, fmt)
        flat = squeeze(text)
        leaked = [s for s in secrets if squeeze(s) in flat or s in text]
        assert leaked == [], fmt
        for public in PUBLIC.values():  # word by word: a PDF table cell may wrap a phrase
            assert all(word in text for word in public.split()), (fmt, public)
        assert "data:image" not in text and not list(tmp_path.glob("customer-*.png"))
        if fmt in ("pdf", "json"):
            # The same check on the internal version finds them: the plants and the reading work
            # (text formats are read as they are; the PDF through pdftotext).
            internal = tmp_path / f"internal.{fmt}"
            assert export(db_url, iid, fmt, internal) == 0
            found = squeeze(read_back(internal, fmt))
            assert all(squeeze(p) in found for p in PLANTED.values() if "//" not in p), fmt
    capsys.readouterr()
    data = json.loads((tmp_path / "customer.json").read_text())
    assert {"incident", "metrics", "timeline", "notifications", "promises", "follow_ups"} <= set(data)
    assert {k: data["metrics"][k] for k in CONTRACT_KEYS} == EXPECTED
    assert data["incident"]["summary"] == PUBLIC["customer_summary"] and data["incident"]["draft"] is False


def test_an_open_incident_exports_marked_in_progress(db_url, tmp_path, qapp, capsys):
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, db_url)
        prepare(workspace.sessions)
        iid = run_script(workspace.sessions, smtp.port, close=False)
        workspace.close()
    for fmt in ("html", "md", "json"):
        for audience in ("internal", "customer"):
            out = tmp_path / f"{audience}.{fmt}"
            assert export(db_url, iid, fmt, out, "--audience", audience) == 0
            assert "in progress" in capsys.readouterr().out
            text = out.read_text()
            if fmt == "json":
                data = json.loads(text)
                assert data["metrics"]["in_progress"] is True
                assert data["incident"]["in_progress"] is True
            else:
                assert "IN PROGRESS" in text


@pytest.mark.parametrize("args, message", [
    (["abc"], "INCIDENT_ID 'abc' is not an incident number"),
    (["999"], "incident 999 does not exist"),
    (["1", "--out-dir"], "folder"),
    (["1", "--out-is-dir"], "is a directory"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    db = f"sqlite:///{tmp_path}/noc.db"
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, db)
        prepare(workspace.sessions)
        run_script(workspace.sessions, smtp.port)
        workspace.close()
    out = tmp_path / "report.html"
    if "--out-dir" in args:
        out = tmp_path / "no" / "such" / "folder" / "report.html"
    if "--out-is-dir" in args:
        out = tmp_path
    code = main.main(["export", args[0], "--format", "html", "--out", str(out), "--db", db])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


@needs_poppler
def test_long_tables_repeat_their_header_on_every_pdf_page(tmp_path, qapp, capsys):
    from noc_app.incidents import IncidentService

    db = f"sqlite:///{tmp_path}/noc.db"
    with SmtpServer() as smtp:
        workspace = open_workspace(TOPOLOGY, db)
        prepare(workspace.sessions)
        iid = run_script(workspace.sessions, smtp.port)
        service = IncidentService(workspace.sessions, "carol")
        for n in range(150):
            service.add_note(iid, f"observation number {n:03d}")
        workspace.close()
    out = tmp_path / "long.pdf"
    assert export(db, iid, "pdf", out) == 0
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    pages = [pdf_text(out, n) for n in range(1, int(re.search(r"Pages:\s+(\d+)", info).group(1)) + 1)]
    with_notes = [p for p in pages if "observation number" in p]
    assert len(with_notes) >= 3
    # Continuation pages start with the timeline table's header row (thead repeated by Qt).
    for page in with_notes[1:]:
        top = [line.strip() for line in page.splitlines() if line.strip()][:4]
        assert {"UTC", "Author", "What"} <= set(top), top
    total = len(pages)
    assert all(f"page {n} of {total}" in p for n, p in enumerate(pages, 1))
