"""Vigil NOC core: domain, checks, status engine, incidents, storage, reports.

Nothing in this package imports Qt; ``tests/test_architecture.py`` enforces it.
"""

__version__ = "0.1.0"
