"""The topology file: schema, loading with precise errors, the validated model.

Names load on first use (``noc_app/lazy_exports.py``): a module that needs
only the ``Topology`` model (plain dataclasses) must not load the loader's
pydantic schema with it (~0.15 s).
"""

from __future__ import annotations

from noc_app.lazy_exports import lazy_exports

# name -> the module of this package that defines it
_EXPORTS = {"Topology": "model", "TopologyError": "errors", "load_topology": "loader", "parse_topology": "loader"}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
