"""Hostile inputs: each one gives TL000 (or a warning for links), the other files are still
linted, the exit code is 1, and no traceback reaches the user.

Unreadable files: the tests run as root, so `chmod 000` does not stop reading. Permission errors
are simulated by patching `Path.read_bytes` for one file; a FIFO named x.py stands for a file
that cannot be read as text (opening it would block, so tllint must not open it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tllint.analysis import analyze_source
from tllint.cli import main

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

DEPTH = 5000


def nested_sources() -> dict[str, str]:
    head = "import keras\nmodel.fit(x)\n"
    return {
        "parens": head + "y = " + "(" * DEPTH + "1" + ")" * DEPTH + "\n",
        "lists": head + "y = " + "[" * DEPTH + "]" * DEPTH + "\n",
        "calls": head + "y = f" + "(g" * DEPTH + ")" * DEPTH + "\n",
        "subscripts": head + "y = a" + "[0]" * DEPTH + "\n",
        "attributes": head + "y = " + "a." * DEPTH + "b\n",
        "additions": head + "y = " + "1+" * DEPTH + "1\n",
        "lambdas": head + "y = " + "lambda: " * DEPTH + "1\n",
        "unary": head + "y = " + "-" * DEPTH + "1\n",
        "conditionals": head + "y = " + "1 if c else " * DEPTH + "1\n",
        "booleans": head + "y = " + "a and " * DEPTH + "1\n",
    }


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TLLINT_CACHE_DIR", str(tmp_path / ".cache-dir"))
    (tmp_path / "good.py").write_text(FREEZE_BUG)
    return tmp_path


def run_cli(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return code, captured.out, captured.err


def findings_by_file(out: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in out.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[3].strip():
            found.setdefault(parts[0], []).append(parts[3].split()[0])
    return found


def assert_good_file_still_linted(found):
    assert found.get("good.py") and all(code not in ("TL000", "TL999") for code in found["good.py"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hostile_files_in_one_tree(tree, capsys, jobs):
    (tree / "binary.py").write_bytes(b"\x7fELF\x00\x01\x02" + bytes(range(256)) * 40)
    (tree / "undecodable.py").write_bytes(b"import keras\nname = '\xff\xfe\xfa'\nmodel.fit(x)\n")
    (tree / "bad_cookie.py").write_bytes(b"# -*- coding: no-such-codec -*-\nimport keras\n")
    (tree / "empty.py").write_bytes(b"")
    (tree / "notebook.ipynb").write_text("this is { not JSON")
    (tree / "nested.py").write_text(nested_sources()["parens"])
    (tree / "chain.py").write_text(nested_sources()["attributes"])
    code, out, err = run_cli(["-j", jobs, str(".")], capsys)
    assert code == 1
    found = findings_by_file(out)
    assert_good_file_still_linted(found)
    for name in ("binary.py", "undecodable.py", "bad_cookie.py", "notebook.ipynb", "nested.py", "chain.py"):
        assert found.get(name) == ["TL000"], (name, out)
    assert "empty.py" not in found  # an empty file is valid Python: nothing to say
    assert "TL999" not in out


def test_several_megabytes(tree, capsys):
    # One big file that mentions Keras (a huge docstring), one big plain-data file (pre-filtered).
    big_doc = "import keras\n" + '"""' + ("lorem ipsum dolor sit amet " * 40 + "\n") * 4000 + '"""\n' + FREEZE_BUG
    (tree / "big_doc.py").write_text(big_doc)
    (tree / "big_data.py").write_text("".join(f"value_{i} = {i}\n" for i in range(300_000)))
    assert (tree / "big_doc.py").stat().st_size > 4_000_000
    code, out, err = run_cli(["-j", "2", "."], capsys)
    assert code == 1
    found = findings_by_file(out)
    assert_good_file_still_linted(found)
    assert found.get("big_doc.py") and "TL999" not in out and "TL000" not in out


@pytest.mark.parametrize("kind", sorted(nested_sources()))
def test_deeply_nested_expressions_never_crash(kind):
    findings = analyze_source(nested_sources()[kind], "deep.py")
    assert all(f.code == "TL000" for f in findings), [(f.code, f.message) for f in findings]


def test_nesting_inside_strings_is_not_mistaken_for_nesting():
    source = FREEZE_BUG + "text = '" + "(" * 300 + "'\nother = '" + ")" * 300 + "'\n"
    assert all(f.code not in ("TL000", "TL999") for f in analyze_source(source, "s.py"))


def test_symlink_loops_are_skipped_with_a_message(tree, capsys):
    (tree / "a.py").symlink_to(tree / "b.py")
    (tree / "b.py").symlink_to(tree / "a.py")
    (tree / "dangling.py").symlink_to(tree / "missing.py")
    sub = tree / "pkg"
    sub.mkdir()
    (sub / "again").symlink_to(tree, target_is_directory=True)
    code, out, err = run_cli(["-j", "1", "."], capsys)
    assert code == 1
    assert_good_file_still_linted(findings_by_file(out))
    assert "a.py" in err and "b.py" in err and "dangling.py" in err
    assert "symlink loop" in err


def test_symlink_loop_named_on_the_command_line(tree, capsys):
    (tree / "a.py").symlink_to(tree / "b.py")
    (tree / "b.py").symlink_to(tree / "a.py")
    code, out, err = run_cli(["-j", "1", "a.py", "good.py"], capsys)
    assert code == 1
    found = findings_by_file(out)
    assert found.get("a.py") == ["TL000"]
    assert_good_file_still_linted(found)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_unreadable_file(tree, capsys, monkeypatch, jobs):
    (tree / "secret.py").write_text(FREEZE_BUG)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = run_cli(["-j", jobs, "."], capsys)
    assert code == 1
    found = findings_by_file(out)
    assert found.get("secret.py") == ["TL000"]
    assert "Permission denied" in out
    assert_good_file_still_linted(found)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_and_directory_named_like_python_files(tree, capsys):
    os.mkfifo(tree / "pipe.py")
    (tree / "folder.py").mkdir()
    (tree / "folder.py" / "inner.py").write_text(FREEZE_BUG)
    code, out, err = run_cli(["-j", "1", "pipe.py", "folder.py", "good.py"], capsys)  # would hang if opened
    assert code == 1
    found = findings_by_file(out)
    assert found.get("pipe.py") == ["TL000"]
    assert "not a regular file" in out
    assert found.get(os.path.join("folder.py", "inner.py"))  # a folder is walked, even named x.py
    assert_good_file_still_linted(found)
    code, out, err = run_cli(["-j", "2", "."], capsys)  # in a walk a FIFO is not a source file
    assert "pipe.py" not in out and code == 1


def test_stdin_binary_and_undecodable(capsys, monkeypatch):
    import io
    import sys

    for data in (b"\x00\x01binary", b"import keras\nx = '\xff'\n"):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code, out, err = run_cli(["-"], capsys)
        assert code == 1 and "TL000" in out


def test_reexport_cycle_between_local_modules(tree, capsys):
    """Regression (found linting site-packages: rich, pip, opt_einsum, keras's summary_utils):
    two modules re-exporting a name from each other made the project's lookup recurse forever."""
    pkg = tree / "pkg"
    pkg.mkdir()
    (tree / "pyproject.toml").write_text("")
    (pkg / "__init__.py").write_text("from .a import thing\n")
    (pkg / "a.py").write_text("from .b import thing\nimport keras\nmodel = keras.Sequential()\nmodel.compile(loss='mse')\n")
    (pkg / "b.py").write_text("from .a import thing\nfrom . import a\nvalue = a.thing\n")
    (tree / "train.py").write_text("from pkg import thing\nfrom pkg.b import value\nimport keras\nthing.fit(value)\n")
    code, out, err = run_cli(["-j", "1", "--no-cache", "."], capsys)
    assert "TL999" not in out and "TL000" not in out and "recursion" not in out
    assert_good_file_still_linted(findings_by_file(out))


def test_endless_engine_recursion_is_tl999_not_tl000(monkeypatch):
    """A RecursionError on ordinary code is an engine bug: TL999, never hidden as 'nested too deeply'."""
    import tllint.engine.script as script_module

    def recurse(*args, **kwargs):
        return recurse(*args, **kwargs)

    monkeypatch.setattr(script_module, "build_script_model", recurse)
    (finding,) = analyze_source(FREEZE_BUG, "x.py")
    assert finding.code == "TL999" and "recursion" in finding.message
