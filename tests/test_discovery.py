"""PATH expansion: recursion, excludes, virtual environments, symlink loops, display paths."""

from __future__ import annotations

import os
import sys
import types

import pytest
from cli_support import write

from tllint.discovery import discover
from tllint.finding import Finding
from tllint.settings import Settings

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


def displays(args, settings=None, cwd=None):
    return [t.display for t in discover(args, settings or Settings(), cwd).targets]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for rel in (
        "b.py",
        "a.py",
        "notes.txt",
        "nb.ipynb",
        "pkg/z.py",
        "pkg/__init__.py",
        ".venv/lib/x.py",
        "build/gen.py",
        "env/pyvenv.cfg",
        "env/lib/site.py",
        "node_modules/m.py",
        "data/generated/g.py",
    ):
        write(tmp_path / rel, "import keras\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_recursive_sorted_with_default_excludes(tree):
    assert displays(["."], cwd=tree) == ["a.py", "b.py", "data/generated/g.py", "nb.ipynb", "pkg/__init__.py", "pkg/z.py"]


def test_display_path_keeps_the_users_prefix(tree):
    assert displays(["./pkg"], cwd=tree) == ["pkg/__init__.py", "pkg/z.py"]
    assert displays([str(tree / "pkg")], cwd=tree) == ["pkg/__init__.py", "pkg/z.py"]
    outside = displays([str(tree / "pkg")], cwd=tree / "data")
    assert outside == [str(tree / "pkg" / "__init__.py"), str(tree / "pkg" / "z.py")]


def test_explicit_paths_are_linted_even_if_excluded(tree):
    assert displays(["build/gen.py", ".venv/lib/x.py", "notes.txt"], cwd=tree) == ["build/gen.py", ".venv/lib/x.py", "notes.txt"]


def test_explicit_excluded_folder_is_walked(tree):
    assert displays(["build"], cwd=tree) == ["build/gen.py"]


def test_duplicates_are_removed(tree):
    assert displays(["a.py", "./a.py", ".", "pkg"], cwd=tree)[:2] == ["a.py", "b.py"]
    assert len(displays(["a.py", "."], cwd=tree)) == 6


def test_exclude_and_extend_exclude_relative_to_config_root(tree):
    settings = Settings(extend_exclude=("data/generated",), config_root=tree)
    assert displays(["."], settings, cwd=tree) == ["a.py", "b.py", "nb.ipynb", "pkg/__init__.py", "pkg/z.py"]
    settings = Settings(extend_exclude=("pkg/z.py", "*.ipynb"), config_root=tree)
    assert displays(["."], settings, cwd=tree) == ["a.py", "b.py", "data/generated/g.py", "pkg/__init__.py"]
    # `exclude` replaces the defaults.
    settings = Settings(exclude=("pkg",), config_root=tree)
    assert "build/gen.py" in displays(["."], settings, cwd=tree)
    assert "pkg/z.py" not in displays(["."], settings, cwd=tree)


def test_missing_paths_are_reported(tree):
    found = discover(["a.py", "nope", "gone/x.py"], Settings(), tree)
    assert found.missing == ["nope", "gone/x.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_is_skipped_with_a_message(tree, fake_rules, run_cli):
    os.symlink(tree / "pkg", tree / "pkg" / "loop")
    found = discover(["pkg"], Settings(), tree)
    assert [t.display for t in found.targets] == ["pkg/__init__.py", "pkg/z.py"]
    assert found.warnings == ["skipping pkg/loop: symlink loop"]
    code, out, err = run_cli("pkg", cwd=tree)
    assert code == 0
    assert err.splitlines() == ["tllint: warning: skipping pkg/loop: symlink loop", "All checks passed (2 files)."]


def test_config_excludes_apply_through_the_cli(tree, fake_rules, run_cli):
    # nb.ipynb of the tree is not JSON (TL000 once tllint.notebook is installed): out of this test.
    write(tree / "pyproject.toml", '[tool.tllint]\nextend-exclude = ["pkg", "*.ipynb"]\n')
    write(tree / "pkg" / "bad.py", "import keras\nfire_tl101()\n")
    write(tree / "sub" / "bad.py", "import keras\nfire_tl101()\n")
    code, out, _ = run_cli(".", cwd=tree / "sub")
    assert out == "bad.py:2:1: TL101 fake missing-preprocessing\n"
    code, out, _ = run_cli(".", cwd=tree)
    assert out == "sub/bad.py:2:1: TL101 fake missing-preprocessing\n"
    code, out, _ = run_cli("pkg/bad.py", cwd=tree)
    assert out == "pkg/bad.py:2:1: TL101 fake missing-preprocessing\n"


def test_notebooks_skipped_without_the_notebook_module(tree, run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "tllint.notebook", None)
    code, out, err = run_cli("nb.ipynb", "a.py", cwd=tree)
    assert (code, out, err) == (0, "", "All checks passed (1 file).\n")


def test_notebooks_routed_to_lint_notebook(tree, run_cli, monkeypatch, fake_rules):
    calls = []

    def lint_notebook(path, text, settings, enabled):
        calls.append((path, text, "TL101" in enabled))
        return [Finding("TL101", "missing-preprocessing", "error", "raw pixels", path, 2, 5, 2, 9, cell=3)]

    module = types.ModuleType("tllint.notebook")
    module.lint_notebook = lint_notebook
    monkeypatch.setitem(sys.modules, "tllint.notebook", module)
    code, out, err = run_cli("nb.ipynb", cwd=tree)
    assert calls == [("nb.ipynb", "import keras\n", True)]
    assert (code, out, err) == (1, "nb.ipynb:cell 3:2:5: TL101 raw pixels\n", "Found 1 finding in 1 file.\n")
    code, out, _ = run_cli("--ignore", "TL1", "nb.ipynb", cwd=tree)
    assert (code, out) == (0, "")


def test_crashing_notebook_reader_becomes_tl999(tree, run_cli, monkeypatch, fake_rules):
    module = types.ModuleType("tllint.notebook")

    def lint_notebook(path, text, settings, enabled):
        raise ValueError("boom")

    module.lint_notebook = lint_notebook
    monkeypatch.setitem(sys.modules, "tllint.notebook", module)
    code, out, err = run_cli("nb.ipynb", cwd=tree)
    assert code == 1
    assert out.startswith("nb.ipynb:1:1: TL999 internal error while reading this notebook (ValueError: boom)")
    assert "Traceback" not in err


def test_force_exclude_applies_excludes_to_named_paths(tree):
    settings = Settings(extend_exclude=("data/generated", "b.py"), config_root=tree)
    named = ["build/gen.py", ".venv/lib/x.py", "b.py", "data/generated/g.py", "pkg", "a.py"]
    found = discover(named, settings, tree, force_exclude=True)
    assert [t.display for t in found.targets] == ["pkg/__init__.py", "pkg/z.py", "a.py"]
    assert [t.display for t in discover(named, settings, tree).targets][:4] == named[:4]


def test_force_exclude_through_the_cli(tree, fake_rules, run_cli):
    write(tree / "build" / "gen.py", "import keras\nfire_tl101()\n")
    assert run_cli("--force-exclude", "build/gen.py", cwd=tree) == (0, "", "")
    code, out, _ = run_cli("build/gen.py", cwd=tree)
    assert (code, out) == (1, "build/gen.py:2:1: TL101 fake missing-preprocessing\n")
