"""The shared report renderers: every format from one document, written atomically, read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess

import pytest

from noc_app.reports import Document, Facts, Image, Paragraph, ReportOutputError, Rules, Section, Table, write_report
from noc_app.reports import pdf_hook

AT = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
def _png() -> bytes:
    """A real 2x2 PNG, so viewers and PDF embedding accept it."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()


def sample(rows: int = 3) -> Document:
    table = Table(("Component", "Down min", "Note"),
                  tuple((f"comp-{i}", str(i * 5), "a | pipe\nand a <tag> & line") for i in range(rows)),
                  caption="Downtime", numeric=(1,))
    return Document(
        title="Report <T> & co", generated_at=AT, subtitle="30 Nov 2026", banner="IN PROGRESS",
        footer="Vigil NOC test report", meta=(("Priority", "P1"),),
        sections=(Section("Summary", (Paragraph("Line one\nline two"), Facts((("Started", "12:00 UTC"),)))),
                  Section("Figures", (table, Image(PNG, alt="a chart", caption="Latency"),
                                      Rules("How it is counted", ("Time-weighted.", "Maintenance excluded."))))))


def test_html_escapes_and_embeds(tmp_path):
    out = write_report(sample(), "html", tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert "Report &lt;T&gt; &amp; co" in html and "<tag>" not in html
    assert "data:image/png;base64," in html and "<thead>" in html
    assert "IN PROGRESS" in html and "Time-weighted." in html
    assert "<script" not in html


def test_markdown_keeps_cells_and_writes_images_beside(tmp_path):
    out = write_report(sample(), "md", tmp_path / "r.md")
    text = out.read_text(encoding="utf-8")
    assert "| comp-1 | 5 | a \\| pipe<br>and a <tag> & line |" in text
    assert "![a chart](r-1.png)" in text
    assert (tmp_path / "r-1.png").read_bytes() == PNG


def test_csv_has_every_table_with_its_header(tmp_path):
    out = write_report(sample(), "csv", tmp_path / "r.csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["Figures — Downtime"]
    assert rows[1] == ["Component", "Down min", "Note"]
    assert rows[3] == ["comp-1", "5", "a | pipe\nand a <tag> & line"]


def test_json_is_the_reports_own_data(tmp_path):
    out = write_report(sample(), "json", tmp_path / "r.json", json_data={"a": [1, 2]})
    assert json.loads(out.read_text()) == {"a": [1, 2]}


def test_unwritable_out_is_one_clear_error(tmp_path):
    with pytest.raises(ReportOutputError, match="does not exist"):
        write_report(sample(), "html", tmp_path / "missing" / "r.html")
    with pytest.raises(ReportOutputError, match="is a directory"):
        write_report(sample(), "html", tmp_path)
    with pytest.raises(ReportOutputError, match="unknown format"):
        write_report(sample(), "docx", tmp_path / "r.docx")


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old")
    import noc_app.reports.output as output

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "to_html", lambda d: "x" * 10)
    monkeypatch.setattr(type(target), "write_text", boom)
    with pytest.raises(ReportOutputError, match="No space left"):
        write_report(sample(), "html", target)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_pdf_without_the_qt_layer_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_hook, "_renderer", None)
    with pytest.raises(ReportOutputError, match="Qt layer"):
        write_report(sample(), "pdf", tmp_path / "r.pdf")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_pages_repeat_the_table_header_and_number_pages(tmp_path, monkeypatch, qapp):
    from widgets.reports.pdf import write_pdf

    monkeypatch.setattr(pdf_hook, "_renderer", write_pdf)
    out = write_report(sample(rows=160), "pdf", tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
        assert "Component" in page and "Down min" in page  # the header row on every page
    assert "comp-159" in text and "Vigil NOC test report" in text
    assert os.path.getsize(out) < 2_000_000
