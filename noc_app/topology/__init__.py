"""The topology file: schema, loading with precise errors, the validated model."""

from noc_app.topology.errors import TopologyError
from noc_app.topology.model import Topology

__all__ = ["Topology", "TopologyError", "load_topology", "parse_topology"]


def __getattr__(name: str):
    # Lazy: the loader imports pydantic and builds the file schema (~0.1 s); what reads a
    # topology from a database or a bundle (``bundle``, ``review``) only needs the model.
    if name in ("load_topology", "parse_topology"):
        from noc_app.topology import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
