"""Item 15: a platform plugin whose libraries are missing is one line naming packages, exit 2.

The fake plugin is PySide6's real ``libqxcb.so`` with one of its DT_NEEDED names
rewritten to a library no machine has, placed where its ``$ORIGIN/../../lib``
RUNPATH reaches PySide6's real Qt libraries: exactly the situation of a fresh
machine lacking one xcb package, whatever this machine has installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.platform_check import missing_libraries, platform_names, platform_problem, plugin_dir
from widgets.platform_check.elf import NotElfError, read_dynamic
from widgets.platform_check.packages import install_hint

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = plugin_dir({})
REAL_XCB = REAL_DIR / "libqxcb.so" if REAL_DIR else None
ABSENT = "libnocgone-x.so.4"  # as long as the name it replaces, so the string table keeps its layout

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not (REAL_XCB and REAL_XCB.is_file()),
                                reason="PySide6's xcb plugin exists on Linux only")


@pytest.fixture(scope="module")
def fake_plugins(tmp_path_factory) -> Path:
    """``<tmp>/plugins/platforms/libqxcb.so`` needing ``ABSENT`` instead of libxcb-icccm.so.4."""
    root = tmp_path_factory.mktemp("qt")
    platforms = root / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (root / "lib").symlink_to(REAL_DIR.parent.parent / "lib")
    data = REAL_XCB.read_bytes()
    old = b"\0libxcb-icccm.so.4\0"
    assert data.count(old) == 1 and len(ABSENT) == len(old) - 2
    (platforms / "libqxcb.so").write_bytes(data.replace(old, b"\0" + ABSENT.encode() + b"\0"))
    return platforms


def os_release(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "os-release"
    path.write_text(text)
    return path


def test_elf_reader_finds_what_the_plugin_needs():
    dynamic = read_dynamic(REAL_XCB)
    assert "libxcb-icccm.so.4" in dynamic.needed and "libQt6XcbQpa.so.6" in dynamic.needed
    assert any(Path(d).resolve() == (REAL_DIR.parent.parent / "lib").resolve() for d in dynamic.search_path)
    with pytest.raises(NotElfError):
        read_dynamic(ROOT / "README.md")


def test_missing_library_is_named_with_the_package_to_install(fake_plugins, tmp_path):
    assert ABSENT in missing_libraries(fake_plugins / "libqxcb.so")
    env = {"QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": str(fake_plugins), "DISPLAY": ":0"}
    debian = os_release(tmp_path, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    message = platform_problem(env, debian)
    assert message is not None and "\n" not in message
    assert message.startswith('error: the Qt platform plugin "xcb" cannot load: ') and ABSENT in message
    assert "sudo apt-get install" in message and "QT_QPA_PLATFORM=offscreen" in message


def test_the_install_hint_speaks_the_distribution():
    needed = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"]
    assert install_hint(needed, 0) == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0"
    assert install_hint(needed, 1) == "sudo dnf install xcb-util-wm xcb-util-keysyms xcb-util-cursor"
    assert install_hint(needed, 2) == "sudo pacman -S xcb-util-wm xcb-util-keysyms xcb-util-cursor"
    unknown = install_hint(needed, None)
    assert unknown.startswith("Debian/Ubuntu: sudo apt-get install libxcb-icccm4") and "Fedora: " in unknown
    assert "Arch: sudo pacman -S" in unknown


def test_distribution_comes_from_os_release(fake_plugins, tmp_path):
    env = {"QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": str(fake_plugins)}
    fedora = os_release(tmp_path, "ID=fedora\nVERSION_ID=40\n")
    assert "sudo dnf install" in platform_problem(env, fedora)
    mint = os_release(tmp_path, 'ID=linuxmint\nID_LIKE="ubuntu debian"\n')
    assert "sudo apt-get install" in platform_problem(env, mint)


def test_which_plugins_qt_will_try():
    assert platform_names({"QT_QPA_PLATFORM": "offscreen:configfile=s.json"}) == ["offscreen"]
    assert platform_names({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert platform_names({"DISPLAY": ":0"}) == ["xcb"]
    assert platform_names({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}) == ["wayland", "xcb"]


def test_a_plugin_that_loads_is_no_problem(fake_plugins):
    # Offscreen needs no X libraries beyond Qt's own; a fallback that loads is enough.
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert platform_problem({"QT_QPA_PLATFORM": "xcb;offscreen",
                             "QT_QPA_PLATFORM_PLUGIN_PATH": str(fake_plugins)}) is None
    # A plugin it cannot see is Qt's business, not a refusal.
    assert platform_problem({"QT_QPA_PLATFORM": "eglfs", "QT_QPA_PLATFORM_PLUGIN_PATH": "/nonexistent"}) is None


def test_the_gui_refuses_in_one_line_instead_of_aborting(fake_plugins, tmp_path):
    """Before the check: Qt could not load the plugin and aborted (SIGABRT, exit 134)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(fake_plugins), DISPLAY=":0",
               NOC_DATA_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "main.py", "--demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and ABSENT in lines[0] and "install" in lines[0], proc.stderr
