"""Jobs, cache and the per-file time budget: same results as a plain single-process run.

No timing assertions here (bench/ measures speed); these tests check behaviour only.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tllint import parallel
from tllint.cache import Cache, Dependencies, default_cache_dir
from tllint.cli import main
from tllint.discovery import discover
from tllint.parallel import Options
from tllint.runner import lint_paths
from tllint.settings import Settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PROJECTS = TESTS / "projects"
FIXTURES = TESTS / "fixtures"

FREEZE_BUG = """\
import tensorflow as tf

base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainable = False
x = tf.keras.Input((224, 224, 3))
y = tf.keras.layers.Dense(5)(tf.keras.layers.GlobalAveragePooling2D()(base(x)))
model = tf.keras.Model(x, y)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(tf.data.Dataset.range(3))
"""


def _key(result):
    return (
        [f.to_json() for f in result.findings],
        result.files_checked,
        result.files,
        sorted(result.errors),
        sorted(result.unreadable),
        sorted(result.sources),
    )


def _lint(paths, options=None, cwd=None):
    settings = Settings()
    found = discover([str(p) for p in paths], settings, cwd=cwd)
    return lint_paths(found.targets, settings, options=options)


def _trees():
    # Every project (cross-file records), two rule fixture folders and the examples: small
    # enough to lint five times in a few seconds.
    trees = [p for p in sorted(PROJECTS.iterdir()) if p.is_dir()]
    trees += [FIXTURES / code for code in ("TL101", "TL202") if (FIXTURES / code).is_dir()]
    if (ROOT / "examples").is_dir():
        trees.append(ROOT / "examples")
    return trees


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TLLINT_CACHE_DIR", str(folder))
    return folder


def test_jobs_and_cache_give_the_single_process_result(cache_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    for tree in _trees():
        plain = _key(_lint([tree]))
        assert _key(_lint([tree], Options(jobs=2, cache=False))) == plain, tree
        assert _key(_lint([tree], Options(jobs=1, cache=True))) == plain, tree  # cold: writes
        assert _key(_lint([tree], Options(jobs=2, cache=True))) == plain, tree  # warm: reads
        assert _key(_lint([tree], Options(jobs=1, cache=True))) == plain, tree


def test_compared_trees_have_findings_so_the_comparison_means_something(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert all(_lint([tree]).findings for tree in _trees()[-3:])


def test_warm_run_reads_the_cache(tmp_path, cache_dir):
    (tmp_path / "train.py").write_text(FREEZE_BUG)
    (tmp_path / "other.py").write_text("import keras\nprint(keras.__version__)\n")
    first = _lint([tmp_path], Options(jobs=1))
    assert first.findings
    entries = list(cache_dir.rglob("*.json"))
    assert len(entries) == 2
    # A warm run must not analyse anything: make the analysis fail loudly if it is reached.
    import tllint.linter as runner_module

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(runner_module, "safe_analyze", lambda *a, **k: pytest.fail("analysed on a warm run"))
    try:
        second = _lint([tmp_path], Options(jobs=1))
    finally:
        monkeypatch.undo()
    assert _key(second) == _key(first)


def test_changed_file_or_dependency_or_settings_miss_the_cache(tmp_path, cache_dir):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "helpers.py").write_text("SIZE = 224\n")
    (tmp_path / "train.py").write_text("from helpers import SIZE\n" + FREEZE_BUG)
    settings = Settings()
    cache = Cache(cache_dir, settings, {"TL101"})
    data = (tmp_path / "train.py").read_bytes()
    key = cache.key(data, tmp_path / "train.py", "train.py")
    assert key == Cache(cache_dir, settings, {"TL101"}).key(data, tmp_path / "train.py", "train.py")
    # The file's bytes, its display name, the enabled codes and the settings are in the key.
    assert cache.key(data + b"\n", tmp_path / "train.py", "train.py") != key
    assert cache.key(data, tmp_path / "train.py", "x/train.py") != key
    assert Cache(cache_dir, settings, {"TL101", "TL202"}).key(data, tmp_path / "train.py", "train.py") != key
    assert Cache(cache_dir, Settings(target_keras="2"), {"TL101"}).key(data, tmp_path / "train.py", "train.py") != key
    # So are the local modules it imports: edit helpers.py, a fresh Dependencies sees it.
    (tmp_path / "helpers.py").write_text("SIZE = 299\n")
    assert Cache(cache_dir, settings, {"TL101"}).key(data, tmp_path / "train.py", "train.py") != key


def test_dependencies_follow_relative_and_transitive_imports(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\nfrom .c import thing\n")
    (pkg / "b.py").write_text("import pkg.d as d\n")
    (pkg / "c.py").write_text("thing = 1\n")
    (pkg / "d.py").write_text("x = 1\n")
    deps = Dependencies()
    before = deps.fingerprint(pkg / "a.py", (pkg / "a.py").read_bytes())
    (pkg / "d.py").write_text("x = 2\n")  # two hops away, through an absolute import
    assert Dependencies().fingerprint(pkg / "a.py", (pkg / "a.py").read_bytes()) != before
    (pkg / "e.py").write_text("")  # unrelated module: same key
    after = Dependencies().fingerprint(pkg / "a.py", (pkg / "a.py").read_bytes())
    (pkg / "e.py").write_text("y = 1\n")
    assert Dependencies().fingerprint(pkg / "a.py", (pkg / "a.py").read_bytes()) == after


def test_corrupt_and_foreign_cache_entries_are_ignored(tmp_path, cache_dir):
    (tmp_path / "train.py").write_text(FREEZE_BUG)
    first = _key(_lint([tmp_path], Options(jobs=1)))
    (entry,) = list(cache_dir.rglob("*.json"))
    for garbage in (b"", b"\x00\xff garbage", b"{}", b'{"format": 1, "key": "other", "value": {}}', b"[1, 2]",
                    json.dumps({"format": 1, "key": entry.parent.name + entry.stem, "value": {"checked": 1}}).encode()):
        entry.write_bytes(garbage)
        assert _key(_lint([tmp_path], Options(jobs=1))) == first
    # The entry was rewritten with a good value.
    assert json.loads(entry.read_text())["value"]["findings"]


def test_cache_writes_are_atomic_and_leave_no_temporary_files(tmp_path, cache_dir):
    for i in range(5):
        (tmp_path / f"t{i}.py").write_text(FREEZE_BUG + f"# {i}\n")
    _lint([tmp_path], Options(jobs=2))
    names = [p.name for p in cache_dir.rglob("*") if p.is_file()]
    assert len(names) == 5 and not [n for n in names if n.startswith(".tmp-")]


def test_unwritable_cache_dir_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("TLLINT_CACHE_DIR", str(blocker / "cache"))
    (tmp_path / "train.py").write_text(FREEZE_BUG)
    assert _lint([tmp_path / "train.py"], Options(jobs=1)).findings


def test_default_cache_dir_respects_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TLLINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "tllint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_dir() == Path.home() / ".cache" / "tllint"
    monkeypatch.setenv("TLLINT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


def test_cli_no_cache_writes_nothing_and_cache_writes(tmp_path, cache_dir, monkeypatch, capsys):
    (tmp_path / "train.py").write_text(FREEZE_BUG)
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "-j", "1", "train.py"]) == 1
    assert not cache_dir.exists()
    assert main(["-j", "2", "train.py"]) == 1
    assert list(cache_dir.rglob("*.json"))
    out = capsys.readouterr().out
    assert out.count("train.py:") >= 2


def test_cli_rejects_negative_jobs_and_timeout(capsys):
    assert main(["--jobs", "-1", "."]) == 2
    assert main(["--timeout-per-file", "-3", "."]) == 2


def test_slow_file_is_reported_as_tl999_with_the_reason(tmp_path, monkeypatch):
    """--timeout-per-file: the slow file is TL999, the others are still linted (in-process and jobs)."""
    import tllint.linter as runner_module

    real = runner_module.safe_analyze

    def slow(text, display, *args, **kwargs):
        if "SLOW" in text:
            time.sleep(30)
        return real(text, display, *args, **kwargs)

    monkeypatch.setattr(runner_module, "safe_analyze", slow)
    (tmp_path / "a_slow.py").write_text("import keras\nmodel.fit(x)  # SLOW\n")
    (tmp_path / "b_train.py").write_text(FREEZE_BUG)
    for jobs in (1, 2):
        start = time.monotonic()
        result = _lint([tmp_path], Options(jobs=jobs, cache=False, timeout=0.5))
        assert time.monotonic() - start < 20
        by_file = {}
        for f in result.findings:
            by_file.setdefault(os.path.basename(f.path), []).append(f)
        (slow_finding,) = by_file["a_slow.py"]
        assert slow_finding.code == "TL999"
        assert "took longer than 0.5 s" in slow_finding.message and "--timeout-per-file" in slow_finding.message
        assert by_file["b_train.py"] and all(f.code != "TL999" for f in by_file["b_train.py"])
        assert result.files_checked == 2


def test_a_worker_stuck_in_native_code_is_killed(tmp_path, monkeypatch):
    """A signal cannot stop native code: the parent kills the silent worker, reports TL999, goes on."""
    import tllint.linter as runner_module

    real = runner_module.safe_analyze

    def stuck(text, display, *args, **kwargs):
        if "STUCK" in text:
            import signal

            signal.signal(signal.SIGALRM, signal.SIG_IGN)  # as if inside the native parser
            time.sleep(60)
        return real(text, display, *args, **kwargs)

    monkeypatch.setattr(runner_module, "safe_analyze", stuck)
    (tmp_path / "a_stuck.py").write_text("import keras\nmodel.fit(x)  # STUCK\n")
    for i in range(3):
        (tmp_path / f"b{i}.py").write_text(FREEZE_BUG)
    start = time.monotonic()
    result = _lint([tmp_path], Options(jobs=2, cache=False, timeout=0.5))
    assert time.monotonic() - start < 30
    codes = {(os.path.basename(f.path), f.code) for f in result.findings}
    assert ("a_stuck.py", "TL999") in codes
    assert {name for name, code in codes if code != "TL999"} == {"b0.py", "b1.py", "b2.py"}


def test_a_crashing_worker_costs_only_its_file(tmp_path, monkeypatch):
    import tllint.linter as runner_module

    real = runner_module.safe_analyze

    def crash(text, display, *args, **kwargs):
        if "CRASH" in text:
            os._exit(-11 & 0xFF)
        return real(text, display, *args, **kwargs)

    monkeypatch.setattr(runner_module, "safe_analyze", crash)
    (tmp_path / "a_crash.py").write_text("import keras\nmodel.fit(x)  # CRASH\n")
    for i in range(3):
        (tmp_path / f"b{i}.py").write_text(FREEZE_BUG)
    result = _lint([tmp_path], Options(jobs=2, cache=False))
    by_file = {}
    for f in result.findings:
        by_file.setdefault(os.path.basename(f.path), []).append(f.code)
    assert by_file["a_crash.py"] == ["TL999"]
    assert all(by_file[f"b{i}.py"] and "TL999" not in by_file[f"b{i}.py"] for i in range(3))
    assert result.files_checked == 4


def test_cpu_count_is_positive():
    assert parallel.cpu_count() >= 1
