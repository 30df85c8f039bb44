"""Shared helpers and fixtures of the CLI/integration tests (import the fixtures by name)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import fakerules

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"


@pytest.fixture
def fake_rules(monkeypatch):
    """Replace the rule set by the stand-ins of fakerules.py for this test."""
    for module, name, value in fakerules.targets():
        monkeypatch.setattr(module, name, value)
    return fakerules


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Call tllint.cli.main in-process; returns (exit code, stdout, stderr)."""
    from tllint.cli import main

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_subprocess(args, cwd, stdin: bytes | None = None, fake: bool = False, env: dict | None = None):
    """Run tllint in a child process (stdin, real streams, entry points); `fake` uses fakerules."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update({"PYTHONPATH": str(TESTS), **(env or {})})
    command = [sys.executable, str(TESTS / "fakerules.py")] if fake else [sys.executable, "-m", "tllint"]
    return subprocess.run(command + list(args), cwd=cwd, input=stdin, capture_output=True, env=full_env, timeout=120)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
