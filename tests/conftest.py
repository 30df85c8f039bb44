from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


def pytest_configure(config):
    # The static path must never import the frameworks; tests check it in a subprocess too.
    config.addinivalue_line("markers", "static: static analysis tests")
    sys.modules.setdefault("tllint_tests_root", type(sys)("tllint_tests_root"))
