"""What a shared library needs: its DT_NEEDED names and DT_RUNPATH/DT_RPATH, read from the ELF file.

Plain struct reading of the dynamic section (no ``ldd``: it is a shell script
that may be missing, and on a hostile file it runs the file's own loader).
Enough of ELF for Linux .so files of either word size and byte order.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

DT_NULL, DT_NEEDED, DT_STRTAB, DT_RPATH, DT_RUNPATH = 0, 1, 5, 15, 29
PT_LOAD, PT_DYNAMIC = 1, 2


class NotElfError(ValueError):
    """The file is not an ELF shared object this reader understands."""


@dataclass(frozen=True)
class Dynamic:
    needed: tuple[str, ...]  # sonames, in link order
    search_path: tuple[str, ...]  # RUNPATH (or RPATH) entries, "$ORIGIN" expanded


def read_dynamic(path: Path) -> Dynamic:
    # Mapped, not read: only the few pages of headers and strings are touched (Qt's libraries
    # are tens of megabytes).
    with open(path, "rb") as f:
        if f.read(4) != b"\x7fELF":
            raise NotElfError(f"{path}: not an ELF file")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _parse(path, data)


def _parse(path: Path, data) -> Dynamic:
    if data[:4] != b"\x7fELF":
        raise NotElfError(f"{path}: not an ELF file")
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    try:
        if is64:
            phoff, = struct.unpack_from(end + "Q", data, 0x20)
            phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
        else:
            phoff, = struct.unpack_from(end + "I", data, 0x1C)
            phentsize, phnum = struct.unpack_from(end + "HH", data, 0x2A)
        loads, dynamic = [], None
        for i in range(phnum):
            at = phoff + i * phentsize
            if is64:
                p_type, _flags, offset, vaddr, _paddr, filesz = struct.unpack_from(end + "IIQQQQ", data, at)
            else:
                p_type, offset, vaddr, _paddr, filesz = struct.unpack_from(end + "IIIII", data, at)
            if p_type == PT_LOAD:
                loads.append((vaddr, offset, filesz))
            elif p_type == PT_DYNAMIC:
                dynamic = (offset, filesz)
        if dynamic is None:
            return Dynamic((), ())
        entry = struct.Struct(end + ("qQ" if is64 else "iI"))
        tags: list[tuple[int, int]] = []
        for at in range(dynamic[0], dynamic[0] + dynamic[1], entry.size):
            tag, value = entry.unpack_from(data, at)
            if tag == DT_NULL:
                break
            tags.append((tag, value))
        strtab = next(v for t, v in tags if t == DT_STRTAB)
        # DT_STRTAB is an address: map it back to a file offset through the loaded segments.
        base = next(off + strtab - va for va, off, size in loads if va <= strtab < va + size)
    except (struct.error, StopIteration) as exc:
        raise NotElfError(f"{path}: unreadable ELF dynamic section") from exc

    def text(offset: int) -> str:
        stop = data.find(b"\0", base + offset)
        return bytes(data[base + offset:stop]).decode("utf-8", "replace")

    origin = str(Path(path).resolve().parent)
    needed = tuple(text(v) for t, v in tags if t == DT_NEEDED)
    runpath = [text(v) for t, v in tags if t == DT_RUNPATH] or [text(v) for t, v in tags if t == DT_RPATH]
    dirs = tuple(d.replace("$ORIGIN", origin).replace("${ORIGIN}", origin)
                 for entry_ in runpath for d in entry_.split(":") if d)
    return Dynamic(needed, dirs)
