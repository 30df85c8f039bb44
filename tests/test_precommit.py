"""The pre-commit hook: the manifest, and a real `pre-commit try-repo` run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import REPO, write

pytest.importorskip("pre_commit")
yaml = pytest.importorskip("yaml")

MANIFEST = REPO / ".pre-commit-hooks.yaml"


def pre_commit(args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def git(args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def test_manifest_is_valid_and_matches_python_and_notebooks():
    proc = pre_commit(["validate-manifest", str(MANIFEST)], REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (hook,) = yaml.safe_load(MANIFEST.read_text())
    assert hook["id"] == "tllint"
    # --force-exclude: pre-commit names each file, and [tool.tllint] excludes must still apply.
    assert hook["entry"] == "tllint --force-exclude"
    assert hook["language"] == "python"
    # types_or: python OR jupyter (`types` would require both tags on the same file).
    assert hook["types_or"] == ["python", "jupyter"]
    assert "types" not in hook


def hook_repo(tmp_path: Path) -> Path:
    """A committed copy of the package (the real checkout's git state is never touched)."""
    repo = tmp_path / "hookrepo"
    repo.mkdir()
    for name in ("src", "rules"):
        shutil.copytree(REPO / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, repo / name)
    if not (repo / "README.md").exists():
        (repo / "README.md").write_text("# tllint\n")  # hatchling needs the readme named in pyproject
    git(["init", "-q"], repo)
    git(["add", "-A"], repo)
    git(["commit", "-q", "-m", "hook"], repo)
    return repo


@pytest.mark.slow
def test_try_repo_runs_the_hook(tmp_path):
    repo = hook_repo(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    write(work / "broken.py", "import keras\nmodel = keras.Sequential(\n")
    write(work / "ok.py", "import keras\nmodel = keras.Sequential()\n")
    write(work / "notes.txt", "not python\n")
    write(work / "pyproject.toml", '[tool.tllint]\nextend-exclude = ["generated"]\n')
    write(work / "generated" / "broken_too.py", "import keras\nx = (\n")
    git(["init", "-q"], work)
    git(["add", "-A"], work)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    proc = pre_commit(["try-repo", str(repo), "tllint", "--all-files", "--verbose"], work, env)
    output = proc.stdout + proc.stderr
    if "Could not find a version" in output or "Failed to establish a new connection" in output:
        pytest.skip("pre-commit could not install the hook's dependencies (no package index reachable)")
    assert proc.returncode == 1, output
    assert "broken.py:2:" in output and "TL000" in output
    assert "ok.py:" not in output.replace("broken.py:", "")
    assert "notes.txt" not in output
    assert "broken_too.py" not in output
