"""Packages tests compare against (scipy, pydicom): scripts/setup-system.sh installs them, so in CI
(CI set) a missing one fails its test; elsewhere the test is skipped, saying which is missing."""

import importlib
import os

import pytest


def need(module: str):
    """The imported module; ImportError in CI, a skip elsewhere, when it is missing."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (scripts/setup-system.sh installs it)")
