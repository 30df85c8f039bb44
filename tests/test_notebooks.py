"""Notebooks: code cells in order as one program, findings at cell and line, noqa per cell line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tllint.notebook import lint_notebook
from tllint.notebook_cells import blank_ipython
from tllint.settings import Settings

pytest_plugins = ("cli_fixtures",)  # fixtures: run_cli

TESTS = Path(__file__).resolve().parent
NOTEBOOKS = TESTS / "notebooks"
CODES = {"TL000", "TL101", "TL102", "TL202"}


def lint(name: str, enabled=None, text: str | None = None):
    text = text if text is not None else (NOTEBOOKS / name).read_text()
    return lint_notebook(name, text, Settings(), set(enabled or CODES))


def where(findings):
    return [(f.code, f.cell, f.line, f.column) for f in findings]


def test_missing_preprocessing_reported_at_cell_and_line():
    findings = lint("missing_preprocessing.ipynb")
    # Cell 5 (the fourth code cell; markdown cells count), line 4: `x = base(inputs, training=False)`.
    assert where(findings) == [("TL101", 5, 4, 5)]
    # Lines in the message are cell lines too.
    assert "from `image_dataset_from_directory` (cell 3, line 1)" in findings[0].message
    assert findings[0].end_line == 4


def test_magics_shell_and_help_lines_do_not_break_the_program():
    # `!pip`, `%matplotlib`, `train_ds?`, `%%time`, `%%bash`, `files = !ls`: all blanked.
    findings = lint("missing_preprocessing.ipynb", enabled=CODES | {"TL001"})
    assert all(f.code != "TL000" for f in findings)


def test_noqa_in_a_cell_line():
    findings = lint("fine_tune_noqa.ipynb", enabled={"TL202", "TL001"})
    # The unfreeze in cell 5 line 2 is suppressed by its `# noqa: TL202`; the re-freeze in cell 6 is not.
    assert where(findings) == [("TL001", 2, 1, 15), ("TL202", 6, 3, 1)]
    assert "unused: TL101" in findings[0].message


def test_without_the_noqa_the_cell_5_unfreeze_is_reported():
    text = (NOTEBOOKS / "fine_tune_noqa.ipynb").read_text().replace("  # noqa: TL202", "  # (comment)")
    findings = lint("fine_tune_noqa.ipynb", enabled={"TL202"}, text=text)
    assert where(findings) == [("TL202", 5, 2, 1), ("TL202", 6, 3, 1)]


def test_a_cell_with_a_syntax_error_gives_tl000_and_the_others_are_analysed():
    findings = lint("syntax_error.ipynb")
    assert where(findings) == [("TL000", 3, 2, 1), ("TL202", 4, 9, 1)]
    assert findings[0].message.startswith("cannot parse: syntax error")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("invalid.ipynb", "not a valid notebook: invalid JSON"),
        ("nbformat3.ipynb", "unsupported notebook format: nbformat 3"),
    ],
)
def test_invalid_notebooks_give_tl000(name, start):
    findings = lint(name)
    assert [f.code for f in findings] == ["TL000"]
    assert findings[0].message.startswith(start)
    assert findings[0].cell is None


@pytest.mark.parametrize("text", ["[]", '{"nbformat": 4}', '{"nbformat": 4, "cells": 3}', "\ufeff"])
def test_malformed_notebooks_give_tl000_not_a_crash(text):
    assert [f.code for f in lint("x.ipynb", text=text)] == ["TL000"]


def test_odd_cells_are_skipped_not_a_crash():
    cells = [1, None, {"cell_type": "code", "source": None}, {"cell_type": "code", "source": ["import keras\n", 3]},
             {"cell_type": "raw", "source": "%%bash"}, {"cell_type": "code", "source": "    indented = 1\n"}]
    findings = lint("odd.ipynb", text=json.dumps({"nbformat": 4, "cells": cells}))
    # Only the indented cell is broken: TL000 at its cell (6th of all cells) and line.
    assert where(findings) == [("TL000", 6, 1, 1)]


def test_clean_notebook_and_notebook_without_code():
    assert lint("clean.ipynb", enabled=CODES | {"TL001"}) == []
    empty = json.dumps({"cells": [{"cell_type": "markdown", "source": "# keras", "metadata": {}}], "nbformat": 4, "nbformat_minor": 5})
    assert lint("empty.ipynb", text=empty) == []


def test_notebook_follows_local_imports():
    # pipeline.py scales to [0, 1]; ResNet50 expects caffe-style input: reported at pipeline.py.
    findings = lint_notebook(
        str(NOTEBOOKS / "with_local_module" / "explore.ipynb"),
        (NOTEBOOKS / "with_local_module" / "explore.ipynb").read_text(),
        Settings(),
        set(CODES),
    )
    assert [(Path(f.path).name, f.code, f.cell, f.line) for f in findings] == [("pipeline.py", "TL102", None, 6)]


def test_cli_text_and_json(run_cli):
    code, out, _ = run_cli("--select=TL101", "notebooks/missing_preprocessing.ipynb", cwd=TESTS)
    assert code == 1
    assert out.startswith("notebooks/missing_preprocessing.ipynb:cell 5:4:5: TL101 ")  # then the title
    code, out, _ = run_cli("--select=TL101", "--format=json", "notebooks/missing_preprocessing.ipynb", cwd=TESTS)
    [finding] = json.loads(out)
    assert finding["message"].startswith("raw pixels (0..255)")
    assert (finding["path"], finding["cell"], finding["line"], finding["column"]) == (
        "notebooks/missing_preprocessing.ipynb", 5, 4, 5,
    )


def test_cli_subprocess_over_the_notebook_folder():
    proc = subprocess.run(
        [sys.executable, "-m", "tllint", "--select=TL000,TL101,TL102,TL202", "notebooks"],
        cwd=TESTS, capture_output=True, text=True, timeout=120,
    )
    locations = [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in proc.stdout.splitlines()]
    assert locations == [
        "notebooks/fine_tune_noqa.ipynb:cell 6:3:1 TL202",
        "notebooks/invalid.ipynb:2:1 TL000",
        "notebooks/missing_preprocessing.ipynb:cell 5:4:5 TL101",
        "notebooks/nbformat3.ipynb:1:1 TL000",
        "notebooks/syntax_error.ipynb:cell 3:2:1 TL000",
        "notebooks/syntax_error.ipynb:cell 4:9:1 TL202",
        "notebooks/with_local_module/pipeline.py:6:33 TL102",
    ]


@pytest.mark.parametrize(
    ("source", "blanked"),
    [
        ("!pip install keras\nimport keras", "\nimport keras"),
        ("%matplotlib inline\nx = 1", "\nx = 1"),
        ("files = !ls data\nx = 1", "\nx = 1"),
        ("model.summary?\n??keras.Model.fit\nx = 1", "\n\nx = 1"),
        ("%%time\nmodel.fit(ds)", "\nmodel.fit(ds)"),
        ("%%bash\nls\npwd", "\n\n"),
        ("for i in range(3):\n    !echo $i\n", "for i in range(3):\n    pass\n"),
        ("x = a != b\ny = 5 % 2\nz = '?'", "x = a != b\ny = 5 % 2\nz = '?'"),
        ("!wget -q https://x/y.zip \\\n  -O y.zip \\\n  --quiet\nimport keras", "\n\n\nimport keras"),
        ("if ok:\n    !pip install a \\\n        b\n    x = 1", "if ok:\n    pass\n\n    x = 1"),
        ("pip install tensorflow_hub\ncd gdrive/MyDrive\nimport keras", "\n\nimport keras"),
        ("pwd = os.getcwd()\nls + 1\ncd = 3\ncat(x)\npip.main(a)", "pwd = os.getcwd()\nls + 1\ncd = 3\ncat(x)\npip.main(a)"),
    ],
)
def test_blank_ipython(source, blanked):
    assert blank_ipython(source) == blanked


def test_200_cell_notebook_under_a_second():
    cells = []
    for i in range(200):
        if i % 4 == 0:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": f"## Step {i}\nText."})
        elif i == 1:
            cells.append({
                "cell_type": "code", "metadata": {}, "outputs": [],
                "source": "!pip install tensorflow\nimport tensorflow as tf\n"
                "train_ds = tf.keras.utils.image_dataset_from_directory('d', image_size=(224, 224))\n"
                "base = tf.keras.applications.MobileNetV2(include_top=False, weights='imagenet')\nbase.trainable = False\n"
                "inputs = tf.keras.Input((224, 224, 3))\n"
                "model = tf.keras.Model(inputs, tf.keras.layers.Dense(3)(base(inputs, training=False)))\n"
                "model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n",
            })
        else:
            fit = "model.fit(train_ds, epochs=1)\n" if i % 50 == 0 else ""
            cells.append({
                "cell_type": "code", "metadata": {}, "outputs": [],
                "source": f"%time x{i} = {i} * 2\ndef f{i}(a):\n    return a + {i}\ny{i} = f{i}(x{i})\nprint(y{i})\n{fit}",
            })
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    lint_notebook("big.ipynb", text, Settings(), set(CODES))  # warm the imports
    elapsed = 1e9
    for _ in range(3):  # the best of three: the machine may be busy with other work
        start = time.perf_counter()
        findings = lint_notebook("big.ipynb", text, Settings(), set(CODES))
        elapsed = min(elapsed, time.perf_counter() - start)
    assert where(findings) == [("TL101", 2, 7, 57)]
    assert elapsed < 1.0, elapsed


_LINES = st.sampled_from([
    "import keras", "%matplotlib inline", "!pip install x", "x = !ls", "model?", "%%time", "%%bash",
    "base = keras.applications.MobileNetV2(include_top=False)", "base.trainable = True  # noqa: TL202",
    "model = keras.Sequential([base])", "model.compile('adam', 'mse')", "model.fit(x)", "def f(:",
    "    indented()", "if x:", "    !echo hi", "'''open string", "", "# comment", "x = 1; y = 2 \\",
])
_CELLS = st.lists(
    st.one_of(
        st.builds(lambda kind, lines: {"cell_type": kind, "source": "\n".join(lines)},
                  st.sampled_from(["code", "code", "markdown", "raw"]), st.lists(_LINES, max_size=6)),
        st.builds(lambda lines: {"cell_type": "code", "source": [line + "\n" for line in lines]}, st.lists(_LINES, max_size=6)),
        st.none(), st.integers(),
    ),
    max_size=8,
)


@given(_CELLS)
@hsettings(max_examples=60, deadline=None)
def test_any_cells_give_findings_inside_their_cells_never_a_crash(cells):
    text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": cells})
    findings = lint_notebook("nb.ipynb", text, Settings(), {"TL000", "TL001", "TL101", "TL202", "TL201"})
    for finding in findings:
        assert finding.code != "TL999", finding.message
        if finding.cell is not None:
            cell = cells[finding.cell - 1]
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            assert cell["cell_type"] == "code"
            assert 1 <= finding.line <= max(source.count("\n") + 1, 1)
