"""Fuzzing: no exception escapes analyze_source / lint_paths, and the engine never crashes (TL999).

Generated programs come from hypothesmith (Python's grammar, and LibCST nodes); mutated programs
from the project's own training scripts (tests/fixtures/**/*.py, examples/*.py, bench's script):
deleted lines, shuffled top-level statements, truncations, duplicated lines. Example counts are
modest and the runs derandomised, so the suite stays fast and repeatable; raise
TLLINT_FUZZ_EXAMPLES to fuzz longer locally.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tllint.analysis import analyze_source  # noqa: E402
from tllint.discovery import discover  # noqa: E402
from tllint.parallel import Options  # noqa: E402
from tllint.runner import lint_paths  # noqa: E402
from tllint.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("TLLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# Prepended to generated programs so that the pre-filters let them through to the engine and the
# rules look at them (a compiled model, a backbone).
PRELUDE = (
    "import tensorflow as tf\nfrom tensorflow import keras\n"
    "base = keras.applications.MobileNetV2(include_top=False)\nmodel = keras.Sequential([base])\n"
    "model.compile(optimizer='adam', loss='mse')\n"
)
# Generated programs are often odd (`1()`): Python's compiler warns about them while checking.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")


def corpus() -> list[Path]:
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.py"))
    files += sorted((ROOT / "examples").glob("*.py"))
    files += sorted((ROOT / "bench").glob("train_*.py"))
    return files


CORPUS = corpus()


def check(source: str, path: str = "fuzz.py") -> None:
    findings = analyze_source(source, path, Settings())
    crashes = [f.message for f in findings if f.code == "TL999"]
    assert not crashes, f"engine crash on:\n{source}\n{crashes}"


@FUZZ
@given(hypothesmith.from_grammar())
def test_grammar_generated_programs(source):
    check(PRELUDE + source)
    check(source)


@settings(FUZZ, max_examples=max(1, EXAMPLES // 2))  # LibCST's generator is the slow one
@given(hypothesmith.from_node())
def test_libcst_generated_programs(source):
    check(PRELUDE + source)


def _statements(lines: list[str]) -> list[list[str]]:
    """Top-level statements (a line at column 0 starts one), each with its indented lines."""
    blocks: list[list[str]] = []
    for line in lines:
        if blocks and (line[:1] in (" ", "\t", ")", "]", "}") or not line.strip()):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


@pytest.mark.skipif(not CORPUS, reason="no training scripts to mutate")
@FUZZ
@given(st.data())
def test_mutated_training_scripts(data):
    path = data.draw(st.sampled_from(CORPUS), label="script")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kind = data.draw(st.sampled_from(["delete", "shuffle", "truncate", "duplicate", "dedent"]), label="mutation")
    if kind == "delete" and lines:
        for _ in range(data.draw(st.integers(1, 4))):
            if lines:
                del lines[data.draw(st.integers(0, len(lines) - 1))]
    elif kind == "shuffle":
        blocks = _statements(lines)
        lines = [line for block in data.draw(st.permutations(blocks)) for line in block]
    elif kind == "truncate":
        text = "".join(lines)
        lines = [text[: data.draw(st.integers(0, len(text)))]]
    elif kind == "duplicate" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines)))
        lines.insert(j, lines[i])
    elif kind == "dedent" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i].lstrip()
    check("".join(lines), path.name)


def test_lint_paths_over_mutated_tree(tmp_path):
    """Through the runner (jobs, cache, project): mutated copies side by side, nothing escapes."""
    for i, path in enumerate(CORPUS[:: max(1, len(CORPUS) // 12)]):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        (tmp_path / f"m{i}_half.py").write_text(text[: len(text) // 2])
        (tmp_path / f"m{i}_rev.py").write_text("".join(reversed(lines)))
        (tmp_path / f"m{i}_odd.py").write_text("".join(lines[::2]))
    settings = Settings()
    targets = discover([str(tmp_path)], settings).targets
    for options in (None, Options(jobs=2, cache=True, cache_dir=tmp_path / ".cache")):
        result = lint_paths(targets, settings, options=options)
        assert result.files_checked == len(targets)
        crashes = [(f.path, f.message) for f in result.findings if f.code == "TL999"]
        assert not crashes
