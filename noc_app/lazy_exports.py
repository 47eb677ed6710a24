"""A package ``__init__`` whose names load on first use (PEP 562 module ``__getattr__``).

``from noc_app.incidents.errors import NotFoundError`` runs the package's
``__init__`` first; when that ``__init__`` re-exports every module of the
package, one small import costs the whole package (for ``incidents``,
0.8 s at the start of every command). With ``lazy_exports`` the
``__init__`` names what it offers and where it lives, and nothing is
imported until a name is used.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``exports``: name -> module of the package defining it."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # the next lookup is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
