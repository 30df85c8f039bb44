"""The real-world corpus manifest stays well formed, and its scoring rule does what it says."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tllint.rules import registry

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("realworld", ROOT / "bench" / "realworld.py")
realworld = importlib.util.module_from_spec(SPEC)
sys.modules["realworld"] = realworld  # dataclasses look their module up there
SPEC.loader.exec_module(realworld)
MANIFEST = realworld.load_manifest()
CATALOG = ROOT.parent / "shared" / "rule-catalog.md"


def test_manifest_is_well_formed():
    assert realworld.problems(MANIFEST) == []


def test_corpus_size_and_spread():
    files = MANIFEST["files"]
    repos = {entry["repo"] for entry in files}
    assert len(files) >= 150
    assert len(repos) >= 70
    assert {entry["split"] for entry in files} == {"dev", "test"}
    assert any(entry["path"].endswith(".ipynb") for entry in files)


def test_split_follows_the_repository_hash():
    by_repo: dict[str, set[str]] = {}
    for entry in MANIFEST["files"]:
        by_repo.setdefault(entry["repo"], set()).add(entry["split"])
    assert all(splits == {realworld.split_of(repo)} for repo, splits in by_repo.items())
    test_share = sum(realworld.split_of(r) == "test" for r in by_repo) / len(by_repo)
    assert 0.2 < test_share < 0.45


def test_every_implemented_rule_is_a_catalog_code():
    implemented = {code for code in registry() if code not in realworld.TOOL_CODES}
    assert implemented <= realworld.CATALOG_CODES


@pytest.mark.skipif(not CATALOG.is_file(), reason="../shared/rule-catalog.md is not beside this checkout")
def test_catalog_codes_match_the_shared_catalog():
    codes = set(re.findall(r"^\| (TL[1-4]\d\d) \|", CATALOG.read_text(encoding="utf-8"), flags=re.M))
    assert codes == realworld.CATALOG_CODES


def test_revisions_are_logged_with_reasons():
    ids = {realworld.file_id(entry) for entry in MANIFEST["files"]}
    for revision in MANIFEST.get("revisions", []):
        assert revision["file"] in ids
        assert revision["reason"].strip() and revision["change"].strip()


def test_second_readings_cover_one_file_in_ten():
    second = [entry for entry in MANIFEST["files"] if "second_reading" in entry]
    assert len(second) * 10 >= len(MANIFEST["files"])


@pytest.mark.parametrize("label, problem", [
    ({"code": "TL101", "line": 3, "why": "x"}, None),
    ({"code": "NEW: preprocess-result-discarded", "line": 3, "why": "x"}, None),
    ({"code": "TL999", "line": 3, "why": "x"}, "unknown code"),
    ({"code": "NEW: Spaces Here", "line": 3, "why": "x"}, "unknown code"),
    ({"code": "TL201", "line": 0, "why": "x"}, "no valid line"),
    ({"code": "TL201", "line": 4, "why": " "}, "no reason"),
    ({"code": "TL201", "line": 4, "cell": 2, "why": "x"}, "has a cell"),
])
def test_label_checks(label, problem):
    found = realworld._label_problems(label, "train.py")
    assert (found == []) if problem is None else any(problem in p for p in found)


def test_notebook_labels_need_a_cell():
    assert realworld._label_problems({"code": "TL101", "line": 3, "why": "x"}, "nb.ipynb")
    assert realworld._label_problems({"code": "TL101", "cell": 2, "line": 3, "why": "x"}, "nb.ipynb") == []


def _finding(code, line, cell=None, path=None):
    return realworld.Finding(code, line, cell, path=path)


def test_matching_uses_the_tolerance_and_the_chain():
    labels = [{"code": "TL101", "line": 40, "also": [{"line": 12}], "why": "x"},
              {"code": "TL201", "line": 80, "why": "x"},
              {"code": "TL204", "line": 90, "why": "x", "uncertain": "lr comes from config.py"},
              {"code": "NEW: no-validation", "line": 5, "why": "x"}]
    outcome = realworld.match_file(labels, [
        _finding("TL101", 13),      # on the chain's loader line, within 3 lines
        _finding("TL201", 84),      # 4 lines away: a false positive, and the label is missed
        _finding("TL204", 90),      # on an uncertain label: neither hit nor false positive
        _finding("TL000", 1),       # the tool's own finding
    ])
    assert [lab["code"] for lab in outcome.found] == ["TL101"]
    assert [lab["code"] for lab in outcome.missed] == ["TL201"]
    assert [(f.code, f.line) for f in outcome.false_positives] == [("TL201", 84)]
    assert [f.code for f in outcome.on_uncertain] == ["TL204"]
    assert [f.code for f in outcome.tool_errors] == ["TL000"]


def test_notebook_matching_needs_the_same_cell():
    labels = [{"code": "TL101", "cell": 4, "line": 2, "why": "x"}]
    assert realworld.match_file(labels, [_finding("TL101", 2, cell=5)]).missed
    assert realworld.match_file(labels, [_finding("TL101", 2, cell=4)]).found


def test_score_counts_precision_and_recall_per_code():
    manifest = {"files": [
        {"repo": "a/b", "path": "t.py", "split": "dev", "labels": [
            {"code": "TL101", "line": 10, "why": "x"}, {"code": "TL205", "line": 30, "why": "x"}]},
        {"repo": "c/d", "path": "u.py", "split": "test", "labels": []},
    ]}
    findings = {"a/b:t.py": [_finding("TL101", 11, path="t.py"), _finding("TL101", 11, path="t.py"),
                             _finding("TL302", 50, path="t.py")],
                "c/d:u.py": [_finding("TL201", 3, path="u.py")]}
    dev = realworld.score(manifest, findings, "dev")
    assert dev["per_code"]["TL101"]["found"] == 1 and dev["per_code"]["TL205"]["missed"] == 1
    assert dev["per_code"]["TL302"]["false_positives"] == 1
    assert dev["total"]["labels"] == 2 and dev["total"]["found"] == 1
    table = realworld.render(dev, details=True)
    assert "| TL101 | 1 | 1 | 0 | 0 | 1.00 | 1.00 |" in table
    assert "| all | 2 | 1 | 1 | 1 | 0.67 | 0.50 |" in table
    test = realworld.score(manifest, findings, "test")
    assert test["total"]["false_positives"] == 1 and test["total"]["labels"] == 0


def test_a_chain_may_cross_files_of_one_repository():
    manifest = {"files": [
        {"repo": "a/b", "path": "train.py", "split": "dev", "labels": [
            {"code": "TL201", "line": 45, "also": [{"path": "models.py", "line": 10}], "why": "x"}]},
        {"repo": "a/b", "path": "models.py", "split": "dev", "labels": []},
    ]}
    findings = {"a/b:models.py": [_finding("TL201", 11, path="models.py")]}
    result = realworld.score(manifest, findings, "dev")
    assert result["total"]["found"] == 1 and result["total"]["false_positives"] == 0
    moved = {"a/b:models.py": [_finding("TL201", 45, path="models.py")]}
    assert realworld.score(manifest, moved, "dev")["total"]["false_positives"] == 1


def test_agreement_pairs_labels_by_code_and_position():
    manifest = {"files": [{"repo": "a/b", "path": "t.py", "labels": [
        {"code": "TL101", "line": 10, "why": "x"}, {"code": "TL204", "line": 50, "why": "x"}],
        "second_reading": {"labels": [{"code": "TL101", "line": 12, "why": "y"},
                                      {"code": "NEW: no-validation", "line": 3, "why": "y"}]}}]}
    result = realworld.agreement(manifest)
    assert result["matched"] == 1 and result["agreement"] == pytest.approx(0.5)
    assert sorted(side for _, side, _ in result["disagreements"]) == ["first only", "second only"]


def _git(*args, cwd):
    import subprocess
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_rehydrate_from_mirrors_and_folders_and_reports_what_is_missing(tmp_path):
    import hashlib
    work = tmp_path / "work"
    work.mkdir()
    (work / "train.py").write_text("import keras\n")
    _git("init", "-q", cwd=work)
    _git("add", ".", cwd=work)
    _git("commit", "-q", "-m", "x", cwd=work)
    mirrors = tmp_path / "mirrors"
    _git("clone", "-q", "--bare", str(work), str(mirrors / "o+r" / "repo"), cwd=tmp_path)
    import subprocess
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout.strip()
    good = hashlib.sha256(b"import keras\n").hexdigest()
    manifest = {"files": [
        {"repo": "o/r", "commit": commit, "path": "train.py", "sha256": good},
        {"repo": "o/r", "commit": commit, "path": "gone.py", "sha256": good},
        {"repo": "x/y", "commit": commit, "path": "nb.ipynb", "sha256": good},
    ]}
    cache = tmp_path / "cache"
    missing = realworld.rehydrate(manifest, mirrors, None, False, cache)
    assert (cache / "o+r" / "train.py").read_text() == "import keras\n"
    assert [m.split(" ")[0] for m in missing] == ["o/r:gone.py", "x/y:nb.ipynb"]

    folder = tmp_path / "folder"
    (folder / "x" / "y").mkdir(parents=True)
    (folder / "x" / "y" / "nb.ipynb").write_text("changed\n")
    missing = realworld.rehydrate(manifest, mirrors, folder, False, cache)
    assert "x/y:nb.ipynb (sha256 differs" in " ".join(missing)
