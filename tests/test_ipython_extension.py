"""`%load_ext tllint` in a real IPython shell: findings before the cell runs, once each, `%tllint`.

Each session runs in a fresh subprocess (tests/ipython_support.py) with `InteractiveShell.instance()`
and `run_cell(..., store_history=True)`, as Jupyter runs cells. The cells' Keras code meets stand-in
framework modules (or blocked imports), so nothing downloads weights and the tests can check that
tllint itself never imports TensorFlow or Keras.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ipython_support import run_session

pytest.importorskip("IPython")

LOAD = "%load_ext tllint"
DATA = '''import tensorflow as tf
from tensorflow import keras

IMG_SIZE = (224, 224)
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=IMG_SIZE, batch_size=32)
val_ds = keras.utils.image_dataset_from_directory("data/val", image_size=IMG_SIZE, batch_size=32)
print("data ready")
'''
# The third cell: MobileNetV2 fed [0, 1] pixels (TL102, line 3), never frozen before the fit (TL201, line 1).
MODEL = '''base = keras.applications.MobileNetV2(input_shape=IMG_SIZE + (3,), include_top=False, weights="imagenet")
inputs = keras.Input(shape=IMG_SIZE + (3,))
x = keras.layers.Rescaling(1.0 / 255)(inputs)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print("training")
history = model.fit(train_ds, validation_data=val_ds, epochs=5)
'''
PLOT = '''import_free = [1, 2, 3]
print("plotted", len(import_free))
'''


def finding_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("tllint: cell")]


def block(output: str, prefix: str) -> list[str]:
    """The finding line that starts with `prefix` and its indented related lines."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return lines[start:end]


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    cells = [
        LOAD,  # 1
        DATA,  # 2
        MODEL,  # 3: the findings
        MODEL,  # 4: the same cell run again
        PLOT,  # 5: no Keras words
        "%tllint",  # 6
        "%tllint off",  # 7
        MODEL.replace("epochs=5", "epochs=8"),  # 8: edited, while off
        "%tllint on",  # 9
        MODEL.replace("epochs=5", "epochs=12"),  # 10: edited again
    ]
    outputs, summary = run_session(cells, tmp_path_factory.mktemp("session"))
    return outputs, summary


def test_findings_print_before_the_third_cell_runs_at_its_cell_and_line(session):
    outputs, _ = session
    assert finding_lines(outputs[0]) == finding_lines(outputs[1]) == []
    assert outputs[1].strip() == "data ready"
    third = outputs[2]
    lines = third.splitlines()
    tl201 = block(third, "tllint: cell 3, line 1: TL201 ")
    tl102 = block(third, "tllint: cell 3, line 3: TL102 ")
    # Printed before the cell's own output.
    assert lines.index("training") > lines.index(tl201[0])
    assert lines.index("training") > lines.index(tl102[0])
    assert lines[-1] == "training"
    # Titles, not the long messages; related places at their cell and line, with their labels.
    assert re.fullmatch(r"tllint: cell 3, line 1: TL201 .{10,100}", tl201[0])
    assert any(re.fullmatch(r"    cell 3, line 10: \S.*", line) for line in tl201[1:])  # the fit
    assert any(re.fullmatch(r"    cell 2, line 5: \S.*", line) for line in tl102[1:])  # pixels loaded
    assert any(re.fullmatch(r"    cell 3, line 1: \S.*", line) for line in tl102[1:])  # MobileNetV2 built


def test_running_the_cell_again_prints_nothing_new(session):
    outputs, _ = session
    assert finding_lines(outputs[3]) == []
    assert outputs[3].strip() == "training"


def test_a_cell_without_keras_words_prints_nothing(session):
    outputs, _ = session
    assert outputs[4].strip() == "plotted 3"


def test_percent_tllint_lists_the_current_findings(session):
    outputs, _ = session
    listed = finding_lines(outputs[5])
    # The cell ran twice: the listing shows the latest run's findings, once each.
    assert any(line.startswith("tllint: cell 4, line 1: TL201 ") for line in listed)
    assert any(line.startswith("tllint: cell 4, line 3: TL102 ") for line in listed)
    assert not any(line.startswith("tllint: cell 3,") for line in listed)
    assert len(listed) == len(set(line.split(": ", 2)[2] for line in listed))


def test_off_silences_and_on_resumes(session):
    outputs, _ = session
    assert outputs[6].strip() == "tllint: off (%tllint on resumes)"
    assert finding_lines(outputs[7]) == [] and outputs[7].strip() == "training"
    # What the cell run while off would have printed is counted, not printed.
    on = r"tllint: on \(\d+ finding\(s\) in cells run while off: %tllint lists them\)"
    assert re.fullmatch(on, outputs[8].strip())
    # An edited cell is new code: its findings print again.
    tenth = outputs[9]
    assert block(tenth, "tllint: cell 10, line 1: TL201 ")
    assert block(tenth, "tllint: cell 10, line 3: TL102 ")
    assert tenth.splitlines()[-1] == "training"


def test_tllint_never_imports_the_frameworks(session):
    _, summary = session
    assert summary["real_frameworks"] == []
    assert [entry for entry in summary["framework_imports"] if entry["by_tllint"]] == []


def test_a_cell_with_a_syntax_error_breaks_nothing_and_nothing_imports_tensorflow(tmp_path):
    bad = "model = keras.Model(inputs outputs)\nmodel.fit(train_ds, epochs=3)\n"
    # Imports of tensorflow/keras are refused: the user's cells fail, sys.modules stays free of them.
    outputs, summary = run_session([LOAD, DATA, bad, MODEL], tmp_path, frameworks="block")
    assert "SyntaxError" in outputs[2] and "tllint:" not in outputs[2]
    assert block(outputs[3], "tllint: cell 4, line 1: TL201 ")
    assert block(outputs[3], "tllint: cell 4, line 3: TL102 ")
    assert "internal error" not in "".join(outputs)
    assert summary["real_frameworks"] == []
    assert [entry["name"] for entry in summary["framework_imports"]] == ["tensorflow"]  # the user's cell 2
    assert not any(entry["by_tllint"] for entry in summary["framework_imports"])


def test_a_session_without_keras_never_loads_the_engine(tmp_path):
    cells = [LOAD, "import math\nvalues = [1, 2, 3]\nprint(math.prod(values))\n",
             "def double(v):\n    return v * 2\nprint(double(3))\n", "%tllint"]
    outputs, summary = run_session(cells, tmp_path)
    assert [o.strip() for o in outputs] == ["", "6", "6", "tllint: no findings"]
    assert "tllint.notebook" not in summary["loaded"]
    assert not any(name.startswith(("libcst", "tllint.engine", "tllint.rules")) for name in summary["loaded"])
    assert summary["real_frameworks"] == [] and summary["framework_imports"] == []


def test_an_error_inside_the_extension_prints_one_line_and_the_cell_runs(tmp_path):
    outputs, _ = run_session([LOAD, DATA, MODEL], tmp_path, break_lint=True)
    said = "tllint: internal error, the cell runs normally (RuntimeError: injected failure)"
    assert outputs[1].splitlines() == [said, "data ready"]
    assert outputs[2].splitlines() == ["training"]  # the same error is said once


def test_reload_and_unload(tmp_path):
    cells = [LOAD, DATA, "%reload_ext tllint", MODEL, "%unload_ext tllint", MODEL.replace("epochs=5", "epochs=6"),
             "%tllint"]
    outputs, _ = run_session(cells, tmp_path)
    # Reloading registers the handler once.
    assert len([line for line in finding_lines(outputs[3]) if " TL201 " in line]) == 1
    assert finding_lines(outputs[5]) == [] and outputs[5].strip() == "training"
    assert "UsageError" in outputs[6]


def test_importing_tllint_stays_cheap():
    code = ("import sys, tllint\n"
            "assert callable(tllint.load_ipython_extension) and callable(tllint.unload_ipython_extension)\n"
            "heavy = [m for m in sys.modules if m.split('.')[0] in ('IPython', 'libcst', 'tensorflow', 'keras')"
            " or m == 'tllint.ipython_ext']\n"
            "print(heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_render_falls_back_to_the_message_and_maps_joined_lines_to_cells():
    from tllint.finding import Finding, Related
    from tllint.ipython_ext import Session

    session = Session(shell=None)
    session.add("import keras\n", 2)
    session.add("base = keras.applications.ResNet50()\nmodel.fit(x)\n", 4)
    session._slots()  # positions 1 and 3 are placeholders: cell n sits at position n
    finding = Finding("TL999", "x", "error", "the message", session.path(), 2, 1, 2, 5, cell=4,
                      related=[Related("built here", 2, 1, 2, 5)])
    # The related place is a line of the joined code cells (cell 2's line, then cell 4's two lines).
    assert session.render(finding) == ["tllint: cell 4, line 2: TL999 the message",
                                       "    cell 4, line 1: built here"]
    finding.title = "short title"
    finding.related = [Related("loaded here", 8, 1, 8, 5, path="data.py")]
    assert session.render(finding) == ["tllint: cell 4, line 2: TL999 short title", "    data.py, line 8: loaded here"]


def test_the_working_folder_configuration_applies(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.tllint]\nignore = ["TL201"]\n')
    outputs, _ = run_session([LOAD, DATA, MODEL], tmp_path)
    assert block(outputs[2], "tllint: cell 3, line 3: TL102 ")
    assert not any(" TL201 " in line for line in finding_lines(outputs[2]))
