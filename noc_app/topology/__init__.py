"""The topology file: schema, loading with precise errors, the validated model."""

from noc_app.topology.errors import TopologyError
from noc_app.topology.loader import load_topology, parse_topology
from noc_app.topology.model import Topology

__all__ = ["Topology", "TopologyError", "load_topology", "parse_topology"]
