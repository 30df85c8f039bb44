"""Autofix: exact before/after pairs, the guarantees over every rule fixture, the CLI options."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from cli_support import REAL_SCRIPT, run_subprocess, write
from fix_support import fix, fix_fixture_pairs, lint
from fixture_support import fixture_files
from tllint.cli import main
from tllint.finding import Edit
from tllint.fixes import fixable_codes
from tllint.fixes._edits import apply_edits, edits_between
from tllint.notebook_cells import blank_ipython

PAIRS = fix_fixture_pairs()
FIXABLE = fixable_codes()
RULE_FIXTURES = [p for p in fixture_files() if p.parent.name in FIXABLE]


# ---------------------------------------------------------------------- before/after pairs
@pytest.mark.parametrize("before,after", PAIRS, ids=lambda p: f"{p.parent.name}/{p.name}" if isinstance(p, Path) else "")
def test_fix_pair(before: Path, after: Path):
    code = before.parent.name
    text = before.read_text()
    assert after.exists(), f"missing {after.name}"
    findings = lint(text, str(before))
    assert any(f.code == code and f.fix is not None for f in findings), f"no fixable {code} in {before.name}"
    result = fix(text, str(before))
    assert result.fixed == after.read_text()
    assert code in {f.code for f in result.applied}
    assert not [f for f in result.remaining if f.code == code]
    assert not fix(result.fixed, str(after)).changed


def test_every_fixer_has_pairs_and_a_fix_section():
    have = {before.parent.name for before, _ in PAIRS}
    assert FIXABLE <= have, f"fixers without fixture pairs: {sorted(FIXABLE - have)}"
    rules = Path(__file__).resolve().parents[1] / "rules"
    for code in sorted(FIXABLE):
        page = rules / f"{code}.md"
        if not page.exists():
            continue  # the rule's author writes the page
        text = page.read_text()
        assert "## Fix" in text, f"{code}.md has no Fix section"
        section = text.split("## Fix", 1)[1].split("\n## ", 1)[0].lower()
        assert "unsafe" in section or "safe" in section, f"{code}.md Fix section names no safety class"


# ---------------------------------------------------------------------- guarantees on every rule fixture
@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_guarantees_on_rule_fixture(path: Path):
    text = path.read_text()
    before = lint(text, str(path))
    result = fix(text, str(path))
    # The fixed file parses the way tllint reads it (a Colab export's `!pip` lines blanked).
    cst.parse_module(blank_ipython(result.fixed))
    after = result.remaining
    assert not [f for f in after if f.code in ("TL000", "TL999")]
    count_before = Counter(f.code for f in before)
    count_after = Counter(f.code for f in after)
    new = {c: n for c, n in count_after.items() if n > count_before[c]}
    assert not new, f"new findings after the fix: {new}"
    for code in {f.code for f in result.applied} & set(count_before):
        # (a code absent at the start was uncovered by an earlier fix, then fixed in turn)
        assert count_after[code] <= count_before[code] - 1, f"{code} not fixed"
    assert not fix(result.fixed, str(path)).changed, "a second fix changes the file again"


def test_rule_fixtures_mostly_fixable():
    """Most firing fixtures of rules with a fixer get their finding fixed (guards against fixers
    silently giving up)."""
    firing = fixed = 0
    for path in RULE_FIXTURES:
        text = path.read_text()
        code = path.parent.name
        if not any(f.code == code for f in lint(text, str(path))):
            continue
        firing += 1
        if not [f for f in fix(text, str(path)).remaining if f.code == code]:
            fixed += 1
    assert firing and fixed / firing >= 0.7, f"{fixed} of {firing} firing fixtures fixed"


# ---------------------------------------------------------------------- edits
def test_edits_round_trip():
    old = "a = 1\nb = 2\nc = 3"
    new = "a = 1\nx = 0\nb = 2\nc = 4"
    edits = edits_between(old, new)
    assert apply_edits(old, edits) == new
    assert edits[0] == Edit(2, 1, 2, 1, "x = 0\n")
    assert edits[1] == Edit(3, 1, 3, 6, "c = 4")


def test_json_carries_the_fix(tmp_path, capsys):
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    assert main([str(script), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    tl202 = next(f for f in data if f["code"] == "TL202")
    assert tl202["fix"]["applicability"] == "unsafe"
    assert tl202["fix"]["edits"][0]["line"] == 14
    assert "compile" in tl202["fix"]["edits"][0]["text"]
    tl101 = next(f for f in data if f["code"] == "TL101")
    assert "resnet50.preprocess_input" in tl101["fix"]["edits"][0]["text"]


def test_language_server_code_action():
    pytest.importorskip("pygls")
    from tllint.lsp import lint_document, quick_fixes

    diagnostics = lint_document("file:///tmp/train.py", REAL_SCRIPT)
    actions = quick_fixes("file:///tmp/train.py", REAL_SCRIPT, diagnostics)
    titles = [a.title for a in actions]
    assert any(t.startswith("TL202: Recompile") for t in titles)
    action = next(a for a in actions if a.title.startswith("TL202"))
    (edit,) = action.edit.changes["file:///tmp/train.py"]
    assert edit.range.start.line == 13 and edit.range.start.character == 0
    assert edit.new_text.startswith("model.compile(")


# ---------------------------------------------------------------------- CLI
def test_cli_fix_writes_and_reports(tmp_path, capsys):
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    assert main([str(script), "--fix", "--unsafe-fixes"]) == 0
    captured = capsys.readouterr()
    assert "Fixed 3 findings, 0 remaining." in captured.err
    text = script.read_text()
    assert "base(tf.keras.applications.resnet50.preprocess_input(inputs), training=False)" in text
    assert "model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-5)" in text
    assert main([str(script), "--fix", "--unsafe-fixes"]) == 0
    assert script.read_text() == text


def test_cli_unsafe_fixes_needed(tmp_path, capsys):
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    assert main([str(script), "--fix"]) == 1
    err = capsys.readouterr().err
    assert "Fixed 0 findings, 2 remaining (2 fixable with --unsafe-fixes)." in err
    assert script.read_text() == REAL_SCRIPT


def test_cli_safe_fix_applies_without_unsafe(tmp_path, capsys):
    pair = Path(__file__).parent / "fix_fixtures" / "TL302" / "int_labels_categorical_loss"
    script = write(tmp_path / "train.py", pair.with_suffix(".py").read_text())
    code = main([str(script), "--fix"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Fixed 1 finding, 0 remaining." in err
    assert script.read_text() == pair.with_name(pair.name + ".fixed.py").read_text()


def test_cli_diff_writes_nothing(tmp_path, capsys):
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    before = script.read_bytes()
    assert main([str(script), "--diff", "--unsafe-fixes"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"--- a/{script}\n+++ b/{script}\n@@")
    assert "+model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-5)" in captured.out
    assert "Would fix 3 findings." in captured.err
    assert script.read_bytes() == before
    # without --unsafe-fixes there is nothing to change here: exit 0, and the hint
    assert main([str(script), "--diff"]) == 0
    assert "Would fix 0 findings (2 more fixable with --unsafe-fixes)." in capsys.readouterr().err


def test_cli_exit_code_with_remaining(tmp_path, capsys):
    # A GAN-style finding has no fix: it remains, exit 1.
    gan = (Path(__file__).parent / "fixtures" / "TL202" / "fire_gan_idiom_keras3.py")
    if not gan.exists():
        pytest.skip("fixture moved")
    script = write(tmp_path / "gan.py", gan.read_text())
    assert main([str(script), "--fix", "--unsafe-fixes", "--select", "TL202"]) == 1
    assert "1 remaining" in capsys.readouterr().err


def test_atomic_write_keeps_permissions(tmp_path, monkeypatch, capsys):
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    os.chmod(script, 0o640)
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    assert main([str(script), "--fix", "--unsafe-fixes"]) == 0
    calls = [c for c in calls if c[1] == script]  # (the cache writes its own files the same way)
    assert len(calls) == 1 and calls[0][0].parent == script.parent
    assert (os.stat(script).st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_file_changed_on_disk_is_not_overwritten(tmp_path, monkeypatch, capsys):
    import tllint.fixes.cli as fixcli

    script = write(tmp_path / "train.py", REAL_SCRIPT)
    edited = REAL_SCRIPT + "# edited meanwhile\n"
    real = fixcli.fix_text

    def meddling(*args, **kwargs):
        result = real(*args, **kwargs)
        script.write_text(edited)
        return result

    monkeypatch.setattr(fixcli, "fix_text", meddling)
    main([str(script), "--fix", "--unsafe-fixes"])
    err = capsys.readouterr().err
    assert "changed on disk" in err
    assert script.read_text() == edited


def test_stdin_fix_prints_the_fixed_text(tmp_path):
    proc = run_subprocess(["-", "--fix", "--unsafe-fixes", "--stdin-filename", "train.py"], cwd=tmp_path,
                          stdin=REAL_SCRIPT.encode())
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "resnet50.preprocess_input(inputs)" in out
    assert "Fixed 3 findings, 0 remaining." in proc.stderr.decode()


def test_encoding_bom_and_crlf_kept(tmp_path, capsys):
    script = tmp_path / "train.py"
    script.write_bytes(b"\xef\xbb\xbf" + REAL_SCRIPT.replace("\n", "\r\n").encode())
    assert main([str(script), "--fix", "--unsafe-fixes"]) == 0
    data = script.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\nmodel.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-5)" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_fine_tune_learning_rate_setting(tmp_path, capsys):
    write(tmp_path / "pyproject.toml", "[tool.tllint]\nfine-tune-learning-rate = 2e-5\n")
    script = write(tmp_path / "train.py", REAL_SCRIPT)
    monkey_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["train.py", "--fix", "--unsafe-fixes"]) == 0
    finally:
        os.chdir(monkey_cwd)
    assert "Adam(learning_rate=2e-5)" in script.read_text()


# ---------------------------------------------------------------------- notebooks
def _notebook(cells: list[str]) -> str:
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Transfer learning"]}]
        + [
            {"cell_type": "code", "execution_count": i + 1, "metadata": {},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"output {i}\n"]}],
             "source": cell.splitlines(keepends=True)}
            for i, cell in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_notebook_fixed_cell_by_cell(tmp_path, capsys):
    lines = REAL_SCRIPT.rstrip("\n").split("\n")
    cells = ["%matplotlib inline\n" + "\n".join(lines[:10]), "\n".join(lines[10:12]), "\n".join(lines[12:])]
    path = write(tmp_path / "train.ipynb", _notebook(cells))
    assert main([str(path), "--fix", "--unsafe-fixes"]) == 0, capsys.readouterr().err
    nb = json.loads(path.read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources[0] == "# Transfer learning"
    assert sources[1].startswith("%matplotlib inline\n")
    assert "base(tf.keras.applications.resnet50.preprocess_input(inputs), training=False)" in sources[1]
    assert "model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-5)" in sources[3]
    assert [c.get("outputs") for c in nb["cells"][1:]] == [
        [{"name": "stdout", "output_type": "stream", "text": [f"output {i}\n"]}] for i in range(3)
    ]
    assert path.read_text().startswith('{\n "cells": [')
    assert main([str(path), "--fix", "--unsafe-fixes"]) == 0


def test_notebook_diff(tmp_path, capsys):
    lines = REAL_SCRIPT.rstrip("\n").split("\n")
    path = write(tmp_path / "train.ipynb", _notebook(["\n".join(lines[:12]), "\n".join(lines[12:])]))
    before = path.read_bytes()
    assert main([str(path), "--diff", "--unsafe-fixes"]) == 1
    out = capsys.readouterr().out
    assert f"--- a/{path}:cell 3" in out
    assert path.read_bytes() == before


def test_notebook_json_fix_is_relative_to_the_cell(tmp_path, capsys):
    lines = REAL_SCRIPT.rstrip("\n").split("\n")
    path = write(tmp_path / "train.ipynb", _notebook(["\n".join(lines[:3]), "\n".join(lines[3:])]))
    assert main([str(path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    tl202 = next(f for f in data if f["code"] == "TL202")
    assert tl202["cell"] == 3 and tl202["line"] == 10
    (edit,) = tl202["fix"]["edits"]
    assert (edit["line"], edit["column"], edit["end_line"], edit["end_column"]) == (11, 1, 11, 1)
    assert edit["text"].startswith("model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-5)")


def test_fix_follows_local_imports(tmp_path, capsys):
    from cli_support import IMPORTING_SCRIPT, LOCAL_DATA

    write(tmp_path / "data.py", LOCAL_DATA)
    script = write(tmp_path / "train.py", IMPORTING_SCRIPT)
    main([str(tmp_path), "--fix", "--unsafe-fixes"])
    text = script.read_text()
    assert "base(tf.keras.applications.resnet50.preprocess_input(inputs), training=False)" in text
    assert (tmp_path / "data.py").read_text() == LOCAL_DATA


def test_batchnorm_loop_does_not_clobber_a_variable():
    text = (Path(__file__).parent / "fix_fixtures" / "TL205" / "unfreeze_then_recompile.py").read_text()
    text = text.replace("x = layers.GlobalAveragePooling2D()(base(x))", "layer = layers.GlobalAveragePooling2D()\nx = layer(base(x))")
    fixed = fix(text).fixed
    assert "for bn_layer in base.layers:\n    if isinstance(bn_layer, layers.BatchNormalization):\n        bn_layer.trainable = False\n" in fixed


@pytest.mark.parametrize("code", sorted(FIXABLE))
def test_rule_page_example_gets_fixed(code):
    """The Example of each rule page with a fixer is fixed by `--fix --unsafe-fixes`."""
    from test_rule_pages import code_blocks, target_of
    from tllint.fixes.apply import fix_text
    from tllint.rules import registry
    from tllint.linter import Linter
    from tllint.settings import Settings

    page = Path(__file__).resolve().parents[1] / "rules" / f"{code}.md"
    if not page.exists():
        pytest.skip("no page yet")
    text = page.read_text()
    linter = Linter(Settings(target_keras=target_of(text)), enabled=set(registry()))
    for example in code_blocks(text, "Example"):
        result = fix_text(example, lambda t: linter.lint_text(t, "example.py"), unsafe=True)
        assert result.changed
        assert not [f for f in result.remaining if f.code == code]
