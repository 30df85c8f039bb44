"""Fixtures of the CLI/integration tests; a test module enables them with
`pytest_plugins = ("cli_fixtures",)`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fakerules


@pytest.fixture
def fake_rules(monkeypatch):
    """Replace the rule set by the stand-ins of fakerules.py for this test."""
    for module, name, value in fakerules.targets():
        monkeypatch.setattr(module, name, value)
    return fakerules


@pytest.fixture
def run_cli(capsys, monkeypatch, tmp_path_factory):
    """Call tllint.cli.main in-process; returns (exit code, stdout, stderr)."""
    from tllint.cli import main

    # A cache per test: the stand-in rules must never meet results cached for the real ones.
    monkeypatch.setenv("TLLINT_CACHE_DIR", str(tmp_path_factory.mktemp("tllint-cache")))

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
