"""Packages whose names load on first use still offer every name they did, and nothing else."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAZY = ("noc_app.incidents", "noc_app.impact", "noc_app.live", "noc_app.topology")


@pytest.mark.parametrize("package", LAZY)
def test_every_exported_name_resolves_to_its_module_object(package):
    module = importlib.import_module(package)
    assert module.__all__
    for name in module.__all__:
        value = getattr(module, name)
        where = importlib.import_module(f"{package}.{module._EXPORTS[name]}")
        assert getattr(where, name) is value and getattr(module, name) is value
        assert name in dir(module)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        module.not_a_name  # noqa: B018


def test_star_import_and_submodule_imports_still_work():
    code = ("from noc_app.incidents import *\n"
            "from noc_app.topology import model, loader\n"
            "import noc_app.impact.engine\n"
            "assert IncidentService and NotFoundError and loader.load_topology\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_one_small_module_does_not_load_its_package():
    code = ("import sys\n"
            "import noc_app.incidents.errors, noc_app.impact.customers, noc_app.topology.model, noc_app.live.history\n"
            "heavy = ('noc_app.incidents.escalation', 'noc_app.incidents.notify', 'noc_app.impact.engine',\n"
            "         'noc_app.topology.loader', 'noc_app.live.board', 'requests', 'pydantic')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
