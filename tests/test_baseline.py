"""--write-baseline / --baseline: old findings hidden, new ones reported, line moves tolerated."""

from __future__ import annotations

import json

import pytest
from cli_support import write

from tllint.baseline import fingerprints
from tllint.finding import Finding

OLD = "import keras\nbase = fire_tl201()\nlr = fire_tl204()\n"

pytest_plugins = ("cli_fixtures",)  # fixtures: fake_rules, run_cli


@pytest.fixture
def project(tmp_path, fake_rules, run_cli):
    write(tmp_path / "train.py", OLD)
    code, out, err = run_cli("--write-baseline", "baseline.json", ".", cwd=tmp_path)
    assert (code, out, err) == (0, "", "Wrote 2 findings to baseline baseline.json.\n")
    return tmp_path


def test_baseline_file_contents(project):
    data = json.loads((project / "baseline.json").read_text())
    assert data["tool"] == "tllint" and data["version"] == 1
    assert [(e["code"], e["path"]) for e in data["findings"]] == [("TL201", "train.py"), ("TL204", "train.py")]
    assert all(len(e["fingerprint"]) == 32 for e in data["findings"])


def test_old_findings_hidden(project, run_cli):
    code, out, err = run_cli("--baseline", "baseline.json", ".", cwd=project)
    assert (code, out, err) == (0, "", "All checks passed (1 file, 2 hidden by baseline).\n")


def test_new_finding_reported_old_hidden(project, run_cli):
    write(project / "train.py", OLD + "head = fire_tl101()\n")
    code, out, err = run_cli("--baseline", "baseline.json", ".", cwd=project)
    assert code == 1
    assert out == "train.py:4:8: TL101 fake missing-preprocessing\n"
    assert err == "Found 1 finding in 1 file (2 hidden by baseline).\n"


def test_still_hidden_after_inserting_lines_above(project, run_cli):
    write(project / "train.py", '"""Docstring."""\n\n# comment\n' + OLD.replace("base =", "base  =  "))
    code, out, _ = run_cli("--baseline", "baseline.json", ".", cwd=project)
    assert (code, out) == (0, "")


def test_changed_statement_is_new(project, run_cli):
    write(project / "train.py", OLD.replace("lr = fire_tl204()", "lr2 = fire_tl204()"))
    code, out, _ = run_cli("--baseline", "baseline.json", ".", cwd=project)
    assert (code, out) == (1, "train.py:3:7: TL204 fake fine-tune-learning-rate-too-high\n")


def test_count_aware(tmp_path, run_cli, fake_rules):
    write(tmp_path / "t.py", "import keras\nfire_tl101()\nfire_tl101()\n")
    run_cli("--write-baseline", "b.json", "t.py", cwd=tmp_path)
    assert run_cli("--baseline", "b.json", "t.py", cwd=tmp_path)[:2] == (0, "")
    write(tmp_path / "t.py", "import keras\nfire_tl101()\nfire_tl101()\nfire_tl101()\n")
    code, out, err = run_cli("--baseline", "b.json", "t.py", cwd=tmp_path)
    assert (code, out.count("TL101")) == (1, 1)
    assert err == "Found 1 finding in 1 file (2 hidden by baseline).\n"


def test_baseline_works_from_another_folder(project, run_cli):
    (project / "sub").mkdir()
    code, out, _ = run_cli("--baseline", "../baseline.json", "../train.py", cwd=project / "sub")
    assert (code, out) == (0, "")


def test_bad_baseline_file_exit_2(project, run_cli):
    write(project / "bad.json", "{not json")
    code, out, err = run_cli("--baseline", "bad.json", ".", cwd=project)
    assert (code, out) == (2, "")
    assert "baseline bad.json is not valid JSON" in err
    code, _, err = run_cli("--baseline", "missing.json", ".", cwd=project)
    assert code == 2 and "cannot read baseline missing.json" in err


def test_fingerprint_uses_statement_when_set():
    a = Finding("TL101", "n", "error", "m", "a.py", 3, 1, 3, 2, statement="x = f(\n  y)")
    b = Finding("TL101", "n", "error", "m", "a.py", 30, 1, 30, 2, statement="x = f( y)")
    assert fingerprints([a], {}) == fingerprints([b], {})
    c = Finding("TL101", "n", "error", "m", "b.py", 3, 1, 3, 2, statement="x = f( y)")
    assert fingerprints([a], {}) != fingerprints([c], {})
