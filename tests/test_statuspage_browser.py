"""The published page in a real browser: headless Chromium at phone (390 px) and desktop width.

Checks what a reader would notice first: nothing runs off the right edge
(the page reflows instead of scrolling sideways), and the overall state is
painted (the banner's colour is on screen, next to its words in the HTML).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from noc_app.incidents import IncidentService
from noc_app.statuspage.publisher import StatusPagePublisher
from noc_app.topology import parse_topology
from noc_app.workspace import open_workspace

BACKGROUND = QColor("#f6f8fa")
MAJOR = QColor("#c11d2b")
TOPOLOGY = """
[[component]]
id = "api"
name = "API"
[status_page]
name = "A status page with a rather long name for a phone screen"
[[status_page.component]]
id = "checkout"
name = "Checkout and payments for every region of the world"
description = "averyveryverylongwordwithoutanyspacesthatmustwrapinsteadofpushingthepagesideways"
components = ["api"]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    workspace = open_workspace(parse_topology(TOPOLOGY), f"sqlite:///{tmp}/noc.db")
    service = IncidentService(workspace.sessions, "alice")
    iid = service.open_incident("x", "internal_monitoring").incident_id
    service.status_page_update(None, "major_outage", "Payments fail. " + "Details " * 60 + "https://example.com/" + "x" * 120,
                               incident_id=iid, components=["checkout"])
    StatusPagePublisher(workspace.sessions, tmp / "site").publish()
    workspace.close()
    return tmp / "site"


def shoot(page: Path, out: Path, width: int) -> QImage:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (Debian package: chromium)")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={out}", f"--window-size={width},1200", page.as_uri()],
                   check=True, capture_output=True, timeout=90)
    image = QImage(str(out))
    assert image.width() == width
    return image


@pytest.mark.parametrize("width", [390, 1280])
def test_page_fits_the_screen_and_shows_its_state(site, tmp_path, width):
    image = shoot(site / "index.html", tmp_path / f"{width}.png", width)
    right = [image.pixelColor(width - 1 - dx, y) for dx in range(3) for y in range(0, image.height(), 4)]
    assert all(c == BACKGROUND for c in right), "something runs off the right edge"
    colours = {image.pixelColor(x, y).name() for x in range(0, width, 7) for y in range(0, 300, 5)}
    assert MAJOR.name() in colours  # the red banner is painted ...
    html = (site / "index.html").read_text()
    assert "✕" in html and "Major System Outage" in html  # ... with its icon and its words
