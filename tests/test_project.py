"""Whole projects: local imports are followed; each finding is reported once, where its statement is.

Every fixture project under tests/projects/ is linted three ways (its train.py alone, the whole
folder, and train.py plus the folder) through the API, and through the CLI, with the same result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tllint.discovery import discover
from tllint.linter import new_project
from tllint.runner import lint_paths
from tllint.settings import Settings

pytest_plugins = ("cli_fixtures",)  # fixtures: run_cli

TESTS = Path(__file__).resolve().parent
PROJECTS = TESTS / "projects"
CODES = ("TL101", "TL102", "TL201", "TL202", "TL302")

# project -> (script to lint alone, [(file, code, line)] expected with either way of linting)
CASES = {
    # Preprocessing lives in the data module: nothing to say in train.py or model.py.
    "scaled_in_data": ("train.py", []),
    # Nobody scales: TL101 once, at the backbone call in model.py.
    "no_preprocessing": ("train.py", [("model.py", "TL101", 10)]),
    # Model built and compiled in model.py, unfrozen in train.py without a recompile.
    "unfreeze_in_train": ("train.py", [("train.py", "TL202", 10)]),
    # A package with relative imports (`from . import model as models`, `from .data import load`).
    "relative_package": ("trainer/train.py", [("trainer/model.py", "TL101", 9)]),
    # A src/ layout: `import flowers.preprocessing as pp` scales; the unfreeze is in train.py.
    "src_layout": ("train.py", [("train.py", "TL202", 8)]),
    # Integer labels from data.py's loader, categorical_crossentropy in train.py's compile.
    "labels_from_data": ("train.py", [("train.py", "TL302", 11)]),
    # run.py has no Keras word: it is analysed because the modules it imports have them; the
    # trainer subclasses a model factory of another module, whose `import src.model` resolves
    # from the folder of the script Python runs.
    "entry_without_keras_words": ("run.py", [("src/model.py", "TL201", 32)]),
    # A model zoo picked by name from a YAML config (`importlib.import_module("zoo." + name)`,
    # `getattr(module, cls)()`) and trained in a custom loop on TFRecords scaled to [0, 1]: each
    # pretrained candidate is judged at its own backbone call (MobileNetV2 wants [-1, 1], ResNet50
    # caffe input; the ResNet50 built with weights=None is not), and only the candidate that never
    # freezes its backbone gets TL201.
    "model_zoo_by_name": ("train.py", [("zoo/mobile.py", "TL201", 12), ("zoo/mobile.py", "TL102", 17),
                                       ("zoo/resnets.py", "TL102", 12)]),
    # An import cycle (helpers <-> layers) and a module that does not parse: no finding from them.
    "cycle_and_broken": ("train.py", []),
}


def settings() -> Settings:
    return Settings(select=CODES)


def run_api(*args: str, cwd: Path) -> list[tuple[str, str, int]]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        found = discover(list(args), settings(), cwd)
        result = lint_paths(found.targets, settings())
    finally:
        os.chdir(old)
    return [(f.path, f.code, f.line) for f in result.findings if f.code != "TL000"]


def expected(project: str) -> list[tuple[str, str, int]]:
    _, findings = CASES[project]
    return [(os.path.join(project, file), code, line) for file, code, line in findings]


@pytest.mark.parametrize("project", sorted(CASES))
def test_script_alone_and_folder_give_the_same_single_finding(project):
    script = os.path.join(project, CASES[project][0])
    assert run_api(script, cwd=PROJECTS) == expected(project)
    assert run_api(project, cwd=PROJECTS) == expected(project)
    assert run_api(script, project, cwd=PROJECTS) == expected(project)


@pytest.mark.parametrize("project", sorted(CASES))
def test_same_through_the_cli(project, run_cli):
    script = os.path.join(project, CASES[project][0])
    select = "--select=" + ",".join(CODES)
    for args in ([script], [project]):
        code, out, _ = run_cli(select, "--format=json", *args, cwd=PROJECTS)
        findings = [(f["path"], f["code"], f["line"]) for f in json.loads(out) if f["code"] != "TL000"]
        assert findings == expected(project), args


def test_cli_subprocess_reports_module_path_when_linting_the_script():
    proc = subprocess.run(
        [sys.executable, "-m", "tllint", "--select=TL101", "no_preprocessing/train.py"],
        cwd=PROJECTS, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("no_preprocessing/model.py:10:9: TL101 ")  # then the title
    proc = subprocess.run(
        [sys.executable, "-m", "tllint", "--select=TL101", "--format=json", "no_preprocessing/train.py"],
        cwd=PROJECTS, capture_output=True, text=True, timeout=120,
    )
    [finding] = json.loads(proc.stdout)
    assert finding["message"].startswith("raw pixels (0..255) from `image_dataset_from_directory` (line 8 in data.py)")


def test_module_alone_is_judged_through_the_script_that_imports_it(run_cli):
    # model.py sees no data, but train.py (not linted) imports it and feeds it data.py's scaled
    # datasets: the entry point decides, whether it is linted too or not.
    assert run_api("scaled_in_data/model.py", cwd=PROJECTS) == []
    assert run_api("scaled_in_data/model.py", "scaled_in_data/train.py", cwd=PROJECTS) == []
    assert run_api("scaled_in_data/train.py", "scaled_in_data/model.py", cwd=PROJECTS) == []
    assert run_api("no_preprocessing/model.py", cwd=PROJECTS) == [("no_preprocessing/model.py", "TL101", 10)]


def test_module_without_an_importer_gets_a_warning_that_says_the_data_are_not_in_sight(tmp_path):
    # The same model.py with no script importing it: compiled, no data in sight.
    shutil.copytree(PROJECTS / "scaled_in_data", tmp_path / "p")
    (tmp_path / "p" / "train.py").unlink()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        [finding] = lint_paths(discover(["p/model.py"], settings(), tmp_path).targets, settings()).findings
    finally:
        os.chdir(old)
    assert (finding.code, finding.line, finding.severity) == ("TL101", 10, "warning")
    assert "the data it is fed are not in sight" in finding.message


def entry_point_run(*args: str, cwd: Path = PROJECTS, **options):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        found = discover(list(args), settings(), cwd)
        return lint_paths(found.targets, settings(), **options).findings
    finally:
        os.chdir(old)


@pytest.mark.parametrize("jobs", [None, 2])
def test_one_file_of_a_project_is_judged_through_its_entry_point(jobs):
    # pre-commit names only the changed file: nets/backbones.py defines the model and nothing else;
    # train.py (not linted) imports it and pipeline.py and trains on raw pixels.
    from tllint.parallel import Options

    options = {} if jobs is None else {"options": Options(jobs=jobs, cache=False)}
    [finding] = entry_point_run("entry_point_context/nets/backbones.py", **options)
    assert (finding.path, finding.code, finding.line, finding.severity) == (
        "entry_point_context/nets/backbones.py", "TL101", 9, "error")
    assert "(line 8 in pipeline.py)" in finding.message
    # The entry point's findings elsewhere are not this run's: pipeline.py alone reports nothing.
    assert entry_point_run("entry_point_context/pipeline.py", **options) == []
    # A module that only builds a model, imported by nobody: nothing to judge.
    assert entry_point_run("entry_point_context/legacy/heads.py", **options) == []
    # A module that compiles with no data in sight and no importer: a warning.
    [finding] = entry_point_run("entry_point_context/legacy/old_model.py", **options)
    assert (finding.code, finding.line, finding.severity) == ("TL101", 9, "warning")


def test_the_entry_point_is_what_gives_the_finding(tmp_path):
    shutil.copytree(PROJECTS / "entry_point_context", tmp_path / "p")
    assert [(f.code, f.line) for f in entry_point_run("p/nets/backbones.py", cwd=tmp_path)] == [("TL101", 9)]
    (tmp_path / "p" / "train.py").unlink()
    assert entry_point_run("p/nets/backbones.py", cwd=tmp_path) == []


def test_editor_lint_of_one_module_uses_its_entry_point():
    from tllint.linter import lint_text

    path = PROJECTS / "entry_point_context" / "nets" / "backbones.py"
    found = lint_text(path.read_text(), str(path), settings(), project=new_project(settings()))
    assert [(f.code, f.line, f.severity) for f in found] == [("TL101", 9, "error")]
    # Without a project (files alone), the module says nothing: it shows no data and no compile.
    assert lint_text(path.read_text(), str(path), settings()) == []


def test_the_finding_really_comes_from_the_imported_module(tmp_path):
    # Without its data module's scaling the same src-layout project gets TL101 at model.py.
    project = tmp_path / "p"
    shutil.copytree(PROJECTS / "src_layout", project)
    train = project / "train.py"
    train.write_text(train.read_text().replace(".map(pp.scale)", ""))
    assert run_api("p/train.py", cwd=tmp_path)[0][:2] == ("p/src/flowers/model.py", "TL101")


def test_cross_file_findings_honour_noqa_and_per_file_ignores_of_their_own_file(tmp_path, run_cli):
    project = tmp_path / "p"
    shutil.copytree(PROJECTS / "no_preprocessing", project)
    model = project / "model.py"
    lines = model.read_text().splitlines()
    lines[9] += "  # noqa: TL101"
    model.write_text("\n".join(lines) + "\n")
    assert run_api("p/train.py", cwd=tmp_path) == []
    # The directive is used (by train.py's analysis): no TL001 for it when the folder is linted.
    code, out, _ = run_cli("--select=TL101,TL001", "p", cwd=tmp_path)
    assert (code, out) == (0, "")
    # A `# noqa` on train.py's line 10 does not cover model.py's line 10.
    model.write_text("\n".join(lines[:9] + [lines[9].split("  # noqa")[0]] + lines[10:]) + "\n")
    (project / "train.py").write_text((project / "train.py").read_text() + "\n" * 4 + "x = 1  # noqa\n")
    assert [f[:2] for f in run_api("p/train.py", cwd=tmp_path)] == [("p/model.py", "TL101")]
    (tmp_path / "pyproject.toml").write_text('[tool.tllint]\nper-file-ignores = { "p/model.py" = ["TL101"] }\n')
    code, out, _ = run_cli("--select=TL101", "p/train.py", cwd=tmp_path)
    assert (code, out) == (0, "")


def test_show_source_prints_the_imported_file_line(run_cli):
    code, out, _ = run_cli("--select=TL101", "--show-source", "no_preprocessing/train.py", cwd=PROJECTS)
    assert code == 1
    assert "10 |     x = base(inputs, training=False)" in out


def test_unknown_modules_give_nothing(tmp_path):
    (tmp_path / "train.py").write_text(
        "import tensorflow as tf\nfrom missing_module import make\nfrom broken import build\n"
        "model = build()\nmodel.fit(make(), epochs=1)\n"
    )
    (tmp_path / "broken.py").write_text("def build(:\n")
    assert run_api("train.py", cwd=tmp_path) == []


def test_modules_are_parsed_once_per_run(monkeypatch):
    import libcst

    parsed = []
    real = libcst.parse_module

    def counting(source, *args, **kwargs):
        parsed.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting)
    project = new_project(settings())
    monkeypatch.chdir(PROJECTS)
    found = discover(["no_preprocessing", "scaled_in_data"], settings(), PROJECTS)
    lint_paths(found.targets, settings(), project=project)
    # Six files, each linted; data.py and model.py are imported too (model.py imports data.py,
    # train.py both): every file is still parsed once.
    texts = [t.path.read_text() for t in found.targets]
    assert project.parse_count == 6
    # (The fixers parse their rewritten text to check it; that is not a file being parsed.)
    assert sum(1 for source in parsed if source in texts) == 6


def test_project_root_is_found_from_markers(tmp_path):
    from tllint.project import Project

    (tmp_path / "repo" / "scripts").mkdir(parents=True)
    (tmp_path / "repo" / "setup.py").write_text("")
    (tmp_path / "loose").mkdir()
    project = Project()
    assert project.root_of(tmp_path / "repo" / "scripts" / "train.py") == tmp_path / "repo"
    assert Project(tmp_path).root_of(tmp_path / "loose" / "x.py") == tmp_path


def test_without_markers_the_linted_folder_is_the_root(tmp_path, monkeypatch):
    # tmp_path has no pyproject.toml/setup.py/.git above it (pytest's temporary folders).
    if any((p / m).exists() for p in tmp_path.parents for m in ("pyproject.toml", "setup.py", "setup.cfg", ".git")):
        pytest.skip("a project marker above the temporary folder")
    shutil.copytree(PROJECTS / "no_preprocessing", tmp_path / "proj")
    (tmp_path / "proj" / "pyproject.toml").unlink()
    (tmp_path / "proj" / "scripts").mkdir()
    train = (tmp_path / "proj" / "train.py").read_text()
    (tmp_path / "proj" / "train.py").unlink()
    (tmp_path / "proj" / "scripts" / "train.py").write_text(train)
    # scripts/train.py imports `data` and `model`, which live in the linted folder proj/.
    assert run_api("proj", cwd=tmp_path) == [("proj/model.py", "TL101", 10)]
    monkeypatch.chdir(tmp_path)
    [finding] = lint_paths(discover(["proj"], settings(), tmp_path).targets, settings()).findings
    assert "(line 8 in data.py)" in finding.message  # train.py's data, not model.py's own view


def _make_project(folder: Path, files: int) -> None:
    """`files` modules: data and model modules, and scripts that import them (a real layout)."""
    (folder / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
    groups = files // 3
    for i in range(groups):
        (folder / f"data{i}.py").write_text(
            (PROJECTS / "no_preprocessing" / "data.py").read_text() + "\n" * 3
            + "def augment(ds):\n    return ds.map(lambda x, y: (tf.image.random_flip_left_right(x), y))\n" * 1
        )
        (folder / f"model{i}.py").write_text((PROJECTS / "scaled_in_data" / "model.py").read_text().replace("from data", f"from data{i}"))
        (folder / f"train{i}.py").write_text(
            f"from data{i} import make_datasets, augment\nfrom data{(i + 1) % groups} import IMG_SIZE\n"
            f"from model{i} import build\n\ntrain_ds, val_ds = make_datasets('flowers')\n"
            "model = build(5)\nmodel.fit(augment(train_ds), validation_data=val_ds, epochs=5)\n"
        )


def test_a_30_file_project_costs_about_its_files_linted_separately(tmp_path, monkeypatch):
    _make_project(tmp_path, 30)
    monkeypatch.chdir(tmp_path)
    found = discover(["."], settings(), tmp_path)
    assert len(found.targets) == 30

    start = time.perf_counter()
    for target in found.targets:  # each file on its own, no cross-file context
        lint_paths([target], settings(), project=False)
    alone = time.perf_counter() - start

    start = time.perf_counter()
    result = lint_paths(found.targets, settings())
    together = time.perf_counter() - start
    assert len([f for f in result.findings if f.code == "TL101"]) == 10
    assert together < 3 * alone + 0.5, (together, alone)


def test_package_reexport_and_namespace_package():
    # pkg/__init__.py re-exports `build` from .model; utils/ has no __init__.py.
    assert run_api("namespace_and_reexport/train.py", cwd=PROJECTS) == []
    raw = [("namespace_and_reexport/pkg/model.py", "TL101", 6)]
    assert run_api("namespace_and_reexport/train_raw.py", cwd=PROJECTS) == raw
    assert run_api("namespace_and_reexport", cwd=PROJECTS) == raw


def test_lines_of_the_linted_file_are_named_in_a_finding_shown_in_another_file():
    old = Path.cwd()
    os.chdir(PROJECTS)
    try:
        found = discover(["namespace_and_reexport/train_raw.py"], settings(), PROJECTS)
        [finding] = lint_paths(found.targets, settings()).findings
    finally:
        os.chdir(old)
    assert "from `image_dataset_from_directory` (line 5 in train_raw.py)" in finding.message


def test_notebook_importing_a_module_linted_in_the_same_run(tmp_path, run_cli):
    shutil.copytree(PROJECTS / "no_preprocessing", tmp_path / "p")
    (tmp_path / "p" / "train.py").unlink()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Try the model"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "%matplotlib inline\nimport tensorflow as tf\nfrom model import build"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "ds = tf.keras.utils.image_dataset_from_directory('d', image_size=(224, 224))\nmodel = build(3)\nmodel.fit(ds)"},
    ]
    (tmp_path / "p" / "try.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    for args in (["p/try.ipynb"], ["p"]):
        code, out, _ = run_cli("--select=TL101", "--format=json", *args, cwd=tmp_path)
        [finding] = json.loads(out)
        assert (finding["path"], finding["line"], finding.get("cell")) == ("p/model.py", 10, None)
        # The notebook's data, not model.py's own "no training data in sight" view.
        assert "(cell 3, line 1 in try.ipynb)" in finding["message"], args


def test_the_warning_keeps_its_severity_in_every_output_format(run_cli):
    # TL101 is an error by default; resting on data not in sight, this finding is a warning.
    module = "entry_point_context/legacy/old_model.py"
    code, out, _ = run_cli("--select=TL101", "--format=json", module, cwd=PROJECTS)
    assert [f["severity"] for f in json.loads(out)] == ["warning"]
    code, out, _ = run_cli("--select=TL101", "--format=sarif", module, cwd=PROJECTS)
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["level"] == "warning"
    code, out, _ = run_cli("--select=TL101", "--format=github", module, cwd=PROJECTS)
    assert out.startswith("::warning ")


def test_language_server_diagnostic_of_the_warning_is_a_warning():
    pytest.importorskip("lsprotocol")
    from lsprotocol import types

    from tllint.lsp import lint_document

    path = PROJECTS / "entry_point_context" / "legacy" / "old_model.py"
    diagnostics = lint_document(path.as_uri(), path.read_text())
    assert [(d.code, d.severity) for d in diagnostics if d.code == "TL101"] == [("TL101", types.DiagnosticSeverity.Warning)]


def test_precommit_style_cli_run_on_one_module_twice_with_the_cache(run_cli):
    # `tllint --force-exclude FILE` as the hook runs it; the second run reads the cache.
    for _ in range(2):
        code, out, _ = run_cli("--force-exclude", "--select=TL101", "--format=json", "entry_point_context/nets/backbones.py", cwd=PROJECTS)
        assert code == 1
        assert [(f["path"], f["line"], f["severity"]) for f in json.loads(out)] == [
            ("entry_point_context/nets/backbones.py", 9, "error")]
