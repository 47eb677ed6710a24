"""Will Qt's platform plugin load? Asked before the QApplication exists.

Qt answers a platform plugin whose system libraries are missing by aborting
the process (SIGABRT, exit 134) after a message about "xcb" that names no
package: a fresh Debian 12 with only an X server lacks libxcb-icccm4 and
libxcb-keysyms1. Here the plugin Qt will pick is read (its ELF dependencies,
followed through the libraries PySide6 bundles) and each system library is
loaded the way the dynamic loader will load it, so a missing one becomes one
line naming the packages to install. A few milliseconds; Linux only.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from widgets.platform_check.elf import NotElfError, read_dynamic
from widgets.platform_check.packages import distro_family, install_hint


def platform_names(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (QT_QPA_PLATFORM, else what the session offers)."""
    spec = env.get("QT_QPA_PLATFORM", "").strip()
    if spec:
        return [part.split(":", 1)[0].strip() for part in spec.split(";") if part.strip()]
    names = []
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        names.append("wayland")  # Qt prefers Wayland in a Wayland session, then falls back to X11
    names.append("xcb")
    return names


def plugin_dir(env: Mapping[str, str]) -> Path | None:
    """Where Qt looks for platform plugins: QT_QPA_PLATFORM_PLUGIN_PATH, else PySide6's own."""
    if env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        return Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"])
    spec = importlib.util.find_spec("PySide6")  # no Qt library is loaded by asking
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms"


def plugin_file(directory: Path, name: str) -> Path | None:
    """``libqxcb.so`` for "xcb"; "wayland-egl" lives in ``libqwayland.so`` in recent Qt."""
    for candidate in (name, name.split("-", 1)[0]):
        path = directory / f"libq{candidate}.so"
        if path.is_file():
            return path
    return None


def _loads(soname: str) -> str | None:
    """None if the loader finds ``soname`` (and what it needs); else the soname it could not find."""
    try:
        ctypes.CDLL(soname)
        return None
    except OSError as exc:
        # "libfoo.so.1: cannot open shared object file: ..." names the library really missing,
        # which may be a dependency of ``soname``.
        first = str(exc).split(":", 1)[0].strip()
        return first if first.startswith("lib") and ".so" in first and "/" not in first else soname


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames the dynamic loader will not find for ``plugin``, bundled Qt libraries followed."""
    missing: list[str] = []
    seen: set[str] = set()
    todo = [plugin]
    while todo:
        dynamic = read_dynamic(todo.pop(0))
        for soname in dynamic.needed:
            if soname in seen:
                continue
            seen.add(soname)
            bundled = next((Path(d) / soname for d in dynamic.search_path if (Path(d) / soname).is_file()), None)
            if bundled is not None:
                todo.append(bundled)  # PySide6's own copy: what it needs is what matters
                continue
            absent = _loads(soname)
            if absent is not None and absent not in missing:
                missing.append(absent)
    return missing


def platform_problem(env: Mapping[str, str] = os.environ, os_release: Path = Path("/etc/os-release")) -> str | None:
    """One line saying which packages to install, or None when a platform plugin Qt tries will load."""
    if not sys.platform.startswith("linux"):
        return None
    directory = plugin_dir(env)
    if directory is None:
        return None
    failures: list[tuple[str, list[str]]] = []
    for name in platform_names(env):
        plugin = plugin_file(directory, name)
        if plugin is None:
            return None  # a plugin we cannot see (QT_PLUGIN_PATH, another build): Qt decides
        try:
            missing = missing_libraries(plugin)
        except (OSError, NotElfError):
            return None  # never refuse to start on a doubt of our own
        if not missing:
            return None
        failures.append((name, missing))
    if not failures:
        return None
    names = " / ".join(f'"{name}"' for name, _ in failures)
    sonames = [s for _, missing in failures for s in missing]
    return (f"error: the Qt platform plugin {names} cannot load: {', '.join(dict.fromkeys(sonames))} "
            f"not found; install it with: {install_hint(dict.fromkeys(sonames), distro_family(os_release))} "
            "(or run headless with QT_QPA_PLATFORM=offscreen and --screenshot DIR)")
