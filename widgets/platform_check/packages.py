"""Which distribution package ships a system library Qt's platform plugins need.

Sonames as PySide6's plugins link them (``readelf -d``); packages as named on
Debian/Ubuntu, Fedora and Arch. A library not listed is named as itself.
"""

from __future__ import annotations

from pathlib import Path

#: soname -> (Debian/Ubuntu, Fedora, Arch)
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
}

#: What every install needs for the X11 window (``xcb``), as the README lists it.
XCB_SONAMES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
               "libxcb-render-util.so.0", "libxkbcommon-x11.so.0")

_TOOLS = (("debian", "Debian/Ubuntu", "sudo apt-get install"), ("fedora", "Fedora", "sudo dnf install"),
          ("arch", "Arch", "sudo pacman -S"))
_FAMILIES = {"debian": 0, "ubuntu": 0, "linuxmint": 0, "pop": 0, "raspbian": 0,
             "fedora": 1, "rhel": 1, "centos": 1, "rocky": 1, "almalinux": 1,
             "arch": 2, "manjaro": 2, "endeavouros": 2}


def distro_family(os_release: Path = Path("/etc/os-release")) -> int | None:
    """0 Debian-like, 1 Fedora-like, 2 Arch-like, None unknown (from ID and ID_LIKE)."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    ids = [fields.get("ID", "")] + fields.get("ID_LIKE", "").split()
    for word in ids:
        family = _FAMILIES.get(word.strip().strip('"').lower())
        if family is not None:
            return family
    return None


def packages_for(sonames, family: int) -> list[str]:
    out: list[str] = []
    for soname in sonames:
        name = PACKAGES[soname][family] if soname in PACKAGES else soname
        if name not in out:
            out.append(name)
    return out


def install_hint(sonames, family: int | None) -> str:
    """``sudo apt-get install libxcb-icccm4 libxcb-keysyms1`` for this distribution, or all three."""
    families = [family] if family is not None else [0, 1, 2]
    parts = []
    for f in families:
        _, label, tool = _TOOLS[f]
        command = f"{tool} {' '.join(packages_for(sonames, f))}"
        parts.append(command if family is not None else f"{label}: {command}")
    return "; ".join(parts)
