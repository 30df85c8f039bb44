"""The flake8 plugin, loaded through flake8's entry-point machinery (needs `pip install -e .`)."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

import pytest
from cli_support import IMPORTING_SCRIPT, LOCAL_DATA, REAL_SCRIPT, TESTS, write

from tllint.flake8_plugin import TllintChecker

pytest.importorskip("flake8")

# flake8's real command line, with the stand-in rules installed first in the child process.
WITH_FAKES = "import sys, fakerules; fakerules.install(); from flake8.main.cli import main; sys.exit(main(sys.argv[1:]))"

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


def flake8(args, cwd, fake=True):
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    command = [sys.executable, "-c", WITH_FAKES] if fake else [sys.executable, "-m", "flake8"]
    return subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_entry_point_is_registered():
    eps = [ep for ep in metadata.entry_points(group="flake8.extension") if ep.name == "TL"]
    assert [ep.value for ep in eps] == ["tllint.flake8_plugin:TllintChecker"]


def test_flake8_version_lists_the_plugin(tmp_path):
    proc = flake8(["--version"], tmp_path, fake=False)
    assert "tllint: " in proc.stdout


def test_findings_through_flake8(tmp_path):
    write(tmp_path / "train.py", "import keras\nbase = fire_tl201()\nlr = fire_tl204()  # noqa: TL204\n")
    proc = flake8(["--select", "TL", "train.py"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == "train.py:2:8: TL201 fake backbone-trainable-during-head-training\n"


def test_flake8_select_narrows(tmp_path):
    write(tmp_path / "train.py", "import keras\nbase = fire_tl201()\nlr = fire_tl204()\n")
    proc = flake8(["--select", "TL204", "train.py"], tmp_path)
    assert proc.stdout == "train.py:3:6: TL204 fake fine-tune-learning-rate-too-high\n"


def test_file_level_noqa_and_pyproject_settings(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nper-file-ignores = { "legacy/*" = ["TL2"] }\nignore = ["TL301"]\n')
    write(tmp_path / "skip.py", "# tllint: noqa\nimport keras\nfire_tl201()\n")
    write(tmp_path / "legacy" / "old.py", "import keras\nfire_tl201()\nfire_tl101()\nfire_tl301()\n")
    proc = flake8(["--select", "TL", "skip.py", "legacy/old.py"], tmp_path)
    assert proc.stdout == "legacy/old.py:3:1: TL101 fake missing-preprocessing\n"


def test_real_rules_run_without_error_through_flake8(tmp_path):
    write(tmp_path / "ok.py", "import keras\nmodel = keras.Sequential()\n")
    proc = flake8(["--select", "TL", "ok.py"], tmp_path, fake=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_checker_in_process(fake_rules, tmp_path):
    lines = ["import keras\n", "x = fire_tl101()\n"]
    results = list(TllintChecker(None, str(tmp_path / "t.py"), lines).run())
    assert results == [(2, 4, "TL101 fake missing-preprocessing", TllintChecker)]


def test_checker_never_reports_unused_noqa(fake_rules, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.tllint]\nextend-select = ["TL001"]\n')
    lines = ["import keras\n", "x = 1  # noqa: TL101\n"]
    assert list(TllintChecker(None, str(tmp_path / "t.py"), lines).run()) == []


def test_checker_reports_bad_config_as_a_finding(fake_rules, tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.tllint]\nbogus = 1\n")
    results = list(TllintChecker(None, str(tmp_path / "t.py"), ["import keras\n"]).run())
    assert len(results) == 1
    assert results[0][:2] == (1, 0)
    assert results[0][2].startswith("TL000 tllint configuration error:") and "'bogus'" in results[0][2]


def test_real_rules_through_flake8(tmp_path):
    write(tmp_path / "train.py", REAL_SCRIPT)
    proc = flake8(["--select", "TL", "train.py"], tmp_path, fake=False)
    assert proc.returncode == 1
    assert [" ".join(line.split(" ")[:2]) for line in proc.stdout.splitlines()] == [
        "train.py:7:5: TL101",
        "train.py:13:1: TL202",
    ]
    write(tmp_path / "train.py", REAL_SCRIPT.replace("base.trainable = True", "base.trainable = True  # noqa: TL202"))
    proc = flake8(["--select", "TL", "train.py"], tmp_path, fake=False)
    assert [" ".join(line.split(" ")[:2]) for line in proc.stdout.splitlines()] == ["train.py:7:5: TL101"]


def test_flake8_follows_local_imports(tmp_path):
    write(tmp_path / "data.py", LOCAL_DATA)
    write(tmp_path / "train.py", IMPORTING_SCRIPT)
    proc = flake8(["--select", "TL", "train.py"], tmp_path, fake=False)
    assert [" ".join(line.split(" ")[:2]) for line in proc.stdout.splitlines()] == ["train.py:8:5: TL101", "train.py:14:1: TL202"]
