"""Item 19: themes, icons and the alert sound are files in resources/, shipped and loaded as package data."""

from __future__ import annotations

import subprocess
import sys
import wave
from importlib import resources as importlib_resources
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

import resources
from noc_app.live import StatusBoard
from noc_app.topology import load_topology
from widgets import assets
from widgets.board_store import BoardStore
from widgets.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).parent / "data" / "small_topology.toml"
SHIPPED = ("themes/dark.qss", "themes/light.qss", "themes/incident-dialog.qss", "icons/alert.svg",
           "icons/vigil.svg", "sounds/alert.wav")

INSTALLED_CHECK = """
import sys, wave
sys.path.insert(0, sys.argv[1])
import resources
assert resources.__file__.startswith(sys.argv[1]), resources.__file__
assert "QHeaderView::section" in resources.stylesheet("dark") and "QHeaderView::section" in resources.stylesheet("light")
assert "countdown" in resources.stylesheet("incident-dialog")
assert resources.read_bytes("icons/alert.svg").lstrip().startswith(b"<?xml")
with wave.open(str(resources.file_path("sounds/alert.wav"))) as w:
    print(w.getnframes() / w.getframerate())
"""


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(BoardStore(StatusBoard(load_topology(SMALL))), settings=settings)
    qtbot.addWidget(window)
    window.resize(800, 500)
    window.show()
    return window


def test_a_normal_install_ships_the_resources_and_they_load(tmp_path):
    """What setuptools puts in a wheel (build_py), imported from there, away from the checkout."""
    build = tmp_path / "lib"
    code = f"import sys, setuptools; sys.argv = ['setup.py', '-q', 'build_py', '--build-lib', {str(build)!r}]; setuptools.setup()"
    built = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr[-2000:]
    for relative in SHIPPED:
        assert (build / "resources" / relative).is_file(), f"{relative} is not shipped"
    run = subprocess.run([sys.executable, "-c", INSTALLED_CHECK, str(build)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 0.2 < float(run.stdout) < 2.0  # a short chime


def test_the_theme_text_comes_from_the_file(window):
    shipped = importlib_resources.files("resources")
    assert window.styleSheet() == (shipped / "themes" / "dark.qss").read_text(encoding="utf-8")
    window.apply_theme("light")
    assert window.styleSheet() == (shipped / "themes" / "light.qss").read_text(encoding="utf-8")


def test_editing_a_stylesheet_changes_the_look(window, tmp_path, monkeypatch, qtbot):
    def background() -> QColor:
        window.repaint()
        image = window.grab().toImage()
        return QColor(image.pixel(image.width() // 2, image.height() - 60))  # empty area of the window

    before = background()
    assert before.name() != "#ff00ff"
    themes = tmp_path / "themes"
    themes.mkdir()
    edited = resources.stylesheet("dark").replace("background: #15181d", "background: #ff00ff")
    assert edited != resources.stylesheet("dark")
    (themes / "dark.qss").write_text(edited, encoding="utf-8")
    monkeypatch.setenv(resources.OVERRIDE_ENV, str(tmp_path))
    window.apply_theme("dark")  # a theme switch reads the file again: no restart, no code
    assert window.styleSheet() == edited
    assert background().name() == "#ff00ff"


def test_icons_render_from_their_svg_files():
    alert = assets.icon("alert", 64).pixmap(64, 64).toImage()
    assert not alert.isNull()
    assert QColor(alert.pixel(10, 32)).name().upper() == "#D55E00"  # the disc, left of the "!"
    assert QColor(alert.pixel(32, 48)).name().upper() == "#FFFFFF"  # the dot of the "!"
    assert QColor.fromRgba(alert.pixel(1, 1)).alpha() == 0  # transparent outside the disc
    assert not assets.icon("vigil", 128).pixmap(128, 128).toImage().isNull()


def test_the_alert_sound_is_a_short_calm_chime():
    path = Path(assets.alert_sound())
    assert path.is_file() and path.stat().st_size < 16_000
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        seconds = w.getnframes() / w.getframerate()
    peak = max(abs(int.from_bytes(frames[i:i + 2], "little", signed=True)) for i in range(0, len(frames), 2))
    assert 0.2 < seconds < 1.0 and 0.1 < peak / 32767 < 0.7  # audible, never at full scale


def test_a_missing_resource_says_so_in_words():
    with pytest.raises(resources.ResourceError, match="reinstall"):
        resources.stylesheet("no-such-theme")


def test_no_stylesheet_is_left_in_code():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "widgets").rglob("*.py")
                 if "QHeaderView::section {" in p.read_text(encoding="utf-8")
                 or "QLabel#countdown[state=" in p.read_text(encoding="utf-8")]
    assert offenders == []
